"""Sizes in millimetres: ``3mm``, ``3-4 mm``, ``0.4 cm``, ``a 2.5-mm``, ``5 x 7 mm``, ``4 millimeters``,
and in words: ``a five millimeter difference``, ``between two and three millimeters``.

Each dimension of a size becomes one span in ``doc.spans["measurements"]`` with
``value_mm`` (cm times 10) and, for a range, ``value_max_mm``. Pressures (mmHg), rates
(mm/hr), hardware, incisions, distances walked and needle sizes are no findings and are
skipped, and so are a guideline's cut-offs ("more than 4.5 mm of translation"); doses,
degrees and percentages never match because their units are not lengths.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from ..matching import runs_before
from .base import RuleComponent, char_span, doc_text, set_group

NUM = re.compile(r"\d+(?:\.\d+)?|\.\d+")
DIMENSION_SPLIT = re.compile(r"\s*(?:[x\u00d7]|by)\s*")


class MeasurementMatcher(RuleComponent):
    rules_file = "measurements.json"

    def compile(self) -> None:
        r = self.rules
        self.size_re = re.compile(r["size"], re.I)
        self.not_after = re.compile(r["not_after"], re.I)
        self.not_before = re.compile(r["not_before"], re.I)
        self.cm_factor = float(r.get("cm_factor", 10))
        self.after_window = r.get("after_window", 40)
        self.threshold_before = re.compile(r.get("threshold_before", r"(?!)"), re.I)
        self.threshold_context = re.compile(r.get("threshold_context", r"(?!)"), re.I)
        # where 'size' can match: runs of number characters before a unit word
        self.unit_words = [w.lower() for w in r.get("unit_words", [])]
        self.number_run = re.compile(f"{r.get('number_chars', '(?!)')}*", re.I)
        self.unit_chars = int(r.get("unit_chars", 16))
        self.size_words = re.compile(r.get("size_words", r"(?!)"), re.I)
        self.number_words = {k.lower(): float(v) for k, v in r.get("number_words", {}).items()}

    def windows(self, text: str) -> list[tuple[int, int]]:
        """Where 'size' matches can be: from the start of the run of number characters
        before each unit word to ``unit_chars`` after it (the whole text when there are
        no unit words or the lower-cased text would not line up)."""
        return runs_before(text, self.unit_words, self.number_run, self.unit_chars)

    def word_matches(self, text: str, windows: list[tuple[int, int]]) -> list[re.Match]:
        """'size_words' matches ("five millimeter"): they end at a unit word, so they are
        looked for from 40 characters before each window's unit to its end."""
        out, last = [], -1
        for lo, hi in windows:
            for m in self.size_words.finditer(text, max(0, lo - 40, last), hi):
                out.append(m)
                last = m.end()
        return out

    def is_threshold(self, text: str, s: int, e: int) -> bool:
        """A guideline's cut-off ("more than 4.5 mm of translation" that the ODG accepts
        as instability) is a criterion, not a finding of this patient."""
        if not self.threshold_before.search(text[max(0, s - 30) : s]):
            return False
        start = max(text.rfind(". ", 0, s), text.rfind("\n\n", 0, s), s - 200) + 1
        ends = [i for i in (text.find(". ", e), text.find("\n\n", e)) if i >= 0]
        end = min(ends + [e + 200])
        return bool(self.threshold_context.search(text[start:end]))

    def find(self, text: str) -> list[dict]:
        out = []
        windows = self.windows(text)
        sizes = [m for lo, hi in windows for m in self.size_re.finditer(text, lo, hi)]
        for m in sizes + self.word_matches(text, windows):
            if self.not_after.match(text[m.end() : m.end() + self.after_window]):
                continue
            if self.not_before.search(text[max(0, m.start() - 40) : m.start()]):
                continue
            if self.is_threshold(text, m.start(), m.end()):
                continue
            factor = self.cm_factor if m["unit"].lower().startswith("c") else 1.0
            if "w1" in m.re.groupindex:  # in words: one size, or a range of two
                nums = [self.number_words[w.lower()] for w in (m["w1"], m["w2"]) if w]
                dims = [" to ".join(f"{x:g}" for x in nums)]
            else:
                dims = DIMENSION_SPLIT.split(m["nums"])
            for d_i, dim in enumerate(dims):
                parts = [float(x) for x in NUM.findall(dim)]
                if not parts:
                    continue
                lo, hi = round(parts[0] * factor, 3), round(parts[-1] * factor, 3)
                hi = hi if len(parts) > 1 and hi > lo else None
                f = {"start": m.start(), "end": m.end(), "value_mm": lo, "value_max_mm": hi, "dimension": d_i}
                out.append({**f, "unit": m["unit"].lower()})
        return out

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for f in self.find(doc_text(doc)):
            span = char_span(doc, f["start"], f["end"], "SIZE")
            if span is None:
                continue
            # several dimensions share the span's offsets: keep them as a list on one span
            prev = span._.iro if spans and spans[-1] == span else None
            dims = (prev or {}).get("dims", [])
            dims.append([f["value_mm"], f["value_max_mm"]])
            span._.iro = {
                **(span._.iro or {}),
                "value_mm": dims[0][0],
                "value_max_mm": dims[0][1],
                "dims": dims,
                "unit": f["unit"],
            }
            if prev is None:
                spans.append(span)
        set_group(doc, "measurements", spans)
        return doc
