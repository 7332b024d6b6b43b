"""The results history (triage/history): recorded results, delta checks, identity, acknowledged
urgent results, a transaction per run.  Every test that touches a database runs against SQLite
and a real PostgreSQL server (tests/history_fixtures.py; .ci/run starts one).  Synthetic
patients only."""

from __future__ import annotations

import math
import os
import shlex
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from triage.history import HistoryError, HistoryOptions, history_options
from triage.history.delta import annotate, rcv_limits
from triage.history.store import SCHEMA_VERSION, open_history, parse_result_id
from triage.knowledge import load_knowledge
from triage.pipeline import TriageOutcome, TriageRequest, run_triage
from triage.schema import ConfigError

HEADER = "patient_id,sex,birth_date,collected_at,prolactin,prolactin_unit,medications\n"
T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def thresholds():  # type: ignore[no-untyped-def]
    return load_knowledge("default").thresholds


def export(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def triage(
    tmp: Path, name: str, inputs: list[Path], url: str, *, now: datetime = T0, **history: object
) -> TriageOutcome:
    request = TriageRequest(
        inputs=inputs,
        out_dir=tmp / name,
        history=HistoryOptions(location=url, **history),  # type: ignore[arg-type]
        keep_results=True,
        jobs=1,
    )
    return run_triage(request, now=now)


def by_patient(outcome: TriageOutcome) -> dict[str, dict[str, object]]:
    assert outcome.results is not None
    return {str(r["patient_id"]): r for r in outcome.results.to_dict("records")}


# ------------------------------------------------------------------------------ delta check --
def test_reference_change_value_flags_a_threefold_rise_not_ordinary_fluctuation(
    thresholds,  # type: ignore[no-untyped-def]
) -> None:
    rise, fall = rcv_limits(thresholds)
    # prolactin varies log-normally: a rise must be larger than the matching fall
    assert rise > fall > 0
    assert math.isclose((1 + rise) * (1 - fall), 1.0)
    assert 2.0 > 1 + rise > 1.2  # a threefold rise is beyond it, 20 % is not
    assert 1 - fall < 0.8


def _rows(**columns: list[object]) -> pd.DataFrame:
    n = len(next(iter(columns.values()), [None]))
    base: dict[str, list[object]] = {
        "patient_id": ["P1"] * n,
        "birth_date": ["1990-01-01"] * n,
        "sex": ["F"] * n,
        "collected_at": [pd.Timestamp("2026-11-01 09:00")] * n,
        "prolactin_ng_ml": [30.0] * n,
        "qualifier": [""] * n,
        "status": ["high"] * n,
        "priority": ["routine"] * n,
    }
    base.update(columns)
    return pd.DataFrame(base)


def _earlier(**columns: list[object]) -> pd.DataFrame:
    frame = _rows(**columns)
    frame["id"] = range(1, len(frame) + 1)
    frame["acknowledged"] = ""
    return frame


def test_rise_beyond_the_rcv_raises_a_raised_result_to_soon(thresholds) -> None:  # type: ignore[no-untyped-def]
    now = _rows(prolactin_ng_ml=[95.0], priority=["routine"])
    then = _earlier(prolactin_ng_ml=[30.0], collected_at=[pd.Timestamp("2026-10-01 09:00")])
    out = annotate(now, then, thresholds)
    assert out.loc[0, "trend"] == "rising"
    assert out.loc[0, "priority"] == "soon"
    assert out.loc[0, "previous_ng_ml"] == 30.0
    assert out.loc[0, "change_pct"] == 216.7  # the one number rule: one decimal from 100 up
    assert [d["prolactin_ng_ml"] for d in out.loc[0, "history_details"]] == [30.0]


@pytest.mark.parametrize(
    ("before", "after", "status", "trend", "priority"),
    [
        (30.0, 33.0, "high", "stable", "routine"),  # within ordinary variation
        (90.0, 30.0, "high", "falling", "routine"),  # a fall changes no priority
        (5.0, 15.0, "normal", "rising", "none"),  # a rise within the interval: noted only
        (30.0, 95.0, "high", "rising", "soon"),
    ],
)
def test_trend_and_priority_follow_the_size_of_the_change(
    thresholds,  # type: ignore[no-untyped-def]
    before: float,
    after: float,
    status: str,
    trend: str,
    priority: str,
) -> None:
    start = "none" if status == "normal" else "routine"
    now = _rows(prolactin_ng_ml=[after], status=[status], priority=[start])
    then = _earlier(prolactin_ng_ml=[before], collected_at=[pd.Timestamp("2026-09-01")])
    out = annotate(now, then, thresholds)
    assert (out.loc[0, "trend"], out.loc[0, "priority"]) == (trend, priority)


def test_an_urgent_result_is_never_lowered_by_a_rise(thresholds) -> None:  # type: ignore[no-untyped-def]
    now = _rows(prolactin_ng_ml=[300.0], priority=["urgent"])
    then = _earlier(prolactin_ng_ml=[30.0], collected_at=[pd.Timestamp("2026-09-01")])
    assert annotate(now, then, thresholds).loc[0, "priority"] == "urgent"


@pytest.mark.parametrize(
    ("before", "before_q", "after", "after_q", "trend", "priority"),
    [
        (3.0, "<", 60.0, "", "rising", "soon"),  # at least twenty-fold
        (30.0, "", 95.0, ">", "rising", "soon"),  # above the range: at least 3x
        (12.0, "", 5.0, "<", "falling", "routine"),  # at most 5/12
        (4.0, "", 5.0, "<", "", "routine"),  # anywhere from 0 to 5: no direction
        (3.0, "<", 3.0, "<", "", "routine"),
        (200.0, ">", 250.0, ">", "", "routine"),
    ],
)
def test_censored_values_give_a_trend_only_where_every_value_they_allow_does(
    thresholds,  # type: ignore[no-untyped-def]
    before: float,
    before_q: str,
    after: float,
    after_q: str,
    trend: str,
    priority: str,
) -> None:
    """'<3' then 60 is a rise of twenty-fold at least: rising, and a raised result soon (the
    censored earlier value had left the trend empty and the rise unseen)."""
    now = _rows(prolactin_ng_ml=[after], qualifier=[after_q], priority=["routine"])
    then = _earlier(
        prolactin_ng_ml=[before], qualifier=[before_q], collected_at=[pd.Timestamp("2026-09-01")]
    )
    out = annotate(now, then, thresholds)
    assert (out.loc[0, "trend"], out.loc[0, "priority"]) == (trend, priority)


def test_first_result_is_new_and_a_repeat_of_the_same_collection_is_not_its_own_history(
    thresholds,  # type: ignore[no-untyped-def]
) -> None:
    now = _rows(prolactin_ng_ml=[30.0])
    assert annotate(now, _earlier().iloc[0:0], thresholds).loc[0, "trend"] == "new"
    same_time = _earlier(prolactin_ng_ml=[30.0])  # the same collection, recorded before
    assert annotate(now, same_time, thresholds).loc[0, "trend"] == "new"


@pytest.mark.parametrize(
    ("birth_date", "sex", "clash"),
    [
        ("1990-01-01", "F", False),
        ("1971-06-30", "F", True),  # another birth date under the same id
        ("1990-01-01", "M", True),  # another sex
        (None, "F", False),  # unknown: not a contradiction
        ("1990-01-01", None, False),
    ],
)
def test_an_id_seen_with_another_birth_date_or_sex_is_a_possible_clash_never_merged(
    thresholds,  # type: ignore[no-untyped-def]
    birth_date: str | None,
    sex: str | None,
    clash: bool,
) -> None:
    now = _rows(prolactin_ng_ml=[95.0])
    then = _earlier(
        prolactin_ng_ml=[30.0],
        collected_at=[pd.Timestamp("2026-09-01")],
        birth_date=[birth_date],
        sex=[sex],
    )
    out = annotate(now, then, thresholds)
    assert (out.loc[0, "identity_check"] == "possible_clash") is clash
    if clash:
        assert out.loc[0, "trend"] == "new" and out.loc[0, "history_details"] == []
        assert out.loc[0, "priority"] == "routine"


# ------------------------------------------------------------------------ the whole pipeline --
def test_three_exports_in_turn_give_trend_delta_and_clash(tmp_path: Path, history_url: str) -> None:
    first = export(
        tmp_path / "september.csv",
        [
            "HX001,F,1990-04-02,2026-09-01 09:00,30,ng/mL,risperidone 2 mg",
            "HX002,M,1975-01-20,2026-09-01 09:30,10,ng/mL,",
        ],
    )
    second = export(
        tmp_path / "october.csv",
        [
            "HX001,F,1990-04-02,2026-10-01 09:00,32,ng/mL,risperidone 2 mg",
            "HX002,M,1975-01-20,2026-10-01 09:30,11,ng/mL,",
        ],
    )
    third = export(
        tmp_path / "november.csv",
        [
            "HX001,F,1990-04-02,2026-11-01 09:00,95,ng/mL,risperidone 2 mg",
            "HX002,M,1981-03-03,2026-11-01 09:30,12,ng/mL,",  # the id, another person
        ],
    )
    one = by_patient(triage(tmp_path, "o1", [first], history_url))
    assert {p: r["trend"] for p, r in one.items()} == {"HX001": "new", "HX002": "new"}
    two = by_patient(triage(tmp_path, "o2", [second], history_url, now=T0 + timedelta(days=1)))
    assert two["HX001"]["trend"] == "stable" and two["HX001"]["previous_ng_ml"] == 30
    three = by_patient(triage(tmp_path, "o3", [third], history_url, now=T0 + timedelta(days=2)))
    rising = three["HX001"]
    assert rising["trend"] == "rising" and rising["previous_ng_ml"] == 32
    assert [d["prolactin_ng_ml"] for d in rising["history_details"]] == [32.0, 30.0]
    # risperidone explains a result of this size (routine); the rise makes it soon
    assert rising["priority"] == "soon"
    clash = three["HX002"]
    assert clash["identity_check"] == "possible_clash"
    assert clash["trend"] == "new" and clash["history_details"] == []
    # the CSV carries the history columns at the end (contract: more columns may follow)
    written = pd.read_csv(tmp_path / "o3" / "results.csv")
    assert list(written.columns[-7:]) == [
        "result_id",
        "trend",
        "previous_ng_ml",
        "previous_collected_at",
        "change_pct",
        "identity_check",
        "acknowledged",
    ]
    with open_history(history_url) as history:
        assert history.counts()["results"] == 6
        stored = history.results_of("HX002")
        assert set(stored["birth_date"].astype(str)) == {"1975-01-20", "1981-03-03"}


def test_rerunning_an_export_or_a_cumulative_export_adds_nothing(
    tmp_path: Path, history_url: str
) -> None:
    rows = [
        "HX010,F,1990-04-02,2026-09-01 09:00,30,ng/mL,",
        "HX011,M,1975-01-20,2026-09-01 09:30,10,ng/mL,",
    ]
    first = export(tmp_path / "a.csv", rows)
    ids_one = by_patient(triage(tmp_path, "o1", [first], history_url))
    ids_two = by_patient(triage(tmp_path, "o2", [first], history_url))
    assert {p: r["result_id"] for p, r in ids_one.items()} == {
        p: r["result_id"] for p, r in ids_two.items()
    }
    # a later export repeating last month's rows under another name, plus a new one
    cumulative = export(
        tmp_path / "b.csv", [*rows, "HX010,F,1990-04-02,2026-10-01 09:00,31,ng/mL,"]
    )
    three = triage(tmp_path, "o3", [cumulative], history_url)
    assert three.results is not None
    assert three.results["trend"].tolist() == ["new", "new", "stable"]
    with open_history(history_url) as history:
        assert history.counts()["results"] == 3


def test_a_later_export_that_makes_a_held_result_urgent_raises_it_in_the_history(
    tmp_path: Path, history_url: str
) -> None:
    """The same result exported again with a red flag added is urgent: the history takes the
    more pressing decision, so that it is reminded until acknowledged; a later, calmer export
    never lowers it."""
    header = HEADER.replace("medications", "symptoms")
    first, with_flag = tmp_path / "v1.csv", tmp_path / "v2.csv"
    first.write_text(header + "HX015,F,1990-04-02,2026-09-01 09:00,60,ng/mL,\n", "utf-8")
    with_flag.write_text(
        header + "HX015,F,1990-04-02,2026-09-01 09:00,60,ng/mL,bitemporal hemianopia\n", "utf-8"
    )
    one = by_patient(triage(tmp_path, "o1", [first], history_url))
    two = triage(tmp_path, "o2", [with_flag], history_url, now=T0 + timedelta(hours=1))
    assert by_patient(two)["HX015"]["result_id"] == one["HX015"]["result_id"]
    assert len(two.urgent) == 1
    with open_history(history_url) as history:
        held = history.results_of("HX015")
        assert held["priority"].tolist() == ["urgent"]
    triage(tmp_path, "o3", [first], history_url, now=T0 + timedelta(hours=2))
    late = triage(tmp_path, "o4", [first], history_url, now=T0 + timedelta(hours=14))
    assert any("NOT YET ACKNOWLEDGED" in line for line in late.urgent)
    with open_history(history_url) as history:
        assert history.results_of("HX015")["priority"].tolist() == ["urgent"]


def test_issuers_keep_ids_of_different_sources_apart(tmp_path: Path, history_url: str) -> None:
    north = export(tmp_path / "north-2026.csv", ["HX020,F,1990-04-02,2026-09-01 09:00,30,ng/mL,"])
    south = export(tmp_path / "south-2026.csv", ["HX020,F,1990-04-02,2026-10-01 09:00,95,ng/mL,"])
    issuers = (("north-*", "NORTH"), ("south-*", "SOUTH"))
    triage(tmp_path, "o1", [north], history_url, issuers=issuers)
    second = by_patient(triage(tmp_path, "o2", [south], history_url, issuers=issuers))
    assert second["HX020"]["trend"] == "new"  # another issuer's HX020 is another patient
    with open_history(history_url) as history:
        assert set(history.results_of("HX020")["issuer"]) == {"NORTH", "SOUTH"}
        assert len(history.results_of("HX020", "SOUTH")) == 1


def test_unacknowledged_urgent_result_is_listed_again_until_acknowledged(
    tmp_path: Path, history_url: str
) -> None:
    urgent = export(tmp_path / "urgent.csv", ["HX030,F,1988-07-07,2026-09-02 10:00,6000,mIU/L,"])
    calm = export(tmp_path / "calm.csv", ["HX031,M,1975-01-20,2026-09-03 09:30,10,ng/mL,"])
    first = triage(tmp_path, "o1", [urgent], history_url)
    assert len(first.urgent) == 1 and "| result R-" in first.urgent[0]
    result_id = parse_result_id(first.urgent[0].split("| result ")[1].split(" |")[0])
    # an hour later: not yet overdue (the set time is 12 hours)
    soon = triage(tmp_path, "o2", [calm], history_url, now=T0 + timedelta(hours=1))
    assert soon.urgent == []
    late = triage(tmp_path, "o3", [calm], history_url, now=T0 + timedelta(hours=13))
    assert len(late.urgent) == 1 and "NOT YET ACKNOWLEDGED" in late.urgent[0]
    assert f"R-{result_id}" in late.urgent[0]
    urgent_txt = (tmp_path / "o3" / "urgent.txt").read_text(encoding="utf-8")
    assert "NOT YET ACKNOWLEDGED" in urgent_txt
    with open_history(history_url) as history:
        history.acknowledge(
            result_id, by="A. Biochemist", told="Dr Ward (GP)", note="phoned", at=T0
        )
    after = triage(tmp_path, "o4", [calm], history_url, now=T0 + timedelta(hours=14))
    assert after.urgent == []
    # the acknowledged result, seen again, carries who was told and when
    again = by_patient(triage(tmp_path, "o5", [urgent], history_url, now=T0 + timedelta(hours=15)))
    assert again["HX030"]["acknowledged"].startswith("told Dr Ward (GP) by A. Biochemist")
    # a shorter set time from the config
    assert HistoryOptions(location="x", ack_within_hours=1).ack_within_hours == 1


@pytest.mark.parametrize("redact", [False, True])
def test_a_batch_run_with_no_new_file_still_lists_the_overdue_urgent_results(
    tmp_path: Path, history_url: str, redact: bool
) -> None:
    """Cron mails what a run prints: a quiet night (an empty inbox) must still say the urgent
    result nobody has acknowledged, every run, until it is (docs/history.md)."""
    from triage.batch import BatchSettings, run_batch
    from triage.output.options import OutputOptions

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    dropped = export(inbox / "urgent.csv", ["HX040,F,1988-07-07,2026-09-02 10:00,6000,mIU/L,"])
    before = T0.timestamp() - 3600  # dropped into the inbox an hour before the first run
    os.utime(dropped, (before, before))
    template = TriageRequest(
        inputs=[],
        out_dir=tmp_path / "out",
        history=HistoryOptions(location=history_url),
        output_options=OutputOptions(redact=redact, redact_key=b"k" * 32 if redact else None),
        jobs=1,
    )
    settings = BatchSettings(settle_seconds=0)
    first = run_batch(inbox, tmp_path / "out", template, settings, now=T0)
    assert [i.status for i in first.items] == ["done"] and len(first.urgent) == 1
    assert first.reminders == []
    assert run_batch(inbox, tmp_path / "out", template, settings, now=T0).reminders == []
    quiet = run_batch(inbox, tmp_path / "out", template, settings, now=T0 + timedelta(hours=13))
    assert quiet.items == [] and quiet.urgent == []
    assert len(quiet.reminders) == 1 and "NOT YET ACKNOWLEDGED" in quiet.reminders[0]
    assert ("HX040" in quiet.reminders[0]) is not redact
    said = quiet.reminders[0].split("prolactin-triage ack ")[1].split()[0]
    with open_history(history_url) as history:
        history.acknowledge(parse_result_id(said), by="A. Biochemist", told="Dr W", note="", at=T0)
    later = run_batch(inbox, tmp_path / "out", template, settings, now=T0 + timedelta(hours=14))
    assert later.reminders == []


def test_a_batch_of_several_files_lists_an_overdue_result_once(
    tmp_path: Path, history_url: str
) -> None:
    """The reminder of an unacknowledged urgent result was printed once per file of the run (3
    files: 3 reminders), and written into each file's urgent.txt: it is said once, by the run."""
    from triage.batch import BatchSettings, run_batch

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    first = export(inbox / "urgent.csv", ["HX041,F,1988-07-07,2026-09-02 10:00,6000,mIU/L,"])
    os.utime(first, (T0.timestamp() - 3600,) * 2)
    template = TriageRequest(
        inputs=[], out_dir=tmp_path / "out", history=HistoryOptions(location=history_url), jobs=1
    )
    settings = BatchSettings(settle_seconds=0)
    run_batch(inbox, tmp_path / "out", template, settings, now=T0)
    later = T0 + timedelta(hours=13)
    for n in range(3):
        calm = export(inbox / f"calm{n}.csv", [f"HX05{n},F,1988-07-07,2026-09-03 10:00,200,mIU/L,"])
        os.utime(calm, (later.timestamp() - 3600,) * 2)
    outcome = run_batch(inbox, tmp_path / "out", template, settings, now=later)
    assert [i.status for i in outcome.items] == ["done"] * 3
    assert sum("NOT YET ACKNOWLEDGED" in line for i in outcome.items for line in i.urgent) == 0
    assert len(outcome.reminders) == 1 and "NOT YET ACKNOWLEDGED" in outcome.reminders[0]


def test_history_options_from_config(tmp_path: Path) -> None:
    config = str(tmp_path / "config.toml")
    options = history_options(
        None,
        {"path": "h.db", "issuer": "LAB", "issuers": {"north-*": "NORTH"}},
        config_path=config,
    )
    assert options is not None
    assert options.location == str(tmp_path / "h.db")  # relative to the config file
    assert options.issuer_for("north-01.csv") == "NORTH"
    assert options.issuer_for("other.csv") == "LAB"
    assert history_options(None, None) is None
    assert history_options("x.db", None) == HistoryOptions(location="x.db")
    with pytest.raises(ConfigError, match="unknown key"):
        history_options(None, {"pth": "h.db"}, config_path=config)
    with pytest.raises(ConfigError, match="issuers"):
        history_options(None, {"url": "h.db", "issuers": ["north"]}, config_path=config)


def test_schema_is_versioned_and_a_newer_one_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    with open_history(path) as history:
        assert history.schema_version() == SCHEMA_VERSION
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_info SET value = ? WHERE key = 'schema_version'", ("99",))
    with pytest.raises(HistoryError, match="newer"):
        open_history(path)


def test_a_file_that_is_not_a_database_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    path.write_text("not a database\n" * 100)
    with pytest.raises(HistoryError, match=r"not a usable database|cannot open"):
        open_history(path)


# ------------------------------------------------------------- a killed run, a reader meanwhile --
_BLOCKED_RUN = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from triage.history import HistoryOptions
    from triage.output.session import OutputSession
    from triage.pipeline import TriageRequest, run_triage

    inputs, out, url, ready = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])

    def finish(self, *args, **kwargs):  # every result is recorded, not yet committed
        ready.write_text("recorded")
        time.sleep(600)

    OutputSession.finish = finish
    run_triage(TriageRequest(inputs=[Path(inputs)], out_dir=Path(out), jobs=1,
                             history=HistoryOptions(location=url)))
    """
)


def test_a_run_killed_while_writing_leaves_the_history_consistent(
    tmp_path: Path, history_url: str
) -> None:
    rows = [f"HK{i:04d},F,1990-04-02,2026-09-01 09:00,{20 + i % 50},ng/mL," for i in range(300)]
    big = export(tmp_path / "big.csv", rows)
    earlier = export(tmp_path / "earlier.csv", ["HK9999,M,1975-01-20,2026-08-01 09:00,10,ng/mL,"])
    triage(tmp_path, "o0", [earlier], history_url)
    ready = tmp_path / "ready"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _BLOCKED_RUN,
            str(big),
            str(tmp_path / "o1"),
            history_url,
            str(ready),
        ],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert child.poll() is None, "the blocked run ended early"
            assert time.monotonic() < deadline, "the blocked run never recorded its results"
            time.sleep(0.1)
        # a reader while the run holds its write transaction (WAL for SQLite): not blocked, and
        # sees only what was committed
        started = time.monotonic()
        with open_history(history_url) as history:
            assert history.counts()["results"] == 1
            assert len(history.results_of("HK9999")) == 1
        assert time.monotonic() - started < 10
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    with open_history(history_url) as history:
        assert history.counts() == {"runs": 1, "results": 1, "acknowledgements": 0}
    # the next run completes and records everything once
    again = triage(tmp_path, "o2", [big], history_url)
    assert again.result_count == 300
    with open_history(history_url) as history:
        assert history.counts()["results"] == 301
    # no report either: the killed run's files were never renamed into place
    assert not list((tmp_path / "o1").glob("*.html")) + list((tmp_path / "o1").glob("*.csv"))


# ------------------------------------------------------------------------------- batch mode --
def test_batch_keeps_a_history_beside_its_ledger_and_sees_last_nights_results(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from triage.batch import STATE_DIR
    from triage.cli import app

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    old = time.time() - 3600

    def drop(name: str, rows: list[str]) -> None:
        export(inbox / name, rows)
        os.utime(inbox / name, (old, old))

    def batch() -> None:
        result = CliRunner().invoke(app, ["batch", "--inbox", str(inbox), "--out", str(out)])
        assert result.exit_code == 0, result.output

    drop("monday.csv", ["HB001,F,1990-04-02,2026-11-02 09:00,30,ng/mL,"])
    batch()
    drop("tuesday.csv", ["HB001,F,1990-04-02,2026-11-03 09:00,95,ng/mL,"])
    batch()
    history_db = inbox / STATE_DIR / "history.db"
    assert oct(history_db.stat().st_mode & 0o777) == "0o600"
    (tuesday,) = out.glob("tuesday-*")
    written = pd.read_csv(tuesday / "results.csv")
    assert written.loc[0, "trend"] == "rising" and written.loc[0, "previous_ng_ml"] == 30
    with open_history(history_db) as history:
        assert history.counts()["runs"] == 2


def test_the_ack_hint_of_an_overdue_result_works_as_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reminder's "acknowledge: prolactin-triage ack R-N --by NAME" names the history it
    came from: without it the command, typed as shown, failed with "no history given"."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PROLACTIN_TRIAGE_HISTORY", raising=False)
    urgent = export(tmp_path / "urgent.csv", ["HX040,F,1988-07-07,2026-09-02 10:00,6000,mIU/L,"])
    calm = export(tmp_path / "calm.csv", ["HX041,M,1975-01-20,2026-09-03 09:30,10,ng/mL,"])
    triage(tmp_path, "o1", [urgent], "my history.db")  # relative, with a space
    late = triage(tmp_path, "o2", [calm], "my history.db", now=T0 + timedelta(hours=13))
    hint = late.urgent[0].split("acknowledge: ")[1]
    argv = shlex.split(hint.replace("NAME", "'A. Biochemist'"))
    assert argv[0] == "prolactin-triage"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "triage", *argv[1:]],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "PROLACTIN_TRIAGE_HISTORY"},
    )
    assert done.returncode == 0, done.stderr
    after = triage(tmp_path, "o3", [calm], "my history.db", now=T0 + timedelta(hours=14))
    assert after.urgent == []


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("postgresql://lab:s3cret@db.example/history", "postgresql://lab:***@db.example/history"),
        ("postgresql://lab@db.example/history", "postgresql://lab@db.example/history"),
        ("/var/lib/triage/history.db", "/var/lib/triage/history.db"),
    ],
)
def test_the_ack_hint_never_shows_a_password(location: str, shown: str) -> None:
    from triage.urgent import ack_location

    assert ack_location(location) == shown


def test_an_acknowledged_urgent_result_sent_again_is_listed_as_already_told(
    tmp_path: Path, history_url: str
) -> None:
    """A cumulative export sends last week's urgent result again: it stays on the urgent list
    (never hidden) but says it was already communicated, and by whom, so nobody phones twice."""
    row = "HX050,F,1988-07-07,2026-09-02 10:00,6000,mIU/L,"
    first = triage(tmp_path, "o1", [export(tmp_path / "week1.csv", [row])], history_url)
    result_id = parse_result_id(first.urgent[0].split("| result ")[1].split(" |")[0])
    assert "ALREADY ACKNOWLEDGED" not in first.urgent[0]
    with open_history(history_url) as history:
        history.acknowledge(result_id, by="A. Biochemist", told="Dr Ward", note="", at=T0)
    calm = "HX051,M,1975-01-20,2026-09-08 09:30,10,ng/mL,"
    again = triage(tmp_path, "o2", [export(tmp_path / "cumulative.csv", [row, calm])], history_url)
    assert len(again.urgent) == 1
    assert "ALREADY ACKNOWLEDGED: told Dr Ward by A. Biochemist" in again.urgent[0]
    assert "ALREADY ACKNOWLEDGED" in (tmp_path / "o2" / "urgent.txt").read_text(encoding="utf-8")


def test_a_history_that_cannot_save_publishes_no_report_and_reuses_no_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reports carry result ids ("result R-2"; ack takes them): they were published before
    the history saved the run, so a full disk left reports whose ids the next run gave to
    another patient (an ack then recorded against the wrong one).  The history is saved first;
    when it cannot be, nothing is published, the error is the history's (never "a bug"), and
    the next run's ids are its own."""
    import sqlalchemy as sa

    from triage.history.store import HistoryRun
    from triage.isolate import _kind_of

    url = f"sqlite:///{tmp_path / 'h.db'}"
    triage(
        tmp_path,
        "first",
        [export(tmp_path / "a.csv", ["PZ0,F,1980-01-01,2026-10-01,10,ng/mL,"])],
        url,
    )

    def full(self: HistoryRun) -> None:
        raise sa.exc.OperationalError("COMMIT", {}, Exception("database or disk is full"))

    urgent = export(tmp_path / "x.csv", ["PX1,M,1960-01-01,2026-11-01,450,ng/mL,"])
    with monkeypatch.context() as patch:
        patch.setattr(HistoryRun, "commit", full)
        with pytest.raises(HistoryError, match="database or disk is full") as raised:
            triage(tmp_path, "failed", [urgent], url)
    assert _kind_of(raised.value)[0] == "environment"
    assert not (tmp_path / "failed" / "results.csv").exists()
    assert not (tmp_path / "failed" / "summary.html").exists()
    outcome = triage(tmp_path, "again", [urgent], url)
    assert by_patient(outcome)["PX1"]["result_id"] == 2
    with open_history(url) as history:
        assert history.result(2)["patient_id"] == "PX1"
