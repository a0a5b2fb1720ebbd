# ruff: noqa: E501  (letter text in test data reads better unwrapped)
"""Outcome: checkbox styles, printed option, prose, per-service splits, hearing rulings, null."""

import json

import pytest
from iro_evidence.rows import doc_rows

HEAD = "REVIEW OUTCOME:\nUpon independent review, the reviewer finds that the previous adverse determination should be:\n"


@pytest.mark.parametrize(
    "body,expected",
    [
        ("[ X ] Upheld (Agree)\n[   ] Overturned (Disagree)\n[   ] Partially Overturned\n", "upheld"),
        ("[ ] Upheld (Agree)\n[X] Overturned (Disagree)\n[ ] Partially Overturned\n", "overturned"),
        ("\u2610 Upheld\n\u2610 Overturned\n\u2612 Partially Overturned\n", "partially_overturned"),
        ("X\nUpheld\n\n(Agree)\n\nOverturned\n\n(Disagree)\n", "upheld"),
        ("     Upheld (Agree)\n X   Overturned (Disagree)\n     Partially Overturned\n", "overturned"),
        (
            "[   ]\nUpheld  (Agree)\n\n[ X ]\nOverturned  (Disagree)\n\n[   ]\nPartially Overturned\n",
            "overturned",
        ),
        (
            "[   ]            [ X ]             [   ]\nUpheld         Overturned        Partially Overturned\n",
            "overturned",
        ),
        ("Overturned (Disagree)\n\nPATIENT CLINICAL HISTORY SUMMARY\nHe fell.\n", "overturned"),
    ],
)
def test_checkbox_styles(nlp, body, expected):
    doc = nlp(HEAD + body)
    assert doc._.iro_case["outcome"] == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "After review of the records the reviewer agrees with the previous adverse determination.",
            "upheld",
        ),
        (
            "The reviewer disagrees with the prior adverse determination and the request is approved.",
            "overturned",
        ),
        ("Case Summary\nThe insurer denied the trial.\nThe determination is upheld.\n", "upheld"),
        ("The insurer's denial is overturned in part.", "partially_overturned"),
        (
            "The service is medically necessary. Therefore, the Health Plan's denial should be overturned.",
            "overturned",
        ),
        (
            "The service is not medically necessary. Therefore, the Health Plan's denial should be upheld.",
            "upheld",
        ),
        (
            "Year: 2016\nDetermination: Overturned Decision of Health Plan\nType of Review: Medical Necessity\n",
            "overturned",
        ),
        (
            "Year: 2016\nDetermination: Upheld Decision of Health Plan\nType of Review: Medical Necessity\n",
            "upheld",
        ),
    ],
)
def test_prose(nlp, text, expected):
    assert nlp(text)._.iro_case["outcome"] == expected


def test_split_decision_rows_name_each_service(nlp):
    text = HEAD + (
        "[ ] Upheld\n[ ] Overturned\n[X] Partially Overturned\n\n"
        "Lumbar ESI #1 at L4-5 (62323) - Overturned\n"
        "Lumbar ESI #2 and #3 (62323 x 2) - Upheld\n\nPATIENT CLINICAL HISTORY SUMMARY\nHe fell.\n"
    )
    doc = nlp(text)
    assert doc._.iro_case["outcome"] == "partially_overturned"
    rows = [r for r in doc_rows(doc, "t") if r["kind"] == "outcome" and r["details"]]
    per = [(json.loads(r["details"]).get("service"), r["value"]) for r in rows if "service" in r["details"]]
    assert per == [
        ("Lumbar ESI #1 at L4-5 (62323)", "overturned"),
        ("Lumbar ESI #2 and #3 (62323 x 2)", "upheld"),
    ]
    first = json.loads(next(r["details"] for r in rows if "#1" in r["text"]))
    assert (
        first["types"] == ["epidural steroid injection"]
        and first["count"] == "#1"
        and first["cpt"] == ["62323"]
    )
    assert all(r["section"] == "outcome" for r in rows)


def test_external_review_determinations_per_service(nlp):
    text = (
        "1) The reviewer has determined the request for a lumbar MRI is not medically necessary and appropriate.\n"
        "2) The reviewer has determined the request for 8 sessions of aquatic\ntherapy is medically necessary.\n"
    )
    doc = nlp(text)
    assert doc._.iro_case["outcome"] == "partially_overturned"
    services = {s._.iro["service"]: s._.iro["value"] for s in doc.spans["outcome"] if "service" in s._.iro}
    assert services == {"a lumbar MRI": "upheld", "8 sessions of aquatic therapy": "overturned"}


QUESTION = (
    "DECISION AND ORDER\n\nISSUES\n\nIs the preponderance of the evidence contrary to the decision of the "
    "Independent Review Organization (IRO) that Claimant is not entitled to a lumbar MRI for the compensable "
    "injury of (Date of Injury)?\n\nBACKGROUND INFORMATION\n\nThe IRO upheld the denial. "
)


@pytest.mark.parametrize(
    "tail,expected",
    [
        ("", None),  # the excerpt stops before the ruling
        ("The preponderance of the evidence is not contrary to the decision of the IRO.", "upheld"),
        ("The preponderance of the evidence is contrary to the decision of the IRO.", "overturned"),
        (
            "\n\nDECISION\n\nThe Claimant is not entitled to a lumbar MRI for the compensable injury.",
            "upheld",
        ),
        ("\n\nDECISION\n\nClaimant is entitled to a lumbar MRI for the compensable injury.", "overturned"),
        (
            "\n\nDECISION\n\nThe Claimant is entitled to a lumbar MRI for the compensable injury. "
            "The Claimant is not entitled to a discogram for the compensable injury.",
            "partially_overturned",
        ),
        ("Carrier relied on the IRO to show that Claimant is not entitled to the MRI.", None),
    ],
)
def test_hearing_rulings(nlp, tail, expected):
    assert nlp(QUESTION + tail)._.iro_case["outcome"] == expected


def test_entitled_after_an_iro_approval_upholds(nlp):
    text = (
        "Is the preponderance of the evidence contrary to the decision of the IRO that the Claimant is entitled "
        "to a lumbar ESI for the compensable injury of (Date of Injury)?\n\nThe Carrier appealed.\n\n"
        "DECISION\n\nThe Claimant is entitled to a lumbar ESI for the compensable injury of (Date of Injury).\n"
    )
    assert nlp(text)._.iro_case["outcome"] == "upheld"


def test_order_denying_the_request_upholds_an_iro_denial(nlp):
    text = (
        "The provider appealed the decision of an IRO denying preauthorization.\n\nORDER\n\n"
        "IT IS ORDERED that the request of Acme Rehab for preauthorization of 20 sessions of work hardening "
        "for Claimant is denied.\n"
    )
    assert nlp(text)._.iro_case["outcome"] == "upheld"


def test_determines_clause_with_slashes(nlp):
    text = (
        "The Hearing Officer determines that Petitioner / Claimant timely appealed the IRO decision and that "
        "Petitioner / Claimant is entitled to a rotator cuff repair for the compensable injury."
    )
    assert nlp(text)._.iro_case["outcome"] == "overturned"
