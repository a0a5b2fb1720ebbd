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


_ESCAPED_NAMES = re.compile(r"\\[xuUN0-7]|\(\?[a-zA-Z-]*[-i][a-zA-Z-]*[:)]")


def fold_pattern(pattern: str) -> str | None:
    """``pattern`` with every literal letter lower-cased (escapes such as ``\\S`` and
    group names kept), for use without ``re.I`` over lower-cased text; None when the
    pattern has constructs this cannot fold safely (inline flags, code-point escapes)."""
    if _ESCAPED_NAMES.search(pattern):
        return None
    out, i, n = [], 0, len(pattern)
    while i < n:
        ch = pattern[i]
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
        if folded is None and pattern.flags & re.I:
            src = fold_pattern(pattern.pattern)
            if src is not None:
                folded = re.compile(src, pattern.flags & ~re.I)
        self.folded = folded

    def pick(self, text: str, low: str, ok: bool) -> tuple[re.Pattern, str]:
        """(regex, string to search): the folded regex over ``low`` when possible."""
        if ok and self.folded is not None:
            return self.folded, low
        return self.pattern, text
