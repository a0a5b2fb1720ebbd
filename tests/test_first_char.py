"""FirstCharRegex (search that skips to a rule's possible first characters) finds what
the rule's own ``finditer``/``search`` find: for every regex of iro_exam and iro_dates
that it wraps, on every letter we have (the letters of tests/test_triggers.py), inside
windows (pos/endpos) and on random strings of the characters that matter."""

from __future__ import annotations

import random
import re

import pytest
from iro_evidence.matching.regex import ASCII_FOLDS, first_class
from iro_evidence.matching.search import FirstCharRegex
from test_triggers import LETTERS


def _same(fast: FirstCharRegex, texts: list[str]) -> None:
    ref = fast.pattern
    for text in texts:
        got = [(m.span(), m.groupdict()) for m in fast.finditer(text)]
        want = [(m.span(), m.groupdict()) for m in ref.finditer(text)]
        assert got == want, (ref.pattern[:60], text[:80])
        # windows: offsets and the edges the rule sees (look-arounds, \b) are the text's
        n = len(text)
        for lo, hi in ((n // 3, n // 3 + 300), (n // 2, n), (0, n // 4)):
            got = [m.span() for m in fast.finditer(text, lo, hi)]
            assert got == [m.span() for m in ref.finditer(text, lo, hi)], ref.pattern[:60]
            g, w = fast.search(text, lo, hi), ref.search(text, lo, hi)
            assert (g and g.span()) == (w and w.span())


def _fuzz(alphabet: str, n: int = 60, size: int = 1500) -> list[str]:
    rnd = random.Random(11)
    return ["".join(rnd.choice(alphabet) for _ in range(size)) for _ in range(n)]


FUZZ = _fuzz("aeinorst ADKSks\u212a\u017f\u0130\u0131 0123456789/-.,;:+\n()[]'") + _fuzz(
    "reflex sensation strength normal absent no 2+ 4/5 ,.;\n", size=3000
)


def _exam_regexes(nlp) -> list[FirstCharRegex]:
    comp = nlp.get_pipe("iro_exam")
    return [rx for _s, _st, rx, *_ in comp.exam_rules] + [comp.clause_break]


def test_exam_regexes_skip_to_first_characters_and_find_the_same(nlp):
    regexes = _exam_regexes(nlp)
    # the shortcut is taken for (nearly) every rule, else this test checks little
    assert sum(rx.scan is not None for rx in regexes) >= len(regexes) - 2
    texts = [t for _, t in LETTERS]
    for rx in regexes:
        _same(rx, texts + FUZZ)


def test_first_class_is_a_superset_of_first_characters():
    cls = first_class(re.compile(r"\b(?:(?:no|loss\s+of)\s+reflex|(?<!H-)jerks?|[0-4]/5|\d+\s*cm)", re.I))
    assert cls is not None
    rx = re.compile(cls)
    for ch in "nNlLjJ01234\u0663":
        assert rx.fullmatch(ch), ch
    # unknown starts or a possible empty match keep the plain search
    assert first_class(re.compile(r".foo")) is None
    assert first_class(re.compile(r"\w*x")) is not None
    assert first_class(re.compile(r"(?:ab)?")) is None
    assert first_class(re.compile(r"[^a]b")) is None
    assert FirstCharRegex(re.compile(r"(a)\1")).scan is None


def test_newline_and_case_folds_are_first_characters():
    fast = FirstCharRegex(re.compile(r"[.;\n]\s|\bkelvin\b|\bstate\b", re.I))
    text = "one\n\ntwo; three. \u212aelvin and \u017ftate and KELVIN"
    _same(fast, [text])
    assert len(list(fast.finditer(text))) == 6


@pytest.mark.slow
def test_ascii_folds_are_every_non_ascii_character_re_folds_to_ascii():
    every = "".join(map(chr, range(128, 0x110000)))
    assert "".join(sorted(set(re.findall("[a-z0-9]", every, re.I)))) == ASCII_FOLDS


DATE_FUZZ = _fuzz("0123456789/-., JanMarDecjanmay xX*#_()[]\n", size=2000) + _fuzz(
    "Date of injury review dated UR MRI note 12/05/2016 March 3, 2015 ,.;:\n", size=3000
)


def test_dates_regexes_skip_to_first_characters_and_find_the_same(nlp):
    comp = nlp.get_pipe("iro_dates")
    regexes = [rx for _f, rx, *_ in comp.formats] + [rx for rx, *_ in comp.redactions]
    regexes += [rx for _r, rx, _w in comp.roles] + [rx for _t, rx, _w in comp.records.documents]
    assert sum(rx.scan is not None for rx in regexes) >= len(regexes) - 2
    texts = [t for _, t in LETTERS]
    for rx in regexes:
        _same(rx, texts + DATE_FUZZ)


def test_max_non_space_bounds_every_match():
    from iro_evidence.matching import max_non_space

    cases = {r"\s*$": 0, r"a\s+b": 2, r"\w+": None, r"(?:ab){0,3}\s*": 6, r"[ \t]*x": 1, r"\S{2,5}": 5}
    for pat, want in cases.items():
        assert max_non_space(re.compile(pat)) == want, pat
    link = re.compile(r"(?:\s*[,:]?\s*\b(?:dated|date\s+of\s+service|DOS|of|performed)\b\s*:?)?\s*$", re.I)
    bound = max_non_space(link)
    assert bound == 15  # ",dateofservice:"
    pieces = [" ", "\n", ",", ":", "dated", "date of  service", "DOS", "of", "performed", "x"]
    rnd = random.Random(3)
    for _ in range(2000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12)))
        for start in range(len(text) + 1):
            m = link.match(text, start)
            if m:
                assert len("".join(m.group().split())) <= bound, text


def test_exam_clause_is_what_splitting_at_clause_breaks_gives(nlp):
    comp = nlp.get_pipe("iro_exam")
    plain = comp.clause_break.pattern
    for _letter, text in LETTERS:
        for s in range(0, len(text), 53):
            e = min(len(text), s + 7)
            for window in (comp.side_window, 25):
                left = plain.split(text[max(0, s - window) : s])[-1]
                right = plain.split(text[e : e + window])[0]
                assert comp._clause(text, s, e, window) == (left, right)
