"""Review 17: clinical free-text notes.

- A relative's condition is not the patient's (clinical-reference §1.4: hypothyroidism and a
  pituitary lesion explain a raised prolactin only in the patient).  "Schwester Prolaktinom",
  "Vater Hypothyreose", "hermana hipotiroidismo", "zus hypothyreoïdie", "FH: diabetes,
  prolactinoma", "prolactinoma (mother)" were read as the patient's lesion or hypothyroidism:
  the cues now take the relative reading the states have (states.toml [relative], for the
  cues.toml [relative] cues), so the result stays unexplained and gets the usual work-up.
- A lesion called small without a size ("small adenoma", "kleines Adenom", "petit adénome",
  "piccolo adenoma", "adenoma hipofisario pequeño") is probably a microadenoma (< 10 mm,
  thresholds.toml macroadenoma_mm) and gets a microadenoma's next steps (the rested repeat and
  the macroprolactin screen, no visual fields) rather than those of a lesion of unknown size.
- A free T4 written in a note in pmol/L ("fT4 8 pmol/L", "T4L 9 pmol/l", "freies T4 7 pmol/l")
  is the row's free T4: low beside a raised TSH it is overt primary hypothyroidism (§4), and it
  is never read as the TSH.
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "Patient ID,Sex,DOB,Collected,Prolactin,Unit,TSH,Clinical notes"


def _run(tmp_path: Path, notes: list[str], tsh: str = "") -> pd.DataFrame:
    lines = [
        f"P{i},F,1986-03-01,2026-11-20,60,ng/mL,{tsh},{csv_quoted(n)}" for i, n in enumerate(notes)
    ]
    return triage_lines(tmp_path, HEADER, lines)


def _codes(row: pd.Series, column: str) -> list[str]:
    return [c for c in str(row[column] or "").split(";") if c]


def _factor(row: pd.Series, code: str) -> dict[str, str] | None:
    return next((f for f in row["factor_details"] if f["code"] == code), None)


# --- 1. a relative's lesion or hypothyroidism ------------------------------------------------
RELATIVES_LESION = [
    "Schwester Prolaktinom",
    "sister prolactinoma",
    "moeder prolactinoom",
    "madre prolactinoma",
    "Bruder Mikroadenom",
    "FH: diabetes, prolactinoma",
    "prolactinoma (mother)",
    "sister's pituitary adenoma",
]


def test_a_relatives_pituitary_lesion_is_not_the_patients(tmp_path: Path) -> None:
    out = _run(tmp_path, RELATIVES_LESION)
    for i, note in enumerate(RELATIVES_LESION):
        row = out.loc[f"P{i}"]
        assert "known_pituitary_lesion" not in row["factors"], note
        assert "unexplained" in row["factors"], note
        assert "visual_field_test" not in _codes(row, "suggestions"), note


RELATIVES_THYROID = [
    "Vater Hypothyreose",
    "hermana hipotiroidismo",
    "zus hypothyreoïdie",
    "mother Hashimoto",
    "padre ipotiroideo",
    "sœur hypothyroïdienne",
    "Family history: diabetes, hypothyroidism",
]


def test_a_relatives_hypothyroidism_is_not_the_patients(tmp_path: Path) -> None:
    out = _run(tmp_path, RELATIVES_THYROID)
    for i, note in enumerate(RELATIVES_THYROID):
        row = out.loc[f"P{i}"]
        assert "hypothyroidism" not in row["factors"], note
        assert "check_tsh" in _codes(row, "suggestions"), note


OWN_BESIDE_A_RELATIVE = [
    ("prolactinoma; mother also", "known_pituitary_lesion"),
    ("Prolaktinom, Mutter ebenfalls Hypothyreose", "known_pituitary_lesion"),
    ("mother of 2 with prolactinoma", "known_pituitary_lesion"),
    ("Mutter von 2 Kindern, Prolaktinom", "known_pituitary_lesion"),
    ("lives with her mother, hypothyroid", "hypothyroidism"),
    ("hypothyroidism like her mother", "hypothyroidism"),
    ("family doctor: hypothyroidism", "hypothyroidism"),
    ("médico de familia: hipotiroidismo", "hypothyroidism"),
]


def test_the_patients_own_condition_beside_a_relative_still_counts(tmp_path: Path) -> None:
    out = _run(tmp_path, [note for note, _ in OWN_BESIDE_A_RELATIVE])
    for i, (note, factor) in enumerate(OWN_BESIDE_A_RELATIVE):
        assert factor in out.loc[f"P{i}", "factors"], note


def test_a_red_flag_told_by_a_relative_stays_a_red_flag(tmp_path: Path) -> None:
    # the relative reading is for conditions only: a sign the family reports is the patient's
    out = _run(tmp_path, ["partner reports sudden severe headache and double vision"])
    assert out.loc["P0", "priority"] == "urgent"


def test_a_relatives_dialysis_still_explains_nothing(tmp_path: Path) -> None:
    # the states read relatives as before (one [relative] reading now shared with the cues)
    notes = ["brother on dialysis", "Mutter: Dialyse", "mère dialysée", "fratello in dialisi"]
    out = _run(tmp_path, [*notes, "on dialysis"])
    for i, note in enumerate(notes):
        assert "dialysis" not in out.loc[f"P{i}", "factors"], note
    assert "dialysis" in out.loc[f"P{len(notes)}", "factors"]


# --- 2. a lesion called small ----------------------------------------------------------------
SMALL = [
    "small adenoma",
    "small pituitary adenoma",
    "kleines Hypophysenadenom",
    "petit adénome",
    "adénome hypophysaire de petite taille",
    "piccolo adenoma",
    "adenoma hipofisario pequeño",
    "klein hypofyseadenoom",
]


def test_a_lesion_called_small_is_read_as_a_microadenoma(tmp_path: Path) -> None:
    out = _run(tmp_path, [*SMALL, "microadenoma", "pituitary adenoma"])
    micro = out.loc[f"P{len(SMALL)}"]
    unsized = out.loc[f"P{len(SMALL) + 1}"]
    assert "visual_field_test" in _codes(unsized, "suggestions")  # size unknown: fields
    for i, note in enumerate(SMALL):
        row = out.loc[f"P{i}"]
        assert _factor(row, "known_pituitary_lesion") is not None, note
        assert _codes(row, "suggestions") == _codes(micro, "suggestions"), note
        for code in ("visual_field_test", "pituitary_function_tests", "hook_effect_risk"):
            assert code not in _codes(row, "suggestions"), (note, code)
        assert "macroprolactin_screen" in _codes(row, "suggestions"), note


def test_a_size_or_a_macroadenomas_sign_wins_over_small(tmp_path: Path) -> None:
    notes = [
        "small adenoma 15 mm",
        "kleines Adenom mit suprasellärer Ausdehnung",
        "Mikroadenom 4 mm",
    ]
    out = _run(tmp_path, notes)
    for i in (0, 1):
        row = out.loc[f"P{i}"]
        assert "stalk_effect" in row["factors"], notes[i]
        assert "visual_field_test" in _codes(row, "suggestions"), notes[i]
    assert "visual_field_test" not in _codes(out.loc["P2"], "suggestions")


def test_small_words_elsewhere_make_no_lesion(tmp_path: Path) -> None:
    notes = ["small adrenal adenoma", "small bowel adenoma", "petite taille, small amount of fluid"]
    out = _run(tmp_path, notes)
    for i, note in enumerate(notes):
        assert "known_pituitary_lesion" not in out.loc[f"P{i}", "factors"], note


# --- 4. a free T4 in the notes ----------------------------------------------------------------
LOW_FREE_T4 = [
    "TSH 6, fT4 8 pmol/L",
    "TSH 6; FT4: 9,1 pmol/l",
    "TSH 6 mU/l, T4L 9 pmol/l",
    "TSH 6; T4 libre 7 pmol/L",
    "TSH 6, T4 libera 8 pmol/L",
    "TSH 6, freies T4 7 pmol/l",
    "TSH 6, vrij T4 8 pmol/l",
]


def test_a_low_free_t4_in_the_notes_beside_a_raised_tsh_is_overt_hypothyroidism(
    tmp_path: Path,
) -> None:
    # TSH 6 alone is a mildly raised TSH, a possible cause; with a low free T4 it is overt
    # primary hypothyroidism, a likely one (clinical-reference §4)
    out = _run(tmp_path, [*LOW_FREE_T4, "TSH 6, fT4 15 pmol/L", "TSH 6"])
    for i, note in enumerate(LOW_FREE_T4):
        found = _factor(out.loc[f"P{i}"], "hypothyroidism")
        assert found is not None and found["strength"] == "likely", note
        assert "overt primary hypothyroidism" in found["evidence"], note
    for i in (len(LOW_FREE_T4), len(LOW_FREE_T4) + 1):
        found = _factor(out.loc[f"P{i}"], "hypothyroidism")
        assert found is not None and found["strength"] == "possible"
        assert "overt" not in found["evidence"]


def test_a_free_t4_in_the_notes_is_never_the_tsh(tmp_path: Path) -> None:
    out = _run(tmp_path, ["fT4 8 pmol/L", "T4L 30 pmol/l"])
    for i in (0, 1):
        row = out.loc[f"P{i}"]
        assert "hypothyroidism" not in row["factors"]
        assert "check_tsh" in _codes(row, "suggestions")


def test_the_free_t4_column_wins_over_the_notes(tmp_path: Path) -> None:
    header = "Patient ID,Sex,DOB,Collected,Prolactin,Unit,TSH,FT4,Clinical notes"
    out = triage_lines(
        tmp_path, header, ["P0,F,1986-03-01,2026-11-20,60,ng/mL,6,15,fT4 8 pmol/L (2019)"]
    )
    found = _factor(out.loc["P0"], "hypothyroidism")
    assert found is not None and "overt" not in found["evidence"]
