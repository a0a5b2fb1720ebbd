"""One rule as the engine runs it, and one text it runs over.

A ``Rule`` is a regex with the words every match holds (its triggers) and where it is
tried: in windows ``[before, after]`` around those words, or only at its start words
(``matching.starts``). A ``View`` is a text with its lower-cased twin and its trigger
``Hits``; ``View.matches(rule)`` runs a rule there: folded over the lower-cased text
where it can (``casefold``), and the whole text when the hits say so (the reference).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .casefold import Folded, can_fold
from .starts import match_at, starts_near
from .triggers import Hits


class Rule(NamedTuple):
    """A regex (``Folded``; a plain one when its groups are read as written) with the words
    every match holds, tried in windows ``[before, after]`` around them (None: the hits'
    own), or at its ``starts`` words only (``(words, within)``, see ``starts_near``);
    ``tag``: what a match says, for the component."""

    regex: Folded | re.Pattern
    words: tuple = ()
    window: tuple | None = None
    starts: tuple | None = None
    tag: object = None

    @classmethod
    def of(cls, regex: Folded | re.Pattern, words, where=None, tag=None) -> Rule:
        """A rule whose place is written as in a rules file: ``[before, after]`` or
        ``{"starts": [...], "within": n}``."""
        if isinstance(where, dict):
            return cls(regex, tuple(words), None, (tuple(where["starts"]), where.get("within")), tag)
        return cls(regex, tuple(words), tuple(where) if where else None, None, tag)


class View:
    """A text, its lower-cased twin and the trigger hits rules run near."""

    def __init__(self, text: str, low: str, hits: Hits):
        self.text, self.low, self.hits = text, low, hits
        self.ok = can_fold(text, low)

    def pick(self, regex: Folded | re.Pattern) -> tuple[re.Pattern, str]:
        """(regex, string to search): a folded rule over ``low`` where it can."""
        return regex.pick(self.text, self.low, self.ok) if isinstance(regex, Folded) else (regex, self.text)

    def matches(self, rule: Rule, hits: Hits | None = None):
        """The rule's matches near its words (``hits``: other than the view's), in order;
        offsets are ``text``'s, a folded rule's groups are read from ``low``."""
        hits = self.hits if hits is None else hits
        pat, where = self.pick(rule.regex)
        if rule.starts and hits.found is not None:
            return match_at(pat, where, starts_near(hits, self.low, *rule.starts, rule.words))
        near = hits.sized(*rule.window) if rule.window else hits
        return (m for lo, hi in near.windows(rule.words) for m in pat.finditer(where, lo, hi))
