"""The extraction job: files -> nlp.pipe -> rows and case records -> tables.

Files are read lazily, one at a time, and streamed through ``nlp.pipe`` in input order;
rows are written as they come. A file that cannot be read becomes a row of
``errors.csv`` and the run goes on.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import chunking
from .io import (
    MAX_BYTES,
    InputError,
    Journal,
    RowEncoder,
    TableWriter,
    case_ids,
    discover_labeled,
    journal_line,
    load_done,
    read_letter,
)
from .rows import EVIDENCE_COLUMNS, doc_rows
from .table import CASE_COLUMNS, case_record


@dataclass
class Summary:
    letters: int = 0
    facts: int = 0
    errors: int = 0
    resumed: int = 0
    seconds: float = 0.0
    chars: int = 0
    # the bad files, in input order (one small dict each; the letters themselves stream)
    error_rows: list = field(default_factory=list)

    def line(self) -> str:
        rate = self.letters / self.seconds if self.seconds else 0.0
        again = f" ({self.resumed} more kept from the previous run)" if self.resumed else ""
        return (
            f"{self.letters} letters{again}, {self.facts} facts, {self.errors} errors, "
            f"{self.seconds:.1f} s, {rate:.1f} letters/s"
        )


def process_doc(doc, case_id: str, source: str | None = None) -> tuple[list[dict], dict]:
    """Evidence rows and the case record of one processed Doc."""
    rows = doc_rows(doc, case_id)
    return rows, case_record(case_id, rows, doc._.iro_case, source)


def process_texts(
    nlp,
    items: Iterable[tuple[str, str, str]],
    n_process: int = 1,
    batch_size: int = 16,
    encode: bool | str = False,
) -> Iterator[tuple]:
    """(case_id, source, text) -> (case_id, source, rows, record), in input order; with
    ``encode``, a fifth item holds the text the writers append (``encode_letter``;
    ``encode="arrow"`` adds the evidence rows as an Arrow batch).

    With ``n_process > 1`` (where ``fork`` exists) forked workers run the pipeline and
    return plain rows, already encoded for the outputs, so the parent only appends text:
    spaCy's own ``nlp.pipe(n_process=...)`` ships whole Docs back and the parent spends as
    long decoding them as a worker spends making them.
    """
    if n_process > 1 and "fork" in multiprocessing.get_all_start_methods():
        yield from _forked(nlp, items, n_process, batch_size, encoded=bool(encode))
        return
    stream = ((text, (cid, src)) for cid, src, text in items)
    # letters over nlp.max_length are split on section/paragraph boundaries and joined back
    for doc, (cid, src) in chunking.pipe(nlp, stream, n_process=n_process, batch_size=batch_size):
        rows, rec = process_doc(doc, cid, src)
        if encode:
            yield cid, src, rows, rec, encode_letter(cid, src, rows, rec, arrow=encode == "arrow")
        else:
            yield cid, src, rows, rec


_ENCODERS: dict = {}


def encode_letter(
    cid: str,
    src: str,
    rows: list[dict],
    rec: dict,
    arrow: bool = False,
    journal: bool = True,
    values: bool = False,
) -> dict:
    """The text ``run_extract`` appends for one letter: its evidence and case lines and its
    journal entry, and with ``arrow`` its evidence rows as an Arrow batch (made where the
    letter was processed: in a worker with ``--n-process``, so the parent only appends);
    ``values`` adds the rows' values, for a caller that makes one batch of several letters."""
    from . import schema

    if not _ENCODERS:
        _ENCODERS["evidence"] = RowEncoder(EVIDENCE_COLUMNS, schema.EVIDENCE)
        _ENCODERS["cases"] = RowEncoder(CASE_COLUMNS, schema.CASES, jsonl=True)
    ev = _ENCODERS["evidence"]
    vals = ev.values(rows)  # one pass over the rows, shared by every encoding
    out = {
        "evidence": ev.encode(rows, vals),
        "cases": _ENCODERS["cases"].encode([rec]),
        # letters carried over by --resume are in a journal already
        "journal": journal_line(cid, src, rec, vals, EVIDENCE_COLUMNS) if journal else None,
    }
    if arrow and rows:
        out["evidence_batch"] = ev.batch(rows, schema.EVIDENCE, vals)
    if values:  # the caller batches several letters' rows itself
        out["values"] = vals
    return out


_FORK_NLP = None


def _work(batch: list[tuple[str, str, str]], encoded: bool = True) -> list[tuple]:
    if not encoded:
        return list(process_texts(_FORK_NLP, batch, batch_size=max(1, len(batch))))
    # the rows travel as their encoded text and one Arrow batch for the whole task, on its
    # last letter (unpickling dicts, or a batch per letter, would take the parent's time);
    # the row count stays for the summary
    out, values = [], []
    for cid, src, rows, rec in process_texts(_FORK_NLP, batch, batch_size=max(1, len(batch))):
        enc = encode_letter(cid, src, rows, rec, values=True)
        values += enc.pop("values")
        enc["n_rows"] = len(rows)
        out.append((cid, src, None, rec, enc))
    if values:
        from . import schema

        out[-1][4]["evidence_batch"] = _ENCODERS["evidence"].batch(None, schema.EVIDENCE, values)
    return out


def _forked(nlp, items, n_process: int, batch_size: int, encoded: bool = True) -> Iterator[tuple]:
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
        for done in pool.imap(functools.partial(_work, encoded=encoded), batches()):
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
    resume: bool = False,
    max_bytes: int = MAX_BYTES,
    debug: bool = False,
) -> Summary:
    """Extract every letter under ``paths`` into tables in ``outdir``.

    Outputs appear only when the run completes (written under temporary names, then
    renamed); a file that cannot be read or processed becomes a row of ``errors.csv``.
    Each finished letter also goes to a journal, so that after Ctrl-C or a kill
    ``resume=True`` skips the letters already done (in the previous outputs or the
    journal) and carries their rows into the new outputs. Rows come out in input order
    and errors in input order too, so a resumed run writes the same bytes as a fresh one.
    ``debug=True`` re-raises unexpected errors instead of reporting them as rows.
    """
    from . import schema

    labeled = discover_labeled(paths)
    files = [f for f, _ in labeled]
    ids = case_ids(files, [lab for _, lab in labeled])
    del labeled  # kept all run long, the per-file lists are what grows with the corpus
    summary = Summary()
    t0 = time.perf_counter()
    outdir = Path(outdir)
    done = load_done(outdir, {cid: str(f) for f, cid in zip(files, ids)}) if resume else {}
    cases = TableWriter(outdir, "cases", CASE_COLUMNS, schema.CASES, jsonl=True)
    evidence = TableWriter(outdir, "evidence", EVIDENCE_COLUMNS, schema.EVIDENCE)
    errors = TableWriter(outdir, "errors", schema.ERROR_COLUMNS, schema.ERRORS, parquet=False)
    writers = (cases, evidence, errors)
    journal = Journal(outdir, keep=resume)
    failed: list[tuple[int, dict]] = []

    def fail(cid: str, path: Path | str, stage: str, reason: str) -> None:
        summary.errors += 1
        failed.append(
            (ids.index(cid), {"case_id": cid, "source": str(path), "stage": stage, "reason": reason})
        )
        if progress:
            progress(1)

    def readable() -> Iterator[tuple[str, str, str]]:
        for path, cid in zip(files, ids):
            if cid in done:
                continue
            try:
                text = read_letter(path, max_bytes=max_bytes)
            except InputError as e:
                fail(cid, path, e.stage, e.reason)
                continue
            except Exception as e:
                if debug:
                    raise
                fail(cid, path, "read", f"unexpected error while reading ({_brief(e)})")
                continue
            summary.chars += len(text)
            yield cid, str(path), text

    def processed() -> Iterator[tuple]:
        size = 256 if n_process == 1 else 1000 * n_process
        batch: list[tuple[str, str, str]] = []
        for item in readable():
            batch.append(item)
            if len(batch) >= size:
                yield from _guarded(batch)
                batch = []
        yield from _guarded(batch)

    def _guarded(batch):
        # results stream out as they come (holding a batch's rows would cost memory); after
        # a failure the letters not yet done are retried one by one, so that a letter that
        # breaks the pipeline costs only itself
        n_done = 0
        if not batch:
            return
        try:
            for result in process_texts(nlp, batch, n_process=n_process, encode=True):
                yield result
                n_done += 1
            return
        except Exception:
            if debug:
                raise
        for item in batch[n_done:]:
            try:
                yield from list(process_texts(nlp, [item], encode=True))
            except Exception as e:
                fail(item[0], item[1], "nlp", f"the pipeline failed on this letter ({_brief(e)})")

    def write(rows: list[dict], rec: dict, encoded: dict | None = None) -> None:
        enc = encoded or encode_letter(rec.get("case_id", ""), "", rows, rec, journal=False)
        evidence.write_many(rows or [], enc["evidence"], enc.get("evidence_batch"))
        cases.write_many([rec], enc["cases"])
        if progress:
            progress(1)

    pending = iter(ids)

    def carry_until(stop: str | None) -> None:
        for cid in pending:
            if cid == stop:
                return
            if cid in done:
                got = json.loads(done.pop(cid))
                write(got["rows"], got["record"])
                summary.resumed += 1
                summary.facts += len(got["rows"])

    try:
        for cid, _src, rows, rec, enc in processed():
            carry_until(cid)
            journal.write_line(enc["journal"])
            write(rows, rec, enc)
            summary.letters += 1
            summary.facts += enc["n_rows"] if rows is None else len(rows)
        carry_until(None)
        for _, err in sorted(failed, key=lambda x: x[0]):
            errors.write(err)
        summary.error_rows = [err for _, err in sorted(failed, key=lambda x: x[0])]
        for w in writers:
            w.close()
    except BaseException:
        for w in writers:
            w.abort()
        journal.close()
        raise
    for w in writers:
        w.commit()
    journal.close(remove=True)
    summary.seconds = time.perf_counter() - t0
    return summary


def _brief(e: BaseException) -> str:
    msg = " ".join(str(e).split())
    return f"{type(e).__name__}: {msg[:200]}" if msg else type(e).__name__
