"""Machine-readable outputs: results.csv, results.json, rejected.csv and results.xlsx.

The writers take the engine's results frame (``RESULT_COLUMNS`` then ``RESULT_EXTRA_COLUMNS``) and
write to open handles; ``triage.output.write_outputs`` hands them the temporary files of an
``AtomicFileSet`` so that the set is written whole or not at all.

Formula injection: a text cell that a spreadsheet program could run as a formula (it begins with
``= + - @``, their full-width forms, a tab or a carriage return, also after leading white space) is
written with a leading apostrophe in CSV and XLSX.  Numbers of numeric columns stay numbers; a
*string* such as ``"-5"`` is text and is neutralised too.  JSON is data, not a spreadsheet: its
values are written exactly.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import IO, Any, Final, TextIO

import numpy as np
import pandas as pd

try:  # a fast JSON encoder (a dependency; the standard library's encoder if it is missing)
    import orjson
except ImportError:  # pragma: no cover - orjson has wheels for every usual platform
    orjson = None  # type: ignore[assignment]

from triage.numbers import age_rounded_array, rounded_array
from triage.schema import (
    REJECTED_COLUMNS,
    RESULT_COLUMNS,
    RESULT_EXTRA_COLUMNS,
    InputSummary,
    Rejected,
)

# Columns whose cells are lists of dicts (not written to CSV/XLSX; JSON writes them as objects).
DETAIL_COLUMNS: Final[tuple[str, ...]] = ("factor_details", "suggestion_details")
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
CSV_FLOAT_FORMAT: Final = "%.10g"  # enough digits for any lab value, none of binary float noise
# RFC 4180 line ends.  With CRLF the csv module quotes every cell holding a lone CR or LF, so a
# carriage return inside a cell can never split a row.
CSV_LINE_END: Final = "\r\n"

# ---------------------------------------------------------------------------------------------
# Formula injection
# ---------------------------------------------------------------------------------------------
# White space a spreadsheet may skip before it looks for "=": ASCII, no-break, the Unicode spaces,
# zero-width space and BOM.  Written as literal characters so that any regex engine reads them.
_SPACES: Final = "\t\n\x0b\x0c\r \u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
# = + - @ and their full-width and small forms.
_TRIGGERS: Final = "=+@\uff1d\uff0b\uff20\ufe62\ufe66\ufe6b\uff0d\ufe63\\-"
FORMULA_PATTERN: Final = f"^(?:[\t\r]|[{_SPACES}]*[{_TRIGGERS}])"
_FORMULA_RE: Final = re.compile(FORMULA_PATTERN)
NEUTRALISING_PREFIX: Final = "'"


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet program could take ``text`` for a formula."""
    return _FORMULA_RE.match(text) is not None


def neutralise_text(text: str) -> str:
    """``text`` made inert for spreadsheets (an apostrophe in front of a formula trigger)."""
    return NEUTRALISING_PREFIX + text if is_formula_like(text) else text


def neutralise_series(values: pd.Series) -> pd.Series:
    """Vectorised ``neutralise_text`` over a text column (missing values stay missing)."""
    text = values.astype("string")
    codes, uniques = pd.factorize(text)  # each distinct text is looked at once
    if not len(uniques):
        return text
    hits = np.fromiter((is_formula_like(str(u)) for u in uniques), dtype=bool, count=len(uniques))
    mask = np.zeros(len(text), dtype=bool)
    present = codes >= 0
    mask[present] = hits[codes[present]]
    if not mask.any():
        return text
    return text.mask(mask, NEUTRALISING_PREFIX + text)


# ---------------------------------------------------------------------------------------------
# Column selection and cell conversion
# ---------------------------------------------------------------------------------------------
def result_file_columns(results: pd.DataFrame) -> list[str]:
    """Columns of results.csv / results.xlsx: the contract's, then the scalar extensions."""
    missing = [c for c in RESULT_COLUMNS if c not in results.columns]
    if missing:
        raise ValueError(f"results frame lacks contract columns: {', '.join(missing)}")
    extras = [c for c in RESULT_EXTRA_COLUMNS if c in results.columns and c not in DETAIL_COLUMNS]
    return [*RESULT_COLUMNS, *extras]


def json_columns(results: pd.DataFrame) -> list[str]:
    return [c for c in result_file_columns(results) if c not in JSON_SKIPPED]


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


def shown_numbers(values: pd.Series, name: str) -> pd.Series:
    """A value or age column rounded as the outputs show it; any other column unchanged."""
    if name not in VALUE_COLUMNS and name not in AGE_COLUMNS:
        return values
    if not _is_numeric(values):
        return values
    rounder = rounded_array if name in VALUE_COLUMNS else age_rounded_array
    return pd.Series(rounder(values), index=values.index, name=values.name)


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def join_codes(value: object) -> str:
    """A ``factors``/``suggestions`` cell as the contract's ``;``-joined codes."""
    if _is_missing(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        return ";".join(str(v) for v in value if not _is_missing(v))
    return str(value)


def _text_column(values: pd.Series, name: str) -> pd.Series:
    if name in CODE_LIST_COLUMNS:
        return pd.Series([join_codes(v) for v in values], index=values.index, dtype="string")
    if isinstance(values.dtype, pd.StringDtype):
        return values
    return values.map(lambda v: pd.NA if _is_missing(v) else str(v)).astype("string")


def _is_datetime(values: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(values.dtype)


def _is_numeric(values: pd.Series) -> bool:
    dtype = values.dtype
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def iso_strings(values: pd.Series) -> pd.Series:
    """Datetimes as ISO 8601 text (``2026-03-01T08:30:00``); missing stays missing."""
    text: pd.Series = values.dt.strftime(ISO_DATETIME).astype("string")
    return text


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------
def results_csv_frame(results: pd.DataFrame) -> pd.DataFrame:
    """The frame exactly as results.csv holds it (text neutralised, dates ISO, codes joined)."""
    out: dict[str, pd.Series] = {}
    for name in result_file_columns(results):
        values = results[name]
        if _is_datetime(values):
            out[name] = iso_strings(values)
        elif _is_numeric(values) and name not in CODE_LIST_COLUMNS:
            out[name] = shown_numbers(values, name)
        else:
            out[name] = neutralise_series(_text_column(values, name))
    return pd.DataFrame(out, index=results.index)


def write_results_csv(results: pd.DataFrame, handle: TextIO) -> None:
    """results.csv: contract §5 columns in order, then the scalar extensions."""
    frame = results_csv_frame(results)
    text = pd.DataFrame({name: _floats_as_text(frame[name]) for name in frame.columns})
    text.to_csv(handle, index=False, lineterminator=CSV_LINE_END)


def _floats_as_text(values: pd.Series) -> pd.Series:
    """A float column as CSV_FLOAT_FORMAT text, each distinct value formatted once (as fast as
    pandas' own writer is slow at it); missing values empty.  Other columns unchanged."""
    if not pd.api.types.is_float_dtype(values.dtype):
        return values
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = np.array([CSV_FLOAT_FORMAT % v for v in uniques.tolist()] + [""], dtype=object)
    return pd.Series(texts[np.where(codes < 0, len(uniques), codes)], index=values.index)


def rejected_rows(rejected: Sequence[Rejected]) -> list[tuple[str, str, int, str, str]]:
    return [
        (r.source_file, r.source_sheet, int(r.source_row), r.reason_code, r.detail)
        for r in rejected
    ]


def write_rejected_csv(rejected: Sequence[Rejected], handle: TextIO) -> None:
    """rejected.csv: source_file, source_sheet, source_row, reason_code, detail."""
    writer = csv.writer(handle, lineterminator=CSV_LINE_END)
    writer.writerow(REJECTED_COLUMNS)
    for row in rejected_rows(rejected):
        writer.writerow([neutralise_text(cell) if isinstance(cell, str) else cell for cell in row])


# ---------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------
def _json_scalar_column(values: pd.Series) -> list[Any]:
    if _is_datetime(values):
        return [None if pd.isna(v) else v for v in iso_strings(values).tolist()]
    if pd.api.types.is_bool_dtype(values.dtype):
        return [None if _is_missing(v) else bool(v) for v in values.tolist()]
    if pd.api.types.is_integer_dtype(values.dtype):
        return [None if _is_missing(v) else int(v) for v in values.tolist()]
    if pd.api.types.is_float_dtype(values.dtype):
        return [None if (_is_missing(v) or math.isinf(v)) else float(v) for v in values.tolist()]
    if isinstance(values.dtype, pd.StringDtype):
        return values.astype(object).where(values.notna(), None).tolist()
    return [_json_value(v) for v in values.tolist()]


def _plain(value: object) -> Any:
    """``_json_value`` with a fast path for the common cases (text, None)."""
    if value is None or type(value) is str:
        return value
    return _json_value(value)


def _json_value(value: object) -> Any:
    """Any cell as a JSON value: NaN/NA → null, datetimes ISO, numpy scalars → Python."""
    if _is_missing(value):
        return None
    if isinstance(value, datetime):
        return value.strftime(ISO_DATETIME)
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isinf(value) else value
    if hasattr(value, "item"):  # numpy scalar
        return _json_value(value.item())
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
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


def _detail_column(results: pd.DataFrame, name: str) -> list[list[dict[str, Any]]]:
    """``factors`` or ``suggestions`` as lists of objects, from their detail column."""
    details_name = JSON_DETAIL_FOR[name]
    keys = FACTOR_KEYS if name == "factors" else SUGGESTION_KEYS
    details = (
        results[details_name].tolist() if details_name in results.columns else [None] * len(results)
    )
    codes = results[name].tolist()
    return [detail_objects(d, keys, c) for d, c in zip(details, codes, strict=True)]


def results_json_records(results: pd.DataFrame) -> list[dict[str, Any]]:
    """One JSON object per result: contract columns with factors/suggestions as objects."""
    names = json_columns(results)
    columns: list[list[Any]] = []
    for name in names:
        if name in JSON_DETAIL_FOR:
            columns.append(_detail_column(results, name))
        else:
            columns.append(_json_scalar_column(shown_numbers(results[name], name)))
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _json_fragments(values: pd.Series) -> list[str]:
    """A column's cells as JSON text; repeated text is encoded once."""
    if pd.api.types.is_float_dtype(values.dtype):
        return [
            "null" if (v != v or v in (math.inf, -math.inf)) else repr(float(v))
            for v in values.tolist()
        ]
    if (
        pd.api.types.is_integer_dtype(values.dtype)
        and not isinstance(values.dtype, pd.BooleanDtype)
        and not bool(values.isna().any())
    ):
        return [str(int(v)) for v in values.tolist()]
    cache: dict[Any, str] = {}
    out: list[str] = []
    for value in _json_scalar_column(values):
        try:
            text = cache[value]
        except KeyError:
            text = cache[value] = _compact_json(value)
        except TypeError:  # unhashable (a list in an object column)
            text = _compact_json(value)
        out.append(text)
    return out


def results_json_lines(results: pd.DataFrame) -> list[str]:
    """results.json's ``results``, one JSON object per result, built column by column.

    The same objects as ``results_json_records`` (tested), without a dict per row: each cell is
    encoded once per distinct value and the rows are joined as text.
    """
    names = json_columns(results)
    columns: list[list[str]] = []
    for name in names:
        if name in JSON_DETAIL_FOR:
            columns.append([_compact_json(o) for o in _detail_column(results, name)])
        else:
            columns.append(_json_fragments(shown_numbers(results[name], name)))
    prefixes = [("{" if i == 0 else ",") + _compact_json(n) + ":" for i, n in enumerate(names)]
    return [
        "".join([p + v for p, v in zip(prefixes, row, strict=True)]) + "}"
        for row in zip(*columns, strict=True)
    ]


def _orjson_lines(results: pd.DataFrame) -> list[str]:
    """``results_json_lines`` with orjson (about 1.7x as fast: the records are built once and the
    C encoder writes them); the same JSON values, compact separators throughout."""
    assert orjson is not None
    dumps = orjson.dumps
    return [dumps(record).decode("utf-8") for record in results_json_records(results)]


def input_summary_json(summary: InputSummary) -> dict[str, Any]:
    return {k: _json_value(v) for k, v in asdict(summary).items()}


def rejected_json(rejected: Sequence[Rejected]) -> list[dict[str, Any]]:
    return [dict(zip(REJECTED_COLUMNS, row, strict=True)) for row in rejected_rows(rejected)]


def write_results_json(
    results: pd.DataFrame,
    rejected: Sequence[Rejected],
    header: Mapping[str, Any],
    handle: TextIO,
) -> None:
    """results.json: ``header`` keys (tool, generated_at, ...), then results and rejected.

    NaN never appears (``allow_nan=False``): missing values are ``null``.  One result per line
    (compact, and quick: the C encoder does the work).
    """
    head = {k: _json_value(v) for k, v in header.items()}
    dumps = _compact_json
    handle.write("{\n")
    for key, value in head.items():
        handle.write(f"{dumps(key)}: {dumps(value)},\n")
    encode = results_json_lines if orjson is None else _orjson_lines
    chunks = (
        encode(results.iloc[start : start + JSON_CHUNK_ROWS])
        for start in range(0, len(results), JSON_CHUNK_ROWS)
    )
    _write_json_array(handle, "results", chunks, last=False)
    rejected_lines = [_compact_json(item) for item in rejected_json(rejected)]
    _write_json_array(handle, "rejected", [rejected_lines], last=True)
    handle.write("}\n")


_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
JSON_CHUNK_ROWS: Final = 5000  # results encoded and written this many at a time (bounded memory)


def _compact_json(value: Any) -> str:
    return _ENCODER.encode(value)


def _write_json_array(
    handle: TextIO, key: str, chunks: Iterable[Sequence[str]], *, last: bool
) -> None:
    """``"key": [`` then one encoded item per line, written chunk by chunk (the text of the
    whole array is never held at once)."""
    handle.write(f"{_compact_json(key)}: [")
    first = True
    for lines in chunks:
        if not lines:
            continue
        handle.write("\n" if first else ",\n")
        handle.write(",\n".join(lines))
        first = False
    if not first:
        handle.write("\n")
    handle.write("]\n" if last else "],\n")


# ---------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------
# Fill colours for the priority and status cells (ARGB-less hex, as openpyxl takes them).
PRIORITY_FILLS: Final[dict[str, str]] = {
    "urgent": "F4B6B6",
    "soon": "FCE1A4",
    "routine": "DCE8F5",
}
STATUS_FILLS: Final[dict[str, str]] = {"high": "FBD5D5", "low": "DCE8F5", "indeterminate": "E6E6E6"}
XLSX_MIN_WIDTH: Final = 6
XLSX_MAX_WIDTH: Final = 48
XLSX_WIDTH_SAMPLE: Final = 500  # rows looked at to size the columns
XLSX_DATETIME_FORMAT: Final = "yyyy-mm-dd hh:mm"
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_MAX_TEXT = 32767


def xlsx_text(value: str) -> str:
    """Text made safe for a worksheet: neutralised, no control characters, within Excel's cap."""
    return neutralise_text(_XLSX_ILLEGAL.sub("\ufffd", value))[:_XLSX_MAX_TEXT]


def _xlsx_cells(values: pd.Series, name: str) -> list[Any]:
    if _is_datetime(values):
        return [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in values.tolist()]
    if _is_numeric(values) and name not in CODE_LIST_COLUMNS:
        return [None if _is_missing(v) or math.isinf(v) else v for v in values.tolist()]
    text = _text_column(values, name)
    return [None if _is_missing(v) else xlsx_text(str(v)) for v in text.tolist()]


def _column_widths(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[float]:
    widths = [float(len(h)) for h in header]
    for row in rows[:XLSX_WIDTH_SAMPLE]:
        for i, cell in enumerate(row):
            if cell is None:
                continue
            size = 16 if isinstance(cell, datetime) else len(str(cell))
            widths[i] = max(widths[i], float(size))
    return [min(max(w + 2, XLSX_MIN_WIDTH), XLSX_MAX_WIDTH) for w in widths]


def _write_sheet(
    workbook: Any,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fills: Mapping[int, Mapping[str, str]] | None = None,
) -> None:
    """One write-only sheet: bold frozen header, auto-filter, sized columns, coloured cells."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.filters import AutoFilter

    sheet = workbook.create_sheet(title)
    for i, width in enumerate(_column_widths(header, rows), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    pattern_cache: dict[str, Any] = {}

    def styled(value: Any, **style: Any) -> Any:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # text, never a formula nor an error code
        for key, val in style.items():
            setattr(cell, key, val)
        return cell

    def fill_for(colour: str) -> Any:
        if colour not in pattern_cache:
            pattern_cache[colour] = PatternFill("solid", start_color=colour, end_color=colour)
        return pattern_cache[colour]

    sheet.append([styled(xlsx_text(h), font=bold) for h in header])
    for row in rows:
        out: list[Any] = list(row)
        for i, cell in enumerate(row):
            if isinstance(cell, str):
                colour = fills.get(i, {}).get(cell) if fills else None
                if colour:
                    out[i] = styled(cell, fill=fill_for(colour))
                elif cell in ERROR_CODES:
                    out[i] = styled(cell)
            elif isinstance(cell, datetime):
                out[i] = styled(cell, number_format=XLSX_DATETIME_FORMAT)
        sheet.append(out)
    last = get_column_letter(max(len(header), 1))
    sheet.auto_filter = AutoFilter(ref=f"A1:{last}{len(rows) + 1}")


def write_results_xlsx(
    results: pd.DataFrame,
    rejected: Sequence[Rejected],
    inputs: Sequence[InputSummary],
    about: Sequence[tuple[str, str]],
    handle: IO[bytes],
) -> None:
    """results.xlsx: sheets Results, Rejected, Inputs and About (write-only, streamed)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    names = result_file_columns(results)
    columns = [_xlsx_cells(shown_numbers(results[name], name), name) for name in names]
    rows = list(zip(*columns, strict=True)) if columns else []
    fills = {names.index("priority"): PRIORITY_FILLS, names.index("status"): STATUS_FILLS}
    _write_sheet(workbook, "Results", names, rows, fills)

    safe: Callable[[Any], Any] = lambda v: xlsx_text(v) if isinstance(v, str) else v  # noqa: E731
    _write_sheet(
        workbook,
        "Rejected",
        REJECTED_COLUMNS,
        [tuple(safe(c) for c in row) for row in rejected_rows(rejected)],
    )
    input_header = ("file", "sheet", "sha256", "rows_read", "rows_triaged", "rows_rejected")
    _write_sheet(
        workbook,
        "Inputs",
        input_header,
        [tuple(safe(getattr(s, k)) for k in input_header) for s in inputs],
    )
    _write_sheet(workbook, "About", ("item", "value"), [(safe(k), safe(v)) for k, v in about])
    workbook.save(handle)
