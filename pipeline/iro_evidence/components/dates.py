"""Dates: every date in a letter, normalized to ISO, with a role and "redacted" masks.

Formats are regexes with named groups (``patterns/dates.json``); the parts are checked
with ``datetime.date`` so that ``13/45/11`` is no date. Two-digit years pivot as the gold
format says (above 50 is 19xx). The role (review, injury, study, visit, ...) is the
keyword nearest before the date in its sentence; the studies component later sets role
``study`` on the dates it links to a study.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re

from spacy.tokens import Doc

from .base import RuleComponent, char_span, set_group

MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def pivot_year(y: str) -> int:
    year = int(y)
    if len(y) == 2:
        year += 1900 if year > 50 else 2000
    return year


def normalize(groups: dict) -> str | None:
    """ISO value for the captured parts, or None if they are no real date."""
    year = pivot_year(groups["y"])
    if not 1900 <= year <= 2099:
        return None
    month = None
    if groups.get("mon"):
        month = MONTHS.get(groups["mon"][:3].lower())
    elif groups.get("m"):
        month = int(groups["m"])
    day = int(groups["d"]) if groups.get("d") else None
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


class DateMatcher(RuleComponent):
    rules_file = "dates.json"

    def compile(self) -> None:
        r = self.rules
        self.formats = [(f["id"], re.compile(f["regex"], re.I)) for f in r.get("formats", [])]
        self.redactions = [re.compile(p, re.M) for p in r.get("redactions", [])]
        self.roles = [(role, re.compile(p, re.I)) for role, p in r.get("roles", [])]
        self.window = r.get("window", 90)

    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        """(start, end, value, format id) for every date, earlier formats winning overlaps."""
        taken: list[tuple[int, int]] = []
        found = []

        def free(s: int, e: int) -> bool:
            return all(e <= a or s >= b for a, b in taken)

        for pat in self.redactions:
            for m in pat.finditer(text):
                if free(m.start(), m.end()):
                    taken.append((m.start(), m.end()))
                    found.append((m.start(), m.end(), "redacted", "redacted"))
        for fid, pat in self.formats:
            for m in pat.finditer(text):
                if not free(m.start(), m.end()):
                    continue
                value = normalize(m.groupdict())
                if value:
                    taken.append((m.start(), m.end()))
                    found.append((m.start(), m.end(), value, fid))
        return sorted(found)

    def role(self, text: str, start: int, sent_start: int) -> str:
        left = text[max(sent_start, start - self.window) : start]
        best, best_pos = "other", -1
        for role, pat in self.roles:
            for m in pat.finditer(left):
                if m.end() > best_pos:
                    best, best_pos = role, m.end()
        return best

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        sent_starts = [s.start_char for s in doc.sents] if doc.has_annotation("SENT_START") else [0]
        spans = []
        for start, end, value, fid in self.find(text):
            span = char_span(doc, start, end, "DATE")
            if span is None:
                continue
            k = bisect.bisect_right(sent_starts, start) - 1
            # a heading such as "DATE OF REVIEW:" sits in the sentence before its value
            s0 = sent_starts[max(0, k - 1)] if start - sent_starts[k] < 3 else sent_starts[k]
            role = self.role(text, start, s0)
            span._.iro = {"value": value, "format": fid, "role": role}
            spans.append(span)
        set_group(doc, "dates", spans)
        return doc
