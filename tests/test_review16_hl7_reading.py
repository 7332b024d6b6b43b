"""Review 16: HL7 v2 reading of numbers, escapes and repeated results; the lab's flag.

1. An NM result in mIU/L written "4.750" with the lab's HH flag and the row's interval 102-496
   was read as 4.75 mIU/L (0.22 ng/mL) and called low: mIU/L is reported in whole numbers
   (clinical-reference §2.4), as the table readers already read such a text cell.  And a result
   the lab flagged high that the tool finds low (or flagged low that it finds high) is never
   silently low or high: indeterminate, as one flagged high and found normal already was
   (docs/output-contract-extensions.md, "The lab's own flag"; output-contract: no false normal).
2. A hex escape written in UTF-16 code units ("\\X00E4\\", MSH-18 UNICODE) left a NUL in the
   note ("Gesichtsfeldeinschr\\x00änkung"): the visual disturbance was not read beside a raised
   prolactin (urgent, output-contract §7).
3. Two different final results of one sample (same patient, specimen, collection and test) in
   one file were both triaged without a word: a correction sent as F instead of C.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_lines

from triage.io import ReadOptions, read_file
from triage.pipeline import TriageOutcome, TriageRequest, run_triage

PID = "PID|1||{pid}^^^HOSP^MR||SYN^TEST||19900101|{sex}"
OBR = "OBR|1|A{n}|S{n}|PRL^Prolactin|||20260301083000"


def _msg(control: str, *segments: str, charset: str = "") -> str:
    head = f"MSH|^~\\&|LIS|LAB|EHR|HOSP|20260301090000||ORU^R01|{control}|P|2.5"
    if charset:
        head += "||||||" + charset
    return "\r".join([head, *segments]) + "\r"


def _run(tmp_path: Path, text: str, name: str = "in.hl7") -> TriageOutcome:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def _comments(tmp_path: Path, text: str) -> str:
    """The comments the reader gives the file's one result (its notes and flag)."""
    path = tmp_path / "read.hl7"
    path.write_text(text, encoding="utf-8")
    (comments,) = read_file(path, None, ReadOptions()).frame["comments"].tolist()
    return str(comments)


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def _warnings(outcome: TriageOutcome) -> str:
    return " | ".join(w for summary in outcome.inputs for w in summary.warnings)


# ------------------------------------------------------------------------------------------------
# 2. Hex escapes by MSH-18; no control character left in a text
# ------------------------------------------------------------------------------------------------
HEX_NOTES = [
    ("UNICODE", "Gesichtsfeldeinschr\\X00E4\\nkung"),  # UCS-2 code units
    ("UNICODE UTF-16", "Gesichtsfeldeinschr\\X00E4\\nkung"),
    ("", "Gesichtsfeldeinschr\\X00E4\\nkung"),  # no MSH-18: the NUL byte tells
    ("UNICODE UTF-8", "Gesichtsfeldeinschr\\XC3A4\\nkung"),
    ("8859/1", "Gesichtsfeldeinschr\\XE4\\nkung"),
    ("UNICODE", "baisse de l'acuit\\X00E9\\ visuelle"),
    ("UNICODE", "p\\X00E9\\rdida de visi\\X00F3\\n"),
]


def test_a_hex_escaped_visual_disturbance_beside_a_raised_prolactin_is_urgent(
    tmp_path: Path,
) -> None:
    """Each message its own MSH-18 (one file, one run): the note is read whole, no NUL in it,
    and the visual disturbance with 90 ng/mL is urgent (output-contract §7)."""
    messages = [
        _msg(
            f"C{k}",
            PID.format(pid=f"V{k}", sex="F"),
            OBR.format(n=k),
            f"NTE|1||{note}",
            "OBX|1|NM|2842-3^Prolactin^LN||90|ng/mL|4.8-23.3|H|||F",
            charset=charset,
        )
        for k, (charset, note) in enumerate(HEX_NOTES)
    ]
    path = tmp_path / "read.hl7"
    path.write_text("".join(messages), encoding="utf-8")
    comments = read_file(path, None, ReadOptions()).frame["comments"].astype(str).tolist()
    assert len(comments) == len(HEX_NOTES)
    assert not [c for c in comments if "\x00" in c]
    assert "Gesichtsfeldeinschränkung" in comments[0]
    results = _results(_run(tmp_path, "".join(messages)))
    priorities = {k: results.loc[f"V{k}", "priority"] for k in range(len(HEX_NOTES))}
    assert priorities == dict.fromkeys(range(len(HEX_NOTES)), "urgent")


def test_control_characters_never_reach_a_text(tmp_path: Path) -> None:
    """A stray NUL, tab or form feed in a field (escaped or as written) is no character of the
    text: a word broken by it is read whole, a break is a space."""
    text = _msg(
        "C3",
        PID.format(pid="V2", sex="F"),
        OBR.format(n=2),
        "NTE|1||visual\\X0C\\loss; on risperi\x00done",
        "OBX|1|NM|2842-3^Prolactin^LN||60|ng/mL|4.8-23.3|H|||F",
    )
    comments = _comments(tmp_path, text)
    assert not any(ord(ch) < ord(" ") for ch in comments)
    assert "visual loss" in comments and "risperidone" in comments
    assert _results(_run(tmp_path, text)).loc["V2", "priority"] == "urgent"


# ------------------------------------------------------------------------------------------------
# 1. A typed mIU/L number written with a thousands point; the lab's flag against the result
# ------------------------------------------------------------------------------------------------
def _obx(value: str, unit: str, interval: str, flag: str, kind: str = "NM") -> str:
    return f"OBX|1|{kind}|15081-3^Prolactin^LN||{value}|{unit}|{interval}|{flag}|||F"


@pytest.mark.parametrize(
    ("value", "unit", "interval", "flag", "ng_ml"),
    [
        ("4.750", "mIU/L", "102-496", "HH", 224.1),
        ("1.850", "mU/l", "102-496", "H", 87.26),
        ("3.200", "µIU/mL", "86-324", "HH", 150.9),
        ("2.400", "mIU/L", "", "", 113.2),  # no flag, no interval: mIU/L is still whole
    ],
)
def test_an_nm_result_in_miu_written_with_a_thousands_point_is_a_whole_number(
    tmp_path: Path, value: str, unit: str, interval: str, flag: str, ng_ml: float
) -> None:
    """clinical-reference §2.4: mIU/L is reported in whole numbers; read as 4.75 mIU/L the
    result was a low 0.22 ng/mL though the lab flagged it HH.  Read as the same text cell of a
    table is (1850 in a CSV), said in a warning."""
    text = _msg(
        "C1", PID.format(pid="M1", sex="F"), OBR.format(n=1), _obx(value, unit, interval, flag)
    )
    outcome = _run(tmp_path, text)
    row = _results(outcome).loc["M1"]
    assert row["prolactin_ng_ml"] == pytest.approx(ng_ml, abs=0.1)
    assert row["status"] == "high"
    assert row["priority"] in {"soon", "urgent"}
    assert "grouping thousands" in _warnings(outcome)


def test_a_typed_miu_result_either_side_of_the_urgent_level_stays_ambiguous(
    tmp_path: Path,
) -> None:
    """5.300 mIU/L is 5.3 or 5300 (above the urgent level): not triaged on a guess, as before."""
    text = _msg(
        "C1", PID.format(pid="M2", sex="F"), OBR.format(n=1), _obx("5.300", "mIU/L", "", "HH")
    )
    outcome = _run(tmp_path, text)
    assert [r.reason_code for r in outcome.rejected] == ["ambiguous_decimal_mark"]
    assert outcome.rejected[0].possibly_urgent


def test_typed_decimals_of_the_miu_results_and_iu_per_litre_keep_the_decimal_point(
    tmp_path: Path,
) -> None:
    """Where the file's mIU/L NM values show '.' as their decimal mark ("350.5"), "4.750" is not
    regrouped; flagged H and found low it is then indeterminate, never a silent low.  IU/L
    writes decimals ("1.250" IU/L = 1250 mIU/L), never a thousands group."""
    text = _msg(
        "C1",
        PID.format(pid="M3", sex="F"),
        OBR.format(n=1),
        _obx("4.750", "mIU/L", "102-496", "H"),
        PID.format(pid="M4", sex="F"),
        OBR.format(n=2),
        _obx("350.5", "mIU/L", "102-496", "N"),
        PID.format(pid="M5", sex="F"),
        OBR.format(n=3),
        _obx("1.250", "IU/L", "", "H"),
    )
    results = _results(_run(tmp_path, text))
    assert results.loc["M3", "prolactin_value"] == pytest.approx(4.75)
    assert results.loc["M3", "status"] == "indeterminate"
    assert results.loc["M3", "priority"] != "none"
    assert results.loc["M4", "status"] == "normal"
    assert results.loc["M5", "prolactin_ng_ml"] == pytest.approx(58.96, abs=0.1)
    assert results.loc["M5", "status"] == "high"


@pytest.mark.parametrize(
    ("value", "flag", "priority"),
    [
        ("2.5", "H", "routine"),  # flagged high, found low: may be high
        ("2.5", "HH", "routine"),
        ("150", "L", "soon"),  # flagged low, found high: a high result's priority kept
        ("300", "LL", "urgent"),
    ],
)
def test_an_hl7_flag_that_contradicts_the_result_makes_it_indeterminate(
    tmp_path: Path, value: str, flag: str, priority: str
) -> None:
    text = _msg(
        "C1",
        PID.format(pid="F1", sex="F"),
        OBR.format(n=1),
        f"OBX|1|NM|2842-3^Prolactin^LN||{value}|ng/mL|4.8-23.3|{flag}|||F",
    )
    row = _results(_run(tmp_path, text)).loc["F1"]
    assert row["status"] == "indeterminate"
    assert row["interpretation"] in ("", None) or pd.isna(row["interpretation"])
    assert row["priority"] == priority
    assert "flag and the number say opposite things" in row["reference_note"]
    assert str(row["comment"]).startswith("Flagged")


def test_a_flag_column_that_contradicts_the_result_in_six_languages(tmp_path: Path) -> None:
    """A csv's flag column, in words of six languages: flagged high and found low (or the
    reverse) is indeterminate; a flag that agrees, or none, changes nothing."""
    high_words = ["H", "erhöht", "élevé", "alto", "elevato", "verhoogd"]
    lines = [f"H{k},F,40,2.5,ng/mL,{word}" for k, word in enumerate(high_words)]
    lines += ["L1,F,40,150,ng/mL,erniedrigt", "L2,F,40,150,ng/mL,bas"]
    lines += ["N1,F,40,2.5,ng/mL,L", "N2,F,40,150,ng/mL,H", "N3,F,40,2.5,ng/mL,"]
    results = triage_lines(tmp_path, "Patient ID,Sex,Age,Prolactin,Unit,Flag", lines)
    for k in range(len(high_words)):
        assert results.loc[f"H{k}", "status"] == "indeterminate", high_words[k]
        assert results.loc[f"H{k}", "priority"] == "routine"
    for patient in ("L1", "L2"):
        assert results.loc[patient, "status"] == "indeterminate"
        assert results.loc[patient, "priority"] == "soon"
    assert results.loc["N1", "status"] == "low" and results.loc["N1", "priority"] == "none"
    assert results.loc["N2", "status"] == "high"
    assert results.loc["N3", "status"] == "low"


# ------------------------------------------------------------------------------------------------
# 3. Two different final results of one sample in one file
# ------------------------------------------------------------------------------------------------
def _prl(value: str, unit: str = "ng/mL", flag: str = "H", status: str = "F") -> str:
    code = "15081-3" if unit == "mIU/L" else "2842-3"
    return f"OBX|1|NM|{code}^Prolactin^LN||{value}|{unit}|4.8-23.3|{flag}|||{status}"


def test_a_correction_sent_as_final_supersedes_the_earlier_result_and_says_so(
    tmp_path: Path,
) -> None:
    """CTRL2 sends 300 ng/mL HH (F), CTRL2R 30 ng/mL (F) for the same specimen: both were
    triaged without a word.  The later is taken as the correction (as an OBX-11 C is), the
    earlier is listed as superseded (never lost), with a warning naming both messages; being
    possibly urgent, the superseded one is listed with the urgent results (the later one may be
    the error)."""
    person, order = PID.format(pid="D1", sex="F"), OBR.format(n=1)
    text = _msg("CTRL2", person, order, _prl("300", flag="HH")) + _msg(
        "CTRL2R", person, order, _prl("30")
    )
    outcome = _run(tmp_path, text)
    results = outcome.results
    assert results is not None
    assert results["prolactin_ng_ml"].tolist() == [30.0]
    (old,) = outcome.rejected
    assert old.reason_code == "cancelled_result" and old.patient_id == "D1"
    assert "CTRL2R" in old.detail and "segment 8" in old.detail
    assert old.possibly_urgent
    assert any("D1" in line for line in outcome.urgent)
    warning = _warnings(outcome)
    assert "two different final results" in warning
    assert "CTRL2R" in warning and "CTRL2)" in warning and "300 ng/mL" in warning


@pytest.mark.parametrize(
    ("first", "second", "order"),
    [
        (_prl("30"), _prl("30.0"), OBR.format(n=1)),  # the same value, written otherwise
        (_prl("30"), _prl("636", "mIU/L"), OBR.format(n=1)),  # the same result in mIU/L
        (_prl("300"), _prl("30"), "OBR|1|||PRL^Prolactin|||20260301"),  # no specimen, no time
    ],
    ids=["same value", "other unit", "unnamed sample"],
)
def test_results_that_are_no_conflicting_correction_are_both_triaged(
    tmp_path: Path, first: str, second: str, order: str
) -> None:
    person = PID.format(pid="D2", sex="F")
    outcome = _run(tmp_path, _msg("M1", person, order, first) + _msg("M2", person, order, second))
    assert "two different final results" not in _warnings(outcome)
    if "mIU/L" in second:  # review 18: the same result in the other unit is triaged once
        assert outcome.results is not None and len(outcome.results) == 1
        assert [r.reason_code for r in outcome.rejected] == ["same_result_other_unit"]
        return
    assert outcome.results is not None and len(outcome.results) == 2
    assert not outcome.rejected


def test_an_explicit_correction_is_read_as_before(tmp_path: Path) -> None:
    person, order = PID.format(pid="D3", sex="F"), OBR.format(n=1)
    text = _msg("A", person, order, _prl("300")) + _msg("B", person, order, _prl("30", status="C"))
    outcome = _run(tmp_path, text)
    (old,) = outcome.rejected
    assert "corrected (OBX-11 C)" in old.detail and not old.possibly_urgent
    assert "two different final results" not in _warnings(outcome)
