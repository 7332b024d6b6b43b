"""Macroprolactin faults found by the outside review of stop 30, each fixed as a class and tested
from the guideline (clinical-reference §2.3, §7.1, §7.3, §0b): a monomeric (post-PEG) prolactin
written in a note, in six languages and in either prolactin unit, is read with the row's unit;
a confirmed true (monomeric) excess leads on to pituitary imaging; the medication review of a
prolactin-sparing drug says it is an unlikely cause."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

HEADER = "patient_id,sex,age,prolactin,unit,comments,medications,monomeric_prolactin,tsh,egfr\n"


def _run(tmp_path: Path, rows: list[tuple[str, float, str, str, str, str]]) -> pd.DataFrame:
    """rows: (sex, total, unit, comments, medications, monomeric column) for women of 30."""
    lines = [
        f'P{i},{sex},30,{value},{unit},"{comments}","{drugs}",{mono},1.5,95'
        for i, (sex, value, unit, comments, drugs, mono) in enumerate(rows)
    ]
    out = triage_csv(tmp_path, HEADER + "\n".join(lines) + "\n")
    assert len(out) == len(rows)
    return out.set_index("patient_id").loc[[f"P{i}" for i in range(len(rows))]]


# -------------------------------------------------------------------- 1. post-PEG in the notes --
# A total of 300 ng/mL (6360 mIU/L) is above the urgent level; when the monomeric (post-PEG)
# prolactin is within its limit (~18.5 ng/mL, ~392 mIU/L) it is macroprolactinaemia, not a
# suspected prolactinoma (§2.3, §7.3: the post-PEG concentration is what matters).
MONOMERIC_WITHIN = [
    ("ng/mL", 300, "post-PEG prolactin 12 ng/mL"),
    ("ng/mL", 300, "monomeric prolactin 10 ng/mL"),
    ("ng/mL", 300, "monomeric PRL: 10 ng/ml"),
    ("ng/mL", 300, "prolactin (post-PEG) 10 µg/L"),
    ("ng/mL", 300, "prolactin after PEG precipitation 10 ng/mL"),
    ("ng/mL", 300, "PRL nach PEG 10 ng/ml"),
    ("ng/mL", 300, "monomeres Prolaktin 10 µg/l"),
    ("ng/mL", 300, "Prolaktin nach PEG-Fällung: 10 ng/ml"),
    ("ng/mL", 300, "prolactine monomérique 10 ng/mL"),
    ("ng/mL", 300, "prolactine après PEG 10 ng/mL"),
    ("ng/mL", 300, "prolactina monomérica 10 ng/mL"),
    ("ng/mL", 300, "prolactina tras PEG 10 ng/mL"),
    ("ng/mL", 300, "prolattina monomerica 10 ng/mL"),
    ("ng/mL", 300, "prolattina dopo PEG 10 ng/mL"),
    ("ng/mL", 300, "monomeer prolactine 10 ng/mL"),
    ("ng/mL", 300, "prolactine na PEG 10 ng/mL"),
    ("ng/mL", 300, "post-PEG prolactin <1 ng/mL"),
    ("ng/mL", 300, "total 300, monomeric 12 ng/mL"),
    ("ng/mL", 300, "monomer: 12 ng/ml"),
    ("mIU/L", 6360, "PRL nach PEG-Fällung: 250 mIU/l"),
    ("mIU/L", 6360, "monomeric PRL 250 mIU/L"),
    ("mIU/L", 6360, "prolactine monomérique 250 mUI/L"),
    ("mIU/L", 6360, "monomeric prolactin 0.25 IU/L"),
    # the other unit: converted with the row's factor (12 ng/mL is ~254 mIU/L)
    ("mIU/L", 6360, "post-PEG prolactin 12 ng/mL"),
    ("ng/mL", 300, "post-PEG prolactin 250 mIU/L"),
]


@pytest.mark.parametrize(("unit", "total", "note"), MONOMERIC_WITHIN)
def test_monomeric_in_notes_within_limit_is_macroprolactinaemia(
    tmp_path: Path, unit: str, total: float, note: str
) -> None:
    row = _run(tmp_path, [("F", total, unit, note, "", "")]).iloc[0]
    assert row["priority"] != "urgent"
    assert "macroprolactinemia" in row["factors"]
    assert "prolactinoma_suspected" not in row["factors"]
    assert "monomeric prolactin in notes" in row["factor_evidence"]
    assert "macroprolactin_screen" not in row["suggestions"]


def test_note_in_the_other_unit_is_converted_never_taken_as_written(tmp_path: Path) -> None:
    """250 mIU/L is ~12 ng/mL (within the limit); 250 ng/mL would be far above it.  A note in
    mIU/L on a row in ng/mL (or the reverse) is converted, never read ~21-fold wrong."""
    out = _run(
        tmp_path,
        [
            ("F", 300, "ng/mL", "post-PEG prolactin 250 mIU/L", "", ""),
            ("F", 6360, "mIU/L", "post-PEG prolactin 250 ng/mL", "", ""),
            ("F", 6360, "mIU/L", "post-PEG prolactin 12 ng/mL", "", ""),
        ],
    )
    assert "macroprolactinemia" in out.iloc[0]["factors"]
    assert "11.79 ng/mL" in out.iloc[0]["factor_evidence"]
    # 250 ng/mL monomeric: a true excess, urgent as the total is
    assert out.iloc[1]["priority"] == "urgent"
    assert "macroprolactinemia" not in out.iloc[1]["factors"]
    assert "254 mIU/L" in out.iloc[2]["factor_evidence"]


def test_below_detection_keeps_its_qualifier(tmp_path: Path) -> None:
    row = _run(tmp_path, [("F", 60, "ng/mL", "post-PEG prolactin <1 ng/mL", "", "")]).iloc[0]
    assert "monomeric prolactin in notes: <1 ng/mL" in row["factor_evidence"]


@pytest.mark.parametrize(
    "note",
    [
        "post-PEG prolactin 10",  # no unit: not read
        "post-PEG prolactin 10 ng/dL",  # no prolactin unit: not read
        "post-PEG prolactin >5 ng/mL",  # no bound under which it stays: not read
        "prolactin after PEG 30 %",  # a recovery, read as one (not a concentration)
    ],
)
def test_what_is_no_monomeric_concentration_is_not_read_as_one(tmp_path: Path, note: str) -> None:
    row = _run(tmp_path, [("F", 60, "ng/mL", note, "", "")]).iloc[0]
    assert "monomeric prolactin in notes" not in row["factor_evidence"]


@pytest.mark.parametrize(
    "note",
    [
        "post-PEG prolactin 12 ng/mL (2019)",
        "previous post-PEG prolactin 12 ng/mL",
        "Z.n. monomeres Prolaktin 12 ng/ml",
    ],
)
def test_an_earlier_samples_monomeric_prolactin_is_not_this_ones(tmp_path: Path, note: str) -> None:
    """Macroprolactin can appear or disappear over time (§2.3): an earlier sample's post-PEG
    prolactin says nothing of this one, which stays urgent at 300 ng/mL."""
    row = _run(tmp_path, [("F", 300, "ng/mL", note, "", "")]).iloc[0]
    assert row["priority"] == "urgent"
    assert "monomeric prolactin in notes" not in row["factor_evidence"]


def test_own_column_wins_over_the_note(tmp_path: Path) -> None:
    row = _run(tmp_path, [("F", 60, "ng/mL", "post-PEG prolactin 10 ng/mL", "", "40")]).iloc[0]
    assert "macroprolactinemia" not in row["factors"]
    assert "monomeric prolactin in notes" not in row["factor_evidence"]


def test_monomeric_above_limit_in_notes_is_a_true_excess(tmp_path: Path) -> None:
    row = _run(tmp_path, [("F", 60, "ng/mL", "monomeric prolactin 40 ng/mL", "", "")]).iloc[0]
    assert "macroprolactinemia" not in row["factors"]
    assert "macroprolactin_screen" not in row["suggestions"]  # the screen is done


# ------------------------------------------------------- 2. a confirmed true (monomeric) excess --
# A mild total rise (≤ 2.5× ULN) without symptoms: the macroprolactin screen comes first and
# imaging "only if monomeric prolactin is raised" (§7.1; Auriemma 2023 Fig. 2).  Once the screen
# shows a true rise (macroprolactin excluded), the excess is true hyperprolactinaemia: soon, with
# the endocrine referral and the pituitary MRI (review 13: no rested-repeat-only path; these
# totals are in the contract's moderate band, output-contract §5, §7).
TRUE_RISE_MILD = [
    ("F", 70, "", "", "90"),  # recovery above 60%: negative screen
    ("F", 60, "", "", "80"),
    ("M", 40, "", "", "85"),
    ("F", 60, "", "40", ""),  # monomeric above the post-PEG limit
    ("F", 60, "monomeric prolactin 40 ng/mL", "", ""),
    ("F", 60, "macroprolactin negative", "", ""),
    ("F", 60, "Makroprolaktin negativ", "", ""),
    ("F", 60, "macroprolactine absente", "", ""),
    ("F", 60, "macroprolactina no detectada", "", ""),
    ("F", 60, "macroprolattina assente", "", ""),
    ("F", 60, "geen macroprolactine aangetoond", "", ""),
]

HEADER_PEG = (
    "patient_id,sex,age,prolactin,unit,comments,macroprolactin_recovery_pct,"
    "monomeric_prolactin,tsh,egfr\n"
)


def _peg(tmp_path: Path, rows: list[tuple[str, float, str, str, str]]) -> pd.DataFrame:
    lines = [
        f'P{i},{sex},30,{value},ng/mL,"{note}",{recovery},{mono},1.5,95'
        for i, (sex, value, note, mono, recovery) in enumerate(rows)
    ]
    out = triage_csv(tmp_path, HEADER_PEG + "\n".join(lines) + "\n")
    assert len(out) == len(rows)
    return out.set_index("patient_id").loc[[f"P{i}" for i in range(len(rows))]]


@pytest.mark.parametrize(("sex", "value", "note", "mono", "recovery"), TRUE_RISE_MILD)
def test_true_rise_at_a_mild_multiple_is_worked_up_soon(
    tmp_path: Path, sex: str, value: float, note: str, mono: str, recovery: str
) -> None:
    row = _peg(tmp_path, [(sex, value, note, mono, recovery)]).iloc[0]
    codes = row["suggestions"].split(";")
    assert "pituitary_mri" in codes
    assert "endocrine_referral" in codes
    assert "macroprolactin_screen" not in codes
    assert "macroprolactinemia" not in row["factors"]
    mri = next(d for d in row["suggestion_details"] if d["code"] == "pituitary_mri")
    assert "only if" not in mri["reason"]
    assert "macroprolactin is already excluded" in mri["reason"]
    assert row["priority"] == "soon"


@pytest.mark.parametrize(
    ("note", "mono", "recovery"),
    [
        ("", "", "30"),  # macroprolactin
        ("", "10", ""),  # monomeric within its limit
        ("", "", "50"),  # equivocal: no true rise shown
        ("macroprolactin negative 2019", "", ""),  # an earlier sample's screen
        ("", "", ""),  # not screened: the screen comes first
    ],
)
def test_no_true_rise_shown_no_mri_at_a_mild_level(
    tmp_path: Path, note: str, mono: str, recovery: str
) -> None:
    row = _peg(tmp_path, [("F", 60, note, mono, recovery)]).iloc[0]
    assert "pituitary_mri" not in row["suggestions"].split(";")


def test_macroprolactin_found_by_recovery_is_no_confirmed_true_rise(tmp_path: Path) -> None:
    """Recovery 30% of 70 ng/mL: macroprolactin found; total x recovery (21) is an estimate
    only, so it confirms no true rise at a mild level (§2.3: recovery < 40% = macroprolactin)."""
    row = _peg(tmp_path, [("F", 70, "", "", "30")]).iloc[0]
    assert "macroprolactinemia" in row["factors"]
    assert "pituitary_mri" not in row["suggestions"].split(";")


# ----------------------------------------- 3. the medication review of a prolactin-sparing drug --
# clinical-reference §0b grades clozapine, quetiapine and lurasidone "none or low", olanzapine and
# ziprasidone "low" (drugs.toml frequency): already prolactin-sparing, an unlikely cause.  The
# review says so and never offers a switch to a "prolactin-sparing alternative"; it never says to
# stop an antipsychotic.  High or moderate drugs keep their review.
def _review(row: pd.Series) -> str:
    found = [d["reason"] for d in row["suggestion_details"] if d["code"] == "medication_review"]
    assert len(found) == 1, row["suggestions"]
    return str(found[0])


@pytest.mark.parametrize(
    ("drugs", "value"),
    [
        ("clozapine 300 mg", 60),
        ("Leponex 200 mg", 60),
        ("quetiapine", 120),
        ("Seroquel XR 300", 60),
        ("lurasidone", 60),
        ("ziprasidone", 60),
        ("olanzapine", 60),
        ("Olanzapin 10 mg; Quetiapin 50 mg", 60),
    ],
)
def test_prolactin_sparing_antipsychotic_is_an_unlikely_cause(
    tmp_path: Path, drugs: str, value: float
) -> None:
    review = _review(_run(tmp_path, [("F", value, "ng/mL", "", drugs, "")]).iloc[0])
    assert "rarely raise" in review
    assert "unlikely cause" in review
    assert "look for another cause" in review
    assert "alternative" not in review
    assert "psychiatric team" in review
    assert "stop " not in review.replace("must not be stopped", "")


@pytest.mark.parametrize("drugs", ["sertraline", "famotidine", "methadone"])
def test_other_low_grade_drugs_are_unlikely_causes(tmp_path: Path, drugs: str) -> None:
    review = _review(_run(tmp_path, [("F", 60, "ng/mL", "", drugs, "")]).iloc[0])
    assert "unlikely cause" in review
    assert "alternative" not in review
    assert "paused or switched" not in review


@pytest.mark.parametrize("drugs", ["risperidone 4 mg", "amisulpride", "haloperidol"])
def test_high_grade_antipsychotic_keeps_its_review(tmp_path: Path, drugs: str) -> None:
    review = _review(_run(tmp_path, [("F", 60, "ng/mL", "", drugs, "")]).iloc[0])
    assert "can raise prolactin" in review
    assert "prolactin-sparing alternative may be an option" in review
    assert "unlikely cause" not in review


def test_high_and_low_grade_together(tmp_path: Path) -> None:
    review = _review(_run(tmp_path, [("F", 60, "ng/mL", "", "risperidone; clozapine", "")]).iloc[0])
    assert review.startswith("risperidone can raise prolactin")
    assert "clozapine rarely raises prolactin: not the likely cause" in review
