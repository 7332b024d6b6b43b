"""Review 13: a delivery of known date long enough ago for ovulation to have returned, without
breastfeeding, no longer removes the pregnancy test from a raised result (a woman two years
after a delivery can be pregnant again); shortly after a delivery, or while breastfeeding, the
test stays out as before (thresholds.toml postpartum_pregnancy_possible_weeks)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv

HEADERS = ["Weeks postpartum", "Wochen postpartal", "Semaines post-partum", "Semanas posparto"]
FEEDING = {"no": "no", "yes": "yes", "": ""}


def _suggested(tmp_path: Path, header: str, weeks: str, feeding: str) -> list[str]:
    text = (
        f"Patient ID,Sex,Age,Prolactin (ng/mL),{header},Breastfeeding\n"
        f"P1,F,30,60,{weeks},{feeding}\n"
    )
    results = triage_csv(tmp_path, text)
    return str(results["suggestions"].iloc[0]).split(";")


@pytest.mark.parametrize("header", HEADERS)
@pytest.mark.parametrize("weeks", ["6", "52", "104"])
def test_a_delivery_long_ago_without_breastfeeding_keeps_the_pregnancy_test(
    tmp_path: Path, header: str, weeks: str
) -> None:
    assert "pregnancy_test" in _suggested(tmp_path, header, weeks, "no")


@pytest.mark.parametrize("header", HEADERS)
def test_days_after_a_delivery_need_no_pregnancy_test(tmp_path: Path, header: str) -> None:
    assert "pregnancy_test" not in _suggested(tmp_path, header, "2", "no")


@pytest.mark.parametrize("header", HEADERS)
def test_breastfeeding_after_a_delivery_still_leaves_the_test_out(
    tmp_path: Path, header: str
) -> None:
    assert "pregnancy_test" not in _suggested(tmp_path, header, "30", "yes")
