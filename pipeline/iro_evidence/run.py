"""What makes an output folder trustworthy: one run at a time owns it (a lock), its tables
appear together (renamed from a private temporary folder, ``manifest.json`` last), and
``run.json`` says what made them (version, rules, inputs, counts, timing, null shares)."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from .io import MANIFEST, TMP_PREFIX, manifest_text, private_tmpdir, shown
from .io.writers import _fsync
from .table import CASE_FIELDS

LOCK = ".iro-evidence.lock"
RUN_JSON = "run.json"


class OutputBusy(Exception):
    """Another run holds the output folder."""


class OutputFolder:
    """The output folder, held for one run: ``with OutputFolder(out) as f: ... f.commit(...)``.

    Entering takes an exclusive lock on ``OUT/.iro-evidence.lock`` (``OutputBusy`` at once
    if another run has it), removes temporary folders a killed run left, and makes a
    private temporary folder for this run's files. Leaving removes that folder, whatever
    happened (a full disk too), and frees the lock.
    """

    def __init__(self, outdir: Path):
        self.outdir = Path(outdir)
        self.fd: int | None = None
        self.tmpdir: Path | None = None

    def __enter__(self) -> OutputFolder:
        self.outdir.mkdir(parents=True, exist_ok=True)
        self._lock()
        try:
            for old in self.outdir.glob(TMP_PREFIX + "*"):  # left by a killed run: ours now
                if old.is_dir() and not old.is_symlink():
                    shutil.rmtree(old, ignore_errors=True)
            self.tmpdir = private_tmpdir(self.outdir)
        except BaseException:
            self._unlock()
            raise
        return self

    def _lock(self) -> None:
        path = self.outdir / LOCK
        if path.is_symlink():
            path.unlink()
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            import fcntl
        except ImportError:  # no flock (Windows): no lock
            return
        try:
            # a POSIX record lock, not flock: it belongs to this process alone, so forked
            # workers never hold it, and it goes when the process dies (kill -9 too)
            fcntl.lockf(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(self.fd, 64).decode("ascii", "replace").strip()
            os.close(self.fd)
            self.fd = None
            who = f" (pid {holder})" if holder.isdigit() else ""
            raise OutputBusy(
                f"{self.outdir} is in use by another iro-evidence run{who}; "
                "wait for it to finish or choose another -o folder"
            ) from None
        os.ftruncate(self.fd, 0)
        os.write(self.fd, f"{os.getpid()}\n".encode())

    def _unlock(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # frees the lock; the empty lock file stays (harmless)
            self.fd = None

    def __exit__(self, *exc) -> bool:
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        self._unlock()
        return False

    def commit(self, writers, run_json: str, sources: dict | None = None) -> None:
        """Put the finished tables in place: the old manifest goes first (a kill during the
        renames leaves no manifest, so nobody takes a mixed set for a run's outputs),
        then every table, ``run.json``, and the new manifest last."""
        files: dict[str, Path] = {}
        for w in writers:
            for tmp, final in w.files:
                files[final.name] = tmp
        manifest = self.tmpdir / MANIFEST
        manifest.write_text(manifest_text(files, sources), encoding="utf-8")
        (self.tmpdir / RUN_JSON).write_text(run_json, encoding="utf-8")
        for tmp in (*files.values(), manifest, self.tmpdir / RUN_JSON):
            _fsync(tmp)
        old = self.outdir / MANIFEST
        if old.exists() or old.is_symlink():
            old.unlink()
            _fsync(self.outdir)
        for name, tmp in files.items():
            os.replace(tmp, self.outdir / name)
        os.replace(self.tmpdir / RUN_JSON, self.outdir / RUN_JSON)
        _fsync(self.outdir)
        os.replace(manifest, self.outdir / MANIFEST)
        _fsync(self.outdir)


def check_free(outdir: Path) -> None:
    """``OutputBusy`` now if another run holds ``outdir`` (before a slow pipeline load)."""
    outdir = Path(outdir)
    if (outdir / LOCK).is_file() and not (outdir / LOCK).is_symlink():
        folder = OutputFolder(outdir)
        folder._lock()
        folder._unlock()


def rules_hash(nlp) -> str:
    """SHA-256 of the pipeline's config and of the packaged rules (patterns/*.json[l])."""
    from importlib import resources

    h = hashlib.sha256()
    try:
        h.update(nlp.config.to_str().encode("utf-8"))
    except Exception:
        h.update(repr(getattr(nlp, "pipe_names", "")).encode())
    patterns = resources.files("iro_evidence").joinpath("patterns")
    for p in sorted(patterns.iterdir(), key=lambda p: p.name):
        if p.name.endswith((".json", ".jsonl")):
            h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


class RunInfo:
    """Collects what ``run.json`` says about a run, as the run goes."""

    def __init__(self, nlp, paths, **options):
        self.t0 = time.perf_counter()
        self.started = _now()
        self.options = options
        self.inputs = [shown(str(p)) for p in paths]
        self.nlp = nlp
        self.records = 0
        self.found = 0
        self.empty: Counter[str] = Counter()

    def count_record(self, rec: dict) -> None:
        self.records += 1
        for f in CASE_FIELDS[1:]:
            if rec.get(f) in (None, "", [], {}):
                self.empty[f] += 1

    def finish(self, summary) -> str:
        try:
            import spacy

            spacy_version = spacy.__version__
        except ImportError:  # pragma: no cover
            spacy_version = None
        from . import __version__

        n = self.records
        info = {
            "iro_evidence_version": __version__,
            "rules_sha256": rules_hash(self.nlp),
            "python": platform.python_version(),
            "spacy": spacy_version,
            "platform": sys.platform,
            "inputs": self.inputs,
            "options": self.options,
            "counts": {
                "letters_found": self.found,
                "extracted": summary.letters + summary.resumed,
                "extracted_now": summary.letters,
                "resumed": summary.resumed,
                "errors": summary.errors,
                "skipped": summary.skipped,
                "facts": summary.facts,
                "chars_read": summary.chars,
            },
            "timing": {"started": self.started, "finished": _now(), "seconds": round(summary.seconds, 3)},
            # share of the case records with each field null (or an empty list)
            "null_share": {f: round(self.empty[f] / n, 4) if n else None for f in CASE_FIELDS[1:]},
        }
        return json.dumps(info, indent=1) + "\n"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
