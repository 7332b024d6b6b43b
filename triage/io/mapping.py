"""The column mapping file (output-contract §3): fixes what automatic recognition cannot.

```toml
[columns]            # canonical field = header text in the file
prolactin = "PRL result"
[defaults]           # values for fields the file lacks (and for its blank cells)
prolactin_unit = "mIU/L"
assay = "roche_elecsys"
conversion_factor = 21.2   # mIU/L per ng/mL for this lab's assay
[input]
sheet = "Results"    # sheet name, or 1-based position (2: the second sheet)
header_row = 4       # 1-based
decimal = ","        # the export's decimal mark, when its numbers do not show it
date_origin = 1960-01-01  # the day date numbers count from (Stata %td, SAS); default Excel's
[tests]              # long exports: the lab's own test codes (or names) -> what they measure
"4711" = "prolactin"
"4712" = "tsh"
[values.sex]         # research exports: the export's codes -> what they mean
"1" = "F"
"2" = "M"
[values.prolactin_unit]
"1" = "ng/mL"
"2" = "mIU/L"
```
``[tests]`` values: ``prolactin``, ``tsh``, ``free_t4``, ``egfr``, ``creatinine``, ``hcg``,
``macroprolactin_recovery_pct``, ``macroprolactin_pct`` (percent macroprolactin) and
``monomeric_prolactin``; a row whose test code or test name is one of the keys (compared without
case, spaces or punctuation) is that test, before LOINC codes and the built-in names are tried.
Besides the canonical fields, ``[columns]`` accepts the reader's own fields ``specimen_id``
(sample / lab number used to group long exports), ``loinc``, ``collected_time`` and
``macroprolactin_pct`` (percent macroprolactin, stored as recovery = 100 - value).
``[values.<field>]`` recodes the cells of one field's column before they are read (a cell equal
to a key, compared as written and then without case or spaces, becomes the value; ``""`` makes it
empty).  The values are checked: a sex must read as female or male, a unit as a prolactin unit,
a yes/no field as yes, no or unknown, a number field as a number.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Final

from triage import resources
from triage.columns import known_fields
from triage.schema import FLAG_FIELDS, INPUT_FIELDS, NUMERIC_CONTEXT_FIELDS, ConfigError
from triage.values import (
    format_number,
    is_unknown_word,
    normalise_unit,
    parse_number,
    parse_sex,
    parse_yes_no,
)

DefaultValue = str | float | int | bool

SECTIONS: Final = ("columns", "defaults", "input", "tests", "values")
TEST_FIELDS: Final = (
    "prolactin",
    "tsh",
    "free_t4",
    "egfr",
    "creatinine",
    "hcg",
    "macroprolactin_recovery_pct",
    "macroprolactin_pct",
    "monomeric_prolactin",
)
INPUT_KEYS: Final = ("sheet", "header_row", "decimal", "date_origin")
DECIMAL_MARKS: Final = (",", ".")
NOT_RECODED: Final = frozenset({"prolactin", "result"})  # results are never recoded
NOT_DEFAULTABLE: Final = frozenset({"prolactin", "result", "test", "test_code"})
NUMERIC_DEFAULTS: Final = frozenset(
    (*NUMERIC_CONTEXT_FIELDS, "reference_low", "reference_high", "conversion_factor")
)


@dataclass(frozen=True)
class ColumnMapping:
    """A parsed mapping file."""

    columns: Mapping[str, str] = field(default_factory=dict)  # field -> header text
    defaults: Mapping[str, DefaultValue] = field(default_factory=dict)
    sheet: str | int | None = None  # name, or 0-based index like ReadOptions.sheet
    header_row: int | None = None  # 1-based
    source: str = ""  # the mapping file's name, for messages
    tests: Mapping[str, str] = field(default_factory=dict)  # local test code -> TEST_FIELDS
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # field -> code -> text
    decimal: str | None = None  # the export's decimal mark ("," or "."); None: read from it
    # the day the date columns' numbers count from (Stata's and SAS's 1960-01-01); None: Excel's
    date_origin: date | None = None

    @property
    def conversion_factor(self) -> float | None:
        """mIU/L per ng/mL given for this lab's assay, if any."""
        value = self.defaults.get("conversion_factor")
        return float(value) if isinstance(value, int | float) else None


def load_mapping(path: Path) -> ColumnMapping:
    """Read and check a mapping file; ConfigError (file, line, field) when it is wrong."""
    name = str(path)
    try:
        text = resources.decode_text_file(path.read_bytes())
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(name, f"cannot read the mapping file: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _error_line(str(exc))
        raise ConfigError(name, f"not valid TOML: {exc}", line=line) from None
    lines = text.splitlines()
    for section in data:
        if section not in SECTIONS:
            raise ConfigError(
                name,
                f"unknown section [{section}] (expected {', '.join(f'[{s}]' for s in SECTIONS)})",
                line=_line_of(lines, rf"\[\s*{re.escape(section)}\s*\]"),
                field=section,
            )
        if not isinstance(data[section], dict):
            raise ConfigError(
                name, f"{section} must be a table", line=_key_line(lines, section), field=section
            )
    columns = _columns(name, lines, data.get("columns", {}))
    defaults = _defaults(name, lines, data.get("defaults", {}))
    sheet, header_row, decimal = _input(name, lines, data.get("input", {}))
    tests = _tests(name, lines, data.get("tests", {}))
    values = _values(name, lines, data.get("values", {}))
    origin = _date_origin(name, lines, data.get("input", {}).get("date_origin"))
    return ColumnMapping(
        columns,
        defaults,
        sheet,
        header_row,
        path.name,
        tests,
        values,
        decimal=decimal,
        date_origin=origin,
    )


def _date_origin(name: str, lines: list[str], value: object) -> date | None:
    """[input] date_origin: a TOML date (1960-01-01) or the same as text."""
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(
        name,
        "date_origin must be a date, year-month-day (1960-01-01: the day Stata %td and SAS date "
        "numbers count from)",
        line=_key_line(lines, "date_origin"),
        field="date_origin",
    )


def _values(name: str, lines: list[str], table: dict[str, object]) -> dict[str, dict[str, str]]:
    """[values.<field>]: the export's codes of one field -> the text they stand for."""
    allowed = known_fields()
    out: dict[str, dict[str, str]] = {}
    for key, codes in table.items():
        header = _line_of(lines, rf"^\s*\[\s*values\s*\.\s*[\"']?{re.escape(key)}[\"']?\s*\]")
        if key not in allowed or key in NOT_RECODED:
            raise ConfigError(
                name,
                f"[values.{key}]: {key!r} is not a field whose codes can be recoded",
                line=header or _key_line(lines, key),
                field=key,
            )
        if not isinstance(codes, dict):
            raise ConfigError(
                name,
                f'[values.{key}] must be a table of codes ("1" = "...")',
                line=header or _key_line(lines, key),
                field=key,
            )
        recoded: dict[str, str] = {}
        for code, value in codes.items():
            line = _key_line_after(lines, code, header)
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise ConfigError(
                    name, f"[values.{key}] {code!r} must be a text", line=line, field=key
                )
            text = value if isinstance(value, str) else format_number(float(value))
            problem = _recode_problem(key, text)
            if not str(code).strip() or problem:
                raise ConfigError(
                    name,
                    f"[values.{key}] {code!r} = {text!r}: "
                    f"{problem or 'the code must not be empty'}",
                    line=line,
                    field=key,
                )
            recoded[str(code)] = text
        out[key] = recoded
    return out


def _recode_problem(key: str, text: str) -> str | None:
    """Why ``text`` cannot be what a code of field ``key`` stands for, or None."""
    if not text.strip():
        return None  # "" = the code means missing
    if key in ("prolactin_unit", "unit") and normalise_unit(text) is None:
        return "not a prolactin unit (ng/mL, µg/L, mIU/L, µIU/mL, IU/L)"
    if key == "sex" and parse_sex(text) is None:
        return "not a sex (F, M, female, male)"
    if (
        key in FLAG_FIELDS
        and parse_yes_no(text, key, strict=True) is None
        and not (is_unknown_word(text))
    ):
        return "not yes, no or unknown"
    if key in NUMERIC_DEFAULTS and parse_number(text) is None:
        return "not a number"
    return None


def _tests(name: str, lines: list[str], table: dict[str, object]) -> dict[str, str]:
    """[tests]: local test code -> the test it is (one of TEST_FIELDS)."""
    out: dict[str, str] = {}
    for key, value in table.items():
        line = _key_line(lines, key)
        if not str(key).strip():
            raise ConfigError(name, "a test code must not be empty", line=line, field=key)
        if not isinstance(value, str) or value not in TEST_FIELDS:
            raise ConfigError(
                name,
                f"[tests] {key!r} must name one of {', '.join(TEST_FIELDS)}",
                line=line,
                field=key,
            )
        out[str(key)] = value
    return out


def _columns(name: str, lines: list[str], table: dict[str, object]) -> dict[str, str]:
    allowed = known_fields()
    out: dict[str, str] = {}
    for key, value in table.items():
        if key not in allowed:
            raise ConfigError(
                name, f"unknown field {key!r} in [columns]", line=_key_line(lines, key), field=key
            )
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(
                name, "the header must be a non-empty string", line=_key_line(lines, key), field=key
            )
        out[key] = value
    return out


def _defaults(name: str, lines: list[str], table: dict[str, object]) -> dict[str, DefaultValue]:
    allowed = (frozenset(INPUT_FIELDS) - NOT_DEFAULTABLE) | {"conversion_factor"}
    out: dict[str, DefaultValue] = {}
    for key, value in table.items():
        line = _key_line(lines, key)
        if key not in allowed:
            raise ConfigError(name, f"unknown field {key!r} in [defaults]", line=line, field=key)
        if not isinstance(value, str | int | float | bool):
            raise ConfigError(
                name, "a default must be a string, number or boolean", line=line, field=key
            )
        if key in NUMERIC_DEFAULTS and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            raise ConfigError(name, "must be a number", line=line, field=key)
        if key == "conversion_factor" and not (
            isinstance(value, int | float) and math.isfinite(value) and value > 0
        ):
            raise ConfigError(
                name, "must be a positive number (mIU/L per ng/mL)", line=line, field=key
            )
        if key in ("prolactin_unit", "unit") and normalise_unit(value) is None:
            raise ConfigError(
                name,
                f"{value!r} is not a prolactin unit (ng/mL, µg/L, mIU/L, µIU/mL, IU/L)",
                line=line,
                field=key,
            )
        out[key] = value
    return out


def _input(
    name: str, lines: list[str], table: dict[str, object]
) -> tuple[str | int | None, int | None, str | None]:
    for key in table:
        if key not in INPUT_KEYS:
            raise ConfigError(
                name, f"unknown key {key!r} in [input]", line=_key_line(lines, key), field=key
            )
    sheet = table.get("sheet")
    bad_number = isinstance(sheet, int) and not isinstance(sheet, bool) and sheet < 1
    if sheet is not None and (
        isinstance(sheet, bool) or not isinstance(sheet, str | int) or bad_number
    ):
        raise ConfigError(
            name,
            "sheet must be a name or a 1-based number",
            line=_key_line(lines, "sheet"),
            field="sheet",
        )
    header_row = table.get("header_row")
    if header_row is not None and (
        isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1
    ):
        raise ConfigError(
            name,
            "header_row must be a whole number from 1",
            line=_key_line(lines, "header_row"),
            field="header_row",
        )
    decimal = table.get("decimal")
    if decimal is not None and decimal not in DECIMAL_MARKS:
        raise ConfigError(
            name,
            'decimal must be "," or "." (the mark the export writes before the decimals)',
            line=_key_line(lines, "decimal"),
            field="decimal",
        )
    if isinstance(sheet, int):
        sheet = sheet - 1  # the file counts from 1, ReadOptions from 0
    return sheet, header_row, decimal if isinstance(decimal, str) else None


def _error_line(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def _line_of(lines: list[str], pattern: str) -> int | None:
    regex = re.compile(pattern)
    for number, line in enumerate(lines, start=1):
        if regex.search(line):
            return number
    return None


def _key_line_after(lines: list[str], key: str, start: int | None) -> int | None:
    """The line of ``key`` in the table whose header is on line ``start``."""
    if start is None:
        return _key_line(lines, key)
    found = _key_line(lines[start:], key)
    return None if found is None else found + start


def _key_line(lines: list[str], key: str) -> int | None:
    quoted = re.escape(key)
    return _line_of(lines, rf"^\s*(?:{quoted}|\"{quoted}\"|'{quoted}')\s*=")
