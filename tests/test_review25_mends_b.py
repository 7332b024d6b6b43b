"""Review 25 mend B: a bare "Ende"/"fin" is no end date; an adverse reaction's drug is taken.

* "seit Ende 2025", "desde fin de 2025", "depuis fin 2025", "fin 2025 à 4 mg": when the drug
  started or changed, not the day it was taken until; only a labelled end date ("date de fin",
  "Enddatum", "fin:" or "Ende:" with a colon, "(fin 01/02/2026)", "fin de traitement", "fine
  terapia") ends it (review 25 finding 2);
* an adverse reaction's label lists reactions: a drug named as a reaction's cause ("door",
  "durch", "due to", "por", "da") or after a reaction written first ("bijwerking:
  gewichtstoename, haloperidol") is a drug being taken; a label directly followed by the drug
  ("RAM: haloperidol", "UAW: Risperidon") stays an intolerance record (finding 4).

Synthetic patients (F, 36 y, sample 2026-03-10, prolactin 72 ng/mL), public pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "Patient ID,Sex,DOB,Collected,Prolactin,Unit,{column}"
AP = "medication:antipsychotic"


def _antipsychotic(tmp_path: Path, text: str, column: str) -> str | None:
    line = f"P1,F,1990-03-01,2026-03-10,72,ng/mL,{csv_quoted(text)}"
    row = triage_lines(tmp_path, HEADER.format(column=column), [line]).loc["P1"]
    return next((f["strength"] for f in row["factor_details"] if f["code"] == AP), None)


@pytest.mark.parametrize("column", ["Comments", "Medication"])
@pytest.mark.parametrize(
    "text",
    [
        "Risperidon seit Ende 2025",
        "Risperidon seit Ende 12/2025",
        "risperidona desde fin de 2025",
        "rispéridone depuis fin 2025",
        "rispéridone 2 mg, fin 2025 à 4 mg",
        "rispéridone, fin 2025 augmentation à 4 mg",
        "Risperidon 2 mg, Ende 2025 auf 4 mg erhöht",
    ],
)
def test_a_bare_ende_or_fin_is_no_end_date(tmp_path: Path, text: str, column: str) -> None:
    assert _antipsychotic(tmp_path, text, column) == "likely", text


@pytest.mark.parametrize(
    "text",
    [
        "Risperdal 4 mg (fin 01/02/2026)",
        "Risperdal 4 mg, fin : 01/02/2026",
        "Risperidon 4 mg, Ende: 01.02.2026",
        "Risperdal 4 mg (date de fin : 01/02/2026)",
        "Risperdal 4 mg, fin de traitement 01/02/2026",
        "Risperdal 4 mg (fine terapia 01/02/2026)",
        "Risperdal 4 mg (fecha fin 01/02/2026)",
        "Risperdal 4 mg (Enddatum 01.02.2026)",
    ],
)
def test_a_labelled_past_end_date_still_ends_the_drug(tmp_path: Path, text: str) -> None:
    """Guard: an end date written as a label ends the drug past its washout."""
    assert _antipsychotic(tmp_path, text, "Medication") is None, text


@pytest.mark.parametrize("column", ["Comments", "Medication"])
@pytest.mark.parametrize(
    "text",
    [
        "bijwerking: galactorroe door risperidon",
        "bijwerking: gewichtstoename, haloperidol",
        "Nebenwirkung: Gewichtszunahme, Risperidon",
        "Nebenwirkung: Galaktorrhoe durch Risperidon",
        "UAW: Gewichtszunahme bedingt durch Risperidon",
        "effet indésirable : galactorrhée sous rispéridone",
        "effet indésirable : prise de poids due à la rispéridone",
        "side effects: weight gain due to risperidone",
        "adverse reaction: galactorrhoea from risperidone",
        "RAM: galactorrea por risperidona",
        "reazione avversa: galattorrea da risperidone",
    ],
)
def test_a_reaction_caused_by_a_drug_keeps_the_drug(tmp_path: Path, text: str, column: str) -> None:
    assert _antipsychotic(tmp_path, text, column) is not None, text


@pytest.mark.parametrize(
    "text",
    [
        "RAM: haloperidol",
        "UAW: Risperidon",
        "bijwerking: haloperidol (dystonie)",
        "EIM : rispéridone",
        "Allergie: Urtikaria durch Haloperidol",
        "Allergie: Exanthem, Haloperidol",
        "Allergy: rash from haloperidol",
    ],
)
def test_a_label_directly_followed_by_the_drug_is_an_intolerance(tmp_path: Path, text: str) -> None:
    """Guard: the drug right after the label, or an allergy's drug, is not taken."""
    assert _antipsychotic(tmp_path, text, "Comments") is None, text
