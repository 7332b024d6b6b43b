"""Review 21: the lab's own reference interval given in a column or cell.  Synthetic patients.

1. An interval written without a unit is read in the result's unit whenever it fits some
   interval the reference sets know, pregnancy and neonatal ones included: "10.0-209.0" beside a
   result in ng/mL is the Quest pregnancy interval (clinical reference §2.1: 10.0-209.0 ng/mL;
   Centaur 9.7-208.5; CALIPER neonates 12.6-212.8), never 0.47-9.86 ng/mL read "in mIU/L (as
   written)" when no unit was written.  An interval that wide is no non-pregnant adult's, so a
   row not known to be pregnant is judged against it and the reference set's interval together
   (output contract §5: never a false normal).  An interval fitting no stratum in the result's
   unit is still read in the other unit (the Roche 102-496 µIU/mL beside a result in ng/mL).
2. Intervals labelled by sex with one letter or a word in the six languages (§2.2: prefer the
   lab's interval): "M: 4,0-15,2 V: 4,8-23,3" is man / vrouw in Dutch, "V: 4,0-15,2 M: 4,8-23,3"
   varón / mujer in Spanish.  The file's language (the sex column's codes and header, the
   headers) or the numbers (the women's upper limit is the higher one in every adult set, §2.2)
   decide; when they do not, the interval that cannot give a false normal is used, with a
   warning."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv_warned, triage_lines

HEADER = "patient_id,sex,age,prolactin,unit,reference_range"


def _ids(frame: pd.DataFrame) -> dict[str, pd.Series]:
    return {str(pid): row for pid, row in frame.iterrows()}


# ---------------------------------------------------------------------------------------------
# 1. An interval without its own unit
# ---------------------------------------------------------------------------------------------
def test_a_pregnancy_or_neonatal_interval_without_unit_stays_in_ng_per_ml(tmp_path: Path) -> None:
    lines = [
        "P1,F,30,20,ng/mL,10.0-209.0",  # Quest pregnancy
        "P2,F,30,20,ng/mL,9.7-208.5",  # Centaur pregnancy
        "P3,F,30,12,ng/mL,10-200",
        "P4,F,30,20,ng/mL,12.6-212.8",  # CALIPER 4-29 days
        "P5,F,30,20,ng/mL,10.0-209.0 ng/mL",  # its own unit written
    ]
    rows = _ids(triage_lines(tmp_path, HEADER, lines))
    for pid, row in rows.items():
        assert row["status"] == "normal", pid
        # never the interval re-read in mIU/L (0.47-9.86 ng/mL), which made 20 ng/mL 2x ULN
        assert row["reference_high_ng_ml"] >= 30, pid
        assert "mIU/L" not in row["reference_note"], pid
        assert "as written" not in row["reference_note"], pid
        assert "read in ng/mL" in row["reference_note"], pid


def test_a_pregnancy_interval_beside_a_non_pregnant_row_is_never_a_false_normal(
    tmp_path: Path,
) -> None:
    lines = [
        "Q1,F,30,150,ng/mL,10.0-209.0",
        "Q2,M,40,150,ng/mL,12.6-212.8",
        "Q3,F,30,2000,mIU/L,206-4430",  # 94 ng/mL; 206-4430 mIU/L is 9.7-209 ng/mL
    ]
    rows = _ids(triage_lines(tmp_path, HEADER, lines))
    for pid, row in rows.items():
        # not 15x an upper limit of 9.86 ng/mL, nor normal against the pregnancy interval alone
        # for a row not known to be pregnant: high for the set, normal for the lab's interval
        assert row["status"] == "indeterminate", pid
        assert row["reference_high_ng_ml"] > 200, pid
        assert "reference set's interval" in row["reference_note"], pid


def test_the_pregnant_row_keeps_the_physiological_interval_and_quotes_the_lab_s(
    tmp_path: Path,
) -> None:
    header = HEADER + ",comments"
    rows = _ids(triage_lines(tmp_path, header, ["R1,F,30,100,ng/mL,10.0-209.0,pregnant 20 weeks"]))
    row = rows["R1"]
    assert (row["reference_source"], row["status"]) == ("physiological", "normal")
    assert "10–209 ng/mL, is not used" in row["reference_note"]  # not "0.47–9.86"


def test_an_interval_fitting_no_stratum_in_the_result_unit_is_read_in_the_other(
    tmp_path: Path,
) -> None:
    lines = [
        "U1,F,30,30,ng/mL,102-496",  # Roche women's in µIU/mL: 4.8-23.4 ng/mL
        "U2,M,40,20,ng/mL,86 - 324",  # Roche men's: 4.1-15.3 ng/mL
        "U3,F,30,40,ng/mL,0-5000",  # neither unit: the set's interval
    ]
    rows = _ids(triage_lines(tmp_path, HEADER, lines))
    assert rows["U1"]["status"] == "high"
    assert rows["U1"]["reference_high_ng_ml"] == pytest.approx(496 / 21.2, abs=0.05)
    assert rows["U2"]["status"] == "high"
    assert rows["U2"]["reference_high_ng_ml"] == pytest.approx(324 / 21.2, abs=0.05)
    for pid in ("U1", "U2"):
        note = rows[pid]["reference_note"]
        assert "read in mIU/L (no unit is written beside it" in note, pid
        assert "as written" not in note, pid
    assert rows["U3"]["reference_source"] == "set"
    assert "implausible for prolactin" in rows["U3"]["reference_note"]


# ---------------------------------------------------------------------------------------------
# 2. Intervals labelled by sex
# ---------------------------------------------------------------------------------------------
# Roche Elecsys (clinical reference §2.2): men 4.0-15.2, women 4.8-23.3 ng/mL.  A woman at 28 and
# a man at 17 are high for their own sex's interval and normal for the default set's (3-30, 2-18).
NL_HEADER = "ID;Geslacht;Leeftijd;Afnamedatum;Prolactine;Eenheid;Referentiewaarde"


def _nl(pid: str, sex: str, value: str, cell: str) -> str:
    return f"{pid};{sex};34;05-11-2026;{value};ug/L;{csv_quoted(cell)}"


def test_dutch_letters_and_words_give_each_sex_its_interval(tmp_path: Path) -> None:
    lines = [
        _nl("N1", "V", "28", "M: 4,0-15,2 V: 4,8-23,3"),
        _nl("N2", "M", "17", "M: 4,0-15,2 V: 4,8-23,3"),
        _nl("N3", "V", "28", "man 4,0-15,2 vrouw 4,8-23,3"),
        _nl("N4", "V", "28", "M 4,0-15,2; V 4,8-23,3"),
        _nl("N5", "V", "28", "M: 4,0-15,2\nV: 4,8-23,3"),  # a line break in the cell
        _nl("N6", "V", "28", "H 4,0-15,2 / D 4,8-23,3"),  # heren / dames
        _nl("N7", "M", "17", "D: 4,8-23,3 / H: 4,0-15,2"),
        _nl("N8", "V", "28", "Heren 4,0-15,2 / Dames 4,8-23,3"),
    ]
    frame, warnings = triage_csv_warned(tmp_path, NL_HEADER + "\n" + "\n".join(lines) + "\n")
    for pid, row in _ids(frame).items():
        woman = pid not in ("N2", "N7")
        assert row["reference_source"] == "row", pid
        assert row["reference_high_ng_ml"] == pytest.approx(23.3 if woman else 15.2), pid
        assert row["status"] == "high", pid  # the default 3-30 / 2-18 had made it normal
    assert not [w for w in warnings if "read two ways" in w or "could not be read" in w]


def test_the_men_s_interval_alone_is_never_a_woman_s(tmp_path: Path) -> None:
    lines = [_nl("H1", "V", "20", "H 4,0-15,2"), _nl("H2", "V", "20", "H: 4,0-15,2")]
    rows = _ids(triage_csv_warned(tmp_path, NL_HEADER + "\n" + "\n".join(lines) + "\n")[0])
    for pid, row in rows.items():
        # hommes / heren: not her interval (was read as 4.0-15.2 for her, "H" taken for a flag)
        assert row["reference_source"] == "set", pid
        assert "gives one interval per group" in row["reference_note"], pid


def test_spanish_letters_read_the_other_way(tmp_path: Path) -> None:
    header = "NHC;Sexo;Edad;Fecha de extracción;Prolactina;Unidades;Valores de referencia"
    lines = [
        "E1;M;34;05/11/2026;28;ng/mL;V: 4,0-15,2 M: 4,8-23,3",  # mujer
        "E2;V;34;05/11/2026;17;ng/mL;V: 4,0-15,2 M: 4,8-23,3",  # varón
        "E3;M;34;05/11/2026;28;ng/mL;" + csv_quoted("Mujeres 4,8-23,3; Hombres 4,0-15,2"),
    ]
    frame, warnings = triage_csv_warned(tmp_path, header + "\n" + "\n".join(lines) + "\n")
    rows = _ids(frame)
    assert rows["E1"]["reference_high_ng_ml"] == pytest.approx(23.3)
    assert rows["E2"]["reference_high_ng_ml"] == pytest.approx(15.2)
    assert rows["E3"]["reference_high_ng_ml"] == pytest.approx(23.3)
    assert {row["status"] for row in rows.values()} == {"high"}
    assert not [w for w in warnings if "read two ways" in w]


def test_without_language_the_numbers_decide_and_sex_words_of_six_languages(
    tmp_path: Path,
) -> None:
    cells = [
        "M: 4,0-15,2 V: 4,8-23,3",
        "V: 4,0-15,2 M: 4,8-23,3",
        "F: 4,8-23,3 M: 4,0-15,2",
        "W: 4,8-23,3 / M: 4,0-15,2",
        "Frauen 4,8-23,3; Männer 4,0-15,2",
        "Femmes : 4,8-23,3 ; Hommes : 4,0-15,2",
        "Mujeres 4,8-23,3; Hombres 4,0-15,2",
        "Donne 4,8-23,3; Uomini 4,0-15,2",
        "Maschi 4,0-15,2 / Femmine 4,8-23,3",
    ]
    lines = []
    for k, cell in enumerate(cells):
        lines += [
            f"F{k},F,34,28,ng/mL,{csv_quoted(cell)}",
            f"M{k},M,34,17,ng/mL,{csv_quoted(cell)}",
        ]
    lines.append(f"X1,,34,20,ng/mL,{csv_quoted(cells[0])}")  # sex unknown: both intervals
    # the same upper limit, nothing to tell the letters: the higher lower limit for both
    lines += ["Z1,F,34,4,ng/mL,M: 3-15.2 V: 5-15.2", "Z2,M,34,4,ng/mL,V: 3-15.2 M: 5-15.2"]
    frame, warnings = triage_csv_warned(tmp_path, HEADER + "\n" + "\n".join(lines) + "\n")
    rows = _ids(frame)
    for k, cell in enumerate(cells):
        assert rows[f"F{k}"]["reference_high_ng_ml"] == pytest.approx(23.3), cell
        assert rows[f"M{k}"]["reference_high_ng_ml"] == pytest.approx(15.2), cell
        assert rows[f"F{k}"]["status"] == rows[f"M{k}"]["status"] == "high", cell
    assert rows["X1"]["status"] == "indeterminate"
    assert rows["Z1"]["status"] == rows["Z2"]["status"] == "low"
    said = [w for w in warnings if "read two ways" in w]
    assert len(said) == 2
    assert "higher upper limit was read as the women's" in said[0]
    assert "stricter interval" in said[1] and "2 row(s)" in said[1]


def test_letters_the_language_and_numbers_leave_open_take_the_stricter_interval(
    tmp_path: Path,
) -> None:
    header = "NHC;Sexo;Edad;Prolactina;Unidades;Valores de referencia"
    lines = [
        # Spanish: M mujer, V varón, yet the women's upper limit is the lower one
        "S1;M;34;20;ng/mL;" + csv_quoted("M 4,0-15,2; V 4,8-23,3"),
        "S2;H;34;20;ng/mL;" + csv_quoted("M 4,0-15,2; V 4,8-23,3"),
    ]
    frame, warnings = triage_csv_warned(tmp_path, header + "\n" + "\n".join(lines) + "\n")
    rows = _ids(frame)
    for pid in ("S1", "S2"):
        # never normal against the other sex's wider interval
        assert rows[pid]["reference_high_ng_ml"] == pytest.approx(15.2), pid
        assert rows[pid]["status"] == "high", pid
    said = [w for w in warnings if "read two ways" in w]
    assert len(said) == 1 and "stricter interval" in said[0] and "2 row(s)" in said[0]
