"""Review 16, the history's identity of a result (docs/history.md "No duplicates", "Trend and
delta check", "Results the lab withdraws"):

1. a result without a collection time (a cohort export by visit label or time point) re-exported
   with one more visit is the stored result again (its id, its acknowledgement), never stored
   twice, and never compared with a result of unknown order (no date, no trend: never a fall
   on cabergoline read as a rise, never a priority raised by it);
2. the same patient, specimen and collection time with another value: a comment saying in
   words that it corrects the earlier report withdraws the stored result (its urgent reminder
   with it); without such words the file warns, never two results for one sample silently.

Synthetic patients only; in-process runs on SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from history_fixtures import overdue_patients, run_with_history

from triage.history import worded_corrections
from triage.history.store import open_history
from triage.notices import CONFLICT_MARK, notices
from triage.pipeline import TriageOutcome
from triage.schema import Withdrawal
from triage.values import says_corrected

T0 = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=3)  # past the time an urgent result must be acknowledged in

COHORT = "study_id,visit,analyte,value,unit,sex,age\n"
VISITS = (
    "Z01,baseline,Prolactin,6000,mIU/L,F,30\n"
    "Z01,month_3,Prolactin,1000,mIU/L,F,30\n"
    "Z01,month_6,Prolactin,300,mIU/L,F,30\n"
)
GERMAN = "Proband,Zeitpunkt,Parameter,Ergebnis,Einheit,Geschlecht,Alter\n"
LAB = "Patient ID,DOB,Sex,Lab No,Collected,Prolactin (mIU/L)"


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "h.db")


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _run(tmp: Path, name: str, inputs: list[Path], url: str, now: datetime) -> TriageOutcome:
    outcome: TriageOutcome = run_with_history(tmp, name, inputs, url, now)
    return outcome


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results.reset_index(drop=True)


def _warnings(outcome: TriageOutcome) -> list[str]:
    return [w for s in outcome.inputs for w in s.warnings]


def _ack(url: str, result_id: int, at: datetime) -> None:
    with open_history(url) as history:
        history.acknowledge(result_id, by="A. Biochemist", told="Dr Ward", note=None, at=at)


# -- 1. results without a collection time ------------------------------------------------------
def test_a_cohort_re_exported_with_one_more_visit_adds_only_that_visit(
    tmp_path: Path, db: str
) -> None:
    first = _run(tmp_path, "o1", [_csv(tmp_path / "v1.csv", COHORT + VISITS)], db, T0)
    assert _results(first)["result_id"].tolist() == [1, 2, 3]
    _ack(db, 1, T0 + timedelta(minutes=5))
    more = COHORT + VISITS + "Z01,month_9,Prolactin,280,mIU/L,F,30\n"
    second = _run(tmp_path, "o2", [_csv(tmp_path / "v2.csv", more)], db, T0 + timedelta(days=1))
    rows = _results(second)
    assert rows["result_id"].tolist() == [1, 2, 3, 4]  # the stored ones again, one new
    with open_history(db) as history:
        assert history.results_of("Z01")["prolactin_value"].tolist() == [6000, 1000, 300, 280]
    # the acknowledged urgent baseline is not a new urgent result
    assert "ALREADY ACKNOWLEDGED" in " ".join(second.urgent)
    assert rows.loc[0, "acknowledged"].startswith("told Dr Ward")
    assert "Z01" not in overdue_patients(db, LATER + timedelta(days=1))
    said = " ".join(_warnings(second))
    assert "without a collection time (row 2, 3, 4) are results another file recorded" in said


def test_no_date_no_trend_a_fall_is_never_read_as_a_rise(tmp_path: Path, db: str) -> None:
    _run(tmp_path, "o1", [_csv(tmp_path / "v1.csv", COHORT + VISITS)], db, T0)
    more = COHORT + VISITS + "Z01,month_9,Prolactin,280,mIU/L,F,30\n"
    rows = _results(
        _run(tmp_path, "o2", [_csv(tmp_path / "v2.csv", more)], db, T0 + timedelta(days=1))
    )
    assert rows["trend"].tolist() == ["new", "", "", ""]  # never "rising +1900 %"
    assert rows["change_pct"].isna().all() and rows["previous_ng_ml"].isna().all()
    # month_3's raised result keeps its own priority (no rise raised it to soon)
    assert rows.loc[1, "priority"] == "routine"
    # its page still lists the results stored before it
    assert [d["result_id"] for d in rows.loc[3, "history_details"]] == [3, 2, 1]


def test_german_time_points_re_exported_are_not_stored_twice(tmp_path: Path, db: str) -> None:
    t1 = GERMAN + "K9,T0,Prolaktin,3000,mU/l,w,30\nK9,T1,Prolaktin,400,mU/l,w,30\n"
    _run(tmp_path, "o1", [_csv(tmp_path / "t1.csv", t1)], db, T0)
    t2 = t1 + "K9,T2,Prolaktin,380,mU/l,w,30\n"
    rows = _results(
        _run(tmp_path, "o2", [_csv(tmp_path / "t2.csv", t2)], db, T0 + timedelta(days=1))
    )
    assert rows["result_id"].tolist() == [1, 2, 3]
    assert rows["trend"].tolist() == ["new", "", ""]


def test_two_visits_of_the_same_value_stay_two_results(tmp_path: Path, db: str) -> None:
    one = COHORT + "Z02,visit 1,Prolactin,300,mIU/L,F,30\n"
    _run(tmp_path, "o1", [_csv(tmp_path / "a.csv", one)], db, T0)
    two = one + "Z02,visit 2,Prolactin,300,mIU/L,F,30\n"
    rows = _results(_run(tmp_path, "o2", [_csv(tmp_path / "b.csv", two)], db, T0))
    assert rows["result_id"].tolist() == [1, 2]  # one to one: the second is new
    other = COHORT + "Z02,visit 1,Prolactin,310,mIU/L,F,30\n"  # another value: another result
    rows = _results(_run(tmp_path, "o3", [_csv(tmp_path / "c.csv", other)], db, T0))
    assert rows["result_id"].tolist() == [3]


def test_a_dated_result_is_never_compared_with_an_undated_one(tmp_path: Path, db: str) -> None:
    _run(tmp_path, "o1", [_csv(tmp_path / "a.csv", COHORT + VISITS)], db, T0)
    dated = "study_id,sample_date,analyte,value,unit,sex,age\n"
    dated += "Z01,2026-11-20,Prolactin,2000,mIU/L,F,30\n"
    row = _results(_run(tmp_path, "o2", [_csv(tmp_path / "b.csv", dated)], db, T0)).iloc[0]
    assert row["trend"] == "new" and pd.isna(row["change_pct"])


# -- 2. one specimen, two values ---------------------------------------------------------------
def test_a_comment_saying_corrected_withdraws_the_stored_result(tmp_path: Path, db: str) -> None:
    first = _csv(tmp_path / "k1.csv", f"{LAB}\nK1,1980-03-01,M,L555,2026-11-20 08:00,7000\n")
    assert _results(_run(tmp_path, "o1", [first], db, T0)).loc[0, "priority"] == "urgent"
    later = _csv(
        tmp_path / "k2.csv",
        f"{LAB},Comment\nK1,1980-03-01,M,L555,2026-11-20 08:00,700,"
        "corrected result - previous report in error\n",
    )
    outcome = _run(tmp_path, "o2", [later], db, T0 + timedelta(hours=1))
    assert "withdrawn by the lab" in " ".join(outcome.notices)
    assert not any(CONFLICT_MARK in w for w in _warnings(outcome))
    assert "K1" not in overdue_patients(db, LATER)  # its urgent reminder is withdrawn
    with open_history(db) as history:
        stored = history.result(1)
        assert "its comment says 'corrected'" in stored["withdrawn"]
        assert stored["corrected_by"]["prolactin_value"] == 700


def test_another_value_for_the_same_specimen_without_words_is_a_conflict(
    tmp_path: Path, db: str
) -> None:
    first = _csv(tmp_path / "k1.csv", f"{LAB}\nK1,1980-03-01,M,000555,2026-11-20 08:00,7000\n")
    _run(tmp_path, "o1", [first], db, T0)
    # a re-saved export lost the leading zeros: the same specimen number
    later = _csv(tmp_path / "k2.csv", f"{LAB}\nK1,1980-03-01,M,555,2026-11-20 08:00,700\n")
    outcome = _run(tmp_path, "o2", [later], db, T0 + timedelta(hours=1))
    said = [w for w in _warnings(outcome) if CONFLICT_MARK in w]
    assert said and "(row 2)" in said[0] and "R-1" in said[0] and "700" not in said[0]
    assert any(CONFLICT_MARK in n for n in notices(outcome.inputs))  # stderr, also --quiet
    assert "K1" in overdue_patients(db, LATER)  # nothing withdrawn on a guess


def test_the_same_value_again_or_another_specimen_is_no_conflict(tmp_path: Path, db: str) -> None:
    first = _csv(tmp_path / "k1.csv", f"{LAB}\nK2,1980-03-01,M,L7,2026-11-20 08:00,300\n")
    _run(tmp_path, "o1", [first], db, T0)
    later = _csv(
        tmp_path / "k2.csv",
        f"{LAB}\nK2,1980-03-01,M,L7,2026-11-20 08:00,300\n"
        "K2,1980-03-01,M,L8,2026-11-20 08:00,900\n",
    )
    outcome = _run(tmp_path, "o2", [later], db, T0 + timedelta(hours=1))
    assert not any(CONFLICT_MARK in w for w in _warnings(outcome))
    assert _results(outcome)["result_id"].tolist() == [1, 2]


CORRECTION_WORDS = {
    "corrected result - previous report in error": "corrected",
    "Wert korrigiert": "korrigiert",
    "Résultat corrigé": "corrige",
    "valor corregido": "corregido",
    "Amended report": "amended",
    "previous report in error": "previous report in error",
    "haemolysed, repeat requested": None,
    "c": None,  # HL7's one-letter code is a status cell's, never a comment's word
}


def test_correction_words_come_from_the_result_status_vocabulary() -> None:
    assert {text: says_corrected(text) for text in CORRECTION_WORDS} == CORRECTION_WORDS


def test_a_worded_correction_needs_a_patient_and_counts_once() -> None:
    frame = pd.DataFrame(
        {
            "source_row": [2, 3, 4],
            "patient_id": ["K1", None, "K3"],
            "specimen_id": ["L1", "L2", "L3"],
            "patient_issuer": [None, None, None],
            "comments": ["korrigiert", "corrected", "korrigiert"],
        }
    )
    given = [Withdrawal(4, "K3", "L3", "corrected (status)")]
    found = worded_corrections(frame, given)
    assert [(w.source_row, w.patient_id, w.specimen_id) for w in found] == [(2, "K1", "L1")]
