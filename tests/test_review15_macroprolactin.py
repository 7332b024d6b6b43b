"""Macroprolactin screens in their two numeric forms and in long files (review 15).

- A monomeric (post-PEG) prolactin above its limit beside a total it is a small share of: the
  share is the PEG recovery (clinical-reference §2.3: recovery = monomeric / total), read by
  the same cut-offs as a recovery written as such, so macroprolactin is listed (possible) beside
  the mild true excess, as it is for the same screen given as a recovery (§7.3: accept either
  form); never "No cause found".
- Long files: a line named by the substance ("Macroprolactin", "Makroprolaktin",
  "Macroprolactine", "Macroprolactina", "Macroprolattina") in "%" is the percent macroprolactin
  (as the notes read "Macroprolactin 70%"); a screen or PEG precipitation line in "%" does not
  say its direction and is not interpreted, the page saying the screen was done and asking the
  lab instead of asking for a screen; a result in words under a PEG recovery, PEG precipitation
  or screen name is the screen's verdict ("negative", "positiv", "nachweisbar").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv, triage_lines

from triage.pipeline import TriageRequest, run_triage

WIDE = "Patient ID,Sex,Age,Prolactin (ng/mL),Post-PEG prolactin (ng/mL),PEG recovery (%),Comments"
LONG = "PatientID,Sex,Age,Test,Result,Unit"


def _evidence(row: pd.Series) -> str:
    return str(row["factor_evidence"])


def _reasons(row: pd.Series, code: str) -> list[str]:
    return [d["reason"] for d in row["suggestion_details"] if d["code"] == code]


# ------------------------------------------------------------------------------------------------
# 1. Post-PEG prolactin above its limit beside a total that is mostly macroprolactin
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "share"),
    [
        ("W7,F,30,300,20,,", "93%"),  # 20 of 300: ~93 % macroprolactin, 20 > 18.5 (women)
        ("W1,F,30,108.5,18.9,,", "83%"),  # just above the limit
        ("W8,F,30,300,60,,", "80%"),  # a monomeric excess beyond a mild one
        ("W5,M,40,60,14,,", "77%"),  # men's post-PEG limit 13.1
        ("W9,F,30,108.5,,," + csv_quoted("Post-PEG prolactin 25 ng/mL"), "77%"),  # in a note
    ],
)
def test_post_peg_above_limit_lists_macroprolactin(tmp_path: Path, line: str, share: str) -> None:
    row = triage_lines(tmp_path, WIDE, [line]).iloc[0]
    assert row["factors"].split(";")[0] == "macroprolactinemia"
    assert "unexplained" not in row["factors"]
    assert "No cause found" not in row["comment"]
    evidence = _evidence(row)
    assert "macroprolactinemia (possible)" in evidence  # a true excess remains beside it
    assert f"about {share} of the total" in evidence
    assert "a true rise remains" in evidence


def test_both_input_forms_of_one_screen_agree(tmp_path: Path) -> None:
    """300 ng/mL with 20 ng/mL after PEG, and the same screen as its recovery (6.67 %)."""
    out = triage_lines(tmp_path, WIDE, ["A,F,30,300,20,,", "B,F,30,300,,6.67,"])
    assert out.loc["A", "factors"] == out.loc["B", "factors"] == "macroprolactinemia"
    assert "(possible)" in _evidence(out.loc["A"]) and "(possible)" in _evidence(out.loc["B"])


def test_patient_page_lists_macroprolactin(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(WIDE + "\nW7,F,30,300,20,,\n", encoding="utf-8")
    run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out"))
    page = (tmp_path / "out" / "patients.html").read_text(encoding="utf-8")
    assert "No cause found" not in page
    assert "Macroprolactin" in page


@pytest.mark.parametrize(
    ("line", "factors"),
    [
        # within the post-PEG limit: macroprolactin explains the total (unchanged)
        ("K1,F,30,108.5,15,,", "macroprolactinemia"),
        # 70 % of the total after PEG: a true excess, no macroprolactin
        ("K2,F,30,80,56,,", "unexplained"),
    ],
)
def test_post_peg_unchanged_where_it_already_told(tmp_path: Path, line: str, factors: str) -> None:
    row = triage_lines(tmp_path, WIDE, [line]).iloc[0]
    assert row["factors"] == factors
    if factors == "macroprolactinemia":
        assert "macroprolactinemia (likely)" in _evidence(row)


def test_long_file_monomeric_in_miu(tmp_path: Path) -> None:
    out = triage_lines(
        tmp_path,
        LONG,
        [
            "L3,F,30,PRL,2300,mU/L",
            "L3,F,30,Monomeric prolactin,400,mU/L",
            "L4,M,50,Prolactin,35,ug/L",
            "L4,M,50,Prolactin post PEG,30,ug/L",  # 86 % recovered: a true excess
        ],
    )
    assert out.loc["L3", "factors"] == "macroprolactinemia"
    assert "about 83% of the total" in _evidence(out.loc["L3"])
    assert "macroprolactinemia" not in out.loc["L4", "factors"]


# ------------------------------------------------------------------------------------------------
# 2. Long files: macroprolactin lines in % and in words
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    ["Macroprolactin", "Makroprolaktin", "Macroprolactine", "Macroprolactina", "Macroprolattina"],
)
def test_macroprolactin_line_in_percent_is_percent_macroprolactin(
    tmp_path: Path, name: str
) -> None:
    """75 % macroprolactin is a 25 % recovery (macroprolactin); 25 % is a 75 % recovery (a true
    excess): the direction the notes read "Macroprolactin 70%" in."""
    path = tmp_path / "export.csv"
    lines = [
        LONG,
        "T1,F,30,Prolactin,1500,mU/L",
        f"T1,F,30,{name},75,%",
        "T2,F,30,Prolactin,1500,mU/L",
        f"T2,F,30,{name},25,%",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert outcome.results is not None
    out = outcome.results.set_index("patient_id")
    assert out.loc["T1", "factors"] == "macroprolactinemia"
    assert "PEG recovery: 25%" in _evidence(out.loc["T1"])
    assert "macroprolactinemia" not in out.loc["T2", "factors"]
    assert any("PEG recovery 75%" in r for r in _reasons(out.loc["T2"], "pituitary_mri"))
    rejected = (tmp_path / "out" / "rejected.csv").read_text(encoding="utf-8")
    assert "not a unit of" not in rejected
    for pid in ("T1", "T2"):
        assert not _reasons(out.loc[pid], "macroprolactin_screen")


@pytest.mark.parametrize(
    "name",
    [
        "Macroprolactin screen",
        "Makroprolaktin-Suche",
        "Recherche de macroprolactine",
        "PEG-Fällung",
        "Macroprolactine bepaling",
        "Makroprolaktin (PEG-Fällung)",
    ],
)
def test_screen_in_percent_is_said_done_not_interpreted(tmp_path: Path, name: str) -> None:
    row = triage_lines(
        tmp_path, LONG, ["S1,F,30,Prolactin,1500,mU/L", f"S1,F,30,{name},25,%"]
    ).iloc[0]
    assert "PEG recovery" not in _evidence(row)  # read neither as a recovery nor its complement
    assert not _reasons(row, "pituitary_mri") or "PEG recovery" not in str(
        _reasons(row, "pituitary_mri")
    )
    assert "macroprolactinemia" not in row["factors"]
    (reason,) = _reasons(row, "macroprolactin_screen")
    assert "no PEG result" not in reason
    assert "a macroprolactin screen was done" in reason
    assert "25 %" in reason
    assert "ask the lab" in reason


@pytest.mark.parametrize(
    "name",
    [
        "Macroprolactin screen",
        "Makroprolaktin",
        "Macroprolactine",
        "Macroprolactina",
        "Macroprolattina",
        "PEG-Fällung",
        "PEG recovery",
        "Recovery nach PEG",
        "récupération après PEG",
        "Macroprolactin %",
    ],
)
@pytest.mark.parametrize(
    ("result", "present"),
    [
        ("negative", False),
        ("absent", False),
        ("nicht nachweisbar", False),
        ("non détectable", False),
        ("positiv", True),
        ("present", True),
        ("nachweisbar", True),
    ],
)
def test_screen_result_in_words(tmp_path: Path, name: str, result: str, present: bool) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        f"{LONG}\nP1,F,30,Prolactin,1500,mU/L\nP1,F,30,{name},{result},\n", encoding="utf-8"
    )
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert outcome.results is not None
    row = outcome.results.iloc[0]
    assert ("macroprolactinemia" in row["factors"]) is present
    assert not _reasons(row, "macroprolactin_screen")  # the screen was done: not asked again
    rejected = (tmp_path / "out" / "rejected.csv").read_text(encoding="utf-8")
    assert "P1" not in rejected


@pytest.mark.parametrize(
    ("name", "value", "unit", "said"),
    [
        ("Prolaktin nach PEG-Fällung", "12", "µg/L", "monomeric_prolactin: 12 ng/mL (within"),
        ("PEG-Fällung", "12", "µg/L", "monomeric_prolactin: 12 ng/mL (within"),
        ("Wiederfindung nach PEG-Fällung", "30", "%", "PEG recovery: 30%"),
        ("PEG recovery", "30", "%", "PEG recovery: 30%"),
        ("Macroprolactin %", "70", "%", "PEG recovery: 30%"),
    ],
)
def test_numeric_peg_lines_still_read(
    tmp_path: Path, name: str, value: str, unit: str, said: str
) -> None:
    row = triage_lines(
        tmp_path, LONG, ["N1,F,30,Prolactin,80,ng/mL", f"N1,F,30,{name},{value},{unit}"]
    ).iloc[0]
    assert row["factors"] == "macroprolactinemia"
    assert said in _evidence(row)


def test_unread_note_needs_the_tools_marker(tmp_path: Path) -> None:
    """A clinician's note about a screen is not taken for an uninterpretable result."""
    header = "Patient ID,Sex,Age,Prolactin,Unit,Comments"
    out = triage_csv(
        tmp_path,
        header
        + "\nN1,F,30,80,ng/mL,"
        + csv_quoted("macroprolactin screen requested; PEG recovery or percent? ask")
        + "\n",
    ).set_index("patient_id")
    (reason,) = _reasons(out.loc["N1"], "macroprolactin_screen")
    assert "no PEG result" in reason


@pytest.mark.parametrize(
    ("cell", "present"),
    [("nachweisbar", True), ("nicht nachweisbar", False), ("non détectable", False)],
)
def test_wide_screen_column_detectable_words(tmp_path: Path, cell: str, present: bool) -> None:
    header = "Patient ID,Sex,Age,Prolactin (ng/mL),Makroprolaktin"
    row = triage_lines(tmp_path, header, [f"B,F,30,80,{cell}"]).iloc[0]
    assert ("macroprolactinemia" in row["factors"]) is present
    assert not _reasons(row, "macroprolactin_screen")


def test_other_words_under_recovery_stay_rejected(tmp_path: Path) -> None:
    """Only a screen's verdict in words is read: "siehe Befund" is no result."""
    path = tmp_path / "export.csv"
    path.write_text(
        f"{LONG}\nR1,F,30,Prolactin,1500,mU/L\nR1,F,30,PEG recovery,siehe Befund,\n",
        encoding="utf-8",
    )
    run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out"))
    rejected = (tmp_path / "out" / "rejected.csv").read_text(encoding="utf-8")
    assert "siehe Befund" in rejected
