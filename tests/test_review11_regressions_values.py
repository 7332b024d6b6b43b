"""Review 11 regressions: a comparator column beside another test's result is not the
prolactin's, and a censored result's impossible reading is no ambiguity.  Synthetic patients
only.

Clinical reference: a result above 5000 mIU/L (~236 ng/mL) is urgent; a comparator that is not
clearly the prolactin's must never make an urgent result indeterminate."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv


def _rows(frame: pd.DataFrame) -> dict[str, pd.Series]:
    return {str(r["patient_id"]): r for _, r in frame.iterrows()}


def _unqualified(row: pd.Series) -> bool:
    return bool(pd.isna(row["qualifier"]) or row["qualifier"] == "")


# (separator, id, sex, age, prolactin, unit, comparator, hCG, TSH) per language
LANGUAGES = [
    (",", "Patient ID", "Sex", "Age", "Prolactin", "Unit", "Operator", "hCG", "TSH"),
    (";", "Patient-ID", "Geschlecht", "Alter", "Prolaktin", "Einheit", "Vorzeichen", "beta-HCG",
     "TSH"),
    (";", "N° dossier", "Sexe", "Âge", "Prolactine", "Unité", "Signe", "hCG", "TSH"),
    (";", "NHC", "Sexo", "Edad", "Prolactina", "Unidad", "Operador", "hCG", "TSH"),
    (";", "ID paziente", "Sesso", "Età", "Prolattina", "Unità", "Segno", "hCG", "TSH"),
    (";", "Patiëntnummer", "Geslacht", "Leeftijd", "Prolactine", "Eenheid", "Teken", "hCG", "TSH"),
]  # fmt: skip


@pytest.mark.parametrize("lang", LANGUAGES, ids=lambda lang: lang[6])
@pytest.mark.parametrize("layout", ["after_unit", "between_tests"])
def test_a_comparator_column_before_another_tests_result_is_not_the_prolactins(
    tmp_path: Path, lang: tuple[str, ...], layout: str
) -> None:
    """'<' before hCG is hCG's: 520 ng/mL stays urgent, never an indeterminate '<520'."""
    sep, pid, sex, age, prl, unit, op, hcg, tsh = lang
    if layout == "after_unit":
        head = [pid, sex, age, prl, unit, op, hcg]
        rows = [
            ["C1", "F", "34", "520", "ng/mL", "<", "5"],
            ["C2", "M", "50", "18", "ng/mL", "", ""],
        ]
    else:
        head = [pid, sex, age, prl, unit, tsh, op, hcg]
        rows = [
            ["C1", "F", "34", "520", "ng/mL", "2", "<", "5"],
            ["C2", "M", "50", "18", "ng/mL", "2", "", ""],
        ]
    text = "\n".join(sep.join(r) for r in [head, *rows]) + "\n"
    got = _rows(triage_csv(tmp_path, text))
    assert _unqualified(got["C1"])
    assert got["C1"]["status"] == "high"
    assert got["C1"]["priority"] == "urgent"
    assert got["C2"]["status"] == "normal"


def test_a_comparator_column_after_the_unit_before_a_macroprolactin_column_is_not_read(
    tmp_path: Path,
) -> None:
    text = (
        "Patient ID,Sex,Age,Prolactin,Unit,Qualifier,Macroprolactin recovery %\n"
        "H1,F,34,95,ng/mL,<,40\n"
    )
    got = _rows(triage_csv(tmp_path, text))
    assert _unqualified(got["H1"])
    assert got["H1"]["status"] == "high"


@pytest.mark.parametrize("lang", LANGUAGES, ids=lambda lang: lang[6])
def test_a_comparator_column_right_before_the_result_is_its_qualifier(
    tmp_path: Path, lang: tuple[str, ...]
) -> None:
    """The usual layout 'Operator, Result': '>' before 4700 mIU/L is censored and urgent."""
    sep, pid, sex, age, prl, unit, op, hcg, _ = lang
    head = [pid, sex, age, op, prl, unit, hcg]
    rows = [["P1", "M", "40", ">", "4700", "mIU/L", ""], ["P2", "F", "30", "<", "50", "mIU/L", "2"]]
    text = "\n".join(sep.join(r) for r in [head, *rows]) + "\n"
    got = _rows(triage_csv(tmp_path, text))
    assert got["P1"]["qualifier"] == ">"
    assert got["P1"]["priority"] == "urgent"
    assert got["P2"]["qualifier"] == "<"


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [  # before the result's own unit: its qualifier; before another test's result: that test's
        ("Patient ID,Sex,Age,Prolactin,Operator,Unit,hCG\nP1,M,40,4700,>,mIU/L,<2\n", ">"),
        ("Patient ID,Sex,Age,Prolactin (ng/mL),Operator,hCG\nP1,F,30,520,<,2\n", ""),
    ],
)
def test_a_comparator_column_right_after_the_result(
    tmp_path: Path, text: str, qualifier: str
) -> None:
    got = _rows(triage_csv(tmp_path, text))
    assert (got["P1"]["qualifier"] == qualifier) if qualifier else _unqualified(got["P1"])
    assert got["P1"]["priority"] == "urgent"


def test_a_long_files_comparator_column_qualifies_each_rows_own_result(tmp_path: Path) -> None:
    text = (
        "Patient ID,Sex,Age,Test,Operator,Result,Unit\n"
        "C1,F,34,Prolactin,>,4700,mIU/L\n"
        "C1,F,34,TSH,<,0.01,mU/L\n"
        "C2,F,30,hCG,<,2,IU/L\n"
        "C2,F,30,Prolactin,=,520,ng/mL\n"
    )
    got = _rows(triage_csv(tmp_path, text))
    assert got["C1"]["qualifier"] == ">"
    assert got["C1"]["priority"] == "urgent"
    assert _unqualified(got["C2"])
    assert got["C2"]["priority"] == "urgent"


# ------------------------------------------------------------------------------------------------
# A censored result in a file that does not show its decimal mark
# ------------------------------------------------------------------------------------------------
COMMA_HEADERS = [
    "Patient ID,Sex,Age,Prolactin,Unit",
    "Pat.-Nr.,Geschlecht,Alter,Prolaktin,Einheit",
    "N° dossier,Sexe,Âge,Prolactine,Unité",
    "NHC,Sexo,Edad,Prolactina,Unidad",
    "ID paziente,Sesso,Età,Prolattina,Unità",
    "Patiëntnummer,Geslacht,Leeftijd,Prolactine,Eenheid",
]


@pytest.mark.parametrize("header", COMMA_HEADERS)
@pytest.mark.parametrize("cell", ['">1,000"', ">1.000"])
def test_a_result_above_the_range_is_read_with_its_large_reading(
    tmp_path: Path, header: str, cell: str
) -> None:
    """'>1,000' ng/mL is above the measuring range: >1 ng/mL is no such limit; urgent."""
    text = f"{header}\nR2,F,30,18,ng/mL\nR3,M,50,{cell},ng/mL\n"
    got = _rows(triage_csv(tmp_path, text))
    assert got["R3"]["qualifier"] == ">"
    assert float(got["R3"]["prolactin_value"]) == pytest.approx(1000.0)
    assert got["R3"]["priority"] == "urgent"


@pytest.mark.parametrize("sep", [",", ";"])
def test_a_result_below_the_range_is_read_with_its_small_reading(tmp_path: Path, sep: str) -> None:
    cell = '"<1,000"' if sep == "," else "<1.000"
    head = sep.join(["Patient ID", "Sex", "Age", "Prolactin", "Unit"])
    text = f"{head}\n" + sep.join(["R4", "M", "50", cell, "ng/mL"]) + "\n"
    got = _rows(triage_csv(tmp_path, text))
    assert got["R4"]["qualifier"] == "<"
    assert float(got["R4"]["prolactin_value"]) == pytest.approx(1.0)
    assert got["R4"]["priority"] != "urgent"


def test_a_comparator_column_gives_the_reading_too(tmp_path: Path) -> None:
    text = 'Patient ID,Sex,Age,Operator,Prolactin,Unit\nR3,M,50,>,"1,000",ng/mL\n'
    got = _rows(triage_csv(tmp_path, text))
    assert float(got["R3"]["prolactin_value"]) == pytest.approx(1000.0)
    assert got["R3"]["priority"] == "urgent"


@pytest.mark.parametrize("cell", ["6,250", "1.150"])
def test_a_plain_ambiguous_result_is_still_rejected(tmp_path: Path, cell: str) -> None:
    """Both readings plausible (6.25 mIU/L near a lower limit, 6250 urgent): not on a guess."""
    from triage.pipeline import TriageRequest, run_triage

    unit = "mIU/L" if cell == "6,250" else "ng/mL"
    path = tmp_path / "export.csv"
    path.write_text(f"Patient ID;Sex;Age;Prolactin;Unit\nR6;F;30;{cell};{unit}\n", encoding="utf-8")
    done = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert [r.reason_code for r in done.rejected] == ["ambiguous_decimal_mark"]
