"""Review 16: physiological levels judged against an adult's limits.

- late pregnancy: a usual third-trimester level (term mean ~200 ng/mL, reported ~100-600:
  clinical-reference §2.1, §4) was `high`, band `very_high`, `HH` against the whole-pregnancy
  limit (209 ng/mL), while its own evidence said the rise was usual.  Contract §7: `none` for the
  expected level of pregnancy; a band and HH belong to a `high` result (§5).  The third trimester
  now has its own stratum (default set `pregnant_t3`, up to the term range);
- the first week after delivery: breastfeeding at 250-280 ng/mL days after delivery was
  `urgent` with a prolactinoma work-up (the flat 200 ng/mL breastfeeding limit), while the same
  level days earlier, at term, was routine.  Prolactin falls from the term level over that week
  and each feed roughly doubles it (§2.1: Riordan, Tyson, Noel): the week has its own stratum
  (`postpartum_week1`); later in the first months a mild post-feed excess is breastfeeding's
  doing (`lactation_basal_stable_weeks`).  The urgent line said "no physiological state explains
  it" beside a listed state;
- neonates: 450 ng/mL was urgent at 4 days and a 5-day-old at 260 ng/mL was urgent, HH: the
  adult urgent level never makes a neonate urgent by itself (contract §7 leaves the neonatal
  period out); above CALIPER's measured limit they are high and soon (review 21).

What stays flagged: a level far above the state's interval, or with a red flag.
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = (
    "patient_id,sex,age_years,prolactin,prolactin_unit,pregnant,gestational_weeks,lactating,"
    "postpartum_weeks,symptoms,comments"
)


def _row(pid: str, sex: str, age: str, value: str, unit: str, **cells: str) -> str:
    order = ("pregnant", "gestational_weeks", "lactating", "postpartum_weeks", "symptoms")
    rest = [cells.get(name, "") for name in order]
    comments = csv_quoted(cells["comments"]) if "comments" in cells else ""
    return ",".join([pid, sex, age, value, unit, *rest, comments])


ROWS = [
    # late pregnancy (the hunter's rows, and Spanish / Italian)
    _row("P36", "F", "30", "300", "ng/mL", pregnant="yes", gestational_weeks="36"),
    _row("P38de", "F", "30", "400", "ng/mL", comments="Schwangerschaft 38. SSW"),
    _row("P35fr", "F", "30", "260", "ng/mL", comments="enceinte 35 SA"),
    _row("P39nl", "F", "28", "5600", "mIU/L", comments="zwanger 39 weken"),
    _row("P37es", "F", "30", "230", "ng/mL", comments="embarazada 37 semanas"),
    _row("P36it", "F", "30", "350", "ng/mL", comments="incinta 36 settimane"),
    # what stays flagged in pregnancy
    _row("P36far", "F", "30", "750", "ng/mL", pregnant="yes", gestational_weeks="36"),
    _row(
        "P36eye",
        "F",
        "30",
        "300",
        "ng/mL",
        pregnant="yes",
        gestational_weeks="36",
        symptoms="visual field loss",
    ),
    _row("P20", "F", "30", "300", "ng/mL", pregnant="yes", gestational_weeks="20"),
    # the first week after delivery
    _row("L7de", "F", "30", "250", "ng/mL", comments="stillt; 1 Woche post partum"),
    _row("L5fr", "F", "30", "280", "ng/mL", comments="allaitement exclusif J5 post-partum"),
    _row("L05", "F", "30", "280", "ng/mL", lactating="ja", postpartum_weeks="0.5"),
    _row("L1miu", "F", "30", "5400", "mIU/L", lactating="yes", postpartum_weeks="1"),
    _row(
        "L1it", "F", "30", "300", "ng/mL", comments="allattamento al seno, 1 settimana post partum"
    ),
    _row("L5es", "F", "30", "300", "ng/mL", comments="lactancia materna, 5 días posparto"),
    _row("L6nl", "F", "30", "300", "ng/mL", comments="borstvoeding, 6 dagen postpartum"),
    # what stays flagged, and the first months
    _row("L5far", "F", "30", "800", "ng/mL", comments="stillt; 5 Tage post partum"),
    _row("L8w", "F", "30", "260", "ng/mL", lactating="yes", postpartum_weeks="8"),
    _row("L30w", "F", "30", "260", "ng/mL", lactating="yes", postpartum_weeks="30"),
    # neonates
    _row("N3d", "M", "3 days", "450", "ng/mL"),
    _row("N4d", "M", "4 days", "450", "ng/mL"),
    _row("N5d", "F", "5 days", "260", "ng/mL"),
    _row("N29d", "M", "29 days", "200", "ng/mL"),
    _row("N30d", "M", "30 days", "200", "ng/mL"),
    _row("N10far", "M", "10 days", "900", "ng/mL"),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    tmp: Path = tmp_path_factory.mktemp("review16")
    return triage_lines(tmp, HEADER, ROWS)


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c]


# --- 1. late pregnancy ----------------------------------------------------------------------
@pytest.mark.parametrize("pid", ["P36", "P38de", "P35fr", "P39nl", "P37es", "P36it"])
def test_usual_late_pregnancy_level_is_within_its_interval(results: pd.DataFrame, pid: str) -> None:
    """§2.1/§4: term values ~100-600 ng/mL; contract §7: none for pregnancy's expected level,
    and no adult band or HH for a result that is not high (§5)."""
    row = results.loc[pid]
    assert row["status"] == "normal", row["reference_note"]
    assert row["priority"] == "none"
    assert row["interpretation"] == "N"
    assert not row["band"] or pd.isna(row["band"])
    assert row["reference_source"] == "physiological"
    assert _codes(row["factors"]) == ["pregnancy"]


def test_far_above_the_term_range_stays_urgent(results: pd.DataFrame) -> None:
    row = results.loc["P36far"]
    assert (row["status"], row["priority"]) == ("high", "urgent")
    assert "macroprolactinoma_suspected" in _codes(row["factors"])


def test_red_flag_in_late_pregnancy_stays_urgent(results: pd.DataFrame) -> None:
    """A prolactinoma can grow in pregnancy: a red flag with a level above the usual limit."""
    assert results.loc["P36eye", "priority"] == "urgent"


def test_second_trimester_keeps_the_whole_pregnancy_limit(results: pd.DataFrame) -> None:
    """Second-trimester median ~49 ng/mL (§2.1): 300 is not explained there."""
    row = results.loc["P20"]
    assert (row["status"], row["priority"]) == ("high", "urgent")
    assert row["reference_high_ng_ml"] == pytest.approx(209)


# --- 2. the first week after delivery -------------------------------------------------------
@pytest.mark.parametrize("pid", ["L7de", "L5fr", "L05", "L1miu", "L1it", "L5es", "L6nl"])
def test_first_week_after_delivery_is_not_a_prolactinoma(results: pd.DataFrame, pid: str) -> None:
    """§2.1: over the first week prolactin falls about half from the term level (up to ~600)
    and each feed doubles it; contract §7: lactation is not urgent."""
    row = results.loc[pid]
    assert row["priority"] == "none", row["reference_note"]
    assert row["status"] == "normal"
    assert row["interpretation"] == "N"
    assert _codes(row["factors"]) == ["lactation"]
    assert str(row["reference_stratum"]).endswith("postpartum_week1")


def test_far_above_the_first_week_stays_urgent_and_names_the_state(results: pd.DataFrame) -> None:
    row = results.loc["L5far"]
    assert (row["status"], row["priority"]) == ("high", "urgent")
    assert "lactation" in _codes(row["factors"])
    reasons = " ".join(s["reason"] for s in row["suggestion_details"])
    assert "no physiological state explains" not in reasons
    assert "breastfeeding" in reasons


def test_mild_post_feed_excess_in_the_first_months_is_breastfeeding(
    results: pd.DataFrame,
) -> None:
    """Basal ~100 ng/mL at 7 days and at 3 months, doubling with each feed (§2.1)."""
    row = results.loc["L8w"]
    assert (row["status"], row["priority"]) == ("high", "routine")
    assert _codes(row["factors"]) == ["lactation"]


def test_late_breastfeeding_keeps_only_its_interval(results: pd.DataFrame) -> None:
    """~50 ng/mL basal at 6 months (§2.1): 260 is more than feeding explains."""
    assert results.loc["L30w", "priority"] == "urgent"


# --- 3. neonates ----------------------------------------------------------------------------
@pytest.mark.parametrize("pid", ["N3d", "N29d"])
def test_neonatal_surge_is_not_flagged(results: pd.DataFrame, pid: str) -> None:
    """Perlman 1978 (§2.1): day-1 mean 267; CALIPER 4-29 days up to 212.8."""
    row = results.loc[pid]
    assert row["priority"] == "none", row["reference_note"]
    assert row["status"] == "normal"
    assert _codes(row["factors"]) == ["neonatal"]


@pytest.mark.parametrize(
    ("pid", "limit", "priority"),
    [("N4d", 212.8, "urgent"), ("N5d", 212.8, "urgent"), ("N30d", 113.7, "soon")],
)
def test_neonatal_measured_limit_holds(
    results: pd.DataFrame, pid: str, limit: float, priority: str
) -> None:
    """CALIPER's measured limits (§2.1) hold over their whole age span (review 21): above them
    high; above the urgent level (contract §7) urgent, as the neonatal period does not explain a
    result beyond its interval (review 24: 450 and 260 ng/mL at 4-5 days), else soon."""
    row = results.loc[pid]
    assert float(row["reference_high_ng_ml"]) == pytest.approx(limit)
    assert (row["status"], row["priority"]) == ("high", priority)


def test_neonate_far_above_is_urgent_never_a_prolactinoma(results: pd.DataFrame) -> None:
    """900 ng/mL at 10 days, 4x the neonatal limit: urgent (contract §7: the neonatal period
    does not explain it; review 24), never a suspected prolactinoma from the adult levels."""
    row = results.loc["N10far"]
    assert (row["status"], row["priority"]) == ("high", "urgent")
    codes = _codes(row["factors"])
    assert "neonatal" in codes
    assert not {"prolactinoma_suspected", "macroprolactinoma_suspected"} & set(codes)
