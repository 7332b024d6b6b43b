"""Review 13: inputs a user names but the run cannot use are never dropped silently (a folder
holding no export beside usable files), a research database's own columns are never read as
patient data (REDCap's "Repeat Instrument" is no assay), and the warning about numeric sex codes
names the codes the column holds (0/1 codebooks too) with an example that uses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.columns import candidates
from triage.io import ReadOptions, read_file

runner = CliRunner()

GOOD = "Patient ID,Sex,Age,Prolactin (ng/mL)\nP1,F,30,20\nP2,M,40,9\n"


def invoke(*args: object):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], prog_name="prolactin-triage")


@pytest.mark.parametrize("holds", ["nothing", "a pdf", "a subfolder"])
def test_a_folder_without_exports_beside_a_usable_file_is_listed_and_exits_4(
    tmp_path: Path, holds: str
) -> None:
    good = tmp_path / "ward_a.csv"
    good.write_text(GOOD, encoding="utf-8")
    folder = tmp_path / "ward_b"
    folder.mkdir()
    if holds == "a pdf":
        (folder / "report.pdf").write_bytes(b"%PDF-1.4\n")
    elif holds == "a subfolder":
        (folder / "older").mkdir()
        (folder / "older" / "export.csv").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("run", good, folder, "--out", out)
    assert result.exit_code == 4, result.output
    assert "ward_b" in result.stderr and "no exports" in result.stderr
    listed = json.loads((out / "results.json").read_text(encoding="utf-8"))["inputs"]
    files = {Path(entry["file"]).name: entry for entry in listed}
    assert files["ward_a.csv"]["rows_triaged"] == 2
    assert files["ward_b"]["rows_read"] == 0 and files["ward_b"]["failure_code"] == "empty"
    assert "ward_b" in (out / "summary.html").read_text(encoding="utf-8")


def test_check_names_a_folder_without_exports_beside_a_usable_file(tmp_path: Path) -> None:
    good = tmp_path / "ward_a.csv"
    good.write_text(GOOD, encoding="utf-8")
    folder = tmp_path / "ward_b"
    folder.mkdir()
    result = invoke("check", good, folder)
    assert result.exit_code == 4
    assert "ward_b" in result.stdout and "UNUSABLE" in result.stdout


def test_a_folder_with_an_export_is_no_unusable_input(tmp_path: Path) -> None:
    folder = tmp_path / "ward"
    folder.mkdir()
    (folder / "a.csv").write_text(GOOD, encoding="utf-8")
    result = invoke("run", folder, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "header",
    [
        "redcap_repeat_instrument",
        "Repeat Instrument",
        "redcap_repeat_instance",
        "Repeat Instance",
        "redcap_data_access_group",
        "Data Access Group",
        "Survey Timestamp",
    ],
)
def test_a_research_database_system_column_is_no_field(header: str) -> None:
    assert candidates(header) == ()


@pytest.mark.parametrize("header", ["Instrument", "Analyser", "Methode", "Analizzatore"])
def test_a_real_instrument_column_is_still_the_assay(header: str) -> None:
    assert candidates(header)[0][0] == "assay"


def test_redcap_repeat_instrument_gives_no_unknown_assay_note(tmp_path: Path) -> None:
    path = tmp_path / "redcap.csv"
    path.write_text(
        "record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,sex,age,"
        "prolactin_ngml\n"
        "1,baseline_arm_1,labs,1,F,30,40\n"
        "2,baseline_arm_1,labs,1,M,50,12\n",
        encoding="utf-8",
    )
    read = read_file(path, None, ReadOptions())
    assert "assay" not in read.summary.mapping
    out = tmp_path / "out"
    result = invoke("run", path, "--out", out)
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))["results"]
    assert all("matches no reference set" not in r["reference_note"] for r in results)


@pytest.mark.parametrize(
    ("codes", "listed", "example"),
    [
        (["0", "1", "0"], "(0, 1)", '"0" = "F", "1" = "M"'),
        (["1", "2", "1"], "(1, 2)", '"1" = "F", "2" = "M"'),
        (["1", "2", "9"], "(1, 2, 9)", '"1" = "F", "2" = "M"'),
    ],
)
def test_the_sex_code_warning_names_the_codes_the_column_holds(
    tmp_path: Path, codes: list[str], listed: str, example: str
) -> None:
    lines = ["record_id,sex,age,prl (ng/mL)"]
    lines += [f"{i},{code},30,{12 + i}" for i, code in enumerate(codes, start=1)]
    path = tmp_path / "codes.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read = read_file(path, None, ReadOptions())
    said = [w for w in read.summary.warnings if "numeric sex codes" in w]
    assert len(said) == 1
    assert listed in said[0] and example in said[0]


@pytest.mark.parametrize(
    "header",
    [
        "prolactin_complete",
        "prl_complete",
        "Labs Complete?",
        "prolactin_survey_timestamp",
        "labs_return_code",
        "Prolaktin Complete?",
    ],
)
def test_a_research_database_form_column_is_no_field(header: str) -> None:
    assert candidates(header) == ()


def test_a_redcap_export_with_a_form_named_prolactin_is_triaged(tmp_path: Path) -> None:
    path = tmp_path / "redcap_raw.csv"
    path.write_text(
        "record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,"
        "prolactin_survey_timestamp,sex,age,prolactin_ngml,prolactin_complete\n"
        "1,baseline_arm_1,,,2026-03-01 10:00,F,30,40,2\n"
        "2,baseline_arm_1,,,2026-03-01 11:00,M,50,300,2\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = invoke("run", path, "--out", out)
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))["results"]
    assert [r["prolactin_raw"] for r in results] == ["40", "300"]
    assert results[1]["priority"] == "urgent"


def test_a_cut_result_of_unknown_unit_is_never_said_not_urgent(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_text(
        "MRN,Sex,Age,Prolactin,Unit,Comment\nC1,F,30,20,ng/mL,ok\nC2,F,30,30,ng/mL,ok\nC3,F,30,600",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = invoke("run", path, "--out", out)
    urgent = (out / "urgent.txt").read_text(encoding="utf-8")
    assert "C3" in urgent and "may be urgent in any unit" in urgent
    assert "not if it is mIU/L" not in urgent
    assert result.exit_code == 0
