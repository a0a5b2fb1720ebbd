"""The journal of finished letters, and what ``--resume`` reads back from it and from a
previous run's outputs."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

JOURNAL = ".iro-evidence.journal.jsonl"


class Journal:
    """One JSON line per finished letter, flushed as it is written, so ``--resume`` can
    pick up after a Ctrl-C or a kill. Removed when the run completes."""

    def __init__(self, outdir: Path, keep: bool = False):
        self.path = Path(outdir) / JOURNAL
        Path(outdir).mkdir(parents=True, exist_ok=True)
        good = None
        if keep:
            try:
                _, good = _read_journal(self.path)
            except OSError:  # none, or not a plain file (a planted link is never followed)
                good = None
        if good is None:
            _remove_link(self.path)
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        else:
            flags = os.O_WRONLY | os.O_APPEND
        fd = os.open(self.path, flags | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o600)
        if good is not None:
            os.ftruncate(fd, good)  # drop a line cut short by a kill
        self.file = open(fd, "a", encoding="utf-8")

    def write(self, case_id: str, source: str, record: dict, rows: list[dict]) -> None:
        self.write_line(journal_line(case_id, source, record, rows))

    def write_line(self, line: str) -> None:
        """Append one entry made by ``journal_line`` (workers make theirs)."""
        self.file.write(line + "\n")
        self.file.flush()

    def close(self, remove: bool = False) -> None:
        self.file.close()
        if remove:
            self.path.unlink(missing_ok=True)


def journal_line(
    case_id: str, source: str, record: dict, rows: list, columns: list[str] | None = None
) -> str:
    """One journal entry. Rows are stored as lists of values under their ``columns``
    (half the JSON of dicts); ``columns`` may be given when ``rows`` are already value
    tuples in that order (``RowEncoder.values``)."""
    if columns is None:
        columns = list(dict.fromkeys(k for r in rows for k in r))
        rows = [[r.get(c) for c in columns] for r in rows]
    return json.dumps(
        {"case_id": case_id, "source": source, "record": record, "columns": columns, "rows": rows}
    )


def journal_rows(entry: dict) -> list[dict]:
    """The rows of a journal entry, as dicts again."""
    cols = entry.get("columns")
    return entry["rows"] if cols is None else [dict(zip(cols, v)) for v in entry["rows"]]


def _remove_link(path: Path) -> None:
    """Remove a symbolic link planted at ``path`` (the file is then made afresh, here)."""
    if path.is_symlink():
        path.unlink()


def _read_journal(path: Path) -> tuple[list[dict], int]:
    """Complete entries of a journal and the byte length they fill (OSError when it is
    missing or a symbolic link: a link is never read, it could point at anything)."""
    entries, good = [], 0
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with open(fd, "rb") as f:
        for line in f:
            if not line.endswith(b"\n"):
                break
            try:
                entries.append(json.loads(line))
            except ValueError:
                break
            good += len(line)
    return entries, good


def load_done(outdir: Path, wanted: dict[str, str], stamps: dict[str, str] | None = None) -> dict[str, str]:
    """Letters already extracted into ``outdir``, for ``--resume``.

    ``wanted`` maps case_id -> source of this run's letters; a letter counts as done when
    a complete previous output (vouched for by its manifest) or the journal of an
    interrupted run has it under the same case_id and source and, when ``stamps`` (case_id
    -> ``file_stamp``) are given, the same size and modification time: a letter edited
    since is done again. Returns case_id -> JSON text of {record, rows} (JSON text keeps
    memory small on large runs).
    """
    outdir = Path(outdir)
    done: dict[str, str] = {}

    def same(cid: str, source, stamp) -> bool:
        return cid in wanted and source == wanted[cid] and (stamps is None or stamp == stamps.get(cid))

    cases_path, evidence_path = outdir / "cases.jsonl", outdir / "evidence.parquet"
    sources = _complete(outdir) if cases_path.exists() and evidence_path.exists() else None
    if sources is not None:
        import pyarrow.parquet as pq

        records = {}
        for rec in iter_jsonl(cases_path):
            cid = rec.get("case_id")
            if same(cid, rec.get("source"), sources.get(cid)):
                records[cid] = rec
        rows: dict[str, list[dict]] = {cid: [] for cid in records}
        for batch in pq.ParquetFile(evidence_path).iter_batches(batch_size=20000):
            for row in batch.to_pylist():
                if row["case_id"] in rows:
                    rows[row["case_id"]].append(row)
        for cid, rec in records.items():
            done[cid] = json.dumps({"record": rec, "rows": rows[cid]})
    try:
        entries = _read_journal(outdir / JOURNAL)[0]
    except OSError:
        entries = []
    for e in entries:
        cid = e.get("case_id")
        if same(cid, e.get("source"), e.get("stamp")):
            done[cid] = json.dumps({"record": e["record"], "rows": journal_rows(e)})
    return done


def started_line(case_id: str) -> str:
    """A journal entry written before a letter is processed in the run's own process (no
    worker to die in its place): one never finished tells ``--resume`` that it was on it."""
    return json.dumps({"started": case_id})


def crashed(outdir: Path, times: int = 2) -> set[str]:
    """Letters that ``times`` runs started in their own process and never finished: each
    such run ended on it (a crash, the OOM killer), so a resume reports it, not retries it."""
    try:
        entries = _read_journal(Path(outdir) / JOURNAL)[0]
    except OSError:
        return set()
    started: dict[str, int] = {}
    finished = set()
    for e in entries:
        if "started" in e:
            started[e["started"]] = started.get(e["started"], 0) + 1
        elif "case_id" in e:
            finished.add(e["case_id"])
    return {cid for cid, n in started.items() if n >= times and cid not in finished}


def file_stamp(path) -> str | None:
    """Size and modification time of a letter file: what ``--resume`` compares."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}"


def stamped(line: str, stamp: str | None) -> str:
    """A journal entry (``journal_line``) with the letter's ``file_stamp`` added."""
    return line[:-1] + ', "stamp": ' + json.dumps(stamp) + "}"


def _complete(outdir: Path) -> dict | None:
    """The letters' stamps of the previous outputs, or None: previous outputs are reused
    only when the manifest vouches for them (a run killed during its final renames, or two
    runs into one folder, leave a mixed set)."""
    from .manifest import MANIFEST, OutputsMismatch, check_outputs

    try:
        check_outputs(outdir, ("cases.jsonl", "evidence.parquet"))
        with open(outdir / MANIFEST, encoding="utf-8") as f:
            return json.load(f).get("sources") or {}
    except (OutputsMismatch, OSError, ValueError):
        return None


def iter_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
