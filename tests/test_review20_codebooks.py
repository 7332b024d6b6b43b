"""Review 20: a research export's codebook written as "code = unit" pairs, or kept in a sheet
named as a legend ("Key", "Legende", "Légende", "Leyenda", "Legenda", "Verklaring").

A data dictionary states the codes of the unit column ("prl_unit | 1=ng/mL, 2=mIU/L") as often
as REDCap's "1, ng/mL | 2, mIU/L": every row had been rejected as unknown_unit.  A sheet named
"Key" or "Legende" holding "Sex | 1=male, 2=female" had not been read at all (sex unknown, every
result indeterminate).  A sheet merely starting with such a word ("Key results") stays a data
sheet.  Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from triage.io import ReadOptions, read_file
from triage.io.layout import names_codebook, unit_choices


def _workbook(path: Path, codebook_sheet: str, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    data = book.active
    assert data is not None
    data.title = "Daten"
    data.append(["record_id", "sex", "age_y", "prl_bl", "prl_unit"])
    data.append(["101", 2, 34, 42.1, 1])  # a woman, 42.1 ng/mL
    data.append(["102", 1, 51, 640, 2])  # a man, 640 mIU/L
    codes = book.create_sheet(codebook_sheet)
    for row in rows:
        codes.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("sheet", "unit_codes"),
    [
        ("Codebook", "1=ng/mL, 2=mIU/L"),
        ("Key", "1 = ng/mL; 2 = mIU/L"),
        ("Legende", "1: µg/l | 2: mU/l"),
        ("Légende", "1=ng/ml; 2=mUI/L"),
        ("Leyenda", "1, ng/mL | 2, mUI/L"),
        ("Verklaring", "1 = µg/L, 2 = mIU/L"),
    ],
)
def test_unit_and_sex_codes_of_a_codebook_or_legend_sheet_are_read(
    tmp_path: Path, sheet: str, unit_codes: str
) -> None:
    path = _workbook(
        tmp_path / "cohort.xlsx",
        sheet,
        [
            ["Variable", "Label", "Codes"],
            ["sex", "Sex", "1=male, 2=female"],
            ["prl_unit", "Prolactin unit", unit_codes],
        ],
    )
    read = read_file(path, None, ReadOptions())
    assert read.rejected == []
    frame = read.frame.set_index("patient_id")
    assert frame.loc["101", "sex"] == "F"
    assert frame.loc["102", "sex"] == "M"
    assert frame.loc["101", "prolactin_unit"] == "ng/mL"
    assert frame.loc["102", "prolactin_unit"] == "mIU/L"
    warnings = " ".join(read.summary.warnings)
    assert f"sheet {sheet!r}" in warnings


def test_a_sheet_named_with_a_legend_word_among_others_is_a_data_sheet() -> None:
    assert names_codebook("Key")
    assert names_codebook(" legende ")
    assert names_codebook("Data dictionary v2")
    assert not names_codebook("Key results")
    assert not names_codebook("Codes ward 3")
    assert not names_codebook("Legende Station 4")


def test_equals_choices_need_every_choice_to_be_a_unit() -> None:
    assert unit_choices("1=ng/mL, 2=mIU/L") == {"1": "ng/mL", "2": "mIU/L"}
    assert unit_choices("1 = µg/l; 2 = mIU/L; 3 = µIU/mL") == {
        "1": "ng/mL",
        "2": "mIU/L",
        "3": "mIU/L",
    }
    assert unit_choices("1=ng/mL, 2=other") == {}  # a choice that is no unit: none read
    assert unit_choices("1=ng/mL") == {}  # one choice is no list of codes
    assert unit_choices("ng/mL or mIU/L") == {}
    assert unit_choices("1=ng/mL, 1=mIU/L") == {}  # one code, two units
