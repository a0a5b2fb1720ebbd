"""Folded regexes (casefold.py) are a speed-up only: a case-insensitive pattern run
without ``re.I`` over the lower-cased text finds the same matches at the same offsets."""

from __future__ import annotations

import re
import string
import sys

from conftest import every_letter
from iro_evidence.matching.casefold import FOLD_ONLY, Folded, can_fold, fold_pattern

COMPONENTS = ("iro_studies", "iro_findings", "iro_concepts", "iro_outcome", "iro_decision")


def test_lower_case_agrees_with_ignorecase_on_every_character():
    """re.I and lower() agree on every character that lower-cases to one character,
    except the two in FOLD_ONLY (which ``can_fold`` refuses)."""
    az = re.compile("[a-z]", re.I)
    classes = [re.compile(p) for p in (r"\w", r"\s", r"\d")]
    letters = {a: re.compile(a, re.I) for a in string.ascii_lowercase}
    bad = []
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        low = c.lower()
        if len(low) != 1:
            continue  # can_fold refuses texts whose length changes
        same = bool(az.fullmatch(c)) == (low in string.ascii_lowercase)
        if az.fullmatch(c) or low in string.ascii_lowercase:
            same &= all(bool(p.fullmatch(c)) == (low == a) for a, p in letters.items())
        same &= all(bool(p.fullmatch(c)) == bool(p.fullmatch(low)) for p in classes)
        if not same:
            bad.append(c)
    assert sorted(bad) == sorted(FOLD_ONLY)


def test_fold_pattern_keeps_escapes_and_names():
    assert fold_pattern(r"(?P<Svc>\S+)\s+UPHELD\b[A-Z]") == r"(?P<Svc>\S+)\s+upheld\b[a-z]"
    assert fold_pattern(r"(?P=Svc)X") == r"(?P=Svc)x"
    assert fold_pattern(r"(?-i:Partially)") is None
    assert fold_pattern(r"\x41") is None  # a letter by code point
    assert fold_pattern(r"\u2612\s*Upheld") == r"\u2612\s*upheld"  # a checkbox
    assert Folded(re.compile(r"(?a)\bODG", re.I)).folded is None
    assert Folded(re.compile("MRI")).folded is None  # case-sensitive: nothing to fold
    text = "The MRI"
    assert can_fold(text, text.lower()) and not can_fold("\u0131", "\u0131")


def _folded(obj) -> list[Folded]:
    """The Folded rules of a component (attributes, lists, dicts, tuples)."""
    out = []
    for v in vars(obj).values():
        for x in v if isinstance(v, (list, tuple)) else v.values() if isinstance(v, dict) else [v]:
            for y in x if isinstance(x, tuple) else [x]:
                if isinstance(y, Folded):
                    out.append(y)
    return out


def _pairs(nlp) -> list[tuple[str, re.Pattern, re.Pattern]]:
    """(where, re.I pattern, folded twin) of every rule the components fold."""
    from iro_evidence.components.decision import ANCHOR_RULES

    pairs = [(name, f.pattern, f.folded) for name in COMPONENTS for f in _folded(nlp.get_pipe(name))]
    pairs += [("decision anchors", f.pattern, f.folded) for f in ANCHOR_RULES]
    assert nlp.get_pipe("iro_studies").region_fold.folded is not None  # the region words
    return [p for p in pairs if p[2] is not None]


def test_folded_patterns_find_what_ignorecase_finds(nlp):
    letters = [(name, text, text.lower()) for name, text in every_letter()]
    pairs = _pairs(nlp)
    for where, pattern, folded in pairs:
        for letter, text, low in letters:
            if not can_fold(text, low):
                continue
            want = [m.span() for m in pattern.finditer(text)]
            got = [m.span() for m in folded.finditer(low)]
            assert got == want, (where, pattern.pattern[:60], letter)
    assert len(pairs) >= 40
