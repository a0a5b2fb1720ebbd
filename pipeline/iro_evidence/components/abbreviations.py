"""Abbreviations defined in the letter ("functional capacity evaluation (FCE)"), with
scispaCy's AbbreviationDetector (Schwartz & Hearst).

scispaCy keeps Span objects on the Doc, which cannot be pickled for ``nlp.pipe(n_process=...)``;
this wrapper copies each short form into ``doc.spans["abbreviations"]`` with its long form
as plain values in ``span._.iro`` and removes scispaCy's objects.

Speed: scispaCy runs two spaCy matchers over every token of the Doc: ``( ... )`` and,
once definitions are found, their short forms. A match can only start at a ``(`` (or at a
short form's first word), so both matchers run here only on a few tokens from there
(``NearMatcher``), with the same matches in the same order; the rest is scispaCy's code.
"""

from __future__ import annotations

import re

import numpy
from scispacy.abbreviation import AbbreviationDetector
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from .base import set_group

SCISPACY_KEYS = ("abbreviations", "long_form")  # extension names scispaCy sets
# a short form has two or more capitals ("FCE", "EMG/NCV"); "(Agree)" in a checkbox line is none
SHORT_FORM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Za-z0-9/&.-]{2,12}$")
BAD_LONG = re.compile(r"\n\s*\n|[\[\]\u2610\u2612]")
# scispaCy's filter_matches drops a parenthesis with more than 8 tokens inside
PAREN_WIDTH = 8 + 2


class NearMatcher:
    """A spaCy ``Matcher`` (``add``/``remove``/``__call__``, as scispaCy uses it) that
    looks only at the tokens from where a pattern's first token occurs.

    Every pattern must open with a literal ``{"ORTH": ...}`` and match at most ``width``
    tokens (``None``: the length of the longest pattern, which must then be all literal
    tokens); matches longer than ``width`` are not returned. Matches come in spaCy's order
    for the whole Doc: by end, and for one end the latest start first (spaCy emits a
    match when its last token is reached, from the newest open state to the oldest).
    """

    def __init__(self, vocab, width: int | None = None):
        self.vocab = vocab
        self.width = width
        # scispaCy adds a pattern per definition per Doc; they are literal words, so
        # spaCy's schema check (pydantic, ~0.1 ms each) is skipped
        self.matcher = Matcher(vocab, validate=False)
        self.patterns: dict[str, list] = {}

    def add(self, key: str, patterns: list, **kwargs) -> None:
        self.matcher.add(key, patterns, **kwargs)
        self.patterns.setdefault(key, []).extend(patterns)

    def remove(self, key: str) -> None:
        self.matcher.remove(key)
        self.patterns.pop(key, None)

    def __len__(self) -> int:
        return len(self.matcher)

    def _firsts_and_width(self) -> tuple[list[int], int] | None:
        firsts, width = set(), self.width or 0
        for patterns in self.patterns.values():
            for p in patterns:
                if not p or set(p[0]) != {"ORTH"} or not isinstance(p[0]["ORTH"], str):
                    return None
                firsts.add(self.vocab.strings.add(p[0]["ORTH"]))
                if self.width is None:
                    if any(set(t) != {"ORTH"} or not isinstance(t["ORTH"], str) for t in p):
                        return None
                    width = max(width, len(p))
        return sorted(firsts), width

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if not self.patterns:
            return self.matcher(doc)
        plan = self._firsts_and_width()
        if plan is None:  # a pattern we cannot place: the whole Doc
            return self.matcher(doc)
        firsts, width = plan
        n = len(doc)
        orth = doc.to_array(ORTH)
        keys = numpy.array(firsts, dtype=orth.dtype)  # sorted: searchsorted beats numpy.isin
        pos = numpy.searchsorted(keys, orth)
        pos[pos == len(keys)] = 0
        at = numpy.flatnonzero(keys[pos] == orth).tolist()
        windows: list[list[int]] = []
        for p in at:
            if windows and p <= windows[-1][1]:
                windows[-1][1] = min(n, p + width)
            else:
                windows.append([p, min(n, p + width)])
        found = []
        for lo, hi in windows:
            found += [(k, s + lo, e + lo) for k, s, e in self.matcher(doc[lo:hi]) if e - s <= width]
        found.sort(key=lambda m: (m[2], -m[1]))
        return found


class AbbreviationFinder:
    def __init__(self, nlp: Language, name: str = "iro_abbreviations"):
        self.name = name
        self.detector = AbbreviationDetector(nlp, name=f"{name}_scispacy")
        # scispaCy's own patterns and code; its matchers only look near where a match starts
        paren = NearMatcher(nlp.vocab, PAREN_WIDTH)
        paren.add("parenthesis", [[{"ORTH": "("}, {"OP": "+"}, {"ORTH": ")"}]])
        self.detector.matcher = paren
        self.detector.global_matcher = NearMatcher(nlp.vocab)

    def __call__(self, doc: Doc) -> Doc:
        return self._spans(self.detector(doc))

    def reference(self, doc: Doc) -> Doc:
        """The same with scispaCy's whole-Doc matchers (what the fast path must equal)."""
        fast = self.detector.matcher, self.detector.global_matcher
        self.detector.matcher = fast[0].matcher
        self.detector.global_matcher = fast[1].matcher
        try:
            return self._spans(self.detector(doc))
        finally:
            self.detector.matcher, self.detector.global_matcher = fast

    def _spans(self, doc: Doc) -> Doc:
        spans = []
        shorts = doc._.abbreviations
        for short in shorts:
            long = short._.long_form
            if not SHORT_FORM.match(short.text) or BAD_LONG.search(long.text):
                continue
            span = doc[short.start : short.end]
            span.label_ = "ABBR"
            span._.iro = {
                **(span._.iro or {}),
                "value": long.text,
                "long_form": long.text,
                "long_start": long.start_char,
                "long_end": long.end_char,
            }
            spans.append(span)
        # drop scispaCy's values by their keys (spaCy's ("._.", name, start, end)); scanning
        # all of user_data would visit every span value the other components stored
        data = doc.user_data
        for short in shorts:
            data.pop(("._.", "long_form", short.start_char, short.end_char), None)
        data.pop(("._.", "abbreviations", None, None), None)
        set_group(doc, "abbreviations", spans)
        return doc
