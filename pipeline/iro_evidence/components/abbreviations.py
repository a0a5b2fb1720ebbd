"""Abbreviations defined in the letter ("functional capacity evaluation (FCE)"), with
scispaCy's AbbreviationDetector (Schwartz & Hearst), reimplemented: scispaCy itself is
needed only by ``reference``.

scispaCy keeps Span objects on the Doc, which cannot be pickled for ``nlp.pipe(n_process=...)``;
this component keeps each short form in ``doc.spans["abbreviations"]`` with its long form
as plain values in ``span._.iro`` (when scispaCy's own detector runs, its objects are removed).

Speed: scispaCy runs two spaCy matchers over every token of the Doc, ``( ... )`` and,
once definitions are found, their short forms, and then works on Spans and Tokens. Here
both matchers look only from where a match can start (``NearMatcher``) and scispaCy's
steps run on token offsets and the Doc's text (``Definitions``), with the same results;
``reference`` runs scispaCy's own detector (``tests/test_fast_paths.py`` compares them).
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import IDX, LENGTH, ORTH, SPACY
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from .base import doc_text, set_group
from .extensions import ext_key

SCISPACY_KEYS = ("abbreviations", "long_form")  # extension names scispaCy sets
# a short form has two or more capitals ("FCE", "EMG/NCV"); "(Agree)" in a checkbox line is none
SHORT_FORM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Za-z0-9/&.-]{2,12}$")
BAD_LONG = re.compile(r"\n\s*\n|[\[\]\u2610\u2612]")
# scispaCy's filter_matches drops a parenthesis with more than 8 tokens inside
PAREN_WIDTH = 8 + 2


class NearMatcher:
    """A spaCy ``Matcher`` (``add``/``__call__``) for scispaCy's two kinds of pattern, found
    without running the Matcher over every token.

    One pattern ``[open, {"OP": "+"}, close]`` (scispaCy's parentheses, up to ``width``
    tokens) is found from where its two tokens are; patterns made only of literal tokens
    (scispaCy's short forms) by comparing the Doc's ORTH ids, as the Matcher compares them.
    Matches come in spaCy's order for the whole Doc: by end, and for one end the latest
    start first (spaCy emits a match when its last token is reached, from the newest open
    state to the oldest). Anything else: the Matcher on the whole Doc.
    """

    def __init__(self, vocab, width: int | None = None):
        self.vocab = vocab
        self.width = width
        # scispaCy adds a pattern per definition per Doc; they are literal words, so
        # spaCy's schema check (pydantic, ~0.1 ms each) is skipped
        self.matcher = Matcher(vocab, validate=False)
        self.patterns: dict[str, list] = {}
        self._plan: tuple | None = None

    def add(self, key: str, patterns: list, **kwargs) -> None:
        self.matcher.add(key, patterns, **kwargs)
        self.patterns.setdefault(key, []).extend(patterns)
        self._plan = None

    def plan(self) -> tuple:
        """(how, first-token ids, ids); ``how`` is "brackets" (ids: key, opener, closer),
        "literal" (ids: (key id, ORTH ids) per pattern) or "whole" (the Matcher on the
        whole Doc)."""
        if self._plan is None:
            strings = self.vocab.strings
            pats = [(key, p) for key, ps in self.patterns.items() for p in ps]
            if not pats or any(not p or not _literal(p[0]) for _, p in pats):
                how = "whole"  # nothing to find, or a pattern we cannot place
            elif self.width and len(pats) == 1 and _brackets(pats[0][1]):
                how = "brackets"
            elif all(_literal(t) for _, p in pats for t in p):
                how = "literal"
            else:
                how = "whole"
            firsts = sorted({strings.add(p[0]["ORTH"]) for _, p in pats}) if how != "whole" else []
            ids = []
            if how == "brackets":
                ((key, (first, _, last)),) = pats
                ids = [strings.add(key), strings.add(first["ORTH"]), strings.add(last["ORTH"])]
            if how == "literal":
                ids = [(strings.add(key), [strings.add(t["ORTH"]) for t in p]) for key, p in pats]
            self._plan = (how, numpy.array(firsts, dtype="uint64"), ids)
        return self._plan

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        how, firsts, ids = self.plan()
        if how == "whole":
            return self.matcher(doc)
        orth = doc.to_array(ORTH)
        if how == "brackets":
            return self._brackets(orth, *ids)
        pos = numpy.searchsorted(firsts, orth)  # sorted: searchsorted beats numpy.isin
        pos[pos == len(firsts)] = 0
        at = numpy.flatnonzero(firsts[pos] == orth).tolist()
        found = set()
        for i in at:
            for key_id, seq in ids:
                if orth[i : i + len(seq)].tolist() == seq:
                    found.add((key_id, i, i + len(seq)))
        return sorted(found, key=lambda m: (m[2], -m[1]))

    def _brackets(self, orth: numpy.ndarray, key_id: int, open_id: int, close_id: int) -> list:
        """The matches of ``[open, {"OP": "+"}, close]`` up to ``width`` tokens: every
        opener with every closer at least two tokens on (the Matcher returns them all,
        nested or not), in the Matcher's order."""
        closes = numpy.flatnonzero(orth == close_id)
        opens = numpy.flatnonzero(orth == open_id)
        # for each opener, the closers from two tokens on to ``width`` tokens on
        first = numpy.searchsorted(closes, opens + 2).tolist()
        stop = numpy.searchsorted(closes, opens + self.width).tolist()
        ends = closes.tolist()
        found = []
        for i, lo, hi in zip(opens.tolist(), first, stop):
            found += [(key_id, i, j + 1) for j in ends[lo:hi]]
        return sorted(found, key=lambda m: (m[2], -m[1]))


def _brackets(pattern: list) -> bool:
    """``[literal, {"OP": "+"}, literal]``: an opener, any tokens, a closer."""
    return len(pattern) == 3 and _literal(pattern[0]) and pattern[1] == {"OP": "+"} and _literal(pattern[2])


def _literal(token: dict) -> bool:
    return set(token) == {"ORTH"} and isinstance(token["ORTH"], str)


class AbbreviationFinder:
    def __init__(self, nlp: Language, name: str = "iro_abbreviations"):
        self.name = name
        self.nlp = nlp
        self.detector = None  # scispaCy's, made by ``reference`` (scispaCy is only needed there)
        # scispaCy's own patterns; its matchers only look near where a match starts
        self.paren = NearMatcher(nlp.vocab, PAREN_WIDTH)
        self.paren.add("parenthesis", [[{"ORTH": "("}, {"OP": "+"}, {"ORTH": ")"}]])

    def __call__(self, doc: Doc) -> Doc:
        return self._spans(doc, Definitions(doc).find(self.paren(doc)))

    def reference(self, doc: Doc) -> Doc:
        """scispaCy's own detector with its whole-Doc matchers (what the fast path must equal).
        Needs scispaCy (not installed on Python 3.13: it has no release for it)."""
        if self.detector is None:
            from scispacy.abbreviation import AbbreviationDetector

            self.detector = AbbreviationDetector(self.nlp, name=f"{self.name}_scispacy")
        self.detector.matcher = self.paren.matcher
        # scispaCy adds each long form to one matcher kept for the detector's life; a spaCy
        # Matcher never frees a removed pattern's memory: a fresh one per letter
        self.detector.global_matcher = Matcher(doc.vocab)
        shorts = self.detector(doc)._.abbreviations
        pairs = [(s.start, s.end, s._.long_form.start, s._.long_form.end) for s in shorts]
        # drop scispaCy's values by their keys (spaCy's ("._.", name, start, end)); scanning
        # all of user_data would visit every span value the other components stored
        for short in shorts:
            doc.user_data.pop(ext_key("long_form", short.start_char, short.end_char), None)
        doc.user_data.pop(ext_key("abbreviations", None, None), None)
        return self._spans(doc, pairs)

    def _spans(self, doc: Doc, pairs: list[tuple[int, int, int, int]]) -> Doc:
        """The span group from (short start, short end, long start, long end) token offsets."""
        spans = []
        text = doc_text(doc)  # a span's text is this slice (Span.text joins its tokens)
        data = doc.user_data  # span._.iro written straight to its storage (no accessor)
        for short_start, short_end, long_start, long_end in pairs:
            short = Span(doc, short_start, short_end, label="ABBR")
            long = doc[long_start:long_end]
            long_text = text[long.start_char : long.end_char]
            if not SHORT_FORM.match(text[short.start_char : short.end_char]) or BAD_LONG.search(long_text):
                continue
            key = ext_key("iro", short.start_char, short.end_char)
            data[key] = {
                **(data.get(key) or {}),
                "value": long_text,
                "long_form": long_text,
                "long_start": long.start_char,
                "long_end": long.end_char,
            }
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
