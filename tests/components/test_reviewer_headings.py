# ruff: noqa: E501  (letter text in test data reads better unwrapped)
"""Headings of the reviewer's section and the heading forms they need (issue 13): a
decimal numbering ("3.0 REVIEWER"), a sentence-case heading that opens its paragraph and
that the canonical text joined to its first line ("Who reviewed this case A physician
..."), the labels of a reviewer ("Physician Reviewer:", "REVIEWING PHYSICIAN"); and what
stays running text."""

import pytest


def labels(nlp, text):
    doc = nlp(text)
    return [(s.label_, s.text.split()[0]) for s in doc.spans["sections"]]


def section_of(nlp, text, word):
    """The label of the section holding the first occurrence of ``word``."""
    doc = nlp(text)
    at = doc.text.index(word)
    return next(s.label_ for s in doc.spans["sections"] if s.start_char <= at < s.end_char)


@pytest.mark.parametrize(
    "text,word,label",
    [
        (
            "REVIEW OUTCOME: Upheld.\n\n3.0 REVIEWER\nThe reviewer is board certified in neurology.\n",
            "neurology",
            "reviewer",
        ),
        ("REVIEW OUTCOME: Upheld.\n\n2.1 REVIEWER QUALIFICATIONS\nPhysiatrist.\n", "Physiatrist", "reviewer"),
        (
            "REVIEW OUTCOME: Upheld.\n\n12.3 REVIEWER\nA podiatrist licensed in Texas.\n",
            "podiatrist",
            "reviewer",
        ),
        # "<who> Reviewer Credentials" in Title Case, a whole line
        (
            "REVIEW OUTCOME: Upheld.\n\nPeer Reviewer Credentials\nDiplomate, American Board of Anesthesiology.\n",
            "Diplomate",
            "reviewer",
        ),
        (
            "REVIEW OUTCOME: Upheld.\n\nIRO Reviewer Qualifications\nBoard certified in neurology.\n",
            "Board",
            "reviewer",
        ),
        (
            "REVIEW OUTCOME: Upheld.\n\nIndependent Reviewer Credentials\nPhysiatrist, licensed in Texas.\n",
            "Physiatrist",
            "reviewer",
        ),
        (
            "REVIEW OUTCOME: Upheld.\n\nWho reviewed this case\nA physician board certified in neurology.\n",
            "neurology",
            "reviewer",
        ),
        (
            "REVIEW OUTCOME: Upheld.\n\nWho reviewed the case\nAn orthopedic surgeon in practice.\n",
            "orthopedic",
            "reviewer",
        ),
        (
            "REVIEW OUTCOME: Upheld.\n\nAbout the reviewer\nThe reviewer is a chiropractor.\n",
            "chiropractor",
            "reviewer",
        ),
        (
            "REVIEW OUTCOME: Upheld.\n\nPhysician Reviewer: Board certified in psychiatry.\n",
            "psychiatry",
            "reviewer",
        ),
        (
            "REVIEW OUTCOME: Upheld.\n\nREVIEWING PHYSICIAN\nNeurosurgery; licensed in Texas.\n",
            "Neurosurgery",
            "reviewer",
        ),
        (
            "REVIEW OUTCOME: Upheld.\n\nPHYSICIAN REVIEWER'S SPECIALTY: Anesthesiology.\n",
            "Anesthesiology",
            "reviewer",
        ),
    ],
)
def test_reviewer_headings(nlp, text, word, label):
    assert section_of(nlp, text, word) == label


@pytest.mark.parametrize(
    "text,word",
    [
        # a sentence-case title inside running text, or followed by its sentence's next word
        (
            "REVIEW OUTCOME: Upheld.\n\nWho reviewed this case remains unclear to the claimant, a neurologist said.\n",
            "neurologist",
        ),
        (
            "REVIEW OUTCOME: Upheld. The claimant asked who reviewed this case And was told a neurologist did.\n",
            "neurologist",
        ),
        # a reviewer's label inside a sentence is no heading
        (
            "REVIEW OUTCOME: Upheld. The physician reviewer: a term the carrier used for a neurologist.\n",
            "neurologist",
        ),
    ],
)
def test_running_text_is_no_reviewer_heading(nlp, text, word):
    assert section_of(nlp, text, word) != "reviewer"


def test_decimal_numbering_does_not_swallow_the_text_before(nlp):
    text = "REVIEW OUTCOME: Upheld. The dose was 3.0 mg.\n\n4.0 REVIEWER\nThe reviewer is a neurologist.\n"
    assert section_of(nlp, text, "dose") == "outcome"
    assert section_of(nlp, text, "neurologist") == "reviewer"
