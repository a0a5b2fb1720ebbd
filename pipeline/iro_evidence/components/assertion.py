"""Assertion and attribution of every fact, with medspaCy's ConText.

ConText runs once over the union of the fact span groups (concepts, exam signs,
findings, studies, sizes, levels) with medspaCy's default rules plus ours
(``patterns/context.json``), including a ``NOT_DOCUMENTED`` category for "no documented",
"fails to establish", "was not provided": absence of documentation, which analysts must
tell apart from a clinical negative.

Scope survives PDF line breaks: every rule becomes a token pattern that lets whitespace
tokens sit between its words, and the sentence splitter does not end a sentence at a
wrapped line. Conflicts are settled by fixed, documented rules (``resolve``):
not documented beats possible beats negated (one existence status per fact: "cannot
exclude" is a hedge, "no documented X" is no clinical negative); family beats historical
("family history of"); a negated or not-documented fact is not historical ("no history
of", "prior stroke with no residual deficit"). Sections such as PAST MEDICAL HISTORY add
their flag.

Each span gets plain bools ``_.is_negated``, ``_.is_possible``, ``_.is_hypothetical``,
``_.is_historical``, ``_.is_family``, ``_.is_not_documented`` and ``_.attribution``: who
asserts it (``iro_reviewer``, ``utilization_reviewer``, ``requesting_provider``,
``examining_physician``, ``claimant``, ``hearing_officer``, ``medical_records``). Letters
nest voices ("The request was denied. The reviewer stated that ..."), so attribution reads
reporting constructions (``Attributor``, rules in ``context.json`` "attribution"): the
nearest cue in the sentence, else a cue carried from earlier in the paragraph, else the
section's role for the letter genre (IRO letter, hearing decision, UR letter). medspaCy's
graph objects are removed from the Doc so it stays picklable.
"""

from __future__ import annotations

import bisect
import re

from medspacy.context import ConText, ConTextRule
from spacy.tokens import Doc, Span

from .base import RuleComponent, doc_text, ensure_sentences, expand_leading_in, sentence_starts
from .extensions import ASSERTION_FLAGS

MEDSPACY_KEYS = ("modifiers", "context_graph")


class AssertionDetector(RuleComponent):
    rules_file = "context.json"

    def compile(self) -> None:
        r = self.rules
        self.category_flag = r.get("categories", {})
        self.section_flags = r.get("section_flags", {})
        self.target_groups = r.get("target_groups", [])
        self.attributor = Attributor(r.get("attribution", {}), r.get("section_attribution"))
        self.context = ConText(
            self.nlp,
            name=f"{self.name}_context",
            rules=None,
            span_attrs=None,
            input_span_type="group",
            span_group_name="_iro_targets",
        )
        rules = []
        for d in r.get("context_rules", []):
            d = wrap_tolerant(d)
            if isinstance(d.get("pattern"), list):
                # perf: one pattern per leading word, so the matcher needs no Python predicate
                rules += [ConTextRule.from_dict({**d, "pattern": p}) for p in expand_leading_in(d["pattern"])]
            else:
                rules.append(ConTextRule.from_dict(d))
        self.context.add(rules)

    def __call__(self, doc: Doc) -> Doc:
        ensure_sentences(doc)
        targets = []
        for key in self.target_groups:
            if key in doc.spans:
                targets.extend(doc.spans[key])
        self.qualify_spans(doc, targets)
        return doc

    def qualify_spans(self, doc: Doc, targets: list[Span]) -> list[dict]:
        """Set and return the assertion flags of ``targets`` (spans of ``doc``)."""
        unique = {(s.start, s.end): s for s in targets}
        doc.spans["_iro_targets"] = sorted(unique.values(), key=lambda s: (s.start, s.end))
        self.context(doc)
        flags: dict[tuple[int, int], dict] = {k: dict.fromkeys(ASSERTION_FLAGS, False) for k in unique}
        for target, modifier in doc._.context_graph.edges:
            flag = self.category_flag.get(modifier.category)
            if flag:
                flags[(target.start, target.end)][flag] = True
        sections = doc.spans["sections"] if "sections" in doc.spans else []
        sec_starts = [s.start for s in sections]
        sent_toks, sent_chars = sentence_starts(doc)
        text = doc_text(doc)
        attribute = self.attributor.for_doc(text, sections, sent_chars)
        for key, span in unique.items():
            f = flags[key]
            section = None
            if sections:
                k = bisect.bisect_right(sec_starts, span.start) - 1
                section = sections[k].label_ if k >= 0 else None
            if section in self.section_flags:
                f[self.section_flags[section]] = True
            resolve(f)
            for flag in ASSERTION_FLAGS:
                setattr(span._, f"is_{flag}", f[flag])
            k = bisect.bisect_right(sent_toks, span.start) - 1
            span._.attribution = attribute(span.start_char, span.end_char, k, section)
        del doc.spans["_iro_targets"]
        for key in [k for k in doc.user_data if isinstance(k, tuple) and k[1] in MEDSPACY_KEYS]:
            del doc.user_data[key]
        return [flags[(s.start, s.end)] for s in targets]


PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n|\f")


class Attributor:
    """Who asserts each fact, from reporting cues, paragraphs and sections (rules: the
    "attribution" object of ``context.json``; its ``_doc`` explains each key)."""

    def __init__(self, rules: dict | list, legacy_sections: dict | None = None):
        if isinstance(rules, list):  # rules saved before cues had positions: [[who, regex], ...]
            rules = {"cues": [{"who": w, "pattern": p} for w, p in rules]}
            rules["section_attribution"] = {"*": legacy_sections or {}}
        self.genres = [
            (g["name"], g.get("within", 2000), re.compile(g["pattern"], re.I))
            for g in rules.get("genres", [])
        ]
        self.roles = [(r["who"], re.compile(r["pattern"], re.I)) for r in rules.get("roles", [])]
        self.cues = [(c, re.compile(c["pattern"], re.I)) for c in rules.get("cues", [])]
        self.sections = rules.get("section_attribution", {})
        self.after_window = rules.get("after_window", 80)
        self.contrast = re.compile(rules["contrast"], re.I) if rules.get("contrast") else None

    def genre(self, text: str) -> str:
        for name, within, pat in self.genres:
            if pat.search(text, 0, within):
                return name
        return "iro"

    def section_role(self, genre: str, section: str | None) -> str | None:
        if not section:
            return None
        return (self.sections.get(genre) or {}).get(section) or (self.sections.get("*") or {}).get(section)

    def for_doc(self, text: str, sections, sent_chars: list[int]):
        """A function (start_char, end_char, sentence index, section) -> role or None."""
        genre = self.genre(text)
        sec_bounds = [(s.start_char, s.label_) for s in sections]
        sec_starts = [b for b, _ in sec_bounds]
        breaks = [m.end() for m in PARAGRAPH_BREAK.finditer(text)]

        def section_at(pos: int) -> str | None:
            k = bisect.bisect_right(sec_starts, pos) - 1
            return sec_bounds[k][1] if k >= 0 else None

        def block_start(pos: int) -> int:
            k = bisect.bisect_right(breaks, pos) - 1
            b = breaks[k] if k >= 0 else 0
            j = bisect.bisect_right(sec_starts, pos) - 1
            return max(b, sec_starts[j] if j >= 0 else 0)

        names: dict[str, str] = {}
        found = []  # (start, end, order, rule, name)
        for i, (who, pat) in enumerate(self.roles):
            for m in pat.finditer(text):
                name = m.group("name") if "name" in pat.groupindex else None
                if name and name not in names:
                    names[name] = who
                found.append((m.start(), m.end(), i, {"who": who}, None))
        for i, (rule, pat) in enumerate(self.cues, start=len(self.roles)):
            for m in pat.finditer(text):
                name = m.group("name") if "name" in pat.groupindex else None
                found.append((m.start(), m.end(), i, rule, name))
        found.sort(key=lambda c: (c[0], c[2]))
        cues: list[tuple[int, int, str, bool]] = []  # (start, end, who, weak), in text order
        taken: set[int] = set()
        for start, end, _, rule, name in found:
            if start in taken:  # two cues at one place: the one listed first in the rules
                continue
            taken.add(start)
            who = rule["who"]
            default = (rule.get("default_by_genre") or {}).get(genre) or rule.get("default")
            if who == "@name":
                who = names.get(name or "") or default
            elif who in ("@section", "@carry"):
                b = block_start(start)
                carried = next((c[2] for c in reversed(cues) if c[0] >= b and not c[3]), None)
                if who == "@carry":  # "He also noted": the person of the paragraph
                    who = carried or default
                else:
                    allowed = rule.get("allowed") or []
                    who = self.section_role(genre, section_at(start))
                    if who not in allowed:
                        who = carried if carried in allowed else default
            if who:
                cues.append((start, end, who, bool(rule.get("weak"))))
        cue_starts = [c[0] for c in cues]
        n_sent = len(sent_chars)

        def attribute(start: int, end: int, k: int, section: str | None) -> str | None:
            s0 = sent_chars[k] if 0 <= k < n_sent else 0
            s1 = sent_chars[k + 1] if k + 1 < n_sent else len(text)
            lo = bisect.bisect_left(cue_starts, s0)
            hi = bisect.bisect_left(cue_starts, s1)
            before = [c for c in cues[lo:hi] if c[0] < start]
            strong = [c for c in before if not c[3]]
            if before:
                ranked = sorted(strong or before, key=lambda c: (min(c[1], start), c[0]), reverse=True)
                # "Dr. L noted that Claimant complained of pain, but had a normal gait": the
                # nearest cue stops at the contrast word, the one before it reaches further
                if len(ranked) > 1 and self.contrast is not None and ranked[0][1] < start:
                    if self.contrast.search(text, ranked[0][1], start):
                        return ranked[1][2]
                return ranked[0][2]
            after = [c for c in cues[lo:hi] if end <= c[0] <= end + self.after_window]
            if after:
                return after[0][2]
            # carried from earlier in the paragraph; a study's cue ends the carry
            j = lo - 1
            if j >= 0 and cues[j][0] >= block_start(s0) and not cues[j][3]:
                return cues[j][2]
            return self.section_role(genre, section)

        return attribute


SPACE = {"IS_SPACE": True, "OP": "*"}


def wrap_tolerant(rule: dict) -> dict:
    """A copy of a ConText rule whose words may be separated by line breaks ("negative\nfor")."""
    rule = dict(rule)
    if (rule.get("metadata") or {}).get("line_breaks") is False:
        return rule  # e.g. "was negative" must not swallow a wrapped "was\nnegative for X"
    pattern = rule.get("pattern")
    if pattern is None:
        words = rule["literal"].split()
        if len(words) < 2 or not all(re.fullmatch(r"[\w'/-]+", w) for w in words):
            return rule
        pattern = [{"LOWER": w.lower()} for w in words]
    if isinstance(pattern, list) and len(pattern) > 1:
        out: list[dict] = []
        for tok in pattern:
            if out and out[-1] != SPACE and tok != SPACE:
                out.append(SPACE)
            out.append(tok)
        rule["pattern"] = out
    return rule


def resolve(f: dict) -> dict:
    """Settle conflicting flags in place, always the same way (see the module docstring)."""
    if f["not_documented"]:
        f["possible"] = f["negated"] = False
    elif f["possible"]:
        f["negated"] = False
    if f["family"]:
        f["historical"] = False
    if f["negated"] or f["not_documented"]:
        f["historical"] = False
    return f
