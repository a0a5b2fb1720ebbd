"""Line-aware sentence boundaries for letters.

PyRuSH (medspaCy's default) is accurate on notes but runs at about 30k chars/s; spaCy's
``sentencizer`` ignores layout and glues a heading block into one sentence. Letters need
both: a sentence ends at ``.``/``?``/``!``, at a blank line, at a line that is a heading
(ALL CAPS or ending with ``:``), before a checkbox or list item, and after a short line
that the next line does not continue (a records list, an address: the line is short, does not
end in a joining word or comma, and the next one starts with a capital or a digit); a line
wrapped in the middle of a sentence does not end it.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .base import doc_text

ENDERS = {".", "?", "!", ";"}
ITEM_START = re.compile(r"^(?:\[|☒|☐|\d{1,2}[.)]$|[IVX]{1,4}\.$|[-•*]$)")
SHORT_LINE = 56  # characters; wrapped prose lines are longer than this
JOINING = {
    "a",
    "an",
    "the",
    "and",
    "or",
    "nor",
    "but",
    "of",
    "to",
    "in",
    "on",
    "at",
    "by",
    "for",
    "with",
    "from",
    "as",
    "that",
    "which",
    "who",
    "is",
    "was",
    "were",
    "are",
    "be",
    "been",
    "than",
    "into",
}


class LineSentencizer:
    def __init__(self, nlp: Language, name: str = "iro_sentences"):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        text = doc_text(doc)
        line_is_heading = _heading_lines(text)
        starts = [False] * n
        starts[0] = True
        prev_end = False
        for i, tok in enumerate(doc):
            if i and prev_end and not tok.is_space:
                starts[i] = True
                prev_end = False
            t = tok.text
            if tok.is_space:
                nl = t.count("\n")
                if nl >= 2 or "\f" in t:
                    prev_end = True
                elif nl == 1:
                    # a single newline ends a sentence when either line is a heading
                    # or the next line opens a list item / checkbox
                    nxt = doc[i + 1] if i + 1 < n else None
                    here = tok.idx
                    if (
                        line_is_heading(here - 1)
                        or (nxt is not None and line_is_heading(nxt.idx))
                        or (nxt is not None and ITEM_START.match(nxt.text))
                        or (nxt is not None and i and _list_line(text, here, doc[i - 1].text, nxt.text))
                    ):
                        prev_end = True
                continue
            if t in ENDERS:
                nxt = doc[i + 1] if i + 1 < n else None
                if nxt is None:
                    continue
                # "Dr. Smith", "e.g. x", "2.2": a period that sits inside a word is no end
                if t == "." and nxt.idx == tok.idx + 1 and not nxt.is_space:
                    continue
                if t == "." and i and _abbrev(doc[i - 1].text):
                    continue
                prev_end = True
            elif tok.whitespace_ and "\n" in tok.whitespace_:
                pass
            elif t.endswith(":") or t == ":":
                nxt = doc[i + 1] if i + 1 < n else None
                if nxt is not None and nxt.is_space and "\n" in nxt.text:
                    prev_end = True
        # one array write: setting ``tok.is_sent_start`` per token rescans the Doc each time
        flags = numpy.array([1 if s else -1 for s in starts], dtype="int32").astype("uint64")
        doc.from_array([SENT_START], flags.reshape(-1, 1))
        return doc


ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "st", "vs", "no", "e.g", "i.e", "approx", "jr", "sr"}


def _list_line(text: str, here: int, last: str, nxt: str) -> bool:
    """Does the short line ending at ``here`` stand alone (a list item, an address line)?"""
    if (
        not (nxt[:1].isupper() or nxt[:1].isdigit())
        or last.lower() in JOINING
        or last in {",", "-", "&", "/"}
    ):
        return False
    return here - (text.rfind("\n", 0, here) + 1) < SHORT_LINE


def _abbrev(word: str) -> bool:
    w = word.lower()
    return w in ABBREVIATIONS or (len(w) == 1 and w.isalpha())


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
    import bisect

    starts = [s for s, _ in spans]

    def is_heading(offset: int) -> bool:
        k = bisect.bisect_right(starts, offset) - 1
        return k >= 0 and spans[k][0] <= offset <= spans[k][1]

    return is_heading
