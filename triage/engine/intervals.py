"""Which reference interval applies to each row, and why.

Order of preference (recorded in reference_source / reference_stratum / reference_note):
1. physiological: pregnancy (by trimester when the gestation is known), breastfeeding, or the
   neonatal period; the stratum comes from the chosen set, else from the default set;
2. row: the lab's own interval written on the row;
3. set: the stratum of the set for the row's assay (else the chosen set) for the patient's sex,
   age (children's bands) and menopausal status (assumed past childbearing age when not stated).
When the sex is unknown and the set has no stratum for either sex, the interval is the pair of the
women's and men's strata: `high` needs a value above both, `normal` a value within both.

Choosing a stratum depends only on (set, sex, age band, menopausal, state), so it is done once per
distinct key and spread to the rows, which keeps 100,000-row frames fast.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from triage.engine.context import approx
from triage.engine.text import Hits
from triage.engine.units import all_sets
from triage.knowledge.model import Knowledge, ReferenceSet, Stratum

PREGNANCY = "pregnancy"
LACTATION = "lactation"
NEONATAL = "neonatal"

# Ordinal names of trimesters (labels, not clinical numbers).
_TRIMESTER_NAMES = ("1st", "2nd", "3rd")
_SEX_WORDS = {"F": "women", "M": "men", "any": "adults"}


@dataclass(frozen=True, slots=True)
class Interval:
    """One interval in ng/mL (low may be NaN) and where it comes from."""

    low: float
    high: float
    stratum: str  # "default:adult_female", "row", ...
    label: str  # "women", "pregnancy, 3rd trimester", "the lab's own interval"


@dataclass(frozen=True, slots=True)
class Choice:
    """The interval(s) for a row: one, or one per sex when the sex is unknown."""

    intervals: tuple[Interval, ...]
    source: str  # "row", "set", "physiological"
    set_name: str
    note: str


# ---------------------------------------------------------------------------------------------
# Physiological state of each row
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Physiology:
    """Per-row booleans (numpy) of the physiological states, and the trimester (0 = unknown)."""

    pregnant: np.ndarray
    lactating: np.ndarray
    neonatal: np.ndarray
    trimester: np.ndarray  # int: 0 unknown, 1..3


def _has_cue(hits: Sequence[Hits], cue: str) -> np.ndarray:
    return np.fromiter((cue in h for h in hits), dtype=bool, count=len(hits))


def _flag(frame: pd.DataFrame, name: str, value: bool) -> np.ndarray:
    return (frame[name] == value).fillna(False).to_numpy(dtype=bool)


def physiology(frame: pd.DataFrame, hits: Sequence[Hits], knowledge: Knowledge) -> Physiology:
    """Pregnancy, breastfeeding and the neonatal period, from flags, numbers, hCG and text."""
    not_male = (frame["sex"] != "M").fillna(True).to_numpy(dtype=bool)
    flag_unknown = frame["pregnant"].isna().to_numpy()
    weeks = frame["gestational_weeks"].to_numpy(dtype="float64")
    hinted = (weeks > 0) | _has_cue(hits, "pregnancy")
    pregnant = not_male & (
        _flag(frame, "pregnant", True)
        | _flag(frame, "hcg_positive", True)
        | (flag_unknown & hinted)
    )
    lactation_unknown = frame["lactating"].isna().to_numpy()
    lactating = (
        not_male
        & ~pregnant
        & (_flag(frame, "lactating", True) | (lactation_unknown & _has_cue(hits, "lactation")))
    )
    age = frame["age_years"].to_numpy(dtype="float64")
    neonatal = age < knowledge.thresholds.get("neonatal_max_age_years")
    trimester = np.zeros(len(frame), dtype=int)
    known_weeks = pregnant & (weeks > 0)
    if known_weeks.any():
        t2 = knowledge.thresholds.get("trimester2_start_weeks")
        t3 = knowledge.thresholds.get("trimester3_start_weeks")
        by_weeks = np.searchsorted(np.array([t2, t3]), weeks, side="right") + 1
        trimester = np.where(known_weeks, by_weeks, 0)
    return Physiology(pregnant, lactating, neonatal & ~pregnant, trimester)


# ---------------------------------------------------------------------------------------------
# Strata
# ---------------------------------------------------------------------------------------------
def _fmt(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "–"
    return approx(value)


def _fits_age(st: Stratum, age: float | None) -> bool:
    if age is None:
        return True
    upper = st.age_max_years
    return st.age_min_years <= age and (upper is None or age < upper)


def _candidates(
    rs: ReferenceSet,
    states: Sequence[str],
    sex: str,
    age: float | None,
    *,
    neonatal: bool = False,
) -> list[Stratum]:
    """Strata of `rs` in one of `states` for `sex` ("any" = only sex-neutral strata) and age;
    sex-specific strata first."""
    found = [
        st
        for st in rs.strata
        if st.state in states
        and st.neonatal == neonatal
        and (st.sex == sex or st.sex == "any")
        and _fits_age(st, age)
    ]
    return sorted(found, key=lambda st: st.sex != sex)


def describe(st: Stratum) -> str:
    """Short human words for a stratum: 'women', 'pregnancy, 2nd trimester', 'children 1–18 y'."""
    who = _SEX_WORDS.get(st.sex, st.sex)
    if st.state.startswith("pregnant_t"):
        return f"pregnancy, {_TRIMESTER_NAMES[int(st.state[-1]) - 1]} trimester"
    if st.state == "pregnant":
        return "pregnancy"
    if st.state == "lactating":
        return "breastfeeding"
    if st.state == "postmenopausal":
        return "postmenopausal women"
    if st.state == "child":
        kind = "neonates" if st.neonatal else "children"
        ages = f"{_fmt(st.age_min_years)}–{_fmt(st.age_max_years)} y"
        sex = "" if st.sex == "any" else f" ({who})"
        return f"{kind} {ages}{sex}"
    return who


def _interval(rs: ReferenceSet, st: Stratum) -> Interval:
    low = float("nan") if st.low_ng_ml is None else float(st.low_ng_ml)
    return Interval(low, float(st.high_ng_ml), f"{rs.name}:{st.id}", describe(st))


def _span(rs: ReferenceSet, strata: Sequence[Stratum], label: str) -> Interval:
    """One interval covering several strata (widest), e.g. pregnancy of unknown trimester."""
    lows = [st.low_ng_ml for st in strata if st.low_ng_ml is not None]
    low = min(lows) if len(lows) == len(strata) else float("nan")
    ids = "+".join(st.id for st in strata)
    return Interval(low, max(st.high_ng_ml for st in strata), f"{rs.name}:{ids}", label)


def _range_text(iv: Interval) -> str:
    if math.isnan(iv.low):
        return f"≤ {_fmt(iv.high)} ng/mL"
    return f"{_fmt(iv.low)}–{_fmt(iv.high)} ng/mL"


# ---------------------------------------------------------------------------------------------
# Choosing per key
# ---------------------------------------------------------------------------------------------
class _Chooser:
    def __init__(self, knowledge: Knowledge) -> None:
        self.kn = knowledge
        self.sets = all_sets(knowledge)
        self.adult_age = knowledge.thresholds.get("adult_age_years")

    # --- set strata (source "set") ---------------------------------------------------------
    def _pick(
        self, rs: ReferenceSet, sex: str, age: float | None, menopausal: bool
    ) -> tuple[ReferenceSet, Stratum, str] | None:
        if age is not None and age < self.adult_age:
            for candidate_set in (rs, self.kn.default_set):
                child = _candidates(candidate_set, ("child",), sex, age)
                if child:
                    note = "" if candidate_set is rs else " (paediatric band of the default set)"
                    return candidate_set, child[0], note
        if sex == "F" and menopausal:
            post = _candidates(rs, ("postmenopausal",), sex, age) or _candidates(
                rs, ("postmenopausal",), sex, None
            )
            if post:
                return rs, post[0], ""
        adult = _candidates(rs, ("adult",), sex, age) or _candidates(rs, ("adult",), sex, None)
        if not adult:
            return None
        note = ""
        if age is not None and age < self.adult_age:
            note = " (no paediatric interval in the set: adult interval used)"
        return rs, adult[0], note

    def set_choice(
        self, set_name: str, sex: str, age: float | None, menopausal: bool
    ) -> Choice | None:
        rs = self.sets[set_name]
        sexes = [sex] if sex in ("F", "M") else ["any", "F", "M"]
        picks = [self._pick(rs, s, age, menopausal) for s in sexes]
        if sex not in ("F", "M"):
            neutral = picks[0]
            if neutral is not None and neutral[1].sex == "any":
                picks = [neutral]
            else:
                picks = picks[1:]
                if any(p is None for p in picks):
                    return None
        if not picks or picks[0] is None:
            return None
        chosen = [p for p in picks if p is not None]
        intervals = tuple(_interval(used, st) for used, st, _ in chosen)
        extra = "".join(dict.fromkeys(note for _, _, note in chosen))
        title = rs.title or rs.name
        if len(intervals) == 1:
            note = f"{title}: {intervals[0].label} {_range_text(intervals[0])}{extra}"
        else:
            parts = "; ".join(f"{iv.label} {_range_text(iv)}" for iv in intervals)
            note = (
                f"{title}, sex unknown: {parts}{extra}. High only above every limit, "
                "normal only within every interval, otherwise indeterminate"
            )
        return Choice(intervals, "set", rs.name, note)

    # --- physiological strata ---------------------------------------------------------------
    def _physio_sets(self) -> list[ReferenceSet]:
        chosen = self.kn.reference_set
        return [chosen] if chosen is self.kn.default_set else [chosen, self.kn.default_set]

    def pregnancy_choice(self, trimester: int) -> Choice | None:
        for rs in self._physio_sets():
            if trimester:
                exact = _candidates(rs, (f"pregnant_t{trimester}", "pregnant"), "F", None)
                if exact:
                    return self._physio(rs, (_interval(rs, exact[0]),), PREGNANCY)
                continue
            whole = _candidates(rs, ("pregnant",), "F", None)
            if whole:
                return self._physio(rs, (_interval(rs, whole[0]),), PREGNANCY)
            parts = _candidates(rs, ("pregnant_t1", "pregnant_t2", "pregnant_t3"), "F", None)
            if parts:
                label = "pregnancy, trimester unknown (widest trimester interval)"
                return self._physio(rs, (_span(rs, parts, label),), PREGNANCY)
        return None

    def lactation_choice(self) -> Choice | None:
        for rs in self._physio_sets():
            found = _candidates(rs, ("lactating",), "F", None)
            if found:
                return self._physio(rs, (_interval(rs, found[0]),), LACTATION)
        return None

    def neonatal_choice(self, sex: str, age: float | None) -> Choice | None:
        for rs in self._physio_sets():
            if sex in ("F", "M"):
                found = _candidates(rs, ("child",), sex, age, neonatal=True)
                if found:
                    return self._physio(rs, (_interval(rs, found[0]),), NEONATAL)
                continue
            neutral = [st for st in _candidates(rs, ("child",), "any", age, neonatal=True)]
            if neutral:
                return self._physio(rs, (_interval(rs, neutral[0]),), NEONATAL)
            by_sex = [_candidates(rs, ("child",), s, age, neonatal=True) for s in ("F", "M")]
            if all(by_sex):
                pair = tuple(_interval(rs, found[0]) for found in by_sex)
                return self._physio(rs, pair, NEONATAL)
        return None

    def _physio(self, rs: ReferenceSet, intervals: tuple[Interval, ...], state: str) -> Choice:
        where = "" if rs is self.kn.reference_set else " (from the default set)"
        parts = "; ".join(f"{iv.label} {_range_text(iv)}" for iv in intervals)
        note = f"Physiological interval for {state}{where}: {parts}"
        return Choice(intervals, "physiological", rs.name, note)


# ---------------------------------------------------------------------------------------------
# Per-row result
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Intervals:
    """Per-row interval columns (numpy / lists aligned with the frame)."""

    source: list[str]  # "" when no interval applies
    set_name: list[str]
    stratum: list[str]
    note: list[str]
    state: list[str]  # physiological state that applies ("" none)
    low: np.ndarray  # reported interval
    high: np.ndarray
    low_min: np.ndarray  # envelope when several intervals (sex unknown)
    low_max: np.ndarray
    high_min: np.ndarray
    high_max: np.ndarray


def _menopausal(frame: pd.DataFrame, ages: np.ndarray, knowledge: Knowledge) -> np.ndarray:
    """Postmenopausal: stated so, or not stated and older than childbearing age (a woman of 70
    with no menopausal status is compared with the postmenopausal interval, never the wider
    premenopausal one)."""
    past = ages >= knowledge.thresholds.get("childbearing_age_max_years")
    return _flag(frame, "menopausal", True) | (frame["menopausal"].isna().to_numpy() & past)


def _age_bins(knowledge: Knowledge, ages: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bin every age between the age limits of all strata: ages in one bin pick the same strata.
    Returns (bin index, -1 for unknown age; representative age of each bin)."""
    edges: set[float] = {
        knowledge.thresholds.get("adult_age_years"),
        knowledge.thresholds.get("neonatal_max_age_years"),
    }
    for rs in all_sets(knowledge).values():
        for st in rs.strata:
            edges.add(float(st.age_min_years))
            if st.age_max_years is not None:
                edges.add(float(st.age_max_years))
    bounds = np.array(sorted(edges), dtype="float64")
    index = np.searchsorted(bounds, np.nan_to_num(ages, nan=-math.inf), side="right")
    index = np.where(np.isnan(ages), -1, index)
    representative = np.concatenate(([-math.inf], bounds))
    return index, representative


def choose_intervals(
    frame: pd.DataFrame,
    set_names: pd.Series,
    row_low: pd.Series,
    row_high: pd.Series,
    phys: Physiology,
    knowledge: Knowledge,
) -> Intervals:
    """The interval of every row: physiological, else the row's own, else the set's."""
    n = len(frame)
    chooser = _Chooser(knowledge)
    ages = frame["age_years"].to_numpy(dtype="float64")
    bins, rep = _age_bins(knowledge, ages)
    sexes = [s if s in ("F", "M") else "?" for s in frame["sex"].fillna("?").tolist()]
    meno = _menopausal(frame, ages, knowledge)
    names = set_names.tolist()
    choices: list[Choice | None] = [None] * n
    states = [""] * n
    cache: dict[Hashable, Choice | None] = {}
    has_row = row_high.notna().to_numpy()
    for i in range(n):
        age = None if bins[i] < 0 else float(rep[bins[i]])
        key: tuple[Hashable, ...]
        if phys.pregnant[i]:
            states[i] = PREGNANCY
            key = ("p", int(phys.trimester[i]))
            if key not in cache:
                cache[key] = chooser.pregnancy_choice(int(phys.trimester[i]))
        elif phys.lactating[i]:
            states[i] = LACTATION
            key = ("l",)
            if key not in cache:
                cache[key] = chooser.lactation_choice()
        elif phys.neonatal[i]:
            states[i] = NEONATAL
            key = ("n", sexes[i], int(bins[i]))
            if key not in cache:
                cache[key] = chooser.neonatal_choice(sexes[i], age)
        else:
            key = ("none",)
            cache.setdefault(key, None)
        choices[i] = cache[key]
        if choices[i] is not None or has_row[i]:
            continue
        key = ("s", names[i], sexes[i], int(bins[i]), bool(meno[i]))
        if key not in cache:
            cache[key] = chooser.set_choice(names[i], sexes[i], age, bool(meno[i]))
        choices[i] = cache[key]
    row_lows = row_low.to_numpy(dtype="float64")
    row_highs = row_high.to_numpy(dtype="float64")
    return _assemble(choices, states, has_row, row_lows, row_highs, names)


def _assemble(
    choices: list[Choice | None],
    states: list[str],
    has_row: np.ndarray,
    row_lows: np.ndarray,
    row_highs: np.ndarray,
    names: list[str],
) -> Intervals:
    n = len(choices)
    out = {k: np.full(n, np.nan) for k in ("low", "high", "low_min", "low_max", "hmin", "hmax")}
    source, set_name, stratum, note = [""] * n, list(names), [""] * n, [""] * n
    for i, choice in enumerate(choices):
        if choice is None and has_row[i]:
            lo, hi = row_lows[i], row_highs[i]
            out["low"][i] = out["low_min"][i] = out["low_max"][i] = lo
            out["high"][i] = out["hmin"][i] = out["hmax"][i] = hi
            source[i], stratum[i] = "row", "row"
            note[i] = (
                f"The lab's own interval from the file: {_range_text(Interval(lo, hi, '', ''))}"
            )
            if states[i]:
                note[i] += f" (no {states[i]} interval in the reference sets)"
            continue
        if choice is None:
            note[i] = "No reference interval applies to this row"
            continue
        lows = [iv.low for iv in choice.intervals]
        highs = [iv.high for iv in choice.intervals]
        known_lows = [v for v in lows if not math.isnan(v)]
        all_lows = len(known_lows) == len(lows)
        out["low"][i] = min(known_lows) if all_lows else np.nan
        out["low_min"][i] = min(known_lows) if all_lows else np.nan
        out["low_max"][i] = max(known_lows) if known_lows else np.nan
        out["high"][i] = out["hmax"][i] = max(highs)
        out["hmin"][i] = min(highs)
        source[i], set_name[i], note[i] = choice.source, choice.set_name, choice.note
        stratum[i] = "|".join(iv.stratum for iv in choice.intervals)
    return Intervals(
        source=source,
        set_name=set_name,
        stratum=stratum,
        note=note,
        state=states,
        low=out["low"],
        high=out["high"],
        low_min=out["low_min"],
        low_max=out["low_max"],
        high_min=out["hmin"],
        high_max=out["hmax"],
    )
