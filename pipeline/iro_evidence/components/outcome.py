"""The review outcome: upheld, overturned, partially_overturned, or None.

IRO letters mark it with a checkbox (``[ X ] Upheld``, ``☒``, an ``X`` on its own line,
boxes spread over lines, a row of boxes above a row of labels), print only the chosen
option, or say it in a sentence; a split decision gives each service its own result
(``Lyrica 75 mg #60 - Overturned``, "Lyrica is overturned; hydrocodone upheld");
external reviews give one determination per service.

Decisions that review another one (hearing decisions, SOAH orders, the Appeals Panel,
other states' courts and boards, external appeals) are read as a model (``model`` in
outcome.json): a ruling has a decider, a direction and an object. On a decision (the
IRO's or a lower one) it agrees or disagrees ("agrees with the IRO", "the preponderance
... is not contrary", "Reversed."); on the treatment it grants or denies, which is read
against the reference: what the IRO decided or, with no IRO, the insurer's denial. The
issue question ("Is the preponderance ... ?") is no ruling.

An IRO reviewer's decision sentence is read the same way (``statement``): "The adverse
determination under review is UPHELD", "I disagree with the denial"; a prior reviewer's
ruling told in the history, an argument or a hypothesis is not the IRO's decision. The
reviewer's finding on the service ("I find the MRI medically necessary") decides only
when nothing else does.

Every cue is a span in ``doc.spans["outcome"]`` (``value``, ``how``, the model's reading,
``service``); the cues the outcome rests on carry ``basis``. The decided value goes to
``doc._.iro_case["outcome"]``.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import NamedTuple

from spacy.tokens import Doc

from ..matching import Folded, Hits, Rule, Triggers, View, doc_lower, find_words, match_at
from .base import RuleComponent, char_span, doc_text, set_group, span_ext
from .extensions import set_iro
from .genre import is_hearing

BOX_TYPES = ("checkbox", "box_row", "printed_option")
PER_SERVICE = ("service_line", "service_clause", "determined")
RULINGS = ("entitled", "ordered", "ruling")
RULE_NAMES = "checked determined entitled ordered question alone statement necessity established".split()
OPTION_WORDS = ("partially", "overturned", "upheld")
LOWER = "decision under appeal"  # a relative ruling's object when it is not the IRO's decision
CLAUSE_START = re.compile(r"(?<!\b\w)(?<!\b\d\d)[.;?!]\s|\n")
CLAUSE_END = re.compile(r"[.;?!](?=\s|$)|\n[ \t]*\n")


class Cue(NamedTuple):
    start: int
    end: int
    value: str
    how: str
    service: str | None = None
    info: dict | None = None  # the model's reading: decider, direction, about, reference


def _folded(pattern: str) -> Folded:
    return Folded(re.compile(pattern, re.I))


def _clause_end(text: str, pos: int, limit: int = 400) -> int:
    """Where the sentence or clause holding ``pos`` ends (at most ``limit`` further)."""
    if pos >= len(text) or text[pos - 1] in ".;?!" or text[pos] in "\r\n":
        return pos  # the match is a sentence or line of its own ("Affirmed.")
    m = CLAUSE_END.search(text, pos, pos + limit)
    return m.start() if m else pos


def _norm_option(text: str) -> str:
    return re.sub(r"\s+", "_", text.strip().lower())


def _option_value(text: str) -> str:
    """The outcome an option label names ("Partially Overturned", "DISAGREE / OVERTURN",
    "Upheld in Part")."""
    low = text.lower()
    if "partial" in low or "in part" in low:
        return "partially_overturned"
    return "overturned" if "overturn" in low or "disagree" in low else "upheld"


def _statement_value(g: dict, uphold: re.Pattern) -> str:
    """The outcome a decision sentence states, from its verb (``uphold``: one that keeps
    the denial), negation and scope."""
    verb_up, split = bool(uphold.search(g["verb"])), g.get("split")
    if (g.get("part") or "").lower() == "part" or (split and bool(uphold.search(split)) != verb_up):
        return "partially_overturned"  # "upheld in part", "upheld as to X and overturned as to Y"
    negated = "not" in (g.get("neg") or "").lower()  # "not", "cannot"
    return "upheld" if verb_up != negated else "overturned"


class Letter(View):
    """One text being read: the hits of the whole-text rules (the view's) and of the
    model, and what is read once when needed."""

    def __init__(self, det: OutcomeDetector, text: str, low: str, hits: Hits, model_hits: Hits):
        super().__init__(text, low, hits)
        self.det, self.model_hits = det, model_hits

    @cached_property
    def questions(self) -> list[tuple[int, int]]:
        """Where the issue questions are ("Is the preponderance ... ?"): no ruling there."""
        return [m.span() for m in self.matches(self.det.question)]

    def in_question(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.questions)

    @cached_property
    def reference(self) -> tuple[str, tuple[int, int] | None]:
        """What the IRO decided (``grant``/``deny``) and where it says so (the leftmost of
        the rules' first matches); with no such sentence the requester appealed a denial
        (``deny``). Without an IRO (other states' decisions) it is the insurer's denial."""
        found = []
        for rule in self.det.iro_direction:
            m = next(self.matches(rule, self.model_hits), None)
            if m:
                found.append((m.start(), m.end(), rule.tag))
        if not found:
            return "deny", None
        s, e, d = min(found)
        return d, (s, e)


class OutcomeDetector(RuleComponent):
    rules_file = "outcome.json"

    def compile(self) -> None:
        r = self.rules
        spec = r.get("triggers") or {}
        self.words = {k: tuple(spec.get(k) or ()) for k in RULE_NAMES}
        self.sizes = {k: tuple(v) for k, v in (spec.get("sizes") or {}).items()}
        # words that tell what a matched cue is ("words" in the file)
        self.said = {k: re.compile(p, re.I) for k, p in r["words"].items() if not k.startswith("_")}
        self._compile_boxes(r)
        self._compile_statements(r["statement"])
        self._compile_model(r["model"])
        # each whole-text rule runs near its trigger words (a rule without: the whole text)
        rule_words = [*self.words.values(), *(p.words for p in self.prose)]
        self.triggers = Triggers(spec, rule_words) if all(rule_words) else Triggers(None)

    def _rule(self, name: str, regex: Folded | re.Pattern) -> Rule:
        """A whole-text rule with its trigger words and window (``triggers`` in the file)."""
        return Rule(regex, self.words[name], self.sizes.get(name))

    def _compile_boxes(self, r: dict) -> None:
        """Checkbox tables, option labels, service lines and the prose rules."""
        box, empty = r["box"], r["empty_box"]
        parts = {"{box}": box, "{option}": r["option"]}  # the named parts of 'checked'
        checked = [re.sub(r"\{box\}|\{option\}", lambda m: parts[m[0]], p) for p in r["checked"]]
        self.checked = [self._rule("checked", _folded(p)) for p in checked]
        # a row of 2-4 boxes with nothing between them (the labels follow, in the same order)
        self.box_row = re.compile(rf"(?:(?:{box}|{empty})\s*){{2,4}}")
        self.box_re = re.compile(box)
        # every box starts with one of these characters: rows are tried only from them
        self.box_start = re.compile(r["box_starts"])
        self.option_words = {k: re.compile(p, re.I) for k, p in r["option_words"].items()}
        self.service_line = _folded(r["service_line"])
        self.service_clause = _folded(r["service_clause"])
        self.any_box = re.compile(rf"{box}|{empty}")
        option = r"(?P<opt>Partially\s+Overturned|Overturned|Upheld)"  # starts with an OPTION_WORDS word
        label_box = rf"{option}(?:\s*\([^)]{{0,60}}\))?\s*(?P<box>{box}|{empty})"  # "Upheld (Agree) [ ]"
        self.label_box = re.compile(label_box, re.I)
        self.label_box_row = re.compile(
            rf"(?:{label_box.replace('?P<opt>', '').replace('?P<box>', '')}\s*){{2,3}}", re.I
        )
        self.determined = self._rule("determined", re.compile(r["determined"], re.I))
        # [value, regex, how, trigger words, window]; how and what follows may be left out
        fill = ["prose", (), None]
        self.prose = [
            Rule.of(_folded(p), words, window, (v, how))
            for v, p, how, words, window in (e + fill[len(e) - 2 :] for e in r["prose"])
        ]
        self.entitled = self._rule("entitled", re.compile(r["entitled"], re.M))
        self.ordered = self._rule("ordered", re.compile(r["ordered"], re.I))
        # an issue question starts at "Is" not far before its word
        within = (self.sizes.get("question") or (100,))[0]
        self.question = Rule(re.compile(r["question"]), self.words["question"], None, (("is",), within))

    def _compile_statements(self, st: dict) -> None:
        """The reviewer's decision sentences, their parts and what makes one not the IRO's."""
        # the named parts ((?&verdict), ...) come from the file's defs, expanded at load
        self.statements = [_folded(p) for p in st["rules"]]
        self.statement_nouns = tuple(st["nouns"])
        self.necessity = [self._rule(k, _folded(p)) for k in ("necessity", "established") for p in st[k]]
        self.said.update(
            {k: re.compile(st[k], re.I) for k in ("prior_decider", "reported_before", "item", "not_item")}
        )

    def _compile_model(self, m: dict) -> None:
        """The hearing/appeal model: who decides, direction, the reference decision; each
        rule runs near its own words, folded (casefold)."""
        self.preponderance = [
            Rule.of(_folded(p), w, win)
            for p, w, win in zip(m["preponderance"], m["preponderance_words"], m["preponderance_windows"])
        ]
        self.relative = [Rule.of(_folded(p), w, win, d) for d, p, w, win in m["relative"]]
        self.ruling = Rule.of(_folded(m["ruling"]), m["ruling_words"], m["ruling_window"])
        self.iro_direction = [Rule.of(_folded(p), m["iro_words"], win, d) for d, p, win in m["iro"]]
        # what a clause says: the IRO's decision follows, the issue before it, which way
        # the treatment or the decision under appeal went
        names = ("iro_content", "not_a_ruling_before", "deny", "grant", "lower", "lower_deny", "lower_grant")
        names += ("reported_lower",)  # what the decision under appeal held, reported
        self.said.update({k: re.compile(m[k], re.I) for k in names})
        self.plan = [Rule.of(_folded(p), w, win, v) for v, p, w, win in m["plan"]]
        self.alone = self._rule("alone", re.compile(m["alone"], re.I))
        # the words of every model rule, and the start words of those tried at every one
        rules = [*self.preponderance, *self.relative, self.ruling, *self.iro_direction, *self.plan]
        words = {*m["iro_words"], *(w for x in rules for w in x.words)}
        words |= {w for x in rules if x.starts and x.starts[1] is None for w in x.starts[0]}
        self.model_triggers = Triggers({"words": sorted(words), **m["window"]})

    # -- checkboxes -----------------------------------------------------------------
    def _boxes(self, lt: Letter) -> list[Cue]:
        matches = [m for rule in self.checked for m in lt.matches(rule)]
        cues = [Cue(m.start("opt"), m.end("opt"), _option_value(m["opt"]), "checkbox") for m in matches]
        return self._labels_then_boxes(lt, cues) + self._box_row_then_labels(lt.text)

    def _labels_then_boxes(self, lt: Letter, cues: list[Cue]) -> list[Cue]:
        """Boxes after their labels ("Upheld (Agree) [ ] Overturned (Disagree) [X]"): each
        box is its label's, never the next label's (the checked-box cues such a row gave
        are replaced)."""
        text = lt.text
        if lt.hits.found is not None and lt.ok:  # a row starts with an option word: tried only there
            at = sorted({i for found in find_words(lt.low, OPTION_WORDS).values() for i in found})
            rows = match_at(self.label_box_row, text, at)
        else:
            rows = self.label_box_row.finditer(text)
        for row in rows:
            if self.any_box.search(text[max(0, row.start() - 8) : row.start()]):
                continue  # the boxes come before their labels ("[ ] Upheld [X] Overturned")
            pairs = list(self.label_box.finditer(row.group()))
            inside = [(row.start() + p.start("box"), row.start() + p.end("box")) for p in pairs]
            cues = [c for c in cues if not any(a <= c.start - 1 and c.start <= b + 8 for a, b in inside)]
            for p in pairs:
                if self.box_re.fullmatch(p["box"].strip()):
                    s, e = row.start() + p.start("opt"), row.start() + p.end("opt")
                    cues.append(Cue(s, e, _option_value(p["opt"]), "checkbox"))
        return cues

    def _box_row_then_labels(self, text: str) -> list[Cue]:
        """A row of boxes, then a row of labels (a table whose lines the canonical text
        joined): the k-th box marks the k-th label. A row is tried only where a box can
        start (a scan for the boxes' first characters is cheap; the row's repeated group
        is not)."""
        cues = []
        for row in match_at(self.box_row, text, [b.start() for b in self.box_start.finditer(text)]):
            boxes = [bool(self.box_re.fullmatch(b[0].strip())) for b in self.any_box.finditer(row[0])]
            if not any(boxes):
                continue
            after = text[row.end() : row.end() + 120]
            labels = sorted(
                (m.start(), m.end(), v) for v, p in self.option_words.items() for m in p.finditer(after)
            )
            labels = [lab for i, lab in enumerate(labels) if not i or lab[0] >= labels[i - 1][1]]
            if len(labels) != len(boxes) or after[: labels[0][0]].strip():
                continue
            cues += [
                Cue(row.end() + s, row.end() + e, v, "box_row") for (s, e, v), on in zip(labels, boxes) if on
            ]
        return cues

    def _printed_option(self, text: str, section: tuple[int, int]) -> list[Cue]:
        s, e = section
        found = [(v, m) for v, p in self.option_words.items() if (m := p.search(text[s:e]))]
        if len(found) != 1:
            return []
        ((v, m),) = found
        return [Cue(s + m.start(), s + m.end(), v, "printed_option")]

    def _service_lines(self, lt: Letter, section: tuple[int, int]) -> list[Cue]:
        """Per-service results in the outcome section: lines ("Lyrica 75 mg #60 -
        Overturned"), else clauses ("Lyrica is overturned; hydrocodone is upheld.")."""
        pat, where = lt.pick(self.service_line)
        lines = [(m, "service_line") for m in pat.finditer(where, *section)]
        if not lines:
            pat, where = lt.pick(self.service_clause)
            lines = [(m, "service_clause") for m in pat.finditer(where, *section)]
        cues = []
        for m, how in lines:  # what the rules matched is read from ``text``
            svc = lt.text[m.start("svc") : m.end("svc")].strip(" .:-\t")
            if self.said["not_a_service"].search(svc) or self.box_re.search(svc):
                continue
            opt = lt.text[m.start("opt") : m.end("opt")]
            cues.append(Cue(m.start("svc"), m.start("svc") + len(svc), _norm_option(opt), how, svc))
        return cues

    # -- the model: who decides, which way, about what -------------------------------
    def direction(self, clause: str) -> str | None:
        """``grant`` or ``deny``: which way a clause decides the treatment (denials first:
        "not medically necessary" holds "medically necessary"); one ruling per service
        ("entitled to X, and that ... not entitled to Y") gives None."""
        ways = set()
        for part in re.split(r",\s*(?:and\s+)?that\s+", clause):
            if self.said["deny"].search(part):
                ways.add("deny")
            elif self.said["grant"].search(part):
                ways.add("grant")
        return ways.pop() if len(ways) == 1 else None

    def lower_decision(self, text: str) -> tuple[str | None, tuple[int, int] | None]:
        """The treatment direction of the decision under appeal (a judge's or board's
        finding, "appeals the denial of ..."): its first sentence that says which way."""
        for m in self.said["lower"].finditer(text):
            clause = m["clause"]
            denial = text[m.start("clause") - 7 : m.start("clause")].lower() == " denial"
            if denial or self.said["lower_deny"].search(clause):
                return "deny", m.span()
            if self.said["lower_grant"].search(clause):
                return "grant", m.span()
            d = self.direction(clause)
            if d:
                return d, m.span()
        return None, None

    def _entitled_or_ordered(self, lt: Letter) -> list[Cue]:
        """ "Claimant is (not) entitled to X", "X is granted/denied", read against what the
        IRO decided."""
        cues: list[Cue] = []
        for m in lt.matches(self.entitled):
            if lt.in_question(m.start()) or (m["svc"] and self.said["general_care"].search(m["svc"])):
                continue
            head = lt.text[max(0, m.start() - 300) : m.start()]
            if self.said["reported_lower"].search(head[head.rfind(". ") + 1 :]):
                continue  # "the hearing officer determined ... the claimant is entitled": the lower ruling
            claimant_wins = "not" not in m["neg"]
            v = "overturned" if claimant_wins == (lt.reference[0] == "deny") else "upheld"
            s, e = m.span("svc") if m["svc"] else m.span("neg")
            cues.append(Cue(s, e, v, "entitled", m["svc"]))
        for m in lt.matches(self.ordered):
            claimant_wins = "granted" in m["neg"]
            v = "overturned" if claimant_wins == (lt.reference[0] == "deny") else "upheld"
            cues.append(Cue(m.start("svc"), m.end("svc"), v, "ordered", m["svc"]))
        return cues

    def _alone(self, lt: Letter) -> list[Cue]:
        """One option printed alone on its line (a menu of options prints them all; one
        after an empty box is an unchosen row of a menu)."""
        alone = {
            _norm_option(m["opt"]).replace("overturned_in_part", "partially_overturned"): m
            for m in lt.matches(self.alone)
            if not self.any_box.search(lt.text, max(0, m.start("opt") - 8), m.start("opt"))
        }
        if len(alone) != 1:
            return []
        ((v, m),) = alone.items()
        v = "partially_overturned" if v == "upheld_in_part" else v
        return [Cue(m.start("opt"), m.end("opt"), v, "printed_line")]

    # -- everything ------------------------------------------------------------------
    def find(self, text: str, hits: Hits | None = None) -> list[Cue]:
        """The cues read in the whole text (no outcome section), looked for around the
        trigger words ``hits`` (default: scan ``text``; whole-text hits: the model's too)."""
        low = text.lower()
        hits = self.triggers.scan(text, low) if hits is None else hits
        whole = hits.found is None
        model_hits = self.model_triggers.whole(text) if whole else self.model_triggers.scan(text, low)
        return self.cues(Letter(self, text, low, hits, model_hits), None)

    def cues(self, lt: Letter, outcome_section: tuple[int, int] | None) -> list[Cue]:
        """Every outcome cue, in document order."""
        cues = self._boxes(lt)
        if outcome_section is not None:
            if not cues:
                cues += self._printed_option(lt.text, outcome_section)
            cues += self._service_lines(lt, outcome_section)
        for m in lt.matches(self.determined):
            v = "upheld" if m["neg"] else "overturned"
            cues.append(Cue(m.start("svc"), m.end("svc"), v, "determined", m["svc"]))
        for rule in self.prose:
            v, how = rule.tag
            for m in lt.matches(rule):
                if lt.in_question(m.start()) or (how == "prose" and self.not_the_iro(lt.text, *m.span())):
                    continue
                cues.append(Cue(m.start(), m.end(), v, how))
        cues += self._entitled_or_ordered(lt)
        cues += Rulings(self, lt).read()
        cues += self._alone(lt)
        if not is_hearing(lt.text, lt.low):  # a hearing's own ruling is read by the model
            cues += self._statements(lt)
        return sorted(cues, key=lambda c: (c.start, c.end, c.value, c.how))

    # -- the IRO reviewer's own decision sentence ------------------------------------
    @staticmethod
    def _lead(text: str, start: int) -> str:
        """The words of ``start``'s sentence or clause before it."""
        starts = [c.end() for c in CLAUSE_START.finditer(text, max(0, start - 300), start)]
        return text[starts[-1] if starts else max(0, start - 300) : start]

    def not_the_iro(self, text: str, start: int, end: int, lead: str | None = None, who: str = "") -> bool:
        """Whether a decision sentence is not the IRO reviewer's own: a prior reviewer's
        ruling told in the history ("the reconsideration reviewer upheld the denial"), or
        an argument, request or hypothesis ("counsel argues that the denial should be
        reversed"); ``who``: the subject the match names, if any)."""
        lead = self._lead(text, start) if lead is None else lead
        who = who or text[start:end].split(" ", 1)[0]  # "reviewer upheld ...": its first word
        said = self.said
        return bool(said["prior_decider"].search(lead + who) or said["reported_before"].search(lead))

    def _statements(self, lt: Letter) -> list[Cue]:
        """The IRO reviewer's decision sentence ("The adverse determination under review is
        UPHELD", "I disagree with the denial"): not a prior reviewer's ruling told in the
        history, an argument or a hypothesis; one service's when its clause starts with an
        item of a list of services."""
        # the sentences near a trigger word that hold one of the nouns every match holds
        windows = lt.sentences(self.words["statement"], self.sizes.get("statement"), self.statement_nouns)
        found = []
        for rule in self.statements:
            pat, where = lt.pick(rule)
            found += [m for lo, hi in windows for m in pat.finditer(where, lo, hi)]
        cues = [c for c in (self._statement(lt.text, m) for m in found) if c is not None]
        if len({c.service.lower() for c in cues if c.service}) < 2:  # a list has two items at least
            cues = [c._replace(how="prose", service=None) for c in cues]
        return cues + self._necessity(lt)

    def _statement(self, text: str, m: re.Match) -> Cue | None:
        """One decision sentence as a cue (None: not the IRO reviewer's)."""
        lead = self._lead(text, m.start())
        g = m.groupdict()
        if self.not_the_iro(text, m.start(), m.end(), lead, g.get("who") or ""):
            return None
        # one service's result when its clause starts with an item of a list of services
        items = list(self.said["item"].finditer(lead))
        svc = items[-1]["svc"].strip() if items else None
        svc = None if svc and self.said["not_item"].search(svc) else svc
        value, how = _statement_value(g, self.said["uphold_verbs"]), "service_clause" if svc else "prose"
        return Cue(m.start(), m.end(), value, how, svc, {"about": "decision reviewed"})

    def _necessity(self, lt: Letter) -> list[Cue]:
        """The reviewer's own finding on the service ("I do not find the MRI medically
        necessary"): not necessary keeps the denial."""
        cues = []
        for m in (m for rule in self.necessity for m in lt.matches(rule)):
            g = m.groupdict()
            if not self.not_the_iro(lt.text, m.start(), m.end(), None, g.get("who") or ""):
                kept = g.get("neg") or g.get("neg2")  # not necessary: the denial is kept
                value = "upheld" if kept else "overturned"
                cues.append(Cue(m.start(), m.end(), value, "necessity", None, {"about": "service"}))
        return cues

    # -- the outcome -----------------------------------------------------------------
    def basis(self, cues: list[Cue]) -> list[Cue]:
        """The cues the outcome rests on: marked boxes first, then per-service results,
        hearing rulings (the first one; several services ruled on each), an option printed
        alone on its line, prose, the reviewer's last finding on the service."""
        for kinds in (BOX_TYPES, PER_SERVICE, RULINGS, ("printed_line",), ("prose",)):
            picked = [c for c in cues if c.how in kinds]
            if picked and kinds is RULINGS:
                split = [c for c in picked if c.how in ("entitled", "ordered") and c.service]
                if len({c.value for c in split}) > 1:
                    return split
                # a ruling on the treatment or on the IRO decision before one on a lower
                # decision (which needs what that decision was)
                return [min(picked, key=lambda c: ((c.info or {}).get("about") == LOWER, c.start))]
            if picked:
                return picked
        necessity = [c for c in cues if c.how == "necessity"]
        return necessity[-1:] or cues[:1]  # the reviewer's conclusion comes last

    def decide(self, cues: list[Cue]) -> str | None:
        """The outcome from the cues it rests on (``basis``): their one value; boxes,
        options and prose that disagree give the first unless one says partially; other
        disagreeing cues (a split decision) give partially overturned."""
        picked = self.basis(cues)
        values = {c.value for c in picked}
        if len(values) < 2:
            return values.pop() if values else None
        if picked[0].how in (*BOX_TYPES, "printed_line", "prose") and "partially_overturned" not in values:
            return picked[0].value
        return "partially_overturned"

    def __call__(self, doc: Doc) -> Doc:
        sections = doc.spans.get("sections", [])
        section = next(((s.start_char, s.end_char) for s in sections if s.label_ == "outcome"), None)
        text = doc_text(doc)
        lt = Letter(self, text, doc_lower(doc), self.triggers.hits(doc), self.model_triggers.hits(doc))
        cues = self.cues(lt, section)
        basis = {id(c) for c in self.basis(cues)}
        spans = []
        for c in cues:
            start = next((i for i in range(c.start, c.end) if text[i].isalnum()), c.end)
            span = char_span(doc, start, c.end, "OUTCOME")
            if span is None:
                continue
            info = {"value": c.value, "how": c.how}
            if c.service:
                info["service"] = " ".join(c.service.split())
            info.update(c.info or {})
            if id(c) in basis:
                info["basis"] = True  # the outcome of the case rests on this cue
            set_iro(span, {**(span_ext(span) or {}), **info})
            spans.append(span)
        set_group(doc, "outcome", spans)
        doc._.iro_case = {**(doc._.iro_case or {}), "outcome": self.decide(cues)}
        return doc


class Rulings:
    """One letter read by the model: each kind of ruling in turn, a span taken by one
    ruling never read again, what the IRO and the decision under appeal did read once."""

    def __init__(self, det: OutcomeDetector, lt: Letter):
        self.det, self.lt, self.text, self.said = det, lt, lt.text, det.said
        self.cues: list[Cue] = []
        self.taken: list[tuple[int, int]] = []
        self.lower: tuple | None = None

    def read(self) -> list[Cue]:
        self.preponderance()
        self.relative()
        self.on_treatment()
        # a hearing tells how the denial fared before it ("the denial was upheld"): its own
        # ruling is read above, so the plan rules are for external appeals
        if not is_hearing(self.text, self.lt.low):
            self.plan()
        return self.cues

    def matches(self, rules: list[Rule]):
        """(rule, match) of each rule near its words, a span taken already left out."""
        for rule in rules:
            for m in self.lt.matches(rule, self.lt.model_hits):
                a, b = m.span()
                if not any(a < y and x < b for x, y in self.taken) and not self.lt.in_question(a):
                    yield rule, m

    def against(self, direction: str) -> tuple[str, dict]:
        """The outcome of a ruling on the treatment, read against the reference."""
        ref, at = self.lt.reference
        value = "upheld" if direction == ref else "overturned"
        return value, {"reference": ref, **({"reference_at": list(at)} if at else {})}

    def add(self, start: int, end: int, value: str, info: dict) -> None:
        self.cues.append(Cue(start, end, value, "ruling", None, info))
        self.taken.append((start, end))

    def preponderance(self) -> None:
        """ "The preponderance of the evidence is (not) contrary to the IRO decision"."""
        text = self.text
        for _, m in self.matches(self.det.preponderance):
            if self.said["not_a_ruling_before"].search(text, max(0, m.start() - 40), m.start()):
                continue
            said = text[m.end("fail") if m["fail"] else m.start() : m.end()]
            # "is not contrary", "does not, by a preponderance, go against"
            contrary = not self.said["negation"].search(said)
            if m["fail"]:
                contrary = not contrary
            direction = "contrary" if contrary else "not contrary"
            info = {"decider": "hearing", "direction": direction, "about": "IRO decision"}
            # the row covers the ruling up to its clause's end
            self.add(m.start(), _clause_end(text, m.end()), "overturned" if contrary else "upheld", info)

    def relative(self) -> None:
        """Agreeing or disagreeing with the IRO's decision or a lower one, or granting or
        denying the request."""
        for rule, m in self.matches(self.det.relative):
            d, about_iro = rule.tag, bool(self.said["names_iro"].search(m.group()))
            info = {"direction": d, "about": "IRO decision" if about_iro else LOWER}
            if d in ("grant", "deny"):  # "the ALJ denies the request": the treatment itself
                value, ref_info = self.against(d)
                info.update(about="treatment", **ref_info)
            elif about_iro:
                value = "upheld" if d == "agree" else "overturned"
            else:
                value = self.on_lower(d, info)
            self.add(m.start(), _clause_end(self.text, m.end()), value, info)

    def on_lower(self, d: str, info: dict) -> str:
        """A ruling on the decision under appeal, read through what that decision did (the
        IRO's, or the insurer's denial, when the letter does not say)."""
        if self.lower is None:
            self.lower = self.det.lower_decision(self.text)
        below, at = self.lower
        if below is None:
            below = self.lt.reference[0]
        else:
            info["lower_at"] = list(at)
        treat = below if d == "agree" else ("grant" if below == "deny" else "deny")
        value, ref_info = self.against(treat)
        info.update(lower=below, **ref_info)
        return value

    def on_treatment(self) -> None:
        """ "The hearing officer finds that X is (not) medically necessary"."""
        for _, m in self.matches([self.det.ruling]):
            head = self.text[m.start() : m.start("clause")]
            if not self.said["third_person"].search(head) and not head.lower().startswith("we"):
                continue  # "asked that the ALJ find ...": a wish, not a ruling
            clause = m["clause"]
            iro = self.said["iro_content"].search(clause)  # what follows says what the IRO decided
            d = self.det.direction(clause[: iro.start()] if iro else clause)
            if d is None:
                continue
            value, info = self.against(d)
            end = m.start("clause") + len(clause.rstrip())
            self.add(m.start(), end, value, {"direction": d, "about": "treatment", **info})

    def plan(self) -> None:
        """How an external appeal says the health plan's denial fared."""
        text = self.text
        for rule, m in self.matches(self.det.plan):
            if self.said["iro_subject"].search(text, max(0, m.start() - 40), m.start()):
                continue  # "the IRO reviewer upheld the denial": what the IRO did, told in a hearing
            if self.det.not_the_iro(text, *m.span()):
                continue  # "the reconsideration reviewer upheld the denial"
            g = m.groupdict()
            value = rule.tag if not g.get("neg") else ("overturned" if rule.tag == "upheld" else "upheld")
            if (g.get("part") or "").lower() == "part":
                value = "partially_overturned"
            self.cues.append(Cue(m.start(), m.end(), value, "prose", None, {"about": "health plan decision"}))
