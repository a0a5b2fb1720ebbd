"""Writing tables: rows streamed to temporary files, renamed into place only when the run
is complete, so an interrupted run never leaves a half-written table."""

from __future__ import annotations

import csv
import json
import operator
import os
import shutil
import tempfile
from io import StringIO
from pathlib import Path

CSV_RISKY = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """Neutralise spreadsheet formulas (OWASP CSV injection): prefix a quote."""
    if isinstance(value, str) and value.startswith(CSV_RISKY):
        return "'" + value
    return value


def _cell(value):
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


# rows per Parquet row group: fixed, so a table's bytes never depend on how its rows arrived
# (one process, several, or a resumed run); 20,000 evidence rows are about 10 MB of memory
ROW_GROUP = 20000


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

    The temporary files live in a private folder inside ``outdir`` (``tmpdir``, made with
    ``mkdtemp``: mode 0700, a fresh name), so a symbolic link planted in ``outdir`` can
    never redirect a write. ``commit()`` renames everything into place; ``abort()``
    removes the temporary files. Several writers may share one ``tmpdir`` (their owner
    then removes it).
    """

    def __init__(
        self,
        outdir: Path,
        name: str,
        columns: list[str],
        schema=None,
        jsonl: bool = False,
        parquet: bool = True,
        row_group: int = ROW_GROUP,
        tmpdir: Path | None = None,
    ):
        self.outdir, self.name, self.columns = Path(outdir), name, columns
        self.encoder = RowEncoder(columns, schema, jsonl)
        self.outdir.mkdir(parents=True, exist_ok=True)
        self.own_tmp = tmpdir is None
        self.tmpdir = Path(tmpdir) if tmpdir is not None else private_tmpdir(self.outdir)
        self.schema = schema
        self.row_group = row_group
        self.pending: list[tuple] = []  # rows' cell values, turned into Arrow batches every 1,000
        self.batches: list = []
        self.batched = 0
        self.files: list[tuple[Path, Path]] = []
        self.csv_file = self.jsonl = self.parquet = None
        try:
            self.csv_path = self._tmp(f"{name}.csv")
            self.csv_file = open(self.csv_path, "x", newline="", encoding="utf-8")
            self.csv = csv.writer(self.csv_file)
            self.csv.writerow(columns)
            if jsonl:
                self.jsonl_path = self._tmp(f"{name}.jsonl")
                self.jsonl = open(self.jsonl_path, "x", encoding="utf-8")
            if parquet:
                import pyarrow.parquet as pq

                self.parquet_path = self._tmp(f"{name}.parquet")
                self.parquet = pq.ParquetWriter(self.parquet_path, schema)
        except BaseException:
            self.abort()
            raise

    def _tmp(self, fname: str) -> Path:
        tmp = self.tmpdir / fname
        self.files.append((tmp, self.outdir / fname))
        return tmp

    def write(self, row: dict) -> None:
        self.write_many([row])

    def write_many(
        self, rows: list[dict], encoded: tuple[str, str] | None = None, batch=None, values: list | None = None
    ) -> None:
        """Append ``rows``; ``encoded`` is their ``RowEncoder.encode`` text, ``values`` their
        cells (``RowEncoder.values``) and ``batch`` their Arrow record batch
        (``RowEncoder.batch``), when a worker made them already (``rows`` may then be empty)."""
        if values is None:
            values = self.encoder.values(rows)
        csv_text, lines = encoded if encoded is not None else self.encoder.encode(rows, values)
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
        self.pending.extend(values)
        if len(self.pending) >= 1000:
            self._flush(final=False)

    def _add_batch(self, batch) -> None:
        if batch.num_rows:
            self.batches.append(batch)
            self.batched += batch.num_rows

    def _flush(self, final: bool = True, force: bool = False) -> None:
        """Pending rows (their cell values) become a compact Arrow batch; every ``row_group`` rows make one
        row group, cut at exactly that many rows (the rest waits), whatever the batches."""
        import pyarrow as pa

        if self.pending:
            self._add_batch(self.encoder.batch([], self.schema, self.pending))
            self.pending = []
        if force or not self.batches or (self.batched < self.row_group and not final):
            return
        table = pa.Table.from_batches(self.batches, schema=self.schema)
        start = 0
        while table.num_rows - start >= self.row_group or (final and start < table.num_rows):
            part = table.slice(start, self.row_group).combine_chunks()
            self.parquet.write_table(part, row_group_size=self.row_group)
            start += part.num_rows
        rest = table.slice(start)
        self.batches = rest.combine_chunks().to_batches() if rest.num_rows else []
        self.batched = rest.num_rows

    def commit(self) -> None:
        """Close, flush to disk and rename every temporary file to its final name."""
        self.close()
        for tmp, final in self.files:
            _fsync(tmp)
            os.replace(tmp, final)
        _fsync(self.outdir)
        if self.own_tmp:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def close(self) -> None:
        """Finish the temporary files without renaming them (``commit`` does both)."""
        if self.parquet is not None:
            self._flush()
            self.parquet.close()
        self.csv_file.close()
        if self.jsonl:
            self.jsonl.close()

    def abort(self) -> None:
        """Close and remove the temporary files (never raises: it runs while failing)."""
        for f in (self.csv_file, self.jsonl):
            if f:
                try:
                    f.close()
                except OSError:  # a full disk fails the last flush too
                    pass
        if self.parquet is not None:
            try:
                self.parquet.close()
            except Exception:
                pass
        for tmp, _ in self.files:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
        if self.own_tmp:
            shutil.rmtree(self.tmpdir, ignore_errors=True)


TMP_PREFIX = ".iro-evidence-tmp-"


def private_tmpdir(outdir: Path) -> Path:
    """A new folder inside ``outdir`` that only this user can write (``mkdtemp``)."""
    return Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=outdir))


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
