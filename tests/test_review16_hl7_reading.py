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
@pytest.mark.parametrize(
    ("charset", "note"),
    [
        ("UNICODE", "Gesichtsfeldeinschr\\X00E4\\nkung"),  # UCS-2 code units
        ("UNICODE UTF-16", "Gesichtsfeldeinschr\\X00E4\\nkung"),
        ("", "Gesichtsfeldeinschr\\X00E4\\nkung"),  # no MSH-18: the NUL byte tells
        ("UNICODE UTF-8", "Gesichtsfeldeinschr\\XC3A4\\nkung"),
        ("8859/1", "Gesichtsfeldeinschr\\XE4\\nkung"),
        ("UNICODE", "baisse de l'acuit\\X00E9\\ visuelle"),
        ("UNICODE", "p\\X00E9\\rdida de visi\\X00F3\\n"),
    ],
)
def test_a_hex_escaped_visual_disturbance_beside_a_raised_prolactin_is_urgent(
    tmp_path: Path, charset: str, note: str
) -> None:
    text = _msg(
        "C2",
        PID.format(pid="V1", sex="F"),
        OBR.format(n=1),
        f"NTE|1||{note}",
        "OBX|1|NM|2842-3^Prolactin^LN||90|ng/mL|4.8-23.3|H|||F",
        charset=charset,
    )
    assert "\x00" not in _comments(tmp_path, text)
    assert _results(_run(tmp_path, text)).loc["V1", "priority"] == "urgent"


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
