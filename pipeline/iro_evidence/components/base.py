"""Shared plumbing for rule components: packaged rule data that saves with the pipeline.

Every component keeps its rules as plain JSON data (``patterns/<name>.json``). The
packaged defaults load in ``__init__`` so ``nlp.add_pipe("iro_levels")`` works without
``initialize``; ``to_disk``/``from_disk`` write and read the same JSON, so a saved
pipeline carries its rules and never depends on the installed package's files.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import ensure_path

from .extensions import ext_key

PATTERN_PACKAGE = "iro_evidence.patterns"
SCHEMA_FOLDER = "schemas"  # patterns/schemas/<name>.schema.json: the shape of patterns/<name>.json


class RuleError(ValueError):
    """Rules that do not fit their file's schema, or that name a part no ``defs`` defines."""


def load_packaged(name: str) -> Any:
    """Read ``patterns/<name>`` shipped inside the package, checked against its schema
    (once per process: the packaged files do not change while it runs)."""
    rules = json.loads(resources.files(PATTERN_PACKAGE).joinpath(name).read_text("utf-8"))
    if _schema_text(name) is not None:
        _check_packaged(name, json.dumps(rules, sort_keys=True))
    return rules


@functools.cache
def _schema_text(rules_file: str) -> str | None:
    schema = rules_file.replace(".json", ".schema.json")
    path = resources.files(PATTERN_PACKAGE).joinpath(SCHEMA_FOLDER).joinpath(schema)
    return path.read_text("utf-8") if path.is_file() else None


@functools.cache
def _validator(rules_file: str):
    # imported here, not with the package: building a blank pipeline must stay light
    # (tests/test_startup.py); only loading a rule component pays for it
    import jsonschema

    schema = json.loads(_schema_text(rules_file))
    # the schemas themselves are checked by the tests (tests/test_rule_files.py), not here:
    # checking a schema against its meta-schema costs more than checking the rules
    return jsonschema.validators.validator_for(schema)(schema)


@functools.cache
def _check_packaged(name: str, text: str) -> None:
    check_rules(json.loads(text), name, f"patterns/{name}")


def check_rules(rules: Any, rules_file: str, source: str) -> None:
    """Raise ``RuleError`` naming ``source`` and the key when ``rules`` does not fit the
    schema of ``rules_file`` (an unknown or misspelt key, a wrong type), or when a pattern
    names a part (``(?&name)``) that ``defs`` does not define."""
    if _schema_text(rules_file) is not None:
        errors = sorted(_validator(rules_file).iter_errors(rules), key=lambda e: list(map(str, e.path)))
        if errors:
            raise RuleError(f"{source}: " + "; ".join(_say(e) for e in errors[:5]))
    expand_defs(rules, source)


def _say(error) -> str:
    """One schema error in words: where, and which key (with the allowed keys near it)."""
    if error.context:  # anyOf / oneOf: the branch that came closest
        import jsonschema

        # a branch of the instance's own type says more than "is not of type"
        said = [e for e in error.context if e.validator != "type"] or error.context
        return _say(jsonschema.exceptions.best_match(said))
    where = "/" + "/".join(map(str, error.absolute_path))
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        pats = list(error.schema.get("patternProperties", {}))
        bad = [k for k in error.instance if k not in known and not any(re.search(p, k) for p in pats)]
        hints = []
        for k in bad:
            near = difflib.get_close_matches(k, known, n=1)
            hints.append(f"unknown key {k!r} at {where}" + (f" (did you mean {near[0]!r}?)" if near else ""))
        return "; ".join(hints) + f" (known keys: {', '.join(sorted(known))})"
    return f"{where}: {error.message[:300]}"


# A rule file may name parts in ``defs`` ({"copula": "is|are|was|were"}) and use them in
# any pattern (and in other defs) as ``(?&copula)``; compile() sees each use replaced by
# the part as a group. ``(?&`` is not Python regex syntax, so a name left unexpanded can
# never match silently.
DEF_REF = re.compile(r"\(\?&([A-Za-z_]\w*)\)")


def expand_defs(rules: Any, source: str = "rules") -> Any:
    """``rules`` with every ``(?&name)`` replaced by ``defs[name]`` (itself expanded) as a
    group, and without ``defs``; the same object when there is nothing to expand."""
    defs = rules.get("defs") if isinstance(rules, dict) else None
    done: dict[str, str] = {}

    def part(name: str, trail: tuple[str, ...]) -> str:
        if name in done:
            return done[name]
        if not defs or name not in defs or name.startswith("_"):
            raise RuleError(f"{source}: (?&{name}) names no part of 'defs'")
        if name in trail:
            raise RuleError(f"{source}: 'defs' {name!r} refers to itself ({' -> '.join((*trail, name))})")
        body = sub(defs[name], (*trail, name))
        done[name] = body if _one_group(body) else f"(?:{body})"
        return done[name]

    def sub(text: str, trail: tuple[str, ...] = ()) -> str:
        if "(?&" not in text:
            return text
        return DEF_REF.sub(lambda m: part(m.group(1), trail), text)

    def walk(x: Any, key: str = "") -> Any:
        if isinstance(x, str):
            return sub(x)
        if isinstance(x, list):
            return [walk(v) for v in x]
        if isinstance(x, dict):
            return {k: (v if k.startswith("_") else walk(v, k)) for k, v in x.items() if k != "defs"}
        return x

    for name in defs or ():
        if not name.startswith("_"):  # every part is checked, used or not ("_doc": a note)
            part(name, ())
    if not defs and "(?&" not in json.dumps(rules):
        return rules
    return walk(rules)


def _one_group(body: str) -> bool:
    """``body`` is one ``(?:...)`` group (so it needs no group around it)."""
    if not body.startswith("(?:") or not body.endswith(")"):
        return False
    depth, i = 0, 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # a character class: parentheses in it are literal
            j = i + 1
            if j < len(body) and body[j] == "^":
                j += 1
            if j < len(body) and body[j] == "]":
                j += 1
            while j < len(body) and body[j] != "]":
                j += 2 if body[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0 and i != len(body) - 1:
                return False
        i += 1
    return depth == 0


# Span extension values are stored per character range, so two components that make
# spans over the same characters share one ``span._.iro``: components add their keys to
# the dict (``{**(span._.iro or {}), ...}``) and never replace it.


class RuleComponent:
    """Base class: ``self.rules`` is JSON data as written (with its ``defs``); subclasses
    compile it in ``compile``, which sees the named parts expanded."""

    rules_file: str = ""

    def __init__(self, nlp: Language, name: str, default_patterns: bool = True):
        self.nlp = nlp
        self.name = name
        packaged = load_packaged(self.rules_file)
        # without the packaged rules, start from their shape with nothing in it (matches
        # nothing) so that initialize(rules=...) or from_disk can fill it later
        self._use(packaged if default_patterns else empty_like(packaged), None)

    def compile(self) -> None:  # pragma: no cover - overridden
        """Build matchers / regexes from ``self.rules``."""

    def _use(self, rules: dict, source: str | None) -> None:
        """Check ``rules`` (``source`` names where they came from; None: checked already),
        keep them as written and compile them with their named parts expanded."""
        if source is not None:
            check_rules(rules, self.rules_file, source)
        expanded = expand_defs(rules, source or f"patterns/{self.rules_file}")
        # compile() reads self.rules: it sees the expanded form, everyone else the rules
        # as written (what to_disk saves and initialize(rules=...) takes back)
        self.rules = expanded
        try:
            self.compile()
        finally:
            self.rules = rules

    def initialize(self, get_examples=None, *, nlp=None, rules: dict | None = None) -> None:
        if rules is not None:
            self._use(rules, f"{self.name}: rules given to initialize() ({self.rules_file})")

    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "rules.json").write_text(json.dumps(self.rules, indent=1), encoding="utf-8")

    def from_disk(self, path, *, exclude=tuple()):
        file = Path(path) / "rules.json"
        self._use(json.loads(file.read_text("utf-8")), f"{file} ({self.name}, {self.rules_file})")
        return self

    def to_bytes(self, *, exclude=tuple()) -> bytes:
        return json.dumps(self.rules).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude=tuple()):
        self._use(json.loads(data), f"{self.name}: rules from bytes ({self.rules_file})")
        return self


def phrase_key(text: str) -> str:
    """The lookup key of a phrase matched by ``compile_alternation``: lower case, single spaces."""
    return re.sub(r"\s+", " ", text.lower())


def compile_alternation(words: list[str], flags=re.I) -> re.Pattern:
    """One regex for a list of phrases; spaces in a phrase match any run of whitespace
    (so a phrase broken by a PDF line wrap still matches) and longest phrases win.

    Phrases are grouped under their first character, so at each word start the regex
    tries one letter per group instead of every phrase (Python's re tries alternatives
    one by one): the same matches as the plain alternation (``_plain_alternation``, which
    tests compare it with), about 4x faster. Groups cannot match at the same place, and
    each keeps the longest-first order."""
    parts = sorted({w for w in words}, key=len, reverse=True)
    if not parts or not all(p[0].isascii() for p in parts):
        return _plain_alternation(words, flags)
    groups: dict[str, list[str]] = {}
    for p in parts:
        body = r"\s+".join(re.escape(t) for t in p.split())
        first = re.escape(p[0])
        groups.setdefault(p[0].lower() if flags & re.I else p[0], []).append(body[len(first) :])
    alts = "|".join(f"{re.escape(k)}(?:{'|'.join(rests)})" for k, rests in groups.items())
    return re.compile(rf"(?<![\w-])(?:{alts})(?![\w])", flags)


def _plain_alternation(words: list[str], flags=re.I) -> re.Pattern:
    """The phrases as one flat alternation, longest first (the reference form)."""
    parts = sorted({w for w in words}, key=len, reverse=True)
    if not parts:
        return re.compile("(?!)")  # no phrases: match nothing (not the empty string)
    body = "|".join(r"\s+".join(re.escape(t) for t in p.split()) for p in parts)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", flags)


def char_span(doc: Doc, start: int, end: int, label: str = "") -> Span | None:
    """A Span for a character range, widened to token boundaries."""
    return doc.char_span(start, end, label=label, alignment_mode="expand")


def set_group(doc: Doc, key: str, spans: list[Span]) -> None:
    """Write a span group sorted by position (overlaps allowed)."""
    doc.spans[key] = sorted(spans, key=lambda s: (s.start_char, s.end_char))


def sentence_starts(doc: Doc) -> tuple[list[int], list[int]]:
    """Token and character offsets where sentences start, read in one array call.

    ``doc.sents`` builds a Span per sentence and ``span.sent`` rescans the Doc for every
    span; components that look up the sentence of many spans bisect these lists instead.
    """
    if not len(doc) or not doc.has_annotation("SENT_START"):
        return [0], [0]
    arr = doc.to_array([SENT_START, IDX])
    rows = numpy.flatnonzero(arr[:, 0] == 1)
    toks = rows.tolist()
    chars = arr[rows, 1].tolist()
    if not toks or toks[0] != 0:
        toks.insert(0, 0)
        chars.insert(0, 0)
    return toks, chars


TEXT_KEY = ("iro_evidence", "text")


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc.

    spaCy joins every token each time ``doc.text`` is read (about 1.5 ms for a letter);
    the components read it a dozen times, so the string is kept in ``doc.user_data``
    (a plain str, so the Doc still pickles).
    """
    text = doc.user_data.get(TEXT_KEY)
    if text is None:  # a Doc's text never changes (retokenizing keeps it)
        text = doc.text
        doc.user_data[TEXT_KEY] = text
    return text


class Triggers:
    """Where a component's rules can match: windows of text around its trigger words.

    Most of a letter holds nothing a given component looks for; running two dozen regexes
    over all of it is what made extraction slow. Every match of a rule contains one of its
    trigger words (lower-case substrings: ``triggers.words`` in the rules file, or a rule's
    own ``triggers``), so the rule only needs to run on ``[hit - before, hit + after]``
    around each hit, with overlapping windows merged. A window holds a whole match as long
    as no match reaches further than ``before``/``after`` from its trigger;
    ``tests/test_triggers.py`` checks on every letter we have that windowed and whole-text
    results are identical. No ``words`` means the whole text.
    """

    def __init__(self, spec: dict | None = None, extra: list[list[str]] | tuple = ()):
        spec = spec or {}
        words = {w.lower() for w in spec.get("words", [])}
        for ws in extra:  # rules' own trigger lists: scanned too
            words |= {w.lower() for w in ws}
        self.words = sorted(words)
        self.before = int(spec.get("before", 200))
        self.after = int(spec.get("after", 300))

    def scan(self, text: str, lower: str | None = None) -> Hits:
        """Where each trigger word occurs in ``text`` (``lower``: its lower-cased copy)."""
        n = len(text)
        if not self.words:
            return self.whole(text)
        low = text.lower() if lower is None else lower
        if len(low) != n:  # a few characters change length when lower-cased: no shortcut
            return self.whole(text)
        found: dict[str, list[int]] = {}
        for w in self.words:
            i = low.find(w)
            while i >= 0:
                found.setdefault(w, []).append(i)
                i = low.find(w, i + 1)
        return Hits(text, found, self.before, self.after)

    def whole(self, text: str) -> Hits:
        """No shortcut: every window is the whole text (the reference for tests)."""
        return Hits(text, None, self.before, self.after)

    def windows(self, text: str, lower: str | None = None) -> list[tuple[int, int]]:
        return self.scan(text, lower).windows()


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
        if got is not None:
            return got
        keys = [w.lower() for w in words] if words else list(self.found)
        lists = [pos for pos in (self.found.get(w) for w in keys) if pos]
        # one word's positions are in order already; several words' are sorted once
        hits = lists[0] if len(lists) == 1 else sorted(i for pos in lists for i in pos)
        out = []
        if hits:  # one pass: with hits in order, a window only grows to the right
            before, after = self.before, self.after
            lo, hi = hits[0] - before, hits[0] + after
            for h in hits:
                if h - before > hi:
                    out.append((lo if lo > 0 else 0, hi if hi < n else n))
                    lo = h - before
                hi = h + after
            out.append((lo if lo > 0 else 0, hi if hi < n else n))
        self._cache[key] = out
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


LOWER_KEY = ("iro_evidence", "lower")


def doc_lower(doc: Doc) -> str:
    """``doc_text(doc).lower()``, built once per Doc (for ``Triggers.windows``)."""
    low = doc.user_data.get(LOWER_KEY)
    if low is None:
        low = doc_text(doc).lower()
        doc.user_data[LOWER_KEY] = low
    return low


class SentenceLookup:
    """The sentence around any character offset, from one read of the sentence starts."""

    def __init__(self, doc: Doc):
        self.text = doc_text(doc)
        self.starts = sentence_starts(doc)[1]

    def bounds(self, char: int) -> tuple[int, int]:
        k = max(0, bisect.bisect_right(self.starts, char) - 1)
        end = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.text)
        return self.starts[k], end


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


NEVER = "(?!)"  # a regex that matches nothing


def empty_like(rules):
    """The same structure as ``rules`` with every list emptied and every string a regex
    that never matches; numbers and booleans are kept."""
    if isinstance(rules, dict):
        return {k: (v if k.startswith("_") else empty_like(v)) for k, v in rules.items()}
    if isinstance(rules, list):
        return []
    if isinstance(rules, str):
        return NEVER
    return rules


def span_ext(span: Span, name: str = "iro", default: Any = None) -> Any:
    """``span._.<name>`` read straight from ``doc.user_data``, where spaCy keeps span
    extension values (key ``("._.", name, start_char, end_char)``); ``span._`` builds an
    Underscore and reads three tokens on every access, which adds up over hundreds of
    spans. For extensions without getter, and never a mutable default."""
    return span.doc.user_data.get(ext_key(name, span.start_char, span.end_char), default)


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
