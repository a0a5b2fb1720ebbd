"""iro-evidence: clinical evidence tables from independent-review decision letters.

Public API (imports stay light; spaCy loads on first use):
    load(path=None)   the pipeline (a saved model directory, or assembled from config.cfg)
    qualify(text, spans)   assertion flags for character spans of any clinical text
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import load, qualify  # noqa: E402

__all__ = ["__version__", "load", "qualify"]
