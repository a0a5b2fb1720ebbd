"""Fast paths are a speed-up only: on every letter we have they give exactly what the
reference (the library's whole-Doc code, or the token-by-token loop) gives.

The letters are those of ``test_triggers``: the bundled corpus, the same letters re-wrapped
at 66 columns, the real excerpts and the seed letter from ../shared when present, and the
sentences of the assertion test sets.
"""

from __future__ import annotations

import pickle

import pytest
from abbreviation_reference import reference as abbreviation_reference
from iro_evidence.components.abbreviations import SCISPACY_KEYS
from iro_evidence.components.sections import MEDSPACY_KEYS
from sentence_reference import reference
from test_triggers import LETTERS


def section_list(doc):
    return [(s.start, s.end, s.label_) for s in doc.spans["sections"]]


def reference_headings(nlp, comp):
    """Two references for ``WordRunMatcher.find_matches`` on the section headings (as (title
    start, title end, rule index)): every heading pattern at every token, pruned; and
    medspaCy's own Sectionizer given the same rules (a rule's literal: its index)."""
    from iro_evidence.matching.context import prune_matches
    from medspacy.section_detection import Sectionizer, SectionRule
    from spacy.matcher import Matcher

    whole = Matcher(nlp.vocab)
    for match_id, j in sorted(comp.finder.rule_of.items(), key=lambda item: item[1]):
        whole.add(match_id, [comp.headings[j].pattern])
    sectionizer = Sectionizer(
        nlp, name="reference_sectionizer", rules=None, span_attrs=None, input_span_type="group"
    )
    sectionizer.add([SectionRule(str(j), r.category, pattern=r.pattern) for j, r in enumerate(comp.headings)])

    def whole_doc(doc):
        return [(s, e, comp.finder.rule_of[m]) for m, s, e in prune_matches(whole(doc))]

    def medspacy(doc):
        sections = sectionizer(doc)._.sections
        return [(s.title_start, s.title_end, int(s.rule.literal)) for s in sections if s.rule is not None]

    return whole_doc, medspacy


def found_headings(comp, doc):
    return [(s, e, comp.finder.rule_of[m]) for m, s, e in comp.finder.find_matches(doc)]


def test_sections_equal_medspacys_sectionizer(nlp):
    comp = nlp.get_pipe("iro_sections")
    whole_doc, medspacy = reference_headings(nlp, comp)
    many = 0
    for letter, text in LETTERS:
        # the heading matches, from which sections are built (each to the next heading)
        found = found_headings(comp, nlp.make_doc(text))
        assert found == whole_doc(nlp.make_doc(text)), letter
        assert found == medspacy(nlp.make_doc(text)), letter
        many += len(comp(nlp.make_doc(text)).spans["sections"]) >= 5
    assert many >= 20  # the letters do have sections to compare


def test_section_words_inside_a_line_and_split_over_lines(nlp):
    """Matches that open on a line break with a numbering, titles split over lines, a
    title in running text (matched, then merged back) and a title at the Doc's end."""
    comp = nlp.get_pipe("iro_sections")
    whole_doc, medspacy = reference_headings(nlp, comp)
    texts = [
        "Top\n\n 3 . REVIEW\n   OUTCOME :\nUpheld.\nThe review outcome was upheld. DECISION",
        "II.\tLEGAL STANDARDS\nText.\n\n(B) EVIDENCE\nMore text on the evidence:\nREVIEW OUTCOME",
        "DECISION\nDECISION DECISION:\n1.DECISION\n\nRECORDS REVIEWED RECORDS REVIEWED:",
    ]
    for text in texts:
        found = found_headings(comp, nlp.make_doc(text))
        assert found == whole_doc(nlp.make_doc(text)) == medspacy(nlp.make_doc(text)), text
        assert len(comp(nlp.make_doc(text)).spans["sections"]) >= 2


def abbreviation_list(doc):
    return [(s.start, s.end, s._.iro) for s in doc.spans["abbreviations"]]


def test_abbreviations_equal_scispacys_whole_doc_matchers(nlp):
    pytest.importorskip("scispacy")  # the reference is scispaCy's own detector
    comp = nlp.get_pipe("iro_abbreviations")
    found = 0
    for letter, text in LETTERS:
        fast = comp(nlp.make_doc(text))
        ref = abbreviation_reference(comp, nlp.make_doc(text))
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
    assert [s.text for s in fast.spans["abbreviations"]].count("FCE") == 3
    pytest.importorskip("scispacy")  # the reference is scispaCy's own detector
    assert abbreviation_list(fast) == abbreviation_list(abbreviation_reference(comp, nlp.make_doc(text)))


def test_fast_docs_still_pickle(nlp):
    text = LETTERS[0][1]
    doc = nlp.get_pipe("iro_abbreviations")(nlp.get_pipe("iro_sections")(nlp.make_doc(text)))
    keys = [k for k in doc.user_data if isinstance(k, tuple) and k[1] in MEDSPACY_KEYS]
    assert not keys
    back = pickle.loads(pickle.dumps(doc))
    assert section_list(back) == section_list(doc)
    assert abbreviation_list(back) == abbreviation_list(doc)


def sentence_starts(doc) -> list[int]:
    return [t.i for t in doc if t.is_sent_start]


def test_sentence_starts_equal_the_token_loop(nlp):
    comp = nlp.get_pipe("iro_sentences")
    total = 0
    for letter, text in LETTERS:
        fast = sentence_starts(comp(nlp.make_doc(text)))
        assert fast == sentence_starts(reference(nlp.make_doc(text))), letter
        total += len(fast)
    assert total > 1000


def test_sentence_starts_on_odd_text(nlp):
    """Edges the letters may not have: text beyond ASCII (a capital whose lower case is
    longer, letters of other scripts, digits that are not ASCII), page breaks, CRLF, no-break
    spaces, list markers, a Doc that ends on a period or a line break, and random mixes of
    them (a fixed seed)."""
    import random

    comp = nlp.get_pipe("iro_sentences")
    pieces = [
        "Dr", ".", " ", "\n", "\n\n", "\f", ":", "the", "AND", "Review", "OUTCOME", "1.", "2)",
        "IV.", "[", "]", "\u2612", "\u2610", "\u2022", "-", "*", ",", "&", "/", "?", "!", ";",
        "e.g.", "\u0130", "\u00c9", "\u00df", "x", "A", "\t", "  ", "MRI", "L4-5", "\u00b2",
        "\u0663", "\u00a0", "\r\n", "no", "with", "Smith", "a" * 60,
    ]  # fmt: skip
    texts = ["", " ", "\n", "a.", "Dr. X.\n", "\u0130. Next\n\n\u00c9. \u015e. ok", "x.\fY"]
    rng = random.Random(7)
    for _ in range(400):
        k = rng.randint(1, 60)
        texts.append("".join(rng.choice(pieces) + rng.choice(["", " ", "\n"]) for _ in range(k)))
    for text in texts:
        fast = sentence_starts(comp(nlp.make_doc(text)))
        assert fast == sentence_starts(reference(nlp.make_doc(text))), repr(text)


def test_tokenizer_keeps_spacys_tokens_and_the_text(nlp):
    from iro_evidence.matching.doc import TEXT_KEY
    from spacy.tokenizer import Tokenizer

    tok = nlp.tokenizer
    plain = Tokenizer(
        nlp.vocab,
        rules=tok.rules,
        prefix_search=tok.prefix_search,
        suffix_search=tok.suffix_search,
        infix_finditer=tok.infix_finditer,
        token_match=tok.token_match,
        url_match=tok.url_match,
    )
    from iro_evidence.layout import canonicalize

    for letter, text in LETTERS:
        doc = tok(text)
        canon = canonicalize(text)[0]
        assert [(t.idx, t.text) for t in doc] == [(t.idx, t.text) for t in plain(canon)], letter
        assert doc.user_data[TEXT_KEY] == doc.text == canon
    assert type(pickle.loads(pickle.dumps(tok))) is type(tok)


@pytest.mark.parametrize("name,text", LETTERS[::4], ids=[n for n, _ in LETTERS[::4]])
def test_char_span_equals_spacys_expand_mode(nlp, name, text):
    """The bisecting ``char_span`` gives spaCy's span (or None) for character ranges
    anywhere in the letter: inside tokens, on spaces and paragraph breaks, empty, and
    past either end."""
    from iro_evidence.matching.doc import char_span

    doc = nlp.make_doc(text)
    n = len(doc.text)
    edges = [t.idx for t in doc] + [t.idx + len(t) for t in doc]
    ranges = [(a, a + w) for a in [-1, 0, n - 1, n, *edges[::7]] for w in (0, 1, 3, 17)]
    for a, b in ranges:
        ref = doc.char_span(a, b, label="X", alignment_mode="expand")
        got = char_span(doc, a, b, "X")
        assert (ref is None) == (got is None), (a, b)
        if ref is not None:
            assert (got.start, got.end, got.label_) == (ref.start, ref.end, "X"), (a, b)
