"""Reading whole files: the sample exports, generated files of other shapes, and bad inputs."""

from __future__ import annotations

import shutil
import struct
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pipeline_helpers import write_table

from triage.io import (
    FileRead,
    ReadOptions,
    expand_inputs,
    load_mapping,
    read_file,
    read_inputs,
)
from triage.io.long import classify_test
from triage.schema import CANONICAL_COLUMNS, REJECT_REASONS, ConfigError, InputFileError

SAMPLE_FILES = [
    "wide_clinic_export.xlsx",
    "legacy_export.xls",
    "clinic_list.ods",
    "lis_long_export.csv",
]


def read(path: Path, **options: object) -> FileRead:
    return read_file(path, None, ReadOptions(**options))  # type: ignore[arg-type]


def row_of(result: FileRead, source_row: int) -> pd.Series:
    frame = result.frame
    matches = frame[frame["source_row"] == source_row]
    assert len(matches) == 1, f"row {source_row} not in the frame"
    return matches.iloc[0]


def by_patient(result: FileRead, patient_id: str) -> pd.Series:
    frame = result.frame
    matches = frame[frame["patient_id"] == patient_id]
    assert len(matches) == 1
    return matches.iloc[0]


def flag(value: object) -> bool | None:
    """A boolean cell as a plain Python value (None for <NA>)."""
    return None if pd.isna(value) else bool(value)  # type: ignore[arg-type]


def assert_consistent(result: FileRead) -> None:
    summary = result.summary
    assert summary.rows_read == summary.rows_triaged + summary.rows_rejected
    assert summary.rows_rejected == len(result.rejected)
    assert list(result.frame.columns) == list(CANONICAL_COLUMNS)
    assert {c: str(t) for c, t in result.frame.dtypes.items()} == CANONICAL_COLUMNS
    assert {r.reason_code for r in result.rejected} <= set(REJECT_REASONS)
    seen = list(result.frame["source_row"]) + [r.source_row for r in result.rejected]
    if summary.shape == "wide":
        assert len(seen) == len(set(seen)) == summary.rows_read


# ------------------------------------------------------------------------------------------------
# The sample exports
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def samples() -> dict[str, FileRead]:
    folder = Path(__file__).parent / "data" / "samples"
    return {name: read(folder / name) for name in SAMPLE_FILES}


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_samples_are_read_whole(samples: dict[str, FileRead], name: str) -> None:
    result = samples[name]
    assert_consistent(result)
    assert result.summary.rows_triaged > 0
    assert len(result.summary.sha256) == 64
    assert result.summary.mapping["patient_id"]


def test_wide_sample(samples: dict[str, FileRead]) -> None:
    result = samples["wide_clinic_export.xlsx"]
    summary = result.summary
    assert summary.header_row == 3  # two title rows above
    assert summary.sheet == "wide_clinic_export"
    assert summary.rows_read == 120
    assert summary.mapping["patient_id"] == "MRN"  # not "Lab No"
    haemolysed = [r for r in result.rejected if "haemolysed" in r.detail]
    assert [r.reason_code for r in haemolysed] == ["unparseable_result"]
    assert haemolysed[0].source_row == 4
    below = by_patient(result, "MRN0100253")
    assert (below["prolactin_value"], below["qualifier"], below["prolactin_unit"]) == (
        3.0,
        "<",
        "ng/mL",
    )
    assert below["prolactin_raw"] == "<3.0"
    miu = by_patient(result, "MRN0100212")
    assert (miu["prolactin_value"], miu["prolactin_unit"]) == (386.0, "mIU/L")
    assert (miu["reference_low"], miu["reference_high"]) == (86.0, 324.0)
    kofi = by_patient(result, "MRN0100202")
    assert (kofi["egfr"], kofi["egfr_qualifier"]) == (90.0, ">")
    assert kofi["collected_at"] == pd.Timestamp("2026-11-16 12:00")
    assert 66 < kofi["age_years"] < 67
    assert flag(by_patient(result, "MRN0100264")["pregnant"]) is True
    assert pd.isna(by_patient(result, "MRN0100210")["pregnant"])  # "unknown"
    assert by_patient(result, "MRN0100226")["patient_name"] == "GARCÍA, Fatima"
    assert by_patient(result, "MRN0100313")["patient_name"] == "HADDAD, George"


def test_wide_sample_keeps_greater_than_results(tmp_path: Path) -> None:
    path = tmp_path / "gt.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["MRN", "Prolactin", "Units", "Ref. range"])
    sheet.append(["A", ">470", "ng/mL", "4.8-23.3"])
    book.save(path)
    row = read(path).frame.iloc[0]
    assert (row["prolactin_value"], row["qualifier"]) == (470.0, ">")


def test_legacy_xls_dates_are_repaired(samples: dict[str, FileRead]) -> None:
    result = samples["legacy_export.xls"]
    warnings = " ".join(result.summary.warnings)
    assert "day and month swapped" in warnings and "'Collected'" in warnings
    frame = result.frame.set_index("patient_id")
    # date cell 2026-09-11 (a misread 09/11/2026) and text 14/11/2026 12:30
    assert frame.loc["MRN0100202", "collected_at"] == pd.Timestamp("2026-11-09 15:30")
    assert frame.loc["MRN0100200", "collected_at"] == pd.Timestamp("2026-11-14 12:30")
    assert frame.loc["MRN0100200", "birth_date"] == pd.Timestamp("1995-04-21")
    assert frame["collected_at"].dt.month.eq(11).all()
    assert frame.loc["MRN0100209", "patient_name"] == "GARCÍA, Chloé"


def test_ods_sample(samples: dict[str, FileRead]) -> None:
    result = samples["clinic_list.ods"]
    below = by_patient(result, "MRN0100200")
    assert (below["prolactin_value"], below["qualifier"], below["prolactin_unit"]) == (
        64.0,
        "<",
        "mIU/L",
    )
    assert flag(by_patient(result, "MRN0100214")["dialysis"]) is True  # "HD"
    assert by_patient(result, "MRN0100214")["dialysis_text"] == "HD"
    assert [r.reason_code for r in result.rejected] == ["unparseable_result"]


def test_long_sample(samples: dict[str, FileRead]) -> None:
    result = samples["lis_long_export.csv"]
    summary = result.summary
    assert summary.shape == "long"
    assert summary.rows_read == 258
    assert len(result.frame) == 80
    assert summary.rows_triaged == 258  # 80 prolactin rows + the context rows they took
    first = by_patient(result, "MRN0100700")
    assert first["patient_name"] == "GARCÍA, Nadia"  # Windows-1252 decoded
    assert (first["prolactin_value"], first["prolactin_unit"], first["unit_raw"]) == (
        162.8,
        "ng/mL",
        "µg/L",
    )
    assert (first["reference_low"], first["reference_high"]) == (4.8, 23.3)
    assert first["tsh"] == 1.6
    assert (first["egfr"], first["egfr_qualifier"]) == (90.0, ">")
    assert first["collected_at"] == pd.Timestamp("2026-10-21 12:40")
    positive = by_patient(result, "MRN0100717")
    assert (positive["hcg"], flag(positive["hcg_positive"])) == ("POSITIVE", True)
    assert flag(by_patient(result, "MRN0100710")["hcg_positive"]) is False
    assert by_patient(result, "MRN0100710")["macroprolactin_recovery_pct"] == 44.0
    assert by_patient(result, "MRN0100771")["macroprolactin_recovery_pct"] == 62.0
    assert by_patient(result, "MRN0100701")["medications"] == "amisulpride 400mg"
    assert result.frame["tsh"].notna().all() and result.frame["egfr"].notna().all()


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).parent / "data" / "samples" / "broken").iterdir())
)
def test_broken_samples_raise_input_file_error(path: Path) -> None:
    with pytest.raises(InputFileError) as info:
        read(path)
    assert info.value.file == path.name
    assert path.name in str(info.value)


def test_no_prolactin_column_lists_the_headers_it_recognised(broken_dir: Path) -> None:
    with pytest.raises(InputFileError, match=r"A 'MRN' \(patient_id\), B 'Sex' \(sex\)"):
        read(broken_dir / "no_prolactin_column.csv")


def test_a_file_without_a_header_row_is_never_quoted(tmp_path: Path) -> None:
    """Without a header row the likeliest 'header' is a patient: its cells are not quoted."""
    path = tmp_path / "no_header.csv"
    path.write_text("P88123,Quinta Zebedee,F,34,ward 3\nP88124,Rhea Yost,F,40,ward 3\n")
    with pytest.raises(InputFileError) as info:
        read(path)
    message = str(info.value)
    assert "no prolactin column" in message
    for planted in ("P88123", "Quinta", "Zebedee", "ward 3"):
        assert planted not in message


# ------------------------------------------------------------------------------------------------
# Generated files: other wordings and layouts
# ------------------------------------------------------------------------------------------------
MESSY_HEADER = (
    "Hospital Number,Surname Forename,Gender,D.O.B.,Date Collected,S-Prolactin,Unit(s),"
    "Reference Interval,Preg?,Meds"
)
MESSY_CSV = f"""\
Prolactin report - Ward 7
Printed 21/11/2026

{MESSY_HEADER}
H1,"SMITH, Ann",Female,03/04/1990,14/11/2026 09:10,25.3,ng/mL,4.8 - 23.3,N,risperidone 2mg
H2,"JONES, Bob",M,1970-01-02,2026-11-15 10:00,<3.0,ng/mL,4.0 - 15.2,,

{MESSY_HEADER}
H3,"X, Y",F,01/02/1985,15/11/2026,600,mU/L,102-496,2nd trimester,
H4,"Z, W",F,01/02/1985,15/11/2026,haemolysed,ng/mL,,,
H5,"Q, R",F,01/02/1985,15/11/2026,45,,10-209,,
H6,"Q, S",F,01/02/1985,15/11/2026,450,,102-496,,
H7,"Q, T",F,01/02/1985,15/11/2026,45,mmol/L,,,
H8,"Q, U",F,01/02/1985,15/11/2026,,,,,
H9,"Q, V",F,01/02/1985,15/11/2026,-4,ng/mL,,,
End of report (9 results)
"""


@pytest.fixture
def messy(tmp_path: Path) -> FileRead:
    path = tmp_path / "messy.csv"
    path.write_text(MESSY_CSV, encoding="utf-8")
    return read(path)


def test_title_block_footer_and_repeated_header(messy: FileRead) -> None:
    assert_consistent(messy)
    summary = messy.summary
    assert summary.header_row == 4
    assert summary.rows_read == 11  # blank lines are not counted
    reasons = {r.source_row: r.reason_code for r in messy.rejected}
    assert reasons == {
        8: "duplicate_header",
        10: "unparseable_result",
        11: "unknown_unit",
        13: "unknown_unit",
        14: "missing_result",
        15: "implausible_value",
        16: "not_a_result_row",
    }
    assert "haemolysed" in next(r.detail for r in messy.rejected if r.source_row == 10)
    assert "mmol/L" in next(r.detail for r in messy.rejected if r.source_row == 13)


def test_other_header_wordings(messy: FileRead) -> None:
    mapping = messy.summary.mapping
    assert mapping["patient_id"] == "Hospital Number"
    assert mapping["birth_date"] == "D.O.B."
    assert mapping["prolactin_unit"] == "Unit(s)"
    assert mapping["pregnant"] == "Preg?"
    first = row_of(messy, 5)
    assert first["birth_date"] == pd.Timestamp("1990-04-03")  # day-first by default
    assert first["sex"] == "F"
    assert first["medications"] == "risperidone 2mg"
    assert flag(row_of(messy, 9)["pregnant"]) is True  # "2nd trimester"
    assert row_of(messy, 9)["pregnant_text"] == "2nd trimester"
    assert row_of(messy, 9)["prolactin_unit"] == "mIU/L"  # mU/L


def test_unit_from_the_rows_interval(messy: FileRead) -> None:
    inferred = row_of(messy, 12)
    assert (inferred["prolactin_unit"], inferred["prolactin_value"]) == ("mIU/L", 450.0)
    assert pd.isna(inferred["unit_raw"])
    assert any("interval" in w for w in messy.summary.warnings)


def test_dayfirst_option(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("MRN,Prolactin,Units,Collected\nA,12,ng/mL,03/04/2026\n", encoding="utf-8")
    assert read(path).frame.loc[0, "collected_at"] == pd.Timestamp("2026-04-03")
    assert read(path, dayfirst=False).frame.loc[0, "collected_at"] == pd.Timestamp("2026-03-04")


def test_month_first_column_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "us.csv"
    path.write_text(
        "MRN,Prolactin,Units,Collected\nA,12,ng/mL,11/14/2026\nB,9,ng/mL,03/04/2026\n",
        encoding="utf-8",
    )
    result = read(path)
    assert result.frame["collected_at"].tolist() == [
        pd.Timestamp("2026-11-14"),
        pd.Timestamp("2026-03-04"),
    ]
    assert any("month-first" in w for w in result.summary.warnings)


def test_semicolon_csv_with_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "eu.csv"
    text = (
        "MRN;Prolaktin (µg/l);Referenzbereich;Geschlecht;Geburtsdatum;Entnahmedatum\r\n"
        "A1;12,5;4,8 - 23,3;W;21.04.1995;14.11.2026 08:00\r\n"
        "A2;1.234,5;4,8 - 23,3;M;21.04.1995;14.11.2026\r\n"
    )
    path.write_bytes(text.encode("utf-8-sig"))
    result = read(path)
    assert_consistent(result)
    assert result.frame["prolactin_value"].tolist() == [12.5, 1234.5]
    assert result.frame["prolactin_unit"].tolist() == ["ng/mL", "ng/mL"]
    assert result.frame["sex"].tolist() == ["F", "M"]
    assert result.frame.loc[0, "collected_at"] == pd.Timestamp("2026-11-14 08:00")


def test_tsv_with_unit_in_the_header(tmp_path: Path) -> None:
    path = tmp_path / "results.tsv"
    path.write_text("UR Number\tPRL (mIU/L)\tSex\n1\t386\tF\n2\t>4000\tM\n", encoding="utf-8")
    frame = read(path).frame
    assert frame["prolactin_unit"].tolist() == ["mIU/L", "mIU/L"]
    assert frame["qualifier"].tolist() == ["", ">"]
    assert frame["patient_id"].tolist() == ["1", "2"]


def test_iu_per_litre_is_scaled_to_miu(tmp_path: Path) -> None:
    path = tmp_path / "iu.csv"
    path.write_text("MRN,Prolactin,Units,Ref range\nA,0.45,IU/L,0.10-0.50\n", encoding="utf-8")
    row = read(path).frame.iloc[0]
    assert (row["prolactin_value"], row["prolactin_unit"], row["unit_raw"]) == (
        450.0,
        "mIU/L",
        "IU/L",
    )
    assert (row["reference_low"], row["reference_high"]) == (100.0, 500.0)


def test_cp1252_csv(tmp_path: Path) -> None:
    path = tmp_path / "win.csv"
    path.write_bytes("MRN;Name;PRL;Unit\r\nA;GARCÍA, Zoë;12,5;µg/L\r\n".encode("cp1252"))
    result = read(path)
    assert result.frame.loc[0, "patient_name"] == "GARCÍA, Zoë"
    assert result.frame.loc[0, "prolactin_unit"] == "ng/mL"


LEGACY_TEXTS = [
    # (export, the cells that must read back as written)
    ("Pat.-Nr.;Geschlecht;Alter;Prolaktin (µg/l);Bemerkung\r\n"
     "A;männlich;45;12,5;Übelkeit, Müdigkeit\r\n",
     {"sex": "M", "comments": "Übelkeit, Müdigkeit"}),
    ("N° dossier;Sexe;Âge;Prolactine µg/L;Commentaire\r\n"
     "A;féminin;30;12,5;Grossesse exclue, céphalées\r\n",
     {"sex": "F", "comments": "Grossesse exclue, céphalées"}),
    ("Nº historia;Sexo;Edad;Prolactina (µg/l);Comentario\r\n"
     "A;mujer;30;12,5;Galactorrea, año pasado\r\n",
     {"sex": "F", "comments": "Galactorrea, año pasado"}),
    ("Patiëntnr;Geslacht;Leeftijd;Prolactine (µg/l);Opmerking\r\n"
     "A;vrouw;30;12,5;Hoofdpijn, gezichtsvelduitval, coördinatie\r\n",
     {"sex": "F", "comments": "Hoofdpijn, gezichtsvelduitval, coördinatie"}),
    ("ID;Sesso;Età;Prolattina (µg/l);Note\r\n"
     "A;femmina;30;12,5;Cefalea, perché già trattata\r\n",
     {"sex": "F", "comments": "Cefalea, perché già trattata"}),
    # the unit in a column of its own, row by row: µ is most of the file's accented text
    ("ID;Geschlecht;Alter;Prolaktin;Einheit;Medikation\r\n"
     "A;männlich;40;12,5;µg/l;\r\nB;weiblich;30;40,5;µg/l;Sulpirid\r\n",
     {"sex": "M"}),
    ("N°;Sexe;Âge;Prolactine;Unité\r\nA;homme;40;12,5;µg/L\r\nB;femme;30;8,5;µg/L\r\n",
     {"sex": "M"}),
]  # fmt: skip


@pytest.mark.parametrize("encoding", ["cp850", "cp1252", "mac_roman", "latin-1"])
@pytest.mark.parametrize(("text", "cells"), LEGACY_TEXTS)
def test_legacy_code_pages_read_as_written(
    tmp_path: Path, encoding: str, text: str, cells: dict[str, str]
) -> None:
    """DOS (cp850) exports of older LIS, beside Windows and ISO 8859-1 ones: "männlich" read as
    cp1252 was "m„nnlich", a sex nobody could read, and "µg/l" a unit nobody knew."""
    path = tmp_path / "legacy.csv"
    path.write_bytes(text.encode(encoding))
    result = read(path)
    row = result.frame.iloc[0]
    assert {key: row[key] for key in cells} == cells
    assert row["prolactin_unit"] == "ng/mL" and row["prolactin_value"] == 12.5


def write_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "Summary"
    summary.append(["Batch summary"])
    summary.append(["Total", 4])
    sheet = book.create_sheet("Results")
    sheet.append(["St Elsewhere Hospital"])
    sheet.append([])
    sheet.append(
        [
            "Patient ID",
            "Name",
            "Sex",
            "Age",
            "Collected",
            "Prolactin",
            "Units",
            "Ref low",
            "Ref high",
            "Pregnant",
            "MRI pituitary",
            "Pituitary lesion size (cm)",
            "PEG recovery (%)",
            "Post-PEG prolactin",
            "hCG (IU/L)",
            "Menopausal status",
            "Dialysis",
            "Collection time",
        ]
    )
    sheet.append(
        [
            "P1",
            "Ann",
            "F",
            34,
            date(2026, 11, 3),
            "58.2 H",
            "ng/mL",
            4.8,
            23.3,
            "Y",
            "macroadenoma",
            1.4,
            35,
            12.1,
            1500,
            "pre",
            "HD Mon/Wed/Fri",
            time(9, 30),
        ]
    )
    sheet.append(
        [
            "P2",
            "Bea",
            "F",
            "61 y",
            datetime(2026, 11, 4, 8, 0),
            1230,
            "mIU/L",
            102,
            496,
            "",
            "",
            "",
            None,
            None,
            "<2",
            "post",
            "",
            "",
        ]
    )
    sheet.append([])
    sheet.append(["Ward 9"])
    sheet.append(
        [
            "P3",
            "Cid",
            "M",
            None,
            "05/11/2026",
            ">470",
            "ng/mL",
            "4",
            "15.2",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "no",
        ]
    )
    sheet.append(["Printed by JS on 21/11/2026"])
    book.save(path)


def test_workbook_sheet_choice_and_context_columns(tmp_path: Path) -> None:
    path = tmp_path / "clinic.xlsx"
    write_workbook(path)
    result = read(path)
    assert_consistent(result)
    assert result.summary.sheet == "Results"
    assert result.summary.header_row == 3
    assert {r.source_row: r.reason_code for r in result.rejected} == {
        7: "not_a_result_row",  # "Ward 9"
        9: "not_a_result_row",  # "Printed by ..."
    }
    first, second, third = (row_of(result, n) for n in (4, 5, 8))
    assert first["collected_at"] == pd.Timestamp("2026-11-03 09:30")  # date + time columns
    assert first["prolactin_value"] == 58.2  # "58.2 H"
    assert first["pituitary_lesion_mm"] == 14.0  # 1.4 cm
    assert first["macroprolactin_recovery_pct"] == 35.0
    assert first["monomeric_prolactin"] == 12.1
    assert (first["hcg"], flag(first["hcg_positive"])) == ("1500 IU/L", True)
    assert flag(first["menopausal"]) is False and flag(second["menopausal"]) is True
    assert flag(first["dialysis"]) is True and first["dialysis_text"] == "HD Mon/Wed/Fri"
    assert flag(third["dialysis"]) is False
    assert second["age_years"] == 61.0 and first["age_years"] == 34.0
    assert flag(second["hcg_positive"]) is False  # "<2" with the header's IU/L
    assert (third["reference_low"], third["reference_high"]) == (4.0, 15.2)
    assert third["collected_at"] == pd.Timestamp("2026-11-05")


def test_sheet_option_by_name_and_position(tmp_path: Path) -> None:
    path = tmp_path / "clinic.xlsx"
    write_workbook(path)
    assert read(path, sheet="results").summary.sheet == "Results"
    assert read(path, sheet=1).summary.sheet == "Results"  # 0-based index, as in pandas
    assert read(path, sheet="2").summary.sheet == "Results"  # position written as text
    with pytest.raises(InputFileError, match="no prolactin column"):
        read(path, sheet="Summary")
    with pytest.raises(InputFileError, match="no sheet 'Other'"):
        read(path, sheet="Other")
    # --sheet 5 (the fifth, index 4) of a workbook of fewer: named as the user counted
    with pytest.raises(InputFileError, match=r"no sheet number 5 in the workbook \(its \d"):
        read(path, sheet=4)


def test_a_zip_named_xlsx_says_what_it_may_be(tmp_path: Path) -> None:
    path = tmp_path / "renamed.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("export.csv", "MRN,Prolactin\nA1,12\n")
    with pytest.raises(InputFileError, match="a zip archive of other files, not a workbook"):
        read(path)


def test_text_file_named_xls_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "lis.xls"
    path.write_text("MRN\tPRL\tUnits\nA\t12\tng/mL\n", encoding="utf-8")
    result = read(path)
    assert result.frame["prolactin_value"].tolist() == [12.0]
    assert any("delimited text" in w for w in result.summary.warnings)


def test_header_only_file_is_an_empty_input(tmp_path: Path) -> None:
    path = tmp_path / "empty_table.csv"
    path.write_text("MRN,Prolactin\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no result rows") as caught:  # review 18
        read(path)
    assert caught.value.code == "empty"


# ------------------------------------------------------------------------------------------------
# Long exports
# ------------------------------------------------------------------------------------------------
LONG = """\
MRN|Patient name|Sex|DOB|Collected|Test|Code|LOINC|Value|Units|Ref range
M1|Ann A|F|1990-01-01|2026-11-01 08:00|Prolactin|PRL|2842-3|950|mIU/L|102-496
M1|Ann A|F|1990-01-01|2026-11-01 08:05|TSH|TSH||7.9|mU/L|0.27-4.2
M1|Ann A|F|1990-01-01|2026-11-01 11:00|Creatinine|CREA|2160-0|180|umol/L|45-90
M1|Ann A|F|1990-01-01|2026-11-01 08:00|Macroprolactin %||51441-4|70|%|
M1|Ann A|F|1990-01-01|2026-11-01 08:00|Prolactin post PEG|||230|mIU/L|
M1|Ann A|F|1990-01-01|2026-11-01 08:00|Cortisol|CORT|2143-6|450|nmol/L|
M2|Bo B|M|1980-01-01|2026-11-02 09:00|S-PRL|||haemolysed|ug/L|
M2|Bo B|M|1980-01-01|2026-11-02 09:00|eGFR|||>90|mL/min|
M3|Cy C|F|1985-01-01|2026-11-03 09:00|FT4|||15|pmol/L|
M4|Di D|F|1985-01-01|2026-11-04 09:00|Prolactin|||25|ng/mL|4.8-23.3
M4|Di D|F|1985-01-01|2026-11-04 09:00|hCG|||1500|IU/L|
M4|Di D|F|1985-01-01|2026-11-04 09:00|TSH|||2.0|mU/L|
M4|Di D|F|1985-01-01|2026-11-04 09:00|TSH|||2.1|mU/L|
"""


@pytest.mark.parametrize(
    ("loinc", "code", "name", "field", "complement"),
    [
        ("2842-3", "", "", "prolactin", False),
        ("20568-2", "X", "whatever", "prolactin", False),
        ("", "PRL", "", "prolactin", False),
        ("", "", "S-Prolaktin", "prolactin", False),
        ("", "MPRL", "Macroprolactin PEG recovery", "macroprolactin_recovery_pct", False),
        ("51441-4", "", "Macroprolactin", "macroprolactin_recovery_pct", True),
        ("", "", "Prolactin post PEG", "monomeric_prolactin", False),
        ("42607-2", "", "", "monomeric_prolactin", False),
        ("3016-3", "", "", "tsh", False),
        ("", "", "Thyroid stimulating hormone", "tsh", False),
        ("", "FT4", "", "free_t4", False),
        ("", "", "eGFR (CKD-EPI)", "egfr", False),
        ("", "CREA", "", "creatinine", False),
        ("2106-3", "", "", "hcg", False),
        ("", "", "Urine pregnancy test", "hcg", False),
        ("", "2842-3", "", "prolactin", False),  # a LOINC code in the test code column
        ("", "", "Prolactin (ng/mL)", "prolactin", False),
        ("", "", "Prolactin [Mass/volume] in Serum or Plasma", "prolactin", False),
        ("", "", "PRL (post PEG)", "monomeric_prolactin", False),  # was total prolactin
        ("", "", "Macroprolactin %", "macroprolactin_recovery_pct", True),
        ("", "", "PROLACTIN RECOVERY AFTER PEG", "macroprolactin_recovery_pct", False),
        # a total prolactin naming what it includes (it was lost as another test)
        ("", "", "Prolaktin (inkl. Makroprolaktin-Screening)", "prolactin", False),
        ("", "", "Prolactin incl. macroprolactin screen", "prolactin", False),
        ("", "", "Prolactine (y compris recherche de macroprolactine)", "prolactin", False),
        ("", "", "Prolactina (incluye cribado de macroprolactina)", "prolactin", False),
    ],
)
def test_classify_long_rows(loinc: str, code: str, name: str, field: str, complement: bool) -> None:
    found = classify_test(loinc, code, name)
    assert found is not None
    assert (found.field, found.complement) == (field, complement)


@pytest.mark.parametrize(
    ("loinc", "code", "name"),
    [
        ("2345-7", "GLU", "Glucose"),
        ("", "", ""),
    ],
)
def test_unused_long_rows(loinc: str, code: str, name: str) -> None:
    assert classify_test(loinc, code, name) is None


@pytest.mark.parametrize(
    ("loinc", "name"),
    [("", "MACROPROLACTIN"), ("72680-2", "Macroprolactin"), ("", "Makroprolaktin")],
)
def test_a_macroprolactin_screen_is_no_peg_recovery(loinc: str, name: str) -> None:
    """A present/absent screen was once taken for a PEG recovery: it is the qualitative screen,
    read into the notes ("Macroprolactin: present"), never a percentage."""
    found = classify_test(loinc, "", name)
    assert found is not None and found.field == "comments" and found.prefix


def test_long_export_context_and_leftovers(tmp_path: Path) -> None:
    path = tmp_path / "lis.txt"
    path.write_text(LONG, encoding="utf-8")
    result = read(path)
    assert_consistent(result)
    assert result.summary.shape == "long"
    ann, di = by_patient(result, "M1"), by_patient(result, "M4")
    assert (ann["prolactin_value"], ann["prolactin_unit"]) == (950.0, "mIU/L")
    assert ann["tsh"] == 7.9  # 5 minutes later: same day, nearest
    assert ann["creatinine"] == 180.0
    assert ann["macroprolactin_recovery_pct"] == 30.0  # LOINC 51441-4: 70 % macroprolactin
    assert ann["monomeric_prolactin"] == 230.0
    assert (di["hcg"], flag(di["hcg_positive"])) == ("1500 IU/L", True)
    assert di["tsh"] == 2.0
    details = {r.source_row: (r.reason_code, r.detail) for r in result.rejected}
    # a cortisol line is read into the notes, where the morning cortisol rule reads it (review 22)
    assert 7 not in details
    assert "morning Cortisol: 450 nmol/L" in str(ann["comments"])
    assert details[8][0] == "unparseable_result"
    assert details[9][0] == "other_test" and "row 8" in details[9][1]  # its prolactin was rejected
    assert details[10][0] == "other_test"  # free T4 with no prolactin
    assert details[14][0] == "other_test"  # a second TSH
    assert result.summary.rows_triaged == 9


def test_long_export_groups_by_specimen_and_fills_patient_fields(tmp_path: Path) -> None:
    path = tmp_path / "lis.csv"
    path.write_text(
        "Patient ID,Name,Specimen,Collection time,Test code,Result,Unit,Medication\n"
        "P1,,S1,2026-10-01 08:00,PRL,20,ng/mL,\n"
        "P1,Ann,S1,2026-10-01 08:00,TSH,3,mU/L,haloperidol 5mg\n"
        "P1,Ann,S2,2026-10-01 08:00,PRL,30,ng/mL,\n"
        "P1,Ann,S2,2026-10-01 08:00,TSH,9,mU/L,\n",
        encoding="utf-8",
    )
    result = read(path)
    assert_consistent(result)
    frame = result.frame.set_index("source_row")
    assert frame.loc[2, "tsh"] == 3.0 and frame.loc[4, "tsh"] == 9.0
    assert frame.loc[2, "patient_name"] == "Ann"
    assert frame.loc[2, "medications"] == "haloperidol 5mg"


# ------------------------------------------------------------------------------------------------
# Bad inputs
# ------------------------------------------------------------------------------------------------
def test_password_protected_workbook(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le")
    )
    with pytest.raises(InputFileError, match="password-protected") as info:
        read(path)
    assert info.value.file == "locked.xlsx"


def test_zip_bomb_is_refused_before_opening(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "x" * 100)
        archive.writestr("xl/worksheets/sheet1.xml", "y" * 1000)
    data = bytearray(path.read_bytes())
    entry = data.find(b"PK\x01\x02")
    while entry >= 0:  # declare ~4 GiB uncompressed in the central directory
        struct.pack_into("<I", data, entry + 24, 0xFFFFFF00)
        entry = data.find(b"PK\x01\x02", entry + 4)
    path.write_bytes(bytes(data))
    with pytest.raises(InputFileError, match="zip bomb"):
        read(path)


def test_uncompressed_size_limit_is_an_option(samples_dir: Path) -> None:
    with pytest.raises(InputFileError, match="limit"):
        read(samples_dir / "wide_clinic_export.xlsx", max_uncompressed_bytes=10_000)


def test_high_compression_ratio_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dense.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("content.xml", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(InputFileError, match="expands"):
        read(path, max_compression_ratio=100.0)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("report.pdf", b"%PDF-1.4", "unsupported file type"),
        ("blank.csv", b"  \n\n", "empty"),
        # an HTML "Excel export" is read as its table (review 24 D6): this one has no results
        ("page.xls", b"<html><table><tr><td>PRL</td></tr></table></html>", "no result rows"),
        ("fake.xlsx", b"PK\x03\x04 not really a zip", "damaged"),
        ("binary.csv", bytes(range(256)) * 4, "binary"),
    ],
)
def test_unusable_files(tmp_path: Path, name: str, content: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=words) as info:
        read(path)
    assert info.value.file == name


def test_missing_path_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        read(tmp_path / "absent.xlsx")
    with pytest.raises(InputFileError, match="folder"):
        read(tmp_path)


def test_expand_inputs(tmp_path: Path, samples_dir: Path) -> None:
    for name in ("b.csv", "A.xlsx", "c.ods"):
        shutil.copy(samples_dir / "lis_long_export.csv", tmp_path / name)
    (tmp_path / "notes.pdf").write_text("x")
    (tmp_path / "~$A.xlsx").write_text("lock")
    (tmp_path / "sub").mkdir()
    single = samples_dir / "clinic_list.ods"
    found = expand_inputs([tmp_path, single, tmp_path / "b.csv"])
    assert [p.name for p in found] == ["A.xlsx", "b.csv", "c.ods", "clinic_list.ods"]


def test_units_row_under_the_header(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("MRN,Prolactin,TSH\n,mIU/L,mU/L\nA,386,2.1\n", encoding="utf-8")
    result = read(path)
    assert_consistent(result)
    assert result.rejected[0].source_row == 2
    assert result.rejected[0].reason_code == "not_a_result_row"
    assert result.frame["prolactin_unit"].tolist() == ["mIU/L"]


def test_every_visible_sheet_with_results_is_read(tmp_path: Path) -> None:
    """Monthly sheets of one workbook: each is read, its rows named by their sheet (a February
    6000 mIU/L was neither triaged nor rejected: never lose a row); the sheet option reads one."""
    path = tmp_path / "two.xlsx"
    book = openpyxl.Workbook()
    for title, value in (("January", 12), ("February", 6000)):
        sheet = book.create_sheet(title)
        sheet.append(["MRN", "PRL", "Units"])
        sheet.append(["A", value, "ng/mL" if value < 100 else "mIU/L"])
        sheet.append(["B", "", "ng/mL"])
    book.remove(book["Sheet"])
    book.save(path)
    result = read(path)
    assert result.summary.sheet == "January + February"
    assert result.frame["source_sheet"].tolist() == ["January", "February"]
    assert result.frame["prolactin_value"].tolist() == [12.0, 6000.0]
    assert [(r.source_sheet, r.source_row) for r in result.rejected] == [
        ("January", 3),
        ("February", 3),
    ]
    assert result.summary.rows_read == 4 and result.summary.rows_rejected == 2
    assert any(
        "'February' also holds a prolactin column: read too" in w for w in result.summary.warnings
    )
    one = read(path, sheet="February")
    assert one.summary.sheet == "February" and len(one.frame) == 1


def test_a_data_dictionary_sheet_is_not_another_sheet_of_results(tmp_path: Path) -> None:
    """A codebook sheet names each variable twice on a row ("prl_value | Serum prolactin"):
    that is one field, not a header of results, and no warning names it."""
    path = tmp_path / "cohort.xlsx"
    book = openpyxl.Workbook()
    dictionary = book.active
    assert dictionary is not None
    dictionary.title = "Data dictionary"
    for line in (
        ["Variable", "Label", "Coding"],
        ["record_id", "Participant ID", ""],
        ["sex", "Sex", "1=female, 2=male"],
        ["prl_value", "Serum prolactin", ""],
        ["prl_units", "Prolactin units", "1=ng/mL, 2=mIU/L"],
    ):
        dictionary.append(line)
    data = book.create_sheet("Data")
    data.append(["record_id", "sex", "prl_value", "prl_unit_text"])
    data.append(["S-1", "F", 12.5, "ng/mL"])
    book.save(path)
    result = read(path)
    assert result.summary.sheet == "Data"
    assert not [w for w in result.summary.warnings if "also hold a prolactin column" in w]


def test_long_export_without_dates_matches_on_the_patient(tmp_path: Path) -> None:
    path = tmp_path / "undated.csv"
    path.write_text(
        "MRN,Test,Result,Unit\nA,Prolactin,20,ng/mL\nA,TSH,3,mU/L\nB,TSH,5,mU/L\nB,PRL,800,mIU/L\n",
        encoding="utf-8",
    )
    result = read(path)
    assert_consistent(result)
    assert result.frame.set_index("patient_id")["tsh"].to_dict() == {"A": 3.0, "B": 5.0}


def test_dates_outside_the_frame_range_are_missing(tmp_path: Path) -> None:
    path = tmp_path / "far.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["MRN", "PRL", "Units", "DOB", "Collected", "Age"])
    sheet.append(["A", 12, "ng/mL", datetime(1500, 1, 1), datetime(2026, 1, 2), 40])
    sheet.append(["B", 12, "ng/mL", datetime(1500, 1, 1), datetime(2026, 1, 2), None])
    book.save(path)
    result = read(path)
    row = result.frame.iloc[0]
    assert pd.isna(row["birth_date"]) and row["collected_at"] == pd.Timestamp("2026-01-02")
    # without an age, a birth date that is no date leaves no age: rejected, never an adult's
    assert [(r.source_row, r.reason_code) for r in result.rejected] == [(3, "unreadable_age")]


def test_unit_and_interval_that_disagree_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(
        "MRN,Prolactin,Units,Ref range\nA,450,ng/mL,102-496\nB,12,ng/mL,4.8-23.3\n",
        encoding="utf-8",
    )
    result = read(path)
    assert result.frame["prolactin_unit"].tolist() == ["ng/mL", "ng/mL"]  # the written unit wins
    assert any("row 2" in w and "mIU/L" in w for w in result.summary.warnings)


def test_utf16_tab_export(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes("MRN\tPRL\tEinheit\r\nA\t12,5\tµg/l\r\n".encode("utf-16"))
    row = read(path).frame.iloc[0]
    assert (row["prolactin_value"], row["prolactin_unit"]) == (12.5, "ng/mL")


def test_excel_sep_line(tmp_path: Path) -> None:
    path = tmp_path / "sep.csv"
    path.write_text("sep=;\nMRN;PRL;Unit\nA;12,5;ng/mL\n", encoding="utf-8")
    result = read(path)
    assert result.frame["prolactin_value"].tolist() == [12.5]
    assert result.summary.header_row == 1


def test_single_column_file(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("Prolactin (mIU/L)\n386\n<50\n", encoding="utf-8")
    result = read(path)
    assert result.frame["prolactin_value"].tolist() == [386.0, 50.0]
    assert result.frame["qualifier"].tolist() == ["", "<"]


def test_read_inputs_collects_files_and_errors(tmp_path: Path, samples_dir: Path) -> None:
    for name in ("clinic_list.ods", "lis_long_export.csv"):
        shutil.copy(samples_dir / name, tmp_path / name)
    shutil.copy(samples_dir / "broken" / "empty.csv", tmp_path / "empty.csv")
    batch = read_inputs([tmp_path])
    assert [s.file for s in batch.inputs] == ["clinic_list.ods", "lis_long_export.csv"]
    assert [e.file for e in batch.errors] == ["empty.csv"]
    assert len(batch.frame) == 24 + 80
    assert {c: str(t) for c, t in batch.frame.dtypes.items()} == CANONICAL_COLUMNS
    assert len(batch.rejected) == sum(s.rows_rejected for s in batch.inputs)
    assert read_inputs([]).frame.empty


# --------------------------------------------------------------- locale and split-name exports ---
def test_one_unambiguous_column_settles_the_date_order_of_the_whole_file(tmp_path: Path) -> None:
    export = tmp_path / "us_lab.csv"
    export.write_text(
        "Accession #,Patient Last Name,Patient First Name,Gender,Date of Birth,"
        "Collection Date/Time,Test Description,Result,Units,Reference Range\n"
        "A1,DOE,JANE,Female,03/14/1990,11/02/2026 08:15 AM,PROLACTIN,45.2,ng/mL,4.8-23.3\n"
        "A2,ROE,RICH,Male,7/4/1961,11/03/2026 09:40 AM,PROLACTIN,12.0,ng/mL,4.0-15.2\n",
        encoding="utf-8",
    )
    read = read_file(export, None, ReadOptions())
    assert list(read.frame["collected_at"].dt.strftime("%Y-%m-%d %H:%M")) == [
        "2026-11-02 08:15",
        "2026-11-03 09:40",
    ]
    assert read.frame["birth_date"].iloc[1] == pd.Timestamp("1961-07-04")
    assert any("month-first" in w for w in read.summary.warnings)
    assert list(read.frame["patient_name"]) == ["DOE, JANE", "ROE, RICH"]


def test_conflicting_date_evidence_keeps_each_column_to_itself(tmp_path: Path) -> None:
    export = tmp_path / "mixed.csv"
    export.write_text(
        "MRN,DOB,Collected,PRL (ng/mL)\nM1,25/12/1980,01/02/2026,12\nM2,12/31/1975,01/02/2026,8\n",
        encoding="utf-8",
    )
    read = read_file(export, None, ReadOptions())
    # DOB shows both orders: nothing is inferred for the file; ambiguous dates stay day-first.
    assert read.frame["collected_at"].iloc[0] == pd.Timestamp("2026-02-01")


# ------------------------------------------------------------------------------------------------
# Real-world layouts: sheets, header rows, footers (regressions from exports never seen before)
# ------------------------------------------------------------------------------------------------
def save_book(path: Path, sheets: list[tuple[str, list[list[object]]]], hidden: str = "") -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title == hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


def test_data_sheet_beats_a_cover_title_and_a_pivot(tmp_path: Path) -> None:
    """A cover sheet titled 'Prolactin audit extract' used to be read as the table."""
    data = [["Patient ID", "Sex", "Sample Date", "Prolactin mIU/L"]]
    data += [[f"P{i}", "F", datetime(2026, 11, 3 + i), 200 + i] for i in range(3)]
    path = save_book(
        tmp_path / "audit.xlsx",
        [
            ("Cover", [["Prolactin audit extract"], ["Prepared for the endocrine MDT"]]),
            ("Pivot", [["Row Labels", "Count of Prolactin"], ["F", 9], ["Grand Total", 9]]),
            ("Data", data),
        ],
    )
    result = read(path)
    assert_consistent(result)
    assert result.summary.sheet == "Data"
    assert result.frame["prolactin_value"].tolist() == [200.0, 201.0, 202.0]
    # no warning but the missing age (stop 30: a file without one is said to lack it)
    assert [w for w in result.summary.warnings if "no age or birth date" not in w] == []


def test_hidden_data_sheet_behind_a_summary_sheet(tmp_path: Path) -> None:
    data = [["Patient ID", "Sex", "Prolactin (ng/mL)"], ["H1", "F", 12], ["H2", "M", 9]]
    path = save_book(
        tmp_path / "hidden.xlsx",
        [("Summary", [["Report", "Prolactin audit"], ["Generated", "24/11/2026"]]), ("Raw", data)],
        hidden="Raw",
    )
    result = read(path)
    assert result.summary.sheet == "Raw"
    assert any("hidden sheet 'Raw'" in w for w in result.summary.warnings)


def test_a_lone_title_is_not_a_header(tmp_path: Path) -> None:
    """'Prolactin report' above a table with a plain 'Result' column: ask for a mapping."""
    path = tmp_path / "titled.csv"
    path.write_text("Prolactin report\nPatient ID,Name,Result,Units\nT1,X,10,ng/mL\n")
    with pytest.raises(InputFileError, match="'Result'"):
        read(path)


def test_grouped_two_row_header(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Patient", None, "Prolactin", None, None],
        ["ID", "Name", "Result", "Unit", "Range"],
        ["G1", "SMITH, Ann", 250, "mU/L", "102-496"],
        ["G2", "JONES, Bo", 600, "mU/L", "102-496"],
    ]
    result = read(save_book(tmp_path / "grouped.xlsx", [("Sheet1", rows)]))
    assert_consistent(result)
    assert result.summary.mapping["prolactin"] == "Prolactin Result"
    assert result.summary.mapping["prolactin_unit"] == "Prolactin Unit"
    assert result.summary.mapping["patient_id"] == "Patient ID"
    assert result.summary.header_row == 1
    assert result.frame["source_row"].tolist() == [3, 4]
    assert result.frame["reference_high"].tolist() == [496.0, 496.0]
    assert any("spans rows 1-2" in w for w in result.summary.warnings)


def test_header_below_a_long_preamble(tmp_path: Path) -> None:
    preamble = "".join(f"Run parameter {i},value {i}\n" for i in range(44))
    path = tmp_path / "preamble.csv"
    path.write_text(preamble + "\nPatient ID,Sex,Prolactin (ng/mL)\nP1,F,10\nP2,M,11\n")
    result = read(path)
    assert result.summary.header_row == 46
    assert result.frame["patient_id"].tolist() == ["P1", "P2"]


def test_statistics_and_signature_footers_are_not_results(tmp_path: Path) -> None:
    path = tmp_path / "footer.csv"
    path.write_text(
        "Patient ID,Prolactin,Unit\nA,12,ng/mL\nB,34,ng/mL\n\nTotal records: 2\n"
        "Average,,23\nMedian,,23\nSignature: ______\n"
    )
    result = read(path)
    assert_consistent(result)
    assert {r.reason_code for r in result.rejected} == {"not_a_result_row"}
    assert len(result.rejected) == 4


@pytest.mark.parametrize(
    "label",
    [
        "Max",
        "Maximum",
        "Min",
        "Minimum",
        "SD",
        "Std dev",
        "Overall",
        "Sum of Prolactin",
        "All patients",
        "Range",
        "Máximo",
        "Mínimo",
        "Massimo",
        "Écart-type",
        "Standardabweichung",
        "Somme",
        "Suma",
        "Insgesamt",
        "Totaal",
        "Aantal",
        "Stabw.",
        "Ø",
        "MW",
        "n",
        "N",
        "Médiane",
        "VK",
        "95. Perzentil",
        "Perzentile",
        "Spannweite",
        "SEM",
        "95% CI",
        "geom. Mittel",
        "Desv. estándar",
        "Moyenne ± ET",
    ],
)
def test_summary_statistics_rows_are_not_patients(tmp_path: Path, label: str) -> None:
    """A statistic under the column (a pivot's or a statistics add-in's rows) is never a
    patient's result: 'Max 6000' would otherwise be an urgent patient named 'Max'.  Ids and
    names that only start like one ('MAX1', 'Minnie') stay results."""
    path = tmp_path / "stats.csv"
    path.write_text(
        "MRN,Sex,Age,Prolactin (mIU/L)\nA1,F,30,300\nA2,F,31,500\nMAX1,M,40,250\n"
        f"{label},,,6000\nMinnie,,,300\n",
        encoding="utf-8",
    )
    result = read(path)
    assert_consistent(result)
    assert result.frame["patient_id"].tolist() == ["A1", "A2", "MAX1", "Minnie"]
    assert [(r.source_row, r.reason_code) for r in result.rejected] == [(5, "not_a_result_row")]


def test_a_header_repeated_with_another_unit_reads_its_section_in_that_unit(
    tmp_path: Path,
) -> None:
    """An export of two sites (or two assays) one under the other, each under its own header:
    the rows below the repeated header are in the unit it names, never the first header's
    (300 ng/mL read as 300 mIU/L would be a false normal).  A repeat naming no unit keeps the
    first header's; the run says the unit changed."""
    path = tmp_path / "sections.csv"
    path.write_text(
        "MRN,Sex,Age,Prolactin (mIU/L)\nK1,F,30,300\nK2,F,30,800\n\nSite B (Abbott)\n"
        "MRN,Sex,Age,Prolactin (ng/mL)\nK3,F,30,300\nK4,F,30,20\n\n"
        "MRN,Sex,Age,Prolactin\nK5,F,30,400\n",
        encoding="utf-8",
    )
    result = read(path)
    assert_consistent(result)
    frame = result.frame
    assert frame["prolactin_unit"].tolist() == ["mIU/L", "mIU/L", "ng/mL", "ng/mL", "mIU/L"]
    assert [(r.source_row, r.reason_code) for r in result.rejected] == [
        (5, "not_a_result_row"),
        (6, "duplicate_header"),
        (10, "duplicate_header"),
    ]
    assert any("changes the unit of column" in w for w in result.summary.warnings)


def test_a_header_repeated_with_the_same_unit_says_nothing(tmp_path: Path) -> None:
    path = tmp_path / "pages.csv"
    path.write_text("MRN,Prolactin (ng/mL)\nA,10\nMRN,Prolactin (ng/ml)\nB,20\n", encoding="utf-8")
    result = read(path)
    assert result.frame["prolactin_unit"].tolist() == ["ng/mL", "ng/mL"]
    assert not any("changes the unit" in w for w in result.summary.warnings)


FOOTED_HEADER = "MRN,Sex,DOB,Prolactin (ng/mL),Reference,Comments\n"
FOOTED_ROWS = (
    "A1,F,1985-03-14,45.2,4.8-23.3,\n"
    "A2,M,1970-11-02,12.1,4.0-15.2,\n"
    "A3,F,1990-11-02,300,4.8-23.3,\n"
)


@pytest.mark.parametrize(
    ("footer", "rows"),
    [
        (",,,357.3,,\n", [5]),  # a SUM left under the column
        (",,,,,\n,,,357.3,,\n", [6]),  # after a blank line
        (",,,119.1,,\n,,,3,,\n", [5, 6]),  # mean and count, unlabelled
        (",,,,,\n,,,357.3,,\nPrinted on 2026-10-21,,,,,\n", [6, 7]),
        # an unlabelled AutoSum under labelled footers (they are no result rows above it)
        ("Summe,,,357.3,,\nMittelwert,,,119.1,,\n,,,357.3,,\n", [5, 6, 7]),
        ("Total,,,357.3,,\n,,,,,\n,,,357.3,,\nAnzahl,,,3,,\n", [5, 7, 8]),
    ],
)
def test_a_lone_number_under_the_results_is_a_footer(
    tmp_path: Path, footer: str, rows: list[int]
) -> None:
    """A total, mean or count left under the result column is never triaged as a result."""
    path = tmp_path / "footed.csv"
    path.write_text(FOOTED_HEADER + FOOTED_ROWS + footer)
    result = read(path)
    assert_consistent(result)
    assert result.frame["source_row"].tolist() == [2, 3, 4]
    assert [(r.source_row, r.reason_code) for r in result.rejected] == [
        (row, "not_a_result_row") for row in rows
    ]


def test_a_lone_number_under_the_results_of_a_workbook_is_a_footer(tmp_path: Path) -> None:
    path = tmp_path / "footed.xlsx"
    lines = [line.split(",") for line in (FOOTED_HEADER + FOOTED_ROWS).splitlines()]
    body = [[float(c) if c.replace(".", "").isdigit() else c for c in line] for line in lines]
    frame = pd.DataFrame([*body[1:], [None, None, None, 357.3, None, None]], columns=body[0])
    frame.to_excel(path, index=False)
    result = read(path)
    assert result.frame["source_row"].tolist() == [2, 3, 4]
    assert [(r.source_row, r.reason_code) for r in result.rejected] == [(5, "not_a_result_row")]
    assert "total, mean or count" in result.rejected[0].detail


@pytest.mark.parametrize(
    "text",
    [
        # a result without its patient between fuller rows stays a result
        FOOTED_HEADER + "A1,F,1985-03-14,45.2,,\n,,,12.1,,\nA3,F,1990-11-02,300,,\n",
        # a file of results only, and a narrow one
        "Prolactin (ng/mL)\n45.2\n12.1\n300\n",
        "MRN,Prolactin (ng/mL)\nA1,45.2\nA2,12.1\n,300\n",
    ],
)
def test_a_lone_result_among_results_stays_a_result(tmp_path: Path, text: str) -> None:
    path = tmp_path / "lone.csv"
    path.write_text(text)
    result = read(path)
    assert len(result.frame) == 3 and not result.rejected


def test_units_row_with_a_label(tmp_path: Path) -> None:
    path = tmp_path / "units_label.csv"
    path.write_text("Patient ID,Sex,Prolactin\nUnits:,,mU/L\nA1,F,350\n")
    result = read(path)
    assert [r.detail for r in result.rejected] == ["units row under the header"]
    assert result.frame["prolactin_unit"].tolist() == ["mIU/L"]


@pytest.mark.parametrize(
    ("header", "units_row"),
    [
        ("Patient ID,Sex,Prolactin (ng/mL)", ",,mIU/L"),
        ("Pat.-Nr.;Geschlecht;Prolaktin (µg/l)", ";;mU/l"),
        ("N° dossier;Sexe;Prolactine (mUI/L)", ";;ng/mL"),
        ("NHC;Sexo;Prolactina [µUI/mL]", ";;ng/ml"),
    ],
)
def test_a_units_row_contradicting_the_header_leaves_the_result_without_a_unit(
    tmp_path: Path, header: str, units_row: str
) -> None:
    """Prolactin in ng/mL and in mIU/L differ 21-fold: a column whose header and units row
    name different units has no unit the tool can trust, so its bare results are rejected as
    unknown_unit (never read in the header's unit: 520 mIU/L read as 520 ng/mL is a false
    urgent) and a warning names both; --unit settles it."""
    sep = ";" if ";" in header else ","
    path = tmp_path / "contradicting.csv"
    path.write_text(f"{header}\n{units_row}\nA1{sep}F{sep}520\nA2{sep}M{sep}12 ng/mL\n")
    result = read(path)
    assert sorted(r.reason_code for r in result.rejected) == ["not_a_result_row", "unknown_unit"]
    assert result.frame["prolactin_unit"].tolist() == ["ng/mL"]  # the cell's own unit stands
    assert any("disagree, so neither was used" in w for w in result.summary.warnings)
    settled = read(path, unit="mIU/L")
    assert settled.frame["prolactin_unit"].tolist() == ["mIU/L", "ng/mL"]


@pytest.mark.parametrize(
    ("header", "units_row", "prolactin_unit"),
    [
        ("Patient ID,Sex,Prolactin (ng/mL)", ",,µg/L", "ng/mL"),  # the same unit, two names
        ("Patient ID,Sex,Prolactin (mU/L)", ",,µIU/mL", "mIU/L"),
        ("Patient ID,Sex,Prolactin (ng/ml)", ",,NG/ML", "ng/mL"),
    ],
)
def test_a_units_row_naming_the_headers_unit_otherwise_is_no_contradiction(
    tmp_path: Path, header: str, units_row: str, prolactin_unit: str
) -> None:
    path = tmp_path / "agreeing.csv"
    path.write_text(f"{header}\n{units_row}\nA1,F,20\n")
    result = read(path)
    assert result.frame["prolactin_unit"].tolist() == [prolactin_unit]
    assert not any("disagree" in w for w in result.summary.warnings)


def test_an_age_columns_units_row_contradicting_its_header_is_named(tmp_path: Path) -> None:
    """Not only prolactin: an age header in years over a units row in months (or the other
    way) has no unit either; "Jahre" over "years" agree."""
    path = tmp_path / "ages.csv"
    path.write_text("Pat.-Nr.;Alter (Jahre);Prolaktin\n;Monate;ng/mL\nA1;30;20\n")
    result = read(path)
    assert any("'Alter (Jahre)'" in w and "'Monate'" in w for w in result.summary.warnings)
    path.write_text("Pat.-Nr.;Alter (Jahre);Prolaktin\n;years;ng/mL\nA1;30;20\n")
    result = read(path)
    assert result.frame["age_years"].tolist() == [30.0]
    assert not any("disagree" in w for w in result.summary.warnings)


def test_prolactin_like_headers_are_named_when_none_is_taken(tmp_path: Path) -> None:
    path = tmp_path / "series.csv"
    path.write_text("MRN,PRL 0 min (mU/L),PRL 30 min (mU/L)\nA,800,600\n")
    with pytest.raises(InputFileError, match=r"'PRL 0 min \(mU/L\)'.*mention prolactin"):
        read(path)


# ------------------------------------------------------------------------------------------------
# Real-world wordings and values
# ------------------------------------------------------------------------------------------------
def test_spanish_surname_and_first_name_columns(tmp_path: Path) -> None:
    path = tmp_path / "es.csv"
    path.write_text(
        "NHC;Apellidos;Nombre;Sexo;Prolactina (ng/ml)\n770000;GARCÍA LÓPEZ;Ana;Mujer;12,3\n",
        encoding="utf-8",
    )
    row = read(path).frame.iloc[0]
    assert (row["patient_name"], row["sex"], row["prolactin_value"]) == (
        "GARCÍA LÓPEZ, Ana",
        "F",
        12.3,
    )


@pytest.mark.parametrize("header", ["Paciente", "Paziente", "Patiente", "Patientin"])
def test_a_patient_column_of_names_beside_the_id_is_the_name(tmp_path: Path, header: str) -> None:
    """'Paciente' heads an id as often as a name: beside an NHC, a column of names is the name."""
    path = tmp_path / "es.csv"
    path.write_text(
        f"NHC;{header};Sexo;Prolactina (ng/ml)\n770000;GARCÍA LÓPEZ, Ana;M;12,3\n"
        "770001;PÉREZ RUIZ, Luis;H;9,1\n",
        encoding="utf-8",
    )
    result = read(path)
    assert result.summary.mapping["patient_name"] == header
    assert result.frame["patient_id"].tolist() == ["770000", "770001"]


def test_collection_time_column_in_german(tmp_path: Path) -> None:
    path = tmp_path / "de.csv"
    path.write_text(
        "Patientennummer;Entnahmedatum;Entnahmezeit;Prolaktin [µg/l]\n1;24.11.2026;14:05;12,5\n",
        encoding="utf-8",
    )
    row = read(path).frame.iloc[0]
    assert row["collected_at"] == pd.Timestamp("2026-11-24 14:05")


def test_italian_unit_column_is_read(tmp_path: Path) -> None:
    path = tmp_path / "it.csv"
    path.write_text("Codice paziente;Prolattina;Unità di misura\nIT1;350;mUI/L\n", encoding="utf-8")
    row = read(path).frame.iloc[0]
    assert (row["unit_raw"], row["prolactin_unit"]) == ("mUI/L", "mIU/L")


def test_receipt_date_is_the_collection_date_when_alone(tmp_path: Path) -> None:
    path = tmp_path / "received.csv"
    path.write_text("Hospital No,Specimen Received,Prolactin (mU/L)\nH1,24/11/2026 09:10,350\n")
    assert read(path).frame.iloc[0]["collected_at"] == pd.Timestamp("2026-11-24 09:10")


def test_numeric_sex_codes_are_read_with_a_warning(tmp_path: Path) -> None:
    # Numeric codes were read as ISO/IEC 5218 (1 male, 2 female); a research codebook's
    # 1 = female, 2 = male then judged a man's raised result normal against the female interval
    # (review 10): without a codebook they are unknown, and the warning says how to map them.
    path = tmp_path / "sex.csv"
    path.write_text("Patient ID,Sex,Prolactin (ng/mL)\nA,1,20\nB,2,21\nC,0,22\n")
    result = read(path)
    assert result.frame["sex"].fillna("?").tolist() == ["?", "?", "?"]
    assert any("ISO/IEC 5218" in w and "[values.sex]" in w for w in result.summary.warnings)
    letters = tmp_path / "letters.csv"
    letters.write_text("Patient ID,Sex,Prolactin (ng/mL)\nA,M,20\n")
    assert not any("5218" in w for w in read(letters).summary.warnings)


def test_ages_in_words(tmp_path: Path) -> None:
    path = tmp_path / "ages.csv"
    path.write_text("Patient ID,Age,Prolactin (ng/mL)\nA,28 yo,20\nB,3 jours,21\nC,6/12,22\n")
    ages = read(path).frame["age_years"].tolist()
    assert ages == pytest.approx([28.0, 3 / 365.25, 0.5])


def test_ambiguous_dates_are_reported(tmp_path: Path) -> None:
    """A US export whose dates all read both ways (11/03/2026) was read day-first silently."""
    path = tmp_path / "us.csv"
    path.write_text("MRN,Collection Date,Prolactin (ng/mL)\nA,11/03/2026,12\nB,11/04/2026,13\n")
    result = read(path)
    assert any("'11/03/2026'" in w and "day-first" in w for w in result.summary.warnings)
    month_first = read(path, dayfirst=False)
    assert month_first.frame["collected_at"].tolist()[0] == pd.Timestamp("2026-11-03")
    settled = tmp_path / "settled.csv"
    settled.write_text("MRN,Collection Date,Prolactin (ng/mL)\nA,11/03/2026,12\nB,24/11/2026,1\n")
    assert not any(
        "either" in w or "read day-first or" in w for w in read(settled).summary.warnings
    )


def test_two_digit_birth_years_are_never_in_the_future(tmp_path: Path) -> None:
    path = tmp_path / "yy.csv"
    path.write_text(
        "Patient ID,DOB,Collected,Prolactin (ng/mL)\n"
        "A,29/02/28,24/11/2026,20\nB,15/07/02,24/11/2026,20\n"
    )
    births = read(path).frame["birth_date"].tolist()
    assert births == [pd.Timestamp("1928-02-29"), pd.Timestamp("2002-07-15")]


def test_serial_numbers_in_a_text_date_column(tmp_path: Path) -> None:
    path = tmp_path / "serials.csv"
    path.write_text("Patient ID,Collected,Prolactin (ng/mL)\nA,46350,20\nB,46350.5,21\n")
    result = read(path)
    assert result.frame["collected_at"].tolist() == [
        pd.Timestamp("2026-11-24"),
        pd.Timestamp("2026-11-24 12:00"),
    ]
    assert any("Excel serial" in w for w in result.summary.warnings)


def test_unreadable_dates_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad_dates.csv"
    path.write_text(
        "Patient ID,DOB,Collected,Prolactin (ng/mL)\nA,Unknown,yesterday,20\n"
        "B,31/02/1990,24/11/2026,21\nPatient ID,DOB,Collected,Prolactin (ng/mL)\n"
    )
    warnings = read(path).summary.warnings
    assert any("'DOB': 1 cell(s)" in w and "'31/02/1990'" in w for w in warnings)
    assert any("'Collected': 1 cell(s)" in w and "'yesterday'" in w for w in warnings)
    # "Unknown" and the repeated header are not reported (the missing sex column is)
    assert len([w for w in warnings if "no sex column" not in w]) == 2


def test_units_written_twice_that_disagree_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text(
        "MRN,Prolactin (ng/mL),Units\nA,12,ng/mL\nB,450,mIU/L\nC,23.4 ng/ml,mIU/L\nD,30,\n"
    )
    result = read(path)
    assert result.frame["prolactin_unit"].tolist() == ["ng/mL", "mIU/L", "ng/mL", "ng/mL"]
    warnings = result.summary.warnings
    assert any("result cell differs from the unit column" in w and "row 4" in w for w in warnings)
    assert any("differs from the prolactin header" in w and "row 3" in w for w in warnings)


def test_sex_specific_interval_in_one_cell(tmp_path: Path) -> None:
    path = tmp_path / "ranges.csv"
    path.write_text(
        "Patient ID,Sex,Prolactin,Units,Reference Range\n"
        'A,F,25,ng/mL,"M: 4.0-15.2; F: 4.8-23.3"\n'
        'B,M,16,ng/mL,"M: 4.0-15.2; F: 4.8-23.3"\n'
        'C,,20,ng/mL,"M: 4.0-15.2; F: 4.8-23.3"\n'
        "D,F,20,ng/mL,see report\n"
    )
    result = read(path)
    frame = result.frame
    assert frame["reference_low"].tolist()[:2] == [4.8, 4.0]
    assert frame["reference_high"].tolist()[:2] == [23.3, 15.2]
    assert frame["reference_high"].isna().tolist()[2:] == [True, True]
    assert frame["reference_range"].tolist()[0] == "M: 4.0-15.2; F: 4.8-23.3"
    warnings = result.summary.warnings
    assert any("interval per group (sex, age" in w for w in warnings)
    assert any("'see report'" in w for w in warnings)


# ------------------------------------------------------------------------------------------------
# Outside review: ages with abbreviated units, visit columns, long files without a patient key,
# units rows, dotted dates (six languages)
# ------------------------------------------------------------------------------------------------
AGE_EXPORTS = {
    # German lab: "J." Jahre, "Tg" Tage, "Mo." Monate, "Wo" Wochen
    "de.csv": (
        "Pat.-Nr.;Geschlecht;Alter;Prolaktin (µg/l)\n"
        "D1;w;34 J.;18\nD2;w;8 J.;19\nD3;w;3 Tg;150\nD4;m;6 Mo.;40\nD5;w;3 Wo;90\nD6;w;2J;18\n",
        {2: 34.0, 3: 8.0, 4: 3 / 365.25, 5: 0.5, 6: 21 / 365.25, 7: 2.0},
    ),
    # French: "j" is jours when the column speaks French ("ans", "mois")
    "fr.csv": (
        "N° dossier;Sexe;Âge;Prolactine (µg/L)\n"
        "F1;F;34 ans;18\nF2;F;3 j;150\nF3;H;6 mois;40\nF4;F;2 a;18\n",
        {2: 34.0, 3: 3 / 365.25, 4: 0.5, 5: 2.0},
    ),
    "es.csv": (
        "NHC;Sexo;Edad;Prolactina (ng/mL)\nE1;M;2 años;18\nE2;M;3 días;150\nE3;H;6 meses;40\n",
        {2: 2.0, 3: 3 / 365.25, 4: 0.5},
    ),
    "it.csv": (
        "Codice paziente;Sesso;Età;Prolattina (ng/mL)\nI1;F;2 anni;18\nI2;F;3 gg;150\n"
        "I3;M;6 mesi;40\n",
        {2: 2.0, 3: 3 / 365.25, 4: 0.5},
    ),
    "nl.csv": (
        "Patiëntnummer;Geslacht;Leeftijd;Prolactine (µg/L)\nN1;V;2 jr;18\nN2;V;3 dg;150\n"
        "N3;M;6 mnd;40\nN4;V;2 jaar;18\n",
        {2: 2.0, 3: 3 / 365.25, 4: 0.5, 5: 2.0},
    ),
    "en.csv": (
        "MRN,Sex,Age,PRL (ng/mL)\nA1,F,34y 3m,18\nA2,M,18 mo,40\nA3,F,1a 6m,18\nA4,F,6 m,40\n",
        {2: 34.25, 3: 1.5, 4: 1.5, 5: 0.5},
    ),
}


@pytest.mark.parametrize("name", sorted(AGE_EXPORTS))
def test_abbreviated_age_units_are_read_in_six_languages(tmp_path: Path, name: str) -> None:
    text, ages = AGE_EXPORTS[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = read(path)
    assert_consistent(result)
    assert result.summary.mapping.get("age_years"), result.summary.warnings
    assert not result.rejected
    for row, years in ages.items():
        assert row_of(result, row)["age_years"] == pytest.approx(years, abs=0.001)


def test_unreadable_age_is_rejected_with_a_warning_never_the_adult_interval(
    tmp_path: Path,
) -> None:
    path = tmp_path / "labor.csv"
    path.write_text(
        "Pat.-Nr.;Geschlecht;Alter;Geburtsdatum;Entnahmedatum;Prolaktin (µg/l)\n"
        "D1;w;34 J.;;24.11.2026;18\n"
        "D2;w;acht Jahre;;24.11.2026;19\n"  # unreadable, no birth date: rejected
        "D3;w;vierzig;03.04.1986;24.11.2026;20\n"  # unreadable, the birth date gives the age
        "D4;w;?;;24.11.2026;21\n",  # unknown: no age, as before
        encoding="utf-8",
    )
    result = read(path)
    assert_consistent(result)
    assert result.summary.mapping["age_years"] == "Alter"  # the column is kept
    assert [(r.source_row, r.reason_code) for r in result.rejected] == [(3, "unreadable_age")]
    assert "'acht Jahre'" in result.rejected[0].detail
    assert row_of(result, 4)["age_years"] == pytest.approx(40.6, abs=0.1)
    warning = next(w for w in result.summary.warnings if "cannot be read as an age" in w)
    assert "'Alter'" in warning and "'acht Jahre'" in warning


def test_age_header_unit_scales_bare_numbers(tmp_path: Path) -> None:
    path = tmp_path / "kids.csv"
    path.write_text("MRN,Sex,Age (months),PRL (ng/mL)\nK1,F,6,50\nK2,M,18,20\n", encoding="utf-8")
    result = read(path)
    assert row_of(result, 2)["age_years"] == pytest.approx(0.5)
    assert row_of(result, 3)["age_years"] == pytest.approx(1.5)


@pytest.mark.parametrize(
    ("header", "per_year"),
    [("Âge (jours)", 365.25), ("Âge (mois)", 12), ("Alter [Monate]", 12), ("Alter (Tage)", 365.25),
     ("Alter in Monaten", 12), ("Edad (días)", 365.25), ("Edad (meses)", 12),
     ("Età (giorni)", 365.25), ("Età (mesi)", 12), ("Leeftijd (dagen)", 365.25),
     ("Leeftijd (maanden)", 12), ("Alter (Jahre)", 1)],
)  # fmt: skip
def test_age_header_units_in_every_language(tmp_path: Path, header: str, per_year: float) -> None:
    """A bare age under a header naming days or months in any language is in that unit: a
    3-day-old read as 3 years was judged against a child's interval (a false URGENT), an
    18-month-old girl against a woman's (a false normal)."""
    path = tmp_path / "kids.csv"
    path.write_text(f"ID;Sex;{header};PRL (ng/mL)\nK1;F;3;50\nK2;M;18;20\n", encoding="utf-8")
    result = read(path)
    assert row_of(result, 2)["age_years"] == pytest.approx(3 / per_year, abs=0.001)
    assert row_of(result, 3)["age_years"] == pytest.approx(18 / per_year, abs=0.001)


@pytest.mark.parametrize(
    "headers",
    [
        "prl_bl,PRL_V1,PRL_Dx",
        "PRL,PRL visit 2",
        "PRL_2019,PRL_2020",
        "Prolaktin,Prolaktin_M6",
        "Prolactine J0,Prolactine M12",
        "Prolactina basal,Prolactina visita 2",
        # a repeat of the same test, rested or cannulated, in any language and spelling: a raised
        # repeat hid behind a normal first result (a 300 ng/mL "Kontrolle" beside 20)
        "Prolactin (ng/mL),Prolaktin Kontrolle (ng/ml)",
        "Prolaktin,Prolaktin Wiederholung",
        "Prolaktin (ng/ml),Prolaktin nach Ruhe (ng/ml)",
        "Prolactine,Prolactine après repos",
        "Prolactina,Prolactina tras reposo",
        "Prolattina,Prolattina dopo riposo",
        "Prolactine,Prolactine na rust",
        "Prolactin,Prolactin rested",
        "Prolactin,Prolactin cannulated",
        "Prolactin,Prolactin 2nd sample",
        "PRL,Prolaktin Verlauf",
        # before/after and first/last pairs of a study, where one header alone names no field
        "prl_pre,prl_post",
        "prl_first,prl_last",
        "PRL vor Therapie,PRL unter Therapie",
        "prolactine_inclusion,prolactine_suivi",
        "prl_on,prl_off",
    ],
)
def test_visit_columns_are_not_silently_reduced_to_the_baseline(
    tmp_path: Path, headers: str
) -> None:
    """Each visit's column is read as a result of its own, labelled with its column (review 20:
    the whole file had been refused, an urgent result among them unlisted)."""
    names = headers.split(",")
    values = ",".join(str(20 + k) for k in range(len(names)))
    path = tmp_path / "cohort.csv"
    path.write_text(f"subject,sex,{headers}\nC1,F,{values}\nC2,F,{values}\n", encoding="utf-8")
    result = read(path, unit="ng/mL")
    assert result.frame["prolactin_value"].tolist() == [20.0 + k for k in range(len(names))] * 2
    assert result.frame["visit"].nunique() == len(names)
    assert any("[columns] prolactin" in w for w in result.summary.warnings)


def test_a_chosen_visit_column_is_triaged(tmp_path: Path) -> None:
    path = tmp_path / "cohort.csv"
    path.write_text("subject,sex,prl_bl,PRL_V1,PRL_Dx\nC1,F,20,55,60\n", encoding="utf-8")
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\nprolactin = "PRL_Dx"\n', encoding="utf-8")
    result = read_file(path, load_mapping(mapping), ReadOptions(unit="ng/mL"))
    assert result.frame["prolactin_value"].tolist() == [60.0]
    assert any("'prl_bl', 'PRL_V1' are not" in w for w in result.summary.warnings)


def test_two_units_of_one_result_are_no_visits(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text("MRN,Prolactin (ng/mL),Prolactin (mIU/L)\nA,20,424\nB,21,445\n")
    result = read(path)
    assert result.summary.mapping["prolactin"] == "Prolactin (ng/mL)"


LIS_NO_KEY = {
    "fr": "Sexe;Date prélèvement;Code analyse;Résultat;Unité\n"
    "F;24/11/2026 08:00;PRL;900;mUI/L\nF;24/11/2026 08:00;PRL;900;mUI/L\n"
    "F;24/11/2026 08:00;TSH;25;mUI/L\n",
    "de": "Geschlecht;Abnahmedatum;Test;Ergebnis;Einheit\n"
    "w;24.11.2026 08:00;Prolaktin;900;mIU/l\nw;24.11.2026 08:00;Prolaktin;900;mIU/l\n"
    "w;24.11.2026 08:00;TSH;25;mIU/l\n",
    "en": "Sex,Collected,Test,Result,Unit\nF,2026-11-24 08:00,Prolactin,900,mIU/L\n"
    "F,2026-11-24 08:00,Prolactin,900,mIU/L\nF,2026-11-24 08:00,TSH,25,mIU/L\n",
}


@pytest.mark.parametrize("lang", sorted(LIS_NO_KEY))
def test_long_rows_are_never_joined_without_a_patient_key(tmp_path: Path, lang: str) -> None:
    path = tmp_path / f"lis_{lang}.csv"
    path.write_text(LIS_NO_KEY[lang], encoding="utf-8")
    result = read(path)
    assert_consistent(result)
    assert result.frame["tsh"].isna().all()  # whose TSH is it? not attached
    assert [(r.source_row, r.reason_code) for r in result.rejected] == [(4, "other_test")]
    assert "never joined" in result.rejected[0].detail
    assert sum("identifies the patient" in w for w in result.summary.warnings) == 1


LIS_KEYS = {
    "N° dossier": "fr",
    "NHC": "es",
    "Codice paziente": "it",
    "Patiëntnummer": "nl",
    "Pat.-Nr.": "de",
    "study_id": "en",
    "IPP": "fr",
}


@pytest.mark.parametrize("header", sorted(LIS_KEYS))
def test_long_file_patient_id_headers_keep_patients_apart(tmp_path: Path, header: str) -> None:
    path = tmp_path / "lis.csv"
    path.write_text(
        f"{header};Date;Test;Result;Unit\n"
        "P150;24/11/2026 08:00;PRL;900;mIU/L\n"
        "P151;24/11/2026 08:00;PRL;900;mIU/L\n"
        "P151;24/11/2026 08:00;TSH;25;mIU/L\n",
        encoding="utf-8",
    )
    result = read(path)
    assert_consistent(result)
    assert result.summary.mapping["patient_id"] == header
    assert pd.isna(by_patient(result, "P150")["tsh"])
    assert by_patient(result, "P151")["tsh"] == 25.0


@pytest.mark.parametrize("header", ["Auftragsnr", "Accession", "N° échantillon", "Muestra"])
def test_specimen_numbers_join_long_rows_but_are_no_patient_id(tmp_path: Path, header: str) -> None:
    path = tmp_path / "lis.csv"
    path.write_text(
        f"{header};Test;Result;Unit\nS1;PRL;900;mIU/L\nS2;PRL;900;mIU/L\nS2;TSH;25;mIU/L\n",
        encoding="utf-8",
    )
    result = read(path)
    assert_consistent(result)
    assert "patient_id" not in result.summary.mapping
    assert result.frame["patient_id"].isna().all()
    assert row_of(result, 3)["tsh"] == 25.0 and pd.isna(row_of(result, 2)["tsh"])
    assert any("not a patient_id" in w for w in result.summary.warnings)


UNITS_ROWS = {
    "es.csv": "NHC;Sexo;Edad;Fecha extracción;Prolactina;TSH;FG\n"
    ";;años;;ng/mL;mUI/L;mL/min/1,73m2\nES26;H;40;24/11/2026;22;;\n"
    "ES27;M;40;24/11/2026;28;5,1;55\n",
    "de.csv": "Pat.-Nr.;Geschlecht;Alter;Prolaktin;TSH\n;;Jahre;µg/l;mU/l\n"
    "D1;w;40;22;\nD2;w;40;28;5,1\n",
    "fr.csv": "IPP;Sexe;Âge;Prolactine;Macroprolactine\n;;ans;mUI/L;%\n"
    "F1;F;40;466;\nF2;F;40;593;60\n",
    "it.csv": "Codice paziente,Sesso,Età,Prolattina,eGFR\n,,anni,µg/l,ml/min/1.73m²\n"
    "I1,F,40,22,\nI2,F,40,28,55\n",
    "nl.csv": "Patiëntnummer;Geslacht;Leeftijd;Prolactine\n;;jaar;mIU/L\nN1;V;40;466\n"
    "N2;V;40;593\n",
    "en.csv": "MRN,Sex,Age,Prolactin,TSH\n,,years,mIU/L,mU/L\nA1,F,40,466,\nA2,F,40,593,5.1\n",
    "en_dashes.csv": "MRN,Sex,Age,Prolactin,TSH\n-,-,y,ng/mL,mU/L\nA1,F,40,22,\nA2,F,40,28,5.1\n",
}


@pytest.mark.parametrize("name", sorted(UNITS_ROWS))
def test_units_row_with_blanks_is_recognised_and_applied(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(UNITS_ROWS[name], encoding="utf-8")
    result = read(path)
    assert_consistent(result)
    assert [(r.source_row, r.reason_code) for r in result.rejected] == [(2, "not_a_result_row")]
    assert len(result.frame) == 2
    assert result.frame["prolactin_unit"].notna().all()
    assert result.frame["age_years"].tolist() == [40.0, 40.0]


def test_dotted_dates_stay_day_first_beside_a_month_first_slash_date(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "MRN,Sex,DOB,Collected,PRL (ng/mL)\n"
        "A1,F,3.4.1950,11/24/2026,20\n"
        "A2,F,03/04/1950,11/24/2026,20\n",
        encoding="utf-8",
    )
    result = read(path)
    assert row_of(result, 2)["birth_date"] == pd.Timestamp(1950, 4, 3)  # dotted: day first
    assert row_of(result, 3)["birth_date"] == pd.Timestamp(1950, 3, 4)  # slash: month first here


# ------------------------------------------------------------------------------------------------
# The lab's own interval in words ("hasta 25", "Frauen bis 25, Männer bis 20"), and intervals
# that still cannot be read: the warning names the column and an example, the row's
# reference_note says the set's interval judged it.
# ------------------------------------------------------------------------------------------------
INTERVAL_WORDS_EXPORT = (
    "ID;Sexo;Edad;Prolactina;Unidad;Valores de referencia\n"
    "E1;M;35;28;ng/mL;hasta 25\n"
    "E2;M;35;28;ng/mL;<25 (mujeres), <20 (hombres)\n"
    "E3;V;35;22;ng/mL;<25 (mujeres), <20 (hombres)\n"
    "E4;M;35;28;ng/mL;ver informe\n"
    "E5;M;35;28;ng/mL;de 4,8 a 23,3\n"
)


def test_interval_words_are_the_rows_interval(tmp_path: Path) -> None:
    path = tmp_path / "es.csv"
    path.write_text(INTERVAL_WORDS_EXPORT, encoding="utf-8")
    result = read(path)
    highs = dict(zip(result.frame["patient_id"], result.frame["reference_high"], strict=True))
    assert highs["E1"] == 25.0
    # "M" is mujer beside "V" varón: each row gets its own sex's interval, as the frame reads it
    assert highs["E2"] == 25.0
    assert highs["E3"] == 20.0
    assert result.frame["sex"].tolist()[1:3] == ["F", "M"]
    assert pd.isna(highs["E4"])
    assert highs["E5"] == 23.3
    unread = [w for w in result.summary.warnings if "could not be read" in w]
    assert unread == [
        "column 'Valores de referencia': 1 row(s) have a reference interval that could not be "
        "read (e.g. 'ver informe'); the reference set's interval was used for them (their "
        "reference_note says so)"
    ]


def test_unread_interval_is_named_in_the_reference_note(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from triage.cli import app

    path = tmp_path / "de.csv"
    path.write_text(
        "Pat.-Nr.;Geschlecht;Alter;Prolaktin (ng/ml);Referenzbereich\n"
        "D1;w;35;28;siehe Befund\n"
        "D2;;35;28;Frauen bis 25, Männer bis 20\n"
        "D3;w;35;28;Frauen bis 25, Männer bis 20\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["run", str(path), "--out", str(out), "-q"])
    assert done.exit_code == 0, done.output
    rows = {
        r["patient_id"]: r
        for r in json.loads((out / "results.json").read_text(encoding="utf-8"))["results"]
    }
    assert (
        "the lab's interval 'siehe Befund' could not be read; judged against"
        in (rows["D1"]["reference_note"])
    )
    # no sex: the lab's women's and men's limits together (28 is above both), not the set's
    assert rows["D2"]["status"] == "high"
    assert "The lab's own intervals from the file, sex unknown" in rows["D2"]["reference_note"]
    assert rows["D3"]["status"] == "high"  # 28 above the lab's 25 (the set's 30 would pass it)
    assert "The lab's own interval" in rows["D3"]["reference_note"]


# ------------------------------------------------------------------------------------------------
# Long (LIS) exports in six languages: the test NAME column is read, the unit decides the test
# (review5: "not used: Libellé"; PEG / DFG rows rejected; PEG recovery in % read as ng/mL)
# ------------------------------------------------------------------------------------------------
# Per file: (text, name header, encoding).  Patient 1: prolactin, PEG recovery in %, eGFR and
# creatinine under local codes the catalogue does not know (only the name tells the test);
# patient 2: prolactin and the post-PEG (monomeric) prolactin in a concentration unit.
LIS_EXPORTS: dict[str, tuple[str, str]] = {
    "en.csv": (
        "MRN,Patient name,Sex,DOB,Collected,Test code,Test name,Result,Units,Ref range\n"
        'E1,"SMITH, Ann",F,1984-08-08,2026-11-19 08:30,P100,Prolactin,78,ug/L,4.8-23.3\n'
        'E1,"SMITH, Ann",F,1984-08-08,2026-11-19 08:30,P101,'
        "Macroprolactin screen - PEG recovery,35,%,\n"
        'E1,"SMITH, Ann",F,1984-08-08,2026-11-19 08:30,R200,eGFR (CKD-EPI),22,mL/min/1.73m2,>60\n'
        'E1,"SMITH, Ann",F,1984-08-08,2026-11-19 08:30,R201,Creatinine,350,umol/L,45-84\n'
        'E2,"JONES, Bea",F,1990-01-01,2026-11-19 09:00,P100,Prolactin,78,ug/L,4.8-23.3\n'
        'E2,"JONES, Bea",F,1990-01-01,2026-11-19 09:00,P102,Prolactin post PEG,9,ug/L,\n',
        "Test name",
    ),
    "de.csv": (
        "Pat-Nr;Name;Geschlecht;Geb.-Datum;Abnahmedatum;Kürzel;Untersuchung;Ergebnis;Einheit\n"
        "D1;Müller;w;08.08.1984;19.11.2026 08:30;PRL;Prolaktin;78,0;µg/l\n"
        "D1;Müller;w;08.08.1984;19.11.2026 08:30;PRLPEG;Wiederfindung nach PEG;35;%\n"
        "D1;Müller;w;08.08.1984;19.11.2026 08:30;GFRC;geschätzte GFR;22;ml/min/1,73m²\n"
        "D1;Müller;w;08.08.1984;19.11.2026 08:30;KREA2;Kreatinin;3,9;mg/dl\n"
        "D2;Weiß;w;01.01.1990;19.11.2026 09:00;PRL;Prolaktin;78,0;µg/l\n"
        "D2;Weiß;w;01.01.1990;19.11.2026 09:00;MPRL;Monomeres Prolaktin;9,0;µg/l\n",
        "Untersuchung",
    ),
    "fr.csv": (
        "IPP;Nom;Sexe;Date naissance;Date prélèvement;Code;Libellé;Résultat;Unité\n"
        "F1;X F1;F;08/08/1984;19/11/2026 08:30;PRL;Prolactine;78;µg/L\n"
        "F1;X F1;F;08/08/1984;19/11/2026 08:30;MPRL;Récupération PEG;35;%\n"
        "F1;X F1;F;08/08/1984;19/11/2026 08:30;DFG;DFG CKD-EPI;22;mL/min/1,73m²\n"
        "F1;X F1;F;08/08/1984;19/11/2026 08:30;CRE2;Créatinine;350;µmol/L\n"
        "F2;X F2;F;01/01/1990;19/11/2026 09:00;PRL;Prolactine;78;µg/L\n"
        "F2;X F2;F;01/01/1990;19/11/2026 09:00;PEG;Prolactine après PEG;9;µg/L\n",
        "Libellé",
    ),
    "es.tsv": (
        "NHC\tNombre\tSexo\tFecha nacimiento\tFecha extracción\tCódigo\tPrueba\tResultado\tUnidad\n"
        "S1\tX S1\tM\t08/08/1984\t19/11/2026\tPRL\tProlactina\t78\tng/mL\n"
        "S1\tX S1\tM\t08/08/1984\t19/11/2026\tMACRO\tRecuperación tras PEG\t35\t%\n"
        "S1\tX S1\tM\t08/08/1984\t19/11/2026\tFG\tFiltrado glomerular\t22\tmL/min/1.73m2\n"
        "S1\tX S1\tM\t08/08/1984\t19/11/2026\tQ22\tCreatinina\t3,9\tmg/dL\n"
        "S2\tX S2\tM\t01/01/1990\t19/11/2026\tPRL\tProlactina\t78\tng/mL\n"
        "S2\tX S2\tM\t01/01/1990\t19/11/2026\tQ40\tProlactina monomérica\t9\tng/mL\n",
        "Prueba",
    ),
    "it.csv": (
        "id_paziente;Nome;Sesso;Data di nascita;Data prelievo;Esame;Risultato;Unità\n"
        "I1;X I1;F;08/08/1984;19/11/2026;Prolattina;78;ng/mL\n"
        "I1;X I1;F;08/08/1984;19/11/2026;Recupero dopo PEG;35;%\n"
        "I1;X I1;F;08/08/1984;19/11/2026;Velocità di filtrazione glomerulare;22;mL/min/1.73m2\n"
        "I1;X I1;F;08/08/1984;19/11/2026;Creatinina;3,9;mg/dL\n"
        "I2;X I2;F;01/01/1990;19/11/2026;Prolattina;78;ng/mL\n"
        "I2;X I2;F;01/01/1990;19/11/2026;Prolattina dopo PEG;9;ng/mL\n",
        "Esame",
    ),
    "nl.csv": (
        "Patiëntnummer;Naam;Geslacht;Geboortedatum;Afnamedatum;Testcode;Bepaling;Uitslag;Eenheid\n"
        "N1;X N1;V;08-08-1984;19-11-2026;PRL;Prolactine;78;µg/L\n"
        "N1;X N1;V;08-08-1984;19-11-2026;PEG2;Terugwinning na PEG;35;%\n"
        "N1;X N1;V;08-08-1984;19-11-2026;NF1;eGFR (MDRD);22;ml/min/1.73m2\n"
        "N1;X N1;V;08-08-1984;19-11-2026;NF2;Kreatinine;350;µmol/l\n"
        "N2;X N2;V;01-01-1990;19-11-2026;PRL;Prolactine;78;µg/L\n"
        "N2;X N2;V;01-01-1990;19-11-2026;PEG1;Monomeer prolactine;9;µg/L\n",
        "Bepaling",
    ),
}


@pytest.mark.parametrize("name", sorted(LIS_EXPORTS))
def test_lis_exports_read_the_test_name_column_in_six_languages(tmp_path: Path, name: str) -> None:
    text, name_header = LIS_EXPORTS[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = read(path, dayfirst=True)
    assert_consistent(result)
    summary = result.summary
    assert summary.shape == "long"
    assert summary.mapping["test"] == name_header
    assert (summary.rows_read, summary.rows_triaged, summary.rows_rejected) == (6, 6, 0)
    first, second = result.frame.iloc[0], result.frame.iloc[1]
    assert first["macroprolactin_recovery_pct"] == 35.0  # % recovery, never a concentration
    assert pd.isna(first["monomeric_prolactin"])
    assert first["egfr"] == 22.0
    assert first["creatinine"] in (350.0, 3.9)
    assert second["monomeric_prolactin"] == 9.0
    assert pd.isna(second["macroprolactin_recovery_pct"])


def test_the_unit_decides_what_a_peg_row_is(tmp_path: Path) -> None:
    """review5 fr_probe.csv: code PRLPEG (a post-PEG prolactin code) labelled "Récupération PEG"
    with 35 % was read as monomeric prolactin 35 ng/mL, an inverted conclusion."""
    path = tmp_path / "fr_probe.csv"
    path.write_text(
        "IPP;Sexe;Date naissance;Date prélèvement;Code;Libellé;Résultat;Unité\n"
        "L1;F;08/08/1984;19/11/2026 08:30;PRL;Prolactine;78;µg/L\n"
        "L1;F;08/08/1984;19/11/2026 08:30;PEG;Prolactine après PEG;35;%\n"
        "L2;F;08/08/1984;19/11/2026 08:30;PRL;Prolactine;78;µg/L\n"
        "L2;F;08/08/1984;19/11/2026 08:30;MPRL;Macroprolactine - récupération PEG;35;%\n"
        "L3;F;08/08/1984;19/11/2026 08:30;PRL;Prolactine;78;µg/L\n"
        "L3;F;08/08/1984;19/11/2026 08:30;MONO;Prolactine monomérique;9;µg/L\n"
        "L7;F;08/08/1984;19/11/2026 08:30;PRL;Prolactine;78;µg/L\n"
        "L7;F;08/08/1984;19/11/2026 08:30;PRLPEG;Récupération PEG;35;%\n"
        "L8;F;08/08/1984;19/11/2026 08:30;PRL;Prolactine;78;µg/L\n"
        "L8;F;08/08/1984;19/11/2026 08:30;PRLPEG;;35 %;\n"
        "L9;F;08/08/1984;19/11/2026 08:30;PRL;Prolactine;78;µg/L\n"
        "L9;F;08/08/1984;19/11/2026 08:30;PEG;;9;µg/L\n"
        "L10;F;08/08/1984;19/11/2026 08:30;PRL;Prolactine;78;µg/L\n"
        "L10;F;08/08/1984;19/11/2026 08:30;PEG;;35;\n",
        encoding="utf-8",
    )
    result = read(path, dayfirst=True)
    assert_consistent(result)
    frame = result.frame.set_index("patient_id")
    for patient in ("L1", "L2", "L7", "L8"):
        assert frame.loc[patient, "macroprolactin_recovery_pct"] == 35.0, patient
        assert pd.isna(frame.loc[patient, "monomeric_prolactin"]), patient
    for patient in ("L3", "L9"):
        assert frame.loc[patient, "monomeric_prolactin"] == 9.0, patient
        assert pd.isna(frame.loc[patient, "macroprolactin_recovery_pct"]), patient
    # A bare "PEG" with no unit could be either: not used, and said so.
    assert pd.isna(frame.loc["L10", "monomeric_prolactin"])
    assert pd.isna(frame.loc["L10", "macroprolactin_recovery_pct"])
    assert [(r.source_row, r.reason_code) for r in result.rejected] == [(15, "other_test")]
    assert "no unit" in result.rejected[0].detail


def test_a_unit_that_contradicts_the_test_is_never_used(tmp_path: Path) -> None:
    path = tmp_path / "lis.csv"
    path.write_text(
        "Patient ID,Collected,Test code,Test name,Result,Unit\n"
        "P1,2026-11-19 08:30,PRL,Prolactin,78,ng/mL\n"
        "P1,2026-11-19 08:30,EGFR,eGFR,350,umol/L\n"  # a creatinine under the eGFR code
        "P1,2026-11-19 08:30,CREA,Creatinine,22,mL/min\n"  # a clearance under the creatinine code
        "P1,2026-11-19 08:30,TSH,TSH,35,%\n"
        "P2,2026-11-19 08:30,PRL,Prolactin,35,%\n"  # a recovery under the prolactin code
        "P2,2026-11-19 08:30,MPCT,Macroprolactin %,50,ng/mL\n",
        encoding="utf-8",
    )
    result = read(path)
    assert_consistent(result)
    p1 = by_patient(result, "P1")
    assert pd.isna(p1["egfr"]) and pd.isna(p1["creatinine"]) and pd.isna(p1["tsh"])
    assert "P2" not in set(result.frame["patient_id"])
    details = {r.source_row: r.detail for r in result.rejected}
    assert set(details) == {3, 4, 5, 6, 7}
    assert "'umol/L'" in details[3] and "eGFR" in details[3]
    assert "'%'" in details[6] and "prolactin" in details[6]
    assert all("not used" in detail for detail in details.values())


@pytest.mark.parametrize(
    ("code", "name", "unit", "field"),
    [
        ("PRLPEG", "Récupération PEG", "%", "macroprolactin_recovery_pct"),
        ("PRLPEG", "Récupération PEG", "", "macroprolactin_recovery_pct"),  # the name wins
        ("PRLPEG", "", "%", "macroprolactin_recovery_pct"),
        ("PRLPEG", "", "µg/L", "monomeric_prolactin"),
        ("PEG", "Prolactine après PEG", "%", "macroprolactin_recovery_pct"),
        ("PEG", "Prolactine après PEG", "µg/L", "monomeric_prolactin"),
        ("MPRL", "Récupération PEG", "mIU/L", "monomeric_prolactin"),
        ("", "Prolactin post PEG", "35 %", "macroprolactin_recovery_pct"),
        ("", "Prolaktin nach PEG", "mU/L", "monomeric_prolactin"),
        ("", "Prolattina dopo PEG", "%", "macroprolactin_recovery_pct"),
        ("", "Terugwinning na PEG", "%", "macroprolactin_recovery_pct"),
        ("", "Prolactina monomérica", "ng/mL", "monomeric_prolactin"),
        ("DFG", "", "mL/min/1,73m²", "egfr"),
        ("DFGE", "", "", "egfr"),
        ("TFG", "", "", "egfr"),
        ("FG", "", "mL/min/1.73m2", "egfr"),
        ("", "FG", "ml/min", "egfr"),
        ("", "DFG", "", "egfr"),
        ("", "DFGe", "", "egfr"),
        ("", "CKD-EPI", "", "egfr"),
        ("", "eGFR", "", "egfr"),
        ("", "GFR", "", "egfr"),
        ("", "TFG", "", "egfr"),
        ("", "eGFR (CKD-EPI)", "", "egfr"),
        ("", "eGFR (MDRD)", "", "egfr"),
        ("", "geschätzte GFR", "", "egfr"),
        ("", "Filtrado glomerular", "", "egfr"),
        ("", "Velocità di filtrazione glomerulare", "", "egfr"),
        ("", "DFG CKD-EPI", "", "egfr"),
        ("", "Créatinine", "µmol/L", "creatinine"),
        ("", "Kreatinin", "mg/dl", "creatinine"),
        ("", "Creatinina", "mg/dL", "creatinine"),
        ("", "Creatinine", "", "creatinine"),
        ("", "Kreatinine", "µmol/l", "creatinine"),
    ],
)
def test_classify_long_rows_by_name_code_and_unit(
    code: str, name: str, unit: str, field: str
) -> None:
    unit_cell = unit.removeprefix("35 ").strip()
    found = classify_test("", code, name, None, unit_cell)
    assert found is not None
    assert found.field == field


@pytest.mark.parametrize(
    ("code", "name", "unit"),
    [
        ("PEG", "", ""),  # recovery in % or post-PEG prolactin: no unit, no guess
        ("FG", "", ""),  # "FG" is also fasting glucose: only with a renal unit
        ("FG", "", "mmol/L"),
        ("PRL", "Prolactine", "%"),
        ("EGFR", "eGFR", "µmol/L"),
        ("CREA", "Créatinine", "mL/min"),
        ("CREA", "Créatinine urinaire", "mmol/L"),  # the name vetoes the code's test
        ("", "Macroprolactin %", "ng/mL"),
    ],
)
def test_long_rows_not_used_by_name_code_and_unit(code: str, name: str, unit: str) -> None:
    assert classify_test("", code, name, None, unit) is None


# ------------------------------------------------------------------------------------------------
# Review 7: the lab's interval beside physiological groups (C), Spanish / Dutch sex letters (D),
# honorifics as sex (E)
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "cells"),
    [
        (
            "Patient ID,Sex,Age,Collected,Prolactin,Unit,Reference range,Pregnant",
            [
                "F: 5-25; pregnancy: 10-209",
                "F 5-25 / M 4-15",
                "5-25 (non-pregnant)",
                "Women 5-25 (pregnant 10-209)",
            ],
        ),
        (
            "Patienten-ID,Geschlecht,Alter,Entnahme,Prolaktin,Einheit,Referenzbereich,Schwanger",
            ["F: 5-25; Schwangere: 10-209", "Frauen (nicht schwanger) 5-25; Schwangere 10-209"],
        ),
        (
            "ID patient,Sexe,Âge,Prélèvement,Prolactine,Unité,Valeurs de référence,Enceinte",
            ["femmes 5-25 ; grossesse 10-209", "hors grossesse 5-25 ; femmes enceintes 10-209"],
        ),
        (
            "ID paciente,Sexo,Edad,Fecha,Prolactina,Unidad,Intervalo de referencia,Embarazo",
            ["mujeres 5-25 (embarazo 10-209)", "5-25 (no embarazada), 10-209 (embarazada)"],
        ),
        (
            "ID paziente,Sesso,Età,Prelievo,Prolattina,Unità,Intervallo di riferimento,Gravidanza",
            ["donne 5-25; gravidanza 10-209", "non incinta 5-25; in gravidanza 10-209"],
        ),
        (
            "Patiëntnummer,Geslacht,Leeftijd,Afname,Prolactine,Eenheid,Referentiewaarde,Zwanger",
            ["vrouwen 5-25 / zwangerschap 10-209", "niet-zwangere vrouwen 5-25; zwangeren 10-209"],
        ),
    ],
)
def test_lab_interval_beside_pregnancy_group_is_the_row_interval(
    tmp_path: Path, header: str, cells: list[str]
) -> None:
    rows = [f'R{k},F,30,2026-11-20,27,ng/mL,"{cell}",no' for k, cell in enumerate(cells)]
    rows.append(f"R{len(cells)},F,30,2026-11-20,12,ng/mL,5-25,no")
    path = tmp_path / "interval_groups.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    result = read(path)
    assert_consistent(result)
    assert result.summary.mapping["reference_range"] == header.split(",")[6]
    for k in range(len(cells)):
        row = by_patient(result, f"R{k}")
        assert (row["reference_low"], row["reference_high"]) == (5.0, 25.0), cells[k]
    assert not any("could not be read" in w for w in result.summary.warnings)


def _sex_file(tmp_path: Path, header: str, letters: list[str]) -> FileRead:
    lines = [f"ID,{header},Age,Prolactin,Unit"]
    lines += [f"P{k},{letter},40,20,ng/mL" for k, letter in enumerate(letters)]
    path = tmp_path / "sex_letters.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return read(path)


def test_spanish_v_m_f_column(tmp_path: Path) -> None:
    result = _sex_file(tmp_path, "Sexo", ["V", "M", "F", "V", "F"])
    sexes = [by_patient(result, f"P{k}")["sex"] for k in range(5)]
    assert sexes[0] == "M" and sexes[3] == "M"  # varón, never vrouw
    assert sexes[2] == "F" and sexes[4] == "F"
    assert pd.isna(sexes[1])  # masculino or mujer: unknown
    assert any("'Sexo'" in w and "varón" in w for w in result.summary.warnings)


def test_spanish_v_m_f_h_column_reads_m_as_mujer(tmp_path: Path) -> None:
    result = _sex_file(tmp_path, "Sexo", ["V", "M", "F", "H"])
    sexes = [by_patient(result, f"P{k}")["sex"] for k in range(4)]
    assert sexes == ["M", "F", "F", "M"]
    assert any("'Sexo'" in w for w in result.summary.warnings)


def test_dutch_v_m_f_column(tmp_path: Path) -> None:
    result = _sex_file(tmp_path, "Geslacht", ["V", "M", "F"])
    sexes = [by_patient(result, f"P{k}")["sex"] for k in range(3)]
    assert sexes == ["F", "M", "F"]
    assert any("'Geslacht'" in w and "Dutch" in w for w in result.summary.warnings)


def test_v_m_f_without_a_deciding_header_is_unknown(tmp_path: Path) -> None:
    result = _sex_file(tmp_path, "Sex", ["V", "M", "F"])
    assert pd.isna(by_patient(result, "P0")["sex"]) and pd.isna(by_patient(result, "P1")["sex"])
    assert by_patient(result, "P2")["sex"] == "F"
    assert any("'Sex'" in w for w in result.summary.warnings)


@pytest.mark.parametrize(
    ("header", "male", "female"),
    [
        ("Title", "Mr", "Mrs"),
        ("Salutation", "Mr.", "Ms"),
        ("Anrede", "Herr", "Frau"),
        ("Civilité", "M.", "Mme"),
        ("Titre", "Monsieur", "Madame"),
        ("Sexo", "Sr.", "Sra."),
        ("Sesso", "Sig.", "Sig.ra"),
        ("Aanhef", "Dhr.", "Mevr."),
        ("Sex", "Señor", "Señora"),
        ("Sex", "Signor", "Signora"),
    ],
)
def test_honorifics_read_as_sex(tmp_path: Path, header: str, male: str, female: str) -> None:
    result = _sex_file(tmp_path, header, [male, female, female])
    assert result.summary.mapping["sex"] == header
    sexes = [by_patient(result, f"P{k}")["sex"] for k in range(3)]
    assert sexes == ["M", "F", "F"]


def test_french_monsieur_beside_h_and_f_is_male(tmp_path: Path) -> None:
    result = _sex_file(tmp_path, "Sexe", ["F", "H", "M.", "femme", "F"])
    sexes = [by_patient(result, f"P{k}")["sex"] for k in range(5)]
    assert sexes == ["F", "M", "M", "F", "F"]


# ------------------------------------------------------------------------------------------------
# Stray delimiters
# ------------------------------------------------------------------------------------------------
GERMAN_HEADER = (
    "Pat-Nr;Geschlecht;Geburtsdatum;Prolaktin;Einheit;Medikation;TSH (mU/l);eGFR;Bemerkung"
)


def german_line(number: int, medication: str = "", note: str = "ok") -> str:
    return f"G{number:02};W;03.03.1985;{10 + number},5;µg/l;{medication};1,5;99;{note}"


@pytest.mark.parametrize("strays", [1, 2, 4, 8])
def test_stray_semicolons_in_a_file_of_decimal_commas(tmp_path: Path, strays: int) -> None:
    """A semicolon file with decimal commas splits on commas into as few fields on every line;
    a few lines with a stray semicolon (a medication list) never make it the better choice."""
    lines = [german_line(i, "Dogmatil 50 mg; Pille" if i <= strays else "") for i in range(1, 21)]
    path = tmp_path / "labor.csv"
    path.write_text("\n".join([GERMAN_HEADER, *lines]) + "\n", encoding="utf-8")
    result = read(path)
    assert_consistent(result)
    assert len(result.frame) == 20 - strays
    assert [(r.source_row, r.reason_code) for r in result.rejected] == [
        (i + 1, "malformed_line") for i in range(1, strays + 1)
    ]
    assert result.frame["prolactin_value"].iloc[0] == pytest.approx(10.5 + strays + 1)


def test_semicolons_in_a_comma_file_and_commas_in_a_tab_file(tmp_path: Path) -> None:
    comma = tmp_path / "comma.csv"
    comma.write_text(
        "MRN,Sex,Prolactin (ng/mL),Medication\n"
        + "".join(
            f"M{i},F,{10 + i},{'haloperidol; sertraline' if i % 2 else ''}\n" for i in range(9)
        )
    )
    assert len(read(comma).frame) == 9
    tab = tmp_path / "tabbed.tsv"
    tab.write_text(
        "MRN\tName\tSex\tProlactin (ng/mL)\n"
        + "".join(f"M{i}\tDoe, Jane, Mary\tF\t{10 + i}\n" for i in range(9))
    )
    frame = read(tab).frame
    assert len(frame) == 9 and frame["prolactin_value"].tolist() == [10.0 + i for i in range(9)]


def test_a_stray_delimiter_in_a_line_ending_on_an_empty_cell_is_rejected(tmp_path: Path) -> None:
    """'Dogmatil 50 mg; Pille;2,2;101;' would put the TSH into eGFR: the line has one field
    more than the header, though the extra one is empty."""
    lines = [german_line(i, note="") for i in range(1, 8)]
    lines[2] = german_line(3, "Dogmatil 50 mg; Pille", note="")
    path = tmp_path / "labor.csv"
    path.write_text("\n".join([GERMAN_HEADER, *lines]) + "\n", encoding="utf-8")
    result = read(path)
    assert_consistent(result)
    assert [(r.source_row, r.reason_code) for r in result.rejected] == [(4, "malformed_line")]
    assert "has 10 fields where the header has 9" in result.rejected[0].detail
    assert len(result.frame) == 6 and set(result.frame["egfr"]) == {99.0}


def test_lines_ended_by_a_delimiter_are_read_when_most_lines_are(tmp_path: Path) -> None:
    """An exporter that ends its lines with a delimiter (one empty field more than the header)
    writes them all so: they are read, and so is a line it left without."""
    lines = [german_line(i) + ";" for i in range(1, 8)]
    lines[3] = german_line(4)
    path = tmp_path / "labor.csv"
    path.write_text("\n".join([GERMAN_HEADER, *lines]) + "\n", encoding="utf-8")
    result = read(path)
    assert_consistent(result)
    assert not result.rejected and len(result.frame) == 7


# ------------------------------------------------------------------------------------------------
# Formula errors in a workbook
# ------------------------------------------------------------------------------------------------
ERRORS = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?"]


def write_errors(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["MRN", "Sex", "Prolactin (ng/mL)", "eGFR"])
    for i, error in enumerate(ERRORS):
        sheet.append([f"E{i}", "F", error, 90])
    sheet.append(["E9", "F", 12.5, "#DIV/0!"])
    for i in range(10, 18):
        sheet.append([f"E{i}", "F", 10.0 + i, 90])
    book.save(path)
    with zipfile.ZipFile(path) as archive:  # openpyxl writes them as error cells (t="e")
        assert b't="e"' in archive.read("xl/worksheets/sheet1.xml")


def test_formula_errors_of_a_workbook_are_read_as_written(tmp_path: Path) -> None:
    """python-calamine gives error cells as empty: their rows would be 'missing_result' (the
    cell is empty). They are read as the texts Excel shows, as a csv export writes them."""
    xlsx = tmp_path / "errors.xlsx"
    write_errors(xlsx)
    csv_path = tmp_path / "errors.csv"
    csv_path.write_text(
        "MRN,Sex,Prolactin (ng/mL),eGFR\n"
        + "".join(f"E{i},F,{e},90\n" for i, e in enumerate(ERRORS))
        + "E9,F,12.5,#DIV/0!\n"
        + "".join(f"E{i},F,{10.0 + i},90\n" for i in range(10, 18))
    )
    for path in (xlsx, csv_path):
        result = read(path)
        assert_consistent(result)
        reasons = [(r.source_row, r.reason_code) for r in result.rejected]
        assert reasons == [(i + 2, "unparseable_result") for i in range(len(ERRORS))], path
        assert all(e in r.detail for e, r in zip(ERRORS, result.rejected, strict=True))
        assert result.frame["source_row"].tolist() == list(range(7, 16))
        assert pd.isna(result.frame["egfr"].iloc[0]) and result.frame["egfr"].iloc[1] == 90


def test_check_shows_a_formula_error_unredacted(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from triage.cli import app

    xlsx = tmp_path / "errors.xlsx"
    write_errors(xlsx)
    output = CliRunner().invoke(app, ["check", str(xlsx)]).output
    assert "row 2: prolactin '#N/A' is not a number" in output
    assert "row 3: prolactin '#DIV/0!' is not a number" in output


@pytest.mark.parametrize("column", ["TSH (mU/l)", "eGFR", "Kreatinin (µmol/l)", "fT4 (pmol/l)"])
def test_text_in_a_lab_number_column_is_said(tmp_path: Path, column: str) -> None:
    """A lab value that holds text but no number (a shifted cell, a word) is read as not given,
    and said once for its column with the first row; missing-data words are not counted."""
    path = tmp_path / "lab.csv"
    path.write_text(
        f"Pat-Nr;Geschlecht;Alter;Prolaktin (µg/l);{column}\n"
        "A1;W;30;12,5;Pille\nA2;W;31;13,5;n.a.\nA3;W;32;14,5;1,5\nA4;W;33;15,5;Dogmatil\n"
        "A5;W;34;16,5;\n" + "".join(f"B{i};W;40;11,5;{i},5\n" for i in range(8)),
        encoding="utf-8",
    )
    result = read(path)
    assert len(result.frame) == 13 and not result.rejected
    said = [w for w in result.summary.warnings if "could not be read as a number" in w]
    assert said == [
        f"2 cell(s) of column {column!r} could not be read as a number (e.g. 'Pille' at row 2): "
        "read as not given"
    ]


def test_a_unit_taken_from_the_interval_counts_only_results_read(tmp_path: Path) -> None:
    """The warning counts the rows whose result was read in the unit the interval implies; a
    rejected result (haemolysed) has no unit to take."""
    path = tmp_path / "interval.csv"
    path.write_text(
        "MRN;Sex;Prolactin;Unit;Reference\n"
        "A1;F;300;;102-496\nA2;F;hämolytisch;;102-496\nA3;F;12;ng/mL;4.8-23.3\n",
        encoding="utf-8",
    )
    result = read(path)
    said = [w for w in result.summary.warnings if "had no unit" in w]
    assert len(said) == 1 and said[0].startswith("1 row(s) had no unit")
    assert result.frame["prolactin_unit"].tolist() == ["mIU/L", "ng/mL"]
    path.write_text(
        "MRN;Sex;Prolactin;Unit;Reference\nA2;F;hämolytisch;;102-496\nA3;F;12;ng/mL;4.8-23.3\n",
        encoding="utf-8",
    )
    assert not [w for w in read(path).summary.warnings if "had no unit" in w]


# ------------------------------------------------------------------------------------------------
# The decimal mark of the file
# ------------------------------------------------------------------------------------------------
def test_a_lone_text_result_takes_the_decimal_mark_the_file_shows(tmp_path: Path) -> None:
    """A workbook result column of numbers and one text '1.150': the interval column beside it
    writes '4,0-15,2', so the export is German and '1.150' is 1150 (mIU/L), not 1.15."""
    path = tmp_path / "de.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Pat.-Nr.", "Geschlecht", "Alter", "Prolaktin", "Einheit", "Referenz"])
    sheet.append(["X1", "w", 31, "1.150", "mIU/l", "102-496"])
    sheet.append(["X2", "m", 33, 19.5, "ng/ml", "4,0-15,2"])
    book.save(path)
    result = read(path)
    assert result.frame["prolactin_value"].tolist() == [1150.0, 19.5]
    assert not [w for w in result.summary.warnings if "read two ways" in w]


def test_an_ambiguous_result_in_a_file_without_a_decimal_mark_is_said(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    # review 11: 1.150 ng/mL is 1.15 or an urgent 1150: not triaged on a guess (rejected and
    # listed with the urgent results); 2,400 mIU/L (2.4 or 2400, neither urgent) is read, said
    path.write_text(
        'MRN,Sex,Age,Prolactin,Unit\nA1,F,30,1.150,ng/mL\nA2,F,31,12,ng/mL\nA3,F,32,"2,400",mIU/L\n'
    )
    result = read(path)
    assert result.frame["prolactin_value"].tolist() == [12.0, 2400.0]
    assert [(r.source_row, r.reason_code, r.possibly_urgent) for r in result.rejected] == [
        (2, "ambiguous_decimal_mark", True)
    ]
    said = [w for w in result.summary.warnings if "can be read two ways" in w]
    assert len(said) == 1 and "(row(s) 4)" in said[0]
    path.write_text("MRN,Sex,Age,Prolactin,Unit\nA1,F,30,1.150,ng/mL\nA2,F,31,12,ng/mL\n")
    comma = tmp_path / "comma.toml"
    comma.write_text('[input]\ndecimal = ","\n')
    mapped = read_file(path, load_mapping(comma))
    assert mapped.frame["prolactin_value"].tolist() == [1150.0, 12.0]
    assert not [w for w in mapped.summary.warnings if "read two ways" in w]
    dot = tmp_path / "dot.toml"
    dot.write_text('[input]\ndecimal = "."\n')
    confirmed = read_file(path, load_mapping(dot))
    assert confirmed.frame["prolactin_value"].tolist() == [1.15, 12.0]
    assert not [w for w in confirmed.summary.warnings if "read two ways" in w]


def test_the_decimal_mark_of_a_mapping_file_is_checked(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[input]\nsheet = 1\ndecimal = ";"\n')
    with pytest.raises(ConfigError, match=r'decimal must be "," or "\."') as caught:
        load_mapping(bad)
    assert caught.value.line == 3


def test_an_hcg_number_without_a_unit_is_read_in_iu_per_litre(tmp_path: Path) -> None:
    """hCG is reported in IU/L, mIU/mL or U/L, which give the same number: a bare number in the
    hCG column is read in IU/L (25000: positive, 2: negative), and the run says so; a result
    naming its unit, and a header naming one, are read as written."""
    path = tmp_path / "hcg.csv"
    path.write_text(
        "MRN,Sex,Prolactin (ng/mL),hCG\nA,F,80,25000\nB,F,80,2\nC,F,80,positive\n"
        "D,F,80,25000 IU/L\nE,F,80,\n",
        encoding="utf-8",
    )
    result = read(path)
    assert result.frame["hcg_positive"].tolist()[:4] == [True, False, True, True]
    assert pd.isna(result.frame["hcg_positive"].iloc[4])
    assert any("without a unit were read as IU/L" in w for w in result.summary.warnings)
    headed = tmp_path / "hcg_headed.csv"
    headed.write_text("MRN,Sex,Prolactin (ng/mL),hCG (mIU/mL)\nA,F,80,30\n", encoding="utf-8")
    again = read(headed)
    assert again.frame["hcg_positive"].tolist() == [True]
    assert not any("without a unit" in w for w in again.summary.warnings)


@pytest.mark.parametrize(
    "test_name",
    [
        "Schwangerschaftstest (Urin)",
        "Test de grossesse",
        "Prueba de embarazo",
        "Test de embarazo",
        "Test di gravidanza",
        "Zwangerschapstest",
        "Gonadotropina coriónica",
    ],
)
def test_a_pregnancy_test_named_in_a_long_export_is_read(tmp_path: Path, test_name: str) -> None:
    """A long (LIS) export's pregnancy test named in the lab's language is the row's hCG, not
    'another test' thrown away: a positive test puts the result against the pregnancy
    interval."""
    path = tmp_path / "long.csv"
    path.write_text(
        "Patient;Geschlecht;Alter;Auftrag;Analyse;Ergebnis;Einheit\n"
        "P1;W;30;A1;Prolaktin;1.234;mU/l\n"
        f"P1;W;30;A1;{test_name};positiv;\n",
        encoding="utf-8",
    )
    result = read(path)
    assert_consistent(result)
    assert not result.rejected
    assert result.frame["hcg_positive"].tolist() == [True]


def test_lis_codes_in_a_test_name_column_are_read(tmp_path: Path) -> None:
    """A long export whose only test column is headed 'Test' (or 'Analyte') and holds the LIS's
    codes (PROL, TSH, PEGREC) reads them as codes: the file was refused as holding no
    prolactin test, and a PEG recovery was thrown away as another test."""
    path = tmp_path / "codes.csv"
    path.write_text(
        "MRN,Collected,Analyte,Result,Units\n"
        "P1,2026-01-05,PROL,850,mIU/L\nP1,2026-01-05,TSH,25,mU/L\n"
        "P2,2026-01-05,PROL,1200,mIU/L\nP2,2026-01-05,PEGREC,30,%\n",
        encoding="utf-8",
    )
    result = read(path)
    assert_consistent(result)
    assert not result.rejected
    assert result.frame["prolactin_value"].tolist() == [850.0, 1200.0]
    assert result.frame["tsh"].tolist()[0] == 25.0
    assert result.frame["macroprolactin_recovery_pct"].tolist()[1] == 30.0


def test_percent_cells_stored_as_fractions_are_percentages(tmp_path: Path) -> None:
    """A spreadsheet's percent cells hold fractions (0.35 shows as 35%): a PEG-recovery column
    whose every value lies between 0 and 1 is read as percentages, saying so (0.35% recovery
    read as such made a true monomeric rise look like macroprolactinaemia).  Percentages
    written as such are read as written."""
    from openpyxl import Workbook as OpenpyxlWorkbook

    book = OpenpyxlWorkbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["MRN", "Sex", "Prolactin (ng/mL)", "PEG recovery"])
    sheet.append(["A", "F", 120, 0.35])
    sheet.append(["B", "F", 60, 0.8])
    path = tmp_path / "fractions.xlsx"
    book.save(path)  # fractions without a percent format: read as percentages, saying so
    result = read(path)
    assert result.frame["macroprolactin_recovery_pct"].tolist() == pytest.approx([35.0, 80.0])
    assert any("read as fractions" in w for w in result.summary.warnings)
    for row in (2, 3):
        sheet.cell(row, 4).number_format = "0%"
    path = tmp_path / "pct.xlsx"
    book.save(path)  # with a percent format: read as the sheet shows them ("35%")
    result = read(path)
    assert result.frame["macroprolactin_recovery_pct"].tolist() == pytest.approx([35.0, 80.0])
    written = tmp_path / "pct.csv"
    written.write_text(
        "MRN,Sex,Prolactin (ng/mL),PEG recovery\nA,F,120,35%\nB,F,60,0.8%\n", encoding="utf-8"
    )
    as_written = read(written)
    assert as_written.frame["macroprolactin_recovery_pct"].tolist() == pytest.approx([35.0, 0.8])
    assert not any("read as fractions" in w for w in as_written.summary.warnings)
    # a fraction among percentages: 0.85 is 85%, not 0.85% (a false macroprolactin)
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(
        'MRN,Sex,Prolactin (ng/mL),PEG recovery\nA,F,90,0.85\nB,F,90,"0,85"\nC,M,90,1.0\n'
        "D,F,90,85\nE,F,90,35\n",
        encoding="utf-8",
    )
    both = read(mixed)
    assert both.frame["macroprolactin_recovery_pct"].tolist() == pytest.approx(
        [85.0, 85.0, 100.0, 85.0, 35.0]
    )
    assert any("3 value(s) between 0 and 1 read as fractions" in w for w in both.summary.warnings)


@pytest.mark.parametrize(("header", "warned"), [("Sexo", True), ("Sex", False)])
def test_a_sex_column_of_m_alone_under_a_spanish_header_is_said(
    tmp_path: Path, header: str, warned: bool
) -> None:
    """Under 'Sexo' an M alone may be mujer (beside H, hombre) or masculino (beside F): read as
    male, as M/F has it, and said, with the recoding; under 'Sex' it is male."""
    path = tmp_path / "m.csv"
    path.write_text(
        f"NHC;{header};Edad;Prolactina (ng/mL)\nE1;M;30;25,0\nE2;M;31;12,0\n", encoding="utf-8"
    )
    result = read(path)
    assert result.frame["sex"].tolist() == ["M", "M"]
    assert any("holds only the sex code M" in w for w in result.summary.warnings) == warned


def test_a_result_only_in_the_other_unit_column_is_read_in_that_unit(tmp_path: Path) -> None:
    """Two prolactin columns headed with different units, one filled per row (as each assay or
    site reports): a row whose result is only in the second is read from it, in its unit (it
    was rejected as having no result: 6000 mIU/L, an urgent level, went unseen)."""
    path = tmp_path / "two_units.csv"
    path.write_text(
        "MRN,Sex,Age,Prolactin (ng/mL),Prolactin (mIU/L)\n"
        "U1,F,30,,6000\nU2,F,30,283,\nU3,F,30,10,212\n",
        encoding="utf-8",
    )
    result = read(path)
    assert_consistent(result)
    assert not result.rejected
    frame = result.frame
    assert frame["prolactin_value"].tolist() == [6000.0, 283.0, 10.0]
    assert frame["prolactin_unit"].tolist() == ["mIU/L", "ng/mL", "ng/mL"]
    assert any("only in the prolactin column in mIU/L" in w for w in result.summary.warnings)


def test_a_post_peg_result_coded_as_prolactin_is_the_monomeric_one(tmp_path: Path) -> None:
    """LIS exports code the post-PEG prolactin with the total's LOINC (2842-3): its name says
    what it is ("post PEG"), and it was triaged as a second, normal total prolactin."""
    path = tmp_path / "peg.csv"
    path.write_text(
        "PatientID,Sex,DOB,Specimen,Collected,LOINC,Test,Result,Unit\n"
        "P1,F,1985-03-12,S1,2026-03-01 08:30,2842-3,Prolactin,2400,mIU/L\n"
        "P1,F,1985-03-12,S1,2026-03-01 08:30,2842-3,Prolactin post PEG,300,mIU/L\n",
        encoding="utf-8",
    )
    result = read(path)
    assert result.frame["prolactin_value"].tolist() == [2400.0]
    assert result.frame["monomeric_prolactin"].tolist() == [300.0]


def test_a_row_without_an_id_naming_another_person_takes_no_patient(tmp_path: Path) -> None:
    """Report-style exports name the patient once; but a row without an id whose own name, sex
    and birth date differ is another person: Bob's 6000 mIU/L was listed under Ann's id (and
    Bob's TSH joined to it)."""
    path = tmp_path / "filldown.csv"
    path.write_text(
        "PatientID,Name,Sex,DOB,Collected,Test,Result,Unit\n"
        'P1,"DOE, Ann",F,1980-01-01,2026-01-05 08:00,Prolactin,12,ng/mL\n'
        ',"DOE, Ann",F,1980-01-01,2026-01-05 08:00,TSH,1.2,mU/L\n'
        ',"ROE, Bob",M,1975-02-02,2026-01-05 09:00,Prolactin,6000,mIU/L\n'
        ',"ROE, Bob",M,1975-02-02,2026-01-05 09:00,TSH,1.5,mU/L\n',
        encoding="utf-8",
    )
    result = read(path)
    frame = result.frame
    ids = dict(zip(frame["patient_name"], frame["patient_id"].fillna(""), strict=True))
    assert ids == {"DOE, Ann": "P1", "ROE, Bob": ""}
    assert result.frame.loc[result.frame["patient_name"] == "DOE, Ann", "tsh"].tolist() == [1.2]
    assert any("name another person" in w for w in result.summary.warnings)


@pytest.mark.parametrize(
    "loinc", ["LN:2842-3", "LOINC 2842-3", "2842-3 (LOINC)", "2842-3^Prolactin^LN", "02842-3"]
)
def test_loinc_codes_as_exports_write_them(tmp_path: Path, loinc: str) -> None:
    """A LOINC column whose codes carry their system's name or a leading zero: the 6000 mIU/L
    results were rejected as other tests."""
    path = tmp_path / "loinc.csv"
    path.write_text(
        f'PatientID,Sex,Age,Date,LOINC,Code,Result,Unit\nP1,F,30,2026-01-01,"{loinc}",X1,6000,mIU/L\n',
        encoding="utf-8",
    )
    assert read(path).frame["prolactin_value"].tolist() == [6000.0]


def test_a_unit_written_in_a_long_files_test_name_is_the_rows_unit(tmp_path: Path) -> None:
    """'Prolactin (mIU/L)' with an empty unit cell: every row was rejected for no unit, and
    the advice (--unit mIU/L) then read 'Prolactin µg/L' 300 as 14 ng/mL (a false normal)."""
    path = tmp_path / "names.csv"
    path.write_text(
        "PatientID,Sex,Age,Date,Test,Result,Unit\n"
        "P1,F,30,2026-01-01,Prolactin (mIU/L),6000,\n"
        "P2,F,30,2026-01-01,Prolactin [ng/mL],40,\n"
        "P3,F,30,2026-01-01,Prolactin µg/L,300,\n"
        "P4,F,30,2026-01-01,Prolactin (ng/mL),850,mIU/L\n",  # the unit cell wins
        encoding="utf-8",
    )
    frame = read(path).frame
    assert frame["prolactin_unit"].tolist() == ["mIU/L", "ng/mL", "ng/mL", "mIU/L"]


def _merged_book(path: Path, rows: list[list[object]], merges: list[str]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def test_cells_merged_down_over_a_patients_rows_are_theirs(tmp_path: Path) -> None:
    """Id, sex and birth date merged over a patient's two results: the second row was read with
    no patient, no sex and no age (a man's 30 ng/mL came out indeterminate)."""
    path = _merged_book(
        tmp_path / "merged.xlsx",
        [
            ["Pat-ID", "Geschlecht", "Geburtsdatum", "Abnahme", "Prolaktin (ng/ml)"],
            ["W1", "m", datetime(1960, 6, 5), datetime(2026, 2, 1), 25],
            [None, None, None, datetime(2026, 3, 1), 30],
        ],
        ["A2:A3", "B2:B3", "C2:C3"],
    )
    result = read(path)
    assert_consistent(result)
    second = row_of(result, 3)
    assert (second["patient_id"], second["sex"]) == ("W1", "M")
    assert second["age_years"] == pytest.approx(65.7, abs=0.1)


def test_merges_in_the_header_or_over_two_people_are_left_as_read(tmp_path: Path) -> None:
    """Header cells merged over their units row stay a two-row header; a note merged over two
    patients' rows is neither's (a pregnancy would have judged the second against the wrong
    interval)."""
    path = _merged_book(
        tmp_path / "merged.xlsx",
        [
            ["Patient ID", "Sex", "Age", "Prolactin", "Comments"],
            [None, None, None, "ng/mL", None],
            ["P1", "F", 30, 60, "pregnant 20 weeks"],
            ["P2", "F", 31, 60, None],
        ],
        ["A1:A2", "B1:B2", "C1:C2", "E1:E2", "E3:E4"],
    )
    result = read(path)
    assert_consistent(result)
    assert result.frame["prolactin_unit"].tolist() == ["ng/mL", "ng/mL"]
    assert row_of(result, 3)["comments"] == "pregnant 20 weeks"
    assert pd.isna(row_of(result, 4)["comments"])


@pytest.mark.parametrize(
    ("header", "units"),
    [("Age unit", ("days", "months", "years")), ("Alterseinheit", ("Tage", "Monate", "Jahre")),
     ("Unité d'âge", ("jours", "mois", "ans")), ("Unidad de edad", ("días", "meses", "años")),
     ("Eenheid leeftijd", ("dagen", "maanden", "jaar"))],
)  # fmt: skip
def test_an_age_unit_column_is_the_ages_unit(
    tmp_path: Path, header: str, units: tuple[str, str, str]
) -> None:
    """'Age | Age unit' with 3 | days: the column was taken as the prolactin's unit and every
    row rejected ('unit days is not a prolactin unit'); it is the age's."""
    days, months, years = units
    path = tmp_path / "paed.csv"
    path.write_text(
        f"ID;Sex;Age;{header};Prolactin (ng/mL)\nA1;F;3;{days};400\nA2;F;18;{months};22\n"
        f"A3;F;30;{years};20\n",
        encoding="utf-8",
    )
    result = read(path)
    assert not result.rejected
    ages = result.frame["age_years"].tolist()
    assert ages == pytest.approx([3 / 365.25, 1.5, 30.0], abs=0.001)
    assert result.summary.mapping.get("age_unit") == header


def test_yes_no_statements_and_medications_in_a_long_file(tmp_path: Path) -> None:
    """A long LIS export's statement rows (Schwangerschaft: ja / nein, Pregnancy status: Not
    pregnant, Stillen: ja, Medikation: Risperdal 2 mg) are the prolactin result's context,
    read as the yes/no column's answer would be, never as 'pregnancy' named in a note."""
    path = tmp_path / "long.csv"
    lines = ["Patient ID;Sex;Date;Test;Result;Unit"]
    for pid, test, answer in [
        ("P1", "Schwangerschaft", "ja"),
        ("P2", "Schwangerschaft", "nein"),
        ("P3", "Medikation", "Risperdal 2 mg"),
        ("P4", "Pregnancy status", "Not pregnant"),
        ("P5", "Stillen", "ja"),
    ]:
        lines += [f"{pid};F;2026-03-01;Prolaktin;150;ng/ml", f"{pid};F;2026-03-01;{test};{answer};"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read(path)
    assert_consistent(result)
    assert not result.rejected
    frame = result.frame.set_index("patient_id")
    assert frame.loc["P1", "pregnant"] == True  # noqa: E712
    assert frame.loc["P2", "pregnant"] == False  # noqa: E712
    assert frame.loc["P4", "pregnant"] == False  # noqa: E712
    assert frame.loc["P5", "lactating"] == True  # noqa: E712
    assert frame.loc["P3", "medications"] == "Risperdal 2 mg"


def test_the_results_header_unit_wins_over_the_intervals_own(tmp_path: Path) -> None:
    """ "Prolaktin (ng/ml)" beside "102 - 496 mU/l": the result is in ng/mL (it was read in
    mU/l: 150 ng/mL became a normal 7 ng/mL); an interval of another kind is kept as written,
    in its own unit, for the engine to convert with the reference set's factor (dropped, the
    set's wider interval made results above the lab's limit normal), saying so.  An interval in
    a unit of the same kind is scaled from its own unit."""
    path = tmp_path / "rr.csv"
    path.write_text(
        "Pat.-ID;Geschlecht;Alter;Prolaktin (ng/ml);Referenzbereich\n"
        "R5;w;40;150;102 - 496 mU/l\n"
        "R6;w;40;150;4,8 - 23,3 µg/l\n",
        encoding="utf-8",
    )
    result = read(path)
    frame = result.frame
    assert frame["prolactin_value"].tolist() == [150.0, 150.0]
    assert frame["prolactin_unit"].tolist() == ["ng/mL", "ng/mL"]
    assert frame["reference_high"].iloc[0] == pytest.approx(496)  # in mU/l, as written
    assert frame["reference_high"].iloc[1] == pytest.approx(23.3)
    assert any(
        "mU/l but the result in ng/mL: the interval is converted" in w
        for w in result.summary.warnings
    )


@pytest.mark.parametrize(
    ("header", "yes", "no"),
    [
        ("Schwanger (1=nein, 2=ja)", "2", "1"),
        ("pregnant (1=no, 2=yes)", "2", "1"),
        ("Pregnant? (1, No | 2, Yes)", "2", "1"),
        ("Enceinte (0=oui, 1=non)", "0", "1"),
        ("Embarazada (1 = sí; 0 = no)", "1", "0"),
        ("Zwanger (ja=1, nee=0)", "1", "0"),
    ],
)
def test_a_yes_no_column_is_read_by_the_codes_its_header_states(
    tmp_path: Path, header: str, yes: str, no: str
) -> None:
    """A research export's codes written in the header: 1 is "no" under "(1=nein, 2=ja)" (it was
    read as yes: a pregnancy invented for one woman and missed for the other)."""
    path = tmp_path / "coded.csv"
    path.write_text(
        f"id;sex;age;prl (ng/mL);{header}\nS1;F;30;150;{yes}\nS2;F;30;150;{no}\n",
        encoding="utf-8",
    )
    frame = read(path).frame
    assert frame["pregnant"].tolist() == [True, False], header


@pytest.mark.parametrize("sep", ["\t", ","])
def test_a_result_in_mIU_per_litre_with_a_thousands_dot_is_whole(tmp_path: Path, sep: str) -> None:
    """mIU/L is reported in whole numbers: "5.300 mU/l" in a file that shows no decimal mark is
    5300 (read as 5.3 mIU/L, an urgent 250 ng/mL came out low); in ng/mL "1.150" stays the
    ambiguous reading it was, said with its row."""
    path = tmp_path / "de.txt"
    rows = [
        ["Pat.-Nr.", "Geschlecht", "Abnahme", "Prolaktin", "Einheit"],
        ["D1", "w", "01.02.2026", "5.300", "mU/l"],
        ["D2", "w", "01.02.2026", "1.150", "ng/ml"],
        ["D3", "w", "01.02.2026", "350", "mU/l"],
    ]
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n", encoding="utf-8")
    result = read(path)
    # review 11: "1.150" ng/mL is 1.15 or an urgent 1150: rejected, listed with the urgent ones
    assert result.frame["prolactin_value"].tolist() == pytest.approx([5300.0, 350.0])
    assert [r.reason_code for r in result.rejected] == ["ambiguous_decimal_mark"]
    warnings = " ".join(result.summary.warnings)
    assert "1 result(s) in mIU/L written like '5.300'" in warnings


def test_an_hcg_with_a_thousands_dot_is_read_with_the_files_decimal_comma(tmp_path: Path) -> None:
    """hCG "12.500" beside decimal commas is 12500 IU/L, a pregnancy (it was read as 12.5)."""
    path = tmp_path / "hcg.csv"
    path.write_text(
        "Pat.-Nr.;Geschlecht;Alter;Prolaktin (ng/ml);HCG (U/l)\nW1;w;30;85,0;12.500\n"
        "W2;w;30;45,5;<2\n",
        encoding="utf-8",
    )
    frame = read(path).frame
    assert frame["hcg_positive"].tolist() == [True, False]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # varón/mujer (es) or vrouw/man (nl): with no file to tell the language, the numbers
        # decide (the women's upper limit is the higher in every adult set; review 21)
        ("V: 4.0-15.2 M: 4.8-23.3", {"M": (4.0, 15.2), "F": (4.8, 23.3)}),
        ("M 3-15 V 5-25", {"M": (3.0, 15.0), "F": (5.0, 25.0)}),
        ("H: 4.0-15.2 M: 4.8-23.3", {"M": (4.0, 15.2), "F": (4.8, 23.3)}),  # hombre / mujer
        ("M: 4.0-15.2; F: 4.8-23.3", {"M": (4.0, 15.2), "F": (4.8, 23.3)}),
        ("Hombres 4-15, Mujeres 5-23", {"M": (4.0, 15.0), "F": (5.0, 23.0)}),
    ],
)
def test_one_letter_sex_labels_of_an_interval_are_read_only_when_unambiguous(
    cell: str, expected: dict[str, tuple[float, float]] | None
) -> None:
    """A man judged against the women's interval came out normal: Spanish "V" is varón."""
    from triage.values import parse_sex_intervals

    found = parse_sex_intervals(cell)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert {k: (v.low, v.high) for k, v in found.items()} == expected


def test_value_labels_of_a_statistics_package_are_read_by_their_label(tmp_path: Path) -> None:
    """SPSS-style "code = label" cells ("1 = ja", "2 = männlich", "[1] weiblich"): the label
    says what the code means (the pregnancy was read as nothing, and the sex column dropped)."""
    path = tmp_path / "spss.csv"
    path.write_text(
        "Proband;Geschlecht;Alter;Prolaktin (ng/ml);Schwanger\n"
        "S1;1 = weiblich;34;45;0 = nein\nS2;2 = männlich;40;25;0 = nein\n"
        "S3;weiblich;30;150;1 = ja\nS4;[1] weiblich;30;25;[0] nein\n",
        encoding="utf-8",
    )
    frame = read(path).frame
    assert frame["sex"].tolist() == ["F", "M", "F", "F"]
    assert frame["pregnant"].tolist() == [False, False, True, False]


@pytest.mark.parametrize("pid", ["P5", "P95", "P50", "SE", "DE", "ET"])
def test_a_short_pseudonymised_id_is_a_patient_not_a_statistic(tmp_path: Path, pid: str) -> None:
    """ "P5" is a percentile in a statistics add-in's rows but a patient in a pseudonymised
    cohort: a row with its result is never dropped as a statistics row."""
    path = tmp_path / "ids.csv"
    path.write_text(
        f"patient_id,prolactin,unit\nP1,20,ng/mL\n{pid},25,ng/mL\nP2,30,ng/mL\n", encoding="utf-8"
    )
    result = read(path)
    assert result.frame["patient_id"].tolist() == ["P1", pid, "P2"]
    assert not result.rejected


def test_hcg_numbers_without_a_unit_are_counted_once_each(tmp_path: Path) -> None:
    """Each distinct number read as IU/L is said once (the count had doubled)."""
    path = tmp_path / "hcg.csv"
    path.write_text(
        "Pat.-Nr.;Geschlecht;Alter;Prolaktin (ng/ml);HCG\nW1;w;30;85,0;12.500\nW2;w;30;45,5;<2\n"
        "W3;w;30;45,5;<2\n",
        encoding="utf-8",
    )
    result = read(path)
    assert result.frame["hcg_positive"].tolist() == [True, False, False]
    assert any("2 distinct number(s) without a unit" in w for w in result.summary.warnings)


@pytest.mark.parametrize(
    "header",
    ["Date of visit", "visit_dt", "Probenahmedatum", "Datum Blutentnahme", "Fecha de la muestra",
     "Datum bloedafname", "Data della visita", "Date de la visite"],
)  # fmt: skip
def test_a_cohorts_sampling_date_gives_the_age_at_the_sample(tmp_path: Path, header: str) -> None:
    """A retrospective cohort's sample date under a research or national wording: unread, the
    age was counted from the birth date to today (an 8-year-old girl of 2014 judged as an adult
    of 20: a false normal)."""
    path = tmp_path / "cohort.csv"
    path.write_text(f"id,sex,dob,{header},prl_ngml\nK1,F,2006-03-01,2014-03-01,20\n")
    row = read(path).frame.iloc[0]
    assert str(row["collected_at"]).startswith("2014-03-01")
    assert row["age_years"] == pytest.approx(8.0, abs=0.01)


@pytest.mark.parametrize(
    ("header", "cell", "years"),
    [("age_months", "120", 10.0), ("AgeMonths", "8", 8 / 12), ("age_mo", "20", 20 / 12),
     ("Alter_Monate", "18", 1.5), ("edad_meses", "6", 0.5), ("age_yrs", "34", 34.0),
     ("age_weeks", "26", 26 * 7 / 365.25)],
)  # fmt: skip
def test_an_age_header_naming_its_unit_without_brackets(
    tmp_path: Path, header: str, cell: str, years: float
) -> None:
    """ "age_months" 120 was read as 120 years (a girl of ten judged postmenopausal)."""
    path = tmp_path / "ages.csv"
    path.write_text(f"subject_id,sex,{header},prl_ngml\nS1,F,{cell},20\n")
    assert read(path).frame.iloc[0]["age_years"] == pytest.approx(years, rel=1e-3)


@pytest.mark.parametrize(
    "header",
    ["Date naiss.", "Né(e) le", "Fecha nac.", "F. nac.", "Data nasc.", "Nato il", "Geboren",
     "Geburtsdat.", "Gebdat"],
)  # fmt: skip
def test_birth_date_abbreviations_of_lab_sheets(tmp_path: Path, header: str) -> None:
    """Unread, a girl of six was judged on the adult interval (a false normal)."""
    path = tmp_path / "dob.csv"
    path.write_text(
        f"ID;Sexe;{header};Prélèvement;Prolactine (µg/L)\nA;F;01/03/2020;02/12/2026;20\n"
    )
    assert read(path).frame.iloc[0]["age_years"] == pytest.approx(6.75, abs=0.01)


@pytest.mark.parametrize("header", ["Lft.", "Leeft.", "Lj.", "Lebensalter"])
def test_age_abbreviations_of_lab_sheets(tmp_path: Path, header: str) -> None:
    path = tmp_path / "age.csv"
    path.write_text(f"ID;Geslacht;{header};Prolactine (µg/L)\nA;V;6;20\n")
    assert read(path).frame.iloc[0]["age_years"] == 6


def test_a_liver_enzyme_column_is_never_an_age(tmp_path: Path) -> None:
    path = tmp_path / "alt.csv"
    path.write_text("ID;Sex;ALT;Prolactin (ng/mL)\nA;F;35;20\n")
    assert pd.isna(read(path).frame.iloc[0]["age_years"])


@pytest.mark.parametrize(
    "header",
    ["Prolaktin Referenzbereich", "Referenzbereich Prolaktin", "Prolaktin Norm", "Norm", "VR",
     "V.N.", "Prolactina rango de referencia", "Prolactine referentiewaarde",
     "Prolattina valori di riferimento"],
)  # fmt: skip
def test_a_reference_range_header_with_the_analytes_name_or_a_short_form(
    tmp_path: Path, header: str
) -> None:
    """The lab's own interval under these headers was ignored and the set's used instead: a
    result above the lab's limit and below the set's read as normal."""
    path = tmp_path / "rr.csv"
    path.write_text(f"ID,Sex,Age,Prolaktin (ng/ml),{header}\nA,M,40,16,4.0-15.2\n")
    row = read(path).frame.iloc[0]
    assert (row["reference_low"], row["reference_high"]) == (4.0, 15.2)
    assert row["prolactin_value"] == 16


HEAD = ["Pat.-Nr.", "Geschlecht", "Alter", "Prolaktin (ng/ml)"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_second_export_pasted_below_never_hides_the_first(tmp_path: Path, suffix: str) -> None:
    """A second export with one more column pasted under the first: its header named more
    fields and was taken as the header, and the 100 rows above it (an urgent 400 ng/mL among
    them) vanished, neither triaged nor rejected."""
    rows: list[list[object]] = [HEAD]
    rows += [[f"A{i}", "m", 40, 400 if i == 2 else 10] for i in range(1, 101)]
    rows += [[*HEAD, "Einheit"], ["B1", "w", 40, 25, "ng/ml"]]
    result = read(write_table(tmp_path / f"pasted{suffix}", rows))
    assert result.summary.rows_read == 102  # 100 + the second header + B1
    assert len(result.frame) + len(result.rejected) == result.summary.rows_read
    assert "A2" in set(result.frame["patient_id"]) and row_of(result, 3)["prolactin_value"] == 400


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_rows_below_a_reordered_header_are_read_in_its_order(tmp_path: Path, suffix: str) -> None:
    """A repeated header with its columns in another order: the rows below were read in the
    first header's positions (a 12 ng/mL at 45 years became 45 ng/mL at 12 years)."""
    rows: list[list[object]] = [HEAD, ["S1", "w", 40, 20]]
    rows += [["Pat.-Nr.", "Geschlecht", "Prolaktin (ng/ml)", "Alter"], ["S3", "m", 12, 45]]
    result = read(write_table(tmp_path / f"reordered{suffix}", rows))
    s3 = row_of(result, 4)
    assert (s3["prolactin_value"], s3["age_years"]) == (12, 45)
    assert [r.reason_code for r in result.rejected] == ["duplicate_header"]


def test_rows_below_a_header_lacking_a_column_are_read_in_their_own_columns(
    tmp_path: Path,
) -> None:
    # (review 24: a section lacking the age column is read with no age, not rejected whole)
    rows: list[list[object]] = [HEAD, ["S1", "w", 40, 20]]
    rows += [["Pat.-Nr.", "Geschlecht", "Prolaktin (ng/ml)", "Station"], ["S3", "m", 12, "3B"]]
    result = read(write_table(tmp_path / "lacking.xlsx", rows))
    assert list(result.frame["patient_id"]) == ["S1", "S3"]
    assert list(result.frame["prolactin_value"]) == [20, 12]
    codes = {r.source_row: r.reason_code for r in result.rejected}
    assert codes == {3: "duplicate_header"}


def test_rows_below_a_header_lacking_the_patient_column_are_rejected_not_misread(
    tmp_path: Path,
) -> None:
    rows: list[list[object]] = [HEAD, ["S1", "w", 40, 20]]
    rows += [["Geschlecht", "Prolaktin (ng/ml)", "Station"], ["m", 12, "3B"]]
    result = read(write_table(tmp_path / "lacking.xlsx", rows))
    assert list(result.frame["patient_id"]) == ["S1"]
    codes = {r.source_row: r.reason_code for r in result.rejected}
    assert codes == {3: "misaligned_columns", 4: "misaligned_columns"}
    assert "misaligned_columns" in REJECT_REASONS


@pytest.mark.parametrize("written", ["31.02.2018", "29.02.1955", "2018-13-07", "07.03.20188"])
def test_a_birth_date_that_is_no_date_is_rejected_not_judged_as_an_adult(
    tmp_path: Path, written: str
) -> None:
    """A typo in a girl's birth date left her without an age: judged on the adult interval,
    25 ng/mL read as normal (the child's interval says high).  As an unreadable age cell is,
    the row is rejected (unreadable_age) naming the cell; blank and unknown dates are not."""
    path = tmp_path / "dob.csv"
    path.write_text(
        "ID;Geschlecht;Geburtsdatum;Entnahmedatum;Prolaktin (ng/ml)\n"
        f"K1;W;{written};01.11.2026;25\nK2;W;07.03.2018;01.11.2026;25\n"
        "K3;W;;01.11.2026;25\nK4;W;unbekannt;01.11.2026;25\n"
    )
    result = read(path)
    assert sorted(result.frame["patient_id"]) == ["K2", "K3", "K4"]
    (rejected,) = result.rejected
    assert (rejected.source_row, rejected.reason_code) == (2, "unreadable_age")
    assert written in rejected.detail


@pytest.mark.parametrize(
    ("header", "recovery"),
    [("Makroprolaktin (%)", 20.0), ("macroprolactine (%)", 20.0), ("Macroprolactina (%)", 20.0),
     ("Macroprolattina %", 20.0), ("peg_rec", 80.0), ("Wiederfindung (%)", 80.0),
     ("Terugvinding na PEG", 80.0), ("Makroprolaktin PEG-Wiederfindung (%)", 80.0),
     ("Macroprolactina (recuperación tras PEG)", 80.0),
     ("Macroprolattina - recupero dopo PEG", 80.0)],
)  # fmt: skip
def test_macroprolactin_columns_in_six_languages_and_research_names(
    tmp_path: Path, header: str, recovery: float
) -> None:
    """Unread, macroprolactinaemia was missed (MRI and referral for a form without clinical
    weight) and a second PEG screen asked for."""
    path = tmp_path / "peg.csv"
    recovered = any(w in header.lower() for w in ("wiederfindung", "recupera", "recupero"))
    percent_macro = header.lower().startswith(("macro", "makro")) and not recovered
    written = 100 - recovery if percent_macro else recovery
    path.write_text(f"id,sex,age,prl_ngml,{header}\nP1,F,34,120,{written:g}\n")
    row = read(path).frame.iloc[0]
    assert row["macroprolactin_recovery_pct"] == pytest.approx(recovery)


# ------------------------------------------------------------------------------------------------
# The decimal mark of a ;-separated export: what its number columns show comes before what its
# separator implies (a ;-separated file is usually German, French or Dutch, but instrument
# middleware writes '.' decimals with three places: "12.500" ng/mL is 12.5, never 12,500)
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("other_header", "other_cells"),
    [
        ("TSH (mU/l)", ["2.15", "1.80", "3.05"]),
        ("Referenz", ["4.8-23.3", "4.8-23.3", "4.0-15.2"]),
        ("eGFR", ["88.5", "92.1", "75.25"]),
    ],
)
def test_a_semicolon_export_with_dot_decimals_elsewhere_reads_three_decimals_as_decimals(
    tmp_path: Path, other_header: str, other_cells: list[str]
) -> None:
    path = tmp_path / "middleware.csv"
    lines = [f"Pat.-Nr.;Geschlecht;Alter;Prolaktin (ng/ml);{other_header}"]
    values = ["12.500", "8.250", "15.125"]
    for n, (value, other) in enumerate(zip(values, other_cells, strict=True)):
        lines.append(f"D{n};{'wwm'[n]};40;{value};{other}")
    path.write_text("\n".join(lines) + "\n")
    result = read(path)
    assert result.frame["prolactin_value"].tolist() == pytest.approx([12.5, 8.25, 15.125])
    assert not [w for w in result.summary.warnings if "read two ways" in w]


def test_a_semicolon_export_showing_comma_decimals_elsewhere_reads_dots_as_thousands(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lis.csv"
    path.write_text(
        "Pat.-Nr.;Geschlecht;Alter;Prolaktin (mU/l);TSH (mU/l)\n"
        "D1;w;40;1.250;2,15\nD2;m;40;312;1,8\n"
    )
    result = read(path)
    assert result.frame["prolactin_value"].tolist() == [1250.0, 312.0]
    assert not [w for w in result.summary.warnings if "read two ways" in w]


def test_a_semicolon_export_that_shows_no_mark_reads_commas_and_says_so(tmp_path: Path) -> None:
    """Nothing in the file shows its mark: the separator's (',') reads "2.400" mU/l as 2400,
    and the rows are named, so that a thousandfold misreading is seen (before: silently).  A
    cell whose other reading is urgent ("12.500" ng/ml: 12.5 or 12500) is not read on that
    guess: rejected and listed with the urgent results (review 11)."""
    path = tmp_path / "bare.csv"
    path.write_text(
        "Pat.-Nr.;Geschlecht;Alter;Prolaktin;Einheit\nD1;w;40;2,400;IU/l\nD2;m;40;9;ng/ml\n"
        "D3;w;40;12.500;ng/ml\n"
    )
    result = read(path)
    # (2,400 IU/l: 2.4 IU/l, 2400 mIU/L; "2,400" mU/l, reported in whole numbers, is not read
    # as 2.4 on the separator's guess: rejected as ambiguous, review 20)
    assert result.frame["prolactin_value"].tolist() == [2400.0, 9.0]
    assert [(r.source_row, r.reason_code) for r in result.rejected] == [
        (4, "ambiguous_decimal_mark")
    ]
    said = [w for w in result.summary.warnings if "can be read two ways" in w]
    assert len(said) == 1 and "(row(s) 2)" in said[0] and "1.150 = 1150" in said[0]


def test_a_result_column_showing_both_marks_as_often_reads_the_unsure_cells_and_says_so(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "Pat.-Nr.;Geschlecht;Alter;Prolaktin (ng/ml)\n"
        "D1;w;40;12.500\nD2;w;40;23,3\nD3;m;40;1.250\nD4;w;40;12.5\n"
    )
    result = read(path)
    # review 11: 12.500 and 1.250 ng/mL have an urgent other reading: rejected, listed
    assert result.frame["prolactin_value"].tolist() == [23.3, 12.5]
    assert [(r.source_row, r.reason_code, r.possibly_urgent) for r in result.rejected] == [
        (2, "ambiguous_decimal_mark", True),
        (4, "ambiguous_decimal_mark", True),
    ]


@pytest.mark.parametrize(
    "name",
    ["Referenzwerte", "Normalwerte", "Referentiewaarden", "Valeurs de référence",
     "Reference values", "Valori di riferimento", "Valores de referencia"],
)  # fmt: skip
def test_a_sheet_named_as_reference_values_is_never_read_as_patients(
    tmp_path: Path, name: str
) -> None:
    """A workbook's sheet of reference values ("Gruppe | Geschlecht | Prolaktin": "Neugeborene
    | | 500") holds limits by group: read beside the patients' sheet, its rows were urgent
    patients "-".  It is named in a warning and not read."""
    path = tmp_path / "lab.xlsx"
    book = openpyxl.Workbook()
    data = book.active
    assert data is not None
    data.title = "Daten"
    data.append(["Pat.-Nr.", "Geschlecht", "Alter", "Prolaktin (ng/ml)"])
    data.append(["P1", "w", 40, 12])
    data.append(["P2", "m", 50, 9])
    limits = book.create_sheet(name)
    limits.append(["Gruppe", "Geschlecht", "Prolaktin (ng/ml)"])
    limits.append(["Erwachsene", "w", "4,8 - 23,3"])
    limits.append(["Schwangere", "w", "bis 400"])
    limits.append(["Neugeborene", "", 500])
    book.save(path)
    result = read(path)
    assert result.summary.sheet == "Daten"
    assert result.frame["patient_id"].tolist() == ["P1", "P2"]
    said = [w for w in result.summary.warnings if "named as reference values" in w]
    assert len(said) == 1 and repr(name) in said[0] and "were not read" in said[0]
    chosen = read(path, sheet=name)  # asked for by name, it is read
    assert chosen.summary.sheet == name


# ------------------------------------------------------------------------------------------------
# A line break inside an unquoted cell (a LIS writing a comment's Alt+Enter as a bare LF in a
# file whose records end in CR LF) is part of the cell: the record is one row, its red flag read
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("delimiter", ["\t", ";", ","])
def test_a_bare_line_feed_in_an_unquoted_cell_stays_in_its_record(
    tmp_path: Path, delimiter: str
) -> None:
    header = ["Pat.-Nr.", "Geschlecht", "Alter", "Prolaktin (ng/ml)", "Bemerkung", "Station"]
    lines = [
        delimiter.join(header),
        delimiter.join(["Q1", "w", "40", "60", "Pat. klagt über\nSehstörungen seit 2 Wo.", "Endo"]),
        delimiter.join(["Q2", "m", "40", "25", "ok", "Endo"]),
    ]
    path = tmp_path / "lis.txt"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    result = read(path)
    assert result.frame["patient_id"].tolist() == ["Q1", "Q2"]
    # the comment's second line is a row of its own in a spreadsheet (fix75): listed, and Q2
    # keeps the row number a spreadsheet shows it under
    assert [(r.source_row, r.reason_code, r.patient_id) for r in result.rejected] == [
        (3, "not_a_result_row", "Q1")
    ]
    assert "Sehstörungen" in result.frame["comments"].iloc[0]
    assert result.frame["source_row"].tolist() == [2, 4]
    assert any("line break inside an unquoted cell" in w for w in result.summary.warnings)


def test_records_ending_in_a_bare_line_feed_are_not_joined(tmp_path: Path) -> None:
    """A file of mixed line ends (two exports pasted together) keeps each line a record: only a
    record whose pieces make up exactly the header's fields is joined."""
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        b"ID;Sex;Age;PRL (ng/ml)\r\nA1;w;40;12\r\nA2;w;41;13\nA3;m;42;14\r\nA4;m;43;15\r\n"
    )
    result = read(path)
    assert result.frame["patient_id"].tolist() == ["A1", "A2", "A3", "A4"]
    assert not any("line break inside an unquoted cell" in w for w in result.summary.warnings)


def test_a_utf8_file_with_one_line_in_a_windows_code_page_keeps_its_letters(
    tmp_path: Path,
) -> None:
    """One line typed in or appended from a Windows export: the file as a whole was read as a
    DOS code page, every umlaut broke, and "Sehstörungen" (a red flag) was lost."""
    rows = [
        "Pat.-Nr.;Name;Geschlecht;Alter;Prolaktin (ng/ml);Bemerkung",
        "E1;Schäfer, Jürgen;männlich;40;60;Sehstörungen, Gesichtsfeldausfälle",
        "E2;Größe, Anna;weiblich;40;60;Kopfschmerzen, Sehstörungen",
    ]
    data = "\r\n".join(rows).encode("utf-8") + b"\r\n"
    data += "E4;Müller, Karl;männlich;50;20;".encode("cp1252") + b"\r\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    result = read(path)
    assert result.frame["patient_name"].tolist() == [
        "Schäfer, Jürgen",
        "Größe, Anna",
        "Müller, Karl",
    ]
    assert result.frame["sex"].tolist() == ["M", "F", "M"]
    assert "Sehstörungen" in result.frame["comments"].iloc[0]
    said = [w for w in result.summary.warnings if "not UTF-8" in w]
    assert len(said) == 1 and "1 line(s) in cp1252" in said[0]


@pytest.mark.parametrize(
    ("group", "grand"),
    [("Ergebnis", "Gesamtergebnis"), ("Mittelwert", "Gesamtmittelwert"),
     ("Total", "Grand Total"), ("Average", "Grand Average"), ("Media", "Media complessiva"),
     ("Gemiddelde", "Eindgemiddelde")],
)  # fmt: skip
def test_excel_subtotal_rows_named_after_their_group_are_not_patients(
    tmp_path: Path, group: str, grand: str
) -> None:
    """Excel's Data > Subtotal writes "<group> Ergebnis" / "<group> Average" rows under each
    group and a grand one at the end: they were triaged as patients "-", urgent at 255 ng/mL."""
    path = tmp_path / "subtotals.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Station", "Pat.-Nr.", "Geschlecht", "Alter", "Prolaktin (ng/ml)"])
    sheet.append(["Innere 3A", "P1", "w", 40, 250])
    sheet.append(["Innere 3A", "P2", "w", 40, 260])
    sheet.append([f"Innere 3A {group}", None, None, None, 255])
    sheet.append(["Psychiatrie", "P3", "w", 40, 95])
    sheet.append([f"Psychiatrie {group}", None, None, None, 95])
    sheet.append([grand, None, None, None, 155])
    book.save(path)
    result = read(path)
    assert result.frame["patient_id"].tolist() == ["P1", "P2", "P3"]
    assert [(r.source_row, r.reason_code) for r in result.rejected] == [
        (4, "not_a_result_row"),
        (6, "not_a_result_row"),
        (7, "not_a_result_row"),
    ]


def test_dos_end_of_file_mark_after_the_last_value_is_no_part_of_it(tmp_path: Path) -> None:
    """Older LIS and terminal exports end with Ctrl-Z (0x1A): "300\\x1a" was an unparseable
    result, and its urgent line lost."""
    path = tmp_path / "dos.csv"
    path.write_bytes(b"ID;Sex;Age;PRL (ng/ml)\r\nA1;w;40;12\r\nA2;m;40;300\x1a")
    result = read(path)
    assert result.frame["prolactin_value"].tolist() == [12.0, 300.0]
    assert not result.rejected


@pytest.mark.parametrize(
    ("cell", "sex", "low", "high"),
    [("25,1 (4,8 - 23,3)", "w", 4.8, 23.3), ("25,1 [4,8-23,3]", "w", 4.8, 23.3),
     ("25,1 H (4,8-23,3)", "w", 4.8, 23.3), ("17 (4,0-15,2)", "m", 4.0, 15.2)],
)  # fmt: skip
def test_the_labs_interval_written_in_the_result_cell_is_the_rows(
    tmp_path: Path, cell: str, sex: str, low: float, high: float
) -> None:
    """Printed and cumulative LIS reports write the interval after the value: judged against
    the set's 3-30 ng/mL instead, 25.1 in a woman was a false normal."""
    path = tmp_path / "inline.csv"
    path.write_text(f"Pat.-Nr.;Geschlecht;Alter;Prolaktin (ng/ml)\nI1;{sex};40;{cell}\n")
    result = read(path)
    row = result.frame.iloc[0]
    assert (row["reference_low"], row["reference_high"]) == (low, high)
    assert any("interval in the cell" in w for w in result.summary.warnings)


@pytest.mark.parametrize("error", ["#WERT!", "#VALUE!", "#NV", "#N/A", "#DIV/0!", "#¡VALOR!"])
def test_a_spreadsheet_error_in_the_age_column_is_no_adult_age(tmp_path: Path, error: str) -> None:
    """An age formula that failed ("#WERT!" when the birth date was text) was read as no age, the
    whole column thrown away, and a possible child judged on the adult interval: the row is
    rejected as unreadable_age unless a birth date gives the age."""
    path = tmp_path / "ages.csv"
    path.write_text(
        f"Pat.-Nr.;Geschlecht;Alter;Prolaktin (ng/ml)\nA1;w;{error};25\nA2;w;;25\nA3;w;8;25\n",
        encoding="utf-8",
    )
    result = read(path)
    assert result.summary.mapping.get("age_years") == "Alter"
    assert [(r.source_row, r.reason_code) for r in result.rejected] == [(2, "unreadable_age")]
    assert result.frame["patient_id"].tolist() == ["A2", "A3"]


def test_a_table_naming_no_patient_says_so(tmp_path: Path) -> None:
    """An urgent result must be traceable to a patient: a table whose columns name none (an
    unrecognised number column, or none at all) is warned about, with the fix."""
    path = tmp_path / "nobody.csv"
    path.write_text("Matricola;Sesso;Prolattina (ng/mL)\nX123;F;300\n")
    result = read(path)
    assert len(result.frame) == 1
    assert any("no patient column" in w for w in result.summary.warnings)
    path.write_text("Cod. paziente;Sesso;Prolattina (ng/mL)\nX123;F;300\n")
    result = read(path)
    assert result.frame["patient_id"].tolist() == ["X123"]
    assert not any("no patient column" in w for w in result.summary.warnings)


@pytest.mark.parametrize("delimiter", [";", "\t", "|", ","])
@pytest.mark.parametrize("titles", [1, 3, 6])
@pytest.mark.parametrize("rows", [1, 2])
def test_title_lines_never_outvote_a_small_tables_delimiter(
    tmp_path: Path, delimiter: str, titles: int, rows: int
) -> None:
    """A one- or two-patient export under a lab's title lines (no delimiter in them) is split
    by its own delimiter, however many title lines stand above it; decimal commas in a
    semicolon file do not make it a comma file."""
    title = ["Labor Musterstadt - Prolaktin", "Station 7", "Gedruckt 04.03.2026", "", "Seite 1"]
    head = [title[i % len(title)] for i in range(titles)]
    decimal = "," if delimiter != "," else "."
    table = [
        delimiter.join(["Patient ID", "Geschlecht", "Alter", "Prolaktin", "Einheit"]),
        *(delimiter.join([f"T{i}", "w", "30", f"25{decimal}0", "ng/ml"]) for i in range(rows)),
    ]
    path = tmp_path / "titled.csv"
    path.write_text("\n".join([*head, *table]) + "\n", encoding="utf-8")
    result = read(path)
    assert result.frame["prolactin_value"].tolist() == [25.0] * rows
    assert result.frame["patient_id"].tolist() == [f"T{i}" for i in range(rows)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_a_byte_order_mark_inside_a_file_is_no_character(tmp_path: Path, encoding: str) -> None:
    """Two exports joined with `cat` carry the second one's byte-order mark before its header:
    the header is a repeat (duplicate_header) and the rows under it are triaged; a mark or a
    zero-width space pasted into a cell is no part of the value or the id."""
    part = "Patient ID,Sex,Age,Prolactin (ng/mL)\n"
    first = (part + "B1,F,30,25.0\n").encode(encoding)
    second = ("\ufeff" + part + "B2,M,40,300.0\nB3\ufeff,F,30,\u200b45.0\n").encode("utf-8")
    path = tmp_path / "joined.csv"
    path.write_bytes(first + second)
    result = read(path)
    assert result.frame["patient_id"].tolist() == ["B1", "B2", "B3"]
    assert result.frame["prolactin_value"].tolist() == [25.0, 300.0, 45.0]
    assert [r.reason_code for r in result.rejected] == ["duplicate_header"]


def test_invisible_marks_in_workbook_cells_are_dropped(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Patient ID", "Sex", "Prolactin (ng/mL)"])
    sheet.append(["W1", "F", "\ufeff45.0"])
    sheet.append(["W2", "F\u200b", "300\u2060"])
    path = tmp_path / "marks.xlsx"
    book.save(path)
    result = read(path)
    assert result.frame["prolactin_value"].tolist() == [45.0, 300.0]
    assert result.frame["sex"].tolist() == ["F", "F"]


@pytest.mark.parametrize(
    ("header", "cells", "second", "value"),
    [("Patient ID,Sex,Prolactin,Unit,Prolactin,Unit", "12.0,ng/mL,6000,mIU/L", "E", 6000.0),
     ("Pat.-Nr.,Geschlecht,Prolaktin,Einheit,Prolaktin,Einheit", "12.0,ng/ml,6000,mU/l", "E",
      6000.0),
     ("NHC,Sexo,Prolactina (ng/mL),Prolactina (ng/mL)", "12.0,283", "D", 283.0)],
)  # fmt: skip
def test_two_columns_headed_as_prolactin_are_each_read(
    tmp_path: Path, header: str, cells: str, second: str, value: float
) -> None:
    """Two prolactin results in each row and nothing to say which is the one (a repeat, a second
    visit): each is read as a result of its own, in the unit of the unit column beside it
    (review 20; before, neither was triaged and the whole file was refused); the mapping file
    still names one to triage alone."""
    path = tmp_path / "twice.csv"
    path.write_text(f"{header}\nD1,F,{cells}\n")
    both = read(path)
    assert both.frame["prolactin_value"].tolist() == [12.0, value]
    units = both.frame["prolactin_unit"].tolist()
    assert units[0] == "ng/mL" and units[1] == ("mIU/L" if value == 6000.0 else "ng/mL")
    mapping = tmp_path / "map.toml"
    mapping.write_text(f'[columns]\nprolactin = "column {second}"\n')
    result = read_file(path, load_mapping(mapping), ReadOptions())
    assert result.frame["prolactin_value"].tolist() == [value]


def test_a_folder_reads_text_and_json_files_only_when_they_hold_results(tmp_path: Path) -> None:
    """A folder of exports also holds notes and metadata (README.txt, a copier's
    manifest.json): read, they made the run fail on its other files (exit 4) and batch mode put
    them in failed/ every day.  A .txt or .json of results (HL7 segments, a FHIR resource, a
    table naming prolactin) is read; a file given by name always is."""
    from triage.io import expand_inputs

    (tmp_path / "README.txt").write_text("Daily exports from the LIS, one file per day.\n")
    (tmp_path / "manifest.json").write_text('{"files": ["a.csv"], "copied": "2026-03-04"}')
    (tmp_path / "results.txt").write_text("MRN\tProlaktin\nA1\t12\n")
    (tmp_path / "feed.txt").write_text("MSH|^~\\&|LIS|LAB|||202603040800||ORU^R01|1|P|2.5\r")
    (tmp_path / "bundle.json").write_text('{"resourceType": "Bundle", "type": "collection"}')
    (tmp_path / "a.csv").write_text("MRN,Prolactin\nA1,12\n")
    names = [p.name for p in expand_inputs([tmp_path])]
    assert names == ["a.csv", "bundle.json", "feed.txt", "results.txt"]
    assert [p.name for p in expand_inputs([tmp_path / "README.txt"])] == ["README.txt"]


def test_rejection_details_say_what_the_cell_holds(tmp_path: Path) -> None:
    """A missing-data mark in the result cell is named as written (not "empty"), and a unit
    cell holding a spreadsheet error names the error (not "empty")."""
    path = tmp_path / "marks.csv"
    path.write_text("MRN,Prolactin,Unit\nA1,12,#VALUE!\nA2,NULL,ng/mL\nA3,,ng/mL\n")
    details = {r.source_row: r.detail for r in read(path).rejected}
    assert "holds the spreadsheet error '#VALUE!'" in details[2]
    assert details[3] == "the prolactin cell holds no result ('NULL': a missing-data mark)"
    assert details[4] == "the prolactin cell is empty"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "u16.csv"
    path.write_bytes("MRN;Prolaktin (µg/l)\nA1;12,5\n".encode(encoding))
    assert read(path).frame["prolactin_value"].tolist() == [12.5]


def test_files_of_one_name_from_two_folders_are_told_apart(tmp_path: Path) -> None:
    """site_a/export.csv and site_b/export.csv in one run: each result and rejected row names
    its own file (both were "export.csv", rows 2, 3 ... twice)."""
    from triage.io import read_each

    for site in ("site_a", "site_b"):
        (tmp_path / site).mkdir()
        (tmp_path / site / "export.csv").write_text("MRN,Prolactin (ng/mL)\nA1,12\n")
    (tmp_path / "other.csv").write_text("MRN,Prolactin (ng/mL)\nA2,13\n")
    paths = [tmp_path / "site_a" / "export.csv", tmp_path / "site_b" / "export.csv"]
    reads = list(read_each([*paths, tmp_path / "other.csv"]))
    files = [r.summary.file for r in reads if not isinstance(r, InputFileError)]
    assert files == ["site_a/export.csv", "site_b/export.csv", "other.csv"]
    frames = [r.frame for r in reads if not isinstance(r, InputFileError)]
    assert [f["source_file"].iloc[0] for f in frames] == files


@pytest.mark.parametrize(
    "rule", ["-----,----,---,----", "=====,,,", "____,____,____,____", ",,,---"]
)
def test_a_row_that_draws_a_line_is_no_result(tmp_path: Path, rule: str) -> None:
    """A printed report's separator row: listed as not_a_result_row, not as an unparseable
    result; a lone '--' as a result beside a patient stays a missing result."""
    path = tmp_path / "ruled.csv"
    path.write_text(f"MRN,Sex,Age,Prolactin (ng/mL)\nA1,F,30,12\n{rule}\nA2,M,40,--\n")
    result = read(path)
    reasons = {r.source_row: r.reason_code for r in result.rejected}
    assert reasons == {3: "not_a_result_row", 4: "missing_result"}
