"""ConText's algorithm run only where it can change a flag (``SentenceContext``), used by
``iro_assertion``: medspaCy's rules and semantics, modifiers matched in the sentences that
hold targets at the tokens a rule can start with, and the steps of medspaCy's graph on plain
lists per sentence block (``block_edges``). ``tests/test_assertion_fast.py`` checks it against
medspaCy's matcher, modifier and graph classes on the whole Doc."""

from __future__ import annotations

import bisect
import copy
from collections.abc import Callable
from typing import NamedTuple

import numpy
from medspacy.common.medspacy_matcher import MedspacyMatcher
from medspacy.context import ConText, ConTextRule
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from .arrays import SIEVE_BITS, longest_run, member, prune_matches, sieve  # noqa: F401 - also read from here
from .doc import sentence_starts


class Scan(NamedTuple):
    """One Doc's token columns for ``SentenceContext.matches``, read once."""

    cols: numpy.ndarray  # the attributes' values, one more row of zeros (index n: no token)
    lower: numpy.ndarray
    solid: numpy.ndarray  # the non-space tokens, then n
    at0: numpy.ndarray  # tokens a pattern's first token fits
    multi: numpy.ndarray  # of those, the tokens whose next non-space tokens fit a pattern too
    single: numpy.ndarray  # of those, the one-word patterns' tokens (and no other pattern's)
    runs: dict  # repeated words -> their longest run in this Doc
    reaches: dict  # patterns -> the most non-space tokens they reach in this Doc


class SentenceContext:
    """ConText's matches and edges, computed only where they can change something.

    ``ConText.__call__`` tries each of its ~500 rule patterns at every token of the Doc,
    then compares every modifier with every other modifier and every target of the Doc.
    Most of that cannot matter: a token can only start a match of a pattern whose first
    tokens it and its neighbours can be (mostly plain words), and a modifier's scope is
    the sentence it starts in, so it only meets the targets and modifiers of its sentence.

    So the ConText component's rules run in three steps: one array pass finds the tokens
    where a pattern can start, given the token and the next two non-space tokens; at each,
    a spaCy Matcher holding only the patterns that can start there runs on a window just
    long enough for them; overlaps are settled as medspaCy's ``prune_overlapping_matches``
    does (``prune_matches``); the steps of medspaCy's ``ConTextGraph`` (``block_edges``, on
    plain lists) then run per block of sentences that holds a target (a sentence, or
    sentences joined by a match or target that crosses between them). Only sentences of
    such blocks are matched. Matches, their order and the edges are those of ConText on
    the whole Doc (tests/test_assertion_fast.py checks it on every letter). Each rule has
    our own id (its index), so nothing depends on how medspaCy names its rules. ``exact``
    is False for rules the start index does not cover (regex rules, a pattern whose first
    token may be anything): medspaCy's matcher then runs on the whole Doc.
    """

    def __init__(self, nlp, context: ConText, same_category_cuts: bool = True):
        self.nlp = nlp
        self.vocab = nlp.vocab
        self.context = context
        # medspaCy: a cue's scope ends where another cue of its category starts; False: only
        # where that cue's own scope carries on (``carries_on``)
        self.same_category_cuts = same_category_cuts
        rules = list(context.rules)  # the ConText matcher's order
        self.names = [f"iro_context_{j}" for j in range(len(rules))]
        self.match_ids = [self.vocab.strings.add(name) for name in self.names]
        self.rule_of = dict(zip(self.match_ids, rules))
        self.whole: tuple | None = None  # medspaCy's whole-Doc matcher and its ids, when used
        self.index_patterns(rules)
        self.index_starts()
        self.exact = not self.first_any and all(not isinstance(r.pattern, str) for r in rules)

    def index_patterns(self, rules: list[ConTextRule]) -> None:
        """Literal rules go to one PhraseMatcher (lower case, as medspaCy's); token
        patterns are kept for the Matchers of ``matcher``, with how far they reach."""
        self.phrases = PhraseMatcher(self.vocab, attr="LOWER")
        self.patterns: list[tuple[str, list[dict]]] = []
        for name, r in zip(self.names, rules):
            if r.pattern is None:
                self.phrases.add(name, [self.nlp.make_doc(r.literal.lower())])
            elif isinstance(r.pattern, list):
                self.patterns.append((name, r.pattern))
        self.ids = [self.vocab.strings.add(key) for key, _ in self.patterns]
        self.extent = [pattern_extent(p) for _, p in self.patterns]
        self.matchers: dict[tuple[int, ...], Matcher] = {}
        self.unions: dict[tuple, tuple[int, ...]] = {}  # the keys of a group of windows -> their union
        self.infos: dict[tuple, tuple] = {}
        self.infos_by_values: dict[tuple, tuple] = {}  # a candidate token's attribute values -> key_info

    def index_starts(self) -> None:
        """What each pattern's first tokens can be: ``by_first`` (a first token's
        constraint -> patterns), ``single`` (a word -> the patterns of that word alone) and
        ``keys`` (hashes of the first token and its next non-space tokens, by the
        attributes they read), with the arrays ``scan`` looks them up in."""
        strings = self.vocab.strings
        self.by_first: dict[tuple[str, int], set[int]] = {}
        self.single: dict[int, list[int]] = {}
        keys: dict[tuple[str, ...], set[int]] = {}  # signature -> hashes of token sequences
        for j, (_, pattern) in enumerate(self.patterns):
            one_word = len(pattern) == 1 and set(pattern[0]) == {"LOWER"} and literal(pattern[0])
            for first, rests in pattern_starts(pattern, strings):
                for c in first:
                    self.by_first.setdefault(c, set()).add(j)
                    if one_word:
                        self.single.setdefault(c[1], []).append(j)
                        continue
                    for rest in rests:
                        seq = (c, *rest)
                        keys.setdefault(tuple(a for a, _ in seq), set()).add(fold([v for _, v in seq]))
        self.keys = {sig: sorted_keys(hs) for sig, hs in keys.items()}
        self.lookup_tables()

    def lookup_tables(self) -> None:
        """The sorted key arrays (and their sieves) that ``scan`` looks token values up in,
        and the token attributes it reads."""
        strings = self.vocab.strings
        used = {a for sig in self.keys for a in sig} | {a for a, _ in self.by_first} | {"LOWER", "IS_SPACE"}
        self.attrs = sorted(used - {"ANY"})
        self.lower_col = self.attrs.index("LOWER")
        self.single_keys = sorted_keys(self.single)
        repeated = {s for _, rs in self.extent for s in rs if s is not None}
        self.repeat_keys = {s: sorted_keys(strings.add(w) for w in s) for s in repeated}
        firsts = [c for c in self.by_first if c[0] != "ANY"]
        self.first_any = ("ANY", 0) in self.by_first
        self.first_keys = {a: sorted_keys(v for b, v in firsts if b == a) for a in {a for a, _ in firsts}}
        self.flag_attrs = {a for a, keys in self.first_keys.items() if keys.tolist() == [1]}
        self.flag_attrs &= set(FLAGS) | {"IS_SPACE"}
        self.all_keys = numpy.unique(numpy.concatenate(list(self.keys.values()) or [sorted_keys([])]))
        # perf: most token values are in no key set; a table of low hash bits rules them out
        self.first_sieves = {a: sieve(k) for a, k in self.first_keys.items()}
        self.all_sieve, self.single_sieve = sieve(self.all_keys), sieve(self.single_keys)

    def whole_doc_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """medspaCy's matcher over the whole Doc (every rule at every token, regex rules
        too, no pruning), with our ids: the reference for ``matches`` and the path for
        rules it does not cover. Its own ids are mapped to ours through its ``rule_map``
        (its rules in the order they were added)."""
        if self.whole is None:
            matcher = MedspacyMatcher(self.nlp, name="iro_context_whole_doc", prune=False)
            matcher.add(copy.deepcopy(list(self.rule_of.values())))  # leave ConText's rules as they are
            strings = self.vocab.strings
            ours = {strings.add(key): j for key, j in zip(matcher.rule_map, self.match_ids)}
            self.whole = (matcher, ours)
        matcher, ours = self.whole
        return [(ours[m], s, e) for m, s, e in matcher(doc)]

    def matches(
        self,
        doc: Doc,
        targets: list[Span] | None = None,
        starts: list[int] | None = None,
        spans_at: tuple | None = None,
    ) -> list[tuple[int, int, int]]:
        """What ``whole_doc_matches`` finds in ``doc``, ties (a span matched by several
        rules) in the same order. With ``targets``, only in the sentences that hold a
        target and the sentences joined to them by a match (elsewhere some matches may be
        missing); ``starts``: the sentences' first tokens; ``spans_at``: the first and
        last sentence of each target, if known."""
        phrases = self.phrases(doc)
        if not len(doc):
            return phrases
        scan = self.scan(doc)
        later_starts: list[int] = []  # sentence starts after the first: bisect gives a token's sentence
        wanted = None
        if targets is not None:
            later_starts = (sentence_starts(doc)[0] if starts is None else starts)[1:]
            wanted = wanted_sentences(targets, later_starts, spans_at)
        found, now, later = self.plan(scan, later_starts, wanted)
        found += self.run_windows(doc, now)
        if wanted is not None:
            found += self.joined(doc, scan, found + phrases, later, later_starts, wanted)
        return found + phrases

    def scan(self, doc: Doc) -> Scan:
        """The token columns, and the tokens where a match can start: those a pattern's
        first token fits, and of them those whose next two non-space tokens fit a pattern
        that starts with them (``multi``) or that are a one-word pattern (``single``)."""
        n = len(doc)
        cols = numpy.zeros((n + 1, len(self.attrs)), dtype=numpy.uint64)
        cols[:n] = doc.to_array(self.attrs)
        col = {a: cols[:, k] for k, a in enumerate(self.attrs)}
        lower, space = col["LOWER"][:n], col["IS_SPACE"][:n].astype(bool)
        first = numpy.ones(n, dtype=bool) if self.first_any else numpy.zeros(n, dtype=bool)
        for a, keys in self.first_keys.items():
            values = col[a][:n]
            first |= (values == 1) if a in self.flag_attrs else member(values, keys, self.first_sieves[a])
        at0 = numpy.flatnonzero(first)
        solid = numpy.append(numpy.flatnonzero(~space), n)  # non-space tokens, then "none"
        nx1 = solid[numpy.searchsorted(solid, at0, side="right").clip(max=len(solid) - 1)]
        nx2 = solid[numpy.searchsorted(solid, nx1, side="right").clip(max=len(solid) - 1)]
        multi = self.keys_fit(col, [at0, nx1, nx2])
        single = member(lower[at0], self.single_keys, self.single_sieve) & ~multi
        return Scan(cols, lower, solid, at0, multi, single, {}, {})

    def keys_fit(self, col: dict, at: list[numpy.ndarray]) -> numpy.ndarray:
        """Whether the tokens ``at[0]``, with the next non-space tokens ``at[1]``,
        ``at[2]``, hash to one of ``keys`` for some signature (collisions only add
        candidates, which the Matcher then rejects)."""
        folded: dict[tuple, numpy.ndarray] = {}  # signature prefix -> its hashes (shared by longer ones)

        def fold_at(sig: tuple) -> numpy.ndarray:
            if sig not in folded:
                value = col[sig[-1]][at[len(sig) - 1]]
                folded[sig] = value if len(sig) == 1 else fold([fold_at(sig[:-1]), value])
            return folded[sig]

        sigs = [fold_at(sig) for sig in self.keys]
        fits = member(numpy.concatenate(sigs), self.all_keys, self.all_sieve)
        return fits.reshape(len(sigs), len(at[0])).any(axis=0)

    def plan(self, scan: Scan, later_starts: list[int], wanted: set | None) -> tuple[list, list, dict]:
        """At each candidate token: the matches of one-word patterns (no Matcher needed),
        or a window (token, patterns, window end) for the Matcher. Both are kept for later,
        by sentence, when the token's sentence is not ``wanted`` and the window stays in it
        (``joined`` runs them if a match joins that sentence to a wanted one)."""
        found: list[tuple[int, int, int]] = []
        now: list[tuple[int, tuple, int]] = []
        later: dict[int, list[tuple[int, tuple, int]]] = {}
        n = len(scan.lower)
        todo = numpy.flatnonzero(scan.multi | scan.single)
        at_todo = scan.at0[todo]
        values = scan.cols[at_todo].tolist()  # each candidate's attribute values
        ranks = numpy.searchsorted(scan.solid, at_todo).tolist()  # non-space tokens before each
        sids = (
            numpy.searchsorted(later_starts, at_todo, side="right").tolist()
            if later_starts
            else [0] * len(todo)
        )
        if len(self.infos_by_values) > 100_000:  # token values seen at candidates: bounded, but be safe
            self.infos_by_values.clear()
        for i, vals, one, rank, si in zip(at_todo.tolist(), values, scan.single[todo].tolist(), ranks, sids):
            if one:
                if wanted is None or si in wanted:
                    found.extend((self.ids[j], i, i + 1) for j in self.single[vals[self.lower_col]])
                else:
                    later.setdefault(si, []).append((i, (), i + 1))
                continue
            key, last = self.window(scan, vals, rank)
            if wanted is None or si in wanted or bisect.bisect_right(later_starts, min(last, n - 1)) != si:
                now.append((i, key, min(n, last + 1)))
            else:
                later.setdefault(si, []).append((i, key, min(n, last + 1)))
        return found, now, later

    def window(self, scan: Scan, vals: list, rank: int) -> tuple[tuple[int, ...], int]:
        """The patterns that can start at a candidate token with these attribute values
        (``rank`` non-space tokens before it), and the last token a match of them can
        reach: a match ends before the (reach + 1)th non-space token, which the Matcher
        sees too, as it does in the whole Doc."""
        tv = tuple(vals)
        info = self.infos_by_values.get(tv)
        if info is None:
            sig = tuple(p for p in zip(self.attrs, vals) if p in self.by_first)
            info = self.infos_by_values[tv] = self.key_info(sig)
        key, fixed, repeats = info
        reach = fixed
        if repeats:
            reach = scan.reaches.get(key)
            if reach is None:
                reach = scan.reaches[key] = max(
                    [fixed] + [f + sum(self.run_of(scan, s) for s in r) for f, r in repeats]
                )
        k = rank + reach
        return key, int(scan.solid[k]) if k < len(scan.solid) - 1 else len(scan.lower)

    def run_of(self, scan: Scan, words: frozenset) -> int:
        """The longest run of ``words`` (a repeated pattern token) in the Doc."""
        if words not in scan.runs:
            scan.runs[words] = longest_run(member(scan.lower, self.repeat_keys[words]))
        return scan.runs[words]

    def joined(
        self, doc: Doc, scan: Scan, matches: list, later: dict, later_starts: list[int], wanted: set
    ) -> list[tuple[int, int, int]]:
        """The matches held back in ``later`` for the sentences that a match in
        ``matches`` joins to a wanted one."""
        joined = set()
        for _, s, e in matches:
            a, b = bisect.bisect_right(later_starts, s), bisect.bisect_right(later_starts, e - 1)
            if a != b:
                joined.update(range(a, b + 1))
        again = [r for k in sorted(joined - wanted) for r in later.get(k, ())]
        found = []
        for i, _, _ in (r for r in again if not r[1]):
            found.extend((self.ids[j], i, i + 1) for j in self.single[int(scan.lower[i])])
        return found + self.run_windows(doc, [r for r in again if r[1]])

    def run_windows(
        self, doc: Doc, runs: list[tuple[int, tuple, int]], merge: bool = True
    ) -> list[tuple[int, int, int]]:
        """The matches that start at each token of ``runs`` (token, patterns, window end;
        in token order), one Matcher call per group of overlapping windows: a Matcher
        with more patterns finds nothing more at a token (the others cannot start there)
        and keeps the order of ties."""
        out: list[tuple[int, int, int]] = []
        k = 0
        while k < len(runs):
            i0, key, end = runs[k]
            group, keys = {i0}, [key]
            k += 1
            while merge and k < len(runs) and runs[k][0] < end:
                group.add(runs[k][0])
                keys.append(runs[k][1])
                end = max(end, runs[k][2])
                k += 1
            if len(keys) == 1:
                union = keys[0]
            else:
                union = self.unions.get(tuple(keys))
                if union is None:
                    if len(self.unions) > 10_000:  # bounded, but be safe
                        self.unions.clear()
                    union = self.unions[tuple(keys)] = tuple(sorted(set().union(*keys)))
            if len(keys) == 1 or union in self.matchers or len(self.matchers) < MAX_MATCHERS:
                m = self.matcher(union)
                out += [(key_, i0 + s, i0 + e) for key_, s, e in m(doc[i0:end]) if i0 + s in group]
            else:  # enough Matchers kept: one call per token of the group
                out += self.run_windows(doc, [r for r in runs if r[0] in group], merge=False)
        return out

    def matcher(self, key: tuple[int, ...]) -> Matcher:
        """A Matcher holding patterns ``key`` in the ConText matcher's order, cached."""
        m = self.matchers.get(key)
        if m is None:
            m = self.matchers[key] = Matcher(self.vocab, validate=False)  # ConText validated them
            for j in key:
                rule_id, pattern = self.patterns[j]
                m.add(rule_id, [pattern])
        return m

    def key_info(self, sig: tuple) -> tuple[tuple[int, ...], int, list]:
        """For a token with these (attribute, value) pairs (those some pattern starts with):
        the patterns that can start at it (in the ConText matcher's order), the most
        non-space tokens a match of those without repeats holds, and (fixed count,
        repeated words) for those with."""
        got = self.infos.get(sig)
        if got is None:
            js = set(self.by_first.get(("ANY", 0), ()))
            for pair in sig:
                js.update(self.by_first.get(pair, ()))
            key = tuple(sorted(js))
            fixed = max([0] + [self.extent[j][0] for j in key if not self.extent[j][1]])
            repeats = [self.extent[j] for j in key if self.extent[j][1]]
            if any(s is None for _, r in repeats for s in r):
                fixed, repeats = 10**9, []  # unbounded: the rest of the Doc
            got = self.infos[sig] = (key, fixed, repeats)
        return got

    def edges(
        self,
        doc: Doc,
        targets: list[Span],
        starts: list[int] | None = None,
        keep: Callable[[list], list] | None = None,
        whole_doc: bool = False,
    ) -> list[tuple[tuple[int, int], str]]:
        """((target start, end), modifier category) for every edge ConText would draw
        between ``targets`` (sorted by position) and the modifiers of ``doc``;
        ``starts``: the sentences' first tokens (``sentence_starts``); ``keep``: the
        matches (match id, start, end) that may become modifiers, before overlaps are
        pruned (a profile's rules, no cue inside a heading); ``whole_doc``: match with
        medspaCy's matcher on the whole Doc (what the fast path must equal)."""
        if not targets:
            return []
        starts = sentence_starts(doc)[0] if starts is None else starts
        at = numpy.asarray(starts)
        t_first, t_last = sentences_of(at, [t.start for t in targets], [t.end for t in targets])
        if whole_doc or not self.exact:
            matches = self.whole_doc_matches(doc)
        else:
            matches = self.matches(doc, targets, starts, (t_first, t_last))
        if keep is not None:
            matches = keep(matches)
        if self.context.prune_on_modifier_overlap and matches:
            matches = prune_matches(matches)
        else:
            matches = sorted(matches, key=lambda m: (m[1], m[2]))
        m_first, m_last = sentences_of(at, [m[1] for m in matches], [m[2] for m in matches])
        firsts = block_firsts(list(zip(t_first.tolist(), t_last.tolist())) + list(zip(m_first, m_last)))
        blocks = self.blocks(len(doc), starts, firsts, targets, t_first.tolist(), matches, m_first.tolist())
        out = []
        for spans, ts, found in blocks:
            if reaches_a_target(found, spans):
                prune = self.context.prune_on_target_overlap
                out += block_edges(found, ts, prune, spans, self.same_category_cuts)
        return out

    def blocks(
        self,
        n: int,
        starts: list[int],
        firsts: list[int],
        targets: list[Span],
        t_first: list,
        matches: list,
        m_first: list,
    ) -> list[tuple[list, list, list]]:
        """Per block (``firsts``: each block's first sentence) that holds a target: its
        targets' (start, end), its targets, and its modifiers (rule, start, end, scope
        start, scope end), each modifier's scope being in the sentence it starts in."""
        by_block: dict[int, tuple[list, list, list]] = {}
        for t, k0 in zip(targets, t_first):
            got = by_block.setdefault(bisect.bisect_right(firsts, k0) - 1, ([], [], []))
            got[0].append((t.start, t.end))
            got[1].append(t)
        for (match_id, s, e), k0 in zip(matches, m_first):
            k = bisect.bisect_right(firsts, k0) - 1
            if k in by_block:
                rule = self.rule_of[match_id]
                s0, s1 = starts[k0], starts[k0 + 1] if k0 + 1 < len(starts) else n
                by_block[k][2].append((rule, s, e, *sentence_scope(rule, s, e, s0, s1)))
        return list(by_block.values())


def sentences_of(
    at: numpy.ndarray, firsts: list[int], ends: list[int]
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The sentence (``at``: the sentences' first tokens) of the first and of the last
    token of each [start, end) (perf: flat int lists, which numpy reads much faster than
    a list of pairs)."""
    a = numpy.array(firsts, dtype=numpy.int64)
    b = numpy.maximum(a, numpy.array(ends, dtype=numpy.int64) - 1)
    return numpy.searchsorted(at, a, side="right") - 1, numpy.searchsorted(at, b, side="right") - 1


def block_firsts(spans: list[tuple[int, int]]) -> list[int]:
    """The first sentence of each block of sentences, given the (first, last) sentence of
    every target and modifier: a modifier's scope is the sentence it starts in; one that
    ends in a later sentence, or a target over two sentences, joins them."""
    firsts: list[int] = []
    last = -1
    for a, b in sorted(spans):
        if firsts and a <= last:
            last = max(last, b)
        else:
            firsts.append(a)
            last = b
    return firsts


def wanted_sentences(targets: list[Span], later_starts: list[int], spans_at: tuple | None) -> set[int]:
    """The sentences that hold a target (``later_starts``: the sentence starts after the
    first; ``spans_at``: each target's first and last sentence, if known)."""
    if spans_at is None:
        bounds = numpy.array([(t.start, max(t.start, t.end - 1)) for t in targets], dtype=numpy.int64)
        bounds = bounds.reshape(-1, 2)
        spans_at = tuple(numpy.searchsorted(later_starts, bounds[:, k], side="right") for k in (0, 1))
    a, b = (numpy.asarray(x) for x in spans_at)
    wanted = set(a.tolist())
    for x, y in zip(a[b > a].tolist(), b[b > a].tolist()):
        wanted.update(range(x + 1, y + 1))
    return wanted


def reaches_a_target(found: list[tuple], spans: list[tuple[int, int]]) -> bool:
    """Scopes only shrink in the graph: a block where no modifier's scope reaches a
    target (as ``ConTextModifier.modifies`` tests it) draws no edge."""
    return any(
        rule.direction.upper() not in ("TERMINATE", "PSEUDO")
        and any(a <= t0 < b or a < t1 <= b for t0, t1 in spans)
        for rule, _, _, a, b in found
    )


def carries_on(direction: str, other: str) -> tuple[bool, bool]:
    """Whether a cue of the same category with direction ``other`` may cut a scope of
    ``direction`` forward and backward: only where its own scope carries on past it, so
    no target is lost ("no CHF, no pneumonia": the second "no" takes over forward; in
    "return if he develops nausea, vomiting or chills" the backward "develops" must not
    end the forward "if")."""
    other = other.lower()
    return other in ("forward", "bidirectional"), other in ("backward", "bidirectional")


def block_edges(
    found: list[tuple],
    targets: list[Span],
    prune_on_target_overlap: bool,
    spans: list | None = None,
    same_category_cuts: bool = True,
) -> list:
    """((target start, end), category) for the edges medspaCy's ``ConTextGraph`` draws
    between ``targets`` and the modifiers ``found`` ((rule, start, end, scope start, scope
    end), in match order) of one block: its ``update_scopes`` (``limited_scopes``) then
    ``apply_modifiers`` (``modified``), on plain lists; ``spans``: the targets' (start,
    end), if known; ``same_category_cuts`` False: a cue of the same category cuts only
    where its own scope carries on (``carries_on``)."""
    lo, hi = limited_scopes(found, same_category_cuts)
    if spans is None:
        spans = [(t.start, t.end) for t in targets]
    out = []
    for i, (rule, m0, m1, _, _) in enumerate(found):
        if prune_on_target_overlap and any(a <= m0 < b or a < m1 <= b for a, b in spans):
            continue  # a modifier overlapping a target goes
        if rule.direction not in ("TERMINATE", "PSEUDO"):
            out += [(spans[k], rule.category) for k in modified(rule, m0, m1, lo[i], hi[i], spans, targets)]
    return out


def limited_scopes(found: list[tuple], same_category_cuts: bool = True) -> tuple[list[int], list[int]]:
    """``ConTextGraph.update_scopes``: every pair of modifiers may cut each other's scope
    (``cut_scope``); the scopes' starts and ends after that."""
    lo = [f[3] for f in found]
    hi = [f[4] for f in found]
    cues = [(f[0], f[1], f[2], f[0].direction.lower(), f[0].category, f[0].category.upper()) for f in found]
    n = len(found)
    for i in range(n - 1):
        for j in range(i + 1, n):
            cut_scope(cues, lo, hi, i, j, same_category_cuts)
            cut_scope(cues, lo, hi, j, i, same_category_cuts)
    return lo, hi


def cut_scope(
    cues: list[tuple], lo: list[int], hi: list[int], i: int, j: int, same_category_cuts: bool
) -> None:
    """``ConTextModifier.limit_scope``: modifier ``j`` cuts modifier ``i``'s scope (in
    ``lo``, ``hi``) where they overlap and ``j`` may end it: a terminating cue, one of a
    category ``i`` is terminated by, or one of ``i``'s own category."""
    if not (lo[i] <= lo[j] < hi[i] or lo[i] < hi[j] <= hi[i]):
        return
    ri, si, ei, di, cat_i, up_i = cues[i]
    rj, sj, ej, dj, cat_j, up_j = cues[j]
    if di == "terminate":
        return
    if dj == "terminate" or up_j in ri.terminated_by:
        ahead = behind = True
    elif up_j != up_i:
        return
    else:
        ahead, behind = carries_on(di, dj) if not same_category_cuts else (True, True)
    if cat_i == cat_j and (ri.allowed_types != rj.allowed_types or ri.excluded_types != rj.excluded_types):
        return
    if ahead and di in ("forward", "bidirectional") and sj > si:
        hi[i] = min(hi[i], sj)
    if behind and di in ("backward", "bidirectional") and ej < ei:
        lo[i] = max(lo[i], ej)


def modified(
    rule: ConTextRule, m0: int, m1: int, a: int, b: int, spans: list, targets: list[Span]
) -> list[int]:
    """``ConTextModifier.modifies`` then ``reduce_targets``: the targets (their indexes)
    that the modifier [m0, m1) with scope [a, b) modifies, the nearest ``max_targets``."""
    typed = rule.allowed_types is not None or rule.excluded_types is not None
    hit = [
        k
        for k, (t0, t1) in enumerate(spans)
        if not (m0 <= t0 < m1 or m0 < t1 <= m1)
        and (a <= t0 < b or a < t1 <= b)
        and (typed is False or allows(rule, targets[k].label_.upper()))
    ]
    most = rule.max_targets
    if most is not None and len(hit) > most:
        hit = sorted(hit, key=lambda k: min(abs(m0 - spans[k][1]), abs(spans[k][0] - m1)))[:most]
    return hit


def allows(rule: ConTextRule, label: str) -> bool:
    """``ConTextModifier.allows``."""
    if rule.allowed_types is not None:
        return label in rule.allowed_types
    if rule.excluded_types is not None:
        return label not in rule.excluded_types
    return True


def sentence_scope(rule: ConTextRule, start: int, end: int, s0: int, s1: int) -> tuple[int, int]:
    """The scope of a match [start, end) of ``rule`` in the sentence [s0, s1), as
    ConText sets it (no global window): to the sentence's end or start in the rule's
    direction, at most ``max_scope`` tokens."""
    direction, most = rule.direction.lower(), rule.max_scope
    if direction == "forward":
        a, b = end, s1
        if most is not None and b - a > most:
            b = end + most
    elif direction == "backward":
        a, b = s0, start
        if most is not None and b - a > most:
            a = start - most
    else:
        a, b = s0, s1
        if most is not None and start - a > most:
            a = start - most
        if most is not None and b - end > most:
            b = end + most
    return a, b


def literal(token: dict) -> frozenset | None:
    """The words a pattern token's LOWER must be one of, if it says so."""
    low = token.get("LOWER")
    words = (
        [low]
        if isinstance(low, str)
        else low.get("IN")
        if isinstance(low, dict) and set(low) == {"IN"}
        else None
    )
    if not words or any(not isinstance(w, str) or not w.strip() for w in words):
        return None
    return frozenset(words)


def space_only(token: dict) -> bool:
    """A pattern token that only matches whitespace tokens (never a word)."""
    return token.get("IS_SPACE") is True


MAX_MATCHERS = 256  # Matchers kept for groups of tokens (~30 kB each; one per token signature is always kept)
OPS = (None, "?", "*", "+")
FLAGS = ("LIKE_NUM", "IS_DIGIT", "IS_ALPHA", "IS_TITLE", "IS_UPPER")  # never true of whitespace
DEPTH = 3  # tokens looked at to decide whether a pattern can start at a token


def constraints(token: dict, strings) -> list[tuple[str, int]] | None:
    """(attribute, value hash) pairs one of which a word matched by ``token`` has, or None
    when the token may be anything (or whitespace)."""
    words = literal(token)
    if words:
        return [("LOWER", strings.add(w)) for w in sorted(words)]
    keys = set(token) - {"OP"}
    if len(keys) == 1:
        (attr,) = keys
        value = token[attr]
        if attr == "SHAPE" and isinstance(value, str) and value.strip():
            return [("SHAPE", strings.add(value))]
        if attr in FLAGS and value is True:
            return [(attr, 1)]
    return None


def pattern_starts(pattern: list[dict], strings) -> list[tuple[list, set]]:
    """For each pattern token that can match first: the constraints on that first token
    (("IS_SPACE", 1) for whitespace, ("ANY", 0) for none) and the constraint tuples on the
    next non-space tokens (``continuations``)."""
    if any(t.get("OP") not in OPS for t in pattern):
        return [([("ANY", 0)], {()})]
    out = []
    for k, tok in enumerate(pattern):
        op = tok.get("OP")
        if space_only(tok):
            out.append(([("IS_SPACE", 1)], continuations(pattern, k + 1, DEPTH - 1, strings)))
        else:
            again = op in ("*", "+")
            rests = continuations(pattern, k if again else k + 1, DEPTH - 1, strings, again)
            out.append((constraints(tok, strings) or [("ANY", 0)], rests))
        if op not in ("?", "*"):
            break
    return out


def continuations(pattern: list[dict], k: int, depth: int, strings, again: bool = False) -> set[tuple]:
    """The constraints on the next ``depth`` non-space tokens of a match that goes on at
    pattern token ``k`` (``again``: token ``k`` has matched and may match again), one
    tuple per alternative; a tuple is shorter where the match may end or a token may be
    anything."""
    if depth == 0 or k == len(pattern):
        return {()}
    tok = pattern[k]
    if space_only(tok):
        return continuations(pattern, k + 1, depth, strings)
    op = "*" if again else tok.get("OP")
    out = continuations(pattern, k + 1, depth, strings) if op in ("?", "*") else set()
    cs = constraints(tok, strings)
    if cs is None:
        return out | {()}
    repeat = op in ("*", "+")
    rests = continuations(pattern, k if repeat else k + 1, depth - 1, strings, repeat)
    return out | {(c, *r) for c in cs for r in rests}


def pattern_extent(pattern: list[dict]) -> tuple[int, list[frozenset | None]]:
    """How many non-space tokens a match can hold: a fixed count plus, for each repeated
    token, the longest run of its words (None: unbounded)."""
    if any(t.get("OP") not in OPS for t in pattern):
        return 0, [None]
    fixed, repeats = 0, []
    for tok in pattern:
        if space_only(tok):
            continue
        if tok.get("OP") in ("*", "+"):
            repeats.append(literal(tok))
        else:
            fixed += 1
    return fixed, repeats


MIX = 0x9E3779B97F4A7C15
MASK = 0xFFFFFFFFFFFFFFFF


def fold(values: list):
    """One hash for a sequence of value hashes (ints, or uint64 arrays element-wise;
    collisions only add candidates, which the Matcher then rejects)."""
    h = values[0]
    for v in values[1:]:
        if isinstance(h, numpy.ndarray):
            h = (h * numpy.uint64(MIX)) ^ v
        else:
            h = ((h * MIX) & MASK) ^ v
    return h


def sorted_keys(values) -> numpy.ndarray:
    return numpy.array(sorted(set(values)), dtype=numpy.uint64)
