"""Input faults found by the outside review of stop 31, each fixed as a class: a CSV line of
more or fewer fields than its header still names its patient and reaches the urgent list when
it may hold an urgent result."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from triage.io import FileRead, ReadOptions, read_file
from triage.schema import Rejected


def _read(path: Path) -> FileRead:
    return read_file(path, None, ReadOptions())


def _csv(tmp_path: Path, text: str, name: str = "export.csv") -> FileRead:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return _read(path)


def _malformed(read: FileRead) -> list[Rejected]:
    return [r for r in read.rejected if r.reason_code == "malformed_line"]


# (header line, a good line, the shifted line, its patient id): six languages
SHIFTED = [
    (
        "Patient ID,Sex,Age,Prolactin (mIU/L),Comment",
        "P1,F,30,250,ok",
        "P2,M,40,7400,visual loss, headache",
        "P2",
    ),
    (
        "Patienten-ID;Geschlecht;Alter;Prolaktin (mIU/l);Bemerkung",
        "D1;w;30;250;ok",
        "D2;m;40;7400;Sehstörung; Kopfschmerz",
        "D2",
    ),
    (
        "IPP;Sexe;Âge;Prolactine (mUI/L);Commentaire",
        "F1;F;30;250;ok",
        "F2;M;40;7400;baisse de vision; céphalées",
        "F2",
    ),
    (
        "ID paciente,Sexo,Edad,Prolactina (mUI/L),Comentario",
        "E1,M,30,250,ok",
        "E2,H,40,7400,pérdida de visión, cefalea",
        "E2",
    ),
    (
        "ID paziente;Sesso;Età;Prolattina (mUI/L);Note",
        "I1;F;30;250;ok",
        "I2;M;40;7400;calo del visus; cefalea",
        "I2",
    ),
    (
        "Patiëntnummer;Geslacht;Leeftijd;Prolactine (mIE/L);Opmerking",
        "N1;V;30;250;ok",
        "N2;M;40;7400;visusverlies; hoofdpijn",
        "N2",
    ),
]


@pytest.mark.parametrize(("result", "urgent"), [("7400", True), ("300", False)])
@pytest.mark.parametrize(("header", "good", "shifted", "patient"), SHIFTED)
def test_a_line_of_more_fields_names_its_patient_and_may_be_urgent(
    tmp_path: Path, header: str, good: str, shifted: str, patient: str, result: str, urgent: bool
) -> None:
    """The line is still rejected (its comment shifted), but names its patient and, with a
    result above 5,000 mIU/L among the fields it may have shifted to, is on the urgent list.
    (Its note's loss of vision, a red flag, lists it at 300 as well: review 20.)"""
    read = _csv(tmp_path, f"{header}\n{good}\n{shifted.replace('7400', result)}\n")
    [bad] = _malformed(read)
    assert (bad.source_row, bad.patient_id, bad.possibly_urgent) == (3, patient, True)
    assert ("which may be above" in bad.detail) is urgent
    assert ("red flag" in bad.detail) is not urgent
    assert len(read.frame) == 1


def test_a_thousands_group_split_by_the_comma_is_joined_again(tmp_path: Path) -> None:
    read = _csv(
        tmp_path,
        "Patient ID,Sex,Age,Prolactin,Unit\nP0,F,30,250,mIU/L\nP1,M,50,6,250,mIU/L\n",
    )
    [bad] = _malformed(read)
    assert (bad.patient_id, bad.possibly_urgent) == ("P1", True)
    assert "6250 mIU/L" in bad.detail


def test_the_unit_column_of_the_shifted_row_sets_the_level(tmp_path: Path) -> None:
    """300 ng/mL is above the urgent level (about 236 ng/mL); 300 mIU/L is not."""
    text = "Patient ID,Sex,Age,Prolactin,Unit,Comment\nP0,F,30,12,ng/mL,ok\n"
    ng = _csv(tmp_path, text + "P1,M,50,300,ng/mL,headache, nausea\n", "ng.csv")
    miu = _csv(tmp_path, text + "P1,M,50,300,mIU/L,headache, nausea\n", "miu.csv")
    assert _malformed(ng)[0].possibly_urgent
    assert not _malformed(miu)[0].possibly_urgent


def test_a_short_line_names_its_patient_and_may_be_urgent(tmp_path: Path) -> None:
    """A line missing fields is rejected when most lines are whole and its values may have
    shifted (a missing delimiter: it lacks the result column every other line fills), yet
    still named and listed.  (A line whose only missing fields are empty ones at its end is
    read: fix75, test_review16_csv_lines.)"""
    read = _csv(
        tmp_path,
        "Patient ID,Sex,Age,Prolactin (mIU/L),Comment,Medication\n"
        "P1,F,30,250,ok,none\nP2,M 40,7400\nP3,F,30,300,,\n",
    )
    [bad] = _malformed(read)
    assert (bad.source_row, bad.patient_id, bad.possibly_urgent) == (3, "P2", True)
    assert sorted(read.frame["patient_id"]) == ["P1", "P3"]


@pytest.mark.parametrize(
    ("text", "urgent"),
    [
        # the id column after a field that may hold the stray delimiter ("P2" or " headache")
        (
            "Comment,Patient ID,Sex,Age,Prolactin (mIU/L)\nok,P1,F,30,250\n"
            "visual loss, headache,P2,M,40,7400\n",
            True,
        ),
        # an order number before the id ("P2" or "M"); a large number outside the fields the
        # result may have shifted to does not put the line on the urgent list
        (
            "Order,Patient ID,Sex,Age,Prolactin (mIU/L),Comment\n90001,P1,F,30,250,ok\n"
            "90002,P2,M,40,250,nausea, headache\n",
            False,
        ),
    ],
)
def test_an_id_the_shift_may_have_moved_is_not_guessed(
    tmp_path: Path, text: str, urgent: bool
) -> None:
    """Not the line's first column, and read from the left and from the right it differs: no
    id is named (it could be another patient's)."""
    [bad] = _malformed(_csv(tmp_path, text))
    assert bad.patient_id == ""
    assert bad.possibly_urgent is urgent


# --- a workbook's data dictionary codes the unit column, and a long-form codebook is read ---

# (data sheet header, its codebook sheet's name, the sex words coded 1 and 2)
CODEBOOKS = [
    (["record_id", "sex", "age", "prl_result", "prl_unit"], "Data dictionary", "Female", "Male"),
    (["pat_id", "geschlecht", "alter", "prolaktin", "einheit"], "Codebuch", "weiblich", "männlich"),
    (["id_patient", "sexe", "age", "prolactine", "unite"], "Livre de codes", "femme", "homme"),
    (["id_paciente", "sexo", "edad", "prolactina", "unidad"], "Codebook", "mujer", "hombre"),
    (["id_paziente", "sesso", "eta", "prolattina", "unita"], "Dizionario dati", "donna", "uomo"),
    (["patient_id", "geslacht", "leeftijd", "prolactine", "eenheid"], "Codeboek", "vrouw", "man"),
]
# a man of 34: 35 ng/mL (coded 1) is high; 2500 mIU/L (coded 2, about 118 ng/mL) is high too
DATA = [[1, 2, 34, 35.0, 1], [2, 1, 34, 25.0, 1], [3, 2, 29, 2500, 2]]


def _workbook(path: Path, header: list[str], sheet: str, codebook: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    data = book.active
    assert data is not None
    data.title = "Export"
    data.append(header)
    for row in DATA:
        data.append(row)
    cb = book.create_sheet(sheet)
    for row in codebook:
        cb.append(row)
    book.save(path)
    return path


def _redcap(header: list[str], woman: str, man: str) -> list[list[object]]:
    return [
        ["Variable / Field Name", "Form Name", "Field Type", "Choices"],
        [header[1], "demo", "radio", f"1, {woman} | 2, {man}"],
        [header[4], "lab", "dropdown", "1, ng/mL | 2, mIU/L"],
    ]


def _long_form(header: list[str], woman: str, man: str) -> list[list[object]]:
    return [
        ["Variable", "Value", "Label"],
        [header[1], 1, woman],
        [header[1], 2, man],
        [header[4], 1, "ng/mL"],
        [header[4], 2, "mIU/L"],
        ["visit", "V1", "baseline"],
    ]


@pytest.mark.parametrize("form", [_redcap, _long_form])
@pytest.mark.parametrize(("header", "sheet", "woman", "man"), CODEBOOKS)
def test_a_workbooks_codebook_codes_sex_and_the_unit_column(
    tmp_path: Path,
    header: list[str],
    sheet: str,
    woman: str,
    man: str,
    form: Callable[[list[str], str, str], list[list[object]]],
) -> None:
    """REDCap's choices ("1, ng/mL | 2, mIU/L") or a long-form codebook (SPSS, Stata: one code
    a row) code the unit column as they code sex: every row was rejected as unknown_unit."""
    read = _read(_workbook(tmp_path / "export.xlsx", header, sheet, form(header, woman, man)))
    assert not [r for r in read.rejected if r.reason_code == "unknown_unit"]
    frame = read.frame.sort_values("patient_id")
    assert frame["prolactin_unit"].tolist() == ["ng/mL", "ng/mL", "mIU/L"]
    assert frame["sex"].tolist() == ["M", "F", "M"]
    said = f"codes the unit as the data dictionary in sheet {sheet!r}"
    assert any(said in w for w in read.summary.warnings)


def test_a_codebook_naming_no_known_unit_leaves_the_codes_rejected(tmp_path: Path) -> None:
    """Choices that are not prolactin units (a code list of tubes) are not taken as units."""
    path = _workbook(
        tmp_path / "export.xlsx",
        CODEBOOKS[0][0],
        "Data dictionary",
        [
            ["Variable / Field Name", "Form Name", "Field Type", "Choices"],
            ["prl_unit", "lab", "dropdown", "1, serum tube | 2, EDTA tube"],
        ],
    )
    read = _read(path)
    assert {r.reason_code for r in read.rejected} == {"unknown_unit"}


def test_a_long_form_codebook_with_clashing_codes_is_not_used(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "export.xlsx",
        CODEBOOKS[5][0],
        "Codeboek",
        [
            ["Variabele", "Waarde", "Label"],
            ["geslacht", 1, "vrouw"],
            ["geslacht", 1, "man"],
            ["geslacht", 2, "man"],
        ],
    )
    read = _read(path)
    assert set(read.frame["sex"].dropna()) == set()


# --- a sheet of statistics beside the patients' sheet is not read as patients ---

PATIENTS = (["Pat-ID", "Geschlecht", "Alter", "Prolaktin (ng/ml)"], [["P1", "w", 30, 12]])
# (the statistics sheet's name, header, rows): a count column, or rows labelled by statistic
STATISTICS = [
    ("Statistics", ["Ward", "n", "Prolactin (ng/mL)"], [["Medicine", 45, 22.1], ["Psych", 20, 61]]),
    (
        "Statistik",
        ["Station", "Anzahl", "Prolaktin (ng/ml)"],
        [["Innere", 45, 22.1], ["Psych", 20, 61]],
    ),
    ("Statistiques", ["Service", "Effectif", "Prolactine (ng/mL)"], [["Médecine", 45, 22.1]]),
    ("Estadística", ["Servicio", "Número", "Prolactina (ng/mL)"], [["Psiquiatría", 20, 61.0]]),
    ("Statistiche", ["Reparto", "Conteggio", "Prolattina (ng/mL)"], [["Psichiatria", 20, 61.0]]),
    ("Statistiek", ["Afdeling", "Aantal", "Prolactine (ng/mL)"], [["Psychiatrie", 20, 61.0]]),
    (
        "Kennzahlen",
        ["Kennzahl", "Prolaktin (ng/ml)", "Alter"],
        [["Mittelwert", 22.1, 44], ["Median", 19, 41], ["Max", 310, 80]],
    ),
    (
        "Résumé",
        ["Statistique", "Prolactine (ng/mL)", "Âge"],
        [["Moyenne", 22.1, 44], ["Médiane", 19, 41]],
    ),
    (
        "Resumen",
        ["Estadístico", "Prolactina (ng/mL)", "Edad"],
        [["Media", 22.1, 44], ["Máximo", 310, 80]],
    ),
    (
        "Samenvatting",
        ["Maat", "Prolactine (ng/mL)", "Leeftijd"],
        [["Gemiddelde", 22.1, 44], ["SD", 9.5, 12]],
    ),
]


def _two_sheets(path: Path, first: tuple[str, list[str], list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title, header, rows = first
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    patients = book.create_sheet("Einzelwerte")
    patients.append(PATIENTS[0])
    for row in PATIENTS[1]:
        patients.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize(("name", "header", "rows"), STATISTICS)
def test_a_sheet_of_statistics_beside_the_patients_is_not_read(
    tmp_path: Path, name: str, header: list[str], rows: list[list[object]]
) -> None:
    read = _read(_two_sheets(tmp_path / "book.xlsx", (name, header, rows)))
    assert read.frame["patient_id"].tolist() == ["P1"]
    assert read.summary.sheet == "Einzelwerte"
    assert any(f"{name!r} hold statistics" in w for w in read.summary.warnings)


@pytest.mark.parametrize(
    ("header", "rows"),
    [
        # a second sheet of patients with an id: a count of tablets is no statistic
        (["MRN", "n", "Prolactin (ng/mL)"], [["A1", 2, 22.1]]),
        # no id, but its rows are patients (a footer "Mean" among them is not half the rows)
        (["Sex", "Age", "Prolactin (ng/mL)"], [["F", 30, 22.1], ["M", 41, 19.0], ["Mean", "", 20]]),
        # a birth date names the patients
        (["Geburtsdatum", "Anzahl", "Prolaktin (ng/ml)"], [["1980-01-02", 1, 22.1]]),
    ],
)
def test_a_second_sheet_of_patients_is_still_read(
    tmp_path: Path, header: list[str], rows: list[list[object]]
) -> None:
    read = _read(_two_sheets(tmp_path / "book.xlsx", ("Ward B", header, rows)))
    assert "Ward B" in set(read.frame["source_sheet"])
    assert not any("hold statistics" in w for w in read.summary.warnings)


def test_a_lone_sheet_without_an_id_is_read(tmp_path: Path) -> None:
    """The only sheet is read even when it looks like statistics: nothing else holds results."""
    path = tmp_path / "only.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Statistik"
    sheet.append(["Station", "Anzahl", "Prolaktin (ng/ml)"])
    sheet.append(["Psych", 20, 61.0])
    book.save(path)
    read = _read(path)
    assert read.frame["prolactin_value"].tolist() == [61.0]


# --- a longitudinal export's follow-up rows take sex and birth date from the same patient ---

# (header: id, event, sex, birth date, sample date, prolactin in ng/mL; the boy's sex word)
LONGITUDINAL = [
    ("record_id,redcap_event_name,sex,dob,visit_date,prl_ngml", "M"),
    ("Teilnehmer-ID,Visite,Geschlecht,Geburtsdatum,Abnahmedatum,Prolaktin (ng/ml)", "männlich"),
    ("Participant Id,Visite,Sexe,Date de naissance,Date de prélèvement,Prolactine (ng/mL)", "H"),
    (
        "ID paciente,Visita,Sexo,Fecha de nacimiento,Fecha de extracción,Prolactina (ng/mL)",
        "hombre",
    ),
    ("ID paziente,Visita,Sesso,Data di nascita,Data prelievo,Prolattina (ng/mL)", "maschio"),
    ("Patiëntnummer,Visite,Geslacht,Geboortedatum,Afnamedatum,Prolactine (ng/mL)", "man"),
]


@pytest.mark.parametrize(("header", "boy"), LONGITUDINAL)
def test_a_follow_up_row_takes_sex_and_birth_date_from_the_baseline(
    tmp_path: Path, header: str, boy: str
) -> None:
    """A boy of 9.4 years: 17 ng/mL is above the boys' 0.7-15.8 interval (high), where the
    follow-up row alone (no sex, no age) was judged normal against the adults' of either sex."""
    read = _csv(
        tmp_path,
        f"{header}\n1,baseline,{boy},2017-03-01,2026-01-10,8\n1,month 6,,,2026-07-10,17\n",
    )
    follow_up = read.frame[read.frame["source_row"] == 3].iloc[0]
    assert follow_up["sex"] == "M"
    assert follow_up["age_years"] == pytest.approx(9.36, abs=0.05)
    said = [w for w in read.summary.warnings if "taken from the other rows of the same" in w]
    assert len(said) == 2 and all(w.startswith("1 row(s)") for w in said)
    assert "2017" not in " ".join(said)  # counts, no values


def test_disagreeing_rows_leave_the_blank_unknown(tmp_path: Path) -> None:
    read = _csv(
        tmp_path,
        "record_id,redcap_event_name,sex,dob,visit_date,prl_ngml\n"
        "1,baseline,M,2017-03-01,2026-01-10,8\n1,screening,F,2016-03-01,2025-12-10,9\n"
        "1,month 6,,,2026-07-10,17\n",
    )
    follow_up = read.frame[read.frame["source_row"] == 4].iloc[0]
    assert pd.isna(follow_up["sex"]) and pd.isna(follow_up["birth_date"])
    assert sum("disagree on it: left unknown" in w for w in read.summary.warnings) == 2


def test_other_patients_and_other_fields_are_not_filled(tmp_path: Path) -> None:
    """Only the same id fills a row (a blank id is no patient), and only sex and birth date:
    never a drug, a pregnancy or a result."""
    read = _csv(
        tmp_path,
        "record_id,sex,dob,visit_date,pregnant,medication,prl_ngml\n"
        "1,F,1990-03-01,2026-01-10,yes,risperidone,80\n"
        "2,,,2026-07-10,,,17\n"
        ",,,2026-07-10,,,18\n"
        "1,,,2026-07-10,,,19\n",
    )
    rows = read.frame.set_index("source_row")
    assert pd.isna(rows.loc[3, "sex"]) and pd.isna(rows.loc[4, "sex"])
    assert rows.loc[5, "sex"] == "F"
    assert bool(rows.loc[2, "pregnant"]) and rows.loc[2, "medications"] == "risperidone"
    assert pd.isna(rows.loc[5, "pregnant"]) and pd.isna(rows.loc[5, "medications"])


# (pregnancy header, the codebook's words for no and yes): 1 = no, 2 = yes in every codebook
PREGNANCY_CODES = [
    ("pregnant", "No", "Yes"),
    ("schwanger", "nein", "ja"),
    ("enceinte", "non", "oui"),
    ("embarazada", "no", "sí"),
    ("gravidanza", "no", "sì"),
    ("zwanger", "nee", "ja"),
]


@pytest.mark.parametrize("long_form", [False, True])
@pytest.mark.parametrize(("header", "no", "yes"), PREGNANCY_CODES)
def test_a_codebook_codes_the_pregnancy_column(
    tmp_path: Path, header: str, no: str, yes: str, long_form: bool
) -> None:
    """1 = no under the codebook: read as 1 = yes, the woman's 2500 mIU/L was explained by a
    pregnancy she does not have (normal against the pregnancy interval)."""
    codebook: list[list[object]] = (
        [["Variable", "Value", "Label"], [header, 1, no], [header, 2, yes]]
        if long_form
        else [
            ["Variable / Field Name", "Field Type", "Choices"],
            [header, "radio", f"1, {no} | 2, {yes}"],
        ]
    )
    path = tmp_path / "export.xlsx"
    book = openpyxl.Workbook()
    data = book.active
    assert data is not None
    data.title = "Export"
    data.append(["record_id", "sex", "age", "prl_result (mIU/L)", header])
    data.append([1, "F", 34, 2500, 1])
    data.append([2, "F", 34, 2500, 2])
    book.create_sheet("Data dictionary")
    for row in codebook:
        book["Data dictionary"].append(row)
    book.save(path)
    read = _read(path)
    frame = read.frame.set_index("patient_id")
    assert not bool(frame.loc["1", "pregnant"])
    assert bool(frame.loc["2", "pregnant"])
