"""A result's status in every input (review 11): a corrected or amended result replaces the
earlier one of the same specimen and a final one a preliminary one, in CSV and workbook exports
as in HL7 (OBX-11) and FHIR (Observation.status), within a file and, with a history, across
files; FHIR patient identifiers keep their issuer in and out; --fhir writes each result's
status; the URGENT line names the patient's issuer.  Synthetic patients only."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from triage.history import HistoryOptions, overdue_urgent
from triage.history.store import open_history
from triage.knowledge import load_knowledge
from triage.output import OutputOptions
from triage.pipeline import TriageOutcome, TriageRequest, run_triage

T0 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=2)  # past the time an urgent result must be acknowledged in
HEADER = "MRN,Specimen,Sex,DOB,Collected,Prolactin (mIU/L),Status\n"

# (final, corrected, preliminary) as labs write them, per language
STATUS_WORDS = {
    "en": ("final", "amended", "provisional"),
    "en-revised": ("verified", "revised", "preliminary"),
    "de": ("endgültig", "korrigiert", "vorläufig"),
    "de-2": ("freigegeben", "berichtigt", "vorläufig"),
    "de-3": ("befundet", "geändert", "vorläufig"),
    "fr": ("définitif", "corrigé", "provisoire"),
    "fr-2": ("validé", "rectifié", "provisoire"),
    "fr-3": ("validé", "modifié", "provisoire"),
    "es": ("definitivo", "corregido", "provisional"),
    "es-2": ("validado", "rectificado", "preliminar"),
    "it": ("definitivo", "corretto", "provvisorio"),
    "it-2": ("validato", "rettificato", "provvisorio"),
    "nl": ("definitief", "gecorrigeerd", "voorlopig"),
    "nl-2": ("gevalideerd", "gewijzigd", "voorlopig"),
}


def _row(mrn: str, specimen: str, value: str, status: str) -> str:
    return f"{mrn},{specimen},F,1980-01-01,2026-11-01 08:00,{value},{status}\n"


def _run(
    tmp: Path, name: str, inputs: list[Path], url: str | None = None, now: datetime = T0
) -> TriageOutcome:
    request = TriageRequest(
        inputs=inputs,
        out_dir=tmp / name,
        history=HistoryOptions(location=url) if url else None,
        keep_results=True,
        jobs=1,
    )
    return run_triage(request, now=now)


def _overdue(url: str) -> list[str]:
    thresholds = load_knowledge("default").thresholds
    return overdue_urgent(HistoryOptions(location=url), LATER, thresholds)["patient_id"].tolist()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- CSV: within a file ---------------------------------------------------------------------------
@pytest.mark.parametrize("language", sorted(STATUS_WORDS))
@pytest.mark.parametrize("replaced", ["final", "preliminary"])
def test_a_corrected_or_final_row_replaces_the_earlier_row_of_its_specimen(
    tmp_path: Path, language: str, replaced: str
) -> None:
    final, corrected, preliminary = STATUS_WORDS[language]
    first, by = (final, corrected) if replaced == "final" else (preliminary, final)
    path = _write(
        tmp_path / "in.csv",
        HEADER + _row("P300", "S9", "6000", first) + _row("P300", "S9", "600", by),
    )
    outcome = _run(tmp_path, "o", [path])
    assert outcome.results is not None
    assert outcome.results["source_row"].tolist() == [3]
    assert outcome.results["priority"].tolist() != ["urgent"]
    (gone,) = outcome.rejected
    assert (gone.source_row, gone.reason_code) == (2, "cancelled_result")
    assert "row 3" in gone.detail and by in gone.detail


def test_a_preliminary_row_is_replaced_by_the_final_one_whatever_their_order(
    tmp_path: Path,
) -> None:
    rows = _row("P305", "S5", "600", "final") + _row("P305", "S5", "6000", "vorläufig")
    outcome = _run(tmp_path, "o", [_write(tmp_path / "in.csv", HEADER + rows)])
    assert outcome.results is not None
    assert outcome.results["source_row"].tolist() == [2]
    assert [(r.source_row, r.reason_code) for r in outcome.rejected] == [(3, "cancelled_result")]


@pytest.mark.parametrize(
    "rows",
    [
        # two final results of one specimen (an export repeated): both stand
        _row("P302", "S5", "6000", "final") + _row("P302", "S5", "600", "final"),
        # a correction of another specimen, or of another patient's same-numbered specimen
        _row("P302", "S5", "6000", "final") + _row("P302", "S6", "600", "corrected"),
        _row("P302", "S5", "6000", "final") + _row("P399", "S5", "600", "corrected"),
        # a preliminary result with no final one: triaged as given
        _row("P302", "S5", "6000", "preliminary") + _row("P302", "S6", "600", "preliminary"),
    ],
)
def test_rows_that_replace_nothing_are_all_triaged(tmp_path: Path, rows: str) -> None:
    outcome = _run(tmp_path, "o", [_write(tmp_path / "in.csv", HEADER + rows)])
    assert outcome.results is not None
    assert outcome.results["source_row"].tolist() == [2, 3]
    assert outcome.rejected == []


def test_the_corrected_value_is_the_one_triaged_in_a_workbook(tmp_path: Path) -> None:
    from pipeline_helpers import write_table

    path = write_table(
        tmp_path / "in.xlsx",
        [
            ["MRN", "Specimen", "Sex", "DOB", "Collected", "Prolactin (mIU/L)", "Befundstatus"],
            ["P303", "S3", "F", "1980-01-01", "2026-11-01 08:00", 6000, "endgültig"],
            ["P303", "S3", "F", "1980-01-01", "2026-11-01 08:00", 600, "korrigiert"],
        ],
    )
    outcome = _run(tmp_path, "o", [path])
    assert outcome.results is not None
    assert outcome.results["prolactin_raw"].tolist() == ["600"]
    assert "urgent" not in outcome.results["priority"].tolist()


# -- CSV: across files, with a history --------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "it", "nl"])
def test_a_later_files_correction_withdraws_the_stored_result(
    tmp_path: Path, language: str
) -> None:
    final, corrected, _ = STATUS_WORDS[language]
    url = str(tmp_path / "h.db")
    first = _write(tmp_path / "a.csv", HEADER + _row("P300", "S1", "6000", final))
    outcome = _run(tmp_path, "oa", [first], url)
    assert outcome.results is not None and outcome.results["priority"].tolist() == ["urgent"]
    assert _overdue(url) == ["P300"]
    second = _write(tmp_path / "b.csv", HEADER + _row("P300", "S1", "600", corrected))
    later = _run(tmp_path, "ob", [second], url, T0 + timedelta(hours=1))
    assert any("withdrawn by the lab" in w for s in later.inputs for w in s.warnings)
    assert _overdue(url) == []
    with open_history(url) as history:
        stored = history.results_of("P300")
    assert stored["withdrawn"].map(bool).tolist() == [True, False]
    assert corrected in stored["withdrawn"].iloc[0]


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "it", "nl"])
def test_a_later_files_final_result_supersedes_a_stored_preliminary_one(
    tmp_path: Path, language: str
) -> None:
    final, _, preliminary = STATUS_WORDS[language]
    url = str(tmp_path / "h.db")
    first = _write(tmp_path / "a.csv", HEADER + _row("P301", "S7", "6000", preliminary))
    _run(tmp_path, "oa", [first], url)
    assert _overdue(url) == ["P301"]
    second = _write(tmp_path / "b.csv", HEADER + _row("P301", "S7", "650", final))
    _run(tmp_path, "ob", [second], url, T0 + timedelta(hours=1))
    assert _overdue(url) == []
    with open_history(url) as history:
        assert history.results_of("P301")["withdrawn"].iloc[0].startswith("superseded")


def test_a_later_final_result_leaves_a_stored_final_one_alone(tmp_path: Path) -> None:
    url = str(tmp_path / "h.db")
    first = _write(tmp_path / "a.csv", HEADER + _row("P304", "S4", "6000", "final"))
    _run(tmp_path, "oa", [first], url)
    second = _write(tmp_path / "b.csv", HEADER + _row("P304", "S4", "5900", "final"))
    _run(tmp_path, "ob", [second], url, T0 + timedelta(hours=1))
    assert _overdue(url) == ["P304", "P304"]


# -- FHIR: across files, with a history ---------------------------------------------------------
def _bundle(value: float, status: str, system: str = "urn:oid:1.2.3", pid: str = "FX1") -> str:
    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "identifier": [{"system": system, "value": pid}],
        "gender": "female",
        "birthDate": "1985-01-01",
    }
    observation = {
        "resourceType": "Observation",
        "id": "o1",
        "status": status,
        "code": {"coding": [{"system": "http://loinc.org", "code": "15081-3"}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2026-11-01T08:00:00+01:00",
        "specimen": {"identifier": {"value": "SPX"}},
        "valueQuantity": {"value": value, "unit": "mIU/L"},
    }
    entries = [{"fullUrl": "Patient/p1", "resource": patient}]
    entries.append({"fullUrl": "Observation/o1", "resource": observation})
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries})


@pytest.mark.parametrize(
    ("status", "value", "rejected"),
    [("amended", 600, 0), ("corrected", 600, 0), ("entered-in-error", 6000, 1)],
)
def test_a_later_bundle_withdraws_the_stored_fhir_result(
    tmp_path: Path, status: str, value: float, rejected: int
) -> None:
    url = str(tmp_path / "h.db")
    first = _write(tmp_path / "a.json", _bundle(6000, "final"))
    _run(tmp_path, "oa", [first], url)
    assert _overdue(url) == ["FX1"]
    second = _write(tmp_path / "b.json", _bundle(value, status))
    later = _run(tmp_path, "ob", [second], url, T0 + timedelta(hours=1))
    assert [s.rows_rejected for s in later.inputs] == [rejected]  # read, not refused
    assert _overdue(url) == []
    with open_history(url) as history:
        stored = history.results_of("FX1", "urn:oid:1.2.3")
    assert stored["withdrawn"].iloc[0].startswith("withdrawn by the lab")
    assert status in stored["withdrawn"].iloc[0]


def test_a_later_final_bundle_supersedes_a_stored_preliminary_one(tmp_path: Path) -> None:
    url = str(tmp_path / "h.db")
    _run(tmp_path, "oa", [_write(tmp_path / "a.json", _bundle(6000, "preliminary"))], url)
    assert _overdue(url) == ["FX1"]
    second = _write(tmp_path / "b.json", _bundle(650, "final"))
    _run(tmp_path, "ob", [second], url, T0 + timedelta(hours=1))
    assert _overdue(url) == []


def test_a_bundle_withdrawing_another_patients_result_leaves_the_stored_one(
    tmp_path: Path,
) -> None:
    url = str(tmp_path / "h.db")
    _run(tmp_path, "oa", [_write(tmp_path / "a.json", _bundle(6000, "final"))], url)
    # the same id and specimen number from another issuer: another patient
    other = _write(tmp_path / "b.json", _bundle(600, "corrected", system="urn:oid:9.9.9"))
    _run(tmp_path, "ob", [other], url, T0 + timedelta(hours=1))
    assert _overdue(url) == ["FX1"]


# -- FHIR: the identifier's issuer --------------------------------------------------------------
def test_fhir_ids_of_two_issuers_are_two_patients(tmp_path: Path) -> None:
    url = str(tmp_path / "h.db")
    north = _write(tmp_path / "north.json", _bundle(600, "final", "urn:oid:1.2.826.0.1.1", "9001"))
    south = _write(tmp_path / "south.json", _bundle(1800, "final", "urn:oid:1.2.826.0.9.9", "9001"))
    _run(tmp_path, "on", [north], url)
    outcome = _run(tmp_path, "os", [south], url, T0 + timedelta(hours=1))
    assert outcome.results is not None
    assert outcome.results["patient_issuer"].tolist() == ["urn:oid:1.2.826.0.9.9"]
    assert outcome.results["trend"].tolist() == ["new"]  # not "rising" from the north's 600


def test_an_assigners_name_is_the_issuer(tmp_path: Path) -> None:
    data = json.loads(_bundle(600, "final"))
    data["entry"][0]["resource"]["identifier"][0]["assigner"] = {"display": "NORTH"}
    outcome = _run(tmp_path, "o", [_write(tmp_path / "a.json", json.dumps(data))])
    assert outcome.results is not None
    assert outcome.results["patient_issuer"].tolist() == ["NORTH"]


HL7_TWO_ISSUERS = "\r".join(
    [
        "MSH|^~\\&|LIS|CITYLAB|TRI|CL|20261110120000||ORU^R01|M1|P|2.5.1",
        "PID|1||8001^^^CITYLAB^MR||SMITH^MARY||19880214|F",
        "OBR|1|ORD1|SPEC1|PRL^Prolactin^L|||20261110083000",
        "OBX|1|NM|2842-3^Prolactin^LN||38.5|ng/mL|4.79-23.3|H|||F",
        "MSH|^~\\&|LIS|CITYLAB|TRI|CL|20261110120000||ORU^R01|M2|P|2.5.1",
        "PID|1||8001^^^OTHERHOSP^MR||BROWN^JOHN||19600101|M",
        "OBR|1|ORD2|SPEC2|PRL^Prolactin^L|||20261110090000",
        "OBX|1|NM|2842-3^Prolactin^LN||5300|mIU/L|86-324|HH|||F",
    ]
)


def test_fhir_output_keeps_the_issuer_and_reads_back_as_two_patients(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.hl7", HL7_TWO_ISSUERS + "\r")
    request = TriageRequest(
        inputs=[source], out_dir=tmp_path / "o1", output_options=OutputOptions(fhir=True), jobs=1
    )
    run_triage(request, now=T0)
    written = tmp_path / "o1" / "results.fhir.json"
    patients = [
        e["resource"]
        for e in json.loads(written.read_text())["entry"]
        if e["resource"]["resourceType"] == "Patient"
    ]
    identifiers = [p["identifier"][0] for p in patients]
    assert sorted(i["assigner"]["display"] for i in identifiers) == ["CITYLAB", "OTHERHOSP"]
    assert len({i["system"] for i in identifiers}) == 2
    back = _run(tmp_path, "o2", [written])
    assert back.results is not None
    assert sorted(back.results["patient_issuer"].tolist()) == ["CITYLAB", "OTHERHOSP"]


# -- the URGENT line names the issuer -----------------------------------------------------------
def test_the_urgent_line_names_the_patients_issuer(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.hl7", HL7_TWO_ISSUERS + "\r")
    _run(tmp_path, "o", [source])
    urgent = (tmp_path / "o" / "urgent.txt").read_text()
    assert "URGENT patient 8001 (OTHERHOSP) | specimen SPEC2" in urgent
    assert "(CITYLAB)" not in urgent  # its result is not urgent


def test_the_urgent_line_of_a_patient_without_issuer_is_as_before(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.csv", HEADER + _row("P310", "S1", "6000", "final"))
    _run(tmp_path, "o", [path])
    assert "URGENT patient P310 | specimen S1 |" in (tmp_path / "o" / "urgent.txt").read_text()


# -- --fhir writes each result's status ---------------------------------------------------------
def _written_statuses(tmp_path: Path, source: Path) -> list[str]:
    request = TriageRequest(
        inputs=[source], out_dir=tmp_path / "of", output_options=OutputOptions(fhir=True), jobs=1
    )
    run_triage(request, now=T0)
    bundle = json.loads((tmp_path / "of" / "results.fhir.json").read_text())
    return [
        e["resource"]["status"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] in ("2842-3", "15081-3")
    ]


@pytest.mark.parametrize(
    ("hl7", "fhir"),
    [("P", "preliminary"), ("I", "preliminary"), ("C", "corrected"), ("F", "final")],
)
def test_fhir_output_writes_the_hl7_result_status(tmp_path: Path, hl7: str, fhir: str) -> None:
    message = HL7_TWO_ISSUERS.split("\rMSH")[0].replace("|H|||F", f"|H|||{hl7}")
    assert message.endswith(hl7)
    assert _written_statuses(tmp_path, _write(tmp_path / "in.hl7", message + "\r")) == [fhir]


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "it", "nl"])
def test_fhir_output_writes_an_exports_result_status(tmp_path: Path, language: str) -> None:
    final, corrected, preliminary = STATUS_WORDS[language]
    rows = (
        _row("P320", "S1", "300", final)
        + _row("P321", "S2", "300", corrected)
        + _row("P322", "S3", "300", preliminary)
        + _row("P323", "S4", "300", "")
    )
    written = _written_statuses(tmp_path, _write(tmp_path / "in.csv", HEADER + rows))
    revised = "amended" if corrected == "amended" else "corrected"  # FHIR's own word as written
    assert written == ["final", revised, "preliminary", "final"]


@pytest.mark.parametrize("status", ["amended", "corrected", "preliminary", "final"])
def test_a_fhir_results_status_is_written_back(tmp_path: Path, status: str) -> None:
    source = _write(tmp_path / "a.json", _bundle(300, status))
    assert _written_statuses(tmp_path, source) == [status]


# -- results.csv and the URGENT line say a result is preliminary ---------------------------------
@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "it", "nl"])
def test_a_preliminary_urgent_result_says_so(tmp_path: Path, language: str) -> None:
    final, corrected, preliminary = STATUS_WORDS[language]
    rows = _row("P330", "S1", "6000", preliminary) + _row("P331", "S2", "6000", final)
    rows += _row("P332", "S3", "300", corrected)
    outcome = _run(tmp_path, "o", [_write(tmp_path / "in.csv", HEADER + rows)])
    assert outcome.results is not None
    revised = "amended" if corrected == "amended" else "corrected"
    assert outcome.results["result_status"].tolist() == ["preliminary", "final", revised]
    (said,) = [w for s in outcome.inputs for w in s.warnings if w.startswith("preliminary")]
    assert "row(s) 2 were triaged as given" in said
    urgent = (tmp_path / "o" / "urgent.txt").read_text().splitlines()
    (first,) = [line for line in urgent if "P330" in line]
    (second,) = [line for line in urgent if "P331" in line]
    assert "(preliminary result: the final one may differ)" in first
    assert "preliminary result" not in second


def test_without_a_status_column_no_result_is_preliminary(tmp_path: Path) -> None:
    text = "MRN,Specimen,Sex,DOB,Collected,Prolactin (mIU/L)\n"
    text += "P333,S1,F,1980-01-01,2026-11-01 08:00,6000\n"
    outcome = _run(tmp_path, "o", [_write(tmp_path / "in.csv", text)])
    assert outcome.results is not None
    assert outcome.results["result_status"].isna().all()
    assert "preliminary result" not in (tmp_path / "o" / "urgent.txt").read_text()
