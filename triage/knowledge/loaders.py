"""Read and validate the knowledge files into the dataclasses of triage.knowledge.model.

* Reference sets: one file per set, TOML (``[set]`` + ``[[stratum]]``) or CSV (columns
  ``id,sex,state,age_min_years,age_max_years,low,high,unit,source,note`` with set-level fields as
  leading ``# key = value`` lines).  The set's name is the file stem.  See docs/reference-data.md.
* Thresholds: triage/data/thresholds.toml (``[[band]]`` + ``[threshold.NAME]``).
* Drug lexicon: triage/data/drugs.toml (``[[drug]]``), and the medication free-text words of the
  same file (``[words]``, ``[patterns]``: load_drug_words).

Every problem becomes a ConfigError naming the file, the line and the field.  Parsed files are
cached by (path, modification time, size), so repeated loads in one run or in tests are cheap.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Final, Literal, cast, get_args

from triage import resources, toml_cache
from triage.knowledge.model import (
    Band,
    ClassEffect,
    Drug,
    DrugClassInfo,
    DrugEffect,
    Frequency,
    Knowledge,
    PostPegAssay,
    ReferenceSet,
    Stratum,
    StratumState,
    Threshold,
    Thresholds,
)
from triage.numbers import DAYS_PER_YEAR, MONTHS_PER_YEAR, WEEKS_PER_YEAR, fmt
from triage.regex_cache import compile_vocabulary
from triage.schema import DRUG_FACTOR_PREFIX, DRUG_FACTORS, FACTOR_CODES, ConfigError
from triage.transliteration import vocabulary
from triage.values import normalise_unit

__all__ = [
    "BAND_NAMES",
    "CSV_COLUMNS",
    "DEFAULT_SET_NAME",
    "REQUIRED_THRESHOLDS",
    "find_assay_set",
    "list_reference_sets",
    "load_drug_words",
    "load_drugs",
    "load_knowledge",
    "load_reference_set",
    "load_thresholds",
    "reference_file_problems",
    "reference_set_paths",
    "validate_reference_file",
]

DEFAULT_SET_NAME: Final = "default"
SET_SUFFIXES: Final = (".toml", ".csv")

# ------------------------------------------------------------------------- file format vocab ---
# Upper limits of monomeric (post-PEG) prolactin on the set's assay, ng/mL, with their source.
POST_PEG_KEYS: Final = ("post_peg_female_high_ng_ml", "post_peg_male_high_ng_ml", "post_peg_source")
SET_KEYS: Final = frozenset(
    {
        "title",
        "assay",
        "aliases",
        "miu_per_ng",
        "miu_per_ng_source",
        "source",
        "caveats",
        "unit",
        *POST_PEG_KEYS,
    }
)
CSV_COLUMNS: Final = (
    "id",
    "sex",
    "state",
    "age_min_years",
    "age_max_years",
    "low",
    "high",
    "unit",
    "source",
    "note",
)
CSV_OPTIONAL_COLUMNS: Final = ("neonatal", "measured", "note_is_caveat")
# The keys of a [[stratum]] table are the CSV form's columns.
STRATUM_KEYS: Final = frozenset((*CSV_COLUMNS, *CSV_OPTIONAL_COLUMNS))
CSV_REQUIRED_COLUMNS: Final = ("id", "sex", "state", "high", "source")
StratumSex = Literal["F", "M", "any"]
_SEX_LITERALS: Final[dict[str, StratumSex]] = {"f": "F", "m": "M", "any": "any"}
STATES: Final[tuple[str, ...]] = get_args(StratumState)
_STATE_LITERALS: Final[dict[str, StratumState]] = {s: cast(StratumState, s) for s in STATES}
STRATUM_ID_RE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")

# Ages may be written as "30 days", "12 weeks", "3 months" or a number of years.
_AGE_RE: Final = re.compile(
    r"^\s*(\d+(?:[.,]\d+)?)\s*(d|days?|w|wks?|weeks?|m|mo|mths?|months?|y|yrs?|years?)?\s*$",
    re.IGNORECASE,
)
_AGE_UNIT_PER_YEAR: Final = {"d": DAYS_PER_YEAR, "w": WEEKS_PER_YEAR, "m": MONTHS_PER_YEAR}

THRESHOLD_KEYS: Final = frozenset({"value", "unit", "source", "note"})
BAND_KEYS: Final = frozenset({"name", "lower_ng_ml", "source"})
POST_PEG_ASSAY_KEYS: Final = frozenset(
    {"name", "aliases", "female_high", "male_high", "unit", "source"}
)
BAND_NAMES: Final = ("mild", "moderate", "marked", "very_high", "extreme")
# Names the engine relies on (docs/design.md, Stage 2).  Extra names are allowed.
REQUIRED_THRESHOLDS: Final = (
    "interpretation_hh_ng_ml",
    "urgent_miu_l",
    "prolactinoma_likely_ng_ml",
    "macroprolactinoma_ng_ml",
    "giant_prolactinoma_ng_ml",
    "giant_lesion_mm",
    "macroadenoma_mm",
    "stalk_effect_max_ng_ml",
    "hook_lesion_mm",
    "hook_max_ng_ml",
    "drug_typical_max_ng_ml",
    "systemic_typical_max_ng_ml",
    "repeat_rested_max_times_uln",
    "macroprolactin_screen_max_ng_ml",
    "peg_recovery_macro_pct",
    "peg_recovery_true_pct",
    "tsh_upper_miu_l",
    "tsh_strong_miu_l",
    "egfr_renal_likely",
    "egfr_renal_possible",
    "childbearing_age_min_years",
    "childbearing_age_max_years",
    "adult_age_years",
    "neonatal_max_age_years",
    "miu_per_ng_plausible_min",
    "miu_per_ng_plausible_max",
    "collection_date_min_year",
    "collection_date_future_days",
    "age_max_years",
    "birth_date_column_min_gap_years",
    "prolactin_min_ng_ml",
    "prolactin_min_miu_l",
)

DRUG_KEYS: Final = frozenset(
    {
        "name",
        "class",
        "effect",
        "atc",
        "brands",
        "synonyms",
        "frequency",
        "typical_max_ng_ml",
        "masks",
        "source",
        "note",
        "acts_after_stop",
        "misuse",
        "acute_rise",
    }
)
CLASS_KEYS: Final = frozenset({"name", "effect", "label", "evidence", "within", "acute_rise"})
# drugs.toml acute_rise: how a dose just before the sample raises prolactin at once
ACUTE_RISES: Final = ("any_route", "intravenous")
# The medication free-text vocabulary of drugs.toml (triage.knowledge.drugs reads it): word lists
# ([words]) and lists of regular expressions ([patterns]).
DRUG_WORD_KEYS: Final = frozenset(
    {
        "stopped", "negating", "affirming", "replaced", "switched_to", "past", "past_alone",
        "answer_no", "fast_path", "end_of_treatment", "end_of_with", "past_on",
        "as_before", "switch_between_copula", "switch_between", "switch_verb", "switch_open",
        "switch_join", "end_of_first", "clause_end", "joining", "connector", "item_words",
        "item_stop_words", "dose_counts", "count_or",
        "stop_followers", "stop_skipped", "dosage_abbreviations",
        "compound_tail",
        "switched_from", "now_switch", "now_also", "name_brands", "word_brands", "dose_brands",
        "person",
        "other_person", "brand_context", "answer_subject",
        "stop_nouns", "class_adjectives", "intake_nouns", "abbreviation_makers",
        "note_abbreviations",
        "screen_except", "screen_intake", "person_for_patient", "answer_yes",
        "substituted", "substituted_join", "free_after", "abstinent_after", "ended_after",
        "switched_away",
        "both", "all_of_them", "list_stop_copula", "for_person", "gives_to", "reaction_on",
        "reaction_cause", "reaction_signs",
        "other_stop_subjects", "holiday_words", "holiday_of_treatment", "taken_before",
        "minute_units",
    }
)  # fmt: skip
DRUG_PATTERN_KEYS: Final = frozenset(
    {
        "not_yet", "end_of", "instead_of", "past_time", "past_treated_with", "continued_after",
        "proposed_copula", "proposed_from", "proposed_when", "proposed_after", "not_a_join",
        "medication_label", "plan_label", "medication_unknown", "past_period", "one_off",
        "none_now",
        "screen", "screen_negative", "screen_positive",
        "abbreviation_not_drug_after", "abbreviation_not_drug_before", "term_not_drug_after",
        "before_drug", "start_after_drug", "baseline", "after_sample_word", "after_sample_article",
        "after_sample", "after_sample_start", "after_sample_kept", "planned_stop",
        "stop_noun", "unconfirmed_before", "unconfirmed_after", "irregular_before",
        "irregular_after", "depot_3_monthly", "depot_6_monthly", "start_from",
        "start_from_article", "as_needed_before", "as_needed_after", "treatment_stopped",
        "as_needed_or_bedtime", "german_schedule", "dutch_schedule", "as_needed_if",
        "as_needed_severity", "as_needed_symptom", "as_needed_label", "as_needed_for",
        "no_longer_taken", "own_purpose", "avoid_label", "agonist_other_purpose",
        "stop_abbreviations", "now_taken_after", "back_to_patient", "breast_label",
        "as_needed_state", "as_needed_word_label", "regular_schedule", "conditional_stop",
        "dose_time_before", "dose_time_after", "intravenous_route", "dose_time_until",
        "dose_time_sample", "pause_of_other", "past_pause", "stop_negation", "negatable_stop",
    }
)  # fmt: skip
_DRUG_WORD_TABLES: Final = {"words": DRUG_WORD_KEYS, "patterns": DRUG_PATTERN_KEYS}
CLASS_EFFECTS: Final[tuple[str, ...]] = get_args(ClassEffect)
CLASS_NAME_RE: Final = re.compile(r"^[a-z][a-z0-9_]*$")
DRUG_EFFECTS: Final[tuple[str, ...]] = get_args(DrugEffect)
FREQUENCIES: Final[tuple[str, ...]] = get_args(Frequency)
ATC_RE: Final = re.compile(r"^[A-Z](\d{2}([A-Z]([A-Z](\d{2})?)?)?)?$")


# =========================================================================== problem collecting ==
@dataclass
class _Problems:
    """Collects every problem of one file; the first one is raised with a count of the rest."""

    file: str
    items: list[ConfigError] = field(default_factory=list)

    def add(self, message: str, *, line: int | None = None, field: str | None = None) -> None:
        self.items.append(ConfigError(self.file, message, line=line, field=field))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        first = self.items[0]
        message = first.message
        if len(self.items) > 1:
            more = len(self.items) - 1
            message += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise ConfigError(first.file, message, line=first.line, field=first.field)


@dataclass
class _Record:
    """One table of a file (a stratum, the set header, a drug ...) with where its keys are."""

    values: dict[str, object]
    line: int | None  # header line of the table / CSV row
    key_lines: dict[str, int] = field(default_factory=dict)
    lenient: bool = False  # CSV: numbers and booleans arrive as text

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


# ================================================================================ TOML helpers ==
_TOML_POS_RE: Final = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_HEADER_RE: Final = re.compile(r"^\s*(\[\[?)\s*([^\[\]#]+?)\s*\]\]?\s*(?:#.*)?$")


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read the file: {exc.strerror or exc}") from None
    return resources.decode_text_file(raw, errors="replace")


def _parse_toml(path: Path, text: str) -> dict[str, object]:
    """tomllib.loads with its syntax error turned into a ConfigError carrying the line."""
    try:
        return toml_cache.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line: int | None = None
        found = _TOML_POS_RE.search(message)
        if found:
            line = int(found.group(1))
            message = message[: found.start()] + f" (column {found.group(2)})"
        raise ConfigError(str(path), f"TOML syntax error: {message}", line=line) from None


def _defines(line: str, key: str) -> bool:
    """`line` sets `key` (`key = ...`, the key quoted or not), as the pattern
    ``^\\s*["']?KEY["']?\\s*=`` reads it, without a pattern compiled per key: a data file's
    records name a few thousand keys, looked up on every load."""
    rest = line.lstrip()
    if rest[:1] in ('"', "'"):
        rest = rest[1:]
    if not rest.startswith(key):
        return False
    rest = rest[len(key) :]
    if rest[:1] in ('"', "'"):
        rest = rest[1:]
    return rest.lstrip().startswith("=")


class _TomlLines:
    """Finds the line of a table header or of a key inside it (tomllib gives no positions)."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()
        self._headers: list[tuple[int, str]] = []  # (1-based line, header name)
        for number, line in enumerate(self._lines, start=1):
            found = _HEADER_RE.match(line)
            if found:
                name = re.sub(r"\s*\.\s*", ".", found.group(2)).replace('"', "").replace("'", "")
                self._headers.append((number, name))

    def table(self, name: str, index: int = 0) -> int | None:
        """Line of the index-th header called name ([name] or [[name]])."""
        seen = [number for number, header in self._headers if header == name]
        return seen[index] if index < len(seen) else None

    def key(self, table_line: int | None, key: str) -> int | None:
        """Line of `key = ...` inside the table starting at table_line (None: top of the file)."""
        start = table_line or 0
        ends = [number for number, _ in self._headers if number > start]
        end = min(ends) - 1 if ends else len(self._lines)
        for number in range(start + 1, end + 1):
            if _defines(self._lines[number - 1], key):
                return number
        return None

    def record(self, table: str, index: int, values: Mapping[str, object]) -> _Record:
        header = self.table(table, index)
        key_lines = {}
        for key in values:
            found = self.key(header, key)
            if found is not None:
                key_lines[key] = found
        return _Record(dict(values), header, key_lines)


def _toml_tables(
    data: Mapping[str, object],
    lines: _TomlLines,
    name: str,
    problems: _Problems,
    *,
    array: bool,
) -> list[_Record]:
    """The [name] table (array=False) or the [[name]] tables (array=True) as records."""
    raw = data.get(name)
    if raw is None:
        return []
    items: list[object] = list(raw) if array and isinstance(raw, list) else [raw]
    if array and not isinstance(raw, list):
        problems.add(
            f"'{name}' must be written as [[{name}]] tables",
            line=lines.table(name) or lines.key(None, name),
            field=name,
        )
        return []
    records = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.add(
                f"'{name}' must be a table", line=lines.key(None, name) or lines.table(name, index)
            )
            continue
        records.append(lines.record(name, index, item))
    return records


def _check_top_level(
    data: Mapping[str, object], allowed: Iterable[str], lines: _TomlLines, problems: _Problems
) -> None:
    allowed = set(allowed)
    for key in data:
        if key not in allowed:
            where = lines.table(key) or lines.key(None, key)
            expected = ", ".join(sorted(allowed))
            problems.add(f"unknown table or key '{key}' (expected: {expected})", line=where)


# ========================================================================== value coercion =====
def _missing(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_keys(rec: _Record, allowed: frozenset[str], what: str, problems: _Problems) -> None:
    for key in rec.values:
        if key not in allowed:
            expected = ", ".join(sorted(allowed))
            message = f"unknown {what} key '{key}' (allowed: {expected})"
            problems.add(message, line=rec.line_of(key), field=key)


def _text(rec: _Record, key: str, problems: _Problems, *, required: bool, default: str = "") -> str:
    value = rec.values.get(key)
    if _missing(value):
        if required:
            problems.add(f"missing '{key}'", line=rec.line, field=key)
        return default
    if not isinstance(value, str):
        problems.add(f"'{key}' must be text", line=rec.line_of(key), field=key)
        return default
    return value.strip()


def _parse_float_text(text: str) -> float | None:
    cleaned = text.strip().replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def _number(rec: _Record, key: str, problems: _Problems, *, required: bool) -> float | None:
    value = rec.values.get(key)
    if _missing(value):
        if required:
            problems.add(f"missing '{key}'", line=rec.line, field=key)
        return None
    number: float | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and rec.lenient:
        number = _parse_float_text(value)
    if number is None or not math.isfinite(number):
        hint = "" if rec.lenient else " (write it without quotes)"
        problems.add(
            f"'{key}' must be a number, not {value!r}{hint}", line=rec.line_of(key), field=key
        )
        return None
    return number


def _non_negative(rec: _Record, key: str, problems: _Problems, *, required: bool) -> float | None:
    number = _number(rec, key, problems, required=required)
    if number is not None and number < 0:
        problems.add(f"'{key}' must not be negative ({number:g})", line=rec.line_of(key), field=key)
        return None
    return number


def _boolean(rec: _Record, key: str, problems: _Problems, *, default: bool) -> bool:
    value = rec.values.get(key)
    if _missing(value):
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and rec.lenient:
        word = value.strip().lower()
        if word in {"true", "yes", "y", "1"}:
            return True
        if word in {"false", "no", "n", "0"}:
            return False
    problems.add(f"'{key}' must be true or false, not {value!r}", line=rec.line_of(key), field=key)
    return default


def _string_list(rec: _Record, key: str, problems: _Problems) -> tuple[str, ...]:
    value = rec.values.get(key)
    if _missing(value):
        return ()
    if isinstance(value, str) and rec.lenient:
        return tuple(part.strip() for part in re.split(r"[;,]", value) if part.strip())
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(str(item).strip() for item in value if str(item).strip())
    problems.add(f"'{key}' must be a list of texts", line=rec.line_of(key), field=key)
    return ()


def _age_years(rec: _Record, key: str, problems: _Problems) -> float | None:
    """An age bound: a number of years, or text such as "30 days", "12 weeks", "3 months"."""
    value = rec.values.get(key)
    if _missing(value):
        return None
    if isinstance(value, str):
        found = _AGE_RE.match(value)
        if not found:
            problems.add(
                f"'{key}' must be years or a text like '30 days', '12 weeks', '3 months', "
                f"not {value!r}",
                line=rec.line_of(key),
                field=key,
            )
            return None
        amount = float(found.group(1).replace(",", "."))
        unit = (found.group(2) or "y")[0].lower()
        return amount / _AGE_UNIT_PER_YEAR[unit] if unit in _AGE_UNIT_PER_YEAR else amount
    return _non_negative(rec, key, problems, required=False)


def _unit(text: str) -> tuple[str, float] | None:
    """(canonical unit, multiplier to it) of a unit spelling, by the readers' own table
    (synonyms.toml [[prolactin_units]]): a set file may write its unit as an export does."""
    found = normalise_unit(text)
    return (found.unit, found.factor) if found is not None else None


# ===================================================================== reference set: TOML/CSV ==
def _toml_set_records(path: Path, problems: _Problems) -> tuple[_Record | None, list[_Record]]:
    text = _read_text(path)
    data = _parse_toml(path, text)
    lines = _TomlLines(text)
    _check_top_level(data, ("set", "stratum"), lines, problems)
    heads = _toml_tables(data, lines, "set", problems, array=False)
    if not heads and "set" not in data:
        problems.add("missing the [set] table (title, assay, miu_per_ng, source ...)", line=1)
    strata = _toml_tables(data, lines, "stratum", problems, array=True)
    return (heads[0] if heads else None), strata


_CSV_SET_LINE_RE: Final = re.compile(r"^#\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
_CSV_LIST_KEYS: Final = ("aliases", "caveats")


def _sniff_delimiter(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip().lstrip('"')
        if not stripped or stripped.startswith("#"):
            continue
        counts = {sep: line.count(sep) for sep in (",", ";", "\t")}
        return max(counts, key=lambda sep: counts[sep])
    return ","


def _comment_text(cells: list[str], delimiter: str) -> str:
    """The text of a '#' row, whether written by hand or round-tripped through a spreadsheet."""
    filled = [cell for cell in cells if cell.strip()]
    if len(filled) == 1:
        return filled[0].strip()
    return delimiter.join(cells).rstrip(delimiter + " \t").strip()


def _csv_set_records(path: Path, problems: _Problems) -> tuple[_Record | None, list[_Record]]:
    text = _read_text(path)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    head = _Record({}, 1, {}, lenient=True)
    header: list[str] | None = None
    strata: list[_Record] = []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if cells[0].strip().startswith("#"):
            if header is None:
                _csv_set_line(_comment_text(cells, delimiter), line, head, problems)
            continue
        if header is None:
            header = [cell.strip().lower() for cell in cells]
            _check_csv_header(header, line, problems)
            continue
        strata.append(_csv_row(cells, header, line, problems))
    if header is None:
        problems.add(
            f"no header row: expected the columns {','.join(CSV_COLUMNS)}", line=reader.line_num
        )
    return head, strata


def _csv_set_line(text: str, line: int, head: _Record, problems: _Problems) -> None:
    found = _CSV_SET_LINE_RE.match(text)
    if not found:
        return  # a free comment
    key, value = found.group(1).lower(), found.group(2)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    if key not in SET_KEYS:
        expected = ", ".join(sorted(SET_KEYS))
        problems.add(
            f"unknown set key '{key}' in a '# key = value' line (set keys: {expected}; "
            "write free comments without '=')",
            line=line,
            field=key,
        )
        return
    if key in _CSV_LIST_KEYS:
        parts = [value] if key == "caveats" else re.split(r"[;,]", value)
        previous = head.values.get(key)
        items = list(previous) if isinstance(previous, list) else []
        head.values[key] = items + [part.strip() for part in parts if part.strip()]
    elif key in head.values:
        problems.add(f"set key '{key}' is given twice", line=line, field=key)
        return
    else:
        head.values[key] = value
    head.key_lines.setdefault(key, line)


def _check_csv_header(header: list[str], line: int, problems: _Problems) -> None:
    known = set(CSV_COLUMNS) | set(CSV_OPTIONAL_COLUMNS)
    for name in header:
        if name and name not in known:
            problems.add(
                f"unknown column '{name}' (columns: {','.join(CSV_COLUMNS)}"
                f"[,{','.join(CSV_OPTIONAL_COLUMNS)}])",
                line=line,
                field=name,
            )
    for name in CSV_REQUIRED_COLUMNS:
        if name not in header:
            problems.add(f"missing column '{name}'", line=line, field=name)
    duplicates = {name for name in header if name and header.count(name) > 1}
    for name in sorted(duplicates):
        problems.add(f"column '{name}' appears twice", line=line, field=name)


def _csv_row(cells: list[str], header: list[str], line: int, problems: _Problems) -> _Record:
    values: dict[str, object] = {}
    for index, cell in enumerate(cells):
        name = header[index] if index < len(header) else ""
        if not name:
            if cell.strip():
                problems.add(f"value {cell.strip()!r} has no column", line=line)
            continue
        if cell.strip():
            values[name] = cell.strip()
    return _Record(values, line, {}, lenient=True)


# ======================================================================== reference set: build ==
@dataclass
class _SetContext:
    miu_per_ng: float | None
    unit: str


def _build_reference_set(
    path: Path, head: _Record | None, records: list[_Record], problems: _Problems
) -> ReferenceSet | None:
    head = head or _Record({}, 1)
    _check_keys(head, SET_KEYS, "set", problems)
    title = _text(head, "title", problems, required=True)
    assay = _text(head, "assay", problems, required=False)
    aliases = _string_list(head, "aliases", problems)
    caveats = _string_list(head, "caveats", problems)
    source = _text(head, "source", problems, required=True)
    miu_source = _text(head, "miu_per_ng_source", problems, required=True)
    miu_per_ng = _conversion_factor(head, problems)
    set_unit = _text(head, "unit", problems, required=False)
    if set_unit and _unit(set_unit) is None:
        problems.add(_bad_unit_message(set_unit), line=head.line_of("unit"), field="unit")
        set_unit = ""
    context = _SetContext(miu_per_ng, set_unit)
    strata = [s for rec in records if (s := _build_stratum(rec, context, problems)) is not None]
    if not records:
        problems.add("the set has no [[stratum]] rows", line=head.line)
    if len(strata) == len(records):
        _check_strata(strata, problems)
    post_peg = _post_peg_limits(head, problems)
    if problems.items or miu_per_ng is None:
        return None
    return ReferenceSet(
        name=path.stem,
        title=title,
        assay=assay,
        miu_per_ng=miu_per_ng,
        miu_per_ng_source=miu_source,
        strata=tuple(strata),
        source=source,
        caveats=caveats,
        aliases=aliases,
        path=str(path),
        post_peg_high=post_peg,
        post_peg_source=_text(head, "post_peg_source", problems, required=post_peg is not None),
    )


def _post_peg_limits(head: _Record, problems: _Problems) -> tuple[float, float] | None:
    """The set's post-PEG upper limits (women, men) in ng/mL: both or neither."""
    female_key, male_key, _ = POST_PEG_KEYS
    female = _number(head, female_key, problems, required=False)
    male = _number(head, male_key, problems, required=False)
    if female is None and male is None:
        return None
    if female is None or male is None or female <= 0 or male <= 0:
        problems.add(
            f"give both {female_key} and {male_key}, as positive numbers (ng/mL)",
            line=head.line,
            field=female_key,
        )
        return None
    return female, male


def _conversion_factor(head: _Record, problems: _Problems) -> float | None:
    factor = _number(head, "miu_per_ng", problems, required=True)
    if factor is None:
        return None
    thresholds = load_thresholds()
    low = thresholds.get("miu_per_ng_plausible_min")
    high = thresholds.get("miu_per_ng_plausible_max")
    if not low <= factor <= high:
        problems.add(
            f"miu_per_ng {factor:g} is implausible: expected mIU/L per ng/mL between {low:g} and "
            f"{high:g} (the default set gives the WHO standard's factor)",
            line=head.line_of("miu_per_ng"),
            field="miu_per_ng",
        )
        return None
    return factor


def _bad_unit_message(text: str) -> str:
    return f"unit {text!r} is not known: use ng/mL (= µg/L) or mIU/L (= µIU/mL; IU/L also accepted)"


def _build_stratum(rec: _Record, context: _SetContext, problems: _Problems) -> Stratum | None:
    before = len(problems.items)
    _check_keys(rec, STRATUM_KEYS, "stratum", problems)
    stratum_id = _text(rec, "id", problems, required=True)
    if stratum_id and not STRATUM_ID_RE.match(stratum_id):
        problems.add(
            f"id {stratum_id!r} may hold only letters, digits, '_', '-' and '.'",
            line=rec.line_of("id"),
            field="id",
        )
    sex = _sex(rec, problems)
    state = _state(rec, problems)
    age_min = _age_years(rec, "age_min_years", problems)
    age_max = _age_years(rec, "age_max_years", problems)
    low = _non_negative(rec, "low", problems, required=False)
    high = _non_negative(rec, "high", problems, required=True)
    source = _text(rec, "source", problems, required=True)
    note = _text(rec, "note", problems, required=False)
    neonatal = _boolean(rec, "neonatal", problems, default=False)
    measured = _boolean(rec, "measured", problems, default=True)
    note_is_caveat = _boolean(rec, "note_is_caveat", problems, default=False)
    unit_text = _text(rec, "unit", problems, required=False) or context.unit
    factor = _stratum_factor(rec, unit_text, context, problems)
    if age_min is not None and age_max is not None and age_min >= age_max:
        problems.add(
            f"age_min_years ({age_min:g}) must be below age_max_years ({age_max:g})",
            line=rec.line_of("age_max_years"),
            field="age_max_years",
        )
    if high is not None and high <= 0:
        problems.add("'high' must be above 0", line=rec.line_of("high"), field="high")
    if low is not None and high is not None and low >= high:
        problems.add(
            f"low ({low:g}) must be below high ({high:g})", line=rec.line_of("low"), field="low"
        )
    if neonatal and state != "child":
        problems.add(
            "neonatal = true is only allowed with state 'child'",
            line=rec.line_of("neonatal"),
            field="neonatal",
        )
    for key, given in (
        ("measured = false", not measured),
        ("note_is_caveat = true", note_is_caveat),
    ):
        if given and not note:
            field_name = key.split(" ")[0]
            problems.add(
                f"{key} needs a 'note' saying how the limits were set or what a reader must "
                "know: the reports show it with the interval",
                line=rec.line_of(field_name),
                field=field_name,
            )
    if len(problems.items) > before or high is None or factor is None:
        return None
    note = _conversion_note(note, unit_text, factor, low, high)
    return Stratum(
        id=stratum_id,
        sex=sex,
        state=state,
        low_ng_ml=None if low is None else _to_ng_ml(low, factor),
        high_ng_ml=_to_ng_ml(high, factor),
        source=source,
        age_min_years=age_min or 0.0,
        age_max_years=age_max,
        neonatal=neonatal,
        note=note,
        measured=measured,
        note_is_caveat=note_is_caveat,
        line=rec.line or 0,
    )


def _sex(rec: _Record, problems: _Problems) -> StratumSex:
    text = _text(rec, "sex", problems, required=True)
    if text and text.lower() not in _SEX_LITERALS:
        problems.add(f"sex {text!r} is not F, M or any", line=rec.line_of("sex"), field="sex")
    return _SEX_LITERALS.get(text.lower(), "any")


def _state(rec: _Record, problems: _Problems) -> StratumState:
    text = _text(rec, "state", problems, required=True)
    if text and text not in STATES:
        problems.add(
            f"state {text!r} is not one of {', '.join(STATES)}",
            line=rec.line_of("state"),
            field="state",
        )
    return _STATE_LITERALS.get(text, "adult")


def _stratum_factor(
    rec: _Record, text: str, context: _SetContext, problems: _Problems
) -> float | None:
    """Divisor that turns this stratum's numbers into ng/mL (None when it cannot be known)."""
    if not text:
        problems.add(
            "missing 'unit' (ng/mL or mIU/L; or give a set-level unit)", line=rec.line, field="unit"
        )
        return None
    unit = _unit(text)
    if unit is None:
        problems.add(_bad_unit_message(text), line=rec.line_of("unit"), field="unit")
        return None
    canonical, multiplier = unit
    if canonical == "ng/mL":
        return 1.0 / multiplier
    if context.miu_per_ng is None:
        return None  # the set's factor is wrong: already reported
    return context.miu_per_ng / multiplier


def _to_ng_ml(value: float, divisor: float) -> float:
    return value / divisor  # unrounded: a result at the limit in the same unit is at it


def _conversion_note(note: str, unit: str, divisor: float, low: float | None, high: float) -> str:
    if divisor == 1.0:
        return note
    given = f"{high:g}" if low is None else f"{low:g}-{high:g}"
    suffix = f"Given as {given} {unit}".strip() + "."
    return f"{note} {suffix}".strip()


def _check_strata(strata: list[Stratum], problems: _Problems) -> None:
    seen: dict[str, Stratum] = {}
    for stratum in strata:
        if stratum.id in seen:
            problems.add(
                f"duplicate stratum id {stratum.id!r} (first at line {seen[stratum.id].line})",
                line=stratum.line,
                field="id",
            )
        seen.setdefault(stratum.id, stratum)
    for index, later in enumerate(strata):
        for earlier in strata[:index]:
            if _overlap(earlier, later):
                problems.add(
                    f"stratum {later.id!r} overlaps {earlier.id!r} (line {earlier.line}): same "
                    f"state '{later.state}', sex {later.sex}/{earlier.sex} and ages "
                    f"{_ages(later)} / {_ages(earlier)}",
                    line=later.line,
                    field="age_min_years",
                )
    limits = load_thresholds()  # read once for the set, not per stratum
    for stratum in strata:
        _check_plausible_upper_limit(stratum, limits, problems)
        if stratum.sex == "M" and stratum.state in _PHYSIOLOGICAL_STATES:
            problems.add(
                f"stratum {stratum.id!r}: state '{stratum.state}' with sex M (pregnancy and "
                "breastfeeding strata are for women: sex F or any)",
                line=stratum.line,
                field="sex",
            )
    for sex in ("F", "M"):
        if not any(s.state == "adult" and s.sex in (sex, "any") for s in strata):
            problems.add(
                f"the set has no adult stratum for sex {sex} (state = 'adult', sex = '{sex}')",
                line=strata[0].line if strata else None,
                field="sex",
            )


# States whose upper limits are physiological, not bounded like the others (pregnancy rises to
# term, breastfeeding, neonates): their strata are not checked by _check_plausible_upper_limit.
_PHYSIOLOGICAL_STATES: Final = frozenset(
    {"pregnant", "pregnant_t1", "pregnant_t2", "pregnant_t3", "lactating", "postpartum_week1"}
)


def _check_plausible_upper_limit(stratum: Stratum, values: Thresholds, problems: _Problems) -> None:
    """An upper limit no prolactin interval has (in ng/mL, after the stratum's unit) is a unit
    mix-up: the Roche insert's 102–496 µIU/mL typed as ng/mL would make 8,000 mIU/L "normal".
    The bounds are those the engine applies to a lab's interval on a row (thresholds.toml
    row_uln_min_ng_ml, row_uln_max_ng_ml, row_uln_max_infant_ng_ml); pregnancy, breastfeeding
    and neonatal strata are physiological and not bounded here."""
    if stratum.neonatal or stratum.state in _PHYSIOLOGICAL_STATES:
        return
    infant = stratum.age_max_years is not None and stratum.age_max_years <= 1
    lowest, highest = values.plausible_uln_ng_ml(infant=infant)
    high = stratum.high_ng_ml
    if lowest <= high <= highest:
        return
    side = "above the highest" if high > highest else "below the lowest"
    problems.add(
        f"stratum {stratum.id!r}: upper limit {fmt(high)} ng/mL is {side} upper limit a "
        f"prolactin interval has ({fmt(lowest)}–{fmt(highest)} ng/mL for this group): the numbers "
        "look like "
        "another unit's (mIU/L or µIU/mL numbers under ng/mL, or the reverse); check the "
        "stratum's 'unit'",
        line=stratum.line,
        field="high",
    )


def _overlap(a: Stratum, b: Stratum) -> bool:
    if a.state != b.state:
        return False
    if a.sex != b.sex and "any" not in (a.sex, b.sex):
        return False
    a_max = math.inf if a.age_max_years is None else a.age_max_years
    b_max = math.inf if b.age_max_years is None else b.age_max_years
    return a.age_min_years < b_max and b.age_min_years < a_max


def _ages(stratum: Stratum) -> str:
    upper = "" if stratum.age_max_years is None else f"{stratum.age_max_years:.3g}"
    return f"[{stratum.age_min_years:.3g}, {upper or '…'})"


# =================================================================== reference set: public API ==
def reference_file_problems(path: Path) -> list[ConfigError]:
    """Every problem of one reference-set file (empty when it is valid); for `ranges validate`."""
    problems = _Problems(str(path))
    try:
        _read_reference_file(path, problems)
    except ConfigError as exc:  # unreadable file or TOML syntax error: nothing more to check
        return [exc]
    return problems.items


def validate_reference_file(path: Path) -> ReferenceSet:
    """Load one set file with every check; raises ConfigError (file, line, field) on a problem."""
    return _load_set_file(Path(path))


def load_reference_set(
    name_or_path: str | Path, *, extra_dirs: Sequence[Path] = ()
) -> ReferenceSet:
    """A set by name (file stem in extra_dirs, then the bundled folder) or by file path."""
    return _load_set_file(_resolve_set(name_or_path, extra_dirs))


def list_reference_sets(extra_dirs: Sequence[Path] = ()) -> list[ReferenceSet]:
    """Every available set, "default" first, then by name; a broken file raises ConfigError."""
    sets = [_load_set_file(path) for path in reference_set_paths(extra_dirs).values()]
    return sorted(sets, key=lambda s: (s.name != DEFAULT_SET_NAME, s.name))


def reference_set_paths(extra_dirs: Sequence[Path] = ()) -> dict[str, Path]:
    """Set name -> file: the bundled folder, then each extra folder (a later one wins a name)."""
    found: dict[str, Path] = {}
    for folder in (resources.bundled_dir("reference_ranges"), *map(Path, extra_dirs)):
        if not folder.is_dir():
            raise ConfigError(str(folder), "reference-range folder not found")
        in_folder: dict[str, Path] = {}
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in SET_SUFFIXES or not path.is_file():
                continue
            if path.stem in in_folder:
                other = in_folder[path.stem].name
                raise ConfigError(str(path), f"two files define the set {path.stem!r}: {other}")
            in_folder[path.stem] = path
        found.update(in_folder)
    return found


def _looks_like_path(text: str) -> bool:
    return text.lower().endswith(SET_SUFFIXES) or "/" in text or "\\" in text


def _resolve_set(name_or_path: str | Path, extra_dirs: Sequence[Path]) -> Path:
    if isinstance(name_or_path, Path) or _looks_like_path(name_or_path):
        path = Path(name_or_path)
        if not path.is_file():
            raise ConfigError(str(path), "reference-set file not found")
        return path
    known = reference_set_paths(extra_dirs)
    by_lower = {name.lower(): path for name, path in known.items()}
    path_found = by_lower.get(name_or_path.strip().lower())
    if path_found is None:
        names = ", ".join(sorted(known))
        raise ConfigError(name_or_path, f"no reference set of that name (available: {names})")
    return path_found


def _file_stamp(path: Path) -> tuple[str, int, int]:
    try:
        info = path.stat()
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read the file: {exc.strerror or exc}") from None
    return (str(path.resolve()), info.st_mtime_ns, info.st_size)


def _load_set_file(path: Path) -> ReferenceSet:
    return _load_set_cached(str(path), _file_stamp(path))


@lru_cache(maxsize=256)
def _load_set_cached(shown: str, stamp: tuple[str, int, int]) -> ReferenceSet:
    problems = _Problems(shown)
    result = _read_reference_file(Path(shown), problems)
    problems.raise_if_any()
    if result is None:  # pragma: no cover - every None path records a problem
        raise ConfigError(shown, "the reference set could not be read")
    return result


def _read_reference_file(path: Path, problems: _Problems) -> ReferenceSet | None:
    if path.suffix.lower() == ".csv":
        head, records = _csv_set_records(path, problems)
    elif path.suffix.lower() == ".toml":
        head, records = _toml_set_records(path, problems)
    else:
        problems.add("a reference set must be a .toml or .csv file")
        return None
    return _build_reference_set(path, head, records, problems)


@lru_cache(maxsize=16)
def _toml_document(shown: str, stamp: tuple[str, int, int]) -> tuple[dict[str, object], _TomlLines]:
    """A data file parsed once per content (``stamp``): drugs.toml is read by the lexicon's and
    the medication words' loaders.  Its callers read the tables, never change them."""
    path = Path(shown)
    text = _read_text(path)
    return _parse_toml(path, text), _TomlLines(text)


@lru_cache(maxsize=16)
def _drugs_document(shown: str, stamp: tuple[str, int, int]) -> tuple[dict[str, Any], _TomlLines]:
    """drugs.toml parsed, every German word also in its ASCII spelling ("Oestrogen", "abgesetzt
    seit": triage.transliteration), for the lexicon's and the medication words' loaders."""
    data, lines = _toml_document(shown, stamp)
    return vocabulary(data), lines


# ================================================================================ thresholds ===
def load_thresholds(path: Path | None = None) -> Thresholds:
    """triage/data/thresholds.toml (or path): severity bands and named values."""
    path = Path(path) if path is not None else resources.data_file("thresholds.toml")
    return _load_thresholds_cached(str(path), _file_stamp(path))


@lru_cache(maxsize=16)
def _load_thresholds_cached(shown: str, stamp: tuple[str, int, int]) -> Thresholds:
    problems = _Problems(shown)
    data, lines = _toml_document(shown, stamp)
    _check_top_level(data, ("band", "threshold", "post_peg_assay"), lines, problems)
    bands = _bands(_toml_tables(data, lines, "band", problems, array=True), problems)
    values = _threshold_values(data, lines, problems)
    assays = _post_peg_assays(
        _toml_tables(data, lines, "post_peg_assay", problems, array=True), problems
    )
    problems.raise_if_any()
    return Thresholds(bands=bands, values=values, post_peg_assays=assays)


def _post_peg_assays(records: list[_Record], problems: _Problems) -> tuple[PostPegAssay, ...]:
    """The [[post_peg_assay]] tables: post-PEG upper limits of assays without a set."""
    out: list[PostPegAssay] = []
    for rec in records:
        _check_keys(rec, POST_PEG_ASSAY_KEYS, "post_peg_assay", problems)
        name = _text(rec, "name", problems, required=True)
        female = _number(rec, "female_high", problems, required=True)
        male = _number(rec, "male_high", problems, required=True)
        unit = _text(rec, "unit", problems, required=True)
        source = _text(rec, "source", problems, required=True)
        info = _unit(unit) if unit else None
        if unit and info is None:
            problems.add(_bad_unit_message(unit), line=rec.line_of("unit"), field="unit")
        if female is None or male is None or info is None:
            continue
        if female <= 0 or male <= 0:
            problems.add("female_high and male_high must be positive", line=rec.line)
            continue
        aliases = _string_list(rec, "aliases", problems)
        out.append(PostPegAssay(name, aliases, female * info[1], male * info[1], info[0], source))
    return tuple(out)


def _bands(records: list[_Record], problems: _Problems) -> tuple[Band, ...]:
    bands: list[Band] = []
    for rec in records:
        _check_keys(rec, BAND_KEYS, "band", problems)
        name = _text(rec, "name", problems, required=True)
        lower = _non_negative(rec, "lower_ng_ml", problems, required=True)
        source = _text(rec, "source", problems, required=True)
        if name and name not in BAND_NAMES:
            problems.add(
                f"band {name!r} is not one of {', '.join(BAND_NAMES)}",
                line=rec.line_of("name"),
                field="name",
            )
        if lower is not None:
            bands.append(Band(name=name, lower_ng_ml=lower, source=source))
    names = tuple(band.name for band in bands)
    if not problems.items and names != BAND_NAMES:
        problems.add(f"the bands must be {', '.join(BAND_NAMES)} in this order", field="band")
    lowers = [band.lower_ng_ml for band in bands]
    if bands and (lowers[0] != 0 or any(b <= a for a, b in itertools.pairwise(lowers))):
        problems.add("band lower limits must start at 0 and rise strictly", field="lower_ng_ml")
    return tuple(bands)


def _threshold_values(
    data: Mapping[str, object], lines: _TomlLines, problems: _Problems
) -> dict[str, Threshold]:
    raw = data.get("threshold", {})
    if not isinstance(raw, dict):
        problems.add("'threshold' must hold [threshold.NAME] tables", field="threshold")
        return {}
    values: dict[str, Threshold] = {}
    for name, table in raw.items():
        header = lines.table(f"threshold.{name}")
        if not isinstance(table, dict):
            problems.add(f"threshold {name!r} must be a table", line=header, field=name)
            continue
        rec = lines.record(f"threshold.{name}", 0, table)
        _check_keys(rec, THRESHOLD_KEYS, f"threshold {name!r}", problems)
        value = _number(rec, "value", problems, required=True)
        unit = _text(rec, "unit", problems, required=True)
        source = _text(rec, "source", problems, required=True)
        note = _text(rec, "note", problems, required=False)
        if value is not None:
            values[name] = Threshold(name=name, value=value, unit=unit, source=source, note=note)
    for name in REQUIRED_THRESHOLDS:
        if name not in raw:
            problems.add(f"required threshold {name!r} is missing", field=name)
    return values


# =============================================================================== drug lexicon ===
def load_drugs(path: Path | None = None) -> tuple[Drug, ...]:
    """triage/data/drugs.toml (or path): the drug lexicon, validated."""
    return _load_lexicon(path)[1]


def load_drug_classes(path: Path | None = None) -> tuple[DrugClassInfo, ...]:
    """The [[class]] tables of triage/data/drugs.toml (or path), in their order, validated."""
    return _load_lexicon(path)[0]


def _load_lexicon(path: Path | None) -> tuple[tuple[DrugClassInfo, ...], tuple[Drug, ...]]:
    path = Path(path) if path is not None else resources.data_file("drugs.toml")
    return _load_lexicon_cached(str(path), _file_stamp(path))


@lru_cache(maxsize=16)
def _load_lexicon_cached(
    shown: str, stamp: tuple[str, int, int]
) -> tuple[tuple[DrugClassInfo, ...], tuple[Drug, ...]]:
    problems = _Problems(shown)
    data, lines = _drugs_document(shown, stamp)
    _check_top_level(data, ("class", "drug", *_DRUG_WORD_TABLES), lines, problems)
    for table in _DRUG_WORD_TABLES:  # optional in a lexicon of its own; checked when present
        if table in data:
            _drug_word_table(data, lines, table, problems, required=False)
    classes = _build_classes(_toml_tables(data, lines, "class", problems, array=True), problems)
    by_name = {c.name: c for c in classes}
    drugs = [
        drug
        for rec in _toml_tables(data, lines, "drug", problems, array=True)
        if (drug := _build_drug(rec, by_name, problems)) is not None
    ]
    if not drugs and not problems.items:
        problems.add("the lexicon has no [[drug]] entries")
    _check_drug_terms(drugs, problems)
    problems.raise_if_any()
    return tuple(classes), tuple(drugs)


@dataclass(frozen=True, slots=True)
class DrugWords:
    """The medication free-text vocabulary of drugs.toml: ``words[key]`` (words and phrases as
    written) and ``patterns[key]`` (regular expressions), each a list in the file's order."""

    words: Mapping[str, tuple[str, ...]]
    patterns: Mapping[str, tuple[str, ...]]


def load_drug_words(path: Path | None = None) -> DrugWords:
    """The [words] and [patterns] tables of triage/data/drugs.toml (or path), validated: every
    key of DRUG_WORD_KEYS / DRUG_PATTERN_KEYS, each a non-empty list of texts, each pattern a
    valid regular expression; a problem is a ConfigError naming the file, the line and the key."""
    path = Path(path) if path is not None else resources.data_file("drugs.toml")
    return _load_drug_words_cached(str(path), _file_stamp(path))


@lru_cache(maxsize=16)
def _load_drug_words_cached(shown: str, stamp: tuple[str, int, int]) -> DrugWords:
    problems = _Problems(shown)
    data, lines = _drugs_document(shown, stamp)
    tables = {
        table: _drug_word_table(data, lines, table, problems, required=True)
        for table in _DRUG_WORD_TABLES
    }
    problems.raise_if_any()
    return DrugWords(words=tables["words"], patterns=tables["patterns"])


def _drug_word_table(
    data: Mapping[str, object],
    lines: _TomlLines,
    table: str,
    problems: _Problems,
    *,
    required: bool,
) -> dict[str, tuple[str, ...]]:
    """One of drugs.toml's [words] / [patterns] tables, checked key by key."""
    keys = _DRUG_WORD_TABLES[table]
    raw = data.get(table)
    header = lines.table(table)
    if not isinstance(raw, dict):
        if raw is not None or required:
            what = "missing table" if raw is None else "must be a table:"
            problems.add(f"{what} [{table}]", line=header or lines.key(None, table), field=table)
        return {}
    found: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        where, name = lines.key(header, key) or header, f"{table}.{key}"
        if key not in keys:
            expected = ", ".join(sorted(keys))
            problems.add(
                f"unknown key '{key}' in [{table}] (expected: {expected})", line=where, field=name
            )
            continue
        items = value if isinstance(value, list) else None
        if not items or not all(isinstance(item, str) and item.strip() for item in items):
            problems.add(
                f"[{table}] '{key}' must be a non-empty list of non-empty texts",
                line=where,
                field=name,
            )
            continue
        if table == "patterns":
            for item in items:
                try:  # checked once per machine (regex_cache keeps what compiled)
                    compile_vocabulary(item)
                except re.error as exc:
                    problems.add(
                        f"[{table}] '{key}': bad regular expression {item!r}: {exc}",
                        line=where,
                        field=name,
                    )
        found[key] = tuple(str(item).strip() for item in items)
    if required:
        for key in sorted(keys - set(raw)):
            problems.add(
                f"[{table}] is missing the key '{key}'", line=header, field=f"{table}.{key}"
            )
    return found


@cache
def factor_codes() -> tuple[str, ...]:
    """Every factor code of output-contract §7 (with the bundled drugs.toml's classes; read once
    a process)."""
    return factor_codes_with(load_drug_classes())


def factor_codes_with(classes: Iterable[DrugClassInfo]) -> tuple[str, ...]:
    """schema.FACTOR_CODES with medication:<class> for each of `classes` that raises prolactin in
    place of DRUG_FACTORS."""
    drugs = tuple(DRUG_FACTOR_PREFIX + c.name for c in classes if c.effect == "raises")
    at = FACTOR_CODES.index(DRUG_FACTORS)
    return FACTOR_CODES[:at] + drugs + FACTOR_CODES[at + 1 :]


def _build_classes(records: Sequence[_Record], problems: _Problems) -> list[DrugClassInfo]:
    """The [[class]] tables: a name each (once), what its drugs do, and its words."""
    if not records and not problems.items:
        problems.add("the lexicon has no [[class]] entries", field="class")
    classes: dict[str, DrugClassInfo] = {}
    for rec in records:
        before = len(problems.items)
        _check_keys(rec, CLASS_KEYS, "class", problems)
        name = _text(rec, "name", problems, required=True)
        if name and not CLASS_NAME_RE.match(name):
            message = f"class name {name!r} must be lower case letters, digits and '_'"
            problems.add(message, line=rec.line_of("name"), field="name")
        if name in classes:
            message = f"class {name!r} is defined twice (line {classes[name].line})"
            problems.add(message, line=rec.line_of("name"), field="name")
        effect = _choice(rec, "effect", CLASS_EFFECTS, problems)
        label = _text(rec, "label", problems, required=effect == "raises")
        evidence = _text(rec, "evidence", problems, required=True)
        within = _text(rec, "within", problems, required=False)
        acute = _acute_rise(rec, problems)
        if len(problems.items) > before or not effect:
            continue
        effect_of = cast(ClassEffect, effect)
        classes[name] = DrugClassInfo(
            name, effect_of, label, evidence, rec.line or 0, within, acute
        )
    for info in classes.values():
        if info.within and info.within not in classes:
            message = f"class {info.name!r}: within {info.within!r} is not a class"
            problems.add(message, line=info.line, field="within")
    return list(classes.values())


def _acute_rise(rec: _Record, problems: _Problems) -> str:
    """A [[class]]'s or [[drug]]'s acute_rise ("" when not given), one of ACUTE_RISES."""
    acute = _text(rec, "acute_rise", problems, required=False)
    if acute and acute not in ACUTE_RISES:
        message = f"acute_rise {acute!r} is not one of {', '.join(ACUTE_RISES)}"
        problems.add(message, line=rec.line_of("acute_rise"), field="acute_rise")
    return acute


def _choice(rec: _Record, key: str, allowed: tuple[str, ...], problems: _Problems) -> str | None:
    text = _text(rec, key, problems, required=True)
    if text and text not in allowed:
        problems.add(
            f"{key} {text!r} is not one of {', '.join(allowed)}", line=rec.line_of(key), field=key
        )
        return None
    return text or None


def _build_drug(
    rec: _Record, classes: Mapping[str, DrugClassInfo], problems: _Problems
) -> Drug | None:
    before = len(problems.items)
    _check_keys(rec, DRUG_KEYS, "drug", problems)
    name = _text(rec, "name", problems, required=True)
    if name and name != name.lower():
        problems.add(f"name {name!r} must be lower case", line=rec.line_of("name"), field="name")
    drug_class = _choice(rec, "class", tuple(classes), problems)
    effect = _choice(rec, "effect", DRUG_EFFECTS, problems)
    frequency = _choice(rec, "frequency", FREQUENCIES, problems)
    atc = _string_list(rec, "atc", problems)
    for code in atc:
        if not ATC_RE.match(code):
            problems.add(f"ATC code {code!r} is malformed", line=rec.line_of("atc"), field="atc")
    typical_max = _non_negative(rec, "typical_max_ng_ml", problems, required=False)
    if "masks" not in rec.values:
        problems.add("missing 'masks'", line=rec.line, field="masks")
    masks = _boolean(rec, "masks", problems, default=False)
    source = _text(rec, "source", problems, required=True)
    if drug_class and effect:
        _check_drug_effect(rec, classes[drug_class], effect, masks, problems)
    acting = _text(rec, "acts_after_stop", problems, required=False)
    if acting and acting not in load_thresholds().values:
        message = f"acts_after_stop {acting!r} is not a threshold of thresholds.toml"
        problems.add(message, line=rec.line_of("acts_after_stop"), field="acts_after_stop")
    acute = _acute_rise(rec, problems)
    if len(problems.items) > before or not (drug_class and effect and frequency):
        return None
    return Drug(
        name=name,
        drug_class=drug_class,
        effect=cast(DrugEffect, effect),
        atc=atc,
        brands=_string_list(rec, "brands", problems),
        synonyms=_string_list(rec, "synonyms", problems),
        frequency=cast(Frequency, frequency),
        typical_max_ng_ml=typical_max,
        masks=masks,
        source=source,
        note=_text(rec, "note", problems, required=False),
        line=rec.line or 0,
        acts_after_stop=acting,
        within_class=classes[drug_class].within,
        misuse=_boolean(rec, "misuse", problems, default=False),
        acute_rise=acute or classes[drug_class].acute_rise,
    )


def _check_drug_effect(
    rec: _Record, drug_class: DrugClassInfo, effect: str, masks: bool, problems: _Problems
) -> None:
    if drug_class.effect != "none" and effect != drug_class.effect:
        message = f"class {drug_class.name!r} must have effect {drug_class.effect!r}"
        problems.add(message, line=rec.line_of("effect"))
    if masks and effect != "lowers":
        problems.add("only a drug that lowers prolactin can mask", line=rec.line_of("masks"))


def drug_term_key(term: str) -> str:
    """How a drug term is compared: lower case, letters and digits only ("L-dopa" -> "ldopa")."""
    return "".join(re.findall(r"[^\W_]+", term.casefold()))


def _check_drug_terms(drugs: Sequence[Drug], problems: _Problems) -> None:
    owner: dict[str, Drug] = {}
    for drug in drugs:
        for term in (drug.name, *drug.brands, *drug.synonyms):
            key = drug_term_key(term)
            if not key:
                problems.add(f"empty term {term!r}", line=drug.line, field="synonyms")
                continue
            other = owner.setdefault(key, drug)
            if other is not drug:
                problems.add(
                    f"term {term!r} of {drug.name!r} is also a term of {other.name!r} "
                    f"(line {other.line})",
                    line=drug.line,
                    field="brands",
                )


# ================================================================================= knowledge ====
def load_knowledge(
    ranges: str | Path = DEFAULT_SET_NAME, *, extra_dirs: Sequence[Path] = ()
) -> Knowledge:
    """Everything the engine needs: the chosen set, the default set, the assay sets, thresholds
    and drugs.  Cached per set of files (path, mtime, size): call it as often as convenient."""
    paths = reference_set_paths(extra_dirs)
    chosen = _resolve_set(ranges, extra_dirs)
    bundled = resources.bundled_dir("reference_ranges").resolve()
    stamps = tuple(
        (name, _file_stamp(path), path.parent.resolve() == bundled)
        for name, path in sorted(paths.items())
    )
    thresholds = resources.data_file("thresholds.toml")
    drugs = resources.data_file("drugs.toml")
    return _knowledge_cached(
        str(chosen),
        _file_stamp(chosen),
        stamps,
        (str(thresholds), _file_stamp(thresholds)),
        (str(drugs), _file_stamp(drugs)),
    )


@lru_cache(maxsize=32)
def _knowledge_cached(
    chosen: str,
    chosen_stamp: tuple[str, int, int],
    sets: tuple[tuple[str, tuple[str, int, int], bool], ...],
    thresholds: tuple[str, tuple[str, int, int]],
    drugs: tuple[str, tuple[str, int, int]],
) -> Knowledge:
    loaded = {name: _load_set_cached(stamp[0], stamp) for name, stamp, _ in sets}
    bundled = {name for name, _, is_bundled in sets if is_bundled}
    reference = _load_set_cached(chosen, chosen_stamp)
    if DEFAULT_SET_NAME not in loaded:
        raise ConfigError(DEFAULT_SET_NAME, "the default reference set is missing")
    if reference.assay:
        loaded[reference.name] = reference
        bundled.discard(reference.name)
    assay_sets = _assay_sets(loaded, bundled)
    lexicon = _load_lexicon_cached(*drugs)[1]
    return Knowledge(
        reference_set=reference,
        default_set=loaded[DEFAULT_SET_NAME],
        assay_sets=assay_sets,
        thresholds=_load_thresholds_cached(*thresholds),
        drugs=lexicon,
    )


def _assay_sets(loaded: Mapping[str, ReferenceSet], bundled: set[str]) -> dict[str, ReferenceSet]:
    """Sets with an assay.  An alias claimed by a lab's own set is dropped from a bundled set;
    two of the lab's sets (or two bundled sets) claiming one alias is an error."""
    with_assay = {name: s for name, s in sorted(loaded.items()) if s.assay}
    owner: dict[str, str] = {}
    drop: dict[str, set[str]] = {}
    ordered = sorted(with_assay, key=lambda name: name in bundled)  # lab sets first
    for name in ordered:
        for term in (name, *with_assay[name].aliases):
            key = _assay_key(term)
            first = owner.setdefault(key, name)
            if first == name:
                continue
            if name in bundled and first not in bundled:
                drop.setdefault(name, set()).add(term)
                continue
            raise ConfigError(
                with_assay[name].path,
                f"alias {term!r} is also used by the set {first!r} ({with_assay[first].path})",
                field="aliases",
            )
    for name, terms in drop.items():
        kept = tuple(alias for alias in with_assay[name].aliases if alias not in terms)
        with_assay[name] = dataclasses.replace(with_assay[name], aliases=kept)
    return with_assay


# ============================================================================ assay matching ====
def _assay_key(term: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", term.casefold()))


def find_assay_set(text: str | None, assay_sets: Mapping[str, ReferenceSet]) -> ReferenceSet | None:
    """The assay set whose name or alias appears in a row's assay text ("Roche cobas e801",
    "Architect i2000SR", "roche_elecsys"); None when none or more than one set matches."""
    if not text or not text.strip():
        return None
    index = tuple(sorted((name, s.aliases) for name, s in assay_sets.items()))
    name = _match_assay(text, index)
    return assay_sets.get(name) if name else None


def find_post_peg_assay(text: str | None, assays: Sequence[PostPegAssay]) -> PostPegAssay | None:
    """The assay without a set (thresholds.toml [[post_peg_assay]]) whose name or alias appears
    in a row's assay text ("Tosoh AIA-900"), matched as `find_assay_set` matches a set; None
    when none or more than one does."""
    if not text or not text.strip() or not assays:
        return None
    name = _match_assay(text, tuple(sorted((a.name, a.aliases) for a in assays)))
    return next((a for a in assays if a.name == name), None)


@lru_cache(maxsize=4096)
def _match_assay(text: str, index: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    pattern, owners = _assay_pattern(index)
    # keyed without spaces: a term's words may be written together ("DxI800", "AIA900")
    hits = {owners[_compact(found.group(0))] for found in pattern.finditer(text)}
    return hits.pop() if len(hits) == 1 else None


def _compact(term: str) -> str:
    return "".join(_assay_key(term).split())


@lru_cache(maxsize=16)
def _assay_pattern(
    index: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[re.Pattern[str], dict[str, str]]:
    owners: dict[str, str] = {}
    keys: dict[str, str] = {}
    for name, aliases in index:
        for term in (name, *aliases):
            keys.setdefault(_assay_key(term), name)
            owners.setdefault(_compact(term), name)
    alternatives = sorted(keys, key=len, reverse=True)
    body = "|".join(r"[\W_]*".join(map(re.escape, key.split())) for key in alternatives)
    return re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])", re.IGNORECASE), owners
