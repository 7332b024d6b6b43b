"""Reading one input file into the canonical frame (design.md, Stage 1).

``read_file`` opens the file safely (sources), finds the sheet and header row (layout),
recognises the columns (triage.columns, the mapping file first), splits the rows below the
header into results and rejected rows, and parses the results (wide, or long for LIS exports).
Every non-blank row below the header ends either in the frame or in the rejected list:
``rows_read == rows_triaged + rows_rejected``.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from triage.columns import (
    TWO_RESULTS,
    ColumnMatch,
    MappedHeaderMissing,
    column_letters,
    field_specs,
    is_checkbox_option,
    mapped_header_lacking,
    recognise_columns,
    recognised_headers,
    series_of,
    unread_yes_no_warnings,
)
from triage.io.cumulative import Cumulative, unpivot_cumulative
from triage.io.delimited import check_field_counts
from triage.io.drug_columns import (
    date_medications,
    join_drug_columns,
    medication_free_cells,
    names_one_drug,
)
from triage.io.formats import SUPPORTED_EXTENSIONS, open_input, told_by_content
from triage.io.layout import (
    SAMPLE_ROWS,
    TITLE_UNIT_ROWS,
    UNIT_FIELDS,
    DictionaryChoices,
    HeaderLocation,
    RawTable,
    build_raw_table,
    codebook_flag_codes,
    codebook_labels,
    codebook_missing_codes,
    codebook_sex_codes,
    codebook_unit,
    codebook_unit_codes,
    coded_drugs,
    column_samples,
    dictionary_choices,
    grid_fits,
    locate_header,
    repeats_header,
    resolve_sheet,
    second_table_column,
    split_rows,
    take_section_columns,
    title_unit,
    titled_result,
    unit_choices,
    unread_results,
)
from triage.io.long import read_long
from triage.io.mapping import ColumnMapping, load_mapping
from triage.io.options import DEFAULT_MAX_FILE_BYTES, ReadOptions
from triage.io.patient_sheets import join_patient_sheet
from triage.io.series_columns import (
    melt_prolactin_columns,
    series_notes,
    series_units,
    unread_prolactin_columns,
)
from triage.io.shifted import ShiftedFacts, cut_facts, shifted_facts, with_urgency
from triage.io.sources import (
    Rows,
    Workbook,
    display_name,
    display_path,
    distinct_names,
    fill_merged_down,
    is_panic,
)
from triage.io.wide import (
    BuildSettings,
    ambiguous_date_example,
    build_frame,
    canonical_frame,
    file_date_order,
    fill_grouped_identity,
)
from triage.schema import (
    FLAG_FIELDS,
    InputFileError,
    InputSummary,
    NoUsableInputError,
    Rejected,
    Withdrawal,
)
from triage.values import (
    OPEN_END_ATTR,
    TEXT_DAYFIRST_ATTR,
    cell_text,
    is_empty_value,
    synonyms_data,
)

log = logging.getLogger("triage")

_READ_CHUNK: Final = 16 * 1024 * 1024


@dataclass
class FileRead:
    """One file read: the canonical rows, the rejected rows, and the provenance."""

    frame: pd.DataFrame  # CANONICAL_COLUMNS, in that order and dtype
    rejected: list[Rejected]
    summary: InputSummary  # rows_read == rows_triaged + rows_rejected
    # results the file corrects (HL7 OBX-11 C): the history supersedes earlier files' ones
    corrections: list[Withdrawal] = field(default_factory=list)
    # a workbook whose rows come from several sheets (_with_sheet): each sheet's own summary
    # (its mapping, header row and counts), which `check` describes one by one; else empty
    sheets: list[InputSummary] = field(default_factory=list)


def read_file(
    path: Path,
    mapping: ColumnMapping | None = None,
    options: ReadOptions | None = None,
    *,
    name: str | None = None,
) -> FileRead:
    """Read one input file; InputFileError (file, sheet, row, column) when it is unusable.
    ``name``: how the file is named in results and messages (default: its display name)."""
    options = options or ReadOptions()
    mapping = mapping or ColumnMapping()
    name = name or display_name(path)
    data = _read_bytes(path, name, options.max_file_bytes)
    digest = hashlib.sha256(data).hexdigest()
    try:
        book = open_input(path, data, limits=options.limits, name=name)
        del data  # the rows are read: the file's bytes are no longer needed
        chosen = options.sheet if options.sheet is not None else mapping.sheet
        cumulative = None
        if options.header_row is None and mapping.header_row is None:
            cumulative = unpivot_cumulative(book, name, chosen)
        original = book
        if cumulative is not None:
            book = cumulative.book
        titled = ""
        try:
            location = _locate(book, name, chosen, mapping, options)
        except InputFileError as exc:
            retitled = _titled_mapping(book, name, chosen, mapping, options, exc)
            if retitled is None:
                raise
            mapping, titled = retitled
            location = _locate(book, name, chosen, mapping, options)
        read = _read_sheet(
            _book_of(location.sheet, cumulative, original), name, digest, location, mapping, options
        )
        if titled:
            read.summary.warnings.append(titled)
        if cumulative is not None and location.sheet == cumulative.sheet:
            read.summary.warnings.insert(0, cumulative.note)
        if chosen is None:
            for other in location.also:  # every visible sheet holding results is read
                more = _book_of(other, cumulative, original)
                read = _with_sheet(read, more, name, digest, other, mapping, options)
        if _no_result_row(read):
            raise _no_result_rows(name, read.summary)
    except InputFileError as exc:  # the outputs list the unusable file by its hash too
        exc.sha256 = exc.sha256 or digest
        raise
    return read


def _book_of(sheet: str, cumulative: Cumulative | None, book: Workbook) -> Workbook:
    """The book a sheet is read from: a cumulative report's unpivoted (its rows numbered by
    the report's own), any other sheet the file's as opened."""
    return cumulative.book if cumulative is not None and sheet == cumulative.sheet else book


# Rows that are the layout of a table, not results (a footer "End of report", a header repeated)
_LAYOUT_REASONS: Final = frozenset({"not_a_result_row", "duplicate_header"})


def _no_result_row(read: FileRead) -> bool:
    """No row below the header, or none but layout rows (a footer, a repeated header)."""
    return not read.summary.rows_triaged and all(
        r.reason_code in _LAYOUT_REASONS and not r.possibly_urgent and not r.withdraws
        for r in read.rejected
    )


def _no_result_rows(name: str, summary: InputSummary) -> InputFileError:
    """A file whose header has no row below it (a query that found nothing, an export template)
    holds nothing to triage: an input that could not be used (``empty``: exit 3 alone, 4 beside
    usable inputs), never a run that says nothing and reports 0 results as if all were well."""
    return InputFileError(
        name,
        f"no result rows: the header (row {summary.header_row}) has no row of results below it "
        "(an empty query or an export template?)",
        sheet=summary.sheet or None,
        code="empty",
    )


def _titled_mapping(
    book: Workbook,
    name: str,
    sheet: str | int | None,
    mapping: ColumnMapping,
    options: ReadOptions,
    error: InputFileError,
) -> tuple[ColumnMapping, str] | None:
    """A sheet without a prolactin column whose title row states the analyte and unit ("Test: |
    Prolactin | Units: | mIU/L") over a header with one result column ("Ergebnis"): the mapping
    with that column as prolactin (and the title's unit as its default unit), and the warning
    saying so; None for any other unusable file (``error`` stands)."""
    if error.code != "no_prolactin_column" or "prolactin" in mapping.columns:
        return None
    if options.header_row is not None or mapping.header_row is not None:
        return None
    if sheet is None:
        names = [n for n in book.sheet_names if n not in book.hidden]
    else:
        names = [resolve_sheet(book, name, sheet)]
    found = [(n, t) for n in names if (t := titled_result(book, n)) is not None]
    if len(found) != 1:
        return None
    _, titled = found[0]
    defaults = dict(mapping.defaults)
    unit = ""
    if titled.unit and not options.unit and "prolactin_unit" not in defaults:
        defaults["prolactin_unit"] = unit = titled.unit
    columns = {**mapping.columns, "prolactin": titled.header}
    said = (
        f"column {titled.header!r} was read as the prolactin result: the title row "
        f"{titled.row} ({titled.title!r}) names prolactin as the analyte"
        + (f" and {unit} as the unit" if unit else "")
        + f" (a column mapping file says so with [columns] prolactin = {titled.header!r})"
    )
    return replace(mapping, columns=columns, defaults=defaults), said


def _locate(
    book: Workbook, name: str, sheet: str | int | None, mapping: ColumnMapping, options: ReadOptions
) -> HeaderLocation:
    return locate_header(
        book,
        name,
        sheet=sheet,
        header_row=options.header_row if options.header_row is not None else mapping.header_row,
        forced=mapping.columns,
    )


def _unread_rows(book: Workbook, sheet: str, mapping: ColumnMapping, options: ReadOptions) -> int:
    """How many rows of a sheet that is not read hold a prolactin result."""
    header_row = options.header_row if options.header_row is not None else mapping.header_row
    return unread_results(book, sheet, header_row, mapping.columns)


def _read_sheet(
    book: Workbook,
    name: str,
    digest: str,
    location: HeaderLocation,
    mapping: ColumnMapping,
    options: ReadOptions,
) -> FileRead:
    """The rows of the located sheet (or of a text file) as a FileRead."""
    sheet = "" if book.is_text else location.sheet
    rows = book.unmade_rows() if book.unmade_rows else book.load(location.sheet, None)
    header = list(location.cells) or rows[location.index]
    if book.grid is not None:  # the rows looked at are made lists; all of them unless
        # split_rows can take those below the header from the grid
        upto = location.index + 1 + SAMPLE_ROWS
        if not grid_fits(book.grid, rows, location.index, header):
            upto = len(rows)
        book.grid.materialise(rows, upto)
    chosen = _dictionary_choices(book, location, header, rows)
    header = chosen.header
    line_notes: list[str] = list(chosen.notes)
    shifted: dict[int, list[object]] = {}
    if book.is_text and book.line_numbers:
        line_notes = check_field_counts(
            rows,
            book.line_numbers,
            book.bad_rows,
            location.index,
            header,
            repeats_header(header),
            shifted,
        )
        malformed = {i: d for i, d in book.bad_rows.items() if i not in book.continued_rows}
        line_notes += _header_area_notes(malformed, book.line_numbers, location.index)
        # a line rejected as a broken quote or for an over-long cell: its fields as split
        # literally are read as a shifted line's are (its patient, a possibly urgent result)
        shifted.update((i, f) for i, f in book.broken_rows.items() if i > location.index)
    samples = column_samples(rows, location.index + 1, header)
    match = _match_columns(name, sheet, header, location.first_row + 1, mapping, samples)
    _keep_coded_columns(match, mapping, options.unit)
    open_end = _open_end_caution(book, match, location.index)
    if book.merged is not None:
        person = match.fields.get("patient_id", match.fields.get("patient_name"))
        fill_merged_down(rows, book.merged(location.sheet), location.index, person)
    result_field = "result" if match.shape == "long" else "prolactin"
    person = match.fields.get("patient_id")
    facts = shifted_facts(
        shifted,
        len(header),
        match,
        join_groups=book.decimal_hint is None,
        per_ng=mapping.conversion_factor,
        ids_around=[]
        if person is None or not shifted
        else [
            row[person]
            for i, row in enumerate(
                rows[location.index + 1 : location.index + 1 + SAMPLE_ROWS], location.index + 1
            )
            if i not in book.bad_rows and len(row) > person
        ],
    )
    del shifted
    if book.cut_rows:  # the last line a copy stopped inside: in its columns, its end cut
        cut = cut_facts(
            book.cut_rows, match, decimal=book.decimal_hint, per_ng=mapping.conversion_factor
        )
        facts = ShiftedFacts(
            {**facts.ids, **cut.ids}, {**facts.urgent, **cut.urgent}, cut.specimens
        )
    # the group titles above a two-row header: a page's repeat of them is a repeated header
    group_titles = list(rows[location.first_row]) if location.first_row < location.index else []
    titled = title_unit(rows[max(location.first_row - TITLE_UNIT_ROWS, 0) : location.first_row])
    named = {i: (found, facts.specimens.get(i, "")) for i, found in facts.ids.items()}
    if person is not None:  # a line joined into the record above: that record's patient
        for i, target in book.continued_rows.items():
            record = rows[target] if book.grid is None else book.grid.row(rows, target)
            cell = record[person] if len(record) > person else None
            if isinstance(cell, str):
                named[i] = (cell.strip(), "")
    row_ids = {**named, **book.row_ids}
    split = split_rows(
        rows,
        location.index,
        match,
        name,
        sheet,
        result_field,
        bad_rows=book.bad_rows,
        row_numbers=book.line_numbers if book.number_by_line else None,
        row_reasons=book.row_reasons,
        row_ids=row_ids,
        withdrawing=book.withdrawing,
        consume=True,  # the grid holds the cells: the rows as read (book.load's list) are freed
        grid=book.grid,
        group_titles=group_titles,
    )
    book.grid = None
    take_section_columns(split, match)
    del rows, samples
    _check_empty_visits(split.cells, match)
    unread = unread_prolactin_columns(split, match)
    source = melt_prolactin_columns(split, match)
    table = build_raw_table(split, match, name, sheet, book)
    table.rest_cells = medication_free_cells(split.cells, match)
    date_medications(table, options.dayfirst is not False)
    table.warnings += unread
    series_units(table, match, source)
    series_notes(table, match, source)
    _take_title_unit(table, match, titled, mapping, options)
    _take_dictionary_unit(book, location.sheet, table, match, mapping, options)
    join_drug_columns(split, match, table)
    if not book.is_text:
        line_notes += _unread_coded(book, location.sheet, match)
    table.warnings += unread_yes_no_warnings(match)
    if match.shape == "wide":
        join_patient_sheet(book, location.sheet, match, table)
    summary = InputSummary(
        file=name,
        sha256=digest,
        sheet=sheet,
        rows_read=split.rows_read,
        mapping=match.mapping(),
        unmapped_headers=match.unmapped,
        shape=match.shape,
        header_row=location.first_row + 1,
        warnings=[
            *book.warnings,
            *line_notes,
            *_location_notes(location),
            *table.warnings,
            *_unread_notes(book, location, mapping, options),
        ],
    )
    dayfirst, evidence = file_date_order(table)
    guessed = dayfirst is None and options.dayfirst is None
    if dayfirst is None:
        dayfirst = options.dayfirst is not False
        summary.warnings += _ambiguous_dates_note(table, dayfirst)
    elif dayfirst != (options.dayfirst is not False):
        order = "day-first" if dayfirst else "month-first"
        summary.warnings.append(
            f"dates in this file are {order} (column {evidence!r} shows it); "
            f"ambiguous dates in every column are read {order}"
        )
    values = {k: dict(v) for k, v in mapping.values.items()}
    missing_results: dict[str, str] = {}
    missing_ages: dict[str, str] = {}
    summary.warnings += _header_unit_codes(match, values)
    if not book.is_text:
        summary.warnings += _codebook_values(book, location.sheet, match, values)
        summary.warnings += _codebook_missing(
            book,
            location.sheet,
            match,
            missing_results,
            "prolactin",
            "results so coded are rejected as missing_result",
        )
        summary.warnings += _codebook_missing(
            book,
            location.sheet,
            match,
            missing_ages,
            "age_years",
            "ages so coded are read as no age",
        )
    settings = BuildSettings(
        dayfirst,
        dict(mapping.defaults),
        mapping.conversion_factor,
        tests=dict(mapping.tests),
        unit=options.unit,
        values=values,
        decimal=mapping.decimal,
        statuses_applied=book.statuses_applied,
        dates_guessed=guessed,
        missing_results=missing_results,
        missing_ages=missing_ages,
        date_origin=mapping.date_origin,
    )
    if match.shape == "long":
        long = read_long(table, settings)
        frame, rejected, triaged = long.frame, split.rejected + long.rejected, long.rows_triaged
        summary.warnings += long.warnings
        corrections = long.corrections
    else:
        split.cells = split.cells[:0]  # the table's columns hold what is still needed
        split.distinct = []  # (their dictionary codes too: build_frame releases the table)
        summary.warnings += fill_grouped_identity(table)
        built = build_frame(table, settings, release=True)
        frame, rejected, triaged = built.frame, split.rejected + built.rejected, len(built.frame)
        summary.warnings += built.warnings
        corrections = built.corrections
    # (a diagnosis column's or a note's codes the tool does not list, "Dx: I10, E11.9", are
    # ordinary diagnoses, not named in a warning: review 29 mend; FHIR and HL7 still name theirs)
    if facts.urgent or book.urgent_rows:
        numbers = book.line_numbers if book.number_by_line else None
        rejected = with_urgency(
            rejected,
            {
                (numbers[i] if numbers else i + 1): note
                for i, note in {**facts.urgent, **book.urgent_rows}.items()
            },
        )
    rejected.sort(key=lambda r: r.source_row)
    # the dates written in its notes are read in the same day/month order (engine/core.py)
    frame.attrs[TEXT_DAYFIRST_ATTR] = dayfirst
    if open_end:  # its result's comment gives the caution (engine/core.py)
        frame.attrs[OPEN_END_ATTR] = open_end
    summary.rows_triaged = triaged
    summary.rows_rejected = len(rejected)
    _check_counts(summary)
    return FileRead(frame, rejected, summary, [*book.corrections, *corrections])


def _open_end_caution(book: Workbook, match: ColumnMatch, header_index: int) -> dict[int, str]:
    """The last line of a text that ends inside its last field (no line end, all the header's
    fields: Workbook.open_end), that field unquoted, not empty and in a column the reader reads:
    the line is triaged as before (many exports end without a line end, '\\n'.join), but its
    value may be cut short if a transfer stopped there ("6400" read as "6"): its source row ->
    the caution its result's comment gives (review 26, mendF; the file's warning says too).
    A last field in a column not read, empty, or closed by a quote gives none."""
    if book.open_end is None:
        return {}
    index, fields = book.open_end
    column = len(fields) - 1
    if index <= header_index or index in book.bad_rows or not _reads_column(match, column):
        return {}
    numbers = book.line_numbers if book.number_by_line else None
    row = numbers[index] if numbers and index < len(numbers) else index + 1
    value = cell_text(fields[column]).strip()
    return {
        row: (
            f"the file ends without a line end right after this row's last value "
            f"({match.headers[column]!r}: {value!r}); if the file was cut short in transfer, "
            "digits may be missing: compare with the LIS"
        )
    }


def _reads_column(match: ColumnMatch, column: int) -> bool:
    """Whether the reader reads column ``column`` (a field's, a note's, a finding's ...): not
    beyond the header, not one listed as unmapped."""
    if column in match.fields.values():
        return True
    if column >= len(match.headers):
        return False
    header = match.headers[column]
    return bool(header) and header not in match.unmapped


def _dictionary_choices(
    book: Workbook, location: HeaderLocation, header: list[object], rows: Rows
) -> DictionaryChoices:
    """The header as the workbook's data dictionary names its coded columns (layout.
    dictionary_choices): a checkbox option by its label; a column coding drugs headed as a
    medications column, its codes (in the rows read) replaced by the drugs they name."""
    if book.is_text or book.grid is not None:
        return DictionaryChoices(header)
    chosen = dictionary_choices(book, location.sheet, header, names_one_drug)
    if chosen.drugs:
        word = str(synonyms_data()["fields"]["medications"]["synonyms"][0])
        for col, codes in chosen.drugs.items():
            chosen.header[col] = f"{cell_text(header[col])} ({word})"
            for row in rows[location.index + 1 :]:
                if col < len(row):
                    row[col] = coded_drugs(row[col], codes)
    return chosen


def _unread_coded(book: Workbook, sheet: str, match: ColumnMatch) -> list[str]:
    """A warning for each column left unread whose codes the workbook's data dictionary gives
    (a radio "smoking | 1, never | 2, former"): never dropped without a word (review 23)."""
    notes = []
    for header in match.unmapped:
        if is_checkbox_option(header):
            continue  # an option the dictionary names, read or warned of as such
        labels = codebook_labels(book, sheet, header)
        if labels is not None and labels[1]:
            listed = ", ".join(f"{code} = {label}" for code, label in sorted(labels[1].items()))
            notes.append(
                f"column {header!r}: the data dictionary in sheet {labels[0]!r} gives its codes "
                f"({listed}), which name no drug, finding or state read here: not used (name "
                "it in a column mapping file and recode it with [values.<field>] if it is one)"
            )
    return notes


# A header's last bracket ("prl_unit (1=ng/mL; 2=mIU/L)" -> "1=ng/mL; 2=mIU/L").
_LAST_BRACKET: Final = re.compile(r"\(([^()]*)\)\s*$")


def _header_unit_codes(match: ColumnMatch, values: dict[str, dict[str, str]]) -> list[str]:
    """The unit codes a unit column's header states ("prl_unit (1=ng/mL; 2=mIU/L)", REDCap's
    "Prolactin unit (1, ng/mL | 2, mIU/L)": layout.unit_choices), put in ``values`` (unless the
    mapping file recodes the field), as a data dictionary's are; the warning saying so."""
    name = "prolactin_unit"
    if name not in match.fields or name in values:
        return []
    header = match.header_of(name)
    bracket = _LAST_BRACKET.search(header)
    codes = unit_choices(bracket.group(1)) if bracket else {}
    if not codes:
        return []
    values[name] = codes
    listed = ", ".join(f"{code} = {unit}" for code, unit in sorted(codes.items()))
    return [f"column {header!r} codes the unit as its header says: {listed}"]


# field -> (what its codes are, how a workbook's data dictionary states them)
_CODEBOOK_FIELDS: Final[dict[str, tuple[str, Callable[..., tuple[str, dict[str, str]] | None]]]] = {
    "sex": ("sex", codebook_sex_codes),
    "prolactin_unit": ("the unit", codebook_unit_codes),
}


def _codebook_values(
    book: Workbook, sheet: str, match: ColumnMatch, values: dict[str, dict[str, str]]
) -> list[str]:
    """The codes the workbook's own data dictionary states for the sex and unit columns, put in
    ``values`` (unless the mapping file recodes the field); returns the warnings saying so."""
    notes: list[str] = []
    for name, (what, find) in _CODEBOOK_FIELDS.items():
        if name not in match.fields or name in values:
            continue
        codebook = find(book, sheet, match.header_of(name))
        if codebook is None:
            continue
        values[name] = codebook[1]
        listed = ", ".join(f"{code} = {meaning}" for code, meaning in sorted(codebook[1].items()))
        notes.append(
            f"column {match.header_of(name)!r} codes {what} as the data dictionary in sheet "
            f"{codebook[0]!r} says: {listed}"
        )
    for name in FLAG_FIELDS:
        if name in match.fields and name not in values:
            notes += _flag_codebook(book, sheet, name, match.header_of(name), values)
    return notes


def _flag_codebook(
    book: Workbook, sheet: str, name: str, header: str, values: dict[str, dict[str, str]]
) -> list[str]:
    """The codes a data dictionary states for the yes/no column ``name``, read with the
    column's own words (layout.codebook_flag_codes), put in ``values``; the warnings."""
    found = codebook_flag_codes(book, sheet, header, name)
    if found is None:
        return []
    values[name] = found.codes
    listed = ", ".join(
        f"{code} = {meaning or 'unknown'}" for code, meaning in sorted(found.codes.items())
    )
    notes = [
        f"column {header!r} codes its state as the data dictionary in sheet {found.sheet!r} "
        f"says: {listed}"
    ]
    if found.unread:
        labels = ", ".join(f"{code} = {label!r}" for code, label in sorted(found.unread.items()))
        notes.append(
            f"column {header!r}: the data dictionary in sheet {found.sheet!r} gives code(s) "
            f"{labels}, whose label could not be read as {name.replace('_', ' ')} or not: "
            "those codes are read as unknown; recode them in the column mapping file "
            f"([values.{name}])"
        )
    return notes


def _codebook_missing(
    book: Workbook,
    sheet: str,
    match: ColumnMatch,
    found: dict[str, str],
    field: str,
    so_coded: str,
) -> list[str]:
    """The missing-data codes the workbook's own data dictionary declares for ``field``'s column
    ("prl_bl | 999 | not done", "age | 99 | unknown"), put in ``found`` (code -> label): a result
    so coded is rejected as missing_result, never triaged as 999 ng/mL; an age so coded is no age
    (99 too, which elsewhere may be a real age).  Returns the warning saying so (``so_coded``:
    what becomes of such a cell)."""
    if field not in match.fields:
        return []
    header = match.header_of(field)
    codebook = codebook_missing_codes(book, sheet, header)
    if codebook is None:
        return []
    found.update(codebook[1])
    listed = ", ".join(f"{code} = {label}" for code, label in sorted(codebook[1].items()))
    return [
        f"column {header!r}: the data dictionary in sheet {codebook[0]!r} declares missing-data "
        f"codes ({listed}); {so_coded}"
    ]


# Between the names of the sheets an input's rows come from (a sheet name may hold a comma).
SHEETS_JOINED: Final = " + "


def _with_sheet(
    read: FileRead,
    book: Workbook,
    name: str,
    digest: str,
    sheet: str,
    mapping: ColumnMapping,
    options: ReadOptions,
) -> FileRead:
    """``read`` with the rows of another sheet of the same workbook (opened once) that holds a
    prolactin column: its results and rejected rows join the file's, each row with its own
    sheet, so that no row of the workbook is left unread; said in the warnings."""
    summary = read.summary
    try:
        location = _locate(book, name, sheet, mapping, options)
        more = _read_sheet(book, name, digest, location, mapping, options)
    except InputFileError as exc:  # that sheet alone is unusable: the others stand
        rows = _unread_rows(book, sheet, mapping, options)
        said = f"its {rows:,} row(s) with a result" if rows else "its rows"
        summary.warnings.append(
            f"sheet {sheet!r} also holds a prolactin column but {exc.message}: {said} were not read"
        )
        return read
    extra = more.summary
    sheets = read.sheets or [replace(summary, warnings=list(summary.warnings))]
    frames = [f for f in (read.frame, more.frame) if len(f)] or [read.frame]
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    summary.sheet = f"{summary.sheet}{SHEETS_JOINED}{extra.sheet}"
    summary.rows_read += extra.rows_read
    summary.rows_triaged += extra.rows_triaged
    summary.rows_rejected += extra.rows_rejected
    summary.warnings.append(
        f"sheet {extra.sheet!r} also holds a prolactin column: read too ({extra.rows_read:,} "
        "rows), its rows named by their sheet (choose one sheet with the sheet option)"
    )
    own = [w for w in extra.warnings if w not in book.warnings]  # the file's are said once
    summary.warnings += [f"sheet {extra.sheet!r}: {w}" for w in own]
    _check_counts(summary)
    # the book's corrections are the same for every sheet; the sheet's rows add their own
    added = [c for c in more.corrections if c not in book.corrections]
    return FileRead(
        frame,
        [*read.rejected, *more.rejected],
        summary,
        [*read.corrections, *added],
        [*sheets, extra],
    )


def _check_empty_visits(cells: np.ndarray, match: ColumnMatch) -> None:
    """The visit columns recognise_columns saw empty in the sampled rows are empty in every
    row, or each visit is read as a result of its own, as a visit series is
    (io/series_columns.py)."""
    empty = [c for c in match.empty_visits if c < cells.shape[1]]
    if not empty:
        return
    if all(is_empty_value(cell) for c in empty for cell in cells[:, c]):
        return
    visits = sorted([*match.empty_visits, match.fields["prolactin"]])
    series_of(match, visits, match.losers, match.forced)
    match.empty_visits = []


def _header_area_notes(bad: Mapping[int, str], lines: Sequence[int], header: int) -> list[str]:
    """A warning for broken lines at or above the header (titles; nothing to reject)."""
    above = sorted(i for i in bad if i <= header)
    if not above:
        return []
    listed = ", ".join(str(lines[i]) for i in above[:10])
    more = f" and {len(above) - 10} more" if len(above) > 10 else ""
    return [
        f"line(s) {listed}{more} above the data could not be split into fields (an unterminated "
        "quote, a cell over the size limit or too many fields) and were skipped"
    ]


def _keep_coded_columns(match: ColumnMatch, mapping: ColumnMapping, unit: str | None) -> None:
    """A column whose values did not fit its field is kept when the mapping file recodes that
    field ([values]), and a unit column is kept when --unit is given: --unit must not fill rows
    whose unit column holds codes ("1", "2", "-99"); those rows are rejected as unknown_unit."""
    wanted = set(mapping.values)
    if unit:
        wanted.add("prolactin_unit")
    for col, reason in sorted(match.vetoes.items()):
        for name in sorted(wanted):
            if name in match.fields or f" not used as {name}:" not in reason:
                continue
            match.fields[name] = col
            match.warnings = [w for w in match.warnings if w != f"column {reason}"]
            if name in match.unmapped or match.headers[col] in match.unmapped:
                match.unmapped = [h for h in match.unmapped if h != match.headers[col]]
            break


def _match_columns(
    name: str,
    sheet: str,
    header: Sequence[object],
    header_row: int,
    mapping: ColumnMapping,
    samples: Mapping[int, Sequence[object]] | None = None,
) -> ColumnMatch:
    """Recognise the header row's columns (mapping file first, then the headers checked against
    their values); InputFileError when unusable."""
    second = second_table_column(header)
    if second is not None:
        raise InputFileError(
            name,
            f"the {'sheet' if sheet else 'file'} holds two tables side by side (the second "
            f"begins in column {column_letters(second)}, {cell_text(header[second])!r}): "
            "read as one, a result would be read under the other table's patient and sex; put "
            "each table on a sheet or in a file of its own",
            sheet=sheet or None,
            row=header_row,
        )
    try:
        match = recognise_columns(header, mapping.columns, samples)
    except MappedHeaderMissing as exc:
        # The header texts are not quoted: a file without a header row has patient data there.
        raise InputFileError(
            name,
            f"{mapped_header_lacking(exc.field, exc.header, header)}; "
            f"{_columns_seen(header, header_row)}",
            sheet=sheet or None,
            row=header_row,
            column=exc.header,
        ) from None
    if match.shape == "wide" and "prolactin" not in match.fields:
        why = [
            w
            for w in match.warnings
            if " not used as " in w or "series" in w or "several visits" in w or TWO_RESULTS in w
        ]
        # The specific reason first (a timed series, several visits, a vetoed column); else the
        # columns seen (letters and count, never their texts).
        message = (
            "; ".join(why)
            if why
            else f"no prolactin column found among "
            f"{_columns_seen(header, header_row, match.fields)}; name "
            'the prolactin column in the mapping file ([columns] prolactin = "<header>")'
        )
        raise InputFileError(name, message, sheet=sheet or None, code="no_prolactin_column")
    if match.shape == "long" and "result" not in match.fields:
        two = [w for w in match.warnings if TWO_RESULTS in w]
        if two:  # several result columns in a long file: none is triaged (as in wide)
            raise InputFileError(name, "; ".join(two), sheet=sheet or None)
    return match


def _columns_seen(
    header: Sequence[object], header_row: int, taken: Mapping[str, int] | None = None
) -> str:
    """'the 6 columns A-F of row 1 (the header row; recognised: ...)': header texts are quoted
    only where they clearly name a field (vocabulary, never patient data); with ``taken`` (the
    match's field -> column) a cell read as a field it was not given says "not used"."""
    count = len(header)
    if count == 0:
        return f"the columns of row {header_row} (the header row; it is empty)"
    named = recognised_headers(header, taken=taken)
    span = (
        "the 1 column A"
        if count == 1
        else f"the {count} columns A\u2013{column_letters(count - 1)}"
    )
    return f"{span} of row {header_row} (the header row" + (
        f"; recognised: {named})" if named else ")"
    )


def _ambiguous_dates_note(table: RawTable, dayfirst: bool) -> list[str]:
    """A note when text dates read two ways and nothing in the file settles the order."""
    found = ambiguous_date_example(table)
    if found is None:
        return []
    header, example = found
    order = "day-first" if dayfirst else "month-first"
    return [
        f"dates such as {example!r} (column {header!r}) can be read day-first or month-first "
        f"and no date in the file settles it; they were read {order} (the dayfirst / "
        "monthfirst option chooses; without it, a row whose two readings give ages in "
        "different reference strata is rejected)"
    ]


def _take_title_unit(
    table: RawTable,
    match: ColumnMatch,
    titled: tuple[str, str] | None,
    mapping: ColumnMapping,
    options: ReadOptions,
) -> None:
    """The unit a title line above the header states ("Prolactin results in mIU/L", "Einheit:
    µIU/mL", "Valeurs en mUI/L": layout.title_unit) is the prolactin column's when nothing
    else names one: no unit in its header or a units row, no unit column, no --unit or
    mapping default.  Its results were rejected as unknown_unit."""
    if titled is None or not _states_no_unit(table, match, mapping, options):
        return
    unit, line = titled
    table.header_units["prolactin"] = unit
    table.warnings.append(
        f"the prolactin results were read in {unit}, the unit the title line {line!r} above "
        "the header states (neither the header nor a unit column names one)"
    )


def _states_no_unit(
    table: RawTable, match: ColumnMatch, mapping: ColumnMapping, options: ReadOptions
) -> bool:
    """Whether nothing names the unit of a wide table's prolactin column: no unit in its header
    or a units row, no unit column, no --unit or mapping default."""
    if match.shape != "wide" or "prolactin" not in match.fields:
        return False
    if "prolactin" in table.header_units or "prolactin" in table.section_units:
        return False
    if any(name in match.fields for name in UNIT_FIELDS):
        return False
    return not (options.unit or mapping.defaults.get("prolactin_unit"))


def _take_dictionary_unit(
    book: Workbook,
    sheet: str,
    table: RawTable,
    match: ColumnMatch,
    mapping: ColumnMapping,
    options: ReadOptions,
) -> None:
    """The unit the workbook's data dictionary states in the result variable's label or note
    ("prl | Prolactin (mIU/L)": layout.codebook_unit) is the prolactin column's when nothing
    else names one, as a header's "(mIU/L)" is.  Its results were rejected as unknown_unit."""
    if book.is_text or not _states_no_unit(table, match, mapping, options):
        return
    found = codebook_unit(book, sheet, match.header_of("prolactin"))
    if found is None:
        return
    dictionary, unit, label = found
    table.header_units["prolactin"] = unit
    table.warnings.append(
        f"the prolactin results were read in {unit}, the unit the data dictionary in sheet "
        f"{dictionary!r} states for column {match.header_of('prolactin')!r} ({label!r})"
    )


def _location_notes(location: HeaderLocation) -> list[str]:
    notes = []
    if location.hidden:
        notes.append(f"the table was read from the hidden sheet {location.sheet!r}")
    if location.first_row != location.index:
        first, last = location.first_row + 1, location.index + 1
        joined = ", ".join(repr(c) for c in location.cells if c)
        notes.append(
            f"the header spans rows {first}-{last} (group titles above sub-headers) and was read "
            f"joined: {joined[:200]}"
        )
    return notes


def _unread_notes(
    book: Workbook, location: HeaderLocation, mapping: ColumnMapping, options: ReadOptions
) -> list[str]:
    """The warnings naming the sheets holding a prolactin column that were not read (hidden,
    reference values, statistics, pivot summaries, cover pages), each with how many of its
    rows hold a prolactin value: no sheet's rows are left out without a word and a count."""
    unread = [*location.also_hidden, *location.also_reference]
    unread += [n for n, _ in location.also_aggregate]
    counts = {n: _unread_rows(book, n, mapping, options) for n in unread}
    reasons: dict[str, list[str]] = {}
    for sheet, why in location.also_aggregate:  # one warning per reason
        reasons.setdefault(why, []).append(sheet)
    return [
        *_hidden_sheets_note(location.also_hidden, counts),
        *_unread_sheets_note(
            location.also_reference,
            "are named as reference values: their prolactin column lists limits, not patients",
            counts,
        ),
        *[
            note
            for why, names in reasons.items()
            for note in _unread_sheets_note(names, why, counts)
        ],
    ]


def _rows_said(sheets: Sequence[str], counts: Mapping[str, int]) -> str:
    """How many rows of each sheet hold a prolactin value ("'Old' 3 row(s) with a prolactin
    value")."""
    return ", ".join(f"{n!r} {counts.get(n, 0):,} row(s) with a prolactin value" for n in sheets)


def _hidden_sheets_note(hidden: Sequence[str], counts: Mapping[str, int]) -> list[str]:
    """One warning naming the hidden sheets whose header holds a prolactin column; it contains
    "were not read" (triage.notices prints such warnings even when quiet)."""
    if not hidden:
        return []
    names = ", ".join(repr(n) for n in hidden)
    return [
        f"hidden sheet(s) {names} also hold a prolactin column and were not read "
        f"({_rows_said(hidden, counts)}; choose one with the sheet option)"
    ]


def _unread_sheets_note(sheets: Sequence[str], why: str, counts: Mapping[str, int]) -> list[str]:
    if not sheets:
        return []
    names = ", ".join(repr(n) for n in sheets)
    return [
        f"sheet(s) {names} {why}, and they were not read ({_rows_said(sheets, counts)}; choose "
        "one with the sheet option if it holds results)"
    ]


# Called before each file is read: (file, index from 0, number of files).
ProgressHook = Callable[[Path, int, int], None]


@dataclass
class InputsRead:
    """Several files read: one frame, every rejected row, one summary per usable file."""

    frame: pd.DataFrame  # CANONICAL_COLUMNS; the files' rows one after the other
    rejected: list[Rejected]
    inputs: list[InputSummary]
    errors: list[InputFileError]  # files that could not be used at all
    # (file, sheets joined) -> each sheet's own summary, for a workbook read from several
    # sheets (FileRead.sheets): `check` describes every sheet it read
    sheets: dict[tuple[str, str], list[InputSummary]] = field(default_factory=dict)


def read_each(
    paths: Sequence[Path],
    mapping: ColumnMapping | None = None,
    options: ReadOptions | None = None,
    *,
    progress: ProgressHook | None = None,
) -> Iterator[FileRead | InputFileError]:
    """``read_file`` over ``expand_inputs(paths)``, one file at a time (a streaming run holds
    one file's rows, not the batch's): each file's FileRead, or the InputFileError that made it
    unusable (collected, not raised; a reader bug or a Rust panic costs that file only).

    ``progress(file, index, count)`` is called before each file.  Only file names and counts are
    logged, never cell values.
    """
    files = expand_inputs(paths)
    names = distinct_names(files)
    for index, path in enumerate(files):
        if progress:
            progress(path, index, len(files))
        try:
            result = read_file(path, mapping, options, name=names[path])
        except InputFileError as exc:
            # The caller reports each error once (the CLI prints it as "error: ..."): logging it
            # here too printed every error twice.
            log.debug("%s", exc)
            yield exc
            continue
        except Exception as exc:  # a reader bug must not cost the other files their results
            yield _internal_error(path, exc)
            continue
        except BaseException as exc:  # a Rust panic in python-calamine; not Ctrl-C or exit
            if not is_panic(exc):
                raise
            yield _internal_error(path, exc)
            continue
        s = result.summary
        log.info(
            "%s: %d rows read, %d triaged, %d rejected",
            s.file,
            s.rows_read,
            s.rows_triaged,
            s.rows_rejected,
        )
        yield result


def read_inputs(
    paths: Sequence[Path],
    mapping: ColumnMapping | None = None,
    options: ReadOptions | None = None,
    *,
    progress: ProgressHook | None = None,
) -> InputsRead:
    """Every file of ``read_each`` at once: one frame, the rejected rows, the summaries and the
    errors."""
    frames: list[pd.DataFrame] = []
    rejected: list[Rejected] = []
    inputs: list[InputSummary] = []
    sheets: dict[tuple[str, str], list[InputSummary]] = {}
    errors: list[InputFileError] = folders_without_exports(paths)
    for result in read_each(paths, mapping, options, progress=progress):
        if isinstance(result, InputFileError):
            errors.append(result)
            continue
        frames.append(result.frame)
        rejected.extend(result.rejected)
        inputs.append(result.summary)
        if result.sheets:
            sheets[(result.summary.file, result.summary.sheet)] = result.sheets
    kept = [f for f in frames if not f.empty] or frames[:1]
    if len(kept) == 1:
        frame = kept[0].reset_index(drop=True)
    else:
        frame = pd.concat(kept, ignore_index=True) if kept else canonical_frame({}, 0)
    return InputsRead(frame, rejected, inputs, errors, sheets)


def warm_up() -> None:
    """Load what reading any file needs first (synonyms.toml and the field specifications, the
    placeholder words): done while a workbook is parsed ahead, it is off the reading's way."""
    field_specs()
    is_empty_value("-")


def read_usable_inputs(
    paths: Sequence[Path],
    *,
    columns: Path | None = None,
    options: ReadOptions | None = None,
    progress: ProgressHook | None = None,
) -> InputsRead:
    """``read_inputs`` with the mapping file ``columns`` loaded first; NoUsableInputError (exit
    3) when no input is usable.  What `check` runs: it needs neither the engine nor the outputs."""
    mapping = load_mapping(columns) if columns else None
    read = read_inputs(list(paths), mapping, options or ReadOptions(), progress=progress)
    if not read.inputs:
        raise NoUsableInputError(read.errors or nothing_to_read(paths))
    return read


def _internal_error(path: Path, exc: BaseException) -> InputFileError:
    """An unexpected failure reading one file, named without its message (which may quote
    cells)."""
    name = display_name(path)
    if isinstance(exc, MemoryError):  # not a bug: the file is too large for the memory at hand
        log.debug("%s: out of memory", name, exc_info=exc)
        return InputFileError(
            name,
            "could not be read: ran out of memory while reading (the file is too large for this "
            "machine or for the batch worker's --memory-limit)",
            code="internal_error",
        )
    log.debug("%s: internal reader error", name, exc_info=exc)
    return InputFileError(
        name,
        f"could not be read: internal reader error {type(exc).__name__}; report it as a bug",
        code="internal_error",
    )


def _read_bytes(path: Path, name: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> bytes:
    """The file's bytes, read only when it is a regular file within ``max_bytes`` (a device, a
    FIFO or a socket is refused at once: reading one could hang or never end)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputFileError(display_path(path), "no such file", code="unreadable") from None
    except OSError as exc:
        raise InputFileError(name, _cannot(exc), code="unreadable") from None
    if stat.S_ISDIR(mode):
        raise InputFileError(
            name, "is a folder, not a file (use expand_inputs for folders)", code="unreadable"
        )
    if not stat.S_ISREG(mode):  # the path as given: "null" alone would not say "/dev/null"
        raise InputFileError(
            display_path(path), f"is {_special_kind(mode)}, not a regular file", code="unreadable"
        )
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        # O_NONBLOCK: should the path have become a FIFO since the check, opening cannot hang.
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputFileError(name, _cannot(exc), code="unreadable") from None
    with os.fdopen(fd, "rb", buffering=0) as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise InputFileError(
                name, f"is {_special_kind(info.st_mode)}, not a regular file", code="unreadable"
            )
        if info.st_size > max_bytes:
            raise InputFileError(name, _too_big(info.st_size, max_bytes), code="too_large")
        parts: list[bytes] = []
        size = 0
        # the whole file in one read (a one-part join returns that part: no second copy); then
        # chunks, should it have grown
        chunk = max(_READ_CHUNK, info.st_size + 1)
        try:
            while size <= max_bytes:  # bounded even if the file grows while it is read
                part = stream.read(min(chunk, max_bytes + 1 - size))
                if not part:
                    break
                parts.append(part)
                size += len(part)
        except OSError as exc:
            raise InputFileError(name, _cannot(exc), code="unreadable") from None
    if size > max_bytes:
        raise InputFileError(name, _too_big(size, max_bytes), code="too_large")
    return b"".join(parts)


def _cannot(exc: OSError) -> str:
    return f"cannot be read: {exc.strerror or type(exc).__name__}"


def _too_big(size: int, max_bytes: int) -> str:
    return (
        f"refused: the file is {size:,} bytes, more than the limit of {max_bytes:,} "
        "(max_file_bytes)"
    )


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def _check_counts(summary: InputSummary) -> None:
    if summary.rows_read != summary.rows_triaged + summary.rows_rejected:
        raise AssertionError(
            f"{summary.file}: rows_read {summary.rows_read} != triaged {summary.rows_triaged} "
            f"+ rejected {summary.rows_rejected}"
        )


# The files and folders an operating system or a file server keeps in a shared folder, by name
# (case ignored): Windows' thumbnail caches and folder settings, its recycle bin and volume
# information, macOS' folder icon, a Synology's or QNAP's thumbnails and recycle bin.  Never an
# export: in an inbox they are skipped quietly, as hidden files are (review 26: `Thumbs.db` went
# to failed/ and made the cron run exit 4).
HOUSEKEEPING_NAMES: Final = frozenset(
    {
        "thumbs.db",
        "ehthumbs.db",
        "ehthumbs_vista.db",
        "desktop.ini",
        "$recycle.bin",
        "system volume information",
        "icon\r",
        "@eadir",
        "#recycle",
        "@recycle",
    }
)


def is_hidden_name(name: str) -> bool:
    """A hidden file, an office lock file (``~$x.xlsx``, ``.~lock.x.ods#``), a copier's
    temporary file or the operating system's housekeeping (``Thumbs.db``, ``desktop.ini``:
    ``HOUSEKEEPING_NAMES``): never an export to read (folders given to `run`, the `batch`
    inbox)."""
    return name.startswith((".", "~$")) or name.casefold() in HOUSEKEEPING_NAMES


def _is_candidate(path: Path) -> bool:
    if is_hidden_name(path.name):
        return False
    suffix = path.suffix.lower()
    if not path.is_file():
        return False
    if suffix not in SUPPORTED_EXTENSIONS:  # an HL7 or FHIR file whatever its name
        return told_by_content(path)
    return suffix not in _SIDECAR_SUFFIXES or _holds_results(path)


# Extensions that a folder of exports also holds as notes and metadata (README.txt, a copier's
# manifest.json): in a folder, such a file is read only when its beginning shows results (HL7
# segments, a FHIR resource, a table naming prolactin); given by name, it is always read.
_SIDECAR_SUFFIXES: Final = frozenset({".txt", ".json"})
_SNIFF_BYTES: Final = 65_536
_RESULTS_SHOWN: Final = re.compile(
    r'^\s*(?:MSH|FHS|BHS)\||"resourceType"|\bprola[ck]?t|\bPRL\b', re.IGNORECASE | re.MULTILINE
)


def _holds_results(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return True  # read_file reports it
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8", errors="replace")
    return _RESULTS_SHOWN.search(text) is not None


def expand_inputs(paths: Sequence[Path]) -> list[Path]:
    """Files as given, and for each folder the files of a supported type in it
    (``SUPPORTED_EXTENSIONS``, from the format registry), sorted by name.

    Hidden files and office lock files (``~$x.xlsx``, ``.~lock.x.ods#``) are skipped, and so
    are the tool's own outputs in a folder it wrote into (its manifest lists them: a folder
    given as input and as --out is not read back); a path given twice is listed once.  Paths
    that do not exist are kept (read_file reports them).
    """
    from triage.outdir import listed_outputs  # folders only

    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            ours = listed_outputs(path)
            found.extend(
                sorted(
                    (p for p in path.iterdir() if _is_candidate(p) and p.name not in ours),
                    key=lambda p: p.name.casefold(),
                )
            )
        else:
            found.append(path)
    seen: set[Path] = set()
    unique: list[Path] = []
    for path in found:
        key = path.resolve() if path.exists() else path
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def skipped_in_folders(paths: Sequence[Path]) -> list[str]:
    """What a folder given as input holds that ``expand_inputs`` does not read: its subfolders
    (not searched) and files of another type (a zip, a PDF); hidden files, office lock files,
    notes beside the exports (README.txt) and the tool's own outputs are not named."""
    from triage.outdir import listed_outputs  # folders only

    skipped: list[str] = []
    seen: set[Path] = set()
    for path in paths:
        if not path.is_dir() or path.resolve() in seen:  # a folder given twice is listed once
            continue
        seen.add(path.resolve())
        ours = listed_outputs(path)
        for entry in sorted(path.iterdir(), key=lambda p: p.name.casefold()):
            if is_hidden_name(entry.name) or entry.name in ours or _is_candidate(entry):
                continue
            if entry.is_dir():
                skipped.append(f"{display_name(entry)}/")
            elif entry.suffix.lower() not in _SIDECAR_SUFFIXES:
                skipped.append(display_name(entry))
    return skipped


MAX_SKIPPED_NAMED: Final = 5  # an empty folder's message names this many of the files it holds


def folders_without_exports(paths: Sequence[Path]) -> list[InputFileError]:
    """Each folder given as input that gives no file to read (empty, or holding only other
    kinds of file), as an unusable input (code ``empty``): beside usable inputs it is listed
    with them and the run exits 4, so that a ward's missing exports are never silent."""
    errors: list[InputFileError] = []
    seen: set[Path] = set()
    for path in paths:
        if not path.is_dir() or path.resolve() in seen:
            continue
        seen.add(path.resolve())
        if not expand_inputs([path]):
            errors += nothing_to_read([path])
    return errors


def nothing_to_read(paths: Sequence[Path]) -> list[InputFileError]:
    """Why inputs that name no file to read are no input: each folder as given, said to hold no
    export of a supported type, with what it holds instead (NoUsableInputError's failures)."""
    folders = [p for p in paths if p.is_dir()]
    if not folders:
        return [InputFileError("(inputs)", "no input files given")]
    kinds = ", ".join(sorted(SUPPORTED_EXTENSIONS))
    errors = []
    for folder in folders:
        held = skipped_in_folders([folder])
        if held:
            more = len(held) - MAX_SKIPPED_NAMED
            listed = ", ".join(held[:MAX_SKIPPED_NAMED]) + (f" and {more} more" if more > 0 else "")
            what = f"it holds {listed}, not read"
        elif not any(True for _ in folder.iterdir()):
            what = "it is empty"
        else:
            what = "it holds none but hidden files and notes"
        errors.append(
            InputFileError(
                display_path(folder),
                f"no exports of a supported type ({kinds}) in this folder ({what})",
                code="empty",
            )
        )
    return errors


__all__ = [
    "FileRead",
    "InputsRead",
    "ProgressHook",
    "ReadOptions",
    "display_name",
    "expand_inputs",
    "folders_without_exports",
    "nothing_to_read",
    "read_each",
    "read_file",
    "read_inputs",
    "skipped_in_folders",
]
