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
import pyarrow as pa
import pyarrow.compute as pc

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
from triage.output.safety import (
    FORMULA_PATTERN,
    NEUTRALISING_PREFIX,
    neutralise_series,
    neutralise_text,
)
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
    ``results_csv_frame`` as pandas' ``to_csv`` writes them (tested)."""
    return results_csv_bytes(results, header=header).decode("utf-8")


def results_csv_bytes(results: pd.DataFrame, *, header: bool) -> bytes:
    """``results_csv_text`` encoded as UTF-8, built column by column in Arrow: numbers and times
    are formatted once per distinct value, text cells are neutralised and quoted as whole
    columns, and the rows are joined by Arrow's compute kernels (no Python work per cell)."""
    names = result_file_columns(results)
    head = header_line(names).encode("utf-8") if header else b""
    if not len(results):
        return head
    columns = [_cells(results[name], name) for name in names]
    columns[-1] = pc.binary_join_element_wise(columns[-1], _EMPTY, _text(CSV_LINE_END))
    return head + _data_bytes(pc.binary_join_element_wise(*columns, _text(",")))


def _data_bytes(lines: pa.Array) -> bytes:
    """The characters of a string array without nulls, one after the other."""
    if isinstance(lines, pa.ChunkedArray):
        return b"".join(_data_bytes(chunk) for chunk in lines.chunks)
    if not len(lines):
        return b""
    width = np.int64 if pa.types.is_large_string(lines.type) else np.int32
    offsets = np.frombuffer(lines.buffers()[1], dtype=width)[lines.offset :]
    return bytes(memoryview(lines.buffers()[2])[int(offsets[0]) : int(offsets[len(lines)])])


def _cells(values: pd.Series, name: str) -> pa.Array:
    """One column as quoted cell texts (missing values empty), a large-string array: each
    distinct value converted once (by Arrow's kernels when there are many), then taken per
    row."""
    convert: Callable[[Any], str]
    many: Callable[[pa.Array], pa.Array] | None = None  # the kernels' form of ``convert``
    if is_datetime(values):
        values, convert, many = iso_strings(values), _quoted, _quoted_column
    elif is_numeric(values) and name not in CODE_LIST_COLUMNS:
        values = shown_numbers(values, name)
        if pd.api.types.is_float_dtype(values.dtype):
            convert = _float_cell
        else:
            convert, many = _plain_cell, _integer_cells
    else:
        values, convert, many = text_column(values, name), _text_cell, _text_cells
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if many is not None and len(uniques) >= _MANY_DISTINCT:
        table = pa.concat_arrays([many(pa.array(uniques)), _EMPTY_CELL])
    else:
        table = pa.array([*map(convert, uniques.tolist()), ""], type=pa.large_string())
    return table.take(pa.array(np.where(codes < 0, len(uniques), codes)))


def _integer_cells(numbers: pa.Array) -> pa.Array:
    return pc.cast(numbers, pa.large_string())  # the digits str() writes


# Distinct texts from which a column's cells are neutralised and quoted by Arrow's kernels (a
# kernel call costs about what a thousand cells cost in Python).
_MANY_DISTINCT: Final = 1000


def _text_cell(value: object) -> str:
    return _quoted(neutralise_text(str(value)))


def _text_cells(text: pa.Array) -> pa.Array:
    """``_text_cell`` of every cell of a string array without nulls."""
    text = text.cast(pa.large_string())
    formula = pc.match_substring_regex(text, FORMULA_PATTERN)
    prefixed = pc.binary_join_element_wise(_text(NEUTRALISING_PREFIX), text, _EMPTY)
    return _quoted_column(pc.if_else(formula, prefixed, text))


def _quoted_column(text: pa.Array) -> pa.Array:
    """``_quoted`` of every cell of a string array without nulls."""
    text = text.cast(pa.large_string())
    needs = pc.match_substring_regex(text, _NEEDS_QUOTES.pattern)
    doubled = pc.replace_substring(text, '"', '""')
    quoted = pc.binary_join_element_wise(_QUOTE, doubled, _QUOTE, _EMPTY)
    return pc.if_else(needs, quoted, text)


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, pa.large_string())


_EMPTY: Final = _text("")
_EMPTY_CELL: Final = pa.array([""], type=pa.large_string())
_QUOTE: Final = _text('"')


def _float_cell(value: float) -> str:
    return _quoted(CSV_FLOAT_FORMAT % value)


def _plain_cell(value: object) -> str:
    return _quoted(str(value))


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
        data = results_csv_bytes(results, header=not self.header_written)
        self.header_written = True
        self.handle.write(data)

    def add_encoded(self, rows: bytes, columns: Sequence[str]) -> None:
        """Rows already encoded (output/encoded.py) with ``columns``."""
        if not self.header_written:
            self.handle.write(header_line(columns).encode("utf-8"))
            self.header_written = True
        self.handle.write(rows)

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
