"""Dates: every date in a letter, normalized to ISO, with a role, its range partner and
the document it dates (that last step, and the list of records reviewed, is ``records.py``).

Formats are regexes with named groups (``patterns/dates.json``); month names go through
``dateutil``'s ``parserinfo`` and the parts are checked with ``datetime.date`` so that
``13/45/11`` is no date. Two-digit years pivot as the gold format says (above 50 is
19xx), which ``dateutil.parser`` does not do (it pivots around today), so the
parts, not the whole string, are parsed. Masks (``xx/xx/xx``, ``[redacted]``,
``(Date of Injury)``) are dates with value ``"redacted"``; a mask that names its date
carries that role. The role (review, injury, study, visit, ...) is the keyword nearest
before the date in its sentence, or the kind of document the date belongs to
("Utilization review determinations dated 12/19/11 and 01/04/12": two dates of one
document, role ``utilization_review``). ``from 4/20/15 through 7/24/15`` links two dates
as a range. The studies component later sets role ``study`` on the dates it links to a
study; ``cue`` keeps the role the words gave.

Span groups: ``dates`` (``_.iro``: value, format, role, cue, and where found range,
range_offsets, document, document_type, document_offsets) and, from ``records.py``,
``documents``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from typing import NamedTuple

from dateutil.parser import parserinfo
from spacy.tokens import Doc

from ..matching import (
    FirstCharRegex,
    Hits,
    PatternTriggers,
    gate_open,
    gate_words,
    intersect,
    rule_words,
)
from .base import RuleComponent, char_span, doc_text, sentence_starts, set_group
from .extensions import ext_key
from .records import Records

MONTH_NAMES = parserinfo()
LABEL_ONLY = re.compile(r"[A-Za-z ]{1,20}:\s*")


def pivot_year(y: str) -> int:
    """Two-digit years above 50 are 19xx, else 20xx (GOLD_FORMAT.md)."""
    year = int(y)
    if len(y) == 2:
        year += 1900 if year > 50 else 2000
    return year


def normalize(groups: dict) -> str | None:
    """ISO value for the captured parts, or None if they are no real date."""
    return _normalize(groups["y"], groups.get("mon"), groups.get("m"), groups.get("d"))


@functools.lru_cache(maxsize=4096)
def _normalize(y: str, mon: str | None, m: str | None, d: str | None) -> str | None:
    """``normalize`` of the parts (a letter repeats its dates: each is worked out once)."""
    year = pivot_year(y)
    if not 1900 <= year <= 2099:
        return None
    month = None
    if mon:
        month = MONTH_NAMES.month(mon.rstrip("."))
    elif m:
        month = int(m)
    day = int(d) if d else None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


class Found(NamedTuple):
    """A date or mask in the text: where, its ISO value (or "redacted"), the format rule
    that read it, and the role a mask names."""

    start: int
    end: int
    value: str
    format: str
    role: str | None = None


class DateMatcher(RuleComponent):
    rules_file = "dates.json"

    def compile(self) -> None:
        r = self.rules
        self.formats = [
            (
                f["id"],
                FirstCharRegex(re.compile(f["regex"], re.I)),
                rule_words(f.get("triggers"), f["regex"]),
                tuple(f.get("also") or ()),
            )
            for f in r.get("formats", [])
        ]
        self.redactions = []
        for red in r.get("redactions", []):
            if isinstance(red, str):
                red = {"regex": red, "role": None}
            words = rule_words(red.get("triggers"), red["regex"])
            self.redactions.append((FirstCharRegex(re.compile(red["regex"], re.M)), red.get("role"), words))
        # a rule without its own triggers runs wherever the component's words occur, or
        # everywhere when there are none
        every_rule = [w for _, _, w, _ in self.formats] + [w for *_, w in self.redactions]
        self.triggers = PatternTriggers(r.get("triggers"), every_rule + [a for *_, a in self.formats])
        if any(not w for w in every_rule) and not r.get("triggers", {}).get("words"):
            self.triggers = PatternTriggers(None)
        self.roles = [
            (role, FirstCharRegex(re.compile(p, re.I)), gate_words(rest))
            for role, p, *rest in r.get("roles", [])
        ]
        self.roles_after = [
            (role, re.compile(p, re.I), gate_words(rest)) for role, p, *rest in r.get("roles_after", [])
        ]
        self.window = r.get("window", 90)
        self.range_re = re.compile(r.get("range", r"^\s*(?:-|to|through)\s*$"), re.I)
        self.records = Records(r)

    # -- finding ------------------------------------------------------------------------
    def find(self, text: str, hits: Hits | None = None) -> list[Found]:
        """Every date and mask, earlier rules winning overlaps, in text order, looked for
        around the trigger words ``hits`` (default: scan ``text``)."""
        if hits is None:
            hits = self.triggers.scan(text)
        starts: list[int] = []  # the dates taken so far: sorted, never overlapping
        ends: list[int] = []
        found: list[Found] = []

        def take(s: int, e: int, value: str | None, fmt: str, role: str | None = None) -> None:
            """Keep a real date (``value``) unless it overlaps one taken before."""
            k = bisect.bisect_right(starts, s)
            if not value or (k and ends[k - 1] > s) or (k < len(starts) and starts[k] < e):
                return
            starts.insert(k, s)
            ends.insert(k, e)
            found.append(Found(s, e, value, fmt, role))

        for pat, role, words in self.redactions:
            for m in hits.finditer(pat, words):
                take(m.start(), m.end(), "redacted", "redacted", role)
        both: dict[tuple, list[tuple[int, int]]] = {}
        for fid, pat, words, also in self.formats:
            windows = hits.windows(words)
            if also and hits.found is not None:  # near one of each: a month name and digits
                if (words, also) not in both:
                    both[(words, also)] = intersect(windows, hits.windows(also))
                windows = both[(words, also)]
            for m in (m for lo, hi in windows for m in pat.finditer(text, lo, hi)):
                take(m.start(), m.end(), normalize(m.groupdict()), fid)
        return sorted(found)

    def role(self, text: str, start: int, sent_start: int, end: int | None = None) -> str:
        """The role named by the keyword nearest before the date; on a "Label: date" line
        the label speaks first; then words right after the date that name what it dates
        ("the 2/17/09 work injury": ``roles_after``), then the text before it."""
        floor = max(sent_start, start - self.window)
        line_start = text.rfind("\n", 0, start) + 1
        if line_start > floor and ":" in text[line_start:start]:
            role = self._nearest(text[line_start:start])
            if role != "other":
                return role
        if end is not None and self.roles_after:
            right = text[end : end + self.window]
            low = right.lower()
            for name, pat, words in self.roles_after:
                if gate_open(words, low) and pat.match(right):
                    return name
        return self._nearest(text[floor:start])

    def _nearest(self, left: str) -> str:
        best, best_pos = "other", -1
        low = left.lower()
        for role, pat, words in self.roles:
            if not gate_open(words, low):
                continue
            for m in pat.finditer(left):
                if m.end() > best_pos:
                    best, best_pos = role, m.end()
        return best

    # -- the component -------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        """Find the dates, give each its role and range partner, let the records reviewed
        say which document each dates, then write the span groups."""
        text = doc_text(doc)
        found = self.find(text, self.triggers.hits(doc))
        info = self.describe(doc, text, found)
        self.link_ranges(text, found, info)
        documents = self.records.link(doc, text, found, info)
        taken = self.set_dates(doc, found, info)
        self.records.set_spans(doc, documents, taken)
        return doc

    def describe(self, doc: Doc, text: str, found: list[Found]) -> dict[tuple[int, int], dict]:
        """Each date's ``_.iro`` by its (start, end): value, format, and the role its words
        give, read in its sentence (or, for a heading's value, from the sentence before)."""
        sent_starts = sentence_starts(doc)[1]
        info: dict[tuple[int, int], dict] = {}
        for f in found:
            k = bisect.bisect_right(sent_starts, f.start) - 1
            # a heading such as "DATE OF REVIEW:" sits in the sentence before its value
            # (or a short "Label:" line continues a heading broken over lines)
            lead = text[sent_starts[k] : f.start]
            heading_value = len(lead) < 3 or LABEL_ONLY.fullmatch(lead)
            s0 = sent_starts[max(0, k - 1)] if heading_value else sent_starts[k]
            cue = f.role or self.role(text, f.start, s0, f.end)
            info[(f.start, f.end)] = {"value": f.value, "format": f.format, "role": cue, "cue": cue}
        return info

    def link_ranges(self, text: str, found: list[Found], info: dict) -> None:
        """Two dates joined by a range word are one range ("from 4/20/15 through 7/24/15",
        "12/05/2016 to 01/27/2017"): each end points at the other."""
        for a, b in zip(found, found[1:]):
            if a.value != "redacted" and b.value != "redacted" and self.range_re.match(text[a.end : b.start]):
                info[(a.start, a.end)].update(range="start", range_offsets=[b.start, b.end])
                info[(b.start, b.end)].update(range="end", range_offsets=[a.start, a.end])

    @staticmethod
    def set_dates(doc: Doc, found: list[Found], info: dict) -> set[tuple[int, int]]:
        """The ``dates`` span group; returns the character ranges it took."""
        spans = []
        store = doc.user_data  # where span._.iro keeps its value (no Underscore per span)
        for f in found:
            span = char_span(doc, f.start, f.end, "DATE")
            if span is not None:
                store[ext_key("iro", span.start_char, span.end_char)] = info[(f.start, f.end)]
                spans.append(span)
        set_group(doc, "dates", spans)
        return {(sp.start_char, sp.end_char) for sp in spans}
