"""Caches that outlive a chunk.

A run triages a file chunk by chunk (pipeline.triage_chunks), in one process or in forked
workers, and the same patient states, drug matches and wordings recur from chunk to chunk: the work
done once per distinct combination within a chunk (distinct.py) is done once per process here,
for what is computed from cell values alone (never from a chunk's positions or codes).

Each cache belongs to an owner (the vocabulary or labels the values were computed with), kept
alive with it, so that an owner's id is never reused while its cache exists.  A cache holds at
most ``limit`` entries and is emptied when full: it bounds memory, not correctness (a value is
computed again as before).  Pure: values in, values out; nothing here is read back by a test of
the results but the results themselves (tests/test_engine_memo.py compares runs with and
without).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from triage.schema import MEMO_ENTRIES_KEPT

# False: no value outlives its chunk (the reference the cached runs are compared with).
ENABLED = True

_OWNED: dict[tuple[str, int], tuple[object, dict[Hashable, Any]]] = {}


def cache_of(name: str, owner: object, *, limit: int = MEMO_ENTRIES_KEPT) -> dict[Hashable, Any]:
    """The cache ``name`` of ``owner`` (a new empty one the first time, and whenever it holds
    ``limit`` entries or more); with caching off, a new empty dict every call."""
    if not ENABLED:
        return {}
    key = (name, id(owner))
    found = _OWNED.get(key)
    if found is None or found[0] is not owner or len(found[1]) >= limit:
        found = _OWNED[key] = (owner, {})
    return found[1]


_T = TypeVar("_T")


def memo_by_text(func: Callable[[str], _T], cache: dict[Hashable, Any]) -> Callable[[str], _T]:
    """``func`` of a text, computed once per distinct text in ``cache`` (a ``cache_of``)."""

    def cached(text: str) -> _T:
        try:
            return cache[text]  # type: ignore[no-any-return]
        except KeyError:
            value = cache[text] = func(text)
            return value

    return cached


def clear() -> None:
    """Forget every cached value (tests; a long-lived process that changed its vocabularies)."""
    _OWNED.clear()
