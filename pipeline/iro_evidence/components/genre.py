"""Whether a letter is a hearing decision, asked by the decision, reviewer and outcome
parts alike (a hearing reads its date, its reviewers and its ruling differently), so it
lives apart from all of them."""

from __future__ import annotations

import re

HEARING = re.compile(
    r"DECISION AND ORDER|contested case hearing|Hearing Officer|Administrative Law Judge", re.I
)
HEARING_WORDS = tuple(w.lower() for w in HEARING.pattern.split("|"))  # looked for first: cheaper


def is_hearing(text: str, low: str) -> bool:
    """A hearing decision: its heading words in the first 3000 characters."""
    head = low[:3000]
    return any(w in head for w in HEARING_WORDS) and bool(HEARING.search(text[:3000]))
