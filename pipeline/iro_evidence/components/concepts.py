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
the span runs from the modifier to the shared head. The same holds after the head: "no
stenosis of the canal or foramina" denies "stenosis of the foramina" too (terms "head of the
tail"); the span runs from the head to the last tail.

Two marks feed the case record's ``negated``: ``asserted`` (a mention placed at a side or level
or stated as found, "an acute left L5 radiculopathy", "the record documents a neurologic
deficit": a positive statement outweighs a denial elsewhere, such as a UR quote or an older
study) and ``answered_none`` (an indications list answered by "none of them is present", in
its own or the next sentence: every listed concept is absent).
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from spacy.tokens import Doc

from ..matching import (
    Folded,
    Hits,
    Triggers,
    can_fold,
    compile_alternation,
    doc_lower,
    intersect,
    phrase_key,
    phrase_triggers,
)
from .base import RuleComponent, char_span, doc_text, regexes, set_group, update_iro

COORD = r"(?:\s*/\s*|\s*,\s*(?:or\s+|and\s+)?|\s+(?:and/or|or|and|nor)\s+)"


def _phrase(words: list[str]) -> str:
    return r"\s+".join(re.escape(w) for w in words)


class ConceptMatcher(RuleComponent):
    rules_file = "concepts.json"

    def compile(self) -> None:
        spec = self.rules.get("triggers") or {}
        self.coord_reach = int(spec.get("coordination_reach", 150))
        self._compile_terms(spec)
        self._compile_coordination()
        self._compile_tails()
        self.rx = SimpleNamespace(
            **regexes(self.rules, "resolved_after asserted_before asserted_after answered_none")
        )
        self.answer_words = tuple(self.rules.get("answered_none_words", ()))
        # a regex without its words runs wherever any word is (everywhere, with none)
        rule_words = [
            self.term_words,
            self.head_words,
            self.mod_words,
            self.tail_heads,
            *(w for *_, w in self.patterns),
        ]
        self.triggers = Triggers(spec, [w for w in rule_words if w])
        if not all(w for *_, w in self.patterns) or not self.term_words:
            self.triggers = Triggers(None)

    def _compile_terms(self, spec: dict) -> None:
        """Every term of every concept, and the self-negating ones ("neurologically intact")."""
        self.term_concept: dict[str, tuple[str, bool]] = {}
        for concept, terms in self.rules["concepts"].items():
            for t in terms:
                self.term_concept.setdefault(phrase_key(t), (concept, False))
        for concept, terms in self.rules.get("self_negating", {}).items():
            for t in terms:
                self.term_concept[phrase_key(t)] = (concept, True)
        self.term_re = compile_alternation(list(self.term_concept))
        self.term_fold = Folded(self.term_re)
        pattern_words = spec.get("self_negating_patterns") or {}
        self.patterns = [
            (concept, re.compile(p, re.I), tuple((pattern_words.get(concept) or [()] * len(pats))[i]))
            for concept, pats in self.rules.get("self_negating_patterns", {}).items()
            for i, p in enumerate(pats)
        ]
        # stems of six letters at least: "comp" would stand for "compensable" too
        self.term_words = tuple(phrase_triggers(list(self.term_concept), min_len=6))
        self.truncated_min = int(self.rules.get("truncated_min_chars", 0))
        self.single_terms = {t: c for t, (c, neg) in self.term_concept.items() if " " not in t and not neg}

    def _term_words(self):
        """(concept, the words of one of its terms), for every term."""
        for concept, terms in self.rules["concepts"].items():
            for t in terms:
                yield concept, phrase_key(t).split()

    def _compile_coordination(self) -> None:
        """ "modifier head" terms for coordination ("central and foraminal stenosis"):
        (modifier, head) -> concept, and the regex that finds such lists."""
        stop = set(self.rules.get("coordination_stopwords", []))
        self.pair_concept: dict[tuple[str, str], str] = {}
        for concept, words in self._term_words():
            if len(words) >= 2 and not stop & set(words[:-1]):
                self.pair_concept.setdefault((" ".join(words[:-1]), words[-1]), concept)
        self.coord_re = None
        self.head_words: tuple[str, ...] = ()
        self.mod_words: tuple[str, ...] = ()
        if not self.pair_concept:
            return
        mods = sorted({m for m, _ in self.pair_concept}, key=len, reverse=True)
        heads = sorted({h for _, h in self.pair_concept}, key=len, reverse=True)
        self.coord_re = re.compile(
            rf"(?<![\w-])(?P<mod>{'|'.join(_phrase(m.split()) for m in mods)}){COORD}"
            rf"(?:[a-z][\w-]*(?:\s*,\s*|\s+)){{1,4}}?(?P<head>{'|'.join(map(re.escape, heads))})(?![\w])",
            re.I,
        )
        self.coord_fold = Folded(self.coord_re)
        # a coordinated term has a modifier and a head: it is looked for where both are
        # near (the modifier starts it, the head ends it: wider windows)
        self.head_words = tuple(phrase_triggers(heads, min_len=6))
        self.mod_words = tuple(phrase_triggers(mods, min_len=6))

    def _compile_tails(self) -> None:
        """ "head of the tail" terms for coordination after the head ("stenosis of the canal or
        foramina"): (head, tail) -> concept, and the regex that finds them."""
        self.tail_concept: dict[tuple[str, str], str] = {}
        for concept, words in self._term_words():
            if len(words) >= 3 and words[1] == "of":
                self.tail_concept.setdefault((words[0], words[-1]), concept)
        self.tail_re = None
        self.tail_heads: tuple[str, ...] = ()
        if not self.tail_concept:
            return
        heads = sorted({h for h, _ in self.tail_concept}, key=len, reverse=True)
        tails = sorted({t for _, t in self.tail_concept}, key=len, reverse=True)
        self.tail_re = re.compile(
            rf"(?<![\w-])(?P<head>{'|'.join(map(re.escape, heads))})\s+of\s+(?:the\s+)?"
            rf"(?:[a-z][\w-]*\s+){{0,2}}?[a-z][\w-]*(?:{COORD}|\s*,\s*nor\s+)(?:of\s+)?(?:the\s+)?"
            rf"(?:[a-z][\w-]*\s+){{0,2}}?(?P<tail>{'|'.join(map(re.escape, tails))})(?![\w])",
            re.I,
        )
        self.tail_heads = tuple(phrase_triggers(heads, min_len=6))

    def find(
        self, text: str, hits: Hits | None = None, low: str | None = None
    ) -> list[tuple[int, int, str, bool]]:
        """(start, end, concept, self_negating) of every term, self-negating phrase and
        coordinated term, looked for around the trigger words ``hits`` (default: scan);
        the regexes run folded over ``low`` (``text.lower()``) where they can (casefold)."""
        low = text.lower() if low is None else low
        if hits is None:
            hits = self.triggers.scan(text, low)
        ok = can_fold(text, low)
        found: list[tuple[int, int, str, bool]] = []
        pat, s = self.term_fold.pick(text, low, ok)
        for m in (m for lo, hi in hits.windows(self.term_words) for m in pat.finditer(s, lo, hi)):
            concept, self_neg = self.term_concept[phrase_key(m.group())]
            found.append((m.start(), m.end(), concept, self_neg))
        for concept, pat, words in self.patterns:
            found.extend((m.start(), m.end(), concept, True) for m in hits.finditer(pat, words))
        cut = self.truncated(text)
        if cut:
            found.append(cut)
        wide = hits.sized(self.coord_reach, self.coord_reach)  # a coordinated term: wider windows
        if self.coord_re is not None:
            windows = wide.windows(self.head_words)
            if hits.found is not None:
                windows = intersect(windows, wide.windows(self.mod_words))
            pat, s = self.coord_fold.pick(text, low, ok)
            for m in (m for lo, hi in windows for m in pat.finditer(s, lo, hi)):
                concept = self.pair_concept.get((phrase_key(m.group("mod")), m.group("head").lower()))
                if concept:
                    found.append((m.start(), m.end(), concept, False))
        if self.tail_re is not None:
            for m in wide.finditer(self.tail_re, self.tail_heads):
                concept = self.tail_concept.get((m.group("head").lower(), m.group("tail").lower()))
                if concept:
                    found.append((m.start(), m.end(), concept, False))
        return found

    def asserted(self, text: str, start: int, end: int) -> bool:
        """A mention placed at a side or level, or stated as found: a positive statement."""
        before = self.rx.asserted_before.search(text, max(0, start - 80), start)
        return bool(before or self.rx.asserted_after.match(text, end))

    def answered(self, text: str, low: str) -> list[tuple[int, int]]:
        """The stretches of text listed before "none of them is present": the sentence of the
        answer up to it, or the sentence before where the answer starts its own."""
        out = []
        if self.answer_words and not any(w in low for w in self.answer_words):
            return out
        for m in self.rx.answered_none.finditer(text):
            cut = max(text.rfind(". ", 0, m.start()), text.rfind("\n\n", 0, m.start()))
            if not text[cut + 1 : m.start()].strip():
                cut = max(text.rfind(". ", 0, cut), text.rfind("\n\n", 0, cut))
            out.append((cut + 1, m.start()))
        return out

    def truncated(self, text: str) -> tuple[int, int, str, bool] | None:
        """The concept begun by a last word that the end of the excerpt cut ("... without
        herniat"): a prefix of one concept's one-word terms, no term itself."""
        if not self.truncated_min:
            return None
        m = re.search(r"(?<![\w-])([A-Za-z]+)\s*\Z", text[-60:])
        if m is None or len(m.group(1)) < self.truncated_min:
            return None
        stem = m.group(1).lower()
        if stem in self.term_concept:
            return None
        concepts = {c for t, c in self.single_terms.items() if t.startswith(stem)}
        if len(concepts) != 1:
            return None
        start = len(text) - len(text[-60:]) + m.start(1)
        return start, start + len(m.group(1)), concepts.pop(), False

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        spans, seen = [], set()
        low = doc_lower(doc)
        answered = self.answered(text, low)
        for start, end, concept, self_neg in self.find(text, self.triggers.hits(doc), low):
            span = char_span(doc, start, end, concept)
            if span is None or (span.start, span.end, concept) in seen:
                continue
            if not self_neg and self.rx.resolved_after.match(text, end):
                continue  # "the deficits returned to normal": a resolved deficit, not an absent one
            seen.add((span.start, span.end, concept))
            info = {"concept": concept, "self_negating": self_neg}
            if not self_neg and self.asserted(text, start, end):
                info["asserted"] = True
            if not self_neg and any(lo <= start < hi for lo, hi in answered):
                info["answered_none"] = True
            update_iro(span, info)
            spans.append(span)
        set_group(doc, "concepts", spans)
        return doc
