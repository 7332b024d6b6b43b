"""Review 22: renal and liver context in a lab's notes.  Through the pipeline (in-process CSV
runs, several rows per run).  Synthetic patients only: men of 50, prolactin 48 ng/mL (60 where
dialysis is planned), medications "none", the text in a `Clinical details` column.

Clinical-reference §8: only a real chronic kidney disease (eGFR below 30) or dialysis is a renal
contributor; §4: CKD raises prolactin as the eGFR falls, a patient about to start dialysis has
end-stage CKD; cirrhosis is a cause to look for, and a liver history stated anywhere is given.

- an abbreviation that is also something else ("Chorea Huntington (HD)", "hip dysplasia (HD)",
  "HD-MTX", "RRT called for syncope", the German "ERC: Choledocholithiasis", a calcineurin
  inhibitor's "CNI-Spiegel") was read as dialysis or CKD: the MRI, the macroprolactin screen
  and the referral were dropped.  Beside kidney words, a schedule or "on HD" it still counts;
- an earlier value dated in number words ("eGFR 12 six months ago", "TSH 11.2 two months ago",
  "sei mesi fa", "twee maanden geleden") or weeks ago ("three weeks ago", "hace 3 semanas") was
  read as this sample's;
- CKD stage 1-2 (an eGFR of 60 or more by definition) was a possible cause; that eGFR is none;
- dialysis planned or its access made ("Dialyse geplant", "AV-Fistel li. Unterarm") was missed;
- a liver history in the notes got "no liver history given";
- "eGFR <60" was shown as "eGFR 60 is reduced".
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

from triage.values import stopped_days

HEADER = "patient_id,sex,age,prolactin_ng_ml,egfr,tsh,medications,Clinical details"
RENAL = {"renal_impairment", "dialysis"}
WORK_UP = {"pituitary_mri", "macroprolactin_screen", "endocrine_referral"}


def _run(
    tmp_path: Path, notes: list[str], *, egfr: str = "85", tsh: str = "1.5", prl: str = "48"
) -> dict[str, pd.Series]:
    """One man of 50 per note; the results keyed by note."""
    lines = [
        f"N{i},M,50,{prl},{egfr},{tsh},none,{csv_quoted(note)}" for i, note in enumerate(notes)
    ]
    out = triage_lines(tmp_path, HEADER, lines)
    return {note: out.loc[f"N{i}"] for i, note in enumerate(notes)}


def _factors(row: pd.Series) -> dict[str, str]:
    return {f["code"]: f["strength"] for f in row["factor_details"]}


def _reasons(row: pd.Series) -> dict[str, str]:
    return {s["code"]: s["reason"] for s in row["suggestion_details"]}


# --- 1. abbreviations that mean something else --------------------------------------------------
OTHER_MEANINGS = [
    "Chorea Huntington (HD)",
    "HD patient, chorea, tetrabenazine",
    "hip dysplasia (HD)",
    "HD-MTX chemotherapy",
    "HD-Katheter entfernt nach NTX",
    "RRT called for syncope",
    "ERC: Choledocholithiasis",
    "Z.n. ERC mit Stentwechsel 2025",
    "IRC sous O2, BPCO",
    "HD 12 mm Hg",
    "CNI-Spiegel im Zielbereich, Tacrolimus",
]


def test_an_abbreviation_written_out_as_something_else_is_no_kidney_cause(tmp_path: Path) -> None:
    for egfr in ("85", ""):  # with the eGFR given, and without it (then it is asked for)
        folder = tmp_path / (egfr or "none")
        folder.mkdir()
        for note, row in _run(folder, OTHER_MEANINGS, egfr=egfr).items():
            found = _factors(row)
            assert not RENAL & set(found), (note, found)
            assert row["priority"] == "soon", note
            assert set(_reasons(row)) >= WORK_UP, (note, _reasons(row))
            if not egfr:
                assert "check_renal_function" in _reasons(row), note


RENAL_ABBREVIATIONS = [
    "on HD",
    "HD 3x/week",
    "HD Mo/Mi/Fr",
    "ESRD on HD",
    "Niereninsuffizienz, HD 3x/Woche",
    "sous HD depuis 2021",
    "Shaldon-Katheter, HD seit 3 Tagen",
    "CKD 5 on RRT",
]


def test_an_abbreviation_beside_kidney_words_or_a_schedule_is_still_dialysis(
    tmp_path: Path,
) -> None:
    results = _run(tmp_path, [*RENAL_ABBREVIATIONS, "ERC 4", "IRC stade IV"], egfr="")
    for note in RENAL_ABBREVIATIONS:
        assert _factors(results[note]).get("dialysis") == "likely", note
        assert results[note]["priority"] == "routine", note
    for note in ("ERC 4", "IRC stade IV"):  # a stage: the Spanish / French CKD
        assert _factors(results[note]).get("renal_impairment") == "likely", note


def test_hd_in_the_dialysis_column_is_haemodialysis(tmp_path: Path) -> None:
    out = triage_lines(
        tmp_path,
        "patient_id,sex,age,prolactin_ng_ml,Dialysis,Clinical details",
        ["D1,M,50,48,HD,", "D2,M,50,48,,Chorea Huntington (HD)"],
    )
    assert _factors(out.loc["D1"]).get("dialysis") == "likely"
    assert "dialysis" not in _factors(out.loc["D2"])


# --- 2. earlier values dated in number words or weeks ago -----------------------------------------
EARLIER = [
    "eGFR 12 six months ago, kidney transplant since, good function",
    "eGFR 12 sei mesi fa, ora trapianto renale",
    "eGFR 12 zes maanden geleden, nu niertransplantatie",
    "eGFR 12 vor sechs Monaten",
    "DFG 12 il y a six mois",
    "TSH 11.2 two months ago, started levothyroxine",
    "TSH 11.2 three weeks ago",
    "TSH 11,2 hace 3 semanas",
    "TSH 11,2 hace tres semanas",
    "TSH 11,2 due mesi fa",
    "TSH 11,2 twee maanden geleden",
    "TSH 11,2 vor zwei Monaten",
    "TSH 11,2 il y a deux mois",
    "TSH 11.2 (twelve months ago)",
]
NOW = ["TSH 11.2", "TSH 11.2, due to recheck", "eGFR 12", "eGFR 12, two tablets a day"]


def test_a_value_dated_earlier_in_words_is_not_this_samples(tmp_path: Path) -> None:
    results = _run(tmp_path, EARLIER + NOW, egfr="", tsh="")
    for note in EARLIER:
        found = _factors(results[note])
        assert not {"renal_impairment", "hypothyroidism"} & set(found), (note, found)
    for note in NOW:  # undated: this sample's, however many number words stand near
        found = _factors(results[note])
        assert {"renal_impairment", "hypothyroidism"} & set(found), (note, found)


def test_a_drug_stop_dated_in_number_words_is_read_as_in_digits() -> None:
    assert stopped_days("risperidone stopped two weeks ago") == 14
    assert stopped_days("Risperidon vor zwei Wochen abgesetzt") == 14
    assert stopped_days("suspendido hace tres semanas") == 21
    assert stopped_days("twee weken geleden gestopt") == 14


# --- 3. CKD stage 1-2 -----------------------------------------------------------------------------
def test_ckd_stage_1_or_2_is_no_cause_as_its_egfr_is_none(tmp_path: Path) -> None:
    early = ["CKD 2", "CKD G1 A2", "Niereninsuffizienz Stadium 2", "IRC stade 2", "stage 2 CKD"]
    results = _run(tmp_path, [*early, "CKD 3a", "CKD 4"], egfr="")
    for note in early:
        assert "renal_impairment" not in _factors(results[note]), note
        assert results[note]["priority"] == "soon", note
    assert _factors(results["CKD 3a"])["renal_impairment"] == "possible"
    assert _factors(results["CKD 4"])["renal_impairment"] == "likely"


# --- 4. dialysis planned, or its access made ------------------------------------------------------
PLANNED = [
    "Dialyse geplant",
    "dialysis planned",
    "awaiting dialysis",
    "Shunt-Anlage geplant",
    "AV-Fistel li. Unterarm",
    "dialyse prévue",
    "diálisis programada",
    "dialisi programmata",
    "dialyse gepland",
    "en attente de dialyse",
    "AV fistula left forearm",
]
NOT_PLANNED = [
    "keine Dialyse geplant",
    "dialysis discussed",
    "VP-Shunt-Anlage geplant",
    "durale AV-Fistel",
    "mother awaiting dialysis",
]


def test_dialysis_planned_is_end_stage_kidney_disease(tmp_path: Path) -> None:
    results = _run(tmp_path, PLANNED + NOT_PLANNED, egfr="", prl="60")
    for note in PLANNED:
        found = _factors(results[note])
        assert found.get("renal_impairment") == "likely" and "dialysis" not in found, note
        assert results[note]["priority"] == "routine", note
        assert "pituitary_mri" not in _reasons(results[note]), note
    for note in NOT_PLANNED:
        assert not RENAL & set(_factors(results[note])), note


# --- 5. the liver next step reads the notes ------------------------------------------------------
LIVER_NOTES = [
    "Zirrhose ausgeschlossen",
    "no cirrhosis on FibroScan",
    "pas de cirrhose",
    "alcohol-related liver disease",
    "chronic hepatitis C no cirrhosis",
    "steatosis hepatis",
    "leversteatose",
    "cirrhosis? awaiting FibroScan",
]


def test_a_liver_history_in_the_notes_is_given(tmp_path: Path) -> None:
    results = _run(tmp_path, [*LIVER_NOTES, "none", "father has cirrhosis"])
    for note in LIVER_NOTES:
        reason = _reasons(results[note])["check_liver_function"]
        assert "no liver history" not in reason, (note, reason)
        assert note in reason and "assess for cirrhosis" in reason, (note, reason)
    for note in ("none", "father has cirrhosis"):  # nothing of the patient's own liver
        reason = _reasons(results[note])["check_liver_function"]
        assert reason.startswith("no liver history given"), (note, reason)


# --- 6. the eGFR comparator -----------------------------------------------------------------------
def test_the_egfr_suggestion_keeps_its_comparator(tmp_path: Path) -> None:
    out = triage_lines(tmp_path, HEADER, ["E1,M,50,48,<60,1.5,none,", "E2,M,50,48,<15,1.5,none,"])
    assert _reasons(out.loc["E1"])["check_renal_function"].startswith("eGFR <60 is reduced")
    assert _reasons(out.loc["E2"])["check_renal_function"].startswith("eGFR <15 is reduced")
