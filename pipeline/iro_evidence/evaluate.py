"""Scoring against gold records, exactly as GOLD_FORMAT.md's Scoring section says.

Scalars (review_date, injury_date, outcome) score exact match: equal non-null values are
a true positive, a predicted value that differs from gold (or where gold is null) a false
positive, a gold value not predicted a false negative. Sets score over keys: levels the
canonical string, guidelines the code, studies (type, date), measurements (value_mm,
level), exam (sign, status), negated the concept. reviewer_specialty matches on word
overlap (Jaccard >= 0.5) after folding surgeon/surgery-style synonyms.

``services`` (split decisions) is an extra row, scored only over letters whose gold lists
services and left out of the macro so that the per-field figures stay comparable: a gold
service is found when an unused predicted service of the same outcome shares its words
(Jaccard >= 0.5 of lower-cased word sets without stop words).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

SCALARS = ["review_date", "injury_date", "outcome"]
SETS = ["guidelines", "levels", "studies", "measurements", "exam", "negated"]
FIELDS = SCALARS + ["reviewer_specialty"] + SETS
EXTRA = ["services"]  # scored rows outside the macro

SERVICE_STOP = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}

SYNONYMS = {
    "surgeon": "surgery",
    "anesthesiologist": "anesthesiology",
    "neurosurgeon": "neurological surgery",
    "neurosurgery": "neurological surgery",
    "physiatrist": "physical medicine and rehabilitation",
    "physiatry": "physical medicine and rehabilitation",
    "orthopaedic": "orthopedic",
}


def set_keys(fld: str, values) -> set:
    values = values or []
    if fld == "studies":
        return {(v["type"], v["date"]) for v in values}
    if fld == "measurements":
        return {(float(v["value_mm"]), v.get("level")) for v in values}
    if fld == "exam":
        return {(v["sign"], v["status"]) for v in values}
    return set(values)


def specialty_words(s: str | None) -> set[str]:
    if not s:
        return set()
    s = s.lower()
    for a, b in SYNONYMS.items():
        s = re.sub(rf"\b{a}\b", b, s)
    return {w for w in re.findall(r"[a-z]+", s) if w not in {"and", "of", "in", "board", "certified"}}


def specialty_match(pred: str | None, gold: str | None) -> bool:
    p, g = specialty_words(pred), specialty_words(gold)
    return bool(p and g) and len(p & g) / len(p | g) >= 0.5


def service_words(s: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", (s or "").lower()) if w not in SERVICE_STOP}


def service_match(pred: str | None, gold: str | None) -> bool:
    p, g = service_words(pred), service_words(gold)
    return bool(p and g) and len(p & g) / len(p | g) >= 0.5


def match_services(gold: list[dict], pred: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """(found gold, missed gold, unmatched predictions): each gold service takes the first
    unused prediction of the same outcome whose words it shares."""
    free = list(pred or [])
    found, missed = [], []
    for g in gold or []:
        same = (p for p in free if p.get("outcome") == g.get("outcome"))
        hit = next((p for p in same if service_match(p.get("service"), g.get("service"))), None)
        if hit is None:
            missed.append(g)
        else:
            found.append(g)
            free.remove(hit)
    return found, missed, free


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(gold: dict[str, dict], pred: dict[str, dict]) -> dict[str, Counts]:
    """Per-field counts over the gold cases (a case missing from pred predicts nothing)."""
    out = {f: Counts() for f in FIELDS}
    if any("services" in g for g in gold.values()):  # no row where no gold lists services
        out["services"] = Counts()
    for cid, g in sorted(gold.items()):
        p = pred.get(cid, {})
        if "services" in g:
            found, missed, extra = match_services(g["services"], p.get("services"))
            c = out["services"]
            c.tp, c.fn, c.fp = c.tp + len(found), c.fn + len(missed), c.fp + len(extra)
            c.misses += [(cid, "false alarm", (x.get("service"), x.get("outcome"))) for x in extra]
            c.misses += [(cid, "missed", (x["service"], x["outcome"])) for x in missed]
        for f in SCALARS:
            gv, pv = g.get(f), p.get(f)
            c = out[f]
            if gv is not None and pv == gv:
                c.tp += 1
            else:
                if pv is not None:
                    c.fp += 1
                    c.misses.append((cid, "false alarm", pv))
                if gv is not None:
                    c.fn += 1
                    c.misses.append((cid, "missed", gv))
        c = out["reviewer_specialty"]
        gv, pv = g.get("reviewer_specialty"), p.get("reviewer_specialty")
        if gv and pv and specialty_match(pv, gv):
            c.tp += 1
        else:
            if pv:
                c.fp += 1
                c.misses.append((cid, "false alarm", pv))
            if gv:
                c.fn += 1
                c.misses.append((cid, "missed", gv))
        for f in SETS:
            gk, pk = set_keys(f, g.get(f)), set_keys(f, p.get(f))
            c = out[f]
            c.tp += len(gk & pk)
            c.fp += len(pk - gk)
            c.fn += len(gk - pk)
            c.misses += [(cid, "false alarm", k) for k in sorted(pk - gk, key=str)]
            c.misses += [(cid, "missed", k) for k in sorted(gk - pk, key=str)]
    return out


class EvaluationError(Exception):
    """Gold or predictions that cannot be read (one line for the user)."""


def load_gold(gold_dir: Path) -> dict[str, dict]:
    out = {}
    for p in sorted(Path(gold_dir).glob("*.json")):
        try:
            out[p.stem] = json.loads(p.read_text("utf-8"))
        except (OSError, ValueError) as e:
            raise EvaluationError(f"cannot read gold record {p}: {type(e).__name__}: {e}") from None
    return out


def load_pred(path: Path) -> dict[str, dict]:
    """Case records of a cases.jsonl; in a folder written by extract, the tables must match
    its manifest.json (not a mixed or half-replaced set of outputs)."""
    from .io import MANIFEST, OutputsMismatch, check_outputs, iter_jsonl

    path = Path(path)
    # a folder extract wrote (its manifest, run.json or lock) must hold a complete set
    if any((path.parent / n).exists() for n in (MANIFEST, "run.json", ".iro-evidence.lock")):
        try:
            check_outputs(path.parent, (path.name,))
        except OutputsMismatch as e:
            raise EvaluationError(f"the outputs in {path.parent} are incomplete or mixed: {e}") from None
    try:
        return {r["case_id"]: r for r in iter_jsonl(path)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise EvaluationError(
            f"{path} is not a cases.jsonl written by extract ({type(e).__name__})"
        ) from None


def predict_letters(letters_dir: Path, nlp=None) -> dict[str, dict]:
    """Run the pipeline over a folder of letters and return case records by case_id."""
    from .api import load
    from .extract import process_texts
    from .io import InputError, case_ids, discover, read_letter

    nlp = nlp or load()
    files = discover([letters_dir])
    items = []
    for f, cid in zip(files, case_ids(files)):
        try:
            items.append((cid, str(f), read_letter(f)))
        except InputError:
            continue
    return {res.case_id: res.record for res in process_texts(nlp, items)}


def table(counts: dict[str, Counts]) -> list[dict]:
    rows = [
        {
            "field": f,
            "precision": c.precision,
            "recall": c.recall,
            "f1": c.f1,
            "tp": c.tp,
            "fp": c.fp,
            "fn": c.fn,
        }
        for f, c in counts.items()
    ]
    extra = [r for r in rows if r["field"] in EXTRA]
    rows = [r for r in rows if r["field"] not in EXTRA]
    macro = sum(r["f1"] for r in rows) / len(rows)
    rows.append(
        {"field": "macro", "precision": None, "recall": None, "f1": macro, "tp": None, "fp": None, "fn": None}
    )
    return rows + extra
