"""The macroprolactin (PEG) screen read the right way round (review 21).

- A monomeric (post-PEG) prolactin cannot be larger than the total it was measured in
  (clinical-reference §2.3: recovery = monomeric / total).  One above the total (beyond
  thresholds.toml peg_recovery_max_plausible_pct), or an implausibly small share of it that the
  other prolactin unit explains (25 meant in ng/mL beside 1300 mIU/L), is not used: the
  reference note names the contradiction, the screen is asked for, and no level rule (urgent,
  prolactinoma) reads it.
- "Recovery" written after the percentage ("macroprolactin: 35% recovery", "35% de
  recuperación") or alone before it ("Wiederfindung 35 %", "terugvinding 35%") is the PEG
  recovery, in notes, long-file lines and headers; a bare "macroprolactin 35%" stays the percent
  macroprolactin.
- Post-PEG intervals are assay-specific (§2.3, Beltran 2008): an assay whose set has none
  (Siemens Atellica) is judged against another assay's limit only with that said, and the
  finding is possible, not likely.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_csv, triage_lines

MONO = "patient_id,sex,age,prolactin,unit,monomeric_prolactin,comments"
NOTES = "patient_id,sex,age,prolactin,unit,comments"
LONG = "patient_id,sex,age,collected_at,test,result,unit"


def _codes(row: pd.Series) -> list[str]:
    return [d["code"] for d in row["suggestion_details"]]


def _noted(texts: list[str], prefix: str = "N") -> list[str]:
    return [f"{prefix}{n:02d},F,30,60,ng/mL,{csv_quoted(t)}" for n, t in enumerate(texts, 1)]


def _long(tmp_path: Path, lines: list[str]) -> pd.DataFrame:
    return triage_csv(tmp_path, LONG + "\n" + "\n".join(lines) + "\n").set_index("patient_id")


def _not_used(row: pd.Series, *, mixup: bool = True) -> None:
    """The monomeric prolactin was contradicted, said so, and the screen is asked for."""
    assert "Contradiction: the monomeric (post-PEG) prolactin" in row["reference_note"]
    assert ("likely a unit mix-up" in row["reference_note"]) is mixup
    assert row["priority"] != "urgent"
    factors = str(row["factors"]).split(";")
    assert not {"prolactinoma_suspected", "macroprolactinoma_suspected"} & set(factors)
    assert "macroprolactinemia" not in factors
    screen = next(d for d in row["suggestion_details"] if d["code"] == "macroprolactin_screen")
    assert "contradicts the total" in screen["reason"]


# ------------------------------------------------------------------------------------------------
# 1. A monomeric prolactin that contradicts the total
# ------------------------------------------------------------------------------------------------
def test_a_monomeric_prolactin_above_the_total_is_not_used(tmp_path: Path) -> None:
    """280 ng/mL "monomeric" beside a total of 45 ng/mL had made the row urgent with a suspected
    prolactinoma (600: a macroprolactinoma): read in mIU/L it is 13.2 ng/mL, a 29% recovery."""
    out = triage_lines(
        tmp_path,
        MONO,
        [
            "A1,F,30,45,ng/mL,280,",
            "A2,F,30,45,ng/mL,600,",
            "A3,M,40,40,ng/mL,300,",
            "A4,F,30,45,ng/mL,,post-PEG prolactin 280 ng/mL",
            "A5,F,30,45,ng/mL,,Prolaktin nach PEG: 600 ng/ml",
            # controls: within the total, or a little above it (measurement scatter)
            "C1,F,30,60,ng/mL,12,",
            "C2,F,30,60,ng/mL,66,",
            "C3,F,30,45,ng/mL,,post-PEG prolactin <1 ng/mL",
        ],
    )
    for pid in ("A1", "A2", "A3", "A4", "A5"):
        _not_used(out.loc[pid])
    assert "is above the total 45 ng/mL" in out.loc["A1", "reference_note"]
    assert "the same number in mIU/L is 13.21 ng/mL" in out.loc["A1", "reference_note"]
    assert out.loc["A1", "priority"] == "routine"  # a mild total, judged as one
    assert "macroprolactinemia (likely)" in out.loc["C1", "factor_evidence"]
    assert "Contradiction" not in out.loc["C2", "reference_note"]
    assert "macroprolactin_screen" not in _codes(out.loc["C2"])  # 110%: used, a true rise
    assert "macroprolactinemia (likely)" in out.loc["C3", "factor_evidence"]


def test_a_tiny_recovery_a_unit_mix_up_explains_is_not_used(tmp_path: Path) -> None:
    """25 beside 1300 mIU/L read in mIU/L is 1.2 ng/mL, a 1.9% recovery (macroprolactinaemia
    likely, routine, no imaging); meant in ng/mL it is 41%.  A number with its own unit is
    converted and used, and a small share of a large total with a normal monomeric level is
    macroprolactinaemia (clinical-reference §2.3: totals up to 404 ng/mL)."""
    out = triage_lines(
        tmp_path,
        MONO,
        [
            "B1,F,30,1300,mIU/L,25,",
            "B2,F,30,2000,mIU/L,30,",
            "B3,M,40,900,mIU/L,12,",
            # controls: a plausible share in the row's unit; the number with its unit; a
            # normal monomeric level under a large total (250 mIU/L of 6360: 3.9%)
            "D1,F,30,1300,mIU/L,350,",
            "D2,F,30,1300,mIU/L,25 ng/mL,",
            "D3,F,30,1300,mIU/L,,monomeric prolactin 25 ng/mL",
            "D4,F,30,6360,mIU/L,250,",
            "D5,F,30,6360,mIU/L,,post-PEG prolactin 250 mIU/L",
        ],
    )
    for pid in ("B1", "B2", "B3"):
        _not_used(out.loc[pid])
    note = out.loc["B1", "reference_note"]
    assert "25 mIU/L (1.18 ng/mL) is 1.92% of the total 1300 mIU/L" in note
    assert "the same number in ng/mL is 25 ng/mL, a recovery of 40.77%" in note
    assert "macroprolactinemia (likely)" in out.loc["D1", "factor_evidence"]
    for pid in ("D2", "D3", "D4", "D5"):
        assert "Contradiction" not in out.loc[pid, "reference_note"]
        assert "macroprolactinemia" in out.loc[pid, "factors"]  # D2, D3 41%: equivocal
    for pid in ("D4", "D5"):
        assert "macroprolactinemia (likely)" in out.loc[pid, "factor_evidence"]
        assert out.loc[pid, "priority"] != "urgent"


def test_long_file_post_peg_lines_that_contradict_the_total(tmp_path: Path) -> None:
    out = _long(
        tmp_path,
        [
            "LA,F,30,2026-11-01,Prolactin,45,ng/mL",
            "LA,F,30,2026-11-01,Post-PEG prolactin,280,",
            "LB,F,30,2026-11-01,Prolactin,1300,mIU/L",
            "LB,F,30,2026-11-01,Monomeric prolactin,25,",
            "LC,F,30,2026-11-01,Prolactin,45,ng/mL",
            "LC,F,30,2026-11-01,Post-PEG prolactin,12,",
        ],
    )
    _not_used(out.loc["LA"])
    _not_used(out.loc["LB"])
    assert "macroprolactinemia (likely)" in out.loc["LC", "factor_evidence"]


# ------------------------------------------------------------------------------------------------
# 2. The recovery word after the percentage, or alone
# ------------------------------------------------------------------------------------------------
def _recovery_35(row: pd.Series) -> None:
    assert "PEG recovery: 35% (below 40%: macroprolactin present)" in row["factor_evidence"]
    assert "macroprolactin_screen" not in _codes(row)


def test_a_recovery_word_after_the_percentage_is_the_recovery(tmp_path: Path) -> None:
    """Read as 35% MACROprolactin (recovery 65%: excluded, soon with MRI) before."""
    texts = [
        "macroprolactin: 35% recovery",
        "macroprolactina: 35% de recuperación",
        "macroprolactina 35% recuperación post-PEG",
        "Makroprolaktin-Screening: 35 % Wiederfindung",
        "macroprolactine : 35 % de récupération",
        "macroprolattina: 35% recupero",
        "macroprolactine: 35% terugvinding",
        "Macroprolactin screen - 35% recovered after PEG",
        "macroprolactin 35% (recovery)",
    ]
    controls = ["macroprolactin 35%", "Makroprolaktin-Anteil 70 %"]
    out = triage_lines(tmp_path, NOTES, _noted(texts) + _noted(controls, "K"))
    for n in range(1, len(texts) + 1):
        _recovery_35(out.loc[f"N{n:02d}"])
    # a percentage beside a macroprolactin word alone is the percent macroprolactin, as before
    assert "macroprolactinemia" not in str(out.loc["K01", "factors"])
    assert "PEG recovery: 30%" in out.loc["K02", "factor_evidence"]


def test_a_recovery_word_alone_before_the_percentage(tmp_path: Path) -> None:
    """Not read at all before: the screen was asked for again."""
    texts = [
        "Wiederfindung 35 %",
        "Wiederfindung nach PEG 35%",
        "récupération 35 %",
        "taux de récupération 35%",
        "recupero 35%",
        "recuperación 35%",
        "terugvinding 35%",
        "screen: recovery 35%",
    ]
    # no PEG recovery: a dilution's or a spike's recovery, a patient recovering, out of range
    negatives = [
        "dilution recovery 98%",
        "Verdünnungs-Wiederfindung 98 %",
        "98% recovery after dilution",
        "recovering from flu, SpO2 98%",
        "135% recovery",
    ]
    out = triage_lines(tmp_path, NOTES, _noted(texts) + _noted(negatives, "G"))
    for n in range(1, len(texts) + 1):
        _recovery_35(out.loc[f"N{n:02d}"])
    for n in range(1, len(negatives) + 1):
        row = out.loc[f"G{n:02d}"]
        assert "PEG recovery" not in row["factor_evidence"], row["factor_evidence"]
        assert "macroprolactin_screen" in _codes(row)


def test_long_lines_with_the_recovery_word_after_the_percentage(tmp_path: Path) -> None:
    lines = []
    cases = {
        "R1": ("Macroprolactin", "35% recovery", ""),
        "R2": ("Macroprolactin screen", "35", "% recovery"),
        "R3": ("Macroprolactine", "35 % de récupération", ""),
        "R4": ("Macroprolactin", "35", "% Wiederfindung"),
        "R5": ("Terugvinding", "35", "%"),
        "R6": ("Macroprolactin", "35", "%"),  # the percent macroprolactin, as before
    }
    for pid, (test, result, unit) in cases.items():
        lines.append(f"{pid},F,30,2026-11-01,Prolactin,60,ng/mL")
        lines.append(f"{pid},F,30,2026-11-01,{test},{result},{unit}")
    out = _long(tmp_path, lines)
    for pid in ("R1", "R2", "R3", "R4", "R5"):
        _recovery_35(out.loc[pid])
    assert "macroprolactinemia" not in str(out.loc["R6", "factors"])


def test_dutch_recovery_headers_are_the_recovery(tmp_path: Path) -> None:
    """ "Macroprolactine (% terugwinning)" had been read as the percent macroprolactin."""
    text = (
        "patient_id,sex,age,prolactin,unit,Macroprolactine (% terugwinning)\n"
        "H1,F,30,60,ng/mL,35\nH2,F,30,60,ng/mL,80\n"
    )
    out = triage_csv(tmp_path, text).set_index("patient_id")
    _recovery_35(out.loc["H1"])
    assert "macroprolactinemia" not in str(out.loc["H2", "factors"])


# ------------------------------------------------------------------------------------------------
# 3. Another assay's post-PEG limit, said so
# ------------------------------------------------------------------------------------------------
def test_an_assay_without_post_peg_limits_borrows_them_openly(tmp_path: Path) -> None:
    """12 ng/mL monomeric in a man on Atellica was "within the post-PEG limit 13.1" (Roche's)
    and macroprolactinaemia likely, routine, nothing more; Centaur's own limit is 9.2.
    Review 25: within a borrowed limit the monomeric level is indeterminate."""
    out = triage_lines(
        tmp_path,
        "patient_id,sex,age,prolactin,unit,assay,monomeric_prolactin,macroprolactin_recovery_pct",
        [
            "S1,M,40,40,ng/mL,Siemens Atellica,12,",
            "S2,F,30,1000,mIU/L,Atellica,340,",
            "S3,F,30,60,ng/mL,Atellica IM,,30",
            "S4,M,40,40,ng/mL,Centaur,12,",
            "S5,M,40,40,ng/mL,Roche cobas,12,",
            "S6,M,40,40,ng/mL,,12,",
        ],
    )
    # review 25: a monomeric prolactin within a borrowed limit is indeterminate: no
    # macroprolactinaemia from it (S1, S2), only from a recovery below 40% (S3, possible), and
    # the priority is the total's (S1, 40 ng/mL in a man: soon; S2 and S3 were routine)
    for pid in ("S1", "S2", "S3"):
        evidence = out.loc[pid, "factor_evidence"]
        assert ("macroprolactinemia (possible)" in evidence) is (pid == "S3"), evidence
        assert "of another assay (Roche Elecsys / cobas Prolactin II; none known for " in evidence
        assert "ask the lab for its post-PEG interval" in evidence
        assert "indeterminate" in evidence
    assert out.loc["S1", "priority"] == "soon"
    assert "within the post-PEG limit 13.1 of another assay" in out.loc["S1", "factor_evidence"]
    s1 = {d["code"]: d["reason"] for d in out.loc["S1", "suggestion_details"]}
    assert "ask the lab for its post-PEG interval" in s1["macroprolactin_screen"]
    assert "may be a mild true excess" in s1["repeat_rested_sample"]
    assert "only if the monomeric excess is confirmed" in s1["pituitary_mri"]
    assert "above the post-PEG limit 9.2" in out.loc["S4", "factor_evidence"]  # its own
    for pid in ("S4", "S5", "S6"):
        assert "another assay" not in out.loc[pid, "factor_evidence"]
    assert "macroprolactinemia (likely)" in out.loc["S5", "factor_evidence"]
    assert "macroprolactinemia (likely)" in out.loc["S6", "factor_evidence"]
