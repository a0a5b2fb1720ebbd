"""Reading letters and writing tables.

Readers turn each input file into text or a clear, per-file error (the run goes on).
Writers stream rows to temporary files and rename them into place only when the run is
complete, so an interrupted run never leaves a half-written table.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

SUFFIXES = {".txt", ".pdf"}
MAX_BYTES = 50_000_000
CSV_RISKY = ("=", "+", "-", "@", "\t", "\r")


class InputError(Exception):
    """A file that cannot be read as a letter; ``stage`` says where it failed."""

    def __init__(self, stage: str, reason: str):
        super().__init__(reason)
        self.stage = stage
        self.reason = reason


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Letter files under the given files/folders (recursive), in a stable order."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES))
        elif p.exists():
            found.append(p)
    return found


def case_ids(files: list[Path]) -> list[str]:
    """File stems, made unique from the path where two files share a stem."""
    counts = Counter(f.stem for f in files)  # list.count per file was O(n^2) on 100k files
    dup = {s for s, n in counts.items() if n > 1}
    out = []
    for f in files:
        if f.stem in dup:
            parts = [p for p in f.with_suffix("").parts if p not in ("/", "..", ".")]
            out.append("__".join(parts[-3:]))
        else:
            out.append(f.stem)
    seen: dict[str, int] = {}
    for i, cid in enumerate(out):
        if cid in seen:
            seen[cid] += 1
            out[i] = f"{cid}__{seen[cid]}"
        else:
            seen[cid] = 0
    return out


def read_letter(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """The text of a .txt or .pdf letter, or InputError with a reason a person understands."""
    try:
        size = path.stat().st_size
    except OSError as e:
        raise InputError("read", f"cannot read file: {e.strerror or e}") from None
    if size > max_bytes:
        raise InputError("read", f"file too large ({size:,} bytes; limit {max_bytes:,})")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError("read", f"cannot read file: {e.strerror or e}") from None
    if path.suffix.lower() == ".pdf":
        text = pdf_text(data)
    else:
        text = decode_text(data)
    text = clean_text(text)
    if not text.strip():
        raise InputError("read", "empty file (no text)")
    return text


def decode_text(data: bytes) -> str:
    """Bytes to str: BOMs, UTF-8, UTF-16, then charset detection; binary is refused."""
    if not data.strip():
        raise InputError("read", "empty file (no text)")
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    if data.startswith(b"%PDF"):
        raise InputError("read", "a PDF file with a .txt name")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None:
        if data.count(b"\x00") > len(data) // 4:
            for enc in ("utf-16-le", "utf-16-be"):
                try:
                    cand = data.decode(enc)
                except UnicodeDecodeError:
                    continue
                if _printable_ratio(cand) > 0.95:
                    return cand
            raise InputError("read", "binary file, not text")
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise InputError("read", "binary file, not text (no text encoding fits)")
        text = str(best)
    if _printable_ratio(text) < 0.9:
        raise InputError("read", "binary file, not text (too many control characters)")
    return text


def _printable_ratio(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for c in text[:20000] if (ord(c) < 32 and c not in "\n\r\t\f") or c == "\ufffd")
    return 1 - bad / min(len(text), 20000)


CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Keep offsets meaningful: control characters become spaces (same length), CRLF stays."""
    return CONTROL.sub(" ", text)


def pdf_text(data: bytes) -> str:
    """Text layer of a PDF, pages joined by form feeds."""
    import io as _io
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if not data.startswith(b"%PDF"):
        raise InputError("pdf", "not a PDF file (no %PDF header)")
    try:
        reader = PdfReader(_io.BytesIO(data))
        pages = [p.extract_text() or "" for p in reader.pages]
    except Exception as e:  # pypdf raises many kinds on broken files
        raise InputError("pdf", f"broken or truncated PDF ({type(e).__name__})") from None
    text = "\f".join(pages)
    if not text.strip():
        raise InputError("pdf", "no text layer (scanned?)")
    return text


# -- writers ----------------------------------------------------------------------------


def csv_safe(value):
    """Neutralise spreadsheet formulas (OWASP CSV injection): prefix a quote."""
    if isinstance(value, str) and value.startswith(CSV_RISKY):
        return "'" + value
    return value


def _cell(value):
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


class TableWriter:
    """Streams dict rows to CSV (and optionally JSONL and Parquet) under temporary names.

    ``commit()`` renames everything into place; ``abort()`` removes the temporary files.
    """

    def __init__(
        self,
        outdir: Path,
        name: str,
        columns: list[str],
        schema=None,
        jsonl: bool = False,
        parquet: bool = True,
        row_group: int = 5000,
    ):
        self.outdir, self.name, self.columns = Path(outdir), name, columns
        self.outdir.mkdir(parents=True, exist_ok=True)
        self.schema = schema
        self.row_group = row_group
        self.pending: list[dict] = []
        self.files: list[Path] = []
        self.csv_path = self._tmp(f"{name}.csv")
        self.csv_file = open(self.csv_path, "w", newline="", encoding="utf-8")
        self.csv = csv.writer(self.csv_file)
        self.csv.writerow(columns)
        self.jsonl = None
        if jsonl:
            self.jsonl_path = self._tmp(f"{name}.jsonl")
            self.jsonl = open(self.jsonl_path, "w", encoding="utf-8")
        self.parquet = None
        if parquet:
            import pyarrow.parquet as pq

            self.parquet_path = self._tmp(f"{name}.parquet")
            self.parquet = pq.ParquetWriter(self.parquet_path, schema)

    def _tmp(self, fname: str) -> Path:
        final = self.outdir / fname
        tmp = self.outdir / f".{fname}.partial"
        self.files.append((tmp, final))
        return tmp

    def write(self, row: dict) -> None:
        self.csv.writerow([csv_safe(_cell(row.get(c))) for c in self.columns])
        if self.jsonl:
            self.jsonl.write(json.dumps({c: row.get(c) for c in self.columns}, ensure_ascii=False) + "\n")
        if self.parquet is not None:
            self.pending.append(row)
            if len(self.pending) >= self.row_group:
                self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self.pending:
            table = pa.Table.from_pylist(
                [{c: r.get(c) for c in self.columns} for r in self.pending], schema=self.schema
            )
            self.parquet.write_table(table)
            self.pending = []

    def commit(self) -> None:
        if self.parquet is not None:
            self._flush()
            self.parquet.close()
        self.csv_file.close()
        if self.jsonl:
            self.jsonl.close()
        for tmp, final in self.files:
            os.replace(tmp, final)

    def abort(self) -> None:
        for f in (self.csv_file, self.jsonl):
            if f:
                f.close()
        if self.parquet is not None:
            try:
                self.parquet.close()
            except Exception:
                pass
        for tmp, _ in self.files:
            tmp.unlink(missing_ok=True)


def iter_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
