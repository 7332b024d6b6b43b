"""The delta check: each result beside the patient's last earlier one (pure: frames in, frame out).

``annotate(results, earlier, thresholds)`` adds the history columns (triage.schema
HISTORY_COLUMNS, except ``result_id``) to one chunk of the engine's results, from the earlier
results the history holds for its patients:

- identity: an earlier result belongs to the patient when its id matches and neither its birth
  date nor its sex contradicts the row's (either may be unknown).  An id seen with another birth
  date or sex is a possible identifier clash: ``identity_check`` says so and those results are
  never shown as the patient's (never merged);
- ``trend``: ``new`` (no earlier result), ``rising`` / ``falling`` (a change beyond the reference
  change value: ``rcv_limits``), ``stable``; empty when the two cannot be compared (a censored
  value such as ``<5`` on either side, or a value missing);
- priority: a significant rise of a raised result is reviewed at least ``soon`` (RISE_PRIORITY);
  a fall, or a rise within the interval, changes nothing;
- ``history_details``: the patient's earlier results, newest first (the patient pages' table and
  trend chart).

Earlier means collected before the row (results without a collection time: recorded in an
earlier run), so a re-run of last month's export never compares a result with itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

import numpy as np
import pandas as pd

from triage.knowledge.model import Thresholds
from triage.numbers import rounded
from triage.schema import PRIORITIES

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
)
_MATCHED: Final = ("patient_id", "birth_date", "sex", "collected_at", "prolactin_ng_ml")
MAX_DETAILS: Final = 20  # earlier results carried per row (the history holds them all)


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


def annotate(results: pd.DataFrame, earlier: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    """``results`` with the history columns, priority raised where a rise calls for it."""
    rise, fall = rcv_limits(thresholds)
    by_patient: dict[str, list[dict[str, Any]]] = {}
    wanted = [c for c in dict.fromkeys((*_MATCHED, *DETAIL_KEYS, "id")) if c in earlier.columns]
    for values in zip(*(earlier[c].tolist() for c in wanted), strict=True):
        record = dict(zip(wanted, values, strict=True))
        by_patient.setdefault(str(record.get("patient_id") or ""), []).append(record)
    for records in by_patient.values():
        records.sort(key=_order)
    out = results.copy()
    n = len(out)
    trend: list[str] = [""] * n
    previous_ng: list[float] = [np.nan] * n
    previous_at: list[Any] = [pd.NaT] * n
    change: list[float] = [np.nan] * n
    identity: list[str] = [""] * n
    details: list[list[dict[str, Any]]] = [[] for _ in range(n)]
    priority = out["priority"].astype("object").tolist()
    columns = {
        name: out[name].tolist() if name in out.columns else [None] * n
        for name in ("patient_id", "birth_date", "sex", "collected_at", "prolactin_ng_ml")
    }
    qualifiers = out["qualifier"].fillna("").tolist()
    statuses = out["status"].fillna("").tolist()
    for i in range(n):
        pid = _text(columns["patient_id"][i])
        if not pid:
            continue
        candidates = by_patient.get(pid, [])
        when = _time(columns["collected_at"][i])
        same, clash = [], False
        for record in candidates:
            if not _compatible(record, columns["birth_date"][i], columns["sex"][i]):
                clash = True
                continue
            then = _time(record.get("collected_at"))
            if when is not None and (then is None or then >= when):
                continue  # not earlier than this result (or the same result again)
            same.append(record)
        identity[i] = CLASH if clash else ""
        if not same:
            trend[i] = "new"
            continue
        last = same[-1]
        details[i] = [_detail(r) for r in reversed(same[-MAX_DETAILS:])]
        previous_at[i] = last.get("collected_at") or pd.NaT
        now_ng = _number(columns["prolactin_ng_ml"][i])
        then_ng = _number(last.get("prolactin_ng_ml"))
        previous_ng[i] = np.nan if then_ng is None else then_ng
        if now_ng is None or then_ng is None or then_ng <= 0:
            continue
        change[i] = rounded((now_ng - then_ng) / then_ng * 100)
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
