"""Letter sections with medspaCy's Sectionizer, fed by our heading rules.

Headings are data (``patterns/sections.json``): a category and its titles. Each title
becomes token patterns for medspaCy: the title in CAPITALS (``REVIEW OUTCOME``, colon
optional), the title in any case followed by a colon (``Review Outcome:``) and the title in
any case as a whole line (``Patient Clinical History Summary``), with line breaks allowed
between words. Short titles that are also common words (``DECISION``,
``ORDER``) must open a line. medspaCy keeps ``Section`` objects on the Doc, which cannot
be pickled; this component copies them into the plain span group ``doc.spans["sections"]``
(label = category, from heading to end of body; the text before the first heading is a
``header`` section) and removes the objects.
"""

from __future__ import annotations

import re

from medspacy.section_detection import Sectionizer, SectionRule
from spacy.tokens import Doc

from .base import RuleComponent, set_group

SPACE = {"IS_SPACE": True, "OP": "*"}
# perf: a plain IS_SPACE test here (a C flag); that the space holds a line break is checked
# after matching (a REGEX predicate on the first token is a Python call at every token)
LINE_START = [
    {"IS_SPACE": True},
    {"TEXT": {"REGEX": r"^(?:\d{1,2}|[IVXivx]{1,4}|[A-H])[.)]?$"}, "OP": "?"},
    {"TEXT": {"IN": [".", ")"]}, "OP": "?"},
    SPACE,
]
WHOLE_LINE = " <whole line>"
AT_LINE_START = " <line start>"
NUMBERING = re.compile(r"^(?:\d{1,2}|[IVXivx]{1,4}|[A-H])?[.)]?$")
# doc._.sections and every token's _.section: medspaCy objects that a DocBin cannot restore
MEDSPACY_KEYS = ("sections", "section")


class SectionDetector(RuleComponent):
    rules_file = "sections.json"

    def compile(self) -> None:
        rules = []
        for entry in self.rules.get("sections", []):
            for title in entry["titles"]:
                words = [t.text for t in self.nlp.make_doc(title) if not t.is_space]
                upper, anycase = [], []
                for w in words:
                    if upper:
                        upper.append(SPACE)
                        anycase.append(SPACE)
                    upper.append({"TEXT": w})
                    anycase.append({"LOWER": w.lower()})
                # a Title Case heading that is a whole line of its own needs no colon; that it
                # fills its line is checked after matching (matching the line breaks would
                # make neighbouring headings overlap, and medSpaCy keeps only one of them)
                whole_line = anycase + [{"TEXT": ":", "OP": "?"}]
                upper = upper + [{"TEXT": ":", "OP": "?"}]
                anycase = anycase + [{"TEXT": ":"}]
                if entry.get("line_start"):
                    upper, anycase = LINE_START + upper, LINE_START + anycase
                literal = title + AT_LINE_START if entry.get("line_start") else title
                for pattern in (upper, anycase):
                    rules.append(SectionRule(literal, entry["category"], pattern=pattern))
                rules.append(SectionRule(title + WHOLE_LINE, entry["category"], pattern=whole_line))
        self.sectionizer = Sectionizer(
            self.nlp,
            name=f"{self.name}_medspacy",
            rules=None,
            span_attrs=None,
            input_span_type="group",
            span_group_name=f"_{self.name}_unused",
        )
        self.sectionizer.add(rules)

    def __call__(self, doc: Doc) -> Doc:
        doc = self.sectionizer(doc)
        spans = []
        for sec in doc._.sections:
            literal = sec.rule.literal if sec.rule is not None else ""
            if (literal.endswith(WHOLE_LINE) and not _fills_line(doc, sec)) or (
                literal.endswith(AT_LINE_START) and "\n" not in doc[sec.title_start].text
            ):
                if spans:  # not a heading: its text belongs to the section before
                    label = spans[-1].label_
                    spans[-1] = doc[spans[-1].start : sec.body_end]
                    spans[-1].label_ = label
                    continue
            start = sec.title_start
            while start < sec.body_end and doc[start].is_space:
                start += 1
            if start >= sec.body_end:
                continue
            span = doc[start : sec.body_end]
            span.label_ = sec.category or "header"
            spans.append(span)
        # the letterhead before the first heading is a section too, so every fact has one
        first = spans[0].start if spans else len(doc)
        if first > 0 and doc[:first].text.strip():
            head = doc[:first]
            head.label_ = "header"
            spans.insert(0, head)
        set_group(doc, "sections", spans)
        for key in [k for k in doc.user_data if isinstance(k, tuple) and k[1] in MEDSPACY_KEYS]:
            del doc.user_data[key]
        return doc


def _fills_line(doc: Doc, sec) -> bool:
    """The title is alone on its line (a numbering such as '3.' or 'IV.' may precede it)."""
    i = sec.title_start - 1
    while i >= 0 and not (doc[i].is_space and "\n" in doc[i].text):
        if not (doc[i].is_space or NUMBERING.match(doc[i].text)):
            return False
        i -= 1
    end = sec.title_end
    return end >= len(doc) or (doc[end].is_space and "\n" in doc[end].text)
