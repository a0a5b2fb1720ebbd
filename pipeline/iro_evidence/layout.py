"""One canonical text per letter, whatever its layout, with offsets back to the original.

The same letter reaches us wrapped at 60 or 100 columns or not at all, with CRLF line
ends, two spaces or no-break spaces between words, a page footer every 45 lines, curly
quotes or ``?``/``=`` where an apostrophe was lost, zero-width and bidi marks from a web
page. None of that changes what the letter says, so none of it may change its record.
Rather than teach every rule every layout, the tokenizer reads the letter through
``canonicalize`` first, and every component sees the one canonical text:

- CRLF and CR become LF; zero-width, bidi and soft-hyphen marks go;
- tabs, no-break and other Unicode spaces are spaces; curly quotes are straight; ``?`` or
  ``=`` between a word and ``s``/``t``/``ll``/... (``claimant?s``, ``IRO=s``) is ``'``;
- page chrome goes: a line ``Page 2 of 4`` (or ``- 2 -``, a form feed) together with the
  short header/footer lines around it (the IRO's name, a case number), and a sentence cut
  by it is joined again;
- paragraphs (separated by blank lines) stay, separated by one blank line; the lines of a
  paragraph are joined with one space, and a word hyphenated at a line end is joined
  (``radicu-`` + ``lopathy``; ``L4-`` + ``L5`` keeps its hyphen);
- runs of spaces are one space.

``Offsets`` maps each canonical offset back to the original text, so every fact's
``start_char``/``end_char`` still points into the letter as it was read.
"""

from __future__ import annotations

import bisect
import functools
import re
from importlib import resources

import numpy

# characters removed outright: zero-width spaces and joiners, bidi marks, BOM, soft hyphen
_DROP = (
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad"
)
_SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_SAME_LENGTH = str.maketrans(
    {
        **dict.fromkeys(_SPACES, " "),
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\v": "\n",
        "\f": "\n",
        "\u2028": "\n",
        "\u2029": "\n",
        "\x85": "\n",
    }
)
# a lost apostrophe: "claimant?s", "IRO=s", "don?t", "provider?s"
_APOSTROPHE = re.compile(  # (it starts with its characters: re finds those fast)
    r"[?=](?:(?<=[A-Za-z][?=])(?=(?i:s|t|d|ll|re|ve|m)\b)|(?<=[A-Za-z][sS]=)(?=\s))"
)
_CR = re.compile(r"\r\n?")
_DROPS = re.compile(f"[{_DROP}]+")

# page chrome
_PAGE_LINE = re.compile(
    r"^[ ]*(?:-[ ]*)?"
    r"(?:page[ ]*\d{1,4}(?:[ ]*(?:of|/)[ ]*\d{1,4})?|\d{1,4}[ ]*(?:of|/)[ ]*\d{1,4}|-[ ]*\d{1,4}[ ]*-)"
    r"[ ]*(?:-[ ]*)?$",
    re.I,
)
# a footer in columns: "Lone Star Review, Inc.     Case No. 123     Page 1 of 3"
_FOOTER_LINE = re.compile(
    r"^[^\n]{0,100}?\S(?:[ ]{2,}|[ ]*\|[ ]*)page[ ]*\d{1,4}[ ]*(?:of|/)[ ]*\d{1,4}[ ]*$"
    r"|^[ ]*(?-i:[A-Z])[^\n]{0,100}?\S[ ](?-i:Page)[ ]\d{1,4}[ ]of[ ]\d{1,4}[ ]*$",
    re.I,
)
_PAGE_WORD = re.compile(r"\bpage\b", re.I)
_LETTERHEAD = re.compile(r"\b(?:tel|phone|fax|facsimile)\b[.:]?\s*\(?\d{3}|\S+@\S+\.\w+", re.I)
_PROSE = re.compile(r"[a-z]{3,}[.!?] [A-Z][a-z]")  # a sentence ends and another starts
# a header/footer line: a case or reference number, a company name, a phone, fax or email
_CHROME_HINT = re.compile(
    r"^(?:IRO\s+|MDR\s+|DWC\s+)?(?:case|ref(?:erence)?|tracking|file|claim|docket|certificate|cert|control|mdr|iro)"
    r"\b[\w ]{0,20}?(?:#|\bno\.?|\bnumber|:)\s*:?\s*[\w-]*\d[\w-]*$"
    r"|^[A-Z][\w&.,' -]{0,60}\b(?:inc|llc|l\.l\.c|corp|corporation|ltd|p\.?a|pllc|llp)\.?$"
    r"|^(?:phone|fax|tel|telephone|e-?mail)\b.{0,60}$|^[\d() .-]{10,16}$|^\S+@\S+$",
    re.I,
)
SOURCE_KEY = ("iro_evidence", "source")
OFFSETS_KEY = ("iro_evidence", "offsets")
MAX_CHROME = 3  # header/footer lines kept with a page line, above and below it
CHROME_WIDTH = 80
CHROME_LINE = 60  # every line of a block that is only chrome is at most this long

# whitespace
_SPACE_RUN = re.compile(r" {2,}")


class Offsets:
    """Canonical offsets -> original offsets, stored as breakpoints of copied runs.

    ``starts[i]`` (canonical) maps to ``origins[i]``; offsets after it advance with it
    until the next breakpoint, whose origin they never pass (a replaced run of whitespace
    maps to where it began). Plain lists of ints: a Doc carrying them still pickles.
    """

    __slots__ = ("starts", "origins", "length")

    def __init__(self, starts: list[int], origins: list[int], length: int):
        self.starts, self.origins, self.length = starts, origins, length

    def to_plain(self) -> list:
        return [self.starts, self.origins, self.length]

    @classmethod
    def from_plain(cls, plain) -> Offsets:
        return cls(list(plain[0]), list(plain[1]), plain[2])

    def start(self, c: int) -> int:
        """The original offset of canonical character ``c``."""
        i = bisect.bisect_right(self.starts, c) - 1
        if i < 0:
            return c
        o = self.origins[i] + (c - self.starts[i])
        limit = self.origins[i + 1] if i + 1 < len(self.origins) else self.length
        return min(o, limit)

    def end(self, c: int) -> int:
        """The original end offset of a span ending at canonical ``c`` (exclusive)."""
        return self.start(c - 1) + 1 if c > 0 else 0

    def to_canonical(self, o: int) -> int:
        """The canonical offset of original character ``o`` (the nearest one kept)."""
        i = bisect.bisect_right(self.origins, o) - 1
        if i < 0:
            return 0
        nxt = self.starts[i + 1] if i + 1 < len(self.starts) else None
        c = self.starts[i] + (o - self.origins[i])
        return min(c, nxt) if nxt is not None else c


class _Builder:
    """A text being rewritten, with the original offset of each of its characters."""

    def __init__(self, text: str):
        self.text = text
        self.origin = numpy.arange(len(text) + 1, dtype=numpy.int64)

    def splice(self, edits: list[tuple[int, int, str]]) -> None:
        """Replace each (start, end) of the current text by a new string; the new characters
        map to where the replaced run began. Edits are sorted and do not overlap."""
        if not edits:
            return
        text = self.text
        parts: list[str] = []
        src, lens, steps = [], [], []  # pieces of the new text: where they come from, how long
        pos = 0
        for start, end, new in edits:
            if start > pos:  # copied: each character from its own place
                parts.append(text[pos:start])
                src.append(pos), lens.append(start - pos), steps.append(1)
            if new:  # new: every character from where the replaced run began
                parts.append(new)
                src.append(start), lens.append(len(new)), steps.append(0)
            pos = end
        parts.append(text[pos:])
        src.append(pos), lens.append(len(text) - pos + 1), steps.append(1)  # + the end sentinel
        # the old index of each new character, as one cumulative sum: +step inside a piece,
        # a jump to the piece's source at its first character
        src_a, lens_a, steps_a = (numpy.array(v, dtype=numpy.int64) for v in (src, lens, steps))
        delta = numpy.repeat(steps_a, lens_a)
        firsts = numpy.concatenate(([0], numpy.cumsum(lens_a)[:-1]))
        last_of_prev = numpy.concatenate(([0], (src_a + (lens_a - 1) * steps_a)[:-1]))
        delta[firsts] = src_a - last_of_prev
        self.text, self.origin = "".join(parts), self.origin[numpy.cumsum(delta)]

    def sub(self, pattern: re.Pattern, repl) -> None:
        """``re.sub`` that keeps the origins (``repl`` a string or a function of the match)."""
        if isinstance(repl, str):
            found = pattern.finditer(self.text)
            self.splice([(m.start(), m.end(), repl) for m in found if m.group() != repl])
            return
        edits = []
        for m in pattern.finditer(self.text):
            new = repl(m)
            if new != m.group(0):
                edits.append((m.start(), m.end(), new))
        self.splice(edits)

    def offsets(self, length: int) -> Offsets:
        origin = self.origin[: len(self.text)]
        if not len(origin):
            return Offsets([], [], length)
        starts = numpy.concatenate(([0], numpy.flatnonzero(numpy.diff(origin) != 1) + 1))
        return Offsets(starts.tolist(), origin[starts].tolist(), length)


FOOTER_WORDS = 12  # a footer's name and numbers before its page number, at most


def _is_page_line(line: str) -> bool:
    """A page number line ("Page 2 of 4", "- 2 -") or a footer that ends in one: a few
    words with one page number (a longer line, or one naming two pages, is a paragraph
    that happens to end in one, as lines joined into a paragraph can)."""
    if _PAGE_LINE.match(line):
        return True
    m = _FOOTER_LINE.match(line)
    if not m:
        return False
    words = line.split()
    return len(words) <= FOOTER_WORDS + 4 and len(_PAGE_WORD.findall(line)) == 1


class _PageLines:
    """The lines of a text read for page chrome: which lines look like a header or footer,
    and how far a block of chrome around a page line reaches."""

    def __init__(self, lines: list[str], candidates: list[int]):
        self.lines = lines
        self.candidates = candidates  # the lines that may be (part of) a page line, in order

    @functools.cached_property
    def counts(self) -> dict[str, int]:
        """How often each line occurs: a line repeated on other pages is chrome."""
        counts: dict[str, int] = {}
        for line in self.lines:
            s = line.strip()
            if s:
                counts[s] = counts.get(s, 0) + 1
        return counts

    def chrome(self, i: int) -> bool:
        """A short line that is repeated, or a page line, or a name, number or phone."""
        s = self.lines[i].strip()
        if not s or len(s) > CHROME_WIDTH or s[0].islower() or s[-1] in ",;":
            return False
        return self.counts[s] > 1 or bool(_CHROME_HINT.search(s) or _is_page_line(s))

    def heading_like(self, i: int) -> bool:
        """A short line of capitalized words or numbers (a letterhead), not a cut sentence."""
        s = self.lines[i].strip()
        if not s or len(s) > CHROME_LINE or s[0].islower() or s[-1] in ",;:":
            return False
        words = re.findall(r"[A-Za-z]+", s)
        caps = sum(1 for w in words if w[0].isupper() or w.lower() in ("of", "and", "the", "for"))
        return self.chrome(i) or caps >= 0.75 * len(words)

    def chrome_paragraph(self, start: int, step: int) -> int | None:
        """The far end of a paragraph of chrome lines (a letterhead repeated on each page)
        that starts at the first non-blank line from ``start`` in direction ``step``."""
        lines = self.lines
        j = start
        while 0 <= j < len(lines) and not lines[j].strip():
            j += step
        k = j
        while 0 <= k < len(lines) and lines[k].strip():
            if abs(k - j) > MAX_CHROME:
                return None
            k += step
        if k == j:
            return None
        first, last = min(j, k - step), max(j, k - step)
        if all(self.chrome(x) for x in range(first, last + 1)):
            return k - step
        # a letterhead whose lines were re-wrapped: an address with a phone, fax or email
        para = " ".join(lines[x].strip() for x in range(first, last + 1))
        if (
            len(para) <= 300
            and not para[0].islower()
            and _LETTERHEAD.search(para)
            and not _PROSE.search(para)
        ):
            return k - step
        return None

    def joined(self, lo: int, hi: int) -> str:
        return " ".join(self.lines[k].strip() for k in range(lo, hi + 1))

    def paragraph_blocks(self) -> list[tuple[int, int]]:
        """Short paragraphs that, their lines joined, are a page line or a footer (as the
        canonical text will join them: so the canonical text is a fixed point). Only the
        paragraphs that hold a candidate line can be."""
        lines, out = self.lines, []
        for c in self.candidates:
            if out and out[-1][0] <= c <= out[-1][1]:
                continue
            i = j = c
            while i > 0 and lines[i - 1].strip():
                i -= 1
            while j + 1 < len(lines) and lines[j + 1].strip():
                j += 1
            if j > i and j - i <= MAX_CHROME and _is_page_line(self.joined(i, j)):
                out.append((i, j))
        return out

    def around(self, i: int) -> tuple[int, int]:
        """The chrome around page line ``i``: its whole paragraph when that is short and
        reads as a letterhead; inside running text, only the chrome-looking lines next to it."""
        lines = self.lines
        lo = hi = i
        while lo > 0 and lines[lo - 1].strip():
            lo -= 1
        while hi + 1 < len(lines) and lines[hi + 1].strip():
            hi += 1
        if hi - lo <= MAX_CHROME and all(j == i or self.heading_like(j) for j in range(lo, hi + 1)):
            return lo, hi
        lo = hi = i
        while lo > 0 and i - lo < MAX_CHROME and self.chrome(lo - 1):
            lo -= 1
        while hi + 1 < len(lines) and hi - i < MAX_CHROME and self.chrome(hi + 1):
            hi += 1
        return lo, hi

    def with_letterheads(self, lo: int, hi: int) -> tuple[int, int]:
        """A letterhead paragraph right after a footer (or right before a header) goes too."""
        far = self.chrome_paragraph(hi + 1, 1)
        hi = far if far is not None else hi
        far = self.chrome_paragraph(lo - 1, -1)
        return (far if far is not None else lo), hi

    def blocks(self) -> list[tuple[int, int]]:
        """(first, last) line index of each page-chrome block: a page-number line and the
        short header/footer lines next to it (repeated on other pages, or a name, number or
        phone), blocks that touch merged."""
        paragraphs = self.paragraph_blocks()
        blocks: list[tuple[int, int]] = []
        for i in sorted({*self.candidates, *(a for a, _ in paragraphs)}):
            line = self.lines[i]
            whole = next(((a, b) for a, b in paragraphs if a <= i <= b), None)
            if whole is not None:
                if i != whole[0]:
                    continue
                line = self.joined(*whole)
            if not _is_page_line(line):
                continue
            lo, hi = self.with_letterheads(*(whole or self.around(i)))
            if blocks and lo <= blocks[-1][1] + 1:
                blocks[-1] = (blocks[-1][0], hi)
            else:
                blocks.append((lo, hi))
        return blocks


# the lines a page line can be (or start or end, split over lines): every page line has a
# digit at its start (after spaces and a dash) or right after "page"
# (two searches that each start with a literal, which re jumps to: 5x faster than one)
_LINE_DIGIT = re.compile(r"\n[ ]*-?[ ]*\d")
_PAGE_DIGIT = re.compile(r"[Pp][Aa][Gg][Ee][ ]*\d")


def _remove_chrome(b: _Builder) -> None:
    text = b.text
    found = [m.end() - 1 for m in _LINE_DIGIT.finditer("\n" + text)]  # (the digit: one past, as "\n" leads)
    found += [m.start() for m in _PAGE_DIGIT.finditer(text)]
    if not found:
        return
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    candidates = sorted({bisect.bisect_right(starts, at) - 1 for at in found})
    blocks = _PageLines(lines, candidates).blocks()
    edits = []
    for lo, hi in blocks:
        while lo > 0 and not lines[lo - 1].strip():
            lo -= 1
        while hi + 1 < len(lines) and not lines[hi + 1].strip():
            hi += 1
        if lo == 0 or hi + 1 == len(lines):  # at the top or the bottom: nothing to join
            start = 0 if lo == 0 else starts[lo] - 1
            edits.append((start, min(starts[hi + 1], len(text)), ""))
            continue
        before = text[: starts[lo]].rstrip()
        after = text[starts[hi + 1] :].lstrip()
        # a sentence cut by the page break is joined; otherwise it stays a paragraph break
        cut = before[-1:] not in (".", ":", ";", "!", "?") or after[:1].islower() or after[:1].isdigit()
        edits.append((starts[lo] - 1, starts[hi + 1], "\n" if cut else "\n\n"))
    b.splice(edits)


_HYPHEN_BREAK = re.compile(r"-(?:(?<=[A-Za-z0-9]-)[ ]*\n[ ]*(?=[A-Za-z0-9])|(?<=[a-z]-) (?=[a-z]))")
_WORD_BEFORE = re.compile(r"[A-Za-z0-9]+$")
_WORD_AFTER = re.compile(r"[A-Za-z0-9]+")


@functools.cache
def _lexicon() -> frozenset[str]:
    """The words our rule files spell out (``neurological``, ``radiculopathy``): a word
    broken at a line end that makes one of them is joined."""
    words: set[str] = set()
    for f in resources.files("iro_evidence").joinpath("patterns").iterdir():
        if f.name.endswith(".json"):
            words.update(re.findall(r"(?<![a-z\\])[a-z]{5,}(?![a-z])", f.read_text("utf-8").lower()))
    return frozenset(words)


def _join_hyphen(b: _Builder) -> None:
    """A word broken at a line end: ``radicu-`` + ``lopathy`` is joined when the letter
    writes ``radiculopathy`` elsewhere or the rules know the word; otherwise the hyphen
    stays (``L4-L5``, ``follow-up``, ``flexion-extension``). A break already joined with a
    space (``radicu- lopathy``) is read the same way; ``pre- and post-operative`` stays."""
    text = b.text
    low = text.lower()

    def repl(m: re.Match) -> str:
        left = _WORD_BEFORE.search(text, max(0, m.start() - 80), m.start()).group(0)
        right = _WORD_AFTER.match(text, m.end()).group(0)
        if left[-1].islower() and right[0].islower():
            if right in ("and", "or", "to", "nor", "through"):
                return m.group(0) if "\n" not in m.group(0) else "- "
            word = (left + right).lower()
            if word in _lexicon() or re.search(rf"\b{word}\b", low):
                return ""
        return "-"

    b.sub(_HYPHEN_BREAK, repl)


_NEWLINE_RUN = re.compile(r"\n[ \n]*")  # starts with its literal: re finds it fast


def _breaks(b: _Builder) -> None:
    """A blank line (or more) is a paragraph break, "\\n\\n"; a single line break, with the
    spaces around it, is one space (the lines of a paragraph are joined). Runs of spaces
    are single already, so at most one space stands before a break."""
    text = b.text
    edits = []
    for m in _NEWLINE_RUN.finditer(text):
        start, end = m.span()
        if start and text[start - 1] == " ":
            start -= 1
        gap = text[start:end]
        new = "\n\n" if gap.count("\n") > 1 else " "
        if gap != new:
            edits.append((start, end, new))
    b.splice(edits)


def canonicalize(text: str) -> tuple[str, Offsets | None]:
    """The canonical text of ``text`` and its offsets back (None when nothing changed)."""
    b = _Builder(text)
    if "\r" in text:
        b.sub(_CR, "\n")
    if b.text.isascii():  # same length: the origins stay
        for c in "\t\v\f":
            if c in b.text:
                b.text = b.text.replace(c, "\n" if c != "\t" else " ")
    else:
        b.text = b.text.translate(_SAME_LENGTH)
        if _DROPS.search(b.text):
            b.sub(_DROPS, "")
    if "?" in b.text or "=" in b.text:
        b.sub(_APOSTROPHE, "'")
    _remove_chrome(b)
    b.sub(_SPACE_RUN, " ")
    if "-\n" in b.text or "- " in b.text:
        _join_hyphen(b)
    _breaks(b)
    b.sub(_SPACE_RUN, " ")
    if b.text == text:
        return text, None
    return b.text, b.offsets(len(text))


def source_offsets(doc) -> Offsets | None:
    """The way from ``doc``'s offsets back to the letter as read (None: they are the same)."""
    plain = doc.user_data.get(OFFSETS_KEY)
    return Offsets.from_plain(plain) if plain is not None else None


def source_text(doc) -> str:
    """The letter as read (``doc.text`` is its canonical text)."""
    return doc.user_data.get(SOURCE_KEY) or doc.text
