# ruff: noqa: E501  (letter text in test data reads better unwrapped)
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


# -- a date-first table (issue 13): each date is its own row's -------------------------
DATE_FIRST = [
    (
        "Records Reviewed\nDate\tDocument\n2019-04-02\tPeer review, non-certification\n2019-03-11\tOffice visit, Dr. Ruiz\n2018-12-20\tMRI cervical spine\n",
        [("utilization_review", ["2019-04-02"]), ("visit", ["2019-03-11"]), ("study", ["2018-12-20"])],
    ),
    (
        "DOCUMENTS REVIEWED\n| Date | Record |\n| 05/14/2020 | Denial letter |\n| 06/01/2020 | Reconsideration denial |\n| 02/03/2020 | Lumbar x-rays, two views |\n",
        [
            ("utilization_review", ["2020-05-14"]),
            ("utilization_review", ["2020-06-01"]),
            ("study", ["2020-02-03"]),
        ],
    ),
    (
        "Medical records reviewed:\n03.02.2017    Operative report, right knee arthroscopy\n04.10.2017    Physical therapy notes\n01.05.2017    EMG/NCV of the lower extremities\n",
        [("surgery", ["2017-03-02"]), ("therapy", ["2017-04-10"]), ("study", ["2017-01-05"])],
    ),
    (
        "RECORDS REVIEWED\nMarch 4, 2016 and March 18, 2016  Chiropractic daily notes\nApril 2, 2016  Functional capacity evaluation\n",
        [("therapy", ["2016-03-04", "2016-03-18"]), ("study", ["2016-04-02"])],
    ),
]


@pytest.mark.parametrize("text,rows", DATE_FIRST)
def test_date_first_table_gives_each_date_to_its_own_row(nlp, text, rows):
    """Tabs, pipes or spaces between the columns: the layout is gone in the canonical text,
    and a list that starts with a date (after a column header) reads date first."""
    doc = nlp(text)
    assert [(s.label_, s._.iro["dates"]) for s in doc.spans["documents"]] == rows


def test_date_last_list_is_not_read_date_first(nlp):
    doc = nlp("Records reviewed:\nDr. Hale 01/02/2015\nDr. Ortiz 02/03/2015\nMRI lumbar spine 03/04/2015\n")
    docs = [(s._.iro["document"], s._.iro["dates"]) for s in doc.spans["documents"]]
    assert docs == [
        ("Dr. Hale", ["2015-01-02"]),
        ("Dr. Ortiz", ["2015-02-03"]),
        ("MRI lumbar spine", ["2015-03-04"]),
    ]
