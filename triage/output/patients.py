"""patients.html: which patients get a page, in which order, and each page's view.

The choice is made from the narrow keys of every row (patient, priority rank, ng/mL, collection
time: ``BatchKeys``), never from the rows themselves; a page then needs only its patient's rows,
fetched back from the spool (output/spool.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, TypeVar

import numpy as np
import pandas as pd

from triage.numbers import to_lab_unit
from triage.output.svg import TrendPoint, result_bar_svg, trend_svg
from triage.output.views import (
    FROM_BATCH,
    FROM_HISTORY,
    HISTORY_ROWS,
    NG_ML,
    EarlierResultView,
    PatientPage,
    PatientsView,
    ResultTable,
    RunView,
    as_datetime,
    as_float,
    as_text,
    band_legend_text,
    converted_text,
    fmt_number,
    fmt_stored,
    fmt_when,
    measure_row,
    resolve_unit,
    result_id_text,
)
from triage.schema import PRIORITIES

T = TypeVar("T")
EARLIER_ROWS: Final = 12  # earlier results listed with a results history (the chart shows all)


class LazyList(list[T]):
    """A list built on first use (a page's history, which the bundled template shows only for a
    patient with several results): to a template it is the list."""

    def __init__(self, build: Callable[[], list[T]]) -> None:
        super().__init__()
        self._build: Callable[[], list[T]] | None = build

    def _fill(self) -> None:
        if self._build is not None:
            build, self._build = self._build, None
            self.extend(build())

    def __iter__(self) -> Iterator[T]:
        self._fill()
        return super().__iter__()

    def __len__(self) -> int:
        self._fill()
        return super().__len__()

    def __bool__(self) -> bool:
        return len(self) > 0

    def __getitem__(self, index: Any) -> Any:
        self._fill()
        return super().__getitem__(index)

    def __contains__(self, item: object) -> bool:
        self._fill()
        return super().__contains__(item)

    def __reversed__(self) -> Iterator[T]:
        self._fill()
        return super().__reversed__()

    def __eq__(self, other: object) -> bool:
        self._fill()
        return super().__eq__(other)

    __hash__ = None

    def __repr__(self) -> str:
        self._fill()
        return super().__repr__()


@dataclass(frozen=True, slots=True)
class BatchKeys:
    """The narrow columns of every row of the batch, in input order (position = index)."""

    patient: np.ndarray  # int64 code of the patient key (first appearance order)
    patients: int  # how many codes
    # code -> patient key (the id, or the source row without one) of a patient with a page
    # (output/patient_codes.py keeps no other's)
    name_of: Callable[[int], str]
    rank: np.ndarray  # int64 priority rank (urgent 0)
    ng_ml: np.ndarray  # float64, NaN when missing
    collected: np.ndarray  # int64 ns, missing smallest

    @property
    def size(self) -> int:
        return len(self.rank)


@dataclass(frozen=True, slots=True)
class PatientPlan:
    """Which patients get a page (in page order) and where each result's patient page is."""

    page_codes: list[int]  # patients with a page, in order (capped)
    pages_omitted: int
    anchor_of: np.ndarray  # patient code -> page number (0: no page)
    results_of: dict[int, list[int]]  # paged patient code -> positions, oldest first
    lead_of: dict[int, int]  # paged patient code -> the result the page is about
    patients_total: int

    def anchor(self, code: int) -> str | None:
        number = int(self.anchor_of[code])
        return f"patient-{number}" if number else None


def plan_patients(keys: BatchKeys, *, all_patients: bool, max_pages: int | None) -> PatientPlan:
    """Group results by patient, find each one's lead result, choose and order the pages.

    A page is about the patient's most pressing result (the latest among equally pressing ones),
    so an urgent result is never left without a page because a later one in the batch is normal.
    """
    size = keys.size
    patients = keys.patients
    positions = np.arange(size)
    codes = keys.patient
    # each patient's results, oldest first (missing dates first, then input order)
    order = np.lexsort((positions, keys.collected, codes))
    # the lead: the most pressing, the latest in that order among equals
    in_order = np.arange(size)
    ranks_sorted = keys.rank[order]
    codes_sorted = codes[order]
    lead_order = np.lexsort((-in_order, ranks_sorted, codes_sorted))
    first = np.r_[True, codes_sorted[lead_order][1:] != codes_sorted[lead_order][:-1]][:size]
    lead_pos = np.full(patients, -1, dtype=np.int64)
    lead_pos[codes_sorted[lead_order][first]] = order[lead_order][first]
    none_rank = PRIORITIES.index("none")
    present = lead_pos >= 0
    lead_rank = np.where(present, keys.rank[np.maximum(lead_pos, 0)], len(PRIORITIES))
    flagged_mask = present if all_patients else present & (lead_rank < none_rank)
    flagged = np.flatnonzero(flagged_mask).tolist()
    lead_ng = keys.ng_ml[np.maximum(lead_pos, 0)]

    def page_order(code: int) -> tuple[int, float, str]:
        ng = lead_ng[code]
        return (int(lead_rank[code]), -ng if not np.isnan(ng) else np.inf, keys.name_of(code))

    flagged.sort(key=page_order)
    limit = len(flagged) if max_pages is None else max(max_pages, 0)
    page_codes = flagged[:limit]
    anchor_of = np.zeros(patients, dtype=np.int64)
    if page_codes:
        anchor_of[np.asarray(page_codes, dtype=np.int64)] = np.arange(1, len(page_codes) + 1)
    paged = anchor_of[codes_sorted] > 0
    results_of: dict[int, list[int]] = {}
    for code, position in zip(codes_sorted[paged].tolist(), order[paged].tolist(), strict=True):
        results_of.setdefault(code, []).append(position)
    return PatientPlan(
        page_codes=page_codes,
        pages_omitted=len(flagged) - len(page_codes),
        anchor_of=anchor_of,
        results_of=results_of,
        lead_of={code: int(lead_pos[code]) for code in page_codes},
        patients_total=int(np.count_nonzero(present)),
    )


def _patient_page(
    table: ResultTable,
    plan: PatientPlan,
    code: int,
    number: int,
    bands: Sequence[tuple[str, float]],
) -> PatientPage:
    latest_position = plan.lead_of[code]
    anchor = f"patient-{number}"
    positions = plan.results_of[code]
    latest = table.view(latest_position, f"#{anchor}")
    # the page's unit: the lead result's as shown (the lab's own by default)
    lead = measure_row(table, table._local[latest_position], latest.unit)
    page_bands = [(name, lower * lead.per_ng) for name, lower in bands]
    bar = result_bar_svg(
        lead.value,
        qualifier=as_text(table.get("qualifier", latest_position)),
        low=lead.low,
        high=lead.high,
        bands=page_bands,
        status=latest.status,
        unit=lead.unit,
        value_text=lead.value_text,
        interval_text=lead.interval,
    )
    newest_first = positions[::-1][:HISTORY_ROWS]
    history = LazyList(lambda: [table.view(p, None) for p in newest_first])
    trend = None
    earlier: list[EarlierResultView] = []
    history_points: list[TrendPoint] = []
    if table.has_history:
        earlier, history_points = _earlier_results(
            table, positions, latest_position, lead.unit, lead.per_ng
        )
    if len(positions) > 1 or history_points:
        points = _trend_points(table, positions, latest_position, lead.unit) + history_points
        if len(points) > 1:
            trend = trend_svg(points, low=lead.low, high=lead.high, unit=lead.unit)
    return PatientPage(
        anchor=anchor,
        number=number,
        total=len(plan.page_codes),
        lead=latest,
        bar_svg=bar,
        history=history,
        history_total=len(positions),
        trend_svg=trend,
        earlier=earlier[:EARLIER_ROWS] if _any_history(earlier) else [],
        earlier_total=len(earlier) if _any_history(earlier) else 0,
        band_legend=band_legend_text(bands, lead.unit, lead.per_ng),
        unit=lead.unit,
    )


def _any_history(earlier: Sequence[EarlierResultView]) -> bool:
    return any(e.origin == FROM_HISTORY for e in earlier)


def _stored_in_unit(qualifier: str, value: float | None, unit: str) -> str:
    """An earlier result of the history in its own unit, with the digits it was stored with."""
    return "—" if value is None else f"{qualifier}{fmt_stored(value)} {unit}".strip()


def _same_key(when: datetime | None, value: float | None, unit: str) -> tuple[Any, ...] | None:
    """What makes two results the same measurement (a result seen in the history and again in
    this batch, under another id): collection time, value and unit."""
    if when is None or value is None:
        return None
    return (when.replace(second=0, microsecond=0), fmt_number(value), unit)


def _earlier_results(
    table: ResultTable, positions: Sequence[int], lead: int, unit: str, per_ng: float
) -> tuple[list[EarlierResultView], list[TrendPoint]]:
    """The patient's results other than the lead: this batch's and the results history's
    (the earlier results each row of the batch carries), de-duplicated, newest first; and the
    history's results as trend points (the batch's are drawn already)."""
    rows: list[tuple[datetime | None, int, EarlierResultView]] = []
    seen_ids: set[str] = set()
    seen_keys: set[tuple[Any, ...]] = set()
    for order, position in enumerate(positions):
        rid = result_id_text(table.get("result_id", position))
        when = as_datetime(table.get("collected_at", position))
        value = as_float(table.get("prolactin_value", position))
        unit = as_text(table.get("prolactin_unit", position))
        if rid:
            seen_ids.add(rid)
        key = _same_key(when, value, unit)
        if key is not None:
            seen_keys.add(key)
        if position == lead:
            continue
        view = table.view(position, None)
        own = measure_row(table, table._local[position], resolve_unit("lab", unit))
        rows.append(
            (
                when,
                order,
                EarlierResultView(
                    collected=view.collected,
                    value="—" if own.value is None else f"{own.value_text} {own.unit}",
                    ng_ml=view.ng_ml,
                    status=view.status,
                    result_id=rid,
                    acknowledged=view.acknowledged,
                    origin=FROM_BATCH,
                ),
            )
        )
    page_unit = unit
    points: list[TrendPoint] = []
    for position in positions:
        details = table.get("history_details", position)
        if not isinstance(details, list | tuple):
            continue
        for item in details:
            if not isinstance(item, Mapping):
                continue
            rid = result_id_text(item.get("result_id"))
            when = as_datetime(item.get("collected_at"))
            value = as_float(item.get("prolactin_value"))
            unit = as_text(item.get("prolactin_unit"))
            key = _same_key(when, value, unit)
            if (rid and rid in seen_ids) or (key is not None and key in seen_keys):
                continue
            if rid:
                seen_ids.add(rid)
            if key is not None:
                seen_keys.add(key)
            qualifier = as_text(item.get("qualifier"))
            ng_ml = as_float(item.get("prolactin_ng_ml"))
            status = as_text(item.get("status"))
            rows.append(
                (
                    when,
                    -1,
                    EarlierResultView(
                        collected=fmt_when(when),
                        value=_stored_in_unit(qualifier, value, unit),
                        ng_ml="—" if ng_ml is None else f"{qualifier}{fmt_number(ng_ml)}",
                        status=status,
                        result_id=rid,
                        acknowledged=as_text(item.get("acknowledged")),
                        origin=FROM_HISTORY,
                    ),
                )
            )
            if when is not None and ng_ml is not None:
                if unit == page_unit and value is not None:
                    shown, text = value, f"{qualifier}{fmt_stored(value)}"
                else:
                    # from the lab's own number in ng/mL, not the history's rounded one
                    ng = value if unit == NG_ML and value is not None else ng_ml
                    shown = to_lab_unit(ng, page_unit, per_ng)
                    digits = (
                        fmt_number(shown) if page_unit == NG_ML else converted_text(shown, per_ng)
                    )
                    text = f"{qualifier}{digits}"
                points.append(TrendPoint(when, shown, qualifier, status, history=True, text=text))
    # newest first; a result without a collection time last
    rows.sort(key=lambda r: (r[0] is not None, r[0] or datetime.min, r[1]), reverse=True)
    return [view for _, _, view in rows], points


def _trend_points(
    table: ResultTable, positions: Sequence[int], latest: int, unit: str
) -> list[TrendPoint]:
    """The batch's results of a patient in the page's unit, labelled as the reports write them."""
    points: list[TrendPoint] = []
    for position in positions:
        when = as_datetime(table.get("collected_at", position))
        shown = measure_row(table, table._local[position], unit)
        if when is None or shown.value is None:
            continue
        points.append(
            TrendPoint(
                when=when,
                value=shown.value,
                text=shown.value_text,
                qualifier=as_text(table.get("qualifier", position)),
                status=as_text(table.get("status", position)),
                latest=position == latest,
            )
        )
    return points


def patients_view(
    fetch: Callable[[np.ndarray], list[pd.DataFrame]],
    plan: PatientPlan,
    run: RunView,
    bands: Sequence[tuple[str, float]],
    *,
    all_patients: bool,
    pages_per_batch: int = 2000,
    first: int = 0,
    last: int | None = None,
) -> PatientsView:
    """Patient pages, built one at a time as the template asks for them; their rows are fetched
    (``fetch(positions)``: the rows at those positions of the batch) ``pages_per_batch`` pages
    at a time, so that only those are in memory.  ``first``/``last``: only the pages of that
    slice of the plan (numbered as in the whole)."""

    def pages() -> Iterator[PatientPage]:
        codes = plan.page_codes[first:last]
        for start in range(0, len(codes), pages_per_batch):
            batch = codes[start : start + pages_per_batch]
            wanted = sorted(p for code in batch for p in plan.results_of[code])
            table = ResultTable(
                fetch(np.asarray(wanted, dtype=np.int64)), run.display_unit, run.miu_per_ng
            )
            for number, code in enumerate(batch, start=first + start + 1):
                yield _patient_page(table, plan, code, number, bands)

    return PatientsView(
        run=run,
        pages=pages(),
        pages_total=len(plan.page_codes),
        pages_omitted=plan.pages_omitted,
        all_patients=all_patients,
    )
