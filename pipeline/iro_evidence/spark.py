"""The extraction on Spark, for corpora that outgrow one machine (``pip install iro-evidence[spark]``).

``extract(df, text_col, id_col)`` runs the same path as the CLI (``nlp.pipe`` -> ``rows`` ->
``table``) inside ``mapInArrow``: each Python worker loads the pipeline once and keeps it for
every task it runs, and results leave the worker as Arrow batches with the same schemas as
the Parquet files of ``iro-evidence extract``. One pass produces cases, evidence and errors
together; the two returned DataFrames are views of that pass (persisted, so the letters are
processed once even when both are used).

``extract_files(spark, paths)`` does the same for .txt/.pdf files: the driver lists them and
makes case ids exactly as ``extract`` does, the executors read them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from . import schema

_PIPELINES: dict[str | None, object] = {}

KIND_CASE, KIND_FACT, KIND_ERROR = "case", "fact", "error"
OUTPUT = pa.schema(
    [
        ("_kind", pa.string()),
        ("case", pa.struct(list(schema.CASES))),
        ("fact", pa.struct(list(schema.EVIDENCE))),
        ("error", pa.struct(list(schema.ERRORS))),
    ]
)


def _pipeline(model: str | None):
    """The pipeline of this Python worker, loaded on first use (once per executor process)."""
    if model not in _PIPELINES:
        from .api import load

        _PIPELINES[model] = load(model)
    return _PIPELINES[model]


def process_batches(
    batches: Iterator[pa.RecordBatch],
    id_col: str,
    text_col: str | None,
    source_col: str | None,
    model: str | None = None,
    batch_size: int = 16,
) -> Iterator[pa.RecordBatch]:
    """Arrow batches of letters -> Arrow batches of ``OUTPUT`` rows (used by ``mapInArrow``).

    With ``text_col=None`` the letters are read from the paths in ``source_col``; a file
    that cannot be read becomes an error row, as in ``errors.csv``.
    """
    from .extract import process_texts
    from .io import InputError, read_letter

    nlp = _pipeline(model)
    for batch in batches:
        cols = batch.to_pydict()
        ids = cols[id_col]
        sources = cols[source_col] if source_col else [None] * len(ids)
        texts = cols[text_col] if text_col else [None] * len(ids)
        out: list[dict] = []
        items = []
        for cid, src, text in zip(ids, sources, texts):
            stage, reason = "read", "empty text"
            if text_col is None:
                try:
                    text = read_letter(Path(src))
                except InputError as e:
                    stage, reason, text = e.stage, e.reason, None
            if not text or not text.strip():
                err = {"case_id": cid, "source": src, "stage": stage, "reason": reason}
                out.append({"_kind": KIND_ERROR, "error": err})
                continue
            items.append((cid, src, text))
        for res in process_texts(nlp, items, batch_size=batch_size):
            out.append({"_kind": KIND_CASE, "case": res.record})
            out.extend({"_kind": KIND_FACT, "fact": r} for r in res.rows)
        if out:
            yield pa.RecordBatch.from_pylist(out, schema=OUTPUT)


def _run(df, id_col: str, text_col: str | None, source_col: str | None, model, batch_size: int):
    from pyspark.sql.pandas.types import from_arrow_schema

    model = str(model) if model is not None else None
    fn = lambda it: process_batches(it, id_col, text_col, source_col, model, batch_size)  # noqa: E731
    keep = [c for c in (id_col, text_col, source_col) if c]
    both = df.select(*keep).mapInArrow(fn, from_arrow_schema(OUTPUT)).persist()
    cases = both.where(both["_kind"] == KIND_CASE).select("case.*")
    evidence = both.where(both["_kind"] == KIND_FACT).select("fact.*")
    errors = both.where(both["_kind"] == KIND_ERROR).select("error.*")
    return cases, evidence, errors


def extract(
    df,
    text_col: str = "text",
    id_col: str = "case_id",
    source_col: str | None = None,
    model: str | Path | None = None,
    batch_size: int = 16,
):
    """Case records and evidence rows of the letters in a Spark DataFrame.

    Parameters
    ----------
    df : pyspark.sql.DataFrame with one letter per row.
    text_col, id_col : the letter text and its case id.
    source_col : optional column copied into ``cases.source``.
    model : a saved pipeline folder visible to every executor (default: the packaged one).

    Returns ``(cases, evidence)`` DataFrames with the columns and types of
    ``cases.parquet`` and ``evidence.parquet``. Rows with an empty text are left out.
    """
    cases, evidence, _errors = _run(df, id_col, text_col, source_col, model, batch_size)
    return cases, evidence


def extract_files(
    spark,
    paths: list[str | Path],
    model: str | Path | None = None,
    batch_size: int = 16,
    problems: list[dict] | None = None,
):
    """``(cases, evidence, errors)`` DataFrames for .txt/.pdf files and folders.

    The driver lists the files and assigns case ids as ``iro-evidence extract`` does; the
    executors read the files, so the paths must be visible to them (local mode, a shared
    file system). Entries of the folders that are not read (see ``io.discover_labeled``)
    are appended to ``problems``.
    """
    from .io import case_ids, discover

    files = discover(paths, problems)
    ids = case_ids(files)
    rows = [(cid, str(f.resolve())) for cid, f in zip(ids, files)]
    n = max(1, min(len(rows), spark.sparkContext.defaultParallelism * 4))
    df = spark.createDataFrame(rows, "case_id string, source string").repartition(n)
    return _run(df, "case_id", None, "source", model, batch_size)
