"""Review 23, the history's identity of a sample (docs/history.md "No duplicates", "Identity",
"Urgent results"; output-contract-extensions "History identity of a sample"):

1. collection times that both give a UTC offset are compared as instants: the same sample sent
   again in UTC (FHIR ``08:00:00Z`` after ``09:00:00+01:00``, HL7 OBR-7 ``202611010900+0100``
   then FHIR ``…T08:00:00Z``) is the stored result, its acknowledgement kept, never a second
   urgent result;
2. a value of the same specimen that an earlier censored result allows (the dilution's ``8900``
   of ``>4240``; ``18`` of ``<25``; ``8900 mIU/L`` of ``>200 ng/mL``) completes that result: no
   "another value" warning, the same result id, its acknowledgement kept; a value the bound
   excludes (``3000`` of ``>4240``) is still a conflict;
3. a "not triaged, possibly urgent" entry is closed once another file triages the same sample
   (same patient and specimen number: the row re-sent with its unit): no longer reminded;
4. `history show` of an id that holds two people (another sex, another birth date only) never
   lists them as one series: a person column, their sex and birth date, and a warning.

Synthetic patients only; in-process runs on SQLite (and PostgreSQL where configured)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from history_fixtures import overdue_patients, run_with_history
from typer.testing import CliRunner

from triage.cli import app
from triage.history.store import open_history

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=3)
HEADER = "Specimen,Patient ID,Sex,DOB,Collected,Prolactin"
ACKED = "ALREADY ACKNOWLEDGED"


def _run(tmp: Path, name: str, path: Path, url: str, now: datetime = T0) -> Any:
    return run_with_history(tmp, name, [path], url, now)


def _ack(url: str, result_id: int) -> None:
    history = open_history(url)
    try:
        history.acknowledge(result_id, by="Dr Test", told=None, note=None, at=T0)
    finally:
        history.close()


def _ids(outcome: Any) -> list[int]:
    assert outcome.results is not None
    return [int(i) for i in outcome.results["result_id"].tolist()]


def _warnings(outcome: Any) -> str:
    return " ".join(w for summary in outcome.inputs for w in summary.warnings)


def _csv(path: Path, line: str, header: str = HEADER) -> Path:
    path.write_text(f"{header}\n{line}\n", encoding="utf-8")
    return path


# -- 1. the same instant in another offset -----------------------------------------------------
def _fhir(path: Path, when: str, *, patient: str = "Z5001", value: float = 310) -> Path:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:pat1",
                "resource": {
                    "resourceType": "Patient",
                    "id": "pat1",
                    "identifier": [{"value": patient}],
                    "gender": "female",
                    "birthDate": "1984-04-04",
                },
            },
            {
                "fullUrl": "urn:uuid:obs1",
                "resource": {
                    "resourceType": "Observation",
                    "id": "obs1",
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "2842-3"}]},
                    "subject": {"reference": "Patient/pat1"},
                    "effectiveDateTime": when,
                    "valueQuantity": {"value": value, "unit": "ng/mL", "code": "ng/mL"},
                    "specimen": {"reference": "Specimen/sp1"},
                },
            },
            {
                "fullUrl": "urn:uuid:sp1",
                "resource": {
                    "resourceType": "Specimen",
                    "id": "sp1",
                    "accessionIdentifier": {"value": "ACC-555"},
                },
            },
        ],
    }
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def _oru(path: Path, when: str) -> Path:
    lines = [
        "MSH|^~\\&|LIS|LAB|EHR|HOSP|20261101120000||ORU^R01|C1|P|2.5",
        "PID|1||Z5001||SYN^ANNA||19840404|F",
        f"OBR|1|O1|ACC-555|PANEL^Panel|||{when}",
        "OBX|1|NM|2842-3^Prolactin^LN||310|ng/mL|4.8-23.3||||F",
    ]
    path.write_bytes(("\r".join(lines) + "\r").encode())
    return path


def test_the_same_instant_in_utc_is_the_acknowledged_result(
    tmp_path: Path, history_url: str
) -> None:
    first = _run(
        tmp_path, "o1", _fhir(tmp_path / "a.json", "2026-11-01T09:00:00+01:00"), history_url
    )
    (stored,) = _ids(first)
    _ack(history_url, stored)
    again = _run(tmp_path, "o2", _fhir(tmp_path / "b.json", "2026-11-01T08:00:00Z"), history_url)
    assert _ids(again) == [stored]
    assert again.urgent and all(ACKED in line for line in again.urgent), again.urgent
    assert "another value" not in _warnings(again)


def test_an_hl7_time_with_an_offset_and_a_fhir_time_in_utc_are_one_sample(
    tmp_path: Path, history_url: str
) -> None:
    first = _run(tmp_path, "o1", _oru(tmp_path / "a.hl7", "202611010900+0100"), history_url)
    (stored,) = _ids(first)
    _ack(history_url, stored)
    again = _run(tmp_path, "o2", _fhir(tmp_path / "b.json", "2026-11-01T08:00:00Z"), history_url)
    assert _ids(again) == [stored]
    assert all(ACKED in line for line in again.urgent), again.urgent


# -- 2. a censored result completed by its dilution ---------------------------------------------
def _censored_then(
    tmp: Path, url: str, censored: str, number: str, header: str = HEADER
) -> tuple[int, Any]:
    first = _run(
        tmp,
        "o1",
        _csv(tmp / "first.csv", f"S7,D1,M,1970-01-01,2026-11-01 08:30,{censored}", header),
        url,
    )
    (stored,) = _ids(first)
    _ack(url, stored)
    again = _run(
        tmp,
        "o2",
        _csv(tmp / "second.csv", f"S7,D1,M,1970-01-01,2026-11-01 08:30,{number}", header),
        url,
    )
    return stored, again


def test_a_diluted_value_completes_the_censored_urgent_result(
    tmp_path: Path, history_url: str
) -> None:
    stored, again = _censored_then(tmp_path, history_url, ">4240 mIU/L", "8900 mIU/L")
    assert _ids(again) == [stored]
    assert "another value" not in _warnings(again)
    assert again.urgent and all(ACKED in line for line in again.urgent), again.urgent
    history = open_history(history_url)
    try:
        rows = history.results_of("D1")
    finally:
        history.close()
    assert len(rows) == 1 and rows["qualifier"].iloc[0] == ""
    assert float(rows["prolactin_value"].iloc[0]) == 8900


def test_a_dilution_in_another_unit_and_german_headers(tmp_path: Path, history_url: str) -> None:
    header = "Probennummer,Patienten-ID,Geschlecht,Geburtsdatum,Entnahme,Prolaktin"
    stored, again = _censored_then(tmp_path, history_url, "> 200 µg/l", "8900 mIU/L", header)
    assert _ids(again) == [stored]
    assert "another value" not in _warnings(again)


def test_a_reassay_below_a_lower_bound_is_the_same_result(tmp_path: Path, history_url: str) -> None:
    stored, again = _censored_then(tmp_path, history_url, "<25 mIU/L", "18 mIU/L")
    assert _ids(again) == [stored]
    assert "another value" not in _warnings(again)


def test_a_value_the_bound_excludes_is_still_a_conflict(tmp_path: Path, history_url: str) -> None:
    stored, again = _censored_then(tmp_path, history_url, ">4240 mIU/L", "3000 mIU/L")
    assert _ids(again) != [stored]
    assert "another value" in _warnings(again)


# -- 3. a possibly urgent entry closed by the triaged row ----------------------------------------
def test_a_not_triaged_entry_is_closed_when_the_row_comes_back_with_its_unit(
    tmp_path: Path, history_url: str
) -> None:
    line = "S1,N1,F,1985-01-01,2026-11-01 08:30,450"
    first = _run(tmp_path, "o1", _csv(tmp_path / "nounit.csv", line), history_url)
    assert any("not triaged" in u for u in first.urgent)
    fixed = _csv(tmp_path / "fixed.csv", line + ",mIU/L", HEADER + ",Unit")
    again = _run(tmp_path, "o2", fixed, history_url, LATER)
    assert not any("not triaged" in u for u in again.urgent), again.urgent
    assert again.fail_on_matches == 0 or not again.urgent
    assert "N1" not in overdue_patients(history_url, LATER)


def test_a_not_triaged_entry_with_german_headers_is_closed_too(
    tmp_path: Path, history_url: str
) -> None:
    header = "Probennummer,Patienten-ID,Geschlecht,Geburtsdatum,Entnahme,Prolaktin"
    line = "P-9,N2,F,1985-01-01,2026-11-01 08:30,450"
    _run(tmp_path, "o1", _csv(tmp_path / "ohne.csv", line, header), history_url)
    fixed = _csv(tmp_path / "mit.csv", line + ",mIU/l", header + ",Einheit")
    again = _run(tmp_path, "o2", fixed, history_url, LATER)
    assert not any("not triaged" in u for u in again.urgent), again.urgent
    assert "N2" not in overdue_patients(history_url, LATER)


# -- 4. history show of one id and two people ----------------------------------------------------
def _two_people(tmp: Path, url: str, second: str) -> Any:
    header = "Patient ID,Sex,DOB,Collected,Prolactin (mIU/L)"
    _run(tmp, "o1", _csv(tmp / "a.csv", "P7001,M,1970-05-05,2026-10-01 09:00,300", header), url)
    _run(tmp, "o2", _csv(tmp / "b.csv", f"P7001,{second},2026-11-01 09:00,900", header), url)
    return [
        CliRunner().invoke(app, ["history", "show", "P7001", "--history", url, *fmt])
        for fmt in ([], ["--format", "json"], ["--format", "csv"])
    ]


def test_history_show_never_lists_two_people_as_one_series(
    tmp_path: Path, history_url: str
) -> None:
    table, as_json, as_csv = _two_people(tmp_path, history_url, "F,1991-08-08")
    assert "2 people" in table.output and "person" in table.stdout.splitlines()[0]
    rows = json.loads(as_json.stdout)
    assert [(r["person"], r["sex"], r["birth_date"]) for r in rows] == [
        (1, "M", "1970-05-05"),
        (2, "F", "1991-08-08"),
    ]
    assert "person" in as_csv.stdout.splitlines()[0] and "2 people" in as_csv.output


def test_another_birth_date_alone_is_another_person(tmp_path: Path, history_url: str) -> None:
    table, as_json, _ = _two_people(tmp_path, history_url, "M,2026-10-20")  # a neonate's number
    assert "2 people" in table.output
    assert [r["person"] for r in json.loads(as_json.stdout)] == [1, 2]
