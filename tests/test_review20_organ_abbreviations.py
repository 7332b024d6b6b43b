"""Review 20: kidney, liver and thyroid disease written shortened in a note.  End to end.

Clinical-reference §1.4 and the work-up row: renal failure, cirrhosis and primary
hypothyroidism are secondary causes to exclude before imaging; §8 ("eGFR <30 or dialysis" is
a renal contributor): a CKD stage 4-5, end-stage kidney disease or dialysis is a likely cause
(priority routine, no MRI first); kidney disease of no stage given is a possible one.

- shortened words were missed: "Niereninsuff. Stad. 4", "chron. Niereninsuff.", "NI Stad. 5",
  "terminale NI", "ESRF", "CRF", "IRT", "ERCA", "insuff. rénale", "insuf. renal", "insuff.
  renale", "nierinsuff.", "renal insuff.", "Leberzirrh.", "Hypothyr.", "SD-Unterfunktion";
- a stage written "Grad 4", "Stad. 4" or "St. 4" gave "possible" where "Stadium 4" gave likely;
- peritoneal dialysis written "on PD", "PD patient", "PD since 2021", "sous DP", "in DP" was
  missed; "PD" beside Parkinson's, alone, or as an ordinary word stays nothing;
- "HT" (hypertension as often as Hashimoto's), "ERCP", "MRCP" are no thyroid or kidney disease.
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline_helpers import csv_quoted, triage_csv_warned

HEADER = "patient_id,sex,age,prolactin_ng_ml,notes"
ORGAN_CODES = {"renal_impairment", "dialysis", "liver_cirrhosis", "hypothyroidism"}


def _factors(row: Any) -> dict[str, tuple[str, str]]:
    return {f["code"]: (f["strength"], f["evidence"]) for f in row["factor_details"]}


def _suggestions(row: Any) -> set[str]:
    return {s["code"] for s in row["suggestion_details"]}


def _notes_run(tmp_path: Path, notes: list[str]) -> Any:
    """One run of women of 34 with prolactin 60 ng/mL, one note each (ids N0, N1 ...)."""
    lines = [f"N{i},F,34,60,{csv_quoted(note)}" for i, note in enumerate(notes)]
    results, _ = triage_csv_warned(tmp_path, HEADER + "\n" + "\n".join(lines) + "\n")
    return results


def _assert_likely(row: Any, code: str, note: str, shown: str = "") -> None:
    found = _factors(row)
    assert found.get(code, ("", ""))[0] == "likely", (note, found)
    assert shown in found[code][1], (note, found)
    assert row["priority"] == "routine", note
    assert "pituitary_mri" not in _suggestions(row), note


# --- 1. the reviewer's German export ----------------------------------------------------------
def test_german_export_with_shortened_organ_words(tmp_path: Path) -> None:
    text = (
        "Pat-Nr;Geschlecht;Alter;Prolaktin (µg/l);Bemerkung\n"
        "1;W;34;60;Niereninsuff. Stad. 4\n"
        "2;W;34;60;terminale NI\n"
        "3;M;50;60;Leberzirrh.\n"
        "4;W;40;60;Hypothyr.\n"
    )
    results, _ = triage_csv_warned(tmp_path, text)
    results.index = results.index.astype(str)
    _assert_likely(results.loc["1"], "renal_impairment", "Niereninsuff. Stad. 4", "stage 4")
    _assert_likely(results.loc["2"], "renal_impairment", "terminale NI", "stage 5")
    assert "liver_cirrhosis" in _factors(results.loc["3"])
    assert "hypothyroidism" in _factors(results.loc["4"])
    for patient in ("3", "4"):
        assert "unexplained" not in _factors(results.loc[patient]), patient


# --- 2. a stage written shortened -------------------------------------------------------------
STAGED = [
    "CNI Stad. 4",
    "Niereninsuffizienz Grad 4",
    "CNI St. 4",
    "Niereninsuff. Stad. 4",
    "chron. Niereninsuff. Std. 4",
    "NI Stad. 4",
    "insuff. rénale chronique stade 4",
    "insuf. renal crónica estadio 4",
    "insuff. renale cronica stadio 4",
    "nierinsuff. stadium 4",
    "renal insuff. stage 4",
    "CKD St. 4",
]


def test_shortened_stage_words_read_like_stadium(tmp_path: Path) -> None:
    results = _notes_run(tmp_path, STAGED)
    for i, note in enumerate(STAGED):
        _assert_likely(results.loc[f"N{i}"], "renal_impairment", note, "stage 4")


# --- 3. end-stage kidney disease shortened ----------------------------------------------------
END_STAGE = [
    "ESRF",
    "ESRF, awaiting transplant",
    "ESKF",
    "terminale NI",
    "NI Stad. 5",
    "IRT",  # insuffisance rénale terminale / insuficiencia renal terminal
    "ERCA",  # enfermedad renal crónica avanzada: G4-G5
    "insuff. rénale terminale",
]


def test_shortened_end_stage_kidney_disease_is_likely(tmp_path: Path) -> None:
    results = _notes_run(tmp_path, END_STAGE)
    for i, note in enumerate(END_STAGE):
        _assert_likely(results.loc[f"N{i}"], "renal_impairment", note, "eGFR below 30")


# --- 4. kidney disease of no stage, shortened: possible ---------------------------------------
UNSTAGED = [
    "Niereninsuff.",
    "chron. Niereninsuff.",
    "Nieren-Insuff.",
    "CRF",
    "insuff. rénale",
    "insuf. renal",
    "insuff. renale",
    "chronische nierinsuff.",
    "renal insuff.",
]


def test_shortened_kidney_disease_of_no_stage_is_possible(tmp_path: Path) -> None:
    results = _notes_run(tmp_path, UNSTAGED)
    for i, note in enumerate(UNSTAGED):
        found = _factors(results.loc[f"N{i}"])
        assert found.get("renal_impairment", ("", ""))[0] == "possible", (note, found)
        assert "unexplained" not in found, (note, found)


# --- 5. peritoneal dialysis shortened, in context ---------------------------------------------
ON_PD = [
    "on PD",
    "PD patient",
    "PD since 2021",
    "PD seit 2020",
    "unter PD",
    "PD-Patientin",
    "PD catheter in situ",
    "sous DP depuis 2022",
    "en DP",
    "in DP dal 2021",
]


def test_peritoneal_dialysis_shortened_in_context(tmp_path: Path) -> None:
    results = _notes_run(tmp_path, ON_PD)
    for i, note in enumerate(ON_PD):
        _assert_likely(results.loc[f"N{i}"], "dialysis", note)


# --- 6. what is no organ disease --------------------------------------------------------------
NOT_ORGAN = [
    "PD",
    "Parkinson, PD",
    "PD, L-Dopa",
    "PD patient, Madopar",
    "Parkinson's disease (PD) on levodopa",
    "on PD meds",
    "not on PD",
    "pas de DP",
    "HT",  # hypertension as often as Hashimoto's thyroiditis
    "NI FIEBRE NI CEFALEA",
    "St. Josef Krankenhaus, Station 4",
    "Herzinsuff. NYHA III",
    "Aorteninsuff. Grad 2",
    "Sinusitis chron. Husten",
    "CRF-Test unauffällig",  # the corticotropin-releasing factor
    "ERCP 2020",
    "MRCP unauffällig",
    "keine chron. Niereninsuff.",
    "Niereninsuff. ausgeschlossen",
    "keine Leberzirrh.",
    "Hypothyr. zentral",  # central: a pituitary failure, never the primary one
]


def test_ordinary_words_and_negations_are_no_organ_disease(tmp_path: Path) -> None:
    results = _notes_run(tmp_path, NOT_ORGAN)
    for i, note in enumerate(NOT_ORGAN):
        found = _factors(results.loc[f"N{i}"])
        assert not ORGAN_CODES & set(found), (note, found)


# --- 7. liver and thyroid shortened -----------------------------------------------------------
def test_shortened_cirrhosis_and_hypothyroidism(tmp_path: Path) -> None:
    liver = ["Leberzirrh.", "Leber-Zirrh., Child A", "Zirrh.", "cirrh. alcoolique"]
    thyroid = ["Hypothyr.", "hypothyr", "hipotir.", "ipotir.", "SD-Unterfunktion"]
    results = _notes_run(tmp_path, [*liver, *thyroid])
    for i, note in enumerate(liver):
        assert "liver_cirrhosis" in _factors(results.loc[f"N{i}"]), note
    for i, note in enumerate(thyroid, start=len(liver)):
        assert "hypothyroidism" in _factors(results.loc[f"N{i}"]), note


# --- 8. a shortened stage in a kidney or eGFR column ------------------------------------------
def test_shortened_stage_in_kidney_and_egfr_columns(tmp_path: Path) -> None:
    text = (
        "patient_id,sex,age,prolactin_ng_ml,eGFR,kidney_disease\n"
        "A,M,60,60,Stad. 4,\n"
        "B,M,60,60,St. 5,\n"
        "C,M,60,60,,Niereninsuff. Grad 4\n"
        "D,M,60,60,,NI Stad. 5\n"
    )
    results, warnings = triage_csv_warned(tmp_path, text)
    assert not any("not used as egfr" in w.lower() for w in warnings), warnings
    for patient in "ABCD":
        _assert_likely(results.loc[patient], "renal_impairment", patient, "eGFR below 30")
