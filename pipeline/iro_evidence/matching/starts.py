"""Rules tried only where a match can start.

A rule whose every match starts at one of a few words ("the", "it", "we") need not be
searched: it is matched (``Pattern.match``) at those words only. ``match_at`` gives what
``finditer`` gives for such a rule; ``starts_near`` finds its start words, and with
``within``, only those no further than that before one of the rule's trigger words (the
start words are then looked for there only, so common ones cost nothing).
"""

from __future__ import annotations

import re

from .triggers import Hits


def match_at(pattern: re.Pattern, text: str, starts: list[int]):
    """``pattern.finditer(text)`` for a pattern whose matches can only start at ``starts``
    (sorted): tried there only, never inside a match already found."""
    end = 0
    for s in starts:
        if s >= end:
            m = pattern.match(text, s)
            if m:
                end = max(m.end(), s + 1)
                yield m


def starts_near(hits: Hits, low: str, starts: tuple, within: int | None, words: tuple) -> list[int]:
    """Where a start word begins in ``low`` (the lower-cased text), in order: every one
    (``within`` None: they must be trigger words of ``hits``), or only those at most
    ``within`` characters before a hit of ``words`` (cached in ``hits``)."""
    if within is None:
        return hits.positions(starts)
    key = ("starts", starts, within, words)
    got = hits._cache.get(key)
    if got is not None:
        return got
    spans: list[list[int]] = []  # [h - within, h] around each hit, overlapping ones merged
    for h in hits.positions(words):
        lo = max(h - within, 0)
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = h
        else:
            spans.append([lo, h])
    search, longest = _any_word(starts)
    got = hits._cache[key] = []
    for lo, hi in spans:  # each span is past the last
        m = search(low, lo, hi + longest)
        while m is not None and m.start() <= hi:
            got.append(m.start())
            m = search(low, m.start() + 1, hi + longest)
    return got


_ANY_WORD: dict[tuple, tuple] = {}


def _any_word(words: tuple) -> tuple:
    """(``search`` of a regex for any of ``words``, the longest word's length)."""
    got = _ANY_WORD.get(words)
    if got is None:
        regex = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
        got = _ANY_WORD[words] = (regex.search, max(map(len, words)))
    return got
