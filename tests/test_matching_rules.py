"""matching/rules.py: a Rule run through a View finds what the plain regex finds, and the
narrowing helpers are speed only (the sentences that hold a word are those doc.sents has)."""

from __future__ import annotations

import re

from conftest import CORPUS
from iro_evidence.matching import Folded, Triggers
from iro_evidence.matching.rules import Rule, View, sentences_holding


def test_a_rule_finds_near_its_words_what_the_regex_finds_in_the_whole_text():
    text = "Intro.\n\nThe denial is UPHELD. Later the ALJ agrees with the IRO." + " filler" * 80
    t = Triggers({"words": ["upheld", "agrees"], "before": 40, "after": 40})
    regex = Folded(re.compile(r"\b(?:upheld|agrees\s+with\s+the\s+IRO)\b", re.I))
    whole = [m.span() for m in regex.pattern.finditer(text)]
    view = View(text, text.lower(), t.scan(text))
    assert [m.span() for m in view.matches(Rule(regex, ("upheld", "agrees")))] == whole
    # tried only where a start word is, no further than 40 before one of its words
    anchored = Rule(regex.pattern, ("upheld", "agrees"), starts=(("upheld", "agrees"), 40))
    assert [m.span() for m in view.matches(anchored)] == whole
    # none of its words in the text: nothing, without a window
    assert list(view.matches(Rule(regex, ("overturned",)))) == []


def test_rule_of_reads_a_place_as_written_in_a_rules_file():
    r = Rule.of("x", ["a"], {"starts": ["the", "it"], "within": 100}, "agree")
    assert (r.window, r.starts, r.tag) == (None, (("the", "it"), 100), "agree")
    assert Rule.of("x", ["a"], [50, 80]).window == (50, 80)


def test_sentences_holding_are_those_doc_sents_hold(nlp):
    words = ("iro", "independent")
    for path in sorted((CORPUS / "letters").glob("*.txt"))[:20]:
        doc = nlp(path.read_text(encoding="utf-8"))
        want = [(s.start_char, s.text) for s in doc.sents if any(w in s.text.lower() for w in words)]
        assert list(sentences_holding(doc, words)) == want, path.stem
