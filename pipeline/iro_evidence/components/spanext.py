"""Writing ``span._.iro`` without the ``span._`` accessor.

``span._.iro = value`` builds an Underscore object and a key on every write (about 1.5
us; the components write a few dozen values per letter). spaCy stores the value in
``doc.user_data`` under ``extensions.ext_key`` (its documented storage), so writing there
is the same write; ``span_ext`` in base is the matching read.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Span

from .extensions import ext_key


def set_iro(span: Span, value: Any) -> None:
    """``span._.iro = value`` (the extension has no setter, so this is all it does)."""
    span.doc.user_data[ext_key("iro", span.start_char, span.end_char)] = value
