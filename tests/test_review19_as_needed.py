"""Review 19: how often a drug is taken, read as the prescriber wrote it.

clinical-reference §3.1: a drug raises prolactin while it acts; an antiemetic taken only as
needed (metoclopramide's rise follows a dose within hours) explains a result only if a dose was
taken shortly before the sample, so it is a "possible" factor whose step asks when the last dose
was taken.  A drug taken regularly below ~100 ng/mL is "consistent with drug effect" (§8): a
"likely" factor, routine, its review with the prescriber first (ES 2011 2.1).

* German "z.N." (zur Nacht) is a regular bedtime dose, as "zur Nacht", "0-0-1" and "nocte" are;
  Dutch "z.n." (zo nodig) is as needed.  The language of the text decides (German "1-0-1",
  "Tbl", "Tropfen" against Dutch "2dd", "bij"), then the case (German "z.N.", Dutch "z.n.");
  where nothing decides ("Z.N.") no "as needed" is claimed: a drug with an unreadable schedule
  is read as taken, as one with none written is, and a false "as needed" sends a patient on a
  regular antipsychotic to MRI (drugs.toml as_needed_or_bedtime).
* "As needed" after a dosing frequency is still as needed ("c/8h si precisa", "tds prn",
  "3x/j si besoin", "1 cp x 3/die al bisogno", "3dd zo nodig"), and so is "if" with a passing
  symptom ("si nausées", "bei Übelkeit", "in caso di nausea", "bij misselijkheid", "si náuseas",
  "if nauseous"); an indication ("for nausea", "bei Schizophrenie") is not.

Synthetic patients only (F, 30 years, ng/mL, sampled 2026-11-20); through the public pipeline,
one CSV per test, one row a phrasing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "Patient ID,Sex,Age,Collected,Prolactin,Unit,Medication"


def _rows(tmp_path: Path, medications: list[str], prolactin: float = 85) -> list[pd.Series]:
    lines = [
        f"P{i},F,30,2026-11-20,{prolactin},ng/mL,{csv_quoted(text)}"
        for i, text in enumerate(medications)
    ]
    out = triage_lines(tmp_path, HEADER, lines)
    return [out.loc[f"P{i}"] for i in range(len(medications))]


def _factor(row: pd.Series, prefix: str) -> dict[str, str]:
    found = [f for f in row["factor_details"] if f["code"].startswith(prefix)]
    assert found, row["factor_details"]
    return found[0]


def _reason(row: pd.Series, code: str) -> str:
    return " ".join(s["reason"] for s in row["suggestion_details"] if s["code"] == code)


def _codes(row: pd.Series) -> set[str]:
    return {s["code"] for s in row["suggestion_details"]}


def _assert_regular(row: pd.Series, prefix: str, text: str) -> None:
    found = _factor(row, prefix)
    assert found["strength"] == "likely", (text, found)
    assert "taken as needed" not in found["evidence"], (text, found)
    assert "ask when the last dose" not in _reason(row, "medication_review"), text


def _assert_as_needed(row: pd.Series, prefix: str, text: str) -> None:
    found = _factor(row, prefix)
    assert found["strength"] == "possible", (text, found)
    assert "taken as needed" in found["evidence"], (text, found)
    assert "ask when the last dose" in _reason(row, "medication_review"), text


# Each read as the same drug written "zur Nacht" is (pipamperone, low, stays "possible" as any
# regular low-grade drug does), never as needed.
GERMAN_AT_NIGHT = [
    ("Risperidon 2 mg z.N.", "Risperidon 2 mg zur Nacht"),
    ("Haloperidol 5 mg z. N.", "Haloperidol 5 mg zur Nacht"),
    ("Dipiperon 40 mg z.N.", "Dipiperon 40 mg zur Nacht"),
    ("Haloperidol 5 mg, z.N.", "Haloperidol 5 mg 0-0-1"),
    ("Haloperidol 1 Tbl. z.n.", "Haloperidol 1 Tbl. abends"),  # small letters, a German text
    ("HALOPERIDOL 5 MG Z.N.", "HALOPERIDOL 5 MG"),  # nothing decides: no claim of "as needed"
]


def test_german_zur_nacht_is_a_regular_bedtime_dose(tmp_path: Path) -> None:
    texts = [text for pair in GERMAN_AT_NIGHT for text in pair]
    rows = _rows(tmp_path, texts)
    for index, (text, _) in enumerate(GERMAN_AT_NIGHT):
        row, same = rows[2 * index], rows[2 * index + 1]
        found = _factor(row, "medication:antipsychotic")
        assert found["strength"] == _factor(same, "medication:antipsychotic")["strength"], text
        assert "taken as needed" not in found["evidence"], (text, found)
        assert "ask when the last dose" not in _reason(row, "medication_review"), text
        assert row["priority"] == same["priority"], (text, row["priority"])
        assert _codes(row) == _codes(same), text
    for row in rows[:2] + rows[6:8]:  # risperidone, haloperidol: likely, routine, no MRI
        assert _factor(row, "medication:antipsychotic")["strength"] == "likely"
        assert row["priority"] == "routine" and "pituitary_mri" not in _codes(row)


DUTCH_AS_NEEDED = [
    "metoclopramide 10 mg z.n.",  # Dutch small letters
    "metoclopramide 10 mg, z.n.",
    "Primperan 10 mg zn",
    "metoclopramide 10 mg 3dd zo nodig",
    "haloperidol 1 mg 2dd; metoclopramide 10 mg Z.N.",  # a Dutch text: zo nodig
]


def test_dutch_zo_nodig_stays_as_needed(tmp_path: Path) -> None:
    for row, text in zip(_rows(tmp_path, DUTCH_AS_NEEDED), DUTCH_AS_NEEDED, strict=True):
        _assert_as_needed(row, "medication:antiemetic_prokinetic", text)


AFTER_A_FREQUENCY = [
    "metoclopramida 10 mg c/8h si precisa",
    "metoclopramida 10 mg cada 8 h si precisa",
    "metoclopramide 10 mg tds prn",
    "Primperan 10 mg 3x/j si besoin",
    "Plasil 1 cp x 3/die al bisogno",
    "MCP 10 mg 3x tgl. b.B.",
    "Paspertin 10 mg 1-1-1 bei Bedarf",
    "metoclopramide 10 mg up to 3 times daily if required",
]


def test_as_needed_after_a_dosing_frequency(tmp_path: Path) -> None:
    for row, text in zip(_rows(tmp_path, AFTER_A_FREQUENCY), AFTER_A_FREQUENCY, strict=True):
        _assert_as_needed(row, "medication:antiemetic_prokinetic", text)


IF_A_SYMPTOM = [
    "Primperan si nausées ou vomissements",
    "Primperan 10 mg en cas de nausées",
    "Paspertin 10 mg bei Übelkeit",
    "MCP Tropfen bei starker Übelkeit",
    "Plasil 10 mg in caso di nausea",
    "metoclopramide 10 mg bij misselijkheid",
    "metoclopramida 10 mg/8h si náuseas o vómitos",
    "metoclopramide 10 mg if nauseous",
    "metoclopramide 10 mg when needed for nausea",
    "bei Übelkeit MCP 10 mg",  # before the drug
]


def test_as_needed_when_its_condition_is_a_passing_symptom(tmp_path: Path) -> None:
    for row, text in zip(_rows(tmp_path, IF_A_SYMPTOM), IF_A_SYMPTOM, strict=True):
        _assert_as_needed(row, "medication:antiemetic_prokinetic", text)


REGULAR = [
    ("metoclopramide 10 mg tds", "medication:antiemetic_prokinetic"),
    ("metoclopramida 10 mg c/8h", "medication:antiemetic_prokinetic"),
    ("metoclopramide 10 mg for nausea", "medication:antiemetic_prokinetic"),  # an indication
    ("metoclopramide 10 mg tds, not prn", "medication:antiemetic_prokinetic"),
    ("Risperidon 2 mg bei Schizophrenie", "medication:antipsychotic"),
    ("Haloperidol 5 mg 0-0-1, 2 mg bei Bedarf", "medication:antipsychotic"),  # a regular dose
    ("Risperdal 2 mg, Paracetamol 500 mg 1-1-1 bei Schmerzen", "medication:antipsychotic"),
]


def test_regular_intake_and_lookalikes_stay_likely(tmp_path: Path) -> None:
    rows = _rows(tmp_path, [text for text, _ in REGULAR])
    for row, (text, prefix) in zip(rows, REGULAR, strict=True):
        _assert_regular(row, prefix, text)


def test_a_symptom_after_a_sentence_end_belongs_to_the_next_drug(tmp_path: Path) -> None:
    (row,) = _rows(tmp_path, ["Risperdal 2 mg. Bei Übelkeit MCP 10 mg"])
    assert _factor(row, "medication:antipsychotic")["strength"] == "likely"
    assert _factor(row, "medication:antiemetic_prokinetic")["strength"] == "possible"
    assert "ask when the last dose of metoclopramide was" in _reason(row, "medication_review")
