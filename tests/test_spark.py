"""The Spark path gives exactly the single-process output (pyspark in local[2] mode)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java", allow_module_level=True)

from iro_evidence.extract import process_texts  # noqa: E402
from iro_evidence.io import case_ids, discover, read_letter  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LETTERS = ROOT / "corpus" / "letters"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not LETTERS.exists(), reason="bundled corpus missing"),
]


@pytest.fixture(scope="module")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("iro-evidence-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _letters():
    files = discover([LETTERS])[:8]
    return [(cid, str(f.resolve()), read_letter(f)) for cid, f in zip(case_ids(files), files)]


def _plain(rows: list) -> list[dict]:
    """Spark Rows -> dicts with lists of structs as plain dicts, sorted for comparison."""
    return [r.asDict(recursive=True) for r in rows]


def _key(d: dict) -> str:
    return json.dumps(d, sort_keys=True, default=str)


def test_spark_extract_equals_single_process(spark, nlp):
    from iro_evidence import schema
    from iro_evidence.spark import extract

    letters = _letters()
    expected_cases, expected_rows = [], []
    for res in process_texts(nlp, letters):
        rows, rec = res.rows, res.record
        expected_cases.append(rec)
        expected_rows.extend(rows)
    # normalize the single-process output through the same Arrow schemas as Parquet
    import pyarrow as pa

    expected_cases = pa.Table.from_pylist(expected_cases, schema=schema.CASES).to_pylist()
    expected_rows = pa.Table.from_pylist(expected_rows, schema=schema.EVIDENCE).to_pylist()

    df = spark.createDataFrame(letters, "case_id string, source string, text string").repartition(2)
    cases, evidence = extract(df, text_col="text", id_col="case_id", source_col="source")
    assert cases.columns == schema.CASES.names
    assert evidence.columns == schema.EVIDENCE.names
    got_cases = _plain(cases.collect())
    got_rows = _plain(evidence.collect())
    assert len(got_cases) == len(letters)
    assert sorted(map(_key, got_cases)) == sorted(map(_key, expected_cases))
    assert sorted(map(_key, got_rows)) == sorted(map(_key, expected_rows))


def test_spark_files_reads_on_executors_and_reports_bad_files(spark, nlp, tmp_path):
    from iro_evidence.spark import extract_files

    src = sorted(LETTERS.glob("*.txt"))[0]
    (tmp_path / src.name).write_bytes(src.read_bytes())
    (tmp_path / "empty.txt").write_bytes(b"")
    cases, evidence, errors = extract_files(spark, [tmp_path])
    [case] = cases.collect()
    [res] = list(process_texts(nlp, [(src.stem, "", read_letter(src))]))
    rows, rec = res.rows, res.record
    assert case["case_id"] == src.stem and case["outcome"] == rec["outcome"]
    assert evidence.count() == len(rows)
    [err] = errors.collect()
    assert err["case_id"] == "empty" and "empty" in err["reason"]
