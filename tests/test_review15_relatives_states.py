"""A relative's condition written in the notes is not the patient's state (states.toml
[relative], the same reading cues.toml gives a relative's prolactinoma or hypothyroidism).

Clinical reference: dialysis / CKD and cirrhosis raise prolactin in the PATIENT; a relative's
dialysis explains nothing, so a moderately raised result stays unexplained (routine -> soon).
Menopause selects the postmenopausal interval only for the patient herself.  Synthetic patients.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "Patient ID,Sex,DOB,Collected,Prolactin,Unit,Clinical notes"


def _run(tmp_path: Path, notes: list[str], dob: str = "1986-03-01") -> pd.DataFrame:
    lines = [f"P{i},F,{dob},2026-11-20,60,ng/mL,{csv_quoted(n)}" for i, n in enumerate(notes)]
    return triage_lines(tmp_path, HEADER, lines)


RELATIVES_DIALYSIS = [
    "mother on dialysis",
    "Family history: dialysis",
    "FH: diabetes, dialysis",
    "Mutter Dialyse",
    "Familienanamnese: Vater dialysepflichtig",
    "Dialyse bei der Mutter",
    "madre en diálisis",
    "antecedentes familiares: diálisis",
    "moeder dialyse",
    "broer dialyse",
    "sa mère est dialysée",
    "dialyse chez sa mère",
    "fratello in dialisi",
    "anamnesi familiare: dialisi",
    "haar man dialyse",
    "brother CKD stage 4",
]


def test_a_relatives_dialysis_or_ckd_explains_nothing(tmp_path: Path) -> None:
    out = _run(tmp_path, RELATIVES_DIALYSIS)
    for i, note in enumerate(RELATIVES_DIALYSIS):
        factors = out.loc[f"P{i}", "factors"]
        assert "dialysis" not in factors and "renal" not in factors, note
        assert "unexplained" in factors, note


RELATIVES_CIRRHOSIS = [
    "cirrhosis family hx",
    "cirrhosis (father)",
    "père cirrhotique",
    "ATCD familiaux : cirrhose",
    "padre con cirrosi",
    "Familienanamnese: Mutter Leberzirrhose",
    "familieanamnese: cirrose",
]


def test_a_relatives_cirrhosis_explains_nothing(tmp_path: Path) -> None:
    out = _run(tmp_path, RELATIVES_CIRRHOSIS)
    for i, note in enumerate(RELATIVES_CIRRHOSIS):
        assert "liver_cirrhosis" not in out.loc[f"P{i}", "factors"], note


OWN_STATE = [
    ("on dialysis", "dialysis"),
    ("on dialysis, mother also", "dialysis"),
    ("Dialyse seit 2020; Mutter ebenfalls", "dialysis"),
    ("on dialysis like her mother", "dialysis"),
    ("lives with her mother, on dialysis", "dialysis"),
    ("mother of 3 on dialysis", "dialysis"),
    ("Mutter von 2 Kindern, Dialyse", "dialysis"),
    ("Family history: hypertension, cirrhosis; on dialysis", "dialysis"),
    ("pregnant, husband on risperidone", "pregnancy"),
    ("Family history: unremarkable, pregnant 12 weeks", "pregnancy"),
    ("madre lactante", "lactation"),
    ("nursing mother, cirrhosis", "liver_cirrhosis"),
    ("family doctor: CKD stage 4", "renal"),
    ("médico de familia: cirrosis", "liver_cirrhosis"),
    ("jeune fille de 17 ans, dialysée", "dialysis"),
    ("family planning discussed, on dialysis", "dialysis"),
]


@pytest.mark.parametrize(("note", "factor"), OWN_STATE)
def test_the_patients_own_state_beside_a_relative_still_counts(
    tmp_path: Path, note: str, factor: str
) -> None:
    out = _run(tmp_path, [note])
    assert factor in out.loc["P0", "factors"]


def test_a_relatives_menopause_does_not_select_the_postmenopausal_interval(
    tmp_path: Path,
) -> None:
    notes = ["postmenopausal", "mother postmenopausal", "Mutter ist postmenopausal"]
    out = _run(tmp_path, notes, dob="1976-03-01")
    assert out.loc["P0", "reference_stratum"] == "default:postmenopausal"
    assert out.loc["P1", "reference_stratum"] != "default:postmenopausal"
    assert out.loc["P2", "reference_stratum"] != "default:postmenopausal"


def test_a_relatives_pregnancy_is_not_the_patients(tmp_path: Path) -> None:
    out = _run(tmp_path, ["sister pregnant", "Tochter schwanger", "pregnant 10 weeks"])
    assert "pregnancy" not in out.loc["P0", "factors"]
    assert "pregnancy" not in out.loc["P1", "factors"]
    assert "pregnancy" in out.loc["P2", "factors"]


def test_a_donor_relative_leaves_the_patients_graft() -> None:
    from triage.engine.state_words import load_state_vocabulary

    vocab = load_state_vocabulary()
    for note in (
        "kidney transplant 2019, living donor brother",
        "Nierentransplantation 2019 (Spender: Bruder)",
    ):
        assert ("transplant", "yes") in {(f.field, f.value) for f in vocab.read("notes", note)}
    relative = {(f.field, f.value) for f in vocab.read("notes", "father had a kidney transplant")}
    assert ("transplant", "yes") not in relative
