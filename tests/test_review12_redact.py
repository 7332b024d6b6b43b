"""--redact (reports for sharing outside the clinic): redaction never changes who is who, never
garbles the tool's own wording, replaces the identifiers the tool knows wherever a quoted cell
writes them, and names input files by a neutral label.  Patients are synthetic."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.output.redact import PLACEHOLDER

runner = CliRunner()
KEY = "0123456789abcdef0123456789abcdef"


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], prog_name="prolactin-triage")


def run(tmp_path: Path, name: str, text: str, out: str, *extra: str):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = invoke("run", path, "--out", tmp_path / out, *extra)
    assert result.exit_code in (0, 1), result.output
    return result


def redacted(tmp_path: Path, name: str, text: str, out: str, *extra: str):  # type: ignore[no-untyped-def]
    return run(tmp_path, name, text, out, "--redact", "--redact-key", KEY, *extra)


def output_texts(out: Path) -> dict[str, str]:
    """Every output file as text (the workbook's XML parts unzipped)."""
    texts: dict[str, str] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for part in book.namelist():
                    texts[f"{path.name}:{part}"] = book.read(part).decode("utf-8", "replace")
        else:
            texts[path.name] = path.read_text(encoding="utf-8", errors="replace")
    return texts


def json_results(out: Path) -> list[dict]:  # type: ignore[type-arg]
    return json.loads((out / "results.json").read_text(encoding="utf-8"))["results"]


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def summary_patients(out: Path) -> int:
    html = (out / "summary.html").read_text(encoding="utf-8")
    found = re.search(r"Patients</th><td[^>]*>(\d+)<", html)
    assert found is not None
    return int(found.group(1))


# -- 1. two people under one id stay two -----------------------------------------------------
SHARED = (
    "MRN,Name,Sex,DOB,Collected,Prolactin,Unit\n"
    'M100,"Doe, Jane",F,1990-05-05,2026-11-01 08:00,6000,mIU/L\n'
    'M100,"Doe, Baby",M,2026-10-30,2026-11-02 08:00,3000,mIU/L\n'
)


def test_redaction_keeps_a_mother_and_her_neonate_under_one_id_apart(tmp_path: Path) -> None:
    run(tmp_path, "shared.csv", SHARED, "plain", "--fhir")
    redacted(tmp_path, "shared.csv", SHARED, "red", "--fhir", "--xlsx")
    plain, red = tmp_path / "plain", tmp_path / "red"
    assert summary_patients(plain) == 2
    assert summary_patients(red) == 2
    bundle = json.loads((red / "results.fhir.json").read_text(encoding="utf-8"))
    patients = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    observations = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"]
    assert len(patients) == 2
    assert len({o["resource"]["subject"]["reference"] for o in observations[:2]}) == 2
    # the files say who is who without the birth date: a keyed token of the whole identity
    rows = csv_rows(red / "results.csv")
    assert rows[0]["patient_id"] == rows[1]["patient_id"]  # the same number, the same ID- token
    assert rows[0]["birth_date"] == rows[1]["birth_date"] == ""
    assert rows[0]["patient_key"] != rows[1]["patient_key"]
    assert [r["patient_key"] for r in json_results(red)] == [r["patient_key"] for r in rows]
    assert "1990" not in rows[0]["patient_key"] and rows[0]["patient_key"].startswith("PT-")
    with zipfile.ZipFile(red / "results.xlsx") as book:
        sheet = next(n for n in book.namelist() if n.startswith("xl/worksheets/"))
        assert rows[0]["patient_key"] in book.read(sheet).decode("utf-8")
    # the mother's page shows her result alone: the neonate's 3000 mIU/L is no result of hers
    page = (red / "patients.html").read_text(encoding="utf-8")
    assert "6000" in page and "3000" not in page


def test_the_same_person_keeps_one_key_in_every_run(tmp_path: Path) -> None:
    redacted(tmp_path, "a.csv", SHARED, "one")
    redacted(tmp_path, "b.csv", SHARED, "two")
    first = [r["patient_key"] for r in csv_rows(tmp_path / "one" / "results.csv")]
    second = [r["patient_key"] for r in csv_rows(tmp_path / "two" / "results.csv")]
    assert first == second


# -- 2. the tool's own words are never scrubbed ------------------------------------------------
# Two-letter surnames that are also words of the tool's templates and of notes.
SHORT_SURNAMES = ("No", "In", "To", "An", "Ng")


def _unquoted(text: str) -> str:
    return re.sub(r"'[^']*'", "''", text)


@pytest.mark.parametrize("surname", SHORT_SURNAMES)
def test_a_short_surname_leaves_the_tool_wording_alone(tmp_path: Path, surname: str) -> None:
    export = (
        "MRN,Name,Sex,Age,Prolactin,Unit,Medications\n"
        f'A1,"{surname}, Min",F,40,80,ng/mL,\n'
        f'A2,"{surname}, Pei",F,40,5400,mIU/L,\n'
        f'A3,"{surname}, Al",F,40,150,ng/mL,metoclopramide 10 mg\n'
        f'A4,"Li, {surname}",F,40,80,ng/mL,risperidone 4 mg\n'
    )
    run(tmp_path, "r.csv", export, "plain")
    redacted(tmp_path, "r.csv", export, "red")
    plain, red = json_results(tmp_path / "plain"), json_results(tmp_path / "red")
    for before, after in zip(plain, red, strict=True):
        for key in ("reference_note", "comment", "interpretation"):
            assert after[key] == before[key]
        for kind, field in (("factors", "evidence"), ("suggestions", "reason")):
            for b, a in zip(before[kind], after[kind], strict=True):
                assert a["label"] == b["label"]
                assert _unquoted(a[field]) == _unquoted(b[field])
    assert "ng/mL" in (tmp_path / "red" / "urgent.txt").read_text(encoding="utf-8")
    for name, text in output_texts(tmp_path / "red").items():
        for garbled in ("N./mL", "N. TSH", "I. the data", "T. ~", "A. antipsychotic"):
            assert garbled not in text, f"{garbled!r} in {name}"


# A note quoted from the medications cell, in each language: a short word that is also the
# patient's surname stays; the surname beside a title is replaced.
NOTES = {
    "en": ("No, Min", "No TSH given", "Mrs No informed", "Mrs N."),
    "de": ("Da, Wei", "Da Termin verschoben", "Frau Da angerufen", "Frau D."),
    "fr": ("Le, An", "Le patient dit", "Mme Le informée", "Mme L."),
    "es": ("Lo, Kim", "Lo toma de noche", "Sra. Lo informada", "Sra. L."),
    "it": ("Di, Yu", "Di notte cefalea", "Signora Di informata", "Signora D."),
    "nl": ("Te, Li", "Te laat afgenomen", "Mevr. Te geïnformeerd", "Mevr. T."),
}


@pytest.mark.parametrize("language", sorted(NOTES))
def test_a_short_surname_in_a_quoted_note_is_replaced_only_as_a_name(
    tmp_path: Path, language: str
) -> None:
    name, words, titled, replaced = NOTES[language]
    export = (
        "MRN,Name,Sex,Age,Prolactin,Unit,Medications\n"
        f'A1,"{name}",F,40,80,ng/mL,"risperidone 4 mg per note {words} and {titled}"\n'
    )
    redacted(tmp_path, "n.csv", export, "red")
    evidence = " ".join(f["evidence"] for f in json_results(tmp_path / "red")[0]["factors"])
    assert "risperidone" in evidence
    assert words in evidence  # the note's own word, not the name
    assert replaced in evidence and titled not in evidence


# -- 3. the identifiers the tool knows, however a quoted cell writes them -------------------------
BIRTH_WRITTEN = {
    "en": "born 7 March 1984",
    "en-us": "born March 7, 1984",
    "en-abbr": "born 7 Mar 1984",
    "de": "geb. 7. März 1984",
    "fr": "né le 7 mars 1984",
    "es": "nacida el 7 de marzo de 1984",
    "it": "nata il 7 marzo 1984",
    "nl": "geboren 7 maart 1984",
}


@pytest.mark.parametrize("language", sorted(BIRTH_WRITTEN))
def test_quoted_free_text_loses_the_specimen_number_the_id_and_a_written_birth_date(
    tmp_path: Path, language: str
) -> None:
    born = BIRTH_WRITTEN[language]
    export = (
        "MRN,Name,Sex,DOB,Collected,Prolactin,Unit,Medications,Symptoms,Lab No\n"
        'MRN778899,"Dupont, Marie",F,1984-03-07,2026-11-02 08:15,5400,mIU/L,'
        '"risperidone 2mg per Dr note on LAB55667788",'
        f'"visual loss, see sample LAB55667788 and MRN 778899, {born}",LAB55667788\n'
    )
    redacted(tmp_path, "d.csv", export, "red", "--xlsx")
    date_words = born.split()[-3:]  # the day, month and year as written
    texts = output_texts(tmp_path / "red")
    for name, text in texts.items():
        for planted in ("LAB55667788", "55667788", "778899", "Dupont", " ".join(date_words)):
            assert planted not in text, f"{planted!r} in {name}"
    reasons = " ".join(s["reason"] for s in json_results(tmp_path / "red")[0]["suggestions"])
    assert "visual loss" in reasons and PLACEHOLDER in reasons
    assert "ID-" in reasons  # replaced by the tokens, which the recipient can still match


# -- 4. input file names are labels ---------------------------------------------------------
PATIENT_FILE = "Dupont_Marie-Claire_MRN445566.csv"
ONE_PATIENT = (
    "MRN,Name,Sex,Age,Collected,Prolactin,Unit\n"
    'Q1,"Roe, Ann",F,40,2026-11-02 08:15,5400,mIU/L\n'
    'Q1,"Roe, Ann",F,40,2026-11-03 08:15,,mIU/L\n'
)
FILE_WORDS = ("Dupont", "Marie", "445566")


def test_a_file_named_after_the_patient_is_a_label_in_every_output(tmp_path: Path) -> None:
    result = redacted(tmp_path, PATIENT_FILE, ONE_PATIENT, "red", "--xlsx", "--fhir")
    out = tmp_path / "red"
    for name, text in output_texts(out).items():
        for word in FILE_WORDS:
            assert word not in text, f"{word!r} in {name}"
    label = csv_rows(out / "results.csv")[0]["source_file"]
    assert re.fullmatch(r"file-[0-9a-f]{12}\.csv", label)
    rejected = csv_rows(out / "rejected.csv")
    assert [(r["source_file"], r["source_row"]) for r in rejected] == [(label, "3")]
    document = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert [i["file"] for i in document["inputs"]] == [label]
    bundle = (out / "results.fhir.json").read_text(encoding="utf-8")
    assert f"{label} row 2" in bundle
    # the operator who ran it learns which label is which file
    assert PATIENT_FILE in result.stdout and label in result.stdout
    # with the same key, the same label in every run (batches can be linked)
    redacted(tmp_path, PATIENT_FILE, ONE_PATIENT, "again")
    assert csv_rows(tmp_path / "again" / "results.csv")[0]["source_file"] == label


def test_batch_names_the_output_folder_by_the_label(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / PATIENT_FILE).write_text(ONE_PATIENT, encoding="utf-8")
    result = invoke(
        "batch",
        "--inbox",
        inbox,
        "--out",
        out,
        "--settle-seconds",
        "0",
        "--redact",
        "--redact-key",
        KEY,
    )
    assert result.exit_code in (0, 1), result.output
    folders = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(folders) == 1
    folder = folders[0]
    assert folder.name.startswith("file-")
    assert not any(word in folder.name for word in FILE_WORDS)
    label = csv_rows(folder / "results.csv")[0]["source_file"]
    assert folder.name.startswith(Path(label).stem)
    for name, text in output_texts(folder).items():
        for word in FILE_WORDS:
            assert word not in text, f"{word!r} in {name}"
