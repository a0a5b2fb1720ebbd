"""Abbreviations defined in the letter ("functional capacity evaluation (FCE)"), with
scispaCy's AbbreviationDetector (Schwartz & Hearst), reimplemented: scispaCy itself is
needed only by the tests, as the reference.

scispaCy keeps Span objects on the Doc, which cannot be pickled for ``nlp.pipe(n_process=...)``;
this component keeps each short form in ``doc.spans["abbreviations"]`` with its long form
as plain values in ``span._.iro`` (when scispaCy's own detector runs, its objects are removed).

Speed: scispaCy's two matchers (``( ... )`` and the short forms found) look only from where
a match can start (``matching.NearMatcher``), and its steps run on token offsets and the
Doc's text (``Definitions``), with the same results (``tests/test_fast_paths.py``).
"""

from __future__ import annotations

import re

from spacy.attrs import IDX, LENGTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..matching import NearMatcher
from .base import doc_text, set_group, update_iro

SCISPACY_KEYS = ("abbreviations", "long_form")  # extension names scispaCy sets
# a short form has two or more capitals ("FCE", "EMG/NCV"); "(Agree)" in a checkbox line is none
SHORT_FORM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Za-z0-9/&.-]{2,12}$")
BAD_LONG = re.compile(r"\n\s*\n|[\[\]\u2610\u2612]")
# scispaCy's filter_matches drops a parenthesis with more than 8 tokens inside
PAREN_WIDTH = 8 + 2


class AbbreviationFinder:
    def __init__(self, nlp: Language, name: str = "iro_abbreviations"):
        self.name = name
        self.nlp = nlp
        # scispaCy's own patterns; its matchers only look near where a match starts
        self.paren = NearMatcher(nlp.vocab, PAREN_WIDTH)
        self.paren.add("parenthesis", [[{"ORTH": "("}, {"OP": "+"}, {"ORTH": ")"}]])

    def __call__(self, doc: Doc) -> Doc:
        return self._spans(doc, Definitions(doc).find(self.paren(doc)))

    def _spans(self, doc: Doc, pairs: list[tuple[int, int, int, int]]) -> Doc:
        """The span group from (short start, short end, long start, long end) token offsets."""
        spans = []
        text = doc_text(doc)  # a span's text is this slice (Span.text joins its tokens)
        for short_start, short_end, long_start, long_end in pairs:
            short = Span(doc, short_start, short_end, label="ABBR")
            long = doc[long_start:long_end]
            s, e = long.start_char, long.end_char
            if SHORT_FORM.match(text[short.start_char : short.end_char]) and not BAD_LONG.search(text[s:e]):
                update_iro(
                    short, {"value": text[s:e], "long_form": text[s:e], "long_start": s, "long_end": e}
                )
                spans.append(short)
        set_group(doc, "abbreviations", spans)
        return doc


class Definitions:
    """scispaCy's ``AbbreviationDetector.__call__`` (``filter_matches``,
    ``find_abbreviation``, ``find_matches_for``) on token offsets and the Doc's text
    instead of Spans and Tokens, step for step; ``find`` returns its (short form, long
    form) pairs as token offsets. ``tests/test_fast_paths.py`` checks it against scispaCy
    on every letter we have."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.text = doc_text(doc)
        arr = doc.to_array([IDX, LENGTH, SPACY])
        self.idx = arr[:, 0].tolist()
        self.length = arr[:, 1].tolist()
        self.ws = arr[:, 2].tolist()  # a token's whitespace is one space or none

    def tok(self, i: int) -> str:
        return self.text[self.idx[i] : self.idx[i] + self.length[i]]

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text``."""
        return self.text[self.idx[start] : self.idx[end - 1] + self.length[end - 1]] if end > start else ""

    def find(self, parens: list[tuple[int, int, int]]) -> list[tuple[int, int, int, int]]:
        rules: dict[str, tuple] = {}
        occurrences: dict[tuple, dict] = {}  # long form -> its short forms (an ordered set)
        seen_long: set[str] = set()
        seen_short: set[str] = set()
        global_matcher = NearMatcher(self.doc.vocab)
        for long, short in self.candidates(parens):
            long = self.long_form(long, short)
            long_text = self.span_text(*long) if long else ""
            short_text = self.span_text(*short)
            if long and long[1] > long[0] and long_text not in seen_long and short_text not in seen_short:
                seen_long.add(long_text)
                seen_short.add(short_text)
                occurrences.setdefault(long, {})[short] = None
                rules[long_text] = long
                global_matcher.add(long_text, [[{"ORTH": self.tok(i)} for i in range(*short)]])
        strings = self.doc.vocab.strings
        for match, start, end in global_matcher(self.doc) if rules else []:
            occurrences.setdefault(rules[strings[match]], {})[(start, end)] = None
        # scispaCy sets short._.long_form for each pair in turn: the last one stays
        long_of = {short: long for long, shorts in occurrences.items() for short in shorts}
        return [(*short, *long_of[short]) for shorts in occurrences.values() for short in shorts]

    def candidates(self, parens: list[tuple[int, int, int]]) -> list[tuple[tuple, tuple]]:
        """scispaCy's ``filter_matches``: (long form, short form) candidates."""
        out = []
        for _, start, end in parens:
            start, end = start + 1, end - 1  # inside the brackets
            if end - start > 8 or start == 1:
                continue
            if end - start > 3:  # the long form inside, the short form the word before
                short, long = (start - 2, start - 1), (start, end)
                if self.unbalanced(*long):
                    continue
            else:
                short = (start, end)
                size = sum(self.length[start:end])
                max_words = min(size + 5, size * 2)
                long = (max(start - max_words - 1, 0), start - 1)
            if self.short_form_ok(*short):
                out.append((long, short))
        return out

    def unbalanced(self, start: int, end: int) -> bool:
        depth = 0
        for i in range(start, end):
            t = self.tok(i)
            if t == "(":
                depth += 1
            elif t == ")":
                if depth == 0:
                    return True
                depth -= 1
        return depth != 0

    def short_form_ok(self, start: int, end: int) -> bool:
        """scispaCy's ``short_form_filter``."""
        if not all(2 <= n < 10 for n in self.length[start:end]):
            return False
        text = self.span_text(start, end)
        return sum(c.isalpha() for c in text) / len(text) >= 0.5 and text[0].isalpha()

    def long_form(self, long: tuple[int, int], short: tuple[int, int]) -> tuple[int, int] | None:
        """scispaCy's ``find_abbreviation`` (Schwartz & Hearst): the long form, or None."""
        long_form = " ".join(self.tok(i) for i in range(*long))
        short_form = " ".join(self.tok(i) for i in range(*short))
        long_index = len(long_form) - 1
        short_index = len(short_form) - 1
        while short_index >= 0:
            current_char = short_form[short_index].lower()
            if not current_char.isalnum():
                short_index -= 1
                continue
            while (long_index >= 0 and long_form[long_index].lower() != current_char) or (
                short_index == 0 and long_index > 0 and long_form[long_index - 1].isalnum()
            ):
                long_index -= 1
            if long_index < 0:
                return None
            long_index -= 1
            short_index -= 1
        long_index += 1
        # the first token that ends after that character (its text with its whitespace)
        word_lengths = 0
        for i in range(*long):
            word_lengths += self.length[i] + self.ws[i]
            if word_lengths > long_index:
                return (i, long[1])
        return long
