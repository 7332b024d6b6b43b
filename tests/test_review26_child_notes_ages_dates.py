"""Review 26: a children's hospital's notes, ages and dates.

- A relative's condition or drug is not the patient's (clinical-reference §1.1: the patient's
  drugs, renal failure, hypothyroidism and lesions explain a raised prolactin; §4: dialysis
  concerns the patient on dialysis).  Every item of a relative's list is the relative's: after a
  family-history heading whose colon it holds ("FA: Diabetes, Hypophysenadenom"), after a
  relative's label ("Mutter: Hashimoto, Prolaktinom", "mère : diabète, hypothyroïdie"), and
  whoever is named after an item ("FA: Hypothyreose Mutter, Hashimoto Oma").  The parent words
  of a child's notes ("Mama", "maman", "mamá", "mamma", "Papa", "papà") name a relative, for
  the conditions and for the drugs ("Mama nimmt Motilium": the mother's, not the infant's).
- A paediatric age written "years;months" with a years word ("10;6 J.", "0;3 J.", "5;4 jr",
  "2;4 a") is years and months, as the bare "10;6" already was (clinical-reference §2.1: the
  age strata of the paediatric intervals).
- The German day and year of life abbreviated ("LT 5", "5. LT": Lebenstag 5; "2. LJ": in the
  second year of life, one year old) and their siblings ("5e jour de vie", "levensdag 5",
  "5de levensdag", "5° giorno di vita", "5º día de vida") are days of life and completed years,
  never years.
- A birth or collection date that reads two ways when nothing in the file settles the order
  (10/11/2026) is read in the only possible order when the other puts the sample after the run
  or the birth after the sample (output-contract §4, §6: rows are lost only when unusable).
Synthetic patients only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_on_day

DAYS_PER_YEAR = 365.25
RUN_DAY = datetime(2026, 12, 7, 9, 30)


def _run(folder: Path, header: str, lines: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """(results indexed by patient id, the input's warnings) of one run on the run day."""
    outcome = triage_on_day(folder, header, lines, RUN_DAY)
    warnings = [w for summary in outcome.inputs for w in summary.warnings]
    return outcome.results.set_index("patient_id"), warnings


def _factors(row: pd.Series) -> list[str]:
    return [f for f in str(row["factors"] or "").split(";") if f]


# --- 1. a relative's list: every item is the relative's --------------------------------------
# (note, the factor a patient's own words would give)
RELATIVE_LISTS = [
    ("FA: Diabetes Typ 1, Hypophysenadenom", "known_pituitary_lesion"),
    ("Mutter: Hashimoto, Prolaktinom", "known_pituitary_lesion"),
    ("Familienanamnese: Hypothyreose Mutter, Hashimoto Oma", "hypothyroidism"),
    ("FA: Prolaktinom, Hypothyreose", "hypothyroidism"),
    ("Mutter: Niereninsuffizienz, Dialyse", "dialysis"),
    ("Vater: Hypertonie, Dialyse seit 2020", "dialysis"),
    (
        "ATCD familiaux : hypothyroïdie (mère), adénome hypophysaire (tante)",
        "known_pituitary_lesion",
    ),
    ("mère : diabète, hypothyroïdie", "hypothyroidism"),
    ("père : HTA, dialyse", "dialysis"),
    ("Mother: type 2 diabetes, prolactinoma", "known_pituitary_lesion"),
    ("Father: hypertension, haemodialysis", "dialysis"),
    ("madre: hipertensión, hipotiroidismo", "hypothyroidism"),
    ("antecedentes familiares: diabetes, adenoma hipofisario (tía)", "known_pituitary_lesion"),
    ("padre: diabetes, hemodiálisis", "dialysis"),
    ("madre: diabete, prolattinoma", "known_pituitary_lesion"),
    ("anamnesi familiare: asma, ipotiroidismo (zia)", "hypothyroidism"),
    ("moeder: diabetes, hypofyseadenoom", "known_pituitary_lesion"),
    ("familieanamnese: astma, hypothyreoïdie (oom)", "hypothyroidism"),
    ("vader: hypertensie, dialyse", "dialysis"),
]
# the parent words of a child's notes, for a condition
PARENT_CONDITIONS = [
    ("Mama: Prolaktinom", "known_pituitary_lesion"),
    ("Papa Hypothyreose", "hypothyroidism"),
    ("maman : adénome hypophysaire", "known_pituitary_lesion"),
    ("papa dialysé", "dialysis"),
    ("mamá con hipotiroidismo", "hypothyroidism"),
    ("papà ipotiroideo", "hypothyroidism"),
    ("mamma: prolattinoma", "known_pituitary_lesion"),
    ("mama hypothyreoïdie", "hypothyroidism"),
]
# the patient's own: a relative's list ends at a full stop or a semicolon; no relative at all
OWN_CONDITIONS = [
    ("Mutter: Hashimoto. Prolaktinom bekannt", "known_pituitary_lesion"),
    ("FA: Diabetes; Hypothyreose", "hypothyroidism"),
    ("mère : diabète. Adénome hypophysaire", "known_pituitary_lesion"),
    ("Hashimoto, Prolaktinom", "known_pituitary_lesion"),
    ("galactorrea por mama derecha, hipotiroidismo", "hypothyroidism"),
    ("hemodiálisis, mama izquierda normal", "dialysis"),
    ("mama: galactorrea, adenoma hipofisario", "known_pituitary_lesion"),
]
# the parent words for a pregnancy, on a girl's row: a sibling on the way, not her pregnancy
PARENT_STATES = [
    "Mama schwanger",
    "maman enceinte",
    "mamá embarazada",
    "mamma incinta",
    "mama zwanger",
]
# the parent words for a drug, on an infant's row (the mother's drug, not the child's)
PARENT_DRUGS = [
    "Mama nimmt Motilium",
    "Papa unter Risperdal",
    "mama gebruikt domperidon",
    "maman sous Motilium",
    "allaité, maman sous dompéridone",
    "mamá toma domperidona",
    "la mamma assume domperidone",
    "mum on domperidone",
]
NOTE_HEADER = "Patient ID,Sex,Age,Collected,Prolactin,Unit,Clinical notes"


@pytest.fixture(scope="module")
def notes_run(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    lines = []
    for i, (note, _) in enumerate([*RELATIVE_LISTS, *PARENT_CONDITIONS, *OWN_CONDITIONS]):
        lines.append(f"N{i},F,13 J.,2026-11-12,45,ng/mL,{csv_quoted(note)}")
    for i, note in enumerate(PARENT_DRUGS):
        lines.append(f"D{i},M,4 Mon.,2026-11-12,160,ng/mL,{csv_quoted(note)}")
    for i, note in enumerate(PARENT_STATES):
        lines.append(f"S{i},F,14 J.,2026-11-12,45,ng/mL,{csv_quoted(note)}")
    out, _ = _run(tmp_path_factory.mktemp("notes"), NOTE_HEADER, lines)
    return out


@pytest.mark.parametrize(("note", "factor"), RELATIVE_LISTS + PARENT_CONDITIONS)
def test_a_condition_in_a_relatives_list_or_of_a_parent_is_not_the_childs(
    notes_run: pd.DataFrame, note: str, factor: str
) -> None:
    row = notes_run.loc[f"N{[n for n, _ in RELATIVE_LISTS + PARENT_CONDITIONS].index(note)}"]
    assert factor not in _factors(row), note
    assert "unexplained" in _factors(row), note
    assert row["priority"] != "none", note


@pytest.mark.parametrize(("note", "factor"), OWN_CONDITIONS)
def test_the_patients_own_condition_after_a_relatives_list_is_still_read(
    notes_run: pd.DataFrame, note: str, factor: str
) -> None:
    index = (
        len(RELATIVE_LISTS) + len(PARENT_CONDITIONS) + [n for n, _ in OWN_CONDITIONS].index(note)
    )
    assert factor in _factors(notes_run.loc[f"N{index}"]), note


@pytest.mark.parametrize("note", PARENT_DRUGS)
def test_a_parents_drug_is_not_the_infants(notes_run: pd.DataFrame, note: str) -> None:
    row = notes_run.loc[f"D{PARENT_DRUGS.index(note)}"]
    assert not any(f.startswith("medication:") for f in _factors(row)), note
    assert "unexplained" in _factors(row), note
    assert row["priority"] == "soon", note
    assert "endocrine_referral" in str(row["suggestions"]), note


@pytest.mark.parametrize("note", PARENT_STATES)
def test_a_parents_pregnancy_is_not_the_girls(notes_run: pd.DataFrame, note: str) -> None:
    row = notes_run.loc[f"S{PARENT_STATES.index(note)}"]
    assert "pregnancy" not in _factors(row), note
    assert row["status"] == "high", note
    assert row["priority"] != "none", note


# --- 2. and 3. ages ---------------------------------------------------------------------------
# (age cell, sex, prolactin ng/mL, age in years, status)
AGES = [
    # years;months with a years word (DE, NL, FR, ES, IT, EN)
    ("10;6 J.", "F", 15.6, 10.5, "high"),  # 6-11 y girl, upper limit 15.5
    ("10;11 J.", "M", 17, 10 + 11 / 12, "high"),  # 6-11 y boy, 15.8 (read 21 y: adult)
    ("0;3 J.", "M", 100, 0.25, "normal"),  # an infant (read 3 y: high)
    ("5;4 jr", "F", 16, 5 + 4 / 12, "normal"),  # 2-6 y girl, 17.5 (read 9 y: high)
    ("5;4 Jahre", "F", 16, 5 + 4 / 12, "normal"),
    ("15;9 J", "M", 12, 15.75, "normal"),
    ("2;4 a", "F", 16, 2 + 4 / 12, "normal"),
    ("3;6 ans", "F", 16, 3.5, "normal"),
    ("4;2 años", "M", 15, 4 + 2 / 12, "normal"),
    ("7;3 anni", "F", 14, 7.25, "normal"),
    ("6;1 jaar", "M", 14, 6 + 1 / 12, "normal"),
    ("8;5 yrs", "F", 14, 8 + 5 / 12, "normal"),
    # the day, month and year of life
    ("LT 5", "M", 200, 5 / DAYS_PER_YEAR, "normal"),  # a newborn (read 5 y: high, soon)
    ("LT5", "F", 200, 5 / DAYS_PER_YEAR, "normal"),
    ("5. LT", "M", 200, 5 / DAYS_PER_YEAR, "normal"),
    ("3. LM", "F", 100, 0.25, "normal"),
    ("2. LJ", "F", 19, 1.0, "normal"),  # 1-2 y girl, 20.2 (read 2 y: high)
    ("3. LJ", "F", 16, 2.0, "normal"),
    ("im 2. Lebensjahr", "F", 19, None, None),  # not read as 2 years: rejected or one
    ("5e jour de vie", "M", 200, 5 / DAYS_PER_YEAR, "normal"),
    ("1er jour de vie", "F", 300, 1 / DAYS_PER_YEAR, "normal"),
    ("levensdag 5", "M", 200, 5 / DAYS_PER_YEAR, "normal"),
    ("5de levensdag", "F", 200, 5 / DAYS_PER_YEAR, "normal"),
    ("5° giorno di vita", "M", 200, 5 / DAYS_PER_YEAR, "normal"),
    ("5º día de vida", "F", 200, 5 / DAYS_PER_YEAR, "normal"),
    # guards: read before and still
    ("10;6", "F", 15.6, 10.5, "high"),
    ("5. Lebenstag", "M", 200, 5 / DAYS_PER_YEAR, "normal"),
    ("J5", "M", 200, 5 / DAYS_PER_YEAR, "normal"),
    ("1 J. 6 Mon.", "F", 19, 1.5, "normal"),
    ("45 J.", "F", 12, 45.0, "normal"),
]
AGE_HEADER = "Pat-Nr;Geschlecht;Alter;Entnahme;Prolaktin (ng/ml)"


@pytest.fixture(scope="module")
def ages_run(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    lines = [
        f'A{i};{sex};"{age}";12.11.2026;{str(prl).replace(".", ",")}'
        for i, (age, sex, prl, _, _) in enumerate(AGES)
    ]
    out, _ = _run(tmp_path_factory.mktemp("ages"), AGE_HEADER, lines)
    return out


@pytest.mark.parametrize(("age", "sex", "prolactin", "years", "status"), AGES)
def test_a_childs_age_in_years_and_months_or_in_days_of_life_is_read_as_such(
    ages_run: pd.DataFrame,
    age: str,
    sex: str,
    prolactin: float,
    years: float | None,
    status: str | None,
) -> None:
    key = f"A{[a for a, *_ in AGES].index(age)}"
    if years is None:  # "im 2. Lebensjahr": never read as 2 years
        assert key not in ages_run.index or ages_run.loc[key, "age_years"] < 2, age
        return
    row = ages_run.loc[key]
    assert row["age_years"] == pytest.approx(years, abs=0.06), age
    assert row["status"] == status, age
    if years < 0.1:  # a newborn at a newborn's level: nothing to do
        assert row["priority"] == "none", age


# --- 4. a date read two ways, one of them impossible -----------------------------------------
DATE_HEADER = "Pat-Nr;Geschlecht;Geb.-Datum;Abnahmedatum;Prolaktin (ng/ml)"
# (birth, collection, sex, prolactin, the possible reading's birth and collection, status)
SETTLED = [
    # month-first puts the sample on 11 December, after the run: a 2-day-old
    ("10/11/2026", "12/11/2026", "M", 300, "2026-11-10", "2026-11-12", "normal"),
    # month-first: sampled 11 December; day-first: a 10-week-old
    ("01/09/2026", "12/11/2026", "F", 100, "2026-09-01", "2026-11-12", "normal"),
    # day-first: born 3 November, sampled 11 October, before birth; month-first: 8 months
    ("03/11/2026", "11/10/2026", "M", 100, "2026-03-11", "2026-11-10", "normal"),
    # the same written with dashes
    ("10-11-2026", "12-11-2026", "F", 300, "2026-11-10", "2026-11-12", "normal"),
    # day-first puts the sample on 11 December, after the run: month-first, a week-old
    ("11/05/2026", "11/12/2026", "M", 200, "2026-11-05", "2026-11-12", "normal"),
]
# both readings possible and in different strata: rejected as before (guard)
BOTH_POSSIBLE = ("05/06/2026", "07/06/2026", "F", 150)


@pytest.fixture(scope="module")
def dates_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[pd.DataFrame, list[str]]]:
    lines = [
        f"F{i};{sex};{birth};{collected};{prl}"
        for i, (birth, collected, sex, prl, *_) in enumerate(SETTLED)
    ]
    birth, collected, sex, prl = BOTH_POSSIBLE
    lines.append(f"G0;{sex};{birth};{collected};{prl}")
    yield _run(tmp_path_factory.mktemp("dates"), DATE_HEADER, lines)


@pytest.mark.parametrize(
    ("birth", "collected", "sex", "prolactin", "born", "sampled", "status"), SETTLED
)
def test_a_date_read_two_ways_takes_the_only_possible_reading(
    dates_run: tuple[pd.DataFrame, list[str]],
    birth: str,
    collected: str,
    sex: str,
    prolactin: int,
    born: str,
    sampled: str,
    status: str,
) -> None:
    out, warnings = dates_run
    key = f"F{[b for b, *_ in SETTLED].index(birth)}"
    assert key in out.index, (birth, collected)  # triaged, not rejected
    row = out.loc[key]
    assert pd.Timestamp(row["collected_at"]).date().isoformat() == sampled
    assert pd.Timestamp(row["birth_date"]).date().isoformat() == born
    expected = (pd.Timestamp(sampled) - pd.Timestamp(born)).days / DAYS_PER_YEAR
    assert row["age_years"] == pytest.approx(expected, abs=0.01)
    assert row["status"] == status
    assert row["priority"] != "urgent"
    assert any("after the run's date or the birth after the collection" in w for w in warnings)


def test_a_date_whose_two_readings_are_both_possible_in_other_strata_is_still_rejected(
    dates_run: tuple[pd.DataFrame, list[str]],
) -> None:
    out, _ = dates_run
    assert "G0" not in out.index
