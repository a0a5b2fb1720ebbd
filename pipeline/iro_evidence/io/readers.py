"""Reading letters: finding the files, naming them (case ids), and turning each into text
or a clear, per-file error (the run goes on)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError
from .pdf import _is_pdf, pdf_text

SUFFIXES = {".txt", ".pdf"}
MAX_BYTES = 50_000_000
# a letter is 5,000 to 50,000 characters; 5 M take about 40 s and 1 GB in the pipeline (spaCy
# keeps about 160 bytes per character, and time per character grows with the length), so a
# 45 MB one-line file is refused at once instead of taking minutes and gigabytes
MAX_CHARS = 5_000_000


def discover(paths: Iterable[str | Path], problems: list[dict] | None = None) -> list[Path]:
    """Letter files under the given files/folders (recursive), in a stable order."""
    return [Path(f) for f, _ in discover_labeled(paths, problems)]


# os.scandir, through a name the tests can replace (root reads every folder)
_scandir = os.scandir


def shown(path: str) -> str:
    """A path as text that can always be written (bytes that are not UTF-8 as \\xNN)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def discover_labeled(
    paths: Iterable[str | Path], problems: list[dict] | None = None
) -> list[tuple[str, tuple[str, ...]]]:
    """Letter files (as path strings) with the path parts that name them, each file once,
    in a stable order.

    A file found under a folder argument is named by the folder's name plus its path
    relative to that folder; a file given directly by its path as given. The names do not
    depend on the working directory, so case_ids are the same wherever the job runs.
    Strings, not ``Path`` objects: a run over 100,000 letters keeps this list all along.

    Nothing is left out in silence: every entry of a folder that is not read as a letter
    is appended to ``problems`` as ``{"source", "stage", "reason"}``, with stage
    ``discover`` (a folder that cannot be listed, a name that is not UTF-8, a broken link,
    a link that leaves the input folder: refused, so a planted ``/etc/shadow`` link is not
    read) or ``skipped`` (another file type, a link to a folder, the same file twice).
    Folders are walked without recursion, so any depth is fine.
    """
    found: list[tuple[str, tuple[str, ...]]] = []
    seen: dict[str, str] = {}
    problems = [] if problems is None else problems

    def problem(path: str, stage: str, reason: str) -> None:
        problems.append({"source": shown(path), "stage": stage, "reason": reason})

    def add(f: str, label: tuple[str, ...]) -> None:
        key = os.path.realpath(f)
        if key in seen:
            problem(f, "skipped", f"the same file as {shown(seen[key])} (read once)")
            return
        seen[key] = f
        found.append((f, label))

    for p in map(Path, paths):
        if p.is_dir():
            root = p.resolve().name or "root"
            files = _walk(str(p), problem)
            files.sort()
            for rel_parts, full in files:
                add(full, (root, *rel_parts))
        elif p.exists():
            if shown(str(p)) != str(p):
                problem(str(p), "discover", "the file name is not valid UTF-8; rename the file to read it")
                continue
            add(str(p), tuple(x for x in p.parts if x not in (p.anchor, "..", ".")) or (p.name,))
        elif p.is_symlink():
            problem(str(p), "discover", "broken symbolic link (its target does not exist)")
    return found


def _walk(top: str, problem) -> list[tuple[tuple[str, ...], str]]:
    """(relative parts, path) of every letter file under ``top``; the rest goes to ``problem``."""
    top_real = os.path.realpath(top)
    out: list[tuple[tuple[str, ...], str]] = []
    stack: list[tuple[str, tuple[str, ...]]] = [(top, ())]
    while stack:
        folder, parts = stack.pop()
        try:
            with _scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            problem(folder, "discover", f"cannot read folder: {e.strerror or e}")
            continue
        for e in entries:
            full = e.path
            if shown(e.name) != e.name:
                what = "folder" if e.is_dir(follow_symlinks=False) else "file"
                problem(full, "discover", f"the {what} name is not valid UTF-8; rename it to read it")
                continue
            try:
                if e.is_symlink():
                    target = os.path.realpath(full)
                    if not os.path.exists(target):
                        problem(full, "discover", "broken symbolic link (its target does not exist)")
                        continue
                    if not _inside(target, top_real):
                        problem(full, "discover", "refused: a symbolic link to outside the input folder")
                        continue
                    if os.path.isdir(target):
                        problem(full, "skipped", "a link to a folder inside the input (not followed)")
                        continue
                    is_file = os.path.isfile(target)
                elif e.is_dir(follow_symlinks=False):
                    stack.append((full, (*parts, e.name)))
                    continue
                else:
                    is_file = e.is_file(follow_symlinks=False)
            except OSError as err:
                problem(full, "discover", f"cannot read: {err.strerror or err}")
                continue
            if not is_file:
                problem(full, "skipped", "not a regular file (a pipe, socket or device)")
            elif os.path.splitext(e.name)[1].lower() not in SUFFIXES:
                problem(full, "skipped", "not a .txt or .pdf file")
            else:
                out.append(((*parts, e.name), full))
    return out


def case_ids(files: list[str | Path], labels: list[tuple[str, ...]] | None = None) -> list[str]:
    """File stems, made unique from the relative path where two files share a stem.

    ``labels`` are the path parts of each file (see ``discover_labeled``); without them the
    path as given is used. Where stems clash, the id is the shortest tail of the path
    (folders joined by ``__``, extension dropped) that tells the files apart, so
    ``letters/a.txt`` and ``letters/sub/a.txt`` become ``letters__a`` and ``sub__a``.
    """
    if labels is None:
        labels = [
            tuple(x for x in Path(f).parts if x not in (Path(f).anchor, "..", ".")) or (Path(f).name,)
            for f in files
        ]
    stripped = [(*lab[:-1], os.path.splitext(lab[-1])[0]) for lab in labels]
    stems = [os.path.splitext(os.path.basename(f))[0] for f in files]
    out = list(stems)
    groups: dict[str, list[int]] = {}
    for i, s in enumerate(stems):
        groups.setdefault(s, []).append(i)
    for members in groups.values():
        if len(members) < 2:
            continue
        longest = max(len(stripped[i]) for i in members)
        for k in range(2, longest + 1):
            tails = ["__".join(stripped[i][-k:]) for i in members]
            if len(set(tails)) == len(tails):
                break
        for i, tail in zip(members, tails):
            out[i] = tail
        if len(set(tails)) < len(tails):  # same path but for the extension: a.txt and a.pdf
            for i in members:
                out[i] = f"{out[i]}__{os.path.splitext(str(files[i]))[1].lstrip('.').lower()}"
    # whatever the layout (``a__1.txt`` beside two ``a.txt``), no id is given twice
    taken = set(out)
    used: set[str] = set()
    for i, cid in enumerate(out):
        if cid in used:
            n = 1
            while f"{cid}__{n}" in taken:
                n += 1
            out[i] = f"{cid}__{n}"
            taken.add(out[i])
        used.add(out[i])
    return out


def read_letter(path: Path, max_bytes: int = MAX_BYTES, max_chars: int = MAX_CHARS) -> str:
    """The text of a .txt or .pdf letter, or InputError with a reason a person understands.

    Evidence offsets refer to this text: call it again to slice a fact back out of a letter.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise InputError("read", f"cannot read file: {e.strerror or e}") from None
    if size > max_bytes:
        raise InputError("read", f"file too large ({size:,} bytes; the limit is {max_bytes:,}, see --max-mb)")
    if size == 0:
        raise InputError("read", "empty file (0 bytes)")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError("read", f"cannot read file: {e.strerror or e}") from None
    if path.suffix.lower() == ".pdf" or _is_pdf(data):
        text = pdf_text(data)
    else:
        text = decode_text(data)
    if len(text) > max_chars:
        raise InputError(
            "read", f"text too long ({len(text):,} characters; the limit is {max_chars:,}, see --max-chars)"
        )
    text = clean_text(text)
    if not text.strip():
        raise InputError("read", "no text (only whitespace)")
    return text


MAGIC = {
    b"PK\x03\x04": "a ZIP or Word (.docx) file, not text",
    b"\xd0\xcf\x11\xe0": "a Word (.doc) or other Office file, not text",
    b"{\\rtf": "an RTF document, not plain text",
    b"\x89PNG": "a PNG image, not text",
    b"\xff\xd8\xff": "a JPEG image, not text",
    b"GIF8": "a GIF image, not text",
    b"II*\x00": "a TIFF image, not text",
    b"MM\x00*": "a TIFF image, not text",
    b"\x1f\x8b": "a gzip archive, not text",
}


def decode_text(data: bytes) -> str:
    """Bytes to str: BOMs, UTF-16 without BOM, UTF-8, then charset detection; binary is refused.

    Detection prefers Windows-1252 among encodings that fit equally well, because the
    letters are English and charset-normalizer alone often picks cp1250 for short
    cp1252 text ("naïve" would come out as "naďve").
    """
    if not data.strip():
        raise InputError("read", "no text (only whitespace)")
    for bom, enc in (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return _check_text(data.decode(enc, errors="replace"))
    for magic, what in MAGIC.items():
        if data.startswith(magic):
            raise InputError("read", what)
    head = data[:20000]
    if head.count(b"\x00") > len(head) // 8:
        # UTF-16 without a BOM puts a NUL beside every ASCII character
        odd, even = head[1::2].count(b"\x00"), head[0::2].count(b"\x00")
        enc = "utf-16-le" if odd > even else "utf-16-be"
        cand = data[: len(data) // 2 * 2].decode(enc, errors="replace")
        if _printable_ratio(cand) > 0.95:
            return cand
        raise InputError("read", "binary file, not text (many NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _detect(data)
    return _check_text(text)


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes

    results = list(from_bytes(data))
    close = [r for r in results if r.chaos <= results[0].chaos + 0.02] if results else []
    for r in close:
        if "cp1252" in r.could_be_from_charset:
            # decode as cp1252 itself: a result may list cp1252 among the encodings it could
            # be while being another decoding (16 ASCII bytes read as UTF-16 are Chinese)
            try:
                return data.decode("cp1252")
            except UnicodeDecodeError:
                return str(r)
    # mostly ASCII with a few accents: an English letter saved on Windows; with so few
    # accented bytes detection has little to go on (it may say Cyrillic or Chinese)
    if len(data.translate(None, bytes(range(128)))) <= 0.1 * len(data):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    for r in close:
        if r.encoding.startswith("cp125"):
            return str(r)
    if not results:
        raise InputError("read", "binary file, not text (no text encoding fits)")
    return str(results[0])


def _check_text(text: str) -> str:
    if _printable_ratio(text) < 0.9:
        raise InputError("read", "binary file, not text (too many control characters)")
    return text


def _printable_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    return 1 - len(UNPRINTABLE.findall(sample)) / len(sample)


# control characters other than tab, line feed, form feed and carriage return; U+FFFD
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Keep offsets meaningful: control characters become spaces (same length), CRLF stays."""
    return CONTROL.sub(" ", text)
