# ruff: noqa: E501  (letter text in test data reads better unwrapped)
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
        ("a 4 millimeters central protrusion at L4-5", [(4.0, None, "L4-L5", "protrusion")]),
        ("a 3mm herniation at C6-7", [(3.0, None, "C6-C7", "herniation")]),
        ("a 5 by 7 mm cyst at L4-5", [(5.0, None, "L4-L5", "cyst"), (7.0, None, "L4-L5", "cyst")]),
        ("a 1-1.5 cm extruded fragment at L5-S1", [(10.0, 15.0, "L5-S1", "extrusion")]),
        ("2 mm disc bulges at L3-4 and L4-5", [(2.0, None, "L3-L4|L4-L5", "bulge")]),
        ("At C4-5 and C6-7 there are 1-2 mm disc bulges.", [(1.0, 2.0, "C4-C5|C6-C7", "bulge")]),
        ("a grade I anterolisthesis of C4 on C5 measuring 2 mm", [(2.0, None, "C4-C5", "spondylolisthesis")]),
        (
            "a disc osteophyte complex measuring 0.4 cm results in foraminal stenosis at C6-7",
            [(4.0, None, "C6-C7", "osteophyte")],
        ),
        (
            "At L4-5 there is stenosis; the thecal sac measured 8 mm in AP dimension at that level.",
            [(8.0, None, "L4-L5", "stenosis")],
        ),
        (
            "At L4-5 there is a 4 mm broad-based protrusion, with the canal measuring 9 mm.",
            [(4.0, None, "L4-L5", "protrusion"), (9.0, None, "L4-L5", "stenosis")],
        ),
        (
            "At L4-5 there was a 3 mm bulge. The canal measured 9 mm at that level.",
            [(3.0, None, "L4-L5", "bulge"), (9.0, None, "L4-L5", "stenosis")],
        ),
        (
            "anterolisthesis of L4 on L5 measuring 4 mm in flexion and 2.5 mm in extension",
            [(4.0, None, "L4-L5", "spondylolisthesis"), (2.5, None, "L4-L5", "spondylolisthesis")],
        ),
        (
            "a grade 2 slip of L5 on S1 with a 6 mm spondylolisthesis and a 0.7 cm cyst",
            [(6.0, None, "L5-S1", "spondylolisthesis"), (7.0, None, "L5-S1", "cyst")],
        ),
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
        "Sedimentation rate 22 mm/hr.",
        "Pedicle screws 6.5 x 45 mm were placed at L4 and L5.",
        "A 3 cm incision was made over L5-S1.",
        "He was given a 25 mm spinal needle.",
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


def test_level_list_gives_one_measurement_per_level(nlp):
    from iro_evidence.rows import doc_rows
    from iro_evidence.table import case_record

    doc = nlp(
        "An MRI dated 10/14/05 showed 2 mm disc bulges at L3-4 and L4-5 and a 3-4 mm protrusion at L5-S1."
    )
    got = case_record("t", doc_rows(doc, "t"))["measurements"]
    assert got == [
        {"value_mm": 2.0, "level": "L3-L4", "finding": "bulge"},
        {"value_mm": 2.0, "level": "L4-L5", "finding": "bulge"},
        {"value_mm": 3.0, "level": "L5-S1", "finding": "protrusion", "value_max_mm": 4.0},
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Translation of 3 mm falls below the 4.5 mm that the ODG accepts as instability.", [3.0]),
        ("The criteria require more than 4 mm of translation on flexion films.", []),
        ("There is a herniation greater than 5 mm at L4-5.", [5.0]),
        ("The disc protrudes more than 3 mm at L5-S1, which the surgeon noted.", [3.0]),
    ],
)
def test_guideline_thresholds_are_no_findings(nlp, text, expected):
    assert [lo for lo, _hi, _lv, _f in sizes(nlp, text)] == expected


# -- sizes in words (issue 13; paraphrases written for the tests) -------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Exam found a one centimeter difference in leg length.", [(10.0, None, None, None)]),
        ("Films showed only a five millimeter leg length discrepancy.", [(5.0, None, None, None)]),
        ("The left leg was three millimeters shorter on the scanogram.", [(3.0, None, None, None)]),
        (
            "The MRI showed bulges of between two and three millimeters at L3-4 and L4-5.",
            [(2.0, 3.0, "L3-L4|L4-L5", "bulge")],
        ),
        ("a four to five millimeter protrusion at C5-6", [(4.0, 5.0, "C5-C6", "protrusion")]),
        ("A two centimeter incision was closed.", []),
    ],
)
def test_sizes_in_words(nlp, text, expected):
    assert sizes(nlp, text) == expected


def record(nlp, text):
    from iro_evidence.rows import doc_rows
    from iro_evidence.table import case_record

    doc = nlp(text)
    return sorted((m["value_mm"], m["level"]) for m in case_record("t", doc_rows(doc, "t"))["measurements"])


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "X-rays showed a 2 mm anterolisthesis of L4 on L5. The repeat MRI was unchanged, with the same 2 mm anterolisthesis.",
            [(2.0, "L4-L5")],
        ),
        (
            "The MRI showed a 3 mm protrusion at C5-6. The later CT again showed the 3 mm protrusion.",
            [(3.0, "C5-C6")],
        ),
        (
            "A 6 mm synovial cyst arose from the left L4-5 facet. On follow-up the 6 mm cyst persisted.",
            [(6.0, "L4-L5")],
        ),
    ],
)
def test_a_size_repeated_without_its_level_is_the_one_stated_at_a_level(nlp, text, expected):
    assert record(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Two-point discrimination was 6 mm in the right index finger.",
        "2-point discrimination measured 8 mm at the thumb.",
        "Two point discrimination at the thumb was 9 mm.",
    ],
)
def test_two_point_discrimination_is_no_finding_size(nlp, text):
    assert sizes(nlp, text) == []


@pytest.mark.parametrize(
    "text,expected",
    [
        # the size is said of the level before it, not of the level of the next finding
        (
            "A left extrusion at L5-S1 of 7 mm contacts the S1 root and an L4-5 bulge narrows the recess.",
            [(7.0, "L5-S1")],
        ),
        ("There is a protrusion at C5-6 measuring 3 mm and a small C6-7 osteophyte.", [(3.0, "C5-C6")]),
        ("Herniation at L4-L5 of about 5 millimeters with the L5-S1 disc preserved.", [(5.0, "L4-L5")]),
        # a new finding with its own level after 'and a/an/the' does not lend its level
        ("The study shows 4 mm of central herniation and an L3-4 annular fissure.", [(4.0, None)]),
    ],
)
def test_a_size_belongs_to_the_level_of_its_own_clause(nlp, text, expected):
    assert record(nlp, text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Neutral views showed a 3 mm listhesis at L4-5. On flexion it measured 6 mm.",
            [(3.0, "L4-L5"), (6.0, "L4-L5")],
        ),
        (
            "There is a 2 mm anterolisthesis of C4 on C5. With flexion this increased to 4 mm.",
            [(2.0, "C4-C5"), (4.0, "C4-C5")],
        ),
        (
            "A 5 mm slip of L5 on S1 was seen standing. Supine it was 3 mm and in extension 2 mm.",
            [(2.0, "L5-S1"), (3.0, "L5-S1"), (5.0, "L5-S1")],
        ),
    ],
)
def test_a_pronoun_measured_again_keeps_the_level_of_the_size_before(nlp, text, expected):
    assert record(nlp, text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Films showed a 4 mm slip of L4 on L5. Later views showed the same 4mm slip unchanged.",
            [(4.0, "L4-L5")],
        ),
        (
            "A 3 mm slip at L5-S1 is seen; the slip of 3 mm does not change on flexion views.",
            [(3.0, "L5-S1")],
        ),
        ("There were 2 mm slips at C3-4 on the first study. The 2 mm slips persisted.", [(2.0, "C3-C4")]),
    ],
)
def test_the_same_slip_said_again_adds_nothing(nlp, text, expected):
    assert record(nlp, text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Edema fills the T11 body, with 2 mm of retropulsion of its posterior corner.", [(2.0, "T11")]),
        ("The L1 vertebral body has lost height and bows back 3 mm into the canal.", [(3.0, "L1")]),
        ("The S1 screws were surrounded by lucency measuring 2 mm.", [(2.0, "S1")]),
    ],
)
def test_a_size_at_a_vertebral_body_takes_that_vertebra(nlp, text, expected):
    assert record(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "He had a slip on a wet floor at work.",
        "The injury was a slip on the stairs; x-rays were negative.",
        "A slip while carrying boxes caused the pain.",
    ],
)
def test_a_slip_and_fall_is_no_listhesis(nlp, text):
    doc = nlp(text)
    assert [s.label_ for s in doc.spans["findings"]] == []


@pytest.mark.parametrize(
    "text,expected",
    [
        ("There is a 5 mm x 7 mm synovial cyst at L4-5.", [(5.0, "L4-L5"), (7.0, "L4-L5")]),
        ("A 0.5 cm by 0.7 cm cyst arises from the L4-5 facet.", [(5.0, "L4-L5"), (7.0, "L4-L5")]),
        ("At C5-6 a 2mm x 3mm x 4mm osteophyte is seen.", [(2.0, "C5-C6"), (3.0, "C5-C6"), (4.0, "C5-C6")]),
    ],
)
def test_dimensions_with_the_unit_after_each(nlp, text, expected):
    assert record(nlp, text) == expected


def test_unit_windows_find_what_the_whole_text_finds(nlp, monkeypatch):
    """The windows around unit words are a speed-up only (matching.runs_before)."""
    from conftest import every_letter
    from iro_evidence.layout import canonicalize

    comp = nlp.get_pipe("iro_measurements")
    letters = [(name, canonicalize(raw)[0]) for name, raw in every_letter()]
    fast = [comp.find(text) for _, text in letters]
    assert sum(map(len, fast)) > 50  # the letters hold sizes to find
    monkeypatch.setattr(comp, "windows", lambda text: [(0, len(text))])
    for (name, text), found in zip(letters, fast):
        assert comp.find(text) == found, name


# -- issue 13, z family: a size in the sentence after its level (paraphrases for the tests)
@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "There is a broad disc protrusion at L4-5 with facet hypertrophy. The canal is narrowed to 8 mm.",
            [(8.0, "L4-L5", "stenosis")],
        ),
        (
            "A herniation at C6-C7 indents the cord; the thecal sac there is 9 mm.",
            [(9.0, "C6-C7", "stenosis")],
        ),
        (
            "Severe stenosis is seen at L3-4 from a bulge and ligament thickening. The AP canal diameter measures 6 mm.",
            [(6.0, "L3-L4", "stenosis")],
        ),
        # two levels before, or a new study in the size's sentence: no level is guessed
        (
            "Protrusions at L3-4 and L4-5 are seen. The canal is narrowed to 8 mm.",
            [(8.0, None, "stenosis")],
        ),
        (
            "At L5-S1 the canal is capacious. Flexion and extension films showed the same 4 mm slip.",
            [(4.0, None, "spondylolisthesis")],
        ),
    ],
)
def test_a_size_in_the_sentence_after_its_level(nlp, text, expected):
    assert [(lo, lvl, f) for lo, _, lvl, f in sizes(nlp, text)] == expected
