"""Array helpers the engine shares (no medspaCy here: ``matching`` imports this module at
load, before medspaCy is wanted): a sorted-key membership test with a sieve, the longest
run of a mask, and medspaCy's pruning of overlapping matches."""

from __future__ import annotations

import numpy


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
