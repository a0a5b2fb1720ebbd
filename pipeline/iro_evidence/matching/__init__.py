"""The matching engine: everything that makes rules fast, behind one seam.

Components hold domain logic only and reach the engine through these names:

- ``Triggers``/``Hits``: where a component's rules can match (``PatternTriggers``: also
  named regexes and words checked by a regex as triggers; ``gate_open``: a rule's words
  occur at all). Every component's trigger
  words are found in one pass per Doc (``triggers.index``); a rule runs only in windows
  around its words.
- ``required_words``, ``first_class``, ``max_non_space``: what a rule's regex must match,
  read from its source by our own parser (``regex``), to derive triggers and skip ahead.
- ``FirstCharRegex``: search that skips to the characters a match can start with.
- ``NearMatcher``: a spaCy Matcher for literal and bracket patterns, run only where one can start.
- ``Folded``/``can_fold``: a case-insensitive regex run as a case-sensitive one over the
  lower-cased text.
- ``compile_alternation``, ``phrase_key``, ``phrase_triggers``, ``expand_leading_in``:
  phrase lists as fast regexes and token patterns.
- ``context``: ConText's algorithm (medspaCy's rules and semantics) run only in the
  sentences that hold targets, for ``iro_assertion`` and ``iro_sections``.
- ``Rule``/``View``: one rule as the engine runs it (a regex, its words, where it is tried)
  over one text (its lower-cased twin and trigger hits); ``sentences_holding`` and
  ``runs_before`` narrow a text to the sentences or runs a rule can match in; ``match_at``
  tries a rule only at its start words.
- ``WordRunMatcher``: token patterns that each hold a fixed run of words, run only where
  those words are (the section headings).
- ``doc_text``, ``doc_lower``, ``sentence_starts``, ``char_span``: read off a Doc once.

Every shortcut here gives exactly what the plain regex gives over the whole text; the
tests compare the two on every letter we have (tests/test_triggers.py, test_first_char.py,
test_casefold.py, test_matching_regex.py).
"""

from .casefold import Folded, can_fold
from .doc import char_span, sentence_starts
from .near import NearMatcher
from .phrases import compile_alternation, expand_leading_in, phrase_key, phrase_triggers
from .regex import first_class, max_non_space, required_words
from .rules import Rule, View, runs_before, sentences_holding
from .search import FirstCharRegex
from .starts import match_at
from .triggers import (
    Hits,
    PatternTriggers,
    Triggers,
    blank_spaces,
    doc_lower,
    doc_text,
    find_words,
    gate_open,
    gate_words,
    index,
    intersect,
    register,
    rule_words,
)
from .wordruns import WordRunMatcher

__all__ = [
    "FirstCharRegex",
    "Folded",
    "Hits",
    "NearMatcher",
    "PatternTriggers",
    "Rule",
    "Triggers",
    "View",
    "WordRunMatcher",
    "blank_spaces",
    "can_fold",
    "char_span",
    "compile_alternation",
    "doc_lower",
    "doc_text",
    "expand_leading_in",
    "find_words",
    "sentence_starts",
    "first_class",
    "gate_open",
    "gate_words",
    "index",
    "intersect",
    "match_at",
    "max_non_space",
    "phrase_key",
    "phrase_triggers",
    "register",
    "required_words",
    "rule_words",
    "runs_before",
    "sentences_holding",
]
