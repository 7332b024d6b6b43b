"""Helpers for end-to-end tests through the pipeline (tests/ is on sys.path)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from triage.pipeline import TriageOutcome, TriageRequest, run_triage


def triage_csv(tmp_path: Path, text: str) -> pd.DataFrame:
    """The results of one run on `text` written as tmp_path/export.csv (UTF-8)."""
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    return run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True)
    ).results


def run_csv(tmp_path: Path, text: str, *, fail_on: str | None = None) -> TriageOutcome:
    """The outcome of one run (results kept) on `text` written as tmp_path/export.csv (UTF-8),
    its outputs in tmp_path/out; `fail_on` as --fail-on."""
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    return run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True, fail_on=fail_on)
    )


def results_by_patient(outcome: TriageOutcome) -> pd.DataFrame:
    """A run's kept results (run_csv), indexed by patient_id."""
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def triage_csv_warned(tmp_path: Path, text: str) -> tuple[pd.DataFrame, list[str]]:
    """(results indexed by patient_id, the input's warnings) of one run on ``text`` written as
    tmp_path/export.csv (UTF-8)."""
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert outcome.results is not None
    warnings = [w for summary in outcome.inputs for w in summary.warnings]
    return outcome.results.set_index("patient_id"), warnings


def triage_lines(tmp_path: Path, header: str, lines: list[str]) -> pd.DataFrame:
    """triage_csv of a header and its data lines, indexed by patient_id."""
    out = triage_csv(tmp_path, header + "\n" + "\n".join(lines) + "\n")
    return out.set_index("patient_id")


def csv_quoted(text: str) -> str:
    """A CSV cell holding ``text`` (quoted, its quotes doubled)."""
    return '"' + text.replace('"', '""') + '"'


def prolactin_bundle(patient: dict[str, Any] | None = None, **observation: Any) -> dict[str, Any]:
    """A FHIR Bundle of one Patient (p1, female unless `patient` says otherwise) and one
    prolactin Observation of 27 ng/mL (`observation`: its further elements)."""
    person = {"resourceType": "Patient", "id": "p1", "gender": "female", **(patient or {})}
    result = {
        "resourceType": "Observation",
        "id": "o1",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "2842-3"}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2026-03-01T08:30:00",
        "valueQuantity": {"value": 27, "unit": "ng/mL"},
        **observation,
    }
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "Patient/p1", "resource": person},
            {"fullUrl": "Observation/o1", "resource": result},
        ],
    }


def write_table(path: Path, rows: list[list[object]]) -> Path:
    """``rows`` as a ";"-separated CSV or an xlsx workbook, by ``path``'s suffix."""
    if path.suffix == ".csv":
        path.write_text("\n".join(";".join(str(c) for c in row) for row in rows) + "\n")
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        book.save(path)
    return path


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail with TimeoutError instead of hanging for ever (a reader on a hostile file)."""

    def expired(*_: object) -> None:
        raise TimeoutError(f"took over {seconds} s (a hang?)")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def cli(*args: str | Path):  # type: ignore[no-untyped-def]
    """The CLI run in-process, as `prolactin-triage ARGS` (a Typer/Click Result)."""
    from typer.testing import CliRunner

    from triage.cli import app

    return CliRunner().invoke(app, list(map(str, args)), prog_name="prolactin-triage")


def without_settings_from_the_environment(monkeypatch: Any) -> None:
    """Remove every PROLACTIN_TRIAGE_ variable, so that only the test's options count."""
    for name in list(os.environ):
        if name.startswith("PROLACTIN_TRIAGE_"):
            monkeypatch.delenv(name)


def triage_on_day(folder: Path, header: str, lines: list[str], day: Any) -> Any:
    """The outcome of one run of a csv export (``header`` and ``lines``) as if run on ``day`` (a
    naive datetime, UTC): the readers' "today" and the run's clock both set to it."""
    from datetime import UTC

    from triage.io import wide
    from triage.pipeline import TriageRequest, run_triage

    path = folder / "export.csv"
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(wide._Builder, "_run_day", lambda self: day)
        outcome = run_triage(
            TriageRequest(inputs=[path], out_dir=folder / "out", keep_results=True),
            now=day.replace(tzinfo=UTC),
        )
    assert outcome.results is not None
    return outcome
