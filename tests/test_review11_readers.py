"""Input faults found by the outside review of stop 31, each fixed as a class: a CSV line of
more or fewer fields than its header still names its patient and reaches the urgent list when
it may hold an urgent result."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
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
    result above 5,000 mIU/L among the fields it may have shifted to, is on the urgent list."""
    read = _csv(tmp_path, f"{header}\n{good}\n{shifted.replace('7400', result)}\n")
    [bad] = _malformed(read)
    assert (bad.source_row, bad.patient_id, bad.possibly_urgent) == (3, patient, urgent)
    assert ("listed with the urgent results" in bad.detail) is urgent
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
    ng = _csv(tmp_path, text + "P1,M,50,300,ng/mL,headache, visual loss\n", "ng.csv")
    miu = _csv(tmp_path, text + "P1,M,50,300,mIU/L,headache, visual loss\n", "miu.csv")
    assert _malformed(ng)[0].possibly_urgent
    assert not _malformed(miu)[0].possibly_urgent


def test_a_short_line_names_its_patient_and_may_be_urgent(tmp_path: Path) -> None:
    """A line missing fields is rejected when most lines are whole (which fields are missing
    is not known: a missing delimiter shifts the result), yet still named and listed."""
    read = _csv(
        tmp_path,
        "Patient ID,Sex,Age,Prolactin (mIU/L),Comment,Medication\n"
        "P1,F,30,250,ok,none\nP2,M,40,7400\nP3,F,30,300,,\n",
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
            "90002,P2,M,40,250,visual loss, headache\n",
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
