# ruff: noqa: E501  (letter text in test data reads better unwrapped)
"""Paraphrase grid for the guidelines a letter cites (issue 13).

Citation frames (the reviewer relying on a guideline, a "criteria used" line, a reference
list entry, a guideline quoted in the analysis) crossed with the names each guideline goes
by, written as reviewers write them; checklist layouts (bracket boxes, ballot boxes, bare X
marks, pipe tables, tick marks) with marked and unmarked items; and negative controls (an
unmarked checklist item, a statute's definition of evidence-based medicine, the Texas
Medical Foundation as the IRO's own name, unnamed "treatment guidelines").

``python -m pytest -q -s tests/components/test_guidelines_grid.py -k summary`` prints
recall and precision (over guideline codes)."""

from __future__ import annotations

import itertools

import pytest

HEAD = "NOTICE OF INDEPENDENT REVIEW DECISION\n\nDate of review: 06/03/2020\n\nREVIEW OUTCOME:\nUpheld.\n\n"

# code -> the names a letter gives it
NAMES = {
    "ODG": [
        "the Official Disability Guidelines",
        "ODG",
        "ODG by MCG",
        "the ODG Treatment in Workers' Comp, Low Back chapter",
        "Official Disability Guidelines (ODG), Neck and Upper Back",
        "ODG-TWC",
        "the Official Disability Guidelines - Treatment in Workers' Compensation, 2019 web edition",
        "the Work Loss Data Institute guidelines",
        "MCG's Official Disability Guidelines",
        "MCG Health ODG, Pain chapter",
    ],
    "ACOEM": [
        "the ACOEM Practice Guidelines",
        "the American College of Occupational and Environmental Medicine guidelines",
        "ACOEM's Occupational Medicine Practice Guidelines, 2nd Edition",
    ],
    "MTUS": ["the California MTUS", "the Medical Treatment Utilization Schedule"],
    "AMA_GUIDES": [
        "the AMA Guides to the Evaluation of Permanent Impairment, 6th Edition",
        "the AMA Guides",
        "the Guides to the Evaluation of Permanent Impairment, fourth edition",
    ],
    "INTERQUAL": ["the InterQual criteria", "McKesson InterQual", "InterQual\u00ae Procedures criteria"],
    "MILLIMAN": [
        "the Milliman Care Guidelines",
        "MCG (formerly Milliman) care guidelines",
        "the MCG care guidelines",
        "Milliman\u00ae criteria",
    ],
    "MEDICARE": [
        "the Medicare local coverage determination",
        "Medicare guidelines",
        "the CMS Medicare National Coverage Determination",
        "MEDICARE COVERAGE GUIDELINES",
    ],
    "TMF": ["the TMF Screening Criteria Manual", "the Texas Medical Foundation screening criteria"],
    "DWC": [
        "the Division's medical fee guideline (28 TAC 134.203)",
        "the Division's rules on preauthorization at 28 TAC 134.600",
        "the Texas Division of Workers' Compensation preauthorization rules",
        "DWC rules",
        "the Texas Department of Insurance, Division of Workers' Compensation treatment guidelines",
        "the Division's treatment guidelines (28 TAC 137.100)",
        "the TDI-DWC pharmacy closed formulary rules",
    ],
    "PEER_REVIEWED": [
        "the peer-reviewed medical literature",
        "a review of the published literature",
        "Manchikanti et al (2013)",
        "an article in the Journal of Bone and Joint Surgery",
        "peer reviewed, evidence-based studies",
        "two randomized controlled trials of the procedure",
        "a 2018 meta-analysis of fusion outcomes",
        "a recent systematic review of radiofrequency ablation",
    ],
    "OTHER": [
        "the Neuromodulation Appropriateness Consensus Committee (NACC) recommendations",
        "the NACC consensus guidance",
        "the North American Spine Society coverage recommendations",
        "the AANS/CNS guideline",
        "the Colorado Medical Treatment Guidelines",
        "UpToDate",
        "the Spine Intervention Society practice guidelines",
        "the ASIPP guidelines",
        "the ACR Appropriateness Criteria",
        "the Hayes technology assessment",
        "a Cochrane review",
        "the ASRA consensus guidelines",
        "the Aetna Clinical Policy Bulletin on spinal surgery",
        "UnitedHealthcare Medical Policy for epidural injections",
        "the Cigna Coverage Policy on facet joint injections",
        "the Oregon Medical Treatment Guidelines",
        "the Louisiana Workers' Compensation Medical Treatment Guidelines",
        "Apollo Medical Review Criteria",
        # a medical society's own guideline, by name or initials
        "the American Academy of Orthopaedic Surgeons clinical practice guideline on rotator cuff injuries",
        "the AAOS Clinical Practice Guideline on the management of hip fractures",
        "the American Society of Anesthesiologists practice guidelines for chronic pain management",
        "the American Academy of Neurology (AAN) guideline on electrodiagnosis",
        "the American College of Physicians recommendations on low back pain",
    ],
}

FRAMES = {
    "relied on": "In reaching this decision the reviewer relied on {name}.",
    "criteria used label": "CRITERIA USED: {name}; the reviewer's clinical experience.",
    "per": "Per {name}, a repeat procedure requires documented improvement of at least fifty percent.",
    "does not support": "The request is not consistent with {name}, which call for objective findings first.",
    "reference list": "REFERENCES\n1. {name}.\n2. Medical judgment, clinical experience and expertise.",
    "considered": "The reviewer considered {name} in addition to the records.",
}


def citation_cases() -> list[tuple[str, str, set[str]]]:
    return [
        (
            f"{fname} / {name}",
            HEAD + "ANALYSIS AND EXPLANATION OF THE DECISION:\n" + frame.format(name=name) + "\n",
            {code},
        )
        for (fname, frame), (code, name) in itertools.product(
            FRAMES.items(), [(c, n) for c, ns in NAMES.items() for n in ns]
        )
    ]


LIST_HEAD = "A DESCRIPTION AND THE SOURCE OF THE SCREENING CRITERIA OR OTHER CLINICAL BASIS USED TO MAKE THE DECISION:\n"
ITEMS = [
    ("ACOEM", "ACOEM - American College of Occupational & Environmental Medicine UM Knowledgebase"),
    ("DWC", "DWC - Division of Workers' Compensation Policies or Guidelines"),
    ("INTERQUAL", "InterQual Criteria"),
    (
        None,
        "Medical judgment, clinical experience, and expertise in accordance with accepted medical standards",
    ),
    ("MILLIMAN", "Milliman Care Guidelines"),
    ("ODG", "ODG - Official Disability Guidelines & Treatment Guidelines"),
    ("TMF", "TMF Screening Criteria Manual"),
    ("PEER_REVIEWED", "Peer reviewed nationally accepted medical literature (provide a description)"),
    ("OTHER", "Texas Guidelines for Chiropractic Quality Assurance & Practice Parameters"),
]
# (layout name, marked box, empty box, how a line is written)
LAYOUTS = [
    ("[X] / [ ]", "[X]", "[ ]", "{box} {label}"),
    ("[ X ] / [   ]", "[ X ]", "[   ]", "{box} {label}"),
    ("[√] / [  ]", "[√]", "[  ]", "{box} {label}"),
    ("[XX] / [  ]", "[XX]", "[  ]", "{box} {label}"),
    ("☑ / ☐", "☑", "☐", "{box} {label}"),
    ("☒ / ☐", "☒", "☐", "{box} {label}"),
    ("■ / □", "■", "□", "{box} {label}"),
    ("bare X / blank", "X", "", "{box}\t{label}"),
    ("pipe table X / blank", "X", " ", "| {box} | {label} |"),
    ("(X) / ( )", "(X)", "( )", "{box} {label}"),
    ("label then [X] / [ ]", "[X]", "[ ]", "{label} {box}"),
    ("label then (x) / ( )", "(x)", "( )", "{label} {box}"),
    ("pipe table label then X / blank", "X", " ", "| {label} | {box} |"),
    ("pipe table with a check mark", "\u2713", " ", "| {box} | {label} |"),
]
# which items are marked, by index into ITEMS
MARKINGS = [(5,), (1, 5), (0, 5, 7), (2, 4), (6,), (8,)]


def checklist_cases() -> list[tuple[str, str, set[str]]]:
    out = []
    for (lname, on, off, line), marked in itertools.product(LAYOUTS, MARKINGS):
        rows = []
        for k, (_code, label) in enumerate(ITEMS):
            box = on if k in marked else off
            rows.append(line.format(box=box, label=label).strip() if box else "\t" + label)
        text = (
            HEAD
            + LIST_HEAD
            + "\n".join(rows)
            + "\n\nPATIENT CLINICAL HISTORY SUMMARY:\nThe claimant hurt his back.\n"
        )
        expected = {ITEMS[k][0] for k in marked if ITEMS[k][0]}
        out.append((f"checklist {lname} marked {marked}", text, expected))
    return out


NEGATIVES = {
    "evidence-based medicine definition": "Texas Labor Code 401.011(18-a) defines evidence-based medicine as the use of current best quality scientific and medical evidence formulated from credible scientific studies, including peer-reviewed medical literature.",
    "TMF as the IRO": "This decision was made by the Texas Medical Foundation, an independent review organization certified by the Texas Department of Insurance.",
    "unnamed treatment guidelines": "The request is not supported by the treatment guidelines or by the clinical practice guidelines in general.",
    "medicare as insurer words": "The claimant is not a medicare beneficiary and his health plan is private.",
    "Medicare as the claimant's payer": "The claimant is 68 years old and also has Medicare as a secondary payer.",
    "only unticked boxes": "Criteria: [ ] ODG [ ] ACOEM [ ] InterQual. The reviewer used clinical judgment alone.",
    "only empty ballot boxes": "\u2610 Official Disability Guidelines\n\u2610 Milliman Care Guidelines\nReviewer's own clinical experience.",
    "the Division's procedural rules": "The parties were notified under the Division's rules and the appeal is timely.",
    "Labor Code chapter boilerplate": "This case is decided pursuant to Chapter 410 of the Texas Workers' Compensation Act and Rules of the Division of Workers' Compensation.",
    "unnamed clinical guidelines": "Current clinical practice guidelines do not support the procedure.",
    "a society as the reviewer's fellowship": "The reviewer is a fellow of the American Academy of Orthopaedic Surgeons. The guidelines cited by the carrier do not apply here.",
    "a society that publishes no guideline here": "He presented the case at a meeting of the American Society of Anesthesiologists, whose recommendations on dosing he follows.",
}


def negative_cases() -> list[tuple[str, str, set[str]]]:
    return [
        (name, HEAD + "ANALYSIS AND EXPLANATION OF THE DECISION:\n" + s + "\n", set())
        for name, s in NEGATIVES.items()
    ]


CASES = citation_cases() + checklist_cases() + negative_cases()
# phrasings the rules do not read yet (name the gap and why)
GAPS: dict[str, str] = {}


@pytest.fixture(scope="module")
def predicted(nlp):
    return {
        cid: set(d._.iro_case["guidelines"])
        for (cid, _, _), d in zip(CASES, nlp.pipe(t for _, t, _ in CASES))
    }


def test_grid_summary(predicted):
    tp = fp = fn = 0
    wrong = []
    for cid, _, gold in CASES:
        pred = predicted[cid]
        tp, fp, fn = tp + len(pred & gold), fp + len(pred - gold), fn + len(gold - pred)
        if pred != gold:
            wrong.append(f"{cid}: {sorted(pred)} != {sorted(gold)}")
    recall, precision = tp / (tp + fn), tp / (tp + fp) if tp + fp else 1.0
    print(f"\nguidelines grid: {len(CASES)} letters; recall {recall:.3f} precision {precision:.3f}")
    for w in wrong:
        print("  ", w)
    assert recall >= 0.95 and precision >= 0.98


@pytest.mark.parametrize("cid,gold", [(c, g) for c, _, g in CASES], ids=[c for c, _, _ in CASES])
def test_grid_case(predicted, cid, gold):
    if cid in GAPS:
        pytest.xfail(GAPS[cid])
    assert predicted[cid] == gold
