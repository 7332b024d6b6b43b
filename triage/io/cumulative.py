"""A cumulative report: one test a row, its draw dates across the columns (review 29 AQ1).

German and Austrian LIS ("Kumulativbefund" of SWISSLAB, Lauris) and many others print a
patient's results as ``Analyt | Einheit | Referenzbereich | 01.10.2026 | 15.10.2026 | ...``
with one row per test (Prolaktin, TSH, Kreatinin) and, above the table, the patient on a
title line ("Pat.-Nr.: 12345 | Geb.-Datum: 12.03.1990 | Geschlecht: w").  Read as it stands,
the prolactin row was taken for the header (its first cell names prolactin), its values became
header texts and every result was lost, exit 0; with the prolactin row alone the file was
refused as having no result rows.

Such a sheet is read as the long export it prints: each filled cell of a test's row under a
date is one row (the test, its unit and interval, the cell as the result, the column's header
as the collection date), numbered by the row it stands in, so that every prolactin value is a
result row and the TSH, creatinine or PEG recovery of the same date its context (the long
reader joins them by the collection).  The patient the title lines give is every row's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Final, TypeVar

from triage.columns import STRONG_SCORE, candidates, mentions_prolactin
from triage.io.layout import (
    HEADER_SCAN_ROWS,
    TITLE_UNIT_ROWS,
    label_value_pairs,
    resolve_sheet,
)
from triage.io.sources import Rows, Workbook
from triage.values import bare_number, cell_text, is_blank, parse_date_text

T = TypeVar("T")

# The headers of the columns the report's cells are read into (recognised as the long
# export's result and collection date: synonyms.toml [fields.result], [fields.collected_at])
RESULT_HEADER: Final = "Result (cell under a date)"
DATE_HEADER: Final = "Collection date (its column's header)"
# The fields a title line above the table may give the patient's (label: value)
_PERSON_FIELDS: Final = ("patient_id", "patient_name", "birth_date", "sex", "age_years")
# A header cell naming one of these is another layout (a long export's result or date column,
# a wide export's prolactin column), never a cumulative report's
_OTHER_LAYOUT: Final = frozenset({"result", "prolactin", "collected_at", "monomeric_prolactin"})


@dataclass(frozen=True)
class Cumulative:
    """The sheet read as a long table: the book that gives its rows so, and what was done."""

    book: Workbook  # the same book, the sheet's rows unpivoted (numbered by their own rows)
    sheet: str
    note: str  # the warning that says so


@dataclass(frozen=True)
class _Layout:
    header: int  # index of the header row
    test: int  # the column naming the test on each row
    labels: tuple[int, ...]  # the header's named columns (test, unit, interval ...), in order
    dates: tuple[int, ...]  # the columns headed by a draw date
    persons: bool  # a column of the header names the patient (a report of several patients)


def _field(text: str) -> str:
    found = candidates(text)
    return found[0][0] if found and found[0][1] >= STRONG_SCORE else ""


def _is_date(cell: object) -> bool:
    if isinstance(cell, date):
        return True
    if not isinstance(cell, str):
        return False
    text = cell.strip()
    return bool(text) and bare_number(text) is None and parse_date_text(text) is not None


def _layout(rows: Rows) -> _Layout | None:
    """The cumulative table of ``rows``: a header naming the test column (and a unit, an
    interval ...) and at least one draw date, with a row below it naming prolactin that holds
    a value under a date; None when the sheet holds none."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        filled = [j for j, cell in enumerate(row) if not is_blank(cell)]
        dates = tuple(j for j in filled if _is_date(row[j]))
        if not dates or len(dates) == len(filled):
            continue
        labels = tuple(j for j in filled if j not in dates)
        fields = {j: _field(cell_text(row[j])) for j in labels}
        tests = [j for j in labels if fields[j] == "test" and j < dates[0]]
        if len(tests) != 1 or _OTHER_LAYOUT & set(fields.values()):
            continue
        test = tests[0]
        for below in rows[index + 1 :]:
            named = test < len(below) and mentions_prolactin(cell_text(below[test]))
            if named and any(j < len(below) and not is_blank(below[j]) for j in dates):
                persons = bool(set(_PERSON_FIELDS) & set(fields.values()))
                return _Layout(index, test, labels, dates, persons)
    return None


def _title_person(rows: Rows, header: int) -> list[tuple[str, str]]:
    """The patient's (label, value) pairs the title lines above the header give ("Pat.-Nr.:
    12345", "Geb.-Datum: | 12.03.1990"), one per field, labels the header words of their
    field; [] when none does."""
    found: dict[str, tuple[str, str]] = {}
    for row in rows[max(header - TITLE_UNIT_ROWS, 0) : header]:
        pairs = label_value_pairs(row) or [
            (label.strip(), value.strip())
            for text in (cell_text(c) for c in row if not is_blank(c))
            for label, _, value in [text.partition(":")]
            if value.strip()
        ]
        for label, value in pairs:
            name = _field(label)
            if name in _PERSON_FIELDS and name not in found:
                found[name] = (label, value)
    return list(found.values())


def _unpivoted(
    rows: Rows, layout: _Layout, person: Sequence[tuple[str, str]], bad: Mapping[int, str]
) -> tuple[Rows, list[int], dict[int, int]]:
    """The rows of the long table, each one's source row number, and where each row of the
    sheet went (its first row there).  The title lines above the header are left blank (the
    header keeps its row); a row with no value under a date is kept once, its date empty (a
    footer or a note is rejected as before)."""
    head = rows[layout.header]
    header: list[object] = [label for label, _ in person]
    header += [head[j] for j in layout.labels] + [RESULT_HEADER, DATE_HEADER]
    given: list[object] = [value for _, value in person]
    out: Rows = [[] for _ in range(layout.header)]
    numbers = list(range(1, layout.header + 1))
    moved = {i: i for i in range(layout.header)}
    out.append(header)
    numbers.append(layout.header + 1)
    moved[layout.header] = layout.header
    for i in range(layout.header + 1, len(rows)):
        row = rows[i]
        moved[i] = len(out)
        if i in bad or all(is_blank(c) for c in row):
            out.append([])
            numbers.append(i + 1)
            continue
        cells = [row[j] if j < len(row) else None for j in layout.labels]
        values = [j for j in layout.dates if j < len(row) and not is_blank(row[j])]
        for j in values or [-1]:
            value, when = (row[j], head[j]) if j >= 0 else (None, None)
            out.append([*given, *cells, value, when])
            numbers.append(i + 1)
    return out, numbers, moved


def _moved_keys(found: Mapping[int, T], moved: Mapping[int, int]) -> dict[int, T]:
    """A book's per-row facts (its bad rows, their reasons ...) keyed by the rows they went to."""
    return {moved[i]: v for i, v in found.items() if i in moved}


def _note(layout: _Layout, rows: Rows, person: Sequence[tuple[str, str]]) -> str:
    head = rows[layout.header]
    first, last = cell_text(head[layout.dates[0]]), cell_text(head[layout.dates[-1]])
    span = repr(first) if len(layout.dates) == 1 else f"{first!r} to {last!r}"
    said = (
        f"; the patient's {', '.join(repr(label) for label, _ in person)} from the title above "
        "the table"
        if person
        else "; no title line names the patient: the report's rows are read as one patient's"
    )
    return (
        f"a cumulative report (one test a row, named in column {cell_text(head[layout.test])!r}, "
        f"its draw dates across {len(layout.dates)} column(s), {span}): each value under a date "
        f"was read as a row of its own, collected on its column's date{said}"
    )


def _loader(
    load: Callable[[str, int | None], Rows], sheet: str, rows: Rows
) -> Callable[[str, int | None], Rows]:
    """A book's ``load`` that gives ``rows`` for ``sheet`` and any other sheet as before."""

    def loaded(wanted: str, limit: int | None) -> Rows:
        if wanted != sheet:
            return load(wanted, limit)
        return rows if limit is None else rows[:limit]

    return loaded


def unpivot_cumulative(book: Workbook, name: str, sheet: str | int | None) -> Cumulative | None:
    """The book with its cumulative report's sheet read as a long table (the first such sheet:
    the one chosen, else a visible one); None when no sheet is one."""
    if book.number_by_line:  # a message format's rows (HL7, FHIR): never a printed report
        return None
    names = (
        [resolve_sheet(book, name, sheet)]
        if sheet is not None
        else [n for n in book.sheet_names if n not in book.hidden]
    )
    for found in names:
        layout = _layout(book.load(found, HEADER_SCAN_ROWS))
        if layout is None:
            continue
        rows = book.unmade_rows() if book.unmade_rows else book.load(found, None)
        if book.grid is not None:
            book.grid.materialise(rows, len(rows))
        person = _title_person(rows, layout.header)
        out, numbers, moved = _unpivoted(rows, layout, person, book.bad_rows)
        continued = {moved[i]: moved[t] for i, t in book.continued_rows.items() if i in moved}
        end = book.open_end
        unpivoted = replace(
            book,
            load=_loader(book.load, found, out),
            line_numbers=numbers,
            number_by_line=True,
            grid=None,
            unmade_rows=None,
            merged=None,
            bad_rows=_moved_keys(book.bad_rows, moved),
            row_reasons=_moved_keys(book.row_reasons, moved),
            row_ids=_moved_keys(book.row_ids, moved),
            withdrawing={moved[i] for i in book.withdrawing if i in moved},
            broken_rows=_moved_keys(book.broken_rows, moved),
            cut_rows=_moved_keys(book.cut_rows, moved),
            urgent_rows=_moved_keys(book.urgent_rows, moved),
            continued_rows=continued,
            open_end=None if end is None or end[0] not in moved else (moved[end[0]], end[1]),
            one_patient=not (person or layout.persons),
        )
        return Cumulative(unpivoted, found, _note(layout, rows, person))
    return None
