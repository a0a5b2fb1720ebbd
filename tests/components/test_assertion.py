"""Assertion statuses on inline-marked text: ``[[words|flags]]`` marks a target and the flags
it must carry (``-`` for none). Covers each status, scope through lists, termination, line
breaks inside a sentence, not documented versus negated, and conflict resolution."""

import re

import iro_evidence
import pytest
from iro_evidence.components.assertion import resolve, wrap_tolerant
from iro_evidence.components.extensions import ASSERTION_FLAGS

MARK = re.compile(r"\[\[(.+?)\|([\w,-]+)\]\]", re.S)


def parse(marked: str):
    """Plain text, target spans and expected flag sets from inline markup."""
    text, spans, expected, pos = "", [], [], 0
    for m in MARK.finditer(marked):
        text += marked[pos : m.start()]
        spans.append((len(text), len(text) + len(m.group(1))))
        text += m.group(1)
        expected.append(set() if m.group(2) == "-" else set(m.group(2).split(",")))
        pos = m.end()
    return text + marked[pos:], spans, expected


def check(marked: str):
    text, spans, expected = parse(marked)
    got = [{k for k, v in d.items() if v} for d in iro_evidence.qualify(text, spans)]
    assert got == expected, text


@pytest.mark.parametrize(
    "marked",
    [
        "No [[spinal stenosis|negated]] is seen.",
        "The MRI was negative for [[fracture|negated]].",
        "[[Infection|negated]] was ruled out.",
        "There was no evidence of [[radiculopathy|negated]] on the EMG.",
        "The patient denies [[chest pain|negated]].",
        "Findings are consistent with [[myelopathy|-]].",
    ],
)
def test_negated(marked):
    check(marked)


@pytest.mark.parametrize(
    "marked",
    [
        "Cannot exclude a small [[herniation|possible]].",
        "[[Radiculopathy|possible]] has not been ruled out.",
        "Findings may represent early [[myelopathy|possible]].",
        "Questionable [[fracture|possible]] of the L1 endplate.",
    ],
)
def test_possible(marked):
    check(marked)


@pytest.mark.parametrize(
    "marked",
    [
        "CT was ordered to rule out [[fracture|hypothetical]].",
        "If [[weakness|hypothetical]] were to develop, a repeat EMG is reasonable.",
        "Return to clinic if [[fever|hypothetical]] recurs.",
    ],
)
def test_hypothetical(marked):
    check(marked)


@pytest.mark.parametrize(
    "marked",
    [
        "History of [[lumbar fracture|historical]] in 2009.",
        "Status post [[laminectomy|historical]] at L5-S1.",
        "She had [[pneumonia|historical]] as a child.",
    ],
)
def test_historical(marked):
    check(marked)


@pytest.mark.parametrize(
    "marked",
    [
        "His father had [[spinal stenosis|family]] and needed surgery.",
        "Family history of [[diabetes|family]].",
        "His wife reports that he has [[back pain|-]].",
    ],
)
def test_family(marked):
    check(marked)


@pytest.mark.parametrize(
    "marked",
    [
        "There is no documented [[weakness|not_documented]].",
        "The records fail to establish [[radiculopathy|not_documented]].",
        "An [[MRI|not_documented]] of the lumbar spine was not provided for review.",
        "There is no objective evidence of [[radiculopathy|not_documented]].",
        "The note does not specify the [[reflexes|not_documented]].",
        # the same concept, clinically absent, is negated
        "The examination shows no [[radiculopathy|negated]].",
        "There is no [[radiculopathy|negated]]; the records fail to establish [[myelopathy|not_documented]].",
    ],
)
def test_not_documented_is_not_negated(marked):
    check(marked)


@pytest.mark.parametrize(
    "marked",
    [
        # one trigger scopes over a list
        "No [[weakness|negated]], [[atrophy|negated]], or [[reflex loss|negated]] was found.",
        "Extremities: no [[clubbing|negated]], [[cyanosis|negated]], or [[edema|negated]].",
        # ... and stops at terminators and sentence ends
        "No [[fever|negated]], but [[cough|-]] is present.",
        "No [[stenosis|negated]]; there is a 2 mm [[bulge|-]] at L3-4.",
        "No [[stenosis|negated]], however a 3 mm [[herniation|-]] is seen at L5-S1.",
        "There is no [[fracture|negated]]. [[Spondylolisthesis|-]] is present at L4-5.",
        "No [[myelopathy|negated]], which is not a requirement when the indication is [[radiculopathy|-]].",
        # arguing about a finding is not denying it, and ends a negated subject's scope
        "His opinion does not explain away the [[weakness|-]] of the EHL.",
        "The lack of a home program does not outweigh the [[radiculopathy|-]] on exam.",
        # the bare noun "question" hedges nothing; "a question of" does
        "The CT answered the fracture question, and there is no [[infection|negated]].",
        "There is a question of [[fracture|possible]] at T12.",
    ],
)
def test_scope(marked):
    check(marked)


@pytest.mark.parametrize(
    "marked",
    [
        "The EMG was negative\nfor [[radiculopathy|negated]].",
        "There is no\nevidence of [[radiculopathy|negated]] at any level.",
        "The records fail to\nestablish [[radiculopathy|not_documented]].",
        "The MRI of the lumbar spine without contrast showed a 3 mm\n[[herniation|-]] at L4-5.",
        "Cannot\nexclude [[herniation|possible]].",
    ],
)
def test_line_breaks_inside_a_sentence(marked):
    check(marked)


@pytest.mark.parametrize(
    "flags,expected",
    [
        ({"negated", "possible"}, {"possible"}),
        ({"negated", "not_documented"}, {"not_documented"}),
        ({"possible", "not_documented"}, {"not_documented"}),
        ({"family", "historical"}, {"family"}),
        ({"negated", "historical"}, {"negated"}),
        ({"not_documented", "historical", "hypothetical"}, {"not_documented", "hypothetical"}),
    ],
)
def test_resolution_order(flags, expected):
    f = {k: k in flags for k in ASSERTION_FLAGS}
    assert {k for k, v in resolve(f).items() if v} == expected


@pytest.mark.parametrize(
    "marked",
    [
        # negation and hedge on one target: the hedge wins
        "There is probably no [[herniation|possible]] at L4-5.",
        # "no history of": negated, not historical
        "No history of [[fracture|negated]].",
        # no documentation of a possible finding: not documented wins
        "There is no documentation of possible [[radiculopathy|not_documented]].",
    ],
)
def test_resolution_on_text(marked):
    check(marked)


def test_wrap_tolerant_allows_space_tokens():
    rule = wrap_tolerant({"literal": "negative for", "category": "NEGATED_EXISTENCE"})
    assert rule["pattern"] == [{"LOWER": "negative"}, {"IS_SPACE": True, "OP": "*"}, {"LOWER": "for"}]
    kept = wrap_tolerant({"literal": "was negative", "metadata": {"line_breaks": False}})
    assert "pattern" not in kept


def test_pipeline_and_qualify_agree(nlp):
    text = "There is no documented weakness. Reflexes are 2+. No spinal stenosis."
    doc = nlp(text)
    spans = [(s.start_char, s.end_char) for s in doc.spans["concepts"]]
    assert spans
    q = iro_evidence.qualify(text, spans)
    for span, flags in zip(doc.spans["concepts"], q, strict=True):
        assert {k: getattr(span._, f"is_{k}") for k in ASSERTION_FLAGS} == flags
