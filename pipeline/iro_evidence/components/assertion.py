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
``_.is_historical``, ``_.is_family``, ``_.is_not_documented`` and ``_.attribution`` (who
asserts it: IRO reviewer, utilization reviewer, requesting provider, ...), read from the
sentence's reporting verbs first and the section second. medspaCy's graph objects are
removed from the Doc so it stays picklable.
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
        self.attribution = [(who, re.compile(p, re.I)) for who, p in r.get("attribution", [])]
        self.section_attribution = r.get("section_attribution", {})
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
        sent_cache: dict[int, str | None] = {}
        sent_toks, sent_chars = sentence_starts(doc)
        text = doc_text(doc)
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
            if k not in sent_cache:
                end = sent_chars[k + 1] if k + 1 < len(sent_chars) else len(text)
                sent_cache[k] = self.attribute(text[sent_chars[k] : end].rstrip(), section)
            span._.attribution = sent_cache[k]
        del doc.spans["_iro_targets"]
        for key in [k for k in doc.user_data if isinstance(k, tuple) and k[1] in MEDSPACY_KEYS]:
            del doc.user_data[key]
        return [flags[(s.start, s.end)] for s in targets]

    def attribute(self, sentence: str, section: str | None) -> str | None:
        for who, pat in self.attribution:
            if pat.search(sentence):
                return who
        return self.section_attribution.get(section or "", None)


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
