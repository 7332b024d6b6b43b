"""Review 29 mend D (reviewer D finding 1): a negation right before a stop word says the drug
goes on ("Risperdal nicht abgesetzt", "not stopped", "never held", "risperidona no suspendida",
"nunca interrumpida", "(no pausada)", "niet onderbroken", "jamais arrêté", "non sospeso", "mai
interrotto", "noch nicht abgesetzt"): current use, not a stop.  A stop that is itself followed by
a negated restart ("stopped, not restarted"), "no longer taking" and "im Mai abgesetzt" stay
stops."""

from __future__ import annotations

from pathlib import Path

import pytest
from drug_stop_helpers import assert_not_current, drug_factors, stop_row

from triage.knowledge.drugs import drug_matcher
from triage.knowledge.loaders import load_drugs

MATCHER = drug_matcher(load_drugs())

NEGATED_STOPS = [
    # en
    ("Risperdal not stopped", "risperidone"),
    ("risperidone never held", "risperidone"),
    ("risperidone (not held)", "risperidone"),
    ("risperidone not withheld", "risperidone"),
    ("risperidone not yet stopped", "risperidone"),
    ("risperidone wasn't discontinued", "risperidone"),
    # de
    ("Risperdal nicht abgesetzt", "risperidone"),
    ("Haloperidol nicht ausgesetzt", "haloperidol"),
    ("Risperidon 2 mg, nicht unterbrochen", "risperidone"),
    ("Risperdal nie unterbrochen", "risperidone"),
    ("Risperdal noch nicht abgesetzt", "risperidone"),
    # fr
    ("rispéridone jamais arrêtée", "risperidone"),
    ("Haldol pas encore arrêté", "haloperidol"),
    ("métoclopramide non interrompu", "metoclopramide"),
    # es
    ("risperidona no suspendida", "risperidone"),
    ("risperidona nunca interrumpida", "risperidone"),
    ("metoclopramida no interrumpida", "metoclopramide"),
    ("haloperidol (no pausada)", "haloperidol"),
    ("risperidona todavía no suspendida", "risperidone"),
    # it
    ("risperidone non sospeso", "risperidone"),
    ("risperidone mai interrotto", "risperidone"),
    ("aloperidolo non ancora sospeso", "haloperidol"),
    # nl
    ("risperidone niet onderbroken", "risperidone"),
    ("risperidon nooit gestopt", "risperidone"),
    ("Haldol nog niet gestaakt", "haloperidol"),
]

STILL_STOPPED = [
    "risperidone stopped, not restarted",
    "Risperdal abgesetzt, nicht wieder angesetzt",
    "no longer taking risperidone",
    "risperidone no longer taken",
    "Risperdal im Mai 2025 abgesetzt",
    "rispéridone arrêtée, pas reprise",
    "risperidona suspendida, no reiniciada",
    "risperidone sospeso, non ripreso",
    "risperidon gestopt, niet herstart",
]


@pytest.mark.parametrize(("cell", "drug"), NEGATED_STOPS)
def test_negated_stop_word_keeps_the_drug(cell: str, drug: str) -> None:
    assert [match.drug.name for match in MATCHER.find(cell)] == [drug], cell


@pytest.mark.parametrize(
    "cell",
    [
        "Risperdal nicht abgesetzt",
        "risperidona nunca interrumpida",
        "Haloperidol nicht ausgesetzt",
        "haloperidol (no pausada)",
        "rispéridone jamais arrêtée",
        "risperidone mai interrotto",
        "risperidone niet onderbroken",
        "risperidone never held",
    ],
)
def test_negated_stop_word_through_the_pipeline(tmp_path: Path, cell: str) -> None:
    row = stop_row(tmp_path, cell)
    assert drug_factors(row), (cell, row["factor_evidence"])
    assert row["priority"] == "routine", (cell, row["priority"])


@pytest.mark.parametrize("cell", STILL_STOPPED)
def test_stop_without_a_negation_before_it_stays_a_stop(cell: str) -> None:
    assert MATCHER.find(cell) == [], cell


@pytest.mark.parametrize(
    "cell", ["risperidone stopped, not restarted", "Risperdal abgesetzt, nicht wieder angesetzt"]
)
def test_stop_with_a_negated_restart_through_the_pipeline(tmp_path: Path, cell: str) -> None:
    assert_not_current(stop_row(tmp_path, cell), cell)
