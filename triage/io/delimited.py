"""Delimited text exports (csv, tsv, txt): encoding, delimiter and decimal mark.

Encodings: a BOM decides (UTF-8, UTF-16); otherwise strict UTF-8 is tried first, then
Windows-1252, then Latin-1 (which never fails).  The delimiter is the one named by an Excel
``sep=;`` first line, else the one of ``,`` ``;`` tab ``|`` that splits the first lines into the
most consistent number of fields.  A ``;``-separated
file is taken to use decimal commas unless its columns say otherwise.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import operator
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Final

from triage import collector
from triage.schema import InputFileError

if TYPE_CHECKING:  # numpy is imported when a large file is split in C
    from triage.io.fast_split import Grid

DELIMITERS: Final = (",", ";", "\t", "|")
# A delimiter is agreed on when this share of the first lines has its most common field count.
DELIMITER_AGREEMENT: Final = 0.5
_SNIFF_LINES: Final = 60
_NUL_SHARE_BINARY: Final = 0.1
_SEP_LINE: Final = re.compile(r"\s*sep=(.)[ \t]*\n", re.IGNORECASE)
# From this size a file is split in C when it can be (triage.io.fast_split); smaller ones, and
# any file the fast split declines, by the csv module.
FAST_SPLIT_MIN_CHARS: Final = 256 * 1024
_HEAD_CHARS: Final = 1 << 20  # the beginning of a file read for its first lines
# Excel's guard for text that looks like a number ("=""0012345""" written as ="0012345"): a whole
# cell of a formula returning a quoted string.  The "=" is dropped, leaving an ordinary quoted
# cell, so that ids keep their leading zeros and values read as what they say.
_EXCEL_TEXT: Final = r'(^|[{d}\r\n])="((?:[^"\r\n]|"")*)"(?=[{d}\r\n]|$)'


@dataclass(frozen=True)
class InputLimits:
    """Resource bounds of one input file (ReadOptions carries them; see docs)."""

    max_rows: int = 2_000_000
    max_columns: int = 1_000
    max_cells: int = 20_000_000  # rows x columns of a sheet's grid (~70 bytes each in memory)
    max_cell_chars: int = 32_767  # Excel's own cell limit
    max_record_lines: int = 200  # physical lines one quoted csv record may span
    max_uncompressed_bytes: int = 512 * 1024 * 1024  # zip guard of xlsx/ods (declared size)
    max_compression_ratio: float = 1000.0  # zip guard: expansion of one member


@dataclass
class DelimitedText:
    """A decoded, split text file.

    ``rows[i]`` is record i; ``lines[i]`` its first physical line (1-based, counting a ``sep=``
    line).  ``bad`` maps the index of a record that could not be split safely to a detail text
    (no cell contents); its row is kept as an empty placeholder so numbering stays aligned.
    """

    rows: list[list[object]]
    encoding: str
    delimiter: str
    decimal_hint: str | None
    warnings: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    bad: dict[int, str] = field(default_factory=dict)
    grid: Grid | None = None  # the records split in C, when they were (fast_split)
    # The last record when a copy stopped inside it (fewer fields than the header and no line
    # end, or a quoted cell never closed): its index -> its fields as read, the last one maybe
    # cut short.  The record is in ``bad``; the fields tell its patient and possible urgency.
    cut: dict[int, list[object]] = field(default_factory=dict)
    # The other records in ``bad`` whose line still splits into fields (a quote left open taken
    # as a character, a cell over the limit beside whole ones): index -> those fields, read by
    # triage.io.shifted for the line's patient and possible urgency, as a line with a stray
    # delimiter is.
    broken: dict[int, list[object]] = field(default_factory=dict)
    # The lines that went on with the text of the record above them (a line break inside an
    # unquoted cell, joined into that record): their rows stay, empty, so that each row below
    # keeps the number a spreadsheet shows it under; index -> the index of the record they
    # joined.  Each is in ``bad`` with its detail; its reason is not_a_result_row.
    continued: dict[int, int] = field(default_factory=dict)
    # The last record when the text ends inside its last field, the record holding all the
    # header's fields (no line end after it, its last field neither empty nor closed by a
    # quote): its index and fields.  That field may be cut short ("6400" -> "6"); the record is
    # read, and its result's comment cautions when that field is in a column the reader reads
    # (readers._open_end_caution).
    open_end: tuple[int, list[object]] | None = None


def decode_bytes(name: str, data: bytes) -> tuple[str, str]:
    """(text, encoding) of a text file; InputFileError when it is binary."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    sample = data[:4096]
    if sample.count(b"\x00") > _NUL_SHARE_BINARY * len(sample):
        if _looks_utf16(sample, 1):
            return data.decode("utf-16-le", errors="replace"), "utf-16-le"
        if _looks_utf16(sample, 0):
            return data.decode("utf-16-be", errors="replace"), "utf-16-be"
        raise InputFileError(name, "the file is binary, not delimited text", code="unsupported")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = _mostly_utf8(data)
    if mixed is not None:
        return mixed
    for encoding in _legacy_encodings(data):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _mostly_utf8(data: bytes) -> tuple[str, str] | None:
    """A UTF-8 file with a few lines in a legacy code page (a line typed in, or appended from a
    Windows export): each line in its own encoding, the odd ones in the best code page for
    them, so the UTF-8 lines keep their letters (a whole file read as cp850 turned "Sehstörungen"
    into "Sehst├Ârungen", and the red flag was lost).  None unless more lines are UTF-8 beyond
    ASCII than are not UTF-8 (a legacy text's bytes are valid UTF-8 almost never)."""
    lines = data.split(b"\n")
    texts: list[str] = []
    odd: list[int] = []
    wide = 0
    for number, line in enumerate(lines):
        try:
            texts.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            odd.append(number)
            texts.append("")
            continue
        wide += not line.isascii()
    if not wide or len(odd) > wide:
        return None
    legacy = _legacy_encodings(b"\n".join(lines[i] for i in odd))[0]
    for number in odd:
        texts[number] = lines[number].decode(legacy, errors="replace")
    return "\n".join(texts), f"{_MIXED_UTF8} {len(odd)} line(s) in {legacy})"


_MIXED_UTF8: Final = "utf-8 (with"  # the encoding named for a UTF-8 text with odd lines


# The 8-bit code pages a lab's export may be written in when it is not UTF-8: Windows (cp1252),
# DOS (cp850: older LIS and terminal exports in Western Europe), Excel for Mac's CSV (Mac Roman),
# ISO 8859-1.  Their bytes above 127 differ: the one whose decoding puts the letters of Western
# European languages inside words, in the case of the letters around them, is the file's
# ("Männlich" and "Sehstörung", not "M„nnlich" or "SehstÜrung"; "Prolaktin µg/l").  On a tie
# the order decides.
_LEGACY_ENCODINGS: Final = ("cp1252", "cp850", "mac_roman", "latin-1")
_HIGH_IN_WORD: Final = re.compile(rb"[A-Za-z]?[\x80-\xff]{1,3}[A-Za-z]?")
_MICRO: Final = "µ"
_AFTER_MICRO: Final = frozenset("gmlLIUu")
_LEGACY_SAMPLE: Final = 4096  # places where a byte above 127 touches a letter, at most
_WESTERN_LETTERS: Final = frozenset(
    "äöüßÄÖÜéèêëàâáçîïíìôóòûùúñœæÉÈÀÇÑÁÍÓÚµ°ºª"  # µ, °, º, ª: units and ordinals of lab sheets
)


def _legacy_encodings(data: bytes) -> list[str]:
    """The candidate code pages of ``data``, the most plausible first."""
    places = itertools.islice(
        (m for m in _HIGH_IN_WORD.finditer(data) if len(m.group()) > 1), _LEGACY_SAMPLE
    )
    sample = [found.group() for found in places]

    def score(encoding: str) -> int:
        total = 0
        for piece in sample:
            try:
                text = piece.decode(encoding)
            except UnicodeDecodeError:
                return -len(sample) * 4
            for i, char in enumerate(text):
                if char.isascii():
                    continue
                before = text[i - 1] if i else ""
                after = text[i + 1 : i + 2]
                fits = char in _WESTERN_LETTERS and not (before.islower() and char.isupper())
                # "µg/l", "µmol/l", "µIU/ml": the sign a lab sheet's units hold most often,
                # which separates code pages that both give a letter there (cp850 "Ág/l")
                unit = char == _MICRO and after != "" and after in _AFTER_MICRO
                total += (2 if unit else 1) if fits else -1
        return total

    return sorted(_LEGACY_ENCODINGS, key=lambda encoding: -score(encoding))


def _without_dos_end(data: bytes) -> bytes:
    """The bytes without DOS's end-of-file mark (Ctrl-Z, 0x1A) at their end: older LIS and
    terminal exports write it after the last line ("300\x1a" was an unparseable result, and its
    urgent line lost)."""
    if not data.endswith(_DOS_END) or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data
    return data.rstrip(_DOS_END)


_DOS_END: Final = b"\x1a"


def _without_nul_padding(data: bytes) -> tuple[bytes, int]:
    """The bytes without a run of NUL bytes at their end (a copy that stopped, or a file
    preallocated by the program that wrote it), and how many there were.  Not in UTF-16 text,
    whose last character ends in a NUL byte."""
    trimmed = data.rstrip(b"\x00")
    padding = len(data) - len(trimmed)
    if not padding or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data, 0
    sample = trimmed[:4096]
    if sample.count(b"\x00") > _NUL_SHARE_BINARY * len(sample):
        return data, 0  # UTF-16 without a mark, or binary: decode_bytes decides
    return trimmed, padding


def _looks_utf16(sample: bytes, zeros_at: int) -> bool:
    """UTF-16 without a byte-order mark: the high byte of nearly every character is 0 (Latin
    text), at odd positions in little-endian files (``zeros_at`` 1), even ones in big-endian."""
    high = sample[zeros_at::2]
    return len(high) > 0 and high.count(0) > 0.8 * len(high)


def _field_counts(lines: list[str], delimiter: str) -> list[int]:
    """Field counts of the non-blank records of ``lines`` (a record that cannot be split, e.g.
    a cell over the csv field limit, is left out)."""
    reader = csv.reader(lines, delimiter=delimiter)
    counts: list[int] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return counts
        except csv.Error:
            continue
        if any(cell.strip() for cell in row):
            counts.append(len(row))


def _header_line(lines: list[str]) -> str | None:
    """The header: the first line of the table, under any title lines, else None.

    Each delimiter's table starts at the first line it splits; the lines below that start it
    leaves whole are its gaps.  The table of the delimiter with the fewest gaps (then the
    earliest) starts at the header.  A title with a comma over a semicolon or tab file with
    decimal commas ("Zentrallabor Nord, Prolaktin-Export" over "1000;W;34;15,5") splits on
    commas into as many fields as each data line, but the header line between them has no
    comma: a gap in the comma's table, none in the semicolon's, which starts under the title.
    """
    best: tuple[int, int] | None = None
    for delimiter in DELIMITERS:
        counts = [
            found[0] if len(found) == 1 else 0
            for found in (_field_counts([line], delimiter) for line in lines)
        ]
        top = next((i for i, n in enumerate(counts) if n >= 2), None)
        if top is None:
            continue
        gaps = sum(1 for n in counts[top + 1 :] if n == 1)
        if best is None or (gaps, top) < best:
            best = (gaps, top)
    return None if best is None else lines[best[1]]


def sniff_delimiter(lines: list[str], prefer_tab: bool = False) -> str:
    """The delimiter that splits the lines into the most fields, as the lines agree on."""
    return _sniff(lines, prefer_tab)[0]


def _sniff(lines: list[str], prefer_tab: bool) -> tuple[str, int]:
    """(delimiter, the most common field count of the first lines with it; 0: unknown).

    Each delimiter gives the lines a most common field count (>1) and the share of lines
    having it.  Of the delimiters whose count at least DELIMITER_AGREEMENT of the lines share,
    the one splitting them into the most fields wins (a tab first where ``prefer_tab``): a
    semicolon file with decimal commas (``11,0;1,5``) splits on commas into as few fields on
    every line, which a stray semicolon in two of its lines must not make the better choice.
    When no delimiter is agreed on that well, the most agreed one wins.  Lines that no
    delimiter splits (a lab's title lines above the table: "Labor Musterstadt", "Gedruckt
    04.03.2026") agree with none and are left out of every share, so that three title lines over
    a two-row semicolon table do not outvote it; a title that one splits is passed over to find
    the header (``_header_line``)."""
    counted = {delimiter: _field_counts(lines, delimiter) for delimiter in DELIMITERS}
    unsplit = min(sum(1 for n in counts if n == 1) for counts in counted.values())
    header = _header_line(lines)
    found: list[tuple[str, float, int]] = []
    fits: dict[str, bool] = {}
    for delimiter, counts in counted.items():
        split = Counter(n for n in counts if n >= 2)
        if not split:
            continue
        mode, seen = split.most_common(1)[0]
        found.append((delimiter, seen / max(len(counts) - unsplit, 1), mode))
        fits[delimiter] = header is None or mode in _header_widths(header, delimiter)
    if not found:
        return ("\t" if prefer_tab else ","), 0
    agreed = [f for f in found if f[1] >= DELIMITER_AGREEMENT]
    tab = [f for f in agreed if f[0] == "\t"]
    if prefer_tab and tab:
        return tab[0][0], tab[0][2]
    if agreed:
        # the header's own split first: a comma file whose medication cells hold as many
        # semicolons on every line ("risperidone; sertraline; lithium") is no semicolon file
        delimiter, _, mode = max(agreed, key=lambda f: (fits[f[0]], f[2], f[1]))
    else:
        delimiter, _, mode = max(found, key=lambda f: (f[1], f[2]))
    return delimiter, mode


def _header_widths(header: str, delimiter: str) -> set[int]:
    """The field counts the header line may have with ``delimiter``: as split, and with a
    delimiter inside brackets taken as text ("sex (1=m, 2=f)": ``bracket_joined``)."""
    try:
        fields = next(csv.reader([header], delimiter=delimiter), [])
    except csv.Error:
        return set()
    return {len(fields), len(bracket_joined(fields, delimiter))}


# Brackets a header writes a unit or a codebook in ("prl (ng/ml, Roche)", "sex [1=M; 2=F]")
_OPENING: Final = "([{"
_CLOSING: Final = ")]}"


def bracket_joined(fields: Sequence[object], delimiter: str) -> list[str]:
    """``fields`` with those a delimiter inside brackets split joined again ("sex (1=m", " 2=f)"
    -> "sex (1=m, 2=f)"); as they are when a bracket is left open at the end."""
    joined: list[str] = []
    depth = 0
    for cell in fields:
        text = _text(cell)
        if depth > 0:
            joined[-1] = f"{joined[-1]}{delimiter}{text}"
        else:
            joined.append(text)
        depth = max(depth + sum(map(text.count, _OPENING)) - sum(map(text.count, _CLOSING)), 0)
    return [_text(cell) for cell in fields] if depth else joined


def _rejoin_bracketed_header(
    rows: list[list[object]], bad: dict[int, str], delimiter: str, width: int
) -> str:
    """The header line split by a delimiter inside its brackets (a data dictionary's codes or a
    unit typed into a column name unquoted: "sex (1=m, 2=f)", "prl (ng/ml, Roche)") joined
    again, in ``rows``, when the lines below it (``width`` fields) reach past its last split
    name: as many fields as the joined header, or fewer with only trailing fields left out
    (read padded by check_field_counts); the warning naming the joined names ('' when no
    header was so split, or its lines stop before a split name).

    Split, each name after the bracket stands over the column before its own: every value was
    read under the wrong header (a prolactin of 300 read as the age, the urgent result lost).
    The header is the line above the first line of ``width`` fields (blank lines passed over)."""
    if width < 2:
        return ""
    first = next(
        (
            i
            for i, row in enumerate(rows[:_SNIFF_LINES])
            if type(row) is list and len(row) == width and i not in bad
        ),
        None,
    )
    if first == 0:
        # the header's own fields set the sniffed width (a file of one or two lines): the lines
        # below it say how many fields a record has
        below = Counter(
            len(row)
            for i, row in enumerate(rows[1:_SNIFF_LINES], 1)
            if type(row) is list and row and i not in bad
        )
        if not below:
            return ""
        first, width = 1, below.most_common(1)[0][0]
    if not first:
        return ""
    above = next((i for i in range(first - 1, -1, -1) if rows[i] or i in bad), None)
    if above is None or above in bad or len(rows[above]) <= width:
        return ""
    joined = bracket_joined(rows[above], delimiter)
    split_at = [i for i, name in enumerate(joined) if delimiter in name]
    # the split is evident (a field opens a bracket a later one closes); joined, the lines reach
    # past its last split name (their trailing fields may be left out: read padded, as usual),
    # so every column up to theirs lines up; lines that stop before it cannot be aligned
    if not split_at or not split_at[-1] < width <= len(joined):
        return ""
    names = [joined[i] for i in split_at]
    rows[above] = list(joined)
    shown = ", ".join(repr(name.strip()) for name in names)
    return (
        f"the header's column name(s) {shown} hold the delimiter {delimiter!r} inside brackets "
        "without quotes: each was read as one column name, as the lines below it have "
        f"{width} fields"
    )


@contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    """The csv module's (process-wide) field size limit set to ``limit`` for a while."""
    old = csv.field_size_limit(max(1, limit))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def read_delimited(
    name: str,
    data: bytes,
    *,
    prefer_tab: bool = False,
    limits: InputLimits | None = None,
    unmade: bool = False,
) -> DelimitedText:
    """Decode and split a delimited text file into rows of strings (blank lines kept).

    Records that cannot be split safely (an unterminated quote, a cell over
    ``limits.max_cell_chars``, more fields than ``limits.max_columns``) become empty rows listed
    in ``bad``; reading goes on with the next physical line.  InputFileError when the file holds
    more rows or cells than the limits allow (checked before the rows are built).  A large
    file is split in C when it can be (``fast_split``; ``grid``); ``unmade``: its rows below
    the first few thousand are then left in the grid as stand-ins (``Grid.materialise``).
    """
    limits = limits or InputLimits()
    marked = data
    data = _without_dos_end(data)
    marked_end = len(data) < len(marked)  # the exporter's own end mark: the file is whole
    del marked
    data, padding = _without_nul_padding(data)
    text, encoding = decode_bytes(name, data)
    # A byte-order mark inside the text (two exports joined with `cat`, a cell pasted from one)
    # is no character of any cell: left in, it hides a repeated header and spoils the cells.
    marks = "\ufeff" in text
    if marks:
        text = text.replace("\ufeff", "")
    # a NUL inside a cell (a broken export, a binary field): no character of any id or result
    nuls = text.count("\x00")
    if nuls:
        text = text.replace("\x00", "")
        marks = True
    # a last line without its line end in a file of several lines: a copy cut short may have
    # cut its last result too ("6000" -> "6")
    # (not one that ends in DOS's end-of-file mark, which its exporter wrote after the last line)
    cut_short = (
        not marked_end and bool(text) and text[-1] not in "\r\n" and "\n" in text[:_HEAD_CHARS]
    )
    text, joined, broken_at = _join_breaks_in_cells(text, prefer_tab)
    text, continued, continued_at = _join_continued_lines(text, prefer_tab)
    joined_lines = {**broken_at, **continued_at}
    # the UTF-8 bytes of the text to split (the file's own when they are: no second encoding)
    raw: bytes | None = None
    if joined or continued or marks:
        pass  # the text changed: its bytes are encoded from it
    elif encoding == "utf-8":
        raw = data
    elif encoding == "utf-8-sig" and "\ufffd" not in text:
        raw = data[len(codecs.BOM_UTF8) :]  # decoded without a replacement: valid UTF-8
    if raw is not None and b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    del data
    # With the UTF-8 bytes at hand, the text's line breaks are normalised only if the csv module
    # has to split it: the first lines (sep=, the delimiter) are read from its beginning.
    head = _normalised(text[:_HEAD_CHARS]) if raw is not None else ""
    first = len(head) - len(head.lstrip())  # a sep= line ends on the line of the first text
    lazy = head.count("\n") > _SNIFF_LINES and head.find("\n", first) >= 0
    if not lazy:
        text = head = _normalised(text)
    declared = _SEP_LINE.match(head)
    offset = 0
    if declared:  # Excel's "sep=;" first line: it names the delimiter and is not shown as a row
        if lazy:
            text, lazy = _normalised(text), False
        text = head = text[declared.end() :]
        offset = 1
        raw = None
    with _field_limit(limits.max_cell_chars):
        lines = head.split("\n", _SNIFF_LINES)[:_SNIFF_LINES]
        delimiter, width = _sniff([line for line in lines if line.strip()], prefer_tab)
        if declared:
            delimiter = declared.group(1)
        text = _unguarded_text(text, delimiter)
        if raw is not None:
            raw = _unguarded_bytes(raw, delimiter)
        if raw is not None and delimiter.isascii():  # the same counts, in the bytes
            cells = raw.count(delimiter.encode()) + raw.count(b"\n") + 1
        else:
            cells = text.count(delimiter) + text.count("\n") + 1
        if cells > limits.max_cells:
            raise InputFileError(
                name,
                f"refused: the file holds up to {cells:,} cells, more than the limit of "
                f"{limits.max_cells:,} (max_cells); split the export into smaller files",
                code="too_large",
            )
        with collector.paused():  # the rows hold no reference cycles
            fast = None
            if len(text) >= FAST_SPLIT_MIN_CHARS:
                if raw is None:
                    raw = _utf8(text)
                if raw is not None:
                    from triage.io.fast_split import fast_split

                    fast = fast_split(raw, delimiter, width, limits, offset, unmade=unmade)
            del raw
            grid = None
            bad: dict[int, str] = {}
            broken: dict[int, list[object]] = {}
            if fast is not None:
                rows, starts, grid = fast.rows, fast.lines, fast.grid
                if len(rows) > limits.max_rows:
                    raise _too_many_rows(name, limits)
            else:
                if lazy:
                    text = _normalised(text)
                rows, starts, bad, broken = _split_records(
                    name, text, delimiter, width, limits, offset
                )
            cut: dict[int, list[object]] = {}
            open_end: tuple[int, list[object]] | None = None
            if cut_short and rows and len(rows) - 1 not in bad and 0 < len(rows[-1]) < width:
                # the last line stops before its last fields: the copy stopped inside it, and
                # its value may be cut short ("6000" -> "6"): never triaged
                bad[len(rows) - 1] = (
                    f"line {starts[-1]} has no line end and {len(rows[-1])} of the header's "
                    f"{width} fields, as when a copy stops early: its value may be cut short "
                    "(a smaller number than the lab's); the line was skipped: check the export"
                )
                # (a row the C splitter left in its grid is read again from the text)
                whole = type(rows[-1]) is list
                cut[len(rows) - 1] = list(rows[-1]) if whole else _last_fields(text, delimiter)
                rows[-1] = []
            elif rows and len(rows) - 1 in bad and starts[-1] == offset + _line_count(text):
                # the last line ends inside a quoted cell (a copy stopped in it): skipped as
                # broken, its fields as far as they go are still read for the urgent list
                fields = _cut_in_quotes(text, delimiter)
                if fields is not None:
                    cut[len(rows) - 1] = fields
                    broken.pop(len(rows) - 1, None)
            elif (
                cut_short and rows and len(rows) - 1 not in bad and text[-1] not in (delimiter, '"')
            ):
                # all its fields, and the text ends inside the last one: it may be cut short
                # too (a ";" after it, or a quote closing it, says it is whole)
                whole = type(rows[-1]) is list
                open_end = (
                    len(rows) - 1,
                    list(rows[-1]) if whole else _last_fields(text, delimiter),
                )
    rows_continued = _continuation_rows(rows, starts, bad, joined_lines)
    warnings: list[str] = []
    rejoined = _rejoin_bracketed_header(rows, bad, delimiter, width)
    if rejoined:
        warnings.append(rejoined)
    if encoding in _LEGACY_ENCODINGS or encoding.startswith(_MIXED_UTF8):
        warnings.append(f"the text is not UTF-8; read as {encoding}")
    if joined:
        warnings.append(
            f"{joined} record(s) held a line break inside an unquoted cell (a bare line feed in "
            "a file whose records end in CR LF, as an Alt+Enter in a comment): each was read as "
            "one record"
        )
    if continued:
        warnings.append(
            f"{continued} record(s) went on over the next line (a line break inside an "
            "unquoted text cell, as an Alt+Enter in a comment): each was read as one record"
        )
    if nuls:
        warnings.append(
            f"{nuls:,} NUL byte(s) inside the text were removed (a damaged export, or a binary "
            "field): check the ids and results of the rows that held them"
        )
    if padding:
        warnings.append(
            f"the file ends in {padding:,} NUL byte(s) (a copy that stopped, or space reserved "
            "for it): they were ignored; check that the export is complete"
        )
    elif cut_short:
        warnings.append(
            "the last line has no line end, as when a copy stops early: check that the export "
            "is complete (a value cut short reads as a smaller one)"
        )
    return DelimitedText(
        rows,
        encoding,
        delimiter,
        "," if delimiter == ";" else None,
        warnings,
        starts,
        bad,
        grid,
        cut,
        broken,
        rows_continued,
        open_end,
    )


def _continuation_rows(
    rows: list[list[object]], starts: list[int], bad: dict[int, str], lines: dict[int, int]
) -> dict[int, int]:
    """The (empty) rows of the lines joined into the record above them (``lines``: physical
    line -> the physical line its record starts on), each put in ``bad`` with its detail:
    row index -> the index of the record it joined."""
    found: dict[int, int] = {}
    for line, record_line in sorted(lines.items()):
        i = bisect_left(starts, line)
        target = bisect_left(starts, record_line)
        if i >= len(starts) or starts[i] != line or rows[i] or i in bad:
            continue
        if target >= len(starts) or starts[target] != record_line:
            continue
        found[i] = target
        bad[i] = (
            f"line {line} goes on with the text of row {target + 1} (a line break inside an "
            "unquoted cell, as an Alt+Enter in a note): it was read as part of that row"
        )
    return found


def _line_count(text: str) -> int:
    """The physical lines of ``text`` (a last line end starts no line of its own)."""
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def _cut_in_quotes(text: str, delimiter: str) -> list[object] | None:
    """The fields of ``text``'s last line when it ends inside a quoted cell (a copy that
    stopped in it), the open cell as far as it goes; None when it does not."""
    if _strict_error(_last_line(text), delimiter) != "end":
        return None
    return _last_fields(text, delimiter)


def _last_line(text: str) -> str:
    last = text.rstrip("\r\n")
    return last[last.rfind("\n") + 1 :].rstrip("\r")


def _last_fields(text: str, delimiter: str) -> list[object]:
    """The fields of ``text``'s last line, a quoted cell left open read to its end."""
    return list(next(csv.reader([_last_line(text)], delimiter=delimiter, strict=False), []))


def _join_breaks_in_cells(text: str, prefer_tab: bool) -> tuple[str, int, dict[int, int]]:
    """``text`` with each record holding a bare line feed in a cell written on one line, how
    many records held one, and the lines they went on over (physical line -> the line of
    their record, as ``_join_continued_lines``).

    A file whose records end in CR LF where a record also holds a bare LF (a LIS writing a
    comment's Alt+Enter unquoted) splits that record in two: a short line and a stray one (the
    comment's red flag went to rejected.csv).  The record is joined only when its pieces
    together hold exactly the header's field count, and no quote is in it (a quoted line break
    is the csv module's).  A spreadsheet shows the pieces on rows of their own: the joined
    record is followed by as many empty lines, so that the rows below keep their numbers."""
    if "\r\n" not in text or text.count("\n") == text.count("\r\n"):  # no bare LF
        return text, 0, {}
    records = text.split("\r\n")
    plain = [r for r in records[:_SNIFF_LINES] if r.strip() and "\n" not in r]
    delimiter, width = _sniff(plain, prefer_tab)
    if width < 2:
        return text, 0, {}
    joined = 0
    lines: dict[int, int] = {}
    line = 1  # the physical line record i starts on
    for i, record in enumerate(records):
        breaks = record.count("\n") + record.count("\r")
        if (
            "\n" in record
            and '"' not in record
            and "\r" not in record
            and record.count(delimiter) == width - 1
        ):
            cells = [_joined_cell(c.split("\n")) for c in record.split(delimiter)]
            records[i] = delimiter.join(cells) + "\r\n" * breaks
            lines.update((line + k, line) for k in range(1, breaks + 1))
            joined += 1
        line += breaks + 1
    return ("\r\n".join(records), joined, lines) if joined else (text, 0, {})


_GOES_ON: Final = (",", ";", ":", "-", "+", "&", "/")


def _joined_cell(pieces: list[str]) -> str:
    """The pieces of a cell broken over lines as one cell on one line, quoted when it was
    broken: with "; " between them, so that each line's words keep their own sense, or a
    space after a trailing comma or hyphen (as layout._join_continuations joins a spreadsheet's
    continuation rows); a word hyphenated over the break is one word ("Metoclo-", "pramid":
    values.hyphen_breaks_joined; the record is written on one line, so that the lines below keep
    their numbers)."""
    if len(pieces) == 1:
        return pieces[0]
    from triage.values import hyphen_breaks_joined

    text = pieces[0].rstrip("\r")
    for more in pieces[1:]:
        before, after = text.rstrip(), more.rstrip("\r").strip()
        word = hyphen_breaks_joined(f"{before}\n{after}")  # "Gesichtsfeld-", "ausfall"
        if "\n" not in word:
            text = word
            continue
        text = (
            f"{before} {after}" if not before or before.endswith(_GOES_ON) else f"{before}; {after}"
        )
    return f'"{text}"'


def _join_continued_lines(text: str, prefer_tab: bool) -> tuple[str, int, dict[int, int]]:
    """``text`` with the records continued on the next line joined (on the record's first
    line, the cell that held the line break quoted, and an empty line in place of each line
    it went on over: a spreadsheet shows that line as a row of its own, and the rows below
    keep their numbers), how many were, and the lines joined (physical line -> the line its
    record starts on).

    A line break written unquoted inside a free-text cell (an Alt+Enter in a comment, in a file
    whose lines end in LF, or in CR LF like the records) splits its record into two lines that
    no marker tells apart from records: "P002,...,Kopfschmerz" and "Sehstörung seit 1 Woche"
    (the visual disturbance went to rejected.csv, or its fragment "Sehstörung,320" was read
    as a patient's id).  Two lines below the header are joined when the join is unambiguous:

    - neither holds a quote (a quoted line break is the csv module's) and together they hold
      exactly the usual number of fields (the cell at the break counted once);
    - the second one is short, and does not start with an id-like field shaped like the ids
      of the lines around it (it is no record of its own);
    - the cells meeting at the break are text (letters; not a number, a result or a unit: the
      last cell of a complete line may be a result or unit column);
    - a line of one field continues a complete line only when no line of one field stands
      right under the header (there such lines are the file's sub-headings: "Ward 7"), and it
      is no note or footer ("End of report", "Seite 2").

    Further lines of one field continue the same cell ("Kopfschmerz / Sehstörung / Visus 0,5").
    """
    head = text[:_HEAD_CHARS]
    lines = head.split("\n", _SNIFF_LINES)[:_SNIFF_LINES]
    plain = [line.rstrip("\r") for line in lines if line.strip()]
    delimiter, width = _sniff(plain, prefer_tab)
    if width < 2 or delimiter not in head:
        return text, 0, {}
    header = next(
        (i for i, line in enumerate(lines) if _names_columns(line, delimiter, width)), None
    )
    if header is None or header + 1 >= len(lines):
        return text, 0, {}
    body = sum(len(line) + 1 for line in lines[: header + 1])  # where the data lines start
    below = next((line.rstrip("\r") for line in lines[header + 1 :] if line.strip()), "")
    lone_ok = delimiter in below and '"' not in below
    d = re.escape(delimiter)
    # (possessive: a line of more fields fails at once, without trying fewer of them again)
    short = re.compile(rf'\n([^\n"{d}]*+(?:{d}[^\n"{d}]*+){{0,{width - 2}}}+)(?=\n|\Z)')
    total = text.count("\n") + 1
    groups: list[list[tuple[int, int]]] = []  # the line spans of each joined record
    seen = 0
    for found in short.finditer(text, body - 1):
        start, end = found.span(1)
        if not found.group(1).strip():
            continue
        seen += 1
        if seen > _SNIFF_LINES and seen * 4 > total:  # short lines are this exporter's habit
            return text, 0, {}
        group = groups[-1] if groups and groups[-1][-1][1] + 1 == start else None
        if group is None:
            previous = text.rfind("\n", 0, start - 1) + 1
            if previous < body:
                continue
            pieces = [(previous, start - 1)]
        else:
            pieces = group
        if _continues(text, pieces, (start, end), delimiter, width, lone_ok):
            if group is None:
                groups.append([*pieces, (start, end)])
            else:
                group.append((start, end))
    if not groups:
        return text, 0, {}
    out: list[str] = []
    joined: dict[int, int] = {}
    at = 0
    line = 1  # the physical line that starts at ``at``
    for group in groups:
        first, last = group[0][0], group[-1][1]
        out.append(text[at:first])
        line += _normalised(text[at:first]).count("\n")
        out.append(_joined_record(text, group, delimiter))
        joined.update((line + k, line) for k in range(1, len(group)))
        line += len(group) - 1
        at = last
    out.append(text[at:])
    return "".join(out), len(groups), joined


def _names_columns(line: str, delimiter: str, width: int) -> bool:
    """The line may be the header: the usual number of fields or more, most of them filled (not
    a ``sep=`` line, nor a title padded with delimiters: "Prolactin report,,,,,")."""
    cells = line.rstrip("\r").split(delimiter)
    return len(cells) >= width and sum(1 for c in cells if c.strip()) * 2 > len(cells)


def _cells_of(text: str, span: tuple[int, int], delimiter: str) -> list[str]:
    return text[span[0] : span[1]].rstrip("\r").split(delimiter)


def _continues(
    text: str,
    pieces: list[tuple[int, int]],
    line: tuple[int, int],
    delimiter: str,
    width: int,
    lone_ok: bool,
) -> bool:
    """The short line ``line`` continues the record made of ``pieces`` (_join_continued_lines)."""
    before = _cells_of(text, pieces[0], delimiter)
    if '"' in text[pieces[0][0] : pieces[0][1]] or len(before) < 2:
        return False
    held = len(before) + sum(len(_cells_of(text, p, delimiter)) - 1 for p in pieces[1:])
    last = _cells_of(text, pieces[-1], delimiter)[-1]
    cells = _cells_of(text, line, delimiter)
    if held + len(cells) - 1 != width or not _is_text(last) or not _goes_on_as_text(cells[0]):
        return False
    after = text.find("\n", line[1] + 1)
    following = _cells_of(text, (line[1] + 1, after if after >= 0 else len(text)), delimiter)
    shapes = {_id_shape(before[0]), _id_shape(following[0])} - {""}
    if _id_shape(cells[0]) in shapes:
        return False
    if len(cells) == 1:
        return lone_ok and held == width and not _is_note(cells[0])
    return True


def _is_text(cell: str) -> bool:
    """A free-text cell: it holds a letter, does not start as a number or a result does, and
    is no unit (a unit column's "ng/mL" followed by a footer is no note broken in two)."""
    from triage.values import normalise_unit

    text = cell.strip()
    return (
        any(c.isalpha() for c in text)
        and not _NUMBER_START.match(text)
        and normalise_unit(text) is None
    )


_NUMBER_START: Final = re.compile(r"[<>≤≥=+\-]?\s*[\d.,]")
# A word of a note after a number that starts the line ("3 days", "1x Doppelbilder", "2nd")
_WORD_AFTER: Final = re.compile(r"[^\W\d_]{3,}")


def _goes_on_as_text(cell: str) -> bool:
    """The first cell of a line that may go on with a note: free text (``_is_text``), or words
    after a number that are no result, unit or date ("3 days, visual loss", "3 Tagen,
    Sehstörung", "2nd opinion: bitemporal hemianopia", "1x Doppelbilder": a note broken before
    its number; "88 ng/mL", "45 H", "12.03.2026" are none)."""
    if _is_text(cell):
        return True
    from triage.values import normalise_unit, parse_quantity

    text = cell.strip()
    return (
        _WORD_AFTER.search(text) is not None
        and parse_quantity(text).status != "ok"
        and normalise_unit(text) is None
    )


def _is_note(cell: str) -> bool:
    """A note or footer wording starts or ends the cell ("End of report", "Seite 2")."""
    from triage.values import normalise_word

    word = normalise_word(cell)
    prefix, suffix = _note_words()
    return prefix.match(word) is not None or suffix.search(word) is not None


@cache
def _note_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    from triage.values import normalise_word, synonyms_data

    rows = synonyms_data()["rows"]

    def alternatives(key: str) -> str:
        words = sorted({normalise_word(w) for w in rows[key]}, key=len, reverse=True)
        return "|".join(re.escape(w) for w in words)

    return (
        re.compile(rf"(?:{alternatives('note_prefixes')})(?![a-z0-9])"),
        re.compile(rf"(?<![a-z0-9])(?:{alternatives('note_suffixes')})\W*$"),
    )


def _joined_record(text: str, group: list[tuple[int, int]], delimiter: str) -> str:
    """The lines of ``group`` as one record on its first line (each cell that held a line
    break joined and quoted: ``_joined_cell``), then an empty line for each further line, with
    its own line end (LF or CR LF): the lines below keep their numbers."""
    cells: list[list[str]] = [[c] for c in text[group[0][0] : group[0][1]].split(delimiter)]
    ends = ["\r" if text[group[0][1] - 1 : group[0][1]] == "\r" else ""]
    cells[-1][-1] = cells[-1][-1].removesuffix("\r")
    for start, stop in group[1:]:
        more = text[start:stop]
        ends.append("\r" if more.endswith("\r") else "")
        pieces = more.removesuffix("\r").split(delimiter)
        cells[-1].append(pieces[0])
        cells += [[c] for c in pieces[1:]]
    record = delimiter.join(_joined_cell(c) for c in cells)
    return record + ends[0] + "".join("\n" + e for e in ends[1:])


def _unguarded_text(text: str, delimiter: str) -> str:
    """``text`` with Excel's ="..." text cells written as plain quoted cells."""
    if '="' not in text:
        return text
    return _excel_text_pattern(delimiter).sub(r'\1"\2"', text)


def _unguarded_bytes(raw: bytes, delimiter: str) -> bytes:
    """``_unguarded_text`` for UTF-8 bytes."""
    if b'="' not in raw:
        return raw
    pattern = _excel_text_pattern(delimiter).pattern.encode()
    return re.sub(pattern, rb'\1"\2"', raw, flags=re.MULTILINE)


@cache
def _excel_text_pattern(delimiter: str) -> re.Pattern[str]:
    return re.compile(_EXCEL_TEXT.format(d=re.escape(delimiter)), re.MULTILINE)


def _utf8(text: str) -> bytes | None:
    """The text's UTF-8 bytes (None: it holds a lone surrogate, which UTF-8 cannot)."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return None


def _normalised(text: str) -> str:
    """The text with its line breaks (\\r\\n, \\r) written as \\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _split_records(
    name: str, text: str, delimiter: str, width: int, limits: InputLimits, offset: int
) -> tuple[list[list[object]], list[int], dict[int, str], dict[int, list[object]]]:
    """Records of ``text`` with their first physical line, the records that are broken, and
    the fields their first line still splits into (``DelimitedText.broken``).

    A record spanning several lines (a quoted cell with line breaks) is kept only when it ends
    before the end of the file with a closed quote, spans at most ``max_record_lines`` lines,
    has the usual number of fields (``width``, from the first lines) and swallows no line that
    reads as a record of its own (``_swallowed_record``); otherwise the quote opened on its
    first line is taken as broken: that line is rejected and reading starts again on the next
    line.
    """
    source = _Lines(text)
    reader = csv.reader(source, delimiter=delimiter, strict=False)
    rows: list[list[object]] = []
    starts: list[int] = []
    bad: dict[int, str] = {}
    broken: dict[int, list[object]] = {}
    wide = 0
    cells = _SharedCells()
    lookups, call = cells.lookups, operator.call
    line = 0  # physical lines consumed
    counted = 0  # reader.line_num at the end of the previous record
    position = 0  # offset of the next record in text
    end = len(text)
    while True:
        try:
            row: list[str] | None = next(reader)
            problem = ""
        except StopIteration:
            break
        except csv.Error as exc:
            row, problem = None, _csv_problem(exc, limits)
        span = reader.line_num - counted
        counted = reader.line_num
        first = line + 1 + offset
        if row is not None and (span > 1 or source.pos >= end):
            record = text[position : source.pos]
            problem = _multiline_problem(record, delimiter, row, span, width, limits)
            if not problem and span > 1 and _swallowed_record(record, delimiter, width, rows):
                problem = (
                    "a quote opened here is never closed (a line inside it reads as a record "
                    "of its own)"
                )
        if problem:
            fields = _line_fields(text, position, delimiter, limits)
            if len(fields) > 1:
                broken[len(rows)] = fields
        if problem and span > 1:  # a quote left open: skip its first line, then read on
            bad[len(rows)] = (
                f"line {first}: {problem}; the line was skipped and reading went on with the "
                "next line"
            )
            source.pos = position
            source.readline()
            line += 1
        elif problem:
            bad[len(rows)] = f"line {first} {problem}; the line was skipped"
            line += max(span, 1)
        elif row is not None and len(row) > limits.max_columns:
            bad[len(rows)] = (
                f"line {first} has {len(row):,} fields, more than the limit of "
                f"{limits.max_columns:,} columns (max_columns); the line was skipped"
            )
            wide += 1
            line += span
        else:
            read: list[str] = row if row is not None else []
            if len(read) > len(lookups) or not len(rows) % cells.CHECK_EVERY:
                cells.update(len(read), len(rows))
            rows.append(list(map(call, lookups, read)))
            starts.append(first)
            line += span
            position = source.pos
            if len(rows) > limits.max_rows:
                raise _too_many_rows(name, limits)
            continue
        rows.append([])
        starts.append(first)
        position = source.pos
        if len(rows) > limits.max_rows:
            raise _too_many_rows(name, limits)
    if wide and wide * 2 > len(rows):
        raise InputFileError(
            name,
            f"refused: most lines have more than {limits.max_columns:,} fields (the limit, "
            "max_columns)",
            code="too_large",
        )
    return rows, starts, bad, broken


def id_shape(cell: object) -> str:
    """The shape of an id: runs of digits as "9", of letters as "A", spaces as one ("P001" and
    "P17" -> "A9"; "Sehstörung" -> "A")."""
    return " ".join(_LETTERS.sub("A", _DIGITS.sub("9", _text(cell).strip())).split())


def _id_shape(cell: object) -> str:
    """``id_shape`` of an id-like cell, one holding a digit ('' for any other)."""
    shape = id_shape(cell)
    return shape if "9" in shape else ""


_DIGITS: Final = re.compile(r"\d+")
_LETTERS: Final = re.compile(r"[^\W\d_]+")
_RECORDS_ABOVE: Final = 8  # rows looked back over for the record above (rejected ones are empty)


def _swallowed_record(
    record: str, delimiter: str, width: int, rows: Sequence[Sequence[object]]
) -> bool:
    """A quoted record spanning lines swallows a record of its own: a line after its first one
    splits (its quotes taken as characters) into at least the usual ``width`` fields and starts
    with an id-like field shaped like the first field of the record's own first line or of the
    record above ("P002,Bernd,M,45,320,,..." inside a comment opened and never closed on P001's
    line: P002's result went to P001, or was lost)."""
    if width < 2:
        return False
    first, _, rest = record.partition("\n")
    head = next(csv.reader([first], delimiter=delimiter, quoting=csv.QUOTE_NONE), [""])
    near = itertools.islice(reversed(rows), _RECORDS_ABOVE)
    above = next((r[0] for r in near if len(r) > 1), "")
    shapes = {_id_shape(c) for c in (head[0], above) if '"' not in _text(c)} - {""}
    if not shapes:
        return False
    for line in rest.split("\n"):
        fields = line.rstrip("\r").split(delimiter)
        if len(fields) >= width and _id_shape(fields[0]) in shapes:
            return True
    return False


def _line_fields(text: str, position: int, delimiter: str, limits: InputLimits) -> list[object]:
    """The fields of the physical line at ``position`` of a record that could not be read:
    a quote left open taken as a character (the cells before it as csv reads them, the open one
    and those after it split at each delimiter), a cell over ``max_cell_chars`` cut to it (the
    cells beside it are whole)."""
    stop = text.find("\n", position)
    line = text[position : stop if stop >= 0 else len(text)].rstrip("\r")
    with _field_limit(len(line) + 1):
        try:
            row = next(csv.reader([line], delimiter=delimiter, strict=False), [])
        except csv.Error:  # a NUL: no fields
            return []
    if row and _strict_error(line, delimiter) == "end":
        row = row[:-1] + row[-1].split(delimiter)
    return [cell[: limits.max_cell_chars] for cell in row]


class _Texts(dict[str, str]):
    """The distinct cells of one column: ``texts[cell]`` is the first cell equal to it."""

    __slots__ = ()

    def __missing__(self, key: str) -> str:
        self[key] = key
        return key


class _SharedCells:
    """Equal cells of a column made one str object (units, codes, names and dates repeat down
    a column): a large export then holds each such text once, not once per cell.  A column
    found mostly distinct (ids) is left as read: looking each cell up would cost more than it
    saves.  ``list(map(operator.call, lookups, row))`` is the row with its cells shared; call
    ``update`` when a row is wider than ``lookups`` and every ``CHECK_EVERY`` rows."""

    CHECK_EVERY: Final = 16_384
    # a column is judged after this many rows: patient ids and birth dates repeat only later
    JUDGE_AFTER: Final = 131_072

    def __init__(self) -> None:
        self._columns: list[_Texts | None] = []
        self.lookups: list[Callable[[str], str]] = []

    def update(self, width: int, rows: int) -> None:
        """Columns up to ``width``; the columns mostly distinct in ``rows`` rows dropped."""
        while len(self.lookups) < width:
            texts = _Texts()
            self._columns.append(texts)
            self.lookups.append(texts.__getitem__)
        for j, seen in enumerate(self._columns):
            if seen is not None and rows >= self.JUDGE_AFTER and len(seen) * 2 > rows:
                self._columns[j] = None
                self.lookups[j] = str  # str(cell) is cell


class _Lines:
    """The physical lines of ``text`` (each with its newline) for csv.reader; ``pos``: where the
    next line starts.  io.StringIO would copy the text into a buffer of 4 bytes a character
    (600 MB for a 150 MB export); this reads the text itself."""

    __slots__ = ("_end", "_text", "pos")

    def __init__(self, text: str) -> None:
        self._text = text
        self._end = len(text)
        self.pos = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        start = self.pos
        if start >= self._end:
            raise StopIteration
        stop = self._text.find("\n", start) + 1 or self._end
        self.pos = stop
        return self._text[start:stop]

    def readline(self) -> str:
        return next(self, "")


def _too_many_rows(name: str, limits: InputLimits) -> InputFileError:
    return InputFileError(
        name,
        f"refused: the file has more than {limits.max_rows:,} rows (the limit, max_rows); split "
        "the export into smaller files",
        code="too_large",
    )


def _csv_problem(exc: csv.Error, limits: InputLimits) -> str:
    """A detail for a csv.Error (its text never quotes cells, but is not shown as such)."""
    message = str(exc)
    if "field larger" in message:
        return (
            f"has a cell longer than {limits.max_cell_chars:,} characters (the limit, "
            "max_cell_chars)"
        )
    if "NUL" in message:
        return "contains a NUL character and cannot be split into fields"
    return "cannot be split into fields"


def _multiline_problem(
    record: str, delimiter: str, row: list[str], span: int, width: int, limits: InputLimits
) -> str:
    """Why a record spanning ``span`` physical lines (or the last record) is a broken quote
    ('' when it is fine): it runs to the end of the file inside quotes, spans too many lines,
    is not well-formed csv (a quote closed in the middle of a cell) or has an unusual number of
    fields."""
    broken = "a quote opened here is never closed"
    error = _strict_error(record, delimiter)
    if span == 1:
        return "has a quote that is never closed" if error == "end" else ""
    if span > limits.max_record_lines:
        return f"{broken} (the quoted cell would run over {span:,} lines)"
    if error:
        return broken
    if width > 1 and not _fits(row, width):
        return f"{broken} (the record it starts would have {len(row)} fields, not {width})"
    return ""


def _fits(row: list[str], width: int) -> bool:
    """The record has ``width`` fields (empty fields at its end not counted)."""
    if len(row) == width:
        return True
    trimmed = len(row)
    while trimmed > 0 and not row[trimmed - 1].strip():
        trimmed -= 1
    return trimmed <= width <= len(row)


def _strict_error(record: str, delimiter: str) -> str:
    """'' when the record is well-formed csv; 'end' when it ends inside quotes; else 'other'."""
    if '"' not in record:
        return ""
    try:
        for _ in csv.reader(io.StringIO(record), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "end" if "unexpected end of data" in str(exc) else "other"
    return ""


def check_field_counts(
    rows: list[list[object]],
    lines: Sequence[int],
    bad: dict[int, str],
    header_index: int,
    header: Sequence[object],
    repeats_header: Callable[[Sequence[object]], bool] | None = None,
    shifted: dict[int, list[object]] | None = None,
) -> list[str]:
    """Reject the lines below the header whose number of fields does not fit the header.

    A line repeating the header's titles with more fields (``repeats_header``: a second export
    pasted below with a column more) starts a section whose lines may have its number of fields:
    they are read in its order, by title.

    A line with more (non-empty) fields than the header, or fewer fields than the header's last
    named column, could hold values shifted by a stray or missing delimiter: it is listed in
    ``bad`` and its row emptied.  Empty fields beyond the header's at the end of a line are
    tolerated when most lines have them (the exporter ends its lines so), not in a few lines
    (a stray delimiter whose line ends on an empty cell); lines of one field are tolerated too
    (a note or footer; no delimiter to be wrong).  When most lines are short
    the exporter leaves out trailing empty fields: they are read padded, with one warning.
    A few lines whose values stop before the header's last named column, with their trailing
    fields left out or more empty ones than the header has (Excel leaves the delimiters of
    empty cells off some rows, other tools add them), are read with those fields empty when
    nothing says their values shifted (``_trailing_fields_only``); otherwise they are rejected
    as before.
    ``shifted`` receives the fields of each line rejected (row index -> fields: triage.io.shifted
    reads its patient id and possible urgency from them).  Returns the file warnings.
    """
    length = len(header)
    named = length
    while named > 0 and not _text(header[named - 1]).strip():
        named -= 1
    start = header_index + 1
    odd = [
        i
        for i, n in enumerate(map(len, rows[start:]), start)
        if n != length and n > 1 and i not in bad
    ]
    if repeats_header is not None and any(len(rows[i]) > length for i in odd):
        odd = _outside_wider_sections(rows, odd, length, repeats_header)
    data = sum(1 for n in map(len, rows[start:]) if n > 1)
    long: list[int] = []
    short: list[int] = []
    padded: list[int] = []  # more fields than the header, the extra ones empty
    for i in odd:
        row = rows[i]
        if len(row) > length:
            if any(_text(c).strip() for c in row[length:]):
                long.append(i)
            else:
                padded.append(i)
        elif len(row) < named:
            short.append(i)
    if padded and len(padded) * 2 <= data:
        # Not the exporter's habit (it would end most lines so): a stray delimiter whose line
        # ends on an empty cell ("Dogmatil 50 mg; Pille;2,2;101;") shifts every cell after it.
        long = sorted(long + padded)
    warnings: list[str] = []
    if not (short and len(short) * 2 > data):
        read_padded = _trailing_fields_only(rows, start, bad, length, named, short, long)
        if read_padded:
            short = [i for i in short if i not in read_padded]
            long = [i for i in long if i not in read_padded]
            warnings.append(
                f"{len(read_padded):,} line(s) have fewer fields than the header, or only empty "
                "ones beyond their last value (the exporter leaves out or adds empty fields at "
                "the end of a line); they were read with those fields empty"
            )
    split = _split_names(header)
    if short and len(short) * 2 > data and split:
        # the header's own brackets hold a delimiter: the lines are short because the header is
        # long, and no column after that name can be told right (never read padded)
        warnings.append(
            f"{len(short):,} of {data:,} lines have fewer fields than the header, whose column "
            f"name {split} holds the delimiter inside brackets without quotes: the columns "
            "after it cannot be aligned, and those lines were rejected; quote the name or "
            "remove the delimiter from it"
        )
    elif short and len(short) * 2 > data:
        warnings.append(
            f"{len(short):,} of {data:,} lines have fewer fields than the header (the exporter "
            "leaves out empty fields at the end of a line?); they were read with those fields "
            "empty"
        )
        short = []
    if long and len(long) * 2 > data:
        warnings.append(
            f"{len(long):,} of {data:,} lines have more fields than the header: the header may "
            "lack a column name, or the delimiter is wrong; those lines were rejected"
        )
    for i in long:
        trimmed = len(rows[i])
        while trimmed > length and not _text(rows[i][trimmed - 1]).strip():
            trimmed -= 1
        if trimmed == length:  # the extra fields are empty: all of them are counted
            trimmed = len(rows[i])
        bad[i] = (
            f"line {lines[i]} has {trimmed} fields where the header has {length} (a stray or "
            "missing delimiter?); the line was skipped"
        )
        if shifted is not None:
            shifted[i] = rows[i]
        rows[i] = []
    for i in short:
        bad[i] = (
            f"line {lines[i]} has {len(rows[i])} fields where the header has {named} (a stray or "
            "missing delimiter?); the line was skipped"
        )
        if shifted is not None:
            shifted[i] = rows[i]
        rows[i] = []
    return warnings


def _split_names(header: Sequence[object]) -> str:
    """The first column name of ``header`` whose brackets a delimiter split over several
    fields, its first and last field ("'sex (1=m' to '2=f)'"), or ''."""
    for name in bracket_joined(header, "\x00"):
        if "\x00" in name:
            pieces = name.split("\x00")
            return f"{pieces[0].strip()!r} to {pieces[-1].strip()!r}"
    return ""


_SAMPLE_LINES: Final = 2_000  # well-formed lines looked at for what their columns hold


def _trailing_fields_only(
    rows: list[list[object]],
    start: int,
    bad: dict[int, str],
    length: int,
    named: int,
    short: list[int],
    long: list[int],
) -> set[int]:
    """The lines of ``short`` and ``long`` whose only fault is at their end: their values stop
    before the header's last named column, and every field after them is missing or empty.

    Such a line is read in place (the columns it leaves out empty) unless something says its
    values shifted: a value of a kind (a number, or text) its column never holds in the lines
    of the header's width (a stray delimiter in "Dogmatil 50 mg; Pille" puts "Pille" under TSH),
    or a column it leaves out that every other line fills (a line that lost its result or a
    delimiter: "P3,F" under "id,sex,age,prolactin")."""
    candidates: dict[int, int] = {}
    for i in (*short, *long):
        filled = len(rows[i])
        while filled > 0 and not _text(rows[i][filled - 1]).strip():
            filled -= 1
        if 1 < filled < named:
            candidates[i] = filled
    if not candidates:
        return set()
    numbers = [0] * length
    words = [0] * length
    empty = [0] * length  # lines that leave the column empty (or out)
    sample = [
        i
        for i in range(start, min(len(rows), start + _SAMPLE_LINES))
        if type(rows[i]) is list and len(rows[i]) > 1 and i not in bad and i not in candidates
    ]
    missing = [0] * (length + 1)  # lines that stop before column j: missing[j] of them
    for i in sample:
        row = rows[i]
        whole = len(row) == length
        for j, cell in enumerate(row[:length]):
            text = _text(cell).strip()
            if not text:
                empty[j] += 1
            elif whole and _NUMBER_START.match(text):
                numbers[j] += 1
            elif whole:
                words[j] += 1
        missing[min(len(row), length)] += 1
    for filled in candidates.values():
        missing[filled] += 1
    stopped = 0
    for j in range(length):
        stopped += missing[j]
        empty[j] += stopped
    kept: set[int] = set()
    for i, filled in candidates.items():
        row = rows[i]
        if any(empty[j] < 2 for j in range(filled, named)):  # (its own empty counted)
            continue  # a column it leaves out is filled in every other line
        shifted = False
        for j in range(filled):
            text = _text(row[j]).strip()
            if not text:
                continue
            number = _NUMBER_START.match(text) is not None
            if (number and words[j] and not numbers[j]) or (
                not number and numbers[j] and not words[j]
            ):
                shifted = True
                break
        if not shifted:
            kept.add(i)
    return kept


def _outside_wider_sections(
    rows: list[list[object]],
    odd: list[int],
    length: int,
    repeats_header: Callable[[Sequence[object]], bool],
) -> list[int]:
    """``odd`` without the wider repeated headers and the lines of their width below them."""
    kept: list[int] = []
    width = length
    for i in odd:
        if len(rows[i]) > length and repeats_header(rows[i]):
            width = len(rows[i])
            continue
        if len(rows[i]) != width or width == length:
            kept.append(i)
    return kept


def _text(cell: object) -> str:
    return cell if isinstance(cell, str) else "" if cell is None else str(cell)
