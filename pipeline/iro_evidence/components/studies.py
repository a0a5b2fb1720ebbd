"""Diagnostic studies: type, body region and the dates that belong to each.

Terms per study type live in ``patterns/studies.json`` (``MRI of the cervical spine``,
``radiographic report``, ``EMG/NCV``, ``lumbar myelogram and post-myelogram CT``).
All-capital abbreviations match case-sensitively (so "Mr." is no MRI). A study takes the
dates written right after it (``dated 10/04/11 and 01/02/12``, ``done 7/9/09``,
``report of 11/15/11``) or right before it (``the December 2008 MRI``); those dates get
the role ``study``. A study preceded by "request for" or "repeat" is marked not done.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from .base import RuleComponent, char_span, compile_alternation, set_group


class StudyMatcher(RuleComponent):
    rules_file = "studies.json"

    def compile(self) -> None:
        r = self.rules
        self.term_type: dict[str, str] = {}
        upper, other = [], []
        for typ, terms in r["types"].items():
            for t in terms:
                self.term_type.setdefault(_key(t), typ)
                (upper if t.replace("/", "").isupper() else other).append(t)
        self.upper_re = compile_alternation(upper, flags=0)
        self.other_re = compile_alternation(other)
        self.region_word: dict[str, str] = {}
        for region, words in r["regions"].items():
            for w in words:
                self.region_word[_key(w)] = region
        self.region_re = compile_alternation(list(self.region_word))
        self.region_window = r.get("region_window", 45)
        self.date_after = re.compile(r["date_after"], re.I)
        self.date_after_max = r.get("date_after_max", 70)
        self.date_before = re.compile(r["date_before"], re.I)
        self.joiner = re.compile(r["date_list_joiner"], re.I)
        self.not_done = re.compile(r["not_done"], re.I)

    def find(self, text: str) -> list[dict]:
        hits = []
        for pat in (self.upper_re, self.other_re):
            for m in pat.finditer(text):
                hits.append((m.start(), m.end(), self.term_type.get(_key(m.group()))))
        hits.sort(key=lambda h: (h[0], -h[1]))
        out, last_end = [], -1
        for s, e, typ in hits:
            if s < last_end or typ is None:
                continue
            out.append({"start": s, "end": e, "type": typ})
            last_end = e
        return out

    def region(self, text: str, s: int, e: int) -> str | None:
        after = re.split(r"[.;\n(]|\bdated\b|\bon\b", text[e : e + self.region_window])[0]
        m = self.region_re.search(after)
        if m:
            return self.region_word[_key(m.group())]
        before = re.split(r"[.;\n,)]", text[max(0, s - 25) : s])[-1]
        found = list(self.region_re.finditer(before))
        if found:
            return self.region_word[_key(found[-1].group())]
        return None

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        dates = (
            [d for d in doc.spans["dates"] if d._.iro and d._.iro.get("value")]
            if "dates" in doc.spans
            else []
        )
        levels = list(doc.spans["levels"]) if "levels" in doc.spans else []
        spans = []
        for f in self.find(text):
            span = char_span(doc, f["start"], f["end"], f["type"])
            if span is None:
                continue
            region = self.region(text, f["start"], f["end"])
            linked = self._dates_for(text, f["start"], f["end"], dates)
            if region is None:
                region = _region_from_levels(span, levels)
            done = not self.not_done.search(text[max(0, f["start"] - 40) : f["start"]])
            for d in linked:
                d._.iro = {**d._.iro, "role": "study", "study": f["type"]}
            span._.iro = {
                "type": f["type"],
                "region": region,
                "done": done,
                "dates": [d._.iro["value"] for d in linked],
                "date_offsets": [[d.start_char, d.end_char] for d in linked],
            }
            spans.append(span)
        set_group(doc, "studies", spans)
        return doc

    def _dates_for(self, text: str, s: int, e: int, dates: list) -> list:
        linked = []
        for d in dates:
            if d.start_char >= e and d.start_char - e <= self.date_after_max:
                gap = text[e : d.start_char]
                if self.date_after.match(gap) or not gap.strip():
                    linked.append(d)
                    # a list of dates: "dated 12/19/11 and 01/04/12"
                    k = dates.index(d) + 1
                    while k < len(dates) and self.joiner.match(
                        text[linked[-1].end_char : dates[k].start_char]
                    ):
                        linked.append(dates[k])
                        k += 1
                    break
        if linked:
            return linked
        for d in reversed(dates):
            if d.end_char <= s and s - d.end_char <= 30:
                gap = text[d.end_char : s]
                if self.region_re.sub("", gap).strip(" ,") in ("", "spine"):
                    if self.date_before.search(text[max(0, d.start_char - 12) : d.start_char]):
                        return [d]
                break
        return []


def _key(term: str) -> str:
    return re.sub(r"\s+", " ", term.lower())


def _region_from_levels(span, levels) -> str | None:
    """The region named by the levels in the study's sentence (C -> cervical, ...)."""
    sent = span.sent if span.doc.has_annotation("SENT_START") else span.doc[:]
    for lv in levels:
        if sent.start_char <= lv.start_char < sent.end_char:
            return {"C": "cervical", "T": "thoracic", "L": "lumbar", "S": "lumbar"}[
                lv.text.strip()[0].upper()
            ]
    return None
