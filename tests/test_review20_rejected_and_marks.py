"""Rejected rows that name a red flag, and mIU/L results read as fractions (review 20).

1. A row that is not triaged (a stray delimiter, no unit, an unreadable age or date, a result
   that is no number) whose words name a mass-effect red flag (a visual field defect, a
   bitemporal hemianopia, double vision, a sudden severe headache) is listed with the urgent
   results: a red flag with any raised prolactin needs an urgent referral (clinical-reference
   §5, §8), and the row's result is not known.  Read with the engine's cue book: a denied, past
   or resolved one, blurred vision alone and ordinary notes list nothing.
2. A result in mIU/L, reported in whole numbers (clinical-reference §2.4), written with one
   separator before three digits ("6.250", "6,250") was read as the fraction the file's other
   columns (TSH "2.15") or the ;-separator's mark implied: 6.25 mIU/L, low, where the lab meant
   6250, urgent.  Such a result is rejected as ambiguous_decimal_mark (listed with the urgent
   results when its whole reading is urgent), unless the column's own cells or a mapping file
   settle the mark.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import csv_quoted, write_table

from triage.knowledge.loaders import DEFAULT_SET_NAME, load_reference_set, load_thresholds
from triage.pipeline import TriageOutcome, TriageRequest, run_triage

_PER_NG = load_reference_set(DEFAULT_SET_NAME).miu_per_ng


def _run(tmp_path: Path, text: str, mapping: str = "", name: str = "export.csv") -> TriageOutcome:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    columns = None
    if mapping:
        columns = tmp_path / "mapping.toml"
        columns.write_text(mapping, encoding="utf-8")
    request = TriageRequest(
        inputs=[path], out_dir=tmp_path / "out", keep_results=True, columns=columns
    )
    return run_triage(request)


def _listed(outcome: TriageOutcome) -> dict[str, str]:
    """patient id -> reason code of the rejected rows listed with the urgent results."""
    return {r.patient_id: r.reason_code for r in outcome.rejected if r.possibly_urgent}


def _urgent_ids(outcome: TriageOutcome) -> set[str]:
    return {line.split(" | ")[0].removeprefix("URGENT patient ") for line in outcome.urgent}


def _values(outcome: TriageOutcome) -> dict[str, float]:
    assert outcome.results is not None
    frame = outcome.results.set_index("patient_id")
    return {str(k): float(v) for k, v in frame["prolactin_ng_ml"].items()}


# -- 1. a rejected row naming a red flag ----------------------------------------------------------

# Lines with a stray delimiter in the drug list (7 fields under a 6-column header), their note
# naming a red flag in each language, or none (a denial, a past episode, blurred vision alone,
# an ordinary note)
_SHIFTED_FLAGS = {
    "R10": "Gesichtsfeldausfall bitemporal",
    "R11": "perte du champ visuel bitemporale",
    "R12": "pérdida de campo visual desde hace 2 semanas",
    "R13": "deficit del campo visivo a destra",
    "R14": "gezichtsveldbeperking beiderzijds",
    "R15": "sudden severe headache and double vision",
}
_SHIFTED_QUIET = {
    "R20": "keine Sehstörung, keine Doppelbilder",
    "R21": "Z.n. Hemianopsie 2015, inzwischen rückläufig",
    "R22": "blurred vision",
    "R23": "Kontrolle in 3 Monaten",
    "R24": "pas de diplopie",
}


def test_lines_with_a_stray_delimiter_naming_a_red_flag_are_listed_urgent(
    tmp_path: Path,
) -> None:
    lines = ["Patient;Sex;Age;Prolactin (mIU/L);Medication;Comment", "R01;F;30;480;Pille;"]
    notes = {**_SHIFTED_FLAGS, **_SHIFTED_QUIET}
    lines += [f"{pid};M;50;1500;Ramipril; Amlodipin;{note}" for pid, note in notes.items()]
    lines += ["R02;F;40;300;;keine", "R03;M;60;350;;"]
    outcome = _run(tmp_path, "\n".join(lines) + "\n")
    shifted = {r.patient_id for r in outcome.rejected if r.reason_code == "malformed_line"}
    assert shifted == set(notes)  # every such line is rejected, none triaged on a guess
    assert _listed(outcome) == dict.fromkeys(_SHIFTED_FLAGS, "malformed_line")
    assert _urgent_ids(outcome) == set(_SHIFTED_FLAGS)
    urgent = "\n".join(outcome.urgent)
    assert "not triaged (malformed_line)" in urgent and "'Gesichtsfeldausfall'" in urgent
    assert outcome.result_count == 3


def test_a_comma_split_note_naming_a_red_flag_is_listed_urgent(tmp_path: Path) -> None:
    # a comma file: the note's own comma is the stray delimiter
    text = (
        "Patient,Sex,Age,Prolactin (ng/mL),Medication,Comment\n"
        "V1,F,30,20,Pille,\n"
        "V2,M,50,85,Ramipril, Amlodipin,perte du champ visuel bitemporale\n"
        "V3,F,40,12,,\n"
        "V4,M,50,14,Ramipril, Amlodipin,sans trouble visuel\n"
    )
    outcome = _run(tmp_path, text)
    assert {r.patient_id for r in outcome.rejected} == {"V2", "V4"}
    assert _listed(outcome) == {"V2": "malformed_line"}


# Rows without any unit (no unit column, no unit in the header): rejected as unknown_unit, at a
# level that could not be urgent in either unit
_UNITLESS_FLAGS = {
    "U1": "bitemporal hemianopia",
    "U2": "Doppelbilder seit gestern",
    "U3": "hémianopsie bitemporale",
    "U4": "alteración del campo visual",
    "U5": "visione doppia",
    "U6": "dubbelzien sinds gisteren",
}
_UNITLESS_QUIET = {
    "U20": "no visual field defect",
    "U21": "sin alteraciones del campo visual",
    "U22": "nessuna diplopia",
    "U23": "geen gezichtsvelduitval",
    "U24": "vista borrosa",
    "U25": "Hypophysenadenom bekannt, Verlaufskontrolle",
}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_rows_without_a_unit_naming_a_red_flag_are_listed_urgent(
    tmp_path: Path, suffix: str
) -> None:
    rows: list[list[object]] = [["Patient", "Sex", "Age", "Prolactin", "Comment"]]
    notes = {**_UNITLESS_FLAGS, **_UNITLESS_QUIET}
    rows += [[pid, "M", 50, 85, note] for pid, note in notes.items()]
    rows += [["U30", "F", 30, 20, ""]]
    path = write_table(tmp_path / f"unitless{suffix}", rows)
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out"))
    assert {r.reason_code for r in outcome.rejected} == {"unknown_unit"}
    assert _listed(outcome) == dict.fromkeys(_UNITLESS_FLAGS, "unknown_unit")
    u1 = next(r for r in outcome.rejected if r.patient_id == "U1")
    assert "red flag (comments: 'bitemporal" in u1.detail


def test_other_rejected_rows_naming_a_red_flag_are_listed_urgent(tmp_path: Path) -> None:
    # an unreadable age, a date in the future, a result that is no number, one that cannot be
    # a serum prolactin: the result is not triaged, the red flag is said
    text = (
        "Patient;Geschlecht;Alter;Datum;Prolaktin (mIU/L);Bemerkung\n"
        "A1;F;abc;01.03.2026;400;Doppelbilder seit gestern\n"
        "A2;F;30;01.03.2099;400;Gesichtsfeldeinschränkung rechts\n"
        "A3;F;30;01.03.2026;hämolytisch;Gesichtsfeldausfall\n"
        "A4;F;30;01.03.2026;-5;hemianopsia bitemporal\n"
        "A5;F;abc;01.03.2026;400;keine Sehstörungen\n"
        "A6;F;30;01.03.2026;hämolytisch;Kopfschmerzen\n"
        "A7;F;30;01.03.2026;400;\n"
    )
    outcome = _run(tmp_path, text)
    assert _listed(outcome) == {
        "A1": "unreadable_age",
        "A2": "implausible_date",
        "A3": "unparseable_result",
        "A4": "implausible_value",
    }
    assert {r.patient_id for r in outcome.rejected} == {f"A{i}" for i in range(1, 7)}


def test_a_row_below_a_header_lacking_columns_naming_a_red_flag_is_listed(
    tmp_path: Path,
) -> None:
    # the repeated header's own words ("Visual field defect") are no patient's red flag
    # (review 24: a header lacking only the age is read in its own columns; one lacking the
    # patient column is not: its rows would take the patient above them)
    text = (
        "Patient,Sex,Age,Prolactin (ng/mL),Comment\n"
        "S1,F,30,20,ok\n"
        "Sex,Prolactin (ng/mL),Visual field defect\n"
        "M,12,bitemporal hemianopia\n"
        "M,14,no\n"
    )
    outcome = _run(tmp_path, text)
    codes = {r.source_row: r.reason_code for r in outcome.rejected}
    assert codes == {3: "misaligned_columns", 4: "misaligned_columns", 5: "misaligned_columns"}
    assert [r.source_row for r in outcome.rejected if r.possibly_urgent] == [4]


def test_rows_not_read_as_results_are_not_listed_for_their_words(tmp_path: Path) -> None:
    # a row without a result and a note row name a red flag, but hold no prolactin result
    text = (
        "Patient,Sex,Age,Prolactin (ng/mL),Comment\n"
        "N1,F,30,20,ok\n"
        "N2,M,50,,bitemporal hemianopia\n"
        "N3,F,31,18,\n"
    )
    outcome = _run(tmp_path, text)
    assert {r.patient_id: r.reason_code for r in outcome.rejected} == {"N2": "missing_result"}
    assert not _listed(outcome)


# -- 2. mIU/L results read as fractions -----------------------------------------------------------


def test_a_fraction_in_mIU_L_by_another_columns_mark_is_not_triaged(tmp_path: Path) -> None:
    text = (
        "Patient,Sex,Age,Prolactin (mIU/L),TSH (mIU/L)\n"
        "P1,M,50,6.250,2.15\n"  # 6.25 or 6250: urgent at 6250
        "P2,F,30,1.250,2.15\n"  # 1.25 or 1250: neither urgent, still not on a guess
        "P3,F,30,2.750,1.0\n"
        f"P4,F,30,{csv_quoted('1,250')},2.15\n"  # ',' groups thousands: 1250, as written
        "P5,F,30,480,1.0\n"
    )
    outcome = _run(tmp_path, text)
    codes = {r.patient_id: r.reason_code for r in outcome.rejected}
    assert codes == dict.fromkeys(["P1", "P2", "P3"], "ambiguous_decimal_mark")
    assert _listed(outcome) == {"P1": "ambiguous_decimal_mark"}
    assert _urgent_ids(outcome) == {"P1"}
    p1 = next(r for r in outcome.rejected if r.patient_id == "P1")
    assert "6.25 or 6250 mIU/L" in p1.detail and "'.'" in p1.detail
    assert 6250 >= load_thresholds().get("urgent_miu_l") > 2750
    values = _values(outcome)
    assert set(values) == {"P4", "P5"}
    assert values["P4"] == pytest.approx(1250 / _PER_NG, abs=0.01)


def test_a_semicolon_export_reads_no_mIU_L_fraction_either(tmp_path: Path) -> None:
    text = (
        "Patient;Sex;Age;Prolactin (mIU/L);TSH (mIU/L)\n"
        "Q1;M;50;6,250;2,15\n"
        "Q2;F;30;1,250;2,15\n"
        "Q3;F;30;1.250;2,15\n"  # '.' groups thousands: 1250
        "Q4;F;30;480;1,0\n"
    )
    outcome = _run(tmp_path, text)
    codes = {r.patient_id: r.reason_code for r in outcome.rejected}
    assert codes == {"Q1": "ambiguous_decimal_mark", "Q2": "ambiguous_decimal_mark"}
    assert _listed(outcome) == {"Q1": "ambiguous_decimal_mark"}
    assert set(_values(outcome)) == {"Q3", "Q4"}
    assert _values(outcome)["Q3"] > _values(outcome)["Q4"]
    # the ;-separator alone implies ',': 1,250 mIU/L was read as 1.25 (low), now not triaged
    alone = _run(tmp_path, "Patient;Sex;Age;Prolactin (mIU/L)\nQ5;F;30;1,250\nQ6;F;30;480\n")
    assert {r.patient_id: r.reason_code for r in alone.rejected} == {"Q5": "ambiguous_decimal_mark"}
    assert not _listed(alone)


def test_the_columns_own_mark_or_a_mapping_still_decides(tmp_path: Path) -> None:
    # the result column writes ',' as its decimal mark in its other rows: 6,250 mIU/L read
    # with it is 6.25, but mIU/L is reported in whole numbers and 6250 is urgent: not triaged
    # on the other rows' mark (review 27: '1,250' mU/l beside "12'500,0" was a silent low)
    text = (
        "Patient;Sex;Age;Prolactin (mIU/L);TSH (mIU/L)\n"
        "C1;M;50;1.250,5;2,15\nC2;M;50;6,250;2,15\nC3;F;30;480;2,15\n"
    )
    outcome = _run(tmp_path, text)
    assert {r.patient_id: r.reason_code for r in outcome.rejected} == {
        "C2": "ambiguous_decimal_mark"
    }
    assert _values(outcome)["C3"] < _values(outcome)["C1"]
    mapped = _run(
        tmp_path,
        "Patient,Sex,Age,Prolactin (mIU/L),TSH (mIU/L)\nM1,M,50,6.250,2.15\nM2,F,30,480,1.0\n",
        mapping='[input]\ndecimal = "."\n',
    )
    assert not mapped.rejected and _values(mapped)["M1"] < 1


def test_other_units_and_unmarked_files_read_as_before(tmp_path: Path) -> None:
    text = (
        "Patient,Sex,Age,Prolactin,Unit,TSH (mIU/L)\n"
        "G1,F,30,6.250,ng/mL,2.15\n"  # ng/mL carries decimals: the file's mark reads it
        "G2,F,30,1.250,IU/L,2.15\n"  # IU/L too (1.25 IU/L = 1250 mIU/L)
        "G3,F,30,480,mIU/L,1.0\n"
        "G4,F,30,1.250,mU/L,2.15\n"  # the mIU/L scale: not on a guess
    )
    outcome = _run(tmp_path, text)
    assert {r.patient_id: r.reason_code for r in outcome.rejected} == {
        "G4": "ambiguous_decimal_mark"
    }
    values = _values(outcome)
    assert values["G1"] == pytest.approx(6.25)
    assert values["G2"] == pytest.approx(1250 / _PER_NG, abs=0.01)
    # no decimal mark anywhere: mIU/L is read in whole numbers, with a warning, as before
    plain = _run(tmp_path, "Patient,Sex,Age,Prolactin (mIU/L)\nW1,F,30,1.250\nW2,F,30,480\n")
    assert not plain.rejected
    assert _values(plain)["W1"] == pytest.approx(1250 / _PER_NG, abs=0.01)
    assert any("whole numbers" in w for s in plain.inputs for w in s.warnings)
