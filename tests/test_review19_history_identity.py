"""Review 19, the history's patient key and its urgent reminders (docs/history.md "Identity",
"Trend and delta check", "Urgent results"; output-contract-extensions `urgent.txt`):

1. a patient id written differently by two exports ("00123" then "123" - a spreadsheet that
   re-saved the export dropped the zeros, a workbook's numeric cell -; "ab12" then "AB12") is
   one patient, as a specimen number already was (identifier_key: without case, spaces or an
   all-digit id's leading zeros): the delta check compares the results (a rise of 200%), the
   same result sent again is the stored one, `history show` lists every spelling.  A different
   birth date or sex still keeps two ids apart (possible_clash, never merged), and ids that
   differ otherwise ("A12" / "A-12", "12a" / "012a") stay different patients;
2. a history of schema version 5 is brought to version 6 (results.patient_key filled from the
   stored ids): its old rows match the new ones;
3. an urgent result nobody acknowledged within ack_within_hours, sent again by a cumulative
   export (or the same file again) after that time, is listed once, on its own line, marked as a
   reminder (not a new result), and counted once by --fail-on, in `run` and in `batch`; an
   overdue result the export does not repeat is still reminded on a line of its own.

Synthetic patients only; in-process runs on SQLite."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
from history_fixtures import run_with_history
from pipeline_helpers import write_table

from triage.batch import BatchSettings, run_batch
from triage.history import HistoryOptions
from triage.history.store import SCHEMA_VERSION, open_history
from triage.io.identifiers import identifier_key
from triage.pipeline import TriageOutcome, TriageRequest, run_triage
from triage.urgent import OVERDUE_MARK, REMINDER_PART

T0 = datetime(2026, 1, 20, 6, 0, tzinfo=UTC)
HEADER = "patient_id,patient_name,sex,birth_date,collected_at,specimen_id,prolactin,prolactin_unit"
# (first export's id, later export's id), the same patient (same birth date and sex)
SPELLINGS = {"00123": "123", "ab12": "AB12", "mrn-7": "MRN-7", "0004560": "4560"}
OVERDUE = f" | {OVERDUE_MARK}: reported "  # an overdue reminder's own line


def _csv(path: Path, lines: list[str], header: str = HEADER) -> Path:
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(tmp: Path, name: str, inputs: list[Path], url: str, now: datetime) -> pd.DataFrame:
    outcome: TriageOutcome = run_with_history(tmp, name, inputs, url, now)
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def _first_export(tmp: Path) -> Path:
    lines = [
        f"{pid},Pat {n},F,1985-04-0{n + 1},2026-01-10 09:00,S10{n},30,ng/mL"
        for n, pid in enumerate(SPELLINGS)
    ]
    return _csv(tmp / "jan.csv", lines)


def _later_export(tmp: Path) -> Path:
    lines = [
        f"{pid},Pat {n},F,1985-04-0{n + 1},2026-02-10 09:00,S20{n},90,ng/mL"
        for n, pid in enumerate(SPELLINGS.values())
    ]
    return _csv(tmp / "feb.csv", lines)


# -- 1. one patient whatever the export wrote ---------------------------------------------------
def test_the_key_drops_case_spaces_and_the_zeros_of_a_number_only() -> None:
    assert {identifier_key(a) for a in ("00123", "123", " 0123 ", "123")} == {"123"}
    assert identifier_key("ab12") == identifier_key("AB 12") == "ab12"
    # letters keep their zeros and their punctuation: other ids stay other ids
    assert identifier_key("012a") != identifier_key("12a")
    assert identifier_key("A-12") != identifier_key("A12")
    assert identifier_key("0") == identifier_key("000") == "0" and identifier_key(None) == ""


def test_a_later_export_spelling_the_id_otherwise_shows_the_rise(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    _run(tmp_path, "o1", [_first_export(tmp_path)], db, T0)
    later = _run(tmp_path, "o2", [_later_export(tmp_path)], db, T0 + timedelta(days=30))
    for pid in SPELLINGS.values():
        row = later.loc[pid]
        assert (row["trend"], row["change_pct"]) == ("rising", 200.0), pid
        assert row["previous_ng_ml"] == 30.0 and row["identity_check"] == "", pid
        assert len(row["history_details"]) == 1, pid


def test_a_workbooks_numeric_id_is_the_csv_id_with_its_zeros(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    _run(tmp_path, "o1", [_first_export(tmp_path)], db, T0)
    rows: list[list[object]] = [HEADER.split(",")]
    rows.append([123, "Pat 0", "F", "1985-04-01", "2026-03-10 09:00", "S301", 90, "ng/mL"])
    rows.append([4560, "Pat 3", "F", "1985-04-04", "2026-03-10 09:00", "S302", 90, "ng/mL"])
    book = write_table(tmp_path / "mar.xlsx", rows)
    later = _run(tmp_path, "o2", [book], db, T0 + timedelta(days=60))
    assert later["trend"].tolist() == ["rising", "rising"]
    assert later["change_pct"].tolist() == [200.0, 200.0]


def test_another_birth_date_or_sex_or_another_id_is_another_patient(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    first = [
        "00077,Pat A,F,1999-01-01,2026-01-10 09:00,S1,30,ng/mL",
        "00088,Pat B,F,1980-01-01,2026-01-10 09:00,S2,30,ng/mL",
        "A12,Pat C,F,1980-01-01,2026-01-10 09:00,S3,30,ng/mL",
        "012a,Pat D,F,1980-01-01,2026-01-10 09:00,S4,30,ng/mL",
    ]
    _run(tmp_path, "o1", [_csv(tmp_path / "a.csv", first)], db, T0)
    later = [
        "77,Pat X,F,1970-05-05,2026-02-10 09:00,S5,90,ng/mL",  # another birth date
        "88,Pat Y,M,1980-01-01,2026-02-10 09:00,S6,90,ng/mL",  # another sex
        "A-12,Pat C,F,1980-01-01,2026-02-10 09:00,S7,90,ng/mL",
        "12a,Pat D,F,1980-01-01,2026-02-10 09:00,S8,90,ng/mL",
    ]
    out = _run(tmp_path, "o2", [_csv(tmp_path / "b.csv", later)], db, T0 + timedelta(days=30))
    assert out["trend"].tolist() == ["new"] * len(later)
    assert out["identity_check"].tolist() == ["possible_clash", "possible_clash", "", ""]
    assert out["history_details"].map(len).tolist() == [0] * len(later)


def test_the_same_result_sent_again_under_another_spelling_is_the_stored_one(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "h.db")
    first = _run(tmp_path, "o1", [_first_export(tmp_path)], db, T0)
    again = [  # a cumulative export of another system: the January results, ids re-spelled
        f"{pid},Pat {n},F,1985-04-0{n + 1},2026-01-10 09:00,S10{n},30,ng/mL"
        for n, pid in enumerate(SPELLINGS.values())
    ]
    out = _run(tmp_path, "o2", [_csv(tmp_path / "cum.csv", again)], db, T0 + timedelta(days=1))
    assert out["result_id"].tolist() == first["result_id"].tolist()
    with open_history(db) as history:
        assert history.counts()["results"] == len(SPELLINGS)


def test_history_show_lists_the_results_of_every_spelling(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    _run(tmp_path, "o1", [_first_export(tmp_path)], db, T0)
    _run(tmp_path, "o2", [_later_export(tmp_path)], db, T0 + timedelta(days=30))
    with open_history(db, read_only=True) as history:
        for asked in ("00123", "123", "AB12", "0004560"):
            shown = history.results_of(asked)
            assert shown["prolactin_ng_ml"].tolist() == [30.0, 90.0], asked
            assert "patient_key" not in shown.columns  # the store's own column
        assert history.results_of("1234").empty


# -- 2. the schema upgrade ---------------------------------------------------------------------
def test_a_version_5_history_is_upgraded_and_its_rows_match_new_ones(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    _run(tmp_path, "o1", [_first_export(tmp_path)], db, T0)
    with sqlite3.connect(db) as conn:  # as version 5 left it: no results.patient_key
        conn.execute("DROP INDEX results_patient_key")
        conn.execute("ALTER TABLE results DROP COLUMN patient_key")
        conn.execute("UPDATE schema_info SET value = '5' WHERE key = 'schema_version'")
    with open_history(db) as history:  # a command that writes upgrades it
        assert history.schema_version() == SCHEMA_VERSION == 9
    with sqlite3.connect(db) as conn:
        keys = dict(conn.execute("SELECT patient_id, patient_key FROM results").fetchall())
    assert keys == {"00123": "123", "ab12": "ab12", "mrn-7": "mrn-7", "0004560": "4560"}
    later = _run(tmp_path, "o2", [_later_export(tmp_path)], db, T0 + timedelta(days=30))
    assert later["trend"].tolist() == ["rising"] * len(SPELLINGS)


# -- 3. an overdue urgent result sent again ------------------------------------------------------
JAN = [
    "00123,Doe Jane,F,1985-04-02,2026-01-10 09:00,S1001,30,ng/mL",
    "P-77,Roe Rick,M,1970-01-01,2026-01-11 09:00,S1002,300,ng/mL",  # urgent
    "Q-5,Poe Paul,M,1960-01-01,2026-01-11 10:00,S1004,400,ng/mL",  # urgent, not re-sent
    "R-9,Low Lou,M,1965-01-01,2026-01-11 11:00,S1005,6000,",  # no unit: possibly urgent
]


def _cumulative(tmp: Path) -> Path:
    """The rolling export: January again (less Q-5), and one new row."""
    lines = [line for line in JAN if not line.startswith("Q-5")]
    return _csv(
        tmp / "jan_cum.csv", [*lines, "X9,New Pat,F,1980-01-01,2026-02-01 09:00,S9,20,ng/mL"]
    )


def _triage(tmp: Path, name: str, inputs: list[Path], db: str, now: datetime) -> TriageOutcome:
    request = TriageRequest(
        inputs=inputs,
        out_dir=tmp / name,
        history=HistoryOptions(location=db),
        fail_on="urgent",
        jobs=1,
    )
    return run_triage(request, now=now)


def test_a_resent_overdue_result_is_listed_and_counted_once(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    first = _triage(tmp_path, "o1", [_csv(tmp_path / "jan.csv", JAN)], db, T0)
    assert len(first.urgent) == 3 and first.fail_on_matches == 3
    later = T0 + timedelta(days=2)  # past ack_within_hours: every one is overdue
    for name, export in (("o2", _cumulative(tmp_path)), ("o3", tmp_path / "jan.csv")):
        outcome = _triage(tmp_path, name, [export], db, later)
        lines = outcome.urgent
        # R-2 (P-77) and the possibly urgent R-9 row: one line each, marked as reminders
        for patient in ("P-77", "R-9"):
            own = [line for line in lines if f"URGENT patient {patient} |" in line]
            assert len(own) == 1, (name, lines)
            assert REMINDER_PART in own[0] and OVERDUE not in own[0], own[0]
        q5 = [line for line in lines if "URGENT patient Q-5 |" in line]
        if name == "o2":  # not re-sent: reminded on its own line
            assert len(q5) == 1 and OVERDUE in q5[0] and REMINDER_PART not in q5[0]
        else:  # the same file again holds it: listed once, a reminder too
            assert len(q5) == 1 and REMINDER_PART in q5[0]
        assert len(lines) == outcome.fail_on_matches == 3, (name, lines)


def test_within_the_ack_window_a_resent_result_is_no_reminder(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    _triage(tmp_path, "o1", [_csv(tmp_path / "jan.csv", JAN)], db, T0)
    outcome = _triage(tmp_path, "o2", [_cumulative(tmp_path)], db, T0 + timedelta(hours=1))
    assert len(outcome.urgent) == outcome.fail_on_matches == 2  # P-77 and R-9, as before
    assert not any(REMINDER_PART in line or OVERDUE in line for line in outcome.urgent)


def test_a_batch_of_the_cumulative_export_lists_the_overdue_result_once(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    now = datetime.now(UTC)  # the batch reads the inbox by the real clock
    _triage(tmp_path, "o1", [_csv(tmp_path / "jan.csv", JAN)], db, now - timedelta(days=2))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    export = _cumulative(inbox)
    old = time.time() - 3600
    os.utime(export, (old, old))
    template = TriageRequest(
        inputs=[], out_dir=tmp_path / "out", history=HistoryOptions(location=db), fail_on="urgent"
    )
    outcome = run_batch(inbox, tmp_path / "out", template, BatchSettings(), now=now)
    assert [i.status for i in outcome.items] == ["done"]
    said = [line for item in outcome.items for line in item.urgent] + outcome.reminders
    for patient in ("P-77", "R-9", "Q-5"):
        assert len([line for line in said if f"URGENT patient {patient} |" in line]) == 1, said
    assert [line for line in outcome.reminders if "Q-5" in line]  # not re-sent: a reminder
    assert outcome.fail_on_matches == len(said) == 3
