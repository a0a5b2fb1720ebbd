"""Reading letters and writing tables.

Readers turn each input file into text or a clear, per-file error (the run goes on).
Writers stream rows to temporary files and rename them into place only when the run is
complete, so an interrupted run never leaves a half-written table.
"""

from __future__ import annotations

import csv
import json
import operator
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from io import StringIO
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
    return [Path(f) for f, _ in discover_labeled(paths)]


def discover_labeled(paths: Iterable[str | Path]) -> list[tuple[str, tuple[str, ...]]]:
    """Letter files (as path strings) with the path parts that name them, each file once,
    in a stable order.

    A file found under a folder argument is named by the folder's name plus its path
    relative to that folder; a file given directly by its path as given. The names do not
    depend on the working directory, so case_ids are the same wherever the job runs.
    Strings, not ``Path`` objects: a run over 100,000 letters keeps this list all along.
    """
    found: list[tuple[str, tuple[str, ...]]] = []
    seen: set[str] = set()

    def add(f: str, label: tuple[str, ...]) -> None:
        key = os.path.realpath(f)
        if key not in seen:
            seen.add(key)
            found.append((f, label))

    for p in map(Path, paths):
        if p.is_dir():
            root = p.resolve().name or "root"
            files = []
            for folder, dirs, names in os.walk(p):
                dirs.sort()
                rel = os.path.relpath(folder, p)
                parts = () if rel == "." else tuple(Path(rel).parts)
                for name in names:
                    full = os.path.join(folder, name)
                    if os.path.splitext(name)[1].lower() in SUFFIXES and os.path.isfile(full):
                        files.append(((*parts, name), full))
            files.sort()
            for rel_parts, full in files:
                add(full, (root, *rel_parts))
        elif p.exists():
            add(str(p), tuple(x for x in p.parts if x not in (p.anchor, "..", ".")) or (p.name,))
    return found


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
    seen: dict[str, int] = {}
    for i, cid in enumerate(out):
        if cid in seen:
            seen[cid] += 1
            out[i] = f"{cid}__{seen[cid]}"
        else:
            seen[cid] = 0
    return out


def read_letter(path: Path, max_bytes: int = MAX_BYTES) -> str:
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


def _is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


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


def pdf_text(data: bytes) -> str:
    """Text layer of a PDF: page headers/footers removed, line-end hyphens joined."""
    import io as _io
    import logging
    import warnings

    from pypdf import PdfReader

    if not _is_pdf(data):
        raise InputError("pdf", "not a PDF file (no %PDF header)")
    if b"%%EOF" not in data[-2048:]:
        raise InputError("pdf", "truncated PDF (the end of the file is missing)")
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(_io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except Exception:
                    ok = 0
                if not ok:
                    raise InputError("pdf", "encrypted PDF (needs a password)")
            pages = [p.extract_text() or "" for p in reader.pages]
        except InputError:
            raise
        except Exception as e:  # pypdf raises many kinds on broken files
            raise InputError("pdf", f"broken PDF, cannot be parsed ({type(e).__name__})") from None
    if not pages:
        raise InputError("pdf", "PDF has no pages")
    if not "".join(pages).strip():
        raise InputError("pdf", "no text layer (scanned?)")
    return dehyphenate(join_pages(strip_headers_footers(pages)))


PAGE_NUMBER = re.compile(
    r"(?i)^\s*(?:-\s*)?page\s+\d+(?:\s*(?:of|/)\s*\d+)?(?:\s*-)?\s*$|^\s*\d+\s+of\s+\d+\s*$"
)


def _line_key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split())).lower()


def strip_headers_footers(pages: list[str], zone: int = 3) -> list[str]:
    """Drop lines repeated at the same place at the top or bottom of most pages (digits may
    differ, so "Page 2 of 7" counts as a repeat).

    Trailing spaces of every line go too (PDF text layers are full of them).

    A repeated header is kept on the first page (it may carry the case number or date);
    repeated footers are dropped everywhere, since they would cut a sentence in two.
    """
    split = []
    for page in pages:  # "Page 2 of 7" as the first or last line goes even when not repeated
        lines = [ln.rstrip() for ln in page.split("\n")]
        idx = [i for i, ln in enumerate(lines) if ln]
        edges = {i for i in idx[:1] + idx[-1:] if PAGE_NUMBER.match(lines[i])}
        split.append([ln for i, ln in enumerate(lines) if i not in edges])
    if len(pages) < 2:
        return ["\n".join(lines) for lines in split]
    top: Counter[tuple[int, str]] = Counter()
    bottom: Counter[tuple[int, str]] = Counter()
    for lines in split:
        full = [ln for ln in lines if ln]
        top.update({(i, _line_key(ln)) for i, ln in enumerate(full[:zone])})
        bottom.update({(i, _line_key(ln)) for i, ln in enumerate(full[::-1][:zone])})
    need = max(2, -(-len(pages) * 3 // 5))
    heads = {k for k, c in top.items() if c >= need}
    foots = {k for k, c in bottom.items() if c >= need}
    out = []
    for n, lines in enumerate(split):
        idx = [i for i, ln in enumerate(lines) if ln]
        drop = set()
        for edge, keys in ((idx, heads if n > 0 else set()), (idx[::-1], foots)):
            for p, i in enumerate(edge[:zone]):  # only lines touching the edge of the page
                if (p, _line_key(lines[i])) not in keys:
                    break
                drop.add(i)
        if len(drop) == len(idx):  # a page that is all "header" is text after all
            drop = set()
        out.append("\n".join(ln for i, ln in enumerate(lines) if i not in drop))
    return out


def join_pages(pages: list[str]) -> str:
    """Pages joined by a newline, so a sentence running over a page break stays whole; a
    blank line at the end or start of a page (a paragraph break) is kept."""
    out, blank_end = "", False
    for page in pages:
        body = page.strip("\n")
        if not body.strip():
            continue
        if out:
            out += "\n\n" if blank_end or page.startswith("\n") else "\n"
        out += body
        blank_end = page.endswith("\n\n")
    return out


HYPHEN_BREAK = re.compile(r"\b([A-Za-z]+)-[ \t]*\n[ \t]*([a-z]+)")


def dehyphenate(text: str) -> str:
    """Join words split at a line end ("electro-\nmyography" -> "electromyography").

    A compound written with its hyphen elsewhere in the letter keeps it ("non-surgical").
    """
    words = {w.lower() for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)+", text)}

    def join(m: re.Match) -> str:
        a, b = m.group(1), m.group(2)
        return f"{a}-{b}" if f"{a}-{b}".lower() in words else a + b

    return HYPHEN_BREAK.sub(join, text)


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


# a row group is written once its rows hold this much (or ``row_group`` rows), so memory
# stays the same whatever the corpus size and however wide the rows
ROW_GROUP_BYTES = 8 * 1024 * 1024


class RowEncoder:
    """The CSV (and JSONL) text and the Arrow batch of a table's rows.

    Kept apart from the writer so that ``extract --n-process`` workers encode their own
    rows and the parent only appends text: the same code, so the same bytes either way.
    Each encoding starts from ``values(rows)`` (a tuple of cells per row, in column order,
    one C call per row), which callers may compute once and pass to all three.
    """

    def __init__(self, columns: list[str], schema=None, jsonl: bool = False):
        self.columns = columns
        self.jsonl = jsonl
        self.schema = schema
        # one C call fetches a row's cells (itemgetter of one key returns the value alone)
        self._cells = operator.itemgetter(*columns) if len(columns) > 1 else lambda r: (r[columns[0]],)
        # ints in float columns are written as floats, as Parquet stores them, so a row
        # read back from Parquet (--resume) prints the same in CSV
        self.floats = {f.name for f in schema if str(f.type) in ("double", "float")} if schema else set()
        self._float_idx = [i for i, c in enumerate(columns) if c in self.floats]

    def values(self, rows: list[dict]) -> list[tuple]:
        """Each row's cells in column order (a missing column is None)."""
        try:
            return list(map(self._cells, rows))
        except KeyError:  # rows without some columns
            return [tuple(r.get(c) for c in self.columns) for r in rows]

    def batch(self, rows: list[dict], schema=None, values: list[tuple] | None = None):
        """``rows`` as an Arrow record batch of ``schema`` (missing columns are null),
        built column by column from ``values``."""
        import pyarrow as pa

        schema = schema or self.schema
        vals = self.values(rows) if values is None else values
        if not vals:
            return pa.RecordBatch.from_pylist([], schema=schema)
        cols = list(zip(*vals))
        by_name = dict(zip(self.columns, cols))
        none = (None,) * len(vals)
        return pa.RecordBatch.from_arrays(
            [pa.array(by_name.get(f.name, none), type=f.type) for f in schema], schema=schema
        )

    def encode(self, rows: list[dict], values: list[tuple] | None = None) -> tuple[str, str]:
        """(CSV lines, JSONL lines) of ``rows``; the JSONL text is empty without ``jsonl``."""
        vals = self.values(rows) if values is None else values
        buf = StringIO()
        csv.writer(buf).writerows(map(self._csv_cells, vals))
        text = buf.getvalue()
        lines = ""
        if self.jsonl:
            lines = "".join(json.dumps(dict(zip(self.columns, v)), ensure_ascii=False) + "\n" for v in vals)
        return text, lines

    def _csv_cells(self, cells: tuple) -> list:
        """The CSV cells of a row's values: floats as floats, lists/dicts as JSON, formulas
        neutralised (``csv_safe``). Inlined, as it runs for every cell of every row."""
        cells = list(cells)
        for i, v in enumerate(cells):
            t = v.__class__
            if v is None or t is bool or t is float:
                continue
            if t is str:
                if v.startswith(CSV_RISKY):
                    cells[i] = "'" + v
            elif t is int:
                if self.columns[i] in self.floats:
                    cells[i] = float(v)
            else:  # lists, dicts and anything less plain: the general path
                if isinstance(v, int) and not isinstance(v, bool) and self.columns[i] in self.floats:
                    v = float(v)
                cells[i] = csv_safe(_cell(v))
        return cells


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
        row_group: int = 20000,
    ):
        self.outdir, self.name, self.columns = Path(outdir), name, columns
        self.encoder = RowEncoder(columns, schema, jsonl)
        self.outdir.mkdir(parents=True, exist_ok=True)
        self.schema = schema
        self.row_group = row_group
        self.pending: list[dict] = []  # dict rows, turned into Arrow batches every 1,000
        self.batches: list = []
        self.batched = self.batch_bytes = 0
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
        self.write_many([row])

    def write_many(self, rows: list[dict], encoded: tuple[str, str] | None = None, batch=None) -> None:
        """Append ``rows``; ``encoded`` is their ``RowEncoder.encode`` text and ``batch``
        their Arrow record batch (``RowEncoder.batch``), when a worker made them already."""
        csv_text, lines = encoded if encoded is not None else self.encoder.encode(rows)
        self.csv_file.write(csv_text)
        if self.jsonl:
            self.jsonl.write(lines)
        if self.parquet is None:
            return
        if batch is not None:
            self._flush(final=False, force=True)  # rows before it keep their place
            self._add_batch(batch)
            self._flush(final=False)
            return
        self.pending.extend(rows)
        if len(self.pending) >= 1000:
            self._flush(final=False)

    def _add_batch(self, batch) -> None:
        self.batches.append(batch)
        self.batched += batch.num_rows
        self.batch_bytes += batch.nbytes

    def _flush(self, final: bool = True, force: bool = False) -> None:
        """Pending dict rows become a compact Arrow batch; a row group is written once the
        batches reach ``row_group`` rows or ``ROW_GROUP_BYTES`` (or at the end). Row groups
        stay large, as the writer keeps every row group's metadata until the file is closed."""
        import pyarrow as pa

        if self.pending:
            self._add_batch(self.encoder.batch(self.pending, self.schema))
            self.pending = []
        if force:
            return
        if self.batches and (final or self.batched >= self.row_group or self.batch_bytes >= ROW_GROUP_BYTES):
            self.parquet.write_table(pa.Table.from_batches(self.batches, schema=self.schema))
            self.batches, self.batched, self.batch_bytes = [], 0, 0

    def commit(self) -> None:
        """Close, flush to disk and rename every temporary file to its final name."""
        self.close()
        for tmp, final in self.files:
            _fsync(tmp)
            os.replace(tmp, final)
        _fsync(self.outdir)

    def close(self) -> None:
        """Finish the temporary files without renaming them (``commit`` does both)."""
        if self.parquet is not None:
            self._flush()
            self.parquet.close()
        self.csv_file.close()
        if self.jsonl:
            self.jsonl.close()

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


def _fsync(path: Path) -> None:
    """Make a finished file (or a folder's renames) durable before we rely on it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot fsync a folder
        pass
    finally:
        os.close(fd)


# -- resume -----------------------------------------------------------------------------

JOURNAL = ".iro-evidence.journal.jsonl"


class Journal:
    """One JSON line per finished letter, flushed as it is written, so ``--resume`` can
    pick up after a Ctrl-C or a kill. Removed when the run completes."""

    def __init__(self, outdir: Path, keep: bool = False):
        self.path = Path(outdir) / JOURNAL
        Path(outdir).mkdir(parents=True, exist_ok=True)
        if keep and self.path.exists():
            _, good = _read_journal(self.path)
            with open(self.path, "r+b") as f:  # drop a line cut short by a kill
                f.truncate(good)
            self.file = open(self.path, "a", encoding="utf-8")
        else:
            self.file = open(self.path, "w", encoding="utf-8")

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


def _read_journal(path: Path) -> tuple[list[dict], int]:
    """Complete entries of a journal and the byte length they fill."""
    entries, good = [], 0
    with open(path, "rb") as f:
        for line in f:
            if not line.endswith(b"\n"):
                break
            try:
                entries.append(json.loads(line))
            except ValueError:
                break
            good += len(line)
    return entries, good


def load_done(outdir: Path, wanted: dict[str, str]) -> dict[str, str]:
    """Letters already extracted into ``outdir``, for ``--resume``.

    ``wanted`` maps case_id -> source of this run's letters; a letter counts as done when
    a complete previous output or the journal of an interrupted run has it under the
    same case_id and source. Returns case_id -> JSON text of {record, rows} (JSON text
    keeps memory small on large runs).
    """
    outdir = Path(outdir)
    done: dict[str, str] = {}
    cases_path, evidence_path = outdir / "cases.jsonl", outdir / "evidence.parquet"
    if cases_path.exists() and evidence_path.exists():
        import pyarrow.parquet as pq

        records = {}
        for rec in iter_jsonl(cases_path):
            cid = rec.get("case_id")
            if cid in wanted and rec.get("source") == wanted[cid]:
                records[cid] = rec
        rows: dict[str, list[dict]] = {cid: [] for cid in records}
        for batch in pq.ParquetFile(evidence_path).iter_batches(batch_size=20000):
            for row in batch.to_pylist():
                if row["case_id"] in rows:
                    rows[row["case_id"]].append(row)
        for cid, rec in records.items():
            done[cid] = json.dumps({"record": rec, "rows": rows[cid]})
    journal = outdir / JOURNAL
    if journal.exists():
        for e in _read_journal(journal)[0]:
            cid = e.get("case_id")
            if cid in wanted and e.get("source") == wanted[cid]:
                done[cid] = json.dumps({"record": e["record"], "rows": journal_rows(e)})
    return done


def iter_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
