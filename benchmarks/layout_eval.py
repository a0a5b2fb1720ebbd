"""How many case records survive each layout transform unchanged (issue 13).

    python benchmarks/layout_eval.py [FOLDER ...] [--show N]

Runs every letter of the folders (default: corpus/letters, ../shared/corpus/{seed,dev,dev2}/letters)
as written and after each transform of ``tests/transforms.py``, and prints per transform the
share of case records that stayed the same, and which fields changed most often.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from iro_evidence import load  # noqa: E402
from iro_evidence.extract import process_texts  # noqa: E402
from iro_evidence.table import CASE_FIELDS  # noqa: E402
from transforms import TRANSFORMS  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"
DEFAULT = [ROOT / "corpus" / "letters"] + [SHARED / s / "letters" for s in ("seed", "dev", "dev2")]


def records(nlp, named: list[tuple[str, str]]) -> dict[str, dict]:
    items = [(name, name, text) for name, text in named]
    return {r.case_id: {f: r.record.get(f) for f in CASE_FIELDS} for r in process_texts(nlp, items)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="*", type=Path)
    ap.add_argument("--show", type=int, default=0, help="print this many changed records per transform")
    ap.add_argument("--only", default=None, help="comma-separated transform names")
    args = ap.parse_args()
    folders = args.folders or [f for f in DEFAULT if f.exists()]
    letters = [(p.stem, p.read_text("utf-8")) for f in folders for p in sorted(f.glob("*.txt"))]
    nlp = load()
    base = records(nlp, letters)
    names = args.only.split(",") if args.only else list(TRANSFORMS)
    print(f"{len(letters)} letters")
    for name in names:
        fn = TRANSFORMS[name]
        got = records(nlp, [(cid, fn(text)) for cid, text in letters])
        changed = [cid for cid in base if got[cid] != base[cid]]
        fields = Counter(f for cid in changed for f in CASE_FIELDS if got[cid][f] != base[cid][f])
        share = 1 - len(changed) / len(base)
        print(f"{name:15s} unchanged {share:6.1%}  ({len(changed)} changed)  {dict(fields.most_common(6))}")
        for cid in changed[: args.show]:
            for f in CASE_FIELDS:
                if got[cid][f] != base[cid][f]:
                    print(f"    {cid} {f}: {base[cid][f]!r} -> {got[cid][f]!r}")


if __name__ == "__main__":
    main()
