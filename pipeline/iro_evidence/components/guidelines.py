"""Guidelines a letter cites (part of ``iro_decision``), apart from the other decision
facts because a name alone is not enough: a printed checklist names every guideline and
only its checked boxes count, and a few names in some contexts are something else (a
statute's definition, the IRO's own name, a society guideline cited as literature)."""

from __future__ import annotations

import bisect
import re

from ..matching import Folded, Hits, Rule, Triggers, View, rule_words
from ..rules import expand_defs

# a bare "X" marking a checklist item ("X ODG - Official Disability Guidelines")
BARE_X = re.compile(r"(?<![\w.(\[/-])X(?=\s+[A-Z])")
SENTENCE_END = re.compile(r"[.;!?]\s+[A-Z]|[.;!?]\s*$")

Names = list[tuple[int, int, str]]  # (start, end, code)
Mark = tuple[int, int, bool]  # a box or bare X: (start, end, checked)


class Guidelines:
    """The guideline rules of ``decision.json`` and the checklist reading."""

    def __init__(self, r: dict):
        r = expand_defs(r, "decision rules")  # the rules as written work too (named parts)
        self.rules = []  # folded, tagged with their code
        for code, pats in r["guidelines"].items():
            for p in pats:
                p, words = (p["pattern"], tuple(p.get("triggers") or ())) if isinstance(p, dict) else (p, ())
                flags = re.I if not p.startswith(r"\b") or code != "MEDICARE" else 0
                words = rule_words(words, p)  # none given: the words every match holds
                self.rules.append(Rule(Folded(re.compile(p, flags)), words, tag=code))
        # a pattern without its own triggers runs wherever the component's words occur,
        # or everywhere when there are none
        self.triggers = Triggers(r.get("triggers"), [g.words for g in self.rules])
        if any(not g.words for g in self.rules) and not r.get("triggers", {}).get("words"):
            self.triggers = Triggers(None)
        # context that makes a name something else: a statute's definition of evidence-based
        # medicine, the IRO's own name, a society guideline cited as part of the literature
        self.not_this = {
            "PEER_REVIEWED": re.compile(r["guideline_exclude_context"], re.I),
            "TMF": re.compile(r.get("tmf_as_iro", r"(?!)"), re.I),
            "OTHER": re.compile(r.get("other_within_literature", r"(?!)"), re.I),
        }
        # a criteria list that marks a name "- not used" ("ACOEM - not used; ODG - used")
        self.not_used = re.compile(r.get("guideline_not_used", r"(?!)"), re.I)
        self.unchecked = re.compile(r["unchecked_box"])
        self.any_box = re.compile(r["any_box"])

    def find(self, text: str, hits: Hits | None = None, low: str | None = None) -> Names:
        """Guidelines cited in ``text``: (start, end, code), looked for around the trigger
        words ``hits`` (default: scan ``text``; ``low``: ``text.lower()``); the rules run
        folded over the lower-cased text where they can (casefold)."""
        low = text.lower() if low is None else low
        if hits is None:
            hits = self.triggers.scan(text, low)
        names = sorted(set(self._names(text, low, hits)))
        out, last = [], -1
        for h in sorted(self._checked_only(text, names)):
            if h[0] >= last:
                out.append(h)
                last = h[1]
        return out

    def _names(self, text: str, low: str, hits: Hits):
        """Every match of a guideline rule near its trigger words, unless its context
        says it is no citation of that guideline."""
        view = View(text, low, hits)
        for rule in self.rules:
            for m in view.matches(rule):
                if not self._something_else(rule.tag, text, m.start(), m.end()):
                    yield m.start(), m.end(), rule.tag

    def _something_else(self, code: str, text: str, s: int, e: int) -> bool:
        """Whether the words around the name at ``[s, e)`` make it no citation of ``code``."""
        if self.not_used.match(text, e, e + 60):
            return True
        if code == "MEDICARE":
            return not text[s].isupper()
        context = {
            "PEER_REVIEWED": (max(0, s - 200), e + 50),
            "TMF": (e, e + 80),
            "OTHER": (max(0, s - 60), s),
        }
        if code not in context:
            return False
        lo, hi = context[code]
        return bool(self.not_this[code].search(text[lo:hi]))

    def _checked_only(self, text: str, names: Names) -> Names:
        """The names a printed checklist leaves in: per paragraph (the lines of a list are
        joined in the canonical text), a name counts when the box written next to it is
        marked, before it ("[X] ODG", "( ) ACOEM", "X ODG") or, in a list whose boxes follow
        their labels, after it ("InterQual Criteria [X]"); in a list that marks its items, a
        name with no box of its own (after another item's name) is not checked."""
        lists = Checklists(self, text, names)
        return [(s, e, code) for s, e, code in names if lists.keeps(s, e, code)]


class Checklists:
    """The boxes of each paragraph that holds a guideline name, read once per paragraph."""

    def __init__(self, guidelines: Guidelines, text: str, names: Names):
        self.g, self.text, self.names = guidelines, text, names
        self.starts = [n[0] for n in names]
        self.para: dict[int, tuple[list[Mark], bool, bool]] = {}

    def other_name(self, a: int, b: int, code: str) -> bool:
        """Whether a name of another guideline starts in ``[a, b)``."""
        i, j = bisect.bisect_left(self.starts, a), bisect.bisect_left(self.starts, b)
        return any(self.names[k][2] != code for k in range(i, j))

    def layout(self, s: int, e: int) -> tuple[list[Mark], bool, bool]:
        """(marks, boxes after their labels, a checklist) of the paragraph around a name."""
        text = self.text
        p0 = text.rfind("\n\n", 0, s)
        p0 = 0 if p0 < 0 else p0 + 2
        if p0 not in self.para:
            p1 = text.find("\n\n", e)
            p1 = len(text) if p1 < 0 else p1
            boxes = [
                (b.start(), b.end(), not self.g.unchecked.match(b.group()))
                for b in self.g.any_box.finditer(text, p0, p1)
            ]
            marks = sorted(boxes + [(x.start(), x.end(), True) for x in BARE_X.finditer(text, p0, p1)])
            # boxes after their labels: the list opens with a label, its box follows (a bare
            # X always stands before its item: an unmarked item before it has no box at all)
            first = next((n for n in self.names if p0 <= n[0] < p1), None)
            after = bool(boxes and first and first[1] <= min(boxes)[0])
            # a checklist: a mark right before a name, and two marks or more (or one mark
            # among three names or more: a list that marks only its chosen items)
            names_here = [n for n in self.names if p0 <= n[0] < p1]
            listed = (len(marks) > 1 or len(names_here) > 2) and any(
                text[mk[1] : n[0]].strip(" -:\t") == "" for mk in marks for n in names_here if mk[1] <= n[0]
            )
            self.para[p0] = (marks, after, listed)
        return self.para[p0]

    def keeps(self, s: int, e: int, code: str) -> bool:
        """Whether the name at ``[s, e)`` counts: unboxed, or its own box is marked."""
        marks, boxes_after, listed = self.layout(s, e)
        if not marks:
            return True
        later = [mk for mk in marks if mk[0] >= e]
        if boxes_after and later:
            gap = self.text[e : later[0][0]]
            if len(gap) <= 120 and not SENTENCE_END.search(gap) and not self.other_name(e, later[0][0], code):
                return later[0][2]  # its own box, after it
        before = [mk for mk in marks if mk[1] <= s]
        if not boxes_after and before:
            verdict = self.box_before(before[-1], s, code, listed)
            if verdict is not None:
                return verdict
        if not boxes_after and not before and listed and later:
            # an item of a marked list, above its first mark, with no mark of its own
            return bool(SENTENCE_END.search(self.text[e : later[0][0]]))
        return True

    def box_before(self, mark: Mark, s: int, code: str, listed: bool) -> bool | None:
        """What the nearest mark before a name says of it (None: nothing)."""
        gap = self.text[mark[1] : s]
        if len(gap.strip(" -:\t")) <= 3:
            return mark[2]  # its own box, before it
        ends = SENTENCE_END.search(gap)
        if listed and ": " in gap and not ends and not self.other_name(mark[1], s, code):
            return mark[2]  # named in a marked item ("[X] Other guidelines: NASS ...")
        if not ends and (listed or self.other_name(mark[1], s, code)):
            return False  # an item of the list with no mark
        return None
