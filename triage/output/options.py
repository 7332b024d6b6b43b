"""What a run's outputs are called and how they are asked for: file names, OutputOptions,
RunMeta (provenance) and Branding (the lab's name and logo on every page)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from triage.schema import ConfigError, InputSummary
from triage.urgent import URGENT_TXT

SUMMARY_HTML: Final = "summary.html"
PATIENTS_HTML: Final = "patients.html"
RESULTS_CSV: Final = "results.csv"
RESULTS_JSON: Final = "results.json"
REJECTED_CSV: Final = "rejected.csv"
RESULTS_XLSX: Final = "results.xlsx"
RESULTS_FHIR: Final = "results.fhir.json"  # --fhir: a FHIR R4 Bundle (output/fhir.py)
PATIENTS_PDF: Final = "patients.pdf"
PATIENT_PDF_STEM_MAX: Final = 100  # characters of a per-patient PDF's name before ".pdf"
OUTPUT_FILES: Final[tuple[str, ...]] = (
    SUMMARY_HTML,
    PATIENTS_HTML,
    RESULTS_CSV,
    RESULTS_JSON,
    REJECTED_CSV,
    RESULTS_XLSX,
    PATIENTS_PDF,
    URGENT_TXT,  # written by the pipeline, through ``finish(extra_files=...)``
    RESULTS_FHIR,
)
# --pdf-per-patient: one PDF per patient page in this folder of the output set, each named
# "<specimen number or patient token>.pdf" (triage.output.pdf.patient_pdf_names).
PATIENT_PDF_DIR: Final = "patients"
_PATIENT_PDF: Final = re.compile(
    rf"{PATIENT_PDF_DIR}/[A-Za-z0-9][A-Za-z0-9._-]{{0,{PATIENT_PDF_STEM_MAX - 1}}}\.pdf"
)


def is_patient_pdf(name: str) -> bool:
    """Whether ``name`` ("patients/S-123.pdf") is one of --pdf-per-patient's files."""
    return _PATIENT_PDF.fullmatch(name) is not None


class _Names(Collection[str]):
    """Names recognised by a rule (``in``), iterated as a fixed list (triage.outdir's ``known``
    and ``finals``: it iterates them to find leftovers, and asks ``in`` to keep names)."""

    def __init__(self, listed: tuple[str, ...], rule: Callable[[str], bool]) -> None:
        self._listed = listed
        self._rule = rule

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (name in self._listed or self._rule(name))

    def __iter__(self) -> Iterator[str]:
        return iter(self._listed)

    def __len__(self) -> int:
        return len(self._listed)


# Every name the tool writes in an output folder: OUTPUT_FILES and the files of PATIENT_PDF_DIR
# (a manifest may list them; a later run may replace or remove them).
OUTPUT_NAMES: Final = _Names(OUTPUT_FILES, is_patient_pdf)
# The names of PATIENT_PDF_DIR's files inside it ("S-123.pdf"): leftovers of a killed run there.
PATIENT_PDF_FILES: Final = _Names((), lambda name: is_patient_pdf(f"{PATIENT_PDF_DIR}/{name}"))
DEFAULT_MAX_SUMMARY_ROWS: Final = 2000
DEFAULT_MAX_PATIENT_PAGES: Final = 2000
# The unit the reports show values and intervals in: the lab's own (as it reported them, to its
# precision, ng/mL beside when that is another unit), or always ng/mL, or always mIU/L.
DISPLAY_UNITS: Final[tuple[str, ...]] = ("lab", "ng/mL", "mIU/L")
DEFAULT_DISPLAY_UNIT: Final = "lab"


@dataclass(frozen=True, slots=True)
class Branding:
    """The lab's name, address, contact line and logo on every report page."""

    lab_name: str = ""
    address: str = ""  # may hold several lines
    contact: str = ""
    logo_path: Path | None = None  # PNG, JPEG or GIF of at most 1 MiB, embedded as a data: URI
    # where the logo was set ("site.toml"): its errors name that file and [branding] logo
    logo_source: str = ""


@dataclass(frozen=True, slots=True)
class SetCaveats:
    """A reference set as the summary names it, with its caveats ([set] caveats of
    reference_ranges/*.toml)."""

    name: str  # "default", "roche_elecsys"
    title: str
    source: str  # the set's overall citation
    caveats: tuple[str, ...] = ()


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
    # mIU/L per ng/mL of the reference set (reference_ranges/*.toml, with its source): shows a
    # result reported in ng/mL in mIU/L (display_unit); None: such a result stays in ng/mL.
    miu_per_ng: float | None = None
    # Every reference set the engine may consult, the chosen one first: the summary lists the
    # caveats of the chosen set and of each other set that judged a result of the batch.
    reference_sets: tuple[SetCaveats, ...] = ()


@dataclass(slots=True)
class OutputOptions:
    xlsx: bool = False
    fhir: bool = False  # results.fhir.json (output/fhir.py)
    pdf: bool = False
    pdf_per_patient: bool = False  # PATIENT_PDF_DIR/: one PDF per patient page
    all_patients: bool = False
    redact: bool = False
    redact_key: bytes | None = None
    template_dir: Path | None = None
    branding: Branding | None = None
    max_summary_rows: int = DEFAULT_MAX_SUMMARY_ROWS
    max_patient_pages: int | None = DEFAULT_MAX_PATIENT_PAGES  # None: a page for every patient
    group_readable: bool = False  # files 0640, new folders 0750 (default 0600 / 0700)
    force: bool = False  # write into a folder the tool did not create (its own names only)
    display_unit: str = DEFAULT_DISPLAY_UNIT  # one of DISPLAY_UNITS: "lab", "ng/mL", "mIU/L"

    def __post_init__(self) -> None:
        if self.display_unit not in DISPLAY_UNITS:
            known = ", ".join(DISPLAY_UNITS)
            raise ConfigError(
                "display_unit", f"{self.display_unit!r} is not one of {known}", field="display_unit"
            )


def planned_names(options: OutputOptions) -> list[str]:
    """The output files a run with these options writes (the manifest aside)."""
    names = [SUMMARY_HTML, PATIENTS_HTML, RESULTS_CSV, RESULTS_JSON, REJECTED_CSV, URGENT_TXT]
    if options.xlsx:
        names.append(RESULTS_XLSX)
    if options.pdf:
        names.append(PATIENTS_PDF)
    if options.fhir:
        names.append(RESULTS_FHIR)
    return names


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
    return Branding(logo_path=logo_path, logo_source=source if logo_path else "", **values)
