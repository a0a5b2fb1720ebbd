# ruff: noqa: E501  (sentences read better unwrapped)
"""Paraphrase grid for exam signs (issue 13): the ways clinicians and reviewers write an exam
finding, generated as frames x sign wording x status x side, plus lists, elliptical clauses for
the other side, and negative controls (symptoms, hypotheticals, dates, documentation gaps).

The phrasings are written from how exam notes read, not from the rules; each item is checked
on the case record (sign, status, side), and the grid's recall and precision are printed
(``pytest -s``). Phrasings the rules do not support yet are listed in GAPS (xfail, with why).
"""

from __future__ import annotations

import itertools

import pytest

# -- vocabulary: per sign, the nouns that name it and the words that give each status -----------
# pred: the status said after the sign ("... was <pred>"); attr: said before it ("<attr> <sign>")

SIGNS = {
    "reflexes": {
        "nouns": [
            "patellar reflex",
            "Achilles reflex",
            "deep tendon reflexes",
            "DTRs",
            "knee jerk",
            "ankle reflexes",
        ],
        "pred": {
            "normal": ["2+", "normal", "intact", "symmetric", "2/4"],
            "decreased": ["1+", "trace", "diminished", "hypoactive", "1/4"],
            "absent": ["absent", "0/4"],
            "increased": ["3+", "brisk", "hyperactive", "3/4"],
        },
        "attr": {
            "normal": ["normal", "2+"],
            "decreased": ["diminished", "1+", "trace"],
            "absent": ["absent"],
            "increased": ["brisk", "3+"],
        },
    },
    "strength": {
        "nouns": [
            "strength",
            "motor strength",
            "EHL strength",
            "quadriceps strength",
            "ankle dorsiflexion strength",
        ],
        "pred": {
            "normal": ["5/5", "full", "intact", "normal"],
            "decreased": ["4/5", "4+/5", "3/5", "weak", "diminished", "reduced"],
        },
        "attr": {"normal": ["full", "5/5", "normal"], "decreased": ["4/5", "reduced", "diminished"]},
    },
    "sensation": {
        "nouns": [
            "sensation",
            "light touch sensation",
            "pinprick sensation",
            "sensation in the L5 dermatome",
        ],
        "pred": {
            "normal": ["intact", "normal"],
            "decreased": ["decreased", "diminished", "reduced", "impaired"],
            "absent": ["absent"],
        },
        "attr": {"normal": ["intact", "normal"], "decreased": ["decreased", "diminished", "impaired"]},
    },
    "straight_leg_raise": {
        "nouns": [
            "straight leg raise",
            "SLR",
            "seated straight leg raise",
            "supine SLR",
            "straight leg raising",
        ],
        "pred": {"positive": ["positive", "positive at 40 degrees"], "negative": ["negative"]},
        "attr": {"positive": ["positive", "a positive"], "negative": ["negative", "a negative"]},
    },
    "spurling": {
        "nouns": ["Spurling's test", "Spurling's sign", "the Spurling maneuver"],
        "pred": {"positive": ["positive"], "negative": ["negative"]},
        "attr": {"positive": ["a positive"], "negative": ["a negative"]},
    },
    "range_of_motion": {
        "nouns": [
            "lumbar range of motion",
            "range of motion of the lumbar spine",
            "lumbar flexion",
            "hip flexion",
            "cervical rotation",
        ],
        "pred": {
            "decreased": ["limited", "restricted", "decreased", "reduced"],
            "normal": ["full", "normal"],
        },
        "attr": {"decreased": ["limited", "restricted", "decreased"], "normal": ["full", "normal"]},
    },
    "gait": {
        "nouns": ["gait"],
        "pred": {
            "present": ["antalgic", "broad-based", "wide-based", "unsteady", "ataxic"],
            "normal": ["normal", "steady", "non-antalgic"],
        },
        "attr": {
            "present": ["an antalgic", "a broad-based", "an unsteady"],
            "normal": ["a normal", "a steady"],
        },
    },
}

SIDES = {"": None, " on the left": "left", " on the right": "right", " bilaterally": "bilateral"}


def _cap(s: str) -> str:
    return s[0].upper() + s[1:]


def _the(noun: str) -> str:
    return noun if noun.startswith(("the ", "DTR")) or noun[0].isupper() else f"the {noun}"


def frames():
    """(id, text, expected) over every sign x status x frame (sides over a few frames)."""
    out = []
    for sign, v in SIGNS.items():
        for status, preds in v["pred"].items():
            for i, (noun, pred) in enumerate(itertools.product(v["nouns"], preds)):
                side_txt, side = list(SIDES.items())[i % len(SIDES)]
                cop = "were" if noun.endswith(("es", "DTRs", "reflexes")) else "was"
                exp = [(sign, status, side)]
                out.append((f"{sign}-{status}-was-{i}", f"{_cap(_the(noun))} {cop} {pred}{side_txt}.", exp))
                out.append((f"{sign}-{status}-colon-{i}", f"{_cap(noun)}: {pred}{side_txt}.", exp))
                out.append(
                    (
                        f"{sign}-{status}-noted-{i}",
                        f"{_cap(_the(noun))} {cop} noted to be {pred}{side_txt}.",
                        exp,
                    )
                )
                out.append((f"{sign}-{status}-terse-{i}", f"Exam: {noun} {pred}{side_txt}.", exp))
                out.append(
                    (
                        f"{sign}-{status}-found-{i}",
                        f"On examination, {_the(noun)} {cop} found to be {pred}{side_txt}.",
                        exp,
                    )
                )
        for status, attrs in v["attr"].items():
            for i, (noun, attr) in enumerate(itertools.product(v["nouns"], attrs)):
                side_txt, side = list(SIDES.items())[i % len(SIDES)]
                exp = [(sign, status, side)]
                art = "" if attr.startswith(("a ", "an ")) else ""
                out.append(
                    (
                        f"{sign}-{status}-revealed-{i}",
                        f"Examination revealed {art}{attr} {noun}{side_txt}.",
                        exp,
                    )
                )
                out.append((f"{sign}-{status}-there-{i}", f"On exam there was {attr} {noun}{side_txt}.", exp))
                out.append(
                    (
                        f"{sign}-{status}-showed-{i}",
                        f"Dr. Lee's examination showed {attr} {noun}{side_txt}.",
                        exp,
                    )
                )
                out.append(
                    (
                        f"{sign}-{status}-demonstrated-{i}",
                        f"The physical examination demonstrated {attr} {noun}{side_txt}.",
                        exp,
                    )
                )
    return out


# presence signs: tenderness, spasm, atrophy
PRESENCE = {
    "tenderness": [
        "tenderness over the lumbar paraspinals",
        "tenderness to palpation of the SI joint",
        "point tenderness at L4-5",
    ],
    "spasm": ["paraspinal spasm", "muscle spasm in the lumbar region", "spasm of the trapezius"],
    "atrophy": [
        "atrophy of the calf",
        "quadriceps atrophy",
        "thigh atrophy with a 2 cm circumference difference",
    ],
}


def presence():
    out = []
    for sign, phrases in PRESENCE.items():
        for i, ph in enumerate(phrases):
            out += [
                (f"{sign}-present-there-{i}", f"There was {ph}.", [(sign, "present", None)]),
                (
                    f"{sign}-present-revealed-{i}",
                    f"Examination revealed {ph} on the right.",
                    [(sign, "present", "right")],
                ),
                (
                    f"{sign}-present-noted-{i}",
                    f"The examiner noted {ph} on the left.",
                    [(sign, "present", "left")],
                ),
                (f"{sign}-absent-no-{i}", f"There was no {ph}.", [(sign, "absent", None)]),
                (f"{sign}-absent-without-{i}", f"He was examined without {ph}.", [(sign, "absent", None)]),
                (
                    f"{sign}-absent-denies-{i}",
                    f"On exam there is no evidence of {ph}.",
                    [(sign, "absent", None)],
                ),
            ]
    out += [
        (
            "tenderness-tender",
            "The lumbar paraspinal muscles were tender to palpation.",
            [("tenderness", "present", None)],
        ),
        ("tenderness-nontender", "The lumbar spine was nontender.", [("tenderness", "absent", None)]),
        ("spasm-colon", "Spasm: present on the right.", [("spasm", "present", "right")]),
        ("spasm-colon-none", "Spasm: none.", [("spasm", "absent", None)]),
        ("tenderness-colon-none", "Tenderness: none.", [("tenderness", "absent", None)]),
        ("atrophy-colon-none", "Atrophy: none.", [("atrophy", "absent", None)]),
        (
            "atrophy-circ",
            "The right calf measured 2 cm less in circumference than the left, consistent with atrophy.",
            [("atrophy", "present", "right")],
        ),
    ]
    return out


# lists, tables and the elliptical clause for the other side
LISTS = [
    (
        "list-reflex-knee-ankle",
        "Reflexes: knee 2+, ankle 1+.",
        [("reflexes", "normal", None), ("reflexes", "decreased", None)],
    ),
    (
        "list-reflex-sides",
        "Reflexes: right knee 2+, left knee 1+.",
        [("reflexes", "normal", "right"), ("reflexes", "decreased", "left")],
    ),
    (
        "list-reflex-n4",
        "DTRs: patellae 2/4, Achilles 1/4.",
        [("reflexes", "normal", None), ("reflexes", "decreased", None)],
    ),
    (
        "list-strength",
        "Motor: hip flexors 5/5, EHL 4/5 on the left.",
        [("strength", "normal", None), ("strength", "decreased", "left")],
    ),
    (
        "list-neuro",
        "Neuro: strength 5/5, sensation intact, reflexes 2+ and symmetric.",
        [("strength", "normal", None), ("sensation", "normal", None), ("reflexes", "normal", None)],
    ),
    (
        "list-slr-signs",
        "SLR (+) on the right, (-) on the left.",
        [("straight_leg_raise", "positive", "right"), ("straight_leg_raise", "negative", "left")],
    ),
    (
        "ellipsis-and-right",
        "The left Achilles reflex was 1+ and the right 2+.",
        [("reflexes", "decreased", "left"), ("reflexes", "normal", "right")],
    ),
    (
        "ellipsis-comma-left",
        "The right patellar reflex was 2+, left 1+.",
        [("reflexes", "normal", "right"), ("reflexes", "decreased", "left")],
    ),
    (
        "ellipsis-the-right-was",
        "The left ankle jerk was absent; the right was 1+.",
        [("reflexes", "absent", "left"), ("reflexes", "decreased", "right")],
    ),
    (
        "ellipsis-minus-left",
        "Straight leg raise was (+) on the right and (-) on the left.",
        [("straight_leg_raise", "positive", "right"), ("straight_leg_raise", "negative", "left")],
    ),
    (
        "ellipsis-both-knees",
        "Reflexes were 2+ at both knees and 1+ at the left ankle.",
        [("reflexes", "normal", "bilateral"), ("reflexes", "decreased", "left")],
    ),
    (
        "ellipsis-negative-other",
        "Spurling's test was positive on the left and negative on the right.",
        [("spurling", "positive", "left"), ("spurling", "negative", "right")],
    ),
    (
        "ellipsis-on-the-left",
        "Seated SLR was positive at 50 degrees on the right but negative on the left.",
        [("straight_leg_raise", "positive", "right"), ("straight_leg_raise", "negative", "left")],
    ),
    (
        "ellipsis-strength",
        "Left EHL strength was 4/5 and the right 5/5.",
        [("strength", "decreased", "left"), ("strength", "normal", "right")],
    ),
    (
        "describe-slr",
        "The notes describe a positive straight leg raise on the left.",
        [("straight_leg_raise", "positive", "left")],
    ),
    (
        "describe-reflex",
        "Dr. Park's notes describe diminished reflexes at the left ankle.",
        [("reflexes", "decreased", "left")],
    ),
    ("describe-gait", "The records describe an antalgic gait.", [("gait", "present", None)]),
    ("gait-walked-with", "He walked with a limp favoring the right leg.", [("gait", "present", "right")]),
    ("gait-tandem", "She could not perform a tandem walk.", [("gait", "present", None)]),
    ("gait-tandem-ok", "Tandem walk was normal.", [("gait", "normal", None)]),
    ("gait-broad-no-word", "He ambulated with a broad-based, unsteady pattern.", [("gait", "present", None)]),
    ("rom-flexion-full", "Hip flexion was full.", [("range_of_motion", "normal", None)]),
    ("rom-flexion-restricted", "Flexion restricted to 30 degrees.", [("range_of_motion", "decreased", None)]),
    (
        "neighbour-negation",
        "He had diffuse pain without a radicular pattern, tenderness over the facet joints, and spasm.",
        [("tenderness", "present", None), ("spasm", "present", None)],
    ),
    (
        "neighbour-negation-2",
        "There were no radicular signs; tenderness was present over the SI joint.",
        [("tenderness", "present", None)],
    ),
]

# more families (issue 13): abbreviations, circumference, walking tests, muscle grade words
MORE = [
    ("rom-abbrev", "Cervical ROM was restricted in rotation.", [("range_of_motion", "decreased", None)]),
    ("rom-abbrev-full", "He had full ROM of the lumbar spine.", [("range_of_motion", "normal", None)]),
    ("ttp", "There is TTP over the left paraspinals.", [("tenderness", "present", "left")]),
    ("girth-less", "The right thigh was 2 cm less in circumference.", [("atrophy", "present", "right")]),
    ("girth-equal", "Thigh and calf circumferences were equal.", [("atrophy", "absent", None)]),
    ("heel-toe-able", "She was able to heel and toe walk.", [("gait", "normal", None)]),
    ("heel-toe-unable", "He was unable to heel and toe walk.", [("gait", "present", None)]),
    ("mmt-good", "Quadriceps strength was good on the right.", [("strength", "decreased", "right")]),
    (
        "reach-history",
        "On exam: no radiating component, tenderness over the coccyx, and spasm.",
        [("tenderness", "present", None), ("spasm", "present", None)],
    ),
    (
        "reach-or",
        "There was no swelling, tenderness or spasm.",
        [("tenderness", "absent", None), ("spasm", "absent", None)],
    ),
    (
        "side-nearest",
        "Sensation: right L5 intact, left S1 decreased.",
        [("sensation", "normal", "right"), ("sensation", "decreased", "left")],
    ),
    # a gait called "non-antalgic" is a normal gait, not an antalgic one
    ("gait-non-antalgic", "At the visit he had a non-antalgic gait.", [("gait", "normal", None)]),
    (
        "gait-nonantalgic-walks",
        "She walks with a nonantalgic gait and can rise from a chair.",
        [("gait", "normal", None)],
    ),
    ("gait-non-antalgic-pred", "Gait was non-antalgic.", [("gait", "normal", None)]),
    ("gait-non-ataxic", "He had a steady, non-ataxic gait.", [("gait", "normal", None)]),
    # lay wording of a letter written to the injured worker
    (
        "lay-slr-pos",
        "Raising your straight right leg caused pain down the leg at 40 degrees.",
        [("straight_leg_raise", "positive", "right")],
    ),
    (
        "lay-slr-pos-his",
        "Lifting his left leg straight reproduced his sciatic pain.",
        [("straight_leg_raise", "positive", "left")],
    ),
    (
        "lay-slr-neg",
        "Raising her straight leg did not cause leg pain.",
        [("straight_leg_raise", "negative", None)],
    ),
    (
        "lay-slr-same-test",
        "Raising your straight left leg gave you leg pain, while the same test on the right side did not.",
        [("straight_leg_raise", "positive", "left"), ("straight_leg_raise", "negative", "right")],
    ),
    (
        "lay-sens-pin",
        "You had less feeling to pin on the outside of the right foot.",
        [("sensation", "decreased", "right")],
    ),
    (
        "lay-sens-touch",
        "She had reduced feeling to light touch over the left shin.",
        [("sensation", "decreased", "left")],
    ),
    (
        "lay-sens-feel",
        "He could not feel the pin as well on the left calf.",
        [("sensation", "decreased", "left")],
    ),
]

# things that are not exam signs of the patient
CONTROLS = [
    ("ctl-date-after-doc", "Office note 2/5/19 and MRI 3/5/18 were reviewed.", []),
    ("ctl-date-after-doc-2", "Progress note dated 4/5/21 from Dr. Alvarez.", []),
    ("ctl-symptom-weak", "He complains that his left leg feels weak.", []),
    ("ctl-symptom-numb", "She reports numbness and weakness in the right foot.", []),
    ("ctl-symptom-spasm", "The patient states he gets spasms at night.", []),
    ("ctl-hypothetical", "If the reflexes were diminished, surgery would be reasonable.", []),
    (
        "ctl-guideline",
        "ODG requires objective radiculopathy such as a positive straight leg raise before an ESI.",
        [],
    ),
    ("ctl-not-documented", "No weakness is documented in the records.", []),
    ("ctl-imaging-flexion", "Flexion and extension views showed no instability.", []),
    ("ctl-lay-lifting", "Lifting boxes at work caused his back pain.", []),
    ("ctl-lay-feeling", "She has a feeling of tightness in her back.", []),
]


def grid():
    return frames() + presence() + LISTS + MORE + CONTROLS


# phrasings not supported yet (id -> why)
GAPS: dict[str, str] = {
    "atrophy-circ": "a comparison ('less ... than the left') names the reference side, not the sign's: side rules read any side word",
    "ctl-guideline": "a sign named as a guideline's criterion ('requires ... such as a positive SLR') is no finding; "
    "that is assertion (hypothetical) work, not an exam rule",
}


def got_exam(nlp, text: str) -> set[tuple]:
    from iro_evidence.rows import doc_rows
    from iro_evidence.table import case_record

    return {(e["sign"], e["status"], e["side"]) for e in case_record("t", doc_rows(nlp(text), "t"))["exam"]}


def score(nlp, items) -> tuple[float, float, list]:
    tp = fn = fp = 0
    wrong = []
    for cid, text, exp in items:
        got, exp = got_exam(nlp, text), set(exp)
        tp, fn, fp = tp + len(got & exp), fn + len(exp - got), fp + len(got - exp)
        if got != exp:
            wrong.append((cid, text, sorted(exp - got, key=str), sorted(got - exp, key=str)))
    rec = tp / (tp + fn) if tp + fn else 1.0
    prec = tp / (tp + fp) if tp + fp else 1.0
    return rec, prec, wrong


ITEMS = grid()


@pytest.mark.parametrize(
    "cid,text,expected",
    [
        pytest.param(*it, marks=pytest.mark.xfail(reason=GAPS[it[0]], strict=True)) if it[0] in GAPS else it
        for it in ITEMS
    ],
    ids=[it[0] for it in ITEMS],
)
def test_exam_grid(nlp, cid, text, expected):
    assert got_exam(nlp, text) == set(expected)


def test_exam_grid_score(nlp, capsys):
    rec, prec, wrong = score(nlp, ITEMS)
    with capsys.disabled():
        print(
            f"\nexam grid: {len(ITEMS)} items, recall {rec:.3f}, precision {prec:.3f}, {len(wrong)} items wrong"
        )
    assert len(ITEMS) > 300 and len({i[0] for i in ITEMS}) == len(ITEMS)
