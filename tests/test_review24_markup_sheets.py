"""Review 24 (hunt A), lab-inbox file shapes.

- D7: common French, Spanish, Italian, Dutch and German patient-identifier headers are read as
  the patient id (contract §2: headers may be "any common synonym"), so an urgent result names
  its patient (contract §7).
- D6: LIS "Excel" exports that are HTML tables or SpreadsheetML 2003 XML are read as sheets
  (contract §1 lists xls as an input).

Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.pipeline import TriageOutcome, TriageRequest, run_triage


def _run(tmp_path: Path, name: str, data: str | bytes, encoding: str = "utf-8") -> TriageOutcome:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding=encoding)
    return run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True, fail_on="urgent")
    )


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results


@pytest.mark.parametrize(
    ("header", "rest"),
    [
        ("Identifiant", "Sexe;Date de naissance;Prolactine (mUI/L)"),
        ("Identifiant patient", "Sexe;Âge;Prolactine (mUI/L)"),
        ("N° identification", "Sexe;Âge;Prolactine (mUI/L)"),
        ("Réf. patient", "Sexe;Âge;Prolactine (mUI/L)"),
        ("Identificación", "Sexo;Edad;Prolactina (mUI/L)"),
        ("Identificador", "Sexo;Edad;Prolactina (mUI/L)"),
        ("Identificativo paziente", "Sesso;Età;Prolattina (mUI/L)"),
        ("Identificatienummer", "Geslacht;Leeftijd;Prolactine (mIE/L)"),
        ("Kennung", "Geschlecht;Alter;Prolaktin (mIU/l)"),
        ("ID-Nr.", "Geschlecht;Alter;Prolaktin (mIU/l)"),
        ("Identifikationsnummer", "Geschlecht;Alter;Prolaktin (mIU/l)"),
    ],
)
def test_identifier_headers_in_five_languages_name_the_patient(
    tmp_path: Path, header: str, rest: str
) -> None:
    birth_or_age = "01/01/1996" if "naissance" in rest else "30"
    text = f"{header};{rest}\nX0042;F;{birth_or_age};5600\nX0043;M;{birth_or_age};200\n"
    outcome = _run(tmp_path, "ids.csv", text)
    results = _results(outcome)
    assert list(results["patient_id"]) == ["X0042", "X0043"]
    assert results.loc[results["patient_id"] == "X0042", "priority"].iloc[0] == "urgent"


HTML_1252 = (
    '<html><head><meta charset="windows-1252"><title>Export</title></head><body>'
    '<img src="logo.png"><p>Laborbefunde</p><table>'
    '<tr><td colspan="4">Prolactine - export du 01/12/2026</td></tr>'
    "<tr><th>N° patient</th><th>Sexe</th><th>Âge</th><th>Prolactine (mUI/L)</th></tr>"
    "<tr><td>F-1</td><td>F</td><td>30</td><td>6&nbsp;400</td></tr>"
    "<tr><td>F-2</td><td>M</td><td>52</td><td>250</td></tr>"
    "</table></body></html>"
)


@pytest.mark.parametrize("name", ["export.xls", "export.xlsx"])
def test_html_table_named_like_a_workbook_is_read(tmp_path: Path, name: str) -> None:
    outcome = _run(tmp_path, name, HTML_1252.encode("cp1252"))
    results = _results(outcome).set_index("patient_id")
    assert list(results.index) == ["F-1", "F-2"]
    assert results.loc["F-1", "prolactin_value"] == 6400
    assert results.loc["F-1", "priority"] == "urgent"


def test_html_fragment_opening_with_body_is_read(tmp_path: Path) -> None:
    page = (
        '<body><img src="logo.gif"><table><tr><th>MRN</th><th>Sex</th><th>Age</th>'
        "<th>Prolactin (mIU/L)</th></tr><tr><td>B1</td><td>M</td><td>50</td><td>6400</td></tr>"
        "</table></body>"
    )
    results = _results(_run(tmp_path, "export.xls", page))
    assert list(results["patient_id"]) == ["B1"]
    assert list(results["priority"]) == ["urgent"]


def test_html_rowspan_gives_the_patient_to_each_row(tmp_path: Path) -> None:
    page = (
        "<table><tr><th>Pat-Nr</th><th>Geschlecht</th><th>Alter</th><th>Prolaktin (mIU/l)</th>"
        '</tr><tr><td rowspan="2">3001</td><td rowspan="2">M</td><td rowspan="2">50</td>'
        "<td>6100</td></tr><tr><td>5900</td></tr></table>"
    )
    results = _results(_run(tmp_path, "ward.xls", page))
    assert list(results["patient_id"]) == ["3001", "3001"]
    assert list(results["sex"]) == ["M", "M"]
    assert list(results["priority"]) == ["urgent", "urgent"]


SXML = """<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:x="urn:schemas-microsoft-com:office:excel">
<Worksheet ss:Name="Hidden"><Table>
<Row><Cell><Data ss:Type="String">x</Data></Cell></Row></Table>
<WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetHidden</Visible>
</WorksheetOptions></Worksheet>
<Worksheet ss:Name="Risultati"><Table>
<Row><Cell ss:MergeAcross="4"><Data ss:Type="String">Prolattina - reparto</Data></Cell></Row>
<Row><Cell><Data ss:Type="String">Codice paziente</Data></Cell>
<Cell><Data ss:Type="String">Sesso</Data></Cell>
<Cell><Data ss:Type="String">Data di nascita</Data></Cell>
<Cell><Data ss:Type="String">Data prelievo</Data></Cell>
<Cell><Data ss:Type="String">Prolattina (mUI/L)</Data></Cell></Row>
<Row><Cell><Data ss:Type="String">I-1</Data></Cell><Cell><Data ss:Type="String">M</Data></Cell>
<Cell><Data ss:Type="DateTime">1970-07-01T00:00:00.000</Data></Cell>
<Cell><Data ss:Type="DateTime">2026-12-01T08:30:00.000</Data></Cell>
<Cell><Data ss:Type="Number">6400</Data></Cell></Row>
<Row ss:Index="5"><Cell><Data ss:Type="String">I-2</Data></Cell>
<Cell ss:Index="3"><Data ss:Type="DateTime">1990-01-01T00:00:00.000</Data></Cell>
<Cell ss:Index="5"><Data ss:Type="Number">300</Data></Cell></Row>
</Table></Worksheet>
</Workbook>
"""


def test_spreadsheetml_worksheets_index_gaps_and_dates(tmp_path: Path) -> None:
    outcome = _run(tmp_path, "lis.xls", SXML)
    results = _results(outcome).set_index("patient_id")
    assert list(results.index) == ["I-1", "I-2"]
    assert results.loc["I-1", "priority"] == "urgent"
    assert round(float(results.loc["I-1", "age_years"])) == 56
    assert pd.isna(results.loc["I-2", "sex"]) or results.loc["I-2", "sex"] in ("", None)
    assert results.loc["I-2", "prolactin_value"] == 300
    assert set(results["source_sheet"]) == {"Risultati"}


# D5: printed cumulative reports give the patient once per block, in a heading row.
BLOCK_HEADER = "Entnahme;Prolaktin;Einheit;TSH;Bemerkung"


def _blocks(first: str, second: str) -> str:
    return "\n".join(
        [
            BLOCK_HEADER,
            f"{first};;;;",
            "01.11.2026;1450;mIU/l;14,2;",
            "01.12.2026;1300;mIU/l;12,0;",
            f"{second};;;;",
            "02.12.2026;6100;mIU/l;1,2;",
            "",
        ]
    )


@pytest.mark.parametrize(
    ("first", "second", "sex"),
    [
        ("Patient 3001 (W, geb. 12.03.1985)", "Patient 3002 (M, geb. 01.07.1970)", ("F", "M")),
        (
            "Pat.: 3001  Muster, Anna  *12.03.1985  w",
            "Pat.: 3002  Muster, Max  *01.07.1970  m",
            ("F", "M"),
        ),
        (
            "Patiente : 3001 – née le 12/03/1985 (F)",
            "Patient : 3002 – né le 01/07/1970 (H)",
            ("F", "M"),
        ),
        (
            "Paziente 3001 – F – nata il 12/03/1985",
            "Paziente 3002 – M – nato il 01/07/1970",
            ("F", "M"),
        ),
        # "V" beside "M" is vrouw/man (NL) or varón/mujer (ES): both left unread, never guessed
        ("Patiënt 3001 (V, 12-03-1985)", "Patiënt 3002 (M, 01-07-1970)", (None, None)),
    ],
)
def test_patient_heading_rows_give_their_patient_to_the_rows_below(
    tmp_path: Path, first: str, second: str, sex: tuple[str, str]
) -> None:
    results = _results(_run(tmp_path, "cumulative.csv", _blocks(first, second)))
    assert list(results["patient_id"]) == ["3001", "3001", "3002"]
    assert [None if pd.isna(v) else v for v in results["sex"]] == [sex[0], sex[0], sex[1]]
    assert round(float(results["age_years"].iloc[0])) == 42
    # 3001's TSH of 14.2 on the same row explains the raised prolactin (contract §2)
    assert "hypothyroidism" in results["factors"].iloc[0]
    urgent = results[results["priority"] == "urgent"]
    assert list(urgent["patient_id"]) == ["3002"]


def test_long_blocks_with_the_heading_above_each_header(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "Kumulativbefund Endokrinologie;;;",
            "Patient: 3001 Muster, Anna;geb. 12.03.1985;W;",
            "Analyt;Ergebnis;Einheit;Referenzbereich",
            "Prolaktin;1450;mIU/l;102-496",
            "TSH;14,2;mU/l;0,27-4,2",
            ";;;",
            "Patient: 3002 Beispiel, Max;geb. 01.07.1970;M;",
            "Analyt;Ergebnis;Einheit;Referenzbereich",
            "Prolaktin;6100;mIU/l;86-324",
            "",
        ]
    )
    outcome = _run(tmp_path, "long_blocks.csv", text)
    results = _results(outcome).set_index("patient_id")
    assert list(results.index) == ["3001", "3002"]
    assert results.loc["3001", "sex"] == "F"
    assert "hypothyroidism" in results.loc["3001", "factors"]
    assert results.loc["3002", "priority"] == "urgent"
    assert not [r for r in outcome.rejected if r.reason_code == "other_test"]


def test_patient_count_note_is_no_heading(tmp_path: Path) -> None:
    text = "MRN;Sex;Age;Prolactin (mIU/L)\nA1;F;30;400\nA2;M;50;300\nPatient count: 2;;;\n"
    results = _results(_run(tmp_path, "count.csv", text))
    assert list(results["patient_id"]) == ["A1", "A2"]


def test_patient_headings_as_merged_cells_in_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Entnahme", "Prolaktin", "Einheit", "TSH", "Bemerkung"])
    sheet.append(["Patient 3001 (W, geb. 12.03.1985)"])
    sheet.merge_cells("A2:E2")
    sheet.append(["01.11.2026", 1450, "mIU/l", 14.2, None])
    sheet.append(["Patient 3002 (M, geb. 01.07.1970)"])
    sheet.merge_cells("A4:E4")
    sheet.append(["02.12.2026", 6100, "mIU/l", 1.2, None])
    path = tmp_path / "cumulative.xlsx"
    book.save(path)
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    results = _results(outcome)
    assert list(results["patient_id"]) == ["3001", "3002"]
    assert list(results["sex"]) == ["F", "M"]
    assert list(results["priority"])[1] == "urgent"
