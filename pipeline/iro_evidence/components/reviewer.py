"""The IRO reviewer's specialty (part of ``iro_decision``), apart from the other decision
facts because its one hard job is telling the IRO's reviewer from every other doctor a
letter names: from the qualifications section, a sentence about "the IRO reviewer", a
sentence that names who reviewed for the IRO, else an external review's reviewer; never
a utilization reviewer's or a hearing's."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from ..matching import (
    Folded,
    Triggers,
    can_fold,
    compile_alternation,
    doc_lower,
    phrase_key,
    sentences_holding,
)
from .base import doc_text
from .genre import is_hearing

IRO_ANCHOR = re.compile(
    r"(?:\bIRO|Independent\s+Review\s+Organization)(?:[\u2019'?]s)?[\s,(]+(?:\w+[\s,(]+){0,4}?"
    r"(?:reviewer|reviewing|physician|doctor|surgeon|board|specialist|expert)",
    re.I,
)
ANCHOR_WORDS = ("iro", "independent")  # every IRO_ANCHOR match and "IRO ... the reviewer" hold one
ANCHOR_STOP = re.compile(
    r"\b(?:upheld|uphold|determined|concluded|agreed|relied|found|opined|stated|noted|read|"
    r"denied|explained|reviewed|wrote|cited|overturned|approved|disagreed|"
    # what the reviewer thought, not who the reviewer is ("is of the opinion that ... a neurosurgeon")
    r"opinion|that|without|because)\b",
    re.I,
)
IRO_WORD = re.compile(r"\bIRO\b")
SENTENCE_END = re.compile(r"(?<!\b[A-Z])\.")  # a period, not one of an initial ("M.D.", "A.")
# anchors of the reviewer's specialty in a sentence, folded (casefold)
ANCHOR_RULES = (Folded(IRO_ANCHOR), Folded(re.compile(r"\bthe reviewer\b", re.I)), Folded(ANCHOR_STOP))

Found = list[tuple[int, int, str]]  # (start, end, specialty)


def _until_stop(window: str, start: int = 0) -> str:
    """``window`` up to where the words turn to what the reviewer thought or did."""
    stop = ANCHOR_STOP.search(window, start)
    return window[: stop.start() if stop else len(window)]


class Reviewer:
    """The specialties of the IRO reviewer, from ``decision.json``'s rules."""

    def __init__(self, r: dict):
        self.spec_of = {phrase_key(w): spec for spec, words in r["specialties"].items() for w in words}
        self.spec_re = compile_alternation(list(self.spec_of))
        self.exclude_after = re.compile(r["reviewer_exclude_after"], re.I)
        self.board = re.compile(r["board_certified"], re.I)
        self.reviewer_for_iro = [re.compile(p, re.I) for p in r.get("reviewer_for_iro", [])]
        self.not_iro = re.compile(r.get("reviewer_not_iro", r"(?!)"), re.I)
        self.signature = re.compile(r.get("reviewer_signature", r"(?!)"), re.I)
        self.signature_tail = r.get("reviewer_signature_tail", 2000)
        # whole-text patterns looked for only near the words their matches contain
        gates = r.get("gates", {})
        names = ("not_external", "external_reviewer")
        self.gates = {name: (re.compile(r[name], re.I), Triggers(gates.get(name))) for name in names}

    def specialties_in(self, text: str, base: int = 0) -> Found:
        out, seen = [], set()
        for m in self.spec_re.finditer(text):
            if self.exclude_after.search(text[max(0, m.start() - 40) : m.start()] + " "):
                break
            pre = text[max(0, m.start() - 30) : m.start()].lower()
            # fellowship training is no board ("a fellowship-trained spine surgeon, board
            # certified in orthopaedic surgery": the board comes after); a subspecialty
            # certification is one
            if "fellowship" in pre:
                continue
            if "subspecialty" in pre and "certif" not in pre:
                break
            spec = self.spec_of[phrase_key(m.group())]
            if spec not in seen:
                seen.add(spec)
                out.append((base + m.start(), base + m.end(), spec))
        return out

    def find(self, doc: Doc, sections: list[tuple[str, int, int]]) -> Found:
        """The IRO reviewer's specialties (``sections``: (label, start, end) of the Doc's),
        from the first source that names one."""
        sources = (self._in_section, self._after_anchor, self._who_reviewed, self._external, self._signature)
        return next((found for source in sources if (found := source(doc, sections))), [])

    def _in_section(self, doc: Doc, sections: list[tuple[str, int, int]]) -> Found:
        """The reviewer's qualifications section ("REVIEWER QUALIFICATIONS: ...", "Physician
        Reviewer: ..."); a UR notice's own "Physician Reviewer:" is not the IRO's."""
        spans = [(s, e) for label, s, e in sections if label == "reviewer"]
        if not spans or next(self._gated(doc, "not_external"), None):
            return []
        text = doc_text(doc)
        return next((f for s, e in spans if (f := self.specialties_in(text[s:e][:400], s))), [])

    def _after_anchor(self, doc: Doc, _sections=None) -> Found:
        """ "The IRO reviewer, a board certified ...", or "the reviewer" in a sentence about
        the IRO: the specialty between the anchor and what the reviewer did."""
        text, low = doc_text(doc), doc_lower(doc)
        ok = can_fold(text, low)  # the anchor rules run folded over the lower-cased sentence
        anchor, the_reviewer, stop_at = (r.pick(text, low, ok)[0] for r in ANCHOR_RULES)
        for sent_start, st in sentences_holding(doc, ANCHOR_WORDS):
            src = low[sent_start : sent_start + len(st)] if ok else st
            m = anchor.search(src) or (the_reviewer.search(src) if IRO_WORD.search(st) else None)
            if not m:
                continue
            stop = stop_at.search(src, m.end())
            found = self.specialties_in(
                st[m.start() : stop.start() if stop else len(st)], sent_start + m.start()
            )
            if found:
                return found
        return []

    def _who_reviewed(self, doc: Doc, _sections=None) -> Found:
        """A sentence about the IRO that says who reviewed for it (``reviewer_for_iro``)."""
        for sent_start, st in sentences_holding(doc, ANCHOR_WORDS):
            if not IRO_WORD.search(st) and "independent review" not in st.lower():
                continue
            for pat in self.reviewer_for_iro:
                m = pat.search(st)
                who = m and m["who"]
                found = who and self.specialties_in(_until_stop(who), sent_start + m.start("who"))
                if found:
                    return found
        return []

    def _external(self, doc: Doc, _sections=None) -> Found:
        """External reviews (IMR, state external appeals): "The physician reviewer is board
        certified in ..."; never in hearing decisions or UR notices, whose reviewers are
        not the IRO's."""
        text, low = doc_text(doc), doc_lower(doc)
        if is_hearing(text, low) or next(self._gated(doc, "not_external"), None):
            return []
        for m in self._gated(doc, "external_reviewer"):
            e = SENTENCE_END.search(text, m.end())  # "an M.D. degree" ends no sentence
            window = _until_stop(text[m.start() : e.start() if e else len(text)], m.end() - m.start())
            found = self.specialties_in(window, m.start())
            # "the case was reviewed by a physician advisor for the carrier, an orthopedist"
            if found and not self.not_iro.search(window, 0, found[0][0] - m.start()):
                return found
        return []

    def _signature(self, doc: Doc, _sections=None) -> Found:
        """The letter's sign-off ("Electronically signed ... / Neurological Surgery -
        Diplomate ..."): a specialty in the paragraph of the last signature near the end,
        where no sentence named one; never a hearing's or a UR notice's signer."""
        text, low = doc_text(doc), doc_lower(doc)
        tail = max(0, len(text) - self.signature_tail)
        last = next(reversed(list(self.signature.finditer(text, tail))), None)
        if last is None or is_hearing(text, low) or next(self._gated(doc, "not_external"), None):
            return []
        end = text.find("\n\n", last.end())
        window = text[last.start() : min(end if end >= 0 else len(text), last.end() + 300)]
        found = self.specialties_in(window, last.start())
        if found and not self.not_iro.search(window, 0, found[0][0] - last.start()):
            return found
        return []

    def _gated(self, doc: Doc, name: str):
        """Matches of the whole-text pattern ``name``, looked for near its gate words."""
        pat, gate = self.gates[name]
        return gate.hits(doc).finditer(pat)

    def board_certified(self, text: str, start: int) -> bool:
        """Board certification stated just before the specialty ("Board Certified in ...")."""
        line_start = max(text.rfind("\n", 0, start), start - 120)
        return bool(self.board.search(text[max(0, line_start) : start]))
