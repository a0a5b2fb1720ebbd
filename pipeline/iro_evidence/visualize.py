"""displaCy views of a processed letter: facts coloured by kind, assertion in the label."""

from __future__ import annotations

from .rows import KINDS

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
}


def spans_for_display(doc) -> list[dict]:
    out = []
    for key, kind in KINDS.items():
        for s in doc.spans.get(key, []):
            flags = [
                f
                for f in ("negated", "not_documented", "hypothetical", "possible", "historical", "family")
                if getattr(s._, f"is_{f}")
            ]
            label = kind.upper() + (f" [{','.join(flags)}]" if flags else "")
            out.append({"start_token": s.start, "end_token": s.end, "label": label})
    return out


def render_html(doc, style: str = "span") -> str:
    from spacy import displacy

    spans = spans_for_display(doc)
    sections = [
        {"start_token": s.start, "end_token": s.end, "label": f"SECTION {s.label_}"}
        for s in doc.spans.get("sections", [])
    ]
    data = {"text": doc.text, "spans": spans + sections, "tokens": [t.text for t in doc]}
    colors = {f"{k.upper()}": c for k, c in COLORS.items()}
    return displacy.render(data, style="span", manual=True, page=True, options={"colors": colors})
