"""Concepts that a letter may call absent or not established (the gold ``negated`` list):
radiculopathy, stenosis, weakness, reflex loss, ...

Terms per concept are data (``patterns/concepts.json``); a phrase matches across a line
wrap. Phrases such as "neurologically intact" state the absence themselves and are
marked ``self_negating`` (literal terms, or regexes for the many ways of saying "the
neurological examination is normal"). ConText (``iro_assertion``) decides the status of
the others.

Radiology prose shares a head noun between coordinated modifiers: "no canal or foraminal
stenosis" denies canal stenosis too, although "canal stenosis" is never written. Every
multi-word term "modifier head" therefore also matches as "modifier or/and/, ... head"
(at most four words in between, so a list "central, lateral recess and foraminal" works);
the span runs from the modifier to the shared head.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from .base import RuleComponent, char_span, compile_alternation, doc_text, phrase_key, set_group

COORD = r"(?:\s*/\s*|\s*,\s*(?:or\s+|and\s+)?|\s+(?:and/or|or|and|nor)\s+)"


def _phrase(words: list[str]) -> str:
    return r"\s+".join(re.escape(w) for w in words)


class ConceptMatcher(RuleComponent):
    rules_file = "concepts.json"

    def compile(self) -> None:
        self.term_concept: dict[str, tuple[str, bool]] = {}
        for concept, terms in self.rules["concepts"].items():
            for t in terms:
                self.term_concept.setdefault(phrase_key(t), (concept, False))
        for concept, terms in self.rules.get("self_negating", {}).items():
            for t in terms:
                self.term_concept[phrase_key(t)] = (concept, True)
        self.term_re = compile_alternation(list(self.term_concept))
        self.patterns = [
            (concept, re.compile(p, re.I))
            for concept, pats in self.rules.get("self_negating_patterns", {}).items()
            for p in pats
        ]
        # "modifier head" terms for coordination: (modifier, head) -> concept
        stop = set(self.rules.get("coordination_stopwords", []))
        self.pair_concept: dict[tuple[str, str], str] = {}
        for concept, terms in self.rules["concepts"].items():
            for t in terms:
                words = phrase_key(t).split()
                if len(words) >= 2 and not stop & set(words[:-1]):
                    self.pair_concept.setdefault((" ".join(words[:-1]), words[-1]), concept)
        self.coord_re = None
        if self.pair_concept:
            mods = sorted({m for m, _ in self.pair_concept}, key=len, reverse=True)
            heads = sorted({h for _, h in self.pair_concept}, key=len, reverse=True)
            self.coord_re = re.compile(
                rf"(?<![\w-])(?P<mod>{'|'.join(_phrase(m.split()) for m in mods)}){COORD}"
                rf"(?:[a-z][\w-]*(?:\s*,\s*|\s+)){{1,4}}?(?P<head>{'|'.join(map(re.escape, heads))})(?![\w])",
                re.I,
            )

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        found: list[tuple[int, int, str, bool]] = []
        for m in self.term_re.finditer(text):
            concept, self_neg = self.term_concept[phrase_key(m.group())]
            found.append((m.start(), m.end(), concept, self_neg))
        for concept, pat in self.patterns:
            found.extend((m.start(), m.end(), concept, True) for m in pat.finditer(text))
        if self.coord_re is not None:
            for m in self.coord_re.finditer(text):
                concept = self.pair_concept.get((phrase_key(m.group("mod")), m.group("head").lower()))
                if concept:
                    found.append((m.start(), m.end(), concept, False))
        spans, seen = [], set()
        for start, end, concept, self_neg in found:
            span = char_span(doc, start, end, concept)
            if span is None or (span.start, span.end, concept) in seen:
                continue
            seen.add((span.start, span.end, concept))
            span._.iro = {**(span._.iro or {}), "concept": concept, "self_negating": self_neg}
            spans.append(span)
        set_group(doc, "concepts", spans)
        return doc
