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
EXTRA_FIELDS = ["source", "service", "service_types", "services", "n_facts", "error"]
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
        "services": [dict(s) for s in case.get("services") or []],  # [{service, outcome}]
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
    """Dated studies that were done, one per (type, date). ConText negation is not used:
    "an EMG dated 9/18/12 was negative" is a study done; the studies component marks
    studies that were not done (requested, "no MRI"). A myelogram and a CT on one date are
    one CT_MYELOGRAM; "the December 2008 MRI" is the MRI of 12/05/2008 when that is listed."""
    out, seen = [], {}
    for r in rows:
        if r["kind"] != "study" or not r["date"] or r["status"] == "not_done" or r["hypothetical"]:
            continue
        for d in r["date"].split("|"):
            if d == "redacted" or (r["study_type"], d) in seen:
                continue
            seen[(r["study_type"], d)] = len(out)
            out.append({"type": r["study_type"], "region": r["region"], "date": d})
    for d in {s["date"] for s in out}:
        parts = {t for t in ("CT", "MYELOGRAM", "CT_MYELOGRAM") if (t, d) in seen}
        if len(parts) > 1 or parts == {"CT", "MYELOGRAM"}:
            keep = seen.get(("CT_MYELOGRAM", d), seen.get(("MYELOGRAM", d)))
            out[keep]["type"] = "CT_MYELOGRAM"
            for t in parts:
                if seen[(t, d)] != keep:
                    out[seen[(t, d)]] = None
    out = [s for s in out if s is not None]
    full = {(s["type"], s["date"]) for s in out}
    return [
        s
        for s in out
        if not any(t == s["type"] and len(d) > len(s["date"]) and d.startswith(s["date"]) for t, d in full)
    ]


def _measurements(rows) -> list[dict]:
    """One measurement per (size, level); a size stated for a list of levels ("2 mm
    bulges at L3-4 and L4-5") is one measurement at each level."""
    out, seen = [], set()
    for r in rows:
        if r["kind"] != "measurement" or r["value_num"] is None:
            continue
        if r["hypothetical"] or r["family"]:
            continue
        for level in (r["level"] or "").split("|"):
            level = level or None
            key = (r["value_num"], level)
            if key in seen:
                continue
            seen.add(key)
            m = {"value_mm": r["value_num"], "level": level, "finding": r["label"]}
            if r["value_max"] is not None:
                m["value_max_mm"] = r["value_max"]
            out.append(m)
    # a size repeated without its level ("unchanged, with the same 2 mm anterolisthesis") is
    # the one already stated at a level for the same finding
    stated = {(m["value_mm"], m["finding"]) for m in out if m["level"] is not None}
    return [m for m in out if m["level"] is not None or (m["value_mm"], m["finding"]) not in stated]


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


# imaging findings that, stated as present at a level, outweigh a negation at another level
FINDING_CONCEPT = {("stenosis", "foraminal"): "foraminal_stenosis"}
# findings that are concepts of their own whatever their subtype ("a linear fracture of the
# transverse process of L1" outweighs "no compression fractures are seen")
FINDING_IS_CONCEPT = {
    "fracture": "fracture",
    "herniation": "herniation",
    "spondylolisthesis": "spondylolisthesis",
}
# exam findings that assert a concept: a deficit found on examination stays positive even
# where another sentence denies it ("triceps weakness" ... "no weakness of the thenar muscles")
EXAM_CONCEPT = {
    ("strength", "decreased"): "weakness",
    ("atrophy", "present"): "atrophy",
    ("reflexes", "decreased"): "reflex_loss",
    ("reflexes", "absent"): "reflex_loss",
    ("sensation", "decreased"): "sensory_loss",
    ("sensation", "absent"): "sensory_loss",
}


NOT_PRESENT = ("negated", "possible", "hypothetical", "family", "not_documented", "historical")


def _present_at(rows) -> dict[str, set]:
    """Concepts an imaging report states as present, with the levels they are at."""
    out: dict[str, set] = {}
    for r in rows:
        if r["kind"] != "finding" or r["level"] is None:
            continue
        if any(
            r[f] for f in ("negated", "possible", "hypothetical", "family", "not_documented", "historical")
        ):
            continue
        sub = json.loads(r["details"] or "{}").get("subtype")
        concept = FINDING_CONCEPT.get((r["value"], sub)) or FINDING_IS_CONCEPT.get(r["value"])
        if concept:
            out.setdefault(concept, set()).add(r["level"])
    return out


def _negated(rows) -> list[str]:
    """Concepts the letter calls absent; a finding the imaging shows at one level stays
    positive even if it is denied at another ("no foraminal compromise at C4-5 ... right
    foraminal narrowing at C5-6"), and a concept stated as found anywhere (at a side or level,
    "the EMG showed", "is evident") stays positive whoever denies it elsewhere (a UR quote,
    an older study). An indications list answered by "none of them is present" is absent."""
    present = _present_at(rows)
    positive = _found_on_exam(rows) | _asserted(rows)
    out: list[str] = []
    for r in rows:
        if r["kind"] == "concept":
            concept = _denied_concept(r, json.loads(r["details"] or "{}"), present)
        elif r["kind"] == "exam":
            concept = _denied_by_exam(r)
        else:
            continue
        if concept and concept not in out and concept not in positive:
            out.append(concept)
    return out


def _found_on_exam(rows) -> set:
    """Concepts an exam sign shows present (stated as a fact, not as a possibility)."""
    return {
        EXAM_CONCEPT.get((e["value"], e["status"]))
        for e in rows
        if e["kind"] == "exam"
        and not e["negated"]
        and not e["historical"]
        and not any(e[f] for f in UNCERTAIN)
    }


def _asserted(rows) -> set:
    """Concepts stated as found somewhere in the letter (the concepts component marks them)."""
    out = set()
    for r in rows:
        if r["kind"] != "concept" or any(r[f] for f in NOT_PRESENT):
            continue
        d = json.loads(r["details"] or "{}")
        if d.get("asserted") and not d.get("self_negating"):
            out.add(r["value"])
    return out


def _denied_concept(r: dict, details: dict, present: dict) -> str | None:
    """The concept a concept row calls absent, if it does: a self-negating term ("neurologically
    intact"), or a negated / not documented / answered-none mention, unless the imaging shows
    the finding at another level."""
    if details.get("self_negating"):
        return r["value"] if not r["possible"] and not r["hypothetical"] else None
    if r["possible"] or r["hypothetical"] or r["family"]:
        return None
    if not (r["negated"] or r["not_documented"] or details.get("answered_none")):
        return None
    if r["negated"] and present.get(r["value"], set()) - {r["level"], None}:
        return None
    return r["value"]


def _denied_by_exam(r: dict) -> str | None:
    """The concept an exam sign found absent denies ("no atrophy" denies atrophy), when the
    sign is stated as a fact."""
    if r["status"] != "absent" or r["value"] not in NEGATED_FROM_EXAM or any(r[f] for f in UNCERTAIN):
        return None
    return NEGATED_FROM_EXAM[r["value"]]
