"""Clinical vignettes (tests/data/vignettes.toml) through the engine with the real knowledge.

Each vignette is one synthetic patient written from the clinical reference with its expected
status, band, first factor, suggestions that must / must not be there, and priority.  The suite
must cover every factor, suggestion and caution code and every interval source: a test checks it.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from triage.engine import canonical_frame, triage_frame
from triage.knowledge import factor_codes, load_knowledge
from triage.schema import (
    CAUTION_CODES,
    PRIORITIES,
    REFERENCE_SOURCES,
    STATUSES,
    SUGGESTION_CODES,
)

FACTOR_CODES = factor_codes()  # the contract's factor codes, drug classes included

VIGNETTE_FILE = Path(__file__).parent / "data" / "vignettes.toml"
VIGNETTES: list[dict[str, Any]] = tomllib.loads(VIGNETTE_FILE.read_text("utf-8"))["vignette"]
ALL_SUGGESTIONS = set(SUGGESTION_CODES) | set(CAUTION_CODES)


@cache
def _results(ranges: str) -> pd.DataFrame:
    """All vignettes of one reference-set choice, triaged in one frame (as a file would be)."""
    chosen = [v for v in VIGNETTES if v.get("ranges", "default") == ranges]
    frame = canonical_frame([v["input"] for v in chosen])
    out = triage_frame(frame, load_knowledge(ranges))
    out.index = pd.Index([v["id"] for v in chosen])
    return out


def _row(vignette: dict[str, Any]) -> pd.Series:
    return _results(vignette.get("ranges", "default")).loc[vignette["id"]]


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell).split(";") if c] if isinstance(cell, str) else []


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_vignette(vignette: dict[str, Any]) -> None:
    row = _row(vignette)
    factors = _codes(row["factors"])
    suggestions = _codes(row["suggestions"])
    context = f"{vignette['id']}: {vignette['why']}\nfactors={factors}\nsuggestions={suggestions}"

    assert row["status"] == vignette["status"], context
    assert row["priority"] == vignette["priority"], context
    for key, column in (
        ("band", "band"),
        ("interpretation", "interpretation"),
        ("source", "reference_source"),
        ("reference_set", "reference_set"),
    ):
        if key in vignette:
            assert row[column] == vignette[key], f"{key}: {row[column]!r}\n{context}"
    for key in ("prolactin_ng_ml", "times_uln"):
        if key in vignette:
            assert row[key] == pytest.approx(vignette[key], abs=0.01), context
    if "first_factor" in vignette:
        first = factors[0] if factors else ""
        assert first == vignette["first_factor"], context
    for code in vignette.get("factors", []):
        assert code in factors, f"missing factor {code}\n{context}"
    for code in vignette.get("not_factors", []):
        assert code not in factors, f"unexpected factor {code}\n{context}"
    for code in vignette.get("suggestions", []):
        assert code in suggestions, f"missing suggestion {code}\n{context}"
    for code in vignette.get("not_suggestions", []):
        assert code not in suggestions, f"unexpected suggestion {code}\n{context}"


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_vignette_details_agree_with_codes(vignette: dict[str, Any]) -> None:
    """The detail lists carry the same codes, each with a label, evidence/reason and rule."""
    row = _row(vignette)
    assert [d["code"] for d in row["factor_details"]] == _codes(row["factors"])
    assert [d["code"] for d in row["suggestion_details"]] == _codes(row["suggestions"])
    for detail in row["factor_details"]:
        assert detail["strength"] in ("likely", "possible")
        assert detail["label"] and detail["evidence"] and detail["rule"]
    for detail in row["suggestion_details"]:
        assert detail["label"] and detail["reason"] and detail["rule"]
    if row["status"] in ("normal", "low"):
        # Only the physiological state that judged the result (likely where it explains a
        # result above the usual limit; issue 7) and a known pituitary lesion, listed whatever
        # the status (reviews 1 B4, A5); beside such a state the other contributors found in
        # the data (a drug, kidney, thyroid, liver: review 14).
        codes = [detail["code"] for detail in row["factor_details"]]
        states = {"pregnancy", "lactation", "neonatal"}
        contributors = ("renal_impairment", "dialysis", "hypothyroidism", "liver_cirrhosis")
        for detail in row["factor_details"]:
            code = detail["code"]
            contributor = code.startswith("medication:") or code in contributors
            assert code in (
                "pregnancy",
                "lactation",
                "neonatal",
                "known_pituitary_lesion",
                "stalk_effect",
            ) or (contributor and states & set(codes)), detail


def test_suite_covers_every_code_and_source() -> None:
    factors = {v.get("first_factor", "") for v in VIGNETTES} - {""}
    factors |= {c for v in VIGNETTES for c in v.get("factors", [])}
    suggestions = {c for v in VIGNETTES for c in v.get("suggestions", [])}
    sources = {v["source"] for v in VIGNETTES if "source" in v}
    assert len(VIGNETTES) >= 120
    assert set(FACTOR_CODES) - factors == set(), "factor codes without a vignette"
    assert ALL_SUGGESTIONS - suggestions == set(), "suggestion/caution codes without a vignette"
    assert set(REFERENCE_SOURCES) - sources == set(), "interval sources without a vignette"
    assert {v["priority"] for v in VIGNETTES} == set(PRIORITIES)
    assert {v["status"] for v in VIGNETTES} == set(STATUSES)
    sex_unknown = [
        v for v in VIGNETTES if "sex" not in v["input"] and v["status"] == "indeterminate"
    ]
    assert sex_unknown, "no sex-unknown indeterminate vignette"


def test_vignettes_use_only_known_codes() -> None:
    """A typo in the table would make a must-not check pass for nothing."""
    assert len({v["id"] for v in VIGNETTES}) == len(VIGNETTES)
    for v in VIGNETTES:
        named = [v.get("first_factor", "")] if v.get("first_factor") else []
        for code in named + v.get("factors", []) + v.get("not_factors", []):
            assert code in FACTOR_CODES, (v["id"], code)
        for code in v.get("suggestions", []) + v.get("not_suggestions", []):
            assert code in ALL_SUGGESTIONS, (v["id"], code)
        assert v["status"] in STATUSES and v["priority"] in PRIORITIES, v["id"]
        assert v.get("why"), v["id"]
