# ruff: noqa: E501  (sentences read better unwrapped)
"""Paraphrase grid for the case record's ``negated`` field: negation cue x concept wording x
position of the cue (before or after the concept) x scope breakers, plus negative controls that
must give nothing (hedges, tests ordered "to rule out", reported symptoms, guideline text) and a
positive statement elsewhere in the letter that outweighs a denial (a UR quote, an older study).

The sentences are written from how reviewers and radiologists phrase these things, not from the
rules: ``test_grid_figures`` prints the grid's recall and precision; phrasings still unsupported
are listed in ``GAPS`` (xfail with the reason), not left out."""

from __future__ import annotations

import itertools

import pytest
from iro_evidence.rows import doc_rows
from iro_evidence.table import case_record

# concept -> ways a letter names it (own wording)
WORDINGS = {
    "radiculopathy": ["radiculopathy", "radicular findings"],
    "myelopathy": ["myelopathy", "myelopathic signs"],
    "stenosis": ["spinal stenosis", "central canal stenosis"],
    "foraminal_stenosis": ["foraminal narrowing", "neuroforaminal stenosis"],
    "herniation": ["disc herniation", "a herniated disc"],
    "nerve_root_compression": ["nerve root impingement", "compression of the nerve root"],
    "atrophy": ["atrophy", "muscle wasting"],
    "weakness": ["weakness", "motor deficits"],
    "reflex_loss": ["reflex asymmetry", "hyporeflexia"],
    "sensory_loss": ["sensory loss", "a dermatomal sensory deficit"],
    "instability": ["instability", "segmental instability"],
    "fracture": ["fracture", "a compression fracture"],
    "neurological_deficit": ["a focal neurological deficit", "neurologic deficits"],
    "spondylolisthesis": ["spondylolisthesis", "anterolisthesis"],
    "infection": ["infection", "discitis"],
    "tumor": ["tumor", "a neoplasm"],
}

# cue frames with the concept after the cue ("before") and before it ("after")
CUES_BEFORE = [
    "The study showed no evidence of {c}.",
    "There was no {c} on the films.",
    "The EMG was negative for {c}.",
    "Imaging was obtained without {c} being seen.",
    "The report notes the absence of {c}.",
    "The scan is free of {c}.",
    "The MRI fails to show {c}.",
    "Examination did not demonstrate {c}.",
    "The physician documented no {c}.",
    "The radiologist found the study unremarkable for {c}.",
    "Repeat imaging did not reveal {c}.",
    "She has no signs of {c}.",
    "There is no clinical evidence of {c}.",
    "The examiner did not find {c}.",
    "There were no findings of {c} on the study.",
    "Nothing to suggest {c} was seen.",
    "The films do not show {c}.",
    "No definite {c} is seen.",
    "The radiologist saw no sign of {c}.",
    "The claimant denies {c}.",
    "The study excluded {c}.",
]
CUES_AFTER = [
    "{C} was not identified on the MRI.",
    "{C} has been ruled out.",
    "{C} was not demonstrated on the study.",
    "{C} is absent.",
    "{C} was not seen.",
    "{C}: none.",
    "{C} was excluded by the CT scan.",
    "{C} was not appreciated.",
    "{C} was not present on examination.",
    "{C} is not evident.",
    "{C}: negative.",
    "{C} could not be demonstrated.",
    "{C} was not found on the CT.",
    "{C} has not been established.",
]

# controls: none of these says the concept is absent
CONTROLS = [
    "{C} has not been excluded.",
    "{C} cannot be ruled out on this study.",
    "An MRI was ordered to rule out {c}.",
    "If {c} were to develop, surgery would be reconsidered.",
    "ODG lists {c} among the indications for surgery.",
    "The MRI shows {c} at L4-5.",
    "He reports a history of {c}.",
    "The surgeon suspects {c}.",
    "There is no doubt that he has {c}.",
    "Physical therapy did not help his {c}.",
    "It is not clear whether {c} is present.",
    "The reviewer was not able to exclude {c}.",
]


def _cap(s: str) -> str:
    return s[0].upper() + s[1:]


def _fill(frame: str, wording: str) -> str:
    return frame.format(c=wording, C=_cap(wording))


def grid() -> list[tuple[str, str, set[str]]]:
    """(family, sentence, expected negated concepts)."""
    out = []
    for concept, wordings in WORDINGS.items():
        for w in wordings:
            for f in CUES_BEFORE:
                out.append(("cue before", _fill(f, w), {concept}))
            for f in CUES_AFTER:
                out.append(("cue after", _fill(f, w), {concept}))
            for f in CONTROLS:
                out.append(("control", _fill(f, w), set()))
    # scope breakers and coordination: pairs of concepts with different heads
    pairs = [
        ("radiculopathy", "weakness"),
        ("myelopathy", "atrophy"),
        ("spinal stenosis", "a herniated disc"),
        ("instability", "a fracture"),
        ("sensory loss", "reflex asymmetry"),
    ]
    concept_of = {w: c for c, ws in WORDINGS.items() for w in ws}
    concept_of.update({"a fracture": "fracture"})
    breakers = [
        "There is no {a}, but there is {b} at L5.",
        "There was no {a}; however, {b} was found on the left.",
        "No {a} was seen, although {b} is documented in the right leg.",
        "There is no {a}, and the surgeon documents {b} on the left.",
        "The EMG was negative for {a}, whereas the exam showed {b} on the right.",
        "He has no {a}, and ODG likewise supports surgery for {b}.",
        "No {a} is present; {b} is, however, documented on the right.",
        "There is no {a}. {B} is seen on the left.",
        "There is no {a}, yet {b} is seen on the left.",
        "There is no {a}, as the MRI shows {b} on the right.",
        "There is no {a} because {b} on the left explains the pain.",
    ]
    carriers = [
        "There is no {a} or {b}.",
        "The MRI showed no {a} and no {b}.",
        "Without {a}, or {b}, surgery is not indicated.",
        "There was no evidence of {a} nor {b}.",
        "Neither {a} nor {b} is present.",
        "{A} and {b} were ruled out.",
        "The EMG was negative for {a} and for {b}.",
    ]
    for a, b in pairs:
        ca, cb = concept_of[a], concept_of[b]
        for f in breakers:
            out.append(("scope breaker", f.format(a=a, b=b, B=_cap(b)), {ca}))
        for f in carriers:
            out.append(("coordination", f.format(a=a, b=b, A=_cap(a)), {ca, cb}))
    # coordination after a shared head: "stenosis of the canal or foramina"
    for s in [
        "There is no stenosis of the canal or foramina at any level.",
        "No narrowing of the spinal canal or neural foramina is seen.",
        "The CT shows no stenosis of the central canal or of the foramina.",
    ]:
        out.append(("coordination", s, {"stenosis", "foraminal_stenosis"}))
    # cord compression is not myelopathy (compression is not a myelopathy diagnosis)
    for s in [
        "The MRI shows a disc bulge with no cord compression.",
        "There is no compression of the cord.",
        "No spinal cord compression is identified.",
    ]:
        out.append(("cord compression", s, set()))
    # an indications list answered by "none of them is present"
    for s in [
        "ODG lists the indications for fusion as fracture, tumor, infection and instability; none of them is present here.",
        "The criteria for surgery are fracture, tumor or infection. None of these is documented in this claimant.",
        "Fusion is reserved for instability, fracture or tumor, and none of these criteria is met.",
    ]:
        words = {"fracture", "tumor", "infection", "instability"}
        out.append(("none of them", s, {w for w in words if w in s}))
    # open foramina stated in their own words
    for s in [
        "MRI C-SPINE: SMALL BULGES. NEURAL FORAMINA PATENT.",
        "The neural foramina are widely patent at every level.",
        "There are patent neuroforamina from C4 to C7.",
    ]:
        out.append(("foramina patent", s, {"foraminal_stenosis"}))
    # a normal neurologic examination of a limb
    for s in [
        "The neurologic examination of the arm is normal.",
        "His neurological exam of both lower extremities was unremarkable.",
        "The neurologic evaluation of the left leg is within normal limits.",
    ]:
        out.append(("normal neuro exam of a limb", s, {"neurological_deficit"}))
    # a slip called "slippage"
    for s in [
        "Flexion and extension films showed no slippage and no abnormal motion.",
        "There is no vertebral slippage at L4-5.",
        "No slippage was seen on the standing views.",
    ]:
        out.append(("slippage", s, {"spondylolisthesis"}))
    # an open question is no denial: "cannot show whether", "to determine whether"
    for s in [
        "The old study cannot show whether the L4-5 stenosis has progressed.",
        "A repeat EMG is needed to determine whether there is a radiculopathy.",
        "Only a new MRI can tell whether the herniation has grown.",
    ]:
        out.append(("open question", s, set()))
    # the subject denied, so what it would suggest is denied
    for s, c in [
        ("No fall or new injury since then suggests instability.", {"instability"}),
        ("Nothing in the record indicates a fracture.", {"fracture"}),
        ("No finding on the new films suggests a spondylolisthesis.", {"spondylolisthesis"}),
        ("There is no doubt the EMG indicates radiculopathy.", set()),
    ]:
        out.append(("nothing suggests", s, c))
    # a positive statement elsewhere outweighs a denial quoted from a UR reviewer or older study
    for s in [
        'The EMG of 3/2/2021 showed an acute left L5 radiculopathy. The first reviewer wrote that there was "no objective evidence of radiculopathy."',
        "The prior reviewer found no documented neurologic deficit. I disagree: the record documents a neurologic deficit, with weakness of the left ankle dorsiflexors.",
        "The 2019 EMG did not show radiculopathy. On my review, a right S1 radiculopathy is evident on examination, with a positive straight leg raise.",
        "The earlier reviewer stated there was no radiculopathy. The electrodiagnostic study confirmed a chronic right C6 radiculopathy.",
        "The claimant has failed back surgery syndrome with radicular pain in the left leg. The carrier's reviewer wrote that stimulators are not recommended without radicular pain.",
    ]:
        out.append(("asserted elsewhere", s, set()))
    return out


GRID = grid()

# phrasings the rules do not support yet: (sentence) -> reason
GAPS: dict[str, str] = {}


def negated(nlp, text):
    return set(case_record("t", doc_rows(nlp(text), "t"))["negated"])


def figures(nlp):
    tp = fp = fn = 0
    by_family: dict[str, list[int]] = {}
    for family, text, expected in GRID:
        got = negated(nlp, text)
        t, p, n = len(got & expected), len(got - expected), len(expected - got)
        tp, fp, fn = tp + t, fp + p, fn + n
        f = by_family.setdefault(family, [0, 0, 0, 0])
        f[0], f[1], f[2], f[3] = f[0] + t, f[1] + p, f[2] + n, f[3] + (got == expected)
    return tp, fp, fn, by_family


def test_grid_figures(nlp, capsys):
    tp, fp, fn, by_family = figures(nlp)
    with capsys.disabled():
        print(
            f"\nnegated grid: {len(GRID)} sentences, recall {tp / (tp + fn):.3f}, precision {tp / max(tp + fp, 1):.3f}"
        )
        for family, (t, p, n, ok) in by_family.items():
            total = sum(1 for f, *_ in GRID if f == family)
            print(f"  {family:20s} exact {ok}/{total}  tp {t} fp {p} fn {n}")
    assert tp / (tp + fn) >= 0.95 and tp / max(tp + fp, 1) >= 0.95


@pytest.mark.parametrize(
    "family,text,expected",
    [
        pytest.param(*g, marks=pytest.mark.xfail(reason=GAPS[g[1]], strict=True)) if g[1] in GAPS else g
        for g in GRID
    ],
    ids=[f"{g[0]}-{i}" for i, g in enumerate(GRID)],
)
def test_grid(nlp, family, text, expected):
    assert negated(nlp, text) == expected


def test_grid_is_not_trivial():
    # every concept of the vocabulary is in the grid, before and after its cue, and in a control
    families = {f for f, *_ in GRID}
    assert {"cue before", "cue after", "control", "scope breaker", "coordination"} <= families
    assert set(WORDINGS) == {c for f, _, e in GRID if f == "cue after" for c in e}
    assert len(set(itertools.chain.from_iterable(e for *_, e in GRID))) == 16
