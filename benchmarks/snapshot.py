"""Snapshot of every letter's output, to show a refactoring changed nothing (issue 14).

    python benchmarks/snapshot.py save /tmp/snap.json      # before the change
    python benchmarks/snapshot.py compare /tmp/snap.json   # after: prints what changed

Covers corpus/letters and ../shared/corpus/{seed,dev,dev2}. Per letter it keeps the case
record and a digest of the evidence rows (every column, offsets included). The letters of
dev2's CHECK part (``benchmarks/dev2_split.py``) are kept as digests only and reported
as a count, so that comparing never shows what was extracted from them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from dev2_split import split  # noqa: E402
from iro_evidence import load  # noqa: E402
from iro_evidence.extract import process_texts  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"
SETS = {"corpus": ROOT / "corpus" / "letters"} | {s: SHARED / s / "letters" for s in ("seed", "dev", "dev2")}


def digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def take(nlp) -> dict[str, dict]:
    dev2 = SETS["dev2"]
    check = set(split([p.stem for p in dev2.glob("*.txt")])["check"]) if dev2.exists() else set()
    items = []
    for name, folder in SETS.items():
        for p in sorted(folder.glob("*.txt")) if folder.exists() else ():
            items.append((f"{name}/{p.stem}", str(p), p.read_text("utf-8")))
    out = {}
    for r in process_texts(nlp, items):
        entry = {"record": r.record, "rows": digest(r.rows)}
        hidden = r.case_id.startswith("dev2/") and r.case_id[5:] in check
        out[r.case_id] = {"digest": digest(entry)} if hidden else {**entry, "digest": digest(entry)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["save", "compare"])
    ap.add_argument("path", type=Path)
    args = ap.parse_args()
    snap = take(load())
    if args.mode == "save":
        args.path.write_text(json.dumps(snap, indent=0, sort_keys=True, default=str))
        print(f"saved {len(snap)} letters to {args.path}")
        return
    old = json.loads(args.path.read_text())
    changed = [
        k
        for k in sorted(old.keys() | snap.keys())
        if old.get(k, {}).get("digest") != snap.get(k, {}).get("digest")
    ]
    hidden = [k for k in changed if "record" not in old.get(k, snap.get(k, {}))]
    print(f"{len(snap)} letters, {len(changed)} changed ({len(hidden)} of them in dev2 CHECK, not shown)")
    for k in changed:
        if k in hidden:
            continue
        a, b = old.get(k, {}), snap.get(k, {})
        if not a or not b:
            print(f"  {k}: {'new letter' if b else 'letter gone'}")
            continue
        fields = [
            f
            for f in (a.get("record", {}).keys() | b.get("record", {}).keys())
            if a.get("record", {}).get(f) != b.get("record", {}).get(f)
        ]
        rows = "rows differ" if a.get("rows") != b.get("rows") else "rows same"
        print(f"  {k}: {rows}; record fields changed: {sorted(fields)}")
        for f in sorted(fields):
            print(f"      {f}: {a['record'].get(f)!r} -> {b['record'].get(f)!r}")
    sys.exit(1 if changed else 0)


if __name__ == "__main__":
    main()
