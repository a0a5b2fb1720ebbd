"""``load`` and ``qualify``: the two entry points most users need."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path


def load(path: str | Path | None = None):
    """The full pipeline: from a saved directory, or assembled from the packaged config.cfg."""
    import spacy

    from . import (
        factories,  # noqa: F401  (registers factories when not installed as a package)
        tokenizer,  # noqa: F401
    )

    if path is not None:
        return spacy.load(path)
    from spacy.util import load_config_from_str

    cfg = resources.files("iro_evidence").joinpath("config.cfg").read_text("utf-8")
    config = load_config_from_str(cfg)
    nlp = spacy.util.load_model_from_config(config, auto_fill=True)
    nlp.initialize()
    return nlp


@lru_cache(maxsize=1)
def _qualifier():
    nlp = load()
    keep = {"iro_sentences", "iro_sections", "iro_assertion"}
    for name in list(nlp.pipe_names):
        if name not in keep:
            nlp.remove_pipe(name)
    return nlp


def qualify(text: str, spans: list[tuple[int, int]], profile: str = "auto") -> list[dict]:
    """Assertion flags for each (start_char, end_char) span of ``text``.

    Returns one dict per span with boolean keys ``negated``, ``possible``,
    ``hypothetical``, ``historical``, ``family`` and ``not_documented``, from the same
    sentence splitter, sections and ConText rules the pipeline uses. ``profile``:
    "general" (any clinical text), "letter" (a review letter: the letter rules on top)
    or "auto" (the text's genre decides).
    """
    from .layout import source_offsets

    nlp = _qualifier()
    doc = nlp.make_doc(text)
    for _, proc in nlp.pipeline[:-1]:
        doc = proc(doc)
    offsets = source_offsets(doc)  # the spans are given in ``text``; the Doc holds its canonical text
    targets = []
    for start, end in spans:
        if offsets is not None:
            start, end = offsets.to_canonical(start), max(offsets.to_canonical(end - 1) + 1, 0)
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            raise ValueError(f"span ({start}, {end}) does not cover any token of the text")
        targets.append(span)
    chosen = None if profile == "auto" else profile
    return nlp.get_pipe("iro_assertion").qualify_spans(doc, targets, profile=chosen)
