"""Assertion on sentence/concept pairs: medspaCy's default ConText beside ``iro_evidence.qualify``.

Both systems get the same gold concept spans as targets. medspaCy runs as ``medspacy.load()``
builds it (PyRuSH sentences, default English ConText rules); it has no "not documented"
status, so it never predicts one. Prints one P/R/F1 table per data set, both systems side
by side, computed in the same run.

Two record formats are read: ours (``text``, ``start``, ``end`` and one boolean per status)
and the public MACCROBAT2020 set of ``../shared/assertion/maccrobat.jsonl`` (Caufield et al.
2019, CC BY 4.0: ``sentence`` and a ``gold`` dict with ``negated``, ``possible`` and
``historical_partial``). A set is scored only on the statuses its gold has; MACCROBAT marks
only past medical history, so its historical row is recall only (precision and F1 blank).
The MACCROBAT set is added to the default sets when it is there.

    python benchmarks/assertion_eval.py [tests/data/assertion_general.jsonl ...] [--errors]
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

FLAGS = ("negated", "possible", "hypothetical", "historical", "family", "not_documented")
DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
DEFAULT_SETS = [DATA / "assertion_general.jsonl", DATA / "assertion_letters.jsonl"]
MACCROBAT = Path(__file__).resolve().parents[2] / "shared" / "assertion" / "maccrobat.jsonl"
RECALL_ONLY = "recall_only"  # statuses whose gold marks only some of the true cases
MEDSPACY_ATTR = {
    "negated": "is_negated",
    "possible": "is_uncertain",
    "hypothetical": "is_hypothetical",
    "historical": "is_historical",
    "family": "is_family",
}


def load_cases(path: str | Path) -> list[dict]:
    """The records of a set, each in our format; a MACCROBAT record gets ``text`` and its
    statuses (``scored``: the statuses its gold has; ``recall_only``: those it marks partly)."""
    cases = []
    for line in Path(path).read_text("utf-8").splitlines():
        if not line.strip():
            continue
        c = json.loads(line)
        if "sentence" in c and "gold" in c:
            gold = c["gold"]
            c = {**c, "text": c["sentence"], "id": f"{c.get('doc')}:{c['start']}"}
            c.update(dict.fromkeys(FLAGS, False))
            c["negated"], c["possible"] = bool(gold.get("negated")), bool(gold.get("possible"))
            c["historical"] = bool(gold.get("historical_partial"))
            c["scored"] = ["negated", "possible", "historical"]
            c[RECALL_ONLY] = ["historical"]
        cases.append(c)
    return cases


def _by_text(cases: list[dict]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(cases):
        groups[c["text"]].append(i)
    return groups


def predict_medspacy(cases: list[dict]) -> list[dict]:
    """medspaCy 1.3.1 default pipeline (PyRuSH + default ConText rules), one gold span as the ent."""
    import medspacy
    from loguru import logger

    logger.disable("PyRuSH")
    nlp = medspacy.load()
    context = nlp.get_pipe("medspacy_context")
    sentences = nlp.get_pipe("medspacy_pyrush")
    preds: list[dict] = [{}] * len(cases)
    for text, idx in _by_text(cases).items():
        for i in idx:
            doc = sentences(nlp.make_doc(text))
            span = doc.char_span(cases[i]["start"], cases[i]["end"], label="CONCEPT", alignment_mode="expand")
            doc.ents = [span]
            context(doc)
            ent = doc.ents[0]
            p = {flag: bool(getattr(ent._, attr)) for flag, attr in MEDSPACY_ATTR.items()}
            p["not_documented"] = False
            preds[i] = p
    return preds


def profile_of(cases: list[dict]) -> str:
    """The ``qualify`` profile for a set: "letter" for sentences taken from review letters
    (every record's ``source`` is "letter"; alone, a sentence does not show its genre),
    else "auto"."""
    return "letter" if cases and all(c.get("source") == "letter" for c in cases) else "auto"


def predict_ours(cases: list[dict]) -> list[dict]:
    """``iro_evidence.qualify``: the pipeline's sentences, sections and assertion rules."""
    import iro_evidence

    profile = profile_of(cases)
    preds: list[dict] = [{}] * len(cases)
    for text, idx in _by_text(cases).items():
        out = iro_evidence.qualify(text, [(cases[i]["start"], cases[i]["end"]) for i in idx], profile=profile)
        for i, p in zip(idx, out):
            preds[i] = {f: bool(p[f]) for f in FLAGS}
    return preds


def score(cases: list[dict], preds: list[dict]) -> dict[str, dict]:
    """Per status: tp, fp, fn, precision, recall, F1; and the share of cases with every flag right.
    Statuses the set does not annotate are left out; a recall-only status has precision and
    F1 None."""
    out = {}
    scored = cases[0].get("scored", FLAGS) if cases else FLAGS
    partial = set(cases[0].get(RECALL_ONLY, ())) if cases else set()
    for f in FLAGS:
        if f not in scored:
            continue
        tp = sum(1 for c, p in zip(cases, preds) if c[f] and p[f])
        fp = sum(1 for c, p in zip(cases, preds) if not c[f] and p[f])
        fn = sum(1 for c, p in zip(cases, preds) if c[f] and not p[f])
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[f] = {"tp": tp, "fp": fp, "fn": fn, "precision": prec, "recall": rec, "f1": f1}
        if f in partial:
            out[f].update(precision=None, f1=None, fp=None)
    full = [f for f in FLAGS if f in scored and f not in partial]
    exact = sum(all(c[f] == p[f] for f in full) for c, p in zip(cases, preds))
    out["all_flags_exact"] = {"accuracy": exact / len(cases) if cases else 0.0, "n": len(cases)}
    return out


def compare(path: str | Path) -> dict[str, dict]:
    """Both systems on one data set, in the same run: {"medspacy": scores, "ours": scores}."""
    cases = load_cases(path)
    return {
        "medspacy_default": score(cases, predict_medspacy(cases)),
        "iro_evidence": score(cases, predict_ours(cases)),
    }


def print_table(name: str, result: dict[str, dict]) -> None:
    n = next(iter(result.values()))["all_flags_exact"]["n"]
    print(f"\n{name}  (n={n})")
    print(f"{'status':<16}" + "".join(f"{s + ' P / R / F1':>30}" for s in result))
    for f in FLAGS:
        if f not in next(iter(result.values())):
            continue
        cells = []
        for scores in result.values():
            s = scores[f]
            if s["f1"] is None:
                cells.append(f"- / {s['recall']:.3f} / -".rjust(30))
            else:
                cells.append(f"{s['precision']:.3f} / {s['recall']:.3f} / {s['f1']:.3f}".rjust(30))
        print(f"{f:<16}" + "".join(cells))
    acc = "".join(f"{r['all_flags_exact']['accuracy']:.3f}".rjust(30) for r in result.values())
    print(f"{'all flags exact':<16}{acc}")


def print_errors(path: str | Path) -> None:
    cases = load_cases(path)
    scored = cases[0].get("scored", FLAGS) if cases else FLAGS
    for c, p in zip(cases, predict_ours(cases)):
        if any(c[f] != p[f] for f in scored):
            exp = [f for f in scored if c[f]]
            got = [f for f in scored if p[f]]
            print(f"{c['id']}\t{c['text'][c['start'] : c['end']]!r}\tgold={exp} ours={got}\t{c['text']!r}")


def main(argv: list[str]) -> None:
    defaults = DEFAULT_SETS + ([MACCROBAT] if MACCROBAT.exists() else [])
    paths = [a for a in argv if not a.startswith("--")] or [str(p) for p in defaults]
    for path in paths:
        if "--errors" in argv:
            print_errors(path)
        print_table(Path(path).name, compare(path))


if __name__ == "__main__":
    main(sys.argv[1:])
