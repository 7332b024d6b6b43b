"""Opening an input file safely: what it really is, and its sheets as rows of cells.

The content decides the format (a zip is xlsx/ods, an OLE compound document is xls or an
encrypted workbook, anything else is text); the extension only has to agree with it.  Workbooks
are checked before they are opened: a zip whose directory declares more than
``max_uncompressed_bytes``, or an absurd compression ratio, is refused (zip bomb), and an
encrypted (password-protected) workbook is named as such.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import python_calamine as calamine

from triage.io.delimited import read_delimited
from triage.schema import InputFileError

Cell = object
Rows = list[list[Cell]]

WORKBOOK_EXTENSIONS: Final = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
TEXT_EXTENSIONS: Final = frozenset({".csv", ".tsv", ".txt", ".tab"})
SUPPORTED_EXTENSIONS: Final = WORKBOOK_EXTENSIONS | TEXT_EXTENSIONS

_ZIP_MAGIC: Final = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC: Final = b"PK\x05\x06"
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAMS: Final = (
    "EncryptedPackage".encode("utf-16-le"),
    "EncryptionInfo".encode("utf-16-le"),
)
_RATIO_FLOOR_BYTES: Final = 16 * 1024 * 1024  # small members may compress as well as they like


@dataclass
class Workbook:
    """An opened input: its sheet names and a way to read a sheet's rows."""

    kind: str  # "xlsx", "xls", "ods", "xlsb" or "csv"
    sheet_names: list[str]
    hidden: set[str]
    load: Callable[[str, int | None], Rows]  # (sheet, max rows or None) -> rows from row 1
    decimal_hint: str | None = None  # "," for a ;-separated text export
    warnings: list[str] = field(default_factory=list)

    @property
    def is_text(self) -> bool:
        return self.kind == "csv"


def open_workbook(
    path: Path, data: bytes, *, max_uncompressed_bytes: int, max_compression_ratio: float
) -> Workbook:
    """Identify ``data`` (the bytes of ``path``) and open it; InputFileError when unusable."""
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        allowed = ", ".join(sorted(e.lstrip(".") for e in SUPPORTED_EXTENSIONS))
        raise InputFileError(
            name, f"unsupported file type {suffix or '(none)'!r} (expected {allowed})"
        )
    if not data.strip():
        raise InputFileError(name, "the file is empty")
    if data.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)):
        check_zip(name, data, max_uncompressed_bytes, max_compression_ratio)
        return _open_calamine(name, data, _zip_kind(data, suffix), suffix)
    if data.startswith(_OLE_MAGIC):
        if any(marker in data for marker in _ENCRYPTED_STREAMS):
            raise InputFileError(
                name,
                "the workbook is password-protected (encrypted); save an unprotected copy and "
                "try again",
            )
        return _open_calamine(name, data, "xls", suffix)
    if suffix in TEXT_EXTENSIONS or suffix == ".xls":
        return _open_text(name, data, suffix)
    raise InputFileError(
        name,
        f"not a valid {suffix.lstrip('.')} workbook: the file holds plain text or unknown data "
        "(wrong extension, or not a spreadsheet)",
    )


def check_zip(name: str, data: bytes, max_bytes: int, max_ratio: float) -> None:
    """Refuse a damaged zip, or one whose directory declares too much data (zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise InputFileError(
            name, f"the workbook is damaged or incomplete (truncated?): {exc}"
        ) from None
    declared = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if declared > max_bytes:
        raise InputFileError(
            name,
            f"refused: the workbook declares {declared:,} bytes uncompressed, more than the "
            f"limit of {max_bytes:,} (possible zip bomb)",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR_BYTES and ratio > max_ratio:
            raise InputFileError(
                name,
                f"refused: {member.filename!r} expands {ratio:,.0f}-fold "
                f"(limit {max_ratio:,.0f}; possible zip bomb)",
            )
    if declared > _RATIO_FLOOR_BYTES and declared / max(packed, 1) > max_ratio:
        raise InputFileError(name, "refused: the workbook expands absurdly (possible zip bomb)")


def _zip_kind(data: bytes, suffix: str) -> str:
    head = data[:4096]
    if b"mimetypeapplication/vnd.oasis.opendocument" in head:
        return "ods"
    if suffix == ".xlsb":
        return "xlsb"
    return "xlsx"


def _open_calamine(name: str, data: bytes, kind: str, suffix: str) -> Workbook:
    warnings: list[str] = []
    expected = {".xls": "xls", ".ods": "ods", ".xlsb": "xlsb"}.get(suffix, "xlsx")
    if suffix in TEXT_EXTENSIONS or expected != kind:
        warnings.append(f"the file is a {kind} workbook although it is named {suffix}")
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        raise InputFileError(
            name, "the workbook is password-protected (encrypted); save an unprotected copy"
        ) from None
    except Exception as exc:  # calamine raises several unrelated types for damaged files
        raise InputFileError(name, f"the workbook cannot be read (damaged?): {exc}") from None
    names = list(book.sheet_names)
    hidden = {
        meta.name
        for meta in book.sheets_metadata
        if meta.visible != calamine.SheetVisibleEnum.Visible
        or meta.typ != calamine.SheetTypeEnum.WorkSheet
    }

    opened: dict[str, calamine.CalamineSheet] = {}

    def load(sheet: str, nrows: int | None) -> Rows:
        try:
            if sheet not in opened:  # parsing the sheet is the expensive part: do it once
                opened[sheet] = book.get_sheet_by_name(sheet)
            rows = opened[sheet].to_python(skip_empty_area=False, nrows=nrows)
        except Exception as exc:  # damaged sheet XML, unsupported record ...
            raise InputFileError(name, f"the sheet cannot be read: {exc}", sheet=sheet) from None
        return rows  # type: ignore[return-value]

    if not names:
        raise InputFileError(name, "the workbook has no sheets")
    return Workbook(kind, names, hidden, load, None, warnings)


def _open_text(name: str, data: bytes, suffix: str) -> Workbook:
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        raise InputFileError(
            name,
            "the file is an HTML/XML page saved with a spreadsheet extension; open it in a "
            "spreadsheet program and save it as xlsx or csv",
        )
    text = read_delimited(name, data, prefer_tab=suffix in {".tsv", ".tab"})
    warnings = list(text.warnings)
    if suffix == ".xls":
        warnings.append("the .xls file is delimited text; it was read as such")

    def load(sheet: str, nrows: int | None) -> Rows:
        return text.rows if nrows is None else text.rows[:nrows]

    return Workbook("csv", [""], set(), load, text.decimal_hint, warnings)
