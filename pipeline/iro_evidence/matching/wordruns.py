"""Token patterns that each hold a fixed run of words, run only where those words are
(``WordRunMatcher``; used by ``iro_sections`` for its ~450 heading patterns)."""

from __future__ import annotations

import numpy
from spacy.attrs import IS_SPACE, LOWER, ORTH
from spacy.matcher import Matcher
from spacy.tokens import Doc

from .arrays import member, prune_matches


class WordRunMatcher:
    """The matches of token patterns that each hold a fixed run of words (a "title"),
    looked for only where those words are: the matches of every pattern tried at every
    token, in the same order, overlaps pruned (longest wins).

    Each pattern holds its words in order with only space tokens between them, opens with
    them or with a space token and at most ``LEAD`` non-space tokens, and ends at most
    ``AFTER`` tokens after them. So each run of a title's words in the Doc's non-space
    tokens (found in one array of lower-case word ids) is tried with that title's patterns
    on those tokens and the few around them; no pattern looks outside its match, so these
    are all the matches the whole-Doc Matcher finds (``tests/test_fast_paths.py``, with
    the section headings). ``rules``: objects with ``words`` (lower case) and ``pattern``.
    """

    LEAD, AFTER = 2, 1  # tokens a match may hold before (non-space) / after the title

    def __init__(self, vocab, rules: list):
        self.vocab = vocab
        strings = vocab.strings
        self.rule_of: dict[int, int] = {}  # match id -> index of its rule
        self.groups: dict[tuple, Matcher] = {}  # title words -> a Matcher of its patterns
        by_start: dict[tuple, list[tuple]] = {}  # by first word, first two words
        self.seen: dict[tuple, list] = {}  # (title, ORTH ids of the tokens looked at) -> matches
        for j, rule in enumerate(rules):
            name = f"iro_word_run_{j}"  # our own id per rule: its index
            match_id = strings.add(name)
            self.rule_of[match_id] = j
            key = tuple(strings.add(w) for w in rule.words)
            if key not in self.groups:
                self.groups[key] = Matcher(vocab)
                by_start.setdefault(key[:2], []).append(key)
            self.groups[key].add(name, [rule.pattern])
        self.by_start = by_start
        starts = list(by_start)
        self.singles = numpy.array(sorted(k[0] for k in starts if len(k) == 1), dtype="uint64")
        pairs = numpy.array([k for k in starts if len(k) == 2], dtype="uint64").reshape(-1, 2)
        self.pairs = numpy.sort(_pair_ids(pairs[:, 0], pairs[:, 1]))

    def find_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """The matches (match_id, start, end) that every pattern at every token finds,
        pruned of overlaps (longest wins)."""
        n = len(doc)
        if not n or not self.groups:
            return []
        arr = doc.to_array([LOWER, IS_SPACE, ORTH])
        words = numpy.flatnonzero(arr[:, 1] == 0)  # token index of each non-space token
        found: set[tuple[int, int, int]] = set()
        if len(words):
            lower = arr[words, 0]
            ids, idx, orth = lower.tolist(), words.tolist(), arr[:, 2].tolist()
            for o in self.title_starts(lower).tolist():
                for key in self.keys_at(ids, o):
                    found.update(self.matches_at(doc, key, o, idx, orth))
        order = self.rule_of
        return prune_matches(sorted(found, key=lambda m: (m[1], m[2], order[m[0]])))

    def title_starts(self, lower: numpy.ndarray) -> numpy.ndarray:
        """Where a title can start (index among non-space tokens): a one-word title, or
        a longer title's first two words."""
        hit = member(lower, self.singles)
        hit[:-1] |= member(_pair_ids(lower[:-1], lower[1:]), self.pairs)
        return numpy.flatnonzero(hit)

    def keys_at(self, ids: list[int], o: int) -> list[tuple]:
        """The titles whose words are the non-space tokens from ``o`` on."""
        keys = self.by_start.get((ids[o],), [])
        if o + 1 < len(ids):
            keys = keys + self.by_start.get((ids[o], ids[o + 1]), [])
        return [key for key in keys if tuple(ids[o : o + len(key)]) == key]

    def matches_at(self, doc: Doc, key: tuple, o: int, idx: list[int], orth: list[int]) -> list[tuple]:
        """The matches of title ``key`` whose words start at non-space token ``o``."""
        # a match opens with the title or with a space token followed by at most LEAD
        # non-space tokens; no space token in there: with the title
        lead = min(o, self.LEAD)
        start = idx[o - lead - 1] + 1 if o > lead else 0
        if idx[o] - start == lead:
            start = idx[o]
        end = min(len(doc), idx[o + len(key) - 1] + 1 + self.AFTER)
        # the patterns read only the tokens' texts: the same few tokens give the same
        # matches, kept (most places are a title's words in running text, seen before)
        seen = (key, tuple(orth[start:end]))
        if seen not in self.seen:
            if len(self.seen) > 100_000:  # a bound for odd inputs; a few thousand in practice
                self.seen.clear()
            self.seen[seen] = self.groups[key](doc[start:end])
        return [(m, s + start, e + start) for m, s, e in self.seen[seen]]


def _pair_ids(first: numpy.ndarray, second: numpy.ndarray) -> numpy.ndarray:
    """One number per pair of word ids (uint64 arithmetic wraps; a collision only adds a
    place to check)."""
    return first * numpy.uint64(1_000_003) + second
