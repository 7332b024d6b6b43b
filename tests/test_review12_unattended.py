"""Review 12, unattended use: result values of every format read with one decimal-mark logic,
urgent results spoken on every batch deferral, and I/O failures classified (exit statuses)."""

from __future__ import annotations

import csv
import errno
import json
import os
import pickle
import time
from pathlib import Path
from typing import Any

import pytest
from pipeline_helpers import prolactin_bundle
from typer.testing import CliRunner

from triage.cli import app
from triage.output import csv as results_csv
from triage.output import session as session_module
from triage.values import FormatNumber, typed_number

runner = CliRunner()

# The test's name as labs of the six languages write it in OBX-3.
TEST_NAMES = ["Prolactin", "Prolaktin", "Prolactine", "Prolactina", "Prolattina", "Prolactine"]
LANGUAGES = ["en", "de", "fr", "es", "it", "nl"]


def invoke(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args], prog_name="prolactin-triage")


def _message(control: str, patient: str, obx: str) -> str:
    return "\r".join(
        [
            f"MSH|^~\\&|LIS|LAB|EHR|HOSP|20260301120000||ORU^R01|{control}|P|2.5.1",
            f"PID|1||{patient}^^^C^MR||X^Y||19900101|F",
            f"OBR|1|P|S{control}|PRL|||20260301083000",
            obx,
        ]
    )


def _hl7(tmp_path: Path, name: str, kind: str, results: list[tuple[str, str]], unit: str) -> Path:
    """One message per (patient, OBX-5) with OBX-2 ``kind``."""
    messages = [
        _message(f"A{n}", patient, f"OBX|1|{kind}|PRL^{name}^L||{value}|{unit}|||||F")
        for n, (patient, value) in enumerate(results)
    ]
    path = tmp_path / "results.hl7"
    path.write_text("\r".join(messages) + "\r", encoding="utf-8")
    return path


def _run(path: Path, out: Path) -> tuple[dict[str, dict[str, Any]], dict[str, str], str]:
    """(results by patient, rejection reason by patient, urgent.txt) of a run on ``path``."""
    result = invoke("run", path, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    report = json.loads((out / "results.json").read_text(encoding="utf-8"))
    with (out / "rejected.csv").open(encoding="utf-8", newline="") as handle:
        rejected = {r["patient_id"]: r["reason_code"] for r in csv.DictReader(handle)}
    results = {r["patient_id"]: r for r in report["results"]}
    return results, rejected, (out / "urgent.txt").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------------
# 1. Every reader of result values goes through the table reader's decimal-mark logic
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", TEST_NAMES, ids=LANGUAGES)
def test_an_hl7_text_result_is_read_as_the_same_cell_of_a_table(tmp_path: Path, name: str) -> None:
    """OBX-2 ST "6.000" mIU/L was read with HL7's '.' (6 mIU/L: a false low for an urgent
    result); an ST value is free text, read as a table's cell is: mIU/L is reported in whole
    numbers, so 6.000 and 6.250 mIU/L are 6000 and 6250, urgent, as in a CSV."""
    values = [("T1", "312"), ("T2", "6.000"), ("T3", "6.250")]
    path = _hl7(tmp_path, name, "ST", values, "mIU/L")
    results, rejected, urgent = _run(path, tmp_path / "hl7")
    table = tmp_path / "same.csv"
    table.write_text(
        "patient_id,sex,prolactin,unit\n" + "".join(f"{p},F,{v},mIU/L\n" for p, v in values)
    )
    as_table, _, _ = _run(table, tmp_path / "csv")
    assert not rejected
    for patient in ("T1", "T2", "T3"):
        assert results[patient]["prolactin_ng_ml"] == as_table[patient]["prolactin_ng_ml"]
        assert results[patient]["priority"] == as_table[patient]["priority"]
    assert results["T2"]["priority"] == "urgent" and results["T3"]["priority"] == "urgent"
    assert "T2" in urgent and "T3" in urgent


@pytest.mark.parametrize("kind", ["NM", "SN"])
@pytest.mark.parametrize("name", TEST_NAMES, ids=LANGUAGES)
def test_an_hl7_number_that_may_group_thousands_is_not_triaged_on_a_guess(
    tmp_path: Path, name: str, kind: str
) -> None:
    """NM writes '.' (HL7 v2 2.A.47), but a lab system may write its locale's thousands group
    in it: an NM "6.000" mIU/L (6, or 6000 above the urgent level) in a file whose NM values
    show no mark is not triaged on a guess (it was a low 6 mIU/L): rejected as
    ambiguous_decimal_mark and listed with the urgent results.  An NM "6,250" breaks the type:
    read as the same cell of a CSV is (6250 mIU/L, urgent).  Where the file's NM values show
    '.' as their mark ("0.45"), "12.500" ng/mL is 12.5, as a table's column that shows its
    mark reads it."""
    value = "6.000" if kind == "NM" else "^6.000"
    values = [("T1", "312"), ("T2", value), ("T3", "6,250")]
    path = _hl7(tmp_path, name, kind, values, "mIU/L")
    results, rejected, urgent = _run(path, tmp_path / "out")
    assert "T2" not in results
    assert rejected == {"T2": "ambiguous_decimal_mark"}
    assert "T2" in urgent and "ambiguous_decimal_mark" in urgent
    assert results["T1"]["prolactin_ng_ml"] == pytest.approx(14.72, abs=0.01)
    assert results["T3"]["prolactin_ng_ml"] == pytest.approx(294.8, abs=0.1)
    assert results["T3"]["priority"] == "urgent"
    shown = [("T1", "0.45"), ("T2", "12.500" if kind == "NM" else "^12.500")]
    path = _hl7(tmp_path, name, kind, shown, "ng/mL")
    results, rejected, _ = _run(path, tmp_path / "shown")
    assert not rejected
    assert results["T2"]["prolactin_ng_ml"] == 12.5


@pytest.mark.parametrize("value", ["6.000 mIU/L", "1.150 ng/mL"])
def test_a_fhir_value_string_is_read_as_a_table_cell(tmp_path: Path, value: str) -> None:
    """A FHIR valueString is free text: read as the same cell of a table is (urgent, or not
    triaged on a guess and listed with the urgent results), never with the '.' of JSON
    numbers (6.000 mIU/L had been a low 6)."""
    bundle = prolactin_bundle(valueString=value)
    del bundle["entry"][1]["resource"]["valueQuantity"]
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    results, rejected, urgent = _run(path, tmp_path / "out")
    table = tmp_path / "same.csv"
    table.write_text(f'patient_id,sex,prolactin\np1,F,"{value}"\n')
    as_table, table_rejected, _ = _run(table, tmp_path / "csv")
    assert rejected == table_rejected
    assert {p: r["priority"] for p, r in results.items()} == {
        p: r["priority"] for p, r in as_table.items()
    }
    assert rejected.get("p1") == "ambiguous_decimal_mark" or results["p1"]["priority"] == "urgent"
    assert "p1" in urgent
    # a JSON number is exact: 1.125 ng/mL is 1.125, never an ambiguous mark
    bundle = prolactin_bundle(valueQuantity={"value": 1.125, "unit": "ng/mL"})
    path.write_text(json.dumps(bundle), encoding="utf-8")
    results, rejected, _ = _run(path, tmp_path / "number")
    assert not rejected
    assert results["p1"]["prolactin_ng_ml"] == pytest.approx(1.12, abs=0.01)


def test_a_typed_number_keeps_its_text_and_survives_a_worker() -> None:
    """FormatNumber: equal only to the same value written the same way (a column's "6" and
    "6.000" are two cells), and pickled whole (batch workers send cells across processes)."""
    six, grouped = typed_number("6"), typed_number("6.000")
    assert isinstance(grouped, FormatNumber) and grouped.text == str(grouped) == "6.000"
    assert six != grouped and hash(six) != hash(grouped)
    assert typed_number("6,250") == "6,250"
    again = pickle.loads(pickle.dumps(grouped))
    assert again == grouped and again.text == "6.000" and not again.exact


# ------------------------------------------------------------------------------------------------
# 2.-4. A full or read-only disk: urgent results still speak, and the status says what failed
# ------------------------------------------------------------------------------------------------
URGENT_CSV = (
    "patient_id,sex,age,collected_at,specimen_id,prolactin,unit\n"
    "P3,F,40,2026-01-11 09:00,S103,300,ng/mL\n"
    "P4,F,40,2026-01-11 09:00,S104,12,ng/mL\n"
)


def _disk_full(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _fill_disk_at(point: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The output folder's disk fills at ``point``: while the results are written (the
    rollback that follows flushes, and fails too), or when the finished set is published."""
    if point == "results":
        for name in ("add", "add_encoded", "rollback"):
            monkeypatch.setattr(results_csv.ResultsCsv, name, _disk_full)
    else:
        monkeypatch.setattr(session_module, "publish", _disk_full)


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / "u.csv"
    path.write_text(URGENT_CSV, encoding="utf-8")
    old = time.time() - 3600
    os.utime(path, (old, old))
    return inbox


@pytest.mark.parametrize("point", ["results", "publish"])
def test_an_urgent_result_is_said_when_the_disk_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    """batch onto a full disk: only "error: u.csv: cannot write: No space left on device; left
    in the inbox", exit 3 (no usable input), no URGENT line.  The urgent result found is said
    (its report not published yet), the file waits in the inbox, and the status is the output
    folder's (2, as `run` gives)."""
    inbox, out = _inbox(tmp_path), tmp_path / "full" / "out"
    _fill_disk_at(point, monkeypatch)
    result = invoke("batch", "--inbox", inbox, "--out", out, "-q")
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.stderr
    assert "left in the inbox for the next run" in result.stderr
    urgent = [line for line in result.stderr.splitlines() if line.startswith("URGENT")]
    assert len(urgent) == 1 and "P3" in urgent[0] and "S103" in urgent[0]
    assert "report not published yet" in urgent[0] and " | result R-" not in urgent[0]
    assert (inbox / "u.csv").exists() and not (inbox / "failed").exists()
    monkeypatch.undo()
    again = invoke("batch", "--inbox", inbox, "--out", out, "-q")
    assert again.exit_code == 0, again.output
    assert "URGENT patient P3" in again.stderr


@pytest.mark.parametrize("point", ["results", "publish"])
def test_run_onto_a_full_disk_is_the_output_folders_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    """`run` onto a full disk: "internal error (OSError); this is a bug", exit 1 (the rollback
    after the failed write failed in turn, and the rules' error handler took the output
    folder's error for a bug).  It is the output folder's error, exit 2, and the urgent result
    found is said all the same."""
    path = tmp_path / "u.csv"
    path.write_text(URGENT_CSV, encoding="utf-8")
    _fill_disk_at(point, monkeypatch)
    result = invoke("run", path, "--out", tmp_path / "out", "-q")
    assert result.exit_code == 2, result.output
    assert "cannot write the outputs" in result.stderr
    assert "No space left on device" in result.stderr and "bug" not in result.stderr
    assert "URGENT patient P3" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_rules_error_whose_rollback_fails_is_not_masked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rules fail on a file and setting its rows aside fails on the full disk: the run
    stops as the output folder's error (exit 2, naming both), never an OSError called a bug."""
    from triage import pipeline

    def broken(*_args: object, **_kwargs: object) -> Any:
        raise ValueError("a bug in the rules")
        yield  # a generator, as triage_chunks is

    monkeypatch.setattr(pipeline, "triage_chunks", broken)
    monkeypatch.setattr(results_csv.ResultsCsv, "rollback", _disk_full)
    path = tmp_path / "u.csv"
    path.write_text(URGENT_CSV, encoding="utf-8")
    result = invoke("run", path, "--out", tmp_path / "out", "-q")
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.stderr and "ValueError" in result.stderr


def test_an_urgent_result_is_said_when_the_history_fails_after_triage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The history cannot take the run (a full disk) once the file is triaged: the file is
    deferred (exit 3, the history's, as `run` gives) and its urgent result is said."""
    from triage.history import HistoryError, HistoryRecorder

    def refused(self: object) -> None:
        raise HistoryError("cannot write the history: database or disk is full")

    monkeypatch.setattr(HistoryRecorder, "commit", refused)
    inbox, out = _inbox(tmp_path), tmp_path / "out"
    result = invoke("batch", "--inbox", inbox, "--out", out, "-q")
    assert result.exit_code == 3, result.output
    assert "database or disk is full" in result.stderr
    assert "URGENT patient P3" in result.stderr and "report not published yet" in result.stderr
    assert (inbox / "u.csv").exists()


def test_an_urgent_result_is_said_when_the_ledger_fails_after_publishing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report is published, then the ledger cannot record it: the file's error is said,
    and so is its urgent result (before: only the error)."""
    import sqlite3

    from triage.ledger import Ledger

    def refused(self: object, *_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Ledger, "mark_done", refused)
    inbox, out = _inbox(tmp_path), tmp_path / "out"
    result = invoke("batch", "--inbox", inbox, "--out", out, "-q")
    assert "URGENT patient P3" in result.stderr, result.output


@pytest.mark.parametrize("failing", ["out_lock", "out_folder", "inbox_lock"])
def test_a_batch_output_or_inbox_that_cannot_be_written_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """batch with a read-only --out: exit 3 ("no usable input") where `run` gives 2 for the
    same condition.  A folder that cannot be made, locked or written is the set-up's error:
    exit 2, one line naming it, nothing done to the inbox."""
    from triage import batch as batch_module

    inbox, out = _inbox(tmp_path), tmp_path / "out"
    read_only = OSError(errno.EROFS, os.strerror(errno.EROFS))
    if failing == "out_folder":
        made = batch_module.ensure_private_dir

        def refused(path: Path, **kwargs: Any) -> Path:
            if path == out:
                raise read_only
            return made(path, **kwargs)

        monkeypatch.setattr(batch_module, "ensure_private_dir", refused)
    else:
        real = batch_module.FileLock
        where = out if failing == "out_lock" else inbox / batch_module.STATE_DIR

        class Denied(real):  # type: ignore[misc, valid-type]
            def acquire(self, *args: object, **kwargs: object) -> object:
                if Path(self.lock_file).parent == where:
                    raise read_only
                return super().acquire(*args, **kwargs)

        monkeypatch.setattr(batch_module, "FileLock", Denied)
    result = invoke("batch", "--inbox", inbox, "--out", out, "-q")
    assert result.exit_code == 2, result.output
    assert "Read-only file system" in result.stderr and "bug" not in result.stderr
    assert (inbox / "u.csv").exists()


def test_a_ledger_that_cannot_be_written_is_exit_2_and_not_called_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ledger on a read-only file system was "damaged; move it aside" (exit 3): moving a
    sound ledger aside triages every file again.  It cannot be written: exit 2, said so."""
    import sqlite3

    from triage import ledger as ledger_module

    inbox = _inbox(tmp_path)
    connect = sqlite3.connect

    def read_only(path: object, *args: object, **kwargs: Any) -> sqlite3.Connection:
        kwargs.pop("uri", None)
        return connect(f"file:{path}?mode=ro", *args, uri=True, **kwargs)  # type: ignore[misc]

    monkeypatch.setattr(ledger_module.sqlite3, "connect", read_only)
    result = invoke("batch", "--inbox", inbox, "--out", tmp_path / "out", "-q")
    assert result.exit_code == 2, result.output
    assert "cannot write the batch ledger" in result.stderr
    assert "damaged" not in result.stderr and "move it aside" not in result.stderr
    assert (inbox / "u.csv").exists()


def test_an_urgent_result_is_said_when_its_file_changed_while_it_was_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy that stalled and resumed while it was read is left for the next run (changed):
    the urgent result of the rows read was not said.  It is (report not published yet); the
    next run triages the whole file and says it with its report."""
    from triage import batch as batch_module

    inbox = _inbox(tmp_path)
    path = inbox / "u.csv"
    rows = URGENT_CSV.splitlines(keepends=True)
    path.write_text("".join(rows[:2]), encoding="utf-8")
    old = time.time() - 3600
    os.utime(path, (old, old))
    original = batch_module.run_isolated

    def resumes(*args: Any, **kwargs: Any) -> Any:
        with path.open("a", encoding="utf-8") as handle:  # the copier wakes up mid-read
            handle.write("".join(rows[2:]))
        return original(*args, **kwargs)

    monkeypatch.setattr(batch_module, "run_isolated", resumes)
    result = invoke("batch", "--inbox", inbox, "--out", tmp_path / "out", "-q")
    urgent = [line for line in result.stderr.splitlines() if line.startswith("URGENT")]
    assert len(urgent) == 1 and "P3" in urgent[0], result.output
    assert "report not published yet" in urgent[0]
    assert path.exists()
