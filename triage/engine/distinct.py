"""Rows grouped by the distinct values of what a computation reads, so that it runs once per
distinct combination and its result is broadcast to every row that shares it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

# False: every row is its own group, so each computation runs per row as written (the reference
# the grouped runs are compared with: tests/test_engine_distinct.py).
GROUPING = True


def rows_with_a_text(columns: Sequence[pd.Series], test: Callable[[str], bool]) -> np.ndarray:
    """Per row, whether a text cell of one of `columns` passes `test` (asked once per distinct
    cell of each column)."""
    found = np.zeros(len(columns[0]) if len(columns) else 0, dtype=bool)
    for column in columns:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        passes = [isinstance(u, str) and test(u) for u in uniques.tolist()]
        found |= np.array([*passes, False], dtype=bool)[codes]  # the missing code -1: False
    return found


def distinct_rows(columns: Sequence[np.ndarray | pd.Series]) -> tuple[np.ndarray, np.ndarray]:
    """(code, first): per row the number of its combination of `columns` (numbered in order of
    first appearance), and per code the first row that has it.

    float64 cells are compared bit for bit (0.0 and -0.0 differ; a NaN equals a NaN), other
    cells as pandas.factorize compares them (as dict keys do, except that every missing cell of
    a column (None, NaN) is equal to every other: give such a column only where the computation
    reads every missing cell alike, or without missing cells)."""
    n = len(columns[0]) if len(columns) else 0
    if not GROUPING:
        every = np.arange(n, dtype=np.int64)
        return every, every
    combined = np.zeros(n, dtype=np.int64)
    for column in columns:
        values = column
        if values.dtype == np.float64:
            values = np.ascontiguousarray(values, dtype=np.float64).view(np.int64)
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        # `combined` stays below n (factorized again), so the product fits an int64
        combined = pd.factorize(combined * len(uniques) + codes)[0]
    first = np.unique(combined, return_index=True)[1]
    return combined, first
