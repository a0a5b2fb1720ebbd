"""Assertion and attribution of every fact, with medspaCy's ConText.

ConText runs once over the union of the fact span groups (concepts, exam signs,
findings, studies, sizes, levels) with medspaCy's default rules plus ours
(``patterns/context.json``), including a ``NOT_DOCUMENTED`` category for "no documented",
"fails to establish", "was not provided": absence of documentation, which analysts must
tell apart from a clinical negative. Conflicts are settled by one fixed rule: not
documented wins over negated. Sections such as PAST MEDICAL HISTORY add their flag.

Each span gets plain bools ``_.is_negated``, ``_.is_possible``, ``_.is_hypothetical``,
``_.is_historical``, ``_.is_family``, ``_.is_not_documented`` and ``_.attribution`` (who
asserts it: IRO reviewer, utilization reviewer, requesting provider, ...). medspaCy's
graph objects are removed from the Doc so it stays picklable.
"""

from __future__ import annotations

import bisect
import re

from medspacy.context import ConText, ConTextRule
from spacy.tokens import Doc, Span

from .base import RuleComponent, expand_leading_in, sentence_starts
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
        self.context.add(
            [
                ConTextRule.from_dict({**d, "pattern": p} if isinstance(d.get("pattern"), list) else d)
                for d in r.get("context_rules", [])
                for p in (expand_leading_in(d["pattern"]) if isinstance(d.get("pattern"), list) else [None])
            ]
        )

    def __call__(self, doc: Doc) -> Doc:
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
        text = doc.text
        for key, span in unique.items():
            f = flags[key]
            section = None
            if sections:
                k = bisect.bisect_right(sec_starts, span.start) - 1
                section = sections[k].label_ if k >= 0 else None
            if section in self.section_flags:
                f[self.section_flags[section]] = True
            if f["not_documented"]:
                f["negated"] = False
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
