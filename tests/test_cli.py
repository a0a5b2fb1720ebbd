import json
import os
import subprocess
import sys

import pandas as pd
import pytest
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
    assert not list(out.glob(".*partial")) and not list(out.glob(".iro-evidence-tmp-*"))
    # run.json: what made the tables; the summary line says where they are
    info = json.loads((out / "run.json").read_text())
    assert info["iro_evidence_version"] and len(info["rules_sha256"]) == 64
    assert info["python"] == ".".join(map(str, sys.version_info[:3])) and info["spacy"]
    assert info["inputs"] == [str(letters)]
    assert info["counts"] | {"facts": 0, "chars_read": 0} == {
        "letters_found": 4, "extracted": 3, "extracted_now": 3, "resumed": 0, "errors": 1,
        "skipped": 0, "facts": 0, "chars_read": 0,
    }  # fmt: skip
    assert info["timing"]["seconds"] > 0 and info["timing"]["started"] <= info["timing"]["finished"]
    assert set(info["null_share"]) >= {"review_date", "injury_date", "outcome", "levels"}
    assert info["null_share"]["review_date"] == 0.0 and info["null_share"]["injury_date"] == round(1 / 3, 4)
    assert f"-> {out}" in r.stdout
    from iro_evidence.io import check_outputs

    check_outputs(out)  # the manifest vouches for every table


def test_nothing_readable_exits_nonzero(tmp_path):
    (tmp_path / "a.txt").write_text("   ")
    r = run("extract", str(tmp_path), "-o", str(tmp_path / "o"))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr


def _gold(folder, cases):
    folder.mkdir()
    for cid, outcome in cases.items():
        rec = {"case_id": cid, "review_date": "2013-01-02", "outcome": outcome}
        (folder / f"{cid}.json").write_text(json.dumps(rec))


def test_evaluate_fails_when_it_compared_nothing(tmp_path):
    _gold(tmp_path / "gold", {"a": "upheld", "b": "overturned", "c": "upheld"})
    pred = tmp_path / "out" / "cases.jsonl"
    pred.parent.mkdir()
    pred.write_text(json.dumps({"case_id": "a", "review_date": "2013-01-02", "outcome": "upheld"}) + "\n")
    r = run("evaluate", str(tmp_path / "gold"), "--pred", str(pred))
    assert r.returncode == 0, r.stderr
    assert "3 gold cases: 1 matched, 2 missing" in r.stdout
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"case_id": "zz", "outcome": "upheld"}) + "\n")
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "a.txt").write_text("DATE OF REVIEW: 01/02/2013")
    for args, code, says in (
        (["evaluate", str(tmp_path / "gold"), "--pred", str(other)], 1, "No gold case matched"),
        (["evaluate", str(tmp_path / "nope"), "--pred", str(pred)], 2, "No gold folder"),
        (["evaluate", str(tmp_path / "letters"), "--pred", str(pred)], 1, "No gold records"),
        (["evaluate", str(tmp_path / "gold"), "--pred", str(tmp_path / "cases.csv")], 2, "No such file"),
        (
            ["evaluate", str(tmp_path / "gold"), "--pred", str(tmp_path / "letters" / "a.txt")],
            2,
            "cases.jsonl",
        ),
    ):
        r = run(*args)
        assert r.returncode == code, (args, r.stderr)
        assert says in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert "Traceback" not in r.stderr


def test_usage_errors_are_one_line_and_exit_2(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("DATE OF REVIEW: 01/02/2013")
    for args, says in (
        (["extract", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "--max-mb", "nan"], "positive numbers"),
        (["extract", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "--letter-timeout", "inf"], "positive"),
        (["build", str(tmp_path / "no" / "such" / "model")], "does not exist"),
    ):
        r = run(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert says in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_spark_without_java_is_one_line(tmp_path):
    import importlib.util

    import pytest

    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("pyspark not installed")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("DATE OF REVIEW: 01/02/2013")
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path)}  # no java on PATH, no JAVA_HOME
    r = subprocess.run(
        [sys.executable, "-m", "iro_evidence.cli", "spark", str(tmp_path / "in"), "-o", str(tmp_path / "o")],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert r.returncode == 2 and "Spark needs Java" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_stdout_to_dev_full(tmp_path):
    import os

    import pytest

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text((CORPUS / "letters" / "iro_w01.txt").read_text())
    cmd = [
        sys.executable,
        "-m",
        "iro_evidence.cli",
        "extract",
        str(tmp_path / "in"),
        "-o",
        str(tmp_path / "o"),
    ]
    with open("/dev/full", "w") as full:
        r = subprocess.run(
            cmd,
            cwd=ROOT, stdout=full, stderr=subprocess.PIPE, text=True, timeout=300,
        )  # fmt: skip
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == "Cannot write to standard output: No space left on device"
    assert (tmp_path / "o" / "manifest.json").exists()  # the outputs themselves are complete


@pytest.mark.parametrize(
    "sig, code, n",
    [
        ("SIGTERM", 143, "2"),
        pytest.param("SIGINT", 130, "2", marks=pytest.mark.slow),
        pytest.param("SIGHUP", 129, "1", marks=pytest.mark.slow),
    ],
)
def test_sigterm_and_sighup_stop_cleanly(tmp_path, sig, code, n):
    import signal
    import time

    src = tmp_path / "in"
    src.mkdir()
    letters = sorted((CORPUS / "letters").glob("*.txt"))
    for i in range(150):
        (src / f"{i:03d}.txt").write_bytes(letters[i % len(letters)].read_bytes())
    out = tmp_path / "out"
    p = subprocess.Popen(
        [sys.executable, "-m", "iro_evidence.cli", "extract", str(src), "-o", str(out), "-n", n],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    journal = out / ".iro-evidence.journal.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None:
        if journal.exists() and journal.read_bytes().count(b"\n") >= 5:
            break
        time.sleep(0.05)
    assert p.poll() is None, "finished before the signal"
    os.killpg(p.pid, getattr(signal, sig))  # to the workers too, as a terminal's Ctrl-C does
    stdout, stderr = p.communicate(timeout=60)
    assert p.returncode == code, stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert ("Interrupted" if sig == "SIGINT" else f"Stopped ({sig})") in stderr
    left = sorted(x.name for x in out.iterdir())
    assert left == [".iro-evidence.journal.jsonl", ".iro-evidence.lock"]  # no temp files, no tables
