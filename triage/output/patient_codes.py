"""Patient codes for a whole batch, kept small: the results of one patient are grouped for the
pages by a number per patient key (output/views.py ``patient_keys``), given in order of first
appearance, chunk after chunk.

A dictionary of the keys held ~150 bytes a patient (a million distinct patients: ~145 MiB in the
run's own process, its memory peak).  Here a key is known by two independent 64-bit hashes of it
(pandas' SipHash with two keys; two different keys share both with a chance of about n² / 2^129,
nil for any batch), kept sorted in plain numpy arrays: 24 bytes a patient.  The key's text itself is
kept only for the patients the pages are ordered among (``name_of``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

_HASH_KEYS: Final = ("prolactin-codes1", "prolactin-codes2")  # 16 characters each (SipHash)


def key_hashes(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two 64-bit hashes of each key (an object array of str)."""
    return (
        pd.util.hash_array(texts, hash_key=_HASH_KEYS[0], categorize=False),
        pd.util.hash_array(texts, hash_key=_HASH_KEYS[1], categorize=False),
    )


class PatientCodes:
    """Patient key -> code (0, 1, 2 ... in order of first appearance)."""

    def __init__(self) -> None:
        # the hash pairs known, sorted by (first, second) in two plain arrays: searched on the
        # first hash alone (fast), the second telling apart the keys whose first ones are equal
        self._first = np.zeros(0, dtype=np.uint64)
        self._second = np.zeros(0, dtype=np.uint64)
        self._codes = np.zeros(0, dtype=np.int64)  # the code of each hash pair, same order
        self._names: dict[int, str] = {}
        self.count = 0

    def codes(self, keys: Sequence[str], named: np.ndarray | None = None) -> np.ndarray:
        """The code of each key (new keys numbered on, in order); ``named``: the rows whose
        key's text is kept (``name_of``), all of them when None."""
        n = len(keys)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        texts = np.asarray(keys, dtype=object)
        first_hash, second_hash = key_hashes(texts)
        # the chunk's distinct pairs, sorted, with each row's and each pair's first row
        order = np.lexsort((second_hash, first_hash))
        a, b = first_hash[order], second_hash[order]
        starts = np.ones(n, dtype=bool)
        starts[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
        heads = np.flatnonzero(starts)
        inverse = np.empty(n, dtype=np.int64)
        inverse[order] = np.cumsum(starts) - 1
        first = np.minimum.reduceat(order, heads)
        ua, ub = a[heads], b[heads]
        at = self._places(ua, ub)
        inside = at < len(self._first)
        known = np.zeros(len(heads), dtype=bool)
        known[inside] = (self._first[at[inside]] == ua[inside]) & (
            self._second[at[inside]] == ub[inside]
        )
        codes = np.empty(len(heads), dtype=np.int64)
        codes[known] = self._codes[at[known]]
        new = np.flatnonzero(~known)
        if len(new):  # numbered by where each first appears in the chunk
            numbered = new[np.argsort(first[new], kind="stable")]
            codes[numbered] = self.count + np.arange(len(numbered), dtype=np.int64)
            self.count += len(numbered)
            self._first = np.insert(self._first, at[new], ua[new])
            self._second = np.insert(self._second, at[new], ub[new])
            self._codes = np.insert(self._codes, at[new], codes[new])
        row_codes: np.ndarray = codes[inverse]
        rows = range(n) if named is None else np.flatnonzero(named).tolist()
        for i in rows:
            self._names.setdefault(int(row_codes[i]), texts[i])
        return row_codes

    def _places(self, ua: np.ndarray, ub: np.ndarray) -> np.ndarray:
        """Where each (ua, ub) pair is, or would be inserted, in the sorted pairs known."""
        low = np.searchsorted(self._first, ua, side="left")
        high = np.searchsorted(self._first, ua, side="right")
        at = low.copy()
        span = high - low
        one = np.flatnonzero(span == 1)
        at[one] += self._second[low[one]] < ub[one]
        for i in np.flatnonzero(span > 1).tolist():  # first hashes equal: nearly never
            at[i] += np.searchsorted(self._second[low[i] : high[i]], ub[i])
        return at

    def name_of(self, code: int) -> str:
        """The key's text of a patient one of whose rows was named ("" otherwise)."""
        return self._names.get(code, "")

    def forget_from(self, count: int) -> None:
        """Forget the codes from ``count`` on (a rolled-back file's new patients)."""
        keep = self._codes < count
        self._first, self._second = self._first[keep], self._second[keep]
        self._codes = self._codes[keep]
        for code in [c for c in self._names if c >= count]:
            del self._names[code]
        self.count = count
