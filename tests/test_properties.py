"""Property-based: the pipeline never raises on arbitrary Unicode, and every evidence row's
offsets slice the letter text back to the row's ``text``."""

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from iro_evidence.extract import process_doc
from iro_evidence.io import clean_text, decode_text

# pieces of the genre, so the rules fire and produce rows to check
PIECES = [
    "DATE OF REVIEW: 03/04/2013", "Date of injury: 01/02/2010", "MRI of the lumbar spine",
    "dated 05/06/2012", "showed a 3 mm disc protrusion at L4-5", "L5-S1", "C5-6 and C6-7",
    "2.5 x 3 mm", "no weakness", "straight leg raise was positive on the left", "denied",
    "is upheld", "overturned", "ODG", "ACOEM", "board certified in orthopedic surgery",
    "EMG/NCV", "not documented", "possible radiculopathy", "REVIEW OUTCOME:", "\n\n", "\n", " ",
]  # fmt: skip
ODD = [
    "\u200f", "\u200e", "\u202e", "\u2066", "\x00", "\x07", "\x0b", "\x1b", "\x7f", "\x85",
    "\u2028", "\u2029", "\ufeff", "\ufffd", "\t", "\r", "\f", "é", "–", "—", "“", "’",
    "\u0301", "ﬁ", "١٢", "שלום", "𝟒", "😀",
]  # fmt: skip

texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(PIECES + ODD) | st.text(max_size=8), max_size=60).map("".join),
    st.tuples(st.sampled_from(PIECES), st.integers(1, 300)).map(lambda t: " ".join([t[0]] * t[1])),
    st.tuples(st.sampled_from(ODD), st.integers(1, 2000)).map(lambda t: t[0] * t[1]),
)

SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _check(nlp, text):
    rows, rec = process_doc(nlp(text), "p")
    for r in rows:
        assert 0 <= r["start_char"] <= r["end_char"] <= len(text)
        assert text[r["start_char"] : r["end_char"]] == r["text"], r
    assert rec["n_facts"] == len(rows)


@SETTINGS
@given(texts)
@example("2000?MR")  # a study span on a date span's offsets once broke iro_decision
@example("DATE OF REVIEW:2000 2000?MR")
def test_pipeline_never_raises_and_offsets_slice_back(nlp, text):
    _check(nlp, text)


@SETTINGS
@given(texts)
def test_cleaned_text_keeps_length(nlp, text):
    cleaned = clean_text(text)
    assert len(cleaned) == len(text)
    _check(nlp, cleaned)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_decoding_arbitrary_bytes_gives_text_or_a_reason(data):
    from iro_evidence.io import InputError

    try:
        text = decode_text(data)
    except InputError as e:
        assert e.stage == "read" and e.reason
    else:
        assert isinstance(text, str)


ACCENTED = ["é", "–", "’", "naïve", "Peña", "Größe", "façade", "“x”"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), min_size=3, max_size=40),
    st.lists(st.sampled_from(ACCENTED), max_size=4),
)
def test_round_trip_of_letter_like_text(encoding, words, accents):
    # letters are mostly ASCII; a text of three accented characters alone is ambiguous in
    # any single-byte encoding
    text = " ".join(words[: len(words) // 2] + accents + words[len(words) // 2 :])
    assume(text.strip() and sum(ord(c) > 127 for c in text) <= len(text) // 10)
    assert decode_text(text.encode(encoding)) == text
