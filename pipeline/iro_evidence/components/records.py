"""Records reviewed: the document each date dates, and one span per record in the list of
documents reviewed.

A review letter lists what its reviewer read ("MRI of the lumbar spine dated 3/4/15;
Utilization review determinations dated 12/19/11 and 01/04/12": two dates of one record),
and running text names records too ("the progress report of 1/15/2014"). Both say what a
date is the date of, so ``iro_dates`` calls into this module once its dates are found; the
kind of a record (``documents`` in ``patterns/dates.json``) may set the role of its dates
(``document_roles``). A job of its own, kept out of the date finding in ``dates.py``.

Span group ``documents``: label = the kind of record; ``_.iro``: value, document, dates,
date_offsets. The dates of a record get document, document_type, document_offsets.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from typing import Protocol

from spacy.tokens import Doc

from ..matching import FirstCharRegex, gate_open, gate_words, max_non_space
from .base import char_span, set_group
from .extensions import set_iro

# a bullet or item number ("3." but not the "03." of "03.02.2017")
BULLET = re.compile(r"[ \t]*(?:[-\u2022*\u25cf\u25aa]|\d{1,3}[.)](?!\d)|[a-z][.)])?[ \t]*")
CONNECTOR = re.compile(r"^[\s,;:&]*(?:and|&|,|-|\u2013|to|through|thru)?[\s,;:&]*$", re.I)
CONTINUES = re.compile(r"^[ \t]*(?:[a-z(]|and\b|&|\d{1,2}/\d{1,2})")
MAX_DOC_WORDS = 10
CLAUSE_STOP = re.compile(r"[.;:()\n]")
LINK_WORD = re.compile(r"dated|of|on|done|performed", re.I)
LINK_DATED = re.compile(r"dated|performed|done|service", re.I)
# what may follow a guideline's name within its record: a chapter or edition ("ODG Low Back
# chapter", "ACOEM Guidelines, 2nd Edition")
GUIDELINE_TAIL = re.compile(
    r"(?:[\s,:-]+(?:[A-Z][\w/&'-]*|chapters?|sections?|guidelines?|edition|online|\d{1,4}(?:st|nd|rd|th)?|of|and|the|for|-))*[\s,:-]*"
)
EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
TRAILING_LINK = re.compile(r"\s*(?:\b(?:dated|and|through|to|from|on|of)\b\s*)+$")


class Dated(Protocol):
    """A date as ``dates.Found`` holds it (``dates`` imports this module, not the reverse)."""

    start: int
    end: int
    value: str


def tail_start(text: str, chars: int | None) -> int:
    """Where the shortest end of ``text`` holding ``chars`` non-space characters begins
    (0: the whole text; None: no limit). The reversed text is matched from its start, so
    the regex reads only that end (``\\s`` is ``str.isspace``)."""
    if chars is None:
        return 0
    m = _non_spaces(chars).match(text[::-1])
    return len(text) - m.end() if m else 0


@functools.cache
def _non_spaces(chars: int) -> re.Pattern:
    return re.compile(rf"(?:\s*\S){{{chars}}}")


def clause_start(text: str) -> int:
    """``re.search(r"[^.;:()\\n]*$", text).start()``: after the last stop character (a
    final newline aside, as ``$`` matches before it), without the regex's quadratic scan."""
    body = text[:-1] if text.endswith("\n") else text
    m = CLAUSE_STOP.search(body[::-1])  # the first stop of the reversed text: one C scan
    return len(body) - m.start() if m else 0


def date_groups(text: str, dates: Sequence[Dated]) -> list[list[Dated]]:
    """Dates joined by 'and', ',', 'through' (one document's dates) form a group."""
    groups: list[list[Dated]] = []
    for d in dates:
        if groups and CONNECTOR.match(text[groups[-1][-1].end : d.start]):
            groups[-1].append(d)
        else:
            groups.append([d])
    return groups


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    """A list item without its bullet and the punctuation around it."""
    b = BULLET.match(text, s)
    s = b.end() if b else s
    while s < e and text[s] in " \t,.;:":
        s += 1
    while e > s and text[e - 1] in " \t,;:":
        e -= 1
    return s, e


def _list_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The lines of a list, a line wrapped onto the next (no bullet, a lower-case start)
    joined to it: one record per line is the usual list."""
    lines: list[tuple[int, int]] = []
    for m in re.finditer(r"[^\n]+", text[start:end]):
        s, e = start + m.start(), start + m.end()
        if not text[s:e].strip():
            continue
        if lines and CONTINUES.match(text[s:e]) and not BULLET.match(text[s:e]).group().strip():
            lines[-1] = (lines[-1][0], e)
        else:
            lines.append((s, e))
    return lines


def _date_first(
    text: str, ls: int, le: int, dates: Sequence[Dated], header: re.Pattern | None
) -> list[tuple[int, int]] | None:
    """The rows of a date-first table ("2024-01-03 Adverse determination 2023-02-10 MRI
    lumbar spine", tabs and line ends made spaces): each group of dates with the words
    after it, up to the next group. Only where nothing but a column header ("Date
    Document") comes before the first date, and words follow every group; else None."""
    if header is None:
        return None
    inside = [d for d in dates if ls <= d.start and d.end <= le]
    groups = date_groups(text, inside)
    if len(groups) < 2 or not header.fullmatch(text[ls : groups[0][0].start].strip()):
        return None
    bounds = [g[0].start for g in groups] + [le]
    rows = list(zip(bounds, bounds[1:]))
    words = (text[g[-1].end : e] for g, (_, e) in zip(groups, rows))
    return rows if all(re.search(r"[A-Za-z]{2}", w) for w in words) else None


def _line_items(
    text: str, ls: int, le: int, dates: Sequence[Dated], header: re.Pattern | None = None
) -> list[tuple[int, int]]:
    """The records of one line: the rows of a date-first table; else each ';' part, cut
    after each group of dates that words follow (a flattened list: "MRI 1/2/13, UR 2/3/13
    and 2/9/13, office note 3/4/13")."""
    rows = _date_first(text, ls, le, dates, header)
    if rows is not None:
        return rows
    items = []
    for part in re.finditer(r"[^;]+", text[ls:le]):
        ps, pe = ls + part.start(), ls + part.end()
        inside = [d for d in dates if ps <= d.start and d.end <= pe]
        cut = ps
        for group in date_groups(text, inside):
            rest = text[group[-1].end : pe]
            if CONNECTOR.match(rest) or not re.search(r"[A-Za-z]{2}", rest):
                continue  # nothing but dates or punctuation follows: the part's last record
            if re.match(r"\s*(?:from|by|at|of|with|for|per|to)\b", rest, re.I):
                continue  # the words go on describing this record
            tail = re.match(r"[\s)\].,]*(?:\([^)]{0,40}\))?", rest)
            items.append((cut, group[-1].end + tail.end()))
            cut = group[-1].end + tail.end()
        if re.search(r"[A-Za-z]{2}", text[cut:pe]):
            items.append((cut, pe))
    return items


class Records:
    """The rules that name records (``documents``, ``document_roles``, ``document_link``)
    and the two ways a date is tied to one: an item of the records-reviewed list, or
    "<record> dated <date>" in running text."""

    def __init__(self, rules: dict):
        self.documents = [
            (t, FirstCharRegex(re.compile(p, re.I)), gate_words(rest))
            for t, p, *rest in rules.get("documents", [])
        ]
        self.document_roles = rules.get("document_roles", {})
        self.document_link = re.compile(rules.get("document_link", r"\s*$"), re.I)
        # a link (anchored at the end of the text before a date) holds at most this many
        # non-space characters, so it is looked for only in that tail; the bound worked
        # out from the regex (plus one: the tail then starts before any whitespace the
        # link starts with) is usually much tighter than the rules' figure
        self.document_link_chars = rules.get("document_link_chars")
        header = rules.get("date_first_header")
        self.date_first_header = re.compile(header, re.I) if header else None
        bound = max_non_space(self.document_link)
        if bound is not None and (self.document_link_chars is None or bound + 1 < self.document_link_chars):
            self.document_link_chars = bound + 1

    def document_type(self, text: str) -> str | None:
        """The kind of record ``text`` names: the first ``documents`` rule that matches."""
        low = text.lower()
        for typ, pat, words in self.documents:
            if gate_open(words, low) and pat.search(text):
                return typ
        return None

    # -- the list of records reviewed ----------------------------------------------------
    def list_items(self, text: str, start: int, end: int, dates: Sequence[Dated]) -> list[tuple[int, int]]:
        """(start, end) of each record in a list of documents: one per line (wrapped lines
        joined), and, in a line that holds several records (a flattened list), one per
        group of dates with the words before it (in a date-first table, after it)."""
        out = []
        for ls, le in _list_lines(text, start, end):
            items = _line_items(text, ls, le, dates, self.date_first_header)
            for s, e in (_trim(text, s, e) for s, e in items):
                if e - s >= 3:
                    out.extend(self._split_guideline(text, s, e) if len(items) > 1 else [(s, e)])
        return out

    def _split_guideline(self, text: str, s: int, e: int) -> list[tuple[int, int]]:
        """In a flattened list, a guideline title glued to the next record
        ("... Treatment Guidelines Request for IRO dated ...") is a record of its own."""
        words = text[s:e]
        others = [m.start() for t, p, _ in self.documents if t != "guideline" for m in [p.search(words)] if m]
        if not others:
            return [(s, e)]
        k = min(others)
        for t, p, _ in self.documents:
            if t != "guideline":
                continue
            ends = [m.end() for m in p.finditer(words[:k])]
            if ends and GUIDELINE_TAIL.fullmatch(words[ends[-1] : k]):
                return [(s, s + len(words[:k].rstrip())), (s + k, e)]
        return [(s, e)]

    def section_items(self, doc: Doc, text: str, found: Sequence[Dated]) -> list[tuple[int, int]]:
        """The records listed in each records-reviewed section, below its heading (an
        upper-case heading line) or after its first colon."""
        items = []
        for sec in doc.spans.get("sections", []):
            if sec.label_ != "records_reviewed":
                continue
            body = re.match(r"[^\n:]*:?[ \t]*\n?", text[sec.start_char : sec.end_char])
            bs = sec.start_char + (body.end() if body and body.group().strip().isupper() else 0)
            if body and not body.group().strip().isupper():
                colon = text.find(":", sec.start_char, sec.end_char)
                bs = colon + 1 if 0 <= colon - sec.start_char < 150 else sec.start_char
            inside = [f for f in found if bs <= f.start and f.end <= sec.end_char]
            items.extend(self.list_items(text, bs, sec.end_char, inside))
        return items

    def listed(
        self, text: str, items: list[tuple[int, int]], found: Sequence[Dated], info: dict
    ) -> list[tuple]:
        """One (start, end, type, ``_.iro``) per list item; its dates learn their record, and
        take the role its kind implies unless the words named a review or injury date."""
        documents = []
        found_starts = [f.start for f in found]
        for s, e in items:
            k, stop = bisect.bisect_left(found_starts, s), bisect.bisect_left(found_starts, e)
            item_dates = [f for f in found[k:stop] if f.end <= e]
            words = text[s:e]
            for f in reversed(item_dates):
                words = words[: f.start - s] + " " + words[f.end - s :]
            typ = self.document_type(words) or "other"
            clean = re.sub(r"\s+", " ", EMPTY_BRACKETS.sub(" ", words)).strip(" ,;:")
            clean = TRAILING_LINK.sub("", clean).strip(" ,;:")
            offsets = [[f.start, f.end] for f in item_dates]
            iro = {
                "value": typ,
                "document": clean,
                "dates": [f.value for f in item_dates],
                "date_offsets": offsets,
            }
            documents.append((s, e, typ, iro))
            for f in item_dates:
                d = info[(f.start, f.end)]
                d.update(document=clean, document_type=typ, document_offsets=[s, e], listed=True)
                if typ in self.document_roles and d["cue"] not in ("review", "injury"):
                    d["role"] = self.document_roles[typ]
        return documents

    # -- "<record> dated <date>" in running text -----------------------------------------
    def phrase_before(self, text: str, d: Dated, floor: int) -> tuple[int, int] | None:
        """The record named right before '<record> dated <date>' in running text."""
        left = text[floor : d.start]
        pos = tail_start(left, self.document_link_chars)
        if not LINK_WORD.search(left, pos):
            return None  # the link, a part of that tail, holds none of its words either
        link = self.document_link.search(left, pos)
        if link is None or not LINK_WORD.search(link.group()):
            return None
        body_end = floor + link.start()
        s = floor + clause_start(text[floor:body_end])
        seg = text[s:body_end]
        # the last MAX_DOC_WORDS words (``\S+`` runs; ``str.split`` splits on ``\s``)
        head = seg.rsplit(None, MAX_DOC_WORDS)
        if not head or not head[-1].strip():
            return None
        i = len(head[0]) if len(head) > MAX_DOC_WORDS else 0
        s += len(seg) - len(seg[i:].lstrip())
        low = text[s:body_end].lower()
        hits = []
        for _typ, pat, ws in self.documents:
            if gate_open(ws, low):
                hits.extend(pat.finditer(text, s, body_end))
        if not hits:
            return None
        if not LINK_DATED.search(link.group()):
            # "the progress report of 1/15/2014": with a bare "of"/"on" the record ends right there
            if not any(len(text[km.end() : body_end].split()) <= 1 for km in hits):
                return None
        return min(km.start() for km in hits), body_end

    def named(self, text: str, found: Sequence[Dated], info: dict) -> None:
        """Each group of dates outside the list, not a review or injury date, dates the
        record named right before it; a date the words gave no role takes the record's."""
        prev_end = 0
        for group in date_groups(text, found):
            head = group[0]
            floor = max(prev_end, head.start - 200)
            prev_end = group[-1].end
            first = info[(head.start, head.end)]
            if first.get("listed") or first["cue"] in ("injury", "review"):
                continue
            ph = self.phrase_before(text, head, floor)
            if ph is None:
                continue
            words = text[ph[0] : ph[1]]
            typ = self.document_type(words) or "other"
            for f in group:
                d = info[(f.start, f.end)]
                d.update(
                    document=re.sub(r"\s+", " ", words).strip(), document_type=typ, document_offsets=list(ph)
                )
                if d["cue"] == "other" and typ in self.document_roles:
                    d["role"] = self.document_roles[typ]

    # -- the whole step ------------------------------------------------------------------
    def link(self, doc: Doc, text: str, found: Sequence[Dated], info: dict) -> list[tuple]:
        """Tie the dates ``found`` (described in ``info``) to their records: the list of
        records reviewed first, then "<record> dated <date>" anywhere. Returns the listed
        records for ``set_spans``."""
        documents = self.listed(text, self.section_items(doc, text, found), found, info)
        self.named(text, found, info)
        return documents

    @staticmethod
    def set_spans(doc: Doc, documents: list[tuple], taken: set[tuple[int, int]]) -> None:
        """The ``documents`` span group. A list item that is only a date (its range in
        ``taken``) is no document, and its span would share the date's ``_.iro`` (values
        live per character range)."""
        spans = []
        for s, e, typ, iro in documents:
            span = char_span(doc, s, e, typ)
            if span is not None and (span.start_char, span.end_char) not in taken:
                set_iro(span, iro)
                spans.append(span)
        set_group(doc, "documents", spans)
