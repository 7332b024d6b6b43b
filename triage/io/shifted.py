"""What a delimited-text line rejected for its number of fields still tells (``malformed_line``).

(A line rejected for a quote never closed or a cell over the size limit is read the same way
from its fields split on their own: ``DelimitedText.broken``.)

A line with more fields than the header (a stray delimiter: "visual loss, headache", "6,250")
or fewer (a missing one, or trailing fields left out) cannot be read column by column: from
where the fields shift on, any of them may be under the wrong header.  Two readings bound where
each column's field can be: from the left (the shift after it) and from the right (the shift
before it).  The rejected row keeps

- its patient id when both readings give the same field, or the id is the line's first column
  (no field before it to shift it), and it is shaped like the ids of the rows read (a fragment
  of a note broken over two lines, "Sehstörung,320", names no patient);
- a place on the urgent list when a field the result may have shifted to (between its two
  readings, a thousands group split by a comma joined again) is at or above the urgent level in
  the unit the header or the row gives (in no known unit: urgent in any prolactin unit,
  triage.io.unknown_units), as for the other rejected rows that may be urgent
  (Rejected.possibly_urgent).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Final

from triage.columns import ColumnMatch
from triage.io.delimited import id_shape
from triage.io.red_flags import row_red_flag
from triage.io.unknown_units import unknown_unit_urgency
from triage.knowledge.loaders import DEFAULT_SET_NAME, load_reference_set, load_thresholds
from triage.schema import Rejected
from triage.values import format_number, normalise_unit, parse_number, parse_quantity

# "6" of "6,250" split by a comma delimiter ("0" of "0,450" never heads a thousands group)
_GROUP_HEAD: Final = re.compile(r"[1-9]\d{0,2}")
_GROUP: Final = re.compile(r"\d{3}")


@dataclass(frozen=True, slots=True)
class ShiftedFacts:
    """What the rejected lines tell: row index -> patient id, -> the urgent note, and -> the
    specimen id (cut lines: cut_facts)."""

    ids: dict[int, str]
    urgent: dict[int, str]
    specimens: dict[int, str] = field(default_factory=dict)


def _text(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


def _window(fields: Sequence[object], column: int, width: int) -> list[str]:
    """The fields column ``column`` of a ``width``-column header may have shifted to."""
    shift = len(fields) - width
    low, high = (column, column + shift) if shift >= 0 else (column + shift, column)
    return [_text(fields[j]) for j in range(max(low, 0), min(high, len(fields) - 1) + 1)]


def _patient_id(fields: Sequence[object], column: int, width: int) -> str:
    readings = _window(fields, column, width)
    if not readings:
        return ""
    left = _text(fields[column]) if column < len(fields) else ""
    if column == 0 or len(set(readings[:: max(len(readings) - 1, 1)])) == 1:
        return left
    return ""


def _candidates(window: Sequence[str], join_groups: bool) -> list[float]:
    """The numbers a result's window holds, a thousands group split by the delimiter joined."""
    numbers = [n for n in map(parse_number, window) if n is not None]
    if join_groups:
        for head, tail in pairwise(window):
            if _GROUP_HEAD.fullmatch(head) and _GROUP.fullmatch(tail):
                numbers.append(float(head + tail))
    return numbers


def _row_unit(fields: Sequence[object], match: ColumnMatch, width: int) -> tuple[str, float] | None:
    """The prolactin unit of a shifted row: its header's, else the one known unit its unit
    column's window holds (None: none or several)."""
    header = normalise_unit(match.header_units.get("prolactin", "") or "")
    if header is not None:
        return header.unit, header.factor
    column = match.fields.get("prolactin_unit")
    if column is None:
        return None
    known = {
        (info.unit, info.factor)
        for info in map(normalise_unit, _window(fields, column, width))
        if info is not None
    }
    return known.pop() if len(known) == 1 else None


def shifted_facts(
    shifted: Mapping[int, Sequence[object]],
    width: int,
    match: ColumnMatch,
    *,
    join_groups: bool,
    per_ng: float | None = None,
    ids_around: Sequence[object] = (),
) -> ShiftedFacts:
    """The patient id and possible urgency of each line (row index -> its fields) rejected for
    its number of fields under a ``width``-column header.  ``join_groups``: the delimiter is a
    comma (a thousands group may be split by it); ``per_ng``: the mapping's mIU/L per ng/mL.
    ``ids_around``: patient ids of the rows read; a line's id is taken only when shaped like
    one of them (id_shape), so that a fragment of a note broken over two lines
    ("Sehstörung,320") is never named as the patient."""
    ids: dict[int, str] = {}
    urgent: dict[int, str] = {}
    person = match.fields.get("patient_id")
    result = match.fields.get("prolactin") if match.shape == "wide" else None
    limits = load_thresholds()
    level = limits.get("urgent_miu_l")
    to_miu = per_ng or load_reference_set(DEFAULT_SET_NAME).miu_per_ng
    shapes = {id_shape(cell) for cell in ids_around} - {""}
    for index, fields in shifted.items():
        if person is not None and person < width:
            found = _patient_id(fields, person, width)
            if found and (not shapes or id_shape(found) in shapes):
                ids[index] = found
        note = (
            _shifted_urgency(fields, match, result, width, join_groups, level, to_miu)
            if result is not None and result < width
            else ""
        )
        # else a red flag its words name, in whichever field (clinical-reference §8)
        note = note or row_red_flag(fields)
        if note:
            urgent[index] = note
    return ShiftedFacts(ids, urgent)


def _shifted_urgency(
    fields: Sequence[object],
    match: ColumnMatch,
    result: int,
    width: int,
    join_groups: bool,
    level: float,
    to_miu: float,
) -> str:
    """The urgent note of a shifted line whose result may be at or above the urgent ``level``
    (mIU/L), "" when none of its fields the result may have shifted to can be."""
    # only a line with more fields than the header may hold a thousands group the delimiter
    # split ("6,250"); a short line's neighbours (age 34, result 300) are never glued (34300)
    numbers = _candidates(_window(fields, result, width), join_groups and len(fields) > width)
    unit = _row_unit(fields, match, width)
    if unit is None:  # in no known unit: urgent in either prolactin unit, or in one
        notes = [unknown_unit_urgency(n, per_ng=to_miu) for n in sorted(numbers)]
        if any(notes):
            return (
                f"; a field the result may have shifted to may be urgent ({notes[-1]}): "
                "listed with the urgent results"
            )
        return ""
    factor = unit[1] * (to_miu if unit[0] == "ng/mL" else 1.0)
    above = [n for n in numbers if n * factor >= level]
    if not above:
        return ""
    shown = format_number(max(above))
    return (
        f"; a field the result may have shifted to reads {shown} {unit[0]}, which may be "
        f"above {format_number(level)} mIU/L: listed with the urgent results"
    )


def cut_facts(
    cut: Mapping[int, Sequence[object]],
    match: ColumnMatch,
    *,
    decimal: str | None = None,
    per_ng: float | None = None,
) -> ShiftedFacts:
    """The patient id and possible urgency of the last line of a text a copy stopped inside
    (row index -> its fields as read: DelimitedText.cut).  Its fields are in their columns (none
    is missing before them), but the last one may be cut short: the ids are read only from
    fields before it.  Its result is read as written (a cut number is never larger than the
    lab's: "9000" of "90000"); in the unit the header, the cell or a whole unit field gives,
    else in none known (unknown_units: urgent in any prolactin unit)."""
    ids: dict[int, str] = {}
    urgent: dict[int, str] = {}
    specimens: dict[int, str] = {}
    person = match.fields.get("patient_id")
    specimen = match.fields.get("specimen_id")
    result = match.fields.get("prolactin") if match.shape == "wide" else None
    level = load_thresholds().get("urgent_miu_l")
    to_miu = per_ng or load_reference_set(DEFAULT_SET_NAME).miu_per_ng
    for index, fields in cut.items():
        whole = len(fields) - 1  # the fields before the last one are whole
        if person is not None and person < whole and _text(fields[person]):
            ids[index] = _text(fields[person])
        if specimen is not None and specimen < whole and _text(fields[specimen]):
            specimens[index] = _text(fields[specimen])
        note = (
            _cut_urgency(fields, match, result, whole, decimal, level, to_miu)
            if result is not None and result < len(fields)
            else ""
        )
        note = note or row_red_flag(fields)  # else a red flag its words name
        if note:
            urgent[index] = note
    return ShiftedFacts(ids, urgent, specimens)


def row_urgency(fields: Sequence[object], match: ColumnMatch, result: int) -> str:
    """The urgent note of a whole row rejected for its layout (its fields all in their columns
    of ``match``, its result in column ``result``) whose result reads at or above the urgent
    level, as a cut line's is read; else a red flag its words name; "" when neither."""
    level = load_thresholds().get("urgent_miu_l")
    to_miu = load_reference_set(DEFAULT_SET_NAME).miu_per_ng
    note = (
        _cut_urgency(fields, match, result, len(fields), None, level, to_miu)
        if 0 <= result < len(fields)
        else ""
    )
    return note or row_red_flag(fields)


def _cut_urgency(
    fields: Sequence[object],
    match: ColumnMatch,
    result: int,
    whole: int,
    decimal: str | None,
    level: float,
    to_miu: float,
) -> str:
    """The urgent note of a cut line whose result may be at or above the urgent ``level``
    (mIU/L), "" when it cannot be."""
    found = parse_quantity(fields[result], decimal)
    if found.status != "ok" or found.value is None:
        return ""
    unit = _cut_unit(fields, match, whole, found.unit_text)
    if unit is None:
        note = unknown_unit_urgency(found.value, found.qualifier, to_miu, cut=result >= whole)
        return (
            f"; its result may be urgent ({note}): listed with the urgent results" if note else ""
        )
    in_miu = found.value * unit[1] * (to_miu if unit[0] == "ng/mL" else 1.0)
    if in_miu < level:
        return ""
    return (
        f"; its result reads {found.qualifier}{format_number(found.value)} {unit[0]}, "
        f"above {format_number(level)} mIU/L: listed with the urgent results"
    )


def _cut_unit(
    fields: Sequence[object], match: ColumnMatch, whole: int, written: str
) -> tuple[str, float] | None:
    """The prolactin unit of a cut line: its header's, the result cell's own, else its unit
    field's when that field is whole (not the last one, which may be cut: "mIU/" of "mIU/L")."""
    header = normalise_unit(match.header_units.get("prolactin", "") or "")
    if header is not None:
        return header.unit, header.factor
    if written:
        info = normalise_unit(written)
        return None if info is None else (info.unit, info.factor)
    column = match.fields.get("prolactin_unit")
    if column is None or column >= whole:
        return None
    info = normalise_unit(_text(fields[column]))
    return None if info is None else (info.unit, info.factor)


# the rejected rows read for a possible urgency: lines that cannot be split safely, results
# superseded by a later final result sent without a correction status, and the results of a
# message that names no patient or is damaged (Workbook.urgent_rows)
_URGENCY_READ: Final = frozenset({"malformed_line", "cancelled_result", "malformed_message"})


def with_urgency(rejected: list[Rejected], notes: Mapping[int, str]) -> list[Rejected]:
    """``rejected`` with the rows ``notes`` names (by source row) listed as possibly urgent."""
    return [
        replace(r, detail=r.detail + notes[r.source_row], possibly_urgent=True)
        if r.reason_code in _URGENCY_READ and r.source_row in notes
        else r
        for r in rejected
    ]
