"""Review 17: a drug's stop, switch or doubtful intake written loosely in free text.

* "no longer taken" written as a clause with its verb and pronoun ("cabergolina, ya no la
  toma", "Dostinex, nimmt sie nicht mehr", "ne la prend plus", "non la prende più", "neemt het
  niet meer", "she doesn't take it anymore") is a stop of unknown time: the drug is not current
  (no "on cabergoline" masking caution), and a stopped dopamine agonist gets the rebound note
  (clinical-reference §3.2: stopping a dopamine agonist can make prolactin rebound);
* a stop written as a year alone ("abgesetzt 2026", "arrêté en 2024") or as a bare month name
  before the stop word ("Oktober abgesetzt", "octobre arrêté") is read as its span of days
  before the sample, against the drug's acting window (a depot acts for weeks to months,
  clinical-reference §7.9; a drug by mouth for the 3-day washout).

Synthetic patients only (F, 36 y, sample 2026-11-20, prolactin 62 ng/mL: above the female limit,
below the level a drug alone rarely explains); through the public pipeline, several phrasings
in one CSV per test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

from triage.values import stopped_month, stopped_year

HEADER = "Patient ID,Sex,DOB,Collected,Prolactin,Unit,Medication"
DRUG = "medication:antipsychotic"


def _rows(
    tmp_path: Path, medications: list[str], sample: str = "2026-11-20"
) -> list[tuple[str, pd.Series]]:
    lines = [
        f"P{i},F,1990-03-01,{sample},62,ng/mL,{csv_quoted(text)}"
        for i, text in enumerate(medications)
    ]
    out = triage_lines(tmp_path, HEADER, lines)
    return [(text, out.loc[f"P{i}"]) for i, text in enumerate(medications)]


def _strength(row: pd.Series, code: str = DRUG) -> str | None:
    return next((f["strength"] for f in row["factor_details"] if f["code"] == code), None)


def _suggestion(row: pd.Series, code: str) -> str:
    found = [s["reason"] for s in row["suggestion_details"] if s["code"] == code]
    return found[0] if found else ""


# 1. "No longer takes it", as a clause ---------------------------------------------------------
AGONIST_NO_LONGER = [
    "cabergolina, ya no la toma",
    "cabergolina, no la toma ya",
    "Dostinex, nimmt sie nicht mehr",
    "Dostinex, wird nicht mehr eingenommen",
    "ne prend plus la cabergoline",
    "Dostinex, ne la prend plus",
    "cabergolina, non la prende più",
    "cabergoline, neemt het niet meer",
    "cabergoline, she doesn't take it anymore",
]


def test_an_agonist_no_longer_taken_is_not_current_and_may_rebound(tmp_path: Path) -> None:
    for text, row in _rows(tmp_path, AGONIST_NO_LONGER):
        assert _suggestion(row, "dopamine_agonist_masking") == "", text
        assert "rises back once it is stopped" in row["factor_evidence"], (text, row)
        assert "after cabergoline was stopped" in _suggestion(row, "endocrine_referral"), text


def test_an_antipsychotic_no_longer_taken_is_no_factor(tmp_path: Path) -> None:
    cases = {
        "Risperdal, nimmt sie nicht mehr": None,
        "risperidona, ya no la toma": None,
        "rispéridone, elle ne la prend plus": None,
        "Risperdal, non lo assume più": None,
        "Risperdal, neemt het niet meer": None,
        "Risperdal, he is not taking it any more": None,
        # still taken: the words are about how, or about another drug
        "Risperdal 2 mg, nimmt sie regelmäßig": "likely",
        "Risperdal 2 mg; Metformin nimmt sie nicht mehr": "likely",
        "Risperdal 2 mg, nicht mehr müde": "likely",
        "cabergoline 0.5 mg weekly": None,
    }
    rows = _rows(tmp_path, list(cases))
    for text, row in rows:
        assert _strength(row) == cases[text], (text, row["factor_evidence"])
    # a plain current agonist keeps its masking caution
    assert "lowers prolactin" in _suggestion(rows[-1][1], "dopamine_agonist_masking")


# 2. A stop written as a year alone, or a bare month before the stop word ----------------------
def test_a_stop_year_or_bare_month_is_read_as_a_span(tmp_path: Path) -> None:
    cases = {
        # a depot stopped 20-50 days before: within its 92 days
        "Xeplion Oktober abgesetzt": "likely",
        "Xeplion octobre arrêté": "likely",
        "Xeplion ottobre sospeso": "likely",
        "Xeplion oktober gestopt": "likely",
        # this year: 0-323 days before, perhaps within a depot's or the washout's days
        "Xeplion abgesetzt 2026": "possible",
        "Risperdal abgesetzt 2026": "possible",
        "Risperdal stopped in 2026": "possible",
        "risperidona suspendida en el año 2026": "possible",
        # a year or a month long past: no longer acting
        "Risperdal abgesetzt 2025": None,
        "Xeplion arrêté en 2024": None,
        "Risperdal stopped 2023": None,
        "Xeplion in March stopped": None,
        # stopped only after the sample: taken when it was drawn
        "Risperdal abgesetzt 2027": "likely",
    }
    for text, row in _rows(tmp_path, list(cases)):
        assert _strength(row) == cases[text], (text, row["factor_evidence"])
    evidence = dict(_rows(tmp_path, ["Risperdal abgesetzt 2026"]))["Risperdal abgesetzt 2026"]
    assert (
        "stopped 0–323 days before the sample (only its year written)"
        in (evidence["factor_evidence"])
    )


def test_stop_years_and_bare_months_are_only_read_next_to_a_stop_word() -> None:
    assert stopped_year("arrêté en 2024") == 2024
    assert stopped_year("2025 abgesetzt") == 2025
    assert stopped_year("sospeso nel 2024") == 2024
    assert stopped_year("stopped 25.10.2026") is None  # a day: read as a date
    assert stopped_year("stopped 2026-10-25") is None
    assert stopped_year("stopped 10/2026") is None  # a month and year: stopped_month's
    assert stopped_year("Haldol 2019-2023 abgesetzt") is None
    assert stopped_year("abgesetzt, Schizophrenie seit 2019") is None
    assert stopped_month("Oktober abgesetzt") == (10, None)
    assert stopped_month("Dezember abgesetzt") == (12, None)
    assert stopped_month("mai sospeso") is None  # Italian: never stopped
    assert stopped_month("3 weeks ago stopped") is None  # "ago" is no August
    assert stopped_month("set stopped") is None


# 3. A prolactin-lowering drug written with doubt: its caution says to confirm it -------------
AGONIST_IN_DOUBT = [
    "?cabergoline",
    "cabergoline?",
    "Dostinex (?)",
    "evtl. Dostinex",
    "cabergolina (dudoso)",
    "cabergolina (da confermare)",
]


def test_an_agonist_written_with_doubt_is_a_caution_to_confirm(tmp_path: Path) -> None:
    plain = "Dostinex 0.5 mg weekly"
    rows = _rows(tmp_path, [*AGONIST_IN_DOUBT, plain])
    for text, row in rows[:-1]:
        caution = _suggestion(row, "dopamine_agonist_masking")
        assert caution.startswith("confirm the medication: whether cabergoline"), (text, caution)
        assert "intake uncertain" in caution and "if so, cabergoline lowers" in caution, text
        referral = _suggestion(row, "endocrine_referral")
        assert referral.startswith("confirm the medication"), (text, referral)
    caution = _suggestion(rows[-1][1], "dopamine_agonist_masking")
    assert caution.startswith("cabergoline lowers prolactin"), caution


def test_a_normal_result_on_a_doubtful_agonist_says_to_confirm_it(tmp_path: Path) -> None:
    lines = [
        f"P{i},F,1990-03-01,2026-11-20,10,ng/mL,{csv_quoted(text)}"
        for i, text in enumerate(["?cabergoline", "cabergoline 0.5 mg"])
    ]
    out = triage_lines(tmp_path, HEADER, lines)
    doubtful = _suggestion(out.loc["P0"], "dopamine_agonist_masking")
    assert doubtful.startswith("confirm the medication: whether cabergoline"), doubtful
    assert "does not exclude a prolactinoma" in doubtful
    plain = _suggestion(out.loc["P1"], "dopamine_agonist_masking")
    assert plain.startswith("cabergoline lowers prolactin"), plain


# 4. A switch: the old drug stops when the new one starts ------------------------------------
def test_a_switch_stops_the_first_drug_at_the_start_of_the_second(tmp_path: Path) -> None:
    cases = {
        # switched 2 days before the sample: within haloperidol's 3-day washout, still acting
        "Haldol -> Abilify seit 18.11.2026": "likely",
        "Haldol → Abilify seit 18.11.": "likely",
        "Haldol => Abilify sinds 18-11-2026": "likely",
        "Haldol umgestellt auf Abilify seit 18.11.": "likely",
        "Haldol -> Abilify depuis le 18/11": "likely",
        "Haldol remplacé par Abilify dal 18/11": "likely",
        "Haldol switched to Abilify desde el 18/11": "likely",
        # switched in the sample's month: perhaps within the washout, its date to confirm
        "Haldol -> Abilify seit 11/2026": "possible",
        # switched long before: no longer acting
        "Haldol -> Abilify seit 10/2026": None,
        "Haldol remplacé par Abilify depuis le 12/10": None,
        # a day and month after the sample's is last year's: long ago
        "Haldol -> Abilify seit 25.11.": None,
        "Haldol switched to Abilify since 25/11": None,
        "Haldol -> Abilify": None,
        # a depot switched 20-50 days before still acts; 234-264 days before, no longer
        "Xeplion -> Abilify seit 10/2026": "likely",
        "Xeplion -> Abilify seit 03/2026": None,
        # the drug switched to is the current one
        "Abilify -> Risperdal seit 10/2026": "likely",
    }
    rows = dict(_rows(tmp_path, list(cases)))
    for text, row in rows.items():
        assert _strength(row) == cases[text], (text, row["factor_evidence"])
    month = rows["Haldol -> Abilify seit 11/2026"]
    assert "confirm when haloperidol was stopped" in _suggestion(month, "medication_review")
    # the evidence says when the switch stopped it, as a switch (review 18)
    evidence = rows["Haldol -> Abilify depuis le 18/11"]["factor_evidence"]
    assert (
        "switched to aripiprazole 2 days before the sample, within the 3-day washout: still acting"
        in evidence
    )
    evidence = rows["Xeplion -> Abilify seit 10/2026"]["factor_evidence"]
    assert (
        "switched to aripiprazole 20–50 days before the sample (only its month written): a depot"
        in evidence
    )


# 5. A start date without its year is the latest such day not after the sample ---------------
def test_a_yearless_start_is_read_against_the_sample(tmp_path: Path) -> None:
    # sample 2026-01-10: "seit 15.1." is 15 January 2025, not a start after the sample
    cases = {
        "Risperdal seit 15.1.": "likely",
        "Risperdal depuis le 15/01": "likely",
        "Risperdal dal 15/1": "likely",
        "Risperdal desde el 15/1": "likely",
        "Risperdal seit 3.11.": "likely",
        # a half tablet is no date
        "Risperdal 1/2 tablet": "likely",
        # switched on 8 January 2026, two days before: haloperidol still acts
        "Haldol -> Abilify seit 8.1.": "likely",
        "Haldol -> Abilify depuis le 8/1": "likely",
        # switched on 15 January 2025: long ago
        "Haldol -> Abilify seit 15.1.": None,
        "Haldol -> Abilify desde el 15/1": None,
    }
    for text, row in _rows(tmp_path, list(cases), sample="2026-01-10"):
        assert _strength(row) == cases[text], (text, row["factor_evidence"])
