"""The extraction job: files -> nlp.pipe -> rows and case records -> tables.

Files are read lazily, one at a time, and streamed through the pipeline in input order;
rows are written as they come. Nothing stops the run but the run itself: a file that
cannot be read, a letter that breaks the pipeline, runs too long, takes too much memory or
kills its process becomes a row of ``errors.csv`` and the run goes on.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import chunking
from .io import (
    MAX_BYTES,
    MAX_CHARS,
    InputError,
    Journal,
    RowEncoder,
    TableWriter,
    case_ids,
    crashed,
    discover_labeled,
    file_stamp,
    journal_line,
    load_done,
    read_letter,
    stamped,
    started_line,
)
from .rows import EVIDENCE_COLUMNS, doc_rows
from .run import OutputFolder, RunInfo
from .table import CASE_COLUMNS, case_record

# per-letter guards (a letter of 1 M characters takes about 6 s and 500 MB here)
LETTER_SECONDS = 300.0
LETTER_MEMORY_MB = 4000


@dataclass
class LetterResult:
    """One processed letter. ``rows`` may be None when a worker process sent only their
    encoded text (``encoded``, from ``encode_letter``); ``n_rows`` counts them anyway."""

    case_id: str
    source: str
    rows: list[dict] | None
    record: dict
    encoded: dict | None = None
    n_rows: int = 0

    def __post_init__(self):
        if self.rows is not None:
            self.n_rows = len(self.rows)


@dataclass
class LetterError:
    """A letter that could not be processed; becomes a row of ``errors.csv``."""

    case_id: str
    source: str
    stage: str
    reason: str


@dataclass
class Summary:
    letters: int = 0
    facts: int = 0
    errors: int = 0
    skipped: int = 0
    resumed: int = 0
    seconds: float = 0.0
    chars: int = 0
    outdir: str = ""
    # the bad files, in input order (one small dict each; the letters themselves stream)
    error_rows: list = field(default_factory=list)

    def line(self) -> str:
        rate = self.letters / self.seconds if self.seconds else 0.0
        again = f" ({self.resumed} more kept from the previous run)" if self.resumed else ""
        skipped = f", {self.skipped} skipped" if self.skipped else ""
        where = f" -> {self.outdir}" if self.outdir else ""
        return (
            f"{self.letters} letters{again}, {self.facts} facts, {self.errors} errors{skipped}, "
            f"{self.seconds:.1f} s, {rate:.1f} letters/s{where}"
        )


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, handled as Ctrl-C is (``signum`` gives the exit code 128 + n)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def process_doc(doc, case_id: str, source: str | None = None) -> tuple[list[dict], dict]:
    """Evidence rows and the case record of one processed Doc."""
    rows = doc_rows(doc, case_id)
    return rows, case_record(case_id, rows, doc._.iro_case, source)


def process_texts(
    nlp,
    items: Iterable[tuple[str, str, str]],
    n_process: int = 1,
    batch_size: int = 16,
    encode: bool = False,
) -> Iterator[LetterResult]:
    """(case_id, source, text) -> ``LetterResult``, in input order; with ``encode`` its
    ``encoded`` holds the text the writers append (``encode_letter``).

    With ``n_process > 1`` (where ``fork`` exists) forked workers run the pipeline and
    return their rows already encoded for the outputs, so the parent only appends text;
    a letter that fails there raises ``RuntimeError`` here (``run_extract`` makes it a row).
    """
    if n_process > 1 and _can_fork():
        for r in _pooled(nlp, items, n_process, Guards(), raw=not encode):
            if isinstance(r, LetterError):
                raise RuntimeError(f"{r.case_id}: {r.reason}")
            yield r
        return
    stream = ((text, (cid, src)) for cid, src, text in items)
    # letters over nlp.max_length are split on section/paragraph boundaries and joined back
    for doc, (cid, src) in chunking.pipe(nlp, stream, n_process=n_process, batch_size=batch_size):
        rows, rec = process_doc(doc, cid, src)
        res = LetterResult(cid, src, rows, rec)
        if encode:
            res.encoded = encode_letter(res)
        yield res


_ENCODERS: dict = {}


def encode_letter(res: LetterResult, journal: bool = True, values: bool = False) -> dict:
    """The text ``run_extract`` appends for one letter: its evidence and case lines and its
    journal entry (made where the letter was processed: in a worker process, so the parent
    only appends); ``values`` adds the rows' cell values, from which the parent makes the
    Parquet row groups (an Arrow batch per letter would cost more than the letter's CSV)."""
    from . import schema

    if not _ENCODERS:
        _ENCODERS["evidence"] = RowEncoder(EVIDENCE_COLUMNS, schema.EVIDENCE)
        _ENCODERS["cases"] = RowEncoder(CASE_COLUMNS, schema.CASES, jsonl=True)
    ev = _ENCODERS["evidence"]
    rows = res.rows or []
    vals = ev.values(rows)  # one pass over the rows, shared by every encoding
    out = {
        "evidence": ev.encode(rows, vals),
        "cases": _ENCODERS["cases"].encode([res.record]),
        # letters carried over by --resume are in a journal already
        "journal": journal_line(res.case_id, res.source, res.record, vals, EVIDENCE_COLUMNS)
        if journal
        else None,
    }
    if values:
        out["values"] = vals
    return out


# -- worker processes with per-letter guards --------------------------------------------


@dataclass
class Guards:
    """Per-letter limits, enforced by the parent on each worker process."""

    seconds: float = LETTER_SECONDS
    memory_mb: float = LETTER_MEMORY_MB


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


_FORK_NLP = None
_FORK_RAW = False  # workers send plain rows, not their encoded text
_FORK_MEMORY_MB = float(LETTER_MEMORY_MB)


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when its parent dies (a kill -9 of the run)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _worker_main(tasks, conn, parent_end, parent: int) -> None:
    """A worker: letters in, one ``start`` message before and one result after each letter.
    It never prints: Ctrl-C is the parent's business, and any failure ends it quietly; it
    ends with its parent."""
    try:
        _die_with_parent()
        parent_end.close()  # the parent's end of our task pipe: EOF when the parent goes
        base = _rss_mb(os.getpid())
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, signal.SIG_DFL)
        while True:
            try:
                while not tasks.poll(1.0):
                    if os.getppid() != parent:
                        return
                task = tasks.recv()
            except EOFError:
                break
            if task is None:
                break
            for idx, item in task:
                conn.send(("start", idx))
                try:
                    res = _one_letter(_FORK_NLP, item)
                    if not _FORK_RAW:  # the rows travel as their encoded text and cell values
                        res.encoded = encode_letter(res, values=True)
                        res.rows = None
                    conn.send(("done", idx, res))
                except Exception as e:
                    conn.send(("fail", idx, f"the pipeline failed on this letter ({_brief(e)})"))
                if _rss_mb(os.getpid()) - base > (_FORK_MEMORY_MB - base) / 2:
                    # memory a big letter took is not given back: a fresh worker takes the
                    # letters queued here, so none is blamed for its predecessor's memory
                    return
    except BaseException:
        pass
    finally:
        os._exit(0)


def _one_letter(nlp, item: tuple[str, str, str]) -> LetterResult:
    """One letter as ``process_texts`` makes it, without setting up a pipe for it (a
    worker takes its letters one at a time, to know which one a failure belongs to)."""
    cid, src, text = item
    if len(text) > nlp.max_length:  # split and joined back
        [res] = process_texts(nlp, [item], batch_size=1)
        return res
    rows, rec = process_doc(nlp(text), cid, src)
    return LetterResult(cid, src, rows, rec)


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


class _Worker:
    def __init__(self, ctx):
        # two one-way pipes (os.pipe): a two-way Pipe is a socket pair, and no socket is opened
        task_in, self.tasks = ctx.Pipe(duplex=False)
        self.conn, result_out = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(
            target=_worker_main, args=(task_in, result_out, self.tasks, os.getpid()), daemon=True
        )
        self.proc.start()
        task_in.close()
        result_out.close()
        self.assigned: deque = deque()  # (idx, item) sent and not finished
        self.current: int | None = None
        self.t0 = 0.0
        self.killed_for: str | None = None

    def kill(self) -> None:
        try:
            self.proc.kill()
        except Exception:
            pass
        self.proc.join(5)
        self.conn.close()
        self.tasks.close()


def _pooled(nlp, items: Iterable, n_process: int, guards: Guards, task_size: int = 8, raw: bool = False):
    """``LetterResult`` or ``LetterError`` of every item, in input order, from forked worker
    processes watched by the parent: a letter over ``guards`` (time, memory) has its worker
    killed; a worker that dies (killed, out of memory, a crash) costs the letter it was
    on, the letters queued behind it are given to a new worker, and the run goes on."""
    from multiprocessing.connection import wait

    global _FORK_NLP, _FORK_RAW, _FORK_MEMORY_MB
    _FORK_NLP, _FORK_RAW = nlp, raw  # inherited by the forked workers, never pickled
    _FORK_MEMORY_MB = guards.memory_mb
    try:  # what components load on first use is loaded once, here, not in every worker
        process_doc(nlp("DATE OF REVIEW: 01/02/2013. No weakness at L4-5."), "warm-up")
    except Exception:
        pass
    ctx = multiprocessing.get_context("fork")
    source = iter(items)
    retry: deque = deque()
    exhausted = False
    seq = 0
    results: dict = {}
    next_out = 0
    workers: list[_Worker] = []

    def take(k: int) -> list:
        nonlocal exhausted, seq
        out = []
        while retry and len(out) < k:
            out.append(retry.popleft())
        while len(out) < k and not exhausted:
            try:
                item = next(source)
            except StopIteration:
                exhausted = True
                break
            out.append((seq, item))
            seq += 1
        return out

    def handle(w: _Worker, msg) -> None:
        if msg[0] == "start":
            w.current, w.t0 = msg[1], time.monotonic()
            return
        idx = msg[1]
        item = next(it for i, it in w.assigned if i == idx)
        w.assigned = deque((i, it) for i, it in w.assigned if i != idx)
        w.current = None
        results[idx] = msg[2] if msg[0] == "done" else LetterError(item[0], item[1], "nlp", msg[2])

    def bury(w: _Worker) -> _Worker:
        code = w.proc.exitcode
        if w.killed_for:
            why = w.killed_for
        elif code is not None and code < 0:
            why = f"its worker process was killed ({signal.Signals(-code).name}; out of memory?)"
        else:
            why = f"its worker process died (exit code {code})"
        for idx, item in list(w.assigned):
            if idx == w.current:
                results[idx] = LetterError(item[0], item[1], "nlp", why)
            else:
                retry.append((idx, item))
        retry_sorted = sorted(retry)
        retry.clear()
        retry.extend(retry_sorted)
        w.kill()
        return _Worker(ctx)

    try:
        workers = [_Worker(ctx) for _ in range(n_process)]
        while True:
            # at most a few letters wait, finished, behind a slow one (memory stays flat)
            if len(results) < 64 * n_process:
                for w in workers:
                    if not w.assigned:
                        task = take(task_size)
                        if task:
                            w.assigned.extend(task)
                            try:
                                w.tasks.send(task)
                            except OSError:  # it died: buried below, its letters given again
                                pass
            if exhausted and not retry and not any(w.assigned for w in workers) and not results:
                break
            wait([w.conn for w in workers] + [w.proc.sentinel for w in workers], timeout=0.25)
            now = time.monotonic()
            for k, w in enumerate(workers):
                dead = False
                try:
                    while w.conn.poll():
                        handle(w, w.conn.recv())
                except (EOFError, OSError):
                    dead = True
                if not dead and w.current is not None:
                    if _rss_mb(w.proc.pid) > guards.memory_mb:
                        w.killed_for = (
                            f"needed more than {guards.memory_mb:g} MB of memory (per-letter limit)"
                        )
                    elif now - w.t0 > guards.seconds:
                        w.killed_for = f"took longer than {guards.seconds:g} s (the per-letter time limit)"
                    if w.killed_for:
                        w.proc.kill()
                        w.proc.join(5)
                        dead = True
                if dead or not w.proc.is_alive():
                    try:  # results sent before it died still count
                        while w.conn.poll():
                            handle(w, w.conn.recv())
                    except (EOFError, OSError):
                        pass
                    workers[k] = bury(w)
            while next_out in results:
                yield results.pop(next_out)
                next_out += 1
    finally:
        for w in workers:
            w.kill()


# -- the run -----------------------------------------------------------------------------


def run_extract(
    nlp,
    paths: list[str | Path],
    outdir: Path,
    n_process: int = 1,
    progress: Callable[[int], None] | None = None,
    resume: bool = False,
    max_bytes: int = MAX_BYTES,
    debug: bool = False,
    guards: Guards | None = None,
    max_chars: int = MAX_CHARS,
) -> Summary:
    """Extract every letter under ``paths`` into tables in ``outdir``.

    Outputs appear only when the run completes (written in a private temporary folder,
    then renamed, ``manifest.json`` last); every input problem becomes a row of
    ``errors.csv``. The folder is locked for the run (``OutputBusy`` if another run holds
    it). Each finished letter also goes to a journal, so that after Ctrl-C or a kill
    ``resume=True`` skips the letters already done and carries their rows into the new
    outputs. Rows and errors come out in input order whatever ``n_process`` and ``resume``
    were, so the tables are byte-identical. Letters run in forked worker processes (where
    ``fork`` exists) under ``guards``; ``debug=True`` runs them here and re-raises
    unexpected errors instead of reporting them as rows.
    """
    from . import schema

    guards = guards or Guards()
    t0 = time.perf_counter()
    summary = Summary(outdir=str(outdir))
    outdir = Path(outdir)
    with OutputFolder(outdir) as folder, _signals_as_interrupts():
        info = RunInfo(nlp, paths, n_process=n_process, resume=resume)
        problems: list[dict] = []
        labeled = discover_labeled(paths, problems)
        files = [f for f, _ in labeled]
        ids = case_ids(files, [lab for _, lab in labeled])
        del labeled  # kept all run long, the per-file lists are what grows with the corpus
        order = {cid: i for i, cid in enumerate(ids)}
        info.found = len(ids)
        stamps = {cid: file_stamp(f) for f, cid in zip(files, ids)}
        done = load_done(outdir, {cid: str(f) for f, cid in zip(files, ids)}, stamps) if resume else {}
        ended_runs = crashed(outdir) if resume else set()
        tmp = folder.tmpdir
        cases = TableWriter(outdir, "cases", CASE_COLUMNS, schema.CASES, jsonl=True, tmpdir=tmp)
        evidence = TableWriter(outdir, "evidence", EVIDENCE_COLUMNS, schema.EVIDENCE, tmpdir=tmp)
        errors = TableWriter(outdir, "errors", schema.ERROR_COLUMNS, schema.ERRORS, parquet=False, tmpdir=tmp)
        writers = (cases, evidence, errors)
        journal = Journal(outdir, keep=resume)
        failed: list[tuple[int, dict]] = []

        def fail(cid: str, path: Path | str, stage: str, reason: str) -> None:
            summary.errors += 1
            failed.append(
                (order[cid], {"case_id": cid, "source": str(path), "stage": stage, "reason": reason})
            )
            if progress:
                progress(1)

        def readable() -> Iterator[tuple[str, str, str]]:
            for path, cid in zip(files, ids):
                if cid in done:
                    continue
                if cid in ended_runs:
                    why = "two runs ended while processing this letter (a crash?); not tried again"
                    fail(cid, path, "nlp", why)
                    continue
                try:
                    text = read_letter(path, max_bytes=max_bytes, max_chars=max_chars)
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

        def processed() -> Iterator[LetterResult]:
            if _can_fork() and not debug:
                # each worker encodes its own letters' lines and values; this process only
                # appends them (and makes the Parquet row groups from the values)
                for r in _pooled(nlp, readable(), n_process, guards):
                    if isinstance(r, LetterError):
                        fail(r.case_id, r.source, r.stage, r.reason)
                    else:
                        yield r
                return
            for item in readable():  # here, one by one: a letter that fails costs only itself
                journal.write_line(started_line(item[0]))
                try:
                    yield from list(process_texts(nlp, [item], encode=True))
                except Exception as e:
                    if debug:
                        raise
                    fail(item[0], item[1], "nlp", f"the pipeline failed on this letter ({_brief(e)})")

        def write(res: LetterResult, carried: bool = False) -> None:
            enc = res.encoded or encode_letter(res, journal=False)
            evidence.write_many(res.rows or [], enc["evidence"], values=enc.get("values"))
            cases.write_many([res.record], enc["cases"])
            info.count_record(res.record)
            if progress:
                progress(1)

        pending = iter(ids)

        def carry_until(stop: str | None) -> None:
            for cid in pending:
                if cid == stop:
                    return
                if cid in done:
                    got = json.loads(done.pop(cid))
                    write(LetterResult(cid, got["record"].get("source"), got["rows"], got["record"]))
                    summary.resumed += 1
                    summary.facts += len(got["rows"])

        try:
            for res in processed():
                carry_until(res.case_id)
                if res.encoded is None:
                    res.encoded = encode_letter(res)
                journal.write_line(stamped(res.encoded["journal"], stamps[res.case_id]))
                write(res)
                summary.letters += 1
                summary.facts += res.n_rows
            carry_until(None)
            # input problems first (they have no case), then the letters', in input order
            rows = [{"case_id": "", **p} for p in problems] + [
                e for _, e in sorted(failed, key=lambda x: x[0])
            ]
            for err in rows:
                errors.write(err)
            summary.error_rows = rows
            summary.skipped = sum(p["stage"] == "skipped" for p in problems)
            summary.errors += len(problems) - summary.skipped
            for w in writers:
                w.close()
            summary.seconds = time.perf_counter() - t0
            folder.commit(writers, info.finish(summary), stamps)
        except BaseException:
            for w in writers:
                w.abort()
            journal.close()
            raise
        journal.close(remove=True)
    return summary


class _signals_as_interrupts:
    """SIGTERM and SIGHUP raise ``Stopped`` (a KeyboardInterrupt) in the main thread, so they
    clean up as Ctrl-C does; elsewhere (a thread) nothing changes."""

    def __enter__(self):
        import threading

        self.old = {}
        if threading.current_thread() is not threading.main_thread():
            return self
        for name in ("SIGTERM", "SIGHUP"):
            sig = getattr(signal, name, None)
            if sig is not None:
                self.old[sig] = signal.signal(sig, _raise_stopped)
        return self

    def __exit__(self, *exc):
        for sig, old in self.old.items():
            signal.signal(sig, old)
        return False


def _raise_stopped(signum, frame):
    raise Stopped(signum)


def _brief(e: BaseException) -> str:
    msg = " ".join(str(e).split())
    return f"{type(e).__name__}: {msg[:200]}" if msg else type(e).__name__
