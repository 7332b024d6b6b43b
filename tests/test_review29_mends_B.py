"""Review 29 mend B2 (reviewer B findings 2 and 3, fix235): a dosing instruction's time ("30 min
before meals", "1 h vor dem Schlafen", "1 h pre-op") is not a dose before the sample; a pause
word about another noun ("Physiotherapie unterbrochen") or a past pause ("unterbrochen 2021 für
3 Monate") does not stop the drug.  One patient per case (F, 40 y, 85 ng/mL, sample 2026-11-04
08:00: tests/drug_stop_helpers.py); clinical-reference §3.1 (opioids: an acute rise within
90-150 min of a dose), output-contract §7."""

from __future__ import annotations

from pathlib import Path

import pytest
from drug_stop_helpers import drug_factors, stop_row


def _strength(row, code: str) -> str:  # type: ignore[no-untyped-def]
    return next(item["strength"] for item in row["factor_details"] if item["code"] == code)


_AE = "medication:antiemetic_prokinetic"


# ------------------------------------------- a dose time before a meal, sleep or an operation
INSTRUCTIONS = [
    ("Paspertin 10 mg bei Bedarf 30 min vor dem Essen", _AE),
    ("Metoclopramide 10 mg PRN 30 min before meals", _AE),
    ("Plasil 10 mg al bisogno 30 minuti prima dei pasti", _AE),
    ("Primperan 10 mg si precisa 30 minutos antes de las comidas", _AE),
    ("Primperan 10 mg zo nodig 30 min voor de maaltijd", _AE),
    ("Motilium 10 mg PRN 15-30 min before meals", _AE),
    ("Primpéran 10 mg si besoin 30 min avant les repas", _AE),
    ("Tramadol 50 mg 1 h vor dem Schlafen", "medication:opioid"),
    ("Codein 30 mg 30 min vor dem Essen", "medication:opioid"),
    ("morphine 2 mg IV 1 h pre-op (cholecystectomy 2024)", "medication:opioid"),
    ("morphine 10 mg 1 h prior to physiotherapy", "medication:opioid"),
    ("tramadolo 50 mg 2 ore prima di dormire", "medication:opioid"),
    ("morfina 10 mg 2 horas antes de acostarse", "medication:opioid"),
    ("tramadol 50 mg 1 uur voor het slapen", "medication:opioid"),
]


@pytest.mark.parametrize(("cell", "code"), INSTRUCTIONS)
def test_dosing_instruction_time_is_not_before_the_sample(
    tmp_path: Path, cell: str, code: str
) -> None:
    row = stop_row(tmp_path, cell)
    assert _strength(row, code) == "possible", (cell, row["factor_evidence"])
    assert "a dose given" not in row["factor_evidence"], (cell, row["factor_evidence"])
    assert row["priority"] == "soon", (cell, row["priority"])


@pytest.mark.parametrize(
    "cell",
    [
        "morphine 10 mg 1 h before",
        "morfina 10 mg 1 hora antes de la extracción",
        "Morphin 10 mg 1 h vor der Abnahme",
        "morfine 10 mg 1 uur voor de bloedafname",
    ],
)
def test_dose_before_the_sample_still_read(tmp_path: Path, cell: str) -> None:
    row = stop_row(tmp_path, cell)
    assert _strength(row, "medication:opioid") == "likely", (cell, row["factor_evidence"])
    assert "before the sample: its rise follows a dose" in row["factor_evidence"]


# ------------------------------------ a pause about another noun, or a pause that has ended
PAUSES = [
    "Risperdal 2 mg (Physiotherapie unterbrochen seit 1 Woche)",
    "Risperdal 2 mg (Schlaf unterbrochen seit 1 Woche)",
    "Risperdal 2 mg seit 2 Jahren (1 Woche unterbrochen im Sommer)",
    "Risperdal 2 mg (Therapie unterbrochen 2021 für 3 Monate)",
    "Risperdal 2 mg (interrumpido en 2020 durante 1 mes)",
    "Risperdal 2 mg (fisioterapia interrumpida desde hace 1 semana)",
    "Risperdal 2 mg (fysiotherapie onderbroken sinds 1 week)",
    "Risperdal 2 mg (sonno interrotto da 1 settimana)",
]


@pytest.mark.parametrize("cell", PAUSES)
def test_pause_of_something_else_keeps_the_drug(tmp_path: Path, cell: str) -> None:
    row = stop_row(tmp_path, cell)
    assert "medication:antipsychotic" in drug_factors(row), (cell, row["factor_evidence"])
    assert row["priority"] == "routine", (cell, row["priority"])
    assert "stopped" not in row["factor_evidence"], (cell, row["factor_evidence"])


@pytest.mark.parametrize(
    "cell",
    [
        "Risperdal ausgesetzt seit 2 Monaten",
        "Risperdal interrumpido desde hace 2 meses",
        "Risperdal onderbroken sinds 2 maanden",
    ],
)
def test_the_drugs_own_pause_still_stops_it(tmp_path: Path, cell: str) -> None:
    row = stop_row(tmp_path, cell)
    assert "medication:antipsychotic" not in drug_factors(row), (cell, row["factor_evidence"])
