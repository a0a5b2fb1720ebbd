"""Assertion and attribution of every fact, with medspaCy's ConText.

ConText runs once over the union of the fact span groups (concepts, exam signs,
findings, studies, sizes, levels) with medspaCy's default rules plus ours
(``patterns/context.json``), including a ``NOT_DOCUMENTED`` category for "no documented",
"fails to establish", "was not provided": absence of documentation, which analysts must
tell apart from a clinical negative.

Scope survives PDF line breaks: every rule becomes a token pattern that lets whitespace
tokens sit between its words, and the sentence splitter does not end a sentence at a
wrapped line. Conflicts are settled by fixed, documented rules (``resolve``):
not documented beats possible beats negated (one existence status per fact: "cannot
exclude" is a hedge, "no documented X" is no clinical negative); family beats historical
("family history of"); a negated or not-documented fact is not historical ("no history
of", "prior stroke with no residual deficit"). Sections such as PAST MEDICAL HISTORY add
their flag.

Each span gets plain bools ``_.is_negated``, ``_.is_possible``, ``_.is_hypothetical``,
``_.is_historical``, ``_.is_family``, ``_.is_not_documented`` and ``_.attribution``: who
asserts it (``iro_reviewer``, ``utilization_reviewer``, ``requesting_provider``,
``examining_physician``, ``claimant``, ``hearing_officer``, ``medical_records``). Letters
nest voices ("The request was denied. The reviewer stated that ..."), so attribution reads
reporting constructions (``Attributor``, rules in ``context.json`` "attribution"): the
nearest cue in the sentence, else a cue carried from earlier in the paragraph, else the
section's role for the letter genre (IRO letter, hearing decision, UR letter).

For speed, ConText runs only where it can change a fact (``SentenceContext``: the same
matches and edges as medspaCy's ConText component on the whole Doc) and each attribution
regex only near its trigger words; no medspaCy object is left on the Doc, so it pickles.
"""

from __future__ import annotations

import bisect
import re

from medspacy.context import ConText, ConTextRule
from spacy.tokens import Doc, Span

# the helpers live in their own modules; re-exported here for the tests and older imports
from .attribution import Attributor, SpacedTriggers, WordGrams, blank_spaces  # noqa: F401
from .base import (
    RuleComponent,
    doc_lower,
    doc_text,
    ensure_sentences,
    expand_leading_in,
    sentence_starts,
)
from .context_scope import SentenceContext, member, pattern_starts, plain_extensions, sieve  # noqa: F401
from .extensions import ASSERTION_FLAGS, EXT_PREFIX, ext_key

MEDSPACY_KEYS = ("modifiers", "context_graph")
FLAG_ATTRS = [(flag, f"is_{flag}") for flag in ASSERTION_FLAGS]
OWN_EXTENSIONS = frozenset([attr for _, attr in FLAG_ATTRS] + ["attribution"])  # the span values written here


class AssertionDetector(RuleComponent):
    rules_file = "context.json"

    def compile(self) -> None:
        r = self.rules
        self.category_flag = r.get("categories", {})
        self.section_flags = r.get("section_flags", {})
        self.target_groups = r.get("target_groups", [])
        self.attributor = Attributor(r.get("attribution", {}), r.get("section_attribution"))
        self.context = ConText(
            self.nlp,
            name=f"{self.name}_context",
            rules=None,
            span_attrs=None,
            input_span_type="group",
            span_group_name="_iro_targets",
        )
        rules = []
        for d in r.get("context_rules", []):
            d = wrap_tolerant(d)
            if isinstance(d.get("pattern"), list):
                # perf: one pattern per leading word, so the matcher needs no Python predicate
                rules += [ConTextRule.from_dict({**d, "pattern": p}) for p in expand_leading_in(d["pattern"])]
            else:
                rules.append(ConTextRule.from_dict(d))
        self.context.add(rules)
        self.fast = SentenceContext(self.nlp, self.context)

    def __call__(self, doc: Doc) -> Doc:
        ensure_sentences(doc)
        targets = []
        for key in self.target_groups:
            if key in doc.spans:
                targets.extend(doc.spans[key])
        self.qualify_spans(doc, targets)
        return doc

    def qualify_spans(self, doc: Doc, targets: list[Span], reference: bool = False) -> list[dict]:
        """Set and return the assertion flags of ``targets`` (spans of ``doc``).

        ``reference=True`` runs medspaCy's ConText component over the whole Doc instead of
        the sentence-block path (``SentenceContext``); both give the same flags
        (tests/test_assertion_fast.py checks it on every letter)."""
        unique = {(s.start, s.end): s for s in targets}
        if not unique:  # nothing to flag or attribute
            return []
        ordered = [unique[k] for k in sorted(unique)]  # by (start, end): the keys are distinct
        sent_toks, sent_chars = sentence_starts(doc)
        if reference or not self.fast.exact:
            edges = self.reference_edges(doc, ordered)
        else:
            edges = self.fast.edges(doc, ordered, sent_toks)
        flags: dict[tuple[int, int], dict] = {k: dict.fromkeys(ASSERTION_FLAGS, False) for k in unique}
        for key, category in edges:
            flag = self.category_flag.get(category)
            if flag:
                flags[key][flag] = True
        sections = list(doc.spans["sections"]) if "sections" in doc.spans else []
        sec_starts = [s.start for s in sections]
        sec_labels = [s.label_ for s in sections]
        text = doc_text(doc)
        hits = None if reference else self.attributor.triggers.scan(text, doc_lower(doc))
        found = self.attributor.find(text, hits)
        attribute = self.attributor.for_doc(text, sections, sent_chars, found, hits)
        # perf: values go straight where span._ keeps them, doc.user_data[("._.", name,
        # start_char, end_char)] (extensions.span_values reads them there), unless someone
        # gave our extensions a setter
        store = doc.user_data if plain_extensions() else None
        # perf: a Doc holding none of these values yet (the usual case) only gets those that
        # differ from the extensions' defaults (False, None); span._ and span_values' readers
        # fill in the defaults, and a few hundred fewer keys are written and read back.
        # A Doc qualified before gets every value, so none of its old ones survive.
        sparse = store is not None and not any(
            type(k) is tuple and len(k) == 4 and k[0] == EXT_PREFIX and k[1] in OWN_EXTENSIONS for k in store
        )
        flagged = {key for key, _ in edges}  # perf: the others stay all False unless a section flags them
        section_flags = self.section_flags
        for key, span in unique.items():
            start, f = key[0], flags[key]
            k = bisect.bisect_right(sec_starts, start) - 1
            section = sec_labels[k] if k >= 0 else None
            touched = True
            if section in section_flags:
                f[section_flags[section]] = True
                resolve(f)
            elif key in flagged:
                resolve(f)
            else:
                touched = False  # all flags False
            a, b = span.start_char, span.end_char
            who = attribute(a, b, bisect.bisect_right(sent_toks, start) - 1, section)
            if store is None:
                ext = span._
                for flag, attr in FLAG_ATTRS:
                    setattr(ext, attr, f[flag])
                ext.attribution = who
            elif sparse:
                if touched:
                    store.update([(ext_key(attr, a, b), True) for flag, attr in FLAG_ATTRS if f[flag]])
                if who is not None:
                    store[ext_key("attribution", a, b)] = who
            else:
                store.update([(ext_key(attr, a, b), f[flag]) for flag, attr in FLAG_ATTRS])
                store[ext_key("attribution", a, b)] = who
        return [flags[(s.start, s.end)] for s in targets]

    def reference_edges(self, doc: Doc, targets: list[Span]) -> list[tuple[tuple[int, int], str]]:
        """((target start, end), modifier category) for every ConText edge, from medspaCy's
        ConText component run on the whole Doc (its graph objects are removed again)."""
        doc.spans["_iro_targets"] = targets
        self.context(doc)
        edges = [((t.start, t.end), m.category) for t, m in doc._.context_graph.edges]
        del doc.spans["_iro_targets"]
        for key in [k for k in doc.user_data if isinstance(k, tuple) and k[1] in MEDSPACY_KEYS]:
            del doc.user_data[key]
        return edges


SPACE = {"IS_SPACE": True, "OP": "*"}


def wrap_tolerant(rule: dict) -> dict:
    """A copy of a ConText rule whose words may be separated by line breaks ("negative\nfor")."""
    rule = dict(rule)
    if (rule.get("metadata") or {}).get("line_breaks") is False:
        return rule  # e.g. "was negative" must not swallow a wrapped "was\nnegative for X"
    pattern = rule.get("pattern")
    if pattern is None:
        words = rule["literal"].split()
        if len(words) < 2 or not all(re.fullmatch(r"[\w'/-]+", w) for w in words):
            return rule
        pattern = [{"LOWER": w.lower()} for w in words]
    if isinstance(pattern, list) and len(pattern) > 1:
        out: list[dict] = []
        for tok in pattern:
            if out and out[-1] != SPACE and tok != SPACE:
                out.append(SPACE)
            out.append(tok)
        rule["pattern"] = out
    return rule


def resolve(f: dict) -> dict:
    """Settle conflicting flags in place, always the same way (see the module docstring)."""
    if f["not_documented"]:
        f["possible"] = f["negated"] = False
    elif f["possible"]:
        f["negated"] = False
    if f["family"]:
        f["historical"] = False
    if f["negated"] or f["not_documented"]:
        f["historical"] = False
    return f
