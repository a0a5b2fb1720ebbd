"""The installed package, as another project gets it: a fresh virtual environment that
``pip install``s this checkout and, without importing iro_evidence, adds every factory to
a blank pipeline and runs it.

To stay fast and offline, the new venv borrows the test environment's dependencies
through a ``.pth`` line (plain path: the test environment's own editable install of
iro_evidence stays invisible) and installs the project with ``--no-deps``; pip builds
it from a copy of the checkout, with setuptools from its cache.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import ROOT
from test_factories import check_probe, run_probe


def new_venv(path: Path, addsitedir: bool = False) -> str:
    """A venv without pip of its own that sees this environment's packages; its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = str(path / "bin" / "python")
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    parents = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    if addsitedir:  # the .pth files there too (editable installs): this environment as it is
        lines = [f"import site; site.addsitedir({p!r})" for p in parents]
    else:
        lines = list(parents)
    (Path(purelib) / "_test_parent_env.pth").write_text("\n".join(lines) + "\n")
    return python


def pip(python: str, *args: str) -> None:
    r = subprocess.run(
        [python, "-m", "pip", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]


def source_copy(dest: Path) -> Path:
    """The files a build needs, so pip's in-tree build leaves the checkout untouched."""
    dest.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, dest / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(ROOT / "pipeline", dest / "pipeline", ignore=ignore)
    return dest


@pytest.mark.slow
def test_fresh_venv_installs_and_runs_every_factory(tmp_path):
    python = new_venv(tmp_path / "venv")
    pip(python, "install", "--quiet", "--no-deps", str(source_copy(tmp_path / "src")))
    pip(python, "check")  # iro-evidence's declared dependencies are all met
    out = run_probe(python, tmp_path)
    check_probe(out)
    # the copy pip installed, not the checkout
    assert Path(out["module_file"]).is_relative_to(tmp_path / "venv")
    r = subprocess.run(
        [str(tmp_path / "venv" / "bin" / "iro-evidence"), "--help"], capture_output=True, text=True
    )
    assert r.returncode == 0 and "extract" in r.stdout
