"""Review 22, context lines of a long (one row per analyte) export dated apart from the
prolactin draw.  A long-term drug, mass-effect symptoms, a known adenoma on imaging, a positive
pregnancy test and a macroprolactin screen stay true for days or weeks (clinical-reference §2.3,
§3.1, §4, §5, §8): such a line of the same patient joins the prolactin result(s) collected
within its kind's window (thresholds.toml context_history_before_days,
context_findings_after_days, pregnancy_test_apart_days, macroprolactin_apart_days), cited with
its date; a medication line dated after the draw, a line outside its window and another
patient's line never join (other_test).  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from triage.pipeline import TriageOutcome, TriageRequest, run_triage

HEADER = "Patient ID,Sex,DOB,Specimen ID,Collected,Test name,Result,Unit,Flag,Ref range"


def _run(tmp_path: Path, lines: list[str], header: str = HEADER) -> TriageOutcome:
    path = tmp_path / "export.csv"
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def _said(row: pd.Series) -> str:
    """Everything a reader sees of a result's reasons: factors, suggestions and their evidence."""
    details = " ".join(str(d) for d in (row["factor_details"], row["suggestion_details"]))
    return f"{row['factor_evidence']} {details} {row['suggestions']}"


def _rejected(outcome: TriageOutcome) -> dict[int, str]:
    return {r.source_row: r.detail for r in outcome.rejected}


def _warnings(outcome: TriageOutcome) -> list[str]:
    return [w for summary in outcome.inputs for w in summary.warnings]


def test_red_flag_symptoms_recorded_apart_from_the_draw_make_the_result_urgent(
    tmp_path: Path,
) -> None:
    """§5 / §8 Urgent: a visual field defect written the day or evening before the draw (English
    symptoms, a German order comment, French and Dutch symptoms) or reported the next day is a
    red flag of the raised result: urgent, the line's date cited, no line rejected."""
    lines = [
        "W3,M,1970-01-01,P3,2026-11-02 08:00,Prolactin,60,ng/mL,H,4.0-15.2",
        "W3,M,1970-01-01,O3,2026-11-01 14:00,Symptoms,bitemporal hemianopia and headache,,,",
        "Y2,M,1970-01-01,P4,2026-11-02 08:00,Prolaktin,60,ng/mL,H,4.0-15.2",
        "Y2,M,1970-01-01,O4,2026-11-01 18:00,Auftragskommentar,Gesichtsfeldausfall bitemporal,,,",
        "Y3,M,1970-01-01,P5,2026-11-02 08:00,Prolactine,60,ng/mL,H,4.0-15.2",
        "Y3,M,1970-01-01,O5,2026-10-20 18:00,Symptômes,hémianopsie bitemporale,,,",
        "Y4,F,1980-01-01,P6,2026-11-02 08:00,Prolactine,60,ng/mL,H,4.8-23.3",
        "Y4,F,1980-01-01,O6,2026-11-03 10:00,Klachten,bitemporale hemianopsie,,,",
    ]
    outcome = _run(tmp_path, lines)
    results = _results(outcome)
    dates = {"W3": "2026-11-01", "Y2": "2026-11-01", "Y3": "2026-10-20", "Y4": "2026-11-03"}
    for patient, when in dates.items():
        assert results.loc[patient, "priority"] == "urgent", patient
        assert when in _said(results.loc[patient]), patient
    assert outcome.rejected == []
    assert any("line(s) of another date" in w for w in _warnings(outcome))


def test_an_mri_report_weeks_before_is_a_known_lesion_with_the_hook_effect_warning(
    tmp_path: Path,
) -> None:
    """§8: a 32 mm macroadenoma on an MRI two weeks before (English, German) or three days after
    the draw (Italian) with prolactin 45 ng/mL: stalk effect / known lesion, hook-effect warning
    and 1:100 dilution, not "unexplained" with a macroprolactin screen; the MRI's date cited.
    An MRI ten days after the draw is past its window: rejected, the result unexplained."""
    lines = [
        "AA1,M,1960-01-01,P1,2026-11-02 08:30,Prolactin,45,ng/mL,H,4.0-15.2",
        "AA1,M,1960-01-01,R1,2026-10-19 14:00,MRI pituitary,macroadenoma 32 mm,,,",
        "AA2,M,1960-01-01,P2,2026-11-02 08:30,Prolaktin,45,ng/mL,H,4.0-15.2",
        "AA2,M,1960-01-01,R2,2026-10-19 14:00,MRT Hypophyse,Makroadenom 32 mm,,,",
        "AA3,M,1960-01-01,P3,2026-11-02 08:30,Prolattina,45,ng/mL,H,4.0-15.2",
        "AA3,M,1960-01-01,R3,2026-11-05 09:00,RMN ipofisi,macroadenoma 32 mm,,,",
        "AA4,M,1960-01-01,P4,2026-11-02 08:30,Prolactin,45,ng/mL,H,4.0-15.2",
        "AA4,M,1960-01-01,R4,2026-11-12 09:00,MRI pituitary,macroadenoma 32 mm,,,",
    ]
    outcome = _run(tmp_path, lines)
    results = _results(outcome)
    for patient, when in (("AA1", "2026-10-19"), ("AA2", "2026-10-19"), ("AA3", "2026-11-05")):
        row = results.loc[patient]
        assert "known_pituitary_lesion" in row["factors"], patient
        assert "hook_effect_risk" in row["suggestions"], patient
        assert "dilution_retest" in row["suggestions"], patient
        assert "macroprolactin_screen" not in row["suggestions"], patient
        assert when in str(row["factor_evidence"]), patient
    assert results.loc["AA4", "factors"] == "unexplained"
    assert list(_rejected(outcome)) == [9]


def test_a_long_term_drug_recorded_before_the_draw_explains_it_never_one_dated_after(
    tmp_path: Path,
) -> None:
    """§3.1: a German standing medication the day before, a haloperidol depot three days
    before, clinical notes naming olanzapine, a Spanish list three weeks before: the drug is the
    likely cause, cited with its date.  Risperidone written the day AFTER the draw did not cause
    it, nor a list six weeks before: both rejected, the result unexplained."""
    lines = [
        "J1,M,1980-03-02,P1,2026-11-02 08:10,Prolactin,85,ng/mL,H,4.0-15.2",
        "J1,M,1980-03-02,O1,2026-11-01 10:00,Dauermedikation,Risperidon 4 mg,,,",
        "J2,M,1970-01-01,P2,2026-11-02 08:00,Prolactin,60,ng/mL,H,4.0-15.2",
        "J2,M,1970-01-01,O2,2026-10-30 14:00,Medication,haloperidol decanoate 100 mg monthly,,,",
        "J3,M,1970-01-01,P3,2026-11-02 08:00,Prolactin,60,ng/mL,H,4.0-15.2",
        "J3,M,1970-01-01,O3,2026-11-01 14:00,Clinical notes,on olanzapine for schizophrenia,,,",
        "J4,M,1970-01-01,P4,2026-11-02 08:00,Prolactina,60,ng/mL,H,4.0-15.2",
        "J4,M,1970-01-01,O4,2026-10-12 09:00,Medicación,risperidona 3 mg,,,",
        "J5,M,1970-01-01,P5,2026-11-02 08:00,Prolactin,60,ng/mL,H,4.0-15.2",
        "J5,M,1970-01-01,O5,2026-11-03 09:00,Medication,risperidone 2 mg,,,",
        "J6,M,1970-01-01,P6,2026-11-02 08:00,Prolactin,60,ng/mL,H,4.0-15.2",
        "J6,M,1970-01-01,O6,2026-09-20 09:00,Medication,risperidone 2 mg,,,",
    ]
    outcome = _run(tmp_path, lines)
    results = _results(outcome)
    dates = {"J1": "2026-11-01", "J2": "2026-10-30", "J3": "2026-11-01", "J4": "2026-10-12"}
    for patient, when in dates.items():
        row = results.loc[patient]
        assert row["factors"] == "medication:antipsychotic", patient
        assert when in str(row["factor_evidence"]), patient
    for patient in ("J5", "J6"):
        assert results.loc[patient, "factors"] == "unexplained", patient
    rejected = _rejected(outcome)
    assert sorted(rejected) == [11, 13]
    assert all("no prolactin result of the same patient" in d for d in rejected.values())


def test_a_pregnancy_test_days_apart_is_the_pregnancy_two_weeks_apart_is_not(
    tmp_path: Path,
) -> None:
    """§1.4, §4: a serum hCG of 48000 IU/L three days before, a German urine test positive the
    evening before, a German pregnancy status "ja" three days before: pregnancy, not
    "prolactinoma suspected", the line's date cited; a breastfeeding "yes" two days after:
    lactation.  A positive
    test two weeks before is no test of this sample: rejected, a pregnancy test suggested."""
    lines = [
        "H2,F,1994-03-02,P2,2026-11-02 08:10,Prolactin,120,ng/mL,H,4.8-23.3",
        "H2,F,1994-03-02,P3,2026-10-30 08:10,hCG,48000,IU/L,H,<5",
        "G4,F,1994-03-02,P6,2026-11-02 08:10,Prolactin,120,ng/mL,H,4.8-23.3",
        "G4,F,1994-03-02,P7,2026-11-01 20:00,Schwangerschaftstest Urin,positiv,,,negativ",
        "G5,F,1994-03-02,P8,2026-11-02 08:10,Prolactin,120,ng/mL,H,4.8-23.3",
        "G5,F,1994-03-02,P9,2026-10-19 08:10,hCG,48000,IU/L,H,<5",
        "S1,F,1994-03-02,P10,2026-11-02 08:10,Prolactin,120,ng/mL,H,4.8-23.3",
        "S1,F,1994-03-02,O10,2026-10-30 08:10,Schwanger,ja,,,",
        "S2,F,1994-03-02,P11,2026-11-02 08:10,Prolactin,120,ng/mL,H,4.8-23.3",
        "S2,F,1994-03-02,O11,2026-11-04 08:10,Breastfeeding,yes,,,",
    ]
    outcome = _run(tmp_path, lines)
    results = _results(outcome)
    assert "lactation" in results.loc["S2", "factors"].split(";")
    assert "2026-11-04" in str(results.loc["S2", "factor_evidence"])
    for patient, when in (("H2", "2026-10-30"), ("G4", "2026-11-01"), ("S1", "2026-10-30")):
        row = results.loc[patient]
        assert "pregnancy" in row["factors"].split(";"), patient
        assert "pituitary_mri" not in row["suggestions"], patient
        assert when in str(row["factor_evidence"]), patient
    assert "pregnancy_test" in results.loc["G5", "suggestions"]
    assert list(_rejected(outcome)) == [7]


def test_a_peg_screen_of_a_repeat_sample_is_cited_as_done_on_that_sample(tmp_path: Path) -> None:
    """§2.3: a PEG recovery of 28 % and a monomeric 10.5 ng/mL on the repeat sample a week later
    (English), a French screen in words five days later: macroprolactin, cited "done on the
    sample of <date>", no second screen (and no MRI where the monomeric part is within its
    limit).  A screen six weeks later is too far (its
    presence can change): rejected, the screen still asked for."""
    lines = [
        "Q1,F,1990-01-01,P1,2026-11-02 08:00,Prolactin,64,ng/mL,H,4.8-23.3",
        "Q1,F,1990-01-01,P2,2026-11-09 08:00,PEG recovery,28,%,L,>60",
        "Q1,F,1990-01-01,P2,2026-11-09 08:00,Monomeric prolactin,10.5,ng/mL,,3.4-18.5",
        "Q2,F,1990-01-01,P3,2026-11-02 08:00,Prolactine,64,ng/mL,H,4.8-23.3",
        "Q2,F,1990-01-01,P4,2026-11-07 08:00,Macroprolactine,présence de macroprolactine,,,",
        "Q3,F,1990-01-01,P5,2026-11-02 08:00,Prolactin,64,ng/mL,H,4.8-23.3",
        "Q3,F,1990-01-01,P6,2026-12-15 08:00,PEG recovery,28,%,L,>60",
    ]
    outcome = _run(tmp_path, lines)
    results = _results(outcome)
    q1 = results.loc["Q1"]
    assert q1["factors"] == "macroprolactinemia"
    assert str(q1["factor_evidence"]).count("done on the sample of 2026-11-09") == 2
    assert "macroprolactinemia" in results.loc["Q2", "factors"]
    assert "done on the sample of 2026-11-07" in str(results.loc["Q2", "factor_evidence"])
    assert "pituitary_mri" not in q1["suggestions"]  # the monomeric part is within its limit
    for patient in ("Q1", "Q2"):
        assert "macroprolactin_screen" not in results.loc[patient, "suggestions"], patient
    assert "macroprolactin_screen" in results.loc["Q3", "suggestions"]
    assert list(_rejected(outcome)) == [8]


def test_never_another_patients_line_nor_one_without_a_patient(tmp_path: Path) -> None:
    """A symptoms line of another patient the day before, and one without any patient key,
    join nothing: both rejected, the result not urgent."""
    lines = [
        "N1,M,1970-01-01,P1,2026-11-02 08:00,Prolactin,60,ng/mL,H,4.0-15.2",
        "N2,M,1970-01-01,O2,2026-11-01 14:00,Symptoms,bitemporal hemianopia,,,",
        ",,,,2026-11-01 14:00,Symptoms,bitemporal hemianopia,,,",
    ]
    outcome = _run(tmp_path, lines)
    assert _results(outcome).loc["N1", "priority"] != "urgent"
    assert sorted(_rejected(outcome)) == [3, 4]


def test_two_medication_lines_of_one_sample_both_count(tmp_path: Path) -> None:
    """Two medication lines of the same collection are two parts of one list: the second
    (risperidone) is read, not rejected as "another medications result"."""
    lines = [
        "M1,M,1970-01-01,P1,2026-11-02 08:00,Prolactin,60,ng/mL,H,4.0-15.2",
        "M1,M,1970-01-01,P1,2026-11-02 08:00,Medication,ramipril 5 mg,,,",
        "M1,M,1970-01-01,P1,2026-11-02 08:00,Medication,risperidone 4 mg,,,",
    ]
    outcome = _run(tmp_path, lines)
    assert _results(outcome).loc["M1", "factors"] == "medication:antipsychotic"
    assert outcome.rejected == []
