"""Review 21: pituitary causes beside a macroadenoma.  Through the pipeline (in-process CSV runs,
several notes per run).  Synthetic patients only.

1. Stalk compression in the overlap zone of §7.4: a 22 mm or 45 mm macroadenoma with 140 ng/mL
   listed `stalk_effect` whose own evidence said "makes stalk compression unlikely".  Between
   stalk_effect_max_ng_ml (94, Karavitaki 2006) and stalk_effect_observed_max_ng_ml (154) it is
   worded as the overlap ("a stalk effect or a prolactinoma; both are possible"); above that it
   is not listed; below 94 it is in the stalk range as before.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "patient_id,sex,age,prolactin,unit,pituitary_lesion,comments"


def _rows(tmp_path: Path, rows: list[tuple[str, float, str, str]], sex: str = "M") -> pd.DataFrame:
    """One row per (id, prolactin, unit, "lesion cell|note"), a 52-year-old of `sex`."""
    lines = []
    for pid, prl, unit, cells in rows:
        lesion, note = cells.split("|")
        lines.append(f"{pid},{sex},52,{prl},{unit},{csv_quoted(lesion)},{csv_quoted(note)}")
    return triage_lines(tmp_path, HEADER, lines)


def _notes(tmp_path: Path, notes: list[str], prl: float = 60, sex: str = "M") -> pd.DataFrame:
    """One row per note (N0, N1, ...) in the comments, no lesion cell."""
    return _rows(tmp_path, [(f"N{i}", prl, "ng/mL", f"|{n}") for i, n in enumerate(notes)], sex)


def _factors(row: pd.Series) -> dict[str, dict[str, str]]:
    return {d["code"]: d for d in row["factor_details"]}


def _steps(row: pd.Series) -> list[str]:
    return [c for c in str(row["suggestions"]).split(";") if c]


# 1. stalk compression in the overlap zone -------------------------------------------------------
def test_stalk_effect_is_worded_as_the_overlap_between_its_ceilings(tmp_path: Path) -> None:
    out = _rows(
        tmp_path,
        [
            ("V02", 140, "ng/mL", "macroadenoma 22 mm|haemodialysis 3x weekly"),
            ("V30", 140, "ng/mL", "macroadenoma 45 mm|diplopia"),
            ("MIU", 2900, "mIU/L", "Makroadenom 25 mm|"),
            ("Q", 120, "ng/mL", "?macroadenoma 25 mm|"),
            ("LOW", 80, "ng/mL", "macroadenoma 22 mm|"),
            ("HIGH", 200, "ng/mL", "macroadenoma 22 mm|"),
        ],
    )
    for pid in ("V02", "V30", "MIU", "Q"):
        row = out.loc[pid]
        stalk = _factors(row).get("stalk_effect")
        assert stalk is not None and stalk["strength"] == "possible", (pid, row["factors"])
        assert "unlikely" not in stalk["evidence"], (pid, stalk["evidence"])
        assert "a stalk effect or a prolactinoma; both are possible" in stalk["evidence"], pid
        assert "unlikely" not in str(row["factor_evidence"]), pid
    assert "between 94 and 154 ng/mL" in _factors(out.loc["V02"])["stalk_effect"]["evidence"]
    # the lab's unit first, ng/mL beside it
    assert "mIU/L (94 ng/mL)" in _factors(out.loc["MIU"])["stalk_effect"]["evidence"]
    # dialysis (up to ~195 ng/mL) is still listed beside the lesion
    assert "dialysis" in _factors(out.loc["V02"])
    # below ~94 ng/mL: in the stalk range, as before
    low = _factors(out.loc["LOW"])
    assert "in the range of stalk compression" in low["stalk_effect"]["evidence"]
    # above the highest level stalk compression reached (~154 ng/mL): not listed at all
    high = out.loc["HIGH"]
    assert "stalk_effect" not in _factors(high), high["factors"]
    assert "known_pituitary_lesion" in _factors(high)
