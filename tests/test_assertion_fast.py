"""The sentence-block ConText path (``SentenceContext``) is a speed-up only: on every
letter we have, it finds the matches medspaCy's matcher finds, in the same order, and
gives every fact the flags and attribution that medspaCy's ConText component run on the
whole Doc gives.

The letters: the bundled corpus, the same letters re-wrapped at 66 columns (PDF-style
line breaks), the real excerpts and the seed letter from ../shared when present, and the
sentences of the assertion test sets.
"""

from __future__ import annotations

import pickle
from types import SimpleNamespace

import pytest
from conftest import CORPUS, every_letter
from context_reference import medspacy_edges, medspacy_matcher
from iro_evidence.components.assertion import (
    SentenceContext,
    member,
    pattern_starts,
    sieve,
)
from iro_evidence.components.extensions import ASSERTION_FLAGS
from medspacy.context import ConText, ConTextRule


@pytest.fixture(scope="module")
def prepared(nlp):
    """Each letter run through the pipes before iro_assertion, with its targets."""
    names = nlp.pipe_names
    before = names[: names.index("iro_assertion")]
    comp = nlp.get_pipe("iro_assertion")
    out = []
    for name, text in every_letter():
        doc = nlp.make_doc(text)
        for pipe in before:
            doc = nlp.get_pipe(pipe)(doc)
        targets = [s for key in comp.target_groups if key in doc.spans for s in doc.spans[key]]
        out.append((name, doc, targets))
    return out


def by_position(matches):
    return sorted(matches, key=lambda m: (m[1], m[2]))  # stable: ties keep their order


def test_matches_are_medspacys(nlp, prepared):
    comp = nlp.get_pipe("iro_assertion")
    assert comp.fast.exact
    reference = medspacy_matcher(nlp, comp.fast)  # same rules, same order, our ids
    for name, doc, _ in prepared:
        assert by_position(comp.fast.matches(doc)) == by_position(reference(doc)), name


def test_matches_without_grouped_windows(nlp, prepared, monkeypatch):
    """With no room for Matchers of grouped windows, every token runs on its own: same matches."""
    from iro_evidence.matching import context as context_scope

    monkeypatch.setattr(context_scope, "MAX_MATCHERS", 0)
    comp = nlp.get_pipe("iro_assertion")
    fresh = SentenceContext(nlp, comp.context)
    reference = medspacy_matcher(nlp, fresh)
    for name, doc, _ in prepared[:20]:
        assert by_position(fresh.matches(doc)) == by_position(reference(doc)), name
    assert set(fresh.matchers) <= {key for key, _, _ in fresh.infos.values()}  # no group Matchers


def test_flags_and_attribution_are_contexts(nlp, prepared):
    comp = nlp.get_pipe("iro_assertion")
    n = 0
    for name, doc, targets in prepared:
        fast = comp.qualify_spans(doc, targets)
        fast_who = [s._.attribution for s in targets]
        ref = comp.qualify_spans(doc, targets, reference=True)
        ref_who = [s._.attribution for s in targets]
        assert fast == ref, name
        assert fast_who == ref_who, name
        n += sum(any(f.values()) for f in fast)
    assert n > 100  # the letters do exercise ConText


def test_edges_are_medspacys_graph(nlp, prepared):
    """The edges of the sentence-block path are those medspaCy's own matcher, modifier
    and graph classes draw on the whole Doc (with the profile's filter of matches)."""
    from iro_evidence.components.assertion import headings

    comp = nlp.get_pipe("iro_assertion")
    n = 0
    for name, doc, targets in prepared:
        ordered = sorted({(t.start, t.end): t for t in targets}.values(), key=lambda t: (t.start, t.end))
        sections = list(doc.spans["sections"]) if "sections" in doc.spans else []
        keep = comp.keeper(headings(doc, sections), comp.profile_of(doc, sections))
        fast = comp.fast.edges(doc, ordered, keep=keep)
        assert sorted(fast) == sorted(medspacy_edges(nlp, comp, doc, ordered, keep)), name
        n += len(fast)
    assert n > 100


def test_edges_cover_modifiers_across_sentences(nlp):
    """A modifier that starts in a sentence without targets and runs into the next one,
    and targets in sentences without modifiers: same edges as ConText on the whole Doc."""
    comp = nlp.get_pipe("iro_assertion")
    text = (
        "Findings:\n\nThe MRI was not\n\nprovided. No fracture.\n\nHe has no history of\n\nspinal stenosis."
    )
    doc = nlp(text)
    spans = [
        doc.char_span(text.index(w), text.index(w) + len(w)) for w in ("fracture", "spinal stenosis", "MRI")
    ]
    assert all(spans)
    fast = sorted(comp.fast.edges(doc, sorted(spans)))
    assert fast and fast == sorted(comp.fast.edges(doc, sorted(spans), whole_doc=True))
    assert fast == sorted(medspacy_edges(nlp, comp, doc, sorted(spans)))


def test_pattern_starts():
    from spacy.strings import StringStore

    s = StringStore()
    space = {"IS_SPACE": True, "OP": "*"}
    starts = pattern_starts([{"LOWER": "no"}, space, {"LOWER": {"IN": ["new", "acute"]}, "OP": "?"}], s)
    # "no" alone is a match: nothing needs to follow
    assert starts == [([("LOWER", s["no"])], {(), (("LOWER", s["new"]),), (("LOWER", s["acute"]),)})]
    starts = pattern_starts(
        [{"LIKE_NUM": True, "OP": "?"}, space, {"LOWER": "years"}, space, {"LOWER": "ago"}], s
    )
    assert ([("LIKE_NUM", 1)], {(("LOWER", s["years"]), ("LOWER", s["ago"]))}) in starts
    assert ([("LOWER", s["years"])], {(("LOWER", s["ago"]),)}) in starts
    assert pattern_starts([{"LOWER": "a", "OP": "{2}"}], s) == [([("ANY", 0)], {()})]


def test_falls_back_to_context_for_what_it_does_not_cover(nlp):
    ctx = ConText(nlp, name="regex_context", rules=None, span_attrs=None)
    ctx.add(
        [
            ConTextRule("no", "NEGATED_EXISTENCE", pattern=r"\bno\b", direction="FORWARD"),
            ConTextRule("ruled out", "NEGATED_EXISTENCE", direction="BACKWARD"),
        ]
    )
    fast = SentenceContext(nlp, ctx)
    assert not fast.exact
    # the whole-Doc matcher runs then: the edges are still medspaCy's
    doc = nlp("No fracture was seen. Infection is ruled out. He has pain.")
    targets = [
        doc.char_span(a, a + len(w)) for w in ("fracture", "Infection", "pain") for a in [doc.text.index(w)]
    ]
    comp = SimpleNamespace(fast=fast, context=ctx)
    edges = fast.edges(doc, targets)
    assert sorted(edges) == sorted(medspacy_edges(nlp, comp, doc, targets))
    assert {doc[a:b].text for (a, b), _ in edges} == {"fracture", "Infection"}


def test_docs_keep_no_medspacy_objects(nlp):
    doc = nlp((CORPUS / "letters" / "iro_w05.txt").read_text("utf-8"))
    assert not [k for k in doc.user_data if isinstance(k, tuple) and k[1] in ("modifiers", "context_graph")]
    again = pickle.loads(pickle.dumps(doc))
    flags = [(s._.is_negated, s._.attribution) for s in doc.spans["concepts"]]
    assert flags == [(s._.is_negated, s._.attribution) for s in again.spans["concepts"]]
    assert set(ASSERTION_FLAGS) >= {"negated"}


def test_cues_and_genres_near_triggers_are_the_whole_texts(nlp):
    """Attribution cues, and each genre pattern within its first characters, found near
    their trigger words are those found in the whole text, on every letter."""
    a = nlp.get_pipe("iro_assertion").attributor
    seen = set()
    for name, text in every_letter():
        hits = a.triggers.scan(text)
        assert a.find(text, hits) == a.find(text), name
        assert a.genre(text, hits) == a.genre(text), name
        for genre, within, pat, words in a.genres:
            near = any(pat.search(text, lo, min(hi, within)) for lo, hi in hits.windows(words) if lo < within)
            assert near == bool(pat.search(text, 0, within)), (name, genre)
            seen.add((genre, near))
    assert {g for g, near in seen if near} == {g for g, _, _, _ in a.genres}  # each genre is found somewhere


def test_genre_near_triggers_keeps_its_limit(nlp):
    a = nlp.get_pipe("iro_assertion").attributor
    for text, genre in [
        ("NOTICE OF ADVERSE\nDETERMINATION", "ur"),
        ("x" * 3000 + " adverse determination", "iro"),
        ("y" * 1480 + " adverse determination", "iro"),  # the match ends past 1500 characters
        ("The Hearing Officer finds ...", "hearing"),
    ]:
        assert a.genre(text, a.triggers.scan(text)) == a.genre(text) == genre


def test_member_with_a_sieve_is_isin():
    import numpy

    rng = numpy.random.default_rng(7)
    keys = numpy.unique(rng.integers(0, 2**63, 500, dtype=numpy.uint64))
    near = keys[:50] ^ numpy.uint64(1 << 40)  # same low bits as a key, not a key
    values = numpy.concatenate([keys[::3], near, rng.integers(0, 2**63, 2000, dtype=numpy.uint64)])
    expected = numpy.isin(values, keys)
    assert expected.sum() > 100 and (member(values, keys, sieve(keys)) == expected).all()
    assert (member(values, keys) == expected).all()
    assert not member(values, keys[:0], sieve(keys[:0])).any()


def token_headings(doc, sections, most_words=6):
    """The token-by-token reading of headings (the reference for ``headings``)."""
    out = []
    for sec in sections:
        if sec.label_ == "header":
            continue
        end, words = sec.start, 0
        while end < sec.end and words <= most_words and doc[end].text != ":" and "\n" not in doc[end].text:
            words += not doc[end].is_space
            end += 1
        if end < sec.end and doc[end].text == ":":
            out.append((sec.start, end + 1))
            continue
        end = sec.start
        while end < sec.end and (doc[end].is_upper or not doc[end].is_alpha) and "\n" not in doc[end].text:
            end += 1
        if end > sec.start:
            out.append((sec.start, end))
    for tok in doc:
        if tok.text != ":":
            continue
        i, words = tok.i, 0
        while i > 0 and words < most_words:
            prev = doc[i - 1]
            if prev.is_space or prev.is_sent_end or not (prev.is_upper and len(prev.text) > 1):
                break
            i -= 1
            words += 1
        if words:
            out.append((i, min(len(doc), tok.i + 1)))
    return sorted(set(out))


def test_headings_read_off_columns_equal_the_token_reading(nlp, prepared):
    from iro_evidence.components.assertion import HEADING_WORDS, headings

    n = 0
    for name, doc, _ in prepared:
        sections = list(doc.spans["sections"]) if "sections" in doc.spans else []
        found = headings(doc, sections)
        assert found == token_headings(doc, sections, HEADING_WORDS), name
        n += len(found)
    assert n > 100
    doc = nlp("PAST MEDICAL HISTORY: none.\n\nFAMILY HX:\n\nDiabetes. Plan: rest.")
    assert headings(doc, list(doc.spans["sections"])) == token_headings(doc, list(doc.spans["sections"]))
