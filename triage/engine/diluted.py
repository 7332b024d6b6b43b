"""A diluted result written in a note: the result that counts where it is higher.

A large lesion can make the undiluted prolactin read falsely low (hook effect); the lab then
re-assays at 1:100 dilution and often writes the diluted value in a comment ("diluted 1:100: 9800
mIU/L", "nach Verdünnung 1:100: 9800 mIE/l": states.toml `diluted_prolactin_in_notes`, read with
its prolactin unit).  Where that value is higher than the cell's result, the row is judged with
it (clinical-reference §0 hook effect, §4): conservative, a note never lowers a result.  The
cell itself stays the row's `prolactin_raw`.  Pure: arrays in, arrays out.

A diluted result in a note that is not higher leaves the cell as the result, but the dilution was
done: RowContext.dilution_seen reads it (and the words saying so, cues.toml dilution_done), so the
hook effect is settled and the dilution is not asked for again (priority.hook_effect_risk).

A result cell may write the diluted value itself, with words outside brackets ("8200 diluted",
"> 470, after dilution 1:100: 8200": synonyms.toml [values.diluted_result]); the reader already
gives its diluted value as the row's result (values.diluted_cell), and such a row is judged as
one with a diluted value in a note is: the hook effect cannot lower it (no dilution asked again),
and the undiluted result written beside it is named in the comment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from triage.engine.state import PatientState
from triage.engine.state_words import Fact
from triage.engine.units import MIU_L, NG_ML
from triage.schema import field_words
from triage.values import diluted_cell

DILUTED_LAB = "lab:diluted_prolactin"
_BELOW = "<"  # a diluted "<" bound says nothing of a higher result: not used


@dataclass(frozen=True)
class Diluted:
    """Per row: the diluted result taken, in the row's unit (NaN where none is taken), its
    qualifier ("" or ">"), and the note it was read from (Fact.evidence(), "" where none)."""

    value: np.ndarray
    qualifier: list[str]
    evidence: list[str]
    # per row, where the diluted value is the result cell's own: the undiluted result written
    # beside it ("> 470"), "" where the cell writes none; None for a row taken from a note
    undiluted: list[str | None] | None = None

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
    cells = _diluted_cells(frame)
    if not any(found) and not cells:
        return None
    units = frame["prolactin_unit"].astype(object).tolist()
    value = np.full(n, np.nan, dtype="float64")
    qualifier = [""] * n
    evidence = [""] * n
    undiluted: list[str | None] = [None] * n
    for i, facts in enumerate(found):
        if not facts or units[i] not in (NG_ML, MIU_L):
            continue
        best: tuple[float, Fact] | None = None
        for fact in facts:
            ng = _in_ng_ml(fact, fact.unit or units[i], float(factor[i]))
            if ng == ng and (best is None or ng > best[0]):
                best = (ng, fact)
        if best is None or not best[0] > value_ng[i]:
            continue  # not higher than the cell (or the cell holds no number): the cell stands
        ng, fact = best
        same_unit = (fact.unit or units[i]) == units[i]  # none written: the row's unit
        value[i] = fact.number if same_unit else ng * (factor[i] if units[i] == MIU_L else 1)
        qualifier[i] = fact.value
        evidence[i] = fact.evidence()
    if cells:
        own = frame["prolactin_value"].to_numpy(dtype="float64")
        marks = frame["qualifier"].astype(object).tolist()
        for i, (written, neat) in cells.items():
            if not np.isnan(value[i]) or np.isnan(own[i]):
                continue  # a note's higher diluted value is taken; a rejected row has none
            value[i] = own[i]  # the reader gave the diluted value as the result
            qualifier[i] = marks[i] if isinstance(marks[i], str) else ""
            evidence[i] = f"{field_words('prolactin')}: '{written}'"
            undiluted[i] = neat
    if np.isnan(value).all():
        return None
    return Diluted(value, qualifier, evidence, undiluted if cells else None)


def _diluted_cells(frame: pd.DataFrame) -> dict[int, tuple[str, str]]:
    """Per row (position) whose result cell writes its diluted value with words and whose
    diluted value is the result (values.diluted_cell): (the diluted part as written, the
    undiluted part, "" where none)."""
    out: dict[int, tuple[str, str]] = {}
    raws = frame["prolactin_raw"].astype(object).tolist()
    read: dict[str, tuple[str, str] | None] = {}
    for i, raw in enumerate(raws):
        if not isinstance(raw, str) or not raw:
            continue
        if raw not in read:
            cell = diluted_cell(raw)
            taken = cell is not None and cell.diluted_taken
            read[raw] = (cell.diluted_text, cell.undiluted_text) if cell and taken else None
        found = read[raw]
        if found is not None:
            out[i] = found
    return out


def _in_ng_ml(fact: Fact, unit: str, factor: float) -> float:
    """The fact's number, in `unit` (its own, else the row's: "diluted 1/100 = 4500"), in ng/mL
    (NaN where that unit cannot be converted)."""
    if fact.number is None:
        return float("nan")
    if unit == NG_ML:
        return fact.number
    if unit == MIU_L and factor > 0:
        return fact.number / factor
    return float("nan")
