"""Review 16: when a drug was stopped or started, written vaguely, read against the sample.

* a stop written as a month ("stopped in October", "abgesetzt 10/2026", "letzte Spritze
  09/2026", "gestopt in oktober") is read as that month's span of days before the sample, and a
  stop written as recent ("recently stopped", "kürzlich abgesetzt", "récemment arrêté",
  "sospeso di recente") as a recent stop of unknown day.  A depot still acts for weeks to months
  after its last injection (clinical-reference §7.9: depots need far longer than the 3-day
  washout; thresholds.toml depot_acting_max_days, 92 days), so a depot stopped so is still a
  factor; a drug by mouth stopped "recently" (or in a month that may fall within its 3-day
  washout) is a possible factor whose stop date is to be confirmed, never dropped silently;
* a drug started only after the sample ("Risperdal from 25/11/2026", "ab 25.11.", "ab
  Dezember", "à partir du", "dès le", "a partir del", "per 25-11-2026") was not present at
  sampling, so it is no factor (clinical-reference §8), and the evidence says "not yet started
  at the sample", not "recorded as stopped"; a drug stopped only after the sample was taken
  when it was drawn.

Synthetic patients only (F, 36 y, sample 2026-11-20, prolactin 62 ng/mL, above the female
limit and below the level where a drug alone rarely explains it); through the public pipeline,
several phrasings in one CSV per test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

from triage.values import stopped_month, stopped_recently

HEADER = "Patient ID,Sex,DOB,Collected,Prolactin,Unit,Medication"
DRUG = "medication:antipsychotic"


def _rows(tmp_path: Path, medications: list[str]) -> list[tuple[str, pd.Series]]:
    lines = [
        f"P{i},F,1990-03-01,2026-11-20,62,ng/mL,{csv_quoted(text)}"
        for i, text in enumerate(medications)
    ]
    out = triage_lines(tmp_path, HEADER, lines)
    return [(text, out.loc[f"P{i}"]) for i, text in enumerate(medications)]


def _strength(row: pd.Series) -> str | None:
    return next((f["strength"] for f in row["factor_details"] if f["code"] == DRUG), None)


def _review(row: pd.Series) -> str:
    found = [s["reason"] for s in row["suggestion_details"] if s["code"] == "medication_review"]
    return found[0] if found else ""


# 1. A depot stopped at a vague time still acts -----------------------------------------------
DEPOT_VAGUE = [
    "Xeplion recently stopped",
    "Xeplion kürzlich abgesetzt",
    "Xeplion récemment arrêté",
    "Xeplion sospeso di recente",
    "Xeplion suspendido hace poco",
    "Xeplion onlangs gestopt",
    "Xeplion stopped in October",
    "Xeplion abgesetzt im Oktober",
    "Xeplion im Oktober abgesetzt",
    "Xeplion stopped Oct 2026",
    "Xeplion abgesetzt 10/2026",
    "Xeplion abgesetzt (letzte Spritze 09/2026)",
    "Haldol Decanoas gestopt in oktober",
    "Xeplion arrêté en octobre",
    "Xeplion sospeso nel mese di ottobre",
    "Xeplion suspendido en el mes de octubre",
    "Xeplion ended last month",
]


def test_a_depot_stopped_recently_or_in_a_month_within_its_window_still_counts(
    tmp_path: Path,
) -> None:
    for text, row in _rows(tmp_path, DEPOT_VAGUE):
        assert _strength(row) == "likely", (text, row["factor_evidence"])
        assert row["priority"] == "routine", (text, row["priority"])
        assert "a depot still acts" in row["factor_evidence"], (text, row["factor_evidence"])
        assert "recorded as stopped" not in row["factor_evidence"], text


def test_a_month_is_read_as_its_span_against_the_acting_days(tmp_path: Path) -> None:
    cases = {
        # by mouth, 20-50 days before: past the 3-day washout
        "Risperdal stopped in October": None,
        # by mouth, 0-19 days before: perhaps within the washout
        "Risperdal abgesetzt im November": "possible",
        # a depot 81-111 days before: only partly within its 92 days
        "Xeplion stopped in August": "possible",
        # a month without a year is the latest not after the sample: December 2025
        "Xeplion stopped in December": None,
        # a depot 51-80 days before, its year written
        "Xeplion laatste injectie sep 2026": "likely",
    }
    for text, row in _rows(tmp_path, list(cases)):
        assert _strength(row) == cases[text], (text, row["factor_evidence"])
    month_note = dict(_rows(tmp_path, ["Xeplion stopped in October"]))
    evidence = month_note["Xeplion stopped in October"]["factor_evidence"]
    assert "stopped 20–50 days before the sample" in evidence, evidence


# 2. A drug by mouth stopped "recently": a possible factor, its stop date to confirm -----------
ORAL_RECENT = [
    "Risperdal recently stopped",
    "Risperdal stopped recently",
    "Risperdal kürzlich abgesetzt",
    "Risperdal vor kurzem abgesetzt",
    "rispéridone récemment arrêtée",
    "risperidona suspendida recientemente",
    "risperidone sospeso di recente",
    "risperidon onlangs gestopt",
    "Risperdal just stopped",
]


def test_a_drug_by_mouth_stopped_recently_is_a_possible_factor(tmp_path: Path) -> None:
    for text, row in _rows(tmp_path, ORAL_RECENT):
        assert _strength(row) == "possible", (text, row["factor_evidence"])
        assert "not written exactly" in row["factor_evidence"], (text, row["factor_evidence"])
        assert "confirm when risperidone was stopped" in _review(row), (text, _review(row))


def test_vague_words_near_a_stop_of_something_else_do_not_fire(tmp_path: Path) -> None:
    cases = {
        # the stop has no time: not taken
        "Risperdal stopped, just started metformin": None,
        "Risperdal arrêté mais galactorrhée persistante": None,
        "Risperdal abgesetzt, mai più ripreso": None,
        "Haldol stopped (marked improvement)": None,
        # no stop at all: taken
        "Risperdal recently started": "likely",
        "Risperdal 2 mg since March": "likely",
    }
    for text, row in _rows(tmp_path, list(cases)):
        assert _strength(row) == cases[text], (text, row["factor_evidence"])


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("arrêté mais repris", None),
        ("mai sospeso", None),
        ("stopped marked improvement", None),
        ("stopped 25.10.2026", None),  # a full date: read as a day, not a month
        ("suspendido a finales de octubre", (10, None)),
        ("Ende Oktober abgesetzt", (10, None)),
        ("Oktober 2026 abgesetzt", (10, 2026)),
        ("sospeso a ottobre", (10, None)),
    ],
)
def test_a_stop_month_is_only_a_month_name_or_number(
    text: str, month: tuple[int, int | None] | None
) -> None:
    assert stopped_month(text) == month


def test_recently_is_read_only_next_to_a_stop_word() -> None:
    assert stopped_recently("stopped (recently)")
    assert stopped_recently("suspendido hace poco")
    assert not stopped_recently("recently started")
    assert not stopped_recently("stopped, just started aripiprazole")
    assert not stopped_recently("recently seen; stopped")


# 3. A drug started after the sample is no factor -------------------------------------------
LATER_START = [
    "Risperdal from 25/11/2026",
    "Risperdal ab dem 25.11.2026",
    "Risperdal ab 25.11.",
    "Risperdal 2 mg ab 25.11.",
    "Risperdal ab Dezember",
    "Risperdal à partir du 25/11/2026",
    "Risperdal dès le 25/11/2026",
    "Risperdal a partir del 25/11/2026",
    "Risperdal a partire dal 25/11/2026",
    "Risperdal per 25-11-2026",
    "Risperdal vanaf 25-11-2026",
    "Risperdal from 01 Dec 2026",
    "Risperdal ab morgen",
]


def test_a_drug_started_after_the_sample_is_no_factor(tmp_path: Path) -> None:
    for text, row in _rows(tmp_path, LATER_START):
        assert _strength(row) is None, (text, row["factor_evidence"])
        assert row["priority"] == "soon", (text, row["priority"])
        evidence = row["factor_evidence"]
        assert "risperidone: not yet started at the sample" in evidence, (text, evidence)
        assert "recorded as stopped" not in evidence, (text, evidence)


def test_a_start_on_or_before_the_sample_counts(tmp_path: Path) -> None:
    taken = [
        "Risperdal from 01/11/2026",
        "Risperdal ab 01.11.",
        "Risperdal ab November",
        "Risperdal à partir du 01/11/2026",
        "Risperdal seit 25.11.",  # since: the 25th of last November
        "Risperdal 2 mg per day",
        "Risperdal ab 2.5 mg",
        # stopped only after the sample: taken when it was drawn
        "Risperdal stopped 2026-11-25",
    ]
    for text, row in _rows(tmp_path, taken):
        assert _strength(row) == "likely", (text, row["factor_evidence"])


def test_the_evidence_tells_a_later_start_from_a_stop(tmp_path: Path) -> None:
    (_, row), *_ = _rows(tmp_path, ["Risperdal from 25/11/2026; Haldol stopped 2020"])
    evidence = row["factor_evidence"]
    assert "risperidone: not yet started at the sample" in evidence, evidence
    # (review 18: a stop with its year written says when)
    assert "haloperidol: stopped 2150–2515 days before the sample (only its year" in evidence
