"""results.xlsx: sheets Results, Rejected, Inputs and About (openpyxl, write-only, streamed).

The Results sheet is written chunk by chunk: only the first ``XLSX_WIDTH_SAMPLE`` rows (that size
the columns) are held before the sheet is started.  Text cells are neutralised against formula
injection and cleaned of the control characters a worksheet cannot hold.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import IO, Any, Final

import pandas as pd

from triage.output.rows import (
    CODE_LIST_COLUMNS,
    is_date_only,
    is_datetime,
    is_missing,
    is_numeric,
    rejected_rows,
    result_file_columns,
    shown_numbers,
    text_column,
)
from triage.output.safety import neutralise_text
from triage.schema import REJECTED_COLUMNS, InputSummary, Rejected

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
XLSX_DATE_FORMAT: Final = "yyyy-mm-dd"  # a date given without a time (held at midnight)
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_MAX_TEXT = 32767

Row = Sequence[Any]


def xlsx_text(value: str) -> str:
    """Text made safe for a worksheet: neutralised, no control characters, within Excel's cap."""
    return neutralise_text(_XLSX_ILLEGAL.sub("\ufffd", value))[:_XLSX_MAX_TEXT]


def _xlsx_cells(values: pd.Series, name: str) -> list[Any]:
    if is_datetime(values):
        return [None if pd.isna(v) else _xlsx_when(pd.Timestamp(v)) for v in values.tolist()]
    if is_numeric(values) and name not in CODE_LIST_COLUMNS:
        return [None if is_missing(v) or math.isinf(v) else v for v in values.tolist()]
    text = text_column(values, name)
    cache: dict[str, str] = {}
    out: list[Any] = []
    for v in text.tolist():
        if is_missing(v):
            out.append(None)
            continue
        safe = cache.get(v)
        if safe is None:
            safe = cache[v] = xlsx_text(str(v))
        out.append(safe)
    return out


def _xlsx_when(stamp: pd.Timestamp) -> datetime | date:
    """A date cell for a date given without a time (held at midnight), else a date-time cell."""
    when = stamp.to_pydatetime()
    return when.date() if is_date_only(when) else when


def result_rows(results: pd.DataFrame, names: Sequence[str]) -> list[tuple[Any, ...]]:
    """One chunk's rows of the Results sheet."""
    columns = [_xlsx_cells(shown_numbers(results[name], name), name) for name in names]
    return list(zip(*columns, strict=True)) if columns else []


def _column_widths(header: Sequence[str], rows: Sequence[Row]) -> list[float]:
    widths = [float(len(h)) for h in header]
    for row in rows[:XLSX_WIDTH_SAMPLE]:
        for i, cell in enumerate(row):
            if cell is None:
                continue
            size = 16 if isinstance(cell, datetime) else len(str(cell))
            widths[i] = max(widths[i], float(size))
    return [min(max(w + 2, XLSX_MIN_WIDTH), XLSX_MAX_WIDTH) for w in widths]


def _sample(batches: Iterable[Sequence[Row]]) -> tuple[list[Row], Iterator[Sequence[Row]]]:
    """The first XLSX_WIDTH_SAMPLE rows (or more, whole batches) and the batches after them."""
    rest = iter(batches)
    head: list[Row] = []
    for batch in rest:
        head.extend(batch)
        if len(head) >= XLSX_WIDTH_SAMPLE:
            break
    return head, rest


def _write_sheet(
    workbook: Any,
    title: str,
    header: Sequence[str],
    batches: Iterable[Sequence[Row]],
    fills: Mapping[int, Mapping[str, str]] | None = None,
) -> None:
    """One write-only sheet: bold frozen header, auto-filter, sized columns, coloured cells."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.filters import AutoFilter

    head, rest = _sample(batches)
    sheet = workbook.create_sheet(title)
    for i, width in enumerate(_column_widths(header, head), start=1):
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
    column_fills = dict(fills or {})  # looked up per cell: no empty mapping made per cell
    count = 0
    for rows in _chain(head, rest):
        for row in rows:
            out: list[Any] = list(row)
            for i, cell in enumerate(row):
                if isinstance(cell, str):
                    column = column_fills.get(i)
                    colour = column.get(cell) if column else None
                    if colour:
                        out[i] = styled(cell, fill=fill_for(colour))
                    elif cell in ERROR_CODES:
                        out[i] = styled(cell)
                elif isinstance(cell, datetime):
                    out[i] = styled(cell, number_format=XLSX_DATETIME_FORMAT)
                elif isinstance(cell, date):
                    out[i] = styled(cell, number_format=XLSX_DATE_FORMAT)
            sheet.append(out)
            count += 1
    last = get_column_letter(max(len(header), 1))
    sheet.auto_filter = AutoFilter(ref=f"A1:{last}{count + 1}")


def _chain(head: Sequence[Row], rest: Iterator[Sequence[Row]]) -> Iterator[Sequence[Row]]:
    yield head
    yield from rest


def write_results_xlsx_chunks(
    names: Sequence[str],
    chunks: Iterable[pd.DataFrame],
    rejected: Sequence[Rejected],
    inputs: Sequence[InputSummary],
    about: Sequence[tuple[str, str]],
    handle: IO[bytes],
) -> None:
    """results.xlsx from the results chunk by chunk (columns ``names``)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    fills = {names.index("priority"): PRIORITY_FILLS, names.index("status"): STATUS_FILLS}
    batches = (result_rows(chunk, names) for chunk in chunks)
    _write_sheet(workbook, "Results", names, batches, fills)

    safe: Callable[[Any], Any] = lambda v: xlsx_text(v) if isinstance(v, str) else v  # noqa: E731
    _write_sheet(
        workbook,
        "Rejected",
        REJECTED_COLUMNS,
        [[tuple(safe(c) for c in row) for row in rejected_rows(rejected)]],
    )
    input_header = (
        "file",
        "sheet",
        "sha256",
        "rows_read",
        "rows_triaged",
        "rows_rejected",
        "usable",
        "failure_code",
        "failure",
    )
    _write_sheet(
        workbook,
        "Inputs",
        input_header,
        [[tuple(safe(getattr(s, k)) for k in input_header) for s in inputs]],
    )
    _write_sheet(workbook, "About", ("item", "value"), [[(safe(k), safe(v)) for k, v in about]])
    workbook.save(handle)


def write_results_xlsx(
    results: pd.DataFrame,
    rejected: Sequence[Rejected],
    inputs: Sequence[InputSummary],
    about: Sequence[tuple[str, str]],
    handle: IO[bytes],
) -> None:
    """results.xlsx of a whole frame (the session writes it from its spooled chunks)."""
    names = result_file_columns(results)
    write_results_xlsx_chunks(names, [results], rejected, inputs, about, handle)
