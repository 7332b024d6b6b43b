"""--redact covers every output (rejected rows included) and coarsens ages and times; messages on
stderr carry no patient data."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.output.redact import (
    PLACEHOLDER,
    coarse_age,
    redact_detail,
)

runner = CliRunner()

NAMES = ("Annabella Mustermann", "Bertram Beispielmann", "Carla Testperson", "Dorothea Zufall")
IDS = ("PX991234", "PX991235", "PX991236", "PX991237")
AGE = "34.56789123"
TIMES = ("08:13", "08:17", "08:19")
PLANTED = (*NAMES, *(n.split()[1] for n in NAMES), *IDS, AGE, *TIMES)

EXPORT = (
    "Patient ID,Name,Sex,Age,Collected,Prolactin (ng/mL)\n"
    f"{IDS[0]},{NAMES[0]},F,{AGE},2024-03-01 {TIMES[0]},45\n"
    f"{IDS[1]},{NAMES[1]},M,40,2024-03-01 {TIMES[1]},{NAMES[1]}\n"
    f"{IDS[2]},{NAMES[2]},F,{NAMES[2]},2024-03-01 {TIMES[2]},12\n"
    f"{IDS[3]},{NAMES[3]},F,1.4567,2024-03-01 {TIMES[2]},30\n"
)


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], prog_name="prolactin-triage")


def output_texts(out: Path) -> dict[str, str]:
    """Every output file as text; the workbook's XML parts unzipped."""
    texts: dict[str, str] = {}
    for path in sorted(out.iterdir()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for name in book.namelist():
                    texts[f"{path.name}:{name}"] = book.read(name).decode("utf-8", "replace")
        elif path.is_file():
            texts[path.name] = path.read_text(encoding="utf-8", errors="replace")
    return texts


@pytest.fixture(scope="module")
def redacted_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("redact")
    export = folder / "export.csv"
    export.write_text(EXPORT, encoding="utf-8")
    out = folder / "out"
    result = invoke("run", export, "--out", out, "--redact", "--xlsx")
    assert result.exit_code == 0, result.output
    return out, result.stderr


def test_no_output_holds_a_planted_name_id_exact_age_or_time(
    redacted_run: tuple[Path, str],
) -> None:
    out, _ = redacted_run
    texts = output_texts(out)
    for name in ("results.csv", "results.json", "rejected.csv", "summary.html", "patients.html"):
        assert name in texts
    assert any(name.startswith("results.xlsx:") for name in texts)
    for file, text in texts.items():
        for planted in PLANTED:
            assert planted.casefold() not in text.casefold(), f"{planted!r} in {file}"


def test_rejected_rows_keep_their_row_and_reason(redacted_run: tuple[Path, str]) -> None:
    out, _ = redacted_run
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    rejected = {r["source_row"]: r for r in data["rejected"]}
    assert rejected[3]["reason_code"] == "unparseable_result"
    assert rejected[4]["reason_code"] == "unreadable_age"
    assert PLACEHOLDER in rejected[3]["detail"]


def test_ages_are_whole_years_and_infants_whole_months(redacted_run: tuple[Path, str]) -> None:
    out, _ = redacted_run
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    ages = {r["source_row"]: r["age_years"] for r in data["results"]}
    assert ages[2] == 34
    assert ages[5] == pytest.approx(17 / 12, abs=1e-3)  # 1.4567 y = 17.48 months -> 17 months
    collected = {r["collected_at"] for r in data["results"]}
    assert collected == {"2024-03-01"}  # a date given without a time stays a date (review 12)


def test_the_run_prints_no_patient_data(redacted_run: tuple[Path, str]) -> None:
    _, stderr = redacted_run
    for planted in PLANTED:
        assert planted not in stderr


@pytest.mark.parametrize(
    ("detail", "shown"),
    [
        ("prolactin 'Anna Muster' is not a number", f"prolactin {PLACEHOLDER} is not a number"),
        ("age '200' in column 'Age' is over", f"age '200' in column {PLACEHOLDER} is over"),
        ("prolactin '1e-300' ng/mL is below", "prolactin '1e-300' ng/mL is below"),
        ("result '<0.5 ng/mL' and '4240 mIU/L'", "result '<0.5 ng/mL' and '4240 mIU/L'"),
        ("unit 'ng/mL'", "unit 'ng/mL'"),
        ("age '34.56789123'", f"age {PLACEHOLDER}"),
        ("collection date '2031-11-01' in column", f"collection date {PLACEHOLDER} in column"),
        ('name "O\'Brien" here', f"name {PLACEHOLDER} here"),
        ("test 'TSH / 3016-3': not usable", f"test {PLACEHOLDER}: not usable"),
    ],
)
def test_a_detail_keeps_only_plain_numbers_and_units(detail: str, shown: str) -> None:
    assert redact_detail(detail) == shown


@pytest.mark.parametrize(
    ("years", "coarse"),
    [(34.56789123, 34.0), (2.0, 2.0), (1.99, 23 / 12), (0.05, 0.0), (0.09, 1 / 12)],
)
def test_coarse_ages(years: float, coarse: float) -> None:
    assert coarse_age(years) == pytest.approx(coarse)


# ------------------------------------------------------------------------------------------------
# Faulty inputs: the messages name files, rows and columns, never patient data
# ------------------------------------------------------------------------------------------------
def test_a_wrong_unit_column_is_reported_without_its_texts(tmp_path: Path) -> None:
    export = tmp_path / "unit.csv"
    export.write_text(
        f"ID,Name,Age,Prolactin,Einheit\n{IDS[0]},{NAMES[0]},34,45,{NAMES[0]}\n",
        encoding="utf-8",
    )
    result = invoke("run", export, "--out", tmp_path / "out")
    for planted in (NAMES[0], IDS[0]):
        assert planted not in result.stderr
        assert planted not in result.stdout


def test_a_mapping_naming_a_missing_header_prints_no_patient_data(tmp_path: Path) -> None:
    export = tmp_path / "map.csv"
    export.write_text(EXPORT, encoding="utf-8")
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\nprolactin = "PRL"\n', encoding="utf-8")
    result = invoke("run", export, "--columns", mapping, "--out", tmp_path / "out")
    assert result.exit_code != 0
    for planted in PLANTED:
        assert planted not in result.stderr


def test_a_file_without_a_header_row_prints_no_patient_data(tmp_path: Path) -> None:
    # The reader's "headers seen: ..." message quotes the first row (triage/io/readers.py).
    export = tmp_path / "nohead.csv"
    export.write_text("".join(EXPORT.splitlines(keepends=True)[1:]), encoding="utf-8")
    result = invoke("run", export, "--out", tmp_path / "out")
    assert result.exit_code != 0
    for planted in PLANTED:
        assert planted not in result.stderr


def test_shared_detail_objects_are_never_changed_by_redaction(tmp_path: Path) -> None:
    """The engine shares one detail object between rows with the same finding (memory): redacting
    one run's copy must leave the objects, and so every other row, as they were."""
    from triage.output.redact import Redactor
    from triage.pipeline import TriageRequest, run_triage

    path = tmp_path / "two.csv"
    path.write_text(
        "Patient ID,Name,Sex,Age,Prolactin (ng/mL),Medications,Comments\n"
        "SH-1,Quinta Zebedee,F,30,80,risperidone,Quinta Zebedee seen\n"
        "SH-2,Rhea Yost,F,30,80,risperidone,\n",
        encoding="utf-8",
    )
    results = run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True)
    ).results
    first, second = results["suggestion_details"].tolist()
    assert any(a is b for a, b in zip(first, second, strict=False))  # shared, not copied
    before = [[dict(d) for d in cell] for cell in results["suggestion_details"]]
    Redactor.for_run(b"k" * 32).redact_results(results)
    assert [[dict(d) for d in cell] for cell in results["suggestion_details"]] == before


def test_check_names_the_other_sheets_it_tells_to_choose(tmp_path: Path) -> None:
    """Sheet names are shown as file names are: the warning naming the other sheets with a
    prolactin column keeps them (the user passes one to --sheet); cells stay redacted."""
    import openpyxl

    path = tmp_path / "two.xlsx"
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Summary 2026"
    first.append(["Patient", "Prolactin (ng/mL)"])
    first.append(["Anna Muster", 12])
    results = book.create_sheet("Results, ward 9")
    results.append(["Patient", "Sex", "Prolactin (ng/mL)"])
    results.append(["Anna Muster", "F", "pending (Anna Muster)"])
    results.append(["Ben Beispiel", "M", 14])
    archive = book.create_sheet("Archive")
    archive.append(["Patient", "Prolactin (ng/mL)"])
    archive.sheet_state = "hidden"
    book.save(path)
    result = invoke("check", path)
    assert "sheet 'Summary 2026' also holds a prolactin column: read too" in result.output
    assert "hidden sheet(s) 'Archive' also hold" in result.output
    assert "Anna" not in result.output and "Muster" not in result.output


def test_a_patient_row_read_as_the_header_is_not_listed_under_redact(tmp_path: Path) -> None:
    """A file without a header row whose first row is still read as one: its unused 'headers'
    (the patient's id, name and birth date) were listed in results.json under --redact."""
    export = tmp_path / "nohead.csv"
    export.write_text(
        "RDX7777,Quillfeather Rosalind,F,1980-01-01,Prolactin 45 ng/mL,haloperidol\n"
        "RDX7778,Zebedee Quinta,F,1981-02-02,30,risperidone\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    invoke("run", export, "--out", out, "--redact")
    texts = output_texts(out) if out.exists() else {}
    for text in texts.values():
        assert "RDX7777" not in text and "Quillfeather" not in text and "1980-01-01" not in text
