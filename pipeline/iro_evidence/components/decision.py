"""Decision facts of a letter (the ``iro_decision`` component): the review and injury
dates here; the reviewer's specialty, guidelines and service in ``reviewer.py``,
``guidelines.py`` and ``service.py``. One component still, because all of them read
``patterns/decision.json`` and fill the same ``doc._.iro_case`` (span groups
``reviewer``, ``guidelines``, ``service``).

The review date is the date under DATE OF REVIEW (or "Date notice sent to all parties");
a hearing decision's is its own date line at the top; an external appeal that gives only
a year gives the year. The injury date is a date called so, else the date of the history
sentence that tells how the injury happened.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from ..matching import Hits, doc_lower
from .base import RuleComponent, SentenceLookup, char_span, doc_text, set_group, span_ext
from .extensions import set_iro
from .genre import HEARING, is_hearing
from .guidelines import Guidelines
from .reviewer import ANCHOR_RULES, Reviewer
from .sentences import ensure_sentences
from .service import Services

__all__ = ["ANCHOR_RULES", "HEARING", "DecisionFacts", "is_hearing"]  # importable from here as before

DATE_LINE = re.compile(r"[\s.,:*\d]*|[\s\S]{0,40}:\s*")  # what else a date line may hold
# a year standing alone (a paragraph of its own) or right after an external appeal's case
# number ("202105-137927 2021 ..."), at the top of the letter
YEAR_LINE = re.compile(
    r"(?:^|\n)\s*((?:19|20)\d{2})\s*(?:\n|$)|\b\d{6}-\d{5,7}\s+((?:19|20)\d{2})\b(?![-/.]\d)"
)
# sections whose dates are records or headings, not the story of the injury
NOT_HISTORY = ("records_reviewed", "review_date", "case_number", "letter_title", "criteria")
DATE_FORMATS = ("month_d_y", "numeric", "mon_d_y_slash")  # what a hearing's own date line is written as
MEMO_LABEL = re.compile(
    r"(?i:dated?|issued|parties(?:[ ]+on)?)[ ]*:?[ ]*\Z"
)  # what a memo's date line ends in
MEMO_HEAD_CHARS = 600  # the most a memo's "Label: value" head may hold before its date
CLAUSE_END = re.compile(r"(?<!\b(?:Mr|Ms|Dr))(?<!\bMrs)[.;]\s")

Dates = list[tuple[object, dict]]  # (span, span._.iro) of the Doc's dates


def _sections(doc: Doc) -> list[tuple[str, int, int]]:
    """(label, start, end) of the Doc's sections."""
    return [(s.label_, s.start_char, s.end_char) for s in doc.spans.get("sections", [])]


def _dates(doc: Doc) -> Dates:
    return [(d, span_ext(d)) for d in doc.spans.get("dates", [])]


class DecisionFacts(RuleComponent):
    rules_file = "decision.json"

    def compile(self) -> None:
        r = self.rules
        self.reviewers = Reviewer(r)
        self.guides = Guidelines(r)
        self.service = Services(r)
        self.mechanism = re.compile(r["injury_mechanism"], re.I)
        self.memo_date = re.compile(r.get("memo_date", r"(?!)"))
        self.memo_head = r.get("memo_date_head", 1500)
        self.review_question = re.compile(r.get("review_question", r"(?!)"))
        # the parts' trigger words and gates, found in the pass shared with other components
        self.triggers = self.guides.triggers
        self.gates = {**self.reviewers.gates, **self.service.gates}
        self.services = self.service.types

    # what the parts do, under the names the component has always had
    def find(self, text: str, hits: Hits | None = None, low: str | None = None) -> list[tuple[int, int, str]]:
        """Guidelines cited in ``text`` (``Guidelines.find``)."""
        return self.guides.find(text, hits, low)

    def service_types(self, text: str, gated: bool = True, low: str | None = None) -> list[str]:
        return self.service.service_types(text, gated, low)

    def gated(self, name: str, text: str, low: str, doc: Doc | None = None):
        """Matches of the whole-text pattern ``name``, looked for near its gate words."""
        pat, gate = self.gates[name]
        return (gate.hits(doc) if doc is not None else gate.scan(text, low)).finditer(pat)

    # -- dates --------------------------------------------------------------------
    def review_date(self, doc: Doc, dates: Dates) -> tuple[str | None, object]:
        """(value, span) of the review date (``dates``: (span, span._.iro) of the Doc's dates)."""
        for d, iro in dates:
            if iro.get("role") == "review":
                return iro["value"], d
        text = doc_text(doc)
        # a question-and-answer template: "Q. When was this review done? A. <date>"
        for m in self.review_question.finditer(text) if "when " in doc_lower(doc) else ():
            for d, iro in dates:
                if m.end() <= d.start_char <= m.end() + 3 and iro.get("value") != "redacted":
                    return iro["value"], d
        if is_hearing(text, doc_lower(doc)):
            return self._hearing_date(text, dates)
        memo = self._memo_date(text, dates)
        if memo is not None:
            return memo
        m = YEAR_LINE.search(text[:400])
        if m:
            return m.group(1) or m.group(2), None
        return None, None

    def _memo_date(self, text: str, dates: Dates) -> tuple[str, object] | None:
        """A memo-style head ("TO: ... RE: IRO case ... DATE: <date>"): the date its "Date:"
        label gives, the paragraph up to it being nothing but such "Label: value" pairs."""
        for d, iro in dates:
            if d.start_char > self.memo_head:
                break
            # the "Date:" label is the date's own: a word of an earlier field ("RE: UR
            # denial", "To: requestor") may have given it a role, a record or an injury no
            if iro.get("value") in (None, "redacted") or iro.get("cue") == "injury" or iro.get("listed"):
                continue
            if not MEMO_LABEL.search(text, max(0, d.start_char - 20), d.start_char):
                continue  # cheap: the label right before the date first
            para = text.rfind("\n\n", 0, d.start_char)
            para = 0 if para < 0 else para + 2
            if d.start_char - para <= MEMO_HEAD_CHARS and self.memo_date.fullmatch(text, para, d.start_char):
                return iro["value"], d
        return None

    @staticmethod
    def _hearing_date(text: str, dates: Dates) -> tuple[str | None, object]:
        """A hearing decision's own date line, near its heading (not a date inside a
        sentence of the opening, nor the hearing's or the injury's)."""
        head = HEARING.search(text).start() + 600
        for d, iro in dates:
            if d.start_char > head:
                break
            if iro.get("format") not in DATE_FORMATS or iro.get("role") in ("hearing", "injury"):
                continue
            ls = text.rfind("\n", 0, d.start_char) + 1
            le = text.find("\n", d.end_char)
            line = text[ls : le if le >= 0 else len(text)]
            if DATE_LINE.fullmatch(line.replace(d.text, "", 1)):
                return iro["value"], d
        return None, None

    def injury_date(self, doc: Doc, dates: Dates, sections: list):
        """The date of injury: a date the words call so (or a mask naming it); else the
        date in the history sentence that tells how the injury happened ("fell from a
        ladder on 08/16/10", "On July 9, 2016 he was pulling cable ...")."""
        for d, iro in dates:
            if iro.get("cue") == "injury" or iro["role"] == "injury":
                return d
        listed = [(start, end) for label, start, end in sections if label in NOT_HISTORY]
        sentences = None
        for d, iro in dates:
            if iro["role"] not in ("other", "visit") or iro.get("document"):
                continue
            if any(a <= d.start_char < b for a, b in listed):
                continue
            sentences = sentences or SentenceLookup(doc)
            if self._tells_how(doc_text(doc), sentences.bounds(d.start_char), d.start_char, d.end_char):
                return d
        return None

    def _tells_how(self, text: str, bounds: tuple[int, int], at: int, end: int) -> bool:
        """Whether the sentence ``bounds`` tells how the injury happened within one clause
        of the date at ``at`` (ending at ``end``): the gap between them, not the date's own
        dots ("Jun. 14, 2018"), is what may not end a clause."""
        s0, s1 = bounds
        st = text[s0:s1]
        m = self.mechanism.search(st)
        if m is None:
            return False
        pos = at - s0
        after = end - s0
        gap = st[after : m.start()] if m.start() >= after else st[m.end() : pos]
        return max(pos, m.end()) - min(pos, m.start()) < 150 and not CLAUSE_END.search(gap)

    def _dates(self, doc: Doc, sections: list[tuple[str, int, int]]) -> tuple[str | None, str | None]:
        """(review date, injury date), their spans marked with their roles."""
        dates = _dates(doc)  # Spans made once
        review, review_span = self.review_date(doc, dates)
        if review_span is not None:
            set_iro(review_span, {**span_ext(review_span), "role": "review"})
            dates = [(d, span_ext(d) if d is review_span else iro) for d, iro in dates]
        injury_span = self.injury_date(doc, dates, sections)
        if injury_span is None:
            return review, None
        set_iro(injury_span, {**span_ext(injury_span), "role": "injury"})
        return review, span_ext(injury_span)["value"]

    def __call__(self, doc: Doc) -> Doc:
        ensure_sentences(doc)
        text = doc_text(doc)
        case = dict(doc._.iro_case or {})
        sections = _sections(doc)  # Spans made once
        review, injury = self._dates(doc, sections)
        specs = self.reviewers.find(doc, sections)
        guide = self.find(text, self.triggers.hits(doc), doc_lower(doc))
        service, service_group = self.service.annotate(doc, sections)
        case.update(
            {
                "review_date": review,
                "injury_date": injury,
                "reviewer_specialty": ", ".join(s for _, _, s in specs) or None,
                "guidelines": sorted({g for _, _, g in guide}),
                "service": service,
                "services": self.service.per_service(doc, service, case.get("outcome")),
            }
        )
        doc._.iro_case = case
        board = self.reviewers.board_certified
        _write_groups(
            doc,
            {
                "reviewer": [
                    (s, e, spec, {"value": spec, "board_certified": board(text, s)}) for s, e, spec in specs
                ],
                "guidelines": [(s, e, g, {"value": g}) for s, e, g in guide],
                "service": service_group,
            },
        )
        return doc


def _write_groups(doc: Doc, groups: dict[str, list[tuple[int, int, str, dict]]]) -> None:
    """Each group's spans, their ``span._.iro`` extended with the item's info."""
    for key, items in groups.items():
        spans = []
        for s, e, label, info in items:
            span = char_span(doc, s, e, label)
            if span is not None:
                set_iro(span, {**(span_ext(span) or {}), **info})
                spans.append(span)
        set_group(doc, key, spans)
