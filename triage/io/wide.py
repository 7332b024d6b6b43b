"""From the raw cells of result rows to the canonical frame (schema.CANONICAL_COLUMNS).

Every column is parsed once per distinct cell (``_distinct``), so a 100,000-row sheet costs
about as much as its number of distinct values.  A row ends in the frame, or in the rejected
list with ``missing_result``, ``unparseable_result``, ``unknown_unit`` or ``implausible_value``.

The unit of a row is, in this order: the unit written in the result cell, the unit column, a
unit written in the row's interval, the unit in the prolactin header (``PRL (mIU/L)``), the
mapping file's default, the unit given for the whole file (``--unit``), and last the unit the
row's own interval implies (102-496 -> mIU/L; see ``values.unit_from_interval``).  IU/L values
(and their interval) are multiplied by 1000.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache, cached_property, partial
from typing import Any, Final, TypeVar

import numpy as np
import pandas as pd

from triage.collector import release_free_memory
from triage.columns import (
    cells_may_carry_labels,
    header_named_unit,
    header_words,
    is_timed_series,
    time_point_minutes,
    without_cell_label,
    words_before_visit,
)
from triage.io.identifiers import identifier_key
from triage.io.layout import (
    Distinct,
    RawTable,
    append_notes,
    cut_by_blank_rows,
    factorize_column,
)
from triage.io.red_flags import RED_FLAG_READ, red_flag_in, red_flag_note
from triage.io.state_cells import (
    ckd_stage_of,
    gestation_in_words,
    gestation_trimester,
    kidney_words,
    reads_state_cell,
    state_codes,
    trimester_text,
)
from triage.io.unknown_units import unknown_unit_urgency, untriaged_urgency
from triage.knowledge.loaders import (
    DEFAULT_SET_NAME,
    list_reference_sets,
    load_reference_set,
    load_thresholds,
)
from triage.knowledge.model import Thresholds
from triage.numbers import DAYS_PER_WEEK, DAYS_PER_YEAR, NS_PER_DAY, age_text, approx
from triage.schema import (
    CANONICAL_COLUMNS,
    FLAG_FIELDS,
    PRELIMINARY,
    SUPERSEDED,
    SUPERSEDES,
    TEXT_FIELDS,
    WITHDRAWS,
    ConfigError,
    Rejected,
    Withdrawal,
    field_words,
)
from triage.values import (
    CANONICAL_UNITS,
    EXCEL_1904_SHIFT,
    FRAME_YEARS,
    LETTERS_BY_NUMBERS,
    LETTERS_UNDECIDED,
    PERCENT_FULL,
    STATA_SAS_ORIGIN,
    BracketedNumber,
    ContextRange,
    FormatNumber,
    Interval,
    Quantity,
    above_range_unnumbered,
    administrative_gender,
    age_band,
    age_header_scale,
    age_unit_readings,
    age_word,
    ages_from_birth_periods,
    ages_in_years,
    assay_words_in,
    band_age,
    bare_number,
    below_limit_unnumbered,
    birth_period,
    cell_interval,
    cell_numbers,
    cell_text,
    clock_time,
    column_flag_codes,
    comparator,
    complement_percent,
    context_ranges,
    date_offset,
    days_between,
    decimal_evidence,
    duration_word_days,
    flag_column_direction,
    flag_is_critical,
    format_number,
    fraction_of_one,
    gives_nothing,
    group_interval,
    has_two_digit_year,
    hcg_header_codes,
    hcg_positive,
    hcg_unread_unit,
    hcg_unread_warning,
    header_code_labels,
    header_says_percent,
    header_says_upper_limit,
    header_sex_codes,
    header_unknown_codes,
    in_frame_range,
    infer_decimal_mark,
    is_ambiguous_date_text,
    is_blank,
    is_empty_value,
    is_export_missing_mark,
    is_formula_without_value,
    is_missing_code,
    is_spreadsheet_error,
    is_spreadsheet_formula,
    is_unknown_word,
    lab_word,
    lone_number,
    may_mean_not_detected,
    missing_code_fields,
    missing_result_numbers,
    missing_result_numbers_beside,
    names_female_state,
    normalise_unit,
    note_numbers,
    note_reading,
    off_scale_flag,
    parse_age_years,
    parse_date,
    parse_interval,
    parse_number,
    parse_quantity,
    parse_sex,
    parse_size_mm,
    parse_weeks,
    parse_yes_no,
    prolactin_plausibility,
    quality_control_follow_up,
    quality_control_material,
    remark_denied,
    repair_swapped_day_month,
    result_remarks,
    result_status,
    result_status_code,
    says_cancelled,
    says_corrected,
    says_see_note,
    scaled_concentration,
    scaled_in_canonical,
    second_number_in_brackets,
    serial_day,
    serial_shift,
    sex_code,
    sex_intervals_read,
    sex_label_letters,
    sex_letter_header,
    sex_letter_reading,
    sex_pair_interval,
    slash_date_orders,
    synonyms_data,
    texts_or_none,
    two_readings,
    unit_from_interval,
    unit_key,
    unit_note_assay,
    unknown_age,
    unsexed_intervals,
    utc_offset_text,
    youngest_ages_from_birth_periods,
    zero_age_span_years,
)

T = TypeVar("T")
DefaultValue = str | float | int | bool

TEXT_COLUMNS: Final = (
    "source_column",
    "patient_id",
    "patient_name",
    "assay",
    "medications",
    "kidney_disease",
    "liver_disease",
    "pituitary_lesion",
    "symptoms",
    "comments",
    "specimen_id",
    "requesting_clinician",
    "location",
    "collected_offset",
    "patient_issuer",
    "patient_id_system",
    "specimen_id_system",
)
QUALIFIED_NUMBERS: Final = ("egfr", "tsh")
# Of those, the lab results that may be written as a word ("erhöht", "normal", "↓"): kept in
# f"{name}_text" (values.lab_word); the engine reads them where the number is missing.
LAB_WORD_FIELDS: Final = ("tsh",)
# The kidney lab results that may be written as a stage ("ESRD", "CKD G4", "IRC terminale"):
# the cells the state vocabulary reads kidney words from are kept in f"{name}_text" and read
# by the engine as a comment's words would be (io/state_cells.kidney_words).
RENAL_WORD_FIELDS: Final = ("egfr", "creatinine")
PLAIN_NUMBERS: Final = ("creatinine", "free_t4")
# The context tests whose lab interval is read beside them (a column: the internal field named,
# or the cell after the number): the engine judges them by it (WideBuilder._context_intervals).
CONTEXT_INTERVALS: Final = (("tsh", "tsh_reference"), ("free_t4", "free_t4_reference"))
WEEK_FIELDS: Final = ("gestational_weeks", "postpartum_weeks")  # durations, read in weeks
# An age cell this far from the age the birth date and the sample date give is not the age at
# the sample (an age in completed years is less than a year off).
AGE_DISAGREEMENT_YEARS: Final = 1.0
# Ages at which the interval a result is judged against changes (thresholds.toml): an age band
# ("40-49") is read only when it lies on one side of each.
AGE_BAND_BOUNDARIES: Final = ("adult_age_years", "childbearing_age_max_years")
# A number that reads as thousands or as three decimals: "1.150", "2,400" (not "0.150").
# "5.300": a thousands group in mIU/L ("0.450": never, a leading zero groups no thousands)
_DOT_THOUSANDS: Final = re.compile(r"[1-9]\d{0,2}\.\d{3}")
_TYPED_THOUSANDS: Final = re.compile(r"[1-9]\d{0,2}\.\d{3}")  # a typed "4.750" ("0.450": never)
_GROUP_OR_DECIMAL: Final = re.compile(r"[<>≤≥]?\s*[1-9]\d{0,2}[.,]\d{3}(?:\s*\S+)?")
# A censored result's reading of "1,000" (two_readings: 0 the decimal, 1 the thousands one):
# '>' is above the assay's measuring range (large), '<' below its lower limit (small).
CENSORED_READING: Final[dict[str, int]] = {">": 1, "<": 0}
# Columns of numbers whose texts show the file's decimal mark together (dates would mislead).
DECIMAL_FIELDS: Final = (
    "prolactin",
    "reference_range",
    "reference_low",
    "reference_high",
    *QUALIFIED_NUMBERS,
    *PLAIN_NUMBERS,
    "monomeric_prolactin",
    "macroprolactin_recovery_pct",
    "macroprolactin_pct",
)
UNIT_DEFAULT_KEYS: Final = ("prolactin_unit", "unit")
# Fields a codebook writes as codes (1 = F): a code its [values.<field>] leaves out is said.
CODED_FIELDS: Final = frozenset({"sex", "prolactin_unit", "unit", *FLAG_FIELDS})
# A text shaped like a unit ("mX/L", "µE/ml", "U/l"): short, letters over letters; never a name.
_NUMBERS: Final = re.compile(r"\d[\d.,]*")  # each number of a cell, as written
_UNIT_LIKE: Final = re.compile(r"[A-Za-zµμ%\[\]]{1,6}\s?/\s?[A-Za-z0-9.]{1,6}")
NOT_FILLED: Final = frozenset({"prolactin_unit", "unit", "conversion_factor"})


@dataclass(frozen=True)
class BuildSettings:
    """What the builder needs besides the cells."""

    dayfirst: bool = True
    defaults: Mapping[str, DefaultValue] = field(default_factory=dict)
    conversion_factor: float | None = None
    tests: Mapping[str, str] = field(default_factory=dict)  # mapping file [tests] (long files)
    unit: str | None = None  # the file's prolactin unit (--unit), used when nothing else gives one
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # mapping [values]
    # The run's date (--as-of), naive or aware; None: now.  Collection dates later than it (by
    # more than thresholds.toml collection_date_future_days) are rejected as implausible_date.
    as_of: datetime | None = None
    decimal: str | None = None  # the export's decimal mark (mapping [input] decimal)
    # The format's reader applied the results' statuses itself (HL7 OBX-11, FHIR status): the
    # status column is only carried (result_status), never used to replace rows again
    statuses_applied: bool = False
    # Nothing settled the day/month order (no date that reads one way only, no --dayfirst or
    # --monthfirst): a row whose ambiguous dates give ages in different reference strata read
    # either way is rejected (unreadable_age), not judged on the guess
    dates_guessed: bool = False
    # Result codes the workbook's own codebook declares missing for the result column ("999" =
    # "not done"): code -> its label; such a result is rejected as missing_result
    missing_results: Mapping[str, str] = field(default_factory=dict)
    # Age codes the workbook's own codebook declares missing for the age column ("99" =
    # "unknown"): code -> its label; such an age is no age (_Builder._blank_age_codes)
    missing_ages: Mapping[str, str] = field(default_factory=dict)
    # The day the date columns' numbers count from (mapping [input] date_origin: Stata's and
    # SAS's 1960-01-01); None: Excel's serials, or Stata/SAS days where the collection dates
    # show it (stata_sas_days)
    date_origin: date | None = None


@dataclass
class BuildResult:
    """The canonical rows that could be read, and the rows that could not."""

    frame: pd.DataFrame
    rejected: list[Rejected]
    accepted: np.ndarray  # positions (into the RawTable) of the frame's rows
    warnings: list[str]
    # what the rows' result statuses do to earlier files' results (Builder.revisions)
    corrections: list[Withdrawal] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------
# Column helpers (one parse per distinct cell)
# ------------------------------------------------------------------------------------------------
@cache
def _largest_assay_factor() -> float:
    """The largest mIU/L-per-ng/mL factor of the reference sets shipped (each with its
    source): a result in ng/mL converted at it is above what any shipped assay reads."""
    return max(rs.miu_per_ng for rs in list_reference_sets())


def _converts(
    result: float, unit: str, number: BracketedNumber, lowest: float, highest: float
) -> bool:
    """``number`` (in brackets after a result of ``result`` ``unit``) is that result in the
    other prolactin unit, at a factor between ``lowest`` and ``highest`` mIU/L per ng/mL (a
    number naming no unit is taken in the other unit); in the same unit, the same number."""
    if unit not in CANONICAL_UNITS:
        return False
    other = CANONICAL_UNITS[1 - CANONICAL_UNITS.index(unit)]
    written = number.value * number.factor
    if (number.unit or other) == unit:
        return written == result
    miu, ng = (written, result) if unit == "ng/mL" else (result, written)
    with np.errstate(divide="ignore", invalid="ignore"):
        return bool(ng > 0 and lowest <= miu / ng <= highest)


def _in_miu(value: float, unit: str, largest: float) -> float:
    """``value`` in mIU/L; in ng/mL (or another unit) at the ``largest`` plausible factor."""
    return value if unit == "mIU/L" else value * largest


def _pick(
    codes: np.ndarray, parsed: list[T], getter: Callable[[T], object], dtype: object
) -> np.ndarray:
    table: np.ndarray = np.array([getter(p) for p in parsed], dtype=dtype)  # type: ignore[call-overload]
    result: np.ndarray = table[codes]
    return result


def _interval_ends(
    codes: np.ndarray, parsed: list[Interval | None]
) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the (low, high) ends of its distinct cell's interval (NaN: none, or no end)."""
    low = _pick(codes, parsed, lambda i: _nan(i.low) if i else math.nan, np.float64)
    high = _pick(codes, parsed, lambda i: _nan(i.high) if i else math.nan, np.float64)
    return low, high


def _each(values: object, *funcs: tuple[Callable[[object], object], object]) -> list[np.ndarray]:
    """``np.array([func(v) for v in values], dtype)`` for each (func, dtype), computed once per
    distinct cell (missing cells one by one: factorize does not tell None from NaN)."""
    cells = np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(cells)
    distinct = uniques.tolist()
    missing = np.flatnonzero(codes < 0)
    results: list[np.ndarray] = []
    for func, dtype in funcs:
        table = np.array([func(u) for u in distinct] + [func(None)], dtype=dtype)  # type: ignore[call-overload]
        result: np.ndarray = table[codes]
        if len(missing):
            result[missing] = [func(v) for v in cells[missing].tolist()]
        results.append(result)
    return results


def _interval_text(intervals: Sequence[Interval]) -> str:
    """The first of a column's intervals as a lab writes it ("4.8-23.3", "< 25")."""
    first = intervals[0]
    if first.low is None:
        return f"< {first.high:g}"
    if first.high is None:
        return f"> {first.low:g}"
    return f"{first.low:g}-{first.high:g}"


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _text(cell: object) -> str | None:
    return None if is_empty_value(cell) else cell_text(cell)


def _loose_code(text: str) -> str:
    """A code compared without case, spaces or a trailing ".0" ("1.0" = "1")."""
    plain = re.sub(r"\s+", "", text).lower()
    return plain[:-2] if plain.endswith(".0") else plain


# ------------------------------------------------------------------------------------------------
# The builder
# ------------------------------------------------------------------------------------------------
class _Builder:
    def __init__(self, table: RawTable, settings: BuildSettings) -> None:
        self.table = table
        self.settings = settings
        self.n = len(table)
        # results without a unit above the urgent level whatever their unit (_reasons)
        self.possibly_urgent = np.zeros(self.n, dtype=bool)
        # result cells pointing to the row's note for the result (_results_in_notes)
        self.see_note = np.zeros(self.n, dtype=bool)
        # birth dates the patient's other rows contradict (_birth_dates_against_patient)
        self.doubtful_birth = np.zeros(self.n, dtype=bool)
        self.refused_default = ""  # why --unit / the default was not applied (_written_unit)
        # rows rejected for a number in brackets written as a conversion that is none, or
        # without a unit to tell (result), and the largest of their numbers in mIU/L (those in
        # ng/mL or in no unit at the largest plausible factor)
        self.beside_disagrees = np.zeros(self.n, dtype=bool)
        self.beside_miu = np.full(self.n, np.nan)
        self.cols = dict(table.columns)
        self._without_cell_labels()
        self.out: dict[str, np.ndarray] = {}
        # out arrays that are ``table[codes]`` (texts: str or None), by id: their string column
        # is made from the distinct texts (``coded_strings``), not cell by cell
        self.coded: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.warnings: list[str] = []
        self._file_mark: list[str | None] = []  # the file's decimal mark, once computed
        self._file_mark_alone = False  # the file's columns show only that mark (_one_mark_shown)
        # result texts that are missing-data codes -> the codebook's label ("" conventional)
        self._missing_labels: dict[str, str] = {}
        # all-9 results missing beside the export's own codes -> what says so (_nines_beside_codes)
        self._coded_nines: dict[float, str] = {}
        # the export's own missing-data codes its other columns write, by header (_blank_coded)
        self._export_codes: dict[str, set[str]] = {}
        self._nines_elsewhere = False  # _coded_nines said by the other columns' all-9 codes
        self._origin: tuple[date | None] | None = None  # _days_from, once decided
        self._recode()
        self._header_flag_codes()
        self._apply_defaults()
        self._blank_missing_codes()
        self._blank_age_codes()

    def _distinct(
        self, values: np.ndarray, func: Callable[[object], T]
    ) -> tuple[np.ndarray, list[T]]:
        found = self.table.distinct(values)
        return found.codes, [func(u) for u in found.uniques]

    def _apply(
        self, values: np.ndarray, func: Callable[[object], object], dtype: object = object
    ) -> np.ndarray:
        codes, parsed = self._distinct(values, func)
        return _pick(codes, parsed, lambda p: p, dtype)

    def _texts(self, values: np.ndarray) -> np.ndarray:
        """``_apply(values, _text)``: each cell as text, None when empty."""
        found = self.table.distinct(values)
        table = np.empty(len(found.uniques), dtype=object)
        table[:] = texts_or_none(found.uniques)
        texts: np.ndarray = table[found.codes]
        self.coded[id(texts)] = (texts, found.codes, table)
        return texts

    def _decimal(self, values: np.ndarray) -> str | None:
        """The column's decimal mark from its own texts, else the one the file's number columns
        show together (a workbook whose result column holds numbers and one text "1.150" reads
        it as the interval "4,0-15,2" beside it says: 1150, not 1.15; a ;-separated export whose
        TSH reads "2.15" writes "12.500" for 12.5), else the export's (a ;-separated text: ",").
        None when the column shows both marks as often (its cells like "1.250" are read one
        way and said: values.parse_number, _warn_ambiguous_marks)."""
        return self._decimal_of(values)[0]

    def _decimal_of(self, values: np.ndarray) -> tuple[str | None, str]:
        """``_decimal`` and what settled it: "mapping", "column", "file", "export" or ""."""
        if self.settings.decimal is not None:
            return self.settings.decimal, "mapping"
        texts = [u for u in self.table.distinct(values).uniques if isinstance(u, str)]
        own = decimal_evidence(texts)
        if own[","] != own["."]:
            return ("," if own[","] > own["."] else "."), "column"
        if own[","]:
            return None, ""
        if (mark := self._file_decimal()) is not None:
            return mark, "file"
        if self.table.decimal_hint is not None:
            return self.table.decimal_hint, "export"
        return None, ""

    def _file_decimal(self) -> str | None:
        if not self._file_mark:
            texts = [
                u
                for name in DECIMAL_FIELDS
                if (col := self.column(name)) is not None
                for u in self.table.distinct(col).uniques
                if isinstance(u, str)
            ]
            self._file_mark.append(infer_decimal_mark(texts))
            self._file_mark_alone = _one_mark_shown(texts, self._file_mark[0])
        return self._file_mark[0]

    def _floats(self, values: np.ndarray, func: Callable[[object], float | None]) -> np.ndarray:
        return self._apply(values, lambda c: _nan(func(c)), np.float64)

    def column(self, name: str) -> np.ndarray | None:
        return self.cols.get(name)

    def _without_cell_labels(self) -> None:
        """Cells that carry their own field's label or an age note ("DOB 01-Jan-2016", "Sex:
        Female", "Age: 10y", "01-Jan-2016 (10y)"): read as the value alone
        (columns.without_cell_label)."""
        for name, col in list(self.cols.items()):
            if not cells_may_carry_labels(name):
                continue
            found = self.table.distinct(col)
            values = [without_cell_label(name, cell) for cell in found.uniques]
            if any(v is not c for v, c in zip(values, found.uniques, strict=True)):
                self.cols[name] = _pick(found.codes, values, lambda v: v, object)

    def _recode(self) -> None:
        """The mapping file's [values.<field>]: the export's codes -> their text (read after)."""
        for name, codes in self.settings.values.items():
            col = self.cols.get(name)
            if col is None or not codes:
                continue
            exact = dict(codes)
            loose = {_loose_code(k): v for k, v in codes.items()}
            unknown = name in CODEBOOK_ONLY

            def recode(
                cell: object,
                exact: Mapping[str, str] = exact,
                loose: Mapping[str, str] = loose,
                unknown: bool = unknown,
            ) -> object:
                if is_blank(cell):
                    return cell
                text = cell_text(cell)
                found = exact.get(text, loose.get(_loose_code(text)))
                if found is None:
                    return None if unknown and bare_number(cell) is not None else cell
                return found if found.strip() else None

            self.cols[name] = self._apply(col, recode)
            if name in CODED_FIELDS:  # a number field recodes only its missing-data codes
                self._warn_unlisted_codes(name, col, exact, loose)

    def _header_flag_codes(self) -> None:
        """A yes/no column whose header states its codes ("Schwanger (1=nein, 2=ja)", "Pregnant?
        (1, No | 2, Yes)"), or whose values are SPSS's 1 = yes, 2 = no (only 1 and 2 beside a
        form's unknown code: values.column_flag_codes): each code read as the header or the
        values say (1 was read as yes: a pregnancy invented, another missed; a 2 was no answer),
        a form's unknown code as not given, unless the mapping file or a codebook recodes the
        column."""
        for name in FLAG_FIELDS:
            col = self.cols.get(name)
            if col is None or name in self.settings.values:
                continue
            header = self.table.headers.get(name, "")
            words = self._state_codes(name, header, col)
            if not words:
                continue

            def recode(cell: object, words: Mapping[str, str] = words) -> object:
                if is_blank(cell):
                    return cell
                found = words.get(_loose_code(cell_text(cell)), cell)
                return found if found != "" else None  # a form's unknown: not given

            self.cols[name] = self._apply(col, recode)

    def _state_codes(self, name: str, header: str, col: np.ndarray) -> dict[str, str]:
        """code -> the text the yes/no column ``name`` reads in its place ("yes", "no", a label
        of another reading, "" for unknown): the codes its header states, each label read with
        the column's own state words ("pregnancy_status (1=not pregnant; 2=pregnant)", "menopausa
        (1=pre; 2=post)", "zwangerschap (1=niet zwanger; 2=zwanger)": io/state_cells.state_codes;
        their labels of several words had not been read, and the 1 = yes of a form assumed: the
        states reversed); else the yes/no codes of ``column_flag_codes``.  A label not read, and
        a field's 1 and 2 without a codebook (menopausal: 1 = pre, 2 = post as often), are
        unknown, said once."""
        stated, unread = state_codes(name, header_code_labels(header))
        if unread or {"yes", "no"} & set(stated.values()):
            # a stated unknown ("9=unknown", "8=inconnu") is not given, as header_unknown_codes
            words = {c: "" if is_unknown_word(said) else said for c, said in stated.items()}
        else:
            codes, unknown = column_flag_codes(header, self.table.distinct(col).uniques, name)
            if not codes and not unknown >= _ONE_TWO:
                return {}
            words = {code: "yes" if meaning else "no" for code, meaning in codes.items()}
            words |= {code: "" for code in unknown if code not in words}
            if not codes:
                self.warnings.append(
                    f"column {header!r} holds the codes 1 and 2 without a codebook: for "
                    f"{name.replace('_', ' ')} they may mean yes and no or two states of its own "
                    "(1 = pre, 2 = post), so both are read as unknown; state the codes in the "
                    f"header or recode them in the column mapping file ([values.{name}])"
                )
        if unread:
            labels = ", ".join(f"{code} = {label!r}" for code, label in sorted(unread.items()))
            self.warnings.append(
                f"column {header!r} states code(s) {labels}, whose label could not be read as "
                f"{name.replace('_', ' ')} or not: those codes are read as unknown; recode them "
                f"in the column mapping file ([values.{name}])"
            )
        return words

    def _warn_unlisted_codes(
        self, name: str, col: np.ndarray, exact: Mapping[str, str], loose: Mapping[str, str]
    ) -> None:
        """Numeric codes of a recoded column that the mapping's [values.<field>] does not list
        (a codebook's "3 = other" left out) are read as they are, which for most fields means
        not given: said once, with the codes (numbers only: never a text that could be a name)."""
        found = self.table.distinct(col)
        unlisted = sorted(
            {
                cell_text(u)
                for u, used in zip(found.uniques, _used(found), strict=True)
                if used
                and not is_blank(u)
                and not is_missing_code(u)
                and bare_number(u) is not None
                and cell_text(u) not in exact
                and _loose_code(cell_text(u)) not in loose
            }
        )
        if not unlisted:
            return
        header = self.table.headers.get(name, name)
        read = "as unknown" if name in CODEBOOK_ONLY else "as written"
        self.warnings.append(
            f"column {header!r}: code(s) {', '.join(unlisted[:8])} are not in the mapping "
            f"file's [values.{name}] and were read {read}; add them if the codebook "
            "gives them a meaning"
        )

    def _blank_missing_codes(self) -> None:
        """Missing-data codes of research exports (-99, 999, "Not done", ".a") and numbers
        outside a context field's plausible range are read as empty, one warning per column."""
        ranges = context_ranges()
        lesion = ranges.get("pituitary_lesion_mm")
        for name in sorted(missing_code_fields()):
            col = self.cols.get(name)
            if col is None:
                continue
            limits = ranges.get(name)
            decimal = self._decimal(col) if limits is not None else None
            weeks = self._week_reader(name) if name in WEEK_FIELDS else None

            def is_code(
                cell: object,
                limits: ContextRange | None = limits,
                name: str = name,
                decimal: str | None = decimal,
                weeks: Callable[[object], float | None] | None = weeks,
            ) -> bool:
                if is_empty_value(cell):
                    return False
                if is_unknown_word(cell):  # "Not applicable" is no lesion; a flag keeps it
                    return name not in FLAG_FIELDS and limits is None
                if limits is None:
                    number = bare_number(cell)
                    if name == "hcg":  # 999 or 9999 IU/L can be a real hCG
                        return number < 0 if number is not None else is_missing_code(cell)
                    if name == "pituitary_lesion" and lesion is not None and number is not None:
                        return not lesion.holds(number) or is_missing_code(cell)
                    return is_missing_code(cell)
                if is_missing_code(cell, numbers=False):
                    return True
                if weeks is not None:  # in the header's unit ("ga_days": 140 is 20 weeks)
                    value = weeks(cell)
                    if value is not None:
                        return not limits.holds(value)
                quantity = parse_quantity(cell, decimal)
                value = quantity.value
                if value is not None and name in LAB_UNIT_FIELDS:
                    # judged in the engine's unit: 12000 µIU/L is a TSH of 12 mIU/L
                    unit = quantity.unit_text or self.table.header_units.get(name, "")
                    factor = lab_unit_factor(name, unit)
                    if factor is None:
                        return False  # another test's unit: refused with its own warning
                    value *= factor
                return value is not None and not limits.holds(value)

            seen = self._blank_coded(name, col, is_code)
            if not seen:
                continue
            header = self.table.headers.get(name, name)
            why = (
                f"missing-data codes or values outside {_fmt(limits.low)}-{_fmt(limits.high)}"
                if limits is not None
                else "missing-data codes"
            )
            self.warnings.append(
                f"{name} (column {header!r}): {', '.join(seen)} read as missing ({why})"
            )

    def _blank_coded(
        self, name: str, col: np.ndarray, is_code: Callable[[object], bool]
    ) -> list[str]:
        """Column ``name``'s cells that ``is_code`` calls missing-data codes made empty (once per
        distinct cell); each such code with its row count ("-99 (3 rows)"), [] when none."""
        found = self.table.distinct(col)
        flags = [is_code(u) for u in found.uniques]
        if not any(flags):
            return []
        rows = np.array(flags, dtype=bool)[found.codes]
        counts = np.bincount(found.codes[rows], minlength=len(found.uniques))
        blanked = col.copy()
        blanked[rows] = None
        self.cols[name] = blanked
        export = {
            cell_text(u).strip()
            for i, u in enumerate(found.uniques)
            if flags[i] and counts[i] and _export_code(u)
        }
        if export:
            self._export_codes.setdefault(self.table.headers.get(name, name), set()).update(export)
        return [
            f"{cell_text(u)} ({int(counts[i])} row{'s' if counts[i] > 1 else ''})"
            for i, u in enumerate(found.uniques)
            if flags[i] and counts[i]
        ]

    def _blank_age_codes(self) -> None:
        """Missing-data codes in the age column read as no age, one warning naming them: a word
        code (".a", "not done", "fehlend"), a number of [values.missing_codes] that cannot be an
        age in the column's unit (-9, -99, -999, 999, 9999), and any code the workbook's data
        dictionary declares missing (there 99 too, else a possible age).  The row is triaged as
        one without an age (from its birth date where it has one), never rejected as an
        unreadable age nor judged at the code's age."""
        col = self.cols.get("age_years")
        if col is None:
            return
        declared = self.settings.missing_ages
        unit = self._stated_unit("age_years", age_header_scale)
        per_year = (age_header_scale(unit) if unit else None) or 1.0
        max_age = self.max_age

        def is_code(cell: object) -> bool:
            if is_empty_value(cell) or is_unknown_word(cell):
                return False
            number = bare_number(cell)
            for code in declared:
                if number is not None and bare_number(code) == number:
                    return True
                if number is None and _loose_code(cell_text(cell)) == _loose_code(code):
                    return True
            if number is None:
                return is_missing_code(cell, numbers=False)
            return is_missing_code(cell) and (number < 0 or number * per_year > max_age)

        seen = self._blank_coded("age_years", col, is_code)
        if not seen:
            return
        header = self.table.headers.get("age_years", "age")
        self.warnings.append(
            f"age_years (column {header!r}): {', '.join(seen)} read as missing (missing-data "
            "codes, not ages): those rows are triaged without an age, from the birth date where "
            "one is given, else against the adult interval"
        )

    def _apply_defaults(self) -> None:
        for name, value in self.settings.defaults.items():
            if name in NOT_FILLED:
                continue
            current = self.cols.get(name)
            if current is None:
                self.cols[name] = np.full(self.n, value, dtype=object)
            else:
                blank = self._apply(current, is_empty_value, bool)
                filled = current.copy()
                filled[blank] = value
                self.cols[name] = filled

    # -- the result ------------------------------------------------------------------------------
    def _flagged_rows(
        self, found: Distinct, flags: list[bool], leave: np.ndarray | None = None
    ) -> tuple[int, str]:
        """How many rows hold a flagged distinct cell (less the rows ``leave`` marks), and the
        first of their row numbers as a note shows them ("4, 9, 12 and 3 more")."""
        marked = np.array(flags, dtype=bool)[found.codes]
        rows = np.flatnonzero(marked if leave is None else marked & ~leave)
        numbers = self.table.source_rows[rows].tolist()
        shown = ", ".join(str(r) for r in numbers[:_NOTE_EXAMPLES])
        more = f" and {len(numbers) - _NOTE_EXAMPLES} more" if len(numbers) > _NOTE_EXAMPLES else ""
        return len(numbers), shown + more

    def _warn_result_codes(self, raw: np.ndarray) -> None:
        """Results that are a research export's missing-data code (999, 9999, 99999): a real
        result can take these values, so they are triaged, but the export must be checked."""
        found = self.table.distinct(raw)
        flags = [
            (n := bare_number(u)) is not None
            and n > 0
            and is_missing_code(u)
            and self._missing_code(u) is None  # declared missing: rejected, not triaged
            for u in found.uniques
        ]
        if not any(flags):
            return
        _, shown = self._flagged_rows(found, flags)
        codes = sorted({cell_text(u) for u, f in zip(found.uniques, flags, strict=True) if f})
        header = self.table.headers.get("prolactin", "prolactin")
        self.warnings.append(
            f"column {header!r}: result(s) {', '.join(codes)} on row(s) {shown} look like a "
            "missing-data code of a research export; they were triaged as values: check the "
            "export and blank them if they are codes"
        )

    def _whole_unit_thousands(
        self, raw: np.ndarray, unit: np.ndarray, value: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """A result in mIU/L written "5.300" in a file that shows no decimal mark is 5300: labs
        report mIU/L in whole numbers, so three decimals there are a thousands group (read as
        5.3 mIU/L, an urgent 250 ng/mL came out low).  In ng/mL it stays ambiguous (said)."""
        found = self.table.distinct(raw)
        whole = np.array(
            [
                float(u.strip().replace(".", ""))
                if isinstance(u, str) and _DOT_THOUSANDS.fullmatch(u.strip())
                else math.nan
                for u in found.uniques
            ],
            dtype=np.float64,
        )[found.codes]
        grouped = ~np.isnan(whole) & (unit == "mIU/L")
        if not grouped.any():
            return value, grouped
        header = self.table.headers.get("prolactin", "prolactin")
        self.warnings.append(
            f"column {header!r}: {int(grouped.sum())} result(s) in mIU/L written like '5.300' "
            "were read with '.' grouping thousands (5.300 = 5300: mIU/L is reported in whole "
            'numbers); a column mapping file says otherwise ([input] decimal = ".")'
        )
        out: np.ndarray = np.where(grouped, whole, value)
        return out, grouped

    def _whole_typed_miu(
        self, raw: np.ndarray, unit: np.ndarray, factor: np.ndarray, value: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(values, rows so read): a number its format types (HL7 NM, values.FormatNumber)
        written "4.750" in mIU/L (or mU/l, µIU/mL: no factor) is 4750 when the typed mIU/L
        results of the column show no "." decimal mark of their own ("350.5"): labs report
        mIU/L in whole numbers (clinical-reference §2.4), as a table's text cell "4.750" in
        mIU/L is read (_whole_unit_thousands, _whole_unmarked_miu).  Read as 4.75 mIU/L
        (0.22 ng/mL) a result the lab flagged HH against its 102-496 mIU/L came out low.
        A result whose two readings fall either side of the urgent level is still not
        triaged on a guess (the caller)."""
        found = self.table.distinct(raw)
        typed = [isinstance(u, FormatNumber) and not u.exact for u in found.uniques]
        whole = np.array(
            [
                float(u.text.replace(".", ""))
                if isinstance(u, FormatNumber)
                and not u.exact
                and _TYPED_THOUSANDS.fullmatch(u.text)
                else math.nan
                for u in found.uniques
            ],
            dtype=np.float64,
        )[found.codes]
        in_miu = (unit == "mIU/L") & (factor == 1)
        rows = ~np.isnan(whole) & in_miu & ~np.isnan(value)
        if not rows.any():
            return value, rows
        group = in_miu & np.array(typed, dtype=bool)[found.codes]
        texts = {cell_text(raw[i]) for i in np.flatnonzero(group).tolist()}
        if decimal_evidence(texts)["."]:
            return value, np.zeros(self.n, dtype=bool)
        shown = ", ".join(str(int(r)) for r in self.table.source_rows[rows][:_NOTE_ROWS])
        header = self.table.headers.get("prolactin", "prolactin")
        self.warnings.append(
            f"column {header!r}: {int(rows.sum())} numeric result(s) in mIU/L written like "
            f"'4.750' (row(s) {shown}) were read with '.' grouping thousands (4.750 = 4750: "
            "mIU/L is reported in whole numbers, and no mIU/L result of the file writes '.' as "
            "its decimal mark; one that may be either side of the urgent level is not triaged: "
            'ambiguous_decimal_mark); a column mapping file says otherwise ([input] decimal = ".")'
        )
        out: np.ndarray = np.where(rows, whole, value)
        return out, rows

    def _results_in_notes(self, raw: np.ndarray) -> np.ndarray:
        """A result cell that points to the row's note ("zie opmerking", "see comment", "voir
        commentaire", "siehe Befundtext": values.says_see_note) whose note writes the result
        with its prolactin unit ("waarde 6.200 mE/l na verdunning 1:10": values.note_reading)
        takes that reading as its cell, read as any result cell is (the column's decimal
        mark, a dilution's words), with a warning.  One whose note gives none stays unread
        (unparseable_result), listed with the urgent results when a number of its note may be
        above the urgent level (_urgent_in_notes)."""
        notes = self.column("comments")
        found = self.table.distinct(raw)
        pointing = np.array([says_see_note(u) for u in found.uniques], dtype=bool)
        self.see_note = pointing[found.codes] if len(pointing) else np.zeros(self.n, dtype=bool)
        if notes is None or not self.see_note.any():
            return raw
        taken = raw.copy()
        read: list[int] = []
        for i in np.flatnonzero(self.see_note).tolist():
            reading = note_reading(notes[i])
            if reading is not None:
                taken[i] = reading
                read.append(i)
        if not read:
            return raw
        rows = self.table.source_rows[read].tolist()
        shown = ", ".join(str(r) for r in rows[:_NOTE_EXAMPLES])
        more = f" and {len(rows) - _NOTE_EXAMPLES} more" if len(rows) > _NOTE_EXAMPLES else ""
        header = self.table.headers.get("prolactin", "prolactin")
        self.warnings.append(
            f"column {header!r}: {len(rows)} result cell(s) pointing to the note (row(s) "
            f"{shown}{more}, e.g. {cell_text(raw[read[0]])!r}) were read from the note, which "
            f"writes the result with its unit (e.g. {cell_text(taken[read[0]])!r})"
        )
        self.cols["prolactin"] = taken
        return taken

    def _warn_ambiguous_marks(
        self, raw: np.ndarray, settled: np.ndarray, export_mark: str | None = None
    ) -> None:
        """Results written "1.150" or "2,400" in a file that shows no decimal mark anywhere (or
        both as often) are read as English writes them (1.15 and 2400: values.parse_number); a
        German or Dutch export means 1150 and 2.4.  ``export_mark``: they were read with the
        mark the export's separator implies (a ;-separated text: 1.150 = 1150) instead.  Said
        with the rows, so that a 1000-fold misreading is seen."""
        found = self.table.distinct(raw)
        flags = [
            isinstance(u, str) and bool(_GROUP_OR_DECIMAL.fullmatch(u.strip()))
            for u in found.uniques
        ]
        if not any(flags):
            return
        count, shown = self._flagged_rows(found, flags, leave=settled)
        if not count:
            return  # every one read as mIU/L in whole numbers (_whole_unit_thousands)
        header = self.table.headers.get("prolactin", "prolactin")
        written = (
            f"column {header!r}: {count} result(s) written like '1.150' or '2,400' "
            f"(row(s) {shown}) can be read two ways and the file does not show its decimal mark"
        )
        if export_mark == ",":
            self.warnings.append(
                f"{written}: as a ;-separated export they were read with ',' as the decimal "
                "mark and '.' grouping thousands (1.150 = 1150, 2,400 = 2.4); a column mapping "
                'file says which the export writes ([input] decimal = "." reads 1.150 as 1.15; '
                'decimal = "," confirms this reading)'
            )
            return
        self.warnings.append(
            f"{written}: they were read with '.' as the decimal mark and ',' grouping "
            "thousands (1.150 = 1.15, 2,400 = 2400); a column mapping file says which the "
            'export writes ([input] decimal = "," reads 1.150 as 1150; decimal = "." confirms '
            "this reading)"
        )

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """(reason codes, details) per row; '' where the row is a usable result."""
        raw = self.column("prolactin")
        if raw is None:
            raw = np.full(self.n, "", dtype=object)
        raw = self._results_in_notes(raw)
        decimal, settled_by = self._decimal_of(raw)
        if settled_by == "mapping":  # the mapping file's mark reads the typed numbers too
            raw = self._apply(raw, _mapped_text)
        codes, parsed = self._distinct(raw, lambda c: parse_quantity(c, decimal))
        as_read = parsed
        self._coded_nines = self._nines_beside_codes(self.table.distinct(raw).uniques)
        declared = [self._missing_code(u) for u in self.table.distinct(raw).uniques]
        parsed = [
            Quantity("missing", text=q.text or cell_text(u)) if d is not None else q
            for q, d, u in zip(parsed, declared, self.table.distinct(raw).uniques, strict=True)
        ]
        self._missing_labels = {
            q.text: d for q, d in zip(parsed, declared, strict=True) if d is not None
        }
        status = _pick(codes, parsed, lambda q: q.status, object)
        value = _pick(codes, parsed, lambda q: _nan(q.value), np.float64)
        unit_rows = self._nines_with_units(raw)  # a row writing its unit states a result
        if unit_rows.any():
            status = np.where(unit_rows, _pick(codes, as_read, lambda q: q.status, object), status)
            value = np.where(
                unit_rows, _pick(codes, as_read, lambda q: _nan(q.value), np.float64), value
            )
        self.out["prolactin_raw"] = _pick(codes, parsed, lambda q: q.text or None, object)
        self.out["qualifier"] = self._qualifier_column(
            _pick(codes, parsed, lambda q: q.qualifier, object)
        )
        self.out["lab_flag"] = self._lab_flags(
            _pick(codes, parsed, lambda q: q.flag or None, object)
        )
        cell_units = _pick(codes, parsed, lambda q: q.unit_text, object)
        cell_unit_ids = _pick(codes, parsed, lambda q: _unit_id(q.unit_text), np.int8)

        low, high, interval_units = self._interval()
        low, high, interval_units = self._intervals_in_cells(
            raw, decimal, low, high, interval_units
        )
        unit_text = self._written_unit(cell_units, interval_units)
        self._warn_unit_disagreements(cell_units, cell_unit_ids)
        self._warn_coded_units()
        self._warn_result_codes(raw)
        unit_codes, infos = self._distinct(unit_text, lambda t: normalise_unit(t) if t else None)
        unit = _pick(unit_codes, infos, lambda i: i.unit if i else None, object)
        factor = _pick(unit_codes, infos, lambda i: i.factor if i else math.nan, np.float64)
        grouped = np.zeros(self.n, dtype=bool)
        if decimal is None:
            value, grouped = self._whole_unit_thousands(raw, unit, value)
        # a typed number (HL7 NM "4.750" mIU/L) is read as a text cell of its unit group is
        value, typed_whole = self._whole_typed_miu(raw, unit, factor, value)
        # a text cell is read two ways when the file does not show its mark (or only the
        # export's separator implies one); a typed number (HL7 NM "6.000") always may be
        texts_undecided = decimal is None or settled_by == "export"
        if texts_undecided:
            value, censored = self._censored_readings(raw, value)
            grouped |= censored
        undecided, undecided_detail = self._undecided_urgent(
            raw,
            unit,
            factor,
            value,
            grouped,
            texts=texts_undecided,
            typed=self._typed_undecided(raw),
        )
        if typed_whole.any():
            # read as whole numbers, its readings either side of the urgent level still not
            # triaged on a guess (as a merged file's unmarked mIU/L rows: below)
            more, more_detail = self._undecided_urgent(
                raw, unit, factor, value, ~typed_whole, texts=False, typed=True, whole_agrees=False
            )
            more &= ~undecided
            undecided |= more
            undecided_detail = np.where(more, more_detail, undecided_detail)
        if settled_by == "column" and decimal is not None:
            # a merged file: the mark its other rows show says nothing of a unit group whose
            # own cells show none (ng/mL rows "12.5" beside mIU/L rows "6.000", "1.250")
            unmarked = self._unmarked_unit_rows(raw, unit, decimal)
            if unmarked.any():
                value = self._whole_unmarked_miu(raw, unit, value, unmarked)
                more, more_detail = self._undecided_urgent(
                    raw,
                    unit,
                    factor,
                    value,
                    ~unmarked,
                    texts=True,
                    whole_agrees=False,
                    shows=f"its unit group shows no decimal mark of its own (the column's "
                    f"other rows write {decimal!r}, a merged file may write each unit its own way)",
                )
                more &= ~undecided
                undecided |= more
                undecided_detail = np.where(more, more_detail, undecided_detail)
        if settled_by in ("column", "file"):
            # a result read by a mark only other cells show (the column's other rows, the
            # file's other columns), its readings either side of the urgent level
            more, more_detail = self._marks_of_other_cells(
                raw, unit, factor, value, grouped | undecided, decimal, settled_by
            )
            more &= ~undecided
            undecided |= more
            undecided_detail = np.where(more, more_detail, undecided_detail)
        # mIU/L, reported in whole numbers, read as a fraction by the mark only the column's
        # other rows, the file's other columns or the export's separator show ("6.250" beside
        # TSH "2.15" or beside "480.5" = 6.25 mIU/L)
        fractions, fraction_detail, fraction_urgent = self._whole_unit_fractions(
            raw, unit, factor, value, grouped | undecided, settled_by, decimal
        )
        if decimal is None:
            self._warn_ambiguous_marks(raw, grouped | undecided)
        elif settled_by == "column":
            self._warn_both_marks(raw, decimal, undecided | fractions)
        elif settled_by == "export":
            self._warn_ambiguous_marks(raw, undecided | fractions, decimal)
        implied = self._implied_units(low, high)
        self._warn_unit_conflicts(unit, implied)
        from_interval = (unit_text == "") & (implied != None)  # noqa: E711 (object array)
        from_interval &= ~self._unit_conflicts()  # two units written: neither is guessed
        unit = np.where(from_interval, implied, unit)
        factor = np.where(from_interval, 1.0, factor)
        taken = from_interval & ~np.isnan(value)  # rows with a result to read in it
        if taken.any():
            self.warnings.append(
                f"{int(taken.sum())} row(s) had no unit; it was taken from the lab's "
                "interval on the row (e.g. 102-496 -> mIU/L)"
            )
        self.out["unit_raw"] = np.where(unit_text == "", np.array(None, dtype=object), unit_text)
        self.out["prolactin_unit"] = unit
        self.out["prolactin_value"] = value * factor
        self._warn_iu_per_litre(value, unit, factor)
        self._warn_miu_in_iu(value, unit, factor)
        low, high = self._interval_in(unit, factor, low, high, interval_units)
        self.out["reference_low"] = low
        self.out["reference_high"] = high
        self.row_factor = factor
        self.row_unit = unit
        reason, detail = self._reasons(status, value * factor, unit, unit_text, low, high)
        besides = [q.beside for q in parsed]
        self._conversions_beside(codes, besides, value * factor, unit, reason, detail)
        self._possibly_urgent(reason, detail, value, unit_text)
        self._urgent_coded_nines(raw, reason, detail, unit_text)
        self._conflicting_cells(reason, detail, value * factor, unit)
        undecided &= reason == ""
        reason[undecided] = "ambiguous_decimal_mark"
        detail[undecided] = undecided_detail[undecided]
        self.possibly_urgent |= undecided
        fractions &= reason == ""
        reason[fractions] = "ambiguous_decimal_mark"
        detail[fractions] = fraction_detail[fractions]
        self.possibly_urgent |= fractions & fraction_urgent
        return reason, detail

    def _warn_both_marks(self, raw: np.ndarray, decimal: str, settled: np.ndarray) -> None:
        """Results written like '5.300' or '1,250' read by the mark most of the column's cells
        show when some of its cells show the other one ("480,5" and "512.5": a merged file):
        said with the rows (those read as the larger number, the reading that hides no urgent
        result; the others are rejected: _marks_of_other_cells, _whole_unit_fractions)."""
        found = self.table.distinct(raw)
        counts = decimal_evidence([u for u in found.uniques if isinstance(u, str)])
        if not (counts[","] and counts["."]):
            return
        flags = [isinstance(u, str) and two_readings(u) is not None for u in found.uniques]
        count, shown = self._flagged_rows(found, flags, leave=settled)
        if not count:
            return
        header = self.table.headers.get("prolactin", "prolactin")
        self.warnings.append(
            f"column {header!r}: {count} result(s) written like '5.300' or '1,250' (row(s) "
            f"{shown}) were read with {decimal!r} as the decimal mark, the one most of the "
            f"column's results show, though {counts['.' if decimal == ',' else ',']} show the "
            "other (a merged file may write each site its own way); a column mapping file says "
            'which mark the export writes ([input] decimal = "," or ".")'
        )

    def _marks_of_other_cells(
        self,
        raw: np.ndarray,
        unit: np.ndarray,
        factor: np.ndarray,
        value: np.ndarray,
        settled: np.ndarray,
        decimal: str | None,
        settled_by: str,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(rows, details) of results written like '1.250' or '1,150' in ng/mL (µg/L; mIU/L,
        whose whole reading agrees with the unit, is _whole_unit_fractions') read by a mark
        only other cells show, the column's other rows ("480.5", "12,5") or the file's other
        columns (TSH "2.15"), whose two readings fall on either side of the urgent level
        (1.25 or 1250 ng/mL): the mark other cells show says nothing certain of this one (a
        merged file writes each site its own way, a Swiss one groups with "'" and may write
        "." as its decimal), so it is not triaged on a guess (ambiguous_decimal_mark, listed
        with the urgent results; review 27: 1.250 µg/L beside 1'250 and 12,5 had been an
        urgent 1250, silently).  Except where those cells write the mark alone (no other decimal
        mark, no "'" group: a German column of "12,5" and "1.250", an English one of "8.5" and
        "12.345", a middleware export's TSH "2.15" beside "12.500"): read with it, said in a
        warning."""
        in_miu = (unit == "mIU/L") & (factor == 1)
        found = self.table.distinct(raw)
        if settled_by == "column":
            shows = (
                f"only the column's other results show a decimal mark ({decimal!r}), which says "
                "nothing certain of this one (a merged file may write each site its own way)"
            )
        else:
            shows = (
                f"only the file's other columns show a decimal mark ({decimal!r}), which says "
                "nothing certain of the result column's"
            )
        rows, details = self._undecided_urgent(
            raw, unit, factor, value, settled | in_miu, texts=True, whole_agrees=False, shows=shows
        )
        alone = (
            _one_mark_shown(found.uniques, decimal)
            if settled_by == "column"
            else self._file_mark_alone
        )
        if not rows.any() or not alone:
            return rows, details
        shown = ", ".join(str(int(r)) for r in self.table.source_rows[rows][:_NOTE_ROWS])
        header = self.table.headers.get("prolactin", "prolactin")
        where = "column's other results" if settled_by == "column" else "file's other columns"
        self.warnings.append(
            f"column {header!r}: {int(rows.sum())} result(s) written like '1.250' or '1,250' "
            f"(row(s) {shown}) were read with the decimal mark the {where} "
            f"show ({decimal!r}); read with the other mark they would be 1000 times higher or "
            "lower, on the other side of the urgent level (a merged file may write each site "
            "its own way; a column mapping file says which mark the export writes: [input] "
            'decimal = "," or ".")'
        )
        return np.zeros(self.n, dtype=bool), details

    def _whole_unit_fractions(
        self,
        raw: np.ndarray,
        unit: np.ndarray,
        factor: np.ndarray,
        value: np.ndarray,
        settled: np.ndarray,
        settled_by: str,
        decimal: str | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, details, urgent) of results in mIU/L (or a unit of the same scale: mU/L,
        µIU/mL) written with one separator before three digits ("6.250", "1,250") that the
        decimal mark of the file's other columns (TSH "2.15"), of the export's separator (a
        ;-separated text: ",") or of the column's other rows ("480.5", "12'500,0": review 27)
        read as a fraction (6.25 mIU/L, 0.29 ng/mL: low), where mIU/L is reported in whole
        numbers (clinical-reference §2.4: 6250, above the urgent level).  The mark other cells
        show says nothing certain of this one (a LIS writes each test its own way, a merged
        file each site): such a result is rejected as ambiguous_decimal_mark, and listed with
        the urgent results when its whole reading is urgent.  Not when a mapping file names the
        mark, or the whole reading cannot be a serum prolactin; a result read as the whole
        number agrees with the unit and stays.  ``settled``: rows already read or rejected
        another way; ``decimal``: the column's mark (settled_by "column")."""
        rows = np.zeros(self.n, dtype=bool)
        details = np.full(self.n, "", dtype=object)
        urgent_rows = np.zeros(self.n, dtype=bool)
        if settled_by not in ("file", "export", "column"):
            return rows, details, urgent_rows
        urgent = load_thresholds().get("urgent_miu_l")
        ceiling = prolactin_plausibility().max_by_unit.get("mIU/L", math.inf)
        found = self.table.distinct(raw)
        readings = [two_readings(u) if isinstance(u, str) else None for u in found.uniques]
        candidates = np.array([r is not None for r in readings], dtype=bool)[found.codes]
        candidates &= (unit == "mIU/L") & (factor == 1) & ~settled
        header = self.table.headers.get("prolactin", "prolactin")
        mark = self._file_decimal() if settled_by == "file" else self.table.decimal_hint
        shows = {
            "file": f"the file's other columns write {mark!r} as their decimal mark",
            "export": f"the export's separator implies {mark!r} as its decimal mark",
        }.get(settled_by, f"the column's other results write {decimal!r} as their decimal mark")
        own = (
            "this result does not show its mark"
            if settled_by == "column"
            else "the column's own results do not show their mark"
        )
        for i in np.flatnonzero(candidates).tolist():
            pair = readings[found.codes[i]]
            if pair is None or value[i] != pair[0] or pair[1] > ceiling:
                continue
            rows[i] = True
            low, high = pair
            urgent_rows[i] = high >= urgent
            listed = (
                f"at {_fmt(high)} it is above the urgent level ({_fmt(urgent)} mIU/L): not "
                "triaged on a guess, listed with the urgent results"
                if urgent_rows[i]
                else "not triaged on a guess"
            )
            details[i] = (
                f"column {header!r}: {cell_text(raw[i])!r} can be read as {_fmt(low)} or "
                f"{_fmt(high)} mIU/L: {shows} ({_fmt(low)}), but mIU/L is reported in whole "
                f"numbers ({_fmt(high)}) and {own}; "
                f"{listed} (a column mapping "
                'file says which mark the export writes: [input] decimal = "," or ".")'
            )
        return rows, details, urgent_rows

    def _missing_code(self, cell: object) -> str | None:
        """What a result cell that is a missing-data code means (the codebook's label, or
        "" for a conventional code: missing_result_codes, or an all-9 code beside the column's
        own codes: _nines_beside_codes), else None."""
        label = self._declared_code(cell)
        if label is not None:
            return label
        number = bare_number(cell)
        if number is not None and (
            number in missing_result_numbers() or number in self._coded_nines
        ):
            return ""
        if number is None and is_export_missing_mark(cell):  # Stata's ".a", SPSS's "#NULL!"
            return ""
        return None

    def _declared_code(self, cell: object) -> str | None:
        """The codebook's label of a result cell it declares a missing-data code, else None."""
        number = bare_number(cell)
        for code, label in self.settings.missing_results.items():
            if number is not None and bare_number(code) == number:
                return label
            if number is None and _loose_code(cell_text(cell)) == _loose_code(code):
                return label
        return None

    def _own_code(self, cell: object, nines: frozenset[float]) -> bool:
        """A result cell that is the export's own missing-data code, never a result: one its
        codebook declares (not an all-9 one), a negative code, Stata's ".a" to ".z"."""
        if is_empty_value(cell):
            return False
        number = bare_number(cell)
        if number is not None and number in nines:
            return False
        if self._declared_code(cell) is not None:
            return True
        if number is not None:
            return number < 0 and is_missing_code(cell)
        return is_export_missing_mark(cell)

    def _nines_beside_codes(self, cells: Sequence[object]) -> dict[float, str]:
        """The result column's all-9 codes (999, 9999: missing_result_codes_beside) where it also
        holds the export's own missing-data codes (a negative code, Stata's ".a", one the
        codebook declares): number -> those other codes, as the reason names them.  Alone, 999
        may be a result (it is triaged, with a warning: _warn_result_codes)."""
        nines = missing_result_numbers_beside()
        found = {n for u in cells if (n := bare_number(u)) is not None and n in nines}
        if not found:
            return {}
        own = sorted({cell_text(u).strip() for u in cells if self._own_code(u, nines)})
        if own:
            said = f"the column's own missing-data codes {', '.join(own[:_NOTE_EXAMPLES])}"
        elif self._export_codes:
            shown = "; ".join(
                f"{header!r}: {', '.join(sorted(codes)[:_NOTE_EXAMPLES])}"
                for header, codes in list(self._export_codes.items())[:_NOTE_EXAMPLES]
            )
            said = f"the missing-data codes of the export's other columns ({shown})"
            self._nines_elsewhere = True
        else:
            return {}
        return dict.fromkeys(sorted(found), said)

    def _coded_nine_rows(self, raw: np.ndarray) -> np.ndarray:
        """Rows whose result cell is an all-9 code read as missing (_nines_beside_codes)."""
        if not self._coded_nines:
            return np.zeros(self.n, dtype=bool)
        return self._apply(
            raw, lambda c: (n := bare_number(c)) is not None and n in self._coded_nines, bool
        )

    def _nines_with_units(self, raw: np.ndarray) -> np.ndarray:
        """Rows whose all-9 result writes its own unit in the row's unit column ("999" beside
        "ng/mL"): a measured result, never the export's missing-data code."""
        unit_col = self.column("prolactin_unit")
        if unit_col is None or not self._nines_elsewhere:  # the column's own codes: review 23
            return np.zeros(self.n, dtype=bool)
        rows = self._coded_nine_rows(raw)
        if not rows.any():
            return np.zeros(self.n, dtype=bool)
        written: np.ndarray = ~self._apply(unit_col, is_empty_value, bool)
        kept: np.ndarray = rows & written
        return kept

    def _urgent_coded_nines(
        self, raw: np.ndarray, reason: np.ndarray, detail: np.ndarray, unit_text: np.ndarray
    ) -> None:
        """An all-9 result rejected as a possible missing-data code that would be urgent were
        it measured (999 ng/mL, 9999 mIU/L, in its header's unit or in any unit) is listed
        with the urgent results, not triaged: a real urgent result never vanishes."""
        if not self._nines_elsewhere:  # the column's own codes beside them: review 23's rule
            return
        for i in np.flatnonzero(self._coded_nine_rows(raw) & (reason == "missing_result")):
            note = untriaged_urgency(bare_number(raw[i]), str(unit_text[i] or ""))
            if note:
                self.possibly_urgent[i] = True
                detail[i] += note.replace(
                    "its result", f"{cell_text(raw[i]).strip()}, if a measured result,", 1
                )

    def _unmarked_unit_rows(self, raw: np.ndarray, unit: np.ndarray, decimal: str) -> np.ndarray:
        """Rows whose result may be read two ways ("6.000", "1,250") in a unit group (the rows
        of one unit) whose own text cells show no decimal mark, while the column's other rows
        show one: a merged multi-site file takes its mark per site, and one site's "12.5"
        ng/mL says nothing of another's "6.000" mIU/L.  Only cells whose separator is the
        column's own decimal `decimal`, so that its mark reads them as the small number: where
        the column writes "12,5", "5.300" groups thousands by that very mark (5300), the larger
        reading, and the column's mark decides.  (A mark the file's other columns show, TSH
        "2.15", is the whole export's: every unit group takes it.)"""
        found = self.table.distinct(raw)
        cells = np.array(
            [
                isinstance(u, str) and decimal in u and two_readings(u) is not None
                for u in found.uniques
            ],
            dtype=bool,
        )[found.codes]
        rows = np.zeros(self.n, dtype=bool)
        if not cells.any():
            return rows
        groups = {u for u in unit.tolist() if isinstance(u, str)}
        for group in groups:
            members = unit == group
            texts = {
                found.uniques[c] for c in np.unique(found.codes[members]).tolist()
            }  # the group's own distinct cells
            counts = decimal_evidence(texts)
            if counts[","] == counts["."] == 0 and len(groups) > 1:
                rows |= members & cells
        return rows

    def _whole_unmarked_miu(
        self, raw: np.ndarray, unit: np.ndarray, value: np.ndarray, unmarked: np.ndarray
    ) -> np.ndarray:
        """mIU/L results of a unit group that shows no decimal mark (``unmarked``) read as
        whole numbers, as mIU/L is reported ("1.250" = 1250; read with the mark of the file's
        other rows it was 1.25 mIU/L, below what any assay reads): said with the rows.  Their
        readings straddling the urgent level are still rejected as ambiguous (the caller)."""
        found = self.table.distinct(raw)
        pairs = [two_readings(u) if isinstance(u, str) else None for u in found.uniques]
        whole = np.array([p[1] if p else math.nan for p in pairs], dtype=np.float64)[found.codes]
        rows = unmarked & (unit == "mIU/L") & ~np.isnan(whole) & ~np.isnan(value)
        rows &= whole != value
        if not rows.any():
            return value
        shown = ", ".join(str(int(r)) for r in self.table.source_rows[rows][:_NOTE_ROWS])
        header = self.table.headers.get("prolactin", "prolactin")
        self.warnings.append(
            f"column {header!r}: {int(rows.sum())} result(s) in mIU/L written like '1.250' "
            f"(row(s) {shown}) were read as whole numbers (1.250 = 1250: mIU/L is reported in "
            "whole numbers); the file's other results show a decimal mark but the mIU/L ones "
            "do not (a merged file of several sites may write each its own way); a column "
            'mapping file says which mark the export writes ([input] decimal = "," or ".")'
        )
        out: np.ndarray = np.where(rows, whole, value)
        return out

    def _typed_undecided(self, raw: np.ndarray) -> bool:
        """Whether the column's typed numbers (HL7 NM: values.FormatNumber) may be read two
        ways: not when their own texts show "." as their decimal mark ("0.45", "12.5"), as a
        table's column shows its own; the text cells' mark ("25,3" in another message) never
        decides for them."""
        typed = [
            u.text
            for u in self.table.distinct(raw).uniques
            if isinstance(u, FormatNumber) and not u.exact
        ]
        return bool(typed) and infer_decimal_mark(typed) != "."

    def _censored_readings(
        self, raw: np.ndarray, value: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(values, rows so read): a censored result written like '>1,000' or '<1.000' in a file
        that does not show its decimal mark has one reading only a lab reports: '>' is above the
        assay's measuring range, so its small reading (>1 ng/mL) is no such limit and the large
        one (>1000) is read; '<' is below its lower limit, so the small one (<1) is read.  The
        qualifier is the cell's own or its comparator column's."""
        qualifier = self.out.get("qualifier")
        rows = np.zeros(self.n, dtype=bool)
        if qualifier is None:
            return value, rows
        found = self.table.distinct(raw)
        readings = [two_readings(u) if isinstance(u, str) else None for u in found.uniques]
        out = value.copy()
        for i in np.flatnonzero(np.array([r is not None for r in readings])[found.codes]):
            pair = readings[found.codes[i]]
            if pair is None or qualifier[i] not in CENSORED_READING:
                continue
            out[i] = pair[CENSORED_READING[qualifier[i]]]
            rows[i] = True
        if rows.any():
            header = self.table.headers.get("prolactin", "prolactin")
            self.warnings.append(
                f"column {header!r}: {int(rows.sum())} censored result(s) written like '>1,000' "
                "or '<1.000' in a file that does not show its decimal mark were read as a lab "
                "reports them: '>' with the large reading (above the measuring range: >1000), "
                "'<' with the small one (below its lower limit: <1)"
            )
        return out, rows

    def _undecided_urgent(
        self,
        raw: np.ndarray,
        unit: np.ndarray,
        factor: np.ndarray,
        value: np.ndarray,
        settled: np.ndarray,
        *,
        texts: bool = True,
        typed: bool = False,
        whole_agrees: bool = True,
        shows: str = "the file does not show its decimal mark",
    ) -> tuple[np.ndarray, np.ndarray]:
        """(rows, details) whose result is written like '6,250' or '1.150' in a file that does
        not show its decimal mark (none anywhere, or only the export's separator implies one),
        and whose two readings (6.25 and 6250) fall on either side of the urgent level: read
        one way, an urgent result had been low, or a low one urgent, on a guess.  Such rows are
        rejected (ambiguous_decimal_mark) and listed with the urgent results.  A result in mIU/L
        read as the whole number is not: mIU/L is reported in whole numbers, and the unit agrees
        with the reading (``settled``: rows so read by _whole_unit_thousands).  A number its
        format types (HL7 NM "6.000": values.FormatNumber, read with "." as the standard says)
        is checked too (``typed``) unless the typed numbers of the column show their mark, since
        a lab system may write its locale's thousands group in it; ``texts``: text cells are
        checked."""
        limits = load_thresholds()
        urgent = limits.get("urgent_miu_l")
        per_ng = self.settings.conversion_factor or load_reference_set(DEFAULT_SET_NAME).miu_per_ng
        ceilings = prolactin_plausibility().max_by_unit
        rows = np.zeros(self.n, dtype=bool)
        details = np.full(self.n, "", dtype=object)
        found = self.table.distinct(raw)
        readings = [_two_readings_of(u, texts, typed) for u in found.uniques]
        header = self.table.headers.get("prolactin", "prolactin")
        for i in np.flatnonzero(np.array([r is not None for r in readings])[found.codes]):
            pair = readings[found.codes[i]]
            if pair is None or settled[i] or unit[i] not in ceilings or not factor[i] > 0:
                continue
            if whole_agrees and unit[i] == "mIU/L" and value[i] == pair[1]:
                continue  # read as a whole number, as mIU/L is reported: the unit agrees
            to_miu = float(factor[i]) * (1.0 if unit[i] == "mIU/L" else float(per_ng or math.nan))
            plausible = [r for r in pair if r * factor[i] <= ceilings[str(unit[i])]]
            if len(plausible) < len(pair) or np.isnan(value[i]):
                continue
            urgent_at = [r * to_miu >= urgent for r in pair]
            if urgent_at[0] == urgent_at[1]:
                continue
            rows[i] = True
            low, high = sorted(pair)
            shows = (
                "its format writes '.' as the decimal mark, but a lab system may group "
                "thousands with it"
                if isinstance(raw[i], FormatNumber)
                else shows
            )
            details[i] = (
                f"column {header!r}: {cell_text(raw[i])!r} can be read as {_fmt(low)} or "
                f"{_fmt(high)} {unit[i]} and {shows}; at "
                f"{_fmt(high)} it is above the urgent level ({_fmt(urgent)} mIU/L), at "
                f"{_fmt(low)} it is not: not triaged on a guess, listed with the urgent results "
                "(a column mapping file says which mark the export writes: [input] decimal = "
                '"," or ".")'
            )
        return rows, details

    def quality_control(self, reason: np.ndarray, detail: np.ndarray) -> None:
        """Rows of quality-control, calibrator or EQA material, no patient's sample: a
        sample-type cell, or the patient id or name, that says so (values.
        quality_control_material).  Rejected as quality_control whatever else the row holds,
        never listed with the urgent results.  A row with patient details (a patient id that
        is no material, a sex, an age, a birth date, a name) is a patient's (review 27): its
        sample type of a bare "Control" / "Kontrolle" / "Contrôle" (a follow-up sample,
        values.quality_control_follow_up) and a product or scheme name in its name column (a
        surname "Instand") say nothing."""
        found = np.zeros(self.n, dtype=bool)
        said = np.full(self.n, "", dtype=object)
        material_id = self._quality_control_hits("patient_id")
        personal = np.zeros(self.n, dtype=bool)
        for name in ("sex", "age_years", "birth_date"):
            if (col := self.column(name)) is not None:
                personal |= np.array([t is not None for t in self._texts(col)], dtype=bool)
        if (col := self.column("patient_id")) is not None:
            personal |= np.array([t is not None for t in self._texts(col)], dtype=bool)
            personal &= ~material_id
        named = self._quality_control_hits("patient_name")
        if (col := self.column("patient_name")) is not None:
            personal |= np.array([t is not None for t in self._texts(col)], dtype=bool) & ~named
        hits = {
            "sample_type": self._quality_control_hits("sample_type")
            | (self._quality_control_hits("sample_type", follow_up=True) & ~personal),
            "patient_id": material_id,
            "patient_name": np.where(
                personal, self._quality_control_hits("patient_name", products=False), named
            ),
        }
        for name, hit in hits.items():
            col = self.column(name)
            if col is None:
                continue
            hit = hit & ~found
            header = self.table.headers.get(name, name)
            for i in np.flatnonzero(hit).tolist():
                said[i] = f"{header} {cell_text(col[i]).strip()!r}"
            found |= hit
        if not found.any():
            return
        self.possibly_urgent[found] = False
        reason[found] = "quality_control"
        for i in np.flatnonzero(found).tolist():
            detail[i] = (
                f"{said[i]}: quality-control, calibrator or EQA material, no patient's sample: "
                "not triaged"
            )

    def _quality_control_hits(
        self, name: str, *, follow_up: bool = False, products: bool = True
    ) -> np.ndarray:
        """Per row, whether the column ``name`` says quality-control material (all False
        without the column); ``follow_up``: a sample type of a bare follow-up word."""
        col = self.column(name)
        if col is None:
            return np.zeros(self.n, dtype=bool)
        func: Callable[[object], bool] = (
            quality_control_follow_up
            if follow_up
            else partial(
                quality_control_material, sample_type=name == "sample_type", products=products
            )
        )
        codes, parsed = self._distinct(col, func)
        return np.asarray(_pick(codes, parsed, lambda p: p, np.bool_), dtype=bool)

    def red_flags(self, reason: np.ndarray, detail: np.ndarray) -> None:
        """Rejected rows whose result is not triaged (red_flags.RED_FLAG_READ) and whose cells
        name a mass-effect red flag (the engine's cues, in any text cell of the row's columns):
        listed with the urgent results, as a red flag with any raised prolactin is urgent
        (clinical-reference §5, §8) and the row's prolactin is not known."""
        read = np.isin(reason, list(RED_FLAG_READ)) & ~self.possibly_urgent
        if not read.any():
            return
        columns = [(name, col) for name, col in self.table.columns.items() if len(col) == self.n]
        for i in np.flatnonzero(read).tolist():
            hit = red_flag_in((name, col[i]) for name, col in columns)
            if hit is not None:
                self.possibly_urgent[i] = True
                detail[i] += red_flag_note(hit)

    def urgent_despite(self, rows: np.ndarray, detail: np.ndarray) -> None:
        """``rows`` (rejected for their age) whose result may be above the urgent level in any
        interval and calibration: listed with the urgent results as well.  A result in ng/mL
        is compared at the row's own conversion factor, else the file's (mapping
        conversion_factor), else the largest of the shipped assays' (every reference set's
        miu_per_ng): not at miu_per_ng_plausible_max, a bound for checking a factor written,
        which made 125 ng/mL "possibly urgent" where the urgent level is ~236 ng/mL."""
        limits = load_thresholds()
        urgent = limits.get("urgent_miu_l")
        value = np.asarray(self.out["prolactin_value"], dtype=np.float64)
        unit = self.out["prolactin_unit"]
        given = self.settings.conversion_factor or _largest_assay_factor()
        own = self.out.get("conversion_factor")
        per_row = np.full(self.n, given) if own is None else np.asarray(own, dtype=np.float64)
        per_row = np.where(np.isfinite(per_row) & (per_row > 0), per_row, given)
        in_miu = np.where(
            unit == "mIU/L", value, np.where(unit == "ng/mL", value * per_row, np.nan)
        )
        with np.errstate(invalid="ignore"):
            may = rows & (in_miu >= urgent)
        self.possibly_urgent |= may
        for i in np.flatnonzero(may):
            detail[i] += (
                f"; its result may be above {_fmt(urgent)} mIU/L whatever the interval: listed "
                "with the urgent results"
            )

    def _lab_flags(self, in_cells: np.ndarray) -> np.ndarray:
        """The lab's own flag of each result ("high", "low", "abnormal", "normal" or None):
        written beside the number ("25 H"), else in a flag column of its own ("Kennz."); sets
        ``lab_flag_critical`` where that flag says critical ("HH", "LL", "H kritisch")."""
        critical = np.zeros(len(in_cells), dtype=bool)  # HH / LL: lab_flag_critical
        raw = self.out["prolactin_raw"]
        for i in np.flatnonzero(pd.Series(in_cells, dtype=object).isin(DIRECTED_FLAGS)):
            critical[i] = flag_is_critical(raw[i], in_cells[i])
        col = self.column("lab_flag")
        if col is None:
            self.out["lab_flag_critical"] = critical
            return in_cells
        in_column = self._apply(col, flag_column_direction)
        column_critical = self._apply(col, _critical_flag_cell, bool)
        in_column_used = pd.isna(in_cells)
        self.out["lab_flag_critical"] = np.where(in_column_used, column_critical, critical)
        return np.where(in_column_used, in_column, in_cells)

    def _qualifier_column(self, in_cells: np.ndarray) -> np.ndarray:
        """The qualifier of each result: the cell's own ("<5"), else the comparator column's
        (an "Operator" column with ">" beside "4700": read as ">4700", a censored result; read
        as 4700 alone, a result above the assay's range had been a plain one), else the lab's
        off-scale flag's (HL7 OBX-8 / FHIR interpretation ">": values.off_scale_flag).  A cell
        of the comparator column that is no comparator changes nothing and is said."""
        return self._off_scale_flags(self._comparator_column(in_cells))

    def _off_scale_flags(self, in_cells: np.ndarray) -> np.ndarray:
        """A result without a qualifier whose flag says it lies beyond the measuring range
        (">" above the absolute high-off instrument scale, "<" below the low-off one: HL7 table
        0078, v3-ObservationInterpretation) takes that qualifier: "200" flagged ">" is ">200",
        urgent until diluted, as an SN comparator is; never the plain number."""
        col = self.column("lab_flag")
        if col is None:
            return in_cells
        flagged = self._apply(col, off_scale_flag)
        header = self.table.headers.get("lab_flag", "lab_flag")
        written = (in_cells == "") | pd.isna(in_cells)
        clash = ~written & (flagged != "") & (flagged != in_cells)
        if clash.any():
            self.warnings.append(
                f"column {header!r}: {int(clash.sum())} result(s) flagged off scale on the "
                "other side than their own comparator; the result's comparator was used"
            )
        return np.where(written & (flagged != ""), flagged, in_cells)

    def _comparator_column(self, in_cells: np.ndarray) -> np.ndarray:
        col = self.column("result_qualifier")
        if col is None:
            return in_cells
        in_column = self._apply(col, comparator)
        header = self.table.headers.get("result_qualifier", "result_qualifier")
        unread = pd.isna(in_column)
        if unread.any():
            example = cell_text(col[int(np.flatnonzero(unread)[0])])
            self.warnings.append(
                f"column {header!r}: {int(unread.sum())} cell(s) are no comparator (e.g. "
                f"{example!r}); their results were read without one"
            )
        written = (in_cells == "") | pd.isna(in_cells)
        clash = ~written & ~unread & (in_column != "") & (in_column != in_cells)
        if clash.any():
            self.warnings.append(
                f"column {header!r}: {int(clash.sum())} result(s) write a comparator in the "
                "cell that differs from the column's; the cell's was used"
            )
        take = written & ~unread & (in_column != "")
        return np.where(take, in_column, in_cells)

    def _interval_in(
        self,
        unit: np.ndarray,
        factor: np.ndarray,
        low: np.ndarray,
        high: np.ndarray,
        interval_units: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The lab's interval in the result's unit: scaled by its own unit where it writes one
        (µg/L beside ng/mL).  Where that unit is of another kind than the result's (mU/l beside
        a result in ng/ml) the numbers are kept as written, in its own unit's scale: the engine
        reads them in the other unit with the reference set's factor and says so
        (engine/intervals.vet_row_intervals); dropped, the set's wider interval had made a
        result above the lab's limit normal."""
        codes, infos = self._distinct(interval_units, lambda t: normalise_unit(t) if t else None)
        own = _pick(codes, infos, lambda i: i.unit if i else None, object)
        own_factor = _pick(codes, infos, lambda i: i.factor if i else math.nan, np.float64)
        written = own != None  # noqa: E711 (object array)
        other = written & (own != unit) & (unit != None)  # noqa: E711
        scale = np.where(written, own_factor, factor)
        low, high = low * scale, high * scale
        hit = other & ~(np.isnan(low) & np.isnan(high))
        if hit.any():
            header = self.table.headers.get("reference_range", "reference_range")
            first = int(np.flatnonzero(hit)[0])
            self.warnings.append(
                f"column {header!r}: {int(hit.sum())} row(s) give the lab's interval in "
                f"{interval_units[first]} but the result in {unit[first]}: the interval is "
                "converted with the reference set's factor (check the export's units)"
            )
        return low, high

    def _interval(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        nan = np.full(self.n, math.nan)
        rr = self.column("reference_range")
        low, high, units = nan.copy(), nan.copy(), np.full(self.n, "", dtype=object)
        if rr is not None:
            decimal = self._decimal(rr)
            codes, parsed = self._distinct(rr, lambda c: parse_interval(c, decimal))
            parsed = self._lone_upper_limits(rr, parsed, decimal)
            codes, parsed = self._sex_intervals(rr, codes.copy(), parsed, decimal)
            low, high = _interval_ends(codes, parsed)
            units = _pick(codes, parsed, lambda i: i.unit_text if i else "", object)
            self.out["reference_range"] = self._texts(rr)
        for name, target in (("reference_low", "low"), ("reference_high", "high")):
            col = self.column(name)
            if col is None:
                continue
            decimal = self._decimal(col)
            given = self._floats(col, partial(_quantity_value, decimal=decimal))
            if target == "low":
                low = np.where(np.isnan(given), low, given)
            else:
                high = np.where(np.isnan(given), high, given)
        return low, high, units

    def _lone_upper_limits(
        self, rr: np.ndarray, parsed: list[Interval | None], decimal: str | None
    ) -> list[Interval | None]:
        """Lone numbers of the interval column ("23.3", "25") read as the lab's upper limit
        where the column says that is what they are: its header writes a comparator ("Ref <",
        "Normal (<)") or its other rows write such a number as an upper limit ("4.8-23.3"
        beside "23.3", read as that interval when the column pairs one lower limit with it;
        "< 25" beside "25"; never where it is a lower limit).  Elsewhere a lone number
        stays ambiguous: the engine judges it beside the reference set's interval, with a
        note (engine/intervals.vet_row_intervals)."""
        found = self.table.distinct(rr)
        used = _used(found)
        lone = [
            lone_number(u, decimal) if p is None and k else None
            for u, p, k in zip(found.uniques, parsed, used, strict=True)
        ]
        if not any(v is not None for v in lone):
            return parsed
        header = self.table.headers.get("reference_range", "reference_range")
        written = [p for p, k in zip(parsed, used, strict=True) if p is not None and k]
        lows = {p.low for p in written if p.low is not None}
        highs = {p.high for p in written if p.high is not None}
        # the lower limit the column writes with each upper one ("4.8-23.3": 23.3 -> {4.8})
        paired: dict[float, set[float | None]] = {}
        for p in written:
            if p.high is not None:
                paired.setdefault(p.high, set()).add(p.low)
        upper_only = any(p.low is None for p in written)
        lower_only = any(p.high is None for p in written)
        said = header_says_upper_limit(header)
        out = list(parsed)
        read: list[int] = []
        for i, value in enumerate(lone):
            if value is None or value in lows:
                continue
            if said or value in highs or (upper_only and not lower_only):
                # "23.3" beside "4.8-23.3" only: that interval; else the upper limit alone
                pair = paired.get(value, set())
                low = next(iter(pair)) if len(pair) == 1 else None
                out[i] = Interval(low, value, "")
                read.append(i)
        if read:
            rows = int(np.isin(found.codes, read).sum())
            why = (
                "its header says so"
                if said
                else f"as its other rows write it (e.g. {_interval_text(written)!r})"
            )
            self.warnings.append(
                f"column {header!r}: {rows} row(s) give a lone number (e.g. "
                f"{cell_text(found.uniques[read[0]])!r}): read "
                f"as the lab's upper limit, {why}"
            )
        return out

    def _intervals_in_cells(
        self,
        raw: np.ndarray,
        decimal: str | None,
        low: np.ndarray,
        high: np.ndarray,
        units: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The lab's interval written in the result cell after the number ("25,1 (4,8 -
        23,3)"), for rows whose own interval columns give none: judged against the set's
        3-30 ng/mL, that woman's 25.1 had been a false normal."""
        codes, parsed = self._distinct(raw, partial(cell_interval, decimal=decimal))
        if not any(p is not None for p in parsed):
            return low, high, units
        cell_low, cell_high = _interval_ends(codes, parsed)
        cell_units = _pick(codes, parsed, lambda i: i.unit_text if i else "", object)
        take = np.isnan(low) & np.isnan(high) & ~np.isnan(cell_low)
        if not take.any():
            return low, high, units
        header = self.table.headers.get("prolactin", "prolactin")
        self.warnings.append(
            f"column {header!r}: {int(take.sum())} result(s) write the lab's interval in the "
            "cell after the value (e.g. '25,1 (4,8 - 23,3)'): used as the row's interval"
        )
        return (
            np.where(take, cell_low, low),
            np.where(take, cell_high, high),
            np.where(take, cell_units, units),
        )

    def _sex_intervals(
        self,
        rr: np.ndarray,
        codes: np.ndarray,
        parsed: list[Interval | None],
        decimal: str | None,
    ) -> tuple[np.ndarray, list[Interval | None]]:
        """Per-row intervals where a cell gives one per sex ("M: 4.0-15.2; F: 4.8-23.3").

        Returns the rows' codes (``codes``, renumbered in place) into the returned intervals.
        Cells that hold text but no readable interval are reported (the reference set is used).
        """
        uniques = self.table.distinct(rr).uniques
        sex_col = self.column("sex")
        seen: list[object] = []
        if sex_col is not None:
            found = self.table.distinct(sex_col)
            seen = [u for u, k in zip(found.uniques, _used(found), strict=True) if k]
        # the sex column's one-letter codes as its language reads them ("M" is mujer beside
        # "V" varón): for the interval cell's labels and for each row's own sex below
        reading = sex_letter_reading(seen, self.table.headers.get("sex", "sex")) if seen else None
        file_letters = sex_label_letters(reading, self.table.headers.values())
        reads = [
            sex_intervals_read(u, decimal, file_letters)
            if p is None and not is_empty_value(u)
            else (None, "")
            for u, p in zip(uniques, parsed, strict=True)
        ]
        by_sex = [table for table, _ in reads]
        used = _used(self.table.distinct(rr))
        self._warn_sex_letters(rr, reads, used)
        unread = [
            bool(k) and p is None and b is None and not is_empty_value(u)
            for u, p, b, k in zip(uniques, parsed, by_sex, used, strict=True)
        ]
        if any(unread):
            rows = np.array(unread, dtype=bool)[codes]
            example = cell_text(uniques[unread.index(True)])
            header = self.table.headers.get("reference_range", "reference_range")
            self.warnings.append(
                f"column {header!r}: {int(rows.sum())} row(s) have a reference interval that "
                f"could not be read (e.g. {example!r}); the reference set's interval was used "
                "for them (their reference_note says so)"
            )
        if not any(by_sex):
            return codes, parsed
        sexes = np.full(self.n, None)
        if sex_col is not None:
            # the sex as the frame reads it, so that each row gets its own sex's interval
            letters = reading.letters if reading is not None else None
            sexes = self._apply(sex_col, partial(sex_of_cell, letters=letters))
        ages, menopausal = self._interval_states(by_sex)
        limits = load_thresholds()
        bounds = (limits.get("adult_age_years"), limits.get("childbearing_age_max_years"))
        extended = list(parsed)
        chosen: dict[tuple[int, Interval], int] = {}
        no_fit = both = 0
        for row in np.flatnonzero(np.array([b is not None for b in by_sex])[codes]):
            table = by_sex[codes[row]]
            age = None if np.isnan(ages[row]) else float(ages[row])
            state = menopausal[row] if isinstance(menopausal[row], bool) else None
            interval = (
                group_interval(table, _text(sexes[row]), age, state, bounds)
                if table is not None
                else None
            )
            if interval is None:
                # no sex, and the women's and men's intervals: the engine judges the row
                # against both (engine/intervals._both_sexes_ng), as for the set's strata
                unsexed = table is not None and _text(sexes[row]) not in ("F", "M")
                if unsexed and table is not None and unsexed_intervals(table, age, bounds):
                    both += 1
                else:
                    no_fit += 1
                continue
            key = (int(codes[row]), interval)
            if key not in chosen:
                chosen[key] = len(extended)
                extended.append(interval)
            codes[row] = chosen[key]
        for code, table in enumerate(by_sex):
            if table is not None:
                extended[code] = None  # rows left on the cell itself: no group fits them
        if both:
            self.warnings.append(
                f"{both} row(s) have an interval per group (sex, age, menopausal status) and no "
                "sex: judged against the lab's women's and men's intervals together (high only "
                "above both upper limits, low only below both lower limits, otherwise "
                "indeterminate)"
            )
        if no_fit:
            self.warnings.append(
                f"{no_fit} row(s) have an interval per group (sex, age, menopausal status) but "
                "none that fits the row's sex, age and status; the reference set's interval was "
                "used for them (their reference_note says so)"
            )
        return codes, extended

    def _warn_sex_letters(
        self, rr: np.ndarray, reads: Sequence[tuple[object, str]], used: np.ndarray
    ) -> None:
        """Say how an interval column's one-letter sex labels that read two ways were read
        ("M: 4,0-15,2 V: 4,8-23,3": man / vrouw or mujer / varón): by the numbers (the women's
        upper limit is the higher in every adult set), or, undecided, the stricter interval for
        every row (values.sex_intervals_read).  Read by the file's language: nothing to say."""
        header = self.table.headers.get("reference_range", "reference_range")
        codes = self.table.distinct(rr).codes
        uniques = self.table.distinct(rr).uniques
        for how, said in (
            (
                LETTERS_BY_NUMBERS,
                "nothing in the file tells their language, so the label with the higher upper "
                "limit was read as the women's (as in every adult reference set)",
            ),
            (
                LETTERS_UNDECIDED,
                "neither the file's language nor the numbers (the women's upper limit is the "
                "higher in every adult set) tell which is the women's, or they disagree: the "
                "stricter interval (the lower upper limit) was used for every row, so that "
                "none is falsely normal; check the export",
            ),
        ):
            picked = [bool(k) and r[1] == how for r, k in zip(reads, used, strict=True)]
            if not any(picked):
                continue
            rows = int(np.array(picked, dtype=bool)[codes].sum())
            example = cell_text(uniques[picked.index(True)])
            self.warnings.append(
                f"column {header!r}: {rows} row(s) label the lab's intervals by sex with letters "
                f"that read two ways (e.g. {example!r}: M man or mujer, V vrouw or varón); "
                f"{said}"
            )

    def _interval_states(
        self, tables: Sequence[Mapping[str, Interval] | None]
    ) -> tuple[np.ndarray, np.ndarray]:
        """(age in years, NaN unknown; menopausal True / False / None) per row, as far as an
        interval cell's groups need them: read before the identity columns are built, from the
        age and menopausal columns alone (a row known only by its birth date has no age here,
        and takes its women's group, if any, or the reference set's interval)."""
        ages = np.full(self.n, np.nan)
        menopausal = np.full(self.n, None, dtype=object)
        keys = {key for table in tables if table is not None for key in table}
        if not keys - {"F", "M"}:
            return ages, menopausal
        given = self._with_age_units(self.column("age_years"))
        if given is not None:
            said = len(self.warnings)
            ages = self._ages(given)
            del self.warnings[said:]  # said once, when the age column is built
        col = self.column("menopausal")
        if col is not None:
            menopausal = self._apply(col, partial(_flag, field="menopausal"))
        return ages, menopausal

    def _written_unit(self, cell_units: np.ndarray, interval_units: np.ndarray) -> np.ndarray:
        """The first unit written for each row (cell, unit column, header, interval, default)."""
        chosen = np.asarray(cell_units, dtype=object).copy()
        unit_col = self.column("prolactin_unit")
        levels: list[np.ndarray | str] = []
        if unit_col is not None:
            levels.append(
                self._apply(unit_col, lambda c: cell_text(c) if not is_empty_value(c) else "")
            )
        # the result's header before the interval's cell: "Prolaktin (ng/ml)" beside
        # "102 - 496 mU/l" is a result in ng/mL (the interval is converted from its own unit)
        levels.append(self.table.header_unit("prolactin"))
        levels.append(interval_units)
        # the unit columns disagree (twice headed "Unit": ng/mL and mIU/L): none is taken
        blocked = self._unit_conflicts() & (chosen == "")
        for level in levels:
            chosen = np.where(chosen == "", level, chosen)
        chosen[blocked] = ""
        for given, source in (
            (self._default_unit(), "the default"),
            (self.settings.unit, "--unit"),
        ):
            pending = (chosen == "") & ~blocked
            chosen = np.where(
                pending, self._default_unless_contradicted(pending, given, source), chosen
            )
        return chosen

    def _unit_conflicts(self) -> np.ndarray:
        """Rows whose unit columns of one header give two different units."""
        rows = self.table.conflicts.get("prolactin_unit")
        return rows if rows is not None else np.zeros(self.n, dtype=bool)

    def _default_unless_contradicted(
        self, pending: np.ndarray, given: str | None, source: str
    ) -> str:
        """The unit ``given`` for the ``pending`` rows, which have none (the mapping's default,
        --unit), unless the file's unit column writes other prolactin units: then it is not
        the file's unit, and a row whose unit cell is empty is rejected (unknown_unit) rather
        than read in a unit the file contradicts (300 ng/mL read as 300 mIU/L: a false
        normal)."""
        given = (given or "").strip()
        info = normalise_unit(given) if given else None
        col = self.column("prolactin_unit")
        if info is None or col is None or not pending.any():
            return given
        written = {
            found.unit
            for text in self.table.distinct(col).uniques
            if not is_empty_value(text) and (found := normalise_unit(cell_text(text))) is not None
        }
        others = sorted(written - {info.unit})
        if not others:
            return given
        header = self.table.headers.get("prolactin_unit", "unit")
        self.refused_default = (
            f"{source} {given!r} is not applied: column {header!r} writes "
            f"{' and '.join(others)} in other rows"
        )
        self.warnings.append(
            f"{source} {given!r} contradicts the units column {header!r} writes "
            f"({', '.join(others)}): it is not applied to the {int(pending.sum())} row(s) "
            "without a unit, which are rejected as unknown_unit"
        )
        return ""

    def _conflicting_cells(
        self, reason: np.ndarray, detail: np.ndarray, value: np.ndarray, unit: np.ndarray
    ) -> None:
        """Rows whose field is filled differently in two columns of the same header ("Sex"
        twice: F and M) are rejected (conflicting_cells): which one is the patient's is not
        known.  A result that may be at or above the urgent level (ng/mL at the largest
        plausible factor) is listed with the urgent results all the same."""
        limits = load_thresholds()
        urgent, highest = limits.get("urgent_miu_l"), limits.get("miu_per_ng_plausible_max")
        for name, rows in self.table.conflicts.items():
            if name in ("prolactin_unit", "unit"):
                continue  # a row without a unit: unknown_unit (_detail)
            where = self.table.conflict_columns.get(name, name)
            for i in np.flatnonzero(rows & (reason == "")):
                reason[i] = "conflicting_cells"
                detail[i] = (
                    f"its {name} differs between {where}: which one is the row's is not known; "
                    "correct the export, or name one column in a column mapping file"
                )
                if isinstance(unit[i], str) and _in_miu(float(value[i]), unit[i], highest) >= (
                    urgent
                ):
                    self.possibly_urgent[i] = True
                    detail[i] += "; its result may be urgent: listed with the urgent results"

    def _warn_coded_units(self) -> None:
        """A unit column holding codes (1, 2, -99) rather than units: said once, with the fix."""
        col = self.column("prolactin_unit")
        if col is None:
            return
        found = self.table.distinct(col)
        codes = [
            cell_text(u)
            for u, k in zip(found.uniques, _used(found), strict=True)
            if k
            and not is_empty_value(u)
            and not is_missing_code(u)
            and normalise_unit(cell_text(u)) is None
        ]
        if not codes:
            return
        header = self.table.headers.get("prolactin_unit", "unit")
        # printed on the console: only numeric codes and unit-shaped texts ("mX/L") are quoted,
        # never a text that could be a name or an id from a mis-mapped column
        distinct = sorted(set(codes))
        numeric = [c for c in distinct if bare_number(c) is not None][:8]
        units = [c for c in distinct if bare_number(c) is None and _UNIT_LIKE.fullmatch(c)][:8]
        scaled = [u for u in units if scaled_concentration(u)]
        if scaled and not numeric:
            self.warnings.append(
                f"column {header!r} holds concentration units the tool does not convert ("
                + ", ".join(repr(u) for u in scaled)
                + "): they differ from ng/mL and mIU/L by a factor, so their rows are rejected "
                "as unknown_unit; convert those results to ng/mL or mIU/L first (recoding the "
                "unit as either would misread them)"
            )
            units = [u for u in units if u not in scaled]
            if not units:
                return
        if units and not numeric:
            others = len(distinct) - len(units)
            shown = ", ".join(
                [repr(u) for u in units] + ([f"{others} other text(s)"] if others else [])
            )
            self.warnings.append(
                f"column {header!r} holds units the tool does not know ({shown}): their rows "
                "are rejected as unknown_unit; if they are prolactin units, name them in the "
                f'column mapping file ([values.prolactin_unit] {units[0]!r} = "ng/mL" or '
                '"mIU/L", as the lab\'s method sheet says)'
            )
            return
        others = len(distinct) - len(numeric)
        shown = ", ".join(numeric + ([f"{others} other text(s)"] if others else []))
        self.warnings.append(
            f"column {header!r} holds codes, not units ({shown}): its rows "
            "are rejected as unknown_unit, and --unit does not fill them; recode the codes in the "
            'column mapping file ([values.prolactin_unit] "1" = "ng/mL", as the codebook says)'
        )

    def _warn_unit_disagreements(self, cell_units: np.ndarray, cell_ids: np.ndarray) -> None:
        """Rows whose units, written twice, disagree are reported (the nearest one is used):
        the result cell against the unit column, and the row against the prolactin header."""
        unit_col = self.column("prolactin_unit")
        own_ids, own_texts = cell_ids, cell_units
        if unit_col is not None:
            column = self._apply(unit_col, lambda c: "" if is_empty_value(c) else cell_text(c))
            column_ids = self._apply(unit_col, _unit_id, np.int8)
            near, far = (cell_ids, cell_units), (column_ids, column)
            self._warn_disagreement(near, far, "the unit in the result cell", "unit column")
            own_ids = np.where(cell_ids > 0, cell_ids, column_ids)
            own_texts = np.where(cell_ids > 0, cell_units, column)
        header_text = self.table.header_unit("prolactin")
        if isinstance(header_text, np.ndarray):  # sections with their own header unit
            header = header_text
            header_ids = self._apply(header, _unit_id, np.int8)
            self._warn_disagreement(
                (own_ids, own_texts), (header_ids, header), "the row's unit", "prolactin header"
            )
        elif header_text:
            header_ids = np.full(self.n, _unit_id(header_text), dtype=np.int8)
            header = np.full(self.n, header_text, dtype=object)
            self._warn_disagreement(
                (own_ids, own_texts), (header_ids, header), "the row's unit", "prolactin header"
            )

    def _warn_disagreement(
        self,
        near: tuple[np.ndarray, np.ndarray],
        far: tuple[np.ndarray, np.ndarray],
        near_name: str,
        far_name: str,
    ) -> None:
        """``near`` / ``far``: (unit ids, unit texts) per row."""
        conflict = (near[0] > 0) & (far[0] > 0) & (near[0] != far[0])
        if not conflict.any():
            return
        first = int(np.flatnonzero(conflict)[0])
        self.warnings.append(
            f"{int(conflict.sum())} row(s): {near_name} differs from the {far_name} (first: row "
            f"{int(self.table.source_rows[first])}, {near[1][first]!r} vs {far[1][first]!r}); "
            f"{near_name} was used: check the units"
        )

    def _default_unit(self) -> str:
        for key in UNIT_DEFAULT_KEYS:
            value = self.settings.defaults.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return ""

    def _implied_units(self, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        """The unit each row's interval implies (None when it tells nothing)."""
        pairs = pd.DataFrame({"low": low, "high": high})
        groups = pairs.groupby(["low", "high"], sort=False, dropna=False).ngroup().to_numpy()
        firsts = pairs.groupby(groups, sort=False).head(1)
        implied = np.empty(len(firsts), dtype=object)
        for group, (lo, hi) in zip(
            groups[firsts.index], firsts.itertuples(index=False), strict=True
        ):
            implied[group] = unit_from_interval(
                None if math.isnan(lo) else lo, None if math.isnan(hi) else hi
            )
        result: np.ndarray = implied[groups] if len(groups) else np.full(self.n, None, object)
        return result

    def _warn_iu_per_litre(self, value: np.ndarray, unit: np.ndarray, factor: np.ndarray) -> None:
        """Results written in mIU/L most of which are below any assay's reading in mIU/L
        (thresholds.toml prolactin_column_min_miu_l: 0.45, 0.62 "mIU/L"): the values look like
        IU/L, as Dutch labs report (0.45 IU/L = 450 mIU/L); read as written they all came out
        low, with no warning."""
        self._warn_unit_off(
            value,
            (unit == "mIU/L") & (factor == 1),
            "prolactin_column_min_miu_l",
            np.less,
            "in mIU/L are below {limit} mIU/L",
            "lower than any assay reads in mIU/L: the values look like IU/L (as Dutch labs "
            "report: 0.45 IU/L = 450 mIU/L), and read as mIU/L they are all low; check the unit "
            "(if they are IU/L, write IU/L in the unit column or the header, or give --unit "
            "IU/L where no unit is written)",
        )

    def _warn_miu_in_iu(self, value: np.ndarray, unit: np.ndarray, factor: np.ndarray) -> None:
        """The other way round (``_warn_iu_per_litre``): results written in IU/L (U/L, E/L,
        UI/L) most of which are above thresholds.toml prolactin_column_max_iu_l (20 IU/L, a
        giant prolactinoma's level): the values look like mIU/L (150 "U/L" read as IU/L is 7,075
        ng/mL); read as written they all came out extreme and urgent, with no warning.  Still
        read as written (as the reverse case), with the warning."""
        self._warn_unit_off(
            value,
            (unit == "mIU/L") & (factor > 1),  # IU/L: x1000 to mIU/L
            "prolactin_column_max_iu_l",
            np.greater,
            "in IU/L are above {limit} IU/L",
            "higher than a giant prolactinoma's level in IU/L for most of a file: the values "
            "look like mIU/L (450 mIU/L = 0.45 IU/L), and read as IU/L they are all extreme and "
            "urgent; check the unit (if they are mIU/L, write mIU/L in the unit column or the "
            "header, or give --unit mIU/L where no unit is written)",
        )

    def _warn_unit_off(
        self,
        value: np.ndarray,
        written: np.ndarray,
        key: str,
        beyond: Callable[[np.ndarray, float], np.ndarray],
        said: str,
        advice: str,
    ) -> None:
        """A warning when most plain results ``written`` in one unit lie ``beyond`` the
        thresholds.toml ``key`` limit (``_warn_iu_per_litre``, ``_warn_miu_in_iu``): ``said``
        names them (with ``{limit}``), ``advice`` what they look like and what to do."""
        written = written & (self.out["qualifier"] == "") & (value > 0)
        if not written.any():
            return
        limit = load_thresholds().get(key)
        off = written & beyond(value, limit)
        if int(off.sum()) * 2 <= int(written.sum()):
            return
        first = int(np.flatnonzero(off)[0])
        header = self.table.headers.get("prolactin", "prolactin")
        self.warnings.append(
            f"column {header!r}: {int(off.sum())} of {int(written.sum())} result(s) "
            f"{said.format(limit=_fmt(limit))} (first: row "
            f"{int(self.table.source_rows[first])}, {_fmt(float(value[first]))}), {advice}"
        )

    def _warn_unit_conflicts(self, unit: np.ndarray, implied: np.ndarray) -> None:
        conflict = (implied != None) & (unit != None) & (implied != unit)  # noqa: E711
        if conflict.any():
            first = int(np.flatnonzero(conflict)[0])
            self.warnings.append(
                f"{int(conflict.sum())} row(s) have an interval that suggests another unit than "
                f"the one written (first: row {int(self.table.source_rows[first])}, "
                f"{unit[first]} with an interval typical of {implied[first]}); check the units"
            )

    def _reasons(
        self,
        status: np.ndarray,
        value: np.ndarray,
        unit: np.ndarray,
        unit_text: np.ndarray,
        low: np.ndarray,
        high: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        limits = prolactin_plausibility()
        reason = np.full(self.n, "", dtype=object)
        detail = np.full(self.n, "", dtype=object)
        raw = self.out["prolactin_raw"]
        floors = _result_floors()
        # (the units are texts or None: a key is only ever a non-empty text)
        no_unit, ceiling, floor = _each(
            unit,
            (lambda u: u is None, np.bool_),
            (
                lambda u: (
                    limits.max_by_unit.get(u, math.inf) if isinstance(u, str) and u else math.inf
                ),
                np.float64,
            ),
            (lambda u: floors.get(u, 0.0) if isinstance(u, str) and u else 0.0, np.float64),
        )
        self.result_floor = floor
        plain, below = _each(
            self.out["qualifier"],
            (lambda q: not q, np.bool_),
            (lambda q: str(q or "").startswith("<"), np.bool_),
        )
        with np.errstate(invalid="ignore"):
            # A plain 0 is how some exports write "below the detection limit": kept.  A plain
            # number above 0 yet below the floor (1e-300) is a data error; a "<" bound says
            # "below detection" whatever its size.
            zero = plain & (value == limits.min_exclusive)
            tiny = ~below & (value > limits.min_exclusive) & (value < floor)
            implausible = ~no_unit & (
                (value < limits.min_exclusive)
                | ((value == limits.min_exclusive) & ~plain)
                | tiny
                | (value > ceiling)
            )
        self._warn_zero_results(zero & ~no_unit & (status == "ok"))
        order = (
            ("implausible_value", implausible & (status == "ok")),
            ("unknown_unit", no_unit & (status == "ok")),
            ("unparseable_result", status == "unparseable"),
            ("missing_result", status == "missing"),
        )
        for code, mask in order:
            reason[mask] = code
        unit_col = self.column("prolactin_unit")
        for i in np.flatnonzero(reason != ""):
            detail[i] = self._detail(
                str(reason[i]),
                raw[i],
                unit[i],
                unit_text[i],
                (low[i], high[i]),
                value[i],
                unit_col[i] if unit_col is not None else None,
            )
        return reason, detail

    def _possibly_urgent(
        self, reason: np.ndarray, detail: np.ndarray, number: np.ndarray, unit_text: np.ndarray
    ) -> None:
        """A result written without any unit (or with one on no known scale: a code, garbled
        text) that would be urgent in any prolactin unit (unknown_units: at or above the urgent
        level in ng/mL, so in mIU/L too or not) is rejected, yet listed with the urgent results,
        its note saying in which unit it is urgent.  ``number``: each result as written; a unit
        on another scale (pmol/L) is converted, not assumed to be either."""
        limits = load_thresholds()
        urgent = limits.get("urgent_miu_l")
        unknown = reason == "unknown_unit"
        per_ng = self.settings.conversion_factor or load_reference_set(DEFAULT_SET_NAME).miu_per_ng
        pmol = limits.get("prolactin_pmol_l_per_ng_ml")
        # a unit written but on no known scale (a codebook's "2", "mlU/L??") is as unknown as
        # none (unknown_units: urgent in either prolactin unit, or in ng/mL only)
        texts = {str(t) for t in unit_text[unknown & (unit_text != "")].tolist()}
        unscaled = {t for t in texts if scaled_in_canonical(t, pmol) is None} | {""}
        on_no_scale = np.zeros(self.n, dtype=bool)
        for i in np.flatnonzero(unknown):  # few rows: a unit is rarely unknown
            on_no_scale[i] = str(unit_text[i]) in unscaled
        qualifier = self.out["qualifier"]
        for i in np.flatnonzero(unknown & on_no_scale):
            note = unknown_unit_urgency(
                float(number[i]), str(qualifier[i] or ""), per_ng, limits=limits
            )
            if note:
                self.possibly_urgent[i] = True
                detail[i] += f"; {note}: listed with the urgent results"
        self._urgent_in_brackets(reason, detail, urgent, limits)
        self._urgent_in_words(reason, detail)
        self._urgent_in_notes(reason, detail, urgent, limits)
        # a unit on another scale (pmol/L, ng/dL, mIU/mL) is not triaged, yet a result that is
        # above the urgent level once converted is said (ng/mL at the row's factor, else the
        # default set's)
        for text in texts:
            scaled = scaled_in_canonical(text, pmol)
            if scaled is None:
                continue
            canonical, factor = scaled
            to_miu = factor * ((per_ng or math.nan) if canonical == "ng/mL" else 1.0)
            with np.errstate(invalid="ignore"):
                may = unknown & (unit_text == text) & (number * to_miu >= urgent)
            self.possibly_urgent |= may
            for i in np.flatnonzero(may):
                converted = approx(float(number[i]) * factor)  # about: 3 digits
                detail[i] += (
                    f"; {_fmt(float(number[i]))} {text} is about {converted} {canonical}, which "
                    f"is above {_fmt(urgent)} mIU/L: listed with the urgent results"
                )

    def _urgent_in_words(self, reason: np.ndarray, detail: np.ndarray) -> None:
        """A cell that says, without a number, that the result is above the measuring range,
        high or being diluted ("über Messbereich", "> MB", "dilution to follow": values
        above_range_unnumbered) has no value to triage but may be far above the urgent level:
        rejected as unparseable, listed with the urgent results until the diluted value is
        known."""
        raw = self.out["prolactin_raw"]
        for i in np.flatnonzero((reason == "unparseable_result") & ~self.possibly_urgent):
            if above_range_unnumbered(raw[i]):
                self.possibly_urgent[i] = True
                detail[i] = (
                    f"prolactin {cell_text(raw[i])!r} says the result is above the measuring "
                    "range (or high) without its number: not triaged, listed with the urgent "
                    "results until the diluted value is known"
                )

    def _urgent_in_notes(
        self, reason: np.ndarray, detail: np.ndarray, urgent: float, limits: Thresholds
    ) -> None:
        """A result cell pointing to its note ("zie opmerking") whose note gives no reading with
        a prolactin unit (_results_in_notes) is not triaged; it is listed with the urgent results
        when a number of the note (values.note_numbers: not a ratio, date or time, at its larger
        reading) may be above the urgent level: in mIU/L where it or the row names that unit,
        else in ng/mL at the largest plausible factor."""
        notes = self.column("comments")
        raw = self.out["prolactin_raw"]
        for i in np.flatnonzero((reason == "unparseable_result") & self.see_note).tolist():
            note = notes[i] if notes is not None else None
            # the note is never quoted: it may name the patient, a relative, a phone or an
            # insurance number (review 28); only the number it holds is
            detail[i] = (
                f"prolactin {cell_text(raw[i])!r} points to the note for its result, and the "
                + (
                    "note writes no result with a prolactin unit"
                    if isinstance(note, str) and note.strip()
                    else "row has no note"
                )
                + ": not triaged (give the result with its unit in the cell)"
            )
            self._urgent_number_in(i, note, "the note", detail, urgent, limits)
        # any other cell not read that holds a number which may be above the urgent level
        # ("6000 environ ?", "Kontrolle 12.3 48"): listed too, never only rejected (review 28)
        for i in np.flatnonzero((reason == "unparseable_result") & ~self.see_note).tolist():
            self._urgent_number_in(i, raw[i], "the cell", detail, urgent, limits)

    def _urgent_number_in(
        self,
        i: int,
        text: object,
        where: str,
        detail: np.ndarray,
        urgent: float,
        limits: Thresholds,
    ) -> None:
        """Row ``i`` is listed with the urgent results when a number of ``text`` (values.
        note_numbers: not a ratio, date, time or id, at its larger reading) may be above the
        urgent level: in mIU/L where it or the row names that unit, else in ng/mL at the
        largest plausible factor.  Only that number and its unit are quoted."""
        if self.possibly_urgent[i]:
            return
        # a cell: only a number standing as a result ("insufficient sample 200 uL": none)
        numbers = note_numbers(text) if where == "the note" else cell_numbers(text)
        largest = limits.get("miu_per_ng_plausible_max")
        row_miu = self.row_unit[i] == "mIU/L"
        in_miu = [
            value * info.factor * (1.0 if info.unit == "mIU/L" else largest)
            if (info := normalise_unit(unit)) is not None
            else value * (1.0 if row_miu else largest)
            for value, unit in numbers
        ]
        if in_miu and max(in_miu) >= urgent:
            self.possibly_urgent[i] = True
            top, unit = numbers[in_miu.index(max(in_miu))]
            written = f" {unit}" if normalise_unit(unit) is not None else ""
            detail[i] += (
                f"; {where} holds {_fmt(top)}{written}, which may be above {_fmt(urgent)} "
                "mIU/L: listed with the urgent results"
            )

    def _conversions_beside(
        self,
        codes: np.ndarray,
        besides: list[tuple[BracketedNumber, ...]],
        result: np.ndarray,
        unit: np.ndarray,
        reason: np.ndarray,
        detail: np.ndarray,
    ) -> None:
        """Rows whose result is followed by a number in brackets written as its conversion to
        the other unit ("23.5 ng/mL (≈ 500 mIU/L)", "2500 (5300 mIU/L)") that is none: at a
        factor outside thresholds.toml miu_per_ng_plausible_min..max, or another number in the
        same unit.  Which one is the result is not clear: rejected as unparseable_result (and
        listed with the urgent results when a number may be above the urgent level:
        _urgent_in_brackets).  A conversion that agrees is a remark, as before."""
        if not any(besides):
            return
        limits = load_thresholds()
        lowest = limits.get("miu_per_ng_plausible_min")
        highest = limits.get("miu_per_ng_plausible_max")
        raw = self.out["prolactin_raw"]
        # without a unit the agreement is not known: the row stays unknown_unit, and the
        # numbers in brackets that name their unit count for the urgent list
        # (_urgent_in_brackets)
        for i in np.flatnonzero(reason == "unknown_unit"):
            named = [n for n in besides[codes[i]] if n.unit]
            if named:
                self.beside_disagrees[i] = True
                self.beside_miu[i] = max(
                    _in_miu(n.value * n.factor, n.unit, highest) for n in named
                )
        for i in np.flatnonzero(reason == ""):
            numbers = besides[codes[i]]
            if not numbers or all(
                _converts(float(result[i]), str(unit[i]), n, lowest, highest) for n in numbers
            ):
                continue
            self.beside_disagrees[i] = True
            other = CANONICAL_UNITS[1 - CANONICAL_UNITS.index(str(unit[i]))]
            self.beside_miu[i] = max(
                _in_miu(float(result[i]), str(unit[i]), highest),
                *(_in_miu(n.value * n.factor, n.unit or other, highest) for n in numbers),
            )
            reason[i] = "unparseable_result"
            detail[i] = (
                f"prolactin {cell_text(raw[i])!r} holds a second number in brackets that is no "
                f"conversion of its result to the other unit (at {_fmt(lowest)}-{_fmt(highest)} "
                "mIU/L per ng/mL): the cell's result is not clear; give the result to triage "
                "alone in the cell"
            )

    def _urgent_in_brackets(
        self,
        reason: np.ndarray,
        detail: np.ndarray,
        urgent: float,
        limits: Thresholds,
    ) -> None:
        """A cell rejected for a second number in brackets ("180 (1:100 dilution: 9800)")
        whose largest number may be above the urgent level (a result in ng/mL, or in no unit,
        at the largest plausible mIU/L factor) is listed with the urgent results."""
        raw = self.out["prolactin_raw"]
        largest = limits.get("miu_per_ng_plausible_max")
        for i in np.flatnonzero((reason == "unparseable_result") | self.beside_disagrees):
            text = str(raw[i]) if raw[i] is not None else ""
            if not (second_number_in_brackets(text) or self.beside_disagrees[i]):
                continue
            numbers = [n for n in map(parse_number, _NUMBERS.findall(text)) if n is not None]
            miu = self.row_unit[i] == "mIU/L"
            if self.beside_disagrees[i]:  # its numbers in their units (_conversions_beside)
                if self.beside_miu[i] >= urgent:
                    self.possibly_urgent[i] = True
                    detail[i] += (
                        f"; a number it holds may be above {_fmt(urgent)} mIU/L: listed with "
                        "the urgent results"
                    )
                continue
            if numbers and max(numbers) * (1.0 if miu else largest) >= urgent:
                self.possibly_urgent[i] = True
                detail[i] += (
                    f"; it holds {_fmt(max(numbers))}, which may be above {_fmt(urgent)} mIU/L: "
                    "listed with the urgent results"
                )

    def _warn_zero_results(self, zero: np.ndarray) -> None:
        if not zero.any():
            return
        rows = self.table.source_rows[np.flatnonzero(zero)].tolist()
        shown = ", ".join(str(r) for r in rows[:_NOTE_EXAMPLES])
        more = f" and {len(rows) - _NOTE_EXAMPLES} more" if len(rows) > _NOTE_EXAMPLES else ""
        self.warnings.append(
            f"{len(rows)} result(s) of 0 (row(s) {shown}{more}) were read as below the assay's "
            "detection limit (normal, or low against a lower limit); check the export if 0 "
            "stands for a missing result"
        )

    def _detail(
        self,
        code: str,
        raw: object,
        unit: object,
        unit_text: object,
        interval: tuple[float, float],
        value: float,
        unit_cell: object = None,
    ) -> str:
        """``unit_cell``: the row's cell of the unit column, if the table has one."""
        text = str(raw) if raw else ""
        low, high = interval
        if code == "missing_result":
            beside = self._coded_nines.get(bare_number(text) or math.nan)
            if beside is not None:
                return (
                    f"the prolactin cell holds no result ({text.strip()!r}: an all-9 missing-data "
                    f"code, as {beside} say it uses the export's codebook; check the export if "
                    "it is a measured prolactin)"
                )
            label = self._missing_labels.get(text)
            if label:
                return (
                    f"the prolactin cell holds no result ({text.strip()!r}: the missing-data "
                    f"code the workbook's codebook declares for this column, {label!r})"
                )
            if label is not None:
                return (
                    f"the prolactin cell holds no result ({text.strip()!r}: a research "
                    "export's missing-data code, never a measured prolactin)"
                )
            if may_mean_not_detected(text):  # "n.d.": not done, or not detected
                return (
                    f"the prolactin cell holds no result ({text.strip()!r}: not done, or in "
                    "some laboratories not detected, below the detection limit; no value to "
                    "triage either way: ask the laboratory which)"
                )
            if text.strip():  # "NULL", "NaN", "-", "N/A", "n.v.": written, but no result
                return f"the prolactin cell holds no result ({text.strip()!r}: a missing-data mark)"
            return "the prolactin cell is empty"
        if code == "unparseable_result":
            if is_formula_without_value(text):
                return (
                    "the prolactin cell holds a formula without a stored result (the workbook was "
                    "saved by a program that does not compute formulas): open it in a "
                    "spreadsheet program, save it, and read it again"
                )
            if is_spreadsheet_formula(text):  # "=C7": a csv of a sheet shown with its formulas
                return (
                    f"the prolactin cell holds a spreadsheet formula ({text.strip()!r}), not its "
                    "result (the file was exported showing formulas): export the values and "
                    "read it again"
                )
            if second_number_in_brackets(text):
                return (
                    f"prolactin {text!r} holds a second number in brackets (a repeat, a diluted "
                    "result or an interval?): the cell's result is not clear; give the result "
                    "to triage alone in the cell"
                )
            if below_limit_unnumbered(text):  # "<LOD", "BLQ", "< NWG": low, its value unknown
                return (
                    f"prolactin {text!r} is below the limit of quantitation or detection, no "
                    "value: a low result whose number the cell does not give, not triaged (ask "
                    "the laboratory for its limit and give it with the result, e.g. '<0.5')"
                )
            return f"prolactin {text!r} is not a number"
        if code == "unknown_unit":
            if unit_text and is_missing_code(unit_text):
                return (
                    f"unit {unit_text!r} is a missing-data code: the unit of result {text!r} "
                    "is not known (--unit applies only to rows that give no unit)"
                )
            if isinstance(unit_text, str) and scaled_concentration(unit_text):
                return (
                    f"unit {unit_text!r} is a concentration unit the tool does not convert "
                    f"(result {text!r}): it differs from ng/mL and mIU/L by a factor, so it "
                    "cannot be recoded as either; convert the results to ng/mL or mIU/L first"
                )
            if unit_text:
                return (
                    f"unit {unit_text!r} is not a prolactin unit (result {text!r}); if the "
                    "export writes its units as codes, recode them in the column mapping file "
                    f'([values.prolactin_unit] "{unit_text}" = "ng/mL" or "mIU/L", as its '
                    "codebook says); --unit applies only to rows that give no unit"
                )
            written = (
                "" if math.isnan(high) else f"; its interval {_fmt(low)}-{_fmt(high)} does not tell"
            )
            column = self.table.headers.get("prolactin_unit") or self.table.headers.get("unit")
            twice = self.table.conflict_columns.get("prolactin_unit")
            if twice and unit_cell is not None and not is_empty_value(unit_cell):
                return (
                    f"the units in {twice} differ in this row: the unit of result {text!r} is "
                    "not known (--unit and defaults apply only to rows that give no unit)"
                )
            if column is not None and self.refused_default:
                return (
                    f"no unit for result {text!r} (its cell in column {column!r} "
                    f"{_unit_cell_says(unit_cell)}, and {self.refused_default}); write its "
                    "unit in the export"
                )
            where = (
                f"its cell in column {column!r} {_unit_cell_says(unit_cell)}, and no header unit "
                "or default"
                if column is not None
                else "no unit column, header unit or default"
            )
            if self.table.unread_units_row:
                where += f"; {self.table.unread_units_row}"
            return (
                f"no unit for result {text!r} ({where}{written}); "
                "give the file's unit with --unit (e.g. --unit mIU/L) or the mapping file's "
                "[defaults] prolactin_unit"
            )
        limits = prolactin_plausibility()
        floor = _result_floors().get(str(unit), 0.0)
        if value < limits.min_exclusive:
            why = "is negative"
        elif value > limits.max_by_unit.get(str(unit), math.inf):
            ceiling = _fmt(limits.max_by_unit[str(unit)])
            why = f"is above {ceiling} {unit}, far beyond any reported serum prolactin"
        elif value == limits.min_exclusive:
            why = "is a bound of 0, which no assay reports"
        else:
            why = (
                f"is below {_fmt(floor)} {unit}, far under any assay's detection limit: a data "
                "error (a result below detection is written as '<' the limit, or 0)"
            )
        return f"prolactin {text!r} {unit} {why}; it cannot be a serum prolactin"

    # -- identity, dates -------------------------------------------------------------------------
    def _kidney_stage_column(self) -> None:
        """A kidney-disease column that holds CKD stages ("ckd_yn", "CKD (j/n)", "IRC (o/n)",
        "KDIGO" = 3 / 4 / G5: a stage above 2, which no yes/no code is): its bare "1" is stage 1
        too, never a yes, which counted as kidney disease of a stage not given."""
        texts = self.out.get("kidney_disease")
        col = self.column("kidney_disease")
        if texts is None or col is None:
            return
        found = self.table.distinct(col)
        used = [u for u, k in zip(found.uniques, _used(found), strict=True) if k]
        stages = [ckd_stage_of(cell_text(u)) for u in used]
        if not any(s is not None and s > 2 for s in stages):
            return
        yes = [cell_text(u) for u in used if bare_number(u) == 1]
        if not yes:
            return
        rows = np.isin(texts, yes)
        self.out["kidney_disease"] = np.where(rows, "stage 1", texts)
        header = self.table.headers.get("kidney_disease", "kidney_disease")
        self.warnings.append(
            f"column {header!r} holds CKD stages: its {int(rows.sum())} cell(s) '1' were read "
            "as stage 1, not as a yes"
        )

    def _result_remarks(self) -> None:
        """A remark in brackets after a result ("260 (haemolysed)", "260 (hämolytisch)", "260
        (lipémique)": values.result_remarks), or a remark on the specimen beside it without
        brackets ("260 haemolysed", "hämolytisch 260"), is kept in the row's comments as "prolactin:
        <remark>", where the notes' readers see it and the outputs show it, and said: the
        number is read, but the specimen may call for a repeat.  It was left aside unsaid.  A
        remark that denies the defect it names ("260 non hémolysé", "260 (nicht hämolytisch)",
        "260 sans hémolyse": values.remark_denied) is kept too, but calls for no repeat: not
        said."""
        raw = self.column("prolactin")
        if raw is None:
            return
        found = self.table.distinct(raw)
        said = [result_remarks(u) for u in found.uniques]
        if not any(said):
            return
        notes = np.array(
            ["; ".join(f"prolactin: {r}" for r in remarks) for remarks in said], dtype=object
        )[found.codes]
        append_notes(self.out, notes.tolist())
        worrying = np.array(
            [any(not remark_denied(r) for r in remarks) for remarks in said], dtype=bool
        )[found.codes]
        rows = np.flatnonzero(worrying)
        if not rows.size:
            return
        shown = ", ".join(
            f"row {int(self.table.source_rows[i])}: {cell_text(raw[i])!r}"
            for i in rows[:_NOTE_ROWS].tolist()
        )
        header = self.table.headers.get("prolactin", "prolactin")
        self.warnings.append(
            f"column {header!r}: {len(rows)} result(s) carry a remark in brackets or beside "
            f"the number ({shown}): the number was read and the remark kept in the row's "
            "comments; a haemolysed, lipaemic, icteric or clotted specimen may call for a "
            "repeat sample: check the remark with the lab"
        )

    def _assay_in_unit(self) -> None:
        """A row without an assay takes the one its unit's note names ("mU/L (Roche)", "ng/mL -
        Siemens", in the unit column or the header: values.unit_note_assay), as an assay column
        would give it (engine/units.py matches it to a reference set)."""
        written = self.out.get("unit_raw")
        if written is None:
            return
        notes = {t: unit_note_assay(t) for t in set(written.tolist()) if isinstance(t, str)}
        header = self.table.headers.get("prolactin", "")
        named = assay_words_in(header) if self.table.header_units.get("prolactin") else None
        if named:  # "Prolactin mU/L (Roche)", "Prolactin (mU/L) Roche": the header's unit and
            # assay, for the rows whose unit is the header's
            notes[str(self.table.header_units["prolactin"])] = named
        if not any(notes.values()):
            return
        found = np.empty(self.n, dtype=object)
        found[:] = [notes.get(t) if isinstance(t, str) else None for t in written.tolist()]
        own = self.out.get("assay")
        if own is not None:
            found = np.where(pd.isna(own), found, own)
        self.out["assay"] = found

    def identity(self) -> None:
        for name in TEXT_FIELDS:  # a note or list that failed ("#NAME?") is no note: said
            self._error_cells(name, "read as not given", blank=True)
        for name in TEXT_COLUMNS:  # an absent column is left out: the frame has it empty
            col = self.column(name)
            if col is not None:
                self.out[name] = self._texts(col)
        self._kidney_stage_column()
        # the visit label: a visit column's, else a time point column's (its own words)
        visit = next(
            (c for n in ("visit", "time_point") if (c := self.column(n)) is not None), None
        )
        if visit is not None:
            self.out["visit"] = self._texts(visit)
        self._result_remarks()
        self._assay_in_unit()
        self.out["sex"] = self._sex()
        self._error_cells(
            "sex",
            "their sex is read as unknown (each result is judged against both sexes' intervals)",
        )
        sex_col = self.column("sex")
        if sex_col is not None:  # "divers", "autre", HL7 PID-8 O: unknown here, FHIR "other"
            self.out["gender"] = self._apply(sex_col, administrative_gender)
        years, months = self._birth_periods()
        self.out["birth_date"] = self._dates("birth_date", leave=~np.isnan(years))
        self._same_patient_demographics()
        if self.table.open_sex is not None:  # its sex columns disagree (layout._read_sex_sources)
            self.out["sex"][self.table.open_sex] = None
        collected = self._dates("collected_at")
        self.out["collected_at"] = self._with_time_column(collected)
        self._collected_offsets()
        self._birth_dates_against_patient()
        self._possible_day_month()
        given_age = self._with_age_units(self.column("age_years"))
        age = self._ages(given_age) if given_age is not None else np.full(self.n, np.nan)
        computed = ages_in_years(self.out["birth_date"], self.out["collected_at"])
        from_year = ages_from_birth_periods(years, months, self.out["collected_at"])
        youngest = youngest_ages_from_birth_periods(years, months, self.out["collected_at"])
        youngest[~np.isnan(computed)] = np.nan  # a full birth date gives the age itself
        computed = np.where(np.isnan(computed), from_year, computed)
        too_old = computed > self.max_age
        computed[too_old] = np.nan
        # an age known only to be under a span ("0 y") gives way to the birth date's exact age,
        # and so does one the dates contradict (an export's age at export or at enrolment)
        conflict = _age_conflicts(age, self.out["birth_date"], self._run_day())
        unsure = np.isnan(age) | ((age < 0) & ~np.isnan(computed))
        unsure |= self._ages_against_dates(age, computed, conflict)
        self.out["age_years"] = np.where(unsure, computed, age)
        # the youngest age a birth year or month allows, beside the age unknown under the
        # oldest it gives: the engine judges against the intervals of that span only
        self.out["age_min_years"] = np.where(unsure & (computed < 0), youngest, np.nan)
        dated = unsure & ~np.isnan(computed)
        self._unreadable_ages(given_age, age, computed)
        self._conflicting_ages(age, computed, conflict)
        self._impossible_birth_dates(np.isnan(age) & np.isnan(computed), too_old)
        self._unreadable_birth_dates(np.isnan(age) & np.isnan(years))
        self._two_digit_birth_years(np.isnan(age))
        self._day_month_ages(dated & ~too_old)
        self._same_patient_ages(given_age)
        self._implausible_dates()
        self._unread_collection_dates(np.isnan(age))
        self._ages_at_run(np.isnan(age))

    def timed_series(self, reason: np.ndarray, detail: np.ndarray) -> None:
        """Samples of a timed prolactin series whose time point stands in a column of its own
        ("Zeitpunkt" 0 min / 30 min, "Time point" TRH +20 min, "T0/T30", -15, basal; a long
        file's visit column holding such cells): the rows of one patient and sample day at two
        or more time points are not triaged one by one, as columns "PRL 0", "PRL 30" and test
        names "PRL 0 min", "PRL 30 min" are not (columns.timed_series: one rule): a stimulated
        peak would be triaged as one more raised result and a raised first sample of a
        cannulation series as unexplained beside its normal rested one.  Rejected as other_test
        with the series named, one warning; a sample that may be at or above the urgent level
        is listed with the urgent results."""
        name = next((n for n in ("time_point", "visit") if self.column(n) is not None), None)
        if name is None:
            return
        cells = self.column(name)
        assert cells is not None
        found = self.table.distinct(cells)
        points = [time_point_minutes(u) for u in found.uniques]
        if sum(p is not None for p in points) < len((0, 1)):
            return
        of_row = np.array([p is not None for p in points], dtype=bool)[found.codes]
        patient = np.full(self.n, "", dtype=object)
        for key in ("patient_id", "patient_name", "birth_date"):
            col = self.column(key)
            if col is not None:
                patient = patient + "\x1f" + np.array(texts_or_none(col.tolist()), dtype=object)
        days = self.out["collected_at"].astype("datetime64[D]").astype(np.int64)
        groups = pd.DataFrame({"p": patient.astype(str), "d": days}).groupby(["p", "d"]).ngroup()
        group = groups.to_numpy()
        series: dict[int, set[int]] = {}
        for i in np.flatnonzero(of_row).tolist():
            series.setdefault(int(group[i]), set()).add(int(found.codes[i]))
        timed = {
            g for g, codes in series.items()
            if is_timed_series(p for c in codes if (p := points[c]) is not None)
        }  # fmt: skip
        rows = of_row & np.isin(group, list(timed)) & (reason == "")
        if not rows.any():
            return
        header = self.table.headers.get(name, name)
        for i in np.flatnonzero(rows).tolist():
            codes = sorted(series[int(group[i])], key=lambda c: points[c] or (0, False))
            listed = ", ".join(repr(cell_text(found.uniques[c])) for c in codes)
            reason[i] = "other_test"
            detail[i] = (
                f"a time point of a timed prolactin series ({header!r} "
                f"{cell_text(cells[i])!r} of {listed}): not triaged one by one"
            )
        self.urgent_despite(rows, detail)  # a sample that may be urgent is listed all the same
        self.warnings.append(
            f"column {header!r} holds the time points of a timed prolactin series (one sample per "
            f"time point: a cannulated or stimulation test): none of its {int(rows.sum())} "
            "sample(s) is triaged one by one (rejected as other_test; a sample that may be "
            "urgent is listed with the urgent results); a cannulation series is judged by its "
            "rested, later sample: triage that sample in a file of its own"
        )

    def _unread_collection_dates(self, no_age: np.ndarray) -> None:
        """Rows whose age comes from the birth date alone and whose collection date is written
        but cannot be read: the age at the sample lies between the age on 1 January of the year
        the cell writes (else of the earliest date the column gives in other rows, else of
        thresholds.toml collection_date_min_year; or at birth if
        later) and the age on the run's day, to which the engine would
        count it.  Where that span crosses a reference stratum's age limit the row is rejected
        (unreadable_age), as an age read two ways is (_day_month_ages): an archive's or a
        cohort's sample years old is never judged against the run day's stratum (a girl of
        17.4 at the sample judged with the adults' interval; review 23, fix168)."""
        col = self.column("collected_at")
        if col is None:
            return
        birth, collected = self.out["birth_date"], self.out["collected_at"]
        written = ~self._apply(col, is_blank, bool)
        rows = no_age & ~np.isnat(birth) & np.isnat(collected) & written & ~self.age_reject
        if not rows.any():
            return
        run = np.full(self.n, np.datetime64(self._run_day(), "ns"))
        at_run = ages_in_years(birth, run)
        year = self._apply(col, _year_written, np.float64)
        # 1 January of the year written, else of the earliest collection date the column
        # gives in other rows (an export's samples span its months, not decades), else of the
        # first year a collection date may have (thresholds.toml collection_date_min_year):
        # datetime64[Y] counts years from 1970
        dated = collected[~np.isnat(collected)]
        first = (
            float(dated.min().astype("datetime64[Y]").astype(np.int64) + _EPOCH_YEAR)
            if len(dated)
            else load_thresholds().get("collection_date_min_year")
        )
        year = np.where(np.isnan(year), first, year)
        start = (
            (year.astype(np.int64) - _EPOCH_YEAR).astype("datetime64[Y]").astype("datetime64[ns]")
        )
        start = np.where(start < birth, birth, start)
        earliest = ages_in_years(birth, start)
        with np.errstate(invalid="ignore"):
            low = np.fmin(np.nan_to_num(earliest), at_run)
            split = np.zeros(self.n, dtype=bool)
            for limit in stratum_age_limits():
                split |= (low < limit) & (at_run >= limit)
        split &= rows
        if not split.any():
            return
        for i in np.flatnonzero(split):
            self.age_reject[i] = True
            since = f"at {age_text(float(low[i]))}" if low[i] > 0 else "at any age since birth"
            self.age_detail[i] = (
                f"the collection date {cell_text(col[i])!r} could not be read and the age comes "
                f"from it: counted to the day of this run it is {age_text(float(at_run[i]))}, "
                f"but the sample may have been taken {since}, in another "
                "reference stratum: the result is not judged against either interval (write the "
                "date as 14/05/2024 08:30, or give the age)"
            )
        header = self.table.headers.get("collected_at", "collection date")
        self.warnings.append(
            f"column {header!r}: {int(split.sum())} row(s) whose collection date could not be "
            "read, and whose age at the sample may lie in another reference stratum than the "
            "age on the day of this run, were rejected (unreadable_age), not judged against the "
            "run day's interval"
        )

    def _ages_at_run(self, no_age: np.ndarray) -> None:
        """Rows whose age comes from the birth date alone, with no collection date: the age is
        counted to the day of the run (engine), which is said once for the file with the
        columns, since the interval depends on the age when the sample was taken."""
        birth, collected = self.out["birth_date"], self.out["collected_at"]
        at_run = no_age & ~np.isnat(birth) & np.isnat(collected) & ~self.age_reject
        if not at_run.any():
            return
        header = self.table.headers.get("birth_date", "birth date")
        dated = self.table.headers.get("collected_at")
        where = (
            f"column {dated!r} gives no readable date in them"
            if dated
            else "no column was read as the collection date"
        )
        self.warnings.append(
            f"column {header!r}: {int(at_run.sum())} row(s) give a birth date and no collection "
            f"date ({where}): the age is counted to the day of this run, though the reference "
            "interval depends on the age when the sample was taken; give the collection date "
            "(or map its column in the mapping file) or the age"
        )

    def _same_patient_demographics(self) -> None:
        """Sex and birth date (fixed facts of a person, never results, drugs or states) of a row
        that leaves them blank are taken from the file's other rows of the same patient id when
        those agree: a REDCap or Castor export gives them on the baseline event only, and a
        boy's follow-up was judged against the adults' interval of either sex.  Rows whose
        patient's other rows disagree are left blank; each is said with counts."""
        ids = self.out.get("patient_id")
        if ids is None:
            return
        header = self.table.headers.get("patient_id", "patient id")
        for name, what in (("sex", "sex"), ("birth_date", "birth date")):
            values = self.out[name]
            blank = pd.isna(values)
            if not blank.any() or blank.all():
                continue
            filled, unequal = fill_within_patient(ids, values, blank)
            if filled:
                self.warnings.append(
                    f"{filled} row(s) gave no {what}: it was taken from the other rows of the "
                    f"same patient (column {header!r}), which agree on it"
                )
            if unequal:
                self.warnings.append(
                    f"{unequal} row(s) gave no {what} and the other rows of the same patient "
                    f"(column {header!r}) disagree on it: left unknown"
                )

    def _birth_dates_against_patient(self) -> None:
        """A birth date that the same patient's other rows contradict: one on the row's own
        collection day (the sample date keyed as the birth date, a newborn's day 0) or after a
        sample the patient gave earlier, while those rows give another birth date.  It is left
        unknown, with a warning, so that a woman's repeat is never judged against the newborn's
        interval (a 3.8x ULN result was reported normal; review 27).  A row whose age cell
        gives the age keeps that age; one without is rejected (_unreadable_birth_dates), as an
        unreadable birth date is."""
        ids = self.out.get("patient_id")
        if ids is None:
            return
        birth, collected = self.out["birth_date"], self.out["collected_at"]
        patient = pd.Series(ids, dtype=object)
        named = patient.notna().to_numpy() & (patient.astype(str).str.strip() != "").to_numpy()
        born = named & ~np.isnat(birth)
        if born.sum() < len((0, 1)):
            return
        # Only a birth date on its own row's collection day, or after the file's earliest
        # sample, can be after its patient's earliest one: most files have none (births are
        # years before any sample) and skip the per-patient grouping below.
        dated = collected[~np.isnat(collected)]
        own_day = birth.astype("datetime64[D]") == collected.astype("datetime64[D]")
        maybe = born & own_day
        if len(dated):
            maybe |= born & (birth > dated.min())
        if not maybe.any():
            return
        keys = patient.where(named, None)
        days = pd.Series(birth.astype("datetime64[D]"))
        disagree = days.where(born).groupby(keys).transform("nunique").to_numpy() > 1
        sampled = pd.Series(collected).where(named & ~np.isnat(collected))
        earliest = sampled.groupby(keys).transform("min").to_numpy()
        on_own_day = birth.astype("datetime64[D]") == collected.astype("datetime64[D]")
        after_a_sample = ~np.isnat(earliest) & (birth > earliest)
        doubtful = born & disagree & (on_own_day | after_a_sample)
        if not doubtful.any():
            return
        birth[doubtful] = np.datetime64("NaT")
        self.doubtful_birth = doubtful
        self.warnings.append(
            f"{int(doubtful.sum())} row(s) give a birth date on the day of their own sample or "
            "after an earlier sample of the same patient (column "
            f"{self.table.headers.get('patient_id', 'patient id')!r}), whose other rows give "
            "another birth date (a sample date keyed as the birth date, or another person): "
            "the birth date is not used; those without an age cell are rejected "
            "(unreadable_age), never judged against a newborn's interval: check the birth date"
        )

    @cached_property
    def _two_ways(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Rows whose birth or collection date reads two ways (01/11/2026: 1 November or 11
        January) when nothing settled the file's order (``settings.dates_guessed``), and each
        date column read in the other order (empty when there are no such rows)."""
        two_ways = np.zeros(self.n, dtype=bool)
        if not self.settings.dates_guessed:
            return two_ways, {}
        for name in ("birth_date", "collected_at"):
            col = self.column(name)
            if col is not None:
                two_ways |= self._apply(
                    col, lambda c: isinstance(c, str) and is_ambiguous_date_text(c), bool
                )
        if not two_ways.any():
            return two_ways, {}
        order = not self.settings.dayfirst
        return two_ways, {n: self._dates_read(n, order) for n in ("birth_date", "collected_at")}

    def _impossible_dates(self, birth: np.ndarray, collected: np.ndarray) -> np.ndarray:
        """Rows whose dates cannot be: a collection after the run's date (plus
        collection_date_future_days, as _implausible_dates), a birth after the collection or
        after the run's date."""
        latest = self._latest_collection()
        with np.errstate(invalid="ignore"):
            return (collected > latest) | (birth > collected) | (birth > latest)

    def _latest_collection(self) -> np.datetime64:
        """The latest possible collection: the run's date plus collection_date_future_days."""
        slack = load_thresholds().get("collection_date_future_days")
        return np.datetime64(self._run_day(), "ns") + np.timedelta64(
            round(slack * NS_PER_DAY), "ns"
        )

    def _possible_day_month(self) -> None:
        """Rows whose dates read two ways when nothing settled the file's order, and whose
        reading in the file's order is impossible (_impossible_dates: 10/11/2026 - 12/11/2026
        read month-first puts the sample in December, after the run) while the other order's
        is possible: read in the other order, the time of a collection kept (review 26: such
        rows were rejected, unreadable_age or implausible_date, as if no reading were
        possible).  Said in a warning with the count."""
        two_ways, other = self._two_ways
        if not other:
            return
        birth, collected = self.out["birth_date"], self.out["collected_at"]
        swap = two_ways & self._impossible_dates(birth, collected)
        swap &= ~self._impossible_dates(other["birth_date"], other["collected_at"])
        if not swap.any():
            return
        for name in ("birth_date", "collected_at"):
            # shift by the difference of the two readings, so a time column's time stays
            shift = other[name] - self._dates_read(name, self.settings.dayfirst)
            moved = swap & ~np.isnat(shift)
            values = np.array(self.out[name], dtype="datetime64[ns]")
            values[moved] = values[moved] + shift[moved]
            self.out[name] = values
        order, taken = (
            ("day-first", "month-first") if self.settings.dayfirst else ("month-first", "day-first")
        )
        self.warnings.append(
            f"{int(swap.sum())} row(s) whose dates read day-first or month-first were read "
            f"{taken}: read {order}, the collection would be after the run's date or the birth "
            "after the collection"
        )

    def _day_month_ages(self, dated: np.ndarray) -> None:
        """Rows whose age comes from the dates and whose birth or collection date reads two ways
        (01/11/2026: 1 November or 11 January) when nothing settled the file's order
        (``settings.dates_guessed``): rejected (unreadable_age) when the two readings give ages
        on either side of a reference stratum's age limit (a 4-day-old's interval made a girl
        of 4 months' 150 ng/mL normal), as a two-digit birth year that reads as a child's or an
        old person's is (_two_digit_birth_years).  Readings in the same strata are kept."""
        if not self.settings.dates_guessed or not dated.any():
            return
        columns = {name: self.column(name) for name in ("birth_date", "collected_at")}
        two_ways, other = self._two_ways
        rows = dated & two_ways & ~self.age_reject
        if not rows.any():
            return
        age = np.asarray(self.out["age_years"], dtype=np.float64)
        otherwise = ages_in_years(other["birth_date"], other["collected_at"])
        with np.errstate(invalid="ignore"):
            otherwise[otherwise > self.max_age] = np.nan  # that reading is impossible
            # and so is one with the sample after the run or the birth after the sample
            otherwise[self._impossible_dates(other["birth_date"], other["collected_at"])] = np.nan
            low, high = np.fmin(age, otherwise), np.fmax(age, otherwise)
            split = np.zeros(self.n, dtype=bool)
            for limit in stratum_age_limits():
                split |= (low < limit) & (high >= limit)
        split &= rows
        if not split.any():
            return
        order = "day-first" if self.settings.dayfirst else "month-first"
        for i in np.flatnonzero(split):
            written = ", ".join(
                repr(cell_text(col[i]))
                for col in columns.values()
                if col is not None and not is_blank(col[i])
            )
            self.age_reject[i] = True
            self.age_detail[i] = (
                f"the dates {written} read day-first or month-first give ages of "
                f"{age_text(float(low[i]))} or {age_text(float(high[i]))}, in different "
                "reference strata, and nothing in the file settles the order: the result is "
                "not judged against either interval (give --dayfirst or --monthfirst, or write "
                "the dates unambiguously)"
            )
        self.warnings.append(
            f"{int(split.sum())} row(s) whose dates read day-first or month-first give ages in "
            f"different reference strata were rejected (unreadable_age), not judged on the "
            f"{order} reading; --dayfirst or --monthfirst settles the order"
        )

    def _dates_read(self, name: str, dayfirst: bool) -> np.ndarray:
        """The column's dates read with ``dayfirst`` where the column itself does not tell."""
        col = self.column(name)
        if col is None:
            return np.full(self.n, np.datetime64("NaT"), dtype="datetime64[ns]")
        values, _ = date_column(
            col,
            self.table.headers.get(name, name),
            dayfirst,
            self.table.text_source,
            self.table.distinct(col),
            past=name == "birth_date",
            orders=self.table.date_orders(col),
            date1904=self.table.date1904,
            days_from=self._days_from(),
        )
        return values

    def _same_patient_ages(self, given: np.ndarray | None) -> None:
        """Rows with no age (a blank age cell and no birth date) take the age of the same
        patient's other rows (by patient id, else by name: a grouped report's rows filled down,
        fill_grouped_identity), as sex and birth date are taken
        (_same_patient_demographics): a REDCap or Castor export gives the age on the baseline
        event only, and a girl of 12 was judged at her follow-up against the adults' interval.
        The age is the other row's plus the time between the two rows' collection dates; without
        both dates it is carried unchanged, and said so.  Rows whose patient's other rows give
        ages that disagree (by more than AGE_DISAGREEMENT_YEARS once the time between them is
        counted) are left without an age, and said so."""
        key = next((k for k in GROUP_KEYS if self.out.get(k) is not None), None)
        if key is None:
            return
        ids = self.out[key]
        age = np.asarray(self.out["age_years"], dtype=np.float64)
        blank_cell = (
            np.ones(self.n, dtype=bool)
            if given is None
            else self._apply(given, lambda c: is_empty_value(c) or is_unknown_word(c), bool)
        )
        patient = pd.Series(ids, dtype=object).astype(str).str.strip().to_numpy()
        named = pd.notna(pd.Series(ids, dtype=object)).to_numpy() & (patient != "")
        wanting = named & np.isnan(age) & blank_cell & ~self.age_reject
        wanting &= np.isnat(self.out["birth_date"])
        with np.errstate(invalid="ignore"):
            source = named & (age >= 0) & ~self.age_reject
        if not wanting.any() or not source.any():
            return
        collected = self.out["collected_at"].astype("datetime64[ns]")
        days = collected.astype("datetime64[D]").astype(np.float64)  # NaN where no date
        days[np.isnat(collected)] = np.nan
        known: dict[str, list[tuple[float, float]]] = {}
        for i in np.flatnonzero(source):
            known.setdefault(patient[i], []).append((float(age[i]), float(days[i])))
        filled, carried, unequal, undated = 0, 0, 0, 0
        melted = self.column("source_column") is not None  # one row per visit column
        for i in np.flatnonzero(wanting):
            others = known.get(patient[i])
            if not others:
                continue
            dated = not math.isnan(days[i]) and all(not math.isnan(d) for _, d in others)
            if melted and not dated:  # a later visit's age is not the baseline's
                undated += 1
                continue
            ages = [a + ((days[i] - d) / DAYS_PER_YEAR if dated else 0.0) for a, d in others]
            if max(ages) - min(ages) > AGE_DISAGREEMENT_YEARS or min(ages) < 0:
                unequal += 1
                continue
            age[i] = min(ages)
            filled += 1
            carried += not dated
        self.out["age_years"] = age
        header = self.table.headers.get(key, key)
        if filled:
            unchanged = (
                f"; {carried} of them without both collection dates took it unchanged (the "
                "patient may be older by the time between the samples: check an age close to "
                "a reference stratum's limit)"
                if carried
                else ""
            )
            self.warnings.append(
                f"{filled} row(s) gave no age: it was taken from the other rows of the same "
                f"patient (column {header!r}), plus the time between the collection dates "
                f"where both are known{unchanged}"
            )
        if unequal:
            self.warnings.append(
                f"{unequal} row(s) gave no age and the other rows of the same patient "
                f"(column {header!r}) give ages that disagree: left unknown"
            )
        if undated:
            self.warnings.append(
                f"{undated} result(s) of a visit column gave no age of their own and lack the "
                "collection dates that would advance the age of another visit of the same "
                f"patient (column {header!r}): age left unknown"
            )

    def _ages_against_dates(
        self, age: np.ndarray, computed: np.ndarray, conflict: np.ndarray
    ) -> np.ndarray:
        """Rows whose age cell differs by more than AGE_DISAGREEMENT_YEARS from the age the
        birth date and the sample date give: the dates' age is used, with a warning (REDCap's
        "age" is often the age at export: an 8-year-old girl's sample was judged on the adult
        interval, an infant's on a teenager's)."""
        with np.errstate(invalid="ignore"):
            off: np.ndarray = (age >= 0) & (np.abs(age - computed) > AGE_DISAGREEMENT_YEARS)
        off &= ~conflict  # rejected instead (_conflicting_ages)
        if off.any():
            header = self.table.headers.get("age_years", "age")
            first = int(np.flatnonzero(off)[0])
            self.warnings.append(
                f"column {header!r}: {int(off.sum())} age(s) differ by more than "
                f"{_fmt(AGE_DISAGREEMENT_YEARS)} year from the age the birth date and the "
                f"sample date give (e.g. row {int(self.table.source_rows[first])}: "
                f"{_fmt(age[first])} against {_fmt(round(computed[first], 1))}): the dates' "
                "age was used (an export's age column may be the age at export or enrolment)"
            )
        return off

    def _conflicting_ages(
        self, age: np.ndarray, computed: np.ndarray, conflict: np.ndarray
    ) -> None:
        """Rows whose age cell is older than the birth date makes the patient today (a birth
        date filled in with the sample date made a man of 52 a neonate, and his 400 ng/mL
        normal against the neonatal interval): rejected (unreadable_age), since which one is
        true is not known.  An age cell older than the dates' age yet possible today is the
        age at export, and gives way to the dates' age (_ages_against_dates)."""
        header = self.table.headers.get("age_years", "age")
        for i in np.flatnonzero(conflict & ~self.age_reject):
            self.age_reject[i] = True
            at_sample = (
                f"an age of {age_text(float(computed[i])) if computed[i] > 0 else '0 days'} at "
                "the sample, and"
                if computed[i] == computed[i]
                else ""
            )
            self.age_detail[i] = (
                f"age {_fmt(age[i])} in column {header!r} contradicts the birth date, which "
                f"gives {at_sample} a younger age even today: which one is right is not known; "
                "correct the age or the birth date"
            )

    @property
    def max_age(self) -> float:
        return load_thresholds().get("age_max_years")

    def _impossible_birth_dates(self, no_age: np.ndarray, too_old: np.ndarray) -> None:
        """Rows without a readable age whose birth date is after the collection or gives an age
        over age_max_years: rejected (unreadable_age), never judged as adults."""
        birth, collected = self.out["birth_date"], self.out["collected_at"]
        both = ~np.isnat(birth) & ~np.isnat(collected)
        after = both & (birth > collected)
        header = self.table.headers.get("birth_date", "birth date")
        for i in np.flatnonzero(no_age & both & (after | too_old) & ~self.age_reject):
            why = (
                "is after the collection date"
                if after[i]
                else f"gives an age over {_fmt(self.max_age)} years at collection"
            )
            self.age_reject[i] = True
            self.age_detail[i] = (
                f"the birth date in column {header!r} {why} and no age cell gives the age; the "
                "result is not judged against the adult interval"
            )

    def _two_digit_birth_years(self, no_age: np.ndarray) -> None:
        """Rows whose birth date is written with a two-digit year that reads as a child's in
        this century and as a very old person's in the last ("01.06.25": 2025 or 1925), and no
        age cell gives the age: rejected (unreadable_age).  The child's interval would make an
        adult's raised result normal; the adult's would make a normal infant's high."""
        col = self.column("birth_date")
        if col is None:
            return
        birth = self.out["birth_date"]
        two = self._apply(col, lambda c: isinstance(c, str) and has_two_digit_year(c), bool)
        candidates = two & no_age & ~np.isnat(birth) & ~self.age_reject
        if not candidates.any():
            return
        collected = self.out["collected_at"]
        today = np.datetime64(date.today(), "ns")
        at = np.where(np.isnat(collected), today, collected)
        earlier = (pd.DatetimeIndex(birth) - pd.DateOffset(years=100)).to_numpy("datetime64[ns]")
        as_born = ages_in_years(birth, at)
        as_earlier = ages_in_years(earlier, at)
        limits = load_thresholds()
        with np.errstate(invalid="ignore"):
            ambiguous = (
                candidates
                & (as_born < limits.get("adult_age_years"))
                & (as_earlier <= self.max_age)
            )
        if not ambiguous.any():
            return
        header = self.table.headers.get("birth_date", "birth date")
        for i in np.flatnonzero(ambiguous):
            year = pd.Timestamp(birth[i]).year
            self.age_reject[i] = True
            self.age_detail[i] = (
                f"the birth date {cell_text(col[i])!r} in column {header!r} has a two-digit "
                f"year: born in {year - 100} or {year} (aged {_fmt(math.floor(as_earlier[i]))} "
                f"or {_fmt(round(as_born[i], 1))} years) cannot be told, and no age cell gives "
                "the age; the result is not judged against either interval (write the year in "
                "full, or give the age)"
            )
        self.warnings.append(
            f"column {header!r}: {int(ambiguous.sum())} birth date(s) with a two-digit year "
            "read as a child's in this century or as a very old person's in the last: those "
            "rows are rejected (unreadable_age); write the years in full or give the age"
        )

    def _unreadable_birth_dates(self, no_age: np.ndarray) -> None:
        """Rows whose birth date cell holds something that is no date ("31.02.2018", a typo)
        and no age cell gives the age: rejected (unreadable_age), as an unreadable age cell is;
        judged against the adult interval they gave a child a false normal."""
        col = self.column("birth_date")
        if col is None:
            return
        present = ~self._apply(col, gives_nothing, bool)
        bad = present & np.isnat(self.out["birth_date"]) & no_age & ~self.age_reject
        if not bad.any():
            return
        header = self.table.headers.get("birth_date", "birth date")
        for i in np.flatnonzero(bad):  # the unreadable dates' own warning names the column
            self.age_reject[i] = True
            if self.doubtful_birth[i]:
                self.age_detail[i] = (
                    f"the birth date {cell_text(col[i])!r} in column {header!r} is the day of the "
                    "sample or after an earlier sample of the same patient, whose other rows give "
                    "another birth date, and no age cell gives the age; the result is judged "
                    "against neither a newborn's nor the adult interval: check the birth date"
                )
                continue
            self.age_detail[i] = (
                f"the birth date {cell_text(col[i])!r} in column {header!r} cannot be read as a "
                "date and no age cell gives the age; the result is not judged against the adult "
                "interval"
            ) + _stata_sas_hint(col[i], _OLDEST_BIRTH, self._run_day().date())

    def void_results(self, reason: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows whose result-status column says they hold no valid result (cancelled, deleted,
        entered in error: values.result_status), and why; as HL7's OBX-11 X, D, W.  A prolactin
        cell that is no number but such a status in words ("storniert", "annulé", "Befund
        cancelled": ``reason`` unparseable_result) says the same of its row."""
        col = self.column("result_status")
        detail = np.full(self.n, "", dtype=object)
        void = np.zeros(self.n, dtype=bool)
        if col is not None:
            codes, parsed = self._distinct(col, result_status)
            void = _pick(codes, parsed, lambda status: status == "void", np.bool_)
            header = self.table.headers.get("result_status", "status")
            self._warn_unknown_statuses(col, header)
            for i in np.flatnonzero(void):
                detail[i] = (
                    f"result status {cell_text(col[i])!r} in column {header!r}: cancelled, "
                    "deleted or entered in error, not a valid result"
                )
        raw = self.out.get("prolactin_raw")
        if raw is None:
            return void, detail
        header = self.table.headers.get("prolactin", "prolactin")
        for row in np.flatnonzero((reason == "unparseable_result") & ~void).tolist():
            text = cell_text(raw[row]) if raw[row] is not None else ""
            if says_cancelled(text):
                void[row] = True
                detail[row] = (
                    f"prolactin {text.strip()!r} in column {header!r}: the result is cancelled, "
                    "deleted or entered in error, not a valid result"
                )
        return void, detail

    def _warn_unknown_statuses(self, col: np.ndarray, header: str) -> None:
        """The status words the tool does not know (values.result_status), named: such a row
        is read as a final result, which a correction or a cancellation written otherwise would
        not be (a "Korrektur" left an earlier 7000 standing as urgent)."""
        found = self.table.distinct(col)
        unknown = sorted(
            {
                cell_text(u).strip()
                for u, used in zip(found.uniques, _used(found), strict=True)
                if used
                and not is_blank(u)
                and not is_empty_value(u)
                and not is_unknown_word(u)
                and result_status(u) is None
            }
        )
        if unknown:
            listed = ", ".join(repr(u) for u in unknown[:8])
            self.warnings.append(
                f"column {header!r}: result status(es) {listed} not recognised: those rows are "
                "read as final results (not as a correction, a cancellation or a preliminary "
                "result); write the lab's status as final, corrected, preliminary or cancelled"
            )

    def revisions(self, usable: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[Withdrawal]]:
        """The ``usable`` rows another row of the same patient and specimen replaces, why, and
        what the file's statuses do to earlier files' results (the history's Withdrawals), as
        HL7's OBX-11: a corrected or amended result (the last of them) replaces every other
        result of its specimen, a final one a preliminary one (rejected as cancelled_result);
        across files a correction withdraws the stored result, a final one supersedes a stored
        preliminary one, and a preliminary one is marked as such."""
        col = self.column("result_status")
        superseded = np.zeros(self.n, dtype=bool)
        detail = np.full(self.n, "", dtype=object)
        if col is not None:
            codes, parsed = self._distinct(col, result_status)
            kinds = _pick(codes, parsed, lambda kind: kind or "", object)
            self.out["result_status"] = self._apply(col, result_status_code)
        else:
            kinds = np.full(self.n, "", dtype=object)
        if self.settings.statuses_applied:  # the reader replaced and withdrew results itself
            return superseded, detail, []
        # a comment saying in words that the result corrects an earlier report of its sample
        # ("corrected result", "Wert korrigiert": values.says_corrected) is a correction as a
        # corrected status is, in the file too (its sample's other result is set aside)
        comments = _texts_at(self.out.get("comments"), np.arange(self.n))
        worded: dict[int, str] = {}
        for i in np.flatnonzero(usable).tolist():
            words = says_corrected(comments[i]) if comments[i] else None
            if words is not None and kinds[i] in ("", "kept"):
                kinds[i], worded[i] = "corrected", words
        if col is None and not worded:
            return superseded, detail, []
        header = self.table.headers.get("result_status", "status")
        rows = self.table.source_rows
        patients, specimens, issuers = (
            _texts_at(self.out.get(name), np.arange(self.n))
            for name in ("patient_id", "specimen_id", "patient_issuer")
        )
        samples: dict[tuple[str, str, str], list[int]] = {}
        for i in np.flatnonzero(usable).tolist():
            if specimens[i]:  # only a specimen number names one sample for sure
                # the ids as the history compares them: "0801" and "801" are one patient
                key = (issuers[i], identifier_key(patients[i]), identifier_key(specimens[i]))
                samples.setdefault(key, []).append(i)

        def said(i: int) -> str:
            if i in worded:
                return f"its comment says {worded[i]!r}"
            if col is None:
                return "no result status"
            return f"result status {cell_text(col[i])!r} in column {header!r}"

        for members in samples.values():
            corrected = [i for i in members if kinds[i] == "corrected"]
            finals = [i for i in members if kinds[i] not in ("corrected", "preliminary")]
            by = corrected[-1] if corrected else finals[-1] if finals else None
            for i in members:
                if by is None or i == by or not (corrected or kinds[i] == "preliminary"):
                    continue
                superseded[i] = True
                what = "corrected" if corrected else "made final"
                detail[i] = (
                    f"{said(i)}: {what} by row {int(rows[by])} ({said(by)}), which is used instead"
                )
        withdrawals: list[Withdrawal] = []
        left: list[str] = []  # the preliminary results triaged (no final one in the file)
        for i in np.flatnonzero(usable & ~superseded).tolist():
            row, kind = int(rows[i]), kinds[i]
            if kind == "preliminary":
                withdrawals.append(Withdrawal(row, "", "", "", PRELIMINARY))
                left.append(str(row))
            elif kind == "corrected" or (kind == "kept" and patients[i] and specimens[i]):
                # a correction without patient or specimen corrects nothing: the history says so
                withdrawals.append(
                    Withdrawal(
                        row,
                        patients[i],
                        specimens[i],
                        f"corrected ({said(i)})"
                        if kind == "corrected"
                        else f"{SUPERSEDED} by the final result ({said(i)})",
                        WITHDRAWS if kind == "corrected" else SUPERSEDES,
                        issuers[i],
                    )
                )
        if left:
            more = f" and {len(left) - REPEATS_LISTED} more" if len(left) > REPEATS_LISTED else ""
            self.warnings.append(
                f"preliminary results (column {header!r}) at row(s) "
                f"{', '.join(left[:REPEATS_LISTED])}{more} were triaged as given; the final "
                "result may differ"
            )
        return superseded, detail, withdrawals

    def _run_day(self) -> datetime:
        """The run's date and time (--as-of, else now), naive local time."""
        as_of = self.settings.as_of or datetime.now()
        return as_of.astimezone().replace(tzinfo=None) if as_of.tzinfo is not None else as_of

    def _implausible_dates(self) -> None:
        """Collection dates before collection_date_min_year or after the run's date (plus
        collection_date_future_days): rejected as implausible_date."""
        first_year = int(load_thresholds().get("collection_date_min_year"))
        as_of = self._run_day()
        earliest = np.datetime64(f"{first_year:04d}-01-01", "ns")
        latest = self._latest_collection()
        collected = self.out["collected_at"]
        known = ~np.isnat(collected)
        early, late = known & (collected < earliest), known & (collected > latest)
        self.date_reject = early | late
        self.date_detail = np.full(self.n, "", dtype=object)
        header = self.table.headers.get("collected_at", "collected")
        run_day = as_of.date().isoformat()
        written = self.column("collected_at")
        origin = self._days_from()
        for i in np.flatnonzero(self.date_reject):
            shown = str(np.datetime_as_string(collected[i], unit="D"))
            self.date_detail[i] = (
                f"collection date '{shown}' in column {header!r} is before {first_year}: prolactin "
                "immunoassays date from the 1970s (a typing error?)"
                if early[i]
                else f"collection date '{shown}' in column {header!r} is after the run's date "
                f"({run_day}): a sample cannot come from the future (a typing error?)"
            )
            if early[i] and written is not None and origin is None:
                self.date_detail[i] += _stata_sas_hint(
                    written[i], date(first_year, 1, 1), as_of.date()
                )

    def _with_age_units(self, given: np.ndarray | None) -> np.ndarray | None:
        """The age cells, each bare number with its row's unit from an age-unit column
        ("3" and "days" -> "3 days"), read then as any age written with its unit."""
        units = self.column("age_unit")
        if given is None or units is None:
            return given
        return np.array(
            [
                f"{cell_text(age)} {cell_text(unit)}"
                if bare_number(age) is not None and not is_blank(unit)
                else age
                for age, unit in zip(given, units, strict=True)
            ],
            dtype=object,
        )

    def _ages(self, given: np.ndarray) -> np.ndarray:
        """Ages in years; a bare number in the header's unit ("Alter (Monate)"), a bare "j"
        read as the column says (``age_unit_readings``)."""
        header = self.table.headers.get("age_years", "")
        readings = age_unit_readings(self.table.distinct(given).uniques, header)
        # "Age (j)": the ambiguous unit as the column reads it (days)
        unit = self._stated_unit("age_years", partial(age_header_scale, readings=readings))
        per_year = age_header_scale(unit, readings) if unit else None
        max_age = self.max_age
        limits = load_thresholds()
        boundaries = [limits.get(name) for name in AGE_BAND_BOUNDARIES]
        banded: list[str] = []

        def in_header_unit(cell: object) -> float | None:
            """A bare number under a header that names a unit, in years (NaN: negative)."""
            if per_year is None or isinstance(cell, bool):
                return None
            number = None
            if isinstance(cell, int | float | np.integer | np.floating):
                number = float(cell)
            elif isinstance(cell, str):
                number = parse_number(cell.strip())
            if number is None:
                return None
            return number * per_year if number >= 0 else math.nan

        def read(cell: object) -> float | None:
            age = in_header_unit(cell)
            if age is None:
                age = parse_age_years(cell, readings)
                band = age_band(cell) if age is None and per_year is None else None
                if band is not None:
                    age = band_age(band, boundaries)
                    if age is not None:
                        banded.append(cell_text(cell))
            if age is None and (word := age_word(cell, readings)) is not None:
                # "newborn", "Säugling": an age under the stage's span whose days are not
                # known (judged against every interval of it), or the duration written after
                # the word when it lies within that span ("Säugling 3 Monate")
                stage = limits.years(word.span)
                if word.years is None:
                    return unknown_age(stage)
                return word.years if word.years < stage else None
            span = zero_age_span_years(cell, readings, per_year or 1.0) if age == 0.0 else None
            if span is not None:
                # "0 years", or 0 under "Age (months)": under one year (month), not day 0 (the
                # birth date decides if there is one; else the engine judges against every
                # interval of that span)
                return unknown_age(span)
            return age if age is not None and 0.0 <= age <= max_age else None

        ages = self._floats(given, read)
        if banded:
            self.warnings.append(
                f"{len(banded)} age band(s) in column {header!r} (e.g. {banded[0]!r}) were read "
                "as their middle (an open band '65+' as its first age): every age in such a band "
                f"has the same reference interval; bands that span {_fmt(boundaries[0])} or "
                f"{_fmt(boundaries[1])} years (where the interval changes) are rejected "
                "(unreadable_age)"
            )
        return ages

    def _unreadable_ages(
        self, given: np.ndarray | None, age: np.ndarray, computed: np.ndarray
    ) -> None:
        """Rows whose age cell holds something that cannot be read, and no birth date gives
        the age: rejected (``unreadable_age``), never judged against the adult interval."""
        self.age_reject = np.zeros(self.n, dtype=bool)
        self.age_detail = np.full(self.n, "", dtype=object)
        if given is None:
            return
        header = self.table.headers.get("age_years", "age")
        present = ~self._apply(given, gives_nothing, bool)
        unread = present & np.isnan(age)
        if not unread.any():
            return
        rescued = unread & ~np.isnan(computed)
        self.age_reject = unread & np.isnan(computed)
        first = int(np.flatnonzero(unread)[0])
        example = cell_text(given[first])
        rows = int(unread.sum())
        what = (
            "the age from the birth date was used"
            if rescued.all()
            else "those without a birth date are rejected (unreadable_age), not judged against "
            "the adult interval"
        )
        self.warnings.append(
            f"{rows} age cell(s) in column {header!r} cannot be read as an age (e.g. "
            f"{example!r} at row {int(self.table.source_rows[first])}): {what}; write the unit "
            "(34 y, 6 months, 3 days) or fix the cell"
        )
        for i in np.flatnonzero(self.age_reject):
            written = cell_text(given[i])
            number = parse_number(written.strip())
            why = (
                "is an age band that spans an age where the reference interval changes (or a "
                "child's band)"
                if age_band(written) is not None
                else "is negative"
                if number is not None and number < 0
                else f"is over {_fmt(self.max_age)} years"
                if number is not None and number > self.max_age
                else "cannot be read as an age"
            )
            self.age_detail[i] = (
                f"age {written!r} in column {header!r} {why} and no birth date gives the age; "
                "the result is not judged against the adult interval"
            )

    def _sex(self) -> np.ndarray:
        """F / M per row; a column of numeric codes (1, 2) is read as ISO 5218, with a note."""
        col = self.column("sex")
        if col is None:
            return np.full(self.n, None, object)
        found = self.table.distinct(col)
        used = [u for u, k in zip(found.uniques, _used(found), strict=True) if k]
        coded = [u for u in used if sex_code(u)]
        header = self.table.headers.get("sex", "sex")
        stated = header_sex_codes(header)
        if stated:  # "Sex (1=female, 2=male)": the export's own codebook, in its header
            listed = ", ".join(f"{code} = {sex}" for code, sex in sorted(stated.items()))
            self.warnings.append(f"column {header!r} codes sex as its header says: {listed}")
            # a number the codebook leaves out ("2" beside "0=female, 1=male") is unknown, as
            # with [values.sex] (CODEBOOK_ONLY): never an ISO 5218 sex, which read a man's
            # raised result as a woman's normal one
            unlisted = sorted(
                {
                    _code_text(u)
                    for u in used
                    if bare_number(u) is not None
                    and not is_missing_code(u)
                    and _code_text(u) not in stated
                }
            )
            if unlisted:
                self.warnings.append(
                    f"column {header!r}: code(s) {', '.join(unlisted[:8])} are not in the "
                    "codebook its header states and were read as unknown (each result is judged "
                    "against both sexes' intervals); fix the cells or state the code in the header"
                )
            return self._apply(
                col,
                lambda c: (
                    stated.get(_code_text(c))
                    or (None if bare_number(c) is not None else parse_sex(c))
                ),
            )
        if coded:
            # every whole-number code the column holds ("0" of a 0/1 codebook too), named as
            # written, and an example of the mapping with those codes
            numbers = sorted({_code_text(u) for u in used if _code_text(u).isdigit()}, key=int)
            listed = ", ".join(numbers)
            example = ", ".join(
                f'"{code}" = "{sex}"' for code, sex in zip(numbers[:2], ("F", "M"), strict=False)
            )
            self.warnings.append(
                f"column {header!r} holds numeric sex codes ({listed}) and neither its header "
                "nor a column mapping file says what they mean: those rows' sex is read as "
                "unknown (each result is judged against both sexes' intervals; ISO/IEC 5218 "
                "reads 1 = male, 2 = female, many research codebooks 1 = female, 2 = male or "
                "0 = female, 1 = male); state the export's codebook in the column mapping "
                f"file, e.g. [values.sex] {example}"
            )
        reading = sex_letter_reading(used, header)
        if reading is None:
            if self._lone_m_women(used, header):
                return self._apply(col, lambda c: "F" if _code_text(c) == "M" else sex_of_cell(c))
            self._warn_lone_m(used, header)
            return self._apply(col, sex_of_cell)
        codes = "/".join(sorted(c.upper() for c in reading.letters))
        if reading.name:
            self.warnings.append(f"column {header!r} codes sex as {codes}: read as {reading.name}")
        else:
            self.warnings.append(
                f"column {header!r} codes sex as {codes}, which means "
                f"{' or '.join(reading.ambiguous)}: the header does not say which, so "
                f"{'/'.join(sorted(c.upper() for c, v in reading.letters.items() if v is None))} "
                "rows' sex is read as unknown (name the column 'Sexo' or 'Geslacht', or "
                "recode it F/M)"
            )
        return self._apply(col, partial(sex_of_cell, letters=reading.letters))

    def _error_cells(self, name: str, read_as: str, *, blank: bool = False) -> None:
        """Cells of column ``name`` that hold a spreadsheet formula's error value ("#N/A",
        "#WERT!", "#NOMBRE?": values.is_spreadsheet_error), in a column without a warning of its
        own for cells it cannot read (the sex, a free text): said once, with their rows, as
        ``read_as``; ``blank``: the cells are emptied (no text of the note).  A value that failed
        is a cell that cannot be read, never one left empty without a word (review 26)."""
        col = self.column(name)
        if col is None:
            return
        found = self.table.distinct(col)
        errors = np.array([is_spreadsheet_error(u) for u in found.uniques], dtype=bool)
        errors &= _used(found)
        if not errors.any():
            return
        hit = errors[found.codes]
        rows = int(hit.sum())
        named = [str(int(n)) for n in self.table.source_rows[hit][:_NOTE_ROWS]]
        cells = [cell_text(found.uniques[i]) for i in np.flatnonzero(errors)][:_NOTE_ROWS]
        header = self.table.headers.get(name, name)
        self.warnings.append(
            f"column {header!r}: {rows} cell(s) at row(s) {', '.join(named)}"
            f"{', ...' if rows > _NOTE_ROWS else ''} hold a spreadsheet formula's error value "
            f"({', '.join(repr(c) for c in cells)}), a value that failed: {read_as}; fix the "
            "formula or the cell"
        )
        if blank:
            emptied = col.copy()
            emptied[hit] = None
            self.cols[name] = emptied

    def _birth_periods(self) -> tuple[np.ndarray, np.ndarray]:
        """Per row, the year and month (0: the year only) of a birth-date cell that gives no day
        (1985, "1985", "05/2010", "Mai 2010"), NaN elsewhere: a research cohort's or a
        privacy-minded export's "Year of birth" (values.birth_period).  The age is then
        estimated from it (values.ages_from_birth_periods)."""
        col = self.column("birth_date")
        if col is None:
            return np.full(self.n, np.nan), np.full(self.n, np.nan)

        found = self.table.distinct(col)
        periods = [
            None if isinstance(cell, date) else birth_period(cell)  # a date gives its day
            for cell in found.uniques
        ]
        years = _pick(found.codes, periods, lambda p: math.nan if p is None else p[0], np.float64)
        months = _pick(found.codes, periods, lambda p: math.nan if p is None else p[1], np.float64)
        if (count := int((~np.isnan(years)).sum())) > 0:
            header = self.table.headers.get("birth_date", "birth date")
            self.warnings.append(
                f"column {header!r}: {count} cell(s) give the year or the month of birth only; "
                "the age is estimated from it and the collection date (within half the period; "
                "a child possibly under one year is judged against every interval its age "
                "allows)"
            )
        return years, months

    def _dates(self, name: str, leave: np.ndarray | None = None) -> np.ndarray:
        """The column's dates; ``leave``: rows whose cell is read otherwise (left empty)."""
        col = self.column(name)
        if col is None:
            return np.full(self.n, np.datetime64("NaT"), dtype="datetime64[ns]")
        header = self.table.headers.get(name, name)
        left = leave is not None and bool(leave.any())
        if left:
            col = col.astype(object)  # a copy: the table's column stays as read
            col[leave] = None
        values, notes = date_column(
            col,
            header,
            self.settings.dayfirst,
            self.table.text_source,
            None if left else self.table.distinct(col),
            past=name == "birth_date",
            rows=self.table.source_rows,
            orders=None if left else self.table.date_orders(col),
            date1904=self.table.date1904,
            days_from=self._days_from(),
        )
        self.warnings.extend(notes)
        return values

    def _days_from(self) -> date | None:
        """The day the date columns' numbers count from: the mapping file's [input]
        date_origin, else Stata's and SAS's 1960-01-01 where the collection dates show it
        (stata_sas_days: read as Excel serials they all fall before any prolactin assay), said
        once; None: Excel serials."""
        if self._origin is not None:
            return self._origin[0]
        origin = self.settings.date_origin
        col = self.column("collected_at")
        if origin is None and col is not None:
            first_year = int(load_thresholds().get("collection_date_min_year"))
            found = self.table.distinct(col)
            cells = [u for u, keep in zip(found.uniques, _used(found), strict=True) if keep]
            if stata_sas_days(cells, first_year, self._run_day().date()):
                origin = STATA_SAS_ORIGIN
                header = self.table.headers.get("collected_at", "collected_at")
                self.warnings.append(
                    f"column {header!r}: its numbers read as Excel serial dates would all fall "
                    f"before {first_year}, before any prolactin assay; they are read as days "
                    f"since {origin.isoformat()} (Stata %td and SAS dates), and so are the "
                    "numbers of the birth-date column: if the export counts from another day, "
                    "state it in a column mapping file ([input] date_origin)"
                )
        self._origin = (origin,)
        return origin

    def _collected_offsets(self) -> None:
        """collected_offset ("+01:00"): the offset a collection time's own cell writes with it
        ("2026-07-01T08:30:00-05:00", "…Z", "…+0200": values.date_offset), else the table's
        offset column's, written as "+01:00" where it reads as an offset ("+0100", "UTC+1",
        "-5").  The reader keeps the wall-clock time as written: with its offset,
        results.fhir.json writes the instant the lab meant, not this computer's zone's."""
        given = self.out.get("collected_offset")
        if given is not None:
            given = np.array(
                [
                    utc_offset_text(c) or c if isinstance(c, str) else c
                    for c in np.asarray(given, dtype=object).tolist()
                ],
                dtype=object,
            )
        written = self.column("collected_at")
        own = None if written is None else self._apply(written, date_offset)
        if own is not None and any(o is not None for o in own.tolist()):
            given = own if given is None else np.where(pd.isna(own), given, own)
        if given is not None:
            self.out["collected_offset"] = given

    def _with_time_column(self, collected: np.ndarray) -> np.ndarray:
        col = self.column("collected_time")
        if col is None:
            return collected
        offsets = self._apply(col, _time_of_day)
        delta = np.array(
            [
                np.timedelta64(int(o.total_seconds()), "s")
                if o is not None
                else np.timedelta64("NaT")
                for o in offsets
            ],
            dtype="timedelta64[ns]",
        )
        midnight = collected == collected.astype("datetime64[D]").astype("datetime64[ns]")
        add = midnight & ~np.isnat(delta)
        return np.where(add, collected + np.where(add, delta, np.timedelta64(0, "ns")), collected)

    # -- context -----------------------------------------------------------------------------
    def context(self) -> None:
        for name in FLAG_FIELDS:
            col = self.column(name)
            if col is None:  # left out: the frame has both columns empty
                continue
            self.out[name] = self._apply(col, partial(_flag, field=name))
            self.out[f"{name}_text"] = self._texts(col)
            if name in STATE_FLAGS:
                self._warn_unread_states(name, col)
        self._trimester()
        self._due_date()
        self._dialysis_from_time()
        for name in QUALIFIED_NUMBERS:
            col = self.column(name)
            if col is None:
                self.out[name] = np.full(self.n, np.nan)
                continue  # no qualifier column: the frame has it empty
            decimal = self._decimal(col)
            codes, parsed = self._distinct(col, partial(_quantity, decimal=decimal))
            self.out[name] = _pick(codes, parsed, lambda q: _nan(q.value), np.float64)
            self.out[f"{name}_qualifier"] = _pick(
                codes, parsed, lambda q: q.qualifier if q.value is not None else None, object
            )
            if name in LAB_WORD_FIELDS:  # a result in words: "erhöht", "normal" (values.lab_word)
                words = self._apply(col, lambda c: cell_text(c) if lab_word(c) else None)
                self.out[f"{name}_text"] = words
                self._warn_unread_numbers(name, col, self.out[name], words != None)  # noqa: E711
                continue
            self._warn_unread_numbers(name, col, self.out[name], self._kidney_words(name, col))
        for name in PLAIN_NUMBERS:
            self.out[name] = self._numbers(name)
            col = self.column(name)
            if col is not None:
                self._warn_unread_numbers(name, col, self.out[name], self._kidney_words(name, col))
        self.out["creatinine"] = self._creatinine()
        as_written = {name: self.out[name] for name, _ in CONTEXT_INTERVALS}
        for name in LAB_UNIT_FIELDS:
            self.out[name] = self._in_engine_unit(name)
        self._context_intervals(as_written)
        self.out["gestational_weeks"] = self._weeks_of("gestational_weeks")
        self._gestation_trimesters()
        self.out["postpartum_weeks"] = self._postpartum_weeks()
        unit = self.table.header_units.get("pituitary_lesion_mm", "")
        self.out["pituitary_lesion_mm"] = self._floats_of(
            "pituitary_lesion_mm", lambda c: parse_size_mm(c, unit)
        )
        recovery, bound = self._recovery()
        self.out["macroprolactin_recovery_pct"] = recovery
        self.out["macroprolactin_recovery_pct_qualifier"] = bound
        self.out["monomeric_prolactin"], self.out["monomeric_prolactin_unit"] = self._monomeric()
        self._hcg()
        factor = self.settings.conversion_factor
        self.out["conversion_factor"] = np.full(self.n, math.nan if factor is None else factor)

    def _context_intervals(self, as_written: Mapping[str, np.ndarray]) -> None:
        """The lab's own interval of the TSH and the free T4 (CONTEXT_INTERVALS): its column
        beside the value ("TSH ref" 0.35-4.94), else one written in the value's cell after the
        number ("5,1 (0,4-6,0)"), put in the engine's unit as the value was (the value's own
        factor: a free T4 in ng/dL with its interval in ng/dL), into <name>_reference_low and
        _high.  Before, a fixed adult limit judged every TSH and free T4 (TSH 5.6 against a
        lab's 0.35-4.94 with a free T4 of 10.5 within 9.0-19.0 was called overt
        hypothyroidism)."""
        for name, interval_field in CONTEXT_INTERVALS:
            low, high = np.full(self.n, math.nan), np.full(self.n, math.nan)
            col = self.column(interval_field)
            if col is not None:
                decimal = self._decimal(col)
                codes, parsed = self._distinct(col, partial(parse_interval, decimal=decimal))
                low, high = _interval_ends(codes, parsed)
            cells = self.column(name)
            if cells is not None:
                decimal = self._decimal(cells)
                codes, parsed = self._distinct(cells, partial(cell_interval, decimal=decimal))
                if any(p is not None for p in parsed):
                    in_low, in_high = _interval_ends(codes, parsed)
                    take = np.isnan(low) & np.isnan(high)
                    low, high = np.where(take, in_low, low), np.where(take, in_high, high)
            if np.isnan(low).all() and np.isnan(high).all():
                continue
            written = as_written[name].astype(np.float64)
            with np.errstate(divide="ignore", invalid="ignore"):
                scale = self.out[name].astype(np.float64) / written
            scale = np.where(np.isfinite(scale) & (scale > 0), scale, math.nan)
            self.out[f"{name}_reference_low"] = low * scale
            self.out[f"{name}_reference_high"] = high * scale

    def _trimester(self) -> None:
        """A trimester column ("Trimester" 3, "Trimenon" T3, "trimestre" 3e): its trimester is
        added to the pregnancy column's words ("trimester 3", read as a pregnancy in that
        trimester, as "3rd trimester" written there is); cells that give none are said once.
        "Trimestre" is also a quarter of the year: a column holding a year or a fourth one
        ("T1 2026", "2026-T4", 4) is no pregnancy's and is not read."""
        col = self.column("trimester")
        if col is None:
            return
        found = self.table.distinct(col)
        if any(_quarter_cell().search(cell_text(u)) for u in found.uniques if u is not None):
            header = self.table.headers.get("trimester", "trimester")
            self.warnings.append(
                f"column {header!r} holds years or a fourth quarter: read as quarters of the "
                "year, not as a pregnancy's trimesters (not used)"
            )
            return
        texts = np.array([trimester_text(u) for u in found.uniques], dtype=object)
        self._pregnancy_words(texts[found.codes])
        unread = [
            i
            for i, u in enumerate(found.uniques)
            if texts[i] is None and _unread_state(u, "pregnant")
        ]
        if unread:
            hit = np.isin(found.codes, unread)
            named = [str(int(n)) for n in self.table.source_rows[hit][:_NOTE_ROWS]]
            header = self.table.headers.get("trimester", "trimester")
            cells = ", ".join(repr(cell_text(found.uniques[i])) for i in unread[:_NOTE_ROWS])
            self.warnings.append(
                f"column {header!r}: {int(hit.sum())} cell(s) at row(s) {', '.join(named)} "
                f"could not be read as a trimester (1, 2, 3, T1-T3, first-third) ({cells}): "
                "read as not given"
            )

    def _gestation_trimesters(self) -> None:
        """A gestation column's cells that give a trimester, not weeks ("3rd trimester", "3.
        Trimester", "III. Trimenon", "troisième trimestre", "T3": io/state_cells
        gestation_trimester): added to the pregnancy column's words, as a trimester column's
        are, so that the third trimester is judged against its own interval where the set has
        one.  Before, they were unread and, where they were many, the whole column with them.
        Cells read neither way, nor as a yes or no, are said once (read as not given)."""
        col = self.column("gestational_weeks")
        if col is None:
            return
        found = self.table.distinct(col)
        texts = np.array([gestation_trimester(u) for u in found.uniques], dtype=object)
        if any(t is not None for t in texts):
            self._pregnancy_words(texts[found.codes])
        said = [
            t is not None or parse_yes_no(u, "pregnant", strict=True) is not None
            for t, u in zip(texts, found.uniques, strict=True)
        ]
        read = np.array(said, dtype=bool)[found.codes]
        self._warn_unread_numbers("gestational_weeks", col, self.out["gestational_weeks"], read)

    def _due_date(self) -> None:
        """A due date column ("EDD", "Geburtstermin", "DPA", "FPP", "DPP", "uitgerekende
        datum"): each date is added to the pregnancy column's words as a due date written there
        ("due date 2026-12-10"), which the engine reads as a note's due date is (states.toml
        due_date, state_words._due_weeks): at a dated sample the gestation at it
        (pregnancy_term_weeks less the weeks until the due date) where it places a current
        pregnancy, nothing where it does not (long before the sample); without the sample's
        date the pregnancy without its gestation."""
        if self.column("due_date") is None:
            return
        due = self._dates("due_date").astype("datetime64[D]")
        self._pregnancy_words(
            np.array(
                [None if np.isnat(d) else f"due date {d}" for d in due],
                dtype=object,
            )
        )

    def _dialysis_from_time(self) -> None:
        """A column of the time on dialysis ("months_on_dialysis", "HD vintage (months)",
        "Dialysedauer (Monate)": synonyms.toml [fields.dialysis_duration]) or of the day it
        began ("dialysis_start_date", "Dialysebeginn": [fields.dialysis_start]) answers the
        dialysis question where no dialysis column does: a time above 0, or a start on or
        before the sample's day (any past day when the sample has none), is on dialysis; a time
        of 0, or a start after the sample, is not.  Written as the answer with the column's
        words and cell ("yes (months on dialysis 24)"), which the engine reads as a dialysis
        column's answer.  A cell that is neither (a word) is read as a dialysis column's cell
        ("nein", "HD"); a time that says nothing readable is said once per column (a day is,
        by the date reader)."""
        for name, (what, how) in _DIALYSIS_TIME_COLUMNS.items():
            col = self.column(name)
            if col is None:
                continue
            header = self.table.headers.get(name, name)
            words = " ".join(re.sub(r"[_()\[\]]+", " ", header).split())
            if name == "dialysis_duration":
                decimal = self._decimal(col)
                answers = self._apply(col, partial(_dialysis_time_answer, decimal=decimal))
                shown = self._texts(col)
                self._warn_unread_time(header, col, answers)
            else:
                answers, shown = self._dialysis_start_answers(col)
            texts = np.array(
                [
                    None if a is None else f"{'yes' if a else 'no'} ({words} {t})"
                    for a, t in zip(answers, shown, strict=True)
                ],
                dtype=object,
            )
            own = self.out.get("dialysis")
            if own is None:
                own = np.full(self.n, None, dtype=object)
            own_text = self.out.get("dialysis_text")
            if own_text is None:
                own_text = np.full(self.n, None, dtype=object)
            take = np.array([o is None or o is pd.NA for o in own], dtype=np.bool_)
            self.out["dialysis"] = np.where(take, answers, own)
            self.out["dialysis_text"] = np.where(take & (texts != None), texts, own_text)  # noqa: E711
            self.warnings.append(
                f"column {header!r} gives the {what}: read as dialysis where no dialysis "
                f"column answers, {how}"
            )

    def _warn_unread_time(self, header: str, col: np.ndarray, answers: np.ndarray) -> None:
        """Cells of a time-on-dialysis column read as nothing that hold something: said once."""
        unread = np.array(
            [a is None and _unread_state(c, "dialysis") for a, c in zip(answers, col, strict=True)],
            dtype=np.bool_,
        )
        if unread.any():
            rows = [str(int(r)) for r in self.table.source_rows[unread][:_NOTE_ROWS]]
            self.warnings.append(
                f"column {header!r}: {int(unread.sum())} cell(s) at row(s) {', '.join(rows)} "
                "could not be read as a time on dialysis: read as not given"
            )

    def _dialysis_start_answers(self, col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per row, on dialysis at the sample by the day dialysis began (True / False / None),
        and the day as written in the answer (the cell where it is no day: "nein")."""
        worded = self._apply(col, lambda c: parse_yes_no(c, "dialysis", strict=True))
        words = np.array([w is not None for w in worded], dtype=np.bool_)
        started = self._dates("dialysis_start", leave=words).astype("datetime64[D]")
        collected = self.out.get("collected_at")
        sample = (
            collected.astype("datetime64[D]")
            if collected is not None
            else np.full(self.n, np.datetime64("NaT"), dtype="datetime64[D]")
        )
        today = np.datetime64(self._run_day().date(), "D")  # --as-of, else today
        shown = self._texts(col)
        answers = np.empty(self.n, dtype=object)
        texts = np.empty(self.n, dtype=object)
        for i in range(self.n):
            day, at = started[i], sample[i]
            if np.isnat(day):
                answers[i], texts[i] = worded[i], shown[i]
            elif np.isnat(at):
                answers[i], texts[i] = (True if day <= today else None), str(day)
            else:
                answers[i], texts[i] = bool(day <= at), str(day)
        return answers, texts

    def _pregnancy_words(self, said: np.ndarray) -> None:
        """Words read from another column (a trimester, a due date) added to each row's
        pregnancy column words (its own first), where the engine reads them as written there."""
        own = self.out.get("pregnant_text")
        if own is None:
            own = np.full(self.n, None, dtype=object)
        self.out["pregnant_text"] = np.array(
            [f"{a}; {b}" if a and b else a or b for a, b in zip(own, said, strict=True)],
            dtype=object,
        )

    def _warn_unread_states(self, name: str, col: np.ndarray) -> None:
        """Cells of a state column (pregnant, menopausal ...) that the column's own words do not
        read ("xyz", "natural", a code no codebook gives) tell the engine nothing, as an empty
        cell: said once per column, with the distinct cells and their rows, so that a pregnancy
        or a menopause written in a way the tool does not know is seen, never silently lost."""
        found = self.table.distinct(col)
        unread = _used(found)
        header = self.table.headers.get(name, name)
        stated = header_unknown_codes(header)  # "9=unknown" in the header: read as such
        for i in np.flatnonzero(unread):
            cell = found.uniques[i]
            unread[i] = _unread_state(cell, name) and _code_text(cell) not in stated
        if not unread.any():
            return
        hit = unread[found.codes]
        rows = int(hit.sum())
        named = [str(int(n)) for n in self.table.source_rows[hit][:_NOTE_ROWS]]
        cells = [cell_text(found.uniques[i]) for i in np.flatnonzero(unread)]
        self.warnings.append(
            f"column {header!r}: {rows} cell(s) at row(s) {', '.join(named)}"
            f"{', ...' if rows > _NOTE_ROWS else ''} could not be read as "
            f"{field_words(name)} or not ({', '.join(repr(c) for c in cells[:_NOTE_ROWS])}"
            f"{', ...' if len(cells) > _NOTE_ROWS else ''}): read as not given; write them "
            "as the column's usual words or recode them in the column mapping file "
            f"([values.{name}])"
        )

    def _kidney_words(self, name: str, col: np.ndarray) -> np.ndarray | None:
        """The cells of kidney lab column ``name`` written in kidney words where no number is
        ("ESRD", "CKD G4"): kept in f"{name}_text" for the engine; None for other columns."""
        if name not in RENAL_WORD_FIELDS:
            return None
        no_number = np.isnan(self.out[name].astype(np.float64))
        words = self._apply(col, lambda c: cell_text(c) if kidney_words(name, c) else None)
        words[~no_number] = None
        self.out[f"{name}_text"] = words
        read: np.ndarray = words != None  # noqa: E711
        return read

    def _warn_unread_numbers(
        self, name: str, col: np.ndarray, values: np.ndarray, read: np.ndarray | None = None
    ) -> None:
        """Cells of a lab number column (eGFR, TSH ...) that hold text but no number ("Pille",
        a shifted cell) are read as not given, as empty and missing-code cells are: said once
        per column, with the first row, so that a shifted or mistyped column is seen.  `read`:
        the cells read otherwise (a result in words)."""
        blank = self._apply(
            col,
            lambda c: gives_nothing(c) or (is_missing_code(c) and not is_spreadsheet_error(c)),
            bool,
        )
        unread = ~blank.astype(bool) & np.isnan(values.astype(np.float64))
        if read is not None:
            unread &= ~read.astype(bool)
        if not unread.any():
            return
        first = int(np.flatnonzero(unread)[0])
        header = self.table.headers.get(name, name)
        self.warnings.append(
            f"{int(unread.sum())} cell(s) of column {header!r} could not be read as a number "
            f"(e.g. {cell_text(col[first])!r} at row {int(self.table.source_rows[first])}): "
            "read as not given"
        )

    def _creatinine(self) -> np.ndarray:
        """The creatinine column in the engine's reading (creatinine_for_engine): the unit its
        cell or its header states, else as given."""
        units = self._units_beside("creatinine")
        values = self.out["creatinine"]
        if units is None:
            return values
        read = creatinine_for_engine(values, units)
        read[self._implausible_creatinines(values, units)] = math.nan
        self._other_unit_disagreements(
            "creatinine",
            _creatinine_mg_dl(read),
            lambda v, u: _creatinine_mg_dl(creatinine_for_engine(v, u)),
        )
        return read

    def _implausible_creatinines(self, values: np.ndarray, units: np.ndarray) -> np.ndarray:
        """The creatinines impossible in their written unit (implausible_creatinine), said with
        the column and the first row.  Where every number written in one unit has the size of
        the other unit's results (all up to creatinine_mg_dl_max under a µmol/L header, or all
        above it under a mg/dL one) and one of them is impossible, the unit itself is wrong:
        the whole unit's numbers are not used and the run says the unit looks mislabelled."""
        bad = implausible_creatinine(values, units)
        if not bad.any():
            return bad
        numbers = np.asarray(values, dtype=np.float64)
        largest_mg_dl = load_thresholds().get("creatinine_mg_dl_max")
        header = self.table.headers.get("creatinine", "creatinine")
        col = self.column("creatinine")
        keys = np.array(["".join(str(u or "").lower().split()) for u in units], dtype=object)
        mg_dl_units, _ = _creatinine_units()
        said = np.zeros(len(bad), dtype=bool)
        for key in sorted(set(keys[bad].tolist())):
            rows = (keys == key) & ~np.isnan(numbers)
            in_mg_dl = key in mg_dl_units
            other_size = (
                numbers[rows] > largest_mg_dl if in_mg_dl else numbers[rows] <= largest_mg_dl
            )
            if not other_size.all():
                continue
            unit = str(units[np.flatnonzero(rows)[0]])
            shown = ", ".join(dict.fromkeys(_fmt(float(v)) for v in numbers[rows]).keys())
            looks = "µmol/L" if in_mg_dl else "mg/dL"
            self.warnings.append(
                f"column {header!r}: every creatinine written in {unit} ({shown}) has the size "
                f"of a result in {looks}: the unit looks mislabelled, so none was used; correct "
                "the unit in the header or beside the values"
            )
            bad |= rows
            said |= rows
        rest = bad & ~said
        if rest.any():
            first = int(np.flatnonzero(rest)[0])
            cell = cell_text(col[first]) if col is not None else _fmt(float(numbers[first]))
            self.warnings.append(
                f"{int(rest.sum())} creatinine value(s) of column {header!r} are impossible in "
                f"the unit written (e.g. {cell!r} in {units[first]}, row "
                f"{int(self.table.source_rows[first])}): not used; check the unit"
            )
        return bad

    def _in_engine_unit(self, name: str) -> np.ndarray:
        """Lab column ``name`` (TSH, free T4, eGFR) in the unit the engine reads
        (lab_values_in_engine_unit): the unit its cell or its header states, else as given.  A
        value in a unit that is not this test's is not used, and the run says so."""
        units = self._units_beside(name)
        values = self.out[name]
        if units is None:
            return values
        converted, refused, (scaled, unread, bare_unit) = lab_values_in_engine_unit(
            name, values, units, self.out
        )
        self._other_unit_disagreements(
            name, converted, lambda v, u: lab_values_in_engine_unit(name, v, u, self.out)[0]
        )
        if scaled or unread:
            header = self.table.headers.get(name, name)
            said = [f"{scaled} read in {bare_unit} (too small for the other unit)"] * bool(scaled)
            said += [f"{unread} not used (its size fits either unit)"] * bool(unread)
            self.warnings.append(
                f"column {header!r}: values without a unit judged by their size: "
                f"{'; '.join(said)}; name the unit in the header or beside the value"
            )
        if refused:
            header = self.table.headers.get(name, name)
            lost = int((~np.isnan(values.astype(np.float64)) & np.isnan(converted)).sum())
            self.warnings.append(
                f"{lost} value(s) of column {header!r} are written in a unit that is not one "
                f"of this test's ({', '.join(repr(u) for u in refused[:3])}): not used; write "
                "the unit the lab reports"
            )
        return converted

    def _other_unit_disagreements(
        self,
        name: str,
        read: np.ndarray,
        convert: Callable[[np.ndarray, np.ndarray], np.ndarray],
    ) -> None:
        """Rows where a further column of context test ``name`` in another unit
        (``RawTable.other_unit_cells``) holds a number too, which is no conversion of the one
        read (apart by more than thresholds.toml other_unit_column_agree_pct): the column read
        is kept, and the run names the rows (two results, or one of them mistyped)."""
        tolerance = 1 + load_thresholds().get("other_unit_column_agree_pct") / PERCENT_FULL
        for header, cells, units in self.table.other_unit_cells.get(name, []):
            decimal = self._decimal(cells)
            parsed = [parse_quantity(c, decimal) for c in cells]
            numbers = np.array([_nan(q.value) for q in parsed], dtype=np.float64)
            written = np.array([q.unit_text or "" for q in parsed], dtype=object)
            beside = np.where(written != "", written, units).astype(object)
            other = convert(numbers, beside)
            both = ~np.isnan(other) & ~np.isnan(read.astype(np.float64)) & (other > 0) & (read > 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.maximum(other, read) / np.minimum(other, read)
            apart = both & (ratio > tolerance)
            if not apart.any():
                continue
            first = int(np.flatnonzero(apart)[0])
            column = self.table.headers.get(name, name)
            differ = (  # a second column of the test in the same unit: the numbers differ
                "that differ"
                if str(self.table.header_units.get(name, "")).casefold().split()
                == str(units[first]).casefold().split()
                else "that are no conversion of each other"
            )
            self.warnings.append(
                f"{int(apart.sum())} row(s) give {name} in column {column!r} and in column "
                f"{header!r} with numbers {differ} (first: row "
                f"{int(self.table.source_rows[first])}): {column!r} was read, check the other one"
            )

    def _units_beside(self, name: str) -> np.ndarray | None:
        """Per row, the unit written in the cell of column ``name``, else its header's (None:
        no such column)."""
        col = self.column(name)
        if col is None:
            return None
        header_unit = self.table.header_unit(name)  # per row from a column of units
        decimal = self._decimal(col)
        written = self._apply(col, lambda c: parse_quantity(c, decimal).unit_text or "")
        beside: np.ndarray = np.where(written != "", written, header_unit).astype(object)
        return beside

    def _numbers(self, name: str) -> np.ndarray:
        col = self.column(name)
        if col is None:
            return np.full(self.n, np.nan)
        decimal = self._decimal(col)
        return self._floats(col, lambda c: parse_quantity(c, decimal).value)

    def _postpartum_weeks(self) -> np.ndarray:
        """Weeks after delivery: the column of weeks, else one of days ("Tage post partum": a
        bare number is days), else the sample's date less the delivery date (a delivery after
        the sample gives none).  A cohort giving the delivery date or the days left a woman 3
        days after delivery judged as a suspected prolactinoma, with an MRI."""
        weeks = self._weeks_of("postpartum_weeks")
        if self.column("postpartum_days") is not None:
            from_days = self._floats_of("postpartum_days", partial(parse_weeks, bare_days=1.0))
            weeks = np.where(np.isnan(weeks), from_days, weeks)
        if self.column("delivery_date") is not None and "collected_at" in self.out:
            days = days_between(self._dates("delivery_date"), self.out["collected_at"])
            weeks = np.where(np.isnan(weeks), days / DAYS_PER_WEEK, weeks)
        return weeks

    def _stated_unit(self, name: str, unit_of: Callable[[str], float | None]) -> str:
        """The unit the header or the units row names for ``name``, else the duration word a
        research export writes last in its header (``_unit_word_last``); none where the two
        disagreed (an empty text: layout._column_units)."""
        units = self.table.header_units
        if name in units:
            return units[name]
        return _unit_word_last(self.table.headers.get(name, ""), unit_of)

    def _weeks_of(self, name: str) -> np.ndarray:
        """A column of weeks (``_week_reader``)."""
        return self._floats_of(name, self._week_reader(name))

    def _week_reader(self, name: str) -> Callable[[object], float | None]:
        """How a column of weeks is read: a bare number is in the unit its header names
        ("ga_days", "Gestationsalter (Tage)": days), else weeks."""
        unit = self._stated_unit(name, duration_word_days)
        unit = unit or _unit_word_in(self.table.headers.get(name, ""))
        days = duration_word_days(unit) if unit else None
        reader = partial(parse_weeks, bare_days=days or DAYS_PER_WEEK)
        return partial(_gestation_weeks, reader=reader) if name == "gestational_weeks" else reader

    def _floats_of(self, name: str, func: Callable[[object], float | None]) -> np.ndarray:
        col = self.column(name)
        return self._floats(col, func) if col is not None else np.full(self.n, np.nan)

    def _recovery(self) -> tuple[np.ndarray, np.ndarray]:
        """The PEG recovery and its "<" / ">" ("<40 %", "kleiner 40": macroprolactin present),
        else from the percent macroprolactin (100 - it, its bound turned round: ">60 %
        macroprolactin" is a recovery below 40)."""
        recovery = self._percents("macroprolactin_recovery_pct")
        bound = self._bounds("macroprolactin_recovery_pct")
        if self.column("macroprolactin_pct") is not None:
            macro = self._percents("macroprolactin_pct", complement=True)
            flipped = np.array(
                [
                    complement_percent(0.0, str(b or ""))[1] or None
                    for b in self._bounds("macroprolactin_pct")
                ],
                dtype=object,
            )
            taken = np.isnan(recovery)
            recovery = np.where(taken, PERCENT_FULL - macro, recovery)
            bound = np.where(taken, flipped, bound)
        return recovery, bound

    def _bounds(self, name: str) -> np.ndarray:
        """Per row, the "<" or ">" written with the number of column ``name``, else None."""
        col = self.column(name)
        if col is None:
            return np.full(self.n, None, dtype=object)
        decimal = self._decimal(col)
        return self._apply(col, lambda c: parse_quantity(c, decimal).qualifier or None)

    def _percents(self, name: str, *, complement: bool = False) -> np.ndarray:
        """A column of percentages.  A bare number above 0 and at most 1 may be a fraction (a
        spreadsheet's percent cells are fractions shown as percentages: 0.35 shows as 35%):

        - a PEG recovery (``complement`` False) reads it as a fraction, whatever the header and
          the other cells ("85" beside "0,85": 85%): no recovery is 1% or less, and the larger
          reading can only make macroprolactin less likely, never hide a raised prolactin;
        - a share of macroprolactin (``complement``: the rest of 100 is the recovery) reads it
          as a fraction only when the column says so: no percent in its header
          (``header_says_percent``: "Macroprolactin (%)", "% macroprolactin") and every number
          in it at most 1, none written with '%'.  Else 0.8 is 0.8%, never 80% (a false
          macroprolactinaemia that hid a raised prolactin).

        The run says which values were read as fractions."""
        values = self._numbers(name)
        col = self.column(name)
        if col is None:
            return values
        found = self.table.distinct(col)
        written = np.array(
            [isinstance(u, str) and "%" in u for u in found.uniques], dtype=np.bool_
        )[found.codes]
        fraction = np.array(
            [
                fraction_of_one(v, "%" if w else "", bare=True)
                for v, w in zip(values, written, strict=True)
            ],
            dtype=np.bool_,
        )
        header = self.table.headers.get(name, name)
        if complement and fraction.any():
            said = header_says_percent(header) or header_says_percent(
                self.table.header_units.get(name, "")
            )
            numbers = ~np.isnan(values)
            if said or written.any() or (values[numbers] > 1).any():
                fraction[:] = False
        count = int(fraction.sum())
        if not count:
            return values
        self.warnings.append(
            f"column {header!r}: {count} value(s) between 0 and 1 read as fractions, as a "
            "spreadsheet's percent cells are stored (0.35 = 35%)"
        )
        out: np.ndarray = np.where(fraction, values * PERCENT_FULL, values)
        return out

    def _monomeric(self) -> tuple[np.ndarray, np.ndarray]:
        """The monomeric (post-PEG) prolactin and, where its cell or header names the other
        prolactin unit than the result's, that unit (the engine converts it with the row's
        factor: "10 ng/mL" beside "1700 mIU/L").  A unit that is no prolactin unit ("pmol/L")
        cannot be converted: the value is not used, and the run says so."""
        none = np.full(self.n, None, dtype=object)
        col = self.column("monomeric_prolactin")
        if col is None:
            return np.full(self.n, np.nan), none
        decimal = self._decimal(col)
        codes, parsed = self._distinct(col, lambda c: parse_quantity(c, decimal))
        value = _pick(codes, parsed, lambda q: _nan(q.value), np.float64)
        written = _pick(codes, parsed, lambda q: q.unit_text, object)
        # per row where a second column of it in another unit gave the row's value
        # (columns.OTHER_UNIT_FIELDS: "Post-PEG PRL (ng/mL)" beside "PRL mono (mIU/L)")
        per_row = self.table.header_unit("monomeric_prolactin")
        header_texts = (
            per_row
            if isinstance(per_row, np.ndarray)
            else np.full(self.n, per_row or "", dtype=object)
        )
        headers = {t: normalise_unit(t) for t in {str(t or "") for t in header_texts}}
        out: np.ndarray = value * self.row_factor
        units = none.copy()
        # each value's own unit (normalised) and the factor to it: the lab's post-PEG limit
        # beside it is read in the same (_post_peg_limits)
        own_unit = self.row_unit.astype(object).copy()
        own_factor = np.asarray(self.row_factor, dtype=np.float64).copy()
        unknown: list[str] = []
        for i in np.flatnonzero(~np.isnan(value)):
            header_text = str(header_texts[i] or "")
            text = written[i] or header_text
            info = normalise_unit(written[i]) if written[i] else headers[header_text]
            if info is None and text:
                unknown.append(str(text))
                out[i] = math.nan
                continue
            if info is None:
                continue
            out[i] = value[i] * info.factor
            own_unit[i], own_factor[i] = info.unit, info.factor
            if info.unit != self.row_unit[i]:
                units[i] = info.unit
        if unknown:
            named = self.table.headers.get("monomeric_prolactin", "monomeric_prolactin")
            self.warnings.append(unconverted_monomeric(len(unknown), sorted(set(unknown)), named))
        limits = self._post_peg_limits(own_unit, own_factor)
        self.out["monomeric_prolactin_reference_high"] = np.where(np.isnan(out), math.nan, limits)
        return out, units

    def _post_peg_limits(self, unit: np.ndarray, factor: np.ndarray) -> np.ndarray:
        """The lab's own post-PEG (monomeric) upper limit of each row's sex, from its column
        beside the post-PEG result ("Post-PEG reference range" 63-245 or "M 63-245; F 75-381",
        "Post-PEG ULN" 245, "Referenz nach PEG"; the lower of the two where the sex is not
        known), in the post-PEG result's unit: ``unit`` and ``factor`` per row, the result's
        normalised unit and the factor to it, which a limit with no unit of its own (in its
        cell or header) is read in.  A limit in the other prolactin unit than the result's is
        not used, and the run says so.  As a long export's reference cell on the post-PEG line
        is read (clinical-reference §2.2, §2.3: the lab's post-PEG interval is its assay's)."""
        out = np.full(self.n, math.nan)
        col = self.column("monomeric_prolactin_reference")
        if col is None:
            return out
        decimal = self._decimal(col)

        def pair(cell: object) -> tuple[Interval | None, Interval | None] | None:
            lone = lone_number(cell, decimal)  # "Post-PEG ULN" 245: the upper limit
            return sex_pair_interval(cell, decimal) or (
                None if lone is None else (Interval(None, lone), Interval(None, lone))
            )

        codes, parsed = self._distinct(col, pair)
        header = normalise_unit(self.table.header_units.get("monomeric_prolactin_reference", ""))
        sex = self.out.get("sex")
        sexes = sex if sex is not None else np.full(self.n, None, dtype=object)
        other: list[str] = []
        for i in np.flatnonzero(np.array([p is not None for p in parsed], dtype=bool)[codes]):
            limits = []
            for interval in parsed[codes[i]] or ():
                if interval is None or interval.high is None or not interval.high > 0:
                    limits.append(math.nan)
                    continue
                info = normalise_unit(interval.unit_text) if interval.unit_text else header
                if info is not None and info.unit != unit[i]:
                    other.append(f"{interval.unit_text or info.unit}")
                    limits.append(math.nan)
                    continue
                limits.append(interval.high * (info.factor if info is not None else factor[i]))
            female, male = limits
            out[i] = (
                female if sexes[i] == "F" else male if sexes[i] == "M" else np.fmin(female, male)
            )
        if other:
            named = self.table.headers.get("monomeric_prolactin_reference", "post-PEG interval")
            self.warnings.append(
                f"column {named!r}: {len(other)} row(s) give the lab's post-PEG limit in another "
                f"unit ({', '.join(sorted(set(other)))}) than their post-PEG prolactin: not used "
                "(the assay's post-PEG limit judges them)"
            )
        return out

    def _lone_m_women(self, used: Sequence[object], header: str) -> bool:
        """A column holding only 'M' under a header of a language where M may mean a woman
        ('Sexo', 'Género') beside a row whose notes, pregnancy or breastfeeding cell names a
        woman's own state (values.names_female_state: "embarazada", "lactancia", "amenorrea",
        "SOP"): M is mujer there, for the whole column (one letter, one sex); said in a
        warning.  Else False (_warn_lone_m)."""
        letters = {cell_text(u).upper() for u in used if cell_text(u)}
        if letters != {"M"} or not sex_letter_header(header):
            return False
        cells = (
            cell
            for name in ("comments", "symptoms", "pregnant", "lactating")
            if (found := self.column(name)) is not None
            for cell in self.table.distinct(found).uniques
        )
        named = names_female_state(cells) or self._female_record()
        if not named:
            return False
        self.warnings.append(
            f"column {header!r} holds only the sex code M, which in this language may mean a "
            f"woman (M = mujer beside H = hombre): read as female, as rows name a woman's own "
            f"state ({named!r}); if M means a man here, recode M in the column mapping file "
            "([values.sex])"
        )
        return True

    def _female_record(self) -> str:
        """The first cell, after its header, of a column of a woman's own record (synonyms.toml
        [values.sex] female_record_fields: "FUR", "Día del ciclo", the gestation; a cell that
        is no blank, missing code or "no") or of a positive hCG, else ""."""
        fields = synonyms_data()["values"]["sex"]["female_record_fields"]
        for name in fields:
            col = self.column(name)
            if col is None:
                continue
            for cell in self.table.distinct(col).uniques:
                if is_empty_value(cell) or is_missing_code(cell) or is_unknown_word(cell):
                    continue
                if parse_yes_no(cell, strict=True) is not False:
                    return f"{self.table.headers.get(name, name)}: {cell_text(cell)}"
        col = self.column("hcg")
        if col is not None:
            decimal = self._decimal(col)  # a bare number in the header's unit, else IU/L
            unit = self.table.header_units.get("hcg", "") or HCG_UNIT
            for cell in self.table.distinct(col).uniques:
                quantity = parse_quantity(cell, decimal)
                text = cell_text(cell)
                if quantity.status == "ok" and quantity.value is not None:
                    text = f"{quantity.qualifier}{quantity.value:g} {quantity.unit_text or unit}"
                if hcg_positive(text):
                    return f"{self.table.headers.get('hcg', 'hcg')}: {cell_text(cell)}"
        return ""

    def _warn_lone_m(self, used: Sequence[object], header: str) -> None:
        """A column holding only 'M' under a header of a language where M may mean a woman
        (Spanish 'mujer' beside H, 'hombre'): read as male, as M/F has it, with the way to
        recode it.  One letter alone cannot tell."""
        letters = {cell_text(u).upper() for u in used if cell_text(u)}
        if letters == {"M"} and sex_letter_header(header):
            self.warnings.append(
                f"column {header!r} holds only the sex code M, which in this language may mean "
                "a woman (M = mujer beside H = hombre) or a man (M/F): read as male; if M means "
                "mujer here, recode M as F in the column mapping file ([values.sex])"
            )

    def _hcg(self) -> None:
        col = self.column("hcg")
        if col is None:  # left out: the frame has hcg and hcg_positive empty
            return
        # A number without a unit in the hCG column is in IU/L: the units hCG is reported in
        # (IU/L, mIU/mL, U/L) give the same number (synonyms.toml [hcg]).
        headed = self.table.header_units.get("hcg", "")
        unit = headed or HCG_UNIT
        header = self.table.headers.get("hcg", "hcg")
        # a qualitative test's codes: "hcg_urine (0=neg; 1=pos)", "beta_hcg_pos" (never IU/L)
        coded = None if headed else hcg_header_codes(header)
        assumed: list[str] = []
        unread: list[str] = []  # units written that an hCG is not read in ("E/L" was one)
        uncoded: list[str] = []  # codes no codebook reads
        decimal = self._decimal(col)  # "12.500" beside decimal commas is 12500

        def read(cell: object) -> tuple[str | None, bool | None]:
            """(the cell as shown, with its unit; whether it says positive), once per cell: the
            number is read in the column's decimal mark."""
            text = _text(cell)
            if not text:
                return text, None
            code = coded.of(cell) if coded is not None else None
            if code is not None:
                if code[1] is None:
                    uncoded.append(text)
                    return None, None  # no result: the test is not known
                return f"{text} = {code[0]}", code[1]
            quantity = parse_quantity(cell, decimal)
            if quantity.status != "ok" or quantity.value is None:
                return text, hcg_positive(text)
            if not quantity.unit_text:
                if not headed:
                    assumed.append(text)
                text = f"{text} {unit}"
            number = f"{quantity.qualifier}{quantity.value:g} {quantity.unit_text or unit}"
            stray = hcg_unread_unit(number)
            if stray is not None:
                unread.append(stray)
            return text, hcg_positive(number)

        codes, parsed = self._distinct(col, read)
        texts = _pick(codes, parsed, lambda p: p[0], object)
        if uncoded:
            self.warnings.append(
                f"column {header!r} holds a qualitative test's code(s) "
                f"{', '.join(sorted(set(uncoded))[:8])} that its header does not state as "
                "positive or negative: not read (never as IU/L), the test is taken as not "
                "known; state the codes in the header ('(0=neg; 1=pos)') or recode them in the "
                "column mapping file ([values.hcg])"
            )
        if assumed:
            self.warnings.append(
                f"column {header!r}: {len(assumed)} distinct number(s) without a unit were read "
                f"as {HCG_UNIT} (= mIU/mL, the units hCG is reported in); name the unit in the "
                "header if it is another"
            )
        if unread:
            self.warnings.append("column " + hcg_unread_warning(header, unread))
        self.out["hcg"] = texts
        self.out["hcg_positive"] = _pick(codes, parsed, lambda p: p[1], object)


HCG_UNIT: Final = "IU/L"
DATE_FIELDS: Final = ("birth_date", "collected_at")
# Context lab values whose unit the readers put in the engine's (synonyms.toml [values.lab_units]).
LAB_UNIT_FIELDS: Final = ("tsh", "free_t4", "egfr")
SYNONYMS_FILE: Final = "synonyms.toml"


@cache
def _lab_units() -> dict[str, dict[str, Any]]:
    return dict(synonyms_data()["values"].get("lab_units", {}))


@cache
def _creatinine_units() -> tuple[dict[str, float], dict[str, float]]:
    """The creatinine units the readers convert (synonyms.toml [values.lab_units.creatinine]; see
    creatinine_for_engine): mg/dL per unit (`mg_dl`) and µmol/L per unit (`umol_l`), keyed in
    lower case without spaces.  A missing or malformed table is a ConfigError naming the key."""
    table = _lab_units().get("creatinine")
    where = "values.lab_units.creatinine"
    if not isinstance(table, Mapping):
        raise ConfigError(SYNONYMS_FILE, f"missing table [{where}]", field=where)
    found: list[dict[str, float]] = []
    for key in ("mg_dl", "umol_l"):
        units = table.get(key)
        if (
            not isinstance(units, Mapping)
            or not units
            or not all(
                isinstance(factor, int | float) and not isinstance(factor, bool) and factor > 0
                for factor in units.values()
            )
        ):
            raise ConfigError(
                SYNONYMS_FILE,
                f"'{key}' must be a table of units, each with a factor above zero",
                field=f"{where}.{key}",
            )
        found.append({"".join(str(u).lower().split()): float(f) for u, f in units.items()})
    return found[0], found[1]


def lab_unit_factor(field: str, unit: str) -> float | None:
    """The factor that puts a value of context lab ``field`` written in ``unit`` into the unit
    the engine reads (synonyms.toml [values.lab_units.<field>]: TSH mIU/L, free T4 pmol/L,
    eGFR mL/min/1.73 m²): 1.0 without a unit (read as the engine's), None for a unit the table
    does not list (the value cannot be read safely: "0.012 U/L" is a TSH of 12 mIU/L)."""
    table = _lab_units().get(field)
    if table is None or not unit.strip():
        return 1.0
    key = unit_key(unit)
    units = table.get("units", {})
    if key in units:
        return float(units[key])
    scaled = table.get("scaled_units", {})
    if key in scaled:
        return float(scaled[key]) * load_thresholds().get(str(table["scale"]))
    for prefix, factor in table.get("prefixes", {}).items():
        if key.startswith(prefix):
            return float(factor)
    return None


def bare_lab_values(
    field: str, values: np.ndarray, context: Mapping[str, np.ndarray] | None = None
) -> tuple[np.ndarray, int, int, str]:
    """Values of context lab ``field`` written with no unit at all, judged by their size
    (synonyms.toml [values.lab_units.<field>] bare: a free T4 up to free_t4_bare_ng_dl_max is
    in ng/dL, from free_t4_bare_pmol_l_min in pmol/L, between the two not used): the values in
    the engine's unit, how many were read in the scaled unit, how many were not used, and the
    scaled unit's name.  A field without `bare` is read as given.

    ``context``: the row's other lab columns (as read).  Where `bare` names a field and its
    threshold (`unless_field`, `unless_at_least`), a value in the scaled range is not used on a
    row whose that field is at least the threshold: a free T4 of 3 beside a TSH of 80 is a
    profound hypothyroidism in pmol/L as likely as a thyrotoxicosis in ng/dL."""
    out = np.asarray(values, dtype=np.float64).copy()
    table = _lab_units().get(field, {})
    bare = table.get("bare")
    if not bare:
        return out, 0, 0, ""
    limits = load_thresholds()
    scaled_max, unscaled_min = limits.get(bare["scaled_max"]), limits.get(bare["unscaled_min"])
    with np.errstate(invalid="ignore"):
        scaled = out <= scaled_max
        unread = (out > scaled_max) & (out < unscaled_min)
        other = context.get(str(bare.get("unless_field", ""))) if context is not None else None
        if other is not None and len(other) == len(out):
            doubtful = scaled & (
                np.asarray(other, dtype=np.float64) >= limits.get(bare["unless_at_least"])
            )
            scaled, unread = scaled & ~doubtful, unread | doubtful
    out[scaled] = out[scaled] * limits.get(str(table["scale"]))
    out[unread] = math.nan
    return out, int(scaled.sum()), int(unread.sum()), str(bare["scaled_unit"])


def lab_values_in_engine_unit(
    field: str,
    values: np.ndarray,
    units: np.ndarray,
    context: Mapping[str, np.ndarray] | None = None,
) -> tuple[np.ndarray, list[str], tuple[int, int, str]]:
    """Values (float) of context lab ``field`` in the engine's unit, from the units written
    beside them (cell or header; "" when none: ``bare_lab_values``, by their size); a value in
    a unit ``lab_unit_factor`` does not know is NaN (not used).  Also the units so refused, and
    what ``bare_lab_values`` did.  Worked per distinct unit."""
    out = np.asarray(values, dtype=np.float64).copy()
    refused: list[str] = []
    bare: tuple[int, int, str] = (0, 0, "")
    codes, uniques = pd.factorize(pd.Series(units, dtype=object).fillna(""))
    for code, unit in enumerate(uniques.tolist()):
        rows = codes == code
        if not str(unit).strip():
            beside = {k: np.asarray(v)[rows] for k, v in (context or {}).items()}
            out[rows], scaled, unread, name = bare_lab_values(field, out[rows], beside)
            bare = (scaled, unread, name)
            continue
        factor = lab_unit_factor(field, str(unit))
        if factor is None:
            if (~np.isnan(out[rows])).any():
                refused.append(str(unit))
            out[rows] = math.nan
        elif factor != 1:
            out[rows] = out[rows] * factor
    return out, refused, bare


def creatinine_for_engine(values: np.ndarray, units: np.ndarray) -> np.ndarray:
    """Creatinines (float) in the units written beside them (cell or header; None or "" when
    none) as the engine reads a bare number: mg/dL up to creatinine_mg_dl_max, µmol/L above.
    mg/L is divided by ten (9 mg/L, a normal value, was read as 9 mg/dL: an invented kidney
    failure); a µmol/L value so low that it would read as mg/dL is given in mg/dL; an unknown
    unit leaves the number as it is.  Worked per distinct unit, not per row."""
    return _creatinine_readings(values, units)[0]


def _creatinine_readings(values: np.ndarray, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``creatinine_for_engine``'s reading, and each creatinine in µmol/L by the unit written
    beside it (synonyms.toml [values.lab_units.creatinine]; NaN where no unit, or one not
    listed, is written: such a number is read by its size), from one pass per distinct unit."""
    out = np.asarray(values, dtype=np.float64).copy()
    umol_l = np.full(len(out), math.nan)
    thresholds = load_thresholds()
    per_mg_dl = thresholds.get("creatinine_umol_per_mg_dl")
    largest_mg_dl = thresholds.get("creatinine_mg_dl_max")
    mg_dl_units, umol_l_units = _creatinine_units()
    codes, uniques = pd.factorize(pd.Series(units, dtype=object).fillna(""))
    for code, unit in enumerate(uniques.tolist()):
        key = "".join(str(unit).lower().split())
        rows = codes == code
        if key in mg_dl_units:
            mg_dl = out[rows] * mg_dl_units[key]
            umol_l[rows] = mg_dl * per_mg_dl
            out[rows] = np.where(mg_dl <= largest_mg_dl, mg_dl, mg_dl * per_mg_dl)
        elif key in umol_l_units:
            umol = out[rows] * umol_l_units[key]
            umol_l[rows] = umol
            out[rows] = np.where(umol > largest_mg_dl, umol, umol / per_mg_dl)
    return out, umol_l


def _creatinine_mg_dl(values: np.ndarray) -> np.ndarray:
    """Creatinines as ``creatinine_for_engine`` gives them (mg/dL up to creatinine_mg_dl_max,
    µmol/L above) all in mg/dL, to compare two of them."""
    thresholds = load_thresholds()
    per_mg_dl = thresholds.get("creatinine_umol_per_mg_dl")
    largest_mg_dl = thresholds.get("creatinine_mg_dl_max")
    out: np.ndarray = np.where(values > largest_mg_dl, values / per_mg_dl, values)
    return out


def implausible_creatinine(values: np.ndarray, units: np.ndarray) -> np.ndarray:
    """True where a creatinine is impossible in the unit written beside it: in µmol/L below
    thresholds.toml creatinine_plausible_min_umol_l (4.2 "µmol/L" is a mg/dL value) or above
    creatinine_plausible_max_umol_l (380 "mg/dL" is a µmol/L value).  A number without a
    unit is never judged here (its size says its unit)."""
    limits = load_thresholds()
    umol = _creatinine_readings(values, units)[1]
    with np.errstate(invalid="ignore"):
        low = umol < limits.get("creatinine_plausible_min_umol_l")
        high = umol > limits.get("creatinine_plausible_max_umol_l")
    out: np.ndarray = low | high
    return out


# Fields whose numbers mean only what the mapping file's codebook says: once its [values.<field>]
# gives codes, a number it leaves out is unknown (a sex 2 beside "0 = M, 1 = F" is no ISO 5218
# female: a man's raised result came out normal).
CODEBOOK_ONLY: Final = frozenset({"sex"})


def _export_code(cell: object) -> bool:
    """A context or age cell read as missing that writes the same all-9 form a result's code
    would (999, 9999: missing_result_codes_beside): only that says an all-9 result may be the
    export's code too.  A -99-style code, Stata's ".a" or SPSS's "#NULL!" elsewhere does not
    (a result of 999 ng/mL beside an age of -99 is a measured macroprolactinoma)."""
    number = bare_number(cell)
    return number is not None and number in missing_result_numbers_beside()


# The codes 1 and 2 of a yes/no field whose values say nothing so coded (values.column_flag_codes).
_ONE_TWO: Final = frozenset({"1", "2"})
YEARS_PER_CENTURY: Final = 100


def file_date_order(table: RawTable) -> tuple[bool | None, str]:
    """The file's day/month order when its text dates can be read only one way.

    One export comes from one locale, so a ``14/11/1990`` in the birth dates also settles how
    ``11/02/2026`` in the collection dates is read.  Returns (dayfirst, the column that showed
    it), or (None, "") when there is no evidence or the columns disagree.
    """
    seen: dict[str, str] = {}
    for name in DATE_FIELDS:
        col = table.columns.get(name)
        if col is None:
            continue
        for order in sorted(o for o in table.date_orders(col) if o):
            seen.setdefault(order, table.headers.get(name, name))
    if len(seen) != 1:
        return None, ""
    ((order, header),) = seen.items()
    return order == "dayfirst", header


def ambiguous_date_example(table: RawTable) -> tuple[str, str] | None:
    """(header, text) of a date text that reads two ways (03/04/2026), or None when none does."""
    for name in DATE_FIELDS:
        col = table.columns.get(name)
        if col is None:
            continue
        for cell in table.distinct(col).uniques:
            if isinstance(cell, str) and is_ambiguous_date_text(cell):
                return table.headers.get(name, name), cell.strip()
    return None


def date_column(
    cells: np.ndarray,
    header: str,
    dayfirst: bool,
    text_source: bool,
    found: Distinct | None = None,
    *,
    past: bool = False,
    rows: np.ndarray | None = None,
    orders: frozenset[str | None] | None = None,
    date1904: bool = False,
    days_from: date | None = None,
) -> tuple[np.ndarray, list[str]]:
    """A datetime64[ns] column from date cells or texts, and what had to be repaired.

    ``rows``: the row number of each cell, for the note naming unreadable dates.  ``orders``:
    ``values.slash_date_orders`` of the cells when the caller has it (RawTable.date_orders).

    Day/month swapped date cells of a legacy conversion are repaired first
    (``values.repair_swapped_day_month``); ambiguous text dates follow the column's own
    evidence (a 14/11 makes it day-first, an 11/14 month-first), else ``dayfirst``.  Numbers are
    Excel serial dates unless the file is text.  ``past`` (birth dates): a two-digit year that
    would put the date in the future is read in the century before (03/04/28 -> 1928).
    ``date1904``: the workbook counts serials from 1904-01-01 (Mac Excel).  ``days_from``: the
    column's whole numbers (cells or texts, negative ones too) count days from that day (Stata's
    and SAS's 1960-01-01: the mapping file's [input] date_origin, or ``stata_sas_days``), never
    from Excel's.  Work is done once per distinct cell.
    """
    notes: list[str] = []
    found = found or factorize_column(cells)
    uniques = list(found.uniques)
    if orders is None:
        orders = slash_date_orders(uniques)  # of the texts: the repair moves date cells only
    if not text_source:
        repaired, changed = repair_swapped_day_month(uniques, orders)
        if changed:
            moved = np.array([a is not b for a, b in zip(uniques, repaired, strict=True)])
            uniques = repaired
            notes.append(
                f"column {header!r}: {int(moved[found.codes].sum())} date cell(s) had day and "
                "month swapped (a US-locale conversion; the column's text dates are day-first) "
                "and were repaired"
            )
    column_dayfirst = dayfirst
    if "monthfirst" in orders and "dayfirst" not in orders:
        column_dayfirst = False
        if dayfirst:
            notes.append(
                f"column {header!r}: dates are month-first (e.g. 11/14/2026); read as such"
            )
    elif "dayfirst" in orders and "monthfirst" not in orders:
        column_dayfirst = True
    readable = uniques
    used = _used(found)
    kept = [u for u, keep in zip(uniques, used, strict=True) if keep]
    counted = ""  # how the numbers were read, for the note
    if days_from is not None:
        shift = serial_shift(days_from)
        readable = [u if (n := day_number(u)) is None else n + shift for u in uniques]
        counted = f"days since {days_from.isoformat()}"
    elif _text_serials(kept, column_dayfirst):  # also text cells of a workbook
        readable = [_serial_number(u) for u in uniques]
        counted = "Excel serial numbers"
    serials = not text_source or readable is not uniques
    if date1904 and not text_source and days_from is None:
        readable = [_from_1904(u) for u in readable]
    parsed = _parse_distinct_dates(readable, column_dayfirst, serials=serials)
    example = next(
        (
            i
            for i, (u, r) in enumerate(zip(uniques, readable, strict=True))
            if used[i] and r is not u and not np.isnat(parsed[i])
        ),
        None,
    )
    if counted and example is not None:
        shown = str(np.datetime_as_string(parsed[example], unit="D"))
        notes.append(
            f"column {header!r}: the dates are written as {counted} "
            f"(e.g. {cell_text(uniques[example]).strip()} = {shown}); read as such"
        )
    if past:
        _previous_century(uniques, parsed)
    values: np.ndarray = parsed[found.codes]
    notes += _unread_dates_note(header, uniques, parsed, found.codes, used, rows)
    return values, notes


# a decimal comma too ("46000,4375": 10:30 on 9 Dec 2025 from a German-locale export)
_SERIAL_TEXT: Final = re.compile(r"\d{5}(?:[.,]\d+)?")
_SERIAL_TEXT_RANGE: Final = (10_000.0, 80_000.0)  # 1927-05-18 .. 2119-01-10
_NOTE_EXAMPLES: Final = 3


def _text_serials(uniques: list[object], dayfirst: bool) -> bool:
    """True when a text column writes Excel serial dates (46350, 46350.5): at least one filled
    cell is one and every other filled cell is a date as text ("2019-03-01" beside 45292: one
    export pasted into another; a birth-date column too)."""
    strings = [c for c in uniques if isinstance(c, str)]
    if all(_serial_number(c) is c for c in strings):  # the usual column of text dates
        return False  # (a serial is never an empty cell; the rest is not parsed here)
    texts = [c for c in strings if not is_empty_value(c)]
    others = [c for c in texts if _serial_number(c) is c]
    # the first filled text that is no date settles it
    return all(parse_date(c, dayfirst, serials=False) is not None for c in others)


_OLDEST_BIRTH: Final = date(1900, 1, 1)  # a birth date a day number may stand for, at the earliest
_MOST_DAYS: Final = 1e6  # a day number has at most six digits (2700 years either way)


def day_number(cell: object) -> float | None:
    """A cell that is a whole number of days (23400, "23400", "-1826", 23400.0), else None."""
    number = bare_number(cell)
    if number is None or not math.isfinite(number) or not number.is_integer():
        return None
    return number if abs(number) < _MOST_DAYS else None


def stata_sas_days(cells: Sequence[object], first_year: int, latest: date) -> bool:
    """True when a collection-date column writes Stata %td / SAS date numbers (days since
    1960-01-01): every filled cell is a whole number, each read as an Excel serial is a day
    before ``first_year`` (no prolactin assay then: 23400 is 1964-01-24), and each read as
    days since 1960 is a day from ``first_year`` to ``latest`` (23400 is 2024-01-24)."""
    numbers: list[float] = []
    for cell in cells:  # a column of real dates stops at its first cell
        if is_empty_value(cell):
            continue
        number = day_number(cell)
        if number is None:
            return False
        numbers.append(number)
    if not numbers:
        return False
    shift = serial_shift(STATA_SAS_ORIGIN)
    start = date(first_year, 1, 1)
    return all(serial_day(n) < start and start <= serial_day(n + shift) <= latest for n in numbers)


def _stata_sas_hint(cell: object, earliest: date, latest: date) -> str:
    """What a date written as a number that could not be used may be: a Stata %td or SAS
    date (days since 1960-01-01), where so read it falls from ``earliest`` to ``latest`` ('' if
    not)."""
    number = day_number(cell)
    if number is None:
        return ""
    days = serial_day(number + serial_shift(STATA_SAS_ORIGIN))
    if not earliest <= days <= latest:
        return ""
    return (
        f"; the cell is the number {cell_text(cell).strip()}, not read as Stata's or SAS's: if "
        f"the export counts days from {STATA_SAS_ORIGIN.isoformat()} (Stata %td, SAS), it is "
        f"{days.isoformat()}: state [input] date_origin in a column mapping file"
    )


def _from_1904(cell: object) -> object:
    """A serial number of a 1904 workbook as the 1900 system's serial of the same day; any other
    cell (a date cell, a text) as it is."""
    if isinstance(cell, int | float | np.integer | np.floating) and not isinstance(cell, bool):
        return float(cell) + EXCEL_1904_SHIFT
    return cell


def _serial_number(cell: object) -> object:
    """A text that is an Excel serial date (``_SERIAL_TEXT`` in ``_SERIAL_TEXT_RANGE``) as its
    number; any other cell as it is."""
    if not isinstance(cell, str):
        return cell
    text = cell.strip()
    low, high = _SERIAL_TEXT_RANGE
    if _SERIAL_TEXT.fullmatch(text) and low <= float(text.replace(",", ".")) < high:
        return float(text.replace(",", "."))
    return cell


def _used(found: Distinct) -> np.ndarray:
    """Which distinct cells some row still holds (the rest came from rejected rows)."""
    counts = np.bincount(found.codes, minlength=len(found.uniques))
    used: np.ndarray = counts > 0
    return used


_NOTE_ROWS: Final = 10  # row numbers named in a note, at most


def _unread_dates_note(
    header: str,
    uniques: list[object],
    parsed: np.ndarray,
    codes: np.ndarray,
    used: np.ndarray,
    source_rows: np.ndarray | None = None,
) -> list[str]:
    """A note naming the cells that hold something but could not be read as a date."""
    unread = used & np.isnat(parsed)
    for i in np.flatnonzero(unread):
        unread[i] = not gives_nothing(uniques[i])
    if not unread.any():
        return []
    hit = unread[codes]
    rows = int(hit.sum())
    examples = ", ".join(
        repr(cell_text(uniques[i])) for i in np.flatnonzero(unread)[:_NOTE_EXAMPLES]
    )
    where = ""
    if source_rows is not None and len(source_rows) == len(codes):
        named = [str(int(n)) for n in source_rows[hit][:_NOTE_ROWS]]
        where = f" at row(s) {', '.join(named)}{', ...' if rows > _NOTE_ROWS else ''}"
    return [
        f"column {header!r}: {rows} cell(s){where} could not be read as dates (e.g. "
        f"{examples}); they were left empty (a text there may mean the columns are shifted)"
    ]


def _previous_century(uniques: list[object], parsed: np.ndarray) -> None:
    """Two-digit-year dates in the future move back a century (in place)."""
    now = np.datetime64(datetime.now(), "ns")
    for i in np.flatnonzero(~np.isnat(parsed) & (parsed > now)):
        cell = uniques[i]
        if isinstance(cell, str) and has_two_digit_year(cell):
            moved = pd.Timestamp(parsed[i]).to_pydatetime()
            try:
                parsed[i] = np.datetime64(moved.replace(year=moved.year - YEARS_PER_CENTURY), "ns")
            except ValueError:  # 29 February of a year that is no longer leap
                parsed[i] = np.datetime64("NaT")


def sex_of_cell(cell: object, letters: Mapping[str, str | None] | None = None) -> str | None:
    """A sex cell's sex; a bare numeric code (1, 2) is unknown: without a codebook (the header's,
    the mapping file's [values.sex], applied before) nothing says whether 2 is ISO/IEC 5218's
    female or a research codebook's male, and either guess can judge a man's raised result
    normal against the female interval."""
    if sex_code(cell) is not None:
        return None
    return parse_sex(cell, letters=letters)


def _code_text(cell: object) -> str:
    """A code cell as its codebook writes it: a whole number without decimals ("1.00", 1.0:
    "1"; read as ISO 5218 it was the other sex), else the text."""
    number = bare_number(cell)
    if number is not None and number.is_integer():
        return str(int(number))
    return cell_text(cell).strip()


def _parse_distinct_dates(uniques: list[object], dayfirst: bool, *, serials: bool) -> np.ndarray:
    """datetime64[ns] per distinct cell; date cells are converted in one vectorised step, and
    so are the dates read from texts and numbers."""
    out = np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[ns]")
    cells = np.empty(len(uniques), dtype=object)
    cells[:] = uniques
    is_text = np.fromiter(  # texts: never a date
        map(partial(operator.is_, str), map(type, uniques)), dtype=bool, count=len(uniques)
    )
    texts = np.flatnonzero(is_text)
    stamped: list[int] = []
    others: list[int] = []
    for i in np.flatnonzero(~is_text).tolist():
        u = uniques[i]
        if isinstance(u, date) and _naive(u) and in_frame_range(u):
            stamped.append(i)
        else:
            others.append(i)
    if stamped:
        out[stamped] = _datetime64([uniques[i] for i in stamped])
    if len(texts) >= _FAST_DATES_MIN:
        values, done = _fast_text_dates(cells[texts].tolist(), dayfirst)
        out[texts[done]] = values[done]
        texts = texts[~done]
    others += texts.tolist()  # the order of the rest does not matter: each is read alone
    read: list[int] = []
    found: list[datetime] = []
    for i in others:
        parsed = parse_date(uniques[i], dayfirst, serials=serials)
        if parsed is not None:
            read.append(i)
            found.append(parsed)
    if read:
        out[read] = _datetime64(found)
    return out


_FAST_DATES_MIN: Final = 64  # fewer date texts are read one by one
_FAST_LENGTHS: Final = (10, 16, 19)  # 2026-11-14 / 14/11/2026, + " 12:30", + ":45"
_FAST_WIDTH: Final = 19
_FAST_BLOCK: Final = 1 << 16
_ZERO: Final = ord("0")


def _fast_text_dates(texts: list[str], dayfirst: bool) -> tuple[np.ndarray, np.ndarray]:
    """(datetime64[ns] per text, which texts were read) for the texts in one of the two usual
    fixed-width forms, 2026-11-14 or 14/11/2026 (also 14.11.2026, 14-11-2026), each alone or
    with " 12:30" or " 12:30:45" (ISO dates also with "T12:30"), read with array operations on
    their characters exactly as ``values.parse_date`` reads them one by one: a numeric date
    that reads both ways follows ``dayfirst`` (a dotted one is day-first); an impossible date
    or one outside datetime64[ns] (years 1678-2261) is NaT.  Other texts are left to
    parse_date."""
    out = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[ns]")
    done = np.zeros(len(texts), dtype=bool)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    picked = np.flatnonzero(np.isin(lengths, _FAST_LENGTHS))
    for start in range(0, len(picked), _FAST_BLOCK):  # a few MiB of characters at a time
        block = picked[start : start + _FAST_BLOCK]
        values, read = _fast_block([texts[i] for i in block.tolist()], lengths[block], dayfirst)
        out[block[read]] = values
        done[block[read]] = True
    return out, done


def _fast_block(
    texts: list[str], size: np.ndarray, dayfirst: bool
) -> tuple[np.ndarray, np.ndarray]:
    """``_fast_text_dates`` of texts 10, 16 or 19 characters long: (the dates read, which)."""
    # one row of code points per text; numpy pads with NUL and drops trailing NULs, so a text
    # whose length changes on the way is left to parse_date
    grid = np.array(texts, dtype=f"<U{_FAST_WIDTH}")
    chars = grid.view(np.uint32).reshape(len(texts), _FAST_WIDTH)
    kept = (chars != 0).sum(axis=1) == size
    digit = (chars >= _ZERO) & (chars <= _ZERO + 9)

    def digits(*columns: int) -> np.ndarray:
        found: np.ndarray = np.all(digit[:, list(columns)], axis=1)
        return found

    def number(*columns: int) -> np.ndarray:
        value = np.zeros(len(texts), dtype=np.int64)
        for column in columns:
            value = value * 10 + chars[:, column].astype(np.int64) - _ZERO
        return value

    def char_in(column: int, allowed: str) -> np.ndarray:
        found: np.ndarray = np.isin(chars[:, column], [ord(c) for c in allowed])
        return found

    timed = size >= 16
    seconds = size == 19
    clock = ~timed | (digits(11, 12, 14, 15) & (chars[:, 13] == ord(":")))
    clock &= ~seconds | (digits(17, 18) & (chars[:, 16] == ord(":")))
    hour = np.where(timed, number(11, 12), 0)
    minute = np.where(timed, number(14, 15), 0)
    second = np.where(seconds, number(17, 18), 0)
    iso = (
        kept
        & digits(0, 1, 2, 3, 5, 6, 8, 9)
        & (chars[:, 4] == ord("-"))
        & (chars[:, 7] == ord("-"))
        & clock
        & (~timed | char_in(10, " T"))
    )
    numeric = (
        kept
        & ~iso
        & digits(0, 1, 3, 4, 6, 7, 8, 9)
        & char_in(2, "./-")
        & char_in(5, "./-")
        & clock
        & (~timed | (chars[:, 10] == ord(" ")))
    )
    first, later = number(0, 1), number(3, 4)
    dotted = chars[:, 2] == ord(".")
    day_first = (first > 12) | ((dayfirst | dotted) & (later <= 12))
    year = np.where(iso, number(0, 1, 2, 3), number(6, 7, 8, 9))
    month = np.where(iso, number(5, 6), np.where(day_first, later, first))
    day = np.where(iso, number(8, 9), np.where(day_first, first, later))
    read = iso | numeric
    if not read.any():
        return np.empty(0, dtype="datetime64[ns]"), read
    values = _from_parts(year[read], month[read], day[read], hour[read], minute[read], second[read])
    return values, read


def _from_parts(
    year: object, month: object, day: object, hour: object, minute: object, second: object
) -> np.ndarray:
    """datetime64[ns] from date parts; NaT where they make no date (31 April, 25:00) or the
    year is outside 1678-2261 (what a datetime64[ns] column holds, values.in_frame_range)."""
    parts = pd.DataFrame(
        {
            "year": np.asarray(year, dtype=np.int64),
            "month": np.asarray(month, dtype=np.int64),
            "day": np.asarray(day, dtype=np.int64),
            "hour": np.asarray(hour, dtype=np.int64),
            "minute": np.asarray(minute, dtype=np.int64),
            "second": np.asarray(second, dtype=np.int64),
        }
    )
    inside = (
        parts["year"].between(FRAME_YEARS[0], FRAME_YEARS[1])
        & (parts["hour"] < 24)  # pandas would carry 24:00 or 10:60 over; datetime() refuses
        & (parts["minute"] < 60)
        & (parts["second"] < 60)
    ).to_numpy()
    parts.loc[~inside, ["year", "hour", "minute", "second"]] = (2000, 0, 0, 0)  # kept out below
    stamps = pd.to_datetime(parts, errors="coerce")
    values: np.ndarray = np.asarray(stamps, dtype="datetime64[ns]").copy()
    values[~inside] = np.datetime64("NaT")
    return values


def _datetime64(values: Sequence[object]) -> np.ndarray:
    """Naive date and datetime objects (within datetime64[ns]) as datetime64[ns]: by pandas
    (in C) when they are plain ``date`` / ``datetime``, as numpy converts them, else by numpy."""
    if all(type(v) is datetime or type(v) is date for v in values):
        converted: np.ndarray = (
            pd.to_datetime(np.array(values, dtype=object)).as_unit("ns").to_numpy()
        )
        return converted
    return np.array(values, dtype="datetime64[ns]")


def _naive(cell: date) -> bool:
    return not isinstance(cell, datetime) or cell.tzinfo is None


def _flag(cell: object, field: str) -> bool | None:
    return parse_yes_no(cell, field)


# The columns that give dialysis by its time (synonyms.toml), and what each says.
_DIALYSIS_TIME_COLUMNS: Final = {
    "dialysis_duration": ("time on dialysis", "a time above 0 as on dialysis, 0 as not"),
    "dialysis_start": (
        "day dialysis began",
        "a day up to the sample's as on dialysis, a later one as not yet",
    ),
}


def _dialysis_time_answer(cell: object, decimal: str | None) -> bool | None:
    """On dialysis by a cell of the time on dialysis: above 0 yes, 0 no, a negative number or a
    missing-data code nothing; a cell without a number as a dialysis column's ("nein", "HD")."""
    if is_empty_value(cell) or is_missing_code(cell) or isinstance(cell, date | time | timedelta):
        return None
    value = parse_quantity(cell, decimal).value
    if value is None:
        return parse_yes_no(cell, "dialysis", strict=True)
    if value < 0:
        return None
    return value > 0


# The yes/no columns of a patient state the engine reads in words (states.toml [columns])
STATE_FLAGS: Final = frozenset(
    {"pregnant", "lactating", "menopausal", "dialysis", "kidney_transplant"}
)


def _gestation_weeks(cell: object, reader: Callable[[object], float | None]) -> float | None:
    """A cell of a gestation column: no weeks where it gives a trimester (io/state_cells
    gestation_trimester: "T3" is never three days), else its weeks (``reader``), else the weeks
    the pregnancy column's words read in it ("GA 32+4", "EG 32": gestation_in_words)."""
    if gestation_trimester(cell) is not None:
        return None
    weeks = reader(cell)
    return weeks if weeks is not None else gestation_in_words(cell)


@cache
def _quarter_cell() -> re.Pattern[str]:
    """A cell of a "Trimestre" column that names a quarter of the year (synonyms.toml [header]
    trimester_quarter_cells)."""
    return re.compile("|".join(synonyms_data()["header"]["trimester_quarter_cells"]))


def _unread_state(cell: object, field: str) -> bool:
    """A cell of the state column ``field`` that holds something the engine cannot read (a
    spreadsheet formula's error value too: "#N/A", "#WERT!")."""
    if is_spreadsheet_error(cell):
        return True
    if cell is None or is_empty_value(cell) or is_missing_code(cell) or is_unknown_word(cell):
        return False
    if isinstance(cell, bool):
        return False
    if not isinstance(cell, str):
        return parse_yes_no(cell, field) is None
    return not reads_state_cell(field, cell)


# A thousands group written with an apostrophe ("1'250", "12’500,0", "6`100"): Swiss, where "."
# is as often the decimal mark as ",".
_APOSTROPHE_GROUP: Final = re.compile(r"\d['’`]\d{3}")


def _one_mark_shown(cells: Sequence[object], decimal: str | None) -> bool:
    """The column's text cells show ``decimal`` as their decimal mark and nothing that says
    otherwise: no cell with the other mark ("480.5" beside "12,5"), no "'" thousands group."""
    texts = [c for c in cells if isinstance(c, str)]
    counts = decimal_evidence(texts)
    other = "." if decimal == "," else ","
    return (
        decimal is not None
        and counts[decimal] > 0
        and counts[other] == 0
        and not any(_APOSTROPHE_GROUP.search(t) for t in texts)
    )


def _two_readings_of(cell: object, texts: bool, typed: bool) -> tuple[float, float] | None:
    """values.two_readings of a result cell that may be read two ways: when ``typed``, a
    number its format types but may have grouped (HL7 NM "6.000"); when ``texts``, a text."""
    if isinstance(cell, FormatNumber):
        return two_readings(cell.text) if typed and not cell.exact else None
    return two_readings(cell) if texts and isinstance(cell, str) else None


def _mapped_text(cell: object) -> object:
    """A typed number as its text (a column mapping file's [input] decimal reads it)."""
    if isinstance(cell, FormatNumber) and not cell.exact:
        return cell.text
    return cell


def _quantity(cell: object, decimal: str | None) -> Quantity:
    return parse_quantity(cell, decimal)


def _quantity_value(cell: object, decimal: str | None) -> float | None:
    return parse_quantity(cell, decimal).value


def _time_of_day(cell: object) -> timedelta | None:
    if isinstance(cell, time):
        return timedelta(hours=cell.hour, minutes=cell.minute, seconds=cell.second)
    if isinstance(cell, timedelta):
        return cell if timedelta(0) <= cell < timedelta(days=1) else None
    if isinstance(cell, datetime):
        return timedelta(hours=cell.hour, minutes=cell.minute, seconds=cell.second)
    if isinstance(cell, float) and 0 <= cell < 1:
        return timedelta(days=cell)
    if isinstance(cell, str):
        return clock_time(cell)
    return None


def _result_floors() -> dict[str, float]:
    """The smallest plausible plain result per unit (thresholds.toml prolactin_min_*)."""
    thresholds = load_thresholds()
    return {
        "ng/mL": thresholds.get("prolactin_min_ng_ml"),
        "mIU/L": thresholds.get("prolactin_min_miu_l"),
    }


def _unit_cell_says(cell: object) -> str:
    """What an unread unit cell holds: a spreadsheet error ("#VALUE!", which reads as no unit)
    is named, anything else is empty."""
    if is_spreadsheet_error(cell):
        return f"holds the spreadsheet error {str(cell).strip()!r}"
    return "is empty"


def _unit_id(text: object) -> int:
    """0 when a text names no prolactin unit, else 1 + the index of its normalised unit."""
    info = normalise_unit(text)
    return 0 if info is None else 1 + CANONICAL_UNITS.index(info.unit)


def unconverted_monomeric(count: int, units: Sequence[str], where: str = "") -> str:
    """The warning for monomeric (post-PEG) prolactin results in a unit that is no prolactin
    unit (neither ng/mL nor mIU/L nor one of their spellings): not used, never read as the
    result's unit.  Counts and units only, no values."""
    column = f" in column {where!r}" if where else ""
    return (
        f"{count} monomeric (post-PEG) prolactin result(s){column} were not used: their unit "
        f"({', '.join(repr(u) for u in units)}) is neither ng/mL nor mIU/L and cannot be "
        "converted to the prolactin result's; give them in ng/mL or mIU/L"
    )


def _fmt(value: float) -> str:
    """A number in a message as a person writes it (values.format_number: 5100000, never
    5.1e+06), "" for NaN."""
    return "" if math.isnan(value) else format_number(value)


# ------------------------------------------------------------------------------------------------
# Frames
# ------------------------------------------------------------------------------------------------
def typed_column(
    values: np.ndarray | list[object], dtype: str
) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """An array of the schema dtype from parsed values (None / NaN / NaT for missing)."""
    if dtype == "string":
        strings = _arrow_strings(values)
        if strings is not None:
            return strings
    if dtype in ("string", "boolean"):
        array = np.asarray(values, dtype=object)
        kinds = set(map(type, array.tolist()))
        if kinds <= {_NONE_TYPE}:  # all missing: no cell to convert
            return _all_missing(dtype, len(array))
        if dtype == "string" and kinds <= {str, _NONE_TYPE}:
            return pd.array(array, dtype="string")  # in C, as the conversion below would
        if dtype == "boolean" and kinds <= {bool, _NONE_TYPE}:
            flags = np.array([v is True for v in array.tolist()], dtype=bool)
            return pd.arrays.BooleanArray(flags, pd.isna(array))
    if dtype == "string":
        return pd.array(
            [None if v is None or v is pd.NA else str(v) for v in values], dtype="string"
        )
    if dtype == "boolean":
        return pd.array(
            [None if v is None or v is pd.NA else bool(v) for v in values], dtype="boolean"
        )
    if dtype == "datetime64[ns]":
        return np.asarray(values, dtype="datetime64[ns]")
    if dtype == "int64":
        return np.asarray(values, dtype=np.int64)
    return np.asarray(values, dtype=np.float64)


_NONE_TYPE: Final = type(None)


def _arrow_strings(values: np.ndarray | list[object]) -> pd.api.extensions.ExtensionArray | None:
    """``pd.array(values, dtype="string")`` made in C by pyarrow, when every cell is a str or
    None (at least one str); None otherwise (NaN, numbers, all missing; or no pyarrow)."""
    try:
        import pyarrow as pa
    except ImportError:
        return None
    try:
        array = pa.array(np.asarray(values, dtype=object), from_pandas=False)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    if array.type != pa.string() or pd.StringDtype().storage != "pyarrow":
        return None
    strings: pd.api.extensions.ExtensionArray = pd.arrays.ArrowStringArray(
        pa.chunked_array([array.cast(pa.large_string())])
    )
    return strings


def coded_strings(codes: np.ndarray, table: np.ndarray) -> pd.api.extensions.ExtensionArray | None:
    """``typed_column(table[codes], "string")`` for a ``table`` of str or None, made from the
    distinct texts by pyarrow (one conversion per distinct text, then a take of the codes);
    None where that column would not be pyarrow strings made by ``_arrow_strings`` (no str
    among the cells taken, a text pyarrow refuses, or no pyarrow): the caller converts
    ``table[codes]`` as before."""
    try:
        import pyarrow as pa
    except ImportError:
        return None
    if pd.StringDtype().storage != "pyarrow" or not len(codes):
        return None
    try:
        distinct = pa.array(table, from_pandas=False)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    if distinct.type != pa.string():
        return None
    taken = distinct.cast(pa.large_string()).take(pa.array(codes))
    if taken.null_count == len(taken):  # all missing: pa.array would not give strings
        return None
    strings: pd.api.extensions.ExtensionArray = pd.arrays.ArrowStringArray(
        pa.chunked_array([taken])
    )
    return strings


def _all_missing(dtype: str, length: int) -> pd.api.extensions.ExtensionArray:
    """A string or boolean column of ``length`` missing values."""
    one: pd.api.extensions.ExtensionArray = pd.array([None], dtype=dtype)  # type: ignore[call-overload]
    missing: pd.api.extensions.ExtensionArray = one.take(
        np.full(length, -1, dtype=np.intp), allow_fill=True
    )
    return missing


def _copy_on_write() -> bool:
    """Columns may share one array only where pandas copies it on write (always in pandas 3)."""
    if int(pd.__version__.split(".")[0]) >= 3:
        return True
    return pd.get_option("mode.copy_on_write") is True


def canonical_frame(columns: Mapping[str, np.ndarray | list[object]], length: int) -> pd.DataFrame:
    """A frame with exactly CANONICAL_COLUMNS, in order and dtype; missing columns are empty."""
    data: dict[str, object] = {}
    for name, dtype in CANONICAL_COLUMNS.items():
        values = columns.get(name)
        if values is None and dtype in ("string", "boolean"):
            data[name] = _all_missing(dtype, length)
            continue
        if values is None:
            values = _empty_values(dtype, length)
        data[name] = typed_column(values, dtype)
    return pd.DataFrame(data, index=pd.RangeIndex(length))


def _owned_frame(
    take: Callable[[str], np.ndarray | pd.api.extensions.ExtensionArray | None], length: int
) -> pd.DataFrame:
    """``canonical_frame`` of columns handed over one at a time (``take(name)``; None: absent)
    that nobody else holds: each is converted, then dropped, and the frame keeps the converted
    arrays without copying them again.  Where pandas copies on write, the empty string and
    boolean columns (most of a wide export's) share one Series per dtype: a string column of
    a million missing cells is 8 MB of pointers, and a write to one column copies it first."""
    data: dict[str, object] = {}
    shared: dict[str, pd.Series] = {}
    sharing = _copy_on_write()
    for name, dtype in CANONICAL_COLUMNS.items():
        values = take(name)
        column = (
            values
            if values is None or isinstance(values, pd.api.extensions.ExtensionArray)
            else typed_column(values, dtype)
        )
        del values
        if dtype not in ("string", "boolean"):
            data[name] = column if column is not None else _empty_values(dtype, length)
        elif column is not None and not (sharing and bool(pd.isna(column).all())):
            data[name] = column
        elif not sharing:
            data[name] = _all_missing(dtype, length)
        else:
            if dtype not in shared:
                shared[dtype] = pd.Series(
                    _all_missing(dtype, length), index=pd.RangeIndex(length), copy=False
                )
            data[name] = shared[dtype]
    return pd.DataFrame(data, index=pd.RangeIndex(length), copy=False)


def _empty_values(dtype: str, length: int) -> np.ndarray:
    if dtype == "datetime64[ns]":
        return np.full(length, np.datetime64("NaT"), dtype="datetime64[ns]")
    if dtype in ("float64",):
        return np.full(length, np.nan)
    if dtype == "int64":
        return np.zeros(length, dtype=np.int64)
    return np.full(length, None, dtype=object)


def _texts_at(values: object, positions: np.ndarray) -> list[str]:
    """The text cells of an identity column at `positions` ("" where missing or absent)."""
    if values is None or not len(positions):
        return [""] * len(positions)
    picked = np.asarray(values, dtype=object)[positions].tolist()
    return [v.strip() if isinstance(v, str) else "" for v in picked]


def _unit_word_last(header: str, unit_of: Callable[[str], float | None]) -> str:
    """The duration word a research export writes last in a header without brackets
    ("age_months", "AgeMonths", "Alter_Monate", "ga_days", "GA_wk", before a visit mark:
    "agemo_12m"): the unit of its bare numbers, when ``unit_of`` knows it (age_header_scale,
    duration_word_days); else ""."""
    words = words_before_visit(header)
    last = words[-1] if len(words) > 1 else ""
    if last and unit_of(last) is not None:
        return last
    named = header_named_unit(header)  # "Lebenstag", "day of life": days
    return named if named and unit_of(named) is not None else ""


def _unit_word_in(header: str) -> str:
    """The one duration word a header of weeks writes anywhere ("months postpartum", "Monate
    nach Entbindung", "mesi dopo il parto": months), else "".  Words of one letter ("d", "m",
    "a") are no units there; two different units name none."""
    words = header_words(header).split()
    units = {w for w in words if len(w) > 1 and duration_word_days(w) is not None}
    days = {duration_word_days(w) for w in units}
    return units.pop() if len(days) == 1 else ""


# A grouped report names the patient on the first row of each patient's results and leaves
# the identity cells of the rows below blank (the rows hold the date and the result).
GROUP_KEYS: Final = ("patient_id", "patient_name")
GROUP_FIELDS: Final = ("patient_id", "patient_name", "sex", "birth_date", "age_years", "age_unit")
GROUP_OWN: Final = ("sex", "birth_date")  # an orphan row's own cell differing: another person
AGE_FIELDS: Final = ("age_years", "age_unit")
GROUPED_MIN_ROWS: Final = 2  # rows without identity under named ones, in the whole table


def fill_grouped_identity(table: RawTable) -> list[str]:
    """Fill a grouped report's blank identity cells down from the row above (in place).

    A row with no patient id and no name (``GROUP_KEYS`` of the table all blank) under a row
    that has one is that patient's further result when the table holds at least
    GROUPED_MIN_ROWS such rows (a report that names each patient once): its blank id, name,
    sex, birth date, age and age unit are taken from the row above, as a long file's
    (long._fill_identity_down).  A single such row is no clear grouping and is left as it is.
    A row whose own sex or birth date differs from the patient's above names another person:
    it and the blank rows under it take nothing.  Returns the warnings."""
    keys = [f for f in GROUP_KEYS if f in table.columns]
    if not keys or len(table) == 0:
        return []
    present = [f for f in GROUP_FIELDS if f in table.columns]
    if "collected_at" in table.columns:  # the age then grows with the time between the rows
        present = [f for f in present if f not in AGE_FIELDS]  # (_same_patient_ages)

    def cells(name: str) -> pd.Series:
        col = table.columns[name]
        found = table.distinct(col)
        shown = texts_or_none(found.uniques)  # None for an empty cell, as is_empty_value
        values = np.array(
            [None if t is None else u for u, t in zip(found.uniques, shown, strict=True)] + [None],
            dtype=object,
        )
        return pd.Series(values[found.codes], dtype=object)

    frame = pd.DataFrame({f: cells(f) for f in present})
    orphan = frame[keys].isna().all(axis=1).to_numpy()
    named = ~orphan
    if not named.any():
        return []
    under = orphan & (np.cumsum(named) > 0)  # below the first named row
    if int(under.sum()) < GROUPED_MIN_ROWS:
        return []
    # a blank row ends a patient's rows: the rows below it without a patient take none (their
    # count above still tells a report that names each patient once; review 29)
    filled = table.fill_down(frame)
    cut = under & filled[keys].isna().all(axis=1).to_numpy()
    under &= ~cut
    other = np.zeros(len(frame), dtype=bool)
    for f in GROUP_OWN:
        if f in present:
            own, above = frame[f], table.above(filled[f])
            differs = own.notna() & above.notna() & (own.astype(str) != above.astype(str))
            other |= differs.to_numpy()
    other &= under
    # the blank rows under such a row are that person's too, never the named patient's
    group = np.cumsum(named)
    reached: np.ndarray = np.asarray(pd.Series(other).groupby(group).cummax(), dtype=bool)
    other = reached & under
    taken = under & ~other
    if not taken.any():
        return [cut_by_blank_rows(int(cut.sum()))] if cut.any() else []
    for f in present:
        blank = taken & frame[f].isna().to_numpy()
        if blank.any():
            table.columns[f] = np.where(blank, filled[f].to_numpy(), table.columns[f])
    shown = ", ".join(repr(table.headers.get(f, f)) for f in present)
    notes = [
        f"{int(taken.sum())} row(s) without a patient under a named one (a report that names "
        f"each patient once) took the patient's {shown} from the rows above"
    ]
    if other.any():
        notes.append(
            f"{int(other.sum())} row(s) without a patient give another sex or birth date than "
            "the patient above: they were given no patient"
        )
    if cut.any():
        notes.append(cut_by_blank_rows(int(cut.sum())))
    return notes


_EPOCH_YEAR: Final = 1970  # numpy's datetime64 epoch (not a clinical number)
# a year written in a date cell that could not be read ("14/05/2024 08u30 (corr.)")
_A_YEAR: Final = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _year_written(cell: object) -> float:
    """The year a date cell writes (its first four-digit 19xx/20xx), NaN where none."""
    found = _A_YEAR.search(cell_text(cell)) if not is_blank(cell) else None
    return float(found.group(0)) if found else math.nan


@cache
def stratum_age_limits() -> tuple[float, ...]:
    """The ages (years) at which the default reference set's strata begin or end, and the
    thresholds' adult and childbearing ages: an age read two ways that falls on either side
    of one may be judged against another interval."""
    limits = load_thresholds()
    ages = {limits.get(name) for name in AGE_BAND_BOUNDARIES}
    for stratum in load_reference_set(DEFAULT_SET_NAME).strata:
        ages.add(stratum.age_min_years)
        if stratum.age_max_years is not None:
            ages.add(stratum.age_max_years)
    return tuple(sorted(age for age in ages if age > 0))


def fill_within_patient(ids: np.ndarray, values: np.ndarray, blank: np.ndarray) -> tuple[int, int]:
    """Fill ``values`` (in place) where ``blank`` from the patient's other rows (by ``ids``, a
    blank id is no patient) when those hold one distinct value.  Returns (rows filled, rows left
    blank because the patient's other rows disagree)."""
    patient = pd.Series(ids, dtype=object)
    named = patient.notna().to_numpy() & (patient.astype(str).str.strip() != "").to_numpy()
    known = ~blank & named
    if not (blank & named).any() or not known.any():
        return 0, 0
    given = pd.Series(values[known], index=patient[known].to_numpy())
    counts = given.groupby(level=0).nunique()
    single = given[~given.index.duplicated()][counts[counts == 1].index]
    wanting = np.flatnonzero(blank & named)
    keys = patient.iloc[wanting]
    found = keys.isin(single.index).to_numpy()
    values[wanting[found]] = single.reindex(keys[found].to_numpy()).to_numpy()
    clash = keys.isin(counts[counts > 1].index).to_numpy()
    return int(found.sum()), int(clash.sum())


def build_frame(table: RawTable, settings: BuildSettings, *, release: bool = False) -> BuildResult:
    """Parse every column of a RawTable; split good rows (frame) from rejected ones.
    ``release``: the table's cells are dropped once parsed (the caller needs them no more)."""
    builder = _Builder(table, settings)
    reason, detail = builder.result()
    builder.identity()
    builder.context()
    builder.timed_series(reason, detail)
    age_reject = builder.age_reject & (reason == "")
    reason[age_reject] = "unreadable_age"
    detail[age_reject] = builder.age_detail[age_reject]
    builder.urgent_despite(age_reject, detail)
    date_reject = builder.date_reject & (reason == "")
    reason[date_reject] = "implausible_date"
    detail[date_reject] = builder.date_detail[date_reject]
    void, void_detail = builder.void_results(reason)
    # a void status says there is no valid result, whatever the result cell holds (empty, "-",
    # "storniert"): the row withdraws its sample's result, never a missing or unreadable one
    void &= (reason == "") | np.isin(reason, list(VOID_OVERRIDES))
    builder.possibly_urgent[void] = False  # no result, nothing to list as urgent
    reason[void] = "cancelled_result"
    detail[void] = void_detail[void]
    replaced, replaced_detail, corrections = builder.revisions(reason == "")
    reason[replaced] = "cancelled_result"
    detail[replaced] = replaced_detail[replaced]
    builder.quality_control(reason, detail)
    builder.red_flags(reason, detail)
    accepted = np.flatnonzero(reason == "")
    out = builder.out
    n = len(table)
    out["source_file"] = np.full(n, table.file, dtype=object)
    out["source_sheet"] = np.full(n, table.sheet, dtype=object)
    out["source_row"] = table.source_rows
    kept = table.rest_cells
    rest = kept[accepted] if kept is not None and len(kept) == n else None
    if release:  # every cell is parsed: the raw ones go before the frame is built
        table.release()
        builder.cols.clear()  # the builder's own references to them (a copy of the table's)
        release_free_memory()  # and the reading's freed memory, before the frame's arrays

    for name in ("source_file", "source_sheet"):  # one text in every row
        values = out[name]
        builder.coded[id(values)] = (values, np.zeros(n, dtype=np.intp), values[:1])

    def take(name: str) -> np.ndarray | pd.api.extensions.ExtensionArray | None:
        values = out.pop(name, None)  # dropped once picked: one column copied at a time
        if values is None:
            return None
        coded = builder.coded.pop(id(values), None)
        if coded is not None and coded[0] is values and CANONICAL_COLUMNS[name] == "string":
            strings = coded_strings(coded[1][accepted], coded[2])
            if strings is not None:
                return strings
        return np.asarray(values)[accepted]

    refused = np.flatnonzero(reason != "")
    ids = _texts_at(out.get("patient_id"), refused)  # whose sample each rejected row is
    specimens = _texts_at(out.get("specimen_id"), refused)
    frame = _owned_frame(take, len(accepted))
    rejected = [
        Rejected(
            table.file,
            table.sheet,
            int(table.source_rows[i]),
            str(reason[i]),
            str(detail[i]),
            patient_id=ids[k],
            specimen_id=specimens[k],
            withdraws=bool(void[i]),
            possibly_urgent=bool(builder.possibly_urgent[i]),
        )
        for k, i in enumerate(refused.tolist())
    ]
    builder.warnings += _repeated_results(frame)
    builder.warnings += _pool_sample_medications(frame, rest)
    return BuildResult(frame, rejected, accepted, builder.warnings, corrections)


REPEATS_LISTED: Final = 5

# The reasons a void result status (or a prolactin cell saying "cancelled") replaces: the result
# cell's own (empty, "-", "n/a", words, no unit, a number out of range), for the lab says that
# the row holds no valid result; such a row withdraws its sample's stored result
VOID_OVERRIDES: Final = frozenset(
    {
        "missing_result",
        "unparseable_result",
        "unknown_unit",
        "implausible_value",
        "ambiguous_decimal_mark",
    }
)


def _repeated_results(frame: pd.DataFrame) -> list[str]:
    """A warning naming the rows that repeat an earlier row's result: the same specimen number
    (and patient, collection time and result as written).  Both are triaged (no row is lost),
    so the urgent list and the counts name such a result twice."""
    # only rows whose specimen number comes twice can repeat a result (most exports: none)
    codes, uniques = pd.factorize(frame["specimen_id"])  # a missing number: -1
    given = codes >= 0
    if len(uniques) == int(given.sum()):
        return []
    counts = np.bincount(codes[given], minlength=len(uniques))
    twice = given & (counts[np.maximum(codes, 0)] > 1)
    candidates = frame[twice]
    columns = ["specimen_id", "patient_id", "collected_at", "prolactin_raw"]
    group = candidates.groupby(columns, dropna=False, sort=False).ngroup().to_numpy()
    _, first = np.unique(group, return_index=True)
    rows = candidates["source_row"].to_numpy()
    repeated = np.arange(len(candidates)) != first[group]
    if not repeated.any():
        return []
    pairs = [
        f"{int(rows[i])} (as row {int(rows[first[group[i]]])})" for i in np.flatnonzero(repeated)
    ]
    more = f" and {len(pairs) - REPEATS_LISTED} more" if len(pairs) > REPEATS_LISTED else ""
    return [
        f"{len(pairs)} row(s) repeat an earlier row's result (the same specimen number, "
        f"patient, collection time and result): row(s) {', '.join(pairs[:REPEATS_LISTED])}{more}; "
        "both are triaged, so the urgent list and the counts name such a result twice"
    ]


# What names one sample where no specimen number tells its rows apart: the patient, the
# collection time and the result as written (a trial's lab data joined with its conmed record,
# one row per drug; a row exported twice)
SAMPLE_KEY: Final = (
    "patient_id",
    "patient_issuer",
    "collected_at",
    "visit",
    "specimen_id",
    "prolactin_raw",
    "unit_raw",
)


def _pool_sample_medications(frame: pd.DataFrame, rest: np.ndarray | None = None) -> list[str]:
    """Rows that give one sample (SAMPLE_KEY, patient and collection time known) take every
    medication text of them, each once in row order (in place): an export joined with its
    conmed record writes one drug per row, and each row read alone gave the sample a cause on one
    row and none on the next.  A warning names the rows; each is still triaged (no row is lost),
    so the urgent list and the counts name such a sample more than once.

    Rows are one sample only where something names it: a specimen number, or a collection time
    of day (not a date alone).  Two samples of one day without either may give the same value (a
    stimulation test's baseline and its post-drug sample): such rows are pooled only when they
    are equal in every column but the medication ones too (``rest``: the frame's rows' cells of
    the other columns; None pools none of them)."""
    known = (frame["patient_id"].notna() & frame["collected_at"].notna()).to_numpy()
    if int(known.sum()) < 2:
        return []
    keys = frame.loc[known, list(SAMPLE_KEY)]
    if not keys.duplicated(keep=False).any():
        return []
    keys = keys.copy()
    keys["_rest"] = _rest_keys(frame, rest, known, keys.duplicated(keep=False).to_numpy())
    again = keys.duplicated(keep=False).to_numpy()
    if not again.any():
        return []
    where = np.flatnonzero(known)[again]
    by_sample = keys[again].groupby([*SAMPLE_KEY, "_rest"], dropna=False, sort=False)
    group = by_sample.ngroup().to_numpy()
    meds = frame["medications"].astype(object).to_numpy()  # a missing text: pd.NA
    texts: dict[int, list[str]] = {}
    for g, i in zip(group.tolist(), where.tolist(), strict=True):
        text = meds[i]
        pooled = texts.setdefault(g, [])
        if isinstance(text, str) and text.strip() and text not in pooled:
            pooled.append(text)
    pooled_meds = meds.copy()
    for g, i in zip(group.tolist(), where.tolist(), strict=True):
        pooled_meds[i] = "; ".join(texts[g]) or meds[i]
    frame["medications"] = pd.array(pooled_meds, dtype="string")
    _, first = np.unique(group, return_index=True)
    rows = frame["source_row"].to_numpy()[where]
    later = np.arange(len(where)) != first[group]
    pairs = [f"{int(rows[k])} (as row {int(rows[first[group[k]]])})" for k in np.flatnonzero(later)]
    more = f" and {len(pairs) - REPEATS_LISTED} more" if len(pairs) > REPEATS_LISTED else ""
    return [
        f"{len(pairs)} row(s) give the same patient, collection time and result as an earlier "
        f"row, with no specimen number to tell them apart: row(s) "
        f"{', '.join(pairs[:REPEATS_LISTED])}{more}; read as one sample written on several rows "
        "(an export joined with one row per medication, or a row repeated): the medications of "
        "its rows are read together; each row is triaged, so the urgent list and the counts "
        "name it more than once"
    ]


def _rest_keys(
    frame: pd.DataFrame, rest: np.ndarray | None, known: np.ndarray, again: np.ndarray
) -> np.ndarray:
    """Per known row (``again``: those whose sample another row repeats), what else must be
    equal for its rows to be one sample: nothing ("") with a specimen number or a time of day;
    else its other columns' cells (each row its own when they are not kept)."""
    where = np.flatnonzero(known)
    collected = pd.to_datetime(frame["collected_at"].iloc[where], errors="coerce")
    timed = (collected - collected.dt.normalize()).dt.total_seconds().fillna(0).to_numpy() > 0
    named = frame["specimen_id"].iloc[where].notna().to_numpy() | timed
    out = np.full(len(where), "", dtype=object)
    for k in np.flatnonzero(~named & again).tolist():
        i = int(where[k])
        cells = rest[i] if rest is not None and i < len(rest) else None
        if cells is None:
            out[k] = f"row {i}"  # never equal to another row's
        else:
            out[k] = "\x1f".join(f"{type(c).__name__}:{c}" for c in cells)
    return out


def _age_conflicts(age: np.ndarray, birth: np.ndarray, run_day: datetime) -> np.ndarray:
    """An age cell older than the birth date makes the patient on the run's day, by more than
    a year of completed-years rounding: no age at export or enrolment explains it (the export
    was made by then), so one of the two is wrong (see _Builder._conflicting_ages)."""
    today = np.full(len(birth), np.datetime64(run_day, "ns"))
    now = ages_in_years(birth, today)
    with np.errstate(invalid="ignore"):
        conflict: np.ndarray = (age >= 0) & (age > now + AGE_DISAGREEMENT_YEARS)
    return conflict


DIRECTED_FLAGS: Final = ("high", "low")  # the flags a critical mark can go with (HH, LL)


def _critical_flag_cell(cell: object) -> bool:
    """A cell of the lab's flag column says critical: "HH", "LL", "kritisch hoch"."""
    return flag_is_critical(cell_text(cell), flag_column_direction(cell))
