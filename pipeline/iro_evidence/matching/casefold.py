"""Case-insensitive regexes run as case-sensitive ones over the lower-cased text.

Python's ``re`` skips ahead to the possible first characters of a pattern only when the
pattern is case-sensitive; with ``re.I`` it tries the pattern at every position, which
is what made the components' alternations of terms slow. A pattern whose letters are
all lower case, compiled without ``re.I`` and run over ``text.lower()``, finds exactly
the same matches (same offsets) as the ``re.I`` pattern over ``text``, provided that
lower-casing keeps the length and the text has neither of the two characters that
``re.I`` folds onto an ASCII letter although ``lower()`` keeps them (dotless i, long s):
``tests/test_casefold.py`` checks this over every Unicode character. Matched groups
then come from the lower-cased text, so only offsets and lower-case lookups may be
read from them.
"""

from __future__ import annotations

import re

# characters that re.I matches to an ASCII letter while lower() leaves them as they are
FOLD_ONLY = ("\u0131", "\u017f")


def can_fold(text: str, low: str) -> bool:
    """Whether a folded pattern over ``low`` finds what the ``re.I`` one finds in ``text``."""
    return len(low) == len(text) and not any(c in low for c in FOLD_ONLY)


INLINE_IGNORECASE = re.compile(r"\(\?[a-zA-Z-]*[-i][a-zA-Z-]*[:)]")  # (?i), (?-i:...)
CODE_POINT = {"x": 2, "u": 4, "U": 8}  # escapes \xhh, \uhhhh, \Uhhhhhhhh


def fold_pattern(pattern: str) -> str | None:
    """``pattern`` with every literal letter lower-cased (escapes such as ``\\S`` and
    group names kept), for use without ``re.I`` over lower-cased text; None when the
    pattern has constructs this cannot fold safely (inline flags, escapes of letters by
    code point or name, octal escapes)."""
    if INLINE_IGNORECASE.search(pattern):
        return None
    out, i, n = [], 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n and pattern[i + 1] in CODE_POINT:
            j = i + 2 + CODE_POINT[pattern[i + 1]]
            c = chr(int(pattern[i + 2 : j], 16))
            if c.lower() != c or c.upper() != c:
                return None  # a letter written by code point: leave the pattern as it is
            out.append(pattern[i:j])  # a symbol (a checkbox): the same either way
            i = j
            continue
        if ch == "\\" and i + 1 < n and (pattern[i + 1] == "N" or pattern[i + 1] in "01234567"):
            return None
        if ch == "\\" and i + 1 < n:  # an escape: keep it as written
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if pattern.startswith("(?P<", i) or pattern.startswith("(?P=", i):
            j = pattern.index(">" if pattern[i + 3] == "<" else ")", i)
            out.append(pattern[i : j + 1])  # a group name
            i = j + 1
            continue
        out.append(ch.lower())
        i += 1
    return "".join(out)


class Folded:
    """A case-insensitive regex with its folded twin: ``pick(ok)`` is the one to run
    (the twin over the lower-cased text when ``ok``, see ``can_fold``)."""

    def __init__(self, pattern: re.Pattern, folded: re.Pattern | None = None):
        self.pattern = pattern
        if folded is None and pattern.flags & re.I and not pattern.flags & re.A:
            src = fold_pattern(pattern.pattern)
            try:
                folded = re.compile(src, pattern.flags & ~re.I) if src is not None else None
            except re.error:  # an inline flag that does not lower-case (?L)
                folded = None
        self.folded = folded

    def pick(self, text: str, low: str, ok: bool) -> tuple[re.Pattern, str]:
        """(regex, string to search): the folded regex over ``low`` when possible."""
        if ok and self.folded is not None:
            return self.folded, low
        return self.pattern, text
