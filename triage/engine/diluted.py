"""A diluted result written in a note: the result that counts where it is higher.

A large lesion can make the undiluted prolactin read falsely low (hook effect); the lab then
re-assays at 1:100 dilution and often writes the diluted value in a comment ("diluted 1:100: 9800
mIU/L", "nach Verdünnung 1:100: 9800 mIE/l": states.toml `diluted_prolactin_in_notes`, read with
its prolactin unit).  Where that value is higher than the cell's result, the row is judged with
it (clinical-reference §0 hook effect, §4): conservative, a note never lowers a result.  The
cell itself stays the row's `prolactin_raw`.  Pure: arrays in, arrays out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from triage.engine.state import PatientState
from triage.engine.state_words import Fact
from triage.engine.units import MIU_L, NG_ML

DILUTED_LAB = "lab:diluted_prolactin"
_BELOW = "<"  # a diluted "<" bound says nothing of a higher result: not used


@dataclass(frozen=True)
class Diluted:
    """Per row: the diluted result taken, in the row's unit (NaN where none is taken), its
    qualifier ("" or ">"), and the note it was read from (Fact.evidence(), "" where none)."""

    value: np.ndarray
    qualifier: list[str]
    evidence: list[str]

    @property
    def taken(self) -> np.ndarray:
        taken: np.ndarray = ~np.isnan(self.value)
        return taken


def diluted_results(
    frame: pd.DataFrame,
    patients: Sequence[PatientState],
    value_ng: np.ndarray,
    factor: np.ndarray,
) -> Diluted | None:
    """The diluted results written in the rows' notes that are higher than their cells' results
    (`value_ng`, with the rows' mIU/L per ng/mL `factor`), or None where no row has one."""
    n = len(frame)
    found = [[f for f in p.labs if f.field == DILUTED_LAB and f.value != _BELOW] for p in patients]
    if not any(found):
        return None
    units = frame["prolactin_unit"].astype(object).tolist()
    value = np.full(n, np.nan, dtype="float64")
    qualifier = [""] * n
    evidence = [""] * n
    for i, facts in enumerate(found):
        if not facts or units[i] not in (NG_ML, MIU_L):
            continue
        best: tuple[float, Fact] | None = None
        for fact in facts:
            ng = _in_ng_ml(fact, float(factor[i]))
            if ng == ng and (best is None or ng > best[0]):
                best = (ng, fact)
        if best is None or not best[0] > value_ng[i]:
            continue  # not higher than the cell (or the cell holds no number): the cell stands
        ng, fact = best
        same_unit = fact.unit == units[i]
        value[i] = fact.number if same_unit else ng * (factor[i] if units[i] == MIU_L else 1)
        qualifier[i] = fact.value
        evidence[i] = fact.evidence()
    if np.isnan(value).all():
        return None
    return Diluted(value, qualifier, evidence)


def _in_ng_ml(fact: Fact, factor: float) -> float:
    """The fact's number in ng/mL (NaN where its unit cannot be converted)."""
    if fact.number is None:
        return float("nan")
    if fact.unit == NG_ML:
        return fact.number
    if fact.unit == MIU_L and factor > 0:
        return fact.number / factor
    return float("nan")
