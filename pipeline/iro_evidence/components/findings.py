"""Finding frames: each finding and each size linked to its type, level and study.

Finding terms (bulge, protrusion, stenosis, annular tear, ...) become spans in
``doc.spans["findings"]`` with a subtype (foraminal, retrolisthesis, ...), positions
(central, left, ...) and a grade (``moderate`` stenosis, ``grade 1`` anterolisthesis).
Then findings and sizes are linked by rules that follow how letters are written:

- a size's finding is the first term after it in its clause (``1.5 mm bulge/small
  protrusion`` is a bulge), unless the size is predicated of a term before it
  (``osteophyte complex measuring 0.4 cm``), else the nearest before; a word that names
  what is measured (``the thecal sac measured 8 mm``) stands for stenosis;
- the level is the one written right after (``2 mm bulge at L4-5``, with lists: ``2 mm
  bulges at L3-4 and L4-5``), else the nearest before in the clause (``At C4-5 and C6-7
  there are 1-2 mm bulges``), else earlier in the sentence, else, for ``at that level``,
  in the sentence before; ``L4 on L5`` is L4-L5;
- the study is the nearest imaging study before in the sentence, else later in the same
  sentence, else before in the paragraph (a study named in the sentence before).

Sizes keep the links in ``span._.iro`` (``finding``, ``level``, ``study``,
``study_date`` and their offsets); findings keep ``level``, ``study``, ``size_mm``.
Several levels are joined by ``|``.
"""

from __future__ import annotations

import bisect
import re
from types import SimpleNamespace
from typing import NamedTuple

from spacy.tokens import Doc

from ..matching import (
    Folded,
    Hits,
    Triggers,
    can_fold,
    compile_alternation,
    doc_lower,
    phrase_key,
    phrase_triggers,
)
from .base import (
    RuleComponent,
    char_span,
    doc_text,
    last_match,
    regexes,
    sentence_starts,
    set_group,
    span_ext,
    update_iro,
)
from .levels import expand

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}


class _Previous(NamedTuple):
    """The size linked just before: its (finding, label), clause, level and sentence."""

    finding: tuple | None = None
    clause: tuple[int, int] | None = None
    level: object = None
    sent: int = -2


class _Level(NamedTuple):
    """A level a finding or size can be at: a level span, or a vertebra pair ('L4 on L5')."""

    s: int
    e: int
    values: list[str]
    kind: str
    offsets: list[list[int]]
    site: bool = False  # a vertebra named as the site of a finding ("L1 compression")


class FindingLinker(RuleComponent):
    rules_file = "findings.json"

    def compile(self) -> None:
        r = self.rules
        self.term_type: dict[str, str] = {}
        for typ, terms in r["types"].items():
            for t in terms:
                self.term_type.setdefault(phrase_key(t), typ)
        self.term_fold = Folded(compile_alternation(list(self.term_type)))
        # every term contains one of these stems (derived from the terms), every phrase
        # that blocks a term one of its own words: both are looked for only around them
        spec = r.get("triggers") or {}
        self.not_findings_words = tuple(spec.get("not_findings") or ())
        self.term_words = tuple(phrase_triggers(list(self.term_type)))
        self.triggers = Triggers(spec, [self.term_words, self.not_findings_words])
        self.subtype = {phrase_key(t): sub for sub, terms in r["subtypes"].items() for t in terms}
        self.context_type = {phrase_key(t): typ for typ, terms in r["measure_context"].items() for t in terms}
        self.context_re = compile_alternation(list(self.context_type))
        self.position_fold = Folded(compile_alternation(r["positions"]))
        self.severity = Folded(re.compile(r["severity"], re.I))
        self.not_findings = Folded(re.compile(r["not_findings"], re.I))
        self.rx = SimpleNamespace(
            **regexes(r, "position_after listhesis_grade level_list_joiner same_level vertebra_pair"),
            **regexes(r, "level_of_size size_anaphora vertebra_site size_predicate"),
            **regexes(r, "clause_split level_after_block", flags=0),
        )
        self.grade_window = r.get("listhesis_grade_window", 30)
        self.after_chars = r.get("finding_after_chars", 60)
        self.before_chars = r.get("finding_before_chars", 60)
        self.level_after_chars = r.get("level_after_chars", 80)
        self.size_level_back = r.get("size_level_from_sentence_before", False)
        self.measurement_findings = set(r["measurement_findings"])
        self.study_excluded = set(r["study_excluded"])

        # ------------------------------------------------------------------ terms

    def find(self, text: str, hits: Hits | None = None, low: str | None = None) -> list[dict]:
        """Finding terms with type, subtype, positions and grade, looked for around the
        trigger words ``hits`` (default: scan ``text``); the term, position and severity
        regexes run folded over ``low`` (``text.lower()``) where they can (casefold)."""
        low = text.lower() if low is None else low
        if hits is None:
            hits = self.triggers.scan(text, low)
        ok = can_fold(text, low)
        term_re, src = self.term_fold.pick(text, low, ok)
        position_re = self.position_fold.pick(text, low, ok)[0]
        severity = self.severity.pick(text, low, ok)[0]
        not_findings = self.not_findings.pick(text, low, ok)[0]
        windows = hits.windows(self.not_findings_words) if self.not_findings_words else [(0, len(src))]
        blocked = [m.span() for lo, hi in windows for m in not_findings.finditer(src, lo, hi)]
        out = []
        for m in (m for lo, hi in hits.windows(self.term_words) for m in term_re.finditer(src, lo, hi)):
            if any(s <= m.start() < e for s, e in blocked):
                continue
            key = phrase_key(m.group())
            typ = self.term_type[key]
            clause_start = _last_split(self.rx.clause_split, text, m.start())
            before = src[max(clause_start, m.start() - 40) : m.start()]
            positions = [p.group().lower() for p in position_re.finditer(before + " " + m.group())]
            pa = self.rx.position_after.match(text, m.end())
            if pa:
                positions.append((pa["a"] or pa["b"] or pa["c"]).lower())
            grade = None
            if typ == "spondylolisthesis":
                window = text[max(clause_start, m.start() - self.grade_window) : m.end() + self.grade_window]
                g = self.rx.listhesis_grade.search(window)
                if g:
                    grade = f"grade {ROMAN.get(g['g1'].upper(), g['g1'])}"
            if grade is None:
                sev = last_match(severity, before)
                if sev and not term_re.search(before[sev.end() :]):
                    grade = re.sub(r"\s*(?:-|/|\bto\b)\s*", " to ", sev.group().lower())
            out.append(
                {
                    "start": m.start(),
                    "end": m.end(),
                    "finding": typ,
                    "subtype": self.subtype.get(key),
                    "position": sorted(set(positions)),
                    "grade": grade,
                }
            )
        return out

    def __call__(self, doc: Doc) -> Doc:
        findings = []
        text = doc_text(doc)
        low = doc_lower(doc)
        for f in self.find(text, self.triggers.hits(doc), low):
            span = char_span(doc, f["start"], f["end"], f["finding"])
            if span is not None:
                update_iro(span, {k: v for k, v in f.items() if k not in ("start", "end")})
                findings.append(span)
        set_group(doc, "findings", findings)
        self.link(doc, sorted(findings, key=lambda s: (s.start_char, s.end_char)))  # the group's order
        return doc

    # ------------------------------------------------------------------ links
    def link(self, doc: Doc, findings) -> None:
        text = doc_text(doc)
        sizes = list(doc.spans.get("measurements", []))
        cands = self._level_candidates(text, list(doc.spans.get("levels", [])))
        studies = [
            s
            for s in doc.spans.get("studies", [])
            if (iro := span_ext(s)) and iro.get("type") not in self.study_excluded
        ]
        self._text = text
        self._sent_starts = sentence_starts(doc)[1]
        self._sents = list(zip(self._sent_starts, [*self._sent_starts[1:], len(text)]))
        self._link_sizes(text, findings, sizes, cands, studies)
        self._link_findings(text, findings, sizes, cands, studies)

    def _link_sizes(self, text: str, findings, sizes: list, cands, studies: list) -> None:
        """Each size's finding, level and study; a size with no finding of its own takes the
        one before it in the same clause ("4 mm in flexion and 2.5 mm in extension") or, said
        again of a pronoun in the next sentence, its finding and level ("On flexion it
        measured 6 mm")."""
        size_starts = [z.start_char for z in sizes]
        prev = _Previous()
        for size in sizes:
            k, c0, c1 = self._where(text, size.start_char, size.end_char)
            nxt = [s for s in size_starts if s > size.end_char]
            finding, label = self._finding_for_size(text, findings, size, c0, min([c1] + nxt[:1]))
            inherit = finding is None and label is None and prev.finding is not None
            same_clause = inherit and prev.clause == (c0, c1)
            anaphora = (
                inherit
                and not same_clause
                and k - prev.sent <= 1
                and bool(self.rx.size_anaphora.search(text[c0 : size.start_char]))
            )
            if same_clause or anaphora:
                finding, label = prev.finding
            stop = min([size.end_char + self.level_after_chars, c1] + nxt[:1])
            ftype = finding.label_ if finding is not None else None
            level = self._level(text, cands, size.start_char, size.end_char, stop, k, c0, ftype)
            if level is None and (same_clause or anaphora):
                level = prev.level
            if level is None and self.size_level_back:
                level = self._sole_level_before(cands, k, ftype, studies)
            prev = _Previous((finding, label), (c0, c1), level, k)
            offsets = [finding.start_char, finding.end_char] if finding is not None else None
            study = self._study(studies, size.start_char, k)
            update_iro(
                size,
                {"finding": label, "finding_offsets": offsets, **_level_info(level), **_study_info(study)},
            )

    def _link_findings(self, text: str, findings, sizes: list, cands, studies: list) -> None:
        """Each finding's level and study, and the first size linked to it."""
        size_of: dict[tuple[int, int], object] = {}
        for z in sizes:
            offsets = (span_ext(z) or {}).get("finding_offsets")
            if offsets is not None:
                size_of.setdefault(tuple(offsets), z)
        for f in findings:
            k, c0, c1 = self._where(text, f.start_char, f.end_char)
            stop = min(f.end_char + self.level_after_chars, c1)
            level = self._level(text, cands, f.start_char, f.end_char, stop, k, c0, f.label_)
            study = self._study(studies, f.start_char, k)
            size = size_of.get((f.start_char, f.end_char))
            z = span_ext(size) if size is not None else {}
            info = {
                **_level_info(level),
                **_study_info(study),
                "size_mm": z.get("value_mm"),
                "size_max_mm": z.get("value_max_mm"),
                "size_offsets": [size.start_char, size.end_char] if size is not None else None,
            }
            update_iro(f, info)

    def _where(self, text: str, s: int, e: int) -> tuple[int, int, int]:
        """Sentence index and clause bounds of a mention."""
        k = max(0, bisect.bisect_right(self._sent_starts, s) - 1)
        s0, s1 = self._sents[k]
        c0 = max(s0, _last_split(self.rx.clause_split, text, s, s0))
        m = self.rx.clause_split.search(text, e, s1)
        return k, c0, (m.start() if m else s1)

    def _finding_for_size(self, text, findings, size, c0, c1):
        """(finding span or None, case-record label or None) of one size; a finding after
        the size is looked for up to c1 (the clause end or the next size)."""
        s, e = size.start_char, size.end_char
        before = [f for f in findings if max(c0, s - self.before_chars) <= f.start_char and f.end_char <= s]
        after = [f for f in findings if e <= f.start_char < min(c1, e + self.after_chars)]
        ctx = [m for m in self.context_re.finditer(text, max(c0, s - self.before_chars), s)]
        chosen = None
        if before and self.rx.size_predicate.match(text[before[-1].end_char : s]):
            chosen = before[-1]  # "osteophyte complex measuring 0.4 cm"
        elif after:
            chosen = after[0]
        elif before:
            chosen = before[-1]
        if ctx and (chosen is None or chosen.end_char <= ctx[-1].start() < s):
            # "with the canal measuring 9 mm": the measured structure is nearer than the finding
            return None, self.context_type[phrase_key(ctx[-1].group())]
        if chosen is None:
            return None, None
        label = chosen.label_ if chosen.label_ in self.measurement_findings else "other"
        return chosen, label

    def _level_candidates(self, text: str, levels) -> list[_Level]:
        """Disc levels and spans, plus vertebra pairs ('L4 on L5'), plus vertebrae."""
        cands = []
        iros = [span_ext(lv) for lv in levels]
        for i, (lv, iro) in enumerate(zip(levels, iros)):
            s, e, kind = lv.start_char, lv.end_char, iro["kind"]
            site = kind == "vertebra" and bool(self.rx.vertebra_site.match(text[e : e + 40]))
            cands.append(_Level(s, e, iro["value"].split("|"), kind, [[s, e]], site))
            nxt = levels[i + 1] if i + 1 < len(levels) else None
            if nxt is None or {kind, iros[i + 1]["kind"]} - {"vertebra", "root"}:
                continue
            if self.rx.vertebra_pair.match(text[e : nxt.start_char]):
                pair = expand(iro["value"], iros[i + 1]["value"])
                if len(pair) == 1:
                    cands.append(
                        _Level(s, nxt.end_char, pair, "disc", [[s, e], [nxt.start_char, nxt.end_char]])
                    )
        cands.sort(key=lambda c: (c.s, -c.e))
        return cands

    def _usable(self, cand: _Level, ftype: str | None) -> bool:
        return cand.kind in ("disc", "span") or (
            cand.kind == "vertebra" and (ftype == "fracture" or cand.site)
        )

    def _level(self, text, cands, s, e, stop, k, c0, ftype) -> dict | None:
        # 0. the level the size is said of: "at L5-S1 of 6 mm ... and an L4-5 protrusion"
        i = self._last_before(cands, c0, s, ftype)
        if i is not None and self.rx.level_of_size.match(text[cands[i].e : s]):
            return self._extend(text, cands, i, -1)
        # 1. right after: "2 mm bulge at L4-5", "bulges at L3-4 and L4-5"
        for i, c in enumerate(cands):
            if c.s < e or c.s >= stop:
                continue
            if self.rx.level_after_block.search(text[e : c.s]):
                break
            if self._usable(c, ftype):
                return self._extend(text, cands, i, +1)
        # 2. before in the clause, 3. before in the sentence
        s0 = self._sents[k][0]
        for lo in (c0, s0):
            i = self._last_before(cands, lo, s, ftype)
            if i is not None:
                return self._extend(text, cands, i, -1)
        # 4. "at that level": the sentence before
        if k > 0 and self.rx.same_level.search(text[c0:stop]):
            i = self._last_before(cands, self._sents[k - 1][0], s0, ftype)
            if i is not None:
                return self._extend(text, cands, i, -1)
        return None

    def _sole_level_before(self, cands, k, ftype, studies) -> dict | None:
        """A size in a sentence that names no level and no study of its own ("The canal is
        narrowed to 7 mm.") is at the one level the sentence before it names, if it names
        only one (a sentence naming a study starts another report)."""
        if k == 0:
            return None
        (p0, _), (s0, s1) = self._sents[k - 1], self._sents[k]
        if any(s0 <= c.s < s1 for c in cands) or any(s0 <= z.start_char < s1 for z in studies):
            return None
        fits = [i for i, c in enumerate(cands) if p0 <= c.s and c.e <= s0 and self._usable(c, ftype)]
        named = {(cands[i].s, cands[i].e) for i in fits}
        if len(fits) != 1 or len(named) != 1:
            return None
        return self._extend(self._text, cands, fits[0], -1)

    def _last_before(self, cands, lo, s, ftype) -> int | None:
        """The usable candidate in [lo, s) that ends last (of those, the one that starts first)."""
        fits = [i for i, c in enumerate(cands) if c.s >= lo and c.e <= s and self._usable(c, ftype)]
        return max(fits, key=lambda i: (cands[i].e, -cands[i].s), default=None)

    def _extend(self, text, cands, i, step) -> dict:
        """A level and the levels listed with it ('L3-4, L4-5, and L5-S1')."""
        group = [cands[i]]
        j = i + step
        while 0 <= j < len(cands):
            a, b = (group[-1], cands[j]) if step > 0 else (cands[j], group[-1])
            if b.s < a.e:  # overlapping (a pair and its vertebrae)
                j += step
                continue
            if not (cands[j].kind in ("disc", "span") and self.rx.level_list_joiner.match(text[a.e : b.s])):
                break
            group.append(cands[j])
            j += step
        if step < 0:
            group.reverse()
        values, offsets = [], []
        for c in group:
            values += [v for v in c.values if v not in values]
            offsets += c.offsets
        return {"values": values, "offsets": offsets}

    def _study(self, studies, pos: int, k: int):
        s0, s1 = self._sents[k]
        before = [st for st in studies if st.start_char < pos]
        if before and before[-1].start_char >= s0:
            return before[-1]
        later = [st for st in studies if pos < st.start_char < s1]
        if later:
            return later[0]
        if before:
            lo = self._sents[max(0, k - 6)][0]
            st = before[-1]
            if st.start_char >= lo and "\n\n" not in doc_text(st.doc)[st.end_char : pos].replace(" ", ""):
                return st
        return None


def _last_split(pattern: re.Pattern, text: str, pos: int, lo: int = 0) -> int:
    """Where the last match of ``pattern`` in the 400 characters before ``pos`` ends (``lo``: none)."""
    m = last_match(pattern, text, max(lo, pos - 400), pos)
    return m.end() if m else lo


def _level_info(level: dict | None) -> dict:
    if level is None:
        return {"level": None, "level_offsets": None}
    return {"level": "|".join(level["values"]), "level_offsets": level["offsets"]}


def _study_info(study) -> dict:
    if study is None:
        return {"study": None, "study_offsets": None, "study_date": None}
    iro = span_ext(study)
    dates = iro.get("dates") or []
    return {
        "study": iro["type"],
        "study_offsets": [study.start_char, study.end_char],
        "study_date": dates[0] if dates else None,
    }
