"""The column mapping file (contract §3): parsing, checks, and its effect on reading."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.io import ColumnMapping, ReadOptions, load_mapping, read_file
from triage.schema import ConfigError, InputFileError

GOOD = """\
[columns]
prolactin = "PRL result"
patient_id = "Pt"

[defaults]
prolactin_unit = "mIU/L"
assay = "roche_elecsys"
conversion_factor = 21.2

[input]
header_row = 2
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_mapping(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path, "map.toml", GOOD))
    assert mapping.columns == {"prolactin": "PRL result", "patient_id": "Pt"}
    assert mapping.defaults["assay"] == "roche_elecsys"
    assert mapping.conversion_factor == 21.2
    assert mapping.header_row == 2
    assert mapping.sheet is None
    assert mapping.source == "map.toml"


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ('[columns]\nprolactn = "X"\n', 2, "prolactn", "unknown field"),
        ("[columns]\nprolactin = 3\n", 2, "prolactin", "non-empty string"),
        ('[defaults]\nprolactin_unit = "mmol/L"\n', 2, "prolactin_unit", "not a prolactin unit"),
        ('[defaults]\nprolactin = "5"\n', 2, "prolactin", "unknown field"),
        ("[defaults]\nconversion_factor = -1\n", 2, "conversion_factor", "positive"),
        ('[defaults]\negfr = "high"\n', 2, "egfr", "number"),
        ("[what]\nx = 1\n", 1, "what", "unknown section"),
        ("[input]\nheader_row = 0\n", 2, "header_row", "from 1"),
        ("[input]\nsheet = 0\n", 2, "sheet", "1-based"),
        ('[input]\nsheets = "A"\n', 2, "sheets", "unknown key"),
        ('\n[columns\nprolactin = "x"\n', 2, None, "not valid TOML"),
    ],
)
def test_bad_mapping_files_name_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str | None, words: str
) -> None:
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(ConfigError) as info:
        load_mapping(path)
    error = info.value
    assert error.line == line
    assert error.field == field
    assert words in error.message
    assert "bad.toml" in str(error)


def test_missing_mapping_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_mapping(tmp_path / "absent.toml")


def test_mapping_completes_recognition(tmp_path: Path) -> None:
    data = write(
        tmp_path, "odd.csv", "exported,today\nPt,PRL result,Thing\nA,300,x\nB,45 ng/mL,y\n"
    )
    read = read_file(data, load_mapping(write(tmp_path, "map.toml", GOOD)), ReadOptions())
    frame = read.frame
    assert frame["patient_id"].tolist() == ["A", "B"]
    assert frame["prolactin_unit"].tolist() == ["mIU/L", "ng/mL"]  # the cell's own unit wins
    assert frame["assay"].tolist() == ["roche_elecsys", "roche_elecsys"]
    assert frame["conversion_factor"].tolist() == [21.2, 21.2]
    assert read.summary.header_row == 2
    assert read.summary.unmapped_headers == ["Thing"]


def test_mapping_naming_an_absent_header_is_an_input_error(tmp_path: Path) -> None:
    data = write(tmp_path, "data.csv", "MRN,Prolactin\nA,12\n")
    mapping = ColumnMapping(columns={"tsh": "Thyroid result"})
    with pytest.raises(InputFileError) as info:
        read_file(data, mapping, ReadOptions())
    assert "Thyroid result" in str(info.value)
    assert info.value.file == "data.csv"


def test_mapping_sheet_number_counts_from_one(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path, "map.toml", "[input]\nsheet = 2\n"))
    assert mapping.sheet == 1  # the second sheet, as a 0-based index like ReadOptions.sheet


def test_options_override_the_mapping_input_section(tmp_path: Path) -> None:
    data = write(tmp_path, "data.csv", "MRN,Prolactin,Units\nA,12,ng/mL\n")
    mapping = ColumnMapping(header_row=5)
    read = read_file(data, mapping, ReadOptions(header_row=1))
    assert read.summary.header_row == 1
    assert len(read.frame) == 1


# ------------------------------------------------------------------------------------------------
# [values]: a research export's codes recoded before the cells are read
# ------------------------------------------------------------------------------------------------
VALUES = """\
[columns]
sex = "sex"

[values.sex]
"1" = "F"
"2" = "M"

[values.prolactin_unit]
"1" = "ng/mL"
"2" = "mIU/L"

[values.pregnant]
"Checked" = "yes"
"-99" = ""
"""


def test_load_values_table(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path, "map.toml", VALUES))
    assert mapping.values["sex"] == {"1": "F", "2": "M"}
    assert mapping.values["prolactin_unit"]["2"] == "mIU/L"
    assert mapping.values["pregnant"] == {"Checked": "yes", "-99": ""}


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ('[values.sex]\n"1" = "F"\n"2" = "robot"\n', 3, "sex", "not a sex"),
        ('[values.sex]\n"1" = "F"\n[values.prolactin_unit]\n"1" = "mg"\n', 4, "prolactin_unit",
         "not a prolactin unit"),
        ('[values.pregnant]\n"1" = "perhaps pregnant"\n', 2, "pregnant", "yes, no or unknown"),
        ('[values.egfr]\n"A" = "high"\n', 2, "egfr", "not a number"),
        ('[values.prolactin]\n"999" = ""\n', 1, "prolactin", "not a field"),
        ('[values.nonsense]\n"1" = "x"\n', 1, "nonsense", "not a field"),
        ('[values]\nsex = "F"\n', 2, "sex", "must be a table"),
    ],
)  # fmt: skip
def test_values_table_is_checked(
    tmp_path: Path, text: str, line: int, field: str, words: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_mapping(write(tmp_path, "map.toml", text))
    assert info.value.line == line
    assert info.value.field == field
    assert words in str(info.value)
    assert "map.toml" in str(info.value)


def test_values_recode_a_spss_export(tmp_path: Path) -> None:
    """Codes are matched as written, then without case or spaces, and 1.0 as 1."""
    data = write(
        tmp_path,
        "spss.csv",
        "ID,SEX,Pregnant,Prolactin,Units\nA,1.0,Checked,12,1\nB,2,unchecked,14,2\nC,1,-99,300,2\n",
    )
    mapping = load_mapping(
        write(
            tmp_path,
            "map.toml",
            VALUES.replace('sex = "sex"', 'sex = "SEX"') + '"Unchecked" = "no"\n',
        )
    )
    frame = read_file(data, mapping, ReadOptions()).frame
    assert frame["sex"].tolist() == ["F", "M", "F"]
    assert frame["prolactin_unit"].tolist() == ["ng/mL", "mIU/L", "mIU/L"]
    assert [None if pd.isna(v) else bool(v) for v in frame["pregnant"]] == [True, False, None]


def test_bad_values_table_exits_2_on_the_command_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from triage.cli import app

    data = write(tmp_path, "data.csv", "MRN,Prolactin,Units\nA,12,ng/mL\n")
    bad = write(tmp_path, "map.toml", '[values.sex]\n"1" = "robot"\n')
    result = CliRunner().invoke(
        app, ["run", str(data), "--columns", str(bad), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "map.toml:2" in result.output


TWICE = (
    "MRN,Sex,Prolactin (ng/mL),Prolactin (ng/mL),Comments\nA1,F,40,12,a\nA2,M,8,80,b\nA3,F,9,90,c\n"
)


def test_a_header_written_twice_names_both_columns(tmp_path: Path) -> None:
    """Two prolactin columns with one header: each is read as a result of its own (a raised
    second result, 80 and 90 here, never hides behind a normal first one; review 20: the file
    had been refused), labelled by its column's letters, and the warning says how to choose
    one."""
    result = read_file(write(tmp_path, "twice.csv", TWICE))
    labels = result.frame["visit"].tolist()
    assert labels[:2] == ["Prolactin (column C)", "Prolactin (column D)"]
    assert any('[columns] prolactin = "<header>"' in w for w in result.summary.warnings)


def test_another_header_written_twice_names_both_columns(tmp_path: Path) -> None:
    """Two columns with one header of another field: each row reads the one that is filled, a
    row where they differ is rejected (review 13: before, the first was read, even empty), and
    the warning names both by their letters and how to choose one."""
    text = "MRN,Sex,Sex,Prolactin (ng/mL)\nA1,F,M,40\nA2,,M,40\n"
    result = read_file(write(tmp_path, "sex.csv", text))
    assert result.frame["sex"].tolist() == ["M"]
    assert [r.reason_code for r in result.rejected] == ["conflicting_cells"]
    assert "columns B and C" in result.rejected[0].detail
    assert (
        "columns B and C are both headed 'Sex': each row's sex is read from the one that is "
        "filled, and a row where both are filled and differ is rejected; to read one only, name "
        'it in a column mapping file ([columns] sex = "column C")'
    ) in result.summary.warnings


@pytest.mark.parametrize("ref", ["column D", "Column d", "COLUMN  D"])
def test_a_mapping_names_a_column_by_its_letters(tmp_path: Path, ref: str) -> None:
    mapping = load_mapping(write(tmp_path, "m.toml", f'[columns]\nprolactin = "{ref}"\n'))
    result = read_file(write(tmp_path, "twice.csv", TWICE), mapping)
    assert result.frame["prolactin_value"].tolist() == [12.0, 80.0, 90.0]
    assert result.summary.mapping["prolactin"] == "Prolactin (ng/mL)"


def test_a_header_is_found_by_its_text_before_its_letters(tmp_path: Path) -> None:
    """A header that reads like a reference ("Column B") is its own column first."""
    text = "MRN,Column B,Prolactin (ng/mL)\nA1,x,40\n"
    mapping = load_mapping(write(tmp_path, "m.toml", '[columns]\ncomments = "Column B"\n'))
    result = read_file(write(tmp_path, "ref.csv", text), mapping)
    assert result.summary.mapping["comments"] == "Column B"
    with pytest.raises(InputFileError, match="column Z"):
        read_file(
            write(tmp_path, "ref.csv", text),
            load_mapping(write(tmp_path, "z.toml", '[columns]\ncomments = "column Z"\n')),
        )


def test_a_sex_code_the_codebook_leaves_out_is_unknown(tmp_path: Path) -> None:
    """With "0 = M, 1 = F" in the mapping, a 2 is not ISO 5218's female (a man's 25 ng/mL came
    out normal): it is unknown, and the warning says so."""
    mapping = write(
        tmp_path,
        "map.toml",
        '[columns]\nprolactin = "prl_ngml"\n[values.sex]\n"0" = "M"\n"1" = "F"\n',
    )
    data = write(
        tmp_path,
        "cohort.csv",
        "record_id,sex,age,prl_ngml\n1,0,34,25\n2,1,29,25\n3,2,40,25\n",
    )
    read = read_file(data, load_mapping(mapping), ReadOptions(unit="ng/mL"))
    assert read.frame["sex"].tolist()[:2] == ["M", "F"]
    assert pd.isna(read.frame["sex"].tolist()[2])
    assert any("read as unknown" in w for w in read.summary.warnings)
    assert not any("ISO/IEC 5218" in w for w in read.summary.warnings)
