"""Fast paths are a speed-up only: on every letter we have they give exactly what the
reference (the library's whole-Doc code, or the token-by-token loop) gives.

The letters are those of ``test_triggers``: the bundled corpus, the same letters re-wrapped
at 66 columns, the real excerpts and the seed letter from ../shared when present, and the
sentences of the assertion test sets.
"""

from __future__ import annotations

import pickle

from iro_evidence.components.abbreviations import SCISPACY_KEYS
from iro_evidence.components.sections import MEDSPACY_KEYS
from test_triggers import LETTERS


def section_list(doc):
    return [(s.start, s.end, s.label_) for s in doc.spans["sections"]]


def test_sections_equal_medspacys_whole_doc_matcher(nlp):
    comp = nlp.get_pipe("iro_sections")
    sectionizer = comp.sectionizer
    many = 0
    for letter, text in LETTERS:
        doc = nlp.make_doc(text)
        # the heading matches themselves, before sections are built from them
        assert sectionizer.find_matches(doc) == sectionizer.whole_doc_matches(doc), letter
        fast = section_list(comp(nlp.make_doc(text)))
        assert fast == section_list(comp.reference(nlp.make_doc(text))), letter
        many += len(fast) >= 5
    assert many >= 20  # the letters do have sections to compare


def test_section_words_inside_a_line_and_split_over_lines(nlp):
    """Matches that open on a line break with a numbering, titles split over lines, a
    title in running text (matched, then merged back) and a title at the Doc's end."""
    comp = nlp.get_pipe("iro_sections")
    texts = [
        "Top\n\n 3 . REVIEW\n   OUTCOME :\nUpheld.\nThe review outcome was upheld. DECISION",
        "II.\tLEGAL STANDARDS\nText.\n\n(B) EVIDENCE\nMore text on the evidence:\nREVIEW OUTCOME",
        "DECISION\nDECISION DECISION:\n1.DECISION\n\nRECORDS REVIEWED RECORDS REVIEWED:",
    ]
    for text in texts:
        doc = comp(nlp.make_doc(text))
        assert section_list(doc) == section_list(comp.reference(nlp.make_doc(text))), text
        assert len(doc.spans["sections"]) >= 2


def abbreviation_list(doc):
    return [(s.start, s.end, s._.iro) for s in doc.spans["abbreviations"]]


def test_abbreviations_equal_scispacys_whole_doc_matchers(nlp):
    comp = nlp.get_pipe("iro_abbreviations")
    found = 0
    for letter, text in LETTERS:
        fast = comp(nlp.make_doc(text))
        ref = comp.reference(nlp.make_doc(text))
        assert abbreviation_list(fast) == abbreviation_list(ref), letter
        found += len(fast.spans["abbreviations"])
        left = [k for k in fast.user_data if isinstance(k, tuple) and k[1] in SCISPACY_KEYS]
        assert not left, (letter, left[:3])
    assert found >= 100


def test_abbreviations_in_nested_and_long_parentheses(nlp):
    comp = nlp.get_pipe("iro_abbreviations")
    text = (
        "A functional capacity evaluation (FCE) was done ( and ( the nerve conduction velocity "
        "(NCV) ) test ) and (a b c d e f g h i j k) (FCE) again; electromyography (EMG) and FCE."
    )
    fast = comp(nlp.make_doc(text))
    assert abbreviation_list(fast) == abbreviation_list(comp.reference(nlp.make_doc(text)))
    assert [s.text for s in fast.spans["abbreviations"]].count("FCE") == 3


def test_fast_docs_still_pickle(nlp):
    text = LETTERS[0][1]
    doc = nlp.get_pipe("iro_abbreviations")(nlp.get_pipe("iro_sections")(nlp.make_doc(text)))
    keys = [k for k in doc.user_data if isinstance(k, tuple) and k[1] in MEDSPACY_KEYS]
    assert not keys
    back = pickle.loads(pickle.dumps(doc))
    assert section_list(back) == section_list(doc)
    assert abbreviation_list(back) == abbreviation_list(doc)
