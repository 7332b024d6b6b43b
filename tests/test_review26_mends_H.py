"""Review 26 (review C, findings 1-4 of fix202): mend H.

- A parent word before a pregnancy or breastfeeding word on a WOMAN's row is the patient herself
  ("Pat. ist werdende Mama (20. SSW)", "maman enceinte", "mamá primeriza embarazada"); only on a
  minor's row (below thresholds.toml adult_age_years), or with a possessive or "of the patient"
  ("seine Mama", "sa maman", "su mamá", "la mamma del paziente", "mother of the patient"), does it
  name someone else (clinical-reference §2.1: the pregnancy interval).
- A relative's list ("Mother:", "FA:", "Mutter:", "Madre:", "Mère:", "Moeder:") ends where the note
  turns back to the patient ("patient on", "Pat:", "sonst:", "VG:", "la paciente toma", "patiente
  sous", "paziente in terapia con", "de patiënt gebruikt", "Eigenanamnese"): her hypothyroidism and
  her antipsychotic stay hers (clinical-reference §1.1, §4).
- The Italian "mamma" as the breast ("Mamma: galattorrea", "E.O. mamma:", "mamma sx", "mamma
  destra") opens no mother's list, as the Spanish "mama: galactorrea" does not.
- "lt 18", "LT18", "LT 65", "45 lt" in an age column are never days of life: "LT n" is the German
  Lebenstag only in a German age column and for a day of the first month
  (newborn_word_max_age_days); elsewhere the cell gives no age (unreadable_age, as "<18").
Synthetic patients only.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_on_day

DAYS_PER_YEAR = 365.25
RUN_DAY = datetime(2026, 12, 7, 9, 30)
NOTE_HEADER = "Patient ID,Sex,Age,Collected,Prolactin (mIU/L),Notes"


def _run(folder: Path, header: str, lines: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(results indexed by patient id, rejected rows) of one run on the run day."""
    outcome = triage_on_day(folder, header, lines, RUN_DAY)
    rejected = pd.read_csv(folder / "out" / "rejected.csv", dtype=str)
    return outcome.results.set_index("patient_id"), rejected


def _factors(row: pd.Series) -> list[str]:
    return [f for f in str(row["factors"] or "").split(";") if f]


# --- 1. a parent word on a woman's row is the patient herself --------------------------------
# (note, the state it keeps)
ADULT_MOTHERS = [
    ("Pat. ist werdende Mama (20. SSW)", "pregnancy"),
    ("Mama schwanger", "pregnancy"),
    ("Mama stillt", "lactation"),
    ("maman enceinte", "pregnancy"),
    ("future maman, enceinte de 5 mois", "pregnancy"),
    ("maman allaite", "lactation"),
    ("mamá primeriza embarazada", "pregnancy"),
    ("mamá embarazada", "pregnancy"),
    ("mamma incinta", "pregnancy"),
    ("neo mamma incinta di 20 settimane", "pregnancy"),
    ("mama zwanger", "pregnancy"),
    ("jonge moeder, zwanger 20 weken", "pregnancy"),
    ("mummy pregnant 20 weeks", "pregnancy"),
]
# a possessive or "of the patient": another person's state on any row
OTHERS_MOTHERS = [
    "seine Mama schwanger",
    "ihre Mama stillt",
    "sa maman enceinte",
    "su mamá embarazada",
    "la mamma del paziente incinta",
    "haar mama zwanger",
    "mother of the patient pregnant",
]
# a minor's row: the parent words name a parent (fix202, kept)
CHILD_NOTES = ["Mama schwanger", "maman enceinte", "mamá embarazada", "mamma incinta"]


@pytest.fixture(scope="module")
def mothers_run(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    lines = [
        f"W{i},F,30,24/11/2026 08:10,1500,{csv_quoted(note)}"
        for i, (note, _) in enumerate(ADULT_MOTHERS)
    ]
    lines += [
        f"O{i},F,30,24/11/2026 08:10,1500,{csv_quoted(note)}"
        for i, note in enumerate(OTHERS_MOTHERS)
    ]
    lines += [
        f"C{i},F,14,24/11/2026 08:10,1500,{csv_quoted(note)}" for i, note in enumerate(CHILD_NOTES)
    ]
    out, _ = _run(tmp_path_factory.mktemp("mothers"), NOTE_HEADER, lines)
    return out


@pytest.mark.parametrize(("note", "state"), ADULT_MOTHERS)
def test_a_parent_word_on_a_womans_row_is_the_patient(
    mothers_run: pd.DataFrame, note: str, state: str
) -> None:
    row = mothers_run.loc[f"W{[n for n, _ in ADULT_MOTHERS].index(note)}"]
    assert state in _factors(row), note
    assert row["priority"] == "none", note
    assert "endocrine_referral" not in str(row["suggestions"]), note


@pytest.mark.parametrize("note", OTHERS_MOTHERS)
def test_a_parent_word_with_a_possessive_is_another_person(
    mothers_run: pd.DataFrame, note: str
) -> None:
    row = mothers_run.loc[f"O{OTHERS_MOTHERS.index(note)}"]
    assert "pregnancy" not in _factors(row), note
    assert "lactation" not in _factors(row), note
    assert row["status"] == "high", note


@pytest.mark.parametrize("note", CHILD_NOTES)
def test_a_parent_word_on_a_minors_row_is_a_parent(mothers_run: pd.DataFrame, note: str) -> None:
    row = mothers_run.loc[f"C{CHILD_NOTES.index(note)}"]
    assert "pregnancy" not in _factors(row), note
    assert row["status"] == "high", note


# --- 2. and 3. a relative's list ends at the patient; the Italian breast is no mother --------
# (note, the factors that must be there, those that must not)
LISTS = [
    ("Mother: diabetes, patient on risperidone, hypothyroid", ["hypothyroidism", "antipsychotic"]),
    ("FA: Diabetes, Pat: Hypothyreose, Risperdal", ["hypothyroidism", "antipsychotic"]),
    ("Mutter: Diabetes, sonst: Hypothyreose, Risperdal", ["hypothyroidism", "antipsychotic"]),
    ("Mutter: Diabetes, Eigenanamnese Hypothyreose, Risperdal", ["hypothyroidism"]),
    ("FA: diabetes, VG: hypothyreoïdie, medicatie: risperidon", ["hypothyroidism"]),
    ("Moeder: diabetes, de patiënt gebruikt risperidon, hypothyreoïdie", ["hypothyroidism"]),
    (
        "Madre: diabetes, la paciente toma risperidona, hipotiroidismo",
        ["hypothyroidism", "antipsychotic"],
    ),
    (
        "Mère: diabète, patiente sous rispéridone, hypothyroïdie",
        ["hypothyroidism", "antipsychotic"],
    ),
    ("Mère: diabète, le patient prend rispéridone, hypothyroïdie", ["hypothyroidism"]),
    (
        "Madre: diabete, paziente in terapia con risperidone, ipotiroidismo",
        ["hypothyroidism", "antipsychotic"],
    ),
    ("E.O. mamma: galattorrea bilaterale, terapia con risperidone", ["antipsychotic"]),
    ("Mamma: galattorrea bilaterale, in terapia con risperidone", ["antipsychotic"]),
    ("Mamma sx: nodulo, ipotiroidismo, risperidone", ["hypothyroidism", "antipsychotic"]),
    ("mamma destra: secrezione, ipotiroidismo, risperidone", ["hypothyroidism", "antipsychotic"]),
    ("mammella: galattorrea, ipotiroidismo, risperidone", ["hypothyroidism", "antipsychotic"]),
    ("mama: galactorrea, hipotiroidismo, risperidona", ["hypothyroidism", "antipsychotic"]),
]
# a relative's list without the patient named again stays the relative's (fix202, kept)
RELATIVES = [
    "FA: Diabetes, Hypothyreose",
    "Mutter: Hashimoto, Hypothyreose",
    "Mother: diabetes, hypothyroid",
    "Mère: diabète, hypothyroïdie",
    "Madre: diabetes, hipotiroidismo",
    "Mamma: ipotiroidismo, diabete",
    "Moeder: diabetes, hypothyreoïdie",
]


@pytest.fixture(scope="module")
def lists_run(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    lines = [
        f"K{i},F,45,24/11/2026 08:10,1500,{csv_quoted(note)}" for i, (note, _) in enumerate(LISTS)
    ]
    lines += [
        f"R{i},F,45,24/11/2026 08:10,1500,{csv_quoted(note)}" for i, note in enumerate(RELATIVES)
    ]
    out, _ = _run(tmp_path_factory.mktemp("lists"), NOTE_HEADER, lines)
    return out


@pytest.mark.parametrize(("note", "wanted"), LISTS)
def test_the_patients_own_items_after_a_relatives_list_stay_hers(
    lists_run: pd.DataFrame, note: str, wanted: list[str]
) -> None:
    row = lists_run.loc[f"K{[n for n, _ in LISTS].index(note)}"]
    factors = ";".join(_factors(row))
    for factor in wanted:
        assert factor in factors, (note, factors)
    assert "unexplained" not in factors, note


@pytest.mark.parametrize("note", RELATIVES)
def test_a_relatives_list_stays_the_relatives(lists_run: pd.DataFrame, note: str) -> None:
    row = lists_run.loc[f"R{RELATIVES.index(note)}"]
    assert "hypothyroidism" not in _factors(row), note


# --- 4. "lt" in an age cell ------------------------------------------------------------------
# (header of the age column, age cell, days of life or None: no age, the row rejected)
LT_AGES = [
    ("Age", "lt 18", None),
    ("Age", "LT18", None),
    ("Age", "LT 65", None),
    ("Age", "45 lt", None),
    ("Age", "LT 5", None),
    ("Âge", "LT 18", None),
    ("Edad", "LT 18", None),
    ("Età", "LT 18", None),
    ("Leeftijd", "LT 18", None),
    ("Alter", "LT 5", 5),
    ("Alter", "5. LT", 5),
    ("Alter", "LT18", 18),
    ("Alter", "LT 65", None),
    ("Alter", "45 lt", None),
]


@pytest.fixture(scope="module")
def lt_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[pd.DataFrame, ...]]:
    runs: dict[str, tuple[pd.DataFrame, ...]] = {}
    for header in dict.fromkeys(h for h, _, _ in LT_AGES):
        lines = [
            f"L{i},M,{csv_quoted(age)},24/11/2026 08:10,400"
            for i, (h, age, _) in enumerate(LT_AGES)
            if h == header
        ]
        runs[header] = _run(
            tmp_path_factory.mktemp("lt"),
            f"Patient ID,Sex,{header},Collected,Prolactin (mIU/L)",
            [*lines, "N0,M,40,24/11/2026 08:10,400"],
        )
    return runs


@pytest.mark.parametrize(("header", "age", "days"), LT_AGES)
def test_lt_is_a_day_of_life_only_in_a_german_column_and_the_first_month(
    lt_runs: dict[str, tuple[pd.DataFrame, ...]], header: str, age: str, days: int | None
) -> None:
    results, rejected = lt_runs[header]
    key = f"L{LT_AGES.index((header, age, days))}"
    if days is None:
        assert key not in results.index, (header, age, results.loc[key, "age_years"])
        assert "unreadable_age" in set(rejected.loc[rejected["patient_id"] == key, "reason_code"])
        return
    assert results.loc[key, "age_years"] == pytest.approx(days / DAYS_PER_YEAR, abs=0.01), age
