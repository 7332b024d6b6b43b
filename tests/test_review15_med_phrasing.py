"""Review 15: medication phrasings read as a clinician means them, in six languages.

* a drug replaced by another ("substituted X for Y", "X replaced by Y", "Y instead of X",
  "cambio de tratamiento: X por Y", "X durch Y ersetzt", "X remplacé par Y", "X sostituito con
  Y", "X vervangen door Y"): only the drug now taken is current; the replaced one is stopped,
  and a stop date written after the new drug is its stop (a stop within the withdrawal days
  still acts: clinical-reference §0, ES 2011 re-measures 3 days after a stop);
* a questioned drug ("?risperidone", "risperidone?", "poss. on risperidone", "Risperdal
  (unclear)", "unsicher ob Risperdal"): a possible factor whose evidence says it is unconfirmed
  and whose next step is to confirm the medication, neither dropped nor stated as certain;
* poor adherence ("poor compliance with risperidone", "takes risperidone irregularly", "nimmt
  Risperdal unregelmäßig", "mauvaise observance"): still a possible factor, no stop;
* a report by another person ("mother says she takes risperidone", "laut Ehemann nimmt sie
  Haldol", "selon sa mère"): the patient's drug, not the other person's.

Synthetic patients only; through the public pipeline (a CSV export with a medication and a
notes column).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "Patient ID,Sex,DOB,Collected,Prolactin,Unit,Medication,Clinical notes"
DRUG = "medication:antipsychotic"
MASKING = "dopamine_agonist_masking"  # aripiprazole, a partial agonist, taken now


def _row(tmp_path: Path, medication: str, notes: str = "", collected: str = "2026-11-20") -> Any:
    line = f"P1,F,1990-03-01,{collected},60,ng/mL,{csv_quoted(medication)},{csv_quoted(notes)}"
    return triage_lines(tmp_path, HEADER, [line]).loc["P1"]


def _factor(row: pd.Series, code: str = DRUG) -> dict[str, str] | None:
    return next((f for f in row["factor_details"] if f["code"] == code), None)


def _review(row: pd.Series) -> str:
    found = [s["reason"] for s in row["suggestion_details"] if s["code"] == "medication_review"]
    return found[0] if found else ""


# 1. Replaced by another drug -----------------------------------------------------------------
# (risperidone given up for aripiprazole): risperidone is no factor, aripiprazole is taken
REPLACED = [
    "substituted aripiprazole for risperidone",
    "aripiprazole substituted for risperidone",
    "risperidone substituted by aripiprazole",
    "substituted risperidone with aripiprazole",
    "swapped risperidone for aripiprazole",
    "risperidone replaced by aripiprazole",
    "aripiprazole instead of risperidone",
    "aripiprazole to replace risperidone",
    "change of medication: risperidone to aripiprazole",
    "Risperdal durch Abilify ersetzt",
    "Therapieumstellung: Risperdal auf Abilify",
    "rispéridone remplacé par aripiprazole",
    "changement de traitement : rispéridone par aripiprazole",
    "cambio de tratamiento: risperidona por aripiprazol",
    "cambio de risperidona por aripiprazol",
    "risperidone sostituito con aripiprazolo",
    "cambio di terapia: risperidone con aripiprazolo",
    "risperidon vervangen door aripiprazol",
    "wijziging medicatie: risperidon naar aripiprazol",
]


@pytest.mark.parametrize("medication", REPLACED)
def test_the_replaced_drug_is_stopped_and_the_new_one_taken(
    tmp_path: Path, medication: str
) -> None:
    row = _row(tmp_path, medication)
    assert _factor(row) is None, row["factor_evidence"]
    assert MASKING in row["suggestions"], row["suggestions"]


# the same phrasings the other way round: risperidone is the drug now taken
REPLACED_BY_RISPERIDONE = [
    "substituted risperidone for aripiprazole",
    "aripiprazole replaced by risperidone",
    "risperidone instead of aripiprazole",
    "cambio de tratamiento: aripiprazol por risperidona",
    "Abilify durch Risperdal ersetzt",
    "aripiprazole remplacé par rispéridone",
    "aripiprazolo sostituito con risperidone",
    "aripiprazol vervangen door risperidon",
]


@pytest.mark.parametrize("medication", REPLACED_BY_RISPERIDONE)
def test_the_drug_replacing_another_is_the_current_one(tmp_path: Path, medication: str) -> None:
    row = _row(tmp_path, medication)
    assert _factor(row) is not None, row["factor_evidence"]
    assert MASKING not in row["suggestions"], row["suggestions"]


# a date or a time after the new drug is the old one's stop: one day before the sample
SWITCHED_YESTERDAY = [
    "risperidone replaced by aripiprazole on 2026-11-19",
    "switched from risperidone to aripiprazole 1 day ago",
    "Risperdal durch Abilify ersetzt am 19.11.2026",
    "Haldol umgestellt auf Abilify am 19.11.2026",
    "rispéridone remplacé par aripiprazole le 19/11/2026",
    "risperidona sustituida por aripiprazol el 19/11/2026",
    "substituted aripiprazole for risperidone 1 day ago",
]


@pytest.mark.parametrize("medication", SWITCHED_YESTERDAY)
def test_a_switch_within_the_washout_still_acts(tmp_path: Path, medication: str) -> None:
    assert _factor(_row(tmp_path, medication)) is not None


@pytest.mark.parametrize(
    "medication",
    [
        "risperidone replaced by aripiprazole on 2026-10-01",
        "Risperdal durch Abilify ersetzt am 01.10.2026",
        "switched from risperidone to aripiprazole 2 months ago",
    ],
)
def test_a_switch_long_before_the_sample_is_a_stop(tmp_path: Path, medication: str) -> None:
    assert _factor(_row(tmp_path, medication)) is None


@pytest.mark.parametrize(
    "medication",
    [
        "risperidone 2 mg; metformin for diabetes",
        "risperidone 2 mg, changed to 4 mg",
        "risperidone 2 mg; swapped GP for Dr Smith",
        "substitute for risperidone not found",
    ],
)
def test_ordinary_text_with_switch_words_keeps_the_drug(tmp_path: Path, medication: str) -> None:
    row = _row(tmp_path, medication)
    assert _factor(row) is not None, row["factor_evidence"]


# 2. A questioned drug ------------------------------------------------------------------------
QUESTIONED = [
    ("?risperidone", ""),
    ("risperidone?", ""),
    ("risperidone (?)", ""),
    ("poss. on risperidone", ""),
    ("Risperdal (unclear)", ""),
    ("", "possibly on risperidone"),
    ("unsicher ob Risperdal", ""),
    ("", "Risperdal fraglich"),
    ("rispéridone (incertain)", ""),
    ("", "peut-être sous Risperdal"),
    ("risperidona (dudoso)", ""),
    ("", "posiblemente toma risperidona"),
    ("risperidone (incerto)", ""),
    ("", "forse assume risperidone"),
    ("risperidon (onzeker)", ""),
    ("", "mogelijk risperidon"),
]


@pytest.mark.parametrize(("medication", "notes"), QUESTIONED)
def test_a_questioned_drug_is_a_possible_factor_to_confirm(
    tmp_path: Path, medication: str, notes: str
) -> None:
    row = _row(tmp_path, medication, notes)
    found = _factor(row)
    assert found is not None, row["factor_evidence"]
    assert found["strength"] == "possible", found
    assert "not confirmed" in found["evidence"], found
    assert _review(row).startswith("confirm the medication"), _review(row)


@pytest.mark.parametrize(
    ("medication", "notes", "present"),
    [
        ("", "Risperdal? nein", False),  # answered: not taken
        ("", "Risperdal? ja, seit 2 Jahren", True),  # answered: taken
        ("risperidone 2 mg, possibly pregnant", "", True),  # the doubt is the pregnancy's
        ("risperidone?", "risperidone 2 mg daily", True),  # written plainly in the notes
        ("Risperdal ? mg", "", True),  # the dose is unknown, not the drug
    ],
)
def test_a_question_answered_or_about_something_else_is_no_doubt(
    tmp_path: Path, medication: str, notes: str, present: bool
) -> None:
    row = _row(tmp_path, medication, notes)
    found = _factor(row)
    if not present:
        assert found is None, row["factor_evidence"]
        return
    assert found is not None, row["factor_evidence"]
    assert found["strength"] == "likely", found
    assert "confirm the medication" not in _review(row)


# 3. Poor adherence ---------------------------------------------------------------------------
IRREGULAR = [
    ("poor compliance with risperidone", ""),
    ("", "takes risperidone irregularly"),
    ("risperidone (poor compliance)", ""),
    ("", "nimmt Risperdal unregelmäßig"),
    ("Risperdal, unregelmäßige Einnahme", ""),
    ("risperidone, mauvaise observance", ""),
    ("", "mauvaise observance du Risperdal"),
    ("rispéridone, prise irrégulière", ""),
    ("risperidona, toma irregular", ""),
    ("", "mala adherencia a la risperidona"),
    ("risperidone, assunzione irregolare", ""),
    ("", "scarsa aderenza al risperidone"),
    ("risperidon, onregelmatig ingenomen", ""),
    ("", "slechte therapietrouw met risperidon"),
]


@pytest.mark.parametrize(("medication", "notes"), IRREGULAR)
def test_irregular_intake_is_a_possible_factor_not_a_stop(
    tmp_path: Path, medication: str, notes: str
) -> None:
    row = _row(tmp_path, medication, notes)
    found = _factor(row)
    assert found is not None, row["factor_evidence"]
    assert found["strength"] == "possible", found
    assert "taken irregularly" in found["evidence"], found
    assert "check adherence" in _review(row), _review(row)


@pytest.mark.parametrize(
    "medication",
    ["risperidone 2 mg, irregular menses", "risperidone 2 mg; irregular periods"],
)
def test_irregular_periods_are_no_irregular_intake(tmp_path: Path, medication: str) -> None:
    found = _factor(_row(tmp_path, medication))
    assert found is not None and found["strength"] == "likely", found


def test_not_taking_it_at_all_is_still_a_stop(tmp_path: Path) -> None:
    row = _row(tmp_path, "", "risperidone non-compliance, hasn't taken it for 2 months")
    assert _factor(row) is None, row["factor_evidence"]


# 4. Another person's report ------------------------------------------------------------------
REPORTED = [
    "mother says she takes risperidone",
    "mother mentions she takes risperidone",
    "husband thinks she is on haloperidol",
    "laut Ehemann nimmt sie Haldol",
    "Mutter erwähnt Risperdal",
    "selon sa mère, elle prend de la rispéridone",
    "sa mère précise qu'elle prend du Risperdal",
    "según su madre toma risperidona",
    "la madre comenta que toma risperidona",
    "secondo la madre assume risperidone",
    "la madre racconta che assume risperidone",
    "volgens haar moeder neemt zij risperidon",
]


@pytest.mark.parametrize("notes", REPORTED)
@pytest.mark.parametrize("column", ["medication", "notes"])
def test_a_drug_reported_by_another_person_is_the_patients(
    tmp_path: Path, notes: str, column: str
) -> None:
    row = _row(tmp_path, notes, "") if column == "medication" else _row(tmp_path, "", notes)
    assert _factor(row) is not None, row["factor_evidence"]


@pytest.mark.parametrize(
    "notes",
    [
        "mother takes risperidone",
        "Mutter nimmt Risperdal",
        "mère sous Risperdal",
        "madre toma risperidona",
        "madre assume risperidone",
        "moeder gebruikt risperidon",
    ],
)
def test_another_persons_own_drug_is_not_the_patients(tmp_path: Path, notes: str) -> None:
    row = _row(tmp_path, "", notes)
    assert _factor(row) is None, row["factor_evidence"]
