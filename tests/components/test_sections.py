# ruff: noqa: E501  (letter text in test data reads better unwrapped)
"""Section headings of IRO letters and hearing decisions, and a section on every evidence row."""

from pathlib import Path

import pytest
from iro_evidence.rows import doc_rows

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "letters"


def labels(doc):
    return [s.label_ for s in doc.spans["sections"]]


def section_of(doc, needle):
    pos = doc.text.index(needle)
    for s in doc.spans["sections"]:
        if s.start_char <= pos < s.end_char:
            return s.label_
    return None


@pytest.mark.parametrize(
    "text,needle,expected",
    [
        # ALL CAPS on its own line, without and with colon
        ("REVIEW OUTCOME\nUpon review the denial is upheld.\n", "Upon review", "outcome"),
        ("REVIEW OUTCOME:\nUpon review the denial is upheld.\n", "Upon review", "outcome"),
        # Title Case with a colon, and as a whole line without one
        ("Patient Clinical History Summary:\nHe slipped at work.\n", "slipped", "clinical_history"),
        (
            "Intro line.\nPatient Clinical History Summary\nHe slipped at work.\n",
            "slipped",
            "clinical_history",
        ),
        # numbered headings (arabic, roman with separate period)
        (
            "1. DATE OF REVIEW: 14-Nov-2016\n\n2. IRO CASE #:\n\n3. DESCRIPTION OF THE SERVICE OR SERVICES IN DISPUTE:\nLumbar MRI\n",
            "Lumbar MRI",
            "service",
        ),
        (
            "Intro.\nII. LEGAL STANDARDS\nThe law applies.\n\nIII. EVIDENCE\nShe testified.\n",
            "She testified",
            "evidence_presented",
        ),
        ("Intro.\nII. LEGAL STANDARDS\nThe law applies.\n", "The law applies", "legal_standards"),
        # inline heading with text on the same line (flattened letter)
        (
            "Letterhead DATE OF REVIEW: 01/19/2017 IRO CASE #: 123 PATIENT CLINICAL HISTORY [SUMMARY]: The patient fell.",
            "The patient fell",
            "clinical_history",
        ),
        ("PATIENT CLINICAL HISTORY [SUMMARY]: He fell from a ladder.\n", "ladder", "clinical_history"),
        # hearing decisions
        ("DECISION AND ORDER\n\nText.\n\nISSUES\n\nIs the claimant entitled?\n", "Is the claimant", "issues"),
        ("Top.\n\nPARTIES PRESENT\n\nClaimant appeared.\n", "Claimant appeared", "parties_present"),
        ("Top.\n\nBACKGROUND INFORMATION\n\nClaimant was hurt.\n", "Claimant was hurt", "background"),
        ("Top.\n\nEVIDENCE PRESENTED\n\nExhibits admitted.\n", "Exhibits", "evidence_presented"),
        ("Top.\n\nDISCUSSION\n\nThe evidence shows.\n", "The evidence shows", "discussion"),
        ("Top.\n\nFINDINGS OF FACT\n\n1. The parties agreed.\n", "The parties agreed", "findings_of_fact"),
        (
            "Top.\n\nCONCLUSIONS OF LAW\n\n1. The Division has jurisdiction.\n",
            "jurisdiction",
            "conclusions_of_law",
        ),
        ("Top.\n\nDECISION\n\nClaimant is not entitled to the MRI.\n", "Claimant is not", "decision"),
        ("Top.\n\nORDER\n\nCarrier is liable.\n", "Carrier is liable", "order"),
        ("Top.\n\nSTATEMENT OF THE CASE\n\nA hearing was held.\n", "A hearing", "statement_of_case"),
        ("Top.\n\nISSUE(S)\n\nIs the claimant entitled?\n", "Is the claimant", "issues"),
        (
            "Top.\n\nMedical Qualifications of the Expert Reviewer:\nThe reviewer is board certified.\n",
            "The reviewer is",
            "reviewer",
        ),
    ],
)
def test_heading_variants(nlp, text, needle, expected):
    assert section_of(nlp(text), needle) == expected


def test_words_in_prose_are_no_heading(nlp):
    doc = nlp(
        "PATIENT CLINICAL HISTORY SUMMARY\nHis clinical history is long and the case summary is below.\n"
    )
    assert labels(doc) == ["clinical_history"]


def test_letterhead_is_a_header_section(nlp):
    doc = nlp("Acme Review Co.\nAustin, TX\n\nREVIEW OUTCOME\nUpheld\n")
    assert labels(doc)[0] == "header"


def test_every_row_has_a_section(nlp):
    for path in sorted(CORPUS.glob("*.txt")):
        doc = nlp(path.read_text(encoding="utf-8"))
        rows = doc_rows(doc, path.stem)
        assert rows and all(r["section"] for r in rows), path.name
