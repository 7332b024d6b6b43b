"""Review 19: how far a stop, an allergy or a depot word reaches in a medication list.

* A drug taken is a likely factor with a medication review (clinical-reference §8; §1.1 rec.
  2.1).  An allergy lists drugs not taken, without doses: a later item of its list that carries
  a dose or schedule of its own ("Allergie: Haloperidol, Risperidon 2 mg 1-0-1", in English,
  German, French, Spanish, Italian and Dutch) is a drug taken, not part of the allergy.  Bare
  names after the label ("Allergie: Haloperidol, Risperidon") all stay allergies.
* A start verb after a stop ends the stop's scope ("suspendido haloperidol y iniciada
  risperidona", "se suspende haloperidol y se inicia risperidona", "arrêt de l'Haldol et début
  du Risperdal", "discontinued haloperidol and initiated risperidone"): the drug started is
  taken.  A negated start ("no se inicia risperidona") is still no intake.
* A depot is a property of the drug whose words name it (a depot brand, "decanoate", "Depot",
  an i.m. injection every few weeks, §7.9 / item 9 of the open questions): "Abilify Maintena
  400 mg + Haldol 5 mg" gives a depot of aripiprazole (which lowers prolactin) and oral
  haloperidol, whose review is the usual one, without "a depot injection takes months to wash
  out".

Synthetic patients only (F, 30 y, sample 2026-11-20, prolactin 85 ng/mL: above the female
limit); through the public pipeline, several phrasings in one CSV per test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "Patient ID,Sex,DOB,Collected,Prolactin,Unit,Medication"
ANTIPSYCHOTIC = "medication:antipsychotic"
DEPOT_REVIEW = "a depot injection takes months to wash out"


def _rows(tmp_path: Path, medications: list[str]) -> list[tuple[str, pd.Series]]:
    lines = [
        f"P{i},F,1996-03-01,2026-11-20,85,ng/mL,{csv_quoted(text)}"
        for i, text in enumerate(medications)
    ]
    out = triage_lines(tmp_path, HEADER, lines)
    return [(text, out.loc[f"P{i}"]) for i, text in enumerate(medications)]


def _evidence(row: pd.Series, code: str) -> str:
    return next((f["evidence"] for f in row["factor_details"] if f["code"] == code), "")


def _strength(row: pd.Series, code: str) -> str | None:
    return next((f["strength"] for f in row["factor_details"] if f["code"] == code), None)


def _review(row: pd.Series) -> str:
    found = [s["reason"] for s in row["suggestion_details"] if s["code"] == "medication_review"]
    return found[0] if found else ""


def _codes(row: pd.Series) -> set[str]:
    return {s["code"] for s in row["suggestion_details"]}


def _counted(row: pd.Series, drug: str) -> bool:
    """Whether `drug` is counted as taken: named in a drug factor's evidence as "→ drug (class"."""
    return any(
        re.search(rf"→ {drug} \(", f["evidence"])
        for f in row["factor_details"]
        if f["code"].startswith("medication:")
    )


def _depot_label(row: pd.Series, drug: str) -> bool:
    return f"→ {drug} (antipsychotic, depot;" in _evidence(row, ANTIPSYCHOTIC)


# 1. An allergy list ends before an item with a dose of its own ------------------------------
ALLERGY_THEN_DOSED = [
    "Allergie: Haloperidol, Risperidon 2 mg 1-0-1",
    "Allergy: haloperidol, risperidone 2 mg 1-0-1",
    "Allergies: haloperidol, risperidone 2 mg",
    "Allergie : halopéridol, rispéridone 2 mg",
    "Alergia: haloperidol, risperidona 2 mg",
    "Allergia: aloperidolo, risperidone 2 mg",
    "Allergie: haloperidol, risperidon 2 mg 1-0-1",  # nl
    "Unverträglichkeit: Haloperidol, Risperidon 2 mg",
    "Allergie: Haloperidol (Dystonie) und Risperidon 1-0-1",
    "intolérance : Primperan, rispéridone 2 mg 0-0-1",
]


def test_a_dosed_drug_after_an_allergy_list_is_taken(tmp_path: Path) -> None:
    for text, row in _rows(tmp_path, ALLERGY_THEN_DOSED):
        assert _strength(row, ANTIPSYCHOTIC) == "likely", text
        assert _counted(row, "risperidone"), text
        assert "risperidone can raise prolactin" in _review(row), text
        # the allergy itself is no intake
        assert not _counted(row, "haloperidol"), text
        assert not _counted(row, "metoclopramide"), text
        assert "pituitary_mri" not in _codes(row), text


ALLERGY_KEPT = [
    "Allergie: Haloperidol, Risperidon",  # bare names: all of them allergies
    "Allergy: haloperidol, risperidone",
    "Alergia: haloperidol y risperidona",
    "Allergie: Haloperidol 5 mg",  # the first item, dose or not
    "allergic to haloperidol and risperidone",
    "Stopped meds: haloperidol, risperidone 2 mg",  # a stopped list keeps its doses
    "KI: MCP, Risperidon 2 mg",  # a contraindication label is read as before
]


def test_an_allergy_of_bare_names_or_a_stopped_list_still_covers_every_drug(
    tmp_path: Path,
) -> None:
    for text, row in _rows(tmp_path, ALLERGY_KEPT):
        assert not _counted(row, "risperidone"), text
        assert not _counted(row, "haloperidol"), text
        assert "medication_review" not in _codes(row), text
        assert "recorded as stopped or not taken now" in _evidence(row, "unexplained"), text


# 2. A start verb ends a stop's scope ---------------------------------------------------------
STOP_THEN_START = [
    "suspendido haloperidol y iniciada risperidona",
    "suspendido haloperidol e iniciada risperidona",
    "se suspende haloperidol y se inicia risperidona",
    "se suspendió haloperidol y se inició risperidona",
    "retirado haloperidol e inicio de risperidona",
    "arrêt de l'Haldol et début du Risperdal",
    "arrêt de l'Haldol et mise sous Risperdal",
    "stopped haloperidol and started risperidone",
    "discontinued haloperidol and commenced risperidone",
    "discontinued haloperidol and initiated risperidone",
    "sospeso aloperidolo e avviato risperidone",
    "haloperidol gestopt en gestart met risperidon",
    "Haldol abgesetzt und Risperdal begonnen",
]


def test_a_drug_started_after_a_stop_is_taken(tmp_path: Path) -> None:
    for text, row in _rows(tmp_path, STOP_THEN_START):
        assert _strength(row, ANTIPSYCHOTIC) == "likely", text
        assert _counted(row, "risperidone"), text
        assert not _counted(row, "haloperidol"), text
        assert "risperidone can raise prolactin" in _review(row), text


NOT_STARTED_OR_ALL_STOPPED = [
    "no se inicia risperidona",
    "rispéridone pas initiée",
    "risperidone not initiated",
    "suspendido haloperidol y risperidona",
    "arrêt de l'Haldol et du Risperdal",
    "Haldol und Risperdal abgesetzt",
    "haloperidol and risperidone stopped",
]


def test_a_negated_start_or_a_stop_of_both_leaves_nothing_taken(tmp_path: Path) -> None:
    for text, row in _rows(tmp_path, NOT_STARTED_OR_ALL_STOPPED):
        assert not _counted(row, "risperidone"), text
        assert not _counted(row, "haloperidol"), text
        assert "medication_review" not in _codes(row), text


# 3. A depot word belongs to its own drug -----------------------------------------------------
SEPARATORS = [",", ";", " +", " /", "\n", " und", " et", " y", " e", " en"]
DEPOT_WITH_ORAL = [f"Abilify Maintena 400 mg{sep} Haldol 5 mg" for sep in SEPARATORS] + [
    "Aristada 882 mg; Risperdal 1 mg",
    "Abilify Maintena; Dogmatil 50 mg",
    "Abilify Maintena 400 mg mensile + Serenase 2 mg",
]


def test_an_oral_antipsychotic_beside_a_depot_aripiprazole_is_no_depot(tmp_path: Path) -> None:
    for text, row in _rows(tmp_path, DEPOT_WITH_ORAL):
        evidence = _evidence(row, ANTIPSYCHOTIC)
        assert _strength(row, ANTIPSYCHOTIC) == "likely", text
        assert "depot" not in evidence, text
        review = _review(row)
        assert "can raise prolactin: review with the prescriber" in review, text
        assert DEPOT_REVIEW not in review, text
        # the depot aripiprazole lowers prolactin: said, not counted as raising it
        assert "dopamine_agonist_masking" in _codes(row), text
        assert not _counted(row, "aripiprazole"), text


DEPOT_OF_ITS_OWN = {
    "Haldol 5 mg + Xeplion 100 mg": ("paliperidone", "haloperidol"),
    "Haldol 5 mg et Xeplion 100 mg": ("paliperidone", "haloperidol"),
    "Haldol Decanoas 50 mg + Risperdal 2 mg": ("haloperidol", "risperidone"),
    "Risperdal 2 mg und Haldol Decanoas 50 mg": ("haloperidol", "risperidone"),
    "Xeplion 100 mg/Monat und Risperdal 2 mg": ("paliperidone", "risperidone"),
    "Risperdal Consta 37,5 mg/2 sem": ("risperidone", ""),
    "haloperidol 100 mg i.m. monthly": ("haloperidol", ""),
    "Haldol 50 mg i.m. alle 4 Wochen": ("haloperidol", ""),
    "halopéridol 50 mg IM mensuel": ("haloperidol", ""),
    "Haldol 5 mg im Oktober begonnen": ("", "haloperidol"),  # "im" is no route here
}


def test_a_depot_is_labelled_on_its_own_drug_only(tmp_path: Path) -> None:
    for text, row in _rows(tmp_path, list(DEPOT_OF_ITS_OWN)):
        depot, oral = DEPOT_OF_ITS_OWN[text]
        if depot:
            assert _depot_label(row, depot), text
            assert DEPOT_REVIEW in _review(row), text
        else:
            assert DEPOT_REVIEW not in _review(row), text
        if oral:
            assert _counted(row, oral), text
            assert not _depot_label(row, oral), text
