"""Concepts that a letter may call absent or not established (the gold ``negated`` list):
radiculopathy, stenosis, weakness, reflex loss, ...

Terms per concept are data (``patterns/concepts.json``); a phrase matches across a line
wrap. Phrases such as "neurologically intact" state the absence themselves and are
marked ``self_negating``. ConText (``iro_assertion``) decides the status of the others.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from .base import RuleComponent, char_span, compile_alternation, doc_text, set_group


def _key(t: str) -> str:
    return re.sub(r"\s+", " ", t.lower())


class ConceptMatcher(RuleComponent):
    rules_file = "concepts.json"

    def compile(self) -> None:
        self.term_concept: dict[str, tuple[str, bool]] = {}
        for concept, terms in self.rules["concepts"].items():
            for t in terms:
                self.term_concept.setdefault(_key(t), (concept, False))
        for concept, terms in self.rules.get("self_negating", {}).items():
            for t in terms:
                self.term_concept[_key(t)] = (concept, True)
        self.term_re = compile_alternation(list(self.term_concept))

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for m in self.term_re.finditer(doc_text(doc)):
            concept, self_neg = self.term_concept[_key(m.group())]
            span = char_span(doc, m.start(), m.end(), concept)
            if span is None:
                continue
            span._.iro = {**(span._.iro or {}), "concept": concept, "self_negating": self_neg}
            spans.append(span)
        set_group(doc, "concepts", spans)
        return doc
