"""View models: what the templates show, built from the rows a report needs.

Templates get plain frozen dataclasses with every value already formatted as text (so a template
never formats numbers or dates, and StrictUndefined catches a misspelt field).  The reports never
see the whole batch: ``row_keys`` takes from each chunk the narrow columns that order and group
the results (output/summary.py, output/patients.py), and ``ResultTable`` holds only the rows
a report shows, fetched back at the end (output/spool.py).  Each distinct detail list is turned
into views once (the engine shares them between rows).
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from markupsafe import Markup

from triage.knowledge.loaders import load_thresholds
from triage.numbers import (
    age_words,
    approx,
    beside_limit,
    clear_of_limits,
    fmt,
    fmt_lab,
    fmt_limit,
    lab_decimals,
    times_text,
    to_lab_unit,
    written_decimals,
)
from triage.output.options import DISPLAY_UNITS, PATIENTS_HTML, Branding, RunMeta, SetCaveats
from triage.output.rows import is_missing, join_codes
from triage.schema import (
    CAUTION_CODES,
    PRIORITIES,
    REDACTION_COLUMNS,
    RESULT_COLUMNS,
    RESULT_EXTRA_COLUMNS,
    SUGGESTION_CODES,
    ReportSettingError,
)
from triage.urgent import OverdueReminder

DISCLAIMER: Final = (
    "Decision support, not a diagnosis. The factors listed are possible or likely contributors "
    "found in the data supplied; the result must be interpreted by a clinician who knows the "
    "patient."
)
PRIORITY_LABELS: Final[dict[str, str]] = {
    "urgent": "Urgent",
    "soon": "Soon",
    "routine": "Routine",
    "none": "No action",
}
# What each count of the summary's "At a glance" means, said beside the counts (output-contract
# §7 for the priorities, triage/engine/priority.py for the whole rule); "{urgent}" is the urgent
# level of thresholds.toml (urgent_miu_l).
PRIORITY_MEANINGS: Final[dict[str, str]] = {
    "urgent": (
        "review today: a mass-effect red flag (visual disturbance ...) with a raised result or a "
        "known pituitary lesion, or a result above {urgent} that pregnancy, breastfeeding or the "
        "neonatal period does not explain"
    ),
    "soon": (
        "raised and not explained by a likely factor found in the data, or with symptoms, a "
        "known pituitary lesion, a prolactin-lowering treatment or a hook-effect risk"
    ),
    "routine": (
        "raised and explained by a likely factor (a drug in its usual range, kidney, thyroid "
        "...), or a mild rise without symptoms"
    ),
    "none": (
        "nothing to do for this result: within the interval used, low, or the level expected "
        "in pregnancy, breastfeeding or a neonate"
    ),
}
STATUS_MEANINGS: Final[dict[str, str]] = {
    "low": "below the reference interval used",
    "normal": "within the reference interval used",
    "high": "above the reference interval used",
    "indeterminate": (
        "not judged against one interval: the row's sex is unknown and the result lies between "
        "the two sexes' limits, or the lab's flag and the interval disagree (the row's note says)"
    ),
}
BATCH_MEANINGS: Final[dict[str, str]] = {
    "results": "prolactin results triaged",
    "patients": "distinct patients (id, birth date and issuer) among them",
    "pages": (
        "pages in the printable patient pages: one per patient with a result that needs action "
        "(every patient with --all-patients)"
    ),
    "rejected": "input rows that did not become a result, each listed below with its reason",
    "inputs": "files read, each listed below with its row counts and SHA-256",
}
SOURCE_LABELS: Final[dict[str, str]] = {
    "row": "lab's own interval",
    "set": "reference set",
    "physiological": "physiological interval",
}
PATIENT_FILE: Final = PATIENTS_HTML
URGENT_REFERRAL: Final = "urgent_endocrine_referral"
if URGENT_REFERRAL not in SUGGESTION_CODES:  # pragma: no cover - schema drift guard
    raise ImportError(f"{URGENT_REFERRAL!r} is no longer a suggestion code")
URGENT_BANNER_MAX: Final = 50  # urgent results listed in the banner; the table holds them all
SUMMARY_FACTORS: Final = 3  # factors and next steps shown per row of the summary table
HISTORY_ROWS: Final = 6  # earlier results listed on a patient page (the chart shows all)
# Results history (--history): how a result id is written (triage.history.store.RESULT_PREFIX,
# not imported: that module needs SQLAlchemy), the trend markers and the delta sentence.
RESULT_ID_PREFIX: Final = "R-"
TREND_MARKS: Final[dict[str, str]] = {
    "new": "new",
    "rising": "↑ rising",
    "falling": "↓ falling",
    "stable": "stable",
}
TREND_WORDS: Final[dict[str, str]] = {
    "rising": "significant rise (beyond the expected analytical and biological variation)",
    "falling": "significant fall (beyond the expected analytical and biological variation)",
    "stable": "no significant change (within the expected analytical and biological variation)",
}
NEW_IN_HISTORY: Final = "First result of this patient in the results history."
NEW_WITH_CLASH: Final = (
    "No earlier result in the results history is this patient's (see the identifier warning)."
)
NOT_COMPARED: Final = "not compared: a value is given as below or above a limit"
INTERVAL_CHANGED: Final = "the lab's own reference interval changed"
NOT_COMPARED_METHOD: Final = (
    "not compared: the earlier result was measured by another assay ({then}); results and"
    " reference intervals are method-specific"
)
IDENTITY_CLASH: Final = "possible_clash"  # triage.history.delta.CLASH
FROM_HISTORY: Final = "results history"
FROM_BATCH: Final = "this batch"
LOGO_MAX_BYTES: Final = 1024 * 1024
LOGO_TYPES: Final[tuple[tuple[bytes, str], ...]] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_MISSING_TEXT: Final = "—"
# A date and time as the reports show them; the date alone when no time was given.
WHEN_FORMAT: Final = "%Y-%m-%d %H:%M"
DATE_FORMAT: Final = "%Y-%m-%d"
_ROW_KEY_PREFIX: Final = "\x00row:"
NG_ML: Final = "ng/mL"
MIU_L: Final = "mIU/L"
# Columns the reports use when the engine gives them (the lab-unit limits, the specimen's
# details and the comment in words); a frame without them renders as before.
OPTIONAL_COLUMNS: Final[tuple[str, ...]] = (
    "reference_low_value",
    "reference_high_value",
    "requesting_clinician",
    "location",
    "comment",
)


# ---------------------------------------------------------------------------------------------
# Small formatting helpers (text only; no clinical numbers)
# ---------------------------------------------------------------------------------------------
def as_text(value: object) -> str:
    return "" if is_missing(value) else str(value).strip()


def as_float(value: object) -> float | None:
    if is_missing(value):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def as_datetime(value: object) -> datetime | None:
    if is_missing(value):
        return None
    if isinstance(value, datetime):
        return value
    try:
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if pd.isna(stamp) else stamp.to_pydatetime()


def fmt_number(value: float | None) -> str:
    """A value with the digits every output uses (triage.numbers.fmt)."""
    return _MISSING_TEXT if value is None else fmt(value)


def fmt_when(value: datetime | None) -> str:
    """``2026-03-01 08:30``, or the date alone when no time was given."""
    if value is None:
        return _MISSING_TEXT
    if (value.hour, value.minute, value.second) == (0, 0, 0):
        return value.strftime(DATE_FORMAT)
    return value.strftime(WHEN_FORMAT)


def fmt_age(years: float | None) -> str:
    """'34 y', '7 mo', '3 d' (triage.numbers.age_words)."""
    return age_words(years, _MISSING_TEXT)


def humanise(code: str) -> str:
    """``very_high`` → ``very high``."""
    return code.replace("_", " ")


def fmt_interval(low: float | None, high: float | None) -> str:
    if high is None and low is None:
        return _MISSING_TEXT
    if high is None:
        return f"from {fmt_number(low)}"
    if low is None:
        return f"up to {fmt_number(high)}"
    return f"{fmt_number(low)}–{fmt_number(high)}"


# ---------------------------------------------------------------------------------------------
# The lab's unit and precision (display_unit): a value as the lab wrote it, ng/mL beside it
# ---------------------------------------------------------------------------------------------
def fmt_stored(value: float) -> str:
    """A lab-unit number as the engine holds it (already at the lab's precision: 4.81, 496)."""
    return fmt_lab(value, written_decimals(value))


def resolve_unit(display_unit: str, row_unit: str) -> str:
    """The unit a row is shown in: the lab's own ('lab'), else the one asked for."""
    if display_unit in (NG_ML, MIU_L):
        return display_unit
    return row_unit if row_unit in (NG_ML, MIU_L) else NG_ML


@dataclass(frozen=True, slots=True)
class Measure:
    """A result and its interval in one unit: numbers (for pictures) and their texts."""

    unit: str
    per_ng: float  # this unit per ng/mL (1 for ng/mL): band lines and other results convert
    value: float | None
    low: float | None
    high: float | None
    value_text: str  # "2163", "<3.0", "—"
    low_text: str
    high_text: str

    @property
    def interval(self) -> str:
        return _interval_words(self.low_text, self.high_text)


def _interval_words(low: str, high: str) -> str:
    if not low and not high:
        return _MISSING_TEXT
    if not high:
        return f"from {low}"
    if not low:
        return f"up to {high}"
    return f"{low}–{high}"


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def measure_row(table: ResultTable, i: int, unit: str) -> Measure:
    """Row ``i`` (local index) of ``table`` in ``unit``: in the lab's own unit the value as the
    lab wrote it (its precision) and the lab-unit limits (the engine's ``reference_*_value``, else
    the ng/mL limits converted with the row's factor, to the result's precision); in another
    unit converted (ng/mL with the one formatter, mIU/L whole).  A value high or low is never
    shown at or within the limit it is beyond (numbers.beside_limit)."""
    measure = _measure_row(table, i, unit)
    status = table.text("status")[i]
    if status not in _BEYOND or measure.value is None:
        return measure
    upper = status == _BEYOND[0]
    limit, limit_text = (
        (measure.high, measure.high_text) if upper else (measure.low, measure.low_text)
    )
    value_text, shown_limit = beside_limit(
        measure.value, measure.value_text, limit, limit_text, upper=upper
    )
    if upper:
        return replace(measure, value_text=value_text, high_text=shown_limit)
    return replace(measure, value_text=value_text, low_text=shown_limit)


# The statuses of a result beyond one of its limits: the upper one, then the lower one.
_BEYOND: Final = ("high", "low")


def _measure_row(table: ResultTable, i: int, unit: str) -> Measure:
    """measure_row before its value and limit texts are set beside each other."""
    text, number = table.text, table.number
    row_unit = text("prolactin_unit")[i] or NG_ML
    qualifier = text("qualifier")[i]
    ng = number("prolactin_ng_ml")[i]
    low_ng, high_ng = number("reference_low_ng_ml")[i], number("reference_high_ng_ml")[i]
    # a row's own factor, else the reference set's (a row in ng/mL shown in mIU/L)
    found = _finite(number("conversion_factor_used")[i]) or table.miu_per_ng
    if found is None and unit == MIU_L and row_unit == NG_ML:
        unit = NG_ML  # no factor in the reference data: the result stays in ng/mL
    factor = math.nan if found is None else found  # a mIU/L row always carries its own
    if unit == NG_ML and row_unit != NG_ML:
        return Measure(
            NG_ML,
            1.0,
            ng,
            low_ng,
            high_ng,
            _ng_text(qualifier, ng),
            "" if low_ng is None else fmt(low_ng),
            "" if high_ng is None else fmt(high_ng),
        )
    if unit == row_unit:
        value = number("prolactin_value")[i]
        if value is None and row_unit == NG_ML:
            value = ng
        decimals = lab_decimals(text("prolactin_raw")[i], number("prolactin_value")[i])
        value_text = _MISSING_TEXT if value is None else f"{qualifier}{fmt_lab(value, decimals)}"
        per_ng = 1.0 if unit == NG_ML else factor
        lows = number("reference_low_value")[i], number("reference_high_value")[i]
        if lows[0] is not None or lows[1] is not None:
            low, high = lows
            low_text = "" if low is None else fmt_stored(low)
            high_text = "" if high is None else fmt_stored(high)
        elif unit == NG_ML:
            low, high = low_ng, high_ng
            low_text = "" if low is None else fmt(low)
            high_text = "" if high is None else fmt(high)
        else:
            low = None if low_ng is None else to_lab_unit(low_ng, unit, factor)
            high = None if high_ng is None else to_lab_unit(high_ng, unit, factor)
            low_text = "" if low is None else fmt_limit(low, decimals)
            high_text = "" if high is None else fmt_limit(high, decimals)
        return Measure(unit, per_ng, value, low, high, value_text, low_text, high_text)
    # a row in ng/mL shown in mIU/L: converted from the lab's own number, not from the files'
    # rounded one (150.04 ng/mL is 3181 mIU/L, not the 3180 of 150.0)
    lab_ng = number("prolactin_value")[i] if row_unit == NG_ML else None
    value = None if ng is None else to_lab_unit(ng if lab_ng is None else lab_ng, MIU_L, factor)
    low = None if low_ng is None else to_lab_unit(low_ng, MIU_L, factor)
    high = None if high_ng is None else to_lab_unit(high_ng, MIU_L, factor)
    return Measure(
        MIU_L,
        factor,
        value,
        low,
        high,
        _MISSING_TEXT if value is None else f"{qualifier}{converted_text(value, factor)}",
        "" if low is None else fmt_lab(low, 0),
        "" if high is None else fmt_lab(high, 0),
    )


def converted_text(value: float, per_ng: float) -> str:
    """A value converted to mIU/L (`per_ng`: mIU/L per ng/mL) as the reports write it: whole,
    but never at or across a severity band's start or the urgent level it is not at (output
    contract extensions, "Numbers"): 49.99 ng/mL is 1059.8 mIU/L beside the moderate band's
    1060, 235.85 ng/mL is 5000.02 beside the urgent 5000 mIU/L, not 1060 and 5000."""
    return clear_of_limits(value, fmt_lab(value, 0), _miu_limits(per_ng))


@lru_cache(maxsize=1)
def _interval_tolerance() -> float:
    """history.delta.interval_tolerance of the shipped thresholds, read once (not per row)."""
    # imported here: `check` lists problems with this module, never the history (SQLAlchemy)
    from triage.history.delta import interval_tolerance

    return interval_tolerance(load_thresholds())


@lru_cache(maxsize=64)
def _miu_limits(per_ng: float) -> tuple[float, ...]:
    """The numbers a mIU/L result is judged against: the bands' starts (thresholds.toml, in
    ng/mL) times `per_ng`, and the urgent level (urgent_miu_l, in mIU/L)."""
    thresholds = load_thresholds()
    starts = tuple(band.lower_ng_ml * per_ng for band in thresholds.bands if band.lower_ng_ml > 0)
    return (*starts, thresholds.get("urgent_miu_l"))


def band_legend_text(bands: Sequence[tuple[str, float]], unit: str, per_ng: float) -> str:
    """'moderate 50, marked 100 … ng/mL' in the page's unit (derived: three digits)."""
    shown = [(humanise(name), lower * per_ng) for name, lower in bands if lower > 0]
    if not shown:
        return ""
    words = ", ".join(f"{name} {fmt(low) if per_ng == 1 else approx(low)}" for name, low in shown)
    return f"Dashed lines: severity bands from {words} {unit}."


# ---------------------------------------------------------------------------------------------
# View dataclasses
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FactorView:
    code: str
    label: str
    strength: str
    evidence: str


@dataclass(frozen=True, slots=True)
class StepView:
    code: str
    label: str
    reason: str
    caution: bool


@dataclass(frozen=True, slots=True)
class ResultView:
    """One result as the reports show it (all text)."""

    position: int
    priority: str
    priority_label: str
    status: str
    band: str
    interpretation: str
    patient_id: str
    patient_name: str
    sex: str
    age: str
    href: str | None  # link to the patient's page, when it has one
    collected: str
    result_raw: str  # the value and unit as written
    raw_in_ng_ml: bool  # the row was in ng/mL: result_raw says what ng_ml says
    in_unit: str  # the number in its own unit when that is not ng/mL
    ng_ml: str
    interval: str  # "4.8–23.3" (ng/mL)
    reference_source: str
    reference_stratum: str  # machine tag ("row|default:child_f"): the bundled templates show words
    reference_note: str
    reference_set: str
    times_uln: str
    factors: list[FactorView]
    steps: list[StepView]
    cautions: list[StepView]
    why_urgent: str  # the reason given with an urgent referral, if the engine suggested one
    source_file: str
    source_sheet: str
    source_row: str
    # Why a result is not flagged although above the usual limit: the evidence of the
    # physiological state (pregnancy, breastfeeding, neonatal) that judged it, for rows of
    # priority none ("184 ng/mL is within the pregnancy interval 10–209 ng/mL; above the
    # non-pregnant limit 23.4").  Shown in the summary's row, not only in the CSV/JSON.
    why_not_flagged: str = ""
    # Results history (--history); all empty without one.
    result_id: str = ""  # "R-12", the id people type to acknowledge the result
    trend: str = ""  # new, rising, falling, stable, or "" (not compared / no history)
    trend_mark: str = ""  # "↑ rising", "↓ falling", "new", "stable"
    trend_title: str = ""  # "+196.9 % since 2026-10-03 (previous 32 ng/mL)"
    change_text: str = ""  # the delta sentence of the patient page
    identity_clash: bool = False  # the id was seen with another birth date or sex
    acknowledged: str = ""  # "told Dr Lee by J. Smith, 2026-12-01 14:05 UTC: phoned"
    # The result as the reports show it first (display_unit: the lab's own unit by default, to
    # the lab's precision), ng/mL beside it when that is another unit.
    unit: str = NG_ML  # "mIU/L"
    value: str = ""  # "2163", "<3.0"
    value_beside: str = ""  # "102.03 ng/mL", or "" when the value is in ng/mL
    shown_interval: str = ""  # "102–496" (in ``unit``)
    interval_beside: str = ""  # "4.8–23.4 ng/mL", or ""
    as_written: str = ""  # the cell as written when it reads otherwise ("2163 mU/L"), else ""
    # The specimen (shown when the export gives them)
    specimen_id: str = ""
    birth_date: str = ""
    requesting_clinician: str = ""
    location: str = ""
    comment: str = ""  # the result's comment in words


# Factor codes of the physiological states whose evidence says why a result is not flagged.
_PHYSIOLOGICAL_FACTORS = frozenset({"pregnancy", "lactation", "neonatal"})


def _why_not_flagged(priority: str, factors: list[FactorView]) -> str:
    """The physiological state's evidence for a result of priority none (or '')."""
    if priority != "none":
        return ""
    return "; ".join(f.evidence for f in factors if f.code in _PHYSIOLOGICAL_FACTORS and f.evidence)


@dataclass(frozen=True, slots=True)
class CountView:
    code: str
    label: str
    count: int
    meaning: str = ""  # what the count counts, said beside it (PRIORITY_MEANINGS ...)


@dataclass(frozen=True, slots=True)
class RejectedView:
    source_file: str
    source_sheet: str
    source_row: int
    reason_code: str
    reason: str
    detail: str
    patient_id: str = ""  # whose sample needs repeating (a keyed token under --redact)
    specimen_id: str = ""


@dataclass(frozen=True, slots=True)
class InputView:
    file: str
    sheet: str
    sha256: str
    rows_read: int
    rows_triaged: int
    rows_rejected: int
    shape: str
    header_row: int
    warnings: list[str]
    # an input that could not be used at all: why (INPUT_FAILURES code, its meaning, the text)
    usable: bool = True
    failure_code: str = ""
    failure_meaning: str = ""
    failure: str = ""


@dataclass(frozen=True, slots=True)
class BrandingView:
    lab_name: str = ""
    address_lines: list[str] = field(default_factory=list)
    contact: str = ""
    logo_uri: str = ""  # data: URI, or "" for none

    @property
    def present(self) -> bool:
        return bool(self.lab_name or self.address_lines or self.contact or self.logo_uri)


@dataclass(frozen=True, slots=True)
class BandView:
    name: str
    lower: str


@dataclass(frozen=True, slots=True)
class RunView:
    """What every page repeats: who made it, when, with which reference data."""

    tool_name: str
    tool_version: str
    generated: str
    reference_set: str
    reference_title: str
    redacted: bool
    disclaimer: str
    branding: BrandingView
    bands: list[BandView]
    display_unit: str = "lab"  # OutputOptions.display_unit
    miu_per_ng: float | None = None  # RunMeta.miu_per_ng: the reference set's factor
    reference_sets: tuple[SetCaveats, ...] = ()  # RunMeta.reference_sets: the chosen one first


@dataclass(frozen=True, slots=True)
class ReferenceSetView:
    """A reference set the summary lists once: the run's, or one that judged a result."""

    name: str
    title: str
    source: str
    caveats: list[str]
    chosen: bool  # the run's reference set (--ranges)
    results: int  # results of the batch judged with one of its strata


def reference_set_views(run: RunView, strata: Mapping[str, int] | None) -> list[ReferenceSetView]:
    """The run's reference set and every other set whose strata judged a result, each once,
    with its caveats; ``strata``: results per ``reference_stratum`` ("default:adult_female",
    "row|default:child_f"; a row interval alone names no set)."""
    used: dict[str, int] = {}
    for tag, count in (strata or {}).items():
        names = {part.partition(":")[0] for part in str(tag).split("|") if ":" in part}
        for name in names:
            used[name] = used.get(name, 0) + int(count)
    return [
        ReferenceSetView(
            s.name,
            s.title or s.name,
            s.source,
            list(s.caveats),
            s.name == run.reference_set,
            used.get(s.name, 0),
        )
        for s in run.reference_sets
        if s.name == run.reference_set or used.get(s.name)
    ]


@dataclass(frozen=True, slots=True)
class PriorityGroup:
    """The summary's rows of one priority: a section with an anchor, linked from the top."""

    code: str
    label: str
    anchor: str  # "priority-urgent"
    count: int  # results of this priority in the batch
    rows: list[ResultView]  # those the table shows (the cap may leave some out)

    @property
    def omitted(self) -> int:
        return max(self.count - len(self.rows), 0)

    @property
    def priority(self) -> str:  # the badge macro's names
        return self.code

    @property
    def priority_label(self) -> str:
        return self.label


@dataclass(frozen=True, slots=True)
class SummaryView:
    run: RunView
    results_total: int
    patients_total: int
    priority_counts: list[CountView]
    status_counts: list[CountView]
    urgent: list[ResultView]
    urgent_total: int
    rows: list[ResultView]
    rows_omitted: int
    rejected: list[RejectedView]
    rejected_total: int
    rejected_omitted: int
    inputs: list[InputView]
    pages_total: int  # patients that have a page
    pages_omitted: int  # patients that would have one but are over the cap
    patient_file: str
    shown_per_row: int = SUMMARY_FACTORS  # factors and next steps listed per table row
    groups: list[PriorityGroup] = field(default_factory=list)  # the rows by priority
    # rejected rows that may be urgent (Rejected.possibly_urgent: urgent.txt lists them too),
    # every one of them: the banner says what the urgent alert says
    untriaged_urgent: list[RejectedView] = field(default_factory=list)
    # what the "Batch" counts count (BATCH_MEANINGS), said beside them
    batch_meanings: dict[str, str] = field(default_factory=lambda: dict(BATCH_MEANINGS))
    # the urgent results of this batch the history holds as acknowledged (each banner line
    # says by whom and when, ResultView.acknowledged), as stderr counts them
    urgent_acknowledged: int = 0
    # urgent results of earlier runs nobody has acknowledged in time (the history's reminders,
    # urgent.txt's NOT YET ACKNOWLEDGED lines): listed in a section of their own
    reminders: list[OverdueReminder] = field(default_factory=list)
    # the run's reference set and each other set that judged a result, with their caveats
    reference_sets: list[ReferenceSetView] = field(default_factory=list)

    @property
    def unusable_inputs(self) -> list[InputView]:
        """The inputs that could not be used at all: named beside the urgent banner, since
        their results (urgent ones among them) are in no table of the report."""
        return [i for i in self.inputs if not i.usable]


@dataclass(frozen=True, slots=True)
class EarlierResultView:
    """One earlier result of a patient on the patient page: from the results history or from
    this batch (``origin``), its value in the lab's own unit as stored."""

    collected: str
    value: str  # "<5 ng/mL", "850 mIU/L"
    ng_ml: str
    status: str
    result_id: str  # "R-3", or ""
    acknowledged: str
    origin: str  # FROM_HISTORY or FROM_BATCH

    @property
    def from_history(self) -> bool:
        return self.origin == FROM_HISTORY


@dataclass(frozen=True, slots=True)
class PatientPage:
    anchor: str
    number: int
    total: int
    lead: ResultView  # the most pressing result (the latest among equals)
    bar_svg: Markup
    history: list[ResultView]  # newest first, the lead included
    history_total: int
    trend_svg: Markup | None
    # Results history (--history): earlier results (history and this batch, de-duplicated,
    # newest first; empty without a history or when the patient has none)
    earlier: list[EarlierResultView] = field(default_factory=list)
    earlier_total: int = 0
    band_legend: str = ""  # "Dashed lines: severity bands from moderate 1060, … mIU/L."
    unit: str = NG_ML  # the unit of the pictures and the tables of the page


@dataclass(frozen=True, slots=True)
class PatientsView:
    run: RunView
    pages: Iterator[PatientPage]
    pages_total: int
    pages_omitted: int
    all_patients: bool


# ---------------------------------------------------------------------------------------------
# Branding
# ---------------------------------------------------------------------------------------------
def logo_data_uri(path: Path, source: str = "") -> str:
    """The logo as a ``data:`` URI; ReportSettingError unless a PNG, JPEG or GIF of at most
    1 MiB, naming the config file and its ``[branding] logo`` key when ``source`` gives the file
    (else the logo's path)."""

    def refused(message: str) -> ReportSettingError:
        if source:
            return ReportSettingError(source, f"{path}: {message}", field="branding.logo")
        return ReportSettingError(str(path), message, field="logo_path")

    try:
        size = path.stat().st_size
        if size > LOGO_MAX_BYTES:
            raise refused(f"logo is {size} bytes; at most 1 MiB")
        data = path.read_bytes()
    except OSError as exc:
        raise refused(f"logo cannot be read: {exc.strerror}") from exc
    for magic, mime in LOGO_TYPES:
        if data.startswith(magic):
            return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    svg = " (an SVG is not accepted: save the logo as a PNG)" if _looks_like_svg(data) else ""
    raise refused(f"logo is not a PNG, JPEG or GIF image{svg}")


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<svg", b"<?xml")) and b"<svg" in head


def branding_view(branding: Branding | None) -> BrandingView:
    if branding is None:
        return BrandingView()
    lines = [line.strip() for line in branding.address.splitlines() if line.strip()]
    logo = logo_data_uri(branding.logo_path, branding.logo_source) if branding.logo_path else ""
    return BrandingView(branding.lab_name.strip(), lines, branding.contact.strip(), logo)


def run_view(
    meta: RunMeta, branding: BrandingView, *, redacted: bool, display_unit: str = "lab"
) -> RunView:
    bands = [
        BandView(humanise(name), fmt(lower))
        for name, lower in meta.band_thresholds
        if lower > 0  # the lowest band starts at zero: no line to draw
    ]
    return RunView(
        tool_name=meta.tool_name,
        tool_version=meta.tool_version,
        # the run's time is UTC, the collection times the lab's own: said, so that nobody
        # reads 23:10 UTC as the evening before in the lab's zone
        generated=f"{meta.generated_at.strftime(WHEN_FORMAT)} UTC",
        reference_set=meta.reference_set,
        reference_title=meta.reference_title,
        redacted=redacted,
        disclaimer=DISCLAIMER,
        branding=branding,
        bands=bands,
        display_unit=display_unit,
        miu_per_ng=meta.miu_per_ng,
        reference_sets=meta.reference_sets,
    )


# ---------------------------------------------------------------------------------------------
# The narrow keys of every row: patient, priority rank, ng/mL, collection time
# ---------------------------------------------------------------------------------------------
# Every column of the results frame except the flat CSV evidence text (a missing column reads as
# empty, so a frame with the contract's columns alone renders too).
NEEDED_COLUMNS: Final[tuple[str, ...]] = tuple(
    dict.fromkeys(
        c
        for c in (*RESULT_COLUMNS, *RESULT_EXTRA_COLUMNS, *OPTIONAL_COLUMNS)
        if c != "factor_evidence"
    )
)
_PRIORITY_RANK: Final[dict[str, int]] = {p: i for i, p in enumerate(PRIORITIES)}
NO_TIME: Final = np.iinfo(np.int64).min  # a missing collection time sorts first


def _column(results: pd.DataFrame, name: str) -> list[Any]:
    return results[name].tolist() if name in results.columns else [None] * len(results)


def priority_ranks(results: pd.DataFrame) -> np.ndarray:
    """Index of each row's priority in PRIORITIES (urgent 0); unknown or missing last."""
    if "priority" not in results.columns or not len(results):
        return np.full(len(results), len(PRIORITIES), dtype=np.int64)
    codes, uniques = pd.factorize(results["priority"].astype(object), use_na_sentinel=True)
    ranks = np.array(
        [_PRIORITY_RANK.get(as_text(u), len(PRIORITIES)) for u in uniques.tolist()]
        + [_PRIORITY_RANK.get("", len(PRIORITIES))],
        dtype=np.int64,
    )
    return ranks[np.where(codes < 0, len(uniques), codes)]


def ng_values(results: pd.DataFrame) -> np.ndarray:
    """prolactin_ng_ml as floats, NaN where missing or not finite."""
    if "prolactin_ng_ml" not in results.columns:
        return np.full(len(results), np.nan)
    values = results["prolactin_ng_ml"]
    if pd.api.types.is_float_dtype(values.dtype) or pd.api.types.is_integer_dtype(values.dtype):
        out = values.to_numpy(dtype=np.float64, na_value=np.nan)
        return np.where(np.isfinite(out), out, np.nan)
    return np.array(
        [np.nan if (v := as_float(x)) is None else v for x in values.tolist()], dtype=np.float64
    )


def collected_ns(results: pd.DataFrame) -> np.ndarray:
    """Collection times as int64 nanoseconds; missing as the smallest value."""
    if "collected_at" not in results.columns:
        return np.full(len(results), NO_TIME, dtype=np.int64)
    stamps = pd.to_datetime(results["collected_at"], errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    values = stamps.astype("datetime64[ns]").to_numpy()
    out = values.astype(np.int64)
    out[np.isnat(values)] = NO_TIME
    return out


# The column --redact adds to the rows it rewrites (schema.REDACTION_COLUMNS): a keyed token of
# each row's patient key as it was before the birth date was dropped and the id replaced
# (output/redact.py), so that redaction never merges two people who share an id.
REDACTED_PATIENT_KEY: Final = REDACTION_COLUMNS[0]


def patient_keys(results: pd.DataFrame) -> list[str]:
    """Patient identity: the id with the birth date given beside it (two people under one id, a
    neonate under the mother's number or a shared placeholder, are two patients, as in the
    results history: docs/history.md) and its issuer when the input names one, or the source row
    for a result without an id.  Redacted rows carry their key as it was before redaction
    (``REDACTED_PATIENT_KEY``), which is used instead."""
    if REDACTED_PATIENT_KEY in results.columns:
        return [as_text(k) for k in results[REDACTED_PATIENT_KEY].tolist()]
    keys: list[str] = []
    for pid, born, file, sheet, row, issuer in zip(
        _column(results, "patient_id"),
        _column(results, "birth_date"),
        _column(results, "source_file"),
        _column(results, "source_sheet"),
        _column(results, "source_row"),
        _column(results, "patient_issuer"),
        strict=True,
    ):
        text = pid.strip() if type(pid) is str else as_text(pid)
        if not text:
            keys.append(f"{_ROW_KEY_PREFIX}{file}\x1f{sheet}\x1f{row}")
            continue
        # the same number from another issuer (HL7 PID-3.4) is another patient
        by = as_text(issuer)
        keys.append(f"{text}\x1f{as_text(born)}" + (f"\x1f{by}" if by else ""))
    return keys


# ---------------------------------------------------------------------------------------------
# The rows a report shows
# ---------------------------------------------------------------------------------------------
class ResultTable:
    """Rows of the results frame held as per-column lists, looked up by their position in the
    batch (the frame's index).  Display texts are made per column (``text``, ``number``), each
    detail list and item once, and each row's view once per link (``view``)."""

    def __init__(
        self,
        parts: Sequence[pd.DataFrame],
        display_unit: str = "lab",
        miu_per_ng: float | None = None,
    ) -> None:
        self.display_unit = display_unit if display_unit in DISPLAY_UNITS else "lab"
        self.miu_per_ng = miu_per_ng
        self._cols: dict[str, list[Any]] = {name: [] for name in NEEDED_COLUMNS}
        self._when: list[str] = []
        positions: list[int] = []
        for part in parts:  # not joined into one frame: each chunk keeps its column types
            for name, values in self._cols.items():
                values.extend(_column(part, name))
            self._when.extend(_when_texts(part))
            positions.extend(part.index.tolist())
        self.size = len(positions)
        # the results history's columns are present (--history): a frame without them renders
        # exactly as before
        self.has_history = any("trend" in part.columns for part in parts)
        self._local: dict[int, int] = {int(p): i for i, p in enumerate(positions)}
        self._texts: dict[str, list[str]] = {}
        self._numbers: dict[str, list[float | None]] = {}
        self._views: dict[tuple[int, str | None], ResultView] = {}
        self._factors: dict[int, list[FactorView]] = {}
        self._steps: dict[int, list[StepView]] = {}
        self._items: dict[tuple[int, int], FactorView | StepView] = {}

    def get(self, name: str, position: int) -> Any:
        return self._cols[name][self._local[position]]

    def text(self, name: str) -> list[str]:
        """``as_text`` of every cell of a column."""
        found = self._texts.get(name)
        if found is None:
            found = self._texts[name] = [
                v.strip() if type(v) is str else as_text(v) for v in self._cols[name]
            ]
        return found

    def number(self, name: str) -> list[float | None]:
        """``as_float`` of every cell of a column."""
        found = self._numbers.get(name)
        if found is None:
            finite = math.isfinite
            found = self._numbers[name] = [
                v if type(v) is float and finite(v) else as_float(v) for v in self._cols[name]
            ]
        return found

    def factor_views(self, cell: object, codes: object) -> list[FactorView]:
        """The factors of a detail cell; each list and each item of it converted once (the
        engine shares them between rows; the table holds them, so their ids stay theirs)."""
        if not isinstance(cell, list | tuple):
            return _factor_views(cell, codes)
        found = self._factors.get(id(cell))
        if found is None:
            items = self._items
            views: list[FactorView] = []
            for item in cell:
                if isinstance(item, Mapping):
                    view = items.get((id(item), 0))
                    if view is None:
                        view = items[(id(item), 0)] = _factor_view(item)
                    views.append(view)  # type: ignore[arg-type]
            found = self._factors[id(cell)] = views
        return found

    def step_views(self, cell: object, codes: object) -> list[StepView]:
        """The next steps of a detail cell (as ``factor_views``)."""
        if not isinstance(cell, list | tuple):
            return _step_views(cell, codes)
        found = self._steps.get(id(cell))
        if found is None:
            items = self._items
            views: list[StepView] = []
            for item in cell:
                if isinstance(item, Mapping):
                    view = items.get((id(item), 1))
                    if view is None:
                        view = items[(id(item), 1)] = _step_view(item)
                    views.append(view)  # type: ignore[arg-type]
            found = self._steps[id(cell)] = views
        return found

    def view(self, position: int, href: str | None) -> ResultView:
        """The row at ``position`` of the batch as display text (built once per link)."""
        key = (position, href)
        found = self._views.get(key)
        if found is None:
            found = self._views[key] = result_view(self, position, href)
        return found


def _when_texts(part: pd.DataFrame) -> list[str]:
    """``fmt_when`` of every collection time of a chunk (vectorised for a datetime column)."""
    if "collected_at" not in part.columns:
        return [_MISSING_TEXT] * len(part)
    values = part["collected_at"]
    if not pd.api.types.is_datetime64_dtype(values.dtype) or not len(values):
        return [fmt_when(as_datetime(v)) for v in values.tolist()]
    codes, uniques = pd.factorize(values)  # each distinct time formatted once; NaT -> -1
    table = np.array([*(fmt_when(u) for u in uniques), _MISSING_TEXT], dtype=object)
    out: list[str] = table[codes].tolist()
    return out


@lru_cache(maxsize=4096)
def _ng_text(qualifier: str, ng_ml: float | None) -> str:
    return _MISSING_TEXT if ng_ml is None else f"{qualifier}{fmt_number(ng_ml)}"


@lru_cache(maxsize=4096)
def _in_unit(qualifier: str, value: float | None, unit: str, raw: str) -> str:
    text = f"{qualifier}{fmt_number(value)} {unit}" if value is not None and unit != "ng/mL" else ""
    return "" if text.casefold() == raw.casefold() else text  # the row already says it that way


_fmt_interval = lru_cache(maxsize=1024)(lambda low, high: fmt_interval(low, high))
_fmt_age = lru_cache(maxsize=4096)(lambda years: fmt_age(years))
_times_text = lru_cache(maxsize=4096)(lambda uln, qualifier: times_text(uln, qualifier))


def _times_mark(status: str, times: float | None, qualifier: str) -> str:
    """The qualifier times ULN is shown with: a high result whose ratio rounds to 1 or below
    (23.35 against 23.3) is shown ">×1", never a bare "×1" beside "high"."""
    if not qualifier and status == "high" and times is not None and times <= 1:
        return ">"
    return qualifier


_humanise = lru_cache(maxsize=256)(lambda code: humanise(code))


def _factor_views(cell: object, codes: object) -> list[FactorView]:
    if isinstance(cell, list | tuple):
        return [_factor_view(item) for item in cell if isinstance(item, Mapping)]
    return [FactorView(c, humanise(c), "", "") for c in filter(None, join_codes(codes).split(";"))]


def _factor_view(item: Mapping[str, Any]) -> FactorView:
    code = as_text(item.get("code"))
    return FactorView(
        code=code,
        label=as_text(item.get("label")) or humanise(code),
        strength=as_text(item.get("strength")),
        evidence=as_text(item.get("evidence")),
    )


@lru_cache(maxsize=1)
def caution_codes() -> frozenset[str]:
    """Suggestion codes of kind "caution" in triage/data/labels.toml (and the schema's)."""
    from triage.engine.labels import load_labels  # lazy: only a report needs the labels

    kinds = load_labels().suggestions
    return frozenset(CAUTION_CODES) | {c for c, info in kinds.items() if info.kind == "caution"}


def _step_views(cell: object, codes: object) -> list[StepView]:
    if isinstance(cell, list | tuple):
        return [_step_view(item) for item in cell if isinstance(item, Mapping)]
    return [
        StepView(c, humanise(c), "", c in caution_codes())
        for c in filter(None, join_codes(codes).split(";"))
    ]


def _step_view(item: Mapping[str, Any]) -> StepView:
    code = as_text(item.get("code"))
    return StepView(
        code=code,
        label=as_text(item.get("label")) or humanise(code),
        reason=as_text(item.get("reason")),
        caution=code in caution_codes() or as_text(item.get("kind")) == "caution",
    )


@lru_cache(maxsize=1024)
def _source_words(source: str, stratum: str, status: str) -> str:
    """Where the interval shown comes from, in words: 'lab's own interval'; when several were
    considered (the note names them), which one decided: 'reference set: its upper limit, the
    highest of 2 intervals, decided' for a high result, else the narrowest or widest limits."""
    words = SOURCE_LABELS.get(source, source)
    count = stratum.count("|") + 1 if stratum else 0
    if count < 2:
        return words
    if status in ("high", "low"):
        which = "upper limit, the highest" if status == "high" else "lower limit, the lowest"
        return f"{words}: its {which} of {count} intervals, decided"
    if status == "normal":
        return f"the narrowest limits of {count} intervals"
    return f"the widest limits of {count} intervals"


def result_view(table: ResultTable, position: int, href: str | None) -> ResultView:
    """One row of the table as display text."""
    i = table._local[position]
    text = table.text
    number = table.number
    unit = text("prolactin_unit")[i]
    qualifier = text("qualifier")[i]
    ng_ml = number("prolactin_ng_ml")[i]
    raw_value, raw_unit = text("prolactin_raw")[i], text("unit_raw")[i]
    raw = f"{raw_value} {raw_unit}" if raw_value and raw_unit else raw_value or raw_unit
    steps = table.step_views(table._cols["suggestion_details"][i], table._cols["suggestions"][i])
    factors = table.factor_views(table._cols["factor_details"][i], table._cols["factors"][i])
    priority = text("priority")[i]
    status = text("status")[i]
    stratum = text("reference_stratum")[i]
    row = table._cols["source_row"][i]
    row_unit = unit or NG_ML
    shown = measure_row(table, i, resolve_unit(table.display_unit, row_unit))
    beside = measure_row(table, i, NG_ML if shown.unit != NG_ML else row_unit)
    value_beside = interval_beside = ""
    if beside.unit != shown.unit:
        value_beside = f"{beside.value_text} {beside.unit}" if beside.value is not None else ""
        if beside.interval != _MISSING_TEXT:
            interval_beside = f"{beside.interval} {beside.unit}"
    written = f"{shown.value_text} {shown.unit}"
    return ResultView(
        position=position,
        priority=priority,
        priority_label=PRIORITY_LABELS.get(priority, priority or _MISSING_TEXT),
        status=status,
        band=_humanise(text("band")[i]),
        interpretation=text("interpretation")[i],
        patient_id=text("patient_id")[i],
        patient_name=text("patient_name")[i],
        sex=text("sex")[i] or _MISSING_TEXT,
        age=_fmt_age(number("age_years")[i]),
        href=href,
        collected=table._when[i],
        result_raw=raw,
        raw_in_ng_ml=unit == "ng/mL",
        in_unit=_in_unit(qualifier, number("prolactin_value")[i], unit, raw),
        ng_ml=_ng_text(qualifier, ng_ml),
        interval=_fmt_interval(number("reference_low_ng_ml")[i], number("reference_high_ng_ml")[i]),
        reference_source=_source_words(text("reference_source")[i], stratum, status),
        reference_stratum=stratum,
        reference_note=text("reference_note")[i],
        reference_set=text("reference_set")[i],
        times_uln=_times_text(
            number("times_uln")[i], _times_mark(status, number("times_uln")[i], qualifier)
        ),
        factors=factors,
        steps=[s for s in steps if not s.caution],
        cautions=[s for s in steps if s.caution],
        why_urgent=next((s.reason for s in steps if s.code == URGENT_REFERRAL), ""),
        source_file=text("source_file")[i],
        source_sheet=text("source_sheet")[i],
        source_row="" if is_missing(row) else str(row),
        why_not_flagged=_why_not_flagged(priority, factors),
        unit=shown.unit,
        value=shown.value_text,
        value_beside=value_beside,
        shown_interval=shown.interval,
        interval_beside=interval_beside,
        as_written="" if not raw or raw.casefold() == written.casefold() else raw,
        specimen_id=text("specimen_id")[i],
        birth_date=_date_text(table._cols["birth_date"][i]),
        requesting_clinician=text("requesting_clinician")[i],
        location=text("location")[i],
        comment=text("comment")[i],
        **_history_fields(table, i, shown),
    )


def _date_text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()  # as the file gives it
    when = as_datetime(value)
    return as_text(value) if when is None else when.strftime(DATE_FORMAT)


def _earlier_in(shown: Measure, previous_ng: float | None, last: object) -> str:
    """An earlier result in the unit ``shown`` is in: as that result was reported when it was
    reported in that unit, else converted (ng/mL by the one formatter, mIU/L whole)."""
    if isinstance(last, Mapping) and as_text(last.get("prolactin_unit")) == shown.unit:
        value = as_float(last.get("prolactin_value"))
        if value is not None:
            return fmt_stored(value)
    if previous_ng is None:
        return _MISSING_TEXT
    if shown.unit == NG_ML:
        return fmt(previous_ng)
    return converted_text(previous_ng * shown.per_ng, shown.per_ng)


def result_id_text(value: object) -> str:
    """``R-12`` for a result id of the history; "" when there is none."""
    number = as_float(value)
    return "" if number is None else f"{RESULT_ID_PREFIX}{int(number)}"


def _signed_pct(change: float) -> str:
    return f"+{fmt_number(change)}" if change > 0 else fmt_number(change)


def _history_fields(table: ResultTable, i: int, shown: Measure) -> dict[str, Any]:
    """The ResultView fields of the results history (empty without one); the change in the unit
    the result is shown in (the lab's own: the earlier result's own digits when it was reported
    in that unit too)."""
    if not table.has_history:
        return {}
    text, number = table.text, table.number
    trend = text("trend")[i]
    change = number("change_pct")[i]
    previous = number("previous_ng_ml")[i]
    previous_at = as_datetime(table._cols["previous_collected_at"][i])
    since = "" if previous_at is None else previous_at.strftime(DATE_FORMAT)
    details = table._cols["history_details"][i]
    last = details[0] if isinstance(details, list | tuple) and details else None
    was = as_text(last.get("qualifier")) if isinstance(last, Mapping) else ""
    before = f"{was}{_earlier_in(shown, previous, last)}"
    title = change_text = ""
    clash = text("identity_check")[i] == IDENTITY_CLASH
    if trend == "new":
        title = "no earlier result in the results history"
        change_text = NEW_WITH_CLASH if clash else NEW_IN_HISTORY
    elif previous is not None:
        when = f"since {since}" if since else "since the last result"
        pct = f"{_signed_pct(change)} % " if change is not None else ""
        title = f"{pct}{when} (previous {before} {shown.unit})"
        words = TREND_WORDS.get(trend, NOT_COMPARED)
        # imported here: `check` lists problems with this module, never the history (SQLAlchemy)
        from triage.history.delta import METHOD_KEYS, other_method

        now = {key: table._cols[key][i] for key in METHOD_KEYS}
        within = _interval_tolerance()
        if isinstance(last, Mapping) and other_method(last, now, within):
            then = INTERVAL_CHANGED
            # a named method, not the lab's
            if other_method(last, {**now, "reference_source": ""}, within):
                then = as_text(last.get("unmatched_assay")) or as_text(last.get("reference_set"))
            words = NOT_COMPARED_METHOD.format(then=then)
        change_text = f"{pct}{when} ({before} → {shown.value_text} {shown.unit}): {words}"
    return {
        "result_id": result_id_text(table._cols["result_id"][i]),
        "trend": trend,
        "trend_mark": TREND_MARKS.get(trend, ""),
        "trend_title": title,
        "change_text": change_text,
        "identity_clash": clash,
        "acknowledged": text("acknowledged")[i],
    }
