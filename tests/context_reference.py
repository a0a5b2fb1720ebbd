"""The slow reference for ``iro_assertion``'s ConText path: medspaCy's own matcher,
modifier and graph classes over the whole Doc, and ``OwnScopeModifier``, medspaCy's
modifier with the scope rule of ``same_category_cuts`` False (it sets medspaCy's own scope
attributes, which is why it lives here and not in the pipeline)."""

from __future__ import annotations

import copy

from iro_evidence.matching.context import carries_on, prune_matches
from medspacy.common.medspacy_matcher import MedspacyMatcher
from medspacy.context import ConTextGraph, ConTextModifier
from medspacy.util import tuple_overlaps


class OwnScopeModifier(ConTextModifier):
    """medspaCy's modifier, with a cue of its own category cutting its scope only where
    that cue's scope carries on (``carries_on``); terminating cues cut as before."""

    def limit_scope(self, other: ConTextModifier) -> bool:
        if self.direction.upper() != "TERMINATE" and (
            other.direction.upper() != "TERMINATE"
            and other.category.upper() not in self.rule.terminated_by
            and other.category.upper() == self.category.upper()
        ):
            ahead, behind = carries_on(self.direction, other.direction)
            if not tuple_overlaps(self.scope_span, other.scope_span):
                return False
            if self.category == other.category and (
                self.allowed_types != other.allowed_types or self.excluded_types != other.excluded_types
            ):
                return False
            orig = self.scope_span
            direction = self.direction.lower()
            if ahead and direction in ("forward", "bidirectional") and other > self:
                self._scope_end = min(self._scope_end, other.modifier_span[0])
            if behind and direction in ("backward", "bidirectional") and other < self:
                self._scope_start = max(self._scope_start, other.modifier_span[1])
            return orig != self.scope_span
        return super().limit_scope(other)


def medspacy_matcher(nlp, fast):
    """medspaCy's matcher holding a ``SentenceContext``'s ConText rules (copies, same
    order), its match ids mapped to ours (through its ``rule_map``)."""
    matcher = MedspacyMatcher(nlp, name="reference", prune=False)
    matcher.add(copy.deepcopy(fast.context.rules))
    strings = nlp.vocab.strings
    ours = {strings.add(key): m for key, m in zip(matcher.rule_map, fast.match_ids)}
    return lambda doc: [(ours[m], s, e) for m, s, e in matcher(doc)]


def medspacy_edges(nlp, comp, doc, targets, keep=None):
    """((target start, end), category) of every edge medspaCy's classes draw on the whole
    Doc: its matcher, pruning, modifiers and ``ConTextGraph`` (the steps of
    ``ConText.__call__``, with ``keep`` applied to the matches first)."""
    matches = medspacy_matcher(nlp, comp.fast)(doc)
    if keep is not None:
        matches = keep(matches)
    matches = prune_matches(matches)
    modifier = ConTextModifier if comp.fast.same_category_cuts else OwnScopeModifier
    mods = [modifier(comp.fast.rule_of[m], s, e, doc) for m, s, e in matches]
    graph = ConTextGraph(prune_on_modifier_overlap=comp.context.prune_on_target_overlap)
    graph.targets, graph.modifiers = list(targets), mods
    graph.update_scopes()
    graph.apply_modifiers()
    return [((t.start, t.end), m.category) for t, m in graph.edges]
