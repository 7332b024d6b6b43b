"""View models: what the templates show, built once from the results frame.

Templates get plain frozen dataclasses with every value already formatted as text (so a template
never formats numbers or dates, and StrictUndefined catches a misspelt field).  Building is
vectorised where it matters: the frame is turned into per-column lists once, the summary takes at
most ``max_summary_rows`` rows, and patient pages are built lazily, one at a time, while the
template streams.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
from markupsafe import Markup

from triage.io.writers import join_codes
from triage.numbers import age_words, fmt, times_text
from triage.report.svg import TrendPoint, result_bar_svg, trend_svg
from triage.schema import (
    CAUTION_CODES,
    PRIORITIES,
    REJECT_REASONS,
    RESULT_COLUMNS,
    RESULT_EXTRA_COLUMNS,
    STATUSES,
    SUGGESTION_CODES,
    ConfigError,
)

if TYPE_CHECKING:
    from triage.output import Branding, RunMeta
    from triage.schema import InputSummary, Rejected

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
SOURCE_LABELS: Final[dict[str, str]] = {
    "row": "lab's own interval",
    "set": "reference set",
    "physiological": "physiological interval",
}
PATIENT_FILE: Final = "patients.html"
URGENT_REFERRAL: Final = "urgent_endocrine_referral"
if URGENT_REFERRAL not in SUGGESTION_CODES:  # pragma: no cover - schema drift guard
    raise ImportError(f"{URGENT_REFERRAL!r} is no longer a suggestion code")
URGENT_BANNER_MAX: Final = 50  # urgent results listed in the banner; the table holds them all
SUMMARY_FACTORS: Final = 3  # factors and next steps shown per row of the summary table
HISTORY_ROWS: Final = 6  # earlier results listed on a patient page (the chart shows all)
LOGO_MAX_BYTES: Final = 1024 * 1024
LOGO_TYPES: Final[tuple[tuple[bytes, str], ...]] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_MISSING_TEXT: Final = "—"
_ROW_KEY_PREFIX: Final = "\x00row:"


# ---------------------------------------------------------------------------------------------
# Small formatting helpers (text only; no clinical numbers)
# ---------------------------------------------------------------------------------------------
def is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


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
        return value.strftime("%Y-%m-%d")
    return value.strftime("%Y-%m-%d %H:%M")


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


@dataclass(frozen=True, slots=True)
class RejectedView:
    source_file: str
    source_sheet: str
    source_row: int
    reason_code: str
    reason: str
    detail: str


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
def logo_data_uri(path: Path) -> str:
    """The logo as a ``data:`` URI; ConfigError unless a PNG, JPEG or GIF of at most 1 MiB."""
    where = str(path)
    try:
        size = path.stat().st_size
        if size > LOGO_MAX_BYTES:
            raise ConfigError(where, f"logo is {size} bytes; at most 1 MiB", field="logo_path")
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(where, f"logo cannot be read: {exc.strerror}", field="logo_path") from exc
    for magic, mime in LOGO_TYPES:
        if data.startswith(magic):
            return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    raise ConfigError(where, "logo is not a PNG, JPEG or GIF image", field="logo_path")


def branding_view(branding: Branding | None) -> BrandingView:
    if branding is None:
        return BrandingView()
    lines = [line.strip() for line in branding.address.splitlines() if line.strip()]
    logo = logo_data_uri(branding.logo_path) if branding.logo_path else ""
    return BrandingView(branding.lab_name.strip(), lines, branding.contact.strip(), logo)


def run_view(meta: RunMeta, branding: BrandingView, *, redacted: bool) -> RunView:
    bands = [
        BandView(humanise(name), fmt(lower))
        for name, lower in meta.band_thresholds
        if lower > 0  # the lowest band starts at zero: no line to draw
    ]
    return RunView(
        tool_name=meta.tool_name,
        tool_version=meta.tool_version,
        generated=meta.generated_at.strftime("%Y-%m-%d %H:%M"),
        reference_set=meta.reference_set,
        reference_title=meta.reference_title,
        redacted=redacted,
        disclaimer=DISCLAIMER,
        branding=branding,
        bands=bands,
    )


# ---------------------------------------------------------------------------------------------
# The results frame as lists
# ---------------------------------------------------------------------------------------------
# Every column of the results frame except the flat CSV evidence text (a missing column reads as
# empty, so a frame with the contract's columns alone renders too).
_NEEDED: Final[tuple[str, ...]] = tuple(
    c for c in (*RESULT_COLUMNS, *RESULT_EXTRA_COLUMNS) if c != "factor_evidence"
)


class ResultTable:
    """The results frame held as per-column lists, with the orderings the reports need."""

    def __init__(self, results: pd.DataFrame) -> None:
        self.size = len(results)
        self._cols: dict[str, list[Any]] = {
            name: results[name].tolist() if name in results.columns else [None] * self.size
            for name in _NEEDED
        }
        rank = {p: i for i, p in enumerate(PRIORITIES)}
        self.priority_rank = np.array(
            [rank.get(as_text(p), len(PRIORITIES)) for p in self._cols["priority"]], dtype=np.int64
        )
        self.ng_ml = np.array(
            [np.nan if (v := as_float(x)) is None else v for x in self._cols["prolactin_ng_ml"]],
            dtype=np.float64,
        )
        self.keys = self._patient_keys()
        self.collected_ns = self._collected_ns(results)

    def _collected_ns(self, results: pd.DataFrame) -> np.ndarray:
        """Collection times as int64 nanoseconds; missing as the smallest value."""
        floor = np.iinfo(np.int64).min
        if "collected_at" not in results.columns:
            return np.full(self.size, floor, dtype=np.int64)
        stamps = pd.to_datetime(results["collected_at"], errors="coerce")
        if getattr(stamps.dt, "tz", None) is not None:
            stamps = stamps.dt.tz_localize(None)
        values = stamps.astype("datetime64[ns]").to_numpy()
        out = values.astype(np.int64)
        out[np.isnat(values)] = floor
        return out

    def get(self, name: str, position: int) -> Any:
        return self._cols[name][position]

    def column(self, name: str) -> list[Any]:
        return self._cols[name]

    def _patient_keys(self) -> list[str]:
        """Patient identity: the id, or the source row for a result without one."""
        keys: list[str] = []
        for pid, file, sheet, row in zip(
            self._cols["patient_id"],
            self._cols["source_file"],
            self._cols["source_sheet"],
            self._cols["source_row"],
            strict=True,
        ):
            text = as_text(pid)
            keys.append(text if text else f"{_ROW_KEY_PREFIX}{file}\x1f{sheet}\x1f{row}")
        return keys

    def priority_order(self) -> np.ndarray:
        """Positions by priority (urgent first), then ng/mL descending (missing last)."""
        ng = np.where(np.isnan(self.ng_ml), -np.inf, self.ng_ml)
        positions = np.arange(self.size)
        return np.lexsort((positions, -ng, self.priority_rank))


def _factor_views(cell: object, codes: object) -> list[FactorView]:
    out: list[FactorView] = []
    if isinstance(cell, list | tuple):
        for item in cell:
            if isinstance(item, Mapping):
                code = as_text(item.get("code"))
                out.append(
                    FactorView(
                        code=code,
                        label=as_text(item.get("label")) or humanise(code),
                        strength=as_text(item.get("strength")),
                        evidence=as_text(item.get("evidence")),
                    )
                )
        return out
    return [FactorView(c, humanise(c), "", "") for c in filter(None, join_codes(codes).split(";"))]


def _step_views(cell: object, codes: object) -> list[StepView]:
    out: list[StepView] = []
    if isinstance(cell, list | tuple):
        for item in cell:
            if isinstance(item, Mapping):
                code = as_text(item.get("code"))
                out.append(
                    StepView(
                        code=code,
                        label=as_text(item.get("label")) or humanise(code),
                        reason=as_text(item.get("reason")),
                        caution=code in CAUTION_CODES,
                    )
                )
        return out
    return [
        StepView(c, humanise(c), "", c in CAUTION_CODES)
        for c in filter(None, join_codes(codes).split(";"))
    ]


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

    def g(name: str) -> Any:
        return table.get(name, position)

    unit = as_text(g("prolactin_unit"))
    value = as_float(g("prolactin_value"))
    qualifier = as_text(g("qualifier"))
    ng_ml = as_float(g("prolactin_ng_ml"))
    raw = " ".join(t for t in (as_text(g("prolactin_raw")), as_text(g("unit_raw"))) if t)
    in_unit = (
        f"{qualifier}{fmt_number(value)} {unit}" if value is not None and unit != "ng/mL" else ""
    )
    if in_unit.casefold() == raw.casefold():
        in_unit = ""  # the row already says it that way
    steps = _step_views(g("suggestion_details"), g("suggestions"))
    factors = _factor_views(g("factor_details"), g("factors"))
    uln = as_float(g("times_uln"))
    priority = as_text(g("priority"))
    source = as_text(g("reference_source"))
    row = g("source_row")
    return ResultView(
        position=position,
        priority=priority,
        priority_label=PRIORITY_LABELS.get(priority, priority or _MISSING_TEXT),
        status=as_text(g("status")),
        band=humanise(as_text(g("band"))),
        interpretation=as_text(g("interpretation")),
        patient_id=as_text(g("patient_id")),
        patient_name=as_text(g("patient_name")),
        sex=as_text(g("sex")) or _MISSING_TEXT,
        age=fmt_age(as_float(g("age_years"))),
        href=href,
        collected=fmt_when(as_datetime(g("collected_at"))),
        result_raw=raw,
        raw_in_ng_ml=unit == "ng/mL",
        in_unit=in_unit,
        ng_ml=_MISSING_TEXT if ng_ml is None else f"{qualifier}{fmt_number(ng_ml)}",
        interval=fmt_interval(
            as_float(g("reference_low_ng_ml")), as_float(g("reference_high_ng_ml"))
        ),
        reference_source=_source_words(
            source, as_text(g("reference_stratum")), as_text(g("status"))
        ),
        reference_stratum=as_text(g("reference_stratum")),
        reference_note=as_text(g("reference_note")),
        reference_set=as_text(g("reference_set")),
        times_uln=times_text(uln, qualifier),
        factors=factors,
        steps=[s for s in steps if not s.caution],
        cautions=[s for s in steps if s.caution],
        why_urgent=next((s.reason for s in steps if s.code == URGENT_REFERRAL), ""),
        source_file=as_text(g("source_file")),
        source_sheet=as_text(g("source_sheet")),
        source_row="" if is_missing(row) else str(row),
        why_not_flagged=_why_not_flagged(priority, factors),
    )


# ---------------------------------------------------------------------------------------------
# Patients: grouping, which get a page, in which order
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PatientPlan:
    """Which patients get a page (in page order) and where each result's patient page is."""

    page_keys: list[str]  # patients with a page, in order (capped)
    pages_omitted: int
    anchors: dict[str, str]  # patient key -> anchor of the page
    results_of: dict[str, list[int]]  # patient key -> positions, oldest first
    lead_of: dict[str, int]  # patient key -> the result the page is about (see plan_patients)
    patients_total: int


def plan_patients(table: ResultTable, *, all_patients: bool, max_pages: int | None) -> PatientPlan:
    """Group results by patient, find each one's lead result, choose and order the pages.

    A page is about the patient's most pressing result (the latest among equally pressing ones),
    so an urgent result is never left without a page because a later one in the batch is normal.
    """
    codes, uniques = pd.factorize(pd.Series(table.keys, dtype=object), sort=False)
    stamp = table.collected_ns  # missing dates sort first: a dated result is the later one
    order = np.lexsort((np.arange(table.size), stamp, codes))
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])[: len(uniques)]
    ends = np.r_[starts[1:], table.size][: len(starts)]
    results_of: dict[str, list[int]] = {
        str(uniques[sorted_codes[a]]): order[a:b].tolist()
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
    }
    lead_of = {
        key: min(reversed(positions), key=lambda p: int(table.priority_rank[p]))
        for key, positions in results_of.items()
    }
    none_rank = PRIORITIES.index("none")
    flagged = [
        key
        for key, lead in lead_of.items()
        if all_patients or table.priority_rank[lead] < none_rank
    ]

    def page_order(key: str) -> tuple[int, float, str]:
        lead = lead_of[key]
        ng = table.ng_ml[lead]
        return (int(table.priority_rank[lead]), -ng if not np.isnan(ng) else np.inf, key)

    flagged.sort(key=page_order)
    limit = len(flagged) if max_pages is None else max(max_pages, 0)
    page_keys = flagged[:limit]
    anchors = {key: f"patient-{n}" for n, key in enumerate(page_keys, start=1)}
    return PatientPlan(
        page_keys=page_keys,
        pages_omitted=len(flagged) - len(page_keys),
        anchors=anchors,
        results_of=results_of,
        lead_of=lead_of,
        patients_total=len(results_of),
    )


def _href(plan: PatientPlan, table: ResultTable, position: int, prefix: str) -> str | None:
    anchor = plan.anchors.get(table.keys[position])
    return f"{prefix}#{anchor}" if anchor else None


def _patient_page(
    table: ResultTable, plan: PatientPlan, key: str, number: int, bands: Sequence[tuple[str, float]]
) -> PatientPage:
    latest_position = plan.lead_of[key]
    anchor = plan.anchors[key]
    positions = plan.results_of[key]
    latest = result_view(table, latest_position, f"#{anchor}")
    low = as_float(table.get("reference_low_ng_ml", latest_position))
    high = as_float(table.get("reference_high_ng_ml", latest_position))
    bar = result_bar_svg(
        as_float(table.get("prolactin_ng_ml", latest_position)),
        qualifier=as_text(table.get("qualifier", latest_position)),
        low=low,
        high=high,
        bands=bands,
        status=latest.status,
    )
    newest_first = positions[::-1]
    history = [result_view(table, p, None) for p in newest_first[:HISTORY_ROWS]]
    trend = None
    if len(positions) > 1:
        points = _trend_points(table, positions, latest_position)
        if len(points) > 1:
            trend = trend_svg(points, low=low, high=high)
    return PatientPage(
        anchor=anchor,
        number=number,
        total=len(plan.page_keys),
        lead=latest,
        bar_svg=bar,
        history=history,
        history_total=len(positions),
        trend_svg=trend,
    )


def _trend_points(table: ResultTable, positions: Sequence[int], latest: int) -> list[TrendPoint]:
    points: list[TrendPoint] = []
    for position in positions:
        when = as_datetime(table.get("collected_at", position))
        ng = as_float(table.get("prolactin_ng_ml", position))
        if when is None or ng is None:
            continue
        points.append(
            TrendPoint(
                when=when,
                ng_ml=ng,
                qualifier=as_text(table.get("qualifier", position)),
                status=as_text(table.get("status", position)),
                latest=position == latest,
            )
        )
    return points


# ---------------------------------------------------------------------------------------------
# Public builders
# ---------------------------------------------------------------------------------------------
def _counts(
    values: Sequence[Any], codes: Sequence[str], labels: Mapping[str, str]
) -> list[CountView]:
    tally: dict[str, int] = {}
    for value in values:
        text = as_text(value)
        tally[text] = tally.get(text, 0) + 1
    out = [CountView(c, labels.get(c, humanise(c)), tally.pop(c, 0)) for c in codes]
    out.extend(CountView(c or "", c or "(empty)", n) for c, n in sorted(tally.items()))
    return out


def _rejected_views(rejected: Sequence[Rejected], limit: int) -> list[RejectedView]:
    return [
        RejectedView(
            source_file=r.source_file,
            source_sheet=r.source_sheet,
            source_row=int(r.source_row),
            reason_code=r.reason_code,
            reason=REJECT_REASONS.get(r.reason_code, humanise(r.reason_code)),
            detail=r.detail,
        )
        for r in rejected[:limit]
    ]


def _input_views(inputs: Sequence[InputSummary]) -> list[InputView]:
    return [
        InputView(
            file=s.file,
            sheet=s.sheet,
            sha256=s.sha256,
            rows_read=s.rows_read,
            rows_triaged=s.rows_triaged,
            rows_rejected=s.rows_rejected,
            shape=s.shape,
            header_row=s.header_row,
            warnings=list(s.warnings),
        )
        for s in inputs
    ]


def summary_view(
    table: ResultTable,
    plan: PatientPlan,
    rejected: Sequence[Rejected],
    inputs: Sequence[InputSummary],
    run: RunView,
    *,
    max_rows: int,
) -> SummaryView:
    """The batch at a glance: at most ``max_rows`` result rows, the most pressing first."""
    order = table.priority_order()
    urgent_rank = PRIORITIES.index("urgent")
    urgent_total = int(np.count_nonzero(table.priority_rank == urgent_rank))
    shown = order[:max_rows]
    rows = [result_view(table, int(p), _href(plan, table, int(p), PATIENT_FILE)) for p in shown]
    banner = rows[: min(urgent_total, URGENT_BANNER_MAX)]
    if len(banner) < min(urgent_total, URGENT_BANNER_MAX):  # the table cap is below the urgent
        banner = [
            result_view(table, int(p), _href(plan, table, int(p), PATIENT_FILE))
            for p in order[: min(urgent_total, URGENT_BANNER_MAX)]
        ]
    priority_labels = {p: PRIORITY_LABELS[p] for p in PRIORITIES}
    return SummaryView(
        run=run,
        results_total=table.size,
        patients_total=plan.patients_total,
        priority_counts=_counts(table.column("priority"), PRIORITIES, priority_labels),
        status_counts=_counts(table.column("status"), STATUSES, {}),
        urgent=banner,
        urgent_total=urgent_total,
        rows=rows,
        rows_omitted=table.size - len(rows),
        rejected=_rejected_views(rejected, max_rows),
        rejected_total=len(rejected),
        rejected_omitted=max(len(rejected) - max_rows, 0),
        inputs=_input_views(inputs),
        pages_total=len(plan.page_keys),
        pages_omitted=plan.pages_omitted,
        patient_file=PATIENT_FILE,
    )


def patients_view(
    table: ResultTable,
    plan: PatientPlan,
    run: RunView,
    bands: Sequence[tuple[str, float]],
    *,
    all_patients: bool,
) -> PatientsView:
    """Patient pages, built one at a time as the template asks for them."""

    def pages() -> Iterator[PatientPage]:
        for number, key in enumerate(plan.page_keys, start=1):
            yield _patient_page(table, plan, key, number, bands)

    return PatientsView(
        run=run,
        pages=pages(),
        pages_total=len(plan.page_keys),
        pages_omitted=plan.pages_omitted,
        all_patients=all_patients,
    )
