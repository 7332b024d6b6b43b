"""Fields a signed report needs: the limits in the lab's unit at the lab's precision, the
requesting clinician and location, and whose sample a rejected row is (with --redact: the same
keyed tokens as the results).  Synthetic patients only; headers as messy as real exports."""

from __future__ import annotations

import csv
import html as html_text
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.columns import candidates
from triage.engine import triage_frame
from triage.io import ReadOptions, read_file
from triage.knowledge import load_knowledge
from triage.numbers import fmt_lab, lab_decimals, to_lab_unit
from triage.output.redact import Redactor, redact_rejected
from triage.schema import ENGINE_EXTRA_COLUMNS, REJECTED_COLUMNS, Rejected

runner = CliRunner()


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], prog_name="prolactin-triage")


def results_of(path: Path, ranges: str = "default") -> pd.DataFrame:
    return triage_frame(read_file(path, None, ReadOptions()).frame, load_knowledge(ranges))


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# ---------------------------------------------------------------------------- the helpers ---
@pytest.mark.parametrize(
    ("raw", "decimals"),
    [
        ("33562", 0),
        ("4.8", 1),
        ("4,8", 1),
        ("<3.05", 2),
        ("> 4700", 0),
        ("1 234,5", 1),
        ("33,562", 0),
        ("0.125", 2),
        ("45 H", 0),
        ("haemolysed", 0),
        ("", 0),
    ],
)
def test_lab_decimals(raw: str, decimals: int) -> None:
    assert lab_decimals(raw) == decimals


def test_to_lab_unit_and_fmt_lab() -> None:
    assert to_lab_unit(4.81, "mIU/L", 21.2) == pytest.approx(101.972)
    assert to_lab_unit(4.81, "ng/mL", float("nan")) == 4.81
    assert fmt_lab(101.972, 0) == "102"
    assert fmt_lab(4.8, 2) == "4.80"
    assert fmt_lab(12345.6, 1) == "12345.6"  # no thousands separator
    assert fmt_lab(float("nan"), 1) == "?"


def test_new_engine_columns_are_at_the_end_in_order() -> None:
    # patient_issuer (HL7 PID-3.4, review 10) and result_status (review 11) came since, before
    # the comment, the visit label (review 18), a further result's column (review 20) and an
    # assay no set names (review 24)
    assert ENGINE_EXTRA_COLUMNS[-10:] == (
        "reference_low_value",
        "reference_high_value",
        "requesting_clinician",
        "location",
        "patient_issuer",
        "result_status",
        "visit",
        "source_column",
        "unmatched_assay",
        "comment",
    )
    assert REJECTED_COLUMNS[-2:] == ("patient_id", "specimen_id")


# ------------------------------------------------------------ limits at the lab's precision ---
MIU_WITH_INTERVAL = (
    "Pat.-Nr.;Geschlecht;Alter;Entnahme;Prolaktin;Einheit;Referenzbereich;Einsender;Station\n"
    "SYN-4401;W;34;03.02.2026 08:10;612;mIU/L;102 - 496;Dr. A. Beispiel;Gyn-Ambulanz\n"
    "SYN-4402;W;29;03.02.2026 08:40;33562;mIU/L;102 - 496;Dr. A. Beispiel;Station 4B\n"
    "SYN-4403;M;51;03.02.2026 09:05;211;mIU/L;86 - 324;Dr. C. Muster;Endokrinologie\n"
)


def test_the_labs_own_interval_is_given_back_as_the_file_wrote_it(tmp_path: Path) -> None:
    path = tmp_path / "labor_export.csv"
    path.write_text(MIU_WITH_INTERVAL, encoding="utf-8")
    results = results_of(path)
    assert (results["reference_source"] == "row").all()
    assert results["reference_low_value"].tolist() == [102.0, 102.0, 86.0]
    assert results["reference_high_value"].tolist() == [496.0, 496.0, 324.0]
    # the ng/mL columns keep the converted limits
    assert results["reference_low_ng_ml"].iloc[0] == pytest.approx(4.81)
    assert "reference 102–496 mIU/L" in results["comment"].iloc[1]
    assert results["comment"].iloc[1].startswith("Extremely high (33562 mIU/L;")


def test_set_limits_are_converted_to_the_results_precision(tmp_path: Path) -> None:
    path = tmp_path / "lis.csv"
    path.write_text(
        "MRN,Sex,Age (yrs),Collected,PRL (mIU/L)\n"
        "SYN-5501,F,44,2026-02-03 08:00,388\n"
        "SYN-5502,M,61,2026-02-03 08:30,1204\n",
        encoding="utf-8",
    )
    results = results_of(path, "roche_elecsys")
    assert (results["reference_source"] == "set").all()
    factor = results["conversion_factor_used"]
    for side in ("low", "high"):
        shown = results[f"reference_{side}_value"]
        ng = results[f"reference_{side}_ng_ml"]
        assert (shown == shown.round(0)).all()  # "388": 0 decimals
        assert (abs(shown - ng * factor) <= 0.5 + 0.01 * factor).all()
    # Roche Elecsys women 4.8-23.3 ng/mL x 21.2 -> 102-494 mIU/L
    assert results[["reference_low_value", "reference_high_value"]].iloc[0].tolist() == [
        102.0,
        494.0,
    ]


def test_ng_results_keep_one_decimal(tmp_path: Path) -> None:
    path = tmp_path / "clinic.csv"
    path.write_text(
        "Patient ID,Gender,Age,Date,Prolactin (ng/mL)\nSYN-6601,F,35,2026-01-12,10.2\n",
        encoding="utf-8",
    )
    row = results_of(path, "roche_elecsys").iloc[0]
    assert (row["reference_low_value"], row["reference_high_value"]) == (4.8, 23.3)
    assert row["comment"] == (
        "Within the reference interval (10.2 ng/mL; reference 4.8–23.3 ng/mL)."
    )


# -------------------------------------------------------- requesting clinician and location ---
@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Requesting clinician", "requesting_clinician"),
        ("Ordering physician", "requesting_clinician"),
        ("Ordering Provider", "requesting_clinician"),
        ("Requesting Dr.", "requesting_clinician"),
        ("Einsender", "requesting_clinician"),
        ("Anforderer", "requesting_clinician"),
        ("Prescripteur", "requesting_clinician"),
        ("Médecin demandeur", "requesting_clinician"),
        ("Solicitante", "requesting_clinician"),
        ("Médico solicitante", "requesting_clinician"),
        ("Medico richiedente", "requesting_clinician"),
        ("Aanvrager", "requesting_clinician"),
        ("Ward", "location"),
        ("Ward/Clinic", "location"),
        ("Station", "location"),
        ("Service", "location"),
        ("Service demandeur", "location"),
        ("Servicio", "location"),
        ("Reparto", "location"),
        ("Afdeling", "location"),
        ("Location", "location"),
        ("Requesting ward", "location"),
    ],
)
def test_clinician_and_location_headers(header: str, field: str) -> None:
    found = candidates(header)
    assert found and found[0][0] == field


@pytest.mark.parametrize(
    "header", ["Einsender", "Ward", "Station", "Requesting clinician", "Aanvrager", "Reparto"]
)
def test_clinician_and_ward_words_never_name_the_patient(header: str) -> None:
    assert all(name not in ("patient_name", "patient_id") for name, _ in candidates(header))


EXPORTS = {
    "en": "Hospital No,Patient Name,Sex,Age,Collected,PRL (ng/mL),Ordering Physician,Ward\n"
    'SYN-1001,"TESTER, Anna",F,33,2026-02-01 08:00,45.2,Dr J. Example,Ward 7 (Endocrine)\n',
    "de": "Pat.-Nr.;Name;Geschlecht;Alter;Abnahmedatum;Prolaktin (ng/ml);Einsender;Station\n"
    "SYN-1002;Muster, Erika;W;41;01.02.2026;38,5;Dr. med. K. Beispiel;Station 3 Innere\n",
    "fr": "N° dossier;Nom;Sexe;Âge;Date prélèvement;Prolactine (ng/mL);Médecin demandeur;Service\n"
    "SYN-1003;EXEMPLE Claire;F;29;01/02/2026;52,1;Dr P. Essai;Endocrinologie\n",
    "es": "NHC;Nombre;Sexo;Edad;Fecha extracción;Prolactina (ng/mL);Solicitante;Servicio\n"
    "SYN-1004;Prueba Gómez, Lucía;M;35;01/02/2026;60,4;Dra. M. Ejemplo;Consultas Externas\n",
    "it": "Codice paziente;Cognome;Sesso;Età;Data prelievo;Prolattina (ng/mL);Medico richiedente;"
    "Reparto\nSYN-1005;Prova;F;38;01/02/2026;71,0;Dott. L. Esempio;Ginecologia\n",
    "nl": "Patiëntnummer;Naam;Geslacht;Leeftijd;Afnamedatum;Prolactine (ng/mL);Aanvrager;Afdeling\n"
    "SYN-1006;Voorbeeld, Eva;V;44;01-02-2026;33,3;Dr. T. Proef;Interne Geneeskunde\n",
}


@pytest.mark.parametrize("language", sorted(EXPORTS))
def test_clinician_and_location_reach_the_results(tmp_path: Path, language: str) -> None:
    path = tmp_path / f"export_{language}.csv"
    path.write_text(EXPORTS[language], encoding="utf-8")
    read = read_file(path, None, ReadOptions())
    assert "requesting_clinician" in read.summary.mapping
    assert "location" in read.summary.mapping
    assert "patient_name" not in read.summary.mapping or read.summary.mapping[
        "patient_name"
    ] not in (read.summary.mapping["requesting_clinician"], read.summary.mapping["location"])
    results = triage_frame(read.frame, load_knowledge("default"))
    row = results.iloc[0]
    lines = EXPORTS[language].splitlines()
    cells = next(csv.reader([lines[1]], delimiter="," if language == "en" else ";"))
    assert row["requesting_clinician"] == cells[6]
    assert row["location"] == cells[7]


def test_check_prints_the_clinician_and_location_mapping(tmp_path: Path) -> None:
    path = tmp_path / "export_de.csv"
    path.write_text(EXPORTS["de"], encoding="utf-8")
    result = invoke("check", path)
    assert result.exit_code == 0, result.output
    assert "requesting_clinician <- Einsender" in " ".join(result.output.split())
    assert "location" in result.output and "Station" in result.output


# ---------------------------------------------------------- rejected rows: whose sample ---
WIDE_WITH_REJECTS = (
    "MRN,Lab No,Patient,Sex,Age,Collected,Prolactin (ng/mL),Requesting clinician,Location\n"
    'SYN-2001,26L0001,"ALPHA, Test",F,30,2026-02-02 08:00,12.4,Dr Example,Clinic A\n'
    'SYN-2002,26L0002,"BRAVO, Test",F,31,2026-02-02 08:05,haemolysed,Dr Example,Clinic A\n'
    'SYN-2003,26L0003,"CHARLIE, Test",M,45,2026-02-02 08:10,,Dr Example,Ward 9\n'
    'SYN-2002,26L0004,"BRAVO, Test",F,31,2026-02-09 08:05,48.0,Dr Example,Clinic A\n'
)
LONG_WITH_REJECTS = (
    "patient_id,specimen_no,collected,test_code,test_name,result,unit\n"
    "SYN-3001,26M0001,2026-02-03 07:50,PRL,Prolactin,18.5,ng/mL\n"
    "SYN-3001,26M0001,2026-02-03 07:50,TSH,TSH,2.2,mIU/L\n"
    "SYN-3002,26M0002,2026-02-03 08:15,PRL,Prolactin,see comment,ng/mL\n"
    "SYN-3003,26M0003,2026-02-03 08:20,TSH,TSH,3.1,mIU/L\n"
)


def test_wide_rejected_rows_carry_patient_and_specimen(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(WIDE_WITH_REJECTS, encoding="utf-8")
    rejected = read_file(path, None, ReadOptions()).rejected
    found = {r.source_row: (r.reason_code, r.patient_id, r.specimen_id) for r in rejected}
    assert found == {
        3: ("unparseable_result", "SYN-2002", "26L0002"),
        4: ("missing_result", "SYN-2003", "26L0003"),
    }


def test_long_rejected_rows_carry_patient_and_specimen(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(LONG_WITH_REJECTS, encoding="utf-8")
    rejected = read_file(path, None, ReadOptions()).rejected
    found = {r.source_row: (r.reason_code, r.patient_id, r.specimen_id) for r in rejected}
    assert found[4] == ("unparseable_result", "SYN-3002", "26M0002")
    assert found[5] == ("other_test", "SYN-3003", "26M0003")


def test_rejected_files_hold_the_two_columns_at_the_end(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(WIDE_WITH_REJECTS, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("run", path, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    text = (out / "rejected.csv").read_text("utf-8")
    assert text.splitlines()[0] == ",".join(REJECTED_COLUMNS)
    rows = rows_of(text)
    assert [(r["patient_id"], r["specimen_id"]) for r in rows] == [
        ("SYN-2002", "26L0002"),
        ("SYN-2003", "26L0003"),
    ]
    document = json.loads((out / "results.json").read_text("utf-8"))
    assert [(r["patient_id"], r["specimen_id"]) for r in document["rejected"]] == [
        ("SYN-2002", "26L0002"),
        ("SYN-2003", "26L0003"),
    ]
    results = rows_of((out / "results.csv").read_text("utf-8"))
    assert [r["requesting_clinician"] for r in results] == ["Dr Example", "Dr Example"]
    assert [r["location"] for r in results] == ["Clinic A", "Clinic A"]


def test_redact_gives_rejected_rows_the_results_tokens(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(WIDE_WITH_REJECTS, encoding="utf-8")
    out = tmp_path / "out"
    key = tmp_path / "redact.key"
    key.write_text("ab" * 32 + "\n", encoding="utf-8")
    key.chmod(0o600)
    result = invoke("run", path, "--out", out, "--redact", "--redact-key-file", key, "--quiet")
    assert result.exit_code == 0, result.output
    texts = {p.name: p.read_text("utf-8", "replace") for p in out.iterdir() if p.is_file()}
    for planted in ("SYN-2002", "SYN-2003", "26L0002", "26L0003", "BRAVO", "CHARLIE"):
        assert not any(planted in t for t in texts.values()), planted
    rejected = rows_of(texts["rejected.csv"])
    results = rows_of(texts["results.csv"])
    # SYN-2002 has a triaged result too: the same token in both files
    bravo = next(r for r in results if r["specimen_id"] != "" and r["source_row"] == "5")
    assert rejected[0]["patient_id"] == bravo["patient_id"]
    assert all(r["patient_id"].startswith("ID-") for r in rejected)
    assert all(r["specimen_id"].startswith("ID-") for r in rejected)
    # the clinician and the ward are staff and places, not the patient: kept
    assert {r["requesting_clinician"] for r in results} == {"Dr Example"}
    assert {r["location"] for r in results} == {"Clinic A"}
    document = json.loads(texts["results.json"])
    assert document["rejected"][1]["specimen_id"] == rejected[1]["specimen_id"]


def test_redact_rejected_uses_the_redactors_tokens() -> None:
    redactor = Redactor(b"k" * 32)
    rows = [Rejected("f.csv", "", 3, "missing_result", "the prolactin cell is empty", "P1", "S1")]
    redacted = redact_rejected(rows, redactor)[0]
    assert redacted.patient_id == redactor.identifier("P1")
    assert redacted.specimen_id == redactor.identifier("S1")
    assert redact_rejected([Rejected("f.csv", "", 3, "missing_result", "x")])[0].patient_id == ""


def test_the_summary_says_whose_rejected_sample_it_is_and_shows_the_comment(
    tmp_path: Path,
) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(WIDE_WITH_REJECTS, encoding="utf-8")
    out = tmp_path / "out"
    assert invoke("run", path, "--out", out, "--quiet").exit_code == 0
    summary = (out / "summary.html").read_text("utf-8")
    rejected = summary[summary.index('id="rejected"') :]
    assert "<td>SYN-2002</td>" in rejected and "<td>26L0002</td>" in rejected
    comments = pd.read_csv(out / "results.csv")["comment"].tolist()
    for comment in comments:  # each result's comment in words, under its summary row
        assert html_text.escape(comment, quote=False) in summary
    redacted = tmp_path / "redacted"
    assert invoke("run", path, "--out", redacted, "--quiet", "--redact").exit_code == 0
    hidden = (redacted / "summary.html").read_text("utf-8")
    assert "SYN-2002" not in hidden and "26L0002" not in hidden
