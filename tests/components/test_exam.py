# ruff: noqa: E501  (letter text in test data reads better unwrapped)
"""Exam signs: sign, status, side and the details analysts check (grade, muscle, dermatome, degrees)."""

import pytest

CASES = [
    # (text, [(sign, status, side)])
    ("Patellar and Achilles reflexes are 2+ and symmetric.", [("reflexes", "normal", None)]),
    (
        "The left Achilles reflex is 1+ and the right is 2+.",
        [("reflexes", "decreased", "left"), ("reflexes", "normal", "right")],
    ),
    ("an absent right ankle reflex", [("reflexes", "absent", "right")]),
    ("Biceps, triceps and patellar reflexes were 3+ bilaterally.", [("reflexes", "increased", "bilateral")]),
    ("There is no dermatomal sensory loss and no reflex loss.", [("sensation", "normal", None)]),
    ("Motor strength is 5/5 throughout the lower extremities.", [("strength", "normal", None)]),
    ("weakness of the right extensor hallucis longus graded 4/5", [("strength", "decreased", "right")]),
    (
        "Myotomes are graded 5/5 and the dermatomes are intact to light touch.",
        [("strength", "normal", None), ("sensation", "normal", None)],
    ),
    (
        "Sensation was diminished over the dorsum of the left foot in the L5 dermatome.",
        [("sensation", "decreased", "left")],
    ),
    (
        "Straight leg raise was positive on the left at 45 degrees and negative on the right.",
        [("straight_leg_raise", "positive", "left"), ("straight_leg_raise", "negative", "right")],
    ),
    ("with straight leg raising negative bilaterally", [("straight_leg_raise", "negative", "bilateral")]),
    ("Spurling's maneuver is positive on the right.", [("spurling", "positive", "right")]),
    ("negative cervical compression test", [("spurling", "negative", None)]),
    ("The right quadriceps showed visible atrophy.", [("atrophy", "present", "right")]),
    ("There was no atrophy.", [("atrophy", "absent", None)]),
    (
        "Lumbar flexion is reduced, with fingertips reaching the mid-shin.",
        [("range_of_motion", "decreased", None)],
    ),
    ("Cervical rotation to the right is reduced.", [("range_of_motion", "decreased", "right")]),
    ("normal, pain-free lumbar range of motion", [("range_of_motion", "normal", None)]),
    ("tenderness over the right\nlumbar paraspinal muscles", [("tenderness", "present", "right")]),
    ("without point tenderness", [("tenderness", "absent", None)]),
    ("paraspinal muscle spasm", [("spasm", "present", None)]),
    ("He walks with an antalgic gait.", [("gait", "present", None)]),
    ("Gait is normal.", [("gait", "normal", None)]),
    # a sensory modality stands for sensation
    ("Pin prick is reduced over the left great toe.", [("sensation", "decreased", "left")]),
    ("There was diminished light touch along the right lateral calf.", [("sensation", "decreased", "right")]),
    ("Vibration sense was intact in both feet.", [("sensation", "normal", "bilateral")]),
    # terse note style: no verb between the sign and its grade
    (
        "Strength 5/5, patellar reflexes 2+ and equal.",
        [("strength", "normal", None), ("reflexes", "normal", None)],
    ),
    ("The left ankle jerk trace.", [("reflexes", "decreased", "left")]),
    ("The other muscle groups tested 5/5.", [("strength", "normal", None)]),
    ("There is no wasting of the thenar muscles.", [("atrophy", "absent", None)]),
    # motion measured against the other side
    (
        "The left shoulder abduction reached 90 degrees against 170 on the right.",
        [("range_of_motion", "decreased", "left")],
    ),
    # a symptom is not an exam sign
    ("She complains of weakness in the legs.", []),
    # flexion-extension films are imaging, not motion
    ("Flexion-extension radiographs were limited by pain.", []),
    # a sign word inside another word is no sign
    ("History of bronchospasm; hemiatrophy was not examined.", []),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_exam_signs(nlp, text, expected):
    doc = nlp(text)
    got = [(s._.iro["sign"], s._.iro["status"], s._.iro["side"]) for s in doc.spans["exam"]]
    assert got == expected


def test_exam_details(nlp):
    doc = nlp(
        "Supine straight leg raise is positive on the left at 40 degrees. Left EHL is 4/5. "
        "The left Achilles reflex is absent. Sensation is decreased in the left S1 dermatome. "
        "There is atrophy of the left calf, 2 cm smaller in circumference than the right."
    )
    info = {s._.iro["sign"]: s._.iro for s in doc.spans["exam"]}
    slr = info["straight_leg_raise"]
    assert (slr["degrees"], slr["position"], slr["side"]) == (40.0, "supine", "left")
    assert (info["strength"]["grade"], info["strength"]["muscle"]) == ("4/5", "extensor hallucis longus")
    assert info["reflexes"]["reflex"] == "achilles" and info["reflexes"]["status"] == "absent"
    assert info["sensation"]["dermatome"] == "S1"
    assert info["atrophy"]["circumference"] == "2 cm"


def test_exam_rows_keep_details(nlp):
    import json

    from iro_evidence.rows import doc_rows

    doc = nlp("Straight leg raise is positive on the right at 30 degrees seated. Right EHL is 4/5.")
    rows = [r for r in doc_rows(doc, "t") if r["kind"] == "exam"]
    slr = next(r for r in rows if r["value"] == "straight_leg_raise")
    assert slr["value_num"] == 30.0 and slr["side"] == "right"
    assert json.loads(slr["details"])["position"] == "seated"
    ehl = next(r for r in rows if r["value"] == "strength")
    assert json.loads(ehl["details"])["muscle"] == "extensor hallucis longus"


# -- families from issue 13 (paraphrases written for the tests) ---------------------------

FAMILIES = [
    # a short form in parentheses after the sign
    ("Straight leg raise (SLR) was positive on the left.", [("straight_leg_raise", "positive", "left")]),
    (
        "Straight leg raising (SLR) testing is negative bilaterally.",
        [("straight_leg_raise", "negative", "bilateral")],
    ),
    ("Deep tendon reflexes (DTRs) were 2+ and symmetric.", [("reflexes", "normal", None)]),
    ("Range of motion (ROM) of the lumbar spine was reduced.", [("range_of_motion", "decreased", None)]),
    # one status closing a list of signs
    (
        "Sensation and motor were intact bilaterally.",
        [("sensation", "normal", "bilateral"), ("strength", "normal", "bilateral")],
    ),
    (
        "Sensation, strength and reflexes were normal.",
        [("sensation", "normal", None), ("strength", "normal", None), ("reflexes", "normal", None)],
    ),
    (
        "Strength and sensation are grossly intact.",
        [("strength", "normal", None), ("sensation", "normal", None)],
    ),
    # gait with posture / station
    ("Her gait and posture were normal.", [("gait", "normal", None)]),
    ("Station and gait are normal.", [("gait", "normal", None)]),
    ("His gait and balance were steady.", [("gait", "normal", None)]),
    # range of motion compared between sides
    (
        "Range of motion was greater in the left elbow than in the right.",
        [("range_of_motion", "decreased", "bilateral")],
    ),
    (
        "Range of motion is better on the left shoulder than the right.",
        [("range_of_motion", "decreased", "bilateral")],
    ),
    ("She had less range of motion in the left hip.", [("range_of_motion", "decreased", "left")]),
    # strength too low
    ("He was not strong enough for full duty.", [("strength", "decreased", None)]),
    ("At discharge she was not yet strong enough to lift boxes.", [("strength", "decreased", None)]),
    ('Quadriceps strength was "fair" on the left.', [("strength", "decreased", "left")]),
    # weakness the patient has, not an exam sign
    ("She began developing increased low back pain and right leg weakness/tingling.", []),
    ("The reports allege that he was experiencing bilateral weakness in the legs.", []),
    ("He described a feeling of weakness after the injury.", []),
    # a bare weakness / spasm listed with symptoms or in a sentence of complaints
    ("She reported low back pain radiating into the left leg with weakness.", []),
    ("The claimant has ongoing pain, numbness and weakness in the right arm.", []),
    ("He testified that his knee gives way and he has weakness in the right leg.", []),
    ("Her symptoms include weakness and spasms.", []),
    ("Surgery is indicated for patients with progressive weakness.", []),
    ("He had weakness and tingling in both hands.", []),
    # ... unless the words between say it was found
    (
        "With reported low back pain and evidence of weakness of the right ankle evertors, surgery was planned.",
        [("strength", "decreased", "right")],
    ),
    ("On exam there was weakness of the left ankle dorsiflexors.", [("strength", "decreased", "left")]),
    (
        "Examination revealed spasm and tenderness of the paraspinals.",
        [("spasm", "present", None), ("tenderness", "present", None)],
    ),
    # apostrophes in plurals, minus grades, gait described
    ("On exam the claimant’s DTR’s were 2+ bilaterally.", [("reflexes", "normal", "bilateral")]),
    ("Her DTR's are 1+ at the ankles.", [("reflexes", "decreased", None)]),
    ("His exam showed 5-/5 strength in the left hip flexors.", [("strength", "decreased", "left")]),
    ("The claimant’s gait was slow and guarded.", [("gait", "present", None)]),
    ("He walked with a stiff gait.", [("gait", "present", None)]),
    # a second finding of the same sign inside a first rule's overlong match
    (
        "Achilles reflexes were absent bilaterally and patellar reflexes were 2+.",
        [("reflexes", "absent", "bilateral"), ("reflexes", "normal", "bilateral")],
    ),
    (
        "Biceps reflexes were absent and triceps reflexes were normal.",
        [("reflexes", "absent", None), ("reflexes", "normal", None)],
    ),
    (
        "Ankle jerks are absent while knee reflexes are 2+ and symmetric.",
        [("reflexes", "absent", None), ("reflexes", "normal", None)],
    ),
    # a list closed by one status after a few words of place
    (
        "Sensation and reflexes in the lower extremities were normal.",
        [("sensation", "normal", None), ("reflexes", "normal", None)],
    ),
    (
        "Strength and sensation of both upper extremities are intact.",
        [("strength", "normal", "bilateral"), ("sensation", "normal", "bilateral")],
    ),
    (
        "Motor strength and reflexes throughout were normal.",
        [("strength", "normal", None), ("reflexes", "normal", None)],
    ),
    # a gait described
    ("His gait was described as mildly unsteady.", [("gait", "present", None)]),
    ("Her gait was noted to be slightly antalgic.", [("gait", "present", None)]),
    ("The gait was observed to be markedly wide-based.", [("gait", "present", None)]),
    # the contrast after a longer aside
    (
        "The SLR was positive on the right at 35 degrees, reproducing pain below the knee, and negative on the left.",
        [("straight_leg_raise", "positive", "right"), ("straight_leg_raise", "negative", "left")],
    ),
    (
        "Straight leg raise was positive on the left at 40 degrees with pain radiating to the foot, but negative on the right.",
        [("straight_leg_raise", "positive", "left"), ("straight_leg_raise", "negative", "right")],
    ),
    (
        "Spurling's test was positive on the right, reproducing pain into the thumb and index finger, and negative on the left.",
        [("spurling", "positive", "right"), ("spurling", "negative", "left")],
    ),
    # issue 13, wave 2: one link between sign and status (a verb, a colon, or nothing)
    ("Reflexes: hypoactive at the ankles.", [("reflexes", "decreased", None)]),
    (
        "Straight leg raise: negative to 90 degrees bilaterally.",
        [("straight_leg_raise", "negative", "bilateral")],
    ),
    ("The sensation was found to be absent over the left heel.", [("sensation", "absent", "left")]),
    ("Gait: wide-based and unsteady.", [("gait", "present", None)]),
    # reflex grades out of 4, and list items without the word reflex
    ("Knee jerks were 1/4 and symmetric.", [("reflexes", "decreased", None)]),
    ("DTRs 3/4 in the arms.", [("reflexes", "increased", None)]),
    (
        "Reflexes: biceps 2+, brachioradialis trace on the right.",
        [("reflexes", "normal", None), ("reflexes", "decreased", "right")],
    ),
    (
        "Ankle reflexes were absent, 2+ at both knees.",
        [("reflexes", "absent", None), ("reflexes", "normal", "bilateral")],
    ),
    ("She had 1+ pitting edema at the ankle.", []),
    # the elliptical clause for the other side
    (
        "The right knee jerk was trace and the left 2+.",
        [("reflexes", "decreased", "right"), ("reflexes", "normal", "left")],
    ),
    (
        "Left biceps reflex 1+, right 2+.",
        [("reflexes", "decreased", "left"), ("reflexes", "normal", "right")],
    ),
    (
        "The right ankle reflex was absent; the left was 2+.",
        [("reflexes", "absent", "right"), ("reflexes", "normal", "left")],
    ),
    (
        "SLR (+) on the left at 45 degrees, (-) on the right.",
        [("straight_leg_raise", "positive", "left"), ("straight_leg_raise", "negative", "right")],
    ),
    (
        "Right tibialis anterior strength was 4-/5 and the left 5/5.",
        [("strength", "decreased", "right"), ("strength", "normal", "left")],
    ),
    # a date after a document name is no strength grade
    ("Operative report 3/5/19 and therapy note 4/5/2019 were reviewed.", []),
    ("Discogram, 1/5/21; office visit, 2/5/21.", []),
    ("Right grip was 4/5 on 3/12/20.", [("strength", "decreased", "right")]),
    # the notes, not the patient, describe the signs
    (
        "The surgeon's notes describe paraspinal spasm and tenderness.",
        [("spasm", "present", None), ("tenderness", "present", None)],
    ),
    ("Her records describe a positive Spurling test on the right.", [("spurling", "positive", "right")]),
    ("The physician described a broad-based gait.", [("gait", "present", None)]),
    ("She describes tenderness when she sits.", []),
    # gait without the word gait, tandem walk, heel and toe walking
    ("She walked with a shortened stance on the right.", [("gait", "present", "right")]),
    ("He ambulated with a slow, halting pattern.", [("gait", "present", None)]),
    ("He could not walk heel to toe.", [("gait", "present", None)]),
    ("Tandem gait was intact.", [("gait", "normal", None)]),
    ("He was able to heel walk and toe walk.", [("gait", "normal", None)]),
    # a movement that is full or restricted; ROM
    ("Shoulder abduction was full.", [("range_of_motion", "normal", None)]),
    ("Cervical extension restricted to 20 degrees.", [("range_of_motion", "decreased", None)]),
    ("Lumbar ROM was decreased by half.", [("range_of_motion", "decreased", None)]),
    ("Full ROM of both knees.", [("range_of_motion", "normal", "bilateral")]),
    # tenderness abbreviated; atrophy by circumference
    ("TTP over the right trochanter.", [("tenderness", "present", "right")]),
    ("The left calf was 2 cm smaller in girth.", [("atrophy", "present", "left")]),
    ("Thigh circumference was reduced by 1.5 cm on the right.", [("atrophy", "present", "right")]),
    ("Calf girths were symmetric.", [("atrophy", "absent", None)]),
    # a provocative test told by what it reproduced
    ("Spurling's maneuver did not reproduce his arm pain.", [("spurling", "negative", None)]),
    ("The seated SLR failed to provoke any leg symptoms.", [("straight_leg_raise", "negative", None)]),
    (
        "Straight leg raising on the left reproduced radiating pain below the knee.",
        [("straight_leg_raise", "positive", "left")],
    ),
    ("Spurling's test to the right brought on arm paresthesias.", [("spurling", "positive", "right")]),
    ("Straight leg raise caused only back pain.", []),
    # manual muscle grade words
    ('Hip abductor strength was "good minus" on the left.', [("strength", "decreased", "left")]),
    ("Strength is good to good plus in the quadriceps.", [("strength", "decreased", None)]),
    ("Grip strength was poor on the right.", [("strength", "decreased", "right")]),
    # clinic / PT shorthand (issue 13, z family): "+"/"neg", L/R letters, bilat, site + grade
    ("SLR neg bilat. in sitting", [("straight_leg_raise", "negative", "bilateral")]),
    (
        "Seated SLR + R at 60, neg L.",
        [("straight_leg_raise", "positive", "right"), ("straight_leg_raise", "negative", "left")],
    ),
    ("Straight leg raise + left at 40 degrees.", [("straight_leg_raise", "positive", "left")]),
    ("Knee jerk 1+ R, 2+ L.", [("reflexes", "decreased", "right"), ("reflexes", "normal", "left")]),
    ("DTRs: Achilles 2+ =, quads okay.", [("reflexes", "normal", None)]),
    ("Ambulating with a cane, moderate Trendelenburg L.", [("gait", "present", "left")]),
    ("Cervical rot restricted to 40 deg.", [("range_of_motion", "decreased", None)]),
    ("Decr. sens. R dorsal foot.", [("sensation", "decreased", "right")]),
    # favouring a leg while walking is an abnormal gait
    ("He walks with a cane and favors the right leg.", [("gait", "present", "right")]),
    ("Ambulating slowly, favoring her left side.", [("gait", "present", "left")]),
    ("His gait is cautious and he favours the left foot.", [("gait", "present", "left")]),
    # the other side in a short second clause
    (
        "Left triceps reflex is trace and those on the right are 2+.",
        [("reflexes", "decreased", "left"), ("reflexes", "normal", "right")],
    ),
    # plain wording
    ("He bends his back forward only halfway before stopping.", [("range_of_motion", "decreased", None)]),
    ("Lumbar movement was normal in all planes.", [("range_of_motion", "normal", None)]),
    ("Both arms are strong.", [("strength", "normal", "bilateral")]),
    ("her grip strength was equally strong", [("strength", "normal", None)]),
    (
        "On testing she feels light touch slightly less over the left shin.",
        [("sensation", "decreased", "left")],
    ),
]


@pytest.mark.parametrize("text,expected", FAMILIES)
def test_exam_families(nlp, text, expected):
    test_exam_signs(nlp, text, expected)


# a negation whose own item names no exam finding does not reach a bare sign after a comma
REACH = [
    (
        "Axial pain without a radicular pattern, tenderness over the facets and pain on extension.",
        [("tenderness", "present", None)],
    ),
    ("There was no sciatic tension, spasm in the paraspinals and guarding.", [("spasm", "present", None)]),
    (
        "She has no history of surgery, tenderness at the SI joint, and a slow gait.",
        [("tenderness", "present", None), ("gait", "present", None)],
    ),
    # ... but a list of findings, or one closed by "or", is negated throughout
    ("There was no pain, tenderness or spasm.", [("tenderness", "absent", None), ("spasm", "absent", None)]),
    (
        "No radicular signs, tenderness or spasm were found.",
        [("tenderness", "absent", None), ("spasm", "absent", None)],
    ),
    (
        "The back was examined without tenderness, spasm and guarding.",
        [("tenderness", "absent", None), ("spasm", "absent", None)],
    ),
]


@pytest.mark.parametrize("text,expected", REACH)
def test_negation_reach(nlp, text, expected):
    from iro_evidence.rows import doc_rows
    from iro_evidence.table import case_record

    got = [(e["sign"], e["status"], e["side"]) for e in case_record("t", doc_rows(nlp(text), "t"))["exam"]]
    assert sorted(got, key=str) == sorted(expected, key=str)


def test_a_rule_without_triggers_gets_the_words_its_matches_hold(nlp):
    """A sign added without ``triggers`` keeps the component's windows: its trigger words
    are derived from its pattern (``matching.required_words``), and it still finds its sign."""
    import copy

    exam = nlp.get_pipe("iro_exam")
    packaged = copy.deepcopy(exam.rules)
    rules = copy.deepcopy(packaged)
    rules["rules"].insert(
        0,
        {
            "sign": "hoffmann",
            "status": "positive",
            "stated": True,
            "pattern": [
                r"(?:positive|bilateral)\s+Hoffmann'?s?\s+signs?",
                r"Hoffmann'?s?\s+signs?\s+(?&copula)\s+present",
            ],
        },
    )
    try:
        exam.initialize(rules=rules)
        assert exam.exam_rules[0][-1] == ("hoffmann",)
        assert exam.triggers.words  # not the whole text
        for text in (
            "There is a positive Hoffmann's sign on the left.",
            "Hoffmann sign was present bilaterally.",
            "She had bilateral Hoffmann signs and brisk reflexes.",
        ):
            doc = nlp(text)
            assert "hoffmann" in [s._.iro["sign"] for s in doc.spans["exam"]], text
            whole = exam.find(doc.text, exam.triggers.whole(doc.text))
            assert exam.find(doc.text, exam.triggers.scan(doc.text)) == whole
    finally:
        exam.initialize(rules=packaged)
