# ruff: noqa: E501  (letter text in test data reads better unwrapped)
"""Concepts (the gold ``negated`` vocabulary): terms, line wraps, self-negating phrases,
coordinated modifiers that share a head noun, and the resulting case-record ``negated``."""

import json

import pytest
from conftest import CORPUS
from iro_evidence.rows import doc_rows
from iro_evidence.table import case_record


def concepts(nlp, text):
    doc = nlp(text)
    return [(s.text, s.label_, s._.is_negated, s._.iro["self_negating"]) for s in doc.spans["concepts"]]


def negated(nlp, text):
    return case_record("t", doc_rows(nlp(text), "t"))["negated"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Findings of radiculopathy at L5.", {"radiculopathy"}),
        ("severe central canal\nstenosis", {"stenosis"}),
        ("moderate neural foraminal narrowing", {"foraminal_stenosis"}),
        ("a herniated nucleus pulposus", {"herniation"}),
        ("There is hyporeflexia and muscle wasting.", {"reflex_loss", "atrophy"}),
        ("grade I anterolisthesis", {"spondylolisthesis"}),
        # a word split at a line end is joined where the rules or the letter know it whole
        ("no radicul-\nar signs", {"radiculopathy"}),
        ("Radicular pain. Now no radicu-\nlar signs", {"radiculopathy"}),
    ],
)
def test_terms(nlp, text, expected):
    assert {c for _, c, _, _ in concepts(nlp, text)} == expected


@pytest.mark.parametrize(
    "text,concept_texts",
    [
        ("with no canal or foraminal stenosis at either level", {"canal or foraminal stenosis": "stenosis"}),
        ("no canal or foraminal\nnarrowing", {"canal or foraminal narrowing": "stenosis"}),
        (
            "mild central canal and moderate foraminal narrowing",
            {"central canal and moderate foraminal narrowing": "stenosis"},
        ),
        ("There are no sensory or motor deficits.", {"sensory or motor deficits": "sensory_loss"}),
        (
            "central, lateral recess and foraminal stenosis",
            {"central, lateral recess and foraminal stenosis": "stenosis"},
        ),
    ],
)
def test_coordinated_modifiers_share_the_head(nlp, text, concept_texts):
    found = {t: c for t, c, _, _ in concepts(nlp, text)}
    for t, c in concept_texts.items():
        assert found.get(t) == c


def test_coordination_needs_a_real_term(nlp):
    # "herniated compression" is no term: only the two direct terms are found
    found = {(t, c) for t, c, _, _ in concepts(nlp, "herniated disc and nerve root compression")}
    assert found == {("herniated disc", "herniation"), ("nerve root compression", "nerve_root_compression")}


@pytest.mark.parametrize(
    "text",
    [
        "The neurological examination is normal.",
        "Her neurologic exam remains entirely unremarkable.",
        "The neurological\nevaluation was within normal limits.",
        "He is neurologically intact.",
        "normal neurological examination",
    ],
)
def test_self_negating_neurological_exam(nlp, text):
    assert negated(nlp, text) == ["neurological_deficit"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The MRI showed no canal or foraminal stenosis.", ["stenosis", "foraminal_stenosis"]),
        ("MRI: mild foraminal narrowing without canal stenosis.", ["stenosis"]),
        ("Bone scan in 2009 was negative for occult fracture or tumor.", ["fracture", "tumor"]),
        (
            "There is no evidence of myelopathy, but that is not a requirement"
            " when the indication is radiculopathy.",
            ["myelopathy"],
        ),
        ("Epidural steroid injection\nhas no role in the treatment of myelopathy.", []),
        ("MRI without contrast showed moderate right\nforaminal stenosis.", []),
        ("The neurological examination is abnormal, with weakness.", []),
        ("If weakness were to develop, surgery could be reconsidered.", []),
    ],
)
def test_negated_field(nlp, text, expected):
    assert sorted(negated(nlp, text)) == sorted(expected)


@pytest.mark.parametrize("name", ["iro_w02", "iro_w03", "iro_w10", "iro_w13", "ur_w01", "s4_iro_01"])
def test_corpus_letters_negated_exact(nlp, name):
    text = (CORPUS / "letters" / f"{name}.txt").read_text("utf-8")
    gold = json.loads((CORPUS / "gold" / f"{name}.json").read_text("utf-8"))
    assert sorted(negated(nlp, text)) == sorted(gold["negated"])


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The second MRI showed degeneration at L5-S1 with a bulge without herniat", ["herniation"]),
        ("The EMG showed no evidence of radiculopa", ["radiculopathy"]),
        ("Flexion views showed no instabil", ["instability"]),
        ("The claimant has lumbar radiculopa", []),
        ("The MRI showed no herniat in the cervical spine.", []),
    ],
)
def test_concept_cut_off_by_the_end_of_the_excerpt(nlp, text, expected):
    assert sorted(negated(nlp, text)) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "X-rays: compression fractures are not seen. A thin linear fracture runs through the left L1 transverse process.",
            [],
        ),
        ("The CT shows no fracture at C5. There is a fracture of the C6 vertebral body.", []),
        ("No spondylolisthesis at L4-5. There is a grade I spondylolisthesis at L5-S1.", []),
        ("X-ray of the right ankle showed no fracture.", ["fracture"]),
    ],
)
def test_negation_outweighed_by_a_finding_stated_elsewhere(nlp, text, expected):
    assert sorted(negated(nlp, text)) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "After an uneventful fusion, the neurological deficits he had before surgery returned to normal.",
            [],
        ),
        ("After the decompression, her radiculopathy resolved and she returned to work.", []),
        ("His reflex changes have since normalized, and there is no atrophy.", ["atrophy"]),
        ("Without weakness or numbness, he returned to work.", ["weakness"]),
    ],
)
def test_resolved_deficit_is_not_negated(nlp, text, expected):
    assert sorted(negated(nlp, text)) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Exam showed triceps weakness, graded 4/5. There is no thenar weakness and no atrophy.",
            ["atrophy"],
        ),
        ("The left Achilles reflex was absent. Elsewhere there was no reflex loss.", []),
        (
            "Sensation was decreased in the right L5 dermatome, but there was no sensory loss in the hands.",
            [],
        ),
        ("There was no weakness and no atrophy on examination.", ["atrophy", "weakness"]),
    ],
)
def test_deficit_found_on_exam_is_not_negated(nlp, text, expected):
    assert sorted(negated(nlp, text)) == expected
