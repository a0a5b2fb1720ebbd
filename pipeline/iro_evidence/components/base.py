"""Shared plumbing for rule components: packaged rule data that saves with the pipeline.

Every component keeps its rules as plain JSON data (``patterns/<name>.json``). The
packaged defaults load in ``__init__`` so ``nlp.add_pipe("iro_levels")`` works without
``initialize``; ``to_disk``/``from_disk`` write and read the same JSON, so a saved
pipeline carries its rules and never depends on the installed package's files.
"""

from __future__ import annotations

import bisect
import json
import re
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import ensure_path

from ..matching.doc import TEXT_KEY, char_span, doc_text, sentence_starts  # noqa: F401 - read off the Doc once
from ..rules import NEVER, check_rules, empty_like, expand_defs, load_packaged
from .extensions import ext_key, set_iro

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


def set_group(doc: Doc, key: str, spans: list[Span]) -> None:
    """Write a span group sorted by position (overlaps allowed)."""
    doc.spans[key] = sorted(spans, key=lambda s: (s.start_char, s.end_char))


class SentenceLookup:
    """The sentence around any character offset, from one read of the sentence starts."""

    def __init__(self, doc: Doc):
        self.text = doc_text(doc)
        self.starts = sentence_starts(doc)[1]

    def bounds(self, char: int) -> tuple[int, int]:
        k = max(0, bisect.bisect_right(self.starts, char) - 1)
        end = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.text)
        return self.starts[k], end


def span_ext(span: Span, name: str = "iro", default: Any = None) -> Any:
    """``span._.<name>`` read straight from ``doc.user_data``, where spaCy keeps span
    extension values (key ``("._.", name, start_char, end_char)``); ``span._`` builds an
    Underscore and reads three tokens on every access, which adds up over hundreds of
    spans. For extensions without getter, and never a mutable default."""
    return span.doc.user_data.get(ext_key(name, span.start_char, span.end_char), default)


def update_iro(span: Span, values: dict) -> None:
    """Add ``values`` to ``span._.iro``, keeping the keys another component wrote there."""
    set_iro(span, {**(span_ext(span) or {}), **values})


def regexes(rules: dict, names: str, flags: int = re.I) -> dict[str, re.Pattern]:
    """The regexes of ``rules`` named in ``names`` (space-separated keys), compiled; a key
    the rules leave out never matches."""
    return {name: re.compile(rules.get(name, NEVER), flags) for name in names.split()}


def last_match(pattern, text: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
    """The last match of ``pattern`` in ``text[pos:endpos]`` (None: no match)."""
    m = None
    for m in pattern.finditer(text, pos, len(text) if endpos is None else endpos):  # noqa: B007
        pass
    return m
