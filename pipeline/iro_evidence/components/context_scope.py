"""medspaCy ConText run only where it can change a flag (``SentenceContext``), used by
``iro_assertion``: modifiers matched in the sentences that hold targets, at the tokens a rule
can start with; medspaCy's own modifier and graph classes per sentence block.
``tests/test_assertion_fast.py`` checks it against ConText on the whole Doc."""

from __future__ import annotations

import bisect
from collections.abc import Callable

import numpy
from medspacy.context import ConText, ConTextGraph, ConTextModifier, ConTextRule
from medspacy.util import tuple_overlaps
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from .base import (
    sentence_starts,
)
from .extensions import ASSERTION_FLAGS

FLAG_ATTRS = [(flag, f"is_{flag}") for flag in ASSERTION_FLAGS]


def plain_extensions() -> bool:
    """Whether spaCy stores our span values in ``doc.user_data`` itself (no setter)."""
    exts = [Span.get_extension(attr) for _, attr in [*FLAG_ATTRS, (None, "attribution")]]
    return all(e is not None and e[3] is None for e in exts)


class SentenceContext:
    """medspaCy's ConText, run only where it can change something.

    ``ConText.__call__`` tries each of its ~500 rule patterns at every token of the Doc,
    then compares every modifier with every other modifier and every target of the Doc.
    Most of that cannot matter: a token can only start a match of a pattern whose first
    tokens it and its neighbours can be (mostly plain words), and a modifier's scope is
    the sentence it starts in, so it only meets the targets and modifiers of its sentence.

    So the ConText component's own rules (with their ids) run in three steps: one array
    pass finds the tokens where a pattern can start, given the token and the next two
    non-space tokens; at each, a spaCy Matcher holding only the patterns that can start
    there runs on a window just long enough for them; overlaps are settled as medspaCy's
    ``prune_overlapping_matches`` does (``prune_matches``); the steps of medspaCy's
    ``ConTextGraph`` (``block_edges``, on plain lists) then run per block of sentences
    that holds a target (a sentence, or sentences joined by a match or target that
    crosses between them). Only sentences of such blocks are matched. Matches,
    their order and the edges are those of ``ConText.__call__`` on the whole Doc
    (tests/test_assertion_fast.py checks it on every letter); ``exact`` is False, and the
    caller uses ConText itself, for settings or rules this does not cover (regex rules,
    window scopes, match callbacks).
    """

    def __init__(self, nlp, context: ConText):
        self.vocab = nlp.vocab
        strings = self.vocab.strings
        self.context = context
        # medspaCy: a cue's scope ends where another cue of its category starts; False: only
        # where that cue's own scope carries on (see ``OwnScopeModifier``)
        self.same_category_cuts = True
        rules = list(context.rules)  # the ConText matcher's order, with the ids it set
        self.rule_of = {strings.add(r._rule_id): r for r in rules}
        self.exact = context.max_scope is None and all(
            not isinstance(r.pattern, str) and r.on_match is None for r in rules
        )
        # ``block_edges`` stands in for medspaCy's graph classes unless a rule has a callback
        self.plain_graph = all(r.on_modifies is None for r in rules)
        self.phrases = PhraseMatcher(self.vocab, attr="LOWER")
        self.patterns: list[tuple[str, list[dict]]] = []
        for r in rules:
            if r.pattern is None:
                self.phrases.add(r._rule_id, [nlp.make_doc(r.literal.lower())])
            elif isinstance(r.pattern, list):
                self.patterns.append((r._rule_id, r.pattern))
        self.ids = [strings.add(key) for key, _ in self.patterns]
        self.by_first: dict[tuple[str, int], set[int]] = {}  # first-token constraint -> patterns
        self.single: dict[int, list[int]] = {}  # word -> patterns of that one word alone
        keys: dict[tuple[str, ...], set[int]] = {}  # signature -> hashes of token sequences
        self.extent = [pattern_extent(p) for _, p in self.patterns]
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
                        sig = tuple(attr for attr, _ in seq)
                        keys.setdefault(sig, set()).add(fold([v for _, v in seq]))
        self.keys = {sig: sorted_keys(hs) for sig, hs in keys.items()}
        used = {a for sig in self.keys for a in sig} | {a for a, _ in self.by_first} | {"LOWER", "IS_SPACE"}
        self.attrs = sorted(used - {"ANY"})
        self.single_keys = sorted_keys(self.single)
        repeated = {s for _, rs in self.extent for s in rs if s is not None}
        self.repeat_keys = {s: sorted_keys(strings.add(w) for w in s) for s in repeated}
        self.matchers: dict[tuple[int, ...], Matcher] = {}
        self.unions: dict[tuple, tuple[int, ...]] = {}  # the keys of a group of windows -> their union
        self.infos: dict[tuple, tuple] = {}
        self.infos_by_values: dict[tuple, tuple] = {}  # a candidate token's attribute values -> key_info
        firsts = [c for c in self.by_first if c[0] != "ANY"]
        self.first_any = ("ANY", 0) in self.by_first
        # a pattern whose first word may be anything (an attribute other than LOWER, SHAPE or
        # a flag) has no key to be looked up by: ConText itself runs then
        self.exact = self.exact and not self.first_any
        self.first_keys = {a: sorted_keys(v for b, v in firsts if b == a) for a in {a for a, _ in firsts}}
        self.flag_attrs = {a for a, keys in self.first_keys.items() if keys.tolist() == [1]}
        self.flag_attrs &= set(FLAGS) | {"IS_SPACE"}
        self.all_keys = numpy.unique(numpy.concatenate(list(self.keys.values()) or [sorted_keys([])]))
        self.lower_col = self.attrs.index("LOWER")
        # perf: most token values are in no key set; a table of low hash bits rules them out
        self.first_sieves = {a: sieve(k) for a, k in self.first_keys.items()}
        self.all_sieve, self.single_sieve = sieve(self.all_keys), sieve(self.single_keys)

    def matches(
        self,
        doc: Doc,
        targets: list[Span] | None = None,
        starts: list[int] | None = None,
        spans_at: tuple | None = None,
    ) -> list[tuple[int, int, int]]:
        """What ConText's MedspacyMatcher finds in ``doc`` before pruning, ties (a span
        matched by several rules) in the same order. With ``targets``, only in the
        sentences that hold a target and the sentences joined to them by a match
        (elsewhere some matches may be missing); ``starts``: the sentences' first tokens;
        ``spans_at``: the first and last sentence of each target, if known."""
        n = len(doc)
        found: list[tuple[int, int, int]] = []
        phrases = self.phrases(doc)
        if not n:
            return phrases
        # one more row of zeros: the value at "no such token" (index n)
        cols = numpy.zeros((n + 1, len(self.attrs)), dtype=numpy.uint64)
        cols[:n] = doc.to_array(self.attrs)
        col = {a: cols[:, k] for k, a in enumerate(self.attrs)}
        lower, space = col["LOWER"][:n], col["IS_SPACE"][:n].astype(bool)
        # tokens that can be the first of some match, then those whose next two non-space
        # tokens fit a pattern that starts with them
        first = numpy.ones(n, dtype=bool) if self.first_any else numpy.zeros(n, dtype=bool)
        for a, keys in self.first_keys.items():
            first |= (
                (col[a][:n] == 1) if a in self.flag_attrs else member(col[a][:n], keys, self.first_sieves[a])
            )
        at0 = numpy.flatnonzero(first)
        solid = numpy.append(numpy.flatnonzero(~space), n)  # non-space tokens, then "none"
        nx1 = solid[numpy.searchsorted(solid, at0, side="right").clip(max=len(solid) - 1)]
        nx2 = solid[numpy.searchsorted(solid, nx1, side="right").clip(max=len(solid) - 1)]
        at = [at0, nx1, nx2]
        folded: dict[tuple, numpy.ndarray] = {}  # signature prefix -> its hashes (shared by longer ones)

        def fold_at(sig: tuple) -> numpy.ndarray:
            if sig not in folded:
                value = col[sig[-1]][at[len(sig) - 1]]
                folded[sig] = value if len(sig) == 1 else fold([fold_at(sig[:-1]), value])
            return folded[sig]

        sigs = [fold_at(sig) for sig in self.keys]
        multi = member(numpy.concatenate(sigs), self.all_keys, self.all_sieve)
        multi = multi.reshape(len(sigs), len(at0)).any(axis=0)
        single = member(lower[at0], self.single_keys, self.single_sieve) & ~multi
        runs: dict[frozenset, int] = {}  # repeated words -> their longest run in this Doc
        reaches: dict[tuple, int] = {}  # patterns -> the most non-space tokens they reach in this Doc

        def run_of(words: frozenset) -> int:
            if words not in runs:
                runs[words] = longest_run(member(lower, self.repeat_keys[words]))
            return runs[words]

        n_solid = len(solid) - 1
        # the sentence of a token: how many sentence starts after the first are at or before it
        later_starts = [] if targets is None else (sentence_starts(doc)[0] if starts is None else starts)[1:]

        def sent_of(i: int) -> int:
            return bisect.bisect_right(later_starts, i)

        wanted = None
        if targets is not None:
            if spans_at is None:
                bounds = numpy.array([(t.start, max(t.start, t.end - 1)) for t in targets], dtype=numpy.int64)
                bounds = bounds.reshape(-1, 2)
                spans_at = (numpy.searchsorted(later_starts, bounds[:, 0], side="right"),) + (
                    numpy.searchsorted(later_starts, bounds[:, 1], side="right"),
                )
            a, b = (numpy.asarray(x) for x in spans_at)
            wanted = set(a.tolist())
            for x, y in zip(a[b > a].tolist(), b[b > a].tolist()):
                wanted.update(range(x + 1, y + 1))
        now: list[tuple[int, tuple, int]] = []  # (token, patterns, window end) to match
        later: dict[int, list[tuple[int, tuple, int]]] = {}  # sentence -> the same, if joined
        todo = numpy.flatnonzero(multi | single)
        at_todo = at0[todo]
        values = cols[at_todo].tolist()  # each candidate's attribute values
        ranks = numpy.searchsorted(solid, at_todo).tolist()  # non-space tokens before each
        sids = (
            numpy.searchsorted(later_starts, at_todo, side="right").tolist()
            if later_starts
            else [0] * len(todo)
        )
        infos = self.infos_by_values
        if len(infos) > 100_000:  # token values seen at candidates: bounded, but be safe
            infos.clear()
        for i, vals, one, r, si in zip(at_todo.tolist(), values, single[todo].tolist(), ranks, sids):
            if one:
                if wanted is None or si in wanted:
                    found.extend((self.ids[j], i, i + 1) for j in self.single[vals[self.lower_col]])
                else:
                    later.setdefault(si, []).append((i, (), i + 1))
                continue
            tv = tuple(vals)
            info = infos.get(tv)
            if info is None:
                sig = tuple(p for p in zip(self.attrs, vals) if p in self.by_first)
                info = infos[tv] = self.key_info(sig)
            key, fixed, repeats = info
            if repeats:
                reach = reaches.get(key)
                if reach is None:
                    reach = reaches[key] = max([fixed] + [f + sum(run_of(s) for s in r) for f, r in repeats])
            else:
                reach = fixed
            # a match ends before the (reach + 1)th non-space token; the Matcher also sees
            # that token, as it does in the whole Doc
            k = r + reach
            last = int(solid[k]) if k < n_solid else n
            end = min(n, last + 1)
            if wanted is None or si in wanted or sent_of(min(last, n - 1)) != si:
                now.append((i, key, end))
            else:
                later.setdefault(si, []).append((i, key, end))
        found += self.run_windows(doc, now)
        if wanted is not None:  # sentences that a match joins to a wanted one
            joined = set()
            for _, s, e in found + phrases:
                a, b = sent_of(s), sent_of(e - 1)
                if a != b:
                    joined.update(range(a, b + 1))
            again = [r for k in sorted(joined - wanted) for r in later.get(k, ())]
            for i, _, _ in (r for r in again if not r[1]):
                found.extend((self.ids[j], i, i + 1) for j in self.single[int(lower[i])])
            found += self.run_windows(doc, [r for r in again if r[1]])
        return found + phrases

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
    ) -> list[tuple[tuple[int, int], str]]:
        """((target start, end), modifier category) for every edge ConText would draw
        between ``targets`` (sorted by position) and the modifiers of ``doc``;
        ``starts``: the sentences' first tokens (``sentence_starts``); ``keep``: the
        matches (match id, start, end) that may become modifiers, before overlaps are
        pruned (a profile's rules, no cue inside a heading)."""
        if not targets:
            return []
        starts = sentence_starts(doc)[0] if starts is None else starts
        at = numpy.asarray(starts)

        def sents(firsts: list[int], ends: list[int]) -> tuple[numpy.ndarray, numpy.ndarray]:
            """The sentence of the first and of the last token of each [start, end)
            (perf: flat int lists, which numpy reads much faster than a list of pairs)."""
            a = numpy.array(firsts, dtype=numpy.int64)
            b = numpy.maximum(a, numpy.array(ends, dtype=numpy.int64) - 1)
            return numpy.searchsorted(at, a, side="right") - 1, numpy.searchsorted(at, b, side="right") - 1

        t_first, t_last = sents([t.start for t in targets], [t.end for t in targets])
        matches = self.matches(doc, targets, starts, (t_first, t_last))
        if keep is not None:
            matches = keep(matches)
        if self.context.prune_on_modifier_overlap and matches:
            matches = prune_matches(matches)
        else:
            matches = sorted(matches, key=lambda m: (m[1], m[2]))
        m_first, m_last = sents([m[1] for m in matches], [m[2] for m in matches])
        t_first, m_first = t_first.tolist(), m_first.tolist()

        # blocks of sentences: a modifier's scope is the sentence it starts in; one that
        # ends in a later sentence, or a target over two sentences, joins them
        spans = list(zip(t_first, t_last.tolist())) + list(zip(m_first, m_last.tolist()))
        spans.sort()
        blocks: list[list] = []  # [first sentence, last sentence]
        for a, b in spans:
            if blocks and a <= blocks[-1][1]:
                blocks[-1][1] = max(blocks[-1][1], b)
            else:
                blocks.append([a, b])
        firsts = [b[0] for b in blocks]
        by_block: dict[
            int, tuple[list, list, list]
        ] = {}  # block -> its targets' (start, end), targets, modifiers
        for t, k0 in zip(targets, t_first):
            got = by_block.setdefault(bisect.bisect_right(firsts, k0) - 1, ([], [], []))
            got[0].append((t.start, t.end))
            got[1].append(t)
        for (match_id, s, e), k0 in zip(matches, m_first):
            k = bisect.bisect_right(firsts, k0) - 1
            if k in by_block:
                rule = self.rule_of[match_id]
                s0, s1 = starts[k0], starts[k0 + 1] if k0 + 1 < len(starts) else len(doc)
                by_block[k][2].append((rule, s, e, *sentence_scope(rule, s, e, s0, s1)))
        out = []
        for spans, ts, found in by_block.values():
            # scopes only shrink in the graph: a block where no modifier's scope reaches a
            # target (as ConTextModifier.modifies tests it) draws no edge
            if not any(
                rule.direction.upper() not in ("TERMINATE", "PSEUDO")
                and any(a <= t0 < b or a < t1 <= b for t0, t1 in spans)
                for rule, _, _, a, b in found
            ):
                continue
            if self.plain_graph:
                out += block_edges(
                    found, ts, self.context.prune_on_target_overlap, spans, self.same_category_cuts
                )
                continue
            modifier = ConTextModifier if self.same_category_cuts else OwnScopeModifier
            mods = [modifier(rule, s, e, doc, scope_start=a, scope_end=b) for rule, s, e, a, b in found]
            graph = ConTextGraph(
                targets=ts, modifiers=mods, prune_on_modifier_overlap=self.context.prune_on_target_overlap
            )
            graph.update_scopes()
            graph.apply_modifiers()
            out += [((t.start, t.end), m.category) for t, m in graph.edges]
        return out


def prune_matches(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """medspaCy's ``prune_overlapping_matches`` (of two overlapping neighbours keep the
    longer, the first on a tie, and skip the next one; again until nothing changes),
    with an index instead of its ``list.pop(0)``."""
    while matches:
        ordered = sorted(matches, key=lambda m: (m[1], m[2]))
        pruned = []
        cur, k, n = ordered[0], 1, len(ordered)
        while k < n:
            nxt = ordered[k]
            k += 1
            if cur[1] <= nxt[1] < cur[2] or cur[1] < nxt[2] <= cur[2]:
                pruned.append(nxt if nxt[2] - nxt[1] > cur[2] - cur[1] else cur)
                if k == n:
                    cur = None
                    break
                cur = ordered[k]
                k += 1
            else:
                pruned.append(cur)
                cur = nxt
        if cur is not None:
            pruned.append(cur)
        if len(pruned) == len(matches):
            return pruned
        matches = pruned
    return matches


def carries_on(direction: str, other: str) -> tuple[bool, bool]:
    """Whether a cue of the same category with direction ``other`` may cut a scope of
    ``direction`` forward and backward: only where its own scope carries on past it, so
    no target is lost ("no CHF, no pneumonia": the second "no" takes over forward; in
    "return if he develops nausea, vomiting or chills" the backward "develops" must not
    end the forward "if")."""
    other = other.lower()
    return other in ("forward", "bidirectional"), other in ("backward", "bidirectional")


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


def block_edges(
    found: list[tuple],
    targets: list[Span],
    prune_on_target_overlap: bool,
    spans: list | None = None,
    same_category_cuts: bool = True,
) -> list:
    """((target start, end), category) for the edges medspaCy's ``ConTextGraph`` draws
    between ``targets`` and the modifiers ``found`` ((rule, start, end, scope start, scope
    end), in match order) of one block: its ``update_scopes`` then ``apply_modifiers``,
    step by step, on plain lists instead of a ``ConTextModifier`` per match (rules without
    an ``on_modifies`` callback); ``spans``: the targets' (start, end), if known;
    ``same_category_cuts`` False: a cue of the same category cuts only where its own scope
    carries on, as with ``OwnScopeModifier``."""
    rules = [f[0] for f in found]
    starts = [f[1] for f in found]
    ends = [f[2] for f in found]
    lo = [f[3] for f in found]
    hi = [f[4] for f in found]
    up = [r.direction.upper() for r in rules]
    low = [r.direction.lower() for r in rules]
    cat = [r.category for r in rules]
    cat_up = [c.upper() for c in cat]

    def limit(i: int, j: int) -> None:  # ConTextModifier.limit_scope: modifier i by modifier j
        if not (lo[i] <= lo[j] < hi[i] or lo[i] < hi[j] <= hi[i]) or up[i] == "TERMINATE":
            return
        ri, rj = rules[i], rules[j]
        ahead = behind = True
        if up[j] != "TERMINATE" and cat_up[j] not in ri.terminated_by:
            if cat_up[j] != cat_up[i]:
                return
            if not same_category_cuts:
                ahead, behind = carries_on(low[i], low[j])
        if cat[i] == cat[j] and (
            ri.allowed_types != rj.allowed_types or ri.excluded_types != rj.excluded_types
        ):
            return
        if ahead and low[i] in ("forward", "bidirectional") and starts[j] > starts[i]:
            hi[i] = min(hi[i], starts[j])
        if behind and low[i] in ("backward", "bidirectional") and ends[j] < ends[i]:
            lo[i] = max(lo[i], ends[j])

    n = len(found)
    for i in range(n - 1):  # ConTextGraph.update_scopes
        for j in range(i + 1, n):
            limit(i, j)
            limit(j, i)
    if spans is None:
        spans = [(t.start, t.end) for t in targets]
    keep = list(range(n))
    if prune_on_target_overlap:  # modifiers overlapping a target go
        keep = [i for i in keep if not any(a <= starts[i] < b or a < ends[i] <= b for a, b in spans)]
    out = []
    for i in keep:  # ConTextModifier.modifies, then reduce_targets, modifier by modifier
        rule = rules[i]
        if rule.direction in ("TERMINATE", "PSEUDO"):
            continue
        m0, m1, a, b = starts[i], ends[i], lo[i], hi[i]
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
        out += [(spans[k], cat[i]) for k in hit]
    return out


def allows(rule: ConTextRule, label: str) -> bool:
    """``ConTextModifier.allows``."""
    if rule.allowed_types is not None:
        return label in rule.allowed_types
    if rule.excluded_types is not None:
        return label not in rule.excluded_types
    return True


def sentence_scope(rule: ConTextRule, start: int, end: int, s0: int, s1: int) -> tuple[int, int]:
    """The scope ``ConTextModifier`` gives a match [start, end) of ``rule`` in the sentence
    [s0, s1) (its ``__set_scope`` without a global window), without looking the sentence up
    again."""
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


SIEVE_BITS = 16


def sieve(keys: numpy.ndarray) -> numpy.ndarray:
    """A table saying, for the low bits of a hash, whether some key has them."""
    table = numpy.zeros(1 << SIEVE_BITS, dtype=bool)
    table[(keys & numpy.uint64((1 << SIEVE_BITS) - 1)).astype(numpy.intp)] = True
    return table


def member(values: numpy.ndarray, keys: numpy.ndarray, table: numpy.ndarray | None = None) -> numpy.ndarray:
    """``numpy.isin`` for a sorted key array, without sorting ``values``; with ``table``
    (``sieve(keys)``) only the values whose low bits some key has are looked up."""
    if not len(keys):
        return numpy.zeros(len(values), dtype=bool)
    if table is not None:
        out = table[(values & numpy.uint64((1 << SIEVE_BITS) - 1)).astype(numpy.intp)]
        maybe = numpy.flatnonzero(out)
        out[maybe] = member(values[maybe], keys)
        return out
    i = numpy.searchsorted(keys, values)
    i[i == len(keys)] = 0
    return keys[i] == values


def longest_run(mask: numpy.ndarray) -> int:
    """The longest run of consecutive True values."""
    if not mask.any():
        return 0
    edges = numpy.flatnonzero(numpy.diff(numpy.concatenate(([0], mask.view(numpy.int8), [0]))))
    return int((edges[1::2] - edges[::2]).max())
