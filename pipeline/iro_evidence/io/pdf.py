"""The text layer of PDF letters: page headers and footers dropped, line-end hyphens joined."""

from __future__ import annotations

import re
from collections import Counter

from .errors import InputError


def _is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def pdf_text(data: bytes) -> str:
    """Text layer of a PDF: page headers/footers removed, line-end hyphens joined."""
    import io as _io
    import logging
    import warnings

    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    if not _is_pdf(data):
        raise InputError("pdf", "not a PDF file (no %PDF header)")
    if b"%%EOF" not in data[-2048:]:
        raise InputError("pdf", "truncated PDF (the end of the file is missing)")
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(_io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except DependencyError:
                    raise
                except Exception:
                    ok = 0
                if not ok:
                    raise InputError("pdf", "encrypted PDF (needs a password)")
            pages = [p.extract_text() or "" for p in reader.pages]
        except InputError:
            raise
        except DependencyError:  # AES needs the cryptography package (a dependency)
            raise InputError(
                "pdf", "encrypted PDF (AES): install the 'cryptography' package to read it"
            ) from None
        except Exception as e:  # pypdf raises many kinds on broken files
            raise InputError("pdf", f"broken PDF, cannot be parsed ({type(e).__name__})") from None
    if not pages:
        raise InputError("pdf", "PDF has no pages")
    if not "".join(pages).strip():
        raise InputError("pdf", "no text layer (scanned?)")
    return dehyphenate(join_pages(strip_headers_footers(pages)))


PAGE_NUMBER = re.compile(
    r"(?i)^\s*(?:-\s*)?page\s+\d+(?:\s*(?:of|/)\s*\d+)?(?:\s*-)?\s*$|^\s*\d+\s+of\s+\d+\s*$"
)


def _line_key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split())).lower()


def strip_headers_footers(pages: list[str], zone: int = 3) -> list[str]:
    """Drop lines repeated at the same place at the top or bottom of most pages (digits may
    differ, so "Page 2 of 7" counts as a repeat).

    Trailing spaces of every line go too (PDF text layers are full of them).

    A repeated header is kept on the first page (it may carry the case number or date);
    repeated footers are dropped everywhere, since they would cut a sentence in two.
    """
    split = []
    for page in pages:  # "Page 2 of 7" as the first or last line goes even when not repeated
        lines = [ln.rstrip() for ln in page.split("\n")]
        idx = [i for i, ln in enumerate(lines) if ln]
        edges = {i for i in idx[:1] + idx[-1:] if PAGE_NUMBER.match(lines[i])}
        split.append([ln for i, ln in enumerate(lines) if i not in edges])
    if len(pages) < 2:
        return ["\n".join(lines) for lines in split]
    top: Counter[tuple[int, str]] = Counter()
    bottom: Counter[tuple[int, str]] = Counter()
    for lines in split:
        full = [ln for ln in lines if ln]
        top.update({(i, _line_key(ln)) for i, ln in enumerate(full[:zone])})
        bottom.update({(i, _line_key(ln)) for i, ln in enumerate(full[::-1][:zone])})
    need = max(2, -(-len(pages) * 3 // 5))
    heads = {k for k, c in top.items() if c >= need}
    foots = {k for k, c in bottom.items() if c >= need}
    out = []
    for n, lines in enumerate(split):
        idx = [i for i, ln in enumerate(lines) if ln]
        drop = set()
        for edge, keys in ((idx, heads if n > 0 else set()), (idx[::-1], foots)):
            for p, i in enumerate(edge[:zone]):  # only lines touching the edge of the page
                if (p, _line_key(lines[i])) not in keys:
                    break
                drop.add(i)
        if len(drop) == len(idx):  # a page that is all "header" is text after all
            drop = set()
        out.append("\n".join(ln for i, ln in enumerate(lines) if i not in drop))
    return out


def join_pages(pages: list[str]) -> str:
    """Pages joined by a newline, so a sentence running over a page break stays whole; a
    blank line at the end or start of a page (a paragraph break) is kept."""
    out, blank_end = "", False
    for page in pages:
        body = page.strip("\n")
        if not body.strip():
            continue
        if out:
            out += "\n\n" if blank_end or page.startswith("\n") else "\n"
        out += body
        blank_end = page.endswith("\n\n")
    return out


HYPHEN_BREAK = re.compile(r"\b([A-Za-z]+)-[ \t]*\n[ \t]*([a-z]+)")


def dehyphenate(text: str) -> str:
    """Join words split at a line end ("electro-\nmyography" -> "electromyography").

    A compound written with its hyphen elsewhere in the letter keeps it ("non-surgical").
    """
    words = {w.lower() for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)+", text)}

    def join(m: re.Match) -> str:
        a, b = m.group(1), m.group(2)
        return f"{a}-{b}" if f"{a}-{b}".lower() in words else a + b

    return HYPHEN_BREAK.sub(join, text)
