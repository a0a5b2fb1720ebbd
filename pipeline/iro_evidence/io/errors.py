"""The one exception readers raise for a file that is not a letter."""

from __future__ import annotations


class InputError(Exception):
    """A file that cannot be read as a letter; ``stage`` says where it failed."""

    def __init__(self, stage: str, reason: str):
        super().__init__(reason)
        self.stage = stage
        self.reason = reason
