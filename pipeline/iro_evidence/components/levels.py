"""Spinal levels: ``C5-6``, ``C5/6``, ``L5-S 1``, ``T12-L1``, spans expanded, roots.

One regex (``patterns/levels.json``) finds a vertebra or a pair of vertebrae; a pair that
is more than one disc apart (``L4-S1``, ``C2-C7``) and two matches joined by "through" or
"to" (``C3 through C6``, ``L3-4 to L5-S1``) expand into every intervertebral level
between. Chains (``L4-5-S1``) and bare pairs in a list (``C4-5, 5-6 and 6-7``) take the
letter of the level before. Each span has a ``kind``: ``disc`` (one intervertebral
level), ``span`` (several), ``vertebra`` or ``root``. Canonical forms follow the gold
format: ``C5-C6``, ``L5-S1``, ``C6``. Traps (``T1-weighted``, ``T2 signal``, CPT/ICD
codes, ``S1 joint``) are rejected by the context around the match.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from .base import RuleComponent, char_span, doc_text, set_group, span_ext

# The column of vertebrae from C1 to S1; a disc level is two neighbours in this list.
SPINE = (
    [f"C{i}" for i in range(1, 8)] + [f"T{i}" for i in range(1, 13)] + [f"L{i}" for i in range(1, 6)] + ["S1"]
)
POSITION = {v: i for i, v in enumerate(SPINE)}
REGION = {"C": "cervical", "T": "thoracic", "L": "lumbar", "S": "lumbar"}


def expand(a: str, b: str) -> list[str]:
    """Intervertebral levels from vertebra a down to vertebra b (empty if not a span)."""
    i, j = POSITION.get(a), POSITION.get(b)
    if i is None or j is None or j <= i:
        return []
    return [f"{SPINE[k]}-{SPINE[k + 1]}" for k in range(i, j)]


def region_of(level: str) -> str | None:
    """Spine region of a canonical level or vertebra (``C5-C6`` -> cervical)."""
    return REGION.get(level[:1].upper())


class LevelMatcher(RuleComponent):
    rules_file = "levels.json"

    def compile(self) -> None:
        r = self.rules
        self.level_re = re.compile(r["level"], re.I)
        # used with Pattern.match(text, pos), where "^" would never match
        self.chain_dash = re.compile(r["chain_dash"].lstrip("^"), re.I)
        self.chain_list = re.compile(r["chain_list"].lstrip("^"), re.I)
        self.joiner_re = re.compile(r["range_joiners"], re.I)
        self.trap_after = re.compile(r["traps_after"], re.I)
        self.trap_before = re.compile(r["traps_before"], re.I)
        self.seq_before = re.compile(r["sequence_trap_before"], re.I)
        self.seq_after = re.compile(r["sequence_trap_after"], re.I)
        self.sacral_joint = re.compile(r["sacral_joint_trap"], re.I)
        self.root_re = re.compile(r["root_context"], re.I)
        self.max_v = r["max_vertebra"]
        self.hyphen_context = re.compile(r.get("hyphen_context", r"(?!)"), re.I)
        self.sacrum_span = re.compile(r.get("sacrum_span", r"(?!)"), re.I)
        self.gloss = re.compile(r["gloss"], re.I) if r.get("gloss") else None
        self.slip_joiner = re.compile(r.get("slip_joiner", r"(?!)"), re.I)

    def _vertebra(self, letter: str, num: str) -> str | None:
        letter = letter.upper()
        n = int(num)
        if not 1 <= n <= self.max_v[letter]:
            return None
        return f"{letter}{n}"

    def _pair(self, a: str, letter_b: str | None, bn: str) -> str | None:
        """The lower vertebra of a pair; "L5-1" is read as L5-S1."""
        if letter_b is None and a == "L5" and int(bn) == 1:
            return "S1"
        return self._vertebra(letter_b or a[0], bn)

    def find(self, text: str) -> list[dict]:
        """Level mentions as dicts: start, end, kind (disc, span, vertebra, root), levels.
        Long forms in parentheses after a vertebra ('gloss') are read as absent; the
        offsets are mapped back to ``text``."""
        if self.gloss is None or "(" not in text:
            return self._find(text)
        cuts = [m.span() for m in self.gloss.finditer(text)]
        if not cuts:
            return self._find(text)
        parts, keep, prev = [], [], 0  # keep[i]: where character i of the short text is
        for a, b in cuts:
            parts.append(text[prev:a])
            keep.extend(range(prev, a))
            prev = b
        parts.append(text[prev:])
        keep.extend(range(prev, len(text)))
        found = self._find("".join(parts))
        for f in found:
            f["start"], f["end"] = keep[f["start"]], keep[f["end"] - 1] + 1
        return found

    def _find(self, text: str) -> list[dict]:
        out: list[dict] = []
        pos = 0
        while True:
            m = self.level_re.search(text, pos)
            if m is None:
                break
            pos = end = m.end()
            a = self._vertebra(m["a"], m["an"])
            if a is None:
                continue
            bn = m["bn"]
            if m["bn2"] is not None:  # "C5 6": a pair only when 6 is the next vertebra
                b = self._pair(a, None, m["bn2"])
                if b is not None and len(expand(a, b)) == 1:
                    bn = m["bn2"]
                else:
                    pos = end = m.end("an")
            after = text[end : end + 24]
            before = text[max(0, m.start() - 40) : m.start()]
            if self.trap_after.match(after) or self.trap_before.search(before):
                continue
            if m["a"].islower() and not m["sep"]:
                continue  # a lone lower-case "l5" is too often something else
            if bn is None:
                if a in ("T1", "T2") and (self.seq_before.search(before) or self.seq_after.match(after)):
                    continue  # an MRI sequence ("on T2", "T1 and T2 images")
                if a.startswith("S") and self.sacral_joint.match(after):
                    continue
                kind = "root" if self.root_re.match(after) else "vertebra"
                if m["hy"] and kind != "root" and not self.hyphen_context.match(after):
                    continue  # "Exhibits C-1 through C-5"
                if a == "C8" and kind != "root":
                    continue
                sacrum = self.sacrum_span.match(after)
                if sacrum and expand(a, "S1"):  # "fusion from L4 to the sacrum"
                    levels = expand(a, "S1")
                    kind = "disc" if len(levels) == 1 else "span"
                    out.append(_mention(m.start(), end + sacrum.end(), kind, levels, a, "S1"))
                    continue
                out.append(_mention(m.start(), end, kind, [a], a, a))
                continue
            b = self._pair(a, m["b"], bn)
            levels = expand(a, b) if b else []
            if not levels:
                continue
            out.append(_mention(m.start(), end, "disc" if len(levels) == 1 else "span", levels, a, b))
            pos = self._chain(text, out, pos)
        return self._join_ranges(text, out)

    def _chain(self, text: str, out: list[dict], pos: int) -> int:
        """Extend the last mention with 'L4-5-S1' and bare pairs 'C4-5, 5-6 and 6-7'."""
        while True:
            last = out[-1]
            m = self.chain_dash.match(text, pos)
            if m:
                b = self._pair(last["last"], m["b"], m["bn"])
                more = expand(last["last"], b) if b else []
                if more and not self.trap_after.match(text[m.end() : m.end() + 24]):
                    last["levels"] = last["levels"] + more
                    last.update(end=m.end(), last=b, kind="span")
                    pos = m.end()
                    continue
            m = self.chain_list.match(text, pos)
            if m:
                letter = last["first"][0]
                a = self._vertebra(letter, m["an"])
                b = self._pair(a, m["b"], m["bn"]) if a else None
                levels = expand(a, b) if b else []
                if len(levels) == 1 and POSITION[a] > POSITION[last["first"]]:
                    start = m.start("an")
                    out.append(_mention(start, m.end(), "disc", levels, a, b))
                    pos = m.end()
                    continue
            return pos

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
                            _mention(cur["start"], nxt["end"], "span", levels, cur["first"], nxt["last"])
                        )
                        i += 2
                        continue
            out.append(cur)
            # "retrolisthesis of L3 on L4": the two vertebrae, and the level between them
            nxt = found[i + 1] if i + 1 < len(found) else None
            if nxt and len(expand(cur["last"], nxt["first"])) == 1 and cur["first"] == cur["last"]:
                if nxt["first"] == nxt["last"] and self.slip_joiner.match(text[cur["end"] : nxt["start"]]):
                    levels = expand(cur["last"], nxt["first"])
                    out.append(_mention(cur["start"], nxt["end"], "disc", levels, cur["last"], nxt["first"]))
            i += 1
        return out

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for f in self.find(doc_text(doc)):
            span = char_span(doc, f["start"], f["end"], "LEVEL")
            if span is None:
                continue
            span._.iro = {**(span_ext(span) or {}), "value": "|".join(f["levels"]), "kind": f["kind"]}
            spans.append(span)
        set_group(doc, "levels", spans)
        return doc


def _mention(start: int, end: int, kind: str, levels: list[str], first: str, last: str) -> dict:
    return {"start": start, "end": end, "kind": kind, "levels": levels, "first": first, "last": last}
