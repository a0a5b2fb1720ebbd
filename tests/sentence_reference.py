"""The slow reference for ``iro_sentences``: its rules read token by token, one Python
step per token. ``LineSentencizer`` computes the same starts with arrays;
``tests/test_fast_paths.py`` compares the two on every letter and on odd text."""

from __future__ import annotations

import bisect
import re

import numpy
from iro_evidence.components.sentences import (
    ENDERS,
    ITEM_START,
    JOINING,
    LIST_NUMBERS,
    SHORT_LINE,
    _abbrev,
    _next_solid,
)
from iro_evidence.matching import doc_text
from spacy.attrs import SENT_START
from spacy.tokens import Doc


def reference(doc: Doc) -> Doc:
    """``iro_sentences``' rules read token by token (what ``LineSentencizer`` must
    equal): the first non-space token after a token that ends a sentence
    (``_ends_after``) starts one."""
    n = len(doc)
    if not n:
        return doc
    is_heading = _heading_lines(doc_text(doc))
    starts = [False] * n
    starts[0] = True
    prev_end = False
    for i, tok in enumerate(doc):
        if i and prev_end and not tok.is_space:
            starts[i] = True
            prev_end = False
        prev_end = prev_end or _ends_after(doc, i, is_heading)
    # one array write: setting ``tok.is_sent_start`` per token rescans the Doc each time
    flags = numpy.array([1 if s else -1 for s in starts], dtype="int32").astype("uint64")
    doc.from_array([SENT_START], flags.reshape(-1, 1))
    return doc


def _ends_after(doc: Doc, i: int, is_heading) -> bool:
    """Does token ``i`` end a sentence: a line break that ends one (``_break_ends``), a
    sentence ender (``_ender_ends``), or a "Label:" at the end of its line?"""
    tok = doc[i]
    if tok.is_space:
        return _break_ends(doc, i, is_heading)
    t = tok.text
    if t in ENDERS:
        return _ender_ends(doc, i)
    if tok.whitespace_ and "\n" in tok.whitespace_:
        return False
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    return t.endswith(":") and nxt is not None and nxt.is_space and "\n" in nxt.text


def _break_ends(doc: Doc, i: int, is_heading) -> bool:
    """A blank line or a page break ends a sentence; a single line break does when either
    line is a heading, or the next line opens a list item or checkbox, or the line is a
    short one standing alone (``_list_line``): a wrapped line does not."""
    t = doc[i].text
    nl = t.count("\n")
    if nl >= 2 or "\f" in t:
        return True
    if nl != 1:
        return False
    here = doc[i].idx
    if is_heading(here - 1):
        return True
    if i + 1 >= len(doc):
        return False
    nxt = doc[i + 1]
    if is_heading(nxt.idx) or ITEM_START.match(nxt.text):
        return True
    return i > 0 and _list_line(doc_text(doc), here, doc[i - 1].text, nxt.text)


def _ender_ends(doc: Doc, i: int) -> bool:
    """A ``.``/``?``/``!``/``;`` ends a sentence unless it ends the Doc, or is a period
    inside a word ("2.2", "e.g."), after an abbreviation ("Dr. Smith") or after the
    number of a list item opening a line ("1. Radiculopathy must be ...")."""
    if i + 1 >= len(doc):
        return False
    tok, nxt = doc[i], doc[i + 1]
    if tok.text != ".":
        return True
    if nxt.idx == tok.idx + 1 and not nxt.is_space:
        return False
    return not (i and (_abbrev(doc[i - 1].text, _next_solid(doc, i)) or _list_number(doc, i - 1)))


def _list_number(doc: Doc, i: int) -> bool:
    """Is token ``i`` a list item's number ("12") that opens its line?"""
    return doc[i].text in LIST_NUMBERS and (i == 0 or (doc[i - 1].is_space and "\n" in doc[i - 1].text))


def _list_line(text: str, here: int, last: str, nxt: str) -> bool:
    """Does the short line ending at ``here`` stand alone (a list item, an address line)?"""
    if (
        not (nxt[:1].isupper() or nxt[:1].isdigit())
        or last.lower() in JOINING
        or last in {",", "-", "&", "/"}
    ):
        return False
    return here - (text.rfind("\n", 0, here) + 1) < SHORT_LINE


def _heading_lines(text: str):
    """Return a function: is the line containing this offset a heading?"""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group().strip()
        letters = [c for c in line if c.isalpha()]
        if not letters:
            continue
        upper = sum(c.isupper() for c in letters) / len(letters)
        if (upper > 0.8 and len(letters) >= 4) or (line.endswith(":") and len(line) < 90):
            spans.append((m.start(), m.end()))

    starts = [s for s, _ in spans]

    def is_heading(offset: int) -> bool:
        k = bisect.bisect_right(starts, offset) - 1
        return k >= 0 and spans[k][0] <= offset <= spans[k][1]

    return is_heading
