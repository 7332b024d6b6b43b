"""`ack` and `history show|export|purge` end to end, on SQLite and PostgreSQL (history_url)."""

from __future__ import annotations

import csv
import json
import re
import stat
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.history.store import open_history
from triage.resources import data_file

runner = CliRunner()
URGENT_ID = re.compile(r"\| result (R-\d+) \|")


def invoke(*args: str | Path, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], input=input, prog_name="prolactin-triage")


@pytest.fixture(autouse=True)
def _no_history_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROLACTIN_TRIAGE_HISTORY", raising=False)
    monkeypatch.delenv("PROLACTIN_TRIAGE_CONFIG", raising=False)


def run_into(history: str, export: Path, out: Path) -> list[str]:
    """`run EXPORT --history URL`; the result ids of its urgent lines."""
    result = invoke("run", export, "--history", history, "--out", out)
    assert result.exit_code == 0, result.output
    return URGENT_ID.findall(result.stderr)


@pytest.fixture
def demo_history(history_url: str, tmp_path: Path) -> tuple[str, list[str]]:
    """A history holding the demo export's results, and the ids of its urgent ones."""
    urgent = run_into(history_url, data_file("demo_export.xlsx"), tmp_path / "out")
    assert urgent, "the demo export has urgent results"
    return history_url, urgent


def stored(history: str) -> pd.DataFrame:
    with open_history(history) as store:
        return pd.concat(list(store.export()), ignore_index=True)


def count(history: str) -> int:
    with open_history(history) as store:
        return store.counts()["results"]


# ------------------------------------------------------------------------------------------------
# ack
# ------------------------------------------------------------------------------------------------
def test_ack_of_an_urgent_result_is_listed_by_history_show(
    demo_history: tuple[str, list[str]],
) -> None:
    history, urgent = demo_history
    result_id = urgent[0]
    result = invoke(
        "ack", result_id, "--by", "J. Smith", "--to", "Dr Lee", "--note", "phoned",
        "--history", history,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    line = result.stdout.strip()
    assert "\n" not in line
    assert line.startswith(f"Acknowledged {result_id} (patient ")
    assert "priority urgent): told Dr Lee by J. Smith at " in line
    assert re.search(r"at \d{4}-\d\d-\d\d \d\d:\d\d UTC$", line)
    assert "not an urgent" not in line

    with open_history(history) as store:
        patient = store.result(int(result_id[2:]))["patient_id"]
    shown = invoke("history", "show", patient, "--history", history, "--format", "json")
    assert shown.exit_code == 0, shown.output
    records = {r["result_id"]: r for r in json.loads(shown.stdout)}
    acked = records[result_id]["acknowledged"]
    assert "told Dr Lee by J. Smith" in acked and acked.endswith(": phoned")
    assert records[result_id]["priority"] == "urgent"

    table = invoke("history", "show", patient, "--history", history)
    assert table.exit_code == 0, table.output
    assert "told Dr Lee by J. Smith" in table.stdout
    assert table.stdout.splitlines()[0].split()[:3] == ["result", "collected", "prolactin"]


def test_ack_accepts_a_bare_number_and_says_when_the_result_is_not_urgent(
    demo_history: tuple[str, list[str]],
) -> None:
    history, _ = demo_history
    frame = stored(history)
    calm = int(frame.loc[frame["priority"] == "none", "id"].iloc[0])
    result = invoke("ack", str(calm), "--by", "A. Nurse", "--history", history)
    assert result.exit_code == 0, result.output
    assert f"Acknowledged R-{calm} (" in result.stdout
    assert "priority none: not an urgent result" in result.stdout
    assert "communicated by A. Nurse at " in result.stdout
    with open_history(history) as store:
        assert store.counts()["acknowledgements"] == 1


def test_ack_of_an_unknown_or_malformed_id_is_exit_2(
    demo_history: tuple[str, list[str]],
) -> None:
    history, _ = demo_history
    unknown = invoke("ack", "R-999999", "--by", "X", "--history", history)
    assert unknown.exit_code == 2
    assert unknown.stderr.strip() == "prolactin-triage: error: history: no result R-999999"
    malformed = invoke("ack", "twelve", "--by", "X", "--history", history)
    assert malformed.exit_code == 2
    assert "not a result id" in malformed.stderr
    blank = invoke("ack", "R-1", "--by", "  ", "--history", history)
    assert blank.exit_code == 2
    with open_history(history) as store:
        assert store.counts()["acknowledgements"] == 0


# ------------------------------------------------------------------------------------------------
# history show
# ------------------------------------------------------------------------------------------------
def test_show_of_an_unknown_patient_is_exit_2_without_echoing_the_id(
    demo_history: tuple[str, list[str]],
) -> None:
    history, _ = demo_history
    result = invoke("history", "show", "NO-SUCH-PATIENT-77", "--history", history)
    assert result.exit_code == 2
    assert "no results for that patient" in result.stderr
    assert "NO-SUCH-PATIENT-77" not in result.output


def test_show_lists_a_patients_results_oldest_first_in_every_format(
    history_url: str, tmp_path: Path
) -> None:
    export = tmp_path / "p.csv"
    export.write_text(
        "ID,Sex,Age,Collected,Prolactin,Unit\n"
        "P7,F,34,2026-03-01 09:00,640,mIU/L\n"
        "P7,F,34,2026-01-01 09:00,15.5,ng/mL\n"
        "Q8,M,50,2026-02-01 09:00,9,ng/mL\n",
        encoding="utf-8",
    )
    run_into(history_url, export, tmp_path / "out")
    js = invoke("history", "show", "P7", "--history", history_url, "--format", "json")
    assert js.exit_code == 0, js.output
    records = json.loads(js.stdout)
    assert [r["collected_at"][:10] for r in records] == ["2026-01-01", "2026-03-01"]
    assert [r["result"] for r in records] == ["15.5 ng/mL", "640 mIU/L"]
    assert records[0]["source_file"] == "p.csv" and records[0]["source_row"] == 3
    assert records[1]["prolactin_ng_ml"] > 20  # 640 mIU/L in ng/mL

    table = invoke("history", "show", "P7", "--history", history_url).stdout.splitlines()
    assert len(table) == 3 and "640 mIU/L" in table[2] and "p.csv row 2" in table[2]

    as_csv = invoke("history", "show", "P7", "--history", history_url, "--format", "csv")
    rows = list(csv.DictReader(as_csv.stdout.splitlines()))
    assert [r["result"] for r in rows] == ["15.5 ng/mL", "640 mIU/L"]

    other = invoke("history", "show", "P7", "--issuer", "ELSEWHERE", "--history", history_url)
    assert other.exit_code == 2


def test_show_reads_while_a_run_is_writing(demo_history: tuple[str, list[str]]) -> None:
    history, urgent = demo_history
    with open_history(history) as store:
        patient = store.result(int(urgent[0][2:]))["patient_id"]
        run = store.begin_run(
            started_at=datetime.now(UTC),
            tool_version="test",
            reference_set="default",
            reference_digest="",
        )
        try:
            result = invoke("history", "show", patient, "--history", history)
        finally:
            run.rollback()
    assert result.exit_code == 0, result.output
    assert urgent[0] in result.stdout


# ------------------------------------------------------------------------------------------------
# history export
# ------------------------------------------------------------------------------------------------
def test_export_csv_holds_every_result_with_formulas_neutralised(
    history_url: str, tmp_path: Path
) -> None:
    export = tmp_path / "evil.csv"
    export.write_text(
        "ID,Sex,Age,Prolactin (ng/mL),Comments\n"
        '=HYPERLINK("http://x"),F,34,20,plain\n'
        "B2,M,40,9,ok\n",
        encoding="utf-8",
    )
    run_into(history_url, export, tmp_path / "out1")
    run_into(history_url, data_file("demo_export.xlsx"), tmp_path / "out2")
    out = tmp_path / "all.csv"
    result = invoke("history", "export", "--out", out, "--history", history_url)
    assert result.exit_code == 0, result.output
    total = count(history_url)
    assert result.stdout.strip() == f"Exported {total} result(s) to {out}"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == total
    assert rows[0]["result_id"] == "1"
    ids = [r["patient_id"] for r in rows]
    assert '\'=HYPERLINK("http://x")' in ids
    assert not any(i.startswith("=") for i in ids)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    later = invoke(
        "history", "export", "--out", tmp_path / "none.csv", "--since", "2999-01-01",
        "--history", history_url,
    )  # fmt: skip
    assert later.exit_code == 0, later.output
    assert "Exported 0 result(s)" in later.stdout
    header = (tmp_path / "none.csv").read_text(encoding="utf-8").splitlines()
    assert len(header) == 1 and header[0].startswith("result_id,run_id,")


def test_export_parquet_reads_back_with_pandas(
    demo_history: tuple[str, list[str]], tmp_path: Path
) -> None:
    pytest.importorskip("pyarrow")
    history, urgent = demo_history
    invoke("ack", urgent[0], "--by", "J. Smith", "--history", history)
    out = tmp_path / "all.parquet"
    result = invoke("history", "export", "--out", out, "--history", history)  # from the suffix
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    frame = pd.read_parquet(out)
    expected = stored(history)
    assert len(frame) == len(expected) == count(history)
    assert frame["result_id"].tolist() == expected["id"].tolist()
    assert pd.api.types.is_float_dtype(frame["prolactin_ng_ml"])
    assert pd.api.types.is_datetime64_any_dtype(frame["collected_at"])
    acked = frame.loc[frame["result_id"] == int(urgent[0][2:]), "acknowledged"].iloc[0]
    assert "by J. Smith" in acked


def test_export_parquet_without_pyarrow_is_exit_2(
    demo_history: tuple[str, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history, _ = demo_history
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    out = tmp_path / "all.out"
    result = invoke("history", "export", "--out", out, "--format", "parquet", "--history", history)
    assert result.exit_code == 2
    assert "prolactin-triage[parquet]" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_export_into_a_missing_folder_is_exit_2(
    demo_history: tuple[str, list[str]], tmp_path: Path
) -> None:
    history, _ = demo_history
    result = invoke("history", "export", "--out", tmp_path / "no" / "x.csv", "--history", history)
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


# ------------------------------------------------------------------------------------------------
# history purge
# ------------------------------------------------------------------------------------------------
def test_purge_needs_yes_off_a_terminal_and_removes_everything_before_the_date(
    demo_history: tuple[str, list[str]],
) -> None:
    history, urgent = demo_history
    invoke("ack", urgent[0], "--by", "J. Smith", "--history", history)
    total = count(history)
    refused = invoke("history", "purge", "--before", "2999-01-01", "--history", history)
    assert refused.exit_code == 2
    assert "pass --yes" in refused.stderr
    assert count(history) == total

    done = invoke("history", "purge", "--before", "2999-01-01", "--yes", "--history", history)
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == f"Removed {total} result(s) collected before 2999-01-01."
    with open_history(history) as store:
        assert store.counts() == {"runs": 0, "results": 0, "acknowledgements": 0}
    gone = invoke("history", "show", "MRN0100206", "--history", history)
    assert gone.exit_code == 2


def test_purge_asks_on_a_terminal(
    demo_history: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from triage.cli import history as history_cli

    history, _ = demo_history
    total = count(history)
    monkeypatch.setattr(history_cli, "interactive", lambda: True)
    args = ("history", "purge", "--before", "2026-11-10", "--history", history)
    declined = invoke(*args, input="n\n")
    assert declined.exit_code == 0, declined.output  # a choice, not an error (review 18)
    assert "nothing purged" in declined.stderr
    assert count(history) == total
    accepted = invoke(*args, input="y\n")
    assert accepted.exit_code == 0, accepted.output
    removed = int(re.search(r"Removed (\d+) result", accepted.stdout).group(1))  # type: ignore[union-attr]
    assert 0 < removed < total
    assert count(history) == total - removed
    left = stored(history)
    assert (left["collected_at"] >= datetime(2026, 11, 10)).all()


# ------------------------------------------------------------------------------------------------
# Where the history is
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ("ack", "R-1", "--by", "X"),
        ("history", "show", "P1"),
        ("history", "export", "--out", "{tmp}/x.csv"),
        ("history", "purge", "--before", "2020-01-01", "--yes"),
    ],
)
def test_no_history_configured_is_a_usage_error_naming_history(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    result = invoke(*(a.format(tmp=tmp_path) for a in args))
    assert result.exit_code == 2
    assert "--history" in result.stderr
    assert not list(tmp_path.iterdir())


def test_the_config_files_history_table_is_used(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    history = folder / "h.db"
    urgent = run_into(str(history), data_file("demo_export.xlsx"), tmp_path / "out")
    config = folder / "c.toml"
    config.write_text('[history]\npath = "h.db"\n', encoding="utf-8")
    result = invoke("ack", urgent[0], "--by", "J. Smith", "--config", config)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Acknowledged {urgent[0]} ")


def test_a_missing_sqlite_history_is_exit_3_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    result = invoke("history", "show", "P1", "--history", missing)
    assert result.exit_code == 3
    assert "does not exist" in result.stderr
    assert not missing.exists()


def test_ack_waits_for_a_run_writing_to_the_history(
    demo_history: tuple[str, list[str]],
) -> None:
    """An urgent result is phoned while the nightly run still writes to the history: the ack
    waits for the run's transaction, then is recorded (it failed at once with 'database is
    locked', exit 3, for the whole length of the run)."""
    import threading

    history, urgent = demo_history
    with open_history(history) as store:
        run = store.begin_run(
            started_at=datetime.now(UTC),
            tool_version="test",
            reference_set="default",
            reference_digest="",
        )
        timer = threading.Timer(2.0, run.commit)
        timer.start()
        try:
            result = invoke("ack", urgent[0], "--by", "Dr Test", "--history", history)
        finally:
            timer.join()
    assert result.exit_code == 0, result.output
    with open_history(history) as store:
        assert store.counts()["acknowledgements"] == 1


def test_runs_creating_one_history_at_once_all_open_it(tmp_path: Path) -> None:
    """Two nightly jobs started together on a history that does not exist yet: each creates
    or finds the schema (one failed with 'database is locked', exit 3, and wrote no report)."""
    import threading

    path = tmp_path / "new.sqlite"
    failures: list[BaseException] = []

    def open_once() -> None:
        try:
            with open_history(str(path)) as store:
                store.counts()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=open_once) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures


def test_a_history_in_a_missing_folder_is_refused_not_started_afresh(tmp_path: Path) -> None:
    """A history on a share that is not mounted: the run stops (exit 3, the history's error)
    instead of creating the folders and a new, empty history that forgets every trend, delta
    check and reminder."""
    export = tmp_path / "export.csv"
    export.write_text("MRN,Sex,Age,Prolactin (ng/mL)\nA1,F,30,12\n", encoding="utf-8")
    missing = tmp_path / "not_mounted" / "share" / "history.sqlite"
    result = invoke("run", export, "--out", tmp_path / "out", "--history", missing)
    assert result.exit_code == 3
    assert "does not exist" in result.stderr
    assert not (tmp_path / "not_mounted").exists()


def test_reading_commands_never_write_to_an_sqlite_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`history show` and `export` open an SQLite history read-only: on a read-only share (its
    folder not writable) they read it in place, leaving no lock or journal file; an older
    schema is said, not upgraded, by a command that only reads."""
    import os
    import sqlite3

    path = tmp_path / "h.db"
    run_into(str(path), data_file("demo_export.xlsx"), tmp_path / "out")
    patient = str(stored(str(path))["patient_id"].iloc[0])
    with sqlite3.connect(path) as conn:  # no write-ahead journal left beside it
        conn.execute("PRAGMA journal_mode=DELETE")
    before = path.read_bytes()
    access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == tmp_path else access(p, mode)
    )
    shown = invoke("history", "show", patient, "--history", path)
    assert shown.exit_code == 0, shown.output
    exported = invoke("history", "export", "--out", tmp_path / "e.csv", "--history", path)
    assert exported.exit_code == 0, exported.output
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.glob("h.db*")) == ["h.db"]
    with sqlite3.connect(path) as conn:  # as version 1 left it
        conn.execute("DROP TABLE withdrawals")
        conn.execute("UPDATE schema_info SET value = '1' WHERE key = 'schema_version'")
    before = path.read_bytes()
    old = invoke("history", "show", patient, "--history", path)
    assert old.exit_code == 3 and "schema version 1" in old.stderr
    assert path.read_bytes() == before
