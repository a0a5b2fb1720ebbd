"""Where rules can match: trigger words, found once per Doc for every component.

Most of a letter holds nothing a given rule looks for; running every regex over all of it
is what made extraction slow. Every match of a rule contains one of its trigger words
(lower-case strings: given in the rules file, or derived from the pattern by
``regex.required_words``), so the rule runs only on ``[hit - before, hit + after]`` around
each hit, overlapping windows merged. ``tests/test_triggers.py`` checks on every letter
that windowed and whole-text results are identical.

The index: the trigger words of every component built in this process form one set; the
first component to ask about a Doc finds all of them in one pass (an Aho-Corasick
automaton, pyahocorasick: every occurrence of every word, overlaps included, in one C
loop) and the positions stay with the Doc for the components after it. A component reads only its own
words, so what other components registered never changes its results. The pass reads
the lower-cased text with every whitespace character as a space (same offsets), so a
trigger "dr " also finds "Dr.\\nSmith".
"""

from __future__ import annotations

import re
import weakref

import ahocorasick
from spacy.tokens import Doc

from .doc import doc_lower, doc_text
from .regex import required_words

# characters re.IGNORECASE matches to i, s or k although lower() keeps them: a text with
# one is read whole (no windows), as the lower-cased text would miss those matches
CASE_FOLDS = re.compile("[\u0130\u0131\u017f\u212a]")
SPACES = re.compile(r"[^\S ]")  # every whitespace character but the space


def blank_spaces(text: str) -> str:
    """``text`` with every character that regex ``\\s`` matches replaced by a space."""
    return SPACES.sub(" ", text)


class Hits:
    """Trigger positions in one text; ``windows(words)`` for a rule with these triggers."""

    def __init__(self, text: str, found: dict[str, list[int]] | None, before: int, after: int):
        self.text = text
        self.found = found  # None: no shortcut, the whole text everywhere
        self.before, self.after = before, after
        self._cache: dict = {}

    def windows(self, words: list[str] | tuple | None = None) -> list[tuple[int, int]]:
        """The merged windows around the hits of ``words`` (None: every word), cached."""
        n = len(self.text)
        if self.found is None:
            return [(0, n)] if n else []
        key = tuple(words) if words else None
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = self._merge(self.positions(words) if words else self._every())
        return got

    def _every(self) -> list[int]:
        lists = [pos for pos in self.found.values() if pos]
        return lists[0] if len(lists) == 1 else sorted(i for pos in lists for i in pos)

    def _merge(self, hits: list[int]) -> list[tuple[int, int]]:
        """One pass: with hits in order, a window only grows to the right."""
        out: list[tuple[int, int]] = []
        if not hits:
            return out
        n, before, after = len(self.text), self.before, self.after
        lo, hi = hits[0] - before, hits[0] + after
        for h in hits:
            if h - before > hi:
                out.append((max(lo, 0), min(hi, n)))
                lo = h - before
            hi = h + after
        out.append((max(lo, 0), min(hi, n)))
        return out

    def positions(self, words: list[str] | tuple) -> list[int]:
        """Where any of ``words`` occurs, in order, each position once (cached)."""
        key = ("positions", *words)
        got = self._cache.get(key)
        if got is None:
            found = self.found or {}
            got = self._cache[key] = sorted({i for w in words for i in found.get(w.lower(), ())})
        return got

    def sized(self, before: int, after: int) -> Hits:
        """The same trigger positions with other window sizes (for a rule whose matches
        reach less far, or further, than the component's); kept for the next call."""
        if self.found is None or (before, after) == (self.before, self.after):
            return self
        cache = self._cache.setdefault(("sized",), {})
        got = cache.get((before, after))
        if got is None:
            got = cache[(before, after)] = Hits(self.text, self.found, before, after)
        return got

    def any(self, words: list[str] | tuple | None = None) -> bool:
        return bool(self.windows(words))

    def finditer(self, pattern: re.Pattern, words: list[str] | tuple | None = None):
        """``pattern.finditer`` over each window in turn (offsets are the text's)."""
        for lo, hi in self.windows(words):
            yield from pattern.finditer(self.text, lo, hi)


def intersect(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Where two sorted lists of disjoint windows overlap."""
    out, i, j, na, nb = [], 0, 0, len(a), len(b)
    while i < na and j < nb:
        (alo, ahi), (blo, bhi) = a[i], b[j]
        lo = alo if alo > blo else blo
        hi = ahi if ahi < bhi else bhi
        if lo < hi:
            out.append((lo, hi))
        if ahi < bhi:
            i += 1
        else:
            j += 1
    return out


def rule_words(given, pattern) -> tuple[str, ...]:
    """A rule's trigger words: those its rule file gives, else the words every match of its
    pattern holds (``regex.required_words``); empty when neither is known (the rule then
    runs wherever its component's words are)."""
    return tuple(given or required_words(pattern, min_len=3) or ())


class Triggers:
    """A component's trigger words and window sizes (``{"words", "before", "after"}`` in
    its rules file, plus its rules' own word lists); ``hits(doc)`` reads the shared index.
    No words: the whole text."""

    def __init__(self, spec: dict | None = None, extra: list[list[str]] | tuple = ()):
        spec = spec or {}
        words = {w.lower() for w in spec.get("words", [])}
        for ws in extra:
            words |= {w.lower() for w in ws}
        self.words = sorted(words)
        self.before = int(spec.get("before", 200))
        self.after = int(spec.get("after", 300))
        self.plain = self.literal()
        register(self.plain)

    def literal(self) -> list[str]:
        """The words the shared index finds for this component (a subclass may name some
        of its triggers otherwise: a pattern's name is no word of the text)."""
        return self.words

    def hits(self, doc: Doc) -> Hits:
        """Where this component's words occur in the Doc, from the shared index."""
        text = doc_text(doc)
        if not self.words:
            return self.whole(text)
        found = index(doc, getattr(self, "plain", self.words))  # (built before "plain" existed)
        if found is None:
            return self.whole(text)
        return Hits(text, {w: found[w] for w in self.words if w in found}, self.before, self.after)

    def scan(self, text: str, lower: str | None = None) -> Hits:
        """The same for a plain string (one ``str.find`` pass per word)."""
        low = text.lower() if lower is None else lower
        if not self.words or len(low) != len(text) or CASE_FOLDS.search(low):
            return self.whole(text)
        return Hits(text, find_words(blank_spaces(low), self.words), self.before, self.after)

    def whole(self, text: str) -> Hits:
        """No shortcut: every window is the whole text (the reference for tests)."""
        return Hits(text, None, self.before, self.after)

    def windows(self, text: str, lower: str | None = None) -> list[tuple[int, int]]:
        return self.scan(text, lower).windows()


def find_words(low: str, words) -> dict[str, list[int]]:
    """Every position of each of ``words`` in ``low`` (one ``str.find`` loop per word)."""
    found: dict[str, list[int]] = {}
    for w in words:
        i = low.find(w)
        while i >= 0:
            found.setdefault(w, []).append(i)
            i = low.find(w, i + 1)
    return found


class PatternTriggers(Triggers):
    """Trigger words plus ``patterns``: named regexes run once over the lower-cased text
    (for ``iro_dates``: a year is two or more digits, and one pass of ``\\d\\d`` finds
    them all, where ten ``str.find`` of digits would not be cheaper), or ``{"from": words,
    "match": regex}``: the hits of those words where the regex matches, a few checks
    instead of another pass (a month name that is a word, not the "dec" of "decision")."""

    def __init__(self, spec: dict | None = None, extra: list[list[str]] | tuple = ()):
        self.patterns: dict[str, re.Pattern] = {}
        self.derived: dict[str, tuple[tuple[str, ...], re.Pattern]] = {}
        for name, p in ((spec or {}).get("patterns") or {}).items():
            if isinstance(p, dict):
                self.derived[name] = (tuple(w.lower() for w in p["from"]), re.compile(p["match"]))
            else:
                self.patterns[name] = re.compile(p)
        if (spec or {}).get("words") or any(extra):  # derived triggers' words are scanned too
            extra = [*extra, [w for ws, _ in self.derived.values() for w in ws]]
        super().__init__(spec, extra)

    def literal(self) -> list[str]:
        """The words the shared index finds: not the names of patterns and derived triggers."""
        return [w for w in self.words if w not in self.patterns and w not in self.derived]

    def hits(self, doc: Doc) -> Hits:
        """Where each trigger occurs in the Doc: its words from the shared index, then
        the patterns and the derived triggers."""
        text = doc_text(doc)
        every = index(doc, self.plain) if self.words else None
        if every is None:
            return self.whole(text)
        return self._finish(text, doc_lower(doc), {w: every[w] for w in self.plain if w in every})

    def scan(self, text: str, lower: str | None = None) -> Hits:
        """The same for a plain string."""
        low = text.lower() if lower is None else lower
        if not self.words or len(low) != len(text):
            return self.whole(text)
        return self._finish(text, low, find_words(blank_spaces(low), self.plain))

    def _finish(self, text: str, low: str, found: dict[str, list[int]]) -> Hits:
        for name, pat in self.patterns.items():
            pos = [m.start() for m in pat.finditer(low)]
            if pos:
                found[name] = pos
        self._derived_hits(low, found)
        return Hits(text, found, self.before, self.after)

    def _derived_hits(self, low: str, found: dict[str, list[int]]) -> None:
        """A derived trigger: the hits of its words where its regex matches."""
        for name, (ws, pat) in self.derived.items():
            match = pat.match
            if len(ws) == 1:
                pos = [i for i in found.get(ws[0], ()) if match(low, i)]
            else:
                pos = sorted(i for w in ws for i in found.get(w, ()) if match(low, i))
            if pos:
                found[name] = pos


def gate_words(rest: list) -> tuple[str, ...]:
    """The words of a [name, regex, words] rule (none: the regex is always tried)."""
    return tuple(w.lower() for w in rest[0]) if rest and rest[0] else ()


def gate_open(words: tuple, low: str) -> bool:
    """Whether a rule can match in ``low``: it has no gate words, or one of them occurs
    (every match of the rule contains one)."""
    return not words or any(w in low for w in words)


# -- the shared index ---------------------------------------------------------------------

_WORDS: set[str] = set()  # every registered trigger word
_COMPILED: dict = {}  # "automaton": the Aho-Corasick automaton of _WORDS
_FOUND: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Doc -> (automaton, {word: positions})


def register(words) -> None:
    """Add trigger words to the shared pass (a component does when it compiles its rules,
    and again on its first Doc in a process it was unpickled in)."""
    if not _WORDS.issuperset(words):
        _WORDS.update(words)
        _COMPILED.clear()


def index(doc: Doc, words: list[str]) -> dict[str, list[int]] | None:
    """{word: positions} of every registered word in the Doc (None: read the text whole)."""
    register(words)
    automaton = _compiled()
    entry = _FOUND.get(doc)
    if entry is None or entry[0] is not automaton:
        text, low = doc_text(doc), doc_lower(doc)
        whole = len(low) != len(text) or CASE_FOLDS.search(low)
        entry = _FOUND[doc] = (automaton, None if whole else all_positions(blank_spaces(low), automaton))
    return entry[1]


def _compiled() -> ahocorasick.Automaton:
    """The automaton of every registered word; each word's value: (word, length - 1)."""
    if not _COMPILED:
        automaton = ahocorasick.Automaton()
        for w in _WORDS:
            automaton.add_word(w, (w, len(w) - 1))
        automaton.make_automaton()
        _COMPILED["automaton"] = automaton
    return _COMPILED["automaton"]


def all_positions(low: str, automaton: ahocorasick.Automaton) -> dict[str, list[int]]:
    """Every position of every word of ``automaton`` in ``low`` (overlaps included), each
    word's in increasing order."""
    found: dict[str, list[int]] = {}
    for end, (word, last) in automaton.iter(low):
        found.setdefault(word, []).append(end - last)
    return found
