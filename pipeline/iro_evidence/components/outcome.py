"""The review outcome: upheld, overturned, partially_overturned, or None.

IRO letters mark it with a checkbox (``[ X ] Upheld``, ``☒``, an ``X`` on its own line,
boxes spread over lines, a row of boxes above a row of labels) or print only the chosen
option; some say it in prose. A split decision lists each service with its own result
(``Lyrica 75 mg #60 - Overturned``, "Lyrica is overturned; hydrocodone upheld");
external reviews give one determination per service ("has determined the request for X
is not medically necessary").

Decisions that review another decision (hearing decisions, SOAH orders, the Appeals
Panel, other states' courts and boards, New York external appeals) are read as a model
(``model`` in outcome.json) rather than as a list of sentences: a ruling has a decider
(ALJ, hearing officer, "this decision", commission, panel, court, "we"), a direction and
an object. On the IRO's decision or a lower one it agrees or disagrees ("agrees with the
IRO", "the preponderance ... is not contrary", "We affirm", "Reversed."); on the treatment
it grants or denies ("finds the requested preauthorization should be granted",
"Claimant is not entitled to X"). A direction on the treatment is read against the
reference: what the IRO decided (a carrier's appeal of an IRO approval flips it), or,
with no IRO, the insurer's denial; a ruling on a lower decision is read through what
that decision did. The issue question ("Is the preponderance ... ?", "Whether ...") is
no ruling, so an excerpt that stops before the ruling gives None.

IRO letters that say it in a sentence are read as who x direction x object too
(``statement`` in outcome.json): "The adverse determination under review is UPHELD", "I
disagree with the denial", "it is the opinion of this reviewer that the denial be upheld";
a prior reviewer's ruling told in the history, a party's argument or a hypothesis is not
the IRO's decision, and a list of services each with its own result is a split decision.
The reviewer's own finding on the service ("I find the requested MRI medically necessary")
decides only when nothing else does.

Every cue is a span in ``doc.spans["outcome"]`` with ``value``, ``how``, the model's
reading (``direction``, ``about``, ``reference`` and the offsets of the sentence that
gave it) and, for per-service results, ``service``; the cues the outcome rests on carry
``basis``. The decided value goes to ``doc._.iro_case["outcome"]``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from spacy.tokens import Doc

from ..matching import Folded, Hits, Triggers, can_fold, doc_lower
from .base import RuleComponent, char_span, doc_text, set_group, span_ext
from .extensions import set_iro
from .genre import is_hearing

BOX_TYPES = ("checkbox", "box_row", "printed_option")
PER_SERVICE = ("service_line", "service_clause", "determined")
RULINGS = ("entitled", "ordered", "ruling")
NOT_A_SERVICE = re.compile(
    r"determination|decision|should\s+be|outcome|reviewer|IRO\b|^(?:Upheld|Overturned|Partially)\b", re.I
)
RULE_NAMES = (
    "checked",
    "determined",
    "entitled",
    "ordered",
    "question",
    "alone",
    "statement",
    "necessity",
    "established",
)
NEGATION = re.compile(r"\bnot\b|n['\u2019]t\b", re.I)
THIRD_PERSON = re.compile(r"\b(?:finds|concludes|determines|holds|rules|orders)\b", re.I)
IRO_SUBJECT = re.compile(r"\bIRO\b|independent\s+review\s+organization", re.I)
OPTION_WORDS = ("partially", "overturned", "upheld")
LOWER = "decision under appeal"  # a relative ruling's object when it is not the IRO's decision
GENERAL_CARE = re.compile(r"^(?:all\s+)?(?:the\s+)?(?:health\s+care|medical\s+benefits|benefits)\b", re.I)


class Cue(NamedTuple):
    start: int
    end: int
    value: str
    how: str
    service: str | None = None
    info: dict | None = None  # the model's reading: decider, direction, about, reference


CLAUSE_END = re.compile(r"[.;?!](?=\s|$)|\n[ \t]*\n")


def _clause_end(text: str, pos: int, limit: int = 400) -> int:
    """Where the sentence or clause holding ``pos`` ends (at most ``limit`` further)."""
    if pos >= len(text) or text[pos - 1] in ".;?!" or text[pos] in "\r\n":
        return pos  # the match is a sentence or line of its own ("Affirmed.")
    m = CLAUSE_END.search(text, pos, pos + limit)
    return m.start() if m else pos


def _within(spans: list[tuple[int, int]], pos: int) -> bool:
    return any(a <= pos < b for a, b in spans)


def _norm_option(text: str) -> str:
    return re.sub(r"\s+", "_", text.strip().lower())


def _option_value(text: str) -> str:
    """The outcome an option label names ("Partially Overturned", "DISAGREE / OVERTURN",
    "Upheld in Part")."""
    low = text.lower()
    if "partial" in low or "in part" in low:
        return "partially_overturned"
    return "overturned" if "overturn" in low or "disagree" in low else "upheld"


def _defs(pattern: str, defs: dict) -> str:
    """``pattern`` with its named parts ``{name}`` filled in."""
    for k, v in defs.items():
        pattern = pattern.replace("{" + k + "}", v)
    return pattern


UPHOLD_VERBS = re.compile(r"uph|sust|affirm|^agree|^concur|^stand|^remain", re.I)  # "the denial stands"
CLAUSE_START = re.compile(r"(?<!\b\w)(?<!\b\d\d)[.;?!]\s|\n")


def _statement_value(g: dict) -> str:
    """The outcome a decision sentence states, from its verb, negation and scope."""
    up = bool(UPHOLD_VERBS.search(g["verb"]))
    neg = (g.get("neg") or "").lower()
    if neg and ("not" in neg or "cannot" in neg):
        up = not up
    if (g.get("part") or "").lower() == "part":
        return "partially_overturned"
    split = g.get("split")
    if split and bool(UPHOLD_VERBS.search(split)) != bool(UPHOLD_VERBS.search(g["verb"])):
        return "partially_overturned"  # "upheld as to X and overturned as to Y"
    return "upheld" if up else "overturned"


def _anchored(pattern: re.Pattern, where: str, positions: list[int]):
    """``pattern.finditer(where)`` for a pattern whose every match starts at one of
    ``positions`` (in order): tried only there, with ``match`` (the same attempt finditer
    makes at that position)."""
    end = 0
    for p in positions:
        if p < end:
            continue
        m = pattern.match(where, p)
        if m:
            yield m
            end = m.end()


def _where(spec) -> tuple[str, tuple]:
    """A model rule's ``("window", (before, after))`` or ``("starts", (words, within))``."""
    if isinstance(spec, dict):
        return "starts", (tuple(spec["starts"]), spec.get("within"))
    return "window", tuple(spec)


def _starts(hits: Hits, low: str, spec: tuple, words: tuple) -> list[int]:
    """Where a rule's match can start: at one of its start words, and with ``within``, no
    further than that before one of its trigger ``words`` (every match holds one; the
    start words are then looked for there only, so common ones cost nothing)."""
    starts, within = spec
    if within is None:
        return hits.positions(starts)
    key = ("starts", starts, within, words)
    got = hits._cache.get(key)
    if got is not None:
        return got
    spans: list[list[int]] = []  # [h - within, h] around each hit, overlapping ones merged
    for h in hits.positions(words):
        lo = h - within if h > within else 0
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = h
        else:
            spans.append([lo, h])
    keep: list[int] = []
    search, longest = _any_word(starts)
    for lo, hi in spans:  # where a start word begins in [lo, hi]; each span is past the last
        m = search(low, lo, hi + longest)
        while m is not None and m.start() <= hi:
            keep.append(m.start())
            m = search(low, m.start() + 1, hi + longest)
    got = hits._cache[key] = keep
    return got


def _word_positions(low: str, words: tuple) -> list[int]:
    """Every position where one of ``words`` (lower-case) begins in ``low``, in order."""
    out = set()
    for w in words:  # str.find skips ahead faster than a regex of the words
        i = low.find(w)
        while i >= 0:
            out.add(i)
            i = low.find(w, i + 1)
    return sorted(out)


_ANY_WORD: dict[tuple, tuple] = {}


def _any_word(words: tuple) -> tuple:
    """(``search`` of a regex for any of ``words``, the longest word's length)."""
    got = _ANY_WORD.get(words)
    if got is None:
        regex = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
        got = _ANY_WORD[words] = (regex.search, max(map(len, words)))
    return got


def _folded_finditer(pat: Folded, hits: Hits, words: tuple, text: str, low: str, ok: bool):
    """``hits.finditer`` of a folded rule: over ``low`` when ``ok`` (offsets are the same)."""
    regex, where = pat.pick(text, low, ok)
    for lo, hi in hits.windows(words):
        yield from regex.finditer(where, lo, hi)


class OutcomeDetector(RuleComponent):
    rules_file = "outcome.json"

    def compile(self) -> None:
        r = self.rules
        self._compile_boxes(r)
        self._compile_statements(r["statement"])
        self._compile_model(r["model"])
        self._compile_triggers(r)

    def _compile_boxes(self, r: dict) -> None:
        """Checkbox tables, option labels, service lines and the prose rules."""
        box, empty = r["box"], r["empty_box"]
        parts = {"box": box, "option": r["option"]}
        self.checked = [Folded(re.compile(_defs(p, parts), re.I)) for p in r["checked"]]
        # a row of 2-4 boxes with nothing between them (the labels follow, in the same order)
        self.box_row = re.compile(rf"(?:(?:{box}|{empty})\s*){{2,4}}")
        self.box_re = re.compile(box)
        # every box starts with one of these characters: rows are tried only from them
        self.box_start = re.compile(r["box_starts"])
        self.option_words = {k: re.compile(p, re.I) for k, p in r["option_words"].items()}
        self.service_line = Folded(re.compile(r["service_line"], re.I))
        self.any_box = re.compile(rf"{box}|{empty}")
        option = r"(?P<opt>Partially\s+Overturned|Overturned|Upheld)"  # starts with an OPTION_WORDS word
        label_box = rf"{option}(?:\s*\([^)]{{0,60}}\))?\s*(?P<box>{box}|{empty})"  # "Upheld (Agree) [ ]"
        self.label_box = re.compile(label_box, re.I)
        self.label_box_row = re.compile(
            rf"(?:{label_box.replace('?P<opt>', '').replace('?P<box>', '')}\s*){{2,3}}", re.I
        )
        self.service_clause = Folded(re.compile(r["service_clause"], re.I))
        self.determined = re.compile(r["determined"], re.I)
        self.prose = [
            (
                e[0],
                Folded(re.compile(e[1], re.I)),
                e[2] if len(e) > 2 else "prose",
                tuple(e[3]) if len(e) > 3 else (),
                tuple(e[4]) if len(e) > 4 else None,  # its window, if not the default
            )
            for e in r["prose"]
        ]
        self.entitled = re.compile(r["entitled"], re.M)
        self.ordered = re.compile(r["ordered"], re.I)
        self.question = re.compile(r["question"])

    def _compile_statements(self, st: dict) -> None:
        """The reviewer's decision sentences, their parts and what makes one not the IRO's."""
        # the named parts ((?&verdict), ...) come from the file's defs, expanded at load
        self.statements = [Folded(re.compile(p, re.I)) for p in st["rules"]]
        self.statement_nouns = tuple(st["nouns"])
        self.necessity = {
            k: [Folded(re.compile(p, re.I)) for p in st[k]] for k in ("necessity", "established")
        }
        self.prior_decider = re.compile(st["prior_decider"], re.I)
        self.reported_before = re.compile(st["reported_before"], re.I)
        self.item = re.compile(st["item"], re.I)
        self.not_item = re.compile(st["not_item"], re.I)

    def _compile_model(self, m: dict) -> None:
        """The hearing/appeal model: who decides, direction, the reference decision."""
        # (rule, words one of which every match contains): run folded (casefold), and only
        # when one of the words is in the letter
        # each model rule's window ([before, after] around its words) holds its matches
        self.preponderance = [
            (Folded(re.compile(p, re.I)), tuple(w), _where(win))
            for p, w, win in zip(m["preponderance"], m["preponderance_words"], m["preponderance_windows"])
        ]
        self.iro_content = re.compile(m["iro_content"], re.I)
        self.not_before = re.compile(m["not_a_ruling_before"], re.I)  # the issue, not the ruling
        self.reported = re.compile(m["reported_lower"], re.I)  # what the decision under appeal held
        self.relative = [
            (d, Folded(re.compile(p, re.I)), tuple(w), _where(win)) for d, p, w, win in m["relative"]
        ]
        self.ruling = (
            Folded(re.compile(m["ruling"], re.I)),
            tuple(m["ruling_words"]),
            _where(m["ruling_window"]),
        )
        self.deny = re.compile(m["deny"], re.I)
        self.grant = re.compile(m["grant"], re.I)
        self.iro_direction = [(d, Folded(re.compile(p, re.I)), _where(win)) for d, p, win in m["iro"]]
        self.iro_words = tuple(m["iro_words"])
        words = [*self.iro_words, *m["ruling_words"]]
        words += [w for ws in m["preponderance_words"] for w in ws]
        words += [w for e in m["relative"] + m["plan"] for w in e[2]]
        # the words model rules start at are found in the same pass (those looked for near
        # the rule's words only, with 'within', are not)
        starts = [e[-1] for e in m["relative"] + m["plan"] + m["iro"]] + [m["ruling_window"]]
        starts += m["preponderance_windows"]
        words += [w for s in starts if isinstance(s, dict) and "within" not in s for w in s["starts"]]
        self.model_triggers = Triggers({"words": sorted(set(words)), **m["window"]})
        self.lower = re.compile(m["lower"], re.I)
        self.lower_deny = re.compile(m["lower_deny"], re.I)
        self.lower_grant = re.compile(m["lower_grant"], re.I)
        self.plan = [(v, Folded(re.compile(p, re.I)), tuple(w), _where(win)) for v, p, w, win in m["plan"]]
        self.alone = re.compile(m["alone"], re.I)

    def _compile_triggers(self, r: dict) -> None:
        # each whole-text rule runs near its trigger words (none: wherever any word is)
        spec = r.get("triggers") or {}
        self.words = {k: tuple(spec.get(k) or ()) for k in RULE_NAMES}
        rule_words = [*self.words.values(), *(e[3] for e in self.prose)]
        self.triggers = Triggers(spec, rule_words)
        # the rules whose matches reach further (or less far) than before/after: their own
        self.sizes = {k: tuple(v) for k, v in (spec.get("sizes") or {}).items()}
        if not all(rule_words):
            self.triggers = Triggers(None)

        # -- checkboxes -----------------------------------------------------------------

    def _boxes(self, text: str, hits: Hits, low: str, ok: bool) -> list[Cue]:
        size = self.sizes.get("checked")
        near = hits.sized(*size) if size else hits
        cues = [
            Cue(m.start("opt"), m.end("opt"), _option_value(m["opt"]), "checkbox")
            for pat in self.checked
            for m in _folded_finditer(pat, near, self.words["checked"], text, low, ok)
        ]
        cues = self._labels_then_boxes(text, low, cues, anchored=hits.found is not None and ok)
        return cues + self._box_row_then_labels(text, hits)

    def _labels_then_boxes(self, text: str, low: str, cues: list[Cue], anchored: bool) -> list[Cue]:
        """Boxes after their labels ("Upheld (Agree) [ ] Overturned (Disagree) [X]"): each
        box is its label's, never the next label's (the checked-box cues such a row gave
        are replaced)."""
        if anchored:  # a row starts with an option word: tried only there
            rows = _anchored(self.label_box_row, text, _word_positions(low, OPTION_WORDS))
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

    def _box_row_then_labels(self, text: str, hits: Hits) -> list[Cue]:
        """A row of boxes, then a row of labels (a table whose lines the canonical text
        joined): the k-th box marks the k-th label."""
        cues = []
        for row in self.box_row.finditer(text) if hits.found is None else self._box_rows(text):
            boxes = [
                bool(self.box_re.fullmatch(b.group().strip())) for b in self.any_box.finditer(row.group())
            ]
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

    def _box_rows(self, text: str):
        """``box_row.finditer(text)``, trying the row only where a box can start (a scan
        for the boxes' first characters is cheap; the row's repeated group is not)."""
        pos = 0
        while True:
            b = self.box_start.search(text, pos)
            if b is None:
                return
            m = self.box_row.match(text, b.start())
            if m:
                yield m
                pos = m.end()
            else:
                pos = b.start() + 1

    def _printed_option(self, text: str, section: tuple[int, int]) -> list[Cue]:
        s, e = section
        body = text[s:e]
        found = {k for k, p in self.option_words.items() if p.search(body)}
        if len(found) != 1:
            return []
        v = found.pop()
        m = self.option_words[v].search(body)
        return [Cue(s + m.start(), s + m.end(), v, "printed_option")]

    def _service_lines(self, text: str, section: tuple[int, int], low: str | None = None) -> list[Cue]:
        s, e = section
        low = text.lower() if low is None else low
        ok = can_fold(text, low)  # the rules run folded: what they matched is read from ``text``
        cues = []
        pat, where = self.service_line.pick(text, low, ok)
        lines = [(m, "service_line") for m in pat.finditer(where, s, e)]
        if not lines:  # "Lyrica is overturned; hydrocodone and Soma are upheld."
            pat, where = self.service_clause.pick(text, low, ok)
            lines = [(m, "service_clause") for m in pat.finditer(where, s, e)]
        for m, how in lines:
            svc = text[m.start("svc") : m.end("svc")].strip(" .:-\t")
            if NOT_A_SERVICE.search(svc) or self.box_re.search(svc):
                continue
            opt = text[m.start("opt") : m.end("opt")]
            cues.append(Cue(m.start("svc"), m.start("svc") + len(svc), _norm_option(opt), how, svc))
        return cues

    # -- the model: who decides, which way, about what -------------------------------
    def direction(self, clause: str) -> str | None:
        """``grant`` or ``deny``: which way a clause decides the treatment (denials first:
        "not medically necessary" holds "medically necessary")."""
        ways = set()
        for part in re.split(
            r",\s*(?:and\s+)?that\s+", clause
        ):  # "entitled to X, and that ... not entitled to Y"
            if self.deny.search(part):
                ways.add("deny")
            elif self.grant.search(part):
                ways.add("grant")
        # one ruling per service ("entitled to X, that ... not entitled to Y"): read per service
        return ways.pop() if len(ways) == 1 else None

    def reference(self, text: str, low: str | None = None, hits: Hits | None = None):
        """What the IRO decided (``grant``/``deny``) and where it says so, as (direction,
        (start, end) or None); with no such sentence the requester appealed a denial
        (``deny``). Without an IRO (other states' decisions) the reference is the
        insurer's denial, also ``deny``."""
        low = text.lower() if low is None else low
        hits = self.model_triggers.scan(text, low) if hits is None else hits
        ok = can_fold(text, low)
        found = []
        for d, rule, (kind, arg) in self.iro_direction:
            pat, where = rule.pick(text, low, ok)
            if kind == "starts" and hits.found is not None:  # the leftmost match, tried where it can start
                m = next(_anchored(pat, where, _starts(hits, low, arg, self.iro_words)), None)
                if m:
                    found.append((m.start(), m.end(), d))
                continue
            near = hits.sized(*arg) if kind == "window" else hits
            for lo, hi in near.windows(self.iro_words):
                m = pat.search(where, lo, hi)
                if m:
                    found.append((m.start(), m.end(), d))
                    break
        if not found:
            return "deny", None
        s, e, d = min(found)
        return d, (s, e)

    def lower_decision(self, text: str) -> tuple[str | None, tuple[int, int] | None]:
        """The treatment direction of the decision under appeal (a judge's or board's
        finding, "appeals the denial of ..."): its first sentence that says which way."""
        for m in self.lower.finditer(text):
            clause = m["clause"]
            if (
                self.lower_deny.search(clause)
                or text[m.start("clause") - 7 : m.start("clause")].lower() == " denial"
            ):
                return "deny", m.span()
            if self.lower_grant.search(clause):
                return "grant", m.span()
            d = self.direction(clause)
            if d:
                return d, m.span()
        return None, None

    def model(
        self, text: str, questions: list[tuple[int, int]], low: str | None = None, hits: Hits | None = None
    ) -> list[Cue]:
        """Rulings read as (decider, direction, about) and turned into the outcome
        relative to the reference decision (the IRO's, or the insurer's denial)."""
        low = text.lower() if low is None else low
        hits = self.model_triggers.scan(text, low) if hits is None else hits
        return Rulings(self, text, questions, low, hits).read()

    # -- everything ------------------------------------------------------------------
    def find(self, text: str, hits: Hits | None = None) -> list[Cue]:
        """The cues read in the whole text (no outcome section), looked for around the
        trigger words ``hits`` (default: scan ``text``)."""
        return self.cues(text, None, hits)

    def cues(
        self,
        text: str,
        outcome_section: tuple[int, int] | None,
        hits: Hits | None = None,
        low: str | None = None,
        model_hits: Hits | None = None,
    ) -> list[Cue]:
        """Every outcome cue, in document order (``low``: ``text.lower()``, over which the
        rules whose matched words are not read run folded, see casefold)."""
        low = text.lower() if low is None else low
        ok = can_fold(text, low)
        if hits is None:
            hits = self.triggers.scan(text, low)
        cues = self._boxes(text, hits, low, ok)
        if outcome_section is not None:
            if not cues:
                cues += self._printed_option(text, outcome_section)
            cues += self._service_lines(text, outcome_section, low)
        questions = self._questions(text, low, hits)
        for m in self._near(hits, "determined").finditer(self.determined, self.words["determined"]):
            v = "upheld" if m["neg"] else "overturned"
            cues.append(Cue(m.start("svc"), m.end("svc"), v, "determined", m["svc"]))
        for v, pat, how, ws, size in self.prose:
            for m in _folded_finditer(pat, hits.sized(*size) if size else hits, ws, text, low, ok):
                if _within(questions, m.start()) or (how == "prose" and self.not_the_iro(text, *m.span())):
                    continue
                cues.append(Cue(m.start(), m.end(), v, how))
        # the model's rules look around their own words (the whole text when ``hits`` does)
        if model_hits is None:
            whole = hits.found is None
            model_hits = self.model_triggers.whole(text) if whole else self.model_triggers.scan(text, low)
        cues += self._entitled_or_ordered(text, low, hits, model_hits, questions)
        cues += self.model(text, questions, low, model_hits)
        cues += self._alone(text, hits)
        if not is_hearing(text, low):  # a hearing's own ruling is read by the model
            cues += self._statements(text, low, hits, ok)
        return sorted(cues, key=lambda c: (c.start, c.end, c.value, c.how))

    def _statements(self, text: str, low: str, hits: Hits, ok: bool) -> list[Cue]:
        """The IRO reviewer's decision sentence ("The adverse determination under review is
        UPHELD", "I disagree with the denial"): not a prior reviewer's ruling told in the
        history, an argument or a hypothesis; one service's when its clause starts with an
        item of a list of services."""
        windows = self._sentences(low, hits)
        found = []
        for rule in self.statements:
            pat, where = rule.pick(text, low, ok)
            found += [m for lo, hi in windows for m in pat.finditer(where, lo, hi)]
        cues = [c for c in (self._statement(text, m) for m in found) if c is not None]
        if len({c.service.lower() for c in cues if c.service}) < 2:  # a list has two items at least
            cues = [c._replace(how="prose", service=None) for c in cues]
        return cues + self._necessity(text, low, hits, ok)

    def _statement(self, text: str, m: re.Match) -> Cue | None:
        """One decision sentence as a cue (None: not the IRO reviewer's)."""
        lead = self._lead(text, m.start())
        g = m.groupdict()
        if self.not_the_iro(text, m.start(), m.end(), lead, g.get("who") or ""):
            return None
        svc = self._item_service(lead)
        how = "service_clause" if svc else "prose"
        return Cue(m.start(), m.end(), _statement_value(g), how, svc, {"about": "decision reviewed"})

    def _item_service(self, lead: str) -> str | None:
        """The service of the last list item started in the clause before a decision."""
        items = list(self.item.finditer(lead))
        svc = items[-1]["svc"].strip() if items else None
        return None if svc and self.not_item.search(svc) else svc

    def _necessity(self, text: str, low: str, hits: Hits, ok: bool) -> list[Cue]:
        """The reviewer's own finding on the service ("I do not find the MRI medically
        necessary"): not necessary keeps the denial."""
        cues = []
        for name, pats in self.necessity.items():
            near = self._near(hits, name)
            for m in (m for p in pats for m in _folded_finditer(p, near, self.words[name], text, low, ok)):
                g = m.groupdict()
                if not self.not_the_iro(text, m.start(), m.end(), None, g.get("who") or ""):
                    kept = g.get("neg") or g.get("neg2")  # not necessary: the denial is kept
                    value = "upheld" if kept else "overturned"
                    cues.append(Cue(m.start(), m.end(), value, "necessity", None, {"about": "service"}))
        return cues

    def _sentences(self, low: str, hits: Hits) -> list[tuple[int, int]]:
        """Where the decision sentences can be: each sentence ("." + space, or a paragraph
        break, ends one; no rule crosses either) inside a trigger window that holds a
        trigger word and one of the nouns every match holds, merged."""
        nouns, out = self.statement_nouns, []
        for lo, hi in self._near(hits, "statement").windows(self.words["statement"]):
            if hits.found is None:
                at = sorted({i for w in self.words["statement"] for i in _word_positions(low[lo:hi], (w,))})
                at = [lo + i for i in at]
            else:
                at = [p for p in hits.positions(self.words["statement"]) if lo <= p < hi]
            for p in at:
                if out and p < out[-1][1]:
                    continue  # in the sentence already taken
                s = max(low.rfind(". ", lo, p) + 2, low.rfind("\n\n", lo, p) + 2, lo)
                ends = [e for e in (low.find(". ", p, hi), low.find("\n\n", p, hi)) if e >= 0]
                e = min(ends) + 1 if ends else hi
                if any(low.find(n, s, e) >= 0 for n in nouns):
                    if out and s <= out[-1][1]:
                        out[-1] = (out[-1][0], max(e, out[-1][1]))
                    else:
                        out.append((s, e))
        return out

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
        return bool(self.prior_decider.search(lead + who) or self.reported_before.search(lead))

    def _near(self, hits: Hits, name: str) -> Hits:
        """The same trigger positions, with the rule's own window size."""
        size = self.sizes.get(name)
        return hits.sized(*size) if size else hits

    def _questions(self, text: str, low: str, hits: Hits) -> list[tuple[int, int]]:
        """Where the issue questions are ("Is the preponderance ... ?"): no ruling there."""
        words = self.words["question"]
        if hits.found is None:
            return [m.span() for m in hits.finditer(self.question, words)]
        # an issue question starts at "Is" not far before its word
        at = _starts(hits, low, (("is",), self.sizes.get("question", (100,))[0]), words)
        return [m.span() for m in _anchored(self.question, text, at)]

    def _entitled_or_ordered(
        self, text: str, low: str, hits: Hits, model_hits: Hits, questions: list[tuple[int, int]]
    ) -> list[Cue]:
        """ "Claimant is (not) entitled to X", "X is granted/denied", read against what the
        IRO decided (read once, when one of them needs it)."""
        cues: list[Cue] = []
        iro_said: list[str] = []

        def iro_denied() -> bool:
            if not iro_said:
                iro_said.append(self.reference(text, low, model_hits)[0])
            return iro_said[0] == "deny"

        for m in self._near(hits, "entitled").finditer(self.entitled, self.words["entitled"]):
            if _within(questions, m.start()) or (m["svc"] and GENERAL_CARE.search(m["svc"])):
                continue
            head = text[max(0, m.start() - 300) : m.start()]
            if self.reported.search(head[head.rfind(". ") + 1 :]):
                continue  # "the hearing officer determined ... the claimant is entitled": the lower ruling
            claimant_wins = "not" not in m["neg"]
            v = "overturned" if claimant_wins == iro_denied() else "upheld"
            s, e = m.span("svc") if m["svc"] else m.span("neg")
            cues.append(Cue(s, e, v, "entitled", m["svc"]))
        for m in self._near(hits, "ordered").finditer(self.ordered, self.words["ordered"]):
            claimant_wins = "granted" in m["neg"]
            v = "overturned" if claimant_wins == iro_denied() else "upheld"
            cues.append(Cue(m.start("svc"), m.end("svc"), v, "ordered", m["svc"]))
        return cues

    def _alone(self, text: str, hits: Hits) -> list[Cue]:
        """One option printed alone on its line (a menu of options prints them all; one
        after an empty box is an unchosen row of a menu)."""
        alone = {
            _norm_option(m["opt"]).replace("overturned_in_part", "partially_overturned"): m
            for m in self._near(hits, "alone").finditer(self.alone, self.words["alone"])
            if not self.any_box.search(text, max(0, m.start("opt") - 8), m.start("opt"))
        }
        if len(alone) != 1:
            return []
        ((v, m),) = alone.items()
        v = "partially_overturned" if v == "upheld_in_part" else v
        return [Cue(m.start("opt"), m.end("opt"), v, "printed_line")]

    @staticmethod
    def _one(values: set[str]) -> str:
        if len(values) == 1:
            return next(iter(values))
        return "partially_overturned"

    def basis(self, cues: list[Cue]) -> list[Cue]:
        """The cues the outcome rests on: marked boxes first, then per-service results,
        hearing rulings (the first one; several services ruled on each), an option printed
        alone on its line, prose."""
        if not cues:
            return []
        boxes = [c for c in cues if c.how in BOX_TYPES]
        if boxes:
            return boxes
        per = [c for c in cues if c.how in PER_SERVICE]
        if per:
            return per
        rulings = [c for c in cues if c.how in RULINGS]
        if rulings:
            split = [c for c in rulings if c.how in ("entitled", "ordered") and c.service]
            if len({c.value for c in split}) > 1:
                return split
            # a ruling on the treatment or on the IRO decision before one on a lower decision
            # (which needs what that decision was)
            return [
                min(rulings, key=lambda c: ((c.info or {}).get("about") == "decision under appeal", c.start))
            ]
        for how in ("printed_line", "prose"):
            picked = [c for c in cues if c.how == how]
            if picked:
                return picked
        necessity = [c for c in cues if c.how == "necessity"]
        if necessity:  # the reviewer's conclusion comes last
            return necessity[-1:]
        return [cues[0]]

    def decide(self, cues: list[Cue]) -> str | None:
        """The outcome from the cues it rests on (``basis``)."""
        picked = self.basis(cues)
        if not picked:
            return None
        values = {c.value for c in picked}
        if picked[0].how in BOX_TYPES:
            if len(values) == 1:
                return values.pop()
            return "partially_overturned" if "partially_overturned" in values else picked[0].value
        if picked[0].how in ("printed_line", "prose"):
            return "partially_overturned" if "partially_overturned" in values else picked[0].value
        return self._one(values)

    def __call__(self, doc: Doc) -> Doc:
        outcome_section = None
        for s in doc.spans.get("sections", []):
            if s.label_ == "outcome":
                outcome_section = (s.start_char, s.end_char)
                break
        text = doc_text(doc)
        low = doc_lower(doc)
        hits, model_hits = self.triggers.hits(doc), self.model_triggers.hits(doc)
        cues = self.cues(text, outcome_section, hits, low, model_hits)
        basis = {id(c) for c in self.basis(cues)}
        spans = []
        for c in cues:
            start = c.start
            while start < c.end and not text[start].isalnum():
                start += 1
            span = char_span(doc, start, c.end, "OUTCOME")
            if span is not None:
                info = {"value": c.value, "how": c.how}
                if c.service:
                    info["service"] = re.sub(r"\s+", " ", c.service).strip()
                if c.info:
                    info.update(c.info)
                if id(c) in basis:
                    info["basis"] = True  # the outcome of the case rests on this cue
                set_iro(span, {**(span_ext(span) or {}), **info})
                spans.append(span)
        set_group(doc, "outcome", spans)
        case = dict(doc._.iro_case or {})
        case["outcome"] = self.decide(cues)  # == the value of the cues in ``basis``
        doc._.iro_case = case
        return doc


class Rulings:
    """One letter read by the model (``OutcomeDetector.model``): each kind of ruling in
    turn, a span taken by one ruling never read again, the reference read once if needed."""

    def __init__(
        self, det: OutcomeDetector, text: str, questions: list[tuple[int, int]], low: str, hits: Hits
    ):
        self.det, self.text, self.low, self.hits, self.questions = det, text, low, hits, questions
        self.ok = can_fold(text, low)
        self.cues: list[Cue] = []
        self.taken: list[tuple[int, int]] = []
        self.ref: str | None = None
        self.ref_at: tuple[int, int] | None = None
        self.lower: tuple | None = None

    def read(self) -> list[Cue]:
        self.preponderance()
        self.relative()
        self.on_treatment()
        # a hearing tells how the denial fared before it ("the denial was upheld"): its own
        # ruling is read above, so the plan rules are for external appeals
        if not is_hearing(self.text, self.low):
            self.plan()
        return self.cues

    def matches(self, rule: Folded, words: tuple, spec: tuple[str, tuple]):
        """The rule's matches (offsets are ``text``'s) in the windows around its words,
        or tried where its start words are."""
        hits, found = self.hits, self.hits.found
        if found is not None and not any(w in found for w in words):
            return  # none of its words (lower-case) in the letter
        pat, where = rule.pick(self.text, self.low, self.ok)
        kind, arg = spec
        if kind == "starts" and found is not None:
            yield from _anchored(pat, where, _starts(hits, self.low, arg, words))
            return
        near = hits.sized(*arg) if kind == "window" else hits
        for lo, hi in near.windows(words):
            yield from pat.finditer(where, lo, hi)

    def inside(self, a: int, b: int) -> bool:
        return any(a < y and x < b for x, y in self.taken) or any(x <= a < y for x, y in self.questions)

    def reference(self) -> str:
        if self.ref is None:
            self.ref, self.ref_at = self.det.reference(self.text, self.low, self.hits)
        return self.ref

    def against(self, direction: str) -> tuple[str, dict]:
        """The outcome of a ruling on the treatment, read against the reference."""
        ref = self.reference()
        value = "upheld" if direction == ref else "overturned"
        return value, {"reference": ref, **({"reference_at": list(self.ref_at)} if self.ref_at else {})}

    def add(self, start: int, end: int, value: str, info: dict) -> None:
        self.cues.append(Cue(start, end, value, "ruling", None, info))
        self.taken.append((start, end))

    def preponderance(self) -> None:
        """ "The preponderance of the evidence is (not) contrary to the IRO decision"."""
        text = self.text
        for m in (m for rule, words, win in self.det.preponderance for m in self.matches(rule, words, win)):
            if self.inside(*m.span()) or self.det.not_before.search(text, max(0, m.start() - 40), m.start()):
                continue
            said = text[m.end("fail") if m["fail"] else m.start() : m.end()]
            # "is not contrary", "does not, by a preponderance, go against"
            contrary = not NEGATION.search(said)
            if m["fail"]:
                contrary = not contrary
            info = {
                "decider": "hearing",
                "direction": "contrary" if contrary else "not contrary",
                "about": "IRO decision",
            }
            # the row covers the ruling up to its clause's end
            self.add(m.start(), _clause_end(text, m.end()), "overturned" if contrary else "upheld", info)

    def relative(self) -> None:
        """Agreeing or disagreeing with the IRO's decision or a lower one, or granting or
        denying the request."""
        for d, rule, words, win in self.det.relative:
            for m in self.matches(rule, words, win):
                if self.inside(*m.span()):
                    continue
                about_iro = bool(
                    re.search(r"\bIRO\b|independent\s+review|\bMRD\b|Medical\s+Review", m.group(), re.I)
                )
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
            below = self.reference()
        else:
            info["lower_at"] = list(at)
        treat = below if d == "agree" else ("grant" if below == "deny" else "deny")
        value, ref_info = self.against(treat)
        info.update(lower=below, **ref_info)
        return value

    def on_treatment(self) -> None:
        """ "The hearing officer finds that X is (not) medically necessary"."""
        text = self.text
        for m in self.matches(*self.det.ruling):
            if self.inside(*m.span()):
                continue
            head = text[m.start() : m.start("clause")]
            if not THIRD_PERSON.search(head) and not head.lower().startswith("we"):
                continue  # "asked that the ALJ find ...": a wish, not a ruling
            clause = m["clause"]
            iro = self.det.iro_content.search(clause)  # what follows says what the IRO decided
            d = self.det.direction(clause[: iro.start()] if iro else clause)
            if d is None:
                continue
            value, info = self.against(d)
            self.add(
                m.start(),
                m.start("clause") + len(clause.rstrip()),
                value,
                {"direction": d, "about": "treatment", **info},
            )

    def plan(self) -> None:
        """How an external appeal says the health plan's denial fared."""
        text = self.text
        for v, rule, words, win in self.det.plan:
            for m in self.matches(rule, words, win):
                if self.inside(*m.span()) or IRO_SUBJECT.search(text, max(0, m.start() - 40), m.start()):
                    continue  # "the IRO reviewer upheld the denial": what the IRO did, told in a hearing
                if self.det.not_the_iro(text, *m.span()):
                    continue  # "the reconsideration reviewer upheld the denial"
                g = m.groupdict()
                value = v if not g.get("neg") else ("overturned" if v == "upheld" else "upheld")
                if (g.get("part") or "").lower() == "part":
                    value = "partially_overturned"
                self.cues.append(
                    Cue(m.start(), m.end(), value, "prose", None, {"about": "health plan decision"})
                )
