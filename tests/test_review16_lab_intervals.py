"""Review 16: the lab's own interval written with an adults' or sex group, in brackets or with
"inf. à"; more interval headers; a column of intervals left unused is said; the lab's per-sex
intervals for a row whose sex is not known.  Synthetic patients only.

Clinical reference §2.2: always prefer the lab-supplied interval.  Output contract §5: status is
never a false normal ("indeterminate" when sex is unknown and the value lies between the male
and female limits).  docs/output-contract-extensions.md, "The interval shown is the one that
judged": with several intervals, high only above every upper limit (the highest shown), low
only below every lower limit (the lowest shown), otherwise indeterminate (the widest shown)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

from triage.io import ReadOptions, read_file

HEADER = "patient_id,sex,age_years,prolactin,prolactin_unit,reference_range"

# Roche Elecsys Prolactin II adult intervals (clinical reference §2.2): women 4.8-23.3 ng/mL,
# men 86-324 µIU/mL (4.0-15.2 ng/mL).  26 ng/mL is above the women's upper limit but within
# the default set's 3-30 ng/mL: read as the set's, it was a false normal.
ADULT_CELLS = [
    "Adults: 4.8-23.3",
    "Adults F 4.8-23.3",
    "Erwachsene: 4,8-23,3",  # German
    "Erw. 4,8 - 23,3",
    "Erwachsene Frauen 4,8-23,3",
    "Adultes : 4,8-23,3",  # French
    "Adultos: 4,8-23,3",  # Spanish
    "Adulti: 4,8-23,3",  # Italian
    "Volwassenen: 4,8-23,3",  # Dutch
    "M/F: 4.8-23.3",
    "Männer und Frauen 4,8-23,3",
    "[4.8;23.3]",
    "[4,8;23,3]",
    "inf. à 23,3",
    "Adults: < 23.3",
]


def _rows(frame: pd.DataFrame) -> dict[str, pd.Series]:
    return {str(pid): row for pid, row in frame.iterrows()}


def test_an_adults_group_or_bracketed_interval_is_the_womans_interval(tmp_path: Path) -> None:
    lines = [f"A{k},F,30,26,ng/mL,{csv_quoted(cell)}" for k, cell in enumerate(ADULT_CELLS)]
    rows = _rows(triage_lines(tmp_path, HEADER, lines))
    for k, cell in enumerate(ADULT_CELLS):
        row = rows[f"A{k}"]
        assert row["status"] == "high", cell
        assert row["reference_source"] == "row", cell
        assert row["reference_high_ng_ml"] == pytest.approx(23.3), cell


def test_a_man_in_miu_with_an_adults_interval_and_a_plain_one_beside(tmp_path: Path) -> None:
    # most cells of the column carry the group word: the column is kept, and the plain
    # "86-324" on another row is read too (it was dropped with the whole column)
    lines = [
        'M1,M,45,350,mIU/L,"Adults: 86-324"',
        'M2,M,45,350,mIU/L,"Erwachsene: 86-324"',
        'M3,M,45,300,mIU/L,"Adultos: 86-324"',
        "M4,M,45,350,mIU/L,86-324",
    ]
    rows = _rows(triage_lines(tmp_path, HEADER, lines))
    for pid in ("M1", "M2", "M4"):
        assert rows[pid]["status"] == "high", pid  # 350 > 324 (the set's men's limit is 382)
        assert rows[pid]["reference_source"] == "row", pid
    assert rows["M3"]["status"] == "normal"


def test_the_group_fitting_the_row_is_picked(tmp_path: Path) -> None:
    cell = csv_quoted("Kinder 3-18; Erwachsene Frauen 4,8-23,3")
    lines = [f"G1,F,30,26,ng/mL,{cell}", f"G2,F,10,20,ng/mL,{cell}", f"G3,F,30,20,ng/mL,{cell}"]
    rows = _rows(triage_lines(tmp_path, HEADER, lines))
    assert rows["G1"]["status"] == "high"  # the women's 23.3, not the children's 18
    assert rows["G1"]["reference_high_ng_ml"] == pytest.approx(23.3)
    assert rows["G2"]["status"] == "high"  # a girl of 10: the children's 3-18
    assert rows["G3"]["status"] == "normal"


def test_an_adults_interval_is_never_a_childs(tmp_path: Path) -> None:
    rows = _rows(triage_lines(tmp_path, HEADER, ['C1,M,8,20,ng/mL,"Adults: 4.8-23.3"']))
    assert rows["C1"]["reference_source"] == "set"
    assert "none is known to fit this row" in rows["C1"]["reference_note"]


def test_interval_limit_columns_lin_lsn(tmp_path: Path) -> None:
    header = "patient_id,sex,age_years,prolactin,prolactin_unit,LIN,LSN"  # límite inf./sup. normal
    rows = _rows(triage_lines(tmp_path, header, ["H1,F,30,26,ng/mL,4.8,23.3"]))
    assert rows["H1"]["status"] == "high"
    assert (rows["H1"]["reference_low_ng_ml"], rows["H1"]["reference_high_ng_ml"]) == (4.8, 23.3)


LIMIT_HEADERS = [
    ("VR min", "VR max"),
    ("RI lower", "RI upper"),
    ("Val. min", "Val. max"),
    ("Valor mínimo", "Valor máximo"),
    ("Minimo", "Massimo"),
]


def test_interval_limit_columns_are_read(tmp_path: Path) -> None:
    for k, (low, high) in enumerate(LIMIT_HEADERS):
        path = tmp_path / f"l{k}.csv"
        path.write_text(
            f"Patient ID,Sex,Age,Prolactin,Unit,{low},{high}\nH1,F,30,26,ng/mL,4.8,23.3\n"
        )
        frame = read_file(path, None, ReadOptions()).frame
        assert frame["reference_low"].tolist() == [4.8], low
        assert frame["reference_high"].tolist() == [23.3], high


INTERVAL_HEADERS = [
    "Normwaarden",
    "Referentiegebied",
    "Referentieinterval",
    "Normaalgebied",
    "Intervallo normale",
    "Valori attesi",
    "Val. rif.",
    "Valeurs attendues",
    "Valores esperados",
    "Expected values",
    "Zielbereich",
]


def test_interval_column_headers_are_read(tmp_path: Path) -> None:
    for k, name in enumerate(INTERVAL_HEADERS):
        path = tmp_path / f"h{k}.csv"
        path.write_text(f"Patient ID,Sex,Age,Prolactin,Unit,{name}\nH1,F,30,26,ng/mL,4.8-23.3\n")
        frame = read_file(path, None, ReadOptions()).frame
        assert frame["reference_high"].tolist() == [23.3], name


def test_an_unused_column_of_intervals_is_said(tmp_path: Path) -> None:
    path = tmp_path / "unknown.csv"
    path.write_text(
        "Patient ID,Sex,Age,Prolactin,Unit,Bereich Labor\n"
        "U1,F,30,26,ng/mL,4.8-23.3\n"
        'U2,M,40,16,ng/mL,"M: 4.0-15.2; F: 4.8-23.3"\n'
    )
    warnings = read_file(path, None, ReadOptions()).summary.warnings
    assert any("'Bereich Labor' holds what look like reference intervals" in w for w in warnings)


def test_a_column_of_numbers_is_no_interval_column(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text(
        "Patient ID,Sex,Age,Prolactin,Unit,Station\nN1,F,30,26,ng/mL,12\nN2,M,40,16,ng/mL,4\n"
    )
    warnings = read_file(path, None, ReadOptions()).summary.warnings
    assert not any("look like reference intervals" in w for w in warnings)


PER_SEX = [
    "M: 4.0-15.2; F: 4.8-23.3",
    "Männer 4,0-15,2; Frauen 4,8-23,3",
    "hommes 4,0-15,2 ; femmes 4,8-23,3",
    "hombres 4,0-15,2; mujeres 4,8-23,3",
    "uomini 4,0-15,2; donne 4,8-23,3",
    "mannen 4,0-15,2; vrouwen 4,8-23,3",
]


def test_unknown_sex_is_judged_against_both_of_the_labs_intervals(tmp_path: Path) -> None:
    lines = []
    for k, cell in enumerate(PER_SEX):
        quoted = csv_quoted(cell)
        lines += [
            f"H{k},X,30,25,ng/mL,{quoted}",  # above both upper limits
            f"L{k},,30,3.5,ng/mL,{quoted}",  # below both lower limits
            f"I{k},,30,20,ng/mL,{quoted}",  # above the men's, within the women's
            f"N{k},,30,10,ng/mL,{quoted}",  # within both
        ]
    rows = _rows(triage_lines(tmp_path, HEADER, lines))
    for k, cell in enumerate(PER_SEX):
        high, low, between, within = (rows[f"{p}{k}"] for p in "HLIN")
        assert high["status"] == "high", cell
        assert high["reference_high_ng_ml"] == pytest.approx(23.3), cell  # the highest upper
        assert low["status"] == "low", cell
        assert low["reference_low_ng_ml"] == pytest.approx(4.0), cell  # the lowest lower
        assert between["status"] == "indeterminate", cell
        assert (between["reference_low_ng_ml"], between["reference_high_ng_ml"]) == (4.0, 23.3)
        assert within["status"] == "normal", cell
        assert (within["reference_low_ng_ml"], within["reference_high_ng_ml"]) == (4.8, 15.2)
        assert high["reference_source"] == "row", cell
        assert "The lab's own intervals from the file, sex unknown" in high["reference_note"]


def test_unknown_sex_in_miu_with_per_sex_intervals(tmp_path: Path) -> None:
    cell = '"M 86-324; F 102-496"'
    rows = _rows(
        triage_lines(tmp_path, HEADER, [f"U1,,40,400,mIU/L,{cell}", f"U2,,40,600,mIU/L,{cell}"])
    )
    assert rows["U1"]["status"] == "indeterminate"  # above the men's 324, within the women's 496
    assert rows["U2"]["status"] == "high"


def test_a_lone_number_is_at_worst_indeterminate(tmp_path: Path) -> None:
    # "25" alone may be the lab's upper limit: judged beside the set's 3-30 ng/mL, 26 is
    # neither normal (it is above 25) nor surely high (within 3-30); the column, mostly of
    # intervals, is kept.  (A lone "23.3" beside the column's own "4.8-23.3" is that interval:
    # review 18, tests/test_review18_shapes.py.)
    lines = [
        "L1,F,30,26,ng/mL,25",
        'L2,F,30,20,ng/mL,"25,0"',
        "L3,F,30,31,ng/mL,25",
        "L4,F,30,2,ng/mL,25",
        "L5,M,45,350,mIU/L,340",
        "L6,F,30,26,ng/mL,4.8-23.3",
        "L7,F,30,26,ng/mL,4.8 - 23.3",
        "L8,M,45,350,mIU/L,86-324",
        "L9,M,45,350,mIU/L,86 - 324",
        "L10,F,30,26,ng/mL,23.3",
        "L11,F,30,2,ng/mL,23.3",
    ]
    rows = _rows(triage_lines(tmp_path, HEADER, lines))
    assert rows["L1"]["status"] == "indeterminate"
    assert "is a lone number, perhaps its upper limit" in rows["L1"]["reference_note"]
    assert rows["L2"]["status"] == "normal"
    assert rows["L2"]["reference_high_ng_ml"] == pytest.approx(25)  # the narrowest limits
    assert rows["L3"]["status"] == "high"
    assert rows["L4"]["status"] == "low"  # the set's lower limit still decides a low result
    assert rows["L5"]["status"] == "indeterminate"  # above 340 mIU/L, within the set's 382
    for pid in ("L6", "L7", "L8", "L9", "L10"):
        assert rows[pid]["status"] == "high", pid
        assert rows[pid]["reference_source"] == "row", pid
    assert rows["L11"]["status"] == "low"  # below the 4.8 the column writes with 23.3


def test_a_column_of_lone_numbers_is_still_no_interval_column(tmp_path: Path) -> None:
    path = tmp_path / "ref_numbers.csv"
    path.write_text(
        "Patient ID,Sex,Age,Prolactin,Unit,Ref\nR1,F,30,26,ng/mL,10234\nR2,M,40,16,ng/mL,10235\n"
    )
    result = read_file(path, None, ReadOptions())
    assert result.frame["reference_range"].isna().all()
    assert any("'Ref' not used as reference_range" in w for w in result.summary.warnings)
