"""Letter sections from our heading rules, with spaCy's Matcher.

Headings are data (``patterns/sections.json``): a category and its titles. Each title
becomes token patterns: the title in CAPITALS (``REVIEW OUTCOME``, colon optional), the
title in any case followed by a colon (``Review Outcome:``) and the title in any case as a
whole line (``Patient Clinical History Summary``), with line breaks allowed between words.
Short titles that are also common words (``DECISION``, ``ORDER``) must open a line.

The section algorithm is medspaCy's Sectionizer's, owned here so that nothing reads its
internals: heading matches, overlaps pruned (longest wins), and each section runs from its
heading to the next one. The result is the plain span group ``doc.spans["sections"]``
(label = category, from heading to end of body; the text before the first heading is a
``header`` section), so the Doc pickles. ``tests/test_fast_paths.py`` checks on every
letter we have that the sections equal those of medspaCy's own Sectionizer given the
same rules. Speed: trying every heading pattern at every token would cost tokens x ~450
patterns; ``matching.WordRunMatcher`` tries a title's patterns only where its words are.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from spacy.attrs import IDX, IS_SPACE, LENGTH
from spacy.tokens import Doc, Span

from ..matching import WordRunMatcher
from .base import RuleComponent, doc_text, set_group

SPACE = {"IS_SPACE": True, "OP": "*"}
# perf: a plain IS_SPACE test here (a C flag); that the space holds a line break is checked
# after matching (a REGEX predicate on the first token is a Python call at every token)
LINE_START = [
    {"IS_SPACE": True},
    {"TEXT": {"REGEX": r"^(?:\d{1,2}(?:\.\d{1,2})?|[IVXivx]{1,4}|[A-H])[.)]?$"}, "OP": "?"},
    {"TEXT": {"IN": [".", ")"]}, "OP": "?"},
    SPACE,
]
COLON = {"TEXT": ":"}
OPTIONAL_COLON = {"TEXT": ":", "OP": "?"}
SENTENCE_END = {".", ":", ";", "?", "!"}
SMALL_WORDS = {"of", "and", "the", "for", "in", "to", "a", "an", "or", "on", "by", "with"}
NUMBERING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})?|[IVXivx]{1,4}|[A-H])?[.)]?$")  # 3, 3.0, IV, B
# kept for callers that check a Doc holds no medspaCy section objects (none are made now)
MEDSPACY_KEYS = ("sections", "section")


class HeadingRule(NamedTuple):
    """One token pattern of a title: ``LINE_START`` first or not, the title's words with
    ``SPACE`` between (as written, or in any case), then a colon (required or optional).
    ``kind`` says what is checked after matching: "whole_line" (the title fills its line),
    "line_start" (it opens a line or a sentence) or "plain"."""

    category: str
    kind: str
    pattern: list
    words: tuple  # the title's lower-case words


def heading_rules(nlp, category: str, title: str, line_start: bool) -> list[HeadingRule]:
    """The patterns of one title (see the module docstring), in matching order."""
    words = tuple(t.text for t in nlp.make_doc(title) if not t.is_space)

    def rule(kind: str, lead: bool, cased: bool, colon: bool) -> HeadingRule:
        body: list[dict] = []
        for w in words:
            body += ([SPACE] if body else []) + [{"TEXT": w} if cased else {"LOWER": w.lower()}]
        pattern = (LINE_START if lead else []) + body + [COLON if colon else OPTIONAL_COLON]
        return HeadingRule(category, kind, pattern, tuple(w.lower() for w in words))

    if line_start:  # at a line break, or (checked after matching) after a sentence end
        out = [rule("line_start", True, True, False), rule("line_start", True, False, True)]
        out.append(rule("line_start", False, True, False))
    else:
        out = [rule("plain", False, True, False), rule("plain", False, False, True)]
    # a Title Case heading that is a whole line of its own needs no colon; that it fills its
    # line is checked after matching (matching the line breaks would make neighbouring
    # headings overlap, and only one of them would be kept)
    return out + [rule("whole_line", False, False, False)]


class SectionDetector(RuleComponent):
    rules_file = "sections.json"

    def compile(self) -> None:
        self.headings = [
            rule
            for entry in self.rules.get("sections", [])
            for title in entry["titles"]
            for rule in heading_rules(self.nlp, entry["category"], title, bool(entry.get("line_start")))
        ]
        self.finder = WordRunMatcher(self.nlp.vocab, self.headings)

    def __call__(self, doc: Doc) -> Doc:
        return self._spans(doc, self.finder.find_matches(doc))

    def _spans(self, doc: Doc, matches: list[tuple[int, int, int]]) -> Doc:
        """Sections from the pruned heading matches: a heading's section runs to the next
        heading; a match that does not stand as a heading (``_Tokens.stands``) joins the
        section before it; the text before the first heading is the ``header``."""
        toks = _Tokens(doc)
        rule_of = self.finder.rule_of
        heads = [(self.headings[rule_of[m]], s, e) for m, s, e in matches]
        if not heads or heads[0][1] != 0:
            heads.insert(0, (None, 0, 0))
        bounds: list[list] = []  # [start, end, label]; Spans are made once, at the end
        for k, (rule, start, end) in enumerate(heads):
            body_end = heads[k + 1][1] if k + 1 < len(heads) else len(doc)
            if bounds and rule is not None and not toks.stands(rule.kind, start, end):
                bounds[-1][1] = body_end
                continue
            while start < body_end and toks.space[start]:
                start += 1
            if start < body_end:
                bounds.append([start, body_end, rule.category if rule else "header"])
        set_group(doc, "sections", [Span(doc, a, b, label=label) for a, b, label in bounds])
        return doc


class _Tokens:
    """Token texts and spaces of a Doc from one array read (``doc[i]`` builds a Token)."""

    def __init__(self, doc: Doc):
        arr = doc.to_array([IS_SPACE, IDX, LENGTH])
        self.doc_text = doc_text(doc)
        self.space = arr[:, 0].tolist()
        self.idx = arr[:, 1].tolist()
        self.end = (arr[:, 1] + arr[:, 2]).tolist()

    def text(self, i: int) -> str:
        return self.doc_text[self.idx[i] : self.end[i]]

    def breaks_line(self, i: int) -> bool:
        return bool(self.space[i]) and "\n" in self.text(i)

    def stands(self, kind: str, start: int, end: int) -> bool:
        """Does a match of a rule of this ``kind`` stand as a heading where it is?"""
        if kind == "whole_line":
            return self.fills_line(start, end)
        return kind != "line_start" or self.opens_line(start)

    def opens_line(self, i: int) -> bool:
        """Token ``i`` opens a line, or a sentence: the text is canonical (the lines of a
        paragraph are joined), so a heading may follow a sentence end in running text."""
        if self.breaks_line(i):
            return True
        k = i - 1
        while k >= 0 and self.space[k] and not self.breaks_line(k):
            k -= 1
        return k < 0 or self.breaks_line(k) or self.text(k) in SENTENCE_END

    def opens_paragraph(self, i: int) -> bool:
        """Token ``i`` opens a line (in the canonical text: a paragraph)."""
        k = i if self.space[i] else i - 1
        while k >= 0 and self.space[k] and not self.breaks_line(k):
            k -= 1
        return k < 0 or self.breaks_line(k)

    def fills_line(self, start: int, end: int) -> bool:
        """The title stands as a heading: it opens a line or a sentence (a numbering such as
        '3.' or 'IV.' may precede it) and ends its line, or, written in Title Case or
        capitals, is followed by a capitalized word (a heading joined to its text)."""
        i = start
        while i < end and self.space[i]:
            i += 1
        if not self.opens_line(self.after_numbering(i)):
            return False
        if end >= len(self.space) or self.breaks_line(end):
            return True
        return self.title_cased(i, end) and self.capital_next(end)

    def after_numbering(self, i: int) -> int:
        """The first token of the numbering ('3.', 'IV', ')') right before token ``i``."""
        k = i - 1
        while (
            k >= 0
            and not self.space[k]
            and NUMBERING.match(self.text(k))
            and self.text(k) not in SENTENCE_END
        ):
            k -= 1
        return k + 1

    def title_cased(self, i: int, end: int) -> bool:
        """Every word of tokens [i, end) is capitalized, or a small word ('of', 'the')."""
        words = [self.text(j) for j in range(i, end) if not self.space[j] and self.text(j)[0].isalpha()]
        if not words:
            return False
        if all(w[0].isupper() or w.lower() in SMALL_WORDS for w in words):
            return True
        # a sentence-case heading that opens its paragraph ("Who reviewed this case A
        # physician ..."): the canonical text joined it to its first line
        return words[0][0].isupper() and self.opens_paragraph(self.after_numbering(i))

    def capital_next(self, end: int) -> bool:
        """The text after the title opens like a heading's body: a capital, a digit, a
        quote or bracket, or an underline."""
        nxt = self.text(end + 1) if self.space[end] and end + 1 < len(self.space) else self.text(end)
        return nxt[:1].isupper() or nxt[:1].isdigit() or nxt[:1] in "\"'([-=_*"
