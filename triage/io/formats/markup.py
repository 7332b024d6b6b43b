"""LIS "Excel exports" that are HTML tables or SpreadsheetML 2003 XML (review 24, D6).

Many laboratory systems write one of these two shapes with an .xls (or .xlsx) name; Excel opens
both.  They are read as sheets with the standard library (``html.parser``, ``xml.etree``):

- HTML: each ``<table>`` is a sheet ("Table 1", ...); ``colspan`` spreads a cell (its value in
  the first column, as a merged title), ``rowspan`` is a merge down (``fill_merged_down`` gives
  its value to the rows it spans, as for a workbook); ``&nbsp;`` is a no-break space; the
  charset is the byte-order mark's, the ``<meta charset>``'s, else UTF-8, else Windows-1252.
- SpreadsheetML: each ``<Worksheet>`` is a sheet by its ``ss:Name`` (hidden by its
  ``<Visible>``); ``ss:Index`` places rows and cells after gaps, ``ss:MergeAcross`` /
  ``ss:MergeDown`` merge, ``ss:Type`` Number / DateTime / Boolean cells are typed.

The rows then go through the same reading pipeline as any sheet (header detection, sections,
footers, the never-lose-a-row accounting).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from html.parser import HTMLParser
from typing import Any, Final

from triage.io.delimited import InputLimits
from triage.io.sources import (
    TEXT_EXTENSIONS,
    WORKBOOK_EXTENSIONS,
    Rows,
    Workbook,
    is_markup,
)
from triage.schema import InputFileError

NAME: Final = "markup"
# Owned suffixes: none of its own; it reads what is named like a workbook or text (sniff).
SUFFIXES: Final[frozenset[str]] = frozenset()

_SS: Final = "{urn:schemas-microsoft-com:office:spreadsheet}"
_X: Final = "{urn:schemas-microsoft-com:office:excel}"
_CHARSET: Final = re.compile(rb"""<meta[^>]*charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_CELL_SPACE: Final = re.compile(r"[ \t\r\n]+")  # a cell's runs of HTML white space
_HIDDEN: Final = frozenset({"SheetHidden", "SheetVeryHidden"})
_Merge = tuple[tuple[int, int], tuple[int, int]]


def sniff(data: bytes, suffix: str) -> bool:
    """An HTML or XML page named like a workbook or a text export."""
    return suffix in WORKBOOK_EXTENSIONS | TEXT_EXTENSIONS and is_markup(data)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    declared = _CHARSET.search(data[:4096])
    if declared is not None:
        try:
            return data.decode(declared.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class _Tables(HTMLParser):
    """The rows of each ``<table>``, with their spans as merges."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[Rows, list[_Merge]]] = []
        self._stack: list[tuple[Rows, list[_Merge], dict[tuple[int, int], Any]]] = []
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        elif tag == "table":
            self._stack.append(([], [], {}))
        elif not self._stack:
            return
        elif tag == "tr":
            self._end_cell()
            self._stack[-1][0].append([])
        elif tag in {"td", "th"}:
            self._end_cell()
            if not self._stack[-1][0]:
                self._stack[-1][0].append([])
            found = dict(attrs)
            self._span = (_span(found.get("rowspan")), _span(found.get("colspan")))
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._skip = max(0, self._skip - 1)
        elif tag in {"td", "th", "tr"}:
            self._end_cell()
        elif tag == "table" and self._stack:
            self._end_cell()
            rows, merges, _ = self._stack.pop()
            self.tables.append((rows, merges))

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._skip:
            self._cell.append(data)

    def close(self) -> None:
        super().close()
        self._end_cell()
        while self._stack:
            rows, merges, _ = self._stack.pop()
            self.tables.append((rows, merges))

    def _end_cell(self) -> None:
        if self._cell is None or not self._stack:
            self._cell = None
            return
        rows, merges, taken = self._stack[-1]
        value = _CELL_SPACE.sub(" ", "".join(self._cell)).strip()
        self._cell = None
        top = len(rows) - 1
        row = rows[top]
        column = len(row)
        while taken.get((top, column)) is not None:
            row.append(None)
            column += 1
        down, across = self._span
        row.append(value)
        row.extend([None] * (across - 1))
        for r in range(top + 1, top + down):
            for c in range(column, column + across):
                taken[(r, c)] = True
        if down > 1 or across > 1:
            merges.append(((top, column), (top + down - 1, column + across - 1)))


def _span(text: str | None) -> int:
    try:
        return max(1, min(int(text or "1"), 1000))
    except ValueError:
        return 1


def _html_book(name: str, text: str) -> tuple[list[str], dict[str, tuple[Rows, list[_Merge]]]]:
    parser = _Tables()
    parser.feed(text)
    parser.close()
    tables = [t for t in parser.tables if any(any(c not in ("", None) for c in r) for r in t[0])]
    if not tables:
        raise InputFileError(name, "the HTML page holds no table", code="unsupported")
    names = [f"Table {i + 1}" for i in range(len(tables))]
    return names, dict(zip(names, tables, strict=True))


def _typed(kind: str | None, text: str) -> Any:
    if kind == "Number":
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() else number
    if kind == "DateTime":
        try:
            return datetime.fromisoformat(text.strip().rstrip("Z"))
        except ValueError:
            return text
    if kind == "Boolean":
        return text.strip() in {"1", "true"}
    return text


def _xml_book(
    name: str, data: bytes
) -> tuple[list[str], set[str], dict[str, tuple[Rows, list[_Merge]]]]:
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data:
        raise InputFileError(name, "the XML file declares entities; not read", code="unsupported")
    try:
        root = ET.fromstring(data)  # noqa: S314 - no DTD or entity passes the check above
    except ET.ParseError as exc:
        raise InputFileError(
            name, f"the XML spreadsheet cannot be read: {exc}", code="damaged"
        ) from exc
    if root.tag != f"{_SS}Workbook":
        raise InputFileError(name, "the XML file is no SpreadsheetML workbook", code="unsupported")
    names: list[str] = []
    hidden: set[str] = set()
    sheets: dict[str, tuple[Rows, list[_Merge]]] = {}
    for number, sheet in enumerate(root.iter(f"{_SS}Worksheet"), start=1):
        title = sheet.get(f"{_SS}Name") or f"Sheet{number}"
        rows: Rows = []
        merges: list[_Merge] = []
        table = sheet.find(f"{_SS}Table")
        for row in table.iter(f"{_SS}Row") if table is not None else ():
            at = int(row.get(f"{_SS}Index") or len(rows) + 1) - 1
            rows.extend([] for _ in range(at + 1 - len(rows)))
            cells = rows[at]
            for cell in row.iter(f"{_SS}Cell"):
                column = int(cell.get(f"{_SS}Index") or len(cells) + 1) - 1
                cells.extend([None] * (column - len(cells)))
                found = cell.find(f"{_SS}Data")
                text = "".join(found.itertext()) if found is not None else ""
                cells.append(_typed(found.get(f"{_SS}Type") if found is not None else None, text))
                across = int(cell.get(f"{_SS}MergeAcross") or 0)
                down = int(cell.get(f"{_SS}MergeDown") or 0)
                cells.extend([None] * across)
                if across or down:
                    merges.append(((at, column), (at + down, column + across)))
        width = max((len(r) for r in rows), default=0)
        for r in rows:
            r.extend([None] * (width - len(r)))
        visible = sheet.find(f"{_X}WorksheetOptions/{_X}Visible")
        if visible is not None and (visible.text or "").strip() in _HIDDEN:
            hidden.add(title)
        names.append(title)
        sheets[title] = (rows, merges)
    if not names:
        raise InputFileError(name, "the XML workbook holds no worksheet", code="unsupported")
    return names, hidden, sheets


def open(name: str, data: bytes, suffix: str, limits: InputLimits) -> Workbook:
    """The tables of an HTML page, or the worksheets of a SpreadsheetML workbook, as sheets."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    hidden: set[str] = set()
    if head.startswith(b"<?xml") and b"<html" not in data[:4096].lower():
        names, hidden, sheets = _xml_book(name, data)
        text = False
    else:
        names, sheets = _html_book(name, _decode(data))
        text = True
    for title, (rows, _) in sheets.items():
        width = max((len(r) for r in rows), default=0)
        if len(rows) > limits.max_rows or width > limits.max_columns:
            raise InputFileError(name, f"sheet {title!r} is too large to read", code="too_large")

    def load(sheet: str, nrows: int | None) -> Rows:
        rows = [list(r) for r in sheets[sheet][0]]
        return rows if nrows is None else rows[:nrows]

    def merged(sheet: str) -> list[Any]:
        return list(sheets[sheet][1])

    return Workbook(
        "xls",
        names,
        hidden,
        load,
        None,
        [f"the {suffix} file is an {'HTML' if text else 'XML'} export; read as its tables"],
        text=text,
        merged=merged,
    )
