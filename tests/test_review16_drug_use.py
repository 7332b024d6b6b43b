"""Review 16: how a drug is taken, read as a clinician means it, in six languages.

* a dopamine agonist stopped days before the sample still acts: cabergoline keeps prolactin down
  for up to 28 days after a dose (Dostinex SmPC 5.1; thresholds.toml
  cabergoline_acting_max_days), so a normal result on it still gets the masking caution
  (clinical-reference §8 "Masking", §3.2), whatever the language or the way the stop is dated;
  bromocriptine, taken daily, keeps the 3-day washout;
* a raised prolactin after a prolactin-lowering treatment was stopped or paused is said to be
  what it may be: a treated prolactinoma or hyperprolactinaemia coming back (§3.2 "Stopping a DA
  can make PRL rebound"), with the specialist review as its step;
* irregular or occasional intake ("nimmt es nicht regelmäßig", "ne le prend pas régulièrement",
  "takes it only occasionally") and as-needed intake ("bei Bedarf", "si besoin", "al bisogno",
  "zo nodig", "PRN", "s.o.s.") are possible causes only, the evidence quoting the qualifier: a
  metoclopramide rise follows a dose (§3.1);
* class words (phenothiazine, butyrophenone, thioxanthene, the plurals of tricyclic, Italian
  "neuroleptici", French "NLP retard") and the French quetiapine brand Xeroquel LP are drugs;
* a stop written in months is shown as written ("about 2 months"), never as 60.88 days.

Synthetic patients only; through the public pipeline (one CSV per test, one row a phrasing).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

from triage.numbers import span_words

HEADER = "Patient ID,Sex,DOB,Collected,Prolactin,Unit,Medication"
MASKING = "dopamine_agonist_masking"


def _run(tmp_path: Path, prolactin: float, medications: list[str]) -> pd.DataFrame:
    lines = [
        f"P{i},F,1988-03-01,2026-11-20,{prolactin},ng/mL,{csv_quoted(text)}"
        for i, text in enumerate(medications)
    ]
    return triage_lines(tmp_path, HEADER, lines)


def _rows(tmp_path: Path, prolactin: float, medications: list[str]) -> list[pd.Series]:
    out = _run(tmp_path, prolactin, medications)
    return [out.loc[f"P{i}"] for i in range(len(medications))]


def _factor(row: pd.Series, prefix: str) -> dict[str, str] | None:
    return next((f for f in row["factor_details"] if f["code"].startswith(prefix)), None)


def _reason(row: pd.Series, code: str) -> str:
    found = [s["reason"] for s in row["suggestion_details"] if s["code"] == code]
    return found[0] if found else ""


# 1. A dopamine agonist stopped days before the sample -----------------------------------------
STOPPED_WITHIN_ITS_DAYS = [
    "Dostinex abgesetzt vor 4 Tagen",
    "Dostinex stopped 2026-11-15",
    "cabergoline arrêtée il y a 1 semaine",
    "cabergolina suspendida hace 2 semanas",
    "Cabaser sospeso da 10 giorni",
    "cabergoline gestopt 5 dagen geleden",
    "dopamine agonist stopped 3 weeks ago",
]


def test_a_cabergoline_stopped_days_ago_still_masks_a_normal_result(tmp_path: Path) -> None:
    for row in _rows(tmp_path, 12, STOPPED_WITHIN_ITS_DAYS):
        assert row["status"] == "normal", row["status"]
        reason = _reason(row, MASKING)
        assert "does not exclude a prolactinoma" in reason, (row["suggestions"], reason)
        assert "28 days" in reason, reason  # cabergoline_acting_max_days, not the 3-day washout


def test_beyond_its_days_or_a_daily_agonist_the_stop_holds(tmp_path: Path) -> None:
    rows = _rows(
        tmp_path,
        12,
        [
            "Dostinex abgesetzt vor 6 Wochen",  # beyond the 28 days
            "bromocriptine stopped 5 days ago",  # taken daily: the 3-day washout
            "no cabergoline",
            "Dostinex geplant",
            "Dostinex last dose 2026-11-14",  # taken: the plain caution
        ],
    )
    for row in rows[:-1]:
        assert MASKING not in row["suggestions"], row["suggestions"]
    assert "28 days" not in _reason(rows[-1], MASKING) != ""


def test_a_raised_result_after_stopping_an_agonist_may_be_it_returning(tmp_path: Path) -> None:
    rows = _rows(
        tmp_path,
        80,
        [
            "Dostinex pausiert wegen Kinderwunsch",
            "cabergoline stopped 2019",
            "Dostinex arrêté",
            "cabergolina suspendida",
            "Norprolac sospeso",
            "bromocriptine gestopt",
            "Dostinex nimmt sie nicht mehr",
        ],
    )
    for row in rows:
        unexplained = _factor(row, "unexplained")
        assert unexplained is not None, row["factors"]
        assert "hyperprolactinaemia may be returning" in unexplained["evidence"], unexplained
        referral = _reason(row, "endocrine_referral")
        assert "was stopped or paused" in referral and "restart" in referral, referral


def test_no_rebound_for_a_drug_never_taken(tmp_path: Path) -> None:
    rows = _rows(tmp_path, 80, ["no cabergoline", "Dostinex Allergie", "Dostinex geplant"])
    for row in rows:
        unexplained = _factor(row, "unexplained")
        assert unexplained is not None, row["factors"]
        assert "returning" not in unexplained["evidence"], unexplained
        assert "stopped or paused" not in _reason(row, "endocrine_referral")


def test_a_raised_result_as_a_recent_stop_wears_off_is_no_resistance(tmp_path: Path) -> None:
    (row,) = _rows(tmp_path, 80, ["Dostinex abgesetzt vor 4 Tagen"])
    reason = _reason(row, MASKING)
    assert "4 days before the sample" in reason and "wears off" in reason, reason
    assert "resistance" not in reason and "resistance" not in _reason(row, "endocrine_referral")


# 2. Irregular, occasional and as-needed intake -----------------------------------------------
IRREGULAR = [
    ("Risperdal, nimmt es nicht regelmäßig", "nimmt es nicht regelmäßig"),
    ("Risperdal, Einnahme nicht regelmäßig", "Einnahme nicht regelmäßig"),
    ("Risperdal gelegentlich", "gelegentlich"),
    ("rispéridone, ne le prend pas régulièrement", "ne le prend pas régulièrement"),
    ("risperidona, no lo toma de forma regular", "no lo toma de forma regular"),
    ("risperidone, non lo assume regolarmente", "non lo assume regolarmente"),
    ("risperidon, neemt het niet regelmatig in", "neemt het niet regelmatig in"),
    ("risperidone, takes it only occasionally", "takes it only occasionally"),
]


def test_irregular_or_occasional_intake_is_a_possible_cause(tmp_path: Path) -> None:
    rows = _rows(tmp_path, 62, [text for text, _ in IRREGULAR])
    for row, (_, qualifier) in zip(rows, IRREGULAR, strict=True):
        found = _factor(row, "medication:antipsychotic")
        assert found is not None, row["factors"]
        assert found["strength"] == "possible", found
        assert qualifier in found["evidence"], found  # the evidence quotes how it is taken
        assert "taken irregularly" in found["evidence"], found
        assert "check adherence" in _reason(row, "medication_review")


AS_NEEDED = [
    ("Paspertin bei Bedarf", "bei Bedarf"),
    ("bei Bedarf MCP 10 mg", "bei Bedarf"),
    ("Primpéran si besoin", "si besoin"),
    ("metoclopramida, si precisa", "si precisa"),
    ("Plasil al bisogno", "al bisogno"),
    ("metoclopramide zo nodig", "zo nodig"),
    ("metoclopramide PRN", "PRN"),
    ("metoclopramide 10 mg s.o.s.", "s.o.s."),
]


def test_an_antiemetic_taken_as_needed_explains_the_result_only_near_a_dose(
    tmp_path: Path,
) -> None:
    rows = _rows(tmp_path, 62, [text for text, _ in AS_NEEDED])
    for row, (_, qualifier) in zip(rows, AS_NEEDED, strict=True):
        found = _factor(row, "medication:antiemetic_prokinetic")
        assert found is not None, row["factors"]
        assert found["strength"] == "possible", found
        assert qualifier in found["evidence"] and "taken as needed" in found["evidence"], found
        assert "ask when the last dose" in _reason(row, "medication_review")


def test_other_words_beside_a_regular_drug_change_nothing(tmp_path: Path) -> None:
    rows = _rows(
        tmp_path,
        62,
        [
            "Risperdal 2 mg, gelegentlich Kopfschmerzen",
            "Risperdal 2 mg; Ibuprofen bei Bedarf",
            "Risperdal 2 mg, Paracetamol si besoin",
            "Risperdal 2 mg täglich, regelmäßig",
        ],
    )
    for row in rows:
        found = _factor(row, "medication:antipsychotic")
        assert found is not None and found["strength"] == "likely", row["factor_details"]


# 3. Class words and brands -------------------------------------------------------------------
CLASS_WORDS = {
    "butyrophenone": "medication:antipsychotic",
    "Butyrophenon-Depot": "medication:antipsychotic",
    "phenothiazine": "medication:antipsychotic",
    "Phenothiazin": "medication:antipsychotic",
    "fenotiazinas": "medication:antipsychotic",
    "Thioxanthen": "medication:antipsychotic",
    "neuroleptici": "medication:antipsychotic",
    "NLP retard": "medication:antipsychotic",
    "Xeroquel LP 300 mg": "medication:antipsychotic",
    "tricyclics": "medication:antidepressant",
    "Trizyklika": "medication:antidepressant",
    "tricycliques": "medication:antidepressant",
    "antidepresivos tricíclicos": "medication:antidepressant",
    "triciclici": "medication:antidepressant",
}


def test_class_words_and_plurals_name_the_drug(tmp_path: Path) -> None:
    words = list(CLASS_WORDS)
    *rows, negated = _rows(tmp_path, 62, [*words, "keine Butyrophenone"])
    for row, word in zip(rows, words, strict=True):
        found = _factor(row, CLASS_WORDS[word])
        assert found is not None, (word, row["factors"])
    assert "antipsychotic, depot" in str(_factor(rows[words.index("NLP retard")], "medication:"))
    assert "quetiapine" in str(_factor(rows[words.index("Xeroquel LP 300 mg")], "medication:"))
    assert _factor(negated, "medication:") is None


# 4. Rough spans shown as written -------------------------------------------------------------
def test_a_stop_written_in_months_is_shown_as_written(tmp_path: Path) -> None:
    rows = _rows(
        tmp_path,
        62,
        [
            "Xeplion arrêté il y a 2 mois",
            "Haldol Decanoat stopped last month",
            "Trevicta last injection 4 months ago",
            "Xeplion stopped 3 weeks ago",
        ],
    )
    expected = ["about 2 months", "about 1 month", "about 4 months", "21 days"]
    for row, words in zip(rows, expected, strict=True):
        found = _factor(row, "medication:antipsychotic")
        assert found is not None, row["factors"]
        assert f"{words} before the sample" in found["evidence"], found
        assert not any(n in found["evidence"] for n in ("60.88", "30.44", "121.8")), found


def test_span_words() -> None:
    assert [span_words(d) for d in (1, 4, 0.5, 60.875, 365.25, 45.65625)] == [
        "1 day",
        "4 days",
        "12 hours",
        "about 2 months",
        "about 1 year",
        "about 1.5 months",
    ]
