"""The manifest: written last, it lists every table of a run with its size and SHA-256, so a
reader can tell a complete set of outputs from a mixed or half-replaced one."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

MANIFEST = "manifest.json"


class OutputsMismatch(Exception):
    """The tables in a folder are not the complete set one run wrote."""


def file_digest(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


def manifest_text(files: dict[str, Path], sources: dict[str, str | None] | None = None) -> str:
    """The manifest of ``files`` (final name -> the file now holding its bytes); ``sources``
    (case_id -> size:mtime of its letter) let ``--resume`` notice an edited letter."""
    entries = {}
    for name, path in sorted(files.items()):
        size, digest = file_digest(path)
        entries[name] = {"bytes": size, "sha256": digest}
    head = json.dumps({"format": 1, "files": entries}, indent=1, sort_keys=True)
    # one line for the letters' stamps, however many
    return head[:-2] + ',\n "sources": ' + json.dumps(sources or {}, sort_keys=True) + "\n}\n"


def check_outputs(outdir: Path, needed: tuple[str, ...] = ()) -> None:
    """Raise ``OutputsMismatch`` unless ``outdir`` holds a manifest whose every file (and each
    of ``needed``) is there with the recorded size and checksum."""
    outdir = Path(outdir)
    try:
        fd = os.open(outdir / MANIFEST, os.O_RDONLY | os.O_NOFOLLOW)
        with open(fd, encoding="utf-8") as f:
            files = json.load(f)["files"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise OutputsMismatch(f"no valid {MANIFEST} in {outdir} ({type(e).__name__})") from None
    for name in needed:
        if name not in files:
            raise OutputsMismatch(f"{name} is not listed in {outdir / MANIFEST}")
    for name, want in files.items():
        path = outdir / name
        try:
            got = file_digest(path)
        except OSError:
            raise OutputsMismatch(f"{path} is missing") from None
        if got != (want.get("bytes"), want.get("sha256")):
            raise OutputsMismatch(f"{path} is not the file this run wrote (another run, or an edit?)")
