"""Row views shared by every file writer: which columns a file holds and how a chunk of the
engine's results frame (``RESULT_COLUMNS`` then ``RESULT_EXTRA_COLUMNS``) becomes cells.

Every function here works on one chunk at a time and gives the same cells whatever the chunking
(a row's cells depend on that row only), so that a file written chunk by chunk is the file
written at once.  Numbers are shown by the one rule of triage/numbers.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any, Final

import numpy as np
import pandas as pd

from triage.numbers import age_rounded_array, rounded_array
from triage.schema import (
    ENGINE_EXTRA_COLUMNS,
    REJECTED_COLUMNS,
    RESULT_COLUMNS,
    RESULT_EXTRA_COLUMNS,
    InputSummary,
    Rejected,
)

# Columns whose cells are lists of dicts (not written to CSV/XLSX; JSON writes them as objects).
DETAIL_COLUMNS: Final[tuple[str, ...]] = ("factor_details", "suggestion_details", "history_details")
# Columns holding codes; the CSV joins a list of codes with ";" (contract §5).
CODE_LIST_COLUMNS: Final[tuple[str, ...]] = ("factors", "suggestions")
# The JSON "factors"/"suggestions" are the detail objects (contract §4).
JSON_DETAIL_FOR: Final[dict[str, str]] = {
    "factors": "factor_details",
    "suggestions": "suggestion_details",
}
FACTOR_KEYS: Final[tuple[str, ...]] = ("code", "label", "strength", "evidence", "rule")
SUGGESTION_KEYS: Final[tuple[str, ...]] = ("code", "label", "reason", "rule")
# Columns that only repeat, flattened, what JSON already holds as objects.
JSON_SKIPPED: Final[tuple[str, ...]] = (*DETAIL_COLUMNS, "factor_evidence")

if not set(DETAIL_COLUMNS) <= set(RESULT_EXTRA_COLUMNS):  # pragma: no cover - schema drift guard
    raise ImportError("triage.schema.RESULT_EXTRA_COLUMNS no longer holds the detail columns")

ISO_DATETIME: Final = "%Y-%m-%dT%H:%M:%S"
# A collection written without a time is held at midnight (the readers, values.py): the machine
# outputs write it as the date alone, as the reports and results.fhir.json do, never with an
# invented time of 00:00 (review 12).
ISO_DATE: Final = "%Y-%m-%d"
_INFINITE: Final = (math.inf, -math.inf)

# Numbers as every output shows them (triage/numbers.py, the one rule for CSV, JSON, XLSX, the
# reports and the evidence texts): results, limits and ratios to at most two decimals below 100
# and one from 100 up; ages to one decimal from 2 years and three below.
VALUE_COLUMNS: Final[tuple[str, ...]] = (
    "prolactin_ng_ml",
    "reference_low_ng_ml",
    "reference_high_ng_ml",
    "times_uln",
)
AGE_COLUMNS: Final[tuple[str, ...]] = ("age_years",)


def default_file_columns() -> list[str]:
    """The columns of results.csv / results.xlsx when no result was written at all."""
    extras = [c for c in ENGINE_EXTRA_COLUMNS if c not in DETAIL_COLUMNS]
    return [*RESULT_COLUMNS, *extras]


def result_file_columns(results: pd.DataFrame) -> list[str]:
    """Columns of results.csv / results.xlsx: the contract's, then the scalar extensions."""
    missing = [c for c in RESULT_COLUMNS if c not in results.columns]
    if missing:
        raise ValueError(f"results frame lacks contract columns: {', '.join(missing)}")
    extras = [c for c in RESULT_EXTRA_COLUMNS if c in results.columns and c not in DETAIL_COLUMNS]
    return [*RESULT_COLUMNS, *extras]


def json_columns(results: pd.DataFrame) -> list[str]:
    return [c for c in result_file_columns(results) if c not in JSON_SKIPPED]


def shown_numbers(values: pd.Series, name: str) -> pd.Series:
    """A value or age column rounded as the outputs show it; any other column unchanged."""
    if name not in VALUE_COLUMNS and name not in AGE_COLUMNS:
        return values
    if not is_numeric(values):
        return values
    rounder = rounded_array if name in VALUE_COLUMNS else age_rounded_array
    return pd.Series(rounder(values), index=values.index, name=values.name)


def is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def join_codes(value: object) -> str:
    """A ``factors``/``suggestions`` cell as the contract's ``;``-joined codes."""
    if is_missing(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        return ";".join(str(v) for v in value if not is_missing(v))
    return str(value)


def joined_codes(values: Sequence[Any]) -> list[str]:
    """``join_codes`` of every cell, each distinct cell object joined once (the engine shares one
    list between the rows with the same codes)."""
    cache: dict[int, str] = {}
    out: list[str] = []
    for value in values:
        if type(value) is str:
            out.append(value)
            continue
        key = id(value)
        text = cache.get(key)
        if text is None:
            text = cache[key] = join_codes(value)
        out.append(text)
    return out


def text_column(values: pd.Series, name: str) -> pd.Series:
    if name in CODE_LIST_COLUMNS:
        return pd.Series(joined_codes(values.tolist()), index=values.index, dtype="string")
    if isinstance(values.dtype, pd.StringDtype):
        return values
    return values.map(lambda v: pd.NA if is_missing(v) else str(v)).astype("string")


def is_datetime(values: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(values.dtype)


def is_numeric(values: pd.Series) -> bool:
    dtype = values.dtype
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def iso_strings(values: pd.Series) -> pd.Series:
    """Datetimes as ISO 8601 text (``2026-03-01T08:30:00``), the date alone at midnight (a date
    given without a time: ``2026-03-01``); missing stays missing."""
    fast = _iso_fast(values)
    if fast is not None:
        return fast
    text: pd.Series = values.dt.strftime(ISO_DATETIME).astype("string")
    dated = (values == values.dt.normalize()).fillna(False).to_numpy(dtype=bool)
    if dated.any():
        text = text.mask(dated, values.dt.strftime(ISO_DATE).astype("string"))
    return text


def is_date_only(value: datetime) -> bool:
    """A datetime at midnight: a date given without a time (the readers hold it so)."""
    return (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)


_ISO_YEARS: Final = (np.datetime64("1000-01-01", "s"), np.datetime64("9999-12-31T23:59:59", "s"))


def _iso_fast(values: pd.Series) -> pd.Series | None:
    """``iso_strings`` by numpy (a C loop, not strftime per cell) for naive datetimes in whole
    seconds of the years 1000-9999, the same text; None for any other column."""
    if not isinstance(values.dtype, np.dtype) or values.dtype.kind != "M":
        return None
    stamps = values.to_numpy()  # in the column's own unit
    seconds = stamps.astype("datetime64[s]")
    present = ~np.isnat(stamps)
    shown = seconds[present]
    if len(shown) and (
        (stamps[present] != shown).any()  # a fraction of a second
        or shown.min() < _ISO_YEARS[0]
        or shown.max() > _ISO_YEARS[1]
    ):
        return None
    text = np.datetime_as_string(seconds, unit="s").astype(object)
    days = seconds.astype("datetime64[D]")
    dated = present & (days == seconds)  # midnight: a date without a time
    if dated.any():
        text[dated] = np.datetime_as_string(days[dated], unit="D").astype(object)
    text[~present] = None
    return pd.Series(text, index=values.index, dtype="string")


# ---------------------------------------------------------------------------------------------
# JSON values
# ---------------------------------------------------------------------------------------------
def json_scalar_column(values: pd.Series) -> list[Any]:
    if is_datetime(values):
        return [None if pd.isna(v) else v for v in iso_strings(values).tolist()]
    if pd.api.types.is_bool_dtype(values.dtype):
        return [None if is_missing(v) else bool(v) for v in values.tolist()]
    if pd.api.types.is_integer_dtype(values.dtype):
        if not values.hasnans:
            return [int(v) for v in values.tolist()]
        return [None if is_missing(v) else int(v) for v in values.tolist()]
    if pd.api.types.is_float_dtype(values.dtype):
        if isinstance(values.dtype, np.dtype):  # NaN, never pd.NA
            return [None if (v != v or v in _INFINITE) else v for v in values.tolist()]
        return [None if (is_missing(v) or math.isinf(v)) else float(v) for v in values.tolist()]
    if isinstance(values.dtype, pd.StringDtype):
        return values.astype(object).where(values.notna(), None).tolist()
    return [json_value(v) for v in values.tolist()]


def _plain(value: object) -> Any:
    """``json_value`` with a fast path for the common cases (text, None)."""
    if value is None or type(value) is str:
        return value
    return json_value(value)


def json_value(value: object) -> Any:
    """Any cell as a JSON value: NaN/NA → null, datetimes ISO, numpy scalars → Python."""
    if is_missing(value):
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:  # a time the tool took (the run's): with its UTC offset
            return value.isoformat(timespec="seconds")
        return value.strftime(ISO_DATE if is_date_only(value) else ISO_DATETIME)
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isinf(value) else value
    if hasattr(value, "item"):  # numpy scalar
        return json_value(value.item())
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return str(value)


def detail_objects(
    value: object, keys: Sequence[str], codes: object = None
) -> list[dict[str, Any]]:
    """A factor/suggestion detail cell as JSON objects with ``keys`` (missing keys → null).

    When the engine gave no details, the ``;``-joined ``codes`` are used with the code as label.
    """
    items: list[dict[str, Any]] = []
    if isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, Mapping):
                obj = {k: _plain(item.get(k)) for k in keys}
                if len(item) > len(keys) or any(k not in item for k in keys):
                    obj.update({str(k): _plain(v) for k, v in item.items() if k not in obj})
                items.append(obj)
        return items
    for code in filter(None, join_codes(codes).split(";")):
        obj = dict.fromkeys(keys)
        obj.update(code=code, label=code)
        items.append(obj)
    return items


def detail_cells(results: pd.DataFrame, name: str) -> tuple[tuple[str, ...], list[Any], list[Any]]:
    """For ``factors`` or ``suggestions``: the keys of its objects, the cells of its detail
    column (None when the frame has none) and its code cells."""
    details_name = JSON_DETAIL_FOR[name]
    keys = FACTOR_KEYS if name == "factors" else SUGGESTION_KEYS
    details = (
        results[details_name].tolist() if details_name in results.columns else [None] * len(results)
    )
    return keys, details, results[name].tolist()


def detail_column(results: pd.DataFrame, name: str) -> list[list[dict[str, Any]]]:
    """``factors`` or ``suggestions`` as lists of objects, from their detail column; each
    distinct cell object is converted once (the engine shares identical detail lists between
    rows), so rows with the same details share the same list of objects."""
    keys, details, codes = detail_cells(results, name)
    cache: dict[tuple[int, int], list[dict[str, Any]]] = {}
    out: list[list[dict[str, Any]]] = []
    for d, c in zip(details, codes, strict=True):
        key = (id(d), 0) if isinstance(d, list | tuple) else (id(d), id(c))
        objects = cache.get(key)
        if objects is None:
            objects = cache[key] = detail_objects(d, keys, c)
        out.append(objects)
    return out


def input_summary_json(summary: InputSummary) -> dict[str, Any]:
    return {k: json_value(v) for k, v in asdict(summary).items()}


def rejected_rows(rejected: Sequence[Rejected]) -> list[tuple[str, str, int, str, str, str, str]]:
    """The cells of rejected.csv (REJECTED_COLUMNS, in order)."""
    return [
        (
            r.source_file,
            r.source_sheet,
            int(r.source_row),
            r.reason_code,
            r.detail,
            r.patient_id,
            r.specimen_id,
        )
        for r in rejected
    ]


def rejected_json(rejected: Sequence[Rejected]) -> list[dict[str, Any]]:
    return [dict(zip(REJECTED_COLUMNS, row, strict=True)) for row in rejected_rows(rejected)]
