# ruff: noqa: E501  (letter text in test data reads better unwrapped)
"""Paraphrase grid for the IRO reviewer's specialty (issue 13).

The ways a letter says who reviewed it (a heading over a line of credentials, a sentence
about the reviewer), crossed with the specialties reviewers hold, written as people write
them; plus negative controls: doctors a letter names who are not the IRO's reviewer (the
utilization reviewers, the treating and referred-to doctors, a specialist the reviewer
recommends, a hypothetical one, the reviewer of a UR notice). Each generated letter also
names, in its history, a utilization reviewer of another specialty, so a rule that takes the
first doctor it sees fails the grid. Scored as the gold is: word overlap
(``iro_evidence.evaluate.specialty_match``).

``python -m pytest -q -s tests/components/test_reviewer_grid.py -k summary`` prints recall
and precision."""

from __future__ import annotations

import itertools

import pytest
from iro_evidence.evaluate import specialty_match

HEAD = "NOTICE OF INDEPENDENT REVIEW DECISION\n\nDate of review: 04/12/2019\nIRO case number: 2019-0412\n\n"
TAIL = (
    "\n\nREVIEW OUTCOME:\nUpon independent review, the reviewer finds that the previous adverse "
    "determination should be upheld.\n\nPATIENT CLINICAL HISTORY SUMMARY:\nThe injured worker is a 47-year-old "
    "man who hurt his lower back lifting boxes at work. {distractor}\n\nANALYSIS AND EXPLANATION OF THE "
    "DECISION:\nThe requested lumbar injection is not supported by the records provided.\n\nYOUR RIGHT TO APPEAL:\n"
    "If you disagree with this decision, you may appeal it as the Division's rules provide. You have the right "
    "to appeal within 30 days.\n"
)

# (the field as a heading or "board certified in" would give it, the person who practises it,
# what a careful reader records for the field, for the person)
VOCAB = [
    ("Diagnostic Radiology", "diagnostic radiologist", "diagnostic radiology", "diagnostic radiologist"),
    (
        "Interventional Radiology",
        "interventional radiologist",
        "interventional radiology",
        "interventional radiologist",
    ),
    ("Radiology", "radiologist", "radiology", "radiologist"),
    (
        "Physical Medicine and Rehabilitation",
        "physiatrist",
        "physical medicine and rehabilitation",
        "physiatrist",
    ),
    (
        "Physical Medicine & Rehabilitation",
        "PM&R physician",
        "physical medicine and rehabilitation",
        "physical medicine and rehabilitation",
    ),
    ("Pain Management", "pain management specialist", "pain management", "pain management"),
    ("Pain Medicine", "pain medicine physician", "pain medicine", "pain medicine"),
    ("Anesthesiology", "anesthesiologist", "anesthesiology", "anesthesiologist"),
    ("Neurological Surgery", "neurosurgeon", "neurological surgery", "neurosurgeon"),
    (
        "Orthopedic Spine Surgery",
        "orthopedic spine surgeon",
        "orthopedic spine surgery",
        "orthopedic spine surgeon",
    ),
    ("Orthopaedic Surgery", "orthopaedic surgeon", "orthopedic surgery", "orthopedic surgeon"),
    ("Neurology", "neurologist", "neurology", "neurologist"),
    (
        "Occupational Medicine",
        "occupational medicine physician",
        "occupational medicine",
        "occupational medicine",
    ),
    ("Chiropractic", "chiropractor", "chiropractic", "chiropractor"),
    ("Family Medicine", "family physician", "family medicine", "family physician"),
    ("Family Practice", "family practitioner", "family practice", "family practitioner"),
    ("Internal Medicine", "internist", "internal medicine", "internist"),
    ("Sports Medicine", "sports medicine physician", "sports medicine", "sports medicine"),
    ("Emergency Medicine", "emergency physician", "emergency medicine", "emergency physician"),
    ("Psychiatry", "psychiatrist", "psychiatry", "psychiatrist"),
    ("Podiatry", "podiatrist", "podiatry", "podiatrist"),
    ("General Surgery", "general surgeon", "general surgery", "general surgeon"),
    ("Hand Surgery", "hand surgeon", "hand surgery", "hand surgeon"),
    ("Rheumatology", "rheumatologist", "rheumatology", "rheumatologist"),
    ("Physical Medicine", "pain specialist", "physical medicine", "pain specialist"),
    ("General Practice", "general practitioner", "general practice", "general practitioner"),
]

# frames that name the field ({area}: as the letter capitalizes it, {low}: lower case)
AREA_FRAMES = {
    "label Physician Reviewer:": "Physician Reviewer: Board certified in {area}, licensed in Texas.",
    "heading REVIEWING PHYSICIAN": "REVIEWING PHYSICIAN\n{area}. Board certified; licensed in Texas; in active practice.",
    "heading Who reviewed this case": "Who reviewed this case\nA physician board certified in {area} who holds an unrestricted Texas license.",
    "heading PHYSICIAN REVIEWER'S SPECIALTY:": "PHYSICIAN REVIEWER'S SPECIALTY:\n{area}; licensed to practice in Texas.",
    "heading 3.0 REVIEWER": "3.0 REVIEWER\n3.1 The reviewer is board certified in {area} and licensed in Texas.",
    "Title Case Reviewer Qualifications": "Reviewer Qualifications\nThis physician is board certified in {area} and has practiced for more than ten years.",
    "Title Case Reviewer Credentials": "Reviewer Credentials\nM.D.; Diplomate, {area}; Texas license in good standing.",
    "heading REVIEWER'S SPECIALTY:": "REVIEWER'S SPECIALTY: {area}",
    "heading IRO REVIEWER:": "IRO REVIEWER: {area}, board certified",
    "label Specialty: under REVIEWER": "REVIEWER\nSpecialty: {area}\nLicensure: Texas",
    "Reviewer Profile heading": "Reviewer Profile\nSpecialty: {area}. Licensed in Texas.",
    "sentence licensed in Texas who specializes in": "This case was reviewed by a physician licensed in Texas who specializes in {low}.",
    "sentence reviewed by a specialist in": "This case was reviewed by a specialist in {low} who is licensed in Texas.",
    "sentence independent reviewer is board certified in": "The independent reviewer is board certified in {low} and holds a Texas license.",
    "sentence reviewing physician certified by the American Board of": "The reviewing physician is certified by the American Board of {area}.",
    "sentence the reviewer holds board certification in": "The reviewer holds board certification in {low} and is licensed in Texas.",
    # a summary block with dot leaders or a tab after the label
    "dot leaders Reviewer ....": "Review completed ...... 04/12/2019\nReviewer .............. Board certified in {area}; licensed in Texas",
    "tab Physician reviewer": "Physician reviewer\t{area}, board certified\nLicense\tTexas",
    # a question-and-answer template; the answer carries the credentials
    "Q&A who performed this independent review": "Q. Who performed this independent review?\nA. A physician who holds an M.D. degree, a Texas license and certification in {low}.",
    "Q&A who conducted the review": "Who conducted the review?\n\nA Texas-licensed M.D. certified in {low} by the American Board of Medical Specialties.",
    "Q&A who did your review": "Question: Who did your review? Answer: a doctor board certified in {low}.",
    # a plain-language letter to the parties
    "your case was reviewed by a doctor": "Your case was reviewed by a doctor who is certified in {low} and who sees patients every week.",
    "your appeal was reviewed by a physician": "Your appeal was reviewed by a physician who holds board certification in {low}.",
}
# frames that name the person ({noun})
NOUN_FRAMES = {
    "sentence The reviewer is a board certified": "The reviewer is a board certified {noun} licensed in Texas.",
    "sentence This case was reviewed by a": "This case was reviewed by a board certified {noun}.",
    "sentence physician who reviewed this case is a": "The physician who reviewed this case is a {noun} with an unrestricted Texas license.",
    "sentence review was performed by a": "This review was performed by a Texas-licensed {noun}.",
    "sentence a ... reviewed this case for the IRO": "A {noun}, board certified and licensed in Texas, reviewed this case for the IRO.",
    "sentence The IRO's reviewer, a": "The IRO's reviewer, a {noun} in active practice, examined all of the records.",
    "dot leaders Reviewer ....": "Case number ........... 2019-0412\nReviewer .............. {noun}; licensed in Texas",
    "Q&A who performed this review": "Q. Who performed this review?\nA. A {noun} with an unrestricted Texas license.",
    "your case was reviewed by a": "Your case was reviewed by a {noun} who has no ties to your employer.",
}

# utilization reviewers etc. of the history, each of a specialty none of the grid's uses
DISTRACTORS = [
    "The first utilization reviewer, a plastic surgeon, denied the request.",
    "The carrier's peer reviewer, board certified in electrodiagnostic medicine, found no indication.",
]


def _letter(body: str, distractor: str) -> str:
    return HEAD + body + TAIL.format(distractor=distractor)


def positive_cases() -> list[tuple[str, str, str]]:
    """(id, letter, expected specialty)."""
    out = []
    for (fname, frame), (area, _noun, area_gold, _ng), k in (
        (f, v, k) for k, (f, v) in enumerate(itertools.product(AREA_FRAMES.items(), VOCAB))
    ):
        body = frame.format(area=area, low=area.lower() if area != "PM&R" else area)
        out.append((f"{fname} / {area}", _letter(body, DISTRACTORS[k % 2]), area_gold))
    for k, ((fname, frame), (_area, noun, _ag, noun_gold)) in enumerate(
        itertools.product(NOUN_FRAMES.items(), VOCAB)
    ):
        out.append((f"{fname} / {noun}", _letter(frame.format(noun=noun), DISTRACTORS[k % 2]), noun_gold))
    return out


# hearing decisions and SOAH orders that report the IRO's decision and who made it
HEARING = (
    "DECISION AND ORDER\n\nThis case is decided pursuant to Chapter 410 of the Texas Workers' Compensation Act.\n\n"
    "ISSUE\n\nIs the preponderance of the evidence contrary to the decision of the Independent Review "
    "Organization (IRO) that the claimant is not entitled to a lumbar epidural steroid injection?\n\n"
    "DISCUSSION\n\nDr. B, the carrier's peer reviewer, board certified in electrodiagnostic medicine, testified "
    "by telephone. {sentence} The claimant did not present evidence-based medicine to the contrary.\n"
)
HEARING_FRAMES = {
    "IRO reviewer, a board certified": "The IRO reviewer, a board certified {noun}, upheld the denial.",
    "IRO doctor, who is board certified in": "The IRO doctor, who is board certified in {low}, upheld the carrier's denial.",
    "IRO's physician reviewer is board certified in": "The IRO's physician reviewer is board certified in {low}.",
    "IRO physician, a": "The IRO physician, a {noun}, concluded that the injection was not medically necessary.",
    "an IRO, whose reviewer, a": "The request was then submitted to an IRO, whose reviewer, a {noun}, agreed with the denial.",
    "IRO decision was rendered by a doctor board certified in": "The IRO decision was rendered by a doctor board certified in {low}.",
    "a ... reviewed the case for the IRO": "A {noun} reviewed the case for the IRO and upheld the denial.",
    "IRO reviewer, Dr. Z, a": "The IRO reviewer, Dr. Z, a {noun}, determined that the criteria were not met.",
    "independent review organization's reviewer": "The Independent Review Organization's reviewer, a board certified {noun}, found no new findings.",
    "IRO reviewer was a": "The IRO reviewer was a board certified {noun}, who found that the criteria were not met.",
    "IRO assigned the case to a": "The IRO assigned the case to a {noun}, who upheld the denial.",
    "SOAH IRO=s reviewer": "The IRO=s reviewer, a {noun}, found the treatment unreasonable.",
    "IRO board certified": "The IRO board certified {noun} agreed with the denials.",
    "IRO reviewer, identified as board certified in": "The IRO reviewer, identified as board certified in {low}, determined that the criteria were not met.",
    "per the IRO report, the reviewing physician": "Per the IRO report, the reviewing physician is board certified in {low}.",
    "IRO (a ...) upheld": "The IRO (a board certified {noun}) upheld the denial of the injection.",
    "physician who performed the IRO review": "The physician who performed the IRO review, a {noun}, found no indication for the injection.",
    "IRO decision indicates that the reviewer": "The IRO decision indicates that the reviewer specializes in {low}.",
    "Dr. H, a ... who performed the IRO review": "Dr. H, a {noun} who performed the IRO review, found the injection unnecessary.",
    "Dr. X, a board certified ..., was the IRO reviewer": "Dr. X, a board certified {noun}, was the IRO reviewer.",
    "IRO doctor, an M.D. specializing in": "The IRO doctor, an M.D. specializing in {low}, upheld the denial.",
    "in the IRO decision, the reviewing": "In the IRO decision, the reviewing {noun} found no radiculopathy.",
}


def hearing_cases() -> list[tuple[str, str, str]]:
    return [
        (
            f"hearing: {fname} / {area}",
            HEARING.format(sentence=frame.format(noun=noun, low=area.lower())),
            gold,
        )
        for (fname, frame), (area, noun, area_gold, noun_gold) in itertools.product(
            HEARING_FRAMES.items(), VOCAB
        )
        for gold in [area_gold if "{low}" in frame else noun_gold]
    ]


# external reviews (state external appeals, independent medical review)
EXTERNAL = (
    "INDEPENDENT MEDICAL REVIEW FINAL DETERMINATION\n\nCase Number: CM22-0190425\n\nThe health plan denied "
    "a lumbar MRI. The plan's medical director, board certified in electrodiagnostic medicine, found it "
    "unnecessary.\n\n{sentence}\n\nThe health plan's determination is overturned.\n"
)
EXTERNAL_FRAMES = {
    "physician reviewer is board certified in": "The physician reviewer is board certified in {low} and is licensed to practice in California.",
    "a physician reviewer board certified in ... reviewed": "A physician reviewer board certified in {low} reviewed the case file.",
    "the reviewer, a board certified": "The reviewer, a board certified {noun}, agreed with the treating physician.",
    "reviewer who considered this case is": "The reviewer who considered this case is board certified in {low}.",
    "medical professional who reviewed this appeal": "The medical professional who reviewed this appeal is a {noun} in active practice.",
    "expert reviewer holds board certification in": "The expert reviewer holds board certification in {low}.",
}


def external_cases() -> list[tuple[str, str, str]]:
    return [
        (
            f"external: {fname} / {area}",
            EXTERNAL.format(sentence=frame.format(noun=noun, low=area.lower())),
            gold,
        )
        for (fname, frame), (area, noun, area_gold, noun_gold) in itertools.product(
            EXTERNAL_FRAMES.items(), VOCAB
        )
        for gold in [area_gold if "{low}" in frame else noun_gold]
    ]


# no IRO reviewer here: every specialty these name belongs to someone else
NEGATIVES = {
    "UR reviewer": "The first utilization reviewer, an anesthesiologist, denied the request.",
    "reconsideration reviewer": "On reconsideration, the second reviewer, a physiatrist, agreed with the denial.",
    "carrier peer reviewer": "The carrier's peer reviewer, a physician board certified in occupational medicine, found no indication for the injection.",
    "treating doctor": "The treating doctor, a board certified orthopedic surgeon, requested the surgery.",
    "referral": "He was referred to a neurosurgeon, who recommended a lumbar fusion.",
    "recommended specialist": "The reviewer recommends that the claimant be seen by a neurologist before any further injection.",
    "hypothetical": "If a pain management specialist were to document a fifty percent relief, a repeat block could be considered.",
    "designated doctor": "The designated doctor, a chiropractor, assigned an impairment rating of five percent.",
    "history clinic note": "He was evaluated by Dr. Lee (pain management) on 02/03/2018, who prescribed gabapentin.",
    "requesting provider specialty label": "Requesting provider: Dr. Ortiz, Orthopedic Surgery",
    "carrier's physician advisor": "On 01/05/2019 the case was reviewed by a physician advisor for the carrier, an orthopedic surgeon, who denied the request.",
    "peer reviewer was": "The peer reviewer was a chiropractor, who found the visits excessive.",
    "first reviewer is": "The first reviewer is a family physician and denied the MRI.",
    "reviewer discusses a specialty": "The reviewer has no doubt that a neurosurgeon would not operate on these findings.",
    "IME doctor": "An independent medical examination was performed by a neurologist, who found no deficit.",
    "UR reviewer label with dot leaders": "UR reviewer ........... board certified in occupational medicine",
    "peer reviewer label with a tab": "Peer reviewer\tOrthopedic Surgery",
    "your doctor": "Your doctor, a neurosurgeon, asked for the surgery, and your case was sent to us.",
}
UR_NOTICE = (
    "NOTICE OF ADVERSE DETERMINATION\n\nDate: 03/02/2019\n\nPhysician Reviewer: Board certified in Physical "
    "Medicine and Rehabilitation\n\nThe request for a lumbar MRI is not certified. You have the right to request an "
    "independent review by an independent review organization (IRO).\n"
)


HEARING_NEGATIVES = {
    "hearing: carrier's peer reviewer": "Dr. A, the carrier's peer reviewer and a board certified orthopedic surgeon, testified that the IRO was correct.",
    "hearing: designated doctor": "The designated doctor, a chiropractor, found the claimant at maximum medical improvement.",
    "hearing: treating doctor disagrees with the IRO": "The claimant's treating doctor, a neurosurgeon, testified that the IRO decision was wrong.",
    "hearing: requesting doctor": "Dr. C, a pain management physician, requested an IRO review after the denial.",
    "hearing: UR reviewer before the IRO": "The carrier's utilization reviewer, a physiatrist, denied the request, and the claimant appealed to an IRO.",
    "hearing: expert disagrees with IRO reviewer": "Dr. D, an anesthesiologist, disagreed with the opinion of the IRO reviewer.",
}


def negative_cases() -> list[tuple[str, str]]:
    out = [
        (name, HEAD + "REVIEW OUTCOME:\nUpheld.\n\nPATIENT CLINICAL HISTORY SUMMARY:\n" + s + "\n")
        for name, s in NEGATIVES.items()
    ]
    out += [(name, HEARING.format(sentence=s)) for name, s in HEARING_NEGATIVES.items()]
    return [*out, ("UR notice's own reviewer", UR_NOTICE)]


# phrasings the rules do not read yet (none: keep this empty, or name the gap and why)
GAPS: dict[str, str] = {}

POSITIVES = positive_cases() + hearing_cases() + external_cases()
NEGS = negative_cases()


@pytest.fixture(scope="module")
def predicted(nlp):
    texts = [t for _, t, _ in POSITIVES] + [t for _, t in NEGS]
    cases = [d._.iro_case["reviewer_specialty"] for d in nlp.pipe(texts)]
    return dict(zip([i for i, _, _ in POSITIVES] + [i for i, _ in NEGS], cases))


def _grid_scores(predicted) -> tuple[float, float, list[str]]:
    tp = fp = fn = 0
    wrong = []
    for cid, _, gold in POSITIVES:
        pred = predicted[cid]
        if pred and specialty_match(pred, gold):
            tp += 1
        else:
            fn += 1
            fp += bool(pred)
            wrong.append(f"{cid}: {pred!r} != {gold!r}")
    for cid, _ in NEGS:
        if predicted[cid]:
            fp += 1
            wrong.append(f"{cid}: {predicted[cid]!r} (no IRO reviewer)")
    return tp / (tp + fn), tp / (tp + fp) if tp + fp else 1.0, wrong


def test_grid_summary(predicted):
    recall, precision, wrong = _grid_scores(predicted)
    print(
        f"\nreviewer grid: {len(POSITIVES)} positive, {len(NEGS)} negative; recall {recall:.3f} precision {precision:.3f}"
    )
    for w in wrong:
        print("  ", w)
    assert recall >= 0.95 and precision >= 0.98


@pytest.mark.parametrize("cid,gold", [(c, g) for c, _, g in POSITIVES], ids=[c for c, _, _ in POSITIVES])
def test_grid_positive(predicted, cid, gold):
    if cid in GAPS:
        pytest.xfail(GAPS[cid])
    assert specialty_match(predicted[cid], gold), predicted[cid]


@pytest.mark.parametrize("cid", [c for c, _ in NEGS])
def test_grid_negative(predicted, cid):
    assert predicted[cid] is None
