"""iro_dates' faster plumbing gives what the plain one gives: ``Hits.windows`` (one-pass
merge) gives the obvious merge's windows, for every window set the date rules ask for, on
every letter we have
(the letters of tests/test_triggers.py) and with other before/after reaches."""

from __future__ import annotations

from iro_evidence.matching import Hits
from test_triggers import LETTERS


def _reference_windows(text, found, words, before, after) -> list[tuple[int, int]]:
    """Windows the obvious way: every hit's window, clamped, merged with the last one
    when they touch (what ``Hits.windows`` did before its one-pass merge)."""
    keys = [w.lower() for w in words] if words else list(found)
    out: list[list[int]] = []
    for h in sorted(i for w in keys for i in found.get(w, ())):
        lo, hi = max(0, h - before), min(len(text), h + after)
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def test_hits_windows_are_the_reference_windows(nlp):
    comp = nlp.get_pipe("iro_dates")
    keys = {w for _f, _p, words, also in comp.formats for w in (words, also)}
    keys |= {words for *_, words in comp.redactions}
    keys = [k for k in keys if k] + [("digits", "slash"), ("month", "century", "x/")]
    for letter, text in LETTERS:
        hits = comp.triggers.scan(text)
        assert isinstance(hits, Hits)
        for before, after in ((hits.before, hits.after), (0, 0), (5, 120), (300, 3)):
            fast = Hits(text, hits.found, before, after)
            for k in keys:
                ref = _reference_windows(text, hits.found, k, before, after)
                assert fast.windows(k) == ref, (letter, k, before, after)
            assert fast.windows() == _reference_windows(text, hits.found, None, before, after)


def _naive_found(triggers, low: str, words) -> dict[str, list[int]]:
    """Trigger positions the slow, obvious way: every occurrence of a word, every match
    start of a pattern, every hit of a derived trigger's words where its regex matches."""

    def occurrences(w: str) -> list[int]:
        if w in triggers.patterns:
            return [m.start() for m in triggers.patterns[w].finditer(low)]
        if w in triggers.derived:
            ws, pat = triggers.derived[w]
            return sorted(i for v in ws for i in occurrences(v) if pat.match(low, i))
        return [i for i in range(len(low)) if low.startswith(w, i)]

    return {w: pos for w in words if (pos := occurrences(w))}


def test_date_triggers_are_found_where_the_naive_scan_finds_them(nlp):
    comp = nlp.get_pipe("iro_dates")
    words = {w for _f, _p, ws, also in comp.formats for w in (*ws, *also)}
    words |= {w for *_, ws in comp.redactions for w in ws}
    for letter, text in LETTERS + [("odd", "1/2 -3- 4-/5 x/ #- 19-20/ /x 12/-1 ---// 2-\n/")]:
        low = text.lower()
        found = comp.triggers.scan(text, low).found
        assert {w: found[w] for w in words if w in found} == _naive_found(comp.triggers, low, words), letter


def test_clause_start_is_the_regex_it_stands_for():
    import random
    import re

    from iro_evidence.components.records import clause_start

    rnd = random.Random(5)
    texts = ["", "\n", "a.\n", "x(y) z\n\n", "no stops", "a;b:c(d)e\nf"]
    texts += ["".join(rnd.choice("ab .;:()\n") for _ in range(rnd.randint(0, 40))) for _ in range(3000)]
    for _letter, text in LETTERS[:20]:
        texts += [text[i : i + 200] for i in range(0, len(text), 37)]
    for t in texts:
        assert clause_start(t) == re.search(r"[^.;:()\n]*$", t).start(), repr(t)
