"""Word gates are a speed-up only: a pattern looked for near the words its matches contain
finds what it finds in the whole text, on every letter we have (the same letters as
tests/test_triggers.py: corpus, corpus re-wrapped, dev and seed letters, assertion sets).

A failure names the component, the pattern and the letter: add the missing word to the
gate in the rules file (or widen its ``before``/``after``).
"""

from __future__ import annotations

import re

from iro_evidence.components.dates import Found
from test_triggers import LETTERS


def test_decision_gates_find_what_the_whole_text_finds(nlp):
    comp = nlp.get_pipe("iro_decision")
    assert comp.gates
    for name, (pat, gate) in comp.gates.items():
        assert gate.words, name
        for letter, text in LETTERS:
            whole = [m.span() for m in pat.finditer(text)]
            gated = [m.span() for m in comp.gated(name, text, text.lower())]
            assert gated == whole, (name, letter)


def test_service_types_gated_by_their_words(nlp):
    """Each line and paragraph of every letter, read as a service description."""
    comp = nlp.get_pipe("iro_decision")
    assert all(words for _, _, words in comp.services)
    for letter, text in LETTERS:
        for chunk in {*text.split("\n"), *re.split(r"\n\s*\n", text)}:
            assert comp.service_types(chunk) == comp.service_types(chunk, gated=False), (letter, chunk[:80])


def test_hearing_words_gate_the_hearing_pattern():
    from iro_evidence.components.decision import HEARING, is_hearing

    for letter, text in LETTERS:
        assert is_hearing(text, text.lower()) == bool(HEARING.search(text[:3000])), letter
    assert is_hearing("x\nDecision and Order\n", "x\ndecision and order\n")


def _ungated_dates():
    import spacy

    comp = spacy.blank("en").add_pipe("iro_dates")
    comp.roles = [(role, pat, ()) for role, pat, _ in comp.roles]
    comp.records.documents = [(typ, pat, ()) for typ, pat, _ in comp.records.documents]
    comp.records.document_link_chars = None
    return comp


def test_date_roles_and_documents_gated_by_their_words(nlp):
    """The text before every number of every letter, read as a date's context and as the
    record it dates; every line, read as a record."""
    comp, ref = nlp.get_pipe("iro_dates"), _ungated_dates()
    assert all(words for _, _, words in comp.roles + comp.records.documents)
    assert comp.records.document_link_chars
    for letter, text in LETTERS:
        for m in re.finditer(r"\d\d", text):
            left = text[max(0, m.start() - comp.window) : m.start()]
            assert comp._nearest(left) == ref._nearest(left), (letter, left)
            date = Found(m.start(), m.end(), "", "")
            floor = max(0, m.start() - 200)
            assert comp.records.phrase_before(text, date, floor) == ref.records.phrase_before(
                text, date, floor
            ), (
                letter,
                text[floor : m.end()],
            )
        for line in set(text.split("\n")):
            assert comp.records.document_type(line) == ref.records.document_type(line), (letter, line)


def test_sentence_starts_are_the_sentences(nlp):
    """The sentence starts iro_findings reads (each sentence runs to the next one's start)."""
    from iro_evidence.matching.doc import sentence_starts

    for letter, text in LETTERS[:12]:
        doc = nlp(text)
        assert sentence_starts(doc)[1] == [s.start_char for s in doc.sents], letter


def test_phrase_triggers_cover_every_phrase():
    from iro_evidence.matching import phrase_triggers

    phrases = ["disc bulge", "bulging", "HNP", "herniated nucleus pulposus", "tear", "Baker's cyst"]
    words = phrase_triggers(phrases)
    assert all(any(w in p.lower() for w in words) for p in phrases)
    assert words == sorted(words) and all(w == w.lower() for w in words)
    assert phrase_triggers([]) == []


def test_grouped_alternation_matches_what_the_plain_alternation_matches(nlp):
    import json
    from importlib import resources

    from iro_evidence.matching import compile_alternation

    def load(name):
        return json.loads(resources.files("iro_evidence.patterns").joinpath(name).read_text("utf-8"))

    lists = [
        [t for ts in load("findings.json")["types"].values() for t in ts],
        [t for ts in load("concepts.json")["concepts"].values() for t in ts],
        [t for ts in load("studies.json")["types"].values() for t in ts],
        [w for ws in load("decision.json")["specialties"].values() for w in ws],
        ["a-b", "x", "(paren) word", "Ünïcode start", "ünïcode"],
    ]
    for words in lists:
        for flags in (re.I, 0):
            fast, ref = compile_alternation(words, flags), _plain_alternation(words, flags)
            for letter, text in LETTERS:
                assert [m.span() for m in fast.finditer(text)] == [m.span() for m in ref.finditer(text)], (
                    letter,
                    words[:3],
                )


def _plain_alternation(words: list[str], flags=re.I) -> re.Pattern:
    """The phrases as one flat alternation, longest first (the reference form)."""
    parts = sorted({w for w in words}, key=len, reverse=True)
    if not parts:
        return re.compile("(?!)")  # no phrases: match nothing (not the empty string)
    body = "|".join(r"\s+".join(re.escape(t) for t in p.split()) for p in parts)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", flags)
