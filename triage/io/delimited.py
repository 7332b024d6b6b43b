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
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Final

from triage.schema import InputFileError

DELIMITERS: Final = (",", ";", "\t", "|")
_SNIFF_LINES: Final = 60
_NUL_SHARE_BINARY: Final = 0.1
_SEP_LINE: Final = re.compile(r"\s*sep=(.)[ \t]*\n", re.IGNORECASE)


@dataclass
class DelimitedText:
    """A decoded, split text file."""

    rows: list[list[object]]
    encoding: str
    delimiter: str
    decimal_hint: str | None
    warnings: list[str] = field(default_factory=list)


def decode_bytes(name: str, data: bytes) -> tuple[str, str]:
    """(text, encoding) of a text file; InputFileError when it is binary."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    sample = data[:4096]
    if sample.count(b"\x00") > _NUL_SHARE_BINARY * len(sample):
        if _looks_utf16le(sample):
            return data.decode("utf-16-le", errors="replace"), "utf-16-le"
        raise InputFileError(name, "the file is binary, not delimited text")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _looks_utf16le(sample: bytes) -> bool:
    odd = sample[1::2]
    return len(odd) > 0 and odd.count(0) > 0.8 * len(odd)


def sniff_delimiter(lines: list[str], prefer_tab: bool = False) -> str:
    """The delimiter giving the most lines with the same (>1) number of fields."""
    best = ("\t" if prefer_tab else ",", -1.0)
    for delimiter in DELIMITERS:
        counts = [
            len(row)
            for row in csv.reader(lines, delimiter=delimiter)
            if any(cell.strip() for cell in row)
        ]
        if not counts:
            continue
        mode, seen = Counter(counts).most_common(1)[0]
        if mode < 2:
            continue
        consistency = seen / len(counts)
        bonus = 0.01 if prefer_tab and delimiter == "\t" else 0.0
        value = consistency + bonus + mode * 1e-4
        if value > best[1]:
            best = (delimiter, value)
    return best[0]


def read_delimited(name: str, data: bytes, *, prefer_tab: bool = False) -> DelimitedText:
    """Decode and split a delimited text file into rows of strings (blank lines kept)."""
    text, encoding = decode_bytes(name, data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    declared = _SEP_LINE.match(text)
    if declared:  # Excel's "sep=;" first line: it names the delimiter and is not shown as a row
        text = text[declared.end() :]
    lines = text.split("\n", _SNIFF_LINES)[:_SNIFF_LINES]
    delimiter = (
        declared.group(1)
        if declared
        else sniff_delimiter([line for line in lines if line.strip()], prefer_tab)
    )
    try:
        rows: list[list[object]] = [
            list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter, strict=False)
        ]
    except csv.Error as exc:
        raise InputFileError(name, f"the text cannot be split into columns: {exc}") from None
    warnings: list[str] = []
    if encoding in ("cp1252", "latin-1"):
        warnings.append(f"the text is not UTF-8; read as {encoding}")
    return DelimitedText(rows, encoding, delimiter, "," if delimiter == ";" else None, warnings)
