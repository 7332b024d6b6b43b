"""Review 18: times written in notes — earlier lab results, stops with a duration, switches.

* A context result written in a note for an earlier sample ("TSH erhöht 2019", "TSH élevée en
  2019", "previously raised TSH", "eerder TSH verhoogd", "Nierenwerte normal (2019)", "TSH 8,2
  am 12.03.2019", "hCG negativ 2019") does not show the state at this sample: a raised TSH of
  then is at most a possible thyroid cause named as an earlier result, a normal one does not
  count as the TSH or kidney function of this sample, and the suggestion asks for the current
  value (clinical-reference §1.4: TSH in every raised prolactin; beta-hCG in any woman who could
  be pregnant).  A date in the sample's year still counts as now.
* "No longer taken" written with how long ("nimmt sie seit 3 Wochen nicht mehr", "ne la prend
  plus depuis 2 semaines", "dejó de tomarla hace 3 semanas", "non la prende più da 10 giorni",
  "gebruikt het al 3 weken niet meer") is a stop at that time: within the 3-day washout the drug
  still acts (ES 2011: stop or switch for 3 days, then re-measure), a depot for weeks
  (clinical-reference §7.9), longer ago it is no factor.
* A drug switched to another ("Haldol -> Abilify seit 01.10.", "umgestellt von Risperidon auf
  Aripiprazol", "Risperdal remplacé par Abilify") is named as switched, to what and when
  (labels.toml [drug_stops]), not as a plain stop.

Synthetic patients only (F, 36 y, sample 2026-11-20, prolactin 62 ng/mL: above the female limit,
below the level a drug alone rarely explains); through the public pipeline, several phrasings in
one CSV per test.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

from triage.engine.labels import parse_labels
from triage.resources import data_file
from triage.schema import ConfigError

NOTES = "Patient ID,Sex,DOB,Collected,Prolactin,Unit,Comments"
MEDS = "Patient ID,Sex,DOB,Collected,Prolactin,Unit,Medication"
DRUG = "medication:antipsychotic"


def _rows(tmp_path: Path, header: str, texts: list[str]) -> list[tuple[str, pd.Series]]:
    lines = [
        f"P{i},F,1990-03-01,2026-11-20,62,ng/mL,{csv_quoted(text)}" for i, text in enumerate(texts)
    ]
    out = triage_lines(tmp_path, header, lines)
    return [(text, out.loc[f"P{i}"]) for i, text in enumerate(texts)]


def _strength(row: pd.Series, code: str) -> str | None:
    return next((f["strength"] for f in row["factor_details"] if f["code"] == code), None)


def _suggestion(row: pd.Series, code: str) -> str:
    found = [s["reason"] for s in row["suggestion_details"] if s["code"] == code]
    return found[0] if found else ""


# 1. An earlier raised TSH in words ------------------------------------------------------------
EARLIER_RAISED_TSH = [
    "TSH erhöht 2019",
    "TSH élevée en 2019",
    "TSH raised (2019)",
    "TSH alta nel 2020",
    "früher TSH erhöht",
    "previously raised TSH",
    "history of raised TSH",
    "antes TSH alta",
    "eerder TSH verhoogd",
    "TSH élevée auparavant",
]


def test_an_earlier_raised_tsh_is_named_as_earlier_and_a_tsh_is_asked_for(tmp_path: Path) -> None:
    for text, row in _rows(tmp_path, NOTES, EARLIER_RAISED_TSH):
        assert _strength(row, "hypothyroidism") == "possible", text
        assert "for an earlier sample" in row["factor_evidence"], text
        assert "does not show the thyroid state" in row["factor_evidence"], text
        tsh = _suggestion(row, "check_tsh")
        assert "no TSH of this sample" in tsh and "measure TSH" in tsh, (text, tsh)
        assert "confirm the value" not in tsh, text


def test_a_tsh_of_this_sample_year_or_since_a_year_is_current(tmp_path: Path) -> None:
    cases = ["TSH erhöht", "TSH erhöht 11/2026", "TSH raised (10/2026)", "TSH erhöht seit 2019"]
    for text, row in _rows(tmp_path, NOTES, cases):
        assert _strength(row, "hypothyroidism") == "possible", text
        assert "TSH reported raised in the notes (no value)" in row["factor_evidence"], text
        assert "earlier sample" not in row["factor_evidence"], text
        assert "confirm the value" in _suggestion(row, "check_tsh"), text


def test_an_enlarged_pituitary_beside_an_earlier_raised_tsh_stays_a_possible_lesion(
    tmp_path: Path,
) -> None:
    """Thyrotroph hyperplasia needs a raised TSH now (clinical-reference §1.4); an earlier one
    leaves the enlargement a possible sellar lesion."""
    rows = dict(
        _rows(
            tmp_path,
            NOTES,
            [
                "Hypophysenvergrößerung 12 mm; TSH erhöht 2019",
                "Hypophysenvergrößerung 12 mm; TSH erhöht",
            ],
        )
    )
    earlier = rows["Hypophysenvergrößerung 12 mm; TSH erhöht 2019"]
    now = rows["Hypophysenvergrößerung 12 mm; TSH erhöht"]
    assert _strength(earlier, "known_pituitary_lesion") == "possible"
    assert _strength(now, "known_pituitary_lesion") is None


# 2. An earlier normal TSH, low free T4 or normal kidney function in words ---------------------
def test_an_earlier_normal_result_is_not_this_samples(tmp_path: Path) -> None:
    thyroid = ["TSH normal 2019", "TSH normale en 2019", "früher TSH normal", "FT4 erniedrigt 2019"]
    kidney = ["Nierenwerte normal (2019)", "fonction rénale normale en 2018", "eGFR normal 2019"]
    rows = _rows(tmp_path, NOTES, [*thyroid, *kidney, "Hypothyreose, TSH normal 2019"])
    for text, row in rows[: len(thyroid)]:
        assert "no TSH of this sample" in _suggestion(row, "check_tsh"), text
        assert "TSH, eGFR)" in row["factor_evidence"], text
        assert "for an earlier sample" in row["factor_evidence"], text
    for text, row in rows[len(thyroid) : -1]:
        renal = _suggestion(row, "check_renal_function")
        assert "no eGFR or creatinine of this sample" in renal, (text, renal)
        assert "TSH, eGFR)" in row["factor_evidence"], text
    # a hypothyroidism named beside an earlier normal TSH is not set aside as controlled
    text, row = rows[-1]
    assert _strength(row, "hypothyroidism") == "possible", text


def test_a_current_normal_tsh_beside_an_earlier_raised_one_stays_current(tmp_path: Path) -> None:
    cases = [
        "TSH normal (früher erhöht)",
        "TSH normal, previously raised",
        "antes TSH alta, ahora TSH normal",
    ]
    for text, row in _rows(tmp_path, NOTES, cases):
        assert _strength(row, "hypothyroidism") is None, text
        assert "TSH reported normal in the notes (no value)" in row["factor_evidence"], text
        assert "confirm the value" in _suggestion(row, "check_tsh"), text


# 3. Lab numbers and pregnancy tests dated before the sample ----------------------------------
def test_a_lab_number_dated_in_an_earlier_year_is_not_the_value_now(tmp_path: Path) -> None:
    cases = {
        "TSH 8,2 am 12.03.2019": None,
        "2019: TSH 8.2": None,
        "TSH 8.2, 2019": None,
        "Kreatinin 350 µmol/l im Jahr 2019": None,
        "eGFR 25 on 03/05/2019": None,
        # this year's: the value now
        "TSH 8,2 am 12.11.2026": "likely",
        "2026: TSH 8.2": "likely",
    }
    for text, row in _rows(tmp_path, NOTES, list(cases)):
        found = _strength(row, "hypothyroidism") or _strength(row, "renal_impairment")
        assert found == cases[text], (text, row["factor_evidence"])
        if cases[text] is None:
            assert "TSH, eGFR)" in row["factor_evidence"], text


def test_an_earlier_negative_pregnancy_test_does_not_exclude_pregnancy(tmp_path: Path) -> None:
    earlier = [
        "hCG negativ 2019",
        "beta-hCG négatif en 2019",
        "SS-Test negativ (2019)",
        "negative pregnancy test in 2020",
        "prueba de embarazo negativa en 2021",
    ]
    rows = _rows(tmp_path, NOTES, [*earlier, "hCG negativ", "test di gravidanza negativo"])
    for text, row in rows[: len(earlier)]:
        assert "pregnancy status not recorded" in _suggestion(row, "pregnancy_test"), text
    for text, row in rows[len(earlier) :]:
        assert _suggestion(row, "pregnancy_test") == "", text


# 4. "No longer taken" with its time -----------------------------------------------------------
def test_no_longer_taken_with_a_duration_is_read_against_the_washout(tmp_path: Path) -> None:
    cases = {
        "Risperdal, nimmt sie seit 3 Wochen nicht mehr": None,
        "rispéridone, ne la prend plus depuis 2 semaines": None,
        "risperidona, dejó de tomarla hace 3 semanas": None,
        "Risperdal, non la prende più da 10 giorni": None,
        "Risperdal, gebruikt het al 3 weken niet meer": None,
        "Risperdal, she hasn't taken it for 3 weeks": None,
        # within the 3-day washout: still acting
        "Risperdal, nimmt sie seit 2 Tagen nicht mehr": "likely",
        "rispéridone, ne la prend plus depuis 2 jours": "likely",
        "risperidona, dejó de tomarla hace 2 días": "likely",
        "Risperdal, non la prende più da 2 giorni": "likely",
        "Risperdal, gebruikt het al 2 dagen niet meer": "likely",
        # a depot acts for weeks after its stop, not for half a year
        "Xeplion, bekommt sie seit 3 Wochen nicht mehr": "likely",
        "Xeplion, bekommt sie seit 6 Monaten nicht mehr": None,
        # still taken: no stop written
        "Risperdal 2 mg, nimmt sie seit 3 Wochen": "likely",
    }
    for text, row in _rows(tmp_path, MEDS, list(cases)):
        assert _strength(row, DRUG) == cases[text], (text, row["factor_evidence"])
        evidence = row["factor_evidence"]
        if "seit 3 Wochen nicht" in text or "3 semanas" in text or "3 weken" in text:
            assert "stopped 21 days before the sample" in evidence, (text, evidence)
        if cases[text] == "likely" and "Xeplion" not in text and "2 mg" not in text:
            assert "2 days before the sample, within the 3-day washout" in evidence, text


# 5. A switch is named as a switch, to what and when -------------------------------------------
def test_a_switched_drug_is_named_as_switched_with_its_time(tmp_path: Path) -> None:
    cases = {
        "Haldol -> Abilify seit 01.10.": "switched to aripiprazole 50 days before the sample",
        "Risperdal remplacé par Abilify depuis le 12/10": "switched to aripiprazole 39 days",
        "Risperdal sostituito con Abilify dal 1/10": "switched to aripiprazole 50 days",
        "switched risperidone to aripiprazole 3 weeks ago": "switched to aripiprazole 21 days",
        "umgestellt von Risperidon auf Aripiprazol": "switched to aripiprazole (when not written)",
        "risperidon vervangen door aripiprazol": "switched to aripiprazole (when not written)",
        "on risperidone, now aripiprazole": "switched to aripiprazole",
    }
    for text, row in _rows(tmp_path, MEDS, list(cases)):
        evidence = row["factor_evidence"]
        assert _strength(row, DRUG) is None, (text, evidence)
        assert cases[text] in evidence, (text, evidence)
        assert "recorded as stopped" not in evidence, text


def test_a_recent_switch_still_acting_says_switched(tmp_path: Path) -> None:
    rows = _rows(tmp_path, MEDS, ["Haldol -> Abilify seit 18.11.", "Risperdal stopped 2 days ago"])
    (_, switched), (_, stopped) = rows
    assert _strength(switched, DRUG) == "likely"
    assert (
        "switched to aripiprazole 2 days before the sample, within the 3-day washout: still acting"
        in switched["factor_evidence"]
    )
    assert "stopped 2 days before the sample" in stopped["factor_evidence"]


def test_the_stop_wording_is_data_checked_on_load() -> None:
    spec = tomllib.loads(data_file("labels.toml").read_text(encoding="utf-8"))
    assert "{drug}" in spec["drug_stops"]["switched_when"]
    spec["drug_stops"]["switched_when"] = "switched to {drug} at {dose}"
    with pytest.raises(ConfigError, match="drug_stops"):
        parse_labels(spec)
    del spec["drug_stops"]
    with pytest.raises(ConfigError, match="drug_stops"):
        parse_labels(spec)
