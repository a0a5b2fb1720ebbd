"""A hostile corpus built in tmp_path: every good letter's record right, every bad file
reported once, outputs byte-identical across runs, CSV cells safe, interrupted runs
harmless and resumable."""

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import CORPUS, ROOT
from iro_evidence.extract import process_doc, run_extract
from iro_evidence.io import JOURNAL, read_letter
from test_io import make_pdf

ACCENTED = (
    "DATE OF REVIEW: 04/05/2014\n\n"
    "Dr. José Peña, a board certified orthopédic surgeon, reviewed the records.\n"
    "The claimant’s MRI of 02/11/2014 showed a 4 mm disc protrusion at L5-S1 – "
    "no fracture. Straight leg raise was negative.\n"
)


def _pdf_pages(text: str, per_page: int = 45) -> list[list[str]]:
    lines = text.split("\n")
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    return [["Confidential  IRO Case 4471", *p, f"Page {k + 1} of {len(pages)}"] for k, p in enumerate(pages)]


def build_corpus(root: Path) -> tuple[dict, dict]:
    """Write the corpus; return {relative path: reference text} of good letters and
    {relative path: expected reason} of bad ones."""
    w01 = (CORPUS / "letters" / "iro_w01.txt").read_text(encoding="utf-8")
    w10 = (CORPUS / "letters" / "iro_w10.txt").read_text(encoding="utf-8")  # has an en dash
    hd01 = (CORPUS / "letters" / "hd_w01.txt").read_text(encoding="utf-8")
    good = {
        "utf8/iro_w01.txt": (w01, w01.encode("utf-8")),
        "utf8 bom/iro_w01.txt": (w01, w01.encode("utf-8-sig")),  # same stem, other folder
        "utf16/hd_w01.txt": (hd01, hd01.encode("utf-16")),
        "utf16/no bom/hd w01 le.txt": (hd01, hd01.encode("utf-16-le")),
        "windows/iro_w10 cp1252.txt": (w10, w10.encode("cp1252")),
        "windows/Décision Peña.txt": (ACCENTED, ACCENTED.encode("cp1252")),
        "nested/a/b/c/accented utf8.txt": (ACCENTED, ACCENTED.encode("utf-8")),
        "nul/iro_w01.txt": (w01, w01.replace("\n\n", "\n\x00", 3).encode("utf-8")),
        "pdf/iro_w01.pdf": (w01, make_pdf(_pdf_pages(w01))),
        "pdf/Peña é.pdf": (ACCENTED, make_pdf(_pdf_pages(ACCENTED))),
        "=HYPERLINK(evil).txt": (ACCENTED, ACCENTED.encode("utf-8")),
        "+cmd.txt": (ACCENTED, ACCENTED.encode("utf-8")),
        "@SUM(A1).txt": (ACCENTED, ACCENTED.encode("utf-8")),
    }
    rng = random.Random(8)
    bad = {
        "bad/empty.txt": (b"", "empty file"),
        "bad/blank.txt": (b" \n\t\n   \r\n", "only whitespace"),
        "bad/binary.txt": (rng.randbytes(5000), "binary"),
        "bad/control.txt": (bytes(rng.choice(range(1, 9)) for _ in range(3000)), "control characters"),
        "bad/word.txt": (b"PK\x03\x04" + rng.randbytes(3000), "Word"),
        "bad/truncated.pdf": (make_pdf(_pdf_pages(w01))[:1500], "truncated PDF"),
        "bad/broken.pdf": (b"%PDF-1.7\n" + rng.randbytes(3000) + b"\n%%EOF\n", "PDF"),
        "bad/not a pdf.pdf": (w01.encode("utf-8"), "not a PDF file"),
        "bad/scanned.pdf": (make_pdf([["x"], ["y"]], text_layer=False), "no text layer (scanned?)"),
        "bad/huge.txt": ((w01 * 40).encode("utf-8"), "file too large"),
        "bad/locked.txt": (w01.encode("utf-8"), "cannot read file"),
    }
    files = {**{k: v[1] for k, v in good.items()}, **{k: v[0] for k, v in bad.items()}}
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    (root / "notes.docx").write_bytes(b"PK\x03\x04")  # not a letter suffix: a "skipped" row
    return {k: v[0] for k, v in good.items()}, {k: v[1] for k, v in bad.items()}


@pytest.fixture()
def corpus(tmp_path, monkeypatch):
    root = tmp_path / "in"
    good, bad = build_corpus(root)
    locked = root / "bad" / "locked.txt"
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads anything: simulate the refusal instead
        real = Path.read_bytes

        def read_bytes(self):
            if self.name == "locked.txt":
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    yield root, good, bad
    locked.chmod(0o644)


LIMIT = 100_000  # the "absurdly large" limit, small so the test writes 300 KB, not 50 MB


def _outputs(out: Path) -> dict[str, bytes]:
    """Every file of a run's folder but run.json (it has the run's timing) and the lock."""
    skip = ("run.json", ".iro-evidence.lock")
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.name not in skip}


def _csv_cells(path: Path):
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            yield from row


def test_hostile_corpus(nlp, corpus, tmp_path):
    root, good, bad = corpus
    out = tmp_path / "out"
    s = run_extract(nlp, [root], out, max_bytes=LIMIT)
    assert (s.letters, s.errors, s.skipped) == (len(good), len(bad), 1)

    # every bad file: one row, with its stage and a reason a person understands
    with open(out / "errors.csv", newline="", encoding="utf-8") as f:
        errors = list(csv.DictReader(f))
    skipped = [e for e in errors if e["stage"] == "skipped"]
    assert [(Path(e["source"]).name, e["reason"]) for e in skipped] == [
        ("notes.docx", "not a .txt or .pdf file")
    ]
    errors = [e for e in errors if e["stage"] != "skipped"]
    by_file = {str(Path(e["source"]).relative_to(root)): e for e in errors}
    assert len(errors) == len(by_file) == len(bad)
    for rel, reason in bad.items():
        assert reason in by_file[rel]["reason"], (rel, by_file[rel])
        assert by_file[rel]["stage"] in ("read", "pdf")

    # every good letter: the same record as its reference text, offsets slice its text
    cases = [json.loads(x) for x in (out / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len({c["case_id"] for c in cases}) == len(good)
    evidence = pq.read_table(out / "evidence.parquet").to_pylist()
    refs = {}
    for c in cases:
        rel = str(Path(c["source"]).relative_to(root))
        text = good[rel]
        if text not in refs:
            refs[text] = process_doc(nlp(text), "ref")[1]
        want = {k: v for k, v in refs[text].items() if k not in ("case_id", "source")}
        got = {k: v for k, v in c.items() if k not in ("case_id", "source")}
        assert got == want, rel
        letter = read_letter(Path(c["source"]))
        rows = [r for r in evidence if r["case_id"] == c["case_id"]]
        assert len(rows) == c["n_facts"] > 0
        assert all(letter[r["start_char"] : r["end_char"]] == r["text"] for r in rows)
    ids = {str(Path(c["source"]).relative_to(root)): c["case_id"] for c in cases}
    assert ids["utf8/iro_w01.txt"] != ids["utf8 bom/iro_w01.txt"] != ids["nul/iro_w01.txt"]
    assert ids["windows/Décision Peña.txt"] == "Décision Peña"
    assert "José Peña" in read_letter(root / "windows" / "Décision Peña.txt")

    # CSV cells safe; Parquet keeps the original text
    for name in ("cases.csv", "evidence.csv", "errors.csv"):
        risky = [c for c in _csv_cells(out / name) if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert not risky, (name, risky[:3])
    csv_ids = set(_csv_cells(out / "cases.csv"))
    assert {"'=HYPERLINK(evil)", "'+cmd", "'@SUM(A1)"} <= csv_ids
    assert {"=HYPERLINK(evil)", "+cmd", "@SUM(A1)"} <= set(
        pq.read_table(out / "cases.parquet")["case_id"].to_pylist()
    )

    # nothing half-written or temporary is left
    assert sorted(p.name for p in out.iterdir()) == [
        ".iro-evidence.lock", "cases.csv", "cases.jsonl", "cases.parquet", "errors.csv",
        "evidence.csv", "evidence.parquet", "manifest.json", "run.json",
    ]  # fmt: skip

    # byte-identical on a second run; Parquet carries no timestamp
    again = tmp_path / "again"
    run_extract(nlp, [root], again, max_bytes=LIMIT)
    assert _outputs(out) == _outputs(again)
    for name in ("cases.parquet", "evidence.parquet"):
        meta = pq.ParquetFile(out / name).metadata
        assert set(meta.metadata or {}) <= {b"ARROW:schema"}
        assert meta.created_by.startswith("parquet-cpp-arrow version")


def test_interrupt_keeps_previous_outputs_and_resume_finishes_the_same(nlp, corpus, tmp_path):
    root, good, bad = corpus
    fresh = tmp_path / "fresh"
    run_extract(nlp, [root], fresh, max_bytes=LIMIT)
    out = tmp_path / "out"
    # a first complete run over half the corpus, so there are previous outputs to keep
    run_extract(nlp, [root / "utf8", root / "windows", root / "bad"], out, max_bytes=LIMIT)
    before = _outputs(out)

    calls = []

    def stop_mid_run(n):
        calls.append(n)
        if len(calls) == 12:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_extract(nlp, [root], out, progress=stop_mid_run, max_bytes=LIMIT)
    assert _outputs(out) == {**before, JOURNAL: (out / JOURNAL).read_bytes()}
    assert (out / JOURNAL).read_bytes()  # some letters were finished before the interrupt

    s = run_extract(nlp, [root], out, resume=True, max_bytes=LIMIT)
    assert s.resumed >= 3 and s.letters + s.resumed == len(good)
    assert s.letters < len(good)
    assert _outputs(out) == _outputs(fresh)  # identical to an uninterrupted run; journal gone

    s = run_extract(nlp, [root], out, resume=True, max_bytes=LIMIT)  # nothing left to do
    assert (s.letters, s.resumed, s.errors) == (0, len(good), len(bad))
    assert _outputs(out) == _outputs(fresh)


def test_a_letter_that_breaks_the_pipeline_costs_only_itself(tmp_path):
    import spacy
    from spacy.language import Language

    if "iro_test_boom" not in Language.factories:

        @Language.component("iro_test_boom")
        def boom(doc):
            if "BOOM" in doc.text:
                raise ValueError("a component failed")
            return doc

    nlp = spacy.blank("en")
    nlp.add_pipe("iro_test_boom")
    for name, text in (("a", "fine letter"), ("b", "BOOM letter"), ("c", "another fine one")):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / f"{name}.txt").write_text(text)
    s = run_extract(nlp, [tmp_path / "in"], tmp_path / "out")
    assert (s.letters, s.errors) == (2, 1)
    err = s.error_rows[0]
    assert (err["case_id"], err["stage"]) == ("b", "nlp")
    assert "ValueError: a component failed" in err["reason"]
    cases = [json.loads(x)["case_id"] for x in (tmp_path / "out" / "cases.jsonl").read_text().splitlines()]
    assert cases == ["a", "c"]
    with pytest.raises(ValueError):  # --debug: the traceback instead of a row
        run_extract(nlp, [tmp_path / "in"], tmp_path / "out2", debug=True)


def _cli(*args, **kw):
    return subprocess.Popen(
        [sys.executable, "-m", "iro_evidence.cli", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


@pytest.mark.slow
def test_cli_killed_mid_run_leaves_no_truncated_output_and_resumes(nlp, tmp_path):
    src = tmp_path / "in"
    for i in range(4):  # enough letters that the kill lands mid-run
        for f in sorted((CORPUS / "letters").glob("*.txt")):
            (src / f"copy{i}").mkdir(parents=True, exist_ok=True)
            (src / f"copy{i}" / f.name).write_bytes(f.read_bytes())
    (src / "bad.pdf").write_bytes(b"nothing here")
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    run_extract(nlp, [src], fresh)

    p = _cli("extract", src, "-o", out)
    journal = out / JOURNAL
    deadline = time.time() + 300
    while time.time() < deadline and p.poll() is None:
        if journal.exists() and journal.read_bytes().count(b"\n") >= 10:
            break
        time.sleep(0.05)
    assert p.poll() is None, "finished before it could be killed"
    p.send_signal(signal.SIGKILL)
    p.wait()
    final = [x.name for x in out.iterdir() if not x.name.startswith(".")]
    assert final == []  # no previous outputs, and none half-written under a final name

    p = _cli("extract", src, "-o", out, "--resume")
    stdout, stderr = p.communicate(timeout=600)
    assert p.returncode == 0, stderr
    assert "more kept from the previous run" in stdout and "1 errors" in stdout
    assert "Traceback" not in stderr
    assert {k: v for k, v in _outputs(out).items() if not k.startswith(".")} == _outputs(fresh)
    assert not journal.exists()


def test_cli_exit_codes_and_no_traceback(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bad.pdf").write_bytes(b"not a pdf")
    runs = {
        "nothing readable": (["extract", tmp_path / "in", "-o", tmp_path / "o"], 1),
        "missing input": (["extract", tmp_path / "nope", "-o", tmp_path / "o"], 2),
        "no -o": (["extract", tmp_path / "in"], 2),
        "out is a file": (["extract", tmp_path / "in", "-o", tmp_path / "in" / "bad.pdf"], 2),
        "bad --max-mb": (["extract", tmp_path / "in", "-o", tmp_path / "o", "--max-mb", "0"], 2),
    }
    for what, (args, code) in runs.items():
        p = _cli(*args)
        stdout, stderr = p.communicate(timeout=300)
        assert p.returncode == code, (what, stderr)
        assert "Traceback" not in stderr + stdout, what
    errors = (tmp_path / "o" / "errors.csv").read_text(encoding="utf-8")
    assert "not a PDF file" in errors


def test_line_wrapped_letters_run_and_keep_their_dates(nlp):
    """PDF text wraps prose anywhere: every corpus letter re-wrapped at 40 and 66 columns
    goes through the whole pipeline (a list item that is only a date once broke the
    decision component) and yields the same dates (redaction placeholders aside)."""
    from collections import Counter

    from conftest import rewrap

    def dates(doc) -> Counter:
        return Counter(s._.iro["value"] for s in doc.spans["dates"] if s._.iro["value"] != "redacted")

    for path in sorted((CORPUS / "letters").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        want = dates(nlp(text))
        for width in (40, 66):
            doc = nlp(rewrap(text, width))
            assert dates(doc) == want, (path.stem, width)
            assert doc._.iro_case is not None


# -- a run is never lost to one file or one letter (issue 17) -----------------------------


def _small_corpus(root: Path, n: int = 4) -> list[str]:
    root.mkdir(parents=True, exist_ok=True)
    names = []
    for p in sorted((CORPUS / "letters").glob("*.txt"))[:n]:
        (root / p.name).write_bytes(p.read_bytes())
        names.append(p.stem)
    return names


def _errors(out: Path) -> list[dict]:
    with open(out / "errors.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_input_problem_is_a_row_and_the_run_goes_on(nlp, tmp_path, monkeypatch):
    from iro_evidence.io import readers

    root = tmp_path / "in"
    good = _small_corpus(root)
    outside = tmp_path / "secret.txt"
    outside.write_text((CORPUS / "letters" / "iro_w01.txt").read_text())
    (root / "leak.txt").symlink_to(outside)  # a link that leaves the input: refused
    (root / "gone.txt").symlink_to(tmp_path / "nothing.txt")  # broken link
    (root / "notes.docx").write_bytes(b"PK\x03\x04")  # another file type: skipped
    (root / "linked").symlink_to(root)  # a linked folder: not followed, said so
    (root / "locked").mkdir()
    (root / "locked" / "a.txt").write_text("DATE OF REVIEW: 01/02/2013")
    os.mkfifo(root / "pipe.txt")
    bad_name = os.fsencode(str(root)) + b"/caf\xe9.txt"  # a Latin-1 name: not UTF-8
    with open(bad_name, "wb") as f:
        f.write((CORPUS / "letters" / "iro_w01.txt").read_bytes())
    real = readers._scandir

    def scandir(path):  # root reads every folder: simulate one that cannot be listed
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(readers, "_scandir", scandir)
    out = tmp_path / "out"
    s = run_extract(nlp, [root], out)
    assert s.letters == len(good)
    rows = {Path(e["source"]).name: (e["stage"], e["reason"]) for e in _errors(out)}
    assert rows == {
        "caf\\xe9.txt": ("discover", "the file name is not valid UTF-8; rename it to read it"),
        "gone.txt": ("discover", "broken symbolic link (its target does not exist)"),
        "leak.txt": ("discover", "refused: a symbolic link to outside the input folder"),
        "linked": ("skipped", "a link to a folder inside the input (not followed)"),
        "locked": ("discover", "cannot read folder: Permission denied"),
        "notes.docx": ("skipped", "not a .txt or .pdf file"),
        "pipe.txt": ("skipped", "not a regular file (a pipe, socket or device)"),
    }
    assert (s.errors, s.skipped) == (4, 3)
    assert "secret" not in (out / "cases.jsonl").read_text()
    info = json.loads((out / "run.json").read_text())
    assert info["counts"]["errors"] == 4 and info["counts"]["skipped"] == 3
    assert f"-> {out}" in s.line() and "3 skipped" in s.line()


def test_folders_nested_a_thousand_deep(nlp, tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    deep = str(root)
    for _ in range(1000):  # about 2,000 characters of path: within PATH_MAX
        deep += "/d"
        os.mkdir(deep)  # (os.makedirs itself recurses too deep)
    deep = Path(deep)
    (deep / "a.txt").write_bytes((CORPUS / "letters" / "iro_w01.txt").read_bytes())
    try:
        s = run_extract(nlp, [root], tmp_path / "out")
        assert (s.letters, s.errors) == (1, 0)
    finally:  # shutil.rmtree (pytest's cleanup) recurses too deep as well
        (deep / "a.txt").unlink()
        for _ in range(1000):
            deep.rmdir()
            deep = deep.parent


def _boom_on(monkeypatch, what):
    """Make process_doc misbehave on letters containing one of ``what``'s keys."""
    import iro_evidence.extract as ex

    real = ex.process_doc

    def process_doc(doc, *a, **k):
        for key, act in what.items():
            if key in doc.text:
                act()
        return real(doc, *a, **k)

    monkeypatch.setattr(ex, "process_doc", process_doc)


def _corpus_with(root: Path, specials: dict[str, str]) -> list[str]:
    names = _small_corpus(root, 6)
    base = (CORPUS / "letters" / "iro_w01.txt").read_text()
    for name, marker in specials.items():
        (root / f"{name}.txt").write_text(base + f"\n{marker}\n")
    return names


@pytest.mark.parametrize("n", [1, 2])
def test_a_letter_that_kills_its_process_costs_only_itself(nlp, tmp_path, monkeypatch, n):
    """A worker killed (here by its own letter, as the kernel's OOM killer would) becomes an
    error row for the letter it was on; its queued letters go to a new worker."""
    _boom_on(monkeypatch, {"KILLME": lambda: os.kill(os.getpid(), signal.SIGKILL)})
    good = _corpus_with(tmp_path / "in", {"zz_killer": "KILLME"})
    t0 = time.time()
    s = run_extract(nlp, [tmp_path / "in"], tmp_path / "out", n_process=n)
    assert time.time() - t0 < 60
    assert s.letters == len(good) + 0 and s.errors == 1
    [err] = _errors(tmp_path / "out")
    assert err["case_id"] == "zz_killer" and "SIGKILL" in err["reason"]
    # and a resume records it again instead of dying
    s = run_extract(nlp, [tmp_path / "in"], tmp_path / "out", n_process=n, resume=True)
    assert (s.resumed, s.errors) == (len(good), 1)


def test_time_and_memory_guards(nlp, tmp_path, monkeypatch):
    from iro_evidence.extract import Guards, _rss_mb

    hog = []
    _boom_on(
        monkeypatch,
        {
            "SLEEPY": lambda: time.sleep(30),
            "HUNGRY": lambda: (hog.append(b"x" * (1500 * 10**6)), time.sleep(30)),
        },
    )
    good = _corpus_with(tmp_path / "in", {"slow": "SLEEPY", "greedy": "HUNGRY"})
    limit = _rss_mb(os.getpid()) + 700  # a worker starts as big as its parent
    t0 = time.time()
    s = run_extract(nlp, [tmp_path / "in"], tmp_path / "out", n_process=2, guards=Guards(5, limit))
    assert time.time() - t0 < 40
    assert s.letters == len(good)
    reasons = {e["case_id"]: e["reason"] for e in _errors(tmp_path / "out")}
    assert reasons["slow"] == "took longer than 5 s (the per-letter time limit)"
    assert reasons["greedy"].startswith("needed more than")


def test_a_worker_killed_from_outside_ends_the_run(nlp, tmp_path, monkeypatch):
    import multiprocessing
    import threading

    started = tmp_path / "started"
    _boom_on(monkeypatch, {"SLEEPY": lambda: (started.touch(), time.sleep(30))})
    good = _corpus_with(tmp_path / "in", {"slow": "SLEEPY"})

    def kill_the_sleeper():
        while not started.exists():
            time.sleep(0.05)
        for p in multiprocessing.active_children():
            os.kill(p.pid, signal.SIGKILL)

    threading.Thread(target=kill_the_sleeper, daemon=True).start()
    t0 = time.time()
    s = run_extract(nlp, [tmp_path / "in"], tmp_path / "out", n_process=2)
    assert time.time() - t0 < 60
    assert s.letters + s.errors == len(good) + 1
    assert "slow" in {e["case_id"] for e in _errors(tmp_path / "out")}


# -- an output folder belongs to one run ----------------------------------------------------


def test_a_second_run_into_a_busy_folder_stops_and_the_first_outputs_stay(nlp, tmp_path):
    from iro_evidence.io import check_outputs
    from iro_evidence.run import LOCK, OutputBusy

    _small_corpus(tmp_path / "in", 2)
    out = tmp_path / "out"
    run_extract(nlp, [tmp_path / "in"], out)
    before = _outputs(out)
    hold = (  # another process holds the lock, as a running extract does
        "import fcntl, sys, time; f = open(sys.argv[1], 'a'); fcntl.lockf(f, fcntl.LOCK_EX); "
        "print('held', flush=True); time.sleep(120)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(out / LOCK)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(OutputBusy, match="in use by another iro-evidence run"):
            run_extract(nlp, [tmp_path / "in"], out)
        p = _cli("extract", tmp_path / "in", "-o", out)
        stdout, stderr = p.communicate(timeout=120)
    finally:
        holder.kill()
        holder.wait()
    assert p.returncode == 2 and "in use by another iro-evidence run" in stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) <= 2
    assert _outputs(out) == before
    check_outputs(out)


def test_planted_symlinks_never_write_outside_the_output_folder(nlp, tmp_path):
    from iro_evidence.run import LOCK

    _small_corpus(tmp_path / "in", 2)
    out, victims = tmp_path / "out", tmp_path / "victims"
    out.mkdir()
    victims.mkdir()
    names = [JOURNAL, LOCK, "cases.csv", "manifest.json", "run.json", ".cases.csv.partial"]
    for name in names:
        (out / name).symlink_to(victims / name)
    (victims / "cases.csv").write_text("keep me")
    s = run_extract(nlp, [tmp_path / "in"], out)
    assert s.letters == 2
    assert sorted(p.name for p in victims.iterdir()) == ["cases.csv"]
    assert (victims / "cases.csv").read_text() == "keep me"
    assert not (out / "cases.csv").is_symlink() and not (out / "manifest.json").is_symlink()
    # a resume does not read a planted journal either
    (out / JOURNAL).symlink_to(tmp_path / "in" / sorted(os.listdir(tmp_path / "in"))[0])
    run_extract(nlp, [tmp_path / "in"], out, resume=True)
    assert not (out / JOURNAL).exists()


def test_a_full_disk_leaves_no_temporary_files(nlp, tmp_path, monkeypatch):
    import errno

    from iro_evidence.io import TableWriter

    _small_corpus(tmp_path / "in", 4)
    out = tmp_path / "out"
    run_extract(nlp, [tmp_path / "in"], out)
    before = _outputs(out)
    real, calls = TableWriter.write_many, []

    def write_many(self, *a, **k):
        calls.append(1)
        if len(calls) > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, *a, **k)

    monkeypatch.setattr(TableWriter, "write_many", write_many)
    with pytest.raises(OSError):
        run_extract(nlp, [tmp_path / "in"], out)
    after = _outputs(out)
    after.pop(JOURNAL, None)  # the finished letters, kept for --resume
    assert after == before  # previous outputs intact, no temporary folder or file left


def test_resume_redoes_a_letter_edited_since(nlp, tmp_path):
    names = _small_corpus(tmp_path / "in", 3)
    out = tmp_path / "out"
    run_extract(nlp, [tmp_path / "in"], out)
    edited = tmp_path / "in" / f"{names[1]}.txt"
    time.sleep(0.05)
    edited.write_text(edited.read_text().replace("DATE OF REVIEW", "DATE  OF  REVIEW", 1) + "\n")
    s = run_extract(nlp, [tmp_path / "in"], out, resume=True)
    assert (s.letters, s.resumed) == (1, 2)


# -- no text step is super-linear in the letter's length ------------------------------------


def test_a_long_run_of_blank_lines_is_linear():
    """The heading pattern of chunking.split_text used to backtrack over a whole run of
    blank lines at each of its newlines: 80,000 blank lines took minutes."""
    from iro_evidence import chunking

    letter = (CORPUS / "letters" / "hd_w01.txt").read_text()
    half = letter * (600_000 // len(letter))
    for run in ("\n" * 80_000, " \n" * 80_000, "\n \t\n" * 40_000):
        text = half + run + "the end of it.\n" + half
        t0 = time.perf_counter()
        pieces = chunking.split_text(text, 1_000_000)
        assert time.perf_counter() - t0 < 2
        assert "".join(pieces) == text and all(len(p) <= 1_000_000 for p in pieces)


def test_a_letter_of_a_million_characters_with_80000_blank_lines(nlp, tmp_path):
    letter = (CORPUS / "letters" / "hd_w01.txt").read_text()
    half = letter * (600_000 // len(letter))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "long.txt").write_text(half + "\n" * 80_000 + "the end.\n" + half)
    t0 = time.perf_counter()
    s = run_extract(nlp, [tmp_path / "in"], tmp_path / "out")
    assert time.perf_counter() - t0 < 60
    assert s.letters == 1 and s.chars > 1_000_000 and s.facts > 1000


def test_long_lines_and_a_45_mb_line_in_bounded_time(nlp, tmp_path):
    """One 300,000-character line runs; a 45 MB one-line file (within --max-mb) is refused
    at once by the character limit instead of taking minutes and gigabytes."""
    import resource

    letter = (CORPUS / "letters" / "iro_w01.txt").read_text().replace("\n", " ")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "line.txt").write_text((letter * (300_000 // len(letter) + 1))[:300_000])
    with open(tmp_path / "in" / "huge.txt", "w") as f:
        for _ in range(45_000_000 // len(letter)):
            f.write(letter)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    s = run_extract(nlp, [tmp_path / "in"], tmp_path / "out")
    assert time.perf_counter() - t0 < 30
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 400_000  # KB
    assert (s.letters, s.errors) == (1, 1)
    [err] = _errors(tmp_path / "out")
    assert err["case_id"] == "huge" and err["reason"].startswith("text too long (44,9")


def test_a_kill_during_the_final_renames_leaves_no_manifest(nlp, tmp_path, monkeypatch):
    """The old manifest goes before the tables are renamed and the new one comes last: a
    run stopped in between leaves new cases beside old evidence, and no manifest, so
    readers (check_outputs, --resume, evaluate --pred) do not take it for a run's outputs."""
    import iro_evidence.run as run_mod
    from iro_evidence.io import OutputsMismatch, check_outputs, load_done

    names = _small_corpus(tmp_path / "in", 3)
    out = tmp_path / "out"
    run_extract(nlp, [tmp_path / "in"], out)
    (tmp_path / "in" / f"{names[0]}.txt").unlink()  # the next run writes other tables
    real, renamed = os.replace, []

    def replace(src, dst):
        renamed.append(Path(dst).name)
        if len(renamed) == 2:  # stopped after cases.csv, before the rest
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(run_mod.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        run_extract(nlp, [tmp_path / "in"], out)
    monkeypatch.setattr(run_mod.os, "replace", real)
    assert not (out / "manifest.json").exists()
    with pytest.raises(OutputsMismatch):
        check_outputs(out)
    wanted = {n: str(tmp_path / "in" / f"{n}.txt") for n in names[1:]}
    assert set(load_done(out, wanted)) == set(wanted)  # from the journal of the stopped run
    (out / JOURNAL).unlink()
    assert load_done(out, wanted) == {}  # never from the mixed set of tables
    pred = str(out / "cases.jsonl")
    cmd = [sys.executable, "-m", "iro_evidence.cli", "evaluate", str(tmp_path), "--pred", pred]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "incomplete or mixed" in r.stderr


def test_a_worker_that_grew_on_a_big_letter_is_renewed(nlp, tmp_path, monkeypatch):
    """Memory a letter took is not given back to the system: the worker steps down after
    it, so the next letters are not blamed (killed) for their predecessor's memory."""
    from iro_evidence.extract import Guards, _rss_mb

    hog = []
    _boom_on(monkeypatch, {"BIG": lambda: hog.append(b"x" * (400 * 10**6))})
    good = _corpus_with(tmp_path / "in", {"a_big": "BIG", "b_big": "BIG"})
    limit = _rss_mb(os.getpid()) + 700  # one big letter fits, two in one worker do not
    s = run_extract(nlp, [tmp_path / "in"], tmp_path / "out", n_process=1, guards=Guards(60, limit))
    assert (s.letters, s.errors) == (len(good) + 2, 0)


KILLER_RUN = """
import os, signal, sys
import spacy
from spacy.language import Language
import iro_evidence.extract as ex
from iro_evidence import factories  # noqa: F401  (the doc extensions)

@Language.component("iro_test_killer")
def killer(doc):
    if "KILLME" in doc.text:
        os.kill(os.getpid(), signal.SIGKILL)
    return doc

nlp = spacy.blank("en")
nlp.add_pipe("iro_test_killer")
ex._can_fork = lambda: False  # letters run in this process (as with no fork, or --debug)
s = ex.run_extract(nlp, [sys.argv[1]], sys.argv[2], resume=True)
print(s.letters, s.resumed, s.errors)
"""


def test_without_workers_a_letter_that_kills_the_process_does_not_kill_every_resume(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name, text in (("a", "fine letter"), ("b", "KILLME letter"), ("c", "another fine one")):
        (src / f"{name}.txt").write_text(text)
    runs = []
    for _ in range(3):
        r = subprocess.run(
            [sys.executable, "-c", KILLER_RUN, str(src), str(tmp_path / "out")],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        runs.append((r.returncode, r.stdout.strip()))
    # two runs die on b (a is kept in the journal); the third reports b and goes on
    assert runs == [(-9, ""), (-9, ""), (0, "1 1 1")]
    [err] = _errors(tmp_path / "out")
    assert err["case_id"] == "b" and "two runs ended while processing this letter" in err["reason"]
