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


def test_arrow_batches_equal_arrow_from_rows(nlp):
    """``RowEncoder.batch`` builds Arrow column by column from the row values; it must be
    what pyarrow makes of the row dicts themselves, for real rows, rows missing columns,
    an int in a float column and a case record with nested lists."""
    import pyarrow as pa
    from iro_evidence import schema
    from iro_evidence.extract import process_doc
    from iro_evidence.io import RowEncoder
    from iro_evidence.rows import EVIDENCE_COLUMNS
    from iro_evidence.table import CASE_COLUMNS

    ev, cases = RowEncoder(EVIDENCE_COLUMNS, schema.EVIDENCE), RowEncoder(CASE_COLUMNS, schema.CASES)
    names = sorted((CORPUS / "letters").glob("*.txt"))[::5]
    for doc, p in zip(nlp.pipe(p.read_text(encoding="utf-8") for p in names), names):
        rows, rec = process_doc(doc, p.stem, str(p))
        odd = [{k: v for k, v in r.items() if k not in ("details", "value_num")} for r in rows[:3]]
        odd += [dict(r, value_num=3) for r in rows[:2]]
        for table, encoder, variant in (
            (schema.EVIDENCE, ev, rows),
            (schema.EVIDENCE, ev, odd),
            (schema.CASES, cases, [rec]),
        ):
            assert encoder.batch(variant, table).equals(pa.RecordBatch.from_pylist(variant, schema=table))
        assert rec["studies"] or rec["levels"]  # the nested columns were exercised
