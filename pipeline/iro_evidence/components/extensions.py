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
