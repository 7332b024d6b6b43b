"""Review 14: what a reader makes of an export's own shapes.  A codebook's labels for a state
column are read with the column's own state words (REDCap "1, Not pregnant | 2, Pregnant", the
long "Variable | Value | Label" form), a code it gives whose label is not read is unknown, never
1 = yes; menopausal cells with a qualifier ("post (surgical)", "2 = post", "surgical") are
read, and every cell a state column cannot read is said."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pipeline_helpers import triage_csv
from typer.testing import CliRunner

from triage.cli import app
from triage.io import read_file
from triage.pipeline import TriageRequest, run_triage


def _run(path: Path) -> pd.DataFrame:
    return run_triage(
        TriageRequest(inputs=[path], out_dir=path.parent / "out", keep_results=True)
    ).results


def _book(path: Path, data: list[list[object]], codebook: tuple[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    for row in data:
        sheet.append(row)
    extra = book.create_sheet(codebook[0])
    for row in codebook[1]:
        extra.append(row)
    book.save(path)
    return path


# (language, REDCap choices of the pregnancy field, its menopause field)
_REDCAP = [
    ("en", "1, Not pregnant | 2, Pregnant | 3, Unknown", "1, Premenopausal | 2, Postmenopausal"),
    (
        "de",
        "1, nicht schwanger | 2, schwanger | 3, unbekannt",
        "1, prämenopausal | 2, postmenopausal",
    ),
    ("fr", "1, non enceinte | 2, enceinte | 3, inconnu", "1, préménopausée | 2, ménopausée"),
    (
        "es",
        "1, no embarazada | 2, embarazada | 3, desconocido",
        "1, premenopáusica | 2, posmenopáusica",
    ),
    ("it", "1, non incinta | 2, incinta | 3, sconosciuto", "1, premenopausa | 2, postmenopausa"),
    ("nl", "1, niet zwanger | 2, zwanger | 3, onbekend", "1, premenopauzaal | 2, postmenopauzaal"),
]


@pytest.mark.parametrize(("language", "pregnancy", "menopause"), _REDCAP)
def test_a_redcap_dictionary_of_state_words_decides_the_codes(
    tmp_path: Path, language: str, pregnancy: str, menopause: str
) -> None:
    path = _book(
        tmp_path / f"redcap_{language}.xlsx",
        [
            ["record_id", "sex", "age", "prolactin_ngml", "pregnant", "menopause"],
            ["P1", "F", 30, 150, 1, 1],
            ["P2", "F", 30, 150, 2, 1],
            ["P3", "F", 47, 25, 1, 2],
        ],
        (
            "Data Dictionary",
            [
                [
                    "Variable / Field Name",
                    "Form Name",
                    "Field Type",
                    "Field Label",
                    "Choices, Calculations, OR Slider Labels",
                ],
                ["pregnant", "demo", "radio", "Pregnancy status", pregnancy],
                ["menopause", "demo", "radio", "Menopausal status", menopause],
            ],
        ),
    )
    rows = _run(path).set_index("patient_id")
    # 1 = not pregnant: a raised result of a non-pregnant woman, never explained by pregnancy
    assert rows.loc["P1", "status"] == "high"
    assert "pregnancy" not in rows.loc["P1", "factors"]
    assert "pregnancy" in rows.loc["P2", "factors"]
    # 2 = postmenopausal: the postmenopausal interval, 25 ng/mL is above it
    assert rows.loc["P3", "status"] == "high"


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ("not pregnant", "pregnant")),
        ("de", ("nicht schwanger", "schwanger")),
        ("fr", ("non enceinte", "enceinte")),
        ("es", ("no embarazada", "embarazada")),
        ("it", ("non incinta", "incinta")),
        ("nl", ("niet zwanger", "zwanger")),
    ],
)
def test_a_long_form_codebook_of_state_words_decides_the_codes(
    tmp_path: Path, language: str, labels: tuple[str, str]
) -> None:
    path = _book(
        tmp_path / f"spss_{language}.xlsx",
        [
            ["id", "sex", "age", "prolactin_ngml", "preg_status"],
            ["P1", "F", 30, 150, 1],
            ["P2", "F", 30, 150, 2],
        ],
        (
            "Codebook",
            [
                ["Variable", "Value", "Label"],
                ["preg_status", 1, labels[0]],
                ["preg_status", 2, labels[1]],
            ],
        ),
    )
    rows = _run(path).set_index("patient_id")
    assert rows.loc["P1", "status"] == "high"
    assert "pregnancy" not in rows.loc["P1", "factors"]
    assert "pregnancy" in rows.loc["P2", "factors"]


def test_a_code_whose_label_is_not_read_is_unknown_and_said(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "odd.xlsx",
        [
            ["id", "sex", "age", "prolactin_ngml", "pregnant"],
            ["P1", "F", 30, 150, 1],
            ["P2", "F", 30, 150, 2],
        ],
        (
            "Codebook",
            [
                ["Variable", "Value", "Label"],
                ["pregnant", 1, "Wiggly"],
                ["pregnant", 2, "Not pregnant"],
            ],
        ),
    )
    read = read_file(path)
    said = " ".join(read.summary.warnings)
    assert "'Wiggly'" in said and "unknown" in said
    pregnant = dict(zip(read.frame["patient_id"], read.frame["pregnant"], strict=True))
    assert pd.isna(pregnant["P1"])  # never the bare 1 = yes
    assert not pregnant["P2"]
    rows = _run(path).set_index("patient_id")
    assert "pregnancy" not in rows.loc["P1", "factors"]


@pytest.mark.parametrize(
    "cell",
    [
        "post (surgical)",
        "post (natural)",
        "2 = post",
        "surgical",
        "post-surgical",
        "chirurgisch",
        "chirurgicale",
        "quirúrgica",
        "chirurgica",
        "post [chirurgisch]",
    ],
)
def test_menopausal_cells_with_a_qualifier_are_postmenopausal(tmp_path: Path, cell: str) -> None:
    rows = triage_csv(
        tmp_path,
        f'id,sex,age,prolactin,unit,menopausal_status\nZ1,F,45,25,ng/mL,"{cell}"\n',
    )
    # the postmenopausal interval (25 ng/mL is above it), not the premenopausal one
    assert rows.loc[0, "status"] == "high", rows.loc[0, "reference_high_ng_ml"]


@pytest.mark.parametrize("cell", ["pre (irregular cycles)", "1 = pre", "[1] pre", "prä (Zyklus)"])
def test_premenopausal_cells_with_a_qualifier_are_premenopausal(tmp_path: Path, cell: str) -> None:
    rows = triage_csv(
        tmp_path,
        f'id,sex,age,prolactin,unit,menopausal_status\nZ1,F,58,25,ng/mL,"{cell}"\n',
    )
    assert rows.loc[0, "status"] == "normal"


@pytest.mark.parametrize(
    ("column", "cell"),
    [("menopausal", "qqq"), ("pregnant", "xyz"), ("menopausal", "natural"), ("pregnant", "7")],
)
def test_every_cell_a_state_column_cannot_read_is_said(
    tmp_path: Path, column: str, cell: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        f"id,sex,age,prolactin,unit,{column}\nY1,F,30,25,ng/mL,{cell}\nY2,F,31,20,ng/mL,\n"
        f"Y3,F,32,20,ng/mL,{cell}\nY4,F,33,20,ng/mL,unknown\nY5,F,34,20,ng/mL,no\n",
        encoding="utf-8",
    )
    said = [w for w in read_file(path).summary.warnings if "could not be read as" in w]
    assert len(said) == 1, read_file(path).summary.warnings
    assert f"column {column!r}" in said[0] and "row(s) 2, 4 " in said[0]
    assert repr(cell) in said[0] and "'unknown'" not in said[0] and "'no'" not in said[0]


def test_state_cells_the_column_reads_are_not_said_beside_one_it_cannot(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "id,sex,age,prolactin,unit,pregnant,menopausal\n"
        "Y1,F,30,25,ng/mL,nicht schwanger,prä\nY2,F,31,20,ng/mL,unknown,post (surgical)\n"
        "Y3,F,32,20,ng/mL,1,n/a\nY4,F,33,20,ng/mL,no,Perimenopausal\n"
        "Y5,F,33,20,ng/mL,embarazada,zzz\n",
        encoding="utf-8",
    )
    said = [w for w in read_file(path).summary.warnings if "could not be read as" in w]
    assert len(said) == 1 and "'zzz'" in said[0] and "row(s) 6 " in said[0], said


@pytest.mark.parametrize(
    "header",
    ["age_days", "Alter (Tage)", "âge (jours)", "edad (días)", "età (giorni)", "leeftijd (dagen)"],
)
def test_an_age_column_in_days_is_converted_before_its_values_are_checked(
    tmp_path: Path, header: str
) -> None:
    rows = triage_csv(
        tmp_path,
        f"id,sex,{header},prolactin,unit\nN1,F,2,300,ng/mL\nN2,M,800,20,ng/mL\n"
        "N3,F,3000,12,ng/mL\n",
    ).set_index("patient_id")
    # a 2-day-old's 300 ng/mL is a newborn's, never an urgent adult result
    assert rows.loc["N1", "priority"] != "urgent"
    assert float(rows.loc["N1", "age_years"]) < 1
    assert 2 < float(rows.loc["N2", "age_years"]) < 3


@pytest.mark.parametrize(
    "header",
    [
        "Age (months)",
        "Alter (Monate)",
        "âge (mois)",
        "edad (meses)",
        "età (mesi)",
        "leeftijd (maanden)",
        "age_months",
    ],
)
def test_an_age_column_in_months_is_converted_before_its_values_are_checked(
    tmp_path: Path, header: str
) -> None:
    rows = triage_csv(
        tmp_path,
        f"id,sex,{header},prolactin,unit\nP1,F,780,25,ng/mL\nP2,F,720,26,ng/mL\n",
    ).set_index("patient_id")
    assert float(rows.loc["P1", "age_years"]) == 65
    # a woman of 65: the postmenopausal interval, above which 25 ng/mL lies
    assert rows.loc["P1", "status"] == "high"


def _run_csv(tmp_path: Path, text: str) -> tuple[pd.DataFrame, list[object]]:
    path = tmp_path / "merged.csv"
    path.write_text(text, encoding="utf-8")
    run = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    return run.results.set_index("patient_id"), list(run.rejected)


@pytest.mark.parametrize("mark", [".", ","])
def test_a_merged_file_takes_the_decimal_mark_per_unit_group(tmp_path: Path, mark: str) -> None:
    results, rejected = _run_csv(
        tmp_path,
        "site;id;sex;age;prolactin;unit\n"
        f"A;E1;F;30;12{mark}5;ng/mL\nA;E2;M;40;8{mark}4;ng/mL\n"
        "B;E3;M;40;6.000;mIU/L\nB;E4;F;30;1.250;mIU/L\nB;E5;F;30;450;mIU/L\n",
    )
    if mark == ".":
        # 6.000 mIU/L: 6 (low) or 6000 (urgent): never silently low, rejected as ambiguous
        assert "E3" not in results.index
        assert [r.reason_code for r in rejected if r.patient_id == "E3"] == [
            "ambiguous_decimal_mark"
        ]
        said = next(r.detail for r in rejected if r.patient_id == "E3")
        assert "does not show its decimal mark" not in said and "unit group" in said
    else:
        # the column writes ',' as its decimal mark: '.' groups thousands, 6000 mIU/L (urgent;
        # review 14 regressions: the larger reading the column's own mark gives)
        assert results.loc["E3", "priority"] == "urgent"
    # 1.250 mIU/L: mIU/L is reported in whole numbers, 1250 (1.25 is below any assay)
    assert results.loc["E4", "status"] == "high"
    assert results.loc["E1", "prolactin_ng_ml"] == 12.5


@pytest.mark.parametrize(
    "header",
    [
        "Antipsychotic medication",
        "Antipsychotic medication?",
        "antipsychotic_med",
        "Use of antipsychotic drugs",
        "Currently taking antipsychotic medication?",
        "Aktuelle Medikation: Neuroleptika",
        "Traitement actuel par neuroleptiques",
        "Medicación actual con antipsicóticos",
        "Terapia attuale con antipsicotici",
        "Huidige medicatie: antipsychotica",
    ],
)
def test_a_yes_no_medication_column_named_after_a_drug_class_is_that_class(
    tmp_path: Path, header: str
) -> None:
    rows = triage_csv(
        tmp_path,
        f'id,sex,age,prolactin,unit,"{header}"\nP1,F,30,60,ng/mL,Yes\nP2,F,31,60,ng/mL,No\n',
    ).set_index("patient_id")
    assert "medication:antipsychotic" in rows.loc["P1", "factors"]
    assert "unexplained" not in rows.loc["P1", "factors"]
    assert "medication" not in rows.loc["P2", "factors"]


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ("Sex", "Age (years)", "Prolactin (ng/mL)")),
        ("de", ("Geschlecht", "Alter (Jahre)", "Prolaktin (ng/ml)")),
        ("fr", ("Sexe", "Âge (ans)", "Prolactine (ng/mL)")),
        ("es", ("Sexo", "Edad (años)", "Prolactina (ng/mL)")),
        ("it", ("Sesso", "Età (anni)", "Prolattina (ng/mL)")),
        ("nl", ("Geslacht", "Leeftijd (jaar)", "Prolactine (ng/mL)")),
    ],
)
def test_a_transposed_table_is_named_as_such_and_exits_3(
    tmp_path: Path, language: str, labels: tuple[str, str, str]
) -> None:
    path = tmp_path / f"turned_{language}.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Variable", "P01", "P02", "P03"])
    sheet.append([labels[0], "F", "M", "F"])
    sheet.append([labels[1], 34, 52, 29])
    sheet.append([labels[2], 22, 300, 45])
    book.save(path)
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 3
    assert "transposed" in result.output and "turn the table" in result.output


@pytest.mark.parametrize(
    "names",
    [
        ("PRL 0 min", "PRL 30 min", "PRL 60 min"),
        ("Prolaktin 0 min", "Prolaktin 30 min", "Prolaktin 60 min"),
        ("Prolactine 0", "Prolactine 30", "Prolactine 60"),
        ("Prolactina 0 min", "Prolactina 30 min", "Prolactina 60 min"),
        ("Prolattina 0", "Prolattina 30", "Prolattina 60"),
        ("Prolactine T 0", "Prolactine T 30", "Prolactine T 60"),
    ],
)
def test_a_long_files_timed_series_is_refused_as_a_wide_files_is(
    tmp_path: Path, names: tuple[str, str, str]
) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        "patient_id,sex,age,collected_at,test,result,unit\n"
        f"T1,F,30,2026-11-01 09:00,{names[0]},40,ng/mL\n"
        f"T1,F,30,2026-11-01 09:30,{names[1]},300,ng/mL\n"
        f"T1,F,30,2026-11-01 10:00,{names[2]},90,ng/mL\n"
        "T3,M,40,2026-11-01 08:00,Prolactin,25,ng/mL\n",
        encoding="utf-8",
    )
    run = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert list(run.results["patient_id"]) == ["T3"]  # the series: none judged one by one
    series = [r for r in run.rejected if r.patient_id == "T1"]
    assert len(series) == 3 and all("timed prolactin series" in r.detail for r in series)
    # its peak, 300 ng/mL, may be urgent: listed with the urgent results all the same
    assert [r.source_row for r in series if r.possibly_urgent] == [3]
