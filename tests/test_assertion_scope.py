"""Scopes with ``same_category_cuts`` False: ``block_edges`` and the graph of
``OwnScopeModifier`` (medspaCy's classes otherwise) draw the same edges on many random
cases, and a cue of the same category cuts a scope only where its own scope carries on."""

from __future__ import annotations

import random

from context_reference import OwnScopeModifier
from iro_evidence.matching.context import block_edges, carries_on
from medspacy.context import ConTextGraph, ConTextModifier, ConTextRule

RULES = [
    ConTextRule("no", "NEGATED_EXISTENCE", direction="FORWARD"),
    ConTextRule("is ruled out", "NEGATED_EXISTENCE", direction="BACKWARD"),
    ConTextRule(": no", "NEGATED_EXISTENCE", direction="BIDIRECTIONAL"),
    ConTextRule("if", "HYPOTHETICAL", direction="FORWARD"),
    ConTextRule("develops", "HYPOTHETICAL", direction="BACKWARD", max_scope=6),
    ConTextRule(
        "possible", "POSSIBLE_EXISTENCE", direction="BIDIRECTIONAL", terminated_by={"NEGATED_EXISTENCE"}
    ),
    ConTextRule("history of", "HISTORICAL", direction="FORWARD", allowed_types={"PROBLEM"}),
    ConTextRule("but", "CONJ", direction="TERMINATE"),
    ConTextRule("no increase", "PSEUDO", direction="PSEUDO"),
]


def graph_edges(found, targets, doc, modifier, prune):
    mods = [modifier(r, a, b, doc, scope_start=lo, scope_end=hi) for r, a, b, lo, hi in found]
    graph = ConTextGraph(targets=list(targets), modifiers=mods, prune_on_modifier_overlap=prune)
    graph.update_scopes()
    graph.apply_modifiers()
    return [((t.start, t.end), m.category) for t, m in graph.edges]


def test_block_edges_are_own_scope_graphs(nlp):
    doc = nlp.make_doc(" ".join(["word"] * 40))
    rng = random.Random(16)
    differ = 0
    for case in range(1500):
        s1 = rng.randint(10, 40)
        targets = []
        for _ in range(rng.randint(1, 4)):
            a = rng.randint(0, s1 - 1)
            span = doc[a : min(s1, a + rng.randint(1, 3))]
            span.label_ = rng.choice(["PROBLEM", "TEST"])
            targets.append(span)
        targets.sort(key=lambda t: (t.start, t.end))
        found = []
        for _ in range(rng.randint(1, 6)):
            rule = rng.choice(RULES)
            a = rng.randint(0, s1 - 1)
            b = min(s1, a + rng.randint(1, 3))
            lo, hi = {"FORWARD": (b, s1), "BACKWARD": (0, a)}.get(rule.direction, (0, s1))
            found.append((rule, a, b, lo, hi))
        found.sort(key=lambda f: (f[1], f[2]))
        for prune in (False, True):
            want = graph_edges(found, targets, doc, OwnScopeModifier, prune)
            assert block_edges(found, targets, prune, same_category_cuts=False) == want, case
            differ += want != graph_edges(found, targets, doc, ConTextModifier, prune)
    assert differ > 20  # the setting does change scopes


def test_carries_on():
    assert carries_on("forward", "forward") == (True, False)
    assert carries_on("forward", "backward") == (False, True)
    assert carries_on("backward", "bidirectional") == (True, True)


def test_backward_cue_does_not_end_a_forward_one(nlp):
    doc = nlp.make_doc("return if he develops nausea , vomiting or chills")
    targets = [doc[4:5], doc[6:7], doc[8:9]]
    found = [(RULES[3], 1, 2, 2, 9), (RULES[4], 3, 4, 0, 3)]
    assert block_edges(found, targets, True, same_category_cuts=True) == []
    assert block_edges(found, targets, True, same_category_cuts=False) == [
        ((4, 5), "HYPOTHETICAL"),
        ((6, 7), "HYPOTHETICAL"),
        ((8, 9), "HYPOTHETICAL"),
    ]
    # a forward cue of the same category still takes over ("no CHF, no pneumonia")
    doc = nlp.make_doc("no chf , no pneumonia")
    found = [(RULES[0], 0, 1, 1, 5), (RULES[0], 3, 4, 4, 5)]
    kept = graph_edges(found, [doc[1:2], doc[4:5]], doc, OwnScopeModifier, True)
    assert kept == [((1, 2), "NEGATED_EXISTENCE"), ((4, 5), "NEGATED_EXISTENCE")]
