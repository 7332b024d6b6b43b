"""Review 22: companion analytes read from their own rows, columns or comments (fix149).

- A macroprolactin share written as a fraction of 1 ("0.70", LOINC 48389-1 "macroprolactin/
  prolactin", "Makroprolaktin-Anteil 0,70") is 70 % macroprolactin, a 30 % PEG recovery:
  macroprolactinaemia likely (clinical-reference §0: recovery < 40 %), never 0.7 % (a recovery
  of 99.3 %, "macroprolactin already excluded"); §0b: never mix the two directions.  A share whose
  name, reference cell or LOINC code says percent keeps 0.7 %.
- A cortisol line or column is read: a low morning cortisol is a feature of adrenal insufficiency,
  urgent (§8; BNSSG 9 am cortisol < 100 nmol/L, §1.3); a total testosterone given is shown and not
  asked for again.
- A post-PEG (monomeric) prolactin in a comment in more wordings, and "predominantly
  macroprolactin" in any language, is the macroprolactin screen's answer (§2.3): routine.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

LONG = "Patient ID,Sex,DOB,Specimen ID,Collected,Code,Test name,Result,Unit,Flag,Ref range"
WIDE = "patient_id,sex,age_years,collected_at,prolactin,prolactin_unit,comments"


def _pair(pid: str, sex: str, when: str, prolactin: str, line: str) -> list[str]:
    """A prolactin line and one companion line (``line``: code,name,result,unit,flag,range) of
    the same specimen."""
    head = f"{pid},{sex},1980-01-01,S{pid},2026-11-02 {when}"
    return [f"{head},2842-3,Prolactin,{prolactin},ng/mL,H,4.8-23.3", f"{head},{line}"]


def _macro(row: pd.Series) -> bool:
    return "macroprolactinemia" in str(row["factors"])


def _reasons(row: pd.Series) -> str:
    return " | ".join(s["reason"] for s in row["suggestion_details"])


def _wide(
    tmp_path: Path, comments: dict[str, str], sex: str = "F", prl: str = "60"
) -> pd.DataFrame:
    lines = [
        f"{pid},{sex},36,2026-11-02 08:30,{prl},ng/mL,{csv_quoted(text)}"
        for pid, text in comments.items()
    ]
    return triage_lines(tmp_path, WIDE, lines)


# --- 1. a share of macroprolactin written 0-1 ----------------------------------------------------
def test_a_macroprolactin_fraction_on_its_own_line_is_a_share_of_one(tmp_path: Path) -> None:
    """0.70 macroprolactin/prolactin is a 30 % recovery: macroprolactinaemia, routine; before,
    0.7 % (recovery 99.3 %: 'already excluded', soon, MRI)."""
    lines = [
        *_pair("F1", "F", "08:30", "60", "48389-1,Macroprolactin/Prolactin,0.70,,H,<0.4"),
        *_pair("F2", "F", "08:30", "60", ',Makroprolaktin-Anteil,"0,70",,H,"< 0,40"'),
        *_pair("F3", "F", "08:30", "60", ',Fraction de macroprolactine,"0,65",,H,'),
        *_pair("F4", "F", "08:30", "60", ",Macroprolactin fraction,0.70,,H,"),
        *_pair("F5", "F", "08:30", "60", ",PEG recovery,0.30,,L,"),  # read right before too
    ]
    out = triage_lines(tmp_path, LONG, lines)
    for pid in ("F1", "F2", "F3", "F4", "F5"):
        row = out.loc[pid]
        assert _macro(row), (pid, row["factor_evidence"])
        assert row["priority"] == "routine", (pid, row["priority"])
        assert "already excluded" not in _reasons(row), pid
    assert "PEG recovery: 30%" in out.loc["F1", "factor_evidence"]
    assert "PEG recovery: 35%" in out.loc["F3", "factor_evidence"]


def test_a_small_share_whose_name_range_or_code_says_percent_stays_a_percentage(
    tmp_path: Path,
) -> None:
    """0.7 under "% Macroprolactin", beside a reference "< 40", or under LOINC 51441-4 (percent
    macroprolactin) is 0.7 %: no macroprolactinaemia, the rise stays unexplained."""
    lines = [
        *_pair("P1", "F", "08:30", "60", ",% Macroprolactin,0.7,,,"),
        *_pair("P2", "F", "08:30", "60", ",Macroprolactin fraction,0.7,,,<40"),
        *_pair("P3", "F", "08:30", "60", "51441-4,Macroprolactin,0.7,,,"),
    ]
    out = triage_lines(tmp_path, LONG, lines)
    for pid in ("P1", "P2", "P3"):
        assert not _macro(out.loc[pid]), (pid, out.loc[pid, "factor_evidence"])
        assert out.loc[pid, "priority"] == "soon", pid


def test_a_small_share_beside_percentages_of_the_same_test_is_a_percentage(
    tmp_path: Path,
) -> None:
    """As a wide column's other cells decide: 0.8 beside 35 of the same test is 0.8 %."""
    lines = [
        *_pair("Q1", "F", "08:30", "60", ",Macroprolactin fraction,0.8,,,"),
        *_pair("Q2", "F", "08:30", "60", ",Macroprolactin fraction,75,,,"),
    ]
    out = triage_lines(tmp_path, LONG, lines)
    assert not _macro(out.loc["Q1"]), out.loc["Q1", "factor_evidence"]
    assert _macro(out.loc["Q2"])  # 75 % macroprolactin: recovery 25 %


def test_a_fraction_written_in_a_comment(tmp_path: Path) -> None:
    """Notes read the fraction as the lines do; a share written with '%' or a concentration
    unit is not taken for a fraction."""
    out = _wide(
        tmp_path,
        {
            "N1": "Makroprolaktin-Anteil 0,70",
            "N2": "Fraction de macroprolactine 0,65",
            "N3": "macroprolactin fraction: 0.70",
            "N4": "PEG recovery 0.30",
            "N5": "Wiederfindung nach PEG 0,30",
            "N6": "frazione di macroprolattina 0,7",
            "X1": "Makroprolaktin-Anteil 0,7 %",
            "X2": "macroprolactin ratio 0.5 ng/mL",
            "X3": "Anteil Makroprolaktin 0,2",
        },
    )
    for pid in ("N1", "N2", "N3", "N4", "N5", "N6"):
        assert _macro(out.loc[pid]), (pid, out.loc[pid, "factor_evidence"])
        assert out.loc[pid, "priority"] == "routine", pid
    for pid in ("X1", "X2", "X3"):
        assert not _macro(out.loc[pid]), (pid, out.loc[pid, "factor_evidence"])
        assert out.loc[pid, "priority"] == "soon", pid


# --- 2. cortisol and testosterone ----------------------------------------------------------------
def test_a_low_morning_cortisol_line_is_urgent(tmp_path: Path) -> None:
    """A cortisol below 100 nmol/L (3.6 µg/dL) collected in the morning, or named a morning or
    basal one, is a feature of adrenal insufficiency: urgent.  Not in the afternoon (lower by
    nature), not a normal one, not a urine cortisol."""
    lines = [
        *_pair("C1", "M", "08:30", "150", ",Cortisol,38,nmol/L,L,166-507"),
        *_pair("C2", "M", "15:30", "150", ",Cortisol 8 Uhr,38,nmol/l,L,"),
        *_pair("C3", "M", "15:30", "150", ",Cortisol basal,1.2,µg/dL,L,"),
        *_pair("C4", "M", "09:10", "150", ",Cortisolo,45,nmol/L,L,"),
        *_pair("D1", "M", "15:30", "150", ",Cortisol,38,nmol/L,,"),
        *_pair("D2", "M", "08:30", "150", ",Cortisol,420,nmol/L,,166-507"),
        *_pair("D3", "M", "08:30", "150", ",Cortisol (24h urine),38,nmol/L,L,"),
    ]
    out = triage_lines(tmp_path, LONG, lines)
    for pid in ("C1", "C2", "C3", "C4"):
        assert out.loc[pid, "priority"] == "urgent", (pid, _reasons(out.loc[pid]))
        assert "ortisol" in _reasons(out.loc[pid]), pid
    for pid in ("D1", "D2", "D3"):
        assert out.loc[pid, "priority"] == "soon", (pid, _reasons(out.loc[pid]))


def test_a_cortisol_column_is_read(tmp_path: Path) -> None:
    header = (
        "patient_id,sex,age_years,collected_at,prolactin,prolactin_unit,"
        "Morning cortisol (nmol/L),Cortisol 8 Uhr (µg/dl)"
    )
    lines = [
        "W1,M,56,2026-11-02 08:30,150,ng/mL,38,",
        'W2,M,56,2026-11-02 08:30,150,ng/mL,,"1,2"',
        "W3,M,56,2026-11-02 08:30,150,ng/mL,420,15",
    ]
    out = triage_lines(tmp_path, header, lines)
    assert out.loc["W1", "priority"] == "urgent", _reasons(out.loc["W1"])
    assert "Morning cortisol: 38 nmol/L" in _reasons(out.loc["W1"])
    assert out.loc["W2", "priority"] == "urgent", _reasons(out.loc["W2"])
    assert out.loc["W3", "priority"] == "soon", _reasons(out.loc["W3"])


def test_a_testosterone_given_is_shown_and_not_asked_for(tmp_path: Path) -> None:
    """A man's total testosterone on its own line or column is read (low: a symptom, quoted with
    its value); a free testosterone is not the total, so the total is still asked for."""
    lines = [
        *_pair("T1", "M", "08:30", "150", ",Testosteron,2.1,nmol/L,L,8.6-29"),
        *_pair("T2", "M", "08:30", "150", ",Testosterona total,60,ng/dL,L,"),
        *_pair("T3", "M", "08:30", "150", ",Freies Testosteron,20,pmol/L,L,"),
    ]
    out = triage_lines(tmp_path, LONG, lines)
    for pid, shown in (("T1", "Testosteron: 2.1 nmol/L"), ("T2", "Testosterona total: 60")):
        row = out.loc[pid]
        assert "testosterone" not in str(row["suggestions"]).split(";"), pid
        assert shown in _reasons(row), (pid, _reasons(row))
    assert "testosterone" in str(out.loc["T3", "suggestions"]).split(";")
    header = "patient_id,sex,age_years,collected_at,prolactin,prolactin_unit,Testosteron (nmol/l)"
    (tmp_path / "w").mkdir()
    wide = triage_lines(tmp_path / "w", header, ["T4,M,56,2026-11-02 08:30,150,ng/mL,2.1"])
    assert "testosterone" not in str(wide.loc["T4", "suggestions"]).split(";")
    assert "Testosteron: 2.1 nmol/l" in _reasons(wide.loc["T4"])


# --- 3. post-PEG prolactin and the screen's answer in comments -----------------------------------
def test_a_post_peg_prolactin_in_a_comment(tmp_path: Path) -> None:
    """A post-PEG prolactin of 12 within the women's post-PEG interval (3.4-18.5, §0b) beside a
    total of 60: macroprolactinaemia, routine, no second screen asked for."""
    out = _wide(
        tmp_path,
        {
            "G1": "Makroprolaktin-Screening: PEG-Prolaktin 12,0 µg/l (Ref. 3,4-18,5)",
            "G2": "PEG-PRL 12,0 µg/l",
            "G3": "PEG prolactin 12 ng/mL",
            "G4": "Prolaktin n. PEG 12,0",
            "G5": "PEG-prolactine 12 ng/mL",
            "G6": "prolattina dopo PEG 12 ng/mL",
            "H1": "PEG-Prolaktin 45 µg/l",  # a true monomeric excess
            "H2": "PEG-Prolaktin angefordert",  # asked for, no result
        },
    )
    for pid in ("G1", "G2", "G3", "G4", "G5", "G6"):
        row = out.loc[pid]
        assert _macro(row), (pid, row["factor_evidence"])
        assert row["priority"] == "routine", pid
        assert "macroprolactin_screen" not in str(row["suggestions"]), pid
    for pid in ("H1", "H2"):
        assert not _macro(out.loc[pid]), (pid, out.loc[pid, "factor_evidence"])
        assert out.loc[pid, "priority"] == "soon", pid


def test_predominantly_macroprolactin_in_words(tmp_path: Path) -> None:
    out = _wide(
        tmp_path,
        {
            "B1": "Big-big-Prolaktin überwiegend",
            "B2": "überwiegend Big-big-Prolaktin",
            "B3": "predominantly macroprolactin",
            "B4": "macroprolactine prédominante",
            "B5": "big big prolactina predominante",
            "K1": "Big-big-Prolaktin nicht nachweisbar",
            "K2": "no big-big prolactin",
        },
    )
    for pid in ("B1", "B2", "B3", "B4", "B5"):
        assert _macro(out.loc[pid]), (pid, out.loc[pid, "factor_evidence"])
        assert out.loc[pid, "priority"] == "routine", pid
    for pid in ("K1", "K2"):
        assert not _macro(out.loc[pid]), (pid, out.loc[pid, "factor_evidence"])
