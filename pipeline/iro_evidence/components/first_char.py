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
A rule whose first characters cannot be worked out keeps the plain search.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

try:  # the parser of Python's own re (3.11+); without it every rule keeps its plain search
    from re import _constants as C  # noqa: N812 - the parser's op codes
    from re import _parser
except ImportError:  # pragma: no cover
    C = _parser = None

# Non-ASCII characters that ``re.IGNORECASE`` matches to an ASCII letter (dotted and
# dotless i, long s, the Kelvin sign); tests/test_first_char.py recomputes the list.
ASCII_FOLDS = "\u0130\u0131\u017f\u212a"

_CATEGORIES = (
    {}
    if C is None
    else {
        C.CATEGORY_DIGIT: r"\d",
        C.CATEGORY_NOT_DIGIT: r"\D",
        C.CATEGORY_SPACE: r"\s",
        C.CATEGORY_NOT_SPACE: r"\S",
        C.CATEGORY_WORD: r"\w",
        C.CATEGORY_NOT_WORD: r"\W",
    }
)
_MAX_RANGE = 256  # a wider range in the first class: no shortcut


class _Unknown(Exception):
    """The first characters cannot be worked out (the caller keeps the plain search)."""


def _first_of_seq(items, chars: set[str], classes: set[str]) -> bool:
    """Add the first characters of a sequence of parsed items; True when it can match
    the empty string (then what follows it can start the match too)."""
    for op, av in items:
        if not _first_of_op(op, av, chars, classes):
            return False
    return True


def _first_of_op(op, av, chars: set[str], classes: set[str]) -> bool:
    if op is C.LITERAL:
        chars.add(chr(av))
        return False
    if op is C.IN:
        for o, a in av:
            if o is C.LITERAL:
                chars.add(chr(a))
            elif o is C.RANGE and a[1] - a[0] <= _MAX_RANGE:
                chars.update(map(chr, range(a[0], a[1] + 1)))
            elif o is C.CATEGORY and a in _CATEGORIES:
                classes.add(_CATEGORIES[a])
            else:
                raise _Unknown(o)
        return False
    if op is C.SUBPATTERN:
        return _first_of_seq(av[3].data, chars, classes)
    if op is C.ATOMIC_GROUP:
        return _first_of_seq(av.data, chars, classes)
    if op is C.BRANCH:
        empty = False
        for alt in av[1]:
            empty |= _first_of_seq(alt.data, chars, classes)
        return empty
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        lo, _hi, body = av
        return _first_of_seq(body.data, chars, classes) or lo == 0
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return True  # zero width: the next item gives the first character
    raise _Unknown(op)


def first_class(pattern: re.Pattern) -> str | None:
    """A character class (case-sensitive) holding every character a match of
    ``pattern`` can start with, letters in both cases; None when unknown or when the
    pattern can match the empty string."""
    if _parser is None or not isinstance(pattern.pattern, str) or pattern.flags & re.VERBOSE:
        return None
    chars: set[str] = set()
    classes: set[str] = set()
    try:
        if _first_of_seq(_parser.parse(pattern.pattern, pattern.flags).data, chars, classes):
            return None
    except _Unknown:
        return None
    if any(not c.isascii() and c.lower() != c.upper() for c in chars):
        return None  # a cased non-ASCII letter: its case partners are not worked out here
    every = {x for c in chars for x in (c, c.lower(), c.upper())}
    if any(c.isalpha() for c in every):
        every.update(ASCII_FOLDS)  # a superset is safe: the look-behind checks the rule
    return "[" + "".join(re.escape(c) for c in sorted(every)) + "".join(sorted(classes)) + "]"


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
        if self.scan is None:
            yield from self.pattern.finditer(text, pos, endpos)
            return
        end = len(text) if endpos is None else endpos
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


def _non_space(items) -> int | None:
    """The most non-space characters a sequence of parsed items can match (None: no
    bound, or not worked out)."""
    total = 0
    for op, av in items:
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            n = 0  # zero width
        elif op is C.LITERAL:
            n = 0 if chr(av).isspace() else 1
        elif op is C.IN:
            space = all(
                (o is C.CATEGORY and a is C.CATEGORY_SPACE) or (o is C.LITERAL and chr(a).isspace())
                for o, a in av
            )
            n = 0 if space else 1
        elif op in (C.NOT_LITERAL, C.ANY):
            n = 1
        elif op is C.SUBPATTERN:
            n = _non_space(av[3].data)
        elif op is C.ATOMIC_GROUP:
            n = _non_space(av.data)
        elif op is C.BRANCH:
            alts = [_non_space(alt.data) for alt in av[1]]
            n = None if None in alts else max(alts)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            _lo, hi, body = av
            each = _non_space(body.data)
            n = None if each is None else 0 if each == 0 else None if hi is C.MAXREPEAT else hi * each
        else:
            return None
        if n is None:
            return None
        total += n
    return total


def max_non_space(pattern: re.Pattern) -> int | None:
    """The most non-space (``\\S``) characters a match of ``pattern`` can hold, or None
    when unbounded or not worked out."""
    if _parser is None or not isinstance(pattern.pattern, str) or pattern.flags & re.VERBOSE:
        return None
    return _non_space(_parser.parse(pattern.pattern, pattern.flags).data)
