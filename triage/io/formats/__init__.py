"""The input formats: one module per format, chosen by content first and by suffix second.

A format is a module with four names (``InputFormat``):

- ``NAME``: its short name (also the ``Workbook.kind`` it produces, e.g. ``"hl7"``);
- ``SUFFIXES``: the file extensions it owns, lower case with the dot;
- ``sniff(data, suffix) -> bool``: True when the content is of this format (cheap, never
  raises; an HL7 file named .txt is HL7);
- ``open(name, data, suffix, limits) -> Workbook``: the file as sheets of rows of cells, or
  ``InputFileError`` (``name`` is the file name to show).

``open_input`` refuses a suffix no format owns unless a format of ``CONTENT_FORMATS`` (HL7,
FHIR) recognises the content, then opens the file with the first format of
``FORMATS`` whose ``sniff`` says yes, else with the first one owning the suffix (its ``open``
names what is wrong).  Adding a format is adding its module and one line to ``FORMATS``;
``SUPPORTED_EXTENSIONS`` (folders, the batch inbox, the CLI help) follows from it.  Delimited
text stays last: it takes any text its suffixes allow.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Protocol

from triage.io import fhir, hl7
from triage.io.delimited import InputLimits
from triage.io.formats import markup, spreadsheet, text
from triage.io.sources import Workbook, display_name, foreign_container, not_an_export
from triage.schema import InputFileError


class InputFormat(Protocol):
    """What a format module declares (modules satisfy this protocol)."""

    @property
    def NAME(self) -> str: ...

    @property
    def SUFFIXES(self) -> frozenset[str]: ...

    def sniff(self, data: bytes, suffix: str) -> bool: ...

    def open(self, name: str, data: bytes, suffix: str, limits: InputLimits) -> Workbook: ...


# The registry: sniffed in this order.  One line per format; delimited text stays last.
FORMATS: Final[tuple[InputFormat, ...]] = (
    spreadsheet,
    hl7,
    fhir,
    markup,
    text,
)

# Files that are no export of any format, by their first bytes: a report printed to PDF or a
# screenshot named .xls is said for what it is, not searched for a prolactin column.
FOREIGN_FILES: Final[tuple[tuple[bytes, str], ...]] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"{\\rtf", "an RTF document"),
)

SUPPORTED_EXTENSIONS: Final[frozenset[str]] = frozenset(s for f in FORMATS for s in f.SUFFIXES)

# Formats told by their content alone, read whatever the file is named: an interface engine
# writes HL7 as .oru, .msg, .dat, .out or with no extension (a file whose first segment is MSH,
# FHS or BHS is HL7 whatever its name), FHIR Bulk Data writes .ndjson, a Bundle may be .fhir.
# Before, such a file was refused by its name (a folder run skipped it with exit 0).
CONTENT_FORMATS: Final[tuple[InputFormat, ...]] = (hl7, fhir)
# how much of a file the content formats need to recognise it
_HEAD_BYTES: Final = 65_536


def content_format(data: bytes) -> InputFormat | None:
    """The format of CONTENT_FORMATS that recognises ``data`` (whatever its name), else None."""
    return next((fmt for fmt in CONTENT_FORMATS if fmt.sniff(data, "")), None)


def told_by_content(path: Path) -> bool:
    """Whether the file at ``path`` is one a content format recognises by its first bytes (a
    folder's or the batch inbox's file whose name no format owns); False when unreadable."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return False
    return content_format(head) is not None


def foreign_kind(data: bytes) -> str | None:
    """What a file that is no export of any format is, by its first bytes (FOREIGN_FILES) or
    its zip or OLE directory ("a Word document", a zip archive); None otherwise."""
    magic = next((kind for magic, kind in FOREIGN_FILES if data.startswith(magic)), None)
    return magic if magic is not None else foreign_container(data)


def supported_types() -> str:
    """The supported extensions without dots, for help texts: "csv, hl7, ods, ..."."""
    return ", ".join(sorted(e.lstrip(".") for e in SUPPORTED_EXTENSIONS))


def choose_format(data: bytes, suffix: str) -> InputFormat | None:
    """The format that reads ``data`` (a file named with ``suffix``): the first that
    recognises the content, else the first owning the suffix; None when none does."""
    for fmt in FORMATS:
        if fmt.sniff(data, suffix):
            return fmt
    return next((fmt for fmt in FORMATS if suffix in fmt.SUFFIXES), None)


def open_input(
    path: Path, data: bytes, *, limits: InputLimits | None = None, name: str | None = None
) -> Workbook:
    """Identify ``data`` (the bytes of ``path``) and open it; InputFileError when unusable.

    ``limits`` bound the rows, columns and cells of a sheet (a workbook sheet is measured from
    its XML before its grid is built) and the zip guard.  ``name``: the file name to show
    (default ``display_name(path)``)."""
    name = name if name is not None else display_name(path)
    limits = limits or InputLimits()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS and content_format(data) is None:
        expected = f"unsupported file type {suffix or '(none)'!r} (expected {supported_types()})"
        foreign = foreign_kind(data)
        if foreign is not None:  # and what it is, when its content says (a .pdf, a .docx)
            raise not_an_export(name, foreign, lead=expected)
        raise InputFileError(name, expected, code="unsupported")
    if not data.strip():
        raise InputFileError(name, "the file is empty", code="empty")
    # a zip or OLE file named like a workbook is said for what it is by the spreadsheet reader,
    # after its zip-bomb guard
    foreign = next((kind for magic, kind in FOREIGN_FILES if data.startswith(magic)), None)
    if foreign is not None:
        raise not_an_export(name, foreign)
    fmt = choose_format(data, suffix)
    if fmt is None:  # pragma: no cover - every supported suffix has an owner
        raise InputFileError(name, f"no reader for {suffix!r} files", code="unsupported")
    return fmt.open(name, data, suffix, limits)


__all__ = [
    "CONTENT_FORMATS",
    "FORMATS",
    "SUPPORTED_EXTENSIONS",
    "InputFormat",
    "choose_format",
    "content_format",
    "open_input",
    "supported_types",
    "told_by_content",
]
