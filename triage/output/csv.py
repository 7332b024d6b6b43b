"""results.csv and rejected.csv (RFC 4180, CRLF line ends), written chunk by chunk.

Text cells are neutralised against formula injection (output/safety.py), datetimes are ISO 8601,
codes are ``;``-joined, numbers are shown by triage/numbers.py.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO, Final, TextIO

import numpy as np
import pandas as pd

from triage.output.rows import (
    CODE_LIST_COLUMNS,
    is_datetime,
    is_numeric,
    iso_strings,
    rejected_rows,
    result_file_columns,
    shown_numbers,
    text_column,
)
from triage.output.safety import neutralise_series, neutralise_text
from triage.schema import REJECTED_COLUMNS, Rejected

CSV_FLOAT_FORMAT: Final = "%.10g"  # enough digits for any lab value, none of binary float noise
# RFC 4180 line ends.  With CRLF the csv module quotes every cell holding a lone CR or LF, so a
# carriage return inside a cell can never split a row.
CSV_LINE_END: Final = "\r\n"


def results_csv_frame(results: pd.DataFrame) -> pd.DataFrame:
    """The frame exactly as results.csv holds it (text neutralised, dates ISO, codes joined)."""
    out: dict[str, pd.Series] = {}
    for name in result_file_columns(results):
        values = results[name]
        if is_datetime(values):
            out[name] = iso_strings(values)
        elif is_numeric(values) and name not in CODE_LIST_COLUMNS:
            out[name] = shown_numbers(values, name)
        else:
            out[name] = neutralise_series(text_column(values, name))
    return pd.DataFrame(out, index=results.index)


def results_csv_text(results: pd.DataFrame, *, header: bool) -> str:
    """Rows of results.csv for one chunk (with the header line when ``header``): the cells of
    ``results_csv_frame`` as pandas' ``to_csv`` writes them (tested), built column by column —
    each distinct cell of a column is converted, neutralised and quoted once, and the rows are
    joined."""
    names = result_file_columns(results)
    columns = [_cells(results[name], name) for name in names]
    end = CSV_LINE_END
    body = "".join([",".join(row) + end for row in zip(*columns, strict=True)])
    return header_line(names) + body if header else body


def _cells(values: pd.Series, name: str) -> list[str]:
    """One column as quoted cell texts (missing values empty)."""
    convert: Callable[[Any], str]
    if is_datetime(values):
        convert = _quoted
        values = iso_strings(values)
    elif is_numeric(values) and name not in CODE_LIST_COLUMNS:
        values = shown_numbers(values, name)
        floats = pd.api.types.is_float_dtype(values.dtype)
        convert = _float_cell if floats else _plain_cell
    else:
        convert = _text_cell
        values = text_column(values, name)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:] = [*map(convert, uniques.tolist()), ""]
    cells: list[str] = table[np.where(codes < 0, len(uniques), codes)].tolist()
    return cells


def _float_cell(value: float) -> str:
    return _quoted(CSV_FLOAT_FORMAT % value)


def _plain_cell(value: object) -> str:
    return _quoted(str(value))


def _text_cell(value: object) -> str:
    return _quoted(neutralise_text(str(value)))


_NEEDS_QUOTES: Final = re.compile(r'[,"\r\n]')


def _quoted(text: str) -> str:
    """A cell as the csv module writes it with minimal quoting (and CRLF line ends)."""
    if _NEEDS_QUOTES.search(text) is None:
        return text
    return '"' + text.replace('"', '""') + '"'


def write_results_csv(results: pd.DataFrame, handle: TextIO) -> None:
    """results.csv: contract §5 columns in order, then the scalar extensions."""
    handle.write(results_csv_text(results, header=True))


def header_line(columns: Sequence[str]) -> str:
    """The header of results.csv alone (a run without any result)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=CSV_LINE_END).writerow(columns)
    return buffer.getvalue()


class ResultsCsv:
    """results.csv written as chunks arrive; ``mark``/``rollback`` take chunks back."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.header_written = False

    def add(self, results: pd.DataFrame) -> None:
        text = results_csv_text(results, header=not self.header_written)
        self.header_written = True
        self.handle.write(text.encode("utf-8"))

    def finish(self, columns: Sequence[str]) -> None:
        if not self.header_written:
            self.handle.write(header_line(columns).encode("utf-8"))
            self.header_written = True

    def mark(self) -> tuple[int, bool]:
        return self.handle.tell(), self.header_written

    def rollback(self, mark: tuple[int, bool]) -> None:
        offset, self.header_written = mark
        self.handle.seek(offset)
        self.handle.truncate()


def write_rejected_csv(rejected: Sequence[Rejected], handle: TextIO) -> None:
    """rejected.csv: source_file, source_sheet, source_row, reason_code, detail, then the
    extensions patient_id, specimen_id (REJECTED_COLUMNS)."""
    writer = csv.writer(handle, lineterminator=CSV_LINE_END)
    writer.writerow(REJECTED_COLUMNS)
    for row in rejected_rows(rejected):
        writer.writerow([neutralise_text(cell) if isinstance(cell, str) else cell for cell in row])
