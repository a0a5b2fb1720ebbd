"""Doc -> evidence rows: one plain dict per extracted fact.

Every row keeps its provenance (character offsets into the original text, section,
sentence index, assertion flags, attribution) and its normalized value, plus the
offsets-based ids of the level, study and date it is linked to. The case record
(``table.case_record``) is computed from these rows only, so the CLI, notebooks,
``evaluate`` and Spark all share one path.
"""

from __future__ import annotations

import bisect
import json
import re

from .components.base import doc_text, sentence_starts
from .components.extensions import ASSERTION_FLAGS, span_values
from .layout import source_offsets, source_text

# span group -> evidence kind
KINDS = {
    "dates": "date",
    "levels": "level",
    "studies": "study",
    "measurements": "measurement",
    "findings": "finding",
    "exam": "exam",
    "concepts": "concept",
    "outcome": "outcome",
    "reviewer": "reviewer",
    "guidelines": "guideline",
    "service": "service",
    "documents": "document",
    "abbreviations": "abbreviation",
}

EVIDENCE_COLUMNS = [
    "case_id",
    "fact_id",
    "kind",
    "label",
    "text",
    "start_char",
    "end_char",
    "section",
    "sentence",
    *ASSERTION_FLAGS,
    "attribution",
    "value",
    "value_num",
    "value_max",
    "status",
    "side",
    "region",
    "role",
    "level",
    "study_type",
    "date",
    "level_id",
    "study_id",
    "date_id",
    "finding_id",
    "details",
]


def fact_id(kind: str, start: int, end: int) -> str:
    """A stable id from kind and offsets, so links survive any row order."""
    return f"{kind}:{start}-{end}"


_NONE: dict = {}  # read-only stand-in for a span without values
FLAG_OF = {f"is_{flag}": flag for flag in ASSERTION_FLAGS}  # extension name -> column


def doc_rows(doc, case_id: str) -> list[dict]:
    """All evidence rows of one processed Doc, sorted by position then kind."""
    sections = list(doc.spans["sections"]) if "sections" in doc.spans else []
    sec_starts = [s.start_char for s in sections]
    sent_starts = sentence_starts(doc)[1]
    text = doc_text(doc)  # span.text joins the span's tokens again; a slice is the same string
    values = span_values(doc)
    blank = dict.fromkeys(EVIDENCE_COLUMNS)
    blank.update(dict.fromkeys(ASSERTION_FLAGS, False))
    blank["case_id"] = case_id
    rows = []
    seen = set()
    for key, kind in KINDS.items():
        if key not in doc.spans:
            continue
        for span in doc.spans[key]:
            start, end, label = span.start_char, span.end_char, span.label_
            ident = (kind, start, end, label)
            if ident in seen:
                continue
            seen.add(ident)
            ext = values.get((start, end), _NONE)
            info = ext.get("iro") or _NONE
            k = bisect.bisect_right(sec_starts, start) - 1
            row = blank.copy()
            row["fact_id"] = f"{kind}:{start}-{end}"
            row["kind"] = kind
            row["label"] = label
            row["text"] = text[start:end]
            row["start_char"] = start
            row["end_char"] = end
            row["section"] = sections[k].label_ if k >= 0 else None
            row["sentence"] = bisect.bisect_right(sent_starts, start) - 1
            for name, v in ext.items():  # "iro", "attribution" and the flags that are set
                if name in FLAG_OF:
                    row[FLAG_OF[name]] = bool(v)
                elif name == "attribution":
                    row["attribution"] = v
            _fill(row, kind, info)
            if kind == "measurement":
                for i, (lo, hi) in enumerate(info.get("dims") or [[info.get("value_mm"), None]]):
                    r = dict(row)
                    r["value_num"], r["value_max"] = lo, hi
                    r["value"] = _fmt_mm(lo, hi)
                    if i:
                        r["fact_id"] = f"{row['fact_id']}#{i}"
                    rows.append(r)
                continue
            rows.append(row)
    rows.sort(key=lambda r: (r["start_char"], r["end_char"], r["kind"], r["fact_id"]))
    offsets = source_offsets(doc)
    if offsets is not None:
        _to_source(rows, offsets, source_text(doc))
    return rows


_ID = re.compile(r"\b([a-z]+):(\d+)-(\d+)")
ID_COLUMNS = ("fact_id", "level_id", "study_id", "date_id", "finding_id", "details")
LINK_COLUMNS = ID_COLUMNS[1:]  # the ids of other facts (the row's own is rebuilt from its offsets)


def _to_source(rows: list[dict], offsets, source: str) -> None:
    """Offsets (and the fact ids made from them) of the canonical text -> the letter as read."""
    ids: dict[str, str] = {}  # a letter's rows share their linked ids: each is mapped once

    def remap(m: re.Match) -> str:
        start, end = int(m.group(2)), int(m.group(3))
        return f"{m.group(1)}:{offsets.start(start)}-{offsets.end(end)}"

    for row in rows:
        own = f"{row['kind']}:{row['start_char']}-{row['end_char']}"  # the row's own id (+ "#i")
        start, end = offsets.start(row["start_char"]), offsets.end(row["end_char"])
        row["start_char"], row["end_char"], row["text"] = start, end, source[start:end]
        fid = row["fact_id"]
        if fid.startswith(own):
            row["fact_id"] = f"{row['kind']}:{start}-{end}{fid[len(own) :]}"
        else:
            row["fact_id"] = ids[fid] = _ID.sub(remap, fid)
        for col in LINK_COLUMNS:
            value = row[col]
            if value and ":" in value:
                new = ids.get(value)
                if new is None:
                    new = ids[value] = _ID.sub(remap, value)
                row[col] = new
        details = row["details"]
        if details and DETAIL_OFFSET.search(details):
            row["details"] = json.dumps(_remap_details(json.loads(details), offsets))


# offsets kept in ``details`` (an abbreviation's long form, the sentence an outcome rests on)
DETAIL_OFFSETS = ("long_start", "long_end", "reference_at", "date_offsets")
DETAIL_OFFSET = re.compile("|".join(DETAIL_OFFSETS))


def _remap_details(details: dict, offsets) -> dict:
    def pair(v):
        return [offsets.start(v[0]), offsets.end(v[1])] if len(v) == 2 and isinstance(v[0], int) else v

    for key in DETAIL_OFFSETS:
        v = details.get(key)
        if v is None:
            continue
        if key == "long_start":
            details[key] = offsets.start(v)
        elif key == "long_end":
            details[key] = offsets.end(v)
        elif isinstance(v, list) and v and isinstance(v[0], list):
            details[key] = [pair(x) for x in v]
        elif isinstance(v, list):
            details[key] = pair(v)
    return details


def _fmt_mm(lo, hi) -> str | None:
    if lo is None:
        return None
    return f"{lo:g}-{hi:g} mm" if hi is not None else f"{lo:g} mm"


def _ids(kind: str, offsets) -> str | None:
    """fact_id(s) of linked spans: one [start, end] pair or a list of them, joined by '|'."""
    if not offsets:
        return None
    pairs = offsets if isinstance(offsets[0], (list, tuple)) else [offsets]
    return "|".join(fact_id(kind, s, e) for s, e in pairs)


def _fill_date(row: dict, info: dict) -> None:
    row["value"], row["role"] = info.get("value"), info.get("role")
    details = {"format": info.get("format"), "study": info.get("study")}
    if info.get("range"):
        details.update(range=info["range"], range_id=fact_id("date", *info["range_offsets"]))
    if info.get("document"):
        details.update(document=info["document"], document_type=info.get("document_type"))
        if info.get("listed"):
            details["document_id"] = fact_id("document", *info["document_offsets"])
    row["details"] = json.dumps(details)


def _fill_level(row: dict, info: dict) -> None:
    row["value"] = row["level"] = info.get("value")
    row["details"] = json.dumps({"kind": info.get("kind")})


def _fill_study(row: dict, info: dict) -> None:
    row["value"] = row["study_type"] = info.get("type")
    row["region"] = info.get("region")
    row["date"] = "|".join(info.get("dates") or []) or None
    row["date_id"] = _ids("date", info.get("date_offsets") or None)
    row["status"] = "done" if info.get("done", True) else "not_done"
    row["details"] = json.dumps({"contrast": info.get("contrast")})


def _fill_linked(row: dict, info: dict) -> None:
    """What a finding and a measurement share: the level and study they belong to."""
    row["level"] = info.get("level")
    row["study_type"] = info.get("study")
    row["date"] = info.get("study_date")
    row["level_id"] = _ids("level", info.get("level_offsets"))
    row["study_id"] = _ids("study", info.get("study_offsets"))


def _fill_measurement(row: dict, info: dict) -> None:
    _fill_linked(row, info)
    row["label"] = info.get("finding") or "other"
    row["finding_id"] = _ids("finding", info.get("finding_offsets"))
    row["details"] = json.dumps({"unit": info.get("unit"), "dimensions": len(info.get("dims") or [1])})


def _fill_finding(row: dict, info: dict) -> None:
    _fill_linked(row, info)
    row["value"] = info.get("finding")
    row["value_num"], row["value_max"] = info.get("size_mm"), info.get("size_max_mm")
    size_id = _ids("measurement", info.get("size_offsets"))
    keys = ("position", "subtype", "grade")
    row["details"] = json.dumps({**{k: info.get(k) for k in keys}, "size_id": size_id})


EXAM_DETAILS = ("grade", "reflex", "muscle", "myotome", "dermatome", "degrees", "position", "circumference")


def _fill_exam(row: dict, info: dict) -> None:
    row["value"] = info.get("sign")
    row["status"], row["side"] = info.get("status"), info.get("side")
    row["value_num"] = info.get("degrees")
    details = {k: info.get(k) for k in EXAM_DETAILS if info.get(k)}
    row["details"] = json.dumps({"stated": info.get("stated"), **details})


def _fill_concept(row: dict, info: dict) -> None:
    row["value"] = info.get("concept")
    marks = {k: True for k in ("asserted", "answered_none") if info.get(k)}
    row["details"] = json.dumps({"self_negating": info.get("self_negating"), **marks})


def _fill_document(row: dict, info: dict) -> None:
    row["value"] = info.get("value")
    row["date"] = "|".join(info.get("dates") or []) or None
    row["date_id"] = _ids("date", info.get("date_offsets") or None)
    row["details"] = json.dumps({"document": info.get("document")})


def _fill_service(row: dict, info: dict) -> None:
    row["value"] = "|".join(info.get("types") or []) or None
    row["level"] = "|".join(info.get("levels") or []) or None
    row["side"] = info.get("side")
    row["details"] = json.dumps({"count": info.get("count"), "cpt": info.get("cpt")})


def _fill_other(row: dict, info: dict) -> None:
    """Outcomes, decisions and the rest: the value, and every other attribute as details."""
    row["value"] = info.get("value")
    if row["kind"] == "outcome" and info.get("service"):
        row["level"] = "|".join(info.get("levels") or []) or None
        row["side"] = info.get("side")
    details = {k: v for k, v in info.items() if k not in ("value", "levels", "side")}
    if details:
        row["details"] = json.dumps(details)


FILL = {
    "date": _fill_date,
    "level": _fill_level,
    "study": _fill_study,
    "measurement": _fill_measurement,
    "finding": _fill_finding,
    "exam": _fill_exam,
    "concept": _fill_concept,
    "document": _fill_document,
    "service": _fill_service,
}


def _fill(row: dict, kind: str, info: dict) -> None:
    """Kind-specific columns from the span's normalized attributes."""
    FILL.get(kind, _fill_other)(row, info)
