"""The canonical text (layout.py): layout goes, words stay, offsets lead back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from iro_evidence.layout import canonicalize


def canon(text: str) -> str:
    return canonicalize(text)[0]


@pytest.mark.parametrize(
    "variant",
    [
        "Straight leg raise was positive on the left.",
        "Straight leg\nraise was positive on the left.",
        "Straight  leg  raise  was  positive  on  the  left.",
        "Straight\u00a0leg raise\twas positive on the\r\nleft.",
        "Straight leg\u200b raise was positive on the left.",
        "  Straight leg raise\n   was positive on the left.  ",
    ],
)
def test_whitespace_and_line_breaks_inside_a_paragraph_are_one_space(variant):
    assert canon(variant).strip() == "Straight leg raise was positive on the left."


@pytest.mark.parametrize(
    "variant,expected",
    [
        ("The claimant?s MRI", "The claimant's MRI"),
        ("The IRO=s decision", "The IRO's decision"),
        ("the provider\u2019s request", "the provider's request"),
        ("He didn?t improve", "He didn't improve"),
        ("WORKERS= COMPENSATION", "WORKERS' COMPENSATION"),
        ("Is it upheld? So it is.", "Is it upheld? So it is."),  # a real question mark stays
        ("x = 5", "x = 5"),
    ],
)
def test_lost_apostrophes_come_back(variant, expected):
    assert canon(variant) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("radiculopathy at L5. Chronic radicu-\nlopathy", "radiculopathy at L5. Chronic radiculopathy"),
        ("positive at L4-\nL5 and", "positive at L4-L5 and"),
        ("a follow-\nup visit", "a follow-up visit"),
        ("T2-\nweighted images", "T2-weighted images"),
        ("electromyography (EMG). The electro-\nmyography", "electromyography (EMG). The electromyography"),
        ("flexion-\nextension views", "flexion-extension views"),
        ("flexion- extension views", "flexion-extension views"),
        ("pre- and post-operative", "pre- and post-operative"),
        ("radiculopathy; old radicu- lopathy", "radiculopathy; old radiculopathy"),
    ],
)
def test_words_hyphenated_at_a_line_end(text, expected):
    assert canon(text) == expected


def test_paragraphs_stay_and_blank_line_runs_are_one_break():
    assert canon("DATE OF REVIEW:\n01/02/2011\n\n\n\nCLINICAL HISTORY\n \nHe fell.") == (
        "DATE OF REVIEW: 01/02/2011\n\nCLINICAL HISTORY\n\nHe fell."
    )


@pytest.mark.parametrize(
    "chrome",
    [
        "\n\nPage 2 of 4\nLone Star Review Services, Inc.\nIRO Case Number: 2612-0457\n\n",
        "\nPage 2 of 4\n",
        "\n\nAcme Medical Review LLC\nCase #: 44-1201\n- 2 -\n\n",
        "\n\nIRO Case No. 3345\nPAGE 3\n\n",
        "\f",
    ],
)
def test_page_chrome_goes_and_a_cut_sentence_is_joined(chrome):
    text = f"History.\n\nThe straight leg raise was{chrome}positive on the left at 40 degrees.\n\nNext."
    assert (
        canon(text) == "History.\n\nThe straight leg raise was positive on the left at 40 degrees.\n\nNext."
    )


def test_a_page_line_inside_prose_takes_no_prose_with_it():
    text = (
        "The initial request was non-certified on 02/27/14 because the\n"
        "reviewer did not find a psychological evaluation in the records.\n"
        "The denial was upheld on appeal dated 03/14/14, noting that there\n"
        "Page 3 of 4\n\nexhausted less invasive treatment."
    )
    out = canon(text)
    assert "02/27/14" in out and "03/14/14" in out and "Page 3" not in out


def test_offsets_lead_back_to_the_letter_as_read():
    text = (
        "DATE OF REVIEW:\r\n  Jun/07/2013\r\n\r\nThe claimant?s  straight leg\nraise at L4-\nL5 was positive."
    )
    out, offsets = canonicalize(text)
    for word, original in [
        ("Jun/07/2013", "Jun/07/2013"),
        ("straight leg raise", "straight leg\nraise"),
        ("L4-L5", "L4-\nL5"),
        ("claimant's", "claimant?s"),
        ("positive", "positive"),
    ]:
        i = out.index(word)
        assert text[offsets.start(i) : offsets.end(i + len(word))] == original
        assert offsets.to_canonical(offsets.start(i)) == i


def test_plain_text_is_left_alone():
    text = "DATE OF REVIEW: 01/02/2011\n\nHe fell."
    assert canonicalize(text) == (text, None)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["word", "L4-", "L5", "Page 2 of 3", "claimant?s", "a-", "b", "Inc.", "\u00a0", "x"])
        | st.text(alphabet=" \n\t\r-?=abcXYZ019.\u2019\u200b", max_size=6),
        max_size=30,
    ).map(" ".join)
)
def test_canonical_text_is_a_fixed_point_and_offsets_stay_in_bounds(text):
    out, offsets = canonicalize(text)
    assert canon(out) == out
    if offsets is not None:
        for i in range(len(out)):
            assert 0 <= offsets.start(i) < len(text)
            assert offsets.start(i) <= offsets.end(i + 1) <= len(text)


@pytest.mark.parametrize(
    "footer",
    [
        "\n\nLone Star Review Associates, Inc.        Case No. LSR-15-0913        Page 1 of 3\n\n"
        "Lone Star Review Associates, Inc.\n3500 Oak Lawn Avenue, Suite 380\n"
        "Tel 214-555-0181 | Fax 214-555-0182\n\n",
        "\n\nAcme IRO LLC | Case 2211 | Page 2 of 5\n\n",
        "\n\nMedical Review Institute    IRO Case #: 1233    Page 3/4\n\n",
    ],
)
def test_a_footer_in_columns_and_the_next_pages_letterhead_go(footer):
    head = "Lone Star Review Associates, Inc.\n3500 Oak Lawn Avenue, Suite 380\n\n"
    text = f"{head}At L5-S1 there was{footer}a 2 mm central protrusion."
    assert canon(text).endswith("At L5-S1 there was a 2 mm central protrusion.")
