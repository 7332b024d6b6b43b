"""Review 25 (hunt O, consultant endocrinologist): how far a negation reaches.

Clinical-reference §8: a drug effect needs the culprit drug present, a renal contributor needs
an eGFR below 30 or dialysis; the Endocrine Society guideline (§1.1) asks that drugs and renal
failure be excluded before imaging.  A cause the note excludes must not be named: the raised
result is then unexplained, and gets the macroprolactin screen and the work-up (contract §7).

- A negation with words between it and the item (a copula, "currently", a setting's preposition,
  "treatment with", "never been"): "no está en diálisis", "non è in terapia con Risperdal", "not
  currently on metoclopramide", "n'est pas sous Risperdal", "ist derzeit nicht unter Dialyse",
  "is niet in behandeling met Risperdal": not on it.  Any other word between still ends the
  negation's reach ("keine Restdiurese unter Hämodialyse", "no side effects on risperidone").
- "Never" in the six languages, the Italian "mai" with its verb ("mai avuto crisi epilettiche",
  "non ha mai avuto herpes zoster", "non ha mai avuto galattorrea"): the seizure, the chest-wall
  lesion or the symptom is not the patient's.  The German and French month "Mai" is no "never"
  ("seit Mai Dialyse", "depuis mai en dialyse").

Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_lines

HEADER = "ID|Sex|Age|Prolactin (ng/mL)|eGFR|TSH (mU/L)|Medications|Symptoms|Notes"


def _run(
    tmp_path: Path, rows: list[tuple[str, str, str]], value: float = 60, egfr: str = ""
) -> pd.DataFrame:
    """One row per (medications, symptoms, notes): a woman of 34, TSH 2.0."""
    lines = [
        f"P{i}|F|34|{value}|{egfr}|2.0|{meds}|{symptoms}|{notes}"
        for i, (meds, symptoms, notes) in enumerate(rows)
    ]
    return triage_lines(tmp_path, HEADER, lines)


def _codes(results: pd.DataFrame, index: int, column: str) -> list[str]:
    return str(results.loc[f"P{index}", column]).split(";")


def _assert_named(results: pd.DataFrame, texts: list[str], factor: str) -> None:
    """Each row (in the order of `texts`) names `factor`: what the negation did not reach."""
    for index, text in enumerate(texts):
        assert factor in _codes(results, index, "factors"), text


# --------------------------------------------- 1: a negation over words to the dialysis ---
DIALYSIS_DENIED = [
    "no está en diálisis",
    "No está en hemodiálisis.",
    "no está en tratamiento con diálisis",
    "no está actualmente en diálisis peritoneal",
    "nunca ha estado en diálisis",
    "non è in dialisi",
    "non è attualmente in dialisi",
    "non è mai stata in emodialisi",
    "is not being treated with dialysis",
    "pt is not currently on haemodialysis",
    "n'est actuellement pas en dialyse",
    "n'est pas actuellement sous hémodialyse",
    "ist nicht unter Dialyse",
    "ist derzeit nicht an der Dialyse",
    "is momenteel niet aan de dialyse",
    "is niet in behandeling met hemodialyse",
]


def test_a_negation_reaches_the_dialysis_over_a_copula_and_a_preposition(tmp_path: Path) -> None:
    results = _run(tmp_path, [("none", "", note) for note in DIALYSIS_DENIED])
    for index, note in enumerate(DIALYSIS_DENIED):
        factors = _codes(results, index, "factors")
        assert "dialysis" not in factors, note
        assert factors == ["unexplained"], note
        assert results.loc[f"P{index}", "priority"] == "soon", note
        suggestions = _codes(results, index, "suggestions")
        assert "macroprolactin_screen" in suggestions, note
        assert "check_renal_function" in suggestions, note  # no eGFR given


# A negation of another word before the setting's preposition stays that word's: the dialysis
# is there (guard: these pass on the old code too).
DIALYSIS_KEPT = [
    "keine Restdiurese unter Hämodialyse",
    "sin diuresis residual en hemodiálisis",
    "nessuna diuresi residua in emodialisi",
    "pas de diurèse résiduelle sous hémodialyse",
    "geen restdiurese bij hemodialyse",
    "no residual urine output on haemodialysis",
    "no nausea currently on dialysis",
]


# ------------------------------------------------- 1: a negation over words to the drug ---
DRUGS_DENIED = [
    ("not currently on metoclopramide", "medication:antiemetic_prokinetic"),
    ("is not currently taking risperidone", "medication:antipsychotic"),
    ("is not being treated with haloperidol", "medication:antipsychotic"),
    ("is not on treatment with haloperidol", "medication:antipsychotic"),
    ("non è in terapia con Risperdal", "medication:antipsychotic"),
    ("non è attualmente in terapia con aloperidolo", "medication:antipsychotic"),
    ("non è in trattamento con Plasil", "medication:antiemetic_prokinetic"),
    ("non assume attualmente Plasil", "medication:antiemetic_prokinetic"),
    ("mai stata in terapia con Risperdal", "medication:antipsychotic"),
    ("no está en tratamiento con metoclopramida", "medication:antiemetic_prokinetic"),
    ("no está con risperidona", "medication:antipsychotic"),
    ("no está actualmente en tratamiento con Risperdal", "medication:antipsychotic"),
    ("no toma actualmente risperidona", "medication:antipsychotic"),
    ("n'est pas sous Risperdal", "medication:antipsychotic"),
    ("n'est actuellement pas sous Primpéran", "medication:antiemetic_prokinetic"),
    ("ist nicht unter Risperdal", "medication:antipsychotic"),
    ("ist derzeit nicht unter MCP", "medication:antiemetic_prokinetic"),
    ("wird nicht mit Haldol behandelt", "medication:antipsychotic"),
    ("is niet in behandeling met Risperdal", "medication:antipsychotic"),
]


@pytest.mark.parametrize("column", ["meds", "notes"])
def test_a_negation_reaches_the_drug_over_a_copula_and_a_preposition(
    tmp_path: Path, column: str
) -> None:
    rows = [(text, "", "") if column == "meds" else ("none", "", text) for text, _ in DRUGS_DENIED]
    results = _run(tmp_path, rows, value=40, egfr="95")
    for index, (text, factor) in enumerate(DRUGS_DENIED):
        factors = _codes(results, index, "factors")
        assert factor not in factors, text
        assert factors == ["unexplained"], text
        suggestions = _codes(results, index, "suggestions")
        assert "medication_review" not in suggestions, text
        assert "macroprolactin_screen" in suggestions, text


# The same prepositions after a negation of another word: the drug is taken (guard: pass on
# the old code too).
DRUGS_KEPT = [
    "no side effects on risperidone",
    "keine Nebenwirkungen unter Risperdal",
    "pas d'effets secondaires sous Risperdal",
    "sin efectos secundarios con risperidona",
    "nessun effetto collaterale con Risperdal",
    "no improvement with risperidone",
    "geen verbetering met Risperdal",
    "no Haldol; currently on Risperdal",
    "seit Mai Risperdal 2 mg",
]


def test_a_negation_of_another_word_does_not_reach_the_drug(tmp_path: Path) -> None:
    results = _run(tmp_path, [(text, "", "") for text in DRUGS_KEPT], value=40, egfr="95")
    _assert_named(results, DRUGS_KEPT, "medication:antipsychotic")


# ------------------------------------------------------ 2: "never" in the six languages ---
NEVER_CAUSES = [
    ("mai avuto crisi epilettiche", "seizure"),
    ("non ha mai avuto crisi epilettiche", "seizure"),
    ("mai avuto convulsioni", "seizure"),
    ("non ha avuto mai convulsioni", "seizure"),
    ("non ha mai sofferto di crisi epilettiche", "seizure"),
    ("non ha mai avuto herpes zoster", "chest_wall_stimulation"),
    ("mai avuto herpes zoster", "chest_wall_stimulation"),
    ("never had a seizure", "seizure"),
    ("hatte noch nie einen Krampfanfall", "seizure"),
    ("n'a jamais eu de crise convulsive", "seizure"),
    ("nunca ha tenido convulsiones", "seizure"),
    ("heeft nooit een insult gehad", "seizure"),
    ("never had shingles", "chest_wall_stimulation"),
    ("n'a jamais eu de zona", "chest_wall_stimulation"),
    ("nooit gordelroos gehad", "chest_wall_stimulation"),
]


def test_never_had_the_cause_in_six_languages_names_no_factor(tmp_path: Path) -> None:
    results = _run(tmp_path, [("none", "", note) for note, _ in NEVER_CAUSES], egfr="95")
    for index, (note, factor) in enumerate(NEVER_CAUSES):
        assert factor not in _codes(results, index, "factors"), note
        assert _codes(results, index, "factors") == ["unexplained"], note


NEVER_SYMPTOMS = [
    "non ha mai avuto galattorrea",
    "mai avuto galattorrea",
    "never had galactorrhoea",
    "hat nie eine Galaktorrhoe gehabt",
    "n'a jamais eu de galactorrhée",
    "nunca ha tenido galactorrea",
    "nooit galactorroe gehad",
]


def test_never_had_the_symptom_is_asymptomatic(tmp_path: Path) -> None:
    """§5 and §7.2: an asymptomatic mild rise is repeated and screened for macroprolactin
    first, at priority routine; the one real symptom (the last row) is soon."""
    rows = [("none", symptom, "") for symptom in [*NEVER_SYMPTOMS, "galattorrea"]]
    results = _run(tmp_path, rows, value=40, egfr="95")
    for index, symptom in enumerate(NEVER_SYMPTOMS):
        assert results.loc[f"P{index}", "priority"] == "routine", symptom
        assert "macroprolactin_screen" in _codes(results, index, "suggestions"), symptom
    assert results.loc[f"P{len(NEVER_SYMPTOMS)}", "priority"] == "soon"


# The German and French month "Mai" is no Italian "never": the dialysis is there.
MONTH_MAI = [
    "seit Mai Dialyse",
    "seit Mai in Dialyse",
    "ab 3. Mai Hämodialyse",
    "depuis mai en dialyse",
    "depuis le 3 mai en hémodialyse",
    "Mai 2025 Dialyse begonnen",
]


@pytest.mark.parametrize(
    "notes", [DIALYSIS_KEPT, MONTH_MAI], ids=["negation_of_another_word", "month_mai"]
)
def test_the_dialysis_a_negation_does_not_reach_is_named(tmp_path: Path, notes: list[str]) -> None:
    results = _run(tmp_path, [("none", "", note) for note in notes])
    _assert_named(results, notes, "dialysis")
