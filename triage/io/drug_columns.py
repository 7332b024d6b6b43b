"""Research exports give medicines as one column per drug (``risperidone_mg``, ``Haloperidol
(mg/d)``, ``aripiprazole_dose``): a positive dose (or yes) means the drug is taken, and becomes
the row's medication text ("risperidone 4 mg"), after any medications column.

Only a header that names exactly one drug of the lexicon (triage/data/drugs.toml) and nothing but
dose words (synonyms.toml ``[values.drug_dose_columns]``) is read; ``chlorpromazine_equiv`` names
no drug taken and is left alone.  A class flag is read as the class (``antipsychotic_yn``, and
shortened beside a medication or yes/no word: ``meds_antipsych``, ``ap_drug``, ``med_ap``:
``class_abbreviations``).  0, no, blank and missing
codes add nothing; a dose of any size is taken ("0.5", "0,5", "0.5 mg", "0,25 mg/Woche", a
schedule "0-0-1"), only 0 is not; a cell naming a drug ("Antipsychotic": "Risperdal 2 mg") is read
as written, after its header; other cells are counted in the warning and add nothing.

A column of WHO ATC codes ("ATC code", "Code ATC", "Código ATC": columns.is_atc_header) names
the drugs taken by their codes (drugs.toml atc: N05AX08 = risperidone): its cells are read into
medications as written, after its header ("ATC code: N05AX08"), as a second medications column.

A trial's concomitant-medication record gives when the row's drug was taken in columns of its own
(CDISC CMSTDTC, CMENDTC, CMONGO: synonyms.toml medication_start, medication_end,
medication_ongoing): the dates are written after the drug as a drug list does ("haloperidol
(2026-01-10 - 2026-06-30)", "metoclopramide (started 2026-11-10)"), so that the drug reader
places them against the sample (knowledge/drugs.py: an end before the sample and its washout, a
start after it, give no factor).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Final

import numpy as np
import pandas as pd

from triage.columns import (
    CHECKBOX_OPTION,
    ColumnMatch,
    is_atc_header,
    is_yes_no_column,
    past_medication_header,
)
from triage.io.layout import RawTable, SplitRows
from triage.knowledge.drugs import drug_matcher
from triage.knowledge.loaders import ATC_RE, load_drugs
from triage.values import (
    bare_number,
    birth_period,
    cell_text,
    format_number,
    header_flag_codes,
    is_empty_value,
    is_missing_code,
    normalise_word,
    parse_date,
    parse_number,
    parse_yes_no,
    synonyms_data,
)

_SEPARATORS = re.compile(r"[_\-()/\[\].,:;=?]+")
# The lexicon's entry for a drug class written without a drug ("antipsychotic", "Neuroleptika"):
# a column named after one holds yes/no answers, never doses.
_CLASS_ENTRY = "(unspecified)"


@dataclass(frozen=True)
class DrugColumn:
    """A column named after one drug (or one class): how its cells are read."""

    drug: str  # the lexicon's name, written into medications
    in_mg: bool  # a dose column whose header says mg
    flag: bool  # cells are yes/no answers (a number is a code, never a dose)
    codes: Mapping[str, bool] = field(default_factory=dict)  # codes the header states
    dosed: bool = False  # the header has a dose word ("_mg", "dose", "Tagesdosis")
    lists: bool = False  # cells name drugs by their ATC codes ("ATC code": "N05AX08")


# A header's note that its cells are 0 or 1 ("(0/1)", "_01"), read as no / yes.
_BINARY_MARKS: Final = frozenset({"0", "1", "01", "10"})


@cache
def _dose_words() -> frozenset[str]:
    return frozenset(synonyms_data()["values"]["drug_dose_columns"]["dose_words"])


@cache
def _flag_words() -> frozenset[str]:
    return frozenset(synonyms_data()["values"]["drug_dose_columns"]["flag_words"])


@cache
def _filler_words() -> frozenset[str]:
    return frozenset(synonyms_data()["values"]["drug_dose_columns"].get("filler_words", ()))


@cache
def _also_lab_tests() -> frozenset[str]:
    return frozenset(synonyms_data()["values"]["drug_dose_columns"]["also_lab_tests"])


@cache
def _class_abbreviations() -> Mapping[str, str]:
    pairs = synonyms_data()["values"]["drug_dose_columns"].get("class_abbreviations", [])
    return {normalise_word(short): str(spelled) for short, spelled in pairs}


@cache
def _answer_words() -> frozenset[str]:
    data = synonyms_data()["values"]["drug_dose_columns"]
    return frozenset(normalise_word(w) for w in data.get("answer_words", ()))


@cache
def _short_class_abbreviations() -> frozenset[str]:
    data = synonyms_data()["values"]["drug_dose_columns"]
    return frozenset(normalise_word(w) for w in data.get("short_class_abbreviations", ()))


def _class_spelled_out(text: str, codes: Mapping[str, bool]) -> str:
    """A header's words with a drug class's research abbreviation spelled out ("ap drug" ->
    "antipsychotic drug", "med ap", "antipsych use"), where a medication or yes/no word, a 0/1
    note or its answers' codes stand beside it; else the words as written.  A short one of other
    meanings ("ap") needs a medication word: "AP (ja/nein)" is angina pectoris."""
    table = _class_abbreviations()
    words = normalise_word(text).split()
    if not any(w in table for w in words):
        return text
    rest = {w for w in words if w not in table}
    if set(words) & _short_class_abbreviations():
        if not rest & (_flag_words() - _answer_words()):
            return text
    elif not (codes or rest & _flag_words() or (rest and rest <= _BINARY_MARKS)):
        return text
    return " ".join(table.get(w, w) for w in words)


def names_one_drug(text: str) -> bool:
    """Whether ``text`` names one drug (or drug class) of the lexicon ("Risperidone")."""
    return len(drug_matcher(load_drugs()).find(text)) == 1


def drug_of_header(header: str) -> DrugColumn | None:
    """The drug a column is named after, when its header names one drug (or drug class) and
    only dose words ("risperidone_mg"), yes/no words ("antipsychotic_yn", "Neuroleptika
    (ja/nein)", "med_haloperidol") or the codes of its answers ("Risperidon (1=ja; 2=nein)"), or
    is a checkbox option naming one drug ("Current medications (choice=Risperidone)").  A header
    of past or stopped medication names no drug taken now (columns.past_medication_header)."""
    if past_medication_header(header):
        return None  # "Previous medications (choice=Risperidone)": not taken now
    option = CHECKBOX_OPTION.search(header)
    if option is not None:
        found = drug_matcher(load_drugs()).find(option.group("option"))
        if len(found) != 1:
            return None
        return DrugColumn(found[0].drug.name, in_mg=False, flag=True)
    codes = header_flag_codes(header)
    text = _SEPARATORS.sub(" ", header)
    found = drug_matcher(load_drugs()).find(text)
    if not found:  # "ap_drug", "antipsych_use": a class shortened
        text = _class_spelled_out(text, codes)
        found = drug_matcher(load_drugs()).find(text)
    if len(found) != 1:
        return None
    rest = normalise_word(text).replace(normalise_word(found[0].matched_text), " ", 1)
    words = set(rest.split())
    if codes:  # the words and numbers of "(1=ja; 2=nein)"
        words -= {w for w in words if w.isdigit() or parse_yes_no(w, strict=True) is not None}
    elif words and words <= _BINARY_MARKS:  # "antipsychotic (0/1)", "opioid_01": 1 = taken
        words, codes = set(), {"0": False, "1": True}
    words -= _filler_words()  # "Use of antipsychotic drugs": "of" says nothing of the cells
    if not words <= _dose_words() | _flag_words():
        return None
    name = found[0].drug.name
    if not words and not codes and name in _also_lab_tests():
        return None  # "oestradiol": the patient's level (a blood test), not a dose
    flag = bool(codes or words & _flag_words() or name.endswith(_CLASS_ENTRY))
    dosed = bool(words & _dose_words())
    return DrugColumn(name, "mg" in words and not flag, flag, codes, dosed and not flag)


# A number written alone with decimals ("0.5", "0,5", ",25"): a dose under 1 mg is no code.
_DECIMAL: Final = re.compile(r"\s*(?:\d+[.,]\d+|[.,]\d+)\s*")
# A dose written with its unit ("0.5 mg", "0,25mg/Woche", "37.5 mg/2 Wochen"): the number, then
# words that start with a letter (a schedule "1-0-1" is no unit).
_DOSE_WITH_UNIT: Final = re.compile(r"\s*(\d+(?:[.,]\d+)?|[.,]\d+)\s*([^\W\d_].*)")
# A dose schedule, morning-noon-evening(-night): "1-0-1", "0-0-1", "1/2-0-0", "0,5-0-1".
_SCHEDULE: Final = re.compile(r"\s*\d+(?:[.,/]\d+)?(?:\s*-\s*\d+(?:[.,/]\d+)?){2,3}\s*")
_SCHEDULE_NUMBER: Final = re.compile(r"\d+(?:[.,]\d+)?")
# A WHO ATC code is knowledge.loaders.ATC_RE ("N05AX08", a group "N05A"), here of at least the
# therapeutic subgroup (a letter alone is no code in a cell).
_ATC_MIN_CHARS: Final = 3
_ATC_LIST_SEPARATORS: Final = re.compile(r"[\s,;/+|]+")


def _cell_number(cell: object) -> float | None:
    """The number a cell is, whole ("2", 0.5 typed) or written with decimals ("0,5")."""
    number = bare_number(cell)
    if number is None and isinstance(cell, str) and _DECIMAL.fullmatch(cell):
        number = parse_number(cell)
    return number


def _written_dose(text: str) -> tuple[float, str] | None:
    """A dose written with its unit and time ("0,5 mg", "0.25 mg/Woche"): (the number, the
    rest as written), when every word after the number is a dose word or a number."""
    found = _DOSE_WITH_UNIT.fullmatch(text)
    if found is None:
        return None
    number = parse_number(found.group(1))
    words = _SEPARATORS.sub(" ", normalise_word(found.group(2))).split()
    if number is None or not all(w in _dose_words() or w.isdigit() for w in words):
        return None
    return number, found.group(2).strip()


def _schedule_taken(text: str) -> bool | None:
    """Whether a dose schedule ("1-0-1", "0-0-1") gives any dose: None when it is none."""
    if not _SCHEDULE.fullmatch(text):
        return None
    return any(parse_number(n) for n in _SCHEDULE_NUMBER.findall(text.replace("/", " ")))


def _atc_codes(text: str) -> bool:
    """The cell is one or more WHO ATC codes ("N05AX08", "N05AL05, C08DA01")."""
    codes = [c for c in _ATC_LIST_SEPARATORS.split(text.strip().upper()) if c]
    return bool(codes) and all(len(c) >= _ATC_MIN_CHARS and ATC_RE.match(c) for c in codes)


def _numbers(cells: np.ndarray) -> set[float]:
    """The numbers a column holds (missing-data codes left out)."""
    return {
        number
        for cell in set(cells.tolist())
        if not is_empty_value(cell)
        and not is_missing_code(cell)
        and (number := _cell_number(cell)) is not None
    }


def _answer_codes(column: DrugColumn, numbers: set[float]) -> Mapping[str, bool] | None:
    """How a column's numbers answer yes/no, or None when they are doses.  The header's codes
    first; a yes/no column of 1 and 2 without 0 is coded 1 = yes, 2 = no (SPSS, REDCap radio
    buttons), else 0 = no, 1 = yes (any other number is left unread: 9 = unknown).  A column
    named after a drug with no dose word whose numbers are exactly 1 and 2 is such a yes/no
    column too (a dose would have put the drug on every row)."""
    if column.codes:
        return column.codes
    one_two = numbers == {1.0, 2.0} or (column.flag and 2.0 in numbers and 0.0 not in numbers)
    if one_two and not column.dosed:
        return {"1": True, "2": False}
    return {"0": False, "1": True} if column.flag else None


def _piece(
    cell: object, column: DrugColumn, codes: Mapping[str, bool] | None, header: str
) -> str | None:
    """The medication text of one cell ('' when it adds nothing, None when unreadable).  A cell
    that names a drug of the lexicon ("Antipsychotic": "Risperdal 2 mg", "Antiemetic":
    "Motilium 10 mg tds") is the drug taken, written after its header as a second medication
    column is ("Antipsychotic: Risperdal 2 mg")."""
    if is_empty_value(cell) or is_missing_code(cell):
        return ""
    if column.lists:
        text = cell_text(cell)
        if _atc_codes(text) or drug_matcher(load_drugs()).find(text):
            return f"{header}: {text}"
        return None
    number = _cell_number(cell)
    if number is not None:
        if codes is not None:
            answer = codes.get(format_number(number))
            if answer is None:
                return None
            return column.drug if answer else ""
        if number <= 0:
            return ""
        return f"{column.drug} {format_number(number)}{' mg' if column.in_mg else ''}"
    if codes is None:  # a dose column: a dose with its unit, or a schedule
        text = cell_text(cell)
        dose = _written_dose(text)
        if dose is not None:
            return f"{column.drug} {format_number(dose[0])} {dose[1]}" if dose[0] > 0 else ""
        taken = _schedule_taken(text)
        if taken is not None:
            return f"{column.drug} {text}" if taken else ""
    answer = parse_yes_no(cell, strict=True)
    if answer is None:
        text = cell_text(cell)
        if drug_matcher(load_drugs()).find(text):
            return f"{header}: {text}"
        return None
    return column.drug if answer else ""


def join_drug_columns(split: SplitRows, match: ColumnMatch, table: RawTable) -> None:
    """Read the drug-dose columns into the table's medications (in place, with a warning)."""
    if match.shape != "wide":
        return
    used = set(match.fields.values()) | set(match.note_columns) | set(match.finding_columns)
    used |= {c for cols in match.joined_columns.values() for c in cols}
    found: list[tuple[int, DrugColumn, Mapping[str, bool] | None]] = []
    answered = _answered_medications(split, match)
    if answered is not None:
        found.append(answered)
    for col, header in enumerate(match.headers):
        if col in used or not header or col >= split.cells.shape[1]:
            continue
        named = drug_of_header(header)
        if named is not None:
            found.append((col, named, _answer_codes(named, _numbers(split.cells[:, col]))))
        elif is_atc_header(header):
            found.append((col, DrugColumn("", in_mg=False, flag=False, lists=True), None))
    if not found:
        return
    n = len(split.cells)
    base = table.columns.get("medications") if answered is None else None
    texts = np.empty(n, dtype=object)
    unread = 0
    for i in range(n):
        pieces = [] if base is None or is_empty_value(base[i]) else [cell_text(base[i])]
        for col, column, codes in found:
            piece = _piece(split.cells[i, col], column, codes, match.headers[col])
            if piece is None:
                unread += 1
            elif piece:
                pieces.append(piece)
        texts[i] = "; ".join(pieces) or None
    table.columns["medications"] = texts
    headers = [match.headers[c] for c, _, _ in found]
    per_drug = [match.headers[c] for c, column, _ in found if not column.lists]
    atc = [match.headers[c] for c, column, _ in found if column.lists]
    given = "medications" in table.headers and answered is None
    table.headers["medications"] = " + ".join(
        [*([table.headers["medications"]] if given else []), *headers]
    )
    match.unmapped = [h for h in match.unmapped if h not in headers]
    coded = [
        f"{match.headers[c]}: "
        + ", ".join(f"{k} = {'yes' if v else 'no'}" for k, v in sorted(codes.items()))
        for c, _, codes in found
        if codes is not None
    ]
    said = []
    if per_drug:
        said.append(
            f"columns named after drugs read into medications ({', '.join(per_drug)}): a dose "
            "above 0 (of any size: 0.5 mg is taken) or yes means the drug is taken (e.g. "
            "'risperidone 4 mg')"
            + (f"; read as yes/no codes ({'; '.join(coded)})" if coded else "")
        )
    if atc:
        said.append(
            f"column(s) of ATC codes read into medications ({', '.join(atc)}): each code names "
            "the drug taken (e.g. N05AX08 = risperidone)"
        )
    table.warnings.append(
        "; ".join(said)
        + (
            f"; {unread} cell(s) were neither a dose, yes/no nor a drug's code and were not used"
            if unread
            else ""
        )
    )


def _answered_medications(
    split: SplitRows, match: ColumnMatch
) -> tuple[int, DrugColumn, Mapping[str, bool] | None] | None:
    """The medications column when its header names one drug or drug class and its cells
    are all yes/no answers ("Antipsychotic medication?", "Use of antipsychotic drugs",
    "Neuroleptika-Einnahme": "Yes"): the header's drug is what a yes means, as a column named
    after the class alone ("antipsychotic", "Antipsychotics (Y/N)") is read; read as a drug
    list, "Yes" named no drug and the drug's effect on prolactin was missed.  Cells that name
    a drug may stand among the answers ("Depot antipsychotic": "yes", "Xeplion 100 mg"): each
    is read as that drug (_piece), a yes as the header's."""
    col = match.fields.get("medications")
    if col is None or col >= split.cells.shape[1]:
        return None
    named = drug_of_header(match.headers[col])
    if named is None:
        return None
    cells = split.cells[:, col]
    matcher = drug_matcher(load_drugs())
    answers = {
        cell
        for cell in set(cells.tolist())
        if not (isinstance(cell, str) and matcher.find(cell_text(cell)))
    }
    if not is_yes_no_column(answers, named.codes or None):
        return None
    column = DrugColumn(named.drug, in_mg=False, flag=True, codes=named.codes)
    return col, column, _answer_codes(column, _numbers(cells))


# The fields of a drug's own dates, and how a drug list writes them after the drug.
_DATE_FIELDS: Final = ("medication_start", "medication_end", "medication_ongoing")
_STARTED: Final = "started"
_STOPPED_ON: Final = "stopped on"
_ROWS_LISTED: Final = 5  # rows named in a warning


def date_medications(table: RawTable, dayfirst: bool = True) -> None:
    """Write each row's medication dates (a start, an end, "ongoing") after its drug, in place;
    the date columns are read beside a medications column only.  An "ongoing" yes drops the
    end; a date given to its month or year only is read as its period's first day for a start,
    its last day for an end (the drug is left out only when the whole period says so)."""
    meds = table.columns.get("medications")
    given = [table.columns.get(name) for name in _DATE_FIELDS]
    if meds is None or all(col is None for col in given):
        return
    n = len(meds)
    starts, ends, ongoing = (
        col if col is not None else np.full(n, None, dtype=object) for col in given
    )
    serials = not table.text_source
    seen: dict[tuple[object, ...], tuple[object, bool]] = {}
    several: dict[str, bool] = {}
    left: list[int] = []
    out = np.empty(n, dtype=object)
    for i in range(n):
        key = tuple((type(cell), cell) for cell in (meds[i], starts[i], ends[i], ongoing[i]))
        if key not in seen:
            dated = _dated(meds[i], starts[i], ends[i], ongoing[i], dayfirst, serials)
            unused = dated is not meds[i] and _several_items(meds[i], several)
            # a list's dates are no one drug's: the cell as written (never a stop moved onto
            # its last drug)
            seen[key] = (meds[i] if unused else dated, unused)
        out[i], unused = seen[key]
        if unused:
            left.append(int(table.source_rows[i]))
    table.columns["medications"] = out
    if left:
        table.warnings.append(_several_items_warning(table, left))


# A drug list's item separators: a cell split by them into several parts lists several drugs.
_ITEM_SEPARATORS: Final = re.compile(r"[;|\n]|\s\+\s")


def _several_items(cell: object, memo: dict[str, bool]) -> bool:
    """Whether a medications cell lists more than one drug item ("cabergoline 0.5 mg weekly;
    haloperidol 5 mg"): a conmed record's own dates belong to its one drug, and a list's to
    none of its drugs in particular."""
    text = cell_text(cell)
    if text not in memo:
        parts = [p for p in _ITEM_SEPARATORS.split(text) if p.strip()]
        memo[text] = len(parts) > 1 or len(drug_matcher(load_drugs()).find(text)) > 1
    return memo[text]


def _several_items_warning(table: RawTable, rows: list[int]) -> str:
    named = [table.headers[f] for f in _DATE_FIELDS if f in table.headers]
    shown = ", ".join(str(r) for r in rows[:_ROWS_LISTED])
    more = f" and {len(rows) - _ROWS_LISTED} more" if len(rows) > _ROWS_LISTED else ""
    return (
        f"column(s) {', '.join(repr(h) for h in named)} give the dates of one drug, but the "
        f"medications cell of {len(rows)} row(s) lists several drugs (row(s) {shown}{more}): "
        "those dates are not used there (whose dates they are is not said), and the "
        "medications are read as written"
    )


def _dated(
    drug: object, start: object, end: object, ongoing: object, dayfirst: bool, serials: bool
) -> object:
    """The medications cell with its dates after it (the cell itself when none is read)."""
    if is_empty_value(drug):
        return drug
    first = _day(start, dayfirst, serials, last=False)
    last = None if parse_yes_no(ongoing, strict=True) else _day(end, dayfirst, serials, last=True)
    if first and last:
        note = f"{first} - {last}"
    elif last:
        note = f"{_STOPPED_ON} {last}"
    elif first:
        note = f"{_STARTED} {first}"
    else:
        return drug
    return f"{cell_text(drug)} ({note})"


def _day(cell: object, dayfirst: bool, serials: bool, *, last: bool) -> str | None:
    """The ISO day of a date cell; of a month or a year alone, its first day, or (``last``) its
    last day; None when the cell gives none."""
    if is_empty_value(cell):
        return None
    found = parse_date(cell, dayfirst, serials=serials)
    if found is not None:
        return found.date().isoformat()
    period = birth_period(cell)  # "2026-06", "06/2026", "Juni 2026", "2026"
    if period is None:
        return None
    year, month = period
    if not last:
        return date(year, month or 1, 1).isoformat()
    month = month or 12
    return date(year, month, calendar.monthrange(year, month)[1]).isoformat()


# the cells that name a sample (the prolactin's or a long file's result: one of the two)
_SAMPLE_FIELDS: Final = ("patient_id", "collected_at", "prolactin", "result")


def medication_free_cells(cells: np.ndarray, match: ColumnMatch) -> np.ndarray | None:
    """Per row, its cells in every column but the medication ones (the medications column, its
    joined columns and a drug's own dates) as a tuple: two rows of one day equal in all of these
    differ in nothing but their drugs (one sample written on several rows).  Kept only for the
    rows whose patient, collection and result cells another row repeats (None elsewhere: a large
    file holds no second copy of its cells); None for no such row."""
    if cells.ndim != 2 or not cells.shape[0]:
        return None
    sample = [match.fields[f] for f in _SAMPLE_FIELDS if f in match.fields]
    if len(sample) < len(_SAMPLE_FIELDS) - 1:  # a patient, a collection and a result
        return None
    again = pd.DataFrame(cells[:, sample]).duplicated(keep=False).to_numpy()
    if not again.any():
        return None
    fields = ("medications", *_DATE_FIELDS)
    drop = {match.fields[f] for f in fields if f in match.fields}
    drop |= set(match.joined_columns.get("medications", ()))
    keep = [c for c in range(cells.shape[1]) if c not in drop]
    rest = np.full(cells.shape[0], None, dtype=object)
    rows = np.flatnonzero(again)
    rest[rows] = [tuple(row) for row in cells[rows][:, keep].tolist()]
    return rest
