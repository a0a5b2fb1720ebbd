"""Physical-exam signs: reflexes, strength, sensation, SLR, Spurling's, atrophy, range of
motion, tenderness, spasm and gait, each with a status and a side.

Rules are regexes per (sign, status) in ``patterns/exam.json``, tried in order so that
"no atrophy" (absent) wins over "atrophy" (present). Rules whose own words state the
absence are flagged so that ConText does not flip them a second time. The side is the
one named in the clause around the sign (left and right together are bilateral); the
grade, muscle and dermatome words stay in the span text for the evidence table.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from .base import RuleComponent, char_span, set_group

GRADE = re.compile(r"\b([0-4][+-]?/5|[0-4]\+?)(?=\W|$)")
DEGREES = re.compile(r"(\d{1,3})\s*(?:degrees|°)")


class ExamMatcher(RuleComponent):
    rules_file = "exam.json"

    def compile(self) -> None:
        r = self.rules
        self.exam_rules = [
            (sign, status, re.compile(p, re.I), bool(neg)) for sign, status, p, neg in r["rules"]
        ]
        self.side_res = {side: re.compile(p) for side, p in r["side"].items()}
        self.side_window = r.get("side_window", 45)
        self.symptom_re = re.compile(r["symptom_context"], re.I)

    def find(self, text: str) -> list[dict]:
        taken: list[tuple[int, int]] = []
        out = []
        for sign, status, pat, neg in self.exam_rules:
            for m in pat.finditer(text):
                s, e = m.span()
                if any(s < b and e > a for a, b in taken):
                    continue
                if self.symptom_re.search(text[max(0, s - 40) : s]):
                    continue  # "complains of weakness" is a symptom, not an exam sign
                taken.append((s, e))
                out.append(
                    {
                        "start": s,
                        "end": e,
                        "sign": sign,
                        "status": status,
                        "negated_in_pattern": neg,
                        "side": self.side(text, s, e),
                    }
                )
        return sorted(out, key=lambda f: f["start"])

    def side(self, text: str, s: int, e: int) -> str | None:
        lo = max(0, s - self.side_window)
        hi = e + self.side_window
        left_ctx = re.split(r"[.;\n]\s", text[lo:s])[-1]
        right_ctx = re.split(r"[.;\n]\s|,\s+(?:and\s+)?(?:there|he|she|the)\b", text[e:hi])[0]
        found = set()
        for ctx in (text[s:e], left_ctx, right_ctx):
            found |= {side for side, pat in self.side_res.items() if pat.search(ctx)}
            if found:
                break
        if "bilateral" in found or {"left", "right"} <= found:
            return "bilateral"
        return next(iter(found), None)

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        spans = []
        for f in self.find(text):
            span = char_span(doc, f["start"], f["end"], f["sign"])
            if span is None:
                continue
            grade = GRADE.search(span.text)
            deg = DEGREES.search(text[f["end"] : f["end"] + 25])
            span._.iro = {
                **(span._.iro or {}),
                "sign": f["sign"],
                "status": f["status"],
                "side": f["side"],
                "negated_in_pattern": f["negated_in_pattern"],
                "grade": grade.group(1) if grade else None,
                "degrees": float(deg.group(1)) if deg and f["sign"] == "straight_leg_raise" else None,
            }
            spans.append(span)
        set_group(doc, "exam", spans)
        return doc
