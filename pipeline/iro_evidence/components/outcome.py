"""The review outcome: upheld, overturned, partially_overturned, or None.

IRO letters mark it with a checkbox (``[ X ] Upheld``, ``☒``, an ``X`` on its own line,
boxes spread over lines) or print only the chosen option; some say it in prose.
Hearing decisions rule on the IRO decision: "is not contrary to the decision of the IRO"
upholds it, "is contrary" overturns it, and "Claimant is (not) entitled" is read against
what the IRO had decided. The issue question ("Is the preponderance ... ?") is no ruling,
so an excerpt that stops before the ruling gives None. Every cue found is a span in
``doc.spans["outcome"]``; the decided value goes to ``doc._.iro_case["outcome"]``.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from .base import RuleComponent, char_span, set_group


class OutcomeDetector(RuleComponent):
    rules_file = "outcome.json"

    def compile(self) -> None:
        r = self.rules
        self.checked = [re.compile(p, re.I) for p in r["checked"]]
        self.option_words = {k: re.compile(p, re.I) for k, p in r["option_words"].items()}
        self.prose = [(v, re.compile(p, re.I)) for v, p in r["prose"]]
        self.entitled = re.compile(r["entitled"], re.M)
        self.iro_decided = re.compile(r["iro_decided"], re.I)
        self.question = re.compile(r["question"])

    def cues(self, text: str, outcome_section: tuple[int, int] | None) -> list[tuple[int, int, str, str]]:
        """(start, end, value, how) for every outcome cue, in document order."""
        cues = []
        for pat in self.checked:
            for m in pat.finditer(text):
                opt = re.sub(r"\s+", " ", m["opt"].lower()).replace(" ", "_")
                cues.append((m.start("opt"), m.end("opt"), opt, "checkbox"))
        if not cues and outcome_section is not None:
            s, e = outcome_section
            body = text[s:e]
            found = {k for k, p in self.option_words.items() if p.search(body)}
            if len(found) == 1:  # only the chosen option printed
                v = found.pop()
                m = self.option_words[v].search(body)
                cues.append((s + m.start(), s + m.end(), v, "printed_option"))
        questions = [m.span() for m in self.question.finditer(text)]

        def in_question(pos: int) -> bool:
            return any(a <= pos < b for a, b in questions)

        for v, pat in self.prose:
            for m in pat.finditer(text):
                if not in_question(m.start()):
                    cues.append((m.start(), m.end(), v, "prose"))
        iro = self.iro_decided.search(text)
        iro_denied = iro is None or "not" in iro["neg"]
        for m in self.entitled.finditer(text):
            if in_question(m.start()):
                continue
            claimant_wins = "not" not in m["neg"]
            v = "overturned" if claimant_wins == iro_denied else "upheld"
            cues.append((m.start("neg"), m.end("neg"), v, "entitled"))
        return sorted(cues)

    def decide(self, cues) -> str | None:
        if not cues:
            return None
        boxes = [c for c in cues if c[3] in ("checkbox", "printed_option")]
        if boxes:
            values = {c[2] for c in boxes}
            if len(values) == 1:
                return values.pop()
            return "partially_overturned" if "partially_overturned" in values else boxes[0][2]
        values = [c[2] for c in cues]
        if "partially_overturned" in values:
            return "partially_overturned"
        entitled = {c[2] for c in cues if c[3] == "entitled"}
        if len(entitled) > 1:
            return "partially_overturned"  # entitled to one service, not to another
        return values[0]

    def __call__(self, doc: Doc) -> Doc:
        outcome_section = None
        if "sections" in doc.spans:
            for s in doc.spans["sections"]:
                if s.label_ == "outcome":
                    outcome_section = (s.start_char, s.end_char)
                    break
        cues = self.cues(doc.text, outcome_section)
        spans = []
        for s, e, v, how in cues:
            span = char_span(doc, s, e, "OUTCOME")
            if span is not None:
                span._.iro = {**(span._.iro or {}), "value": v, "how": how}
                spans.append(span)
        set_group(doc, "outcome", spans)
        case = dict(doc._.iro_case or {})
        case["outcome"] = self.decide(cues)
        doc._.iro_case = case
        return doc
