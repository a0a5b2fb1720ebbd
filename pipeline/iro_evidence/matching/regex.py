"""What a rule's regex must match, read from its source: our own small parser.

The engine needs three facts about a pattern, none of which ``re`` tells:

- ``first_class``: the characters a match can start with (``search`` then skips in C to
  the next such character instead of trying the pattern everywhere);
- ``required_words``: lower-case strings one of which every match contains (the pattern's
  trigger words: a rule runs only near them);
- ``max_non_space``: how many non-space characters a match can hold at most.

The parser reads the syntax rule files use (literals, escapes, classes, groups of every
kind, look-arounds, alternation, quantifiers) into nested tuples. Anything else (a back
reference, a conditional, verbose mode) makes it give up, and the callers fall back to
the plain search, which is always right: ``tests/test_matching_regex.py`` compares the
answers with Python's own parser on every rule we ship.
"""

from __future__ import annotations

import re

# Nodes: ("lit", ch) | ("in", chars, classes) | ("not_in", chars, classes) | ("any",) | ("zero",)
#        | ("group", seq) | ("branch", [seq, ...]) | ("repeat", lo, hi, seq); hi None: unbounded
CATEGORY = {"d": r"\d", "D": r"\D", "s": r"\s", "S": r"\S", "w": r"\w", "W": r"\W"}
ZERO_ESCAPES = set("bBAZ")
CONTROL = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
HEX = {"x": 2, "u": 4, "U": 8}
# Non-ASCII characters that ``re.IGNORECASE`` matches to an ASCII letter (dotted and
# dotless i, long s, the Kelvin sign); tests recompute the list from ``re`` itself.
ASCII_FOLDS = "\u0130\u0131\u017f\u212a"
MAX_RANGE = 256  # a wider range in a first class: no shortcut


class Unsupported(ValueError):
    """Syntax this parser does not read (the caller keeps the plain search)."""


class _Parser:
    def __init__(self, src: str):
        self.src, self.i = src, 0

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.src[j] if j < len(self.src) else ""

    def take(self) -> str:
        ch = self.peek()
        if not ch:
            raise Unsupported("unexpected end")
        self.i += 1
        return ch

    def alternation(self) -> list:
        alts = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            alts.append(self.sequence())
        return alts[0] if len(alts) == 1 else [("branch", alts)]

    def sequence(self) -> list:
        seq: list = []
        while self.peek() not in ("", "|", ")"):
            atom = self.atom()
            if atom is None:
                continue
            seq.append(self.quantified(atom))
        return seq

    def quantified(self, atom):
        ch = self.peek()
        if ch in ("*", "+", "?"):
            self.i += 1
            lo, hi = {"*": (0, None), "+": (1, None), "?": (0, 1)}[ch]
        elif ch == "{" and (m := re.match(r"\{(\d*)(,?)(\d*)\}", self.src[self.i :])) and (m[1] or m[3]):
            self.i += m.end()
            lo = int(m[1] or 0)
            hi = int(m[3]) if m[3] else (None if m[2] else lo)
        else:
            return atom
        if self.peek() in ("?", "+"):  # lazy or possessive: the same characters
            self.i += 1
        return ("repeat", lo, hi, [atom])

    def atom(self):
        ch = self.take()
        if ch == "\\":
            return self.escape()
        if ch == "[":
            return self.char_class()
        if ch == "(":
            return self.group()
        if ch == ".":
            return ("any",)
        if ch in "^$":
            return ("zero",)
        if ch in "*+?":
            raise Unsupported("nothing to repeat")
        return ("lit", ch)

    def escape(self):
        ch = self.take()
        if ch in CATEGORY:
            return ("in", frozenset(), frozenset([CATEGORY[ch]]))
        if ch in ZERO_ESCAPES:
            return ("zero",)
        return ("lit", self.escaped_char(ch))

    def escaped_char(self, ch: str) -> str:
        if ch in CONTROL:
            return CONTROL[ch]
        if ch in HEX:
            digits = self.src[self.i : self.i + HEX[ch]]
            self.i += HEX[ch]
            return chr(int(digits, 16))
        if ch.isalnum():  # back references, \N{...}, octal: not read here
            raise Unsupported(f"escape \\{ch}")
        return ch

    def char_class(self):
        negated = self.peek() == "^"
        if negated:
            self.i += 1
        chars: set[str] = set()
        classes: set[str] = set()
        first = True
        while first or self.peek() != "]":
            first = False
            lo = self.class_char(classes)
            if lo is not None and self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.i += 1
                hi = self.class_char(classes)
                if hi is None or ord(hi) - ord(lo) > MAX_RANGE:
                    raise Unsupported("range")
                chars.update(map(chr, range(ord(lo), ord(hi) + 1)))
            elif lo is not None:
                chars.add(lo)
        self.i += 1
        return ("not_in" if negated else "in", frozenset(chars), frozenset(classes))

    def class_char(self, classes: set[str]) -> str | None:
        ch = self.take()
        if ch != "\\":
            return ch
        esc = self.take()
        if esc in CATEGORY:
            classes.add(CATEGORY[esc])
            return None
        return "\b" if esc == "b" else self.escaped_char(esc)

    def group(self):
        kind = "group"
        if self.peek() == "?":
            self.i += 1
            kind = self.group_kind()
            if kind is None:  # a comment or leading flags: nothing to match
                return None
        body = self.alternation()
        if self.take() != ")":
            raise Unsupported("unbalanced group")
        return ("zero",) if kind == "zero" else ("group", body)

    def group_kind(self) -> str | None:
        rest = self.src[self.i :]
        for prefix, kind in ((":", "group"), (">", "group"), ("=", "zero"), ("!", "zero")):
            if rest.startswith(prefix):
                self.i += 1
                return kind
        if rest.startswith(("<=", "<!")):
            self.i += 2
            return "zero"
        if m := re.match(r"P<\w+>", rest):
            self.i += m.end()
            return "group"
        if rest.startswith("#"):
            self.i += rest.index(")") + 1
            return None
        if m := re.match(r"([aiLmsu]*)(?:-([imsx]+))?([:)])", rest):
            if "x" in m[1]:
                raise Unsupported("verbose mode")
            self.i += m.end()
            return "group" if m[3] == ":" else None
        raise Unsupported(f"group (?{rest[:3]}")


def parse(pattern: str) -> list:
    """The pattern as a sequence of nodes (``Unsupported`` for syntax not read here)."""
    p = _Parser(pattern)
    seq = p.alternation()
    if p.i != len(pattern):
        raise Unsupported("unbalanced parenthesis")
    return seq


def _source(pattern) -> str | None:
    if isinstance(pattern, re.Pattern):
        if not isinstance(pattern.pattern, str) or pattern.flags & re.VERBOSE:
            return None
        return pattern.pattern
    return pattern


# -- first characters --------------------------------------------------------------------


def _first_of_seq(seq: list, chars: set[str], classes: set[str]) -> bool:
    """Add the first characters of ``seq``; True when it can match the empty string."""
    return all(_first_of(node, chars, classes) for node in seq)


def _first_of(node: tuple, chars: set[str], classes: set[str]) -> bool:
    op = node[0]
    if op == "lit":
        chars.add(node[1])
        return False
    if op == "in":
        chars.update(node[1])
        classes.update(node[2])
        return False
    if op == "group":
        return _first_of_seq(node[1], chars, classes)
    if op == "branch":
        return any([_first_of_seq(alt, chars, classes) for alt in node[1]])  # every branch
    if op == "repeat":
        return _first_of_seq(node[3], chars, classes) or node[1] == 0
    if op == "zero":
        return True
    raise Unsupported(op)  # "any", "not_in": (nearly) every character


def first_class(pattern) -> str | None:
    """A case-sensitive character class holding every character a match of ``pattern``
    can start with (letters in both cases); None when unknown or when the pattern can
    match the empty string."""
    src = _source(pattern)
    if src is None:
        return None
    chars: set[str] = set()
    classes: set[str] = set()
    try:
        if _first_of_seq(parse(src), chars, classes):
            return None
    except Unsupported:
        return None
    if any(not c.isascii() and c.lower() != c.upper() for c in chars):
        return None  # a cased non-ASCII letter: its case partners are not worked out here
    every = {x for c in chars for x in (c, c.lower(), c.upper())}
    if any(c.isalpha() for c in every):
        every.update(ASCII_FOLDS)  # a superset is safe: the caller checks the rule there
    return "[" + "".join(re.escape(c) for c in sorted(every)) + "".join(sorted(classes)) + "]"


# -- non-space characters ----------------------------------------------------------------


def _non_space_seq(seq: list) -> int | None:
    total = 0
    for node in seq:
        n = _non_space(node)
        if n is None:
            return None
        total += n
    return total


def _non_space(node: tuple) -> int | None:
    op = node[0]
    if op == "zero":
        return 0
    if op == "lit":
        return 0 if node[1].isspace() else 1
    if op == "in":
        only_space = all(c.isspace() for c in node[1]) and set(node[2]) <= {r"\s"}
        return 0 if only_space else 1
    if op in ("any", "not_in"):
        return 1
    if op == "group":
        return _non_space_seq(node[1])
    if op == "branch":
        alts = [_non_space_seq(alt) for alt in node[1]]
        return None if None in alts else max(alts)
    each = _non_space_seq(node[3])  # repeat
    if each is None:
        return None
    return 0 if each == 0 else None if node[2] is None else node[2] * each


def max_non_space(pattern) -> int | None:
    """The most non-space characters a match of ``pattern`` can hold (None: unbounded or
    not worked out)."""
    src = _source(pattern)
    if src is None:
        return None
    try:
        return _non_space_seq(parse(src))
    except Unsupported:
        return None


# -- required words ----------------------------------------------------------------------


def _letter(node: tuple) -> str | None:
    """The one lower-case character a node matches, if it is one (``[Ss]`` is ``s``)."""
    if node[0] == "lit":
        return node[1].lower()
    if node[0] == "in" and not node[2] and len({c.lower() for c in node[1]}) == 1:
        return next(iter(node[1])).lower()
    return None


def _best(options: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective choice: the longest shortest word, then the fewest words."""
    if not options:
        return None
    return max(options, key=lambda o: (min(map(len, o)), -len(o)))


def _required_seq(seq: list) -> frozenset[str] | None:
    options: list[frozenset[str]] = []
    run = ""
    for node in seq:
        ch = _letter(node)
        if ch is not None and not ch.isspace():
            run += ch
            continue
        if run:
            options.append(frozenset([run]))
            run = ""
        got = _required(node)
        if got:
            options.append(got)
    if run:
        options.append(frozenset([run]))
    return _best(options)


def _required(node: tuple) -> frozenset[str] | None:
    op = node[0]
    if op == "group":
        return _required_seq(node[1])
    if op == "branch":
        alts = [_required_seq(alt) for alt in node[1]]
        return None if None in alts else frozenset().union(*alts)
    if op == "repeat" and node[1] >= 1:
        return _required_seq(node[3])
    return None


def required_words(pattern, min_len: int = 1) -> list[str] | None:
    """Lower-case strings one of which every match of ``pattern`` contains (sorted), or
    None when no such set is found (or its shortest word is under ``min_len``)."""
    src = _source(pattern)
    if src is None:
        return None
    try:
        got = _required_seq(parse(src))
    except Unsupported:
        return None
    if not got or min(map(len, got)) < min_len:
        return None
    return sorted(got)
