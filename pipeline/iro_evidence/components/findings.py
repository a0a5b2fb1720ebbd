"""Finding frames: each size linked to its finding, level and study.

Finding terms (bulge, protrusion, stenosis, ...) become spans in ``doc.spans["findings"]``.
Then every measurement is linked by rules that follow how letters are written:
the finding is the first term after the size in its clause (``1.5 mm bulge/small
protrusion`` is a bulge), else the nearest before; the level is the one written right after
the size (``2 mm bulge at L4-5``), else the nearest before it in the clause (``At L4-5
there is a 4 mm protrusion``), else earlier in the sentence; the study is the nearest one
named before, in the sentence or the two before it.
"""

from __future__ import annotations

import bisect
import re

from spacy.tokens import Doc

from .base import RuleComponent, char_span, compile_alternation, set_group


class FindingLinker(RuleComponent):
    rules_file = "findings.json"

    def compile(self) -> None:
        r = self.rules
        self.term_type = {}
        for typ, terms in r["types"].items():
            for t in terms:
                self.term_type.setdefault(re.sub(r"\s+", " ", t.lower()), typ)
        self.term_re = compile_alternation(list(self.term_type))
        self.position_re = compile_alternation(r["positions"])
        self.clause_split = re.compile(r["clause_split"])
        self.after_chars = r.get("finding_after_chars", 60)
        self.before_chars = r.get("finding_before_chars", 60)

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        findings = []
        for m in self.term_re.finditer(text):
            span = char_span(doc, m.start(), m.end(), self.term_type[re.sub(r"\s+", " ", m.group().lower())])
            if span is None:
                continue
            window = text[max(0, m.start() - 40) : m.start()]
            positions = sorted({p.group().lower() for p in self.position_re.finditer(window)})
            span._.iro = {**(span._.iro or {}), "finding": span.label_, "position": positions}
            findings.append(span)
        set_group(doc, "findings", findings)
        self.link(doc, findings)
        return doc

    def link(self, doc: Doc, findings) -> None:
        text = doc.text
        sizes = list(doc.spans["measurements"]) if "measurements" in doc.spans else []
        levels = list(doc.spans["levels"]) if "levels" in doc.spans else []
        studies = list(doc.spans["studies"]) if "studies" in doc.spans else []
        sents = (
            [(s.start_char, s.end_char) for s in doc.sents]
            if doc.has_annotation("SENT_START")
            else [(0, len(text))]
        )
        sent_starts = [s for s, _ in sents]
        for size in sizes:
            k = bisect.bisect_right(sent_starts, size.start_char) - 1
            s0, s1 = sents[k]
            c0, c1 = self._clause(text, size.start_char, size.end_char, s0, s1)
            finding = self._finding(findings, size, c0, c1)
            level = self._level(text, levels, size, c0, s0, sizes)
            study = self._study(studies, size, sents[max(0, k - 2)][0])
            info = dict(size._.iro or {})
            info.update(
                {
                    "finding": finding.label_ if finding is not None else None,
                    "finding_offsets": [finding.start_char, finding.end_char]
                    if finding is not None
                    else None,
                    "level": level._.iro["value"] if level is not None else None,
                    "level_offsets": [level.start_char, level.end_char] if level is not None else None,
                    "study": study._.iro["type"] if study is not None else None,
                    "study_offsets": [study.start_char, study.end_char] if study is not None else None,
                    "study_date": (study._.iro["dates"] or [None])[0] if study is not None else None,
                }
            )
            size._.iro = info

    def _clause(self, text, s, e, s0, s1):
        c0 = s0
        for m in self.clause_split.finditer(text, s0, s):
            c0 = m.end()
        m = self.clause_split.search(text, e, s1)
        return c0, (m.start() if m else s1)

    def _finding(self, findings, size, c0, c1):
        after = [
            f for f in findings if size.end_char <= f.start_char < min(c1, size.end_char + self.after_chars)
        ]
        if after:
            return after[0]
        before = [
            f
            for f in findings
            if max(c0, size.start_char - self.before_chars) <= f.start_char < size.start_char
        ]
        return before[-1] if before else None

    def _level(self, text, levels, size, c0, s0, sizes):
        nxt = [z.start_char for z in sizes if z.start_char > size.end_char]
        stop = min([size.end_char + 80] + nxt)
        for lv in levels:
            if size.end_char <= lv.start_char < stop and lv._.iro["kind"] in ("disc", "span"):
                if not re.search(r"[,;.]\s", text[size.end_char : lv.start_char]):
                    return lv if lv._.iro["kind"] == "disc" else None
        before = [lv for lv in levels if c0 <= lv.end_char <= size.start_char]
        if not before:
            before = [lv for lv in levels if s0 <= lv.end_char <= size.start_char]
        if before and before[-1]._.iro["kind"] == "disc":
            return before[-1]
        return None

    def _study(self, studies, size, start):
        before = [
            st
            for st in studies
            if start <= st.start_char < size.start_char and st._.iro["type"] not in ("EMG_NCV", "FCE")
        ]
        return before[-1] if before else None
