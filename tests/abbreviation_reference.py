"""scispaCy's own AbbreviationDetector, the reference ``iro_abbreviations`` must equal
(needs scispaCy, which has no release for Python 3.13)."""

from __future__ import annotations

from iro_evidence.components.extensions import ext_key
from spacy.matcher import Matcher
from spacy.tokens import Doc

_DETECTORS: dict = {}


def reference(comp, doc: Doc) -> Doc:
    """scispaCy's own detector with its whole-Doc matchers, its pairs written as the
    component writes its own."""
    detector = _DETECTORS.get(id(comp))
    if detector is None:
        from scispacy.abbreviation import AbbreviationDetector

        detector = _DETECTORS[id(comp)] = AbbreviationDetector(comp.nlp, name=f"{comp.name}_scispacy")
    detector.matcher = comp.paren.matcher
    # scispaCy adds each long form to one matcher kept for the detector's life; a spaCy
    # Matcher never frees a removed pattern's memory: a fresh one per letter
    detector.global_matcher = Matcher(doc.vocab)
    shorts = detector(doc)._.abbreviations
    pairs = [(s.start, s.end, s._.long_form.start, s._.long_form.end) for s in shorts]
    for short in shorts:  # drop scispaCy's values by their keys
        doc.user_data.pop(ext_key("long_form", short.start_char, short.end_char), None)
    doc.user_data.pop(ext_key("abbreviations", None, None), None)
    return comp._spans(doc, pairs)
