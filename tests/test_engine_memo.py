"""What the engine keeps from chunk to chunk (triage/engine/memo.py: patient states,
drug matches and decision wordings by the cell values they are computed from) changes no
result: a file triaged in small chunks with warm caches reads exactly as it does in one chunk
with none, including rows that differ from a cached one in one input only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_engine_speed import _assert_same, _frames

from triage.engine import canonical_frame, memo, triage_frame
from triage.knowledge import load_knowledge


def _chunked(frame: pd.DataFrame, ranges: str, rows: int) -> pd.DataFrame:
    knowledge = load_knowledge(ranges)
    parts = [triage_frame(frame.iloc[s : s + rows], knowledge) for s in range(0, len(frame), rows)]
    return pd.concat(parts) if parts else triage_frame(frame, knowledge)


def _uncached(frame: pd.DataFrame, ranges: str) -> pd.DataFrame:
    saved = memo.ENABLED
    memo.ENABLED = False
    try:
        return triage_frame(frame, load_knowledge(ranges))
    finally:
        memo.ENABLED = saved


@pytest.mark.parametrize(
    "name, frame, ranges", _frames(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_chunks_with_caches_read_as_one_chunk_without(
    name: str, frame: pd.DataFrame, ranges: str
) -> None:
    """The vignettes, them varied, and the sample exports, in chunks of 7 rows, twice (the
    second time every value is cached): the same as one chunk without caches."""
    memo.clear()
    expected = _uncached(frame, ranges)
    _assert_same(_chunked(frame, ranges, 7), expected)
    _assert_same(_chunked(frame, ranges, 7), expected)


BASE = {
    "sex": "F",
    "age_years": 31,
    "prolactin": "61",
    "unit": "ng/mL",
    "collected_at": "2026-03-02 10:30",
}


@pytest.mark.parametrize(
    "first, second",
    [
        # the same words in another column
        ({"comments": "pregnant, 30 weeks"}, {"symptoms": "pregnant, 30 weeks"}),
        # a yes/no flag against the same state written as text
        ({"pregnant": True}, {"pregnant": "yes"}),
        ({"dialysis": True}, {"dialysis": "no"}),
        # the same text, another age side of child-bearing
        ({"comments": "breastfeeding"}, {"comments": "breastfeeding", "age_years": 8}),
        ({"comments": "pregnant"}, {"comments": "pregnant", "age_years": 61}),
        # the same text, another sex
        ({"comments": "on haloperidol"}, {"comments": "on haloperidol", "sex": "M"}),
        # a drug named in the medication list, then in a note (abbreviations are not read)
        ({"medications": "risperidone"}, {"comments": "risperidone"}),
        ({"medications": "MTX"}, {"comments": "MTX"}),
        # a gestation number beside the same text
        (
            {"comments": "antenatal clinic"},
            {"comments": "antenatal clinic", "gestational_weeks": 9},
        ),
    ],
)
def test_a_row_unlike_a_cached_one_in_one_input(first: dict, second: dict) -> None:
    """Each pair's first row is cached in an earlier chunk; the second differs in one input
    the cache key must hold, and is read as it is without caches."""
    rows = [{**BASE, **first}, {**BASE, **second}]
    frame = canonical_frame(rows)
    memo.clear()
    expected = _uncached(frame, "default")
    _assert_same(_chunked(frame, "default", 1), expected)


def test_a_full_cache_starts_again() -> None:
    owner = object()
    cache = memo.cache_of("test", owner, limit=2)
    cache["a"] = cache["b"] = 1
    assert memo.cache_of("test", owner, limit=2) == {}  # full: emptied
    other = object()
    assert memo.cache_of("test", other) is not memo.cache_of("test", owner, limit=2)


def test_caches_are_used_across_chunks() -> None:
    """A second chunk with the same texts computes no state again (else the caches are dead)."""
    frame = canonical_frame(
        [
            {**BASE, "comments": "pregnant, 12 weeks", "prolactin": str(v)}
            for v in np.linspace(5, 300, 6)
        ]
    )
    memo.clear()
    knowledge = load_knowledge("default")
    triage_frame(frame.iloc[:3], knowledge)
    from triage.engine import state

    calls: list[object] = []
    original = state.combine

    def counted(*args: object) -> object:
        calls.append(args)
        return original(*args)  # type: ignore[arg-type]

    state.combine = counted  # type: ignore[assignment]
    try:
        triage_frame(frame.iloc[3:], knowledge)
    finally:
        state.combine = original
    assert calls == []
