"""A tokenizer for letters: spaCy's English rules, plus spinal levels kept whole.

``C5-6``, ``L5-S1``, ``C5/6`` and ``T12–L1`` each stay one token so that the token
matchers see a level as a unit; sizes such as ``2.2mm`` are already split by spaCy's
unit suffix rule into ``2.2`` and ``mm``.

The tokenizer reads the letter through ``layout.canonicalize`` first, so the Doc's text is
the letter's canonical text (one space between words, paragraphs joined into lines, page
chrome dropped); the letter as read and the offsets back into it stay on the Doc
(``layout.source_text``/``layout.source_offsets``), and the evidence rows point into it.

The Doc keeps the text it was made from (``doc_text``): spaCy's ``doc.text`` joins every
token again on each read (about as long as tokenizing), and the components need the text.

Speed: spaCy caches how it split each whitespace-separated chunk, but stops adding to the
cache for the rest of a text once the text has held a special case (spaCy issue #1250;
"Dr.", "No.", "e.g." open most letters), so most chunks of a letter are split again, with
the affix regexes, in every letter. The tokenizer teaches the cache instead: a chunk seen
a second time is tokenized once on its own (where nothing stops the caching), and from
then on every letter finds it in the cache. A chunk's tokens never depend on its
neighbours, so the Doc is the same (``tests/test_tokenizer.py`` checks it on every letter).
``TEACH`` turns it on or off for every tokenizer (``teach`` for one). It is off by
default: in whole extract runs on letters that do not repeat it cost more than it saved
(README, "Speed and scale").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from spacy.lang.en import English
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from .layout import OFFSETS_KEY, SOURCE_KEY, canonicalize
from .matching.doc import TEXT_KEY

LEVEL_TOKEN = re.compile(r"^[CcTtLlSs]\d{1,2}(?:[-/\u2013\u2014][CcTtLlSs]?\d{1,2})+$")


# chunks remembered for teaching; past this many, the first-sighting set starts afresh
# and no more chunks are taught (memory stays bounded on any corpus)
MAX_CHUNKS = 200_000
# teach the cache: off by default. Measured 2026-12-08 in whole `extract` runs on letters
# that do not repeat (benchmarks/bench.py, quiet machine), teaching off was 4-13% faster in
# every run on spaCy 3.7.5 and 3.8.18 (the tokenizer alone: 1.03x-1.09x with it); it stays
# available for corpora that repeat a template (``nlp.tokenizer.teach = True``)
TEACH = False


class LetterTokenizer(Tokenizer):
    """spaCy's Tokenizer (same tokens) that stores the text on the Doc it returns and
    teaches spaCy's chunk cache the chunks that recur (see the module docstring)."""

    teach = TEACH  # settable per tokenizer (tests, benchmarks/bench.py)

    def __call__(self, string: str) -> Doc:
        text, offsets = canonicalize(string)
        if self.teach:
            self._teach(text)
        doc = super().__call__(text)
        doc.user_data[TEXT_KEY] = text  # a plain str: the Doc still pickles
        if offsets is not None:  # the letter as read, and the way back to it
            doc.user_data[SOURCE_KEY] = string
            doc.user_data[OFFSETS_KEY] = offsets.to_plain()
        return doc

    def _teach(self, string: str) -> None:
        state = self.__dict__.get("_chunks")
        if state is None:  # not in __init__: spaCy's Tokenizer is built without it (pickling)
            state = self.__dict__["_chunks"] = (set(), set())
        seen, taught = state
        # set algebra, not a loop over every chunk (the chunks spaCy splits on, str.isspace):
        # a chunk not taught yet is taught when it was seen in an earlier letter or recurs
        # in this one; the others are remembered
        counts = Counter(string.split())
        chunks = counts.keys() - taught
        if not chunks:
            return
        again = (chunks & seen) | {c for c in chunks if counts[c] > 1}
        if len(seen) >= MAX_CHUNKS:
            seen.clear()
        seen |= chunks
        if again and len(taught) < MAX_CHUNKS:
            tokenize = super().__call__
            for chunk in again:
                tokenize(chunk)  # alone: spaCy caches its split
            taught |= again


def create_tokenizer() -> Callable[[Language], Tokenizer]:
    def make(nlp: Language) -> Tokenizer:
        defaults = English.Defaults
        return LetterTokenizer(
            nlp.vocab,
            rules=dict(defaults.tokenizer_exceptions),
            prefix_search=compile_prefix_regex(defaults.prefixes).search,
            suffix_search=compile_suffix_regex(defaults.suffixes).search,
            infix_finditer=compile_infix_regex(defaults.infixes).finditer,
            token_match=LEVEL_TOKEN.match,
            url_match=defaults.url_match,
        )

    return make
