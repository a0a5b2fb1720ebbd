"""Attribution: who asserts each fact (reporting cues, carried cues, sections, genres)."""

import pytest
from conftest import CORPUS
from iro_evidence.components.assertion import Attributor
from iro_evidence.rows import doc_rows

IRO_HEAD = "NOTICE OF INDEPENDENT REVIEW DECISION\n\n"
HEARING_HEAD = "DECISION AND ORDER\n\nThis case is decided pursuant to Chapter 410 of the Act.\n\n"


def who(nlp, text, phrase, nth=0):
    """Attribution of the concept/exam fact that starts at the nth occurrence of ``phrase``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    rows = [r for r in doc_rows(nlp(text), "t") if r["kind"] in ("concept", "exam")]
    hits = [r for r in rows if r["start_char"] <= start < r["end_char"] or r["start_char"] == start]
    assert hits, f"no fact at {phrase!r}"
    return hits[0]["attribution"]


@pytest.mark.parametrize(
    "body,phrase,expected",
    [
        # utilization review: the denial and what it noted, also in the next sentence
        (
            "PATIENT CLINICAL HISTORY\nThe request was denied on 07/21/2015. The reviewer stated that"
            " there was no radiculopathy.",
            "radiculopathy",
            "utilization_reviewer",
        ),
        (
            "PATIENT CLINICAL HISTORY\nOn reconsideration the denial was upheld on appeal noting that"
            " there was no instability.",
            "instability",
            "utilization_reviewer",
        ),
        (
            "PATIENT CLINICAL HISTORY\nPer the UR reviewer, the claimant had been treated for a year. He also"
            " noted that there was no weakness.",
            "weakness",
            "utilization_reviewer",
        ),
        # the requesting provider's letter
        (
            "PATIENT CLINICAL HISTORY\nA letter of medical necessity dated 05/02/2015 indicates that the"
            " claimant has radiculopathy.",
            "radiculopathy",
            "requesting_provider",
        ),
        # an examining physician, named or not
        (
            "PATIENT CLINICAL HISTORY\nDr. S examined the claimant on 08/22/16."
            " Straight leg raise was negative.",
            "Straight leg raise",
            "examining_physician",
        ),
        (
            "PATIENT CLINICAL HISTORY\nAn MRI showed a bulge.\nOn exam there was weakness of the EHL.",
            "weakness",
            "examining_physician",
        ),
        # the claimant's own report
        (
            "PATIENT CLINICAL HISTORY\nThe claimant reports numbness and weakness in the left leg.",
            "weakness",
            "claimant",
        ),
        # a study's report, and the section when nothing else is said
        (
            "PATIENT CLINICAL HISTORY\nAn MRI dated 06/02/2014 showed a herniation at C5-6.",
            "herniation",
            "medical_records",
        ),
        ("PATIENT CLINICAL HISTORY\nThere is a herniation at C5-6.", "herniation", "medical_records"),
        (
            "ANALYSIS AND EXPLANATION OF THE DECISION\nThe reviewer disagrees with the prior determinations."
            " This claimant has a progressive myelopathy.",
            "myelopathy",
            "iro_reviewer",
        ),
    ],
)
def test_iro_letter_cues(nlp, body, phrase, expected):
    assert who(nlp, IRO_HEAD + body, phrase) == expected


def test_carry_stops_at_a_paragraph_break(nlp):
    text = (
        IRO_HEAD + "PATIENT CLINICAL HISTORY\nThe request was denied. The reviewer noted no instability.\n\n"
        "There is no instability on the films."
    )
    assert who(nlp, text, "instability", 0) == "utilization_reviewer"
    assert who(nlp, text, "instability", 1) == "medical_records"


def test_a_study_cue_yields_to_the_person_reporting_it(nlp):
    text = (
        IRO_HEAD
        + "PATIENT CLINICAL HISTORY\nThe request was non-certified. The reviewer wrote that the imaging"
        " showed no spondylolisthesis."
    )
    assert who(nlp, text, "spondylolisthesis") == "utilization_reviewer"


def test_named_doctor_keeps_the_role_he_was_introduced_with(nlp):
    text = (
        HEARING_HEAD
        + "BACKGROUND INFORMATION\nThe Carrier obtained a peer review from Dr. K. Dr. K agreed that"
        " the studies show disc disease. He noted that there was no myelopathy.\n\n"
        "The treating surgeon, Dr. P, testified that the claimant has radiculopathy."
    )
    assert who(nlp, text, "myelopathy") == "utilization_reviewer"
    assert who(nlp, text, "radiculopathy") == "requesting_provider"


def test_hearing_decision_sections(nlp):
    text = (
        HEARING_HEAD + "DISCUSSION\nThe imaging does not show instability. Claimant testified that he has"
        " weakness in the leg.\n\nFINDINGS OF FACT\n1. There is no spondylolisthesis at L4-5."
    )
    assert who(nlp, text, "instability") == "hearing_officer"
    assert who(nlp, text, "weakness") == "claimant"
    assert who(nlp, text, "spondylolisthesis") == "hearing_officer"


def test_genres():
    rules = {
        "genres": [
            {"name": "hearing", "within": 200, "pattern": "hearing officer"},
            {"name": "ur", "within": 200, "pattern": "adverse determination"},
        ]
    }
    a = Attributor(rules)
    assert a.genre("The Hearing Officer finds ...") == "hearing"
    assert a.genre("NOTICE OF ADVERSE DETERMINATION") == "ur"
    assert a.genre("x" * 300 + " adverse determination") == "iro"


def test_legacy_list_rules_still_load():
    a = Attributor([["claimant", r"claimant\s+testified"]], {"discussion": "hearing_officer"})
    assert a.section_role("iro", "discussion") == "hearing_officer"
    attribute = a.for_doc("The claimant testified that it hurts.", [], [0])
    assert attribute(30, 35, 0, None) == "claimant"


def test_corpus_letter(nlp):
    text = (CORPUS / "letters" / "iro_w05.txt").read_text("utf-8")
    rows = [r for r in doc_rows(nlp(text), "iro_w05") if r["kind"] in ("concept", "exam")]
    by = {}
    for r in rows:
        by.setdefault((r["section"], r["attribution"]), set()).add(r["value"])
    # the surgeon's examination, the non-certification's reasons, the IRO's own analysis
    assert {"gait", "straight_leg_raise", "reflexes"} <= by[("clinical_history", "examining_physician")]
    assert "instability" in by[("clinical_history", "utilization_reviewer")]
    assert "spondylolisthesis" in by[("analysis", "iro_reviewer")]
    assert "radiculopathy" in by[("clinical_history", "medical_records")]  # the EMG report
    assert {r["attribution"] for r in rows} <= {
        "iro_reviewer",
        "utilization_reviewer",
        "requesting_provider",
        "examining_physician",
        "claimant",
        "medical_records",
    }


def test_written_letter_voices(nlp):
    """s5_iro_01 reports the UR denial, its reconsideration, the provider's letter, the
    examination and the IRO's own analysis; each voice keeps its facts."""
    text = (CORPUS / "letters" / "s5_iro_01.txt").read_text("utf-8")
    rows = [r for r in doc_rows(nlp(text), "s5_iro_01") if r["kind"] in ("concept", "exam")]

    def at(phrase):
        start = text.index(phrase)
        return next(r["attribution"] for r in rows if r["start_char"] >= start)

    assert at("neurologically intact") == "utilization_reviewer"
    assert at("no nerve root compression") == "utilization_reviewer"  # "He also noted ..."
    assert at("no objective weakness") == "utilization_reviewer"  # reconsideration, "noting that"
    assert at("a radicular\ncomponent") == "requesting_provider"  # the letter of medical necessity
    assert at("There was no atrophy") == "examining_physician"  # after "Dr. A examined"
    assert at("no central canal stenosis") == "medical_records"  # the MRI report
    assert at("Radiculopathy is not established") == "iro_reviewer"
    assert at("Segmental instability") == "iro_reviewer"


def test_written_hearing_decision_voices(nlp):
    """s5_hd_01: the carrier's peer reviewer, its required medical examiner, the treating
    surgeon's testimony and the hearing officer's findings."""
    text = (CORPUS / "letters" / "s5_hd_01.txt").read_text("utf-8")
    rows = [r for r in doc_rows(nlp(text), "s5_hd_01") if r["kind"] in ("concept", "exam")]

    def at(phrase):
        start = text.index(phrase)
        return next(r["attribution"] for r in rows if r["start_char"] >= start)

    assert at("no myelopathy") == "utilization_reviewer"  # "for a peer review" ... "He noted"
    assert at("a negative Spurling's") == "examining_physician"  # the required medical examiner
    assert at("a positive Spurling's") == "examining_physician"
    assert at("radiculopathy is\ndocumented") == "requesting_provider"  # Dr. L, the treating surgeon
    assert at("no fracture") == "medical_records"
    assert at("an acute left C6 radiculopathy") == "medical_records"


def test_contrast_word_ends_the_nearest_cue(nlp):
    text = (
        HEARING_HEAD
        + "BACKGROUND INFORMATION\nDr. N noted that the claimant complained of neck pain, but had"
        " a normal gait. The claimant reports weakness of the left hand."
    )
    assert who(nlp, text, "normal gait") == "examining_physician"
    assert who(nlp, text, "weakness") == "claimant"


def test_a_doctor_who_requests_is_the_requesting_provider(nlp):
    text = (
        IRO_HEAD + "PATIENT CLINICAL HISTORY\nDr. B requested an injection for the left-sided radiculopathy."
    )
    assert who(nlp, text, "radiculopathy") == "requesting_provider"
