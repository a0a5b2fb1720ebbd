"""Evidence rows -> the case record of GOLD_FORMAT.md (same field names and values).

The record is derived from rows only. Facts that the letter calls hypothetical,
possible, about someone else or not documented never become findings; an exam sign that
ConText negates flips to its absent form ("no spasm" -> spasm absent).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

CASE_FIELDS = [
    "case_id",
    "review_date",
    "injury_date",
    "outcome",
    "reviewer_specialty",
    "guidelines",
    "levels",
    "studies",
    "measurements",
    "exam",
    "negated",
]
EXTRA_FIELDS = ["source", "service", "service_types", "n_facts", "error"]
CASE_COLUMNS = CASE_FIELDS + EXTRA_FIELDS

FLIP = {
    "present": "absent",
    "positive": "negative",
    # a bare "weakness" under a distant negation ("rather than ... weakness") is no exam finding
    "decreased": None,
    "increased": None,
    "absent": None,
    "normal": None,
    "negative": None,
}
NEGATED_FROM_EXAM = {"atrophy": "atrophy"}
UNCERTAIN = ("possible", "hypothetical", "family", "not_documented")


def case_record(
    case_id: str, rows: Iterable[dict], case: dict | None = None, source: str | None = None
) -> dict:
    """The case record of one letter from its evidence rows and doc-level facts."""
    rows = list(rows)
    case = case or {}
    rec = {
        "case_id": case_id,
        "review_date": case.get("review_date"),
        "injury_date": case.get("injury_date"),
        "outcome": case.get("outcome"),
        "reviewer_specialty": case.get("reviewer_specialty"),
        "guidelines": list(case.get("guidelines") or []),
        "levels": _levels(rows),
        "studies": _studies(rows),
        "measurements": _measurements(rows),
        "exam": _exam(rows),
        "negated": _negated(rows),
        "source": source,
        "service": (case.get("service") or {}).get("text"),
        "service_types": list((case.get("service") or {}).get("types") or []),
        "n_facts": len(rows),
        "error": None,
    }
    return rec


def _levels(rows) -> list[str]:
    out: list[str] = []
    for r in rows:
        if r["kind"] == "level" and r["value"]:
            for v in r["value"].split("|"):
                if v not in out:
                    out.append(v)
    return out


def _studies(rows) -> list[dict]:
    out, seen = [], set()
    for r in rows:
        if r["kind"] != "study" or not r["date"] or r["status"] == "not_done":
            continue
        if r["hypothetical"] or r["negated"]:
            continue
        for d in r["date"].split("|"):
            if d == "redacted" or (r["study_type"], d) in seen:
                continue
            seen.add((r["study_type"], d))
            out.append({"type": r["study_type"], "region": r["region"], "date": d})
    return out


def _measurements(rows) -> list[dict]:
    out, seen = [], set()
    for r in rows:
        if r["kind"] != "measurement" or r["value_num"] is None:
            continue
        if r["hypothetical"] or r["family"]:
            continue
        key = (r["value_num"], r["level"])
        if key in seen:
            continue
        seen.add(key)
        m = {"value_mm": r["value_num"], "level": r["level"], "finding": r["label"]}
        if r["value_max"] is not None:
            m["value_max_mm"] = r["value_max"]
        out.append(m)
    return out


def _exam(rows) -> list[dict]:
    out, seen = [], set()
    for r in rows:
        if r["kind"] != "exam" or any(r[f] for f in UNCERTAIN) or r["historical"]:
            continue
        status = r["status"]
        details = json.loads(r["details"] or "{}")
        # a span that states its own status ("reflexes are 2+") is not flipped by a negation around it
        if r["negated"] and not details.get("stated"):
            status = FLIP.get(status)
            if status is None:
                continue
        key = (r["value"], status)
        if key in seen:
            continue
        seen.add(key)
        out.append({"sign": r["value"], "status": status, "side": r["side"]})
    return out


def _negated(rows) -> list[str]:
    out: list[str] = []
    for r in rows:
        concept = None
        if r["kind"] == "concept":
            details = json.loads(r["details"] or "{}")
            if details.get("self_negating") and not r["possible"] and not r["hypothetical"]:
                concept = r["value"]
            elif (r["negated"] or r["not_documented"]) and not (
                r["possible"] or r["hypothetical"] or r["family"]
            ):
                concept = r["value"]
        elif r["kind"] == "exam" and r["status"] in ("absent",) and r["value"] in NEGATED_FROM_EXAM:
            if not any(r[f] for f in UNCERTAIN):
                concept = NEGATED_FROM_EXAM[r["value"]]
        if concept and concept not in out:
            out.append(concept)
    return out
