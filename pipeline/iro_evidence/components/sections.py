"""Letter sections with medspaCy's Sectionizer, fed by our heading rules.

Headings are data (``patterns/sections.json``): a category and its titles. Each title
becomes token patterns for medspaCy: the title in CAPITALS (``REVIEW OUTCOME``, colon
optional) and the title in any case followed by a colon (``Review Outcome:``), with line
breaks allowed between words. Short titles that are also common words (``DECISION``,
``ORDER``) must open a line. medspaCy keeps ``Section`` objects on the Doc, which cannot
be pickled; this component copies them into the plain span group ``doc.spans["sections"]``
(label = category, from heading to end of body) and removes the objects.
"""

from __future__ import annotations

from medspacy.section_detection import Sectionizer, SectionRule
from spacy.tokens import Doc

from .base import RuleComponent, set_group

SPACE = {"IS_SPACE": True, "OP": "*"}
LINE_START = [
    {"IS_SPACE": True, "TEXT": {"REGEX": "\n"}},
    {"TEXT": {"REGEX": r"^(?:\d{1,2}|[IVXivx]{1,4}|[A-H])[.)]?$"}, "OP": "?"},
    SPACE,
]
MEDSPACY_KEYS = ("sections", "section")  # doc-level list and per-token Section objects


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
                upper = upper + [{"TEXT": ":", "OP": "?"}]
                anycase = anycase + [{"TEXT": ":"}]
                if entry.get("line_start"):
                    upper, anycase = LINE_START + upper, LINE_START + anycase
                for pattern in (upper, anycase):
                    rules.append(SectionRule(title, entry["category"], pattern=pattern))
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
            start = sec.title_start
            while start < sec.body_end and doc[start].is_space:
                start += 1
            if start >= sec.body_end:
                continue
            span = doc[start : sec.body_end]
            span.label_ = sec.category or "header"
            spans.append(span)
        set_group(doc, "sections", spans)
        for key in [k for k in doc.user_data if isinstance(k, tuple) and k[1] in MEDSPACY_KEYS]:
            del doc.user_data[key]
        return doc
