"""Where the data sits in a sheet: the sheet, the header row, and which rows are results.

The header row is the row (among the first ``HEADER_SCAN_ROWS``) with the most cells that name
a known field and a prolactin column (or, for long exports, test and result columns); title
rows above it are ignored.  Below it, blank rows are skipped and not counted; repeated header
rows are rejected as ``duplicate_header``; footer, note and sub-heading rows (``End of report
(44 results)``, ``Printed by ...``, a lone ``Ward 7``) as ``not_a_result_row``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Final

import numpy as np
import pandas as pd

from triage.columns import ColumnMatch, RowScore, score_row
from triage.io.sources import Rows, Workbook
from triage.schema import InputFileError, Rejected
from triage.values import (
    cell_text,
    is_blank,
    is_empty_value,
    looks_like_unit,
    normalise_word,
    synonyms_data,
)

HEADER_SCAN_ROWS: Final = 40
DUPLICATE_SHARE: Final = 0.5
IDENTITY_FIELDS: Final = ("patient_id", "patient_name", "specimen_id")
UNITS_ROW_SCAN: Final = 2
SUBHEADING_MIN_COLUMNS: Final = 3  # a lone cell is a sub-heading when the table is wider


@dataclass(frozen=True)
class HeaderLocation:
    """The chosen sheet and header row (0-based index into the sheet's rows)."""

    sheet: str
    index: int
    score: RowScore
    also: tuple[str, ...] = ()  # other sheets that hold a prolactin column (not read)


@dataclass(frozen=True)
class Distinct:
    """A column factorised: ``uniques[codes[i]]`` is cell i; missing cells map to a final None."""

    codes: np.ndarray
    uniques: list[object]

    def take(self, positions: np.ndarray) -> Distinct:
        return Distinct(self.codes[positions], self.uniques)


def factorize_column(column: np.ndarray) -> Distinct:
    """Factorise a column of cells (None and NaN become the trailing ``None``)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    values: list[object] = [*uniques.tolist(), None]
    return Distinct(np.where(codes < 0, len(values) - 1, codes), values)


@dataclass
class RawTable:
    """The result rows of one sheet, column by mapped field, cells as read."""

    file: str
    sheet: str
    source_rows: np.ndarray  # int64, 1-based row number a person sees
    columns: dict[str, np.ndarray]  # field -> object array of cells
    headers: dict[str, str]  # field -> header text
    header_units: dict[str, str]  # field -> unit written in its header (or a units row)
    decimal_hint: str | None = None
    text_source: bool = False  # csv: numbers in date columns are not Excel serials
    warnings: list[str] = field(default_factory=list)
    _distinct: dict[int, tuple[np.ndarray, Distinct]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.source_rows)

    def distinct(self, column: np.ndarray) -> Distinct:
        """The factorisation of one of this table's columns (computed once per array)."""
        cached = self._distinct.get(id(column))
        if cached is not None and cached[0] is column:
            return cached[1]
        found = factorize_column(column)
        self._distinct[id(column)] = (column, found)
        return found

    def remember(self, column: np.ndarray, found: Distinct) -> None:
        self._distinct[id(column)] = (column, found)

    def take(self, positions: np.ndarray) -> RawTable:
        """The same table restricted to some rows (positions into this table)."""
        sub = RawTable(
            self.file,
            self.sheet,
            self.source_rows[positions],
            {},
            dict(self.headers),
            dict(self.header_units),
            self.decimal_hint,
            self.text_source,
            [],
        )
        for name, col in self.columns.items():
            sub.columns[name] = col[positions]
            cached = self._distinct.get(id(col))
            if cached is not None and cached[0] is col:
                sub.remember(sub.columns[name], cached[1].take(positions))
        return sub


# ------------------------------------------------------------------------------------------------
# Sheet and header row
# ------------------------------------------------------------------------------------------------
def resolve_sheet(book: Workbook, file: str, wanted: str | int) -> str:
    """A sheet by name (exact, then case-insensitive), by 0-based index (int, as in pandas), or
    by 1-based position written as text ("2": the second sheet, when no sheet is named "2")."""
    names = book.sheet_names
    if book.is_text:
        return names[0]
    if isinstance(wanted, str) and wanted in names:
        return wanted
    if isinstance(wanted, str):
        folded = {n.casefold(): n for n in names}
        if wanted.strip().casefold() in folded:
            return folded[wanted.strip().casefold()]
    if isinstance(wanted, int):
        index = wanted
    else:
        index = int(wanted) - 1 if wanted.strip().isdigit() else -1
    if 0 <= index < len(names):
        return names[index]
    listed = ", ".join(repr(n) for n in names)
    raise InputFileError(file, f"no sheet {wanted!r} in the workbook (sheets: {listed})")


def locate_header(
    book: Workbook,
    file: str,
    *,
    sheet: str | int | None,
    header_row: int | None,
    forced: Mapping[str, str],
) -> HeaderLocation:
    """Pick the sheet holding a prolactin column and its header row."""
    if sheet is not None:
        order = [resolve_sheet(book, file, sheet)]
    else:
        visible = [n for n in book.sheet_names if n not in book.hidden]
        order = visible + [n for n in book.sheet_names if n in book.hidden]
    best_seen: tuple[int, str, list[str]] = (-1, "", [])
    for name in order:
        rows = book.load(name, max(HEADER_SCAN_ROWS, header_row or 0))
        if header_row is not None:
            indexes = [header_row - 1] if header_row - 1 < len(rows) else []
        else:
            indexes = list(range(min(HEADER_SCAN_ROWS, len(rows))))
        found = _best_row(rows, indexes, forced)
        if found is not None:
            later = order[order.index(name) + 1 :]
            also = tuple(n for n in later if n not in book.hidden and _has_header(book, n, forced))
            return HeaderLocation(name, found[0], found[1], also if sheet is None else ())
        for index in indexes:
            score = score_row(rows[index], forced)
            if score.recognised > best_seen[0]:
                best_seen = (
                    score.recognised,
                    name,
                    [cell_text(c) for c in rows[index] if cell_text(c)],
                )
    raise _no_prolactin_error(file, best_seen, book, header_row)


def _has_header(book: Workbook, sheet: str, forced: Mapping[str, str]) -> bool:
    rows = book.load(sheet, HEADER_SCAN_ROWS)
    return _best_row(rows, range(len(rows)), forced) is not None


def _best_row(
    rows: Rows, indexes: Sequence[int], forced: Mapping[str, str]
) -> tuple[int, RowScore] | None:
    best: tuple[int, RowScore] | None = None
    for index in indexes:
        score = score_row(rows[index], forced)
        if score.usable and (best is None or score.recognised > best[1].recognised):
            best = (index, score)
    return best


def _no_prolactin_error(
    file: str, best_seen: tuple[int, str, list[str]], book: Workbook, header_row: int | None
) -> InputFileError:
    count, sheet, headers = best_seen
    if count < 0 or not headers:
        where = f" in row {header_row}" if header_row else ""
        return InputFileError(file, f"no header row with a prolactin column found{where}")
    seen = ", ".join(repr(h) for h in headers[:25])
    return InputFileError(
        file,
        f"no prolactin column found (headers seen: {seen}); name it in a column mapping file "
        '([columns] prolactin = "<header>")',
        sheet=sheet or None,
    )


# ------------------------------------------------------------------------------------------------
# Rows below the header
# ------------------------------------------------------------------------------------------------
@dataclass
class SplitRows:
    """The rows below the header: kept result rows, rejected rows, and the count read."""

    cells: np.ndarray  # 2-D object array (kept rows x columns)
    source_rows: np.ndarray  # int64, 1-based
    rejected: list[Rejected]
    rows_read: int
    units_row: dict[int, str] = field(default_factory=dict)  # column -> unit from a units row
    distinct: list[Distinct] = field(default_factory=list)  # per column, kept rows


@cache
def _note_pattern() -> re.Pattern[str]:
    """Note wordings at the start of a cell, as whole words ("Total: 44", not "Totalis")."""
    words = sorted((normalise_word(p) for p in synonyms_data()["rows"]["note_prefixes"]), key=len)
    alternatives = "|".join(re.escape(w) for w in reversed(words))
    return re.compile(rf"(?:{alternatives})(?![a-z0-9])")


def _note_max_cells() -> int:
    return int(synonyms_data()["rows"]["note_max_cells"])


def to_grid(rows: Rows, start: int, width: int) -> np.ndarray:
    """Rows from ``start`` as a rectangular 2-D object array of ``width`` columns ('' padded)."""
    body = rows[start:]
    if not body:
        return np.empty((0, width), dtype=object)
    longest = max(len(r) for r in body)
    width = max(width, longest)
    if all(len(r) == width for r in body):
        grid = np.empty((len(body), width), dtype=object)
        grid[:, :] = body
        return grid
    padded = [list(r) + [""] * (width - len(r)) for r in body]
    grid = np.empty((len(padded), width), dtype=object)
    grid[:, :] = padded
    return grid


def _mask(found: Distinct, test: Callable[[object], bool]) -> np.ndarray:
    """Boolean mask of ``test(cell)`` over a factorised column (one call per distinct cell)."""
    table = np.array([bool(test(u)) for u in found.uniques], dtype=np.bool_)
    mask: np.ndarray = table[found.codes]
    return mask


def split_rows(
    rows: Rows, header_index: int, match: ColumnMatch, file: str, sheet: str, result_field: str
) -> SplitRows:
    """Drop blank rows, reject repeated headers and note rows, keep the rest."""
    header = rows[header_index]
    grid = to_grid(rows, header_index + 1, len(header))
    numbers = np.arange(header_index + 2, header_index + 2 + len(grid), dtype=np.int64)
    if len(grid) == 0:
        return SplitRows(grid, numbers, [], 0)
    factorized = [factorize_column(grid[:, j]) for j in range(grid.shape[1])]
    blank = np.column_stack([_mask(found, is_blank) for found in factorized])
    filled = (~blank).sum(axis=1)
    duplicate = _duplicate_header_mask(factorized, header, filled)
    note = _note_mask(grid, blank, filled, match, result_field) & ~duplicate
    keep = (filled > 0) & ~duplicate & ~note
    rejected = [
        Rejected(file, sheet, int(numbers[i]), "duplicate_header", "repeated header row")
        for i in np.flatnonzero(duplicate & (filled > 0))
    ]
    rejected += [
        Rejected(file, sheet, int(numbers[i]), "not_a_result_row", _note_detail(grid[i]))
        for i in np.flatnonzero(note)
    ]
    split = SplitRows(grid[keep], numbers[keep], rejected, int((filled > 0).sum()))
    split.distinct = [found.take(keep) for found in factorized]
    _take_units_row(split, match, file, sheet, result_field)
    split.rejected.sort(key=lambda r: r.source_row)
    return split


def _duplicate_header_mask(
    factorized: list[Distinct], header: Sequence[object], filled: np.ndarray
) -> np.ndarray:
    equal = np.zeros(len(filled), dtype=np.int64)
    for j, title in enumerate(header):
        wanted = _loose(title)
        if not wanted or j >= len(factorized):
            continue
        equal += _mask(factorized[j], partial(_same_text, wanted=wanted))
    threshold = np.maximum(2, np.ceil(DUPLICATE_SHARE * filled))
    return equal >= threshold


def _same_text(cell: object, wanted: str) -> bool:
    return _loose(cell) == wanted


def _loose(cell: object) -> str:
    return " ".join(cell.casefold().split()) if isinstance(cell, str) else ""


def _note_mask(
    grid: np.ndarray, blank: np.ndarray, filled: np.ndarray, match: ColumnMatch, result_field: str
) -> np.ndarray:
    """Rows that are notes: few cells, and a note wording or no result and no identity."""
    few = (filled > 0) & (filled <= _note_max_cells())
    if not few.any():
        return few
    result_col = match.fields.get(result_field)
    result_blank = (
        blank[:, result_col] if result_col is not None and result_col < blank.shape[1] else True
    )
    identity = [match.fields[f] for f in IDENTITY_FIELDS if f in match.fields]
    identity_blank = (
        np.all(blank[:, identity], axis=1) if identity else np.ones(len(grid), dtype=bool)
    )
    lone_text = few & (filled <= 2) & result_blank & identity_blank
    if len(match.fields) >= SUBHEADING_MIN_COLUMNS:
        lone_text |= (filled == 1) & result_blank  # "Ward 9" alone in the id column
    worded = np.zeros(len(grid), dtype=bool)
    pattern = _note_pattern()
    for i in np.flatnonzero(few):
        first = next((c for c in grid[i] if not is_blank(c)), "")
        if isinstance(first, str) and pattern.match(normalise_word(first)):
            worded[i] = True
    return lone_text | worded


def _note_detail(row: np.ndarray) -> str:
    texts = [cell_text(c) for c in row if not is_blank(c)]
    joined = " | ".join(texts)
    return f"not a result row: {joined[:80]!r}"


def _take_units_row(
    split: SplitRows, match: ColumnMatch, file: str, sheet: str, result_field: str
) -> None:
    """A row right under the header holding units ("", "ng/mL", ...) names the column units."""
    result_col = match.fields.get(result_field)
    if result_col is None or len(split.cells) == 0:
        return
    for i in range(min(UNITS_ROW_SCAN, len(split.cells))):
        row = split.cells[i]
        texts = [c for c in row if isinstance(c, str) and c.strip()]
        numbers = [
            c
            for c in row
            if isinstance(c, int | float) and not (isinstance(c, float) and math.isnan(c))
        ]
        cell = row[result_col]
        if numbers or not isinstance(cell, str) or not looks_like_unit(cell):
            continue
        if not all(looks_like_unit(t) for t in texts):
            continue
        split.units_row = {
            j: c.strip() for j, c in enumerate(row) if isinstance(c, str) and c.strip()
        }
        split.rejected.append(
            Rejected(
                file,
                sheet,
                int(split.source_rows[i]),
                "not_a_result_row",
                "units row under the header",
            )
        )
        keep = np.ones(len(split.cells), dtype=bool)
        keep[i] = False
        split.cells = split.cells[keep]
        split.source_rows = split.source_rows[keep]
        split.distinct = [found.take(keep) for found in split.distinct]
        return


def _join_name_parts(columns: dict[str, np.ndarray]) -> set[str]:
    """Fold a separate first-name column into patient_name as "SURNAME, First" (in place).

    Returns the names of the columns that no longer hold the sheet's cells as they were.
    """
    given = columns.pop("given_name", None)
    if given is None:
        return set()
    surname = columns.get("patient_name")
    if surname is None:
        columns["patient_name"] = given
        return {"given_name"}
    joined = [
        _name(last, first) for last, first in zip(surname.tolist(), given.tolist(), strict=True)
    ]
    columns["patient_name"] = np.array(joined, dtype=object)
    return {"given_name", "patient_name"}


def _name(last: object, first: object) -> object:
    last_text = "" if is_empty_value(last) else cell_text(last)
    first_text = "" if is_empty_value(first) else cell_text(first)
    if last_text and first_text:
        return f"{last_text}, {first_text}"
    return last_text or first_text


def build_raw_table(
    split: SplitRows, match: ColumnMatch, file: str, sheet: str, book: Workbook
) -> RawTable:
    """Column arrays for the mapped fields."""
    columns = {
        name: split.cells[:, col]
        for name, col in match.fields.items()
        if col < split.cells.shape[1]
    }
    for name in match.fields:
        if name not in columns:
            columns[name] = np.full(len(split.cells), "", dtype=object)
    rebuilt = _join_name_parts(columns)
    units = dict(match.header_units)
    for name, col in match.fields.items():
        if col in split.units_row and name not in units:
            units[name] = split.units_row[col]
    table = RawTable(
        file=file,
        sheet=sheet,
        source_rows=split.source_rows,
        columns=columns,
        headers={name: match.headers[col] for name, col in match.fields.items()},
        header_units=units,
        decimal_hint=book.decimal_hint,
        text_source=book.is_text,
        warnings=list(match.warnings),
    )
    for name, col in match.fields.items():
        if col < len(split.distinct) and name not in rebuilt:
            table.remember(columns[name], split.distinct[col])
    return table
