"""Delimited text: csv, tsv, txt and tab files (delimiter, encoding and decimal mark sniffed).

Last in the registry: any file with one of these suffixes that no other format recognised.
"""

from __future__ import annotations

from typing import Final

from triage.io.delimited import InputLimits
from triage.io.sources import TEXT_EXTENSIONS, Workbook, open_text

NAME: Final = "csv"
SUFFIXES: Final = TEXT_EXTENSIONS


def sniff(data: bytes, suffix: str) -> bool:
    """Delimited text is what a text-named file is when nothing else recognised it."""
    return suffix in SUFFIXES


def open(name: str, data: bytes, suffix: str, limits: InputLimits) -> Workbook:
    return open_text(name, data, suffix, limits)
