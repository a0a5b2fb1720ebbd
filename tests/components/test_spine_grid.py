# ruff: noqa: E501  (sentences read better unwrapped)
"""Paraphrase grids for the spine fields: level notations, size phrases, study mentions.

The phrasings are written from how radiologists, treating doctors and reviewers write
these facts (frames x notation x unit x date form), not from the rule files; negative
controls are text that must NOT give the fact. Each grid is scored on the case record
(``case_record``), the way the evaluation scores letters: levels by canonical string,
measurements by (value_mm, level), studies by (type, date). ``test_grid_scores`` prints
recall and precision of each grid (``pytest -s``); per-case tests keep each phrasing
honest, with the phrasings the rules still miss marked xfail with the reason.
"""

from __future__ import annotations

import itertools

import pytest
from iro_evidence.rows import doc_rows
from iro_evidence.table import case_record

# ---------------------------------------------------------------- levels
# one intervertebral level written in the ways letters write it
DISC_NOTATIONS = [
    ("L4-5", "L4-L5"),
    ("L4-L5", "L4-L5"),
    ("L4/5", "L4-L5"),
    ("L4/L5", "L4-L5"),
    ("L4 - 5", "L4-L5"),
    ("L4\u20135", "L4-L5"),
    ("L-4/L-5", "L4-L5"),
    ("L-4-L-5", "L4-L5"),
    ("L 4-5", "L4-L5"),
    ("L4 to L5", "L4-L5"),
    ("C5 6", "C5-C6"),
    ("C5-C6", "C5-C6"),
    ("C-5/C-6", "C5-C6"),
    ("L5-S1", "L5-S1"),
    ("L5/S1", "L5-S1"),
    ("L-5/S-1", "L5-S1"),
    ("T12-L1", "T12-L1"),
    ("T-12/L-1", "T12-L1"),
]
DISC_FRAMES = [
    "The MRI showed a disc protrusion at {lv}.",
    "At {lv} there is a broad-based bulge with mild foraminal narrowing.",
    "{lv}: moderate central canal stenosis.",
    "The surgeon requested a decompression at {lv}.",
    "An epidural steroid injection at the {lv} level was denied.",
    "Impression: disc desiccation at {lv}, otherwise unremarkable.",
]
SPANS = [
    ("L4 through S1", ["L4-L5", "L5-S1"]),
    ("L4 thru S1", ["L4-L5", "L5-S1"]),
    ("from L3 to L5", ["L3-L4", "L4-L5"]),
    ("L3 to S1", ["L3-L4", "L4-L5", "L5-S1"]),
    ("L3-S1", ["L3-L4", "L4-L5", "L5-S1"]),
    ("L3-4 through L5-S1", ["L3-L4", "L4-L5", "L5-S1"]),
    ("C4 through C7", ["C4-C5", "C5-C6", "C6-C7"]),
    ("from C3 down to C6", ["C3-C4", "C4-C5", "C5-C6"]),
    ("L-3 through L-5", ["L3-L4", "L4-L5"]),
    ("from L4 to the sacrum", ["L4-L5", "L5-S1"]),
]
SPAN_FRAMES = [
    "A posterior fusion {lv} was proposed.",
    "Degenerative changes extend {lv} on the sagittal images.",
    "The claimant had a laminectomy {lv} in 2015.",
]
VERTEBRAE = [
    ("The MRI showed marrow edema in the T11 body.", ["T11"]),
    ("Films showed a T12 compression fracture.", ["T12"]),
    ("There is a compression deformity of the L1 vertebral body.", ["L1"]),
    ("A burst fracture of L2 was treated with a brace.", ["L2"]),
    ("He has a left L5 radiculopathy.", ["L5"]),
    ("The extrusion contacts the traversing S1 nerve root.", ["S1"]),
    ("Sensation was reduced in the C6 dermatome.", ["C6"]),
    ("There is a fracture of the T-12 vertebral body.", ["T12"]),
    ("There is a Schmorl's node in the superior endplate of T9.", ["T9"]),
]
LEVEL_CONTROLS = [
    "Sagittal T1 and T2 images were obtained.",
    "There is T2 hyperintensity in the cord.",
    "CPT code 62323 was billed.",
    "ICD-10 M54.16 and M51.26 were listed.",
    "A right S1 joint injection was requested.",
    "A two-level fusion was proposed.",
    "He can walk 4-5 blocks before resting.",
    "Strength was 4/5 in the left quadriceps.",
    "The injection was done under C-arm guidance.",
    "Form DWC-073 was filed.",
    "Page 4 of 5.",
]


def level_grid():
    out = []
    for (note, canon), frame in itertools.product(DISC_NOTATIONS, DISC_FRAMES):
        out.append((frame.format(lv=note), {canon}))
    for (note, canon), frame in itertools.product(SPANS, SPAN_FRAMES):
        out.append((frame.format(lv=note), set(canon)))
    out += [(t, set(v)) for t, v in VERTEBRAE]
    out += [(t, set()) for t in LEVEL_CONTROLS]
    return out


# ---------------------------------------------------------------- sizes
# (phrase, the values it gives: one per dimension; a range gives its low end)
SIZES = [
    ("4mm", [4.0]),
    ("4 mm", [4.0]),
    ("4-mm", [4.0]),
    ("4.0 mm", [4.0]),
    ("4 millimeters", [4.0]),
    ("4 millimetres", [4.0]),
    ("four millimeters", [4.0]),
    ("four-millimeter", [4.0]),
    ("0.4 cm", [4.0]),
    ("0.4 centimeters", [4.0]),
    ("3 x 5 mm", [3.0, 5.0]),
    ("3 by 5 mm", [3.0, 5.0]),
    ("3 \u00d7 5 mm", [3.0, 5.0]),
    ("3 mm x 5 mm", [3.0, 5.0]),
    ("0.3 cm by 0.5 cm", [3.0, 5.0]),
    ("3-4 mm", [3.0]),
    ("3 to 4 mm", [3.0]),
    ("three to four millimeters", [3.0]),
    ("0.3-0.4 cm", [3.0]),
]
SIZE_FRAMES = [
    ("The MRI showed a {sz} disc protrusion at L4-5.", "L4-L5"),
    ("At L5-S1 there is a {sz} broad-based bulge.", "L5-S1"),
    ("C5-6: {sz} central herniation.", "C5-C6"),
    ("There is a disc protrusion measuring {sz} at L3-4.", "L3-L4"),
    (
        "A right paracentral extrusion at L5-S1 of {sz} displaces the S1 root, and an L4-5 bulge narrows the recess.",
        "L5-S1",
    ),
    (
        "A right paracentral extrusion at L5-S1 of {sz} compressing the S1 root and an L4-5 protrusion were seen.",
        "L5-S1",
    ),
    ("There was a grade 1 anterolisthesis of L4 on L5 of {sz}.", "L4-L5"),
    ("The L4-5 level demonstrates a {sz} left foraminal protrusion.", "L4-L5"),
    ("A {sz} bulge at L-4/L-5 narrows both foramina.", "L4-L5"),
    ("There is {sz} of retrolisthesis of L3 on L4.", "L3-L4"),
]
# a size said again without its level, or of the same thing by a pronoun: nothing new
REPEATS = [
    (
        "Films showed a 4 mm anterolisthesis of L4 on L5. Flexion views on a later date showed the same 4 mm slip.",
        {(4.0, "L4-L5")},
    ),
    (
        "A 3 mm protrusion was seen at C5-6. The repeat study showed the same 3mm protrusion without change.",
        {(3.0, "C5-C6")},
    ),
    (
        "There is a 5 mm slip of L5 on S1. The same five millimeter slippage was seen on standing films.",
        {(5.0, "L5-S1")},
    ),
    (
        "The x-rays showed a 4 mm listhesis at L4-5 in neutral. On flexion it measured 6 mm.",
        {(4.0, "L4-L5"), (6.0, "L4-L5")},
    ),
    (
        "Standing films showed a 3 mm slip at L5-S1. In flexion it increased to 5 mm.",
        {(3.0, "L5-S1"), (5.0, "L5-S1")},
    ),
    ("The MRI showed marrow edema in the T11 body with 2 mm of retropulsion.", {(2.0, "T11")}),
    ("There is a T12 compression fracture with 3 mm of retropulsion into the canal.", {(3.0, "T12")}),
]
SIZE_CONTROLS = [
    "Lidocaine 5 mg was injected.",
    "Blood pressure was 130/85 mmHg.",
    "The ESR was 22 mm/hr.",
    "Pedicle screws of 6.5 mm were placed at L4 and L5.",
    "A 4 cm incision was closed.",
    "The ODG accepts more than 4.5 mm of translation as instability.",
    "Lumbar flexion was 40 degrees.",
    "Two-point discrimination was 6 mm at the thumb.",
    "He walks about 400 meters.",
]


def size_grid():
    out = []
    for (phrase, values), (frame, level) in itertools.product(SIZES, SIZE_FRAMES):
        out.append((frame.format(sz=phrase), {(v, level) for v in values}))
    out += [(t, e) for t, e in REPEATS]
    out += [(t, set()) for t in SIZE_CONTROLS]
    return out


# ---------------------------------------------------------------- studies
STUDY_TYPES = [
    ("x-rays", "XRAY"),
    ("radiographs", "XRAY"),
    ("plain films", "XRAY"),
    ("films", "XRAY"),
    ("MRI", "MRI"),
    ("magnetic resonance imaging", "MRI"),
    ("CT scan", "CT"),
    ("CT myelogram", "CT_MYELOGRAM"),
    ("myelogram", "MYELOGRAM"),
    ("EMG/NCS", "EMG_NCV"),
    ("nerve conduction studies", "EMG_NCV"),
    ("electrodiagnostic testing", "EMG_NCV"),
    ("bone scan", "BONE_SCAN"),
    ("discogram", "DISCOGRAM"),
]
# (frame, date as gold writes it); {r} is a region, {t} the study
STUDY_FRAMES = [
    ("{R} {t} dated 03/14/2019 showed degenerative change.", "2019-03-14"),
    ("{R} {t} performed on March 14, 2019 were reviewed.", "2019-03-14"),
    ("On 3/14/19, {r} {t} showed no acute finding.", "2019-03-14"),
    ("{R} {t} of 03-14-2019 revealed mild changes.", "2019-03-14"),
    ("She was injured on 02/02/2019. {R} {t} the next day, 02/03/2019, were unremarkable.", "2019-02-03"),
    ("Records reviewed:\n\n03/14/2019\t{R} {t}\n\n04/02/2019\tOffice visit, Dr. Lane", "2019-03-14"),
]
REGIONS = ["lumbar", "cervical"]
STUDY_REGION_PHRASES = [
    (
        "An EMG/NCS of both lower limbs on 05/06/2020 showed an L5 radiculopathy.",
        ("EMG_NCV", "2020-05-06", "lower_extremity"),
    ),
    (
        "Nerve conduction studies of the bilateral lower extremities dated 05/06/2020 were normal.",
        ("EMG_NCV", "2020-05-06", "lower_extremity"),
    ),
    (
        "EMG of the upper extremities on 05/06/2020 showed carpal tunnel syndrome.",
        ("EMG_NCV", "2020-05-06", "upper_extremity"),
    ),
    ("Right knee films of 05/06/2020 showed joint space narrowing.", ("XRAY", "2020-05-06", "knee")),
    ("A lumbar CT myelogram on 05/06/2020 showed a block at L4-5.", ("CT_MYELOGRAM", "2020-05-06", "lumbar")),
    ("A whole body bone scan dated 05/06/2020 was negative.", ("BONE_SCAN", "2020-05-06", None)),
]
STUDY_CONTROLS = [
    "An MRI of the lumbar spine was requested on 03/14/2019.",
    "The carrier denied a CT myelogram on 03/14/2019.",
    "Lumbar radiographs are recommended before any injection.",
    "If an EMG had been done, it might have shown a radiculopathy.",
    "No x-rays were taken at the clinic on 03/14/2019.",
    "The doctor ordered a bone scan on 03/14/2019, which was never done.",
]


def study_grid():
    out = []
    for (t, typ), (frame, date), r in itertools.product(STUDY_TYPES, STUDY_FRAMES, REGIONS):
        text = frame.format(t=t, r=r, R=r.capitalize())
        out.append((text, {(typ, date)}))
    out += [(t, {e[:2]}) for t, e in STUDY_REGION_PHRASES]
    out += [(t, set()) for t in STUDY_CONTROLS]
    return out


# ---------------------------------------------------------------- scoring
def record(nlp, text):
    doc = nlp(text)
    return case_record("t", doc_rows(doc, "t"))


def keys(field, rec):
    if field == "levels":
        return set(rec["levels"])
    if field == "measurements":
        return {(m["value_mm"], m["level"]) for m in rec["measurements"]}
    return {(s["type"], s["date"]) for s in rec["studies"]}


GRIDS = {"levels": level_grid, "measurements": size_grid, "studies": study_grid}

# phrasings the rules do not support yet: (field, substring of the text) -> reason
GAPS: dict[tuple[str, str], str] = {
    (
        "levels",
        "L-3 through L-5",
    ): "a lone hyphenated vertebra reads as exhibit numbering ('Exhibits C-1 through C-5'), so hyphenated ranges are not taken",
}


def score(nlp, field):
    tp = fp = fn = 0
    for text, expected in GRIDS[field]():
        got = keys(field, record(nlp, text))
        tp += len(got & expected)
        fp += len(got - expected)
        fn += len(expected - got)
    return tp, fp, fn


def test_grid_scores(nlp, capsys):
    """Recall and precision of each grid. Before the wave-2 family rules the grids
    scored: levels recall 0.724 precision 0.918, measurements 0.794 / 0.787, studies
    0.626 / 0.801; after: levels 0.969 / 1.000 (the xfail gap), the others 1.000."""
    floors = {"levels": 0.96, "measurements": 0.98, "studies": 0.98}
    lines = []
    for field in GRIDS:
        tp, fp, fn = score(nlp, field)
        recall = tp / (tp + fn) if tp + fn else 1.0
        precision = tp / (tp + fp) if tp + fp else 1.0
        lines.append(f"{field}: recall {recall:.3f} precision {precision:.3f} (tp {tp} fp {fp} fn {fn})")
        assert recall >= floors[field] and precision >= floors[field], lines[-1]
    with capsys.disabled():
        print("\n" + "\n".join(lines))


def _cases(field):
    out = []
    for text, expected in GRIDS[field]():
        marks = [
            pytest.mark.xfail(reason=r, strict=True) for (f, s), r in GAPS.items() if f == field and s in text
        ]
        out.append(pytest.param(text, expected, marks=marks))
    return out


@pytest.mark.parametrize("text,expected", _cases("levels"))
def test_level_grid(nlp, text, expected):
    assert keys("levels", record(nlp, text)) == expected


@pytest.mark.parametrize("text,expected", _cases("measurements"))
def test_size_grid(nlp, text, expected):
    assert keys("measurements", record(nlp, text)) == expected


@pytest.mark.parametrize("text,expected", _cases("studies"))
def test_study_grid(nlp, text, expected):
    assert keys("studies", record(nlp, text)) == expected


@pytest.mark.parametrize("text,expected", STUDY_REGION_PHRASES)
def test_study_region_phrases(nlp, text, expected):
    got = {(s["type"], s["date"], s["region"]) for s in record(nlp, text)["studies"]}
    assert got == {expected}
