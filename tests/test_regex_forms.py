"""Regexes rewritten for speed match what their plain form matches, on every letter we
have (the letters of tests/test_triggers.py) and on random strings of the characters
that matter."""

from __future__ import annotations

import json
import random
import re
from importlib import resources

from test_triggers import LETTERS


def _rules(name: str) -> dict:
    return json.loads(resources.files("iro_evidence.patterns").joinpath(name).read_text("utf-8"))


def _same(fast: re.Pattern, ref: re.Pattern, texts: list[str]) -> None:
    for text in texts:
        got = [(m.span(), m.groupdict()) for m in fast.finditer(text)]
        want = [(m.span(), m.groupdict()) for m in ref.finditer(text)]
        assert got == want, text[:80]


def _fuzz(alphabet: str, n: int = 200, size: int = 2000) -> list[str]:
    rnd = random.Random(7)
    return ["".join(rnd.choice(alphabet) for _ in range(size)) for _ in range(n)]


def test_level_regex_letter_first_is_the_lookbehind_first_form():
    fast = _rules("levels.json")["level"]
    head = r"(?P<a>(?-i:[CTLSctls\u017f]))(?<![A-Za-z0-9/.\-].)"
    assert fast.startswith(head)
    ref = r"(?<![A-Za-z0-9/.\-])(?P<a>[CTLS])" + fast[len(head) :]
    # the class spelled out is exactly what [CTLS] matches under re.I
    ci = re.compile("[CTLS]", re.I)
    assert {c for c in map(chr, range(0x110000)) if ci.fullmatch(c)} == set("CTLSctls\u017f")
    texts = [t for _, t in LETTERS] + _fuzz("CTLSctls\u017f 0123456789-/.\u2013aZ\n")
    _same(re.compile(fast, re.I), re.compile(ref, re.I), texts)


def test_size_windows_find_what_the_whole_text_finds(nlp):
    comp = nlp.get_pipe("iro_measurements")
    assert comp.unit_words
    pieces = [
        "3",
        "4.5",
        ".7",
        " ",
        "  ",
        "x",
        " by ",
        " to ",
        "-",
        "\u2013",
        "\u00d7",
        "mm",
        "cm",
        "MM",
        "Cm",
    ]
    pieces += ["millimeters", "centimetre", "Hg", "a", "\n", ".", "mmm", "\u0131", "s"]
    rnd = random.Random(11)
    fuzz = ["".join(rnd.choice(pieces) for _ in range(400)) for _ in range(300)]
    covered = total = 0
    for text in [t for _, t in LETTERS] + fuzz:
        windows = comp.windows(text)
        whole = [(m.span(), m.groupdict()) for m in comp.size_re.finditer(text)]
        windowed = [m for lo, hi in windows for m in comp.size_re.finditer(text, lo, hi)]
        assert [(m.span(), m.groupdict()) for m in windowed] == whole, text[:80]
        covered += sum(hi - lo for lo, hi in windows)
        total += len(text)
    assert covered < 0.6 * total
    # a dotless i matches "i" under re.I but does not lower-case to it: the whole text
    text = "4 m\u0131llimeters"
    assert comp.windows(text) == [(0, len(text))]
    assert [m.group() for m in comp.size_re.finditer(text)] == ["4 m\u0131llimeters"]


def test_case_sensitive_phrases_match_the_flat_alternation(nlp):
    """``compile_alternation(words, flags=0)`` starts with plain letters (the look-behind
    behind each first letter): the same matches as the flat alternation."""
    from iro_evidence.matching import compile_alternation
    from test_trigger_gates import _plain_alternation

    types = _rules("studies.json")["types"]
    upper = [t for ts in types.values() for t in ts if t.replace("/", "").replace("-", "").isupper()]
    lists = [upper, ["MRI", "MR", "CT scan", "X-RAY", "(paren)", "a-b", "EMG NCV"], ["\u00dcber", "MRI"]]
    rnd = random.Random(3)
    fuzz = [
        "".join(
            rnd.choice(["MRI", "MR", "CT", "EMG", "-", " ", "x", "\n", "NCV", "/", "é"]) for _ in range(300)
        )
    ]
    for words in lists:
        fast, ref = compile_alternation(words, flags=0), _plain_alternation(words, flags=0)
        _same(fast, ref, [t for _, t in LETTERS] + fuzz)
    assert nlp.get_pipe("iro_studies").upper_re.pattern == compile_alternation(upper, flags=0).pattern
