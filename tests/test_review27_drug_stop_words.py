"""Review 27: a stop or a pause of a drug the note writes was not read, or not its time.

A drug stopped longer than the 3-day washout before the sample no longer explains a raised
prolactin; one stopped or paused within it still acts (clinical-reference §0 "Drug withdrawal
test", §1.1 rec. 2.1: re-measure 3 days after stopping; §8: "consistent with drug effect" needs
the culprit drug present).  Read here, in the languages of the labs:

* the German, Swiss and Austrian noun "Stopp" ("Risperdal Stopp", "Paspertin-Stopp", "Stopp am
  <date>", "Stopp seit <month>") and the Swiss "St. n." (Status nach) after the drug;
* a day and month without a year between the drug and its stop word ("Domperidon wurde am 20.10.
  abgesetzt", "Risperidon (seit 20.10. abgesetzt)");
* French "n'est plus donné" (no longer given), with or without its time;
* the time of a pause ("en pause depuis hier", "gepauzeerd sinds 2 dagen", "in pausa da ieri",
  "pausiert seit 03.11.", "en pause depuis le 01/11", "tijdelijk gestopt sinds 1-11").

Synthetic patients only (F, 40 y, sample 2026-11-04 08:00, prolactin 85 ng/mL: above the female
limit, below the level a drug alone rarely explains); through the public pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from drug_stop_helpers import assert_not_current as _assert_not_current
from drug_stop_helpers import assert_still_acting as _assert_still_acting
from drug_stop_helpers import drug_factors as _drug_factors
from drug_stop_helpers import stop_row as _row


@pytest.mark.parametrize(
    ("meds", "notes"),
    [
        ("Risperdal Stopp", ""),
        ("Risperdal stopp 01.2025", ""),
        ("Paspertin-Stopp", ""),
        ("Haldol: Stopp am 01.09.2026", ""),
        ("Motilium Stopp seit 06/2026", ""),
        ("", "Risperdal Stopp vor 3 Monaten"),
        ("Sulpirid St. n.", ""),
        ("Sulpirid (St.n.)", ""),
    ],
)
def test_german_stopp_and_trailing_status_nach_stop_the_drug(
    tmp_path: Path, meds: str, notes: str
) -> None:
    _assert_not_current(_row(tmp_path, meds, notes), meds or notes)


@pytest.mark.parametrize(
    "meds",
    [
        "Domperidon wurde am 20.10. abgesetzt (QTc)",
        "Domperidon am 20.10. abgesetzt",
        "Risperidon (seit 20.10. abgesetzt)",
        "Haldol 5 mg am 1.9. pausiert",
        "Risperdal n'est plus donné depuis 2 semaines",
        "Risperdal ne sont plus administrés",
    ],
)
def test_stop_after_a_yearless_date_or_no_longer_given_is_a_stop(tmp_path: Path, meds: str) -> None:
    _assert_not_current(_row(tmp_path, meds), meds)


@pytest.mark.parametrize(
    "meds",
    [
        "Risperdal en pause depuis hier",
        "Primperan en pause depuis 2 jours",
        "Risperdal mis en pause depuis hier",
        "Risperdal gepauzeerd sinds 2 dagen",
        "Risperdal in pausa da ieri",
        "Risperdal pausiert seit 03.11.",
        "Risperdal paused yesterday",
        "Risperdal stop depuis hier",
        "Risperdal Stopp seit gestern",
        "Risperdal en pause depuis le 02/11",
        "Risperdal n'est plus donné depuis hier",
    ],
)
def test_a_pause_within_the_washout_keeps_acting(tmp_path: Path, meds: str) -> None:
    _assert_still_acting(_row(tmp_path, meds), meds)


@pytest.mark.parametrize(
    "meds",
    [
        "Haldol (Pause seit 4 Wochen)",
        "Risperdal en pause depuis le 20/10",
        "Risperdal pausiert seit 20.10.",
        "Risperdal in pausa dal 20/10",
    ],
)
def test_a_pause_beyond_the_washout_is_not_current(tmp_path: Path, meds: str) -> None:
    _assert_not_current(_row(tmp_path, meds), meds)


@pytest.mark.parametrize(
    "meds",
    [
        "Risperdal 2 mg 1x täglich seit 03.11.",
        "Risperdal 2 mg once daily since 20.10.",
        "Risperdal 2 mg seit 20.10. Haldol 5 mg",
    ],
)
def test_a_start_date_is_no_stop(tmp_path: Path, meds: str) -> None:
    """Guard: a drug taken since a year-less date is taken (passes on the old code too)."""
    row = _row(tmp_path, meds)
    assert _drug_factors(row), (meds, row["factor_evidence"])
    assert "stopped" not in row["factor_evidence"], (meds, row["factor_evidence"])
