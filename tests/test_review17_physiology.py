"""Review 17: physiological states and age against the right interval.

- breastfeeding with no time since delivery ("stillt", "allaite", "lactancia", "allatta",
  "geeft borstvoeding", a lactation yes/no column) at ~300 ng/mL was urgent and "more than
  breastfeeding explains".  Basal prolactin is ~100 ng/mL from day 7 to 3 months and each feed
  roughly doubles it, but ~50 ng/mL at 6 months (clinical-reference §2.1): the level is neither
  explained nor beyond physiology until the time is known.  Within the first months' allowance
  it is soon (not urgent, not routine) and the lactation finding asks when she delivered; above
  it, or with a red flag, it stays urgent;
- weeks after delivery with breastfeeding not stated, a level early breastfeeding gives was
  urgent and a likely prolactinoma; now soon, with the question whether she breastfeeds;
- infants (1 month to 1 year: "5 Monate", "8 mois", a birth date, "0 y") were held to the adult
  urgent level (5,000 mIU/L, an adult referral line) and called prolactinomas from adult
  levels; CALIPER 30 days to <1 year is 6.3-113.7 ng/mL.  Never a suspected prolactinoma from
  the level; review 22 restored contract §7's urgent level beyond the neonatal period;
- sex unknown with a lab interval per menopausal group and for men: judged against the women's
  group that fits the age and the men's together (every women's group when the age does not
  tell), as review 16 did for a women's and men's interval; French, Italian and abbreviated group
  words ("femmes non ménopausées", "donne in postmenopausa", "F premenop") are read;
- a planned termination ("Schwangerschaftsabbruch geplant", "IVG prévue", "interruzione di
  gravidanza programmata", "aborto programado") means she is pregnant now; a past one ("Z.n.
  Abruptio 2023", "IVG en 2022") does not.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = (
    "patient_id,sex,age_years,birth_date,collected_at,prolactin,prolactin_unit,lactating,"
    "postpartum_weeks,reference_range,comments"
)
PER_GROUP = "Men: 2.5-17; premenopausal women: 4.8-23.3; postmenopausal women: 3.6-18.9"


def _row(pid: str, sex: str, age: str, value: str, unit: str = "ng/mL", **cells: str) -> str:
    rest = [cells.get(name, "") for name in ("birth_date", "collected_at", "lactating")]
    weeks = cells.get("postpartum_weeks", "")
    ranges = csv_quoted(cells["reference_range"]) if "reference_range" in cells else ""
    comments = csv_quoted(cells["comments"]) if "comments" in cells else ""
    return ",".join([pid, sex, age, *rest[:2], value, unit, rest[2], weeks, ranges, comments])


ROWS = [
    # 1. breastfeeding, time since delivery not stated
    _row("Len", "F", "30", "300", comments="breastfeeding"),
    _row("Lde", "F", "31", "300", comments="stillt"),
    _row("Lfr", "F", "29", "300", comments="allaite"),
    _row("Les", "F", "32", "300", comments="lactancia materna"),
    _row("Lit", "F", "30", "300", comments="allatta al seno"),
    _row("Lnl", "F", "33", "300", comments="geeft borstvoeding"),
    _row("Lcol", "F", "30", "6400", "mIU/L", lactating="ja"),
    _row("Lword", "F", "30", "300", comments="lactation"),
    # what stays urgent: above the first months' allowance (2.5 x 200 ng/mL), or a red flag
    _row("Lfar", "F", "30", "650", comments="stillt"),
    _row("Leye", "F", "30", "300", lactating="yes", comments="visual field loss"),
    # known times, unchanged: early (a post-feed peak) and late (basal ~50 ng/mL)
    _row("L8w", "F", "30", "300", lactating="yes", postpartum_weeks="8"),
    _row("L30w", "F", "30", "300", lactating="yes", postpartum_weeks="30"),
    # 2. weeks after delivery, breastfeeding not stated
    _row("Pde", "F", "30", "300", comments="3 Wochen post partum"),
    _row("Pfr", "F", "30", "300", comments="3 semaines après l'accouchement"),
    _row("Pes", "F", "30", "6400", "mIU/L", comments="postparto 3 semanas"),
    _row("Pcol", "F", "30", "300", postpartum_weeks="3"),
    _row("Pmild", "F", "30", "60", comments="3 weken na de bevalling"),
    _row("Pbottle", "F", "30", "300", postpartum_weeks="3", comments="nicht stillend"),
    _row("P20w", "F", "30", "300", postpartum_weeks="20"),
    # 3. infants
    _row("I5m", "F", "5 Monate", "300"),
    _row("I8m", "M", "8 mois", "6400", "mIU/L"),
    _row("Ibd", "F", "0", "300", birth_date="2025-06-01", collected_at="2026-03-01"),
    _row("I0y", "M", "0 y", "300"),
    _row("I0far", "M", "0", "700"),
    _row("Ieye", "M", "6 meses", "300", comments="papilledema, visual field defect"),
    _row("Inorm", "F", "9 maanden", "90"),
    _row("C5y", "M", "5", "300"),
    # 4. sex unknown, a lab interval per menopausal group and for men
    _row("U45", "", "45", "20", reference_range=PER_GROUP),
    _row("U45hi", "", "45", "25", reference_range=PER_GROUP),
    _row("U62", "", "62", "20", reference_range=PER_GROUP),
    _row("Unoage", "", "", "20", reference_range=PER_GROUP),
    _row("Unorm", "", "40", "10", reference_range=PER_GROUP),
    _row(
        "Ufr",
        "",
        "45",
        "25",
        reference_range="Hommes 2,5-17 ; femmes non ménopausées 4,8-23,3 ; femmes ménopausées "
        "3,6-18,9",
    ),
    _row(
        "Uit",
        "",
        "45",
        "20",
        reference_range="uomini 2,5-17; donne in premenopausa 4,8-23,3; donne in postmenopausa "
        "3,6-18,9",
    ),
    _row("Uabbr", "", "45", "20", reference_range="M 2.5-17 / F premenop 4.8-23.3 / F postmenop"),
    _row("Wfr", "F", "30", "20", reference_range="Hommes 2,5-17 ; femmes non ménopausées 4,8-23,3"),
    # 5. a planned termination: pregnant now; a past one: not
    _row("Tde", "F", "30", "150", comments="Schwangerschaftsabbruch geplant"),
    _row("Tfr", "F", "30", "150", comments="IVG prévue"),
    _row("Tit", "F", "30", "150", comments="interruzione di gravidanza programmata"),
    _row("Tes", "F", "30", "150", comments="aborto programado"),
    _row("Ten", "F", "30", "150", comments="termination of pregnancy booked"),
    _row("Tnl", "F", "30", "150", comments="zwangerschapsafbreking gepland"),
    _row("Xde", "F", "30", "150", comments="Z.n. Abruptio 2023"),
    _row("Xfr", "F", "30", "150", comments="IVG en 2022"),
    _row("Xther", "F", "30", "150", comments="Therapieabbruch geplant; termination of IVF planned"),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    tmp: Path = tmp_path_factory.mktemp("review17")
    return triage_lines(tmp, HEADER, ROWS)


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c]


# --- 1. breastfeeding with no time since delivery -----------------------------------------------
@pytest.mark.parametrize("pid", ["Len", "Lde", "Lfr", "Les", "Lit", "Lnl", "Lcol", "Lword"])
def test_breastfeeding_without_its_time_is_not_urgent_and_asks_for_it(
    results: pd.DataFrame, pid: str
) -> None:
    """§2.1: basal ~100 ng/mL to 3 months, each feed doubling it; ~50 ng/mL at 6 months.  The
    time decides, so soon with the question, never urgent nor a prolactinoma from the level."""
    row = results.loc[pid]
    assert (row["status"], row["priority"]) == ("high", "soon"), row["factor_evidence"]
    assert _codes(row["factors"]) == ["lactation"]
    assert "time since delivery not stated" in row["factor_evidence"]
    assert "confirm when she delivered" in row["factor_evidence"]
    assert "urgent_endocrine_referral" not in _codes(row["suggestions"])
    assert "pituitary_mri" not in _codes(row["suggestions"])


def test_beyond_every_early_stage_or_with_a_red_flag_stays_urgent(results: pd.DataFrame) -> None:
    far = results.loc["Lfar"]
    assert far["priority"] == "urgent"
    assert "macroprolactinoma_suspected" in _codes(far["factors"])
    assert "do not explain the level" in far["factor_evidence"]
    assert results.loc["Leye", "priority"] == "urgent"


def test_a_stated_time_keeps_its_reading(results: pd.DataFrame) -> None:
    """8 weeks: a post-feed peak on the early basal level (routine); 30 weeks: more than
    feeding explains (urgent) — the question is only for an unknown time."""
    assert results.loc["L8w", "priority"] == "routine"
    assert results.loc["L30w", "priority"] == "urgent"
    for pid in ("L8w", "L30w"):
        assert "time since delivery not stated" not in results.loc[pid, "factor_evidence"]


# --- 2. weeks after delivery, breastfeeding not stated -----------------------------------------
@pytest.mark.parametrize("pid", ["Pde", "Pfr", "Pes", "Pcol"])
def test_postpartum_weeks_with_feeding_unknown_ask_whether_she_breastfeeds(
    results: pd.DataFrame, pid: str
) -> None:
    """At 3 weeks a breastfeeding mother's post-feed level reaches this; without breastfeeding
    prolactin is back to non-pregnant levels by day 7 (§2.1): whether she feeds decides."""
    row = results.loc[pid]
    assert (row["status"], row["priority"]) == ("high", "soon"), row["factor_evidence"]
    assert _codes(row["factors"]) == ["lactation"]
    assert "confirm whether she is breastfeeding" in row["factor_evidence"]
    assert "pituitary_mri" not in _codes(row["suggestions"])


def test_postpartum_feeding_unknown_mild_and_the_cases_that_stay(results: pd.DataFrame) -> None:
    mild = results.loc["Pmild"]
    assert mild["priority"] == "routine"
    assert "confirm whether she is breastfeeding" in mild["factor_evidence"]
    # not breastfeeding, or 20 weeks (past the early allowance): urgent as before
    for pid in ("Pbottle", "P20w"):
        assert results.loc[pid, "priority"] == "urgent", pid


# --- 3. infants -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("pid", "priority"),
    [("I5m", "urgent"), ("I8m", "urgent"), ("Ibd", "urgent"), ("I0y", "soon"), ("I0far", "urgent")],
)
def test_an_infants_level_names_no_prolactinoma(
    results: pd.DataFrame, pid: str, priority: str
) -> None:
    """CALIPER 30 days to <1 year 6.3-113.7 ng/mL (§2.1): never a prolactinoma from the level.
    Beyond the neonatal period above the urgent level of contract §7 it is urgent (review 22:
    5 and 8 months, a birth date 9 months before); an age of 0 without days may be a neonate's
    (soon, never routine), unless above every neonatal limit (700 ng/mL: urgent, review 24)."""
    row = results.loc[pid]
    assert row["priority"] == priority, row["factor_evidence"]
    assert not {"prolactinoma_suspected", "macroprolactinoma_suspected"} & set(
        _codes(row["factors"])
    )
    assert row["reference_source"] != "row"
    assert "adult" not in str(row["reference_stratum"])


def test_infant_interval_red_flag_and_an_older_child(results: pd.DataFrame) -> None:
    assert results.loc["I5m", "reference_high_ng_ml"] == pytest.approx(113.7)
    assert (results.loc["Inorm", "status"], results.loc["Inorm", "priority"]) == ("normal", "none")
    assert results.loc["Ieye", "priority"] == "urgent"  # a red flag at any age
    # a child above the urgent level is urgent (contract §7, review 22)
    assert results.loc["C5y", "priority"] == "urgent"


# --- 4. sex unknown, a lab interval per menopausal group ---------------------------------------
def test_unknown_sex_is_judged_against_the_lab_groups_that_may_fit(results: pd.DataFrame) -> None:
    # 45: premenopausal 4.8-23.3 and men 2.5-17 (the lab's, never the default set's)
    row = results.loc["U45"]
    assert row["reference_source"] == "row"
    assert row["status"] == "indeterminate"
    assert "premenopausal women 4.8–23.3" in row["reference_note"]
    assert "men 2.5–17" in row["reference_note"]
    assert results.loc["U45hi", "status"] == "high"  # above every group
    assert results.loc["Unorm", "status"] == "normal"  # within every group
    # 62: the postmenopausal group and the men's
    older = results.loc["U62"]
    assert older["status"] == "high"
    assert "postmenopausal women 3.6–18.9" in older["reference_note"]
    # no age: every women's group and the men's
    note = results.loc["Unoage", "reference_note"]
    assert "premenopausal women" in note and "postmenopausal women" in note
    assert results.loc["Unoage", "status"] == "indeterminate"


def test_menopausal_group_words_in_other_languages(results: pd.DataFrame) -> None:
    assert (results.loc["Ufr", "reference_source"], results.loc["Ufr", "status"]) == (
        "row",
        "high",
    )
    assert results.loc["Uit", "reference_source"] == "row"
    assert results.loc["Uit", "status"] == "indeterminate"
    # "non ménopausées" is the premenopausal group, never the postmenopausal one
    assert results.loc["Wfr", "reference_high_ng_ml"] == pytest.approx(23.3)
    assert results.loc["Wfr", "status"] == "normal"


# --- 5. a planned termination -------------------------------------------------------------------
@pytest.mark.parametrize("pid", ["Tde", "Tfr", "Tit", "Tes", "Ten", "Tnl"])
def test_a_planned_termination_means_pregnant_now(results: pd.DataFrame, pid: str) -> None:
    row = results.loc[pid]
    assert row["reference_source"] == "physiological", row["reference_note"]
    assert (row["status"], row["priority"]) == ("normal", "none")
    assert _codes(row["factors"]) == ["pregnancy"]


@pytest.mark.parametrize("pid", ["Xde", "Xfr", "Xther"])
def test_a_past_termination_or_another_plan_is_not_a_pregnancy(
    results: pd.DataFrame, pid: str
) -> None:
    row = results.loc[pid]
    assert row["reference_source"] == "set"
    assert row["status"] == "high"
    assert "pregnancy" not in _codes(row["factors"])
