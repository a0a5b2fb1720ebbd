"""What the engine reads off a Doc once and keeps: its text, the text lower-cased, the
sentence starts. spaCy rebuilds ``doc.text`` from the tokens on every read and
``span.sent`` rescans the Doc; the components read these many times per letter."""

from __future__ import annotations

import bisect
import weakref

import numpy
from spacy.attrs import IDX, LENGTH, SENT_START, SPACY
from spacy.tokens import Doc, Span

LOWER_KEY = ("iro_evidence", "lower")
TEXT_KEY = ("iro_evidence", "text")


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc (spaCy joins every token again on each read)."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:  # a Doc's text never changes (retokenizing keeps it)
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def doc_lower(doc: Doc) -> str:
    """``doc_text(doc).lower()``, built once per Doc."""
    low = doc.user_data.get(LOWER_KEY)
    if low is None:
        low = doc.user_data[LOWER_KEY] = doc_text(doc).lower()
    return low


def sentence_starts(doc: Doc) -> tuple[list[int], list[int]]:
    """Token and character offsets where sentences start, read in one array call.

    ``doc.sents`` builds a Span per sentence and ``span.sent`` rescans the Doc for every
    span; components that look up the sentence of many spans bisect these lists instead.
    """
    if not len(doc) or not doc.has_annotation("SENT_START"):
        return [0], [0]
    arr = doc.to_array([SENT_START, IDX])
    rows = numpy.flatnonzero(arr[:, 0] == 1)
    toks = rows.tolist()
    chars = arr[rows, 1].tolist()
    if not toks or toks[0] != 0:
        toks.insert(0, 0)
        chars.insert(0, 0)
    return toks, chars


_BOUNDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Doc -> (token starts, ends + space)


def char_span(doc: Doc, start: int, end: int, label: str = "") -> Span | None:
    """``doc.char_span(start, end, label=label, alignment_mode="expand")``, by bisecting
    token offsets read once per Doc: spaCy's own builds five Token objects per call, and
    the components ask for thousands of spans per letter (``tests/test_fast_paths.py``
    checks both give the same spans)."""
    bounds = _BOUNDS.get(doc)
    if bounds is None:
        arr = doc.to_array([IDX, LENGTH, SPACY]).astype("int64")
        bounds = _BOUNDS[doc] = (
            arr[:, 0].tolist(),
            (arr[:, 0] + arr[:, 1]).tolist(),
            arr.sum(axis=1).tolist(),
        )
    starts, ends, reach = bounds
    first = bisect.bisect_right(starts, start) - 1  # the token whose characters (and space) hold start
    last = bisect.bisect_right(starts, end - 1) - 1
    if first < 0 or start >= reach[first] or last < 0 or end - 1 >= reach[last]:
        return None
    if start == ends[first]:  # on the space after a token: the span starts at the next one
        first += 1
    return Span(doc, first, last + 1, label=label)
