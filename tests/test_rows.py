"""Rows read span extension values straight from ``doc.user_data`` (``span_values``); this
must stay the same as reading ``span._`` one attribute at a time, whatever spaCy does."""

from conftest import CORPUS
from iro_evidence.components.extensions import SPAN_EXTENSIONS, span_values
from iro_evidence.rows import KINDS


def test_span_values_equal_reading_each_span(nlp):
    names = sorted((CORPUS / "letters").glob("*.txt"))[::6]
    checked = 0
    for doc in nlp.pipe(p.read_text(encoding="utf-8") for p in names):
        values = span_values(doc)
        for key in KINDS:
            for span in doc.spans.get(key, []):
                got = values.get((span.start_char, span.end_char), {})
                for name, default in SPAN_EXTENSIONS.items():
                    assert got.get(name, default) == getattr(span._, name), (key, span.text, name)
                checked += 1
    assert checked > 200
    # values set on a span are found under its offsets, defaults are not stored
    doc = nlp.make_doc("MRI of the lumbar spine showed a 4 mm protrusion at L5-S1.")
    span = doc[0:1]
    span._.attribution = "iro_reviewer"
    assert span_values(doc) == {(0, 3): {"attribution": "iro_reviewer"}}
