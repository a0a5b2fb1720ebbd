import pytest


def sizes(nlp, text):
    doc = nlp(text)
    out = []
    for s in doc.spans["measurements"]:
        for lo, hi in s._.iro["dims"]:
            out.append((lo, hi, s._.iro.get("level"), s._.iro.get("finding")))
    return out


@pytest.mark.parametrize(
    "text,expected",
    [
        ("MRI revealed a 3mm protrusion at L4-5.", [(3.0, None, "L4-L5", "protrusion")]),
        ("There is a 3-4 mm bulge at C5-6.", [(3.0, 4.0, "C5-C6", "bulge")]),
        ("a 0.4 cm herniation at L5-S1", [(4.0, None, "L5-S1", "herniation")]),
        ("At L4-5 there is a 2.5-mm extrusion.", [(2.5, None, "L4-L5", "extrusion")]),
        ("a 5 x 7 mm synovial cyst at L4-5", [(5.0, None, "L4-L5", "cyst"), (7.0, None, "L4-L5", "cyst")]),
        ("a mild 1 to 2 mm broad-based bulge at L5-S1", [(1.0, 2.0, "L5-S1", "bulge")]),
    ],
)
def test_sizes_and_links(nlp, text, expected):
    assert sizes(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Gabapentin 300 mg three times daily.",
        "Flexion was limited to 40 degrees.",
        "Blood pressure 120/80 mmHg.",
        "He is able to walk 100 cm without support.",
        "Improvement of 50% was reported.",
    ],
)
def test_not_sizes(nlp, text):
    assert sizes(nlp, text) == []


def test_seed_frames(nlp):
    text = (
        "MRI of the cervical spine dated 10/04/11 revealed 1.2 mm posterior bulge at C3-4; "
        "1.5 mm bulge/small protrusion at C4-5; mild disc space narrowing at C5-6 with "
        "2.2 mm broad based central protrusion."
    )
    got = sizes(nlp, text)
    assert got == [
        (1.2, None, "C3-C4", "bulge"),
        (1.5, None, "C4-C5", "bulge"),
        (2.2, None, "C5-C6", "protrusion"),
    ]
    doc = nlp(text)
    study = doc.spans["measurements"][0]._.iro
    assert (study["study"], study["study_date"]) == ("MRI", "2011-10-04")
