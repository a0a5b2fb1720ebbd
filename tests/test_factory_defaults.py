"""Every factory works alone on a blank pipeline, with or without its packaged rules."""

import pytest
import spacy
from iro_evidence.rules import empty_like

TEXT = (
    "DATE OF REVIEW: 03/22/2012\n\nMRI of the lumbar spine dated 10/04/11 showed a 3 mm "
    "protrusion at L4-5. There is no documented weakness. Reflexes are normal.\n"
)
RULE_FACTORIES = [
    "iro_sections",
    "iro_dates",
    "iro_levels",
    "iro_measurements",
    "iro_studies",
    "iro_findings",
    "iro_exam",
    "iro_concepts",
    "iro_assertion",
    "iro_outcome",
    "iro_decision",
]


@pytest.mark.parametrize("factory", RULE_FACTORIES)
def test_factory_alone_without_sentence_splitter(factory):
    nlp = spacy.blank("en")
    nlp.add_pipe(factory)
    doc = nlp(TEXT)
    assert doc.has_annotation("SENT_START") or factory not in ("iro_assertion", "iro_decision")


@pytest.mark.parametrize("factory", RULE_FACTORIES)
def test_factory_without_packaged_rules_finds_nothing_then_learns(factory):
    nlp = spacy.blank("en")
    nlp.add_pipe("iro_sentences")
    pipe = nlp.add_pipe(factory, config={"default_patterns": False})
    doc = nlp(TEXT)
    own = {
        "iro_dates": "dates",
        "iro_levels": "levels",
        "iro_measurements": "measurements",
        "iro_studies": "studies",
        "iro_exam": "exam",
        "iro_concepts": "concepts",
    }
    if factory in own:
        assert list(doc.spans[own[factory]]) == []
        full = spacy.blank("en").add_pipe(factory).rules
        pipe.initialize(rules=full)
        doc = nlp(TEXT)
        assert len(doc.spans[own[factory]]) > 0


def test_empty_like_keeps_shape():
    rules = {"_doc": "why", "a": ["x"], "b": {"c": r"\d+", "n": 3}}
    assert empty_like(rules) == {"_doc": "why", "a": [], "b": {"c": "(?!)", "n": 3}}
