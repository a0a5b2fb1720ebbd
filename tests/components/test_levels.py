# ruff: noqa: E501  (letter text in test data reads better unwrapped)
import pytest
from iro_evidence.components.levels import expand

CASES = [
    ("MRI showed a bulge at C5-6.", ["C5-C6"]),
    ("protrusion at C5/6 and C5 - 6", ["C5-C6"]),
    ("c5-6 and C5–6 and C5-C6", ["C5-C6"]),
    ("fusion at L5-S1 (L5/S1, L5-S 1)", ["L5-S1"]),
    ("junctional change at T12-L1", ["T12-L1"]),
    ("ESI at L4-5 and L5-S1", ["L4-L5", "L5-S1"]),
    ("ACDF at C4-5, C5-6 and C6-7", ["C4-C5", "C5-C6", "C6-C7"]),
    ("L4-S1 fusion", ["L4-L5", "L5-S1"]),
    ("laminectomy from C3 through C6", ["C3-C4", "C4-C5", "C5-C6"]),
    ("degeneration from L3-4 to L5-S1", ["L3-L4", "L4-L5", "L5-S1"]),
    ("C2-C7 laminectomy", ["C2-C3", "C3-C4", "C4-C5", "C5-C6", "C6-C7"]),
    ("left L5 radiculopathy", ["L5"]),
    ("compression of the C6 nerve root", ["C6"]),
    ("no bulge at L1-3", ["L1-L2", "L2-L3"]),
    ("C7-T1 foraminal narrowing", ["C7-T1"]),
    ("L4-5-S1 fusion", ["L4-L5", "L5-S1"]),
    ("disc disease at L3-4, 4-5, and 5-S1", ["L3-L4", "L4-L5", "L5-S1"]),
    ("injections at C4-5, 5-6 and 6-7", ["C4-C5", "C5-C6", "C6-C7"]),
    ("C7 and T1 nerve roots", ["C7", "T1"]),
    ("the L4-5 facet joint", ["L4-L5"]),
    ("laminectomies at L4, L5 and S1", ["L4", "L5", "S1"]),
    ("the L5/S1 nerve roots", ["L5-S1"]),
    # hyphen after the letter, as some dictation templates write it
    ("a small bulge at L-4/L-5", ["L4-L5"]),
    ("fusion of C-5/C-6 was proposed", ["C5-C6"]),
    ("foraminal narrowing at L-5-S-1 on the right", ["L5-S1"]),
    ("irritation of the L-5 nerve root", ["L5"]),
    # a space alone between neighbouring vertebrae
    ("disc osteophyte complex at C5 6", ["C5-C6"]),
    ("the L4 5 level was decompressed", ["L4-L5"]),
    ("annular fissure at L5 1 on the left", ["L5-S1"]),
    # "down to" / "up to" as a range joiner
    ("instrumented from C3 down to C6", ["C3-C4", "C4-C5", "C5-C6"]),
    ("degeneration from L2 down to L4", ["L2-L3", "L3-L4"]),
    ("a fusion from T10 up to T12", ["T10-T11", "T11-T12"]),
    # a span to the sacrum ends at S1
    ("fusion from L4 to the sacrum", ["L4-L5", "L5-S1"]),
    ("an instrumented fusion L5 to sacrum", ["L5-S1"]),
    ("fused from L3 through the sacrum in 2015", ["L3-L4", "L4-L5", "L5-S1"]),
    # a hyphenated vertebra with a spine word after it
    ("a fracture of the T-12 vertebral body", ["T12"]),
    ("an old L-1 compression fracture", ["L1"]),
    ("loosening of the S-1 screws", ["S1"]),
]
TRAPS = [
    "Sagittal T1-weighted and T2-weighted images were obtained.",
    "The injection was done under C-arm guidance.",
    "Tenderness over the left S1 joint.",
    "CPT 62323 and 72148 were requested.",
    "Diagnoses: M54.16 and S33.5XXA.",
    "Fusion at two levels was proposed.",
    "There is T2 hyperintensity within the cord.",
    "Signal is bright on T2 and dark on T1 images.",
    "Sagittal T1 and T2 sequences were reviewed.",
    "Bilateral S1 joint injections were requested.",
    "She walks 2-3 blocks, PL1 and XL5 pills, FL1 form.",
    "Claimant's Exhibits C-1 through C-7 were admitted.",
    "Carrier Exhibit C-3 was excluded; C-4 was not offered.",
    "Exhibits: C-1 to C-12.",
]
NOT_PAIRS = [
    ("a protrusion at C5 3 mm in size", ["C5"]),
    ("the L4 2 times a day", ["L4"]),
    ("T12 4 weeks later", ["T12"]),
    ("a bulge at C5 6 mm wide", ["C5"]),
    ("L4 5% of the time", ["L4"]),
    # the paraspinal muscles an EMG names by root (issue 13): C8 is a root, no vertebra
    ("Needle study of the C8 paraspinal muscles was normal.", ["C8"]),
    ("C8 paraspinals: no fibrillations.", ["C8"]),
    ("Fibrillations in the left C7 and C8 paraspinal muscles.", ["C7", "C8"]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_levels_canonical(nlp, text, expected):
    doc = nlp(text)
    got = []
    for span in doc.spans["levels"]:
        for v in span._.iro["value"].split("|"):
            if v not in got:
                got.append(v)
    assert got == expected


@pytest.mark.parametrize("text", TRAPS)
def test_level_traps(nlp, text):
    doc = nlp(text)
    assert list(doc.spans["levels"]) == []


def test_expand_order():
    assert expand("L4", "S1") == ["L4-L5", "L5-S1"]
    assert expand("C7", "T1") == ["C7-T1"]
    assert expand("L5", "L4") == []


@pytest.mark.parametrize(
    "text,kinds",
    [
        ("bulge at C5-6", ["disc"]),
        ("L4-S1 fusion", ["span"]),
        ("C3 through C6", ["span"]),
        ("the C6 nerve root", ["root"]),
        ("left L5 radiculopathy", ["root"]),
        ("fracture of the T8 vertebral body", ["vertebra"]),
    ],
)
def test_level_kinds(nlp, text, kinds):
    doc = nlp(text)
    assert [s._.iro["kind"] for s in doc.spans["levels"]] == kinds


def test_list_after_level_is_no_size(nlp):
    doc = nlp("bulges at C5-6 and 6-7 mm in size")
    assert [s._.iro["value"] for s in doc.spans["levels"]] == ["C5-C6"]


# New York external appeals spell each vertebra out in parentheses (paraphrases written here)
@pytest.mark.parametrize(
    "text,expected",
    [
        ("fusion at L5 (fifth lumbar spine vertebra)-S1 (first sacral vertebra) was denied", ["L5-S1"]),
        ("a disc herniation at C5 (fifth cervical vertebra) - C6 (sixth cervical vertebra)", ["C5-C6"]),
        ("from L3 (third lumbar vertebra) through L5 (fifth lumbar vertebra)", ["L3-L4", "L4-L5"]),
        (
            "the L4 (fourth lumbar) nerve root and L4 (fourth lumbar vertebra)-L5 (fifth lumbar vertebra) disc",
            ["L4", "L4-L5"],
        ),
    ],
)
def test_levels_with_spelled_out_vertebrae(nlp, text, expected):
    test_levels_canonical(nlp, text, expected)


@pytest.mark.parametrize("text,expected", NOT_PAIRS)
def test_space_pair_needs_neighbours_and_no_unit(nlp, text, expected):
    doc = nlp(text)
    got = [v for span in doc.spans["levels"] for v in span._.iro["value"].split("|")]
    assert got == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        # a slipped vertebra named "on" the one below: both vertebrae, and the level between
        ("There is a 2 mm retrolisthesis of L3 on L4.", {"L3", "L4", "L3-L4"}),
        ("Grade 1 anterolisthesis of C4 on C5 is unchanged.", {"C4", "C5", "C4-C5"}),
        ("The slip of L5 on S1 measures 6 mm.", {"L5", "S1", "L5-S1"}),
        # not neighbours, or "on" that joins no vertebrae
        ("Listhesis of L3 on L5 was described.", {"L3", "L5"}),
        ("He had surgery on L4 on 5/5/2020.", {"L4"}),
    ],
)
def test_slipped_vertebra_on_the_one_below(nlp, text, expected):
    doc = nlp(text)
    assert {v for span in doc.spans["levels"] for v in span._.iro["value"].split("|")} == expected
