"""Fixed Arrow schemas of the output tables, so every run writes the same columns and types."""

from __future__ import annotations

import pyarrow as pa

from .rows import EVIDENCE_COLUMNS
from .table import CASE_COLUMNS

_STR = pa.string()
_FLOAT = pa.float64()

STUDY = pa.struct([("type", _STR), ("region", _STR), ("date", _STR)])
MEASUREMENT = pa.struct([("value_mm", _FLOAT), ("value_max_mm", _FLOAT), ("level", _STR), ("finding", _STR)])
EXAM = pa.struct([("sign", _STR), ("status", _STR), ("side", _STR)])
SERVICE = pa.struct([("service", _STR), ("outcome", _STR)])

CASE_TYPES = {
    "guidelines": pa.list_(_STR),
    "levels": pa.list_(_STR),
    "studies": pa.list_(STUDY),
    "measurements": pa.list_(MEASUREMENT),
    "exam": pa.list_(EXAM),
    "negated": pa.list_(_STR),
    "service_types": pa.list_(_STR),
    "services": pa.list_(SERVICE),
    "n_facts": pa.int64(),
}
EVIDENCE_TYPES = {
    "start_char": pa.int64(),
    "end_char": pa.int64(),
    "sentence": pa.int64(),
    "negated": pa.bool_(),
    "possible": pa.bool_(),
    "hypothetical": pa.bool_(),
    "historical": pa.bool_(),
    "family": pa.bool_(),
    "not_documented": pa.bool_(),
    "value_num": _FLOAT,
    "value_max": _FLOAT,
}
ERROR_COLUMNS = ["case_id", "source", "stage", "reason"]

CASES = pa.schema([(c, CASE_TYPES.get(c, _STR)) for c in CASE_COLUMNS])
EVIDENCE = pa.schema([(c, EVIDENCE_TYPES.get(c, _STR)) for c in EVIDENCE_COLUMNS])
ERRORS = pa.schema([(c, _STR) for c in ERROR_COLUMNS])
