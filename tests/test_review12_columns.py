"""Review 12: how columns and coded cells are read.  Synthetic patients only.

- a yes/no column whose header names a finding the free-text reader knows (a research form's
  "Visual field defect", "Sehstörungen", "Galactorrhoea", "Liver cirrhosis") is read as that
  finding: yes as the header's words in the notes, no and blank as nothing;
- a value label with a dash ("1 - Female", "1 – Weiblich", "1 - Yes") is read as its label;
- a sex word with an abbreviation dot ("weibl.", "masc.") and a column named after one sex
  holding yes/no cells ("female": 1/0) are read as sex.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv

from triage.values import code_label, parse_sex, parse_yes_no


# ---------------------------------------------------------------------------------------------
# Value labels with a dash (or a closing bracket) between the code and its label
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "sex"),
    [
        ("1 - Female", "F"),
        ("2 - Male", "M"),
        ("1 – Weiblich", "F"),  # en dash
        ("2 — Männlich", "M"),  # em dash
        ("1 - Femme", "F"),
        ("2 - Homme", "M"),
        ("1 - Mujer", "F"),
        ("2 - Hombre", "M"),
        ("1 - Femmina", "F"),
        ("2 - Maschio", "M"),
        ("1 - Vrouw", "F"),
        ("2 - Man", "M"),
        ("1) Female", "F"),
    ],
)
def test_sex_value_label_with_a_dash_is_read(cell: str, sex: str) -> None:
    assert parse_sex(cell) == sex
    # a dash between digits is a range, no value label
    assert code_label("1-2") == "1-2"
    assert code_label("2 - 3 weeks") == "2 - 3 weeks"


@pytest.mark.parametrize(
    ("cell", "label"),
    [
        ("1 - Yes", "Yes"),
        ("0 - No", "No"),
        ("1 – Ja", "Ja"),
        ("0 — Nein", "Nein"),
        ("1 - Oui", "Oui"),
        ("1 - Sí", "Sí"),
        ("1 - Sì", "Sì"),
        ("0 - Nee", "Nee"),
        ("2) No", "No"),
    ],
)
def test_a_value_label_with_a_dash_is_its_label(cell: str, label: str) -> None:
    assert code_label(cell) == label
    assert parse_yes_no(cell, strict=True) is parse_yes_no(label, strict=True)


@pytest.mark.parametrize(
    ("female", "male"),
    [
        ("1 - Female", "2 - Male"),
        ("1 – Weiblich", "2 – Männlich"),
        ("1 - Femme", "2 - Homme"),
        ("1 - Mujer", "2 - Hombre"),
        ("1 - Femmina", "2 - Maschio"),
        ("1 - Vrouw", "2 - Man"),
    ],
)
def test_dashed_sex_labels_end_to_end(tmp_path: Path, female: str, male: str) -> None:
    # a man at 25 ng/mL is raised by the men's interval, not indeterminate for want of a sex
    results = triage_csv(
        tmp_path,
        f"ID,Sex,Age,Prolactin (ng/mL)\nM1,{male},45,25\nF1,{female},45,12\n",
    )
    rows = results.set_index("patient_id")
    assert rows.loc["M1", "sex"] == "M"
    assert rows.loc["M1", "status"] == "high"
    assert rows.loc["F1", "sex"] == "F"


@pytest.mark.parametrize(
    ("yes", "no"),
    [
        ("1 - Yes", "0 - No"),
        ("1 – Ja", "0 – Nein"),
        ("1 - Oui", "0 - Non"),
        ("1 - Sí", "0 - No"),
        ("1 - Sì", "0 - No"),
        ("1 - Ja", "0 - Nee"),
    ],
)
def test_dashed_pregnancy_label_is_pregnancy(tmp_path: Path, yes: str, no: str) -> None:
    results = triage_csv(
        tmp_path,
        f"ID,Sex,Age,Prolactin (ng/mL),Pregnant\nP1,F,30,80,{yes}\nP2,F,30,80,{no}\n",
    )
    rows = results.set_index("patient_id")
    assert "pregnancy" in rows.loc["P1", "factors"]
    assert "pituitary_mri" not in rows.loc["P1", "suggestions"]
    assert "pregnancy" not in rows.loc["P2", "factors"]
