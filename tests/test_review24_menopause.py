"""Review 24 (gynaecology, menopause and contraception clinic, FR/DE/UK/BE): the menopause.

* a last period written as a date, a month and year, a year in words, or a time without periods
  ("aménorrhée depuis 18 mois") a year or more before the sample was read as "still
  menstruating": the premenopausal interval (a false normal) and a pregnancy test at 61
  (clinical-reference §2.1 postmenopausal 2.0-20.0; §1.4 no hCG after the menopause; the
  menopause is 12 months without a period from ~45: thresholds.toml menopause_min_age_years,
  menopause_amenorrhoea_months).  Below that age it stays an amenorrhoea;
* the lab's own interval per menopausal group in common wordings (the group after its numbers,
  "en activité génitale", "in der Menopause", "in età fertile", "edad fértil", "phase
  folliculaire") was not read, and the default set's wider interval judged the row
  (clinical-reference §2.2: always prefer the lab's interval);
* a menopausal status not known (no age, 45-54 without a status, "?", "inconnu", "unbekannt",
  "peri/post?") or contradicted took the premenopausal interval alone: it is judged against the
  premenopausal and the postmenopausal interval together (contract §5: never a false normal).

Synthetic patients only; through the public pipeline, one CSV per test, one row a phrasing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv_warned

POST = "default:postmenopausal"
PRE = "default:adult_female"
SAMPLE = "2026-11-10 09:30"


def _table(header: list[str], rows: list[dict[str, str]]) -> str:
    """A wide CSV: one row per {column: cell} (patient P<i>, a woman unless it says)."""
    head = ["patient_id", "sex", "age", "prolactin (ng/mL)", "collected", *header]
    lines = [",".join(head)]
    for i, filled in enumerate(rows):
        row = [f"P{i}", filled.get("sex", "F"), filled.get("age", ""), filled["prl"], SAMPLE]
        row += [csv_quoted(filled[h]) if h in filled else "" for h in header]
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def _run(tmp_path: Path, header: list[str], rows: list[dict[str, str]]) -> list[pd.Series]:
    out, _ = triage_csv_warned(tmp_path, _table(header, rows))
    return [out.loc[f"P{i}"] for i in range(len(rows))]


def _codes(row: pd.Series) -> list[str]:
    return str(row["suggestions"]).split(";")


# --- 1. a last period long ago is the menopause from ~45 --------------------------------------
LAPSED = [
    ("61", "LMP 15.03.2015"),
    ("61", "DDR le 12/01/2016"),
    ("58", "letzte Periode am 03.02.2019"),
    ("56", "FUR 10/05/2020"),
    ("50", "last menstrual period 03/2021"),
    ("50", "laatste menstruatie 03/2021"),
    ("52", "dernières règles en 2021"),
    ("50", "letzte Menstruation 2020"),
    ("50", "aménorrhée depuis 18 mois"),
    ("50", "amenorrhoea for 2 years"),
    ("50", "seit 2 Jahren keine Blutung mehr"),
    ("52", "FSH 85 IU/L; amenorrhoea 14 months"),
    ("51", "amenorrea da 14 mesi"),
]


def test_a_last_period_a_year_or_more_ago_is_the_menopause_from_45(tmp_path: Path) -> None:
    rows = [{"age": age, "prl": "25", "comments": note} for age, note in LAPSED]
    for (_, note), row in zip(LAPSED, _run(tmp_path, ["comments"], rows), strict=True):
        assert row["reference_stratum"] == POST, (note, row["reference_note"])
        assert row["status"] == "high", note
        assert "pregnancy_test" not in _codes(row), note


def test_an_old_lmp_date_never_contradicts_a_stated_postmenopause(tmp_path: Path) -> None:
    rows = [
        {"age": "53", "prl": "25", "menopausal": "postmenopausal", "comments": "LMP 15.03.2021"},
        {"age": "53", "prl": "25", "menopausal": "ménopausée", "comments": "DDR 02/03/2021"},
    ]
    for row in _run(tmp_path, ["menopausal", "comments"], rows):
        assert row["reference_stratum"] == POST
        assert row["status"] == "high"
        assert "conflicting_context" not in _codes(row)


def test_a_recent_period_or_a_young_woman_stays_premenopausal(tmp_path: Path) -> None:
    """A last period weeks ago at 50 is a cycling woman's; no period for two years at 30 is an
    amenorrhoea (a symptom, pregnancy test first), never the menopause."""
    rows = [
        {"age": "50", "prl": "25", "comments": "LMP 15.10.2026"},
        {"age": "30", "prl": "25", "comments": "LMP 15.03.2015"},
        {"age": "30", "prl": "25", "comments": "amenorrhoea for 2 years"},
    ]
    recent, old, amenorrhoea = _run(tmp_path, ["comments"], rows)
    assert recent["reference_stratum"] == PRE and recent["status"] == "normal"
    for row in (old, amenorrhoea):
        assert row["reference_stratum"] == PRE
        assert row["status"] == "normal"


# --- 2. the lab's interval per menopausal group -----------------------------------------------
LAB_GROUPS = [
    ("30", "26", "Femmes en activité génitale 4.8-23.3 ; Femmes ménopausées 4.0-15.0", 23.3),
    ("30", "26", "Women: 4.8-23.3 (pre-menopausal), 4.0-15.0 (post-menopausal)", 23.3),
    ("30", "26", "Frauen: 4,8-23,3 (prämenopausal); 4,0-15,0 (postmenopausal)", 23.3),
    ("58", "18", "Frauen 4.8-23.3; Frauen in der Menopause 4.0-15.0", 15.0),
    ("30", "26", "Femme 4.8-23.3 (phase folliculaire)", 23.3),
    ("58", "18", "Femmes non ménopausées 4.8-23.3 ; Femmes ménopausées 4.0-15.0", 15.0),
    ("58", "18", "Femmes: 4,8-23,3 (non ménopausées) / 4,0-15,0 (ménopausées)", 15.0),
    ("30", "26", "vrouwen 4.8-23.3 (premenopauzaal), 4.0-15.0 (postmenopauzaal)", 23.3),
    ("30", "26", "Donne in età fertile 4.8-23.3; donne in menopausa 4.0-15.0", 23.3),
    ("58", "18", "Donne in età fertile 4.8-23.3; donne in menopausa 4.0-15.0", 15.0),
    ("30", "26", "Mujeres edad fértil 4.8-23.3 / posmenopausia 4.0-15.0", 23.3),
    ("30", "26", "Frauen im fertilen Alter 4.8-23.3; postmenopausal 4.0-15.0", 23.3),
]


def test_the_labs_interval_per_menopausal_group_is_read(tmp_path: Path) -> None:
    rows = [{"age": a, "prl": p, "reference_range": cell} for a, p, cell, _ in LAB_GROUPS]
    found = _run(tmp_path, ["reference_range"], rows)
    for (_, _, cell, high), row in zip(LAB_GROUPS, found, strict=True):
        assert row["reference_source"] == "row", (cell, row["reference_note"])
        assert row["reference_high_ng_ml"] == pytest.approx(high), cell
        assert row["status"] == "high", cell


def test_a_uk_womens_interval_labelled_after_its_unit_is_read(tmp_path: Path) -> None:
    text = (
        "patient_id,sex,age,prolactin,unit,collected,reference_range\n"
        f"P0,F,30,550,mU/L,{SAMPLE},Female 102-496 mU/L (pre-menopausal)\n"
    )
    out, _ = triage_csv_warned(tmp_path, text)
    row = out.loc["P0"]
    assert row["reference_source"] == "row", row["reference_note"]
    assert row["status"] == "high"


def test_the_labs_group_follows_the_status_the_notes_give(tmp_path: Path) -> None:
    """An old LMP at 52: the lab's postmenopausal group; regular cycles at 57: its
    premenopausal one; a status written as unknown at 50: both, the lab's own (never the set's
    instead)."""
    cell = "Femmes en activité génitale 4.8-23.3 ; Femmes ménopausées 4.0-15.0"
    rows = [
        {"age": "52", "prl": "20", "comments": "LMP 15.03.2015", "reference_range": cell},
        {"age": "57", "prl": "20", "comments": "regular cycles", "reference_range": cell},
        {"age": "50", "prl": "20", "menopausal": "inconnu", "reference_range": cell},
        {"age": "50", "prl": "25", "menopausal": "inconnu", "reference_range": cell},
    ]
    header = ["comments", "menopausal", "reference_range"]
    old, cycling, open_, above = _run(tmp_path, header, rows)
    assert old["reference_high_ng_ml"] == pytest.approx(15.0) and old["status"] == "high"
    assert cycling["reference_high_ng_ml"] == pytest.approx(23.3)
    assert cycling["status"] == "normal"
    for row in (open_, above):
        assert row["reference_source"] == "row", row["reference_note"]
        assert "menopausal status unknown" in row["reference_note"]
    assert open_["status"] == "indeterminate"
    assert above["status"] == "high"


# --- 3. a menopausal status not known or contradicted: both women's intervals ------------------
OPEN = [
    {"age": "52", "comments": "postmenopausal; regular cycles"},
    {"age": "52", "menopausal": "ménopausée", "comments": "J3 du cycle"},
    {"age": "40", "menopausal": "?"},
    {"age": "40", "menopausal": "inconnu"},
    {"age": "40", "menopausal": "unbekannt"},
    {"age": "40", "menopausal": "peri/post?"},
    {"age": "40", "menopausal": "postmenopausal?"},
]


def test_a_status_not_given_keeps_the_premenopausal_interval_before_the_usual_age(
    tmp_path: Path,
) -> None:
    """Not given at 46 or 50, or with no age: the set's premenopausal interval, as before review
    24 (a lab's export without menopausal status must not make every woman of 45-54 between the
    two limits indeterminate)."""
    rows = [{"age": "46", "prl": "25"}, {"age": "50", "prl": "25"}, {"prl": "25"}]
    for row in _run(tmp_path, [], rows):
        assert row["status"] == "normal", row["reference_note"]


@pytest.mark.parametrize(("prl", "status"), [("25", "indeterminate"), ("35", "high")])
def test_an_open_menopausal_status_is_judged_against_both_womens_intervals(
    tmp_path: Path, prl: str, status: str
) -> None:
    rows = [{**cells, "prl": prl} for cells in OPEN]
    for cells, row in zip(OPEN, _run(tmp_path, ["menopausal", "comments"], rows), strict=True):
        assert set(row["reference_stratum"].split("|")) == {PRE, POST}, (cells, row)
        assert row["status"] == status, cells
        assert "menopausal status unknown" in row["reference_note"], cells


def test_an_open_status_within_both_intervals_is_normal(tmp_path: Path) -> None:
    rows = [{**cells, "prl": "12"} for cells in OPEN]
    for cells, row in zip(OPEN, _run(tmp_path, ["menopausal", "comments"], rows), strict=True):
        assert row["status"] == "normal", cells


def test_a_known_status_or_age_keeps_its_one_interval(tmp_path: Path) -> None:
    """Guards: a woman of 30, a stated status, a woman of 70 (assumed postmenopausal)."""
    rows = [
        {"age": "30", "prl": "25"},
        {"age": "50", "prl": "25", "menopausal": "prämenopausal"},
        {"age": "50", "prl": "25", "comments": "regular cycles"},
        {"age": "50", "prl": "25", "menopausal": "yes"},
        {"age": "70", "prl": "25"},
    ]
    young, pre, cycling, post, old = _run(tmp_path, ["menopausal", "comments"], rows)
    for row in (young, pre, cycling):
        assert row["reference_stratum"] == PRE and row["status"] == "normal"
    for row in (post, old):
        assert row["reference_stratum"] == POST and row["status"] == "high"
