"""Letters longer than ``nlp.max_length``: split, process, and join back into one Doc.

spaCy refuses a text longer than ``nlp.max_length`` (E088). Instead of truncating, a long
letter is cut into pieces at the best boundary before the limit (a section heading, else a
blank line, else a line break, else a sentence end, else a space), every piece runs
through the pipeline, and ``Doc.from_docs`` joins the pieces into one Doc. The letter is canonicalized
(``layout.canonicalize``) before it is cut, so the pieces join into the letter's canonical
text, and the offsets back to the letter as read go on the joined Doc. Doc-level facts
(``doc._.iro_case``) are merged: the first value found wins, lists are united in order.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from .layout import OFFSETS_KEY, SOURCE_KEY, Offsets, canonicalize

# boundaries in order of preference; each match position is where a new piece may start.
# Every pattern is linear in the text: the heading one is tried only at the start of a blank
# line (``\n\s*\n`` backtracked over a whole run of blank lines at each of its newlines,
# quadratic in the run) and its repeats are possessive, so a long line cannot backtrack.
_HEADING = re.compile(
    r"(?<=\n)[^\S\n]*+\n(?=[ \t]*+(?:[A-Z][A-Z0-9 ,&/()'-]{3,}+:?|[A-Z][A-Za-z /&'-]{2,60}:)[ \t]*+\n)"
)
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_LINE = re.compile(r"\n")
_SENTENCE = re.compile(r"[.?!;][ \t]+")
_SPACE = re.compile(r"\s+")
BOUNDARIES = (_HEADING, _PARAGRAPH, _LINE, _SENTENCE, _SPACE)


def split_text(text: str, max_chars: int) -> list[str]:
    """Pieces of ``text``, each at most ``max_chars`` long, that join back to ``text``.

    Each cut is the last boundary of the best kind in the second half of the window, so
    pieces stay large; a text with no boundary at all is cut hard at the limit.
    """
    if max_chars < 2:
        raise ValueError("max_chars must be at least 2")
    pieces = []
    start = 0
    n = len(text)
    while n - start > max_chars:
        window = text[start : start + max_chars]
        cut = None
        for pat in BOUNDARIES:
            ends = [m.end() for m in pat.finditer(window) if m.end() >= max_chars // 2]
            ends = [e for e in ends if e < len(window)]
            if ends:
                cut = ends[-1]
                break
        if cut is None:
            cut = max_chars
        pieces.append(text[start : start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def merge_case(cases: Iterable[dict | None]) -> dict:
    """One ``iro_case`` from the pieces' cases: first non-empty value wins, lists united."""
    out: dict = {}
    for case in cases:
        for key, value in (case or {}).items():
            if isinstance(value, list):
                merged = list(out.get(key) or [])
                merged.extend(v for v in value if v not in merged)
                out[key] = merged
            elif out.get(key) in (None, "", {}) and value not in (None, ""):
                out[key] = value
            else:
                out.setdefault(key, value)
    return out


def join_docs(docs: list[Doc]) -> Doc:
    """One Doc from consecutive pieces: text, tokens, sentences, span groups, extensions."""
    if len(docs) == 1:
        return docs[0]
    cases = [d._.iro_case if d.has_extension("iro_case") else None for d in docs]
    with warnings.catch_warnings():
        # W101: doc-level extensions are skipped by from_docs; iro_case is merged below
        warnings.simplefilter("ignore")
        doc = Doc.from_docs(docs, ensure_whitespace=False)
    if Doc.has_extension("iro_case"):
        doc._.iro_case = merge_case(cases)
    return doc


def pipe(
    nlp: Language, stream: Iterable[tuple[str, object]], max_length: int | None = None, **kwargs
) -> Iterator[tuple[Doc, object]]:
    """``nlp.pipe(stream, as_tuples=True, **kwargs)`` that also takes texts over the limit.

    Long texts go through the same pipe as pieces (so batching and ``n_process`` still
    apply) and come back joined, in input order.
    """
    limit = max_length or nlp.max_length

    sources: dict[int, tuple[str, Offsets | None]] = {}  # long letters: as read, and the way back

    def pieces() -> Iterator[tuple[str, tuple[object, int, int]]]:
        for k, (text, ctx) in enumerate(stream):
            if len(text) <= limit:
                yield text, (ctx, 0, 1)
                continue
            # cut the canonical text (canonical already: the pieces stay as they are)
            canon, offsets = canonicalize(text)
            sources[k] = (text, offsets)
            parts = split_text(canon, limit)
            for i, part in enumerate(parts):
                yield part, ((k, ctx), i, len(parts))

    pending: list[Doc] = []
    for doc, (ctx, i, n) in nlp.pipe(pieces(), as_tuples=True, **kwargs):
        if n == 1:
            yield doc, ctx
            continue
        pending.append(doc)
        if i == n - 1:
            k, ctx = ctx
            joined = join_docs(pending)
            text, offsets = sources.pop(k)
            for key in (SOURCE_KEY, OFFSETS_KEY):
                joined.user_data.pop(key, None)
            if offsets is not None:
                joined.user_data[SOURCE_KEY] = text
                joined.user_data[OFFSETS_KEY] = offsets.to_plain()
            yield joined, ctx
            pending = []
