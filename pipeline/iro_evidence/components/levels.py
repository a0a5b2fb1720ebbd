"""Spinal levels: ``C5-6``, ``C5/6``, ``L5-S 1``, ``T12-L1``, spans expanded, roots.

One regex (``patterns/levels.json``) finds a vertebra or a pair of vertebrae; a pair that
is more than one disc apart (``L4-S1``, ``C2-C7``) and two matches joined by "through" or
"to" (``C3 through C6``, ``L3-4 to L5-S1``) expand into every intervertebral level
between. Canonical forms follow the gold format: ``C5-C6``, ``L5-S1``, ``C6``.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from .base import RuleComponent, char_span, set_group

# The column of vertebrae from C1 to S1; a disc level is two neighbours in this list.
SPINE = (
    [f"C{i}" for i in range(1, 8)] + [f"T{i}" for i in range(1, 13)] + [f"L{i}" for i in range(1, 6)] + ["S1"]
)
POSITION = {v: i for i, v in enumerate(SPINE)}


def expand(a: str, b: str) -> list[str]:
    """Intervertebral levels from vertebra a down to vertebra b (empty if not a span)."""
    i, j = POSITION.get(a), POSITION.get(b)
    if i is None or j is None or j <= i:
        return []
    return [f"{SPINE[k]}-{SPINE[k + 1]}" for k in range(i, j)]


class LevelMatcher(RuleComponent):
    rules_file = "levels.json"

    def compile(self) -> None:
        r = self.rules
        self.level_re = re.compile(r["level"], re.I)
        self.joiner_re = re.compile(r["range_joiners"], re.I)
        self.trap_after = re.compile(r["traps_after"], re.I)
        self.trap_before = re.compile(r["traps_before"], re.I)
        self.root_re = re.compile(r["root_context"], re.I)
        self.max_v = r["max_vertebra"]

    def _vertebra(self, letter: str, num: str) -> str | None:
        letter = letter.upper()
        n = int(num)
        if not 1 <= n <= self.max_v[letter]:
            return None
        return f"{letter}{n}"

    def find(self, text: str) -> list[dict]:
        """Level mentions as dicts: start, end, kind (disc, span, vertebra, root), levels."""
        out: list[dict] = []
        for m in self.level_re.finditer(text):
            a = self._vertebra(m["a"], m["an"])
            if a is None:
                continue
            after = text[m.end() : m.end() + 20]
            before = text[max(0, m.start() - 40) : m.start()]
            if self.trap_after.match(after) or self.trap_before.search(before):
                continue
            if m["a"].islower() and not m["sep"]:
                continue  # a lone lower-case "l5" is too often something else
            if m["bn"] is None:
                kind = "root" if self.root_re.match(after) else "vertebra"
                if a == "C8" and kind != "root":
                    continue
                out.append(
                    {"start": m.start(), "end": m.end(), "kind": kind, "levels": [a], "first": a, "last": a}
                )
                continue
            letter_b = m["b"] or m["a"]
            b = self._vertebra(letter_b, m["bn"])
            if b is None:
                continue
            if m["b"] is None and m["a"].upper() == "L" and int(m["bn"]) == 1 and int(m["an"]) == 5:
                b = "S1"  # "L5-1" is read as L5-S1
            levels = expand(a, b)
            if not levels:
                continue
            out.append(
                {
                    "start": m.start(),
                    "end": m.end(),
                    "kind": "disc" if len(levels) == 1 else "span",
                    "levels": levels,
                    "first": a,
                    "last": b,
                }
            )
        return self._join_ranges(text, out)

    def _join_ranges(self, text: str, found: list[dict]) -> list[dict]:
        """'C3 through C6', 'L3-4 to L5-S1': two mentions become one span."""
        out: list[dict] = []
        i = 0
        while i < len(found):
            cur = found[i]
            if i + 1 < len(found):
                nxt = found[i + 1]
                gap = text[cur["end"] : nxt["start"]]
                if self.joiner_re.match(gap) and gap.strip():
                    levels = expand(cur["first"], nxt["last"])
                    if levels:
                        out.append(
                            {
                                "start": cur["start"],
                                "end": nxt["end"],
                                "kind": "span",
                                "levels": levels,
                                "first": cur["first"],
                                "last": nxt["last"],
                            }
                        )
                        i += 2
                        continue
            out.append(cur)
            i += 1
        return out

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for f in self.find(doc.text):
            span = char_span(doc, f["start"], f["end"], "LEVEL")
            if span is None:
                continue
            span._.iro = {"value": "|".join(f["levels"]), "kind": f["kind"]}
            spans.append(span)
        set_group(doc, "levels", spans)
        return doc
