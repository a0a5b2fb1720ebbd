"""iro_dates' faster plumbing gives what the plain one gives: DateHits merges the same
windows as base.Hits, for every window set the rules ask for, on every letter we have
(the letters of tests/test_triggers.py) and with other before/after reaches."""

from __future__ import annotations

from iro_evidence.components.base import Hits
from iro_evidence.components.dates import DateHits
from test_triggers import LETTERS


def test_date_hits_windows_are_the_base_windows(nlp):
    comp = nlp.get_pipe("iro_dates")
    keys = {w for _f, _p, words, also in comp.formats for w in (words, also)}
    keys |= {words for *_, words in comp.redactions}
    keys = [k for k in keys if k] + [("digits", "slash"), ("month", "century", "x/")]
    for letter, text in LETTERS:
        hits = comp.triggers.scan(text)
        assert isinstance(hits, DateHits)
        for before, after in ((hits.before, hits.after), (0, 0), (5, 120), (300, 3)):
            fast, ref = DateHits(text, hits.found, before, after), Hits(text, hits.found, before, after)
            for k in keys:
                assert fast.windows(k) == ref.windows(k), (letter, k, before, after)
            assert fast.windows() == ref.windows()
