"""The LICENSE file and the license pyproject.toml declares agree (MIT)."""

import tomllib

from conftest import ROOT


def test_license_file_matches_pyproject():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert declared == {"text": "MIT"}
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text
