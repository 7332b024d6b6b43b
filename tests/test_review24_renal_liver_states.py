"""Review 24 (hunt C, nephrology and hepatology units; hunt E, UK GP problem lists): renal and
liver states in free text.

Clinical-reference §4 and §8: dialysis and advanced CKD (eGFR < 30) and cirrhosis contribute to
a raised prolactin; a working kidney graft means "expect normalisation", and a liver transplant
replaced the cirrhosis it was done for.  A state that is over (ended, stopped, past, resolved,
inactive) is no current cause: reading it as one takes away the macroprolactin screen and the
renal check.  A state that is current is not taken away by a negation of another word before it.

- A dialysis a kidney transplant ended, the transplant written as a participle or shortened
  ("trapiantato di rene dopo 5 anni di emodialisi", "TxR", "NTPL", "greffé rénal"), or written
  before it with "vorher" / "in precedenza": no dialysis now.
- The KDIGO "D" suffix ("CKD 5D", "G5D", "ERC estadio 5D"): dialysis, no eGFR asked for.
- A negation of another word before a preposition or a bracket ("keine Restdiurese unter
  Hämodialyse", "eGFR nicht berechenbar (Dialyse)"), or a graded cirrhosis after a denied sign
  ("no encephalopathy, cirrhosis Child C"): the dialysis or cirrhosis stands.
- A liver transplant shortened or as a participle ("Z.n. LTx", "TH", "trapiantato di fegato",
  "levergetransplanteerd"): the cirrhosis it replaced is history.
- A stop written as a participle before the noun ("sospesa emodialisi", "gestoppte Hämodialyse"):
  ended.
- Kidney disease or dialysis on a problem list as past, inactive, resolved or ended ("H/O: chronic
  kidney disease stage 5", "CKD stage 5 (Resolved 02-Mar-2021)", "Past Problems: ... 2015-2018"):
  no current cause.

Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.pipeline import TriageOutcome, TriageRequest, run_triage

HEADER = "ID|Sex|Age|Prolactin (ng/mL)|Notes"


def _run(tmp_path: Path, notes: list[str], value: float = 40) -> pd.DataFrame:
    lines = [HEADER, *(f"P{i}|M|60|{value}|{note}" for i, note in enumerate(notes))]
    path = tmp_path / "notes.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcome: TriageOutcome = run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True)
    )
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def _rows(results: pd.DataFrame, notes: list[str]) -> list[tuple[str, str, str]]:
    return [
        (note, str(results.loc[f"P{i}", "factors"]), str(results.loc[f"P{i}", "suggestions"]))
        for i, note in enumerate(notes)
    ]


def _assert_unexplained_with_renal_check(results: pd.DataFrame, notes: list[str]) -> None:
    for note, factors, suggestions in _rows(results, notes):
        assert "dialysis" not in factors.split(";"), note
        assert "renal_impairment" not in factors.split(";"), note
        assert "macroprolactin_screen" in suggestions, note
        assert "check_renal_function" in suggestions, note


# --------------------------------------------------------- 2: a transplant ended the dialysis ---
TRANSPLANT_ENDED = [
    "trapiantato di rene nel 2019 dopo 5 anni di emodialisi",
    "TxR 2019 dopo 5 anni di emodialisi",
    "trasplantado renal en 2019 tras 5 años de hemodiálisis",
    "NTPL 2019 nach 5 Jahren Dialyse",
    "greffé rénal en 2019 après 5 ans d'hémodialyse",
    "trapiantato di rene, in precedenza emodialisi",
    "NTX-Empfänger seit 2019, vorher 5 Jahre Hämodialyse",
    "trapiantata di rene da donatore vivente dopo 3 anni di dialisi peritoneale",
    "getransplanteerd (nier) na 3 jaar hemodialyse",
    "greffée rénale en 2017, auparavant hémodialyse",
]


def test_a_dialysis_a_kidney_transplant_ended_is_no_current_dialysis(tmp_path: Path) -> None:
    """Clinical-reference §4 (kidney transplant: PRL falls back toward normal), §8 (transplant →
    expect normalisation): the transplant written as a participle, an adjective or shortened,
    or the dialysis written as before it, in five languages: no dialysis factor, the screen and
    the renal check kept."""
    results = _run(tmp_path, TRANSPLANT_ENDED)
    _assert_unexplained_with_renal_check(results, TRANSPLANT_ENDED)


# -------------------------------------------------------------- 6: a stop before the noun ---
STOPPED_BEFORE = [
    "sospesa emodialisi dopo trapianto renale",
    "suspendida la hemodiálisis tras el trasplante",
    "interrotta la dialisi peritoneale dopo trapianto",
    "gestoppte Hämodialyse nach NTx",
    "sospesa la dialisi peritoneale",
    "beendete Peritonealdialyse",
    "terminata l'emodialisi",
    "interrumpida la hemodiálisis",
    "gestopte hemodialyse",
]


def test_a_dialysis_stopped_with_the_participle_before_it_is_ended(tmp_path: Path) -> None:
    """Clinical-reference §4, §8: an ended dialysis is no current contributor; the Italian,
    Spanish, German and Dutch participle before the noun says so as the English "stopped"."""
    results = _run(tmp_path, STOPPED_BEFORE)
    _assert_unexplained_with_renal_check(results, STOPPED_BEFORE)


CURRENT_DIALYSIS = [
    "ESRD on haemodialysis",
    "in emodialisi trisettimanale",
    "hemodiálisis 3x/semana desde 2019",
    "Hämodialyse Mo/Mi/Fr",
    "CKD 5 on haemodialysis",
    "HD 3x/week, previously PD",
]


def test_a_current_dialysis_stays_dialysis(tmp_path: Path) -> None:
    """Clinical-reference §4 (dialysis row), §8: the dialysis written as current is still the
    likely cause (the new past and stop words reach no current dialysis)."""
    results = _run(tmp_path, CURRENT_DIALYSIS)
    for note, factors, _ in _rows(results, CURRENT_DIALYSIS):
        assert "dialysis" in factors.split(";"), note


# ------------------------------------------------------------------------- 3: KDIGO "5D" ---
FIVE_D = [
    "CKD 5D",
    "ERC estadio 5D",
    "G5D",
    "CKD G5D",
    "CKD-Stadium G5D",
    "IRC stadio 5D",
    "MRC G5D",
    "KDIGO G5D A3",
    "chronic kidney disease stage 5D",
    "Niereninsuffizienz Stadium 5D",
]


def test_the_kdigo_d_suffix_is_dialysis(tmp_path: Path) -> None:
    """KDIGO stage 5D is stage 5 on dialysis: clinical-reference §4 (dialysis row, up to ~195
    ng/mL) rather than the CKD row; 170 ng/mL is within it, and no eGFR is asked of a patient on
    dialysis."""
    results = _run(tmp_path, FIVE_D, value=170)
    for note, factors, suggestions in _rows(results, FIVE_D):
        assert "dialysis" in factors.split(";"), note
        assert "renal_impairment" not in factors.split(";"), note
        assert "check_renal_function" not in suggestions, note


def test_a_5d_stage_in_the_kidney_disease_column_is_dialysis(tmp_path: Path) -> None:
    """The same stage alone in a kidney-disease column ("5D", "G5D")."""
    path = tmp_path / "ckd.csv"
    path.write_text(
        "ID;Sex;Age;Prolactin (ng/mL);CKD\nK1;M;60;170;5D\nK2;M;60;170;G5D\n", encoding="utf-8"
    )
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert outcome.results is not None
    results = outcome.results.set_index("patient_id")
    for key in ("K1", "K2"):
        assert "dialysis" in str(results.loc[key, "factors"]).split(";"), key


# ------------------------------------------------------------------ 4: a negation's reach ---
NEGATION_ELSEWHERE = [
    "eGFR nicht berechenbar (Dialyse)",
    "keine Restdiurese unter Hämodialyse",
    "sin diuresis residual en hemodiálisis",
    "Kreatinin nicht verwertbar bei Dialyse",
    "geen restdiurese bij hemodialyse",
    "non calcolabile (emodialisi)",
    "no valorable (hemodiálisis)",
    "pas de diurèse résiduelle, hémodialysée",
    "nessuna diuresi residua, emodializzata",
]


def test_a_negation_of_another_word_does_not_cancel_the_dialysis(tmp_path: Path) -> None:
    """Clinical-reference §8 (dialysis a contributor): the negation belongs to the residual
    urine or to the value that could not be calculated, not to the dialysis after a preposition,
    a bracket or a comma."""
    results = _run(tmp_path, NEGATION_ELSEWHERE)
    for note, factors, suggestions in _rows(results, NEGATION_ELSEWHERE):
        assert "dialysis" in factors.split(";"), note
        assert "check_renal_function" not in suggestions, note


GRADED_CIRRHOSIS = [
    "no encephalopathy, cirrhosis Child C",
    "sin ascitis, cirrosis Child B",
    "kein Aszites, Leberzirrhose Child B",
]


def test_a_graded_cirrhosis_after_a_denied_sign_is_cirrhosis(tmp_path: Path) -> None:
    """Clinical-reference §8 (cirrhosis a contributor): a Child-Pugh class makes the item a
    statement of its own, not an item of the denied list."""
    results = _run(tmp_path, GRADED_CIRRHOSIS)
    for note, factors, _ in _rows(results, GRADED_CIRRHOSIS):
        assert "liver_cirrhosis" in factors.split(";"), note


NEGATED_STILL = [
    "not on dialysis",
    "no longer on dialysis",
    "nicht mehr unter Dialyse",
    "not yet on dialysis",
    "pas en dialyse",
    "non in dialisi",
    "niet in dialyse",
    "geen nierinsufficiëntie en dialyse",
    "keine Dialyse",
]


def test_a_negation_of_the_dialysis_itself_still_negates_it(tmp_path: Path) -> None:
    """The barrier stops only another word's negation: "not on dialysis", "nicht mehr unter
    Dialyse", the Dutch "en" ("and") keep theirs."""
    results = _run(tmp_path, NEGATED_STILL)
    for note, factors, _ in _rows(results, NEGATED_STILL):
        assert "dialysis" not in factors.split(";"), note


# -------------------------------------------------------------- 5: a liver transplant ---
LIVER_GRAFT = [
    "Z.n. LTx 2018 bei äthyltoxischer Leberzirrhose",
    "trapiantato di fegato nel 2015 per cirrosi HCV-correlata",
    "TH en 2016 por cirrosis enólica",
    "levergetransplanteerd wegens cirrose",
    "LTX wg. PSC-Zirrhose",
    "trapiantata di fegato per cirrosi biliare",
    "receptor de TH por cirrosis VHC",
    "TxH 2019, cirrosis previa",
]


def test_the_cirrhosis_a_liver_transplant_replaced_is_history(tmp_path: Path) -> None:
    """The cirrhosis the graft replaced is no current cause (states.toml liver_transplant; by
    analogy with clinical-reference §4 kidney transplant): every common way of writing it."""
    results = _run(tmp_path, LIVER_GRAFT)
    for note, factors, suggestions in _rows(results, LIVER_GRAFT):
        assert "liver_cirrhosis" not in factors.split(";"), note
        assert "check_liver_function" in suggestions, note


@pytest.mark.parametrize(
    "note", ["LuTx 2018, Leberzirrhose", "TH12 Fraktur, Leberzirrhose", "Leberzirrhose, TH 12"]
)
def test_a_lung_graft_or_a_vertebra_is_no_liver_transplant(tmp_path: Path, note: str) -> None:
    """A lung graft ("LuTx") or a thoracic vertebra ("TH 12"): the cirrhosis stays."""
    results = _run(tmp_path, [note])
    assert "liver_cirrhosis" in str(results.loc["P0", "factors"]).split(";")


# ---------------------------------------------- hunt E: a past, inactive, resolved problem ---
PAST_KIDNEY = [
    "H/O: chronic kidney disease stage 5",
    "CKD stage 5 (Resolved 02-Mar-2021)",
    "Inactive problems: Chronic kidney disease stage 4",
    "Past Problems: End stage renal failure (Haemodialysis) 2015-2018",
    "Past: Chronic kidney disease stage 5 - resolved after transplant",
    "Chronic kidney disease stage 4 - Ended 12-Jan-2020",
    "Z.n. Dialyse 2015–2018",
    "antécédent d'IRC stade 5",
    "pregressa dialisi",
    "Haemodialysis 2015-2018",
    "CKD 4 - Inactive",
]


def test_a_kidney_problem_marked_past_inactive_or_resolved_is_no_current_cause(
    tmp_path: Path,
) -> None:
    """Clinical-reference §8 (CKD contributor: eGFR < 30 or dialysis, now): a problem list's past,
    inactive, resolved or ended kidney disease or dialysis is no current cause; with no eGFR the
    screen and the renal check are kept."""
    results = _run(tmp_path, PAST_KIDNEY)
    _assert_unexplained_with_renal_check(results, PAST_KIDNEY)


def test_the_uk_gp_export_reads_the_past_problems(tmp_path: Path) -> None:
    """The hunter's export (a 'Problems' column read as comments, mU/L): every past kidney
    problem is no cause; the row is soon with the screen, as the "H/O: haemodialysis" one was."""
    path = tmp_path / "gp.csv"
    path.write_text(
        "NHS Number,Sex,Age,Date,Prolactin (mU/L),Problems\n"
        + "".join(
            f'94347659{20 + i},F,45y,14-Nov-2026,1234,"{note}"\n'
            for i, note in enumerate(PAST_KIDNEY[:5])
        ),
        encoding="utf-8",
    )
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert outcome.results is not None
    assert len(outcome.results) == len(PAST_KIDNEY[:5])
    for _, row in outcome.results.iterrows():
        assert row["factors"] == "unexplained", row["comment"]
        assert row["priority"] == "soon", row["comment"]
        assert "macroprolactin_screen" in row["suggestions"], row["comment"]


CURRENT_KIDNEY = [
    "Chronic kidney disease stage 4",
    "CKD 4 since 2019",
    "PMH: CKD stage 4",
    "Active problems: CKD stage 4",
]


def test_a_current_kidney_problem_stays_a_cause(tmp_path: Path) -> None:
    """The same problem written as current is still renal impairment (stage 4: eGFR below 30 by
    definition, clinical-reference §8)."""
    results = _run(tmp_path, CURRENT_KIDNEY)
    for note, factors, _ in _rows(results, CURRENT_KIDNEY):
        assert "renal_impairment" in factors.split(";"), note
