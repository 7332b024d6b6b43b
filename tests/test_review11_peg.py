"""PEG (macroprolactin) screen and unit faults found by review 11, each fixed as a class and tested
from the guideline and the contract (clinical-reference §2.3, §2.4):

1. a monomeric (post-PEG) prolactin in the other prolactin unit than the total (10 ng/mL beside
   1700 mIU/L) is converted with the row's factor, in a wide file (header or cell unit) and in a
   long one; a unit that is no prolactin unit is not used and the run says so;
2. a censored PEG recovery keeps its sign: "<40 %" is macroprolactin present, ">60 %" is a true
   (monomeric) rise, a bound inside the grey zone stays equivocal; the same for the percent
   macroprolactin (the opposite direction) and for a recovery written in a note;
3. "U/L" is the international unit of prolactin (IU/L, x1000 mIU/L), and a rejected result in a
   unit the tool does not convert is said in plain numbers (no 5.1e+06);
4. an ultrasensitive TSH header ("TSHus", "TSH3", "uTSH" ...) is the TSH column, a TSH receptor
   antibody header is not."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.columns import candidates
from triage.engine import triage_frame
from triage.io import ReadOptions, read_file
from triage.knowledge import load_knowledge
from triage.values import normalise_unit

WOMAN = "F,1990-01-01,2026-10-01"


def _read(tmp_path: Path, text: str) -> tuple[pd.DataFrame, list[str], list[str]]:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    read = read_file(path, None, ReadOptions())
    rejected = [f"{r.patient_id}:{r.reason_code}:{r.detail}" for r in read.rejected]
    return read.frame, rejected, list(read.summary.warnings)


def _triage(tmp_path: Path, text: str) -> tuple[pd.DataFrame, list[str], list[str]]:
    frame, rejected, warnings = _read(tmp_path, text)
    out = triage_frame(frame, load_knowledge("default"))
    return out.set_index("patient_id"), rejected, warnings


def _long(tmp_path: Path, *tests: tuple[str, str, str]) -> tuple[pd.Series, list[str]]:
    """The result of patient L1 of a long file of (test, result, unit) rows, and the warnings."""
    text = "Patient ID,Sex,Birth date,Collection date,Test,Result,Unit\n"
    text += "".join(f"L1,{WOMAN},{test},{result},{unit}\n" for test, result, unit in tests)
    out, _, warnings = _triage(tmp_path, text)
    return out.loc["L1"], warnings


# ------------------------------------------------------------------------------------------------
# 1. monomeric prolactin in the other unit
# A woman's total of 1700 mIU/L (~80 ng/mL): a monomeric 10 ng/mL (~212 mIU/L) is within the
# post-PEG limit (18.5 ng/mL): macroprolactinaemia, routine, no MRI; 30 ng/mL (~636 mIU/L) is
# above it: no macroprolactin explanation.
WIDE_MONOMERIC = [
    # (total header, total, monomeric header, monomeric cell)
    ("Prolactin (mIU/L)", "1700", "Post-PEG prolactin (ng/mL)", "10"),
    ("Prolactin (mIU/L)", "1700", "Post-PEG prolactin", "10 ng/mL"),
    ("Prolactin (mIU/L)", "1700", "Post-PEG prolactin", "10 µg/L"),
    ("Prolaktin (mU/l)", "1700", "Monomeres Prolaktin (µg/l)", "10"),
    ("Prolactine (mUI/L)", "1700", "Prolactine monomérique (ng/mL)", "10"),
    ("Prolactina (mUI/L)", "1700", "Prolactina monomérica", "10 ng/mL"),
    ("Prolattina (mUI/L)", "1700", "Prolattina dopo PEG", "10 ng/mL"),
    ("Prolactine (mE/L)", "1700", "Monomeer prolactine", "10 µg/L"),
    # the other way round: a total in ng/mL, the post-PEG in mIU/L (212 mIU/L ~ 10 ng/mL)
    ("Prolactin (ng/mL)", "80", "Post-PEG prolactin (mIU/L)", "212"),
    ("Prolactin (ng/mL)", "80", "Post-PEG prolactin", "212 mIU/L"),
    ("Prolactin (ng/mL)", "80", "Post-PEG prolactin", "0.212 IU/L"),
]


@pytest.mark.parametrize(("total_header", "total", "mono_header", "mono"), WIDE_MONOMERIC)
def test_monomeric_in_the_other_unit_is_converted(
    tmp_path: Path, total_header: str, total: str, mono_header: str, mono: str
) -> None:
    text = f"Patient ID,Sex,Birth date,Collection date,{total_header},{mono_header}\n"
    text += f"H1,{WOMAN},{total},{mono}\n"
    out, rejected, warnings = _triage(tmp_path, text)
    row = out.loc["H1"]
    assert not rejected
    assert "macroprolactinemia" in row["factors"]
    assert "unexplained" not in row["factors"]
    assert row["priority"] == "routine"
    assert "pituitary_mri" not in row["suggestions"]
    assert "macroprolactin_screen" not in row["suggestions"]
    assert not any("not used" in w for w in warnings)


def test_monomeric_in_the_other_unit_above_the_limit_is_no_macroprolactin(tmp_path: Path) -> None:
    """30 ng/mL monomeric beside 1700 mIU/L is a true excess (above 18.5 ng/mL): converted, not
    read as 30 mIU/L (which would be within the limit) and not dropped."""
    text = "Patient ID,Sex,Birth date,Collection date,Prolactin (mIU/L),Post-PEG prolactin\n"
    text += f"H1,{WOMAN},1700,30 ng/mL\nH2,{WOMAN},1700,30\n"
    out, _, _ = _triage(tmp_path, text)
    # 30 of ~80 ng/mL is a 37.5 % recovery: macroprolactin possible (review 15: read as a
    # recovery written as such is), beside a true excess it does not explain
    evidence = out.loc["H1", "factor_evidence"]
    assert "macroprolactinemia (likely)" not in evidence
    assert "above the post-PEG limit" in evidence and "a true rise remains" in evidence
    assert "macroprolactin_screen" not in out.loc["H1", "suggestions"]  # the screen was done
    # 30 in the total's unit (mIU/L) is ~1.4 ng/mL, a 1.8 % recovery that 30 ng/mL (37.5 %)
    # explains: a likely unit mix-up, not used for the screen (fix129; it was read as within
    # the limit, macroprolactinaemia)
    assert "macroprolactinemia" not in out.loc["H2", "factors"]
    assert "likely a unit mix-up" in out.loc["H2", "reference_note"]
    assert "macroprolactin_screen" in out.loc["H2", "suggestions"]


def test_monomeric_uses_the_rows_assay_factor(tmp_path: Path) -> None:
    """The same factor as the total: the total and its post-PEG at the same share give the same
    reading whatever unit the post-PEG is written in."""
    text = (
        "Patient ID,Sex,Birth date,Collection date,Prolactin,Unit,Post-PEG prolactin\n"
        f"A,{WOMAN},1700,mIU/L,212 mIU/L\n"
        f"B,{WOMAN},1700,mIU/L,10 ng/mL\n"
    )
    frame, _, _ = _read(tmp_path, text)
    assert frame["monomeric_prolactin_unit"].tolist()[1] == "ng/mL"
    assert pd.isna(frame["monomeric_prolactin_unit"].tolist()[0])
    out = triage_frame(frame, load_knowledge("default")).set_index("patient_id")
    assert out.loc["A", "factors"] == out.loc["B", "factors"] == "macroprolactinemia"
    assert out.loc["A", "priority"] == out.loc["B", "priority"] == "routine"


LONG_MONOMERIC = [
    ("Prolactin", "1700", "mIU/L", "Monomeric prolactin", "9", "µg/L"),
    ("Prolaktin", "1700", "mU/l", "Monomeres Prolaktin", "9", "µg/l"),
    ("Prolactine", "1700", "mUI/L", "Prolactine après PEG", "9", "ng/mL"),
    ("Prolactina", "1700", "mUI/L", "Prolactina monomérica", "9", "ng/mL"),
    ("Prolattina", "1700", "mUI/L", "Prolattina dopo PEG", "9", "ng/mL"),
    ("Prolactine", "1700", "mE/L", "Monomeer prolactine", "9", "µg/L"),
    ("Prolactin", "80", "ng/mL", "Prolactin post PEG", "190", "mIU/L"),
]


@pytest.mark.parametrize(
    ("test", "total", "unit", "mono_test", "mono", "mono_unit"), LONG_MONOMERIC
)
def test_long_monomeric_in_the_other_unit_is_converted(
    tmp_path: Path, test: str, total: str, unit: str, mono_test: str, mono: str, mono_unit: str
) -> None:
    row, warnings = _long(tmp_path, (test, total, unit), (mono_test, mono, mono_unit))
    assert "macroprolactinemia" in row["factors"]
    assert row["priority"] == "routine"
    assert "pituitary_mri" not in row["suggestions"]
    assert not any("not used" in w for w in warnings)


def test_monomeric_in_a_unit_no_prolactin_unit_is_warned_not_taken(tmp_path: Path) -> None:
    """10 pmol/L is no prolactin unit the tool converts: never read as 10 mIU/L (which would be
    within the limit), and the run says so with a count, without the value."""
    text = (
        "Patient ID,Sex,Birth date,Collection date,Prolactin (mIU/L),Post-PEG prolactin\n"
        f"H1,{WOMAN},1700,10 pmol/L\n"
    )
    out, _, warnings = _triage(tmp_path, text)
    assert "macroprolactinemia" not in out.loc["H1", "factors"]
    said = [w for w in warnings if "monomeric (post-PEG) prolactin result" in w]
    assert len(said) == 1
    assert said[0].startswith("1 ")
    assert "pmol/L" in said[0]
    assert "10 " not in said[0]


# ------------------------------------------------------------------------------------------------
# 2. censored PEG recovery
# A woman's total of 40 ng/mL (mild): a recovery below 40% is macroprolactin present, above 60%
# a true (monomeric) rise, between them equivocal (clinical-reference §2.3).
BELOW_40 = ["<40", "< 40 %", "<40%", "≤ 40", "kleiner 40", "inférieur à 40", "menor de 40",
            "minore di 40", "kleiner dan 40", "less than 40", "<10"]  # fmt: skip
ABOVE_60 = [">60", "> 60 %", "≥60", "über 60", "supérieur à 60", "mayor de 60", "maggiore di 60",
            "groter dan 60", "more than 60", ">80"]  # fmt: skip
GREY = ["<50", ">45", "<80", ">30", "50"]


def _recovery(tmp_path: Path, header: str, cells: list[str]) -> pd.DataFrame:
    text = f"Patient ID,Sex,Birth date,Collection date,Prolactin,Unit,{header}\n"
    text += "".join(f'R{i},{WOMAN},40,ng/mL,"{c}"\n' for i, c in enumerate(cells))
    out, rejected, _ = _triage(tmp_path, text)
    assert not rejected
    return out


def test_recovery_below_40_is_macroprolactin_present(tmp_path: Path) -> None:
    out = _recovery(tmp_path, "PEG recovery (%)", BELOW_40)
    for i, cell in enumerate(BELOW_40):
        row = out.loc[f"R{i}"]
        assert row["factors"] == "macroprolactinemia", cell
        assert "likely" in row["factor_evidence"], cell
        assert "below 40%: macroprolactin present" in row["factor_evidence"], cell
        assert "pituitary_mri" not in row["suggestions"], cell


def test_recovery_above_60_is_a_true_rise(tmp_path: Path) -> None:
    out = _recovery(tmp_path, "PEG recovery (%)", ABOVE_60)
    for i, cell in enumerate(ABOVE_60):
        row = out.loc[f"R{i}"]
        assert "macroprolactinemia" not in row["factors"], cell
        assert "macroprolactin_screen" not in row["suggestions"], cell
        assert "pituitary_mri" in row["suggestions"], cell


def test_a_bound_in_the_grey_zone_stays_equivocal(tmp_path: Path) -> None:
    out = _recovery(tmp_path, "PEG recovery (%)", GREY)
    for i, cell in enumerate(GREY):
        evidence = out.loc[f"R{i}", "factor_evidence"]
        assert "macroprolactinemia (possible)" in evidence, cell
        assert "equivocal" in evidence, cell


def test_plain_recoveries_unchanged(tmp_path: Path) -> None:
    out = _recovery(tmp_path, "PEG recovery (%)", ["35", "75", "40", "60"])
    assert "macroprolactinemia (likely)" in out.loc["R0", "factor_evidence"]
    assert "macroprolactinemia" not in out.loc["R1", "factors"]
    assert "equivocal" in out.loc["R2", "factor_evidence"]
    assert "equivocal" in out.loc["R3", "factor_evidence"]


@pytest.mark.parametrize(
    ("cell", "macro"),
    [(">60", True), ("> 60 %", True), ("<20", False), ("unter 20", False), ("<50", None)],
)
def test_percent_macroprolactin_bound_turns_round(tmp_path: Path, cell: str, macro: bool) -> None:
    """LOINC 51441-4 (percent macroprolactin) runs the other way: >60% macroprolactin is a
    recovery below 40% (present), <20% a recovery above 80% (true rise)."""
    out = _recovery(tmp_path, "Macroprolactin (%)", [cell])
    row = out.loc["R0"]
    if macro is True:
        assert "macroprolactinemia (likely)" in row["factor_evidence"]
    elif macro is False:
        assert "macroprolactinemia" not in row["factors"]
    else:
        assert "equivocal" in row["factor_evidence"]


@pytest.mark.parametrize(
    ("test", "cell", "macro"),
    [
        ("PEG recovery", "<40", True),
        ("Wiederfindung nach PEG", "< 40", True),
        ("Récupération PEG", "inférieur à 40", True),
        ("Recuperación tras PEG", "<40", True),
        ("Recupero dopo PEG", "<40", True),
        ("Terugwinning na PEG", "<40", True),
        ("PEG recovery", ">60", False),
        ("Wiederfindung nach PEG", "> 60", False),
        ("Récupération PEG", ">60", False),
    ],
)
def test_long_recovery_bound(tmp_path: Path, test: str, cell: str, macro: bool) -> None:
    row, _ = _long(tmp_path, ("Prolactin", "40", "ng/mL"), (test, cell, "%"))
    assert ("macroprolactinemia" in row["factors"]) is macro
    assert ("pituitary_mri" in row["suggestions"]) is not macro
    assert ("below 40%: macroprolactin present" in row["factor_evidence"]) is macro


@pytest.mark.parametrize(
    ("note", "macro"),
    [
        ("PEG recovery <40%", True),
        ("PEG-Wiederfindung < 40 %", True),
        ("PEG recovery >60%", False),
        ("PEG-Wiederfindung > 60 %", False),
    ],
)
def test_recovery_bound_in_a_note(tmp_path: Path, note: str, macro: bool) -> None:
    text = "Patient ID,Sex,Birth date,Collection date,Prolactin,Unit,Comments\n"
    text += f'N1,{WOMAN},40,ng/mL,"{note}"\n'
    out, _, _ = _triage(tmp_path, text)
    row = out.loc["N1"]
    assert ("macroprolactinemia" in row["factors"]) is macro
    assert ("below 40%: macroprolactin present" in row["factor_evidence"]) is macro


def test_recovery_bound_above_a_mild_rise(tmp_path: Path) -> None:
    """<40% of 80 ng/mL leaves up to 32 ng/mL monomeric, above the limit: macroprolactin is
    present but does not close the work-up, judged as a plain recovery of 30% is (repeat
    rested, MRI only if the excess is confirmed), never as the grey zone's 40%."""
    text = "Patient ID,Sex,Birth date,Collection date,Prolactin,Unit,PEG recovery (%)\n"
    text += f"A,{WOMAN},80,ng/mL,<40\nB,{WOMAN},80,ng/mL,30\n"
    out, _, _ = _triage(tmp_path, text)
    for pid in ("A", "B"):
        assert "macroprolactinemia (possible)" in out.loc[pid, "factor_evidence"]
        assert out.loc[pid, "priority"] == "routine"
        assert "repeat_rested_sample" in out.loc[pid, "suggestions"]
    assert "below 40%: macroprolactin present" in out.loc["A", "factor_evidence"]


# ------------------------------------------------------------------------------------------------
# 3. U/L is IU/L
@pytest.mark.parametrize("unit", ["U/L", "U/l", "u/L", "E/L", "IE/L", "IU/L", "UI/L"])
def test_units_per_litre_is_international_units(unit: str) -> None:
    info = normalise_unit(unit)
    assert info is not None
    assert (info.unit, info.factor) == ("mIU/L", 1000.0)


@pytest.mark.parametrize("unit", ["U/mL", "mmol/L", "pmol/L", "U/dL"])
def test_other_units_are_not_prolactin_units(unit: str) -> None:
    assert normalise_unit(unit) is None


def test_results_in_units_per_litre_are_triaged(tmp_path: Path) -> None:
    text = (
        "Patient ID,Sex,Birth date,Collection date,Prolactin,Unit\n"
        f'U1,{WOMAN},5.1,U/L\nU2,{WOMAN},"0,86",U/l\nU3,{WOMAN},0.3,U/L\n'
    )
    out, rejected, _ = _triage(tmp_path, text)
    assert not rejected
    assert out.loc["U1", "priority"] == "urgent"  # 5100 mIU/L, above 5000 mIU/L
    assert out.loc["U1", "prolactin_value"] == pytest.approx(5100)
    assert out.loc["U2", "status"] == "high"  # 860 mIU/L
    assert out.loc["U3", "status"] == "normal"  # 300 mIU/L


def test_unknown_unit_message_has_no_exponent(tmp_path: Path) -> None:
    text = f"Patient ID,Sex,Birth date,Collection date,Prolactin,Unit\nX1,{WOMAN},5100,U/mL\n"
    _, rejected, _ = _read(tmp_path, text)
    assert len(rejected) == 1
    assert "unknown_unit" in rejected[0]
    assert "e+" not in rejected[0]
    assert "5100000000 mIU/L" in rejected[0]


# ------------------------------------------------------------------------------------------------
# 4. ultrasensitive TSH headers
TSH_HEADERS = ["TSHus", "TSHus (mUI/L)", "TSH us", "TSH3", "TSH-3G", "uTSH", "TSHu", "usTSH",
               "hsTSH", "TSH ultra", "TSH ultrasensible", "TSH"]  # fmt: skip
NOT_TSH = ["TSH receptor antibodies", "TRAK", "TRAb", "TSH-R-Ak", "TSH-RAK",
           "TSH-Rezeptor-Antikörper", "Anticorps anti-récepteurs de la TSH",
           "anticuerpos antirreceptor de TSH", "anticorpi anti recettore TSH",
           "TSH-receptor antistoffen", "TBII", "fT4"]  # fmt: skip


@pytest.mark.parametrize("header", TSH_HEADERS)
def test_ultrasensitive_tsh_headers_are_tsh(header: str) -> None:
    found = candidates(header)
    assert found and found[0][0] == "tsh"


@pytest.mark.parametrize("header", NOT_TSH)
def test_tsh_receptor_antibodies_are_not_tsh(header: str) -> None:
    assert "tsh" not in dict(candidates(header))


@pytest.mark.parametrize("header", ["TSHus", "TSH3", "uTSH", "usTSH"])
def test_hypothyroidism_under_a_tshus_header(tmp_path: Path, header: str) -> None:
    text = f"Patient ID,Sex,Birth date,Collection date,Prolactine,Unité,{header}\n"
    text += f"T1,{WOMAN},40,ng/mL,25\n"
    out, _, _ = _triage(tmp_path, text)
    assert "hypothyroidism" in out.loc["T1", "factors"]


def test_tsh_receptor_antibody_column_is_no_tsh(tmp_path: Path) -> None:
    text = "Patient ID,Sex,Birth date,Collection date,Prolactin,Unit,TSH-R-Ak\n"
    text += f"T1,{WOMAN},40,ng/mL,25\n"
    out, _, _ = _triage(tmp_path, text)
    assert "hypothyroidism" not in out.loc["T1", "factors"]
