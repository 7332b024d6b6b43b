"""Review 20, a chronic context test of another collection in a long export (clinical-reference
§8: hypothyroidism and chronic kidney disease are chronic contributors to a raised prolactin):
an eGFR, creatinine, TSH or free T4 of the same patient collected within
thresholds.toml chronic_context_lookback_days of the prolactin (before or after it) is used as
a biochemist would use a recent value, and cited WITH ITS DATE; hCG / a pregnancy test and any
line without a patient key never are; a same-collection value keeps priority; every row is
still triaged or rejected.  Synthetic patients only."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline_helpers import csv_quoted

from triage.output import OutputOptions
from triage.pipeline import TriageOutcome, TriageRequest, run_triage

LONG_HEADER = "Patient;Sex;Age;Collected;Order;Test;Result;Unit;Reference"


def _run(tmp_path: Path, header: str, lines: list[str]) -> TriageOutcome:
    path = tmp_path / "export.csv"
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return _run_file(path, tmp_path / "out")


def _run_file(path: Path, out: Path) -> TriageOutcome:
    return run_triage(TriageRequest(inputs=[path], out_dir=out, keep_results=True))


def _evidence(outcome: TriageOutcome) -> dict[str, str]:
    assert outcome.results is not None
    return {
        str(r["patient_id"]): str(r["factor_evidence"] or "") for _, r in outcome.results.iterrows()
    }


def _rejected(outcome: TriageOutcome) -> dict[int, str]:
    return {r.source_row: r.detail for r in outcome.rejected}


def _warnings(outcome: TriageOutcome) -> list[str]:
    return [w for summary in outcome.inputs for w in summary.warnings]


def test_spanish_egfr_of_an_earlier_collection_is_a_renal_factor_with_its_date(
    tmp_path: Path,
) -> None:
    """The reviewer's es.csv: PROLACTINA 48 ng/mL on 06/11/2026 and an eGFR of 18 on
    01/10/2026 (another petición): kidney impairment, likely, citing 2026-10-01."""
    header = (
        "NHC;Sexo;Edad;Fecha extracción;Petición;LOINC;Descripción;Resultado;Unidades;"
        "Rango referencia;Observaciones"
    )
    lines = [
        "E02;Hombre;70;06/11/2026 9:00;P101;2842-3;PROLACTINA;48;ng/mL;4,0-15,2;",
        "E02;Hombre;70;01/10/2026 9:00;P090;62238-1;FGe CKD-EPI;18;mL/min/1,73m2;>90;",
    ]
    outcome = _run(tmp_path, header, lines)
    evidence = _evidence(outcome)["E02"]
    assert "renal_impairment (likely)" in evidence
    assert "eGFR: 18" in evidence and "2026-10-01" in evidence
    assert outcome.rejected == []  # the eGFR line is attached, not other_test
    assert outcome.result_count == 1
    said = [w for w in _warnings(outcome) if "another collection of the same patient" in w]
    assert len(said) == 1 and said[0].startswith("1 context result") and "90 days" in said[0]


def test_tsh_two_weeks_before_is_hypothyroidism_and_hcg_of_that_collection_is_not_used(
    tmp_path: Path,
) -> None:
    """TSH 45 mIU/L two weeks before a prolactin of 1400 mIU/L: hypothyroidism (its date
    cited); the urine hCG of that earlier collection is no pregnancy test of this sample."""
    lines = [
        "T01;F;30;20/11/2026 08:30;A2;Prolactin;1400;mIU/L;102-496",
        "T01;F;30;06/11/2026 08:30;A1;TSH;45;mIU/L;0.27-4.2",
        "T01;F;30;06/11/2026 08:30;A1;hCG urine;Positive;;Negative",
    ]
    outcome = _run(tmp_path, LONG_HEADER, lines)
    evidence = _evidence(outcome)["T01"]
    assert "hypothyroidism" in evidence and "TSH: 45 mIU/L" in evidence
    assert "2026-11-06" in evidence
    assert outcome.results is not None
    assert "pregnancy" not in str(outcome.results.iloc[0]["factors"])
    rejected = _rejected(outcome)
    assert list(rejected) == [4] and "hcg" in rejected[4]


def test_chronic_lines_in_five_languages_before_or_after_within_the_window(
    tmp_path: Path,
) -> None:
    """German Kreatinin, French DFG, Italian TSH, Dutch eGFR, English free T4 with TSH, from a
    collection up to 90 days before or after the prolactin: each attached and dated."""
    lines = [
        "D01;M;66;10/11/2026 08:00;S1;Prolaktin;40;ng/mL;4-15",
        f"D01;M;66;15/09/2026 08:00;S0;Kreatinin;{csv_quoted('3,9')};mg/dL;0.7-1.2",
        "F01;M;71;10/11/2026 08:00;S3;Prolactine;45;ng/mL;4-15",
        "F01;M;71;20/10/2026 08:00;S2;DFG CKD-EPI;12;mL/min/1.73m2;>90",
        "I01;F;45;10/11/2026 08:00;S5;Prolattina;60;ng/mL;5-25",
        "I01;F;45;01/12/2026 08:00;S6;TSH reflex;38;mUI/L;0.27-4.2",
        "N01;M;58;10/11/2026 08:00;S7;Prolactine;38;ng/mL;4-15",
        "N01;M;58;03/11/2026 08:00;S8;eGFR (CKD-EPI);14;mL/min/1.73m2;>90",
        "G01;F;50;10/11/2026 08:00;S9;Prolactin;70;ng/mL;5-25",
        "G01;F;50;30/10/2026 08:00;S10;TSH;60;mIU/L;0.27-4.2",
        "G01;F;50;30/10/2026 08:00;S10;Free T4;5;pmol/L;12-22",
    ]
    outcome = _run(tmp_path, LONG_HEADER, lines)
    evidence = _evidence(outcome)
    assert "renal_impairment" in evidence["D01"] and "2026-09-15" in evidence["D01"]
    assert "renal_impairment (likely)" in evidence["F01"] and "2026-10-20" in evidence["F01"]
    assert "hypothyroidism" in evidence["I01"] and "2026-12-01" in evidence["I01"]
    assert "renal_impairment (likely)" in evidence["N01"] and "2026-11-03" in evidence["N01"]
    assert "overt primary hypothyroidism" in evidence["G01"]
    assert evidence["G01"].count("2026-10-30") == 2  # the TSH and the free T4, each dated
    assert outcome.rejected == []
    said = [w for w in _warnings(outcome) if "another collection of the same patient" in w]
    assert len(said) == 1 and said[0].startswith("6 context result")


def test_outside_the_window_or_without_a_patient_key_is_rejected(tmp_path: Path) -> None:
    """An eGFR 120 days before, another patient's TSH, and a TSH line with no patient id are
    never joined: each stays other_test, and no factor is made of them."""
    lines = [
        "W01;M;70;10/11/2026 08:00;S1;Prolactin;48;ng/mL;4-15",
        "W01;M;70;13/07/2026 08:00;S0;eGFR;15;mL/min/1.73m2;>90",
        "W02;F;35;10/11/2026 08:00;S2;Prolactin;60;ng/mL;5-25",
        "W03;F;35;01/11/2026 08:00;S3;TSH;40;mIU/L;0.27-4.2",
        ";F;35;01/11/2026 08:00;;TSH;50;mIU/L;0.27-4.2",
    ]
    outcome = _run(tmp_path, LONG_HEADER, lines)
    evidence = _evidence(outcome)
    assert "renal" not in evidence["W01"]
    assert "hypothyroidism" not in evidence["W02"]
    rejected = _rejected(outcome)
    assert sorted(rejected) == [3, 5, 6]
    assert all("another collection" not in w for w in _warnings(outcome))
    assert outcome.result_count == 2


def test_a_same_collection_value_keeps_priority_over_an_earlier_one(tmp_path: Path) -> None:
    """The same-day eGFR of 85 is the patient's, not the earlier 18: no renal factor, no date;
    the earlier line is rejected as a second eGFR (every row accounted for)."""
    lines = [
        "P01;M;60;10/11/2026 08:00;S1;Prolactin;30;ng/mL;4-15",
        "P01;M;60;10/11/2026 08:00;S1;eGFR;85;mL/min/1.73m2;>90",
        "P01;M;60;01/10/2026 08:00;S0;eGFR;18;mL/min/1.73m2;>90",
    ]
    outcome = _run(tmp_path, LONG_HEADER, lines)
    evidence = _evidence(outcome)["P01"]
    assert "renal_impairment" not in evidence and "2026-10-01" not in evidence
    rejected = _rejected(outcome)
    assert list(rejected) == [4] and "already attached" in rejected[4]


def test_a_same_collection_value_is_cited_without_a_date(tmp_path: Path) -> None:
    """A TSH of the prolactin's own collection is cited as before: no 'another collection'."""
    lines = [
        "S01;F;40;10/11/2026 08:00;S1;Prolactin;1400;mIU/L;102-496",
        "S01;F;40;10/11/2026 08:00;S1;TSH;45;mIU/L;0.27-4.2",
    ]
    outcome = _run(tmp_path, LONG_HEADER, lines)
    evidence = _evidence(outcome)["S01"]
    assert "TSH: 45 mIU/L, above" in evidence
    assert "another collection" not in evidence
    assert all("another collection" not in w for w in _warnings(outcome))


def test_fhir_output_dates_the_earlier_value_and_reads_back_the_same(tmp_path: Path) -> None:
    """results.fhir.json: the eGFR of the earlier collection is an Observation of its own date
    (not the result's time nor its specimen); read back, it is the same dated renal factor."""
    lines = [
        "E02;M;70;06/11/2026 09:00;P101;Prolactin;48;ng/mL;4.0-15.2",
        "E02;M;70;01/10/2026 09:00;P090;eGFR CKD-EPI;18;mL/min/1.73m2;>90",
    ]
    source = tmp_path / "export.csv"
    source.write_text(LONG_HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    run_triage(
        TriageRequest(
            inputs=[source],
            out_dir=tmp_path / "out1",
            keep_results=True,
            output_options=OutputOptions(fhir=True),
        )
    )
    bundle = json.loads((tmp_path / "out1" / "results.fhir.json").read_text(encoding="utf-8"))
    egfr = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and "eGFR" in str(e["resource"]["code"].get("text"))
    ]
    assert len(egfr) == 1
    assert egfr[0]["effectiveDateTime"] == "2026-10-01" and "specimen" not in egfr[0]
    again = _run_file(tmp_path / "out1" / "results.fhir.json", tmp_path / "out2")
    evidence = _evidence(again)["E02"]
    assert "renal_impairment (likely)" in evidence and "2026-10-01" in evidence
    assert again.rejected == []
