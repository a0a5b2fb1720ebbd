"""A split decision's services, each with its own outcome, by families of layout (three
paraphrases each, written here): per-item lines, lettered items named by a list of services,
dot leaders, prose that decides several services, one statement per service."""

import re

import pytest
from iro_evidence.extract import process_doc

LETTER = (
    "INDEPENDENT REVIEW DECISION\n\nDate of Review: 03/04/2021\n\n{listed}REVIEW OUTCOME:\n"
    "The prior adverse determination is partially overturned.\n\n{decided}\n\nCLINICAL HISTORY\n"
    "The claimant is a 40-year-old warehouse worker who hurt his back lifting a box.\n"
)
OV, UP = "overturned", "upheld"
DECISION_WORDS = re.compile(r"(?i)\b(?:overturned|upheld|agrees?|denial|medically necessary|item)\b")


def services(nlp, decided, listed=""):
    _, rec = process_doc(nlp(LETTER.format(listed=listed, decided=decided)), "t")
    assert rec["outcome"] == "partially_overturned"
    for s in rec["services"]:
        assert not DECISION_WORDS.search(s["service"]), s
    return [(s["service"], s["outcome"]) for s in rec["services"]]


@pytest.mark.parametrize(
    "decided, expected",
    [
        (
            "Item 1, lumbar epidural steroid injection at L4-5: OVERTURNED\n"
            "Item 2, twelve sessions of chiropractic care: UPHELD",
            [("lumbar epidural steroid injection at L4-5", OV), ("twelve sessions of chiropractic care", UP)],
        ),
        (
            "Item 1 - Lumbar MRI without contrast - Overturned\n"
            "Item 2 - Aquatic therapy, 6 sessions - Upheld",
            [("Lumbar MRI without contrast", OV), ("Aquatic therapy, 6 sessions", UP)],
        ),
        (
            "Item 1. Right knee arthroscopy\n   The reviewer disagrees with the denial.\n"
            "Item 2. Hinged post-operative knee brace\n   The reviewer agrees with the denial.",
            [("Right knee arthroscopy", OV), ("Hinged post-operative knee brace", UP)],
        ),
    ],
)
def test_per_item_lines(nlp, decided, expected):
    assert services(nlp, decided) == expected


@pytest.mark.parametrize(
    "listed, decided, expected",
    [
        (
            "SERVICES IN DISPUTE:\n(A) MRI of the cervical spine (72141); "
            "(B) home cervical traction unit\n\n",
            "Item A: the reviewer does not agree with the denial. "
            "Item B: the reviewer agrees with the denial.",
            [("MRI of the cervical spine", OV), ("home cervical traction unit", UP)],
        ),
        (
            "Services in dispute:\nA. Lumbar discogram at L3-4, L4-5 and L5-S1\n"
            "B. Post-discogram CT scan of the lumbar spine\n\n",
            "A. Overturned. B. Upheld.",
            [
                ("Lumbar discogram at L3-4, L4-5 and L5-S1", OV),
                ("Post-discogram CT scan of the lumbar spine", UP),
            ],
        ),
        (
            "",
            "(a) Physical therapy, 12 visits \u2014 the denial is overturned; "
            "(b) TENS unit \u2014 the denial is upheld.",
            [("Physical therapy, 12 visits", OV), ("TENS unit", UP)],
        ),
    ],
)
def test_lettered_items_named_by_the_list(nlp, listed, decided, expected):
    assert services(nlp, decided, listed) == expected


@pytest.mark.parametrize(
    "decided, expected",
    [
        (
            "Lumbar MRI ............ Overturned\nEMG of the lower extremities ........ Upheld",
            [("Lumbar MRI", OV), ("EMG of the lower extremities", UP)],
        ),
        (
            "Physical therapy, 8 visits .......... UPHELD\nLumbar facet injection at L4-5 ....... OVERTURNED",
            [("Physical therapy, 8 visits", UP), ("Lumbar facet injection at L4-5", OV)],
        ),
        (
            "Cervical collar ... Upheld\nCervical MRI ... Overturned",
            [("Cervical collar", UP), ("Cervical MRI", OV)],
        ),
    ],
)
def test_dot_leaders(nlp, decided, expected):
    assert services(nlp, decided) == expected


@pytest.mark.parametrize(
    "listed, decided, expected",
    [
        (
            "",
            "The reviewer disagrees with the denial of the lumbar fusion at L4-5 and agrees with the denial "
            "of the bone growth stimulator.",
            [("the lumbar fusion at L4-5", OV), ("the bone growth stimulator", UP)],
        ),
        (
            "",
            "I agree with the adverse determination regarding the TENS unit, but disagree with the adverse "
            "determination regarding the physical therapy.",
            [("the TENS unit", UP), ("the physical therapy", OV)],
        ),
        (
            "Services Under Review: (1) cervical MRI without contrast; (2) home cervical traction unit.\n\n",
            "The reviewer does not agree with the denial for item (1), the MRI, and agrees with the denial "
            "for item (2), the traction unit.",
            [("cervical MRI without contrast", OV), ("home cervical traction unit", UP)],
        ),
        (
            "",
            "The adverse determination is reversed in part and affirmed in part: (1) the cervical MRI is "
            "medically necessary; (2) the home traction unit is not medically necessary.",
            [("the cervical MRI", OV), ("the home traction unit", UP)],
        ),
    ],
)
def test_prose_deciding_several_services(nlp, listed, decided, expected):
    assert services(nlp, decided, listed) == expected


@pytest.mark.parametrize(
    "decided, expected",
    [
        (
            "The fusion at L4-5 is found medically necessary. "
            "The fusion at L5-S1 is not found medically necessary.",
            [("The fusion at L4-5", OV), ("The fusion at L5-S1", UP)],
        ),
        (
            "The requested MRI is medically necessary. The requested EMG is not medically necessary.",
            [("The requested MRI", OV), ("The requested EMG", UP)],
        ),
        (
            "Twelve sessions of physical therapy are considered medically necessary. A home TENS unit is "
            "deemed not medically necessary.",
            [("Twelve sessions of physical therapy", OV), ("A home TENS unit", UP)],
        ),
    ],
)
def test_one_statement_per_service(nlp, decided, expected):
    assert services(nlp, decided) == expected


def test_the_clinical_story_decides_no_service(nlp):
    """Item wording after the history (the reviewer's reasoning) is no decision list."""
    text = LETTER.format(listed="", decided="The reviewer finds the request reasonable in part.").replace(
        "lifting a box.", "lifting a box. Item 1. An MRI was approved. Item 2. An EMG was denied."
    )
    _, rec = process_doc(nlp(text), "t")
    assert all(s["service"] not in ("An MRI", "An EMG") for s in rec["services"])


def test_split_rules_alone():
    from iro_evidence.components.service import SplitServices
    from iro_evidence.rules import load_packaged

    split = SplitServices(load_packaged("decision.json")["split_services"])
    assert split.clean("Item 2, home traction unit, purchase (E0855);") == "home traction unit, purchase"
    assert split.value("Reviewer agrees with the denial. Not medically necessary.") == "upheld"
    assert split.value("the reviewer does not agree with the denial") == "overturned"
    assert split.value("medical necessity not established, the denial is upheld") == "upheld"


@pytest.mark.parametrize(
    "decided, expected",
    [
        (
            "| Service | Determination |\n|---|---|\n| Lumbar MRI without contrast | Overturned |\n"
            "| EMG/NCV of the legs | Upheld |",
            [("Lumbar MRI without contrast", OV), ("EMG/NCV of the legs", UP)],
        ),
        (
            "Service requested          Decision\nLumbar MRI without contrast   Overturned\n"
            "EMG/NCV of the legs           Upheld",
            [("Lumbar MRI without contrast", OV), ("EMG/NCV of the legs", UP)],
        ),
        (
            "Requested service | CPT | Result\nCervical ESI at C6-7 | 62321 | Approved\n"
            "Cervical collar | L0120 | Denied",
            [("Cervical ESI at C6-7", OV), ("Cervical collar", UP)],
        ),
    ],
)
def test_tables_run_into_one_line(nlp, decided, expected):
    assert services(nlp, decided) == expected


def test_an_option_list_is_no_table():
    from iro_evidence.components.service import SplitServices
    from iro_evidence.rules import load_packaged

    split = SplitServices(load_packaged("decision.json")["split_services"])
    assert split._table("DECISION: \u25a1 Upheld \u25a1 Overturned \u25a0 Partially Overturned") == []
    assert split._table("Upheld ........ NO Overturned ........ NO Partially Overturned ..... YES") == []
    assert split._table("Lumbar MRI ..... Upheld Cervical MRI ..... Overturned") == [
        ("Lumbar MRI", "upheld"),
        ("Cervical MRI", "overturned"),
    ]
