"""Startup stays light (README, "Startup"): what a fresh process imports for
``spacy.blank("en")`` with iro-evidence installed, for ``iro-evidence --help`` and
``--version``, and for the pipeline itself (medspaCy without nltk until nltk is used).
Each check runs in a fresh interpreter, as a user's command would."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version

import iro_evidence
from conftest import ROOT

HEAVY = ("spacy", "pandas", "pyarrow", "medspacy", "scispacy", "nltk", "iro_evidence.components")


def loaded_after(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; which HEAVY modules (or their submodules) it
    loaded, and whether nltk's ``__init__`` has run ("nltk_run")."""
    probe = (
        code
        + "\nimport json, sys\n"
        + f"heavy = {HEAVY!r}\n"
        + "nltk = sys.modules.get('nltk')\n"
        + "print(json.dumps({'loaded': sorted(h for h in heavy if any(m == h or m.startswith(h + '.')"
        + " for m in sys.modules)), 'nltk_run': nltk is not None and '__getattr__' not in vars(nltk)}))"
    )
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_blank_pipeline_imports_none_of_our_components():
    """spaCy imports every installed factory module for any new pipeline: ours must not
    pull in the components, medspaCy, scispaCy or nltk."""
    code = "import spacy, sys\nspacy.blank('en')\nassert 'iro_evidence.factories' in sys.modules"
    out = loaded_after(code)  # spaCy did import our factories (the entry points)
    assert out["loaded"] == ["spacy"]


def test_help_and_version_import_no_spacy_pandas_or_pyarrow():
    for flag in ("--help", "--version"):
        code = (
            "from iro_evidence.cli import app\n"
            f"try:\n    app([{flag!r}], prog_name='iro-evidence')\nexcept SystemExit as e:\n"
            "    assert e.code in (0, None), e.code\n"
        )
        assert loaded_after(code)["loaded"] == [], flag


def test_version_is_the_package_metadata():
    r = subprocess.run(
        [sys.executable, "-m", "iro_evidence.cli", "--version"], capture_output=True, text=True, cwd=ROOT
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["iro-evidence", version("iro-evidence")]
    assert iro_evidence.__version__ == version("iro-evidence")


def test_pipeline_loads_medspacy_without_running_nltk_until_it_is_used():
    """nltk's own __init__ runs on first use, and medspaCy's package is whole."""
    load = "import iro_evidence\nnlp = iro_evidence.load()\nnlp('No tenderness at C5-6.')\n"
    out = loaded_after(load)
    assert "medspacy" in out["loaded"] and "iro_evidence.components" in out["loaded"]
    assert out["nltk_run"] is False
    use = (
        "import nltk, medspacy\n"
        "assert nltk.wordpunct_tokenize('Dr. Smith') == ['Dr', '.', 'Smith']\n"
        "assert callable(medspacy.load) and medspacy.__version__\n"
    )
    assert loaded_after(load + use)["nltk_run"] is True


def test_nltk_submodule_import_and_nltk_imported_first():
    # the components' modules import medspaCy as the pipeline does (factories prepare it)
    components = (
        "from iro_evidence import factories\nfactories._components()\n"
        "import iro_evidence.components.assertion\n"
    )
    stem = "from nltk.stem import PorterStemmer\nassert PorterStemmer().stem('running') == 'run'\n"
    out = loaded_after(components + "import sys\nassert '__getattr__' in vars(sys.modules['nltk'])\n" + stem)
    assert out["nltk_run"] is True
    out = loaded_after("import nltk\n" + components)  # imported before: left alone
    assert out["nltk_run"] is True and "medspacy" in out["loaded"]
