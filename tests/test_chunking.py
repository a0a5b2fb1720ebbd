"""Letters longer than nlp.max_length are split on boundaries, processed whole, offsets kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from iro_evidence import chunking
from iro_evidence.extract import process_texts

ROOT = Path(__file__).resolve().parents[1]
LETTER = ROOT / "corpus" / "letters" / "hd_w01.txt"


def test_split_text_joins_back_and_respects_limit():
    text = "HEADING ONE:\nfirst line.\n\nSecond paragraph here.\n\nREVIEW OUTCOME\nUpheld.\n" * 30
    pieces = chunking.split_text(text, 300)
    assert "".join(pieces) == text
    assert all(len(p) <= 300 for p in pieces)
    assert len(pieces) > 1
    # every cut falls on a blank line, never inside a paragraph
    for p in pieces[:-1]:
        assert p.endswith("\n\n"), repr(p[-20:])


def test_split_text_without_boundaries_cuts_hard():
    text = "x" * 1000
    pieces = chunking.split_text(text, 256)
    assert "".join(pieces) == text
    assert [len(p) for p in pieces] == [256, 256, 256, 232]


def test_split_prefers_a_section_heading_to_a_paragraph():
    body = "word " * 40
    text = f"{body}\n\n{body}\n\nCLINICAL HISTORY:\n{body}\n\n{body}"
    pieces = chunking.split_text(text, len(text) - 20)
    assert pieces[1].startswith("CLINICAL HISTORY:")


def test_merge_case_first_value_wins_and_lists_unite():
    merged = chunking.merge_case(
        [
            {"outcome": None, "guidelines": ["ODG"], "review_date": "2012-01-02"},
            {"outcome": "upheld", "guidelines": ["ODG", "ACOEM"], "review_date": "2013-05-06"},
        ]
    )
    assert merged == {"outcome": "upheld", "guidelines": ["ODG", "ACOEM"], "review_date": "2012-01-02"}


@pytest.mark.skipif(not LETTER.exists(), reason="bundled corpus missing")
def test_long_letter_keeps_text_offsets_and_facts(nlp):
    text = LETTER.read_text(encoding="utf-8")
    old = nlp.max_length
    nlp.max_length = 2000
    try:
        assert len(text) > nlp.max_length
        (doc, ctx), *rest = list(chunking.pipe(nlp, [(text, "a"), ("Short letter.", "b")]))
    finally:
        nlp.max_length = old
    assert ctx == "a" and [c for _, c in rest] == ["b"]
    from iro_evidence.layout import canonicalize, source_text

    assert doc.text == canonicalize(text)[0] and source_text(doc) == text
    assert doc.has_annotation("SENT_START")
    for key in ("levels", "dates", "sections"):
        assert len(doc.spans[key]) > 0
        for span in doc.spans[key]:
            assert doc.text[span.start_char : span.end_char] == span.text
    whole = nlp(text)
    # facts away from the cuts are the same, with the same normalized values
    assert [(s.start_char, s._.iro["value"]) for s in doc.spans["levels"]] == [
        (s.start_char, s._.iro["value"]) for s in whole.spans["levels"]
    ]
    assert doc._.iro_case["outcome"] == whole._.iro_case["outcome"]


@pytest.mark.skipif(not LETTER.exists(), reason="bundled corpus missing")
def test_extract_path_processes_a_long_letter_whole(nlp):
    text = LETTER.read_text(encoding="utf-8")
    old = nlp.max_length
    nlp.max_length = 1500
    try:
        [res] = list(process_texts(nlp, [("hd", "hd_w01.txt", text)]))
        cid, rows, rec = res.case_id, res.rows, res.record
    finally:
        nlp.max_length = old
    assert cid == "hd" and rec["n_facts"] == len(rows)
    assert max(r["end_char"] for r in rows) > len(text) - 1500  # the tail was not dropped
    for r in rows:
        assert text[r["start_char"] : r["end_char"]] == r["text"]
