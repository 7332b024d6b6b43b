"""Review 24 mends (dated entries): a feeding entry's own date, and a chest-wall lesion's day.

* A breastfeeding entry followed by a lone date ("Breastfeeding 01/01/2026", "Breast feeding -
  01/01/2026", sampled 2026-11-20) was cut off by the pregnancy length (thresholds.toml
  pregnancy_post_term_weeks) and read as over: a lactating woman's 60 ng/mL became high and
  unexplained.  Breastfeeding lasts months to years (clinical-reference §1.1: lactation is a
  physiological cause): a lone day or month after a feeding entry is when it began; it is over
  only when an end word says so.  The cut-off stays for a pregnancy.
* The patient-state reader took its menopause age and its pregnancy, term and amenorrhoea
  lengths from the shipped thresholds.toml while its other thresholds came from the run's
  Knowledge: it now takes the run's thresholds (read_states(thresholds=...)).
* A chest-wall lesion dated on a day ("Herpes zoster T4 20/12/2025", sampled 2026-01-05) was
  compared by its year only, so 16 days before the sample counted as healed.  A day or month in
  an earlier year is now healed only past thresholds.toml chest_wall_healed_days (zoster heals in
  2-4 weeks); one in the sample's own year stays a possible cause, as before.

Synthetic patients only; through the public pipeline, one CSV per test, one row a phrasing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv_warned

from triage.engine import canonical_frame
from triage.engine.state import PatientState, read_states
from triage.knowledge import load_knowledge
from triage.knowledge.model import Thresholds


def _table(
    notes: list[str], *, prolactin: str, sex: str = "F", age: str = "30", sample: str
) -> str:
    lines = ["patient_id,sex,age,prolactin (ng/mL),collected,Problems"]
    for i, note in enumerate(notes):
        lines.append(f"P{i},{sex},{age},{prolactin},{sample},{csv_quoted(note)}")
    return "\n".join(lines) + "\n"


def _row(tmp_path: Path, note: str, **kwargs: str) -> pd.Series:
    out, _ = triage_csv_warned(tmp_path, _table([note], **kwargs))
    return out.loc["P0"]


def _codes(row: pd.Series) -> list[str]:
    return [item["code"] for item in row["factor_details"]]


# --- feeding: a lone date is when it began ------------------------------------------------------

DATED_FEEDING = [
    "Breastfeeding 01/01/2026",
    "Breast feeding - 01/01/2026",
    "Breastfeeding 01-Jan-2026",
    "Lactating 01/01/2026",
    "Stillzeit 01.01.2026",
    "Stillen - 01.01.2026",
    "allaitement 01/01/2026",
    "lactancia materna 01/01/2026",
    "allattamento 01/01/2026",
    "borstvoeding 01-01-2026",
    # a month written alone, in the year before the sample's
    "Breastfeeding 12/2025",
]


@pytest.mark.parametrize("note", DATED_FEEDING)
def test_a_feeding_entry_with_a_lone_date_stays_current(tmp_path: Path, note: str) -> None:
    # 60 ng/mL in a woman of 30, 46 weeks after the entry's date: within the lactation interval
    row = _row(tmp_path, note, prolactin="60", sample="2026-11-20")
    assert "lactation" in _codes(row), (note, row["factor_details"])
    assert row["status"] == "normal", (note, row["status"])


@pytest.mark.parametrize(
    "note", ["Breastfeeding - stopped 2024", "Stillen - abgestillt 2024", "Pregnancy 12/01/2026"]
)
def test_an_ended_feeding_or_an_old_pregnancy_stays_past(tmp_path: Path, note: str) -> None:
    row = _row(tmp_path, note, prolactin="118", sample="2026-11-14")
    assert "lactation" not in _codes(row), (note, _codes(row))
    assert "pregnancy" not in _codes(row), (note, _codes(row))
    assert row["status"] == "high", (note, row["status"])


# --- a chest-wall lesion: a day compared by days ------------------------------------------------

RECENT_LESIONS = [
    "Herpes zoster T4 20/12/2025, painful rash",
    "Herpes zoster (T4) 20-Dec-2025",
    "Gürtelrose thorakal 20.12.2025",
    "zona thoracique le 20/12/2025",
    "Thoracotomy 28/12/2025",
]


@pytest.mark.parametrize("note", RECENT_LESIONS)
def test_a_chest_wall_lesion_days_before_the_sample_in_the_year_before_counts(
    tmp_path: Path, note: str
) -> None:
    row = _row(tmp_path, note, prolactin="33", sex="M", age="45", sample="2026-01-05")
    assert "chest_wall_stimulation" in _codes(row), (note, row["factor_details"])


@pytest.mark.parametrize(
    "note",
    [
        "Herpes zoster (T4) 01-Mar-2026",
        "Herpes zoster T4 01/03/2026",
        "Herpes zoster thoracic 03/2026",
    ],
)
def test_a_chest_wall_lesion_months_before_in_the_same_year_stays_a_possible_cause(
    tmp_path: Path, note: str
) -> None:
    # as before review 24: an operation's scar can stimulate for months (test_review11_words'
    # "Mammareduktion 03/2026"); only an earlier year, and more than chest_wall_healed_days, heals
    row = _row(tmp_path, note, prolactin="33", sex="M", age="45", sample="2026-11-14")
    assert "chest_wall_stimulation" in _codes(row), (note, row["factor_details"])


def test_a_chest_wall_lesion_in_an_earlier_year_weeks_before_is_healed(tmp_path: Path) -> None:
    row = _row(
        tmp_path,
        "Herpes zoster T4 01/10/2025",
        prolactin="33",
        sex="M",
        age="45",
        sample="2026-01-05",
    )
    assert "chest_wall_stimulation" not in _codes(row), row["factor_details"]


def test_a_chest_wall_lesion_with_a_year_alone_is_compared_by_year(tmp_path: Path) -> None:
    row = _row(
        tmp_path, "Herpes zoster T4 2025", prolactin="33", sex="M", age="45", sample="2026-01-05"
    )
    assert "chest_wall_stimulation" not in _codes(row), row["factor_details"]


# --- the state reader takes the run's thresholds, not the shipped file -------------------------


def _with(thresholds: Thresholds, name: str, value: float) -> Thresholds:
    values = dict(thresholds.values)
    values[name] = replace(values[name], value=value)
    return replace(thresholds, values=values)


def _pregnancy_state(note: str, thresholds: Thresholds | None) -> PatientState:
    row = {
        "sex": "F",
        "age_years": 31,
        "prolactin": 20,
        "unit": "ng/mL",
        "collected_at": "2026-11-14",
        "comments": note,
    }
    frame = canonical_frame([row])
    shipped = load_knowledge().thresholds
    past = shipped.get("pregnancy_implausible_age_years")
    return read_states(frame, past, thresholds=thresholds)[0]


def test_read_states_reads_the_pregnancy_length_from_the_runs_thresholds() -> None:
    # the entry's own day 44 weeks before the sample: past with the shipped 42-week limit,
    # current with a run whose limit is longer
    note = "Pregnancy 12/01/2026"
    assert not _pregnancy_state(note, None).pregnant
    longer = _with(load_knowledge().thresholds, "pregnancy_post_term_weeks", 60)
    assert _pregnancy_state(note, longer).pregnant


def test_read_states_reads_the_menopause_age_from_the_runs_thresholds() -> None:
    # a last period 14 months before, at 44: the menopause only from menopause_min_age_years
    def state(thresholds: Thresholds | None) -> PatientState:
        row = {
            "sex": "F",
            "age_years": 44,
            "prolactin": 20,
            "unit": "ng/mL",
            "collected_at": "2026-11-14",
            "comments": "LMP 01/09/2025",
        }
        frame = canonical_frame([row])
        past = load_knowledge().thresholds.get("pregnancy_implausible_age_years")
        return read_states(frame, past, thresholds=thresholds)[0]

    younger = _with(load_knowledge().thresholds, "menopause_min_age_years", 40)
    assert state(None).menopause != state(younger).menopause, (state(None), state(younger))
