"""Review 12: how cells are read.  Synthetic patients only.

- An age of 0 under a header (or unit column) that names the unit ("Age (years)", "Alter (Monate)")
  says "under one year (month)", never day 0: it is judged against every interval of that span,
  and the neonatal period that may or may not apply never lowers a result above the urgent level
  (review 17: under one year that level makes it soon, not urgent: the adult urgent level does not
  apply to an infant, whose own interval, CALIPER 30 days to <1 year, is 6.3-113.7 ng/mL).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.pipeline import TriageRequest, run_triage

YEARS_HEADERS = [
    "Age (years)",
    "age_years",
    "Alter (Jahre)",
    "Âge (ans)",
    "Edad (años)",
    "Età (anni)",
    "Leeftijd (jaren)",
]
MONTHS_HEADERS = [
    "Age (months)",
    "Alter (Monate)",
    "Âge (mois)",
    "Edad (meses)",
    "Età (mesi)",
    "Leeftijd (maanden)",
]
DAYS_HEADERS = [
    "Age (days)",
    "Alter (Tage)",
    "Âge (jours)",
    "Edad (días)",
    "Età (giorni)",
    "Leeftijd (dagen)",
]
ZERO_WORDS = ["0 y", "0 Jahre", "0 ans", "0 años", "0 anni", "0 jaar", "0 mois", "0 meses"]


def _wide(tmp_path: Path, header: str, rows: list[str]) -> pd.DataFrame:
    tmp_path.mkdir(exist_ok=True)
    head = f"patient_id,sex,{header},collected_at,prolactin,prolactin_unit"
    return triage_csv(tmp_path, "\n".join([head, *rows]) + "\n")


def _never_day_zero(row: pd.Series) -> None:
    """Judged against every interval of the span: not the neonatal interval alone."""
    assert row["reference_source"] != "physiological"
    assert row["status"] == "indeterminate"
    assert "Age 0 without days" in row["reference_note"]


@pytest.mark.parametrize("header", YEARS_HEADERS)
def test_a_zero_age_under_a_years_header_is_under_one_year(tmp_path: Path, header: str) -> None:
    results = _wide(
        tmp_path,
        header,
        [
            "Z1,F,0,2026-11-02,480,ng/mL",
            "Z2,F,0 y,2026-11-02,480,ng/mL",
            # six months, beyond the neonatal period: above the urgent level, urgent (contract
            # §7; review 22 restored it, review 17 had made it soon)
            "Z3,F,0.5,2026-11-02,300,ng/mL",
        ],
    )
    assert (results.iloc[2]["status"], results.iloc[2]["priority"]) == ("high", "urgent")
    for _, row in results.iloc[:2].iterrows():
        _never_day_zero(row)
        # above the urgent level (~236 ng/mL) and not known to be a neonate's: soon (day 0
        # would make it none; under one year the adult urgent level does not apply)
        assert row["priority"] == "soon"
        assert row["factors"] == "neonatal"
        assert "neonatal (possible)" in row["factor_evidence"]
        assert "soon until the age in days is known" in row["factor_evidence"]


@pytest.mark.parametrize(
    ("header", "days_header"),
    list(zip(MONTHS_HEADERS, DAYS_HEADERS, strict=True)),
)
def test_a_zero_age_in_months_is_under_one_month_in_days_day_zero(
    tmp_path: Path, header: str, days_header: str
) -> None:
    row = _wide(tmp_path / "months", header, ["M1,F,0,2026-11-02,400,ng/mL"]).iloc[0]
    _never_day_zero(row)
    assert "under 30 days" in row["reference_note"]
    assert row["priority"] == "soon"
    # only days give the exact day 0 (the neonatal interval, 400 within it)
    row = _wide(tmp_path / "days", days_header, ["D1,F,0,2026-11-02,400,ng/mL"]).iloc[0]
    assert row["reference_source"] == "physiological"
    assert (row["status"], row["priority"]) == ("normal", "none")


@pytest.mark.parametrize("cell", ZERO_WORDS)
@pytest.mark.parametrize("header", ["Age (years)", "Alter (Monate)"])
def test_a_zero_age_written_with_its_unit_under_a_unit_header(
    tmp_path: Path, header: str, cell: str
) -> None:
    results = _wide(tmp_path, header, [f"W1,M,{cell},2026-11-02,480,ng/mL"])
    _never_day_zero(results.iloc[0])


def test_a_zero_age_under_a_years_header_in_a_workbook(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["patient_id", "sex", "Age (years)", "collected_at", "prolactin", "unit"])
    sheet.append(["X1", "F", 0, "2026-11-02", 480, "ng/mL"])
    sheet.append(["X2", "F", 0.0, "2026-11-02", 480, "ng/mL"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    request = TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True)
    results = run_triage(request).results
    assert len(results) == 2
    for _, row in results.iterrows():
        _never_day_zero(row)
        assert row["priority"] == "soon"


@pytest.mark.parametrize(
    ("header", "unit_header", "unit"),
    [
        ("Age (years)", "unit", "ng/mL"),
        ("Alter (Jahre)", "Einheit", "ng/mL"),
        ("Age", "unit", "ng/mL"),
    ],
)
def test_a_zero_age_in_a_long_file(
    tmp_path: Path, header: str, unit_header: str, unit: str
) -> None:
    text = (
        f"patient_id,sex,{header},collected_at,test,result,{unit_header}\n"
        f"L1,F,0,2026-11-02,Prolactin,480,{unit}\n"
    )
    row = triage_csv(tmp_path, text).iloc[0]
    _never_day_zero(row)
    assert row["priority"] == "soon"


def test_a_zero_age_with_an_age_unit_column(tmp_path: Path) -> None:
    text = (
        "patient_id,sex,Age (years),age_unit,collected_at,prolactin,prolactin_unit\n"
        "U1,F,0,months,2026-11-02,400,ng/mL\n"
        "U2,F,0,days,2026-11-02,400,ng/mL\n"
    )
    results = triage_csv(tmp_path, text)
    _never_day_zero(results.iloc[0])
    assert results.iloc[1]["reference_source"] == "physiological"  # day 0


def test_a_zero_age_below_the_urgent_level_stays_routine(tmp_path: Path) -> None:
    """150 ng/mL at 0 y: indeterminate, possibly neonatal, not above the urgent level."""
    results = _wide(tmp_path, "Age (years)", ["Z4,F,0,2026-11-02,150,ng/mL"])
    row = results.iloc[0]
    _never_day_zero(row)
    assert row["priority"] == "routine"
    assert "urgent level" not in row["factor_evidence"]


# --- a share of macroprolactin at most 1 -------------------------------------------------------
PERCENT_MACRO_HEADERS = [
    "Macroprolactin (%)",
    "% macroprolactin",
    "Makroprolaktin (%)",
    "Macroprolactine (%)",
    "Macroprolactina (%)",
    "Macroprolattina (%)",
    "macro_pct",
]


def _macro(tmp_path: Path, header: str, cells: list[str]) -> pd.DataFrame:
    tmp_path.mkdir(exist_ok=True)
    head = f"patient_id,sex,age_years,collected_at,prolactin,prolactin_unit,{header}"
    rows = [f"PW{i},F,40,2026-11-02,80,ng/mL,{cell}" for i, cell in enumerate(cells)]
    return triage_csv(tmp_path, "\n".join([head, *rows]) + "\n")


@pytest.mark.parametrize("header", PERCENT_MACRO_HEADERS)
@pytest.mark.parametrize("cell", ["0.8", "1.0", "0,8"])
def test_a_small_share_under_a_percent_header_is_a_percentage(
    tmp_path: Path, header: str, cell: str
) -> None:
    """0.8 under "Macroprolactin (%)" is 0.8% macroprolactin (recovery 99.2%), not 80%: no
    macroprolactinaemia, the raised result stays unexplained (soon)."""
    if "," in cell:
        cell = f'"{cell}"'
    row = _macro(tmp_path, f'"{header}"', [cell]).iloc[0]
    assert "macroprolactinemia" not in str(row["factors"])
    assert row["priority"] == "soon"


@pytest.mark.parametrize("header", ["Macroprolactin ratio", "Makroprolaktin-Anteil"])
def test_a_small_share_beside_percentages_is_a_percentage(tmp_path: Path, header: str) -> None:
    """Without a percent in the header the column decides: 0.8 beside 12 is 0.8%; a column of
    fractions alone (0.8 beside 0.2) is fractions (80%: macroprolactinaemia)."""
    mixed = _macro(tmp_path / "mixed", header, ["0.8", "12"])
    assert "macroprolactinemia" not in mixed["factors"].fillna("").str.cat()
    fractions = _macro(tmp_path / "fractions", header, ["0.8", "0.2"])
    assert fractions["factors"].tolist()[0] == "macroprolactinemia"
    assert "macroprolactinemia" not in str(fractions["factors"].tolist()[1])


# --- the units of context lab values ------------------------------------------------------------
# TSH 12 mIU/L (hypothyroidism, which explains a mild rise) written in the units of six languages
TSH_12 = [
    "0.012 U/L",
    "0.012 IU/L",
    "12000 µIU/L",
    "12000 µU/L",
    "12 µIU/mL",
    "12 mU/L",
    "12 mUI/L",
    "12 µUI/mL",
    "12 mE/L",
    "0,012 UI/L",
    "0,012 E/l",
]


def _context(tmp_path: Path, header: str, cells: list[str]) -> pd.DataFrame:
    tmp_path.mkdir(exist_ok=True)
    head = f"patient_id,sex,age_years,collected_at,prolactin,prolactin_unit,{header}"
    rows = [f"TU{i},F,40,2026-11-02,45,ng/mL,{cell}" for i, cell in enumerate(cells)]
    return triage_csv(tmp_path, "\n".join([head, *rows]) + "\n")


def test_a_tsh_in_any_unit_is_read_in_miu_l(tmp_path: Path) -> None:
    cells = [f'"{c}"' if "," in c else c for c in TSH_12]
    results = _context(tmp_path, "tsh", cells)
    for _, row in results.iterrows():
        assert row["factors"].split(";")[0] == "hypothyroidism", row["patient_id"]
        assert "TSH: 12 mIU/L" in row["factor_evidence"]
        assert "check_tsh" not in str(row["suggestions"])


@pytest.mark.parametrize(
    ("header", "cell"),
    [
        ("TSH (U/L)", "0.012"),
        ("TSH [µIU/L]", "12000"),
        ("TSH (IU/L)", "0,012"),
        ("Thyreotropin (µU/L)", "12000"),
    ],
)
def test_a_tsh_under_a_header_with_its_unit(tmp_path: Path, header: str, cell: str) -> None:
    row = _context(tmp_path, f'"{header}"', [f'"{cell}"']).iloc[0]
    assert row["factors"].split(";")[0] == "hypothyroidism"
    assert "TSH: 12 mIU/L" in row["factor_evidence"]


def test_a_tsh_in_another_tests_unit_is_not_used(tmp_path: Path) -> None:
    """A TSH in ng/mL is no TSH the tool can read: not used (check_tsh stays), never taken as
    a suppressed or raised TSH."""
    results = _context(tmp_path, "tsh", ["12 ng/mL", "0.5 pmol/L"])
    for _, row in results.iterrows():
        assert "hypothyroidism" not in str(row["factors"])
        assert "check_tsh" in str(row["suggestions"])


@pytest.mark.parametrize(
    ("cells", "header"),
    [
        # eGFR in mL/s/1.73 m² (1.2 mL/s = 72 mL/min): no renal impairment; 0.3 mL/s = 18
        (["1.2 mL/s/1.73m2"], "eGFR"),
        (["1.2"], '"eGFR (mL/s/1.73m2)"'),
    ],
)
def test_an_egfr_in_ml_per_second(tmp_path: Path, cells: list[str], header: str) -> None:
    row = _context(tmp_path, header, cells).iloc[0]
    assert "renal_impairment" not in str(row["factors"])
    low = _context(tmp_path / "low", "eGFR", ["0.3 mL/s/1.73m2"]).iloc[0]
    assert "eGFR: 18 mL/min" in low["factor_evidence"]


def test_a_free_t4_in_another_tests_unit_is_not_used(tmp_path: Path) -> None:
    """fT4 '0.5 ng/mL' (no free T4 unit) beside a raised TSH was read as 0.5 pmol/L: not used
    (the evidence asks for a free T4); 2.5 ng/dL is 32 pmol/L, a raised free T4 (no primary
    hypothyroidism), in a cell or under its header."""
    text = (
        "patient_id,sex,age_years,collected_at,prolactin,prolactin_unit,tsh,fT4\n"
        "F1,F,40,2026-11-02,45,ng/mL,12,0.5 ng/mL\n"
        "F2,F,40,2026-11-02,45,ng/mL,12,2.5 ng/dL\n"
    )
    results = triage_csv(tmp_path, text)
    unknown, raised = results.iloc[0], results.iloc[1]
    assert "check free T4" in unknown["factor_evidence"]
    assert "hypothyroidism" not in str(raised["factors"])
    header = _context(tmp_path / "header", '"fT4 (ng/dL)",tsh', ["2.5,12"]).iloc[0]
    assert "hypothyroidism" not in str(header["factors"])


@pytest.mark.parametrize(
    ("test", "value", "unit"),
    [
        ("TSH", "0.012", "U/L"),
        ("TSH", "12000", "µIU/L"),
        ("Thyreotropin", "0,012", "IU/L"),
        ("TSH", "0,012", "UI/L"),
    ],
)
def test_a_tsh_line_of_a_long_file_in_any_unit(
    tmp_path: Path, test: str, value: str, unit: str
) -> None:
    text = (
        "patient_id,sex,age_years,collected_at,test,result,unit\n"
        "TL1,F,40,2026-11-02,Prolactin,45,ng/mL\n"
        f'TL1,F,40,2026-11-02,{test},"{value}",{unit}\n'
    )
    row = triage_csv(tmp_path, text).iloc[0]
    assert row["factors"].split(";")[0] == "hypothyroidism"
    assert "TSH: 12 mIU/L" in row["factor_evidence"]


def test_long_lines_of_free_t4_and_egfr_in_their_units(tmp_path: Path) -> None:
    text = (
        "patient_id,sex,age_years,collected_at,test,result,unit\n"
        "TL1,F,40,2026-11-02,Prolactin,45,ng/mL\n"
        "TL1,F,40,2026-11-02,eGFR,1.2,mL/s/1.73m2\n"
        "TL2,F,40,2026-11-02,Prolactin,45,ng/mL\n"
        "TL2,F,40,2026-11-02,TSH,12,mU/L\n"
        "TL2,F,40,2026-11-02,fT4,2.5,ng/dL\n"
    )
    results = triage_csv(tmp_path, text).set_index("patient_id")
    assert "renal_impairment" not in str(results.loc["TL1", "factors"])
    assert "hypothyroidism" not in str(results.loc["TL2", "factors"])  # free T4 32 pmol/L
