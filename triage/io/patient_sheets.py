"""Relational cohort workbooks keep the patients on one sheet (``Demographics``: record_id, sex,
date of birth, pregnant, medication) and the results on another (``Laboratory``: record_id,
visit date, prolactin).  A results sheet that lacks patient fields takes them from another
visible sheet of the same workbook whose column headed as the results' id column holds every
result's id: one row per id there, joined by that id.  An id repeated there with different
values is not joined (its results keep no such field), and the run says so; a sheet that holds
the fields but not every result's id is named instead of joined."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from triage.columns import ColumnMatch, parse_header, recognise_columns
from triage.io.layout import HEADER_SCAN_ROWS, RawTable, column_samples, names_codebook
from triage.io.sources import Workbook
from triage.values import cell_text

# The fields that describe the patient rather than the sample: what a patients sheet may add.
PATIENT_SHEET_FIELDS: Final = (
    "sex",
    "birth_date",
    "birth_year",
    "age_years",
    "pregnant",
    "gestational_weeks",
    "lactating",
    "postpartum_weeks",
    "menopausal",
    "medications",
    "dialysis",
    "kidney_transplant",
    "kidney_disease",
    "liver_disease",
    "pituitary_lesion",
    "pituitary_lesion_mm",
    "head_trauma",
    "symptoms",
)
# The results sheet's warnings a joined field answers (columns._post_process), by field.
_MISSING_SAID: Final = {
    "sex": ("no sex column was found",),
    "birth_date": ("no age or birth date column was found",),
    "birth_year": ("no age or birth date column was found",),
    "age_years": ("no age or birth date column was found",),
}


@dataclass
class _PatientSheet:
    name: str
    rows: Sequence[Sequence[object]]
    start: int  # the first row below its header
    id_col: int
    fields: dict[str, int]  # wanted field -> its column there
    headers: list[str]


def _cell(row: Sequence[object], col: int) -> object:
    return row[col] if col < len(row) else None


def _find(
    book: Workbook, sheet: str, id_header: str, wanted: Sequence[str]
) -> _PatientSheet | None:
    """The sheet's header row holding a cell written as ``id_header`` (the same words, case and
    punctuation aside) and the wanted fields it names, or None."""
    rows = book.load(sheet, None)
    key = parse_header(id_header).full  # "record_id" is "Record ID"
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        texts = [parse_header(t).full if (t := cell_text(c)) else "" for c in row]
        if not key or key not in texts:
            continue
        id_col = texts.index(key)
        header = [cell_text(c) for c in row]
        match = recognise_columns(header, None, column_samples(rows, index + 1, header))
        fields = {f: c for f, c in match.fields.items() if f in wanted and c != id_col}
        if not fields:
            return None
        return _PatientSheet(sheet, rows, index + 1, id_col, fields, match.headers)
    return None


def join_patient_sheet(book: Workbook, sheet: str, match: ColumnMatch, table: RawTable) -> None:
    """Add to ``table`` (the rows of results sheet ``sheet``) the patient fields it lacks from
    another sheet of ``book`` keyed by the same id column (module docstring); warnings in
    ``table.warnings``."""
    if book.is_text or "patient_id" not in match.fields or "patient_id" not in table.columns:
        return
    wanted = [f for f in PATIENT_SHEET_FIELDS if f not in match.fields and f not in table.columns]
    if not wanted:
        return
    keys = [cell_text(c) for c in table.columns["patient_id"]]
    needed = {k for k in keys if k}
    if not needed:
        return
    id_header = match.header_of("patient_id")
    for other in book.sheet_names:
        if other == sheet or other in book.hidden or names_codebook(other):
            continue
        found = _find(book, other, id_header, wanted)
        if found is None:
            continue
        if _join(found, keys, needed, id_header, table):
            wanted = [f for f in wanted if f not in found.fields]
            if not wanted:
                return


def _join(
    found: _PatientSheet, keys: list[str], needed: set[str], id_header: str, table: RawTable
) -> bool:
    """Join ``found``'s fields into ``table`` by id when its ids cover every result's; else name
    the sheet in a warning instead of the results sheet's "no ... column" ones."""
    names = list(found.fields)
    by_id: dict[str, tuple[object, ...]] = {}
    conflicting: set[str] = set()
    for row in found.rows[found.start :]:
        key = cell_text(_cell(row, found.id_col))
        if not key:
            continue
        values = tuple(_cell(row, found.fields[f]) for f in names)
        prior = by_id.setdefault(key, values)
        if [cell_text(v) for v in prior] != [cell_text(v) for v in values]:
            conflicting.add(key)
    columns = ", ".join(repr(found.headers[found.fields[f]]) for f in names)
    listed = f"{', '.join(names)} (columns {columns})"
    answered = {said for f in names for said in _MISSING_SAID.get(f, ())}
    table.warnings[:] = [w for w in table.warnings if not w.startswith(tuple(answered))]
    missing = needed - set(by_id)
    if missing:
        table.warnings.append(
            f"sheet {found.name!r} holds patient fields {listed} by {id_header!r}, but not for "
            f"{len(missing)} of the {len(needed)} id(s) of the results: not joined, so the "
            "results are judged without them; give them on the results sheet"
        )
        return False
    n = len(keys)
    for position, name in enumerate(names):
        column = np.empty(n, dtype=object)
        column[:] = [None if not k or k in conflicting else by_id[k][position] for k in keys]
        table.columns[name] = column
        header = found.headers[found.fields[name]]
        table.headers[name] = header
        unit = parse_header(header).unit
        if unit:
            table.header_units[name] = unit
    table.warnings.append(
        f"the results sheet has no patient fields {listed}: taken from sheet {found.name!r} by "
        f"{id_header!r} (one row per id there)"
    )
    if conflicting:
        table.warnings.append(
            f"{len(conflicting)} id(s) appear more than once in sheet {found.name!r} with "
            "different patient fields: those were not joined, and their results are judged "
            "without them"
        )
    return True
