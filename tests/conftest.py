import json
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "corpus" / "seed"
DEV = SHARED / "corpus" / "dev"
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def nlp():
    import iro_evidence

    return iro_evidence.load()


def needs_shared():
    return pytest.mark.skipif(not SEED.exists(), reason="../shared is not beside the checkout")


def rewrap(text: str, width: int = 66) -> str:
    """``text`` with each paragraph re-wrapped at ``width`` columns, as PDF text breaks lines."""
    paras = text.split("\n\n")
    return "\n\n".join("\n".join(textwrap.wrap(p, width)) or p for p in paras)


def every_letter() -> list[tuple[str, str]]:
    """(name, text) of every letter the equivalence tests run on: the bundled corpus as
    written and re-wrapped at 66 columns, the real excerpts and the seed letter from
    ../shared when present, and the sentences of the assertion test sets."""
    out = []
    for p in sorted((CORPUS / "letters").glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        out += [(p.stem, text), (f"{p.stem}~wrapped", rewrap(text))]
    for folder in (DEV / "letters", SEED / "letters"):
        out += [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))]
    for name in ("assertion_general", "assertion_letters"):
        with open(ROOT / "tests" / "data" / f"{name}.jsonl", encoding="utf-8") as f:
            sents = [json.loads(line)["text"] for line in f if line.strip()]
        out.append((name, "\n\n".join(dict.fromkeys(sents))))
    return out
