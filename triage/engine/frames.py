"""Build canonical frames from plain dicts (tests, demos, other stages' fixtures).

`canonical_frame([{"sex": "F", "prolactin": "45", "prolactin_unit": "ng/mL"}])` gives a frame with
every column of `schema.CANONICAL_COLUMNS`, in order and dtype, unspecified cells empty (<NA>/NaN).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from triage.schema import CANONICAL_COLUMNS, FLAG_FIELDS

# Keys accepted besides the canonical column names.
_CONVENIENCE_KEYS = frozenset({"prolactin", "unit"})
_RESULT_TEXT = re.compile(r"^\s*([<>])?\s*=?\s*(\d+(?:\.\d+)?)\s*$")


def canonical_frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """A canonical frame holding `rows`; columns not given are empty, of the right dtype.

    Besides canonical column names a row may give `prolactin` (a number or a result as written:
    "45", "<3.0", ">470"; it fills prolactin_raw, prolactin_value and qualifier) and `unit`
    (fills prolactin_unit and unit_raw).  A yes/no field given as text ("HD Mon/Wed/Fri") goes to
    its f"{name}_text" column, with the flag itself left unknown.  `source_row` defaults to the
    row's position below a header row (2, 3, ...).
    """
    known = set(CANONICAL_COLUMNS) | _CONVENIENCE_KEYS
    prepared = [_prepare_row(dict(row), index, known) for index, row in enumerate(rows)]
    columns = {
        name: _column([row.get(name) for row in prepared], dtype)
        for name, dtype in CANONICAL_COLUMNS.items()
    }
    return pd.DataFrame(columns, index=pd.RangeIndex(len(prepared)))


def _prepare_row(row: dict[str, Any], index: int, known: set[str]) -> dict[str, Any]:
    unknown = sorted(set(row) - known)
    if unknown:
        raise KeyError(f"not canonical columns: {', '.join(unknown)}")
    if "prolactin" in row:
        _fill_result(row, row.pop("prolactin"))
    if "unit" in row:
        unit = row.pop("unit")
        row.setdefault("prolactin_unit", unit)
        row.setdefault("unit_raw", unit)
    row.setdefault("unit_raw", row.get("prolactin_unit"))
    row.setdefault("source_file", "")
    row.setdefault("source_sheet", "")
    row.setdefault("source_row", index + 2)
    if row.get("qualifier") is None and row.get("prolactin_value") is not None:
        row["qualifier"] = ""
    for flag in FLAG_FIELDS:
        value = row.get(flag)
        if isinstance(value, str):
            row.setdefault(f"{flag}_text", value)
            row[flag] = None
    return row


def _fill_result(row: dict[str, Any], result: object) -> None:
    if result is None:
        return
    if isinstance(result, int | float) and not isinstance(result, bool):
        row.setdefault("prolactin_raw", f"{result:g}")
        row.setdefault("prolactin_value", float(result))
        row.setdefault("qualifier", "")
        return
    text = str(result)
    row.setdefault("prolactin_raw", text)
    match = _RESULT_TEXT.match(text)
    if match:
        row.setdefault("prolactin_value", float(match.group(2)))
        row.setdefault("qualifier", match.group(1) or "")


def _column(values: list[Any], dtype: str) -> pd.Series:
    if dtype.startswith("datetime64"):
        stamps = [_timestamp(v) for v in values]
        return pd.Series(pd.to_datetime(pd.Series(stamps, dtype="object")), dtype=dtype)
    if dtype == "float64":
        floats = [np.nan if _missing(v) else float(v) for v in values]
        return pd.Series(floats, dtype="float64")
    if dtype == "int64":
        return pd.Series([int(v) for v in values], dtype="int64")
    if dtype == "boolean":
        return pd.Series([None if _missing(v) else bool(v) for v in values], dtype="boolean")
    return pd.Series([None if _missing(v) else str(v) for v in values], dtype=dtype)


def _timestamp(value: object) -> pd.Timestamp | None:
    if _missing(value):
        return None
    if isinstance(value, datetime | date | str):
        return pd.Timestamp(value)
    raise TypeError(f"not a date: {value!r}")


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and np.isnan(value)
