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
from spacy.tokens import Doc, Span

from .base import doc_text, set_group
from .extensions import ext_key

SCISPACY_KEYS = ("abbreviations", "long_form")  # extension names scispaCy sets
# a short form has two or more capitals ("FCE", "EMG/NCV"); "(Agree)" in a checkbox line is none
SHORT_FORM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Za-z0-9/&.-]{2,12}$")
BAD_LONG = re.compile(r"\n\s*\n|[\[\]\u2610\u2612]")
# scispaCy's filter_matches drops a parenthesis with more than 8 tokens inside
PAREN_WIDTH = 8 + 2


class NearMatcher:
    """A spaCy ``Matcher`` (``add``/``remove``/``__call__``, as scispaCy uses it) that
    looks only at the tokens from where a pattern's first token occurs.

    One pattern ``[open, {"OP": "+"}, close]`` (scispaCy's parentheses) is found from
    where its two tokens are, without the Matcher.

    Every pattern must open with a literal ``{"ORTH": ...}``. Patterns made only of literal
    tokens (scispaCy's short forms) are found by comparing the Doc's ORTH ids, as the
    Matcher compares them; others (``( ... )``) run through the Matcher on the ``width``
    tokens from each place their first token occurs, and matches longer than ``width``
    are not returned. Matches come in spaCy's order for the whole Doc: by end, and for one
    end the latest start first (spaCy emits a match when its last token is reached, from
    the newest open state to the oldest). Anything else: the Matcher on the whole Doc.
    """

    def __init__(self, vocab, width: int | None = None):
        self.vocab = vocab
        self.width = width
        # scispaCy adds a pattern per definition per Doc; they are literal words, so
        # spaCy's schema check (pydantic, ~0.1 ms each) is skipped
        self.matcher = Matcher(vocab, validate=False)
        self.patterns: dict[str, list] = {}
        self._plan: tuple | None = None

    def add(self, key: str, patterns: list, **kwargs) -> None:
        self.matcher.add(key, patterns, **kwargs)
        self.patterns.setdefault(key, []).extend(patterns)
        self._plan = None

    def remove(self, key: str) -> None:
        self.matcher.remove(key)
        self.patterns.pop(key, None)
        self._plan = None

    def plan(self) -> tuple:
        """(how, first-token ids, literal patterns as (key id, ORTH ids)); ``how`` is
        "literal", "windows" or "whole" (the Matcher on the whole Doc)."""
        if self._plan is None:
            strings = self.vocab.strings
            pats = [(key, p) for key, ps in self.patterns.items() for p in ps]
            if not pats or any(not p or not _literal(p[0]) for _, p in pats):
                how = "whole"  # nothing to find, or a pattern we cannot place
            elif self.width and len(pats) == 1 and _brackets(pats[0][1]):
                how = "brackets"
            elif all(_literal(t) for _, p in pats for t in p):
                how = "literal"
            else:
                how = "windows" if self.width else "whole"
            firsts = sorted({strings.add(p[0]["ORTH"]) for _, p in pats}) if how != "whole" else []
            ids = []
            if how == "brackets":
                ((key, (first, _, last)),) = pats
                ids = [strings.add(key), strings.add(first["ORTH"]), strings.add(last["ORTH"])]
            if how == "literal":
                ids = [(strings.add(key), [strings.add(t["ORTH"]) for t in p]) for key, p in pats]
            self._plan = (how, numpy.array(firsts, dtype="uint64"), ids)
        return self._plan

    def __len__(self) -> int:
        return len(self.matcher)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        how, firsts, ids = self.plan()
        if how == "whole":
            return self.matcher(doc)
        orth = doc.to_array(ORTH)
        if how == "brackets":
            return self._brackets(orth, *ids)
        pos = numpy.searchsorted(firsts, orth)  # sorted: searchsorted beats numpy.isin
        pos[pos == len(firsts)] = 0
        at = numpy.flatnonzero(firsts[pos] == orth).tolist()
        found: list | set
        if how == "literal":
            found = set()
            for i in at:
                for key_id, seq in ids:
                    if orth[i : i + len(seq)].tolist() == seq:
                        found.add((key_id, i, i + len(seq)))
        else:
            n, width = len(doc), self.width
            windows: list[list[int]] = []
            for i in at:
                if windows and i <= windows[-1][1]:
                    windows[-1][1] = min(n, i + width)
                else:
                    windows.append([i, min(n, i + width)])
            found = []
            for lo, hi in windows:
                found += [(k, s + lo, e + lo) for k, s, e in self.matcher(doc[lo:hi]) if e - s <= width]
        return sorted(found, key=lambda m: (m[2], -m[1]))

    def _brackets(self, orth: numpy.ndarray, key_id: int, open_id: int, close_id: int) -> list:
        """The matches of ``[open, {"OP": "+"}, close]`` up to ``width`` tokens: every
        opener with every closer at least two tokens on (the Matcher returns them all,
        nested or not), in the Matcher's order."""
        closes = numpy.flatnonzero(orth == close_id)
        found = []
        for i in numpy.flatnonzero(orth == open_id).tolist():
            lo, hi = numpy.searchsorted(closes, [i + 2, i + self.width]).tolist()
            found += [(key_id, i, j + 1) for j in closes[lo:hi].tolist()]
        return sorted(found, key=lambda m: (m[2], -m[1]))


def _brackets(pattern: list) -> bool:
    """``[literal, {"OP": "+"}, literal]``: an opener, any tokens, a closer."""
    return len(pattern) == 3 and _literal(pattern[0]) and pattern[1] == {"OP": "+"} and _literal(pattern[2])


def _literal(token: dict) -> bool:
    return set(token) == {"ORTH"} and isinstance(token["ORTH"], str)


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
        # scispaCy adds each long form to one matcher kept for the detector's life; a spaCy
        # Matcher never frees a removed pattern's memory, so over a large run memory grows
        # with every letter (about 10 kB each). A fresh one per letter costs microseconds.
        self.detector.global_matcher = NearMatcher(doc.vocab)
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
        text = doc_text(doc)  # a span's text is this slice (Span.text joins its tokens)
        data = doc.user_data  # span._.iro written straight to its storage (no accessor)
        shorts = doc._.abbreviations
        for short in shorts:
            long = short._.long_form
            long_text = text[long.start_char : long.end_char]
            if not SHORT_FORM.match(text[short.start_char : short.end_char]) or BAD_LONG.search(long_text):
                continue
            span = Span(doc, short.start, short.end, label="ABBR")
            key = ext_key("iro", short.start_char, short.end_char)
            data[key] = {
                **(data.get(key) or {}),
                "value": long_text,
                "long_form": long_text,
                "long_start": long.start_char,
                "long_end": long.end_char,
            }
            spans.append(span)
        # drop scispaCy's values by their keys (spaCy's ("._.", name, start, end)); scanning
        # all of user_data would visit every span value the other components stored
        for short in shorts:
            data.pop(ext_key("long_form", short.start_char, short.end_char), None)
        data.pop(ext_key("abbreviations", None, None), None)
        set_group(doc, "abbreviations", spans)
        return doc
