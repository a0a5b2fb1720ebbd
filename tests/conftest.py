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
