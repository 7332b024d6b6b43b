"""Review 25: a drug named in a context that is not its current use.

* a prescription's end date written as a label before its date ("date de fin : 01/02/2026",
  "Enddatum", "einddatum", "stopdatum", "data fine", "fecha fin", "end date", "stop date") is
  the day the drug was taken until: past the 3-day washout it is no current factor
  (clinical-reference §1.1 rec 2.1, §7.9), a later one leaves it taken;
* a baseline sample before the drug is started, or a first dose dated after the sample, is no
  drug effect (clinical-reference §8: "consistent with drug effect" needs the drug present);
* an adverse-drug-reaction record ("RAM: haloperidol", "UAW:", "EIM:", "reazione avversa a",
  "bijwerking:", "ADR to") lists a drug not to be given, like an allergy;
* a depot named by its brand or its salt glued to the drug (Modécate, olanzapine pamoaat) is
  a depot: its washout is months, not days (clinical-reference §7.9);
* oestradiol esters and injectables (Estradiolvalerat, Neofollin, Progynon Depot, E2V) are
  oestrogen (clinical-reference §3.1, G03CA03);
* a man's raised hCG on hCG therapy (Brevactid, Pregnyl, Ovitrelle) is the drug's: no
  hCG-secreting tumour caution.

Synthetic patients only (F, 36 y, sample 2026-03-10, prolactin 72 ng/mL: above the female
limit, within what risperidone explains), through the public pipeline, one CSV per test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "Patient ID,Sex,DOB,Collected,Prolactin,Unit,{column}"


def _rows(tmp_path: Path, texts: list[str], column: str = "Medication") -> list[pd.Series]:
    lines = [
        f"P{i},F,1990-03-01,2026-03-10,72,ng/mL,{csv_quoted(text)}" for i, text in enumerate(texts)
    ]
    out = triage_lines(tmp_path, HEADER.format(column=column), lines)
    return [out.loc[f"P{i}"] for i in range(len(texts))]


def _drug_factor(row: pd.Series, code: str) -> str | None:
    return next((f["strength"] for f in row["factor_details"] if f["code"] == code), None)


AP = "medication:antipsychotic"


# 1. An end date ---------------------------------------------------------------------------------
PAST_END = [
    "Seroquel 300 mg, Risperdal 4 mg (date de fin : 01/02/2026)",
    "Risperdal 4 mg (fin 01/02/2026)",
    "Risperdal 4 mg, fin de traitement 01/02/2026",
    "Risperdal 4 mg (Enddatum 01.02.2026)",
    "Risperdal 4 mg - Therapieende: 01.02.2026",
    "Risperdal 4 mg (einddatum 01-02-2026)",
    "Risperdal 4 mg (stopdatum 01-02-2026)",
    "Risperdal 4 mg (data fine 01/02/2026)",
    "Risperdal 4 mg (fine terapia 01/02/2026)",
    "Risperdal 4 mg (fecha de fin: 01/02/2026)",
    "Risperdal 4 mg (fecha fin 01/02/2026)",
    "risperidone 4 mg, end date 01/02/2026",
    "risperidone 4 mg (stop date 2026-02-01)",
]


def test_a_past_end_date_ends_the_drug(tmp_path: Path) -> None:
    for text, row in zip(PAST_END, _rows(tmp_path, PAST_END), strict=True):
        # quetiapine alone (low frequency) is at most a possible cause of 72 ng/mL
        assert _drug_factor(row, AP) in (None, "possible"), text
        # counted, the drug is named with its class: "→ risperidone (antipsychotic; ..."
        assert "→ risperidone (" not in row["factor_evidence"], text
        assert "macroprolactin_screen" in row["suggestions"], text


LATER_END = [
    "Risperdal 4 mg (date de fin : 30/06/2026)",
    "Risperdal 4 mg (Enddatum 30.06.2026)",
    "Risperdal 4 mg (einddatum 30-06-2026)",
    "Risperdal 4 mg (data fine 30/06/2026)",
    "Risperdal 4 mg (fecha fin 30/06/2026)",
    "risperidone 4 mg, end date 30/06/2026",
    "risperidone 4 mg (stop date 30/06/2026)",
    # ended two days before the sample: within the 3-day washout, still acting
    "Risperdal 4 mg (date de fin : 08/03/2026)",
    "Risperdal 4 mg (Enddatum 08.03.2026)",
]


def test_an_end_date_after_the_sample_or_within_the_washout_leaves_the_drug_taken(
    tmp_path: Path,
) -> None:
    for text, row in zip(LATER_END, _rows(tmp_path, LATER_END), strict=True):
        assert _drug_factor(row, AP) == "likely", text


def test_a_depot_ended_weeks_ago_still_acts(tmp_path: Path) -> None:
    texts = ["Risperdal Consta 50 mg (date de fin : 01/02/2026)", "Modécate 25 mg (fin 01/02/2026)"]
    for text, row in zip(texts, _rows(tmp_path, texts), strict=True):
        assert _drug_factor(row, AP) == "likely", text
        assert "a depot still acts" in row["factor_evidence"], text


# 2. Not yet started ----------------------------------------------------------------------------
BASELINE = [
    "bilan initial avant instauration du Xeplion",
    "bilan avant instauration de rispéridone",
    "bilan avant début du Risperdal",
    "baseline before initiation of risperidone",
    "Basalwert vor Start von Risperdal",
    "basal antes de empezar risperidona",
    "prelievo basale prima dell'avvio di risperidone",
    "nulmeting voor het starten met risperidon",
]


def test_a_baseline_before_starting_the_drug_is_no_drug_effect(tmp_path: Path) -> None:
    for text, row in zip(BASELINE, _rows(tmp_path, BASELINE, "Comments"), strict=True):
        assert _drug_factor(row, AP) is None, text
        assert "medication_review" not in row["suggestions"], text


FIRST_DOSE_LATER = [
    "Xeplion 150 mg (1re inj. 12/03/2026)",
    "Xeplion 150 mg (1ère injection le 12/03/2026)",
    "Xeplion 150 mg (first injection 12/03/2026)",
    "Xeplion 150 mg (erste Gabe am 12.03.2026)",
    "Xeplion 150 mg (primera inyección 12/03/2026)",
    "Xeplion 150 mg (prima iniezione 12/03/2026)",
    "Xeplion 150 mg (eerste injectie 12-03-2026)",
    "Xeplion 150 mg (start date 12/03/2026)",
]


def test_a_first_dose_after_the_sample_is_no_drug_effect(tmp_path: Path) -> None:
    for text, row in zip(FIRST_DOSE_LATER, _rows(tmp_path, FIRST_DOSE_LATER), strict=True):
        assert _drug_factor(row, AP) is None, text


def test_a_first_dose_before_the_sample_is_taken(tmp_path: Path) -> None:
    """Guard: the first dose dated before the sample is the drug on board."""
    texts = ["Xeplion 150 mg (1re inj. 12/01/2026)", "Xeplion 150 mg (first injection 2026-01-12)"]
    for text, row in zip(texts, _rows(tmp_path, texts), strict=True):
        assert _drug_factor(row, AP) == "likely", text


# 3. An adverse drug reaction -------------------------------------------------------------------
ADR = [
    ("RAM: haloperidol (distonía aguda)", AP),
    ("RAM a Primperan", "medication:antiemetic_prokinetic"),
    ("reacción adversa a metoclopramida", "medication:antiemetic_prokinetic"),
    ("reazione avversa a Plasil (distonia)", "medication:antiemetic_prokinetic"),
    ("UAW: Haloperidol (Dystonie)", AP),
    ("UAW auf MCP", "medication:antiemetic_prokinetic"),
    ("Nebenwirkung: MCP (Dyskinesie)", "medication:antiemetic_prokinetic"),
    ("EIM : métoclopramide (dyskinésie)", "medication:antiemetic_prokinetic"),
    ("effet indésirable: Primpéran", "medication:antiemetic_prokinetic"),
    ("bijwerking: haloperidol (dystonie)", AP),
    ("ADR to metoclopramide", "medication:antiemetic_prokinetic"),
]


@pytest.mark.parametrize("column", ["Comments", "Medication"])
def test_an_adverse_drug_reaction_is_no_current_use(tmp_path: Path, column: str) -> None:
    texts = [text for text, _ in ADR]
    for (text, code), row in zip(ADR, _rows(tmp_path, texts, column), strict=True):
        assert _drug_factor(row, code) is None, text


def test_a_reaction_on_a_drug_taken_keeps_the_drug(tmp_path: Path) -> None:
    """Guard: a side effect written with the drug it occurs on names a drug taken."""
    texts = [
        "UAW: Galaktorrhoe unter Risperidon",
        "effets indésirables : galactorrhée sous rispéridone",
        "RAM: penicilina. Haloperidol 5 mg",
    ]
    for text, row in zip(texts, _rows(tmp_path, texts, "Comments"), strict=True):
        assert _drug_factor(row, AP) == "likely", text


# 4. A depot by its brand or salt ---------------------------------------------------------------
DEPOTS = [
    "Modécate 25 mg/3 sem",
    "MODÉCATE 125 mg",
    "Dapotum D 25 mg",
    "olanzapine pamoaat 300 mg/2 wk",
    "Olanzapinpamoat 405 mg alle 4 Wochen",
    "olanzapine embonate 405 mg",
    "Paliperidonpalmitat 100 mg",
]


def test_a_depot_by_brand_or_salt_is_a_depot(tmp_path: Path) -> None:
    for text, row in zip(DEPOTS, _rows(tmp_path, DEPOTS), strict=True):
        assert "(antipsychotic, depot" in row["factor_evidence"], text


# 5. Oestradiol esters and injectables ----------------------------------------------------------
ESTRADIOL = [
    "Estradiolvalerat 4 mg",
    "Östradiolvalerat 2 mg",
    "Estradiolhemihydrat 1 mg",
    "Estradiolbenzoat i.m.",
    "Neofollin 10 mg i.m. alle 10 Tage",
    "Progynon Depot 10 mg",
    "Gynodian Depot",
    "E2V 5 mg i.m.",
    "E2-Gel 2 Hübe",
    "estradiolvaleraat 2 mg",
]


def test_oestradiol_esters_and_injectables_are_oestrogen(tmp_path: Path) -> None:
    for text, row in zip(ESTRADIOL, _rows(tmp_path, ESTRADIOL), strict=True):
        assert _drug_factor(row, "medication:estrogen") is not None, text
        assert "medication_review" in row["suggestions"], text


# 6. hCG given as treatment ---------------------------------------------------------------------
HCG_HEADER = "Patient ID,Sex,Age,Prolactin (ng/mL),hCG (IU/L),Medication,Comments"


@pytest.mark.parametrize(
    ("medication", "comment"),
    [
        ("Brevactid 1500 IE 2x/Wo", "Kinderwunsch"),
        ("Pregnyl 2500 IE", ""),
        ("Ovitrelle 250 µg", ""),
        ("Choragon 5000", ""),
        ("hCG 5000 IE i.m.", ""),
        ("", "hCG-Therapie seit 3 Monaten"),
        ("", "on hCG injections for hypogonadotropic hypogonadism"),
    ],
)
def test_a_mans_hcg_on_hcg_therapy_is_explained(
    tmp_path: Path, medication: str, comment: str
) -> None:
    line = f"H1,M,35,30,85,{csv_quoted(medication)},{csv_quoted(comment)}"
    row = triage_lines(tmp_path, HCG_HEADER, [line]).loc["H1"]
    assert "conflicting_context" not in row["suggestions"], row["suggestions"]
    details = " ".join(s["reason"] for s in row["suggestion_details"])
    assert "secreting tumour" not in details + row["reference_note"]
    assert "on hCG therapy" in row["reference_note"]
    assert "explained by the treatment" in row["reference_note"]


def test_a_mans_hcg_without_therapy_keeps_the_tumour_caution(tmp_path: Path) -> None:
    """Guard: no hCG given ("Hodentumor?", "keine hCG-Therapie"): the caution stays."""
    lines = ["H1,M,35,30,85,,Hodentumor?", "H2,M,35,30,85,,keine hCG-Therapie"]
    out = triage_lines(tmp_path, HCG_HEADER, lines)
    for patient in ("H1", "H2"):
        assert "conflicting_context" in out.loc[patient, "suggestions"], patient
        assert "secreting tumour" in out.loc[patient, "reference_note"], patient
