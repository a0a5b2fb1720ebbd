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
    assert [m[0] for m in multi] == [p.stem for p in LETTERS]
    assert multi == single


def test_extract_outputs_are_byte_identical_with_two_processes(nlp, tmp_path):
    """With --n-process, workers encode their letters' rows (CSV/JSONL text, Arrow
    batches, journal lines); the files must be the very bytes one process writes."""
    from iro_evidence.extract import run_extract

    src = tmp_path / "letters"
    src.mkdir()
    for p in sorted((ROOT / "corpus" / "letters").glob("*.txt"))[:10]:
        (src / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    (src / "empty.txt").write_text("")  # an error row too
    outs = {}
    for n in (1, 2):
        out = tmp_path / f"out{n}"
        summary = run_extract(nlp, [src], out, n_process=n)
        assert summary.letters == 10 and summary.errors == 1 and summary.facts > 300
        outs[n] = {f.name: f.read_bytes() for f in sorted(out.iterdir())}
    assert set(outs[1]) == {
        "cases.csv",
        "cases.jsonl",
        "cases.parquet",
        "evidence.csv",
        "evidence.parquet",
        "errors.csv",
    }
    assert outs[1] == outs[2]
