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

from triage.io import FileRead, ReadOptions, read_file
from triage.values import code_label, parse_sex, parse_yes_no


def _read(tmp_path: Path, text: str) -> FileRead:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    return read_file(path, None, ReadOptions())


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


@pytest.mark.parametrize(
    ("unit", "value", "status"),
    [
        ("1 - ng/mL", "25", "high"),
        ("2 – mIU/L", "900", "high"),
        ("1 = µg/L", "10", "normal"),
        ("2) mIU/L", "200", "normal"),
    ],
)
def test_a_unit_value_label_is_its_unit(tmp_path: Path, unit: str, value: str, status: str) -> None:
    results = triage_csv(
        tmp_path, f"ID,Sex,Age,Prolactin,Unit\nU1,M,45,{value},{unit}\nU2,M,45,{value},{unit}\n"
    )
    assert results["status"].tolist() == [status, status]


# ---------------------------------------------------------------------------------------------
# Yes/no columns whose header names a finding (a research form, a REDCap export)
# ---------------------------------------------------------------------------------------------
VISUAL_HEADERS = [
    ("Visual field defect", "Yes", "No"),
    ("visual_disturbance", "1", "0"),
    ("Bitemporal hemianopia", "TRUE", "FALSE"),
    ("Sehstörungen", "ja", "nein"),
    ("Gesichtsfeldausfall (ja/nein)", "ja", "nein"),
    ("Troubles visuels", "oui", "non"),
    ("Alteraciones visuales", "sí", "no"),
    ("Disturbi visivi", "sì", "no"),
    ("Gezichtsvelduitval", "ja", "nee"),
    ("Visual field defect", "x", ""),
    ("Sehstörungen", "1 - Ja", "0 - Nein"),
]


@pytest.mark.parametrize(("header", "yes", "no"), VISUAL_HEADERS)
def test_a_visual_disturbance_column_makes_a_raised_result_urgent(
    tmp_path: Path, header: str, yes: str, no: str
) -> None:
    # contract §7: raised prolactin with visual disturbance is urgent
    results = triage_csv(
        tmp_path,
        f"ID,Sex,Age,Prolactin (ng/mL),{header}\nV1,M,45,60,{yes}\nV2,M,45,60,{no}\n"
        "V3,M,45,60,unknown\n",
    )
    rows = results.set_index("patient_id")
    assert rows.loc["V1", "priority"] == "urgent"
    assert rows.loc["V2", "priority"] != "urgent"  # a no (or a blank) is no finding
    assert rows.loc["V3", "priority"] != "urgent"


@pytest.mark.parametrize(
    ("header", "yes", "no", "factor"),
    [
        ("Hypothyroidism", "1", "0", "hypothyroidism"),
        ("Hypothyroidism", "true", "false", "hypothyroidism"),
        ("Hypothyreose", "ja", "0", "hypothyroidism"),
        ("Hypothyroïdie", "oui", "faux", "hypothyroidism"),
        ("Hipotiroidismo", "sí", "falso", "hypothyroidism"),
        ("Ipotiroidismo", "sì", "0", "hypothyroidism"),
        ("Liver cirrhosis", "yes", "no", "liver_cirrhosis"),
        ("Leberzirrhose", "ja", "nein", "liver_cirrhosis"),
        ("Cirrhose hépatique", "oui", "non", "liver_cirrhosis"),
        ("Cirrosis hepática", "sí", "no", "liver_cirrhosis"),
        ("Cirrosi epatica", "sì", "no", "liver_cirrhosis"),
        ("Levercirrose", "ja", "nee", "liver_cirrhosis"),
        ("Seizure", "yes", "no", "seizure"),
        ("Krampfanfall", "ja", "nein", "seizure"),
        ("Chest wall surgery", "yes", "no", "chest_wall_stimulation"),
        ("Pituitary adenoma", "1", "0", "known_pituitary_lesion"),
        ("Pituitary adenoma (1=yes, 2=no)", "1", "2", "known_pituitary_lesion"),
        ("Hypophysenadenom", "ja", "0 - Nein", "known_pituitary_lesion"),
    ],
)
def test_a_finding_column_gives_its_factor_on_yes_only(
    tmp_path: Path, header: str, yes: str, no: str, factor: str
) -> None:
    results = triage_csv(
        tmp_path,
        f'ID,Sex,Age,Prolactin (ng/mL),"{header}"\nY1,M,45,60,{yes}\nN1,M,45,60,{no}\n'
        "B1,M,45,60,\n",
    )
    rows = results.set_index("patient_id")
    assert factor in rows.loc["Y1", "factors"].split(";")
    assert factor not in rows.loc["N1", "factors"].split(";")  # a no never makes a finding
    assert factor not in rows.loc["B1", "factors"].split(";")


@pytest.mark.parametrize(
    "option",
    [
        "Visual disturbance",
        "Sehstörungen",
        "Troubles visuels",
        "Alteraciones visuales",
        "Disturbi visivi",
        "Gezichtsvelduitval",
    ],
)
def test_a_redcap_checkbox_option_is_its_finding(tmp_path: Path, option: str) -> None:
    results = triage_csv(
        tmp_path,
        f"record_id,Sex,Age,Prolactin (ng/mL),Symptoms (choice={option})\n"
        "1,M,45,60,Checked\n2,M,45,60,Unchecked\n",
    )
    # checked: a raised prolactin with visual disturbance; unchecked: no finding (was urgent)
    assert results["priority"].tolist()[0] == "urgent"
    assert results["priority"].tolist()[1] != "urgent"


def test_several_finding_columns_give_several_findings(tmp_path: Path) -> None:
    results = triage_csv(
        tmp_path,
        "ID,Sex,Age,Prolactin (ng/mL),Seizure,Chest wall surgery,Hypothyroidism,Headache_yn,"
        "Dialysis,Symptoms,Notes\n"
        "S1,M,45,60,yes,yes,yes,yes,,,\nS2,M,45,60,no,no,no,no,,,\n"
        "K1,M,45,60,,,,,yes,,\nK2,M,45,60,,,,,,visual disturbance,\n"
        "K3,M,45,60,,,,,,,bitemporal hemianopia\nK4,M,45,60,,,,,no,,\n",
    )
    rows = results.set_index("patient_id")
    found = set(rows.loc["S1", "factors"].split(";"))
    assert {"seizure", "chest_wall_stimulation", "hypothyroidism"} <= found
    assert rows.loc["S2", "factors"] == "unexplained"
    # the columns read before keep their meaning
    assert "dialysis" in rows.loc["K1", "factors"]
    assert rows.loc["K2", "priority"] == "urgent"
    assert rows.loc["K3", "priority"] == "urgent"
    assert "dialysis" not in rows.loc["K4", "factors"]


@pytest.mark.parametrize(
    ("header", "yes"),
    [
        ("Galactorrhoea", "yes"),
        ("Galaktorrhoe", "ja"),
        ("Amenorrhoea", "1"),
        ("headache_yn", "1"),
    ],
)
def test_a_symptom_column_is_read_and_listed(tmp_path: Path, header: str, yes: str) -> None:
    read = _read(tmp_path, f"ID,Sex,Age,Prolactin (ng/mL),{header}\nS1,F,30,60,{yes}\n")
    assert header not in read.summary.unmapped_headers
    comments = str(read.frame["comments"].iloc[0])
    assert header.removesuffix("_yn") in comments
    assert any("holds yes/no answers" in w for w in read.summary.warnings)


def test_a_yes_no_column_that_names_no_finding_is_said_not_understood(tmp_path: Path) -> None:
    read = _read(
        tmp_path, "ID,Sex,Age,Prolactin (ng/mL),Smoker,Visual field defect\nS1,M,45,60,1,0\n"
    )
    assert "Smoker" in read.summary.unmapped_headers
    unread = [w for w in read.summary.warnings if "'Smoker'" in w]
    assert unread and "holds yes/no answers" in unread[0] and "not used" in unread[0]


@pytest.mark.parametrize("no", ["0", "false", "FALSE", "0 - Nein", "0 - Non", "0 - Nee", "2) No"])
def test_a_no_in_a_lesion_column_is_no_lesion(tmp_path: Path, no: str) -> None:
    results = triage_csv(
        tmp_path,
        f"ID,Sex,Age,Prolactin (ng/mL),Pituitary adenoma\nL1,M,45,60,1\nL2,M,45,60,{no}\n",
    )
    rows = results.set_index("patient_id")
    assert "known_pituitary_lesion" in rows.loc["L1", "factors"]
    assert "known_pituitary_lesion" not in rows.loc["L2", "factors"]


# ---------------------------------------------------------------------------------------------
# Sex: words with an abbreviation dot, and a column named after one sex
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("female", "male"),
    [
        ("weibl.", "männl."),
        ("fémin.", "mascul."),
        ("femm.", "masch."),
        ("vr.", "mnl."),
        ("Weibl.", "Männl."),
    ],
)
def test_abbreviated_sex_words_are_read(tmp_path: Path, female: str, male: str) -> None:
    assert parse_sex(female) == "F"
    assert parse_sex(male) == "M"
    results = triage_csv(
        tmp_path,
        f"ID,Geschlecht,Age,Prolactin (ng/mL)\nM1,{male},45,25\nF1,{female},45,12\n",
    )
    rows = results.set_index("patient_id")
    assert rows.loc["M1", "sex"] == "M"
    assert rows.loc["M1", "status"] == "high"
    assert rows.loc["F1", "sex"] == "F"


@pytest.mark.parametrize(
    ("header", "sex"),
    [
        ("female", "F"),
        ("is_female", "F"),
        ("sex_female", "F"),
        ("Male", "M"),
        ("is_male", "M"),
        ("weiblich", "F"),
        ("männlich", "M"),
        ("femme", "F"),
        ("homme", "M"),
        ("mujer", "F"),
        ("femmina", "F"),
        ("maschio", "M"),
        ("vrouw", "F"),
    ],
)
@pytest.mark.parametrize(("yes", "no"), [("1", "0"), ("TRUE", "FALSE"), ("ja", "nein")])
def test_a_column_named_after_one_sex_is_the_sex(
    tmp_path: Path, header: str, sex: str, yes: str, no: str
) -> None:
    other = "M" if sex == "F" else "F"
    results = triage_csv(
        tmp_path,
        f"ID,Age,Prolactin (ng/mL),{header}\nY1,45,25,{yes}\nN1,45,25,{no}\nU1,45,25,\n",
    )
    rows = results.set_index("patient_id")
    assert rows.loc["Y1", "sex"] == sex
    assert rows.loc["N1", "sex"] == other
    assert rows.loc["U1", "status"] == "indeterminate"  # unknown stays so
    # 25 ng/mL: raised for a man
    man = "Y1" if sex == "M" else "N1"
    assert rows.loc[man, "status"] == "high"


@pytest.mark.parametrize(
    ("header", "cells"),
    [
        ("female", ["35", "40"]),  # not yes/no cells
        ("female_age", ["1", "0"]),  # not one sex word
        ("female partner", ["1", "0"]),
    ],
)
def test_only_a_one_sex_header_with_yes_no_cells_is_the_sex(
    tmp_path: Path, header: str, cells: list[str]
) -> None:
    read = _read(
        tmp_path,
        f"ID,Age,Prolactin (ng/mL),female,{header}\nA1,45,25,1,{cells[0]}\nA2,45,25,0,{cells[1]}\n",
    )
    assert read.summary.mapping.get("sex") == "female"
    assert list(read.frame["sex"]) == ["F", "M"]
    read = _read(
        tmp_path,
        f"ID,Age,Prolactin (ng/mL),{header}\nA1,45,25,{cells[0]}\nA2,45,25,{cells[1]}\n",
    )
    assert "sex" not in read.summary.mapping
