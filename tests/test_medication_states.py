"""A medication list says the patient's state only through a drug's purpose: a galactagogue
("domperidone for milk supply") means she breastfeeds, judged against the breastfeeding
interval; other words in it ("pill to prevent pregnancy") say nothing of her state
(states.toml concept breastfeeding_by_a_drugs_purpose, state_words.OPT_IN_COLUMNS).
Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv

HEADER = "MRN,Sex,Age,Prolactin,Unit,Medications\n"


@pytest.mark.parametrize(
    "medications",
    [
        "domperidone 10 mg tds (lactation)",
        "Domperidone 10mg TDS for low milk supply",
        "Domperidon 3x10 mg zur Laktationsförderung",
        "Motilium 10 mg (Stillzeit)",
        "dompéridone 10 mg pour stimuler la lactation",
        "domperidona 10 mg para aumentar la lactancia",
        "domperidone 10 mg per aumentare la lattazione",
        "domperidon 10 mg ivm borstvoeding",
        "metoclopramide 10 mg tds to boost milk supply",
        "Sertraline 50 mg; galactagogue: domperidone",
    ],
)
def test_a_galactagogue_means_she_breastfeeds(tmp_path: Path, medications: str) -> None:
    row = triage_csv(tmp_path, f'{HEADER}F1,F,31,85,ng/mL,"{medications}"\n').iloc[0]
    assert row["reference_source"] == "physiological"
    assert row["status"] == "normal"
    assert row["factors"].split(";")[0] == "lactation"
    assert "medications:" in row["factor_evidence"]
    assert "pituitary_mri" not in row["suggestions"]


@pytest.mark.parametrize(
    "medications",
    [
        "metoclopramide 10 mg for nausea",
        "domperidone 10 mg for gastroparesis",
        "microgynon (to prevent pregnancy)",
        "folic acid (planning pregnancy)",
        "cabergoline 0.5 mg to suppress lactation",
    ],
)
def test_other_words_in_a_medication_list_say_no_state(tmp_path: Path, medications: str) -> None:
    row = triage_csv(tmp_path, f'{HEADER}F1,F,31,85,ng/mL,"{medications}"\n').iloc[0]
    assert row["reference_source"] == "set"
    assert row["status"] == "high"
    assert "lactation" not in row["factors"].split(";")
    assert "pregnancy" not in row["factors"].split(";")


@pytest.mark.parametrize(
    "medications", ["domperidone (lactation) abgesetzt", "domperidone for milk supply (stopped)"]
)
def test_a_galactagogue_stopped_says_she_no_longer_breastfeeds(
    tmp_path: Path, medications: str
) -> None:
    row = triage_csv(tmp_path, f'{HEADER}F1,F,31,85,ng/mL,"{medications}"\n').iloc[0]
    assert (row["reference_source"], row["status"]) == ("set", "high")
