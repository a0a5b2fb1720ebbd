"""The abbreviation fast path (``Definitions``: scispaCy's steps on token offsets) gives
what scispaCy's own detector gives on the odd cases of its algorithm: the long form inside
the brackets, a short form written twice with different spacing, a definition repeated,
a long form that holds brackets, a short form with a digit or a slash."""

from __future__ import annotations

import pytest
from abbreviation_reference import reference

TEXTS = [
    # long form inside the brackets, short form the word before
    "The FCE (functional capacity evaluation report) was normal. The FCE was repeated.",
    # a definition given twice, and a short form in two spellings
    "A nerve conduction velocity (NCV) test; nerve conduction velocity (NCV) again; "
    "electromyography / nerve conduction (EMG / NC) and EMG/NC, then NCV and EMG / NC.",
    # a long form that holds brackets, and unbalanced ones
    "The magnetic resonance (contrast) imaging (MRI) and (lumbar (L4 MRI) spine) study.",
    # short forms with digits, lower case, one letter, at the start of the text
    "(AB) Cervical Spine 2 (CS2) and physical therapy (pt) and x (X) then CS2 PT.",
    # the same long form for two short forms; a word in brackets that is no short form
    "Range of motion (ROM) and range of motion (RM) were (Agree) noted; ROM and RM.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_definitions_equal_scispacy(nlp, text):
    pytest.importorskip("scispacy")  # no release for Python 3.13
    comp = nlp.get_pipe("iro_abbreviations")
    fast = comp(nlp.make_doc(text))
    ref = reference(comp, nlp.make_doc(text))
    got = [(s.start, s.end, s._.iro) for s in fast.spans["abbreviations"]]
    assert got == [(s.start, s.end, s._.iro) for s in ref.spans["abbreviations"]]


def test_definitions_find_the_short_forms(nlp):
    comp = nlp.get_pipe("iro_abbreviations")
    found = []
    for text in TEXTS:
        doc = comp(nlp.make_doc(text))
        found += [(s.text, s._.iro["long_form"]) for s in doc.spans["abbreviations"]]
    assert ("MRI", "magnetic resonance (contrast) imaging") in found
    assert ("CS2", "Cervical Spine 2") in found
    # the later, bare mentions of a defined short form are found too
    assert found.count(("ROM", "Range of motion")) == 2
    assert found.count(("NCV", "nerve conduction velocity")) == 3
    assert not any(short in {"pt", "X", "Agree", "AB"} for short, _ in found)
