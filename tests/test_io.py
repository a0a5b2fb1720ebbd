"""Readers (encodings, PDF text layers, bad files), case ids and the atomic, CSV-safe writers."""

import csv
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from iro_evidence.io import (
    InputError,
    Journal,
    TableWriter,
    case_ids,
    csv_safe,
    decode_text,
    dehyphenate,
    discover_labeled,
    load_done,
    pdf_text,
    read_letter,
    strip_headers_footers,
)


def make_pdf(pages: list[list[str]], text_layer: bool = True) -> bytes:
    """A minimal valid PDF written by hand: one Helvetica line per string (WinAnsi, so
    accents work); without a text layer each page only has a drawn grey box, like a scan."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for lines in pages:
        if text_layer:
            ops = ["BT /F1 11 Tf 14 TL 72 760 Td"]
            for ln in lines:
                raw = (ln or " ").encode("cp1252")
                raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
                ops.append("(" + raw.decode("latin-1") + ") Tj T*")
            ops.append("ET")
        else:
            ops = ["0.5 g 72 600 200 100 re f"]
        stream = "\n".join(ops).encode("latin-1")
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objs.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % len(objs)
        )
        kids.append(len(objs))
    refs = b" ".join(b"%d 0 R" % k for k in kids)
    objs[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


LETTER = (
    "DATE OF REVIEW: 03/04/2013\n"
    "Dr. José Peña reviewed the MRI of 01/15/2013 – it showed a 3 mm protrusion at L4-5.\n"
    "The claimant’s “naïve” façade: no weakness.\n"
)


# -- text encodings --------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"],
)
def test_encodings_decode_without_mojibake(encoding):
    assert decode_text(LETTER.encode(encoding)) == LETTER


def test_latin1_letter_decodes():
    text = "Müller wurde untersucht; Größe 1,80 m. Ärztliche Prüfung am 02/03/2012.\n"
    assert decode_text(text.encode("latin-1")) == text


def test_short_cp1252_text_of_even_length_is_not_read_as_utf16():
    # charset-normalizer ranks UTF-16 first here and lists cp1252 among its alternatives
    # (found by the hypothesis round-trip test)
    text = "L5-S1 é \n\n L5-S1"
    assert decode_text(text.encode("cp1252")) == text


def test_cp1252_curly_quotes_are_not_taken_for_cp1250():
    # charset-normalizer alone reads this as cp1250 and turns "naïve" into "naďve"
    text = "Le patient a été examiné. Décision: confirmée — “naïve” façade."
    assert decode_text(text.encode("cp1252")) == text


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "no text"),
        (b"  \n\t\r\n ", "only whitespace"),
        (b"PK\x03\x04" + bytes(range(256)) * 4, "Word"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
        (bytes(range(256)) * 40, "binary"),
        (b"\x01\x02\x03\x04 abc \x05\x06\x07\x08\x0e\x0f\x10\x11" * 50, "control characters"),
    ],
)
def test_binary_and_empty_are_refused_with_a_reason(data, reason):
    with pytest.raises(InputError) as e:
        decode_text(data)
    assert reason in e.value.reason


def test_a_few_nul_and_control_characters_become_spaces_of_the_same_length(tmp_path):
    f = tmp_path / "n.txt"
    f.write_bytes(LETTER.replace("MRI", "M\x00I").replace("no ", "no\x07").encode("utf-8"))
    text = read_letter(f)
    assert len(text) == len(LETTER)
    assert "M I" in text and "no weakness" in text and "\x00" not in text


# -- read_letter: whole files -----------------------------------------------------------


def test_read_letter_reports_each_bad_file(tmp_path):
    cases = {
        "empty.txt": (b"", "empty file"),
        "blank.txt": (b"\n   \n\t", "only whitespace"),
        "fake.pdf": (b"This is a letter, not a PDF.", "not a PDF"),
        "scan.pdf": (make_pdf([["x"]], text_layer=False), "no text layer (scanned?)"),
        "cut.pdf": (make_pdf([["DATE OF REVIEW: 01/02/2013"]] * 3)[:400], "truncated PDF"),
        "broken.pdf": (b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n", "PDF"),
    }
    for name, (data, reason) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InputError) as e:
            read_letter(tmp_path / name)
        assert reason in e.value.reason, (name, e.value.reason)
        assert e.value.stage in ("read", "pdf")


def test_size_limit_is_configurable(tmp_path):
    f = tmp_path / "big.txt"
    f.write_text(LETTER * 100, encoding="utf-8")
    assert read_letter(f).startswith("DATE OF REVIEW")
    with pytest.raises(InputError) as e:
        read_letter(f, max_bytes=1000)
    assert "too large" in e.value.reason


def test_unreadable_file(tmp_path):
    f = tmp_path / "locked.txt"
    f.write_text(LETTER)
    f.chmod(0)
    try:
        if os.access(f, os.R_OK):
            pytest.skip("running as root: a chmod 000 file is still readable")
        with pytest.raises(InputError) as e:
            read_letter(f)
        assert "cannot read file" in e.value.reason and "ermission" in e.value.reason
    finally:
        f.chmod(0o644)


# -- PDF --------------------------------------------------------------------------------


def test_pdf_text_layer_headers_footers_and_hyphens():
    pages = [
        ["ACME IRO   Case 4471", "DATE OF REVIEW: 03/04/2013", "The claimant had electro-",
         "diagnostic studies; Dr. Peña found non-", "surgical care failed.", "Page 1 of 2"],
        ["ACME IRO   Case 4471", "Prior non-surgical care included therapy. MRI showed",
         "a 3 mm protrusion at L4-5.", "Page 2 of 2"],
    ]  # fmt: skip
    text = pdf_text(make_pdf(pages))
    assert text == (
        "ACME IRO   Case 4471\nDATE OF REVIEW: 03/04/2013\nThe claimant had electrodiagnostic "
        "studies; Dr. Peña found non-surgical care failed.\nPrior non-surgical care included "
        "therapy. MRI showed\na 3 mm protrusion at L4-5."
    )


def test_headers_kept_once_and_footers_dropped():
    body = ["MRI of the lumbar spine.", "No weakness.", "Upheld.", "Dr. Lee, MD", "ODG", "Fusion at L5-S1."]
    pages = [
        f"Case 77 header\n{body[i]}\n{body[i + 1]}\nConfidential\n{i + 1}\n" for i in range(5)
    ]  # the page number is a bare digit: it goes as a repeated footer, digits aside
    out = strip_headers_footers(pages)
    assert out[0].startswith("Case 77 header")
    assert all("header" not in p and "Confidential" not in p for p in out[1:])
    assert [p.strip().split("\n")[-2:] for p in out] == [body[i : i + 2] for i in range(5)]


def test_dehyphenate_keeps_hyphen_of_real_compounds_and_levels():
    text = "Electro-\nmyography; a non-\nsurgical plan. Non-surgical care. Fusion at L4-\n5 and C5-\nC6."
    assert dehyphenate(text) == (
        "Electromyography; a non-surgical plan. Non-surgical care. Fusion at L4-\n5 and C5-\nC6."
    )


# -- identity ---------------------------------------------------------------------------


def test_case_ids_from_relative_path_for_same_stems(tmp_path, monkeypatch):
    root = tmp_path / "letters"
    for rel in ("a.txt", "sub/a.txt", "sub/deeper/a.txt", "b.txt", "c.txt", "c.pdf", "x y é.txt"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x")
    found = discover_labeled([root])
    ids = dict(zip((os.path.relpath(f, root) for f, _ in found), case_ids(*zip(*found))))
    assert ids == {
        "a.txt": "letters__a",
        "b.txt": "b",
        "c.pdf": "letters__c__pdf",
        "c.txt": "letters__c__txt",
        "sub/a.txt": "sub__a",
        "sub/deeper/a.txt": "deeper__a",
        "x y é.txt": "x y é",
    }
    # the same ids whatever the working directory or the way the folder is given
    monkeypatch.chdir(tmp_path)
    again = discover_labeled(["letters", str(root), "letters/sub/a.txt"])
    assert case_ids(*zip(*again)) == list(ids[k] for k in sorted(ids))


def test_two_folders_with_the_same_file_names(tmp_path):
    for d in ("batch1", "batch2"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "a.txt").write_text("x")
    found = discover_labeled([tmp_path / "batch1", tmp_path / "batch2"])
    assert case_ids(*zip(*found)) == ["batch1__a", "batch2__a"]


# -- writers ----------------------------------------------------------------------------

SCHEMA = pa.schema([("case_id", pa.string()), ("text", pa.string()), ("n", pa.float64())])
RISKY = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", '=HYPERLINK("http://x")']


@pytest.mark.parametrize("value", RISKY)
def test_csv_safe_prefixes_formula_starts(value):
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["L4-5", "a=b", "", None, -2.0, 3, "' quoted", "MRI"])
def test_csv_safe_leaves_other_cells(value):
    assert csv_safe(value) == value


def test_table_writer_neutralises_csv_and_keeps_parquet(tmp_path):
    w = TableWriter(tmp_path, "t", ["case_id", "text", "n"], SCHEMA, jsonl=True)
    for i, v in enumerate(RISKY):
        w.write({"case_id": f"c{i}", "text": v, "n": -i})
    w.commit()
    with open(tmp_path / "t.csv", newline="", encoding="utf-8") as f:
        cells = [row[1] for row in csv.reader(f)][1:]
    assert cells == ["'" + v for v in RISKY]
    assert pq.read_table(tmp_path / "t.parquet").column("text").to_pylist() == RISKY
    assert pq.read_table(tmp_path / "t.parquet").column("n").to_pylist() == [-float(i) for i in range(7)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv", "t.jsonl", "t.parquet"]


def test_abort_leaves_previous_outputs_untouched(tmp_path):
    w = TableWriter(tmp_path, "t", ["case_id", "text", "n"], SCHEMA)
    w.write({"case_id": "old", "text": "x", "n": 1.0})
    w.commit()
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    w = TableWriter(tmp_path, "t", ["case_id", "text", "n"], SCHEMA, row_group=1)
    for i in range(10):
        w.write({"case_id": f"new{i}", "text": "y", "n": 2.0})
    # written under temporary names in a private folder meanwhile
    assert [p.name for p in w.tmpdir.iterdir()] == ["t.csv", "t.parquet"]
    assert w.tmpdir.parent == tmp_path and (w.tmpdir.stat().st_mode & 0o077) == 0
    w.abort()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_journal_survives_a_cut_last_line(tmp_path):
    j = Journal(tmp_path)
    j.write("a", "in/a.txt", {"case_id": "a", "source": "in/a.txt"}, [{"case_id": "a", "x": 1}])
    j.write("b", "in/b.txt", {"case_id": "b", "source": "in/b.txt"}, [])
    j.close()
    path = Path(tmp_path) / ".iro-evidence.journal.jsonl"
    path.write_bytes(path.read_bytes() + b'{"case_id": "c", "sour')  # killed mid-write
    done = load_done(tmp_path, {"a": "in/a.txt", "b": "elsewhere/b.txt", "c": "in/c.txt"})
    assert list(done) == ["a"]  # b moved, c never finished
    j = Journal(tmp_path, keep=True)
    j.write("c", "in/c.txt", {"case_id": "c", "source": "in/c.txt"}, [])
    j.close()
    assert set(load_done(tmp_path, {"a": "in/a.txt", "c": "in/c.txt"})) == {"a", "c"}


def test_journal_rows_round_trip_as_value_lists(tmp_path):
    """Entries keep rows as value lists under their columns; rows with different keys and
    entries written as dicts (by an older version) read back as the same dicts."""
    rows = [{"case_id": "a", "x": 1, "y": None}, {"case_id": "a", "y": "=b"}]
    j = Journal(tmp_path)
    j.write("a", "in/a.txt", {"case_id": "a"}, rows)
    j.close()
    path = Path(tmp_path) / ".iro-evidence.journal.jsonl"
    entry = json.loads(path.read_text().splitlines()[0])
    assert entry["columns"] == ["case_id", "x", "y"] and entry["rows"][1] == ["a", None, "=b"]
    got = json.loads(load_done(tmp_path, {"a": "in/a.txt"})["a"])["rows"]
    assert got == [{"case_id": "a", "x": 1, "y": None}, {"case_id": "a", "x": None, "y": "=b"}]
    old = {"case_id": "b", "source": "in/b.txt", "record": {}, "rows": rows}
    path.write_text(json.dumps(old) + "\n")
    assert json.loads(load_done(tmp_path, {"b": "in/b.txt"})["b"])["rows"] == rows


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
@pytest.mark.parametrize("user_password, readable", [("secret", False), ("", True)])
def test_encrypted_pdf(user_password, readable, algorithm):
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([["DATE OF REVIEW: 03/04/2013"]]))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)
    buf = io.BytesIO()
    writer.write(buf)
    if readable:  # only an owner password: opens like any PDF
        assert pdf_text(buf.getvalue()) == "DATE OF REVIEW: 03/04/2013"
    else:
        with pytest.raises(InputError) as e:
            pdf_text(buf.getvalue())
        assert e.value.reason == "encrypted PDF (needs a password)"


def test_row_groups_do_not_depend_on_how_rows_arrive(tmp_path):
    """Fixed row-group sizes: rows written one by one, in uneven batches or as Arrow
    batches give the same Parquet bytes."""
    from iro_evidence.io import RowEncoder

    rows = [{"case_id": f"c{i // 7}", "text": "x" * (i % 13), "n": float(i)} for i in range(2500)]
    enc = RowEncoder(["case_id", "text", "n"], SCHEMA)
    out = {}
    for how in ("one", "uneven", "arrow"):
        w = TableWriter(tmp_path / how, "t", ["case_id", "text", "n"], SCHEMA, row_group=1000)
        if how == "one":
            for r in rows:
                w.write(r)
        else:
            i, k = 0, 1
            while i < len(rows):
                part = rows[i : i + k]
                w.write_many(part, batch=enc.batch(part) if how == "arrow" else None)
                i, k = i + k, k * 3 % 1100 + 1
        w.commit()
        out[how] = (tmp_path / how / "t.parquet").read_bytes()
        meta = pq.ParquetFile(tmp_path / how / "t.parquet").metadata
        assert [meta.row_group(g).num_rows for g in range(meta.num_row_groups)] == [1000, 1000, 500]
    assert out["one"] == out["uneven"] == out["arrow"]


@pytest.mark.parametrize(
    "layout",
    [
        ["in/sub__a.txt", "in/sub/a.txt", "in/a.txt"],  # a stem equal to another's path tail
        ["in/sub__a.txt", "in/sub__a__1.txt", "in/sub/a.txt", "in/a.txt"],  # ... and to its "__1"
        ["in/a__1.txt", "in/a.txt", "in/x/a.txt", "in/x/a.pdf"],  # a stem equal to a suffix
        ["in/a.txt", "in/a.pdf", "in/a__pdf.txt", "in/a__txt.pdf"],
        ["in/p/q/a.txt", "in/q/a.txt", "in/p__q__a.txt", "in/q__a.txt"],
    ],
)
def test_case_ids_are_unique_in_every_layout(tmp_path, layout):
    for rel in layout:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    labeled = discover_labeled([tmp_path / "in"])
    ids = case_ids([f for f, _ in labeled], [lab for _, lab in labeled])
    assert len(ids) == len(layout) and len(set(ids)) == len(ids), ids
