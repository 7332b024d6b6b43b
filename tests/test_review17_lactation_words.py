"""Review 17: lactation words in a status or notes cell.

- A notes or status cell that says only "lactation" set the breastfeeding state, while the same
  word in German ("Laktation") or Italian ("lattazione"), alone or as a clause ("Laktation;
  Kopfschmerz"), and Spanish "lactante" said nothing: the result was flagged high against the
  non-breastfeeding limit.  Clinical-reference §4 (lactation keeps prolactin raised while she
  breastfeeds), §8 (lactation / postpartum: don't flag; note the expected elevation).  The
  guards stay: a lactation consultant, a negation, an ended lactation, weaning, and
  galactorrhoea (a symptom, §5: never the breastfeeding interval).  "lactation consultant" set
  the breastfeeding state; it no longer does.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "patient_id,sex,age_years,prolactin,prolactin_unit,lactating,symptoms,comments"


def _rows(tmp_path: Path, cells: list[tuple[str, str]]) -> pd.DataFrame:
    """One woman of 30 at 60 ng/mL (above the usual limit, within the breastfeeding one) per
    (column, text) pair, P0, P1 ... in order."""
    lines = []
    for i, (column, text) in enumerate(cells):
        said = {name: csv_quoted(text) if name == column else "" for name in HEADER.split(",")}
        lines.append(
            f"P{i},F,30,60,ng/mL,{said['lactating']},{said['symptoms']},{said['comments']}"
        )
    return triage_lines(tmp_path, HEADER, lines)


def _breastfeeding(row: pd.Series) -> bool:
    return bool(row["reference_stratum"] == "default:lactating" and "lactation" in row["factors"])


# ----------------------------------------------------------------- lactation words ------------
LACTATING = [
    ("comments", "Laktation"),
    ("comments", "lattazione"),
    ("comments", "lactation"),
    ("comments", "lactancia"),
    ("comments", "lactatie"),
    ("comments", "allaitement"),
    ("comments", "Laktation; Kopfschmerz"),
    ("comments", "lattazione; cefalea"),
    ("comments", "laktierend"),
    ("comments", "lactante"),
    ("comments", "Lactante; cefalea"),
    ("lactating", "Laktation"),
    ("lactating", "lattazione"),
    ("lactating", "stillend"),
    ("lactating", "allaitante"),
    ("lactating", "in allattamento"),
    ("lactating", "lacterend"),
]


def test_a_single_lactation_word_is_breastfeeding_in_every_language(tmp_path: Path) -> None:
    """§8: while she breastfeeds, 60 ng/mL is expected (the breastfeeding interval), not flagged;
    "Laktation" / "lattazione" / "lactante" said nothing and the result was high."""
    rows = _rows(tmp_path, LACTATING)
    for i, cell in enumerate(LACTATING):
        row = rows.loc[f"P{i}"]
        assert _breastfeeding(row), cell
        assert row["status"] == "normal", cell


NOT_LACTATING = [
    ("comments", "lactation consultant"),
    ("comments", "seen by lactation consultant visit for her sister"),
    ("comments", "Laktationsberatung"),
    ("comments", "Stillberaterin"),
    ("comments", "consultante en lactation"),
    ("comments", "conseillère en allaitement"),
    ("comments", "asesora de lactancia"),
    ("comments", "consulente per l'allattamento"),
    ("comments", "lactatiekundige"),
    ("comments", "no lactation"),
    ("comments", "keine Laktation"),
    ("comments", "nessuna lattazione"),
    ("comments", "Laktation beendet"),
    ("comments", "lattazione terminata"),
    ("comments", "sevrage"),
    ("comments", "no lactante"),
    ("comments", "Laktat 2,1 mmol/l"),
    ("comments", "Kopfschmerz; Müdigkeit"),
]


def test_consultants_negations_and_ended_lactation_are_no_breastfeeding(tmp_path: Path) -> None:
    """A consultant named (a person, perhaps seen for someone else), a lactation denied or
    ended, weaning, blood lactate or unrelated words: the usual limit, 60 ng/mL stays high."""
    rows = _rows(tmp_path, NOT_LACTATING)
    for i, cell in enumerate(NOT_LACTATING):
        row = rows.loc[f"P{i}"]
        assert not _breastfeeding(row), cell
        assert row["reference_stratum"] == "default:adult_female", cell
        assert row["status"] == "high", cell


GALACTORRHOEA = [
    ("comments", "galactorrhoea"),
    ("comments", "Galaktorrhoe, Laktation"),
    ("comments", "Nullipara, Laktation"),
    ("comments", "Laktation ohne Schwangerschaft"),
    ("comments", "lattazione spontanea"),
    ("comments", "Laktation außerhalb der Stillzeit"),
    ("symptoms", "Laktation"),
    ("symptoms", "lattazione"),
]


def test_galactorrhoea_is_never_breastfeeding(tmp_path: Path) -> None:
    """§5: milk outside breastfeeding is a symptom, judged against the usual interval, in the
    new words as in "lactation" (never pregnant, without a pregnancy, spontaneous, named with
    galactorrhoea, or in the symptoms column)."""
    rows = _rows(tmp_path, GALACTORRHOEA)
    for i, cell in enumerate(GALACTORRHOEA):
        row = rows.loc[f"P{i}"]
        assert not _breastfeeding(row), cell
        assert row["status"] == "high", cell
