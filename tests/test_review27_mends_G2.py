"""Review 27 G (mender G): findings 4 and 5 of the review of fix213.

- A delivery or birth word anywhere before "à terme le", "a termine il", "a término el" in the
  same clause ("AVB à terme le 15/11/2026", "parto spontaneo a termine il 15/11/2026", "parto
  eutócico a término el 15/11/2026") is a delivery at term on that day, not a due date: she is
  not pregnant at the sample (clinical-reference §2.1: the pregnancy interval only while
  pregnant; contract §5: never a false normal).
- A galactagogue in the medication list beside a low milk supply ("low milk supply" and
  "domperidone 10 mg tds") is given for that supply: she breastfeeds (the lactating interval).
- values.one_as_digit never reads a digit glued to "a" ("3a", "2a visita", "28a settimana").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

from triage.values import one_as_digit

HEADER = "Patient ID,Sex,DOB,Collected,Prolactin (ng/mL),Comments,Medication"


def _row(tmp_path: Path, value: float, note: str, drugs: str = "") -> pd.Series:
    """The result of a woman born 1990 sampled on 20 Nov 2026."""
    line = f"P01,F,1990-03-02,2026-11-20,{value},{csv_quoted(note)},{csv_quoted(drugs)}"
    return triage_lines(tmp_path, HEADER, [line]).iloc[0]


DELIVERED_AT_TERM = [
    ("fr", "AVB à terme le 15/11/2026"),
    ("fr", "AVS à terme le 15/11/2026"),
    ("fr", "accouchement voie basse à terme le 15/11/2026"),
    ("fr", "accouchement par voie basse à terme le 15/11/2026"),
    ("fr", "césarienne programmée à terme le 15/11/2026"),
    ("fr", "PVE à terme le 15/11/2026"),
    ("it", "parto spontaneo a termine il 15/11/2026"),
    ("it", "parto vaginale a termine il 15/11/2026"),
    ("it", "TC a termine il 15/11/2026"),
    ("it", "taglio cesareo urgente a termine il 15/11/2026"),
    ("it", "partorito a termine il 15/11/2026"),
    ("es", "parto eutócico a término el 15/11/2026"),
    ("es", "cesárea electiva a término el 15/11/2026"),
    ("nl", "bevallen à terme le 15/11/2026"),
    ("nl", "geboren à terme le 15/11/2026"),
]


@pytest.mark.parametrize(("language", "note"), DELIVERED_AT_TERM)
def test_a_delivery_at_term_on_a_day_is_no_due_date(
    tmp_path: Path, language: str, note: str
) -> None:
    row = _row(tmp_path, 43, note)
    assert "pregnan" not in str(row["reference_stratum"]), (language, note)
    assert "pregnancy" not in str(row["factors"]), (language, note)


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("fr", "à terme le 15/01/2027"),
        ("fr", "accouchement 2019; à terme le 15/01/2027"),
        ("it", "a termine il 15/01/2027"),
        ("it", "TC nel 2020, a termine il 15/01/2027"),
        ("es", "a término el 15/01/2027"),
        ("es", "cesárea previa; a término el 15/01/2027"),
    ],
)
def test_a_due_date_at_term_stays_a_pregnancy(tmp_path: Path, language: str, note: str) -> None:
    """Guard: without a delivery word before it in its clause, it is the due date (28 weeks)."""
    row = _row(tmp_path, 165, note)
    assert str(row["reference_stratum"]).endswith("pregnant_t3"), (language, note)
    assert row["status"] == "normal", (language, note)


@pytest.mark.parametrize(
    ("language", "note", "drugs"),
    [
        ("en", "low milk supply", "domperidone 10 mg tds"),
        ("en", "poor milk supply", "Motilium 10 mg"),
        ("de", "Hypogalaktie", "Domperidon 10 mg 3x tgl"),
        ("fr", "hypogalactie", "dompéridone 10 mg"),
        ("es", "hipogalactia", "metoclopramida 10 mg"),
        ("it", "ipogalattia", "domperidone 10 mg"),
        ("nl", "te weinig melk", "domperidon 10 mg"),
    ],
)
def test_a_galactagogue_beside_a_low_supply_is_breastfeeding(
    tmp_path: Path, language: str, note: str, drugs: str
) -> None:
    row = _row(tmp_path, 68, note, drugs)
    assert str(row["reference_stratum"]).endswith("lactating"), (language, note, drugs)
    assert row["status"] == "normal" and row["priority"] == "none", (language, note, drugs)
    assert "lactation" in str(row["factors"]), (language, note, drugs)


@pytest.mark.parametrize(
    ("language", "note", "drugs"),
    [
        ("en", "low milk supply", ""),
        ("en", "nausea", "domperidone 10 mg tds"),
        ("en", "lactation failure", "domperidone 10 mg tds"),
        ("de", "Hypogalaktie", "Domperidon abgesetzt"),
        ("es", "hipogalactia", ""),
    ],
)
def test_a_low_supply_or_a_galactagogue_alone_is_no_breastfeeding(
    tmp_path: Path, language: str, note: str, drugs: str
) -> None:
    """Guard: each alone (or a galactagogue stopped) keeps the non-lactating interval."""
    row = _row(tmp_path, 68, note, drugs)
    assert "lactating" not in str(row["reference_stratum"]), (language, note, drugs)
    assert row["status"] == "high", (language, note, drugs)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("3a", "3a"),
        ("bambina di 3a", "bambina di 3a"),
        ("2a visita", "2a visita"),
        ("28a settimana", "28a settimana"),
        ("28a semana", "28a semana"),
        ("parto un mese fa", "parto 1  mese fa"),
        ("hace una semana", "hace 1   semana"),
    ],
)
def test_one_as_digit_never_reads_a_digit_glued_to_a(text: str, read: str) -> None:
    """Guard: "3a" (3 anni), "2a visita", "28a settimana" are kept; a word for one is a digit."""
    assert one_as_digit(text) == read
