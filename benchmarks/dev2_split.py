"""The fixed tune/check split of ../shared/corpus/dev2 (issue 13), as folders of links.

    python benchmarks/dev2_split.py [OUT]      # default OUT: /tmp; makes OUT/dev2_tune, OUT/dev2_check

Rule, fixed before any dev2 letter was read: sort the case ids; the 0-based position i
goes to CHECK when i % 3 == 2, else to TUNE (87 tune, 43 check). Rules are written from
TUNE only; CHECK is scored as a whole, before and after (corpus/notes/dev2.md).
Then: ``iro-evidence evaluate OUT/dev2_check/gold --letters OUT/dev2_check/letters``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV2 = ROOT.parent / "shared" / "corpus" / "dev2"


def split(ids: list[str]) -> dict[str, list[str]]:
    ids = sorted(ids)
    return {
        "tune": [c for i, c in enumerate(ids) if i % 3 != 2],
        "check": [c for i, c in enumerate(ids) if i % 3 == 2],
    }


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp")
    ids = [p.stem for p in (DEV2 / "letters").glob("*.txt")]
    for part, cids in split(ids).items():
        for sub in ("letters", "gold"):
            (out / f"dev2_{part}" / sub).mkdir(parents=True, exist_ok=True)
        for cid in cids:
            for sub, ext in (("letters", ".txt"), ("gold", ".json")):
                link = out / f"dev2_{part}" / sub / f"{cid}{ext}"
                if not link.exists():
                    link.symlink_to(DEV2 / sub / f"{cid}{ext}")
        print(f"{part}: {len(cids)} letters in {out / f'dev2_{part}'}")


if __name__ == "__main__":
    main()
