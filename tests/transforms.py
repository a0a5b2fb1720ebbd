"""Layout transforms a letter's case record must survive (issue 13, "layout invariance").

Each transform changes only how a letter is laid out, never what it says: where lines
break, which whitespace separates words, page chrome, heading case, how an apostrophe was
decoded. ``tests/test_layout_invariance.py`` runs every letter through each and checks the
case record is unchanged; ``benchmarks/layout_eval.py`` prints the share unchanged.
"""

from __future__ import annotations

import re
import textwrap

_PARA = re.compile(r"\n[ \t]*\n")


def _paragraphs(text: str) -> list[str]:
    return _PARA.split(text.replace("\r\n", "\n"))


def rewrap(text: str, width: int) -> str:
    """Each paragraph's words filled again at ``width`` columns (textwrap's defaults)."""
    out = []
    for p in _paragraphs(text):
        words = " ".join(p.split())
        out.append("\n".join(textwrap.wrap(words, width)) if words else "")
    return "\n\n".join(out)


def unwrap(text: str) -> str:
    """Each paragraph on one line."""
    return "\n\n".join(
        " ".join(line.strip() for line in p.split("\n") if line.strip()) for p in _paragraphs(text)
    )


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def double_spaces(text: str) -> str:
    """Two spaces in every word gap."""
    return text.replace(" ", "  ")


def nbsp(text: str, every: int = 3) -> str:
    """A no-break space in every ``every``-th word gap."""
    parts = text.split(" ")
    out = [parts[0]]
    for i, part in enumerate(parts[1:], 1):
        out.append(("\u00a0" if i % every == 0 else " ") + part)
    return "".join(out)


def page_chrome(text: str, every: int = 45, company: str = "Lone Star Review Services, Inc.") -> str:
    """A page footer/header block every ``every`` lines, wherever the line falls (mid-paragraph
    too), as PDF text of a multi-page letter has it."""
    lines = text.split("\n")
    pages = len(lines) // every + 1
    out = []
    for i, line in enumerate(lines):
        if i and i % every == 0:
            page = i // every + 1
            out += ["", f"Page {page} of {pages}", company, "IRO Case Number: 2612-0457", ""]
        out.append(line)
    return "\n".join(out)


_HEADING = re.compile(r"^([ \t]*)([A-Za-z][A-Za-z /&,()'-]{2,60}?)([ \t]*:?[ \t]*)$", re.M)


def _is_caps(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) >= 4


def _is_title(s: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z]+", s)]
    small = {"of", "and", "the", "for", "in", "to", "a", "an", "or", "on", "by"}
    return (
        len(words) >= 1
        and not _is_caps(s)
        and all(w[0].isupper() or w in small for w in words)
        and len("".join(words)) >= 4
    )


def headings_title(text: str) -> str:
    """ALL-CAPS heading lines in Title Case."""

    def fix(m: re.Match) -> str:
        if not _is_caps(m.group(2)):
            return m.group(0)
        return m.group(1) + m.group(2).title() + m.group(3)

    return _HEADING.sub(fix, text)


def headings_caps(text: str) -> str:
    """Title Case heading lines in ALL CAPS."""

    def fix(m: re.Match) -> str:
        if not _is_title(m.group(2)):
            return m.group(0)
        return m.group(1) + m.group(2).upper() + m.group(3)

    return _HEADING.sub(fix, text)


def apostrophe_question(text: str) -> str:
    """Apostrophes (straight and curly) decoded as ``?``."""
    return re.sub(r"(?<=\w)['\u2019](?=\w)", "?", text)


TRANSFORMS = {
    "rewrap60": lambda t: rewrap(t, 60),
    "rewrap100": lambda t: rewrap(t, 100),
    "unwrap": unwrap,
    "crlf": crlf,
    "double_spaces": double_spaces,
    "nbsp": nbsp,
    "page_chrome": page_chrome,
    "headings_title": headings_title,
    "headings_caps": headings_caps,
    "apostrophe_q": apostrophe_question,
}
