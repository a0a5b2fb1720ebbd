"""Reading letters and writing tables (one job per module):

- ``readers``: finding letter files, case ids, text from .txt files (encodings, binary refused);
- ``pdf``: the text layer of PDFs;
- ``writers``: CSV/JSONL/Parquet tables under temporary names, renamed into place at the end;
- ``journal``: finished letters, for ``--resume``;
- ``manifest``: every table's checksum, written last, checked by readers.

Every public name stays importable from ``iro_evidence.io``.
"""

from .errors import InputError
from .journal import (
    JOURNAL,
    Journal,
    crashed,
    file_stamp,
    iter_jsonl,
    journal_line,
    journal_rows,
    load_done,
    stamped,
    started_line,
)
from .manifest import MANIFEST, OutputsMismatch, check_outputs, manifest_text
from .pdf import dehyphenate, join_pages, pdf_text, strip_headers_footers
from .readers import (
    MAGIC,
    MAX_BYTES,
    MAX_CHARS,
    SUFFIXES,
    case_ids,
    clean_text,
    decode_text,
    discover,
    discover_labeled,
    read_letter,
    shown,
)
from .writers import CSV_RISKY, ROW_GROUP, TMP_PREFIX, RowEncoder, TableWriter, csv_safe, private_tmpdir

__all__ = [
    "MANIFEST",
    "OutputsMismatch",
    "check_outputs",
    "manifest_text",
    "CSV_RISKY",
    "JOURNAL",
    "MAGIC",
    "MAX_BYTES",
    "MAX_CHARS",
    "ROW_GROUP",
    "TMP_PREFIX",
    "private_tmpdir",
    "SUFFIXES",
    "InputError",
    "Journal",
    "RowEncoder",
    "TableWriter",
    "case_ids",
    "clean_text",
    "csv_safe",
    "decode_text",
    "dehyphenate",
    "discover",
    "discover_labeled",
    "iter_jsonl",
    "file_stamp",
    "crashed",
    "started_line",
    "stamped",
    "journal_line",
    "journal_rows",
    "join_pages",
    "load_done",
    "pdf_text",
    "read_letter",
    "shown",
    "strip_headers_footers",
]
