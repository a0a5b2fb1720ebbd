"""Sentence boundaries: ``iro_sentences`` against medspaCy's default PyRuSH splitter.

    python benchmarks/sentences_eval.py

iro-evidence replaced PyRuSH (92% of medspaCy's default run time) with a line-aware
splitter. This script prints, in one run:

1. boundary precision/recall/F1 of both against ``tests/data/sentences_gold.jsonl``:
   passages written the way letters are laid out (heading blocks, records lists,
   numbered criteria, checkboxes, addresses, prose wrapped mid-sentence as in PDF text,
   abbreviations and decimals), with their sentences marked by hand;
2. how often the two agree on the bundled letters, as they are and re-wrapped at 66
   columns, and where they disagree (at a line break or inside a line);
3. the speed of each, in characters per second, on the bundled letters.

A boundary is the character offset where a sentence's first non-space token starts.
"""

from __future__ import annotations

import json
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def gold_passages() -> list[tuple[str, str, set[int]]]:
    """(id, text, boundary offsets) of each gold passage."""
    out = []
    with open(ROOT / "tests" / "data" / "sentences_gold.jsonl", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            text, starts = "", set()
            for i, sent in enumerate(d["sentences"]):
                if i:
                    text += d["joiners"][i - 1]
                    starts.add(len(text))
                text += sent
            out.append((d["id"], text, starts))
    return out


def boundaries(doc) -> set[int]:
    out = set()
    for sent in doc.sents:
        toks = [t for t in sent if not t.is_space]
        if toks and toks[0].idx > 0:
            out.add(toks[0].idx)
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def splitters():
    import iro_evidence  # noqa: F401  (registers the factories)
    import spacy
    from loguru import logger

    logger.disable("PyRuSH")
    ours = spacy.blank("en")
    ours.tokenizer = iro_evidence.load().tokenizer
    ours.add_pipe("iro_sentences")
    import medspacy

    pyrush = medspacy.load(enable=["medspacy_pyrush"])
    return {"iro_sentences": ours, "PyRuSH (medspaCy default)": pyrush}


def rewrap(text: str, width: int = 66) -> str:
    return "\n\n".join("\n".join(textwrap.wrap(p, width)) or p for p in text.split("\n\n"))


def main() -> None:
    nlps = splitters()
    passages = gold_passages()
    print("## Against hand-marked boundaries (tests/data/sentences_gold.jsonl)\n")
    print("| splitter | precision | recall | F1 | passages exactly right |")
    print("|---|---|---|---|---|")
    for name, nlp in nlps.items():
        tp = fp = fn = exact = 0
        misses = []
        for pid, text, gold in passages:
            got = boundaries(nlp(text))
            tp, fp, fn = tp + len(got & gold), fp + len(got - gold), fn + len(gold - got)
            exact += got == gold
            if got != gold:
                misses.append(pid)
        p, r, f = prf(tp, fp, fn)
        print(f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} | {exact}/{len(passages)} |")
        print(f"<!-- {name} wrong on: {', '.join(misses) or 'none'} -->", file=sys.stderr)

    letters = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus" / "letters").glob("*.txt"))]
    print("\n## Agreement on the bundled letters (PyRuSH's boundaries as the reference)\n")
    print(
        "| letters | boundaries (PyRuSH) | agree | only PyRuSH: at a line break / inside a line "
        "| only ours: at a line break / inside a line |"
    )
    print("|---|---|---|---|---|")
    (ours_name, ours), (ref_name, ref) = list(nlps.items())
    for label, texts in (("as written", letters), ("re-wrapped at 66 columns", [rewrap(t) for t in letters])):
        n_ref = agree = 0
        only_ref, only_ours = [0, 0], [0, 0]
        for text in texts:
            a, b = boundaries(ours(text)), boundaries(ref(text))
            n_ref += len(b)
            agree += len(a & b)
            for pos in b - a:
                only_ref["\n" not in text[max(0, pos - 3) : pos]] += 1
            for pos in a - b:
                only_ours["\n" not in text[max(0, pos - 3) : pos]] += 1
        ref_cols, our_cols = f"{only_ref[0]} / {only_ref[1]}", f"{only_ours[0]} / {only_ours[1]}"
        print(f"| {label} | {n_ref} | {agree} | {ref_cols} | {our_cols} |")

    print("\n## Speed on the bundled letters\n")
    print("| splitter (with the tokenizer) | chars/s |")
    print("|---|---|")
    chars = sum(map(len, letters))
    for name, nlp in nlps.items():
        t0 = time.perf_counter()
        for _ in nlp.pipe(letters):
            pass
        print(f"| {name} | {chars / (time.perf_counter() - t0):,.0f} |")


if __name__ == "__main__":
    main()
