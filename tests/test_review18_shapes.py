"""Review 18: shapes of real exports and coded columns.  Synthetic patients only.

- Research forms' yes/no columns with codebook codes (REDCap, SPSS: "0/1/9", "1=yes, 2=no,
  9=unknown"): an unknown code (9, 99, 8) is never a yes; a header that states its codes is
  read by them (output contract §2: yes/no fields accept 1/0 and the common words; a code that
  says "unknown" says nothing).
- A macroprolactin (PEG) screen written as "PEG" alone, with a verdict in words, in a column, a
  comment or a long file's line: done and negative, it is evidence and the screen is not asked
  for again; positive, macroprolactinaemia is likely (clinical reference §2.3, §1.2).
- A CKD column ("ckd_yn", "CKD (j/n)", "IRC (o/n)", "KDIGO", "stade IRC") holding 1-5 or G3a-G5 is
  the CKD stage, never an eGFR of 3-5 mL/min: stage 4-5 a likely cause (eGFR below 30), an
  earlier stage a possible one (clinical reference §8: contributor when eGFR < 30;
  thresholds.toml ckd_stage_likely_min), with the stage said.
- A column of lone numbers meant as the lab's limit: read as the upper (lower) limit where the
  header names one ("ULN", "Obergrenze", "Oberer Grenzwert", "Norme sup", "Ref <"), or where
  the column's other rows write that number as an upper limit ("4.8-23.3" beside "23.3", "< 25"
  beside "25"); under a header that only says "reference range" it stays ambiguous and is said
  (clinical reference §2.2: prefer the lab's interval; output contract §5: never a false normal).
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


# ------------------------------------------------------------------------------------------------
# A PEG screen written as "PEG" alone
# ------------------------------------------------------------------------------------------------
# 45 ng/mL in a woman of 40, no symptoms: below the 250 ng/mL of the screen rule, so a
# macroprolactin screen is asked for unless one is known (clinical reference §1.2, §6)
PEG_NEGATIVE = [
    "PEG: negative",
    "PEG neg",
    "PEG-Fällung unauffällig",
    "précipitation PEG normale",
    "precipitación con PEG negativa",
    "PEG-test negatief",
    "macroprolactin absent",
    "Makroprolaktin: normal",
    "macroprolattina nella norma",
]
PEG_POSITIVE = [
    "PEG positiv",
    "PEG: pos",
    "macroprolactin present",
    "précipitation au PEG positive",
]
# other PEGs and a range: no screen result
PEG_OTHER = [
    "PEG tube in situ, normal",
    "PEG normal range 40-60%",
    "PEG-Sonde unauffällig",
    "on peginterferon, negative",
]


def test_a_peg_verdict_in_the_comments(tmp_path: Path) -> None:
    cells = PEG_NEGATIVE + PEG_POSITIVE + PEG_OTHER
    lines = [f"C{k},F,40,45,ng/mL,{csv_quoted(c)}" for k, c in enumerate(cells)]
    frame, _ = _run(tmp_path, f"{HEAD},comments", lines)
    for k, cell in enumerate(cells):
        pid = f"C{k}"
        factors, suggestions = _factors(frame, pid), _suggestions(frame, pid)
        if cell in PEG_NEGATIVE:
            assert "macroprolactin_screen" not in suggestions, cell
            assert "macroprolactinemia" not in factors, cell
            details = str(frame.loc[pid, "suggestion_details"])
            assert "macroprolactin screen negative" in details, cell
        elif cell in PEG_POSITIVE:
            assert factors[0] == "macroprolactinemia", cell
        else:
            assert "macroprolactin_screen" in suggestions, cell
            assert "macroprolactinemia" not in factors, cell


def test_a_peg_column_of_words(tmp_path: Path) -> None:
    for k, column in enumerate(["PEG", "PEG-Fällung", "Précipitation PEG"]):
        folder = tmp_path / str(k)
        folder.mkdir()
        lines = [
            "N1,F,40,45,ng/mL,negativ",
            "N2,F,40,45,ng/mL,unauffällig",
            "N3,F,40,45,ng/mL,normale",
            "P1,F,40,45,ng/mL,positive",
        ]
        frame, warnings = _run(folder, f"{HEAD},{csv_quoted(column)}", lines)
        for pid in ("N1", "N2", "N3"):
            assert "macroprolactin_screen" not in _suggestions(frame, pid), (column, pid)
            assert "macroprolactinemia" not in _factors(frame, pid), (column, pid)
        assert _factors(frame, "P1")[0] == "macroprolactinemia", column
        assert any("macroprolactin (PEG) screen" in w for w in warnings), column


def test_a_bare_peg_line_of_a_long_file(tmp_path: Path) -> None:
    # "PEG" alone names no test when its result is a number without a unit (recovery or percent
    # macroprolactin?); with a verdict in words it is the screen
    text = "\n".join(
        [
            "patient_id,sex,age_years,collected_at,test,result,unit",
            "L1,F,40,2026-03-01,Prolactin,45,ng/mL",
            "L1,F,40,2026-03-01,PEG,negativ,",
            "L2,F,40,2026-03-01,Prolactin,45,ng/mL",
            "L2,F,40,2026-03-01,PEG,positive,",
            "L3,F,40,2026-03-01,Prolactin,45,ng/mL",
            "L3,F,40,2026-03-01,PEG,85,",
            "L4,F,40,2026-03-01,Prolactin,45,ng/mL",
            "L4,F,40,2026-03-01,PEG,85,%",
        ]
    )
    frame, _ = triage_csv_warned(tmp_path, text + "\n")
    assert "macroprolactin_screen" not in _suggestions(frame, "L1")
    assert _factors(frame, "L2")[0] == "macroprolactinemia"
    assert "macroprolactin_screen" in _suggestions(frame, "L3")  # not used: unchanged
    assert "macroprolactin_screen" not in _suggestions(frame, "L4")  # 85 % recovery: monomeric
    assert "macroprolactinemia" not in _factors(frame, "L4")


# ------------------------------------------------------------------------------------------------
# CKD stage columns
# ------------------------------------------------------------------------------------------------
def _renal(frame: pd.DataFrame, pid: str) -> str:
    """The renal_impairment line of the row's evidence ('' when none)."""
    lines = str(frame.loc[pid, "factor_evidence"]).split(" | ")
    return next((line for line in lines if line.startswith("renal_impairment")), "")


def test_a_yes_no_ckd_column_holding_stages(tmp_path: Path) -> None:
    for k, column in enumerate(["ckd_yn", "CKD (j/n)", "IRC (o/n)"]):
        folder = tmp_path / str(k)
        folder.mkdir()
        lines = [f"S{c},F,40,45,ng/mL,{c}" for c in ("3", "4", "5", "0", "1")]
        frame, _ = _run(folder, f"{HEAD},{csv_quoted(column)}", lines)
        for pid in ("S4", "S5"):
            evidence = _renal(frame, pid)
            assert evidence.startswith("renal_impairment (likely)"), (column, evidence)
            assert f"stage {pid[1]}" in evidence, (column, evidence)
            assert "mL/min" not in evidence, (column, evidence)  # never an eGFR of 4 or 5
        evidence = _renal(frame, "S3")
        assert evidence.startswith("renal_impairment (possible)"), (column, evidence)
        assert "stage 3" in evidence, (column, evidence)
        assert "mL/min" not in evidence, (column, evidence)
        # "1" beside stages is stage 1 (an eGFR of 90 or more: no factor), not a yes of no
        # stage (a possible cause)
        assert _renal(frame, "S1") == "", column
        assert "renal_impairment" not in _factors(frame, "S0"), column


def test_a_kdigo_stage_column(tmp_path: Path) -> None:
    for k, column in enumerate(["KDIGO", "stade IRC", "GFR-Kategorie"]):
        folder = tmp_path / str(k)
        folder.mkdir()
        cells = {"G3": "G3a", "G4": "G4", "G5": "G5", "D5": "5D", "G2": "G2"}
        lines = [f"{pid},M,60,45,ng/mL,{cell}" for pid, cell in cells.items()]
        frame, _ = _run(folder, f"{HEAD},{csv_quoted(column)}", lines)
        assert "stage 3" in _renal(frame, "G3"), column
        assert _renal(frame, "G3").startswith("renal_impairment (possible)"), column
        for pid in ("G4", "G5"):
            assert _renal(frame, pid).startswith("renal_impairment (likely)"), (column, pid)
        # "5D": KDIGO's stage 5 on dialysis (review 24, fix175): the dialysis factor
        assert "dialysis" in _factors(frame, "D5"), column
        # stage 2: an eGFR of 60 or more by definition, no factor (ckd_stage_possible_min)
        assert _renal(frame, "G2") == "", column


def test_a_zero_one_ckd_column_is_still_a_yes_no(tmp_path: Path) -> None:
    lines = ["Y,F,40,45,ng/mL,1", "N,F,40,45,ng/mL,0", "J,F,40,45,ng/mL,ja"]
    frame, _ = _run(tmp_path, f"{HEAD},CKD", lines)
    for pid in ("Y", "J"):  # a yes without a stage: a possible cause, the eGFR asked for
        assert _renal(frame, pid).startswith("renal_impairment (possible)"), pid
        assert "check_renal_function" in _suggestions(frame, pid)
    assert "renal_impairment" not in _factors(frame, "N")


# ------------------------------------------------------------------------------------------------
# Lone numbers as the lab's limits
# ------------------------------------------------------------------------------------------------
# 26 ng/mL in a woman: above a lab's upper limit of 25, within the default set's 3-30 (a false
# normal when the lab's limit is dropped); 28 within a limit of 29.2
UPPER_HEADERS = [
    "ULN",
    "Oberer Grenzwert",
    "Obere Referenzgrenze",
    "Norm. ober",
    "Norme sup",
    "Límite superior",
    "Bovengrens",
    "Ref <",
    "Normal (<)",
]


def test_a_column_that_names_the_upper_limit(tmp_path: Path) -> None:
    for k, column in enumerate(UPPER_HEADERS):
        folder = tmp_path / str(k)
        folder.mkdir()
        lines = ["H1,F,30,26,ng/mL,25", "H2,F,30,26,ng/mL,25", 'N1,F,30,28,ng/mL,"29,2"']
        frame, _ = _run(folder, f"{HEAD},{csv_quoted(column)}", lines)
        assert frame.loc["H1", "status"] == "high", column
        assert frame.loc["H1", "reference_source"] == "row", column
        assert frame.loc["H1", "reference_high_ng_ml"] == 25, column
        assert frame.loc["N1", "status"] == "normal", column
        assert frame.loc["N1", "reference_high_ng_ml"] == 29.2, column


def test_a_column_that_names_the_lower_limit(tmp_path: Path) -> None:
    header = f"{HEAD},Unterer Grenzwert,Oberer Grenzwert"
    lines = ["L1,F,30,3,ng/mL,4,25", "L2,F,30,3,ng/mL,4,25", "L3,F,30,12,ng/mL,5,25"]
    frame, _ = _run(tmp_path, header, lines)
    assert frame.loc["L1", "status"] == "low"
    assert frame.loc["L1", "reference_low_ng_ml"] == 4
    assert frame.loc["L3", "status"] == "normal"


def test_a_lone_number_beside_the_labs_intervals(tmp_path: Path) -> None:
    # "VR" (valeurs de référence) writes 4.8-23.3 on some rows and 23.3 alone on others; a
    # "Referenzbereich" writes "< 25" and "bis 25" beside 25: the lone number is that upper
    # limit, in the result's unit (mIU/L beside 102-496)
    frame, warnings = _run(
        tmp_path,
        f"{HEAD},VR",
        [
            "V1,F,30,26,ng/mL,4.8-23.3",
            "V2,F,30,26,ng/mL,23.3",
            "V3,F,30,22,ng/mL,23.3",
            "M1,F,30,520,mIU/L,102-496",
            "M2,F,30,520,mIU/L,496",
        ],
    )
    for pid in ("V2", "M2"):
        assert frame.loc[pid, "status"] == "high", pid
        assert frame.loc[pid, "reference_source"] == "row", pid
    assert frame.loc["V2", "reference_high_ng_ml"] == 23.3
    assert frame.loc["V3", "status"] == "normal"
    assert any("read as the lab's upper limit" in w for w in warnings)
    folder = tmp_path / "de"
    folder.mkdir()
    lines = ['R1,F,30,26,ng/mL,"< 25"', "R2,F,30,26,ng/mL,bis 25", "R3,F,30,26,ng/mL,25"]
    frame, _ = _run(folder, f"{HEAD},Referenzbereich", lines)
    assert frame.loc["R3", "status"] == "high"
    assert frame.loc["R3", "reference_high_ng_ml"] == 25


def test_a_lone_number_under_a_reference_range_header_is_ambiguous(tmp_path: Path) -> None:
    # nothing says whether 25 is an upper or a lower limit: never a normal within the set's
    # interval that may be above the lab's, and said
    lines = ["A1,F,30,26,ng/mL,25", "A2,F,30,26,ng/mL,25"]
    frame, warnings = _run(tmp_path, f"{HEAD},Referenzbereich", lines)
    assert (frame["status"] == "indeterminate").all()
    assert any("'25'" in w for w in warnings)
    folder = tmp_path / "ref"
    folder.mkdir()
    lines = ["B1,F,30,26,ng/mL,25", "B2,F,30,26,ng/mL,25", 'B3,F,30,28,ng/mL,"29,2"']
    frame, warnings = _run(folder, f"{HEAD},Ref", lines)
    assert any("lone numbers (e.g. '25')" in w for w in warnings), warnings
    # a lower limit written beside it ("> 3") or the number as a lower one: not an upper limit
    folder = tmp_path / "low"
    folder.mkdir()
    lines = ["C1,F,30,26,ng/mL,4.8-23.3", "C2,F,30,26,ng/mL,4.8", "C3,F,30,26,ng/mL,23.3"]
    frame, _ = _run(folder, f"{HEAD},VR", lines)
    assert frame.loc["C2", "reference_high_ng_ml"] != 4.8
    assert frame.loc["C2", "status"] != "high" or frame.loc["C2", "reference_source"] != "row"
