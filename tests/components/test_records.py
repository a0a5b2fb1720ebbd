"""Records reviewed (``components/records.py``), read through the seam ``iro_dates`` calls:
the items of a list of documents, the kind of each, and the record named right before a
date in running text. Sentences written for these tests."""

import pytest

LISTS = [
    (
        "MRI of the cervical spine 02/03/16; EMG report 03/04/16; peer review dated 04/05/16",
        ["MRI of the cervical spine 02/03/16", "EMG report 03/04/16", "peer review dated 04/05/16"],
        ["study", "study", "utilization_review"],
    ),
    (
        "1. Chiropractic notes dated 05/06/15 through\n   06/07/15\n2. Office visit 07/08/15",
        ["Chiropractic notes dated 05/06/15 through\n   06/07/15", "Office visit 07/08/15"],
        ["visit", "visit"],
    ),
    (
        "* Pain management notes 08/09/13, 09/10/13\n* Functional capacity evaluation 10/11/13",
        ["Pain management notes 08/09/13, 09/10/13", "Functional capacity evaluation 10/11/13"],
        ["visit", "study"],
    ),
    (
        "ACOEM Guidelines, 2nd Edition Request for IRO dated 01/30/12 Peer review dated 01/04/12",
        ["ACOEM Guidelines, 2nd Edition", "Request for IRO dated 01/30/12", "Peer review dated 01/04/12"],
        ["guideline", "appeal", "utilization_review"],
    ),
]


@pytest.mark.parametrize("text,items,kinds", LISTS)
def test_list_items_and_their_kinds(nlp, text, items, kinds):
    """One record per line or ';' part, a wrapped line joined, a flattened line cut after
    each group of dates, a guideline title glued to the next record split off."""
    comp = nlp.get_pipe("iro_dates")
    got = comp.records.list_items(text, 0, len(text), comp.find(text))
    assert [text[s:e] for s, e in got] == items
    assert [comp.records.document_type(text[s:e]) for s, e in got] == kinds


@pytest.mark.parametrize(
    "text,record,kind,role",
    [
        (
            "Per the physical therapy note dated 4/4/2014, range of motion improved.",
            "physical therapy note",
            "therapy",
            "visit",
        ),
        ("A letter of appeal of 5/5/2015 asks for reconsideration.", "letter of appeal", "appeal", "appeal"),
        ("The office visit on 6/6/2016 documented tenderness.", "office visit", "visit", "visit"),
    ],
)
def test_record_named_before_a_date_gives_its_role(nlp, text, record, kind, role):
    doc = nlp(text)
    date = doc.spans["dates"][0]
    assert (date._.iro["document"], date._.iro["document_type"], date._.iro["role"]) == (record, kind, role)


def test_no_record_before_the_date_links_nothing(nlp):
    doc = nlp("The claimant went back to work of 7/7/2017 per the records.")
    date = doc.spans["dates"][0]
    assert "document" not in date._.iro and date._.iro["role"] == "other"
