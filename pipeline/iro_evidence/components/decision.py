"""Decision facts of a letter: review and injury dates, the IRO reviewer's specialty,
guidelines cited and the service in dispute.

Reads the spans the earlier components made (sections, dates, levels) and the rules in
``patterns/decision.json``. The review date is the date under DATE OF REVIEW (or "Date
notice sent to all parties"); a hearing decision's is its own date at the top; an
external appeal that gives only a year gives the year. The specialty is the IRO
reviewer's only: from the qualifications section, or a sentence about "the IRO
reviewer", never a utilization reviewer's. Guideline names in a printed checklist count
only when their box is checked. The service is cut where decision wording begins ("X is
not medically necessary and the denial is upheld" gives X), and ``services`` pairs each
service with its own outcome: the per-service results the outcome component read (a split
decision), else the listed services with the letter's outcome. Results:
``doc._.iro_case`` and span groups ``guidelines``, ``reviewer`` and ``service``.
"""

from __future__ import annotations

import bisect
import re

from spacy.tokens import Doc

from . import wordscan
from .base import (
    Hits,
    RuleComponent,
    SentenceLookup,
    Triggers,
    char_span,
    compile_alternation,
    doc_lower,
    doc_text,
    phrase_key,
    sentence_starts,
    set_group,
    span_ext,
)
from .casefold import Folded, can_fold
from .extensions import set_iro
from .sentences import ensure_sentences

HEARING = re.compile(
    r"DECISION AND ORDER|contested case hearing|Hearing Officer|Administrative Law Judge", re.I
)
DATE_LINE = re.compile(r"[\s.,:*\d]*|[\s\S]{0,40}:\s*")  # what else a date line may hold
# a year standing alone (a paragraph of its own) or right after an external appeal's case
# number ("202105-137927 2021 ..."), at the top of the letter
YEAR_LINE = re.compile(
    r"(?:^|\n)\s*((?:19|20)\d{2})\s*(?:\n|$)|\b\d{6}-\d{5,7}\s+((?:19|20)\d{2})\b(?![-/.]\d)"
)
IRO_ANCHOR = re.compile(
    r"(?:\bIRO|Independent\s+Review\s+Organization)(?:[\u2019'?]s)?[\s,]+(?:\w+[\s,]+){0,4}?"
    r"(?:reviewer|physician|doctor|surgeon|board)",
    re.I,
)
# sections whose dates are records or headings, not the story of the injury
NOT_HISTORY = ("records_reviewed", "review_date", "case_number", "letter_title", "criteria")
ANCHOR_WORDS = ("iro", "independent")  # every IRO_ANCHOR match and "IRO ... the reviewer" hold one
ANCHOR_STOP = re.compile(
    r"\b(?:upheld|uphold|determined|concluded|agreed|relied|found|opined|stated|noted|read|"
    r"denied|explained|reviewed|wrote|cited|overturned|approved|disagreed|"
    # what the reviewer thought, not who the reviewer is ("is of the opinion that ... a neurosurgeon")
    r"opinion|that|without|because)\b",
    re.I,
)

IRO_WORD = re.compile(r"\bIRO\b")
# a bare "X" marking a checklist item ("X ODG - Official Disability Guidelines")
BARE_X = re.compile(r"(?<![\w.(\[/-])X(?=\s+[A-Z])")
SENTENCE_END = re.compile(r"[.;!?]\s+[A-Z]|[.;!?]\s*$")
# anchors of the reviewer's specialty in a sentence, folded (casefold)
ANCHOR_RULES = (Folded(IRO_ANCHOR), Folded(re.compile(r"\bthe reviewer\b", re.I)), Folded(ANCHOR_STOP))

HEARING_WORDS = (
    "decision and order",
    "contested case hearing",
    "hearing officer",
    "administrative law judge",
)


def is_hearing(text: str, low: str) -> bool:
    """A hearing decision: its heading words in the first 3000 characters."""
    head = low[:3000]
    return any(w in head for w in HEARING_WORDS) and bool(HEARING.search(text[:3000]))


def _sections(doc: Doc) -> list[tuple[str, int, int]]:
    """(label, start, end) of the Doc's sections."""
    return [(s.label_, s.start_char, s.end_char) for s in doc.spans.get("sections", [])]


def _search(rule: Folded, text: str, low: str, ok: bool) -> re.Match | None:
    """The first match of a folded rule (its offsets are ``text``'s)."""
    pat, where = rule.pick(text, low, ok)
    return pat.search(where)


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
        self.guidelines = []
        for code, pats in r["guidelines"].items():
            for p in pats:
                p, words = (p["pattern"], tuple(p.get("triggers") or ())) if isinstance(p, dict) else (p, ())
                flags = re.I if not p.startswith(r"\b") or code != "MEDICARE" else 0
                self.guidelines.append((code, Folded(re.compile(p, flags)), words))
        # a pattern without its own triggers runs wherever the component's words occur,
        # or everywhere when there are none
        self.triggers = Triggers(r.get("triggers"), [w for *_, w in self.guidelines])
        if any(not w for *_, w in self.guidelines) and not r.get("triggers", {}).get("words"):
            self.triggers = Triggers(None)
        self.guideline_exclude = re.compile(r["guideline_exclude_context"], re.I)
        self.other_within_literature = re.compile(r.get("other_within_literature", r"(?!)"), re.I)
        self.tmf_as_iro = re.compile(r.get("tmf_as_iro", r"(?!)"), re.I)
        self.unchecked = re.compile(r["unchecked_box"])
        self.checked = re.compile(r["checked_box"])
        self.any_box = re.compile(r["any_box"])
        # one regex per type (describe_service only asks whether one of them matches), tried
        # only when one of the type's trigger words is in the text (None: always tried)
        self.services = []
        for typ, pats in r["services"].items():
            if not pats:
                continue
            pats = [p if isinstance(p, dict) else {"pattern": p} for p in pats]
            alt = "|".join(f"(?:{p['pattern']})" for p in pats)
            words = None
            if all(p.get("triggers") for p in pats):
                words = tuple(sorted({w.lower() for p in pats for w in p["triggers"]}))
            self.services.append((typ, Folded(re.compile(alt, re.I if typ not in ("CT",) else 0)), words))
        # every type's words, looked up once per service text
        self.service_words = sorted({w for *_, words in self.services for w in words or ()})
        self.service_fallback = re.compile(r["service_fallback"], re.I)
        self.service_decision_words = re.compile(r["service_decision_words"], re.I)
        counts = r["count"] if isinstance(r["count"], list) else [r["count"]]
        self.count_res = [Folded(re.compile(c, re.I)) for c in counts]
        self.service_item = re.compile(r.get("service_item", r"(?!)"))
        self.cpt_re = re.compile(r["cpt"])
        self.side_res = {k: Folded(re.compile(p, re.I)) for k, p in r["side"].items()}
        self.mechanism = re.compile(r["injury_mechanism"], re.I)
        self.external_reviewer = re.compile(r["external_reviewer"], re.I)
        self.not_external = re.compile(r["not_external"], re.I)
        self.board = re.compile(r["board_certified"], re.I)
        self.reviewer_for_iro = [re.compile(p, re.I) for p in r.get("reviewer_for_iro", [])]
        # whole-text patterns looked for only near the words their matches contain
        gates = r.get("gates", {})
        self.gates = {
            name: (getattr(self, name), Triggers(gates.get(name)))
            for name in ("not_external", "external_reviewer", "service_fallback")
        }
        for _, gate in self.gates.values():
            wordscan.register(gate)

        # -- specialties ----------------------------------------------------------------
        wordscan.register(self.triggers)  # found in the pass shared with other components

    def specialties_in(self, text: str, base: int = 0) -> list[tuple[int, int, str]]:
        out, seen = [], set()
        for m in self.spec_re.finditer(text):
            if self.exclude_after.search(text[max(0, m.start() - 40) : m.start()] + " "):
                break
            pre = text[max(0, m.start() - 30) : m.start()].lower()
            # fellowship training is no board; a subspecialty certification is
            if "fellowship" in pre or ("subspecialty" in pre and "certif" not in pre):
                break
            spec = self.spec_of[phrase_key(m.group())]
            if spec not in seen:
                seen.add(spec)
                out.append((base + m.start(), base + m.end(), spec))
        return out

    def reviewer(self, doc: Doc, sections: list | None = None) -> list[tuple[int, int, str]]:
        """The IRO reviewer's specialties (``sections``: (label, start, end) of the Doc's)."""
        text = doc_text(doc)
        for label, start, end in sections if sections is not None else _sections(doc):
            if label == "reviewer":
                found = self.specialties_in(text[start:end][:400], start)
                if found:
                    return found
        low = doc_lower(doc)
        ok = can_fold(text, low)  # the anchor rules run folded over the lower-cased sentence
        anchor, the_reviewer, stop_at = (r.pick(text, low, ok)[0] for r in ANCHOR_RULES)
        for sent_start, st in self._anchor_sentences(doc):
            src = low[sent_start : sent_start + len(st)] if ok else st
            m = anchor.search(src) or (the_reviewer.search(src) if IRO_WORD.search(st) else None)
            if not m:
                continue
            stop = stop_at.search(src, m.end())
            window = st[m.start() : stop.start() if stop else len(st)]
            found = self.specialties_in(window, sent_start + m.start())
            if found:
                return found
        for sent_start, st in self._anchor_sentences(doc):
            if not IRO_WORD.search(st) and "independent review" not in st.lower():
                continue
            for pat in self.reviewer_for_iro:
                m = pat.search(st)
                who = m and m["who"]
                if who:
                    stop = ANCHOR_STOP.search(who)
                    found = self.specialties_in(
                        who[: stop.start() if stop else len(who)], sent_start + m.start("who")
                    )
                    if found:
                        return found
        # external reviews (IMR, state external appeals): "The physician reviewer is board
        # certified in ..."; never in hearing decisions or UR notices, whose reviewers are not the IRO's
        if is_hearing(text, low) or next(self.gated("not_external", text, low, doc), None):
            return []
        for m in self.gated("external_reviewer", text, low, doc):
            end = text.find(".", m.end())
            window = text[m.start() : end if end > 0 else len(text)]
            stop = ANCHOR_STOP.search(window, m.end() - m.start())
            found = self.specialties_in(window[: stop.start() if stop else len(window)], m.start())
            if found:
                return found
        return []

    def _anchor_sentences(self, doc: Doc):
        """(start, text) of the sentences that can hold an IRO anchor (they contain "iro"
        or "independent"), in order; making every sentence of a letter a Span and reading
        its text costs more than the search."""
        text, low = doc_text(doc), doc_lower(doc)
        if len(low) != len(text):
            yield from ((sent.start_char, sent.text) for sent in doc.sents)
            return
        toks, chars = sentence_starts(doc)
        ks = set()
        for w in ANCHOR_WORDS:
            i = low.find(w)
            while i >= 0:
                ks.add(bisect.bisect_right(chars, i) - 1)
                i = low.find(w, i + 1)
        toks = [*toks, len(doc)]
        for k in sorted(ks):
            last = doc[toks[k + 1] - 1]  # a sentence's text ends with its last token's
            yield chars[k], text[chars[k] : last.idx + len(last)]

    def gated(self, name: str, text: str, low: str, doc: Doc | None = None):
        """Matches of the whole-text pattern ``name``, looked for near its gate words."""
        pat, gate = self.gates[name]
        if doc is not None and len(low) == len(text):
            hits = wordscan.scan(doc, gate)  # ``text`` is the Doc's: its words from the shared pass
        else:
            hits = gate.scan(text, low) if len(low) == len(text) else gate.whole(text)
        for lo, hi in hits.windows():
            yield from pat.finditer(text, lo, hi)

    def board_certified(self, text: str, start: int) -> bool:
        """Board certification stated just before the specialty ("Board Certified in ...")."""
        line_start = max(text.rfind("\n", 0, start), start - 120)
        return bool(self.board.search(text[max(0, line_start) : start]))

    # -- dates --------------------------------------------------------------------
    def review_date(self, doc: Doc, dates: list | None = None) -> tuple[str | None, object]:
        """(value, span) of the review date (``dates``: (span, span._.iro) of the Doc's dates)."""
        if dates is None:
            dates = [(d, span_ext(d)) for d in doc.spans.get("dates", [])]
        for d, iro in dates:
            if iro.get("role") == "review":
                return iro["value"], d
        text = doc_text(doc)
        if is_hearing(text, doc_lower(doc)):
            head = HEARING.search(text).start() + 600
            for d, iro in dates:
                if d.start_char > head:
                    break
                if iro.get("format") in ("month_d_y", "numeric", "mon_d_y_slash") and iro.get("role") not in (
                    "hearing",
                    "injury",
                ):
                    # the decision's date line, not a date inside a sentence of the opening
                    ls = text.rfind("\n", 0, d.start_char) + 1
                    le = text.find("\n", d.end_char)
                    line = text[ls : le if le >= 0 else len(text)]
                    if DATE_LINE.fullmatch(line.replace(d.text, "", 1)):
                        return iro["value"], d
            return None, None
        m = YEAR_LINE.search(text[:400])
        if m:
            return m.group(1) or m.group(2), None
        return None, None

    def injury_date(self, doc: Doc, dates: list | None = None, sections: list | None = None):
        """The date of injury: a date the words call so (or a mask naming it); else the
        date in the history sentence that tells how the injury happened ("fell from a
        ladder on 08/16/10", "On July 9, 2016 he was pulling cable ...")."""
        if dates is None:
            dates = [(d, span_ext(d)) for d in doc.spans.get("dates", [])]
        for d, iro in dates:
            if iro.get("cue") == "injury" or iro["role"] == "injury":
                return d
        sections = sections if sections is not None else _sections(doc)
        listed = [(start, end) for label, start, end in sections if label in NOT_HISTORY]
        sentences = None
        text = doc_text(doc)
        for d, iro in dates:
            if iro["role"] not in ("other", "visit") or iro.get("document"):
                continue
            if any(a <= d.start_char < b for a, b in listed):
                continue
            if sentences is None:
                sentences = SentenceLookup(doc)
            s0, s1 = sentences.bounds(d.start_char)
            st = text[s0:s1]
            m = self.mechanism.search(st)
            if m is None:
                continue
            # the date and the mechanism within one clause of each other
            pos = d.start_char - s0
            gap = st[min(pos, m.start()) : max(pos, m.end())]
            if len(gap) < 150 and not re.search(r"(?<!\b(?:Mr|Ms|Dr))(?<!\bMrs)[.;]\s", gap):
                return d
        return None

    # -- guidelines ---------------------------------------------------------------
    def find(self, text: str, hits: Hits | None = None, low: str | None = None) -> list[tuple[int, int, str]]:
        """Guidelines cited in ``text``: (start, end, code), looked for around the trigger
        words ``hits`` (default: scan ``text``; ``low``: ``text.lower()``)."""
        return self.guideline_hits(text, hits, low)

    def _checked_only(self, text: str, names: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """The names a printed checklist leaves in: per paragraph (the lines of a list are
        joined in the canonical text), a name counts when the box written next to it is
        marked, before it ("[X] ODG", "( ) ACOEM", "X ODG") or, in a list whose boxes follow
        their labels, after it ("InterQual Criteria [X]"); in a list that marks its items, a
        name with no box of its own (after another item's name) is not checked."""
        starts = [n[0] for n in names]

        def other_name(a: int, b: int, code: str) -> bool:
            i, j = bisect.bisect_left(starts, a), bisect.bisect_left(starts, b)
            return any(names[k][2] != code for k in range(i, j))

        out, para = [], {}
        for s, e, code in names:
            p0 = text.rfind("\n\n", 0, s)
            p0 = 0 if p0 < 0 else p0 + 2
            if p0 not in para:
                p1 = text.find("\n\n", e)
                p1 = len(text) if p1 < 0 else p1
                boxes = self.any_box.finditer(text, p0, p1)
                marks = [(b.start(), b.end(), not self.unchecked.match(b.group())) for b in boxes]
                marks = sorted(marks + [(x.start(), x.end(), True) for x in BARE_X.finditer(text, p0, p1)])
                # boxes after their labels: the list opens with a label, its box follows
                first = next((n for n in names if p0 <= n[0] < p1), None)
                after = bool(marks and first and first[1] <= marks[0][0])
                # a checklist: two marks or more, one of them right before a name
                listed = len(marks) > 1 and any(
                    text[mk[1] : n[0]].strip(" -:\t") == ""
                    for mk in marks
                    for n in names
                    if mk[1] <= n[0] < p1
                )
                para[p0] = (marks, after, listed)
            marks, boxes_after, listed = para[p0]
            if not marks:
                out.append((s, e, code))
                continue
            before = [mk for mk in marks if mk[1] <= s]
            later = [mk for mk in marks if mk[0] >= e]
            if boxes_after and later:
                gap = text[e : later[0][0]]
                if len(gap) <= 120 and not SENTENCE_END.search(gap) and not other_name(e, later[0][0], code):
                    if later[0][2]:  # its own box, after it
                        out.append((s, e, code))
                    continue
            if not boxes_after and before:
                gap = text[before[-1][1] : s]
                if len(gap.strip(" -:\t")) <= 3:
                    if before[-1][2]:  # its own box, before it
                        out.append((s, e, code))
                    continue
                if (
                    listed
                    and ": " in gap
                    and not SENTENCE_END.search(gap)
                    and not other_name(before[-1][1], s, code)
                ):
                    if before[-1][2]:  # named in a marked item ("[X] Other guidelines: NASS ...")
                        out.append((s, e, code))
                    continue
                if not SENTENCE_END.search(gap) and (listed or other_name(before[-1][1], s, code)):
                    continue  # an item of the list with no mark
            out.append((s, e, code))
        return out

    def guideline_hits(
        self, original: str, hits: Hits | None = None, low: str | None = None
    ) -> list[tuple[int, int, str]]:
        """The guideline rules run folded over the lower-cased text where they can (casefold)."""
        # the text is canonical: a word broken at a line end is whole again (layout.py)
        text = original
        low = text.lower() if low is None else low
        if hits is None:
            hits = self.triggers.scan(text, low)
        ok = can_fold(text, low)
        rules = self.guidelines
        if hits.found is not None:  # only the patterns one of whose words occurs
            rules = [g for g in rules if not g[2] or any(w.lower() in hits.found for w in g[2])]
        names = []
        for code, rule, words in rules:
            pat, where = rule.pick(text, low, ok)
            for m in (m for lo, hi in hits.windows(words) for m in pat.finditer(where, lo, hi)):
                if code == "PEER_REVIEWED" and self.guideline_exclude.search(
                    text[max(0, m.start() - 200) : m.end() + 50]
                ):
                    continue
                if code == "MEDICARE" and not text[m.start()].isupper():
                    continue
                if code == "TMF" and self.tmf_as_iro.search(text[m.end() : m.end() + 80]):
                    continue  # the IRO's name, not its screening criteria
                if code == "OTHER" and self.other_within_literature.search(
                    text[max(0, m.start() - 60) : m.start()]
                ):
                    continue  # a society guideline cited as part of the literature
                names.append((m.start(), m.end(), code))
        found = sorted(self._checked_only(text, sorted(set(names))))
        out, last = [], -1
        for h in found:
            if h[0] >= last:
                out.append(h)
                last = h[1]
        return out

    # -- services -----------------------------------------------------------------
    def service_text(self, doc: Doc, sections: list | None = None) -> tuple[int, int] | None:
        """The first paragraph of the service section (after its heading), else the
        service named in a request or ruling ("request for ...", "is not entitled to ...")."""
        text = doc_text(doc)
        for label, start, end in sections if sections is not None else _sections(doc):
            if label != "service":
                continue
            body = text[start:end]
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
                return start + off + first.start(), start + off + first.end()
        m = next(self.gated("service_fallback", text, doc_lower(doc), doc), None)
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

    def service_types(self, text: str, gated: bool = True, low: str | None = None) -> list[str]:
        """The procedure types named in a service description (``gated``: a type is tried
        only when one of its trigger words is in the text; ``low``: ``text.lower()``, over
        which the types' regexes run folded where they can)."""
        low = text.lower() if low is None else low
        ok = can_fold(text, low)
        present = {w for w in self.service_words if w in low} if gated else None
        types: list[str] = []
        for typ, rule, words in self.services:
            if present is not None and words is not None and present.isdisjoint(words):
                continue
            pat, where = rule.pick(text, low, ok)
            if typ not in types and pat.search(where):
                if typ in ("injection", "surgery") and types:
                    continue
                types.append(typ)
        return types

    def describe_service(
        self, doc: Doc, start: int, end: int, levels_at: list[tuple[int, str]] | None = None
    ) -> dict:
        """The service in ``[start, end)`` normalized: types, levels, side, count, CPT codes
        (``levels_at``: (start, value) of the Doc's level spans, read once by the caller)."""
        text = doc_text(doc)[start:end]
        low = text.lower()
        ok = can_fold(text, low)
        types = self.service_types(text, low=low)
        if levels_at is None:
            levels_at = [(lv.start_char, span_ext(lv)["value"]) for lv in doc.spans.get("levels", [])]
        levels = []
        for lv_start, value in levels_at:
            if start <= lv_start < end:
                for v in value.split("|"):
                    if v not in levels:
                        levels.append(v)
        side = next((k for k, p in self.side_res.items() if _search(p, text, low, ok)), None)
        count = next((m for p in self.count_res for m in [_search(p, text, low, ok)] if m), None)
        cpts = [m.group() for m in self.cpt_re.finditer(text)]
        return {
            "text": self.service_name(text),
            "types": types,
            "levels": levels,
            "side": side,
            "count": text[count.start() : count.end()] if count else None,  # as written
            "cpt": [re.sub(r"\D", "", c) for c in cpts],
        }

    def service_name(self, text: str) -> str:
        """A service as written, without the decision wording that may follow it."""
        m = self.service_decision_words.search(text)
        return re.sub(r"\s+", " ", text[: m.start()] if m and m.start() > 2 else text).strip(" .,;:")

    def per_service(self, doc: Doc, service: dict | None, outcome: str | None) -> list[dict]:
        """Each service with its own outcome: the per-service results the outcome rests on
        (a split decision), else the listed services (or the one service) with the letter's
        outcome, which is unknown per service when the decision is split."""
        out, seen = [], set()
        for span in doc.spans.get("outcome", []):
            iro = span_ext(span) or {}
            if iro.get("service") and iro.get("how") not in ("checkbox", "box_row"):
                name = self.service_name(iro["service"])
                if name and (name, iro["value"]) not in seen:
                    seen.add((name, iro["value"]))
                    out.append({"service": name, "outcome": iro["value"]})
        if out or service is None:
            return out
        each = None if outcome == "partially_overturned" else outcome
        items = service.get("items") or [service]
        return [{"service": it["text"], "outcome": each} for it in items if it.get("text")]

    def __call__(self, doc: Doc) -> Doc:
        ensure_sentences(doc)
        text = doc_text(doc)
        case = dict(doc._.iro_case or {})
        dates = [(d, span_ext(d)) for d in doc.spans.get("dates", [])]  # Spans made once
        review, review_span = self.review_date(doc, dates)
        if review_span is not None:
            set_iro(review_span, {**span_ext(review_span), "role": "review"})
            dates = [(d, span_ext(d) if d is review_span else iro) for d, iro in dates]
        sections = _sections(doc)  # Spans made once
        injury_span = self.injury_date(doc, dates, sections)
        injury = span_ext(injury_span)["value"] if injury_span is not None else None
        if injury_span is not None:
            set_iro(injury_span, {**span_ext(injury_span), "role": "injury"})
        specs = self.reviewer(doc, sections)
        low = doc_lower(doc)
        guide = self.find(text, wordscan.scan(doc, self.triggers), low)
        svc = self.service_text(doc, sections)
        levels_at = [(lv.start_char, span_ext(lv)["value"]) for lv in doc.spans.get("levels", [])]
        described: dict[tuple[int, int], dict] = {}

        def describe(s: int, e: int) -> dict:
            """describe_service once per range; each caller gets its own copy to change."""
            d = described.get((s, e))
            if d is None:
                d = described[(s, e)] = self.describe_service(doc, s, e, levels_at)
            return {k: list(v) if isinstance(v, list) else v for k, v in d.items()}

        service = describe(*svc) if svc else None
        items = self.service_items(text, *svc) if svc else []
        if len(items) > 1:
            service["items"] = [describe(s, e) for s, e in items]
            for it in service["items"]:
                service["types"] += [t for t in it["types"] if t not in service["types"]]
        # per-service outcome rows carry the normalized service too
        for span in doc.spans.get("outcome", []):
            iro = span_ext(span)
            if iro and iro.get("service"):
                desc = describe(span.start_char, span.end_char)
                set_iro(span, {**iro, **{k: v for k, v in desc.items() if k != "text"}})
        case.update(
            {
                "review_date": review,
                "injury_date": injury,
                "reviewer_specialty": ", ".join(s for _, _, s in specs) or None,
                "guidelines": sorted({g for _, _, g in guide}),
                "service": service,
                "services": self.per_service(doc, service, case.get("outcome")),
            }
        )
        doc._.iro_case = case
        groups = {
            "reviewer": [
                (s, e, spec, {"value": spec, "board_certified": self.board_certified(text, s)})
                for s, e, spec in specs
            ],
            "guidelines": [(s, e, g, {"value": g}) for s, e, g in guide],
            "service": (
                [(s, e, "SERVICE", describe(s, e)) for s, e in items]
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
                    set_iro(span, {**(span_ext(span) or {}), **info})
                    spans.append(span)
            set_group(doc, key, spans)
        return doc
