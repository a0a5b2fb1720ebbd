"""Diagnostic studies: type, body region, contrast and the dates that belong to each.

Terms per study type live in ``patterns/studies.json`` (``MRI of the cervical spine``,
``radiographic report``, ``EMG/NCV``, ``lumbar myelogram and post-myelogram CT``).
All-capital abbreviations match case-sensitively (so "Mr." is no MRI) and never right
after a title ("Dr. MR" is a person). A study takes the dates written right after it
(``dated 10/04/11 and 01/02/12``, ``done 7/9/09``, ``that was performed on June 8,
2009``, ``in March, 2005, and later studies on May 3 and October 9, 2007``) or
right before it (``the December 2008 MRI``, ``On 03/20/17 the NCS``); those dates get the
role ``study``. A month and day without a year in such a list takes the year of the date
after it and is added to ``doc.spans["dates"]``. A study that is requested, ordered or
recommended ("requested another myelogram") or said not to exist ("no MRI") is marked
not done, unless the text says it was performed.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from functools import cached_property
from types import SimpleNamespace

from spacy.tokens import Doc

from ..matching import (
    FirstCharRegex,
    Folded,
    Hits,
    Triggers,
    can_fold,
    compile_alternation,
    doc_lower,
    phrase_key,
)
from .base import (
    RuleComponent,
    SentenceLookup,
    char_span,
    doc_text,
    last_match,
    regexes,
    set_group,
    span_ext,
    update_iro,
)
from .dates import MONTH_NAMES
from .extensions import set_iro
from .levels import region_of

# where the words after a study stop, and the clause/sentence/statement breaks before it
PHRASE_END = re.compile(r"[.;\n(]|\bdated\b|\bon\b|\bwhich\b|\bthat\b")
CLAUSE_END = re.compile(r"[.;\n,)]")
SENTENCE_END = re.compile(r"[.;\n]")
STATEMENT_END = re.compile(r"[.;:]\s|\n\s*\n")


def _after_last(pattern: re.Pattern, text: str) -> str:
    """``re.split(pattern, text)[-1]``: the text after the last match."""
    m = last_match(pattern, text)
    return text[m.end() :] if m else text


def compile_letter_first(words: list[str]) -> re.Pattern:
    """``compile_alternation(words, flags=0)``, the same matches, about 4x faster: the
    look-behind that opens it moves behind each group's first letter, so the pattern starts
    with plain letters and the regex engine skips to them instead of trying every place."""
    parts = sorted(set(words), key=len, reverse=True)
    if not parts or not all(p[0].isascii() and not p[0].isspace() for p in parts):
        return compile_alternation(words, flags=0)
    groups: dict[str, list[str]] = {}
    for p in parts:
        body = r"\s+".join(re.escape(t) for t in p.split())
        groups.setdefault(p[0], []).append(body[len(re.escape(p[0])) :])
    alts = "|".join(
        f"{re.escape(k)}(?<![\\w-]{re.escape(k)})(?:{'|'.join(rests)})" for k, rests in groups.items()
    )
    return re.compile(rf"(?:{alts})(?![\w])")


# a line break inside a sentence: the next line goes on in lower case
SOFT_WRAP = re.compile(r"[ \t]*\n[ \t]*(?=[a-z])")


class StudyMatcher(RuleComponent):
    rules_file = "studies.json"

    def compile(self) -> None:
        r = self.rules
        self.term_type: dict[str, str] = {}
        upper, other = [], []
        for typ, terms in r["types"].items():
            for t in terms:
                self.term_type.setdefault(phrase_key(t), typ)
                (upper if t.replace("/", "").replace("-", "").isupper() else other).append(t)
        self.upper_re = compile_letter_first(upper)
        self.other_fold = Folded(compile_alternation(other))
        # the other terms (case-insensitive, the costly regex) run near their trigger words
        self.triggers = Triggers(r.get("triggers"))
        self.region_word = {phrase_key(w): region for region, words in r["regions"].items() for w in words}
        self.region_window = r.get("region_window", 50)
        self.date_after_max = r.get("date_after_max", 70)
        self.anaphor_window = r.get("anaphor_window", 300)
        self.not_done_max = r.get("not_done_max_words", 7)
        self.generic_terms = {phrase_key(t) for t in r.get("generic_terms", [])}
        self.row_date_not_cues = set(r.get("row_date_not_cues", []))
        self.rx = SimpleNamespace(
            **regexes(r, "date_after date_after_yearless date_done anaphor list_gap yearless"),
            **regexes(r, "generic_after_study row_gap row_link shared_date_gap"),
            **regexes(r, "date_tight gap_block before_gap date_before absent_before done_verbs"),
            **regexes(r, "not_done_cue not_done_stop same_day"),
            **regexes(r, "year_follows line_prefix person_before row_separator", flags=0),
        )
        self.contrast = [(name, re.compile(p, re.I)) for name, p in r["contrast"]]
        # the month-and-day looked for over a whole letter: from a word start, skipping to
        # the letters a month name starts with
        self.yearless_scan = FirstCharRegex(re.compile(rf"\b(?:{r['yearless']})", re.I))
        # the region words, read around every study (the costly regex), run folded
        self.region_fold = Folded(compile_alternation(list(self.region_word)))

    def find(self, text: str, near: Hits | None = None, low: str | None = None) -> list[dict]:
        """Study mentions (start, end, type), longest first, no overlaps, no persons; the
        terms that are not all capitals looked for around the trigger words ``near``
        (default: scan ``text``), folded over ``low`` (``text.lower()``) where they can."""
        low = text.lower() if low is None else low
        if near is None:
            near = self.triggers.scan(text, low)
        other, where = self.other_fold.pick(text, low, can_fold(text, low))
        hits = []
        others = (m for lo, hi in near.windows() for m in other.finditer(where, lo, hi))
        for m in (*self.upper_re.finditer(text), *others):
            hits.append((m.start(), m.end(), self.term_type.get(phrase_key(m.group()))))
        hits.sort(key=lambda h: (h[0], -h[1]))
        out, last_end = [], -1
        for s, e, typ in hits:
            if typ is None:
                continue
            if out and out[-1]["type"] == typ and s <= last_end + 1 and not text[last_end:s].strip():
                out[-1]["end"] = last_end = max(e, last_end)  # "venous duplex" + "duplex ultrasound"
                continue
            if s < last_end:
                continue
            if (
                out
                and phrase_key(text[s:e]) in self.generic_terms
                and self.rx.generic_after_study.match(text[last_end:s])
            ):
                continue  # "MRI films": the films of the MRI
            if self.rx.person_before.search(text[max(0, s - 12) : s]):
                continue  # "Dr. MR", "Mr. CT": initials of a person
            out.append({"start": s, "end": e, "type": typ})
            last_end = e
        return out

    def _letter(self, text: str, low: str) -> None:
        """The string the rules read per study, set for one letter: its lower-cased copy
        when that can stand for it (casefold; the rules are case-insensitive), so that the
        region words run folded; else the text itself."""
        self._region, self._src = self.region_fold.pick(text, low, can_fold(text, low))

    def _phrase_after(self, text: str, e: int) -> str:
        """The words after a study term up to its date or the end of the phrase (cut where
        ``text`` says, read from the string the rules read)."""
        after = text[e : e + self.region_window]
        m = PHRASE_END.search(after)  # case-sensitive ("On" starts no date): read in text
        return self._src[e : e + (m.start() if m else len(after))]

    def region(self, text: str, s: int, e: int) -> str | None:
        """The region named after the study in its phrase, else the last one before it in its clause."""
        m = self._region.search(self._phrase_after(text, e))
        if m is None:
            m = last_match(self._region, _after_last(CLAUSE_END, self._src[max(0, s - 25) : s]))
        return self.region_word[phrase_key(m.group())] if m else None

    def contrast_of(self, text: str, s: int, e: int) -> str | None:
        """with / without / with_and_without contrast, from the study's own phrase."""
        window = _after_last(SENTENCE_END, self._src[max(0, s - 25) : s]) + " " + self._phrase_after(text, e)
        return next((name for name, pat in self.contrast if pat.search(window)), None)

    def done(self, s: int, date_gap: str) -> bool:
        """False for a study that is requested/ordered or said not to exist."""
        rules, src = self.rx, self._src
        before = src[max(0, s - 90) : s]
        before = _after_last(STATEMENT_END, before)
        if rules.absent_before.search(before[-40:]):
            return False  # "No x-rays were taken on ...": a date does not make it done
        if date_gap and rules.done_verbs.search(date_gap):
            return True
        cue = last_match(rules.not_done_cue, before)
        if cue is None:
            return True
        between = before[cue.end() :]
        if rules.done_verbs.search(between) or rules.not_done_stop.search(between):
            return True
        return len(between.split()) > self.not_done_max

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        dates = [d for d in doc.spans.get("dates", []) if (iro := span_ext(d)) and iro.get("value")]
        near = _Near(doc)  # levels and sentences, read only for a study whose words name no region
        spans, inferred = [], []
        self._claimed: set[int] = set()  # dates already taken by a study written before
        low = doc_lower(doc)
        self._letter(text, low)
        bounds = ([d.start_char for d in dates], [d.end_char for d in dates])
        found = self.find(text, self.triggers.hits(doc), low)
        rows_first = self._rows_first(text, found, dates, bounds)
        for f in found:
            s, e, typ = f["start"], f["end"], f["type"]
            span = char_span(doc, s, e, typ)
            if span is None:
                continue
            linked, gap = self._dates_for(text, s, e, dates, bounds, s in rows_first)
            region = self.region(text, s, e)
            out = self._link(doc, typ, linked, inferred)
            # a date may share these offsets ("2000?MR"): its keys are kept
            info = {
                "type": typ,
                "region": region if region is not None else near.region(span),
                "contrast": self.contrast_of(text, s, e),
                "done": self.done(s, gap),
                "dates": [span_ext(d)["value"] for d in out],
                "date_offsets": [[d.start_char, d.end_char] for d in out],
            }
            update_iro(span, info)
            spans.append(span)
        self._share_dates(spans)
        spans += self._narrative(doc, text, spans, inferred)
        set_group(doc, "studies", spans)
        if inferred:
            known = {(d.start_char, d.end_char) for d in doc.spans.get("dates", [])}
            extra = [d for d in inferred if (d.start_char, d.end_char) not in known]
            set_group(doc, "dates", list(doc.spans.get("dates", [])) + extra)
        return doc

    def _share_dates(self, spans: list) -> None:
        """'x-rays and CT of the head' after a date: the undated study joined by 'and' to
        a dated one just before it was done on the same dates."""
        for prev, span in zip(spans, spans[1:]):
            p, cur = span_ext(prev), span_ext(span)
            if cur["dates"] or not p["dates"] or not (cur["done"] and p["done"]):
                continue
            if self.rx.shared_date_gap.match(
                self._region.sub(" ", self._src[prev.end_char : span.start_char])
            ):
                set_iro(span, {**cur, "dates": list(p["dates"]), "date_offsets": list(p["date_offsets"])})

    @staticmethod
    def _link(doc: Doc, study: str, linked: list, inferred: list) -> list:
        """The date spans of one study, given the role ``study``; a yearless date completed
        from its list becomes a date span of its own (added to ``inferred``)."""
        out = []
        for d in linked:
            if isinstance(d, tuple):  # a yearless date completed from the list
                s, e, value = d
                d = char_span(doc, s, e, "DATE")
                if d is None:
                    continue
                set_iro(d, {"value": value, "format": "month_d_year_from_list", "role": "study"})
                inferred.append(d)
            set_iro(d, {**span_ext(d), "role": "study", "study": study})
            out.append(d)
        return out

    def _narrative(self, doc: Doc, text: str, spans: list, inferred: list) -> list:
        """Studies dated by a month and day alone ("a CT. The study was done on
        May 4"): the year is the one the narrative has fixed, that of the last full
        date written before. "That scan" / "the study" stands for the study named just
        before it and is returned as a study of its own when it gets such a date."""
        # the month-and-day dates with no year: most letters have none, and then no more work
        loose = self._loose_dates(text) if spans else []
        candidates = self._narrative_candidates(text, spans, loose) if loose else []
        if not candidates:
            return []
        dates = [d for d in doc.spans.get("dates", []) if len((span_ext(d) or {}).get("value") or "") >= 7]
        taken = [(d.start_char, d.end_char) for d in doc.spans.get("dates", [])]
        out = []
        for s, e, span, antecedent in candidates:
            found = self._narrative_date(text, s, e, taken, dates)
            dspan = char_span(doc, found[0], found[1], "DATE") if found else None
            if dspan is None:
                continue
            if span is None:  # an anaphor: a study of its own, of its antecedent's kind
                span = char_span(doc, s, e, antecedent.label_)
                if span is None:
                    continue
                info = {**span_ext(antecedent), "dates": [], "date_offsets": [], "done": True}
                out.append(span)
            else:
                info = {**span_ext(span), "done": True}  # the gap says it was done
            ds, de, value = found
            set_iro(
                dspan,
                {
                    "value": value,
                    "format": "month_d_year_from_narrative",
                    "role": "study",
                    "study": info["type"],
                },
            )
            inferred.append(dspan)
            taken.append((ds, de))
            info.update(dates=[*info["dates"], value], date_offsets=[*info["date_offsets"], [ds, de]])
            set_iro(span, info)
        return out

    def _loose_dates(self, text: str) -> list[int]:
        """Where a month and day with no year after it starts."""
        year = self.rx.year_follows
        return [m.start() for m in self.yearless_scan.finditer(text) if not year.match(text, m.end())]

    def _narrative_candidates(self, text: str, spans: list, loose: list[int]) -> list[tuple]:
        """(start, end, study span or None, antecedent or None) of the undated studies and
        the anaphors ("that scan") a loose date follows closely."""

        def date_follows(e: int) -> bool:
            k = bisect.bisect_right(loose, e)
            return k < len(loose) and loose[k] - e <= self.date_after_max

        candidates = [
            (sp.start_char, sp.end_char, sp, None)
            for sp in spans
            if date_follows(sp.end_char) and not span_ext(sp).get("dates")
        ]
        for k, sp in enumerate(spans):  # an anaphor stands for the study named last before it
            stop = sp.end_char + self.anaphor_window
            if k + 1 < len(spans):
                stop = min(stop, spans[k + 1].start_char)
            if not any(sp.end_char < x < stop + self.date_after_max for x in loose):
                continue
            for m in self.rx.anaphor.finditer(text, sp.end_char, stop):
                if date_follows(m.end()):
                    candidates.append((m.start(), m.end(), None, sp))
        return candidates

    def _narrative_date(
        self, text: str, s: int, e: int, taken: list, dates: list
    ) -> tuple[int, int, str] | None:
        """(start, end, ISO value) of the month and day that dates the study at ``[s, e)``
        ("... was done on May 4"), in the year of the last full date before the study."""
        after = text[e : e + self.date_after_max]
        m = self.rx.yearless.search(after)
        if m is None or self.rx.year_follows.match(text, e + m.end()):
            return None
        ds, de = e + m.start(), e + m.end()
        if any(a < de and ds < b for a, b in taken):
            return None
        gap = SOFT_WRAP.sub(" ", after[: m.start()])
        if not self.rx.date_after.match(gap) or not self.rx.done_verbs.search(gap):
            return None
        before = [d for d in dates if d.end_char <= s]
        value = _month_day(span_ext(before[-1])["value"][:4], m) if before else None
        return (ds, de, value) if value else None

    def _rows_first(self, text: str, found: list[dict], dates: list, bounds: tuple) -> set[int]:
        """Starts of the studies that take the date written just before them, in a letter
        whose records are listed as '<date> <study>' rows ('03/14/2019 Lumbar x-rays
        04/02/2019 EMG/NCS ...' once a table is put on one line): there a date right after
        a study, with no word linking them, is the next row's. The layout is told from
        the ends of the list, in each paragraph (a table is one once canonicalized): rows
        with only a date before (date first) against rows with only a bare date after
        (study first)."""
        starts, ends = bounds
        if not starts or not found:
            return set()
        rules, src, region = self.rx, self._src, self._region
        votes: dict[int, list] = {}  # paragraph start -> [date-first votes, study-first votes, studies]
        for f in found:
            s, e = f["start"], f["end"]
            j = bisect.bisect_right(ends, s) - 1
            gap_b = region.sub(" ", src[ends[j] : s]) if j >= 0 and s - ends[j] <= 40 else None
            b = (
                gap_b is not None
                and bool(self.rx.row_gap.match(gap_b))
                and not self.rx.row_link.search(src[max(0, starts[j] - 16) : starts[j]])
                and span_ext(dates[j]).get("cue") not in self.row_date_not_cues  # "DATE OF REVIEW: ..."
            )
            i = bisect.bisect_left(starts, e)
            a = linked = False
            gap_a = ""
            if i < len(starts) and starts[i] - e <= self.date_after_max:
                gap = src[e : starts[i]]
                gap_a = region.sub(" ", gap)
                a = "\n\n" not in gap and bool(
                    rules.date_tight.match(gap_a) or self.rx.date_after.match(gap_a)
                )
                linked = bool(self.rx.row_link.search(gap_a))
            vote = votes.setdefault(text.rfind("\n\n", 0, s), [0, 0, set()])
            if b and not linked:
                vote[2].add(s)
            if b and a and not linked:  # a bare date on both sides: the separators tell the row
                sep_b, sep_a = (
                    bool(self.rx.row_separator.search(gap_b)),
                    bool(self.rx.row_separator.search(gap_a)),
                )
                vote[0] += sep_b and not sep_a
                vote[1] += sep_a and not sep_b
            vote[0] += b and not a
            vote[1] += a and not linked and not b  # "MRI dated ..." tells no layout
        return {s for first, last, studies in votes.values() if first > last for s in studies}

    def _dates_for(
        self, text: str, s: int, e: int, dates: list, bounds: tuple, row_first: bool = False
    ) -> tuple[list, str]:
        """The dates of one study and the text between the study and its first date
        (``bounds``: the dates' start and end offsets, read once per Doc; ``row_first``:
        the date right before is the study's, see ``_rows_first``)."""
        rules, src, region = self.rx, self._src, self._region
        starts, ends = bounds
        # a records list already tied these dates to the study record the study is named in
        own = [d for d in dates if _in_record(d, s, e)]
        if own:
            return own, ""
        after = before = None
        after_gap = ""
        i = bisect.bisect_left(starts, e)  # the first date starting after the study
        if i < len(dates) and starts[i] - e <= self.date_after_max:
            after_gap = text[e : starts[i]]
            after = i
        for i in range(len(dates) - 1, -1, -1):
            if ends[i] <= s:
                if s - ends[i] <= 40:
                    before = i
                break
        if row_first and before is not None and before not in self._claimed:
            self._claimed.add(before)
            return [dates[before]], ""
        tight = after is not None and rules.date_tight.match(region.sub(" ", src[e : starts[after]]))
        if tight:
            return self._list(text, dates, after, after_gap), after_gap
        if before is not None and before not in self._claimed:
            d = dates[before]
            gap = region.sub(" ", src[d.end_char : s])
            line = text[text.rfind("\n", 0, d.start_char) + 1 : d.start_char]
            lead = rules.date_before.search(src[max(0, d.start_char - 12) : d.start_char])
            if rules.before_gap.match(gap) and (lead or self.rx.line_prefix.match(line)):
                return [d], ""
        if after is not None and (
            not rules.gap_block.search(src[e : starts[after]])
            or self.rx.date_done.search(SOFT_WRAP.sub(" ", after_gap))
        ):
            stripped = SOFT_WRAP.sub(" ", self.rx.date_after_yearless.sub("", after_gap))
            if self.rx.date_after.match(stripped):
                return self._list(text, dates, after, after_gap), after_gap
        k = bisect.bisect_right(ends, s) - 1  # "x-rays the same day": the last date before
        if k >= 0 and self.rx.same_day.match(region.sub(" ", src[e : e + 60])):
            if s - ends[k] <= self.anaphor_window and "\n\n" not in text[ends[k] : s]:
                return [dates[k]], ""
        return [], ""

    def _list(self, text: str, dates: list, i: int, first_gap: str) -> list:
        """Date i and the dates listed after it; yearless days take the next date's year."""
        out: list = []
        m = self.rx.date_after_yearless.search(first_gap)
        if m:
            out += self._yearless(text, dates[i].start_char - len(first_gap) + m.start(), m.group(), dates[i])
        out.append(dates[i])
        k = i + 1
        while k < len(dates):
            gap_start = dates[k - 1].end_char
            m = self.rx.list_gap.match(text[gap_start : dates[k].start_char])
            if not m:
                break
            if m["yearless"]:
                out += self._yearless(text, gap_start + m.start("yearless"), m["yearless"], dates[k])
            out.append(dates[k])
            k += 1
        self._claimed.update(range(i, k))
        return out

    def _yearless(self, text: str, offset: int, chunk: str, nxt) -> list[tuple[int, int, str]]:
        year = (span_ext(nxt).get("value") or "")[:4]
        if not year.isdigit():
            return []
        found = ((m, _month_day(year, m)) for m in self.rx.yearless.finditer(chunk))
        return [(offset + m.start(), offset + m.end(), value) for m, value in found if value]


def _in_record(d, s: int, e: int) -> bool:
    """The date opens a row of a date-first records table ('11/02/2020<TAB>MRI cervical
    spine') whose record is a study (or of no kind the rules name: 'ER record, shoulder
    films'), and the study (s, e) is named in that record."""
    iro = span_ext(d)
    off = iro.get("document_offsets")
    kind_ok = iro.get("listed") and iro.get("document_type") in ("study", "other")
    return bool(
        kind_ok and off and off[0] == d.start_char <= s and e <= off[1]
    )  # the row starts with its date


def _month_day(year: str, m: re.Match) -> str | None:
    """The ISO date of a month-and-day match (groups ``mon``, ``d``) in ``year``; None
    when it is no date (February 30) or the year is none."""
    try:
        return dt.date(int(year), MONTH_NAMES.month(m["mon"].rstrip(".")), int(m["d"])).isoformat()
    except (KeyError, ValueError, TypeError):
        return None


class _Near:
    """A study's region from the levels in its sentence (C5-6: cervical); the Doc's levels
    and sentences are read once, and only when a study's own words name no region."""

    def __init__(self, doc: Doc):
        self.doc = doc

    @cached_property
    def levels(self) -> list:
        return list(self.doc.spans.get("levels", []))

    @cached_property
    def sentences(self) -> SentenceLookup:
        return SentenceLookup(self.doc)

    def region(self, span) -> str | None:
        if not self.levels:
            return None
        s0, s1 = self.sentences.bounds(span.start_char)
        return next(
            (region_of(span_ext(lv)["value"]) for lv in self.levels if s0 <= lv.start_char < s1), None
        )
