"""Review 12, unattended operation and the history (docs/history.md, docs/unattended.md):

1. `history show` / `export` on a read-only folder read the results committed to the SQLite
   history's write-ahead journal (a private copy), never a stale file or "malformed";
2. batch: a file that looks cut (HL7 without an OBX yet or ending inside a segment, a text
   whose last line has no line end) waits in the inbox while young, like a header-only CSV;
   processed later, a cut last line is rejected, never triaged as a (false) normal;
3. a withdrawal or correction matches its result whatever leading zeros the specimen number
   lost, and one that matches no stored result says so.

Synthetic patients only."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app

runner = CliRunner()
URGENT_ID = re.compile(r"\| result (R-\d+) \|")


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], prog_name="prolactin-triage")


@pytest.fixture(autouse=True)
def _no_history_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROLACTIN_TRIAGE_HISTORY", raising=False)
    monkeypatch.delenv("PROLACTIN_TRIAGE_CONFIG", raising=False)


# ------------------------------------------------------------------------------------------------
# 1. a read-only share: the write-ahead journal is read too
# ------------------------------------------------------------------------------------------------
def _read_only_folder(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """The folder as a read-only share (root may write anyway: the check the code makes)."""
    access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == folder else access(p, mode)
    )


@pytest.fixture
def held_journal(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A history whose second run's results are in its write-ahead journal only (a connection
    holds it open, no checkpoint): the first run's patient W1, the second's W2."""
    share = tmp_path / "share"
    share.mkdir()
    path = share / "h.db"
    first = tmp_path / "a.csv"
    first.write_text("patient_id,sex,age,prolactin,unit\nW1,F,30,250,mIU/L\n", encoding="utf-8")
    assert invoke("run", first, "--history", path, "--out", tmp_path / "o1").exit_code == 0
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA wal_autocheckpoint=0")
    holder.execute("SELECT count(*) FROM results").fetchone()  # a reader: no checkpoint-on-close
    second = tmp_path / "b.csv"
    second.write_text("patient_id,sex,age,prolactin,unit\nW2,F,30,6000,mIU/L\n", encoding="utf-8")
    result = invoke("run", second, "--history", path, "--out", tmp_path / "o2")
    assert result.exit_code == 0, result.output
    assert Path(f"{path}-wal").stat().st_size > 0
    yield path, URGENT_ID.findall(result.stderr)[0]
    holder.close()


def test_show_and_export_on_a_read_only_share_read_the_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held_journal: tuple[Path, str]
) -> None:
    path, _ = held_journal
    _read_only_folder(monkeypatch, path.parent)
    before = sorted(p.name for p in path.parent.iterdir())
    shown = invoke("history", "show", "W2", "--history", path, "--format", "csv")
    assert shown.exit_code == 0, shown.output
    assert "6000" in shown.stdout
    exported = invoke("history", "export", "--out", tmp_path / "e.csv", "--history", path)
    assert exported.exit_code == 0, exported.output
    text = (tmp_path / "e.csv").read_text(encoding="utf-8")
    assert "W1" in text and "W2" in text
    assert sorted(p.name for p in path.parent.iterdir()) == before  # nothing left beside it


def test_an_ack_held_in_the_journal_is_shown_on_a_read_only_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held_journal: tuple[Path, str]
) -> None:
    path, result_id = held_journal
    acked = invoke("ack", result_id, "--by", "A. Biochemist", "--history", path)
    assert acked.exit_code == 0, acked.output
    _read_only_folder(monkeypatch, path.parent)
    shown = invoke("history", "show", "W2", "--history", path, "--format", "csv")
    assert shown.exit_code == 0, shown.output
    assert "A. Biochemist" in shown.stdout


def test_a_young_history_all_in_its_journal_is_read_on_a_read_only_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page of a new history still in the journal: read, not "malformed" or "schema
    version 0"."""
    share = tmp_path / "share"
    share.mkdir()
    path = share / "h.db"
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("PRAGMA wal_autocheckpoint=0")
    export = tmp_path / "a.csv"
    export.write_text("patient_id,sex,age,prolactin,unit\nY1,F,30,250,mIU/L\n", encoding="utf-8")
    try:
        holder.execute("CREATE TABLE IF NOT EXISTS keep_open (x)")
        result = invoke("run", export, "--history", path, "--out", tmp_path / "o")
        assert result.exit_code == 0, result.output
        _read_only_folder(monkeypatch, share)
        shown = invoke("history", "show", "Y1", "--history", path, "--format", "csv")
        assert shown.exit_code == 0, shown.output
        assert "250" in shown.stdout
    finally:
        holder.close()


def test_a_journal_that_cannot_be_copied_is_said_not_read_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held_journal: tuple[Path, str]
) -> None:
    import shutil

    path, _ = held_journal
    _read_only_folder(monkeypatch, path.parent)

    def full(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", full)
    shown = invoke("history", "show", "W1", "--history", path)
    assert shown.exit_code == 2
    assert "write-ahead journal" in shown.stderr and "malformed" not in shown.stderr
