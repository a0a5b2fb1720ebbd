"""Line-aware sentence boundaries for letters.

PyRuSH (medspaCy's default) is accurate on notes but runs at about 30k chars/s; spaCy's
``sentencizer`` ignores layout and glues a heading block into one sentence. Letters need
both: a sentence ends at ``.``/``?``/``!``, at a blank line, at a line that is a heading
(ALL CAPS or ending with ``:``), before a checkbox or list item, and after a short line
that the next line does not continue (a records list, an address: the line is short, does not
end in a joining word or comma, and the next one starts with a capital or a digit); a line
wrapped in the middle of a sentence does not end it.

Speed: the rules are computed with arrays (token attributes from ``doc.to_array``,
character classes of the text), and only the few tokens after a line break that could open
a list item go through Python. ``tests/sentence_reference.py`` reads the same rules token
by token, and ``tests/test_fast_paths.py`` checks both give the same starts on every letter.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import IDX, IS_ALPHA, IS_SPACE, LENGTH, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.strings import StringStore
from spacy.tokens import Doc

from .base import doc_text

ENDERS = {".", "?", "!", ";"}
ITEM_START = re.compile(r"^(?:\[|☒|☐|\d{1,2}[.)]$|[IVX]{1,4}\.$|[-•*]$)")
SHORT_LINE = 56  # characters; wrapped prose lines are longer than this
# words a wrapped line may end with
JOINING = set(
    "a an the and or nor but of to in on at by for with from as that which who is was were are be been "
    "than into".split()
)


def ensure_sentences(doc: Doc) -> Doc:
    """Components that read sentences work without a splitter before them: they split
    with ``iro_sentences``' rules when the Doc has no sentence boundaries."""
    if len(doc) and not doc.has_annotation("SENT_START"):
        LineSentencizer(None)(doc)
    return doc


class LineSentencizer:
    def __init__(self, nlp: Language, name: str = "iro_sentences"):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        flags = numpy.full(len(doc), -1, dtype="int32")
        flags[0] = 1
        flags[_fast_starts(doc)] = 1
        doc.from_array([SENT_START], flags.astype("uint64").reshape(-1, 1))
        return doc


ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "st", "vs", "e.g", "i.e", "approx", "jr", "sr"}
# "No. 4471" abbreviates number; "The answer is no." ends a sentence
NUMBER_ABBREVIATIONS = {"no", "nos"}
LIST_NUMBERS = {str(k) for k in range(1, 100)}


def _next_solid(doc: Doc, i: int) -> str:
    """The text of the first non-space token after token ``i`` ("" at the end)."""
    for j in (i + 1, i + 2):
        if j < len(doc) and not doc[j].is_space:
            return doc[j].text
    return ""


def _abbrev(word: str, following: str = "") -> bool:
    """Is a period after ``word`` (``following``: the next word) that of an abbreviation?"""
    w = word.lower()
    if w in NUMBER_ABBREVIATIONS:
        return following[:1].isdigit() or following[:1] == "#"
    return w in ABBREVIATIONS or (len(w) == 1 and w.isalpha())


def _ids(words) -> numpy.ndarray:
    """The string hashes (ORTH/LOWER values) of ``words``, sorted for ``_member``."""
    return numpy.array(sorted(StringStore().add(w) for w in words), dtype="uint64")


JOINING_IDS = _ids(JOINING)
JOINER_IDS = _ids({",", "-", "&", "/"})
ENDER_IDS = _ids(ENDERS)
ABBREVIATION_IDS = _ids(ABBREVIATIONS)
NUMBER_ABBREVIATION_IDS = _ids(NUMBER_ABBREVIATIONS)
LIST_NUMBER_IDS = _ids(LIST_NUMBERS)
PERIOD_ID = _ids(["."])[0]
# the characters an ITEM_START match can open with (beyond ASCII: checked one by one)
ITEM_FIRST = numpy.array(sorted(map(ord, "[IVX-*0123456789")), dtype="uint64")


def _member(values: numpy.ndarray, keys: numpy.ndarray) -> numpy.ndarray:
    """``numpy.isin`` for a short sorted ``keys`` (a searchsorted is much cheaper)."""
    at = numpy.searchsorted(keys, values)
    at[at == len(keys)] = 0
    return keys[at] == values


# str.isalpha(), str.isupper(), str.isspace() below 128: one table lookup per class
ASCII_ALPHA = numpy.array([chr(c).isalpha() for c in range(128)])
ASCII_UPPER = numpy.array([chr(c).isupper() for c in range(128)])
ASCII_WS = numpy.array([chr(c).isspace() for c in range(128)])


def _char_classes(cp: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """str.isalpha(), str.isupper() and str.isspace() of each code point."""
    low = numpy.minimum(cp, 127)
    alpha, upper, space = ASCII_ALPHA.take(low), ASCII_UPPER.take(low), ASCII_WS.take(low)
    high = cp >= 128
    if high.any():
        where = numpy.flatnonzero(high)
        chars, inverse = numpy.unique(cp[where], return_inverse=True)
        props = numpy.array([(chr(c).isalpha(), chr(c).isupper(), chr(c).isspace()) for c in chars.tolist()])
        alpha[where] = props[inverse, 0]
        upper[where] = props[inverse, 1]
        space[where] = props[inverse, 2]
    return alpha, upper, space


def _heading_offsets(cp: numpy.ndarray, breaks: numpy.ndarray, offsets: numpy.ndarray) -> numpy.ndarray:
    """Whether the line holding each offset is a heading: most of its letters (at least 4)
    are capitals, or the stripped line ends with ":" and is under 90 characters long
    (``breaks``: where cp is a newline)."""
    size = len(cp)
    starts = numpy.concatenate(([0], breaks + 1))
    ends = numpy.concatenate((breaks, [size]))
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    alpha, upper, space = _char_classes(cp)
    n_alpha = numpy.concatenate(([0], numpy.cumsum(alpha)))
    n_upper = numpy.concatenate(([0], numpy.cumsum(alpha & upper)))
    letters = n_alpha[ends] - n_alpha[starts]
    uppers = n_upper[ends] - n_upper[starts]
    # the stripped line: from its first to its last non-space character
    solid = numpy.flatnonzero(~space)
    first = solid[numpy.minimum(numpy.searchsorted(solid, starts), len(solid) - 1)] if len(solid) else starts
    last = solid[numpy.maximum(numpy.searchsorted(solid, ends) - 1, 0)] if len(solid) else starts
    has = letters > 0  # a line with a letter has a non-space character
    ratio = numpy.divide(uppers, letters, out=numpy.zeros(len(letters)), where=has)
    colon = (cp[last] == 58) & (last - first + 1 < 90)
    heading = has & (((ratio > 0.8) & (letters >= 4)) | colon)
    hs, he = starts[heading], ends[heading]
    k = numpy.searchsorted(hs, offsets, side="right") - 1
    ok = k >= 0
    k[~ok] = 0
    return ok & (offsets <= he[k]) if len(hs) else numpy.zeros(len(offsets), dtype=bool)


def _fast_starts(doc: Doc) -> numpy.ndarray:
    """Token indices where ``reference`` starts a sentence, computed with arrays."""
    text = doc_text(doc)
    # code points (a Doc holds no lone surrogate: spaCy's string store cannot encode one)
    cp = numpy.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    arr = doc.to_array([ORTH, LOWER, IS_SPACE, IDX, LENGTH, IS_ALPHA])
    n = len(arr)
    orth, lower = arr[:, 0], arr[:, 1]  # string hashes (uint64)
    is_space, is_alpha = arr[:, 2].astype(bool), arr[:, 5].astype(bool)
    idx, length = arr[:, 3].astype("int64"), arr[:, 4].astype("int64")
    end = idx + length
    has_next = numpy.arange(n) < n - 1
    nxt = numpy.minimum(numpy.arange(n) + 1, n - 1)
    prv = numpy.maximum(numpy.arange(n) - 1, 0)
    breaks = numpy.flatnonzero(cp == 10)
    # newlines in each token: breaks before its end minus breaks before its start
    newlines = numpy.searchsorted(breaks, end) - numpy.searchsorted(breaks, idx)
    # a blank line or a page break
    event = is_space & (newlines >= 2)
    single = is_space & (newlines == 1)
    if "\f" in text:
        feeds = numpy.flatnonzero(cp == 12)
        feeds = (numpy.searchsorted(feeds, end) - numpy.searchsorted(feeds, idx)) > 0
        event |= is_space & feeds
        single &= ~feeds
    # a single line break: either line a heading, or the next line a list item / a short line
    single = numpy.flatnonzero(single)
    if len(single):
        here = idx[single]
        after = has_next[single]
        heading = _heading_offsets(cp, breaks, numpy.concatenate((here - 1, idx[nxt[single]])))
        hit = heading[: len(single)] | (after & heading[len(single) :])
        # a short line standing alone (a list item, an address line)
        first = cp[idx[nxt[single]]]
        opens = ((first >= 65) & (first <= 90)) | ((first >= 48) & (first <= 57))
        for j in numpy.flatnonzero(first >= 128).tolist():
            c = chr(first[j])
            opens[j] = c.isupper() or c.isdigit()
        p = prv[single]
        joined = _member(lower[p], JOINING_IDS) | _member(orth[p], JOINER_IDS)
        line_start = numpy.searchsorted(breaks, here)  # index of the last break before here, + 1
        line_start = numpy.where(line_start > 0, breaks[numpy.maximum(line_start - 1, 0)] + 1, 0)
        short = here - line_start < SHORT_LINE
        hit |= after & (single > 0) & opens & ~joined & short
        # a list item or checkbox on the next line (ITEM_START): few tokens can open one
        could = _member(first.astype("uint64"), ITEM_FIRST) | (first >= 128)
        for j in numpy.flatnonzero(after & ~hit & could).tolist():
            t = int(nxt[single[j]])
            if ITEM_START.match(text[idx[t] : end[t]]):
                hit[j] = True
        event[single[hit]] = True
    # sentence enders, except a period inside a word or after an abbreviation
    enders = _member(orth, ENDER_IDS) & has_next
    period = orth == PERIOD_ID
    inside = (idx[nxt] == idx + 1) & ~is_space[nxt]
    abbrev = _member(lower[prv], ABBREVIATION_IDS) | ((length[prv] == 1) & is_alpha[prv])
    # "No. 12" (the next non-space token opens with a digit or '#'), not "is no."
    solid_next = numpy.where(is_space[nxt] & (nxt + 1 < n), numpy.minimum(nxt + 1, n - 1), nxt)
    opener = cp[numpy.minimum(idx[solid_next], len(cp) - 1)]
    number_next = has_next & ~is_space[solid_next] & (((opener >= 48) & (opener <= 57)) | (opener == 35))
    abbrev |= _member(lower[prv], NUMBER_ABBREVIATION_IDS) & number_next
    # "1. Radiculopathy ...": the number of a list item that opens its line
    prv2 = numpy.maximum(prv - 1, 0)
    line_open = (prv == 0) | (is_space[prv2] & (newlines[prv2] > 0))
    abbrev |= _member(orth[prv], LIST_NUMBER_IDS) & line_open
    abbrev[0] = False
    # one character beyond ASCII before a period: _abbrev lower-cases it first
    for i in numpy.flatnonzero(period & (length[prv] == 1) & (cp[idx[prv]] >= 128)).tolist():
        abbrev[i] = i > 0 and _abbrev(text[idx[i - 1] : end[i - 1]], _next_solid(doc, i))
    event |= enders & ~(period & (inside | abbrev))
    # "Label:" at the end of a line
    colon = ~is_space & (cp[end - 1] == 58) & has_next & is_space[nxt] & (newlines[nxt] > 0)
    event |= colon
    # the first non-space token after each event starts a sentence
    solid = numpy.flatnonzero(~is_space)
    at = numpy.searchsorted(solid, numpy.flatnonzero(event), side="right")
    return solid[at[at < len(solid)]]
