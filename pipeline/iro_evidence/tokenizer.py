"""A tokenizer for letters: spaCy's English rules, plus spinal levels kept whole.

``C5-6``, ``L5-S1``, ``C5/6`` and ``T12–L1`` each stay one token so that the token
matchers see a level as a unit; sizes such as ``2.2mm`` are already split by spaCy's
unit suffix rule into ``2.2`` and ``mm``.

The Doc keeps the text it was made from (``doc_text``): spaCy's ``doc.text`` joins every
token again on each read (about as long as tokenizing), and the components need the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.lang.en import English
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from .components.base import TEXT_KEY

LEVEL_TOKEN = re.compile(r"^[CcTtLlSs]\d{1,2}(?:[-/\u2013\u2014][CcTtLlSs]?\d{1,2})+$")


class LetterTokenizer(Tokenizer):
    """spaCy's Tokenizer (same tokens) that stores the text on the Doc it returns."""

    def __call__(self, string: str) -> Doc:
        doc = super().__call__(string)
        doc.user_data[TEXT_KEY] = string  # a plain str: the Doc still pickles
        return doc


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
