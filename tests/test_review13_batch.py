"""Review 13: a batch ledger that the surroundings refuse to write (a full or read-only file
system, an I/O error) is the set-up's failure, as the docs say: the file is deferred and left
in the inbox, the files after it are not tried, the status is 2 when nothing was triaged, and
nobody is told to report a bug or that a file failed."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from triage import ledger as ledger_module
from triage.batch import BatchSettings, run_batch
from triage.ledger import Ledger, LedgerUnwritableError
from triage.pipeline import TriageRequest

GOOD_CSV = "Patient ID,Sex,Age,Prolactin (ng/mL),Symptoms\nQ1,F,34,25,\nQ2,F,41,310,\n"


def good_file(inbox: Path, name: str) -> None:
    path = inbox / name
    path.write_text(GOOD_CSV.replace("Q", name[0].upper()), encoding="utf-8")
    old = time.time() - 3600
    os.utime(path, (old, old))


class _FullDisk:
    """A connection whose writes fail as SQLite fails on a full disk (SQLITE_FULL)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorname = "SQLITE_FULL"  # type: ignore[attr-defined]
            raise error
        return self._db.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


def test_a_ledger_write_the_disk_refuses_is_unwritable_not_damaged(tmp_path: Path) -> None:
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        ledger._db = _FullDisk(ledger._db)  # type: ignore[assignment]
        with pytest.raises(LedgerUnwritableError) as raised:
            ledger.claim("ab" * 32, "a.csv", str(tmp_path / "out"), _now())
    assert raised.value.exit_code == 2 and "free space" in str(raised.value)


class _Constraint(_FullDisk):
    """A connection whose inserts fail on a constraint: no fault of the surroundings."""

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.lstrip().upper().startswith("INSERT"):
            raise sqlite3.IntegrityError("constraint failed")
        return self._db.execute(sql, *args)


def test_other_ledger_errors_stay_what_they_are(tmp_path: Path) -> None:
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        ledger._db = _Constraint(ledger._db)  # type: ignore[assignment]
        with pytest.raises(sqlite3.IntegrityError):
            ledger.claim("ab" * 32, "a.csv", str(tmp_path / "out"), _now())


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _full_from_now(monkeypatch: pytest.MonkeyPatch, after_claims: int = 0) -> None:
    """Every ledger write fails as on a full disk once ``after_claims`` files were claimed."""
    claims = {"n": 0}
    original = Ledger.claim

    def claim(self: Ledger, *args: Any, **kwargs: Any) -> None:
        if claims["n"] >= after_claims:
            self._db = _FullDisk(self._db)  # type: ignore[assignment]
        claims["n"] += 1
        original(self, *args, **kwargs)

    monkeypatch.setattr(ledger_module.Ledger, "claim", claim)


def _batch(inbox: Path, out: Path) -> tuple[Any, list[str]]:
    """One batch run of the inbox, and each file's status as it was reported."""
    seen: list[str] = []
    outcome = run_batch(
        inbox,
        out,
        TriageRequest(inputs=[], out_dir=out),
        BatchSettings(),
        on_item=lambda item: seen.append(f"{item.status} {item.file}"),
    )
    return outcome, seen


def test_a_full_disk_under_the_ledger_defers_every_file_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "a.csv")
    good_file(inbox, "b.csv")
    _full_from_now(monkeypatch)
    outcome, seen = _batch(inbox, out)
    assert seen == ["deferred a.csv", "deferred b.csv"]
    assert outcome.exit_code == 2
    assert (inbox / "a.csv").exists() and (inbox / "b.csv").exists()
    assert not (inbox / "failed").exists()
    messages = " ".join(item.message for item in outcome.items)
    assert "report it" not in messages and "internal error" not in messages
    assert "left in the inbox" in messages


def test_a_full_disk_after_one_file_stops_the_run_with_exit_4(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "a.csv")
    good_file(inbox, "b.csv")
    good_file(inbox, "c.csv")
    _full_from_now(monkeypatch, after_claims=1)
    outcome, seen = _batch(inbox, out)
    # a.csv is done (its report published: said once); its announcement cannot be recorded,
    # which stops the run: b and c wait in the inbox, named, none moved to failed/
    assert seen[0] == "done a.csv"
    assert seen[1:] == ["deferred b.csv", "deferred c.csv"]
    assert outcome.exit_code == 4
    assert (inbox / "b.csv").exists() and (inbox / "c.csv").exists()
    assert not (inbox / "failed").exists()
