"""Review 24 (hunt A, lab IT persona): sections of a sheet, totals rows and tables side by side.

- A header repeated below the first (a second export pasted below, from another LIS version,
  site or language) is matched by the fields its titles name (synonyms.toml), not word for
  word: its rows are read, an urgent result among them is triaged and listed (contract §7:
  above 5,000 mIU/L is urgent), never rejected silently.
- A section's own columns (comments, medications, pregnancy) are read for its rows: a visual
  field defect with raised prolactin is urgent (contract §7, clinical-reference §8), an
  antipsychotic explains a raised prolactin, a pregnancy sets the physiological interval.
- A row still rejected below a repeated header carries its patient id and is listed with the
  urgent results when its result reads at or above the urgent level (as malformed_line is).
- A totals or statistics row whose label stands in any cell is no result of the patient above
  (contract §4: no row invented); a page or count footer in the result column names no patient.
- Two tables side by side on one sheet are refused, naming the sheet: a result is never filed
  under the other table's patient or judged with its sex (contract §4, §5).

Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from triage.pipeline import TriageOutcome, TriageRequest, run_triage
from triage.schema import NoUsableInputError


def _run(tmp_path: Path, text: str, name: str = "export.csv") -> TriageOutcome:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return _run_path(tmp_path, path)


def _run_path(tmp_path: Path, path: Path) -> TriageOutcome:
    return run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True, fail_on="urgent")
    )


def _xlsx(tmp_path: Path, rows: list[list[object]], name: str = "export.xlsx") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Befunde"
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def _urgent_ids(outcome: TriageOutcome) -> set[str]:
    return {line.split(" | ")[0].removeprefix("URGENT patient ") for line in outcome.urgent}


def _warnings(outcome: TriageOutcome) -> str:
    return " ".join(w for summary in outcome.inputs for w in summary.warnings)


# --- D2: a repeated header matched by synonyms ------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "row"),
    [
        (
            "Pat-Nr;Geschlecht;Geb.-Datum;Prolaktin (mIU/l)",
            "Pat-Nr;Geschlecht;Geburtsdatum;Prolaktin (mIU/l)",
            "S2;M;01.01.1970;6400",
        ),
        (
            "MRN;Sex;DOB;Prolactin (mIU/L)",
            "MRN;Gender;Date of birth;Prolactin (mIU/L)",
            "S2;M;01.01.1970;6400",
        ),
        (
            "NHC;Sexo;Fecha de nacimiento;Prolactina (mUI/L)",
            "NHC;Sexo;Fecha nacimiento;Prolactina (mUI/L)",
            "S2;M;01.01.1970;6400",
        ),
        # another order and another name at once
        (
            "Pat-Nr;Geschlecht;Geb.-Datum;Prolaktin (mIU/l)",
            "Prolaktin (mIU/l);Geburtsdatum;Pat-Nr;Geschlecht",
            "6400;01.01.1970;S2;M",
        ),
    ],
)
def test_a_repeated_header_naming_a_column_otherwise_is_read_by_its_fields(
    tmp_path: Path, first: str, second: str, row: str
) -> None:
    text = f"{first}\nS1;W;01.01.1990;400\n{second}\n{row}\n"
    outcome = _run(tmp_path, text)
    frame = _results(outcome)
    assert float(frame.loc["S2", "prolactin_raw"]) == 6400
    assert frame.loc["S2", "sex"] == "M"
    assert frame.loc["S2", "priority"] == "urgent"
    assert "S2" in _urgent_ids(outcome)
    assert outcome.exit_code != 0  # --fail-on urgent fires
    assert {r.reason_code for r in outcome.rejected} == {"duplicate_header"}


def test_a_repeated_header_writing_its_unit_without_brackets_is_read_in_that_unit(
    tmp_path: Path,
) -> None:
    text = (
        "Pat-Nr;Geschlecht;Alter;Prolaktin [mIU/l]\n"
        "U1;W;30;400\n"
        "Prolaktin µg/l;Pat-Nr;Geschlecht;Alter\n"
        "300;U4;M;50\n"
    )
    outcome = _run(tmp_path, text)
    frame = _results(outcome)
    assert frame.loc["U4", "priority"] == "urgent"
    assert float(frame.loc["U4", "prolactin_ng_ml"]) == 300
    assert "U4" in _urgent_ids(outcome)


def test_a_second_table_lacking_the_age_column_is_read_with_no_age(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["MRN", "Sex", "Age", "Prolactin (mIU/L)"],
        ["A1", "F", 30, 400],
        [],
        ["Nachmeldungen"],
        ["MRN", "Prolactin (mIU/L)", "Sex"],
        ["C1", 6400, "M"],
    ]
    outcome = _run_path(tmp_path, _xlsx(tmp_path, rows))
    frame = _results(outcome)
    assert frame.loc["C1", "priority"] == "urgent"
    assert frame.loc["C1", "sex"] == "M"
    assert "C1" in _urgent_ids(outcome)
    assert "has no column 'Age'" in _warnings(outcome)


# --- D3: a later section's own columns --------------------------------------------------------


def test_a_comment_column_only_the_second_section_has_is_read(tmp_path: Path) -> None:
    text = (
        "Pat-Nr;Geschlecht;Alter;Prolaktin (mIU/l)\n"
        "9001;W;30;400\n"
        ";;;\n"
        "Nachmeldungen;;;\n"
        "Pat-Nr;Prolaktin (mIU/l);Geschlecht;Alter;Bemerkung\n"
        "9101;1500;M;50;Gesichtsfeldausfall bitemporal\n"
    )
    outcome = _run(tmp_path, text)
    frame = _results(outcome)
    assert frame.loc["9101", "priority"] == "urgent"
    assert "9101" in _urgent_ids(outcome)
    assert "'Bemerkung'" in _warnings(outcome)


@pytest.mark.parametrize(
    ("first", "second", "row"),
    [
        (
            "MRN,Sex,Age,Prolactin (ng/mL)",
            "MRN,Sex,Age,Prolactin (ng/mL),Medications",
            "R2,F,29,95,risperidone 4 mg",
        ),
        (
            "IPP,Sexe,Age,Prolactine (ng/mL)",
            "IPP,Sexe,Age,Prolactine (ng/mL),Traitement",
            "R2,F,29,95,rispéridone 4 mg",
        ),
        (
            "Codice paziente,Sesso,Età,Prolattina (ng/mL)",
            "Codice paziente,Sesso,Età,Prolattina (ng/mL),Terapia",
            "R2,F,29,95,risperidone 4 mg",
        ),
        (
            "Patiëntnummer,Geslacht,Leeftijd,Prolactine (ng/mL)",
            "Patiëntnummer,Geslacht,Leeftijd,Prolactine (ng/mL),Medicatie",
            "R2,V,29,95,risperidon 4 mg",
        ),
    ],
)
def test_a_medication_column_only_the_second_section_has_explains_the_result(
    tmp_path: Path, first: str, second: str, row: str
) -> None:
    text = f"{first}\nR1,F,30,15\n{second}\n{row}\n"
    outcome = _run(tmp_path, text)
    frame = _results(outcome)
    assert "medication:antipsychotic" in str(frame.loc["R2", "factors"])
    assert frame.loc["R2", "priority"] == "routine"


def test_a_pregnancy_column_only_the_second_section_has_sets_the_interval(
    tmp_path: Path,
) -> None:
    text = (
        "MRN,Sex,Age,Prolactin (ng/mL)\n"
        "R1,F,30,15\n"
        "MRN,Sex,Age,Prolactin (ng/mL),Medications,Pregnant\n"
        "R3,F,31,180,,yes (32 weeks)\n"
    )
    outcome = _run(tmp_path, text)
    frame = _results(outcome)
    assert "pregnancy" in str(frame.loc["R3", "factors"])
    assert frame.loc["R3", "status"] == "normal"


@pytest.mark.parametrize(
    ("first", "second", "row"),
    [
        ("Pat-Nr;Geschlecht;Alter;Prolaktin (mIU/l)", "Remarque", "Antecedent: aucun"),
        ("Pat-Nr;Geschlecht;Alter;Prolaktin (mIU/l)", "Note", "nessuna"),
    ],
)
def test_a_note_column_only_the_second_section_has_is_named(
    tmp_path: Path, first: str, second: str, row: str
) -> None:
    text = f"{first}\nN1;W;30;400\n{first};{second}\nN2;M;50;300;{row}\n"
    outcome = _run(tmp_path, text)
    assert f"'{second}'" in _warnings(outcome)
    assert "N2" in _results(outcome).index


# --- rejected rows below a repeated header: patient and urgency --------------------------------


def test_a_row_rejected_below_a_repeated_header_names_its_patient_and_may_be_urgent(
    tmp_path: Path,
) -> None:
    # the repeated header names the sex twice: its rows cannot be read in the first header's
    # columns, but its patient and its result column are its own
    text = (
        "MRN;Sex;Age;Prolactin (mIU/L)\n"
        "M1;F;30;400\n"
        "MRN;Sex;Prolactin (mIU/L);Sex\n"
        "M2;M;6400;M\n"
        "M3;F;300;F\n"
    )
    outcome = _run(tmp_path, text)
    rejected = {r.source_row: r for r in outcome.rejected}
    assert rejected[4].reason_code == "misaligned_columns"
    assert rejected[4].patient_id == "M2"
    assert rejected[4].possibly_urgent
    assert "6400" in rejected[4].detail
    assert rejected[5].patient_id == "M3"
    assert not rejected[5].possibly_urgent
    assert "M2" in _urgent_ids(outcome)
    assert outcome.exit_code != 0


def test_a_second_table_without_a_patient_column_is_not_read_under_the_patient_above(
    tmp_path: Path,
) -> None:
    text = (
        "Pat-Nr;Geschlecht;Alter;Prolaktin (mIU/l)\n"
        "P1;W;30;400\n"
        "P2;M;40;300\n"
        "Geschlecht;Alter;Prolaktin (mIU/l)\n"
        "M;50;6400\n"
        "W;30;200\n"
    )
    outcome = _run(tmp_path, text)
    frame = _results(outcome)
    assert sorted(frame.index) == ["P1", "P2"]
    rejected = {r.source_row: r for r in outcome.rejected}
    assert rejected[5].reason_code == "misaligned_columns"
    assert rejected[5].possibly_urgent  # 6400 mIU/L: listed with the urgent results


# --- D4: totals and statistics rows with their label in any cell --------------------------------


@pytest.mark.parametrize(
    ("header", "rows"),
    [
        (
            "MRN;Sex;Age;Prolactin (mIU/L);Comment",
            [";;;6800;Summe", ";;;3400;Mittelwert", ";;;2;Anzahl"],
        ),
        ("MRN;Sex;Age;Prolactin (mIU/L);Comment", [";;;6800;Total", ";;;3400;Mean"]),
        (
            "MRN;Sex;Age;Prolactin (mIU/L);Remarque",
            [";;;6800;Total", ";;;3400;Moyenne", ";;;2;Nombre"],
        ),
        ("MRN;Sex;Age;Prolactin (mIU/L);Comentario", [";;;3400;Media", ";;;2;Recuento"]),
        ("MRN;Sex;Age;Prolactin (mIU/L);Note", [";;;3400;Media", ";;;6800;Totale"]),
        ("MRN;Sex;Age;Prolactin (mIU/L);Opmerking", [";;;3400;Gemiddelde", ";;;2;Aantal"]),
        ("MRN;Sex;Age;Prolactin (mIU/L);Comment", [";;;6800;=SUM", ";;;3400;=AVERAGE(D2:D3)"]),
    ],
)
def test_a_totals_row_labelled_in_another_column_is_no_result_of_the_patient_above(
    tmp_path: Path, header: str, rows: list[str]
) -> None:
    text = "\n".join([header, "T1;F;30;400;", "T2;M;50;6400;", *rows]) + "\n"
    outcome = _run(tmp_path, text)
    frame = _results(outcome)
    assert len(frame) == 2
    assert sorted(str(v) for v in frame["prolactin_raw"]) == ["400", "6400"]
    footers = [r for r in outcome.rejected if r.source_row > 3]
    assert len(footers) == len(rows)
    assert all(r.reason_code == "not_a_result_row" and not r.patient_id for r in footers)
    assert _urgent_ids(outcome) == {"T2"}
    assert sum(1 for line in outcome.urgent if line.startswith("URGENT")) == 1


def test_a_totals_row_with_a_unit_column_is_no_result(tmp_path: Path) -> None:
    text = (
        "MRN,Sex,Age,Prolactin (ng/mL),Units,Comment\n"
        "T1,F,30,20,ng/mL,\n"
        "T2,M,50,280,ng/mL,\n"
        ",,,300,ng/mL,Total\n"
        ",,,150,ng/mL,Mean\n"
    )
    outcome = _run(tmp_path, text)
    frame = _results(outcome)
    assert sorted(frame.index) == ["T1", "T2"]
    assert {r.source_row: r.reason_code for r in outcome.rejected} == {
        4: "not_a_result_row",
        5: "not_a_result_row",
    }


def test_an_xlsx_sum_and_mean_with_a_label_beside_are_no_results(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["MRN", "Sex", "Age", "Prolactin (mIU/L)", "Kommentar"],
        ["T1", "F", 30, 400, None],
        ["T2", "M", 50, 6400, None],
        [None, None, None, "=SUM(D2:D3)", "Summe"],
        [None, None, None, "=AVERAGE(D2:D3)", "Mittelwert"],
    ]
    outcome = _run_path(tmp_path, _xlsx(tmp_path, rows))
    frame = _results(outcome)
    assert sorted(frame.index) == ["T1", "T2"]
    assert len(frame) == 2
    assert all(not r.patient_id for r in outcome.rejected)


@pytest.mark.parametrize("footer", ["Blatt 2", "7 Befunde", "Feuille 2", "3 résultats", "Hoja 2"])
def test_a_footer_in_the_result_column_names_no_patient(tmp_path: Path, footer: str) -> None:
    text = (
        "Pat-Nr;Geschlecht;Alter;Prolaktin;Einheit\n"
        "7101;W;34;850;mIU/l\n"
        f";;;{footer};\n"
        "7102;M;50;300;mIU/l\n"
    )
    outcome = _run(tmp_path, text)
    (rejected,) = outcome.rejected
    assert rejected.reason_code == "not_a_result_row"
    assert rejected.patient_id == ""


# --- D1: two tables side by side ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "row"),
    [
        (
            [
                "Pat-Nr",
                "Geschlecht",
                "Prolaktin (mIU/l)",
                None,
                "Patientennummer",
                "Prolaktin (mIU/l)",
            ],
            ["7001", "W", 400, None, "8001", 6400],
        ),
        (
            ["MRN", "Sex", "Age", "Prolactin", None, "MRN", "Sex", "Age", "Prolactin"],
            ["A1", "F", 30, 400, None, "B1", "M", 50, 6400],
        ),
        # a two-up print with no empty column between, the right table in another language
        (
            ["Pat-Nr", "Geschlecht", "Prolaktin (mIU/l)", "IPP", "Sexe", "Prolactine (mIU/l)"],
            ["7001", "W", 400, "8001", "M", 6400],
        ),
    ],
)
def test_two_tables_side_by_side_are_refused_naming_the_sheet(
    tmp_path: Path, header: list[object], row: list[object]
) -> None:
    path = _xlsx(tmp_path, [["Station 3A"], header, row])
    with pytest.raises(NoUsableInputError, match="two tables side by side") as raised:
        _run_path(tmp_path, path)
    assert "sheet 'Befunde'" in str(raised.value)


def test_two_tables_side_by_side_in_a_csv_are_refused(tmp_path: Path) -> None:
    text = (
        "Nº historia;Sexo;Prolactina (ng/mL);;NHC;Prolactina (ng/mL)\n"
        "H-101;M;12;;H-201;310\n"
        "H-102;F;25;;H-202;40\n"
    )
    with pytest.raises(NoUsableInputError, match=r"two tables side by side.*'NHC'"):
        _run(tmp_path, text)


def test_a_sheet_of_two_tables_beside_a_good_file_is_listed_unusable(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("MRN;Sex;Age;Prolactin (ng/mL)\nG1;F;30;15\n", encoding="utf-8")
    two = tmp_path / "two.csv"
    two.write_text(
        "MRN;Sex;Prolactin (ng/mL);MRN;Sex;Prolactin (ng/mL)\nA1;F;12;B1;M;310\n",
        encoding="utf-8",
    )
    outcome = run_triage(
        TriageRequest(inputs=[good, two], out_dir=tmp_path / "out", keep_results=True)
    )
    (error,) = outcome.errors
    assert error.file == "two.csv"
    assert "two tables side by side" in error.message
    assert list(_results(outcome).index) == ["G1"]
    assert not any("A1" in line or "B1" in line for line in outcome.urgent)


def test_one_table_of_visits_is_not_taken_for_two_tables(tmp_path: Path) -> None:
    text = "MRN;Sex;Age;Prolactin visit 1 (ng/mL);Prolactin visit 2 (ng/mL)\nV1;F;30;15;18\n"
    outcome = _run(tmp_path, text)
    assert not outcome.errors
    assert outcome.result_count == 2
