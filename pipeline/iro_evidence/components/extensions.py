"""Custom attributes, registered once. Values are plain (str, float, bool, dict of those)
so Docs pickle for ``nlp.pipe(n_process=...)`` and serialize in a DocBin."""

from spacy.tokens import Doc, Span

ASSERTION_FLAGS = (
    "negated",
    "possible",
    "hypothetical",
    "historical",
    "family",
    "not_documented",
)

SPAN_EXTENSIONS = {
    # one dict of normalized attributes per fact span, written by the component that made it
    "iro": None,
    # who asserts the fact (IRO reviewer, utilization reviewer, requesting provider, ...)
    "attribution": None,
    **{f"is_{flag}": False for flag in ASSERTION_FLAGS},
}

DOC_EXTENSIONS = {
    # decision facts: outcome, review/injury dates, reviewer, guidelines, services
    "iro_case": None,
}


def register() -> None:
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register()


def ext_key(name: str, start_char: int | None, end_char: int | None) -> tuple:
    """Where spaCy keeps an extension value in ``doc.user_data`` (its documented storage
    since v2.1: ``span._.name`` of a span over these characters; ``None, None`` for the
    Doc's own). The one place that knows the key: readers and writers that skip the
    ``span._`` accessor on hot paths go through it."""
    return ("._.", name, start_char, end_char)


EXT_PREFIX = ext_key("", None, None)[0]


def set_iro(span: Span, value) -> None:
    """``span._.iro = value`` written straight to its storage: ``span._`` builds an
    Underscore object and a key on every write (about 1.5 us; components write a few
    dozen values per letter). The extension has no setter, so this is all it does;
    ``base.span_ext`` is the matching read."""
    span.doc.user_data[ext_key("iro", span.start_char, span.end_char)] = value


def span_values(doc: Doc) -> dict[tuple[int, int], dict]:
    """Every span extension value set on ``doc``, by (start_char, end_char), in one pass.

    ``span._.name`` builds an accessor object and a key per read; reading a Doc's rows
    needs eight values for each of a few hundred spans. spaCy keeps them all in
    ``doc.user_data`` under ``("._.", name, start_char, end_char)`` (its documented storage
    since v2.1); ``tests/test_rows.py`` checks this equals reading ``span._``. Defaults are
    not filled in: use ``SPAN_EXTENSIONS[name]`` for a missing name.
    """
    out: dict[tuple[int, int], dict] = {}
    for key, value in doc.user_data.items():
        if type(key) is tuple and len(key) == 4 and key[0] == EXT_PREFIX and key[2] is not None:
            out.setdefault((key[2], key[3]), {})[key[1]] = value
    return out
