"""The shared trigger index (``iro_evidence.matching.triggers``) is a speed-up only: every
component that reads it gets exactly the Hits its own ``Triggers.scan`` finds (one
``str.find`` loop per word), on every letter."""

from __future__ import annotations

import spacy
from conftest import every_letter
from iro_evidence.matching import Triggers, index
from iro_evidence.matching import triggers as engine

COMPONENTS = (
    "iro_studies",
    "iro_findings",
    "iro_exam",
    "iro_concepts",
    "iro_outcome",
    "iro_decision",
    "iro_dates",
)


def _all_triggers(nlp) -> list[tuple[str, Triggers]]:
    out = [(name, nlp.get_pipe(name).triggers) for name in COMPONENTS]
    out.append(("attribution", nlp.get_pipe("iro_assertion").attributor.triggers))
    out += [(gate, t) for gate, (_, t) in nlp.get_pipe("iro_decision").gates.items()]
    return out


def test_shared_index_gives_each_component_its_own_hits(nlp):
    triggers = _all_triggers(nlp)
    assert all(set(getattr(t, "plain", t.words)) <= engine._WORDS for _, t in triggers)  # registered
    for letter, text in every_letter():
        doc = nlp.make_doc(text)
        for name, t in triggers:
            shared = t.hits(doc)
            own = t.scan(doc.text)  # the canonical text the components read
            assert shared.found == own.found, (name, letter)
            assert list(shared.found) == list(own.found)  # same order too
            assert shared.windows() == own.windows()


def test_overlapping_nested_and_spaced_words():
    t = Triggers(
        {"words": ["disc", "discitis", "itis", "sc", "determination:", "dr "], "before": 2, "after": 3}
    )
    text = "Discitis; no disc.  DETERMINATION: upheld, discdisc by Dr.\nSmith and DR\tJones"
    doc = spacy.blank("en")(text)
    assert t.hits(doc).found == t.scan(text).found
    # a space in a word stands for any whitespace: "dr " finds "DR\tJones", not "Dr.\nSmith"
    assert t.scan(text).found["dr "] == [text.index("DR\t")]


def test_a_triggers_never_built_here_joins_the_pass():
    """A component unpickled in another process has Triggers whose words were never
    registered in this one: the index takes them in on first use."""
    doc = spacy.blank("en")("The denial is upheld.")
    other = Triggers.__new__(Triggers)
    other.__dict__.update(words=["upheld", "zzz-not-registered"], before=5, after=5)
    assert "zzz-not-registered" not in engine._WORDS
    assert other.hits(doc).found == {"upheld": [14]}
    assert "zzz-not-registered" in engine._WORDS
    assert index(doc, ["upheld"])["upheld"] == [14]


def test_a_letter_with_a_case_fold_character_is_read_whole():
    doc = spacy.blank("en")("Strength \u017ftable. Reflexes absent.")
    t = Triggers({"words": ["reflex"]})
    assert t.hits(doc).found is None and t.hits(doc).windows() == [(0, len(doc.text))]
