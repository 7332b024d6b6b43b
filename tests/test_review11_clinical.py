"""Review 11: a result above the pregnancy interval that pregnancy does not explain.

Clinical reference §2.1: first-trimester prolactin is far lower (median ~16 ng/mL) than the
whole-pregnancy interval (10–209 ng/mL) allows, so a result above that interval early in
pregnancy is not explained by it: high and not explained is `soon` (output contract §7).  In
pregnancy there is no routine MRI (ES 2011 6.x): MRI without gadolinium only for headache or
visual field loss.  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.engine import triage_frame
from triage.io import ReadOptions, read_file
from triage.knowledge import load_knowledge

HEADER = "Patient-ID;Geschlecht;Alter;Prolaktin;Einheit;Bemerkung\n"


def triaged(tmp_path: Path, rows: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "export.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return triage_frame(read_file(path, None, ReadOptions()).frame, load_knowledge("default"))


@pytest.mark.parametrize(
    "note",
    [
        "pregnant, 7 weeks",
        "schwanger, SSW 7",
        "enceinte de 7 SA",
        "embarazada de 7 semanas",
        "incinta, 7 settimane",
        "zwanger, 7 weken",
    ],
)
def test_early_pregnancy_above_the_pregnancy_interval_is_soon(tmp_path: Path, note: str) -> None:
    row = triaged(tmp_path, f"SYN-1;F;31;230;ng/mL;{note}\n").iloc[0]
    assert row["status"] == "high"
    assert row["priority"] == "soon", row["factor_evidence"]
    codes = str(row["suggestions"]).split(";")
    assert "endocrine_referral" in codes
    strengths = {f["code"]: f["strength"] for f in row["factor_details"]}
    assert strengths["pregnancy"] == "possible"  # pregnancy hardly explains it this early


def test_late_pregnancy_mild_excess_is_not_flagged(tmp_path: Path) -> None:
    # third trimester: a level this far above the whole-pregnancy limit is usual, within the
    # third-trimester interval (review 16: it was high and routine)
    row = triaged(tmp_path, "SYN-2;F;29;230;ng/mL;schwanger, SSW 34\n").iloc[0]
    assert (row["status"], row["priority"]) == ("normal", "none")
    assert str(row["factors"]).startswith("pregnancy")


def test_within_the_pregnancy_interval_is_not_flagged(tmp_path: Path) -> None:
    row = triaged(tmp_path, "SYN-3;F;29;180;ng/mL;zwanger, 6 weken\n").iloc[0]
    assert row["status"] == "normal"
    assert row["priority"] == "none"


def test_no_routine_mri_in_pregnancy_without_symptoms(tmp_path: Path) -> None:
    results = triaged(
        tmp_path,
        "SYN-4;F;31;230;ng/mL;pregnant, 7 weeks\n"
        "SYN-5;F;31;230;ng/mL;pregnant, 7 weeks, bitemporal hemianopia\n",
    )
    quiet, flagged = results.iloc[0], results.iloc[1]
    reasons = {d["code"]: d["reason"] for d in quiet["suggestion_details"]}
    assert "in pregnancy no routine MRI" in reasons["pituitary_mri"]
    assert quiet["priority"] == "soon"
    flagged_reasons = {d["code"]: d["reason"] for d in flagged["suggestion_details"]}
    assert flagged["priority"] == "urgent"
    assert "urgent_endocrine_referral" in flagged_reasons
    assert "without delay" in flagged_reasons["pituitary_mri"]  # a red flag: imaging now


def test_the_mri_reason_in_pregnancy_says_no_routine_mri(tmp_path: Path) -> None:
    details = triaged(tmp_path, "SYN-6;F;31;230;ng/mL;schwanger, SSW 7\n").iloc[0]
    reasons = {d["code"]: d["reason"] for d in details["suggestion_details"]}
    assert "in pregnancy no routine MRI" in reasons["pituitary_mri"]
    assert "without gadolinium" in reasons["pituitary_mri"]


def test_in_pregnancy_visual_fields_come_without_waiting_for_an_mri(tmp_path: Path) -> None:
    # below the level that rules a prolactinoma in (which images at once, without gadolinium)
    row = triaged(tmp_path, "SYN-7;F;31;230;ng/mL;incinta, 8 settimane\n").iloc[0]
    assert row["priority"] == "soon"
    reasons = {d["code"]: d["reason"] for d in row["suggestion_details"]}
    assert "if the MRI shows" not in reasons["visual_field_test"]
    # pregnancy alters the other axes: they are assessed once it is over
    assert "pituitary_function_tests" not in reasons


# Acromegaly is a GH-secreting pituitary adenoma that can co-secrete prolactin
# (clinical-reference §1.4): a known pituitary lesion, in every language; denied, excluded or
# only queried, it is none.
@pytest.mark.parametrize(
    ("note", "lesion"),
    [
        ("Akromegalie, IGF-1 erhöht", True),
        ("known acromegaly", True),
        ("acromégalie connue", True),
        ("acromegalia in trattamento", True),
        ("acromegalia", True),
        ("acromegalie", True),
        ("keine Akromegalie", False),
        ("acromegaly excluded (IGF-1 normal)", False),
        ("?acromegaly", False),
        ("V.a. Akromegalie", False),
        ("sospetta acromegalia", False),
    ],
)
def test_acromegaly_is_a_known_pituitary_lesion(tmp_path: Path, note: str, lesion: bool) -> None:
    row = triaged(tmp_path, f"SYN-8;F;45;45;ng/mL;{note}\n").iloc[0]
    factors = str(row["factors"]).split(";")
    assert ("known_pituitary_lesion" in factors) is lesion, row["factor_evidence"]
    assert row["priority"] == ("soon" if lesion else "routine")


def test_a_level_that_rules_a_prolactinoma_in_is_imaged_in_pregnancy_without_gadolinium(
    tmp_path: Path,
) -> None:
    # 3,000 ng/mL with a positive hCG: far above anything pregnancy gives (clinical-reference
    # §2.1): a macroprolactinoma is likely, so the MRI (without gadolinium) does not wait
    row = triaged(tmp_path, "SYN-9;F;27;3000;ng/mL;zwanger, 10 weken\n").iloc[0]
    assert row["priority"] == "urgent"
    reasons = {d["code"]: d["reason"] for d in row["suggestion_details"]}
    assert "without gadolinium" in reasons["pituitary_mri"]
    assert "no routine MRI" not in reasons["pituitary_mri"]
    assert "pituitary_function_tests" in reasons


def test_a_known_prolactinoma_in_pregnancy_is_not_imaged_routinely(tmp_path: Path) -> None:
    row = triaged(
        tmp_path, "SYN-10;F;33;400;ng/mL;pregnant 20 weeks, known macroprolactinoma 12 mm\n"
    ).iloc[0]
    reasons = {d["code"]: d["reason"] for d in row["suggestion_details"]}
    assert "no routine MRI" in reasons["pituitary_mri"]
    assert "visual_field_test" in reasons
