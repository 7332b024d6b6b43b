"""Review 19: drug words in notes, and one judgement for a drug graded low.

- a capital abbreviation of one drug written in a notes column ("MCP seit 3 Tagen wegen
  Übelkeit", "nimmt MCP b.B.", "on MCP for nausea", "on the OCP", "on COC") was not read: the
  result came out unexplained, "soon", with an MRI, and the evidence said "not given:
  medications", while "Metoclopramid seit 3 Tagen" or "takes the pill" in the same column, or
  "MCP" in the medication column, were read.  Such abbreviations (drugs.toml
  note_abbreviations) now name their drug in a note, except next to a joint's words ("MCP joint",
  "MCP-Gelenk", "MCP II", "right MCP": metacarpophalangeal) or a drug screen's ("COC neg":
  cocaine); class mentions ("SSRI"), "HRT", "MST" stay out of notes;
- olanzapine 10 mg at 40 ng/mL: the factor said "can raise prolactin to ~50 ng/mL" while the
  medication review said "an unlikely cause of this level".  Clinical-reference §3.1 gives
  olanzapine, iloperidone and lurasidone a mild rise of about 20-50 ng/mL: within that reach the
  drug is a possible cause in both messages; above it both say the level is beyond it.
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

_HEADER = "patient_id,sex,age_years,prolactin,prolactin_unit,collected_at,medications,comments"


def _run(tmp_path: Path, rows: list[tuple[str, float, str, str, str]]) -> pd.DataFrame:
    """Women of 30 sampled on 2026-11-20: (id, result, unit, medications, comments)."""
    lines = [
        f"{pid},F,30,{value},{unit},2026-11-20,{csv_quoted(meds)},{csv_quoted(note)}"
        for pid, value, unit, meds, note in rows
    ]
    return triage_lines(tmp_path, _HEADER, lines)


def _factor(row: pd.Series, code: str) -> dict[str, str]:
    found = [f for f in row["factor_details"] if f["code"] == code]
    assert len(found) == 1, (row.name, [f["code"] for f in row["factor_details"]])
    return dict(found[0])


def _drug_codes(row: pd.Series) -> list[str]:
    return [f["code"] for f in row["factor_details"] if f["code"].startswith("medication:")]


def _review(row: pd.Series) -> str:
    found = [d["reason"] for d in row["suggestion_details"] if d["code"] == "medication_review"]
    assert len(found) == 1, (row.name, row["suggestions"])
    return str(found[0])


# --- 1. a drug's capital abbreviation in a note names the drug -------------------------------
NOTE_ABBREVIATIONS = [
    # id, result, note, factor (§3.1: metoclopramide high; oestrogens: combined pill)
    ("M1", 85, "MCP seit 3 Tagen wegen Übelkeit", "medication:antiemetic_prokinetic"),
    ("M2", 85, "nimmt MCP b.B.", "medication:antiemetic_prokinetic"),
    ("M3", 85, "on MCP for nausea", "medication:antiemetic_prokinetic"),
    ("M4", 85, "seit 3 Tagen MCP", "medication:antiemetic_prokinetic"),
    ("M5", 85, "Übelkeit, MCP 10 mg i.v.", "medication:antiemetic_prokinetic"),
    ("O1", 45, "on the OCP", "medication:estrogen"),
    ("O2", 45, "on COC", "medication:estrogen"),
    ("O3", 45, "toma ACHO desde hace 2 años", "medication:estrogen"),
    ("O4", 45, "sous OCP", "medication:estrogen"),
    ("O5", 45, "gebruikt COCP", "medication:estrogen"),
    ("P1", 85, "PP1M seit 2025", "medication:antipsychotic"),
]


def test_a_drug_abbreviation_in_a_note_names_the_drug(tmp_path: Path) -> None:
    out = _run(
        tmp_path, [(pid, value, "ng/mL", "", note) for pid, value, note, _ in NOTE_ABBREVIATIONS]
    )
    for pid, _, note, code in NOTE_ABBREVIATIONS:
        row = out.loc[pid]
        evidence = _factor(row, code)["evidence"]
        assert evidence.startswith("comments: '"), pid  # quoted from the note
        assert evidence.split("'")[1] in note, pid
        assert "unexplained" not in [f["code"] for f in row["factor_details"]], pid
        assert "medication_review" in row["suggestions"].split(";"), pid
    # a drug taken explains a moderate rise: no MRI first ("nimmt MCP b.B.", as needed, is a
    # possible cause only, as in the medication column: its last dose is asked for)
    assert "last dose" in _review(out.loc["M2"])
    for pid in ("M1", "M3", "M4", "M5"):
        assert out.loc[pid, "priority"] == "routine", pid
        assert "pituitary_mri" not in out.loc[pid, "suggestions"].split(";"), pid


def test_the_medication_column_reads_them_as_before(tmp_path: Path) -> None:
    rows = [
        ("C1", 85, "ng/mL", "MCP 10 mg 1-1-1", ""),
        ("C2", 45, "ng/mL", "COC", ""),
        ("C3", 45, "ng/mL", "OCP", ""),
        ("C4", 85, "ng/mL", "L-Thyroxin", "Medikation: MCP 10 mg 1-1-1"),
        ("C5", 85, "ng/mL", "MCP-ratiopharm 10 mg", ""),
    ]
    out = _run(tmp_path, rows)
    assert _drug_codes(out.loc["C1"]) == ["medication:antiemetic_prokinetic"]
    assert _drug_codes(out.loc["C2"]) == ["medication:estrogen"]
    assert _drug_codes(out.loc["C3"]) == ["medication:estrogen"]
    assert _drug_codes(out.loc["C4"]) == ["medication:antiemetic_prokinetic"]
    assert _drug_codes(out.loc["C5"]) == ["medication:antiemetic_prokinetic"]


# --- 2. a joint, a drug screen, another meaning, or a drug not taken: no drug -----------------
NOT_A_DRUG_TAKEN = [
    "MCP-Gelenk Schwellung rechts",  # metacarpophalangeal joint
    "Schmerzen im MCP II",
    "MCP joint swollen, ?RA",
    "right MCP tender",
    "Synovitis MCP II-V bds.",
    "Druckschmerz über MCP 2",
    "tuméfaction des MCP",
    "dolor en MCP III",
    "gonfiore MCP destra",
    "Terapia: fisioterapia, MCP in controllo",
    "UDS: THC pos, COC pos",  # a drug screen's cocaine
    "Drogenscreening: COC negativ",
    "COC neg",
    "HRT clinic follow-up",  # a clinic, not a drug taken
    "SSRI",  # a class mention: the medication column only
    "MST later if pain",
    "kein MCP",
    "MCP abgesetzt vor 6 Monaten",
    "OCP stopped 2 years ago",
]


def test_a_joint_a_drug_screen_or_a_stop_names_no_drug(tmp_path: Path) -> None:
    rows = [(f"N{i}", 45, "ng/mL", "", note) for i, note in enumerate(NOT_A_DRUG_TAKEN)]
    out = _run(tmp_path, rows)
    for i, note in enumerate(NOT_A_DRUG_TAKEN):
        row = out.loc[f"N{i}"]
        assert _drug_codes(row) == [], note
        assert "medication_review" not in row["suggestions"].split(";"), note


# --- 3. a drug graded low within its own reach: a possible cause in both messages --------------
def test_olanzapine_within_its_reach_is_a_possible_cause_in_factor_and_review(
    tmp_path: Path,
) -> None:
    rows = [
        ("R1", 40, "ng/mL", "olanzapine 10 mg", ""),
        ("R2", 40, "ng/mL", "lurasidone 40 mg", ""),
        ("R3", 45, "ng/mL", "Fanapt 6 mg", ""),  # iloperidone
        ("R4", 848, "mIU/L", "Zyprexa 10 mg", ""),  # 40 ng/mL at 21.2 mIU/L per ng/mL
        ("R5", 40, "ng/mL", "", "unter Olanzapin 10 mg"),
    ]
    out = _run(tmp_path, rows)
    for pid in ("R1", "R2", "R3", "R4", "R5"):
        row = out.loc[pid]
        evidence = _factor(row, "medication:antipsychotic")["evidence"]
        assert "can raise prolactin to ~50 ng/mL" in evidence or "50 ng/mL)" in evidence, pid
        assert "within that: a possible cause" in evidence, pid
        review = _review(row)
        assert "unlikely" not in review, (pid, review)
        assert "rarely" not in review, (pid, review)
        assert "possible cause" in review, (pid, review)
        assert "within that reach" in review, (pid, review)
        assert "psychiatric team" in review, (pid, review)  # never stopped without them
        assert "alternative" not in review, (pid, review)  # prolactin-sparing already


def test_above_its_reach_both_messages_say_so(tmp_path: Path) -> None:
    rows = [
        ("B1", 120, "ng/mL", "olanzapine 10 mg", ""),
        ("B2", 60, "ng/mL", "lurasidone 40 mg", ""),
        ("B3", 40, "ng/mL", "clozapine 300 mg", ""),  # no reach of its own: frequency decides
    ]
    out = _run(tmp_path, rows)
    for pid, value in (("B1", 120), ("B2", 60)):
        row = out.loc[pid]
        evidence = _factor(row, "medication:antipsychotic")["evidence"]
        assert f"result {value} ng/mL is above that" in evidence, pid
        review = _review(row)
        assert "above the usual reach of" in review and "~50 ng/mL" in review, (pid, review)
        assert "an unlikely cause of this level" in review, (pid, review)
    clozapine = out.loc["B3"]
    assert "within that" not in _factor(clozapine, "medication:antipsychotic")["evidence"]
    assert "an unlikely cause of this level" in _review(clozapine)


def test_with_other_drugs_each_keeps_its_judgement(tmp_path: Path) -> None:
    rows = [
        ("X1", 40, "ng/mL", "risperidone 2 mg; olanzapine 5 mg", ""),
        ("X2", 45, "ng/mL", "olanzapine 5 mg; quetiapine 50 mg", ""),
    ]
    out = _run(tmp_path, rows)
    review = _review(out.loc["X1"])
    assert review.startswith("risperidone can raise prolactin"), review
    assert "olanzapine can also reach this level" in review, review
    assert "olanzapine rarely" not in review, review
    review = _review(out.loc["X2"])
    assert review.startswith("olanzapine raises prolactin in few users"), review
    assert "possible cause" in review, review
    assert "quetiapine rarely raises prolactin: not the likely cause" in review, review
