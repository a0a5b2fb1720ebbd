"""The letter tokenizer teaches spaCy's chunk cache (tokenizer.py); a speed-up only: the
Docs must be exactly those of spaCy's own Tokenizer with the same rules."""

from __future__ import annotations

import functools

import spacy
from conftest import every_letter
from hypothesis import given, settings
from hypothesis import strategies as st
from iro_evidence.layout import canonicalize
from iro_evidence.tokenizer import create_tokenizer
from spacy.tokenizer import Tokenizer


def _tokens(doc) -> list[tuple[str, str, int]]:
    return [(t.text, t.whitespace_, t.idx) for t in doc]


@functools.cache
def _pair(which: str = ""):
    """A teaching tokenizer and a reference: the same rules, its own vocab and cache, and
    spaCy's plain ``Tokenizer.__call__`` (no teaching) on the canonical text."""
    taught = create_tokenizer()(spacy.blank("en"))
    taught.teach = True  # whatever tokenizer.TEACH says
    ref = create_tokenizer()(spacy.blank("en"))
    return taught, lambda text: Tokenizer.__call__(ref, canonicalize(text)[0])


def test_taught_cache_gives_the_same_tokens_on_every_letter():
    taught, reference = _pair("letters")
    letters = every_letter()
    for _ in range(2):  # the second pass reads chunks taught in the first
        for name, text in letters:
            assert _tokens(taught(text)) == _tokens(reference(text)), name
    assert len(taught._chunks[1]) > 1000  # chunks were taught, so the cache was used


CHUNKS = [
    "Dr.",
    "e.g.",
    "No.",
    "L4-5",
    "(L4-L5)",
    "C5-6,",
    "2.5mm",
    "don't",
    "patient's",
    "...",
    "U.S.",
    "a.m.",
    "MRI",
    "(MRI)",
    "10/12/2009.",
    "-",
    "—",
    ":)",
    "vs.",
    "etc.)",
    "Ms.",
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(CHUNKS) | st.text(min_size=1, max_size=8), min_size=1, max_size=40),
    st.lists(st.sampled_from([" ", "  ", "\n", "\n\n", "\t"]), min_size=1, max_size=40),
)
def test_taught_cache_on_random_chunks(chunks, spaces):
    taught, reference = _pair("random")  # shared by the examples: its cache keeps growing
    text = "".join(c + spaces[i % len(spaces)] for i, c in enumerate(chunks))
    for _ in range(3):  # chunks seen twice are taught; the third call reads them back
        assert _tokens(taught(text)) == _tokens(reference(text))


def test_teaching_is_off_by_default_and_works_when_asked():
    """Off by default (README, "Speed and scale": it cost more than it saved in whole
    extract runs); asked for, it teaches the recurring chunks, with the same tokens."""
    tok = create_tokenizer()(spacy.blank("en"))
    text = "Dr. Smith reviewed the MRI of L4-5 (2.5mm). " * 3
    assert tok.teach is False
    tok(text)
    assert "_chunks" not in tok.__dict__
    tok.teach = True
    assert _tokens(tok(text)) == _tokens(Tokenizer.__call__(tok, text))
    assert {"Smith", "L4-5", "(2.5mm)."} <= tok._chunks[1]
