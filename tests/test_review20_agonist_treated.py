"""Review 20: a raised prolactin on a dopamine agonist given for hyperprolactinaemia.

Clinical-reference §3.2 (cabergoline, bromocriptine, quinagolide): "A raised PRL on cabergoline
suggests resistance, non-adherence or too low a dose"; §8 (masking): "a raised PRL on a DA
suggests resistance or non-adherence".  Such a patient's hyperprolactinaemia is known and treated:
the result is no new, unexplained rise ("no cause found"), and the macroprolactin screen before
imaging (§8: for a new elevation with few symptoms) is not its first step.  Instead: adherence and
dose reviewed, endocrine follow-up, MRI if the level keeps rising or symptoms appear, or at a level
that rules a prolactinoma in.  Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "patient_id,sex,age,prolactin,unit,medication,comment"


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c]


def _reason(row: pd.Series, code: str) -> str:
    return next(d["reason"] for d in row["suggestion_details"] if d["code"] == code)


def test_raised_on_an_agonist_is_treated_hyperprolactinaemia_in_six_languages(
    tmp_path: Path,
) -> None:
    # brands and names of cabergoline, bromocriptine and quinagolide as labs in six languages
    # write them, in the medication column or a note; no pituitary lesion named
    lines = [
        "D1,F,36,95,ng/mL,Dostinex 0.5 mg 2x/Woche,",
        "D2,F,34,80,ng/mL,,Hyperprolaktinämie unter Cabergolin 0.5 mg/Woche",
        "E1,M,45,60,ng/mL,bromocriptine 2.5 mg bd,",
        "F1,F,30,70,ng/mL,Norprolac 75 µg,",
        "S1,F,29,85,ng/mL,cabergolina 0.25 mg dos veces por semana,",
        "I1,F,41,90,ng/mL,Cabaser 0.5 mg/settimana,",
        "N1,F,33,75,ng/mL,Parlodel 2.5 mg 2dd,",
        "S2,F,31,65,ng/mL,quinagolida 75 mcg,",
    ]
    out = triage_lines(tmp_path, HEADER, lines)
    for pid in ("D1", "D2", "E1", "F1", "S1", "I1", "N1", "S2"):
        row = out.loc[pid]
        factors, steps = _codes(row["factors"]), _codes(row["suggestions"])
        assert factors[0] == "treated_hyperprolactinemia", (pid, factors)
        assert "unexplained" not in factors, pid
        # §8: the screen is for a new elevation; §3.2: secondary causes of a new rise not asked
        assert "macroprolactin_screen" not in steps, (pid, steps)
        assert "repeat_rested_sample" not in steps, (pid, steps)
        assert "check_tsh" not in steps, (pid, steps)
        assert row["priority"] == "soon", pid
        assert "no cause found" not in row["comment"].lower(), pid
        assert "no medication cause" not in row["comment"], pid
        evidence = row["factor_details"][0]["evidence"]
        assert "resistance, missed doses or too low a dose" in evidence, pid
        referral = _reason(row, "endocrine_referral")
        assert "follow-up of the treatment (adherence and dose" in referral, pid
        caution = _reason(row, "dopamine_agonist_masking")
        assert "resistance, too low a dose or missed doses" in caution, (pid, caution)
        mri = _reason(row, "pituitary_mri")
        assert "keeps rising" in mri and "symptoms" in mri, (pid, mri)
        assert "macroprolactin" not in mri, (pid, mri)


def test_level_or_symptoms_on_treatment_image_without_a_screen(tmp_path: Path) -> None:
    lines = [
        # above 250 ng/mL a prolactinoma is likely (§0, §8): imaged, not made conditional
        "L1,F,36,320,ng/mL,Cabergolin 1 mg/Woche,",
        # symptoms on treatment: MRI for growth (ES 2011 3.x)
        "L2,F,36,80,ng/mL,Parlodel 2.5 mg,Galaktorrhoe",
    ]
    out = triage_lines(tmp_path, HEADER, lines)
    high = out.loc["L1"]
    assert _codes(high["factors"]) == ["prolactinoma_suspected", "treated_hyperprolactinemia"]
    assert "macroprolactin_screen" not in _codes(high["suggestions"])
    assert "prolactinoma is likely" in _reason(high, "pituitary_mri")
    symptomatic = out.loc["L2"]
    assert "macroprolactin_screen" not in _codes(symptomatic["suggestions"])
    assert "symptoms" in _reason(symptomatic, "pituitary_mri")


def test_a_known_prolactinoma_and_an_added_antipsychotic_keep_their_factors(
    tmp_path: Path,
) -> None:
    lines = [
        # a named prolactinoma on cabergoline stays the known lesion (no second factor)
        "K1,F,30,70,ng/mL,,Prolaktinom unter Cabergolin",
        # cabergoline added to an antipsychotic: both listed, the antipsychotic reviewed
        "K2,F,36,95,ng/mL,risperidone 4 mg; cabergolina 0.25 mg,",
    ]
    out = triage_lines(tmp_path, HEADER, lines)
    assert _codes(out.loc["K1", "factors"]) == ["known_pituitary_lesion"]
    both = out.loc["K2"]
    assert set(_codes(both["factors"])) == {
        "treated_hyperprolactinemia",
        "medication:antipsychotic",
    }
    assert "medication_review" in _codes(both["suggestions"])


def test_no_current_prolactin_treatment_is_worked_up_as_before(tmp_path: Path) -> None:
    lines = [
        # stopped months ago: a treated hyperprolactinaemia may be returning (rebound path)
        "X1,F,36,95,ng/mL,Dostinex abgesetzt vor 3 Monaten,",
        # written with doubt: intake unconfirmed, so no treated patient is assumed
        "X2,F,36,95,ng/mL,?Dostinex,",
        # a D2 partial agonist and a Parkinson's agonist are no prolactin treatment (no G02CB)
        "X3,F,36,95,ng/mL,Abilify 10 mg,",
        "X4,M,66,45,ng/mL,ropinirole 2 mg,",
        # ordinary text that is no drug
        "X5,F,36,95,ng/mL,atorvastatin 20 mg,Kontrolle; Patientin nimmt keine Medikamente mehr",
    ]
    out = triage_lines(tmp_path, HEADER, lines)
    for pid in ("X1", "X2", "X3", "X4", "X5"):
        row = out.loc[pid]
        assert "treated_hyperprolactinemia" not in _codes(row["factors"]), pid
        assert _codes(row["factors"]) == ["unexplained"], pid
        assert "macroprolactin_screen" in _codes(row["suggestions"]), pid
    assert "may be returning" in out.loc["X1", "factor_details"][0]["evidence"]


def test_normal_result_on_cabergoline_is_only_the_caution(tmp_path: Path) -> None:
    note = csv_quoted("Dostinex 0,5 mg, 1x/Woche")
    out = triage_lines(tmp_path, HEADER, [f"M1,F,36,12,ng/mL,{note},"])
    row = out.loc["M1"]
    assert _codes(row["factors"]) == []
    assert _codes(row["suggestions"]) == ["dopamine_agonist_masking"]
    assert row["priority"] == "none"
    assert "does not exclude a prolactinoma" in _reason(row, "dopamine_agonist_masking")
