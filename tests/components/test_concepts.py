# ruff: noqa: E501  (letter text in test data reads better unwrapped)
"""Concepts (the gold ``negated`` vocabulary): terms, line wraps, self-negating phrases,
coordinated modifiers that share a head noun, and the resulting case-record ``negated``."""

import json

import pytest
from conftest import CORPUS
from iro_evidence.rows import doc_rows
from iro_evidence.table import case_record


def concepts(nlp, text):
    doc = nlp(text)
    return [(s.text, s.label_, s._.is_negated, s._.iro["self_negating"]) for s in doc.spans["concepts"]]


def negated(nlp, text):
    return case_record("t", doc_rows(nlp(text), "t"))["negated"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Findings of radiculopathy at L5.", {"radiculopathy"}),
        ("severe central canal\nstenosis", {"stenosis"}),
        ("moderate neural foraminal narrowing", {"foraminal_stenosis"}),
        ("a herniated nucleus pulposus", {"herniation"}),
        ("There is hyporeflexia and muscle wasting.", {"reflex_loss", "atrophy"}),
        ("grade I anterolisthesis", {"spondylolisthesis"}),
        # a word split at a line end is joined where the rules or the letter know it whole
        ("no radicul-\nar signs", {"radiculopathy"}),
        ("Radicular pain. Now no radicu-\nlar signs", {"radiculopathy"}),
    ],
)
def test_terms(nlp, text, expected):
    assert {c for _, c, _, _ in concepts(nlp, text)} == expected


@pytest.mark.parametrize(
    "text,concept_texts",
    [
        ("with no canal or foraminal stenosis at either level", {"canal or foraminal stenosis": "stenosis"}),
        ("no canal or foraminal\nnarrowing", {"canal or foraminal narrowing": "stenosis"}),
        (
            "mild central canal and moderate foraminal narrowing",
            {"central canal and moderate foraminal narrowing": "stenosis"},
        ),
        ("There are no sensory or motor deficits.", {"sensory or motor deficits": "sensory_loss"}),
        (
            "central, lateral recess and foraminal stenosis",
            {"central, lateral recess and foraminal stenosis": "stenosis"},
        ),
    ],
)
def test_coordinated_modifiers_share_the_head(nlp, text, concept_texts):
    found = {t: c for t, c, _, _ in concepts(nlp, text)}
    for t, c in concept_texts.items():
        assert found.get(t) == c


def test_coordination_needs_a_real_term(nlp):
    # "herniated compression" is no term: only the two direct terms are found
    found = {(t, c) for t, c, _, _ in concepts(nlp, "herniated disc and nerve root compression")}
    assert found == {("herniated disc", "herniation"), ("nerve root compression", "nerve_root_compression")}


@pytest.mark.parametrize(
    "text",
    [
        "The neurological examination is normal.",
        "Her neurologic exam remains entirely unremarkable.",
        "The neurological\nevaluation was within normal limits.",
        "He is neurologically intact.",
        "normal neurological examination",
    ],
)
def test_self_negating_neurological_exam(nlp, text):
    assert negated(nlp, text) == ["neurological_deficit"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The MRI showed no canal or foraminal stenosis.", ["stenosis", "foraminal_stenosis"]),
        ("MRI: mild foraminal narrowing without canal stenosis.", ["stenosis"]),
        ("Bone scan in 2009 was negative for occult fracture or tumor.", ["fracture", "tumor"]),
        (
            "There is no evidence of myelopathy, but that is not a requirement"
            " when the indication is radiculopathy.",
            ["myelopathy"],
        ),
        ("Epidural steroid injection\nhas no role in the treatment of myelopathy.", []),
        ("MRI without contrast showed moderate right\nforaminal stenosis.", []),
        ("The neurological examination is abnormal, with weakness.", []),
        ("If weakness were to develop, surgery could be reconsidered.", []),
    ],
)
def test_negated_field(nlp, text, expected):
    assert sorted(negated(nlp, text)) == sorted(expected)


@pytest.mark.parametrize("name", ["iro_w02", "iro_w03", "iro_w10", "iro_w13", "ur_w01", "s4_iro_01"])
def test_corpus_letters_negated_exact(nlp, name):
    text = (CORPUS / "letters" / f"{name}.txt").read_text("utf-8")
    gold = json.loads((CORPUS / "gold" / f"{name}.json").read_text("utf-8"))
    assert sorted(negated(nlp, text)) == sorted(gold["negated"])


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The second MRI showed degeneration at L5-S1 with a bulge without herniat", ["herniation"]),
        ("The EMG showed no evidence of radiculopa", ["radiculopathy"]),
        ("Flexion views showed no instabil", ["instability"]),
        ("The claimant has lumbar radiculopa", []),
        ("The MRI showed no herniat in the cervical spine.", []),
    ],
)
def test_concept_cut_off_by_the_end_of_the_excerpt(nlp, text, expected):
    assert sorted(negated(nlp, text)) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "X-rays: compression fractures are not seen. A thin linear fracture runs through the left L1 transverse process.",
            [],
        ),
        ("The CT shows no fracture at C5. There is a fracture of the C6 vertebral body.", []),
        ("No spondylolisthesis at L4-5. There is a grade I spondylolisthesis at L5-S1.", []),
        ("X-ray of the right ankle showed no fracture.", ["fracture"]),
    ],
)
def test_negation_outweighed_by_a_finding_stated_elsewhere(nlp, text, expected):
    assert sorted(negated(nlp, text)) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "After an uneventful fusion, the neurological deficits he had before surgery returned to normal.",
            [],
        ),
        ("After the decompression, her radiculopathy resolved and she returned to work.", []),
        ("His reflex changes have since normalized, and there is no atrophy.", ["atrophy"]),
        ("Without weakness or numbness, he returned to work.", ["weakness"]),
    ],
)
def test_resolved_deficit_is_not_negated(nlp, text, expected):
    assert sorted(negated(nlp, text)) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Exam showed triceps weakness, graded 4/5. There is no thenar weakness and no atrophy.",
            ["atrophy"],
        ),
        ("The left Achilles reflex was absent. Elsewhere there was no reflex loss.", []),
        (
            "Sensation was decreased in the right L5 dermatome, but there was no sensory loss in the hands.",
            [],
        ),
        ("There was no weakness and no atrophy on examination.", ["atrophy", "weakness"]),
    ],
)
def test_deficit_found_on_exam_is_not_negated(nlp, text, expected):
    assert sorted(negated(nlp, text)) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        # stated as found at a side or level, or by a study or the reviewer: a denial elsewhere
        # (a UR quote, an older study) does not make it absent
        (
            "Nerve studies in May read a chronic right C7 radiculopathy. The carrier's reviewer saw no radiculopathy.",
            [],
        ),
        (
            "The UR physician noted no documented neurologic deficit. The chart documents a neurologic deficit in the left hand.",
            [],
        ),
        ("An old EMG did not show radiculopathy, but radiculopathy is evident on today's exam.", []),
        ("Her exam is consistent with radiculopathy. A 2017 study found no radiculopathy.", []),
        ("The slip represents instability at L4-5; the prior reviewer found no instability.", []),
        # a requirement or an indication is no statement that the finding is there
        (
            "ODG requires documented radiculopathy for an injection. The EMG showed no radiculopathy.",
            ["radiculopathy"],
        ),
        (
            "Indications include demonstrated segmental instability. Flexion films show no instability.",
            ["instability"],
        ),
        ("Surgery may be considered for radiculopathy. There is no radiculopathy here.", ["radiculopathy"]),
    ],
)
def test_asserted_concept_outweighs_a_denial_elsewhere(nlp, text, expected):
    assert sorted(negated(nlp, text)) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Fusion is indicated for fracture, tumor or infection; none of these is present.",
            ["fracture", "infection", "tumor"],
        ),
        (
            "The guideline names instability and fracture as indications. None of them applies here.",
            ["fracture", "instability"],
        ),
        (
            "Red flags such as tumor or infection were sought, and none of which was found.",
            ["infection", "tumor"],
        ),
        # only the list answered: a concept of the sentence before the list is not in it
        (
            "He has a fracture. ODG lists tumor and infection; none of them is documented.",
            ["infection", "tumor"],
        ),
        ("ODG lists tumor and infection as indications.", []),
    ],
)
def test_indications_list_answered_by_none_of_them(nlp, text, expected):
    assert sorted(negated(nlp, text)) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The CT shows no stenosis of the canal or foramina.", ["foraminal_stenosis", "stenosis"]),
        (
            "There is no narrowing of the central canal, nor of the neural foramina.",
            ["foraminal_stenosis", "stenosis"],
        ),
        (
            "No narrowing of the spinal canal and foramina is seen at L3-4.",
            ["foraminal_stenosis", "stenosis"],
        ),
        ("Mild narrowing of the canal or foramina is seen at L4-5.", []),
    ],
)
def test_coordination_after_the_head(nlp, text, expected):
    assert sorted(negated(nlp, text)) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        # a new clause with its own subject ends the negation's scope
        (
            "He has no radiculopathy, and the guidelines support an injection for radicular pain.",
            ["radiculopathy"],
        ),
        ("There is no myelopathy, and ACOEM likewise supports surgery for weakness.", ["myelopathy"]),
        ("No fracture is seen, and he reports numbness with atrophy of the calf.", ["fracture"]),
        # a list goes on: ', and <concept>' carries the negation
        ("There is no stenosis, herniation, and instability.", ["herniation", "instability", "stenosis"]),
        (
            "Lack of trauma is not a reason to withhold an MRI when the neurological findings have changed.",
            [],
        ),
        ("ODG does not require an EMG when the exam and imaging corroborate radiculopathy.", []),
        ("An EMG is not needed unless the claimant develops weakness.", []),
        ("A CT, obtained to look for a pars fracture, showed no fracture.", ["fracture"]),
        ("The MRI, ordered to rule out infection, revealed no infection.", ["infection"]),
        ("The bone scan, done to evaluate for tumor, found no tumor.", ["tumor"]),
    ],
)
def test_scope_breakers(nlp, text, expected):
    assert sorted(negated(nlp, text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "There is a small bulge at C5-6 with no cord compression.",
        "No compression of the cord is identified.",
        "The MRI shows no spinal cord compression at any level.",
    ],
)
def test_cord_compression_is_not_myelopathy(nlp, text):
    assert negated(nlp, text) == []


@pytest.mark.parametrize(
    "text,expected",
    [
        ("There was nothing to suggest a fracture.", ["fracture"]),
        ("The films show nothing suggestive of instability.", ["instability"]),
        ("Nothing indicative of infection was noted.", ["infection"]),
        ("Weakness could not be demonstrated on manual testing.", ["weakness"]),
        ("A herniated disc cannot be seen on this study.", ["herniation"]),
        ("Atrophy could not be identified.", ["atrophy"]),
        # not negations
        ("The injection did not help his radiculopathy.", []),
        ("Therapy has not relieved the weakness in her leg.", []),
        ("Medication did not improve the myelopathy.", []),
        ("It is not clear whether a fracture is present.", []),
        ("It remains unclear whether there is instability.", []),
        ("We are not certain if the tumor has recurred.", []),
        ("A fracture cannot be ruled out on these films.", []),
    ],
)
def test_more_cues(nlp, text, expected):
    assert sorted(negated(nlp, text)) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Weakness is documented on the left, with no atrophy.", ["atrophy"]),
        ("Reflex asymmetry was recorded on the right side.", []),
        ("No weakness was documented in the records.", ["weakness"]),
        # a sign named by its own word ("hyporeflexia") and denied is absent, not a finding
        ("There was no hyporeflexia on examination.", ["reflex_loss"]),
        ("The physician documented no motor deficits.", ["weakness"]),
    ],
)
def test_documented_on_a_side_is_present(nlp, text, expected):
    assert sorted(negated(nlp, text)) == expected


# -- issue 13, z family (paraphrases written for the tests) ---------------------------------
@pytest.mark.parametrize(
    "text,expected",
    [
        # a denial limited to one level does not outweigh the finding shown at another
        ("At L4-5 a protrusion narrows the left neural foramen. L3-4 has no foraminal narrowing.", []),
        ("The C6-C7 osteophyte is narrowing the right foramen; no foraminal stenosis at C5-C6.", []),
        # a UR quote denies what the reviewer states as found
        ('The UR doctor wrote "no objective myelopathy". The diagnosis given is cervical myelopathy.', []),
        ("The peer reviewer found no myelopathy. This man has clear signs of myelopathy.", []),
        ("The canal measures 6 mm, severe canal stenosis. There is no stenosis at L2-3.", []),
        # a verb that denies root compression; plain words for a normal neurological exam
        ("The bulge does not compress the left L5 nerve root.", ["nerve_root_compression"]),
        ("The fragment did not impinge on the traversing root.", ["nerve_root_compression"]),
        ("Neurological findings are normal.", ["neurological_deficit"]),
        ("Her neurologic signs were entirely normal.", ["neurological_deficit"]),
        # touching or displacing is not compression denied
        ("The disc contacts but does not displace the S1 root.", []),
    ],
)
def test_negated_z_families(nlp, text, expected):
    assert sorted(negated(nlp, text)) == sorted(expected)
