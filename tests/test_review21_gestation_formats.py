"""Review 21: gestational age and the time since delivery as labs and clinicians write them.

clinical-reference §2.1 and §4: prolactin rises through pregnancy (term values ~100-600 ng/mL),
so a third-trimester level is judged against the third trimester's interval where the set has
one (default `pregnant_t3`), never against the whole pregnancy's (10-209 ng/mL) as if it were a
prolactinoma; after delivery it stays raised for weeks (lactation, §2.1, §8).  The reviewers
found:

- a gestation column holding a trimester ("3rd trimester", "3. Trimester", "III. Trimenon",
  "troisième trimestre", "terzo trimestre", "3er trimestre", "derde trimester", "T3") or the US
  weeks and sevenths ("34 2/7", "36 0/7") was unread, and 300 ng/mL at 34 weeks urgent with a
  prolactinoma work-up; where several cells were so, the whole column was dropped and the rows
  with plain "34" or "32+1" in it were urgent too.  "T3" was three days;
- weeks and days with unit words ("14 SA + 3 j", "8s4d", "20 sett + 2 gg", "10w3d", "SSW 32+4",
  "32 4/7") were dropped from a gestation column;
- in notes "EGA 34 wks", "G1P0 at 36 0/7 weeks", "III. Trimenon" were not read;
- a delivery with a singular or spelled-out time ("parto hace un mes", "accouchement il y a un
  mois", "bevallen 1 maand geleden", "vor einem Monat entbunden") was not read, and "a accouché
  le 20/10/2026" had no date, while the plural and "accouchement le ..." forms were read.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv_warned, triage_lines

from triage.values import obstetric_weeks_days, parse_weeks

T3 = "default:pregnant_t3"
FRENCH = "IPP;Sexe;Âge;Date de prélèvement;Prolactine (µg/L);Renseignements cliniques"


def _third_trimester_normal(out: pd.DataFrame, pid: str) -> None:
    row = out.loc[pid]
    assert row["reference_stratum"] == T3, (pid, row["reference_stratum"])
    assert row["priority"] == "none", (pid, row["priority"])
    assert "prolactinoma_suspected" not in str(row["factors"]), pid


# ------------------------------------------------------------------ a gestation column ---
TRIMESTER_CELLS = {
    "en": "3rd trimester",
    "en2": "third trimester",
    "de": "3. Trimester",
    "de2": "III. Trimenon",
    "fr": "troisième trimestre",
    "fr2": "3e trimestre",
    "it": "terzo trimestre",
    "es": "3er trimestre",
    "es2": "tercer trimestre",
    "nl": "derde trimester",
    "code": "T3",
    "roman": "III",
    "us": "34 2/7",
    "us2": "36 0/7",
}


def test_a_trimester_in_the_gestation_column_is_the_third_trimesters_interval(
    tmp_path: Path,
) -> None:
    """Most cells give a trimester or sevenths of a week: each is read, and the column (with
    its plain "34" and "32+1") is used, not dropped."""
    rows = [f"{pid},F,30,300,ng/mL,yes,{cell}" for pid, cell in TRIMESTER_CELLS.items()]
    rows += ["plain,F,30,300,ng/mL,yes,34", "plus,F,30,300,ng/mL,yes,32+1"]
    # what stays as before: the first and second trimesters are judged on the whole pregnancy
    rows += ["t1,F,30,300,ng/mL,yes,T1", "t2,F,30,300,ng/mL,yes,2nd trimester"]
    out = triage_lines(
        tmp_path, "patient_id,sex,age,prolactin,unit,pregnant,gestational_weeks", rows
    )
    for pid in [*TRIMESTER_CELLS, "plain", "plus"]:
        _third_trimester_normal(out, pid)
    for pid in ("t1", "t2"):
        assert out.loc[pid, "reference_stratum"] == "default:pregnant", pid
        assert out.loc[pid, "priority"] == "urgent", pid


def test_a_trimester_in_the_gestation_column_says_pregnant_without_a_pregnancy_column(
    tmp_path: Path,
) -> None:
    out = triage_lines(
        tmp_path,
        "patient_id,sex,age,prolactin,unit,Gestationsalter",
        ["a,F,30,300,ng/mL,III. Trimenon", "b,F,30,300,ng/mL,T3", "c,F,30,300,ng/mL,35"],
    )
    for pid in "abc":
        _third_trimester_normal(out, pid)


def test_an_unreadable_cell_does_not_drop_the_readable_ones_and_is_said(
    tmp_path: Path,
) -> None:
    text = (
        "patient_id,sex,age,prolactin,unit,pregnant,gestational_weeks\n"
        "a,F,30,300,ng/mL,yes,34\n"
        "b,F,30,300,ng/mL,yes,siehe Befund\n"
        "c,F,30,300,ng/mL,yes,33+2\n"
    )
    out, warnings = triage_csv_warned(tmp_path, text)
    for pid in "ac":
        _third_trimester_normal(out, pid)
    assert out.loc["b", "reference_stratum"] == "default:pregnant"
    assert any("siehe Befund" in w and "gestational_weeks" in w for w in warnings), warnings


# Weeks and days with unit words, in the six languages (all in the third trimester).
WEEKS_DAYS_CELLS = [
    "32 SA + 4 j",
    "32SA+4j",
    "32 SA+4",
    "32 sem + 4 d",
    "32s4d",
    "32 sett + 2 gg",
    "32 wk + 3 d",
    "32w3d",
    "32 weken en 3 dagen",
    "32 semanas y 4 días",
    "32+4 SSW",
    "SSW 32+4",
    "32+4 wk",
    "32+4 weeks",
    "32+4 weken",
    "32+4 sett",
    "32+4 sem",
    "32 4/7",
]


def test_weeks_and_days_with_unit_words_are_read_in_a_gestation_column(tmp_path: Path) -> None:
    """A Dutch export whose gestation column holds only these (no pregnancy column): before,
    the column was not used and each woman was judged as not pregnant."""
    rows = [f"P{i};V;31;300;{cell}" for i, cell in enumerate(WEEKS_DAYS_CELLS)]
    # the days are days: 27 weeks and 6 days is still the second trimester
    rows += ["late2;V;31;300;27 sem + 6 d", "late2b;V;31;300;27 SA + 6 j"]
    out = triage_lines(tmp_path, "ID;Geslacht;Leeftijd;Prolactine (ng/mL);Zwangerschapsduur", rows)
    for i in range(len(WEEKS_DAYS_CELLS)):
        _third_trimester_normal(out, f"P{i}")
    for pid in ("late2", "late2b"):
        assert out.loc[pid, "reference_stratum"] == "default:pregnant", pid


@pytest.mark.parametrize(
    ("cell", "weeks"),
    [
        ("14 SA + 3 j", 14 + 3 / 7),
        ("8s4d", 8 + 4 / 7),
        ("20 sett + 2 gg", 20 + 2 / 7),
        ("SSW 32+4", 32 + 4 / 7),
        ("34 2/7", 34 + 2 / 7),
        ("36 0/7", 36.0),
        ("12", 12.0),
        ("32w4d", 32 + 4 / 7),
        ("34 wks", 34.0),
    ],
)
def test_one_parser_reads_weeks_and_days(cell: str, weeks: float) -> None:
    """The weeks a gestation column reads (as before for "12", "32w4d", "34 wks")."""
    assert parse_weeks(cell) == pytest.approx(weeks)


def test_a_note_keeps_ordinary_durations_apart() -> None:
    """In a note, weeks and days with generic words are no gestation unless joined by "+",
    written without a space, or in a pregnancy's weeks (SA, SSW)."""
    for text in ("headache for 2 weeks and 3 days", "seit 3 Wo 2 T", "dose 1/7"):
        assert obstetric_weeks_days(text, note=True) == text
    assert obstetric_weeks_days("grossesse 14 SA + 3 j", note=True).startswith("grossesse 14+3 SA")


# ---------------------------------------------------------------------------- the notes ---
def test_gestation_written_in_notes_in_weeks_days_and_roman_trimesters(tmp_path: Path) -> None:
    notes = {
        "ega": "EGA 34 wks",
        "ega2": "EGA 34 2/7 wks",
        "gp": "G1P0 at 36 0/7 weeks",
        "us": "pregnant at 34 2/7 weeks",
        "iup": "IUP 34 0/7 wks",
        "roman": "III. Trimenon",
        "roman2": "Gravidität III. Trimenon",
        "roman3": "Schwangerschaft (III.Trimester)",
        "fr": "grossesse 32 SA + 4 j",
        "de": "SSW 32+4",
        "nl": "zwanger 32w4d",
    }
    rows = [f"{pid},F,30,300,ng/mL,{csv_quoted(text)}" for pid, text in notes.items()]
    rows += [
        # the days are days (27+6 is the second trimester), and other durations no pregnancy
        "late2,F,30,300,ng/mL," + csv_quoted("zwanger 27 wk + 6 d"),
        "headache,F,30,300,ng/mL," + csv_quoted("headache for 2 weeks and 3 days"),
        "stage,F,30,300,ng/mL," + csv_quoted("Stadium III. Therapie seit 3 Wo 2 T"),
    ]
    out = triage_lines(tmp_path, "patient_id,sex,age,prolactin,unit,comments", rows)
    for pid in notes:
        _third_trimester_normal(out, pid)
    assert out.loc["late2", "reference_stratum"] == "default:pregnant"
    for pid in ("headache", "stage"):
        assert out.loc[pid, "reference_stratum"] == "default:adult_female", pid


# ----------------------------------------------------------------------- after delivery ---
POSTPARTUM_NOTES = {
    "es": "parto hace 1 mes",
    "es2": "parto hace un mes",
    "es3": "parto hace 1 semana",
    "es4": "cesárea hace una semana",
    "es5": "cesárea hace un mes",
    "de4": "Sectio vor einem Monat",
    "it": "parto un mese fa",
    "it2": "parto 1 settimana fa",
    "fr": "accouchement il y a un mois",
    "fr2": "a accouché le 20/10/2026",
    "nl": "bevallen 1 maand geleden",
    "nl2": "bevallen een maand geleden",
    "en": "delivered a week ago",
    "de": "vor einem Monat entbunden",
    "de2": "entbunden am 20.10.2026",
    "de3": "Entbindung vor einer Woche",
    "plural": "parto hace 2 meses",
}


# one week after delivery: the first week's stratum (postpartum_first_week_weeks, its end included)
ONE_WEEK = ("es3", "es4", "it2", "en", "de3")


def test_a_delivery_with_a_singular_or_spelled_out_time_is_the_postpartum_path(
    tmp_path: Path,
) -> None:
    """80 ng/mL weeks after delivery, breastfeeding not stated: lactation likely (confirm
    feeding), as for the plural forms; before, unexplained and soon.  One week after delivery,
    its end included, is judged against postpartum_week1 (review 27: within it, no priority)."""
    rows = [f"{pid};F;31;05/11/2026;80;{text}" for pid, text in POSTPARTUM_NOTES.items()]
    # a word for one before a time unit elsewhere is no delivery
    rows += [
        "drug;F;31;05/11/2026;80;un mes de cefalea",
        "ache;F;31;05/11/2026;80;a week of headache",
    ]
    out = triage_lines(tmp_path, FRENCH, rows)
    for pid in POSTPARTUM_NOTES:
        row = out.loc[pid]
        assert "lactation" in str(row["factors"]).split(";"), (pid, row["factors"])
        assert "lactation (likely)" in str(row["factor_evidence"]), pid
        if str(row["reference_stratum"]).endswith("postpartum_week1"):
            assert pid in ONE_WEEK and row["priority"] == "none", pid
        else:
            assert pid not in ONE_WEEK, pid
            assert row["priority"] == out.loc["plural", "priority"], pid
    for pid in ("drug", "ache"):
        assert "lactation" not in str(out.loc[pid, "factors"]), pid


def test_a_delivery_days_ago_in_words_or_by_its_date_is_the_first_week(tmp_path: Path) -> None:
    """400 ng/mL a day or two after delivery is within the first week's interval
    (postpartum_week1); read without its time it was urgent."""
    notes = {
        "en": "delivered a day ago",
        "de": "vor einem Tag entbunden",
        "fr": "accouchée il y a un jour",
        "fr2": "a accouché le 03/11/2026",
        "es": "parto hace un día",
        "it": "parto un giorno fa",
        "nl": "bevallen een dag geleden",
        "de2": "entbunden am 03.11.2026",
    }
    rows = [f"{pid};F;31;05/11/2026;400;{text}" for pid, text in notes.items()]
    rows.append("undated;F;31;05/11/2026;400;a accouché")
    out = triage_lines(tmp_path, FRENCH, rows)
    for pid in notes:
        assert out.loc[pid, "reference_stratum"] == "default:postpartum_week1", pid
        assert out.loc[pid, "priority"] == "none", pid
    assert out.loc["undated", "reference_stratum"] != "default:postpartum_week1"
