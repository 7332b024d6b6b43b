"""Where the data sits in a sheet: the sheet, the header row, and which rows are results.

The header row is the row (among the first ``HEADER_SCAN_ROWS``) with the most cells that name
a known field and a prolactin column (or, for long exports, test and result columns), unless
data rows stand between an earlier usable header and it (the earlier one heads the table);
title rows above it are ignored.  Below it, blank rows are skipped and not counted; repeated
header rows are rejected as ``duplicate_header`` (the rows below one whose columns stand in
another order are read in its order; below one lacking a named column they are rejected as
``misaligned_columns``); footer, note and sub-heading rows (``End of report
(44 results)``, ``Printed by ...``, a lone ``Ward 7``) as ``not_a_result_row``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, lru_cache, partial
from itertools import chain
from typing import Final

import numpy as np
import pandas as pd

from triage.columns import (
    LONG_MARKERS,
    STRONG_SCORE,
    ColumnMatch,
    RowScore,
    asks_a_question,
    birth_sex_side,
    candidates,
    column_letters,
    finding_note,
    header_text,
    header_vocabulary,
    is_checkbox_option,
    is_diluted_prolactin,
    mapped_header_lacking,
    mentions_prolactin,
    note_written_as,
    parse_header,
    recognise_columns,
    recognised_headers,
    reference_limit_pair,
    score_row,
    value_checks,
)
from triage.columns import score as header_score
from triage.io.fast_split import Grid
from triage.io.shifted import row_urgency
from triage.io.sources import Rows, Workbook
from triage.io.state_cells import state_codes
from triage.knowledge.drugs import as_needed_header
from triage.knowledge.loaders import load_thresholds
from triage.schema import InputFileError, Rejected
from triage.values import (
    NOT_AN_ANSWER,
    age_header_scale,
    bare_number,
    bracketed_unit,
    cell_text,
    code_text,
    column_flag_codes,
    duration_word_days,
    header_flag_codes,
    header_sex_codes,
    hyphen_breaks_joined,
    is_blank,
    is_empty_value,
    is_missing_code,
    is_unknown_code,
    looks_like_format_hint,
    looks_like_unit,
    normalise_unit,
    normalise_word,
    parse_date_text,
    parse_quantity,
    parse_sex,
    parse_size_mm,
    sex_letter_reading,
    slash_date_orders,
    synonyms_data,
    yes_no_answer,
)

HEADER_SCAN_ROWS: Final = 200  # scoring a row costs ~0.1 ms; long preambles exist
DUPLICATE_SHARE: Final = 0.5
IDENTITY_FIELDS: Final = ("patient_id", "patient_name", "specimen_id")
UNITS_ROW_SCAN: Final = 2
SUBHEADING_MIN_COLUMNS: Final = 3  # a lone cell is a sub-heading when the table is wider
FOOTER_MIN_ROWS_ABOVE: Final = 2  # a lone result under this many fuller rows is a footer
SUBTOTAL_MIN_ROWS: Final = 2  # a lone result that is the sum of this many results or more
SUBTOTAL_TOLERANCE: Final = 0.5  # of the last decimal place the sum is written to
ALSO_MIN_FIELDS: Final = 2  # another sheet is worth a warning when its header names 2+ fields
UNIT_FIELDS: Final = ("unit", "prolactin_unit")
GROUPED_MIN_CELLS: Final = 2  # sub-headers of a grouped (two-row) header: at least two named
GROUPED_LOOKAHEAD: Final = 5  # rows looked at below a lone header cell
SAMPLE_ROWS: Final = 2000  # rows below the header whose values are checked against the fields
SAMPLE_DISTINCT: Final = 200  # distinct values kept per column for those checks


def _names_a_table(score: RowScore) -> bool:
    """Another sheet's header row worth a warning: ALSO_MIN_FIELDS cells naming as many
    different fields (a data dictionary's row "prl_value | Serum prolactin" names one twice)."""
    return score.recognised >= ALSO_MIN_FIELDS and score.distinct >= ALSO_MIN_FIELDS


def _holds_results(
    book: Workbook, name: str, candidate: _Candidate, forced: Mapping[str, str]
) -> bool:
    """Another sheet holds results: its header names two fields, or its prolactin column holds
    a result below it.  A sheet of later results beside the patients' ("Datum | Prolaktin",
    "Fecha | Prolactina", "Date | Prolactin", "Prolaktin | Kürzel": a header naming prolactin
    and nothing the reader knows) was passed over without a word, a result of 410 ng/mL with
    it; a data dictionary's row ("prl_value | Serum prolactin") heads no results."""
    return _names_a_table(candidate.score) or bool(
        result_rows(book, name, candidate, forced, limit=1)
    )


def _prolactin_columns(cells: Sequence[object], forced: Mapping[str, str]) -> list[int]:
    """The columns of a header row that name prolactin (as score_row reads them)."""
    named = " ".join(str(forced.get("prolactin", "")).casefold().split())
    limits = reference_limit_pair(cells) if not named else None  # "Prolaktin von / bis"
    return [
        j
        for j, cell in enumerate(cells)
        if isinstance(cell, str)
        and (limits is None or j not in limits)
        and cell.strip()
        and (
            (named and " ".join(cell.casefold().split()) == named)
            or "prolactin" in (f for f, score in candidates(cell) if score >= STRONG_SCORE)
        )
    ]


def _is_result(cell: object) -> bool:
    """A cell written as a result: a number, or a text read as one ("12,5", "<3", "45 H"); never
    a date."""
    if isinstance(cell, str) and parse_date_text(cell.strip()) is not None:
        return False
    return parse_quantity(cell).status == "ok"


def result_rows(
    book: Workbook,
    name: str,
    candidate: _Candidate,
    forced: Mapping[str, str],
    *,
    limit: int | None = None,
) -> int:
    """How many rows below the header of sheet ``name`` hold a result in its prolactin column
    (counted up to ``limit``: 1 asks whether there is any)."""
    columns = _prolactin_columns(candidate.cells, forced)
    if not columns:
        return 0
    rows = book.load(name, None if limit is None else candidate.index + 1 + SAMPLE_ROWS)
    count = 0
    for row in rows[candidate.index + 1 :]:
        if any(j < len(row) and _is_result(row[j]) for j in columns):
            count += 1
            if limit is not None and count >= limit:
                break
    return count


def unread_results(
    book: Workbook, name: str, header_row: int | None, forced: Mapping[str, str]
) -> int:
    """How many rows of a sheet that was not read hold a prolactin result (0 when it cannot be
    loaded or has no prolactin column)."""
    try:
        best = _sheet_best(book, name, header_row, forced)
        return result_rows(book, name, best, forced) if isinstance(best, _Candidate) else 0
    except InputFileError:
        return 0


@dataclass(frozen=True)
class HeaderLocation:
    """The chosen sheet and header row (0-based index into the sheet's rows).

    ``index`` is the last header row (the data starts below it); a grouped header over two rows
    ("Prolactin" above "Result | Unit | Range") starts at ``first`` and its ``cells`` are the two
    rows joined ("Prolactin Result", "Prolactin Unit", ...).
    """

    sheet: str
    index: int
    score: RowScore
    also: tuple[str, ...] = ()  # other sheets that hold a prolactin column (not read)
    cells: tuple[object, ...] = ()  # the header cells (the row itself, or two rows joined)
    first: int = -1  # first header row; -1: same as index
    hidden: bool = False  # the sheet is hidden (no visible sheet had a table)
    also_hidden: tuple[str, ...] = ()  # hidden sheets that hold a prolactin column (not read)
    # sheets named as reference values ("Referenzwerte", "Valeurs de référence") that hold a
    # prolactin column: a table of limits, never patients (not read)
    also_reference: tuple[str, ...] = ()
    # sheets of statistics (a count column, rows of means), pivot summaries (a grand-total row)
    # and cover pages (labels and values) beside the patients' rows, with why (not read)
    also_aggregate: tuple[tuple[str, str], ...] = ()

    @property
    def first_row(self) -> int:
        return self.index if self.first < 0 else self.first


@dataclass(frozen=True)
class _Candidate:
    """A possible header: its rows, cells and score."""

    index: int
    score: RowScore
    cells: tuple[object, ...]
    first: int = -1


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
    codes[codes < 0] = len(values) - 1  # in place: no second array of row codes
    return Distinct(codes, values)


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
    # field -> per row, the unit its header names where a header repeated further down (a
    # second section of the export) names another unit than the first header
    section_units: dict[str, np.ndarray] = field(default_factory=dict)
    # field -> per row, whether two columns of its header disagree ("Unit" twice: ng/mL in
    # one, mIU/L in the other), with the words naming them: those rows are rejected
    conflicts: dict[str, np.ndarray] = field(default_factory=dict)
    conflict_columns: dict[str, str] = field(default_factory=dict)
    unread_units_row: str = ""  # SplitRows.unread_units_row
    date1904: bool = False  # Workbook.date1904: serial dates count from 1904-01-01
    # context test -> per further column of it headed with another unit (ColumnMatch.
    # other_unit_columns): (its header, its cells, per row the unit its header names), for the
    # rows where both it and the column read hold a number: the reader warns where they differ
    other_unit_cells: dict[str, list[tuple[str, np.ndarray, np.ndarray]]] = field(
        default_factory=dict
    )
    # per row, whether its sex columns give different sexes (ColumnMatch.sex_sources): its sex
    # is unknown (judged against both sexes' intervals); None when no row's do
    open_sex: np.ndarray | None = None
    # per row, its cells in every column but the medication ones as a tuple, for the rows whose
    # patient, collection and result another row repeats (None elsewhere; None for no such row):
    # rows equal in all of them and in the sample may be one sample written on several rows
    # (wide._pool_sample_medications)
    rest_cells: np.ndarray | None = None
    one_patient: bool = False  # Workbook.one_patient: rows with no patient key are one person's
    # the source rows of the blank rows between the data rows (SplitRows.blank_rows): a blank
    # row ends a block, and no patient is filled down over it (``blocks``)
    blank_rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    _distinct: dict[int, tuple[np.ndarray, Distinct]] = field(default_factory=dict, repr=False)
    _orders: dict[int, tuple[np.ndarray, frozenset[str | None]]] = field(
        default_factory=dict, repr=False
    )

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

    def date_orders(self, column: np.ndarray) -> frozenset[str | None]:
        """``values.slash_date_orders`` of one of this table's columns (computed once: the
        file's date order and the column's own both ask)."""
        cached = self._orders.get(id(column))
        if cached is not None and cached[0] is column:
            return cached[1]
        orders = slash_date_orders(self.distinct(column).uniques)
        self._orders[id(column)] = (column, orders)
        return orders

    def blocks(self) -> np.ndarray:
        """Per row, the number of blank rows above it: rows of one number are one block of the
        printed list (a blank row between them separates two patients' results)."""
        found: np.ndarray = np.searchsorted(self.blank_rows, self.source_rows)
        return found

    def fill_down(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` (one row per table row) with each empty cell taking the value above it
        in its block (``blocks``): a patient named above a blank row is never filled below it."""
        blocks = self.blocks()
        if len(blocks) == 0 or blocks[0] == blocks[-1]:
            return frame.ffill()
        filled: pd.DataFrame = frame.groupby(blocks, sort=False).ffill()
        return filled

    def above(self, column: pd.Series) -> pd.Series:
        """Each row's value of ``column`` on the row above it in its block (none at its top)."""
        blocks = self.blocks()
        if len(blocks) == 0 or blocks[0] == blocks[-1]:
            return column.shift(1)
        shifted: pd.Series = column.groupby(blocks, sort=False).shift(1)
        return shifted

    def release(self) -> None:
        """Drop the cells and what was derived from them (the rows are parsed: a large
        sheet's raw cells are not held beside the frame built from them)."""
        self.columns.clear()
        self.rest_cells = None
        self.section_units.clear()
        self.other_unit_cells.clear()
        self._distinct.clear()
        self._orders.clear()

    def remember(self, column: np.ndarray, found: Distinct) -> None:
        self._distinct[id(column)] = (column, found)

    def header_unit(self, name: str) -> str | np.ndarray:
        """The unit the header names for field ``name``: one text, or per row where a header
        repeated further down names another (``section_units``)."""
        rows = self.section_units.get(name)
        return rows if rows is not None else self.header_units.get(name, "")

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
            {name: rows[positions] for name, rows in self.section_units.items()},
            {name: rows[positions] for name, rows in self.conflicts.items()},
            dict(self.conflict_columns),
            self.unread_units_row,
            self.date1904,
            {
                name: [
                    (header, cells[positions], units[positions]) for header, cells, units in found
                ]
                for name, found in self.other_unit_cells.items()
            },
            None if self.open_sex is None else self.open_sex[positions],
            blank_rows=self.blank_rows,
        )
        sub.one_patient = self.one_patient
        for name, col in self.columns.items():
            sub.columns[name] = col[positions]
            cached = self._distinct.get(id(col))
            if cached is not None and cached[0] is col:
                sub.remember(sub.columns[name], cached[1].take(positions))
        return sub


def cut_by_blank_rows(count: int) -> str:
    """The warning for rows without a patient that a blank row parts from the patient above."""
    return (
        f"{count} row(s) without a patient below a blank row took none from the patient above "
        "it (a blank row ends a patient's rows): they were given no patient"
    )


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
    # an int is 0-based (--sheet 5 is index 4): the message counts as the user did
    asked = f"number {wanted + 1}" if isinstance(wanted, int) else repr(wanted)
    # "0" (or "00") asked for the first sheet as a programmer counts: say how sheets are counted
    zero = isinstance(wanted, str) and wanted.strip().isdigit() and not int(wanted)
    hint = "; sheets are numbered from 1 (--sheet 1 is the first)" if zero else ""
    raise InputFileError(
        file, f"no sheet {asked} in the workbook (its {len(names)} sheet(s): {listed}){hint}"
    )


def locate_header(
    book: Workbook,
    file: str,
    *,
    sheet: str | int | None,
    header_row: int | None,
    forced: Mapping[str, str],
) -> HeaderLocation:
    """Pick the sheet holding a prolactin column and its header row.

    Without a sheet option every visible sheet is scored and the one whose header row names the
    most fields wins (the first on a tie): a cover sheet whose title mentions prolactin, or a
    pivot sheet, loses to the data sheet.  Hidden sheets are read only when no visible sheet has
    a header naming two fields or more; otherwise those holding a prolactin column are listed
    (``also_hidden``) for the "were not read" warning.
    """
    if sheet is not None:
        groups = [[resolve_sheet(book, file, sheet)]]
    else:
        visible = [n for n in book.sheet_names if n not in book.hidden]
        groups = [visible, [n for n in book.sheet_names if n in book.hidden]]
    best_seen: tuple[int, str, list[str]] = (-1, "", [])
    found: list[tuple[str, _Candidate]] = []
    skipped: list[str] = []  # the groups not read (hidden sheets after a usable visible one)
    for number, order in enumerate(groups):
        if found and max(c.score.recognised for _, c in found) >= ALSO_MIN_FIELDS:
            skipped = [n for group in groups[number:] for n in group]
            break
        for name in order:
            best = _sheet_best(book, name, header_row, forced)
            if isinstance(best, _Candidate):
                found.append((name, best))
                continue
            best_seen = _best_unusable(best[0], best[1], forced, name, best_seen)
    if not found:
        raise _no_prolactin_error(file, best_seen, book, header_row, forced)
    if sheet is None and any(not names_codebook(n) for n, _ in found):
        # a data dictionary lists the variables ("prl | Prolactin (ng/mL)"), not patients
        found = [(n, c) for n, c in found if not names_codebook(n)]
    aggregates: tuple[tuple[str, str], ...] = ()
    if sheet is None and len(found) > 1:
        # a sheet of statistics (a row per ward or month), a pivot's summary or a cover page of
        # labels and values beside the patients' rows
        beside = {n for n, c in found if _names_person(_header_texts(book, n, c))}
        aggregates = tuple(
            (n, why)
            for n, c in found
            if (why := aggregate_reason(book, n, c, beside_patients=bool(beside - {n})))
        )
        if len(aggregates) < len(found):
            passed = {n for n, _ in aggregates}
            found = [(n, c) for n, c in found if n not in passed]
        else:
            aggregates = ()
    chosen_name, chosen = max(found, key=lambda item: item[1].score.recognised)  # first of best
    others = [
        n
        for n, c in found
        if n != chosen_name and n not in book.hidden and _holds_results(book, n, c, forced)
    ]
    reference = {n for n in others if names_reference_values(n)}
    also = tuple(n for n in others if n not in reference)
    also_reference = tuple(n for n in others if n in reference)
    also_hidden = tuple(
        n
        for n, c in found
        if n != chosen_name and n in book.hidden and _holds_results(book, n, c, forced)
    ) + tuple(n for n in skipped if _holds_table(book, n, header_row, forced))
    return HeaderLocation(
        chosen_name,
        chosen.index,
        chosen.score,
        also if sheet is None else (),
        chosen.cells,
        chosen.first,
        hidden=sheet is None and chosen_name in book.hidden,
        also_hidden=also_hidden if sheet is None else (),
        also_reference=also_reference if sheet is None else (),
        also_aggregate=aggregates,
    )


# Header fields that name the patient or the sample: a sheet holding one lists results.
_PERSON_FIELDS: Final = frozenset({"patient_id", "patient_name", "birth_date", "specimen_id"})
AGGREGATE_ROWS: Final = 200  # rows below a header looked at for statistic labels
# A cover page is a column of labels beside a column of values: its header and rows fill this
# many cells at most, and it has this many labelled rows at least.
COVER_COLUMNS: Final = 2
COVER_MIN_ROWS: Final = 2
STATISTICS_WHY: Final = (
    "hold statistics (a count column or rows of means, no patient column), not patients' results"
)


@cache
def _aggregate_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(count headers, statistic row labels, grand-total row labels): synonyms.toml [header],
    normalised."""
    header = synonyms_data()["header"]
    return (
        frozenset(normalise_word(w) for w in header["count_headers"]),
        frozenset(normalise_word(w) for w in header["statistic_rows"]),
        frozenset(normalise_word(w) for w in header["grand_total_rows"]),
    )


def _header_texts(book: Workbook, name: str, candidate: _Candidate) -> list[str]:
    header = candidate.cells or tuple(book.load(name, candidate.index + 1)[candidate.index])
    return [c for c in header if isinstance(c, str) and c.strip()]


def _names_person(texts: Sequence[str]) -> bool:
    """A header cell names the patient or the sample (id, name, birth date, sample id)."""
    for text in texts:
        strong = [f for f, score in candidates(text) if score >= STRONG_SCORE]
        if strong and strong[0] in _PERSON_FIELDS:
            return True
    return False


def aggregate_reason(
    book: Workbook, name: str, candidate: _Candidate, *, beside_patients: bool
) -> str:
    """Why the sheet holds no patients' results ("" when it may): its header names no patient
    or sample, and it is a sheet of statistics (a count column, "n", "Anzahl", "effectif",
    "aantal", or at least half its rows labelled with a statistic, "Mittelwert", "median",
    "moyenne", "SD"), a pivot's summary (its
    last labelled row a grand total, "Gesamtergebnis", "Grand Total", "Total général": its
    rows are groups, their values means or sums), or a cover page (a column of distinct labels
    beside one of values: "Analyte | Prolactin", "Upper limit (women) | 496").  A cover page
    is one only ``beside_patients`` (another sheet names its patients: a sheet of one patient's
    visits, "Visite | Prolaktin", is not), and a summary only then or when no subtotal row
    ("4B Ergebnis") stands above its grand total: Excel's Data > Subtotal writes both on a
    sheet of patients."""
    rows = book.load(name, candidate.index + 1 + AGGREGATE_ROWS)
    header = candidate.cells or tuple(rows[candidate.index])
    texts = [c for c in header if isinstance(c, str) and c.strip()]
    if _names_person(texts):
        return ""
    counts, statistics, grand_totals = _aggregate_words()
    if any(normalise_word(t) in counts for t in texts):
        return STATISTICS_WHY
    body = [
        (first, filled)
        for row in rows[candidate.index + 1 :]
        if (filled := [(j, c) for j, c in enumerate(row) if not is_blank(c)])
        for first in (normalise_word(cell_text(filled[0][1])),)
    ]
    labels = [first for first, _ in body]
    if labels and sum(label in statistics for label in labels) * 2 >= len(labels):
        return STATISTICS_WHY
    if labels and labels[-1] in grand_totals:
        subtotals = any(_note_suffix_pattern().search(label) for label in labels[:-1])
        if beside_patients or not subtotals:
            grand = cell_text(body[-1][1][0][1])
            return (
                f"hold a summary of groups (a grand-total row {grand!r}, no patient column), "
                "not patients' results"
            )
    if beside_patients and _cover_page(header, body):
        shown = " | ".join(cell_text(c) for c in header if not is_blank(c))
        return (
            f"hold a cover page (labels beside values, {shown!r}, no patient column), not "
            "patients' results"
        )
    return ""


def _cover_page(
    header: Sequence[object], body: Sequence[tuple[str, list[tuple[int, object]]]]
) -> bool:
    """A column of labels beside a column of values of different kinds: the header and every
    row below fill two cells at most, in the header's two columns; each row starts with a text
    that is no value (a number or a date), in the first of them; no label is written twice;
    and some label stands alone or beside what no result is (a date, a word: "Roche Elecsys",
    "mIU/L", "05.12.2026"), so that a sheet of one label and one result a row is no cover."""
    columns = [j for j, c in enumerate(header) if not is_blank(c)]
    if len(columns) != COVER_COLUMNS or len(body) < COVER_MIN_ROWS:
        return False
    if not any(len(filled) == 1 or _no_result(filled[-1][1]) for _, filled in body):
        return False
    seen: set[str] = set()
    for label, filled in body:
        first = filled[0][1]
        if (
            filled[0][0] != columns[0]
            or any(j not in columns for j, _ in filled)
            or not isinstance(first, str)
            or value_cells([first])
            or label in seen
        ):
            return False
        seen.add(label)
    return True


def _no_result(cell: object) -> bool:
    """A cell no result is written as: a date, or a text starting with a letter."""
    if isinstance(cell, date):
        return True
    text = cell_text(cell).strip()
    return bool(text) and (text[0].isalpha() or parse_date_text(text) is not None)


def names_reference_values(sheet: str) -> bool:
    """A sheet name that names reference values ("Referenzwerte", "Normalwerte", "Valeurs de
    référence", "Referentiewaarden", "Reference values": the reference_range header's words),
    so that the sheet lists limits by group, not patients: its prolactin column is never read
    as results (a "Neugeborene | 500" row came out as an urgent patient "-")."""
    strong = [(score, f) for f, score in candidates(sheet) if score >= STRONG_SCORE]
    return bool(strong) and max(strong)[1] == "reference_range"


@cache
def _codebook_sheet_names() -> tuple[tuple[str, ...], frozenset[str]]:
    header = synonyms_data()["header"]
    return (
        tuple(normalise_word(w) for w in header["codebook_sheets"]),
        frozenset(normalise_word(w) for w in header["codebook_sheets_whole"]),
    )


def names_codebook(sheet: str) -> bool:
    """A sheet name that names a research export's data dictionary or codebook ("Data
    dictionary", "Codebook", "Codebuch", "Dictionnaire des données", "Diccionario de datos",
    "Dizionario dati", "Codeboek": synonyms.toml [header] codebook_sheets), or is a legend's
    whole name ("Key", "Legende": codebook_sheets_whole)."""
    phrases, whole = _codebook_sheet_names()
    name = normalise_word(sheet).strip()
    return name in whole or any(f" {words} " in f" {name} " for words in phrases)


CODEBOOK_ROWS: Final = 2000  # rows of a data dictionary looked at for a variable's codes


def codebook_sex_codes(
    book: Workbook, read_sheet: str, header: str
) -> tuple[str, dict[str, str]] | None:
    """The sex codes a workbook's data dictionary sheet states for the column headed
    ``header`` (a row naming the variable, "sex", and its choices, "1, Female | 2, Male"; or a
    long-form codebook's rows "geslacht | 1 | vrouw"): (the sheet, code -> F / M), or None."""
    return codebook_codes(book, read_sheet, header, header_sex_codes, parse_sex)


def codebook_unit_codes(
    book: Workbook, read_sheet: str, header: str
) -> tuple[str, dict[str, str]] | None:
    """The unit codes a workbook's data dictionary states for the unit column headed ``header``
    ("1, ng/mL | 2, mIU/L", or long-form rows): (the sheet, code -> the prolactin unit), or
    None."""
    return codebook_codes(book, read_sheet, header, unit_choices, _unit_name)


def codebook_unit(book: Workbook, read_sheet: str, header: str) -> tuple[str, str, str] | None:
    """The prolactin unit a workbook's data dictionary states for the result column headed
    ``header`` in the variable's label or note (REDCap's Field Label "Prolactin (mIU/L)" or
    Field Note "mU/L", a Codeboek's "Prolactine (mE/l)", an SPSS Variable View's "Serum
    prolactin (µg/L)", a Stata describe's variable label): (the sheet, the unit, the cell
    stating it), or None where none or two different units are stated (review 23)."""
    for name, rows in _codebook_rows(book, read_sheet, header):
        found: dict[str, str] = {}
        for row, _ in rows:
            for cell in row:
                if not isinstance(cell, str) or _loose(cell) == _loose(header):
                    continue
                unit = _unit_name(parse_header(cell).unit or "") or _unit_name(cell)
                if unit is not None:
                    found.setdefault(unit, cell.strip())
        if len(found) == 1:
            unit, cell = found.popitem()
            return name, unit, cell
    return None


@dataclass(frozen=True)
class FlagCodebook:
    """A yes/no column's codes as a workbook's data dictionary states them."""

    sheet: str
    codes: dict[str, str]  # code -> the text read in its place ("yes", "no", a label, "")
    unread: dict[str, str]  # code -> its label, which the column's words do not read


def codebook_flag_codes(
    book: Workbook, read_sheet: str, header: str, field: str
) -> FlagCodebook | None:
    """The codes a workbook's data dictionary states for the yes/no column ``field`` headed
    ``header`` ("pregnant | 1, Not pregnant | 2, Pregnant | 3, Unknown", "menopause | 1,
    Premenopausal | 2, Postmenopausal", long-form rows "schwanger | 1 | nein"), each label read
    with the column's own state words (io/state_cells.state_codes): a yes or a no as "yes" /
    "no", another reading of the state ("Perimenopausal", "Unknown") as its label, and a label
    those words do not read as unknown (""), listed in ``unread``: a code the codebook gives is
    never read as the bare 1 = yes.  None when the dictionary does not give the column's codes."""
    labels = codebook_labels(book, read_sheet, header)
    if labels is None:
        return None
    return FlagCodebook(labels[0], *state_codes(field, labels[1]))


def codebook_labels(
    book: Workbook, read_sheet: str, header: str
) -> tuple[str, dict[str, str]] | None:
    """The labels a workbook's data dictionary gives the codes of the column headed ``header``
    ("1, Not pregnant | 2, Pregnant", long-form rows): (the sheet, code -> label), or None."""
    return codebook_codes(book, read_sheet, header, _choice_labels, _any_label)


def _choice_labels(cell: str) -> dict[str, str]:
    """A REDCap choices cell's labels ("1, Not pregnant | 2, Pregnant"), or a cell of "code =
    label" pairs ("1=nein, 2=ja"): code -> its label; {} unless it is one."""
    pairs = [_CHOICE.fullmatch(part) for part in cell.split("|")]
    if all(pairs):
        return _codes_of([(m.group(1), m.group(2)) for m in pairs if m], _any_label)
    return {code: "yes" if meaning else "no" for code, meaning in header_flag_codes(cell).items()}


def _any_label(word: str) -> str | None:
    return word.strip() or None


def _unit_name(word: str) -> str | None:
    info = normalise_unit(word)
    return info.unit if info is not None else None


_CHOICE: Final = re.compile(r"\s*(\d{1,2})\s*,\s*(\S.*?)\s*")


# A "code = label" choice of a codebook cell ("1=ng/mL, 2=mIU/L", "1 = ng/mL; 2 = mIU/L",
# "1: µg/L | 2: mU/L"): choices parted by a comma, semicolon or bar, a unit holding none of them.
_EQUALS_CHOICE: Final = re.compile(r"\s*(\d{1,2})\s*[=:]\s*([^,;|=:]+?)\s*")
_CHOICES_PARTED: Final = re.compile(r"[,;|]")


def unit_choices(cell: str) -> dict[str, str]:
    """A codebook cell's unit codes, REDCap's choices ("1, ng/mL | 2, mIU/L") or "code = unit"
    pairs ("1=ng/mL, 2=mIU/L", "1 = ng/mL; 2 = mIU/L"): code -> prolactin unit; {} unless every
    choice names one, each code once."""
    pairs = [_CHOICE.fullmatch(part) for part in cell.split("|")]
    if not all(pairs):
        parts = [p for p in _CHOICES_PARTED.split(cell) if p.strip()]
        pairs = [_EQUALS_CHOICE.fullmatch(part) for part in parts]
        if len(pairs) < 2 or not all(pairs):
            return {}
    return _codes_of([(m.group(1), m.group(2)) for m in pairs if m], _unit_name)


def _codes_of(
    pairs: Iterable[tuple[str, str]], read: Callable[[str], str | None]
) -> dict[str, str]:
    """code -> what ``read`` makes of its label, for numeric codes; {} when a label is not read
    or one code is given two meanings."""
    found: dict[str, str] = {}
    for code, label in pairs:
        meaning = read(label) if code.isdigit() else None
        if meaning is None or found.get(code, meaning) != meaning:
            return {}
        found[code] = meaning
    return found


def codebook_codes(
    book: Workbook,
    read_sheet: str,
    header: str,
    in_cell: Callable[[str], dict[str, str]],
    read: Callable[[str], str | None],
) -> tuple[str, dict[str, str]] | None:
    """The codes a workbook's data dictionary sheet states for the column headed ``header``:
    a cell of a row naming the variable that states them all (``in_cell``: REDCap's
    "1, Female | 2, Male"), else the rows naming it in a long-form codebook (SPSS, Stata:
    "Variable | Value | Label", one code a row), each label read by ``read``: (the sheet,
    code -> meaning), or None."""
    for name, rows in _codebook_rows(book, read_sheet, header):
        pairs: list[tuple[str, str]] = []
        for row, pair in rows:
            for cell in row:
                codes = in_cell(cell) if isinstance(cell, str) else {}
                if codes:
                    return name, codes
            if pair is not None:
                pairs.append(pair)
        codes = _codes_of(pairs, read) if pairs else {}
        if codes:
            return name, codes
    return None


def _codebook_rows(
    book: Workbook, read_sheet: str, header: str
) -> Iterator[tuple[str, list[tuple[Sequence[object], tuple[str, str] | None]]]]:
    """Each data dictionary sheet other than ``read_sheet`` (one that loads) with its rows naming
    the column headed ``header``: (the sheet, [(row, its long-form (code, label) after the
    variable's name, or None)])."""
    wanted = frozenset({_loose(header), _title_key(header)} - {""})
    for name in book.sheet_names:
        if name == read_sheet or not names_codebook(name):
            continue
        try:
            rows = book.load(name, CODEBOOK_ROWS)
        except InputFileError:
            continue
        named: list[tuple[Sequence[object], tuple[str, str] | None]] = []
        for row in rows:
            titles = [j for j, cell in enumerate(row) if _is_title(cell, wanted)]
            if not titles:
                continue
            after = [cell_text(c).strip() for c in row[titles[0] + 1 :] if not is_blank(c)]
            # the code and its label
            named.append((row, (code_text(after[0]), after[1]) if len(after) >= 2 else None))
        yield name, named


# A REDCap raw export's checkbox option: the variable's name, three underscores, the code
# ("sympt___2", "farmaci___1").
_CHECKBOX_CODE: Final = re.compile(r"(?P<name>\S.*?)___(?P<code>[0-9A-Za-z]{1,4})")
# The cells of a multi-select stored in one cell ("1;3", "1, 3", "1|3").
_SELECTED: Final = re.compile(r"\s*[;,|]\s*")


@dataclass
class DictionaryChoices:
    """What a workbook's data dictionary says of the coded columns of a header row."""

    header: list[object]  # the header row, each checkbox option named by its choice's label
    drugs: dict[int, dict[str, str]] = field(default_factory=dict)  # column -> code -> drug
    notes: list[str] = field(default_factory=list)


def dictionary_choices(
    book: Workbook, read_sheet: str, header: Sequence[object], names_drug: Callable[[str], bool]
) -> DictionaryChoices:
    """A REDCap raw export's checkbox options ("sympt___2") named as its label export names them
    ("sympt (choice=Visual field defect)"), by the choices the workbook's data dictionary gives
    for the variable ("1, Galactorrhoea | 2, Visual field defect"; long-form codebook rows "sympt
    | 2 | Visual field defect"), so that a finding or a drug option is read as the labelled one
    is; and the columns of which a choice names a drug (``names_drug``: a radio, dropdown or
    multi-select "antipsych_type | 1 | Risperidone"), whose codes the reader reads as their
    labels (review 23)."""
    found = DictionaryChoices(list(header))
    for col, cell in enumerate(header):
        if not isinstance(cell, str) or not cell.strip():
            continue
        option = _CHECKBOX_CODE.fullmatch(cell.strip())
        variable = option.group("name") if option else cell
        labels = codebook_labels(book, read_sheet, variable)
        if labels is None:
            continue
        if option is not None:
            label = labels[1].get(option.group("code"))
            if label is not None:
                found.header[col] = f"{variable} (choice={label})"
                found.notes.append(
                    f"column {cell!r} is option {option.group('code')} of {variable!r}, "
                    f"{label!r}, as the data dictionary in sheet {labels[0]!r} says"
                )
        elif any(names_drug(label) for label in labels[1].values()):
            found.drugs[col] = labels[1]
            listed = ", ".join(f"{code} = {label}" for code, label in sorted(labels[1].items()))
            found.notes.append(
                f"column {cell!r} codes medications as the data dictionary in sheet "
                f"{labels[0]!r} says: {listed}"
            )
    return found


def coded_drugs(cell: object, codes: Mapping[str, str]) -> object:
    """A cell of a coded drug column as the drugs its codes name ("1;3" -> "Risperidone;
    Aripiprazole"); a cell holding another code as it is."""
    if is_blank(cell):
        return cell
    parts = [code_text(p) for p in _SELECTED.split(cell_text(cell).strip()) if p]
    return "; ".join(codes[p] for p in parts) if parts and all(p in codes for p in parts) else cell


# A REDCap-style choices cell's "code, label" (missing-data codes may be negative: "-99, missing").
_MISSING_CHOICE: Final = re.compile(r"\s*(-?\d{1,6}|\.[a-z]?)\s*,\s*(\S.*?)\s*")


def codebook_missing_codes(
    book: Workbook, read_sheet: str, header: str
) -> tuple[str, dict[str, str]] | None:
    """The missing-data codes a workbook's data dictionary declares for the column headed
    ``header`` (a result column: "prl_bl | 999 | not done", "prl_bl | -99 | missing", or a
    choices cell "999, not done | -99, missing"): (the sheet, code -> its label), only the codes
    whose label says missing in one of the six languages (``is_missing_code``: "not done",
    "nicht bestimmt", "manquant" ...), or None.  A code the dictionary gives another label
    (a value's label, a unit) is never one."""
    for name, rows in _codebook_rows(book, read_sheet, header):
        found: dict[str, str] = {}
        for row, pair in rows:
            pairs = [
                (m.group(1), m.group(2))
                for cell in row
                if isinstance(cell, str)
                for m in map(_MISSING_CHOICE.fullmatch, cell.split("|"))
                if m is not None and "|" in cell
            ]
            if pair is not None:
                pairs.append(pair)
            for code, label in pairs:
                if code and is_missing_code(label, numbers=False):
                    found[code] = label
        if found:
            return name, found
    return None


def _holds_table(
    book: Workbook, name: str, header_row: int | None, forced: Mapping[str, str]
) -> bool:
    """A sheet not read holds a header naming a prolactin column and another field, or results
    in its prolactin column (a sheet that cannot be loaded, e.g. over the size limits, is not
    named: it was never needed)."""
    try:
        best = _sheet_best(book, name, header_row, forced)
        return isinstance(best, _Candidate) and (
            best.score.recognised >= ALSO_MIN_FIELDS or _holds_results(book, name, best, forced)
        )
    except InputFileError:
        return False


def _sheet_best(
    book: Workbook, name: str, header_row: int | None, forced: Mapping[str, str]
) -> _Candidate | tuple[Rows, list[int]]:
    """A sheet's best usable header, or (its first rows, the row indexes looked at)."""
    rows = book.load(name, max(HEADER_SCAN_ROWS, (header_row or 0) + 1))
    if header_row is not None:
        indexes = [header_row - 1] if header_row - 1 < len(rows) else []
    else:
        indexes = list(range(min(HEADER_SCAN_ROWS, len(rows))))
    best = _best_row(rows, indexes, forced)
    return best if best is not None else (rows, indexes)


def _best_unusable(
    rows: Rows,
    indexes: Sequence[int],
    forced: Mapping[str, str],
    name: str,
    best_seen: tuple[int, str, list[str]],
) -> tuple[int, str, list[str]]:
    """The row naming the most fields so far (for the error message), among rows without one."""
    for index in indexes:
        score = score_row(rows[index], forced)
        if score.recognised > best_seen[0]:
            best_seen = (
                score.recognised,
                name,
                [cell_text(c) for c in rows[index] if cell_text(c)],
            )
    return best_seen


def _best_row(rows: Rows, indexes: Sequence[int], forced: Mapping[str, str]) -> _Candidate | None:
    """The usable header naming the most fields (the first on a tie), unless data rows stand
    between an earlier usable header and it: then the earlier one heads the table, and the
    later (a second export pasted below, an empty template's header at the bottom) is a row
    of that table, rejected with its row number, never a reason to drop every row above it."""
    best: _Candidate | None = None
    for index in indexes:
        for candidate in _candidates_at(rows, index, forced):
            if best is None:
                best = candidate
            elif candidate.score.recognised > best.score.recognised:
                if _data_between(rows, best.index + 1, candidate.index):
                    return best
                best = candidate
            elif _label_row(best, candidate):
                best = candidate
    return best


def _label_row(best: _Candidate, below: _Candidate) -> bool:
    """``below`` is the row of labels right under a row of variable names, naming as many
    fields (REDCap, SPSS and Castor exports: "record_id | sex | prl" over "Record ID | Sex
    (1=female, 2=male) | Prolactin (ng/mL)"), and it says more of how to read the cells: it
    heads the table, so its units and codes are used (the label row was a result row of
    patient "Record ID", and every result lacked its unit)."""
    if below.index != best.index + 1 or below.score.recognised != best.score.recognised:
        return False
    return _explained(below.cells) > _explained(best.cells)


def _explained(cells: Sequence[object]) -> int:
    """How many header cells state a unit or codes in brackets ("Age (months)", "Sex (1=f)")."""
    return sum(1 for c in cells if isinstance(c, str) and "(" in c and ")" in c)


def _data_between(rows: Rows, start: int, stop: int) -> bool:
    """A row of values (numbers, dates) among rows[start:stop]."""
    return any(value_cells(rows[i]) >= DATA_ROW_MIN_VALUES for i in range(start, stop))


def _candidates_at(rows: Rows, index: int, forced: Mapping[str, str]) -> list[_Candidate]:
    """The row as a header, and the row joined with the one below it (a grouped header).  A row
    holding as many values (numbers, dates) as recognised names, and at least
    DATA_ROW_MIN_VALUES, is a data row, never a header: a file without a header row would
    otherwise lose its first row to the header and read the rest against it ("PRL" in a test
    column taken for the prolactin column)."""
    row = rows[index]
    score = score_row(row, forced)
    found: list[_Candidate] = []
    if not forced and value_cells(row) >= max(DATA_ROW_MIN_VALUES, score.recognised):
        return found
    if len(label_value_pairs(row)) >= GROUPED_MIN_CELLS:  # "Test: | Prolactin | Units: | mIU/L"
        # a title of labels and values, no header (one pair alone: a cover page's row, read as
        # such by aggregate_reason)
        return found
    if score.usable and (score.filled > 1 or _single_column_below(rows, index)):
        found.append(_Candidate(index, score, tuple(row)))
    grouped = _grouped_header(rows, index, score, forced)
    if grouped is not None:
        found.append(grouped)
    return found


# A header row holds names: this many cells that are values (numbers, dates) make it data.
DATA_ROW_MIN_VALUES: Final = 2


def label_value_pairs(row: Sequence[object]) -> list[tuple[str, str]]:
    """The (label, value) pairs of a title row written as labels ending in a colon, each with
    its value in the next cell ("Test: | Prolactin | Units: | mIU/L", "Analyt: | Prolaktin |
    Einheit: | mU/l"), when the row is all such pairs; [] for any other row (a header, whose
    names stand side by side without colons)."""
    cells = [cell_text(c) for c in row if not is_blank(c)]
    pairs: list[tuple[str, str]] = []
    at = 0
    while at < len(cells):
        label = cells[at]
        if not label.endswith(":") or at + 1 >= len(cells) or cells[at + 1].endswith(":"):
            return []
        pairs.append((label.rstrip(":").strip(), cells[at + 1]))
        at += 2
    return pairs


def value_cells(row: Sequence[object]) -> int:
    """How many cells of ``row`` are values rather than names: numbers and dates, as cells or
    as text ("850", "1970-02-03", "03/02/1970")."""
    count = 0
    for cell in row:
        if isinstance(cell, bool):
            continue
        if isinstance(cell, int | float | date):
            count += not (isinstance(cell, float) and math.isnan(cell))
        elif isinstance(cell, str) and cell.strip():
            text = cell.strip()
            if text[0].isdigit() and (
                bare_number(text) is not None or parse_date_text(text) is not None
            ):
                count += 1
    return count


@dataclass(frozen=True)
class TitledResult:
    """A result column whose analyte and unit a title row above its header states
    ("Test: | Prolactin | Units: | mIU/L" over "Pat-Nr | ... | Ergebnis")."""

    header: str  # the result column's header ("Ergebnis")
    row: int  # the title row, 1-based
    title: str  # the title row's cells, as one line
    unit: str  # the unit it names ("" when none)


def titled_result(book: Workbook, sheet: str) -> TitledResult | None:
    """The sheet's result column ("Ergebnis", "Result", "Résultat") when its header names no
    prolactin column and a title row of labels and values above it names prolactin as the
    analyte (``label_value_pairs``: "Analyt: | Prolaktin | Einheit: | mU/l"), with the unit a
    units label there gives; None otherwise."""
    rows = book.load(sheet, HEADER_SCAN_ROWS)
    title: tuple[int, list[tuple[str, str]]] | None = None
    for index, row in enumerate(rows):
        pairs = label_value_pairs(row) or _pairs_in_one_cell(row)
        if pairs:
            if any(_strongly(v) == "prolactin" and not _LISTED.search(v) for _, v in pairs):
                title = (index, pairs)
            continue
        texts = [cell_text(c) for c in row if not is_blank(c)]
        if title is None or len(texts) < GROUPED_MIN_CELLS:
            continue
        if index - title[0] > TITLE_UNIT_ROWS or value_cells(row) >= DATA_ROW_MIN_VALUES:
            return None
        found = [text for text in texts if _strongly(text) == "result"]
        if len(found) != 1 or any(_strongly(text) == "prolactin" for text in texts):
            return None
        unit = next(
            (v for label, v in title[1] if _is_units_label(label) and normalise_unit(v)), ""
        ) or next((u for _, v in title[1] if (u := parse_header(v).unit)), "")
        line = " | ".join(f"{label}: {value}" for label, value in title[1])
        return TitledResult(found[0], title[0] + 1, line, unit)
    return None


_LISTED: Final = re.compile(r"[,;+&]")  # "Prolactin, TSH": more analytes than one
_LABELLED: Final = re.compile(r"\s*([^:,;]+?)\s*:\s*([^,;]+?)\s*(?:[,;]|$)")


def _pairs_in_one_cell(row: Sequence[object]) -> list[tuple[str, str]]:
    """``label_value_pairs`` of a title written in one cell ("Analyt: Prolaktin, Einheit:
    mU/l", "Analyt: Prolaktin (mU/l)"); [] for any other row."""
    cells = [cell_text(c) for c in row if not is_blank(c)]
    if len(cells) != 1 or ":" not in cells[0]:
        return []
    text = cells[0]
    pairs: list[tuple[str, str]] = []
    at = 0
    while at < len(text):
        found = _LABELLED.match(text, at)
        if found is None or found.end() == at:
            return []
        pairs.append((found.group(1), found.group(2)))
        at = found.end()
    return pairs


def _strongly(text: str) -> str:
    """The field a header cell names with a strong score ("" when none)."""
    found = candidates(text)
    return found[0][0] if found and found[0][1] >= STRONG_SCORE else ""


def _filled(row: Sequence[object]) -> int:
    return sum(1 for c in row if not is_blank(c))


def _single_column_below(rows: Rows, index: int) -> bool:
    """A lone header cell heads a table only when the rows below it hold one cell as well
    (a title such as "Prolactin audit" above a wider table is not a header)."""
    below = [r for r in rows[index + 1 : index + 1 + GROUPED_LOOKAHEAD] if _filled(r)]
    return all(_filled(r) <= 1 for r in below)


def _grouped_header(
    rows: Rows, index: int, upper_score: RowScore, forced: Mapping[str, str]
) -> _Candidate | None:
    """Two header rows read as one: group titles above ("Patient", "Prolactin") carried over
    their blank neighbours and joined to the sub-headers below ("ID", "Result", "Unit")."""
    if index + 1 >= len(rows):
        return None
    upper, lower = rows[index], rows[index + 1]
    if _filled(upper) < GROUPED_MIN_CELLS:
        return None  # a lone title above a table is no group title
    texts = [c for c in lower if not is_blank(c)]
    if len(texts) < GROUPED_MIN_CELLS or not all(isinstance(c, str) for c in texts):
        return None
    width = max(len(upper), len(lower))
    padded_upper = [*upper, *[None] * (width - len(upper))]
    padded_lower = [*lower, *[None] * (width - len(lower))]
    pairs = list(zip(padded_upper, padded_lower, strict=True))
    if not any(is_blank(u) and not is_blank(v) for u, v in pairs):
        return None  # a grouped header leaves blank cells above some sub-headers
    lower_score = score_row(lower, forced)
    if lower_score.recognised < GROUPED_MIN_CELLS or lower_score.recognised * 2 < len(texts):
        return None
    joined: list[object] = []
    group = ""
    for top, bottom in pairs:
        if not is_blank(top):
            group = cell_text(top)
        below = "" if is_blank(bottom) else cell_text(bottom)
        joined.append(_grouped_cell(group, below))
    score = score_row(joined, forced)
    beaten = lower_score.recognised if lower_score.usable else 0
    better = score.recognised > max(upper_score.recognised, beaten)
    if not (score.usable and better):
        return None
    return _Candidate(index + 1, score, tuple(joined), first=index)


@cache
def _generic_subheaders() -> frozenset[str]:
    return frozenset(normalise_word(w) for w in synonyms_data()["header"]["generic_subheaders"])


def _grouped_cell(group: str, below: str) -> str:
    """One cell of a grouped header: the group title joined to its sub-header ("Prolaktin
    Einheit").  Where the joined text names no field, or the same field less surely than the
    sub-header alone, the sub-header alone ("Patient" over "PID" -> "PID"), or the title alone
    over a word that only says "the value" ("Prolactin" over "Wert", synonyms.toml
    generic_subheaders).  Never the sub-header alone where the joined text names another field
    ("TSH" over "Wert" stays "TSH Wert", no result column)."""
    joined = " ".join(t for t in (group, below) if t)
    if not group or not below:
        return joined
    found = candidates(joined)
    if not found:
        if normalise_word(below) in _generic_subheaders():
            return group if candidates(group) else joined
        return below if candidates(below) else joined
    alone = candidates(below)
    if alone and alone[0][0] == found[0][0] and alone[0][1] > found[0][1]:
        return below
    return joined


# Mapping fields that name the column to triage: a header of these that the file lacks is why
# no prolactin column was found.
TRIAGED_FIELDS: Final = ("prolactin", "result")


def _no_prolactin_error(
    file: str,
    best_seen: tuple[int, str, list[str]],
    book: Workbook,
    header_row: int | None,
    forced: Mapping[str, str] | None = None,
) -> InputFileError:
    count, sheet, headers = best_seen
    broken = _broken_header_lines(book, header_row)
    if count < 0 or not headers:
        where = f" in row {header_row}" if header_row else ""
        return InputFileError(
            file,
            f"no header row with a prolactin column found{where}{broken}",
            code="no_prolactin_column",
        )
    # The cells are not quoted: without a header row they are patient data (names, ids).
    named = recognised_headers(headers)
    seen = f"the likeliest header row has {len(headers)} filled cell(s)" + (
        f"; recognised: {named}" if named else ""
    )
    data = value_cells(headers) >= DATA_ROW_MIN_VALUES
    if data:
        seen += (
            "; it holds values (numbers, dates), not column names: the file may have no "
            "header row (add one)"
        )
    near = [] if data else [h for h in headers if mentions_prolactin(h)]
    hint = (
        f"; {', '.join(repr(h) for h in near[:5])} mention prolactin but look like another kind of "
        "column (a time point, flag, unit, limit, PEG result, a summary statistic such as a mean "
        "or SD, or a value derived from the result: a log, a z-score, a category)"
        if near
        else ""
    )
    lacking = _mapped_but_lacking(forced or {}, headers, nearest=not data)
    if lacking:  # the user named it already: the header in the mapping is what is wrong
        field_name = lacking[0]
        return InputFileError(
            file,
            f"no prolactin column found: {lacking[1]}; {seen}{broken}; write the header as "
            f"the file has it in the mapping file's [columns] {field_name}",
            sheet=sheet or None,
            code="no_prolactin_column",
        )
    fields = _header_fields(headers)
    # a long export's test column also names fields down its rows ("Prolattina", "TSH"): no
    # transposed table when the header row names a test column and another field
    long_header = bool(fields & set(LONG_MARKERS)) and bool(fields - set(LONG_MARKERS))
    turned = [] if long_header else _transposed_fields(book, sheet)
    if turned:
        return InputFileError(
            file,
            f"no prolactin column found ({seen}){broken}; the layout looks transposed: the "
            f"first column names fields ({', '.join(turned)}) and each patient is a column; "
            "turn the table (one row per patient, one column per field: in a spreadsheet, "
            "copy it and paste it transposed) and read it again",
            sheet=sheet or None,
            code="no_prolactin_column",
        )
    return InputFileError(
        file,
        f"no prolactin column found ({seen}){hint}{broken}; {_mapping_hint(fields)}",
        sheet=sheet or None,
        code="no_prolactin_column",
    )


def _header_fields(headers: Sequence[str]) -> set[str]:
    """The field each header of a row names best (headers naming none left out)."""
    return {found[0][0] for h in headers if (found := candidates(h))}


def _mapping_hint(tops: set[str]) -> str:
    """What to name in a mapping file: a file with a result column but no test column is a long
    export whose test column was not recognised (Cerner's "Event": review 27), named with
    ``test``; one with a test column but no result column is a long export whose result column
    was not recognised (an Italian "Esito": review 28), named with ``result``; else the
    prolactin column.  ``tops``: the fields the header row names (_header_fields)."""
    has_test = bool(tops & set(LONG_MARKERS))
    if "result" in tops and not has_test:
        return (
            "if each row holds one test (a long export), name the column that names the test "
            'in a column mapping file ([columns] test = "<header>"), else the column to triage '
            '([columns] prolactin = "<header>")'
        )
    if has_test and "result" not in tops:
        return (
            "each row holds one test (a long export: its test column was found), so name the "
            "column that holds the results in a column mapping file ([columns] result = "
            '"<header>")'
        )
    return 'name the column to triage in a column mapping file ([columns] prolactin = "<header>")'


TRANSPOSED_MIN_FIELDS: Final = 3  # fields named down the first column, prolactin among them


def _transposed_fields(book: Workbook, sheet: str) -> list[str]:
    """The fields the first filled column of a sheet names down its rows ("Variable | P01 |
    P02", "Prolactin (ng/mL)" in column A): a transposed table, one patient a column; [] unless
    prolactin and at least TRANSPOSED_MIN_FIELDS fields are named there (the field names are
    given, never the cells: a row's other cells are patient data)."""
    try:
        rows = book.load(sheet, HEADER_SCAN_ROWS * TRANSPOSED_MIN_FIELDS)
    except InputFileError:
        return []
    firsts = [next((c for c in row if not is_blank(c)), None) for row in rows]
    named: list[str] = []
    for cell in firsts:
        if not isinstance(cell, str):
            continue
        found = candidates(cell)
        if found and found[0][1] >= STRONG_SCORE and found[0][0] not in named:
            named.append(found[0][0])
    if "prolactin" not in named or len(named) < TRANSPOSED_MIN_FIELDS:
        return []
    return named


def _mapped_but_lacking(
    forced: Mapping[str, str], headers: Sequence[object], *, nearest: bool
) -> tuple[str, str] | None:
    """(field, message) for the column to triage that the mapping file names by a header the
    row lacks; None when the mapping names none, or the row has it."""
    have = {" ".join(str(c).casefold().split()) for c in headers if isinstance(c, str)}
    have |= {header_text(c).casefold() for c in headers}  # as the columns are matched
    for name in TRIAGED_FIELDS:
        wanted = forced.get(name)
        if (
            wanted
            and not {
                " ".join(wanted.casefold().split()),
                header_text(wanted).casefold(),
            }
            & have
        ):
            return name, mapped_header_lacking(name, wanted, headers, nearest=nearest)
    return None


# Broken lines among the first records of a text file may be the header itself.
HEADER_AREA_RECORDS: Final = 5
_BROKEN_CAUSES: Final = (
    ("never closed", "a quote opened there is never closed"),
    ("characters (the limit", "a cell is over the size limit"),
    ("NUL character", "it holds a NUL character"),
    ("columns (max_columns)", "it has more fields than the column limit"),
)


def _broken_header_lines(book: Workbook, header_row: int | None) -> str:
    """'; line 1 could not be split into fields (a quote opened there is never closed) — fix
    that line' when the delimited reader skipped lines where the header likely is (the first
    records, those before the first readable one, or the --header-row); else ''."""
    if not book.is_text or not book.bad_rows:
        return ""
    rows = book.load(book.sheet_names[0], None)
    first_good = next((i for i, r in enumerate(rows) if i not in book.bad_rows and _filled(r)), 0)
    limit = max(HEADER_AREA_RECORDS - 1, first_good, (header_row or 0) - 1)
    found = sorted(i for i in book.bad_rows if i <= limit and i not in book.continued_rows)
    if not found:
        return ""
    lines = book.line_numbers
    parts = []
    for i in found[:3]:
        line = lines[i] if i < len(lines) else i + 1
        detail = book.bad_rows[i]
        cause = next((c for key, c in _BROKEN_CAUSES if key in detail), "")
        parts.append(
            f"line {line} could not be split into fields" + (f" ({cause})" if cause else "")
        )
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    fix = "fix that line" if len(found) == 1 else "fix those lines"
    return f"; {', '.join(parts)}{more} \u2014 {fix}"


# ------------------------------------------------------------------------------------------------
# Rows below the header
# ------------------------------------------------------------------------------------------------
def column_samples(rows: Rows, start: int, header: Sequence[object]) -> dict[int, list[object]]:
    """Distinct non-blank cells of each column in the rows below the header (the first
    ``SAMPLE_ROWS``; at most ``SAMPLE_DISTINCT`` per column), for the value checks of
    ``triage.columns.recognise_columns``.  Cells repeating the header's own text are left out,
    and so are repeated header rows; the rows below a repeated header whose columns stand in
    another order are sampled in the first header's columns (a second export pasted below in
    another order must not make the whole file's "Sex" column look like dates), and those
    below one lacking a named column are not sampled."""
    titles = [_loose(h) for h in header]
    keys = _header_keys(header)
    own_titles = [_title_key(cell) for cell in header]
    seen: dict[int, dict[object, None]] = {}
    order: list[int] | None = None  # the current section's columns, None: the first header's
    skipping = False
    for row in rows[start : start + SAMPLE_ROWS]:
        if keys and _repeats_header(row, keys):
            own = [_title_key(cell) for cell in row]
            order = (
                None
                if own[: len(own_titles)] == own_titles
                else _column_order(own_titles, own, {}, {}, set(range(len(own_titles))))
            )
            skipping = order is None and own[: len(own_titles)] != own_titles
            continue
        if skipping:
            continue
        cells: Sequence[object] = (
            row if order is None else [row[k] if 0 <= k < len(row) else None for k in order]
        )
        for col, cell in enumerate(cells):
            if is_blank(cell):
                continue
            kept = seen.setdefault(col, {})
            if len(kept) >= SAMPLE_DISTINCT or cell in kept:
                continue
            if col < len(titles) and titles[col] and _loose(cell) == titles[col]:
                continue
            kept[cell] = None
    return {col: list(cells) for col, cells in seen.items()}


def _header_keys(header: Sequence[object]) -> frozenset[str]:
    """The header's titles as a repeated header may write them: without case or extra spaces,
    with and without a bracketed unit."""
    keys = {_loose(cell) for cell in header} | {_title_key(cell) for cell in header}
    keys.discard("")
    return frozenset(keys)


def repeats_header(header: Sequence[object]) -> Callable[[Sequence[object]], bool]:
    """Whether a row repeats ``header``'s titles, in any order (``_repeats_header``)."""
    keys = _header_keys(header)
    return lambda row: bool(keys) and _repeats_header(row, keys)


def _is_title(cell: object, keys: frozenset[str]) -> bool:
    return isinstance(cell, str) and (_loose(cell) in keys or _title_key(cell) in keys)


def _repeats_header(row: Sequence[object], keys: frozenset[str]) -> bool:
    """A row repeating the header's titles in any order (the rule of
    ``_duplicate_header_mask`` for one row)."""
    filled = [cell for cell in row if not is_blank(cell)]
    titled = sum(_is_title(cell, keys) for cell in filled)
    return titled >= max(2, math.ceil(DUPLICATE_SHARE * len(filled)))


@dataclass
class SplitRows:
    """The rows below the header: kept result rows, rejected rows, and the count read."""

    cells: np.ndarray  # 2-D object array (kept rows x columns)
    source_rows: np.ndarray  # int64, 1-based
    rejected: list[Rejected]
    rows_read: int
    units_row: dict[int, str] = field(default_factory=dict)  # column -> unit from a units row
    # a row under the header that names a unit under the result header but is no units row
    unread_units_row: str = ""
    distinct: list[Distinct] = field(default_factory=list)  # per column, kept rows
    # A header repeated below the first (a second section of the export): per kept row the
    # number of the repeated header above it (-1: the first header's section), and the cells
    # and row number of each repeated header, in order.
    section: np.ndarray | None = None
    section_headers: list[tuple[int, np.ndarray]] = field(default_factory=list)
    # the columns only a repeated header names, appended after the first header's (their
    # SectionColumn.row a source row), and the (title, source row) of the titles it adds that
    # are read as nothing and of the first header's titles it lacks
    added: dict[int, SectionColumn] = field(default_factory=dict)
    unread_added: list[tuple[str, int]] = field(default_factory=list)
    lacking: list[tuple[str, int]] = field(default_factory=list)
    # column -> field read from a printed report's patient heading rows (_heading_columns)
    heading_fields: dict[int, str] = field(default_factory=dict)
    # the source rows of the blank rows below the header (not a malformed line's, nor a line
    # joined into the record above): each ends a block of rows (RawTable.blocks)
    blank_rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    # the column added for the comment rows' text where the table has no comments column
    # (_comment_rows), read as the comments
    comment_column: int | None = None


@cache
def _note_pattern() -> re.Pattern[str]:
    """Note wordings at the start of a cell, as whole words ("Total: 44", not "Totalis")."""
    words = sorted((normalise_word(p) for p in synonyms_data()["rows"]["note_prefixes"]), key=len)
    alternatives = "|".join(re.escape(w) for w in reversed(words))
    return re.compile(rf"(?:{alternatives})(?![a-z0-9])")


@cache
def _note_suffix_pattern() -> re.Pattern[str]:
    """Note wordings at the end of a cell, as whole words ("Innere 3A Ergebnis", "Ward 7
    Total"; not "Subtotalis")."""
    words = sorted((normalise_word(p) for p in synonyms_data()["rows"]["note_suffixes"]), key=len)
    alternatives = "|".join(re.escape(w) for w in reversed(words))
    return re.compile(rf"(?<![a-z0-9])(?:{alternatives})\W*$")


def _note_max_cells() -> int:
    return int(synonyms_data()["rows"]["note_max_cells"])


def to_grid(rows: Rows, start: int, width: int) -> np.ndarray:
    """Rows from ``start`` as a rectangular 2-D object array of ``width`` columns ('' padded)."""
    body = rows[start:]
    if not body:
        return np.empty((0, width), dtype=object)
    lengths = set(map(len, body))
    width = max(width, *lengths)
    if lengths == {width}:
        cells: Iterable[object] = chain.from_iterable(body)
    else:
        cells = chain.from_iterable(
            row if len(row) == width else [*row, *[""] * (width - len(row))] for row in body
        )
    # one pass in C over the cells (assigning the rows to a 2-D array is several times slower)
    grid: np.ndarray = np.fromiter(cells, dtype=object, count=len(body) * width)
    return grid.reshape(len(body), width)


def split_rows(
    rows: Rows,
    header_index: int,
    match: ColumnMatch,
    file: str,
    sheet: str,
    result_field: str,
    *,
    bad_rows: Mapping[int, str] | None = None,
    row_numbers: Sequence[int] | None = None,
    row_reasons: Mapping[int, str] | None = None,
    consume: bool = False,
    grid: Grid | None = None,
    row_ids: Mapping[int, tuple[str, str]] | None = None,
    withdrawing: Set[int] = frozenset(),
    group_titles: Sequence[object] = (),
) -> SplitRows:
    """Drop blank rows, reject repeated headers and note rows, keep the rest.

    ``bad_rows`` (0-based row index -> detail): rows the reader could not split safely (their
    cells are left empty); those below the header are rejected as ``malformed_line`` and count
    as read.  ``row_numbers``: the source_row of each row (by index) when it is not its position
    (HL7 v2: the OBX segment's number); ``row_reasons``: the reason code of a bad row when it is
    not ``malformed_line``, and ``row_ids`` its (patient, specimen) when the format knows
    them; ``withdrawing``: the bad rows that withdraw a prolactin result (Rejected.withdraws).
    ``consume``: ``rows`` is emptied once its cells are in the grid
    (a large sheet's rows are then not held twice).  ``grid``: the same rows split in C
    (fast_split), whose cells and codes are taken when they are the rows below the header.
    ``group_titles``: the row of group titles above a two-row header ("Patient | Entnahme |
    Prolaktin" over "ID | ... | Wert | Einheit"); a row repeating it (a printed export's next
    page) is a repeated header as the sub-header row is."""
    header = rows[header_index]
    lead = _heading_above(rows, header_index)
    taken = _from_grid(grid, rows, header_index, bad_rows or {})
    if taken is not None:
        cells, factorized = taken
    else:
        if grid is not None:
            grid.materialise(rows)
        cells, factorized = to_grid(rows, header_index + 1, len(header)), None
    grid = None
    if consume:
        del rows[:]
    return _split_grid(
        cells,
        factorized,
        header,
        header_index,
        match,
        file,
        sheet,
        result_field,
        bad_rows,
        row_numbers,
        row_reasons,
        row_ids or {},
        withdrawing,
        group_titles,
        lead,
    )


def grid_fits(grid: Grid, rows: Rows, header_index: int, header: Sequence[object]) -> bool:
    """Every row below the header is one of the grid's, as wide as the header (or blank), and
    the header as wide as the grid: then the check of the rows' field counts reads no cell of
    them and split_rows takes them from the grid."""
    width = grid.cells.shape[1]
    if len(grid.counts) != len(rows) or len(header) != width:
        return False
    if len(rows[header_index]) != width:
        return False
    body = grid.counts[header_index + 1 :]
    return bool(((body == width) | (body == 0)).all())


def _from_grid(
    grid: Grid | None, rows: Rows, header_index: int, bad_rows: Mapping[int, str]
) -> tuple[np.ndarray, list[Distinct]] | None:
    """The cells below the header and their factorisation, from the grid fast_split made:
    when every row below the header is one of the grid's (no line of another number of fields
    than the header's, none emptied since) it is ``to_grid``'s result, and each column's
    dictionary codes, renumbered in order of first appearance, are ``factorize_column``'s."""
    if grid is None or len(grid.counts) != len(rows):
        return None
    start = header_index + 1
    width = grid.cells.shape[1]
    body = grid.counts[start:]
    if len(rows[header_index]) != width or not bool(((body == width) | (body == 0)).all()):
        return None
    # (a bad row the grid holds as a blank line, a line joined into the record above it, is
    # empty in both)
    if any(i >= start and grid.counts[i] for i in bad_rows):
        return None
    first = int(np.searchsorted(grid.records, start))
    if len(grid.records) - first != len(rows) - start:
        return None
    factorized = [
        _renumbered(codes[first:], uniques)
        for codes, uniques in zip(grid.codes, grid.uniques, strict=True)
    ]
    cells: np.ndarray = grid.cells[first:]
    return cells, factorized


def _renumbered(codes: np.ndarray, uniques: np.ndarray) -> Distinct:
    """``factorize_column`` of the cells ``uniques[codes]`` (texts, none missing).

    pyarrow numbers a column's distinct cells in order of first appearance, so below the
    header the codes usually run from some ``low`` up, each new one the next: then they are
    that order already, shifted (checked: the running maximum starts at ``low`` and grows by
    at most one, and reaches the last code).  Otherwise the codes are factorised."""
    if len(codes):
        low = int(codes.min())
        shifted = codes.astype(np.intp) - low
        running = np.maximum.accumulate(shifted)
        steps_of_one = len(running) < 2 or int(np.diff(running).max()) <= 1
        if shifted[0] == 0 and steps_of_one and int(running[-1]) == len(uniques) - low - 1:
            return Distinct(shifted, [*uniques[low:].tolist(), None])
    renumbered, seen = pd.factorize(codes)
    return Distinct(renumbered, [*uniques[seen].tolist(), None])


def _split_grid(
    grid: np.ndarray,
    factorized: list[Distinct] | None,
    header: Sequence[object],
    header_index: int,
    match: ColumnMatch,
    file: str,
    sheet: str,
    result_field: str,
    bad_rows: Mapping[int, str] | None,
    row_numbers: Sequence[int] | None,
    row_reasons: Mapping[int, str] | None,
    row_ids: Mapping[int, tuple[str, str]],
    withdrawing: Set[int],
    group_titles: Sequence[object] = (),
    lead: tuple[str, str, str] | None = None,
) -> SplitRows:
    if row_numbers is None:
        numbers = np.arange(header_index + 2, header_index + 2 + len(grid), dtype=np.int64)
    else:
        numbers = np.asarray(
            row_numbers[header_index + 1 : header_index + 1 + len(grid)], dtype=np.int64
        )
    malformed = [
        Rejected(
            file,
            sheet,
            row_numbers[index] if row_numbers is not None else index + 1,
            (row_reasons or {}).get(index, "malformed_line"),
            detail,
            *row_ids.get(index, ("", "")),
            withdraws=index in withdrawing,
        )
        for index, detail in sorted((bad_rows or {}).items())
        if index > header_index
    ]
    if len(grid) == 0:
        return SplitRows(grid, numbers, malformed, len(malformed))
    if factorized is None:
        factorized = [factorize_column(grid[:, j]) for j in range(grid.shape[1])]
    blank = np.column_stack([_blank_mask(found) for found in factorized])
    filled = (~blank).sum(axis=1)
    duplicate = _duplicate_header_mask(factorized, header, filled, blank)
    realigned = _realign_sections(grid, header, np.flatnonzero(duplicate & (filled > 0)), match)
    misaligned = realigned.misaligned
    if realigned.grid is not None:  # a section's columns put back in the header's order
        grid = realigned.grid
        factorized = [factorize_column(grid[:, j]) for j in range(grid.shape[1])]
        blank = np.column_stack([_blank_mask(found) for found in factorized])
        filled = (~blank).sum(axis=1)
    duplicate &= ~misaligned
    # the group titles of a two-row header repeated (no section of their own: the sub-header
    # row under them starts it)
    regrouped = (
        _group_titles_mask(factorized, blank, filled, group_titles) & ~duplicate & ~misaligned
    )
    duplicate_rows = duplicate | regrouped
    comments = _comment_rows(
        grid, blank, filled, match, result_field, duplicate_rows | misaligned, factorized
    )
    comment_column = None
    if comments:  # a labelled comment under a result: its text moves to the row's comments cell
        grid, blank, comment_column = _move_comments(grid, blank, factorized, match, comments)
    note = _note_mask(grid, blank, filled, match, result_field) & ~duplicate_rows & ~misaligned
    note |= _rule_rows(factorized, blank, filled) & ~duplicate_rows & ~misaligned
    headed, heading_rows = _heading_columns(grid, note, match, lead)
    for name, cells in [h for h in headed if h[0] in match.fields]:  # its column blank below
        col = match.fields[name]
        given = blank[:, col] & (cells != "")
        grid[given, col] = cells[given]
        blank[given, col] = False
        factorized[col] = factorize_column(grid[:, col])
    headed = [h for h in headed if h[0] not in match.fields]
    if headed:  # a printed report's patient heading rows: their fields for the rows below
        grid = np.column_stack([grid, *(cells for _, cells in headed)])
        factorized += [factorize_column(cells) for _, cells in headed]
        blank = np.column_stack([blank, np.zeros((len(grid), len(headed)), dtype=bool)])
    joined = _continuation_rows(
        grid, blank, filled, match, result_field, note | duplicate_rows, comment_column
    )
    if joined:  # a note or drug wrapped onto the next row: its text joins the row above
        grid, continued = _join_continuations(grid, joined, match, numbers, set(comments))
        for j in {j for _, cols in joined.values() for j in cols}:
            factorized[j] = factorize_column(grid[:, j])
    not_data = duplicate_rows | note | misaligned
    lone = _lone_results(blank, filled, match, result_field, not_data, factorized)
    footer = _footer_mask(grid, lone)
    subtotal = _subtotal_mask(grid, lone, footer)
    keep = (filled > 0) & ~duplicate_rows & ~note & ~footer & ~subtotal & ~misaligned
    rejected = [
        Rejected(file, sheet, int(numbers[i]), "duplicate_header", "repeated header row")
        for i in np.flatnonzero(duplicate_rows & (filled > 0))
    ]
    rejected += [
        _misaligned_row(grid[i], int(i), realigned, numbers, file, sheet, result_field)
        for i in np.flatnonzero(misaligned & (filled > 0))
    ]
    rejected += [
        Rejected(
            file,
            sheet,
            int(numbers[i]),
            "not_a_result_row",
            _HEADING_DETAIL if int(i) in heading_rows else _note_detail(grid[i]),
        )
        for i in np.flatnonzero(note)
        if int(i) not in joined
    ]
    if joined:
        rejected += [
            Rejected(file, sheet, int(numbers[i]), "not_a_result_row", text, patient)
            for i, (text, patient) in continued.items()
        ]
    rejected += [
        Rejected(file, sheet, int(numbers[i]), "not_a_result_row", _footer_detail(grid[i]))
        for i in np.flatnonzero(footer)
    ]
    rejected += [
        Rejected(file, sheet, int(numbers[i]), "not_a_result_row", _subtotal_detail(grid[i]))
        for i in np.flatnonzero(subtotal)
    ]
    rejected += malformed
    read = int((filled > 0).sum()) + len(malformed)
    if keep.all():  # every row kept: no copy of the grid and its codes
        split = SplitRows(grid, numbers, rejected, read)
        split.distinct = list(factorized)
    else:
        split = SplitRows(grid[keep], numbers[keep], rejected, read)
        split.distinct = [found.take(keep) for found in factorized]
    repeated = np.flatnonzero(duplicate & (filled > 0))
    if len(repeated):  # each row's section: the number of the last repeated header above it
        marks = np.full(len(grid), -1, dtype=np.int64)
        marks[repeated] = np.arange(len(repeated))
        split.section = np.maximum.accumulate(marks)[keep]
        split.section_headers = [(int(numbers[i]), grid[i]) for i in repeated.tolist()]
    split.added = {
        col: replace(added, row=int(numbers[added.row])) for col, added in realigned.added.items()
    }
    split.unread_added = [(title, int(numbers[at])) for title, at in realigned.unread]
    split.blank_rows = numbers[
        _separators(blank, filled, match, result_field, bad_rows, header_index)
    ]
    split.comment_column = comment_column
    width = grid.shape[1] - len(headed)
    split.heading_fields = {width + k: name for k, (name, _) in enumerate(headed)}
    split.lacking = [(title, int(numbers[at])) for title, at in realigned.lacking]
    _take_units_row(split, match, file, sheet, result_field)
    split.rejected.sort(key=lambda r: r.source_row)
    return split


_HEADING_FIELDS: Final = ("patient_id", "sex", "birth_date")
_DATE_IN_HEADING: Final = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
_ID_IN_HEADING: Final = re.compile(r"[A-Za-z0-9_/-]*\d[A-Za-z0-9_/-]*")
_LETTER_IN_HEADING: Final = re.compile(r"(?<![\w.])[^\W\d_](?![\w.])")


@cache
def _heading_pattern() -> re.Pattern[str]:
    """A patient heading's opening word (synonyms.toml [rows] patient_headings), then a colon
    or a full stop, then the rest."""
    words = sorted(synonyms_data()["rows"]["patient_headings"], key=len, reverse=True)
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"^(?:{alternatives})(?![\w])\s*[:.]?\s*(.+)$", re.IGNORECASE)


def _read_heading(text: str, *, worded: bool = True) -> tuple[str, str, str] | None:
    """(id, sex letter, birth date) of a patient heading ("Patient 3001 (W, geb. 12.03.1985)"),
    or None when the text is no heading with an id.  ``worded=False``: the text stands in the
    patient column, which names it a patient's without the word ("0093001 Roth, Frieda (W,
    *14.03.1984)")."""
    found = _heading_pattern().match(text.strip())
    if found is None and worded:
        return None
    rest = found.group(1) if found is not None else text.strip()
    date_found = _DATE_IN_HEADING.search(rest)
    birth = date_found.group(0) if date_found else ""
    rest = _DATE_IN_HEADING.sub(" ", rest).strip()
    ident = _ID_IN_HEADING.match(rest)  # the id comes first: "Patient count: 12" is no heading
    if ident is None:
        return None
    letters = [w for w in _LETTER_IN_HEADING.findall(rest[ident.end() :]) if parse_sex(w)]
    return ident.group(0), letters[0] if len(letters) == 1 else "", birth


def _heading_above(rows: Rows, header_index: int) -> tuple[str, str, str] | None:
    """The patient heading of the first block when it stands above the header, in the rows
    between the header and a blank row or the top (a per-patient block whose header is
    repeated under each heading)."""
    for i in range(header_index - 1, -1, -1):
        cells = [c for c in rows[i] if not is_blank(c)]
        if not cells:
            return None
        read = _read_heading(" ".join(cell_text(c).strip() for c in cells))
        if read is not None:
            return read
    return None


def _heading_columns(
    grid: np.ndarray,
    note: np.ndarray,
    match: ColumnMatch,
    lead: tuple[str, str, str] | None = None,
) -> tuple[list[tuple[str, np.ndarray]], set[int]]:
    """A printed cumulative report gives the patient once per block, in a heading row above its
    results (a note row): in a table with no patient column, the heading's id, sex and birth
    date are each row's below it, up to the next heading (review 24 D5); ``lead``: the
    heading above the header, the first block's.  The fields the header already has are not
    taken.  A heading may also stand alone in the patient column ("Patient", "Paciente" over
    "0093001 Roth, Frieda (W, *14.03.1984)", blank on the result rows: review 27 AB2), the
    column naming it a patient's without a patient word: its id then fills a patient id
    column's blank cells below it.  Returns the columns and the heading rows
    whose details were given (rejected with a detail that says so, review 27 AB5)."""
    own = match.fields.get("patient_id", match.fields.get("patient_name"))
    if not (note.any() or lead):
        return [], set()
    headings: dict[int, tuple[str, str, str]] = {}
    for i in np.flatnonzero(note).tolist():
        filled = [j for j, c in enumerate(grid[i].tolist()) if not is_blank(c)]
        if "patient_id" in match.fields and filled != [own]:
            continue
        text = " ".join(cell_text(grid[i, j]).strip() for j in filled)
        read = _read_heading(text, worded=filled != [own])
        if read is not None:
            headings[i] = read
    if lead is not None and "patient_id" not in match.fields:
        headings[-1] = lead
    if not headings:
        return [], set()
    owner = np.full(len(grid), -1, dtype=np.int64)
    for i in headings:
        if i >= 0:
            owner[i] = i
    owner = np.maximum.accumulate(owner)
    columns = []
    for k, name in enumerate(_HEADING_FIELDS):
        if (name in match.fields and name != "patient_id") or not any(
            h[k] for h in headings.values()
        ):
            continue
        cells = np.array(
            [
                headings[o][k] if o in headings and o != i else ""
                for i, o in enumerate(owner.tolist())
            ],
            dtype=object,
        )
        columns.append((name, cells))
    return columns, ({i for i in headings if i >= 0} if columns else set())


COMMENT_ROWS_HEADER: Final = "comment rows"  # the column added for them (_move_comments)
_HEADING_DETAIL: Final = (
    "a patient heading row: its patient id, sex and birth date were given to the result rows "
    "below it, up to the next heading"
)


def take_section_columns(split: SplitRows, match: ColumnMatch) -> None:
    """The columns a repeated header adds (``SplitRows.added``: a second export's comments,
    medications, pregnancy or findings) become the match's, read for the rows below that
    header (blank above it), and the run says so; it names the titles a repeated header adds
    that name nothing (not read) and the first header's titles it lacks (blank below it)."""
    for col, added in sorted(split.added.items()):
        match.headers += [""] * (col + 1 - len(match.headers))
        match.headers[col] = added.title
        if added.kind == "field":
            match.fields[added.name] = col
            unit = parse_header(added.title).unit
            if unit:
                match.header_units[added.name] = unit
        elif added.kind == "finding":
            match.finding_columns[col] = added.name
        else:
            match.note_columns.append(col)
        match.warnings.append(
            f"column {added.title!r} of the header repeated on row {added.row} is not in the "
            "first header: read for the rows below that header"
        )
    if split.comment_column is not None:
        match.headers += [""] * (split.comment_column + 1 - len(match.headers))
        match.headers[split.comment_column] = COMMENT_ROWS_HEADER
        match.fields["comments"] = split.comment_column
        match.warnings.append(
            "the table has comment rows under its results ('Kommentar: ...', 'Comment: ...') "
            "and no comments column: each was read as the comments of the result above it"
        )
    for col, name in sorted(split.heading_fields.items()):
        match.headers += [""] * (col + 1 - len(match.headers))
        match.headers[col] = f"patient heading ({name})"
        match.fields[name] = col
    if split.heading_fields:
        match.warnings.append(
            "the rows carry a patient heading row per block (a printed report): its "
            + ", ".join(sorted(split.heading_fields.values()))
            + " read for each row below it, up to the next heading"
        )
    match.warnings += [
        f"column {title!r} of the header repeated on row {row} is not in the first header "
        "and names no field: not read"
        for title, row in split.unread_added
    ]
    match.warnings += [
        f"the header repeated on row {row} has no column {title!r}: the rows below it were "
        "read with it blank"
        for title, row in split.lacking
    ]


def _misaligned_row(
    cells: np.ndarray,
    i: int,
    realigned: _Realigned,
    numbers: np.ndarray,
    file: str,
    sheet: str,
    result_field: str,
) -> Rejected:
    """A row below a repeated header that cannot be read in the first header's columns (it
    lacks the result or patient column, or names one twice): rejected with the patient its own
    header's patient column names, and listed with the urgent results when its own result
    column reads at or above the urgent level (or its words name a red flag)."""
    at = int(realigned.header_of[i])
    theirs = realigned.own.get(at)
    patient, note = "", ""
    if theirs is not None and at != i:
        person = theirs.fields.get("patient_id")
        if person is not None and person < len(cells) and not is_blank(cells[person]):
            patient = cell_text(cells[person]).strip()
        note = row_urgency(list(cells), theirs, theirs.fields.get(result_field, -1))
    return Rejected(
        file,
        sheet,
        int(numbers[i]),
        "misaligned_columns",
        f"below the header repeated on row {int(numbers[at])}, which lacks the result or "
        "patient column of the first header or names a column twice: its cells cannot be read "
        "in the first header's columns" + note,
        patient,
        possibly_urgent=bool(note),
    )


def _duplicate_header_mask(
    factorized: list[Distinct],
    header: Sequence[object],
    filled: np.ndarray,
    blank: np.ndarray,
) -> np.ndarray:
    """Rows repeating the header: at least half their filled cells (and two) one of the
    header's titles, compared without case, extra spaces or a bracketed unit, in ANY column (a
    second export pasted below with its columns reordered, one inserted or one left out is a
    repeated header too: ``_realign_sections`` then reads its rows in its own order).

    The columns are compared fewest distinct cells first, and a row stops being compared once
    too many of its filled cells differ from the header to reach half: an id column of 100,000
    distinct cells is then compared only for the few rows still in question."""
    threshold = np.maximum(2, np.ceil(DUPLICATE_SHARE * filled))
    equal = np.zeros(len(filled), dtype=np.int64)
    keys = _header_keys(header)
    differ = np.zeros(len(filled), dtype=np.int64)
    spare = filled - threshold  # how many filled cells of a row may differ
    open_rows = differ <= spare
    if not keys:
        return np.zeros(len(filled), dtype=np.bool_)
    for j in sorted(range(len(factorized)), key=lambda j: len(factorized[j].uniques)):
        if not open_rows.any():
            break
        found = factorized[j]
        table = np.zeros(len(found.uniques), dtype=np.bool_)
        asked = (
            range(len(found.uniques))
            if open_rows.all()
            else np.unique(found.codes[open_rows]).tolist()
        )
        for k in asked:
            table[k] = _is_title(found.uniques[k], keys)
        same = table[found.codes]
        equal += same & open_rows
        differ += ~same & ~blank[:, j]
        open_rows &= differ <= spare
    duplicate: np.ndarray = open_rows & (equal >= threshold)
    return duplicate


def _group_titles_mask(
    factorized: list[Distinct], blank: np.ndarray, filled: np.ndarray, titles: Sequence[object]
) -> np.ndarray:
    """Rows repeating the group titles of a two-row header: every filled cell (two at least)
    one of those titles, compared without case, extra spaces or a bracketed unit.  Columns of
    few distinct cells first; a cell is compared only while its row is still in question."""
    keys = _header_keys(titles)
    open_rows: np.ndarray = filled >= GROUPED_MIN_CELLS
    if not keys:
        return np.zeros(len(filled), dtype=np.bool_)
    for j in sorted(range(len(factorized)), key=lambda j: len(factorized[j].uniques)):
        if not open_rows.any():
            break
        found = factorized[j]
        table = np.zeros(len(found.uniques), dtype=np.bool_)
        for k in np.unique(found.codes[open_rows]).tolist():
            table[k] = _is_title(found.uniques[k], keys)
        open_rows &= table[found.codes] | blank[:, j]
    return open_rows


# A cell that only draws a line ("-----", "=====", "____", "* * *"): a printed report's rule.
_RULE_CELL: Final = re.compile(r"[\s.·*+|#]*[-=_~—–]{2,}[-=_~—–\s.·*+|#]*")


def _rule_rows(found: Sequence[Distinct], blank: np.ndarray, filled: np.ndarray) -> np.ndarray:
    """Rows whose every filled cell draws a line ("-----,----,---"): separators of a printed
    report, no results (a rule in the result column read as an unparseable result)."""
    rules = filled > 0
    # columns of few distinct cells first: after them almost no row is left to look at, and a
    # column's cells are tested only where a row still may be a rule
    for j in sorted(range(len(found)), key=lambda k: len(found[k].uniques)):
        rows = np.flatnonzero(rules)
        if not len(rows):
            break
        column = found[j]
        codes = column.codes[rows]
        drawn = np.zeros(len(column.uniques), dtype=bool)
        for code in np.unique(codes).tolist():
            cell = column.uniques[code]
            drawn[code] = isinstance(cell, str) and _RULE_CELL.fullmatch(cell) is not None
        rules[rows[~(drawn[codes] | blank[rows, j])]] = False
    out: np.ndarray = rules
    return out


def _blank_mask(found: Distinct) -> np.ndarray:
    """``is_blank`` over a factorised column (one test per distinct cell; texts in line)."""
    flags = [not cell.strip() if type(cell) is str else is_blank(cell) for cell in found.uniques]
    table = np.array(flags, dtype=np.bool_)
    mask: np.ndarray = table[found.codes]
    return mask


# the fields that name whose row it is: one of them again right of a prolactin column, with a
# prolactin column right of it, starts a second table beside the first
_TABLE_PERSON_FIELDS: Final = ("patient_id", "patient_name", "sex", "birth_date")


def second_table_column(header: Sequence[object]) -> int | None:
    """The column where a second table beside the first begins (two tables printed or pasted
    side by side, "Pat-Nr | Geschlecht | Prolaktin | | Patientennummer | Prolaktin", with or
    without an empty column between them, in one language or two), None for one table: a
    column naming whose row it is (patient, name, sex, birth date) right of a prolactin column
    and left of another.  Read as one table, each row's results were read under one patient,
    the other table's, and its sex."""
    named = [_strongly(c) if isinstance(c, str) and c.strip() else "" for c in header]
    prolactin = [j for j, name in enumerate(named) if name == "prolactin"]
    if len(prolactin) < 2:
        return None
    for j, name in enumerate(named):
        if name in _TABLE_PERSON_FIELDS and prolactin[0] < j < prolactin[-1]:
            start = j  # the second table begins at its first column after the first's result
            while start - 1 > prolactin[0] and named[start - 1] in _TABLE_PERSON_FIELDS:
                start -= 1
            return start
    return None


# the first header's columns a section must have to be read: its result and its patient (a
# section without them would take the patient above it, a grouped report's reading)
_SECTION_RESULTS: Final = ("prolactin", "result")
_SECTION_PERSONS: Final = ("patient_id", "patient_name")


@dataclass
class _Realigned:
    grid: np.ndarray | None  # the grid with sections put back in the header's order, if any
    misaligned: np.ndarray  # rows (and their header) of sections that cannot be
    header_of: np.ndarray  # each row's section header (grid index), -1 above the first
    # the columns a repeated header adds (appended to the grid): column -> SectionColumn
    added: dict[int, SectionColumn] = field(default_factory=dict)
    # (title, header row): titles a repeated header adds that name nothing ("unread") and
    # titles of the first header a repeated one lacks ("lacking")
    unread: list[tuple[str, int]] = field(default_factory=list)
    lacking: list[tuple[str, int]] = field(default_factory=list)
    own: dict[int, ColumnMatch] = field(default_factory=dict)  # misaligned header -> its match


@dataclass(frozen=True)
class SectionColumn:
    """A column only a repeated header names: read as a field (``kind`` "field", ``name`` the
    field), a note read into the comments ("note"), or a yes/no finding ("finding", ``name``
    the words a yes writes); its ``title`` and the header's ``row`` (grid index, then the
    source row)."""

    kind: str
    name: str
    title: str
    row: int


def _added_column(theirs: ColumnMatch, match: ColumnMatch, k: int) -> tuple[str, str]:
    """How column ``k`` of a repeated header (``theirs``) that the first header (``match``)
    lacks is read: (kind, name) as SectionColumn's, ("", "") for nothing."""
    name = next((f for f, c in theirs.fields.items() if c == k), "")
    if name and name not in match.fields:
        return "field", name
    if k in theirs.finding_columns:
        return "finding", theirs.finding_columns[k]
    if k in theirs.note_columns:
        return "note", ""
    return "", ""


def _realign_sections(
    grid: np.ndarray, header: Sequence[object], repeated: np.ndarray, match: ColumnMatch
) -> _Realigned:
    """Sections below a repeated header whose columns stand in another order or under other
    names ("Prolaktin;Alter" where the first header said "Alter;Prolaktin", "Geburtsdatum"
    where it said "Geb.-Datum": a second export pasted below, from another LIS version or site)
    have their cells put back in the first header's columns: a column by its title, else by
    the field both headers' titles name (recognise_columns).  A column of the first header the
    section lacks is blank in its rows (``lacking``), unless it is the result column or the
    section has none of the first header's patient columns (id, name): then its rows cannot be
    read (they would take the patient above them); they and their header are misaligned.
    The fields, notes and findings a repeated header adds (comments, medications, pregnancy,
    "Visual field defect") are read in columns appended to the grid, blank above it
    (``added``)."""
    misaligned = np.zeros(len(grid), dtype=np.bool_)
    header_of = np.full(len(grid), -1, dtype=np.int64)
    found = _Realigned(None, misaligned, header_of)
    if not len(repeated):
        return found
    width = grid.shape[1]
    titles = [_title_key(cell) for cell in header][:width]
    titles += [""] * (width - len(titles))
    fields = {col: name for name, col in match.fields.items()}
    needed = {col for name, col in match.fields.items() if name in _SECTION_RESULTS}
    needed |= set(match.series_columns)
    persons = {col for name, col in match.fields.items() if name in _SECTION_PERSONS}
    extra: dict[tuple[str, str], int] = {}  # (kind, field, finding or note title) -> column
    moves: list[tuple[slice, list[int], dict[int, int]]] = []
    bounds = [*repeated.tolist(), len(grid)]
    for n, at in enumerate(repeated.tolist()):
        rows = slice(at, bounds[n + 1])
        header_of[rows] = at
        own = [_title_key(cell) for cell in grid[at]]
        if own == titles:
            continue
        theirs = recognise_columns(list(grid[at]))
        order = _column_order(titles, own, fields, theirs.fields, needed)
        if order is not None and persons and all(order[j] < 0 for j in persons):
            order = None  # no patient column: its rows would take the patient above them
        if order is None:
            misaligned[rows] = True
            found.own[at] = theirs
            continue
        found.lacking += [
            (cell_text(header[j]), at) for j, k in enumerate(order) if k < 0 and titles[j]
        ]
        adds: dict[int, int] = {}  # section column -> appended column
        for k, title in enumerate(own):
            if not title or k in order:
                continue
            kind, name = _added_column(theirs, match, k)
            if not kind:
                found.unread.append((cell_text(grid[at][k]), at))
                continue
            key = (kind, name if kind == "field" else title)
            if key not in extra:
                extra[key] = width + len(extra)
                found.added[extra[key]] = SectionColumn(kind, name, cell_text(grid[at][k]), at)
            adds[k] = extra[key]
        moves.append((rows, order, adds))
    if not moves:
        return found
    out = np.empty((len(grid), width + len(extra)), dtype=object)
    out[:, :width] = grid
    out[:, width:] = ""
    for rows, order, adds in moves:
        section = grid[rows]  # the header too: its units are read per column
        moved = np.empty((len(section), out.shape[1]), dtype=object)
        moved[:] = None
        for j, k in enumerate(order):
            if k >= 0:
                moved[:, j] = section[:, k]
        for k, j in adds.items():
            moved[:, j] = section[:, k]
        out[rows] = moved
    found.grid = out
    return found


_BRACKETED: Final = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def _title_key(cell: object) -> str:
    """A header cell's name without its bracketed unit: "Prolactin (ng/mL)" and "Prolactin
    (mIU/L)" name the same column (a section in another unit is read in its own unit)."""
    return _loose(_BRACKETED.sub(" ", cell)) if isinstance(cell, str) else ""


def _column_order(
    titles: list[str],
    own: list[str],
    fields: Mapping[int, str],
    their_fields: Mapping[str, int],
    needed: Set[int],
) -> list[int] | None:
    """For each column of the first header, the column of a repeated header with the same
    title, else the one whose title names the same field (``fields``: the first header's column
    -> field, ``their_fields``: the repeated header's field -> column); -1 for a column it has
    no place for.  None when a title is written twice or a ``needed`` column (the result) is
    missing."""
    where: dict[str, int] = {}
    for k, title in enumerate(own):
        if title:
            if title in where:
                return None
            where[title] = k
    order: list[int] = []
    for j, title in enumerate(titles):
        name = fields.get(j, "")
        if title and title in where:
            order.append(where[title])
        elif name and name in their_fields:
            order.append(their_fields[name])
        elif title:
            if j in needed:
                return None
            order.append(-1)
        else:
            order.append(j if j < len(own) and not own[j] else -1)
    placed = [k for k in order if k >= 0]
    if len(set(placed)) < len(placed):
        return None  # one column of the repeated header read twice: no reading is sure
    return order


def _loose(cell: object) -> str:
    return " ".join(cell.casefold().split()) if isinstance(cell, str) else ""


def _note_mask(
    grid: np.ndarray, blank: np.ndarray, filled: np.ndarray, match: ColumnMatch, result_field: str
) -> np.ndarray:
    """Rows that are notes: few cells, and a note wording (in the first filled cell; in any
    cell when the row names no patient: "| | | 6800 | Summe", a total with its label in a
    column to the right, never a result of the patient above) or no result and no identity."""
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
    pattern, suffix = _note_pattern(), _note_suffix_pattern()
    for i in np.flatnonzero(few):
        first = next((c for c in grid[i] if not is_blank(c)), "")
        if not isinstance(first, str):
            continue
        text = normalise_word(first)
        if pattern.match(text) or suffix.search(text):
            worded[i] = True
    for i in np.flatnonzero(few & identity_blank & ~worded):
        worded[i] = any(
            _bare_label(normalise_word(cell), pattern, suffix)
            for cell in grid[i]
            if isinstance(cell, str)
        )
    return lone_text | worded


_LETTER: Final = re.compile(r"[^\W\d_]")
# a formula written as text, or left uncomputed ("=SUM", "=AVERAGE(D2:D3)"): its function name
_FORMULA_TEXT: Final = re.compile(r"=\s*([^\W\d_][\w.]*)\s*(?:\(.*\))?")


def _bare_label(text: str, prefix: re.Pattern[str], suffix: re.Pattern[str]) -> bool:
    """A cell that is only a note wording ("Summe", "Mittelwert:", "Total", "n =", "Nombre"),
    with no other words, or a formula's text naming one ("=SUM", "=AVERAGE(D2:D3)"): the label
    of a totals or statistics row, in whichever column."""
    formula = _FORMULA_TEXT.fullmatch(text)
    if formula is not None:
        text = formula.group(1)
    start = prefix.match(text)
    if start is not None and not _LETTER.search(text, start.end()):
        return True
    end = suffix.search(text)
    return end is not None and end.start() == 0


def _separators(
    blank: np.ndarray,
    filled: np.ndarray,
    match: ColumnMatch,
    result_field: str,
    bad_rows: Mapping[int, str] | None,
    header_index: int,
) -> np.ndarray:
    """The blank rows that end a block (SplitRows.blank_rows): empty, below a row that holds a
    result (a patient's heading or details row above a blank line still heads the results under
    it), and no malformed line nor a line joined into the record above (their cells are left
    empty)."""
    separators: np.ndarray = filled == 0
    if bad_rows:
        unread = [i - header_index - 1 for i in bad_rows if 0 <= i - header_index - 1 < len(blank)]
        separators[unread] = False
    result_col = match.fields.get(result_field)
    if not separators.any() or result_col is None or result_col >= blank.shape[1]:
        return separators
    rows = np.arange(len(blank))
    last = np.maximum.accumulate(np.where(filled > 0, rows, -1))  # the last filled row so far
    above = np.concatenate([[-1], last[:-1]])
    separators &= above >= 0
    separators[separators] = ~blank[above[separators], result_col]
    return separators


# Free-text fields a wrapped note or drug list may go on from (their [value_checks] kind is "text":
# comments, medications, symptoms, kidney and liver disease, assay), with the note columns read
# into the comments and the further columns joined into a field.
_CONTINUED_KIND: Final = "text"


@cache
def _text_kinds() -> frozenset[str]:
    return frozenset(name for name, c in value_checks().items() if c.kind == _CONTINUED_KIND)


def _text_columns(match: ColumnMatch, comment_column: int | None = None) -> dict[int, str]:
    """Column -> its field, for the free-text columns of a table (with the column added for
    the comment rows' text, ``SplitRows.comment_column``)."""
    kinds = _text_kinds()
    found = {col: name for name, col in match.fields.items() if name in kinds}
    for name, cols in match.joined_columns.items():
        found.update({col: name for col in cols if name in kinds})
    found.update({col: "comments" for col in match.note_columns})
    if comment_column is not None:
        found[comment_column] = "comments"
    return found


@lru_cache(maxsize=4096)
def _names_free_text(label: str) -> bool:
    """A label that, as a column's header, would be read as free text: a comments, symptoms or
    medication column (value check kind "text") or a note column ("Kommentar", "Comment",
    "Commentaire", "Nota", "Opmerking", "Klinische Angaben", "Medikation", "Diagnose")."""
    kinds = _text_kinds()
    if any(name in kinds and found >= STRONG_SCORE for name, found in candidates(label)):
        return True
    found = header_score(parse_header(label), header_vocabulary("note_columns"), shortened=True)
    return found >= STRONG_SCORE


# a label and its colon at the start of a cell ("Kommentar: ...", "Commentaire : ...")
_COMMENT_LABEL: Final = re.compile(r"\s*([^\W\d_][^:\n]*?)\s*:\s*(.*)", re.DOTALL)


def _comment_rows(
    grid: np.ndarray,
    blank: np.ndarray,
    filled: np.ndarray,
    match: ColumnMatch,
    result_field: str,
    not_data: np.ndarray,
    factorized: Sequence[Distinct],
) -> dict[int, str]:
    """Rows that are a labelled comment on the result above them, whatever column the LIS
    printed it in (the first, the test's or the result's): few cells (as a note row), the first
    a free-text label and its colon (``_names_free_text``: "Kommentar: Gesichtsfeldausfall",
    "Comment: on Haldol", "Commentaire : ...", "Nota: ...", "Opmerking: ..."), with text after
    it, right under a result row or another such row (never after a blank row), and no footer
    wording ([rows] note_prefixes).  Row -> its text (its filled cells, in order)."""
    result_col = match.fields.get(result_field)
    if result_col is None or result_col >= blank.shape[1] or len(grid) < 2:
        return {}
    candidate = (filled > 0) & (filled <= _note_max_cells()) & ~not_data
    candidate[0] = False
    # the few rows whose first cell holds a colon, by the column's distinct cells (a narrow
    # table's rows are all of few cells)
    first = np.argmax(~blank, axis=1)
    colon = np.zeros(len(grid), dtype=bool)
    for j in np.unique(first[candidate]).tolist():
        rows = candidate & (first == j)
        cells = factorized[j]
        said = np.array([isinstance(u, str) and ":" in u for u in cells.uniques], dtype=bool)
        colon[rows] = said[cells.codes[rows]]
    pattern, suffix = _note_pattern(), _note_suffix_pattern()
    found: dict[int, str] = {}
    for i in np.flatnonzero(candidate & colon).tolist():
        texts = [cell_text(grid[i, j]).strip() for j in np.flatnonzero(~blank[i]).tolist()]
        labelled = _COMMENT_LABEL.fullmatch(texts[0])
        if labelled is None or not (labelled.group(2).strip() or len(texts) > 1):
            continue
        word = normalise_word(texts[0])
        if pattern.match(word) or suffix.search(word) or not _names_free_text(labelled.group(1)):
            continue
        above = i - 1
        if above in found or (
            filled[above] and not not_data[above] and not blank[above, result_col]
        ):
            found[i] = " ".join(texts)
    return _between_results(found, blank, filled, not_data, result_col)


def _between_results(
    found: dict[int, str],
    blank: np.ndarray,
    filled: np.ndarray,
    not_data: np.ndarray,
    result_col: int,
) -> dict[int, str]:
    """The comment rows kept (review 29, reviewer C finding 1): those a result row of the table
    follows (past blank rows: a comment between results), and at the end of the table those
    whose text speaks of the patient and not of the list (``_about_the_patient``); a lab's
    footer under the last result ("Kommentar: erhoehte Werte z.B. unter Risperidon ...") stays
    a note, joined to no patient."""
    kept: dict[int, str] = {}
    for i, text in found.items():
        if i - 1 in found and i - 1 not in kept:
            continue  # under a refused comment row: at the end of the table as well
        below = i + 1
        while below < len(filled) and (below in found or not filled[below]):
            below += 1
        followed = below < len(filled) and not not_data[below] and not blank[below, result_col]
        if followed or _about_the_patient(text):
            kept[i] = text
    return kept


def _word_pattern(key: str) -> re.Pattern[str]:
    words = {normalise_word(w) for w in synonyms_data()["rows"][key]}
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])")


@cache
def _comment_row_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return _word_pattern("comment_row_patient_words"), _word_pattern("comment_row_list_words")


def _about_the_patient(text: str) -> bool:
    """A comment row's text that names the patient ("Pat. nimmt Haldol", "takes haloperidol",
    "la patiente prend ...") and nothing of the list ("Werte", "this report", "validées",
    "z.B.", "may be raised": [rows] comment_row_patient_words, comment_row_list_words)."""
    patient, listed = _comment_row_words()
    word = normalise_word(text)
    return patient.search(word) is not None and listed.search(word) is None


def _move_comments(
    grid: np.ndarray,
    blank: np.ndarray,
    factorized: list[Distinct],
    match: ColumnMatch,
    comments: Mapping[int, str],
) -> tuple[np.ndarray, np.ndarray, int | None]:
    """The grid (and its blank mask and codes, updated) with each comment row's text in its
    comments cell alone, in a column added for them where the table has none (its index
    returned), so that it joins the result row above as a continuation row's text does."""
    col = match.fields.get("comments")
    added = None
    if col is None or col >= grid.shape[1]:
        added = col = grid.shape[1]
        grid = np.column_stack([grid, np.full(len(grid), "", dtype=object)])
        blank = np.column_stack([blank, np.ones(len(grid), dtype=bool)])
        factorized.append(factorize_column(grid[:, col]))
    rows = np.fromiter(comments, dtype=np.int64, count=len(comments))
    changed = {col, *np.flatnonzero((~blank[rows]).any(axis=0)).tolist()}
    grid[rows] = ""
    blank[rows] = True
    grid[rows, col] = np.array(list(comments.values()), dtype=object)
    blank[rows, col] = False
    for j in changed:
        factorized[j] = factorize_column(grid[:, j])
    return grid, blank, added


def _continuation_rows(
    grid: np.ndarray,
    blank: np.ndarray,
    filled: np.ndarray,
    match: ColumnMatch,
    result_field: str,
    not_data: np.ndarray,
    comment_column: int | None = None,
) -> dict[int, tuple[int, list[int]]]:
    """Rows that go on with the free text of the result row above them (a note or a drug list
    wrapped onto the next row of a spreadsheet or export): no patient id, name or specimen
    number, no result, and text only in free-text columns (comments, medications, symptoms;
    ``_text_columns``), right under a result row or another such row.  A footer or note
    wording ("Total: 25", "Printed by", "Page 2 of 3", "Ende der Liste": [rows] note_prefixes
    and note_suffixes) is never one.  Row -> (the result row it goes on, its text columns)."""
    result_col = match.fields.get(result_field)
    columns = _text_columns(match, comment_column)
    if result_col is None or not columns or result_col >= blank.shape[1]:
        return {}
    identity = [match.fields[f] for f in IDENTITY_FIELDS if f in match.fields]
    text_cols = np.zeros(blank.shape[1], dtype=bool)
    text_cols[[c for c in columns if c < blank.shape[1]]] = True
    pattern, suffix = _note_pattern(), _note_suffix_pattern()
    found: dict[int, tuple[int, list[int]]] = {}
    # the few candidate rows, found for the whole grid at once (a file has millions of rows)
    candidate = (filled > 0) & blank[:, result_col] & blank[:, ~text_cols].all(axis=1)
    if identity:
        candidate &= blank[:, identity].all(axis=1)
    candidate[0] = False
    for i in np.flatnonzero(candidate).tolist():
        cols = np.flatnonzero(~blank[i]).tolist()
        texts = [grid[i, j] for j in cols]
        if not all(isinstance(t, str) and re.search(r"[^\W\d_]", t) for t in texts):
            continue
        words = [normalise_word(t) for t in texts]
        if any(pattern.match(w) or suffix.search(w) for w in words):
            continue
        above = i - 1
        if above in found:
            found[i] = (found[above][0], cols)
        elif filled[above] and not not_data[above] and not blank[above, result_col]:
            found[i] = (above, cols)
    return found


def _join_continuations(
    grid: np.ndarray,
    joined: Mapping[int, tuple[int, list[int]]],
    match: ColumnMatch,
    numbers: np.ndarray,
    comment_rows: Set[int] = frozenset(),
) -> tuple[np.ndarray, dict[int, tuple[str, str]]]:
    """The grid with each continuation row's text joined to its result row's cell of the same
    column (with "; ", so that each row's words keep their own sense: "headache" and "sudden
    visual loss" never read as a sudden headache; with a space after a trailing comma or hyphen),
    and per continuation row the detail naming the row it joined and that row's patient id."""
    grid = grid.copy()
    id_col = match.fields.get("patient_id")
    said: dict[int, tuple[str, str]] = {}
    for i, (target, cols) in sorted(joined.items()):
        for j in cols:
            before, more = cell_text(grid[target, j]).rstrip(), cell_text(grid[i, j]).strip()
            if hyphen_breaks_joined(f"{before}\n{more}") != f"{before}\n{more}":
                # a word hyphenated over the rows ("Haloperi-", "dol 5 mg"): kept as written
                # on two lines, which the text rules read as one word
                grid[target, j] = f"{before}\n{more}"
                continue
            goes_on = before.endswith((",", ";", ":", "-", "+", "&", "/"))
            grid[target, j] = f"{before} {more}" if goes_on or not before else f"{before}; {more}"
        shown = " | ".join(cell_text(grid[i, j]) for j in cols)
        headers = ", ".join(
            repr(match.headers[j]) if j < len(match.headers) else "comments" for j in cols
        )
        patient = cell_text(grid[target, id_col]) if id_col is not None else ""
        why = (
            "a comment row under that result"
            if i in comment_rows
            else "a note or list wrapped onto the next row"
        )
        said[i] = (
            f"continuation row: its text {shown[:80]!r} was joined to row "
            f"{int(numbers[target])}'s {headers} ({why})",
            patient,
        )
    return grid, said


@dataclass(frozen=True)
class _LoneResults:
    """Rows that hold a result and nothing else (``rows``, a mask) and the fuller data rows
    (``fuller``, indices), in a table of several columns."""

    rows: np.ndarray
    fuller: np.ndarray
    result_col: int


def _lone_results(
    blank: np.ndarray,
    filled: np.ndarray,
    match: ColumnMatch,
    result_field: str,
    not_data: np.ndarray,
    factorized: Sequence[Distinct] = (),
) -> _LoneResults | None:
    """None without a result column or in a table of fewer than SUBHEADING_MIN_COLUMNS fields.
    Rows that are no data (``not_data``: labelled footers "Summe | 1000", notes, repeated
    headers) are neither.  A cell that only repeats its column's common value (``_repeats``:
    the unit filled down under a mean, "", "", "178.3", "ng/mL") does not make a row fuller."""
    result_col = match.fields.get(result_field)
    if result_col is None or result_col >= blank.shape[1]:
        return None
    if len(match.fields) < SUBHEADING_MIN_COLUMNS:
        return None
    filled = filled - _repeats(blank, filled, match, result_col, not_data, factorized)
    rows = (filled == 1) & ~blank[:, result_col] & ~not_data
    return _LoneResults(rows, np.flatnonzero((filled >= 2) & ~not_data), result_col)


def _repeats(
    blank: np.ndarray,
    filled: np.ndarray,
    match: ColumnMatch,
    result_col: int,
    not_data: np.ndarray,
    factorized: Sequence[Distinct],
) -> np.ndarray:
    """Per row, how many of its cells only repeat their column's common value: the one value
    every filled cell of the column holds in the data rows, in at least FOOTER_MIN_ROWS_ABOVE
    of them (a unit, an assay written on every row).  Never the result column nor an identity
    column (a row naming a patient is that patient's)."""
    count = np.zeros(len(blank), dtype=np.int64)
    data = (filled >= 2) & ~not_data
    skip = {result_col, *(match.fields[f] for f in IDENTITY_FIELDS if f in match.fields)}
    for col, found in enumerate(factorized):
        if col in skip or col >= blank.shape[1]:
            continue
        codes = found.codes[data & ~blank[:, col]]
        if len(codes) < FOOTER_MIN_ROWS_ABOVE or (codes != codes[0]).any():
            continue
        count += (found.codes == codes[0]) & ~blank[:, col]
    return count


def _footer_mask(grid: np.ndarray, lone: _LoneResults | None) -> np.ndarray:
    """Lone results under the last fuller row that are the total, mean or count of the results
    above ("", "", "357.3" under results summing to it): what a spreadsheet leaves under the
    column, never a patient's result.  Only under at least FOOTER_MIN_ROWS_ABOVE fuller rows (an
    unlabelled AutoSum under labelled footers is a footer too).  A lone result that is none of
    them stays a result (a patient's last result with its other cells left blank: a 300 ng/mL
    dropped as a "total" missed an urgent result); so does one between fuller rows unless it is
    a subtotal."""
    none = np.zeros(len(grid), dtype=bool)
    if lone is None or len(lone.fuller) < FOOTER_MIN_ROWS_ABOVE:
        return none
    under = lone.rows.copy()
    under[: lone.fuller[-1] + 1] = False
    if not under.any():
        return none
    column = grid[:, lone.result_col]
    parsed = (_result_number(cell) for cell in column[lone.fuller].tolist())
    numbers = [n for n in parsed if n is not None]
    if not numbers:
        return none
    total = math.fsum(numbers)
    aggregates = (total, total / len(numbers))
    counts = {len(numbers), len(lone.fuller)}
    for i in np.flatnonzero(under).tolist():
        value = _result_number(column[i])
        if value is None:
            continue
        tolerance = SUBTOTAL_TOLERANCE * 10.0 ** -_decimal_places(column[i])
        if value in counts or any(abs(a - value) <= tolerance for a in aggregates):
            none[i] = True
    return none


def _result_number(cell: object) -> float | None:
    """The number of a result cell ("357.3", "25 ng/mL", 12), not of a bound ("<5"); else None."""
    number = bare_number(cell)
    if number is not None or not isinstance(cell, str):
        return number
    quantity = parse_quantity(cell)
    return quantity.value if quantity.status == "ok" and not quantity.qualifier else None


def _subtotal_mask(grid: np.ndarray, lone: _LoneResults | None, footer: np.ndarray) -> np.ndarray:
    """Lone results between fuller rows equal to the sum of the SUBTOTAL_MIN_ROWS or more
    numeric results above them (since the previous such row): an unlabelled AutoSum left inside
    the table ("", "", "325" under 25 and 300), never a patient's result.  A lone result that
    is no such sum stays a result (a patient's further result with its cells left blank)."""
    none = np.zeros(len(grid), dtype=bool)
    if lone is None:
        return none
    candidates = np.flatnonzero(lone.rows & ~footer)
    data = lone.fuller
    if len(candidates) == 0 or len(data) < SUBTOTAL_MIN_ROWS or data[0] > candidates[-1]:
        return none
    column = grid[:, lone.result_col]
    parsed = [bare_number(cell) for cell in column[data].tolist()]
    numeric = np.array([n is not None for n in parsed], dtype=np.int64)
    # running sums and counts of the numeric results of the data rows, to look up any stretch
    sums = np.concatenate(([0.0], np.cumsum([n or 0.0 for n in parsed])))
    counts = np.concatenate(([0], np.cumsum(numeric)))
    start = 0  # the first data row (position in `data`) the next sum may start at
    for i in candidates.tolist():
        end = int(np.searchsorted(data, i))
        value = bare_number(column[i])
        if value is None or counts[end] - counts[start] < SUBTOTAL_MIN_ROWS:
            continue
        places = _decimal_places(column[i])
        if abs(sums[end] - sums[start] - value) <= SUBTOTAL_TOLERANCE * 10.0**-places:
            none[i] = True
            start = end
    return none


def _decimal_places(cell: object) -> int:
    """Decimal places written in a cell ("357.3": 1; a number: those of its shortest repr)."""
    text = cell.strip() if isinstance(cell, str) else repr(cell)
    digits = re.split(r"[.,]", text)
    return len(digits[-1]) if len(digits) > 1 and digits[-1].isdigit() else 0


def _subtotal_detail(row: np.ndarray) -> str:
    texts = [cell_text(c) for c in row if not is_blank(c)]
    shown = texts[0][:40]
    return f"a lone result equal to the sum of the results above it (a subtotal?): {shown!r}"


def _footer_detail(row: np.ndarray) -> str:
    texts = [cell_text(c) for c in row if not is_blank(c)]
    return (
        "a lone result under the last result row equal to the total, mean or count of the "
        f"results above it: {texts[0][:40]!r}"
    )


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
        texts = [c for c in row if isinstance(c, str) and c.strip() and not is_empty_value(c)]
        numbers = [
            c
            for c in row
            if isinstance(c, int | float) and not (isinstance(c, float) and math.isnan(c))
        ]
        cell = row[result_col]
        if numbers or not isinstance(cell, str) or not looks_like_unit(cell):
            continue
        if not all(
            looks_like_unit(t) or _is_units_label(t) or looks_like_format_hint(t) for t in texts
        ):
            # said where a result is rejected for want of a unit (its cells are not quoted:
            # they may be patient data)
            split.unread_units_row = split.unread_units_row or (
                f"row {int(split.source_rows[i])} under the header names {cell.strip()!r} under "
                "the result header, but was not read as a units row (its other cells are no "
                "units or format hints)"
            )
            continue
        split.unread_units_row = ""
        split.units_row = {
            j: unit
            for j, c in enumerate(row)
            if isinstance(c, str) and (unit := _units_row_cell(c))
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
        if split.section is not None:
            split.section = split.section[keep]
        return


def _units_row_cell(cell: str) -> str:
    """The unit a cell of a units row names ("ng/mL", "[years]" -> "years"); "" for a label
    ("Units:"), a blank or a format hint ("TT.MM.JJJJ", "(MRN)", "1=M, 2=F")."""
    text = cell.strip()
    if not text or is_empty_value(cell) or _is_units_label(cell):
        return ""
    if looks_like_unit(text):
        return text
    return bracketed_unit(text) or ""


def _column_units(
    match: ColumnMatch, units_row: Mapping[int, str]
) -> tuple[dict[str, str], list[str]]:
    """Each field's unit from its header ("Prolaktin (ng/ml)") or from a units row under the
    header.  A column whose header and units row name units that mean different things
    ("Prolactin (ng/mL)" over "mIU/L") has no unit: neither is used (an empty text, which the
    readers take as "no unit stated", not as "look for one in the header's words"), and a
    warning says so; its results are read as if the column named no unit (prolactin without a
    unit of its own: unknown_unit, unless --unit gives one)."""
    units = dict(match.header_units)
    warnings: list[str] = []
    for name, col in match.fields.items():
        below = units_row.get(col)
        if below is None:
            continue
        above = units.get(name)
        if above is None:
            units[name] = below
        elif not _units_agree(name, above, below):
            units[name] = ""
            header = match.header_of(name)
            warnings.append(
                f"column {header!r} names {above!r} and the units row under it {below!r}: the "
                "two disagree, so neither was used"
                + (
                    " (results without a unit of their own are rejected as unknown_unit; "
                    "--unit gives them one, once the lab has said which unit it is)"
                    if name in _PROLACTIN_UNIT_FIELDS
                    else " (its numbers are read as if the column named no unit)"
                )
            )
    return units, warnings


_PROLACTIN_UNIT_FIELDS: Final = ("prolactin", "monomeric_prolactin")


def _prolactin_unit(text: str) -> object:
    info = normalise_unit(text)
    return None if info is None else info.unit


def _size_unit(text: str) -> object:
    return parse_size_mm(1, text)


# What a unit stated for a field means, where its words vary ("ng/ml", "µg/L"; "Monate",
# "months"): two texts whose meanings are equal name the same unit.  Other fields compare their
# unit texts (case, spaces and the micro sign aside).
_UNIT_MEANING: Final[Mapping[str, Callable[[str], object]]] = {
    "prolactin": _prolactin_unit,
    "monomeric_prolactin": _prolactin_unit,
    "age_years": age_header_scale,
    "gestational_weeks": duration_word_days,
    "postpartum_weeks": duration_word_days,
    "pituitary_lesion_mm": _size_unit,
}


def _units_agree(name: str, one: str, other: str) -> bool:
    meaning = _UNIT_MEANING.get(name)
    if meaning is not None:
        first, second = meaning(one), meaning(other)
        if first is not None and second is not None:
            return bool(first == second)
    return _folded_unit(one) == _folded_unit(other)


def _folded_unit(text: str) -> str:
    return "".join(text.casefold().replace("μ", "µ").split())


TITLE_UNIT_ROWS: Final = 10  # the title lines right above the header looked at for a unit


@cache
def _title_unit_words() -> frozenset[str]:
    return frozenset(normalise_word(w) for w in synonyms_data()["rows"]["title_unit_words"])


def title_unit(rows: Sequence[Sequence[object]]) -> tuple[str, str] | None:
    """(the prolactin unit, the line naming it) that title lines above a table state for its
    results ("Prolactin results in mIU/L", "Einheit: µIU/mL", "Valeurs en mUI/L"; synonyms.toml
    [rows] title_unit_words), or None: no line states one, or the lines name different units.
    A line whose other words are not all such words, a word naming prolactin or a units label
    ("TSH in mIU/L", "Labor Musterstadt, mIU/L") states none."""
    found: dict[tuple[str, float], tuple[str, str]] = {}
    for row in rows[-TITLE_UNIT_ROWS:]:
        line = " ".join(cell_text(c) for c in row if not is_blank(c))
        header = parse_header(line)
        info = normalise_unit(header.unit) if header.unit else None
        if info is None or not header.tokens:
            continue
        if all(
            word in _title_unit_words() or mentions_prolactin(word) or _is_units_label(word)
            for word in header.tokens
        ):
            found.setdefault((info.unit, info.factor), (header.unit, line))
    return next(iter(found.values())) if len(found) == 1 else None


def _is_units_label(text: str) -> bool:
    """A cell that labels a units row ("Units:", "UOM") rather than giving a unit."""
    found = candidates(text.strip().rstrip(":"))
    return bool(found) and found[0][0] in UNIT_FIELDS and found[0][1] >= STRONG_SCORE


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


def _scope_ids_by_site(columns: dict[str, np.ndarray], match: ColumnMatch) -> tuple[set[str], str]:
    """A subject number beside its study site's column (``site``: "SITEID", "Centre") becomes
    "SITE-SUBJECT" (in place), as CDISC's USUBJID is: subject 003 of two sites is two patients.
    Only a study's subject number is so scoped (its header is one of ``site_scoped``: "SUBJID",
    "Proband", "Sujeto"), or an id that names two people at two sites (its rows there disagree
    on sex or birth date); a hospital number beside a bare "Site" / "Centro" (where the sample
    was taken) is unique in the hospital and stays as written, so one patient seen at two sites
    stays one (review 28).  Scoped, every row is, so that a file's ids are of one form.  An id
    that already holds its site as one of its parts ("0012-003", a USUBJID) stays as written.
    Returns the rebuilt columns and the warning that says so (or "")."""
    site = columns.pop("site", None)
    ids = columns.get("patient_id")
    if site is None or ids is None:
        return ({"site"} if site is not None else set()), ""
    if not _subject_header(match.header_of("patient_id")) and not _two_people_at_two_sites(
        columns, site.tolist(), ids.tolist()
    ):
        return {"site"}, ""
    scoped = np.array(
        [_site_subject(s, i) for s, i in zip(site.tolist(), ids.tolist(), strict=True)],
        dtype=object,
    )
    changed = sum(1 for a, b in zip(scoped.tolist(), ids.tolist(), strict=True) if a is not b)
    columns["patient_id"] = scoped
    if not changed:
        return {"site"}, ""
    return {"site", "patient_id"}, (
        f"the patient id {match.header_of('patient_id')!r} is numbered within the site "
        f"{match.header_of('site')!r}: {changed} row(s) read as site-subject (as a USUBJID), "
        "so that the same subject number at two sites is two patients"
    )


def _subject_header(header: str) -> bool:
    """A study's subject or participant number ("SUBJID", "Probanden-Nr.", "N° sujet"): a word
    of the header begins with one of [fields.site] site_scoped."""
    stems = tuple(synonyms_data()["fields"]["site"].get("site_scoped", []))
    words = re.split(r"[^0-9a-z]+", normalise_word(header))
    return any(word.startswith(stems) for word in words if word)


def _two_people_at_two_sites(
    columns: dict[str, np.ndarray], sites: list[object], ids: list[object]
) -> bool:
    """An id written under two or more sites whose rows disagree on sex or birth date."""
    seen: dict[str, set[str]] = {}
    for site, subject in zip(sites, ids, strict=True):
        if not is_empty_value(site) and not is_empty_value(subject):
            seen.setdefault(cell_text(subject).strip(), set()).add(cell_text(site).strip())
    recurring = {subject for subject, at in seen.items() if len(at) > 1}
    if not recurring:
        return False
    for name, read in (("sex", parse_sex), ("birth_date", _birth_text)):
        cells = columns.get(name)
        if cells is None:
            continue
        values: dict[str, set[object]] = {}
        for subject, cell in zip(ids, cells.tolist(), strict=True):
            key = "" if is_empty_value(subject) else cell_text(subject).strip()
            value = None if is_empty_value(cell) else read(cell)
            if key in recurring and value is not None:
                values.setdefault(key, set()).add(value)
        if any(len(v) > 1 for v in values.values()):
            return True
    return False


def _birth_text(cell: object) -> str | None:
    return normalise_word(cell_text(cell)) or None


def _site_subject(site: object, subject: object) -> object:
    site_text = "" if is_empty_value(site) else cell_text(site).strip()
    subject_text = "" if is_empty_value(subject) else cell_text(subject).strip()
    if not site_text or not subject_text:
        return subject
    parts = {p.lstrip("0") for p in re.split(r"[^0-9A-Za-z]+", subject_text.casefold())}
    if site_text.casefold().lstrip("0") in parts:
        return subject
    return f"{site_text}-{subject_text}"


def _name(last: object, first: object) -> object:
    last_text = "" if is_empty_value(last) else cell_text(last)
    first_text = "" if is_empty_value(first) else cell_text(first)
    if last_text and first_text:
        return f"{last_text}, {first_text}"
    return last_text or first_text


def _label_the_question(columns: dict[str, np.ndarray], match: ColumnMatch) -> bool:
    """A comments column whose header names the question asked or a suspected diagnosis
    ("Fragestellung", "Verdachtsdiagnose", "Clinical question": columns.asks_a_question) has
    each cell written after that label ("Fragestellung: Gesichtsfeldausfall"), as a note column
    of that header is: what is asked about is no finding (cues.toml [questions] item).  Whether
    it did (in place)."""
    col = match.fields.get("comments")
    base = columns.get("comments")
    if col is None or base is None or not asks_a_question(match.headers[col]):
        return False
    label = " ".join(str(match.headers[col]).split())
    labelled = np.empty(len(base), dtype=object)
    for i, cell in enumerate(base.tolist()):
        labelled[i] = cell if is_empty_value(cell) else f"{label}: {cell_text(cell)}"
    columns["comments"] = labelled
    return True


def _join_note_columns(
    columns: dict[str, np.ndarray],
    headers: dict[str, str],
    cells: np.ndarray,
    match: ColumnMatch,
    target: str = "comments",
) -> None:
    """Comments become the comments cell, then "header: text" of each note column (in place);
    with ``target``, the further columns of that field (ColumnMatch.joined_columns)."""
    wanted = match.note_columns if target == "comments" else match.joined_columns.get(target, [])
    notes = [(match.headers[c], cells[:, c]) for c in wanted if c < cells.shape[1]]
    written = note_written_as() if target == "comments" else {}
    forms = {
        h: written.get(parse_header(h).full, h.replace("{", "{{").replace("}", "}}") + ": {}")
        for h, _ in notes
    }
    if target == "comments":  # a column whose cells say what it is ("Macroprolactin: {}")
        forms |= {match.headers[c]: f for c, f in match.note_forms.items() if c in wanted}
    coded = {match.headers[c]: match.note_codes[c] for c in wanted if c in match.note_codes}
    # a number whose direction the header does not state ("Macroprolactin" = 28): its own form
    numbers = {match.headers[c]: f for c, f in match.note_numbers.items() if c in wanted}
    base = columns.get(target)
    joined = np.empty(len(cells), dtype=object)
    for i in range(len(cells)):
        pieces = [] if base is None or is_empty_value(base[i]) else [cell_text(base[i])]
        pieces += [
            (numbers[h] if h in numbers and _is_result(col[i]) else forms[h]).format(shown)
            for h, col in notes
            if (shown := _note_cell(col[i], coded.get(h))) is not None
        ]
        joined[i] = "; ".join(pieces)
    columns[target] = joined
    headers[target] = " + ".join(
        [*([headers[target]] if target in headers else []), *(h for h, _ in notes)]
    )


def _note_cell(cell: object, codes: Mapping[str, str] | None) -> str | None:
    """A note column's cell as written into comments: its text, or for a column coded as its
    header states (ColumnMatch.note_codes) its code's label; None when it adds nothing."""
    if is_empty_value(cell):
        return None
    if codes is None:
        return cell_text(cell)
    return codes.get(code_text(cell))


def _join_finding_columns(
    columns: dict[str, np.ndarray], headers: dict[str, str], cells: np.ndarray, match: ColumnMatch
) -> None:
    """Each yes of a yes/no column whose header names a finding (ColumnMatch.finding_columns)
    becomes the header's words in comments ("Visual field defect"), as if written in the notes;
    a no, an unknown and a blank add nothing; a cell that is no yes/no answer is written as a
    note of the header (``finding_note``: "header: text", or "header text" under an
    examination's header), in place."""
    found = [
        (
            col,
            words,
            ({}, frozenset())
            if is_checkbox_option(match.headers[col])
            else column_flag_codes(match.headers[col], cells[:, col].tolist()),
        )
        for col, words in match.finding_columns.items()
        if col < cells.shape[1]
    ]
    base = columns.get("comments")
    answers = [_answers(cells[:, col].tolist(), *codes) for col, _, codes in found]
    joined = np.empty(len(cells), dtype=object)
    for i in range(len(cells)):
        pieces = [] if base is None or is_empty_value(base[i]) else [cell_text(base[i])]
        for (col, words, _), column_answers in zip(found, answers, strict=True):
            answer = column_answers[i]
            if answer is True:
                pieces.append(words)
            elif answer == NOT_AN_ANSWER:
                pieces.append(finding_note(match.headers[col], cell_text(cells[i, col])))
        joined[i] = "; ".join(pieces)
    columns["comments"] = joined
    headers["comments"] = " + ".join(
        [*([headers["comments"]] if "comments" in headers else [])]
        + [match.headers[col] for col, _, _ in found]
    )


def _read_answers(
    columns: dict[str, np.ndarray], headers: dict[str, str], match: ColumnMatch
) -> set[str]:
    """The yes/no answers of a dummy-coded sex column ("female": 1/0 -> F / M) and of text
    fields that hold only answers (ColumnMatch.answer_fields: a yes as the header's words where
    they name a finding, else as written; a no as "no", never the finding), in place.  Returns
    the fields rewritten."""
    rewritten: set[str] = set()
    if match.one_sex is not None and "sex" in columns:
        codes = header_flag_codes(headers.get("sex", ""))
        other = "M" if match.one_sex == "F" else "F"
        sexes: dict[bool | str | None, str] = {True: match.one_sex, False: other}
        columns["sex"] = np.array(
            [sexes.get(a, "") for a in _answers(columns["sex"].tolist(), codes)], dtype=object
        )
        rewritten.add("sex")
    for name, words in match.answer_fields.items():
        if name not in columns:
            continue
        cells = columns[name].tolist()
        codes, unknown = column_flag_codes(headers.get(name, ""), cells, name)
        out = np.empty(len(columns[name]), dtype=object)
        answers = _answers(cells, codes, unknown)
        for i, (cell, answer) in enumerate(zip(cells, answers, strict=True)):
            if answer is True:
                out[i] = words or cell
            elif answer is False:
                out[i] = "no"
            elif is_unknown_code(cell, unknown):
                out[i] = ""  # a form's "unknown" ("9"): nothing, never the cell as a finding
            else:
                out[i] = cell
        columns[name] = out
        rewritten.add(name)
    return rewritten


def _answers(
    cells: Sequence[object], codes: Mapping[str, bool], unknown: Collection[str] = ()
) -> list[bool | str | None]:
    """``yes_no_answer`` of each cell, worked out once per distinct cell."""
    seen: dict[object, bool | str | None] = {}
    out: list[bool | str | None] = []
    for cell in cells:
        key = (type(cell), cell)
        if key not in seen:
            seen[key] = yes_no_answer(cell, codes, unknown)
        out.append(seen[key])
    return out


def _as_needed_column(columns: dict[str, np.ndarray], headers: Mapping[str, str]) -> bool:
    """A medications column headed as the drugs taken as needed ("Bedarfsmedikation", "PRN
    medication", "Médicaments si besoin": knowledge/drugs.py as_needed_header): each written cell
    after its header and a colon ("Bedarfsmedikation: Haldol 5 mg"), as a joined column's is,
    so that its drugs are read as taken as needed (in place; whether it was)."""
    header = headers.get("medications", "")
    if "medications" not in columns or not header or not as_needed_header(header):
        return False
    cells = columns["medications"]
    columns["medications"] = np.array(
        [cell if is_empty_value(cell) else f"{header}: {cell_text(cell)}" for cell in cells],
        dtype=object,
    )
    return True


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
    conflicts, conflict_columns = _read_twin_columns(columns, split, match)
    rebuilt = _join_name_parts(columns) | set(conflict_columns)
    by_site, site_warning = _scope_ids_by_site(columns, match)
    rebuilt |= by_site
    open_sex = _read_sex_sources(columns, split, match)
    open_sex = _birth_sex_in_cells(columns, match, open_sex)
    if open_sex is not None:
        rebuilt |= {"sex", "comments"}
    headers = match.mapping()  # a column without a header by its letters ("column E")
    filled_from = _fill_from_other_unit_columns(columns, split, match)
    context_units = _fill_context_from_other_units(columns, split, match)
    rebuilt |= set(context_units)
    diluted = _take_diluted_results(columns, split, match)
    taken_units = [*filled_from, *((rows, unit) for rows, unit, _ in diluted)]
    for rows, _, header in diluted:  # the dilution is done: the engine reads it (dilution_done)
        append_notes(columns, [f"test: {header}" if r else None for r in rows.tolist()])
        rebuilt.add("comments")
    if taken_units:
        rebuilt.add("prolactin")
    if _label_the_question(columns, match):
        rebuilt.add("comments")
    if match.note_columns:
        _join_note_columns(columns, headers, split.cells, match)
        rebuilt.add("comments")
    if match.finding_columns:
        _join_finding_columns(columns, headers, split.cells, match)
        rebuilt.add("comments")
    rebuilt |= _read_answers(columns, headers, match)
    if _as_needed_column(columns, headers):
        rebuilt.add("medications")
    for name in match.joined_columns:
        _join_note_columns(columns, headers, split.cells, match, name)
        rebuilt.add(name)
    units, unit_warnings = _column_units(match, split.units_row)
    unit_warnings += _other_unit_disagreements(split, match)
    table = RawTable(
        file=file,
        sheet=sheet,
        source_rows=split.source_rows,
        columns=columns,
        headers=headers,
        header_units=units,
        decimal_hint=book.decimal_hint,
        text_source=book.is_text,
        warnings=[*match.warnings, *([site_warning] if site_warning else []), *unit_warnings],
        conflicts=conflicts,
        conflict_columns=conflict_columns,
        unread_units_row=split.unread_units_row,
        date1904=book.date1904,
        open_sex=open_sex,
        one_patient=book.one_patient,
        blank_rows=split.blank_rows,
    )
    for name, col in match.fields.items():
        if col < len(split.distinct) and name not in rebuilt:
            table.remember(columns[name], split.distinct[col])
    _section_units(table, split, match)
    _lab_unit_columns(table, split, match)
    _other_unit_rows(table, split, match, context_units)
    if taken_units:  # those rows take their column's unit; the others keep their header's
        row_units = np.empty(len(split.cells), dtype=object)
        row_units[:] = table.header_unit("prolactin")
        for taken, unit in taken_units:
            row_units[taken] = unit
        table.section_units["prolactin"] = row_units
        for taken, unit in filled_from:
            table.warnings.append(
                f"{int(taken.sum())} row(s) have their result only in the prolactin column in "
                f"{unit} beside column {table.headers.get('prolactin', 'prolactin')!r}: read "
                f"from it, in {unit}"
            )
    for taken, _, header in diluted:
        table.warnings.append(
            f"{int(taken.sum())} row(s) have a result re-assayed after dilution in column "
            f"{header!r}: that result is triaged, not the neat one in column "
            f"{table.headers.get('prolactin', 'prolactin')!r} (which the hook effect can make "
            "falsely low); it is read as the final concentration, already multiplied by the "
            "dilution"
        )
    return table


def _twin_key(name: str, cell: object) -> object:
    """What a cell says, for comparing two columns of one field: a unit or a sex as read
    ("ng/ml" = "µg/L", "F" = "weiblich"), else its text without case or extra spaces."""
    text = cell_text(cell)
    if name in ("prolactin_unit", "unit"):
        info = normalise_unit(text)
        if info is not None:
            return info
    if name == "sex":
        sex = parse_sex(cell)
        if sex is not None:
            return sex
    return " ".join(text.casefold().split())


def _read_twin_columns(
    columns: dict[str, np.ndarray], split: SplitRows, match: ColumnMatch
) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """A field whose header stands over several columns (``ColumnMatch.twin_columns``: "Sex"
    twice, "Unit" twice) is read, row by row, from the column that is filled (else an empty
    first column hid the second's sex or unit, and --unit filled the row).  Rows where two of
    them are filled and differ are returned per field (they are rejected), with the words that
    name the columns; the columns are changed in place."""
    conflicts: dict[str, np.ndarray] = {}
    named: dict[str, str] = {}
    width = split.cells.shape[1] if split.cells.ndim == 2 else 0
    for name, twins in match.twin_columns.items():
        if name not in columns:
            continue
        cols = [match.fields[name], *(c for c in twins if c < width)]
        if len(cols) < 2:
            continue
        merged = np.asarray(columns[name], dtype=object).copy()
        differ = np.zeros(len(merged), dtype=bool)
        filled = np.array([not is_empty_value(c) for c in merged], dtype=bool)
        for col in cols[1:]:
            other = split.cells[:, col]
            has = np.array([not is_empty_value(c) for c in other], dtype=bool)
            both = np.flatnonzero(filled & has)
            for i in both:
                differ[i] |= _twin_key(name, merged[i]) != _twin_key(name, other[i])
            take = has & ~filled
            merged = np.where(take, other, merged)
            filled |= has
        columns[name] = merged
        letters = [column_letters(c) for c in cols]
        listed = ", ".join(letters[:-1]) + f" and {letters[-1]}"
        every = "both" if len(cols) == 2 else "all"
        named[name] = f"columns {listed} ({every} headed {match.headers[cols[0]]!r})"
        if differ.any():
            conflicts[name] = differ
    return conflicts, named


def _sex_reader(cells: np.ndarray, header: str) -> Callable[[object], str | None]:
    """The sex of a cell of one sex column, its one-letter codes read as the column's language
    says (values.sex_letter_reading: "M" is mujer under "Sexo")."""
    reading = sex_letter_reading(list(dict.fromkeys(map(cell_text, cells))), header)
    letters = reading.letters if reading is not None else None
    return cache(partial(parse_sex, letters=letters))  # each distinct cell read once


@cache
def _other_identities() -> frozenset[str]:
    """synonyms.toml [sex_sources] other_identities: an identity cell naming a gender of its own
    ("non-binary", "nicht-binär", "non-binaire"), which differs from either sex at birth."""
    return frozenset(normalise_word(w) for w in synonyms_data()["sex_sources"]["other_identities"])


def _read_sex_sources(
    columns: dict[str, np.ndarray], split: SplitRows, match: ColumnMatch
) -> np.ndarray | None:
    """A second column of the sex under another header (``ColumnMatch.sex_sources``: "Geschlecht
    bei Geburt" beside "Geschlecht (Personenstand)", "Sex assigned at birth" beside "Gender
    identity"): read where the sex column is empty.  Where one header gives the sex assigned at
    birth and the other the gender identity or the sex now recorded (columns.birth_sex_side), a
    row where they differ (the other sex, or a non-binary identity) is a transgender patient's
    record, not a conflict: its note says "assigned male/female at birth" (states.toml reads it:
    no pregnancy test for a trans woman, gender-affirming oestradiol, both sexes' intervals;
    review 27).  Where the headers do not tell, a row whose two columns give different sexes has
    no settled sex, as a cell saying both has not ("femme / homme"): its note names both cells,
    a conflict the row's caution names (output-contract §5, never a false normal).  Those rows
    (returned, None when none) are judged against both sexes' intervals (wide.py)."""
    width = split.cells.shape[1] if split.cells.ndim == 2 else 0
    first = match.fields.get("sex")
    others = [c for c in match.sex_sources if c < width]
    if first is None or "sex" not in columns or not others:
        return None
    merged = np.asarray(columns["sex"], dtype=object).copy()
    first_header = match.headers[first]
    sex_of = _sex_reader(merged, first_header)
    open_rows = np.zeros(len(merged), dtype=bool)
    notes: list[str | None] = [None] * len(merged)
    for col in others:
        other = split.cells[:, col]
        header = match.headers[col]
        other_sex = _sex_reader(other, header)
        at_birth = birth_sex_side(first_header, header)
        for i in range(len(merged)):
            if is_empty_value(other[i]):
                continue
            if is_empty_value(merged[i]):
                merged[i] = other[i]
                continue
            cells = (merged[i], other[i])
            sexes = (sex_of(merged[i]), other_sex(other[i]))
            if at_birth is not None:
                note = _assigned_at_birth(cells, sexes, (first_header, header), at_birth)
                if note:
                    open_rows[i], notes[i] = True, note
                continue
            if None in sexes or sexes[0] == sexes[1]:
                continue
            open_rows[i] = True
            notes[i] = (
                f"sex differs between {first_header!r} ({cell_text(cells[0])}) and "
                f"{header!r} ({cell_text(cells[1])})"
            )
    columns["sex"] = merged
    if not open_rows.any():
        return None
    append_notes(columns, notes)
    return open_rows


# A sex cell giving the sex assigned at birth after the one now recorded: "F (né M)", "W (bei
# Geburt M)", "femme (sexe de naissance: H)", "female (AMAB)", "V (geboren M)"
_SEX_THEN_BRACKET: Final = re.compile(
    r"\s*(?P<now>[^()\[\],;]+?)\s*[(\[,;]\s*(?P<birth>[^()\[\]]+?)[)\]]?\s*"
)
_BORN_CODES: Final = {"amab": "M", "afab": "F"}


def _birth_sex_in_cells(
    columns: dict[str, np.ndarray], match: ColumnMatch, open_rows: np.ndarray | None
) -> np.ndarray | None:
    """Rows whose sex cell gives, after the sex now recorded, another sex assigned at birth
    ("F (né M)", "W (bei Geburt M)", "female (AMAB)": synonyms.toml [sex_sources] birth_words
    before the sex): a transgender patient's record, read as two sex columns that say so are
    (_read_sex_sources: sex unknown for the interval, the note "assigned male/female at birth"
    that states.toml reads; review 27).  `open_rows` with those rows added (None when none)."""
    col = match.fields.get("sex")
    if col is None or "sex" not in columns:
        return open_rows
    cells = np.asarray(columns["sex"], dtype=object)
    sex_of = _sex_reader(cells, match.headers[col])
    found: dict[str, str] = {}
    notes: list[str | None] = [None] * len(cells)
    for i, cell in enumerate(cells):
        if not isinstance(cell, str) or not any(c in cell for c in "([,;"):
            continue
        if cell not in found:
            found[cell] = _born_other(cell, sex_of)
        notes[i] = found[cell] or None
    if not any(notes):
        return open_rows
    append_notes(columns, notes)
    given = np.array([n is not None for n in notes], dtype=bool)
    return given if open_rows is None else open_rows | given


@cache
def _cell_birth_words() -> frozenset[str]:
    """synonyms.toml [sex_sources] birth_words, as a sex cell's words are compared."""
    return frozenset(normalise_word(w) for w in synonyms_data()["sex_sources"]["birth_words"])


def _born_other(cell: str, sex_of: Callable[[object], str | None]) -> str:
    """The note of a sex cell whose words after the sex give another sex at birth, else ""."""
    parts = _SEX_THEN_BRACKET.fullmatch(cell)
    if parts is None:
        return ""
    now = sex_of(parts["now"])
    words = [normalise_word(w) for w in re.findall(r"[^\W\d_]+", parts["birth"])]
    birth = _cell_birth_words()
    born = next((_BORN_CODES[w] for w in words if w in _BORN_CODES), None)
    if born is None and birth.intersection(words):
        sexes = [sex_of(w) for w in words if w not in birth]
        born = next((x for x in sexes if x is not None), None)
    if born is None or now is None or born == now:
        return ""
    return _born_note(born, f"sex {cell!r}")


def _assigned_at_birth(
    cells: tuple[object, object],
    sexes: tuple[str | None, str | None],
    headers: tuple[str, str],
    at_birth: int,
) -> str:
    """The note of a row whose sex assigned at birth (``cells[at_birth]``) differs from its
    gender identity or sex now recorded (the other sex, or a non-binary identity), else ""."""
    born, now = sexes[at_birth], sexes[1 - at_birth]
    identity = cell_text(cells[1 - at_birth])
    if born is None or born == now:
        return ""
    if now is None and normalise_word(identity) not in _other_identities():
        return ""  # "unknown", "not stated": says nothing
    return _born_note(
        born,
        f"{headers[at_birth]!r} ({cell_text(cells[at_birth])}) beside "
        f"{headers[1 - at_birth]!r} ({identity})",
    )


def _born_note(born: str, cells: str) -> str:
    """A transgender patient's note: the sex assigned at birth first (so that no word of the
    cells quoted after it reaches it, "F (né M)": states.toml), then the cells that say it."""
    return (
        f"assigned {'female' if born == 'F' else 'male'} at birth, a transgender patient's "
        f"record: {cells}"
    )


def _fill_from_other_unit_columns(
    columns: dict[str, np.ndarray], split: SplitRows, match: ColumnMatch
) -> list[tuple[np.ndarray, str]]:
    """Another prolactin column beside the one read, headed with another prolactin unit
    ("Prolactin (ng/mL)" and "Prolactin (mIU/L)": one filled per row, as the assay or the site
    reports): where the column read is empty, its cell is the result, in its header's unit
    (else such a row was rejected as having no result).  Returns the rows taken from each such
    column and its unit (the column read is changed in place)."""
    col = match.fields.get("prolactin")
    if col is None or "prolactin" not in columns or not len(split.cells):
        return []
    own_info = normalise_unit(match.header_units.get("prolactin", "") or "")
    own = own_info.unit if own_info is not None else None
    taken: list[tuple[np.ndarray, str]] = []
    empty: np.ndarray | None = None
    mapped = set(match.fields.values())
    for other, text in enumerate(match.headers):
        if other in mapped or other == col or other >= len(split.distinct):
            continue
        found = candidates(text)
        if not found or found[0][0] != "prolactin" or found[0][1] < STRONG_SCORE:
            continue
        unit = parse_header(text).unit
        info = normalise_unit(unit) if unit else None
        if info is None or info.unit == own:
            continue
        if empty is None:  # the column read, blank where it has no result (one test per cell)
            empty = _blank_mask(split.distinct[col]) if col < len(split.distinct) else None
            if empty is None:
                return []
        rows = empty & ~_blank_mask(split.distinct[other])
        if rows.any():
            columns["prolactin"] = np.where(rows, split.cells[:, other], columns["prolactin"])
            empty = empty & ~rows
            taken.append((rows, unit))
    return taken


# Per context test, per further column of it in another unit: the column, the rows taken from
# it and the rows where both it and the column read hold a number
# (_fill_context_from_other_units).
_ContextUnits = dict[str, list[tuple[int, np.ndarray, np.ndarray]]]


def _numbered_rows(split: SplitRows, col: int) -> np.ndarray:
    """Per row, whether column ``col``'s cell holds a number ("4,5", "<1", "450 µmol/l")."""
    found = split.distinct[col]
    numbers = np.array([parse_quantity(u).value is not None for u in found.uniques], dtype=np.bool_)
    return numbers[found.codes] if len(found.uniques) else np.zeros(len(split.cells), np.bool_)


def _fill_context_from_other_units(
    columns: dict[str, np.ndarray], split: SplitRows, match: ColumnMatch
) -> _ContextUnits:
    """A context test given in one column per unit (``ColumnMatch.other_unit_columns``:
    "creat_umoll" and "creat_mgdl", "Kreatinin (µmol/l)" and "Kreatinin (mg/dl)", "TSH (mIU/L)"
    and "TSH (µIU/mL)"): where the column read holds no number, the row reads the first other
    column that does (its unit is set by ``_other_unit_rows``), as the prolactin columns of two
    units are (``_fill_from_other_unit_columns``).  Else a creatinine of 4.5 mg/dL beside an
    empty µmol/L cell was lost, and a kidney failure read as an unexplained rise.  The columns
    are changed in place; returns what each other column gave."""
    out: _ContextUnits = {}
    width = len(split.distinct)
    for name, others in match.other_unit_columns.items():
        col = match.fields.get(name)
        if col is None or name not in columns or col >= width or not len(split.cells):
            continue
        has = _numbered_rows(split, col)
        given: list[tuple[int, np.ndarray, np.ndarray]] = []
        for other in others:
            if other >= width:
                continue
            its = _numbered_rows(split, other)
            take = its & ~has
            if take.any():
                columns[name] = np.where(take, split.cells[:, other], columns[name])
            given.append((other, take, its & has))
            has = has | its
        out[name] = given
    return out


def _other_unit_rows(
    table: RawTable, split: SplitRows, match: ColumnMatch, filled: _ContextUnits
) -> None:
    """The rows ``_fill_context_from_other_units`` took from another unit's column read in that
    column's header unit (``RawTable.section_units``); the rows where both columns hold a number
    kept for the reader to compare (``RawTable.other_unit_cells``); and the run says so."""
    for name, given in filled.items():
        units = np.empty(len(split.cells), dtype=object)
        units[:] = table.header_unit(name)
        read = table.headers.get(name, name)
        for other, take, both in given:
            text = match.headers[other]
            written = parse_header(text).unit
            # a column of the same test without a unit of its own: in the unit of the one read
            unit = written or table.header_units.get(name, "")
            units[take] = unit
            own = np.empty(len(split.cells), dtype=object)
            own[:] = unit
            if both.any():
                cells = np.where(both, split.cells[:, other], "")
                table.other_unit_cells.setdefault(name, []).append((text, cells, own))
            how = f" in {unit}" if written else " too"
            table.warnings.append(
                f"column {text!r} gives {name}{how} beside column {read!r}: each row reads "
                f"the one that holds a number ({int(take.sum())} row(s) from {text!r}"
                f"{f', in {unit}' if written else ''}); where both do, {read!r} is read"
            )
        if any(take.any() for _, take, _ in given):
            table.section_units[name] = units


def _other_unit_disagreements(split: SplitRows, match: ColumnMatch) -> list[str]:
    """Rows giving a result both in the prolactin column read and in one headed with the other
    prolactin unit whose numbers are no conversion of each other (outside thresholds.toml
    miu_per_ng_plausible_min..max mIU/L per ng/mL): two results, of which only the column read
    is triaged (a raised one in the other column was silently left out)."""
    col = match.fields.get("prolactin")
    own = normalise_unit(match.header_units.get("prolactin", "") or "")
    if col is None or own is None or not len(split.cells) or col >= split.cells.shape[1]:
        return []
    limits = load_thresholds()
    low, high = limits.get("miu_per_ng_plausible_min"), limits.get("miu_per_ng_plausible_max")
    mapped = set(match.fields.values()) | set(match.series_columns)  # a series: each triaged
    read = np.array([bare_number(c) for c in split.cells[:, col]], dtype=np.float64)
    warnings: list[str] = []
    for other, text in enumerate(match.headers):
        if other in mapped or other >= split.cells.shape[1]:
            continue
        found = candidates(text)
        if not found or found[0][0] != "prolactin" or found[0][1] < STRONG_SCORE:
            continue
        info = normalise_unit(parse_header(text).unit or "")
        if info is None or info.unit == own.unit:
            continue
        values = np.array([bare_number(c) for c in split.cells[:, other]], dtype=np.float64)
        mine, its = read * own.factor, values * info.factor
        miu, ng = (mine, its) if own.unit == "mIU/L" else (its, mine)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = miu / ng
        apart = (ng > 0) & (miu > 0) & ((ratio < low) | (ratio > high))
        if apart.any():
            first = int(np.flatnonzero(apart)[0])
            warnings.append(
                f"{int(apart.sum())} row(s) give prolactin in column "
                f"{match.headers[col]!r} and in column {text!r} with numbers that are no "
                f"conversion of each other (first: row {int(split.source_rows[first])}): two "
                f"results; only {match.headers[col]!r} was triaged, check the other one"
            )
    return warnings


def _take_diluted_results(
    columns: dict[str, np.ndarray], split: SplitRows, match: ColumnMatch
) -> list[tuple[np.ndarray, str, str]]:
    """A prolactin column of the sample re-assayed after dilution beside the one read
    ("Prolactin 1:100", "Prolaktin verdünnt": columns.is_diluted_prolactin): where its cell
    holds a number, that is the row's result (the neat one may be falsely low from the hook
    effect), in its header's unit, else the prolactin header's.  Returns the rows taken from
    each such column, their unit and the column's header (the column read is changed in place)."""
    col = match.fields.get("prolactin")
    if col is None or "prolactin" not in columns or not len(split.cells):
        return []
    mapped = set(match.fields.values())
    taken: list[tuple[np.ndarray, str, str]] = []
    for other, text in enumerate(match.headers):
        if other in mapped or other >= len(split.distinct) or not is_diluted_prolactin(text):
            continue
        found = split.distinct[other]
        numbers = np.array([parse_quantity(u).status == "ok" for u in found.uniques], dtype=bool)
        rows = numbers[found.codes] if len(found.uniques) else np.zeros(len(split.cells), bool)
        rows &= ~_blank_mask(found)
        if not rows.any():
            continue
        columns["prolactin"] = np.where(rows, split.cells[:, other], columns["prolactin"])
        unit = parse_header(text).unit or match.header_units.get("prolactin", "") or ""
        taken.append((rows, unit, text))
    return taken


def append_notes(columns: dict[str, np.ndarray], notes: Sequence[object]) -> None:
    """Each row's note (None or "" for none) added to its comments, after what they say ("
    haemolysed; test: Prolactin 1:100"), in place: a long file's test name is read so too.  The
    one way the readers add to a row's notes (the diluted result's column, a series column's
    header, a result's remark)."""
    base = columns.get("comments")
    joined = np.empty(len(notes), dtype=object) if base is None else np.array(base, dtype=object)
    for i, note in enumerate(notes):
        if note is None or note == "":
            continue
        own = None if base is None or is_empty_value(base[i]) else cell_text(base[i])
        joined[i] = note if own is None else f"{own}; {note}"
    columns["comments"] = joined


# Context tests whose unit a column of units right after theirs may give (a German LIS writes
# "fT4;Einheit", an export "FT4,fT4 unit"): the readers put them in the engine's unit.
LAB_UNIT_COLUMN_FIELDS: Final = ("tsh", "free_t4", "egfr", "creatinine")


def _lab_unit_columns(table: RawTable, split: SplitRows, match: ColumnMatch) -> None:
    """A column of units right after a context test's column ("fT4", "Einheit"; "FT4", "fT4
    unit"), itself read as nothing else: its cells are that test's units, row by row, where the
    test's own cell names none (``RawTable.section_units``; a blank takes the header's).  A free
    T4 of 1.2 beside "ng/dL" was read in pmol/L: an overt hypothyroidism."""
    mapped = set(match.fields.values())
    for name in LAB_UNIT_COLUMN_FIELDS:
        col = match.fields.get(name)
        beside = -1 if col is None else col + 1
        if col is None or beside in mapped or beside >= len(split.distinct):
            continue
        header = match.headers[beside] if beside < len(match.headers) else ""
        if not any(field in UNIT_FIELDS for field, _ in candidates(header)):
            continue
        found = split.distinct[beside]
        blank = [not c.strip() if type(c) is str else is_blank(c) for c in found.uniques]
        units = [u for u, b in zip(found.uniques, blank, strict=True) if not b]
        if not units or not all(isinstance(u, str) and looks_like_unit(u) for u in units):
            continue
        per_row = np.empty(len(split.cells), dtype=object)
        per_row[:] = table.header_unit(name)
        written = ~np.array(blank, dtype=np.bool_)[found.codes]
        cells = np.array([str(u).strip() if isinstance(u, str) else "" for u in found.uniques])
        per_row[written] = cells[found.codes][written]
        table.section_units[name] = per_row
        table.warnings.append(
            f"column {header!r} right after column {table.headers.get(name, name)!r} holds "
            "units: read as that test's unit, row by row"
        )


def _section_units(table: RawTable, split: SplitRows, match: ColumnMatch) -> None:
    """Where a header repeated further down names another unit for a column than the first
    header ("Prolactin (mIU/L)" above, "Prolactin (ng/mL)" for a second site's rows), the rows
    below it take its unit (``RawTable.section_units``), and the run says so."""
    if split.section is None or not split.section_headers:
        return
    for name, col in match.fields.items():
        first = table.header_units.get(name, "")
        units = [first]
        for _, cells in split.section_headers:
            cell = cells[col] if col < len(cells) else ""
            written = parse_header(cell).unit if isinstance(cell, str) else ""
            units.append(written or first)  # a repeat naming no unit keeps the first's
        if all(_same_unit(u, first) for u in units[1:]):
            continue
        per_row = np.asarray(units, dtype=object)[split.section + 1]
        table.section_units[name] = per_row
        changed = [
            f"row {row} names {unit!r}"
            for (row, _), unit in zip(split.section_headers, units[1:], strict=True)
            if not _same_unit(unit, first)
        ]
        header = table.headers.get(name, name)
        table.warnings.append(
            f"the header repeated further down changes the unit of column {header!r} "
            f"({'; '.join(changed)}; the first header {first or 'none'!r}): the rows below each "
            "header were read in that header's unit"
        )


def _same_unit(one: str, other: str) -> bool:
    """Two header units that name the same unit (or the second names none: it keeps the first)."""
    if not one.strip():
        return True
    info = normalise_unit(one)
    return info == normalise_unit(other) if info is not None else one == other
