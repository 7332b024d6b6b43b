"""Review 27: an as-needed order read as a regular one; a stopped dopamine agonist in the notes.

* clinical-reference §3.1 and §8: a drug raises prolactin while it acts; one taken only as needed
  (a reserve dose of haloperidol for delirium or agitation) explains a raised result only if a
  dose preceded the sample, so it is a "possible" factor whose step asks when the last dose was
  taken, never the "likely" explanation that spares the work-up.  Geriatric and palliative charts
  write the condition it is given for with "if" ("bei Delir", "si délire", "bij delier", "se
  agitata", "si delirio", "if delirious"), an adjective between ("bei nächtlicher Unruhe"), the
  German "b.B." as a list label ("b.B.: Haldol 0,5 mg") or after "z.N." ("z.N. b.B."); a
  diagnosis it treats ("bei Schizophrenie") stays a regular intake.
* clinical-reference §3.2: stopping a dopamine agonist lets prolactin rebound, so a treated
  prolactinoma or hyperprolactinaemia may be returning.  The stop or the past treatment written
  in the clinical details ("on cabergoline stopped 06/2026", "previously on cabergoline",
  "früher Cabergolin", "ancien traitement par cabergoline", "vroeger cabergoline") is read as
  the same stop in the medication column is.

Synthetic patients only; through the public pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "Patient ID,Sex,Age,Collected,Prolactin,Unit,Medication,Clinical details"


def _row(tmp_path: Path, meds: str, notes: str = "", age: int = 84, prl: float = 60) -> pd.Series:
    line = f"P1,F,{age},2026-11-20 08:00,{prl},ng/mL,{csv_quoted(meds)},{csv_quoted(notes)}"
    return triage_lines(tmp_path, HEADER, [line]).loc["P1"]


def _drug(row: pd.Series) -> dict[str, str]:
    found = [f for f in row["factor_details"] if f["code"].startswith("medication:")]
    assert found, row["factor_evidence"]
    return found[0]


def _medication_review(row: pd.Series) -> str:
    return " ".join(
        s["reason"] for s in row["suggestion_details"] if s["code"] == "medication_review"
    )


AS_NEEDED = [
    "b.B.: Haldol 0,5 mg",  # de: the abbreviation as a label
    "b. Bed.: Haldol 0,5 mg, Tavor 1 mg",
    "Haldol 0,5 mg z.N. b.B.",  # de: after the bedtime abbreviation
    "Haldol 0,5 mg z.N. bei Unruhe",
    "Haldol 0,5 mg bei Delir",
    "Haldol 0,5 mg s.c. bei Delir",
    "Haldol 0,5 mg bei Halluzinationen",
    "Haldol 0,5 mg bei nächtlicher Unruhe",
    "Haldol 0,5 mg bei akuter Verwirrtheit",
    "bei Delir Haldol 0,5 mg",  # before the drug
    "Haldol 0,5 mg si délire",  # fr
    "Haldol 0,5 mg si confusion",
    "Haldol 0,5 mg si agitation nocturne",
    "Haloperidol 0,5 mg bij delier",  # nl
    "haloperidol 0,5 mg bij verwardheid",
    "haloperidol 0,5 mg als onrustig",
    "Haldol 0,5 mg se agitata",  # it
    "aloperidolo 0,5 mg se agitato",
    "Serenase 5 gtt in caso di delirium",
    "haloperidol 0,5 mg si delirio",  # es
    "haloperidol 0,5 mg si agitada",
    "haloperidol 0.5 mg if delirious",  # en
    "haloperidol 0.5 mg if aggressive",
    "As needed: haloperidol 0.5 mg",
    "Si precisa: haloperidol 0,5 mg",
]


@pytest.mark.parametrize("meds", AS_NEEDED)
def test_an_as_needed_order_is_a_possible_factor_with_its_last_dose_asked(
    tmp_path: Path, meds: str
) -> None:
    row = _row(tmp_path, meds)
    found = _drug(row)
    assert found["code"] == "medication:antipsychotic", (meds, found)
    assert found["strength"] == "possible", (meds, found)
    assert "taken as needed" in found["evidence"], (meds, found)
    assert "ask when the last dose" in _medication_review(row), meds
    assert row["priority"] == "soon", (meds, row["priority"])


REGULAR = [
    "Risperidon 2 mg bei Schizophrenie",  # a diagnosis it treats
    "Haldol 0,5 mg bei Psychose",
    "Haldol 5 mg z.N.",  # de: a regular bedtime dose
    "Haldol 5 mg z.N. und 2 mg b.B.",  # a regular dose, one more as needed
    "Risperidon 1 mg 1-0-1",
]


@pytest.mark.parametrize("meds", REGULAR)
def test_a_regular_intake_stays_likely(tmp_path: Path, meds: str) -> None:
    found = _drug(_row(tmp_path, meds))
    assert found["strength"] == "likely", (meds, found)
    assert "taken as needed" not in found["evidence"], (meds, found)


STOPPED_AGONIST_NOTES = [
    "prev PRL 2450 (03/2026), on cabergoline stopped 06/2026",  # en
    "cabergoline stopped 06/2026",
    "off cabergoline since June",
    "hx hyperprolactinaemia, previously on cabergoline",
    "hx of bromocriptine",
    "Cabergolin abgesetzt 06/2026",  # de
    "Dostinex seit 06/2026 abgesetzt",
    "Z.n. Hyperprolaktinämie, früher Cabergolin",
    "cabergoline arrêtée en juin 2026",  # fr
    "ATCD hyperprolactinémie, ancien traitement par cabergoline",
    "cabergolina suspendida en junio de 2026",  # es
    "hiperprolactinemia, previamente con cabergolina",
    "cabergolina sospesa a giugno 2026",  # it
    "precedentemente in terapia con cabergolina",
    "cabergoline gestopt juni 2026",  # nl
    "voorgeschiedenis hyperprolactinemie, vroeger cabergoline",
]

REBOUND = "a dopamine agonist stopped or paused"


@pytest.mark.parametrize("notes", STOPPED_AGONIST_NOTES)
def test_a_stopped_agonist_in_the_notes_is_read_as_in_the_medication_column(
    tmp_path: Path, notes: str
) -> None:
    row = _row(tmp_path, "", notes, age=36, prl=40)
    evidence = row["factor_evidence"]
    assert REBOUND in evidence and "may be returning" in evidence, (notes, evidence)
    assert "treated_hyperprolactinemia" not in row["factors"], (notes, row["factors"])


@pytest.mark.parametrize(
    "notes",
    [
        "never on cabergoline",
        "no previous cabergoline",
        "allergic to cabergoline",
        "cabergoline considered if prolactin stays raised",
    ],
)
def test_an_agonist_never_taken_has_no_rebound_reading(tmp_path: Path, notes: str) -> None:
    row = _row(tmp_path, "", notes, age=36, prl=40)
    assert REBOUND not in row["factor_evidence"], (notes, row["factor_evidence"])


def test_a_past_agonist_in_the_medication_column_has_the_rebound_reading_too(
    tmp_path: Path,
) -> None:
    row = _row(tmp_path, "previously on cabergoline", age=36, prl=40)
    assert REBOUND in row["factor_evidence"], row["factor_evidence"]
