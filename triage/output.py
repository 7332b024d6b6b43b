"""Stage 4: write the results of a run — machine-readable files and HTML/PDF reports.

``write_outputs`` writes every file to a private temporary name in the output folder (mode 0600,
0640 with ``group_readable``; folders it creates 0700 / 0750) and renames them into place only
when all were written, so a failure leaves the folder as it was.  A manifest
(``.prolactin-triage-outputs.json``, see ``triage.outdir``) lists the files the tool wrote: only
those are ever replaced or removed, so outputs of an earlier run that this run does not write
(``results.xlsx``, ``patients.pdf``) are removed after the commit, and a user's own files never
are.  ``claim_output_folder`` takes the folder's lock for a whole run (the CLI uses it).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import pandas as pd

from triage.faults import checkpoint
from triage.io.atomic import AtomicFileSet, atomic_write_bytes, ensure_private_dir
from triage.io.writers import (
    input_summary_json,
    write_rejected_csv,
    write_results_csv,
    write_results_json,
    write_results_xlsx,
)
from triage.outdir import (
    COMPLETE,
    INCOMPLETE,
    MANIFEST_NAME,
    Manifest,
    OutputError,
    check_folder,
    file_records,
    locked_folder,
    new_manifest,
    write_manifest,
)
from triage.report.env import make_environment, render_patients, render_summary
from triage.report.pdf import PdfUnavailableError, render_pdf
from triage.report.redact import Redactor, redact_rejected, redact_run_inputs
from triage.report.views import (
    DISCLAIMER,
    ResultTable,
    branding_view,
    patients_view,
    plan_patients,
    run_view,
    summary_view,
)
from triage.schema import ConfigError, InputSummary, Rejected
from triage.urgent import URGENT_TXT

__all__ = [
    "OUTPUT_FILES",
    "Branding",
    "OutputError",
    "OutputOptions",
    "PdfUnavailableError",
    "RunMeta",
    "branding_from_config",
    "claim_output_folder",
    "planned_names",
    "write_outputs",
]

log = logging.getLogger("triage")

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
    URGENT_TXT,  # written by the pipeline, through ``write_outputs(extra_files=...)``
)
DEFAULT_MAX_SUMMARY_ROWS: Final = 2000
DEFAULT_MAX_PATIENT_PAGES: Final = 2000


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
    group_readable: bool = False  # files 0640, new folders 0750 (default 0600 / 0700)
    force: bool = False  # write into a folder the tool did not create (its own names only)


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


def _prepare(
    results: pd.DataFrame, rejected: list[Rejected], meta: RunMeta, options: OutputOptions
) -> tuple[pd.DataFrame, list[Rejected], RunMeta]:
    """The results, rejected rows and run provenance as every output shows them: under --redact
    ids, names, exact ages and times, and the cell texts quoted in rejected details and reading
    warnings are replaced (report/redact.py)."""
    if options.redact:
        redacted = Redactor.for_run(options.redact_key).redact_results(results)
        return redacted, redact_rejected(rejected), redact_run_inputs(meta)
    return results, rejected, meta


def write_outputs(
    results: pd.DataFrame,
    rejected: list[Rejected],
    meta: RunMeta,
    out_dir: Path,
    options: OutputOptions,
    *,
    extra_files: Mapping[str, bytes] | None = None,
) -> list[Path]:
    """Write summary.html, patients.html, results.csv, results.json, rejected.csv (and
    results.xlsx / patients.pdf when asked) into ``out_dir``, all or none; return their paths.

    ``extra_files``: more files of the same set (name -> content), names from OUTPUT_FILES
    (e.g. urgent.txt), so that they are committed and listed in the manifest with the rest.

    Raises ConfigError (template folder, stylesheet, logo), PdfUnavailableError, OutputError.
    """
    env = make_environment(options.template_dir)  # configuration problems before any file
    branding = branding_view(options.branding)
    run = run_view(meta, branding, redacted=options.redact)
    data, rejected, meta = _prepare(results, rejected, meta, options)
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
    extras = dict(extra_files or {})
    if unknown := sorted(set(extras) - set(OUTPUT_FILES)):
        raise ValueError(f"not output names: {unknown}")
    folder = _output_folder(out_dir, options)
    previous = check_folder(
        folder, [*planned_names(options), *extras], known=OUTPUT_FILES, force=options.force
    )
    if previous is not None and previous.state != COMPLETE:
        log.warning("%s: outputs of an interrupted run are replaced", folder)
    try:
        with AtomicFileSet(folder, group_readable=options.group_readable) as files:
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
            for name, content in extras.items():
                files.write_bytes(name, content)
            written = _commit(files, folder, meta, options, previous)
        checkpoint("outputs.after_commit")
        names = [p.name for p in written]
        _remove_stale(folder, previous, set(names))
        done = new_manifest(meta.tool_name, meta.tool_version, state=COMPLETE)
        done.files = file_records(folder, names)
        write_manifest(folder, done, group_readable=options.group_readable)
    except OSError as exc:
        raise OutputError(f"cannot write the outputs in {folder}: {exc.strerror or exc}") from exc
    return written


def planned_names(options: OutputOptions) -> list[str]:
    """The output files a run with these options writes (the manifest aside)."""
    names = [SUMMARY_HTML, PATIENTS_HTML, RESULTS_CSV, RESULTS_JSON, REJECTED_CSV, URGENT_TXT]
    if options.xlsx:
        names.append(RESULTS_XLSX)
    if options.pdf:
        names.append(PATIENTS_PDF)
    return names


@contextlib.contextmanager
def claim_output_folder(out_dir: Path, options: OutputOptions) -> Iterator[Path]:
    """Hold the lock of ``out_dir`` for a whole run (create it, remove leftovers of killed runs,
    check it may be written) — before reading any input, so that a refusal costs nothing.

    Raises LockHeldError (75) when another run holds it, OutputError (2) when it cannot be
    created or is not the tool's (without ``options.force``).
    """
    with locked_folder(
        out_dir, known=OUTPUT_FILES, group_readable=options.group_readable
    ) as folder:
        check_folder(folder, planned_names(options), known=OUTPUT_FILES, force=options.force)
        yield folder


def _commit(
    files: AtomicFileSet,
    folder: Path,
    meta: RunMeta,
    options: OutputOptions,
    previous: Manifest | None,
) -> list[Path]:
    """Record the intent in the manifest, then rename the set; restore the manifest on failure.

    The ``incomplete`` manifest lists the previous files (with their hashes) and, as pending,
    every name this commit or the stale removal after it may touch: a kill from here on leaves a
    folder whose manifest still names every file of ours and says that the set is not whole.
    """
    checkpoint("outputs.before_commit")
    intent = new_manifest(meta.tool_name, meta.tool_version, state=INCOMPLETE)
    intent.files = dict(previous.files) if previous else {}
    intent.pending = sorted(set(files.names) | (previous.owned if previous else set()))
    manifest_path = folder / MANIFEST_NAME
    before = manifest_path.read_bytes() if manifest_path.is_file() else None
    write_manifest(folder, intent, group_readable=options.group_readable)
    try:
        return files.commit(fault_point="outputs.mid_commit")
    except BaseException:
        with contextlib.suppress(OSError):  # the files were rolled back: so is the manifest
            if before is None:
                manifest_path.unlink()
            else:
                atomic_write_bytes(manifest_path, before, group_readable=options.group_readable)
        raise


def _output_folder(out_dir: Path, options: OutputOptions) -> Path:
    try:
        return ensure_private_dir(out_dir, group_readable=options.group_readable)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {out_dir}: {exc}") from exc


def _remove_stale(folder: Path, previous: Manifest | None, written: set[str]) -> None:
    """Outputs of an earlier run that this run did not write would disagree with the new ones;
    only names the previous manifest lists are removed (never a file the tool did not write)."""
    if previous is None:
        return
    for name in sorted(previous.owned - written):
        if name in OUTPUT_FILES:
            with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
                (folder / name).unlink()
