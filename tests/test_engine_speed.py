"""The engine's shortcuts decide exactly as the full path (triage/engine: `calm` rows skip the
Situation and the rules that cannot fire; python_values skips the masked copy)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from triage.engine import canonical_frame, suggestions, triage_frame
from triage.engine.context import python_values
from triage.io import ReadOptions, read_file
from triage.knowledge import load_knowledge
from triage.resources import data_file
from triage.schema import InputFileError

VIGNETTES: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).parent / "data" / "vignettes.toml").read_text("utf-8")
)["vignette"]
SAMPLES = sorted(p for p in (Path(__file__).parent / "data" / "samples").glob("*") if p.is_file())


def _frames() -> list[tuple[str, pd.DataFrame, str]]:
    out = []
    for ranges in sorted({v.get("ranges", "default") for v in VIGNETTES}):
        chosen = [v["input"] for v in VIGNETTES if v.get("ranges", "default") == ranges]
        out.append((f"vignettes-{ranges}", canonical_frame(chosen), ranges))
    out.append(("vignettes-varied", _varied(out[0][1]), "default"))
    for path in [data_file("demo_export.xlsx"), *SAMPLES]:
        try:
            frame = read_file(path, None, ReadOptions()).frame
        except InputFileError:  # a sample that does not read has nothing to compare
            continue
        out.append((path.name, frame, "default"))
    return out


def _varied(base: pd.DataFrame, copies: int = 8) -> pd.DataFrame:
    """The vignettes again with other levels, qualifiers, missing details and texts swapped
    between rows: rows the vignettes do not hold, on both sides of every shortcut."""
    rng = np.random.default_rng(3)
    frame = base.loc[np.resize(base.index.to_numpy(), len(base) * copies)].reset_index(drop=True)
    n = len(frame)
    scale = rng.choice([0.05, 0.3, 0.7, 1.0, 1.3, 2.5, 6.0, 20.0, 80.0], n)
    frame["prolactin_value"] = frame["prolactin_value"] * scale
    marks = pd.Series(rng.choice(["", "", "", ">", "<"], n), dtype=object)
    frame["qualifier"] = marks.where(marks != "", frame["qualifier"])
    for column in ("medications", "comments", "symptoms", "pituitary_lesion", "sex", "tsh"):
        frame.loc[rng.random(n) < 0.2, column] = None
    for column in ("medications", "comments", "symptoms"):
        frame[column] = frame[column].to_numpy()[rng.permutation(n)]
    return frame


def _assert_same(fast: pd.DataFrame, full: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(fast, full, check_exact=True)
    for column in ("factor_details", "suggestion_details"):
        assert fast[column].tolist() == full[column].tolist()


@pytest.mark.parametrize(
    "name, frame, ranges", _frames(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_calm_shortcut_decides_as_the_rules(
    name: str, frame: pd.DataFrame, ranges: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    knowledge = load_knowledge(ranges)
    fast = triage_frame(frame, knowledge)
    monkeypatch.setattr(suggestions, "CALM_PROVEN_FOR", frozenset())  # every row: full path
    full = triage_frame(frame, knowledge)
    _assert_same(fast, full)


def test_calm_shortcut_is_used() -> None:
    """The shortcut holds for the registered rules (else it silently never applies)."""
    assert suggestions.CALM_PROVEN_FOR == suggestions.ANY_STATUS_RULES


@pytest.mark.parametrize(
    "series",
    [
        pd.Series([1.0, np.nan, 2.5]),
        pd.Series(["a", None, np.nan, pd.NA, ""], dtype=object),
        pd.Series([True, None, False], dtype="boolean"),
        pd.Series(["x", None], dtype="string"),
        pd.Series(pd.to_datetime(["2020-01-01", None])),
        pd.Series([1, None], dtype="Int64"),
        pd.Series([1, 2]),
        pd.Series([], dtype="float64"),
    ],
)
def test_python_values_as_masked_copy(series: pd.Series) -> None:
    expected = series.astype(object).where(series.notna(), None).tolist()
    got = python_values(series)
    assert [type(v) for v in got] == [type(v) for v in expected]
    assert [v is None for v in got] == [v is None for v in expected]
    assert [v for v in got if v is not None] == [v for v in expected if v is not None]
