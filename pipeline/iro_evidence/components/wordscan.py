"""The trigger words of several components, found in one pass over a Doc.

``Triggers.scan`` runs ``str.find`` over the whole letter once per trigger word; the six
components that use this module (studies, findings, exam, concepts, outcome, decision)
have about 220 words between them, and those passes cost more than most of their rules.
One regex that matches any registered word (a trie: the engine follows the letters of
the text instead of trying every word) finds them all in a third of the time; the
positions are kept per Doc, in a weak map (never in the Doc, which stays as it was), for
the components that run after. ``scan(doc, triggers)`` gives exactly the Hits
``triggers.scan`` gives: ``tests/test_wordscan.py`` checks it on every letter.
"""

from __future__ import annotations

import re
import weakref

from spacy.tokens import Doc

from .base import Hits, Triggers, doc_lower, doc_text

_WORDS: set[str] = set()  # every registered trigger word
_COMPILED: dict = {}  # "regex": the trie of _WORDS, "prefixes": word -> shorter words it starts with
_FOUND: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Doc -> {word: positions}
_REGISTERED: weakref.WeakSet = weakref.WeakSet()  # the Triggers whose words are in _WORDS


def register(triggers: Triggers) -> None:
    """Add a component's trigger words to the shared pass (``compile`` calls it; ``scan``
    too, for a component that was unpickled in another process without compiling)."""
    if not set(triggers.words) <= _WORDS:
        _WORDS.update(triggers.words)
        _COMPILED.clear()
    _REGISTERED.add(triggers)


def _trie(words: list[str]) -> str:
    """A regex matching any of ``words``, shaped as a trie; at a position it matches the
    longest word that starts there."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        if "" in node:  # a word ends here: the longer ones optional (greedy: tried first)
            return "(?:" + "|".join(alts) + ")?"
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(root)


def _all_positions(low: str) -> dict[str, list[int]]:
    """Every position of every registered word in ``low`` (overlaps included)."""
    if not _COMPILED:
        words = sorted(_WORDS)
        _COMPILED["regex"] = re.compile(_trie(words))
        _COMPILED["prefixes"] = {w: [p for p in words if p != w and w.startswith(p)] for w in words}
    regex, prefixes = _COMPILED["regex"], _COMPILED["prefixes"]
    found: dict[str, list[int]] = {}
    m = regex.search(low)
    while m:
        i = m.start()
        found.setdefault(m.group(), []).append(i)
        for p in prefixes[m.group()]:  # shorter words that start at the same place
            found.setdefault(p, []).append(i)
        m = regex.search(low, i + 1)
    return found


def scan(doc: Doc, triggers: Triggers) -> Hits:
    """``triggers.scan(doc.text, doc_lower(doc))``, read from the shared pass."""
    text, low = doc_text(doc), doc_lower(doc)
    if not triggers.words or len(low) != len(text):
        return triggers.scan(text, low)
    if triggers not in _REGISTERED:
        register(triggers)
    entry = _FOUND.get(doc)
    if entry is None or entry[0] is not low or entry[1] is not _COMPILED.get("regex"):
        positions = _all_positions(low)
        entry = _FOUND[doc] = (low, _COMPILED["regex"], positions)
    positions = entry[2]
    found = {w: positions[w] for w in triggers.words if w in positions}  # in the words' order
    return Hits(text, found, triggers.before, triggers.after)
