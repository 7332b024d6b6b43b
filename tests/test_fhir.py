"""FHIR R4 in and out: results.fhir.json (--fhir) and FHIR Bundles as input (triage/io/fhir.py).

Every Bundle written here is validated with fhir.resources (the [fhir] extra, in [test]): its
R4B models (FHIR 4.3.0: Bundle, Patient, Observation, MedicationStatement and Condition are the
same as in R4 4.0.1; fhir.resources >= 7 ships no 4.0.1 models).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from pipeline_helpers import prolactin_bundle
from typer.testing import CliRunner

from triage.cli import app
from triage.io import ReadOptions, read_file
from triage.outdir import MANIFEST_NAME
from triage.schema import CAUTION_CODES

CAUTIONS = frozenset(CAUTION_CODES)

runner = CliRunner()
DATA = Path(__file__).parent / "data" / "fhir"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
UCUM = "http://unitsofmeasure.org"
# What the round trip must keep, per result.
DECISION = ("status", "band", "interpretation", "priority", "factors", "suggestions")


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, [str(a) for a in args], env=env, prog_name="prolactin-triage")


def bundle_of(out: Path) -> dict[str, Any]:
    """results.fhir.json of ``out``, validated against the FHIR models."""
    data = json.loads((out / "results.fhir.json").read_text(encoding="utf-8"))
    Bundle.model_validate(data)  # raises on any invalid resource
    return data


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def prolactin_observations(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        o
        for o in resources(bundle, "Observation")
        if o["code"]["coding"][0]["code"] in ("2842-3", "15081-3") and "extension" in o
    ]


def results_csv(out: Path) -> list[dict[str, str]]:
    with (out / "results.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fhir") / "demo"
    result = invoke("demo", "--fhir", "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    return out


def test_demo_bundle_is_valid_and_listed(demo_out: Path) -> None:
    bundle = bundle_of(demo_out)
    assert bundle["type"] == "collection"
    tags = {t["system"].rsplit("/", 1)[-1]: t for t in bundle["meta"]["tag"]}
    assert tags["tool"]["code"] == "prolactin-triage"
    assert tags["reference-set"]["code"] == "default"
    manifest = json.loads((demo_out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert "results.fhir.json" in json.dumps(manifest)
    rows = results_csv(demo_out)
    assert len(prolactin_observations(bundle)) == len(rows)
    patients = resources(bundle, "Patient")
    assert len(patients) == len({r["patient_id"] for r in rows})
    assert len({p["id"] for p in patients}) == len(patients)
    full_urls = {e["fullUrl"] for e in bundle["entry"]}
    for obs in resources(bundle, "Observation"):
        assert obs["subject"]["reference"] in full_urls
        assert obs["status"] == "final"
        assert obs["category"][0]["coding"][0]["code"] == "laboratory"


def test_without_fhir_no_bundle(tmp_path: Path) -> None:
    result = invoke("demo", "--out", tmp_path / "o", "--quiet")
    assert result.exit_code == 0
    assert not (tmp_path / "o" / "results.fhir.json").exists()


def test_ucum_units_interpretation_comparator(demo_out: Path) -> None:
    bundle = bundle_of(demo_out)
    rows = {(r["source_row"], r["patient_id"]): r for r in results_csv(demo_out)}  # one per result
    by_row = {row: r for (row, _), r in rows.items()}
    units_seen = set()
    comparators = set()
    for obs in prolactin_observations(bundle):
        quantity = obs["valueQuantity"]
        assert quantity["system"] == UCUM
        assert (quantity["unit"], quantity["code"]) in {("ng/mL", "ng/mL"), ("mIU/L", "m[IU]/L")}
        expected_code = "2842-3" if quantity["code"] == "ng/mL" else "15081-3"
        assert obs["code"]["coding"][0]["code"] == expected_code
        units_seen.add(quantity["code"])
        row = by_row[obs["identifier"][0]["value"].rsplit(" ", 1)[-1]]
        if row["qualifier"]:
            assert quantity["comparator"] == row["qualifier"]
            comparators.add(row["qualifier"])
        else:
            assert "comparator" not in quantity
        coding = obs["interpretation"][0]["coding"][0]
        assert coding["system"] == INTERPRETATION
        assert coding["code"] == row["interpretation"]
        assert coding["code"] in {"N", "L", "H", "HH"}
        priority = {e["url"].rsplit("-", 1)[-1]: e["valueCode"] for e in obs["extension"]}
        assert priority["priority"] == row["priority"]
        for reference in obs.get("referenceRange", []):
            for end in ("low", "high"):
                if end in reference:
                    assert reference[end]["code"] == quantity["code"]
    assert units_seen == {"ng/mL", "m[IU]/L"}
    assert "<" in comparators


def test_notes_carry_factors_suggestions_and_evidence(demo_out: Path) -> None:
    bundle = bundle_of(demo_out)
    data = json.loads((demo_out / "results.json").read_text(encoding="utf-8"))
    observations = {o["identifier"][0]["value"]: o for o in prolactin_observations(bundle)}
    checked = 0
    for result in data["results"]:
        sheet = f" sheet {result['source_sheet']}" if result["source_sheet"] else ""
        obs = observations[f"{result['source_file']}{sheet} row {result['source_row']}"]
        notes = [n["text"] for n in obs.get("note", [])]
        assert notes[0].startswith(f"Triage priority: {result['priority']}")
        for factor in result["factors"]:
            wanted = f"Possible contributing factor ({factor['strength']}): {factor['label']}"
            note = next(n for n in notes if n.startswith(wanted))
            assert f"[{factor['code']}]" in note
            if factor["evidence"]:
                assert f"— evidence: {factor['evidence']}" in note
                checked += 1
        for suggestion in result["suggestions"]:
            head = "Caution" if suggestion["code"] in CAUTIONS else "Suggested next step"
            note = next(n for n in notes if f"[{suggestion['code']}]" in n)
            assert note.startswith(f"{head}: {suggestion['label']}")
            if suggestion.get("reason"):
                assert f"— why: {suggestion['reason']}" in note
        if result.get("comment"):
            assert f"Comment: {result['comment']}" in notes
    assert checked > 10


def test_redact_hides_names_and_birth_dates(tmp_path: Path, demo_out: Path) -> None:
    plain = bundle_of(demo_out)
    names = [p["name"][0]["text"] for p in resources(plain, "Patient") if "name" in p]
    ids = [p["identifier"][0]["value"] for p in resources(plain, "Patient")]
    assert names and ids
    out = tmp_path / "redacted"
    result = invoke("demo", "--fhir", "--redact", "--redact-key", "k", "--out", out, "-q")
    assert result.exit_code == 0, result.output
    bundle = bundle_of(out)
    text = (out / "results.fhir.json").read_text(encoding="utf-8")
    for patient in resources(bundle, "Patient"):
        assert "name" not in patient
        assert "birthDate" not in patient
        assert patient["identifier"][0]["system"].endswith("redacted-patient-id")
    for secret in [*names, *ids]:
        assert secret not in text
    assert "Condition" not in {  # free-text notes are left out under --redact
        r["resourceType"]
        for r in resources(bundle, "Condition")
        if r["code"]["text"].startswith(("Comments:", "Symptoms:"))
    }


def _decisions(out: Path) -> dict[tuple[str, str, str], dict[str, str]]:
    return {
        (r["patient_id"], r["collected_at"], r["prolactin_ng_ml"]): {k: r[k] for k in DECISION}
        for r in results_csv(out)
    }


def test_round_trip_gives_the_same_results(tmp_path: Path, demo_out: Path) -> None:
    """The bundled demo (wide spreadsheet, with TSH, eGFR, creatinine, medications, pregnancy,
    lactation, dialysis, symptoms, lesions and notes) -> results.fhir.json -> run again: the same
    status, band, interpretation, priority, factors and suggestions for every result."""
    bundle_file = tmp_path / "round_trip.json"
    bundle_file.write_bytes((demo_out / "results.fhir.json").read_bytes())
    out = tmp_path / "again"
    result = invoke("run", bundle_file, "--fhir", "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    bundle_of(out)
    first, second = _decisions(demo_out), _decisions(out)
    assert len(first) == len(results_csv(demo_out))
    assert first.keys() == second.keys()
    differ = {k: (first[k], second[k]) for k in first if first[k] != second[k]}
    assert not differ
    with (out / "rejected.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 0


def test_fhir_input_end_to_end(tmp_path: Path) -> None:
    """Patient + Observations (prolactin, TSH, eGFR) + MedicationStatement + Condition."""
    out = tmp_path / "out"
    result = invoke("run", DATA / "context_bundle.json", "--fhir", "--out", out)
    assert result.exit_code == 0, result.output
    rows = {r["patient_id"]: r for r in results_csv(out)}
    assert set(rows) == {"FHIR-001", "FHIR-002"}
    anna = rows["FHIR-001"]
    assert anna["status"] == "high"
    assert anna["collected_at"].startswith("2026-03-02T08:30")  # wall-clock time as written
    assert "medication:antipsychotic" in anna["factors"].split(";")
    assert "check_tsh" not in anna["suggestions"]  # the TSH Observation was read
    assert "check_renal_function" not in anna["suggestions"]  # and the eGFR
    pregnant = rows["FHIR-002"]
    assert "pregnancy" in pregnant["factors"].split(";")  # the Condition
    assert pregnant["priority"] == "none"
    with (out / "rejected.csv").open(encoding="utf-8") as handle:
        rejected = list(csv.DictReader(handle))
    assert [r["detail"] for r in rejected] == [
        "entry[9] Observation/broken: no subject (the Observation names no patient)"
    ]
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["inputs"][0]["rows_read"] == 5  # one row per Observation
    bundle_of(out)


def test_an_observation_that_is_no_result_names_its_patient(tmp_path: Path) -> None:
    """An Observation without a value, or entered in error, is rejected with the patient its
    subject names (rejected.csv gives the patient id where the row gives it)."""
    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "gender": "female",
        "birthDate": "1990-01-01",
        "identifier": [{"value": "MRN-77"}],
    }

    def observation(oid: str, **extra: object) -> dict[str, object]:
        return {
            "resourceType": "Observation",
            "id": oid,
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "2842-3"}]},
            "subject": {"reference": "Patient/p1"},
            **extra,
        }

    value = {"valueQuantity": {"value": 12, "unit": "ng/mL"}}
    entries = [
        patient,
        observation("ok", **value),
        observation("empty"),
        observation("error", **{**value, "status": "entered-in-error"}),
    ]
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in entries],
    }
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    read = read_file(path)
    assert len(read.frame) == 1
    assert [(r.source_row, r.patient_id) for r in read.rejected] == [(3, "MRN-77"), (4, "MRN-77")]


def test_check_reports_a_fhir_file() -> None:
    result = invoke("check", DATA / "context_bundle.json")
    assert result.exit_code == 0, result.output
    assert "long shape" in result.output
    assert "medications" in result.output


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("not_a_bundle.json", "not a FHIR Bundle (resourceType 'Patient')"),
        ("truncated.json", "not a FHIR JSON file"),
        ("no_subject.json", "entry[0] Observation/abc: no subject"),
    ],
)
def test_malformed_fhir_exits_3_naming_file_and_resource(
    tmp_path: Path, name: str, said: str
) -> None:
    result = invoke("run", DATA / name, "--out", tmp_path / "o")
    assert result.exit_code == 3, result.output
    assert name in result.output
    assert said in result.output


@pytest.mark.parametrize(
    "content",
    [
        "[]",
        '{"resourceType": "Bundle"}',
        '{"resourceType": "Bundle", "entry": "x"}',
        '{"resourceType": "Bundle", "entry": [1, null, "x", {"resource": 3}]}',
        '{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Observation",'
        ' "subject": {"reference": 5}, "valueQuantity": {"value": "abc"}, "code": []}}]}',
        '{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Observation",'
        ' "subject": {"reference": "Patient/x"}, "valueQuantity": {"value": true},'
        ' "code": {"coding": "x"}, "referenceRange": [1], "note": "x"}}]}',
    ],
)
def test_odd_bundles_never_crash(tmp_path: Path, content: str) -> None:
    path = tmp_path / "odd.json"
    path.write_text(content, encoding="utf-8")
    result = invoke("run", path, "--out", tmp_path / "o")
    assert result.exit_code == 3, result.output
    assert "odd.json" in result.output


def test_fhir_from_environment_and_config(tmp_path: Path) -> None:
    result = invoke("demo", "--out", tmp_path / "env", "-q", env={"PROLACTIN_TRIAGE_FHIR": "1"})
    assert result.exit_code == 0, result.output
    bundle_of(tmp_path / "env")
    config = tmp_path / "config.toml"
    config.write_text("fhir = true\n", encoding="utf-8")
    result = invoke("demo", "--config", config, "--out", tmp_path / "cfg", "-q")
    assert result.exit_code == 0, result.output
    bundle_of(tmp_path / "cfg")


def test_batch_writes_the_bundle(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "bundle.json").write_bytes((DATA / "context_bundle.json").read_bytes())
    result = invoke("batch", "--inbox", inbox, "--out", out, "--fhir", "--settle-seconds", "0")
    assert result.exit_code == 0, result.output
    found = list(out.rglob("results.fhir.json"))
    assert len(found) == 1
    bundle_of(found[0].parent)


def test_writer_needs_no_fhir_library() -> None:
    source = Path(__file__).parents[1] / "triage" / "output" / "fhir.py"
    assert "fhir.resources" not in source.read_text(encoding="utf-8").replace(
        "``fhir.resources``", ""
    )


@pytest.mark.parametrize(
    ("quantity", "unit"),
    [
        ({"unit": "nanogram per milliliter", "code": "ng/mL"}, "ng/mL"),
        ({"unit": "milli-international unit per liter", "code": "m[IU]/L"}, "mIU/L"),
        ({"unit": "µg/L", "code": "ug/L"}, "µg/L"),
        ({"code": "m[IU]/L"}, "mIU/L"),
        ({"unit": "mU/L"}, "mU/L"),
    ],
)
def test_a_described_unit_falls_back_to_its_ucum_code(quantity: dict[str, str], unit: str) -> None:
    """A unit written in words the reader does not know ("nanogram per milliliter") beside a
    UCUM code it does: the code (every such result was rejected as unknown_unit)."""
    from triage.io.fhir import _unit

    assert _unit(quantity) == unit


GENDER = "http://hl7.org/fhir/administrative-gender"
SNOMED = "http://snomed.info/sct"


def _range(low: float, high: float, **more: Any) -> dict[str, Any]:
    return {
        "low": {"value": low, "unit": "ng/mL"},
        "high": {"value": high, "unit": "ng/mL"},
        **more,
    }


def _for(system: str, code: str) -> dict[str, Any]:
    return {"appliesTo": [{"coding": [{"system": system, "code": code}]}]}


def _observation(
    oid: str, status: str, value: float, subject: str = "Patient/p1", **more: Any
) -> dict[str, Any]:
    """A prolactin Observation (ng/mL) of ``subject``, with any other fields."""
    return {
        "resource": {
            "resourceType": "Observation",
            "id": oid,
            "status": status,
            "code": {"coding": [{"system": "http://loinc.org", "code": "2842-3"}]},
            "subject": {"reference": subject},
            "effectiveDateTime": "2026-03-09T08:00:00",
            "valueQuantity": {"value": value, "unit": "ng/mL", "system": UCUM, "code": "ng/mL"},
            **more,
        }
    }


def _patient(pid: str, gender: str = "female", born: str = "1990-01-01") -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": pid,
        "identifier": [{"value": pid.upper()}],
        "gender": gender,
        "birthDate": born,
    }


def _bundle(entries: list[dict[str, Any]]) -> str:
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries})


def _bundle_of_ranges(ranges: list[dict[str, Any]]) -> dict[str, Any]:
    """A woman and a man, each with 20 ng/mL and the same referenceRange list."""
    entries: list[dict[str, Any]] = []
    for pid, gender in (("p1", "female"), ("p2", "male")):
        entries.append(
            {"fullUrl": f"urn:uuid:{pid}", "resource": _patient(pid, gender, "1985-01-01")}
        )
        entries.append(
            _observation(f"o{pid}", "final", 20, f"urn:uuid:{pid}", referenceRange=ranges)
        )
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


@pytest.mark.parametrize(
    "ranges",
    [
        [_range(4.0, 15.2, **_for(GENDER, "male")), _range(4.8, 23.3, **_for(GENDER, "female"))],
        [_range(4.8, 23.3, **_for(GENDER, "female")), _range(4.0, 15.2, **_for(GENDER, "male"))],
        [_range(4.8, 23.3, **_for(SNOMED, "248152002")),
         _range(4.0, 15.2, **_for(SNOMED, "248153007"))],
        # a pregnancy range listed first is no one's row interval
        [_range(10, 209, **_for(SNOMED, "77386006")), _range(4.8, 23.3, **_for(GENDER, "female")),
         _range(4.0, 15.2, **_for(GENDER, "male"))],
    ],
)  # fmt: skip
def test_each_patient_is_judged_against_the_range_for_their_sex(
    tmp_path: Path, ranges: list[dict[str, Any]]
) -> None:
    """The first referenceRange is not every patient's: a man's 20 ng/mL judged against the women's
    4.8-23.3 listed first came out normal (a false normal), a woman's against the men's high."""
    path = tmp_path / "ranges.json"
    path.write_text(json.dumps(_bundle_of_ranges(ranges)), encoding="utf-8")
    assert invoke("run", path, "--out", tmp_path / "out").exit_code in (0, 10)
    rows = {r["patient_id"]: r for r in results_csv(tmp_path / "out")}
    assert (rows["P1"]["status"], rows["P1"]["reference_high_ng_ml"]) == ("normal", "23.3")
    assert (rows["P2"]["status"], rows["P2"]["reference_high_ng_ml"]) == ("high", "15.2")


def test_ranges_for_other_populations_leave_the_choice_to_the_reference_set(
    tmp_path: Path,
) -> None:
    ranges = [
        _range(
            2.0, 12.0, age={"low": {"value": 0, "unit": "a"}, "high": {"value": 12, "unit": "a"}}
        ),
        _range(1.0, 45.0, type={"coding": [{"code": "therapeutic"}]}),
    ]
    path = tmp_path / "ranges.json"
    path.write_text(json.dumps(_bundle_of_ranges(ranges)), encoding="utf-8")
    invoke("run", path, "--out", tmp_path / "out")
    rows = results_csv(tmp_path / "out")
    assert {r["reference_source"] for r in rows} != {"row"}
    assert all(r["reference_high_ng_ml"] not in ("12", "45") for r in rows)


def test_a_patient_contained_in_the_observation_is_read(tmp_path: Path) -> None:
    """A Patient inside each Observation ("#pat"): every result was "#pat", with no sex or age,
    and two people were one."""
    entries = []
    for number, (pid, gender) in enumerate((("C001", "female"), ("C002", "male"))):
        inside = {**_patient("pat", gender, "1960-01-01"), "identifier": [{"value": pid}]}
        entries.append(_observation(f"o{number}", "final", 20, "#pat", contained=[inside]))
    path = tmp_path / "contained.json"
    path.write_text(_bundle(entries))
    invoke("run", path, "--out", tmp_path / "out")
    rows = {r["patient_id"]: r for r in results_csv(tmp_path / "out")}
    assert (rows["C001"]["sex"], rows["C002"]["sex"]) == ("F", "M")
    assert rows["C002"]["status"] == "high" and float(rows["C001"]["age_years"]) > 60


def test_context_resources_find_their_patient_however_they_refer_to_it(tmp_path: Path) -> None:
    """A MedicationStatement naming the patient by an absolute URL, a Condition by "Patient/p1",
    the Observation by its fullUrl: one patient (the drug and the pregnancy were dropped)."""
    base = "https://fhir.example.org/r4"
    entries = [
        {
            "fullUrl": "urn:uuid:0b2f5c1e-0000-4000-8000-000000000001",
            "resource": {
                "resourceType": "Patient",
                "id": "p1",
                "identifier": [{"value": "G001"}],
                "gender": "female",
                "birthDate": "1990-01-01",
            },
        },
        {
            "resource": {
                "resourceType": "MedicationStatement",
                "status": "active",
                "medicationCodeableConcept": {"text": "risperidone 2 mg"},
                "subject": {"reference": f"{base}/Patient/p1"},
            }
        },
        {
            "resource": {
                "resourceType": "Observation",
                "id": "o1",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "2842-3"}]},
                "subject": {"reference": "urn:uuid:0b2f5c1e-0000-4000-8000-000000000001"},
                "effectiveDateTime": "2026-03-09T08:00:00",
                "valueQuantity": {"value": 60, "unit": "ng/mL", "system": UCUM, "code": "ng/mL"},
            }
        },
    ]
    path = tmp_path / "refs.json"
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}))
    invoke("run", path, "--out", tmp_path / "out")
    (row,) = results_csv(tmp_path / "out")
    assert row["patient_id"] == "G001"
    assert "medication:antipsychotic" in row["factors"]


def test_a_subject_given_only_by_its_identifier_is_a_patient(tmp_path: Path) -> None:
    """A Reference may carry only a logical identifier (FHIR R4 Reference.identifier: the feed
    knows the MRN, not the server's Patient id).  Such Observations were rejected as "no
    subject"; they are the patient the identifier names: the Patient in the Bundle holding it
    (with or without the system), and the context resources naming the same identifier."""
    mrn = "urn:oid:1.2.276.0.76.4.8"

    def by_id(value: str, system: str | None = mrn) -> dict[str, Any]:
        ident = {"value": value, **({"system": system} if system else {})}
        return {"identifier": ident, "display": "Doe, Jane"}

    man = {**_patient("m1", "male", "1970-01-01"), "identifier": [{"system": mrn, "value": "M-1"}]}
    entries = [
        {"resource": man},
        _observation("o1", "final", 20, subject=""),  # the man's, named by system and value
        _observation("o2", "final", 80, subject=""),  # no Patient in the Bundle holds it
        _observation("o3", "final", 20, subject=""),  # the man again, by value alone
        {
            "resource": {
                "resourceType": "MedicationStatement",
                "status": "active",
                "medicationCodeableConcept": {"text": "Risperdal 2 mg"},
                "subject": by_id("W-2"),
            }
        },
    ]
    entries[1]["resource"]["subject"] = by_id("M-1")
    entries[2]["resource"]["subject"] = by_id("W-2")
    entries[3]["resource"]["subject"] = by_id("M-1", None)
    path = tmp_path / "identifiers.json"
    path.write_text(_bundle(entries))
    assert invoke("run", path, "--out", tmp_path / "out").exit_code in (0, 10)
    rows = {(r["patient_id"], r["source_row"]): r for r in results_csv(tmp_path / "out")}
    assert set(rows) == {("M-1", "2"), ("W-2", "3"), ("M-1", "4")}
    assert rows["M-1", "2"]["sex"] == "M" and rows["M-1", "2"]["status"] == "high"
    assert rows["M-1", "4"]["sex"] == "M"
    assert "medication:antipsychotic" in rows["W-2", "3"]["factors"]
    assert (tmp_path / "out" / "rejected.csv").read_text().count("\n") == 1


@pytest.mark.parametrize(
    ("system", "code", "factor"),
    [
        (SNOMED, "169750002", "lactation"),
        ("http://fhir.de/CodeSystem/bfarm/icd-10-gm", "N18.5", "renal_impairment"),
        ("http://hl7.org/fhir/sid/icd-10", "E03.9", "hypothyroidism"),
        (SNOMED, "40930008", "hypothyroidism"),
    ],
)
def test_a_condition_given_only_by_its_code_is_read(
    tmp_path: Path, system: str, code: str, factor: str
) -> None:
    """A Condition with a code and no text or display (a problem list exported as codes): its
    bare code went to the comments, and the breastfeeding or the kidney failure was missed."""
    condition = {
        "resourceType": "Condition",
        "clinicalStatus": {"coding": [{"code": "active"}]},
        "code": {"coding": [{"system": system, "code": code}]},
        "subject": {"reference": "Patient/p1"},
    }
    entries = [{"resource": _patient("p1")}, {"resource": condition}]
    entries.append(_observation("o1", "final", 150))
    path = tmp_path / "coded.json"
    path.write_text(_bundle(entries))
    invoke("run", path, "--out", tmp_path / "out")
    (row,) = results_csv(tmp_path / "out")
    assert factor in row["factors"].split(";"), row["factors"]


@pytest.mark.parametrize("status", ["amended", "corrected", "final"])
def test_a_preliminary_result_superseded_by_a_final_one_is_not_triaged(
    tmp_path: Path, status: str
) -> None:
    """A preliminary 300 ng/mL and its amended 30 ng/mL for the same sample: the superseded
    preliminary raised a false URGENT.  It is rejected as cancelled_result, naming its
    successor; an Observation entered in error is too."""
    entries = [
        {"resource": _patient("p1")},
        {"resource": _patient("p2")},
        _observation("o1", "preliminary", 300),
        _observation("o1b", status, 30),
        _observation("o2", "entered-in-error", 6000, "Patient/p2"),
        _observation("o3", "preliminary", 40, "Patient/p2"),
    ]
    path = tmp_path / "status.json"
    path.write_text(_bundle(entries))
    result = invoke("run", path, "--out", tmp_path / "out")
    assert "URGENT" not in result.output
    rows = results_csv(tmp_path / "out")
    assert [(r["patient_id"], r["prolactin_raw"]) for r in rows] == [("P1", "30"), ("P2", "40")]
    with (tmp_path / "out" / "rejected.csv").open(encoding="utf-8") as handle:
        rejected = {r["source_row"]: r for r in csv.DictReader(handle)}
    assert {r["reason_code"] for r in rejected.values()} == {"cancelled_result"}
    assert "superseded by entry[3] Observation/o1b" in rejected["3"]["detail"]
    assert (
        "preliminary results (entry[5] Observation/o3)"
        in (tmp_path / "out" / "results.json").read_text()
    )


@pytest.mark.parametrize("status", ["amended", "corrected"])
def test_a_final_result_amended_or_corrected_is_replaced(tmp_path: Path, status: str) -> None:
    """A final 300 ng/mL of a sample, then the lab's amended or corrected 30 ng/mL: both were
    triaged, the superseded one URGENT.  The revision replaces every earlier result of the same
    sample and test (the last revision wins); another sample of the patient is left alone."""
    entries = [
        {"resource": _patient("p1")},
        _observation("o1", "final", 300),
        _observation("o1b", status, 60),
        _observation("o1c", status, 30),
        _observation("o2", "final", 250, effectiveDateTime="2026-03-10T08:00:00"),
    ]
    path = tmp_path / "revised.json"
    path.write_text(_bundle(entries))
    invoke("run", path, "--out", tmp_path / "out")
    rows = results_csv(tmp_path / "out")
    assert sorted(r["prolactin_raw"] for r in rows) == ["250", "30"]
    with (tmp_path / "out" / "rejected.csv").open(encoding="utf-8") as handle:
        rejected = list(csv.DictReader(handle))
    assert len(rejected) == 2 and {r["reason_code"] for r in rejected} == {"cancelled_result"}
    assert all("superseded by entry[3] Observation/o1c" in r["detail"] for r in rejected)


def _medication_bundle(path: Path, medications: list[dict[str, Any]]) -> Path:
    """One man, prolactin 60 ng/mL, and each medication resource given (their subject set)."""
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": "urn:uuid:M1",
            "resource": {"resourceType": "Patient", "id": "M1", "identifier": [{"value": "M1"}],
                         "gender": "male", "birthDate": "1980-01-01"},
        },
        {
            "resource": {
                "resourceType": "Observation", "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "2842-3"}]},
                "subject": {"reference": "urn:uuid:M1"},
                "effectiveDateTime": "2026-11-20T08:00:00",
                "valueQuantity": {"value": 60, "unit": "ng/mL",
                                  "system": "http://unitsofmeasure.org", "code": "ng/mL"},
            }
        },
    ]  # fmt: skip
    for med in medications:
        entries.append({"resource": {**med, "subject": {"reference": "urn:uuid:M1"}}})
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection",
                                "entry": entries}), encoding="utf-8")  # fmt: skip
    return path


RISPERIDONE_ATC = {"system": "http://www.whocc.no/atc", "code": "N05AX08"}


@pytest.mark.parametrize(
    ("medication", "taken"),
    [
        ({"status": "active", "medicationCodeableConcept": {"coding": [RISPERIDONE_ATC]}}, True),
        ({"status": "active", "medicationCodeableConcept": {"coding": [
            {"system": "http://fhir.de/CodeSystem/ifa/pzn", "code": "01234567"},
            {**RISPERIDONE_ATC, "display": "Risperidon"}]}}, True),
        ({"status": "active", "medicationReference": {"reference": "#med1"},
          "contained": [{"resourceType": "Medication", "id": "med1",
                         "code": {"text": "Risperdal 2 mg"}}]}, True),
        ({"status": "intended", "medicationCodeableConcept": {"text": "risperidone"}}, False),
        ({"status": "on-hold", "medicationCodeableConcept": {"text": "risperidone"}}, False),
        ({"status": "active", "effectivePeriod": {"start": "2024-01-01", "end": "2026-05-01"},
          "medicationCodeableConcept": {"text": "risperidone"}}, False),
    ],
)  # fmt: skip
def test_a_medication_statement_is_read_as_taken_only_when_it_is(
    tmp_path: Path, medication: dict[str, Any], taken: bool
) -> None:
    """An ATC coding, a later coding's display and a contained Medication name the drug (lost
    before); planned, paused and ended statements are not taken (counted before)."""
    path = _medication_bundle(
        tmp_path / "b.json", [{"resourceType": "MedicationStatement", **medication}]
    )
    done = invoke("run", path, "--out", tmp_path / "out", "--quiet")
    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader((tmp_path / "out" / "results.csv").open(encoding="utf-8")))
    assert ("medication:antipsychotic" in rows[0]["factors"]) is taken


def _identified(identifiers: list[dict[str, Any]]) -> dict[str, Any]:
    return prolactin_bundle({"identifier": identifiers})


def _typed(value: str, code: str, use: str | None = None) -> dict[str, Any]:
    ident: dict[str, Any] = {
        "type": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": code}]
        },
        "value": value,
    }
    if use:
        ident["use"] = use
    return ident


@pytest.mark.parametrize(
    ("identifiers", "expected"),
    [
        # a national / insurance number first: the lab's record number is the patient id
        ([_typed("756.1234.5678.97", "SS"), _typed("MRN-0042", "MR")], "MRN-0042"),
        ([_typed("1234567890", "NNDEU"), {"value": "K-77"}], "K-77"),
        ([_typed("OLD-1", "MR", use="old"), _typed("NEW-2", "MR")], "NEW-2"),
        ([{"value": "A-1"}, {"value": "A-2"}], "A-1"),
        ([_typed("756.1234.5678.97", "SS")], "756.1234.5678.97"),  # nothing else: the id
    ],
)
def test_the_patients_record_number_is_preferred_to_other_identifiers(
    tmp_path: Path, identifiers: list[dict[str, Any]], expected: str
) -> None:
    """As for HL7's PID-3: a FHIR Patient's first identifier was taken, a social security or
    national number listed before the medical record number became the id (printed on the
    reports, and never matching the lab's other exports in the history)."""
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(_identified(identifiers)), encoding="utf-8")
    frame = read_file(path, None, ReadOptions()).frame
    assert frame["patient_id"].tolist() == [expected]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-03-29 02:30", "2026-03-29T02:30:00+01:00"),  # skipped as summer time begins
        ("2026-03-29 03:30", "2026-03-29T03:30:00+02:00"),
        ("2026-10-25 02:30", "2026-10-25T02:30:00+02:00"),  # repeated as it ends: the first
        ("2026-07-01 09:15", "2026-07-01T09:15:00+02:00"),
        ("2026-07-01", "2026-07-01"),
    ],
)
def test_a_collection_time_keeps_its_wall_clock_across_daylight_saving_changes(
    written: str, expected: str
) -> None:
    """A wall-clock time the clock skipped kept as written (read back, the same result), never
    moved an hour (it gave the history a second result)."""
    import os
    import time

    from triage.output.fhir import fhir_datetime

    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    try:
        assert fhir_datetime(written) == expected
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_observations_in_a_nested_bundle_or_contained_in_a_report_are_read(
    tmp_path: Path,
) -> None:
    """A DiagnosticReport's results contained in it, and a Bundle inside the Bundle, hold
    results too: they were left out with only a 'resources not used' warning (two urgent
    results lost)."""
    patient = {"resourceType": "Patient", "id": "p9", "gender": "female",
               "identifier": [{"value": "MRN-1"}]}  # fmt: skip
    contained_obs = {
        "resourceType": "Observation",
        "id": "c1",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "2842-3"}]},
        "valueQuantity": {"value": 600, "unit": "ng/mL"},
    }
    report = {
        "resourceType": "DiagnosticReport",
        "id": "r1",
        "status": "final",
        "subject": {"reference": "Patient/p9"},
        "contained": [contained_obs],
        "result": [{"reference": "#c1"}],
    }
    inner = prolactin_bundle(valueQuantity={"value": 700, "unit": "ng/mL"})
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": patient}, {"resource": report}, {"resource": inner}],
    }
    path = tmp_path / "nested.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    frame = read_file(path, None, ReadOptions()).frame
    assert sorted(frame["prolactin_value"].tolist()) == [600.0, 700.0]
    assert "MRN-1" in frame["patient_id"].tolist()
