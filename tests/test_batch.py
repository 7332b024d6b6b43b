"""Cron mode: each inbox file once, one folder per input, a lock, an archive."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from filelock import FileLock
from typer.testing import CliRunner

from triage.batch import LEDGER_NAME, LOCK_NAME, STATE_DIR
from triage.cli import app
from triage.ledger import Ledger

runner = CliRunner()


def batch(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["batch", *map(str, args)], prog_name="prolactin-triage")


def settle(path: Path) -> None:
    old = time.time() - 3600
    os.utime(path, (old, old))


def make_inbox(tmp_path: Path, samples_dir: Path, *names: str) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in names:
        shutil.copy(samples_dir / name, inbox / name)
        settle(inbox / name)
    return inbox


def test_each_file_once_into_its_own_folder_then_archived(
    samples_dir: Path, tmp_path: Path
) -> None:
    inbox = make_inbox(tmp_path, samples_dir, "clinic_list.ods", "lis_long_export.csv")
    out, archive = tmp_path / "out", tmp_path / "archive"
    result = batch("--inbox", inbox, "--out", out, "--archive", archive)
    assert result.exit_code == 0, result.output
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert len(folders) == 2
    assert folders[0].startswith("clinic_list-") and folders[1].startswith("lis_long_export-")
    for folder in folders:
        assert (out / folder / "summary.html").exists()
    assert sorted(p.name for p in archive.iterdir()) == ["clinic_list.ods", "lis_long_export.csv"]
    assert [p.name for p in inbox.iterdir()] == [STATE_DIR]  # only the ledger and lock folder
    # The same export dropped again under another name is not triaged twice.
    shutil.copy(samples_dir / "clinic_list.ods", inbox / "again.ods")
    settle(inbox / "again.ods")
    again = batch("--inbox", inbox, "--out", out, "--archive", archive)
    assert again.exit_code == 0
    assert "duplicate" in again.stdout
    assert len([p for p in out.iterdir() if p.is_dir()]) == 2
    with Ledger(inbox / STATE_DIR / LEDGER_NAME) as ledger:
        assert {e.state for e in ledger.entries()} == {"done"}
        assert len(ledger.entries()) == 2


def test_empty_inbox_is_quiet_success(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    result = batch("--inbox", inbox, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 0
    assert result.output == ""


def test_files_still_being_written_wait_for_the_next_run(samples_dir: Path, tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path, samples_dir)
    shutil.copy(samples_dir / "clinic_list.ods", inbox / "fresh.ods")  # mtime: now
    result = batch("--inbox", inbox, "--out", tmp_path / "out", "--settle-seconds", "600")
    assert result.exit_code == 0
    assert "unsettled" in result.stdout
    assert (inbox / "fresh.ods").exists()


def test_unusable_file_moves_to_failed_and_is_reported(
    samples_dir: Path, broken_dir: Path, tmp_path: Path
) -> None:
    inbox = make_inbox(tmp_path, samples_dir, "clinic_list.ods")
    shutil.copy(broken_dir / "truncated.xlsx", inbox / "truncated.xlsx")
    settle(inbox / "truncated.xlsx")
    out, archive = tmp_path / "out", tmp_path / "archive"
    result = batch("--inbox", inbox, "--out", out, "--archive", archive)
    assert result.exit_code == 4
    assert "truncated.xlsx" in result.stderr
    assert (archive / "failed" / "truncated.xlsx").exists()
    assert not [p for p in out.iterdir() if p.name.endswith(".partial")]


def test_a_batch_job_and_another_run_do_not_share_an_output_folder(
    samples_dir: Path, tmp_path: Path
) -> None:
    """Two batch jobs (two inboxes) into one --out: the second removed the first one's
    unfinished folder as a leftover; a `run --force` wrote into it.  The output folder's lock is
    taken as `run` takes it: exit 75, nothing done."""
    from triage.outdir import LOCK_NAME as OUT_LOCK

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(samples_dir / "lis_long_export.csv", inbox / "one.csv")
    settle(inbox / "one.csv")
    out = tmp_path / "out"
    out.mkdir()
    with FileLock(str(out / OUT_LOCK)):
        result = batch("--inbox", inbox, "--out", out)
    assert result.exit_code == 75 and "nothing done" in result.stderr
    assert (inbox / "one.csv").exists()
    assert batch("--inbox", inbox, "--out", out).exit_code == 0
    assert not (out / OUT_LOCK).exists()


def test_a_second_run_while_one_holds_the_lock_exits_75(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    out = tmp_path / "out"
    (inbox / STATE_DIR).mkdir()
    with FileLock(str(inbox / STATE_DIR / LOCK_NAME)):
        result = batch("--inbox", inbox, "--out", out)
    assert result.exit_code == 75
    assert "another batch run" in result.stderr and "nothing done" in result.stderr


def test_a_failing_history_leaves_the_files_in_the_inbox(samples_dir: Path, tmp_path: Path) -> None:
    """The history cannot be written (a database down, a path that cannot be created): every
    export went to failed/ and nothing retried them once it was fixed.  They stay in the inbox,
    said on stderr, and the next run triages them."""
    inbox = make_inbox(tmp_path, samples_dir, "lis_long_export.csv", "wide_clinic_export.xlsx")
    out = tmp_path / "out"
    (tmp_path / "blocker").write_text("not a folder")
    broken = batch("--inbox", inbox, "--out", out, "--history", tmp_path / "blocker" / "h.db")
    assert broken.exit_code == 3
    assert broken.stderr.count("left in the inbox for the next run") == 2
    assert not (inbox / "failed").exists()
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == [
        "lis_long_export.csv",
        "wide_clinic_export.xlsx",
    ]
    fixed = batch("--inbox", inbox, "--out", out, "--history", tmp_path / "h.db")
    assert fixed.exit_code == 0, fixed.output
    assert "URGENT" in fixed.stderr


def test_batch_says_why_fail_on_matched(samples_dir: Path, tmp_path: Path) -> None:
    """`batch --fail-on soon` exited 10 without a word (under --quiet cron saw nothing)."""
    inbox = make_inbox(tmp_path, samples_dir, "lis_long_export.csv")
    result = batch("--inbox", inbox, "--out", tmp_path / "out", "--fail-on", "soon", "--quiet")
    assert result.exit_code == 10
    assert "--fail-on soon:" in result.stderr and "at that priority or higher" in result.stderr
