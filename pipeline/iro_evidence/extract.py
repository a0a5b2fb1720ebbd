"""The extraction job: files -> nlp.pipe -> rows and case records -> tables.

Files are read lazily, one at a time, and streamed through ``nlp.pipe`` in input order;
rows are written as they come. A file that cannot be read becomes a row of
``errors.csv`` and the run goes on.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import chunking
from .io import InputError, TableWriter, case_ids, discover, read_letter
from .rows import EVIDENCE_COLUMNS, doc_rows
from .table import CASE_COLUMNS, case_record


@dataclass
class Summary:
    letters: int = 0
    facts: int = 0
    errors: int = 0
    seconds: float = 0.0
    chars: int = 0

    def line(self) -> str:
        rate = self.letters / self.seconds if self.seconds else 0.0
        return (
            f"{self.letters} letters, {self.facts} facts, {self.errors} errors, "
            f"{self.seconds:.1f} s, {rate:.1f} letters/s"
        )


def process_doc(doc, case_id: str, source: str | None = None) -> tuple[list[dict], dict]:
    """Evidence rows and the case record of one processed Doc."""
    rows = doc_rows(doc, case_id)
    return rows, case_record(case_id, rows, doc._.iro_case, source)


def process_texts(
    nlp, items: Iterable[tuple[str, str, str]], n_process: int = 1, batch_size: int = 16
) -> Iterator[tuple[str, str, list[dict], dict]]:
    """(case_id, source, text) -> (case_id, source, rows, record), in input order.

    With ``n_process > 1`` (where ``fork`` exists) forked workers run the pipeline and
    return plain rows: spaCy's own ``nlp.pipe(n_process=...)`` ships whole Docs back and
    the parent spends as long decoding them as a worker spends making them.
    """
    if n_process > 1 and "fork" in multiprocessing.get_all_start_methods():
        yield from _forked(nlp, items, n_process, batch_size)
        return
    stream = ((text, (cid, src)) for cid, src, text in items)
    # letters over nlp.max_length are split on section/paragraph boundaries and joined back
    for doc, (cid, src) in chunking.pipe(nlp, stream, n_process=n_process, batch_size=batch_size):
        rows, rec = process_doc(doc, cid, src)
        yield cid, src, rows, rec


_FORK_NLP = None


def _work(batch: list[tuple[str, str, str]]) -> list[tuple[str, str, list[dict], dict]]:
    return list(process_texts(_FORK_NLP, batch, batch_size=max(1, len(batch))))


def _forked(nlp, items, n_process: int, batch_size: int) -> Iterator[tuple[str, str, list[dict], dict]]:
    """A fork pool over batches of letters; at most a few batches are in flight (streaming)."""
    global _FORK_NLP
    _FORK_NLP = nlp  # inherited by the forked workers, never pickled
    window = threading.Semaphore(n_process * 3)
    stop = threading.Event()

    def batches():
        batch = []
        for item in items:
            batch.append(item)
            if len(batch) >= batch_size:
                while not window.acquire(timeout=0.1):
                    if stop.is_set():
                        return
                yield batch
                batch = []
        if batch:
            yield batch

    pool = multiprocessing.get_context("fork").Pool(n_process)
    try:
        for done in pool.imap(_work, batches()):
            window.release()
            yield from done
        pool.close()
    finally:
        stop.set()
        pool.terminate()
        pool.join()


def run_extract(
    nlp,
    paths: list[str | Path],
    outdir: Path,
    n_process: int = 1,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    from . import schema

    files = discover(paths)
    ids = case_ids(files)
    summary = Summary()
    t0 = time.perf_counter()
    outdir = Path(outdir)
    cases = TableWriter(outdir, "cases", CASE_COLUMNS, schema.CASES, jsonl=True)
    evidence = TableWriter(outdir, "evidence", EVIDENCE_COLUMNS, schema.EVIDENCE)
    errors = TableWriter(outdir, "errors", schema.ERROR_COLUMNS, schema.ERRORS, parquet=False)
    writers = (cases, evidence, errors)

    def readable() -> Iterator[tuple[str, str, str]]:
        for path, cid in zip(files, ids):
            try:
                text = read_letter(path)
            except InputError as e:
                summary.errors += 1
                err = {"case_id": cid, "source": str(path), "stage": e.stage, "reason": e.reason}
                errors.write(err)
                if progress:
                    progress(1)
                continue
            summary.chars += len(text)
            yield cid, str(path), text

    try:
        for _cid, _src, rows, rec in process_texts(nlp, readable(), n_process=n_process):
            for r in rows:
                evidence.write(r)
            cases.write(rec)
            summary.letters += 1
            summary.facts += len(rows)
            if progress:
                progress(1)
    except BaseException:
        for w in writers:
            w.abort()
        raise
    for w in writers:
        w.commit()
    summary.seconds = time.perf_counter() - t0
    return summary
