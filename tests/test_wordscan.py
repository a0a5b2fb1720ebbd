"""The shared trigger-word pass (wordscan.py) is a speed-up only: every component that
uses it gets exactly the Hits its own ``Triggers.scan`` finds, on every letter."""

from __future__ import annotations

from conftest import every_letter
from iro_evidence.components import wordscan
from iro_evidence.components.base import Triggers

COMPONENTS = ("iro_studies", "iro_findings", "iro_exam", "iro_concepts", "iro_outcome", "iro_decision")


def test_shared_pass_gives_each_component_its_own_hits(nlp):
    letters = every_letter()
    triggers = [(name, nlp.get_pipe(name).triggers) for name in COMPONENTS]
    triggers += [(gate, t) for gate, (_, t) in nlp.get_pipe("iro_decision").gates.items()]
    assert all(set(t.words) <= wordscan._WORDS for _, t in triggers)  # compile registered them
    for letter, text in letters:
        doc = nlp.make_doc(text)
        for name, t in triggers:
            shared = wordscan.scan(doc, t)
            own = t.scan(doc.text)  # the canonical text the components read
            assert shared.found == own.found, (name, letter)
            assert list(shared.found) == list(own.found)  # same order too
            assert shared.windows() == own.windows()


def test_overlapping_and_nested_words():
    t = Triggers({"words": ["disc", "discitis", "itis", "sc", "determination:"], "before": 2, "after": 3})
    wordscan.register(t)
    text = "Discitis; no disc.  DETERMINATION: upheld, discdisc"
    doc = __import__("spacy").blank("en")(text)
    assert wordscan.scan(doc, t).found == t.scan(text).found
    # a Triggers never registered (a component unpickled without compiling) joins the pass
    other = Triggers({"words": ["upheld", "zzz-not-registered"]})
    assert wordscan.scan(doc, other).found == other.scan(text).found
    assert "zzz-not-registered" in wordscan._WORDS
