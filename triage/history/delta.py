"""The delta check: each result beside the patient's last earlier one (pure: frames in, frame out).

``annotate(results, earlier, thresholds)`` adds the history columns (triage.schema
HISTORY_COLUMNS, except ``result_id``) to one chunk of the engine's results, from the earlier
results the history holds for its patients:

- identity: an earlier result belongs to the patient when its id matches (as
  ``identifier_key`` compares it: without case, spaces or an all-digit id's leading zeros)
  and neither its birth
  date nor its sex contradicts the row's (either may be unknown).  An id seen with another birth
  date or sex is a possible identifier clash: ``identity_check`` says so and those results are
  never shown as the patient's (never merged);
- ``trend``: ``new`` (no earlier result), ``rising`` / ``falling`` (a change beyond the reference
  change value: ``rcv_limits``), ``stable``; empty when the two cannot be compared (a censored
  value such as ``<5`` on either side, a value missing, or two methods: ``other_method``);
- priority: a significant rise of a raised result is reviewed at least ``soon`` (RISE_PRIORITY);
  a fall, or a rise within the interval, changes nothing;
- ``history_details``: the patient's earlier results, newest first (the patient pages' table and
  trend chart).

Earlier means collected before the row (a date without a time is not before nor after a timed
result of the same day: ``_earlier``), so a re-run of last month's export never compares a
result with itself.  A result without a collection time has no trend beside another result (no
date, no trend: a cohort re-exported with one more visit would otherwise compare its baseline
with the last visit stored, the direction reversed); its earlier results are still listed
(``history_details``: those stored before it).  This run's own results (earlier files and
chunks, ``same_run``, and the chunk's other rows) are earlier only when both collection times
are known and theirs is before the row's, so that a file holding November and December
compares them as two files would.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from triage.io.identifiers import identifier_key
from triage.knowledge.model import Thresholds
from triage.numbers import DAYS_PER_YEAR, rounded
from triage.schema import PRIORITIES

# What tells two methods apart (other_method): the set, a method no set names, the lab's interval
METHOD_KEYS: Final[tuple[str, ...]] = (
    "reference_set",
    "unmatched_assay",
    "reference_source",
    "reference_low_ng_ml",
    "reference_high_ng_ml",
)
LAB_INTERVAL: Final = "row"  # reference_source of the lab's own interval (schema)
RISE_PRIORITY: Final = "soon"  # a significant rise of a raised result: at least this priority
CLASH: Final = "possible_clash"
DETAIL_KEYS: Final[tuple[str, ...]] = (
    "result_id",
    "collected_at",
    "prolactin_value",
    "prolactin_unit",
    "prolactin_ng_ml",
    "qualifier",
    "status",
    "priority",
    "source_file",
    "acknowledged",
    "reference_set",  # the assay's (method's) reference set: another method is not compared
    "unmatched_assay",  # a method no set names: two such methods are not compared either
    # the lab's own interval (reference_source "row"): one that changed shows another method
    "reference_source",
    "reference_low_ng_ml",
    "reference_high_ng_ml",
)
_MATCHED: Final = (
    "patient_id",
    "birth_date",
    "age_years",
    "sex",
    "collected_at",
    "prolactin_ng_ml",
)
MAX_DETAILS: Final = 20  # earlier results carried per row (the history holds them all)
SAME_RUN: Final = "same_run"  # an earlier result recorded by this run (store.HistoryRun.earlier)


def rcv_limits(thresholds: Thresholds) -> tuple[float, float]:
    """(rise, fall) as fractions: a ratio above 1 + rise or below 1 - fall is significant.

    Log-normal reference change value: sigma² = ln(1 + CVA²) + ln(1 + CVI²); the limits are
    exp(±z·√2·sigma) (thresholds.toml, "history: delta check")."""
    cva = thresholds.get("delta_cv_analytical_pct") / 100
    cvi = thresholds.get("delta_cv_within_subject_pct") / 100
    z = thresholds.get("delta_z")
    sigma = math.sqrt(math.log1p(cva**2) + math.log1p(cvi**2))
    spread = z * math.sqrt(2) * sigma
    return math.exp(spread) - 1, 1 - math.exp(-spread)


def annotate(
    results: pd.DataFrame,
    earlier: pd.DataFrame,
    thresholds: Thresholds,
    held: Sequence[int | None] | None = None,
) -> pd.DataFrame:
    """``results`` with the history columns, priority raised where a rise calls for it.

    ``earlier``: the stored results of the chunk's patients (``same_run`` True for this run's
    own); the chunk's rows are candidates too, as this run's (their ``result_id`` in
    ``history_details`` is ``-(position + 1)`` until the chunk is recorded: ``chunk_ids``).
    ``held``: per row, the id of the stored result it repeats (the same cell of the same file
    again), None for a new one: an undated held result keeps the history it had (the results
    stored before it), never the results recorded after it."""
    rise, fall = rcv_limits(thresholds)
    same_within = interval_tolerance(thresholds)
    tolerance = thresholds.get("identity_age_tolerance_years")
    by_patient: dict[str, list[dict[str, Any]]] = {}
    wanted = [
        c for c in dict.fromkeys((*_MATCHED, *DETAIL_KEYS, "id", SAME_RUN)) if c in earlier.columns
    ]
    for values in zip(*(earlier[c].tolist() for c in wanted), strict=True):
        record = dict(zip(wanted, values, strict=True))
        by_patient.setdefault(_patient(record.get("patient_id")), []).append(record)
    for record in _chunk_records(results, held):
        by_patient.setdefault(_patient(record.get("patient_id")), []).append(record)
    for records in by_patient.values():
        records.sort(key=_order)
    out = results.copy()
    n = len(out)
    held_ids = list(held) if held is not None else [None] * n
    ages = out["age_years"].tolist() if "age_years" in out.columns else [None] * n
    trend: list[str] = [""] * n
    previous_ng: list[float] = [np.nan] * n
    previous_at: list[Any] = [pd.NaT] * n
    change: list[float] = [np.nan] * n
    identity: list[str] = [""] * n
    details: list[list[dict[str, Any]]] = [[] for _ in range(n)]
    priority = out["priority"].astype("object").tolist()
    columns = {
        name: out[name].tolist() if name in out.columns else [None] * n
        for name in (
            "patient_id",
            "birth_date",
            "sex",
            "collected_at",
            "prolactin_ng_ml",
            *METHOD_KEYS,
        )
    }
    qualifiers = out["qualifier"].fillna("").tolist()
    statuses = out["status"].fillna("").tolist()
    for i in range(n):
        pid = _patient(columns["patient_id"][i])
        if not pid:
            continue
        candidates = by_patient.get(pid, [])
        when = _time(columns["collected_at"][i])
        same, clash = [], False
        for record in candidates:
            then = _time(record.get("collected_at"))
            if record.get(SAME_RUN) is True and (
                when is None or then is None or not _earlier(then, when)
            ):
                continue  # this run's: earlier only when collected before it
            if record.get("id") == -(i + 1):
                continue  # the row itself
            if not _compatible(record, columns["birth_date"][i], columns["sex"][i]) or _age_clash(
                record, _born(columns["birth_date"][i], ages[i], when), tolerance
            ):
                clash = True
                continue
            if when is not None and (then is None or not _earlier(then, when)):
                continue  # not earlier than this result (or the same result again)
            first = held_ids[i]
            if first is not None and record.get("id") == first:
                continue  # the stored result this row is, its time written more precisely
            if when is None and first is not None and int(record.get("id") or 0) >= first:
                continue  # an undated result again: its history is what was stored before it
            same.append(record)
        identity[i] = CLASH if clash else ""
        if not same:
            trend[i] = "new"
            continue
        details[i] = [_detail(r) for r in reversed(same[-MAX_DETAILS:])]
        if when is None:
            continue  # no date, no trend: its order among the patient's results is unknown
        last = same[-1]
        previous_at[i] = last.get("collected_at") or pd.NaT
        now_ng = _number(columns["prolactin_ng_ml"][i])
        then_ng = _number(last.get("prolactin_ng_ml"))
        previous_ng[i] = np.nan if then_ng is None else then_ng
        if now_ng is None or then_ng is None or then_ng <= 0:
            continue
        change[i] = rounded((now_ng - then_ng) / then_ng * 100)
        if other_method(last, {key: columns[key][i] for key in METHOD_KEYS}, same_within):
            continue  # another assay: no significant change called, no priority raised
        now_low, now_high = _bounds(now_ng, qualifiers[i])
        then_low, then_high = _bounds(then_ng, last.get("qualifier") or "")
        least = now_low / then_high  # what the ratio can be ('<3' earlier: from 0)
        most = now_high / then_low if then_low > 0 else math.inf
        if least > 1 + rise:
            trend[i] = "rising"  # '<3' then 60: a twenty-fold rise at least
        elif most < 1 - fall:
            trend[i] = "falling"
        elif least == most:
            trend[i] = "stable"
        else:
            continue  # '<5' against 4: no reliable direction
        if trend[i] == "rising" and statuses[i] == "high":
            priority[i] = _at_least(str(priority[i]), RISE_PRIORITY)
    out["priority"] = pd.Series(priority, index=out.index, dtype="string")
    out["trend"] = pd.Series(trend, index=out.index, dtype="string")
    out["previous_ng_ml"] = pd.Series(previous_ng, index=out.index, dtype="float64")
    out["previous_collected_at"] = pd.to_datetime(pd.Series(previous_at, index=out.index))
    out["change_pct"] = pd.Series(change, index=out.index, dtype="float64")
    out["identity_check"] = pd.Series(identity, index=out.index, dtype="string")
    out["history_details"] = pd.Series(details, index=out.index, dtype=object)
    return out


def interval_tolerance(thresholds: Thresholds) -> float:
    """How far (a fraction) two limits of the lab's own interval, both in ng/mL, may differ and
    be one limit (thresholds.toml delta_interval_same_pct): the same interval written in the
    other unit or rounded otherwise."""
    return thresholds.get("delta_interval_same_pct") / 100


def other_method(earlier: Mapping[str, Any], now: Mapping[str, Any], tolerance: float) -> bool:
    """The earlier result was read against another assay's reference set (``reference_set``,
    the method the row's assay column, the mapping file or --ranges named): prolactin results and
    intervals are method-specific (Roche reads ~1.7x Siemens Atellica: clinical-reference
    §2.2 and §7 note 7), and the reference change value holds within one method only, so the
    two are not compared (empty trend, the priority unchanged; the change is still given).
    Two methods written and named by no set (``unmatched_assay``), told apart, are other methods
    too, though both fell to one set (Tosoh then Vitros: each the method-free default); and so
    are two results each judged by the lab's own interval (``reference_source`` "row") when that
    interval changed (102-496 then 64-640: the lab changed its method).  The limits are compared
    in ng/mL, each within ``tolerance`` (a fraction: ``interval_tolerance``), so that the same
    interval in the other unit (4.8-23.3 ng/mL, then 102-496 mIU/L: clinical-reference §2.2,
    §2.4) or rounded otherwise (4.8, then 4.79) is no change of method (review 25).  ``now``:
    the row's METHOD_KEYS."""
    then, row = _text(earlier.get("reference_set")), _text(now.get("reference_set"))
    if then and row and then != row:
        return True
    before = _method_key(earlier.get("unmatched_assay"))
    after = _method_key(now.get("unmatched_assay"))
    if before and after and before != after:
        return True
    lab = LAB_INTERVAL
    if _text(earlier.get("reference_source")) != lab or _text(now.get("reference_source")) != lab:
        return False
    return any(
        _changed(_number(earlier.get(key)), _number(now.get(key)), tolerance)
        for key in ("reference_low_ng_ml", "reference_high_ng_ml")
    )


def _changed(then: float | None, now: float | None, tolerance: float) -> bool:
    """Two limits both known and more than ``tolerance`` (a fraction) apart."""
    return then is not None and now is not None and not math.isclose(then, now, rel_tol=tolerance)


def _method_key(assay: Any) -> str:
    """A written method as compared: its letters and digits, without case ("Tosoh AIA-900" and
    "tosoh aia 900" are one method)."""
    return "".join(ch for ch in _text(assay).casefold() if ch.isalnum())


def chunk_ids(details: Sequence[list[dict[str, Any]]], ids: Sequence[Any]) -> None:
    """Give the chunk's own rows among the earlier results (``-(position + 1)``) their result
    ids once the chunk is recorded (in place)."""
    for rows in details:
        for detail in rows:
            found = detail.get("result_id")
            if isinstance(found, int) and found < 0:
                detail["result_id"] = ids[-found - 1]


def _chunk_records(
    results: pd.DataFrame, held: Sequence[int | None] | None
) -> list[dict[str, Any]]:
    """The chunk's rows as this run's results (``SAME_RUN``), less those the history holds
    already (a re-run: the stored copy is among the earlier results) and repeats of a row."""
    n = len(results)
    cells = {
        name: results[name].tolist() if name in results.columns else [None] * n
        for name in dict.fromkeys((*_MATCHED, *DETAIL_KEYS))
        if name not in ("result_id", "acknowledged")
    }
    found: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for i in range(n):
        if held is not None and held[i] is not None:
            continue
        record = {name: values[i] for name, values in cells.items()}
        when = _time(record.get("collected_at"))
        if when is None or not _patient(record.get("patient_id")):
            continue  # never earlier than another row of the run
        key = (
            _patient(record.get("patient_id")),
            when,
            record.get("qualifier"),
            record.get("prolactin_ng_ml"),
        )
        if key in seen:
            continue
        seen.add(key)
        record.update(id=-(i + 1), acknowledged="", **{SAME_RUN: True})
        found.append(record)
    return found


def _age_clash(
    record: Mapping[str, Any], born: tuple[pd.Timestamp, pd.Timestamp] | None, tolerance: float
) -> bool:
    """The birth the row gives (``born``: its birth date, or the year its age at collection
    spans) and the stored result's lie more than ``tolerance`` years apart (thresholds
    identity_age_tolerance_years).  Two birth dates are compared exactly (_compatible)."""
    then = _born(
        record.get("birth_date"), record.get("age_years"), _time(record.get("collected_at"))
    )
    if born is None or then is None or (born[0] == born[1] and then[0] == then[1]):
        return False
    gap = max(then[0] - born[1], born[0] - then[1], pd.Timedelta(0))
    return bool(gap.days / DAYS_PER_YEAR > tolerance)


def _born(
    birth_date: Any, age: Any, when: pd.Timestamp | None
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """(earliest, latest) birth: the birth date, else the year an age in whole years at
    collection spans; None when neither is known."""
    day = _time(birth_date)
    if day is not None:
        return day, day
    years = _number(age)
    if years is None or when is None:
        return None
    return (
        when - pd.Timedelta(days=(years + 1) * DAYS_PER_YEAR),
        when - pd.Timedelta(days=years * DAYS_PER_YEAR),
    )


def _bounds(value: float, qualifier: str) -> tuple[float, float]:
    """The lowest and highest a result can be: "<5" is 0 to 5, ">200" 200 on, 12 exactly 12."""
    if qualifier == "<":
        return 0.0, value
    if qualifier == ">":
        return value, math.inf
    return value, value


def _at_least(priority: str, floor: str) -> str:
    rank = {p: i for i, p in enumerate(PRIORITIES)}  # most pressing first
    return floor if rank.get(priority, len(PRIORITIES)) > rank[floor] else priority


def _earlier(then: pd.Timestamp, when: pd.Timestamp) -> bool:
    """A result collected at `then` was collected before one at `when`.  A date given without
    a time is held at midnight: on the day of a timed result the order of the two is unknown,
    so neither is earlier than the other (never a trend read the wrong way round)."""
    if then >= when:
        return False
    same_day = then.normalize() == when.normalize()
    return not (same_day and (then == then.normalize() or when == when.normalize()))


def _order(record: Mapping[str, Any]) -> tuple[int, Any, int]:
    when = _time(record.get("collected_at"))
    return (0 if when is None else 1, when or pd.Timestamp.min, int(record.get("id") or 0))


def _compatible(record: Mapping[str, Any], birth_date: Any, sex: Any) -> bool:
    """Neither the birth date nor the sex of a stored result contradicts the row's."""
    born_then, born_now = _day(record.get("birth_date")), _day(birth_date)
    if born_then is not None and born_now is not None and born_then != born_now:
        return False
    sex_then, sex_now = _text(record.get("sex")).upper(), _text(sex).upper()
    return not (sex_then in ("M", "F") and sex_now in ("M", "F") and sex_then != sex_now)


def _detail(record: Mapping[str, Any]) -> dict[str, Any]:
    out = {key: record.get(key) for key in DETAIL_KEYS}
    out["result_id"] = record.get("id")
    return out


def _patient(value: Any) -> str:
    """The patient id as matched (``identifier_key``: "00123" is "123", "ab12" "AB12")."""
    return identifier_key(_text(value))


def _text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _number(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _time(value: Any) -> pd.Timestamp | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    try:
        stamp: Any = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if pd.isna(stamp):
        return None
    found: pd.Timestamp = stamp.tz_convert(None) if stamp.tzinfo else stamp
    return found


def _day(value: Any) -> Any:
    stamp = _time(value)
    return None if stamp is None else stamp.date()
