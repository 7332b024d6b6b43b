"""Review 19: what the outputs pass on to the people and systems that act on them.

5. summary.html, the page a lab triages a batch from, says what the results history knows (output
   contract extensions, urgent.txt and ``ack``): each urgent result the history holds as
   acknowledged says so, by whom and when (the banner heading counts them, as stderr does), the
   others "not yet acknowledged"; the urgent results of earlier runs nobody acknowledged in
   ``ack_within_hours`` are listed in a section of their own with the command that acknowledges
   them, the same items as urgent.txt's NOT YET ACKNOWLEDGED lines.  Before, a re-sent
   acknowledged result still read "1 urgent result - review today" with no word of it, and the
   reminders were only on stderr and in urgent.txt.
6. The lab's critical flags (v3-ObservationInterpretation HH "Critical high", LL "Critical
   low"; HL7 OBX-8, a flag column, a flag beside the number, critical words of the six
   languages) are written as HH / LL in results.fhir.json, also under --redact (a flag names
   nobody), and the Bundle read back keeps them.  Before: H / L.
7. results.fhir.json keeps the identifier system the input gave (a FHIR Identifier.system, an HL7
   assigning authority that is an OID or a URI), so that ``Patient?identifier=urn:oid:...|id``
   finds the patient; the tool's own NamingSystem only when the input gave none, and under
   --redact, where the id is a keyed token that belongs to no hospital's system.

Synthetic patients only; in process (run_triage).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from history_fixtures import run_with_history

from triage.history import HistoryOptions
from triage.history.store import open_history
from triage.io.identifiers import identifier_system
from triage.output import OutputOptions
from triage.pipeline import TriageOutcome, TriageRequest, run_triage
from triage.values import flag_direction, flag_is_critical

T0 = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
LAB = "Patient ID,Sex,Age,Lab No,Collected,Prolactin (mIU/L)\n"
# two results above 5,000 mIU/L (urgent, contract §7) and one normal result
FIRST = LAB + (
    "P100,F,34,S1,2026-12-03 08:00,7000\n"
    "P200,F,40,S2,2026-12-03 09:00,6500\n"
    "P300,F,30,S3,2026-12-03 10:00,300\n"
)
TOOL = "https://prolactin-triage.example.org/fhir/NamingSystem/"
V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
MSH = "MSH|^~\\&|LIS|CITYLAB|TRIAGE|ENDO|202603011030||ORU^R01^ORU_R01|M{n}|P|2.5.1"


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------
def _text(html: str) -> str:
    """The visible words of a page's body, one space between them."""
    body = html[max(html.find("<body"), 0) :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def _section(html: str, css_class: str) -> str:
    found = re.search(rf'<section class="{css_class}".*?</section>', html, re.S)
    return _text(found.group(0)) if found else ""


def _banner_lines(html: str) -> dict[str, str]:
    """The urgent banner's lines by patient id (its first word)."""
    found = re.search(r'<section class="urgent-banner".*?</ul>', html, re.S)
    assert found, "no urgent banner"
    items = re.findall(r"<li>(.*?)</li>", found.group(0), re.S)
    return {_text("<body>" + i).split()[0]: _text("<body>" + i) for i in items}


def _run(tmp: Path, name: str, source: Path, *, redact: bool = False) -> TriageOutcome:
    """A run of ``source`` with --fhir (and --redact) into tmp/name."""
    options = OutputOptions(fhir=True, redact=redact, redact_key=b"k" * 32 if redact else None)
    return run_triage(
        TriageRequest(
            inputs=[source], out_dir=tmp / name, keep_results=True, output_options=options
        )
    )


def _bundle(tmp: Path, name: str) -> dict[str, Any]:
    bundle: dict[str, Any] = json.loads((tmp / name / "results.fhir.json").read_text("utf-8"))
    return bundle


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _prolactin(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        o
        for o in _resources(bundle, "Observation")
        if o["code"]["coding"][0]["code"] in ("2842-3", "15081-3")
    ]


def _lab_flags(bundle: dict[str, Any]) -> dict[str, str]:
    """The lab's own flag (interpretation-source "lab") of each prolactin Observation, by the
    row it was read from; "" for none."""
    out = {}
    for obs in _prolactin(bundle):
        row = obs["identifier"][0]["value"].rsplit(" ", 1)[-1]
        lab = [
            c["coding"][0]
            for c in obs.get("interpretation", [])
            if c["extension"][0]["valueCode"] == "lab"
        ]
        assert all(c["system"] == V3 for c in lab)
        out[row] = lab[0]["code"] if lab else ""
    return out


def _hl7(*messages: list[str]) -> str:
    segments = []
    for n, body in enumerate(messages, start=1):
        segments += [MSH.format(n=n), *body]
    return "\r".join(segments) + "\r"


# ------------------------------------------------------------------------------------------------
# 5. summary.html: acknowledgements and overdue reminders
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def acknowledged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, TriageOutcome]:
    """Run 1 reports P100 and P200 urgent (R-1, R-2); R-1 is acknowledged; a day later the
    cumulative export is sent again with one more (normal) result."""
    tmp = tmp_path_factory.mktemp("ack")
    db = str(tmp / "history.db")
    (tmp / "dec03.csv").write_text(FIRST, encoding="utf-8")
    run_with_history(tmp, "o1", [tmp / "dec03.csv"], db, T0)
    with open_history(db) as history:
        history.acknowledge(
            1, by="A. Biochemist", told="Dr Ward", note=None, at=T0 + timedelta(minutes=5)
        )
    again = FIRST + "P400,M,50,S4,2026-12-04 08:00,250\n"
    (tmp / "dec04.csv").write_text(again, encoding="utf-8")
    return tmp, run_with_history(tmp, "o2", [tmp / "dec04.csv"], db, T0 + timedelta(days=1))


def test_the_summary_says_which_urgent_results_are_acknowledged_by_whom_and_when(
    acknowledged: tuple[Path, TriageOutcome],
) -> None:
    tmp, outcome = acknowledged
    html = (tmp / "o2" / "summary.html").read_text("utf-8")
    heading = re.search(r'<h2 id="urgent-heading">(.*?)</h2>', html, re.S)
    assert heading and "2 urgent results (1 already acknowledged)" in heading.group(1)
    lines = _banner_lines(html)
    told = "already acknowledged: told Dr Ward by A. Biochemist, 2026-12-04 06:05 UTC"
    assert told in lines["P100"] and "R-1" in lines["P100"]
    assert "not yet acknowledged" in lines["P200"] and "already acknowledged" not in lines["P200"]
    # the table row of R-1 says it too; urgent.txt says the same words (one source)
    assert (
        "acknowledged: told Dr Ward by A. Biochemist" in _text(html).split("Results by priority")[1]
    )
    assert any("ALREADY ACKNOWLEDGED: told Dr Ward" in u and "P100" in u for u in outcome.urgent)


def test_an_overdue_result_sent_again_is_said_once_on_its_own_line(
    acknowledged: tuple[Path, TriageOutcome],
) -> None:
    """R-2 (not acknowledged) comes again in the cumulative export: the summary's banner says it
    is not yet acknowledged, urgent.txt says so on its own line with the ack command, and it is
    no separate reminder (review 19: one urgent result listed and counted once)."""
    tmp, outcome = acknowledged
    html = (tmp / "o2" / "summary.html").read_text("utf-8")
    assert "not yet acknowledged" in _banner_lines(html)["P200"]
    assert "R-2" not in _section(html, "overdue-reminders")
    overdue = [u for u in outcome.urgent if "NOT YET ACKNOWLEDGED" in u]
    assert len(overdue) == 1 and "reported 2026-12-04 06:00 UTC as result R-2" in overdue[0]
    assert "prolactin-triage ack R-2 --by NAME --history" in overdue[0]
    urgent_txt = (tmp / "o2" / "urgent.txt").read_text("utf-8")
    assert overdue[0] in urgent_txt


def test_reminders_stand_alone_redacted_and_only_with_a_history(tmp_path: Path) -> None:
    db = str(tmp_path / "history.db")
    (tmp_path / "a.csv").write_text(FIRST, encoding="utf-8")
    run_with_history(tmp_path, "o1", [tmp_path / "a.csv"], db, T0)
    # a later batch with no urgent result: "no urgent results in this batch" and the reminders
    (tmp_path / "b.csv").write_text(LAB + "P500,F,30,S5,2026-12-05 08:00,300\n", "utf-8")
    request = TriageRequest(
        inputs=[tmp_path / "b.csv"],
        out_dir=tmp_path / "o2",
        history=HistoryOptions(location=db),
        output_options=OutputOptions(redact=True, redact_key=b"k" * 32),
        jobs=1,
    )
    run_triage(request, now=T0 + timedelta(days=1))
    html = (tmp_path / "o2" / "summary.html").read_text("utf-8")
    assert "No urgent results in this batch" in _text(html)
    reminders = _section(html, "overdue-reminders")
    assert "2 urgent results of earlier runs not yet acknowledged" in reminders
    assert "ack R-1" in reminders and "ack R-2" in reminders
    # redacted as urgent.txt is: keyed tokens, never the ids or the specimen numbers
    for said in ("P100", "P200", "S1 ", "S2 ", "a.csv"):
        assert said not in reminders and said not in _text(html)
    assert reminders.count("patient ID-") == 2
    urgent_txt = (tmp_path / "o2" / "urgent.txt").read_text("utf-8")
    token = re.search(r"patient (ID-\w+)", reminders)
    assert token and token.group(1) in urgent_txt
    # without a history: no reminders, no acknowledgement words
    plain = _run(tmp_path, "o3", tmp_path / "a.csv")
    assert plain.result_count == 3
    page = (tmp_path / "o3" / "summary.html").read_text("utf-8")
    assert '<section class="overdue-reminders"' not in page
    assert "acknowledged" not in _text(page)


# ------------------------------------------------------------------------------------------------
# 6. The lab's critical flags
# ------------------------------------------------------------------------------------------------
FLAGS = (
    "patient_id,sex,age,prolactin,unit,flag\n"
    "F1,F,40,180,ng/mL,HH\n"  # row 2
    "F2,F,40,180,ng/mL,H\n"
    "F3,F,40,2.0,ng/mL,LL\n"
    "F4,F,40,2.0,ng/mL,L\n"
    "F5,F,40,180,ng/mL,kritisch hoch\n"  # row 6
    "F6,F,40,180,ng/mL,critique élevé\n"
    "F7,F,40,2.0,ng/mL,bajo crítico\n"
    "F8,F,40,180,ng/mL,critico alto\n"
    "F9,F,40,2.0,ng/mL,kritiek laag\n"  # row 10
    "F10,F,40,180,ng/mL,Critical high\n"
    "F11,F,40,180 HH,ng/mL,\n"  # beside the number
    "F12,F,40,2.0 (LL),ng/mL,\n"
    "F13,F,40,180,ng/mL,\n"  # row 14: no flag
    "F14,F,40,180,ng/mL,critical\n"  # no direction: abnormal (a flag column's critical call)
)
EXPECTED_FLAGS = {
    "2": "HH", "3": "H", "4": "LL", "5": "L", "6": "HH", "7": "HH", "8": "LL", "9": "HH",
    "10": "LL", "11": "HH", "12": "HH", "13": "LL", "14": "",
    # a critical word alone in a flag column is the lab's call without a direction: abnormal
    # (review 29; before, such a column's critical cells said nothing)
    "15": "A",
}  # fmt: skip


@pytest.mark.parametrize("redact", [False, True], ids=["plain", "redacted"])
def test_critical_flags_of_a_flag_column_and_beside_the_number_are_hh_and_ll(
    tmp_path: Path, redact: bool
) -> None:
    source = tmp_path / "flags.csv"
    source.write_text(FLAGS, encoding="utf-8")
    _run(tmp_path, "out", source, redact=redact)
    assert _lab_flags(_bundle(tmp_path, "out")) == EXPECTED_FLAGS
    # read back (and written again): the lab's HH / LL stay, the triage is the same
    again = _run(tmp_path, "again", tmp_path / "out" / "results.fhir.json", redact=redact)
    assert sorted(_lab_flags(_bundle(tmp_path, "again")).values()) == sorted(
        EXPECTED_FLAGS.values()
    )
    assert again.results is not None and len(again.results) == len(EXPECTED_FLAGS)


def test_hl7_obx8_hh_and_ll_are_kept_also_redacted(tmp_path: Path) -> None:
    def order(pid: str, value: str, flag: str) -> list[str]:
        return [
            f"PID|1||{pid}^^^CITYLAB^MR||Syn^Test||19860101|F",
            f"OBR|1|O{pid}|L{pid}|PRL^Prolactin^L|||202603010815",
            f"OBX|1|NM|2842-3^Prolactin^LN||{value}|ng/mL|4.8-23.3|{flag}|||F",
        ]

    source = tmp_path / "obx8.hl7"
    source.write_text(
        _hl7(order("71", "300", "HH"), order("72", "1.0", "LL"), order("73", "60", "H")), "utf-8"
    )
    for redact in (False, True):
        name = f"out-{redact}"
        _run(tmp_path, name, source, redact=redact)
        flags = sorted(_lab_flags(_bundle(tmp_path, name)).values())
        assert flags == ["H", "HH", "LL"], redact


def test_a_critical_word_or_flag_is_read_only_with_its_direction() -> None:
    assert flag_direction("kritisch erhöht") == "high"
    assert flag_direction("alto crítico") == "high"
    assert flag_direction("panic low") == "low"
    # not flags: another word in the cell, or no direction
    assert flag_direction("not high") is None
    assert flag_direction("critical") is None
    assert flag_direction("high risk pregnancy") is None
    assert flag_is_critical("180 H", "high") is False
    assert flag_is_critical("2.0 LL", "high") is False  # a low critical flag is no HH
    assert flag_is_critical("HH", None) is False
    assert flag_is_critical("H (kritisch)", "high") is True


# ------------------------------------------------------------------------------------------------
# 7. The input's identifier systems
# ------------------------------------------------------------------------------------------------
def _fhir_input(identifier: dict[str, Any], specimen: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "Patient/p1",
                "resource": {
                    "resourceType": "Patient",
                    "id": "p1",
                    "gender": "female",
                    "identifier": [identifier],
                },
            },
            {
                "fullUrl": "Observation/o1",
                "resource": {
                    "resourceType": "Observation",
                    "id": "o1",
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "2842-3"}]},
                    "subject": {"reference": "Patient/p1"},
                    "effectiveDateTime": "2026-03-01T08:30:00+01:00",
                    "valueQuantity": {"value": 27, "unit": "ng/mL"},
                    "specimen": {"identifier": specimen},
                },
            },
        ],
    }


def _identifiers(tmp: Path, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    bundle = _bundle(tmp, name)
    (patient,) = _resources(bundle, "Patient")
    (obs,) = _prolactin(bundle)
    return patient["identifier"][0], obs["specimen"]["identifier"]


@pytest.mark.parametrize(
    ("identifier", "system"),
    [
        ({"system": "urn:oid:1.2.3.4", "value": "000555"}, "urn:oid:1.2.3.4"),
        (  # an assigner named beside the system: the system is still the hospital's
            {
                "system": "https://north.example.org/fhir/mrn",
                "value": "000555",
                "assigner": {"display": "NORTH"},
            },
            "https://north.example.org/fhir/mrn",
        ),
    ],
    ids=["oid", "uri-with-assigner"],
)
def test_fhir_identifier_systems_are_kept_and_replaced_only_under_redact(
    tmp_path: Path, identifier: dict[str, Any], system: str
) -> None:
    source = tmp_path / "in.json"
    specimen = {"system": "urn:oid:1.2.3.4.5", "value": "A-77"}
    source.write_text(json.dumps(_fhir_input(identifier, specimen)), encoding="utf-8")
    _run(tmp_path, "out", source)
    patient, sample = _identifiers(tmp_path, "out")
    assert (patient["system"], patient["value"]) == (system, "000555")
    assert sample == {"system": "urn:oid:1.2.3.4.5", "value": "A-77"}
    # read back and written again: the same systems, the same patient (issuer)
    again = _run(tmp_path, "again", tmp_path / "out" / "results.fhir.json")
    assert _identifiers(tmp_path, "again") == (patient, sample)
    first = _run(tmp_path, "first", source)
    assert first.results is not None and again.results is not None
    assert again.results["patient_issuer"].tolist() == first.results["patient_issuer"].tolist()
    # --redact: the id is a keyed token, no longer the hospital's: the tool's own systems
    _run(tmp_path, "red", source, redact=True)
    patient, sample = _identifiers(tmp_path, "red")
    assert patient["system"].startswith(f"{TOOL}redacted-patient-id")
    assert patient["value"].startswith("ID-") and patient["value"] != "000555"
    assert sample["system"] == f"{TOOL}specimen-id" and sample["value"] != "A-77"


def test_hl7_assigning_authorities_that_are_oids_or_uris_are_the_systems(tmp_path: Path) -> None:
    def order(pid: str, authority: str, filler: str) -> list[str]:
        return [
            f"PID|1||{pid}^^^{authority}^MR||Syn^Test||19860101|F",
            f"OBR|1|O{pid}|{filler}|PRL^Prolactin^L|||202603010815",
            "OBX|1|NM|2842-3^Prolactin^LN||20|ng/mL|4.8-23.3||||F",
        ]

    source = tmp_path / "pid.hl7"
    source.write_text(
        _hl7(
            order(
                "81", "CITYLAB&2.16.840.1.113883.3.1234&ISO", "L81^LAB^2.16.840.1.113883.3.99^ISO"
            ),
            order("82", "&https://south.example.org/mrn&URI", "L82"),
            order("83", "1.2.840.99", "L83"),  # a bare OID as the namespace
            order("84", "NORTH", "L84^LAB"),  # a local namespace: no system of its own
        ),
        "utf-8",
    )
    _run(tmp_path, "out", source)
    bundle = _bundle(tmp_path, "out")
    systems = {
        p["identifier"][0]["value"]: p["identifier"][0]["system"]
        for p in _resources(bundle, "Patient")
    }
    assert systems == {
        "81": "urn:oid:2.16.840.1.113883.3.1234",
        "82": "https://south.example.org/mrn",
        "83": "urn:oid:1.2.840.99",
        "84": f"{TOOL}patient-id/NORTH",
    }
    specimens = {
        o["specimen"]["identifier"]["value"]: o["specimen"]["identifier"]["system"]
        for o in _prolactin(bundle)
    }
    assert specimens == {
        "L81": "urn:oid:2.16.840.1.113883.3.99",
        "L82": f"{TOOL}specimen-id",
        "L83": f"{TOOL}specimen-id",
        "L84": f"{TOOL}specimen-id",
    }


def test_only_oids_uris_and_uuids_are_identifier_systems() -> None:
    assert identifier_system("1.2.3.4") == "urn:oid:1.2.3.4"
    assert identifier_system("urn:oid:1.2.3.4") == "urn:oid:1.2.3.4"
    assert identifier_system("https://x.example.org/id") == "https://x.example.org/id"
    assert identifier_system("2.16.840.1", kind="ISO") == "urn:oid:2.16.840.1"
    for local in ("CITYLAB", "NORTH HOSPITAL", "MR:12", "3.14", "12345", "", "LAB-1.2"):
        assert identifier_system(local) == "", local
