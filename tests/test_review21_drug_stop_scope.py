"""Review 21: which drugs the patient is actually taking: a stop's reach over a list, "not
taking it" written after the drug, a last injection written short.

A drug the patient is not taking, counted as a likely cause, makes a raised prolactin
"explained": routine priority, no macroprolactin screen, no MRI, no referral (clinical-reference
§1.1 rec. 2.1, §8: "consistent with drug effect" needs the culprit drug taken at sampling).
Read here, in the six languages of the labs:

* a stop or a past before a list covers every drug of it, as a negation does ("previously on
  risperidone, haloperidol; now aripiprazole", "früher Risperdal, Haldol", "arrêt de Risperdal,
  Haldol", "suspendidos risperidona, haloperidol", "in passato ...", "vroeger ...", "ex-"), and so
  does a heading of past drugs ("Prior antipsychotics:", "Bisherige Medikation:", "Terapie
  pregresse:"), up to a time now ("now", "aktuell", "actuellement", "actualmente",
  "attualmente", "nu") or a drug added; a stop of something else ("stopped smoking") reaches no
  drug;
* "not taking it" written after the drug ("Haldol (nimmt sie nicht)", "ne le prend pas", "no lo
  toma", "non lo prende", "neemt het niet", "wird nicht eingenommen"), as "(not taking)" was;
  taken irregularly ("nimmt es nicht regelmäßig") stays a possible cause;
* a last injection written short ("letzte Inj.", "last inj", "last depot", "dernière inj.",
  "última iny.", "ult. inj.", "laatste inj.") is a last dose: a depot last given longer ago than
  it acts (92 days) is not current, one given within that is, and the evidence names it a last
  injection, not a stop.

Synthetic patients only (F, 34 y, sample 2026-10-15, prolactin 90 ng/mL: above the female limit,
below the level a drug alone rarely explains); through the public pipeline, several phrasings
in one CSV per test.
"""

from __future__ import annotations

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "patient_id,sex,age,prolactin,unit,collected,medication,comment"
ANTIPSYCHOTIC = "medication:antipsychotic"
WORKUP = ("macroprolactin_screen", "pituitary_mri", "endocrine_referral")


@pytest.fixture(scope="module")
def triaged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.Series]:
    """Every phrasing of this file in one run (one CSV, one row each), by its text."""
    groups = (
        STOPPED_LISTS,
        PAST_HEADINGS,
        TAKEN_AFTER,
        NOT_TAKING,
        STILL_TAKEN,
        list(OLD_INJECTIONS),
        RECENT_INJECTIONS,
        STOP_OR_DOSE,
    )
    texts = list(dict.fromkeys(text for group in groups for text in group))
    lines = [f"P{i},F,34,90,ng/mL,2026-10-15,{csv_quoted(text)}," for i, text in enumerate(texts)]
    out = triage_lines(tmp_path_factory.mktemp("review21"), HEADER, lines)
    return {text: out.loc[f"P{i}"] for i, text in enumerate(texts)}


def _rows(triaged: dict[str, pd.Series], texts: list[str]) -> list[tuple[str, pd.Series]]:
    return [(text, triaged[text]) for text in texts]


def _codes(row: pd.Series, column: str) -> list[str]:
    return [item["code"] for item in row[column]]


def _strength(row: pd.Series, code: str) -> str | None:
    found = [f["strength"] for f in row["factor_details"] if f["code"] == code]
    return found[0] if found else None


def _not_current(row: pd.Series) -> list[str]:
    """What is wrong with a row whose raising drugs are all not taken: it must be left
    unexplained, seen soon, screened for macroprolactin, imaged and referred."""
    factors, steps = _codes(row, "factor_details"), _codes(row, "suggestion_details")
    wrong = [code for code in factors if code.startswith("medication:")]
    if "unexplained" not in factors:
        wrong.append("not unexplained")
    if row["priority"] != "soon":
        wrong.append(f"priority {row['priority']}")
    return wrong + [step for step in WORKUP if step not in steps]


def _taken(row: pd.Series) -> list[str]:
    """What is wrong with a row whose haloperidol is taken: a likely antipsychotic factor."""
    if _strength(row, ANTIPSYCHOTIC) != "likely":
        return [f"antipsychotic {_strength(row, ANTIPSYCHOTIC)}"]
    return [] if row["priority"] == "routine" else [f"priority {row['priority']}"]


# 1. A stop or a past before a list ------------------------------------------------------------
STOPPED_LISTS = [
    "previously on risperidone, haloperidol; now aripiprazole 10 mg",
    "stopped Risperdal, Haldol; now aripiprazole 10 mg",
    "früher Risperdal, Haldol; aktuell Abilify 10 mg",
    "früher Risperdal 4 mg, Haldol 5 mg, aktuell Abilify 10 mg",
    "anciennement Risperdal, Haldol, actuellement Abilify 10 mg",
    "arrêt de Risperdal, Haldol",
    "antes risperidona, haloperidol; actualmente aripiprazol 10 mg",
    "suspendidos risperidona, haloperidol",
    "in passato risperidone, aloperidolo; attualmente aripiprazolo 10 mg",
    "vroeger risperidon, haloperidol; nu aripiprazol 10 mg",
    "ex-Risperdal, Haldol",
]


def test_a_stop_before_a_list_covers_each_drug(triaged: dict[str, pd.Series]) -> None:
    for text, row in _rows(triaged, STOPPED_LISTS):
        assert _not_current(row) == [], (text, row["factor_evidence"])
        assert "haloperidol" in row["factor_evidence"], text  # named as not counted
        assert "not counted as current medication" in row["factor_evidence"], text


PAST_HEADINGS = [
    "Prior antipsychotics: risperidone, haloperidol. Current: aripiprazole 10 mg",
    "Previously tried: risperidone, haloperidol",
    "Failed trials: risperidone, haloperidol",
    "Bisherige Medikation: Risperdal, Haldol",
    "Frühere Neuroleptika: Risperdal, Haldol; aktuell Abilify 10 mg",
    "Terapie pregresse: risperidone, aloperidolo",
    "Traitements antérieurs : Risperdal, Haldol",
    "Tratamientos previos: risperidona, haloperidol",
    "Eerdere medicatie: risperidon, haloperidol",
]


def test_a_heading_of_past_drugs_covers_its_list(triaged: dict[str, pd.Series]) -> None:
    for text, row in _rows(triaged, PAST_HEADINGS):
        assert _not_current(row) == [], (text, row["factor_evidence"])


# The scope ends where the drugs are taken: a time now, a drug added, a sentence's end; a stop of
# something else is no stop of the drug after it.
TAKEN_AFTER = [
    "stopped risperidone, now haloperidol 5 mg",
    "früher Risperdal, jetzt Haldol 5 mg",
    "anciennement Risperdal, actuellement Haldol 5 mg",
    "in passato risperidone, attualmente aloperidolo 5 mg",
    "vroeger risperidon, nu haloperidol 5 mg",
    "previously on risperidone, haloperidol added",
    "früher Risperdal, Haldol neu angesetzt",
    "stopped risperidone; haloperidol 5 mg",
    "stopped smoking, haloperidol 5 mg",
    "arrêt du tabac, Haldol 5 mg",
    "Prior antipsychotics: risperidone, now haloperidol 5 mg",
    "Medikation: Risperdal 2 mg, Haldol 5 mg",
]


def test_the_stop_reaches_no_drug_taken_after_it(triaged: dict[str, pd.Series]) -> None:
    wrong = [(text, _taken(row)) for text, row in _rows(triaged, TAKEN_AFTER) if _taken(row)]
    assert wrong == []


# 2. "Not taking it" written after the drug ------------------------------------------------------
NOT_TAKING = [
    "Haldol (nimmt sie nicht)",
    "Haldol: wird nicht eingenommen",
    "Risperdal, nimmt er nicht",
    "Haldol (ne le prend pas)",
    "Haldol (no lo toma)",
    "risperidona (no la toma)",
    "Haldol (non lo prende)",
    "Haldol (neemt het niet)",
    "risperidone (she does not take it)",
]


def test_not_taking_written_after_the_drug_is_not_taken(triaged: dict[str, pd.Series]) -> None:
    for text, row in _rows(triaged, NOT_TAKING):
        assert _not_current(row) == [], (text, row["factor_evidence"])


# taken, irregularly or reluctantly: still a cause (possible when irregular), never dropped
STILL_TAKEN = [
    "Risperdal, nimmt es nicht regelmäßig",
    "Haldol (ne le prend pas régulièrement)",
    "risperidona, no la toma de forma regular",
    "risperidone, non lo assume regolarmente",
    "risperidon, neemt het niet regelmatig in",
    "Risperdal 2 mg 1-0-1, Patientin nimmt es nicht gerne",
    "risperidona 2 mg, no toma otros fármacos",
]


def test_irregular_intake_is_not_read_as_not_taking(triaged: dict[str, pd.Series]) -> None:
    for text, row in _rows(triaged, STILL_TAKEN):
        assert _strength(row, ANTIPSYCHOTIC) in ("likely", "possible"), (
            text,
            row["factor_evidence"],
        )
    (_, reluctant), (_, others) = _rows(triaged, STILL_TAKEN[-2:])
    assert _strength(reluctant, ANTIPSYCHOTIC) == "likely"
    assert _strength(others, ANTIPSYCHOTIC) == "likely"


# 3. A last injection written short --------------------------------------------------------------
OLD_INJECTIONS = {  # 280 or 160 days before the sample: longer ago than a depot acts
    "Haldol Decanoas letzte Inj. 08.01.2026": 280,
    "Haldol Decanoas last inj 2026-01-08": 280,
    "Xeplion last depot 2026-05-08": 160,
    "Xeplion last IM 2026-05-08": 160,
    "Xeplion letzte Depotspritze 08.05.2026": 160,
    "Xeplion dernière inj. le 08/05/2026": 160,
    "Xeplion última iny. 08/05/2026": 160,
    "Xeplion ult. inj. 08/05/2026": 160,
    "Xeplion laatste inj. 08-05-2026": 160,
}


def test_a_last_injection_written_short_is_a_last_dose(triaged: dict[str, pd.Series]) -> None:
    for text, row in _rows(triaged, list(OLD_INJECTIONS)):
        evidence = row["factor_evidence"]
        assert _not_current(row) == [], (text, evidence)
        assert f"last injection {OLD_INJECTIONS[text]} days before the sample" in evidence, text
        assert "stopped" not in evidence, (text, evidence)


RECENT_INJECTIONS = [  # 44 days before the sample: within the depot's days
    "Xeplion letzte Inj. 01.09.2026",
    "Xeplion last injection 2026-09-01",
    "Xeplion laatste inj. 01-09-2026",
]
STOP_OR_DOSE = [
    "risperidone stopped 2 days ago",
    "risperidone last dose 2 days ago",
    "Xeplion stopped 2026-09-01",
]


def test_a_recent_last_injection_is_a_depot_taken_and_said_so(
    triaged: dict[str, pd.Series],
) -> None:
    for text, row in _rows(triaged, RECENT_INJECTIONS):
        evidence = row["factor_evidence"]
        assert _taken(row) == [], (text, evidence)
        assert "last injection 44 days before the sample: a depot still acts up to" in evidence
        assert "stopped" not in evidence, (text, evidence)
    # a stop stays a stop, a last dose a last dose
    (_, stop), (_, dose), (_, depot) = _rows(triaged, STOP_OR_DOSE)
    assert "; stopped 2 days before the sample, within the" in stop["factor_evidence"]
    assert "; last given 2 days before the sample, within the" in dose["factor_evidence"]
    assert "; stopped 44 days before the sample: a depot still acts" in depot["factor_evidence"]
