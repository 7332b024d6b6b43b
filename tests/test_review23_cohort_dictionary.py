"""Review 23 (research-cohort exports: REDCap, SPSS, Castor, Stata; EN, NL, IT).

* a wide file's age at each visit ("age_v1" | "prl_v1" | "age_v2" | "prl_v2", "eta_v2",
  "agemo_12m") was ignored: every visit was judged at the first visit's age, and an infant's
  150 ng/mL at six months was a false normal against the neonatal interval.  A visit reads its
  own age column (contract §4/§5: the interval of the age at the sample); a baseline age
  ("age_bl_years", "leeftijd_bl") is advanced by the time between the visit dates, as a long
  file's is, and without the dates a later visit's age is unknown, never the baseline's.

Synthetic patients only; through the public pipeline, one small file per test.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pipeline_helpers import triage_csv_warned

from triage.pipeline import TriageRequest, run_triage

INFANT_HIGH = 150  # ng/mL: above the 3 months - 1 year interval, within the neonatal one


def _visits(tmp_path: Path, text: str) -> tuple[pd.DataFrame, list[str]]:
    out, warnings = triage_csv_warned(tmp_path, text)
    return out.reset_index(), warnings


@pytest.mark.parametrize(
    "text",
    [
        "participant_id,sex,age_v1,prl_v1_ngml,age_v2,prl_v2_ngml\nP1,F,0.05,160,0.55,150\n",
        "codice_paziente,sesso,eta_v1,prolattina_v1 (ng/ml),eta_v2,prolattina_v2 (ng/ml)\n"
        "P1,F,0.05,160,0.55,150\n",
        "study_id,sex,agemo_bl,prl_bl_ngml,agemo_6m,prl_6m_ngml\nP1,F,0.6,160,6.6,150\n",
        "record_id,sex,age_m0 (months),prl_m0 (ng/mL),age_m6 (months),prl_m6 (ng/mL)\n"
        "P1,F,0.6,160,6.6,150\n",
    ],
    ids=["en", "it", "glued-months", "months-bracketed"],
)
def test_each_visit_reads_its_own_age(tmp_path: Path, text: str) -> None:
    out, _ = _visits(tmp_path, text)
    later = out[out["prolactin_ng_ml"] == INFANT_HIGH].iloc[0]
    assert 0.5 < later["age_years"] < 0.6
    assert later["status"] == "high"
    assert "neonatal" not in later["factors"]


@pytest.mark.parametrize(
    "text",
    [
        "participant_id,sex,age_bl_years,date_v1,prl_v1_ngml,date_v2,prl_v2_ngml\n"
        "P1,F,0.05,2024-01-10,160,2024-07-10,150\n",
        "patientnummer,geslacht,leeftijd_bl,afnamedatum_v1,prolactine_v1 (ug/l),"
        "afnamedatum_v2,prolactine_v2 (ug/l)\nP1,F,0.05,2024-01-10,160,2024-07-10,150\n",
    ],
    ids=["en", "nl"],
)
def test_a_baseline_age_is_advanced_by_the_visit_dates(tmp_path: Path, text: str) -> None:
    out, _ = _visits(tmp_path, text)
    first = out[out["prolactin_ng_ml"] == 160].iloc[0]
    later = out[out["prolactin_ng_ml"] == INFANT_HIGH].iloc[0]
    assert first["age_years"] == pytest.approx(0.05)
    assert later["age_years"] == pytest.approx(0.05 + 182 / 365.25, abs=0.01)
    assert later["status"] == "high"


def test_a_teenager_crossing_eighteen_is_judged_as_an_adult_at_the_later_visit(
    tmp_path: Path,
) -> None:
    text = (
        "patientnummer,geslacht,leeftijd_bl,afnamedatum_v1,prolactine_v1 (ug/l),"
        "afnamedatum_v2,prolactine_v2 (ug/l)\nP1,M,17.6,2023-03-01,17,2024-09-01,19.5\n"
    )
    out, _ = _visits(tmp_path, text)
    later = out[out["prolactin_ng_ml"] == 19.5].iloc[0]
    assert later["age_years"] > 18


def test_without_dates_a_later_visit_does_not_take_the_baseline_age(tmp_path: Path) -> None:
    text = "participant_id,sex,age_bl_years,prl_v1_ngml,prl_v2_ngml\nP1,F,0.05,160,150\n"
    out, warnings = _visits(tmp_path, text)
    first = out[out["prolactin_ng_ml"] == 160].iloc[0]
    later = out[out["prolactin_ng_ml"] == INFANT_HIGH].iloc[0]
    assert first["age_years"] == pytest.approx(0.05)
    assert pd.isna(later["age_years"])
    assert "neonatal" not in later["factors"]
    assert any("age left unknown" in w for w in warnings)


# --- defect 2: coded checkbox and radio columns the workbook's data dictionary describes ---


def _workbook(
    path: Path, data: list[list[object]], sheet: str, dictionary: list[list[object]]
) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Data"
    for row in data:
        first.append(row)
    described = book.create_sheet(sheet)
    for row in dictionary:
        described.append(row)
    book.save(path)
    return path


def _run_book(tmp_path: Path, path: Path) -> tuple[pd.DataFrame, list[str]]:
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert outcome.results is not None
    warnings = [w for summary in outcome.inputs for w in summary.warnings]
    return outcome.results.set_index("patient_id"), warnings


_REDCAP = ["Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
           "Choices, Calculations, OR Slider Labels"]  # fmt: skip


@pytest.mark.parametrize(
    ("sheet", "head", "symptoms", "drugs"),
    [
        ("Data dictionary", _REDCAP, "1, Galactorrhoea | 2, Visual field defect | 3, Headache",
         "1, Risperidone | 2, Metoclopramide"),
        ("Codeboek", ["Variabele", "Type", "Label", "Antwoorden"],
         "1, Galactorroe | 2, Gezichtsvelduitval", "1, Risperidon | 2, Metoclopramide"),
        ("Dizionario dati", ["Variabile", "Tipo", "Etichetta", "Scelte"],
         "1, Galattorrea | 2, Deficit del campo visivo", "1, Risperidone | 2, Metoclopramide"),
    ],
    ids=["redcap-en", "nl", "it"],
)  # fmt: skip
def test_checkbox_options_are_read_by_the_dictionary_labels(
    tmp_path: Path, sheet: str, head: list[str], symptoms: str, drugs: str
) -> None:
    rows = [
        ["record_id", "sex", "age", "prl_ngml", "sympt___1", "sympt___2", "meds___1", "meds___2"],
        ["A1", "M", 44, 60, 0, 1, 0, 0],
        ["A2", "F", 28, 85, 1, 0, 1, 0],
    ]
    if head[0] != "Variable / Field Name":
        rows[0] = [c.replace("sympt", "symptomen").replace("meds", "farmaci") for c in rows[0]]
    names = ("symptomen", "farmaci") if head[0] != "Variable / Field Name" else ("sympt", "meds")
    dictionary = [head, [names[0], "checkbox", "Symptoms", symptoms]]
    dictionary.append([names[1], "checkbox", "Medication", drugs])
    if len(head) > len(dictionary[1]):
        dictionary = [head, *([r[0], "clinical", None, *r[1:]] for r in dictionary[1:])]
    out, _ = _run_book(tmp_path, _workbook(tmp_path / "cohort.xlsx", rows, sheet, dictionary))
    assert out.loc["A1", "priority"] == "urgent"  # raised prolactin with a visual field defect
    assert "medication:antipsychotic" in out.loc["A2", "factors"]
    assert "pituitary_mri" not in out.loc["A2", "suggestions"]


@pytest.mark.parametrize("cells", [("1", "2"), ("1;3", "2")], ids=["radio", "multi-select"])
def test_a_coded_drug_column_is_read_through_its_codebook(
    tmp_path: Path, cells: tuple[str, str]
) -> None:
    rows = [
        ["Participant Id", "sex", "age", "prl_ngml", "antipsych_type"],
        ["C1", 1, 28, 85, cells[0]],
        ["C2", 1, 30, 85, cells[1]],
    ]
    dictionary = [
        ["Variable", "Value", "Label"],
        ["sex", 1, "Female"],
        ["sex", 2, "Male"],
        ["antipsych_type", 1, "Risperidone"],
        ["antipsych_type", 2, "Haloperidol"],
        ["antipsych_type", 3, "Sertraline"],
    ]
    out, _ = _run_book(tmp_path, _workbook(tmp_path / "castor.xlsx", rows, "Codebook", dictionary))
    for patient in ("C1", "C2"):
        assert "medication:antipsychotic" in out.loc[patient, "factors"]
        assert "pituitary_mri" not in out.loc[patient, "suggestions"]


def test_a_stata_dummy_set_is_read_through_its_value_labels(tmp_path: Path) -> None:
    rows = [
        ["id", "sex", "age", "prl_ngml", "med_1", "med_2"],
        ["S1", "F", 30, 85, 1, 0],
        ["S2", "F", 30, 85, 0, 1],
    ]
    dictionary = [
        ["Variable", "Value", "Label"],
        ["med_1", 0, "No"],
        ["med_1", 1, "Risperidone"],
        ["med_2", 0, "No"],
        ["med_2", 1, "Haloperidol"],
    ]
    book = _workbook(tmp_path / "stata.xlsx", rows, "Value labels", dictionary)
    out, _ = _run_book(tmp_path, book)
    for patient in ("S1", "S2"):
        assert "medication:antipsychotic" in out.loc[patient, "factors"]


def test_a_coded_column_the_dictionary_describes_is_never_dropped_silently(
    tmp_path: Path,
) -> None:
    rows = [["record_id", "sex", "age", "prl_ngml", "roken"], ["A1", "F", 30, 20, 1]]
    dictionary = [_REDCAP, ["roken", "leefstijl", None, "radio", "Roken", "1, nooit | 2, gestopt"]]
    _, warnings = _run_book(
        tmp_path, _workbook(tmp_path / "d.xlsx", rows, "Data dictionary", dictionary)
    )
    assert any("'roken'" in w and "data dictionary" in w and "not used" in w for w in warnings)


# --- defect 5: the prolactin unit the export states in its own metadata ---


@pytest.mark.parametrize(
    ("sheet", "dictionary"),
    [
        ("Data dictionary", [_REDCAP, ["prl", "lab", None, "text", "Prolactin (mIU/L)", None]]),
        ("Data dictionary",
         [[*_REDCAP, "Field Note"], ["prl", "lab", None, "text", "Prolactin", None, "mU/L"]]),
        ("Codeboek", [["Variabele", "Label", "Waarden"], ["prl", "Prolactine (mE/l)", None]]),
        ("Variable View",
         [["Name", "Type", "Label"], ["prl", "Numeric", "Serum prolactin (mIU/L)"]]),
        ("describe",
         [["variable name", "type", "variable label"], ["prl", "float", "Prolactin mIU/L"]]),
    ],
    ids=["redcap-label", "redcap-note", "codeboek", "spss", "stata"],
)  # fmt: skip
def test_the_dictionary_label_states_the_result_unit(
    tmp_path: Path, sheet: str, dictionary: list[list[object]]
) -> None:
    rows = [["record_id", "sex", "age", "prl"], ["A1", "F", 30, 850], ["A2", "F", 30, 6000]]
    out, warnings = _run_book(tmp_path, _workbook(tmp_path / "u.xlsx", rows, sheet, dictionary))
    assert len(out) == len(rows) - 1  # no row lost as unknown_unit
    assert out.loc["A1", "status"] == "high"  # 850 mIU/L, ~40 ng/mL
    assert out.loc["A2", "priority"] == "urgent"  # 6000 mIU/L
    assert any("data dictionary" in w and "mIU/L" in w for w in warnings)


@pytest.mark.parametrize(
    "unit_header",
    [
        "prl_unit (1=ng/mL; 2=mIU/L)",
        '"Prolactin unit (1, ng/mL | 2, mIU/L)"',
        "eenheid prolactine (1=ng/ml; 2=mE/l)",
        '"unita prolattina (1 = ng/ml, 2 = mUI/l)"',
    ],
    ids=["en", "redcap", "nl", "it"],
)
def test_the_unit_codes_a_unit_column_header_states_are_read(
    tmp_path: Path, unit_header: str
) -> None:
    text = (
        f"participant_id,sex,age,prl,{unit_header}\nP1,F,30,25,1\nP2,F,30,900,2\nP3,F,30,6000,2\n"
    )
    out, _ = triage_csv_warned(tmp_path, text)
    assert out.loc["P1", "status"] == "normal"
    assert out.loc["P2", "unit_raw"] == "mIU/L" or out.loc["P2", "prolactin_ng_ml"] < 50
    assert out.loc["P2", "status"] == "high"
    assert out.loc["P3", "priority"] == "urgent"


@pytest.mark.parametrize(
    "header", ["PRL_mUI_L", "prolactine_mEl", "prolattina_mui_l"], ids=["fr", "nl", "it"]
)
def test_glued_unit_names_are_read(tmp_path: Path, header: str) -> None:
    out, _ = triage_csv_warned(tmp_path, f"id,sex,age,{header}\nP1,F,40,900\n")
    assert out.loc["P1", "prolactin_ng_ml"] < 50  # 900 mIU/L, not 900 ng/mL
    assert out.loc["P1", "status"] == "high"
