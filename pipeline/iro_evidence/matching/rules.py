"""One rule as the engine runs it, one text it runs over, and where rules can match.

A ``Rule`` is a regex with the words every match holds (its triggers) and where it is
tried: in windows ``[before, after]`` around those words, or only at its start words
(``matching.starts``). A ``View`` is a text with its lower-cased twin and its trigger
``Hits``; ``View.matches(rule)`` runs a rule there: folded over the lower-cased text
where it can (``casefold``), and the whole text when the hits say so (the reference).
``View.sentences``, ``sentences_holding`` and ``runs_before`` narrow the text further for
rules that stay inside a sentence, or that end at a unit word. All of it is speed only:
the tests compare with the whole text on every letter (test_triggers.py, the components').
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from spacy.tokens import Doc

from .casefold import Folded, can_fold
from .doc import doc_lower, doc_text, sentence_starts
from .starts import match_at, starts_near
from .triggers import Hits, find_words


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
        if hits.found is not None and rule.words and not any(w.lower() in hits.found for w in rule.words):
            return iter(())  # none of its words in the text: no match
        pat, where = self.pick(rule.regex)
        if rule.starts and hits.found is not None:
            return match_at(pat, where, starts_near(hits, self.low, *rule.starts, rule.words))
        near = hits.sized(*rule.window) if rule.window else hits
        return (m for lo, hi in near.windows(rule.words) for m in pat.finditer(where, lo, hi))

    def sentences(self, words: tuple, window: tuple | None, needed: tuple) -> list[tuple[int, int]]:
        """Where rules that never cross a sentence ("." + space, or a paragraph break)
        and hold one of ``words`` and one of ``needed`` can match: those sentences inside
        the windows (``[before, after]``, None: the hits' own) around ``words``, merged."""
        low, hits = self.low, self.hits
        if hits.found is None:
            at = sorted({i for found in find_words(low, words).values() for i in found})
        else:
            at = hits.positions(words)
        out: list[tuple[int, int]] = []
        for lo, hi in (hits.sized(*window) if window else hits).windows(words):
            for p in (p for p in at if lo <= p < hi):
                if out and p < out[-1][1]:
                    continue  # in the sentence already taken
                s = max(low.rfind(". ", lo, p) + 2, low.rfind("\n\n", lo, p) + 2, lo)
                ends = [e for e in (low.find(". ", p, hi), low.find("\n\n", p, hi)) if e >= 0]
                e = min(ends) + 1 if ends else hi
                if any(low.find(n, s, e) >= 0 for n in needed):
                    if out and s <= out[-1][1]:
                        out[-1] = (out[-1][0], max(e, out[-1][1]))
                    else:
                        out.append((s, e))
        return out


def sentences_holding(doc: Doc, words: tuple):
    """(start, text) of the Doc's sentences that hold one of ``words`` (lower-case), in
    order: making every sentence of a letter a Span and reading its text costs more than
    looking for the words."""
    text, low = doc_text(doc), doc_lower(doc)
    if len(low) != len(text):
        yield from ((sent.start_char, sent.text) for sent in doc.sents)
        return
    toks, chars = sentence_starts(doc)
    ks = {bisect.bisect_right(chars, i) - 1 for found in find_words(low, words).values() for i in found}
    toks = [*toks, len(doc)]
    for k in sorted(ks):
        last = doc[toks[k + 1] - 1]  # a sentence's text ends with its last token's
        yield chars[k], text[chars[k] : last.idx + len(last)]


# characters that match an ASCII letter under re.I but do not lower-case to it
ASCII_FOLDS = {"i": "\u0130\u0131", "s": "\u017f", "k": "\u212a"}


def runs_before(text: str, words: list[str], run: re.Pattern, after: int) -> list[tuple[int, int]]:
    """Where rules whose matches are a run of ``run``'s characters and then one of
    ``words`` (lower-case) can be: from the start of that run before each word to
    ``after`` characters past the word's start, merged (the whole text when there are no
    words or the lower-cased text would not line up)."""
    n, low = len(text), text.lower()
    folds = "".join(ASCII_FOLDS.get(c, "") for c in set("".join(words)))
    if not words or len(low) != n or any(c in text for c in folds):
        return [(0, n)]
    rev = text[::-1]  # the run before a word, read backwards from it
    out: list[list[int]] = []
    for u in sorted(i for found in find_words(low, words).values() for i in found):
        lo, hi = u - (run.match(rev, n - u).end() - (n - u)), min(n, u + after)
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]
