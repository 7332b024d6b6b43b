"""Results the lab withdraws after a run recorded them (an HL7 OBX-11 W/D/X, a result-status
column saying "storniert" / "entered in error", for the same patient and specimen): the history
marks them withdrawn, so they are no longer listed as urgent and unacknowledged, nor used as
a patient's earlier result (a wrong patient's value in a trend); `history show` says so.  A
history of schema version 1 is brought up to version 2 on open.  SQLite and PostgreSQL
(tests/history_fixtures.py).  Synthetic patients only."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from history_fixtures import run_with_history
from typer.testing import CliRunner

from triage.cli import app
from triage.history import HistoryOptions, overdue_urgent
from triage.history.store import SCHEMA_VERSION, open_history
from triage.knowledge import load_knowledge
from triage.pipeline import TriageOutcome

T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=2)  # past the time an urgent result must be acknowledged in
runner = CliRunner()


def _oru(control: str, patient: str, specimen: str, value: str, status: str, loinc: str) -> str:
    return "\r".join(
        [
            f"MSH|^~\\&|LIS|LAB|EHR|HOSP|20261101090000||ORU^R01|{control}|P|2.5",
            f"PID|1||{patient}^^^HOSP^MR||SYN^ANNA||19900101|F",
            f"OBR|1|O{control}|{specimen}|PANEL^Panel|||20261101083000",
            f"OBX|1|NM|{loinc}||{value}|ng/mL|4.8-23.3||||{status}",
        ]
    )


PROLACTIN, TSH = "2842-3^Prolactin^LN", "3016-3^TSH^LN"


def _write(path: Path, *messages: str) -> Path:
    path.write_bytes(("\r".join(messages) + "\r").encode())
    return path


def _run(tmp: Path, name: str, inputs: list[Path], url: str, now: datetime) -> TriageOutcome:
    outcome: TriageOutcome = run_with_history(tmp, name, inputs, url, now)
    return outcome


def _overdue(url: str) -> list[str]:
    thresholds = load_knowledge("default").thresholds
    rows = overdue_urgent(HistoryOptions(location=url), LATER, thresholds)
    return rows["patient_id"].tolist()


def test_a_result_withdrawn_by_a_later_message_is_no_longer_urgent(
    tmp_path: Path, history_url: str
) -> None:
    first = _write(
        tmp_path / "first.hl7",
        _oru("1", "P1", "S1", "300", "F", PROLACTIN),
        _oru("2", "P2", "S2", "310", "F", PROLACTIN),
    )
    outcome = _run(tmp_path, "o1", [first], history_url, T0)
    assert outcome.results is not None
    assert outcome.results["priority"].tolist() == ["urgent", "urgent"]
    assert sorted(_overdue(history_url)) == ["P1", "P2"]

    # P1's result was posted to the wrong patient; a TSH withdrawn on P2's specimen is not
    # P2's prolactin
    second = _write(
        tmp_path / "second.hl7",
        _oru("3", "P1", "S1", "300", "W", PROLACTIN),
        _oru("4", "P2", "S2", "2.0", "W", TSH),
    )
    later = _run(tmp_path, "o2", [second], history_url, T0 + timedelta(hours=1))
    warned = [w for s in later.inputs for w in s.warnings]
    said = "1 result(s) recorded by earlier runs were withdrawn by the lab"
    assert any(said in w for w in warned)
    assert any("withdrawn by the lab" in n for n in later.notices)
    assert _overdue(history_url) == ["P2"]

    with open_history(history_url) as history:
        p1 = history.results_of("P1")
        assert p1["withdrawn"].str.contains("withdrawn by the lab").tolist() == [True]
        assert "second.hl7 row 4" in p1["withdrawn"].iloc[0]
        assert history.results_of("P2")["withdrawn"].tolist() == [""]

    shown = runner.invoke(app, ["history", "show", "P1", "--history", history_url])
    assert shown.exit_code == 0, shown.output
    assert "withdrawn" in shown.output.splitlines()[0]
    assert "withdrawn by the lab" in shown.output


def test_a_withdrawn_result_is_not_a_patients_earlier_result(
    tmp_path: Path, history_url: str
) -> None:
    header = "MRN,Specimen,Sex,Birth date,Collected,Test,Result,Units,Status\n"
    first = tmp_path / "first.csv"
    first.write_text(
        header + "P7,S71,F,1990-01-01,2026-10-01 09:00,Prolactin,400,ng/mL,final\n",
        encoding="utf-8",
    )
    cancel = tmp_path / "cancel.csv"
    cancel.write_text(
        header + "P7,S71,F,1990-01-01,2026-10-01 09:00,Prolactin,400,ng/mL,storniert\n",
        encoding="utf-8",
    )
    third = tmp_path / "third.csv"
    third.write_text(
        header + "P7,S72,F,1990-01-01,2026-10-20 09:00,Prolactin,20,ng/mL,final\n",
        encoding="utf-8",
    )
    _run(tmp_path, "o1", [first], history_url, T0)
    _run(tmp_path, "o2", [cancel], history_url, T0 + timedelta(hours=1))
    outcome = _run(tmp_path, "o3", [third], history_url, T0 + timedelta(hours=2))
    assert outcome.results is not None
    row = outcome.results.iloc[0]
    assert row["trend"] == "new"  # not "falling" from another patient's 400
    assert row["history_details"] == []


def test_a_file_that_only_withdraws_is_read_not_refused(tmp_path: Path, history_url: str) -> None:
    first = _write(tmp_path / "first.hl7", _oru("1", "P1", "S1", "300", "F", PROLACTIN))
    _run(tmp_path, "o1", [first], history_url, T0)
    only = _write(tmp_path / "withdraw.hl7", _oru("2", "P1", "S1", "300", "D", PROLACTIN))
    outcome = _run(tmp_path, "o2", [only], history_url, T0 + timedelta(hours=1))
    assert [s.rows_read for s in outcome.inputs] == [1]
    assert [s.rows_rejected for s in outcome.inputs] == [1]
    assert _overdue(history_url) == []


def test_without_a_history_a_withdrawing_file_only_lists_its_rows(tmp_path: Path) -> None:
    only = _write(tmp_path / "withdraw.hl7", _oru("2", "P1", "S1", "300", "W", PROLACTIN))
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(only), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    rejected = (out / "rejected.csv").read_text(encoding="utf-8")
    assert "cancelled_result" in rejected and "P1,S1" in rejected


def test_a_version_1_history_is_brought_up_to_version_2(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with open_history(path):
        pass
    with sqlite3.connect(path) as conn:  # as version 1 left it: no withdrawals table
        conn.execute("DROP TABLE withdrawals")
        conn.execute("UPDATE schema_info SET value = '1' WHERE key = 'schema_version'")
    with open_history(path) as history:
        # versions 3 (the preliminaries table), 4 (the priority an ack covers) and 5 (the
        # visit label) and 6 (the patient id as matched) came since: the steps run on to the newest
        assert history.schema_version() == SCHEMA_VERSION == 9
        assert sa.inspect(history.engine).has_table("withdrawals")


def test_a_corrected_result_supersedes_the_one_an_earlier_file_reported(
    tmp_path: Path, history_url: str
) -> None:
    """OBX-11 C in a later message: the earlier urgent 300 was a wrong value, corrected to 30.
    The earlier result leaves the urgent list; the corrected one is the patient's result."""
    first = _write(tmp_path / "first.hl7", _oru("1", "P1", "S1", "300", "F", PROLACTIN))
    _run(tmp_path, "o1", [first], history_url, T0)
    fixed = _write(tmp_path / "fixed.hl7", _oru("2", "P1", "S1", "30", "C", PROLACTIN))
    outcome = _run(tmp_path, "o2", [fixed], history_url, T0 + timedelta(hours=1))
    assert outcome.results is not None
    assert outcome.results["priority"].tolist() == ["routine"]  # 30 against 4.8-23.3: mild
    assert _overdue(history_url) == []
    with open_history(history_url) as history:
        stored = history.results_of("P1")
        assert stored["prolactin_ng_ml"].tolist() == [300.0, 30.0]
        assert "corrected (OBX-11 C)" in stored["withdrawn"].iloc[0]
        assert stored["withdrawn"].iloc[1] == ""


def test_a_correction_repeating_the_value_keeps_the_result(
    tmp_path: Path, history_url: str
) -> None:
    """A correction of something else (the same value, time and patient) is held under the
    earlier result's id: it is never withdrawn by its own correction."""
    first = _write(tmp_path / "first.hl7", _oru("1", "P1", "S1", "300", "F", PROLACTIN))
    _run(tmp_path, "o1", [first], history_url, T0)
    again = _write(tmp_path / "again.hl7", _oru("2", "P1", "S1", "300", "C", PROLACTIN))
    _run(tmp_path, "o2", [again], history_url, T0 + timedelta(hours=1))
    assert _overdue(history_url) == ["P1"]
    with open_history(history_url) as history:
        assert history.results_of("P1")["withdrawn"].tolist() == [""]


def test_the_run_that_withdraws_a_result_does_not_list_it_as_unacknowledged(
    tmp_path: Path, history_url: str
) -> None:
    """A result posted to the wrong patient, withdrawn by a run after the time to acknowledge
    it has passed: that very run's urgent list (stderr, urgent.txt) left it out, not listed it
    as NOT YET ACKNOWLEDGED (its withdrawal was not yet committed when the list was made)."""
    first = _write(tmp_path / "first.hl7", _oru("1", "P1", "S1", "300", "F", PROLACTIN))
    _run(tmp_path, "o1", [first], history_url, T0)
    second = _write(tmp_path / "second.hl7", _oru("2", "P1", "S1", "300", "W", PROLACTIN))
    later = _run(tmp_path, "o2", [second], history_url, LATER)
    assert not [line for line in later.urgent if "P1" in line]
    assert "P1" not in (tmp_path / "o2" / "urgent.txt").read_text()
    assert _overdue(history_url) == []
