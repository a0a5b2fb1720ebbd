"""The pipeline as an installable spaCy package: ``spacy assemble`` config.cfg (no --code:
the factories come from entry points), ``spacy package --build wheel``, install the wheel
in a temporary venv and ``spacy.load`` it by name in a fresh process."""

import json
import subprocess
import sys

import pytest
from conftest import ROOT
from test_factories import TEXT
from test_fresh_venv import new_venv, pip

LOAD = r"""
import json, sys
import spacy
nlp = spacy.load("en_iro_evidence")
doc = nlp(sys.stdin.read())
import en_iro_evidence
print(json.dumps({
    "module": en_iro_evidence.__file__,
    "meta": {k: nlp.meta[k] for k in ("name", "version", "requirements")},
    "pipeline": nlp.pipe_names,
    "outcome": doc._.iro_case["outcome"],
    "negated": sorted(s.text for s in doc.spans["concepts"] if s._.is_negated),
    "levels": sorted({s._.iro["value"] for s in doc.spans["levels"]}),
}))
"""


def run(*args, **kw):
    r = subprocess.run([*args], capture_output=True, text=True, timeout=600, **kw)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    return r


@pytest.mark.slow
def test_packaged_pipeline_wheel_installs_and_loads(tmp_path):
    model = tmp_path / "model"
    run(sys.executable, "-m", "spacy", "assemble", str(ROOT / "config.cfg"), str(model))
    assert (model / "iro_exam" / "rules.json").exists()
    dist = tmp_path / "dist"
    dist.mkdir()
    run(
        sys.executable, "-m", "spacy", "package", str(model), str(dist),
        "--name", "iro_evidence", "--version", "0.1.0", "--build", "wheel",
    )  # fmt: skip
    (wheel,) = dist.glob("en_iro_evidence-0.1.0/dist/*.whl")
    # the test environment as it is (iro_evidence included), plus the pipeline wheel
    python = new_venv(tmp_path / "venv", addsitedir=True)
    pip(python, "install", "--quiet", "--no-deps", "--no-index", str(wheel))
    pip(python, "check")  # the wheel's requirements (spaCy, iro-evidence) are met
    out = json.loads(run(python, "-c", LOAD, input=TEXT, cwd=tmp_path).stdout)
    assert out["module"].startswith(str(tmp_path / "venv"))
    assert out["meta"]["name"] == "iro_evidence" and out["meta"]["version"] == "0.1.0"
    assert any(r.startswith("iro-evidence") for r in out["meta"]["requirements"])
    assert out["pipeline"] == spacy_pipeline()
    assert out["outcome"] == "upheld"
    assert out["levels"] == ["C5-C6"]
    assert "spinal stenosis" in out["negated"]


def spacy_pipeline() -> list[str]:
    import spacy

    return spacy.util.load_config(ROOT / "config.cfg")["nlp"]["pipeline"]
