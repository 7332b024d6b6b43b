"""Review 26 (multi-centre research cohort exports: REDCap / SPSS / Stata / SAS / R files).

1. a header with a data dictionary's codes or a unit typed into a column name without quotes
  ("sex (1=m, 2=f)", "prl (ng/ml, Roche)", "Geschlecht (1=m; 2=w)") split into one field more
  than every data line: every column after it was read under the header before its own (a
  prolactin of 300 ng/mL read as the age, the urgent result lost, exit 0).  The name is joined
  again where so joined the header fits the lines below; where it cannot be, the lines are
  rejected (malformed_line) with the urgent one still listed, never read shifted (output-contract
  §5/§7: > 5,000 mIU/L, ~236 ng/mL, is urgent; clinical-reference §1.3).
2. research missing-data codes in the prolactin column: SPSS/Stata/SAS negative codes (-9, -8,
  -7, -88, -98), Stata's ".a"-".z" and SPSS's "#NULL!" are missing_result (never
  implausible_value nor unparseable_result: contract §4 reason codes), and an all-9 code (999,
  9999) is missing where the export's other columns write those codes for missing values (age
  999, eGFR -99): a missing-data code is never a measured result (no false urgent alert,
  contract §7).
3. Stata %td and SAS dates (days since 1960-01-01) were read as Excel serials (23400 =
  1964-01-24): every row rejected, a child judged against the adult interval.  A collection-date
  column whose numbers all fall before any prolactin assay as Excel serials but in the study's
  years as Stata/SAS days is read so (the birth dates' numbers with it), said once; the mapping
  file's [input] date_origin states it; an early date written as a number names that reading
  (clinical-reference §2.1: paediatric intervals by age).

Synthetic patients only; through the public pipeline, one file per case.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from triage.pipeline import TriageRequest, run_triage
from triage.schema import Rejected

STATA_DAY_0 = date(1960, 1, 1)


def _stata(day: date) -> int:
    return (day - STATA_DAY_0).days


def _run(
    tmp_path: Path, text: str, *, mapping: str | None = None, name: str = "export.csv"
) -> tuple[pd.DataFrame, dict[str, Rejected], list[str], list[str]]:
    """(results by patient, rejected rows by patient, urgent lines, warnings) of one run."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    columns = None
    if mapping is not None:
        columns = tmp_path / "map.toml"
        columns.write_text(mapping, encoding="utf-8")
    outcome = run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", columns=columns, keep_results=True)
    )
    assert outcome.results is not None
    assert not outcome.errors, outcome.errors
    rejected = {r.patient_id: r for r in outcome.rejected}
    warnings = [w for summary in outcome.inputs for w in summary.warnings]
    return outcome.results.set_index("patient_id"), rejected, outcome.urgent, warnings


# 1. A header split by a delimiter inside its brackets ------------------------------------------
SPLIT_SEX = [  # (sex header with its codebook, the code of a man), six languages
    ("sex (1=m, 2=f)", "1"),
    ("Geschlecht (1=m, 2=w)", "1"),
    ("sexe (1=h, 2=f)", "1"),
    ("sexo (1=h, 2=m)", "1"),
    ("sesso (1=m, 2=f)", "1"),
    ("geslacht (1=man, 2=vrouw)", "1"),
]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize(("sex_header", "man"), SPLIT_SEX)
def test_a_codebook_header_split_by_its_delimiter_keeps_every_column_in_place(
    tmp_path: Path, delimiter: str, sex_header: str, man: str
) -> None:
    header = sex_header.replace(",", delimiter)
    lines = [
        delimiter.join(["record_id", header, "age_yrs", "prl_ngml"]),
        delimiter.join(["UK-01", man, "40", "300"]),
        delimiter.join(["UK-02", "2", "35", "12"]),
        delimiter.join(["UK-03", "2", "29", "18"]),
    ]
    out, rejected, urgent, warnings = _run(tmp_path, "\n".join(lines) + "\n")
    assert not rejected, rejected
    assert out.loc["UK-01", "age_years"] == 40  # not the prolactin read as the age
    assert out.loc["UK-01", "prolactin_ng_ml"] == 300
    assert out.loc["UK-01", "priority"] == "urgent"
    assert any("UK-01" in line for line in urgent), urgent
    assert out.loc["UK-02", "age_years"] == 35
    assert any("inside brackets" in w for w in warnings), warnings


RESULT_WITH_UNIT = [  # a result header naming its unit and assay in brackets, six languages
    "prl (ng/ml, Roche)",
    "Prolaktin (ng/ml, Roche)",
    "prolactine (ng/ml, Roche)",
    "prolactina (ng/ml, Roche)",
    "prolattina (ng/ml, Roche)",
    "Prolactine (µg/l, Roche)",
]


@pytest.mark.parametrize("result_header", RESULT_WITH_UNIT)
def test_a_result_header_split_by_its_unit_bracket_is_read_whole(
    tmp_path: Path, result_header: str
) -> None:
    text = f"record_id,sex,{result_header},age_yrs,comment\nUK-01,M,300,40,\nUK-02,F,12,35,\n"
    out, rejected, urgent, _ = _run(tmp_path, text)
    assert not rejected, rejected
    assert out.loc["UK-01", "unit_raw"].replace(" ", "").lower().startswith(("ng/ml", "µg/l"))
    assert out.loc["UK-01", "priority"] == "urgent"
    assert out.loc["UK-02", "age_years"] == 35  # the column after it in place
    assert urgent


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize(("sex_header", "man"), SPLIT_SEX)
def test_a_split_header_over_a_single_record_is_joined_too(
    tmp_path: Path, delimiter: str, sex_header: str, man: str
) -> None:
    """One record under the header: the header's own field count is as common as the record's,
    and the record still decides (a one-patient export, a file cut to its first line)."""
    header = sex_header.replace(",", delimiter)
    lines = [
        delimiter.join(["record_id", header, "age_yrs", "prl_ngml"]),
        delimiter.join(["UK-01", man, "40", "300"]),
    ]
    out, rejected, urgent, _ = _run(tmp_path, "\n".join(lines) + "\n")
    assert not rejected, rejected
    assert out.loc["UK-01", "age_years"] == 40
    assert out.loc["UK-01", "priority"] == "urgent"
    assert any("UK-01" in line for line in urgent), urgent


def test_a_wide_visit_file_with_a_split_codebook_header_keeps_its_urgent_visits(
    tmp_path: Path,
) -> None:
    text = (
        "subject_id,sex (1=m, 2=f),dob,prl_v1,date_v1,prl_v2,date_v2,tsh_v1,tsh_v2\n"
        "DE-101,1,1980-05-02,12.0,2023-01-10,260,2023-07-12,1.1,1.2\n"
        "DE-102,2,1990-11-20,20.0,2023-01-11,-99,,2.0,\n"
        "DE-103,2,1988-02-14,18.0,2023-01-12,30,2023-07-14,1.5,1.4\n"
    )
    mapping = '[defaults]\nprolactin_unit = "ng/mL"\n'
    out, rejected, urgent, _ = _run(tmp_path, text, mapping=mapping)
    assert (out["prolactin_ng_ml"] == 260).any()
    high = out[out["prolactin_ng_ml"] == 260]
    assert set(high["priority"]) == {"urgent"}
    assert set(high["sex"]) == {"M"}
    assert any("260" in line for line in urgent), urgent
    assert rejected["DE-102"].reason_code == "missing_result"  # the -99 visit


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_split_header_that_cannot_be_joined_rejects_its_lines_and_keeps_the_urgent_one(
    tmp_path: Path, delimiter: str
) -> None:
    # two names split by brackets and lines of another width: no reading aligns the columns
    header = delimiter.join(["id", "sex (1=m", " 2=f)", "age", "prl (ng/ml", " Roche)"])
    lines = [header] + [delimiter.join(row) for row in (["P1", "1", "300"], ["P2", "2", "12"])]
    out, rejected, urgent, warnings = _run(tmp_path, "\n".join(lines) + "\n")
    assert out.empty
    assert {r.reason_code for r in rejected.values()} == {"malformed_line"}
    assert any("P1" in line for line in urgent), urgent
    assert any("inside brackets" in w for w in warnings), warnings


def test_a_header_whose_brackets_hold_no_delimiter_is_read_as_before(tmp_path: Path) -> None:
    # guard: an ordinary bracketed header and lines of its own width
    text = "record_id,sex (1=m 2=f),age_yrs,prl (ng/ml)\nUK-01,1,40,300\nUK-02,2,35,12\n"
    out, rejected, _, warnings = _run(tmp_path, text)
    assert not rejected
    assert out.loc["UK-01", "priority"] == "urgent"
    assert not any("inside brackets" in w for w in warnings)


# 2. Research missing-data codes in the result column -----------------------------------------
RESULT_HEADERS = ["prl_ngml", "Prolaktin (ng/ml)", "prolactine (ng/ml)", "prolactina (ng/ml)",
                  "prolattina (ng/ml)", "prolactine_ngml"]  # fmt: skip


@pytest.mark.parametrize("code", ["-9", "-8", "-7", "-88", "-98", "-9.00", "-8,0", ".a", ".z",
                                  "#NULL!"])  # fmt: skip
@pytest.mark.parametrize("result_header", RESULT_HEADERS)
def test_a_research_missing_code_in_the_result_column_is_a_missing_result(
    tmp_path: Path, code: str, result_header: str
) -> None:
    cell = f'"{code}"' if "," in code else code
    text = f"subject_id,sex,age_yrs,{result_header}\nM1,F,40,12\nM2,F,41,{cell}\nM3,F,42,14\n"
    out, rejected, urgent, _ = _run(tmp_path, text)
    assert rejected["M2"].reason_code == "missing_result", rejected["M2"]
    assert "missing-data code" in rejected["M2"].detail
    assert "M2" not in out.index
    assert set(out.index) == {"M1", "M3"}
    assert not urgent


def test_a_negative_result_that_is_no_code_stays_implausible(tmp_path: Path) -> None:
    # guard: -5 ng/mL is no missing-data code of any package, and no prolactin either
    text = "subject_id,sex,age_yrs,prl_ngml\nM1,F,40,12\nM2,F,41,-5\n"
    _, rejected, _, _ = _run(tmp_path, text)
    assert rejected["M2"].reason_code == "implausible_value"


NINES_BESIDE_OTHER_CODES = [
    # (csv text, the coded patient, the real result's patient): age and TSH 999 in the same row
    ("subject_id,sex,age_yrs,prl_ngml,tsh\nB1,F,999,9999,999\nB2,F,33,14,1.1\n", "B1", "B2"),
    # age 999 and eGFR 9999, the result 999 (mend E: the same all-9 form, not -99, says so)
    ("subject_id,sex,age_yrs,prl_ngml,egfr_ckdepi\nA1,F,999,999,9999\nA2,F,30,14,90\n", "A1", "A2"),
    # German semicolon export with decimal commas: the other cells of the row 999
    ("Patient-ID;Geschlecht;Alter;Prolaktin (ng/ml);eGFR;TSH\n"
     "N1;W;34,7;12,5;88;1,2\nN2;W;999;9999;999;999\nN3;W;41,2;16,4;88;1,1\n", "N2", "N1"),
    # French: the codes in another row of the file
    ("identifiant;sexe;age;prolactine (ng/ml);TSH\nF1;F;34;9999;2,1\nF2;F;999;14;999\n",
     "F1", "F2"),
    # Spanish, Italian, Dutch: an eGFR or TSH of 9999
    ("id_paciente,sexo,edad,prolactina (ng/ml),egfr\nE1,M,40,99999,9999\nE2,M,50,9,80\n",
     "E1", "E2"),
    ("id_paziente,sesso,eta,prolattina (ng/ml),TSH\nI1,F,40,999,999\nI2,F,30,15,1.0\n",
     "I1", "I2"),
    ("patientnummer;geslacht;leeftijd;prolactine (ng/ml);TSH\nD1;V;999;9999;999\nD2;V;30;15;1,0\n",
     "D1", "D2"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "coded", "real"), NINES_BESIDE_OTHER_CODES)
def test_an_all_nine_result_where_the_export_codes_missing_values_so_is_missing(
    tmp_path: Path, text: str, coded: str, real: str
) -> None:
    out, rejected, urgent, _ = _run(tmp_path, text)
    assert rejected[coded].reason_code == "missing_result", rejected.get(coded)
    assert "all-9 missing-data code" in rejected[coded].detail
    assert coded not in out.index
    # never triaged as a giant prolactinoma, yet (mend E) listed as not triaged: it may be one
    assert all("not triaged (missing_result)" in line for line in urgent), urgent
    assert real in out.index


def test_an_all_nine_result_in_an_export_without_codes_stays_a_result(tmp_path: Path) -> None:
    # guard (extensions, review 23): alone, 999 may be a result (999 mIU/L is 47 ng/mL)
    text = "subject_id,sex,age_yrs,prl_mIU_L,tsh\nA,F,40,999,1.2\nB,F,30,300,2.0\n"
    out, rejected, _, _ = _run(tmp_path, text)
    assert "A" in out.index and "A" not in rejected


# 3. Stata %td / SAS dates ---------------------------------------------------------------------
DATE_HEADERS = [  # (collection date, birth date) headers, six languages
    ("visit_date", "dob"),
    ("Abnahmedatum", "Geburtsdatum"),
    ("date_prelevement", "date_naissance"),
    ("fecha_extraccion", "fecha_nacimiento"),
    ("data_prelievo", "data_nascita"),
    ("afnamedatum", "geboortedatum"),
]


@pytest.mark.parametrize(("collected", "born"), DATE_HEADERS)
def test_stata_day_numbers_are_read_from_1960_not_as_excel_serials(
    tmp_path: Path, collected: str, born: str
) -> None:
    visit = date(2024, 1, 25)
    text = (
        f"subject_id,sex,{born},{collected},prl_ngml\n"
        f"S01,F,1985-01-01,{_stata(visit)},22\n"
        f"S02,F,1975-06-01,{_stata(visit + timedelta(days=10))},40\n"
        f"S03,M,2017-07-01,{_stata(visit + timedelta(days=20))},30\n"
    )
    out, rejected, _, warnings = _run(tmp_path, text)
    assert not rejected, rejected
    assert str(out.loc["S01", "collected_at"])[:10] == visit.isoformat()
    assert out.loc["S03", "age_years"] == pytest.approx(6.6, abs=0.1)
    assert out.loc["S03", "status"] == "high"  # a boy of 6 at 30 ng/mL: the child's interval
    assert any("1960-01-01" in w and "Stata" in w for w in warnings), warnings


def test_stata_birth_and_visit_numbers_both_count_from_1960(tmp_path: Path) -> None:
    # 1955-03-01 before day 0 is a negative number; 1980 four digits
    text = (
        "subject_id,sex,dob,visit_date,prl_ngml\n"
        f"S1,F,{_stata(date(1955, 3, 1))},{_stata(date(2024, 2, 1))},22\n"
        f"S2,F,{_stata(date(1980, 6, 1))},{_stata(date(2024, 2, 2))},40\n"
        f"S3,M,{_stata(date(2017, 7, 1))},{_stata(date(2024, 2, 3))},30\n"
    )
    out, rejected, _, _ = _run(tmp_path, text)
    assert not rejected, rejected
    assert out.loc["S1", "age_years"] == pytest.approx(68.9, abs=0.1)
    assert out.loc["S2", "age_years"] == pytest.approx(43.7, abs=0.1)
    assert out.loc["S3", "age_years"] == pytest.approx(6.6, abs=0.1)


@pytest.mark.parametrize("origin", ["1960-01-01", '"1960-01-01"'])
def test_the_mapping_file_states_the_date_origin(tmp_path: Path, origin: str) -> None:
    # a cohort of 2012: its numbers are no help to tell the origin; the mapping file states it
    mapping = (
        '[columns]\nbirth_date = "dob_td"\ncollected_at = "visit_td"\n'
        f"[input]\ndate_origin = {origin}\n"
    )
    text = (
        "subject_id,sex,dob_td,visit_td,prl_ngml\n"
        f"S1,F,{_stata(date(1981, 11, 26))},{_stata(date(2012, 5, 3))},22\n"
        f"S2,M,{_stata(date(2005, 7, 1))},{_stata(date(2012, 5, 4))},30\n"
    )
    out, rejected, _, _ = _run(tmp_path, text, mapping=mapping)
    assert not rejected, rejected
    assert str(out.loc["S1", "collected_at"])[:10] == "2012-05-03"
    assert out.loc["S2", "age_years"] == pytest.approx(6.8, abs=0.1)


def test_a_wrong_date_origin_is_refused_with_its_line(tmp_path: Path) -> None:
    from triage.io.mapping import load_mapping
    from triage.schema import ConfigError

    path = tmp_path / "map.toml"
    path.write_text('[input]\ndate_origin = "1960-13-01"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="date_origin must be a date"):
        load_mapping(path)


def test_an_early_date_written_as_a_number_names_the_stata_reading(tmp_path: Path) -> None:
    # one number among text dates: not read on a guess, but the reject says what it may be
    text = "subject_id,sex,visit_date,age_yrs,prl_ngml\nS1,F,2024-01-03,30,22\nS2,F,23400,31,40\n"
    _, rejected, _, _ = _run(tmp_path, text)
    assert rejected["S2"].reason_code == "implausible_date"
    assert "1960-01-01" in rejected["S2"].detail
    assert "2024-01-25" in rejected["S2"].detail
    assert "date_origin" in rejected["S2"].detail


def test_excel_serials_stay_excel_serials(tmp_path: Path) -> None:
    # guard: 45316 is an Excel serial of 2024-01-25 (as Stata days it would be 2084)
    text = "subject_id,sex,visit_date,age_yrs,prl_ngml\nS1,F,45316,30,22\nS2,F,45317,31,40\n"
    out, rejected, _, warnings = _run(tmp_path, text)
    assert not rejected
    assert str(out.loc["S1", "collected_at"])[:10] == "2024-01-25"
    assert not any("1960-01-01" in w for w in warnings)
