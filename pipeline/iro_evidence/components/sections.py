"""Letter sections with medspaCy's Sectionizer, fed by our heading rules.

Headings are data (``patterns/sections.json``): a category and its titles. Each title
becomes token patterns for medspaCy: the title in CAPITALS (``REVIEW OUTCOME``, colon
optional), the title in any case followed by a colon (``Review Outcome:``) and the title in
any case as a whole line (``Patient Clinical History Summary``), with line breaks allowed
between words. Short titles that are also common words (``DECISION``,
``ORDER``) must open a line. medspaCy keeps ``Section`` objects on the Doc, which cannot
be pickled; this component copies them into the plain span group ``doc.spans["sections"]``
(label = category, from heading to end of body; the text before the first heading is a
``header`` section) and removes the objects.

Speed: medspaCy's matcher tries every heading pattern at every token (tokens x ~450
patterns). A heading's words must all be there, one after the other (only spaces between), so
``HeadingSectionizer`` first finds where a title's words occur (one array of lower-case
word ids per Doc), then runs only that title's patterns on a few tokens around each
place. It finds the same matches as the whole-Doc matcher, in the same order, and builds
medspaCy's ``Section`` objects from them the way medspaCy does
(``tests/test_fast_paths.py`` checks it on every letter we have).
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy
from medspacy.common.util import prune_overlapping_matches
from medspacy.section_detection import Section, Sectionizer, SectionRule
from spacy.attrs import IDX, IS_SPACE, LENGTH, LOWER, ORTH
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from .base import RuleComponent, doc_text, set_group

SPACE = {"IS_SPACE": True, "OP": "*"}
# perf: a plain IS_SPACE test here (a C flag); that the space holds a line break is checked
# after matching (a REGEX predicate on the first token is a Python call at every token)
LINE_START = [
    {"IS_SPACE": True},
    {"TEXT": {"REGEX": r"^(?:\d{1,2}(?:\.\d{1,2})?|[IVXivx]{1,4}|[A-H])[.)]?$"}, "OP": "?"},
    {"TEXT": {"IN": [".", ")"]}, "OP": "?"},
    SPACE,
]
WHOLE_LINE = " <whole line>"
AT_LINE_START = " <line start>"
SENTENCE_END = {".", ":", ";", "?", "!"}
SMALL_WORDS = {"of", "and", "the", "for", "in", "to", "a", "an", "or", "on", "by", "with"}
NUMBERING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})?|[IVXivx]{1,4}|[A-H])?[.)]?$")  # 3, 3.0, IV, B
# doc._.sections and every token's _.section: medspaCy objects that a DocBin cannot restore
MEDSPACY_KEYS = ("sections", "section")


class SectionDetector(RuleComponent):
    rules_file = "sections.json"

    def compile(self) -> None:
        rules, words_of = [], []
        for entry in self.rules.get("sections", []):
            for title in entry["titles"]:
                words = [t.text for t in self.nlp.make_doc(title) if not t.is_space]
                upper, anycase = [], []
                for w in words:
                    if upper:
                        upper.append(SPACE)
                        anycase.append(SPACE)
                    upper.append({"TEXT": w})
                    anycase.append({"LOWER": w.lower()})
                # a Title Case heading that is a whole line of its own needs no colon; that it
                # fills its line is checked after matching (matching the line breaks would
                # make neighbouring headings overlap, and medSpaCy keeps only one of them)
                whole_line = anycase + [{"TEXT": ":", "OP": "?"}]
                upper = upper + [{"TEXT": ":", "OP": "?"}]
                anycase = anycase + [{"TEXT": ":"}]
                patterns = [upper, anycase]
                if entry.get("line_start"):
                    # at a line break, or (checked after matching) after a sentence end
                    patterns = [LINE_START + upper, LINE_START + anycase, upper]
                literal = title + AT_LINE_START if entry.get("line_start") else title
                for pattern in patterns:
                    rules.append(SectionRule(literal, entry["category"], pattern=pattern))
                rules.append(SectionRule(title + WHOLE_LINE, entry["category"], pattern=whole_line))
                words_of += [[w.lower() for w in words]] * (len(patterns) + 1)
        self.sectionizer = HeadingSectionizer(
            self.nlp,
            name=f"{self.name}_medspacy",
            rules=None,
            span_attrs=None,
            input_span_type="group",
            span_group_name=f"_{self.name}_unused",
        )
        self.sectionizer.add(rules, words_of)

    def __call__(self, doc: Doc) -> Doc:
        return self._spans(self.sectionizer(doc))

    def reference(self, doc: Doc) -> Doc:
        """The same with medspaCy's own ``Sectionizer.__call__`` (every pattern at every
        token): what the fast path must equal (tests)."""
        return self._spans(Sectionizer.__call__(self.sectionizer, doc))

    def _spans(self, doc: Doc) -> Doc:
        toks = _Tokens(doc)
        bounds: list[list] = []  # [start, end, label]; Spans are made once, at the end
        for sec in doc._.sections:
            literal = sec.rule.literal if sec.rule is not None else ""
            if (literal.endswith(WHOLE_LINE) and not toks.fills_line(sec)) or (
                literal.endswith(AT_LINE_START) and not toks.opens_line(sec.title_start)
            ):
                if bounds:  # not a heading: its text belongs to the section before
                    bounds[-1][1] = sec.body_end
                    continue
            start = sec.title_start
            while start < sec.body_end and toks.space[start]:
                start += 1
            if start >= sec.body_end:
                continue
            bounds.append([start, sec.body_end, sec.category or "header"])
        spans = [Span(doc, start, end, label=label) for start, end, label in bounds]
        # the letterhead before the first heading is a section too, so every fact has one
        first = spans[0].start if spans else len(doc)
        if first > 0 and toks.doc_text[: toks.idx[first] if first < len(doc) else None].strip():
            spans.insert(0, Span(doc, 0, first, label="header"))
        set_group(doc, "sections", spans)
        for key in [k for k in doc.user_data if isinstance(k, tuple) and k[1] in MEDSPACY_KEYS]:
            del doc.user_data[key]
        return doc


class _Tokens:
    """Token texts and spaces of a Doc from one array read (``doc[i]`` builds a Token)."""

    def __init__(self, doc: Doc):
        arr = doc.to_array([IS_SPACE, IDX, LENGTH])
        self.doc_text = doc_text(doc)
        self.space = arr[:, 0].tolist()
        self.idx = arr[:, 1].tolist()
        self.end = (arr[:, 1] + arr[:, 2]).tolist()

    def text(self, i: int) -> str:
        return self.doc_text[self.idx[i] : self.end[i]]

    def breaks_line(self, i: int) -> bool:
        return bool(self.space[i]) and "\n" in self.text(i)

    def opens_line(self, i: int) -> bool:
        """Token ``i`` opens a line, or a sentence: the text is canonical (the lines of a
        paragraph are joined), so a heading may follow a sentence end in running text."""
        if self.breaks_line(i):
            return True
        k = i - 1
        while k >= 0 and self.space[k] and not self.breaks_line(k):
            k -= 1
        return k < 0 or self.breaks_line(k) or self.text(k) in SENTENCE_END

    def opens_paragraph(self, i: int) -> bool:
        """Token ``i`` opens a line (in the canonical text: a paragraph)."""
        k = i if self.space[i] else i - 1
        while k >= 0 and self.space[k] and not self.breaks_line(k):
            k -= 1
        return k < 0 or self.breaks_line(k)

    def fills_line(self, sec) -> bool:
        """The title stands as a heading: it opens a line or a sentence (a numbering such as
        '3.' or 'IV.' may precede it) and ends its line, or, written in Title Case or
        capitals, is followed by a capitalized word (a heading joined to its text)."""
        i = sec.title_start
        while i < sec.title_end and self.space[i]:
            i += 1
        k = i - 1
        while (
            k >= 0
            and not self.space[k]
            and NUMBERING.match(self.text(k))
            and self.text(k) not in SENTENCE_END
        ):
            k -= 1
        if not self.opens_line(k + 1):
            return False
        end = sec.title_end
        if end >= len(self.space) or self.breaks_line(end):
            return True
        words = [self.text(j) for j in range(i, end) if not self.space[j] and self.text(j)[0].isalpha()]
        if not words:
            return False
        # Title Case, or a sentence-case heading that opens its paragraph ("Who reviewed
        # this case A physician ..."): the canonical text joined it to its first line
        title_case = all(w[0].isupper() or w.lower() in SMALL_WORDS for w in words)
        if not title_case and not (words[0][0].isupper() and self.opens_paragraph(k + 1)):
            return False
        nxt = self.text(end + 1) if self.space[end] and end + 1 < len(self.space) else self.text(end)
        return nxt[:1].isupper() or nxt[:1].isdigit() or nxt[:1] in "\"'([-=_*"  # (or an underline)


class HeadingSectionizer(Sectionizer):
    """medspaCy's Sectionizer that looks for a heading only where its title's words are.

    Every heading pattern holds its title's words in order with only space tokens between
    them; it opens with the title or with a space token followed by at most two non-space
    tokens (``LINE_START``: a line break, a numbering, a period), and after the title
    comes at most a colon. ``add(rules, words)`` takes each rule's lower-case title
    words; a call finds each run of a title's words in the Doc's non-space tokens and runs
    that title's own patterns (same keys as the rules) on those tokens, the token after
    them, and before them the two non-space tokens with the spaces around them when there
    is a space token there. Those are all the matches the whole-Doc matcher
    finds (no pattern looks outside its match); sorted by position and rule order, as the
    whole-Doc matcher returns them, they go through medspaCy's pruning and section
    building unchanged. Setting ``token._.section`` on every token (which this pipeline
    deletes again) is left out; with span attributes to set, medspaCy's own call runs.
    """

    LEAD, AFTER = 2, 1  # tokens a match may hold before (non-space) / after the title

    def add(self, rules, words: list[list[str]] | None = None) -> None:
        if isinstance(rules, SectionRule):
            rules = [rules]
        rules = list(rules)
        super().add(rules)
        if not hasattr(self, "_groups"):
            self._groups: dict[tuple, Matcher] = {}
            self._order: dict[int, int] = {}
            self._by_start: dict[tuple, list[tuple]] = {}  # by first word, first two words
            self._titles: dict[tuple, list] = {}
            self._direct_plans: dict[tuple, tuple | None] = {}
            self._complete = True
        strings = self.nlp.vocab.strings
        if words is None or len(words) != len(rules):
            self._complete = False  # rules without known words: the whole-Doc matcher
            return
        for rule, ws in zip(rules, words):
            if not isinstance(rule.pattern, list) or not ws:
                self._complete = False
                continue
            key = tuple(strings.add(w) for w in ws)
            if key not in self._groups:
                self._groups[key] = Matcher(self.nlp.vocab)
                self._by_start.setdefault(key[:2], []).append(key)
            self._groups[key].add(rule._rule_id, [rule.pattern])
            self._order[strings.add(rule._rule_id)] = len(self._order)
            rule_id = strings.add(rule._rule_id)
            self._titles.setdefault(key, []).append(_title_pattern(rule_id, rule.pattern, ws, strings))
        starts = [key[:2] for key in self._by_start]
        self._singles = numpy.array(sorted(k[0] for k in starts if len(k) == 1), dtype="uint64")
        pairs = numpy.array([k for k in starts if len(k) == 2], dtype="uint64").reshape(-1, 2)
        self._pairs = numpy.sort(_pair_ids(pairs[:, 0], pairs[:, 1]))
        self._colon = strings.add(":")

    def find_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """The pruned heading matches (match_id, start, end), as medspaCy's matcher gives them."""
        if not getattr(self, "_complete", False):
            return self.whole_doc_matches(doc)
        n = len(doc)
        if not n or not self._groups:
            return []
        arr = doc.to_array([LOWER, IS_SPACE, ORTH])
        words = numpy.flatnonzero(arr[:, 1] == 0)  # token index of each non-space token
        lower = arr[words, 0]
        found = set()
        if len(words):
            ids = lower.tolist()
            idx = words.tolist()
            orth = arr[:, 2].tolist()
            # where a title can start: a one-word title, or a longer title's first two words
            hit = _member(lower, self._singles)
            hit[:-1] |= _member(_pair_ids(lower[:-1], lower[1:]), self._pairs)
            by_start = self._by_start
            for o in numpy.flatnonzero(hit).tolist():
                keys = by_start.get((ids[o],), [])
                if o + 1 < len(ids):
                    keys = keys + by_start.get((ids[o], ids[o + 1]), [])
                for key in keys:
                    k = len(key)
                    if tuple(ids[o : o + k]) != key:
                        continue
                    last = idx[o + k - 1]
                    title = tuple(orth[i] for i in idx[o : o + k])
                    plan = self._direct(key, title, last + 1 < n and orth[last + 1] == self._colon)
                    if plan is not None:
                        found.update((rule, idx[o], last + 1 + with_colon) for rule, with_colon in plan)
                        continue
                    # a match opens with the title or with a space token followed by at
                    # most LEAD non-space tokens; no space token in there: with the title
                    lead = min(o, self.LEAD)
                    start = idx[o - lead - 1] + 1 if o > lead else 0
                    if idx[o] - start == lead:
                        start = idx[o]
                    end = min(n, last + 1 + self.AFTER)
                    for match_id, s, e in self._groups[key](doc[start:end]):
                        found.add((match_id, s + start, e + start))
        order = self._order
        matches = sorted(found, key=lambda m: (m[1], m[2], order[m[0]]))
        return prune_clusters(matches)

    def _direct(self, key: tuple, title: tuple, colon: bool) -> tuple | None:
        """The matches of the title ``key`` written as ``title`` (ORTH ids), followed by a
        colon or not, without the Matcher: (rule id, whether the match holds the colon)
        pairs; None when the Matcher must look (a pattern may open before the title).

        Most places are a title's words in running text: no pattern that may open before
        the title (``LINE_START``) can match there, and the others match the title
        itself, plus its colon when one follows. The answer is kept per (key, title, colon)."""
        plan_key = (key, title, colon)
        if plan_key in self._direct_plans:
            return self._direct_plans[plan_key]
        patterns = self._titles[key]
        plan: tuple | None = None
        if not any(p is None or (p.at_line_start and p.fits(title, colon)) for p in patterns):
            pairs = []
            for p in patterns:
                if p.fits(title, colon):
                    if not p.colon_required:
                        pairs.append((p.rule, 0))
                    if colon:
                        pairs.append((p.rule, 1))
            plan = tuple(pairs)
        if len(self._direct_plans) > 100_000:  # a bound for odd inputs; a few hundred in practice
            self._direct_plans.clear()
        self._direct_plans[plan_key] = plan
        return plan

    def whole_doc_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """medspaCy's matcher over the whole Doc (the reference for ``find_matches``)."""
        return self._Sectionizer__matcher(doc)

    def __call__(self, doc: Doc) -> Doc:
        if self.assertion_attributes_mapping:
            return super().__call__(doc)
        matches = self.find_matches(doc)
        # from here on medspaCy's Sectionizer.__call__, without the loop over every token
        if self.require_start_line:
            matches = self.filter_start_lines(doc, matches)
        if self.require_end_line:
            matches = self.filter_end_lines(doc, matches)
        if self._parent_sections:
            matches = self.set_parent_sections(matches)
        doc._.sections = []
        if len(matches) == 0:
            doc._.sections.append(Section(None, 0, 0, 0, len(doc)))
            return doc
        rule_map = self._Sectionizer__matcher.rule_map
        strings = self.nlp.vocab.strings
        section_list = []
        if matches[0][1] != 0:
            section_list.append(Section(None, 0, 0, 0, matches[0][1]))
        for i, match in enumerate(matches):
            match_id, start, end = match[:3]
            parent = None
            if len(match) == 4 and match[3] is not None:
                parent = section_list[match[3]]
            if self._apply_sentence_boundary:
                doc[start].sent_start = True
                if end < len(doc):
                    doc[end].sent_start = True
            rule = rule_map[strings[match_id]]
            scope_end = len(doc) if i == len(matches) - 1 else matches[i + 1][1]
            if self.max_section_length is not None or rule.max_scope is not None:
                limit = rule.max_scope if rule.max_scope is not None else self.max_section_length
                scope_end = min(end + limit, scope_end)
            section_list.append(Section(rule.category, start, end, end, scope_end, parent, rule))
        doc._.sections.extend(section_list)
        return doc


def _pair_ids(first: numpy.ndarray, second: numpy.ndarray) -> numpy.ndarray:
    """One number per pair of word ids (uint64 arithmetic wraps; a collision only adds a
    place to check)."""
    return first * numpy.uint64(1_000_003) + second


def _member(values: numpy.ndarray, keys: numpy.ndarray) -> numpy.ndarray:
    """``numpy.isin`` for sorted ``keys`` (one searchsorted is much cheaper)."""
    if not len(keys):
        return numpy.zeros(len(values), dtype=bool)
    at = numpy.searchsorted(keys, values)
    at[at == len(keys)] = 0
    return keys[at] == values


COLON = {"TEXT": ":"}
OPTIONAL_COLON = {"TEXT": ":", "OP": "?"}


class TitlePattern(NamedTuple):
    """A heading pattern of one of ``compile``'s shapes: an optional ``LINE_START``
    (``at_line_start``), the title's words with ``SPACE`` between (any case, or ``cased``:
    the ORTH ids they must have), then a colon (``colon_required`` or optional)."""

    rule: int  # the rule id's hash, the match id
    at_line_start: bool
    cased: tuple | None
    colon_required: bool

    def fits(self, title: tuple, colon: bool) -> bool:
        """Can the pattern match a title with these ORTH ids, followed by a colon or not?"""
        return (self.cased is None or self.cased == title) and (colon or not self.colon_required)


def _title_pattern(rule: int, pattern: list, words: list[str], strings) -> TitlePattern | None:
    """``pattern`` as a ``TitlePattern``, or None when it has another shape."""
    at_line_start = pattern[: len(LINE_START)] == LINE_START
    body = pattern[len(LINE_START) :] if at_line_start else pattern
    if len(body) != 2 * len(words) or body[-1] not in (COLON, OPTIONAL_COLON):
        return None
    toks = body[:-1:2]
    if any(sep != SPACE for sep in body[1:-1:2]) or any(len(t) != 1 for t in toks):
        return None
    if all(isinstance(t.get("TEXT"), str) for t in toks):
        cased = tuple(strings.add(t["TEXT"]) for t in toks)
    elif [t.get("LOWER") for t in toks] == words:
        cased = None
    else:
        return None
    return TitlePattern(rule, at_line_start, cased, body[-1] == COLON)


def prune_clusters(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """medspaCy's ``prune_overlapping_matches`` run on each group of overlapping matches.

    Its passes only ever compare neighbours that overlap, so a match that overlaps nothing
    is kept and does not change how the others pair up: pruning each chain of overlapping
    matches (sorted by start, end) on its own gives the same list, and most matches (words
    of a title in running text) are alone.
    """
    out: list = []
    group: list = []
    reach = -1
    for m in matches:
        if group and m[1] >= reach:
            out += prune_overlapping_matches(group) if len(group) > 1 else group
            group = []
        if not group:
            reach = m[2]
        group.append(m)
        reach = max(reach, m[2])
    out += prune_overlapping_matches(group) if len(group) > 1 else group
    return out
