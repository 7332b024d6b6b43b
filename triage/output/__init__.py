"""Stage 4: the outputs of a run — results.csv, results.json, rejected.csv, results.xlsx,
summary.html, patients.html and patients.pdf — written as the results arrive.

One package that data flows through once (docs/design.md):

- ``session``: ``OutputSession`` (chunks in, the set out) and ``write_outputs``; the list of
  writers (``WRITERS``) is there;
- ``options``: file names, ``OutputOptions``, ``RunMeta``, ``Branding``;
- ``rows``: a chunk of results as cells, shared by every file writer; ``safety``: formula
  injection;
- ``csv``, ``json``, ``xlsx``: the machine-readable files, streamed;
- ``views``, ``summary``, ``patients``, ``svg``, ``env``, ``pdf``: the reports;
- ``redact``: ``--redact``; ``spool``: the rows kept on disk for the reports;
- ``publish``: the folder, its lock and the atomic commit with its manifest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from triage.outdir import OutputError
from triage.output.options import (
    DEFAULT_MAX_PATIENT_PAGES,
    DEFAULT_MAX_SUMMARY_ROWS,
    OUTPUT_FILES,
    PATIENTS_HTML,
    PATIENTS_PDF,
    REJECTED_CSV,
    RESULTS_CSV,
    RESULTS_JSON,
    RESULTS_XLSX,
    SUMMARY_HTML,
    Branding,
    OutputOptions,
    RunMeta,
    branding_from_config,
    planned_names,
)
from triage.output.pdf import PdfUnavailableError
from triage.output.publish import claim_output_folder

if TYPE_CHECKING:
    from triage.output.session import OutputSession, check_output_settings, write_outputs


def __getattr__(name: str) -> Any:
    """The writers (jinja2, the reports) are imported when a run needs them, not by `check`,
    which only redacts what it quotes (``triage.output.redact``)."""
    if name in ("OutputSession", "check_output_settings", "write_outputs"):
        from triage.output import session

        return getattr(session, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_MAX_PATIENT_PAGES",
    "DEFAULT_MAX_SUMMARY_ROWS",
    "OUTPUT_FILES",
    "PATIENTS_HTML",
    "PATIENTS_PDF",
    "REJECTED_CSV",
    "RESULTS_CSV",
    "RESULTS_JSON",
    "RESULTS_XLSX",
    "SUMMARY_HTML",
    "Branding",
    "OutputError",
    "OutputOptions",
    "OutputSession",
    "PdfUnavailableError",
    "RunMeta",
    "branding_from_config",
    "check_output_settings",
    "claim_output_folder",
    "planned_names",
    "write_outputs",
]
