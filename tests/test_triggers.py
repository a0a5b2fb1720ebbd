"""Trigger windows are a speed-up only: on every letter we have, a component that looks
for its rules around its trigger words finds exactly what it finds in the whole text.

The letters: the bundled corpus, the same letters re-wrapped at 66 columns (PDF-style
line breaks), the real excerpts and the seed letter from ../shared when present, and the
sentences of the assertion test sets. A failure names the component, the letter and the
first fact that differs: add the missing trigger word to the rules file (or widen
``before``/``after``).
"""

from __future__ import annotations

from conftest import every_letter
from iro_evidence.layout import canonicalize
from iro_evidence.matching import Triggers

LETTERS = every_letter()


def windowed(nlp) -> list[str]:
    """Components whose ``find(text, hits)`` looks only around their trigger words."""
    return [name for name, pipe in nlp.pipeline if isinstance(getattr(pipe, "triggers", None), Triggers)]


def test_components_use_trigger_windows(nlp):
    assert "iro_exam" in windowed(nlp)


def test_windows_find_what_the_whole_text_finds(nlp):
    for name in windowed(nlp):
        comp = nlp.get_pipe(name)
        assert comp.triggers.words, f"{name} has no trigger words"
        covered = total = 0
        for letter, raw in LETTERS:
            text = canonicalize(raw)[0]  # what the components read
            hits = comp.triggers.scan(text)
            covered += sum(hi - lo for lo, hi in hits.windows())
            total += len(text)
            whole = comp.find(text, comp.triggers.whole(text))
            found = comp.find(text, hits)
            missing = [f for f in whole if f not in found]
            extra = [f for f in found if f not in whole]
            assert not missing and not extra, (name, letter, (missing or extra)[0])
        # the point of it: the windows are a small part of the text
        assert covered < 0.6 * total, (name, covered / total)


def test_windows_merge_and_stay_inside_the_text():
    t = Triggers({"words": ["reflex", "gait"], "before": 5, "after": 10})
    text = "xx reflexes and gait are normal." + " " * 40 + "Gait again"
    windows = t.windows(text)
    assert windows == [(0, 26), (text.index("Gait") - 5, len(text))]
    assert t.scan(text).windows(["reflex"]) == [(0, 13)]
    assert Triggers(None).windows(text) == [(0, len(text))]
    assert t.windows("nothing here") == []
    # a character that changes length when lower-cased: the whole text, never shifted offsets
    assert t.windows("\u0130 reflex") == [(0, 8)]
