"""Review 14: values a reader took for something else.

- a PEG recovery written as a fraction (0.75, "ratio") in a long export was read as 0.75 %;
- a missing-data code the workbook's own codebook declares for the result column (999 = "not
  done") was triaged as a result, and -99 was called implausible rather than missing;
- compact research names of the monomeric prolactin ("prl_mono", "prl_postpeg", "PRLmono")
  were taken for a second prolactin result and the whole file was refused;
- a unit with a note in brackets ("mIU/L (WHO 84/500)", "µg/L (= ng/mL)") or written out
  ("microIU/mL") was no unit, and every row was left untriaged;
- an unlabelled mean under the results, its unit cell filled in, was triaged as a patient's
  result.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from triage.columns import candidates
from triage.pipeline import TriageRequest, run_triage
from triage.schema import Rejected
from triage.values import normalise_unit


def _run(tmp_path: Path, text: str | None = None, path: Path | None = None):
    """(results, rejected rows) of one run on ``text`` (a CSV) or the file ``path``."""
    if path is None:
        path = tmp_path / "export.csv"
        path.write_text(text or "", encoding="utf-8")
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    results = outcome.results if outcome.results is not None else pd.DataFrame()
    return results, outcome.rejected


def _row(results: pd.DataFrame, patient: str) -> pd.Series:
    rows = results[results["patient_id"] == patient]
    assert len(rows) == 1, results
    return rows.iloc[0]


def _reasons(rejected: list[Rejected]) -> dict[int, str]:
    return {r.source_row: r.reason_code for r in rejected}


# -- compact names of the monomeric prolactin ---------------------------------------------------
MONOMERIC_HEADERS = [
    "prl_mono",
    "prl_postpeg",
    "prl_ppeg",
    "PRLmono",
    "monoPRL",
    "postpegPRL",
    "prl_postPEG",
    "PRL (mono)",
    "Prolaktin_nachPEG",  # de
    "PRL_monomerisch",
    "prolactine_apresPEG",  # fr
    "Prolactine monomère",
    "prolactina_trasPEG",  # es
    "Prolactina monómero",
    "prolattina_dopoPEG",  # it
    "prolactine_naPEG",  # nl
]


@pytest.mark.parametrize("header", MONOMERIC_HEADERS)
def test_compact_monomeric_names_are_the_monomeric_prolactin(header: str) -> None:
    found = candidates(header)
    assert found and found[0][0] == "monomeric_prolactin", found
    assert "prolactin" not in dict(found)
    # the prolactin word alone is still the result
    for result in ("prl_total", "Prolaktin", "PRL", "prolactina"):
        assert candidates(result)[0][0] == "prolactin", result


@pytest.mark.parametrize("header", ["prl_mono", "prl_postpeg", "PRLmono", "Prolaktin_nachPEG"])
def test_file_with_total_and_compact_monomeric_column_is_triaged(
    tmp_path: Path, header: str
) -> None:
    results, _ = _run(
        tmp_path,
        f"id,sex,age,prl_total,{header},prl_unit\nM1,F,30,80,12,ng/mL\nM2,M,40,60,45,ng/mL\n",
    )
    # low monomeric share (12 of 80): macroprolactin explains it; 45 of 60 does not
    assert _row(results, "M1")["prolactin_ng_ml"] == 80
    assert "macroprolactinemia" in _row(results, "M1")["factors"]
    assert "macroprolactinemia" not in _row(results, "M2")["factors"]


# -- units with a note in brackets, and written out ----------------------------------------------
@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("mIU/L (WHO 84/500)", "mIU/L"),
        ("mIU/L (3rd IS 84/500)", "mIU/L"),
        ("mIU/L [OMS 84/500]", "mIU/L"),
        ("mU/L (3. Internationaler Standard 84/500)", "mIU/L"),
        ("ng/mL (µg/L)", "ng/mL"),
        ("µg/L (= ng/mL)", "ng/mL"),
        ("µg/L (entspricht ng/mL)", "ng/mL"),
        ("mUI/L (soit µUI/mL)", "mIU/L"),
        ("microIU/mL", "mIU/L"),
        ("micro-UI/mL", "mIU/L"),
        ("mikroIE/ml", "mIU/L"),
    ],
)
def test_unit_with_standard_or_equivalence_note_is_read(text: str, unit: str) -> None:
    info = normalise_unit(text)
    assert info is not None and info.unit == unit and info.factor == 1.0
    # a note naming another unit, or saying something else, leaves the unit unknown
    for unknown in ("ng/mL (mIU/L)", "IU/L (mIU/L)", "mIU/L (calculated)", "ng/mL (x 21.2)"):
        assert normalise_unit(unknown) is None, unknown


def test_units_with_notes_are_triaged_end_to_end(tmp_path: Path) -> None:
    results, rejected = _run(
        tmp_path,
        "patient_id,sex,age_years,prolactin,prolactin_unit\n"
        "V1,F,30,600,mIU/L (WHO 84/500)\n"
        "V2,M,40,400,ng/mL (µg/L)\n"
        "V3,M,40,6000,mIU/L (3rd IS 84/500)\n"
        "V4,M,40,300,µg/L (= ng/mL)\n"
        "V5,F,30,600,microIU/mL\n",
    )
    assert not rejected
    assert _row(results, "V1")["prolactin_ng_ml"] == pytest.approx(600 / 21.2, abs=0.1)
    assert _row(results, "V1")["priority"] == "none"
    assert _row(results, "V2")["priority"] == "urgent"
    assert _row(results, "V3")["priority"] == "urgent"
    assert _row(results, "V4")["prolactin_ng_ml"] == 300
    assert _row(results, "V5")["prolactin_ng_ml"] == pytest.approx(600 / 21.2, abs=0.1)


def test_unit_note_in_the_result_cell_is_read(tmp_path: Path) -> None:
    results, rejected = _run(
        tmp_path, "patient_id,sex,age,prolactin\nB1,F,30,600 mIU/L (WHO 84/500)\n"
    )
    assert not rejected
    assert _row(results, "B1")["prolactin_ng_ml"] == pytest.approx(600 / 21.2, abs=0.1)


# -- a PEG recovery written as a fraction of 1, in a long export ---------------------------------
RECOVERY_NAMES = [
    "PEG recovery",
    "Monomeric/total prolactin",
    "Wiederfindung nach PEG",
    "Récupération PEG",
    "Recuperación PEG",
    "Recupero PEG",
    "Terugwinning na PEG",
]
LONG_HEADER = "patient_id,sex,age,collected_at,test,result,unit\n"


@pytest.mark.parametrize("name", RECOVERY_NAMES)
@pytest.mark.parametrize("unit", ["", "ratio", "1"])
def test_long_recovery_fraction_is_a_percentage(tmp_path: Path, name: str, unit: str) -> None:
    # 75 % recovered: true (monomeric) hyperprolactinaemia, never macroprolactin
    results, _ = _run(
        tmp_path,
        LONG_HEADER
        + "R1,M,50,2026-11-01,Prolactin,60,ng/mL\n"
        + f"R1,M,50,2026-11-01,{name},0.75,{unit}\n",
    )
    row = _row(results, "R1")
    assert "macroprolactinemia" not in row["factors"]
    assert row["priority"] == "soon"
    assert "pituitary_mri" in row["suggestions"]


def test_long_and_wide_read_a_recovery_alike(tmp_path: Path) -> None:
    long_results, _ = _run(
        tmp_path,
        LONG_HEADER
        + "R1,M,50,2026-11-01,Prolactin,60,ng/mL\n"
        + "R1,M,50,2026-11-01,PEG recovery,0.30,\n"  # 30 %: macroprolactin present
        + "R2,M,50,2026-11-01,Prolactin,60,ng/mL\n"
        + "R2,M,50,2026-11-01,PEG recovery,0.75,\n"
        + "R3,M,50,2026-11-01,Prolactin,60,ng/mL\n"
        + "R3,M,50,2026-11-01,PEG recovery,75,%\n",
    )
    wide_dir = tmp_path / "wide"
    wide_dir.mkdir()
    wide_results, _ = _run(
        wide_dir,
        "patient_id,sex,age,prolactin,unit,PEG recovery\n"
        "R1,M,50,60,ng/mL,0.30\nR2,M,50,60,ng/mL,0.75\nR3,M,50,60,ng/mL,75%\n",
    )
    for patient in ("R1", "R2", "R3"):
        assert _row(long_results, patient)["factors"] == _row(wide_results, patient)["factors"]
    assert "macroprolactinemia" in _row(long_results, "R1")["factors"]
    assert "macroprolactinemia" not in _row(long_results, "R2")["factors"]


# -- an unlabelled mean under the results, with the column's unit filled in ----------------------
HEADERS = {
    "en": "id,sex,age,prolactin,unit",
    "de": "Patienten-ID,Geschlecht,Alter,Prolaktin,Einheit",
    "fr": "ID patient,Sexe,Âge,Prolactine,Unité",
    "es": "ID paciente,Sexo,Edad,Prolactina,Unidad",
    "it": "ID paziente,Sesso,Età,Prolattina,Unità",
    "nl": "Patiënt-ID,Geslacht,Leeftijd,Prolactine,Eenheid",
}
ROWS = "F1,F,30,20,ng/mL\nF2,F,30,500,ng/mL\nF3,M,40,15,ng/mL\n"


@pytest.mark.parametrize("language", sorted(HEADERS))
@pytest.mark.parametrize("footer", [",,,178.3,ng/mL", ",,,535,ng/mL", ",,,3,ng/mL"])
def test_mean_row_with_the_unit_filled_in_is_no_result(
    tmp_path: Path, language: str, footer: str
) -> None:
    results, rejected = _run(tmp_path, f"{HEADERS[language]}\n{ROWS}{footer}\n")
    assert sorted(results["patient_id"]) == ["F1", "F2", "F3"]
    assert _reasons(rejected) == {5: "not_a_result_row"}


def test_lone_result_with_the_unit_that_is_no_aggregate_stays_a_result(tmp_path: Path) -> None:
    results, _ = _run(tmp_path, f"{HEADERS['en']}\n{ROWS},,,300,ng/mL\n")
    assert len(results) == len(("F1", "F2", "F3", "the row without a patient"))
    assert (results["prolactin_ng_ml"] == 300).any()
    # a patient's row is a patient's result, whatever its value
    results, _ = _run(tmp_path, f"{HEADERS['en']}\n{ROWS}F4,,,178.3,ng/mL\n")
    assert "F4" in set(results["patient_id"])
    # ... and the mean row with the unit is not one
    results, _ = _run(tmp_path, f"{HEADERS['en']}\n{ROWS},,,178.3,ng/mL\n")
    assert len(results) == len(("F1", "F2", "F3"))


# -- missing-data codes of the result column ----------------------------------------------------
CODEBOOKS = {  # language: (sheet name, header row, the "not done" / "missing" labels)
    "en": ("Codebook", ["Variable", "Value", "Label"], "not done", "missing"),
    "de": ("Codebuch", ["Variable", "Wert", "Label"], "nicht bestimmt", "fehlend"),
    "fr": ("Dictionnaire des données", ["Variable", "Valeur", "Libellé"], "non fait", "manquant"),
    "es": ("Diccionario de datos", ["Variable", "Valor", "Etiqueta"], "no realizado", "faltante"),
    "it": ("Dizionario dati", ["Variabile", "Valore", "Etichetta"], "non eseguito", "mancante"),
    "nl": ("Codeboek", ["Variabele", "Waarde", "Label"], "niet gedaan", "ontbrekend"),
}


def _cohort_book(path: Path, language: str, *, codebook: bool = True) -> Path:
    sheet_name, header, not_done, missing = CODEBOOKS[language]
    book = openpyxl.Workbook()
    data = book.active
    assert data is not None
    data.title = "Data"
    data.append(["study_id", "sex", "age", "prl_bl", "prl_unit"])
    data.append(["S001", "F", 35, 25, "ng/mL"])
    data.append(["S002", "F", 40, 999, "ng/mL"])
    data.append(["S003", "M", 50, -99, "ng/mL"])
    data.append(["S004", "M", 50, 300, "ng/mL"])
    if codebook:
        sheet = book.create_sheet(sheet_name)
        sheet.append(header)
        sheet.append(["sex", "F", "female"])
        sheet.append(["prl_bl", -99, missing])
        sheet.append(["prl_bl", 999, not_done])
    book.save(path)
    return path


@pytest.mark.parametrize("language", sorted(CODEBOOKS))
def test_result_code_the_codebook_declares_missing_is_rejected(
    tmp_path: Path, language: str
) -> None:
    results, rejected = _run(tmp_path, path=_cohort_book(tmp_path / "cohort.xlsx", language))
    assert sorted(results["patient_id"]) == ["S001", "S004"]  # 999 is no result of 999 ng/mL
    assert _reasons(rejected) == {3: "missing_result", 4: "missing_result"}
    detail = next(r.detail for r in rejected if r.source_row == 3)
    assert "'999'" in detail and "codebook" in detail
    assert _row(results, "S004")["priority"] == "urgent"


def test_result_code_without_codebook_stays_a_result_and_negative_code_is_missing(
    tmp_path: Path,
) -> None:
    # without the codebook 999 may be a real result, but not beside the column's own -99: there
    # it is that codebook's all-9 code (review 23, fix166: it had been an urgent 999 ng/mL)
    results, rejected = _run(tmp_path, path=_cohort_book(tmp_path / "c.xlsx", "en", codebook=False))
    assert "S002" not in set(results["patient_id"])
    # -99 is the conventional missing-data code: missing, not an implausible value
    assert _reasons(rejected) == {3: "missing_result", 4: "missing_result"}
    # alone, 999 stays a result: triaged (and warned about), never dropped
    results, _ = _run(tmp_path, "id,sex,age,prolactin,unit\nA,F,30,999,ng/mL\nB,F,30,9,ng/mL\n")
    assert _row(results, "A")["priority"] == "urgent"


@pytest.mark.parametrize("code", ["-99", "-999", "-9999"])
def test_conventional_negative_code_is_a_missing_result(tmp_path: Path, code: str) -> None:
    _, rejected = _run(tmp_path, f"id,sex,age,prolactin,unit\nA,F,30,{code},ng/mL\n")
    assert _reasons(rejected) == {2: "missing_result"}
    # any other negative number is still an implausible value
    _, rejected = _run(tmp_path, "id,sex,age,prolactin,unit\nA,F,30,-5,ng/mL\n")
    assert _reasons(rejected) == {2: "implausible_value"}
