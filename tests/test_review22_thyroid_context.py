"""Review 22: the thyroid context (TSH and free T4) judged by the right interval and read in the
words and names labs use.

Clinical-reference §8: hypothyroidism is a contributor when the "TSH [is] above the RI" (the
lab's own reference interval); §5 and §8 Urgent: hypopituitarism, of which central
hypothyroidism (a low free T4 with a TSH that is not raised) is one, is a mass-effect red flag.
Found by a clinical biochemist and a paediatric endocrinologist:

- central hypothyroidism in its usual phrasings ("TSH inappropriately normal with low FT4",
  "low FT4, TSH not raised", "FT4 niedrig, TSH inadäquat niedrig-normal", "T4L basse avec TSH
  inappropriée", "laag FT4, TSH normaal") came out soon and unexplained, not urgent;
- the lab's own TSH and free T4 intervals were never read: TSH 5.6 against the lab's 0.35-4.94
  with a free T4 of 10.5 within the lab's 9.0-19.0 was called overt hypothyroidism (fixed 4.2
  and 12), and a TSH of 3.9 above the lab's 3.5 was not flagged;
- a child's TSH was graded against the adult limit 4.2 (TSH runs higher after birth and in
  infancy): a 2-day-old's TSH 14 was told "treat";
- a TSH written in a note under a lab's name ("TSH basal 7,9", "TSHus 11,2 mUI/L",
  "Thyreotropin", "tirotropina") was not read, and the TSH was asked for though given.

Synthetic patients only; in process (run_triage).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_csv, triage_lines

URGENT = "urgent_endocrine_referral"
NOTES = "patient_id,sex,age,prolactin_ng_ml,egfr,medications,Clinical details"


def _codes(row: pd.Series) -> list[str]:
    return [c for c in str(row["suggestions"] or "").split(";") if c]


def _thyroid(row: pd.Series) -> dict[str, str] | None:
    return next((f for f in row["factor_details"] if f["code"] == "hypothyroidism"), None)


def _note_rows(tmp_path: Path, notes: list[str]) -> pd.DataFrame:
    """A man of 50, prolactin 48 ng/mL, eGFR 85, no medications, each note in its own row."""
    lines = [f"N{i:02d},M,50,48,85,none,{csv_quoted(n)}" for i, n in enumerate(notes)]
    return triage_lines(tmp_path, NOTES, lines)


def test_central_hypothyroidism_in_its_usual_phrasings_is_urgent(tmp_path: Path) -> None:
    notes = [
        "TSH inappropriately normal with low FT4",
        "low free T4, TSH low",
        "low FT4, TSH not raised",
        "FT4 niedrig, TSH inadäquat niedrig-normal",
        "TSH supprimiert, fT4 deutlich erniedrigt",
        "T4L basse avec TSH inappropriée",
        "TSH basse et T4L diminuée",
        "T4 libre baja con TSH inapropiadamente normal",
        "FT4 bassa con TSH inappropriatamente normale",
        "laag FT4, TSH normaal",
        "TSH nicht erhöht, FT4 niedrig",
        "T4L basse, TSH non élevée",
        # already read so before: still
        "low FT4, TSH normal",
        "low free T4 with inappropriately normal TSH",
    ]
    df = _note_rows(tmp_path, notes)
    for i, note in enumerate(notes):
        row = df.loc[f"N{i:02d}"]
        codes = _codes(row)
        assert row["priority"] == "urgent", (note, row["priority"], codes)
        assert URGENT in codes and "pituitary_function_tests" in codes, (note, codes)
        assert "macroprolactin_screen" not in codes, note
        reason = next(s["reason"] for s in row["suggestion_details"] if s["code"] == URGENT)
        assert "central hypothyroidism" in reason, (note, reason)


def test_a_tsh_that_is_raised_or_no_low_free_t4_is_not_central(tmp_path: Path) -> None:
    notes = [
        "FT4 normal, TSH low",  # no low free T4
        "TSH not raised",
        "low FT4, TSH raised",  # primary hypothyroidism
        "FT4 basse, TSH élevée",
        "TSH inappropriately high with low FT4",
        "low FT4; TSH normal range 0.4-4.0",  # a reference range, no result
        "low mood, lower back pain",
    ]
    df = _note_rows(tmp_path, notes)
    for i, note in enumerate(notes):
        row = df.loc[f"N{i:02d}"]
        assert row["priority"] != "urgent", (note, _codes(row))
        assert URGENT not in _codes(row), note
    # a low TSH said in words is no cause, and the TSH is not "not given"
    low = df.loc["N00"]
    assert _thyroid(low) is None
    assert "not given: TSH" not in str(low["factor_details"])
    assert "TSH reported low" in str(low["factor_details"])
    # a raised one with a low free T4 stays primary hypothyroidism
    for pid in ("N02", "N03", "N04"):
        assert _thyroid(df.loc[pid]) is not None, (pid, df.loc[pid]["factor_details"])
    # a reference range is no TSH result: the TSH is still asked for
    assert "no TSH given" in str(df.loc["N05"]["suggestion_details"])


def test_the_labs_tsh_and_free_t4_intervals_in_columns_judge_them(tmp_path: Path) -> None:
    header = "Patient ID,Sex,Age,Prolactin,Unit,eGFR,TSH,TSH ref,FT4 (pmol/L),FT4 ref,Medications"
    df = triage_lines(
        tmp_path,
        header,
        [
            # TSH above the lab's 4.94, free T4 within its 9.0-19.0: subclinical at most
            "B1,F,45,62,ng/mL,90,5.6,0.35-4.94,10.5,9.0-19.0,none",
            # TSH within the lab's interval: no thyroid cause
            "B2,F,45,62,ng/mL,90,1.6,0.35-4.94,14,9.0-19.0,none",
            # the lab's interval in the TSH cell: 5.1 within 0.4-6.0
            'B3,F,45,62,ng/mL,90,"5,1 (0,4-6,0)",,14,,none',
            # TSH 3.9 above the lab's 3.5 (the fixed 4.2 missed it)
            "B4,F,45,62,ng/mL,90,3.9,0.3-3.5,14,,none",
            # an old man's TSH within his lab's 0.5-7.1: no "treat"
            "B5,M,85,48,ng/mL,85,5.6,0.5-7.1,14,,none",
            # without an interval the adult limits judge as before: overt
            "B6,F,45,62,ng/mL,90,5.6,,10.5,,none",
        ],
    )
    b1 = _thyroid(df.loc["B1"])
    assert b1 is not None and b1["strength"] == "possible", b1
    assert "above 4.94 (the lab's interval)" in b1["evidence"], b1
    assert "overt" not in b1["evidence"], b1
    assert df.loc["B1"]["priority"] == "soon"
    assert "macroprolactin_screen" in _codes(df.loc["B1"])
    for pid in ("B2", "B3", "B5"):
        assert _thyroid(df.loc[pid]) is None, (pid, df.loc[pid]["factor_details"])
        assert "treat" not in str(df.loc[pid]["factor_details"]), pid
    b4 = _thyroid(df.loc["B4"])
    assert b4 is not None and "above 3.5 (the lab's interval)" in b4["evidence"], b4
    b6 = _thyroid(df.loc["B6"])
    assert b6 is not None and "overt primary hypothyroidism" in b6["evidence"], b6


def test_the_labs_intervals_on_the_lines_of_a_long_export(tmp_path: Path) -> None:
    head = "Patient ID;Geschlecht;Geburtsdatum;Abnahmedatum;Test;Ergebnis;Einheit;Referenzbereich"
    day = "02.11.2026"
    lines = [
        f"A1;W;12.03.1981;{day};Prolaktin;62;ng/ml;4,8-23,3",
        f"A1;W;12.03.1981;{day};TSH basal;5,6;mU/l;0,35-4,94",
        f"A1;W;12.03.1981;{day};fT4;10,5;pmol/l;9,0-19,0",
        f"A2;W;12.03.1981;{day};Prolaktin;62;ng/ml;4,8-23,3",
        f"A2;W;12.03.1981;{day};TSH;5,1 (0,4-6,0);mU/l;",
        f"A3;M;12.03.1941;{day};Prolaktin;48;ng/ml;4,0-15,2",
        f"A3;M;12.03.1941;{day};TSH;5,6;mU/l;0,5-7,1",
        # a free T4 in ng/dL with its interval in ng/dL: both converted, still overt
        f"A4;W;12.03.1981;{day};Prolaktin;62;ng/ml;4,8-23,3",
        f"A4;W;12.03.1981;{day};TSH;9,8;mU/l;0,27-4,2",
        f"A4;W;12.03.1981;{day};FT4;0,55;ng/dl;0,93-1,7",
        f"A5;W;12.03.1981;{day};Prolaktin;62;ng/ml;4,8-23,3",
        f"A5;W;12.03.1981;{day};TSH;3,9;mU/l;0,3-3,5",
    ]
    df = triage_csv(tmp_path, "\n".join([head, *lines]) + "\n").set_index("patient_id")
    a1 = _thyroid(df.loc["A1"])
    assert a1 is not None and a1["strength"] == "possible", a1
    assert "4.94 (the lab's interval)" in a1["evidence"] and "overt" not in a1["evidence"]
    assert _thyroid(df.loc["A2"]) is None
    assert _thyroid(df.loc["A3"]) is None
    a4 = _thyroid(df.loc["A4"])
    assert a4 is not None and "overt primary hypothyroidism" in a4["evidence"], a4
    assert "11.97 (the lab's interval)" in a4["evidence"], a4
    a5 = _thyroid(df.loc["A5"])
    assert a5 is not None and "above 3.5 (the lab's interval)" in a5["evidence"], a5


def test_a_childs_tsh_is_not_graded_by_the_adult_limit(tmp_path: Path) -> None:
    df = triage_lines(
        tmp_path,
        "patient_id,sex,age,prolactin,unit,tsh,free_t4,TSH ref",
        [
            "I1,M,2 days,560,ng/mL,14,,",
            "I2,F,2 months,150,ng/mL,6.5,,",
            "I3,M,3 years,25,ng/mL,4.8,,",
            # a clearly high TSH with a low free T4 stays judged
            "I4,F,2 months,150,ng/mL,25,6,",
            # the lab's own interval for the child's age judges it
            "I5,M,3 years,25,ng/mL,4.8,,0.7-4.3",
            # an adolescent: the adult limit applies, as before
            "I6,M,14,48,ng/mL,5.8,,",
        ],
    )
    for pid in ("I1", "I2", "I3"):
        found = _thyroid(df.loc[pid])
        assert found is not None and found["strength"] == "possible", (pid, found)
        assert "age-appropriate interval" in found["evidence"], found
        assert "treat" not in found["evidence"], found
    i4 = _thyroid(df.loc["I4"])
    assert i4 is not None and "overt primary hypothyroidism" in i4["evidence"], i4
    for pid in ("I5", "I6"):
        found = _thyroid(df.loc[pid])
        assert found is not None and "age-appropriate" not in found["evidence"], (pid, found)
        assert "treat" in found["evidence"], found


def test_a_tsh_in_a_note_under_a_labs_name_is_read(tmp_path: Path) -> None:
    notes = {
        "TSH basal 7,9": "7.9",
        "TSH-basal 7,9": "7.9",
        "basales TSH 7,9": "7.9",
        "TSHus 11,2 mUI/L": "11.2",
        "TSH ultrasensible 11,2": "11.2",
        "TSH sérique 11,2": "11.2",
        "Thyreotropin 11,2 mU/l": "11.2",
        "tirotropina 11,2": "11.2",
        "tireotropina 8,4": "8.4",
        "TSH élevée à 9": "9",
        "TSH erhöht auf 9,5": "9.5",
    }
    negatives = ["TSH-R-Ak 3,2", "Thyrotropin receptor antibody 11", "TSH 3G"]
    df = _note_rows(tmp_path, [*notes, *negatives])
    for i, (note, value) in enumerate(notes.items()):
        row = df.loc[f"N{i:02d}"]
        found = _thyroid(row)
        assert found is not None, (note, row["factor_details"])
        assert found["evidence"].startswith(f"TSH: {value} mIU/L"), (note, found)
        assert "check_tsh" not in _codes(row), note
    for j, note in enumerate(negatives, start=len(notes)):
        row = df.loc[f"N{j:02d}"]
        assert _thyroid(row) is None, (note, row["factor_details"])
        assert "check_tsh" in _codes(row), note
