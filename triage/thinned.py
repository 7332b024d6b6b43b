"""A canonical frame held without its blank columns while its chunks are triaged.

A file's canonical frame has about eighty columns (triage.columns); an export fills a few dozen
of them and each of the others still costs eight bytes of NA per row: about 350 MiB of a
1,000,000-row csv's 690 MiB frame.  The run keeps the frame without the columns that hold no
value at all and gives each chunk its blank columns back before the engine reads it, with the
same dtype, the same NA value, the same column order and the same attributes, so the engine
sees exactly the frame it would have seen (tests/test_thinned.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from pandas.api.types import is_object_dtype

__all__ = ["Thinned", "thinned"]


@dataclass(frozen=True)
class Thinned:
    """``frame`` without its blank columns; ``blank``: an empty column of each blank one's
    dtype; ``columns``: the whole frame's columns in their order."""

    frame: pd.DataFrame
    blank: dict[str, pd.Series]
    columns: pd.Index

    def __len__(self) -> int:
        return len(self.frame)

    def rows(self, start: int, stop: int) -> pd.DataFrame:
        """Rows [start, stop) with every column, as ``frame.iloc[start:stop]`` of the whole
        frame would be."""
        part = self.frame.iloc[start:stop]
        if not self.blank:
            return part
        filled = {name: empty.reindex(part.index) for name, empty in self.blank.items()}
        whole = part.assign(**filled)
        return whole[self.columns]


def thinned(frame: pd.DataFrame) -> Thinned:
    """``frame`` without the columns holding no value.  A column of Python objects keeps its
    cells (its missing values may be None or NaN, which the rules may tell apart), and so does
    one whose name is not unique."""
    if frame.columns.has_duplicates or not len(frame):
        return Thinned(frame, {}, frame.columns)
    blank = [
        name
        for name in frame.columns
        if not is_object_dtype(frame[name].dtype) and not frame[name].notna().any()
    ]
    if not blank:
        return Thinned(frame, {}, frame.columns)
    return Thinned(
        frame.drop(columns=blank),
        # a copy: a slice would keep the whole block of its column alive
        {name: frame[name].iloc[:0].copy() for name in blank},
        frame.columns,
    )
