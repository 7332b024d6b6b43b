"""Cell values as labs write them: numbers, qualifiers, flags, units, intervals, yes/no, dates.

Pure functions of one cell (``parse_*``) plus a few vectorised helpers for whole columns
(``map_distinct`` parses each distinct cell once).  The words, unit spellings and plausibility
limits come from ``triage/data/synonyms.toml``; nothing here knows a clinical rule.

A cell is whatever a reader produced: ``str`` (csv, text cells), ``float``/``int``/``bool``
(numeric cells), ``datetime``/``date``/``time``/``timedelta`` (date cells) or ``None``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from functools import cache, lru_cache
from itertools import pairwise
from typing import Any, Final, NamedTuple, TypeVar

import numpy as np
import pandas as pd

from triage import toml_cache
from triage.numbers import (
    DAYS_PER_WEEK,
    DAYS_PER_YEAR,
    MONTHS_PER_YEAR,
    NS_PER_DAY,
    thousands_apostrophes_unified,
)
from triage.regex_cache import compile_vocabulary, prefix_trie
from triage.resources import data_file
from triage.transliteration import pattern as with_ascii_spellings
from triage.transliteration import vocabulary

T = TypeVar("T")

CANONICAL_UNITS: Final[tuple[str, str]] = ("ng/mL", "mIU/L")
_EXCEL_EPOCH: Final = datetime(1899, 12, 30)
# Days from the 1900 system's day 0 to the 1904 system's (Mac Excel, workbookPr date1904): a
# serial of a 1904 workbook plus this is the 1900 serial of the same day.
EXCEL_1904_SHIFT: Final = (datetime(1904, 1, 1) - _EXCEL_EPOCH).days
_EXCEL_SERIAL_RANGE: Final = (1.0, 2958466.0)  # 1900-01-01 .. 9999-12-31
# Day 0 of Stata's %td dates and SAS date values (also SPSS-era cohort files' day counts)
STATA_SAS_ORIGIN: Final = date(1960, 1, 1)


def serial_shift(origin: date) -> float:
    """Days to add to a day number counted from ``origin`` to make it an Excel (1900 system)
    serial of the same day: 21916 for Stata's and SAS's 1960-01-01."""
    return float((datetime(origin.year, origin.month, origin.day) - _EXCEL_EPOCH).days)


def serial_day(serial: float) -> date:
    """The day an Excel (1900 system) serial number stands for."""
    return (_EXCEL_EPOCH + timedelta(days=math.floor(serial))).date()


_DAYS_PER_YEAR: Final = DAYS_PER_YEAR
# Distinct texts a per-text reading keeps the answer of (medication items, cells): a run's
# rows repeat a few thousand; bounded, so a million distinct ones cost no more memory.
TEXT_CACHE_SIZE: Final = 1 << 16
_DAYS_PER_WEEK: Final = DAYS_PER_WEEK
_MONTHS_PER_YEAR: Final = MONTHS_PER_YEAR
_MONTHS_IN_YEAR: Final = 12
# The years a datetime64[ns] column holds whole (it holds 1677-09-21 .. 2262-04-11).
FRAME_YEARS: Final = (1678, 2261)


# ------------------------------------------------------------------------------------------------
# Vocabulary (triage/data/synonyms.toml)
# ------------------------------------------------------------------------------------------------
@cache
def synonyms_data() -> dict[str, Any]:
    """The parsed synonyms.toml (cached; treat as read-only), every German word also in its
    ASCII spelling ("Schilddruese", "maennlich": triage.transliteration)."""
    return vocabulary(toml_cache.loads(data_file("synonyms.toml").read_bytes().decode()))


# An ICD-10 code as a cell or a coding may hold it: "H53.4", "R51", an ICD-10-CM code more
# detailed than the WHO's ("H53.47", "R51.9", "O09.511", "O36.5930"), one whose category ends in a
# letter ("Z3A.12", "O9A.11"), or one written without its dot ("H534").
_ICD10_CODE: Final = re.compile(r"([A-Z]\d[\dA-Z])\.?([\dA-Z]{0,4})")


@cache
def _coded_ranges() -> tuple[tuple[str, str, str], ...]:
    """synonyms.toml [coded_condition_ranges]: (first, last, words) of ICD-10 category ranges."""
    table = synonyms_data().get("coded_condition_ranges", {})
    return tuple((*key.upper().split("-", 1), str(words)) for key, words in table.items())


@lru_cache(maxsize=4096)
def coded_words(code: str) -> str:
    """The words for a clinical code sent without its text (synonyms.toml [coded_conditions]:
    SNOMED CT concept ids, ICD-10 codes, LOINC answer codes), "" when it is not listed.  An ICD-10
    code more detailed than the one listed takes its parent's words ("H53.47", heteronymous
    field defects: those of H53.4, visual field defects; "R51.9": R51, headache), and one written
    without its dot is that code ("H534"); a parent is never guessed beyond the codes listed.
    A code none of whose parents is listed takes the words of the category range that holds it
    ([coded_condition_ranges]: "O21.0" in O09-O84, pregnant; "O86.4" in O85-O92, postpartum)."""
    table = synonyms_data().get("coded_conditions", {})
    key = code.strip()
    found = table.get(key) or table.get(key.upper())
    if found or not key:
        return str(found or "")
    icd = _ICD10_CODE.fullmatch(key.upper())
    if icd is None:
        return ""
    head, digits = icd.groups()
    while True:
        found = table.get(f"{head}.{digits}" if digits else head)
        if found or not digits:
            break
        digits = digits[:-1]
    if found:
        return str(found)
    return next((words for a, b, words in _coded_ranges() if a <= head <= b), "")


DOUBTED, EXCLUDED = "doubted", "excluded"  # a diagnosis's certainty (diagnosis_certainty)


@cache
def _certainties() -> dict[str, dict[str, str]]:
    """Scheme ("fhir", "icd10gm") -> code (upper case) -> DOUBTED | EXCLUDED
    (synonyms.toml [diagnosis_certainty])."""
    table = synonyms_data()["diagnosis_certainty"]
    found: dict[str, dict[str, str]] = {}
    for key, codes in table.items():
        scheme, _, kind = key.rpartition("_")
        if kind in (DOUBTED, EXCLUDED) and isinstance(codes, list):
            found.setdefault(scheme, {}).update({str(c).upper(): kind for c in codes})
    return found


def diagnosis_certainty(scheme: str, code: str) -> str:
    """What a certainty code of ``scheme`` says of its diagnosis: DOUBTED (FHIR provisional,
    differential, unconfirmed; ICD-10-GM V), EXCLUDED (FHIR refuted; ICD-10-GM A)
    or "" (established, or not a certainty code)."""
    return _certainties().get(scheme, {}).get(code.strip().upper(), "")


@cache
def _certainty_letter() -> re.Pattern[str]:
    letters = "".join(synonyms_data()["diagnosis_certainty"]["icd10gm_letters"])
    return compile_vocabulary(
        rf"\s*(?P<code>[A-Z]\d\d(?:\.\w*)?[!*+†]?)\s+(?P<letter>[{letters}])\s*"
    )


def split_certainty(code: str) -> tuple[str, str]:
    """(the code, its certainty) of an ICD-10 code written with its ICD-10-GM certainty letter
    after it ("N18.5 V": ("N18.5", DOUBTED); "E22.1 A": EXCLUDED; "D35.2 G": ""); any other code
    as written, with ""."""
    found = _certainty_letter().fullmatch(code.upper())
    if found is None:
        return code, ""
    return found["code"], diagnosis_certainty("icd10gm", found["letter"])


def with_code_words(words: str, text: str) -> str:
    """A diagnosis's text with the words of its code before it (the code is the authority; the
    text adds to it): "disorder of the optic chiasm (chiasmal field defect); Affektionen des
    Chiasma opticum".  Either alone when the other is empty, the text alone when it already
    says the words ("Pregnant state, incidental")."""
    if not words or not text:
        return text or words
    if normalise_word(words) in normalise_word(text):
        return text
    return f"{words}; {text}"


_CODES_NAMED: Final = 10  # a warning names this many codes, then counts the rest


def doubted_diagnoses_warning(diagnoses: Iterable[str]) -> str:
    """The warning naming the diagnoses a file sent as not established (suspected,
    provisional, differential, unconfirmed: diagnosis_certainty DOUBTED), which were not read."""
    named = list(dict.fromkeys(diagnoses))
    extra = len(named) - _CODES_NAMED
    listed = "; ".join(repr(d) for d in named[:_CODES_NAMED]) + (
        f" and {extra} more" if extra > 0 else ""
    )
    return (
        f"diagnosis(es) sent as not established (suspected, provisional, differential or "
        f"unconfirmed): {listed}; not read as a state, a factor or a red flag (check them by hand)"
    )


def unread_codes_warning(codes: Iterable[str]) -> str:
    """The warning naming the diagnosis codes a file sent without text and whose words
    synonyms.toml [coded_conditions] does not list (each once, in order; the first ten)."""
    named = list(dict.fromkeys(codes))
    extra = len(named) - _CODES_NAMED
    listed = ", ".join(named[:_CODES_NAMED]) + (f" and {extra} more" if extra > 0 else "")
    return (
        f"diagnosis code(s) sent without text and not known to this tool: {listed}; "
        "not read as a state or a red flag (check them by hand)"
    )


def normalise_word(text: str) -> str:
    """Lower case, accents removed, spaces collapsed, trailing punctuation dropped."""
    if text.isascii():  # nothing to decompose or to drop
        return " ".join(text.lower().split()).strip(" .:;!")
    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    return " ".join(plain.split()).strip(" .:;!")


@dataclass(frozen=True, slots=True)
class _Words:
    empty: frozenset[str]
    missing_result: frozenset[str]
    qualifiers: dict[str, str]
    qualifier_spellings: tuple[str, ...]  # longest first
    flags: frozenset[str]
    true: frozenset[str]
    false: frozenset[str]
    unknown: frozenset[str]
    false_prefixes: tuple[str, ...]
    unknown_prefixes: tuple[str, ...]
    unknown_codes: frozenset[str]  # a form's codes for "unknown" ("9", "99", "-9")
    current_negations: re.Pattern[str] | None  # whole-word phrases that negate the present
    past_words: re.Pattern[str] | None  # whole-word phrases that speak of the past
    field_words: dict[str, dict[str, frozenset[str]]]
    female: frozenset[str]
    male: frozenset[str]
    honorifics: frozenset[str]  # titles read as a sex, never interval labels
    groups: dict[str, str]  # interval group phrase ("non pregnant") -> group name


def _phrases(items: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern matching any of the phrases as whole words (after ``normalise_word``)."""
    words = sorted({normalise_word(i) for i in items if i.strip()}, key=len, reverse=True)
    if not words:
        return None
    spaced = (r"\W+".join(re.escape(part) for part in re.split(r"\W+", w) if part) for w in words)
    return re.compile(r"(?<!\w)(?:" + "|".join(spaced) + r")(?!\w)")


def _word_set(items: Iterable[str]) -> frozenset[str]:
    return frozenset(normalise_word(item) for item in items) | frozenset(items)


@cache
def _words() -> _Words:
    values = synonyms_data()["values"]
    yes_no = values["yes_no"]
    qualifiers: dict[str, str] = {}
    for qualifier, spellings in values["qualifiers"].items():
        for spelling in spellings:
            qualifiers[_qualifier_key(spelling)] = qualifier
    field_words = {
        field: {kind: _word_set(words) for kind, words in kinds.items()}
        for field, kinds in values["yes_no_field_words"].items()
    }
    return _Words(
        empty=_word_set(values["empty"]),
        missing_result=_word_set(
            [*values["missing_result"], *values["missing_result_or_not_detected"]]
        ),
        qualifiers=qualifiers,
        qualifier_spellings=tuple(sorted((q for q in qualifiers if q), key=len, reverse=True)),
        flags=frozenset(_flag_directions()),
        true=_word_set(yes_no["true"]),
        false=_word_set(yes_no["false"]),
        unknown=_word_set(yes_no["unknown"]),
        false_prefixes=tuple(p.lower() for p in yes_no["false_prefixes"]),
        unknown_prefixes=tuple(p.lower() for p in yes_no["unknown_prefixes"]),
        unknown_codes=frozenset(str(c) for c in yes_no.get("unknown_codes", [])),
        current_negations=_phrases(yes_no.get("current_negations", [])),
        past_words=_phrases(yes_no.get("past_words", [])),
        field_words=field_words,
        female=_word_set(
            [
                *values["sex"]["female"],
                *values["sex"].get("honorific_female", []),
                *values["sex"].get("female_abbreviations", []),
            ]
        ),
        male=_word_set(
            [
                *values["sex"]["male"],
                *values["sex"].get("honorific_male", []),
                *values["sex"].get("male_abbreviations", []),
            ]
        ),
        honorifics=_word_set(
            [*values["sex"].get("honorific_female", []), *values["sex"].get("honorific_male", [])]
        ),
        groups={
            _group_key(phrase): group
            for group, phrases in values["sex"].get("interval_groups", {}).items()
            for phrase in phrases
        },
    )


def _group_key(text: str) -> str:
    """A label phrase as compared with [values.sex.interval_groups]: words joined by spaces."""
    return " ".join(re.findall(r"[^\W\d_]+", normalise_word(text)))


# ------------------------------------------------------------------------------------------------
# Cells as text
# ------------------------------------------------------------------------------------------------
PERCENT_FULL: Final = 100.0
_FLIPPED: Final = {"<": ">", ">": "<"}


@cache
def _percent_header_words() -> frozenset[str]:
    words = synonyms_data()["values"]["percent_header_words"]
    return frozenset(normalise_word(w) for w in words)


def header_says_percent(header: str) -> bool:
    """A header (or its bracketed unit) that says its bare numbers are percentages: a "%"
    anywhere ("% macroprolactin", "Macroprolactin (%)") or a percent word of synonyms.toml
    [values] percent_header_words in any of the six languages ("macro_pct", "Prozent")."""
    if "%" in header:
        return True
    words = re.findall(r"[^\W\d_]+", normalise_word(header.replace("_", " ")))
    pairs = [" ".join(pair) for pair in pairwise(words)]
    return bool(_percent_header_words() & {*words, *pairs})


@cache
def _fraction_unit_words() -> frozenset[str]:
    return frozenset(normalise_word(w) for w in synonyms_data()["values"]["fraction_unit_words"])


def fraction_of_one(value: float, unit: str, *, bare: bool) -> bool:
    """Whether a PEG recovery or a share of macroprolactin, written with ``unit`` (the cell's
    or the row's; "" none), is a fraction of 1 to be read x 100 (the one rule of every input
    shape):

    - written in percent ("%", "Prozent": ``header_says_percent``): never;
    - written in a fraction unit ("ratio", "1": synonyms.toml [values] fraction_unit_words):
      when x 100 it is a plausible recovery ([plausibility.context.macroprolactin_recovery_pct]);
    - written without either: above 0 and at most 1 when ``bare`` (a PEG recovery: no recovery
      is 1 % or less, and the larger reading only makes macroprolactin less likely; a share of
      macroprolactin only when its column says so, wide.py ``_percents``)."""
    if not value > 0 or header_says_percent(unit):
        return False
    if normalise_word(unit) in _fraction_unit_words():
        limits = context_ranges().get("macroprolactin_recovery_pct")
        return limits is None or value * PERCENT_FULL <= limits.high
    return bare and value <= 1


def complement_percent(value: float, qualifier: str) -> tuple[float, str]:
    """A percentage as the rest of 100, its < or > turned round: a share precipitated by PEG
    as the share recovered ("<20% precipitated": more than 80% recovered)."""
    return PERCENT_FULL - value, _FLIPPED.get(qualifier, qualifier)


# Whole numbers up to this are exact in a float: written with all their digits (a 16-digit
# record number stored as a number is no "1.23456789012346e+15").
_EXACT_INTEGERS: Final = 2**53


def format_number(value: float) -> str:
    """A number as a person would write it: 10.2, 33562 (no trailing .0)."""
    if math.isfinite(value) and value == int(value) and abs(value) < _EXACT_INTEGERS:
        return str(int(value))
    return format(value, ".15g")


# A number as HL7 v2 types it (NM, 2.A.47): an optional sign, digits, an optional "." and digits.
_TYPED_NUMBER: Final = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")


class FormatNumber(float):
    """A result cell that its format types as a number, kept with the text it was written in.

    HL7 v2 NM values and FHIR JSON numbers write "." as the decimal mark, so such a cell is read
    so whatever other cells of the file show (a "25,3" in another message never turns an NM
    "12.500" into 12500), and it is no evidence of the file's mark for text cells (an ST
    "6.000" is read as a table cell is).  ``exact``: the format fixes the value beyond doubt (a
    JSON number, parsed as one).  Otherwise (HL7 NM, a text field a lab system may fill in its
    locale) a "." before three digits ("6.000") may still group thousands: the table reader
    rejects such a cell as ``ambiguous_decimal_mark`` when its two readings fall on either
    side of the urgent level, as it does a text cell in a file that does not show its mark
    (io/wide.py, ``_undecided_urgent``); in mIU/L, which is reported in whole numbers, "4.750"
    is 4750 unless the column's typed mIU/L numbers show "." as their decimal mark
    (``_whole_typed_miu``).  Equal only to a cell of the same value and text."""

    __slots__ = ("exact", "text")
    text: str
    exact: bool

    def __new__(cls, value: float, text: str, exact: bool = False) -> FormatNumber:
        made = super().__new__(cls, value)
        made.text = text
        made.exact = exact
        return made

    def __str__(self) -> str:  # the cell as written ("6.000", not 6.0)
        return self.text

    def __reduce__(self) -> tuple[type[FormatNumber], tuple[float, str, bool]]:
        return FormatNumber, (float(self), self.text, self.exact)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FormatNumber)
            and float(self) == float(other)
            and (self.text, self.exact) == (other.text, other.exact)
        )

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((float(self), self.text, self.exact))


def typed_number(text: str, *, exact: bool = False) -> object:
    """A cell its format types as a number: a FormatNumber when ``text`` is one as HL7 NM
    writes it ("12.5", "6.000", "-3"), else the text itself (an NM "12,5" or "6,250" breaks
    the type: it is read as any text cell is)."""
    written = text.strip()
    if not _TYPED_NUMBER.fullmatch(written):
        return text
    return FormatNumber(float(written), written, exact)


# A hyphen ending a line inside a cell before a lower-case letter: a word broken to fit the
# column (an Alt+Enter in Excel, a wrapped note: "Ge-\nschlecht", "Gesichtsfeld-\nausfall",
# "Metoclo-\npramid", "pérdida de vi-\nsión"); before a capital or a digit it joins two words
# ("Entnahme-\nDatum", "Pat-\nNr", "Prolaktin-\nMakroadenom"): the hyphen stays, the line
# break goes.
_SOFT_BREAK: Final = re.compile(r"(?<=[^\W\d_])-[ \t]*(?:\r?\n|\r)\s*(?=[^\W\d_A-ZÀ-ÖØ-Þ])")
_HARD_BREAK: Final = re.compile(r"(?<=[^\W\d_])-[ \t]*(?:\r?\n|\r)\s*(?=[A-ZÀ-ÖØ-Þ\d])")


def hyphen_breaks_joined(text: str) -> str:
    """``text`` with each word hyphenated over a line break written as one word
    ("Gesichtsfeld-<new line>ausfall" -> "Gesichtsfeldausfall", "Haloperi-<new line>dol" ->
    "Haloperidol"), a compound's hyphen kept ("Pat-<new line>Nr" -> "Pat-Nr"); other line
    breaks stay.  A header cell, and a note as the text rules read it."""
    if "-" not in text or ("\n" not in text and "\r" not in text):
        return text
    return _HARD_BREAK.sub("-", _SOFT_BREAK.sub("", text))


def cell_text(cell: object) -> str:
    """The cell as written, stripped ("" for an empty cell)."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, FormatNumber):
        return cell.text
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, int | float | np.integer | np.floating):
        number = float(cell)
        return "" if math.isnan(number) else format_number(number)
    if isinstance(cell, datetime):
        if cell.time() == time(0):
            return cell.date().isoformat()
        return cell.isoformat(sep=" ", timespec="minutes")
    if isinstance(cell, date | time):
        return cell.isoformat()
    return str(cell).strip()


def is_blank(cell: object) -> bool:
    """True for an empty cell, whitespace, or a float NaN."""
    if cell is None:
        return True
    if isinstance(cell, str):
        return not cell.strip()
    if isinstance(cell, float):
        return math.isnan(cell)
    return False


_LONGEST_PLACEHOLDER: Final = 16


def is_empty_value(cell: object) -> bool:
    """Blank, or a placeholder that says nothing ("-", "n/a", "#N/A")."""
    if is_blank(cell):
        return True
    return isinstance(cell, str) and (
        _placeholder(cell, _words().empty) or _coded_missing(cell) is not None
    )


def gives_nothing(cell: object) -> bool:
    """A context cell that gives nothing: blank, a placeholder ("-", "n/a": is_empty_value) or
    a word for unknown ("unbekannt", "?": is_unknown_word), but never a spreadsheet formula's
    error value ("#N/A", "#VALUE!", "#WERT!", "#NV": is_spreadsheet_error), which the
    placeholders hold too: a value that failed is a cell that cannot be read, not one left
    empty (review 26: a birth date "#N/A" read as none judged a woman of 71 against the
    premenopausal interval)."""
    if is_spreadsheet_error(cell):
        return False
    return is_empty_value(cell) or is_unknown_word(cell)


@cache
def _coded_missing_pattern() -> re.Pattern[str]:
    """The missing-data codes an EDC writes by pattern (synonyms.toml [values.missing_codes]
    patterns: Castor's "##USER_MISSING_95##" ... "##USER_MISSING_99##")."""
    patterns = synonyms_data()["values"]["missing_codes"].get("patterns", [])
    return compile_vocabulary("|".join(f"(?:{p})" for p in patterns) or r"(?!)", re.IGNORECASE)


def _coded_missing(cell: str) -> re.Match[str] | None:
    return _coded_missing_pattern().fullmatch(cell.strip())


@cache
def _spreadsheet_errors() -> frozenset[str]:
    return frozenset(e.lower() for e in synonyms_data()["values"]["spreadsheet_errors"])


# How the xlsx reader (triage.io.sources) writes a formula cell saved without its result.
FORMULA_WITHOUT_VALUE: Final = "formula {} without a stored value"


def is_formula_without_value(text: object) -> bool:
    """A cell as the xlsx reader gives a formula without a stored result."""
    head, tail = FORMULA_WITHOUT_VALUE.split("{}")
    return isinstance(text, str) and text.startswith(head) and text.endswith(tail)


# A spreadsheet formula as a csv export of a sheet shown with its formulas writes it: "=" and a
# cell reference ("=C7", "=$C$7", "=A2*21.2"), a function ("=SUM(B2:B4)", "=WENN(...)") or
# another sheet's cell ("=Tabelle1!C7", "='Lab 1'!B2").  Never a result: "=C7" is no 7 flagged
# critical, "=H1" no 1 flagged high.  "=7" and Excel's text-forcing ="850" are values.
_SPREADSHEET_FORMULA: Final = re.compile(
    r"\s*=\s*[+-]?[\s(]*(?:\$?[A-Za-z]{1,3}\$?\d+(?![\w.,])|[A-Za-z_][\w.]*\s*\(|"
    r"(?:'[^']+'|[\w.]+)!)"
)


def is_spreadsheet_formula(text: object) -> bool:
    """A cell holding a spreadsheet formula instead of its result ("=C7", "=SUM(B2:B4)"), as a
    csv export of a sheet shown with its formulas writes it, or as the xlsx reader gives a
    formula saved without its result (``is_formula_without_value``)."""
    if not isinstance(text, str):
        return False
    return is_formula_without_value(text) or _SPREADSHEET_FORMULA.match(text) is not None


def _alternation(words: Iterable[str]) -> str:
    spelled = {normalise_word(w) for w in words}
    return "|".join(re.escape(w) for w in sorted(spelled, key=len, reverse=True))


@cache
def _above_range_class() -> str:
    """A regular expression of the class of "above the measuring range" wordings: an above word,
    up to two articles and a range noun ("> gamme", "sup. à la gamme", "oltre limite"), or a range
    noun and an exceeded word ("gamme dépassée"): synonyms.toml [values.above_range_unnumbered]
    above, articles, range_nouns, exceeded."""
    listed = synonyms_data()["values"]["above_range_unnumbered"]
    above, nouns = _alternation(listed["above"]), _alternation(listed["range_nouns"])
    articles = _alternation(listed["articles"])
    exceeded = _alternation(listed["exceeded"])
    return (
        rf"(?<![\w>])(?:{above})\s*(?:(?:{articles})(?:\s+|(?<=')))"
        rf"{{0,2}}(?:{nouns})(?![\w])|(?<![\w])(?:{nouns})\s+(?:{exceeded})(?![\w])"
    )


def _unnumbered_phrases(name: str, qualifier: str) -> tuple[str, frozenset[str]]:
    """(an alternation of the phrases of synonyms.toml [values.<name>] and of the out-of-range
    words of `qualifier`, longest first; its whole-cell words), normalised."""
    table = synonyms_data()["values"]
    listed = table[name]
    phrases = {normalise_word(p) for p in (*listed["phrases"], *table["out_of_range"][qualifier])}
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return alternatives, frozenset(normalise_word(c) for c in listed["cells"])


def _says_unnumbered(cell: object, found: tuple[re.Pattern[str], frozenset[str]]) -> bool:
    """The cell is one of `found`'s whole-cell words (brackets and marks aside) or holds one of
    its phrases."""
    if not isinstance(cell, str) or not cell.strip():
        return False
    pattern, cells = found
    text = normalise_word(cell.replace("’", "'"))
    return text.strip(" ()[]!*") in cells or pattern.search(text) is not None


class _QualityControlWords(NamedTuple):
    kinds: re.Pattern[str]  # a sample-type cell of unambiguous material words
    follow_up: re.Pattern[str]  # a sample-type cell of a bare "Control" word (and a level)
    identity: re.Pattern[str]  # a patient id or name of material
    unnamed: re.Pattern[str]  # the same without product and scheme names (surnames)


@cache
def _quality_control_words() -> _QualityControlWords:
    """The patterns of synonyms.toml [values.quality_control]."""
    table = synonyms_data()["values"]["quality_control"]
    kinds = _alternation(table["sample_types"])
    products = _alternation(table["products"])
    materials = _alternation(table["materials"])
    codes = _alternation(table["codes"])
    calibrators = _alternation(table["calibrators"])
    follow_up = _alternation(table["follow_up"])
    level = r"(?:\d{1,2}|[a-f]|l\d|lo|low|hi|high|mid|level\s*\d)"
    unnamed = (
        rf"(?<![\w])(?:{materials})(?![\w])"
        rf"|^(?:{codes})(?:$|[\s\-_./#:]|\d)"
        rf"|^(?:{calibrators})(?:[\s\-_.#]*{level})?$"
    )
    return _QualityControlWords(
        re.compile(rf"(?<![\w])(?:{kinds}|{materials}|{products})(?![\w])"),
        re.compile(rf"^(?:{follow_up})(?:[\s\-_.#:]*{level})?$"),
        re.compile(rf"(?<![\w])(?:{products})(?![\w])|{unnamed}"),
        re.compile(unnamed),
    )


def quality_control_material(
    cell: object, *, sample_type: bool = False, products: bool = True
) -> bool:
    """The cell (a patient id or name; with ``sample_type``, a sample-type cell) says the row is
    quality-control, calibrator or EQA material, no patient's sample ("QC LOW", "IQC-L2", "CAL
    1", "PreciControl Multimarker 2", "UK NEQAS 512B"; a sample type "QC", "Kalibrator",
    "Ringversuch": synonyms.toml [values.quality_control]).  Not a sample type of a bare
    follow-up word ("Control", "Kontrolle": quality_control_follow_up).  ``products=False``:
    not by a product or scheme name (a name "Instand, Peter" on a row with patient details)."""
    if not isinstance(cell, str) or not cell.strip():
        return False
    words = _quality_control_words()
    text = normalise_word(cell)
    pattern = words.kinds if sample_type else words.identity if products else words.unnamed
    return pattern.search(text) is not None


def quality_control_follow_up(cell: object) -> bool:
    """The sample-type cell is a bare "Control", "Kontrolle", "Contrôle", "Controle" or
    "Controllo" (alone or before a level): quality-control material only on a row without
    patient details, else a patient's follow-up sample (review 27).  A compound
    ("Verlaufskontrolle", "controle afname") is no such cell."""
    if not isinstance(cell, str) or not cell.strip():
        return False
    return _quality_control_words().follow_up.search(normalise_word(cell).strip()) is not None


@cache
def _above_range_unnumbered() -> tuple[re.Pattern[str], frozenset[str]]:
    alternatives, cells = _unnumbered_phrases("above_range_unnumbered", ">")
    alternatives = f"{alternatives}|{_above_range_class()}"
    # whole words: a phrase starting or ending in a letter or digit is not part of a longer word
    pattern = re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])")
    return pattern, cells


def above_range_unnumbered(cell: object) -> bool:
    """The (unparseable) prolactin cell says the result is above the assay's measuring range,
    high or being diluted, without a number to triage ("über Messbereich", "> MB", "Verdünnung
    folgt", "HIGH": synonyms.toml [values.above_range_unnumbered]): it may be urgent."""
    return _says_unnumbered(cell, _above_range_unnumbered())


@cache
def _below_limit_unnumbered() -> tuple[re.Pattern[str], frozenset[str]]:
    table = synonyms_data()["values"]
    listed = table["below_limit_unnumbered"]
    alternatives, cells = _unnumbered_phrases("below_limit_unnumbered", "<")
    below, nouns = _alternation(listed["below"]), _alternation(listed["limit_nouns"])
    articles = _alternation(table["above_range_unnumbered"]["articles"])
    undershot = _alternation(listed["undershot"])
    pattern = re.compile(
        rf"(?<![\w])(?:{alternatives})(?![\w])"
        rf"|(?<![\w<])(?:{below})\s*(?:(?:{articles})(?:\s+|(?<=')))"
        rf"{{0,2}}(?:{nouns})(?![\w])|(?<![\w])(?:{nouns})\s+(?:{undershot})(?![\w])"
    )
    return pattern, cells


def below_limit_unnumbered(cell: object) -> bool:
    """The (unparseable) prolactin cell says the result is below the assay's limit of
    detection or quantitation, or its measuring range, without a number ("<LOD", "<LLOQ",
    "BLQ", "< NWG", "< LQ", "not detected", "OOR <": synonyms.toml
    [values.below_limit_unnumbered]): a low result of unknown value."""
    return _says_unnumbered(cell, _below_limit_unnumbered())


def is_spreadsheet_error(cell: object) -> bool:
    """A spreadsheet formula's error value ("#VALUE!", "#WERT!", "#NV", "#DIV/0!"), in any of the
    languages of synonyms.toml [values] spreadsheet_errors."""
    return isinstance(cell, str) and cell.strip().lower() in _spreadsheet_errors()


def _placeholder(cell: str, empty: frozenset[str]) -> bool:
    """A short text among ``empty`` (the placeholder words), as written or normalised."""
    if len(cell) > _LONGEST_PLACEHOLDER:
        return False
    plain = cell.strip().lower()
    return plain in empty or (not plain.isalnum() and normalise_word(cell) in empty)


def texts_or_none(cells: Sequence[object]) -> list[str | None]:
    """``[None if is_empty_value(c) else cell_text(c) for c in cells]``, strings handled in line
    (a column of ids or names has as many distinct cells as rows)."""
    empty = _words().empty
    out: list[str | None] = []
    append = out.append
    for cell in cells:
        if type(cell) is not str:
            append(None if is_empty_value(cell) else cell_text(cell))
            continue
        text = cell.strip()
        if not text or _coded_missing(text) is not None:
            append(None)
        elif len(cell) > _LONGEST_PLACEHOLDER:  # _placeholder in line: no placeholder is long
            append(text)
        else:
            plain = text.lower()
            placeholder = plain in empty or (not plain.isalnum() and normalise_word(cell) in empty)
            append(None if placeholder else text)
    return out


@cache
def _result_statuses() -> dict[str, str]:
    """Normalised word -> one of RESULT_STATUS_KINDS (synonyms.toml [values.result_status])."""
    table = synonyms_data()["values"]["result_status"]
    return {normalise_word(w): kind for kind in RESULT_STATUS_KINDS for w in table[kind]}


# What a result-status cell says: a final result, one that replaces the others of its sample, one
# not final yet, no valid result (synonyms.toml [values.result_status])
RESULT_STATUS_KINDS: Final = ("kept", "corrected", "preliminary", "void")


# A result status as FHIR's Observation.status names it (the canonical frame's result_status):
# the words FHIR uses as written, else the kind's (a final result: "final")
RESULT_STATUS_CODES: Final = ("preliminary", "corrected", "amended", "final")
_CODE_OF_KIND: Final = {"kept": "final", "corrected": "corrected", "preliminary": "preliminary"}


def result_status_code(cell: object) -> str | None:
    """A result-status cell in FHIR's words (RESULT_STATUS_CODES); None when it is none of
    them (empty, void, unknown)."""
    if not isinstance(cell, str):
        return None
    word = normalise_word(cell)
    if word in RESULT_STATUS_CODES:
        return word
    return _CODE_OF_KIND.get(result_status(cell) or "")


def result_status(cell: object) -> str | None:
    """A lab's result status: "void" (cancelled, deleted, entered in error: no valid result),
    "corrected" (corrected, amended: it replaces the others of its sample), "preliminary" (not
    final yet), "kept" (final, validated ...), else None."""
    if not isinstance(cell, str) or not cell.strip():
        return None
    text = normalise_word(cell)
    found = _result_statuses().get(text)
    if found is not None:
        return found
    # in more words or inflected: by the stems of each kind's words, in six languages
    words = _STATUS_WORD.findall(text)
    stems, negations = _result_status_stems()
    if not words:
        return None
    kinds = [{kind for kind, stem in stems if w.startswith(stem)} for w in words]
    said = set().union(*kinds)
    technical, medical = _validation_stems()
    if any(w.startswith(technical) for w in words) and not any(
        w.startswith(medical) for w in words
    ):
        said.add("preliminary")  # validated technically only, not yet medically
    # a negation before a status word, at most one word between ("nicht validiert", "not yet
    # verified"): a result not validated yet; any other negated status ("nicht storniert") is
    # none; a negation elsewhere ("Final - no changes") negates no status
    negated = {
        kind
        for i, w in enumerate(words)
        if w in negations
        for following in kinds[i + 1 : i + 1 + _NEGATION_REACH]
        for kind in following
    }
    if negated:
        return "preliminary" if said == {"kept"} else None
    return next((kind for kind in _STATUS_PRECEDENCE if kind in said), None)


# how many words a status negation reaches ("not verified", "not yet verified")
_NEGATION_REACH: Final = 2


@cache
def _validation_stems() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(technical, medical) stems of synonyms.toml [values.result_status.stems]."""
    table = synonyms_data()["values"]["result_status"]["stems"]
    return (
        tuple(normalise_word(w) for w in table["technical"]),
        tuple(normalise_word(w) for w in table["medical"]),
    )


_STATUS_WORD: Final = re.compile(r"[^\W_]+")


def says_cancelled(cell: object) -> bool:
    """A result cell without a number that says its result is cancelled, deleted or entered
    in error ("storniert", "Befund annulé", "cancelled - wrong patient"): a word starting with
    a `void` stem of synonyms.toml [values.result_status.stems], or one of its
    ``void_phrases``, and no negation ("nicht storniert"); never a one-letter code nor the bare
    word "error" (an analyser's error cancels no earlier result), nor a cell with a number
    ("260 invalid": a remark on the specimen beside its value, read as before)."""
    if not isinstance(cell, str) or len(cell.strip()) < 2 or is_spreadsheet_error(cell):
        return False
    if any(ch.isdigit() for ch in cell):
        return False
    text = normalise_word(cell)
    words = _STATUS_WORD.findall(text)
    stems, negations = _result_status_stems()
    if not words or any(w in negations for w in words):
        return False
    if any(w.startswith(stem) for w in words for kind, stem in stems if kind == "void"):
        return True
    return any(phrase in text for phrase in _void_phrases())


@cache
def _void_phrases() -> tuple[str, ...]:
    table = synonyms_data()["values"]["result_status"]["stems"]
    return tuple(normalise_word(p) for p in table.get("void_phrases", []))


# the kind a cell with words of several kinds says ("Final (corrected)": a correction)
_STATUS_PRECEDENCE: Final = ("void", "corrected", "preliminary", "kept")


@cache
def _result_status_stems() -> tuple[tuple[tuple[str, str], ...], frozenset[str]]:
    """((kind, stem) ..., negation words): synonyms.toml [values.result_status.stems]."""
    table = synonyms_data()["values"]["result_status"]["stems"]
    stems = tuple(
        (kind, normalise_word(stem)) for kind in RESULT_STATUS_KINDS for stem in table[kind]
    )
    return stems, frozenset(normalise_word(w) for w in table["negations"])


@cache
def _corrected_words() -> re.Pattern[str]:
    """The words and phrases of a comment saying that its result corrects an earlier report
    (synonyms.toml [values.result_status] ``corrected`` but its one-letter code, and
    ``corrected_phrases``), as whole words of the normalised text."""
    table = synonyms_data()["values"]["result_status"]
    words = {normalise_word(w) for w in table["corrected"] if len(w) > 1}
    words |= {normalise_word(w) for w in table.get("corrected_phrases", [])}
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def says_corrected(cell: object) -> str | None:
    """The words of a comment saying that its result corrects an earlier report of its sample
    ("corrected result - previous report in error": "corrected"), else None."""
    if not isinstance(cell, str) or not cell.strip():
        return None
    found = _corrected_words().search(normalise_word(cell))
    return found.group(0) if found else None


@cache
def _lab_words() -> dict[str, str]:
    """Normalised word -> "high" | "low" | "normal" (synonyms.toml [values.lab_words])."""
    table = synonyms_data()["values"]["lab_words"]
    return {normalise_word(w): kind for kind in ("high", "low", "normal") for w in table[kind]}


FLAG_DIRECTIONS: Final = ("high", "low", "abnormal", "normal")


@cache
def _flag_directions() -> dict[str, str]:
    """Flag word (as written and normalised) -> "high" | "low" | "abnormal" | "normal" | ""
    (synonyms.toml [values.flags]; "" for the marks read without a direction)."""
    table = synonyms_data()["values"]["flags"]
    return {
        spelling: "" if kind == "unread" else kind
        for kind in (*FLAG_DIRECTIONS, "unread")
        for word in table[kind]
        for spelling in (word, normalise_word(word))
    }


def _flag_of(token: str) -> str | None:
    table = _flag_directions()
    found = table.get(token)
    return table.get(normalise_word(token)) if found is None else found


def flag_direction(cell: object) -> str | None:
    """What a lab's abnormal flag says: "high", "low", "abnormal" (no direction given) or
    "normal"; None for an empty cell, a mark without a direction ("*", "C") and anything else.
    A whole cell of a flag column: a flag ("H", "LL", "↑", "+", "(H)") or a word ("erhöht",
    "normal")."""
    if not isinstance(cell, str) or not cell.strip():
        return None
    text = cell.strip().strip("()[]").strip()
    found = _flag_of(text)
    if found is None:
        found = lab_word(text)
    if found is None:
        found = _flag_words_say(text)
    return found or None


_FLAG_TOKEN_SPLIT: Final = re.compile(r"[\s()\[\]{},;]+")


def _flag_words_say(text: str) -> str | None:
    """The direction of a cell of several flag words ("critical high", "kritisch erhöht",
    "H (kritisch)", "alto crítico"): every word a flag, a mark without a direction, a word of
    [values.lab_words] or a critical word ([values.flags] critical); None otherwise (any other
    word: "not high" says no flag)."""
    tokens = [t for t in _FLAG_TOKEN_SPLIT.split(text) if t]
    if len(tokens) < 2:
        return None
    critical = _critical_marks()
    words = _lab_words()
    for token in tokens:
        word = normalise_word(token)
        if _flag_of(token) is None and word not in words and word not in critical:
            return None
    return _flags_say(tokens) or None


@cache
def _critical_marks() -> dict[str, str]:
    """Critical flag word (normalised) -> "high" | "low" (synonyms.toml [values.flags]
    critical_high, critical_low: "hh", "ll"), or "" for a word that makes a flag of a direction
    critical ("kritisch", "critical", "panic")."""
    table = synonyms_data()["values"]["flags"]
    marks = {normalise_word(w): "" for w in table["critical"]}
    marks |= {normalise_word(w): "high" for w in table["critical_high"]}
    marks |= {normalise_word(w): "low" for w in table["critical_low"]}
    return marks


def flag_is_critical(text: object, direction: object) -> bool:
    """Whether the lab's flag as written says its result is critical (v3 HH, LL): ``text``, a
    flag cell ("HH", "LL", "H kritisch") or a result cell with its flags ("180 HH"), holds a
    critical flag of ``direction`` (the flag's direction as read: "high" or "low"), or a
    critical word beside it ([values.flags] critical_high, critical_low, critical)."""
    if direction not in ("high", "low") or not isinstance(text, str):
        return False
    marks = _critical_marks()
    for token in _FLAG_TOKEN_SPLIT.split(text):
        kind = marks.get(normalise_word(token)) if token else None
        if kind is not None and kind in ("", direction):
            return True
    return False


@cache
def _column_marks() -> frozenset[str]:
    return frozenset(synonyms_data()["values"]["flags"]["column_abnormal"])


@cache
def _flag_separators() -> frozenset[str]:
    """Dashes that, before a word beside a number, separate a remark (synonyms.toml
    [values.flags] separators: "28 ng/mL - Siemens"), not the lab's low flag."""
    return frozenset(synonyms_data()["values"]["flags"].get("separators", []))


@cache
def _column_unread() -> frozenset[str]:
    table = synonyms_data()["values"]["flags"]
    return frozenset(normalise_word(w) for w in table["column_unread"])


def unread_column_flag(cell: object) -> bool:
    """A mark a column of the lab's flags may hold that says nothing about the value (synonyms.toml
    [values.flags] column_unread: a lone "C", critical in some LIS, "corrected" in others)."""
    if not isinstance(cell, str):
        return False
    return normalise_word(cell.strip().strip("()[]").strip()) in _column_unread()


def flag_column_direction(cell: object) -> str | None:
    """``flag_direction`` of a cell of a column of the lab's flags: there a star or an
    exclamation mark ("*", "!": synonyms.toml [values.flags] column_abnormal) or a critical word
    alone ("critical", "kritisch") says the value is outside the lab's interval, "abnormal"."""
    if isinstance(cell, str) and _says_abnormal(cell.strip().strip("()[]").strip()):
        return "abnormal"
    return flag_direction(cell)


@cache
def _off_scale_flags() -> dict[str, str]:
    """Off-scale flag (normalised) -> its qualifier (synonyms.toml [values.flags]
    off_scale_high, off_scale_low: ">", "Off scale high", "hors échelle haute")."""
    table = synonyms_data()["values"]["flags"]
    marks = {normalise_word(w): ">" for w in table["off_scale_high"]}
    return marks | {normalise_word(w): "<" for w in table["off_scale_low"]}


def off_scale_flag(cell: object) -> str:
    """The qualifier a cell of the lab's flags gives its result when the flag says the result
    lies beyond the measuring range (HL7 table 0078 / v3 ">" above the absolute high-off
    instrument scale, "<" below the low-off one, in words in the six languages, or a phrase of
    [values.out_of_range]: "Oberhalb des Messbereichs"): ">" or "<"; "" for any other flag."""
    if not isinstance(cell, str) or not cell.strip():
        return ""
    text = normalise_word(cell.replace("’", "'"))
    found = _off_scale_flags().get(text) or _off_scale_flags().get(text.strip(" ()[]"))
    text = text.strip(" ()[]")
    if found is None:
        beyond = _beyond_range(text)
        found = beyond[0] if beyond is not None and not beyond[1].strip(" ()[]") else ""
    return found


def _lab_word_at(tokens: Sequence[str], at: int) -> str:
    """The words of [values.lab_words] that start at ``tokens[at]`` (the longest, up to
    _LAB_WORD_TOKENS words: "erhöht", "deutlich erhöht", "above reference range"), as written;
    "" when none does."""
    table = _lab_words()
    for size in range(min(_LAB_WORD_TOKENS, len(tokens) - at), 0, -1):
        written = " ".join(tokens[at : at + size])
        if normalise_word(written) in table:
            return written
    return ""


_LAB_WORD_TOKENS: Final = 4


def _flags_say(tokens: Sequence[str]) -> str:
    """The direction of the flags written beside a number ("" when none says one; "abnormal"
    when they disagree): a flag of [values.flags] or a word of [values.lab_words] ("erhöht")."""
    words = _lab_words()
    said = {d for d in (_flag_of(t) or words.get(normalise_word(t)) for t in tokens) if d}
    if len(said) > 1:
        said.discard("normal")
    if len(said) > 1:
        return "abnormal"
    if not said and any(_says_abnormal(t) for t in tokens):
        return "abnormal"  # "450*", "450 !", "450 (*)", "450 kritisch": outside the lab's interval
    return next(iter(said), "")


def _says_abnormal(token: str) -> bool:
    """A mark beside a number that says, without a direction, that the lab found the result
    outside its interval (synonyms.toml [values.flags] column_abnormal, "*", "!", and the
    critical words, "kritisch", "critical"): the lab's abnormal flag, as "A" is."""
    return token in _column_marks() or _critical_marks().get(normalise_word(token)) == ""


def lab_word(cell: object) -> str | None:
    """A context lab result written as a word: "high", "low" or "normal" ("erhöht", "normale",
    "↓"), else None (numbers, other text, empty cells)."""
    if not isinstance(cell, str) or not cell.strip():
        return None
    return _lab_words().get(normalise_word(cell))


def is_unknown_word(cell: object) -> bool:
    """True for a text that says the value is not known ("Unknown", "N/K", "not stated")."""
    return isinstance(cell, str) and normalise_word(cell) in _words().unknown


# ------------------------------------------------------------------------------------------------
# Missing-data codes and plausible ranges of context fields (synonyms.toml [values.missing_codes],
# [plausibility.context])
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ContextRange:
    """The values a numeric context field can take; outside them a cell is read as missing."""

    low: float
    high: float
    note: str

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True, slots=True)
class _MissingCodes:
    fields: frozenset[str]
    numbers: frozenset[float]
    raw_words: frozenset[str]  # lower-cased as written (".a", "n.d.")
    words: frozenset[str]  # after normalise_word


@cache
def context_ranges() -> dict[str, ContextRange]:
    """field -> its plausible range (synonyms.toml [plausibility.context])."""
    return {
        name: ContextRange(float(data["min"]), float(data["max"]), str(data.get("note", "")))
        for name, data in synonyms_data()["plausibility"]["context"].items()
    }


@cache
def _missing_codes() -> _MissingCodes:
    data = synonyms_data()["values"]["missing_codes"]
    words = [str(w) for w in data["words"]]
    return _MissingCodes(
        fields=frozenset(data["fields"]),
        numbers=frozenset(float(n) for n in data["numbers"]),
        raw_words=frozenset(w.lower() for w in words),
        words=frozenset(normalise_word(w) for w in words if not w.startswith(".")),
    )


def is_missing_result_word(cell: object) -> bool:
    """A result cell written as "no result" ("N/A", "n.v.", "non dosé", "no realizado":
    synonyms.toml [values] missing_result and missing_result_or_not_detected)."""
    return isinstance(cell, str) and normalise_word(cell) in _words().missing_result


@cache
def _not_detected_words() -> frozenset[str]:
    return _word_set(synonyms_data()["values"]["missing_result_or_not_detected"])


def may_mean_not_detected(text: str) -> bool:
    """A result cell that says "no result" yet in some labs "not detected" ("nd", "n.d.":
    synonyms.toml [values] missing_result_or_not_detected)."""
    words = _not_detected_words()
    return normalise_word(text) in words or text.strip().lower() in words


@cache
def missing_result_numbers() -> frozenset[float]:
    """Result cells that are a conventional missing-data code, never a value (synonyms.toml
    [values] missing_result_codes: -99, -999, -9999)."""
    return frozenset(float(n) for n in synonyms_data()["values"]["missing_result_codes"])


def missing_code_fields() -> frozenset[str]:
    """The fields whose cells are checked for missing-data codes (never the prolactin result)."""
    return _missing_codes().fields


_BARE_NUMBER: Final = re.compile(r"[+-]?\d+(?:[.,]0+)?")


def bare_number(cell: object) -> float | None:
    """The value of a cell that is only a number (5, -99, "999", "-9.0"); else None."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float | np.integer | np.floating):
        number = float(cell)
        return None if math.isnan(number) else number
    if isinstance(cell, str):
        text = cell.strip().replace("\u2212", "-")
        if _BARE_NUMBER.fullmatch(text):
            return float(text.replace(",", "."))
    return None


@cache
def missing_result_numbers_beside() -> frozenset[float]:
    """Result cells that are a missing-data code where the same column also holds the export's
    own missing-data codes (synonyms.toml [values] missing_result_codes_beside: 999, 9999)."""
    return frozenset(float(n) for n in synonyms_data()["values"]["missing_result_codes_beside"])


# Stata's extended missing values (".a" to ".z"), as a csv export writes them
_STATA_MISSING: Final = re.compile(r"\.[a-z]", re.IGNORECASE)


@cache
def _missing_result_marks() -> frozenset[str]:
    return frozenset(m.lower() for m in synonyms_data()["values"]["missing_result_marks"])


def is_export_missing_mark(cell: object) -> bool:
    """A statistics package's missing-value mark, never a value in any field: Stata's ".a" to
    ".z", SPSS's system-missing "#NULL!" (synonyms.toml [values] missing_result_marks)."""
    if not isinstance(cell, str):
        return False
    text = cell.strip()
    return _STATA_MISSING.fullmatch(text) is not None or text.lower() in _missing_result_marks()


def is_missing_code(cell: object, *, numbers: bool = True) -> bool:
    """A research export's missing-data code: "-99", "999", ".a", "Not done", "Refused" ...
    (``numbers``: also the numeric codes; a numeric field judges numbers by its range instead)."""
    if is_blank(cell):
        return False
    codes = _missing_codes()
    number = bare_number(cell)
    if number is not None:
        return numbers and number in codes.numbers
    if not isinstance(cell, str):
        return False
    text = cell.strip().replace("’", "'").lower()
    if _coded_missing(text) is not None or is_export_missing_mark(text):
        return True
    return text in codes.raw_words or normalise_word(text) in codes.words


# Excel's ways of forcing a cell to stay text, as they reach a csv export: ="00123", '850.
_FORMULA_TEXT = re.compile(r'\s*=\s*"((?:[^"]|"")*)"\s*')


def _unforced(text: str) -> str:
    """A cell written as Excel's text-forcing formula (="850") or with its text prefix ('850),
    as the text it holds; a text quoted in apostrophes ('no') stays as written."""
    stripped = text.strip()
    if stripped.startswith("="):
        found = _FORMULA_TEXT.fullmatch(stripped)
        return found.group(1).replace('""', '"') if found else text
    if stripped.startswith("'") and not stripped.endswith("'"):
        return stripped[1:]
    return text


# A footnote mark: superscript digits right after a number ("25³", "4¹") or a word
# ("Prolactin¹"), never after a unit's letter ("1.73m²", "mm²": NFKC reads those).
_FOOTNOTE_MARK: Final = re.compile(r"(?:(?<=\d)|(?<=[^\W\d_]{3}))[⁰¹²³⁴⁵⁶⁷⁸⁹]+")


def footnotes_removed(text: str) -> str:
    """``text`` without footnote marks ("25³" -> "25", "Prolactin¹" -> "Prolactin")."""
    return _FOOTNOTE_MARK.sub("", text)


def _clean_text(text: str) -> str:
    """Unicode-normalised text with the usual mojibake and odd spaces repaired, and Excel's
    text-forcing marks taken off (="850", '850: ``_unforced``)."""
    if text.lstrip()[:1] in ("=", "'"):
        text = _unforced(text)
    if text.isascii():  # NFKC leaves ASCII as it is; the mojibake and odd spaces are not ASCII
        if "`" in text:  # a grave accent for the Swiss thousands mark ("5`600")
            text = thousands_apostrophes_unified(text)
        return text.replace("\t", " ").strip()
    # before NFKC, which makes "´" a space and a combining accent
    fixed = thousands_apostrophes_unified(text)
    fixed = fixed.replace("Âµ", "µ").replace("Î¼", "μ").replace("\u2212", "-")
    fixed = footnotes_removed(fixed)  # before NFKC makes "25³" 253
    fixed = unicodedata.normalize("NFKC", fixed)
    for space in ("\u00a0", "\u202f", "\u2009", "\u2007", "\t"):
        fixed = fixed.replace(space, " ")
    # byte-order mark, zero-width spaces, the emoji and text variation selectors ("⬆️")
    for invisible in ("\ufeff", "\u200b", "\u2060", "\ufe0f", "\ufe0e"):
        fixed = fixed.replace(invisible, "")
    return fixed.strip()


# ------------------------------------------------------------------------------------------------
# Numbers
# ------------------------------------------------------------------------------------------------
_PLAIN_INT = re.compile(r"\d+")
_ONE_MARK = re.compile(r"(\d*)([.,])(\d+)")
_EXPONENT = re.compile(r"\d+(?:[.,]\d+)?[eE][+-]?\d+")
_GROUP_SEPARATORS: Final = (" ", ",", ".", "'", "’")
_GROUPED: Final = {
    (group, mark): re.compile(rf"\d{{1,3}}(?:{re.escape(group)}\d{{3}})+(?:{re.escape(mark)}\d+)?")
    for group in _GROUP_SEPARATORS
    for mark in (".", ",")
    if group != mark
}


def parse_number(text: str, decimal: str | None = None) -> float | None:
    """A number written with "." or "," decimals and optional thousands separators.

    ``decimal`` is the column's decimal mark when known ("," or "."); it settles "1,234" and
    "1.234".  Without it "1.234" is 1.234 and "1,234" is 1234 (English grouping).
    Returns None when the text is not one number.
    """
    s = _clean_text(text)
    sign = 1.0
    if s and s[0] in "+-":
        sign = -1.0 if s[0] == "-" else 1.0
        s = s[1:].strip()
    if not s:
        return None
    if _PLAIN_INT.fullmatch(s):
        return sign * float(s)
    one = _ONE_MARK.fullmatch(s)
    if one:
        return sign * _one_mark(one.group(1), one.group(2), one.group(3), decimal)
    if _EXPONENT.fullmatch(s):
        return sign * float(s.replace(",", "."))
    for (group, mark), pattern in _GROUPED.items():
        if pattern.fullmatch(s):
            return sign * float(s.replace(group, "").replace(mark, "."))
    return None


def _one_mark(whole: str, mark: str, fraction: str, decimal: str | None) -> float:
    """ "1,5" / "1.234": one separator; thousands only when it groups exactly three digits."""
    could_group = len(fraction) == 3 and whole not in ("", "0") and len(whole) <= 3
    if could_group:
        grouping = decimal != mark if decimal is not None else mark == ","
        if grouping:
            return float(whole + fraction)
    return float((whole or "0") + "." + fraction)


_DECIMAL_EVIDENCE: Final = {
    ",": re.compile(
        r"(?:^|[^\d,.])(?:\d+,\d{1,2}|\d+,\d{4,}|0,\d+|\d{1,3}(?:\.\d{3})+,\d+)(?:$|\D)"
    ),
    ".": re.compile(
        r"(?:^|[^\d,.])(?:\d+\.\d{1,2}|\d+\.\d{4,}|0\.\d+|\d{1,3}(?:,\d{3})+\.\d+)(?:$|\D)"
    ),
}


def decimal_evidence(texts: Iterable[object]) -> dict[str, int]:
    """How many of the texts clearly use "," and how many "." as their decimal mark."""
    counts = {",": 0, ".": 0}
    for item in texts:
        if not isinstance(item, str):
            continue
        for mark, pattern in _DECIMAL_EVIDENCE.items():
            if pattern.search(item):
                counts[mark] += 1
    return counts


def infer_decimal_mark(texts: Iterable[object]) -> str | None:
    """ "," or "." when the column's text numbers clearly use one decimal mark, else None."""
    counts = decimal_evidence(texts)
    if counts[","] > counts["."]:
        return ","
    if counts["."] > counts[","]:
        return "."
    return None


# ------------------------------------------------------------------------------------------------
# Units
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class UnitInfo:
    """A recognised prolactin unit: the normalised name and the factor to reach it."""

    unit: str  # "ng/mL" or "mIU/L"
    factor: float  # multiply the written number by this (IU/L -> mIU/L: 1000)


def unit_key(text: str) -> str:
    """A unit spelling reduced for comparison: "µIU/mL" -> "uiu/ml", "mcg/L" -> "ug/l"."""
    s = _clean_text(text).lower()
    s = s.strip("()[]{} ")
    s = " ".join(s.split())  # one space per run: "\s*per" is not tried across a long run
    s = s.replace("μ", "u").replace("µ", "u")
    s = re.sub(r"\bmc(?=g|iu|u)", "u", s)
    s = re.sub(r"\s*per\s*", "/", s)
    s = re.sub(r"litres?|liters?", "l", s)
    s = re.sub(r"millilitres?|milliliters?", "ml", s)
    s = re.sub(r"\s+", "", s)
    for typo, meant in _unit_typos():
        s = typo.sub(meant, s)
    return s


@cache
def _unit_typos() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Misspellings of a unit read as the unit meant (synonyms.toml [values.unit_typos]): a
    lower-case l typed for the I of IU / IE ("mlU/L", "µlU/mL", "mlE/l" -> mIU/L ...)."""
    rules = synonyms_data()["values"].get("unit_typos", {}).get("rules", [])
    return tuple((compile_vocabulary(typo), str(meant)) for typo, meant in rules)


@cache
def _unit_table() -> dict[str, UnitInfo]:
    table: dict[str, UnitInfo] = {}
    for entry in synonyms_data()["prolactin_units"]:
        info = UnitInfo(unit=str(entry["unit"]), factor=float(entry["factor"]))
        for spelling in entry["spellings"]:
            table[unit_key(spelling)] = info
        table[unit_key(info.unit)] = table.get(unit_key(info.unit), info)
    return table


def normalise_unit(text: object) -> UnitInfo | None:
    """The prolactin unit a text names (ng/mL, µg/L, mIU/L, µIU/mL, IU/L ...), or None; a value
    label names it by its label ("1 = ng/mL", "2 - mIU/L": ``code_label``)."""
    if not isinstance(text, str) or not text.strip():
        return None
    found = _unit_table().get(unit_key(text))
    if found is None:
        labelled = code_label(text)
        if labelled != text:
            return _unit_table().get(unit_key(labelled))
        return _unit_before_note(text)
    return found


# A unit and a note in brackets after it: "mIU/L (WHO 84/500)", "µg/L [= ng/mL]".
_UNIT_NOTE: Final = re.compile(r"([^()\[\]]+)[(\[]([^()\[\]]*)[)\]]")
# A unit (one word) and a note after a mark: "ng/mL - Siemens", "µg/l; Cobas", "mIU/L, Alinity",
# "mU/L / Roche".
_UNIT_MARK_NOTE: Final = re.compile(r"(\S+?)\s*(?:[;,]|\s[-–—/]\s)\s*(\S.*)")
# Both are matched against the stripped text, their groups stripped after (_unit_and_note): no
# run of spaces is tried at every position (a cell of 140,000 spaces took minutes).


@cache
def _unit_notes() -> tuple[frozenset[str], re.Pattern[str], tuple[str, ...]]:
    """(standard words, standard code pattern, "equals" words longest first): synonyms.toml
    [values.unit_notes]."""
    data = synonyms_data()["values"]["unit_notes"]
    equals = sorted((normalise_word(w) for w in data["equals_words"]), key=len, reverse=True)
    return (
        frozenset(normalise_word(w) for w in data["standard_words"]),
        compile_vocabulary(str(data["standard_code"])),
        tuple(w for w in equals if w),
    )


@cache
def _assay_words() -> frozenset[str]:
    """Manufacturers and platforms a unit's note may name (synonyms.toml [values.unit_notes]
    assay_words)."""
    return frozenset(
        normalise_word(w) for w in synonyms_data()["values"]["unit_notes"]["assay_words"]
    )


def is_assay_word(word: str) -> bool:
    """The word names an assay's manufacturer or platform ("Beckman", "Atellica", "DxI")."""
    return normalise_word(word) in _assay_words()


def _unit_and_note(text: str) -> tuple[str, str] | None:
    """(unit, note) of a unit written with a note in brackets or after a mark, else None."""
    plain = text.strip()
    match = _UNIT_NOTE.fullmatch(plain) or _UNIT_MARK_NOTE.fullmatch(plain)
    # (a result cell's unit reaches here without its brackets: "mIU/L WHO 84/500")
    parts = (
        tuple(part.strip() for part in match.groups())
        if match is not None
        else tuple(plain.split(None, 1))
    )
    if len(parts) != len(("unit", "note")):
        return None
    return parts[0], parts[1]


def _names_assay(note: str) -> bool:
    """The note names an assay or analyser ("Roche", "Abbott Architect", "cobas e801") and no
    unit."""
    words = [w for w in re.split(r"[\s,;:()\[\]]+", note) if w]
    if any(_unit_table().get(unit_key(w)) is not None for w in words):
        return False
    return any(normalise_word(w) in _assay_words() for w in words)


def assay_words_in(text: str) -> str | None:
    """The manufacturer and platform words a text names, in order ("Prolactin mU/L (Roche
    Elecsys)" -> "Roche Elecsys"), else None."""
    found = [
        w for w in re.split(r"[\s,;:()\[\]{}/_-]+", text) if normalise_word(w) in _assay_words()
    ]
    return " ".join(found) or None


def unit_note_assay(text: object) -> str | None:
    """The assay a prolactin unit's note names ("mU/L (Roche)" -> "Roche", "ng/mL - Siemens"
    -> "Siemens"), else None."""
    if not isinstance(text, str) or _unit_table().get(unit_key(text)) is not None:
        return None
    parts = _unit_and_note(text)
    if parts is None or _unit_table().get(unit_key(parts[0])) is None:
        return None
    return parts[1].strip() if _names_assay(parts[1]) else None


def _unit_before_note(text: str) -> UnitInfo | None:
    """The prolactin unit written before a note in brackets, when the note names the
    calibration standard ("mIU/L (WHO 84/500)", "mIU/L (3rd IS 84/500)": no unit) or the same
    unit again ("ng/mL (µg/L)", "µg/L (= ng/mL)"); None for a note naming another unit
    ("ng/mL (mIU/L)": which one is meant is not known) or saying anything else."""
    parts = _unit_and_note(text)
    if parts is None:
        return None
    unit = _unit_table().get(unit_key(parts[0]))
    if unit is None:
        return None
    if _names_assay(parts[1]):  # "mU/L (Roche)", "ng/mL - Siemens": the assay, no unit
        return unit
    note = normalise_word(parts[1])
    standard_words, standard_code, equals = _unit_notes()
    for word in equals:
        if note.startswith(word):
            note = note[len(word) :].strip()
            break
    if _unit_table().get(unit_key(note)) == unit:
        return unit
    words = set(re.split(r"[\s,;:.]+", note)) - {""}
    named = (
        standard_code.search(note) is not None
        or any(w in standard_words for w in words)
        or any(f" {w} " in f" {note} " for w in standard_words if " " in w)
    )
    return unit if named and _unit_table().get(unit_key(note)) is None else None


_UNIT_WORDS: Final = frozenset(
    {
        "mm",
        "cm",
        "percent",
        "pct",
        "weeks",
        "week",
        "wk",
        "wks",
        "years",
        "year",
        "yrs",
        "y",
        "days",
        "d",
        "months",
        "mo",
        "iu",
        "u",
        "%",
    }
)
_UNIT_SHAPE = re.compile(r"[a-z0-9%/.,²³^*\[\]()\- ]+")


@cache
def duration_words() -> frozenset[str]:
    """Every unit word of durations (synonyms.toml [values.durations]), ambiguous ones too."""
    durations = synonyms_data()["values"]["durations"]
    words = {normalise_word(w) for kind in _DURATION_KINDS for w in durations[kind]}
    return frozenset(words | set(ambiguous_duration_words()))


@cache
def _duration_unit_words() -> frozenset[str]:
    """Duration unit words of three letters or more that are no sex word ("años", "jahre",
    "mois"; not "m", "man"): what an age column's cell in a units row says."""
    durations = synonyms_data()["values"]["durations"]
    sexes = synonyms_data()["values"]["sex"]
    sex_words = {normalise_word(w) for key in ("female", "male") for w in sexes[key]}
    words = {normalise_word(w) for kind in _DURATION_KINDS for w in durations[kind]}
    return frozenset(w for w in words if len(w) >= 3 and w not in sex_words)


# A concentration unit: an SI-prefixed mass, amount or (international) unit over an SI-prefixed
# litre ("pmol/L", "ng/dL", "mIU/mL", "pg/ml").  Prolactin is read in ng/mL (µg/L) and mIU/L
# (µIU/mL); the others differ from them by a factor and cannot be renamed to either.
_CONCENTRATION: Final = re.compile(
    r"(?:[pnum]|mc)?(?:g|mol|m?iu|m?ui|u|ie|e)/(?:[dcm]|100m)?l", re.IGNORECASE
)


_SCALED_PARTS: Final = re.compile(
    r"(?P<amount>p|n|u|mc|m)?(?P<base>g|mol|m?iu|m?ui|u|ie|e)/(?P<volume>d|c|m|100m)?l",
    re.IGNORECASE,
)
_MASS_NG: Final = {"p": 1e-3, "n": 1.0, "u": 1e3, "mc": 1e3, "m": 1e6, "": 1e9}
_VOLUME_ML: Final = {"": 1e3, "d": 1e2, "c": 10.0, "m": 1.0, "100m": 1e2}
_MOLES_PMOL: Final = {"p": 1.0, "n": 1e3, "u": 1e6, "mc": 1e6, "m": 1e9, "": 1e12}
_UNITS_MILLI: Final = {"m": 1.0, "u": 1e-3, "mc": 1e-3, "": 1e3}


def scaled_in_canonical(text: str, pmol_per_ng: float) -> tuple[str, float] | None:
    """A scaled concentration unit (``scaled_concentration``) as (canonical unit, factor): a
    value times the factor is in "ng/mL" (mass, or moles with ``pmol_per_ng``) or "mIU/L"
    (international units): pmol/L -> ng/mL / 43.5, ng/dL -> ng/mL x 0.01, mIU/mL -> mIU/L x
    1000.  None for what it is not."""
    if not scaled_concentration(text):
        return None
    plain = "".join(_clean_text(text).split()).replace("µ", "u").replace("μ", "u").lower()
    found = _SCALED_PARTS.fullmatch(plain)
    if found is None:
        return None
    amount, base = found.group("amount") or "", found.group("base")
    per_ml = 1.0 / _VOLUME_ML[found.group("volume") or ""]
    if base == "g":
        return "ng/mL", _MASS_NG[amount] * per_ml
    if base == "mol":  # pmol_per_ng is pmol/L per ng/mL: one pmol weighs 1000 / it ng
        return "ng/mL", _MOLES_PMOL[amount] * _VOLUME_ML[""] / pmol_per_ng * per_ml
    milli = _UNITS_MILLI.get("m" if base.startswith("m") and not amount else amount)
    if milli is None:
        return None
    return "mIU/L", milli * per_ml * _VOLUME_ML[""]


def scaled_concentration(text: str) -> bool:
    """A concentration unit the unit table does not hold ("pmol/L", "ng/dL", "mIU/mL"): it
    differs from ng/mL and mIU/L by a factor, so recoding it as either would misread every
    result."""
    if normalise_unit(text) is not None:
        return False
    plain = "".join(_clean_text(text).split()).replace("µ", "u").replace("μ", "u")
    return _CONCENTRATION.fullmatch(plain) is not None


def looks_like_unit(text: str) -> bool:
    """True for text shaped like a unit ("mIU/L", "%", "mL/min/1.73m²", "mm")."""
    s = _clean_text(text).lower().replace("µ", "u").replace("μ", "u")
    if normalise_word(s) in _duration_unit_words():  # "años", "Jahre", "mois" (a units row)
        return True
    if not s or not _UNIT_SHAPE.fullmatch(s):
        return False
    if not re.search(r"[a-z%]", s):  # "/11/2026" is a date's tail, not a unit
        return False
    return "/" in s or "%" in s or s in _UNIT_WORDS or s in _unit_table()


_WHOLE_BRACKETED: Final = re.compile(r"\s*[\[(]([^\[\]()]*)[\])]\s*")
_CODE_LEGEND: Final = re.compile(r"\s*\w+\s*[=:]\s*[^,;/|=]+(?:[,;/|]\s*\w+\s*[=:]\s*[^,;/|=]+)+")
_PATTERN_SEPARATORS: Final = re.compile(r"[\s./:\-]+")


@cache
def _format_hints() -> tuple[frozenset[str], str, frozenset[str]]:
    data = synonyms_data()["values"]["format_hints"]
    return (
        frozenset(data["date_letters"]),
        str(data["month_letter"]),
        frozenset(normalise_word(w) for w in data["words"]),
    )


def _date_pattern(text: str) -> bool:
    """ "dd.mm.yyyy", "TT.MM.JJJJ", "jj/mm/aaaa", "yyyymmdd", "hh:mm": runs of one letter each."""
    letters, month, _ = _format_hints()
    squeezed = _PATTERN_SEPARATORS.sub("", text.strip().lower())
    runs = [m.group(0) for m in re.finditer(r"(.)\1*", squeezed)]
    return (
        len(runs) > 1
        and all(run[0] in letters for run in runs)
        and any(run[0] == month for run in runs)
        and any(len(run) > 1 for run in runs)
    )


def _answer_options(text: str) -> bool:
    """ "y/n", "ja/nein", "sí/no", "M/F", "m/w": yes/no answers or sexes, one option each."""
    parts = [p.strip() for p in text.split("/")]
    return len(parts) > 1 and all(
        p and (parse_yes_no(p, strict=True) is not None or parse_sex(p) is not None) for p in parts
    )


def looks_like_format_hint(text: str) -> bool:
    """A units-row cell that gives a column's format, not a unit: a date pattern ("TT.MM.JJJJ",
    "jj/mm/aaaa"), a bracketed remark without numbers ("[years]", "(MRN)"), a code legend
    ("1=M, 2=F"), answer options ("ja/nein", "y/n") or a word of synonyms.toml
    [values.format_hints]."""
    s = _clean_text(text)
    if not s:
        return False
    bracketed = _WHOLE_BRACKETED.fullmatch(s)
    if bracketed is not None:
        inner = bracketed.group(1).strip()
        return bool(inner) and (
            not re.search(r"\d", inner) or looks_like_format_hint(inner) or looks_like_unit(inner)
        )
    return (
        _date_pattern(s)
        or _CODE_LEGEND.fullmatch(s) is not None
        or _answer_options(s)
        or normalise_word(s) in _format_hints()[2]
    )


def bracketed_unit(text: str) -> str | None:
    """The unit of a bracketed units-row cell ("[years]" -> "years"), else None."""
    bracketed = _WHOLE_BRACKETED.fullmatch(_clean_text(text))
    inner = bracketed.group(1).strip() if bracketed is not None else ""
    return inner if inner and looks_like_unit(inner) else None


# ------------------------------------------------------------------------------------------------
# Quantities: "<3.0", "45 H", "1 234,5 mIU/L", 10.2
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Quantity:
    """A parsed measurement cell."""

    status: str  # "ok", "missing" (empty) or "unparseable" (text that is not a number)
    value: float | None = None
    qualifier: str = ""  # "<", ">" or ""
    unit_text: str = ""  # the unit written in the cell itself
    text: str = ""  # the cell as written
    flag: str = ""  # the lab's flag written beside the number: "high", "low", "abnormal", "normal"
    # numbers in brackets after it written as the result in another unit ("(≈ 500 mIU/L)",
    # "(500 mIU/L)"): the reader checks that they agree with it at the row's unit
    beside: tuple[BracketedNumber, ...] = ()


_QUANTITY = re.compile(
    r"(?P<pre>.*?)(?P<num>[+-]?(?:\d(?:[\d.,' ’]*\d)?(?:[eE][+-]?\d+)?|[.,]\d+))(?P<post>.*)"
)
_BRACKETED = re.compile(r"[(\[]([^)\]]*)[)\]]")
# A dilution written as how the result was obtained ("(1:10)", "(x100)", "(10-fold)"): no second
# result.  Any other number in brackets is one ("12.3 (repeat 48)", "180 (1:100 dilution: 9800)",
# "18 (ref 3-15)").
_DILUTION_RATIO = re.compile(
    r"\b1\s*[:/]\s*\d+|[x×]\s*\d+|\d+\s*[x×]|\d+\s*-?\s*(?:fold|fach|voudig|fois|volte|veces)",
    re.IGNORECASE,
)


# A bracket that gives another result of the sample: a repeat, a re-assay or the diluted value,
# with a number ("(repeat 48)", "(Wdh. 95)", "(1:100 dilution: 9800)", "(nach Verdünnung
# 9800)", "(après dilution 1/10 : 42000)", "(ripetuto 95)", "(herhaling 95)").  A date, a time,
# a sample or lot number, a footnote or a limit in brackets is a remark.
_SECOND_RESULT_WORDS = re.compile(
    with_ascii_spellings(  # "Verduennung" as well (triage.transliteration)
        r"\b(?:repeat\w*|rpt|rep(?:\.|\b)|retest\w*|re-?assay\w*|re-?run|dilut\w*|wdh|wiederhol\w*|"
        r"verd[üu]nn\w*|kontrolle|nachmessung|contr[ôo]le|r[ée]p[ée]t\w*|dilu[ée]\w*|repetid\w*|"
        r"repetici[oó]n|diluci[oó]n|diluid\w*|ripet\w*|diluizion\w*|diluit\w*|herhal\w*|"
        r"verdun\w*|verdund\w*)"
    ),
    re.IGNORECASE,
)


def second_number_in_brackets(text: str) -> bool:
    """The cell holds, in brackets after its number, another result of the sample that the
    cell's one value would hide: a repeat or a diluted value (_SECOND_RESULT_WORDS with a
    number other than the dilution ratio), or a number alone ("2500 (5300)": which one is the
    result is not clear); not the lab's interval (read as the row's: cell_interval), a
    footnote mark, or the result converted to the other unit (``bracketed_numbers``: the
    reader checks that they agree)."""
    return any(
        (
            (
                _SECOND_RESULT_WORDS.search(inner) is not None
                or _dilution_words().probe.search(normalise_word(inner)) is not None
            )
            and any(ch.isdigit() for ch in _DILUTION_RATIO.sub(" ", inner))
            and not _two_sided(inner)
        )
        or _unlabelled(bracketed_number(inner))
        for inner in _BRACKETED.findall(text)
    )


@dataclass(frozen=True, slots=True)
class BracketedNumber:
    """A number alone in brackets after a result, with at most a word of conversion before it
    ("≈", "ca.", "entspricht") and a prolactin unit after it."""

    value: float  # as written
    unit: str = ""  # the prolactin unit it names ("ng/mL" or "mIU/L"), or "" for none
    factor: float = 1.0  # its number times this is in ``unit`` (IU/L -> mIU/L: 1000)
    converted: bool = False  # a word of conversion before it

    @property
    def conversion(self) -> bool:
        """Written as the result in another unit: it names a unit or says it is converted."""
        return bool(self.unit) or self.converted


@dataclass(frozen=True, slots=True)
class _BracketWords:
    footnote_max: float
    converted: tuple[str, ...]  # longest first


@cache
def _bracket_words() -> _BracketWords:
    table = synonyms_data()["values"]["bracketed_number"]
    words = {normalise_word(w) for w in table["converted"]}
    return _BracketWords(
        float(table["footnote_marker_max"]), tuple(sorted(words, key=lambda w: (-len(w), w)))
    )


_LONE_NUMBER = re.compile(
    r"(?P<num>\d{1,3}(?:[ '’]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?|[.,]\d+)\s*(?P<unit>.*)"
)


def bracketed_number(inner: str, decimal: str | None = None) -> BracketedNumber | None:
    """The number the text of one pair of brackets holds alone (module synonyms.toml
    [values.bracketed_number]), or None when it holds anything else (a word, a date, an
    interval, a limit, a percentage, no number)."""
    text = normalise_word(_clean_text(inner))
    words = _bracket_words()
    converted = False
    for word in words.converted:
        if _starts_with_word(text, word):
            text, converted = text[len(word) :].lstrip(" .:"), True
            break
    found = _LONE_NUMBER.fullmatch(text)
    if found is None:
        return None
    value = parse_number(found.group("num"), decimal)
    if value is None:
        return None
    unit_text = found.group("unit").strip()
    if not unit_text:
        return BracketedNumber(value, converted=converted)
    info = normalise_unit(unit_text)
    if info is None:  # "(48%)", "(2nd sample)": not a number alone
        return None
    return BracketedNumber(value, info.unit, info.factor, converted)


def _unlabelled(number: BracketedNumber | None) -> bool:
    """A number alone that is neither a footnote mark nor written as a conversion."""
    if number is None or number.conversion:
        return False
    footnote = (
        number.value == int(number.value) and 1 <= number.value <= _bracket_words().footnote_max
    )
    return not footnote


def _same_result(number: BracketedNumber | None, result: float | None) -> bool:
    """A number alone in brackets that repeats the cell's result ("45 (45)", "45,2 (45,2)"):
    whichever is read, the result is the same.  Any other number is a second result unless it
    is a footnote mark (_unlabelled): "45 (12)" may be a repeat of 12 ng/mL, which would change
    the status, so it is not guessed."""
    return number is not None and result is not None and number.value == result


def _two_sided(text: str) -> bool:
    interval = parse_interval(text)
    return interval is not None and interval.low is not None and interval.high is not None


@cache
def _flag_glyphs() -> re.Pattern[str]:
    """A run of the flag marks that are no letter, digit or sign ([values.flags]: "↑", "▲",
    "⬆", "⇑", "^", "*", "!"; not its `glyph_signs` "+", "-", "<", ">") at a token's edge, so that
    one glued to the number ("45▲", "1200*") or to a unit is read as a flag of its own; never
    one inside a token ("x10^9/L")."""
    table = synonyms_data()["values"]["flags"]
    signs = set(table["glyph_signs"])
    marks = {
        ch
        for kind in (*FLAG_DIRECTIONS, "unread", "column_abnormal")
        for word in table[kind]
        for ch in word
        if not (ch.isalnum() or ch.isspace() or ch in signs)
    }
    run = "[" + "".join(sorted(re.escape(ch) for ch in marks)) + "]+"
    return re.compile(rf"(?<!\w){run}|{run}(?!\w)")


def parse_quantity(cell: object, decimal: str | None = None) -> Quantity:
    """A number with its qualifier, flag and unit; never raises.

    ``<3.0`` -> 3.0 with "<"; ``>=470`` -> 470 with ">"; ``45 H``, ``45*``, ``45 (H)`` -> 45;
    ``12,5 µg/L`` -> 12.5 with unit "µg/L".  Text that is not a number (``haemolysed``) gives
    status "unparseable"; an empty cell "missing".
    """
    if cell is None or isinstance(cell, bool | date | time | timedelta):
        if cell is None:
            return Quantity("missing")
        return Quantity("unparseable", text=cell_text(cell))
    if isinstance(cell, int | float | np.integer | np.floating):
        number = float(cell)
        if math.isnan(number):
            return Quantity("missing")
        if math.isinf(number):
            return Quantity("unparseable", text=cell_text(cell))
        if isinstance(cell, FormatNumber):
            return Quantity("ok", number, text=cell.text)
        return Quantity("ok", number, text=format_number(number))
    text = str(cell).strip()
    if text.startswith("=") and is_spreadsheet_formula(text):  # "=C7": no 7 flagged critical
        return Quantity("unparseable", text=text)
    remarked = _remarked_quantity(text, decimal)  # "260 haemolysed": as "260 (haemolysed)"
    if remarked is not None:
        return remarked
    found = _parse_quantity_text(text, decimal)
    if found.status == "unparseable":  # "8200 diluted", "> 470, after dilution 1:100: 8200"
        diluted = diluted_cell(text, decimal)
        if diluted is not None:
            return diluted.quantity
        checked = _check_bracketed(text)  # "Contrôlé: 300", "300 ?": as "300 (Contrôlé)"
        if checked is not None:
            read = _parse_quantity_text(checked, decimal)
            if read.status == "ok" and not _is_time_span(read.unit_text):
                return replace(read, text=text)  # not "Kontrolle 4 Wochen": an interval
    return found


def _is_time_span(unit: str) -> bool:
    """Whether the text after a number is a time span ("Wochen", "months", "mois"): with a check
    or an approximation word before the number ("Kontrolle 4 Wochen", "about 1 week") a
    follow-up interval, never a result in an unknown unit (review 28)."""
    return bool(unit) and normalise_word(unit) in _duration_unit_words()


def _remarked_quantity(text: str, decimal: str | None) -> Quantity | None:
    """The reading of a cell that writes a remark on the specimen beside its number without
    brackets ("260 haemolysed", "hämolytisch 260", "260 ng/mL, lipämisch"), as if it were in
    brackets after it ("260 (haemolysed)"); None for any other cell, or when the rest is no
    reading ("8200 diluted, haemolysed")."""
    remarked = _remark_bracketed(text)
    if remarked is None:
        return None
    read = _parse_quantity_text(remarked, decimal)
    return replace(read, text=text) if read.status == "ok" else None


def _parse_quantity_text(text: str, decimal: str | None) -> Quantity:
    if text.lstrip().startswith("=") and is_spreadsheet_formula(text):  # an age, a TSH "=C7"
        return Quantity("unparseable", text=text)
    words = _words()
    if normalise_word(text) in words.missing_result:
        return Quantity("missing", text=text)
    clean = _clean_text(text)
    match = _QUANTITY.fullmatch(clean)
    if match is None or clean.endswith(_DELIMITER_CHARS):
        # "5;", "0;": a fragment of a line split on the wrong delimiter ("15,5;" split on
        # commas), never the number it starts with
        return Quantity("unparseable", text=text)
    flags: list[str] = []
    qualifier = _prefix_qualifier(match.group("pre"), flags)
    if qualifier is None:
        return Quantity("unparseable", text=text)
    value = parse_number(match.group("num"), decimal)
    if value is None:
        return Quantity("unparseable", text=text)
    post = match.group("post")
    beyond = _beyond_range(post) if post.strip() else None
    if beyond is not None:  # "200 (oberhalb Messbereich)": a bound, not the value
        mark, post = beyond
        qualifier = qualifier or mark
    trailing = _TRAILING_QUALIFIER.match(post) if not qualifier else None
    if trailing is not None and trailing.group(1) in _trailing_qualifiers():
        qualifier = _trailing_qualifiers()[trailing.group(1)]  # "10000>": as ">10000"
        post = post[trailing.end() :]
    beside: list[BracketedNumber] = []
    unit = _tail_unit(post, flags, beside, decimal, value)
    if unit is None or (_is_time_span(unit) and any(ch.isalpha() for ch in match.group("pre"))):
        return Quantity("unparseable", text=text)  # "about 1 week": an interval, no result
    return Quantity(
        "ok", value, qualifier, unit, text, _flags_say(flags) if flags else "", tuple(beside)
    )


# A comparator sign right after the number ("10000>", "470 >", "0,5<"), not one of several signs
# (">>": the lab's high flag) nor one before another number ("450 > 300").
_TRAILING_QUALIFIER: Final = re.compile(r"\s*([<>=≤≥]+)(?![<>=≤≥]|\s*[\d.,])")


@cache
def _trailing_qualifiers() -> dict[str, str]:
    """A comparator written after the number -> its qualifier (synonyms.toml
    [values.trailing_qualifiers])."""
    table = synonyms_data()["values"]["trailing_qualifiers"]
    return {sign: qualifier for qualifier, signs in table.items() for sign in signs}


# The delimiters of a csv export (triage.io.delimited.DELIMITERS): a result cell that ends in one
# is a piece of a line split wrongly.  (A comma is a decimal mark as well; "3," is no number
# either way.)
_DELIMITER_CHARS: Final = (";", "|", ",")


REMARK_MIN_LETTERS: Final = 3  # "(a)", "(*)": a footnote mark, no remark


def result_remarks(cell: object) -> tuple[str, ...]:
    """The words in brackets after a result that its reading leaves aside, as written: a
    remark of the lab on the specimen or the run ("260 (haemolysed)", "260 (hämolytisch)",
    "260 (lipémique)", "260 (repeated)").  Not a flag, a unit, a measuring-range bound or a
    dilution (each read as such), nor a bracket with a number (an interval, a limit, a second
    result or a conversion: read as such, or the cell is rejected)."""
    if not isinstance(cell, str):
        return ()
    bracketed = _remark_bracketed(cell) or _check_bracketed(cell)  # as "260 (haemolysed)"
    if bracketed is not None and _parse_quantity_text(bracketed, None).status == "ok":
        cell = bracketed
    if not ("(" in cell or "[" in cell):
        return ()
    match = _QUANTITY.fullmatch(_clean_text(cell))
    if match is None:
        return ()
    words = _words()
    diluted = diluted_cell(cell) is not None  # its dilution words are read ("(1:10 verdünnt)")
    found = []
    for inner in _BRACKETED.findall(match.group("post")):
        said = normalise_word(inner)
        if any(ch.isdigit() for ch in inner) or (
            sum(ch.isalpha() for ch in inner) < REMARK_MIN_LETTERS and not is_result_check(inner)
        ):
            continue
        if said in words.flags or said in _lab_words() or looks_like_unit(inner):
            continue
        if _out_of_range_pattern().search(said) or (
            diluted and _dilution_words().probe.search(said)
        ):
            continue
        found.append(inner.strip())
    return tuple(found)


@dataclass(frozen=True, slots=True)
class _RemarkWords:
    words: frozenset[str]  # at least one of them
    around: frozenset[str]  # degrees, specimens, joins: only beside a word
    joins: frozenset[str]  # never at a remark's edge
    degrees: frozenset[str]  # "not grossly haemolysed" still says a haemolysis
    before: Mapping[str, tuple[tuple[str, ...], ...]]  # negations before a word, by first word
    after: Mapping[str, tuple[tuple[str, ...], ...]]  # negations after it ("Hämolyse: negativ")
    cancel: frozenset[str]  # "Hämolyse nicht ausgeschlossen": no negation after all
    negating: frozenset[str]  # every word of those negations


# A word of a cell (a remark is cut off at a word's edge only), and the marks around a word
# that join it to the number or to the next word ("260, hämolytisch", "hämolytisch: 260").
_CELL_WORD = re.compile(r"[^\s,;]+")
_WORD_MARKS: Final = ".:;,!-–—"
_CLAUSE_MARK = re.compile(r"[,;]")  # between two clauses of a remark
# The parts of a word compared with the vocabulary: "non-hémolysé" is "non" and "hemolyse",
# "d'hémolyse" is "d" and "hemolyse"; a "/", "&" or "+" alone is none (it joins).
_REMARK_PART = re.compile(r"[^\s'’\-/&+]+")

_Word = tuple[int, int, tuple[str, ...], bool]  # start, end, parts, a "," or ";" before it


def _remark_parts(text: str) -> tuple[str, ...]:
    return tuple(_REMARK_PART.findall(normalise_word(text.strip(_WORD_MARKS))))


def _cell_words(text: str) -> list[_Word]:
    words = []
    last = 0
    for m in _CELL_WORD.finditer(text):
        clause = _CLAUSE_MARK.search(text, last, m.start()) is not None
        words.append((m.start(), m.end(), _remark_parts(m.group()), clause))
        last = m.end()
    return words


def _by_first_word(phrases: Iterable[tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Word sequences by their first word, the longest first."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for phrase in set(phrases):
        if phrase:
            found.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(sorted(seqs, key=len, reverse=True)) for first, seqs in found.items()}


@cache
def _remark_words() -> _RemarkWords:
    table = synonyms_data()["values"]["result_remarks"]
    around = [*table["degrees"], *table["specimens"], *table["joins"]]
    # The notes' negations (cues.toml [negation]): its words, and its phrases that start with
    # one, before the remark word; its exclusions and a form's answers after it (one word, or
    # starting with a negation word); and the remark's own phrases.
    cues = toml_cache.loads(data_file("cues.toml").read_bytes().decode())
    negation = vocabulary(cues)["negation"]
    single = {_remark_parts(w) for w in negation["words"]}
    negators = {parts[0] for parts in single if len(parts) == 1}

    def led(listed: Iterable[str]) -> set[tuple[str, ...]]:
        found = {_remark_parts(p) for p in listed}
        return {p for p in found if (len(p) == 1 and len(p[0]) > 1) or (p and p[0] in negators)}

    before = single | led(negation["phrases"]) | {_remark_parts(p) for p in table["negations"]}
    after = led([*negation["after"], *negation["after_adjacent"], *negation["answers"]])
    after |= {_remark_parts(p) for p in table["denials"]}
    return _RemarkWords(
        frozenset(normalise_word(w) for w in table["words"]),
        frozenset(normalise_word(w) for w in around) | frozenset(around),
        frozenset(normalise_word(w) for w in table["joins"]) | {""},
        frozenset(normalise_word(w) for w in table["degrees"]),
        _by_first_word(before),
        _by_first_word(after),
        frozenset(normalise_word(w) for w in negation["cancel"]),
        frozenset(w for phrase in before | after for w in phrase),
    )


def _negations_in(
    tokens: Sequence[str], table: Mapping[str, tuple[tuple[str, ...], ...]]
) -> list[tuple[int, int]]:
    """(start, end) of each negation of ``table`` in ``tokens``, the longest at each word."""
    found = []
    for i, token in enumerate(tokens):
        for phrase in table.get(token, ()):
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                found.append((i, i + len(phrase)))
                break
    return found


def _remark_clause(tokens: Sequence[str], vocab: _RemarkWords) -> tuple[bool, bool]:
    """(whether the words of one clause are a remark's, whether the clause denies every
    haemolysis, lipaemia or icterus it names).  A negation counts only where it reaches a
    remark word: before it ("nicht hämolytisch", "sans hémolyse", "kein Hinweis auf Hämolyse")
    or after it ("Hämolyse: negativ", "emolisi assente"; not "Hämolyse nicht ausgeschlossen");
    with a degree ("not grossly haemolysed") a haemolysis is still said."""
    named = [i for i, token in enumerate(tokens) if token in vocab.words]
    before = [(s, e) for s, e in _negations_in(tokens, vocab.before) if any(r >= e for r in named)]
    after: list[tuple[int, int, bool]] = []
    for s, e in _negations_in(tokens, vocab.after):
        if any(r < s for r in named):
            cancelled = s > 0 and tokens[s - 1] in vocab.cancel and any(r < s - 1 for r in named)
            after.append((s - 1 if cancelled else s, e, cancelled))
    covered = {i for s, e in before for i in range(s, e)}
    covered |= {i for s, e, _ in after for i in range(s, e)}
    valid = all(
        i in covered or token in vocab.words or token in vocab.around
        for i, token in enumerate(tokens)
    )
    denied = (
        valid
        and bool(named)
        and not any(token in vocab.degrees for token in tokens)
        and all(
            any(e <= r for _, e in before) or any(s > r and not c for s, _, c in after)
            for r in named
        )
    )
    return valid, denied


def _remark_reading(words: Sequence[_Word]) -> tuple[bool, bool]:
    """(whether ``words``, in the cell's order, are a lab's remark on the specimen, whether it
    denies every defect it names: "not haemolysed", "nicht hämolytisch, nicht lipämisch")."""
    vocab = _remark_words()
    clauses: list[list[str]] = [[]]
    for _, _, parts, new_clause in words:
        if new_clause and clauses[-1]:
            clauses.append([])
        clauses[-1].extend(parts)
    named = [any(t in vocab.words for t in clause) for clause in clauses]
    read = [_remark_clause(clause, vocab) for clause in clauses]
    valid = any(named) and all(v for v, _ in read)
    return valid, valid and all(d for (_, d), n in zip(read, named, strict=True) if n)


def remark_denied(remark: str) -> bool:
    """Whether a lab's remark on a result says the specimen is fine: it names haemolysis,
    lipaemia or icterus only to deny it ("not haemolysed", "nicht hämolytisch", "non hémolysé",
    "sans hémolyse", "no hemolizado", "non emolizzato", "niet gehemolyseerd", "Hämolyse:
    negativ": synonyms.toml [values.result_remarks] with the notes' negations, cues.toml
    [negation]).  False for any other word, and for a defect said, even beside a denied one."""
    return _remark_reading(_cell_words(remark))[1]


@cache
def _result_text_statements() -> re.Pattern[str] | None:
    """The serum-index words and the statements on the specimen or the run that make a text
    a result's own (synonyms.toml [values.result_remarks] words, [values.result_texts]
    specimen), as whole words of the normalised text."""
    table = synonyms_data()["values"]
    return _phrases([*table["result_remarks"]["words"], *table["result_texts"]["specimen"]])


# a number and the word after it ("150 ng/mL", "Kontrollwert 148 ng/ml"): a value in its unit
_NUMBER_AND_UNIT: Final = re.compile(r"\d+(?:[.,]\d+)?\s*([^\s,;()\[\]]+)")


def says_result_itself(text: str) -> bool:
    """Whether a text sent as a result under a test's code says something of the result itself
    (synonyms.toml [values.result_texts]): a number read as a result ("<0.5", ">200", "ca.
    150", "150 ng/mL nach Verdünnung") or a number in a prolactin unit inside words, a "no
    result" word or code ("n.d.", "nicht bestimmbar"), a bound without a number ("<LOD", "über
    Messbereich"), a lab word ("erhöht"), a result status ("vorläufig", "storniert"), a
    serum-index remark ("hämolytisch") or a statement on the specimen or the run ("Probe
    geronnen", "wrong tube").  False for any other text: a clinical note or a remark for the
    clinician ("Pat. klagt über Gesichtsfeldausfall", "Patientin nimmt Haloperidol 5 mg"), which
    the HL7 reader reads as the comment of the result beside it (triage.io.hl7)."""
    if not text.strip() or parse_quantity(text).status != "unparseable":
        return True
    if (
        is_missing_code(text)
        or may_mean_not_detected(text)
        or below_limit_unnumbered(text)
        or above_range_unnumbered(text)
        or lab_word(text) is not None
        or result_status(text) is not None
        or diluted_cell(text) is not None
    ):
        return True
    if any(normalise_unit(unit) is not None for unit in _NUMBER_AND_UNIT.findall(text)):
        return True
    statements = _result_text_statements()
    return statements is not None and statements.search(normalise_word(text)) is not None


def _remark_bracketed(text: str) -> str | None:
    """The cell with a lab's remark on the specimen written beside the number, before or after
    it ("260 haemolysed", "hämolytisch 260", "260 ng/mL, leicht lipämisch", "260 non hémolysé":
    synonyms.toml [values.result_remarks]), put in brackets after the rest ("260
    (haemolysed)"), as such a remark is read; None when the cell writes no such remark, or
    nothing but it."""
    if not any(ch.isalpha() for ch in text):
        return None
    vocab = _remark_words()
    spans = _cell_words(text)
    if not any(part in vocab.words for _, _, parts, _ in spans for part in parts):
        return None
    known = vocab.words | vocab.around | vocab.negating

    def edge(order: list[_Word], backwards: bool) -> int:
        """How many words from the start of ``order`` form a remark (0: none)."""
        taken = 0
        while taken < len(order) and all(p in known for p in order[taken][2]):
            taken += 1
        for size in range(taken, 0, -1):
            inner = order[size - 1][2]
            if not inner or inner[-1 if not backwards else 0] in vocab.joins:
                continue  # never ends on "und"
            if _remark_reading(order[:size][::-1] if backwards else order[:size])[0]:
                return size
        return 0

    front = edge(spans, backwards=False)
    back = edge(spans[::-1], backwards=True) if front < len(spans) else 0
    if not front and not back:
        return None
    start = spans[front][0] if front < len(spans) else len(text)
    end = spans[len(spans) - back - 1][1] if back else len(text)
    rest = text[start:end].strip(" /|" + _WORD_MARKS)
    if not any(ch.isdigit() for ch in rest):
        return None
    remarks = [text[: spans[front - 1][1]]] if front else []
    remarks += [text[spans[len(spans) - back][0] :]] if back else []
    said = "; ".join(r.strip(" " + _WORD_MARKS) for r in remarks)
    return f"{rest} ({said})"


@dataclass(frozen=True, slots=True)
class _CheckWords:
    before: re.Pattern[str]  # a check word, then the reading
    after: re.Pattern[str]  # the reading, then a check word
    said: frozenset[str]  # the words as compared (normalise_word)


@cache
def _check_words() -> _CheckWords:
    table = synonyms_data()["values"]["result_checks"]
    words = [*table["done"], *table["pending"]]
    spelled = sorted({*words, *map(normalise_word, words)}, key=len, reverse=True)
    said = rf"(?:(?<!\w)(?:{'|'.join(map(re.escape, spelled))})(?!\w)|\?+)"
    return _CheckWords(
        re.compile(rf"\s*(?P<said>{said})\s*[:=]?\s*(?P<rest>[<>≤≥~]?\s*\d.*)", re.I),
        re.compile(rf"(?P<rest>.*\d.*?)[\s,;:\-–—]*(?P<said>{said})\s*[.!]?\s*", re.I),
        frozenset(map(normalise_word, words)),
    )


def is_result_check(remark: str) -> bool:
    """Whether a remark beside a result says it was checked or repeated, or is to be checked
    ("contrôlé", "à recontrôler", "?": synonyms.toml [values.result_checks])."""
    said = normalise_word(remark.strip(" ()[]"))
    return said in _check_words().said or (bool(said) and set(said) == {"?"})


def _check_bracketed(text: str) -> str | None:
    """The cell with a check word written before or after its number without brackets
    ("Contrôlé: 300", "300 à recontrôler", "300 ?": synonyms.toml [values.result_checks]) put
    in brackets after the rest ("300 (Contrôlé)"), as such a word is read; None when the cell
    writes none."""
    if not any(ch.isalpha() or ch == "?" for ch in text):
        return None  # no word ("45.2"): nothing to match
    words = _check_words()
    found = words.before.fullmatch(text) or words.after.fullmatch(text)
    if found is None:
        return None
    return f"{found.group('rest').strip()} ({found.group('said')})"


@cache
def _out_of_range_pattern() -> re.Pattern[str]:
    phrases = [
        (mark, normalise_word(p))
        for mark, listed in synonyms_data()["values"]["out_of_range"].items()
        for p in listed
    ]
    groups = "|".join(
        f"(?P<{'above' if mark == '>' else 'below'}{n}>{re.escape(p)})"
        for n, (mark, p) in enumerate(sorted(phrases, key=lambda mp: -len(mp[1])))
    )
    groups = f"{groups}|(?P<aboveclass>{_above_range_class()})"
    return re.compile(rf"[(\[]?\s*(?:{groups})\s*[)\]]?")


def _beyond_range(post: str) -> tuple[str, str] | None:
    """(the qualifier, the text after the number without the remark) when that text says the
    number lies beyond the measuring range ([values.out_of_range]), else None."""
    text = normalise_word(post)
    found = _out_of_range_pattern().search(text)
    if found is None or found.lastgroup is None:
        return None
    mark = ">" if found.lastgroup.startswith("above") else "<"
    return mark, text[: found.start()] + " " + text[found.end() :]


def comparator(cell: object) -> str | None:
    """The qualifier a comparator cell means ("<", ">", "" for "=" or a blank cell), as a column
    of its own writes it beside the number ("<", ">=", "≤", "less than", "größer als"); None
    when the cell is no comparator."""
    if is_empty_value(cell):
        return ""
    if not isinstance(cell, str):
        return None
    return _words().qualifiers.get(_qualifier_key(_clean_text(cell).strip()))


def _qualifier_key(text: str) -> str:
    """A qualifier as compared: lower case, accents removed ("jusqu’à" -> "jusqu'a")."""
    return normalise_word(text.replace("’", "'"))


def _starts_with_word(text: str, word: str) -> bool:
    """``text`` starts with ``word``, and a word ending in a letter ends there ("tot" is not
    the start of "total")."""
    if not text.startswith(word):
        return False
    after = text[len(word) : len(word) + 1]
    return not (word[-1:].isalpha() and after.isalpha())


def _prefix_qualifier(prefix: str, flags: list[str]) -> str | None:
    """The qualifier written before the number ("" when none); None when the text is not one.
    The flags written there are added to ``flags``."""
    words = _words()
    rest = _qualifier_key(prefix)
    qualifier = ""
    while rest:
        for spelling in words.qualifier_spellings:
            if _starts_with_word(rest, spelling):
                qualifier = words.qualifiers[spelling] or qualifier
                rest = rest[len(spelling) :].strip()
                break
        else:
            token, _, remainder = rest.partition(" ")
            if token in words.flags or token.strip("()[]") in words.flags:
                flags.append(token.strip("()[]"))
                rest = remainder.strip()
                continue
            return None
    return qualifier


def _tail_unit(
    tail: str,
    flags: list[str],
    beside: list[BracketedNumber] | None = None,
    decimal: str | None = None,
    result: float | None = None,
) -> str | None:
    """The unit written after the number ("" when none); None when the tail is not unit/flags
    or holds a second result in brackets.  The flags written there are added to ``flags``, the
    numbers in brackets written as a conversion to ``beside``.  A number alone in brackets
    equal to ``result`` (the cell's number, read with the same decimal mark: "45 (45)",
    "45,2 (45,2)") repeats it and is no second result."""
    words = _words()
    rest = tail.strip()
    unit_parts: list[str] = []
    for inner in _BRACKETED.findall(rest):
        inner_norm = normalise_word(inner)
        if inner_norm in words.flags:
            flags.append(inner_norm)
            continue
        number = bracketed_number(inner, decimal)
        if number is not None and number.conversion:
            if beside is not None:
                beside.append(number)
            continue
        if _unlabelled(number):
            if _same_result(number, result):
                continue  # "45 (45)": the result repeated
            return None  # "2500 (5300)": a second result, which one is meant?
        if looks_like_unit(inner):
            unit_parts.append(inner.strip())
        elif second_number_in_brackets(f"({inner})"):
            return None  # a second result (a repeat, the diluted value): which one is meant?
        # anything else in brackets is a remark ("on dilution") and is ignored
    rest = _flag_glyphs().sub(r" \g<0> ", _BRACKETED.sub(" ", rest))
    leftover: list[str] = []
    tokens = rest.split()
    at = 0
    separators = _flag_separators()
    while at < len(tokens):
        token = tokens[at]
        if token in separators and at + 1 < len(tokens) and tokens[at + 1][:1].isalpha():
            at += 1  # "28 ng/mL - Siemens": a dash before a word separates, it flags nothing
            continue
        if normalise_word(token) in words.flags or token in words.flags:
            flags.append(token)
            at += 1
            continue
        worded = _lab_word_at(tokens, at)  # "260 erhöht", "260 deutlich erhöht", "260 te hoog"
        if worded:
            flags.append(worded)
            at += len(worded.split())
            continue
        leftover.append(token)
        at += 1
    if leftover:
        candidate = " ".join(leftover)
        if not looks_like_unit(candidate):
            return None
        unit_parts.insert(0, candidate)
    return " ".join(unit_parts)


# ------------------------------------------------------------------------------------------------
# A diluted result written with words: "8200 diluted", "> 470, after dilution 1:100: 8200"
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DilutedCell:
    """A result cell that writes the sample's result after dilution (synonyms.toml
    [values.diluted_result]): the diluted reading, the undiluted one when written beside it,
    and each part as written."""

    diluted: Quantity
    diluted_text: str  # the part that writes it ("after dilution 1:100: 8200")
    undiluted: Quantity | None = None
    undiluted_text: str = ""  # the undiluted reading without its words ("> 470", "150")
    text: str = ""  # the cell as written
    diluted_reading: str = ""  # the diluted reading without its words ("8200 mIU/L")

    @property
    def diluted_taken(self) -> bool:
        """The diluted reading is the result: always, unless the undiluted one is higher (a
        dilution never lowers a result)."""
        neat = self.undiluted
        if neat is None or neat.value is None or self.diluted.value is None:
            return True
        return not (neat.qualifier != "<" and neat.value > self.diluted.value)

    @property
    def quantity(self) -> Quantity:
        """The cell read as the result that counts, in the unit either part names."""
        taken = self.diluted if self.diluted_taken else self.undiluted
        assert taken is not None
        neat_unit = self.undiluted.unit_text if self.undiluted is not None else ""
        unit = self.diluted.unit_text or neat_unit
        return Quantity(
            "ok", taken.value, taken.qualifier, unit, self.text, taken.flag, taken.beside
        )


@dataclass(frozen=True, slots=True)
class _DilutionWords:
    diluted: frozenset[str]
    undiluted: frozenset[str]
    fillers: frozenset[str]
    longest: int  # words in the longest phrase
    probe: re.Pattern[str]  # any diluted or undiluted word, in the text as normalise_word has it


@cache
def _dilution_words() -> _DilutionWords:
    table = synonyms_data()["values"]["diluted_result"]
    diluted = _word_set(table["diluted"])
    undiluted = _word_set(table["undiluted"])
    probe = _phrases([*table["diluted"], *table["undiluted"]])
    assert probe is not None
    return _DilutionWords(
        frozenset(normalise_word(w) for w in diluted),
        frozenset(normalise_word(w) for w in undiluted),
        frozenset(normalise_word(w) for w in table["fillers"]) | {":", "="},
        max(len(w.split()) for w in diluted | undiluted),
        probe,
    )


# Where a cell is cut into its readings: ";", "|", a line break, a comma before a space.
_READING_BREAK = re.compile(r"\s*(?:[;|\n]|,(?=\s))\s*")
# How a dilution is written beside the diluted value: "1:100", "1/100", "1 in 100", "x100",
# "100x", "100-fold", "100fach" (never part of a longer number or a time: "11:30").
_RATIO = re.compile(
    r"(?<![\w.,:/])1\s*[:/]\s*\d+(?![\w.,:/]?\d)|(?<![\w.,])1\s+(?:in|auf|sur|en|su|op)\s+\d+\b"
    r"|(?<!\w)[x×]\s*\d+\b|(?<![\w.,])\d+\s*[x×](?!\w)"
    r"|(?<![\w.,])\d+\s*-?\s*(?:fold|fach|voudig|fois|volte|veces)\b",
    re.IGNORECASE,
)


def diluted_cell(cell: object, decimal: str | None = None) -> DilutedCell | None:
    """The cell read as a result after dilution written with words outside brackets (module
    synonyms.toml [values.diluted_result]: "8200 diluted", "verdünnt: 8200", "diluted 1:100 =
    8200", "undiluted 150; 1:100 dilution 8200", "> 470, after dilution 1:100: 8200", or in
    brackets after the result: "> 470,0 (verd. 1:10: 3.250)"), or None
    when it is not one: no dilution word, a part that is no reading once its words are taken
    off, two numbers neither of which is the diluted one, two diluted or two undiluted ones, or
    units that differ."""
    if not isinstance(cell, str) or not any(ch.isalpha() for ch in cell):
        return None  # no word at all (most cells): no dilution word
    words = _dilution_words()
    text = _BRACKETED.sub(lambda m: _dilution_remark(m, words), _clean_text(cell))
    text = re.sub(r" {2,}", " ", text).strip()
    if decimal is None:  # "> 470,0; verd. 1:10: 3.250": its parts' mark ("3.250" is 3250)
        decimal = infer_decimal_mark(_READING_BREAK.split(text))
    inside = [normalise_word(inner) for inner in _BRACKETED.findall(text)]
    if words.probe.search(normalise_word(_BRACKETED.sub(" ", text))) is None or any(
        words.probe.search(inner) for inner in inside
    ):
        return None  # no dilution word outside brackets, or one inside ("180 (diluted 9800)")
    readings: list[tuple[str, Quantity, str, str]] = []  # (kind, reading, part, its reading)
    said: list[str] = []  # the kinds the parts without a number say
    for part in _READING_BREAK.split(text):
        if not part.strip():
            continue
        read = _dilution_part(part, words, decimal)
        if read is None:
            return None
        kind, quantity, rest = read
        if quantity is not None:
            readings.append((kind, quantity, part.strip(), rest))
        elif kind:
            said.append(kind)
    found = _dilution_readings(readings, said)
    return replace(found, text=cell.strip()) if found is not None else None


def _dilution_remark(found: re.Match[str], words: _DilutionWords) -> str:
    """A bracket after a result that says only how it was obtained ("260 (dilution 1:10)",
    "260 (1:10 verdünnt)", "260 (dilué au 1/10)"): its words, the brackets taken off, so that
    the cell reads as a dilution written outside brackets; one that gives the diluted value
    ("> 470,0 (verd. 1:10: 3.250)", "180 (1:100 dilution: 9800)"): a part of its own, as after
    a ";"; any other bracket as written."""
    inner = found.group(1)
    if words.probe.search(normalise_word(inner)) is None:
        return found.group(0)
    if any(ch.isdigit() for ch in _RATIO.sub(" ", inner)):
        return f"; {inner.strip()}"
    return f" {inner.strip()} "


def _dilution_part(
    part: str, words: _DilutionWords, decimal: str | None
) -> tuple[str, Quantity | None, str] | None:
    """(the kind the part says: "diluted", "undiluted" or ""; its reading, None when it holds
    no number; the reading as written without the words), or None when it holds something
    else or says both kinds."""
    tokens = _RATIO.sub(" ", part).replace("=", " = ").split()
    kinds: set[str] = set()
    kept: list[str] = []
    at = 0
    while at < len(tokens):
        for size in range(min(words.longest, len(tokens) - at), 0, -1):
            phrase = normalise_word(" ".join(tokens[at : at + size]))
            kind = (
                "diluted"
                if phrase in words.diluted
                else "undiluted"
                if phrase in words.undiluted
                else ""
            )
            if kind:
                kinds.add(kind)
                at += size
                break
        else:
            token = tokens[at]
            if normalise_word(token) not in words.fillers and token.strip(":=") != "":
                kept.append(token)
            at += 1
    if len(kinds) > 1:
        return None
    kind = next(iter(kinds), "")
    rest = " ".join(kept).strip(" :=")
    if not rest:
        return kind, None, ""
    quantity = _parse_quantity_text(rest, decimal)
    if quantity.status != "ok" or any(
        ch.isdigit() for ch in _BRACKETED.sub(" ", quantity.unit_text)
    ):
        return None  # no reading, or a second number left in its unit ("8200 mIU/L 8200 ng/mL")
    return kind, quantity, rest


def _dilution_readings(
    readings: list[tuple[str, Quantity, str, str]], said: list[str]
) -> DilutedCell | None:
    """The cell's readings as a DilutedCell (see diluted_cell)."""
    if len(readings) == 1:  # "8200 diluted", "8200, diluted 1:100"
        kind, quantity, written, reading = readings[0]
        kinds = {kind, *said} - {""}
        if kinds != {"diluted"}:
            return None
        return DilutedCell(quantity, written, diluted_reading=reading)
    if len(readings) != 2 or said:
        return None
    diluted = [r for r in readings if r[0] == "diluted"]
    undiluted = [r for r in readings if r[0] != "diluted"]
    if len(diluted) != 1 or len(undiluted) != 1:
        return None
    (_, value, written, reading), (_, neat, _, neat_written) = diluted[0], undiluted[0]
    units = {normalise_unit(u) for u in (value.unit_text, neat.unit_text) if u}
    if len(units) > 1 or None in units or value.qualifier == "<":
        return None  # two units, or a diluted "<" bound beside an undiluted result: unclear
    return DilutedCell(value, written, neat, neat_written, diluted_reading=reading)


@dataclass(frozen=True, slots=True)
class _SeeNote:
    pointer: re.Pattern[str]  # the whole cell
    label: re.Pattern[str]  # a leading label word of the note


@cache
def _see_note() -> _SeeNote:
    table = synonyms_data()["values"]["see_note"]
    refer, nouns = _alternation(table["refer"]), _alternation(table["nouns"])
    words = [*table["labels"], *table["nouns"]]  # a notes column's header too
    spelled = {*words, *map(normalise_word, words)}
    labels = "|".join(re.escape(w) for w in sorted(spelled, key=len, reverse=True))
    return _SeeNote(
        re.compile(rf"(?:{refer})\s*(?:[^\s]+\s+){{0,2}}?(?:{nouns})"),
        # matched in the note as written: each label as listed and without its accents
        re.compile(rf"(?:{labels})(?![\w])\s*[:=]?\s*", re.IGNORECASE),
    )


def says_see_note(cell: object) -> bool:
    """The (unparseable) prolactin cell gives no result but points to the row's note ("zie
    opmerking", "see comment", "voir commentaire", "siehe Befundtext": synonyms.toml
    [values.see_note])."""
    if not isinstance(cell, str) or not any(ch.isalpha() for ch in cell):
        return False
    text = normalise_word(cell.replace("’", "'")).strip(" ()[]!*:.-")
    return _see_note().pointer.fullmatch(text) is not None


def _without_labels(text: str) -> str:
    """``text`` without up to two leading label words ("waarde", "result: ", "Prolaktin
    Ergebnis")."""
    label = _see_note().label
    text = text.strip()
    for _ in range(2):
        found = label.match(text)
        if found is None:
            break
        text = text[found.end() :]
    return text


def note_reading(note: object) -> str | None:
    """The part of a note to read as the row's prolactin result (the cell pointing to it:
    says_see_note): the whole note, else the one part of it (cut at ";", "|", a line break)
    that reads as a result cell with a prolactin unit once its leading labels are taken off
    ("waarde 6.200 mE/l na verdunning 1:10" -> "6.200 mE/l na verdunning 1:10"); None when no
    part or more than one does.  The part is read by the caller with the column's decimal
    mark."""
    if not isinstance(note, str) or not note.strip():
        return None
    parts = [p for p in re.split(r"\s*[;|\n]\s*", note.strip()) if p.strip()]
    # then at a comma before a space too ("patient NAM CARJ80560612, 5600 ng/mL")
    # but never between the two digit groups of a decimal comma ("45, 2 ng/mL", "12, 5 µg/l")
    pieces = [p for p in _NOTE_PIECES.split(note.strip()) if p.strip()]
    for texts in ([note.strip()], parts, pieces):
        found = [r for r in map(_note_part_reading, texts) if r is not None]
        if len(found) == 1:
            return found[0]
        if found:
            return None  # two readings: which is the result is not clear
    return None


# A note's cut: ";", "|", a line break, or a comma before a space unless it sits between two digit
# groups whose second one (of up to three digits: a decimal part) is followed by a unit or the
# end ("45, 2 ng/mL", "12, 5 µg/l": a decimal comma; not "CARJ80560612, 5600 ng/mL")
_NOTE_PIECES: Final = re.compile(
    r"\s*(?:[;|\n]|,(?=\s)(?!(?<=\d,)\s*\d{1,3}(?!\d)\s*(?:[^\W\d_]|$)))\s*"
)


def _note_part_reading(text: str) -> str | None:
    """The reading of one part of a note with its prolactin unit (note_reading), with its
    leading labels taken off, else as written: a label that is a dilution word stays with its
    ratio ("dilution 1:100: 5600 ng/mL")."""
    for rest in dict.fromkeys((_without_labels(text), text.strip())):
        quantity = parse_quantity(rest)
        info = normalise_unit(quantity.unit_text) if quantity.status == "ok" else None
        if info is None:  # "292 µg/l dopo diluizione": its unit read with the words after
            diluted = diluted_cell(rest)
            if diluted is not None and diluted.diluted_taken:
                info = normalise_unit(diluted.diluted.unit_text)
                rest = diluted.diluted_reading
        if info is not None:
            return rest
    return None


# A date or a time in a note ("14/05/2024", "2024-05-14", "08:30"): no result
_DATE_OR_TIME: Final = re.compile(
    r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}|(?<![\d.,])\d{1,2}\s*[:hu]\s*\d{2}(?![\d.,])"
)


@dataclass(frozen=True, slots=True)
class _NoteIds:
    labelled: re.Pattern[str]  # an id label and the number after it
    min_digits: int  # a run of this many digits is an id


@cache
def _note_ids() -> _NoteIds:
    table = synonyms_data()["values"]["see_note"]
    labels = table["id_labels"]
    spelled = sorted({*labels, *map(normalise_word, labels)}, key=len, reverse=True)
    between = r"(?:\s*(?:n°|nº|no\.?|nr\.?|num\.?|#|:|-|\+)\s*)*"
    return _NoteIds(
        re.compile(
            rf"(?<!\w)(?:{'|'.join(map(re.escape, spelled))})(?!\w){between}\s*\d[\d\s./-]*",
            re.IGNORECASE,
        ),
        int(table["id_min_digits"]),
    )


def _id_or_value(found: re.Match[str]) -> str:
    """An id label's number taken out of a note, unless a prolactin unit follows it ("Order
    6500 mIU/L", "Patient: 6500 mIU/L": a value whatever word precedes it, review 28)."""
    after = found.string[found.end() :].split(maxsplit=1)
    if after and normalise_unit(after[0].rstrip(".,;:)")) is not None:
        return found.group(0)
    return " "


def cell_numbers(cell: object) -> list[tuple[float, str]]:
    """The numbers of a result cell not read that stand as a result (note_numbers): alone, or
    with a prolactin unit or a comparator, never one with another unit ("200 uL", "2 h", "3
    Wochen": synonyms.toml [values.see_note] other_units, a duration), an id ("ref 4471",
    "tube 2345": id_labels), nor, in a cell saying the sample was not analysed ("insufficient",
    "clotted", "non fait": [values.result_texts] specimen, [values.result_remarks] words,
    [values.see_note] not_analysed), any number without its prolactin unit (review 28)."""
    if not isinstance(cell, str):
        return []
    numbers = note_numbers(cell)
    said = normalise_word(cell)
    statements = _result_text_statements()
    not_analysed = _not_analysed()
    unread = (statements is not None and statements.search(said) is not None) or (
        not_analysed is not None and not_analysed.search(said) is not None
    )
    other = _other_units()
    kept = []
    for value, unit in numbers:
        other_unit = bool(unit) and (
            looks_like_unit(unit) or normalise_word(unit).rstrip(".") in other
        )
        if normalise_unit(unit) is not None or not (unread or other_unit):
            kept.append((value, unit))
    return kept


@cache
def _not_analysed() -> re.Pattern[str] | None:
    return _phrases(synonyms_data()["values"]["see_note"]["not_analysed"])


@cache
def _other_units() -> frozenset[str]:
    return frozenset(
        normalise_word(u) for u in synonyms_data()["values"]["see_note"]["other_units"]
    )


# A number glued to the letters before it ("CARJ80560612", "NAM-8056", "A123"), and one written
# with a leading zero ("0201234567", "06-12345678"; not "0,5" nor "0.5"): an id's digits
_GLUED_OR_ZERO: Final = re.compile(r"[^\W\d_]+-?\d[\w-]*|(?<![\d.,])0\d[\d-]*")


def note_numbers(note: object) -> list[tuple[float, str]]:
    """Each number a note holds that may be a result (not a dilution ratio, a date, a time or
    an identifier's digits: synonyms.toml [values.see_note] id_labels, id_min_digits), at its
    larger reading ("6.200": 6200), with the unit written after it ("" where none)."""
    return list(_text_numbers(note)) if isinstance(note, str) else []


@lru_cache(maxsize=4096)
def _text_numbers(note: str) -> tuple[tuple[float, str], ...]:
    ids = _note_ids()
    text = _DATE_OR_TIME.sub(" ", _RATIO.sub(" ", note))
    text = _GLUED_OR_ZERO.sub(" ", ids.labelled.sub(_id_or_value, text))
    numbers: list[tuple[float, str]] = []
    for found in re.finditer(r"(\d(?:[\d.,]*\d)?)\s*([^\s\d;,|()]*)", text):
        digits = found.group(1)
        if len(digits) >= ids.min_digits and digits.isdigit():
            continue  # "123456782": a BSN, an order number
        values = [r for r in (parse_number(digits, mark) for mark in (".", ",")) if r is not None]
        if values:
            numbers.append((max(values), found.group(2)))
    return tuple(numbers)


# ------------------------------------------------------------------------------------------------
# Intervals: "4.8-23.3", "4,8 - 23,3", "< 25", "102-496", "4.8 to 23.3"
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Interval:
    """A lab's reference interval; a side is None when open ("< 25" has no low)."""

    low: float | None
    high: float | None
    unit_text: str = ""


@cache
def _range_patterns() -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """(two limits with a separator, words before the first limit), synonyms.toml
    [values.intervals]."""
    data = synonyms_data()["values"].get("intervals", {})
    between = data.get("between", [])
    words = sorted({normalise_word(w) for w in between} | {w.lower() for w in between}, key=len)
    spelled = "|".join(re.escape(w) for w in reversed(words))
    glued = "|".join(re.escape(w) for w in ("to", "bis", "à", "a", "au", "al", "hasta"))
    separator = rf"\s*(?:-|–|—|~|…|\.\.+)\s*|\s+(?:{spelled})\s+|\s*(?:{glued})\s*"
    pattern = re.compile(rf"(?P<a>.*?\d)(?:{separator})(?P<b>[<>≤≥]?\s*[.,]?\d.*)", re.IGNORECASE)
    labels = data.get("before", [])
    before = sorted(
        {normalise_word(w) for w in labels} | {w.lower() for w in labels}, key=len, reverse=True
    )
    # a word, then "." and ":" as written ("Ref. <", "VN : 4,8", "N:<23"), then a limit or the
    # comparator of a one-sided interval ("Norm < 23,3", "normaal ≤ 23,3")
    lead = (
        re.compile(
            r"(?:"
            + "|".join(re.escape(w) for w in before)
            + r")(?![^\W_])\.?\s*:?\s*(?=[<>≤≥]|[.,]?\d)",
            re.IGNORECASE,
        )
        if before
        else None
    )
    return pattern, lead


_TWO_READINGS: Final = re.compile(r"[<>≤≥]?\s*([1-9]\d{0,2})[.,](\d{3})(?:\s*[^\d.,\s]\S*)?")


def two_readings(cell: str) -> tuple[float, float] | None:
    """(decimal reading, thousands reading) of a result written with one separator before three
    digits ("6,250" -> 6.25 and 6250, "1.150 ng/mL" -> 1.15 and 1150), else None."""
    found = _TWO_READINGS.fullmatch(cell.strip())
    if found is None:
        return None
    whole, part = found.group(1), found.group(2)
    return float(f"{whole}.{part}"), float(whole + part)


# Two limits in what follows an interval's upper limit: a second interval, not a unit.
_ANOTHER_RANGE: Final = re.compile(r"\d\s*(?:-|–|—)\s*[.,]?\d")


def parse_interval(cell: object, decimal: str | None = None) -> Interval | None:
    """A reference interval written as text; None when the text is not one.

    "4.8-23.3", "4,8 bis 23,3", "de 4,8 a 23,3", "< 25", "hasta 25", "fino a 25 ng/mL", "0 - 25",
    "[4.8;23.3]" (the words are synonyms.toml [values.qualifiers] and [values.intervals])."""
    if not isinstance(cell, str):
        return None
    cleaned = _clean_text(cell).strip()
    text = cleaned.strip("()[]{} ")
    if not text:
        return None
    if cleaned[:1] in "[(]" and cleaned[-1:] in "])[" and text.count(";") == 1:
        text = text.replace(";", " - ")  # the bracketed notation "[4.8;23.3]", "]4,8;23,3["
    pattern, lead = _range_patterns()
    opening = lead.match(text) if lead is not None else None
    if opening is not None:
        text = text[opening.end() :].strip()
    match = pattern.fullmatch(text)
    if match:
        low = _parse_quantity_text(match.group("a"), decimal)
        high = _parse_quantity_text(match.group("b"), decimal)
        if low.status != "ok" or high.status != "ok" or low.value is None or high.value is None:
            return None
        if low.qualifier or high.qualifier or low.value > high.value:
            return None
        if (low.flag and low.text[:1].isalpha()) or _ANOTHER_RANGE.search(high.unit_text):
            # a label read as a flag ("H 4,0-15,2": hommes, heren) or a second interval after
            # the first ("H 4,0-15,2 / D 4,8-23,3"): a cell of intervals per group
            return None
        return Interval(low.value, high.value, high.unit_text or low.unit_text)
    single = _parse_quantity_text(text, decimal)
    if single.status != "ok" or single.value is None:
        return None
    if single.qualifier == "<":
        return Interval(None, single.value, single.unit_text)
    if single.qualifier == ">":
        return Interval(single.value, None, single.unit_text)
    return None


# A comparator in an interval column's header ("Ref <", "Normal (<)", "VR ≤", "Norm <="): its lone
# numbers are upper limits.
_UPPER_IN_HEADER: Final = re.compile(r"[<≤＜]|=<")


def header_says_upper_limit(header: str) -> bool:
    """An interval column's header says its lone numbers are upper limits: it writes "<" or "≤"
    ("Ref <", "Normal (<)", "Referenzbereich ≤")."""
    return _UPPER_IN_HEADER.search(header) is not None


def sex_pair_interval(
    cell: object, decimal: str | None = None
) -> tuple[Interval | None, Interval | None] | None:
    """The (women's, men's) interval a reference cell gives: one for both ("63-245", "< 245",
    "< 0,60"), or one per sex ("M: < 0,43; F: < 0,60", "M 63-245; F 75-381", an adults' group
    for both); None when the cell gives neither (a post-PEG interval's reading: long and wide
    files alike)."""
    one = parse_interval(cell, decimal)
    if one is not None:
        return one, one
    groups = parse_sex_intervals(cell, decimal) if isinstance(cell, str) else None
    if not groups:
        return None
    return groups.get("F") or groups.get("any"), groups.get("M") or groups.get("any")


def lone_number(cell: object, decimal: str | None = None) -> float | None:
    """The value of an interval cell that is a number alone ("23.3", "23,3", 324), without a
    qualifier, flag, unit or second number: perhaps the lab's upper limit, perhaps not (the
    engine judges it beside the reference set's interval); else None."""
    if isinstance(cell, bool) or is_empty_value(cell):
        return None
    found = parse_quantity(cell, decimal)
    if found.status != "ok" or found.value is None or found.qualifier or found.flag:
        return None
    return None if found.unit_text or found.beside else found.value


def cell_interval(cell: object, decimal: str | None = None) -> Interval | None:
    """The interval a result cell writes in brackets after its number, as printed or cumulative
    LIS reports do ("25,1 (4,8 - 23,3)", "17 [4.0-15.2]", "25,1 H (4,8-23,3)"), else None."""
    if not isinstance(cell, str) or ("(" not in cell and "[" not in cell):
        return None
    found = _QUANTITY.fullmatch(_clean_text(cell))
    if found is None:
        return None
    for inner in _BRACKETED.findall(found.group("post")):
        interval = parse_interval(inner, decimal)
        if interval is not None and interval.low is not None and interval.high is not None:
            return interval
    return None


_LABEL = re.compile(r"[^\W\d_]+\.?")
_LABEL_EDGES = " \t;,/|:=()[]{}"
_LABEL_GLUE = re.compile(r"[\s\-]*")
_MAX_LABEL_WORDS = 4
# groups whose interval is the row's own (the lab's usual interval for that sex), and the key
# they take when no sex word labels them: "non_pregnant" is the women's, "adult" any adult's
_BASE_GROUPS: Final = {"non_pregnant": "F", "adult": "any"}
# groups of either sex unless a sex word labels them ("Kinder 3-25")
_ANY_SEX_GROUPS: Final = frozenset({"child"})


@cache
def _both_sexes_join() -> re.Pattern[str]:
    """What joins two sex labels into one for both sexes: "/", "&", "+" or a word of
    synonyms.toml [values.sex] ``both_sexes_join`` ("M/F", "Männer und Frauen")."""
    words = "|".join(map(re.escape, synonyms_data()["values"]["sex"]["both_sexes_join"]))
    return compile_vocabulary(rf"\s*(?:[/&+]|{words})\s*", re.IGNORECASE)


def parse_sex_intervals(
    cell: object, decimal: str | None = None, letters: Mapping[str, str] | None = None
) -> dict[str, Interval] | None:
    """Intervals given per group in one cell; None unless every part is a label and an interval.

    Keyed "F" / "M" (the interval of that sex), "any" (an adult's of either sex: "Adults:
    4.8-23.3", "Erwachsene 86-324", "M/F 4.8-23.3"), "F:postmenopausal", "F:premenopausal",
    "any:child" (or "F:child" ...), which group_interval chooses from by the row's sex, age and
    menopausal status, and "F:pregnant", "F:pregnant_t1" ..., "F:lactating" (a physiological
    group, never a row's interval: the engine's physiological intervals come from the reference
    set).  The label comes before each interval
    ("M: 4.0-15.2; F: 4.8-23.3", "Frauen bis 25, Männer bis 20", "F: 5-25; pregnancy: 10-209",
    "Women 5-25 (pregnant 10-209)") or after each one ("<25 (mujeres), <20 (hombres)",
    "5-25 (non-pregnant)"); the labels are the [values.sex] words and
    [values.sex.interval_groups] phrases (a non-pregnant group is the women's interval).

    One-letter labels that read two ways ("M: 4,0-15,2 V: 4,8-23,3": man / vrouw or mujer /
    varón) are read as ``letters`` says (the file's language: sex_label_letters), else by the
    numbers, else the stricter interval is every group's (sex_intervals_read says which)."""
    return sex_intervals_read(cell, decimal, letters)[0]


# How sex_intervals_read read a cell's one-letter labels that read two ways ("" when none do).
LETTERS_BY_LANGUAGE: Final = "language"
LETTERS_BY_NUMBERS: Final = "numbers"
LETTERS_UNDECIDED: Final = "undecided"


def sex_intervals_read(
    cell: object, decimal: str | None = None, letters: Mapping[str, str] | None = None
) -> tuple[dict[str, Interval] | None, str]:
    """parse_sex_intervals, and how its one-letter labels were read where they read two ways
    (synonyms.toml [[values.sex.interval_letter_readings]]): LETTERS_BY_LANGUAGE (``letters``,
    the file's reading, decided), LETTERS_BY_NUMBERS (the reading whose women's upper limit is
    the higher, as in every adult set: clinical-reference §2.2), LETTERS_UNDECIDED (the
    stricter interval, the lower upper limit, is every group's: never a false normal), or ""."""
    if not isinstance(cell, str):
        return None, ""
    text = _sex_symbols_named(_clean_text(cell))
    labels = _interval_labels(text)
    if not labels:
        return None, ""
    singles = {text[a:b].strip(".").lower() for a, b, _ in labels if len(text[a:b].strip(".")) == 1}
    tables: list[tuple[dict[str, str], dict[str, Interval]]] = []
    for reading in _letter_readings(singles, letters):
        relabelled = [
            (a, b, _with_sex(key, reading.get(text[a:b].strip(".").lower())))
            for a, b, key in labels
        ]
        found = _labelled(text, relabelled, decimal, first=True)
        if found is None:
            found = _labelled(text, relabelled, decimal, first=False)
        if found is None:
            found = _led(text, relabelled, decimal)
        if not found or any(found == t for _, t in tables):
            continue
        read = {
            text[a:b].strip(".").lower(): key.partition(":")[0]
            for a, b, key in relabelled
            if len(text[a:b].strip(".")) == 1
        }
        if _letters_fit(found, read):
            tables.append((read, found))
    if not tables:
        return None, ""
    how = ""
    if len(tables) > 1:
        found, how = _decide_letters(tables, letters)
    else:
        found = tables[0][1]
    units = {i.unit_text for i in found.values() if i.unit_text}
    if len(units) == 1:  # "M 86-324, F 102-496 mU/L": the one unit is every part's
        (unit,) = units
        found = {key: Interval(i.low, i.high, i.unit_text or unit) for key, i in found.items()}
    return found, how


def _with_sex(key: str, sex: str | None) -> str:
    """A label's key with its sex part read otherwise ("F:postmenopausal" -> "M:...")."""
    if sex is None:
        return key
    _, colon, group = key.partition(":")
    return f"{sex}{colon}{group}"


@cache
def _interval_letter_tables() -> tuple[tuple[str, dict[str, str], frozenset[str]], ...]:
    """(name, letter -> sex, header words) of synonyms.toml
    [[values.sex.interval_letter_readings]]."""
    data = synonyms_data()["values"]["sex"].get("interval_letter_readings", [])
    return tuple(
        (
            str(r["name"]),
            {k.lower(): str(v) for k, v in r["letters"].items()},
            frozenset(normalise_word(h) for h in r.get("headers", [])),
        )
        for r in data
    )


def sex_label_letters(column: LetterReading | None, headers: Iterable[str]) -> dict[str, str]:
    """How the file's language reads one-letter sex labels that read two ways (letter -> "F" /
    "M"; sex_intervals_read): by its sex column's language-dependent codes (``column``, its
    sex_letter_reading: V beside M under "Geslacht" is vrouw, under "Sexo" varón) and by its
    headers' language (synonyms.toml [[values.sex.interval_letter_readings]] headers).  A letter
    the evidence reads both ways is left out."""
    told: list[Mapping[str, str | None]] = []
    if column is not None and column.name:
        told.append(column.letters)
    headings = [normalise_word(h) for h in headers if isinstance(h, str)]
    words = {w for h in headings for w in (h, *re.findall(r"\w+", h))}
    for _, table, names in _interval_letter_tables():
        phrases = [n for n in names if " " in n]
        if words & names or any(
            re.search(rf"\b{re.escape(n)}\b", h) for n in phrases for h in headings
        ):
            told.append(table)
    out: dict[str, str] = {}
    spoilt: set[str] = set()
    for reading in told:
        for letter, sex in reading.items():
            if sex not in ("F", "M") or out.get(letter, sex) != sex:
                spoilt.add(letter)
            else:
                out[letter] = sex
    return {k: v for k, v in out.items() if k not in spoilt}


def _letter_readings(singles: set[str], letters: Mapping[str, str] | None) -> list[dict[str, str]]:
    """The readings of an interval cell's one-letter labels: the usual one (no change: {}) and
    each language's that reads every one of them; one letter alone is read the usual way, or
    as the file's ``letters`` read it."""
    readings: list[dict[str, str]] = [{}]
    if len(singles) < 2:
        if letters and singles and next(iter(singles)) in letters:
            return [{k: letters[k] for k in singles}]  # "V 4,8-23,3" in a file of varón / mujer
        return readings
    for _, table, _ in _interval_letter_tables():
        if singles <= set(table):
            readings.append({k: v for k, v in table.items() if k in singles})
    return readings


@cache
def _interval_letters() -> dict[str, str]:
    """synonyms.toml [values.sex] interval_female_letters and interval_male_letters: labels in
    interval cells only (D dames, donne; U uomini), letter -> "F" / "M"."""
    sexes = synonyms_data()["values"]["sex"]
    found = {w: "M" for w in sexes.get("interval_male_letters", [])}
    found.update({w: "F" for w in sexes.get("interval_female_letters", [])})
    return found


@cache
def _sex_symbols() -> re.Pattern[str] | None:
    """synonyms.toml [values.sex] interval_symbols (♂, ♀) as one pattern."""
    symbols = synonyms_data()["values"]["sex"].get("interval_symbols", {})
    return compile_vocabulary("|".join(map(re.escape, symbols))) if symbols else None


def _sex_symbols_named(text: str) -> str:
    """An interval cell with each sex symbol (♂ 86-324; ♀ 102-496) written as its sex word."""
    pattern = _sex_symbols()
    if pattern is None or text.isascii():
        return text
    symbols = synonyms_data()["values"]["sex"]["interval_symbols"]
    return pattern.sub(lambda m: f" {symbols[m.group(0)]} ", text)


def _letters_fit(found: Mapping[str, Interval], read: Mapping[str, str]) -> bool:
    """A reading's table fits: two or more one-letter labels (``read``: letter -> the sex it is
    read as) name both sexes, and an interval-only letter (D: dames, donne) stands beside a
    label of the other sex."""
    only = set(_interval_letters())
    both = {"F", "M"} <= {key.partition(":")[0] for key in found}
    if len(read) >= 2 and not {"F", "M"} <= set(read.values()):
        return False
    return both or not (set(read) & only)


def _decide_letters(
    tables: list[tuple[dict[str, str], dict[str, Interval]]], letters: Mapping[str, str] | None
) -> tuple[dict[str, Interval], str]:
    """The table of the cell's readings (letter -> sex, table) that the file's ``letters``
    choose, else the numbers; else every group given the stricter interval
    (sex_intervals_read)."""

    def higher_for_women(table: Mapping[str, Interval]) -> bool | None:
        women, men = table.get("F"), table.get("M")
        if women is None or men is None or women.high is None or men.high is None:
            return None
        return None if women.high == men.high else women.high > men.high

    told = {k: v for k, v in (letters or {}).items() if v in ("F", "M")}
    fitting = [
        table
        for read, table in tables
        if any(k in told for k in read) and all(told.get(k, v) == v for k, v in read.items())
    ]
    if len(fitting) == 1:
        if higher_for_women(fitting[0]) is not False:
            return fitting[0], LETTERS_BY_LANGUAGE
        return _strictest(tables[0][1]), LETTERS_UNDECIDED  # the language and numbers disagree
    by_numbers = [table for _, table in tables if higher_for_women(table)]
    if len(by_numbers) == 1:
        return by_numbers[0], LETTERS_BY_NUMBERS
    return _strictest(tables[0][1]), LETTERS_UNDECIDED


def _strictest(table: Mapping[str, Interval]) -> dict[str, Interval]:
    """Every group of ``table`` given its interval with the lowest upper limit (then the
    highest lower limit): the one no row can be falsely normal against."""
    strict = min(
        table.values(),
        key=lambda i: (
            math.inf if i.high is None else i.high,
            -(i.low if i.low is not None else -math.inf),
        ),
    )
    return dict.fromkeys(table, strict)


def group_interval(
    table: Mapping[str, Interval],
    sex: str | None,
    age: float | None,
    menopausal: bool | None,
    ages: tuple[float, float],
) -> Interval | None:
    """The interval of ``table`` (parse_sex_intervals) that fits a row, or None when none does.

    ``ages``: (adult age, age from which a woman whose menopausal status is not given is taken as
    postmenopausal), thresholds.toml adult_age_years and childbearing_age_max_years.  A child:
    the children's group, else the sex's (the engine pairs it with the paediatric interval); a
    man: the men's; a woman: the postmenopausal group when she is postmenopausal (stated, or by
    age), the premenopausal one when she is not, else the women's.  Never another state's group
    ("postmenopausal 4.0-15.0" alone does not fit a woman of 30, nor a man)."""
    adult_age, menopause_age = ages
    if age is not None and age < adult_age:
        child = table.get(f"{sex}:child") or table.get("any:child")
        return child or (table.get(sex) if sex in ("F", "M") else None)
    adult = table.get("any")  # an adult's of either sex: never a child's (above)
    if sex == "M":
        return table.get("M") or adult
    if sex != "F":
        return adult
    post = menopausal is True or (menopausal is None and age is not None and age >= menopause_age)
    pre = menopausal is False or (menopausal is None and age is not None and not post)
    if post:
        return table.get("F:postmenopausal") or (
            None if "F:premenopausal" in table else table.get("F") or adult
        )
    if pre:
        return table.get("F:premenopausal") or table.get("F") or adult
    return table.get("F") or adult


# The groups of a per-group interval cell that an adult woman's interval comes from (never a
# physiological or children's group): the one that fits her (group_interval), or, with her
# menopausal status and age unknown, each of them.
_WOMEN_GROUPS: Final = ("F", "F:premenopausal", "F:postmenopausal")


def unsexed_intervals(
    table: Mapping[str, Interval],
    age: float | None,
    ages: tuple[float, float],
) -> list[tuple[str, Interval]] | None:
    """The (group key, interval) pairs of ``table`` (parse_sex_intervals) a row whose sex is not
    known is judged against, all together: the men's interval and the women's that fits the age
    (group_interval: premenopausal or postmenopausal by age), or every women's group when the
    age does not tell ("Men 2.5-17; premenopausal 4.8-23.3; postmenopausal 3.6-18.9" at an
    unknown age: all three).  None unless the table gives a men's and a women's interval."""
    men = group_interval(table, "M", age, None, ages)
    if men is None or men is table.get("any"):
        return None
    women = group_interval(table, "F", age, None, ages)
    if women is not None and women is not table.get("any"):
        key = next(k for k, v in table.items() if v is women)
        return [(key, women), ("M", men)]
    found = [(key, table[key]) for key in _WOMEN_GROUPS if key in table]
    return [*found, ("M", men)] if found else None


def _interval_labels(text: str) -> list[tuple[int, int, str]]:
    """(start, end, key) of each label in an interval cell: a sex word, a group phrase, or a sex
    word and a group phrase together ("Women non-pregnant"), keyed as parse_sex_intervals."""
    words = _words()
    tokens = list(_LABEL.finditer(text))
    spans: list[tuple[int, int, str | None, str | None]] = []  # start, end, sex, group
    k = 0
    while k < len(tokens):
        for size in range(min(_MAX_LABEL_WORDS, len(tokens) - k), 0, -1):
            run = tokens[k : k + size]
            glued = all(_LABEL_GLUE.fullmatch(text[a.end() : b.start()]) for a, b in pairwise(run))
            if not glued:
                continue
            phrase = text[run[0].start() : run[-1].end()]
            group = words.groups.get(_group_key(phrase))
            sex = None
            if group is None and size == 1:
                word = normalise_word(phrase.rstrip("."))
                if word not in words.honorifics or word in {"m", "frau"}:
                    sex = parse_sex(phrase.rstrip("."))
                if sex is None:  # "D 4,8-23,3 / H 4,0-15,2": dames, donne (_letters_fit)
                    sex = _interval_letters().get(word)
            if group is not None or sex is not None:
                spans.append((run[0].start(), run[-1].end(), sex, group))
                k += size
                break
        else:
            k += 1
    spans = _both_sexes(text, spans)
    labels: list[tuple[int, int, str]] = []
    k = 0
    while k < len(spans):
        start, end, sex, group = spans[k]
        nxt = spans[k + 1] if k + 1 < len(spans) else None
        if (
            nxt is not None
            and not text[end : nxt[0]].strip(_LABEL_EDGES)
            and (sex is None) != (nxt[2] is None)
        ):  # "Frauen (nicht schwanger)": one label
            sex, group = sex or nxt[2], group or nxt[3]
            end = nxt[1]
            k += 1
        k += 1
        if group is not None and group not in _BASE_GROUPS:
            default = "any" if group in _ANY_SEX_GROUPS else "F"
            labels.append((start, end, f"{sex or default}:{group}"))
        else:
            labels.append((start, end, sex or _BASE_GROUPS.get(group or "", "F")))
    return labels


def _both_sexes(
    text: str, spans: list[tuple[int, int, str | None, str | None]]
) -> list[tuple[int, int, str | None, str | None]]:
    """Two sex labels of the two sexes joined by "/", "&", "and" ... ("M/F", "Männer und
    Frauen") as one label for either sex (sex "any")."""
    merged: list[tuple[int, int, str | None, str | None]] = []
    for span in spans:
        if merged:
            start, end, sex, group = merged[-1]
            if (
                group is None
                and span[3] is None
                and {sex, span[2]} == {"F", "M"}
                and _both_sexes_join().fullmatch(text[end : span[0]])
            ):
                merged[-1] = (start, span[1], "any", None)
                continue
        merged.append(span)
    return merged


def _labelled(
    text: str, labels: Sequence[tuple[int, int, str]], decimal: str | None, *, first: bool
) -> dict[str, Interval] | None:
    """The intervals when each label comes ``first`` (before its interval) or after it."""
    if first:
        outside = text[: labels[0][0]]
        parts = [
            (key, text[end : labels[k + 1][0] if k + 1 < len(labels) else len(text)])
            for k, (_, end, key) in enumerate(labels)
        ]
    else:
        outside = text[labels[-1][1] :]
        parts = [
            (key, text[labels[k - 1][1] if k else 0 : start])
            for k, (start, _, key) in enumerate(labels)
        ]
    if outside.strip(_LABEL_EDGES):
        return None
    found: dict[str, Interval] = {}
    for key, part in parts:
        interval = parse_interval(part.strip(_LABEL_EDGES), decimal)
        if interval is None or key in found:
            return None
        found[key] = interval
    return found


def _led(
    text: str, labels: Sequence[tuple[int, int, str]], decimal: str | None
) -> dict[str, Interval] | None:
    """The intervals of a cell whose sex word, before the first interval, names every group
    labelled after its own interval ("Women: 4.8-23.3 (pre-menopausal), 4.0-15.0
    (post-menopausal)", "Frauen: 4,8-23,3 (prämenopausal); 4,0-15,0 (postmenopausal)", "Female
    102-496 mU/L (pre-menopausal)"): each group is that sex's."""
    start, end, lead = labels[0]
    if len(labels) < 2 or lead not in ("F", "M") or text[:start].strip(_LABEL_EDGES):
        return None
    groups = [(a, b, _with_sex(key, lead)) for a, b, key in labels[1:]]
    if any(":" not in key for _, _, key in groups):
        return None  # another sex's label ("Women 4.8-23.3, men 4.0-15.2"): not this shape
    return _labelled(" " * end + text[end:], groups, decimal, first=False)


@dataclass(frozen=True, slots=True)
class _IntervalWindows:
    ng_low: tuple[float, float]
    ng_high: tuple[float, float]
    miu_low: tuple[float, float]
    miu_high: tuple[float, float]


@cache
def _interval_windows() -> _IntervalWindows:
    data = synonyms_data()["plausibility"]["interval_units"]

    def pair(key: str) -> tuple[float, float]:
        low, high = data[key]
        return float(low), float(high)

    return _IntervalWindows(
        pair("ng_ml_low"), pair("ng_ml_high"), pair("miu_l_low"), pair("miu_l_high")
    )


def unit_from_interval(low: float | None, high: float | None) -> str | None:
    """The unit a lab's prolactin interval must be in ("ng/mL" / "mIU/L"), or None if unclear.

    Uses the non-overlapping windows of plausible limits in synonyms.toml
    ([plausibility.interval_units]): 4.8-23.3 -> ng/mL, 102-496 -> mIU/L, 10-209 -> None.
    """
    if high is None:
        return None
    windows = _interval_windows()

    def inside(value: float | None, window: tuple[float, float]) -> bool:
        return value is None or window[0] <= value <= window[1]

    if inside(high, windows.ng_high) and inside(low, windows.ng_low):
        return "ng/mL"
    if inside(high, windows.miu_high) and inside(low, windows.miu_low):
        return "mIU/L"
    return None


@dataclass(frozen=True, slots=True)
class Plausibility:
    """Limits of a possible serum prolactin, per normalised unit."""

    min_exclusive: float
    max_by_unit: dict[str, float]


@cache
def prolactin_plausibility() -> Plausibility:
    data = synonyms_data()["plausibility"]["prolactin"]
    return Plausibility(
        min_exclusive=float(data["min_exclusive"]),
        max_by_unit={"ng/mL": float(data["max_ng_ml"]), "mIU/L": float(data["max_miu_l"])},
    )


# ------------------------------------------------------------------------------------------------
# Yes / no, sex
# ------------------------------------------------------------------------------------------------
def parse_yes_no(cell: object, field: str | None = None, *, strict: bool = False) -> bool | None:
    """True / False / None (unknown) from a flag cell.

    Y/N, yes/no, true/false, 1/0, x, ✓, positive/negative and their common translations;
    "not pregnant" -> False; "unknown", "?", "?pregnant" -> None; other descriptive text
    ("HD Mon/Wed/Fri", "2nd trimester") -> True, or None when ``strict``.  ``field`` adds its own
    words (menopausal: "post" -> True, "pre" -> False).
    """
    if isinstance(cell, bool):
        return cell
    if is_blank(cell):
        return None
    if isinstance(cell, int | float | np.integer | np.floating):
        number = float(cell)
        return {1.0: True, 0.0: False}.get(number)
    if not isinstance(cell, str):
        return None
    if _WHOLE_FLOAT.fullmatch(cell) or _BARE_CODE.fullmatch(cell):
        # "1.0", "0.0": codes written as floats; "9", "2", "99": a code other than 1 / 0 says
        # nothing without its codebook (a form's "unknown"), as the same number typed does
        return {"1": True, "0": False}.get(code_text(cell).strip())
    return _yes_no_text(code_label(cell), field, strict)


# A cell that is a bare whole number ("9", " 2 ", "-9"): a code, never descriptive text.
_BARE_CODE: Final = re.compile(r"\s*-?\d{1,4}\s*")


def is_unknown_code(cell: object, unknown: Collection[str] = ()) -> bool:
    """A yes/no column's cell that is a research form's code for "unknown" ("9", "99", "-9":
    synonyms.toml [values.yes_no] unknown_codes), or one of ``unknown``, the codes its header
    states as unknown ("9=unbekannt": ``header_unknown_codes``)."""
    if isinstance(cell, bool) or is_blank(cell):
        return False
    text = code_text(cell).strip()
    return text in unknown or text in _words().unknown_codes


def yes_no_answer(
    cell: object, codes: Mapping[str, bool] | None = None, unknown: Collection[str] = ()
) -> bool | str | None:
    """A research form's yes/no cell: True / False, None for an answer that says nothing
    ("unknown", "n/a", a blank, a form's unknown code "9" / "99" or one of ``unknown``, the
    header's: ``is_unknown_code``), or ``NOT_AN_ANSWER`` for a cell that is no yes/no answer at
    all (a word, another number).  ``codes``: the header's own codes ("Seizure (1=ja,
    2=nein)": ``header_flag_codes``), which come before the usual 1 / 0."""
    if is_empty_value(cell):
        return None
    if codes and not isinstance(cell, bool):
        coded = codes.get(code_text(cell))
        if coded is not None:
            return coded
    if is_unknown_code(cell, unknown):
        return None
    if not isinstance(cell, str):
        answer = parse_yes_no(cell, strict=True)
        return answer if answer is not None else NOT_AN_ANSWER
    if _WHOLE_FLOAT.fullmatch(cell):  # "1.0", "0.0"
        return {"1": True, "0": False}.get(code_text(cell), NOT_AN_ANSWER)
    # the whole cell is the answer: a text that starts with one ("no headache, with diplopia",
    # "sin cefalea con diplopía") is a finding in words, never a bare no
    word = normalise_word(_clean_text(code_label(cell)))
    words = _words()
    if word in words.true:
        return True
    if word in words.false:
        return False
    return None if word in words.unknown else NOT_AN_ANSWER


NOT_AN_ANSWER: Final = "not an answer"


# The code's separators: "1 = ja", "0: no", "[1] weiblich", "(2) male", Stata's "1. Female", "1)
# Female", and the dash of labelled exports ("1 - Female", "1 – Weiblich", "2 — Male").
_CODE_LABEL: Final = re.compile(
    r"\s*(?:\[\s*-?\d{1,3}\s*\]|\(\s*-?\d{1,3}\s*\)|-?\d{1,3}\s*[=:)]|-?\d{1,3}\.\s+"
    r"|-?\d{1,3}\s*[-–—]\s*)\s*([^\W\d_].*?)\s*"
)


def code_label(text: str) -> str:
    """The label of a statistics package's "code = label" cell ("1 = ja", "2 = weiblich",
    "0: no", "[1] weiblich", Stata's "1. Female", "1) Female", "1 - Female", "1 – Weiblich"):
    what the code means, as SPSS, Stata and REDCap exports write value labels; else the text."""
    found = _CODE_LABEL.fullmatch(text)
    return found.group(1) if found else text


def _yes_no_text(text: str, field: str | None, strict: bool) -> bool | None:
    words = _words()
    word = normalise_word(_clean_text(text))
    if not word:
        return None
    specific = words.field_words.get(field or "", {})
    for kind, answer in (("unknown", None), ("true", True), ("false", False)):
        if word in specific.get(kind, frozenset()):
            return answer
    if word in words.unknown:
        return None
    if word in words.true:
        return True
    if word in words.false:
        return False
    if word in words.empty or word.startswith(words.unknown_prefixes):
        return None
    if word.startswith(words.false_prefixes):
        return False
    if words.current_negations is not None and words.current_negations.search(word):
        return False
    first = re.split(r"[^\w?+]+", word, maxsplit=1)[0]
    if first in words.unknown:
        return None
    if first in words.false:
        return False
    if first in words.true or first in specific.get("true", frozenset()):
        return True
    if words.past_words is not None and words.past_words.search(word):
        return None  # "previous pregnancy 2020": nothing about now
    return None if strict else True


def parse_sex(cell: object, letters: Mapping[str, str | None] | None = None) -> str | None:
    """ "F", "M" or None from Female/Male/F/M/W/Frau/Homme ... or an ISO 5218 code (1, 2).

    ``letters``: this column's reading of its one-letter codes where it differs from the usual
    one (see ``sex_letter_reading``); a letter mapped to None is unknown."""
    if isinstance(cell, int | float | np.integer | np.floating) and not isinstance(cell, bool):
        return sex_code(cell)
    if not isinstance(cell, str) or not cell.strip():
        return None
    words = _words()
    labelled = code_label(cell)  # "2 = weiblich": the label says
    if labelled != cell:
        return parse_sex(labelled)
    word = normalise_word(cell)
    if letters and word in letters:
        return letters[word]
    first = word.split(" ", 1)[0].rstrip(".")  # "sig.ra rossi": the title, before its dots
    for candidate in (word, first, re.split(r"[^\w]+", word, maxsplit=1)[0]):
        if candidate in words.female:
            return None if _names_both(word, words.male) else "F"
        if candidate in words.male:
            return None if _names_both(word, words.female) else "M"
    return sex_code(cell)


def _names_both(word: str, other: Collection[str]) -> bool:
    """A sex cell that also names the other sex in a word of its own ("female (assigned male at
    birth)", "weiblich, bei Geburt männlich"): its sex is not settled, as a second sex column
    that disagrees is not (io/layout._read_sex_sources; output-contract §5, never a false
    normal).  A one-letter code beside it ("Mujer (M)") names nothing."""
    return any(len(w) > 1 and w in other for w in _SEX_CELL_WORDS.split(word)[1:])


# The words of a sex cell after its first, split where a word ends ("female (assigned male at
# birth)", "F / M"); a dot stays within a word ("Sig.ra": never "Sig.", a man's title)
_SEX_CELL_WORDS: Final = re.compile(r"[^\w.]+")


@dataclass(frozen=True)
class LetterReading:
    """How one sex column reads its one-letter codes, where the language decides."""

    letters: Mapping[str, str | None]  # letter -> "F" / "M" / None (unknown)
    name: str  # "varón / mujer (Spanish)"; "" where the letters are ambiguous
    ambiguous: tuple[str, ...] = ()  # the readings that disagreed, when none was chosen


@cache
def _letter_code_headers() -> frozenset[str]:
    """Every header that names the language of a sex column's letter codes."""
    tables = synonyms_data()["values"]["sex"].get("letter_codes", [])
    return frozenset(normalise_word(h) for t in tables for h in t.get("headers", []))


@cache
def _female_state_words() -> tuple[frozenset[str], frozenset[str]]:
    table = synonyms_data()["values"]["sex"]
    return (
        frozenset(table["female_state_words"]),
        frozenset(table["female_state_partner_words"]),
    )


def names_female_state(cells: Iterable[object]) -> str:
    """The first cell of `cells` (notes, pregnancy or breastfeeding cells) whose words name a
    woman's own state ("embarazada de 20 semanas", "lactancia materna", "amenorrea secundaria",
    "SOP", "FUR 01/04/2026": synonyms.toml [values.sex] female_state_words), not a partner's
    (female_state_partner_words), else "": a lone "M" sex code beside it means mujer."""
    words, partner = _female_state_words()
    for cell in cells:
        if not isinstance(cell, str) or not cell.strip():
            continue
        found = set(re.findall(r"\w+", normalise_word(cell)))
        if found & words and not found & partner:
            return cell
    return ""


def sex_letter_reading(cells: Sequence[object], header: str) -> LetterReading | None:
    """The reading of a sex column's one-letter codes when their meaning depends on the language
    (synonyms.toml [[values.sex.letter_codes]]), or None when the usual reading holds."""
    letters = {normalise_word(c) for c in cells if isinstance(c, str) and c.strip()}
    letters = {w for w in letters if len(w) == 1}
    heading = normalise_word(header)
    header_words = {heading, *re.findall(r"\w+", heading)}
    fitting = [
        r
        for r in synonyms_data()["values"]["sex"].get("letter_codes", [])
        if letters
        and letters <= set(r["letters"])
        and set(r.get("requires", r["letters"])) <= letters
    ]
    if not fitting:
        return None
    named = [
        r for r in fitting if header_words & {normalise_word(h) for h in r.get("headers", [])}
    ]  # a reading the header names comes before one for any header
    chosen = named or [r for r in fitting if not r.get("headers")]
    if not chosen and header_words & _letter_code_headers():
        # The header is of a language with readings of its own, none of which fits: another
        # language's reading ("V" is varón under "Sexo") never applies; the usual one holds.
        return None
    readings = [
        {k: (v if v in ("F", "M") else None) for k, v in r["letters"].items() if k in letters}
        for r in chosen
    ]
    if chosen and all(r == readings[0] for r in readings):
        return LetterReading(readings[0], str(chosen[0]["name"]))
    # the readings disagree: a letter they all read alike keeps that reading, the others unknown
    every = [
        {k: (v if v in ("F", "M") else None) for k, v in r["letters"].items()} for r in fitting
    ]
    agreed: dict[str, str | None] = {
        letter: every[0][letter] if all(e[letter] == every[0][letter] for e in every) else None
        for letter in sorted(letters)
    }
    return LetterReading(agreed, "", tuple(str(r["name"]) for r in fitting))


def sex_letter_header(header: str) -> bool:
    """The header is of a language whose one-letter sex codes read otherwise than M/F ('Sexo',
    'Geslacht'): synonyms.toml [[values.sex.letter_codes]] headers."""
    heading = normalise_word(header)
    return bool({heading, *re.findall(r"\w+", heading)} & _letter_code_headers())


_CODE_PAIR: Final = re.compile(r"([^\W_]+)\s*[=:]\s*([^\W_]+)")


# A choice of a REDCap data dictionary or labelled header: "1, Female | 2, Male".
_CHOICE_PAIR: Final = re.compile(r"(?<![\w.])(\d{1,2})\s*,\s*([^\W\d_]+)\s*(?=\||\)|\]|$)")


def header_sex_codes(header: str) -> dict[str, str]:
    """The numeric sex codes a header (or a codebook's cell) states ("Sex (1=female, 2=male)",
    "Gender (0=male 1=female)", "Sex (F=1, M=2)", "Geschlecht [1 = weiblich; 2 = männlich]",
    REDCap's "1, Female | 2, Male"): code -> F / M; {} when it states none, or states one code
    twice."""
    if _ISO_5218.search(header):
        return {"1": "M", "2": "F"}  # ISO/IEC 5218 named: 1 male, 2 female
    pairs = [(a, b) if a.isdigit() else (b, a) for a, b in _CODE_PAIR.findall(header)]
    pairs += _CHOICE_PAIR.findall(header)
    pairs += _SPACED_PAIR.findall(header)  # "Sex (1-male 2-female)", "(1 male / 2 female)"
    return _header_codes(pairs, parse_sex) or _glued_sex_codes(header)


_ISO_5218: Final = re.compile(r"\bISO(?:/IEC)?\s*5218\b", re.IGNORECASE)
# A codebook glued into a statistics package's variable name ("sex_m1f2", "gender_f1m2",
# "sex_1m2f", "geslacht_1m_2v", "sexo_1h2m"): the pieces of a name part that are a code and a
# letter word, either way round.
_GLUED_PART: Final = re.compile(r"(?:[^\W\d_]+\d{1,2})+|(?:\d{1,2}[^\W\d_]+)+")
_GLUED_PAIR: Final = re.compile(r"([^\W\d_]+)(\d{1,2})|(\d{1,2})([^\W\d_]+)")


def _glued_sex_codes(header: str) -> dict[str, str]:
    """The sex codes a variable name states glued to their letters ("sex_m1f2": 1 = M, 2 = F),
    the letters read in the header's language as a sex column's cells are ("geslacht_1m_2v": v is
    vrouw; "sexo_1h2m": m is mujer); {} unless they give both sexes (a "sex_v1" is a visit's)."""
    names = re.split(r"[\W_]+", header)
    pairs = [
        (a or d, (b or c).lower())
        for part in names
        if _GLUED_PART.fullmatch(part)
        for b, a, d, c in _GLUED_PAIR.findall(part)
    ]
    reading = sex_letter_reading([word for _, word in pairs], " ".join(names))
    letters = reading.letters if reading is not None else {}
    found = _header_codes(pairs, lambda word: letters[word] if word in letters else parse_sex(word))
    return found if set(found.values()) == {"F", "M"} else {}


_SPACED_PAIR: Final = re.compile(r"(?<![\w.])(\d)\s*(?:-|–|\s)\s*([^\W\d_]+)")


def _header_codes(
    pairs: Iterable[tuple[str, str]], read: Callable[[str], T | None]
) -> dict[str, T]:
    """code -> what ``read`` makes of its word, for the (code, word) pairs a header states;
    {} when one code is given two meanings."""
    found: dict[str, T] = {}
    for code, word in pairs:
        meaning = read(word) if code.isdigit() and not word.isdigit() else None
        if meaning is None:
            continue
        if found.get(code, meaning) != meaning:
            return {}
        found[code] = meaning
    return found


_FLAG_CODE_PAIRS: Final = re.compile(
    r"(?<![\w.])(\d{1,2})\s*(?:=|:|,|-)\s*([^\W\d_]+)|([^\W\d_]+)\s*(?:=|:)\s*(\d{1,2})(?![\w.])"
)


def header_unknown_codes(header: str) -> frozenset[str]:
    """The numeric codes a yes/no column's header states as unknown ("Pregnant (1=yes, 2=no,
    9=unknown)", "schwanger (0=nein, 1=ja, 3=unbekannt)", "enceinte (8=inconnu)")."""
    if not any(ch.isdigit() for ch in header):
        return frozenset()
    pairs = [(a or d, b or c) for a, b, c, d in _FLAG_CODE_PAIRS.findall(header)]
    return frozenset(_header_codes(pairs, lambda word: True if is_unknown_word(word) else None))


def header_flag_codes(header: str) -> dict[str, bool]:
    """The numeric codes a yes/no column's header states ("Schwanger (1=nein, 2=ja)",
    "Pregnant? (1, No | 2, Yes)", "Stillend (0=ja, 1=nein)", "Dialysis (yes=1, no=0)"): code ->
    True / False; {} unless it states a yes and a no, each code once."""
    pairs = [(a or d, b or c) for a, b, c, d in _FLAG_CODE_PAIRS.findall(header)]
    found = _header_codes(pairs, lambda word: parse_yes_no(word, strict=True))
    return found if set(found.values()) == {True, False} else {}


# A code and its label of several words as a header states them: "1=not pregnant; 2=pregnant",
# "(1 = pre 2 = peri 3 = post)", "0: negatief / 1: positief"; REDCap's "1, Not pregnant | 2,
# Pregnant" (a comma only between bars).
_LABELLED_CODE: Final = re.compile(
    r"(?<![\w.])(\d{1,2})\s*[=:]\s*([^\W\d_][^;,|=:()\[\]/\d]*?)\s*"
    r"(?=[;,|)\]/]|\d{1,2}\s*[=:]|$)"
)
_LABELLED_CHOICE: Final = re.compile(
    r"(?<![\w.])(\d{1,2})\s*,\s*([^\W\d_][^|()\[\]\d]*?)\s*(?=\||\)|\]|$)"
)


def header_code_labels(header: str) -> dict[str, str]:
    """The numeric codes a header (or a codebook's cell) states, each with its label as written,
    of one word or several ("pregnancy_status (1=not pregnant; 2=pregnant)", "menopausa (1=pre;
    2=post)", "hcg_urine (0=neg; 1=pos)", "Pregnant? (1, Not pregnant | 2, Pregnant)"): code ->
    label; {} when it states none, or one code twice with two labels."""
    if not any(ch.isdigit() for ch in header):
        return {}
    pairs = _LABELLED_CODE.findall(header)
    if "|" in header:
        pairs += _LABELLED_CHOICE.findall(header)
    found: dict[str, str] = {}
    for code, label in pairs:
        if normalise_word(found.get(code, label)) != normalise_word(label):
            return {}
        found[code] = label
    return found


# SPSS's and REDCap's radio-button codes of a yes/no question: 1 = yes, 2 = no.
_ONE_TWO_CODES: Final = {"1": True, "2": False}


def column_flag_codes(
    header: str, cells: Iterable[object], field: str | None = None
) -> tuple[dict[str, bool], frozenset[str]]:
    """(code -> yes / no, the codes for unknown) by which a yes/no column's cells are read: the
    header's own ("Pregnant (1=yes, 2=no, 9=unknown)": ``header_flag_codes``,
    ``header_unknown_codes``), else the codes its values show: numbers that are only 1 and 2, a
    2 among them, beside blanks and a form's unknown codes ("9", "-99"), are SPSS's and REDCap's
    1 = yes, 2 = no, and those unknown codes are that form's unknown; else none (the usual 1 =
    yes, 0 = no).  A "2" had been no answer at all: a visual field defect coded 1/2 was not
    read, and a "No" (2) under "Pituitary adenoma" was read as a known lesion.  ``field``: the
    column's field; for one of synonyms.toml [values.yes_no] one_two_not ("menopausal": 1 = pre,
    2 = post as often as 1 = yes, 2 = no) values so coded say nothing without their codebook: 1
    and 2 are both among the unknown codes, never the usual 1 = yes (a premenopausal woman coded
    1 was judged postmenopausal)."""
    codes = header_flag_codes(header)
    unknown = header_unknown_codes(header)
    if codes:
        return codes, unknown
    shown = one_two_coded(cells)
    if shown is None:
        return {}, unknown
    if field in _one_two_not():
        return {}, unknown | shown | frozenset(_ONE_TWO_CODES)
    return dict(_ONE_TWO_CODES), unknown | shown


def one_two_coded(cells: Iterable[object]) -> frozenset[str] | None:
    """The unknown codes of a column coded 1 = yes, 2 = no (its numbers only 1 and 2, a 2
    among them, beside blanks, unknown words and a form's unknown or missing-data codes); None
    when its cells are not so coded."""
    numbers: set[str] = set()
    unknown: set[str] = set()
    seen: set[tuple[type, object]] = set()
    for cell in cells:
        key = (type(cell), cell)
        if key in seen:
            continue
        seen.add(key)
        if isinstance(cell, bool) or is_empty_value(cell) or is_unknown_word(cell):
            continue
        text = code_text(cell).strip()
        if is_unknown_code(text) or is_missing_code(cell):
            unknown.add(text)
        elif text in _ONE_TWO_CODES:
            numbers.add(text)
        else:
            return None
    return frozenset(unknown) if "2" in numbers else None


@cache
def _one_two_not() -> frozenset[str]:
    return frozenset(synonyms_data()["values"]["yes_no"].get("one_two_not", []))


@cache
def _threshold_pattern() -> re.Pattern[str]:
    spellings = []
    for spelling in _words().qualifier_spellings:
        escaped = re.escape(spelling)
        # a word ("lt", "unter", "moins de") starts a word of the header ("egfr_lt60", "eGFR
        # unter 60"), never inside one or after a slash ("ml/min/1.73m2" is no "min 1")
        spellings.append(rf"(?<![^\s_(\[]){escaped}" if spelling[0].isalnum() else escaped)
    return compile_vocabulary(r"(?:" + "|".join(spellings) + r")[\s_]*\d")


def header_threshold(header: str) -> bool:
    """The header states a threshold: a comparator of [values.qualifiers] right before a number
    ("eGFR<60", "egfr_lt60_yn", "GFR unter 30", "DFG inférieur à 60", "TFG menor de 60",
    "eGFR kleiner dan 45"): its column says whether a value is beyond it (yes/no), never the
    value itself."""
    return _threshold_pattern().search(normalise_word(header.replace("’", "'"))) is not None


# A whole number written as a float ("1.0", "2,0"): how pandas, R and Stata write the codes of
# a column that has a missing value.
_WHOLE_FLOAT: Final = re.compile(r"\s*(-?\d{1,3})[.,]0+\s*")


def code_text(cell: object) -> str:
    """A code cell as text, a whole number written as a float without its ".0" ("1.0" -> "1")."""
    text = cell_text(cell)
    found = _WHOLE_FLOAT.fullmatch(text)
    return found.group(1) if found else text


@cache
def _other_sex_words() -> frozenset[str]:
    return frozenset(normalise_word(w) for w in synonyms_data()["values"]["sex"].get("other", []))


def administrative_gender(cell: object) -> str | None:
    """ "other" for a sex cell that states a sex other than female or male (synonyms.toml
    [values.sex] other: "divers", "autre", "non-binary"; HL7 PID-8 O, A, N as the HL7 reader
    writes them), else None.  The sex stays unknown for the interval: this is only the FHIR
    Patient.gender the Bundle writes instead of "unknown"."""
    if not isinstance(cell, str) or not cell.strip():
        return None
    return "other" if normalise_word(cell) in _other_sex_words() else None


@cache
def administrative_codes() -> dict[str, str]:
    """An administrative sex code (HL7 PID-8: F, M, O, A, N, X, D, U ...) -> its FHIR
    Patient.gender: synonyms.toml [values.sex] hl7_codes, the one mapping of the HL7 reader, the
    FHIR reader and results.fhir.json."""
    codes: dict[str, str] = synonyms_data()["values"]["sex"]["hl7_codes"]
    return {code.upper(): gender for code, gender in codes.items()}


_BINARY_GENDERS: Final = ("female", "male")


def administrative_sex(code: str) -> str:
    """An administrative sex code (HL7 PID-8) as the sex column reads it: F and M as their
    codes; a code of a sex stated as neither (O, A, N, X, D ...) as "other", which the sex column
    reads as unknown for the interval (judged between both sexes' limits) and results.fhir.json
    writes as gender "other" (administrative_gender); U as "unknown"; anything else as given."""
    gender = administrative_codes().get(code.strip().upper())
    if gender is None:
        return code
    return code.strip().upper() if gender in _BINARY_GENDERS else gender


def sex_of_gender(gender: str) -> str:
    """A FHIR Patient.gender as the sex column's cell: female and male as their codes (F, M),
    "other" as the word (another sex: unknown for the interval, written back as other), else
    "" (unknown)."""
    wanted = gender.strip().casefold()
    if wanted in _BINARY_GENDERS:
        return next(c for c, g in administrative_codes().items() if g == wanted)
    return "other" if wanted == "other" else ""


def fhir_gender(sex: str, stated: str = "") -> str:
    """Patient.gender of a row: its sex F / M by the administrative codes, else "other" when
    the sex cell stated another sex (``stated``: the canonical gender, administrative_gender),
    else "unknown"."""
    gender = administrative_codes().get(sex.strip().upper(), "")
    if gender in _BINARY_GENDERS:
        return gender
    return "other" if stated == "other" else "unknown"


def sex_code(cell: object) -> str | None:
    """ "M" / "F" for a numeric sex code (ISO/IEC 5218: 1 male, 2 female), else None."""
    text = code_text(cell) if not isinstance(cell, bool) else ""
    codes: dict[str, str] = synonyms_data()["values"]["sex"]["codes"]
    return codes.get(text)


def hcg_positive(text: str, decimal: str | None = None) -> bool | None:
    """A pregnancy test result: positive/negative words, or a quantitative hCG in IU/L, its
    number read with ``decimal`` (the file's mark: "1.250" beside "136,8" is 1250).

    Quantitative cut-offs come from synonyms.toml [hcg]; values in between are None.
    """
    if not text.strip():
        return None
    quantity = _parse_quantity_text(text, decimal)
    if quantity.status == "ok" and quantity.value is not None:
        return _hcg_from_number(quantity)
    return parse_yes_no(text, strict=True)


@dataclass(frozen=True, slots=True)
class HcgCodes:
    """How a qualitative hCG or pregnancy-test column's bare codes read (``hcg_header_codes``)."""

    stated: dict[str, tuple[str, bool | None]]  # code -> (its label, positive / negative / None)
    unread: frozenset[str]  # bare codes that say nothing without a codebook

    def of(self, cell: object) -> tuple[str, bool | None] | None:
        """(the label, "" when none; positive / negative / None) of a cell that is one of the
        column's bare codes (beside codes the header states, any number of one or two digits
        is a code of the same codebook), else None: a number read in IU/L."""
        text = code_text(cell).strip()
        if text in self.stated:
            return self.stated[text]
        if text in self.unread or (self.stated and _STATED_CODE.fullmatch(text)):
            return "", None
        return None


# A code as a header states one: one or two digits.
_STATED_CODE: Final = re.compile(r"\d{1,2}")


def hcg_header_codes(header: str) -> HcgCodes | None:
    """The codes a qualitative hCG / pregnancy-test column's header states, each label read as a
    test result ("hcg_urine (0=neg; 1=pos)", "hCG (1=positive, 2=negative)", "zwangerschapstest
    (0=negatief; 1=positief)", "test di gravidanza (0=negativo; 1=positivo)"), every other
    code of one or two digits unread; for a header that names a qualitative test without codes
    ("beta_hcg_pos", "hcg_qual", "Pregnancy test": synonyms.toml [hcg] qualitative_headers), its
    bare 0, 1, 2 (qualitative_codes) unread.  None for another header: its numbers are IU/L."""
    labels = header_code_labels(header)
    if labels:
        stated = {code: (label, hcg_positive(label)) for code, label in labels.items()}
        return HcgCodes(stated, frozenset())
    data = synonyms_data()["hcg"]
    words = set(re.findall(r"[^\W\d_]+", normalise_word(header)))
    if words & {normalise_word(w) for w in data.get("qualitative_headers", [])}:
        return HcgCodes({}, frozenset(str(c) for c in data.get("qualitative_codes", [])))
    return None


def _hcg_from_number(quantity: Quantity) -> bool | None:
    factor = hcg_unit_factor(quantity.unit_text) if quantity.unit_text else None
    if factor is None:
        return None
    value = quantity.value if quantity.value is not None else math.nan
    return hcg_number_positive(value * factor, quantity.qualifier)


@cache
def _hcg_unit_factors() -> dict[str, float]:
    data = synonyms_data()["hcg"]
    factors = {unit_key(u): float(data["units_per_ml_factor"]) for u in data["units_per_ml"]}
    factors.update({unit_key(u): 1.0 for u in data["units"]})
    return factors


def hcg_unit_factor(unit: str) -> float | None:
    """What turns an hCG number in ``unit`` into IU/L (synonyms.toml [hcg]: 1 for IU/L = mIU/mL,
    1000 for IU/mL); None for a unit hCG is not reported in (MoM, ng/mL)."""
    return _hcg_unit_factors().get(unit_key(unit))


def hcg_unread_unit(text: str) -> str | None:
    """The unit of a quantitative hCG ``text`` written in a unit hcg_unit_factor does not know
    ("45000 kIU/L", "3 ng/mL", "1200 mIU/L"): its number is not read as a pregnancy test, and the
    readers say so (a review found "hCG (E/L)" 45000 dropped in silence).  None for a number in
    a known unit, a number without one, or words ("positive")."""
    if not text.strip():
        return None
    quantity = _parse_quantity_text(text, None)
    if quantity.status != "ok" or quantity.value is None or not quantity.unit_text:
        return None
    return None if hcg_unit_factor(quantity.unit_text) is not None else quantity.unit_text


def hcg_unread_warning(header: str, units: Iterable[str]) -> str:
    """The warning of an hCG column or test (``header``) written in ``units`` not read."""
    shown = ", ".join(sorted(set(units)))
    return (
        f"{header!r}: hCG written in {shown}, a unit it is not read in: not read as a pregnancy "
        "test (the units read are IU/L = mIU/mL = U/L = E/L, and IU/mL); check the result in the "
        "lab system"
    )


def hcg_number_positive(value: float, qualifier: str = "") -> bool | None:
    """A quantitative hCG in IU/L (or a unit of the same number: synonyms.toml [hcg] units)
    with its "<" / ">": False below negative_below_iu_l (a "<" at most it), True from
    positive_from_iu_l, None (equivocal) between.  The one judgement of the hcg column and of an
    hCG written in a note."""
    data = synonyms_data()["hcg"]
    if qualifier == "<" and value <= float(data["negative_below_iu_l"]):
        return False
    if value < float(data["negative_below_iu_l"]) and qualifier != ">":
        return False
    if value >= float(data["positive_from_iu_l"]):
        return True
    return None


# ------------------------------------------------------------------------------------------------
# Durations: ages, gestation, lesion sizes
# ------------------------------------------------------------------------------------------------
_DURATION_KINDS: Final = ("years", "months", "weeks", "days", "hours")
_HOURS_PER_DAY: Final = 24.0
_DAYS_IN: Final = {
    "years": _DAYS_PER_YEAR,
    "months": _DAYS_PER_YEAR / _MONTHS_PER_YEAR,
    "weeks": _DAYS_PER_WEEK,
    "days": 1.0,
    "hours": 1.0 / _HOURS_PER_DAY,
}
# a four-digit year, or a numeric date's two-digit one ("ET 15.06.26", "DPA 15/06/26")
_A_YEAR: Final = re.compile(
    r"(?:19|20)\d\d|(?<![\d./-])\d{1,2}(?:\.\d{1,2}\.|/\d{1,2}/|-\d{1,2}-)\d\d(?![\d./-]*\d)"
)


def writes_a_year(text: str) -> bool:
    """Whether a note writes a year ("Risperdal bis 2017", "Stillzeit bis 2017", "ET 15.06.26"):
    only then does the sample's date matter to reading it."""
    return _A_YEAR.search(text) is not None


# A day and month written without a year, German-style ("abgesetzt am 18.11.") or with a slash
# ("depuis le 12/10"): read against the sample's date too.
_DAY_MONTH: Final = re.compile(
    r"(?<![\d.])\d{1,2}\.\d{1,2}\.(?!\d)|(?<![\d./])\d{1,2}/\d{1,2}(?![\d/])"
)


def writes_a_date(text: str) -> bool:
    """Whether a note writes a year (writes_a_year) or a day and month without one ("abgesetzt
    am 18.11."): only then does the sample's date matter to reading its medication (a month's
    name too, when it dates a stop or a start: knowledge/drugs.py reads_a_date)."""
    return writes_a_year(text) or _DAY_MONTH.search(text) is not None


@cache
def month_name_regex() -> re.Pattern[str]:
    """month_name_pattern compiled (for lower-case text without accents: normalise_word)."""
    return compile_vocabulary(month_name_pattern())


# An upper bound written for a duration (an age band's "<18", "under 1 year", "unter 18",
# "moins de 18 ans", "menos de 18", "meno di 18", "jonger dan 18"): a child of any age below it,
# so no age (read as 18 it judged a young child on the adult interval, a false normal).
_UPPER_BOUND: Final = re.compile(
    with_ascii_spellings(  # "juenger als" as well
        r"\s*(?:<|≤|<=|=<|under|below|less\s+than|younger\s+than|unter|j[üu]nger\s+als|moins\s+de|"
        r"menos\s+de|meno\s+di|jonger\s+dan|kleiner\s+dan)\s*\d"
    ),
    re.IGNORECASE,
)
# UK clinical shorthand: "6/12" six months, "3/52" three weeks, "5/7" five days, "12/40" twelve
# weeks of a 40-week pregnancy.
_FRACTION_DAYS: Final = {
    "12": _DAYS_IN["months"],
    "52": _DAYS_IN["weeks"],
    "7": _DAYS_IN["days"],
    "40": _DAYS_IN["weeks"],
}
_FRACTION = re.compile(r"(\d+(?:[.,]\d+)?)\s*/\s*(12|52|7|40)")


@cache
def _age_text_forms() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The words around an age's parts (synonyms.toml [values.durations] `after`, `joiners`,
    `day_of_life`): the trailing "old" words, a joiner between two parts, a whole "day N" cell
    ("J12", "J+15"), and the ordinal dot before a unit word ("12. Lebenstag")."""
    table = synonyms_data()["values"]["durations"]

    def either(key: str) -> str:
        words = sorted((normalise_word(w) for w in table[key]), key=len, reverse=True)
        return "|".join(re.escape(w) for w in words)

    return (
        compile_vocabulary(rf"\s*(?:{either('after')})$"),
        compile_vocabulary(rf"(?<=[a-z.])\s+(?:{either('joiners')})\s+(?=\d)"),
        compile_vocabulary(rf"(?:{either('day_of_life')})\.?\s*\+?\s*(\d{{1,3}})"),
        compile_vocabulary(rf"(\d)(?:\.|{either('ordinal_marks')})\s+(?=[a-z])"),
    )


@cache
def _years_counted_forms() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The paediatric "years;months" ("0;2": two months, "4;11", "10;6 J.", "2;4 a": a years
    word or the ambiguous "j" after it, synonyms.toml [values.durations] years; review 26: "10;6
    J." was read as 16 years), and the year of life ("2. LJ": `year_of_life`, its dot dropped):
    on normalised text."""
    table = synonyms_data()["values"]["durations"]

    def either(*keys: str) -> str:
        words = {normalise_word(w) for key in keys for w in table[key]}
        words |= set(ambiguous_duration_words()) if "years" in keys else set()
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    return (
        re.compile(rf"(\d{{1,3}})\s*;\s*(\d{{1,2}})(\s*(?:{either('years')})\.?)?"),
        re.compile(rf"(\d{{1,3}})\s*(?:{either('year_of_life')})"),
    )


@cache
def _duration_units() -> tuple[re.Pattern[str], dict[str, float]]:
    """The duration part pattern and the days per unit word (synonyms.toml [values.durations]).

    Ambiguous words ([values.durations.ambiguous], "j") are in the pattern but not in the table:
    a caller says what they mean (``ambiguous``), else the cell is not read."""
    days: dict[str, float] = {}
    durations = synonyms_data()["values"]["durations"]
    for kind in _DURATION_KINDS:
        for word in [*durations[kind], *durations.get(f"life_{kind}", [])]:
            days[normalise_word(word)] = _DAYS_IN[kind]
    every = set(days) | set(ambiguous_duration_words())
    words = "|".join(re.escape(w) for w in sorted(every, key=len, reverse=True))
    pattern = re.compile(rf"(\d+(?:[.,]\d+)?)\s*({words})?(?![a-z])\.?")
    return pattern, days


@cache
def _duration_unit_pattern() -> str:
    """The [values.durations] unit words (not the ambiguous ones) as one alternation, longest
    first."""
    _, days = _duration_units()
    return "|".join(re.escape(w) for w in sorted(days, key=len, reverse=True))


@cache
def _ended_ago_pattern() -> re.Pattern[str]:
    """synonyms.toml [values.ended_ago] with the duration unit words of [values.durations]."""
    table = synonyms_data()["values"]["ended_ago"]

    def either(key: str) -> str:
        return "|".join(table[key])

    units = _duration_unit_pattern()
    count = rf"(?:\d+(?:[.,]\d+)?|{either('counts')})"
    span = rf"{count}\s*(?:{units})\.?(?![^\W\d_])"
    return compile_vocabulary(
        rf"\b(?:{either('until')})\s+(?:(?:{either('before')})\s+{span}"
        rf"|{span}\s+(?:{either('after')})\b|(?:{either('last')})\b)"
    )


def ended_ago(text: str) -> re.Match[str] | None:
    """The first "until <a time before now>" in text ("until 2 months ago", "bis vor 3 Wochen",
    "hasta hace 2 meses", "jusqu'au mois dernier"): what it follows has ended, however recently
    (synonyms.toml [values.ended_ago]).  Positions are those of ``normalise_word(text)``'s
    characters only when text is plain ASCII; callers test for a match, not where."""
    return _ended_ago_pattern().search(normalise_word(text))


# a sentence ends at ; ! ? a line end, or a full stop before a space that does not end a
# one-letter abbreviation ("z.B.", "e.g.", "p.ex.")
_SENTENCE: Final = re.compile(r"(?:[^.;!?\n]|(?<=\b[^\W\d_])\.|\.(?!\s|$))+[.;!?\n]?")


@cache
def _general_patterns() -> tuple[re.Pattern[str], re.Pattern[str], tuple[str, ...]]:
    """(general, patient, quick words) of synonyms.toml [general_statements]."""
    table = synonyms_data()["general_statements"]
    general = compile_vocabulary("|".join(f"(?:{p})" for p in table["general"]), re.IGNORECASE)
    patient = compile_vocabulary("|".join(f"(?:{p})" for p in table["patient"]), re.IGNORECASE)
    return general, patient, tuple(str(w) for w in table["quick_words"])


@cache
def _hypothetical_patterns() -> tuple[re.Pattern[str], tuple[str, ...]]:
    """(hypothetical, its quick words) of synonyms.toml [general_statements]."""
    table = synonyms_data()["general_statements"]
    pattern = compile_vocabulary("|".join(f"(?:{p})" for p in table["hypothetical"]), re.IGNORECASE)
    return pattern, tuple(str(w) for w in table["hypothetical_quick_words"])


_CLAUSE_PART: Final = re.compile(r"[^,:;.!?\n]+[,:;.!?\n]*|[,:;.!?\n]+")


def _without_hypothetical(text: str) -> str:
    """``text`` with each clause that is hypothetical or an instruction blanked out."""
    pattern, quick = _hypothetical_patterns()
    lowered = text.lower()
    if not any(word in lowered for word in quick) or not pattern.search(text):
        return text
    parts = [
        " " * len(part) if pattern.search(part) else part
        for part in (m.group() for m in _CLAUSE_PART.finditer(text))
    ]
    out = "".join(parts)
    return out if len(out) == len(text) else text


@lru_cache(maxsize=4096)
def without_general_statements(text: str) -> str:
    """``text`` with each sentence that speaks of patients in general (a lab's printed comment:
    synonyms.toml [general_statements]), and each clause that is hypothetical or an instruction
    ("If visual disturbance, refer urgently"), blanked out, character for character, so that
    what is left keeps its positions; the text itself when there is none."""
    text = _without_hypothetical(text)
    general, patient, quick = _general_patterns()
    lowered = text.lower()
    if not any(word in lowered for word in quick):
        return text  # the quick test: every general pattern spells one of these out
    if not general.search(text):
        return text
    parts = []
    for found in _SENTENCE.finditer(text):
        sentence = found.group()
        blank = general.search(sentence) and not patient.search(sentence)
        parts.append(" " * len(sentence) if blank else sentence)
    out = "".join(parts)
    return out if len(out) == len(text) else text


@cache
def _last_dose_pattern() -> re.Pattern[str]:
    """synonyms.toml [values.last_dose] openers, then a time before now ([values.ended_ago]
    `before` / `after` words, [values.durations] units); groups: number, unit."""
    table = synonyms_data()["values"]
    ago = table["ended_ago"]
    openers = "|".join(table["last_dose"]["openers"])
    before = "|".join(ago["before"])
    after = "|".join(ago["after"])
    return compile_vocabulary(
        rf"\b(?:{openers})\b\W*"
        rf"(?:(?:{before})\s+{_time_span(1)}|{_time_span(2)}\s+(?:{after})\b|{_last_period()})",
        re.IGNORECASE,
    )


@cache
def count_words() -> dict[str, int]:
    """Two to twelve written as words ([values.stopped.counts]: "two", "zwei", "trois", "seis",
    "sei", "twaalf"), lower case without accents, and the number each is."""
    table = synonyms_data()["values"]["stopped"]["counts"]
    return {normalise_word(str(w)): int(n) for n, words in table.items() for w in words}


@cache
def _count_words_pattern() -> str:
    """count_words() as one alternation, longest first, its leading letters factored out
    (regex_cache.prefix_trie: some two hundred words in six languages, tried at every word)."""
    return prefix_trie([re.escape(w) for w in sorted(count_words(), key=len, reverse=True)])


# The UK shorthand of a time before now ("stopped 1/7 ago", "2/52 ago", "2/12 ago": days, weeks,
# months; not a gestation's "/40"): read only before an "ago" word, where no date stands.
_GESTATION_FRACTION: Final = "40"
_AGO_FRACTIONS: Final = tuple(key for key in _FRACTION_DAYS if key != _GESTATION_FRACTION)


@cache
def _time_span(n: int) -> str:
    """A number (in digits, or a word for one: "a", "einer", "une", [values.stopped] `one`, or
    for two to twelve: "two", "zwei", "trois", [values.stopped.counts]) and a [values.durations]
    unit; groups number<n>, one<n>, unit<n>.  The span read before an "ago" word (n == 2) may
    also be written as the UK shorthand ("1/7", "3/52", "2/12": _AGO_FRACTIONS); groups
    fraction<n>, per<n>."""
    units = _duration_unit_pattern()
    one = "|".join([*synonyms_data()["values"]["stopped"]["one"], _count_words_pattern()])
    span = (
        rf"(?:(?P<number{n}>\d+(?:[.,]\d+)?)\s*|(?P<one{n}>\b(?:{one}))\s+)"
        rf"(?P<unit{n}>{units})\.?(?![^\W\d_])"
    )
    if n != _AGO_SPAN:
        return span
    per = "|".join(sorted(_AGO_FRACTIONS, key=len, reverse=True))
    return rf"(?:{span}|(?<![\d/.])(?P<fraction{n}>\d+)\s*/\s*(?P<per{n}>{per})(?![\d/]))"


_AGO_SPAN: Final = 2  # _time_span's group number before an "ago" word


@cache
def _last_period() -> str:
    """The whole period just before now ("last week", "letzten Monat", "la semaine dernière",
    "el año pasado", "il mese scorso", "vorige week"): [values.stopped] `last_before` /
    `last_after` words with a [values.durations] unit of a week or longer; group period."""
    table = synonyms_data()["values"]["stopped"]
    _, days = _duration_units()
    long_units = sorted(
        (word for word, per in days.items() if per >= _DAYS_PER_WEEK and len(word) > 1),
        key=len,
        reverse=True,
    )
    units = "|".join(re.escape(word) for word in long_units)
    articles = "|".join(table["last_articles"])
    first = "|".join(table["last_before"])
    then = "|".join(table["last_after"])
    return (
        rf"(?:\b(?:{articles})\s*)?(?:\b(?:{first})\s+(?P<period>{units})"
        rf"|\b(?P<period_>{units})\s+(?:{then}))(?![^\W\d_])"
    )


def _span_days(found: re.Match[str]) -> float | None:
    """The days of a match of _time_span (1 or 2) or _last_period: its number times its unit's
    days (a word for one and a whole period count one)."""
    _, days = _duration_units()
    groups = found.groupdict()
    period = groups.get("period") or groups.get("period_")
    if period:
        return days.get(period)
    fraction = next((k for k in (1, 2, 3) if groups.get(f"fraction{k}")), None)
    if fraction is not None:  # "1/7 ago", "3/52 ago", "2/12 ago"
        per_fraction = _FRACTION_DAYS[found.group(f"per{fraction}")]
        return float(found.group(f"fraction{fraction}")) * per_fraction
    n = next((k for k in (1, 2, 3) if groups.get(f"unit{k}")), 2)
    per = days.get(found.group(f"unit{n}"))
    if per is None:
        return None
    number = found.group(f"number{n}")
    if number:
        return float(number.replace(",", ".")) * per
    word = found.group(f"one{n}") or ""  # a word for one, or two to twelve in words
    return count_words().get(normalise_word(word), 1) * per


@cache
def _one_before_unit() -> re.Pattern[str]:
    """A word for one ([values.stopped] `one`: "a", "one", "einem", "une", "un", "una", "een")
    before a [values.durations] unit word of two letters or more, not one of `one_not_before`
    ("a week", "einem Monat", "un mes", "une semaine", "een maand"; not "a man"), or elided onto
    it (`one_elided`: "un'ora"), in lower-case text without accents; group one."""
    stopped = synonyms_data()["values"]["stopped"]
    one = "|".join(stopped["one"])
    elided = "|".join(stopped.get("one_elided", [])) or "(?!)"
    _, days = _duration_units()
    words = [w for w in days if len(w) > 1 and w not in stopped["one_not_before"]]
    units = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return compile_vocabulary(
        # never glued to a number: "28a settimana", "28a semana" is the 28th week (review 27)
        rf"(?<!\w)(?:(?P<one>(?:{one})\s+|{elided})|(?P<count>{_count_words_pattern()})\s+)"
        rf"(?:{units})"
        rf"\.?(?![^\W\d_])"
    )


def folded_chars(text: str) -> str:
    """``text`` with each letter without its accent, character for character (the same length:
    "Diagnóstico" -> "Diagnostico"; the case kept)."""
    out = []
    for ch in text:
        plain = unicodedata.normalize("NFD", ch)[:1] if not ch.isascii() else ch
        out.append(plain if len(plain) == 1 else ch)
    return "".join(out)


@lru_cache(maxsize=4096)
def one_as_digit(text: str) -> str:
    """``text`` with a word for one before a duration unit written as the digit ("parto hace un
    mes": "parto hace 1  mes", "vor einem Monat": "vor 1     Monat", "delivered a week ago":
    "delivered 1 week ago"), and two to twelve as theirs ("sei mesi fa": "6   mesi fa", "vor
    zwei Monaten": "vor 2    Monaten", [values.stopped.counts]), padded with spaces to the same
    length, so that a note's time patterns, written for digits, read it and the note keeps its
    offsets (_one_before_unit)."""
    if not any(ch.isspace() for ch in text):
        return text
    folded = folded_chars(text.lower())
    if len(folded) != len(text):
        return text
    parts: list[str] = []
    at = 0
    for found in _one_before_unit().finditer(folded):
        if found.group("one") is not None:
            start, end = found.span("one")
            digits = "1"
        else:  # two to twelve in words ("sei mesi fa": "6   mesi fa")
            start, end = found.span("count")
            digits = str(count_words()[found.group("count")])
        parts.extend((text[at:start], digits.ljust(end - start)))
        at = end
    if not parts:
        return text
    parts.append(text[at:])
    return "".join(parts)


def last_dose_days(text: str) -> float | None:
    """How many days ago the last dose was, when text says so ("letzte Einnahme vor 10 Tagen":
    10; "single dose 2 months ago": ~61; "last injection a month ago", "letzte Injektion letzten
    Monat": ~30), else None (synonyms.toml [values.last_dose])."""
    found = _last_dose_pattern().search(normalise_word(text))
    return None if found is None else _span_days(found)


@cache
def _last_dose_before_pattern() -> re.Pattern[str]:
    """A synonyms.toml [values.last_dose] opener at the end of a text, its "of" or article after
    it ("dernière injection", "last dose of", "letzte Gabe von", "laatste dosis van de")."""
    openers = "|".join(synonyms_data()["values"]["last_dose"]["openers"])
    article = r"of|the|von|vom|der|des|de|du|la|le|l\W|del|della|dello|di|el|van|het|d\W"
    return compile_vocabulary(rf"\b(?P<opener>{openers})\b\W*(?:(?:{article})\s*)*$", re.IGNORECASE)


@cache
def _last_dose_opener() -> re.Pattern[str]:
    openers = "|".join(synonyms_data()["values"]["last_dose"]["openers"])
    return compile_vocabulary(rf"\b(?:{openers})\b", re.IGNORECASE)


def names_last_dose(text: str) -> bool:
    """Whether text writes a [values.last_dose] opener anywhere ("last dose", "letzte Gabe",
    "dernière injection")."""
    return _last_dose_opener().search(normalise_word(text)) is not None


def last_dose_before(text: str) -> str | None:
    """The last-dose opener that ends `text` (its "of" or article aside), right before a drug
    ("dernière injection Xeplion le 15/08/2025", "letzte Gabe MCP vor 3 Monaten", "last dose of
    risperidone 2023"), lower case without accents; None when there is none.  The time after
    the drug is then its last dose's."""
    found = _last_dose_before_pattern().search(normalise_word(text))
    return None if found is None else found.group("opener")


@cache
def stop_drug_gap() -> str:
    """What may stand between a stop word written before the drug and the stop's time, date,
    month or year ("stopped metoclopramide yesterday", "dejó el Primperan hace 2 días",
    "stopped metoclopramide 10 mg on 19/11/2026"): up to [values.stopped] drug_gap_words words
    or doses with a unit, none of `gap_not` (a regular expression, matched without case)."""
    stopped = synonyms_data()["values"]["stopped"]
    not_words = "|".join(stopped["gap_not"])
    word = rf"(?!(?:{not_words})(?![^\W\d_]))[^\W\d_][\w\-']*"
    dose = r"\d+(?:[.,]\d+)?\s*(?:mg|mcg|µg|ug|g|ml)(?![^\W\d_])"
    return rf"(?:[\s\-]+(?:{word}|{dose})){{0,{int(stopped['drug_gap_words'])}}}"


@cache
def _stopped_patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, float]]:
    """(stop word then time, time then stop word, day word -> days) of synonyms.toml
    [values.stopped] with [values.last_dose] openers; groups: number, unit, day."""
    table = synonyms_data()["values"]
    stopped = table["stopped"]
    ago = table["ended_ago"]
    relative = {str(word): float(days) for word, days in stopped["relative_days"].items()}
    words = "|".join([*stopped["words"], *table["last_dose"]["openers"]])
    before = "|".join(ago["before"])
    after = "|".join(ago["after"])
    day = "|".join(sorted(relative, key=len, reverse=True))
    # a day word may follow a `since` word: "abgesetzt seit gestern", "arrêté depuis hier"
    since_day = "|".join(stopped["since"])
    # the day counted from the sample's ("à J-2", "D0") and French days as "j" ("il y a 2 j")
    marks = "|".join(stopped["day_marks"])
    openers = "|".join(stopped["day_mark_openers"])
    j_after = "|".join(stopped["j_days_after"])
    time = (
        rf"(?:(?:{before})\s+{_time_span(1)}|{_time_span(2)}\s+(?:{after})\b"
        rf"|(?:(?:{since_day})\s+)?(?P<day>{day})\b|{_last_period()}"
        rf"|(?:(?:{openers})\s+)?(?:{marks})\s*(?:(?P<zero>0)|[-\u2212\u2013]\s*(?P<offset>\d{{1,3}}))(?!\w)"
        rf"|(?:{j_after})\s+(?P<jdays>\d{{1,3}})\s*j\.?(?![^\W\d_]))"
    )
    # "abgesetzt seit 2 Tagen", "off risperidone for 2 days": how long the stop has lasted
    # (a whole word, perhaps glued to the number: "x2d")
    since = rf"(?:{'|'.join(stopped['since'])})(?![^\W\d_])\s*{_time_span(3)}"
    gap = rf"(?:[\s\-]+[^\W\d_][\w\-]*){{0,{int(stopped['since_gap_words'])}}}"
    since_only = "|".join(stopped["since_words"])
    since_words = "|".join([*stopped["words"], since_only])
    # "stopped 2 days ago", "stopped (yesterday)", "last given 10 days ago"
    # "stopped metoclopramide yesterday": the drug between (stop_drug_gap)
    forward = compile_vocabulary(
        rf"\b(?:{words})(?![^\W\d_])(?:{stop_drug_gap()}(?=\W))?\W*{time}"
        rf"|\b(?:{since_words})(?![^\W\d_]){gap}\W*{since}",
        re.IGNORECASE,
    )
    # "vor 2 Tagen abgesetzt", "gestern abgesetzt", "2 dagen geleden gestopt", "seit 2 Tagen
    # abgesetzt", "seit 2 Tagen ohne Risperdal"
    backward = compile_vocabulary(
        rf"\b(?:{time}\W*(?:{words})|{since}\W*(?:{words}|{since_only}))(?![^\W\d_])",
        re.IGNORECASE,
    )
    return forward, backward, relative


@cache
def _stop_time_pattern() -> re.Pattern[str]:
    """A time a stop is dated by, without its stop word: [values.stopped] `since` or
    [values.ended_ago] `before` and a [values.durations] span ("seit 3 Wochen", "hace 3
    semanas", "da 10 giorni"), or a span and an `after` word ("3 weeks ago")."""
    table = synonyms_data()["values"]
    since = "|".join([*table["stopped"]["since"], *table["ended_ago"]["before"]])
    after = "|".join(table["ended_ago"]["after"])
    return compile_vocabulary(
        rf"\b(?:(?:{since})\s+{_time_span(1)}|{_time_span(2)}\s+(?:{after})\b)", re.IGNORECASE
    )


_MID_MONTH_DAY: Final = 15  # a month written without its day is dated from its middle


@cache
def _month_year_pattern() -> re.Pattern[str]:
    """A month and year written as numbers ("10/2026", "10.2026", "10-2026"); groups m, y."""
    return compile_vocabulary(r"(?<![\d./-])(?P<m>\d{1,2})[./-](?P<y>(?:19|20)\d\d)(?![\d./-])")


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def event_days_ago(text: str, sample: date | None) -> float | None:
    """How many days before the sample an event written in `text` took place: a time ago or
    since ("2 weeks ago", "vor 2 Wochen", "il y a 2 semaines", "hace 3 semanas", "2 settimane
    fa", "2 weken geleden", "seit 10 Tagen": synonyms.toml [values.ended_ago], [values.stopped]
    since), else a month and year as numbers ("10/2026": from the middle of that month, with
    the sample's date), else None."""
    found = _stop_time_pattern().search(normalise_word(text))
    if found is not None:
        return _span_days(found)
    dated = _month_year_pattern().search(text)
    if dated is None or sample is None or not 1 <= int(dated.group("m")) <= MONTHS_PER_YEAR:
        return None
    middle = date(int(dated.group("y")), int(dated.group("m")), _MID_MONTH_DAY)
    return float((sample - middle).days)


def stop_time_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` (folded, lower case) writes a time a stop may be dated by, without its stop
    word ("nimmt sie seit 3 Wochen nicht mehr": "seit 3 wochen"); stopped_days reads it once a
    stop word stands before it."""
    return [found.span() for found in _stop_time_pattern().finditer(text)]


@lru_cache(maxsize=TEXT_CACHE_SIZE)  # per distinct medication item: rows repeat them
def stopped_days(text: str) -> float | None:
    """How many days before the note a drug was stopped or last given, when text says so with a
    time ("stopped yesterday": 1; "vor 2 Tagen abgesetzt": 2; "last given 10 days ago": 10;
    "Modecate stopped 3 weeks ago": 21; "stopped last week", "vor einer Woche abgesetzt": 7;
    "arrêté le mois dernier": ~30), else None (synonyms.toml [values.stopped])."""
    forward, backward, relative = _stopped_patterns()
    plain = normalise_word(text)
    after_only = synonyms_data()["values"]["stopped"]["after_only"]
    found = forward.search(plain)
    if found is None:
        found = backward.search(plain)
        if found is not None and any(re.fullmatch(w, found.group("day") or "") for w in after_only):
            found = None
    if found is None:
        return None
    if found.group("day"):
        word = found.group("day")
        return next(days for key, days in relative.items() if re.fullmatch(key, word))
    counted = found.group("offset") or found.group("jdays")
    if counted:  # "à J-2", "il y a 2 j"
        return float(counted)
    if found.group("zero"):  # "à J0": the sample's own day
        return 0.0
    return _span_days(found)


@cache
def month_name_pattern(group: str = "mname") -> str:
    """An alternation of the month names and abbreviations of synonyms.toml [values.month_names]
    (lower case, without accents), as whole words; its group is named `group`."""
    names = [name for names in _month_names().values() for name in names]
    words = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return rf"(?<![^\W\d_])(?P<{group}>{words})(?![^\W\d_])\.?"


@cache
def _month_names() -> dict[int, tuple[str, ...]]:
    table = synonyms_data()["values"]["month_names"]
    return {int(number): tuple(names) for number, names in table.items()}


def month_of_name(name: str) -> int | None:
    """The month number a whole month name or abbreviation of [values.month_names] gives."""
    return _months().get(normalise_word(name))


@cache
def _months() -> dict[str, int]:
    """Each month name and abbreviation of synonyms.toml [values.month_names] -> its month."""
    return {name: number for number, names in _month_names().items() for name in names}


@cache
def _stopped_month_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(stop word then month, month then stop word) of synonyms.toml [values.stopped]; groups
    mname (a month name) or mnum (its number), and year."""
    table = synonyms_data()["values"]
    stopped = table["stopped"]
    words = "|".join(
        [*stopped["words"], *table["last_dose"]["openers"], *table["ended_ago"]["until"]]
    )
    where = "|".join(stopped["month_in"])
    part = rf"(?:{'|'.join(stopped['month_part'])})[\s\-]+(?:(?:of|de|di|d.|van)\s*)?"
    article = r"(?:(?:the|el|le|la|il|de|het)\s+)?"
    article += rf"(?:(?:{'|'.join(stopped['month_word'])})\s*)?"
    year = r"(?:\s*(?P<year>(?:19|20)\d\d)(?![\d./-]?\d))"
    named = rf"{month_name_pattern()}{year}?"
    numbered = r"(?<![\d./-])(?P<mnum>\d{1,2})\s*[./-]\s*(?P<myear>(?:19|20)\d\d)(?![\d./-]?\d)"
    # the same, its groups named g... (a stop word before the drug: forward's second branch)
    gap_named = month_name_pattern("gmname") + year.replace("P<year>", "P<gyear>") + "?"
    gap_numbered = numbered.replace("P<mnum>", "P<gmnum>").replace("P<myear>", "P<gmyear>")
    forward = compile_vocabulary(
        rf"\b(?:{words})(?![^\W\d_])\s*[(:,]?\s*(?:(?:{where})\s+)?(?:{part})?{article}"
        rf"(?:{named}|{numbered})"
        # the drug between (stop_drug_gap), then a `month_in` word or the month's number
        # ("stopped metoclopramide in November", "sospeso Plasil a novembre"; not "stopped it as
        # it may cause QT")
        rf"|\b(?:{words})(?![^\W\d_]){stop_drug_gap()}\s*[(:,]?\s*"
        rf"(?:(?:{where})\s+(?:{part})?{article}{gap_named}|{gap_numbered})",
        re.IGNORECASE,
    )
    # "im Oktober abgesetzt", "Ende Oktober abgesetzt", "Oktober 2026 abgesetzt", "10/2026
    # abgesetzt", "Oktober abgesetzt" (a name alone, not one of month_alone_not: "mai sospeso")
    alone_not = "|".join(stopped["month_alone_not"])
    alone = rf"(?<![^\W\d_])(?!(?:{alone_not})(?![^\W\d_]))"
    backward = compile_vocabulary(
        rf"(?:(?:(?<![^\W\d_])(?P<lead>(?:{where})\s+(?:{part})?|{part}){article})?"
        rf"(?(lead)|(?:{alone}|(?=[^\W\d_]+\.?\s*(?:19|20)\d\d)))"
        rf"{month_name_pattern()}{year}?|{numbered})"
        rf"\s*(?:{words})(?![^\W\d_])",
        re.IGNORECASE,
    )
    return forward, backward


def stopped_month_match(text: str) -> re.Match[str] | None:
    """The first stop or end written as a month in text (stopped_month's reading: "until
    March", "stopped in October", "tot maart", "jusqu'en mars", "abgesetzt 10/2026"), as a
    match in ``normalise_word(text)``; None when text writes none."""
    forward, backward = _stopped_month_patterns()
    plain = normalise_word(text)
    return forward.search(plain) or backward.search(plain)


def opens_with_until(phrase: str) -> bool:
    """Whether a stopped_month_match phrase opens with an "until" word of [values.ended_ago]
    ("until December", "bis Dezember", "jusqu'en décembre"), not with a stop word ("stopped in
    December")."""
    until = "|".join(synonyms_data()["values"]["ended_ago"]["until"])
    return re.match(rf"(?:{until})(?![^\W\d_])", normalise_word(phrase)) is not None


@cache
def _until_past() -> re.Pattern[str]:
    """A past-tense or ended word ([values.ended_ago] until_past, [values.stopped] words)."""
    table = synonyms_data()["values"]
    words = "|".join([*table["ended_ago"]["until_past"], *table["stopped"]["words"]])
    return re.compile(rf"(?<![^\W\d_])(?:{words})(?![^\W\d_])", re.IGNORECASE)


def says_past(text: str) -> bool:
    """Whether text writes a past-tense or ended word ("breastfed", "hat ... gestillt", "a
    allaité", "amamantó", "ha allattato", "gaf borstvoeding", "now stopped"): [values.ended_ago]
    until_past and the stop words of [values.stopped]."""
    return _until_past().search(normalise_word(text)) is not None


@cache
def _stop_when_first() -> re.Pattern[str]:
    """A day word or a year of [values.stopped] (relative_days, last_before; month_in and
    year_word before a year), opening a text: what stands right after a stop word that dates
    it."""
    stopped = synonyms_data()["values"]["stopped"]
    days = "|".join(stopped["relative_days"])
    where = rf"(?:(?:{'|'.join(stopped['month_in'])})\s+)?"
    where += rf"(?:(?:{'|'.join(stopped['year_word'])})\s+)?"
    year = rf"{where}(?:19|20)\d\d(?![\d./-]?\d)"
    return re.compile(rf"(?:{days}|{_last_period()}|{year})(?![^\W\d_])", re.IGNORECASE)


def dates_its_stop(text: str) -> bool:
    """Whether text, written right after a stop word, is empty or is the time that dates the
    stop ("3/12 ago", "2024", "in July", "il y a 3 mois", "hace 3 meses", "vor 3 Monaten", "last
    month", "yesterday") and nothing more: not what was stopped ("sertraline 2 weeks ago"), nor
    a time with what was stopped after it ("in 2024 met roken", "last year taking the pill",
    "2024: Sertralin": review 27 mend) ([values.stopped], [values.ended_ago],
    [values.month_names])."""
    plain = normalise_word(text).lstrip(" ([:-")
    if not plain.strip(_AFTER_ITS_TIME):
        return True
    ends = [end for start, end in stop_time_spans(plain) if start == 0]
    first = _stop_when_first().match(plain)
    if first is not None:
        ends.append(first.end())
    opener = "stopped "
    found = stopped_month_match(opener + plain)  # "in July", "a luglio", "sinds maart"
    if found is not None and found.start() == 0 and not found.group("gmname"):
        ends.append(found.end() - len(opener))
    dated = re.match(r"\d[\d./-]*", plain)  # "12.03.2024", "3/12"
    if dated is not None:
        ends.append(dated.end())
    return any(not plain[end:].strip(_AFTER_ITS_TIME) for end in ends)


# what may stand after a stop's time and still leave it the whole entry ("stopped 2024.", "(3/12
# ago)")
_AFTER_ITS_TIME = " .,;:!)]-"


def stopped_month(text: str) -> tuple[int, int | None] | None:
    """The month a drug was stopped in, and its year when written ("stopped in October": (10,
    None); "abgesetzt 10/2026", "stopped Oct 2026": (10, 2026)), when text writes its stop as a
    month (synonyms.toml [values.stopped] month_in, month_part; [values.month_names]); else
    None."""
    found = stopped_month_match(text)
    if found is None:
        return None
    groups = found.groupdict()
    gap = "g" if groups.get("gmname") or groups.get("gmnum") else ""  # forward's second branch
    if groups.get(f"{gap}mnum"):
        month = int(groups[f"{gap}mnum"])
        return (month, int(groups[f"{gap}myear"])) if 1 <= month <= MONTHS_PER_YEAR else None
    named = month_of_name(groups[f"{gap}mname"])
    year = groups.get("gyear" if gap else "year")
    return None if named is None else (named, int(year) if year else None)


@cache
def _stopped_year_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(stop word then year, year then stop word) of synonyms.toml [values.stopped]: a stop
    written as a year alone ("abgesetzt 2025", "arrêté en 2024", "2025 abgesetzt"); group year."""
    table = synonyms_data()["values"]
    stopped = table["stopped"]
    words = "|".join(
        [*stopped["words"], *table["last_dose"]["openers"], *table["ended_ago"]["until"]]
    )
    where = rf"(?:(?:{'|'.join(stopped['month_in'])})\s+)?"
    where += rf"(?:(?:{'|'.join(stopped['year_word'])})\s+)?"
    year = r"(?<![\d./-])(?P<year>(?:19|20)\d\d)(?![\d./-]?\d)"
    forward = compile_vocabulary(
        rf"\b(?:{words})(?![^\W\d_])(?P<gap>{stop_drug_gap()})\s*[(:]?\s*{where}{year}",
        re.IGNORECASE,
    )
    backward = compile_vocabulary(
        rf"(?<![^\W\d_]){where}{year}\s*(?:{words})(?![^\W\d_])", re.IGNORECASE
    )
    return forward, backward


def stopped_year(text: str) -> int | None:
    """The year a drug was stopped in, when text writes its stop as a year alone ("abgesetzt
    2025", "arrêté en 2024", "stopped 2023", "2025 abgesetzt", "sospeso nel 2024": synonyms.toml
    [values.stopped] month_in, year_word); else None.  A month or a day written with it is
    read by stopped_month or as a date first."""
    forward, backward = _stopped_year_patterns()
    plain = normalise_word(text)
    found = forward.search(plain) or backward.search(plain)
    return None if found is None else int(found.group("year"))


def stopped_year_gap(text: str) -> str | None:
    """The words between the stop word and its year when text writes a stop as a year alone
    written after the stop word (stopped_year: "suspendió litio en 2024" -> " litio en",
    "stopped 2023" -> ""); None when it writes none."""
    found = _stopped_year_patterns()[0].search(normalise_word(text))
    return None if found is None else found.group("gap")


# A date a drug's end is written with, as a stop, its last dose, or the end of the span it was
# taken in ("until 2026-08-01", "tot 01-08-2026", "until 1 Aug 2026", "hasta el 1 de agosto de
# 2026", "letzte Einnahme 01.08.2026", "2024-01 to 2026-08", "01/06/2026-01/08/2026"): a day, or a
# month ("bis 08/2026", "until 2026-08", "until Aug 2026").  Read in lower-case text without
# accents (normalise_word); its parts by _DATE_FORMS.
_YEAR4: Final = r"(?:19|20)\d\d"
# a month and year written in digits ("03.2024", "3/2024"): one of _DATE_FORMS, read by the state
# words too (the month is checked against 1-12 where it is used)
MONTH_YEAR: Final = re.compile(rf"(?P<m>\d{{1,2}})[./-](?P<y>{_YEAR4})")
_ORDINAL: Final = r"(?:er|st|nd|rd|th)?"
_DATE_FORMS: Final = (
    ("day", re.compile(rf"(?P<d>\d{{1,2}})[./-](?P<m>\d{{1,2}})[./-](?P<y>{_YEAR4})")),
    ("day", re.compile(rf"(?P<y>{_YEAR4})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})")),
    (
        "day",
        re.compile(
            # a UK drug list's "01-Oct-2025" too
            rf"(?P<d>\d{{1,2}}){_ORDINAL}(?:\.?\s*|-)(?:de\s+)?(?P<name>[^\W\d_]+)(?:\.?\s*|-)"
            rf"(?:de\s+)?(?P<y>{_YEAR4})"
        ),
    ),
    (
        "day",
        re.compile(rf"(?P<name>[^\W\d_]+)\.?\s+(?P<d>\d{{1,2}}){_ORDINAL},?\s+(?P<y>{_YEAR4})"),
    ),
    ("month", MONTH_YEAR),
    ("month", re.compile(rf"(?P<y>{_YEAR4})-(?P<m>\d{{1,2}})")),
    ("month", re.compile(rf"(?P<name>[^\W\d_]+)\.?\s*(?:de\s+)?(?P<y>{_YEAR4})")),
)


# The day/month order the run reads ambiguous dates in (a file's date columns: the
# --dayfirst/--monthfirst option or the file's own evidence, io/readers.py), which the dates
# written in its free text follow too ("risperidone stopped 10/11/2026" in a month-first file is
# 11 October): set around the triage of a file (text_date_order), day-first by default.
_TEXT_DAYFIRST: Final[ContextVar[bool]] = ContextVar("text_dayfirst", default=True)
# The frame attribute (DataFrame.attrs) a reader gives that order in for the engine.
TEXT_DAYFIRST_ATTR: Final = "text_dayfirst"
# The frame attribute a delimited text's reader gives, when its last line ends without a line
# end right after a value it reads (io/readers.py _open_end_caution), that line's source row ->
# the caution its results' comment gives (engine/core.py): the value may be cut short.
OPEN_END_ATTR: Final = "open_end_cautions"


def text_dayfirst() -> bool:
    """Whether an ambiguous numeric date in free text is read day-first (text_date_order)."""
    return _TEXT_DAYFIRST.get()


@contextmanager
def text_date_order(dayfirst: bool) -> Iterator[None]:
    """Read the numeric dates of free text day-first (or month-first) within the block."""
    token = _TEXT_DAYFIRST.set(dayfirst)
    try:
        yield
    finally:
        _TEXT_DAYFIRST.reset(token)


def written_day_month(first: int, second: int, mark: str) -> tuple[int, int]:
    """The (day, month) of a numeric date written `first` `mark` `second` (then its year), as
    parse_date_text reads a date column: a dotted one is day-first (3.4.2026); a part above 12
    is the day; else the run's order (text_dayfirst)."""
    if first > _MONTHS_PER_YEAR or mark == "." or (text_dayfirst() and second <= _MONTHS_PER_YEAR):
        return first, second
    return second, first


@cache
def _date_text(spanned: str = "") -> str:
    """A date of _DATE_FORMS, as one pattern without groups, whole: no digit or date mark glued
    to either end, but the dash between a span's dates (`spanned`: "first", which may be a year
    alone, or "second")."""
    month = re.sub(r"\(\?P<\w+>", "(?:", month_name_pattern())
    day = r"\d{1,2}"
    forms = [
        rf"{day}[./-]{day}[./-]{_YEAR4}",
        rf"{_YEAR4}-{day}-{day}",
        rf"{day}{_ORDINAL}(?:\.?\s*|-)(?:de\s+)?{month}(?:\s*|-)(?:de\s+)?{_YEAR4}",
        rf"{month}\s+{day}{_ORDINAL},?\s+{_YEAR4}",
        rf"{day}[./-]{_YEAR4}",
        rf"{_YEAR4}-{day}",
        rf"{month}\s*(?:de\s+)?{_YEAR4}",
    ]
    if spanned == "first":  # a span's start may be its year alone ("from 2023 to 2026-08-01")
        forms.append(_YEAR4)
    before = r"(?<![\d./])" if spanned == "second" else r"(?<![\d./-])"
    after = r"(?![\d./]?\d)" if spanned == "first" else r"(?![\d./-]?\d)"
    return rf"{before}(?:{'|'.join(forms)}){after}"


@cache
def _written_end_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(an end word then its date, a span of two dates) of written_end; group end: the date.
    The end words are [values.stopped] `words`, [values.last_dose] `openers` and
    [values.ended_ago] `until`; between the dates of a span a dash or a [values.ended_ago]
    `range_to` word."""
    table = synonyms_data()["values"]
    ago = table["ended_ago"]
    words = "|".join([*table["stopped"]["words"], *ago["until"]])
    last = "|".join(table["last_dose"]["openers"])
    opener = _date_article()
    dated = compile_vocabulary(
        rf"\b(?:(?P<last>{last})|{words})(?![^\W\d_])\W*{opener}(?P<end>{_date_text()})",
        re.IGNORECASE,
    )
    joins = "|".join(ago["range_to"])
    span = compile_vocabulary(
        rf"{_date_text('first')}\s*(?:[-–—]|(?<![^\W\d_])(?:{joins})(?![^\W\d_]))\s*{opener}"
        rf"(?P<end>{_date_text('second')})",
        re.IGNORECASE,
    )
    return dated, span


@cache
def _written_date_pattern() -> re.Pattern[str]:
    return compile_vocabulary(_date_text(), re.IGNORECASE)


def written_dates(text: str) -> list[tuple[date, date]]:
    """The dates a note writes ("Seizure 01-Mar-2024", "Herpes zoster 13/11/2026",
    "Krampfanfall 03.2024", "le 1er mars 2024"), each as its first and last day (one day, or its
    month's days), in the forms of _DATE_FORMS; a year alone is not one."""
    plain = normalise_word(text)
    spans = (_date_span(found.group()) for found in _written_date_pattern().finditer(plain))
    return [span for span in spans if span is not None]


def _date_span(text: str) -> tuple[date, date] | None:
    """The first and last day a date of _DATE_FORMS covers (one day, or its month's days)."""
    for kind, form in _DATE_FORMS:
        found = form.fullmatch(text.strip())
        if found is None:
            continue
        name = found.groupdict().get("name")
        month = month_of_name(name) if name else int(found.group("m"))
        day_of_month = 1
        if month is not None and kind == "day":
            day_of_month, month = _day_month_of(found, month)
        if month is None or not 1 <= month <= MONTHS_PER_YEAR:
            return None
        year = int(found.group("y"))
        try:
            if kind == "day":
                day = date(year, month, day_of_month)
                return day, day
            first = date(year, month, 1)
        except ValueError:
            return None
        following = date(year + 1, 1, 1) if month == MONTHS_PER_YEAR else date(year, month + 1, 1)
        return first, following - timedelta(days=1)
    return None


def _day_month_of(found: re.Match[str], month: int) -> tuple[int, int]:
    """The (day, month) of a _DATE_FORMS day: a numeric day-month-year one in the run's order
    (written_day_month); an ISO one or one with a month name as written."""
    day = int(found.group("d"))
    if found.groupdict().get("name") or found.start("d") > found.start("m"):
        return day, month
    return written_day_month(day, month, found.string[found.end("d")])


@dataclass(frozen=True, slots=True)
class WrittenEnd:
    """An end written with its date (written_end): its first and last day (one day, or a
    month's), where in the text (lower case, without accents) its date stops, and whether it is
    written as the last dose ("last dose 01/08/2026": perhaps only the latest of a drug still
    taken)."""

    first: date
    last: date
    stops_at: int
    last_dose: bool


def written_end(text: str) -> WrittenEnd | None:
    """The end a drug's text writes with its date: an end word and its date ("until 2026-08-01",
    "tot 01-08-2026", "until 1 Aug 2026", "stopped 1 Aug 2026", "bis 08/2026", "letzte Einnahme
    01.08.2026", "last dose 01/08/2026") or a span of two dates, the second its end ("2024-01 to
    2026-08", "01/06/2026-01/08/2026"); None when there is none.  A day and month without a year
    ("bis 25.11.") is not read here: it may be an end still to come.  A numeric date is read in
    the run's day/month order (text_dayfirst)."""
    return _written_end(text, text_dayfirst())


@lru_cache(maxsize=TEXT_CACHE_SIZE)  # per distinct medication item and day/month order
def _written_end(text: str, _dayfirst: bool) -> WrittenEnd | None:
    plain = normalise_word(text)
    dated, span = _written_end_patterns()
    found = [m for m in (dated.search(plain), span.search(plain)) if m is not None]
    for match in sorted(found, key=lambda m: m.start()):
        days = _date_span(match.group("end"))
        if days is not None:
            last_dose = bool(match.groupdict().get("last"))
            return WrittenEnd(days[0], days[1], match.end(), last_dose)
    return None


@cache
def _last_issue_pattern() -> re.Pattern[str]:
    """An issue word and its date (synonyms.toml [values.last_issue]); group end: the date."""
    words = "|".join(synonyms_data()["values"]["last_issue"]["openers"])
    return compile_vocabulary(
        rf"\b(?:{words})(?![^\W\d_])\W*{_date_article()}(?P<end>{_date_text()})", re.IGNORECASE
    )


def _date_article() -> str:
    """An optional preposition or article before a date, then its spaces (synonyms.toml
    [values.date_article]: "on", "am", "le", "el", "il", "op", ...)."""
    words = "|".join(map(re.escape, synonyms_data()["values"]["date_article"]["words"]))
    return rf"(?:(?:{words})\s+)?"


def last_issue(text: str) -> date | None:
    """The latest day a GP drug list's item was issued ("acute - 12-Oct-2025", "Last issued
    12-Nov-2024", "Issued: 03-Jan-2025", "zuletzt verordnet 12.10.2025": synonyms.toml
    [values.last_issue]), the last day of a month written alone; None when none is written.  A
    numeric date is read in the run's day/month order (text_dayfirst)."""
    return _last_issue(text, text_dayfirst())


@lru_cache(maxsize=TEXT_CACHE_SIZE)  # per distinct medication item and day/month order
def _last_issue(text: str, _dayfirst: bool) -> date | None:
    days = (
        _date_span(found.group("end"))
        for found in _last_issue_pattern().finditer(normalise_word(text))
    )
    return max((span[1] for span in days if span is not None), default=None)


@cache
def _stopped_recently_pattern() -> re.Pattern[str]:
    table = synonyms_data()["values"]
    stopped = table["stopped"]
    words = "|".join([*stopped["words"], *table["last_dose"]["openers"]])
    recent = "|".join(stopped["recently"])
    before = "|".join([*stopped["recently"], *stopped["recently_before"]])
    return compile_vocabulary(
        rf"\b(?:{words})(?![^\W\d_])\s*\(?\s*(?:{recent})(?![^\W\d_])"
        rf"|(?<![^\W\d_])(?:{before})\s+(?:{words})(?![^\W\d_])",
        re.IGNORECASE,
    )


def stopped_recently(text: str) -> bool:
    """Whether text writes a stop as recent without its time ("recently stopped", "kürzlich
    abgesetzt", "récemment arrêté", "sospeso di recente": synonyms.toml [values.stopped]
    recently, recently_before)."""
    return _stopped_recently_pattern().search(normalise_word(text)) is not None


@cache
def ambiguous_duration_words() -> dict[str, dict[str, Any]]:
    """word -> its settings (synonyms.toml [values.durations.ambiguous])."""
    table = synonyms_data()["values"]["durations"].get("ambiguous", {})
    return {normalise_word(word): data for word, data in table.items()}


@cache
def _life_day_abbreviation() -> tuple[re.Pattern[str], frozenset[str], frozenset[str], float]:
    """The German day-of-life abbreviation ("LT 5", "5. LT"; synonyms.toml
    [values.durations.day_of_life_abbreviation]): its cell pattern on normalised text (the day
    in group 1 or 2), the header and cell words that make a column German, and the last day of
    life it may give (thresholds.toml, by name)."""
    table = synonyms_data()["values"]["durations"]["day_of_life_abbreviation"]
    words = "|".join(re.escape(normalise_word(w)) for w in table["words"])
    pattern = compile_vocabulary(
        rf"(?:{words})\.?\s*\+?\s*(\d{{1,3}})|(\d{{1,3}})\.?\s*(?:{words})\.?"
    )
    limits = toml_cache.loads(data_file("thresholds.toml").read_bytes().decode())["threshold"]
    return (
        pattern,
        frozenset(normalise_word(w) for w in table["header_words"]),
        frozenset(normalise_word(w) for w in table["cell_words"]),
        float(limits[str(table["max_days_threshold"])]["value"]),
    )


_LIFE_DAY: Final = "day_of_life_abbreviation"  # its key in an age column's readings


def age_unit_readings(cells: Iterable[object], header: str = "") -> dict[str, str]:
    """What each ambiguous unit word ("j") means in one age column: "years" or "days".

    Decided by the column's other cells ("2 ans" or "6 sem" beside "3 j": French, days; "6 Mon"
    beside "45 J": German, years) and its header (the accented French "Âge", "Âge (j)"; a German
    or Dutch "Alter", "Leeftijd": years), else the word's default (years: see synonyms.toml).
    An unaccented "Age (J)" alone never chooses days: English labels head German and Dutch
    exports, where "J" is Jahre / jaar."""
    texts = [normalise_word(c) for c in cells if isinstance(c, str) and c.strip()]
    words = {w for text in texts for w in re.findall(r"[a-z]+", text)}
    written = " ".join(header.lower().split())
    plain = normalise_word(header)
    header_words = set(re.findall(r"[a-z]+", plain))
    readings: dict[str, str] = {}
    for word, data in ambiguous_duration_words().items():
        french_words = {normalise_word(w) for w in data.get("days_if_words", [])}
        other_words = {normalise_word(w) for w in data.get("years_if_words", [])}
        headers = {h.lower() for h in data.get("days_if_headers", [])}
        other_headers = {normalise_word(h) for h in data.get("years_if_header_words", [])}
        french = bool(words & french_words) or written in headers
        if not words & other_words and not header_words & other_headers and french:
            readings[word] = "days"
        else:
            readings[word] = str(data.get("default", "years"))
    # "LT 5": Lebenstag only in a German column ("lt 18" elsewhere is an LIS band's "less than")
    _, german_headers, german_cells = _life_day_abbreviation()[:3]
    if header_words & german_headers or words & german_cells:
        readings[_LIFE_DAY] = "days"
    return readings


def _duration_days(
    cell: object, default_days: float, readings: Mapping[str, str] | None = None
) -> float | None:
    """A duration in days from "34", "34 y", "6 months", "1y 6m", "28 yo", "6/12", "12+3".

    ``readings``: what ambiguous unit words mean here (``age_unit_readings``); without one such
    a word leaves the cell unread (None)."""
    if isinstance(cell, bool) or is_blank(cell):
        return None
    if isinstance(cell, int | float | np.integer | np.floating):
        number = float(cell)
        return number * default_days if math.isfinite(number) and number >= 0 else None
    if not isinstance(cell, str):
        return None
    old, joiner, day_of_life, ordinal = _age_text_forms()
    text = old.sub("", normalise_word(_clean_text(_vulgar_fractions_spaced(cell))))
    text = _halves_written(ordinal.sub(r"\1 ", joiner.sub(" ", text)))
    life_day, _, _, last_day = _life_day_abbreviation()
    if abbreviated := life_day.fullmatch(text):  # "LT 5", "5. LT": Lebenstag, or "lt 18"
        life = float(abbreviated.group(1) or abbreviated.group(2))
        german = readings is not None and readings.get(_LIFE_DAY) == "days"
        return life * _DAYS_IN["days"] if german and life <= last_day else None
    if day := day_of_life.fullmatch(text):  # "J12", "dia 12": the day of life
        return float(day.group(1)) * _DAYS_IN["days"]
    if _UPPER_BOUND.match(text):  # "<18", "under 18": only a bound, never the age itself
        return None
    plus = re.fullmatch(r"(\d+)\s*\+\s*(\d)\s*(?:d|days?)?", text)
    if plus:  # obstetric "12+3": weeks + days
        return float(plus.group(1)) * _DAYS_PER_WEEK + float(plus.group(2))
    fraction = _FRACTION.fullmatch(text)
    if fraction:
        count = parse_number(fraction.group(1))
        return None if count is None else count * _FRACTION_DAYS[fraction.group(2)]
    years_months, year_of_life = _years_counted_forms()
    counted = years_months.fullmatch(text)
    if counted and (counted.group(3) or default_days == _DAYS_PER_YEAR):
        # the paediatric "years;months" ("0;2": two months, "4;11", "10;6 J.")
        years, months = int(counted.group(1)), int(counted.group(2))
        if months >= _MONTHS_PER_YEAR:
            return None
        return years * _DAYS_PER_YEAR + months * _DAYS_IN["months"]
    if ordinal_year := year_of_life.fullmatch(text):  # "2. LJ": in the 2nd year, one year old
        year = int(ordinal_year.group(1))
        return (year - 1) * _DAYS_PER_YEAR if year >= 1 else None
    pattern, unit_days = _duration_units()
    parts = list(pattern.finditer(text))
    if sum(1 for part in parts if not part.group(2)) > 1:
        return None  # two bare numbers ("2 4", "1,6;2"): not one duration
    consumed = "".join(part.group(0) for part in parts)
    if not parts or re.sub(r"[\s,;]", "", consumed) != re.sub(r"[\s,;]", "", text):
        quantity = _parse_quantity_text(text, None)
        if quantity.status != "ok" or quantity.value is None or quantity.unit_text:
            return None
        return quantity.value * default_days if quantity.value >= 0 else None
    total = 0.0
    before: float | None = None  # the days of the unit word before this part's
    for part in parts:
        amount = parse_number(part.group(1))
        if amount is None:
            return None
        unit = part.group(2)
        days = unit_days.get(unit) if unit else default_days
        if unit and days is None:
            days = _ambiguous_unit_days(unit, readings, before)
        if days is None:
            return None
        total += amount * days
        before = days if unit else before
    return total


def _ambiguous_unit_days(
    unit: str, readings: Mapping[str, str] | None, before: float | None
) -> float | None:
    """The days of an ambiguous unit word ("j"): after a larger unit word in the same cell ("3
    sem. 2 j", "4 m 10 j"), the largest of its meanings below that unit (the parts of one
    duration go down in size: only days), else what the column says it means (``readings``);
    None when neither tells."""
    if before is not None:
        meanings = ambiguous_duration_words()[unit].get("meanings", [])
        below = [_DAYS_IN[m] for m in meanings if m in _DAYS_IN and _DAYS_IN[m] < before]
        return max(below, default=None)
    return _DAYS_IN.get((readings or {}).get(unit, ""))


# A half written as one character ("2 ½ ans", "1½ Jahre", "6½ mois"), spaced as a fraction
# before the cell is normalised (NFKC would glue "1½" into "11⁄2").
_VULGAR_FRACTIONS: Final = re.compile(r"[\u00bc-\u00be\u2150-\u215e]")
# A half after the number ("2 1/2 ans") or after its unit word, ending the cell ("1 an 1/2").
_HALF_BEFORE_UNIT: Final = re.compile(r"(\d+)\s+1\s*/\s*2(?![\d/])")
_HALF_AFTER_UNIT: Final = re.compile(r"(\d+)\s*([^\W\d_]+\.?)\s+1\s*/\s*2$")


def _vulgar_fractions_spaced(cell: str) -> str:
    """``cell`` with each one-character fraction written "n/d" apart from its neighbours
    ("1½ Jahre": "1 1/2 Jahre")."""
    if cell.isascii():
        return cell
    return _VULGAR_FRACTIONS.sub(
        lambda found: f" {Fraction(unicodedata.numeric(found.group())).limit_denominator(12)} ",
        cell,
    )


@cache
def _half_forms() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """synonyms.toml [values.durations] `halves`, `glued_halves` (after a number word of
    [values.stopped.counts]) and `one_and_a_half`, as patterns on normalised text."""
    table = synonyms_data()["values"]["durations"]

    def either(key: str) -> str:
        words = sorted((normalise_word(w) for w in table[key]), key=len, reverse=True)
        return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)

    counts = "|".join(re.escape(w) for w in sorted(count_words(), key=len, reverse=True))
    return (
        compile_vocabulary(rf"(?<=[\w.])\s+(?:{either('halves')})(?![a-z])"),
        compile_vocabulary(rf"(?<![a-z])({counts})\s*(?:{either('glued_halves')})(?![a-z])"),
        compile_vocabulary(rf"(?<![a-z])(?:{either('one_and_a_half')})(?![a-z])"),
    )


def _halves_written(text: str) -> str:
    """A normalised age with a half ("1 an 1/2", "2 1/2 ans", "2 mois et demi", "1 anno e
    mezzo", "zweieinhalb jahre", "anderthalb jahre") with the half in its number ("1.5 an",
    "2.5 ans", "2.5 mois", "1.5 anno", "2.5 jahre", "1.5 jahre")."""
    if "/" not in text and not any(ch.isalpha() for ch in text):
        return text
    halves, glued, one_and_a_half = _half_forms()
    text = one_and_a_half.sub("1 1/2", text)
    text = glued.sub(lambda found: f"{count_words()[found.group(1)]} 1/2", text)
    text = halves.sub(" 1/2", text)
    text = _HALF_BEFORE_UNIT.sub(r"\1.5", text)
    return _HALF_AFTER_UNIT.sub(r"\1.5 \2", text)


# An age band of a research cohort ("40-49", "40–49 J.", "65+", "≥ 65", "80 und älter"): the
# first age and the first age after it (None: open-ended).
_AGE_BAND: Final = re.compile(
    r"\s*(\d{1,3})\s*[-–—]\s*(\d{1,3})\s*(?:y|yrs?|years?|j|jahre|ans|anos|anni|jaar)?\.?\s*"
)
_AGE_OPEN: Final = re.compile(
    r"\s*(?:(?:≥|>=|=>)\s*(\d{1,3})|(\d{1,3})\s*(?:\+|(?:y|years?|jahre|ans|anos|anni|jaar)?\s*"
    r"(?:and\s+(?:over|older|above)|und\s+(?:alter|aelter|mehr)|et\s+plus|y\s+m[aá]s|e\s+oltre|en\s+ouder)))\s*"
)


def age_band(cell: object) -> tuple[float, float | None] | None:
    """(first age, first age after the band) of an age band ("40-49": 40, 50; "65+": 65,
    None), else None."""
    if not isinstance(cell, str):
        return None
    text = normalise_word(_clean_text(cell))
    closed = _AGE_BAND.fullmatch(text)
    if closed is not None:
        low, high = float(closed.group(1)), float(closed.group(2))
        return (low, high + 1) if low < high else None
    opened = _AGE_OPEN.fullmatch(text)
    if opened is not None:
        return float(opened.group(1) or opened.group(2)), None
    return None


def band_age(band: tuple[float, float | None], boundaries: Iterable[float]) -> float | None:
    """The age a band is read as — its middle (an open band: its first age) — when every age in
    it falls on the same side of each ``boundary`` (ages where the interval changes: adulthood,
    the age past which a woman is taken as postmenopausal) and none is a child's, else None:
    "40-49" is 45, "65+" is 65; "10-19" and "50-59" span a change, "0-4" is a child's band, and
    they stay unread."""
    low, after = band
    if low < min(boundaries, default=low):
        return None  # a child's band: children's intervals change within a few years
    for boundary in boundaries:
        if low < boundary and (after is None or after > boundary):
            return None
    return low if after is None else (low + after) / 2


def parse_age_years(cell: object, readings: Mapping[str, str] | None = None) -> float | None:
    """Age in years from 34, "34", "34 y", "6 months", "3 wk", "1y 6m", "8 J.", "3 Tg".

    ``readings``: what ambiguous unit words mean in this column (``age_unit_readings``); by
    default each word's default reading (a bare "j" is years)."""
    if readings is None:
        readings = {w: str(d.get("default", "")) for w, d in ambiguous_duration_words().items()}
    days = _duration_days(cell, _DAYS_PER_YEAR, readings)
    return None if days is None else days / _DAYS_PER_YEAR


@dataclass(frozen=True, slots=True)
class AgeWord:
    """A stage-of-life word of an age cell (synonyms.toml [values.age_words]): its group
    ("newborn", "infant"), the thresholds.toml name of its span, and the duration written
    after it ("Säugling 3 Monate"), in years (None: none written)."""

    group: str
    span: str
    years: float | None


@cache
def _age_word_tables() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]], str]:
    """(normalised word -> (group, span name), capitals as written -> (group, span name),
    the joiners' pattern)."""
    table = synonyms_data()["values"]["age_words"]
    words: dict[str, tuple[str, str]] = {}
    capitals: dict[str, tuple[str, str]] = {}
    for group, data in table.items():
        if not isinstance(data, Mapping):
            continue
        entry = (group, str(data["span"]))
        for word in data.get("words", []):
            words[normalise_word(word)] = entry
        for word in data.get("capitals", []):
            capitals[word] = entry
    joiners = "|".join(re.escape(normalise_word(w)) for w in table.get("joiners", []))
    return words, capitals, joiners


def age_word(cell: object, readings: Mapping[str, str] | None = None) -> AgeWord | None:
    """The stage-of-life word that is a whole age cell ("newborn", "Neugeborenes", "NG",
    "nouveau-né", "recién nacido", "neonato", "pasgeborene", "Säugling", "infant",
    "nourrisson", "lactante"), with the duration written after it, if any ("Säugling 3
    Monate", "nouveau-né de 3 jours"); None for any other cell."""
    if not isinstance(cell, str):
        return None
    written = _clean_text(cell).strip(" .:;,!")
    words, capitals, joiners = _age_word_tables()
    entry = capitals.get(written)
    if entry is not None:
        return AgeWord(entry[0], entry[1], None)
    text = normalise_word(written)
    entry = words.get(text)
    if entry is not None:
        return AgeWord(entry[0], entry[1], None)
    # the longest stage word that opens the cell, then a duration
    for word in sorted(words, key=len, reverse=True):
        if not text.startswith(word + " ") and not text.startswith(word + ","):
            continue
        rest = text[len(word) :].strip(" ,:;()-")
        if joiners:
            rest = re.sub(rf"^(?:{joiners})\s+", "", rest)
        rest = re.sub(r"\s+(?:old|alt)$", "", rest)
        years = parse_age_years(rest.strip("() "), readings)
        if years is None:
            return None
        return AgeWord(words[word][0], words[word][1], years)
    return None


def zero_age_span_years(
    cell: object, readings: Mapping[str, str] | None = None, bare_years: float = 1.0
) -> float | None:
    """For an age of zero written in a unit coarser than a day ("0", "0 y", "0 J", "0 ans",
    "0,0", "0 months", "0 wk"), the span it leaves open, in years: "0 y" says "under one year"
    (1.0), "0 months" "under one month", "0 wk" "under one week".  None for any other cell,
    including the exact "0 days", "0 d", "0 h" (day 0).

    A bare 0 (number or text) is in ``bare_years`` years: the unit the column's header names
    (1/12 under "Age (months)": under one month), else years like any bare age; under a header
    in days or hours it is day 0."""
    if readings is None:
        readings = {w: str(d.get("default", "")) for w, d in ambiguous_duration_words().items()}
    bare_days = bare_years * _DAYS_PER_YEAR
    days = _duration_days(cell, bare_days, readings)
    if days != 0.0:
        return None
    words: list[str] = []
    if isinstance(cell, str):
        words = re.findall(r"[^\W\d_]+", normalise_word(_clean_text(cell)))
    _, unit_days = _duration_units()

    def days_of(word: str) -> float:
        found = unit_days.get(word, _DAYS_IN.get(readings.get(word, "")))
        return _DAYS_PER_YEAR if found is None else found

    spans = [days_of(word) for word in words] or [bare_days]
    if any(span <= 1.0 for span in spans):
        return None
    return max(spans) / _DAYS_PER_YEAR


def zero_age_without_days(cell: object, readings: Mapping[str, str] | None = None) -> bool:
    """An age of zero written in a unit coarser than a day (see ``zero_age_span_years``): it says
    "under one year (month, week)", not "day 0"."""
    return zero_age_span_years(cell, readings) is not None


# An age known only to be under some span (an age of "0 y": under one year, days unknown) travels
# in the canonical frame's age_years as the span negated (-1.0 for "0 y", -1/12 for "0 months"):
# a real age is never negative (negative cells are rejected), and the engine (engine/core.py)
# reads it back with ``unknown_age_spans`` before any rule sees the age.
def unknown_age(span_years: float) -> float:
    """The age_years value of an age under `span_years` whose exact value is unknown."""
    return -abs(span_years)


def unknown_age_spans(ages: np.ndarray) -> np.ndarray:
    """Per age_years value: the span of an unknown age under it (``unknown_age``), NaN for a
    known or missing age."""
    values = np.asarray(ages, dtype="float64")
    with np.errstate(invalid="ignore"):
        return np.where(values < 0, -values, np.nan)


def age_header_scale(unit: str, readings: Mapping[str, str] | None = None) -> float | None:
    """Years per bare number of an age column whose header names a duration unit
    ("Alter (Monate)": 1/12), or None when the header's unit is no duration word."""
    word = normalise_word(unit)
    days = duration_word_days(word)
    if days is None and word in ambiguous_duration_words():
        days = _DAYS_IN.get((readings or {}).get(word, ""))
    return None if days is None else days / _DAYS_PER_YEAR


def parse_weeks(cell: object, bare_days: float = _DAYS_PER_WEEK) -> float | None:
    """Weeks from 12, "12 weeks", "12+3", "3 days", "2 months", "SSW 12", "12. SSW", "12 SA",
    and weeks with days ("14 SA + 3 j", "10w3d", "SSW 32+4", "32+4 SSW", "34 2/7":
    obstetric_weeks_days); a bare number is ``bare_days`` days (a week; a day under a
    "ga_days" header)."""
    if isinstance(cell, str):
        plus = _CANONICAL_WEEKS_DAYS.fullmatch(obstetric_weeks_days(_clean_text(cell)))
        if plus is not None and (plus.group("unit") is None or _weeks_word(plus.group("unit"))):
            return int(plus.group("w")) + int(plus.group("d")) / _DAYS_PER_WEEK
        cell = _unit_after_number(cell)
    days = _duration_days(cell, bare_days)
    return None if days is None else days / _DAYS_PER_WEEK


# The obstetric "weeks+days" as obstetric_weeks_days writes it, with its weeks word if any.
_CANONICAL_WEEKS_DAYS: Final = re.compile(
    r"\s*(?P<w>\d{1,2})\+(?P<d>[0-6])\s*(?P<unit>[^\W\d_]+)?\.?\s*"
)
_GESTATION_WEEKS: Final = r"(?P<w>[1-3]?\d|4[0-4])"  # a gestation's weeks (0-44)
_GESTATION_DAYS: Final = r"(?P<d>[0-6])"  # ... and its days past them


@cache
def _gestation_day_words() -> tuple[str, str, str, frozenset[str], frozenset[str]]:
    """(weeks words, days words, joiners) as alternations, the weeks words and the weeks words
    of a pregnancy only, of synonyms.toml [values.gestation_days]."""
    table = synonyms_data()["values"]["gestation_days"]

    def either(key: str) -> str:
        return "|".join(re.escape(w) for w in sorted(table[key], key=len, reverse=True))

    weeks = frozenset(normalise_word(w) for w in table["weeks"])
    pregnancy = frozenset(normalise_word(w) for w in table["pregnancy_weeks"])
    return either("weeks"), either("days"), either("joiners"), weeks, pregnancy


def _weeks_word(word: str) -> bool:
    return normalise_word(word) in _gestation_day_words()[3]


@cache
def _weeks_days_patterns() -> tuple[re.Pattern[str], ...]:
    """The written forms of a gestation in weeks and days (obstetric_weeks_days): weeks then
    days with unit words ("14 SA + 3 j", "10w3d"), or with a plus alone ("14 SA+3"), the weeks
    word first ("SSW 32+4"), the weeks word after ("32+4 SSW"), sevenths of a week ("34 2/7",
    "34 2/7 weeks")."""
    weeks, days, joiners, _, _ = _gestation_day_words()
    long_weeks = "|".join(w for w in weeks.split("|") if len(w) > 1)  # "SSW 32+4", not "s 3+2"
    start = r"(?<![\w.,/+-])"
    end = r"(?![^\W\d_])"
    return tuple(
        compile_vocabulary(p, re.IGNORECASE)
        for p in (
            rf"{start}{_GESTATION_WEEKS}\s*(?P<unit>{weeks})\.?\s*(?P<joiner>(?:{joiners})\s*)?"
            rf"{_GESTATION_DAYS}\s*(?:{days})\.?{end}",
            rf"{start}{_GESTATION_WEEKS}\s*(?P<unit>{weeks})\.?\s*\+\s*{_GESTATION_DAYS}"
            r"(?![\d.,/%])(?!\s*[^\W\d_])",
            rf"(?<![\w-])(?P<unit>{long_weeks})\.?\s*:?\s*{_GESTATION_WEEKS}\s*\+\s*"
            rf"{_GESTATION_DAYS}"
            r"(?![\d.,/%])",
            rf"{start}{_GESTATION_WEEKS}\s*\+\s*{_GESTATION_DAYS}\s*(?P<unit>{weeks})\.?{end}",
            rf"{start}{_GESTATION_WEEKS}\s+{_GESTATION_DAYS}\s*/\s*7(?![\d/.,])"
            rf"(?:\s*(?P<unit>{weeks})\.?{end})?",
        )
    )


@lru_cache(maxsize=4096)
def obstetric_weeks_days(text: str, note: bool = False) -> str:
    """``text`` with each gestation written in weeks and days (synonyms.toml
    [values.gestation_days]: "14 SA + 3 j", "14SA+3j", "8 sem + 4 d", "8s4d", "20 sett + 2 gg",
    "10 wk + 3 d", "10w3d", "SSW 32+4", "32 4/7", "34 2/7 weeks") written as the obstetric
    "weeks+days" with its weeks word after ("14+3 SA", "10+3w", "32+4 SSW", "34+2 weeks"),
    padded with spaces to the same length, so that a note keeps its offsets.  In a ``note``,
    weeks then days with unit words count only joined by "+", without a space, or with a
    pregnancy's weeks word ("SA", "SSW"): "2 weeks and 3 days" may be how long anything lasted."""
    if not any(ch.isdigit() for ch in text):
        return text
    _, _, _, _, pregnancy = _gestation_day_words()

    def written(found: re.Match[str]) -> str:
        groups = found.groupdict()
        unit = groups.get("unit") or ""
        if note and "joiner" in groups:  # weeks then days, each with its unit word
            joiner = (groups.get("joiner") or "").strip()
            compact = not any(ch.isspace() for ch in found.group())
            if joiner != "+" and not compact and normalise_word(unit) not in pregnancy:
                return found.group()
        out = f"{found.group('w')}+{found.group('d')}"
        if unit:
            out += f" {unit}" if len(out) + len(unit) < len(found.group()) else unit
        return out.ljust(len(found.group()))

    for pattern in _weeks_days_patterns():
        text = pattern.sub(written, text)
    return text


# "SSW 12", "SA: 20", "sem. 30": a weeks word before its number; "12. SSW": an ordinal's dot.
_WORD_FIRST: Final = re.compile(r"\s*([^\W\d_]+)\s*[.:]?\s*(\d+(?:[.,]\d+)?)\s*")
_ORDINAL_DOT: Final = re.compile(r"^\s*(\d+)\.\s+(?=[^\W\d_])")


def _unit_after_number(text: str) -> str:
    """A duration written unit first ("SSW 12", "SA 20") as number then unit ("12 SSW"), and an
    ordinal ("12. SSW") without its dot: the forms German, French and Spanish notes use."""
    found = _WORD_FIRST.fullmatch(text)
    if found is not None and duration_word_days(found.group(1)) is not None:
        return f"{found.group(2)} {found.group(1)}"
    return _ORDINAL_DOT.sub(r"\1 ", text)


def duration_word_days(word: str) -> float | None:
    """Days per unit of a duration word ("days" 1, "Wochen" 7, "SSW" 7), else None."""
    _, unit_days = _duration_units()
    return unit_days.get(normalise_word(word))


def parse_size_mm(cell: object, header_unit: str = "") -> float | None:
    """A lesion size in mm from 12, "12 mm", "1.2 cm", "12 x 10 mm" (largest dimension)."""
    if isinstance(cell, bool) or is_blank(cell):
        return None
    scale = 10.0 if unit_key(header_unit) == "cm" else 1.0
    if isinstance(cell, int | float | np.integer | np.floating):
        return float(cell) * scale
    if not isinstance(cell, str):
        return None
    text = _clean_text(cell).lower()
    if "cm" in text:
        scale = 10.0
    numbers = [parse_number(n) for n in re.findall(r"\d+(?:[.,]\d+)?", text)]
    found = [n for n in numbers if n is not None]
    remainder = re.sub(r"\d+(?:[.,]\d+)?|mm|cm|x|×|\*|by|\s|[(),;:]", "", text)
    if not found or remainder:
        return None
    return max(found) * scale


# ------------------------------------------------------------------------------------------------
# Dates
# ------------------------------------------------------------------------------------------------
# The words before a collection time in a date cell, in the six languages: "à" (French), "a
# las"/"a la" (Spanish), "ore"/"alle ore"/"alle" and "h"/"h." (Italian LIS: "03/11/2026 ore
# 8:30", "h 08:30"; review 28), "um" (German), "om" (Dutch), "at" (English)
_BEFORE_HOUR: Final = r"à|a\s+las|a\s+la|alle\s+ore|alle|ore|h\.?|hrs?\.?|um|om|at"
_TIME = (  # after a space, T, comma or a spaced dash, and a word before the hour (below); or
    # a colon (SAS's DATETIME: "01MAR2015:08:30:00").  The hour and minute apart by ":", ".",
    # "h" or Flemish "u" ("08u30": review 23, fix168); after a word before it, the hour may
    # stand alone ("um 8 Uhr", "ore 8", "à 8h", "om 8 uur": the hour word is cut first).  The
    # hour and minute may also stand without a mark, as US LIS (Cerner, Sunquest) and military
    # time write them ("11/03/2026 0815", "11/3/26 815", "03.11.2026 1430": review 29); an hour
    # or a minute out of range leaves the cell unread.
    r"(?:(?:(?:\s+-\s+|[ T,]+)(?P<at>(?:" + _BEFORE_HOUR + r")\s+)?|:(?=\d{1,2}:\d{2}))"
    r"(?P<H>\d{1,2})(?:[:.hu]?(?P<M>\d{2})|(?(at)(?=\s*(?:[ap]\.?m\.?)?$)|(?!)))"
    r"(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?)?"
)
_ISO = re.compile(
    r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
    + _TIME
    + r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(
    r"(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<y>\d{4}|\d{2})" + _TIME, re.IGNORECASE
)
# "14 Feb 1990", "1st March 2011", "1er janvier 2011", "le 14 février 1990", "14 de febrero de
# 1990" (and "del"), "am 14. Februar 1990", "il 3 novembre 2026", "op 3 november 2026"
_NAMED_DMY = re.compile(
    r"(?:(?:le|el|il|am|den|op)\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th|er|º|°)?"
    r"(?:\s+(?:de|di)\s+|[ ./-]*)(?P<mon>[^\W\d_]{3,9})\.?"
    r"(?:\s+(?:de|del)\s+|[ ./,-]*)(?P<y>\d{4}|\d{2})" + _TIME,
    re.IGNORECASE,
)
_NAMED_MDY = re.compile(
    r"(?P<mon>[^\W\d_]{3,9})\.?[ ./-]*(?P<d>\d{1,2})(?:st|nd|rd|th)?[ ,./-]+(?P<y>\d{4}|\d{2})"
    + _TIME,
    re.IGNORECASE,
)
_COMPACT = re.compile(
    r"(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})"
    r"(?:[ T]?(?P<H>\d{2}):?(?P<M>\d{2})(?::?(?P<S>\d{2}))?)?"
)
_TWO_DIGIT_YEAR_PIVOT: Final = 30  # 00-30 -> 2000s, 31-99 -> 1900s (only for 2-digit years)


# Weekday names written before a date (English, German, French, Spanish, Italian, Dutch in full;
# English, Dutch, German and French abbreviations: "di 14/05/2024", "Mi 15.05.2024", "ven
# 17/05/2024"), and the article of a French or Dutch date ("le 14/05/2024", "le mardi 14/05/2024",
# "op 14/05/2024": review 23, fix168).  "Mar" is left out: it is also March.
_WEEKDAY_NAMES: Final = (
    r"mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|"
    r"mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miercoles|miércoles|jueves|viernes|"
    r"sabado|sábado|domingo|lunedi|lunedì|martedi|martedì|mercoledi|mercoledì|giovedi|giovedì|"
    r"venerdi|venerdì|sabato|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|"
    r"ma|di|wo|do|vr|za|zo|mo|mi|fr|sa|so|lun|mer|jeu|ven|sam|dim"
)
_WEEKDAY = re.compile(
    rf"^(?:(?:le|op)\s+(?:(?:{_WEEKDAY_NAMES})\.?,?\s+)?|(?:{_WEEKDAY_NAMES})\.?,?\s+)(?=\d)",
    re.IGNORECASE,
)
# an hour word after the time ("14:05 h", "14:05 Uhr", "8.30 uur", "8:30 hs", "8:30 horas",
# "8:30 heures", "8:30 ore"), or a Flemish LIS's closing mark ("08u30'")
_HOUR_WORD = re.compile(
    r"(?<=\d)\s*(?:(?:h|hs|hrs|uhr|u|uur|horas|heures|ore)\.?|')$", re.IGNORECASE
)
# A time zone's abbreviation after the time, bare or bracketed, as Epic, Cerner and European LIS
# print on every timestamp ("03/02/2026 08:15 EST", "8:15 AM CST", "02.03.2026 08:15 MEZ",
# "2026-03-02 08:15:00 UTC", "08:15 (GMT)"; review 27): the wall-clock time is read as written;
# Universal Time (UTC, GMT) is also its offset (date_offset), a zone's name is not (an export
# may print "CET" the whole year)
_UNIVERSAL_ZONES: Final = frozenset({"utc", "gmt", "z"})
_ZONE_WORD = re.compile(
    r"(?<=[\dmhr.'])\s*(?P<zone>\(\s*(?P<inner>[a-z]{1,5})\s*\)|(?<=\s)[a-z]{1,5})$", re.IGNORECASE
)
_ZONE_NAMES: Final = frozenset(
    {"utc", "gmt", "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "akst", "akdt",
     "hst", "ast", "adt", "nst", "ndt", "cet", "cest", "mez", "mesz", "wet", "west", "wez",
     "wesz", "eet", "eest", "oez", "oesz", "bst"}
)  # fmt: skip


_ZONE_TIME: Final = re.compile(r"\d:\d{2}")  # a time written with its colon


def _zone_stripped(text: str) -> tuple[str, str | None]:
    """A date text without the time zone's abbreviation after its time, and that abbreviation
    (lower case), or the text as it is and None."""
    found = _ZONE_WORD.search(text)
    if found is None:
        return text, None
    zone = (found["inner"] or found["zone"]).lower()
    if zone not in _ZONE_NAMES:
        return text, None
    return text[: found.start()].rstrip(), zone


def _is_dotted(match: re.Match[str]) -> bool:
    """True for a numeric date written with dots (3.4.1950): always day-first."""
    between = match.string[match.end("a") : match.start("b")]
    return between == "."


def slash_date_order(text: str) -> str | None:
    """ "dayfirst" / "monthfirst" when a numeric date text can only be read one way, else None.

    A dotted date is never month-first evidence (dotted dates are day-first anyway)."""
    match = _NUMERIC_DATE.fullmatch(_clean_text(text))
    if not match:
        return None
    first, second = int(match.group("a")), int(match.group("b"))
    if first > 12 >= second:
        return "dayfirst"
    if second > 12 >= first and not _is_dotted(match):
        return "monthfirst"
    return None


def is_ambiguous_date_text(text: str) -> bool:
    """True for a numeric date text that reads two ways (03/04/2026: 3 April or March 4).

    A dotted date (3.4.1950) is not: it is day-first."""
    match = _NUMERIC_DATE.fullmatch(_clean_text(text))
    if not match or _is_dotted(match):
        return False
    first, second = int(match.group("a")), int(match.group("b"))
    return first != second and first <= _MONTHS_IN_YEAR and second <= _MONTHS_IN_YEAR


def has_two_digit_year(text: str) -> bool:
    """True for a date text written with a two-digit year (03/04/85, 3-Apr-85)."""
    s = _clean_text(text)
    for pattern in (_NUMERIC_DATE, _NAMED_DMY, _NAMED_MDY):
        match = pattern.fullmatch(s)
        if match:
            return len(match.group("y")) == len("yy")
    return False


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= _TWO_DIGIT_YEAR_PIVOT else 1900
    return year


def _with_time(match: re.Match[str], year: int, month: int, day: int) -> datetime | None:
    parts = match.groupdict()
    hour = int(parts.get("H") or 0)
    minute = int(parts.get("M") or 0)
    second = int(parts.get("S") or 0)
    ampm = (parts.get("ampm") or "").replace(".", "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def parse_date_text(text: str, dayfirst: bool = True) -> datetime | None:
    """A date (and time) written as text: ISO, 14/11/2026 12:30, 21-Nov-2026, Nov 21, 2026.

    A numeric date that reads both ways (03/04/2026) follows ``dayfirst``.  A leading weekday
    ("Tue 24 Nov 2026") and a trailing hour word ("14:05 h", "14:05 Uhr") are ignored.
    """
    s = _clean_text(text)
    if not (s.isascii() and s.lower() == s.upper()):  # weekdays and hour words have letters
        s = _WEEKDAY.sub("", _HOUR_WORD.sub("", _zone_stripped(s)[0]))
    if not s:
        return None
    iso = _ISO.fullmatch(s)
    if iso:
        return _with_time(iso, int(iso.group("y")), int(iso.group("m")), int(iso.group("d")))
    numeric = _NUMERIC_DATE.fullmatch(s)
    if numeric:
        first, second = int(numeric.group("a")), int(numeric.group("b"))
        # Dotted dates (3.4.1950) are day-first in every locale that writes them: month-first
        # evidence elsewhere in the file (11/24/2026) does not apply to them.
        dotted = _is_dotted(numeric)
        if first > 12 or ((dayfirst or dotted) and second <= 12):
            day, month = first, second
        else:
            day, month = second, first
        return _with_time(numeric, _year(numeric.group("y")), month, day)
    for pattern in (_NAMED_DMY, _NAMED_MDY):
        named = pattern.fullmatch(s)
        if named:
            month_number = _month(named.group("mon"))
            if month_number is None:
                return None
            return _with_time(named, _year(named.group("y")), month_number, int(named.group("d")))
    compact = _COMPACT.fullmatch(s)
    if compact:
        return _with_time(
            compact, int(compact.group("y")), int(compact.group("m")), int(compact.group("d"))
        )
    return None


_ANY_DAY: Final = "2000-01-01"


def clock_time(text: str) -> timedelta | None:
    """The time of day a time cell writes as text, read as the time after a date is ("08:15",
    "8.15 Uhr", "8:15 PM", "0815", "815": review 29), else None."""
    if not text.strip():
        return None
    found = parse_date_text(f"{_ANY_DAY} {text.strip()}")
    return None if found is None else found - datetime.fromisoformat(_ANY_DAY)


def date_offset(cell: object) -> str | None:
    """The UTC offset a date cell writes with its time, as "+01:00" (ISO 8601 "…T08:30:00Z" is
    "+00:00", "…-05:00", "…+0200" "+02:00"; a date-time cell that carries a zone: its offset);
    None when it writes none, or no time (a date alone is no instant).  parse_date_text keeps
    the wall-clock time as written: with this offset it is the instant the lab meant."""
    if isinstance(cell, datetime):
        offset = cell.utcoffset() if cell.tzinfo is not None else None
        return None if offset is None else _offset_text(offset)
    if not isinstance(cell, str) or not cell.strip():
        return None
    s = _clean_text(cell)
    if not (s.isascii() and s.lower() == s.upper()):
        s, zone = _zone_stripped(s)
        if zone in _UNIVERSAL_ZONES:  # "2026-03-02 08:15 UTC", "02/03/2026 08:15 (GMT)"
            found = parse_date_text(s)
            return "+00:00" if found is not None and _ZONE_TIME.search(s) else None
        s = _WEEKDAY.sub("", _HOUR_WORD.sub("", s))
    iso = _ISO.fullmatch(s)
    if iso is None or iso.group("H") is None or iso.group("tz") is None:
        return None
    return utc_offset_text(iso.group("tz"))


# An offset written on its own, as a column of a table may hold it: "+01:00", "+0100", "+01",
# "+1", "-5:30", "Z", "UTC", "GMT", "UTC+1", "GMT+02:00", "UTC -05:00" (ISO 8601 and the
# abbreviations of Universal Time, no zone names: "CET" is two offsets a year).
_OFFSET_TEXT: Final = re.compile(
    r"(?:(?P<utc>utc|gmt|z)\s*)?(?:(?P<sign>[+-])?\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?)?",
    re.IGNORECASE,
)
_OFFSET_MAX_HOURS: Final = 23  # an offset under a day (datetime.timezone's own bound)
_MINUTES_PER_HOUR: Final = 60


def utc_offset_text(cell: object) -> str | None:
    """A UTC offset as "+01:00" ("+0100", "+1", "1", a sheet's number -5, "Z", "UTC", "GMT+2"
    ...), None when the cell holds none that reads so (an empty cell, a zone's name, "+25:00")."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):  # a sheet's number of hours
        whole = float(cell)
        if not math.isfinite(whole) or whole != int(whole):
            return None
        cell = f"{int(whole):+d}"
    if not isinstance(cell, str):
        return None
    found = _OFFSET_TEXT.fullmatch(cell.strip().replace("\u2212", "-"))
    if found is None or not (found["utc"] or found["h"]):
        return None
    if not found["h"]:
        return "+00:00"
    hours, minutes = int(found["h"]), int(found["m"] or 0)
    if hours > _OFFSET_MAX_HOURS or minutes >= _MINUTES_PER_HOUR:
        return None
    sign = "-" if found["sign"] == "-" and (hours or minutes) else "+"
    return f"{sign}{hours:02d}:{minutes:02d}"


def _offset_text(offset: timedelta) -> str | None:
    """A timedelta offset as "+01:00" (None beyond a day)."""
    minutes = round(offset.total_seconds() / _MINUTES_PER_HOUR)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), _MINUTES_PER_HOUR)
    return None if hours > _OFFSET_MAX_HOURS else f"{sign}{hours:02d}:{rest:02d}"


def month_number(name: str) -> int | None:
    """The month a month name or its abbreviation gives ("Jan", "janvier", "März", "mayo"),
    in any of the six languages; None for another word."""
    return _month(name)


def _month(name: str) -> int | None:
    """The month of a name or of its first 5, 4 or 3 letters (a date cell's "Sept", "févr")."""
    key = normalise_word(name)
    months = _months()
    for length in (len(key), 5, 4, 3):
        month = months.get(key[:length])
        if month is not None:
            return month
    return None


def parse_date(cell: object, dayfirst: bool = True, *, serials: bool = True) -> datetime | None:
    """A datetime from a date cell, a date text, or (``serials``) an Excel serial number.

    Dates outside what a datetime64[ns] column holds (years 1678-2261) are None.
    """
    found = _parse_date(cell, dayfirst, serials)
    if found is None or not in_frame_range(found):
        return None
    return found


def in_frame_range(value: date) -> bool:
    """True when a date fits a datetime64[ns] column."""
    return FRAME_YEARS[0] <= value.year <= FRAME_YEARS[1]


def _parse_date(cell: object, dayfirst: bool, serials: bool) -> datetime | None:
    if isinstance(cell, datetime):
        return cell.replace(tzinfo=None)
    if isinstance(cell, date):
        return datetime(cell.year, cell.month, cell.day)
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, int | float | np.integer | np.floating):
        number = float(cell)
        if serials and _EXCEL_SERIAL_RANGE[0] <= number < _EXCEL_SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + timedelta(days=number)
        return None
    if isinstance(cell, str):
        return parse_date_text(cell, dayfirst)
    return None


def slash_date_orders(cells: Iterable[object]) -> frozenset[str | None]:
    """``slash_date_order`` of each text among ``cells``, as a set (None: a text that shows
    no order).  An ASCII text whose second or third character (after leading spaces) is not a
    date separator cannot be a numeric date (an ISO date): it shows none, without a parse."""
    texts = [c for c in cells if isinstance(c, str)]
    seps = _DATE_SEPARATORS
    candidates = [
        t for t in texts if not t.isascii() or (s := t.lstrip())[1:2] in seps or s[2:3] in seps
    ]
    found: set[str | None] = {None} if len(candidates) < len(texts) else set()
    found.update(slash_date_order(t) for t in candidates)
    return frozenset(found)


# what follows the one or two digits of a numeric date's first part (_NUMERIC_DATE)
_DATE_SEPARATORS: Final = frozenset("./-")


def repair_swapped_day_month(
    cells: Sequence[object], orders: frozenset[str | None] | None = None
) -> tuple[list[object], int]:
    """Swap day and month back in date cells that a US-locale program misread.

    A legacy conversion read day-first text such as ``12/11/2026`` as 11 Dec (month first) and
    stored a date cell, but left ``14/11/2026`` (no 14th month) as text.  The column shows this
    when (a) some text dates can only be day-first and none only month-first, (b) date cells are
    present, (c) every date cell has a day <= 12 (a misread cell always has: its day is the true
    month), and (d) swapping does not put fewer cells inside the span of the text dates.  Then
    every date cell has its day and month swapped.  Returns the cells and how many changed
    (0 when the column does not show the pattern, and the cells are returned unchanged).
    ``orders``: ``slash_date_orders(cells)`` when the caller has it already.
    """
    if orders is None:
        orders = slash_date_orders(cells)
    if "dayfirst" not in orders or "monthfirst" in orders:
        return list(cells), 0
    stamped = [c for c in cells if isinstance(c, date)]
    if not stamped or any(c.day > 12 for c in stamped):
        return list(cells), 0
    texts = [parse_date_text(c, True) for c in cells if isinstance(c, str)]
    known = [t for t in texts if t is not None]
    swapped = [_swap(c) for c in stamped]
    if known and _inside_span(swapped, known) < _inside_span(stamped, known):
        return list(cells), 0
    changed = 0
    out: list[object] = []
    for cell in cells:
        if isinstance(cell, date) and cell.day != cell.month:
            out.append(_swap(cell))
            changed += 1
        else:
            out.append(cell)
    return out, changed


def _swap(cell: date) -> date:
    return cell.replace(month=cell.day, day=cell.month)


def _inside_span(cells: Sequence[date], known: Sequence[datetime]) -> int:
    low, high = min(known), max(known)
    margin = max((high - low) / 10, timedelta(days=7))
    low_d, high_d = (low - margin).date(), (high + margin).date()
    return sum(1 for c in cells if low_d <= (c.date() if isinstance(c, datetime) else c) <= high_d)


# ------------------------------------------------------------------------------------------------
# Vectorised helpers
# ------------------------------------------------------------------------------------------------
def map_distinct(values: Sequence[object] | np.ndarray, func: Callable[[object], T]) -> list[T]:
    """``[func(v) for v in values]``, calling ``func`` once per distinct value."""
    array = np.asarray(values, dtype=object)
    if array.size == 0:
        return []
    codes, uniques = pd.factorize(array, use_na_sentinel=True)
    results = [func(u) for u in uniques]
    missing = func(None) if (codes < 0).any() else None
    table = np.empty(len(results) + 1, dtype=object)
    table[: len(results)] = results
    table[len(results)] = missing
    codes = np.where(codes < 0, len(results), codes)
    out: list[T] = table[codes].tolist()
    return out


def parse_dates(values: Sequence[object] | np.ndarray, dayfirst: bool = True) -> np.ndarray:
    """A datetime64[ns] array (NaT where no date) from a column of cells."""
    parsed = map_distinct(values, lambda cell: parse_date(cell, dayfirst))
    return np.asarray(pd.to_datetime(pd.Series(parsed, dtype=object)), dtype="datetime64[ns]")


_BIRTH_YEAR_TEXT: Final = re.compile(r"\s*((?:18|19|20)\d\d)\s*")
_FIRST_BIRTH_YEAR: Final = 1880  # no one alive was born before; a smaller number is no year


def birth_year(cell: object) -> int | None:
    """The year of a cell that gives only a year of birth (1985, "1985", 1985.0), else None.  No
    Excel serial date of a living person's birth is this small (1985 is 1905-06-07)."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float | np.integer | np.floating):
        number = float(cell)
        year = int(number) if number.is_integer() else None
    elif isinstance(cell, str) and (found := _BIRTH_YEAR_TEXT.fullmatch(cell)):
        year = int(found.group(1))
    else:
        return None
    return year if year is not None and _FIRST_BIRTH_YEAR <= year <= date.today().year else None


_BIRTH_MONTH_TEXT: Final = re.compile(
    r"\s*(?:(?P<m1>\d{1,2})\s*[./-]\s*(?P<y1>(?:18|19|20)\d\d)|(?P<y2>(?:18|19|20)\d\d)\s*[./-]\s*"
    r"(?P<m2>\d{1,2})|(?P<name>[^\W\d_]+)\.?\s+(?P<y3>(?:18|19|20)\d\d))\s*"
)


def birth_period(cell: object) -> tuple[int, int] | None:
    """(year, month) of a cell that gives only the month and year of birth ("05/2010",
    "2010-05", "Mai 2010", "mayo 2010"), or (year, 0) for the year alone (birth_year); else
    None.  Never a period after this month."""
    year = birth_year(cell)
    if year is not None:
        return year, 0
    found = _BIRTH_MONTH_TEXT.fullmatch(cell) if isinstance(cell, str) else None
    if found is None:
        return None
    groups = found.groupdict()
    year = int(groups["y1"] or groups["y2"] or groups["y3"])
    month = _month(groups["name"]) if groups["name"] else int(groups["m1"] or groups["m2"])
    today = date.today()
    if month is None or not 1 <= month <= _MONTHS_IN_YEAR or year < _FIRST_BIRTH_YEAR:
        return None
    return (year, month) if (year, month) <= (today.year, today.month) else None


def ages_from_birth_periods(
    years: np.ndarray, months: np.ndarray, collected: np.ndarray
) -> np.ndarray:
    """Age in years at collection of someone born in the given year (month 0) or month of a
    year (float arrays, NaN where not known): the middle of the ages the period allows (born on
    its first day to its last, and not after the collection), so never more than half the period
    off.  Where it allows an age under one year, an age unknown under the oldest it allows
    (``unknown_age``; the youngest it allows: ``youngest_ages_from_birth_periods``): the days of
    a baby's life decide its interval.  NaN where the collection is missing or before the period
    began."""
    bounds = _birth_period_bounds(years, months, collected)
    out = np.full(len(years), np.nan)
    if bounds is None:
        return out
    known, oldest, youngest = bounds
    middle = (oldest + youngest) / 2
    infant = youngest < 1.0
    out[known] = np.where(infant, -np.abs(oldest), middle)[known]  # unknown_age, per row
    return out


def youngest_ages_from_birth_periods(
    years: np.ndarray, months: np.ndarray, collected: np.ndarray
) -> np.ndarray:
    """For the ages ``ages_from_birth_periods`` gives as unknown under the oldest the period
    allows, the youngest it allows (born on its last day), where above 0; else NaN.  "2025"
    collected on 2 November 2026: 10 to 22 months old, never a neonate."""
    bounds = _birth_period_bounds(years, months, collected)
    out = np.full(len(years), np.nan)
    if bounds is None:
        return out
    known, _, youngest = bounds
    out[known] = np.where((youngest > 0) & (youngest < 1.0), youngest, np.nan)[known]
    return out


def _birth_period_bounds(
    years: np.ndarray, months: np.ndarray, collected: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(rows known, oldest age, youngest age) at collection of a birth in the given period
    (``ages_from_birth_periods``); None when no row is known."""
    collected_ns = collected.astype("datetime64[ns]")
    known = ~np.isnan(years) & ~np.isnat(collected_ns)
    if not known.any():
        return None
    month = np.where(known & (months > 0), months, 1).astype("int64")
    span = np.where(known & (months > 0), 1, _MONTHS_IN_YEAR).astype("int64")
    start = np.where(known, (np.nan_to_num(years).astype("int64") - 1970) * _MONTHS_IN_YEAR, 0)
    first_month = (start + month - 1).astype("datetime64[M]")
    first = first_month.astype("datetime64[ns]")
    after = (first_month + span.astype("timedelta64[M]")).astype("datetime64[ns]")
    oldest = ages_in_years(first, collected_ns)
    youngest = ages_in_years(np.minimum(after, collected_ns), collected_ns)
    return known, oldest, youngest


def ages_in_years(birth: np.ndarray, collected: np.ndarray) -> np.ndarray:
    """Age in years at collection (NaN when either date is missing or birth is after it), the
    one age every reader and the engine count from dates.  From the first birthday on: the
    completed years as a person counts them (the new year of life starts on the birthday; one
    born on 29 February has it on 1 March in other years, as the calendar rolls over) plus the
    part of the current year of life gone, so a girl is exactly 6 on her sixth birthday and a
    paediatric stratum's inclusive ``age_min`` takes her that day.  Before it: the days of life
    over the days of the mean year, as the intervals' ages in days, weeks and months are
    converted (knowledge/loaders.py), so a 3-day-old is 3 days old."""
    birth_ns = np.asarray(birth).astype("datetime64[ns]")
    collected_ns = np.asarray(collected).astype("datetime64[ns]")
    days = days_between(birth_ns, collected_ns)
    known = ~np.isnan(days)
    out = np.full(len(days), np.nan)
    if not known.any():
        return out
    born, at = birth_ns[known], collected_ns[known]
    born_month = born.astype("datetime64[M]")
    born_day = (born.astype("datetime64[D]") - born_month.astype("datetime64[D]")).astype("int64")
    at_month = at.astype("datetime64[M]")
    at_day = (at.astype("datetime64[D]") - at_month.astype("datetime64[D]")).astype("int64")
    months = (at_month - born_month).astype("int64")
    whole = months // _MONTHS_IN_YEAR - ((months % _MONTHS_IN_YEAR == 0) & (at_day < born_day))
    last = _anniversary(born_month, born_day, whole)
    following = _anniversary(born_month, born_day, whole + 1)
    gone = (at - last).astype("float64") / (following - last).astype("float64")
    out[known] = np.where(whole >= 1, whole + gone, days[known] / _DAYS_PER_YEAR)
    return out


def _anniversary(month: np.ndarray, day: np.ndarray, years: np.ndarray) -> np.ndarray:
    """The ``years``-th birthday (midnight) of those born on ``day`` (0-based) of ``month``:
    29 February rolls over to 1 March in a year without it."""
    first = (month + (years * _MONTHS_IN_YEAR).astype("timedelta64[M]")).astype("datetime64[D]")
    days: np.ndarray = (first + day.astype("timedelta64[D]")).astype("datetime64[ns]")
    return days


def days_between(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Days from ``start`` to ``end`` per row (NaN when either date is missing or ``end`` is
    before ``start``): a birth to the sample, a delivery to the sample."""
    start_ns = start.astype("datetime64[ns]")
    end_ns = end.astype("datetime64[ns]")
    days: np.ndarray = (end_ns - start_ns).astype("timedelta64[ns]").astype("float64") / NS_PER_DAY
    days[np.isnat(start_ns) | np.isnat(end_ns)] = np.nan
    days[days < 0] = np.nan
    return days
