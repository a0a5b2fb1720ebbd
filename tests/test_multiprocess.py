"""nlp.pipe(n_process=2) keeps every span group, extension value and doc-level fact.

Workers send Docs back as bytes, so anything unpicklable left on a Doc (medspaCy's Section
or ConText objects) breaks --n-process; this test catches that.
"""

from __future__ import annotations

import faulthandler
from pathlib import Path

import pytest
from iro_evidence.extract import process_texts
from iro_evidence.layout import canonicalize
from iro_evidence.rows import KINDS

ROOT = Path(__file__).resolve().parents[1]
LETTERS = sorted((ROOT / "corpus" / "letters").glob("*.txt"))[:6]

pytestmark = pytest.mark.skipif(not LETTERS, reason="bundled corpus missing")


def _summary(doc) -> dict:
    out = {"text": doc.text, "case": doc._.iro_case, "sents": [s.start_char for s in doc.sents]}
    for key in (*KINDS, "sections"):
        out[key] = [
            (
                s.start_char,
                s.end_char,
                s.label_,
                s._.iro,
                s._.attribution,
                s._.is_negated,
                s._.is_not_documented,
                s._.is_hypothetical,
            )
            for s in doc.spans.get(key, [])
        ]
    return out


def test_plain_values_only_on_the_doc(nlp):
    doc = nlp(LETTERS[0].read_text(encoding="utf-8"))
    plain = (str, int, float, bool, list, dict, tuple, type(None))
    bad = {k[1] for k, v in doc.user_data.items() if not isinstance(v, plain)}
    assert not bad, f"unpicklable extension values left on the Doc: {bad}"


def test_two_processes_keep_spans_and_extension_values(nlp):
    texts = [p.read_text(encoding="utf-8") for p in LETTERS]
    faulthandler.dump_traceback_later(240, exit=True)  # a worker crash must not hang CI
    try:
        multi = [_summary(d) for d in nlp.pipe(texts, n_process=2, batch_size=2)]
    finally:
        faulthandler.cancel_dump_traceback_later()
    single = [_summary(d) for d in nlp.pipe(texts)]
    assert len(multi) == len(texts)
    assert [m["text"] for m in multi] == [canonicalize(t)[0] for t in texts]  # input order kept
    for m, s in zip(multi, single):
        assert m == s
    assert any(m["measurements"] for m in multi) and any(m["exam"] for m in multi)


def test_extract_rows_are_the_same_with_two_processes(nlp):
    items = [(p.stem, str(p), p.read_text(encoding="utf-8")) for p in LETTERS]
    faulthandler.dump_traceback_later(240, exit=True)
    try:
        multi = list(process_texts(nlp, items, n_process=2, batch_size=2))
    finally:
        faulthandler.cancel_dump_traceback_later()
    single = list(process_texts(nlp, items))
    assert [m.case_id for m in multi] == [p.stem for p in LETTERS]
    assert multi == single


def test_extract_outputs_are_byte_identical_whatever_processes_and_resume(nlp, tmp_path):
    """With --n-process, workers encode their letters' rows (CSV/JSONL text, Arrow
    batches, journal lines), and a resumed run carries rows read back from the journal:
    on 300+ letters (several Parquet row groups) every table must be the very bytes one
    uninterrupted process writes."""
    import pyarrow.parquet as pq
    from iro_evidence.extract import run_extract

    src = tmp_path / "letters"
    src.mkdir()
    letters = sorted((ROOT / "corpus" / "letters").glob("*.txt"))
    for i in range(300):
        p = letters[i % len(letters)]
        (src / f"{i:03d}_{p.name}").write_bytes(p.read_bytes())
    (src / "empty.txt").write_text("")  # an error row too

    def tables(out):
        return {
            f.name: f.read_bytes()
            for f in sorted(out.iterdir())
            if f.name not in ("run.json", ".iro-evidence.lock")
        }

    outs = {}
    for n in (1, 2):
        out = tmp_path / f"out{n}"
        summary = run_extract(nlp, [src], out, n_process=n)
        assert summary.letters == 300 and summary.errors == 1 and summary.facts > 9000
        outs[n] = tables(out)
    assert set(outs[1]) == {
        "cases.csv", "cases.jsonl", "cases.parquet", "evidence.csv", "evidence.parquet",
        "errors.csv", "manifest.json",
    }  # fmt: skip
    assert pq.ParquetFile(tmp_path / "out1" / "evidence.parquet").metadata.num_row_groups > 1
    assert outs[1] == outs[2]

    # interrupted after 120 letters, resumed with the other process count
    out = tmp_path / "resumed"
    seen = []

    def stop(n):
        seen.append(n)
        if len(seen) == 120:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_extract(nlp, [src], out, n_process=2, progress=stop)
    summary = run_extract(nlp, [src], out, n_process=1, resume=True)
    assert summary.resumed >= 100 and summary.letters + summary.resumed == 300
    assert tables(out) == outs[1]
