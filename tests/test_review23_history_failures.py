"""Review 23 (unattended operation, history): three defects of the results history.

* a history that cannot be opened (a share not mounted, a newer history, a full disk, a server
  down) stopped ``run`` and ``batch`` before any input was read: no urgent result was said.  The
  inputs are now triaged without it and their urgent lines said beside its error (exit 3, no
  report published, batch: every file left in the inbox and said; docs/unattended.md "Urgent
  results speak on every deferral", contract §7);
* the LIS's earlier-value column written with the earlier word first ("Previous prolactin",
  "Prior PRL", "Old prolactin", "Alte Prolaktin", "Frühere Prolaktin", or in brackets) was read
  as a second visit of the row: the old value became a result of today, urgent, and was stored
  in the history (synonyms.toml earlier_words);
* the delta check compared results of different assays (Siemens Atellica then Roche Elecsys,
  or two ``--ranges``): a "significant rise" and a raised priority from the method alone
  (clinical-reference §2.2, §7 note 7: Roche reads ~1.7x Atellica).

Synthetic patients only.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from triage.cli import app

runner = CliRunner()

URGENT_CSV = (
    "Patient ID,Sex,DOB,Collected,Prolactin (mIU/L)\nH100,F,1962-07-07,2026-11-01 08:30,7400\n"
)


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], prog_name="prolactin-triage")


@pytest.fixture(autouse=True)
def _no_history_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROLACTIN_TRIAGE_HISTORY", raising=False)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    old = time.time() - 3600  # settled: batch takes it
    os.utime(path, (old, old))
    return path


# -- 1. a history that cannot be opened ------------------------------------------------------
def test_run_says_the_urgent_result_when_the_history_share_is_not_mounted(
    tmp_path: Path,
) -> None:
    export = _write(tmp_path / "urgent.csv", URGENT_CSV)
    missing = tmp_path / "not_mounted" / "history.db"
    result = invoke("run", export, "--out", tmp_path / "out", "--history", missing, "-q")
    assert result.exit_code == 3
    assert "does not exist" in result.stderr
    urgent = [line for line in result.stderr.splitlines() if line.startswith("URGENT")]
    assert len(urgent) == 1 and "H100" in urgent[0] and "7400 mIU/L" in urgent[0]
    assert "not published" in urgent[0] and "| result R-" not in urgent[0]
    assert not (tmp_path / "out" / "results.csv").exists()  # nothing published without it
    assert not (tmp_path / "not_mounted").exists()


def test_run_says_the_urgent_result_beside_a_history_of_a_newer_tool(tmp_path: Path) -> None:
    history = tmp_path / "history.db"
    first = _write(tmp_path / "first.csv", URGENT_CSV.replace("H100", "H200"))
    assert invoke("run", first, "--out", tmp_path / "o1", "--history", history).exit_code == 0
    with sqlite3.connect(history) as conn:
        conn.execute("UPDATE schema_info SET value = '999' WHERE key = 'schema_version'")
    export = _write(tmp_path / "urgent.csv", URGENT_CSV)
    result = invoke("run", export, "--out", tmp_path / "o2", "--history", history, "-q")
    assert result.exit_code == 3 and "newer" in result.stderr
    assert any(line.startswith("URGENT") and "H100" in line for line in result.stderr.splitlines())


def test_batch_says_every_files_urgent_results_when_the_history_cannot_be_opened(
    tmp_path: Path,
) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    _write(inbox / "a.csv", URGENT_CSV)
    _write(inbox / "b.csv", URGENT_CSV.replace("H100", "H101").replace("7400", "9100"))
    missing = tmp_path / "labshare" / "history.db"
    result = invoke("batch", "--inbox", inbox, "--out", out, "--history", missing, "-q")
    assert result.exit_code == 3
    urgent = [line for line in result.stderr.splitlines() if line.startswith("URGENT")]
    assert len(urgent) == 2
    assert any("H100" in line for line in urgent) and any("H101" in line for line in urgent)
    assert all("report not published yet" in line for line in urgent)
    assert sorted(p.name for p in inbox.glob("*.csv")) == ["a.csv", "b.csv"]
    assert not (inbox / "failed").exists()


# -- 2. an earlier-value column ---------------------------------------------------------------
@pytest.mark.parametrize(
    "earlier",
    [
        "Previous prolactin (mIU/L)",
        "Prior prolactin (mIU/L)",
        "Old prolactin (mIU/L)",
        "Previous PRL (mIU/L)",
        "Alte Prolaktin (mIU/L)",
        "Frühere Prolaktin (mIU/L)",
        "Prolactin (prior)",
        "Vorwert Prolaktin (mIU/L)",  # already read so: kept
        "Prolactine antérieure (mIU/L)",
    ],
)
def test_an_earlier_value_column_is_no_second_result(tmp_path: Path, earlier: str) -> None:
    export = _write(
        tmp_path / "lis.csv",
        f"MRN,Sex,DOB,Collected,Prolactin (mIU/L),{earlier},Previous date\n"
        "V2,F,1985-03-02,2026-11-01 08:30,450,6100,2026-05-01\n",
    )
    history = tmp_path / "h.db"
    result = invoke("run", export, "--out", tmp_path / "out", "--history", history, "-q")
    assert result.exit_code == 0, result.stderr
    assert "URGENT" not in result.stderr
    table = pd.read_csv(tmp_path / "out" / "results.csv")
    assert len(table) == 1
    assert table.loc[0, "prolactin_raw"] == 450 and table.loc[0, "priority"] != "urgent"
    shown = invoke("history", "show", "V2", "--history", history, "--format", "csv")
    assert "6100" not in shown.stdout


# -- 3. no delta check across methods ---------------------------------------------------------
ASSAY_CSV = (
    "Patient ID,Sex,DOB,Collected,Prolactin (ng/mL),Assay,Medications\n"
    "Q3001,F,1980-02-02,{when},{value},{assay},risperidone 2 mg\n"
)


def _two_runs(tmp_path: Path, first: list[str], second: list[str]) -> pd.Series:
    history = tmp_path / "h.db"
    for name, (args, when, value, assay) in {
        "one": (first, "2026-10-01 08:40", 40, "Siemens Atellica"),
        "two": (second, "2026-11-01 08:40", 72, "Roche Elecsys"),
    }.items():
        assay_cell = assay if not args else ""
        text = ASSAY_CSV.format(when=when, value=value, assay=assay_cell)
        export = _write(tmp_path / f"{name}.csv", text)
        result = invoke("run", export, "--out", tmp_path / name, "--history", history, *args)
        assert result.exit_code == 0, result.stderr
    return pd.read_csv(tmp_path / "two" / "results.csv", keep_default_na=False).iloc[0]


def test_a_change_of_assay_is_no_significant_rise(tmp_path: Path) -> None:
    row = _two_runs(tmp_path, [], [])
    assert row["reference_set"] == "roche_elecsys"
    assert row["trend"] == ""  # not compared across methods
    assert row["priority"] == "routine"  # as without the history
    assert float(row["change_pct"]) == 80  # the change is still given
    page = (tmp_path / "two" / "patients.html").read_text(encoding="utf-8")
    assert "significant rise" not in page
    assert "another assay" in page and "siemens_atellica" in page


def test_a_change_of_reference_set_by_ranges_is_no_significant_rise(tmp_path: Path) -> None:
    row = _two_runs(tmp_path, ["--ranges", "siemens_atellica"], ["--ranges", "roche_elecsys"])
    assert row["trend"] == "" and row["priority"] == "routine"


def test_the_same_assay_still_gives_a_trend(tmp_path: Path) -> None:
    row = _two_runs(tmp_path, ["--ranges", "roche_elecsys"], ["--ranges", "roche_elecsys"])
    assert row["trend"] == "rising" and row["priority"] == "soon"
