"""Who asserts each fact (``Attributor``), used by ``iro_assertion``: reporting cues found
near their trigger words, paragraphs and sections (rules: the "attribution" object of
``patterns/context.json``)."""

from __future__ import annotations

import bisect
import re

from ..matching import Hits, Rule, Triggers, View

PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n|\f")
# the same without "\f": a pattern that starts with a literal character, which ``re`` jumps
# to instead of trying every position (about 6x faster over a letter)
BLANK_LINE = re.compile(r"\n[ \t]*\n")


def paragraph_breaks(text: str) -> list[int]:
    """Where each paragraph after the first starts (the ends of ``PARAGRAPH_BREAK`` matches)."""
    pattern = PARAGRAPH_BREAK if "\f" in text else BLANK_LINE
    return [m.end() for m in pattern.finditer(text)]


class Attributor:
    """Who asserts each fact, from reporting cues, paragraphs and sections (rules: the
    "attribution" object of ``context.json``; its ``_doc`` explains each key)."""

    def __init__(self, rules: dict | list, legacy_sections: dict | None = None):
        if isinstance(rules, list):  # rules saved before cues had positions: [[who, regex], ...]
            rules = {"cues": [{"who": w, "pattern": p} for w, p in rules]}
            rules["section_attribution"] = {"*": legacy_sections or {}}
        self.genres = [
            (g["name"], g.get("within", 2000), re.compile(g["pattern"], re.I), tuple(g.get("triggers") or ()))
            for g in rules.get("genres", [])
        ]
        self.roles = [(r["who"], re.compile(r["pattern"], re.I)) for r in rules.get("roles", [])]
        self.cues = [(c, re.compile(c["pattern"], re.I)) for c in rules.get("cues", [])]
        # roles then cues (the rule index order): each near its trigger words (none: the
        # whole text) or, anchored, tried only where one of them starts
        self.rules = []
        for (_, pat), r in zip(self.roles + self.cues, rules.get("roles", []) + rules.get("cues", [])):
            words = tuple(r.get("triggers") or ())
            self.rules.append(Rule(pat, words, starts=(words, None) if r.get("anchored") else None))
        self.named = ["name" in rule.regex.groupindex for rule in self.rules]  # (a new dict per read)
        spec = rules.get("triggers") or {}
        extra = [rule.words for rule in self.rules if rule.words] + [g[3] for g in self.genres if g[3]]
        self.triggers = Triggers(spec, extra)
        self.sections = rules.get("section_attribution", {})
        self.after_window = rules.get("after_window", 80)
        self.contrast = re.compile(rules["contrast"], re.I) if rules.get("contrast") else None

    def genre(self, text: str, hits: Hits | None = None) -> str:
        """The letter's genre: the first whose pattern occurs in its first ``within``
        characters; with ``hits`` (``self.triggers.scan``) only searched near its triggers."""
        for name, within, pat, words in self.genres:
            if hits is None or hits.found is None or not words:
                if pat.search(text, 0, within):
                    return name
                continue
            for lo, hi in hits.windows(words):
                if lo >= within:
                    break
                if pat.search(text, lo, min(hi, within)):
                    return name
        return "iro"

    def section_role(self, genre: str, section: str | None) -> str | None:
        if not section:
            return None
        return (self.sections.get(genre) or {}).get(section) or (self.sections.get("*") or {}).get(section)

    def find(self, text: str, hits: Hits | None = None) -> list[tuple[int, int, int, str | None]]:
        """Every match of the role and cue regexes: (start, end, rule index, name), in text
        order. With ``hits`` (``self.triggers.scan``) each regex only runs around its
        trigger words; without, on the whole text (the reference)."""
        found = []
        view = View(text, text.lower(), hits) if hits is not None and hits.found is not None else None
        for i, rule in enumerate(self.rules):
            matches = view.matches(rule) if view and rule.words else rule.regex.finditer(text)
            if self.named[i]:
                found += [(m.start(), m.end(), i, m.group("name")) for m in matches]
            else:
                found += [(m.start(), m.end(), i, None) for m in matches]
        found.sort(key=lambda c: (c[0], c[2]))
        return found

    def for_doc(
        self, text: str, sections, sent_chars: list[int], found: list | None = None, hits: Hits | None = None
    ):
        """A function (start_char, end_char, sentence index, section) -> role or None.
        ``found``: ``find(text, ...)``, the whole text's if not given; ``hits``: the trigger
        scan ``found`` came from, if any (the genre is then looked for near its triggers)."""
        genre = self.genre(text, hits)
        sec_bounds = [(s.start_char, s.label_) for s in sections]
        sec_starts = [b for b, _ in sec_bounds]
        breaks = paragraph_breaks(text)

        def section_at(pos: int) -> str | None:
            k = bisect.bisect_right(sec_starts, pos) - 1
            return sec_bounds[k][1] if k >= 0 else None

        def block_start(pos: int) -> int:
            k = bisect.bisect_right(breaks, pos) - 1
            b = breaks[k] if k >= 0 else 0
            j = bisect.bisect_right(sec_starts, pos) - 1
            return max(b, sec_starts[j] if j >= 0 else 0)

        if found is None:
            found = self.find(text)
        n_roles = len(self.roles)
        names: dict[str, str] = {}  # a doctor's name -> the role of its first binding
        for _, _, i, name in sorted((f for f in found if f[2] < n_roles), key=lambda f: (f[2], f[0])):
            if name and name not in names:
                names[name] = self.roles[i][0]
        cues: list[tuple[int, int, str, bool]] = []  # (start, end, who, weak), in text order
        taken: set[int] = set()
        for start, end, i, name in found:
            if start in taken:  # two cues at one place: the one listed first in the rules
                continue
            taken.add(start)
            if i < n_roles:  # a role binding is a cue of that role
                rule, name = {"who": self.roles[i][0]}, None
            else:
                rule = self.cues[i - n_roles][0]
            who = rule["who"]
            default = (rule.get("default_by_genre") or {}).get(genre) or rule.get("default")
            if who == "@name":
                who = names.get(name or "") or default
            elif who in ("@section", "@carry"):
                b = block_start(start)
                carried = next((c[2] for c in reversed(cues) if c[0] >= b and not c[3]), None)
                if who == "@carry":  # "He also noted": the person of the paragraph
                    who = carried or default
                else:
                    allowed = rule.get("allowed") or []
                    who = self.section_role(genre, section_at(start))
                    if who not in allowed:
                        who = carried if carried in allowed else default
            if who:
                cues.append((start, end, who, bool(rule.get("weak"))))
        cue_starts = [c[0] for c in cues]
        n_sent = len(sent_chars)
        per_sentence: dict[int, tuple] = {}  # perf: a sentence's cue range and carried cue, once

        def attribute(start: int, end: int, k: int, section: str | None) -> str | None:
            got = per_sentence.get(k)
            if got is None:
                s0 = sent_chars[k] if 0 <= k < n_sent else 0
                s1 = sent_chars[k + 1] if k + 1 < n_sent else len(text)
                lo = bisect.bisect_left(cue_starts, s0)
                hi = bisect.bisect_left(cue_starts, s1)
                # carried from earlier in the paragraph; a study's cue ends the carry
                j = lo - 1
                carried = cues[j][2] if j >= 0 and cues[j][0] >= block_start(s0) and not cues[j][3] else None
                got = per_sentence[k] = (lo, hi, carried)
            lo, hi, carried = got
            if lo == hi:  # no cue in the sentence
                return carried or self.section_role(genre, section)
            # cues are in text order: those before the fact, then the first one after it
            before = cues[lo : bisect.bisect_left(cue_starts, start, lo, hi)]
            strong = [c for c in before if not c[3]]
            if before:
                ranked = sorted(strong or before, key=lambda c: (min(c[1], start), c[0]), reverse=True)
                # "Dr. L noted that Claimant complained of pain, but had a normal gait": the
                # nearest cue stops at the contrast word, the one before it reaches further
                if len(ranked) > 1 and self.contrast is not None and ranked[0][1] < start:
                    if self.contrast.search(text, ranked[0][1], start):
                        return ranked[1][2]
                return ranked[0][2]
            a = bisect.bisect_left(cue_starts, end, lo, hi)
            if a < hi and cue_starts[a] <= end + self.after_window:
                return cues[a][2]
            return carried or self.section_role(genre, section)

        return attribute
