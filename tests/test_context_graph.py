"""``prune_matches`` and ``block_edges`` stand in for medspaCy's
``prune_overlapping_matches`` and ``ConTextGraph``: same results on many random cases
(tests/test_assertion_fast.py compares the whole path on every letter)."""

from __future__ import annotations

import random

from iro_evidence.matching.context import block_edges, prune_matches
from medspacy.common.util import prune_overlapping_matches
from medspacy.context import ConTextGraph, ConTextModifier, ConTextRule


def test_prune_matches_is_medspacys():
    rng = random.Random(7)
    for _ in range(3000):
        matches = []
        for _ in range(rng.randint(0, 9)):
            s = rng.randint(0, 15)
            matches.append((rng.randint(1, 4), s, s + rng.randint(1, 5)))
        assert prune_matches(list(matches)) == prune_overlapping_matches(list(matches))


RULES = [
    ConTextRule("no", "NEGATED_EXISTENCE", direction="FORWARD"),
    ConTextRule("denies", "NEGATED_EXISTENCE", direction="FORWARD", max_targets=1),
    ConTextRule("is ruled out", "NEGATED_EXISTENCE", direction="BACKWARD"),
    ConTextRule(
        "possible", "POSSIBLE_EXISTENCE", direction="BIDIRECTIONAL", terminated_by={"NEGATED_EXISTENCE"}
    ),
    ConTextRule("history of", "HISTORICAL", direction="FORWARD", allowed_types={"PROBLEM"}),
    ConTextRule("family", "FAMILY", direction="FORWARD", excluded_types={"TEST"}),
    ConTextRule("but", "CONJ", direction="TERMINATE"),
    ConTextRule("no increase", "PSEUDO", direction="PSEUDO"),
]


def test_block_edges_are_context_graphs(nlp):
    doc = nlp.make_doc(" ".join(["word"] * 40))
    rng = random.Random(11)
    drawn = 0
    for case in range(1500):
        s0, s1 = 0, rng.randint(10, 40)  # one sentence
        targets = []
        for _ in range(rng.randint(1, 4)):
            a = rng.randint(s0, s1 - 1)
            span = doc[a : min(s1, a + rng.randint(1, 3))]
            span.label_ = rng.choice(["PROBLEM", "TEST"])
            targets.append(span)
        targets.sort(key=lambda t: (t.start, t.end))
        found = []
        for _ in range(rng.randint(1, 6)):
            rule = rng.choice(RULES)
            a = rng.randint(s0, s1 - 1)
            b = min(s1, a + rng.randint(1, 3))
            lo, hi = {"FORWARD": (b, s1), "BACKWARD": (s0, a)}.get(rule.direction, (s0, s1))
            found.append((rule, a, b, lo, hi))
        found.sort(key=lambda f: (f[1], f[2]))
        for prune in (False, True):
            mods = [ConTextModifier(r, a, b, doc, scope_start=lo, scope_end=hi) for r, a, b, lo, hi in found]
            graph = ConTextGraph(targets=list(targets), modifiers=mods, prune_on_modifier_overlap=prune)
            graph.update_scopes()
            graph.apply_modifiers()
            want = [((t.start, t.end), m.category) for t, m in graph.edges]
            assert block_edges(found, targets, prune) == want, case
            drawn += len(want)
    assert drawn > 1000  # the cases do draw edges
