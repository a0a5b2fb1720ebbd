"""Assertion and attribution of every fact, with ConText (medspaCy's rules and semantics).

ConText runs once over the union of the fact span groups (concepts, exam signs,
findings, studies, sizes, levels) with medspaCy's default rules plus ours
(``patterns/context.json``), including a ``NOT_DOCUMENTED`` category for "no documented",
"fails to establish", "was not provided": absence of documentation, which analysts must
tell apart from a clinical negative.

Two profiles (``profile_of``): "general" clinical rules, and "letter", the general rules plus
the review-letter rules (a rule's ``metadata.profile``); "auto" reads the genre from the
letter's sections or its review vocabulary. Scope survives PDF line breaks: every rule becomes
a token pattern that lets whitespace tokens sit between its words, and the sentence splitter
does not end a sentence at a wrapped line. A cue of the same category ends a scope only where
its own scope carries on; a cue inside a heading is dropped (``headings``), and sections and
headings add their flags instead. Conflicts are settled by each profile's ``conflicts`` list
(``resolve``): not documented beats possible beats negated everywhere; letters also drop
historical beside family, negated or not documented, general text keeps it ("SOCIAL HISTORY:
Denies tobacco").

Each span gets plain bools ``_.is_negated``, ``_.is_possible``, ``_.is_hypothetical``,
``_.is_historical``, ``_.is_family``, ``_.is_not_documented`` and ``_.attribution``: who
asserts it (``iro_reviewer``, ``utilization_reviewer``, ``requesting_provider``,
``examining_physician``, ``claimant``, ``hearing_officer``, ``medical_records``). Letters
nest voices ("The request was denied. The reviewer stated that ..."), so attribution reads
reporting constructions (``Attributor``, rules in ``context.json`` "attribution"): the
nearest cue in the sentence, else a cue carried from earlier in the paragraph, else the
section's role for the letter genre (IRO letter, hearing decision, UR letter).

For speed, ConText runs only where it can change a fact (``SentenceContext``, our own
matching and graph steps: the same matches and edges as medspaCy's ConText classes on the
whole Doc, which the tests compare) and each attribution regex only near its trigger words;
medspaCy's ``ConText`` object only holds the rules and settings, and no medspaCy object is
left on the Doc, so it pickles.
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

import numpy
from medspacy.context import ConText, ConTextRule
from spacy.attrs import IS_ALPHA, IS_SPACE, IS_UPPER, LENGTH, ORTH, SENT_START
from spacy.tokens import Doc, Span

from ..matching import expand_leading_in
from ..matching.context import (  # noqa: F401
    SentenceContext,
    member,
    pattern_starts,
    sieve,
)

# the helpers live in their own modules; re-exported here for the tests and older imports
from .attribution import Attributor
from .base import RuleComponent, doc_text, sentence_starts
from .extensions import ASSERTION_FLAGS, EXT_PREFIX, ext_key
from .sentences import ensure_sentences

MEDSPACY_KEYS = ("modifiers", "context_graph")
FLAG_ATTRS = [(flag, f"is_{flag}") for flag in ASSERTION_FLAGS]


def plain_extensions() -> bool:
    """Whether spaCy stores our span values in ``doc.user_data`` itself (no setter)."""
    exts = [Span.get_extension(attr) for _, attr in [*FLAG_ATTRS, (None, "attribution")]]
    return all(e is not None and e[3] is None for e in exts)


OWN_EXTENSIONS = frozenset([attr for _, attr in FLAG_ATTRS] + ["attribution"])  # the span values written here


class AssertionDetector(RuleComponent):
    rules_file = "context.json"

    def __init__(self, nlp, name: str, default_patterns: bool = True, profile: str = "auto"):
        if profile not in PROFILE_SETTINGS:
            raise ValueError(f"profile must be one of {PROFILE_SETTINGS}, not {profile!r}")
        self.profile = profile
        super().__init__(nlp, name, default_patterns)

    def compile(self) -> None:
        r = self.rules
        self.category_flag = r.get("categories", {})
        self.target_groups = r.get("target_groups", [])
        self.attributor = Attributor(r.get("attribution", {}), r.get("section_attribution"))
        # profiles: the general clinical rules, and the letter rules layered on them; rules
        # saved before profiles existed (a top-level "section_flags") are one letter profile
        legacy = {"section_flags": r.get("section_flags", {}), "conflicts": LETTER_CONFLICTS}
        given = r.get("profiles") or {"general": legacy, "letter": legacy}
        self.profiles = {
            name: Profile(
                p.get("section_flags", {}),
                p.get("conflicts", LETTER_CONFLICTS),
                [(re.compile(pat), flag) for pat, flag in (p.get("heading_flags") or {}).items()],
            )
            for name, p in given.items()
            if not name.startswith("_")
        }
        genre = r.get("letter_genre") or {}
        self.letter_sections = frozenset(genre.get("sections", ()))
        self.letter_words = re.compile(genre["words"], re.I) if genre.get("words") else None
        self.letter_min = genre.get("min_words", 2)
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
        self.fast = SentenceContext(self.nlp, self.context, bool(r.get("same_category_cuts", True)))
        # the match ids of the rules each profile leaves out (a rule's metadata "profile")
        self.left_out = {
            name: {
                m
                for m, rule in self.fast.rule_of.items()
                if (rule.metadata or {}).get("profile") not in (None, name)
            }
            for name in self.profiles
        }

    def profile_of(self, doc: Doc, sections: list[Span]) -> str:
        """The setting, or by genre: a review letter (one of its sections, or at least
        ``min_words`` distinct words of IRO, hearing or review vocabulary) gets "letter"."""
        if self.profile != "auto":
            return self.profile
        if any(s.label_ in self.letter_sections for s in sections):
            return "letter"
        if self.letter_words is not None:
            seen = set()
            for m in self.letter_words.finditer(doc_text(doc)):
                seen.add(" ".join(m.group(0).lower().split()))
                if len(seen) >= self.letter_min:
                    return "letter"
        return "general"

    def __call__(self, doc: Doc) -> Doc:
        ensure_sentences(doc)
        targets = []
        for key in self.target_groups:
            if key in doc.spans:
                targets.extend(doc.spans[key])
        self.qualify_spans(doc, targets)
        return doc

    def qualify_spans(
        self, doc: Doc, targets: list[Span], reference: bool = False, profile: str | None = None
    ) -> list[dict]:
        """Set and return the assertion flags of ``targets`` (spans of ``doc``).

        ``profile``: "general" or "letter" (default: the component's setting, which by
        default reads the genre, ``profile_of``). ``reference=True`` runs medspaCy's
        matcher over the whole Doc and finds attribution cues in the whole text instead
        of the sentence-block path (``SentenceContext``) and trigger windows; both give
        the same flags (tests/test_assertion_fast.py checks it on every letter)."""
        unique = {(s.start, s.end): s for s in targets}
        if not unique:  # nothing to flag or attribute
            return []
        sent_toks, sent_chars = sentence_starts(doc)
        sections = list(doc.spans["sections"]) if "sections" in doc.spans else []
        name = self.chosen_profile(doc, sections, profile)
        chosen = self.profiles[name]
        heads = headings(doc, sections)
        ordered = [unique[k] for k in sorted(unique)]  # by (start, end): the keys are distinct
        edges = self.fast.edges(doc, ordered, sent_toks, self.keeper(heads, name), whole_doc=reference)
        flags = {k: dict.fromkeys(ASSERTION_FLAGS, False) for k in unique}
        for key, category in edges:
            flag = self.category_flag.get(category)
            if flag:
                flags[key][flag] = True
        flagged = {key for key, _ in edges}  # perf: the others stay all False unless a section flags them
        by_heading = self.heading_regions(doc, heads, chosen.heading_flags)
        attribute = self.attribution(doc, sections, sent_chars, reference)
        write = value_writer(doc)
        sec_starts = [s.start for s in sections]
        for key, span in unique.items():
            k = bisect.bisect_right(sec_starts, key[0]) - 1
            section = sections[k].label_ if k >= 0 else None
            touched = settle(flags[key], key[0], section, by_heading, chosen, key in flagged)
            who = attribute(
                span.start_char, span.end_char, bisect.bisect_right(sent_toks, key[0]) - 1, section
            )
            write(span, flags[key], who, touched)
        return [flags[(s.start, s.end)] for s in targets]

    def chosen_profile(self, doc: Doc, sections: list[Span], profile: str | None) -> str:
        """The profile asked for, or the component's (``profile_of``)."""
        if profile is None:
            return self.profile_of(doc, sections)
        if profile not in self.profiles:
            raise ValueError(f"profile must be one of {sorted(self.profiles)}, not {profile!r}")
        return profile

    def attribution(self, doc: Doc, sections: list[Span], sent_chars: list[int], reference: bool):
        """``Attributor.for_doc`` on this Doc: cues found near their trigger words, or
        (``reference``) in the whole text."""
        text = doc_text(doc)
        hits = None if reference else self.attributor.triggers.hits(doc)
        found = self.attributor.find(text, hits)
        return self.attributor.for_doc(text, sections, sent_chars, found, hits)

    @staticmethod
    def heading_regions(doc: Doc, heads: list[tuple[int, int]], rules: list) -> list[tuple[int, int, str]]:
        """(start, end, flag): the text after each heading whose words a profile's
        ``heading_flags`` pattern matches ("MEDICAL HISTORY:", "FHx:"), up to the next heading."""
        if not rules or not heads:
            return []
        out = []
        for k, (a, b) in enumerate(heads):
            title = " ".join(t.text for t in doc[a:b] if not t.is_space)
            for pattern, flag in rules:
                if pattern.search(title):
                    out.append((b, heads[k + 1][0] if k + 1 < len(heads) else len(doc), flag))
                    break
        return out

    def keeper(self, heads: list[tuple[int, int]], profile: str):
        """The filter of ConText matches: the rules of ``profile`` only, and no cue inside a
        heading (``headings``: "CLINICAL HISTORY:", "Family History:" name a section; the
        section's own flag, if any, qualifies what it holds)."""
        left_out = self.left_out[profile]

        def keep(matches: list) -> list:
            out = [m for m in matches if m[0] not in left_out]
            if heads:
                out = [m for m in out if not in_heading(heads, m[1], m[2])]
            return out

        return keep


class Profile(NamedTuple):
    section_flags: dict  # section category -> flag
    conflicts: list  # [{"when": flag, "clear": [flags]}], in order
    heading_flags: list  # [(compiled heading pattern, flag)]


PROFILE_SETTINGS = ("auto", "general", "letter")
# the conflict order of rules saved before it was data (context.json "profiles" holds it now)
LETTER_CONFLICTS = [
    {"when": "not_documented", "clear": ["possible", "negated"]},
    {"when": "possible", "clear": ["negated"]},
    {"when": "family", "clear": ["historical"]},
    {"when": "negated", "clear": ["historical"]},
    {"when": "not_documented", "clear": ["historical"]},
]
HEADING_WORDS = 6  # the most words before a heading's colon


class _Columns(NamedTuple):
    """What ``headings`` reads of each token, as plain lists (no Token objects)."""

    colon: list[bool]
    newline: list[bool]  # a whitespace token holding a line break
    space: list[bool]
    upper: list[bool]  # is_upper
    alpha: list[bool]
    long: list[bool]  # more than one character
    sent_end: list[bool]


def _columns(doc: Doc) -> _Columns:
    arr = doc.to_array([ORTH, IS_SPACE, IS_UPPER, IS_ALPHA, LENGTH, SENT_START])
    orth, space = arr[:, 0], arr[:, 1] == 1
    strings = doc.vocab.strings
    newline = numpy.zeros(len(orth), dtype=bool)
    for o in set(orth[space].tolist()):  # a few kinds of whitespace token
        if "\n" in strings[o]:
            newline |= orth == o
    # Token.is_sent_end: the next token starts a sentence, or this is the last one
    sent_end = numpy.append(arr[1:, 5].astype(numpy.int64) == 1, True)
    return _Columns(
        (orth == strings[":"]).tolist(),
        newline.tolist(),
        space.tolist(),
        (arr[:, 2] == 1).tolist(),
        (arr[:, 3] == 1).tolist(),
        (arr[:, 4] > 1).tolist(),
        sent_end.tolist(),
    )


def headings(doc: Doc, sections: list[Span]) -> list[tuple[int, int]]:
    """Token ranges of headings: each section's title (to its colon, or its run of
    capitals) and any run of capitalised words ending in a colon ("CLINICAL HISTORY:").
    Read off token columns (``tests/test_assertion_fast.py`` checks it against the
    token-by-token reading)."""
    n = len(doc)
    if not n:
        return []
    c = _columns(doc)
    out = []
    for sec in sections:
        if sec.label_ == "header":
            continue
        end, words = sec.start, 0
        while end < sec.end and words <= HEADING_WORDS and not c.colon[end] and not c.newline[end]:
            words += not c.space[end]
            end += 1
        if end < sec.end and c.colon[end]:
            out.append((sec.start, end + 1))
            continue
        end = sec.start
        while end < sec.end and (c.upper[end] or not c.alpha[end]) and not c.newline[end]:
            end += 1
        if end > sec.start:
            out.append((sec.start, end))
    for at in (i for i, is_colon in enumerate(c.colon) if is_colon):
        i, words = at, 0
        while i > 0 and words < HEADING_WORDS:
            p = i - 1
            if c.space[p] or c.sent_end[p] or not (c.upper[p] and c.long[p]):
                break
            i -= 1
            words += 1
        if words:
            out.append((i, min(n, at + 1)))
    return sorted(set(out))


def in_heading(heads: list[tuple[int, int]], start: int, end: int) -> bool:
    k = bisect.bisect_right(heads, (start, float("inf"))) - 1
    return any(a <= start and end <= b for a, b in heads[max(0, k - 2) : k + 1])


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


def resolve(f: dict, conflicts: list[dict] | None = None) -> dict:
    """Settle conflicting flags in place, always the same way: each conflict rule in order
    (``{"when": flag, "clear": [flags]}``; default: the letter profile's order)."""
    for rule in LETTER_CONFLICTS if conflicts is None else conflicts:
        if f[rule["when"]]:
            for flag in rule["clear"]:
                f[flag] = False
    return f


def settle(
    f: dict, start: int, section: str | None, by_heading: list, profile: Profile, flagged: bool
) -> bool:
    """Add the flags of the span's section and heading region, then settle conflicts by
    the profile's order; False when every flag stays False (nothing to settle)."""
    if section in profile.section_flags or by_heading:
        if section in profile.section_flags:
            f[profile.section_flags[section]] = True
        for a, b, flag in by_heading:
            if a <= start < b:
                f[flag] = True
    elif not flagged:
        return False
    resolve(f, profile.conflicts)
    return True


def value_writer(doc: Doc):
    """A function writing one span's flags and attribution.

    perf: values go straight where span._ keeps them, doc.user_data[("._.", name,
    start_char, end_char)] (extensions.span_values reads them there), unless someone gave
    our extensions a setter. A Doc holding none of these values yet (the usual case) only
    gets those that differ from the extensions' defaults (False, None); span._ and
    span_values' readers fill in the defaults, and a few hundred fewer keys are written
    and read back. A Doc qualified before gets every value, so none of its old ones survive.
    """
    store = doc.user_data if plain_extensions() else None
    sparse = store is not None and not any(
        type(k) is tuple and len(k) == 4 and k[0] == EXT_PREFIX and k[1] in OWN_EXTENSIONS for k in store
    )

    def write(span: Span, f: dict, who: str | None, touched: bool) -> None:
        a, b = span.start_char, span.end_char
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

    return write
