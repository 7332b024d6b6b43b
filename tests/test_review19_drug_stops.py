"""Review 19: a drug written as ended, paused, given up or replaced is not current medication.

A drug stopped longer than the 3-day washout before the sample no longer explains a raised
prolactin (clinical-reference §1.1 rec. 2.1: re-measure 3 days after stopping; §8: "consistent
with drug effect" needs the culprit drug present at sampling).  Counting it as current made the
result "explained" (a likely drug factor, routine priority, no macroprolactin screen, no MRI).
Read here, in the six languages of the labs:

* an end written with its date, in any style the tool reads dates in (ISO, dd.mm.yyyy,
  dd/mm/yyyy, dd-mm-yyyy, a day with a month's name, a month with its year), after "until",
  "last dose", "letzte Einnahme", "laatste dosis" ..., or as the end of a span of dates
  ("2024-01 to 2026-08", "01/06/2026-01/08/2026");
* "not taken for 3 weeks", "given up", a drug holiday or a treatment break with its time;
* a past marker or "replaced" right before the old drug ("Abilify (in precedenza risperidone)",
  "aripiprazole (replaced risperidone)");
* a stop said of the whole list ("Haldol, Risperdal (both stopped)", "beide abgesetzt", "tous
  deux arrêtés", "ambos suspendidos", "entrambi sospesi", "beide gestopt", "alle abgesetzt").

An end within the washout (or still to come) keeps the drug current, as a recent stop always was.

Synthetic patients only (F, 30 y, sample 2026-11-20, prolactin 85 ng/mL: above the female limit,
below the level a drug alone rarely explains); through the public pipeline, several phrasings
in one CSV per test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "patient_id,sex,age_years,prolactin,prolactin_unit,medications,symptoms,collected_at"
ANTIPSYCHOTIC = "medication:antipsychotic"
PROKINETIC = "medication:antiemetic_prokinetic"


def _rows(
    tmp_path: Path, medications: list[str], symptoms: str = "", value: int = 85
) -> list[tuple[str, pd.Series]]:
    lines = [
        f"P{i},F,30,{value},ng/mL,{csv_quoted(text)},{symptoms},2026-11-20"
        for i, text in enumerate(medications)
    ]
    out = triage_lines(tmp_path, HEADER, lines)
    return [(text, out.loc[f"P{i}"]) for i, text in enumerate(medications)]


def _codes(row: pd.Series, column: str) -> list[str]:
    return [item["code"] for item in row[column]]


def _not_current(row: pd.Series) -> list[str]:
    """What is wrong with a row whose only raising drug was stopped long ago: it must be left
    unexplained, seen soon, screened for macroprolactin and imaged."""
    factors, steps = _codes(row, "factor_details"), _codes(row, "suggestion_details")
    wrong = [code for code in factors if code.startswith("medication:")]
    if "unexplained" not in factors:
        wrong.append("not unexplained")
    if row["priority"] != "soon":
        wrong.append(f"priority {row['priority']}")
    wrong += [s for s in ("macroprolactin_screen", "pituitary_mri") if s not in steps]
    return wrong


# 1. An end written with its date ---------------------------------------------------------------
ENDED_ON_A_DAY = [
    "metoclopramide until 2026-08-01",
    "Risperidon letzte Einnahme 01.08.2026",
    "Risperidon tot 01-08-2026",
    "risperidone until 1 Aug 2026",
    "risperidone last dose 01/08/2026",
    "risperidon laatste dosis 01-08-2026",
    "risperidona hasta el 1 de agosto de 2026",
    "rispéridone jusqu'au 1er août 2026",
    "Risperidon bis 1. August 2026",
    "risperidone ultima assunzione 01/08/2026",
    "risperidone 01/06/2026-01/08/2026",
    "Risperdal du 01/06/2026 au 01/08/2026",
    "risperidone 2 mg from 2023 to 2026-08-01",
]
ENDED_IN_A_MONTH = ["risperidone 2 mg (2024-01 to 2026-08)", "Risperdal (06/2024–08/2026)"]


def test_a_drug_ended_on_a_written_date_is_not_current(tmp_path: Path) -> None:
    rows = _rows(tmp_path, ENDED_ON_A_DAY + ENDED_IN_A_MONTH)
    assert [(text, _not_current(row)) for text, row in rows if _not_current(row)] == []
    last_doses = ("letzte Einnahme", "last dose", "laatste dosis", "ultima assunzione")
    for text, row in rows:
        when = "111 days" if text in ENDED_ON_A_DAY else "81–111 days"
        # a last dose is no stop: named as the last dose it is
        said = "last given" if any(words in text for words in last_doses) else "stopped"
        assert f"{said} {when} before the sample" in row["factor_evidence"], (text, row)


# 2. An end within the washout, still to come, or no end at all ---------------------------------
STILL_CURRENT = {
    "risperidone until 2026-11-19": "within the 3-day washout: still acting",
    "Risperidon letzte Einnahme 18.11.2026": "within the 3-day washout: still acting",
    "risperidone last dose 19 Nov 2026": "within the 3-day washout: still acting",
    "risperidone 01/06/2026-19/11/2026": "within the 3-day washout: still acting",
    "risperidone: drug holiday for 2 days": "within the 3-day washout: still acting",
    "risperidone until 2026-12-31": "taken when it was drawn",
    # dates that end nothing
    "risperidone 2 mg since 01/06/2026": "",
    "risperidone 2 mg (start 2026-06-01)": "",
    "Risperdal 2 mg, Kontrolle am 01.08.2026": "",
    "risperidone 2 mg od (2024-01 to present)": "",
    "Risperdal 2 mg 1-0-1 (verordnet 01.06.2026 - Dr. X)": "",
}


def test_a_drug_ended_within_the_washout_or_later_is_current(tmp_path: Path) -> None:
    for text, row in _rows(tmp_path, list(STILL_CURRENT)):
        assert ANTIPSYCHOTIC in _codes(row, "factor_details"), (text, row["factors"])
        assert row["priority"] == "routine", (text, row["priority"])
        assert STILL_CURRENT[text] in row["factor_evidence"], (text, row["factor_evidence"])


# 3. Not taken, given up, or a treatment break, for weeks ----------------------------------------
PAUSED = {
    "rispéridone non prise depuis 3 semaines": 21,
    "risperidona abandonada hace 3 semanas": 21,
    "risperidone abbandonato da 3 settimane": 21,
    "risperidone: drug holiday for 2 weeks": 14,
    "Risperidon: Therapiepause seit 2 Wochen": 14,
    "risperidon: medicatiepauze sinds 2 weken": 14,
    "risperidona: pausa terapéutica desde hace 2 semanas": 14,
}


def test_a_drug_not_taken_for_weeks_is_not_current(tmp_path: Path) -> None:
    for text, row in _rows(tmp_path, list(PAUSED)):
        assert _not_current(row) == [], (text, row["factors"], row["priority"])
        assert f"stopped {PAUSED[text]} days before the sample" in row["factor_evidence"], text


# 4. Replaced, or named as a past drug -----------------------------------------------------------
REPLACED = [
    "Abilify (in precedenza risperidone)",
    "aripiprazole since 3 months (replaced risperidone)",
    "Abilify (ersetzt Risperdal)",
    "aripiprazol (sustituyó a la risperidona)",
    "aripiprazolo (ha sostituito il risperidone)",
    "aripiprazol (verving risperidon)",
]
STILL_TAKEN = ["knee replaced 2019, Risperdal 2 mg", "Abilify 10 mg; Risperdal ersetzt nichts"]


def test_the_drug_replaced_is_not_current(tmp_path: Path) -> None:
    rows = _rows(tmp_path, REPLACED + STILL_TAKEN)
    for text, row in rows:
        counted = ANTIPSYCHOTIC in _codes(row, "factor_details")
        assert counted == (text in STILL_TAKEN), (text, row["factors"], row["factor_evidence"])


# 5. A stop said of the whole list ---------------------------------------------------------------
LIST_STOPPED = [
    "Haldol und Risperdal: beide abgesetzt",
    "Haldol, Risperdal (both stopped)",
    "Haldol, Risperdal (tous deux arrêtés)",
    "Haldol 5 mg, Risperdal 2 mg (beide abgesetzt)",
    "Haldol, Risperdal (ambos suspendidos)",
    "Haldol, Risperdal (entrambi sospesi)",
    "Haldol, Risperdal (beide gestopt)",
    "Haldol, Risperdal - both discontinued",
    "Haldol, Risperdal, Dogmatil: alle abgesetzt",
    "Haldol + Risperdal: stopped last year",
]


def test_a_stop_said_of_the_list_stops_every_drug_of_it(tmp_path: Path) -> None:
    kept = {
        # "both" is the last two: the prokinetic before them is taken
        "MCP 10 mg, Haldol, Risperdal (both stopped)": PROKINETIC,
        "Haldol, Risperdal (both taken daily)": ANTIPSYCHOTIC,
        "Risperdal 2 mg, beide Eltern gesund": ANTIPSYCHOTIC,
        # stopped within the washout: both still act
        "Haldol, Risperdal (both stopped yesterday)": ANTIPSYCHOTIC,
    }
    rows = _rows(tmp_path, LIST_STOPPED + list(kept))
    for text, row in rows:
        if text in LIST_STOPPED:
            assert _not_current(row) == [], (text, row["factors"], row["factor_evidence"])
            assert "haloperidol" in row["factor_evidence"], text  # named as not counted
        else:
            factors = _codes(row, "factor_details")
            assert kept[text] in factors, (text, row["factors"])
            if text.startswith("MCP"):
                assert ANTIPSYCHOTIC not in factors, (text, row["factor_evidence"])


def test_galactorrhoea_after_both_drugs_were_stopped_is_imaged(tmp_path: Path) -> None:
    ((text, row),) = _rows(
        tmp_path, ["Haldol und Risperdal: beide abgesetzt"], symptoms="galactorrhoea", value=60
    )
    assert not [c for c in _codes(row, "factor_details") if c.startswith("medication:")], row
    assert "pituitary_mri" in _codes(row, "suggestion_details"), (text, row["suggestions"])
    assert row["priority"] != "routine", (text, row["priority"])
