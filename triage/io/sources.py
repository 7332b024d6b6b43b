"""Opening a spreadsheet or a delimited text file safely, as sheets of rows of cells.

The format registry (``triage.io.formats``) decides what a file is, from its content first and
its extension second, and calls ``open_spreadsheet`` (xlsx/xlsm/xlsb/xls/ods) or ``open_text``
(csv/tsv/txt, and an .xls that is really text) from here; other formats (HL7 v2, FHIR) have their
own modules.  Every format produces a ``Workbook``.  Workbooks are checked before they are
opened: a zip whose directory declares more than ``max_uncompressed_bytes``, or an absurd
compression ratio, is refused (zip bomb), and an encrypted (password-protected) workbook is
named as such.
"""

from __future__ import annotations

import contextlib
import html
import io
import math
import os
import posixpath
import re
import sys
import tempfile
import threading
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

import python_calamine as calamine

from triage.io.delimited import InputLimits, read_delimited
from triage.schema import InputFileError, Withdrawal
from triage.values import FORMULA_WITHOUT_VALUE, PERCENT_FULL, format_number, normalise_unit

if TYPE_CHECKING:
    from triage.io.fast_split import Grid

Cell = object
Rows = list[list[Cell]]
_Cell = TypeVar("_Cell")

WORKBOOK_EXTENSIONS: Final = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
TEXT_EXTENSIONS: Final = frozenset({".csv", ".tsv", ".txt", ".tab"})

_ZIP_MAGIC: Final = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC: Final = b"PK\x05\x06"
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAMS: Final = (
    "EncryptedPackage".encode("utf-16-le"),
    "EncryptionInfo".encode("utf-16-le"),
)
# Office files that are no workbook although named like one (a report saved as .docx and
# renamed, a zipped export named .xlsx): said for what they are, as triage.io.formats'
# FOREIGN_FILES says a PDF or an image, instead of "the workbook cannot be read".  A zip part
# only that kind of file holds (and no workbook part), an OpenDocument package's mimetype, an
# OLE directory entry (UTF-16) only that kind of file holds (and no Workbook/Book stream).
_WORKBOOK_ZIP_PARTS: Final = ("xl/", "content.xml")
_FOREIGN_ZIP_PARTS: Final = (
    ("word/", "a Word document"),
    ("ppt/", "a PowerPoint presentation"),
    ("visio/", "a Visio drawing"),
)
_FOREIGN_ODF_TYPES: Final = (
    (b"mimetypeapplication/vnd.oasis.opendocument.text", "an OpenDocument text document"),
    (b"mimetypeapplication/vnd.oasis.opendocument.presentation", "an OpenDocument presentation"),
    (b"mimetypeapplication/vnd.oasis.opendocument.graphics", "an OpenDocument drawing"),
)
_OLE_WORKBOOK_STREAMS: Final = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_FOREIGN_OLE_STREAMS: Final = (
    ("WordDocument".encode("utf-16-le"), "a Word document"),
    ("PowerPoint Document".encode("utf-16-le"), "a PowerPoint presentation"),
    ("__substg1.0_".encode("utf-16-le"), "an Outlook message"),
)
_RATIO_FLOOR_BYTES: Final = 16 * 1024 * 1024  # small members may compress as well as they like
_SCAN_CHUNK: Final = 4 * 1024 * 1024  # sheet XML is scanned in pieces of this size
_MAX_CARRY: Final = 64 * 1024 * 1024  # an element longer than this is scanned in pieces
# A grid of more cells than its XML has bytes (and more than this) comes from a stray far cell
# or repeated rows, not from data: reading it costs ~70 bytes of memory per cell.
_SPARSE_FLOOR_CELLS: Final = 2_000_000
_READER_FAILED: Final = "the workbook cannot be read (the reader failed on it)"


@dataclass
class Workbook:
    """An opened input: its sheet names and a way to read a sheet's rows."""

    kind: str  # "xlsx", "xls", "ods", "xlsb", "csv", or another format's NAME ("hl7", ...)
    sheet_names: list[str]
    hidden: set[str]
    load: Callable[[str, int | None], Rows]  # (sheet, max rows or None) -> rows from row 1
    decimal_hint: str | None = None  # "," for a ;-separated text export
    warnings: list[str] = field(default_factory=list)
    # Rows (0-based index) that could not be split safely -> detail (no cell contents); the row
    # itself is kept empty so that numbering stays aligned.  Text files only.
    bad_rows: dict[int, str] = field(default_factory=dict)
    line_numbers: list[int] = field(default_factory=list)  # text: first physical line per row
    # One unnamed sheet read from text (csv, HL7, FHIR ...): no sheet names in messages, and
    # numbers in date columns are not Excel serial dates.
    text: bool = False
    # The source_row of row i is line_numbers[i] (a segment or entry number) instead of i + 1:
    # for formats whose grid rows are not the file's lines (HL7 v2: one row per OBX segment).
    number_by_line: bool = False
    # The reason code of a bad row when it is not "malformed_line" (HL7: "cancelled_result",
    # "malformed_message"); rows not listed are malformed lines.
    row_reasons: dict[int, str] = field(default_factory=dict)
    # The (patient id, specimen id) a bad row belongs to when the format still knows them (an
    # HL7 OBX withdrawn, a FHIR Observation without a value): rejected.csv names them.
    row_ids: dict[int, tuple[str, str]] = field(default_factory=dict)
    # The bad rows that withdraw a prolactin result (an HL7 OBX-11 D, W or X): the history
    # withdraws what earlier runs recorded for that patient and specimen (Rejected.withdraws).
    withdrawing: set[int] = field(default_factory=set)
    # Prolactin results the file corrects (HL7 OBX-11 C): an earlier file's result of the same
    # patient and specimen is superseded in the history.
    corrections: list[Withdrawal] = field(default_factory=list)
    # The reader applied the results' statuses (HL7 OBX-11, FHIR Observation.status): replaced
    # results rejected, corrections given; its status column is carried only (BuildSettings)
    statuses_applied: bool = False
    # A workbook in the 1904 date system (Mac Excel's workbookPr date1904): a number in a date
    # column counts its days from 1904-01-01, not 1899-12-30 (calamine converts only the cells
    # formatted as dates).
    date1904: bool = False
    # A workbook's merged cell ranges per sheet (python-calamine), for fill_merged_down.
    merged: Callable[[str], list[Any]] | None = None
    # A large delimited text split in C: its records as a grid with their dictionary codes
    # (layout.split_rows takes the cells below the header from it instead of the rows).
    grid: Grid | None = None
    # Its rows with those below the first few thousand left in the grid (fast_split.Unread
    # stand-ins of the right length), for read_file, which makes them when it needs them.
    unmade_rows: Callable[[], Rows] | None = None
    # The bad last row of a text cut short inside it -> its fields as read (DelimitedText.cut).
    cut_rows: dict[int, list[object]] = field(default_factory=dict)
    # The last row of a text that ends inside its last field, all its fields there: its index
    # and fields (DelimitedText.open_end); read, with a caution when that field is read.
    open_end: tuple[int, list[object]] | None = None
    # The other bad rows of a text whose line still splits into fields -> those fields
    # (DelimitedText.broken): read for the line's patient and possible urgency.
    broken_rows: dict[int, list[object]] = field(default_factory=dict)
    # The empty rows of a text's lines that went on with the record above them (an unquoted
    # line break in a cell, joined): index -> the index of that record (DelimitedText.continued).
    # They are in ``bad_rows`` with ``row_reasons`` not_a_result_row.
    continued_rows: dict[int, int] = field(default_factory=dict)
    # Bad rows whose result may be urgent -> why ("; its result may be above the urgent level:
    # listed with the urgent results"): an HL7 result superseded by a later final one sent
    # without a correction status (the later one may be the error)
    urgent_rows: dict[int, str] = field(default_factory=dict)
    # The rows are one patient's, though no cell names the patient (a cumulative report without
    # a title line naming the patient, triage/io/cumulative.py): the long reader joins its
    # other tests to the prolactin results of their collection as one patient's.
    one_patient: bool = False
    # (A number the format types, HL7 v2 NM or a FHIR JSON number, is a values.FormatNumber
    # cell, read with "." whatever other cells show: a "25,3" in another message had turned an
    # HL7 "12.500" into 12500; its text cells are read as a table's.)

    @property
    def is_text(self) -> bool:
        return self.text or self.kind == "csv"

    def source_row(self, index: int) -> int:
        """The 1-based row number a person sees for grid row ``index``."""
        if self.number_by_line and index < len(self.line_numbers):
            return self.line_numbers[index]
        return index + 1


def distinct_names(paths: Sequence[Path]) -> dict[Path, str]:
    """Each path's ``display_name``; where two paths of one run share a file name (site_a/
    export.csv, site_b/export.csv), as many of their folders as tell them apart ("site_a/
    export.csv"), so that every result and rejected row names its own file."""
    parts = {path: [display_name(Path(part)) for part in path.parts] for path in paths}
    depth = dict.fromkeys(paths, 1)

    def shown(path: Path) -> str:
        return "/".join(parts[path][-depth[path] :])

    while True:
        seen = Counter(shown(path) for path in paths)
        deeper = [p for p in paths if seen[shown(p)] > 1 and depth[p] < len(parts[p])]
        if not deeper:
            return {path: shown(path) for path in paths}
        for path in deeper:
            depth[path] += 1


def display_name(path: Path) -> str:
    """The file name as it can be shown anywhere: bytes that are not UTF-8 (a name from another
    system) written as ``\\xff`` escapes instead of the lone surrogates Python decodes them to,
    and control characters escaped (``\\n``, ``\\r``, ``\\t``, ``\\x1b``, ``\\x85``,
    ``\\u2028``): a name such as "new<newline>line.csv" must not split a log line or forge
    one."""
    return _shown(path.name or str(path))


def display_path(path: Path) -> str:
    """The path as the user gave it ("/dev/null", "exports/jan.csv"), shown as ``display_name``
    shows a name: for what is wrong with the path itself (a device, no such file), where the
    name alone ("null") does not say what was given."""
    return _shown(str(path))


def _shown(name: str) -> str:
    try:
        shown = os.fsencode(name).decode("utf-8", "backslashreplace")
    except (UnicodeError, ValueError):
        shown = name.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL.sub(_escape_control, shown)


# C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the bidirectional
# marks and overrides (they reorder how the rest of a log line reads).
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_NAMED_ESCAPES: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_control(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def open_workbook(
    path: Path,
    data: bytes,
    *,
    max_uncompressed_bytes: int | None = None,
    max_compression_ratio: float | None = None,
    limits: InputLimits | None = None,
    name: str | None = None,
) -> Workbook:
    """Identify ``data`` (the bytes of ``path``) and open it; InputFileError when unusable.

    Kept for callers of the earlier API: the format registry (``triage.io.formats.open_input``)
    chooses the format.  ``limits`` bound the rows, columns and cells of a sheet and the zip
    guard (``max_uncompressed_bytes`` / ``max_compression_ratio`` override theirs)."""
    from triage.io.formats import open_input  # the registry imports this module

    limits = limits or InputLimits()
    if max_uncompressed_bytes is not None:
        limits = replace(limits, max_uncompressed_bytes=max_uncompressed_bytes)
    if max_compression_ratio is not None:
        limits = replace(limits, max_compression_ratio=max_compression_ratio)
    return open_input(path, data, limits=limits, name=name)


def is_spreadsheet(data: bytes) -> bool:
    """A zip (xlsx/xlsm/xlsb/ods) or an OLE compound document (xls, encrypted workbook)."""
    return data.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC, _OLE_MAGIC))


def open_spreadsheet(name: str, data: bytes, suffix: str, limits: InputLimits) -> Workbook:
    """A workbook by its magic bytes; InputFileError when unusable (encrypted, damaged, a zip
    bomb, or not a workbook at all although named like one)."""
    if data.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)):
        check_zip(name, data, limits.max_uncompressed_bytes, limits.max_compression_ratio)
        foreign = foreign_container(data)
        if foreign is not None:
            raise not_an_export(name, foreign)
        return _open_calamine(name, data, _zip_kind(data, suffix), suffix, limits)
    if data.startswith(_OLE_MAGIC):
        foreign = foreign_container(data)
        if foreign is not None:
            raise not_an_export(name, foreign)
        if any(marker in data for marker in _ENCRYPTED_STREAMS):
            raise InputFileError(
                name,
                "the workbook is password-protected (encrypted); save an unprotected copy and "
                "try again",
                code="encrypted",
            )
        return _open_calamine(name, data, "xls", suffix, limits)
    # old exporters write text or HTML named .xls, and a LIS's "Excel export" may be delimited
    # text named .xlsx (an HTML page: said as such)
    if suffix == ".xls" or is_markup(data) or _is_delimited_text(data):
        return open_text(name, data, suffix, limits)
    raise InputFileError(
        name,
        f"not a valid {suffix.lstrip('.')} workbook: the file holds plain text or unknown data "
        "(wrong extension, or not a spreadsheet)",
        code="unsupported",
    )


_EXPORT_ADVICE: Final = "export the results from the laboratory system as xlsx or csv"
_ZIP_ARCHIVE: Final = "a zip archive of other files"


def not_an_export(name: str, kind: str, *, lead: str = "") -> InputFileError:
    """The error of a file that is another kind of document ("a PDF document", "a Word
    document", a zip archive), whatever its name says; ``lead``: what comes first (an
    unsupported extension)."""
    if lead:  # its name says it already: what it is, and what to do
        advice = "unzip it and give the export inside" if kind == _ZIP_ARCHIVE else _EXPORT_ADVICE
        message = f"{lead}: the file is {kind}, not a lab export; {advice}"
    elif kind == _ZIP_ARCHIVE:  # the export may well be inside
        message = (
            f"the file is {kind}, not a workbook (whatever its name says); unzip it and give "
            "the export inside"
        )
    else:
        message = f"the file is {kind}, not a lab export (whatever its name says); {_EXPORT_ADVICE}"
    return InputFileError(name, message, code="unsupported")


def foreign_container(data: bytes) -> str | None:
    """What a zip or OLE compound file that holds no workbook is ("a Word document", a zip
    archive), by its directory alone (nothing is decompressed); None for anything else."""
    if data.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)):
        return _foreign_zip(data)
    if data.startswith(_OLE_MAGIC) and not any(s in data for s in _OLE_WORKBOOK_STREAMS):
        return next((kind for stream, kind in _FOREIGN_OLE_STREAMS if stream in data), None)
    return None


def _foreign_zip(data: bytes) -> str | None:
    """What a zip that holds no workbook is ("a Word document", "a zip archive ..."), or None
    for a workbook (or a package too damaged to say: calamine names it)."""
    head = data[:4096]
    odf = next((kind for mime, kind in _FOREIGN_ODF_TYPES if head.find(mime) >= 0), None)
    if odf is not None:
        return odf
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return None  # check_zip has passed it: calamine says what is wrong
    if any(n.startswith(_WORKBOOK_ZIP_PARTS) for n in names):
        return None
    for part, kind in _FOREIGN_ZIP_PARTS:
        if any(n.startswith(part) for n in names):
            return kind
    if "[Content_Types].xml" in names or "mimetype" in names:
        return None  # an Office or OpenDocument package of some kind: calamine says it
    if not names:
        return None  # an empty zip: calamine says it
    return _ZIP_ARCHIVE


def check_zip(name: str, data: bytes, max_bytes: int, max_ratio: float) -> None:
    """Refuse a damaged zip, or one whose directory declares too much data (zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise InputFileError(
            name,
            f"the workbook is damaged or incomplete (truncated?): {exc}",
            code="damaged",
        ) from None
    declared = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if declared > max_bytes:
        raise InputFileError(
            name,
            f"refused: the workbook declares {declared:,} bytes uncompressed, more than the "
            f"limit of {max_bytes:,} (possible zip bomb)",
            code="too_large",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR_BYTES and ratio > max_ratio:
            raise InputFileError(
                name,
                f"refused: {member.filename!r} expands {ratio:,.0f}-fold "
                f"(limit {max_ratio:,.0f}; possible zip bomb)",
                code="too_large",
            )
    if declared > _RATIO_FLOOR_BYTES and declared / max(packed, 1) > max_ratio:
        raise InputFileError(
            name, "refused: the workbook expands absurdly (possible zip bomb)", code="too_large"
        )


def _zip_kind(data: bytes, suffix: str) -> str:
    head = data[:4096]
    if b"mimetypeapplication/vnd.oasis.opendocument" in head:
        return "ods"
    if suffix == ".xlsb":
        return "xlsb"
    return "xlsx"


def is_panic(exc: BaseException) -> bool:
    """A Rust panic inside python-calamine (pyo3's PanicException derives from BaseException)."""
    return type(exc).__name__ == "PanicException"


class _PanicsMuted:
    """While python-calamine runs, its Rust panics' own lines ("thread '<unnamed>' panicked at
    ...cfb.rs ...") are kept off stderr when stderr is no terminal (a cron mail, a log): the
    panic becomes one error line of the tool's (``is_panic``).  File descriptor 2 is sent to a
    temporary file meanwhile (threads share it: the first in redirects, the last out restores)
    and whatever else was written there is written to stderr afterwards."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._saved = -1
        self._capture: Any = None

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        if _stderr_is_terminal():
            yield
            return
        self._enter()
        try:
            yield
        finally:
            self._leave()

    def _enter(self) -> None:
        with self._lock:
            if self._depth == 0:
                sys.stderr.flush()
                self._capture = tempfile.TemporaryFile()  # noqa: SIM115 - closed in _leave
                self._saved = os.dup(2)
                os.dup2(self._capture.fileno(), 2)
            self._depth += 1

    def _leave(self) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth:
                return
            sys.stderr.flush()
            os.dup2(self._saved, 2)
            os.close(self._saved)
            self._capture.seek(0)
            written: bytes = self._capture.read()
            self._capture.close()
            if written and b"panicked at" not in written:
                os.write(2, written)


def _stderr_is_terminal() -> bool:
    try:
        return os.isatty(2)
    except OSError:  # pragma: no cover - no fd 2 at all
        return True


panics_muted = _PanicsMuted()


@dataclass
class _Ahead:
    """A workbook opened and one sheet parsed in a thread by ``parse_ahead``, waiting for the
    read of the same bytes with the same limits.  The parse is python-calamine's, which
    releases the GIL: the process imports pandas and the readers meanwhile."""

    data: bytes
    limits: InputLimits
    book: calamine.CalamineWorkbook = field(repr=False)  # not touched while it is parsing
    names: list[str]
    hidden: set[str]
    sheet: str
    size: tuple[int, int] | None  # the sheet's grid, checked against the limits before parsing
    extents: _Extents  # what measured it (and knows its error cells)
    thread: threading.Thread
    parsed: list[calamine.CalamineSheet] = field(default_factory=list)  # set by the thread


_ahead: _Ahead | None = None
# A file larger than this is not parsed ahead (its bytes would be held twice meanwhile).
_AHEAD_MAX_BYTES: Final = 256 * 1024 * 1024


def parse_ahead(path: Path, *, sheet: str | int | None, limits: InputLimits) -> None:
    """Start parsing the sheet of an xlsx workbook that reading it will most likely need (the
    ``sheet`` asked for, else the first visible worksheet) in a thread, once the file has
    passed the same checks as when it is read (zip bomb, grid size).  Nothing is reported
    here: whatever fails (not a file, not an xlsx, refused, damaged) is found again, and said,
    when the file is read (``_open_calamine`` takes the parse only for the same bytes)."""
    global _ahead
    _ahead = None
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > _AHEAD_MAX_BYTES:
            return
        data = path.read_bytes()
        if not data.startswith(_ZIP_MAGIC) or _zip_kind(data, path.suffix.lower()) != "xlsx":
            return
        name = display_name(path)
        check_zip(name, data, limits.max_uncompressed_bytes, limits.max_compression_ratio)
        with panics_muted():
            book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names, hidden = _sheets_of(book)
        visible = [n for n in names if n not in hidden]
        if isinstance(sheet, int):
            wanted = names[sheet] if 0 <= sheet < len(names) else None
        else:
            wanted = sheet if sheet is not None else next(iter(visible), None)
        if wanted is None or wanted not in names:
            return
        extents = _Extents(name, data, "xlsx", limits)
        size = extents.check(wanted)
    except Exception:  # found again and reported when the file is read
        return
    except BaseException as exc:  # a Rust panic, the same
        if not is_panic(exc):
            raise
        return
    ahead = _Ahead(data, limits, book, names, hidden, wanted, size, extents, threading.Thread())

    def parse() -> None:
        # A failure (a Rust panic too) is met again, and reported, when the sheet is read.
        with contextlib.suppress(BaseException), panics_muted():
            ahead.parsed.append(book.get_sheet_by_name(wanted))

    ahead.thread = threading.Thread(target=parse, name="parse-ahead", daemon=True)
    ahead.thread.start()
    _ahead = ahead


def _take_ahead(data: bytes, limits: InputLimits) -> _Ahead | None:
    """The parse started by ``parse_ahead`` for exactly these bytes and limits, finished."""
    global _ahead
    ahead, _ahead = _ahead, None
    if ahead is None:
        return None
    ahead.thread.join()  # the book is used by one thread at a time
    same = ahead.limits == limits and len(ahead.data) == len(data) and ahead.data == data
    ahead.data = b""  # the reading holds the bytes
    return ahead if same else None


def _sheets_of(book: calamine.CalamineWorkbook) -> tuple[list[str], set[str]]:
    """A workbook's sheet names, and those hidden or not worksheets (charts ...)."""
    names = list(book.sheet_names)
    hidden = {
        meta.name
        for meta in book.sheets_metadata
        if meta.visible != calamine.SheetVisibleEnum.Visible
        or meta.typ != calamine.SheetTypeEnum.WorkSheet
    }
    return names, hidden


def _open_calamine(name: str, data: bytes, kind: str, suffix: str, limits: InputLimits) -> Workbook:
    warnings: list[str] = []
    expected = {".xls": "xls", ".ods": "ods", ".xlsb": "xlsb"}.get(suffix, "xlsx")
    if suffix not in WORKBOOK_EXTENSIONS or expected != kind:
        warnings.append(f"the file is a {kind} workbook although it is named {suffix}")
    extents = _Extents(name, data, kind, limits)
    extents.check_eager()  # an ods is parsed whole when it is opened: measure it first
    opened: dict[str, calamine.CalamineSheet] = {}
    measured: dict[str, tuple[int, int] | None] = {}
    ahead = _take_ahead(data, limits) if kind == "xlsx" else None
    try:
        if ahead is not None:
            book = ahead.book
            names, hidden = ahead.names, ahead.hidden
            measured[ahead.sheet] = ahead.size  # checked with the same limits
            extents = ahead.extents
            extents.data = data  # the same bytes: the reading's copy is the one kept
            if ahead.parsed:
                opened[ahead.sheet] = ahead.parsed[0]
        else:
            with panics_muted():
                book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            names, hidden = _sheets_of(book)
    except calamine.PasswordError:
        raise InputFileError(
            name,
            "the workbook is password-protected (encrypted); save an unprotected copy",
            code="encrypted",
        ) from None
    except Exception as exc:  # calamine raises several unrelated types for damaged files
        # The reader's message may quote cell text: only its kind is shown.
        raise InputFileError(
            name,
            "the workbook cannot be read: it is damaged, or not an Excel or OpenDocument "
            f"workbook under a workbook's name (the reader's error: {type(exc).__name__})",
            code="damaged",
        ) from None
    except BaseException as exc:
        if is_panic(exc):
            raise InputFileError(name, _READER_FAILED, code="damaged") from None
        raise

    def load(sheet: str, nrows: int | None) -> Rows:
        if sheet not in measured:  # before the reader builds the sheet's grid
            measured[sheet] = extents.check(sheet)
        try:
            with panics_muted():
                if sheet not in opened:  # parsing the sheet is the expensive part: do it once
                    opened[sheet] = book.get_sheet_by_name(sheet)
                rows = opened[sheet].to_python(skip_empty_area=False, nrows=nrows)
            for (r, c), text in extents.errors(sheet).items():  # shown as Excel shows them
                if r < len(rows) and c < len(rows[r]) and rows[r][c] == "":
                    rows[r][c] = text
            for (r, c), width in extents.displayed(sheet).items():  # "00123", as Excel shows it
                if r < len(rows) and c < len(rows[r]):
                    rows[r][c] = _as_displayed(rows[r][c], width)
        except Exception as exc:  # damaged sheet XML, unsupported record ...
            raise InputFileError(
                name,
                f"the sheet cannot be read: {type(exc).__name__}",
                sheet=sheet,
                code="damaged",
            ) from None
        except BaseException as exc:
            if is_panic(exc):
                raise InputFileError(name, _READER_FAILED, sheet=sheet, code="damaged") from None
            raise
        return rows  # type: ignore[return-value]

    def merged(sheet: str) -> list[Any]:
        """The merged ranges of a sheet already loaded ((top, left), (bottom, right)), 0-based:
        python-calamine's, or for an ods (which it gives none of) read from its content.xml."""
        found = opened.get(sheet)
        if found is None:
            return []
        if found.merged_cell_ranges is None and kind == "ods":
            try:
                return _ods_merged(data, sheet)
            except Exception:  # measured and parsed already: the cells stay as read
                return []
        return list(found.merged_cell_ranges or [])

    if not names:
        raise InputFileError(name, "the workbook has no sheets", code="empty")
    book_1904 = kind == "xlsx" and _xlsx_date1904(data)
    return Workbook(kind, names, hidden, load, None, warnings, date1904=book_1904, merged=merged)


_DATE1904: Final = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*\bdate1904\s*=\s*[\"'](?:1|true)[\"']")


def _xlsx_date1904(data: bytes) -> bool:
    """Whether an xlsx workbook uses the 1904 date system (``<workbookPr date1904="1"/>`` in
    xl/workbook.xml); False when the part cannot be read (the cells are read as before)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = next((n for n in archive.namelist() if n.lower().endswith("workbook.xml")), None)
            if part is None:
                return False
            with archive.open(part) as stream:
                head = stream.read(_WORKBOOK_XML_HEAD)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return False
    return _DATE1904.search(head) is not None


_WORKBOOK_XML_HEAD: Final = 1 << 16  # workbookPr precedes the sheet list: its first 64 KiB


_ODS_NS: Final = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_CELLS: Final = (f"{_ODS_NS}table-cell", f"{_ODS_NS}covered-table-cell")


def _ods_merged(data: bytes, sheet: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The merged ranges of an ods table (cells spanning rows or columns), 0-based, streamed
    from its content.xml: repeated rows and cells are counted, never expanded."""
    from xml.etree.ElementTree import iterparse

    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    inside = False
    row = column = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as stream:
        for event, element in iterparse(stream, events=("start", "end")):  # noqa: S314
            tag = element.tag
            if tag == f"{_ODS_NS}table":
                if event == "start":
                    inside = element.get(f"{_ODS_NS}name") == sheet
                    row = 0
                elif inside:
                    break
                continue
            if not inside:
                if event == "end":
                    element.clear()
                continue
            if tag == f"{_ODS_NS}table-row":
                if event == "start":
                    column = 0
                else:
                    row += int(element.get(f"{_ODS_NS}number-rows-repeated", "1"))
                    element.clear()
            elif tag in _ODS_CELLS and event == "start":
                down = int(element.get(f"{_ODS_NS}number-rows-spanned", "1"))
                across = int(element.get(f"{_ODS_NS}number-columns-spanned", "1"))
                if down > 1 or across > 1:
                    spans.append(((row, column), (row + down - 1, column + across - 1)))
                column += int(element.get(f"{_ODS_NS}number-columns-repeated", "1"))
    return spans


def _as_displayed(cell: _Cell, width: int | str) -> _Cell | str:
    """A whole number as a zeros-only format shows it (123 with "00000": "00123"), a number as
    a percentage format shows it (0.25: "25%"; ``width`` PERCENT_STYLE), a number with the
    prolactin unit its format writes after it (25.5 with '0.0 "ng/mL"': "25.5 ng/mL"; ``width``
    the unit: the cell's unit, as written in a cell)."""
    if isinstance(cell, bool) or not isinstance(cell, int | float):
        return cell
    if isinstance(width, str):
        return f"{format_number(float(cell))} {width}" if math.isfinite(cell) else cell
    if width == PERCENT_STYLE:
        return f"{format_number(float(cell) * PERCENT_FULL)}%" if math.isfinite(cell) else cell
    if isinstance(cell, float) and not (math.isfinite(cell) and cell.is_integer()):
        return cell
    return f"{int(cell):0{width}d}"


def fill_merged_down(
    rows: Sequence[list[Any]], merged: Iterable[Any], below: int, person: int | None
) -> None:
    """A cell merged down over several rows below row ``below`` (the header: "Pat-ID", sex and
    birth date merged over a patient's results) gives its value to each row of the merge, as
    the sheet shows it: the rows under it were read as results without a patient (an
    indeterminate result for a man).  Merges across columns, merges in the header rows (a
    header over its units row) and merges over rows of different people (two ids in column
    ``person``: a note is no one's then) are left as read."""
    for (top, left), (bottom, right) in merged:
        if left != right or bottom <= top or top <= below or top >= len(rows):
            continue
        if left >= len(rows[top]) or (left != person and _people(rows, top, bottom, person) > 1):
            continue
        value = rows[top][left]
        if value == "" or value is None:
            continue
        for row in rows[top + 1 : bottom + 1]:
            if left < len(row) and row[left] in ("", None):
                row[left] = value


def _people(rows: Sequence[list[Any]], top: int, bottom: int, column: int | None) -> int:
    """How many different non-empty cells column ``column`` holds in rows top..bottom."""
    if column is None:
        return 0
    cells = {row[column] for row in rows[top : bottom + 1] if column < len(row)}
    return len(cells - {"", None})


class _Extents:
    """The grid size of each sheet of an xlsx/ods workbook, measured from its XML (streamed,
    never fully in memory) before python-calamine builds the sheet as a dense grid, and checked
    against the limits.  Conservative: empty styled cells count as used."""

    def __init__(self, name: str, data: bytes, kind: str, limits: InputLimits) -> None:
        self.name, self.data, self.kind, self.limits = name, data, kind, limits
        self._sizes: dict[str, tuple[int, int]] | None = None
        self._members: dict[str, str] | None = None
        self._xlsx_sizes: dict[str, tuple[int, int]] = {}
        self._xml_bytes = 0  # uncompressed size of the XML measured last
        self._with_errors: set[str] = set()  # members holding error cells (t="e")
        self._errors: dict[str, dict[tuple[int, int], str]] = {}
        self._display_styles: dict[int, int | str] | None = None  # style -> digits, %, unit
        self._displayed: dict[str, dict[tuple[int, int], int | str]] = {}

    def check_eager(self) -> None:
        """Check every table of an ods (python-calamine builds them all on opening)."""
        if self.kind != "ods" and self.kind != "xlsx":
            return
        self._size("", ods_only=True)  # measures content.xml when the members are an ods
        for table in list(self._sizes or {}):
            self.check(table)

    def check(self, sheet: str) -> tuple[int, int] | None:
        size = self._size(sheet)
        if size is None:
            return None
        rows, cols = size
        lim = self.limits
        if rows * cols > max(_SPARSE_FLOOR_CELLS, self._xml_bytes):
            raise InputFileError(
                self.name,
                f"refused: the sheet would span {rows:,} rows x {cols:,} columns from only "
                f"{self._xml_bytes:,} bytes of sheet data (a value far from the others, or "
                "repeated rows; possible spreadsheet bomb): delete the stray cells and save again",
                sheet=sheet,
                code="too_large",
            )
        if rows > lim.max_rows or cols > lim.max_columns or rows * cols > lim.max_cells:
            raise InputFileError(
                self.name,
                f"refused: the sheet spans {rows:,} rows x {cols:,} columns; the limits are "
                f"{lim.max_rows:,} rows (max_rows), {lim.max_columns:,} columns (max_columns) "
                f"and {lim.max_cells:,} cells (max_cells)",
                sheet=sheet,
                code="too_large",
            )
        return size

    def _size(self, sheet: str, *, ods_only: bool = False) -> tuple[int, int] | None:
        if self.kind not in ("xlsx", "ods"):  # xls/xlsb: binary records, not measured
            return None
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                names = set(archive.namelist())
                # The members decide, not the name or the mimetype (calamine looks at them too).
                if "content.xml" in names and "xl/workbook.xml" not in names:
                    if self._sizes is None:
                        self._sizes = _ods_extents(archive)
                    self._xml_bytes = archive.getinfo("content.xml").file_size
                    if sheet in self._sizes:
                        return self._sizes[sheet]
                    return _largest(self._sizes)
                if ods_only:
                    return None
                if self._members is None:
                    self._members = _xlsx_sheet_members(archive)
                member = self._members.get(sheet)
                wanted = [member] if member in names else _worksheet_members(names)
                for item in wanted:
                    if item not in self._xlsx_sizes:
                        rows, cols, errors = _xlsx_extent(archive, item)
                        self._xlsx_sizes[item] = rows, cols
                        if errors:
                            self._with_errors.add(item)
                self._xml_bytes = sum(archive.getinfo(m).file_size for m in wanted)
                return _largest({m: self._xlsx_sizes[m] for m in wanted})
        except InputFileError:
            raise
        except _ElementTooLong:
            raise InputFileError(
                self.name,
                f"refused: the sheet's XML holds an element over {_MAX_CARRY:,} bytes",
                sheet=sheet,
                code="too_large",
            ) from None
        except (RuntimeError, NotImplementedError):  # encrypted member, unknown compression
            return None
        except Exception as exc:  # BadZipFile, zlib.error, EOFError, KeyError (member missing)
            raise InputFileError(
                self.name,
                f"the workbook is damaged or incomplete: {type(exc).__name__}",
                code="damaged",
            ) from None

    def errors(self, sheet: str) -> dict[tuple[int, int], str]:
        """The error cells of an xlsx sheet measured by ``check`` ("#N/A", "#DIV/0!" ...) by
        (row, column) from 0: python-calamine gives them as empty cells."""
        member = (self._members or {}).get(sheet)
        if member is None or member not in self._with_errors:
            return {}
        if member not in self._errors:
            try:
                with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                    self._errors[member] = _xlsx_errors(archive, member)
            except Exception:  # measured already: the cells stay empty, as calamine gives them
                self._errors[member] = {}
        return self._errors[member]

    def displayed(self, sheet: str) -> dict[tuple[int, int], int | str]:
        """The number cells of an xlsx sheet shown as a percentage (PERCENT_STYLE: 0.25 shows
        25%), with leading zeros (a format of zeros only,
        "00000": Excel shows 123 as 00123, a record number), or with a prolactin unit written
        in their format ('0.0 "ng/mL"'; the unit): (row, column) from 0 -> digits or unit.
        python-calamine gives the bare number; an id that lost its zeros is another patient's
        (the history, the urgent line, the lab's other exports write 00123)."""
        member = (self._members or {}).get(sheet)
        if member is None or self.kind != "xlsx":
            return {}
        if member not in self._displayed:
            found: dict[tuple[int, int], int | str] = {}
            try:
                with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                    if self._display_styles is None:
                        self._display_styles = _displayed_styles(archive)
                    if self._display_styles:
                        found = _xlsx_displayed(archive, member, self._display_styles)
            except Exception:  # measured already: the numbers stay as calamine gives them
                found = {}
            self._displayed[member] = found
        return self._displayed[member]


class _ElementTooLong(Exception):
    """An XML element of a sheet is longer than ``_MAX_CARRY`` bytes."""


def _largest(sizes: dict[str, tuple[int, int]]) -> tuple[int, int] | None:
    if not sizes:
        return None
    return max(sizes.values(), key=lambda size: (size[0] * size[1], size))


def _stream(archive: zipfile.ZipFile, member: str, cut: bytes) -> Iterator[bytes]:
    """The member's bytes in pieces that end just after ``cut`` (an element boundary)."""
    carry = b""
    for chunk in _inflated(archive, member):
        buffer = carry + chunk
        end = buffer.rfind(cut)
        if end < 0:
            if len(buffer) > _MAX_CARRY:
                raise _ElementTooLong
            carry = buffer
            continue
        end += len(cut)
        carry = buffer[end:]
        yield buffer[:end]
    if carry:
        yield carry


def _inflated(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """The member's bytes in pieces of ``_SCAN_CHUNK``."""
    with archive.open(member) as stream:
        while True:
            chunk = stream.read(_SCAN_CHUNK)
            if not chunk:
                return
            yield chunk


_XLSX_COL3 = re.compile(rb'r="([A-Z]{3,})\d+"[^>]*?(?<!/)>')  # not an empty <c .../>
_XLSX_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet\b")
_DIGITS = re.compile(rb"\d+")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


@cache
def _xlsx_refs(cols: int, digits: int) -> re.Pattern[bytes]:
    """One pass for what took four: cell references of two letters or more, of one letter
    beyond the widest column seen (while fewer than 26 are known), and numbers of ``digits``
    digits or more after r=" (a row numbered out of order; 0: not looked for)."""
    one = rb"|[%c-Z]" % (65 + cols) if cols < 26 else b""
    longer = rb"|\d{%d}" % digits if digits else b""
    return re.compile(rb'r="([A-Z]{2,}' + one + rb"(?=\d)" + longer + rb")")


@cache
def _xlsx_tags(prefix: bytes) -> tuple[bytes, bytes, bytes, re.Pattern[bytes]]:
    """(row tag, numbered row tag, cell tag, cell without reference) for a namespace prefix."""
    tag = b"<" + prefix + b"c"
    bare = re.compile(re.escape(tag) + b"[/>]")
    return b"<" + prefix + b"row", b"<" + prefix + b'row r="', tag, bare


def _xlsx_extent(archive: zipfile.ZipFile, member: str) -> tuple[int, int, bool]:
    """(rows, columns) an xlsx worksheet's grid can span, with C-speed bytes operations only,
    and whether it holds error cells (``t="e"``: "#N/A", "#DIV/0!").

    Rows: the largest row number (rows are written in order: the last of each piece, unless a
    longer number appears earlier in it) plus the rows without a number.  Columns: the widest
    three-letter reference (AAA = 703 on) holding a value, else the widest two-letter one, else
    the widest one-letter one; cells without a reference are counted per row.  Four passes over
    each piece: two counts of rows, one regular expression for the cell references and rows out
    of order, and one for cells without a reference.
    """
    rows_max = rows = numbered = cols = 0
    errors = False
    prefix: bytes | None = None
    for number, block in enumerate(_stream(archive, member, b">")):
        # formulas without a result are looked for in the first piece only: a writer that
        # stores none stores none anywhere, and a cell missed stays a (rejected) empty cell
        errors = errors or b't="e"' in block or (number == 0 and _formula_without_value(block))
        if prefix is None:
            root = _XLSX_ROOT.search(block)
            prefix = (root.group(1) or b"") if root else b""
        row_tag, opening, tag, bare_cell = _xlsx_tags(prefix)
        count = block.count(opening)
        numbered += count
        every = block.count(row_tag)  # also <rowBreaks ...>: then counted one by one below
        if every == count:
            rows += count  # each row tag is a numbered one
        else:
            rows += block.count(row_tag + b" ") + block.count(row_tag + b">")
            rows += block.count(row_tag + b"/")
        last = block.rfind(opening)
        number = 0
        if last >= 0:
            found = _DIGITS.match(block, last + len(opening))
            number = int(found.group()) if found else 0
        digits = len(str(number)) + 1 if last >= 0 else 0
        found_refs = _xlsx_refs(cols, digits).findall(block) if b'r="' in block else []
        refs = [r for r in found_refs if not r[:1].isdigit()]
        if last >= 0:
            longer = re.compile(re.escape(opening) + rb"\d{%d}" % digits)
            if len(refs) < len(found_refs) and longer.search(block):
                # rows out of order: read every number of this piece
                numbers = re.findall(re.escape(opening) + rb"(\d{1,12})", block)
                number = max(number, *map(int, numbers))
            rows_max = max(rows_max, number)
        wide = _XLSX_COL3.findall(block) if any(len(r) > 2 for r in refs) else []
        two = [r for r in refs if len(r) == 2]
        if wide:
            cols = max(cols, *(_column_number(w) for w in set(wide)))
        elif cols < 27 and two:
            cols = max(cols, *(_column_number(w) for w in set(two)))
        elif cols < 26 and (ones := {r for r in refs if len(r) == 1}):
            cols = max(_column_number(w) for w in ones)  # one-letter columns: the widest one
        if bare_cell.search(block):  # cells without a reference
            for row in block.split(b"</" + prefix + b"row>"):
                count = row.count(tag + b">") + row.count(tag + b" ") + row.count(tag + b"/")
                cols = max(cols, count)
    return rows_max + max(rows - numbered, 0), cols, errors


_XLSX_ERROR_CELL = re.compile(
    rb'<(?:[A-Za-z_][\w.-]*:)?c\b(?=[^>]*\bt="e")([^>]*)>(.*?)</(?:[A-Za-z_][\w.-]*:)?c>', re.DOTALL
)
_XLSX_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
_XLSX_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v>([^<]{1,32})</")


# A formula cell without a stored result (a workbook written by a program that does not compute
# formulas): python-calamine gives it as empty, which reads as "no result".
_FORMULA_WITHOUT_VALUE = re.compile(
    rb"</(?:[A-Za-z_][\w.-]*:)?f>\s*(?:<(?:[A-Za-z_][\w.-]*:)?v\s*/>|<(?:[A-Za-z_][\w.-]*:)?v>\s*</"
    rb"(?:[A-Za-z_][\w.-]*:)?v>)?\s*</(?:[A-Za-z_][\w.-]*:)?c>"
)
_XLSX_FORMULA_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c\b([^>]*)>\s*<(?:[A-Za-z_][\w.-]*:)?f\b[^>]*>([^<]{0,200})"
    + _FORMULA_WITHOUT_VALUE.pattern,
    re.DOTALL,
)


def _formula_without_value(block: bytes) -> bool:
    """A formula cell without a stored result in the piece (the regular expression only where
    a formula ends: it would try every closing tag)."""
    return (b"f>" in block) and _FORMULA_WITHOUT_VALUE.search(block) is not None


def _xlsx_errors(archive: zipfile.ZipFile, member: str) -> dict[tuple[int, int], str]:
    """The error cells of a worksheet: (row, column) from 0 -> the error as Excel shows it; a
    formula cell without a stored result -> FORMULA_WITHOUT_VALUE (never an empty cell)."""
    found: dict[tuple[int, int], str] = {}
    for block in _stream(archive, member, b"c>"):
        for attributes, body in _XLSX_ERROR_CELL.findall(block):
            ref = _XLSX_REF.search(attributes)
            value = _XLSX_VALUE.search(body)
            if ref is not None and value is not None:
                row, col = int(ref.group(2)) - 1, _column_number(ref.group(1)) - 1
                found[row, col] = value.group(1).decode("utf-8", "replace").strip()
        for attributes, formula in _XLSX_FORMULA_CELL.findall(block):
            ref = _XLSX_REF.search(attributes)
            if ref is not None:
                row, col = int(ref.group(2)) - 1, _column_number(ref.group(1)) - 1
                text = html.unescape(formula.decode("utf-8", "replace")).strip()
                found[row, col] = FORMULA_WITHOUT_VALUE.format(text)
    return found


_NUM_FMT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?numFmt\b([^>]*)/?>")
_CELL_XFS = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?cellXfs\b[^>]*>(.*?)</(?:[A-Za-z_][\w.-]*:)?cellXfs>", re.DOTALL
)
_XF = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?xf\b([^>]*)>")
_ZEROS = re.compile(r"0{2,}")
_XLSX_STYLED_NUMBER = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c\b([^>]*\bs=\"(\d+)\"[^>]*)>\s*<(?:[A-Za-z_][\w.-]*:)?v>"
    rb"([-+\d.eE]{1,32})</"
)
# A number format that shows a number as a percentage: Excel's own (9 "0%", 10 "0.00%") or one
# with a % outside quotes.  Such a cell is read as shown ("25%": 0.25 is no 0.25 ng/mL).
PERCENT_STYLE: Final = -1
_PERCENT_FORMATS: Final = frozenset({"9", "10"})
_QUOTED_FORMAT_TEXT: Final = re.compile(r'"[^"]*"|\\.')


def _displayed_styles(archive: zipfile.ZipFile) -> dict[int, int | str]:
    """Cell style index -> digits, for the styles whose number format is zeros only,
    PERCENT_STYLE for those that show a percentage, or the prolactin unit a format writes
    after the number ('0.0 "ng/mL"', '#,##0 "mU/L"', '0\\ "µg/l"')."""
    try:
        styles = archive.read("xl/styles.xml")
    except KeyError:
        return {}
    widths: dict[str, int | str] = dict.fromkeys(_PERCENT_FORMATS, PERCENT_STYLE)
    for attributes in _NUM_FMT.findall(styles):
        code = _attribute(attributes, rb"formatCode")
        number = _attribute(attributes, rb"numFmtId")
        if code is None or number is None:
            continue
        if _ZEROS.fullmatch(code.replace("\\", "")):
            widths[number] = len(code.replace("\\", ""))
        elif "%" in _QUOTED_FORMAT_TEXT.sub("", code):
            widths[number] = PERCENT_STYLE
        elif (unit := _format_unit(code)) is not None:
            widths[number] = unit
    cell_xfs = _CELL_XFS.search(styles)
    if cell_xfs is None:
        return {}
    out: dict[int, int | str] = {}
    for index, attributes in enumerate(_XF.findall(cell_xfs.group(1))):
        width = widths.get(_attribute(attributes, rb"numFmtId") or "")
        if width is not None:
            out[index] = width
    return out


def _format_unit(code: str) -> str | None:
    """The prolactin unit a number format writes as literal text ('0.0 "ng/mL"' -> "ng/mL";
    the first section of '0 "mU/L";-0 "mU/L"'), or None."""
    section = re.split(r';(?=(?:[^"]*"[^"]*")*[^"]*$)', code, maxsplit=1)[0]
    literal = "".join(
        piece[1:-1] if piece.startswith('"') else piece[1:]
        for piece in _QUOTED_FORMAT_TEXT.findall(section)
    ).strip()
    if not literal or normalise_unit(literal) is None:
        return None
    return literal


def _xlsx_displayed(
    archive: zipfile.ZipFile, member: str, styles: dict[int, int | str]
) -> dict[tuple[int, int], int | str]:
    found: dict[tuple[int, int], int | str] = {}
    for block in _stream(archive, member, b"c>"):
        for attributes, style, _ in _XLSX_STYLED_NUMBER.findall(block):
            width = styles.get(int(style))
            if width is None or (b't="' in attributes and b't="n"' not in attributes):
                continue
            ref = _XLSX_REF.search(attributes)
            if ref is not None:
                found[int(ref.group(2)) - 1, _column_number(ref.group(1)) - 1] = width
    return found


_XLSX_SHEET = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\b([^>]*)>")
_XLSX_REL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\b([^>]*)>")


def _attribute(attributes: bytes, pattern: bytes) -> str | None:
    found = re.search(rb"(?:^|\s)" + pattern + rb"=\"([^\"]*)\"", attributes)
    return html.unescape(found.group(1).decode("utf-8", "replace")) if found else None


def _xlsx_sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML member, from xl/workbook.xml and its relationships ({} when
    they cannot be read: every worksheet is then measured)."""
    try:
        book = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets: dict[str, str] = {}
    for found in _XLSX_REL.finditer(rels):
        ident, target = _attribute(found.group(1), rb"Id"), _attribute(found.group(1), rb"Target")
        if ident and target:
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[ident] = posixpath.normpath(path)
    members: dict[str, str] = {}
    for found in _XLSX_SHEET.finditer(book):
        sheet = _attribute(found.group(1), rb"name")
        ident = _attribute(found.group(1), rb"[A-Za-z_][\w.-]*:id")
        if sheet is not None and ident in targets:
            members[sheet] = targets[ident]
    return members


def _worksheet_members(names: set[str]) -> list[str]:
    return sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))


_ODS_TABLE = re.compile(rb"<table:table\s[^>]*>")
_ODS_ROW = re.compile(rb"<table:table-row\b([^>]*?)(/?)>")
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ODS_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d{1,12})"')
_ODS_COLS_REPEATED = re.compile(rb'table:number-columns-repeated="(\d{1,12})"')
_ROW_END: Final = b"</table:table-row>"
_ROW_START: Final = b"<table:table-row"


class _OdsTables:
    """Running measure of the tables of an ods content.xml: (rows, columns) up to the last row
    and the last cell holding a value, repeated rows and cells expanded."""

    def __init__(self) -> None:
        self.sizes: dict[str, tuple[int, int]] = {}
        self.table: str | None = None
        self.row = self.last = self.cols = 0

    def start(self, tag: bytes) -> None:
        self.close()
        named = _ODS_NAME.search(tag)
        self.table = html.unescape(named.group(1).decode("utf-8", "replace")) if named else ""
        self.row = self.last = self.cols = 0

    def close(self) -> None:
        if self.table is not None:
            self.sizes[self.table] = (self.last, self.cols)

    def add(self, attributes: bytes, width: int) -> None:
        """A row (its start tag's attributes; width 0: no value in it)."""
        found = _ODS_ROWS_REPEATED.search(attributes) if b"repeated" in attributes else None
        self.row += int(found.group(1)) if found else 1
        if width:
            self.last = self.row
            self.cols = max(self.cols, width)


def _ods_extents(archive: zipfile.ZipFile) -> dict[str, tuple[int, int]]:
    """Table name -> (rows, columns) of its grid once repeated rows and cells are expanded:
    up to the last row holding a value, and the last cell holding one.  Repeated empty rows
    and cells at the end (LibreOffice writes a million of them) do not count.  One pass of
    C-speed bytes operations per row; rows are complete in each piece streamed."""
    tables = _OdsTables()
    for block in _stream(archive, "content.xml", _ROW_END):
        pos = 0
        while True:
            end = block.find(_ROW_END, pos)
            stop = len(block) if end < 0 else end
            start = block.rfind(_ROW_START, pos, stop)
            if (
                end < 0
                or block.find(_ROW_START, pos, start) >= 0
                or block.find(b"<table:table ", pos, start) >= 0
            ):  # tables begin, or empty rows written as <table:table-row .../>: slow path
                _ods_between(tables, block, pos, start if end >= 0 else stop)
            if end < 0:
                break
            tag_end = block.find(b">", start, end)
            if tag_end < 0:
                tag_end = end - 1
            content = (
                block.find(b"office:value-type", tag_end, end) >= 0
                or block.find(b"<text:", tag_end, end) >= 0
            )
            width = 0
            if content:
                if block.find(b"columns-repeated", tag_end, end) < 0:
                    width = block.count(b"<table:table-cell", tag_end, end) + block.count(
                        b"<table:covered-table-cell", tag_end, end
                    )
                else:
                    width = _ods_row_width(block[tag_end:end])
            tables.add(block[start:tag_end], max(width, 1) if content else 0)
            pos = end + len(_ROW_END)
    tables.close()
    return tables.sizes


def _ods_between(tables: _OdsTables, block: bytes, pos: int, stop: int) -> None:
    """Table starts and self-closed (empty) rows in block[pos:stop], in order."""
    piece = block[pos:stop]
    items = sorted(
        [(m.start(), "table", m.group()) for m in _ODS_TABLE.finditer(piece)]
        + [(m.start(), "row", m.group(1)) for m in _ODS_ROW.finditer(piece) if m.group(2)]
    )
    for _, kind, text in items:
        if kind == "table":
            tables.start(text)
        else:
            tables.add(text, 0)


def _ods_row_width(body: bytes) -> int:
    """Columns up to the row's last cell holding a value (repeated cells expanded)."""
    found = max(body.rfind(b"office:value-type"), body.rfind(b"<text:"))
    if found < 0:
        return 0
    end = body.find(b">", found)
    head = body[: end + 1] if end >= 0 else body
    cells = head.count(b"<table:table-cell") + head.count(b"<table:covered-table-cell")
    return cells + sum(int(r) - 1 for r in _ODS_COLS_REPEATED.findall(head))


_TEXT_HEAD_BYTES: Final = 8192
_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")


def _is_delimited_text(data: bytes) -> bool:
    """Lines of text with a delimiter in the first: no NUL byte in the head (UTF-16 with its
    byte-order mark aside), a line break, and a tab, semicolon, comma or bar in the first line."""
    head = data[:_TEXT_HEAD_BYTES]
    if head.startswith(_UTF16_BOMS):
        head = head[2:].replace(b"\x00", b"")
    elif b"\x00" in head:
        return False
    first, newline, _ = head.lstrip(b"\xef\xbb\xbf").partition(b"\n")
    return bool(newline) and any(d in first for d in (b"\t", b";", b",", b"|"))


def is_markup(data: bytes) -> bool:
    """An HTML or XML page (a LIS "Excel export" that is a web page)."""
    head = data[:2048].lstrip().lower()
    return head.startswith(
        (b"<!doctype html", b"<html", b"<table", b"<?xml", b"<head", b"<body", b"<meta")
    )


def open_text(name: str, data: bytes, suffix: str, limits: InputLimits) -> Workbook:
    """Delimited text (csv, tsv, txt ...) as one unnamed sheet; InputFileError when unusable."""
    if is_markup(data):
        raise InputFileError(
            name,
            "the file is an HTML/XML page saved with a spreadsheet extension; open it in a "
            "spreadsheet program and save it as xlsx or csv",
            code="unsupported",
        )
    tab = suffix in {".tsv", ".tab"}
    text = read_delimited(name, data, prefer_tab=tab, limits=limits, unmade=True)
    warnings = list(text.warnings)
    if suffix in WORKBOOK_EXTENSIONS:
        warnings.append(f"the {suffix} file is delimited text; it was read as such")

    rows, grid = text.rows, text.grid

    def load(sheet: str, nrows: int | None) -> Rows:
        # the book's grid, not this function's: the reader drops it once the rows below the
        # header are taken from it (readers._read_sheet), and with it the file's cells
        if book.grid is not None:  # rows left in the grid are made lists first
            book.grid.materialise(rows, nrows)
        return rows if nrows is None else rows[:nrows]

    def unmade() -> Rows:
        return rows

    book = Workbook(
        "csv",
        [""],
        set(),
        load,
        text.decimal_hint,
        warnings,
        dict(text.bad),
        list(text.lines),
        row_reasons=dict.fromkeys(text.continued, "not_a_result_row"),
        cut_rows=dict(text.cut),
        open_end=text.open_end,
        broken_rows=dict(text.broken),
        continued_rows=dict(text.continued),
        grid=grid,
        unmade_rows=unmade if grid is not None else None,
    )
    del grid, text
    return book
