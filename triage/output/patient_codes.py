"""Patient codes for a whole batch, kept small: the results of one patient are grouped for the
pages by a number per patient key (output/views.py ``patient_keys``), given in order of first
appearance, chunk after chunk.

A dictionary of the keys held ~150 bytes a patient (a million distinct patients: ~145 MiB in the
run's own process, its memory peak).  Here a key is known by two independent 64-bit hashes of it
(pandas' SipHash with two keys; two different keys share both with a chance of about n² / 2^129,
nil for any batch), kept sorted in numpy arrays: 24 bytes a patient.  The key's text itself is
kept only for the patients the pages are ordered among (``name_of``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

_HASH_KEYS: Final = ("prolactin-codes1", "prolactin-codes2")  # 16 characters each (SipHash)
_PAIR: Final = np.dtype([("a", "<u8"), ("b", "<u8")])


class PatientCodes:
    """Patient key -> code (0, 1, 2 ... in order of first appearance)."""

    def __init__(self) -> None:
        self._hashes = np.zeros(0, dtype=_PAIR)  # sorted
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
        pairs = np.empty(n, dtype=_PAIR)
        pairs["a"] = pd.util.hash_array(texts, hash_key=_HASH_KEYS[0], categorize=False)
        pairs["b"] = pd.util.hash_array(texts, hash_key=_HASH_KEYS[1], categorize=False)
        uniques, first, inverse = np.unique(pairs, return_index=True, return_inverse=True)
        at = np.searchsorted(self._hashes, uniques)
        inside = at < len(self._hashes)
        known = np.zeros(len(uniques), dtype=bool)
        known[inside] = self._hashes[at[inside]] == uniques[inside]
        codes = np.empty(len(uniques), dtype=np.int64)
        codes[known] = self._codes[at[known]]
        new = np.flatnonzero(~known)
        if len(new):  # numbered by where each first appears in the chunk
            order = new[np.argsort(first[new], kind="stable")]
            codes[order] = self.count + np.arange(len(order), dtype=np.int64)
            self.count += len(order)
            self._hashes = np.insert(self._hashes, at[new], uniques[new])
            self._codes = np.insert(self._codes, at[new], codes[new])
        row_codes: np.ndarray = codes[np.asarray(inverse).reshape(-1)]
        rows = range(n) if named is None else np.flatnonzero(named).tolist()
        for i in rows:
            self._names.setdefault(int(row_codes[i]), texts[i])
        return row_codes

    def name_of(self, code: int) -> str:
        """The key's text of a patient one of whose rows was named ("" otherwise)."""
        return self._names.get(code, "")

    def forget_from(self, count: int) -> None:
        """Forget the codes from ``count`` on (a rolled-back file's new patients)."""
        keep = self._codes < count
        self._hashes, self._codes = self._hashes[keep], self._codes[keep]
        for code in [c for c in self._names if c >= count]:
            del self._names[code]
        self.count = count
