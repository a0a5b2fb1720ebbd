"""iro_sentences: layout-aware boundaries (headings, blank lines, checkboxes, wrapped lines)."""

import pytest
import spacy
from conftest import CORPUS


@pytest.fixture(scope="module")
def sents():
    import iro_evidence  # noqa: F401  (registers the tokenizer and factories)

    nlp = spacy.blank("en")
    nlp.add_pipe("iro_sentences")
    return lambda text: [s.text.strip() for s in nlp(text).sents if s.text.strip()]


@pytest.mark.parametrize(
    "text,expected",
    [
        # a wrapped line does not end a sentence
        (
            "The MRI showed a 3 mm protrusion at L4-5 that\ncontacts the left L5 nerve root. Gait is normal.",
            [
                "The MRI showed a 3 mm protrusion at L4-5 that\ncontacts the left L5 nerve root.",
                "Gait is normal.",
            ],
        ),
        # abbreviations and decimals
        (
            "Dr. Smith saw her on 3/4/12. A 2.5 mm bulge, i.e. mild, was seen.",
            ["Dr. Smith saw her on 3/4/12.", "A 2.5 mm bulge, i.e. mild, was seen."],
        ),
        (
            "Mr. T. Jones vs. the Carrier. No. 5 was read.",
            ["Mr. T. Jones vs. the Carrier.", "No. 5 was read."],
        ),
        # a blank line ends a sentence even without a period
        ("Reflexes 2+ and symmetric\n\nStrength 5/5", ["Reflexes 2+ and symmetric", "Strength 5/5"]),
        # ALL CAPS headings and "Label:" lines are their own sentences
        (
            "PATIENT CLINICAL HISTORY SUMMARY\nThe claimant is a 45 year old man.",
            ["PATIENT CLINICAL HISTORY SUMMARY", "The claimant is a 45 year old man."],
        ),
        ("Physical Examination:\nthere is tenderness", ["Physical Examination:", "there is tenderness"]),
        # each checkbox or list item starts a sentence
        (
            "REVIEW OUTCOME\n[ X ] Upheld\n[ ] Overturned\n[ ] Partially Overturned",
            ["REVIEW OUTCOME", "[ X ] Upheld", "[ ] Overturned", "[ ] Partially Overturned"],
        ),
        (
            "Records reviewed\n- MRI 01/02/11\n- EMG 02/03/11",
            ["Records reviewed", "- MRI 01/02/11", "- EMG 02/03/11"],
        ),
        ("☒ Upheld\n☐ Overturned", ["☒ Upheld", "☐ Overturned"]),
        # short lines that stand alone (a records list) end; wrapped prose does not
        (
            "Request for IRO dated 05/20/13\nOffice notes dated 01/14/13\nRadiographs of the lumbar spine",
            [
                "Request for IRO dated 05/20/13",
                "Office notes dated 01/14/13",
                "Radiographs of the lumbar spine",
            ],
        ),
        ("He was referred to the\nSpine Center in May.", ["He was referred to the\nSpine Center in May."]),
        (
            "The MRI of the lumbar spine performed without contrast showed a 3 mm\nL4-5 protrusion.",
            ["The MRI of the lumbar spine performed without contrast showed a 3 mm\nL4-5 protrusion."],
        ),
        # semicolons end a clause-sentence (ConText scope stops there)
        ("no stenosis; a 2 mm bulge at L3-4", ["no stenosis;", "a 2 mm bulge at L3-4"]),
    ],
)
def test_boundaries(sents, text, expected):
    assert sents(text) == expected


def test_page_break_ends_a_sentence(sents):
    assert sents("Page 2 of 4\fThe claimant reports pain") == ["Page 2 of 4", "The claimant reports pain"]


def test_corpus_letter_has_no_sentence_across_a_heading(sents):
    text = (CORPUS / "letters" / "iro_w01.txt").read_text("utf-8")
    out = sents(text)
    assert "NOTICE OF INDEPENDENT REVIEW DECISION" in out
    # no sentence runs from the body of one section into the next heading
    assert not any("\nPATIENT CLINICAL HISTORY" in s for s in out)
    # hard-wrapped prose keeps whole sentences: most sentences end with a period
    long = [s for s in out if len(s) > 80]
    assert long and sum(s.endswith((".", ":", ";")) for s in long) / len(long) > 0.8


@pytest.mark.parametrize(
    "text,expected",
    [
        # "No." before a number abbreviates it; "no." at the end of a clause ends a sentence
        (
            "IRO Case No. 4471 was assigned. The answer is no. The request is denied.",
            ["IRO Case No. 4471 was assigned.", "The answer is no.", "The request is denied."],
        ),
        # the number of a list item stays with its item
        (
            "Criteria:\n1. Radiculopathy on exam.\n2. Failed conservative care.",
            ["Criteria:", "1. Radiculopathy on exam.", "2. Failed conservative care."],
        ),
    ],
)
def test_numbers_and_list_items(sents, text, expected):
    assert sents(text) == expected


def test_hand_marked_letter_passages(sents):
    """tests/data/sentences_gold.jsonl: letter layouts with their sentences marked by hand
    (``benchmarks/sentences_eval.py`` scores PyRuSH on the same passages)."""
    import json

    from conftest import ROOT

    right = total = 0
    with open(ROOT / "tests" / "data" / "sentences_gold.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            text = d["sentences"][0] + "".join(j + s for j, s in zip(d["joiners"], d["sentences"][1:]))
            right += sents(text) == d["sentences"]
            total += 1
    assert right >= total - 1, (right, total)
