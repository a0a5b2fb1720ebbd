"""Our own reading of a regex (``iro_evidence.matching.regex``) against Python's.

Python's parser (``re._parser``, private) is the reference here, in the tests only: for
every pattern in the shipped rule files, the first characters and the non-space bound we
work out are what the reference works out from Python's parse tree. The required words
are checked on real letters: every match of every rule contains one of them.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from re import _constants as C  # noqa: N812
from re import _parser

import pytest
from iro_evidence.matching.regex import (
    ASCII_FOLDS,
    Unsupported,
    first_class,
    max_non_space,
    parse,
    required_words,
)
from test_triggers import LETTERS

CATS = {
    C.CATEGORY_DIGIT: r"\d",
    C.CATEGORY_NOT_DIGIT: r"\D",
    C.CATEGORY_SPACE: r"\s",
    C.CATEGORY_NOT_SPACE: r"\S",
    C.CATEGORY_WORD: r"\w",
    C.CATEGORY_NOT_WORD: r"\W",
}


class _Unknown(Exception):
    pass


def _ref_first_seq(items, chars, classes) -> bool:
    for op, av in items:
        if not _ref_first(op, av, chars, classes):
            return False
    return True


def _ref_first(op, av, chars, classes) -> bool:
    if op is C.LITERAL:
        chars.add(chr(av))
        return False
    if op is C.IN:
        for o, a in av:
            if o is C.LITERAL:
                chars.add(chr(a))
            elif o is C.RANGE and a[1] - a[0] <= 256:
                chars.update(map(chr, range(a[0], a[1] + 1)))
            elif o is C.CATEGORY and a in CATS:
                classes.add(CATS[a])
            else:
                raise _Unknown(o)
        return False
    if op is C.SUBPATTERN:
        return _ref_first_seq(av[3].data, chars, classes)
    if op is C.ATOMIC_GROUP:
        return _ref_first_seq(av.data, chars, classes)
    if op is C.BRANCH:
        return any([_ref_first_seq(alt.data, chars, classes) for alt in av[1]])
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        return _ref_first_seq(av[2].data, chars, classes) or av[0] == 0
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return True
    raise _Unknown(op)


def ref_first_class(pattern: re.Pattern) -> str | None:
    chars: set[str] = set()
    classes: set[str] = set()
    try:
        if _ref_first_seq(_parser.parse(pattern.pattern, pattern.flags).data, chars, classes):
            return None
    except _Unknown:
        return None
    if any(not c.isascii() and c.lower() != c.upper() for c in chars):
        return None
    every = {x for c in chars for x in (c, c.lower(), c.upper())}
    if any(c.isalpha() for c in every):
        every.update(ASCII_FOLDS)
    return "[" + "".join(re.escape(c) for c in sorted(every)) + "".join(sorted(classes)) + "]"


def ref_non_space(items) -> int | None:
    total = 0
    for op, av in items:
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            n = 0
        elif op is C.LITERAL:
            n = 0 if chr(av).isspace() else 1
        elif op is C.IN:
            space = all(
                (o is C.CATEGORY and a is C.CATEGORY_SPACE) or (o is C.LITERAL and chr(a).isspace())
                for o, a in av
            )
            n = 0 if space else 1
        elif op in (C.NOT_LITERAL, C.ANY):
            n = 1
        elif op is C.SUBPATTERN:
            n = ref_non_space(av[3].data)
        elif op is C.BRANCH:
            alts = [ref_non_space(alt.data) for alt in av[1]]
            n = None if None in alts else max(alts)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            each = ref_non_space(av[2].data)
            n = None if each is None else 0 if each == 0 else None if av[1] is C.MAXREPEAT else av[1] * each
        else:
            return None
        if n is None:
            return None
        total += n
    return total


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            if not k.startswith("_"):
                yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def shipped_patterns() -> list[re.Pattern]:
    """Every string of the shipped rule files that compiles as a regex (words included)."""
    out = {}
    for f in resources.files("iro_evidence.patterns").iterdir():
        if f.name.endswith(".json"):
            for s in _strings(json.loads(f.read_text("utf-8"))):
                try:
                    out[s] = re.compile(s, re.I)
                except re.error:
                    pass
    return list(out.values())


PATTERNS = shipped_patterns()


def test_many_rules_are_read():
    assert len(PATTERNS) > 500
    readable = sum(1 for p in PATTERNS if _parses(p.pattern))
    assert readable >= 0.99 * len(PATTERNS)


def _parses(src: str) -> bool:
    try:
        parse(src)
        return True
    except Unsupported:
        return False


def test_first_class_is_what_pythons_parser_gives_on_every_shipped_rule():
    for p in PATTERNS:
        if _parses(p.pattern):
            assert first_class(p) == ref_first_class(p), p.pattern[:80]


def test_max_non_space_is_what_pythons_parser_gives_on_every_shipped_rule():
    for p in PATTERNS:
        if _parses(p.pattern):
            want = ref_non_space(_parser.parse(p.pattern, p.flags).data)
            assert max_non_space(p) == want, p.pattern[:80]


@pytest.mark.parametrize(
    "src, words",
    [
        (r"\bstraight\s+leg\s+rais(?:e|ing)\b", ["straight"]),
        (r"(?:positive|negative)\s+SLR", ["negative", "positive"]),
        (r"[Ss]purling'?s?\s+(?:sign|test)", ["spurling"]),
        (r"\b(?:deep\s+tendon\s+)?reflex(?:es)?", ["reflex"]),
        (r"\d+(?:\.\d+)?\s*mm", ["mm"]),
        (r"(?:EMG|NCV|nerve conduction)", ["emg", "ncv", "conduction"]),
    ],
)
def test_required_words_of_rule_families(src, words):
    assert sorted(required_words(re.compile(src, re.I))) == sorted(words)


def test_no_required_words_where_a_match_may_hold_none():
    assert required_words(r"\d+/\d+") == ["/"]
    assert required_words(r"\d+/\d+", min_len=2) is None  # too short to be worth a window
    assert required_words(r"(?:left|)\s*side") == ["side"]
    assert required_words(r"(?:MRI|\d+)") is None  # one branch has no literal
    assert required_words(r"(?:ab)?c?") is None


def test_syntax_the_parser_gives_up_on():
    for src in (r"(a)\1", r"(?x) a b", r"(?(1)a|b)", r"a)", r"(?P=x)"):
        with pytest.raises(Unsupported):
            parse(src)


def test_every_match_holds_a_required_word_on_every_letter():
    """The trigger words derived from a pattern never drop one of its matches."""
    texts = [t for _, t in LETTERS]
    lowers = [t.lower() for t in texts]
    checked = 0
    for p in PATTERNS:
        words = required_words(p, min_len=3)
        if not words or not re.search(r"[\\(\[|?*+]", p.pattern):
            continue
        checked += 1
        for text, low in zip(texts, lowers):
            for m in p.finditer(text):
                got = low[m.start() : m.end()]
                assert any(w in got for w in words), (p.pattern[:80], m.group())
    assert checked > 100
