"""A spaCy ``Matcher`` for literal-token and bracket patterns that looks only where a match
can start (used by ``iro_abbreviations`` for scispaCy's two kinds of pattern)."""

from __future__ import annotations

import numpy
from spacy.attrs import ORTH
from spacy.matcher import Matcher
from spacy.tokens import Doc


class NearMatcher:
    """A spaCy ``Matcher`` (``add``/``__call__``) for scispaCy's two kinds of pattern, found
    without running the Matcher over every token.

    One pattern ``[open, {"OP": "+"}, close]`` (scispaCy's parentheses, up to ``width``
    tokens) is found from where its two tokens are; patterns made only of literal tokens
    (scispaCy's short forms) by comparing the Doc's ORTH ids, as the Matcher compares them.
    Matches come in spaCy's order for the whole Doc: by end, and for one end the latest
    start first (spaCy emits a match when its last token is reached, from the newest open
    state to the oldest). Anything else: the Matcher on the whole Doc.
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

    def plan(self) -> tuple:
        """(how, first-token ids, ids); ``how`` is "brackets" (ids: key, opener, closer),
        "literal" (ids: (key id, ORTH ids) per pattern) or "whole" (the Matcher on the
        whole Doc)."""
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
                how = "whole"
            firsts = sorted({strings.add(p[0]["ORTH"]) for _, p in pats}) if how != "whole" else []
            ids = []
            if how == "brackets":
                ((key, (first, _, last)),) = pats
                ids = [strings.add(key), strings.add(first["ORTH"]), strings.add(last["ORTH"])]
            if how == "literal":
                ids = [(strings.add(key), [strings.add(t["ORTH"]) for t in p]) for key, p in pats]
            self._plan = (how, numpy.array(firsts, dtype="uint64"), ids)
        return self._plan

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
        found = set()
        for i in at:
            for key_id, seq in ids:
                if orth[i : i + len(seq)].tolist() == seq:
                    found.add((key_id, i, i + len(seq)))
        return sorted(found, key=lambda m: (m[2], -m[1]))

    def _brackets(self, orth: numpy.ndarray, key_id: int, open_id: int, close_id: int) -> list:
        """The matches of ``[open, {"OP": "+"}, close]`` up to ``width`` tokens: every
        opener with every closer at least two tokens on (the Matcher returns them all,
        nested or not), in the Matcher's order."""
        closes = numpy.flatnonzero(orth == close_id)
        opens = numpy.flatnonzero(orth == open_id)
        # for each opener, the closers from two tokens on to ``width`` tokens on
        first = numpy.searchsorted(closes, opens + 2).tolist()
        stop = numpy.searchsorted(closes, opens + self.width).tolist()
        ends = closes.tolist()
        found = []
        for i, lo, hi in zip(opens.tolist(), first, stop):
            found += [(key_id, i, j + 1) for j in ends[lo:hi]]
        return sorted(found, key=lambda m: (m[2], -m[1]))


def _brackets(pattern: list) -> bool:
    """``[literal, {"OP": "+"}, literal]``: an opener, any tokens, a closer."""
    return len(pattern) == 3 and _literal(pattern[0]) and pattern[1] == {"OP": "+"} and _literal(pattern[2])


def _literal(token: dict) -> bool:
    return set(token) == {"ORTH"} and isinstance(token["ORTH"], str)
