"""Redaction for ``--redact``: names become initials, ids a keyed hash, in every output.

The id hash is HMAC-SHA256 with the run's key, truncated: the same id gives the same token within a
run (and across runs that share ``redact_key``), so a patient's results stay grouped, while nobody
without the key can test a guess.  Without a key a random one is drawn per run.

Who is who is decided first: each row's patient key (output/views.py ``patient_keys``: id,
birth date, issuer) becomes a keyed token in the column ``patient_key``, which every grouping
uses, so that dropping the birth date never merges two people under one id.

Free text (evidence, reasons, notes) is scrubbed only inside the excerpts it quotes from the
row's cells (``quoted_spans``): the tool's own wording around them is never the patient's.  There
the row's id and specimen number (as written, with separators between letters and digits, and
their digit run alone), name and birth date are replaced: the name whole, each part of a compound
name ("O'Brien-Smith, Anne-Marie": O'Brien-Smith, Brien, Smith, Anne, Marie), a compound
written with any of hyphen, apostrophe, space or nothing between its parts ("O BRIEN SMITH",
"Anne Marie"), parts of 3 letters or more in any case, parts of 2 letters only with a capital
and, when also a short word of the six languages (data/redact.toml), only beside the name or a
title; the birth date in the usual written forms (ISO, day/month/year, month/day/year, with
"/", "." or "-", zero-padded or not, the year of 4 or 2 digits) and with the month's name in the
six languages.  Other names a lab may have typed into free text cannot be found and stay.

Input file and sheet names become keyed labels (``Redactor.file_label``, ``sheet_label``).

Ages and times are coarsened too, since an exact age beside a collection time gives the birth
date back: ages become completed years (completed months, as a fraction of a year, under
``MONTHS_BELOW_YEARS``), collection times are cut to the date, and birth dates are dropped.

Rejected rows (rejected.csv, results.json "rejected", the summary's and the workbook's rejected
tables) carry the same ``ID-`` tokens as the results for their patient id and specimen
number.  They and the reading warnings of each input (results.json "inputs", the summary) quote
the cells that could not be read, and on a file whose "header" is a patient row even the column
names are patient data.  Their details keep only the row number and reason:
every quoted text ('...' or "...") becomes ``[redacted]`` unless it is a plain number (with an
optional comparator and a prolactin unit: '<0.5', '1e-300', '200', '4240 mIU/L'; or a unit
alone: 'ng/mL') of at most
``MAX_KEPT_DECIMALS`` decimals, or a single character ('F': a code), which carries no identity;
a number quoted after the word "date" is a date cell, and is replaced too.

The requesting clinician and the location (ward, clinic) are staff and places, not the patient:
they are kept, like the staff named in acknowledgements.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import math
import re
import secrets
import tomllib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import PurePath
from typing import Any, Final, TypeVar

import numpy as np
import pandas as pd

from triage.numbers import AGE_MONTHS_BELOW_YEARS, MONTHS_PER_YEAR
from triage.output.views import REDACTED_PATIENT_KEY, patient_keys
from triage.resources import data_file
from triage.schema import InputSummary, Rejected
from triage.values import month_number, normalise_unit, scaled_concentration

_Meta = TypeVar("_Meta", bound=Any)

KEY_BYTES: Final = 32
TOKEN_HEX_DIGITS: Final = 12  # 48 bits: no collision to expect within any lab batch
TOKEN_PREFIX: Final = "ID-"  # noqa: S105 - a label, not a secret
# Input files and sheets as the outputs show them under --redact (Redactor.file_label): the
# extension of an input format stays, any other (a name's last part: "Dupont.Marie") does not.
FILE_PREFIX: Final = "file-"
SHEET_PREFIX: Final = "sheet-"
_FILE_LABEL = re.compile(rf"{FILE_PREFIX}[0-9a-f]{{{TOKEN_HEX_DIGITS}}}(?:\.[a-z0-9]+)?")
_SHEET_LABEL = re.compile(rf"{SHEET_PREFIX}[0-9a-f]{{{TOKEN_HEX_DIGITS}}}")
# A file or sheet name is searched for in a detail or warning text from this length (a sheet "1"
# or "A" would hit other words; its label replaces it in the columns all the same).
MIN_PLACE_CHARS: Final = 3
PATIENT_KEY_PREFIX: Final = "PT-"  # a redacted row's patient key (column patient_key)
MAX_INITIALS: Final = 4
MIN_NAME_WORD: Final = 2  # shorter name parts ("O" of O'Brien) are not searched for in free text
# An id made of digits only is searched for in free text only from this length: shorter ones
# would hit lab values ("lesion 12 mm").
MIN_NUMERIC_ID_SEARCHED: Final = 6

# Columns with a row's free text, searched for the row's id and name words in their quotes.
FREE_TEXT_COLUMNS: Final[tuple[str, ...]] = ("reference_note", "factor_evidence")
# Columns of free text written by people (an acknowledgement's note: "phoned Mrs Rossi"), scrubbed
# whole of the row's id and name words; the staff it names stay.
WHOLE_TEXT_COLUMNS: Final[tuple[str, ...]] = ("acknowledged",)
DETAIL_TEXT_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "factor_details": ("evidence", "label"),
    "suggestion_details": ("reason", "label"),
}
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_NAME_PART = re.compile(r"[^\W\d_]+")
# between the parts of a compound name as free text may write it: O'Brien, O Brien, OBrien
_PART_JOINT: Final = r"[\s'’-]*"
_DATE_JOINTS: Final = ("/", ".", "-")
_CENTURY: Final = 100

# Ages under this many years are kept in completed months, older ones in completed years.
# (the age convention of triage/numbers.py, defined there once)
MONTHS_BELOW_YEARS: Final = AGE_MONTHS_BELOW_YEARS
_MONTHS_PER_YEAR: Final = MONTHS_PER_YEAR
AGE_COLUMNS: Final[tuple[str, ...]] = ("age_years",)
TIME_COLUMNS: Final[tuple[str, ...]] = ("collected_at", "previous_collected_at")  # cut to the date
DROPPED_COLUMNS: Final[tuple[str, ...]] = ("birth_date",)  # emptied
# The earlier results of the history each row carries (list of dicts): their times are cut to the
# date as TIME_COLUMNS are (they hold no id or name; the acknowledgement names staff, who stay).
HISTORY_DETAILS: Final = "history_details"
HISTORY_TIME_KEYS: Final[tuple[str, ...]] = ("collected_at",)
HISTORY_TEXT_KEYS: Final[tuple[str, ...]] = ("acknowledged",)  # free text, as FREE_TEXT_COLUMNS
PLACEHOLDER: Final = "[redacted]"
MAX_KEPT_DECIMALS: Final = 3
# A quoted text in a rejected row's detail: '...' or "..." as Python's repr writes them.
_QUOTED = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")
_QUOTED_IN_PROSE = re.compile(rf"(?<!\w)(?:{_QUOTED.pattern})")
_PLAIN_NUMBER = re.compile(
    r"(?P<number>[<>≤≥=~]{0,2}\s*[-+]?(?:\d+(?:[.,](?P<decimals>\d+))?|[.,]\d+)"
    r"(?:[eE][-+]?\d+)?)\s*(?P<unit>\S.*)?"
)


def coarse_age(years: float) -> float:
    """Completed years; completed months (in years) under MONTHS_BELOW_YEARS; NaN stays."""
    if years != years or years < 0:  # NaN, or an unknown age below a span
        return years
    if years < MONTHS_BELOW_YEARS:
        return math.floor(years * _MONTHS_PER_YEAR + 1e-9) / _MONTHS_PER_YEAR
    return float(math.floor(years + 1e-9))


# The error values a spreadsheet formula shows (Excel, LibreOffice): no one's identity.
_FORMULA_ERROR: Final = re.compile(
    r"#(?:N/A|DIV/0!|VALUE!|REF!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA|FIELD!|BLOCKED!)"
)


# The placeholders of the tool's own advice ([columns] prolactin = "<header>"), and a column
# named by its letters ([columns] sex = "column D": two columns share the header): no one's
# identity.
_PLACEHOLDER_WORDS: Final = re.compile(r"<(?:header|cell|code)>|column [A-Z]{1,3}")


def _kept_quote(text: str) -> bool:
    """A quoted detail text that may stay under --redact: a plain number, as the module says,
    or a spreadsheet's formula error ('#N/A', '#DIV/0!')."""
    if text.strip() and not any(c.isalnum() for c in text):
        return True  # a symbol ('<', '-', '?'): the tool's own words, or no identity
    if len(text.strip()) == 1:
        return True  # one letter ('F', 'M', 'x'): a code, no one's identity
    if _FORMULA_ERROR.fullmatch(text.strip()) or _PLACEHOLDER_WORDS.fullmatch(text.strip()):
        return True
    match = _PLAIN_NUMBER.fullmatch(text.strip())
    if match is None:
        return bool(text.strip()) and (  # a unit alone
            normalise_unit(text) is not None or scaled_concentration(text)
        )
    decimals = match.group("decimals") or ""
    if len(decimals) > MAX_KEPT_DECIMALS:
        return False
    unit = match.group("unit")
    return unit is None or normalise_unit(unit) is not None


def scrub_quoted(text: str, keep: Collection[str] = ()) -> str:
    """``text`` with every quoted text ('...' or "...") replaced by ``[redacted]`` unless it is
    a plain number or a unit (the module's rule): for any message that may quote cells.

    ``keep``: texts shown anyway (a header already printed), kept where they are quoted as
    Python's ``repr`` quotes them.
    An apostrophe after a letter ("the file's") opens no quote here: in prose it would pair
    with the next quote and leave that quote's text bare."""
    return _scrub(text, _QUOTED_IN_PROSE, keep)


# A number quoted after the word "date" in the same sentence is a date cell ("the birth date
# '19800132'", "could not be read as dates (e.g. '29222')"): a birth or collection date written
# as digits, which identifies as its text would.
_DATE_BEFORE: Final = re.compile(r"\bdates?\b[^;]{0,40}$")


def _scrub(text: str, pattern: re.Pattern[str], keep: Collection[str] = ()) -> str:
    kept = {repr(k) for k in keep}

    def replace(match: re.Match[str]) -> str:
        quoted = match.group(0)
        if quoted in kept:
            return quoted
        if any(c.isdigit() for c in quoted) and _DATE_BEFORE.search(text, 0, match.start()):
            return PLACEHOLDER
        return quoted if _kept_quote(quoted[1:-1]) else PLACEHOLDER

    return pattern.sub(replace, text)


def redact_detail(detail: str) -> str:
    """A rejected row's detail with every quoted text but plain numbers replaced (an apostrophe
    in prose, "the file's", opens no quote: it would leave the next quote's text bare)."""
    return _scrub(detail, _QUOTED_IN_PROSE)


def redact_rejected(
    rejected: Iterable[Rejected], redactor: Redactor | None = None
) -> list[Rejected]:
    """Rejected rows whose details quote no cell text (module doc), and whose patient id and
    specimen number are the keyed tokens the results use (``Redactor.identifier``; without a
    redactor a random key's, so never the ids themselves)."""
    keyed = redactor if redactor is not None else Redactor.for_run(None)
    token = lru_cache(maxsize=None)(keyed.identifier)
    return [
        dataclasses.replace(
            r,
            source_file=keyed.file_label(r.source_file),
            source_sheet=keyed.sheet_label(r.source_sheet),
            detail=keyed.place_text(redact_detail(r.detail), r.source_file, r.source_sheet),
            patient_id=token(r.patient_id),
            specimen_id=token(r.specimen_id),
        )
        for r in rejected
    ]


def redact_run_inputs(meta: _Meta, redactor: Redactor | None = None) -> _Meta:
    """A copy of a run's provenance (output.RunMeta: a dataclass with ``inputs``) whose input
    summaries are redacted (``redact_inputs``)."""
    return dataclasses.replace(meta, inputs=redact_inputs(meta.inputs, redactor))


def redact_inputs(
    inputs: Iterable[InputSummary], redactor: Redactor | None = None
) -> list[InputSummary]:
    """Input summaries whose reading warnings quote no cell text ("cannot be read as an age
    (e.g. 'Jane Doe' at row 4)"), by the rule of rejected details, that list no unused
    header (a file without a header row has a patient's cells there: id, name, birth date),
    and whose file and sheet are named by their labels (``Redactor.file_label``; without a
    redactor a random key's, so never the names themselves)."""
    keyed = redactor if redactor is not None else Redactor.for_run(None)
    return [
        dataclasses.replace(
            s,
            file=keyed.file_label(s.file),
            sheet=keyed.sheet_label(s.sheet),
            warnings=[keyed.place_text(redact_detail(w), s.file, s.sheet) for w in s.warnings],
            unmapped_headers=[],
            failure=(
                keyed.place_text(redact_detail(s.failure), s.file, s.sheet) if s.failure else ""
            ),
        )
        for s in inputs
    ]


@dataclass(frozen=True, slots=True)
class Redactor:
    """Keyed pseudonymisation of patient ids and names."""

    key: bytes

    @classmethod
    def for_run(cls, key: bytes | None) -> Redactor:
        """The given key, or a random one (tokens then differ from any other run)."""
        return cls(key if key else secrets.token_bytes(KEY_BYTES))

    def identifier(self, value: str) -> str:
        """``ID-`` and the first hex digits of HMAC-SHA256(key, id); empty stays empty."""
        text = value.strip()
        if not text:
            return ""
        digest = hmac.new(self.key, text.encode("utf-8"), hashlib.sha256).hexdigest()
        return TOKEN_PREFIX + digest[:TOKEN_HEX_DIGITS]

    def patient_key(self, key: str) -> str:
        """A keyed token of a patient key (output/views.py ``patient_keys``: id, birth date,
        issuer, or the source row): the same key, the same token; without the key nobody can
        test a guessed birth date.  A key already a token (rows redacted twice) stays."""
        if key.startswith(PATIENT_KEY_PREFIX):
            return key
        if not key:
            return ""
        digest = hmac.new(
            self.key, b"patient\x1f" + key.encode("utf-8", "surrogatepass"), hashlib.sha256
        )
        return PATIENT_KEY_PREFIX + digest.hexdigest()[:TOKEN_HEX_DIGITS]

    def file_label(self, name: str) -> str:
        """An input file's name as the outputs show it: ``file-`` and a keyed hash of the name
        (a single-patient export is often named after the patient), with the name's extension
        when it is an input format's (``.csv``, ``.xlsx``, ``.hl7`` ...); the same name, the
        same label in every output and, with the same key, in every run.  Empty stays empty; a
        label stays as it is."""
        text = name.strip()
        if not text or _FILE_LABEL.fullmatch(text):
            return text
        suffix = PurePath(text).suffix.lower()
        kept = suffix if suffix in _kept_extensions() else ""
        return f"{FILE_PREFIX}{self._digest('file', text)}{kept}"

    def sheet_label(self, sheet: str) -> str:
        """A sheet's name as the outputs show it (``sheet-`` and a keyed hash: a sheet may be
        named after the patient too); empty stays empty, a label stays."""
        text = sheet.strip()
        if not text or _SHEET_LABEL.fullmatch(text):
            return text
        return f"{SHEET_PREFIX}{self._digest('sheet', text)}"

    def _digest(self, kind: str, text: str) -> str:
        message = f"{kind}\x1f{text}".encode("utf-8", "surrogatepass")
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()[:TOKEN_HEX_DIGITS]

    def place_text(self, text: str, file: str, sheet: str = "") -> str:
        """``text`` (a rejected row's detail, a reading warning) with the input's file and sheet
        names replaced by their labels, wherever it names them."""
        for real, label in ((file, self.file_label(file)), (sheet, self.sheet_label(sheet))):
            real = real.strip()
            if len(real) >= MIN_PLACE_CHARS and label != real:
                pattern = re.compile(rf"(?<!\w){re.escape(real)}(?!\w)")
                text = pattern.sub(label.replace("\\", "\\\\"), text)
        return text

    @staticmethod
    def initials(name: str) -> str:
        """``"Smith, Jane Ann"`` → ``"S.J.A."``: first letters of the name's words, as written."""
        letters = [w[0].upper() for w in _WORD.findall(name)][:MAX_INITIALS]
        return "".join(f"{c}." for c in letters)

    def redact_results(self, results: pd.DataFrame) -> pd.DataFrame:
        """A copy of the results frame with ids, names and their mentions in free text replaced."""
        out = results.copy()
        # who is who, decided before the birth date is dropped and the id replaced: a mother and
        # her neonate under one number stay two patients (a keyed token of the whole key)
        who = patient_keys(results)
        key_token = lru_cache(maxsize=None)(self.patient_key)
        out[REDACTED_PATIENT_KEY] = _text_series([key_token(k) for k in who], out)
        ids = _column_values(out, "patient_id")
        names = _column_values(out, "patient_name")
        births = _birth_dates(out)
        specimens = _column_values(out, "specimen_id")
        id_token = lru_cache(maxsize=None)(self.identifier)
        initials = lru_cache(maxsize=None)(self.initials)
        whole_texts = [
            _scrubber(
                i,
                id_token(i) if i else "",
                n,
                initials(n) if n else "",
                b,
                s,
                id_token(s) if s else "",
            )
            for i, n, b, s in zip(ids, names, births, specimens, strict=True)
        ]
        # the evidence and notes quote the cells they read: only the quotes are the patient's
        scrubbers = [_within_quotes(s) for s in whole_texts]
        if "patient_id" in out.columns:
            out["patient_id"] = _text_series([id_token(i) if i else None for i in ids], out)
        if "patient_name" in out.columns:
            out["patient_name"] = _text_series([initials(n) if n else None for n in names], out)
        if "specimen_id" in out.columns:  # an accession number finds the patient in the LIS
            out["specimen_id"] = _text_series([id_token(s) if s else None for s in specimens], out)
        _coarsen(out)
        self._label_places(out)
        for column in FREE_TEXT_COLUMNS:
            if column in out.columns:
                texts = out[column].tolist()
                scrubbed = [
                    s(t) if isinstance(t, str) else t for s, t in zip(scrubbers, texts, strict=True)
                ]
                out[column] = _text_series(scrubbed, out)
        for column in WHOLE_TEXT_COLUMNS:
            if column in out.columns:
                texts = out[column].tolist()
                scrubbed = [
                    s(t) if isinstance(t, str) else t
                    for s, t in zip(whole_texts, texts, strict=True)
                ]
                out[column] = _text_series(scrubbed, out)
        if HISTORY_DETAILS in out.columns:
            out[HISTORY_DETAILS] = pd.Series(
                [
                    _history_details_cut(c, s)
                    for c, s in zip(out[HISTORY_DETAILS].tolist(), whole_texts, strict=True)
                ],
                index=out.index,
                dtype=object,
            )
        for column, keys in DETAIL_TEXT_KEYS.items():
            if column in out.columns:
                cells = out[column].tolist()
                out[column] = pd.Series(
                    [_scrub_details(c, keys, s) for c, s in zip(cells, scrubbers, strict=True)],
                    index=out.index,
                    dtype=object,
                )
        return out

    def _label_places(self, out: pd.DataFrame) -> None:
        """The input files and sheets named by their labels (in place): the rows' source and
        the earlier results' of the history each row carries."""
        for column, label in (("source_file", self.file_label), ("source_sheet", self.sheet_label)):
            if column in out.columns:
                cached = lru_cache(maxsize=None)(label)
                values = [cached(v) if isinstance(v, str) else v for v in out[column].tolist()]
                out[column] = pd.Series(values, index=out.index, dtype=out[column].dtype)
        if HISTORY_DETAILS in out.columns:
            out[HISTORY_DETAILS] = pd.Series(
                [self._history_places(c) for c in out[HISTORY_DETAILS].tolist()],
                index=out.index,
                dtype=object,
            )

    def _history_places(self, cell: object) -> object:
        def labelled(entry: dict[str, object]) -> None:
            for key, label in (
                ("source_file", self.file_label),
                ("source_sheet", self.sheet_label),
            ):
                value = entry.get(key)
                if isinstance(value, str):
                    entry[key] = label(value)

        return _each_history_entry(cell, labelled)


def _coarsen(out: pd.DataFrame) -> None:
    """Ages to completed years (months for infants), times cut to the date, birth dates
    dropped (in place)."""
    for column in AGE_COLUMNS:
        if column in out.columns:
            ages = out[column].to_numpy(dtype="float64", na_value=np.nan)
            codes, uniques = pd.factorize(ages)  # each distinct age coarsened once; NaN -> -1
            table = np.array([*map(coarse_age, uniques.tolist()), np.nan], dtype="float64")
            out[column] = pd.Series(table[codes], index=out.index, dtype="float64")
    for column in TIME_COLUMNS:
        if column in out.columns and pd.api.types.is_datetime64_any_dtype(out[column].dtype):
            out[column] = out[column].dt.normalize()
    for column in DROPPED_COLUMNS:
        if column in out.columns:
            out[column] = pd.Series(pd.NaT, index=out.index, dtype=out[column].dtype)


def _date_only(value: object) -> object:
    """A time cut to its date: a datetime to midnight (its type kept), a text to its ISO date;
    a date or anything else as it is."""
    if not isinstance(value, datetime | str):
        return value
    try:
        stamp: Any = pd.Timestamp(value)  # NaT for "NaT"
    except (TypeError, ValueError):
        return value
    if pd.isna(stamp):
        return value
    day = stamp.normalize()
    if isinstance(value, str):
        return day.strftime("%Y-%m-%d")
    return day if isinstance(value, pd.Timestamp) else day.to_pydatetime()


def _history_details_cut(cell: object, scrub: Callable[[str], str]) -> object:
    """The earlier results of one row with their times cut to the date and their free text
    (HISTORY_TEXT_KEYS: an acknowledgement's note) scrubbed of the row's identity (a new list)."""

    def cut(entry: dict[str, object]) -> None:
        for key in HISTORY_TIME_KEYS:
            if key in entry:
                entry[key] = _date_only(entry[key])
        for key in HISTORY_TEXT_KEYS:
            text = entry.get(key)
            if isinstance(text, str):
                entry[key] = scrub(text)

    return _each_history_entry(cell, cut)


def _each_history_entry(cell: object, change: Callable[[dict[str, object]], None]) -> object:
    """A history_details cell (a list of earlier results) as a new list whose entries are
    copies changed by `change`; any other cell as it is."""
    if not isinstance(cell, list | tuple):
        return cell
    out: list[object] = []
    for item in cell:
        if isinstance(item, Mapping):
            copy = dict(item)
            change(copy)
            out.append(copy)
        else:
            out.append(item)
    return out


def _column_values(frame: pd.DataFrame, column: str) -> list[str]:
    if column not in frame.columns:
        return [""] * len(frame)
    return [v.strip() if isinstance(v, str) else "" for v in frame[column].tolist()]


def _text_series(values: list[Any], like: pd.DataFrame) -> pd.Series:
    return pd.Series(values, index=like.index, dtype="string")


def _birth_dates(frame: pd.DataFrame) -> list[tuple[int, int, int] | None]:
    """Each row's birth date as (year, month, day), None when unknown."""
    if "birth_date" not in frame.columns:
        return [None] * len(frame)
    out: list[tuple[int, int, int] | None] = []
    for value in frame["birth_date"].tolist():
        try:
            stamp: Any = pd.Timestamp(value)  # NaT for a missing date
        except (TypeError, ValueError):
            stamp = pd.NaT
        out.append(None if pd.isna(stamp) else (stamp.year, stamp.month, stamp.day))
    return out


def _date_forms(year: int, month: int, day: int) -> set[str]:
    """A date as people write it: ISO, d/m/y, m/d/y (with /, . or -), zero-padded or not, the
    year of 4 or 2 digits, and the 8 digits of HL7 (19850412)."""
    forms = {f"{year:04d}{month:02d}{day:02d}"}
    days, months = {f"{day:02d}", str(day)}, {f"{month:02d}", str(month)}
    for joint in _DATE_JOINTS:
        forms |= {f"{year:04d}{joint}{m}{joint}{d}" for m in months for d in days}
        for y in (f"{year:04d}", f"{year % _CENTURY:02d}"):
            forms |= {f"{d}{joint}{m}{joint}{y}" for m in months for d in days}
            forms |= {f"{m}{joint}{d}{joint}{y}" for m in months for d in days}
    return forms


# An excerpt of free text cut short ("…born 1985-04…") may cut the date too: its start before
# the ellipsis, or its end after it, is replaced from this many characters.
_CUT_DATE_CHARS: Final = 5
_ELLIPSIS: Final = "…"


def _date_pattern(dates: set[str]) -> re.Pattern[str]:
    """The dates whole (not inside a longer number or date), and their starts before an
    ellipsis and ends after one (an excerpt cut in the date)."""

    def listed(forms: Iterable[str]) -> str:
        return "|".join(re.escape(d) for d in sorted(set(forms), key=len, reverse=True))

    starts = [d[:k] for d in dates for k in range(_CUT_DATE_CHARS, len(d))]
    ends = [d[-k:] for d in dates for k in range(_CUT_DATE_CHARS, len(d))]
    return re.compile(
        rf"(?<![\d./-])(?:{listed(dates)})(?![\d]|[./-]\d)"
        rf"|(?<![\d./-])(?:{listed(starts)})(?={_ELLIPSIS})"
        rf"|(?<={_ELLIPSIS})(?:{listed(ends)})(?![\d]|[./-]\d)"
    )


REDACT_FILE: Final = "redact.toml"
# A name part this short (two letters: Ng, Le, Do) is searched for only as written with a capital,
# and, when it is also a short word of the six languages, only beside the name or a title
# (redact.toml).
SHORT_NAME_PART: Final = MIN_NAME_WORD
# Between the letters and digits of an id as free text may write it: MRN778899, MRN 778899,
# MRN-778899, MRN: 778899.
_ID_JOINT: Final = r"[\s\-_./:#]*"
_ID_CHUNK = re.compile(r"[^\W\d_]+|\d+")
_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=1)
def _kept_extensions() -> frozenset[str]:
    """The extensions a file label keeps: the input formats' (triage.io.formats, imported when
    first needed: the readers' modules are not needed to write outputs)."""
    from triage.io.formats import SUPPORTED_EXTENSIONS

    return SUPPORTED_EXTENSIONS


@lru_cache(maxsize=1)
def _redact_words() -> tuple[frozenset[str], frozenset[str]]:
    """(short words, titles) of redact.toml, lower case."""
    with data_file(REDACT_FILE).open("rb") as handle:
        table = tomllib.load(handle)
    words = frozenset(str(w).lower() for w in table.get("short_words", []))
    titles = frozenset(str(t).lower().rstrip(".") for t in table.get("titles", []))
    return words, titles


def _capitalised_forms(part: str) -> list[str]:
    """A short name part as a text may write it with a capital: "Ng", "NG" (never "ng")."""
    return sorted({part[0].upper() + part[1:], part[0].upper() + part[1:].lower(), part.upper()})


def _name_patterns(name: str) -> tuple[dict[str, str], dict[str, str]]:
    """Regular expressions of a name as free text may write it -> what replaces each: the name
    whole, each compound word with any joint between its parts, each part of more than
    SHORT_NAME_PART letters (any case) and each part of SHORT_NAME_PART letters as written with a
    capital (case-sensitive: "Ng" and "NG", not the "ng" of ng/mL); second, the parts of
    SHORT_NAME_PART letters that are also short words (redact.toml: "No", "Le", "An"), which are
    replaced only beside the name or a title (``_short_part_scrubber``)."""
    short_words, _ = _redact_words()
    out: dict[str, str] = {}
    beside: dict[str, str] = {}
    for word in _WORD.findall(name):
        parts = _NAME_PART.findall(word)
        if len(parts) > 1:
            out[_PART_JOINT.join(re.escape(p) for p in parts)] = f"{word[0].upper()}."
        for part in parts:
            initial = f"{part[0].upper()}."
            if len(part) > SHORT_NAME_PART:
                out.setdefault(re.escape(part), initial)
            elif len(part) == SHORT_NAME_PART and part.lower() in short_words:
                for form in _capitalised_forms(part):
                    beside.setdefault(form, initial)
            elif len(part) == SHORT_NAME_PART:
                forms = "|".join(re.escape(f) for f in _capitalised_forms(part))
                out.setdefault(f"(?-i:{forms})", initial)
    return out, beside


def _id_patterns(identifier: str) -> list[str]:
    """Regular expressions of an id as free text may write it: as written, its letters and
    digits with any separator between them ("MRN 778899", "MRN-778899" for MRN778899) and
    its longest digit run alone ("778899") when that is long enough not to be a lab value.
    An id of digits only is searched for from MIN_NUMERIC_ID_SEARCHED digits."""
    if not identifier or (identifier.isdigit() and len(identifier) < MIN_NUMERIC_ID_SEARCHED):
        return []
    out = [re.escape(identifier)]
    chunks = _ID_CHUNK.findall(identifier)
    if len(chunks) > 1:
        out.append(_ID_JOINT.join(re.escape(c) for c in chunks))
    digits = max(_DIGITS.findall(identifier), key=len, default="")
    if digits != identifier and len(digits) >= MIN_NUMERIC_ID_SEARCHED:
        out.append(re.escape(digits))
    return out


def _short_part_scrubber(beside: Mapping[str, str], name: str) -> Callable[[str], str] | None:
    """Replace a name part that is also a short word ("Le", "An", "No") only where it stands
    beside another part of the name (as written or as its initial, after the other parts were
    replaced) or after a title ("Mrs Le", "Mme Le"); elsewhere ("No TSH given") it stays."""
    if not beside:
        return None
    _, titles = _redact_words()
    parts = [p for p in _NAME_PART.findall(name) if p not in beside]
    initials = sorted({p[0].upper() for p in _NAME_PART.findall(name)})
    near = [
        *(re.escape(f) for f in sorted(beside, key=len, reverse=True)),
        *(rf"(?i:{re.escape(p)})" for p in sorted(parts, key=len, reverse=True)),
        rf"[{''.join(re.escape(i) for i in initials)}]\.",
    ]
    title = "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True))
    shorts = "|".join(re.escape(f) for f in sorted(beside, key=len, reverse=True))
    found = re.compile(rf"(?<!\w)(?:{shorts})(?!\w)")
    before = re.compile(rf"(?<!\w)(?:{'|'.join(near)}|(?i:{title})\.?)[\s,]*$")
    after = re.compile(rf"[\s,]*(?:{'|'.join(near)})(?!\w)")

    def scrub(text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            if before.search(text, 0, match.start()) or after.match(text, match.end()):
                return beside[match.group(0)]
            return match.group(0)

        return found.sub(replace, text)

    return scrub


# The quoted excerpts of a row's cells in the tool's own wording ("medications: 'risperidone 2mg'
# → risperidone ..."): a quote opens at an apostrophe with no letter or digit before it and
# closes at the last apostrophe with none after it before the next quote opens, so that an
# apostrophe inside the cell ("O'Brien", "Jones' note") never ends it early.
_APOSTROPHE = re.compile("'")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Where the quoted excerpts of ``text`` are: (start, end) of each, quotes excluded; a quote
    that never closes runs to the end of the text."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    last: int | None = None
    for match in _APOSTROPHE.finditer(text):
        at = match.start()
        opens = at == 0 or not _is_word(text[at - 1])
        closes = at + 1 == len(text) or not _is_word(text[at + 1])
        if start is None:
            if opens:
                start, last = at, None
            continue
        if opens and not closes and last is not None:
            spans.append((start + 1, last))
            start, last = at, None
            continue
        if closes:
            last = at
    if start is not None:
        spans.append((start + 1, last if last is not None else len(text)))
    return spans


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _within_quotes(scrub: Callable[[str], str]) -> Callable[[str], str]:
    """``scrub`` applied only to the quoted excerpts of a text: the tool's own words around
    them ("no TSH given", "ng/mL", "up to ~200") are never the patient's and stay."""

    def scrubbed(text: str) -> str:
        spans = quoted_spans(text)
        if not spans:
            return text
        out: list[str] = []
        done = 0
        for start, end in spans:
            out.append(text[done:start])
            out.append(scrub(text[start:end]))
            done = end
        out.append(text[done:])
        return "".join(out)

    return scrubbed


def _scrubber(
    identifier: str,
    id_token: str,
    name: str,
    initials: str,
    birth: tuple[int, int, int] | None = None,
    specimen: str = "",
    specimen_token: str = "",
) -> Callable[[str], str]:
    """Replace the row's id, specimen number, name (whole, its compound words and their parts)
    and birth date in a text (the callers keep the tool's own words: ``_within_quotes``)."""
    targets: dict[str, str] = {}  # regular expression -> replacement
    for pattern in _id_patterns(identifier):
        targets.setdefault(pattern, id_token)
    for pattern in _id_patterns(specimen):
        targets.setdefault(pattern, specimen_token)
    beside: dict[str, str] = {}
    if name:
        targets.setdefault(re.escape(name), initials)
        words, beside = _name_patterns(name)
        for pattern, initial in words.items():
            targets.setdefault(pattern, initial)
    dates = _date_forms(*birth) if birth else set()
    if not targets and not dates:
        return _same
    # the longest first: the whole name before its words, a compound before its parts
    ordered = sorted(targets, key=len, reverse=True)
    groups = "|".join(f"({t})" for t in ordered)
    words_re = re.compile(rf"(?<!\w)(?:{groups})(?!\w)", re.IGNORECASE) if ordered else None
    born = _date_pattern(dates) if dates else None
    named = _named_date_scrubber(*birth) if birth else None
    short = _short_part_scrubber(beside, name) if name else None

    def scrub(text: str) -> str:
        if named is not None:
            text = named(text)
        if born is not None:
            text = born.sub(PLACEHOLDER, text)
        if words_re is not None:
            text = words_re.sub(lambda m: targets[ordered[(m.lastindex or 1) - 1]], text)
        if short is not None:
            text = short(text)
        return text

    return scrub


# A date written with its month's name, in any of the six languages ("7 March 1984",
# "7. März 1984", "7 mars 1984", "7 de marzo de 1984", "7 marzo 1984", "7 maart 1984",
# "March 7, 1984", "7 Mar 84", "07-MAR-1984"): candidates, kept when day, month and year are the
# birth date's (values.month_number reads the month in the six languages).
_ORDINAL: Final = r"(?:st|nd|rd|th|er|e|º|°|\.)?"
_OF: Final = r"(?:\s*(?:de|of)\s+|[\s./,-]*)"
_NAMED_DATES: Final = (
    re.compile(
        rf"(?<![\w.])(?P<d>\d{{1,2}}){_ORDINAL}{_OF}(?P<mon>[^\W\d_]{{3,12}})\.?{_OF}"
        rf"(?P<y>\d{{4}}|\d{{2}})(?![\d])",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?<![\w.])(?P<mon>[^\W\d_]{{3,12}})\.?[\s./-]*(?P<d>\d{{1,2}}){_ORDINAL},?"
        rf"[\s./-]*(?P<y>\d{{4}}|\d{{2}})(?![\d])",
        re.IGNORECASE,
    ),
)


def _named_date_scrubber(year: int, month: int, day: int) -> Callable[[str], str]:
    def replace(match: re.Match[str]) -> str:
        written = match.group("y")
        same_year = int(written) == year or (
            len(written) < len(str(year)) and int(written) == year % _CENTURY
        )
        if same_year and int(match.group("d")) == day and month_number(match.group("mon")) == month:
            return PLACEHOLDER
        return match.group(0)

    def scrub(text: str) -> str:
        for pattern in _NAMED_DATES:
            text = pattern.sub(replace, text)
        return text

    return scrub


def _same(text: str) -> str:
    return text


def _scrub_details(cell: object, keys: Iterable[str], scrub: Callable[[str], str]) -> object:
    if not isinstance(cell, list | tuple) or scrub is _same:
        return cell
    out: list[object] = []
    for item in cell:
        if isinstance(item, Mapping):
            copy = dict(item)
            for key in keys:
                if isinstance(copy.get(key), str):
                    copy[key] = scrub(copy[key])
            out.append(copy)
        else:
            out.append(item)
    return out
