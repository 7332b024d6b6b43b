"""Review 27 mends (reviewer A, findings 4-6 of fix209's words).

- Breastfeeding "until" a month without its year that is still to come ("breastfeeding until
  december", "Stillen bis Dezember", "BF until Jan" on a November sample) is a plan: she is still
  breastfeeding and the lactating interval applies; a past-tense or ended word in the clause
  ("breastfed until December") still ends it.
- A comma, a stop word and a time end the breastfeeding only when nothing follows the time: "geeft
  borstvoeding, gestopt in 2024 met roken" or "breastfeeding, stopped last year taking the pill"
  stopped something else.
- A queried pregnancy is answered only by a negative pregnancy test, not by a test of something
  else named after its result ("pregnant? test negative for chlamydia").
Synthetic patients only.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_on_day

RUN_DAY = datetime(2026, 11, 12, 9, 30)
HEADER = "NHS Number,Sex,Age,Date Collected,Prolactin (mIU/L),Ref Range,Clinical Details"


def _woman(folder: Path, note: str) -> pd.Series:
    """The result of a woman of 33 with 890 mIU/L on 10 Nov 2026 (lab interval 102-496)."""
    line = f"943 476 5919,F,33,10/11/2026,890,102-496,{csv_quoted(note)}"
    return triage_on_day(folder, HEADER, [line], RUN_DAY).results.iloc[0]


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c]


FEEDING_UNTIL_A_COMING_MONTH = [
    "breastfeeding until december",
    "Stillen bis Dezember",
    "BF until Jan",
    "borstvoeding tot december",
    "allaitement jusqu'en décembre",
    "lactancia hasta diciembre",
    "allattamento fino a dicembre",
]

FEEDING_WITH_ANOTHER_STOP = [
    "geeft borstvoeding, gestopt in 2024 met roken",
    "breastfeeding, stopped last year taking the pill",
    "allaitement, arrêté en 2024 le tabac",
    "allattamento, sospeso nel 2024 il fumo",
    "stillt, abgesetzt 2024: Sertralin",
]


@pytest.mark.parametrize("note", FEEDING_UNTIL_A_COMING_MONTH + FEEDING_WITH_ANOTHER_STOP)
def test_current_breastfeeding_keeps_the_lactating_interval(tmp_path: Path, note: str) -> None:
    row = _woman(tmp_path, note)
    assert row["status"] == "normal", (note, row["status"])
    assert "lactation" in _codes(row["factors"]), (note, row["factors"])
    assert row["reference_stratum"] == "default:lactating", note


ENDED_FEEDING = [
    "breastfed until December",
    "BF until October",
    "gestillt bis Dezember",
    "borstvoeding, gestopt in 2024",
    "breastfeeding, stopped last year",
]


@pytest.mark.parametrize("note", ENDED_FEEDING)
def test_ended_breastfeeding_stays_ended(tmp_path: Path, note: str) -> None:
    """Guard: a past tense, a month gone by, or a stop with only its time still end it."""
    row = _woman(tmp_path, note)
    assert row["status"] == "high", (note, row["status"])
    assert "lactation" not in _codes(row["factors"]), note


OTHER_TESTS = [
    "pregnant? test negative for chlamydia",
    "schwanger? Test negativ auf Chlamydien",
    "zwanger? test negatief op chlamydia",
    "grossesse ? test négatif pour la COVID",
    "embarazada? test negativo para COVID",
    "incinta? test negativo per COVID",
    "pregnant? test negative (COVID)",
    "pregnant? test: negative for strep",
]


@pytest.mark.parametrize("note", OTHER_TESTS)
def test_another_negative_test_leaves_the_pregnancy_query_open(tmp_path: Path, note: str) -> None:
    row = _woman(tmp_path, note)
    assert "pregnancy_test" in _codes(row["suggestions"]), (note, row["suggestions"])
    assert "pregnancy" in _codes(row["factors"]), (note, row["factors"])


PREGNANCY_TESTS = [
    "pregnant? test negative",
    "zwanger? test negatief.",
    "schwanger? Test negativ, Kontrolle in 4 Wochen",
    "¿embarazada? test de embarazo negativo",
    "incinta? test di gravidanza negativo",
    "enceinte ? test de grossesse négatif",
    "?pregnant, UPT neg",
    "?pregnant - beta-hCG negative",
]


@pytest.mark.parametrize("note", PREGNANCY_TESTS)
def test_a_negative_pregnancy_test_still_answers_the_query(tmp_path: Path, note: str) -> None:
    """Guard: the pregnancy test itself still answers it."""
    row = _woman(tmp_path, note)
    assert "pregnancy" not in _codes(row["factors"]), note
    assert "pregnancy_test" not in _codes(row["suggestions"]), note
