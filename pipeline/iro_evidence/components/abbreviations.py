"""Abbreviations defined in the letter ("functional capacity evaluation (FCE)"), with
scispaCy's AbbreviationDetector (Schwartz & Hearst).

scispaCy keeps Span objects on the Doc, which cannot be pickled for ``nlp.pipe(n_process=...)``;
this wrapper copies each short form into ``doc.spans["abbreviations"]`` with its long form
as plain values in ``span._.iro`` and removes scispaCy's objects.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from .base import set_group

SCISPACY_KEYS = ("abbreviations", "long_form")
# a short form has two or more capitals ("FCE", "EMG/NCV"); "(Agree)" in a checkbox line is none
SHORT_FORM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Za-z0-9/&.-]{2,12}$")
BAD_LONG = re.compile(r"\n\s*\n|[\[\]\u2610\u2612]")


class AbbreviationFinder:
    def __init__(self, nlp: Language, name: str = "iro_abbreviations"):
        from scispacy.abbreviation import AbbreviationDetector

        self.name = name
        self.detector = AbbreviationDetector(nlp, name=f"{name}_scispacy")

    def __call__(self, doc: Doc) -> Doc:
        # scispaCy adds each long form to one Matcher kept for the detector's life; a spaCy
        # Matcher never frees a removed pattern's memory, so over a large run memory grows
        # with every letter (about 10 kB each). A fresh Matcher per letter costs microseconds.
        self.detector.global_matcher = Matcher(doc.vocab)
        doc = self.detector(doc)
        spans = []
        for short in doc._.abbreviations:
            long = short._.long_form
            if not SHORT_FORM.match(short.text) or BAD_LONG.search(long.text):
                continue
            span = doc[short.start : short.end]
            span.label_ = "ABBR"
            span._.iro = {
                **(span._.iro or {}),
                "value": long.text,
                "long_form": long.text,
                "long_start": long.start_char,
                "long_end": long.end_char,
            }
            spans.append(span)
        for key in [k for k in doc.user_data if isinstance(k, tuple) and k[1] in SCISPACY_KEYS]:
            del doc.user_data[key]
        set_group(doc, "abbreviations", spans)
        return doc
