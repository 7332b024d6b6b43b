"""Review 11: ages counted from dates as a person counts them (a paediatric interval changes on
the birthday, inclusive at its age_min, reference_ranges/default.toml).  Synthetic patients
only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.numbers import age_rounded, age_words
from triage.pipeline import TriageRequest, run_triage
from triage.values import ages_in_years

AGE_HEADER = "Patient ID,Sex,Birth date,Collection date,Prolactin,Unit\n"


def _run(tmp_path: Path, rows: list[str], header: str) -> pd.DataFrame:
    results = triage_csv(tmp_path, header + "\n".join(rows) + "\n")
    assert len(results) == len(rows)
    return results.set_index("patient_id")


# (id, sex, birth, collection, ng/mL, stratum expected, status expected)
BIRTHDAYS = [
    ("B1", "F", "2025-10-01", "2026-10-01", 30, "child_1_2y_female", "high"),
    ("B1b", "F", "2025-10-02", "2026-10-01", 30, "infant_3m_1y", "normal"),
    ("B2", "M", "2024-10-01", "2026-10-01", 20, "child_2_6y_male", "high"),
    ("B2c", "M", "2024-10-02", "2026-10-01", 20, "child_1_2y_male", "normal"),
    ("B6", "F", "2020-10-01", "2026-10-01", 16, "child_6_11y_female", "high"),
    ("B6b", "F", "2020-10-02", "2026-10-01", 16, "child_2_6y_female", "normal"),
    ("B11", "F", "2015-10-01", "2026-10-01", 19, "child_11_18y_female", "normal"),
    ("B11b", "F", "2015-10-02", "2026-10-01", 19, "child_6_11y_female", "high"),
    ("B18", "F", "2008-10-01", "2026-10-01", 25, "adult_female", "normal"),
    ("B18b", "F", "2008-10-02", "2026-10-01", 25, "child_11_18y_female", "high"),
    # born in a leap year, the birthday after 29 February of the collection year
    ("L6", "F", "2020-03-01", "2026-03-01", 16, "child_6_11y_female", "high"),
]


@pytest.mark.parametrize("row", BIRTHDAYS, ids=[r[0] for r in BIRTHDAYS])
def test_the_stratum_changes_on_the_birthday(tmp_path: Path, row: tuple[object, ...]) -> None:
    pid, sex, born, taken, value, stratum, status = row
    out = _run(tmp_path, [f"{pid},{sex},{born},{taken},{value},ng/mL"], AGE_HEADER)
    got = out.loc[pid]
    assert str(got["reference_stratum"]).endswith(str(stratum))
    assert got["status"] == status


@pytest.mark.parametrize("row", BIRTHDAYS, ids=[r[0] for r in BIRTHDAYS])
def test_the_written_age_is_never_a_birthday_not_yet_reached(
    tmp_path: Path, row: tuple[object, ...]
) -> None:
    pid, sex, born, taken, value, _stratum, _status = row
    out = _run(tmp_path, [f"{pid},{sex},{born},{taken},{value},ng/mL"], AGE_HEADER)
    age = float(out.loc[pid]["age_years"])
    exact = ages_in_years(
        np.array([born], dtype="datetime64[ns]"), np.array([taken], dtype="datetime64[ns]")
    )[0]
    assert age <= exact
    assert (age == round(age)) == (str(born)[5:] == str(taken)[5:])


def _age(born: str, at: str) -> float:
    got = ages_in_years(np.array([born], dtype="datetime64[ns]"), np.array([at], "datetime64[ns]"))
    return float(got[0])


def test_completed_years_on_the_birthday_and_the_fraction_after_it() -> None:
    assert _age("2020-10-01", "2026-10-01") == 6.0
    assert 5.99 < _age("2020-10-02", "2026-10-01") < 6.0
    assert _age("2020-10-01", "2026-10-01T08:30") > 6.0
    assert 6.49 < _age("2020-10-01", "2027-04-01") < 6.51
    assert _age("2027-10-01", "2026-10-01") != _age("2027-10-01", "2026-10-01")  # NaN


def test_29_february_births_have_their_birthday_on_1_march() -> None:
    assert _age("2020-02-29", "2021-02-28") < 1.0
    assert _age("2020-02-29", "2021-03-01") == 1.0
    assert _age("2020-02-29", "2024-02-29") == 4.0
    assert _age("2020-02-29", "2025-02-28") < 5.0
    assert _age("2020-02-29", "2025-03-01") == 5.0


@pytest.mark.parametrize("days", [0, 1, 3, 7, 27, 28, 30, 90, 364])
def test_a_baby_is_as_many_days_old_as_lived(days: int) -> None:
    born = np.datetime64("2024-02-10")  # the first year of life spans 29 February
    age = _age(str(born), str(born + np.timedelta64(days, "D")))
    assert age < 1.0
    if days < 30:
        assert age_words(age) == f"{days} d"


def test_vectorised_over_many_rows() -> None:
    rng = np.random.default_rng(7)
    born = np.datetime64("1930-01-01") + rng.integers(0, 35_000, 200_000).astype("timedelta64[D]")
    at = born + rng.integers(0, 36_000, 200_000).astype("timedelta64[D]")
    ages = ages_in_years(born.astype("datetime64[ns]"), at.astype("datetime64[ns]"))
    whole = np.array([a.astype(object).year for a in at[:200]]) - np.array(
        [b.astype(object).year for b in born[:200]]
    )
    later = np.array(
        [
            (a.astype(object).month, a.astype(object).day)
            < (b.astype(object).month, b.astype(object).day)
            for a, b in zip(at[:200], born[:200], strict=True)
        ]
    )
    expected = np.where(ages[:200] < 1, 0, whole - later)
    assert np.array_equal(np.floor(ages[:200]).astype(int), expected)


def test_written_ages_are_cut_not_rounded() -> None:
    assert age_rounded(5.997) == 5.9
    assert age_rounded(17.998) == 17.9
    assert age_rounded(34.2) == 34.2
    assert age_rounded(0.9996) == 0.999


# --------------------------------------------------- a pituitary MRI already reported normal ---
MRI_HEADER = "Patient ID,Sex,Birth date,Collection date,Prolactin,Unit,MRI,Clinical notes\n"
WORK_UP = {"pituitary_mri", "visual_field_test", "pituitary_function_tests"}

NORMAL_NOTES = [
    "pituitary MRI normal (2025)",  # en
    "normal pituitary MRI",
    "MRT Hypophyse unauffällig",  # de
    "MRT der Hypophyse 03/2024: unauffällig",
    "IRM hypophysaire normale",  # fr
    "RMN hipófisis normal",  # es
    "RMN ipofisi nella norma",  # it
    "MRI hypofyse zonder afwijkingen",  # nl
]
NORMAL_CELLS = [
    "normal pituitary",
    "no adenoma",
    "unauffällig",
    "pas d'adénome",
    "sin alteraciones",
    "nella norma",
    "geen afwijkingen",
]
NOT_A_NORMAL_PITUITARY_MRI = [
    "MRI brain normal",  # a brain MRI does not image the sella: the pituitary must be named
    "IRM cérébrale normale",
    "pituitary MRI requested",
    "MRT Hypophyse angefordert",
    "IRM hypophysaire prévue",
    "RMN hipófisis solicitada",
    "RMN ipofisi richiesta",
    "MRI hypofyse aangevraagd",
    "mother: pituitary MRI normal",
]


def _q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _suggested(row: pd.Series) -> set[str]:
    return set(str(row["suggestions"]).split(";")) - {""}


@pytest.mark.parametrize("note", NORMAL_NOTES)
def test_a_normal_pituitary_mri_in_the_notes_is_not_suggested_again(
    tmp_path: Path, note: str
) -> None:
    out = _run(tmp_path, [f"N,M,1970-01-01,2026-10-01,60,ng/mL,,{_q(note)}"], MRI_HEADER)
    row = out.loc["N"]
    assert row["factors"] == "unexplained"
    assert "a pituitary MRI was normal" in row["factor_evidence"]
    assert note.split()[0] in row["factor_evidence"]
    assert not _suggested(row) & WORK_UP
    assert "macroprolactin_screen" in _suggested(row)


@pytest.mark.parametrize("cell", NORMAL_CELLS)
def test_a_normal_mri_column_is_not_suggested_again(tmp_path: Path, cell: str) -> None:
    out = _run(tmp_path, [f"C,F,1970-01-01,2026-10-01,60,ng/mL,{_q(cell)},"], MRI_HEADER)
    row = out.loc["C"]
    assert "a pituitary MRI was normal" in row["factor_evidence"]
    assert not _suggested(row) & WORK_UP


@pytest.mark.parametrize("note", NOT_A_NORMAL_PITUITARY_MRI)
def test_no_normal_pituitary_mri_is_read_where_none_was_reported(tmp_path: Path, note: str) -> None:
    out = _run(tmp_path, [f"X,M,1970-01-01,2026-10-01,60,ng/mL,,{_q(note)}"], MRI_HEADER)
    row = out.loc["X"]
    assert "a pituitary MRI was normal" not in row["factor_evidence"]
    assert "pituitary_mri" in _suggested(row)


@pytest.mark.parametrize("cell", ["no", "unknown", "-", "n/a", "MRI brain normal", "MRI planned"])
def test_a_cell_that_says_no_mri_was_done_is_not_a_normal_one(tmp_path: Path, cell: str) -> None:
    out = _run(tmp_path, [f"X,M,1970-01-01,2026-10-01,60,ng/mL,{_q(cell)},"], MRI_HEADER)
    row = out.loc["X"]
    assert "a pituitary MRI was normal" not in row["factor_evidence"]
    assert "pituitary_mri" in _suggested(row)


def test_a_known_lesion_outweighs_a_normal_word(tmp_path: Path) -> None:
    rows = ["L,F,1970-01-01,2026-10-01,60,ng/mL,6 mm microadenoma,pituitary MRI normal (2019)"]
    out = _run(tmp_path, rows, MRI_HEADER)
    assert "a pituitary MRI was normal" not in out.loc["L"]["factor_evidence"]


REPEATS = [
    # (note, value): a mass-effect red flag, a level that rules a prolactinoma in
    ("MRT Hypophyse unauffällig (2019); bitemporale Hemianopsie", 60),
    ("IRM hypophysaire normale en 2018", 400),
    ("pituitary MRI normal (2017)", 400),
    ("RMN ipofisi nella norma (2016)", 400),
]


@pytest.mark.parametrize(("note", "value"), REPEATS)
def test_a_repeat_mri_says_the_earlier_one_was_normal_and_why(
    tmp_path: Path, note: str, value: int
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        MRI_HEADER + f"R,M,1970-01-01,2026-10-01,{value},ng/mL,,{_q(note)}\n", encoding="utf-8"
    )
    run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    text = (tmp_path / "out" / "results.json").read_text(encoding="utf-8")
    assert '"pituitary_mri"' in text
    assert "the earlier pituitary MRI was normal" in text
    assert "a repeat is warranted by" in text
