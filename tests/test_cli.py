import json
import subprocess
import sys

import pandas as pd
from conftest import CORPUS, ROOT


def run(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "iro_evidence.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_extract_writes_every_table(tmp_path):
    letters = tmp_path / "in"
    letters.mkdir()
    for name in ("iro_w01", "hd_w01"):
        (letters / f"{name}.txt").write_text((CORPUS / "letters" / f"{name}.txt").read_text())
    (letters / "sub").mkdir()
    (letters / "sub" / "iro_w01.txt").write_text("DATE OF REVIEW: 01/02/2013\nMRI at L4-5.")
    (letters / "empty.txt").write_text("")
    out = tmp_path / "out"
    r = run("extract", str(letters), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "3 letters" in r.stdout and "1 errors" in r.stdout
    cases = [json.loads(x) for x in (out / "cases.jsonl").read_text().splitlines()]
    assert len({c["case_id"] for c in cases}) == 3  # same stem, distinct ids
    ev = pd.read_parquet(out / "evidence.parquet")
    assert {"case_id", "kind", "start_char", "end_char", "section", "negated"} <= set(ev.columns)
    assert len(pd.read_csv(out / "evidence.csv")) == len(ev)
    assert pd.read_parquet(out / "cases.parquet").shape[0] == 3
    errors = pd.read_csv(out / "errors.csv")
    assert errors["reason"].str.contains("empty").all()
    assert not list(out.glob(".*partial"))


def test_nothing_readable_exits_nonzero(tmp_path):
    (tmp_path / "a.txt").write_text("   ")
    r = run("extract", str(tmp_path), "-o", str(tmp_path / "o"))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
