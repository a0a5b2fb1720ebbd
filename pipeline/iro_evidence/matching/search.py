"""Regex search that skips to the characters a match can start with.

Python's ``re`` searches fast only when a pattern starts with a plain character set: it
then skips in C to the next character of that set and tries the pattern there. A rule
that starts with ``\\b`` or a case-insensitive word tries the whole pattern at every
position instead, which is where most of the time of a rule component went.
``FirstCharRegex`` wraps such a rule: it works out the characters a match can start
with, finds candidate starts with ``[those characters]`` followed by a look-behind that
checks the rule from there, and re-matches the rule at each start it finds (so matches
are the rule's own ``re.Match`` objects). Same matches as ``pattern.finditer`` /
``search``; ``tests/test_first_char.py`` checks it on every letter and on random text.
A rule whose first characters cannot be worked out keeps the plain search. The first
characters come from ``iro_evidence.matching.regex``, our own reading of the pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .regex import ASCII_FOLDS, first_class, max_non_space  # noqa: F401 - re-exported


class FirstCharRegex:
    """``finditer``/``search`` of a compiled regex, skipping to its possible first
    characters (see the module docstring); ``pattern`` is the rule itself."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        self.scan: re.Pattern | None = None
        cls = first_class(pattern)
        if cls is not None:
            try:
                # the class first (case-sensitive, so re keeps it as its search prefix),
                # then a one-character look-behind from which the rule must match
                self.scan = re.compile(rf"(?-i:{cls})(?<=(?={pattern.pattern})[\s\S])", pattern.flags)
            except re.error:
                self.scan = None

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match]:
        """The matches ``self.pattern.finditer(text, pos, endpos)`` yields."""
        end = len(text) if endpos is None else endpos
        if self.scan is None:
            yield from self.pattern.finditer(text, pos, end)
            return
        search, match = self.scan.search, self.pattern.match
        while True:
            hit = search(text, pos, end)
            if hit is None:
                return
            m = match(text, hit.start(), end)  # never None: the look-behind matched it
            yield m
            pos = m.end()  # never empty: a match starts with one of the characters

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        """``self.pattern.search(text, pos, endpos)``."""
        end = len(text) if endpos is None else endpos
        if self.scan is None:
            return self.pattern.search(text, pos, end)
        hit = self.scan.search(text, pos, end)
        return None if hit is None else self.pattern.match(text, hit.start(), end)
