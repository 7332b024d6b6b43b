"""Input faults found by the outside review of stop 30, each fixed as a class: a repeated header
whose columns are reordered, shifted or one more or fewer; a second prolactin result column told
apart by any words; numeric sex codes read without a codebook."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pipeline_helpers import triage_csv, write_table

from triage.io import FileRead, ReadOptions, load_mapping, read_file
from triage.schema import InputFileError


def _read(path: Path) -> FileRead:
    return read_file(path, None, ReadOptions())


FIRST = ["MRN", "Name", "Sex", "DOB", "Collected", "Prolactin (mIU/L)"]
ABOVE: list[list[object]] = [
    ["A100", "Adams Ann", "F", "1990-02-03", "2026-03-01", 350],
    ["A101", "Brown Bea", "F", "1988-05-06", "2026-03-01", 420],
    ["A102", "Clark Carl", "M", "1975-07-08", "2026-03-01", 210],
]


def _second(header: list[str], values: dict[str, object]) -> list[object]:
    def key(title: str) -> str:
        return title.split("(")[0].strip().casefold()

    by_key = {key(title): value for title, value in values.items()}
    return [by_key.get(key(title), "") for title in header]


B200 = {
    "MRN": "B200",
    "Name": "Evans Eve",
    "Sex": "F",
    "DOB": "1992-03-04",
    "Collected": "2026-03-02",
    "Prolactin (mIU/L)": 7400,
    "Ward": "ENDO",
}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize(
    "header",
    [
        ["Name", "MRN", "DOB", "Sex", "Prolactin (mIU/L)", "Collected"],  # reordered
        ["MRN", "Ward", "Name", "Sex", "DOB", "Collected", "Prolactin (mIU/L)"],  # one inserted
        ["Ward", *FIRST],  # all shifted one to the right
        ["Collected", "Prolactin (mIU/L)", "MRN", "Name", "Sex", "DOB"],  # rotated
        ["mrn", "NAME", "sex", "dob", "collected", "Prolactin"],  # unit left out, other case
    ],
)
def test_a_repeated_header_in_another_order_is_read_in_its_order(
    tmp_path: Path, suffix: str, header: list[str]
) -> None:
    """A second export pasted below the first with its columns in another order: the header was
    not recognised, its rows were read in the first header's positions (an urgent 7400 mIU/L
    rejected as "not a number"), and the misplaced cells made the file's Sex column unusable."""
    rows: list[list[object]] = [FIRST, *ABOVE, header, _second(header, B200)]
    result = _read(write_table(tmp_path / f"pasted{suffix}", rows))
    assert len(result.frame) + len(result.rejected) == result.summary.rows_read == 5
    assert [(r.source_row, r.reason_code) for r in result.rejected] == [(5, "duplicate_header")]
    frame = result.frame.set_index("patient_id")
    assert frame.loc["B200", "prolactin_value"] == 7400
    assert frame.loc["B200", "sex"] == "F"
    assert str(frame.loc["B200", "collected_at"])[:10] == "2026-03-02"
    # the rows above keep their sex: the rows below no longer spoil the Sex column
    assert list(frame.loc[["A100", "A102"], "sex"]) == ["F", "M"]


def test_a_repeated_header_lacking_a_column_in_another_order_is_read_with_it_blank(
    tmp_path: Path,
) -> None:
    # (review 24: a second export without a birth-date column is read in its own order, its
    # rows without a birth date and the run says so; it was rejected whole, an urgent 7400
    # mIU/L with it)
    header = ["Name", "MRN", "Sex", "Prolactin (mIU/L)", "Collected"]  # no DOB
    rows: list[list[object]] = [FIRST, *ABOVE, header, _second(header, B200)]
    result = _read(write_table(tmp_path / "lacking.xlsx", rows))
    assert list(result.frame["patient_id"]) == ["A100", "A101", "A102", "B200"]
    frame = result.frame.set_index("patient_id")
    assert frame.loc["B200", "prolactin_value"] == 7400
    codes = {r.source_row: r.reason_code for r in result.rejected}
    assert codes == {5: "duplicate_header"}
    assert any("has no column 'DOB'" in w for w in result.summary.warnings)


def test_a_row_naming_two_titles_among_results_is_no_header(tmp_path: Path) -> None:
    """A data row is not a header because one cell happens to equal a title."""
    rows: list[list[object]] = [
        ["MRN", "Sex", "Age", "Test", "Result", "Unit"],
        ["A1", "F", 30, "Prolactin", 25, "ng/mL"],
        ["A2", "F", 31, "Prolactin", 30, "ng/mL"],
    ]
    result = _read(write_table(tmp_path / "long.csv", rows))
    assert list(result.frame["patient_id"]) == ["A1", "A2"]
    assert result.rejected == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Prolactin", "Prolactin.1"),
        ("Prolactin 1st", "Prolactin 2nd"),
        ("Prolaktin Aufnahme", "Prolaktin Entlassung"),
        ("prolactin_morning", "prolactin_evening"),
        ("PRL (visit A)", "PRL (visit B)"),
        ("Prolactin Jan 2025", "Prolactin Jul 2025"),
        ("prolactin_a", "prolactin_b"),
        ("Prolactine admission", "Prolactine sortie"),
        ("Prolactina ingreso", "Prolactina alta"),
        ("Prolattina ricovero", "Prolattina dimissione"),
        ("Prolactine opname", "Prolactine ontslag"),
    ],
)
def test_two_prolactin_result_columns_are_each_read_whatever_tells_them_apart(
    tmp_path: Path, first: str, second: str
) -> None:
    """A second prolactin column was silently ignored unless its header used a listed visit
    word: 300 ng/mL beside 20 vanished.  Then the file was refused whole (no result of it
    listed, not even an urgent one); each column is now a result of its own, told apart by its
    label in `visit` (review 20, io/series_columns.py)."""
    path = tmp_path / "two.csv"
    path.write_text(f"id,sex,age,{first},{second},unit\nV1,F,30,20,300,ng/mL\n")
    result = _read(path)
    assert result.rejected == []
    assert list(result.frame["prolactin_value"]) == [20.0, 300.0]
    visits = list(result.frame["visit"])
    assert all(isinstance(v, str) and v for v in visits) and visits[0] != visits[1]


@pytest.mark.parametrize("results", [["Result 1", "Result 2", "Result 3"], ["Result", "Result"]])
def test_two_result_columns_of_a_long_file_are_refused(tmp_path: Path, results: list[str]) -> None:
    values = ",".join(["20", "300", "25"][: len(results)])
    path = tmp_path / "long.csv"
    path.write_text(
        f"MRN,Sex,Age,Test,Unit,{','.join(results)}\nV1,F,30,Prolactin,ng/mL,{values}\n"
    )
    with pytest.raises(InputFileError, match="none is triaged"):
        _read(path)


@pytest.mark.parametrize(
    ("companion", "cell"),
    [
        ("Prolactin unit", "ng/mL"),
        ("Prolactin flag", "H"),
        ("Prolactin ref range", "3-25"),
        ("Prolactin comment", "haemolysed"),
        ("Prolactin date", "2025-01-01"),
        ("post-PEG prolactin (ng/mL)", "12"),
        ("monomeric prolactin (ng/mL)", "12"),
        ("macroprolactin %", "40"),
        ("Prolactin upper limit", "25"),
        ("Prolaktin Obergrenze", "25"),
        ("Prolactine norme sup", "25"),
        ("Prolactina limite superiore", "25"),
        ("Prolactine bovengrens", "25"),
        ("Prolactin MoM", "1.2"),
        ("Prolactin lab", "Central"),
        ("Prolactin (mIU/L)", "424"),  # the same result in the other unit
        ("Prolactin 1:10", "20"),  # re-assayed after dilution
    ],
)
def test_a_companion_of_the_prolactin_result_is_no_second_result(
    tmp_path: Path, companion: str, cell: str
) -> None:
    path = tmp_path / "companion.csv"
    path.write_text(f"id,sex,age,Prolactin (ng/mL),{companion}\nV1,F,30,20,{cell}\n")
    assert list(_read(path).frame["prolactin_value"]) == [20]


@pytest.mark.parametrize("code", ["1", "2", "1.0", "2.00"])
def test_a_numeric_sex_code_without_a_codebook_is_no_sex(tmp_path: Path, code: str) -> None:
    """ "2" was read as ISO 5218's female: under a codebook of 1 = female, 2 = male a man's
    25 ng/mL (above the male interval) came out normal against the female one."""
    results = triage_csv(tmp_path, f"record_id,sex,age,prl_ngml\nR2,{code},45,25\n")
    row = results.iloc[0]
    assert pd.isna(row["sex"])
    assert row["status"] != "normal"
    assert row["priority"] != "none"


def test_numeric_sex_codes_say_how_to_map_them(tmp_path: Path) -> None:
    path = tmp_path / "coded.csv"
    path.write_text("record_id,sex,age,prl_ngml\nR1,1,45,25\nR2,2,45,25\n")
    result = _read(path)
    assert result.frame["sex"].isna().all()
    said = [w for w in result.summary.warnings if "numeric sex codes" in w]
    assert said and "unknown" in said[0] and '[values.sex] "1"' in said[0]


@pytest.mark.parametrize(
    ("header", "mapping", "expected"),
    [
        ('"sex (1=female, 2=male)"', "", ["F", "M"]),
        ("Geschlecht [1 = weiblich; 2 = männlich]", "", ["F", "M"]),
        ("sex", '[values.sex]\n"1" = "M"\n"2" = "F"\n', ["M", "F"]),
        ("sex", '[values.sex]\n"1" = "F"\n"2" = "M"\n', ["F", "M"]),
    ],
)
def test_numeric_sex_codes_with_a_codebook_are_read_by_it(
    tmp_path: Path, header: str, mapping: str, expected: list[str]
) -> None:
    path = tmp_path / "coded.csv"
    path.write_text(f"record_id,{header},age,prl_ngml\nR1,1,45,25\nR2,2,45,25\n")
    columns = None
    if mapping:
        (tmp_path / "map.toml").write_text(mapping)
        columns = load_mapping(tmp_path / "map.toml")
    result = read_file(path, columns, ReadOptions())
    assert result.frame["sex"].tolist() == expected


def _formatted(
    tmp_path: Path, header: list[object], row: list[object], formats: dict[str, str]
) -> Path:
    """A workbook of one result row whose cells ``formats`` (A1 reference -> number format)
    are shown through those formats."""
    path = write_table(tmp_path / "formatted.xlsx", [header, row])
    book = openpyxl.load_workbook(path)
    for ref, number_format in formats.items():
        book.worksheets[0][ref].number_format = number_format
    book.save(path)
    return path


# number format -> the value shown through it and the prolactin unit it is read in
UNIT_FORMATS: dict[str, tuple[float, str]] = {
    '0.0 "ng/mL"': (25.5, "ng/mL"),
    '#,##0 "mU/L"': (6200, "mIU/L"),
    '0 "mIU/L"': (450, "mIU/L"),
    '0.0" µg/l"': (28, "ng/mL"),
    '0\\ "µIU/mL";-0\\ "µIU/mL"': (380, "mIU/L"),
}


@pytest.mark.parametrize("number_format", sorted(UNIT_FORMATS))
def test_a_unit_shown_through_the_number_format_is_the_cells_unit(
    tmp_path: Path, number_format: str
) -> None:
    value, unit = UNIT_FORMATS[number_format]
    """A cell showing "6200 mU/L" through its format was rejected as unknown_unit (calamine
    gives the bare number; the unit lives in the format)."""
    path = _formatted(
        tmp_path,
        ["patient_id", "sex", "age", "prolactin"],
        ["X1", "F", 35, value],
        {"D2": number_format},
    )
    result = _read(path)
    assert result.rejected == []
    row = result.frame.iloc[0]
    assert (row["prolactin_value"], row["prolactin_unit"]) == (value, unit)


def test_a_number_format_with_other_text_is_no_unit(tmp_path: Path) -> None:
    path = _formatted(
        tmp_path,
        ["patient_id", "sex", "age", "prolactin (ng/mL)"],
        ["X1", "F", 35, 25],
        {"C2": '0 "years"', "D2": '0.0 "approx"'},
    )
    row = _read(path).frame.iloc[0]
    assert (row["prolactin_value"], row["prolactin_unit"], row["age_years"]) == (25, "ng/mL", 35)


@pytest.mark.parametrize(
    ("dob", "birth"),
    [
        ("45292", "2024-01-01"),  # every birth date a serial
        ("32874", "1990-01-01"),
    ],
)
@pytest.mark.parametrize("other", ["", "2019-03-01", "01.03.2019", "01/03/2019"])
def test_excel_serial_birth_dates_in_a_text_file_are_dates(
    tmp_path: Path, dob: str, birth: str, other: str
) -> None:
    """A birth date written as an Excel serial (45292) beside text dates (an export pasted
    into another) was rejected as unreadable_age, where the collection column read it."""
    text = f"MRN,Sex,DOB,Collected,Prolactin (ng/mL)\nT1,F,{dob},46082,25\n"
    if other:
        text += f"T2,F,{other},46082,25\n"
    path = tmp_path / "serials.csv"
    path.write_text(text)
    result = _read(path)
    assert result.rejected == []
    births = result.frame.set_index("patient_id")["birth_date"]
    assert births["T1"] == pd.Timestamp(birth)
    if other:
        assert births["T2"] == pd.Timestamp("2019-03-01")
    assert any("DOB" in w and "Excel serial" in w for w in result.summary.warnings)


def test_a_serial_beside_text_that_is_no_date_is_not_read_as_a_date(tmp_path: Path) -> None:
    """A column whose other texts are no dates may be shifted: its numbers stay unread."""
    path = tmp_path / "shifted.csv"
    path.write_text("MRN,Sex,Age,DOB,Prolactin (ng/mL)\nT1,F,30,45292,25\nT2,F,30,Station 4B,25\n")
    result = _read(path)
    assert result.frame["birth_date"].isna().all()
    assert not any("Excel serial" in w for w in result.summary.warnings)


@pytest.mark.parametrize(
    "code", ["##USER_MISSING_95##", "##USER_MISSING_99##", "##user_missing_97##", "##USER_NA##"]
)
def test_an_edc_missing_code_is_missing_in_every_field(tmp_path: Path, code: str) -> None:
    """Castor EDC's user-missing codes: an age read as unreadable (the row rejected), an eGFR
    "could not be read as a number"."""
    path = tmp_path / "castor.csv"
    path.write_text(
        "Participant Id;sex;age;prolactin_ngml;egfr;pregnant\n"
        f"110001;Female;{code};45;{code};{code}\n110002;{code};40;20;62;No\n"
    )
    result = _read(path)
    assert result.rejected == []
    frame = result.frame.set_index("patient_id")
    assert pd.isna(frame.loc["110001", "age_years"]) and pd.isna(frame.loc["110001", "egfr"])
    assert pd.isna(frame.loc["110002", "sex"]) and frame.loc["110002", "egfr"] == 62
    assert not any("could not be read" in w or "USER" in w for w in result.summary.warnings)


def test_an_edc_missing_code_in_the_result_is_a_rejected_row(tmp_path: Path) -> None:
    path = tmp_path / "castor.csv"
    path.write_text("Participant Id;sex;age;prolactin_ngml\n110004;Female;29;##USER_MISSING_99##\n")
    result = _read(path)
    assert len(result.frame) == 0 and [r.source_row for r in result.rejected] == [2]


IU_LOOKING = ["0.45", "0.62", "5.8", "0.31"]  # IU/L values (Dutch labs) written as mIU/L


@pytest.mark.parametrize(
    ("header", "unit"),
    [("Prolactin (mIU/L)", ""), ("Prolaktin (mU/l)", ""), ("Prolactine", "µIU/mL")],
)
def test_a_column_of_impossibly_low_miu_values_is_said_to_look_like_iu(
    tmp_path: Path, header: str, unit: str
) -> None:
    """0.45 "mIU/L" (0.45 IU/L = 450 mIU/L, raised in a man) came out low with no warning."""
    cells = [f"{value},{unit}" if unit else value for value in IU_LOOKING]
    head = f"MRN,Sex,Age,{header}" + (",Unit" if unit else "")
    path = tmp_path / "iu.csv"
    path.write_text("\n".join([head, *(f"P{i},M,40,{c}" for i, c in enumerate(cells))]) + "\n")
    result = _read(path)
    said = [w for w in result.summary.warnings if "look like IU/L" in w]
    assert said and "4 of 4" in said[0]


@pytest.mark.parametrize(
    "values",
    [
        ["350", "420", "5.8", "280"],  # one patient on a dopamine agonist
        ["<5", "<5", "<5", "300"],  # below the measuring range, as written
        ["0", "0", "0", "300"],
    ],
)
def test_real_miu_values_are_not_said_to_look_like_iu(tmp_path: Path, values: list[str]) -> None:
    path = tmp_path / "miu.csv"
    rows = [f"P{i},F,40,{v}" for i, v in enumerate(values)]
    path.write_text("\n".join(["MRN,Sex,Age,Prolactin (mIU/L)", *rows]) + "\n")
    assert not any("look like IU/L" in w for w in _read(path).summary.warnings)


def test_values_written_in_iu_per_litre_are_not_said_to_look_like_iu(tmp_path: Path) -> None:
    path = tmp_path / "iu.csv"
    rows = [f"P{i},F,40,{v}" for i, v in enumerate(IU_LOOKING)]
    path.write_text("\n".join(["MRN,Sex,Age,Prolactin (IU/L)", *rows]) + "\n")
    result = _read(path)
    assert list(result.frame["prolactin_value"]) == [450, 620, 5800, 310]
    assert not any("look like IU/L" in w for w in result.summary.warnings)


def _cohort(tmp_path: Path, sheet: str, choices: str) -> Path:
    """A research workbook: its data and, in sheet ``sheet``, its data dictionary."""
    book = openpyxl.Workbook()
    data = book.active
    assert data is not None
    data.title = "Data"
    for row in [
        ["record_id", "sex", "age", "prl (ng/mL)"],
        ["R1", 1, 30, 25],
        ["R2", 2, 45, 25],
    ]:
        data.append(row)
    dictionary = book.create_sheet(sheet)
    for row in [
        ["Variable / Field Name", "Form Name", "Field Type", "Field Label", "Choices"],
        ["record_id", "baseline", "text", "Record ID", None],
        ["sex", "baseline", "radio", "Sex", choices],
        ["prl", "labs", "text", "Prolactin (ng/mL)", None],
    ]:
        dictionary.append(row)
    book.save(tmp_path / "cohort.xlsx")
    return tmp_path / "cohort.xlsx"


@pytest.mark.parametrize(
    "sheet",
    ["Data dictionary", "Codebook", "Datenwörterbuch", "Dictionnaire des données",
     "Diccionario de datos", "Dizionario dati", "Codeboek"],
)  # fmt: skip
@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        ("1, Female | 2, Male", ["F", "M"]),
        ("1, Male | 2, Female", ["M", "F"]),
        ("1 = weiblich; 2 = männlich", ["F", "M"]),
    ],
)
def test_the_workbooks_data_dictionary_states_the_sex_codes(
    tmp_path: Path, sheet: str, choices: str, expected: list[str]
) -> None:
    """The codebook sheet was read as a results sheet (its "prl" row a result "prl_date"), and
    the sex codes it states were guessed as ISO 5218 instead."""
    result = _read(_cohort(tmp_path, sheet, choices))
    assert result.summary.sheet == "Data"
    assert result.frame["sex"].tolist() == expected
    assert result.rejected == []
    assert any(sheet in w and "codes sex as" in w for w in result.summary.warnings)


def test_a_second_result_in_the_other_unit_column_is_not_silently_left_out(
    tmp_path: Path,
) -> None:
    """ "Prolactin (mIU/L)" 20 beside "Prolactin (ng/mL)" 300 in one row: two results, not one
    converted; only the first is triaged, and the run says so."""
    path = tmp_path / "units.csv"
    path.write_text(
        "id,sex,age,Prolactin (mIU/L),Prolactin (ng/mL)\nV1,F,30,20,300\nV2,F,30,424,20\n"
    )
    said = [w for w in _read(path).summary.warnings if "no conversion of each other" in w]
    assert len(said) == 1 and said[0].startswith("1 row(s)") and "row 2" in said[0]


def test_the_same_result_in_both_units_is_no_second_result(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text(
        "id,sex,age,Prolactin (ng/mL),Prolactin (mIU/L)\nV1,F,30,20,424\nV2,F,30,12.5,265\n"
    )
    result = _read(path)
    assert list(result.frame["prolactin_value"]) == [20, 12.5]
    assert not any("no conversion of each other" in w for w in result.summary.warnings)


@pytest.mark.parametrize(
    ("second", "values"),
    [("Prolactin Vorwert", ("38", "12")), ("Prolactine valeur précédente", ("38", "12")),
     ("Prolactina valor anterior", ("38", "12")), ("Prolattina valore precedente", ("38", "12")),
     ("Prolactine vorige waarde", ("38", "12")), ("Prolactin result ID", ("12345", "12346")),
     ("Prolactin (µg/L)", ("45", "12")), ("Prolactin SI", ("954", "254"))],
)  # fmt: skip
def test_an_earlier_value_an_id_or_the_same_result_again_is_no_second_result(
    tmp_path: Path, second: str, values: tuple[str, str]
) -> None:
    """Stop 30 regression review: a file printing the previous value (in any language), an id,
    or the same result in the other unit beside the result was refused (exit 3)."""
    from pipeline_helpers import triage_csv

    body = (
        f"Patient ID,Sex,Age,Prolactin (ng/mL),{second}\n"
        f"C1,F,34,45,{values[0]}\nC2,M,50,12,{values[1]}\n"
    )
    frame = triage_csv(tmp_path, body)
    assert frame["prolactin_value"].tolist() == [45.0, 12.0]


@pytest.mark.parametrize(
    "header", ["Sex (1-male 2-female)", "Sex (1 male / 2 female)", "Sex (ISO 5218)",
               "Geschlecht (1 männlich, 2 weiblich)"]
)  # fmt: skip
def test_a_sex_codebook_in_the_header_is_read_in_any_spelling(tmp_path: Path, header: str) -> None:
    """Stop 30 regression review: a header stating the codes with a dash or a space, or naming
    ISO 5218, made every sex unknown (a man's 27 ng/mL was no longer high)."""
    from pipeline_helpers import triage_csv

    frame = triage_csv(
        tmp_path, f'Patient ID,"{header}",Age,Prolactin (ng/mL)\nS1,1,34,27\nS2,2,34,27\n'
    )
    assert frame["sex"].tolist() == ["M", "F"]
    assert frame["status"].tolist() == ["high", "normal"]
