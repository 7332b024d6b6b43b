"""Review 27 (hunter AF: general endocrinologist, thyroid clinic, UK/DE/FR/ES/IT/NL), fix216.

- A wide column headed by macroprolactin's own name ("Macroprolactin", "Makroprolaktin",
  "Macroprolactine", "Macroprolactina", "Macroprolattina", "Macroprolactin screen"/"result")
  holding yes/no answers, the presence named or a text naming it is the screen's result
  (clinical-reference §2.3, §7.3; output contract §2: a context field under a common synonym);
  a bare number there does not say whether it is the PEG recovery or the percent macroprolactin
  (§2.5: opposite directions), so it is a note not interpreted, never dropped in silence.
- A macroprolactin label answered yes ("macroprolactin: yes", "Makroprolaktin: ja",
  "macroprolactine : présence", "macroprolactina: sí", "macroprolattina: sì", "macroprolactine:
  ja") is macroprolactin found; answered no, none found.
- A TSH value after a preposition ("TSH bei 45", "TSH von 45", "TSH à 45", "TSH a 45", "TSH pari
  a 25", "TSH of 45", "TSH van 45") is the TSH: hypothyroidism, tested before imaging (§1.4, §4,
  §8); a time after the preposition ("TSH à 6 semaines") is no value.
- A sample written rested or cannulated with the participle after the noun or alone ("2nd
  sample rested, cannulated", "rested, cannulated", "cannulated", "Ruheblut") is the rested
  repeat done (§1.4, §8): none asked again.
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv_warned

WOMAN = "Q1,F,30,1400"  # 1400 mU/L: 66 ng/mL, a moderate rise below the screen limit


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c]


def _with_note(folder: Path, note: str, header: str = "Comments") -> pd.Series:
    text = f"Patient ID,Sex,Age,Prolactin (mU/L),{header}\n{WOMAN},{csv_quoted(note)}\n"
    return triage_csv_warned(folder, text)[0].iloc[0]


def _factor_strength(row: pd.Series, code: str) -> str | None:
    return next((d["strength"] for d in row["factor_details"] or [] if d["code"] == code), None)


def _reason(row: pd.Series, code: str) -> str:
    details = row["suggestion_details"]
    return " ".join(d["reason"] for d in (details or []) if d["code"] == code)


# --- 1. a wide column headed "Macroprolactin" ---------------------------------------------------
SCREEN_HEADERS = [
    "Macroprolactin",
    "Makroprolaktin",
    "Macroprolactine",
    "Macroprolactina",
    "Macroprolattina",
    "Macroprolactin screen",
    "Macroprolactin result",
]
FOUND_CELLS = ["Yes", "ja", "présence", "sí", "sì", "Macroprolactin present"]


@pytest.mark.parametrize("header", SCREEN_HEADERS)
@pytest.mark.parametrize("cell", FOUND_CELLS)
def test_macroprolactin_column_found_is_read(tmp_path: Path, header: str, cell: str) -> None:
    row = _with_note(tmp_path, cell, header)
    assert _factor_strength(row, "macroprolactinemia") is not None, (header, cell, row["factors"])
    assert "macroprolactin_screen" not in _codes(row["suggestions"])
    assert row["priority"] == "routine"


@pytest.mark.parametrize("header", SCREEN_HEADERS)
@pytest.mark.parametrize("cell", ["No", "nein", "non", "nee", "absence"])
def test_macroprolactin_column_none_found_is_read(tmp_path: Path, header: str, cell: str) -> None:
    """A no: the rise is monomeric, no screen asked again and no macroprolactin factor."""
    row = _with_note(tmp_path, cell, header)
    assert _factor_strength(row, "macroprolactinemia") is None
    assert "macroprolactin_screen" not in _codes(row["suggestions"]), (header, cell)


def test_mixed_macroprolactin_column_reads_each_row(tmp_path: Path) -> None:
    lines = [
        "Patient ID,Sex,Age,Prolactin (mU/L),Macroprolactin",
        "Q1,F,30,1400,Yes",
        "Q2,F,30,1400,Positive",
        "Q3,F,30,1400,No",
        "Q4,F,30,1400,28%",
        "Q5,F,30,1400,Macroprolactin present",
        "Q6,F,30,1400,",
    ]
    out, warnings = triage_csv_warned(tmp_path, "\n".join(lines) + "\n")
    for found in ("Q1", "Q2", "Q5"):
        assert _factor_strength(out.loc[found], "macroprolactinemia") is not None, found
    assert _factor_strength(out.loc["Q3"], "macroprolactinemia") is None
    # a percentage whose direction is not stated: not read either way, the lab asked
    q4 = out.loc["Q4"]
    assert _factor_strength(q4, "macroprolactinemia") is None
    assert "not interpreted" in _reason(q4, "macroprolactin_screen")
    # the blank row still gets its screen
    assert "macroprolactin_screen" in _codes(out.loc["Q6"]["suggestions"])
    assert any("'Macroprolactin'" in w and "macroprolactin screen" in w for w in warnings)


@pytest.mark.parametrize("header", ["Macroprolactin", "Macroprolactin result", "Makroprolaktin"])
def test_bare_number_under_macroprolactin_is_said_not_dropped(tmp_path: Path, header: str) -> None:
    _, warnings = triage_csv_warned(
        tmp_path, f"Patient ID,Sex,Age,Prolactin (mU/L),{header}\n{WOMAN},28\n"
    )
    assert any(header in w and "not interpreted" in w for w in warnings), warnings


def test_peg_column_yes_is_no_screen(tmp_path: Path) -> None:
    """Guard: a column named by PEG alone holding "yes" (a gastrostomy) is no screen result."""
    row = _with_note(tmp_path, "yes", "PEG")
    assert _factor_strength(row, "macroprolactinemia") is None


# --- 2. a TSH value after a preposition --------------------------------------------------------
TSH_NOTES = [
    "TSH bei 45 mU/l",
    "TSH von 45",
    "TSH à 45 mUI/l",
    "TSH-us à 25",
    "hypothyroïdie périphérique, TSH à 25",
    "TSH a 45 mU/L",
    "TSH pari a 25",
    "TSH of 45",
    "TSH at 45 mIU/L",
    "TSH van 45",
]


def _thyroid_patient(folder: Path, note: str) -> pd.Series:
    text = (
        "Patient ID,Sex,Age,Prolactin (ng/mL),eGFR,Medications,Comments\n"
        f"Y1,F,40,60,90,none,{csv_quoted(note)}\n"
    )
    return triage_csv_warned(folder, text)[0].iloc[0]


@pytest.mark.parametrize("note", TSH_NOTES)
def test_tsh_after_a_preposition_is_read(tmp_path: Path, note: str) -> None:
    row = _thyroid_patient(tmp_path, note)
    assert _factor_strength(row, "hypothyroidism") == "likely", (note, row["factors"])
    assert "check_tsh" not in _codes(row["suggestions"])
    assert row["priority"] == "routine"


@pytest.mark.parametrize("note", ["TSH à 6 semaines", "TSH bei 3 Monaten", "TSH a 6 settimane"])
def test_tsh_at_a_time_is_no_value(tmp_path: Path, note: str) -> None:
    """A time after the preposition (when to check it) is no TSH value."""
    row = _thyroid_patient(tmp_path, note)
    assert _factor_strength(row, "hypothyroidism") is None, (note, row["factors"])
    assert "check_tsh" in _codes(row["suggestions"])


# --- 3. a macroprolactin label answered yes / no in a note --------------------------------------
LABEL_YES = [
    "macroprolactin: yes",
    "Makroprolaktin: ja",
    "macroprolactine: présence",
    "macroprolactine : présence",
    "macroprolactina: sí",
    "macroprolactina: si",
    "macroprolattina: sì",
    "macroprolactine: ja",
    "Macroprolactinaemia = yes",
]


@pytest.mark.parametrize("note", LABEL_YES)
def test_macroprolactin_label_yes_is_found(tmp_path: Path, note: str) -> None:
    row = _with_note(tmp_path, note)
    assert _factor_strength(row, "macroprolactinemia") == "likely", (note, row["factors"])
    assert "macroprolactin_screen" not in _codes(row["suggestions"])
    assert row["priority"] == "routine"


@pytest.mark.parametrize(
    "note", ["macroprolactin: no", "Makroprolaktin: nein", "macroprolactine: absence"]
)
def test_macroprolactin_label_no_is_none_found(tmp_path: Path, note: str) -> None:
    row = _with_note(tmp_path, note)
    assert _factor_strength(row, "macroprolactinemia") is None
    assert "macroprolactin_screen" not in _codes(row["suggestions"]), note


@pytest.mark.parametrize(
    "note", ["Makroprolaktin-Bestimmung: ja", "macroprolactin screen: yes?", "?macroprolactin: yes"]
)
def test_screen_done_or_asked_is_no_finding(tmp_path: Path, note: str) -> None:
    """Guard: a test so labelled answered yes is a test done (or asked), not macroprolactin."""
    assert _factor_strength(_with_note(tmp_path, note), "macroprolactinemia") is None


# --- 4. a rested / cannulated sample, the word after the noun ----------------------------------
RESTED = [
    "2nd sample rested, cannulated",
    "2nd sample rested",
    "rested, cannulated",
    "cannulated",
    "rested",
    "repeat sample cannulated",
    "repeat bloods rested",
    "Repeat prolactin - 2nd sample rested cannulated (first 910 mU/L)",
    "Ruheblut",
    "Ruhe-Blut",
    "prélèvement au repos",
    "muestra en reposo",
    "prelievo a riposo",
    "afname in rust",
]


def _rest_patient(folder: Path, note: str) -> pd.Series:
    text = f"Patient ID,Sex,Age,Prolactin (mU/L),Clinical details\nR1,F,31,900,{csv_quoted(note)}\n"
    return triage_csv_warned(folder, text)[0].iloc[0]


@pytest.mark.parametrize("note", RESTED)
def test_rested_sample_is_not_asked_again(tmp_path: Path, note: str) -> None:
    assert "repeat_rested_sample" not in _codes(_rest_patient(tmp_path, note)["suggestions"]), note


@pytest.mark.parametrize(
    "note",
    [
        "sample not rested",
        "patient cannulated for IV antibiotics",
        "Ruheblutdruck 130/80",
        "rested sample advised",
    ],
)
def test_not_a_rested_sample_still_asks(tmp_path: Path, note: str) -> None:
    """Guard: a denial, another cannula, a resting blood pressure, an advice."""
    assert "repeat_rested_sample" in _codes(_rest_patient(tmp_path, note)["suggestions"]), note
