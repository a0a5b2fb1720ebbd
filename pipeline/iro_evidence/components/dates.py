"""Dates: every date in a letter, normalized to ISO, with a role, its range partner and
the document it dates; plus one span per record in the list of documents reviewed.

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
range_offsets, document, document_type, document_offsets) and ``documents`` (label = the
kind of record; ``_.iro``: value, document, dates, date_offsets).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from typing import NamedTuple

from dateutil.parser import parserinfo
from spacy.tokens import Doc

from .base import Hits, RuleComponent, Triggers, char_span, doc_lower, doc_text, sentence_starts, set_group
from .extensions import ext_key
from .first_char import FirstCharRegex, max_non_space

MONTH_NAMES = parserinfo()
LABEL_ONLY = re.compile(r"[A-Za-z ]{1,20}:\s*")
BULLET = re.compile(r"[ \t]*(?:[-\u2022*\u25cf\u25aa]|\d{1,3}[.)]|[a-z][.)])?[ \t]*")
CONNECTOR = re.compile(r"^[\s,;:&]*(?:and|&|,|-|\u2013|to|through|thru)?[\s,;:&]*$", re.I)
CONTINUES = re.compile(r"^[ \t]*(?:[a-z(]|and\b|&|\d{1,2}/\d{1,2})")
MAX_DOC_WORDS = 10


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


_TAILS: dict[int, re.Pattern] = {}


def tail_start(text: str, chars: int | None) -> int:
    """Where the shortest end of ``text`` holding ``chars`` non-space characters begins
    (0: the whole text; None: no limit). The reversed text is matched from its start, so
    the regex reads only that end (``\\s`` is ``str.isspace``)."""
    if chars is None:
        return 0
    pat = _TAILS.get(chars)
    if pat is None:
        pat = _TAILS[chars] = re.compile(rf"(?:\s*\S){{{chars}}}")
    m = pat.match(text[::-1])
    return len(text) - m.end() if m else 0


CLAUSE_STOPS = ".;:()\n"
CLAUSE_STOP = re.compile(f"[{re.escape(CLAUSE_STOPS)}]")
LINK_WORD = re.compile(r"dated|of|on|done|performed", re.I)
LINK_DATED = re.compile(r"dated|performed|done|service", re.I)


def clause_start(text: str) -> int:
    """``re.search(r"[^.;:()\\n]*$", text).start()``: after the last stop character (a
    final newline aside, as ``$`` matches before it), without the regex's quadratic scan."""
    body = text[:-1] if text.endswith("\n") else text
    m = CLAUSE_STOP.search(body[::-1])  # the first stop of the reversed text: one C scan
    return len(body) - m.start() if m else 0


def intersect(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Where two sorted lists of disjoint windows overlap."""
    out, i, j, na, nb = [], 0, 0, len(a), len(b)
    while i < na and j < nb:
        (alo, ahi), (blo, bhi) = a[i], b[j]
        lo = alo if alo > blo else blo
        hi = ahi if ahi < bhi else bhi
        if lo < hi:
            out.append((lo, hi))
        if ahi < bhi:
            i += 1
        else:
            j += 1
    return out


def gate_words(rest: list) -> tuple[str, ...]:
    """The words of a [name, regex, words] rule (none: the regex is always tried)."""
    return tuple(w.lower() for w in rest[0]) if rest and rest[0] else ()


class DateTriggers(Triggers):
    """Trigger words plus ``patterns``: named regexes run once over the lower-cased text
    (dates are everywhere a year is, and a year is two or more digits: one pass of
    ``\\d\\d`` finds them all, where ten ``str.find`` of digits would not be cheaper),
    or ``{"from": words, "match": regex}``: the hits of those words where the regex
    matches, a few checks instead of another pass (a month name that is a word, not the
    "dec" of "decision")."""

    def __init__(self, spec: dict | None = None, extra: list[list[str]] | tuple = ()):
        super().__init__(spec, extra)
        self.patterns: dict[str, re.Pattern] = {}
        self.derived: dict[str, tuple[tuple[str, ...], re.Pattern]] = {}
        for name, p in ((spec or {}).get("patterns") or {}).items():
            if isinstance(p, dict):
                self.derived[name] = (tuple(w.lower() for w in p["from"]), re.compile(p["match"]))
            else:
                self.patterns[name] = re.compile(p)
        if self.words:  # the words derived triggers are read from are scanned too
            self.words = sorted({*self.words, *(w for ws, _ in self.derived.values() for w in ws)})
        self.singles = {w for w in self.words if len(w) == 1}

    def scan(self, text: str, lower: str | None = None) -> Hits:
        if not self.words:
            return self.whole(text)
        low = text.lower() if lower is None else lower
        if len(low) != len(text):
            return self.whole(text)
        found: dict[str, list[int]] = {}
        pairs = []
        for w in self.words:
            pat = self.patterns.get(w)
            if pat is not None:
                pos = [m.start() for m in pat.finditer(low)]
                if pos:
                    found[w] = pos
                continue
            if w in self.derived:
                continue
            if len(w) == 2 and (w[0] in self.singles or w[1] in self.singles):
                pairs.append(w)  # read off the hits of its one-character word
                continue
            i = low.find(w)
            if i >= 0:
                pos = []
                while i >= 0:
                    pos.append(i)
                    i = low.find(w, i + 1)
                found[w] = pos
        # pairs ending in a single: one pass over that single's hits for all of them
        ends: dict[str, dict[str, list[int]]] = {}
        for a, b in pairs:
            if b in self.singles:
                ends.setdefault(b, {})[a] = []
            else:
                pos = [i for i in found.get(a, ()) if low[i + 1 : i + 2] == b]
                if pos:
                    found[a + b] = pos
        for b, firsts in ends.items():
            for i in found.get(b, ()):
                got = firsts.get(low[i - 1]) if i else None
                if got is not None:
                    got.append(i - 1)
            for a, pos in firsts.items():
                if pos:
                    found[a + b] = pos
        for name, (ws, pat) in self.derived.items():
            match = pat.match
            if len(ws) == 1:
                pos = [i for i in found.get(ws[0], ()) if match(low, i)]
            else:
                pos = sorted(i for w in ws for i in found.get(w, ()) if match(low, i))
            if pos:
                found[name] = pos
        return Hits(text, found, self.before, self.after)


class Found(NamedTuple):
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
                tuple(f.get("triggers") or ()),
                tuple(f.get("also") or ()),
            )
            for f in r.get("formats", [])
        ]
        self.redactions = []
        for red in r.get("redactions", []):
            if isinstance(red, str):
                red = {"regex": red, "role": None}
            words = tuple(red.get("triggers") or ())
            self.redactions.append((FirstCharRegex(re.compile(red["regex"], re.M)), red.get("role"), words))
        # a rule without its own triggers runs wherever the component's words occur, or
        # everywhere when there are none
        rule_words = [w for _, _, w, _ in self.formats] + [w for *_, w in self.redactions]
        self.triggers = DateTriggers(r.get("triggers"), rule_words + [a for *_, a in self.formats])
        if any(not w for w in rule_words) and not r.get("triggers", {}).get("words"):
            self.triggers = DateTriggers(None)
        self.roles = [
            (role, FirstCharRegex(re.compile(p, re.I)), gate_words(rest))
            for role, p, *rest in r.get("roles", [])
        ]
        self.roles_after = [
            (role, re.compile(p, re.I), gate_words(rest)) for role, p, *rest in r.get("roles_after", [])
        ]
        self.window = r.get("window", 90)
        self.range_re = re.compile(r.get("range", r"^\s*(?:-|to|through)\s*$"), re.I)
        self.documents = [
            (t, FirstCharRegex(re.compile(p, re.I)), gate_words(rest))
            for t, p, *rest in r.get("documents", [])
        ]
        self.document_roles = r.get("document_roles", {})
        self.document_link = re.compile(r.get("document_link", r"\s*$"), re.I)
        # a link (anchored at the end of the text before a date) holds at most this many
        # non-space characters, so it is looked for only in that tail; the bound worked
        # out from the regex (plus one: the tail then starts before any whitespace the
        # link starts with) is usually much tighter than the rules' figure
        self.document_link_chars = r.get("document_link_chars")
        bound = max_non_space(self.document_link)
        if bound is not None and (self.document_link_chars is None or bound + 1 < self.document_link_chars):
            self.document_link_chars = bound + 1

    # -- finding ------------------------------------------------------------------------
    def find(self, text: str, hits: Hits | None = None) -> list[Found]:
        """Every date and mask, earlier rules winning overlaps, in text order, looked for
        around the trigger words ``hits`` (default: scan ``text``)."""
        if hits is None:
            hits = self.triggers.scan(text)
        starts: list[int] = []  # the dates taken so far: sorted, never overlapping
        ends: list[int] = []
        found = []

        def take(s: int, e: int) -> bool:
            k = bisect.bisect_right(starts, s)
            if (k and ends[k - 1] > s) or (k < len(starts) and starts[k] < e):
                return False  # overlaps the date before or the one after
            starts.insert(k, s)
            ends.insert(k, e)
            return True

        for pat, role, words in self.redactions:
            for m in hits.finditer(pat, words):
                if take(m.start(), m.end()):
                    found.append(Found(m.start(), m.end(), "redacted", "redacted", role))
        both: dict[tuple, list[tuple[int, int]]] = {}
        for fid, pat, words, also in self.formats:
            windows = hits.windows(words)
            if also and hits.found is not None:  # near one of each: a month name and digits
                if (words, also) not in both:
                    both[(words, also)] = intersect(windows, hits.windows(also))
                windows = both[(words, also)]
            for m in (m for lo, hi in windows for m in pat.finditer(text, lo, hi)):
                s, e = m.span()
                k = bisect.bisect_right(starts, s)
                if (k and ends[k - 1] > s) or (k < len(starts) and starts[k] < e):
                    continue
                value = normalize(m.groupdict())
                if value:
                    take(s, e)
                    found.append(Found(s, e, value, fid))
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
                if _gate_open(words, low) and pat.match(right):
                    return name
        return self._nearest(text[floor:start])

    def _nearest(self, left: str) -> str:
        best, best_pos = "other", -1
        low = left.lower()
        for role, pat, words in self.roles:
            if not _gate_open(words, low):
                continue
            for m in pat.finditer(left):
                if m.end() > best_pos:
                    best, best_pos = role, m.end()
        return best

    def document_type(self, text: str) -> str | None:
        low = text.lower()
        for typ, pat, words in self.documents:
            if not _gate_open(words, low):
                continue
            if pat.search(text):
                return typ
        return None

    # -- documents ------------------------------------------------------------------------
    def _groups(self, text: str, dates: list[Found]) -> list[list[Found]]:
        """Dates joined by 'and', ',', 'through' (one document's dates) form a group."""
        groups: list[list[Found]] = []
        for d in dates:
            if groups and CONNECTOR.match(text[groups[-1][-1].end : d.start]):
                groups[-1].append(d)
            else:
                groups.append([d])
        return groups

    def list_items(self, text: str, start: int, end: int, dates: list[Found]) -> list[tuple[int, int]]:
        """(start, end) of each record in a list of documents: one per line (wrapped lines
        joined), and, in a line that holds several records (a flattened list), one per
        group of dates with the words before it."""
        lines = []
        for m in re.finditer(r"[^\n]+", text[start:end]):
            s, e = start + m.start(), start + m.end()
            if not text[s:e].strip():
                continue
            if lines and CONTINUES.match(text[s:e]) and not BULLET.match(text[s:e]).group().strip():
                lines[-1] = (lines[-1][0], e)
            else:
                lines.append((s, e))
        out = []
        for ls, le in lines:
            items = []
            for part in re.finditer(r"[^;]+", text[ls:le]):
                ps, pe = ls + part.start(), ls + part.end()
                inside = [d for d in dates if ps <= d.start and d.end <= pe]
                cut = ps
                for group in self._groups(text, inside):
                    rest = text[group[-1].end : pe]
                    tail = re.match(r"[\s)\].,]*(?:\([^)]{0,40}\))?", rest)
                    if CONNECTOR.match(rest) or not re.search(r"[A-Za-z]{2}", rest):
                        continue
                    if re.match(r"\s*(?:from|by|at|of|with|for|per|to)\b", rest, re.I):
                        continue
                    items.append((cut, group[-1].end + tail.end()))
                    cut = group[-1].end + tail.end()
                if re.search(r"[A-Za-z]{2}", text[cut:pe]):
                    items.append((cut, pe))
            for s, e in items:
                b = BULLET.match(text, s)
                s = b.end() if b else s
                while s < e and text[s] in " \t,.;:":
                    s += 1
                while e > s and text[e - 1] in " \t,;:":
                    e -= 1
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

    def _phrase_before(self, text: str, d: Found, floor: int) -> tuple[int, int] | None:
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
            if ws:
                for w in ws:
                    if w in low:
                        break
                else:
                    continue
            hits.extend(pat.finditer(text, s, body_end))
        if not hits:
            return None
        if not LINK_DATED.search(link.group()):
            # "the progress report of 1/15/2014": with a bare "of"/"on" the record ends right there
            if not any(len(text[km.end() : body_end].split()) <= 1 for km in hits):
                return None
        return min(km.start() for km in hits), body_end

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        sent_starts = sentence_starts(doc)[1]
        found = self.find(text, self.triggers.scan(text, doc_lower(doc)))
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
        # ranges: "from 4/20/15 through 7/24/15", "12/05/2016 to 01/27/2017"
        for a, b in zip(found, found[1:]):
            if a.value != "redacted" and b.value != "redacted" and self.range_re.match(text[a.end : b.start]):
                info[(a.start, a.end)].update(range="start", range_offsets=[b.start, b.end])
                info[(b.start, b.end)].update(range="end", range_offsets=[a.start, a.end])
        # documents: the list of records reviewed, then "<record> dated <date>" anywhere
        doc_items = []
        for sec in doc.spans.get("sections", []):
            if sec.label_ != "records_reviewed":
                continue
            body = re.match(r"[^\n:]*:?[ \t]*\n?", text[sec.start_char : sec.end_char])
            bs = sec.start_char + (body.end() if body and body.group().strip().isupper() else 0)
            if body and not body.group().strip().isupper():
                colon = text.find(":", sec.start_char, sec.end_char)
                bs = colon + 1 if 0 <= colon - sec.start_char < 150 else sec.start_char
            inside = [f for f in found if bs <= f.start and f.end <= sec.end_char]
            doc_items.extend(self.list_items(text, bs, sec.end_char, inside))
        in_list = set()
        documents = []
        found_starts = [f.start for f in found]
        for s, e in doc_items:
            k = bisect.bisect_left(found_starts, s)
            item_dates = []
            while k < len(found) and found[k].start < e:
                if found[k].end <= e:
                    item_dates.append(found[k])
                k += 1
            words = text[s:e]
            for f in reversed(item_dates):
                words = words[: f.start - s] + " " + words[f.end - s :]
            typ = self.document_type(words) or "other"
            clean = re.sub(r"\s+", " ", re.sub(r"\(\s*\)|\[\s*\]", " ", words)).strip(" ,;:")
            clean = re.sub(r"\s*(?:\b(?:dated|and|through|to|from|on|of)\b\s*)+$", "", clean).strip(" ,;:")
            documents.append(
                (
                    s,
                    e,
                    typ,
                    {
                        "value": typ,
                        "document": clean,
                        "dates": [f.value for f in item_dates],
                        "date_offsets": [[f.start, f.end] for f in item_dates],
                    },
                )
            )
            for f in item_dates:
                in_list.add((f.start, f.end))
                d = info[(f.start, f.end)]
                d.update(document=clean, document_type=typ, document_offsets=[s, e], listed=True)
                if typ in self.document_roles and d["cue"] not in ("review", "injury"):
                    d["role"] = self.document_roles[typ]
        prev_end = 0
        for group in self._groups(text, found):
            head = group[0]
            floor = max(prev_end, head.start - 200)
            prev_end = group[-1].end
            if (head.start, head.end) in in_list or info[(head.start, head.end)]["cue"] in (
                "injury",
                "review",
            ):
                continue
            ph = self._phrase_before(text, head, floor)
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
        spans = []
        store = doc.user_data  # where span._.iro keeps its value (no Underscore per span)
        for f in found:
            span = char_span(doc, f.start, f.end, "DATE")
            if span is not None:
                store[ext_key("iro", span.start_char, span.end_char)] = info[(f.start, f.end)]
                spans.append(span)
        set_group(doc, "dates", spans)
        doc_spans = []
        taken = {(sp.start_char, sp.end_char) for sp in spans}
        for s, e, typ, iro in documents:
            span = char_span(doc, s, e, typ)
            # a list item that is only a date is no document, and its span would share the
            # date's ``_.iro`` (values live per character range)
            if span is not None and (span.start_char, span.end_char) not in taken:
                store[ext_key("iro", span.start_char, span.end_char)] = iro
                doc_spans.append(span)
        set_group(doc, "documents", doc_spans)
        return doc


# what may follow a guideline's name within its record: a chapter or edition ("ODG Low Back
# chapter", "ACOEM Guidelines, 2nd Edition")
GUIDELINE_TAIL = re.compile(
    r"(?:[\s,:-]+(?:[A-Z][\w/&'-]*|chapters?|sections?|guidelines?|edition|online|\d{1,4}(?:st|nd|rd|th)?|of|and|the|for|-))*[\s,:-]*"
)


def _gate_open(words: tuple, low: str) -> bool:
    """Whether a rule can match in ``low``: it has no gate words, or one of them occurs
    (every match of the rule contains one)."""
    if not words:
        return True
    for w in words:
        if w in low:
            return True
    return False
