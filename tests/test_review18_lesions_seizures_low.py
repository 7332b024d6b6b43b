"""Review 18: sellar lesions that are no adenoma, epilepsy without a seizure, low prolactin.

- a craniopharyngioma, meningioma, Rathke cyst, germinoma or hypophysitis was said to "secrete
  prolactin" and got the hook-effect dilution as its first step.  Such a lesion raises prolactin
  only by stalk compression (clinical-reference §4); the hook effect concerns macroprolactinomas
  (§1.3, §7.6), so the dilution stays for adenomas and unspecified large lesions;
- a diagnosis of epilepsy alone was listed as "Recent seizure".  Prolactin is back to baseline
  about an hour after a seizure (§4): only a seizure named (undated: possible; near the sample:
  likely) is a factor;
- a low prolactin with a head injury, pituitary surgery or radiotherapy, or Sheehan's picture
  (postpartum haemorrhage with a failure to lactate) had no next step.  A chronically low
  prolactin marks pituitary damage (§4, head trauma): pituitary function tests, routine.
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "patient_id,sex,dob,collected,prolactin,unit,comments"


def _line(pid: str, prolactin: float, note: str, sex: str = "M") -> str:
    dob = "1970-03-01" if sex == "M" else "1990-03-01"
    return f"{pid},{sex},{dob},2026-11-20,{prolactin},ng/mL,{csv_quoted(note)}"


def _factors(row: pd.Series) -> dict[str, dict[str, str]]:
    return {f["code"]: f for f in row["factor_details"]}


def _steps(row: pd.Series) -> dict[str, str]:
    return {s["code"]: s["reason"] for s in row["suggestion_details"]}


# --- 1. a sellar lesion that is no adenoma: stalk compression, no hook effect -----------------
NON_ADENOMAS = {
    "en": "craniopharyngioma 28 mm",
    "de": "Kraniopharyngeom 28 mm",
    "fr": "méningiome sellaire 30 mm",
    "en2": "Rathke cleft cyst 15 mm",
    "es": "craneofaringioma de 25 mm",
    "it": "craniofaringioma 25 mm",
    "en3": "suprasellar germinoma 20 mm",
    "nl": "craniofaryngeoom 22 mm",
}


def test_a_non_adenoma_in_the_stalk_range_is_stalk_compression_without_a_hook_step(
    tmp_path: Path,
) -> None:
    out = triage_lines(tmp_path, HEADER, [_line(k, 80, note) for k, note in NON_ADENOMAS.items()])
    for key, note in NON_ADENOMAS.items():
        row = out.loc[key]
        factors, steps = _factors(row), _steps(row)
        assert factors["stalk_effect"]["strength"] == "likely", note
        assert "does not secrete prolactin" in factors["stalk_effect"]["evidence"], note
        evidence = " ".join(f["evidence"] for f in row["factor_details"])
        assert "may itself secrete" not in evidence, note
        assert "hook_effect_risk" not in steps and "dilution_retest" not in steps, note
        assert "Hook effect" not in row["comment"] and "dilution" not in row["comment"], note
        assert "pituitary_function_tests" in steps and row["priority"] == "soon", note


def test_a_non_adenoma_above_the_stalk_range_or_normal_gets_no_hook_step(tmp_path: Path) -> None:
    out = triage_lines(
        tmp_path,
        HEADER,
        [
            _line("high", 130, "craniopharyngioma 28 mm"),
            _line("normal", 10, "Kraniopharyngeom 30 mm"),
            _line("hypophysitis", 80, "lymphocytic hypophysitis"),
            # an adenoma with a normal result keeps the hook caution
            _line("adenoma", 10, "macroadenoma 30 mm"),
        ],
    )
    high = out.loc["high"]
    assert "hook_effect_risk" not in _steps(high)
    assert "does not secrete prolactin" in _factors(high)["stalk_effect"]["evidence"]
    normal = out.loc["normal"]
    assert "hook_effect_risk" not in _steps(normal) and normal["priority"] == "none"
    assert "hook effect" not in _factors(normal)["known_pituitary_lesion"]["evidence"]
    assert "large sellar lesion" in _steps(normal)["pituitary_function_tests"]
    lesion = _factors(out.loc["hypophysitis"])["known_pituitary_lesion"]
    assert lesion["strength"] == "possible" and "does not secrete" in lesion["evidence"]
    adenoma = out.loc["adenoma"]
    assert "hook_effect_risk" in _steps(adenoma) and adenoma["priority"] == "soon"


def test_adenomas_and_unspecified_large_lesions_keep_the_dilution_first(tmp_path: Path) -> None:
    notes = {
        "macro": "macroadenoma 15 mm",
        "unspecified": "pituitary lesion 15 mm",
        "de": "Hypophysenmakroadenom 2 cm",
        "nfpa": "NFPA 25 mm",
    }
    out = triage_lines(tmp_path, HEADER, [_line(k, 80, n) for k, n in notes.items()])
    for key, note in notes.items():
        row = out.loc[key]
        assert "hook_effect_risk" in _steps(row), note
        assert next(iter(_steps(row))) in ("hook_effect_risk", "dilution_retest"), note
        assert "Re-assay at 1:100 dilution" in row["comment"], note
    nfpa = _factors(out.loc["nfpa"])["known_pituitary_lesion"]["evidence"]
    assert "called non-secreting" in nfpa and "hook effect" in nfpa
    assert "may itself secrete" in _factors(out.loc["macro"])["known_pituitary_lesion"]["evidence"]


# --- 2. epilepsy alone is no seizure near the sample ------------------------------------------
EPILEPSY_ONLY = {
    "de": "Epilepsie bekannt",
    "fr": "épilepsie connue sous lamotrigine",
    "es": "epilepsia conocida",
    "it": "epilessia nota",
    "nl": "bekende epilepsie",
    "en": "known epilepsy",
    "dated": "epilepsy on levetiracetam; last seizure 2 years ago",
    "relative": "father has seizures",
    "pnes": "psychogenic non-epileptic seizures",
}
SEIZURES = {
    "morning": ("seizure this morning", "likely"),
    "de_30min": ("Krampfanfall vor 30 min", "likely"),
    "both": ("known epilepsy; seizure 20 min before sampling", "likely"),
    "fr_today": ("épilepsie; crise convulsive ce matin", "likely"),
    "undated": ("recurrent seizures", "possible"),
    "de_undated": ("Epilepsie mit Grand-mal-Anfällen", "possible"),
}


def test_epilepsy_without_a_seizure_named_is_no_factor(tmp_path: Path) -> None:
    lines = [_line(k, 60, note, "F") for k, note in EPILEPSY_ONLY.items()]
    lines += [_line(k, 60, note, "F") for k, (note, _) in SEIZURES.items()]
    out = triage_lines(tmp_path, HEADER, lines)
    for key, note in EPILEPSY_ONLY.items():
        row = out.loc[key]
        assert "seizure" not in _factors(row), note
        assert "seizure" not in row["comment"].lower(), note
    for key, (note, strength) in SEIZURES.items():
        assert _factors(out.loc[key])["seizure"]["strength"] == strength, note


# --- 3. a low prolactin where the pituitary may be damaged: pituitary function tests ----------
DAMAGED = {
    "tbi": ("severe TBI 2 years ago; fatigue", "M", "head injury"),
    "de_sht": ("Z.n. Schädel-Hirn-Trauma 2015", "M", "head injury"),
    "fr_tc": ("traumatisme crânien il y a 3 ans", "M", "head injury"),
    "es_tce": ("TCE grave hace 5 años", "M", "head injury"),
    "it_tc": ("trauma cranico nel 2010", "M", "head injury"),
    "nl_hl": ("traumatisch hersenletsel 2019", "M", "head injury"),
    "tss": ("transsphenoidal surgery 2018", "M", "pituitary surgery"),
    "rt": ("radioterapia craneal en 2012", "M", "radiotherapy"),
    "pph": ("postpartum haemorrhage 3 months ago; failure to lactate", "F", "Sheehan"),
    "de_pph": ("Z.n. schwerer postpartaler Blutung; keine Laktation", "F", "Sheehan"),
    "fr_pph": ("hémorragie de la délivrance; absence de montée laiteuse", "F", "Sheehan"),
    "es_pph": ("hemorragia posparto grave; ausencia de lactancia", "F", "Sheehan"),
    "it_pph": ("emorragia post-partum; mancata montata lattea", "F", "Sheehan"),
    "nl_pph": ("fluxus postpartum; geen borstvoeding mogelijk", "F", "Sheehan"),
}
NOT_DAMAGED = {
    "nothing": ("", "F"),
    "pph_only": ("PPH 1.5 L in 2024", "F"),
    "breast_rt": ("radiotherapy to the breast; knee surgery 2018", "F"),
    "relative": ("mother had a head injury", "M"),
}


def test_a_low_prolactin_with_likely_pituitary_damage_asks_for_pituitary_function(
    tmp_path: Path,
) -> None:
    lines = [_line(k, 0.8, note, sex) for k, (note, sex, _) in DAMAGED.items()]
    lines += [_line(k, 0.8, note, sex) for k, (note, sex) in NOT_DAMAGED.items()]
    lines.append(_line("normal_tbi", 8, "severe TBI 2 years ago"))  # not low: nothing to add
    out = triage_lines(tmp_path, HEADER, lines)
    for key, (note, _, kind) in DAMAGED.items():
        row = out.loc[key]
        assert row["status"] == "low" and row["priority"] == "routine", note
        reason = _steps(row)["pituitary_function_tests"]
        assert "pituitary damage" in reason or "pituitary necrosis" in reason, note
        if kind == "Sheehan":
            assert "not in the clinical reference" in reason, note
        if kind == "head injury":
            assert "clinical-reference §4" in reason, note
        assert "Pituitary function tests" in row["comment"], note
        assert "visual_field_test" not in _steps(row) and "pituitary_mri" not in _steps(row)
    for key in [*NOT_DAMAGED, "normal_tbi"]:
        row = out.loc[key]
        assert row["priority"] == "none" and not row["suggestion_details"], key


def test_the_head_trauma_column_counts_for_a_low_result(tmp_path: Path) -> None:
    out = triage_lines(
        tmp_path,
        "patient_id,sex,age,prolactin,unit,head_trauma",
        ["yes,M,50,0.8,ng/mL,yes", "no,M,50,0.8,ng/mL,no"],
    )
    assert "pituitary_function_tests" in _steps(out.loc["yes"])
    assert out.loc["yes"]["priority"] == "routine"
    assert out.loc["no"]["priority"] == "none" and not out.loc["no"]["suggestion_details"]
