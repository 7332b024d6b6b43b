"""Interoperability faults found by the outside review of stop 30, each fixed as a class: FHIR
Conditions read without regard to the sample's time, preliminary results superseded across
runs of the history, withdrawals missing from the history export, time-zone offsets relabelled
in the FHIR output, HL7 issuers ignored, lab flags and comments written as patient Conditions,
patients' own names and birth dates left in free text under --redact, and HL7 requesters and
locations not read."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fhir.resources.R4B.bundle import Bundle
from pipeline_helpers import prolactin_bundle
from typer.testing import CliRunner

from triage.cli import app
from triage.history import HistoryOptions, overdue_urgent
from triage.history.store import open_history
from triage.io.fhir import HEADER, bundle_grid
from triage.knowledge import load_knowledge
from triage.output.redact import Redactor
from triage.pipeline import TriageRequest, run_triage

PROLACTIN = "2842-3^Prolactin^LN"
PREGNANCY = {"coding": [{"system": "http://snomed.info/sct", "code": "77386006"}]}


def _bundle(conditions: list[dict[str, Any]], when: str = "2026-03-01T08:00:00+01:00") -> bytes:
    bundle = prolactin_bundle(
        {"birthDate": "1990-05-05"},
        effectiveDateTime=when,
        valueQuantity={"value": 150, "unit": "ng/mL"},
    )
    for number, condition in enumerate(conditions):
        bundle["entry"].append(
            {
                "resource": {
                    "resourceType": "Condition",
                    "id": f"c{number}",
                    "subject": {"reference": "Patient/p1"},
                    **condition,
                }
            }
        )
    return json.dumps(bundle).encode()


def _row(
    conditions: list[dict[str, Any]], when: str = "2026-03-01T08:00:00+01:00"
) -> dict[str, str]:
    grid = bundle_grid("b.json", _bundle(conditions, when))
    return dict(zip(HEADER, grid.rows[1], strict=True))


def _status(code: str) -> dict[str, Any]:
    system = "http://terminology.hl7.org/CodeSystem/condition-clinical"
    return {"clinicalStatus": {"coding": [{"system": system, "code": code}]}}


# Conditions of every kind the reader maps: pregnancy by code, the fields this tool writes by
# their text, and a free-text one (comments)
KINDS = [
    ({"code": PREGNANCY}, "pregnant", "yes"),
    ({"code": {"text": "Lactating, 6 weeks postpartum"}}, "lactating", "yes"),
    ({"code": {"text": "Dialysis"}}, "dialysis", "yes"),
    ({"code": {"text": "Kidney transplant"}}, "kidney_transplant", "yes"),
    ({"code": {"text": "Liver disease: cirrhosis"}}, "liver_disease", "cirrhosis"),
    ({"code": {"text": "Pituitary lesion: microadenoma 6 mm"}}, "pituitary_lesion", "microadenoma"),
    ({"code": {"text": "Primary hypothyroidism"}}, "comments", "hypothyroidism"),
]


@pytest.mark.parametrize(("condition", "field", "said"), KINDS)
@pytest.mark.parametrize(
    "timing",
    [
        {"onsetDateTime": "2026-06-01"},
        {"onsetDateTime": "2026-03-01T09:00:00+01:00"},
        {"onsetPeriod": {"start": "2026-04-01"}},
    ],
)
def test_a_condition_that_began_after_the_sample_does_not_count(
    condition: dict[str, Any], field: str, said: str, timing: dict[str, Any]
) -> None:
    assert said in _row([{**condition, **_status("active")}])[field]  # it counts when it held
    assert said not in _row([{**condition, **_status("active"), **timing}])[field]


@pytest.mark.parametrize(("condition", "field", "said"), KINDS)
@pytest.mark.parametrize(
    "timing",
    [
        {"abatementDateTime": "2025-06-01"},
        {"abatementPeriod": {"start": "2025-05-01", "end": "2025-06-01"}},
        {"abatementDateTime": "2026-03-01T07:00:00"},
        {"abatementBoolean": True},
        {"abatementString": "last year"},
        _status("resolved"),
        _status("inactive"),
        _status("remission"),
    ],
)
def test_a_condition_that_ended_before_the_sample_does_not_count(
    condition: dict[str, Any], field: str, said: str, timing: dict[str, Any]
) -> None:
    assert said not in _row([{**condition, **timing}])[field]


@pytest.mark.parametrize(("condition", "field", "said"), KINDS)
def test_a_condition_resolved_since_the_sample_held_when_it_was_taken(
    condition: dict[str, Any], field: str, said: str
) -> None:
    """clinicalStatus is today's; an abatement after the sample says it held then."""
    held = {**condition, **_status("resolved"), "abatementDateTime": "2026-05-20"}
    assert said in _row([{**held, "onsetDateTime": "2025-09-01"}])[field]


def test_each_result_is_judged_with_the_conditions_of_its_own_time() -> None:
    """Two results of one patient either side of a pregnancy's onset: only the later one is
    during it."""
    data = json.loads(_bundle([{"code": PREGNANCY, "onsetDateTime": "2026-02-01"}]))
    later = json.loads(json.dumps(data["entry"][1]))
    later["resource"]["id"] = "o2"
    later["resource"]["effectiveDateTime"] = "2026-04-01T08:00:00"
    data["entry"][1]["resource"]["effectiveDateTime"] = "2026-01-05T08:00:00"
    data["entry"].insert(2, later)
    grid = bundle_grid("b.json", json.dumps(data).encode())
    pregnant = [dict(zip(HEADER, row, strict=True))["pregnant"] for row in grid.rows[1:]]
    assert pregnant == ["", "yes"]


def test_a_pregnancy_after_the_sample_explains_no_high_result(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_bytes(
        _bundle([{"code": PREGNANCY, **_status("active"), "onsetDateTime": "2026-06-01"}])
    )
    results = run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True)
    ).results
    row = results.iloc[0]
    assert row["status"] == "high"
    assert "pregnancy" not in str(row["factors"])


# -- the history: a later final result supersedes an earlier preliminary one ----------------

T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=2)  # past the time an urgent result must be acknowledged in
runner = CliRunner()


def _oru(control: str, specimen: str, value: str, status: str, test: str = PROLACTIN) -> str:
    return "\r".join(
        [
            f"MSH|^~\\&|LIS|LAB|EHR|HOSP|20261101090000||ORU^R01|{control}|P|2.5",
            "PID|1||P1^^^HOSP^MR||SYN^ANNA||19900101|F",
            f"OBR|1|O{control}|{specimen}|PANEL^Panel|||20261101083000",
            f"OBX|1|NM|{test}||{value}|ng/mL|4.8-23.3||||{status}",
        ]
    )


def _hl7(path: Path, *messages: str) -> Path:
    path.write_bytes(("\r".join(messages) + "\r").encode())
    return path


def _history_run(tmp: Path, name: str, source: Path, url: str, hours: int) -> None:
    request = TriageRequest(
        inputs=[source], out_dir=tmp / name, history=HistoryOptions(location=url), jobs=1
    )
    run_triage(request, now=T0 + timedelta(hours=hours))


def _overdue(url: str) -> list[str]:
    thresholds = load_knowledge("default").thresholds
    return overdue_urgent(HistoryOptions(location=url), LATER, thresholds)["patient_id"].tolist()


@pytest.mark.parametrize("final", ["F", "C", "U", ""])
def test_a_final_result_in_a_later_file_supersedes_the_preliminary_one(
    tmp_path: Path, history_url: str, final: str
) -> None:
    _history_run(
        tmp_path, "o1", _hl7(tmp_path / "p1.hl7", _oru("1", "S1", "300", "P")), history_url, 0
    )
    assert _overdue(history_url) == ["P1"]
    later = _hl7(tmp_path / "p2.hl7", _oru("2", "S1", "30", final))
    _history_run(tmp_path, "o2", later, history_url, 1)
    assert _overdue(history_url) == []  # the superseded 300 is no longer reminded
    with open_history(history_url) as history:
        stored = history.results_of("P1")
    assert stored["prolactin_ng_ml"].tolist() == [300.0, 30.0]
    assert stored["withdrawn"].iloc[1] == ""
    said = "superseded by the final result" if final != "C" else "corrected (OBX-11 C)"
    assert said in stored["withdrawn"].iloc[0] and "p2.hl7 row 4" in stored["withdrawn"].iloc[0]
    shown = runner.invoke(app, ["history", "show", "P1", "--history", history_url])
    assert shown.exit_code == 0 and said in shown.output


def test_a_final_result_leaves_an_earlier_final_and_other_specimens_alone(
    tmp_path: Path, history_url: str
) -> None:
    """Only a preliminary result is superseded by a final one: an earlier final (a second
    export of the specimen) and a preliminary of another specimen or a TSH line stay."""
    first = _hl7(
        tmp_path / "first.hl7",
        _oru("1", "S1", "300", "F"),
        _oru("2", "S2", "310", "P"),
    )
    _history_run(tmp_path, "o1", first, history_url, 0)
    later = _hl7(
        tmp_path / "later.hl7",
        _oru("3", "S1", "30", "F"),
        _oru("4", "S3", "20", "F"),
        _oru("5", "S2", "2.0", "F", "3016-3^TSH^LN"),
    )
    _history_run(tmp_path, "o2", later, history_url, 1)
    assert sorted(_overdue(history_url)) == ["P1", "P1"]
    with open_history(history_url) as history:
        assert set(history.results_of("P1")["withdrawn"]) == {""}


def test_a_preliminary_result_in_a_later_file_supersedes_nothing(
    tmp_path: Path, history_url: str
) -> None:
    _history_run(
        tmp_path, "o1", _hl7(tmp_path / "a.hl7", _oru("1", "S1", "300", "P")), history_url, 0
    )
    _history_run(
        tmp_path, "o2", _hl7(tmp_path / "b.hl7", _oru("2", "S1", "310", "P")), history_url, 1
    )
    assert _overdue(history_url) == ["P1", "P1"]


def test_the_export_tells_withdrawn_and_superseded_results_apart(
    tmp_path: Path, history_url: str
) -> None:
    first = _hl7(
        tmp_path / "first.hl7",
        _oru("1", "S1", "300", "P"),
        _oru("2", "S2", "310", "F"),
        _oru("3", "S3", "320", "F"),
    )
    _history_run(tmp_path, "o1", first, history_url, 0)
    later = _hl7(tmp_path / "later.hl7", _oru("4", "S1", "30", "F"), _oru("5", "S2", "310", "W"))
    _history_run(tmp_path, "o2", later, history_url, 1)
    for kind in ("csv", "parquet"):
        out = tmp_path / f"export.{kind}"
        done = runner.invoke(
            app, ["history", "export", "--out", str(out), "--history", history_url]
        )
        assert done.exit_code == 0, done.output
        frame = pd.read_csv(out, dtype=str) if kind == "csv" else pd.read_parquet(out)
        said = dict(zip(frame["prolactin_raw"], frame["withdrawn"].fillna(""), strict=True))
        assert (
            said["300"].startswith("superseded by the final result")
            and "later.hl7 row" in said["300"]
        )
        assert said["310"].startswith("withdrawn by the lab") and "status W" in said["310"]
        assert said["320"] == said["30"] == ""


# -- FHIR output: the lab's flag and free comments are no patient Condition -----------------


def _fhir_run(tmp: Path, source: Path, name: str, *more: str) -> dict[str, Any]:
    out = tmp / name
    done = runner.invoke(app, ["run", str(source), "--out", str(out), "--fhir", "--quiet", *more])
    assert done.exit_code == 0, done.output
    data = json.loads((out / "results.fhir.json").read_text(encoding="utf-8"))
    Bundle.model_validate(data)  # raises on any invalid resource
    return data


def _of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


FLAGGED = "\r".join(
    [
        "MSH|^~\\&|LIS|LAB|EHR|HOSP|20261101090000||ORU^R01|F1|P|2.5",
        "PID|1||P1^^^HOSP^MR||SYN^ANNA||19900101|F",
        "OBR|1|O1|S1|PANEL^Panel|||20261101083000",
        "OBX|1|NM|2842-3^Prolactin^LN||80|ng/mL|4.8-23.3|HH|||F",
        "NTE|1||Patient on risperidone 4 mg daily",
    ]
)


def test_a_lab_flag_and_a_comment_are_notes_not_conditions(tmp_path: Path) -> None:
    source = _hl7(tmp_path / "flag.hl7", FLAGGED)
    bundle = _fhir_run(tmp_path, source, "out")
    texts = [c["code"]["text"] for c in _of(bundle, "Condition")]
    assert not [t for t in texts if "OBX-8" in t or "risperidone" in t or "Comments" in t]
    notes = [n["text"] for o in _of(bundle, "Observation") for n in o.get("note", [])]
    assert any(n.startswith("Input comments:") and "risperidone 4 mg" in n for n in notes)
    # read back, the comment still names the drug: the same decision
    again = tmp_path / "again"
    back = runner.invoke(
        app, ["run", str(tmp_path / "out" / "results.fhir.json"), "--out", str(again), "-q"]
    )
    assert back.exit_code == 0, back.output
    first, second = (
        pd.read_csv(d / "results.csv", dtype=str).iloc[0] for d in (tmp_path / "out", again)
    )
    for column in ("status", "band", "priority", "factors"):
        assert first[column] == second[column]
    assert "antipsychotic" in first["factors"]


def test_conditions_the_row_states_are_still_conditions(tmp_path: Path) -> None:
    stated = "ID,Sex,Age,Prolactin (ng/mL),Dialysis,Liver disease,Comments\n"
    source = tmp_path / "rows.csv"
    source.write_text(f"{stated}C1,F,40,60,yes,cirrhosis,see letter\n", encoding="utf-8")
    bundle = _fhir_run(tmp_path, source, "out")
    texts = sorted(c["code"]["text"] for c in _of(bundle, "Condition"))
    assert texts == ["Dialysis", "Liver disease: cirrhosis"]
    redacted = _fhir_run(tmp_path, source, "red", "--redact", "--redact-key", "k")
    notes = [n["text"] for o in _of(redacted, "Observation") for n in o.get("note", [])]
    assert not [n for n in notes if n.startswith("Input comments")]  # free text: left out


# -- --redact: the patient's own name parts and birth date in free text ---------------------

NAME = "O'Brien-Smith, Anne-Marie"
BORN = "1985-04-12"


def _redacted_evidence(text: str, name: str = NAME, born: str = BORN) -> str:
    """``text`` as a cell the evidence quotes (``comments: '...'``), redacted: only what is
    quoted from the row's cells is scrubbed, never the tool's own words around it."""
    lead = "comments: '"
    frame = pd.DataFrame(
        {
            "patient_id": ["R1"],
            "patient_name": [name],
            "birth_date": [pd.Timestamp(born)],
            "factor_evidence": [f"{lead}{text}'"],
        }
    )
    said = str(Redactor.for_run(b"k").redact_results(frame)["factor_evidence"].iloc[0])
    assert said.startswith(lead) and said.endswith("'")
    return said[len(lead) : -1]


@pytest.mark.parametrize(
    "written",
    [
        "O'Brien-Smith",
        "O BRIEN SMITH",
        "OBrien Smith",
        "o’brien-smith",
        "Mrs Smith",
        "Ms O'Brien",
        "BRIEN",
        "Anne Marie",
        "ANNE-MARIE",
        "anne",
        "Marie",
    ],
)
def test_every_part_of_a_compound_name_is_replaced(written: str) -> None:
    said = _redacted_evidence(f"pt {written} reports visual blurring on haloperidol")
    for part in ("brien", "smith", "anne", "marie"):
        assert part not in said.casefold(), said
    assert said.startswith("pt ") and said.endswith("reports visual blurring on haloperidol")


# ISO, d/m/y, m/d/y, d.m.y, d-m-y, zero-padded or not, 4- or 2-digit year, HL7's digits
BIRTH_FORMS = "1985-04-12 12/04/1985 12/4/1985 04/12/1985 4/12/85 12.04.1985 12.4.85 12-04-85"


@pytest.mark.parametrize("written", [*BIRTH_FORMS.split(), "19850412", "1985/04/12"])
def test_the_birth_date_is_replaced_in_every_written_form(written: str) -> None:
    said = _redacted_evidence(f"DOB {written} on risperidone 4 mg, TSH 12.04 mIU/L")
    assert written not in said
    assert said == "DOB [redacted] on risperidone 4 mg, TSH 12.04 mIU/L"


def test_an_excerpt_cut_inside_the_birth_date_leaves_no_part_of_it() -> None:
    assert _redacted_evidence("…seen today, born 1985-04…") == "…seen today, born [redacted]…"
    assert _redacted_evidence("…04/1985 on cabergoline") == "…[redacted] on cabergoline"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Da Silva, Li", "on haloperidol and risperidone; dopamine agonist stopped; lithium"),
        ("Stress-Ward, Al", "stressful week; prolactin 45 ng/mL; seen on 12/04/2026"),
        ("De la Cruz, Ana", "Amisulpride 400 mg; macroprolactin screen; anaemia; Cruzeiro"),
    ],
)
def test_drug_names_clinical_words_and_other_dates_stay(name: str, text: str) -> None:
    assert _redacted_evidence(text, name) == text


def _without_digests_and_clock(text: str) -> str:
    """The text without hex digests (sha256 of the outputs, which change with the run's time)
    and the run's clock times: "1985" may be in a digest or in the microseconds by chance."""
    text = re.sub(r"[0-9a-f]{16,}", "", text)
    return re.sub(r"\d{2}:\d{2}:\d{2}(\.\d+)?", "", text)


def test_redact_leaves_the_name_and_birth_date_in_no_output(tmp_path: Path) -> None:
    note = (
        "DOB 12/04/1985 on haloperidol; pt O BRIEN SMITH Anne Marie reports visual blurring. "
        "Mrs Smith seen 4/12/85"
    )
    message = "\r".join(
        [
            "MSH|^~\\&|LIS|LAB|EHR|HOSP|20261101090000||ORU^R01|R1|P|2.5",
            "PID|1||R1^^^HOSP^MR||O'Brien-Smith^Anne-Marie||19850412|F",
            "OBR|1|O1|S1|PANEL^Panel|||20261101083000",
            "OBX|1|NM|2842-3^Prolactin^LN||90|ng/mL|4.8-23.3|H|||F",
            f"NTE|1||{note}",
        ]
    )
    source = _hl7(tmp_path / "red.hl7", message)
    _fhir_run(tmp_path, source, "out", "--redact", "--redact-key", "k")
    out = tmp_path / "out"
    for path in out.iterdir():
        if path.suffix in (".csv", ".json", ".html", ".txt"):
            text = _without_digests_and_clock(path.read_text(encoding="utf-8").casefold())
            for secret in ("brien", "smith", "anne marie", "anne-marie", "1985", "4/12/85"):
                assert secret not in text, (path.name, secret)
    assert "haloperidol" in (out / "results.csv").read_text(encoding="utf-8")


# -- HL7: the ordering provider and the patient's location ----------------------------------


def _ordered(pv1: str, orc: str, obr16: str) -> str:
    obr = "OBR|1|O1|S1|PANEL^Panel|||20261101083000" + "|" * 9 + obr16
    segments = [
        "MSH|^~\\&|LIS|LAB|EHR|HOSP|20261101090000||ORU^R01|Q1|P|2.5",
        "PID|1||P1^^^HOSP^MR||SYN^ANNA||19900101|F",
        *([pv1] if pv1 else []),
        *([f"ORC|RE{'|' * 11}{orc}"] if orc else []),
        obr,
        "OBX|1|NM|2842-3^Prolactin^LN||300|ng/mL|4.8-23.3||||F",
    ]
    return "\r".join(segments)


@pytest.mark.parametrize(
    ("pv1", "orc", "obr16", "clinician", "location"),
    [
        ("PV1|1|I|WARD7^12^B^CITYHOSP", "", "G9^Brown^Tom^^^Dr", "Dr Tom Brown", "WARD7 12 B"),
        ("PV1|1|O|ENDO CLINIC", "G123^Lee^Anna", "", "Anna Lee", "ENDO CLINIC"),
        ("PV1|1|O|^^^CITYHOSP", "G123^Lee^Anna", "G9^Brown^Tom", "Tom Brown", "CITYHOSP"),
        ("PV1|1|O|^^^^^^^^Day unit", "G123", "", "G123", "Day unit"),
        ("", "", "", "", ""),
    ],
)
def test_hl7_gives_the_requester_and_the_location(
    tmp_path: Path, pv1: str, orc: str, obr16: str, clinician: str, location: str
) -> None:
    source = _hl7(tmp_path / "ordered.hl7", _ordered(pv1, orc, obr16))
    request = TriageRequest(inputs=[source], out_dir=tmp_path / "out", keep_results=True)
    row = run_triage(request).results.iloc[0]
    said = [row[c] for c in ("requesting_clinician", "location")]
    assert ["" if pd.isna(v) else v for v in said] == [clinician, location]
    page = (tmp_path / "out" / "patients.html").read_text(encoding="utf-8")
    assert all(said in page for said in (clinician, location) if said)


# -- FHIR output: the collection time keeps the offset the input wrote ----------------------


def _effective(bundle: dict[str, Any]) -> list[str]:
    return [o["effectiveDateTime"] for o in _of(bundle, "Observation") if "extension" in o]


# OBR-7 / SPM-17 / OBX-14 -> the offset written (the first time given is the collection time)
HL7_TIMES = """
20261101083000+0100 / / -> +01:00
202611010830-0500 / / -> -05:00
20261101083000+0000 / / -> +00:00
20261101083000.123+0530 / / -> +05:30
 / 20261101083000+0200 / -> +02:00
 / / 20261101083000-0300 -> -03:00
20261101083000+0100 / 20261101083000-0700 / -> +01:00
""".strip("\n").splitlines()


@pytest.mark.parametrize("case", HL7_TIMES)
def test_an_hl7_time_keeps_its_offset_in_the_bundle(tmp_path: Path, case: str) -> None:
    times, offset = case.split(" -> ")
    obr7, spm17, obx14 = (t.strip() for t in times.split("/"))
    written = f"2026-11-01T08:30:00{offset}"
    segments = [
        "MSH|^~\\&|LIS|LAB|EHR|HOSP|20261101090000||ORU^R01|T1|P|2.5",
        "PID|1||P1^^^HOSP^MR||SYN^ANNA||19900101|F",
        f"OBR|1|O1|S1|PANEL^Panel|||{obr7}",
        *([f"SPM|1|S1{'|' * 15}{spm17}"] if spm17 else []),
        f"OBX|1|NM|2842-3^Prolactin^LN||30|ng/mL|4.8-23.3||||F|||{obx14}",
    ]
    source = _hl7(tmp_path / "t.hl7", "\r".join(segments))
    bundle = _fhir_run(tmp_path, source, "out")
    assert _effective(bundle) == [written]
    results = pd.read_csv(tmp_path / "out" / "results.csv", dtype=str)
    assert results["collected_at"].tolist() == ["2026-11-01T08:30:00"]  # as written, as before
    # read back: the same instant again
    assert _effective(_fhir_run(tmp_path, tmp_path / "out" / "results.fhir.json", "back")) == [
        written
    ]


@pytest.mark.parametrize(
    ("effective", "written"),
    [
        ("2026-03-01T08:00:00+01:00", "2026-03-01T08:00:00+01:00"),
        ("2026-03-01T08:00:00Z", "2026-03-01T08:00:00+00:00"),
        ("2026-03-01T08:00:00-04:00", "2026-03-01T08:00:00-04:00"),
        ("2026-03-01", "2026-03-01"),
    ],
)
def test_a_fhir_time_keeps_its_offset(tmp_path: Path, effective: str, written: str) -> None:
    source = tmp_path / "b.json"
    source.write_text(json.dumps(prolactin_bundle(effectiveDateTime=effective)), encoding="utf-8")
    assert _effective(_fhir_run(tmp_path, source, "out")) == [written]


def test_a_time_without_offset_takes_the_computers_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        source = tmp_path / "rows.csv"
        header = "ID,Sex,Age,Collected,Prolactin (ng/mL)"
        source.write_text(f"{header}\nZ1,F,40,2026-07-01 08:30,30\n", encoding="utf-8")
        assert _effective(_fhir_run(tmp_path, source, "out")) == ["2026-07-01T08:30:00-04:00"]
        offset = tmp_path / "offset.csv"
        header = "ID,Sex,Age,Collected,UTC offset,Prolactin (ng/mL)"
        offset.write_text(f"{header}\nZ1,F,40,2026-07-01 08:30,+01:00,30\n", encoding="utf-8")
        assert _effective(_fhir_run(tmp_path, offset, "out2")) == ["2026-07-01T08:30:00+01:00"]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


# -- HL7: PID-3.4, the assigning authority, tells patients apart ----------------------------


def _issued(control: str, pid3: str, name: str, when: str, value: str, status: str = "F") -> str:
    return "\r".join(
        [
            f"MSH|^~\\&|LIS|LAB|EHR|HOSP|20260301100000||ORU^R01|{control}|P|2.5.1",
            f"PID|1||{pid3}||{name}^Test||19800101|F",
            f"OBR|1||S{control}|2842-3^Prolactin^LN|||{when}",
            f"OBX|1|NM|2842-3^Prolactin^LN||{value}|ng/mL|4.8-23.3||||{status}",
        ]
    )


@pytest.mark.parametrize(
    ("north", "south", "issuers"),
    [
        ("5555^^^NORTH^MR", "5555^^^SOUTH^MR", ["NORTH", "SOUTH"]),
        ("5555^^^NORTH&1.2.3&ISO^MR", "5555^^^SOUTH&1.2.4&ISO^MR", ["NORTH", "SOUTH"]),
        ("5555^^^&1.2.3&ISO^MR", "5555^^^&1.2.4&ISO^MR", ["1.2.3", "1.2.4"]),
        ("X9^^^OLD^AN~5555^^^NORTH^MR", "5555^^^SOUTH^MR", ["NORTH", "SOUTH"]),
    ],
)
def test_the_same_number_from_two_issuers_is_two_patients(
    tmp_path: Path, north: str, south: str, issuers: list[str]
) -> None:
    source = _hl7(
        tmp_path / "iss.hl7",
        _issued("1", north, "North", "20260201083000", "200"),
        _issued("2", south, "South", "20260301083000", "180"),
    )
    url = f"sqlite:///{tmp_path / 'h.db'}"
    request = TriageRequest(
        inputs=[source],
        out_dir=tmp_path / "out",
        history=HistoryOptions(location=url),
        keep_results=True,
    )
    results = run_triage(request, now=T0).results
    assert results["patient_issuer"].tolist() == issuers
    page = (tmp_path / "out" / "patients.html").read_text(encoding="utf-8")
    assert page.count('class="patient"') == 2  # each page with its own result only
    assert page.count("2026-02-01") == page.count("2026-03-01") == 1
    with open_history(url) as history:
        stored = history.results_of("5555")
    assert stored["issuer"].tolist() == issuers
    assert stored["trend"].tolist() == ["new", "new"]  # never compared with the other's


def test_the_same_issuer_across_files_is_the_same_patient(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    first = _hl7(
        tmp_path / "a.hl7", _issued("1", "5555^^^NORTH^MR", "North", "20260201083000", "20")
    )
    later = _hl7(
        tmp_path / "b.hl7",
        _issued("2", "5555^^^NORTH^MR", "North", "20260301083000", "60"),
        _issued("3", "5555^^^SOUTH^MR", "South", "20260301083000", "300"),
        _issued("4", "5555^^^SOUTH^MR", "South", "20260201083000", "25", "W"),
    )
    _history_run(tmp_path, "o1", first, url, 0)
    _history_run(tmp_path, "o2", later, url, 1)
    with open_history(url) as history:
        north = history.results_of("5555", issuer="NORTH")
        south = history.results_of("5555", issuer="SOUTH")
    assert north["trend"].tolist() == ["new", "rising"]
    assert north["withdrawn"].tolist() == ["", ""]  # SOUTH's W withdraws nothing of NORTH's
    assert south["trend"].tolist() == ["new"]
