"""Finding frames: type, subtype, position, grade, and the level, study and size they link to."""

import json

import pytest
from conftest import CORPUS
from iro_evidence.evaluate import load_gold, predict_letters
from iro_evidence.rows import doc_rows


def frames(nlp, text):
    doc = nlp(text)
    return {f.text: f._.iro for f in doc.spans["findings"]}


@pytest.mark.parametrize(
    "text,term,expected",
    [
        (
            "moderate central stenosis at L4-5",
            "central stenosis",
            {"finding": "stenosis", "grade": "moderate", "level": "L4-L5"},
        ),
        (
            "mild to moderate right foraminal narrowing at C5-6",
            "foraminal narrowing",
            {
                "finding": "stenosis",
                "subtype": "foraminal",
                "grade": "mild to moderate",
                "position": ["foraminal", "right"],
            },
        ),
        (
            "a grade I anterolisthesis of L4 on L5",
            "anterolisthesis",
            {
                "finding": "spondylolisthesis",
                "subtype": "anterolisthesis",
                "grade": "grade 1",
                "level": "L4-L5",
            },
        ),
        (
            "Grade 2 retrolisthesis at L3-4",
            "retrolisthesis",
            {
                "finding": "spondylolisthesis",
                "subtype": "retrolisthesis",
                "grade": "grade 2",
                "level": "L3-L4",
            },
        ),
        (
            "an annular tear at L5-S1",
            "annular tear",
            {"finding": "tear", "subtype": "annular_tear", "level": "L5-S1"},
        ),
        (
            "a left facet synovial cyst at L4-5",
            "facet synovial cyst",
            {"finding": "cyst", "position": ["left"], "level": "L4-L5"},
        ),
        (
            "an old compression fracture at T12",
            "compression fracture",
            {"finding": "fracture", "level": "T12"},
        ),
        ("bulging at L3-4, L4-5, and L5-S1", "bulging", {"finding": "bulge", "level": "L3-L4|L4-L5|L5-S1"}),
        (
            "a broad-based disc-osteophyte complex at C5-6",
            "disc-osteophyte complex",
            {"finding": "osteophyte", "subtype": "disc_osteophyte_complex", "position": ["broad-based"]},
        ),
    ],
)
def test_finding_frames(nlp, text, term, expected):
    got = frames(nlp, text)[term]
    assert {k: got[k] for k in expected} == expected


def test_study_from_the_sentence_before(nlp):
    text = "An MRI of the lumbar spine dated 02/09/16 was reviewed. At L4-5 there is a 3 mm protrusion."
    doc = nlp(text)
    size = doc.spans["measurements"][0]._.iro
    finding = doc.spans["findings"][0]._.iro
    assert (size["study"], size["study_date"], size["level"]) == ("MRI", "2016-02-09", "L4-L5")
    assert (finding["study"], finding["size_mm"], finding["level"]) == ("MRI", 3.0, "L4-L5")


def test_wear_and_tear_is_no_finding(nlp):
    assert "tear" not in frames(nlp, "The pain came from years of wear and tear.")


def test_frame_rows_carry_links(nlp):
    text = "MRI of the cervical spine dated 10/04/11 revealed a 2.2 mm central protrusion at C5-6."
    doc = nlp(text)
    rows = {r["kind"]: r for r in doc_rows(doc, "t") if r["kind"] in ("finding", "measurement")}
    f, m = rows["finding"], rows["measurement"]
    assert (f["value"], f["level"], f["study_type"], f["date"], f["value_num"]) == (
        "protrusion",
        "C5-C6",
        "MRI",
        "2011-10-04",
        2.2,
    )
    assert (
        m["finding_id"] == f["fact_id"] and m["level_id"] == f["level_id"] and m["study_id"] == f["study_id"]
    )
    assert json.loads(f["details"])["position"] == ["central"]


def test_negated_finding_keeps_its_frame(nlp):
    doc = nlp("No recurrent disc herniation was seen at L5-S1.")
    f = doc.spans["findings"][0]
    assert f._.is_negated and f._.iro["level"] == "L5-S1"


@pytest.mark.parametrize("case_id", ["s4_iro_01", "s4_hd_01"])
def test_written_letters_spine_fields_exact(nlp, case_id):
    gold = load_gold(CORPUS / "gold")[case_id]
    pred = predict_letters(CORPUS / "letters", nlp)[case_id]
    assert sorted(pred["levels"]) == sorted(gold["levels"])
    assert sorted((s["type"], s["date"]) for s in pred["studies"]) == sorted(
        (s["type"], s["date"]) for s in gold["studies"]
    )
    key = lambda m: (float(m["value_mm"]), m["level"], m["finding"], m.get("value_max_mm"))
    assert sorted(map(key, pred["measurements"])) == sorted(map(key, gold["measurements"]))
