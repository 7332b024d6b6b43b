"""Review 17: what the cells of a lab export mean.  A leading zero never groups thousands
("0.450" mIU/L is 0.45); a title line above the header that states the unit ("Einheit: µIU/mL");
a remark in brackets after a result ("260 (hämolytisch)", "260 (1:10 verdünnt)"); the kidney's
function in mL/min under a header of words ("Nierenfunktion (ml/min)"); an upper limit column
named "VR sup" or "Valore max"; a last-menstrual-period date column.  Synthetic patients only.

Clinical reference §2.4: mIU/L is reported in whole numbers (so "5.300" there is 5300), and
21.2 mIU/L = 1 ng/mL; §2.2: the lab's own interval is preferred; §0/§4: a result after
dilution is not re-diluted (hook effect); renal impairment (low eGFR) raises prolactin."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv_warned, triage_lines, write_table

from triage.io import ReadOptions, read_file
from triage.io.layout import title_unit
from triage.values import diluted_cell, result_remarks

HEADER = "patient_id,sex,age_years,prolactin,prolactin_unit"


def _triaged(tmp_path: Path, name: str, text: str) -> pd.DataFrame:
    """The results (by patient_id) of one run on ``text`` in a directory of its own."""
    (tmp_path / name).mkdir()
    return triage_csv_warned(tmp_path / name, text)[0]


# ----------------------------------------------------------------- a leading zero -------------
def test_a_leading_zero_is_a_decimal_never_a_thousands_group(tmp_path: Path) -> None:
    """A column showing both marks ("0.450", "12,5") does not show its own: '0.450' mIU/L was
    read as 450 mIU/L (normal, 21 ng/mL) as if grouping thousands; '5.300' mIU/L stays 5300
    (mIU/L is reported in whole numbers), an urgent result."""
    frame, warnings = triage_csv_warned(
        tmp_path,
        HEADER + "\n"
        "Z1,F,30,0.450,mIU/L\n"
        'Z2,F,30,"12,5",ng/mL\n'
        "Z3,F,30,5.300,mIU/L\n"
        "Z4,F,30,0.450,ng/mL\n",
    )
    assert frame.loc["Z1", "prolactin_value"] == pytest.approx(0.45)
    assert frame.loc["Z1", "status"] == "low"
    assert frame.loc["Z4", "prolactin_value"] == pytest.approx(0.45)
    assert frame.loc["Z3", "prolactin_value"] == pytest.approx(5300)
    assert frame.loc["Z3", "priority"] == "urgent"
    assert any("1 result(s) in mIU/L written like '5.300'" in w for w in warnings)


def test_a_leading_zero_with_a_comma_is_a_decimal_in_every_file(tmp_path: Path) -> None:
    """'0,450' is 0.45 in a ;-separated export (',' the decimal mark) and in a ,-separated one
    where English grouping would read '1,234' as 1234."""
    semi = tmp_path / "semi.csv"
    semi.write_text(
        "patient_id;sex;age_years;prolactin;prolactin_unit\n"
        "S1;F;30;0,450;mIU/L\nS2;F;30;0,450;µg/L\nS3;F;30;12,5;ng/mL\n"
    )
    read = read_file(semi, None, ReadOptions()).frame
    assert read["prolactin_value"].tolist() == pytest.approx([0.45, 0.45, 12.5])
    comma = tmp_path / "comma.csv"
    comma.write_text(HEADER + '\nC1,F,30,"0,450",mIU/L\nC2,F,30,"0,450",ng/mL\n')
    read = read_file(comma, None, ReadOptions()).frame
    assert read["prolactin_value"].tolist() == pytest.approx([0.45, 0.45])


def test_a_dot_decimal_file_reads_its_mark(tmp_path: Path) -> None:
    """A file that shows '.' as its decimal mark ('12.5', '0.45') reads '1.234' with it: the
    leading-zero rule changes nothing of how a file's mark is inferred."""
    path = tmp_path / "dot.csv"
    path.write_text(HEADER + "\nD1,F,30,12.5,ng/mL\nD2,F,30,1.234,ng/mL\nD3,F,30,0.450,ng/mL\n")
    read = read_file(path, None, ReadOptions()).frame
    assert read["prolactin_value"].tolist() == pytest.approx([12.5, 1.234, 0.45])


# ----------------------------------------------------------------- a unit in a title line -----
TITLED = [
    ("Prolactin results in mIU/L", "Patient,Sex,Age,Prolactin", ","),
    ("Einheit: µIU/mL", "Patient;Geschlecht;Alter;Prolaktin", ";"),
    ("Valeurs en mUI/L", "Patient;Sexe;Âge;Prolactine", ";"),
    ("Resultados en mUI/L", "Paciente;Sexo;Edad;Prolactina", ";"),
    ("Valori in mUI/L", "Paziente;Sesso;Età;Prolattina", ";"),
    ("Waarden in mIE/L", "Patiënt;Geslacht;Leeftijd;Prolactine", ";"),
]


def test_a_unit_stated_in_a_title_line_is_the_results_unit(tmp_path: Path) -> None:
    """Every result was rejected as unknown_unit (no unit in the header, no unit column) while
    the line above the header said which: 700 mIU/L is 33 ng/mL, above the women's 636."""
    for k, (title, header, sep) in enumerate(TITLED):
        path = tmp_path / f"t{k}.csv"
        lines = ["Labor Musterstadt", title, header, sep.join(["P1", "F", "30", "700"])]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        read = read_file(path, None, ReadOptions())
        assert read.frame["prolactin_unit"].tolist() == ["mIU/L"], title
        assert read.frame["prolactin_value"].tolist() == [700], title
        assert any(title in w for w in read.summary.warnings), title


def test_a_title_unit_in_a_workbook_and_never_over_a_header_unit(tmp_path: Path) -> None:
    book = write_table(
        tmp_path / "t.xlsx",
        [["Einheit:", "µIU/mL"], ["ID", "Sex", "Age", "Prolaktin"], ["W1", "F", 30, 700]],
    )
    assert read_file(book, None, ReadOptions()).frame["prolactin_unit"].tolist() == ["mIU/L"]
    own = tmp_path / "own.csv"  # the header's own unit stands
    own.write_text("Valeurs en mUI/L\nID;Sexe;Age;Prolactine (ng/mL)\nP1;F;30;26\n")
    assert read_file(own, None, ReadOptions()).frame["prolactin_unit"].tolist() == ["ng/mL"]


def test_a_title_line_naming_another_test_or_two_units_states_no_unit() -> None:
    assert title_unit([["TSH in mIU/L"]]) is None
    assert title_unit([["Labor Musterstadt, mIU/L"]]) is None
    assert title_unit([["Prolactin (ng/mL), TSH (mIU/L)"]]) is None
    assert title_unit([["Results in mIU/L"], ["Einheit: ng/mL"]]) is None
    assert title_unit([["Gedruckt 04.03.2026"], ["Einheit:", "ng/ml"]]) == (
        "ng/ml",
        "Einheit: ng/ml",
    )


# ----------------------------------------------------------------- a remark in brackets -------
REMARKS = [
    "260 (haemolysed)",
    "260 (hämolytisch)",
    "260 (hémolysé)",
    "260 (hemolizada)",
    "260 (emolizzato)",
    "260 (gehemolyseerd)",
]
DILUTED = ["900 (dilution 1:10)", "900 (1:10 verdünnt)", "900 (dilué au 1/10)"]


def test_a_remark_in_brackets_is_read_and_kept(tmp_path: Path) -> None:
    """The remark after the number was left aside unsaid: the number is read and the remark
    kept in the row's comments, with a warning that the specimen may call for a repeat."""
    path = tmp_path / "r.csv"
    lines = [f"R{k},F,30,{csv_quoted(cell)},mIU/L" for k, cell in enumerate(REMARKS)]
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\nR9,F,30,260 (H),mIU/L\n")
    read = read_file(path, None, ReadOptions())
    assert read.frame["prolactin_value"].tolist() == [260] * (len(REMARKS) + 1)
    comments = read.frame["comments"].tolist()
    for cell, comment in zip(REMARKS, comments, strict=False):
        assert comment == "prolactin: " + cell[5:-1], cell
    assert pd.isna(comments[-1])  # a flag in brackets is a flag
    assert any("remark in brackets" in w and "repeat" in w for w in read.summary.warnings)


def test_a_dilution_in_brackets_is_a_result_after_dilution(tmp_path: Path) -> None:
    """A large lesion (35 mm) with a modest result: the undiluted one asks for a 1:100 re-assay
    (hook effect); '900 (dilution 1:10)' is already after dilution, as '900 diluted' is."""
    lines = [f"D{k},F,30,{csv_quoted(cell)},mIU/L,35" for k, cell in enumerate(DILUTED)]
    lines.append("U1,F,30,900,mIU/L,35")
    rows = triage_lines(tmp_path, HEADER + ",pituitary_lesion_mm", lines)
    for k, cell in enumerate(DILUTED):
        assert rows.loc[f"D{k}", "prolactin_ng_ml"] == pytest.approx(900 / 21.2, abs=0.01)
        assert "dilution_retest" not in rows.loc[f"D{k}", "suggestions"], cell
    assert "dilution_retest" in rows.loc["U1", "suggestions"]


def test_which_brackets_are_remarks_and_which_dilutions() -> None:
    assert result_remarks("260 (dilution pending)") == ("dilution pending",)
    assert result_remarks("260 mIU/L (lipemic) (repeated)") == ("lipemic", "repeated")
    for cell in ("260 (ng/mL)", "260 (erhöht)", "260 (a)", "260 (lot 123)", "260 (1:10)"):
        assert result_remarks(cell) == (), cell
    assert diluted_cell("260 (not diluted)") is None
    # the diluted value in the bracket is the result (review 29; a second result before)
    bracketed = diluted_cell("180 (diluted 9800)")
    assert bracketed is not None and bracketed.quantity.value == 9800
    found = diluted_cell("260 (nach Verdünnung 1:10)")
    assert found is not None and found.quantity.value == 260


# ----------------------------------------------------------------- the kidney in mL/min -------
RENAL_HEADERS = [
    "Renal function (mL/min)",
    "Nierenfunktion (ml/min)",
    "Fonction rénale (ml/mn)",
    "Función renal (mL/min)",
    "Funzione renale (ml/min)",
    "Nierfunctie (ml/min)",
    "Clearance (mL/min)",
    "Clairance (ml/min)",
]


def test_the_kidney_s_function_in_ml_min_is_its_gfr(tmp_path: Path) -> None:
    """A bare 25 under "Nierenfunktion (ml/min)" was read as words of a kidney disease and said
    nothing: a woman's 40 ng/mL came out unexplained, her renal impairment unseen."""
    for k, header in enumerate(RENAL_HEADERS):
        path = tmp_path / f"k{k}.csv"
        path.write_text(f"ID;Sex;Age;Prolactin (ng/mL);{header}\nK1;F;35;40;25\n")
        read = read_file(path, None, ReadOptions())
        assert read.summary.mapping.get("egfr") == header, header
        assert read.frame["egfr"].tolist() == [25], header
    text = "ID;Sex;Age;Prolactin (ng/mL);Nierenfunktion (ml/min)\nK1;F;35;40;25\nK2;F;35;40;95\n"
    outcome = _triaged(tmp_path, "run", text)
    assert outcome.loc["K1", "factors"].startswith("renal_impairment")
    assert "renal_impairment" not in outcome.loc["K2", "factors"]
    plain = tmp_path / "plain.csv"  # without a unit, the words' column as before
    plain.write_text("ID;Sex;Age;Prolactin (ng/mL);Nierenfunktion\nK1;F;35;40;Hämodialyse\n")
    read = read_file(plain, None, ReadOptions())
    assert read.summary.mapping.get("kidney_disease") == "Nierenfunktion"


# ----------------------------------------------------------------- an upper limit alone ------
def test_an_upper_limit_column_alone_is_the_labs_upper_limit(tmp_path: Path) -> None:
    """26 ng/mL against the lab's 23.3 is high; "VR sup", "Valore max", "Val. sup." went
    unread and the reference set's 30 found it normal."""
    for k, high in enumerate(["VR sup", "Valore max", "Val. sup.", "Ref. OG", "Ref. max"]):
        path = tmp_path / f"h{k}.csv"
        path.write_text(f"ID,Sex,Age,Prolactin,Unit,{high}\nH1,F,35,26,ng/mL,23.3\n")
        frame = read_file(path, None, ReadOptions()).frame
        assert frame["reference_high"].tolist() == [23.3], high
        assert frame["reference_low"].isna().all(), high
    frame = _triaged(tmp_path, "run", "ID,Sex,Age,Prolactin,Unit,VR sup\nH1,F,35,26,ng/mL,23.3\n")
    assert frame.loc["H1", "status"] == "high"
    assert frame.loc["H1", "reference_source"] == "row"
    assert frame.loc["H1", "reference_high_ng_ml"] == pytest.approx(23.3)


# ----------------------------------------------------------------- a last period's date ------
LMP_HEADERS = [
    "LMP",
    "Datum letzte Regel",
    "DDR",
    "Date des dernières règles",
    "FUR",
    "Fecha última regla",
    "Data ultima mestruazione",
    "Laatste menstruatie",
]


def test_a_last_period_date_is_never_the_sample_date_nor_a_pregnancy(tmp_path: Path) -> None:
    """Not read (no rule uses it), and never misread: not the sample's date (with or without a
    sample date column), not a pregnancy, not a gestation."""
    for k, header in enumerate(LMP_HEADERS):
        dated = k % 2 == 0
        cells = [
            ["ID", "Sex", "Age", "Prolactin (ng/mL)", header],
            ["L1", "F", 30, 26, "2026-02-10"],
        ]
        if dated:
            cells[0].append("Sample date")
            cells[1].append("2026-03-01")
        path = write_table(tmp_path / f"l{k}.csv", cells)
        frame = read_file(path, None, ReadOptions()).frame
        got = frame["collected_at"].iloc[0]
        assert (got == pd.Timestamp("2026-03-01")) if dated else pd.isna(got), header
        assert pd.isna(frame["pregnant"].iloc[0]), header
        assert pd.isna(frame["gestational_weeks"].iloc[0]), header
