"""The engine's per-distinct work decides exactly as the per-row path (triage/engine/distinct.py:
interval choice, cue and drug reading once per distinct combination of the cells they read, and
core._decide_rows: one decision per distinct calm context).  A key that leaves out an input a
rule reads would hand a row another row's decision: these tests compare every row with the
per-row path, on rows equal in everything but one rule input."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_engine_speed import _assert_same, _frames

from triage.engine import canonical_frame, distinct, triage_frame
from triage.engine.distinct import distinct_rows
from triage.knowledge import load_knowledge

OUTPUTS = ["priority", "factors", "suggestions", "factor_evidence", "comment", "reference_note"]


def _both(frame: pd.DataFrame, ranges: str = "default") -> tuple[pd.DataFrame, pd.DataFrame]:
    knowledge = load_knowledge(ranges)
    grouped = triage_frame(frame, knowledge)
    saved = distinct.GROUPING
    distinct.GROUPING = False  # every row on its own
    try:
        per_row = triage_frame(frame, knowledge)
    finally:
        distinct.GROUPING = saved
    return grouped, per_row


@pytest.mark.parametrize(
    "name, frame, ranges", _frames(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_grouped_as_per_row(name: str, frame: pd.DataFrame, ranges: str) -> None:
    """The clinical vignettes, them varied, and the sample exports: the same either way."""
    grouped, per_row = _both(frame, ranges)
    _assert_same(grouped, per_row)


def test_grouped_as_per_row_repeated() -> None:
    """Each vignette many times over with its rows shuffled: most rows share a context with
    another, in any order."""
    frame = _frames()[1][1]  # the varied vignettes
    rng = np.random.default_rng(11)
    repeated = frame.loc[rng.choice(frame.index.to_numpy(), len(frame) * 3)]
    grouped, per_row = _both(repeated.reset_index(drop=True))
    _assert_same(grouped, per_row)


BASE: dict[str, Any] = {
    "sex": "F",
    "age_years": 34,
    "prolactin": "12",
    "unit": "ng/mL",
    "medications": "paracetamol",
    "collected_at": "2026-03-02 10:30",
}

# Pairs of rows equal in everything but one rule input, that must not share a decision.
PAIRS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "drug_in_a_note": ({"prolactin": "45"}, {"prolactin": "45", "comments": "on risperidone"}),
    "masking_drug_in_a_note": ({}, {"comments": "on cabergoline"}),
    "dopamine_agonist_listed": ({}, {"medications": "cabergoline 0.5 mg weekly"}),
    "symptom": ({"prolactin": "45"}, {"prolactin": "45", "symptoms": "galactorrhoea"}),
    "sellar_sign": ({}, {"symptoms": "bitemporal hemianopia"}),
    "lesion_in_a_note": ({}, {"comments": "pituitary macroadenoma 14 mm"}),
    "lesion_column": ({}, {"pituitary_lesion": "microadenoma"}),
    "lesion_size": ({}, {"pituitary_lesion_mm": 25.0}),
    "red_flag_raised": ({"prolactin": "60"}, {"prolactin": "60", "symptoms": "visual loss"}),
    "egfr": ({"prolactin": "60", "egfr": 80.0}, {"prolactin": "60", "egfr": 12.0}),
    "pregnancy_week": (
        {"prolactin": "150", "pregnant": True, "gestational_weeks": 8.0},
        {"prolactin": "150", "pregnant": True, "gestational_weeks": 36.0},
    ),
    "pregnancy_conflict": ({}, {"pregnant": False, "hcg_positive": True}),
    "age_at_adult_edge": (
        {"prolactin": "25", "age_years": 17.9, "sex": "M"},
        {"prolactin": "25", "age_years": 18.1, "sex": "M"},
    ),
    "age_past_childbearing": (
        {"prolactin": "40", "age_years": 49.0},
        {"prolactin": "40", "age_years": 61.0},
    ),
    "value_band": ({"prolactin": "25"}, {"prolactin": "250"}),
    "value_in_text": ({"prolactin": "55"}, {"prolactin": "56"}),
    "open_result": ({"prolactin": "25"}, {"prolactin": ">25"}),
    "censored_low": ({"prolactin": "2.0"}, {"prolactin": "<2.0"}),
    "breastfeeding": ({"prolactin": "150"}, {"prolactin": "150", "lactating": True}),
    "lab_interval": ({}, {"reference_low": 4.8, "reference_high": 10.0}),
    "unit": ({"prolactin": "250", "unit": "mIU/L"}, {"prolactin": "250", "unit": "ng/mL"}),
    "tsh": ({"prolactin": "45", "tsh": 1.2}, {"prolactin": "45", "tsh": 25.0}),
    # what the comment reads (core._comments)
    "comment_medication_given": ({"prolactin": "60"}, {"prolactin": "60", "medications": None}),
    "comment_medication_cell_blank": (
        {"prolactin": "60", "medications": None},
        {"prolactin": "60", "medications": " "},
    ),
    "comment_kidney_given": ({"prolactin": "60"}, {"prolactin": "60", "egfr": 95.0}),
    "comment_dialysis_cell": ({"prolactin": "60"}, {"prolactin": "60", "dialysis": False}),
    "comment_thyroid_given": ({"prolactin": "60"}, {"prolactin": "60", "tsh": 1.5}),
    "comment_value_decimals": ({"prolactin": "12"}, {"prolactin": "12.0"}),
    "comment_result_unreadable": ({"prolactin": "haemolysed"}, {"prolactin": "clotted"}),
    "comment_lab_limits": (
        {"reference_low": 4.8, "reference_high": 23.3},
        {"reference_low": 4.8, "reference_high": 23.4},
    ),
    "comment_value_in_lab_unit": (
        {"prolactin": "600", "unit": "mIU/L", "pregnant": True},
        {"prolactin": "610", "unit": "mIU/L", "pregnant": True},
    ),
    "seizure_time": (
        {"prolactin": "45", "comments": "seizure at 10:00", "collected_at": "2026-03-02 10:30"},
        {"prolactin": "45", "comments": "seizure at 10:00", "collected_at": "2026-03-02 16:30"},
    ),
}


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_one_input_apart(name: str) -> None:
    """Each pair amid copies of both rows (so a row can be keyed with its copies): every row
    decided as on its own, and the two rows' outputs differ (the input matters)."""
    first, second = ({**BASE, **change} for change in PAIRS[name])
    rows = [first, second, first, second, second, first]
    grouped, per_row = _both(canonical_frame(rows))
    _assert_same(grouped, per_row)
    one, other = grouped.iloc[0][OUTPUTS], grouped.iloc[1][OUTPUTS]
    assert not one.equals(other), f"{name}: the pair decides alike, the test shows nothing"


def test_distinct_rows_compares_floats_bit_for_bit() -> None:
    values = np.array([0.0, -0.0, np.nan, np.nan, 1.0, 0.0])
    codes, first = distinct_rows([values])
    assert codes.tolist() == [0, 1, 2, 2, 3, 0]
    assert first.tolist() == [0, 1, 2, 4]


def test_distinct_rows_combines_columns() -> None:
    a = np.array(["x", "x", "y", "x"], dtype=object)
    b = np.array([1, 2, 1, 1])
    codes, first = distinct_rows([a, b])
    assert codes.tolist() == [0, 1, 2, 0]
    assert first.tolist() == [0, 1, 2]
