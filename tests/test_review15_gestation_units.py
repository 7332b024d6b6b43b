"""Review 15: a gestation, a result cell and a unit the tool did not read.

- a pregnancy written with its gestation in forms not read ("IUP 8 weeks", "IUP 8+3",
  "Schwangerschaft 2. Monat", "gravidanza 3° mese", "3e mois de grossesse") was a pregnancy of
  unknown trimester: a result just above the pregnancy limit in the first trimester, where
  prolactin is usually far lower (clinical-reference §2.1: median 16 ng/mL), was excused as in
  late pregnancy.  Months count as weeks by the calendar (a 3rd month ends at 13 weeks: first
  trimester, thresholds.toml trimester2_start_weeks).  German "IUP" is also a coil
  (Intrauterinpessar): "Kupfer-IUP" excused a raised result as pregnancy; Italian "ad 16 anni"
  was read as Dutch "AD 16" (16 weeks of amenorrhoea); "pregnant 3 months ago" was 13 weeks
  pregnant now;
- a result cell saying there is no result ("N/A", "n.v.", "non dosé", "no realizado") was
  rejected as unparseable, not as missing_result; "nd" / "n.d." (not done, or in some labs not
  detected) is missing_result with both readings named, never a number; "<LOQ" stays
  unparseable (a measured value the cell does not give);
- a unit with an assay in brackets or after a mark ("mU/L (Roche)", "ng/mL - Siemens", "µg/l;
  Cobas") was no unit: every row was unknown_unit.  The unit is read and the assay named is the
  row's assay, as an assay column's text would be (its reference set, or the note that none
  matches).
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

from triage.pipeline import TriageRequest, run_triage
from triage.values import normalise_unit

# --- 1. a gestation in weeks or months ------------------------------------------------------
HEADER = "patient_id,sex,age_years,collected_at,prolactin,prolactin_unit,comments"
PREGNANCY_HEADER = "patient_id,sex,age_years,collected_at,prolactin,prolactin_unit,pregnant"

# 215 ng/mL: 1.03x the whole-pregnancy limit (209 ng/mL).  In the first trimester (before 14+0
# weeks) it is not explained; from the second trimester a result this close to the limit is.
FIRST_TRIMESTER = {
    "en": [
        "IUP 8 weeks",
        "IUP 8+3",
        "IUP at 8 weeks",
        "intrauterine pregnancy 12/40",
        "pregnant 8+3",
        "3rd month of pregnancy",
        "preg 12 wks",
    ],
    "de": [
        "Schwangerschaft 2. Monat",
        "Schwangerschaft im 3. Monat",
        "schwanger 8+3",
        "intakte IUG 8+3",
        "3. Monat schwanger",
    ],
    "fr": [
        "enceinte de 3 mois",
        "grossesse 8+3",
        "3e mois de grossesse",
        "grossesse de 2 mois",
        "GIU 8 SA",
    ],
    "es": [
        "embarazo de 10 semanas",
        "embarazo 10 semanas",
        "embarazo intrauterino de 8 semanas",
        "3 meses de embarazo",
        "3er mes de embarazo",
    ],
    "it": ["gravidanza 3° mese", "3° mese di gravidanza", "gravidanza di 2 mesi", "gravidanza 8+3"],
    "nl": ["zwanger 3 maanden", "zwangerschap 3 maanden", "3e maand zwangerschap", "zwanger 8+3"],
}
LATER = {
    "en": ["IUP 16 weeks", "pregnancy 20+1", "5 months pregnant"],
    "de": ["SSW 14", "Schwangerschaft 5. Monat", "schwanger 20+2"],
    "fr": ["grossesse 20 SA", "grossesse au 5e mois", "enceinte 20+2 SA"],
    "es": ["embarazo de 5 meses", "embarazada 20+2"],
    "it": ["gravidanza 5° mese", "5 mesi di gravidanza"],
    "nl": ["AD 16 weken", "AD 16+2", "zwangerschap 5 maanden"],
}


def _factors(row: pd.Series) -> list[str]:
    return str(row["factors"]).split(";") if isinstance(row["factors"], str) else []


def _run(tmp_path: Path, header: str, value: str, texts: list[str]) -> list[pd.Series]:
    lines = [f"P{i},F,30,2026-11-02,{value},ng/mL,{csv_quoted(t)}" for i, t in enumerate(texts)]
    results = triage_lines(tmp_path, header, lines)
    return [results.loc[f"P{i}"] for i in range(len(texts))]


@pytest.mark.parametrize("header", [HEADER, PREGNANCY_HEADER], ids=["comments", "pregnant"])
@pytest.mark.parametrize("language", sorted(FIRST_TRIMESTER))
def test_a_first_trimester_gestation_is_read(tmp_path: Path, header: str, language: str) -> None:
    texts = FIRST_TRIMESTER[language]
    for text, row in zip(texts, _run(tmp_path, header, "215", texts), strict=True):
        assert str(row["reference_stratum"]).endswith("pregnant"), text
        assert "pregnancy" in _factors(row), text
        assert "first trimester" in row["factor_evidence"], text
        assert row["priority"] == "soon", text


@pytest.mark.parametrize("header", [HEADER, PREGNANCY_HEADER], ids=["comments", "pregnant"])
@pytest.mark.parametrize("language", sorted(LATER))
def test_a_later_gestation_is_read(tmp_path: Path, header: str, language: str) -> None:
    texts = LATER[language]
    for text, row in zip(texts, _run(tmp_path, header, "215", texts), strict=True):
        assert "pregnancy" in _factors(row), text
        assert "first trimester" not in row["factor_evidence"], text
        assert row["priority"] == "routine", text


NO_PREGNANCY_NOW = [
    "Kupfer-IUP",  # German IUP: a copper coil
    "Hormon-IUP (Mirena)",
    "IUP seit 2020",
    "Verhütung: IUP",
    "IUP liegt regelrecht",
    "menarca ad 12 anni",  # Italian "ad", not Dutch "AD 12" (amenorrhoeduur)
    "ad 16 anni",
    "pregnant 3 months ago",
    "gravidanza 3 mesi fa",
    "3 mois après la grossesse",
    "3 Monate nach der Schwangerschaft",
    "delivered after a pregnancy of 9 months",  # over: not the third trimester now
    "entbunden nach 9 Monaten Schwangerschaft",
]


def test_a_coil_an_age_or_a_past_pregnancy_is_no_pregnancy(tmp_path: Path) -> None:
    """150 ng/mL in a woman of 30: high, worked up, never excused as pregnancy."""
    for text, row in zip(
        NO_PREGNANCY_NOW, _run(tmp_path, HEADER, "150", NO_PREGNANCY_NOW), strict=True
    ):
        assert row["status"] == "high", text
        assert "pregnancy" not in _factors(row), text
        assert not str(row["reference_stratum"]).endswith("pregnant"), text


def test_an_intrauterine_pregnancy_without_its_gestation_is_still_one(tmp_path: Path) -> None:
    texts = ["IUP", "IUP confirmed on scan", "GIU évolutive", "Kupfer-IUP entfernt, schwanger"]
    for text, row in zip(texts, _run(tmp_path, HEADER, "150", texts), strict=True):
        assert "pregnancy" in _factors(row), text
        assert str(row["reference_stratum"]).endswith("pregnant"), text


# --- 2. a result cell that says there is no result ------------------------------------------
NO_RESULT = [
    "NA",
    "N/A",
    "n.a.",
    "n.v.",
    "non dosé",
    "no realizado",
    "non dosato",
    "niet bepaald",
    "nicht vorhanden",
    "nicht bestimmt",
    "n.b.",
    "not done",
    "no procesado",
]
NOT_DONE_OR_NOT_DETECTED = ["nd", "n.d.", "ND", "n/d"]


def _outcome(tmp_path: Path, cells: list[str]):
    rows = [f"R{i},F,30,{csv_quoted(c)},ng/mL" for i, c in enumerate(cells)]
    rows += ["N1,F,30,12.5,ng/mL", "N2,M,40,9.1,ng/mL", "N3,F,50,47,ng/mL"]
    path = tmp_path / "export.csv"
    path.write_text("patient_id,sex,age,prolactin,unit\n" + "\n".join(rows) + "\n", "utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def test_a_no_result_cell_is_rejected_as_missing_result(tmp_path: Path) -> None:
    """A column mostly of "no result" words is still the prolactin column (they say nothing of
    it): its three numbers are triaged, each word's row is rejected as missing_result."""
    cells = NO_RESULT + NOT_DONE_OR_NOT_DETECTED
    outcome = _outcome(tmp_path, cells)
    assert sorted(outcome.results["patient_id"]) == ["N1", "N2", "N3"]
    rejected = {r.patient_id: r for r in outcome.rejected}
    for i, cell in enumerate(cells):
        assert rejected[f"R{i}"].reason_code == "missing_result", cell
        assert repr(cell) in rejected[f"R{i}"].detail, cell


def test_nd_names_both_readings_and_a_below_limit_cell_stays_unparseable(
    tmp_path: Path,
) -> None:
    """'n.d.' may be 'not detected' (below the detection limit): never a number, never a low
    result; its detail says so.  '<LOQ', 'not detected' give no value either: unparseable."""
    cells = [*NOT_DONE_OR_NOT_DETECTED, "N/A", "<LOQ", "not detected"]
    outcome = _outcome(tmp_path, cells)
    rejected = {r.patient_id: r for r in outcome.rejected}
    for i in range(len(NOT_DONE_OR_NOT_DETECTED)):
        assert "not detected" in rejected[f"R{i}"].detail
    assert "not detected" not in rejected["R4"].detail  # N/A
    assert rejected["R5"].reason_code == "unparseable_result"
    assert rejected["R6"].reason_code == "unparseable_result"
    assert not outcome.results["patient_id"].str.startswith("R").any()


# --- 3. a unit with its assay ---------------------------------------------------------------
UNIT_HEADER = "patient_id,sex,age_years,prolactin,prolactin_unit"
# (unit cell, value, the reference set its assay names)
ASSAY_UNITS = [
    ("mU/L (Roche)", "600", "roche_elecsys"),
    ("mIU/L (Abbott Architect)", "600", "abbott_architect"),
    ("µg/l; Cobas", "28", "roche_elecsys"),
    ("mIU/l, Alinity", "600", "abbott_architect"),
    ("ng/mL (Atellica)", "28", "siemens_atellica"),
    ("ng/ml - Beckman Access", "28", "beckman_access"),
    ("mU/L [Roche cobas e801]", "600", "roche_elecsys"),
    ("µg/L (Siemens Centaur)", "28", "siemens_centaur"),
]


def test_a_unit_with_its_assay_is_read_and_the_assay_chooses_the_interval(
    tmp_path: Path,
) -> None:
    lines = [f"U{i},F,30,{v},{csv_quoted(u)}" for i, (u, v, _) in enumerate(ASSAY_UNITS)]
    results = triage_lines(tmp_path, UNIT_HEADER, lines)
    for i, (unit, _, reference) in enumerate(ASSAY_UNITS):
        row = results.loc[f"U{i}"]
        assert row["prolactin_ng_ml"] == pytest.approx(28.0, abs=0.4), unit
        assert row["reference_set"] == reference, unit


def test_an_assay_without_its_own_interval_is_named_as_an_assay_column_would_be(
    tmp_path: Path,
) -> None:
    """'Siemens' alone is two platforms: the default interval, and the note says so."""
    results = triage_lines(tmp_path, UNIT_HEADER, ['S,F,30,28,"ng/mL - Siemens"'])
    row = results.loc["S"]
    assert row["prolactin_ng_ml"] == pytest.approx(28.0)
    assert row["reference_set"] == "default"
    assert "'Siemens' matches no reference set" in row["reference_note"]


def test_an_assay_column_wins_over_the_unit_note(tmp_path: Path) -> None:
    results = triage_lines(
        tmp_path, UNIT_HEADER + ",assay", ['A,F,30,600,"mU/L (Roche)",Architect']
    )
    assert results.loc["A", "reference_set"] == "abbott_architect"


@pytest.mark.parametrize(
    "header",
    [
        "Prolactin (mIU/L, Architect)",
        "Prolactin mIU/L (Architect)",
        "Prolactin (mIU/L) Abbott Architect",
        "Prolaktin [mU/l; Alinity]",
    ],
)
def test_a_header_unit_with_its_assay(tmp_path: Path, header: str) -> None:
    results = triage_lines(
        tmp_path, f"patient_id,sex,age_years,{csv_quoted(header)}", ["H,F,30,600", "K,M,40,300"]
    )
    assert results.loc["H", "prolactin_ng_ml"] == pytest.approx(28.3, abs=0.1), header
    assert results.loc["H", "reference_set"] == "abbott_architect", header


@pytest.mark.parametrize(
    "text",
    ["ng/mL (mIU/L Roche)", "ng/mL - fasting", "mIU/L (see note)", "ng/mL, mIU/L", "Roche"],
)
def test_a_note_that_names_no_assay_or_another_unit_leaves_the_unit_unknown(text: str) -> None:
    assert normalise_unit(text) is None, text
    # the standard and "equals" notes are read as before
    assert normalise_unit("mIU/L (WHO 84/500)") is not None
    assert normalise_unit("µg/L (= ng/mL)") is not None
