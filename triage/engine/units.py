"""Units: which reference set a row's assay belongs to, and conversion of mIU/L to ng/mL.

A row in mIU/L is divided by, in this order: the row's own `conversion_factor` (mapping file),
the factor of the reference set whose assay names match the row's `assay` text, the factor of the
set the user chose.  The lab's interval and the monomeric (post-PEG) prolactin of the row are in
the row's unit and are converted the same way; a monomeric prolactin the input gave in the other
unit (`monomeric_prolactin_unit`) is converted with the same factor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from triage.knowledge.loaders import find_assay_set
from triage.knowledge.model import Knowledge, ReferenceSet
from triage.numbers import fmt

NG_ML = "ng/mL"
MIU_L = "mIU/L"


def all_sets(knowledge: Knowledge) -> dict[str, ReferenceSet]:
    """Every reference set the engine may consult, by name (the chosen one wins a clash)."""
    sets = {knowledge.default_set.name: knowledge.default_set, **knowledge.assay_sets}
    sets[knowledge.reference_set.name] = knowledge.reference_set
    return sets


def same_platform(chosen: ReferenceSet, matched: ReferenceSet) -> bool:
    """The chosen set is another interval set of the matched assay (e.g. re-derived limits)."""
    if not chosen.assay or not matched.assay:
        return False
    return matched.assay.casefold() in chosen.assay.casefold()


def row_set_names(frame: pd.DataFrame, knowledge: Knowledge) -> pd.Series:
    """Per row, the name of the set for its assay text, else the chosen set's name.

    When the user chose a set of the row's own platform (such as re-derived limits for the same
    assay), the chosen set is kept.
    """
    chosen = knowledge.reference_set
    found: dict[str, str] = {}
    for text in frame["assay"].dropna().unique().tolist():
        matched = find_assay_set(str(text), knowledge.assay_sets)
        keep = matched is None or same_platform(chosen, matched)
        found[str(text)] = chosen.name if keep or matched is None else matched.name
    names = [
        found.get(a, chosen.name) if isinstance(a, str) else chosen.name
        for a in frame["assay"].tolist()
    ]
    return pd.Series(names, index=frame.index, dtype="string")


def unknown_assays(frame: pd.DataFrame, knowledge: Knowledge) -> list[str]:
    """Per row, its assay text when it names no single reference set ("Immulite 2000", a typo
    such as "Archtect"), else ""."""
    known: dict[str, bool] = {}
    for text in frame["assay"].dropna().unique().tolist():
        written = str(text).strip()
        known[str(text)] = not written or find_assay_set(written, knowledge.assay_sets) is not None
    return [
        str(a).strip() if isinstance(a, str) and not known.get(a, True) else ""
        for a in frame["assay"].tolist()
    ]


@dataclass(frozen=True)
class Converted:
    """Row values in ng/mL and the factor used (mIU/L per ng/mL)."""

    factor: pd.Series  # the factor that applies to the row's assay, whatever its unit
    factor_used: pd.Series  # NaN for rows already in ng/mL
    value_ng: pd.Series
    low_ng: pd.Series
    high_ng: pd.Series
    monomeric_ng: pd.Series
    # the lab's own post-PEG upper limit given with the monomeric prolactin (NaN: none)
    post_peg_high_ng: pd.Series
    # the monomeric prolactin read in the other prolactin unit than the one it was read in
    # (a unit mix-up's reading: implausible_monomeric), in ng/mL; NaN where none is given
    monomeric_other_ng: pd.Series
    # the monomeric prolactin's own unit was written (a note's, or a cell or header in the other
    # unit than the total's); False where it was taken to be the total's
    monomeric_unit_stated: pd.Series


def convert(frame: pd.DataFrame, set_names: pd.Series, knowledge: Knowledge) -> Converted:
    """Convert the result, the lab interval and monomeric prolactin of every row to ng/mL."""
    sets = all_sets(knowledge)
    set_factor = set_names.map(lambda name: sets[str(name)].miu_per_ng).astype("float64")
    own = frame["conversion_factor"].astype("float64")
    factor = own.where(own.notna() & (own > 0), set_factor)
    unit = frame["prolactin_unit"].astype("string")
    is_ng = (unit == NG_ML).fillna(False).astype(bool)
    is_miu = (unit == MIU_L).fillna(False).astype(bool)
    divisor = pd.Series(np.where(is_ng, 1.0, np.where(is_miu, factor, np.nan)), index=frame.index)

    def to_ng(column: str) -> pd.Series:
        return frame[column].astype("float64") / divisor

    # a monomeric prolactin in the other unit than the result's (monomeric_prolactin_unit):
    # divided by the same factor as the result, so 10 ng/mL beside 1700 mIU/L is 10 ng/mL
    mono_unit = frame["monomeric_prolactin_unit"].astype("string")
    mono_ng = (mono_unit == NG_ML).fillna(False).astype(bool)
    mono_miu = (mono_unit == MIU_L).fillna(False).astype(bool)
    mono_divisor = np.where(mono_ng, 1.0, np.where(mono_miu, factor, divisor))
    monomeric: pd.Series = frame["monomeric_prolactin"].astype("float64") / mono_divisor
    # the same number read in the other unit: divided by the factor where it was taken as
    # ng/mL, taken as ng/mL where it was divided by the factor
    other_divisor = np.where(mono_divisor == 1.0, factor, 1.0)
    other: pd.Series = frame["monomeric_prolactin"].astype("float64") / other_divisor
    # the lab's post-PEG limit is in the monomeric prolactin's unit: the same divisor
    post_peg_high: pd.Series = (
        frame["monomeric_prolactin_reference_high"].astype("float64") / mono_divisor
    )

    return Converted(
        factor=factor,
        factor_used=factor.where(is_miu, np.nan),
        value_ng=to_ng("prolactin_value"),
        low_ng=to_ng("reference_low"),
        high_ng=to_ng("reference_high"),
        monomeric_ng=monomeric.fillna(_note_monomeric_ng(frame, factor)),
        post_peg_high_ng=post_peg_high.where(monomeric.notna() & (post_peg_high > 0)),
        monomeric_other_ng=other.fillna(_note_monomeric_ng(frame, factor, other_unit=True)),
        monomeric_unit_stated=(mono_ng | mono_miu) | monomeric.isna(),
    )


def _note_monomeric_ng(
    frame: pd.DataFrame, factor: pd.Series, *, other_unit: bool = False
) -> pd.Series:
    """The monomeric prolactin a note gives with its own unit (state._note_concentrations), in
    ng/mL: as written when in ng/mL, divided by the row's factor when in mIU/L (whatever the
    row's unit: the factor is the row's assay's); NaN where none is written.  `other_unit`:
    read in the other unit than the note's (the reading of a unit mix-up)."""
    if "monomeric_prolactin_note" not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    value = frame["monomeric_prolactin_note"].astype("float64")
    unit = frame["monomeric_prolactin_note_unit"].astype("string")
    is_ng = (unit == NG_ML).fillna(False).astype(bool)
    is_miu = (unit == MIU_L).fillna(False).astype(bool)
    if other_unit:
        is_ng, is_miu = is_miu, is_ng
    divisor = np.where(is_ng, 1.0, np.where(is_miu, factor.to_numpy(dtype="float64"), np.nan))
    return value / divisor


@dataclass(frozen=True)
class Contradiction:
    """A monomeric (post-PEG) prolactin that cannot be its total's (implausible_monomeric)."""

    monomeric_ng: float
    total_ng: float
    above: bool  # above the total (else an implausibly small share of it)
    # the same number read in the other prolactin unit, where that gives a plausible recovery
    # (a likely unit mix-up): (its unit, ng/mL); None where it does not
    other: tuple[str, float] | None

    def sentence(self, amount: Callable[[float], str]) -> str:
        """What the reference note says, with ``amount`` writing a ng/mL amount in the row's
        unit (amounts.LabUnit.amount)."""
        given = f"the monomeric (post-PEG) prolactin {amount(self.monomeric_ng)}"
        total = f"the total {amount(self.total_ng)}"
        share = fmt(self.monomeric_ng * 100 / self.total_ng)
        if self.above:
            said = f"{given} is above {total} (a PEG recovery of {share}%)"
        else:
            said = f"{given} is {share}% of {total}, an implausibly low PEG recovery"
        sentence = f"Contradiction: {said}, so it was not used for the macroprolactin screen"
        if self.other is None:
            return f"{sentence}; check both values with the lab"
        unit, other_ng = self.other
        return (
            f"{sentence}; likely a unit mix-up: the same number in {unit} is "
            f"{fmt(other_ng)} {NG_ML}, a recovery of {fmt(other_ng * 100 / self.total_ng)}%; "
            "check both units with the lab"
        )


def implausible_monomeric(
    value_ng: np.ndarray,
    qualifier: np.ndarray,
    converted: Converted,
    note_qualifier: np.ndarray,
    lowest_pct: float,
    highest_pct: float,
    lowest_ng: float,
) -> list[Contradiction | None]:
    """Per row, its monomeric (post-PEG) prolactin's contradiction with the total (None where
    there is none, or no monomeric prolactin): above ``highest_pct`` of the total (the
    monomeric part of a sample is never larger than the whole: clinical-reference §2.3), or
    below ``lowest_pct`` of it where the same number read in the other prolactin unit gives a
    recovery between the two, the value has no unit of its own written and is below
    ``lowest_ng`` ng/mL, the lowest post-PEG lower limit (a unit mix-up: 25 meant in ng/mL
    beside a total of 1300 mIU/L is 1.2 ng/mL).  A small share alone is no contradiction: a
    large macroprolactin beside a normal monomeric level is macroprolactinaemia.  Such a value
    is not used for the macroprolactin screen.  Not judged: a censored total or
    monomeric prolactin ("<1 ng/mL"), a total that is not positive."""
    mono = converted.monomeric_ng.to_numpy(dtype="float64")
    other = converted.monomeric_other_ng.to_numpy(dtype="float64")
    out: list[Contradiction | None] = [None] * len(mono)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = mono * 100 / value_ng
        other_share = other * 100 / value_ng
        plain = (qualifier == "") & (note_qualifier == "") & (value_ng > 0) & ~np.isnan(mono)
        above = plain & (share > highest_pct)
        mixed = (other_share >= lowest_pct) & (other_share <= highest_pct)
        stated = converted.monomeric_unit_stated.to_numpy(dtype=bool)
        tiny = plain & (share < lowest_pct) & mixed & ~stated & (mono < lowest_ng)
    for i in np.flatnonzero(above | tiny).tolist():
        reading = float(other[i])
        unit = MIU_L if reading < mono[i] else NG_ML
        mix_up = (unit, reading) if mixed[i] else None
        out[i] = Contradiction(float(mono[i]), float(value_ng[i]), bool(above[i]), mix_up)
    return out
