"""Review 15: an ended pregnancy written with its gestation, a dash before an assay name, and the
unit a note quotes a row's own interval in.  Synthetic patients only.

1. A pregnancy loss (miscarriage, termination, stillbirth, ectopic or molar pregnancy) or a
   delivery written with the gestation it happened at is no current pregnancy: the weeks belong
   to the pregnancy that ended, in any order and in the six languages.  A raised prolactin is then
   judged against the non-pregnant interval (clinical-reference §2.1: prolactin is back to
   non-pregnant levels soon after a pregnancy ends), never the pregnancy interval.  A threatened
   loss with its gestation is still a pregnancy.
2. "28 ng/mL - Siemens": a dash followed by a word separates a remark (the assay), it is no
   low flag of the lab; a dash alone or in brackets still is.
3. A row's own limits given in their own cells are never quoted in the result's unit when the
   header named another.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

from triage.engine.state import PatientState, RowFacts, combine
from triage.engine.state_words import load_state_vocabulary
from triage.values import parse_quantity

STATES = load_state_vocabulary()
HEADER = "patient_id,sex,age,prolactin,unit,comments"


def _state(text: str) -> PatientState:
    return combine(STATES.read("comments", text), RowFacts(sex="F"))


def _rows(tmp_path: Path, value: str, notes: list[str]) -> list[pd.Series]:
    lines = [f"P{i},F,30,{value},ng/mL,{csv_quoted(n)}" for i, n in enumerate(notes)]
    out = triage_lines(tmp_path, HEADER, lines)
    return [out.loc[f"P{i}"] for i in range(len(notes))]


# --- 1. the gestation of an ended pregnancy -----------------------------------------------------
LOSSES = {
    "en": [
        "miscarriage at 8 weeks",
        "missed abortion 9. SSW",
        "stillbirth at 30 weeks",
        "termination of pregnancy at 10 weeks",
        "8 weeks, miscarriage",
    ],
    "de": [
        "Fehlgeburt in der 9. SSW",
        "Abort in SSW 8",
        "Totgeburt 30. SSW",
        "SSW 9 - Abort",
        "Schwangerschaftsabbruch 8+3 SSW",
    ],
    "fr": [
        "fausse couche à 8 SA",
        "8 SA, fausse couche",
        "IVG à 7 SA",
        "interruption de grossesse à 10 SA",
        "MFIU à 30 SA",
    ],
    "es": [
        "aborto a las 8 semanas",
        "IVE a las 9 semanas",
        "aborto espontáneo de 8 semanas",
        "muerte fetal a las 30 semanas",
    ],
    "it": [
        "aborto spontaneo alla 8a settimana",
        "IVG 8 settimane",
        "aborto a 9 settimane",
        "morte endouterina fetale a 30 settimane",
    ],
    "nl": [
        "miskraam bij 8 weken",
        "abortus bij 10 weken",
        "miskraam 9 weken",
        "intra-uteriene vruchtdood bij 30 weken",
    ],
}

ECTOPIC = [
    "ectopic pregnancy 7 weeks",
    "molar pregnancy",
    "Extrauteringravidität 7. SSW",
    "GEU 7 SA",
    "embarazo ectópico de 7 semanas",
    "gravidanza extrauterina 7 settimane",
    "buitenbaarmoederlijke zwangerschap 7 weken",
]

DELIVERIES = [
    "delivered at 38 weeks",
    "Entbindung in der 39. SSW",
    "Sectio 38+2",
    "accouchement à 39 SA",
    "parto a las 39 semanas",
    "parto a 39 settimane",
    "bevallen bij 39 weken",
]

STILL_PREGNANT = [
    "pregnant 8 weeks",
    "SSW 14",
    "grossesse 20 SA",
    "threatened miscarriage at 8 weeks",
    "drohender Abort 9. SSW",
    "menace de fausse couche à 8 SA",
    "amenaza de aborto a las 8 semanas",
    "minaccia d'aborto alla 8a settimana",
    "dreigende miskraam bij 8 weken",
    "SSW 10, Abort imminens",
    # an old loss beside the current gestation is history, the gestation is now
    "20 SA, fausse couche antérieure",
    "SSW 20, Abort 2019",
    # a planned delivery is no delivery yet
    "geplante Sectio in der 39. SSW",
    # a termination wished or planned has not happened
    "pregnant 12 weeks - abortion wish",
    "8 SA, IVG prévue",
    "SSW 9, Abort gewünscht",
]


@pytest.mark.parametrize("language", sorted(LOSSES))
def test_a_loss_with_its_gestation_is_an_ended_pregnancy(tmp_path: Path, language: str) -> None:
    """PRL 60 ng/mL in a woman of 30 after a loss: raised against the non-pregnant interval."""
    notes = LOSSES[language]
    for note, row in zip(notes, _rows(tmp_path, "60", notes), strict=True):
        state = _state(note)
        assert state.pregnancy_ended and not state.pregnant, note
        assert row["status"] == "high", note
        assert row["priority"] == "soon", note
        assert "pregnancy" not in str(row["factors"]).split(";"), note


def test_an_ectopic_or_molar_pregnancy_with_its_gestation_is_no_ongoing_one(
    tmp_path: Path,
) -> None:
    for note, row in zip(ECTOPIC, _rows(tmp_path, "60", ECTOPIC), strict=True):
        assert not _state(note).pregnant, note
        assert row["status"] == "high", note


def test_a_delivery_with_its_gestation_is_no_current_pregnancy(tmp_path: Path) -> None:
    for note, row in zip(DELIVERIES, _rows(tmp_path, "60", DELIVERIES), strict=True):
        state = _state(note)
        assert not state.pregnant and state.pregnancy != "yes", note
        assert row["status"] != "normal", note


def test_a_delivery_with_its_gestation_written_as_recent_is_the_postpartum() -> None:
    for note in ("delivered at 38 weeks last week", "Sectio 38+2 vor 3 Tagen"):
        state = _state(note)
        assert state.postpartum and not state.pregnant, note


def test_a_current_or_threatened_pregnancy_with_its_gestation_stays_pregnant(
    tmp_path: Path,
) -> None:
    for note, row in zip(STILL_PREGNANT, _rows(tmp_path, "60", STILL_PREGNANT), strict=True):
        assert _state(note).pregnant, note
        assert row["status"] == "normal", note


def test_an_old_loss_with_its_gestation_stays_history() -> None:
    for note in ("fausse couche 8 SA en 2023", "miscarriage at 8 weeks in 2019"):
        state = _state(note)
        assert not state.pregnant and not state.pregnancy_ended, note


# --- 2. a dash before an assay name --------------------------------------------------------------
@pytest.mark.parametrize(
    "cell",
    [
        "28 ng/mL - Siemens",
        "28 ng/mL – Roche Elecsys",
        "28 ng/mL — ECLIA",
        "28 ng/mL - Abbott Architect",
    ],
)
def test_a_dash_before_a_word_is_no_low_flag(cell: str) -> None:
    quantity = parse_quantity(cell)
    assert quantity.status == "ok" and quantity.value == 28, cell
    assert quantity.flag == "", cell


@pytest.mark.parametrize("cell", ["28 -", "28 ng/mL -", "28 (-)", "28 L", "28 ↓", "28 - ↓"])
def test_a_dash_alone_is_still_the_labs_low_flag(cell: str) -> None:
    assert parse_quantity(cell).flag == "low", cell


def test_an_assay_after_a_dash_leaves_a_normal_result_normal(tmp_path: Path) -> None:
    out = triage_lines(
        tmp_path,
        "patient_id,sex,age,prolactin",
        ["A,F,30,28 ng/mL - Siemens", "B,F,30,28 ng/mL -"],
    )
    assert out.loc["A", "status"] == "normal"
    assert out.loc["B", "status"] == "indeterminate"  # the lab's own low flag, still read


# --- 3. the unit a row's own limits are quoted in ---------------------------------------------
def test_limits_from_their_own_cells_are_not_quoted_in_the_results_unit(tmp_path: Path) -> None:
    out = triage_lines(
        tmp_path,
        "patient_id,sex,age,Prolactin (mIU/L),Ref low (ng/mL),Ref high (ng/mL)",
        ["A,F,30,600,4.79,23.3"],
    )
    note = str(out.loc["A", "reference_note"])
    assert "4.79–23.3" in note
    assert "4.79–23.3 mIU/L" not in note
    assert out.loc["A", "status"] == "high"
