"""The service in dispute and each service's outcome (part of ``iro_decision``), apart
from the other decision facts because a service is read in steps of its own: where it is
written (the service section, else a request or ruling), its list items, each normalized
(types, levels, side, count, CPT codes) and cut where decision wording begins ("X is not
medically necessary and the denial is upheld" gives X), then paired with its outcome."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from ..matching import Folded, Triggers, can_fold
from ..rules import load_packaged
from .base import doc_text, span_ext
from .extensions import set_iro

Group = list[tuple[int, int, str, dict]]  # (start, end, label, span._.iro) of span group items


def _type_rules(r: dict) -> list[tuple[str, Folded, tuple[str, ...] | None]]:
    """One regex per type (a service only asks whether one of them matches), tried only
    when one of the type's trigger words is in the text (None: always tried)."""
    out = []
    for typ, pats in r["services"].items():
        if not pats:
            continue
        pats = [p if isinstance(p, dict) else {"pattern": p} for p in pats]
        alt = "|".join(f"(?:{p['pattern']})" for p in pats)
        words = None
        if all(p.get("triggers") for p in pats):
            words = tuple(sorted({w.lower() for p in pats for w in p["triggers"]}))
        out.append((typ, Folded(re.compile(alt, re.I if typ not in ("CT",) else 0)), words))
    return out


def _first_paragraph(body: str) -> tuple[int, re.Match | None]:
    """(offset, match) of what a service section says after its heading."""
    first_line = body.split("\n", 1)[0]
    colon = first_line.find(":")
    if 0 <= colon < 160:
        off = colon + 1
    elif first_line.strip().isupper():
        off = len(first_line)
    else:
        off = 0
    if 0 <= colon < 160 and first_line[colon + 1 :].strip():
        # "Treatment: X" on one line: X and the lines that continue it
        return off, re.search(r"\S[^\n]*(?:\n[ \t]*(?=[a-z(\d])[^\n]+)*", body[off:])
    return off, re.search(r"\S[^\n]*(?:\n(?!\s*\n)[^\n]+)*", body[off:])


class Services:
    """The service rules of ``decision.json``."""

    def __init__(self, r: dict):
        self.types = _type_rules(r)
        # every type's words, looked up once per service text
        self.type_words = sorted({w for *_, words in self.types for w in words or ()})
        self.fallback = re.compile(r["service_fallback"], re.I)
        self.gates = {
            "service_fallback": (self.fallback, Triggers(r.get("gates", {}).get("service_fallback")))
        }
        self.decision_words = re.compile(r["service_decision_words"], re.I)
        counts = r["count"] if isinstance(r["count"], list) else [r["count"]]
        self.count_res = [Folded(re.compile(c, re.I)) for c in counts]
        self.item = re.compile(r.get("service_item", r"(?!)"))
        self.cpt_re = re.compile(r["cpt"])
        self.side_res = {k: Folded(re.compile(p, re.I)) for k, p in r["side"].items()}
        # the service section's own titles (sections.json): a heading the canonical text joined
        # to its paragraph ("Description Of The Service In Dispute Cervical ESI ...") is cut off
        sections = load_packaged("sections.json")["sections"]
        titles = [t for e in sections if e["category"] == "service" for t in e["titles"]]
        alt = "|".join(r"\s+".join(map(re.escape, t.split())) for t in sorted(titles, key=len, reverse=True))
        self.heading = re.compile(rf"\s*(?:{alt})\b(?:\s*[-=_*~]{{3,}})?[ \t]*(?![ \t]*[:\n])", re.I)
        self.split = SplitServices(r["split_services"])

    def annotate(self, doc: Doc, sections: list[tuple[str, int, int]]) -> tuple[dict | None, Group]:
        """(the case's service, the ``service`` span group): the service described, with
        its items when it lists several; the Doc's per-service outcome spans get the
        normalized service too."""
        svc = self.service_text(doc, sections)
        levels_at = [(lv.start_char, span_ext(lv)["value"]) for lv in doc.spans.get("levels", [])]
        done: dict[tuple[int, int], dict] = {}

        def described(s: int, e: int) -> dict:  # once per range; each caller gets its own copy
            d = done.get((s, e)) or done.setdefault((s, e), self.describe(doc, s, e, levels_at))
            return {k: list(v) if isinstance(v, list) else v for k, v in d.items()}

        service = described(*svc) if svc else None
        items = self.service_items(doc_text(doc), *svc) if svc else []
        if len(items) > 1:
            service["items"] = [described(s, e) for s, e in items]
            for it in service["items"]:
                service["types"] += [t for t in it["types"] if t not in service["types"]]
        for span in doc.spans.get("outcome", []):
            iro = span_ext(span)
            if iro and iro.get("service"):
                desc = described(span.start_char, span.end_char)
                set_iro(span, {**iro, **{k: v for k, v in desc.items() if k != "text"}})
        if len(items) > 1:
            return service, [(s, e, "SERVICE", described(s, e)) for s, e in items]
        return service, [(svc[0], svc[1], "SERVICE", service)] if svc else []

    def service_text(self, doc: Doc, sections: list[tuple[str, int, int]]) -> tuple[int, int] | None:
        """The first paragraph of the service section (after its heading), else the
        service named in a request or ruling ("request for ...", "is not entitled to ...")."""
        text = doc_text(doc)
        for label, start, end in sections:
            if label != "service":
                continue
            head = self.heading.match(text, start, end)
            if head:  # a heading run into its text: the text starts after it
                start = head.end()
            off, first = _first_paragraph(text[start:end])
            if first and not re.fullmatch(r"[A-Z ()]+\s*:?\s*", first.group()):
                return start + off + first.start(), start + off + first.end()
        m = next(self.gates["service_fallback"][1].hits(doc).finditer(self.fallback), None)
        if m:
            return m.start("svc"), m.end("svc")
        return None

    def service_items(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """A list of services ("a. Work hardening ... b. Repeat FCE ...") split into items."""
        marks = list(self.item.finditer(text, start, end))
        if len(marks) < 2:
            return [(start, end)]
        ends = [
            m.end() + len(text[m.end() : e].rstrip())
            for m, e in zip(marks, [*(n.start() for n in marks[1:]), end])
        ]
        return [(m.end(), e) for m, e in zip(marks, ends) if e > m.end()]

    def service_types(self, text: str, gated: bool = True, low: str | None = None) -> list[str]:
        """The procedure types named in a service description (``gated``: a type is tried
        only when one of its trigger words is in the text; ``low``: ``text.lower()``, over
        which the types' regexes run folded where they can)."""
        low = text.lower() if low is None else low
        ok = can_fold(text, low)
        present = {w for w in self.type_words if w in low} if gated else None
        types: list[str] = []
        for typ, rule, words in self.types:
            if present is not None and words is not None and present.isdisjoint(words):
                continue
            pat, where = rule.pick(text, low, ok)
            if typ not in types and pat.search(where):
                if typ in ("injection", "surgery") and types:
                    continue
                types.append(typ)
        return types

    def describe(self, doc: Doc, start: int, end: int, levels_at: list[tuple[int, str]]) -> dict:
        """The service in ``[start, end)`` normalized: types, levels, side, count, CPT codes
        (``levels_at``: (start, value) of the Doc's level spans, read once by the caller)."""
        text = doc_text(doc)[start:end]
        low = text.lower()
        ok = can_fold(text, low)

        def first(rule: Folded) -> re.Match | None:
            pat, where = rule.pick(text, low, ok)
            return pat.search(where)

        levels = list(
            dict.fromkeys(v for at, value in levels_at if start <= at < end for v in value.split("|"))
        )
        count = next((m for m in map(first, self.count_res) if m), None)
        return {
            "text": self.service_name(text),
            "types": self.service_types(text, low=low),
            "levels": levels,
            "side": next((k for k, p in self.side_res.items() if first(p)), None),
            "count": text[count.start() : count.end()] if count else None,  # as written
            "cpt": [re.sub(r"\D", "", m.group()) for m in self.cpt_re.finditer(text)],
        }

    def service_name(self, text: str) -> str:
        """A service as written, without the decision wording that may follow it."""
        m = self.decision_words.search(text)
        return re.sub(r"\s+", " ", text[: m.start()] if m and m.start() > 2 else text).strip(" .,;:")

    def requested(self, text: str) -> str | None:
        """The service a request or ruling in ``text`` names ("the request for X is ...")."""
        m = self.fallback.search(text)
        return m.group("svc") if m else None

    def per_service(self, doc: Doc, service: dict | None, outcome: str | None) -> list[dict]:
        """Each service with its own outcome: the per-service results the outcome rests on
        (a split decision), else the listed services (or the one service) with the letter's
        outcome, which is unknown per service when the decision is split."""
        if outcome == "partially_overturned":
            split = self.split.find(doc_text(doc), _sections(doc), self.service_name, self.requested)
            if split:
                return split
        results = [span_ext(span) or {} for span in doc.spans.get("outcome", [])]
        results = [r for r in results if r.get("service") and r.get("how") not in ("checkbox", "box_row")]
        pairs = dict.fromkeys((self.service_name(r["service"]), r["value"]) for r in results)
        out = [{"service": self.split.clean(name), "outcome": value} for name, value in pairs if name]
        if out or service is None:
            return out
        each = None if outcome == "partially_overturned" else outcome
        items = service.get("items") or [service]
        return [{"service": it["text"], "outcome": each} for it in items if it.get("text")]


def _sections(doc: Doc) -> list[tuple[str, int, int]]:
    return [(s.label_, s.start_char, s.end_char) for s in doc.spans.get("sections", [])]


def _mark(m: re.Match) -> str:
    """The id an item mark gives ("Item (B)", "b)": b)."""
    return (m.group("id") or m.group("id2") or m.group("id3")).lower()


class SplitServices:
    """A split decision's services, each with its own outcome, from the paragraphs before the
    clinical story (``split_services`` in ``decision.json``): marked items ("Item 1 ...:
    OVERTURNED", "(a) MRI - ... upheld", "Item A: the reviewer agrees"), prose that decides
    several services in one sentence, or one statement per service. A marked item that names
    no service takes the name the list of services gave the same mark."""

    def __init__(self, r: dict):
        self.stop = set(r["stop_sections"])
        self.marker = re.compile(r["marker"], re.I)
        self.codes = re.compile(r["codes"])
        self.name_end = re.compile(r["name_end"], re.I)
        self.said = {k: re.compile(r[k], re.I) for k in ("overturned", "upheld")}
        self.prose = re.compile(r["prose"], re.I)
        self.statement = re.compile(r["statement"])
        self.lead = re.compile(r["lead"], re.I)
        self.tail = re.compile(r["tail"], re.I)
        self.verdict = re.compile(r["verdict"])
        self.table_head = re.compile(r["table_head"], re.I)
        self.table_name = re.compile(r["table_name"], re.I)
        self.bare_code = re.compile(r["bare_code"])

    def value(self, text: str) -> str | None:
        """The outcome the earliest decision wording in ``text`` gives."""
        hits = [(m.start(), -len(m.group()), k) for k, p in self.said.items() for m in [p.search(text)] if m]
        return min(hits)[2] if hits else None

    def clean(self, name: str) -> str:
        """A service without its numbering, codes and surrounding punctuation."""
        name = self.codes.sub("", name)
        prev = None
        while prev != name:
            prev, name = name, self.lead.sub("", name, count=1).strip()
        return self.tail.sub("", re.sub(r"\s+", " ", name).strip(" .,;:-"))

    def _items(self, para: str) -> list[tuple[str, str]]:
        """(mark, text after it up to the next mark) for each marked item of a paragraph."""
        marks = list(self.marker.finditer(para))
        ends = [*(m.start() for m in marks[1:]), len(para)]
        return [(_mark(m), para[m.end() : e]) for m, e in zip(marks, ends)]

    def find(self, text: str, sections: list[tuple[str, int, int]], name, requested) -> list[dict]:
        """Each service of the first paragraph that decides two or more (``name`` cuts
        decision wording from a service's text, ``requested`` finds the service a request
        names: "1) The IRO has determined that the request for X is ...")."""
        end = min((s for label, s, _ in sections if label in self.stop), default=len(text))
        listed: dict[str, str] = {}
        for para in text[:end].split("\n\n"):
            found = self._prose(para, listed) or self._marked(para, listed, name, requested)
            found = found or self._statements(para, name) or self._table(para)
            if len(found) >= 2:
                return [{"service": s, "outcome": v} for s, v in dict.fromkeys(found)]
            items = self._items(para)
            if len(items) >= 2 and not any(self.value(t) for _, t in items):
                for mark, t in items:
                    listed.setdefault(mark, self.clean(t))
        return []

    def _named(self, svc: str, listed: dict[str, str]) -> str:
        m = self.marker.search(svc)
        return (listed.get(_mark(m)) if m else None) or self.clean(svc)

    def _prose(self, para: str, listed: dict[str, str]) -> list[tuple[str, str]]:
        out = []
        for m in self.prose.finditer(para):
            verb = m.group("verb").lower()
            value = "overturned" if verb.startswith("dis") or " not " in f" {verb} " else "upheld"
            svc = self._named(m.group("svc"), listed)
            if svc:
                out.append((svc, value))
        return out

    def _marked(self, para: str, listed: dict[str, str], name, requested) -> list[tuple[str, str]]:
        out = []
        for mark, t in self._items(para):
            value = self.value(t)
            if value is None:
                continue
            at = min(m.start() for p in self.said.values() for m in [p.search(t)] if m)
            cut = self.name_end.search(t, re.match(r"[\W_]*", t).end(), at)
            asked = requested(t)
            own = self.clean(name(asked if asked else t[: cut.start() if cut else at]))
            svc = listed.get(mark) or own
            if svc:
                out.append((svc, value))
        return out

    def _table(self, para: str) -> list[tuple[str, str]]:
        """Rows of a table whose last column is the decision ("| MRI | 72148 | Overturned |"),
        run into one line: each capitalized verdict closes the row before it."""
        out, at = [], 0
        for i, m in enumerate(self.verdict.finditer(para)):
            row = re.sub(r"\|+|-{3,}", " ", para[at : m.start()]).strip()
            if i == 0:  # the table's heading and its lead-in ("Determination for each service:")
                row, prev = row.rsplit(":", 1)[-1], None
                while prev != row:
                    prev, row = row, self.table_head.sub("", row, count=1)
            row = self.clean(self.bare_code.sub("", row))
            if not self.table_name.match(row):
                return []
            out.append((row, m.lastgroup))
            at = m.end()
        rest = re.sub(r"[|\s.-]+", "", para[at:])
        return out if not rest else []

    def _statements(self, para: str, name) -> list[tuple[str, str]]:
        out = []
        for m in self.statement.finditer(para):
            value = self.value(para[m.end("svc") : m.end()])
            svc = self.clean(name(m.group("svc")))
            if value and svc:
                out.append((svc, value))
        return out
