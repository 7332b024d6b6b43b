"""Review 22: delimited text and cells broken the way lab inboxes break them (fix154).
Synthetic patients only.

1. A title line with a comma above a semicolon or tab export whose results use decimal commas
   ("Zentrallabor Klinikum Nord, Prolaktin-Export" over "1002;W;45;412,0;Sehstörung") split
   the file on commas: the title became the header, every row was rejected and a 412 µg/L
   result with a visual disturbance was not urgent (clinical-reference §5, §8: red flag ->
   urgent referral).  The delimiter is now the one whose table has no gaps: the header line
   between a comma title and the data has no comma.  A result cell ending in a delimiter
   ("5;": a piece of a line split wrongly) is never read as the number it starts with.
2. A word hyphenated over a line break inside a cell ("Gesichtsfeld-<new line>ausfall",
   "Metoclo-<new line>pramid") is one word for the text rules, as it already was in header
   cells: in a quoted cell, an xlsx cell, an unquoted line break joined into its record and a
   note wrapped onto the next spreadsheet row.  A hyphen before a capital or a digit is a
   compound's and stays.
3. A note going on over an unquoted line break whose next line starts with a number ("headache
   for<new line>3 days, visual loss") is joined into its record, as one starting with a word
   is; a line that is a result, or a short data row, is not.
4. A title row of labels and values ("Test: | Prolactin | Units: | mIU/L") was taken as the
   header and the file refused naming its title cell.  It is a title: the header's one result
   column ("Ergebnis") is read as prolactin in the title's unit, said in the warnings; a title
   naming several analytes leaves the file refused, naming the real header.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pipeline_helpers import csv_quoted

from triage.columns import header_text
from triage.io.delimited import sniff_delimiter
from triage.pipeline import TriageRequest, run_triage
from triage.schema import NoUsableInputError
from triage.values import hyphen_breaks_joined, parse_quantity


def _run(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """(results indexed by patient id, the rejected rows' reason codes) of one run."""
    outcome = run_triage(
        TriageRequest(inputs=[path], out_dir=path.parent / "out", keep_results=True)
    )
    assert outcome.results is not None, [e.message for e in outcome.errors]
    reasons = [r.reason_code for r in outcome.rejected]
    return outcome.results.set_index("patient_id"), reasons


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# -- 1. title lines with commas above semicolon and tab files --------------------------------

DE_TABLE = [
    "Pat-Nr;Geschlecht;Alter;Prolaktin (µg/l);Bemerkung",
    "1000;W;34;15,5;",
    "1001;M;51;103,2;",
    "1002;W;45;412,0;Sehstörung",
]


@pytest.mark.parametrize(
    "title",
    [
        ["Zentrallabor Klinikum Nord, Prolaktin-Export"],
        ["Laboratoire Central, export prolactine", "Imprimé le 04/03/2026, 10:15"],
        ["Klinikum Nord, Station 3", "Gedruckt: 04.03.2026, 10:15", "Seite 1, von 1"],
        ["Laboratorio Central, Hospital Norte", "Prolactina, suero"],
        ["Centraal Laboratorium, Ziekenhuis Noord"],
        ["Prolaktin-Export; Stand 04.03.2026"],  # a semicolon title: as before
    ],
)
def test_a_title_with_commas_over_a_semicolon_file_leaves_its_table_read(
    tmp_path: Path, title: list[str]
) -> None:
    results, reasons = _run(_write(tmp_path, "export.csv", "\n".join([*title, *DE_TABLE]) + "\n"))
    assert reasons == []
    assert results["prolactin_value"].to_dict() == {"1000": 15.5, "1001": 103.2, "1002": 412.0}
    assert results.loc["1002", "priority"] == "urgent"  # §8: raised, with a visual disturbance
    assert results.loc["1000", "status"] == "normal"


def test_a_title_with_a_comma_over_a_tab_file_in_utf16_named_xls(tmp_path: Path) -> None:
    """A LIS's 'Excel' export: UTF-16 tab-separated text named .xls, thousands and decimal
    marks of the German kind ("1.250,0" was read as 0)."""
    lines = [
        "Labor Nord, Prolaktin",
        "Pat-Nr\tGeschlecht\tAlter\tProlaktin (mU/l)\tBemerkung",
        "A1\tW\t34\t1.250,0\t",
        "A2\tM\t40\t300,5\tKopfschmerzen, Doppelbilder",
    ]
    results, reasons = _run(_write(tmp_path, "export.xls", "\r\n".join(lines) + "\r\n", "utf-16"))
    assert reasons == []
    assert results.loc["A1", "prolactin_value"] == 1250.0
    assert results.loc["A2", "prolactin_value"] == 300.5


def test_the_delimiter_choice_keeps_its_other_cases() -> None:
    """A title without 'prolactin' over a tab file is chosen as tab; a comma file whose
    medication cells hold as many semicolons on every line stays a comma file; a semicolon
    file with decimal commas and no title stays a semicolon file."""
    tab = ["Laboratorio Centrale, Ospedale Nord", "ID\tSesso\tEtà\tProlattina", "B1\tF\t30\t12,5"]
    assert sniff_delimiter(tab) == "\t"
    comma = [
        "Patient ID,Sex,Age,Prolactin,Medications",
        "P1,F,30,25,risperidone; sertraline; lithium",
        "P2,F,31,26,olanzapine; citalopram; valproate",
    ]
    assert sniff_delimiter(comma) == ","
    assert sniff_delimiter(DE_TABLE) == ";"


def test_a_result_cell_ending_in_a_delimiter_is_no_number(tmp_path: Path) -> None:
    """'5;' is a piece of '15,5;' split on commas: never a normal 5."""
    for cell in ("5;", "0;", "3 ;", "2|", "7,"):
        assert parse_quantity(cell).status == "unparseable", cell
    assert parse_quantity("260; hämolytisch").value == 260.0  # a remark after it stays read
    text = 'Patient ID,Sex,Age,Prolactin (ng/mL)\nS1,F,30,"5;"\nS2,F,30,18\n'
    results, reasons = _run(_write(tmp_path, "export.csv", text))
    assert list(results.index) == ["S2"]
    assert reasons == ["unparseable_result"]


# -- 2. words hyphenated over a line break inside a cell -------------------------------------


def test_hyphenation_rule_joins_words_and_keeps_compounds() -> None:
    assert hyphen_breaks_joined("Gesichtsfeld-\r\nausfall") == "Gesichtsfeldausfall"
    assert hyphen_breaks_joined("pérdida de vi-\n  sión") == "pérdida de visión"
    assert hyphen_breaks_joined("Z.n. Prolaktin-\nMakroadenom") == "Z.n. Prolaktin-Makroadenom"
    assert hyphen_breaks_joined("Kopfschmerz -\nübel") == "Kopfschmerz -\nübel"  # a dash
    assert hyphen_breaks_joined("Kopfschmerz\n- Sehstörung") == "Kopfschmerz\n- Sehstörung"
    assert hyphen_breaks_joined("child-bearing age") == "child-bearing age"
    assert header_text("Ge-\nschlecht") == "Geschlecht"  # the header cells' rule, shared


NOTES = {
    "R1": "Gesichtsfeld-\nausfall",
    "R2": "visual field de-\nfect",
    "R3": "bitemporal hemia-\nnopsia",
    "R4": "Seh-\nstörung seit 2 Wochen",
    "R5": "pérdida de vi-\nsión",
    "R6": "gezichtsveld-\nuitval",
    "R7": "perte de la vi-\nsion",
}
DRUGS = {"D1": "Metoclo-\npramid 10 mg", "D2": "Risper-\ndal 2 mg", "D3": "Haloperi-\ndol"}
WORDS_HEADER = "Patient ID,Sex,Age,Prolactin (ng/mL),Medications,Comments"


def _factors(results: pd.DataFrame, patient: str) -> str:
    return str(results.loc[patient, "factors"])


def test_hyphenated_words_in_quoted_csv_cells_are_read(tmp_path: Path) -> None:
    lines = [f"{p},F,45,88,,{csv_quoted(n)}" for p, n in NOTES.items()]
    lines += [f"{p},M,45,88,{csv_quoted(d)}," for p, d in DRUGS.items()]
    dash, compound = csv_quoted("Kopfschmerz -\nSchwindel"), csv_quoted("Prolaktin-\nKontrolle")
    lines += [f"N1,F,45,88,,{dash}", f"N2,F,45,88,,{compound}"]
    results, _ = _run(_write(tmp_path, "export.csv", WORDS_HEADER + "\n" + "\n".join(lines)))
    for patient in NOTES:  # §8: a visual field defect with raised prolactin: urgent
        assert results.loc[patient, "priority"] == "urgent", patient
    assert "medication:antiemetic_prokinetic" in _factors(results, "D1")
    assert "medication:antipsychotic" in _factors(results, "D2")
    assert "medication:antipsychotic" in _factors(results, "D3")
    assert results.loc["N1", "priority"] != "urgent"
    assert results.loc["N2", "priority"] != "urgent"


@pytest.mark.parametrize("ending", ["\r\n", "\n"])
def test_hyphenated_words_over_an_unquoted_line_break_are_read(tmp_path: Path, ending: str) -> None:
    """A bare line feed inside a CR LF file's record, or an unquoted break in an LF file."""
    lines = [
        WORDS_HEADER,
        "U1,F,45,88,,Gesichtsfeld-\nausfall",
        "U2,F,45,88,Metoclo-\npramid 10 mg,",
        "U3,F,45,88,,Kopfschmerz",
    ]
    text = ending.join(lines) + ending
    results, reasons = _run(_write(tmp_path, "export.csv", text))
    assert results.loc["U1", "priority"] == "urgent"
    assert "medication:antiemetic_prokinetic" in _factors(results, "U2")
    assert results.loc["U3", "priority"] == "soon"
    assert reasons == ["not_a_result_row"] * 2  # the joined lines, listed with their rows


def test_hyphenated_words_in_xlsx_cells_and_wrapped_rows_are_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [
        ["Pat-Nr", "Geschlecht", "Alter", "Prolaktin (µg/l)", "Medikation", "Bemerkung"],
        ["X1", "W", 45, 88, None, "Kopfschmerzen, Doppel-\nbilder"],
        ["X2", "W", 45, 88, "Haloperi-", None],
        [None, None, None, None, "dol 5 mg", None],
        ["X3", "W", 45, 88, None, "Gesichtsfeld-"],
        [None, None, None, None, None, "ausfall"],
        ["X4", "M", 45, 88, None, "Kopfschmerz"],
    ]:
        sheet.append(row)
    path = tmp_path / "export.xlsx"
    book.save(path)
    results, _ = _run(path)
    assert results.loc["X1", "priority"] == "urgent"
    assert "medication:antipsychotic" in _factors(results, "X2")
    assert results.loc["X3", "priority"] == "urgent"
    assert results.loc["X4", "priority"] == "soon"


# -- 3. a note going on over a line break before a number ------------------------------------


@pytest.mark.parametrize("delimiter", [";", ","])
def test_a_note_continued_on_a_line_starting_with_a_number_is_joined(
    tmp_path: Path, delimiter: str
) -> None:
    d = delimiter
    lines = [
        d.join(["Patient ID", "Sex", "Age", "Prolactin (ng/mL)", "Comments"]),
        d.join(["P1", "F", "45", "88", "headache for"]),
        "3 days; visual loss" if d == "," else "3 days, visual loss",
        d.join(["P2", "F", "30", "18", ""]),
        d.join(["P3", "F", "45", "88", "seit"]),
        "3 Tagen Sehstörung",
        d.join(["P4", "F", "45", "88", "Zweitmeinung"]),
        "2nd opinion: bitemporal hemianopia",
        d.join(["P5", "F", "45", "88", "seit gestern"]),
        "1x Doppelbilder",
        d.join(["P6", "F", "45", "88", "Kopfschmerz"]),
        "88 ng/mL",  # a result on a line of its own: no note
        d.join(["P7", "F", "45", "88", "Kontrolle"]),
        d.join(["1008", "F", "45"]),  # a short data row: no note
    ]
    results, reasons = _run(_write(tmp_path, "export.csv", "\n".join(lines) + "\n"))
    for patient in ("P1", "P3", "P4", "P5"):  # §8: visual loss, diplopia -> urgent
        assert results.loc[patient, "priority"] == "urgent", patient
    assert results.loc["P6", "priority"] == "soon"
    assert results.loc["P7", "priority"] == "soon"
    assert reasons.count("not_a_result_row") == 5  # four joined lines and the lone result
    assert "malformed_line" in reasons


# -- 4. a title row of labels and values over a header with a result column ------------------


def _titled_book(tmp_path: Path, title: list[object]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Export"
    for row in [
        title,
        ["Zeitraum:", "01.11.2026 - 20.11.2026"],
        [],
        ["Pat-Nr", "Geschlecht", "Alter", "Entnahme", "Ergebnis", "Bemerkung"],
        ["L1", "W", 34, "12.11.2026", 850, None],
        ["L3", "W", 28, "14.11.2026", 5600, None],
    ]:
        sheet.append(row)
    path = tmp_path / "export.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize(
    "title",
    [
        ["Test:", "Prolactin", "Units:", "mIU/L"],
        ["Analyt:", "Prolaktin", "Einheit:", "mU/l"],
        ["Analyt: Prolaktin (mU/l)"],
    ],
)
def test_a_label_value_title_names_the_result_column_and_its_unit(
    tmp_path: Path, title: list[object]
) -> None:
    """The title row was taken as the header (exit 3, naming its 'Prolactin' cell), or the
    file refused for want of a prolactin column: the result column is read as prolactin in the
    title's unit, and the warnings say so."""
    path = _titled_book(tmp_path, title)
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert outcome.results is not None, [e.message for e in outcome.errors]
    results = outcome.results.set_index("patient_id")
    assert results.loc["L1", "prolactin_value"] == 850.0
    assert results.loc["L1", "prolactin_unit"] == "mIU/L"
    assert results.loc["L3", "priority"] == "urgent"  # 5600 mIU/L: above 5000 mIU/L
    warnings = [w for summary in outcome.inputs for w in summary.warnings]
    assert any("'Ergebnis' was read as the prolactin result" in w for w in warnings)


def test_a_title_naming_several_analytes_leaves_the_result_column_unread(tmp_path: Path) -> None:
    path = _titled_book(tmp_path, ["Test:", "Prolactin, TSH", "Units:", "mIU/L"])
    with pytest.raises(NoUsableInputError) as refused:
        run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out"))
    assert "no prolactin column found" in str(refused.value)
    assert "'Ergebnis' (result)" in str(refused.value)  # the real header is named
