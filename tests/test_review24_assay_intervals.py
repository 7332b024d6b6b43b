"""Review 24, the assay and its interval (clinical-reference §2.2 "Roche Elecsys/cobas
Prolactin II", §7 note 7: intervals are method-specific; output-contract-extensions "Roche's
analysers by their model names"):

1. the Roche analysers written by their model alone (``Modular E170``, ``e411``, ``E601``,
   ``cobas-e602``) select the Roche set, not the method-free default set, in an assay column of
   any export;
2. no delta check across methods (extensions "No delta check across methods"; clinical-reference
   §7 note 7: the reference change value holds within one method): two *different* methods that
   no reference set names (Tosoh then Vitros, LIAISON then Immulite) both fall to the default set
   yet are not compared, in one file or across two runs; nor are two results whose lab-given
   interval changed between them (the lab changed its method).  The same unnamed method written
   alike twice, or the same lab interval twice, is still compared;
3. the lab's own interval split by sex with symbols (``♂ 86-324; ♀ 102-350``) or the Italian
   letters U / D (uomini / donne) is read per sex (clinical-reference §2.2: always prefer the
   lab-supplied interval; contract §5: never a false normal), not dropped for the set's wider one.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from history_fixtures import run_with_history
from pipeline_helpers import csv_quoted, triage_csv

SAMPLE = "2026-11-02 09:30"


def _rows(tmp_path: Path, rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """Adults of 45; each row (sex, result in mIU/L, assay, header of the assay column)."""
    header = rows[0][3]
    lines = [f"patient_id,sex,age_years,collected_at,Prolactin (mIU/L),{header}"]
    for i, (sex, value, assay, _) in enumerate(rows):
        lines.append(f"P{i},{sex},45,{SAMPLE},{value},{csv_quoted(assay)}")
    return triage_csv(tmp_path, "\n".join(lines) + "\n").set_index("patient_id")


# 1. Roche's analysers by their model names ------------------------------------------------------
ROCHE_MODELS = [
    ("Modular E170", "Analyser"),
    ("MODULAR E170", "Gerät"),
    ("e411", "Analyser"),
    ("E601", "Automate"),
    ("e602", "Analizzatore"),
    ("e402", "Analyzer"),
]


# controls: a model written beside "Roche" or "Elecsys" selected the set before
ROCHE_NAMED = [("Roche Modular Analytics E170", "Analyser"), ("Elecsys 2010", "Method")]


@pytest.mark.parametrize(("assay", "header"), ROCHE_MODELS + ROCHE_NAMED)
def test_a_roche_analyser_named_by_its_model_selects_the_roche_set(
    tmp_path: Path, assay: str, header: str
) -> None:
    # a woman of 45 at 600 mIU/L: above Roche's 23.3 ng/mL (494-496 mIU/L) -> high; the
    # method-free default set (30 ng/mL = 636 mIU/L) would call it normal
    out = _rows(tmp_path, [("F", "600", assay, header)])
    row = out.loc["P0"]
    assert row["reference_set"] == "roche_elecsys", (assay, row["reference_set"])
    assert row["status"] == "high", (assay, row["status"], row["comment"])


# 2. No delta check across methods both falling to the default set -------------------------------
SERIES_HEAD = "Patient ID,Sex,DOB,Collected,Prolactin (mIU/L),{extra},Medication"
FIRST, SECOND = "2026-06-01 09:30", "2026-09-01 09:30"


def _series_file(folder: Path, name: str, extra: str, cells: list[str]) -> Path:
    """One woman (risperidone) at 400 then 900 mIU/L; ``cells``: the ``extra`` column of each."""
    lines = [SERIES_HEAD.format(extra=extra)]
    for when, value, cell in zip((FIRST, SECOND), ("400", "900"), cells, strict=True):
        lines.append(f"T1,F,1986-02-01,{when},{value},{csv_quoted(cell)},risperidone 2 mg")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _second(outcome: object) -> pd.Series:
    results = outcome.results  # type: ignore[attr-defined]
    return results.loc[results["prolactin_value"] == 900].iloc[0]


OTHER_METHODS = [
    ("Analyser", ["Tosoh AIA-900", "Ortho Vitros 5600"]),
    ("Analyser", ["LIAISON XL", "Immulite 2000"]),
    ("Methode", ["Tosoh AIA-2000", "DiaSorin Liaison"]),
    ("Automate", ["Vitros ECi", "Mindray CL-900i"]),
    ("Reference range", ["102-496", "64-640"]),  # the lab's interval changed: another method
    ("Referenzbereich", ["4,8-23,3 ng/mL", "3,0-30,0 ng/mL"]),
]


@pytest.mark.parametrize(("extra", "cells"), OTHER_METHODS)
def test_two_methods_that_fall_to_one_set_are_not_compared_in_one_file(
    tmp_path: Path, extra: str, cells: list[str]
) -> None:
    path = _series_file(tmp_path / "in", "export.csv", extra, cells)
    url = f"sqlite:///{tmp_path / 'h.db'}"
    row = _second(run_with_history(tmp_path, "out", [path], url, None))
    assert pd.isna(row["trend"]) or row["trend"] == "", (cells, row["trend"])
    assert row["priority"] != "soon", (cells, row["priority"])
    assert row["change_pct"] == pytest.approx(125, abs=0.1)  # the change is still given


@pytest.mark.parametrize(("extra", "cells"), OTHER_METHODS[:2] + OTHER_METHODS[4:5])
def test_two_methods_are_not_compared_across_two_runs(
    tmp_path: Path, extra: str, cells: list[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    first = _series_file(tmp_path / "a", "june.csv", extra, cells)
    lines = first.read_text(encoding="utf-8").splitlines()
    first.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    second = tmp_path / "b" / "september.csv"
    second.parent.mkdir()
    second.write_text("\n".join([lines[0], lines[2]]) + "\n", encoding="utf-8")
    run_with_history(tmp_path, "out1", [first], url, None)
    row = _second(run_with_history(tmp_path, "out2", [second], url, None))
    assert pd.isna(row["trend"]) or row["trend"] == "", (cells, row["trend"])
    assert row["priority"] != "soon"
    page = (tmp_path / "out2" / "patients.html").read_text(encoding="utf-8")
    assert "not compared" in page


SAME_METHOD = [
    ("Analyser", ["Tosoh AIA-900", "TOSOH AIA 900"]),
    ("Reference range", ["102-496", "102-496"]),
]


@pytest.mark.parametrize(("extra", "cells"), SAME_METHOD)
def test_one_method_written_twice_is_still_compared(
    tmp_path: Path, extra: str, cells: list[str]
) -> None:
    path = _series_file(tmp_path / "in", "export.csv", extra, cells)
    url = f"sqlite:///{tmp_path / 'h.db'}"
    row = _second(run_with_history(tmp_path, "out", [path], url, None))
    assert row["trend"] == "rising", (cells, row["trend"])
    assert row["priority"] == "soon"


# 3. A lab interval split by sex symbols or U / D -------------------------------------------------
SEX_SPLIT_CELLS = [
    "♂ 86-324; ♀ 102-350",
    "♂86-324 ♀102-350",
    "♀: 102 - 350 mIU/L, ♂: 86 - 324 mIU/L",
    "U 86-324; D 102-350",
    "U: 86-324 / D: 102-350",
    "D 102-350 - U 86-324",
]


@pytest.mark.parametrize("cell", SEX_SPLIT_CELLS)
def test_a_lab_interval_split_by_sex_symbols_or_u_d_is_read_per_sex(
    tmp_path: Path, cell: str
) -> None:
    # a woman at 400 mIU/L: above her lab's 350, within Roche's 102-494 -> high, from the row;
    # a man at 300: within his lab's 86-324
    lines = ["patient_id,sex,age_years,collected_at,Prolactin (mIU/L),Reference range,Analyser"]
    lines.append(f"W,F,41,{SAMPLE},400,{csv_quoted(cell)},cobas e801")
    lines.append(f"M,M,41,{SAMPLE},300,{csv_quoted(cell)},cobas e801")
    out = triage_csv(tmp_path, "\n".join(lines) + "\n").set_index("patient_id")
    woman, man = out.loc["W"], out.loc["M"]
    assert woman["reference_source"] == "row", (cell, woman["reference_source"])
    assert float(woman["reference_high_value"]) == pytest.approx(350), cell
    assert woman["status"] == "high", (cell, woman["comment"])
    assert man["reference_source"] == "row" and man["status"] == "normal", cell
    assert float(man["reference_high_value"]) == pytest.approx(324), cell
