"""Review 11, the results history (docs/history.md):

1. a file's withdrawals and corrections apply before its own results are compared: a withdrawn
   result never serves as an earlier result, also of a new result in the withdrawing file;
2. a patient's results of the same run (another row or file) collected before a result are its
   earlier results, the same whether the rows come in one file or several;
3. an acknowledgement covers the priority the result had when it was given: an escalation to
   urgent is not acknowledged and is reminded;
4. an age that contradicts the stored birth date is a possible identifier clash;
5. an undated result is never taken for a stored one by its value, and a file run again keeps
   the history its results had;
6. `ack` on a withdrawn or corrected result says so.

SQLite and PostgreSQL (tests/history_fixtures.py).  Synthetic patients only."""

from __future__ import annotations

import math
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from history_fixtures import overdue_patients, run_with_history
from typer.testing import CliRunner

from triage.cli import app
from triage.history.store import SCHEMA_VERSION, open_history
from triage.knowledge import load_knowledge
from triage.pipeline import TriageOutcome

T0 = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=3)  # past the time an urgent result must be acknowledged in
runner = CliRunner()
PROLACTIN = "2842-3^Prolactin^LN"


def _run(tmp: Path, name: str, inputs: list[Path], url: str, now: datetime) -> TriageOutcome:
    outcome: TriageOutcome = run_with_history(tmp, name, inputs, url, now)
    return outcome


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results.reset_index(drop=True)


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _overdue(url: str) -> list[str]:
    return overdue_patients(url, LATER)


def _oru(control: str, specimen: str, value: str, status: str, when: str) -> str:
    return "\r".join(
        [
            f"MSH|^~\\&|LIS|CITYLAB|TRIAGE|CLINIC|{when}||ORU^R01^ORU_R01|{control}|P|2.5.1",
            "PID|1||7001^^^CITY^MR||SYN^ONE||19900101|F",
            f"OBR|1|{specimen}P|{specimen}|PRL^Prolactin|||{when}",
            f"OBX|1|NM|{PROLACTIN}||{value}|mIU/L|102-496|H|||{status}|||{when}",
            "NTE|1||on risperidone 4 mg",
        ]
    )


def _hl7(path: Path, *messages: str) -> Path:
    path.write_bytes(("\r".join(messages) + "\r").encode())
    return path


# -- 1. a file's corrections apply before its results are compared ----------------------------
FIRST = _oru("A1", "SP1", "6000", "F", "202611020800")
CORRECTION = _oru("A2", "SP1", "600", "C", "202611020800")
NEW = _oru("A3", "SP2", "1500", "F", "202612020800")


def _new_result(frame: pd.DataFrame) -> pd.Series:
    return frame[frame["specimen_id"] == "SP2"].iloc[0]


def test_a_correction_and_a_new_result_in_one_file_compare_as_in_two(
    tmp_path: Path, history_url: str
) -> None:
    """6000 mIU/L corrected to 600 in the file that brings 1500 a month later: 1500 rises
    from the corrected 28.3 ng/mL (+150 %, soon), never falls from the withdrawn 283."""
    _run(tmp_path, "o1", [_hl7(tmp_path / "a.hl7", FIRST)], history_url, T0)
    both = _hl7(tmp_path / "b.hl7", CORRECTION, NEW)
    outcome = _run(tmp_path, "o2", [both], history_url, T0 + timedelta(hours=1))
    row = _new_result(_results(outcome))
    assert row["trend"] == "rising"
    assert row["previous_ng_ml"] == pytest.approx(600 / 21.2, abs=0.1)
    assert row["change_pct"] == 150
    assert row["priority"] == "soon"
    assert [d["prolactin_value"] for d in row["history_details"]] == [600]
    warned = [w for s in outcome.inputs for w in s.warnings]
    assert any("1 result(s) recorded by earlier runs were withdrawn" in w for w in warned)


def test_the_same_correction_in_two_files_or_one_run_gives_the_same_trend(
    tmp_path: Path, history_url: str
) -> None:
    """The reference: correction and new result in two files; and all three files in one run
    (a later file of a run withdraws an earlier file's result as a later run would)."""
    first = _hl7(tmp_path / "a.hl7", FIRST)
    _run(tmp_path, "o1", [first], history_url, T0)
    _run(tmp_path, "o2", [_hl7(tmp_path / "c1.hl7", CORRECTION)], history_url, T0)
    split = _new_result(
        _results(_run(tmp_path, "o3", [_hl7(tmp_path / "c2.hl7", NEW)], history_url, T0))
    )
    assert (split["trend"], split["change_pct"], split["priority"]) == ("rising", 150, "soon")


def test_one_run_of_the_first_file_and_the_correcting_file(tmp_path: Path) -> None:
    url = str(tmp_path / "h.db")
    first = _hl7(tmp_path / "a.hl7", FIRST)
    both = _hl7(tmp_path / "b.hl7", CORRECTION, NEW)
    outcome = _run(tmp_path, "o1", [first, both], url, T0)
    row = _new_result(_results(outcome))
    assert (row["trend"], row["change_pct"], row["priority"]) == ("rising", 150, "soon")
    with open_history(url) as history:
        shown = history.results_of("7001", issuer="CITY")
    withdrawn = dict(zip(shown["prolactin_value"], shown["withdrawn"], strict=True))
    assert "withdrawn by the lab" in withdrawn[6000]
    assert withdrawn[600] == withdrawn[1500] == ""


@pytest.mark.parametrize(
    ("header", "void", "kept"),
    [
        ("Status", "cancelled", "final"),
        ("Befundstatus", "storniert", "endgültig"),
        ("Statut", "annulé", "validé"),
        ("Estado", "anulado", "definitivo"),
        ("Stato", "annullato", "refertato"),
        ("Uitslagstatus", "geannuleerd", "definitief"),
    ],
)
def test_an_export_cancelling_a_result_and_bringing_a_new_one(
    tmp_path: Path, history_url: str, header: str, void: str, kept: str
) -> None:
    """S1 (400 ng/mL) stored as final; an export cancels S1 and brings S2: S2 is compared with
    the patient's result before S1 (30), never with the cancelled 400."""
    columns = f"MRN,Specimen,Sex,Birth date,Collected,Test,Result,Units,{header}\n"
    first = _csv(
        tmp_path / "first.csv",
        columns + f"P7,S0,F,1990-01-01,2026-09-01 09:00,Prolactin,30,ng/mL,{kept}\n"
        f"P7,S1,F,1990-01-01,2026-10-01 09:00,Prolactin,400,ng/mL,{kept}\n",
    )
    _run(tmp_path, "o1", [first], history_url, T0)
    second = _csv(
        tmp_path / "second.csv",
        columns + f"P7,S1,F,1990-01-01,2026-10-01 09:00,Prolactin,400,ng/mL,{void}\n"
        f"P7,S2,F,1990-01-01,2026-11-01 09:00,Prolactin,60,ng/mL,{kept}\n",
    )
    outcome = _run(tmp_path, "o2", [second], history_url, T0 + timedelta(hours=1))
    row = _results(outcome).iloc[0]
    assert row["specimen_id"] == "S2"
    assert (row["trend"], row["previous_ng_ml"], row["change_pct"]) == ("rising", 30, 100)
    assert row["priority"] == "soon"
    assert [d["prolactin_ng_ml"] for d in row["history_details"]] == [30]


# -- 2. earlier results of the same run -------------------------------------------------------
HEADER = "MRN,Sex,Age,Collected,Prolactin (ng/mL),Medication\n"
OCT = "T1,F,40,2026-10-01 08:00,80,risperidone\n"
NOV = "T1,F,40,2026-11-01 08:00,20,risperidone\n"
DEC = "T1,F,40,2026-12-01 08:00,80,risperidone\n"


def _by_month(outcome: TriageOutcome) -> dict[int, pd.Series]:
    frame = _results(outcome)
    return {pd.Timestamp(r["collected_at"]).month: r for _, r in frame.iterrows()}


@pytest.mark.parametrize("order", [(NOV, DEC), (DEC, NOV)], ids=["in-order", "reversed"])
def test_a_monthly_export_compares_a_patients_results_with_each_other(
    tmp_path: Path, history_url: str, order: tuple[str, str]
) -> None:
    _run(tmp_path, "o1", [_csv(tmp_path / "a.csv", HEADER + OCT)], history_url, T0)
    both = _csv(tmp_path / "b.csv", HEADER + "".join(order))
    rows = _by_month(_run(tmp_path, "o2", [both], history_url, T0 + timedelta(hours=1)))
    assert (rows[11]["trend"], rows[11]["previous_ng_ml"]) == ("falling", 80)
    assert (rows[12]["trend"], rows[12]["previous_ng_ml"]) == ("rising", 20)
    assert rows[12]["change_pct"] == 300 and rows[12]["priority"] == "soon"
    assert [d["prolactin_ng_ml"] for d in rows[12]["history_details"]] == [20, 80]
    ids = {int(d["result_id"]) for d in rows[12]["history_details"]}
    assert int(rows[11]["result_id"]) in ids  # the same-run result by its stored id


def test_the_same_rows_in_two_files_of_one_run_or_two_runs(
    tmp_path: Path, history_url: str
) -> None:
    _run(tmp_path, "o1", [_csv(tmp_path / "a.csv", HEADER + OCT)], history_url, T0)
    nov, dec = _csv(tmp_path / "nov.csv", HEADER + NOV), _csv(tmp_path / "dec.csv", HEADER + DEC)
    rows = _by_month(_run(tmp_path, "o2", [nov, dec], history_url, T0 + timedelta(hours=1)))
    assert (rows[12]["trend"], rows[12]["change_pct"], rows[12]["priority"]) == (
        "rising",
        300,
        "soon",
    )


def _one_run(tmp_path: Path, text: str) -> pd.DataFrame:
    """The results of one file, the first run of a new SQLite history."""
    url = str(tmp_path / "h.db")
    return _results(_run(tmp_path, "o1", [_csv(tmp_path / "q.csv", text)], url, T0))


def test_equal_times_and_undated_rows_of_a_run_are_not_earlier(tmp_path: Path) -> None:
    text = (
        "MRN,Sex,Age,Collected,Prolactin (ng/mL)\n"
        "Q1,F,40,2026-11-01 08:00,20\nQ1,F,40,2026-11-01 08:00,80\n"
        "Q2,F,40,,20\nQ2,F,40,,80\n"
    )
    frame = _one_run(tmp_path, text)
    assert frame["trend"].tolist() == ["new"] * 4
    assert all(math.isnan(v) for v in frame["previous_ng_ml"].tolist())


def test_another_patients_earlier_row_is_not_a_result_of_this_one(tmp_path: Path) -> None:
    text = (
        "MRN,Sex,DOB,Collected,Prolactin (ng/mL)\n"
        "Q1,F,1980-01-01,2026-10-01 08:00,20\n"
        "Q9,F,1980-01-01,2026-10-15 08:00,5\n"
        "Q1,F,1980-01-01,2026-11-01 08:00,80\n"
        "Q1,M,1950-05-05,2026-12-01 08:00,10\n"
    )
    frame = _one_run(tmp_path, text)
    assert frame["trend"].tolist() == ["new", "new", "rising", "new"]
    assert frame["previous_ng_ml"].iloc[2] == 20
    assert frame["identity_check"].tolist() == ["", "", "", "possible_clash"]


# -- 3. an ack covers the priority it was given at -------------------------------------------
@pytest.mark.parametrize(
    "flag",
    [
        "visual field defect",
        "Gesichtsfeldausfall",
        "déficit du champ visuel",
        "defecto del campo visual",
        "deficit del campo visivo",
        "gezichtsvelduitval",
    ],
)
def test_an_ack_of_a_routine_result_does_not_cover_its_escalation_to_urgent(
    tmp_path: Path, history_url: str, flag: str
) -> None:
    header = "MRN,Sex,Age,Collected,Prolactin (ng/mL),Comment\n"
    plain = _csv(tmp_path / "a.csv", header + "P500,F,40,2026-11-01 08:00,60,\n")
    first = _results(_run(tmp_path, "o1", [plain], history_url, T0)).iloc[0]
    assert first["priority"] != "urgent"
    said = runner.invoke(
        app, ["ack", "R-1", "--by", "Me", "--note", "seen", "--history", history_url]
    )
    assert said.exit_code == 0, said.output
    assert "not an urgent result" in said.output
    flagged = _csv(tmp_path / "b.csv", header + f"P500,F,40,2026-11-01 08:00,60,{flag}\n")
    outcome = _run(tmp_path, "o2", [flagged], history_url, T0 + timedelta(hours=1))
    row = _results(outcome).iloc[0]
    assert (row["priority"], int(row["result_id"])) == ("urgent", 1)
    assert row["acknowledged"] in ("", None) or pd.isna(row["acknowledged"])
    urgent = (tmp_path / "o2" / "urgent.txt").read_text(encoding="utf-8")
    assert "P500" in urgent and "ALREADY ACKNOWLEDGED" not in urgent
    assert _overdue(history_url) == ["P500"]  # reminded until acknowledged as urgent
    again = runner.invoke(app, ["ack", "R-1", "--by", "Me", "--history", history_url])
    assert again.exit_code == 0 and "not an urgent result" not in again.output
    assert _overdue(history_url) == []


@pytest.mark.parametrize(
    "note", ["no visual field defect", "kein Gesichtsfeldausfall", "pas de déficit du champ visuel"]
)
def test_an_ack_still_covers_a_result_judged_as_before(
    tmp_path: Path, history_url: str, note: str
) -> None:
    header = "MRN,Sex,Age,Collected,Prolactin (ng/mL),Comment\n"
    plain = _csv(tmp_path / "a.csv", header + "P501,F,40,2026-11-01 08:00,60,\n")
    _run(tmp_path, "o1", [plain], history_url, T0)
    runner.invoke(app, ["ack", "R-1", "--by", "Me", "--history", history_url])
    denied = _csv(tmp_path / "b.csv", header + f"P501,F,40,2026-11-01 08:00,60,{note}\n")
    row = _results(_run(tmp_path, "o2", [denied], history_url, T0 + timedelta(hours=1))).iloc[0]
    assert row["priority"] != "urgent"
    assert "by Me" in str(row["acknowledged"])


def test_an_urgent_result_acknowledged_stays_acknowledged(tmp_path: Path, history_url: str) -> None:
    header = "MRN,Sex,Age,Collected,Prolactin (ng/mL)\n"
    text = header + "P502,F,40,2026-11-01 08:00,400\n"
    assert _results(_run(tmp_path, "o1", [_csv(tmp_path / "a.csv", text)], history_url, T0))[
        "priority"
    ].tolist() == ["urgent"]
    runner.invoke(app, ["ack", "R-1", "--by", "Me", "--history", history_url])
    again = _csv(tmp_path / "b.csv", text + "P503,F,40,2026-11-01 08:00,20\n")
    row = _results(_run(tmp_path, "o2", [again], history_url, T0 + timedelta(hours=1))).iloc[0]
    assert "by Me" in str(row["acknowledged"])
    assert "ALREADY ACKNOWLEDGED" in (tmp_path / "o2" / "urgent.txt").read_text("utf-8")
    assert _overdue(history_url) == []


def test_an_ack_of_a_version_3_history_covers_as_before(tmp_path: Path) -> None:
    """An acknowledgement stored before version 4 kept no priority: it covers the result."""
    url = str(tmp_path / "h.db")
    header = "MRN,Sex,Age,Collected,Prolactin (ng/mL),Comment\n"
    first = _csv(tmp_path / "a.csv", header + "P5,F,40,2026-11-01 08:00,60,\n")
    _run(tmp_path, "o1", [first], url, T0)
    runner.invoke(app, ["ack", "R-1", "--by", "Me", "--history", url])
    with sqlite3.connect(url) as conn:  # as version 3 left it: no acks.priority
        conn.execute("ALTER TABLE acks DROP COLUMN priority")
        conn.execute("UPDATE schema_info SET value = '3' WHERE key = 'schema_version'")
    with open_history(url) as history:
        assert history.schema_version() == SCHEMA_VERSION == 9
        columns = {c["name"] for c in sa.inspect(history.engine).get_columns("acks")}
        assert "priority" in columns
    flagged = _csv(tmp_path / "b.csv", header + "P5,F,40,2026-11-01 08:00,60,visual field defect\n")
    row = _results(_run(tmp_path, "o2", [flagged], url, T0 + timedelta(hours=1))).iloc[0]
    assert row["priority"] == "urgent" and "by Me" in str(row["acknowledged"])


# -- 4. an age that contradicts the stored birth date -----------------------------------------
@pytest.mark.parametrize(
    ("age", "clash"), [("75", True), ("49", True), ("46", False), ("47", False), ("48", False)]
)
def test_an_age_against_the_stored_birth_date(
    tmp_path: Path, history_url: str, age: str, clash: bool
) -> None:
    """Born 1980-01-01: 46.9 years on 2026-12-02; an export's age is whole years."""
    dob = _csv(
        tmp_path / "e.csv",
        "MRN,Sex,DOB,Collected,Prolactin (ng/mL)\nP701,F,1980-01-01,2026-10-01 08:00,20\n",
    )
    _run(tmp_path, "o1", [dob], history_url, T0)
    aged = _csv(
        tmp_path / "f.csv",
        f"MRN,Sex,Age,Collected,Prolactin (ng/mL)\nP701,F,{age},2026-12-02 08:00,75\n",
    )
    row = _results(_run(tmp_path, "o2", [aged], history_url, T0 + timedelta(hours=1))).iloc[0]
    if clash:
        assert (row["identity_check"], row["trend"]) == ("possible_clash", "new")
        assert row["history_details"] == []
    else:
        assert not row["identity_check"]
        assert (row["trend"], row["previous_ng_ml"]) == ("rising", 20)


def test_a_clashing_age_stored_is_never_an_earlier_result_of_the_true_patient(
    tmp_path: Path, history_url: str
) -> None:
    """The 75-year-old's result stored under P701 (a clash) is not compared with the next
    result of the woman born 1980, given by her birth date or by her age; two ages of one id
    decades apart clash too."""
    header = "MRN,Sex,Age,Collected,Prolactin (ng/mL)\n"
    dob = _csv(
        tmp_path / "e.csv",
        "MRN,Sex,DOB,Collected,Prolactin (ng/mL)\nP701,F,1980-01-01,2026-10-01 08:00,20\n",
    )
    _run(tmp_path, "o1", [dob], history_url, T0)
    wrong = _csv(tmp_path / "f.csv", header + "P701,F,75,2026-12-02 08:00,75\n")
    _run(tmp_path, "o2", [wrong], history_url, T0 + timedelta(hours=1))
    later = _csv(tmp_path / "g.csv", header + "P701,F,46,2026-12-03 08:00,30\n")
    row = _results(_run(tmp_path, "o3", [later], history_url, T0 + timedelta(hours=2))).iloc[0]
    assert row["identity_check"] == "possible_clash"  # the 75-year-old stored under the id
    assert (row["trend"], row["previous_ng_ml"]) == ("stable", 20)
    assert [d["prolactin_ng_ml"] for d in row["history_details"]] == [20]


def test_two_ages_of_one_id_decades_apart_clash(tmp_path: Path, history_url: str) -> None:
    header = "MRN,Sex,Age,Collected,Prolactin (ng/mL)\n"
    first = _csv(tmp_path / "a.csv", header + "A9,F,30,2025-10-01 08:00,20\n")
    _run(tmp_path, "o1", [first], history_url, T0)
    same = _csv(
        tmp_path / "b.csv", header + "A9,F,31,2026-09-01 08:00,80\nA8,F,30,2026-10-01 08:00,9\n"
    )
    row = _results(_run(tmp_path, "o2", [same], history_url, T0)).iloc[0]
    assert (row["identity_check"], row["trend"]) == ("", "rising")
    other = _csv(tmp_path / "c.csv", header + "A9,F,70,2026-11-01 08:00,80\n")
    row = _results(_run(tmp_path, "o3", [other], history_url, T0)).iloc[0]
    assert (row["identity_check"], row["trend"]) == ("possible_clash", "new")


def test_the_age_tolerance_is_a_sourced_threshold() -> None:
    thresholds = load_knowledge("default").thresholds
    assert thresholds.get("identity_age_tolerance_years") == 1.5
    assert "whole years" in thresholds.source("identity_age_tolerance_years")


# -- 5. undated results -------------------------------------------------------------------------
UNDATED = "MRN,Sex,Age,Prolactin (ng/mL)\n"


def test_an_undated_file_run_again_keeps_its_history_and_says_so(
    tmp_path: Path, history_url: str
) -> None:
    a = _csv(tmp_path / "a.csv", UNDATED + "N1,F,30,20\n")
    b = _csv(tmp_path / "b.csv", UNDATED + "N1,F,30,80\n")
    c = _csv(tmp_path / "c.csv", UNDATED + "N1,F,30,20\n")  # a.csv's bytes again
    d = _csv(tmp_path / "d.csv", UNDATED + "N1,F,30,20\nN2,F,30,25\n")  # 20 again, another file
    _run(tmp_path, "o1", [a], history_url, T0)
    second = _results(_run(tmp_path, "o2", [b], history_url, T0 + timedelta(hours=1))).iloc[0]
    # no date, no trend: which of two undated results came first is unknown (review 16)
    assert second["trend"] == "" and pd.isna(second["previous_ng_ml"])
    outcome = _run(tmp_path, "o3", [c], history_url, T0 + timedelta(hours=2))
    again = _results(outcome).iloc[0]
    assert int(again["result_id"]) == 1
    assert again["trend"] == "new"  # as when a.csv was first read; never "falling" from 80
    warned = [w for s in outcome.inputs for w in s.warnings]
    assert any("the history already holds this file's content (a.csv" in w for w in warned)
    fresh = _results(_run(tmp_path, "o4", [d], history_url, T0 + timedelta(hours=3))).iloc[0]
    # the same undated patient and value in another file: the stored result again, identified
    # by what it has (a re-export), never stored twice nor compared with 80 (review 16)
    assert int(fresh["result_id"]) == 1
    assert fresh["trend"] == "new"
    with open_history(history_url) as history:
        assert history.results_of("N1")["prolactin_ng_ml"].tolist() == [20, 80]


def test_a_new_file_warns_nothing_about_earlier_runs(tmp_path: Path, history_url: str) -> None:
    a = _csv(tmp_path / "a.csv", UNDATED + "N1,F,30,20\n")
    outcome = _run(tmp_path, "o1", [a], history_url, T0)
    assert not any("already holds" in w for s in outcome.inputs for w in s.warnings)


# -- 6. ack on a withdrawn result ----------------------------------------------------------------
def test_ack_of_a_corrected_result_says_so(tmp_path: Path, history_url: str) -> None:
    _run(tmp_path, "o1", [_hl7(tmp_path / "a.hl7", FIRST)], history_url, T0)
    both = _hl7(tmp_path / "b.hl7", CORRECTION, NEW)
    _run(tmp_path, "o2", [both], history_url, T0 + timedelta(hours=1))
    said = runner.invoke(app, ["ack", "R-1", "--by", "Me", "--history", history_url])
    assert said.exit_code == 0, said.output
    assert "6000 mIU/L" in said.output and "withdrawn by the lab" in said.output
    assert "corrected to 600 mIU/L (R-2)" in said.output
    assert "no longer a valid result" in said.output


def test_ack_of_a_cancelled_result_says_so_without_a_correction(
    tmp_path: Path, history_url: str
) -> None:
    columns = "MRN,Specimen,Sex,Birth date,Collected,Test,Result,Units,Status\n"
    first = _csv(
        tmp_path / "a.csv",
        columns + "P8,S1,F,1990-01-01,2026-10-01 09:00,Prolactin,400,ng/mL,final\n",
    )
    _run(tmp_path, "o1", [first], history_url, T0)
    cancel = _csv(
        tmp_path / "b.csv",
        columns + "P8,S1,F,1990-01-01,2026-10-01 09:00,Prolactin,400,ng/mL,cancelled\n",
    )
    _run(tmp_path, "o2", [cancel], history_url, T0 + timedelta(hours=1))
    said = runner.invoke(app, ["ack", "R-1", "--by", "Me", "--history", history_url])
    assert said.exit_code == 0, said.output
    assert "withdrawn by the lab" in said.output and "corrected to" not in said.output


def test_ack_of_a_valid_result_says_nothing_of_withdrawal(tmp_path: Path, history_url: str) -> None:
    columns = "MRN,Specimen,Sex,Birth date,Collected,Test,Result,Units,Status\n"
    first = _csv(
        tmp_path / "a.csv",
        columns + "P9,S1,F,1990-01-01,2026-10-01 09:00,Prolactin,400,ng/mL,final\n",
    )
    _run(tmp_path, "o1", [first], history_url, T0)
    said = runner.invoke(app, ["ack", "R-1", "--by", "Me", "--history", history_url])
    assert said.exit_code == 0, said.output
    assert "withdrawn" not in said.output and "recorded anyway" not in said.output
