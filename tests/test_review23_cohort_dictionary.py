"""Review 23 (research-cohort exports: REDCap, SPSS, Castor, Stata; EN, NL, IT).

* a wide file's age at each visit ("age_v1" | "prl_v1" | "age_v2" | "prl_v2", "eta_v2",
  "agemo_12m") was ignored: every visit was judged at the first visit's age, and an infant's
  150 ng/mL at six months was a false normal against the neonatal interval.  A visit reads its
  own age column (contract §4/§5: the interval of the age at the sample); a baseline age
  ("age_bl_years", "leeftijd_bl") is advanced by the time between the visit dates, as a long
  file's is, and without the dates a later visit's age is unknown, never the baseline's.

Synthetic patients only; through the public pipeline, one small file per test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv_warned

INFANT_HIGH = 150  # ng/mL: above the 3 months - 1 year interval, within the neonatal one


def _visits(tmp_path: Path, text: str) -> tuple[pd.DataFrame, list[str]]:
    out, warnings = triage_csv_warned(tmp_path, text)
    return out.reset_index(), warnings


@pytest.mark.parametrize(
    "text",
    [
        "participant_id,sex,age_v1,prl_v1_ngml,age_v2,prl_v2_ngml\nP1,F,0.05,160,0.55,150\n",
        "codice_paziente,sesso,eta_v1,prolattina_v1 (ng/ml),eta_v2,prolattina_v2 (ng/ml)\n"
        "P1,F,0.05,160,0.55,150\n",
        "study_id,sex,agemo_bl,prl_bl_ngml,agemo_6m,prl_6m_ngml\nP1,F,0.6,160,6.6,150\n",
        "record_id,sex,age_m0 (months),prl_m0 (ng/mL),age_m6 (months),prl_m6 (ng/mL)\n"
        "P1,F,0.6,160,6.6,150\n",
    ],
    ids=["en", "it", "glued-months", "months-bracketed"],
)
def test_each_visit_reads_its_own_age(tmp_path: Path, text: str) -> None:
    out, _ = _visits(tmp_path, text)
    later = out[out["prolactin_ng_ml"] == INFANT_HIGH].iloc[0]
    assert 0.5 < later["age_years"] < 0.6
    assert later["status"] == "high"
    assert "neonatal" not in later["factors"]


@pytest.mark.parametrize(
    "text",
    [
        "participant_id,sex,age_bl_years,date_v1,prl_v1_ngml,date_v2,prl_v2_ngml\n"
        "P1,F,0.05,2024-01-10,160,2024-07-10,150\n",
        "patientnummer,geslacht,leeftijd_bl,afnamedatum_v1,prolactine_v1 (ug/l),"
        "afnamedatum_v2,prolactine_v2 (ug/l)\nP1,F,0.05,2024-01-10,160,2024-07-10,150\n",
    ],
    ids=["en", "nl"],
)
def test_a_baseline_age_is_advanced_by_the_visit_dates(tmp_path: Path, text: str) -> None:
    out, _ = _visits(tmp_path, text)
    first = out[out["prolactin_ng_ml"] == 160].iloc[0]
    later = out[out["prolactin_ng_ml"] == INFANT_HIGH].iloc[0]
    assert first["age_years"] == pytest.approx(0.05)
    assert later["age_years"] == pytest.approx(0.05 + 182 / 365.25, abs=0.01)
    assert later["status"] == "high"


def test_a_teenager_crossing_eighteen_is_judged_as_an_adult_at_the_later_visit(
    tmp_path: Path,
) -> None:
    text = (
        "patientnummer,geslacht,leeftijd_bl,afnamedatum_v1,prolactine_v1 (ug/l),"
        "afnamedatum_v2,prolactine_v2 (ug/l)\nP1,M,17.6,2023-03-01,17,2024-09-01,19.5\n"
    )
    out, _ = _visits(tmp_path, text)
    later = out[out["prolactin_ng_ml"] == 19.5].iloc[0]
    assert later["age_years"] > 18


def test_without_dates_a_later_visit_does_not_take_the_baseline_age(tmp_path: Path) -> None:
    text = "participant_id,sex,age_bl_years,prl_v1_ngml,prl_v2_ngml\nP1,F,0.05,160,150\n"
    out, warnings = _visits(tmp_path, text)
    first = out[out["prolactin_ng_ml"] == 160].iloc[0]
    later = out[out["prolactin_ng_ml"] == INFANT_HIGH].iloc[0]
    assert first["age_years"] == pytest.approx(0.05)
    assert pd.isna(later["age_years"])
    assert "neonatal" not in later["factors"]
    assert any("age left unknown" in w for w in warnings)
