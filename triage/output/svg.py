"""Inline SVG pictures for the reports: the result against its interval, and a trend chart.

Pure string building with every text escaped; no script, no link, no external reference.  Values
are in the page's unit (``unit``: the lab's own by default, ng/mL unless told) on a log scale
(prolactin spans four decades), their labels as the caller wrote them (the lab's precision); a
trend whose values lie within a narrow range (``LINEAR_AXIS_MAX_RATIO``) gets a linear axis, so
that a threefold rise looks like one.  Band lines come from the caller
(``RunMeta.band_thresholds``, converted to the page's unit): no clinical number is written here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Final

from markupsafe import Markup, escape

from triage.numbers import fmt

# Colours by status (the marker) and for the interval band.
STATUS_COLOURS: Final[dict[str, str]] = {
    "high": "#b71c1c",
    "low": "#1565c0",
    "normal": "#2e7d32",
    "indeterminate": "#616161",
}
INTERVAL_FILL: Final = "#d7ecd9"
INTERVAL_EDGE: Final = "#7fb487"
TRACK_FILL: Final = "#eef0f3"
GRID: Final = "#c5cad3"
INK: Final = "#263238"
MUTED: Final = "#5f6b7a"

BAR_WIDTH: Final = 640
BAR_HEIGHT: Final = 88
TREND_WIDTH: Final = 640
TREND_HEIGHT: Final = 176
FONT_SIZE: Final = 11
# The trend chart is read from a printed page: its axis and point labels are larger.
TREND_FONT_SIZE: Final = 14
TREND_POINT_RADIUS: Final = 5.0
TREND_LATEST_RADIUS: Final = 7.5
TREND_PLOT: Final = (64.0, 24.0, 40.0, 32.0)  # space left, right, above and below the plot
MIN_DECADES: Final = 2  # the axis always spans at least two powers of ten
HEADROOM: Final = 1.15  # space above the largest value on the axis
MAX_POINT_LABELS: Final = 8  # trend points labelled with their value up to this many
MAX_DATE_LABELS: Final = 6
# The trend chart's y axis is linear (from zero) when the largest plotted value is less than this
# many times the smallest: on a log axis a narrow range (a threefold rise from 30 to 95 ng/mL)
# looks flat, while across a decade or more (5 to 5000 ng/mL) only a log axis shows every point.
LINEAR_AXIS_MAX_RATIO: Final = 10.0
LINEAR_TICKS: Final = 5  # about this many gridlines on a linear axis


@dataclass(frozen=True, slots=True)
class LogScale:
    """Maps a positive value to a coordinate between ``start`` and ``end`` (log10)."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        clamped = min(max(value, self.lo), self.hi)
        span = math.log10(self.hi) - math.log10(self.lo)
        frac = (math.log10(clamped) - math.log10(self.lo)) / span
        return self.start + frac * (self.end - self.start)

    def decades(self) -> list[float]:
        first = round(math.log10(self.lo))
        last = round(math.log10(self.hi))
        return [10.0**e for e in range(first, last + 1)]


def _positive(values: Iterable[float | None]) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v) and v > 0]


def log_domain(values: Iterable[float | None]) -> tuple[float, float]:
    """Powers of ten around the values (and around 1), at least ``MIN_DECADES`` apart."""
    found = _positive(values)
    smallest = min([*found, 1.0])
    largest = max([*found, 1.0]) * HEADROOM
    lo_exp = math.floor(math.log10(smallest))
    hi_exp = max(math.ceil(math.log10(largest)), lo_exp + MIN_DECADES)
    return 10.0**lo_exp, 10.0**hi_exp


def fmt_axis(value: float) -> str:
    """Tick label: ``0.1``, ``1``, ``10``, ``1000``."""
    return f"{value:g}" if value < 1 else f"{value:.0f}"


def fmt_value(value: float) -> str:
    """A lab value as printed everywhere (triage.numbers.fmt): ``1583.1``, ``47.23``, ``4.81``."""
    return fmt(value)


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "middle",
    cls: str = "",
    size: int = FONT_SIZE,
    bold: bool = False,
) -> str:
    klass = f' class="{cls}"' if cls else ""
    weight = ' font-weight="700"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}"{weight}'
        f' fill="{INK}"{klass}>{escape(content)}</text>'
    )


def _svg_open(width: int, height: int, label: str, cls: str) -> str:
    return (
        f'<svg class="{cls}" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
    )


def _interval_span(
    scale: LogScale, low: float | None, high: float | None
) -> tuple[float, float] | None:
    if high is None or not math.isfinite(high) or high <= 0:
        return None
    start = scale(low) if low is not None and math.isfinite(low) and low > 0 else scale.start
    return start, scale(high)


def result_bar_svg(
    value: float | None,
    *,
    qualifier: str,
    low: float | None,
    high: float | None,
    bands: Sequence[tuple[str, float]],
    status: str,
    unit: str = "ng/mL",
    value_text: str | None = None,
    interval_text: str | None = None,
) -> Markup:
    """Horizontal log bar: the interval shaded, band lines, and a marker at the result.

    Every number is in ``unit`` (bands too); ``value_text`` and ``interval_text`` are the
    numbers as the report writes them (default: the one formatter)."""
    pad = 20.0
    domain = log_domain([value, low, high, *(b for _, b in bands)])
    scale = LogScale(domain[0], domain[1], pad, BAR_WIDTH - pad)
    colour = STATUS_COLOURS.get(status, MUTED)
    number = value_text if value_text is not None else f"{qualifier}{fmt_value(value or 0)}"
    shown = f"{number} {unit}" if value is not None else "no value"
    if interval_text is None:
        interval = _interval_text(low, high, unit)
    else:
        interval = f"{interval_text} {unit}" if high is not None else "(none applies)"
    label = f"Result {shown} against the reference interval {interval}"
    track_y, track_h = 36.0, 18.0
    parts = [_svg_open(BAR_WIDTH, BAR_HEIGHT, label, "chart result-bar")]
    parts.append(
        f'<rect x="{pad:.1f}" y="{track_y}" width="{BAR_WIDTH - 2 * pad:.1f}" height="{track_h}"'
        f' rx="3" fill="{TRACK_FILL}"/>'
    )
    span = _interval_span(scale, low, high)
    if span is not None:
        x0, x1 = span
        parts.append(
            f'<rect x="{x0:.1f}" y="{track_y}" width="{max(x1 - x0, 1):.1f}" height="{track_h}"'
            f' fill="{INTERVAL_FILL}" stroke="{INTERVAL_EDGE}" stroke-width="1"/>'
        )
    axis_bands = tuple((str(name), float(lower)) for name, lower in bands)
    parts.append(_axis(domain, axis_bands, pad, track_y, track_h, unit))
    if value is not None and value > 0 and math.isfinite(value):
        parts.append(_marker(scale(value), track_y, track_h, qualifier, colour, shown))
    parts.append(
        _text(BAR_WIDTH - pad, BAR_HEIGHT - 3, f"{unit}, log scale", anchor="end", cls="unit")
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


@lru_cache(maxsize=256)
def _axis(
    domain: tuple[float, float],
    bands: tuple[tuple[str, float], ...],
    pad: float,
    track_y: float,
    track_h: float,
    unit: str = "ng/mL",
) -> str:
    """The decade ticks and the band lines of a result bar (the same for every result whose
    axis spans the same decades)."""
    scale = LogScale(domain[0], domain[1], pad, BAR_WIDTH - pad)
    parts: list[str] = []
    for decade in scale.decades():
        x = scale(decade)
        parts.append(
            f'<line x1="{x:.1f}" y1="{track_y + track_h}" x2="{x:.1f}" y2="{track_y + track_h + 4}"'
            f' stroke="{MUTED}" stroke-width="1"/>'
        )
        parts.append(_text(x, track_y + track_h + 16, fmt_axis(decade), cls="tick"))
    for name, lower in bands:
        if not (scale.lo < lower < scale.hi):
            continue
        x = scale(lower)
        parts.append(
            f'<line x1="{x:.1f}" y1="{track_y - 12}" x2="{x:.1f}" y2="{track_y + track_h}"'
            f' stroke="{GRID}" stroke-width="1" stroke-dasharray="3 2"><title>'
            f"{escape(name.replace('_', ' '))} from {escape(fmt_axis(lower))} {escape(unit)}"
            "</title></line>"
        )
        parts.append(
            f'<text x="{x + 3:.1f}" y="{track_y - 4:.1f}" text-anchor="start"'
            f' font-size="{FONT_SIZE - 1}" fill="{MUTED}" class="band">'
            f"{escape(fmt_axis(lower))}</text>"
        )
    return "".join(parts)


def _marker(
    x: float, track_y: float, track_h: float, qualifier: str, colour: str, shown: str
) -> str:
    """A bold line through the track at the result, its value above, an arrow for < or >."""
    top, bottom = 17.0, track_y + track_h + 3
    parts = [
        f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="{colour}"'
        f' stroke-width="3"/>'
    ]
    direction = {"<": -1, ">": 1}.get(qualifier, 0)
    if direction:
        tip = x + direction * 18
        mid = track_y + track_h / 2
        parts.append(
            f'<path d="M{x:.1f} {mid:.1f} L{tip:.1f} {mid:.1f} M{tip - direction * 5:.1f}'
            f' {mid - 4:.1f} L{tip:.1f} {mid:.1f} L{tip - direction * 5:.1f} {mid + 4:.1f}"'
            f' stroke="{colour}" stroke-width="2" fill="none"/>'
        )
    anchor = "start" if x < BAR_WIDTH * 0.15 else "end" if x > BAR_WIDTH * 0.85 else "middle"
    parts.append(
        f'<text x="{x:.1f}" y="{top - 4:.1f}" text-anchor="{anchor}" font-size="{FONT_SIZE + 1}"'
        f' font-weight="700" fill="{colour}">{escape(shown)}</text>'
    )
    return "".join(parts)


def _interval_text(low: float | None, high: float | None, unit: str = "ng/mL") -> str:
    if high is None or not math.isfinite(high):
        return "(none applies)"
    if low is None or not math.isfinite(low):
        return f"up to {fmt_value(high)} {unit}"
    return f"{fmt_value(low)}–{fmt_value(high)} {unit}"


@dataclass(frozen=True, slots=True)
class LinearScale:
    """Maps a value to a coordinate between ``start`` and ``end`` (linear, from ``lo``)."""

    lo: float
    hi: float
    start: float
    end: float
    step: float

    def __call__(self, value: float) -> float:
        clamped = min(max(value, self.lo), self.hi)
        return self.start + (clamped - self.lo) / (self.hi - self.lo) * (self.end - self.start)

    def decades(self) -> list[float]:
        """The gridlines (named as LogScale's, so the chart draws either the same way)."""
        count = round((self.hi - self.lo) / self.step)
        return [self.lo + i * self.step for i in range(count + 1)]


def linear_axis(values: Iterable[float | None]) -> bool:
    """Whether a trend of these values gets a linear axis: the largest is less than
    ``LINEAR_AXIS_MAX_RATIO`` times the smallest (all positive)."""
    found = _positive(values)
    return bool(found) and max(found) / min(found) < LINEAR_AXIS_MAX_RATIO


def _nice_step(span: float) -> float:
    """1, 2 or 5 × a power of ten, giving about LINEAR_TICKS gridlines over ``span``."""
    raw = span / LINEAR_TICKS
    power = 10.0 ** math.floor(math.log10(raw))
    return min((m * power for m in (1, 2, 5, 10)), key=lambda step: abs(math.log(step / raw)))


def linear_domain(values: Iterable[float | None]) -> tuple[float, float, float]:
    """(0, top, step): from zero to a gridline above the largest value."""
    largest = max([*_positive(values), 1e-9]) * HEADROOM
    step = _nice_step(largest)
    return 0.0, math.ceil(largest / step - 1e-9) * step, step


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One result of a patient: when, how much (in the chart's unit), its qualifier, status, is
    it the latest, does it come from the results history (drawn hollow) rather than this batch;
    ``text``: its label as the report writes it (default: qualifier and the one formatter)."""

    when: datetime
    value: float
    qualifier: str = ""
    status: str = ""
    latest: bool = False
    history: bool = False
    text: str = ""

    @property
    def label(self) -> str:
        return self.text or f"{self.qualifier}{fmt_value(self.value)}"


def trend_svg(
    points: Sequence[TrendPoint],
    *,
    low: float | None,
    high: float | None,
    unit: str = "ng/mL",
) -> Markup:
    """Results over time: dates on x, the values in ``unit`` on y (log; linear for a narrow
    range: ``linear_axis``), the interval as a band; results from the history drawn hollow."""
    usable = sorted((p for p in points if p.value > 0 and math.isfinite(p.value)), key=_when)
    size = TREND_FONT_SIZE
    left, right = TREND_PLOT[0], TREND_WIDTH - TREND_PLOT[1]
    top, bottom = TREND_PLOT[2], TREND_HEIGHT - TREND_PLOT[3]
    y_of: LogScale | LinearScale
    if linear_axis(p.value for p in usable):
        lo, hi, step = linear_domain([*(p.value for p in usable), high])
        y_of = LinearScale(lo, hi, bottom, top, step)
        scale_words = f"{unit}, linear scale"
    else:
        domain = log_domain([*(p.value for p in usable), low, high])
        y_of = LogScale(domain[0], domain[1], bottom, top)
        scale_words = f"{unit}, log scale"
    earlier = sum(1 for p in usable if p.history)
    label = f"Trend of {len(usable)} prolactin results in this batch"
    if earlier:
        label = (
            f"Trend of {len(usable)} prolactin results: {len(usable) - earlier} in this batch, "
            f"{earlier} from the results history (hollow)"
        )
    parts = [_svg_open(TREND_WIDTH, TREND_HEIGHT, label, "chart trend")]
    parts.append(
        f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}"'
        f' fill="#ffffff" stroke="{GRID}"/>'
    )
    if high is not None and math.isfinite(high) and high > 0:
        y_low = y_of(low) if low is not None and math.isfinite(low) and low > 0 else bottom
        y_high = y_of(high)
        parts.append(
            f'<rect x="{left}" y="{y_high:.1f}" width="{right - left}"'
            f' height="{max(y_low - y_high, 1):.1f}" fill="{INTERVAL_FILL}"/>'
        )
    for decade in y_of.decades():
        y = y_of(decade)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{GRID}"'
            f' stroke-width="0.6"/>'
        )
        tick = fmt_axis(decade) if isinstance(y_of, LogScale) else f"{decade:g}"
        parts.append(_text(left - 7, y + 5, tick, anchor="end", cls="tick", size=size))
    parts.append(_text(4, 16, scale_words, anchor="start", cls="unit", size=size))
    xs = _x_positions(usable, left + 30, right - 30)
    if len(usable) > 1:
        path = " ".join(f"{x:.1f},{y_of(p.value):.1f}" for x, p in zip(xs, usable, strict=True))
        parts.append(f'<polyline points="{path}" fill="none" stroke="{MUTED}" stroke-width="2"/>')
    label_every = len(usable) <= MAX_POINT_LABELS
    for x, point in zip(xs, usable, strict=True):
        y = y_of(point.value)
        colour = STATUS_COLOURS.get(point.status, MUTED)
        radius = TREND_LATEST_RADIUS if point.latest else TREND_POINT_RADIUS
        if point.history:  # hollow: an earlier result from the results history
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="#ffffff"'
                f' stroke="{colour}" stroke-width="2" class="history-point"/>'
            )
        else:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{colour}"'
                f' stroke="#ffffff" stroke-width="1"/>'
            )
        if label_every or point.latest:
            parts.append(_text(x, y - radius - 5, point.label, size=size, bold=point.latest))
    for x, point in _date_labels(xs, usable):
        parts.append(_text(x, bottom + 20, point.when.strftime("%Y-%m-%d"), cls="tick", size=size))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def _when(point: TrendPoint) -> datetime:
    return point.when


def _x_positions(points: Sequence[TrendPoint], start: float, end: float) -> list[float]:
    if not points:
        return []
    first, last = points[0].when, points[-1].when
    total = (last - first).total_seconds()
    if total <= 0:
        if len(points) == 1:
            return [(start + end) / 2]
        step = (end - start) / (len(points) - 1)
        return [start + i * step for i in range(len(points))]
    return [start + (p.when - first).total_seconds() / total * (end - start) for p in points]


def _date_labels(
    xs: Sequence[float], points: Sequence[TrendPoint]
) -> list[tuple[float, TrendPoint]]:
    """Dates to print under the axis: all when few, else evenly spaced ones, never overlapping."""
    pairs = list(zip(xs, points, strict=True))
    if len(pairs) > MAX_DATE_LABELS:
        step = (len(pairs) - 1) / (MAX_DATE_LABELS - 1)
        pairs = [pairs[round(i * step)] for i in range(MAX_DATE_LABELS)]
    kept: list[tuple[float, TrendPoint]] = []
    min_gap = 92.0  # width of "2026-03-01" at the label size
    for x, point in pairs:
        if not kept or x - kept[-1][0] >= min_gap:
            kept.append((x, point))
        elif point is pairs[-1][1]:
            kept[-1] = (x, point)  # keep the latest date rather than the one before it
    return kept
