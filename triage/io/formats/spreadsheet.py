"""Spreadsheets: xlsx, xlsm, xlsb, xls and ods workbooks (python-calamine), by magic bytes.

The safety checks (zip bomb, encrypted workbook, sheet size measured before the grid is built)
live in ``triage.io.sources``.  An .xls that is delimited text is read as text there.
"""

from __future__ import annotations

from typing import Final

from triage.io.delimited import InputLimits
from triage.io.sources import WORKBOOK_EXTENSIONS, Workbook, is_spreadsheet, open_spreadsheet

NAME: Final = "spreadsheet"
SUFFIXES: Final = WORKBOOK_EXTENSIONS


def sniff(data: bytes, suffix: str) -> bool:
    """A zip or OLE compound document (whatever the file is named)."""
    return is_spreadsheet(data)


def open(name: str, data: bytes, suffix: str, limits: InputLimits) -> Workbook:
    return open_spreadsheet(name, data, suffix, limits)
