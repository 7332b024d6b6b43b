"""Where the bundled data lives, installed (inside the wheel) or in a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def bundled_dir(name: str) -> Path:
    """Folder of bundled data: "reference_ranges", "report_templates" or "data".

    In the wheel they sit inside the package (triage/reference_ranges ...); in a source checkout
    reference_ranges/ and report_templates/ sit at the repository's top, beside triage/.
    """
    inside = _PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    beside = _PACKAGE_DIR.parent / name
    if beside.is_dir():
        return beside
    raise FileNotFoundError(f"bundled folder {name!r} is missing from the installation")


def data_file(name: str) -> Path:
    """A file of triage/data (synonyms, drugs, thresholds, the demo export)."""
    return bundled_dir("data") / name
