"""Decision facts of a letter: review and injury dates, the IRO reviewer's specialty,
guidelines cited and the service in dispute.

Reads the spans the earlier components made (sections, dates, levels) and the rules in
``patterns/decision.json``. The review date is the date under DATE OF REVIEW (or "Date
notice sent to all parties"); a hearing decision's is its own date at the top; an
external appeal that gives only a year gives the year. The specialty is the IRO
reviewer's only: from the qualifications section, or a sentence about "the IRO
reviewer", never a utilization reviewer's. Guideline names in a printed checklist count
only when their box is checked. Results: ``doc._.iro_case`` and span groups
``guidelines``, ``reviewer`` and ``service``.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from .base import (
    RuleComponent,
    SentenceLookup,
    char_span,
    compile_alternation,
    doc_text,
    ensure_sentences,
    phrase_key,
    set_group,
)

HEARING = re.compile(
    r"DECISION AND ORDER|contested case hearing|Hearing Officer|Administrative Law Judge", re.I
)
YEAR_LINE = re.compile(r"^\s*((?:19|20)\d{2})\s*$", re.M)
IRO_ANCHOR = re.compile(
    r"(?:\bIRO|Independent\s+Review\s+Organization)(?:[\u2019'?]s)?\s+(?:\w+[\s,]+){0,4}?"
    r"(?:reviewer|physician|doctor|surgeon|board)",
    re.I,
)
# sections whose dates are records or headings, not the story of the injury
NOT_HISTORY = ("records_reviewed", "review_date", "case_number", "letter_title", "criteria")
ANCHOR_STOP = re.compile(
    r"\b(?:upheld|uphold|determined|concluded|agreed|relied|found|opined|stated|noted|read|"
    r"denied|explained|reviewed|wrote|cited|overturned|approved|disagreed)\b",
    re.I,
)


HYPHEN_BREAK = re.compile(r"(?<=[A-Za-z])-[ \t]*\r?\n[ \t]*(?=[a-z])")


def unwrap(text: str) -> tuple[str, list[int]]:
    """The text with words hyphenated across lines joined ("Neuro-\\nlogical"), and for
    each of its characters the offset in the original, so matches map back."""
    if "-" not in text:
        return text, list(range(len(text) + 1))
    parts, offsets, last = [], [], 0
    for m in HYPHEN_BREAK.finditer(text):
        parts.append(text[last : m.start()])
        offsets.extend(range(last, m.start()))
        last = m.end()
    parts.append(text[last:])
    offsets.extend(range(last, len(text) + 1))
    return "".join(parts), offsets


class DecisionFacts(RuleComponent):
    rules_file = "decision.json"

    def compile(self) -> None:
        r = self.rules
        self.spec_of = {}
        for spec, words in r["specialties"].items():
            for w in words:
                self.spec_of[phrase_key(w)] = spec
        self.spec_re = compile_alternation(list(self.spec_of))
        self.exclude_after = re.compile(r["reviewer_exclude_after"], re.I)
        self.guidelines = [
            (code, re.compile(p, re.I if not p.startswith(r"\b") or code != "MEDICARE" else 0))
            for code, pats in r["guidelines"].items()
            for p in pats
        ]
        self.guideline_exclude = re.compile(r["guideline_exclude_context"], re.I)
        self.other_within_literature = re.compile(r.get("other_within_literature", r"(?!)"), re.I)
        self.unchecked = re.compile(r["unchecked_box"])
        self.checked = re.compile(r["checked_box"])
        self.any_box = re.compile(r["any_box"])
        self.services = [
            (typ, re.compile(p, re.I if typ not in ("CT",) else 0))
            for typ, pats in r["services"].items()
            for p in pats
        ]
        self.service_fallback = re.compile(r["service_fallback"], re.I)
        counts = r["count"] if isinstance(r["count"], list) else [r["count"]]
        self.count_res = [re.compile(c, re.I) for c in counts]
        self.service_item = re.compile(r.get("service_item", r"(?!)"))
        self.cpt_re = re.compile(r["cpt"])
        self.side_res = {k: re.compile(p, re.I) for k, p in r["side"].items()}
        self.mechanism = re.compile(r["injury_mechanism"], re.I)
        self.external_reviewer = re.compile(r["external_reviewer"], re.I)
        self.not_external = re.compile(r["not_external"], re.I)
        self.board = re.compile(r["board_certified"], re.I)

    # -- specialties ----------------------------------------------------------------
    def specialties_in(self, text: str, base: int = 0) -> list[tuple[int, int, str]]:
        out, seen = [], set()
        text, offsets = unwrap(text)
        for m in self.spec_re.finditer(text):
            if self.exclude_after.search(text[max(0, m.start() - 40) : m.start()] + " "):
                break
            pre = text[max(0, m.start() - 30) : m.start()].lower()
            if "fellowship" in pre or "subspecialty" in pre:
                break
            spec = self.spec_of[phrase_key(m.group())]
            if spec not in seen:
                seen.add(spec)
                out.append((base + offsets[m.start()], base + offsets[m.end() - 1] + 1, spec))
        return out

    def reviewer(self, doc: Doc) -> list[tuple[int, int, str]]:
        text = doc_text(doc)
        for s in doc.spans.get("sections", []):
            if s.label_ == "reviewer":
                found = self.specialties_in(s.text[:400], s.start_char)
                if found:
                    return found
        for sent in doc.sents:
            st = sent.text
            m = IRO_ANCHOR.search(st) or (
                re.search(r"\bthe reviewer\b", st, re.I) if re.search(r"\bIRO\b", st) else None
            )
            if not m:
                continue
            stop = ANCHOR_STOP.search(st, m.end())
            window = st[m.start() : stop.start() if stop else len(st)]
            found = self.specialties_in(window, sent.start_char + m.start())
            if found:
                return found
        # external reviews (IMR, state external appeals): "The physician reviewer is board
        # certified in ..."; never in hearing decisions or UR notices, whose reviewers are not the IRO's
        if HEARING.search(text[:3000]) or self.not_external.search(text):
            return []
        for m in self.external_reviewer.finditer(text):
            end = text.find(".", m.end())
            window = text[m.start() : end if end > 0 else len(text)]
            stop = ANCHOR_STOP.search(window, m.end() - m.start())
            found = self.specialties_in(window[: stop.start() if stop else len(window)], m.start())
            if found:
                return found
        return []

    def board_certified(self, text: str, start: int) -> bool:
        """Board certification stated just before the specialty ("Board Certified in ...")."""
        line_start = max(text.rfind("\n", 0, start), start - 120)
        return bool(self.board.search(text[max(0, line_start) : start]))

    # -- dates --------------------------------------------------------------------
    def review_date(self, doc: Doc) -> tuple[str | None, object]:
        dates = list(doc.spans.get("dates", []))
        for d in dates:
            if d._.iro.get("role") == "review":
                return d._.iro["value"], d
        text = doc_text(doc)
        if HEARING.search(text[:3000]):
            head = HEARING.search(text).start() + 600
            for d in dates:
                if d.start_char > head:
                    break
                if d._.iro.get("format") in ("month_d_y", "numeric", "mon_d_y_slash") and d._.iro.get(
                    "role"
                ) not in (
                    "hearing",
                    "injury",
                ):
                    return d._.iro["value"], d
            return None, None
        m = YEAR_LINE.search(text[:400])
        if m:
            return m.group(1), None
        return None, None

    def injury_date(self, doc: Doc):
        """The date of injury: a date the words call so (or a mask naming it); else the
        date in the history sentence that tells how the injury happened ("fell from a
        ladder on 08/16/10", "On July 9, 2016 he was pulling cable ...")."""
        dates = list(doc.spans.get("dates", []))
        for d in dates:
            if d._.iro.get("cue") == "injury" or d._.iro["role"] == "injury":
                return d
        listed = [
            (s.start_char, s.end_char) for s in doc.spans.get("sections", []) if s.label_ in NOT_HISTORY
        ]
        sentences = SentenceLookup(doc)
        for d in dates:
            if d._.iro["role"] not in ("other", "visit") or d._.iro.get("document"):
                continue
            if any(a <= d.start_char < b for a, b in listed):
                continue
            s0, s1 = sentences.bounds(d.start_char)
            st = doc_text(doc)[s0:s1]
            m = self.mechanism.search(st)
            if m is None:
                continue
            # the date and the mechanism within one clause of each other
            pos = d.start_char - s0
            gap = st[min(pos, m.start()) : max(pos, m.end())]
            if len(gap) < 120 and not re.search(r"[.;]\s", gap):
                return d
        return None

    # -- guidelines ---------------------------------------------------------------
    def guideline_hits(self, original: str) -> list[tuple[int, int, str]]:
        hits = []
        text, offsets = unwrap(original)
        for code, pat in self.guidelines:
            for m in pat.finditer(text):
                line_start = text.rfind("\n", 0, m.start()) + 1
                prefix = text[line_start : m.start()]
                boxes = list(self.any_box.finditer(prefix))
                if boxes and self.unchecked.match(boxes[-1].group()):
                    continue
                around = text[max(0, m.start() - 200) : m.end() + 50]
                if self.guideline_exclude.search(around) and code == "PEER_REVIEWED":
                    continue
                if code == "MEDICARE" and not m.group()[0].isupper():
                    continue
                if code == "OTHER" and self.other_within_literature.search(
                    text[max(0, m.start() - 60) : m.start()]
                ):
                    continue  # a society guideline cited as part of the literature
                hits.append((offsets[m.start()], offsets[m.end() - 1] + 1, code))
        hits.sort()
        out, last = [], -1
        for h in hits:
            if h[0] >= last:
                out.append(h)
                last = h[1]
        return out

    # -- services -----------------------------------------------------------------
    def service_text(self, doc: Doc) -> tuple[int, int] | None:
        """The first paragraph of the service section (after its heading), else the
        service named in a request or ruling ("request for ...", "is not entitled to ...")."""
        text = doc_text(doc)
        for s in doc.spans.get("sections", []):
            if s.label_ != "service":
                continue
            body = text[s.start_char : s.end_char]
            first_line = body.split("\n", 1)[0]
            colon = first_line.find(":")
            if 0 <= colon < 160:
                off = colon + 1
            elif first_line.strip().isupper():
                off = len(first_line)
            else:
                off = 0
            if 0 <= colon < 160 and first_line[colon + 1 :].strip():
                # "Treatment: X" on one line: X and the lines that continue it
                first = re.search(r"\S[^\n]*(?:\n[ \t]*(?=[a-z(\d])[^\n]+)*", body[off:])
            else:
                first = re.search(r"\S[^\n]*(?:\n(?!\s*\n)[^\n]+)*", body[off:])
            if first and not re.fullmatch(r"[A-Z ()]+\s*:?\s*", first.group()):
                return s.start_char + off + first.start(), s.start_char + off + first.end()
        m = self.service_fallback.search(text)
        if m:
            return m.start("svc"), m.end("svc")
        return None

    def service_items(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """A list of services ("a. Work hardening ... b. Repeat FCE ...") split into items."""
        marks = [m for m in self.service_item.finditer(text, start, end)]
        if len(marks) < 2:
            return [(start, end)]
        items = []
        for m, nxt in zip(marks, marks[1:] + [None]):
            e = nxt.start() if nxt else end
            s0 = m.end()
            while e > s0 and text[e - 1].isspace():
                e -= 1
            if e > s0:
                items.append((s0, e))
        return items

    def describe_service(self, doc: Doc, start: int, end: int) -> dict:
        text = doc_text(doc)[start:end]
        types = []
        for typ, pat in self.services:
            if typ not in types and pat.search(text):
                if typ in ("injection", "surgery") and types:
                    continue
                types.append(typ)
        levels = []
        for lv in doc.spans.get("levels", []):
            if start <= lv.start_char < end:
                for v in lv._.iro["value"].split("|"):
                    if v not in levels:
                        levels.append(v)
        side = next((k for k, p in self.side_res.items() if p.search(text)), None)
        count = next((m for p in self.count_res for m in [p.search(text)] if m), None)
        cpts = [m.group() for m in self.cpt_re.finditer(text)]
        return {
            "text": re.sub(r"\s+", " ", text).strip(),
            "types": types,
            "levels": levels,
            "side": side,
            "count": count.group() if count else None,
            "cpt": [re.sub(r"\D", "", c) for c in cpts],
        }

    def __call__(self, doc: Doc) -> Doc:
        ensure_sentences(doc)
        case = dict(doc._.iro_case or {})
        review, review_span = self.review_date(doc)
        if review_span is not None:
            review_span._.iro = {**review_span._.iro, "role": "review"}
        injury_span = self.injury_date(doc)
        injury = injury_span._.iro["value"] if injury_span is not None else None
        if injury_span is not None:
            injury_span._.iro = {**injury_span._.iro, "role": "injury"}
        specs = self.reviewer(doc)
        guide = self.guideline_hits(doc_text(doc))
        svc = self.service_text(doc)
        service = self.describe_service(doc, *svc) if svc else None
        items = self.service_items(doc_text(doc), *svc) if svc else []
        if len(items) > 1:
            service["items"] = [self.describe_service(doc, s, e) for s, e in items]
            for it in service["items"]:
                service["types"] += [t for t in it["types"] if t not in service["types"]]
        # per-service outcome rows carry the normalized service too
        for span in doc.spans.get("outcome", []):
            if span._.iro and span._.iro.get("service"):
                desc = self.describe_service(doc, span.start_char, span.end_char)
                span._.iro = {**span._.iro, **{k: v for k, v in desc.items() if k != "text"}}
        case.update(
            {
                "review_date": review,
                "injury_date": injury,
                "reviewer_specialty": ", ".join(s for _, _, s in specs) or None,
                "guidelines": sorted({g for _, _, g in guide}),
                "service": service,
            }
        )
        doc._.iro_case = case
        groups = {
            "reviewer": [
                (s, e, spec, {"value": spec, "board_certified": self.board_certified(doc_text(doc), s)})
                for s, e, spec in specs
            ],
            "guidelines": [(s, e, g, {"value": g}) for s, e, g in guide],
            "service": (
                [(s, e, "SERVICE", self.describe_service(doc, s, e)) for s, e in items]
                if len(items) > 1
                else [(svc[0], svc[1], "SERVICE", service)]
                if svc
                else []
            ),
        }
        for key, items in groups.items():
            spans = []
            for s, e, label, info in items:
                span = char_span(doc, s, e, label)
                if span is not None:
                    span._.iro = {**(span._.iro or {}), **info}
                    spans.append(span)
            set_group(doc, key, spans)
        return doc
