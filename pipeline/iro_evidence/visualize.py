"""displaCy views of a processed letter, so a person can check what was extracted.

One displaCy "document" per section (its title is the section category), so sections stay
visible in both styles. Facts are coloured by kind; the label also names the assertion
(``negated``, ``not documented``, ``hypothetical``, ...) because a negated finding must
not read like a present one. The ``ent`` style keeps line breaks and shows the normalized
value; it cannot draw overlaps, so the longest fact wins. The ``span`` style draws every
fact, overlaps included. Everything goes through displaCy's manual mode: plain dicts.
"""

from __future__ import annotations

import html
from typing import Literal

from .components.extensions import ASSERTION_FLAGS
from .rows import KINDS

Style = Literal["ent", "span"]

COLORS = {
    "date": "#c7e9c0",
    "level": "#fdd0a2",
    "study": "#9ecae1",
    "measurement": "#fcbba1",
    "finding": "#dadaeb",
    "exam": "#fee391",
    "concept": "#d9d9d9",
    "outcome": "#a1d99b",
    "guideline": "#bcbddc",
    "reviewer": "#bcbddc",
    "service": "#c6dbef",
    "abbreviation": "#f0f0f0",
}
# facts the letter states absent or uncertain get a red-tinted colour of their own
ASSERTED_COLOR = "#f4a6a6"
UNCERTAIN_COLOR = "#f7d1e8"


def assertion(span) -> list[str]:
    """The assertion flags set on a fact span, as words ("not documented")."""
    return [f.replace("_", " ") for f in ASSERTION_FLAGS if getattr(span._, f"is_{f}", False)]


def fact_label(kind: str, flags: list[str]) -> str:
    """``EXAM`` or ``CONCEPT negated`` / ``FINDING not documented``."""
    return kind.upper() + (" " + ", ".join(flags) if flags else "")


def _value(span) -> str:
    info = span._.iro or {}
    for key in ("value", "sign", "concept", "finding", "type"):
        if info.get(key):
            v = str(info[key])
            if key == "sign" and info.get("status"):
                v += f" {info['status']}"
            return v
    if info.get("value_mm") is not None:
        hi = info.get("value_max_mm")
        return f"{info['value_mm']:g}" + (f"-{hi:g}" if hi is not None else "") + " mm"
    return ""


def facts(doc) -> list[dict]:
    """Every fact span of the Doc as a plain dict, sorted by position.

    Keys: kind, label (with assertion), flags, value, start/end (characters) and
    start_token/end_token.
    """
    out = []
    seen = set()
    for key, kind in KINDS.items():
        for s in doc.spans.get(key, []):
            ident = (kind, s.start_char, s.end_char)
            if ident in seen:
                continue
            seen.add(ident)
            flags = assertion(s)
            out.append(
                {
                    "kind": kind,
                    "label": fact_label(kind, flags),
                    "flags": flags,
                    "value": _value(s),
                    "start": s.start_char,
                    "end": s.end_char,
                    "start_token": s.start,
                    "end_token": s.end,
                }
            )
    return sorted(out, key=lambda f: (f["start"], -f["end"]))


def sections(doc) -> list[tuple[str | None, int, int]]:
    """(category, start_token, end_token) covering the whole Doc; text before the first
    section, or a Doc without sections, gets category None."""
    secs = sorted(doc.spans.get("sections", []), key=lambda s: s.start)
    out: list[tuple[str | None, int, int]] = []
    pos = 0
    for s in secs:
        if s.start > pos:
            out.append((None, pos, s.start))
        if s.end > max(s.start, pos):
            out.append((s.label_, max(s.start, pos), s.end))
            pos = s.end
    if pos < len(doc):
        out.append((None, pos, len(doc)))
    # blank lines between sections are not worth a heading of their own
    return [(label, a, b) for label, a, b in out if doc[a:b].text.strip()]


def colors(labels) -> dict[str, str]:
    """displaCy colours for every label: by kind, red for negated, pink for uncertain."""
    out = {}
    for label in labels:
        kind, _, flags = label.partition(" ")
        if "negated" in flags or "not documented" in flags:
            out[label] = ASSERTED_COLOR
        elif flags:
            out[label] = UNCERTAIN_COLOR
        else:
            out[label] = COLORS.get(kind.lower(), "#eeeeee")
    return out


def _title(doc, label, start: int, end: int) -> str:
    name = label or "(no section)"
    return f"§ {name} (characters {doc[start:end].start_char}-{doc[start:end].end_char})"


def ent_data(doc) -> list[dict]:
    """displaCy ``ent`` manual data, one dict per section; overlaps resolved longest-first."""
    all_facts = facts(doc)
    out = []
    for label, start, end in sections(doc):
        sec = doc[start:end]
        inside = [f for f in all_facts if f["start"] >= sec.start_char and f["end"] <= sec.end_char]
        kept: list[dict] = []
        # longest first; on a tie the clinical reading (exam sign, concept) beats the finding term
        for f in sorted(
            inside, key=lambda f: (-(f["end"] - f["start"]), f["start"], f["kind"] not in ("exam", "concept"))
        ):
            if all(f["end"] <= k["start"] or f["start"] >= k["end"] for k in kept):
                kept.append(f)
        ents = [
            {
                "start": f["start"] - sec.start_char,
                "end": f["end"] - sec.start_char,
                "label": f["label"],
                "kb_id": f["value"],
                "kb_url": "#",
            }
            for f in sorted(kept, key=lambda f: f["start"])
        ]
        out.append({"text": sec.text, "ents": ents, "title": _title(doc, label, start, end)})
    return out


def span_data(doc) -> list[dict]:
    """displaCy ``span`` manual data, one dict per section; every fact, overlaps kept."""
    all_facts = facts(doc)
    out = []
    for label, start, end in sections(doc):
        spans = [
            {
                "start_token": f["start_token"] - start,
                "end_token": f["end_token"] - start,
                "label": f["label"],
            }
            for f in all_facts
            if f["start_token"] >= start and f["end_token"] <= end
        ]
        tokens = [t.text for t in doc[start:end]]
        out.append(
            {
                "text": doc[start:end].text,
                "tokens": tokens,
                "spans": spans,
                "title": _title(doc, label, start, end),
            }
        )
    return out


def render_markup(doc, style: Style = "ent") -> str:
    """displaCy HTML of the letter (no page around it): for notebooks, via ``IPython.display.HTML``."""
    from spacy import displacy

    if style not in ("ent", "span"):
        raise ValueError(f"style must be 'ent' or 'span', not {style!r}")
    data = ent_data(doc) if style == "ent" else span_data(doc)
    key = "ents" if style == "ent" else "spans"
    labels = {x["label"] for d in data for x in d[key]}
    options = {"colors": colors(labels)}
    # jupyter=False: displaCy would otherwise display and return None inside a notebook
    return displacy.render(data, style=style, manual=True, page=False, jupyter=False, options=options)


def legend() -> str:
    """HTML chips for every kind and assertion colour."""
    chips = [(k.upper(), c) for k, c in COLORS.items()]
    chips += [
        ("negated / not documented", ASSERTED_COLOR),
        ("hypothetical / possible / ...", UNCERTAIN_COLOR),
    ]
    return " ".join(
        f'<span style="background:{c};padding:0.2em 0.5em;border-radius:0.3em;margin:0.1em;'
        f'display:inline-block;font-size:0.8em">{html.escape(n)}</span>'
        for n, c in chips
    )


def case_table(record: dict) -> str:
    """A two-column HTML table of a case record (lists and dicts shown compactly)."""

    def cell(v) -> str:
        if isinstance(v, list):
            return "; ".join(cell(x) for x in v) or "–"
        if isinstance(v, dict):
            return ", ".join(f"{k}={x}" for k, x in v.items() if x is not None)
        return "–" if v is None else str(v)

    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(k)}</th>"
        f"<td>{html.escape(cell(v))}</td></tr>"
        for k, v in record.items()
        if k not in ("error", "source")
    )
    return f"<table style='font-size:0.9em;border-collapse:collapse'>{rows}</table>"


def render_html(doc, style: Style = "ent", title: str = "letter", record: dict | None = None) -> str:
    """A standalone page: the case record, a legend, then the letter section by section."""
    if record is None:
        from .extract import process_doc

        record = process_doc(doc, title)[1]
    body = render_markup(doc, style)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}: iro-evidence</title></head>"
        "<body style='font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;"
        "margin:2em;max-width:70em'>"
        f"<h1>{html.escape(title)}</h1>{case_table(record)}<p>{legend()}</p><hr>{body}</body></html>"
    )
