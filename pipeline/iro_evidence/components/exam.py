"""Physical-exam signs: reflexes, strength, sensation, SLR, Spurling's, atrophy, range of
motion, tenderness, spasm and gait, each with a status, a side and its details.

Reviews turn on what the examination found, so each sign keeps what an analyst checks:
the reflex (biceps, Achilles, ...) and grade (``2+``, ``4/5``), the muscle or myotome,
the dermatome, SLR degrees and position (seated / supine), atrophy circumference.

Rules are regexes per (sign, status) in ``patterns/exam.json``, tried in order so that
"no atrophy" (absent) wins over "atrophy" (present). A rule's pattern is a list of short
phrases built from named parts (``(?&copula)``, ``(?&reflexes)``: the file's ``defs``,
expanded when the rules are compiled), so a new phrasing is one more list entry. A rule
is ``stated`` when its own words give the status ("reflexes are 2+", "negative SLR"):
ConText negation around it then does not flip it. Bare signs ("tenderness", "weakness") take their status from
ConText ("no tenderness or spasm"). A ``contrast`` clause gives a second finding
("positive on the left and negative on the right"). Side comes from the clause around
the sign; left and right together are bilateral.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from spacy.tokens import Doc

from ..matching import FirstCharRegex, Hits, Triggers, rule_words
from .base import RuleComponent, char_span, doc_text, last_match, regexes, set_group, update_iro

GRADE = re.compile(r"(?<![\w/])([0-5][+-]?/5|[0-4]\+|[0-4](?=/4)|trace)(?![\w/])", re.I)


class ExamMatcher(RuleComponent):
    rules_file = "exam.json"

    def compile(self) -> None:
        r = self.rules
        self.exam_rules = []
        for rule in r.get("rules", []):
            if isinstance(rule, dict):
                sign, status, pat, stated = rule["sign"], rule["status"], rule["pattern"], rule["stated"]
                words = tuple(rule.get("triggers") or ())
            else:  # the older list form [sign, status, pattern, stated]
                sign, status, pat, stated = rule
                words = ()
            if isinstance(pat, list):  # phrases, any one of which matches
                pat = "|".join(pat)
            # a sign starts at a word start: "spasm" in "bronchospasm" is none, and the regex
            # engine then skips the middle of words (about 3x faster); FirstCharRegex skips
            # to the letters a match can start with (about 2x faster again)
            rx = FirstCharRegex(re.compile(rf"\b(?:{pat})", re.I))
            words = rule_words(words, rx.pattern)  # none given: the words every match holds
            self.exam_rules.append((sign, status, rx, bool(stated), words))
        # a rule whose words cannot be worked out runs wherever the component's words occur,
        # or everywhere when there are none
        self.triggers = Triggers(r.get("triggers"), [w for *_, w in self.exam_rules])
        if any(not w for *_, w in self.exam_rules) and not r.get("triggers", {}).get("words"):
            self.triggers = Triggers(None)
        self.side_res = {side: re.compile(p) for side, p in r.get("side", {}).items()}
        self.side_window = r.get("side_window", 45)
        self.rx = SimpleNamespace(
            **regexes(r, "symptom_context symptom_after symptom_sentence symptom_after_bare exam_cue")
        )
        self.gloss = re.compile(r["gloss"]) if r.get("gloss") else None
        self.symptom_signs = set(r.get("symptom_signs", ()))
        reach = r.get("negation_reach")
        self.reach = {k: re.compile(reach[k], re.I) for k in ("cue", "item", "closes")} if reach else None
        self.clause_break = FirstCharRegex(re.compile(r.get("clause_break", r"[.;\n]\s"), re.I))
        contrast = r.get("contrast", {})
        self.contrast_re = re.compile(contrast["pattern"], re.I) if contrast else None
        self.contrast_signs = contrast.get("signs", {})
        d = r.get("details", {})
        self.detail_window = d.get("window", 70)
        self.detail_res = {
            k: re.compile(v["pattern"] if isinstance(v, dict) else v, re.I)
            for k, v in d.items()
            if k != "window"
        }
        self.detail_norm = {k: v.get("norm", {}) for k, v in d.items() if isinstance(v, dict)}
        self.sign_details = {k: v for k, v in r.get("sign_details", {}).items() if not k.startswith("_")}

    def find(self, text: str, hits: Hits | None = None) -> list[dict]:
        """Exam facts of ``text`` as dicts (start, end, sign, status, stated, side, details),
        looked for around the trigger words ``hits`` (default: scan ``text``)."""
        if hits is None:
            hits = self.triggers.scan(text)
        if self.gloss is not None and "(" in text:
            # "Straight leg raise (SLR) was positive": the short form reads as spaces (the
            # offsets stay those of the text)
            masked = self.gloss.sub(lambda m: " " * len(m.group()), text)
            if masked != text:
                text = masked
                hits = Hits(text, hits.found, hits.before, hits.after)
        taken: list[tuple[int, int]] = []
        out = []
        for sign, status, pat, stated, words in self.exam_rules:
            for m in self._matches(hits, pat, words, taken):
                s, e = m.span()
                if any(s < b and e > a for a, b in taken):
                    continue
                symptom = self.rx.symptom_context.search(text[max(0, s - 40) : s])
                if symptom or self.rx.symptom_after.match(text, e):
                    continue  # "complains of weakness", "weakness/tingling": symptoms, not exam signs
                if not stated and sign in self.symptom_signs and self.symptom(text, s, e):
                    continue
                taken.append((s, e))
                if not stated and self.out_of_reach(text, s):
                    stated = True  # the negation before it is another item's
                fact = {"start": s, "end": e, "sign": sign, "status": status, "stated": stated}
                fact.update(side=self.side(text, s, e), **self.details(text, s, e, sign))
                out.append(fact)
                extra = self.contrast(text, fact)
                if extra and not any(extra["start"] < b and extra["end"] > a for a, b in taken):
                    taken.append((extra["start"], extra["end"]))
                    out.append(extra)
        return self.merge(text, sorted(out, key=lambda f: f["start"]))

    @staticmethod
    def _matches(hits: Hits, pat, words, taken: list[tuple[int, int]]):
        """``hits.finditer(pat, words)``, except that a match overlapping a finding already
        taken is tried again from that finding's end: "Achilles reflexes were absent and
        patellar reflexes were 2+" holds a second finding inside the first's overlong match."""
        text = hits.text
        for lo, hi in hits.windows(words):
            pos = lo
            while pos < hi:
                m = pat.search(text, pos, hi)
                if m is None:
                    break
                yield m
                s, e = m.span()
                nxt = e if e > s else s + 1
                if (s, e) not in taken:
                    ends = [b for a, b in taken if s < b < e and a < e]
                    if ends:
                        nxt = max(ends)
                pos = nxt

    def symptom(self, text: str, s: int, e: int) -> bool:
        """A bare sign word that the sentence gives as a symptom ("reported back pain with
        weakness", "pain, numbness and weakness", "weakness and tingling")."""
        if self.rx.symptom_after_bare.match(text, e):
            return True
        before = text[max(0, s - 150) : s]
        cut = max(before.rfind(". "), before.rfind(".\n"), before.rfind(";"), before.rfind("\n\n"))
        cue = last_match(self.rx.symptom_sentence, before, cut + 1)
        return cue is not None and not self.rx.exam_cue.search(before, cue.end())

    def out_of_reach(self, text: str, s: int) -> bool:
        """A bare sign that a negation earlier in its sentence does not reach: the negated item
        before the comma names no exam finding ("without a radicular pattern, tenderness over
        the joints"), and no "or"/"nor" closes the list."""
        if self.reach is None:
            return False
        before = text[max(0, s - 150) : s]
        before = before[max(before.rfind(". "), before.rfind(";"), before.rfind("\n\n")) + 1 :]
        cue = last_match(self.reach["cue"], before)
        if cue is None:
            return False
        rest = before[cue.end() :]
        if "," not in rest:
            return False
        item, after = rest.split(",", 1)
        return not self.reach["item"].search(item) and not self.reach["closes"].search(after)

    def merge(self, text: str, facts: list[dict]) -> list[dict]:
        """One finding per phrase: "weakness of the right EHL graded 4/5" is one strength fact."""
        out: list[dict] = []
        for f in facts:
            prev = out[-1] if out else None
            if (
                prev is not None
                and (prev["sign"], prev["status"]) == (f["sign"], f["status"])
                and f["start"] - prev["end"] <= 60
                and not re.search(r"[.;,]|\band\b", text[prev["end"] : f["start"]])
            ):
                merged = {**prev, "end": f["end"], "stated": prev["stated"] or f["stated"]}
                merged["side"] = self.side(text, prev["start"], f["end"])
                out[-1] = {**merged, **self.details(text, prev["start"], f["end"], f["sign"])}
                continue
            out.append(f)
        return out

    def _clause(self, text: str, s: int, e: int, window: int) -> tuple[str, str]:
        """Words before and after the sign, cut at the clause boundaries around it (what
        ``clause_break.split(before)[-1]`` and ``.split(after)[0]`` give)."""
        before = text[max(0, s - window) : s]
        cut = last_match(self.clause_break, before)
        right = text[e : e + window]
        m = self.clause_break.search(right)
        return before[cut.end() if cut else 0 :], right if m is None else right[: m.start()]

    def side(self, text: str, s: int, e: int) -> str | None:
        """The side named in the sign's own words, else after it in its clause, else the
        nearest before it ("Reflexes: right knee 2+, left knee 1+"); left and right together
        are bilateral."""
        left_ctx, right_ctx = self._clause(text, s, e, self.side_window)
        both = self.side_res.get("bilateral")
        for where, ctx in enumerate((text[s:e], right_ctx, left_ctx)):
            if both is not None and both.search(ctx):
                return "bilateral"
            hits = [
                (m.start(), side)
                for side, pat in self.side_res.items()
                if side != "bilateral"
                for m in pat.finditer(ctx)
            ]
            if not hits:
                continue
            if where == 2:  # before the sign: the nearest
                return max(hits)[1]
            sides = {side for _, side in hits}
            return "bilateral" if len(sides) > 1 else sides.pop()
        return None

    def details(self, text: str, s: int, e: int, sign: str) -> dict:
        """The grade, and the details the sign takes (``sign_details``), read in its clause."""
        left, right = self._clause(text, s, e, self.detail_window)
        clause = f"{left}{text[s:e]}{right}"
        own = text[s:e]
        out: dict = {}
        g = GRADE.search(own)
        out["grade"] = g.group(1) if g else None
        if out["grade"] is None and sign in ("strength", "reflexes"):
            g = GRADE.search(right[:25])
            out["grade"] = g.group(1) if g else None

        def first(key: str, where: str) -> str | None:
            pat = self.detail_res.get(key)
            m = pat.search(where) if pat else None
            if not m:
                return None
            val = next(x for x in m.groups() if x) if m.groups() else m.group()
            val = re.sub(r"\s+", " ", val).lower()
            return self.detail_norm.get(key, {}).get(val, val)

        for key, how in self.sign_details.get(sign, {}).items():
            val = first(key, right if "after" in how else clause)
            if "upper" in how:
                val = (val or "").upper() or None
            out[key] = (float(val) if val else None) if "number" in how else val
        if sign == "atrophy":
            circumference = self.detail_res.get("circumference")
            m = circumference.search(clause) if circumference else None
            if m:
                num, unit = [x for x in m.groups() if x][:2]
                out["circumference"] = f"{num} {unit.lower()[:2] if unit.lower() != 'mm' else 'mm'}"
        return out

    def contrast(self, text: str, fact: dict) -> dict | None:
        """ "positive on the left and negative on the right": the second finding."""
        words = self.contrast_signs.get(fact["sign"])
        if not words or self.contrast_re is None:
            return None
        m = self.contrast_re.match(text, fact["end"], fact["end"] + 130)
        if not m:
            return None
        status = words.get(m.group("word").lower())
        side = m.group("side1") or m.group("side2") or m.group("side3")
        if not status or not side:
            return None
        s, e = m.start("word"), m.end("word")
        return {
            "start": s,
            "end": e,
            "sign": fact["sign"],
            "status": status,
            "stated": True,
            "side": {"both": "bilateral", "l": "left", "r": "right"}.get(side.lower(), side.lower()),
            **self.details(text, s, e, fact["sign"]),
        }

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        text = doc_text(doc)
        for f in self.find(text, self.triggers.hits(doc)):
            span = char_span(doc, f["start"], f["end"], f["sign"])
            if span is not None:
                update_iro(span, {k: v for k, v in f.items() if k not in ("start", "end")})
                spans.append(span)
        set_group(doc, "exam", spans)
        return doc
