"""The patient-state reader (triage/engine/state.py) over tests/data/state_corpus.toml.

Each cell of the corpus is read through a one-row canonical frame (as the engine reads it), so
the bare-answer, descriptive, negation and doubt rules and the per-row combination are all
exercised.  Synthetic data only.
"""

from __future__ import annotations

import time
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from triage.engine import canonical_frame
from triage.engine.state import (
    STATE_TEXT_COLUMNS,
    PatientState,
    derived_columns,
    load_state_vocabulary,
    read_states,
    state_hits,
)
from triage.knowledge import load_knowledge
from triage.schema import FLAG_FIELDS

CORPUS = tomllib.loads((Path(__file__).parent / "data" / "state_corpus.toml").read_text("utf-8"))
CELLS: list[dict[str, Any]] = CORPUS["cell"]
ROWS: list[dict[str, Any]] = CORPUS["row"]
LANGUAGE_SAMPLES = {
    "de": ["schwanger", "stillende Mutter", "Wechseljahre", "Peritonealdialyse", "Leberzirrhose"],
    "fr": ["pas enceinte", "allaitement", "ménopausée", "greffé rénal", "cirrhose"],
    "es": ["no embarazada", "lactancia materna", "menopausia", "trasplantado renal", "cirrosis"],
    "it": ["non incinta", "allattamento", "menopausa", "trapiantato di rene", "epatite C"],
    "nl": ["niet zwanger", "borstvoeding", "menopauze", "niertransplantatie", "levercirrose"],
}
_NOT_FIELDS = {"column", "text", "cells", "sex", "age"}
PAST_CHILDBEARING = load_knowledge().thresholds.get("pregnancy_implausible_age_years")


def _field(column: str) -> str:
    return f"{column}_text" if column in FLAG_FIELDS else column


def _state(cells: dict[str, str], case: dict[str, Any]) -> PatientState:
    row: dict[str, Any] = {
        "sex": case.get("sex", "F"),
        "age_years": case.get("age", 35),
        "prolactin": 20,
        "unit": "ng/mL",
    }
    for column, text in cells.items():
        row[column] = text  # canonical_frame keeps a flag's text in f"{flag}_text"
    frame = canonical_frame([row])
    return read_states(frame, PAST_CHILDBEARING)[0]


def _check(state: PatientState, case: dict[str, Any]) -> None:
    for key, expected in case.items():
        if key in _NOT_FIELDS:
            continue
        got = bool(state.conflicts) if key == "conflicts" else getattr(state, key)
        if expected == "null":  # TOML has no null: "null" means the field is None
            assert got is None, (key, got, state)
            continue
        if isinstance(expected, float):
            assert got == pytest.approx(expected, abs=0.01), (key, state)
        else:
            assert got == expected, (key, got, state)


def _case_id(case: dict[str, Any]) -> str:
    return f"{case['column']}:{case['text']}"


def test_corpus_is_large_and_covers_six_languages() -> None:
    assert len(CELLS) >= 400
    texts = {case["text"] for case in CELLS}
    for language, samples in LANGUAGE_SAMPLES.items():
        assert set(samples) <= texts, language
    for case in CELLS:
        assert _field(case["column"]) in STATE_TEXT_COLUMNS, case


@pytest.mark.parametrize("case", CELLS, ids=[_case_id(c) for c in CELLS])
def test_cell(case: dict[str, Any]) -> None:
    _check(_state({case["column"]: case["text"]}, case), case)


@pytest.mark.parametrize("case", ROWS, ids=[str(c["cells"]) for c in ROWS])
def test_row(case: dict[str, Any]) -> None:
    state = _state(case["cells"], case)
    _check(state, case)
    if case.get("conflicts"):
        assert all(text and text[0].islower() for text in state.conflicts)


def test_bare_flag_without_text_means_its_column() -> None:
    frame = canonical_frame(
        [
            {"sex": "F", "age_years": 30, "pregnant": True},
            {"sex": "F", "age_years": 30, "lactating": False, "menopausal": True},
            {"sex": "F", "age_years": 30, "dialysis": True},
        ]
    )
    first, second, third = read_states(frame, PAST_CHILDBEARING)
    assert first.pregnant and first.said("pregnancy") == "pregnant: 'yes'"
    assert second.lactation == "no" and second.menopause == "post"
    assert third.renal == "dialysis"


def test_numbers_from_columns_and_lmp_at_collection() -> None:
    frame = canonical_frame(
        [
            {"sex": "F", "age_years": 30, "gestational_weeks": 30.0},
            {"sex": "F", "age_years": 30, "hcg": "positive", "hcg_positive": True},
            {
                "sex": "F",
                "age_years": 30,
                "pregnant": "yes",
                "comments": "LMP 01/01/2026",
                "collected_at": "2026-04-02",
            },
            {"sex": "F", "age_years": 30, "postpartum_weeks": 3.0, "lactating": "bottle"},
        ]
    )
    states = read_states(frame, PAST_CHILDBEARING)
    assert states[0].pregnant and states[0].gestation_weeks == 30.0
    assert states[1].pregnant and "hCG" in states[1].said("pregnancy")
    assert states[2].pregnant and states[2].lmp == "2026-01-01"
    weeks = derived_columns(frame, states)["gestational_weeks"]
    assert weeks.iloc[2] == pytest.approx(13.0, abs=0.01)
    assert states[3].postpartum and states[3].postpartum_weeks == 3.0 and not states[3].lactating


def test_state_hits_quote_the_cell() -> None:
    frame = canonical_frame(
        [{"sex": "F", "age_years": 40, "dialysis": "HD Mon/Wed/Fri", "comments": "?pregnant"}]
    )
    hits = state_hits(read_states(frame, PAST_CHILDBEARING))[0]
    assert hits["dialysis"][0].evidence() == "dialysis: 'HD Mon/Wed/Fri'"
    assert hits["pregnancy_query"][0].evidence() == "comments: '?pregnant'"
    assert "pregnancy" not in hits


def test_reading_is_cached_per_distinct_cell() -> None:
    vocab = load_state_vocabulary()
    first = vocab.read("comments", "pregnant 28/40")
    assert vocab.read("comments", "pregnant 28/40") is first


def test_100k_rows_are_read_quickly() -> None:
    """Exports have few distinct strings: reading 100,000 rows costs a few distinct reads."""
    texts = [case for case in CELLS[:300]]
    rows = [
        {"sex": "F", "age_years": 20 + i % 50, "prolactin": 20, _field_key(c): c["text"]}
        for i, c in enumerate(texts)
    ]
    base = canonical_frame(rows)
    frame = base.loc[np.resize(base.index.to_numpy(), 100_000)].reset_index(drop=True)
    started = time.perf_counter()
    states = read_states(frame, PAST_CHILDBEARING)
    derived = derived_columns(frame, states)
    hits = state_hits(states)
    elapsed = time.perf_counter() - started
    assert len(states) == len(hits) == 100_000 and len(derived["pregnant"]) == 100_000
    assert elapsed < 3, f"{elapsed:.2f} s"


def _field_key(case: dict[str, Any]) -> str:
    return str(case["column"])


def test_derived_columns_are_the_canonical_dtypes() -> None:
    frame = canonical_frame([{"sex": "F", "pregnant": "28/40"}, {"sex": "F", "pregnant": "no"}])
    derived = derived_columns(frame, read_states(frame, PAST_CHILDBEARING))
    assert derived["pregnant"].dtype == pd.BooleanDtype()
    assert derived["pregnant"].tolist() == [True, False]
    assert derived["gestational_weeks"].tolist() == [28.0, None] or np.isnan(
        derived["gestational_weeks"].iloc[1]
    )


def test_a_cell_saying_both_is_not_quoted_against_itself() -> None:
    from triage.engine.state import _against
    from triage.engine.state_words import Fact

    said = [Fact("lactation", "yes", "pregnant_text", "Stillzeit ja/nein")]
    denied = [Fact("lactation", "no", "pregnant_text", "Stillzeit ja/nein")]
    assert _against(said, denied) == "pregnant: 'Stillzeit ja/nein' says both"
    other = [Fact("lactation", "no", "comments", "abgestillt")]
    assert _against(said, other) == "pregnant: 'Stillzeit ja/nein' but comments: 'abgestillt'"
