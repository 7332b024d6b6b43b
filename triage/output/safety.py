"""Formula injection: a text cell that a spreadsheet program could run as a formula (it begins
with ``= + - @``, their full-width forms, a tab or a carriage return, also after leading white
space) is written with a leading apostrophe in CSV and XLSX.  Numbers of numeric columns stay
numbers; a *string* such as ``"-5"`` is text and is neutralised too.  JSON is data, not a
spreadsheet: its values are written exactly."""

from __future__ import annotations

import re
from typing import Final

import numpy as np
import pandas as pd

# White space a spreadsheet may skip before it looks for "=": ASCII, no-break, the Unicode spaces,
# zero-width space and BOM.  Written as literal characters so that any regex engine reads them.
_SPACES: Final = "\t\n\x0b\x0c\r \u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
# = + - @ and their full-width and small forms.
_TRIGGERS: Final = "=+@\uff1d\uff0b\uff20\ufe62\ufe66\ufe6b\uff0d\ufe63\\-"
FORMULA_PATTERN: Final = f"^(?:[\t\r]|[{_SPACES}]*[{_TRIGGERS}])"
_FORMULA_RE: Final = re.compile(FORMULA_PATTERN)
NEUTRALISING_PREFIX: Final = "'"


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet program could take ``text`` for a formula."""
    return _FORMULA_RE.match(text) is not None


def neutralise_text(text: str) -> str:
    """``text`` made inert for spreadsheets (an apostrophe in front of a formula trigger)."""
    return NEUTRALISING_PREFIX + text if is_formula_like(text) else text


def neutralise_series(values: pd.Series) -> pd.Series:
    """Vectorised ``neutralise_text`` over a text column (missing values stay missing)."""
    text = values.astype("string")
    codes, uniques = pd.factorize(text)  # each distinct text is looked at once
    if not len(uniques):
        return text
    match = _FORMULA_RE.match
    hits = np.array([match(str(u)) is not None for u in uniques.tolist()], dtype=bool)
    if not hits.any():
        return text
    mask = np.zeros(len(text), dtype=bool)
    present = codes >= 0
    mask[present] = hits[codes[present]]
    return text.mask(mask, NEUTRALISING_PREFIX + text)
