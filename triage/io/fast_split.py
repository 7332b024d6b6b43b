"""A large delimited text file split in C (pyarrow's csv parser), with the numbering of the
csv module's reading (``delimited._split_records``).

The file's UTF-8 bytes are first scanned with numpy: where its records start and end (line
breaks outside quotes), how many fields each has (delimiters outside quotes) and on which
physical line each starts.  Splitting is taken over only when the quoting is well-formed
(every quote opens a field, closes it before a delimiter or a line end, or is doubled inside
it), no cell can be over ``max_cell_chars``, no line over ``max_columns`` fields, no NUL, and
every record spanning lines would be kept by the csv reading too: then the csv module,
pyarrow and the scan agree on every record.  Anything else (a quote left open, a stray quote
in a cell, ...) returns None and the file is split by the csv module, line by line, as before.

Records of the usual number of fields (and blank lines) come from pyarrow, column by column,
each column dictionary-encoded so that equal cells are one str object; the few other records
(title rows, lines with a stray or missing delimiter) are split by the csv module.  The counts
of both are checked against the scan before anything is returned.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np

if TYPE_CHECKING:
    from triage.io.delimited import InputLimits

_QUOTE: Final = ord('"')
_NEWLINE: Final = ord("\n")
_CHUNK: Final = 16 * 1024 * 1024  # bytes scanned at a time (bounded temporary arrays)
_BLOCK: Final = 16 * 1024 * 1024  # pyarrow's block size
_MOST_OTHERS: Final = 0.25  # above this share of lines of another width, the csv module splits
# rows made lists at once (the header is looked for among the first 200, values sampled in the
# 2,000 below it); the others are made when they are needed (Grid.materialise)
_MADE_ROWS: Final = 4096


@dataclass
class Grid:
    """The records pyarrow split (those of the usual number of fields, and blank lines) as a
    2-D object array, with each column's dictionary codes: ``uniques[j][codes[j][k]]`` is
    ``cells[k, j]``, the cell of record ``records[k]``.  ``counts``: fields of every record of
    the file (0: a blank line)."""

    cells: np.ndarray
    codes: list[np.ndarray]
    uniques: list[np.ndarray]
    records: np.ndarray
    counts: np.ndarray
    made: int = 0  # the rows of the first ``made`` grid rows are lists (the others stand-ins)

    def row(self, rows: list[list[object]], index: int) -> list[object]:
        """Row ``index`` as a list (from the grid when it is a stand-in)."""
        row = rows[index]
        if type(row) is not Unread:
            return row
        return list(self.cells[int(np.searchsorted(self.records, index))].tolist())

    def materialise(self, rows: list[list[object]], upto: int | None = None) -> None:
        """Make the stand-ins among ``rows[:upto]`` (all: None) lists of their cells."""
        stop = len(rows) if upto is None else min(max(upto, 0), len(rows))
        end = int(np.searchsorted(self.records, stop))
        if end <= self.made:
            return
        lists = self.cells[self.made : end].tolist()
        for i, row in zip(self.records[self.made : end].tolist(), lists, strict=True):
            if type(rows[i]) is Unread:
                rows[i] = row
        self.made = end


class Unread(list[object]):
    """A row left in the grid (``Grid.materialise`` makes it a list): it has the record's
    length, and reading a cell of it is an error, never a wrong value."""

    __slots__ = ()

    def __getitem__(self, key: Any) -> Any:
        raise RuntimeError("a csv row was read before it was made from the grid (a bug)")

    def __iter__(self) -> Iterator[object]:
        raise RuntimeError("a csv row was read before it was made from the grid (a bug)")


@dataclass
class FastSplit:
    """Records as the csv module reads them: rows, first physical line of each (1-based, with
    ``offset``), and the grid of those pyarrow split."""

    rows: list[list[object]]
    lines: list[int]
    grid: Grid | None = None


@dataclass
class _Scan:
    starts: np.ndarray  # byte offset of each record
    ends: np.ndarray  # byte offset of its terminating newline (or the end of the data)
    counts: np.ndarray  # fields of each record (0: an empty line)
    first_lines: np.ndarray  # 0-based physical line of each record's start
    spans: np.ndarray  # physical lines of each record


def fast_split(
    raw: bytes,
    delimiter: str,
    width: int,
    limits: InputLimits,
    offset: int,
    *,
    unmade: bool = False,
) -> FastSplit | None:
    """The records of ``raw`` (UTF-8 text, newlines normalised to ``\\n``), or None when the file
    must be split by the csv module (see the module's docstring).  InputFileError-free: the
    caller raises for too many rows (``len(rows)``).  ``unmade``: the rows below the first
    ``_MADE_ROWS`` are left in the grid (``Unread`` stand-ins; ``Grid.materialise``)."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pa_csv
    except ImportError:  # the optional dependency is missing: the csv module splits
        return None
    if len(delimiter) != 1 or ord(delimiter) >= 0x80 or delimiter in '"\n\r':
        return None
    if b"\x00" in raw or b"\r" in raw:
        return None
    data = np.frombuffer(raw, dtype=np.uint8)
    scan = _scan(data, ord(delimiter), limits)
    if scan is None:
        return None
    count = len(scan.counts)
    if count == 0:
        return FastSplit([], [])
    filled = scan.counts[scan.counts > 0]
    usual = int(np.bincount(filled).argmax()) if len(filled) else 1
    from_arrow = (scan.counts == usual) | (scan.counts == 0)
    others = np.flatnonzero(~from_arrow)
    if len(others) > count * _MOST_OTHERS:
        return None  # ragged lines (trailing empty fields left out): one by one either way
    columns = _arrow_columns(pa, pa_csv, raw, delimiter, usual, scan.counts[others])
    records = np.flatnonzero(from_arrow)
    if columns is None or any(len(c) != len(records) for c, _ in columns):
        return None
    grid = Grid(
        _cells(columns, len(records)),
        [c for c, _ in columns],
        [u for _, u in columns],
        records,
        scan.counts,
    )
    columns.clear()
    rows = _rows(grid, count, usual, scan.counts == 0, _MADE_ROWS if unmade else None)
    for i in others.tolist():
        try:
            record = raw[int(scan.starts[i]) : int(scan.ends[i])].decode("utf-8")
            split = list(csv.reader(io.StringIO(record), delimiter=delimiter, strict=False))
        except (UnicodeDecodeError, csv.Error):
            return None
        if len(split) != 1 or len(split[0]) != int(scan.counts[i]):
            return None
        rows[i] = list(split[0])
    if not _multiline_records_kept(rows, grid, scan, raw, delimiter, width, limits):
        return None
    lines = (scan.first_lines + 1 + offset).tolist()
    return FastSplit(rows, lines, grid)


def _scan(data: np.ndarray, delimiter: int, limits: InputLimits) -> _Scan | None:
    """Record bounds and field counts of well-formed csv bytes; None when the quoting is not
    well-formed, a record could hold a cell over the limit, or a line has too many fields."""
    size = len(data)
    if size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return _Scan(empty, empty, empty, empty, empty)
    quotes = np.flatnonzero(data == _QUOTE)
    if len(quotes) % 2:
        return None  # a quote left open at the end
    opening, closing = quotes[0::2], quotes[1::2]
    if len(quotes):
        before = data[np.maximum(opening - 1, 0)]
        opens_field = (
            (opening == 0) | (before == delimiter) | (before == _NEWLINE) | (before == _QUOTE)
        )
        after = data[np.minimum(closing + 1, size - 1)]
        closes_field = (
            (closing == size - 1) | (after == delimiter) | (after == _NEWLINE) | (after == _QUOTE)
        )
        if not (opens_field.all() and closes_field.all()):
            return None
    newlines = np.flatnonzero(data == _NEWLINE)
    quoted = (np.searchsorted(quotes, newlines) % 2).astype(bool)
    ends = newlines[~quoted]
    if len(ends) == 0 or ends[-1] != size - 1:
        ends = np.append(ends, size)
    starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
    if int((ends - starts).max()) > limits.max_cell_chars:
        return None  # a cell could be over the limit: the csv module says which line
    delimiters_before = _counter(data, delimiter)
    at_start, at_end, at_open, at_close = (
        delimiters_before(p) for p in (starts, ends, opening, closing)
    )
    record_of_quote = np.searchsorted(starts, opening, side="right") - 1
    inside = np.bincount(
        record_of_quote, weights=(at_close - at_open).astype(np.float64), minlength=len(starts)
    ).astype(np.int64)
    counts = at_end - at_start - inside + 1
    counts[ends == starts] = 0
    if len(counts) and int(counts.max()) > limits.max_columns:
        return None
    first_lines = np.searchsorted(newlines, starts).astype(np.int64)
    spans = np.ones(len(starts), dtype=np.int64)
    inner = newlines[quoted]
    if len(inner):
        spans += np.bincount(
            np.searchsorted(starts, inner, side="right") - 1, minlength=len(starts)
        )
    return _Scan(starts, ends, counts, first_lines, spans)


def _counter(data: np.ndarray, byte: int) -> Callable[[np.ndarray], np.ndarray]:
    """``before(positions)``: how many ``byte`` lie before each (sorted) position; the data is
    scanned once, a chunk at a time, on the first call."""
    bounds: list[int] = []
    found: list[np.ndarray] = []
    total = 0
    for start in range(0, len(data), _CHUNK):
        local = np.flatnonzero(data[start : start + _CHUNK] == byte).astype(np.int32)
        bounds.append(total)
        found.append(local)
        total += len(local)

    def before(positions: np.ndarray) -> np.ndarray:
        out = np.empty(len(positions), dtype=np.int64)
        edges = np.searchsorted(positions, np.arange(0, len(found) + 1) * _CHUNK)
        edges[-1] = len(positions)
        for k, local in enumerate(found):
            lo, hi = int(edges[k]), int(edges[k + 1])
            if hi > lo:
                out[lo:hi] = bounds[k] + np.searchsorted(local, positions[lo:hi] - k * _CHUNK)
        return out

    return before


def _arrow_columns(
    pa: Any, pa_csv: Any, raw: bytes, delimiter: str, usual: int, other_counts: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """The records of ``usual`` fields and the blank lines, column by column as (codes, object
    array of the distinct cells); None when pyarrow's reading disagrees with the scan."""
    names = [f"c{j}" for j in range(usual)]
    skipped: list[int] = []

    def skip(row: Any) -> str:
        skipped.append(int(row.actual_columns))
        return "skip"

    try:
        table = pa_csv.read_csv(
            io.BytesIO(raw),
            read_options=pa_csv.ReadOptions(
                # one thread: with quoted line breaks allowed, pyarrow's threaded reading was
                # slower (twice, on two cores) than reading in one
                column_names=names,
                use_threads=False,
                block_size=_BLOCK,
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=skip,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, ValueError):
        return None
    if Counter(skipped) != Counter(other_counts.tolist()):
        return None
    columns: list[tuple[np.ndarray, np.ndarray]] = []
    for name in names:
        encoded = table.column(name).combine_chunks().dictionary_encode()
        table = table.drop_columns([name])
        uniques = np.empty(len(encoded.dictionary), dtype=object)
        uniques[:] = encoded.dictionary.to_pylist()
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        columns.append((codes, uniques))
    return columns


def _cells(columns: list[tuple[np.ndarray, np.ndarray]], length: int) -> np.ndarray:
    """The 2-D object array of the columns' cells (equal cells of a column one str object),
    column-major: filled, and later taken, a column at a time."""
    cells = np.empty((length, len(columns)), dtype=object, order="F")
    for j, (codes, uniques) in enumerate(columns):
        cells[:, j] = uniques[codes]
    return cells


def _rows(
    grid: Grid, count: int, usual: int, blank: np.ndarray, made: int | None
) -> list[list[object]]:
    """Row lists of all ``count`` records: pyarrow's rows (the first ``made``; None: all) in
    their places, ``Unread`` stand-ins for the others ([] for a blank line); the records of
    another width hold stand-ins until the caller fills them."""
    stand_in = Unread([None] * usual)
    rows: list[list[object]] = [stand_in] * count
    for i in np.flatnonzero(blank).tolist():
        rows[i] = []
    grid.materialise(rows, made)
    return rows


def _multiline_records_kept(
    rows: list[list[object]],
    grid: Grid,
    scan: _Scan,
    raw: bytes,
    delimiter: str,
    width: int,
    limits: InputLimits,
) -> bool:
    """Every record spanning lines is one the csv reading keeps (not taken for a quote left
    open: at most ``max_record_lines`` lines, the usual ``width`` of fields, and no line inside
    it reading as a record of its own: delimited._swallowed_record)."""
    from triage.io.delimited import _swallowed_record

    for i in np.flatnonzero(scan.spans > 1).tolist():
        if int(scan.spans[i]) > limits.max_record_lines:
            return False
        row = grid.row(rows, i)
        if width > 1 and not _fits(row, width):
            return False
        record = raw[int(scan.starts[i]) : int(scan.ends[i])].decode("utf-8", errors="replace")
        above = [grid.row(rows, i - 1)] if i else []
        if _swallowed_record(record, delimiter, width, above):
            return False
    return True


def _fits(row: list[object], width: int) -> bool:
    """As ``delimited._fits``: ``width`` fields, empty fields at the end not counted."""
    if len(row) == width:
        return True
    trimmed = len(row)
    while trimmed > 0 and not str(row[trimmed - 1]).strip():
        trimmed -= 1
    return trimmed <= width <= len(row)
