"""Review 26 (hunter U, an emergency department): the seizure's time and the sample's time as
ED notes write them.

Prolactin rises within minutes of a generalised tonic-clonic or complex partial seizure, peaks
at 15-20 min and is back to baseline by about 60 min (clinical-reference §4, Seizures row;
thresholds.toml seizure_window_minutes).  The seizure factor is judged by the seizure's time
against the sample's, so:

1. A seizure time written without a preposition ("tonic-clonic seizure 09:50"), after "ore"
   or "h", with a mark ("9:50h", "14:05 Uhr", "14:05 h") or as four digits ("GTCS at 0945")
   was not read: the seizure counted as at the sample (likely), and a prolactinoma-range result
   lost its endocrine referral.  A time that cannot be read, or a part of the day that cannot
   hold the sample's hour ("seizure this morning", sampled at 14:25), is never "at the sample".
2. A sample time written in the note without a preposition ("prelievo 14:25", "extracción
   14:25h") was not read where the collection column holds only a date; a seizure time with no
   sample time anywhere is not placed within the hour either.
3. 12-hour times ("2:05 PM", "12:05 am", "2.05pm", "2pm") were read as 24-hour ones.

Synthetic patients only; through the public pipeline, one CSV per test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv_warned


def _rows(
    tmp_path: Path, rows: list[tuple[str, str]], *, prolactin: float = 150, sex: str = "M"
) -> list[pd.Series]:
    """Adults of 38, one row per (collected, comments), in ng/mL."""
    lines = ["patient_id,sex,age,collected_at,prolactin,unit,comments"]
    for i, (when, note) in enumerate(rows):
        lines.append(f"P{i},{sex},38,{when},{prolactin},ng/mL,{csv_quoted(note)}")
    out, _ = triage_csv_warned(tmp_path, "\n".join(lines) + "\n")
    return [out.loc[f"P{i}"] for i in range(len(rows))]


def _seizure(row: pd.Series) -> dict[str, str] | None:
    found = [f for f in row["factor_details"] if f["code"] == "seizure"]
    return found[0] if found else None


def _assert_seizure(row: pd.Series, note: str, strength: str, *said: str) -> None:
    """The row's seizure factor has `strength` and its evidence says each of `said`."""
    seizure = _seizure(row)
    assert seizure is not None and seizure["strength"] == strength, (note, row["factor_details"])
    for words in said:
        assert words in seizure["evidence"], (note, seizure["evidence"])


def _all_evidence(row: pd.Series) -> str:
    return " ".join(f["evidence"] for f in row["factor_details"])


def _steps(row: pd.Series) -> list[str]:
    return str(row["suggestions"]).split(";")


def _assert_not_explained(row: pd.Series, note: str, minutes: int) -> None:
    """150 ng/mL in a man, the seizure long before the sample: not explained by it, so the
    prolactinoma pathway (contract §7 `soon`: high and not explained; §8 prolactinoma likely
    above ~100 ng/mL)."""
    seizure = _seizure(row)
    assert seizure is None or seizure["strength"] != "likely", (note, row["factor_details"])
    assert f"{minutes} min" in _all_evidence(row), (note, row["factor_details"])
    assert "does not explain" in _all_evidence(row), (note, row["factor_details"])
    assert row["priority"] == "soon", (note, row["priority"])
    assert "endocrine_referral" in _steps(row), (note, row["suggestions"])


# --- 1. seizure clock times in every style, 20 min and 275 min before a 14:25 sample ----------

# "{t}" is the seizure time: each note is written once with 14:05 and once with 09:50
SEIZURE_TIME_STYLES = [
    ("en_bare", "tonic-clonic seizure {h}:{m}"),
    ("en_bare_cpx", "complex partial seizure {h}:{m} witnessed by wife"),
    ("en_four", "GTCS at {h}{m}"),
    ("en_hrs", "generalised seizure {h}{m} hrs"),
    ("en_grand_mal", "grand mal {h}:{m}"),
    ("en_postictal", "post-ictal at {h}:{m}, GCS 13"),
    ("de_uhr", "epileptischer Anfall {h}:{m} Uhr"),
    ("de_dot_uhr", "Grand-mal-Anfall {h}.{m} Uhr"),
    ("de_bare", "generalisierter Krampfanfall {h}:{m}"),
    ("fr_h", "crise tonico-clonique {h}h{m}"),
    ("fr_bare", "crise convulsive généralisée {h}:{m}"),
    ("es_h_after", "crisis tónico-clónica a las {h}:{m}h"),
    ("es_bare_h", "crisis convulsiva {h}:{m} h"),
    ("it_ore", "crisi tonico-clonica ore {h}:{m}"),
    ("it_ore_dot", "crisi comiziale ore {h}.{m}"),
    ("it_h", "crisi comiziale h {h}:{m}"),
    ("it_bare", "crisi epilettica {h}:{m}"),
    ("nl_bare", "epileptische aanval {h}:{m}"),
    ("nl_u", "insult {h}u{m}"),
    ("nl_uur", "gegeneraliseerd insult om {h}.{m} uur"),
]


@pytest.mark.parametrize(
    ("key", "style"), SEIZURE_TIME_STYLES, ids=[k for k, _ in SEIZURE_TIME_STYLES]
)
def test_a_seizure_time_in_any_style_is_read_against_the_sample(
    tmp_path: Path, key: str, style: str
) -> None:
    near = style.format(h="14", m="05")
    far = style.format(h="09", m="50")
    close, long_before = _rows(tmp_path, [("2026-11-14 14:25", near), ("2026-11-14 14:25", far)])
    _assert_seizure(close, near, "likely", "20 min")
    _assert_not_explained(long_before, far, 275)


@pytest.mark.parametrize(
    "note",
    [
        "cluster of 3 seizures, last 14:00",
        "crisi ripetute, l'ultima alle 14:00",
        "Krampfanfälle, letzter um 14:00 Uhr",
    ],
)
def test_the_last_of_several_seizures_is_the_one_timed(tmp_path: Path, note: str) -> None:
    (row,) = _rows(tmp_path, [("2026-11-14 14:25", note)])
    _assert_seizure(row, note, "likely", "25 min")


# --- 1. a time that does not place the seizure at the sample is never "likely" ---------------

DAY_PARTS = [
    ("en", "2026-11-14 14:25", "seizure this morning"),
    ("de", "2026-11-14 14:25", "Krampfanfall heute morgen"),
    ("fr", "2026-11-14 14:25", "crise convulsive ce matin"),
    ("es", "2026-11-14 14:25", "crisis convulsiva esta mañana"),
    ("it", "2026-11-14 14:25", "crisi epilettica stamattina"),
    ("nl", "2026-11-14 14:25", "epileptische aanval vanochtend"),
    ("en_evening", "2026-11-14 08:30", "witnessed seizure this evening"),
    ("de_afternoon", "2026-11-14 08:30", "Krampfanfall heute Nachmittag"),
    ("it_afternoon", "2026-11-14 08:30", "crisi tonico-clonica oggi pomeriggio"),
]


@pytest.mark.parametrize(("key", "when", "note"), DAY_PARTS, ids=[k for k, _, _ in DAY_PARTS])
def test_a_part_of_the_day_that_cannot_hold_the_sample_is_at_most_possible(
    tmp_path: Path, key: str, when: str, note: str
) -> None:
    (row,) = _rows(tmp_path, [(when, note)])
    _assert_seizure(row, note, "possible", "written for the")
    assert row["priority"] == "soon", (note, row["priority"])
    assert "endocrine_referral" in _steps(row), (note, row["suggestions"])


@pytest.mark.parametrize(
    "note", ["seizure this morning", "crisi epilettica stamattina", "Krampfanfall heute morgen"]
)
def test_a_seizure_this_morning_with_a_morning_sample_stays_likely(
    tmp_path: Path, note: str
) -> None:
    """Guard (passes on the old code too): the morning holds a 09:30 sample."""
    (row,) = _rows(tmp_path, [("2026-11-14 09:30", note)], prolactin=60)
    _assert_seizure(row, note, "likely")


@pytest.mark.parametrize(
    "note",
    [
        "tonic-clonic seizure, witnessed by wife, 09:50",
        "crisi tonico-clonica, vista dal figlio, 09:50",
        "GTCS at 25:10",
    ],
)
def test_a_seizure_time_that_cannot_be_read_is_not_at_the_sample(tmp_path: Path, note: str) -> None:
    (row,) = _rows(tmp_path, [("2026-11-14 14:25", note)])
    seizure = _seizure(row)
    assert seizure is None or seizure["strength"] != "likely", (note, row["factor_details"])
    assert row["priority"] == "soon", (note, row["priority"])


# --- 2. the sample's time written in the note when the collection column gives a date --------

NOTE_SAMPLE_TIMES = [
    ("it", "crisi tonico-clonica alle {s}, prelievo 14:25"),
    ("it_ore", "crisi tonico-clonica ore {s} - prelievo ore 14.25"),
    ("es", "crisis tónico-clónica {s}h, extracción 14:25h"),
    ("en", "tonic-clonic seizure at {s}, bloods 14:25"),
    ("de", "Krampfanfall {s} Uhr, Blutentnahme 14:25 Uhr"),
    ("fr", "crise convulsive {s}; prélèvement 14h25"),
    ("nl", "insult om {s}, bloedafname 14:25"),
]


@pytest.mark.parametrize(("key", "style"), NOTE_SAMPLE_TIMES, ids=[k for k, _ in NOTE_SAMPLE_TIMES])
def test_a_sample_time_written_in_the_note_places_the_sample(
    tmp_path: Path, key: str, style: str
) -> None:
    near, far = style.format(s="14:05"), style.format(s="09:05")
    if key == "it_ore":
        near, far = style.format(s="14.05"), style.format(s="9.05")
    close, long_before = _rows(tmp_path, [("2026-11-14", near), ("2026-11-14", far)])
    _assert_seizure(close, near, "likely", "20 min")
    _assert_not_explained(long_before, far, 320)


SEIZURE_TIMES_ONLY = [
    ("en", "tonic-clonic seizure at 09:05"),
    ("de", "Krampfanfall um 09:05 Uhr"),
    ("fr", "crise convulsive à 9h05"),
    ("es", "crisis tónico-clónica a las 9:05"),
    ("it", "crisi tonico-clonica alle 09:05"),
    ("nl", "epileptische aanval om 9.05 uur"),
]


@pytest.mark.parametrize(
    ("key", "note"), SEIZURE_TIMES_ONLY, ids=[k for k, _ in SEIZURE_TIMES_ONLY]
)
def test_a_seizure_time_without_any_sample_time_is_possible(
    tmp_path: Path, key: str, note: str
) -> None:
    (row,) = _rows(tmp_path, [("2026-11-14", note)])
    _assert_seizure(row, note, "possible", "time of sample unknown")
    assert row["priority"] == "soon", (note, row["priority"])


def test_the_samples_time_is_not_taken_for_the_seizures(tmp_path: Path) -> None:
    """'prelievo alle 14:25' times the sample, not the seizure written before it."""
    (row,) = _rows(tmp_path, [("2026-11-14 14:25", "crisi tonico-clonica, prelievo alle 14:25")])
    assert "0 min after it" not in _all_evidence(row), row["factor_details"]


# --- 3. 12-hour clock times -------------------------------------------------------------------

TWELVE_HOUR = [
    ("pm", "2026-11-14 14:25", "seizure at 2:05 PM", 20),
    ("pm_dots", "2026-11-14 14:25", "fit at 2.05pm witnessed by wife", 20),
    ("pm_hour", "2026-11-14 14:25", "GTC seizure 2pm", 25),
    ("p_m", "2026-11-14 21:25", "witnessed seizure at 9:05 p.m.", 20),
    ("es_p_m", "2026-11-14 14:25", "crisis convulsiva a las 2:05 p. m.", 20),
    ("midnight", "2026-11-14 00:20", "seizure at 12:05 am", 15),
    ("noon", "2026-11-14 12:25", "tonic-clonic seizure 12:05 pm", 20),
    ("am", "2026-11-14 09:25", "seizure at 9:05 am", 20),
]


@pytest.mark.parametrize(
    ("key", "when", "note", "minutes"), TWELVE_HOUR, ids=[k for k, *_ in TWELVE_HOUR]
)
def test_a_twelve_hour_time_is_read_with_its_mark(
    tmp_path: Path, key: str, when: str, note: str, minutes: int
) -> None:
    (row,) = _rows(tmp_path, [(when, note)], prolactin=45)
    _assert_seizure(row, note, "likely", f"sample {minutes} min after it")


# --- guards: durations, dates and an ongoing status are not clock times -----------------------


@pytest.mark.parametrize(
    ("note", "minutes"),
    [
        ("seizure 4h prior to sampling", 240),
        ("crisi epilettica 2 ore fa", 120),
        ("epileptische aanval 2 uur geleden", 120),
        ("crise convulsive il y a 2h", 120),
        ("Krampfanfall vor 3 Std", 180),
    ],
)
def test_a_duration_is_not_read_as_a_clock_time(tmp_path: Path, note: str, minutes: int) -> None:
    """Guard (passes on the old code too)."""
    (row,) = _rows(tmp_path, [("2026-11-14 14:25", note)])
    assert f"sample {minutes} min from the seizure" in _all_evidence(row), row["factor_details"]


def test_an_ongoing_status_epilepticus_is_not_timed_by_its_start(tmp_path: Path) -> None:
    """Guard (passes on the old code too): "since 08:00" starts a status still going on."""
    (row,) = _rows(tmp_path, [("2026-11-14 14:25", "status epilepticus since 08:00")])
    seizure = _seizure(row)
    assert seizure is not None and seizure["strength"] == "likely", row["factor_details"]
    assert "min" not in seizure["evidence"], seizure["evidence"]


@pytest.mark.parametrize(
    "note",
    ["Seizure 13/11/2026", "Krampfanfall 13.11.2026", "seizure, lorazepam 12.50 mg given"],
)
def test_a_date_or_a_dose_is_not_a_seizure_time(tmp_path: Path, note: str) -> None:
    """Guard (passes on the old code too)."""
    (row,) = _rows(tmp_path, [("2026-11-14 14:25", note)])
    assert "min from the seizure" not in _all_evidence(row), row["factor_details"]
    assert "min after it" not in _all_evidence(row), row["factor_details"]
