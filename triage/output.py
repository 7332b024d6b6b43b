"""Stage 4: write the results of a run — machine-readable files and HTML/PDF reports.

``write_outputs`` writes every file to a private temporary name in the output folder (mode 0600;
the folder is created 0700 when new) and renames them into place only when all were written, so
a failure leaves the folder as it was.  Output names of an earlier run that this run does not
write (``results.xlsx``, ``patients.pdf``) are removed after the commit, so that the folder never
mixes two runs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import pandas as pd

from triage.io.atomic import AtomicFileSet, ensure_private_dir
from triage.io.writers import (
    input_summary_json,
    write_rejected_csv,
    write_results_csv,
    write_results_json,
    write_results_xlsx,
)
from triage.report.env import make_environment, render_patients, render_summary
from triage.report.pdf import PdfUnavailableError, render_pdf
from triage.report.redact import Redactor
from triage.report.views import (
    DISCLAIMER,
    ResultTable,
    branding_view,
    patients_view,
    plan_patients,
    run_view,
    summary_view,
)
from triage.schema import ConfigError, InputSummary, Rejected, TriageError

__all__ = [
    "OUTPUT_FILES",
    "Branding",
    "OutputError",
    "OutputOptions",
    "PdfUnavailableError",
    "RunMeta",
    "branding_from_config",
    "write_outputs",
]

SUMMARY_HTML: Final = "summary.html"
PATIENTS_HTML: Final = "patients.html"
RESULTS_CSV: Final = "results.csv"
RESULTS_JSON: Final = "results.json"
REJECTED_CSV: Final = "rejected.csv"
RESULTS_XLSX: Final = "results.xlsx"
PATIENTS_PDF: Final = "patients.pdf"
OUTPUT_FILES: Final[tuple[str, ...]] = (
    SUMMARY_HTML,
    PATIENTS_HTML,
    RESULTS_CSV,
    RESULTS_JSON,
    REJECTED_CSV,
    RESULTS_XLSX,
    PATIENTS_PDF,
)
DEFAULT_MAX_SUMMARY_ROWS: Final = 2000
DEFAULT_MAX_PATIENT_PAGES: Final = 2000


class OutputError(TriageError):
    """The output folder cannot be created or written."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Branding:
    """The lab's name, address, contact line and logo on every report page."""

    lab_name: str = ""
    address: str = ""  # may hold several lines
    contact: str = ""
    logo_path: Path | None = None  # PNG, JPEG or GIF of at most 1 MiB, embedded as a data: URI


@dataclass(slots=True)
class RunMeta:
    """Provenance of a run, shown in every report and in results.json."""

    tool_name: str
    tool_version: str
    generated_at: datetime
    reference_set: str
    reference_title: str
    inputs: list[InputSummary]
    # Severity bands (name, lower limit in ng/mL) drawn on the result picture; the caller passes
    # knowledge.thresholds.bands, so that no clinical number lives in report code.
    band_thresholds: list[tuple[str, float]] = field(default_factory=list)


@dataclass(slots=True)
class OutputOptions:
    xlsx: bool = False
    pdf: bool = False
    all_patients: bool = False
    redact: bool = False
    redact_key: bytes | None = None
    template_dir: Path | None = None
    branding: Branding | None = None
    max_summary_rows: int = DEFAULT_MAX_SUMMARY_ROWS
    max_patient_pages: int | None = DEFAULT_MAX_PATIENT_PAGES  # None: a page for every patient


_BRANDING_KEYS: Final[dict[str, str]] = {
    "lab_name": "lab_name",
    "address": "address",
    "contact": "contact",
    "logo": "logo_path",
    "logo_path": "logo_path",
}


def branding_from_config(table: Mapping[str, Any], source: str, *, base_dir: Path) -> Branding:
    """A config file's ``[branding]`` table as Branding; ConfigError names a wrong key.

    Keys: ``lab_name``, ``address``, ``contact``, ``logo`` (a path, relative to the config file).
    """
    values: dict[str, Any] = {}
    for key, value in table.items():
        target = _BRANDING_KEYS.get(key)
        if target is None:
            known = ", ".join(sorted(k for k in _BRANDING_KEYS if k != "logo_path"))
            raise ConfigError(source, f"unknown key (known: {known})", field=f"branding.{key}")
        if not isinstance(value, str):
            raise ConfigError(source, "must be text", field=f"branding.{key}")
        values[target] = value
    logo = values.pop("logo_path", None)
    logo_path = None
    if logo:
        logo_path = Path(logo).expanduser()
        if not logo_path.is_absolute():
            logo_path = base_dir / logo_path
    return Branding(logo_path=logo_path, **values)


def _json_header(meta: RunMeta, options: OutputOptions) -> dict[str, Any]:
    return {
        "tool": {"name": meta.tool_name, "version": meta.tool_version},
        "generated_at": meta.generated_at,
        "reference_set": meta.reference_set,
        "reference_title": meta.reference_title,
        "redacted": options.redact,
        "inputs": [input_summary_json(s) for s in meta.inputs],
    }


def _about_rows(meta: RunMeta, options: OutputOptions) -> list[tuple[str, str]]:
    return [
        ("tool", f"{meta.tool_name} {meta.tool_version}"),
        ("generated_at", meta.generated_at.isoformat(timespec="seconds")),
        ("reference_set", meta.reference_set),
        ("reference_title", meta.reference_title),
        ("identifiers", "redacted" if options.redact else "as in the inputs"),
        ("note", DISCLAIMER),
    ]


def _prepare(results: pd.DataFrame, options: OutputOptions) -> pd.DataFrame:
    if options.redact:
        return Redactor.for_run(options.redact_key).redact_results(results)
    return results


def write_outputs(
    results: pd.DataFrame,
    rejected: list[Rejected],
    meta: RunMeta,
    out_dir: Path,
    options: OutputOptions,
) -> list[Path]:
    """Write summary.html, patients.html, results.csv, results.json, rejected.csv (and
    results.xlsx / patients.pdf when asked) into ``out_dir``, all or none; return their paths.

    Raises ConfigError (template folder, stylesheet, logo), PdfUnavailableError, OutputError.
    """
    env = make_environment(options.template_dir)  # configuration problems before any file
    branding = branding_view(options.branding)
    run = run_view(meta, branding, redacted=options.redact)
    data = _prepare(results, options)
    table = ResultTable(data)
    plan = plan_patients(
        table, all_patients=options.all_patients, max_pages=options.max_patient_pages
    )
    summary_html = render_summary(
        env,
        summary_view(
            table, plan, rejected, meta.inputs, run, max_rows=max(options.max_summary_rows, 0)
        ),
    )
    folder = _output_folder(out_dir)
    try:
        with AtomicFileSet(folder) as files:
            files.write_text(SUMMARY_HTML, summary_html)
            pdf_chunks: list[str] = []
            with files.open_text(PATIENTS_HTML) as handle:
                pages = patients_view(
                    table, plan, run, meta.band_thresholds, all_patients=options.all_patients
                )
                for chunk in render_patients(env, pages):
                    handle.write(chunk)
                    if options.pdf:
                        pdf_chunks.append(chunk)
            with files.open_text(RESULTS_CSV) as handle:
                write_results_csv(data, handle)
            with files.open_text(RESULTS_JSON) as handle:
                write_results_json(data, rejected, _json_header(meta, options), handle)
            with files.open_text(REJECTED_CSV) as handle:
                write_rejected_csv(rejected, handle)
            if options.xlsx:
                with files.open_binary(RESULTS_XLSX) as raw:
                    write_results_xlsx(data, rejected, meta.inputs, _about_rows(meta, options), raw)
            if options.pdf:
                with files.open_binary(PATIENTS_PDF) as raw:
                    render_pdf("".join(pdf_chunks), raw)
            written = files.commit()
    except OSError as exc:
        raise OutputError(f"cannot write the outputs in {folder}: {exc.strerror or exc}") from exc
    _remove_stale(folder, {p.name for p in written})
    return written


def _output_folder(out_dir: Path) -> Path:
    try:
        return ensure_private_dir(out_dir)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {out_dir}: {exc}") from exc


def _remove_stale(folder: Path, written: set[str]) -> None:
    """Outputs of an earlier run that this run did not write would disagree with the new ones."""
    for name in OUTPUT_FILES:
        if name not in written:
            with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
                (folder / name).unlink()
