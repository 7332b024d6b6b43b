"""Review 12: an input that cannot be used is named in every output of the run, not only on
stderr (a cron job loses stderr); and a second number in brackets after a result, written
without a label ("2500 (5300)"), is no longer dropped: which one is the result is not clear, so
the cell is rejected and listed with the urgent results when that number may be urgent."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.pipeline import TriageRequest, run_triage
from triage.schema import INPUT_FAILURES, InputFileError
from triage.values import parse_quantity, second_number_in_brackets

runner = CliRunner()
LANGUAGES = ["en", "de", "fr", "es", "it", "nl"]

GOOD = "MRN,Sex,Age,Prolactin,Unit\nG1,F,40,20,ng/mL\n"
URGENT = "MRN,Sex,Age,PRL_result_x,Unit\nW1,F,40,8000,mIU/L\n"
# A header row without any prolactin column, in each language.
NO_PROLACTIN = {
    "en": "Patient ID,Sex,Age,TSH\nP1,F,40,2.1\n",
    "de": "Patienten-ID,Geschlecht,Alter,TSH\nP1,W,40,2.1\n",
    "fr": "ID patient,Sexe,Âge,TSH\nP1,F,40,2.1\n",
    "es": "ID paciente,Sexo,Edad,TSH\nP1,M,40,2.1\n",
    "it": "ID paziente,Sesso,Età,TSH\nP1,F,40,2.1\n",
    "nl": "Patiënt-ID,Geslacht,Leeftijd,TSH\nP1,V,40,2.1\n",
}


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], prog_name="prolactin-triage")


def _mixed_folder(tmp_path: Path, language: str) -> Path:
    """good.csv, ward7.csv (an urgent result), and four files that cannot be used."""
    folder = tmp_path / "mix"
    folder.mkdir()
    (folder / "good.csv").write_text(GOOD, encoding="utf-8")
    (folder / "ward7.csv").write_text(URGENT, encoding="utf-8")
    book = tmp_path / "whole.xlsx"
    openpyxl.Workbook().save(book)
    (folder / "ward3.xlsx").write_bytes(book.read_bytes()[:300])  # cut short
    (folder / "ward4.csv").write_text(NO_PROLACTIN[language], encoding="utf-8")
    (folder / "ward5.csv").write_bytes(b"")
    (folder / "ward6.xlsx").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    return folder


UNUSABLE = {
    "ward3.xlsx": "damaged",
    "ward4.csv": "no_prolactin_column",
    "ward5.csv": "empty",
    "ward6.xlsx": "unsupported",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_unusable_input_is_named_in_the_outputs_with_its_reason(
    tmp_path: Path, language: str
) -> None:
    folder = _mixed_folder(tmp_path, language)
    out = tmp_path / "out"
    result = invoke("run", folder, "--out", out, "-q", "--xlsx")
    assert result.exit_code == 4, result.output  # contract §6: some inputs unusable
    document = json.loads((out / "results.json").read_text(encoding="utf-8"))
    entries = {i["file"]: i for i in document["inputs"]}
    assert set(entries) == {"good.csv", "ward7.csv", *UNUSABLE}
    for name, code in UNUSABLE.items():
        entry = entries[name]
        assert entry["usable"] is False, name
        assert entry["failure_code"] == code, (name, entry["failure"])
        assert entry["failure"], name
        assert entry["rows_read"] == entry["rows_triaged"] == entry["rows_rejected"] == 0
    assert entries["ward3.xlsx"]["sha256"]  # its bytes were read: named by its hash too
    assert entries["good.csv"]["usable"] is True and entries["good.csv"]["failure_code"] == ""
    html = (out / "summary.html").read_text(encoding="utf-8")
    banner = html[html.index('class="unusable-inputs"') : html.index('class="urgent-banner"')]
    assert "4 input files could not be used" in banner
    for name, code in UNUSABLE.items():
        assert name in banner and f"<code>{code}</code>" in banner
    inputs_table = html[html.index('id="inputs"') :]
    for name in UNUSABLE:
        assert name in inputs_table
    assert '6</a> <span class="unusable-count">(4 unusable)' in html
    book = openpyxl.load_workbook(out / "results.xlsx", read_only=True)
    rows = list(book["Inputs"].iter_rows(values_only=True))
    header = rows[0]
    by_file = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_file["ward5.csv"]["failure_code"] == "empty"
    assert by_file["ward5.csv"]["usable"] is False


def test_without_urgent_results_the_report_does_not_say_the_batch_has_none(
    tmp_path: Path,
) -> None:
    """ "No urgent results in this batch" beside a file that could not be read would promise
    what nobody checked: the damaged file may hold one."""
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    broken = tmp_path / "ward3.xlsx"
    broken.write_bytes(b"PK\x03\x04 cut short")
    outcome = run_triage(TriageRequest(inputs=[good, broken], out_dir=tmp_path / "out"))
    assert outcome.exit_code == 4
    html = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert "No urgent results in this batch" not in html
    assert "No urgent results in the input files that could be used" in html
    assert "1 input file could not be used" in html


def test_the_console_names_the_unusable_inputs_too(tmp_path: Path) -> None:
    folder = _mixed_folder(tmp_path, "en")
    result = invoke("run", folder, "--out", tmp_path / "out")
    assert result.exit_code == 4
    line = next(x for x in result.stdout.splitlines() if x.startswith("Not usable"))
    assert "ward3.xlsx (damaged)" in line and "ward4.csv (no_prolactin_column)" in line


def test_unreadable_input_is_listed_as_unreadable(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    missing = tmp_path / "gone.csv"
    outcome = run_triage(TriageRequest(inputs=[good, missing], out_dir=tmp_path / "out"))
    assert outcome.exit_code == 4
    document = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    (gone,) = [i for i in document["inputs"] if i["file"].endswith("gone.csv")]
    assert (gone["usable"], gone["failure_code"], gone["sha256"]) == (False, "unreadable", "")


def test_every_failure_code_is_documented() -> None:
    text = (Path(__file__).parent.parent / "docs" / "output-contract-extensions.md").read_text(
        encoding="utf-8"
    )
    for code in INPUT_FAILURES:
        assert f"| `{code}` |" in text, code
    assert InputFileError("x", "y", code="no such code").code == "unusable"


@pytest.mark.parametrize("language", LANGUAGES)
def test_batch_names_the_code_in_the_error_note(tmp_path: Path, language: str) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bad = inbox / "ward4.csv"
    bad.write_text(NO_PROLACTIN[language], encoding="utf-8")
    old = time.time() - 3600
    os.utime(bad, (old, old))
    result = runner.invoke(
        app,
        ["batch", "--inbox", str(inbox), "--out", str(tmp_path / "out"), "-q"],
        prog_name="prolactin-triage",
    )
    assert result.exit_code == 3, result.output
    note = (inbox / "failed" / "ward4.csv.error.txt").read_text(encoding="utf-8")
    assert "code:   no_prolactin_column" in note


# ------------------------------------------------------------------------------------------------
# A second number in brackets without a label
# ------------------------------------------------------------------------------------------------
AMBIGUOUS = ["2500 (5300)", "100 (300)", "2500 [5300]", "45 ng/mL (955)", "45 (0.5)", "4,5 (12)"]
# Not a second result: a footnote mark, a flag, a percentage, the lab's interval, a date, a
# time, a limit, a dilution ratio, a lot or sample number, a note.
NOT_AMBIGUOUS = ["45 (1)", "45 [2]", "45 (H)", "45 (HH)", "45 (*)", "45 (4.8-23.3)",
                 "45 [4,8 - 23,3]", "45 (12.03.2026)", "45 (2026-03-12)", "45 (08:30)",
                 "45 (< 25)", "450 (1:10)", "45 (lot 12345)", "45 (Probe 778)",
                 "45 (see note 2)", "45 (ULN 23.3)"]  # fmt: skip


@pytest.mark.parametrize("cell", AMBIGUOUS)
def test_a_number_alone_in_brackets_is_a_second_result_what_else_they_hold_is_not(
    cell: str,
) -> None:
    assert second_number_in_brackets(cell)
    assert parse_quantity(cell).status == "unparseable", cell
    for other in NOT_AMBIGUOUS:  # read as before
        assert not second_number_in_brackets(other), other
        assert parse_quantity(other).status == "ok", other
        assert parse_quantity(other).value == (450 if other.startswith("450") else 45), other


def _run(tmp_path: Path, rows: str) -> tuple[dict[str, object], dict[str, object], list[str]]:
    path = tmp_path / "export.csv"
    # plain results beside them: a column of mostly bracketed cells is not read as results
    plain = "".join(f"C{i},F,35,{20 + i},ng/mL\n" for i in range(8))
    path.write_text("MRN,Sex,Age,Prolactin,Unit\n" + rows + plain, encoding="utf-8")
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert outcome.results is not None
    results = {r["patient_id"]: r for r in outcome.results.to_dict("records")}
    rejected = {r.patient_id: r for r in outcome.rejected}
    return results, rejected, outcome.urgent  # type: ignore[return-value]


def test_the_reviewers_cells_are_rejected_and_listed_as_urgent(tmp_path: Path) -> None:
    results, rejected, urgent = _run(
        tmp_path,
        'B1,F,40,"2500 (5300)",mIU/L\n'
        'B4,F,40,"100 (300)",ng/mL\n'
        'B5,F,40,"2500 [5300]",mIU/L\n'
        'B6,F,40,"2500 (5300 after dilution)",mIU/L\n'
        'B7,F,40,"2500 (4000)",mIU/L\n'  # both below the urgent level: rejected, not urgent
        'B8,F,40,"20 (1)",ng/mL\n'  # a footnote mark
        'B9,F,40,"20 (H)",ng/mL\n',
    )
    # B6 writes its diluted value in the bracket: read as that result (review 29), urgent
    assert sorted(rejected) == ["B1", "B4", "B5", "B7"]
    for pid in ("B1", "B4", "B5", "B7"):
        r = rejected[pid]
        assert r.reason_code == "unparseable_result"  # type: ignore[attr-defined]
        assert "second number in brackets" in r.detail  # type: ignore[attr-defined]
    assert {p for p, r in rejected.items() if r.possibly_urgent} == {  # type: ignore[attr-defined]
        "B1",
        "B4",
        "B5",
    }
    for pid in ("B1", "B4", "B5", "B6"):
        assert any(f"patient {pid} " in line for line in urgent), pid
    assert sorted(p for p in results if p.startswith("B")) == ["B6", "B8", "B9"]
    assert results["B6"]["priority"] == "urgent"


# The result in the other unit, written as such in each language.
CONVERTED = {"en": "approx.", "de": "entspricht", "fr": "soit", "es": "aprox.", "it": "pari a",
             "nl": "ongeveer"}  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_conversion_that_agrees_is_read_and_one_that_does_not_is_a_second_result(
    tmp_path: Path, language: str
) -> None:
    word = CONVERTED[language]
    results, rejected, urgent = _run(
        tmp_path,
        f'A1,F,40,"23.5 ({word} 500 mIU/L)",ng/mL\n'  # 23.5 x 21.2 = 498: the same result
        f'A2,F,40,"23.5 ({word} 5300 mIU/L)",ng/mL\n'  # no conversion: urgent-level number
        f'A3,F,40,"2500 ({word} 118 ng/mL)",mIU/L\n'  # 2500 / 21.2 = 118
        f'A4,F,40,"2500 ({word} 5300)",mIU/L\n'  # the same unit: another result
        'A5,F,40,"23.5 ng/mL (≈ 500 mIU/L)",\n'
        'A6,F,40,"23.5 ng/mL (500 mIU/L)",\n'  # rejected as unknown_unit before
        'A7,F,40,"50 (200 mIU/L)",ng/mL\n',  # no conversion, neither number urgent
    )
    assert sorted(p for p in results if p.startswith("A")) == ["A1", "A3", "A5", "A6"]
    assert results["A1"]["prolactin_ng_ml"] == pytest.approx(23.5)
    assert results["A3"]["prolactin_ng_ml"] == pytest.approx(2500 / 21.2, rel=1e-3)
    assert results["A6"]["prolactin_ng_ml"] == pytest.approx(23.5)
    assert sorted(rejected) == ["A2", "A4", "A7"]
    assert all(r.reason_code == "unparseable_result" for r in rejected.values())  # type: ignore[attr-defined]
    assert {p for p, r in rejected.items() if r.possibly_urgent} == {"A2", "A4"}  # type: ignore[attr-defined]
    assert any("patient A2 " in line for line in urgent)


def test_a_row_without_a_unit_says_an_urgent_number_in_brackets(tmp_path: Path) -> None:
    """No unit anywhere: the row is rejected (unknown_unit) as before, and a number in brackets
    that names its unit and is urgent in it is listed with the urgent results."""
    _, rejected, urgent = _run(
        tmp_path, 'U1,F,40,"2500 (5300 mIU/L)",\nU2,F,40,"23.5 (≈ 500 mIU/L)",\n'
    )
    assert {p: r.reason_code for p, r in rejected.items()} == {  # type: ignore[attr-defined]
        "U1": "unknown_unit",
        "U2": "unknown_unit",
    }
    assert rejected["U1"].possibly_urgent and not rejected["U2"].possibly_urgent  # type: ignore[attr-defined]
    assert any("patient U1 " in line for line in urgent)


def test_check_shows_the_second_number(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text('MRN,Sex,Age,Prolactin,Unit\nB1,F,40,"2500 (5300)",mIU/L\n', encoding="utf-8")
    result = invoke("check", path)
    assert "unparseable_result (1)" in result.stdout
    assert "second number in brackets" in result.stdout
