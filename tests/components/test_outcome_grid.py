# ruff: noqa: E501  (grid rows read better unwrapped)
"""A paraphrase grid of decision statements (who x direction x object x negation x position,
and checkbox marks x layouts), written from how reviewers word an outcome, not from the rules.

Each item is a small letter and the outcome it must give (None for negative controls: a prior
reviewer's ruling told in the history, a party's argument, a hypothetical, an unmarked menu).
``test_grid_scores`` prints recall/precision over the grid; the per-item test names every miss.
"""

from __future__ import annotations

import itertools

import pytest

TOP = "DATE OF REVIEW: 2022-04-01\n\nSERVICE IN DISPUTE: Lumbar MRI without contrast.\n\n"
HISTORY = "CLINICAL HISTORY\nThe worker strained his back lifting a crate. {hist}\n\n"
ANALYSIS = "ANALYSIS AND EXPLANATION OF THE DECISION\nThe records were read in full. {stmt}\n"
DECISION = "DETERMINATION\n{stmt}\n\n"

FLIP = {"upheld": "overturned", "overturned": "upheld"}

# -- statements by the IRO reviewer -------------------------------------------------------
OBJECTS = [
    "the denial",
    "the adverse determination",
    "the prior adverse determination",
    "the carrier's denial",
    "the previous determination",
]
MIDDLES = ["", " under review", " of the requested lumbar MRI", " in this case", ", therefore,"]
PASSIVE = {
    "upheld": ["upheld", "UPHELD", "sustained", "affirmed"],
    "overturned": ["overturned", "OVERTURNED", "reversed"],
}
WHO = ["The reviewer", "I", "The physician reviewer", "This reviewer", "The IRO reviewer"]
AGREE = {"upheld": ["agrees", "concurs"], "overturned": ["disagrees"]}
ACTIVE = {"upheld": "upholds", "overturned": "overturns"}


def _first_person(who: str, verb: str) -> str:
    if who != "I":
        return verb
    return {"agrees": "agree", "concurs": "concur", "disagrees": "disagree", "upholds": "uphold"}.get(
        verb, verb.removesuffix("s")
    )


def statements():
    """(statement, outcome) said by the IRO reviewer."""
    out = []
    for i, (obj, mid) in enumerate(itertools.product(OBJECTS, MIDDLES)):
        for value, verbs in PASSIVE.items():
            verb = verbs[i % len(verbs)]
            adv = "hereby " if i % 3 == 1 else ""
            out.append((f"{obj[0].upper()}{obj[1:]}{mid} is {adv}{verb}.", value))
        if i % 4 == 0:  # negated
            out.append((f"{obj[0].upper()}{obj[1:]}{mid} is not upheld.", "overturned"))
    for who, obj in itertools.product(WHO, OBJECTS):
        for value, verbs in AGREE.items():
            for verb in verbs:
                out.append((f"{who} {_first_person(who, verb)} with {obj}.", value))
        aux = "do" if who == "I" else "does"
        out.append((f"{who} {aux} not agree with {obj}.", "overturned"))
        for value, verb in ACTIVE.items():
            out.append((f"{who} {_first_person(who, verb)} {obj}.", value))
    out += [
        ("The reviewer concurs with the adverse determination, and the denial is sustained.", "upheld"),
        ("I agree with the adverse determination; it is upheld.", "upheld"),
        ("For these reasons the denial of the MRI is hereby overturned.", "overturned"),
        ("Having weighed the records, the reviewer finds the prior denial should be upheld.", "upheld"),
        (
            "The insurer's adverse determination, in the reviewer's opinion, should be overturned.",
            "overturned",
        ),
        ("My determination is that the denial is overturned.", "overturned"),
        # the decision as the reviewer's opinion or recommendation (a subjunctive "be")
        ("It is the opinion of this reviewer that the denial be upheld.", "upheld"),
        (
            "It is the determination of the IRO reviewer that the adverse determination be overturned.",
            "overturned",
        ),
        ("I recommend that the prior denial be overturned.", "overturned"),
        ("The reviewer believes the carrier's denial should be upheld.", "upheld"),
        ("The insurance carrier's decision to deny the MRI is upheld.", "upheld"),
        # in part
        ("The adverse determination is upheld in part.", "partially_overturned"),
        ("The denial is overturned in part and upheld in part.", "partially_overturned"),
        # the service's necessity said by the reviewer, with no word on the denial
        ("The reviewer finds the requested MRI medically necessary.", "overturned"),
        ("I find that the requested lumbar MRI is not medically necessary.", "upheld"),
        ("In my opinion the proposed MRI is medically necessary.", "overturned"),
        (
            "The reviewer concludes that the MRI requested is not reasonable and medically necessary.",
            "upheld",
        ),
        ("The reviewer does not find the requested MRI medically necessary.", "upheld"),
        ("I cannot consider the proposed MRI medically necessary.", "upheld"),
        ("Medical necessity has been established for the requested MRI.", "overturned"),
        ("Medical necessity is not established for the proposed MRI.", "upheld"),
        ("Based on the records, medical necessity for the MRI has not been demonstrated.", "upheld"),
        # words that name an earlier time or an earlier decider, in the IRO's own sentence
        ("As previously discussed, the denial is upheld.", "upheld"),
        ("Since the symptoms then resolved, the adverse determination is upheld.", "upheld"),
        ("The prior adverse determination of the utilization review physician is overturned.", "overturned"),
        # the denial "stands" or not; a refusal reversed (plain-language letters)
        ("For these reasons the carrier's denial stands.", "upheld"),
        ("The adverse determination therefore remains in effect.", "upheld"),
        ("The surgery is medically necessary, and the insurer's denial does not stand.", "overturned"),
        ("The prior denial of the MRI cannot stand.", "overturned"),
        ("The carrier's earlier refusal has been reversed.", "overturned"),
        ("The insurance company's refusal to pay for the MRI is upheld.", "upheld"),
        # questions the reviewer answers, with a marked box or a word
        ("Is the requested MRI medically necessary?\nYes ( )   No (X)", "upheld"),
        ("Is the service in dispute medically necessary?  Yes [X]  No [ ]", "overturned"),
        ("Is the lumbar MRI reasonable and necessary? (X) No ( ) Yes", "upheld"),
        ("Should the carrier's adverse determination be changed? Yes ( ) No (X)", "upheld"),
        ("Should the denial be overturned?\nA. Yes.", "overturned"),
        (
            "Q. Did the reviewer agree that the MRI should be denied?\nA. No. The MRI is needed now.",
            "overturned",
        ),
        ("Does the reviewer agree with the denial? Yes.", "upheld"),
        # one sentence, two directions: a split decision
        (
            "The denial is upheld as to the MRI of the neck and overturned as to the lumbar MRI.",
            "partially_overturned",
        ),
        (
            "The adverse determination is overturned for the first visit but upheld for the remaining eleven.",
            "partially_overturned",
        ),
    ]
    return out


# -- what must not be read as the IRO's decision -----------------------------------------
HISTORY_CONTROLS = [
    ("The reconsideration reviewer upheld the denial.", "upheld"),
    ("The initial reviewer agreed with the carrier's denial.", "upheld"),
    ("On appeal the denial was upheld by a second physician.", "upheld"),
    ("The utilization review agent's peer reviewer upheld the adverse determination on 3/2/2022.", "upheld"),
    ("A first-level reviewer overturned the denial, but the carrier appealed.", "overturned"),
    ('The reconsideration reviewer wrote: "I agree with the denial."', "upheld"),
    (
        "The prior reviewer disagreed with the treating doctor and the denial was upheld on reconsideration.",
        "upheld",
    ),
]
OTHER_CONTROLS = [
    "If the MRI were to show compression, the denial would be overturned.",
    "The carrier asks that the denial be upheld.",
    "The requester argues that the denial should be overturned.",
    "Counsel contends that the adverse determination should be reversed.",
    "The treating surgeon wrote that the MRI is medically necessary.",
    "The utilization reviewer found the MRI not medically necessary.",
    "The reviewer cannot agree with the treating physician's plan.",
    "ODG states that a repeat MRI is not medically necessary without new findings.",
    "Medical necessity was not established at the initial review.",
    "The carrier's reviewer wrote that medical necessity has not been established.",
    "The carrier argues that its denial stands on the ODG criteria.",
    "If the MRI is normal, the denial will remain in effect.",
    "Is the requested MRI medically necessary? Yes ( ) No ( )",
    "The question was whether the denial should be changed? The carrier asked for a review.",
]
MENU = "REVIEW OUTCOME\n[ ] Upheld (Agree)\n[ ] Overturned (Disagree)\n[ ] Partially Overturned\n\n"


def negatives():
    """(letter, expected): negative controls alone give None; next to the IRO's decision,
    that decision."""
    out = []
    for hist, value in HISTORY_CONTROLS:
        out.append((TOP + HISTORY.format(hist=hist) + ANALYSIS.format(stmt=""), None))
        true = FLIP[value]
        stmt = (
            "The denial is overturned." if true == "overturned" else "I agree with the denial; it is upheld."
        )
        out.append((TOP + HISTORY.format(hist=hist) + ANALYSIS.format(stmt=stmt), true))
    for s in OTHER_CONTROLS:
        out.append((TOP + HISTORY.format(hist="") + ANALYSIS.format(stmt=s), None))
    out.append((TOP + MENU + HISTORY.format(hist="") + ANALYSIS.format(stmt=""), None))
    attest = "ATTESTATION\n[X] I agree that I have no conflict of interest in this case.\n\n"
    out.append((TOP + attest + HISTORY.format(hist="") + ANALYSIS.format(stmt=""), None))
    return out


# -- checkbox tables: marks x layouts ------------------------------------------------------
MARKS = [("[X]", "[ ]"), ("[XX]", "[  ]"), ("[x]", "[ ]"), ("[\u221a]", "[ ]"), ("[\u2713]", "[ ]"),
         ("\u2611", "\u2610"), ("\u25a0", "\u25a1"), ("(X)", "( )")]  # fmt: skip
LABELS = [
    [("Upheld (Agree)", "upheld"), ("Overturned (Disagree)", "overturned"), ("Partially Overturned", "partially_overturned")],
    [("AGREE / UPHOLD the denial", "upheld"), ("DISAGREE / OVERTURN the denial", "overturned")],
    [("Agree", "upheld"), ("Disagree", "overturned")],
    [("Agree (Upheld)", "upheld"), ("Disagree (Overturned)", "overturned"), ("Agree in part / Disagree in part", "partially_overturned")],
    [("Upheld - the reviewer agrees with the adverse determination", "upheld"),
     ("Overturned - the reviewer disagrees with the adverse determination", "overturned"),
     ("Partially overturned", "partially_overturned")],
]  # fmt: skip


def tables():
    out = []
    for (on, off), labels in itertools.product(MARKS, LABELS):
        for k in range(len(labels)):
            rows = "\n".join(f"{on if i == k else off} {lab}" for i, (lab, _) in enumerate(labels))
            out.append((TOP + "REVIEW OUTCOME\n" + rows + "\n\n" + HISTORY.format(hist=""), labels[k][1]))
    for labels in LABELS:
        width = max(len(lab) for lab, _ in labels) + 1
        for k in range(len(labels)):
            pipe = "\n".join(
                f"| {'X' if i == k else ' '} | {lab:<{width}}|" for i, (lab, _) in enumerate(labels)
            )
            dots = "\n".join(
                f"{lab} {'.' * 12} {'YES' if i == k else 'NO'}" for i, (lab, _) in enumerate(labels)
            )
            after = "\n".join(f"{lab} {'.' * 8} {'X' if i == k else ''}" for i, (lab, _) in enumerate(labels))
            blanks = "\n".join(f"{lab} {'__X__' if i == k else '_____'}" for i, (lab, _) in enumerate(labels))
            for rows in (pipe, dots, after, blanks):
                out.append(
                    (
                        TOP + "Result of the review:\n\n" + rows + "\n\n" + HISTORY.format(hist=""),
                        labels[k][1],
                    )
                )
    return out


def split_decisions():
    """One service's result is not the letter's: services listed with their own outcome."""
    items = [("a lumbar MRI", "overturned"), ("EMG/NCV of both legs", "upheld")]
    forms = [
        "(a) {s0} - medical necessity established, the denial is {v0}; (b) {s1} - not established, the denial is {v1}.",
        "As to {s0}, the denial is {v0}. As to {s1}, the denial is {v1}.",
        "1. {s0}: the adverse determination is {v0}.\n2. {s1}: the adverse determination is {v1}.",
    ]
    out = []
    for f in forms:
        (s0, v0), (s1, v1) = items
        out.append(
            (
                TOP + HISTORY.format(hist="") + DECISION.format(stmt=f.format(s0=s0, v0=v0, s1=s1, v1=v1)),
                "partially_overturned",
            )
        )
    return out


def grid():
    items = []
    for n, (stmt, value) in enumerate(statements()):
        where = n % 2  # in a DETERMINATION section at the top, or closing the analysis
        body = (
            DECISION.format(stmt=stmt) + HISTORY.format(hist="")
            if where == 0
            else HISTORY.format(hist="") + ANALYSIS.format(stmt=stmt)
        )
        items.append((TOP + body, value))
    return items + negatives() + tables() + split_decisions()


GRID = grid()

# phrasings the rules leave unsupported, each with its reason (kept in the grid, not deleted)
GAPS: dict[str, str] = {}


@pytest.fixture(scope="module")
def outcomes(nlp):
    return [nlp(text)._.iro_case["outcome"] for text, _ in GRID]


def score(got, items):
    predicted = sum(1 for g in got if g is not None)
    positives = sum(1 for _, want in items if want is not None)
    right = sum(1 for g, (_, want) in zip(got, items) if g is not None and g == want)
    right_none = sum(1 for g, (_, want) in zip(got, items) if want is None and g is None)
    negatives = len(items) - positives
    return right / max(positives, 1), right / max(predicted, 1), right_none / max(negatives, 1)


def test_grid_scores(outcomes, capsys):
    recall, precision, controls = score(outcomes, GRID)
    with capsys.disabled():
        print(f"\noutcome grid: {len(GRID)} items, recall {recall:.3f}, precision {precision:.3f}, "
              f"negative controls kept None {controls:.3f}")  # fmt: skip
    assert recall >= 0.97 and precision >= 0.98 and controls == 1.0


@pytest.mark.parametrize("i", range(len(GRID)))
def test_grid_item(outcomes, i):
    text, want = GRID[i]
    reason = next((r for k, r in GAPS.items() if k in text), None)
    if reason and outcomes[i] != want:
        pytest.xfail(reason)
    assert outcomes[i] == want, text
