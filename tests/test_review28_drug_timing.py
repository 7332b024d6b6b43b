"""Review 28: when a drug was taken, stopped or switched, as the notes of six languages write it.

A drug stopped within the 3-day washout before the sample still explains a raised prolactin; one
stopped longer ago no longer does, nor one started after the sample, nor the drug another one
replaced (clinical-reference §0 "Drug withdrawal test: stop 3 days, then re-measure", §1.1 rec.
2.1; §8 "consistent with drug effect" needs the culprit drug present at the sample; a depot acts
for weeks, §7.9).  A drug taken only as needed is a possible cause, not a likely one (§3.1: the
metoclopramide rise follows a dose).  Read here:

* the sample's own day and days counted from it ("arrêté ce jour", "le jour du prélèvement", "à
  J0", "à J-2", "am Abnahmetag", "el día de la extracción", "il giorno del prelievo", "op de dag
  van afname", "stopped on the day of the sample", "D-1"), French days written "j" ("il y a 2 j",
  "depuis 2 j"), a day with its month's name ("le 2 novembre", "am 2. November", "el 2 de
  noviembre") and a two-digit year ("le 02/11/26");
* the Italian "sospeso" written short ("sosp.", "sosp", "sosp.to") and "al bisogno" written short
  ("al b.", "al bis", "al bisog.", "se serve");
* a switch written short ("Abilify i.p.v. Risperdal", "ipv", "(was Risperdal)", "(war ...)",
  "(était ...)", "(era ...)") beside the spelled-out ones ("statt", "au lieu de", "en lugar de",
  "invece di", "instead of");
* a drug started after the sample ("tras la extracción", "después de la analítica", "dopo gli
  esami", "après le bilan", "nach der Blutabnahme", "na de bloedafname", "following the blood
  test"), the words before or after the drug.

Synthetic patients only (F, 40 y, sample 2026-11-04 08:00, prolactin 85 ng/mL: above the female
limit, below the level a drug alone rarely explains); through the public pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from drug_stop_helpers import assert_not_current as _assert_not_current
from drug_stop_helpers import assert_still_acting
from drug_stop_helpers import detail_codes as _codes
from drug_stop_helpers import drug_factors as _drug_factors
from drug_stop_helpers import stop_row as _row


def _assert_still_acting(row: pd.Series, cell: str) -> None:
    """Within the washout: still a likely factor, and so routine with a medication review."""
    assert_still_acting(row, cell)
    assert row["priority"] == "routine", (cell, row["priority"])
    assert "medication_review" in _codes(row, "suggestion_details"), cell


# ---------------------------------------------------------- 1. the sample's day and days ----
@pytest.mark.parametrize(
    "meds",
    [
        # fr
        "Arrêt Tercian ce jour",
        "Solian arrêté ce jour (sur avis psy)",
        "Risperdal arrêté le jour du prélèvement",
        "Primpéran arrêté à J0",
        "Risperdal arrêté à J-2",
        "Risperdal arrêté il y a 2 j",
        "Risperdal arrêté depuis 2 j",
        "Risperdal arrêté le 2 novembre",
        "Risperdal arrêté le 02/11/26",
        # de
        "Risperdal am Abnahmetag abgesetzt",
        "Risperdal abgesetzt am 2. November",
        "Risperdal abgesetzt am 03.11.26",
        # es
        "Risperdal suspendido el día de la extracción",
        "Risperdal suspendido el 2 de noviembre",
        "Risperdal suspendido el 03/11/26",
        # it
        "Risperdal sospeso il giorno del prelievo",
        "Risperdal sospeso il 2 novembre",
        # nl
        "Risperdal gestopt op de dag van afname",
        "Risperdal gestopt op 2 november",
        "Risperdal gestopt op D-1",
        # en
        "Risperdal stopped on the day of the sample",
        "Risperdal stopped on 2 November",
        "Risperdal stopped D-2",
    ],
)
def test_a_stop_on_the_sample_day_or_up_to_two_days_before_still_acts(
    tmp_path: Path, meds: str
) -> None:
    _assert_still_acting(_row(tmp_path, meds), meds)


@pytest.mark.parametrize(
    "meds",
    [
        "Risperdal arrêté à J-10",
        "Risperdal arrêté le 30 octobre",
        "Risperdal arrêté le 30/09/26",
        "Risperdal abgesetzt am 2. Oktober",
        "Risperdal suspendido el 2 de octubre",
        "Solian arrêté depuis 3 mois",
    ],
)
def test_a_stop_written_so_longer_ago_than_the_washout_no_longer_acts(
    tmp_path: Path, meds: str
) -> None:
    _assert_not_current(_row(tmp_path, meds), meds)


@pytest.mark.parametrize("meds", ["Xeplion arrêté à J-30", "Xeplion arrêté le 30/09/26"])
def test_a_depot_stopped_weeks_before_by_such_a_date_still_acts(tmp_path: Path, meds: str) -> None:
    row = _row(tmp_path, meds)
    assert _drug_factors(row) == ["medication:antipsychotic"], (meds, row["factor_evidence"])
    assert "a depot still acts" in row["factor_evidence"], (meds, row["factor_evidence"])


# ---------------------------------------------------- 2. Italian "sosp." and "al bisogno" ----
@pytest.mark.parametrize(
    "meds",
    # a bare item-final "sosp." is read with doubt (mend B2: tests/test_review28_mends_B2.py)
    ["Levopraid sosp.to", "Risperdal sosp.ta", "Serenase sosp. da 5 giorni"],
)
def test_the_italian_short_sospeso_stops_the_drug(tmp_path: Path, meds: str) -> None:
    _assert_not_current(_row(tmp_path, meds), meds)


@pytest.mark.parametrize("meds", ["Plasil sosp. il 03/11/2026", "Plasil sosp.to il 02/11/2026"])
def test_the_italian_short_sospeso_with_its_date_within_the_washout_still_acts(
    tmp_path: Path, meds: str
) -> None:
    _assert_still_acting(_row(tmp_path, meds), meds)


def test_a_dopamine_agonist_sosp_is_a_stop_whose_prolactin_may_rebound(tmp_path: Path) -> None:
    row = _row(tmp_path, "Dostinex sosp.")
    assert "treated_hyperprolactinemia" not in _codes(row, "factor_details"), row["factor_evidence"]
    assert "a dopamine agonist stopped or paused" in row["factor_evidence"]
    assert "resistance" not in row["factor_evidence"]
    assert row["priority"] == "soon"


@pytest.mark.parametrize(
    "meds", ["Peridon sosp. orale", "Motilium 1 mg/ml sosp.", "Motilium sosp. os 5 ml x 3"]
)
def test_sosp_as_the_oral_suspension_form_is_still_taken(tmp_path: Path, meds: str) -> None:
    row = _row(tmp_path, meds)
    assert _drug_factors(row) == ["medication:antiemetic_prokinetic"], (
        meds,
        row["factor_evidence"],
    )


@pytest.mark.parametrize(
    "meds",
    ["Levopraid al b.", "Plasil al bis", "Levopraid al bisog.", "Levopraid se serve"],
)
def test_the_italian_short_al_bisogno_is_taken_as_needed(tmp_path: Path, meds: str) -> None:
    row = _row(tmp_path, meds)
    evidence = row["factor_evidence"]
    assert "medication:antiemetic_prokinetic (possible)" in evidence, (meds, evidence)
    assert row["priority"] == "soon", (meds, row["priority"])


# ------------------------------------------------------------------------ 3. switches -------
@pytest.mark.parametrize(
    "meds",
    [
        "Abilify i.p.v. Risperdal",
        "Abilify ipv Risperdal",
        "Abilify ipv. Risperdal",
        "Abilify (was Risperdal)",
        "Abilify (war Risperdal)",
        "Abilify (était Risperdal)",
        "Abilify (era Risperdal)",
        "Abilify statt Risperdal",
        "Abilify au lieu de Risperdal",
        "Abilify en lugar de Risperdal",
        "Abilify invece di Risperdal",
        "Abilify instead of Risperdal",
        "aripiprazole (was risperidone)",
    ],
)
def test_the_drug_a_switch_replaced_is_not_taken(tmp_path: Path, meds: str) -> None:
    row = _row(tmp_path, meds)
    assert "→ risperidone (" not in row["factor_evidence"], (meds, row["factor_evidence"])
    _assert_not_current(row, meds)


@pytest.mark.parametrize(
    ("meds", "replaced"),
    [
        ("Seroquel ipv Haldol", "→ haloperidol ("),
        ("Domperidon i.p.v. Primperan", "→ metoclopramide ("),
    ],
)
def test_the_new_drug_of_a_short_switch_is_the_one_read(
    tmp_path: Path, meds: str, replaced: str
) -> None:
    row = _row(tmp_path, meds)
    assert replaced not in row["factor_evidence"], (meds, row["factor_evidence"])
    assert _drug_factors(row), (meds, row["factor_evidence"])


def test_an_earlier_dose_in_a_was_bracket_keeps_the_drug(tmp_path: Path) -> None:
    row = _row(tmp_path, "Risperdal 2 mg (was 4 mg)")
    assert _drug_factors(row) == ["medication:antipsychotic"], row["factor_evidence"]


# ---------------------------------------------------------- 4. started after the sample -----
@pytest.mark.parametrize(
    "notes",
    [
        "se pauta Primperan tras la extracción",
        "inicia Risperdal después de la analítica",
        "tras la analítica se prescribe Haloperidol",
        "se añadirá Solian tras resultado",
        "Risperdal iniziato dopo gli esami",
        "Risperdal introduit après le bilan",
        "nach der Blutabnahme Risperdal angesetzt",
        "na de bloedafname gestart met Risperdal",
        "risperidone started following the blood test",
    ],
)
def test_a_drug_started_after_the_sample_is_no_cause(tmp_path: Path, notes: str) -> None:
    _assert_not_current(_row(tmp_path, "", notes), notes)


@pytest.mark.parametrize(
    "notes",
    [
        "Risperdal 2 mg; nach der Blutentnahme Übelkeit",
        "Risperdal 3 mg, después de las comidas",
        "Risperdal suspendido, después haloperidol",
    ],
)
def test_a_sample_word_in_another_clause_leaves_the_drug_taken(tmp_path: Path, notes: str) -> None:
    row = _row(tmp_path, "", notes)
    assert _drug_factors(row) == ["medication:antipsychotic"], (notes, row["factor_evidence"])
