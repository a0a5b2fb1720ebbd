"""Phrase lists as regexes, and token patterns the Matcher runs fast.

``compile_alternation`` makes one regex of a list of phrases (longest first, any
whitespace between words); ``phrase_triggers`` picks the trigger words of such a list;
``expand_leading_in`` splits a token pattern whose first token is a set of words into one
pattern per word (spaCy's Matcher compares a plain first token in C).
"""

from __future__ import annotations

import re


def phrase_key(text: str) -> str:
    """The lookup key of a phrase matched by ``compile_alternation``: lower case, single spaces."""
    return re.sub(r"\s+", " ", text.lower())


def compile_alternation(words: list[str], flags=re.I) -> re.Pattern:
    """One regex for a list of phrases; spaces in a phrase match any run of whitespace
    (so a phrase broken by a PDF line wrap still matches) and longest phrases win.

    Phrases are grouped under their first character, so at each word start the regex
    tries one letter per group instead of every phrase (Python's re tries alternatives
    one by one): the same matches as the plain alternation, which
    ``tests/test_trigger_gates.py`` compares it with, about 4x faster. Groups cannot
    match at the same place, and each keeps the longest-first order."""
    parts = sorted({w for w in words}, key=len, reverse=True)
    if not parts or not all(p[0].isascii() for p in parts):
        return _flat(parts, flags)
    if not flags & re.I and all(not p[0].isspace() for p in parts):
        return _letter_first(parts)
    groups: dict[str, list[str]] = {}
    for p in parts:
        body = r"\s+".join(re.escape(t) for t in p.split())
        first = re.escape(p[0])
        groups.setdefault(p[0].lower() if flags & re.I else p[0], []).append(body[len(first) :])
    alts = "|".join(f"{re.escape(k)}(?:{'|'.join(rests)})" for k, rests in groups.items())
    return re.compile(rf"(?<![\w-])(?:{alts})(?![\w])", flags)


def _letter_first(parts: list[str]) -> re.Pattern:
    """The case-sensitive form: the look-behind moves behind each group's first letter, so
    the pattern starts with plain letters and the regex engine skips to them instead of
    trying every place (the same matches, about 4x faster)."""
    groups: dict[str, list[str]] = {}
    for p in parts:
        body = r"\s+".join(re.escape(t) for t in p.split())
        groups.setdefault(p[0], []).append(body[len(re.escape(p[0])) :])
    alts = "|".join(
        f"{re.escape(k)}(?<![\\w-]{re.escape(k)})(?:{'|'.join(rests)})" for k, rests in groups.items()
    )
    return re.compile(rf"(?:{alts})(?![\w])")


def phrase_triggers(phrases: list[str], min_len: int = 4) -> list[str]:
    """Trigger words for ``compile_alternation(phrases)``: lower-case stems such that every
    phrase, so every match (the phrase's words in any case), contains one. A stem is the
    start of a phrase's longest word (the word that says what it is: "bulge" in "disc
    bulge"), picked greedily, the one shared by the most phrases first, so that a few
    stems ("steno", "herniat") stand for many phrases."""
    todo = {}
    for p in phrases:
        ws = p.lower().split()
        if ws:
            longest = max(map(len, ws))
            todo[p.lower()] = [w for w in ws if len(w) == longest]
    words: list[str] = []
    while todo:
        count: dict[str, int] = {}
        for ws in todo.values():
            for stem in {w[:j] for w in ws for j in range(min(min_len, len(w)), len(w) + 1)}:
                count[stem] = count.get(stem, 0) + 1
        best = max(count, key=lambda s: (count[s], len(s), s))
        words.append(best)
        todo = {p: ws for p, ws in todo.items() if best not in p}
    return sorted(w for w in words if not any(o != w and o in w for o in words))


def expand_leading_in(pattern: list[dict]) -> list[list[dict]]:
    """Equivalent token patterns whose first token needs no Python predicate.

    spaCy's Matcher starts every pattern at every token; a first token ``{"LOWER": {"IN":
    [...]}}`` calls a Python predicate there, a plain ``{"LOWER": "word"}`` is a C compare.
    One pattern per word (and one without an optional first token) matches the same spans
    about 3x faster.
    """
    if not pattern:
        return [pattern]
    first = pattern[0]
    keys = set(first) - {"OP"}
    op = first.get("OP")
    if keys != {"LOWER"} or not isinstance(first["LOWER"], dict) or set(first["LOWER"]) != {"IN"}:
        return [pattern]
    if op not in (None, "?"):
        return [pattern]
    out = [[{"LOWER": w}, *pattern[1:]] for w in dict.fromkeys(first["LOWER"]["IN"])]
    if op == "?" and len(pattern) > 1:
        out.extend(expand_leading_in(pattern[1:]))
    return out


def _flat(parts: list[str], flags) -> re.Pattern:
    """Phrases with a non-ASCII first character: one flat alternation, longest first."""
    if not parts:
        return re.compile("(?!)")  # no phrases: match nothing (not the empty string)
    body = "|".join(r"\s+".join(re.escape(t) for t in p.split()) for p in parts)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", flags)
