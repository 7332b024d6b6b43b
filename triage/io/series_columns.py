"""A wide file's several prolactin columns read as results of their own (review 20).

"PRL baseline" / "PRL 30 min", "prl_1" / "prl_2", "Prolaktin basal" / "+30 min" / "nach Ruhe",
"Prolactin" / "Prolactin repeat": recognise_columns lists them in ``ColumnMatch.series_columns``
and each row is read once per such column that holds a value, the column's label in the visit
field (or the time-point field), so that the wide reader tells a timed series' samples apart as
it does a time-point column's (not triaged one by one, an urgent one listed with the urgent
results) and triages a visit's or a repeat's result with its label.  Before, the whole file was
refused ("no prolactin column") and no result of it was listed, an urgent one neither.
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np

from triage.columns import (
    ColumnMatch,
    column_letters,
    derived_word,
    field_specs,
    header_date,
    mentions_prolactin,
    parse_header,
    series_label,
    visit_of,
)
from triage.io.layout import RawTable, SplitRows, append_notes
from triage.io.unknown_units import untriaged_urgency
from triage.values import is_empty_value

# the headers the added columns are shown under: the label (visit or time point), the mark
_ADDED: Final = ["prolactin column", "prolactin column of a further result"]


def melt_prolactin_columns(split: SplitRows, match: ColumnMatch) -> np.ndarray | None:
    """Rows of ``split`` repeated once per series column holding a value (a row holding none
    once, rejected as before), the value in the prolactin column and the label in a column
    added for ``match.series_field``; a context column of another visit than the row's
    column is replaced by its own visit's or left empty.  Returns, per row read, the series
    column it comes from (None without a series)."""
    width = split.cells.shape[1]
    columns = [c for c in match.series_columns if c < width]
    if len(columns) < len((0, 1)):
        return None
    cells = split.cells
    n = len(cells)
    filled = np.zeros((n, len(columns)), dtype=bool)
    for k, col in enumerate(columns):
        filled[:, k] = [not is_empty_value(c) for c in cells[:, col].tolist()]
    filled[~filled.any(axis=1), 0] = True  # a row holding no result: read once, as before
    rows, which = np.nonzero(filled)  # row by row, its columns in order
    source = np.asarray(columns, dtype=np.int64)[which]
    dates = np.array([header_date(match.headers[c]) for c in columns], dtype=object)
    undated_file = dates.any() and "collected_at" not in match.fields
    added = [*_ADDED, _DATED] if undated_file else _ADDED
    melted = np.empty((len(rows), width + len(added)), dtype=object)
    melted[:, :width] = cells[rows]
    first = match.fields["prolactin"]
    melted[:, first] = cells[rows, source]
    labels = _labels(match, columns)
    melted[:, width] = labels[which]
    # the result's own mark in its row (the first column's none): what names it in the history
    # and the FHIR export beside the file's cell, whatever field the label went to
    marks = labels[which]
    marks[which == 0] = None
    melted[:, width + 1] = marks
    own = match.fields.get(match.series_field)
    if own is not None and own < width:  # the file's own visit column: both said
        melted[:, width] = [
            f"{cell} · {label}" if not is_empty_value(cell) else label
            for cell, label in zip(melted[:, own].tolist(), melted[:, width].tolist(), strict=True)
        ]
    paired = _paired_columns(match, cells, rows, which, melted, columns)
    match.headers += added
    match.fields[match.series_field] = width
    match.fields["source_column"] = width + 1
    if dates.any():
        _header_dates(match, melted, which, dates, paired)
    _visit_context(match, cells, rows, source, melted)
    split.cells = melted
    split.rows_read += len(rows) - n
    split.source_rows = split.source_rows[rows]
    split.distinct = []
    if split.section is not None:
        split.section = split.section[rows]
    return source


# the header of the column added for the draw dates the result columns' headers write
_DATED: Final = "date in the prolactin column's header"


def _header_dates(
    match: ColumnMatch, melted: np.ndarray, which: np.ndarray, dates: np.ndarray, paired: set[str]
) -> None:
    """A cumulative report's result columns headed by their draw dates ("Prolaktin 14.01.2026",
    "PRL 12/01/2026", "PRL 2026-01-12"): each result's collection date is its column's date
    (review 27 AB3: before, it was only the visit label, so no trend, no delta check and the
    age counted to the day of the run).  A date column read once per result column keeps its
    dates; a date column written once for the row gives a result only the date its header does
    not (one date for results of several dates is none of theirs)."""
    if "collected_at" in paired:
        return
    per_row = dates[which]
    dated = per_row != ""
    col = match.fields.setdefault("collected_at", melted.shape[1] - 1)
    melted[dated, col] = per_row[dated]
    match.warnings.append(
        "the prolactin columns' headers write their draw dates: each result's collection date is "
        "its column's"
    )


# Fields a result's own column may stand beside, once per result column ("Prolactin | Unit |
# Prolactin | Unit", "Datum | PRL | Datum | PRL"): the k-th such column is the k-th result's.
_PER_RESULT: Final = ("prolactin_unit", "reference_low", "reference_high", "reference_range",
                      "assay", "collected_at")  # fmt: skip


def _paired_columns(
    match: ColumnMatch,
    cells: np.ndarray,
    rows: np.ndarray,
    which: np.ndarray,
    melted: np.ndarray,
    columns: list[int],
) -> set[str]:
    """A field headed as often as there are result columns ("Unit" after each "Prolactin"): a
    row read from the k-th result column reads the k-th of them (its twins left empty there,
    so that they are not read as two disagreeing cells), or the one of its visit where the
    headers name visits ("prl_v1" reads "date_v1", wherever it stands); a field headed once is
    every row's.  Returns the fields read so, one column per result."""
    width = cells.shape[1]
    paired: set[str] = set()
    count = len(columns)
    for name in _PER_RESULT:
        col = match.fields.get(name)
        if col is None:
            continue
        header = match.headers[col].strip()
        same = {c for c, text in enumerate(match.headers) if text.strip() == header}
        found = {col, *match.twin_columns.get(name, []), *same}
        own = sorted(c for c in found if c < width)
        if len(own) != count:  # "date" | "PRL" | "date2" | "PRL2": each result's own date
            key = _numbered_name(match.headers[col])
            used = set(match.fields.values()) | set(match.series_columns)
            alike = {
                c
                for c, text in enumerate(match.headers)
                if c not in used and key and _numbered_name(text) == key
            }
            found = {col, *match.series_candidates.get(name, []), *alike}
            own = sorted(c for c in found if c < width)
        own = _by_visit(match, name, columns, {c for c in found if c < width}) or own
        if len(own) != count:
            continue
        for k, source in enumerate(own):
            block = which == k
            melted[block, col] = cells[rows[block], source]
        for twin in own:
            if twin != col:
                melted[:, twin] = None
        match.warnings = [
            w
            for w in match.warnings
            if f"both headed {header!r}" not in w
            and not any(w.startswith(f"header {match.headers[c]!r} also looks like") for c in own)
        ]
        paired = {match.headers[c] for c in own}
        match.unmapped = [h for h in match.unmapped if h not in paired]
        match.warnings.append(
            f"columns {', '.join(repr(match.headers[c]) for c in own)} stand beside the "
            f"prolactin columns one each: each result's {name} is read from its own"
        )
        paired.add(name)
    return paired


def _by_visit(match: ColumnMatch, name: str, columns: list[int], found: set[int]) -> list[int]:
    """Among ``found`` (the columns of field ``name``), the one of each result column's visit
    (``visit_of``: "prl_v2" -> "date_v2", "prl_m6" -> "date_m6", "Prolaktin 2" -> "Datum 2"), in
    the result columns' order; [] unless every result column names a visit of its own that one
    column gives."""
    visits = [visit_of(match.headers[c], "prolactin") for c in columns]
    if not all(visits) or len(set(visits)) != len(visits):
        return []
    marks: dict[str, list[int]] = {}
    for c in sorted(found):
        marks.setdefault(visit_of(match.headers[c], name), []).append(c)
    own = [marks.get(v, []) for v in visits]
    return [c[0] for c in own] if all(len(c) == 1 for c in own) else []


_NUMBERED: Final = re.compile(r"(?:[\s_.-]+(?:v|visit|t|m))?[\s_.-]*\d{1,4}$")


def _numbered_name(text: str) -> str:
    """A header without the number a series numbers it by ("date2", "Datum 2", "date_v2" ->
    "date"/"datum"): the columns of one field, one per result, share it."""
    return _NUMBERED.sub("", parse_header(text).main).strip()


def _labels(match: ColumnMatch, columns: list[int]) -> np.ndarray:
    """Each series column's label; two columns of one label are told apart by their letters."""
    labels = [series_label(match.headers[c]) for c in columns]
    return np.array(
        [
            f"{label} (column {column_letters(col)})" if labels.count(label) > 1 else label
            for label, col in zip(labels, columns, strict=True)
        ],
        dtype=object,
    )


# Context fields a later visit's value follows from an earlier one's (an age, advanced by the
# time between the collection dates: WideBuilder._same_patient_ages).
_ADVANCED: Final = ("age_years",)


def _visit_context(
    match: ColumnMatch, cells: np.ndarray, rows: np.ndarray, source: np.ndarray, melted: np.ndarray
) -> None:
    """A context field's column of another visit than the row's prolactin column ("tsh_12m"
    beside "prl_bl") is not the state at that sample: the row reads its own visit's column
    ("tsh_bl") where the file has one, else nothing (columns.visit_context_fields).  An age of
    a visit no result column is of ("age_bl" beside "prl_v1", "prl_v2") is the first result
    column's: the later ones are left without an age, which the reader then takes from that
    row plus the time between the two collection dates, or leaves unknown (review 23)."""
    for name, marks in match.series_context.items():
        col = match.fields.get(name)
        if col is None or col >= cells.shape[1]:
            continue
        its = visit_of(match.headers[col], name)
        visits = [visit_of(match.headers[c], "prolactin") for c in match.series_columns]
        baseline = (
            match.series_columns[0] if name in _ADVANCED and its and its not in visits else None
        )
        for series in np.unique(source).tolist():
            visit = visit_of(match.headers[series], "prolactin")
            if not visit or visit == its or series == baseline:
                continue
            block = source == series
            other = marks.get(visit)
            if other is not None and other < cells.shape[1]:
                melted[block, col] = cells[rows[block], other]
                read = match.headers[other]  # read for its visit: no column left unused
                match.unmapped = [h for h in match.unmapped if h != read]
                match.warnings = [
                    w for w in match.warnings if not w.startswith(f"header {read!r} also looks")
                ]
            elif its:
                melted[block, col] = None


def series_units(table: RawTable, match: ColumnMatch, source: np.ndarray | None) -> None:
    """Each row read from a series column takes the unit that column's header names ("PRL
    baseline (mIU/L)", "PRL 30 min (ng/mL)"), where the columns name different units."""
    if source is None or "prolactin" in table.section_units:
        return
    units = {c: parse_header(match.headers[c]).unit for c in set(source.tolist())}
    if len(set(units.values())) < len((0, 1)):
        return
    first = table.header_units.get("prolactin", "")
    per_row = np.array([units[c] or first for c in source.tolist()], dtype=object)
    table.section_units["prolactin"] = per_row


def series_notes(table: RawTable, match: ColumnMatch, source: np.ndarray | None) -> None:
    """Each row read from a series column keeps the column's header in its notes ("column:
    Prolaktin nach Ruhe (mIU/l)"), where the cues read it as a long file's test name is read (a
    rested sample is not repeated)."""
    if source is None:
        return
    append_notes(table.columns, [f"column: {match.headers[c]}" for c in source.tolist()])


def unread_prolactin_columns(split: SplitRows, match: ColumnMatch) -> list[str]:
    """One warning per column whose header names prolactin and holds values, left unread as
    any field and not knowingly so (an earlier value, a derived value: named already), with
    the count of its values and the rows whose value may be urgent (review 27
    AB1: "Prolactine 09/02/2026 (mUI/L)" beside "PRL 12.01.2026" was dropped, a 5400 mIU/L
    in it said nowhere)."""
    excluded = field_specs()["prolactin"].listed  # the earlier-value words
    named = set(match.fields.values()) | set(match.series_columns)
    warnings: list[str] = []
    for col, text in enumerate(match.headers):
        header = parse_header(text) if text else None
        if (
            header is None
            or col in named
            or (text not in match.unmapped and col not in match.vetoes)
            or col >= split.cells.shape[1]
            or not mentions_prolactin(text)
            or excluded & (header.tokens | header.bracket_tokens)
            or derived_word(text)
        ):
            continue
        cells = split.cells[:, col].tolist()
        filled = [k for k, cell in enumerate(cells) if not is_empty_value(cell)]
        if not filled:
            continue
        urgent = [
            int(split.source_rows[k]) for k in filled if untriaged_urgency(cells[k], header.unit)
        ]
        said = f"; row(s) {', '.join(map(str, urgent))} may hold an urgent result" if urgent else ""
        warnings.append(
            f"column {text!r} names prolactin and holds {len(filled)} value(s), but it was not "
            f"read as a result{said}: look at them in the file, or name it in a column mapping "
            f'file ([columns] prolactin = "{text}")'
        )
    return warnings
