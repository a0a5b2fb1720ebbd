# ruff: noqa: E501  (sentences read better unwrapped)
"""Rule families added for the real-genre tuning letters of corpus/notes/genres_x.md (issue 13):
each family in at least three paraphrases written for this test (no letter's sentence), plus
controls that the family must leave alone. Checked on the case record."""

from __future__ import annotations

import pytest


def record(nlp, text: str) -> dict:
    from iro_evidence.extract import process_doc

    return process_doc(nlp(text), "t")[1]


HEARING = "DECISION AND ORDER\n\nThis case is decided under the Texas Workers' Compensation Act.\n\n{}\n"

# -- guidelines: the Texas rules that adopt treatment guidelines ---------------------------------
GUIDELINES = [
    (
        "spine-commission",
        "The reviewer applied the Commission's Spine Treatment Guideline to the request.",
        "DWC",
    ),
    (
        "spine-twcc",
        "Care had not followed the TWCC Spine Treatment Guidelines before surgery was asked for.",
        "DWC",
    ),
    ("spine-rule", "The sequence of care set out in Rule 134.1001 had not been completed.", "DWC"),
    ("tac-137", "ODG is the standard adopted in 28 TAC §137.100 for this dispute.", "DWC"),
    (
        "tac-137-long",
        "The reviewer followed ODG, as 28 Texas Administrative Code Section 137.100 requires.",
        "DWC",
    ),
    ("tac-137-abbrev", "Under 28 Tex. Admin. Code 137.100 the ODG governs this request.", "DWC"),
]


@pytest.mark.parametrize("cid,text,code", GUIDELINES, ids=[c for c, _, _ in GUIDELINES])
def test_texas_guideline_rules(nlp, cid, text, code):
    assert code in nlp(HEARING.format(text))._.iro_case["guidelines"]


@pytest.mark.parametrize(
    "text",
    [
        "The Colorado Medical Treatment Guidelines for cervical spine injury were applied.",
        "The reviewer cited North American Spine Society coverage recommendations.",
        "The MRI of 137.100 days ago is not a rule.",
    ],
)
def test_other_guidelines_are_not_dwc(nlp, text):
    assert "DWC" not in nlp(HEARING.format(text))._.iro_case["guidelines"]


# -- exam ---------------------------------------------------------------------------------------
EXAM = [
    # a status reported through the note ("was reported as intact")
    ("reported-sensation", "Light touch was reported as intact throughout.", ("sensation", "normal")),
    ("recorded-strength", "Strength in the legs was recorded as normal.", ("strength", "normal")),
    ("charted-reflexes", "Reflexes at the knees were charted as 2+.", ("reflexes", "normal")),
    # reflexes "present and equal"
    ("jerks-present-equal", "Knee and ankle jerks were present and equal.", ("reflexes", "normal")),
    ("reflexes-present-symmetric", "Patellar reflexes are present and symmetric.", ("reflexes", "normal")),
    (
        "ankle-present-equal",
        "The ankle reflexes were present and equal on both sides.",
        ("reflexes", "normal"),
    ),
    # SLR on a side "that reproduced leg pain"
    (
        "slr-that-reproduced",
        "He recorded a straight leg raise on the right that reproduced leg pain at 45 degrees.",
        ("straight_leg_raise", "positive"),
    ),
    (
        "slr-which-provoked",
        "There was an SLR on the left which provoked radicular pain.",
        ("straight_leg_raise", "positive"),
    ),
    (
        "slr-test-elicited",
        "She charted a straight-leg-raising test bilaterally that elicited radiating pain.",
        ("straight_leg_raise", "positive"),
    ),
    # range of motion as a fraction of normal
    ("rom-half", "Lumbar range of motion was about half of normal.", ("range_of_motion", "decreased")),
    ("rom-third", "Flexion was limited to roughly one-third of normal.", ("range_of_motion", "decreased")),
    ("rom-percent", "Cervical ROM was at 50% of normal in every plane.", ("range_of_motion", "decreased")),
    # walking without a limp
    ("walks-without-limp", "The employee walked without a limp.", ("gait", "normal")),
    ("ambulates-without-any", "The claimant ambulates without any obvious limp.", ("gait", "normal")),
    ("no-limp", "There was no limp when she crossed the room.", ("gait", "normal")),
]


@pytest.mark.parametrize("cid,text,sign", EXAM, ids=[c for c, _, _ in EXAM])
def test_exam_families(nlp, cid, text, sign):
    got = {(e["sign"], e["status"]) for e in record(nlp, "On examination: " + text)["exam"]}
    assert sign in got
    assert not {s for s in got if s[0] == sign[0] and s != sign}  # no second, contrary status


@pytest.mark.parametrize(
    "text,sign",
    [
        ("He walks with a limp on the left.", ("gait", "present")),
        (
            "A straight leg raise on the left that did not reproduce leg pain.",
            ("straight_leg_raise", "negative"),
        ),
        ("An SLR on the right which did not provoke radicular pain.", ("straight_leg_raise", "negative")),
        (
            "A straight leg raise test bilaterally that failed to reproduce leg pain.",
            ("straight_leg_raise", "negative"),
        ),
        ("Lumbar range of motion was normal.", ("range_of_motion", "normal")),
        ("Numbness was reported as constant by the claimant.", None),
    ],
)
def test_exam_controls(nlp, text, sign):
    got = {(e["sign"], e["status"]) for e in record(nlp, "On examination: " + text)["exam"]}
    assert got == ({sign} if sign else set())


# -- outcome ------------------------------------------------------------------------------------
PANEL = "APPEAL NO. 140001\n\nThis appeal arises under the Texas Workers' Compensation Act. {lower} The carrier appeals.\n\nDECISION\n\n{ruling}\n"
LOWER = [
    "The hearing officer determined that the preponderance of the evidence is contrary to the decision of the IRO and that the claimant is entitled to an MRI.",
    "The hearing officer found that the preponderance of the evidence was contrary to the IRO decision, and that the claimant is entitled to an MRI.",
    "The hearing officer concluded that the preponderance of the evidence is contrary to the decision of the IRO and that the claimant is entitled to an MRI.",
]
RENDER = "Reversed and rendered.\n\nWe reverse the hearing officer's determination that the preponderance of the evidence is contrary to the decision of the IRO, and we render a new decision that the preponderance of the evidence is not contrary to the IRO decision, and that the claimant is not entitled to an MRI."


@pytest.mark.parametrize("lower", LOWER)
def test_reported_lower_ruling_is_no_ruling(nlp, lower):
    """What the hearing officer determined is the decision under appeal; the panel's
    own rendering decides (the IRO's denial restored: upheld)."""
    assert record(nlp, PANEL.format(lower=lower, ruling=RENDER))["outcome"] == "upheld"


def test_hearing_officers_own_ruling_still_counts(nlp):
    text = HEARING.format(
        "For the reasons discussed herein, the Hearing Officer determines that the preponderance of the evidence is contrary to the decision of the IRO."
    )
    assert record(nlp, text)["outcome"] == "overturned"


REMAND = "FINAL ORDER\n\nThe respondents seek review of an order of the ALJ that found a fusion reasonable and necessary.\n\nIT IS THEREFORE ORDERED that {}\n"


@pytest.mark.parametrize(
    "ruling",
    [
        "the ALJ's order dated March 8, 2019, is set aside, and the matter is remanded to the ALJ for additional findings.",
        "the order of the judge is set aside and the claim is remanded for further proceedings.",
        "the ALJ's order is hereby set aside; the matter is remanded for new findings on the guidelines.",
    ],
)
def test_set_aside_and_remanded_has_no_outcome(nlp, ruling):
    assert record(nlp, REMAND.format(ruling))["outcome"] is None


def test_set_aside_alone_still_rules(nlp):
    assert record(nlp, REMAND.format("the ALJ's order is set aside."))["outcome"] is not None


# -- negated ------------------------------------------------------------------------------------
NEGATED = [
    # "nothing in the records shows X" denies X
    ("nothing-in-shows", "Nothing in Dr. H's records shows a radiculopathy.", {"radiculopathy"}),
    ("nothing-in-documents", "Nothing in the chart documents a myelopathy.", {"myelopathy"}),
    (
        "nothing-within-demonstrates",
        "Nothing within the treating notes demonstrates instability at L4-5.",
        {"instability"},
    ),
    # a payer denying a service denies no finding
    (
        "denied-the-request",
        "The health plan denied the request, stating that its policy requires confirmation of radiculopathy by EMG.",
        set(),
    ),
    (
        "denied-preauthorization",
        "The carrier denied preauthorization because the guideline calls for a documented myelopathy.",
        set(),
    ),
    ("denies-the-claim", "The insurer denies the claim for treatment of the herniation.", set()),
    # what is not required is no absent finding
    ("not-required-when", "An EMG is not required when radiculopathy is clinically obvious.", set()),
    ("not-needed-when", "Flexion films were not needed when instability had already been shown.", set()),
    (
        "not-necessary-if",
        "Electrodiagnostic testing is not necessary if radiculopathy is evident on examination.",
        set(),
    ),
    # a treating doctor's impression asserts the diagnosis against another doctor's denial
    (
        "impression-was",
        "Dr. N's impression was cervical spondylotic myelopathy. Dr. F wrote that there is no myelopathy.",
        set(),
    ),
    (
        "diagnosis-was",
        "His diagnosis was lumbar radiculopathy. The examiner for the carrier found no radiculopathy.",
        set(),
    ),
    (
        "assessment-is",
        "The assessment is chronic cervical myelopathy. A later examiner saw no myelopathy.",
        set(),
    ),
    # controls
    ("ctl-patient-denied", "The claimant denied weakness.", {"weakness"}),
    ("ctl-not-found", "Radiculopathy was not found on the examination.", {"radiculopathy"}),
    (
        "ctl-impression-possible",
        "Her impression was possible radiculopathy. Dr. F found no radiculopathy.",
        {"radiculopathy"},
    ),
    ("ctl-records-show", "Dr. H's records show a radiculopathy.", set()),
]


@pytest.mark.parametrize("cid,text,expected", NEGATED, ids=[c for c, _, _ in NEGATED])
def test_negated_families(nlp, cid, text, expected):
    assert set(record(nlp, HEARING.format(text))["negated"]) == expected
