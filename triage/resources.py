"""Where the bundled data lives, installed (inside the wheel) or in a source checkout."""

from __future__ import annotations

import codecs
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


# How a hand-edited text file (config, column mapping, reference set) is decoded: a BOM decides
# (UTF-8, UTF-16), else UTF-8, else the Windows code page an editor on a European desktop saves in.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_FALLBACK_ENCODINGS = ("utf-8", "cp1252")


def decode_text_file(data: bytes, errors: str = "strict") -> str:
    """The text of a hand-edited file; UnicodeDecodeError when no encoding reads it (with
    ``errors="replace"`` the code page's undefined bytes become U+FFFD instead)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors)
    for encoding in _FALLBACK_ENCODINGS[:-1]:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode(_FALLBACK_ENCODINGS[-1], errors)
