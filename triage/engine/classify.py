"""Status, times ULN, severity band and HL7 interpretation of every row (vectorised).

Qualified results are read for what they can be: `<3.0` against a ULN of 23 is normal (below the
lower limit it is low), `<30` against 23 could be either and is indeterminate, `>470` is high.
With several intervals (sex unknown) a value is high only above every upper limit, normal only
within every interval, low only below every lower limit; anything else is indeterminate, so an
unknown sex never produces a false normal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triage.engine.intervals import Intervals
from triage.knowledge.model import Thresholds

HIGH, NORMAL, LOW, INDETERMINATE = "high", "normal", "low", "indeterminate"
# Decimal places of times_uln and of the ng/mL values in the results (display, not clinical).
DISPLAY_DECIMALS = 2


@dataclass(frozen=True)
class Classified:
    status: np.ndarray  # str objects
    possibly_high: np.ndarray  # bool: high, or indeterminate and could be high
    times_uln: np.ndarray  # float, rounded
    band: np.ndarray  # str, "" unless high
    interpretation: np.ndarray  # "N", "L", "H", "HH" or ""
    mild: np.ndarray  # bool: high-like and at most repeat_rested_max_times_uln x ULN


def classify(
    value_ng: np.ndarray,
    qualifier: np.ndarray,
    iv: Intervals,
    thresholds: Thresholds,
) -> Classified:
    """Classify every row against its interval(s)."""
    v = value_ng
    plain = (qualifier != "<") & (qualifier != ">")
    below = qualifier == "<"
    above = qualifier == ">"
    has_value = ~np.isnan(v)
    has_upper = ~np.isnan(iv.high_max)
    no_low_min = np.isnan(iv.low_min)
    no_low_max = np.isnan(iv.low_max)
    with np.errstate(invalid="ignore"):
        is_high = has_upper & ((plain & (v > iv.high_max)) | (above & (v >= iv.high_max)))
        is_low = ~no_low_min & ((plain & (v < iv.low_min)) | (below & (v <= iv.low_min)))
        within_upper = v <= iv.high_min
        is_normal = (
            has_upper
            & within_upper
            & ((plain & (no_low_max | (v >= iv.low_max))) | (below & ~is_low))
        )
    is_high &= has_value
    is_low &= has_value & has_upper
    is_normal &= has_value & ~is_low
    status = np.full(len(v), INDETERMINATE, dtype=object)
    status[is_normal] = NORMAL
    status[is_low] = LOW
    status[is_high] = HIGH
    cannot_be_high = has_value & has_upper & ~above & within_upper
    possibly_high = is_high | ((status == INDETERMINATE) & ~cannot_be_high)

    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = v / iv.high
    times_uln = np.round(np.where(np.isfinite(ratio), ratio, np.nan), DISPLAY_DECIMALS)
    band = _bands(v, is_high, thresholds)
    interpretation = np.full(len(v), "", dtype=object)
    interpretation[is_normal] = "N"
    interpretation[is_low] = "L"
    interpretation[is_high] = "H"
    hh = thresholds.get("interpretation_hh_ng_ml")
    interpretation[is_high & (v >= hh)] = "HH"
    ceiling = thresholds.get("repeat_rested_max_times_uln") * iv.high_max
    with np.errstate(invalid="ignore"):
        mild = possibly_high & ~above & (v <= ceiling)
    return Classified(status, possibly_high, times_uln, band, interpretation, mild)


def _bands(v: np.ndarray, is_high: np.ndarray, thresholds: Thresholds) -> np.ndarray:
    bands = sorted(thresholds.bands, key=lambda b: b.lower_ng_ml)
    lowers = np.array([b.lower_ng_ml for b in bands], dtype="float64")
    names = np.array([b.name for b in bands] + [""], dtype=object)
    index = np.searchsorted(lowers, np.nan_to_num(v, nan=-np.inf), side="right") - 1
    index = np.where(index < 0, len(bands), index)
    out = names[index]
    return np.where(is_high, out, "").astype(object)
