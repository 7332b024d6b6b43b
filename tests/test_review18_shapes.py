"""Review 18: shapes of real exports and coded columns.  Synthetic patients only.

- Research forms' yes/no columns with codebook codes (REDCap, SPSS: "0/1/9", "1=yes, 2=no,
  9=unknown"): an unknown code (9, 99, 8) is never a yes; a header that states its codes is
  read by them (output contract §2: yes/no fields accept 1/0 and the common words; a code that
  says "unknown" says nothing).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_csv_warned

HEAD = "patient_id,sex,age_years,prolactin,prolactin_unit"


def _run(tmp_path: Path, header: str, lines: list[str]) -> tuple[pd.DataFrame, list[str]]:
    return triage_csv_warned(tmp_path, header + "\n" + "\n".join(lines) + "\n")


def _factors(frame: pd.DataFrame, pid: str) -> list[str]:
    return str(frame.loc[pid, "factors"]).split(";")


def _suggestions(frame: pd.DataFrame, pid: str) -> list[str]:
    return str(frame.loc[pid, "suggestions"]).split(";")


# ------------------------------------------------------------------------------------------------
# Yes/no columns with codebook codes
# ------------------------------------------------------------------------------------------------
def test_unknown_codes_of_a_form_are_never_a_yes(tmp_path: Path) -> None:
    # a REDCap-style export: 0 = no, 1 = yes, 9 / 99 / 8 = unknown or not asked.  A head
    # injury or a pituitary adenoma read from a "9" had blamed a cause no one recorded.
    header = f"{HEAD},head_trauma,pituitary_adenoma,Sehstörung"
    lines = [
        "Y1,F,30,45,ng/mL,1,1,1",
        "N1,F,30,45,ng/mL,0,0,0",
        "U9,F,30,45,ng/mL,9,9,9",
        "U99,F,30,45,ng/mL,99,99,99",
        "U8,F,30,45,ng/mL,8,8,8",
        "N2,F,30,45,ng/mL,0,0,0",
    ]
    frame, _ = _run(tmp_path, header, lines)
    yes = _factors(frame, "Y1")
    assert "head_trauma" in yes and "known_pituitary_lesion" in yes
    assert frame.loc["Y1", "priority"] == "urgent"  # a visual disturbance is a red flag
    for pid in ("N1", "U9", "U99", "U8"):
        factors = _factors(frame, pid)
        assert "head_trauma" not in factors, pid
        assert "known_pituitary_lesion" not in factors, pid
        assert frame.loc[pid, "priority"] != "urgent", pid


def test_a_header_codebook_reads_its_codes_and_its_unknown(tmp_path: Path) -> None:
    # "1=yes, 2=no, 9=unknown" in the header (English, German, French codebooks): a 2 is a no,
    # the stated unknown code is not given (a pregnancy test is still asked for) and is not
    # reported as unreadable
    cases = [
        ("pregnant (1=yes, 2=no, 9=unknown)", "1", "2", "9"),
        ("schwanger (1=ja, 0=nein, 9=unbekannt)", "1", "0", "9"),
        ("enceinte (0=non, 1=oui, 8=inconnu)", "1", "0", "8"),
    ]
    for k, (column, yes, no, unknown) in enumerate(cases):
        folder = tmp_path / str(k)
        folder.mkdir()
        lines = [f"P{code},F,30,45,ng/mL,{code}" for code in (yes, no, unknown)]
        frame, warnings = _run(folder, f"{HEAD},{csv_quoted(column)}", lines)
        assert "pregnancy" in _factors(frame, f"P{yes}"), column
        assert frame.loc[f"P{yes}", "reference_source"] == "physiological", column
        assert "pregnancy" not in _factors(frame, f"P{no}"), column
        assert "pregnancy_test" not in _suggestions(frame, f"P{no}"), column
        assert "pregnancy" not in _factors(frame, f"P{unknown}"), column
        assert "pregnancy_test" in _suggestions(frame, f"P{unknown}"), column
        assert not any("could not be read" in w for w in warnings), (column, warnings)


def test_a_zero_one_nine_column_of_a_finding_reads_its_yes(tmp_path: Path) -> None:
    # with its unknown codes the column is still a yes/no column: the yes is the header's
    # finding (it had been read as text, "0" and "9" as a lesion or nothing at all)
    header = f"{HEAD},cirrhosis,hypothyroidism"
    lines = [
        "C1,F,30,45,ng/mL,1,0",
        "C0,F,30,45,ng/mL,0,1",
        "C9,F,30,45,ng/mL,9,9",
    ]
    frame, _ = _run(tmp_path, header, lines)
    assert "liver_cirrhosis" in _factors(frame, "C1")
    assert "hypothyroidism" in _factors(frame, "C0")
    assert "liver_cirrhosis" not in _factors(frame, "C0")
    assert not {"liver_cirrhosis", "hypothyroidism"} & set(_factors(frame, "C9"))
