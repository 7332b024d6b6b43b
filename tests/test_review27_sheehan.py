"""Review 27 (hunter AD: obstetric and postpartum endocrine clinic), fix214.

- Sheehan syndrome named (postpartum pituitary necrosis, in any language) is pituitary damage,
  neither a sellar mass nor apoplexy: with a low prolactin, pituitary function tests and
  `routine` (the project's rule, docs/output-contract-extensions.md review 18; clinical-reference
  §4: a chronically low prolactin marks pituitary damage), never the sellar mass's urgent
  referral, visual fields, MRI or hook-effect wording.  A suspected or queried one keeps review
  21's red flag (the sellar sign: `soon` with the urgent referral first).
- Sheehan's classic signs, a postpartum haemorrhage with a failure to lactate, in every
  language ("hemorragia posparto; no subida de la leche", "bloedverlies 2500 ml na bevalling;
  geen borstvoeding op gang gekomen"): with a low prolactin the same pituitary function tests,
  routine.  A haemorrhage alone, or a choice not to breastfeed, is none.
Synthetic patients only.
"""

from __future__ import annotations

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "Pat-ID,Geschlecht,Geb.-Datum,Abnahme,Prolaktin (ng/ml),Ref.,Bemerkung"
LOW = "1,5"  # ng/mL, a decimal comma: below every women's interval (3-30)
MASS_STEPS = {"urgent_endocrine_referral", "visual_field_test", "pituitary_mri", "dilution_retest"}

NAMED = [
    "Sheehan syndrome",
    "Dx: Sheehan syndrome, fatigue",
    "G3P3, Sheehan's syndrome",
    "Sheehan",
    "Sheehan-Syndrom, Müdigkeit",
    "syndrome de Sheehan",
    "síndrome de Sheehan",
    "sindrome di Sheehan",
    "syndroom van Sheehan",
    "postpartale Hypophysennekrose",
    "nécrose hypophysaire du post-partum",
    "necrosis hipofisaria posparto",
    "postpartum hypofysenecrose",
]
SUSPECTED = [
    "Sheehan syndrome suspected",
    "V.a. Sheehan-Syndrom",
    "Sheehan-Syndrom V.a.; 3 Mon. postpartum",
    "syndrome de Sheehan ?",
    "sospecha de síndrome de Sheehan",
    "sospetta sindrome di Sheehan",
    "verdenking op syndroom van Sheehan",
]
SIGNS = [
    # es
    "hemorragia posparto masiva hace 2 meses; no subida de la leche",
    "HPP 2,5 L; no le subió la leche",
    "hemorragia tras el parto; no hubo subida de leche",
    # nl
    "bloedverlies 2500 ml na bevalling; geen melkproductie",
    "fluxus postpartum 2 L; geen borstvoeding op gang gekomen",
    "fluxus 1800 ml; geen melkproductie",
    "bloeding van 2 liter tijdens de keizersnede; agalactie",
    # en, de, fr, it
    "blood loss of 2.5 L at delivery; milk never came in",
    "Blutverlust 2 l bei der Geburt; Milcheinschuss blieb aus",
    "postpartale Blutung; fehlender Milcheinschuss",
    "hémorragie après l'accouchement; pas de montée de lait",
    "HPP sévère (3 L); montée laiteuse absente",
    "emorragia dopo il parto; montata lattea assente",
    "EPP 2 litri; nessuna montata lattea",
]
NOT_SIGNS = [
    "PPH 1.5 L in 2024",
    "no subida de la leche",
    "HPP; no lactancia materna (biberón)",
    "fluxus postpartum; geen borstvoeding, flesvoeding",
    "bleeding at delivery of twins; bottle feeding",
]
NORMAL_NAMED = ["Sheehan syndrome", "Sheehan-Syndrom", "síndrome de Sheehan"]


def _codes(cell: object) -> set[str]:
    return {c for c in str(cell or "").split(";") if c}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """Every row of this file in one run: a woman of 36, her note in the remarks."""
    lines = []
    for group, notes, value in [
        ("named", NAMED, LOW),
        ("suspected", SUSPECTED, LOW),
        ("signs", SIGNS, LOW),
        ("not", NOT_SIGNS, LOW),
        ("normal", NORMAL_NAMED, "12"),
    ]:
        for i, note in enumerate(notes):
            row = f'{group}{i},w,02.03.1990,20.11.2026,"{value}",3-30,{csv_quoted(note)}'
            lines.append(row)
    return triage_lines(tmp_path_factory.mktemp("sheehan"), HEADER, lines)


def _row(results: pd.DataFrame, group: str, notes: list[str], note: str) -> pd.Series:
    return results.loc[f"{group}{notes.index(note)}"]


def _pituitary_damage(results: pd.DataFrame, group: str, notes: list[str], note: str) -> pd.Series:
    """The row of `note`, checked to be a low result with pituitary function tests, routine,
    and none of a sellar mass's steps."""
    row = _row(results, group, notes, note)
    assert row["status"] == "low", note
    assert row["priority"] == "routine", note
    steps = _codes(row["suggestions"])
    assert "pituitary_function_tests" in steps, note
    assert not steps & MASS_STEPS, note
    return row


@pytest.mark.parametrize("note", NAMED)
def test_a_named_sheehan_syndrome_with_a_low_prolactin_is_pituitary_damage(
    results: pd.DataFrame, note: str
) -> None:
    row = _pituitary_damage(results, "named", NAMED, note)
    said = f"{row['suggestion_details']} {row['comment']}".lower()
    assert "hook effect" not in said and "apoplexy" not in said, note
    assert "not in the clinical reference" in str(row["suggestion_details"]), note


@pytest.mark.parametrize("note", SUSPECTED)
def test_a_suspected_sheehan_syndrome_keeps_the_sellar_sign(
    results: pd.DataFrame, note: str
) -> None:
    """Guard (also on the old code): a suspected or queried one is review 21's new failure."""
    row = _row(results, "suspected", SUSPECTED, note)
    assert row["priority"] == "soon", note
    steps = _codes(row["suggestions"])
    assert {"urgent_endocrine_referral", "pituitary_function_tests"} <= steps, note


@pytest.mark.parametrize("note", SIGNS)
def test_sheehans_signs_in_every_language_ask_for_pituitary_function_tests(
    results: pd.DataFrame, note: str
) -> None:
    row = _pituitary_damage(results, "signs", SIGNS, note)
    assert "Sheehan" in str(row["suggestion_details"]), note


QUIET = [("normal", NORMAL_NAMED, note, "normal") for note in NORMAL_NAMED] + [
    ("not", NOT_SIGNS, note, "low") for note in NOT_SIGNS
]


@pytest.mark.parametrize(("group", "notes", "note", "status"), QUIET)
def test_no_step_where_no_sheehans_damage_is_due(
    results: pd.DataFrame, group: str, notes: list[str], note: str, status: str
) -> None:
    """A named Sheehan's with a normal prolactin is no sellar mass (none, as a known one: review
    21); one half of the picture, or a choice not to breastfeed, is no sign (a guard)."""
    row = _row(results, group, notes, note)
    assert row["status"] == status, note
    assert row["priority"] == "none", note
    assert not _codes(row["suggestions"]), note
