"""Review 27 mends, reviewer A findings 1-3: a stop rule read as a stop; a scheduled drug read as
taken as needed.

* clinical-reference §3.1 and §8: an antipsychotic taken now is the commonest cause of a raised
  prolactin.  A stop *rule* or instruction written beside a current order ("Stopp bei
  QT-Verlängerung", "Stopp nur nach Rücksprache", "stop if QT prolonged", "arrêt si QT long",
  "sospendere se ...", "stoppen bij ...") or a noun of another kind ("Stopp-Datum offen",
  "Stopp-Schild beachten") is no stop: the drug stays current and "likely".
* A written regular schedule ("1-0-1", "2x daags", "bd", "1-0-0") beside the acute state a drug
  is given for ("bei Delir", "bij delier", "bei Verwirrtheit", "if confused") is a regular
  intake, not an as-needed one; and the "b.B.:" label covers its own list item only, up to a
  semicolon, a new line or the next label.

Synthetic patients only; through the public pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "Patient ID,Sex,Age,Collected,Prolactin,Unit,Medication,Clinical details"


def _row(tmp_path: Path, meds: str, prl: float = 113) -> pd.Series:
    line = f"P1,F,30,2026-11-10 08:00,{prl},ng/mL,{csv_quoted(meds)},"
    return triage_lines(tmp_path, HEADER, [line]).loc["P1"]


def _drug(row: pd.Series) -> dict[str, str]:
    found = [f for f in row["factor_details"] if f["code"].startswith("medication:")]
    assert found, row["factor_evidence"]
    return found[0]


STOP_RULES = [
    "Amisulprid 400 mg 1-0-0 (Stopp bei QT-Verlängerung)",  # de
    "Risperidon 2 mg 1-0-1 (Stopp nur nach Rücksprache)",
    "Risperidon 2 mg 1-0-1 Stopp-Datum offen",
    "Risperidon 2 mg 1-0-1, Stopp-Schild beachten",
    "Risperidon 2 mg 1-0-1 (Stopp wenn QT verlängert)",
    "Risperidon 2 mg 1-0-1 (Stopp falls QTc > 500 ms)",
    "Risperidone 2 mg bd (stop if QT prolonged)",  # en
    "Risperidone 2 mg bd - stop only after review",
    "Rispéridone 2 mg matin et soir (arrêt si QT allongé)",  # fr
    "Risperidone 2 mg 1-0-1 (sospendere se QT lungo)",  # it
    "Risperidona 2 mg cada 12 h (suspender si QT largo)",  # es
    "Risperidon 2 mg 2x daags (stoppen bij QT-verlenging)",  # nl
    # a stop still to come (review 27, reviewer F: metoclopramide's 5-day limit on a chart)
    "Amisulprid 400 mg 1-0-0, Stopp nach 5 Tagen geplant",
    "Amisulprid 400 mg 1-0-0, Stopp in 5 Tagen",
    "Amisulpride 400 mg od, stop after 5 days",
    "Amisulpride 400 mg le matin, arrêt prévu dans 5 jours",
    "Amisulpride 400 mg al mattino, sospensione prevista",
    "Amisulpride 400 mg 1dd, stop over 5 dagen",
]


@pytest.mark.parametrize("meds", STOP_RULES)
def test_a_stop_rule_beside_a_current_order_keeps_the_drug_current(
    tmp_path: Path, meds: str
) -> None:
    row = _row(tmp_path, meds)
    found = _drug(row)
    assert found["code"] == "medication:antipsychotic", (meds, found)
    assert found["strength"] == "likely", (meds, found)
    assert "recorded as stopped" not in row["factor_evidence"], (meds, row["factor_evidence"])
    assert "prolactinoma_suspected" not in row["factors"], (meds, row["factors"])


STOP_EVENTS = [
    "Risperdal Stopp",  # de: the stop itself still stops the drug (review 27 AA1)
    "Risperidon 2 mg Stopp 12.03.",
    "Paspertin-Stopp",
    "Risperdal stop",  # en
    # a stop with its time or reason after a word that may also open a condition (review 27,
    # reviewer E: "only", "solo" before a time, English "when" of a past time, Dutch "als
    # gevolg van")
    "Risperidone 2 mg stop only 2 weeks ago",
    "Risperidone 2 mg - stop when galactorrhoea started",
    "Risperdal stop als gevolg van galactorroe",
    "Risperidona stop solo hace 2 semanas",
    "Risperidone stop solo da 2 settimane",
]


@pytest.mark.parametrize("meds", STOP_EVENTS)
def test_a_stop_event_still_stops_the_drug(tmp_path: Path, meds: str) -> None:
    row = _row(tmp_path, meds, prl=40)
    evidence = row["factor_evidence"]
    assert "not counted as current medication" in evidence, (meds, evidence)


SCHEDULED_FOR_A_STATE = [
    "Haloperidol 1 mg 1-0-1 bei Delir",  # de
    "Risperidon 0,5 mg 1-0-1 bei Verwirrtheit",
    "Haloperidol 1 mg 1-0-0 bei akuter Verwirrtheit",
    "Haloperidol 1 mg 2x daags bij delier",  # nl
    "Haloperidol 1 mg bd if confused",  # en
    "Haloperidol 1 mg bid if delirious",
    "Halopéridol 1 mg 2x/j si confusion",  # fr
    "Aloperidolo 1 mg 1-0-1 se agitato",  # it
    "Haloperidol 1 mg cada 12 h si delirio",  # es
    "b.B.: Paracetamol; Risperidon 1 mg 1-0-1",  # the label's item ends at ';'
    "As needed: paracetamol; risperidone 1 mg bd",
    "Si precisa: paracetamol; risperidona 1 mg cada 12 h",
]


@pytest.mark.parametrize("meds", SCHEDULED_FOR_A_STATE)
def test_a_written_schedule_keeps_the_drug_regular(tmp_path: Path, meds: str) -> None:
    row = _row(tmp_path, meds)
    found = _drug(row)
    assert found["code"] == "medication:antipsychotic", (meds, found)
    assert found["strength"] == "likely", (meds, found)
    assert "taken as needed" not in found["evidence"], (meds, found)
    assert row["priority"] == "routine", (meds, row["priority"])


STILL_AS_NEEDED = [
    "Haloperidol 1 mg bei Delir",  # no schedule: as needed (fix212)
    "haloperidol 0,5 mg bij delier",
    "b.B.: Haldol 0,5 mg, Tavor 1 mg",
    "b.B.: Paracetamol, Haloperidol 1 mg",
]


@pytest.mark.parametrize("meds", STILL_AS_NEEDED)
def test_an_unscheduled_order_for_a_state_stays_as_needed(tmp_path: Path, meds: str) -> None:
    found = _drug(_row(tmp_path, meds))
    assert found["strength"] == "possible", (meds, found)
    assert "taken as needed" in found["evidence"], (meds, found)
