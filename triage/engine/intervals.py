"""Which reference interval applies to each row, and why.

Order of preference (recorded in reference_source / reference_stratum / reference_note):
1. physiological: pregnancy (by trimester when the gestation is known), breastfeeding, or the
   neonatal period; the stratum comes from the chosen set, else from the default set;
2. row: the lab's own interval written on the row, when it is plausible for prolactin in the
   result's unit (one plausible there only as a pregnancy, breastfeeding or neonatal interval
   is judged beside the set's; one that fits no stratum there is tried in the other unit, else
   the set is used and the note says why);
3. set: the stratum of the set for the row's assay (else the chosen set) for the patient's sex,
   age (children's bands) and menopausal status (assumed past childbearing age when not stated,
   unless the row says she still menstruates).
When the sex is unknown and the set has no stratum for either sex, the interval is the pair of the
women's and men's strata: `high` needs a value above both, `normal` a value within both.  When the
pregnancy status conflicts (pregnancy is indicated, yet the row says "no", post-menopausal, after
a hysterectomy, male, ...: see engine/state.py), the row's usual interval and the pregnancy
interval are paired in the same way.

Choosing a stratum depends only on (set, sex, age band, menopausal, state), so it is done once per
distinct key and spread to the rows, which keeps 100,000-row frames fast.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from typing import Final, NamedTuple, TypeVar

import numpy as np
import pandas as pd

from triage.engine.amounts import marked_amount, marked_range
from triage.engine.context import fmt
from triage.engine.distinct import distinct_rows
from triage.engine.state import MENOPAUSE_OPEN, PatientState
from triage.engine.text import Hits
from triage.engine.units import MIU_L, NG_ML, all_sets, same_platform
from triage.knowledge.model import Knowledge, ReferenceSet, Stratum
from triage.numbers import age_text
from triage.values import Interval as ParsedInterval
from triage.values import is_empty_value, lone_number, parse_sex_intervals, unsexed_intervals

_T = TypeVar("_T")

PREGNANCY = "pregnancy"
LACTATION = "lactation"
NEONATAL = "neonatal"
# How notes name each state ("Physiological interval for the neonatal period").
_STATE_WORDS = {PREGNANCY: "pregnancy", LACTATION: "breastfeeding", NEONATAL: "the neonatal period"}
_INTERVAL_NOUNS = {PREGNANCY: "pregnancy", LACTATION: "breastfeeding", NEONATAL: "neonatal"}

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
    state: str = ""  # the stratum's state ("child", "adult", ...); "" for a row interval
    # Where a stratum's limits come from (its `source` in reference_ranges/*.toml); "" for the
    # lab's own interval, which the note names as such.
    origin: str = ""
    measured: bool = True  # False: limits set from physiology, not a measured interval
    caveat: str = ""  # the stratum's note when a reader must see it (not measured, or a caveat)


@dataclass(frozen=True, slots=True)
class Choice:
    """The interval(s) for a row: one, or one per sex when the sex is unknown."""

    intervals: tuple[Interval, ...]
    source: str  # "row", "set", "physiological"
    set_name: str
    note: str
    alt_high: float = math.nan  # a higher upper limit re-derived for the same assay, if any


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
    # Recorded not pregnant, yet a positive hCG, a gestation or a note says pregnant.
    pregnancy_conflict: np.ndarray
    menstruating: np.ndarray  # the row says she still has periods
    # the row says the menopausal status is not known, or says both (state.MENOPAUSE_OPEN)
    menopause_open: np.ndarray
    # In the breastfeeding state with a stated time since delivery of at most
    # postpartum_first_week_weeks: the first week after delivery (its own stratum).
    first_week: np.ndarray


def _flag(frame: pd.DataFrame, name: str, value: bool) -> np.ndarray:
    return (frame[name] == value).fillna(False).to_numpy(dtype=bool)


def early_postpartum(states: Sequence[PatientState], weeks: float) -> np.ndarray:
    """Per row, whether the patient is in the first ``weeks`` after delivery and not recorded
    as breastfeeding (whose own interval applies anyway)."""
    return np.fromiter(
        (
            s.postpartum
            and s.lactation != "yes"
            and s.postpartum_weeks is not None
            and 0 <= s.postpartum_weeks < weeks
            for s in states
        ),
        dtype=bool,
        count=len(states),
    )


def first_postpartum_week(states: Sequence[PatientState], weeks: float) -> np.ndarray:
    """Per row, whether a delivery is stated at most ``weeks`` before the sample (the first
    week after delivery, its end included: "1 week postpartum")."""
    return np.fromiter(
        (
            s.postpartum and s.postpartum_weeks is not None and 0 <= s.postpartum_weeks <= weeks
            for s in states
        ),
        dtype=bool,
        count=len(states),
    )


def physiology(
    frame: pd.DataFrame, states: Sequence[PatientState], knowledge: Knowledge
) -> Physiology:
    """Pregnancy, breastfeeding and the neonatal period, from the patients' states (state.py:
    the one authority; `frame` holds the columns derived from them) and the age.

    A pregnancy that the row contradicts (recorded not pregnant, post-menopausal, after a
    hysterectomy, for a man, ... yet a gestation, a positive hCG or a note says pregnant) is a
    conflict: neither interval is trusted alone (see module doc).  The trimester comes from the
    gestation in weeks, else from a trimester written ("T2", "2nd trimester")."""
    not_male = (frame["sex"] != "M").fillna(True).to_numpy(dtype=bool)
    pregnant = np.fromiter((s.pregnant for s in states), dtype=bool, count=len(states))
    conflict = np.fromiter((s.pregnancy_conflict for s in states), dtype=bool, count=len(states))
    lactating = np.fromiter((s.lactating for s in states), dtype=bool, count=len(states))
    pregnant &= not_male
    # The first days after delivery, feeding or not: prolactin is still near its term level and
    # falls back only by about the end of the first week (thresholds.toml
    # postpartum_nonlactating_normal_weeks): judged against the breastfeeding interval too.
    lactating |= early_postpartum(
        states, knowledge.thresholds.get("postpartum_nonlactating_normal_weeks")
    )
    # The first week after delivery, feeding or not, its end included ("1 week postpartum", a
    # Postpartum weeks column of 1), starts from the term level and falls over the week
    # (clinical-reference §2.1: Riordan, Tyson): its own stratum where a set has one (review 27).
    first_week = first_postpartum_week(
        states, knowledge.thresholds.get("postpartum_first_week_weeks")
    )
    lactating |= first_week
    lactating &= not_male & ~pregnant
    first_week &= lactating
    weeks = frame["gestational_weeks"].to_numpy(dtype="float64")
    age = frame["age_years"].to_numpy(dtype="float64")
    neonatal = age < knowledge.thresholds.get("neonatal_max_age_years")
    written = np.fromiter((s.trimester for s in states), dtype=int, count=len(states))
    trimester = np.where(pregnant | conflict, written, 0)
    known_weeks = (pregnant | conflict) & (weeks > 0)
    if known_weeks.any():
        t2 = knowledge.thresholds.get("trimester2_start_weeks")
        t3 = knowledge.thresholds.get("trimester3_start_weeks")
        by_weeks = np.searchsorted(np.array([t2, t3]), weeks, side="right") + 1
        trimester = np.where(known_weeks, by_weeks, trimester)
    menstruating = np.fromiter(
        (s.menopause in ("pre", "peri") for s in states), dtype=bool, count=len(states)
    )
    return Physiology(
        pregnant=pregnant,
        lactating=lactating,
        neonatal=neonatal & ~pregnant,
        trimester=trimester,
        pregnancy_conflict=conflict,
        menstruating=menstruating,
        menopause_open=np.fromiter(
            (s.menopause == MENOPAUSE_OPEN for s in states), dtype=bool, count=len(states)
        ),
        first_week=first_week,
    )


# ---------------------------------------------------------------------------------------------
# The lab's interval on the row
# ---------------------------------------------------------------------------------------------
# The lab's intervals of a row whose sex is not known: (group key, low, high) in ng/mL each.
PerSex = tuple[tuple[str, float, float], ...]


@dataclass(frozen=True)
class RowIntervals:
    """The row intervals in ng/mL after the plausibility check, and a note where it acted."""

    low: pd.Series
    high: pd.Series
    note: list[str]  # "" where the interval was used as converted
    # per row, the lab's women's and men's intervals (ng/mL) for a row whose sex is not known
    # and whose interval cell gives one per sex ("M: 4.0-15.2; F: 4.8-23.3", or per menopausal
    # group: values.unsexed_intervals), as (group key, low, high); None elsewhere.  low / high
    # are then their envelope (lowest lower, highest upper limit).
    per_sex: list[PerSex | None] = field(default_factory=list)
    # per row, a lone number in the interval cell ("23.3") in ng/mL, NaN elsewhere: perhaps the
    # lab's upper limit, perhaps not, so it is judged beside the reference set's interval
    lone_high: list[float] = field(default_factory=list)
    # per row, True where the lab's interval (low / high) is plausible in the result's unit only
    # as a pregnancy, breastfeeding or neonatal interval ("10.0-209.0" beside a result in
    # ng/mL): judged beside the reference set's interval, never alone (_vet_one)
    physiological: list[bool] = field(default_factory=list)


def _other_unit(unit: str) -> str:
    return MIU_L if unit == NG_ML else NG_ML


def vet_row_intervals(
    frame: pd.DataFrame,
    low_ng: pd.Series,
    high_ng: pd.Series,
    factor: pd.Series,
    hits: Sequence[Hits],
    knowledge: Knowledge,
    phys: Physiology | None = None,
) -> RowIntervals:
    """Keep a row interval whose upper limit is plausible for prolactin in the result's unit.

    A wider one that still fits some stratum of the sets in that unit ("10.0-209.0", the
    pregnancy interval, beside ng/mL) is kept and judged beside the set's interval (_vet_one);
    one that fits none (e.g. "102-496 mIU/L" against a result in ng/mL, or "0-5000") is read in
    the other unit when that makes it plausible (and the text does not name the row's unit), else
    dropped so that the set's interval applies; either way the note says so."""
    th = knowledge.thresholds
    ages = frame["age_years"].to_numpy(dtype="float64")
    units = frame["prolactin_unit"].fillna("").astype(str).tolist()
    written = frame["reference_range"].tolist()
    raw_low = frame["reference_low"].to_numpy(dtype="float64")
    raw_high = frame["reference_high"].to_numpy(dtype="float64")
    lows = low_ng.to_numpy(dtype="float64").copy()
    highs = high_ng.to_numpy(dtype="float64").copy()
    factors = factor.to_numpy(dtype="float64")
    notes = [""] * len(frame)
    physiological = [False] * len(frame)
    widest = physiological_bounds(knowledge)
    cache: dict[Hashable, tuple[float, float, str, bool]] = {}
    for i in np.flatnonzero(~np.isnan(highs)).tolist():
        infant = bool(ages[i] < 1)
        bounds = th.plausible_uln_ng_ml(infant=infant)
        names_ng, names_miu = "unit_ng" in hits[i], "unit_miu" in hits[i]
        key = (lows[i], highs[i], units[i], factors[i], infant, names_ng, names_miu)
        if key not in cache:
            cache[key] = _vet_one(
                lows[i], highs[i], units[i], factors[i], bounds, (names_ng, names_miu), widest
            )
        lows[i], highs[i], verdict, physiological[i] = cache[key]
        if verdict:
            shown = written[i] if isinstance(written[i], str) and written[i].strip() else None
            # the limits of their own cells are quoted as the file gave them, without the
            # result's unit: a header may name another ("Ref high (ng/mL)" beside a result in
            # mIU/L), and a note calling them "mIU/L" had contradicted the file
            as_written = shown or f"{_fmt(raw_low[i])}–{_fmt(raw_high[i])}"
            notes[i] = verdict.format(written=as_written, unit=units[i] or "its unit")
    unread = np.isnan(highs) & np.isnan(raw_low) & np.isnan(raw_high)
    sexes = frame["sex"].astype(object).where(frame["sex"].notna(), "").tolist()
    per_sex: list[PerSex | None] = [None] * len(frame)
    group_ages = (th.get("adult_age_years"), th.get("childbearing_age_max_years"))
    lone = [math.nan] * len(frame)
    for i in np.flatnonzero(unread).tolist():
        if isinstance(written[i], str) and written[i].strip() and not is_empty_value(written[i]):
            if sexes[i] not in ("F", "M"):
                bounds = th.plausible_uln_ng_ml(infant=bool(ages[i] < 1))
                names = ("unit_ng" in hits[i], "unit_miu" in hits[i])
                age = None if np.isnan(ages[i]) else float(ages[i])
                per_sex[i] = _both_sexes_ng(
                    written[i], units[i], factors[i], bounds, names, (age, group_ages)
                )
            if per_sex[i] is not None:
                both = per_sex[i] or ()
                lows[i] = min(low for _, low, _ in both)
                highs[i] = max(high for _, _, high in both)
                continue
            notes[i] = _unread_note(written[i].strip())
            number = lone_number(written[i])
            divisor = 1.0 if units[i] == NG_ML else factors[i] if units[i] == MIU_L else math.nan
            if number is not None and number > 0 and divisor > 0:
                bounds = th.plausible_uln_ng_ml(infant=bool(ages[i] < 1))
                names = ("unit_ng" in hits[i], "unit_miu" in hits[i])
                _, high, verdict, _ = _vet_one(
                    math.nan, number / divisor, units[i], factors[i], bounds, names
                )
                if not verdict and bounds[0] <= high <= bounds[1]:
                    lone[i] = high
                    notes[i] = _lone_note(written[i].strip())
    if phys is not None:
        # a woman's group of a cell per menopausal group, by the status the engine reads (the
        # notes' LMP and amenorrhoea included; open: both groups), not the reader's column alone
        meno = _menopausal(frame, ages, phys, knowledge)
        for i, found in _menopausal_groups(frame, meno, factors, hits, knowledge).items():
            if len(found) == 1:
                lows[i], highs[i], notes[i] = found[0][1], found[0][2], ""
            else:
                per_sex[i] = found
                lows[i] = min(low for _, low, _ in found)
                highs[i] = max(high for _, _, high in found)
    return RowIntervals(
        pd.Series(lows, index=frame.index),
        pd.Series(highs, index=frame.index),
        notes,
        per_sex,
        lone,
        physiological,
    )


def physiological_bounds(knowledge: Knowledge) -> tuple[float, float]:
    """(highest lower limit, highest upper limit) in ng/mL of any stratum of the reference sets,
    pregnancy, breastfeeding and neonatal ones included: a lab's interval beyond them is no
    prolactin interval of any group in that unit (reference_ranges/*.toml, never a number here)."""
    strata = [st for rs in all_sets(knowledge).values() for st in rs.strata]
    lows = [float(st.low_ng_ml) for st in strata if st.low_ng_ml is not None]
    highs = [float(st.high_ng_ml) for st in strata]
    return (max(lows) if lows else math.nan, max(highs) if highs else math.nan)


def _lone_note(written: str) -> str:
    """Why a row whose interval cell is a lone number is judged against the set's interval and
    that number as an upper limit together."""
    return (
        f"the lab's interval '{written}' is a lone number, perhaps its upper limit: judged "
        "against the reference set's interval above and that number as an upper limit "
        "together (high only above both, normal only within both, otherwise indeterminate)"
    )


def _both_sexes_ng(
    written: str,
    unit: str,
    factor: float,
    bounds: tuple[float, float],
    names: tuple[bool, bool],
    age: tuple[float | None, tuple[float, float]],
) -> PerSex | None:
    """The lab's women's and men's intervals in ng/mL ((group key, low, high) each; a low NaN
    when open) of an interval cell that gives one per sex, or per menopausal group and the
    men's, for a row whose sex is not known: judged against all of them (output contract, sex
    unknown; values.unsexed_intervals: the women's group that fits the age, or each when it
    does not tell), never the reference set's instead.  None unless the cell gives both sexes
    and each reads as a plausible prolactin interval.  ``age``: the row's age (or None) and
    (adult_age_years, childbearing_age_max_years)."""
    table = parse_sex_intervals(written)
    groups = unsexed_intervals(table, age[0], age[1]) if table is not None else None
    if groups is None:
        return None
    return _groups_ng(groups, unit, factor, bounds, names)


def _groups_ng(
    groups: Sequence[tuple[str, ParsedInterval]],
    unit: str,
    factor: float,
    bounds: tuple[float, float],
    names: tuple[bool, bool],
) -> PerSex | None:
    """(group key, low, high) in ng/mL of the lab's intervals ``groups``; None unless each reads
    as a plausible prolactin interval in the result's unit."""
    divisor = 1.0 if unit == NG_ML else factor if unit == MIU_L else math.nan
    found: list[tuple[str, float, float]] = []
    for key, iv in groups:
        if iv.high is None or not divisor > 0:
            return None
        low = math.nan if iv.low is None else iv.low / divisor
        low, high, verdict, _ = _vet_one(low, iv.high / divisor, unit, factor, bounds, names)
        if verdict or math.isnan(high):
            return None  # an implausible or converted limit: the set's interval, with a note
        found.append((key, low, high))
    return tuple(found)


_POST_GROUP: Final = "F:postmenopausal"


def _menopausal_groups(
    frame: pd.DataFrame,
    meno: Sequence[str],
    factors: np.ndarray,
    hits: Sequence[Hits],
    knowledge: Knowledge,
) -> dict[int, PerSex]:
    """Per adult woman's row whose interval cell gives a premenopausal (or women's) and a
    postmenopausal group ("Femmes en activité génitale 4.8-23.3 ; Femmes ménopausées
    4.0-15.0"): the group(s) her menopausal status as the engine reads it (`_menopausal`)
    gives, in ng/mL: postmenopausal when stated or assumed, both when open (review 24: never the
    premenopausal one alone), else the premenopausal one.  Rows whose groups do not read as
    plausible intervals keep the reader's choice."""
    th = knowledge.thresholds
    ages = frame["age_years"].to_numpy(dtype="float64")
    adult = np.isnan(ages) | (ages >= th.get("adult_age_years"))
    women = (frame["sex"] == "F").fillna(False).to_numpy(dtype=bool) & adult
    written = frame["reference_range"].tolist()
    units = frame["prolactin_unit"].fillna("").astype(str).tolist()
    out: dict[int, PerSex] = {}
    tables: dict[str, dict[str, ParsedInterval] | None] = {}
    for i in np.flatnonzero(women).tolist():
        cell = written[i]
        if not isinstance(cell, str):
            continue
        if cell not in tables:
            tables[cell] = parse_sex_intervals(cell)
        table = tables[cell]
        if table is None or _POST_GROUP not in table:
            continue
        pre = next((k for k in ("F:premenopausal", "F") if k in table), None)
        if pre is None:
            continue
        keys = {STATED: [_POST_GROUP], ASSUMED: [_POST_GROUP], OPEN: [pre, _POST_GROUP]}
        groups = [(k, table[k]) for k in keys.get(meno[i], [pre])]
        bounds = th.plausible_uln_ng_ml(infant=False)
        names = ("unit_ng" in hits[i], "unit_miu" in hits[i])
        found = _groups_ng(groups, units[i], float(factors[i]), bounds, names)
        if found is not None:
            out[i] = found
    return out


def _unread_note(written: str) -> str:
    """Why a row whose interval cell holds text is judged against the set's interval."""
    if parse_sex_intervals(written) is not None:
        return (
            f"the lab's interval '{written}' gives one interval per group (sex, age, menopausal "
            "status) and none is known to fit this row (its sex, age or status is not given, or "
            "not among them); judged against the reference set's interval above"
        )
    return (
        f"the lab's interval '{written}' could not be read; judged against the reference set's "
        "interval above"
    )


def _vet_one(
    low: float,
    high: float,
    unit: str,
    factor: float,
    bounds: tuple[float, float],
    names: tuple[bool, bool],
    widest: tuple[float, float] = (math.nan, math.nan),
) -> tuple[float, float, str, bool]:
    """(low, high, note template, physiological only) for one row interval in ng/mL.

    An upper limit within ``bounds`` (an interval outside pregnancy, breastfeeding and the
    neonatal period) is kept.  Else an interval whose text does not name the other unit is
    still read in the result's unit when it fits some stratum the reference sets know
    (``widest``: physiological_bounds; "10.0-209.0", the pregnancy interval, beside a result
    in ng/mL): then it is one of those physiological intervals and is judged beside the set's
    interval (the last element True).  Only where it fits no stratum in that unit is it read
    in the other unit, when that makes it plausible; else it is dropped."""

    def plausible(value: float) -> bool:
        return bounds[0] <= value <= bounds[1]

    if plausible(high) or unit not in (NG_ML, MIU_L) or not factor > 0:
        return low, high, "", False
    other = _other_unit(unit)
    names_own = names[0] if unit == NG_ML else names[1]
    names_other = names[1] if unit == NG_ML else names[0]
    fits_some = (
        not names_other and bounds[0] <= high <= widest[1] and (math.isnan(low) or low <= widest[0])
    )
    if fits_some:
        said = "as its text says" if names_own else "no unit is written beside it"
        return (
            low,
            high,
            f"the lab's interval '{{written}}' is read in {{unit}}, the unit of the result "
            f"({said}); so read it is wider than any interval outside pregnancy, breastfeeding "
            "and the neonatal period, and is judged beside the reference set's interval above "
            "(high only above both, normal only within both, otherwise indeterminate)",
            True,
        )
    scale = 1 / factor if unit == NG_ML else factor
    if not names_own and plausible(high * scale):
        said = (
            "as the text says"
            if names_other
            else "no unit is written beside it: its numbers fit no prolactin interval in "
            "{unit}, the unit of the result"
        )
        return (
            low * scale,
            high * scale,
            f"the lab's interval '{{written}}' is read in {other} ({said})"
            + (
                ": in {unit}, the unit of the result, it cannot be a prolactin interval"
                if names_other
                else ""
            ),
            False,
        )
    return (
        math.nan,
        math.nan,
        "the lab's interval on the row ('{written}') is implausible for prolactin in {unit} and "
        "was not used",
        False,
    )


# ---------------------------------------------------------------------------------------------
# Strata
# ---------------------------------------------------------------------------------------------
def _fmt(value: float | None) -> str:
    """A limit as written (212.8, 0.7, 30); '–' when missing."""
    if value is None or math.isnan(value):
        return "–"
    return fmt(value)


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
    """Short human words for a stratum: 'women', 'pregnancy, 2nd trimester', 'children 1–6 y'."""
    who = _SEX_WORDS.get(st.sex, st.sex)
    if st.state.startswith("pregnant_t"):
        return f"pregnancy, {_TRIMESTER_NAMES[int(st.state[-1]) - 1]} trimester"
    if st.state == "pregnant":
        return "pregnancy"
    if st.state == "lactating":
        return "breastfeeding"
    if st.state == "postpartum_week1":
        return "the first week after delivery"
    if st.state == "postmenopausal":
        return "postmenopausal women"
    if st.state == "child":
        kind = "neonates" if st.neonatal else "children"
        start, end = age_text(st.age_min_years), age_text(st.age_max_years)
        if start.endswith(" y") and end.endswith(" y"):
            start = start.removesuffix(" y")  # "children 1–6 y", not "1 y–6 y"
        sex = "" if st.sex == "any" else f" ({'girls' if st.sex == 'F' else 'boys'})"
        return f"{kind} {start}–{end}{sex}"
    return who


def _interval(rs: ReferenceSet, st: Stratum) -> Interval:
    low = float("nan") if st.low_ng_ml is None else float(st.low_ng_ml)
    shown = st.note if not st.measured or st.note_is_caveat else ""
    return Interval(
        low,
        float(st.high_ng_ml),
        f"{rs.name}:{st.id}",
        describe(st),
        st.state,
        origin=st.source,
        measured=st.measured,
        caveat=shown,
    )


def _span(rs: ReferenceSet, strata: Sequence[Stratum], label: str) -> Interval:
    """One interval covering several strata (widest), e.g. pregnancy of unknown trimester."""
    lows = [st.low_ng_ml for st in strata if st.low_ng_ml is not None]
    low = min(lows) if len(lows) == len(strata) else float("nan")
    ids = "+".join(st.id for st in strata)
    parts = [_interval(rs, st) for st in strata]
    return Interval(
        low,
        max(st.high_ng_ml for st in strata),
        f"{rs.name}:{ids}",
        label,
        origin="; ".join(dict.fromkeys(iv.origin for iv in parts)),
        measured=all(iv.measured for iv in parts),
        caveat=" ".join(dict.fromkeys(iv.caveat for iv in parts if iv.caveat)),
    )


def _range_text(iv: Interval) -> str:
    """The interval marked, to be written in each row's unit (amounts.render): the notes are
    built once per distinct choice, for rows of any unit."""
    return marked_range(iv.low, iv.high)


def _sentence(text: str) -> str:
    """A text to be joined into a note ('. ' between sentences): without its final stop."""
    return text.strip().rstrip(". ")


def provenance(members: Sequence[Interval]) -> str:
    """Where the reference strata of a row's intervals come from, and what a reader must know
    of them (docs/output-contract-extensions.md, reference_note): each stratum's source, and its
    note when its limits are not a measured reference interval or the note is a caveat (the
    stratum's `measured` and `note_is_caveat` in reference_ranges/*.toml).  "" for the lab's
    own interval alone, whose note says where it comes from."""
    strata = list({iv.stratum: iv for iv in members if iv.origin}.values())
    parts: list[str] = []
    for iv in strata:
        one = len(strata) == 1
        parts.append(
            f"Source of this interval: {_sentence(iv.origin)}"
            if one
            else f"Source of the interval for {iv.label}: {_sentence(iv.origin)}"
        )
        note = f": {_sentence(iv.caveat)}" if iv.caveat else ""
        if not iv.measured:
            parts.append(
                f"Not a measured reference interval{note}"
                if one
                else f"The interval for {iv.label} is not a measured reference interval{note}"
            )
        elif note:
            parts.append(f"Caveat{note}" if one else f"Caveat on the interval for {iv.label}{note}")
    return ". ".join(parts)


def _with_provenance(iv: Intervals) -> Intervals:
    """The notes with the provenance of the strata that judged each row (`provenance`), said
    before the sentences later steps add (the judging sentence, conflicts, the age)."""
    said: dict[int, str] = {}  # members tuples are shared by the rows of one choice
    notes = list(iv.note)
    for i, members in enumerate(iv.members):
        if not members:
            continue
        text = said.get(id(members))
        if text is None:
            text = said[id(members)] = provenance(members)
        if text:
            notes[i] = f"{_sentence(notes[i])}. {text}" if notes[i] else text
    return replace(iv, note=notes)


def interval_words(iv: Interval) -> str:
    """An interval as a reader is told it, never by its internal tag: "the lab's own interval
    4.8–23.3 ng/mL", "the interval for children 1–6 y (girls) 3.6–24 ng/mL" (marked: written in
    the row's unit by amounts.render)."""
    if iv.stratum == "row":
        return f"{iv.label} {_range_text(iv)}"
    return f"the interval for {iv.label} {_range_text(iv)}"


# ---------------------------------------------------------------------------------------------
# Choosing per key
# ---------------------------------------------------------------------------------------------
class _Chooser:
    def __init__(self, knowledge: Knowledge) -> None:
        self.kn = knowledge
        self.sets = all_sets(knowledge)
        self.adult_age = knowledge.thresholds.get("adult_age_years")
        self.meno_age = knowledge.thresholds.get("childbearing_age_max_years")

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
            # a set without a postmenopausal interval (the assays' sets) uses the default set's,
            # as their caveats say: never the wider premenopausal one (a false normal)
            for candidate_set in (rs, self.kn.default_set):
                post = _candidates(candidate_set, ("postmenopausal",), sex, age) or _candidates(
                    candidate_set, ("postmenopausal",), sex, None
                )
                if post:
                    default = candidate_set is not rs
                    note = " (postmenopausal band of the default set)" if default else ""
                    return candidate_set, post[0], note
        adult = _candidates(rs, ("adult",), sex, age) or _candidates(rs, ("adult",), sex, None)
        if not adult:
            return None
        note = ""
        if age is not None and age < self.adult_age:
            note = " (no paediatric interval in the set: adult interval used)"
        return rs, adult[0], note

    def _alternative(self, rs: ReferenceSet, st: Stratum) -> tuple[float, str]:
        """A higher upper limit re-derived for the same assay (e.g. Roche manufacturer vs
        re-derived limits), with the words that name it; NaN when there is none."""
        for other in self.sets.values():
            if other is rs or not same_platform(other, rs):
                continue
            twin = other.find(st.id)
            if twin is not None and twin.high_ng_ml > st.high_ng_ml:
                title = other.title or other.name
                words = f"{title}: upper limit {marked_amount(twin.high_ng_ml)}"
                return twin.high_ng_ml, words
        return math.nan, ""

    def set_choice(
        self, set_name: str, sex: str, age: float | None, menopausal: str
    ) -> Choice | None:
        """The set's stratum; `menopausal` is "stated", "assumed" (by age), "open" (a woman's
        premenopausal and postmenopausal strata together) or ""."""
        rs = self.sets[set_name]
        sexes = [sex] if sex in ("F", "M") else ["any", "F", "M"]
        post = menopausal in (STATED, ASSUMED)
        picks = [self._pick(rs, s, age, post) for s in sexes]
        if menopausal == OPEN and "F" in sexes:
            # either status may be hers: the postmenopausal stratum beside the premenopausal one
            at = sexes.index("F")
            either, usual = self._pick(rs, "F", age, True), picks[at]
            if either is not None and usual is not None and either[1] is not usual[1]:
                picks.insert(at + 1, either)
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
        if menopausal == ASSUMED and any(st.state == "postmenopausal" for _, st, _ in chosen):
            extra += (
                f" (menopausal status not given: taken as postmenopausal from age "
                f"≥ {_fmt(self.meno_age)})"
            )
        title = rs.title or rs.name
        alt_high, alt_words = math.nan, ""
        if len(intervals) == 1:
            note = f"{title}: {intervals[0].label} {_range_text(intervals[0])}{extra}"
            alt_high, alt_words = self._alternative(chosen[0][0], chosen[0][1])
            if alt_words:
                note += f"; {alt_words}"
        else:
            parts = "; ".join(f"{iv.label} {_range_text(iv)}" for iv in intervals)
            unknown = ["sex"] if sex not in ("F", "M") else []
            if menopausal == OPEN and any(st.state == "postmenopausal" for _, st, _ in chosen):
                unknown.append("menopausal status")
            note = (
                f"{title}, {' and '.join(unknown)} unknown: {parts}{extra}. High only above "
                "every limit, normal only within every interval, otherwise indeterminate"
            )
        return Choice(intervals, "set", rs.name, note, alt_high)

    # --- physiological strata ---------------------------------------------------------------
    def _physio_sets(self) -> list[ReferenceSet]:
        chosen = self.kn.reference_set
        return [chosen] if chosen is self.kn.default_set else [chosen, self.kn.default_set]

    def pregnancy_choice(self, trimester: int) -> Choice | None:
        if trimester:
            # the trimester's own stratum (the chosen set's, else the default set's: term
            # values reach ~600 ng/mL) before any whole-pregnancy one
            for states in ((f"pregnant_t{trimester}",), ("pregnant",)):
                for rs in self._physio_sets():
                    exact = _candidates(rs, states, "F", None)
                    if exact:
                        return self._physio(rs, (_interval(rs, exact[0]),), PREGNANCY)
            return None
        for rs in self._physio_sets():
            whole = _candidates(rs, ("pregnant",), "F", None)
            if whole:
                return self._physio(rs, (_interval(rs, whole[0]),), PREGNANCY)
            parts = _candidates(rs, ("pregnant_t1", "pregnant_t2", "pregnant_t3"), "F", None)
            if parts:
                label = "pregnancy, trimester unknown (widest trimester interval)"
                return self._physio(rs, (_span(rs, parts, label),), PREGNANCY)
        return None

    def lactation_choice(self, first_week: bool = False) -> Choice | None:
        """The breastfeeding interval; in the first week after delivery that week's stratum
        (of the chosen set, else the default set's) where there is one."""
        wanted = (("postpartum_week1",), ("lactating",)) if first_week else (("lactating",),)
        for states in wanted:
            for rs in self._physio_sets():
                found = _candidates(rs, states, "F", None)
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
        note = f"Physiological interval for {_STATE_WORDS[state]}{where}: {parts}"
        return Choice(intervals, "physiological", rs.name, note)


def _row_choice(low: float, high: float, set_name: str, vetted: str) -> Choice:
    interval = Interval(low, high, "row", "the lab's own interval")
    note = f"The lab's own interval from the file: {_range_text(interval)}"
    if vetted:
        note += f" ({vetted})"
    return Choice((interval,), "row", set_name, note)


# How a row interval's group is named in notes (values.parse_sex_intervals keys).
_GROUP_NAMES: Final = {
    "F": "women",
    "M": "men",
    "F:premenopausal": "premenopausal women",
    "F:postmenopausal": "postmenopausal women",
}


def _row_both(both: PerSex, set_name: str) -> Choice:
    """The lab's women's and men's intervals of a row whose sex is not known (a women's
    interval per menopausal group when the age does not tell which): high only above every
    upper limit, low only below every lower limit, normal only within every interval."""
    intervals = tuple(
        Interval(low, high, "row", f"the lab's own interval for {_GROUP_NAMES.get(key, 'a group')}")
        for key, low, high in both
    )
    parts = "; ".join(
        f"{_GROUP_NAMES.get(key, key)} {_range_text(iv)}"
        for (key, _, _), iv in zip(both, intervals, strict=True)
    )
    unknown = "menopausal status" if all(key.startswith("F") for key, _, _ in both) else "sex"
    note = (
        f"The lab's own intervals from the file, {unknown} unknown: {parts}. High only above "
        "every limit, normal only within every interval, otherwise indeterminate"
    )
    return Choice(intervals, "row", set_name, note)


def _with_paediatric(row: Choice | None, paediatric: Choice) -> Choice | None:
    """A child's row interval paired with the set's paediatric interval when they differ: labs
    often print their adult interval for every age, and children (infants most) run differently.
    High only above both, normal only within both, otherwise indeterminate."""
    kids = [iv for iv in paediatric.intervals if iv.state == "child"]
    if row is None or not kids or len(paediatric.intervals) != len(kids):
        return row
    same = all(iv.high == row.intervals[0].high for iv in kids)
    if same:
        return row
    parts = "; ".join(f"{iv.label} {_range_text(iv)}" for iv in kids)
    note = (
        f"{row.note}. A child: the paediatric interval ({parts}) is considered too, as a lab "
        "interval may be its adult one. High only above both, normal only within both, "
        "otherwise indeterminate"
    )
    return replace(row, intervals=row.intervals + tuple(kids), note=note)


def _with_pregnancy(base: Choice, pregnancy: Choice) -> Choice:
    """The row's usual interval paired with the pregnancy interval (conflicting status)."""
    parts = "; ".join(f"{iv.label} {_range_text(iv)}" for iv in pregnancy.intervals)
    note = (
        f"{base.note}. Pregnancy status conflicts (pregnancy is indicated, yet the row says "
        f"otherwise): the pregnancy interval ({parts}) is considered too. High only above both, "
        "normal only within both, otherwise indeterminate"
    )
    return replace(base, intervals=base.intervals + pregnancy.intervals, note=note)


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
    alt_high: np.ndarray  # a higher re-derived upper limit for the same assay (NaN: none)
    # The intervals considered for each row (more than one: sex unknown, a child's row interval
    # with the paediatric one, a conflicting pregnancy status); () when none applies.
    members: list[tuple[Interval, ...]] = field(default_factory=list)
    # For a row judged against a physiological interval: the upper limit of the interval it
    # would have had otherwise (NaN elsewhere), to say when the state explains a result; for a
    # neonate the later infant's (_Picker.after_neonatal).
    usual_high: np.ndarray = field(default_factory=lambda: np.empty(0))


# The menopausal status as the set's strata are chosen by it (_Chooser.set_choice).
STATED: Final = "stated"  # postmenopausal, as the row says
ASSUMED: Final = "assumed"  # not given, past childbearing_age_max_years: postmenopausal
OPEN: Final = "open"  # either: both women's intervals judge the result


def _menopausal(
    frame: pd.DataFrame, ages: np.ndarray, phys: Physiology, knowledge: Knowledge
) -> list[str]:
    """Per row: "stated" postmenopausal, "assumed" (not stated, older than childbearing age and
    no sign of periods: a woman of 70 is compared with the postmenopausal interval, never the
    wider premenopausal one), "open" (written as not known, or contradicted, at any adult age;
    either interval may be hers, never the wider one alone, review 24), or ""."""
    th = knowledge.thresholds
    stated = _flag(frame, "menopausal", True)
    unknown = frame["menopausal"].isna().to_numpy()
    past = ages >= th.get("childbearing_age_max_years")
    assumed = ~stated & unknown & past & ~phys.menstruating & ~phys.menopause_open
    # a status not given is not open at any age (as before review 24: a woman of 46, or one of
    # unknown age, gets the set's premenopausal interval until childbearing_age_max_years; a
    # lab's export without menopausal status would otherwise make every woman of 45-54 between
    # the two limits indeterminate)
    adult = np.isnan(ages) | (ages >= th.get("adult_age_years"))
    open_ = ~stated & unknown & ~phys.menstruating & adult & phys.menopause_open
    return [
        STATED if s else ASSUMED if a else OPEN if o else ""
        for s, a, o in zip(stated, assumed, open_, strict=True)
    ]


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
    row: RowIntervals,
    phys: Physiology,
    knowledge: Knowledge,
    age_spans: np.ndarray | None = None,
    age_lows: np.ndarray | None = None,
) -> Intervals:
    """The interval of every row: physiological, else the row's own, else the set's.

    ``age_spans``: per row, NaN, or the span (years) of an age known only to be under it (an
    age of "0 y": under one year, days unknown; values.unknown_age).  Such a row is judged
    against every interval an age in that span could have (neonatal, infant; module doc), from
    its ``age_lows`` on where one is known (a birth year or month: schema age_min_years)."""
    picker = _Picker(frame, set_names, row, phys, knowledge)
    spans = np.full(len(frame), np.nan) if age_spans is None else age_spans
    spans = np.asarray(spans, dtype="float64")
    lows = np.full(len(frame), np.nan) if age_lows is None else age_lows
    lows = np.nan_to_num(np.asarray(lows, dtype="float64"), nan=0.0)
    # Everything the choice of row i reads (_choose and the picker read nothing else of the
    # row): rows that share it share the choice, made once for the first of them.
    codes, first = distinct_rows(
        [
            spans,
            lows,
            np.asarray(phys.pregnant, dtype=bool),
            np.asarray(phys.lactating, dtype=bool),
            np.asarray(phys.first_week, dtype=bool),
            np.asarray(phys.neonatal, dtype=bool),
            np.asarray(phys.trimester),
            np.asarray(phys.pregnancy_conflict, dtype=bool),
            np.asarray(picker.sexes, dtype=object),
            np.asarray(picker.bins),
            np.asarray(picker.meno, dtype=object),
            np.asarray(picker.names, dtype=object),
            np.asarray(picker.row.note, dtype=object),
            picker.row_lows,
            picker.row_highs,
            np.array([repr(both) for both in picker.per_sex], dtype=object),
        ]
    )
    rows = first.tolist()
    chosen = [_choose(picker, phys, i, float(spans[i]), float(lows[i])) for i in rows]
    states = [state for _, state, _ in chosen]
    distinct = _assemble([c for c, _, _ in chosen], states, [picker.names[i] for i in rows])
    usual_high = np.array([usual for _, _, usual in chosen], dtype="float64")
    per_row = _broadcast(replace(distinct, usual_high=usual_high), codes)
    ages = frame["age_years"].to_numpy(dtype="float64")
    return _with_provenance(_neonatal_fall(per_row, ages, knowledge))


def _neonatal_fall(iv: Intervals, ages: np.ndarray, knowledge: Knowledge) -> Intervals:
    """A neonate's upper limit falls steadily from the birth surge, not in steps at the strata's
    age limits (clinical-reference §2.1: Perlman 1978, day-1 mean 267 ng/mL, weeks 2–4 ~69,
    near adult by 4–12 weeks).  In the first half of a neonatal stratum whose limit was not
    measured (measured = false) the upper limit is taken on the straight line from the preceding
    (younger) neonatal stratum's upper limit, at the stratum's first age, down to the stratum's
    own at its middle age.  A measured stratum's limit (CALIPER's 4–29 days, 212.8 ng/mL: the
    97.5th percentile of every infant of that age span, the youngest included) holds as measured:
    a line from the birth surge would lie above what was measured at those ages.  Only the set's
    own neonatal strata are read; a row judged against several intervals keeps them."""
    neonatal = np.flatnonzero(np.array([s == NEONATAL for s in iv.state], dtype=bool))
    if not len(neonatal):
        return iv
    sets = all_sets(knowledge)
    high, high_min, high_max = iv.high.copy(), iv.high_min.copy(), iv.high_max.copy()
    members, notes = list(iv.members), list(iv.note)
    changed = False
    for i in neonatal.tolist():
        if len(members[i]) != 1 or ages[i] != ages[i]:
            continue
        member = members[i][0]
        limit = _falling_limit(sets, member, float(ages[i]))
        if limit is None or not limit > member.high:
            continue
        changed = True
        high[i] = high_min[i] = high_max[i] = limit
        label = f"{member.label}, falling from the birth surge"
        members[i] = (replace(member, high=limit, label=label),)
        notes[i] = (
            f"{notes[i]}. Prolactin falls steadily after birth (Perlman 1978): at "
            f"{age_text(float(ages[i]))} the upper limit lies between the younger neonatal "
            f"stratum's and this one's, {marked_amount(limit)}"
        )
    if not changed:
        return iv
    return replace(iv, high=high, high_min=high_min, high_max=high_max, members=members, note=notes)


def _falling_limit(sets: dict[str, ReferenceSet], member: Interval, age: float) -> float | None:
    """The upper limit at `age` on the line from the younger neonatal stratum's limit (at the
    stratum's first age) to the stratum's own (at its middle age); None when it does not apply."""
    name, _, stratum_id = member.stratum.partition(":")
    rs = sets.get(name)
    st = rs.find(stratum_id) if rs is not None else None
    if rs is None or st is None or not st.neonatal or st.age_max_years is None or st.measured:
        return None  # a measured limit holds as measured over its whole age span
    start = float(st.age_min_years)
    younger = [
        o
        for o in rs.strata
        if o.neonatal
        and o.age_max_years is not None
        and float(o.age_max_years) == start
        and (o.sex == st.sex or "any" in (o.sex, st.sex))
    ]
    if not younger:
        return None
    before = max(o.high_ng_ml for o in younger)
    middle = (start + float(st.age_max_years)) / 2
    if not before > st.high_ng_ml or not start <= age < middle:
        return None
    return st.high_ng_ml + (before - st.high_ng_ml) * (middle - age) / (middle - start)


def _choose(
    picker: _Picker, phys: Physiology, i: int, span: float, low: float = 0.0
) -> tuple[Choice | None, str, float]:
    """Row i's choice, its physiological state ("" none) and the upper limit it would have had
    otherwise (NaN unless a physiological interval was chosen)."""
    if span > 0:
        return picker.spanning(i, span, low), "", math.nan
    in_state = bool(phys.pregnant[i] or phys.lactating[i] or phys.neonatal[i])
    physio = _physio_key(phys, i, picker.sexes[i], int(picker.bins[i])) if in_state else None
    choice = None
    state = ""
    usual_high = math.nan
    if physio is not None:
        state = str(physio[0])
        choice = picker.physiological(i, physio)
        usual = picker.after_neonatal(i) if state == NEONATAL else picker.usual(i)
        if usual is not None and choice is not None:
            usual_high = max(iv.high for iv in usual.intervals)
    if choice is None:
        choice = picker.usual(i)
        if choice is not None and state:
            missing = f"no {_INTERVAL_NOUNS[state]} interval in the reference sets"
            choice = replace(choice, note=f"{choice.note} ({missing})")
    return choice, state, usual_high


def _broadcast(distinct: Intervals, codes: np.ndarray) -> Intervals:
    """Per row, the columns of its distinct choice (`codes`: the row's index in `distinct`)."""
    at = codes.tolist()

    def each(values: list[_T]) -> list[_T]:
        return [values[c] for c in at]

    return Intervals(
        source=each(distinct.source),
        set_name=each(distinct.set_name),
        stratum=each(distinct.stratum),
        note=each(distinct.note),
        state=each(distinct.state),
        low=distinct.low[codes],
        high=distinct.high[codes],
        low_min=distinct.low_min[codes],
        low_max=distinct.low_max[codes],
        high_min=distinct.high_min[codes],
        high_max=distinct.high_max[codes],
        alt_high=distinct.alt_high[codes],
        members=each(distinct.members),
        usual_high=distinct.usual_high[codes],
    )


class _Picker:
    """Per-row interval choice with one cache per distinct key (set, sex, age band, ...)."""

    def __init__(
        self,
        frame: pd.DataFrame,
        set_names: pd.Series,
        row: RowIntervals,
        phys: Physiology,
        knowledge: Knowledge,
    ) -> None:
        self.chooser = _Chooser(knowledge)
        ages = frame["age_years"].to_numpy(dtype="float64")
        self.bins, self.rep = _age_bins(knowledge, ages)
        self.sexes = [s if s in ("F", "M") else "?" for s in frame["sex"].fillna("?").tolist()]
        self.meno = _menopausal(frame, ages, phys, knowledge)
        self.names = set_names.tolist()
        self.row = row
        self.row_lows = row.low.to_numpy(dtype="float64")
        self.row_highs = row.high.to_numpy(dtype="float64")
        self.row_known = (~np.isnan(self.row_highs)).tolist()  # has_row, per row
        self.per_sex = row.per_sex or [None] * len(frame)
        self.lone_high = row.lone_high or [math.nan] * len(frame)
        self.beside_set = row.physiological or [False] * len(frame)
        self.conflicts = np.asarray(phys.pregnancy_conflict, dtype=bool).tolist()
        self.phys = phys
        self.cache: dict[Hashable, Choice | None] = {}

    def age(self, i: int) -> float | None:
        return None if self.bins[i] < 0 else float(self.rep[self.bins[i]])

    def has_row(self, i: int) -> bool:
        return bool(self.row_known[i])

    def physiological(self, i: int, key: tuple[Hashable, ...]) -> Choice | None:
        """The state's interval; the lab's row interval, if any, is set aside with a note."""
        if key not in self.cache:
            self.cache[key] = _physio_choice(self.chooser, key, self.age(i))
        choice = self.cache[key]
        if choice is not None and self.has_row(i):
            choice = _row_ignored(choice, self.row_lows[i], self.row_highs[i])
        return choice

    def after_neonatal(self, i: int) -> Choice | None:
        """The set's interval at the end of the neonatal period (neonatal_max_age_years: the
        later infant's, CALIPER 30 days to <1 year in the default set), the limit a neonate
        would have outside that period: never the adult one, nor one by sex (a 2-day-old boy
        was compared with the men's 18 ng/mL, a girl with the women's 30)."""
        key = ("after_neonatal", self.names[i], self.sexes[i])
        if key not in self.cache:
            age = self.chooser.kn.thresholds.get("neonatal_max_age_years")
            self.cache[key] = self.chooser.set_choice(self.names[i], self.sexes[i], age, "")
        return self.cache[key]

    def spanning(self, i: int, span: float, low: float = 0.0) -> Choice | None:
        """Every interval an age from `low` to under `span` years could have (an age of "0 y"
        without days; a birth year or month): the neonatal ones and the infant ones, as the
        row's age band would choose them.  High only above every upper limit (the highest
        decides), normal only within every interval, otherwise indeterminate: the age in days
        would decide."""
        neonatal_max = self.chooser.kn.thresholds.get("neonatal_max_age_years")
        physio_state = self.phys.pregnant[i] or self.phys.lactating[i]
        saved = self.bins[i]
        found: list[Choice | None] = []
        edges = self.rep.tolist()
        try:
            for b, lower in enumerate(edges):
                ends = edges[b + 1] if b + 1 < len(edges) else math.inf
                if not (0 <= lower < span and ends > low):
                    continue
                self.bins[i] = b
                choice = None
                if max(lower, low) < neonatal_max and not physio_state:
                    choice = self.physiological(i, (NEONATAL, self.sexes[i], b))
                found.append(choice if choice is not None else self.usual(i))
        finally:
            self.bins[i] = saved
        chosen = [c for c in found if c is not None]
        if not chosen:
            return None
        members = tuple(dict.fromkeys(iv for c in chosen for iv in c.intervals))
        under = age_text(span).replace("1 y", "one year")
        opening = (
            f"Born in a year or month only: a child between {age_text(low)} and {under} "
            if low > 0
            else f"Age 0 without days (or a word for it: newborn, infant): an infant under {under} "
        )
        note = (
            f"{opening}whose age in days is not known, so "
            "every interval of that span is considered. High only above every upper limit, "
            "normal only within every interval, otherwise indeterminate: the age in days (or "
            "the birth date) would decide"
        )
        source = "row" if all(c.source == "row" for c in chosen) else "set"
        return Choice(members, source, chosen[0].set_name, note)

    def usual(self, i: int) -> Choice | None:
        """The row's own interval (paired with the paediatric one for a child), else the set's;
        paired with the pregnancy interval when the pregnancy status conflicts."""
        alone = self.has_row(i) and not self.beside_set[i]
        choice = self._row(i) if alone else self._set(i)
        if choice is not None and self.conflicts[i]:
            trimester = int(self.phys.trimester[i])
            key = ("p", trimester)
            if key not in self.cache:
                self.cache[key] = self.chooser.pregnancy_choice(trimester)
            pregnancy = self.cache[key]
            if pregnancy is not None:
                choice = _with_pregnancy(choice, pregnancy)
        return choice

    def _row(self, i: int) -> Choice | None:
        age, name, note = self.age(i), self.names[i], self.row.note[i]
        low, high = self.row_lows[i], self.row_highs[i]
        child = age is not None and age < self.chooser.adult_age
        both = self.per_sex[i]
        key: tuple[Hashable, ...] = ("r", low, high, name, note, both)
        if child:
            key += (self.sexes[i], int(self.bins[i]))
        if key not in self.cache:
            choice: Choice | None = (
                _row_choice(low, high, name, note) if both is None else _row_both(both, name)
            )
            if child:
                paediatric = self.chooser.set_choice(name, self.sexes[i], age, "")
                if paediatric is not None:
                    choice = _with_paediatric(choice, paediatric)
            self.cache[key] = choice
        return self.cache[key]

    def _set(self, i: int) -> Choice | None:
        key = ("s", self.names[i], self.sexes[i], int(self.bins[i]), self.meno[i])
        if key not in self.cache:
            self.cache[key] = self.chooser.set_choice(
                self.names[i], self.sexes[i], self.age(i), self.meno[i]
            )
        choice = self.cache[key]
        if choice is not None and self.row.note[i]:
            choice = replace(choice, note=f"{choice.note} ({self.row.note[i]})")
        lone = self.lone_high[i]
        if choice is not None and not math.isnan(lone):
            # an upper limit only: the set's lower limits alone decide a low result
            lows = [iv.low for iv in choice.intervals]
            low = math.nan if any(math.isnan(v) for v in lows) else min(lows)
            limit = Interval(low, lone, "row", "the lab's lone number as an upper limit")
            choice = replace(choice, intervals=(*choice.intervals, limit))
        if choice is not None and self.beside_set[i] and self.has_row(i):
            # the lab's interval fits only a physiological state the row is not known to be in
            # (vet_row_intervals): judged beside the set's, never alone
            own = Interval(self.row_lows[i], self.row_highs[i], "row", "the lab's own interval")
            choice = replace(choice, intervals=(*choice.intervals, own))
        return choice


def _physio_key(phys: Physiology, i: int, sex: str, age_bin: int) -> tuple[Hashable, ...] | None:
    if phys.pregnant[i]:
        return (PREGNANCY, int(phys.trimester[i]))
    if phys.lactating[i]:
        return (LACTATION, bool(phys.first_week[i]))
    if phys.neonatal[i]:
        return (NEONATAL, sex, age_bin)
    return None


def _physio_choice(
    chooser: _Chooser, key: tuple[Hashable, ...], age: float | None
) -> Choice | None:
    state = key[0]
    if state == PREGNANCY:
        return chooser.pregnancy_choice(int(str(key[1])))
    if state == LACTATION:
        return chooser.lactation_choice(bool(key[1]))
    return chooser.neonatal_choice(str(key[1]), age)


def _row_ignored(choice: Choice, low: float, high: float) -> Choice:
    """A physiological choice, noting that the lab's interval on the row was set aside."""
    shown = _range_text(Interval(low, high, "", ""))
    note = (
        f"{choice.note} (the lab's interval on the row, {shown}, is not used: it is not "
        "specific to this physiological state)"
    )
    return replace(choice, note=note)


class _Summary(NamedTuple):
    """What _assemble reads of one choice."""

    low: float  # the lowest lower limit, NaN unless every interval has one
    low_max: float  # the highest known lower limit
    high: float  # the highest upper limit
    high_min: float  # the lowest upper limit
    alt: float
    stratum: str


def _summary(choice: Choice) -> _Summary:
    lows = [iv.low for iv in choice.intervals]
    highs = [iv.high for iv in choice.intervals]
    known_lows = [v for v in lows if not math.isnan(v)]
    all_lows = len(known_lows) == len(lows)
    return _Summary(
        low=min(known_lows) if all_lows else math.nan,
        low_max=max(known_lows) if known_lows else math.nan,
        high=max(highs),
        high_min=min(highs),
        alt=choice.alt_high,
        stratum="|".join(iv.stratum for iv in choice.intervals),
    )


def _assemble(choices: list[Choice | None], states: list[str], names: list[str]) -> Intervals:
    n = len(choices)
    nan = math.nan
    cols: dict[str, list[float]] = {
        k: [nan] * n for k in ("low", "high", "low_min", "low_max", "hmin", "hmax", "alt")
    }
    low_col, high_col, low_min_col, low_max_col = (
        cols["low"],
        cols["high"],
        cols["low_min"],
        cols["low_max"],
    )
    hmin_col, hmax_col, alt_col = cols["hmin"], cols["hmax"], cols["alt"]
    source, set_name, stratum, note = [""] * n, list(names), [""] * n, [""] * n
    members: list[tuple[Interval, ...]] = [()] * n
    # One summary per distinct choice object (most rows share a cached one); `choices` keeps
    # every choice alive, so an id is not reused while this runs.
    summaries: dict[int, _Summary] = {}
    for i, choice in enumerate(choices):
        if choice is None:
            note[i] = "No reference interval applies to this row"
            if states[i]:
                note[i] += f" (no {_INTERVAL_NOUNS[states[i]]} interval in the reference sets)"
            continue
        summary = summaries.get(id(choice))
        if summary is None:
            summary = summaries[id(choice)] = _summary(choice)
        low_col[i] = low_min_col[i] = summary.low
        low_max_col[i] = summary.low_max
        high_col[i] = hmax_col[i] = summary.high
        hmin_col[i] = summary.high_min
        alt_col[i] = summary.alt
        source[i], set_name[i], note[i] = choice.source, choice.set_name, choice.note
        stratum[i] = summary.stratum
        members[i] = choice.intervals
    out = {k: np.array(v, dtype="float64") for k, v in cols.items()}
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
        alt_high=out["alt"],
        members=members,
    )
