"""Fault injection for cron mode: every input ends triaged exactly once, or in failed/ with its
reason; a kill at any step of publishing loses nothing and leaves nothing readable behind.

The inbox is poisoned with the faults real inboxes see (a line over the CSV parser's limit, an
unreadable entry, a name that is not UTF-8, a workbook with a cell at the sheet's last row, a
worker that dies natively, an empty workbook) beside good files with planted synthetic patients.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock
from openpyxl import Workbook

from triage.batch import ERROR_SUFFIX, LEDGER_NAME, LOCK_NAME, STATE_DIR, WORK_DIR
from triage.faults import FAULT_ENV
from triage.history import DEFAULT_FILE as HISTORY_FILE

PLANTED_ID = "ZQX-77123"
PLANTED_NAME = "Zelda Quixote"
GOOD_CSV = (
    "Patient ID,Name,Sex,Age,Prolactin (ng/mL),Symptoms\n"
    f"{PLANTED_ID},{PLANTED_NAME},F,34,25,\n"
    "ZQX-77124,Yara Quill,F,41,310,bitemporal hemianopia\n"
    "ZQX-77125,Xena Quint,M,52,12,\n"
)
PUBLISH_STEPS = (
    "batch.before_publish",
    "batch.after_publish",
    "batch.after_commit",
    "batch.after_report",
    "batch.after_archive",
)


def cli(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop(FAULT_ENV, None) if env is None or FAULT_ENV not in env else None
    return subprocess.run(
        [sys.executable, "-m", "triage", *map(str, args)],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
        check=False,
    )


def settle(path: Path) -> None:
    old = time.time() - 3600
    os.utime(path, (old, old), follow_symlinks=False)


def good_file(folder: Path, name: str, body: str = GOOD_CSV) -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    settle(path)
    return path


def far_cell_xlsx(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Patient ID", "Sex", "Age", "Prolactin (ng/mL)"])
    sheet.append(["ZQX-1", "F", 30, 25])
    sheet["A1048576"] = "x"
    book.save(path)
    settle(path)
    return path


def ledger_rows(inbox: Path) -> dict[str, tuple[str, int]]:
    with sqlite3.connect(inbox / STATE_DIR / LEDGER_NAME) as db:
        return {n: (s, a) for n, s, a in db.execute("SELECT name, state, attempts FROM files")}


def output_folders(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))


def readable_leftovers(*roots: Path, keep: tuple[Path, ...]) -> list[Path]:
    """Files under the roots holding the planted id, other than the finished outputs, the
    archive and the inbox's own files."""
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if not path.is_file() or any(path.is_relative_to(k) for k in keep):
                continue
            if path.parent.name == STATE_DIR and path.name.startswith(HISTORY_FILE):
                continue  # the results history keeps patient ids by design (0600: docs/history.md)
            if PLANTED_ID.encode() in path.read_bytes():
                found.append(path)
    return found


@pytest.fixture
def poisoned(tmp_path: Path) -> tuple[Path, Path, Path]:
    inbox, out, archive = tmp_path / "inbox", tmp_path / "out", tmp_path / "archive"
    inbox.mkdir()
    good_file(inbox, "a_good.csv")
    good_file(inbox, "z_good.csv", GOOD_CSV.replace("ZQX-7712", "ZQX-8812"))
    good_file(
        inbox,
        "long_line.csv",
        f"Patient ID,Sex,Age,Prolactin (ng/mL),Notes\nP1,F,30,25,{'x' * 200_000}\nP2,F,31,40,\n",
    )
    good_file(inbox, os.fsdecode(b"bad\xffname.csv"), GOOD_CSV.replace("ZQX-7712", "ZQX-9912"))
    far_cell_xlsx(inbox / "far_cell.xlsx")
    (inbox / "empty.xlsx").write_bytes(b"")
    settle(inbox / "empty.xlsx")
    (inbox / "dangling.csv").symlink_to(tmp_path / "nowhere.csv")
    settle(inbox / "dangling.csv")
    good_file(inbox, "crashes.csv", GOOD_CSV.replace("ZQX-7712", "ZQX-6612"))
    return inbox, out, archive


def test_a_poisoned_inbox_still_triages_the_good_files(
    poisoned: tuple[Path, Path, Path],
) -> None:
    inbox, out, archive = poisoned
    result = cli(
        "batch", "--inbox", inbox, "--out", out, "--archive", archive,
        env={FAULT_ENV: "batch.worker:crashes.csv"},
    )  # fmt: skip
    assert result.returncode == 4, result.stderr  # some failed, others done
    assert "Traceback" not in result.stderr
    names = {p.name.split("-2026")[0].split("-20")[0] for p in output_folders(out)}
    assert {"a_good", "z_good"} <= names
    failed = archive / "failed"
    for bad in ("empty.xlsx", "dangling.csv", "crashes.csv"):
        assert (failed / bad).exists() or (failed / bad).is_symlink(), bad
        assert (failed / (bad + ERROR_SUFFIX)).is_file(), bad
    assert "worker was killed" in (failed / ("crashes.csv" + ERROR_SUFFIX)).read_text()
    # Every input is accounted for: triaged (archived) or failed, none left in the inbox.
    left = [p.name for p in inbox.iterdir() if not p.name.startswith(".")]
    assert left == [], left
    states = ledger_rows(inbox)
    assert states["crashes.csv"][0] == "failed" and states["a_good.csv"][0] == "done"
    assert all(state in ("done", "failed") for state, _ in states.values())
    # The long line and the far cell never take the run down: each is triaged or failed.
    for name in ("long_line.csv", "far_cell.xlsx"):
        assert states[name][0] in ("done", "failed")
    assert "bad\\xffname.csv" in states
    # A failed file's reason is said once on stderr; no patient data there or in the ledger.
    assert result.stderr.count("empty.xlsx:") == 1
    assert PLANTED_ID not in result.stderr and PLANTED_NAME not in result.stderr
    assert readable_leftovers(inbox / STATE_DIR, keep=()) == []


def test_a_failed_file_dropped_in_again_is_tried_again(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "crashes.csv")
    first = cli("batch", "--inbox", inbox, "--out", out, env={FAULT_ENV: "batch.worker:x.csv"})
    assert first.returncode == 0  # the fault names another file
    shutil.move(inbox / "crashes.csv", tmp_path / "crashes.csv")
    # Now it fails, then is dropped in again after the fault is gone: triaged, not a duplicate.
    inbox2 = tmp_path / "inbox2"
    inbox2.mkdir()
    good_file(inbox2, "crashes.csv")
    failed = cli(
        "batch", "--inbox", inbox2, "--out", out, env={FAULT_ENV: "batch.worker:crashes.csv"}
    )
    assert failed.returncode == 3
    assert (inbox2 / "failed" / "crashes.csv").exists()
    shutil.copy(inbox2 / "failed" / "crashes.csv", inbox2 / "crashes-again.csv")
    settle(inbox2 / "crashes-again.csv")
    again = cli("batch", "--inbox", inbox2, "--out", out)
    assert again.returncode == 0, again.stderr
    assert "done" in again.stdout and "duplicate" not in again.stdout
    assert ledger_rows(inbox2)["crashes-again.csv"] == ("done", 2)


def test_retry_failed_takes_files_back_from_failed(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "crashes.csv")
    assert (
        cli(
            "batch", "--inbox", inbox, "--out", out, env={FAULT_ENV: "batch.worker:crashes.csv"}
        ).returncode
        == 3
    )
    assert (inbox / "failed" / "crashes.csv").exists()
    plain = cli("batch", "--inbox", inbox, "--out", out)
    assert plain.returncode == 0 and "crashes" not in plain.stdout  # not retried by itself
    retried = cli("batch", "--inbox", inbox, "--out", out, "--retry-failed")
    assert retried.returncode == 0, retried.stderr
    assert len(output_folders(out)) == 1
    assert (inbox / "crashes.csv").exists()  # back among the done files (no archive given)
    assert not (inbox / "failed" / ("crashes.csv" + ERROR_SUFFIX)).exists()


@pytest.mark.parametrize("step", PUBLISH_STEPS)
def test_a_kill_at_any_publishing_step_triages_each_file_exactly_once(
    tmp_path: Path, step: str
) -> None:
    inbox, out, archive = tmp_path / "inbox", tmp_path / "out", tmp_path / "archive"
    inbox.mkdir()
    good_file(inbox, "one.csv")
    killed = cli(
        "batch", "--inbox", inbox, "--out", out, "--archive", archive, env={FAULT_ENV: step}
    )
    assert killed.returncode == -9, killed.stderr
    again = cli("batch", "--inbox", inbox, "--out", out, "--archive", archive)
    assert again.returncode == 0, again.stderr
    folders = output_folders(out)
    assert len(folders) == 1, folders
    assert (folders[0] / "summary.html").is_file()
    assert (archive / "one.csv").is_file() and not (inbox / "one.csv").exists()
    assert ledger_rows(inbox) == {"one.csv": ("done", 1)}
    if step == "batch.after_publish":
        assert "adopted" in again.stdout  # the published folder was adopted, not redone
    assert not [p for p in out.iterdir() if p.name.endswith(".partial")]
    assert not (inbox / STATE_DIR / WORK_DIR).exists()
    assert readable_leftovers(inbox, out, keep=(folders[0], archive)) == []


def test_a_kill_inside_the_worker_leaves_no_snapshot_or_partial_folder(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "one.csv")
    killed = cli("batch", "--inbox", inbox, "--out", out, env={FAULT_ENV: "outputs.before_commit"})
    assert killed.returncode == 3  # the worker died: that file failed, the run went on
    assert readable_leftovers(inbox, out, keep=(inbox / "failed",)) == []


def test_a_copy_that_resumes_while_it_is_read_is_left_for_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from triage import batch as batch_module
    from triage.batch import BatchSettings, run_batch
    from triage.pipeline import TriageRequest

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    half = GOOD_CSV.splitlines(keepends=True)
    path = good_file(inbox, "stalled.csv", "".join(half[:2]))
    original = batch_module.run_isolated

    def resumes(*args, **kwargs):  # type: ignore[no-untyped-def]
        with path.open("a", encoding="utf-8") as fh:  # the copier wakes up mid-read
            fh.write("".join(half[2:]))
        return original(*args, **kwargs)

    monkeypatch.setattr(batch_module, "run_isolated", resumes)
    from triage.history import HistoryOptions

    history = tmp_path / "history.db"
    template = TriageRequest(inputs=[], out_dir=out, history=HistoryOptions(location=str(history)))
    outcome = run_batch(inbox, out, template, BatchSettings())
    assert [i.status for i in outcome.items] == ["changed"]
    assert output_folders(out) == [] and path.exists()
    assert ledger_rows(inbox) == {}
    # the half file's rows were not recorded (its truncated values sat beside the real ones)
    assert not history.exists() or _history_results(history) == 0
    monkeypatch.setattr(batch_module, "run_isolated", original)
    settle(path)
    outcome = run_batch(inbox, out, template, BatchSettings())
    assert [i.status for i in outcome.items] == ["done"]
    assert _history_results(history) == len(half) - 1


def test_a_file_replaced_while_it_is_read_is_published_and_the_new_version_waits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A settled file was read whole: a new version renamed over it (or written in its place)
    meanwhile does not throw the version read away (its urgent results were never said); the
    new version stays in the inbox and is triaged by the next run."""
    from triage import batch as batch_module
    from triage.batch import BatchSettings, run_batch
    from triage.history import HistoryOptions
    from triage.pipeline import TriageRequest

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    lines = GOOD_CSV.splitlines(keepends=True)
    path = good_file(inbox, "export.csv")
    original = batch_module.run_isolated

    def replaced(*args, **kwargs):  # type: ignore[no-untyped-def]
        newer = inbox / ".export.csv.tmp"
        newer.write_text("".join(lines[:2]), encoding="utf-8")
        newer.replace(path)  # the LIS writes its next export and renames it into place
        return original(*args, **kwargs)

    monkeypatch.setattr(batch_module, "run_isolated", replaced)
    history = tmp_path / "history.db"
    template = TriageRequest(inputs=[], out_dir=out, history=HistoryOptions(location=str(history)))
    outcome = run_batch(inbox, out, template, BatchSettings())
    assert [i.status for i in outcome.items] == ["done"]
    assert "new version is left" in outcome.items[0].message
    assert len(output_folders(out)) == 1 and path.exists()
    assert _history_results(history) == len(lines) - 1
    monkeypatch.setattr(batch_module, "run_isolated", original)
    settle(path)
    outcome = run_batch(inbox, out, template, BatchSettings())
    assert [i.status for i in outcome.items] == ["done"]
    assert len(output_folders(out)) == 2


def test_an_output_folder_that_refuses_the_report_blames_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The finished report cannot be renamed into place (a read-only or append-only folder, a
    full disk): the files stay in the inbox (deferred, not failed as a bug), nothing else is
    tried, and the urgent results found are said anyway."""
    from triage.batch import BatchSettings, run_batch
    from triage.pipeline import TriageRequest

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "a.csv")
    good_file(inbox, "b.csv", GOOD_CSV.replace("ZQX", "ZQY"))
    rename = Path.rename

    def refused(self: Path, target: str | os.PathLike[str]) -> Path:
        if Path(target).parent == out:
            raise PermissionError(1, "Operation not permitted")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", refused)
    outcome = run_batch(inbox, out, TriageRequest(inputs=[], out_dir=out), BatchSettings())
    assert [i.status for i in outcome.items] == ["deferred", "deferred"]
    assert "output folder cannot be written" in outcome.items[0].message
    assert len(outcome.items[0].urgent) == 1
    assert "report not published yet" in outcome.items[0].urgent[0]
    assert sorted(p.name for p in inbox.glob("*.csv")) == ["a.csv", "b.csv"]
    assert not (inbox / "failed").exists() and output_folders(out) == []
    monkeypatch.setattr(Path, "rename", rename)
    outcome = run_batch(inbox, out, TriageRequest(inputs=[], out_dir=out), BatchSettings())
    assert [i.status for i in outcome.items] == ["done", "done"]


def _history_results(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as db:
        return int(db.execute("select count(*) from results").fetchone()[0])


def test_a_file_still_being_written_is_checked_again_just_before_reading(
    tmp_path: Path,
) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "fresh.csv")
    os.utime(inbox / "fresh.csv")  # written just now
    result = cli("batch", "--inbox", inbox, "--out", out, "--settle-seconds", "600")
    assert result.returncode == 0
    assert "unsettled" in result.stdout and output_folders(out) == []


def test_one_run_per_inbox_whatever_the_out_folder(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good_file(inbox, "one.csv")
    (inbox / STATE_DIR).mkdir()
    with FileLock(str(inbox / STATE_DIR / LOCK_NAME)):
        held = cli("batch", "--inbox", inbox, "--out", tmp_path / "out2")
    assert held.returncode == 75 and "nothing done" in held.stderr
    assert "error" not in held.stderr  # another run still going is no error
    with FileLock(str(inbox / STATE_DIR / LOCK_NAME)):
        quiet = cli("batch", "--inbox", inbox, "--out", tmp_path / "out2", "--quiet")
    # cron mails whatever a job prints: under --quiet a held lock says nothing (exit 75 only)
    assert quiet.returncode == 75 and quiet.stderr == ""
    first = cli("batch", "--inbox", inbox, "--out", tmp_path / "out1")
    second = cli("batch", "--inbox", inbox, "--out", tmp_path / "out2")
    assert first.returncode == second.returncode == 0
    assert len(output_folders(tmp_path / "out1")) == 1
    assert not (tmp_path / "out2").exists() or output_folders(tmp_path / "out2") == []


def test_a_damaged_ledger_is_named_with_exit_3(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / STATE_DIR).mkdir(parents=True)
    (inbox / STATE_DIR / LEDGER_NAME).write_bytes(b"this is not a database" * 100)
    good_file(inbox, "one.csv")
    result = cli("batch", "--inbox", inbox, "--out", tmp_path / "out")
    assert result.returncode == 3
    assert LEDGER_NAME in result.stderr and "damaged" in result.stderr
    assert "Traceback" not in result.stderr
    assert (inbox / "one.csv").exists()  # nothing was done to the inbox


def test_urgent_results_speak_under_quiet(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "one.csv")
    result = cli("batch", "--inbox", inbox, "--out", out, "--fail-on", "urgent", "--quiet")
    assert result.returncode == 10
    assert result.stdout == ""
    urgent = [line for line in result.stderr.splitlines() if line.startswith("URGENT")]
    assert len(urgent) == 1
    assert "ZQX-77124" in urgent[0] and "310 ng/mL" in urgent[0] and "bitemporal" in urgent[0]
    assert "summary.html" in urgent[0]
    (folder,) = output_folders(out)
    assert "ZQX-77124" in (folder / "urgent.txt").read_text()


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_modes_are_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    inbox, out, archive = tmp_path / "inbox", tmp_path / "out", tmp_path / "archive"
    inbox.mkdir()
    good_file(inbox, "one.csv")
    (inbox / "empty.xlsx").write_bytes(b"")
    settle(inbox / "empty.xlsx")
    for path in inbox.iterdir():
        path.chmod(0o666)  # as an exporter under umask 000 leaves them
    argv = ["prolactin-triage", "batch", "--inbox", str(inbox), "--out", str(out)]
    argv += ["--archive", str(archive)]
    code = (
        f"import os, sys; os.umask({umask}); from triage.cli import main; "
        f"sys.argv = {argv!r}; main()"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=False, timeout=300)
    made = [out, inbox / STATE_DIR, archive, archive / "failed", *output_folders(out)]
    for folder in made:
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    files = [
        inbox / STATE_DIR / LEDGER_NAME,
        inbox / STATE_DIR / LOCK_NAME,
        archive / "failed" / ("empty.xlsx" + ERROR_SUFFIX),
        archive / "failed" / "empty.xlsx",  # inputs moved keep patient data: private too
        archive / "one.csv",
        *output_folders(out)[0].iterdir(),
    ]
    for path in files:
        assert path.stat().st_mode & 0o777 == 0o600, path


def test_batch_reads_the_sheet_from_the_config_file(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Cover"
    first.append(["Patient ID", "Sex", "Age", "Prolactin (ng/mL)"])
    first.append(["OLD-1", "F", 30, 20])
    second = book.create_sheet("Results")
    second.append(["Patient ID", "Sex", "Age", "Prolactin (ng/mL)"])
    second.append(["NEW-1", "F", 30, 95])
    book.save(inbox / "two_sheets.xlsx")
    settle(inbox / "two_sheets.xlsx")
    config = tmp_path / "config.toml"
    config.write_text('sheet = "Results"\n', encoding="utf-8")
    result = cli("batch", "--inbox", inbox, "--out", out, "--config", config)
    assert result.returncode == 0, result.stderr
    (folder,) = output_folders(out)
    text = (folder / "results.csv").read_text()
    assert "NEW-1" in text and "OLD-1" not in text


# ------------------------------------------------------------------------------------------------
# Faults found by an outside review: each fixed as a class
# ------------------------------------------------------------------------------------------------
def test_a_name_too_long_for_an_output_folder_fails_nothing(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "Z" * 246 + ".csv")
    good_file(inbox, "é" * 120 + ".csv", GOOD_CSV.replace("ZQX-7712", "ZQX-5512"))
    result = cli("batch", "--inbox", inbox, "--out", out)
    assert result.returncode == 0, result.stderr
    folders = output_folders(out)
    assert len(folders) == 2
    assert all(len(f.name.encode()) < 128 for f in folders)


def test_an_unexpected_error_on_one_file_fails_that_file_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from triage import batch as batch_module
    from triage.batch import BatchSettings, run_batch
    from triage.pipeline import TriageRequest

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "a.csv")
    good_file(inbox, "b.csv", GOOD_CSV.replace("ZQX-7712", "ZQX-4412"))
    original = batch_module._Run._snapshot

    def breaks_on_a(self, path):  # type: ignore[no-untyped-def]
        if path.name == "a.csv":
            raise OSError(36, "File name too long")
        return original(self, path)

    monkeypatch.setattr(batch_module._Run, "_snapshot", breaks_on_a)
    seen: list[str] = []
    outcome = run_batch(
        inbox,
        out,
        TriageRequest(inputs=[], out_dir=out),
        BatchSettings(),
        on_item=lambda item: seen.append(f"{item.status} {item.file}"),
    )
    assert seen == ["failed a.csv", "done b.csv"]
    assert outcome.exit_code == 4
    assert (inbox / "failed" / "a.csv").exists()
    assert "internal error" in (inbox / "failed" / ("a.csv" + ERROR_SUFFIX)).read_text()


def test_an_urgent_result_is_said_before_the_run_is_killed(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "a_first.csv")  # holds an urgent result
    good_file(inbox, "b_second.csv", GOOD_CSV.replace("ZQX-7712", "ZQX-3312"))
    killed = cli(
        "batch", "--inbox", inbox, "--out", out, "-q", env={FAULT_ENV: "batch.after_report"}
    )
    assert killed.returncode == -9
    assert "URGENT patient ZQX-77124" in killed.stderr  # printed as the first file finished


def test_an_urgent_result_a_killed_run_never_said_is_said_by_the_next(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "one.csv")
    for step in ("batch.after_publish", "batch.after_commit"):  # published, not yet said
        killed = cli("batch", "--inbox", inbox, "--out", out, "-q", env={FAULT_ENV: step})
        assert killed.returncode == -9 and "URGENT" not in killed.stderr
        again = cli("batch", "--inbox", inbox, "--out", out, "-q")
        assert again.returncode == 0, again.stderr
        assert "URGENT patient ZQX-77124" in again.stderr, step
        assert "URGENT" not in cli("batch", "--inbox", inbox, "--out", out, "-q").stderr
        shutil.rmtree(out)
        shutil.rmtree(inbox / STATE_DIR)


def test_fail_on_counts_the_urgent_results_a_killed_run_never_said(tmp_path: Path) -> None:
    """--fail-on urgent gives exit 10 for the urgent result of a file adopted after a kill, as
    the run that triaged it would have (the killed run exited 137)."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "one.csv")
    args = ("batch", "--inbox", inbox, "--out", out, "-q", "--fail-on", "urgent")
    killed = cli(*args, env={FAULT_ENV: "batch.after_commit"})
    assert killed.returncode == -9
    again = cli(*args)
    assert "URGENT patient ZQX-77124" in again.stderr
    assert again.returncode == 10, again.stderr
    assert cli(*args).returncode == 0  # said once: a run with nothing new fails on nothing


def test_a_file_dated_in_the_future_is_said_and_settles_by_this_computers_clock(
    tmp_path: Path,
) -> None:
    """A share whose clock is ahead dates every file in the future: such a file is said once
    (whatever --quiet says) and triaged once it has stayed unchanged for --settle-seconds by
    this computer's clock, not never."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    path = good_file(inbox, "ahead.csv")
    ahead = time.time() + 2 * 86400
    os.utime(path, (ahead, ahead))
    args = ("batch", "--inbox", inbox, "--out", out, "-q", "--settle-seconds", "1")
    first = cli(*args)
    assert first.returncode == 0 and "dated in the future" in first.stderr
    assert output_folders(out) == []
    time.sleep(1.5)
    second = cli(*args)
    assert "dated in the future" not in second.stderr  # said once
    assert len(output_folders(out)) == 1, second.stderr


def test_a_symbolic_link_in_the_inbox_is_refused_not_followed(tmp_path: Path) -> None:
    """Whoever may write the drop folder must not make the service read (and publish, and
    archive) a file elsewhere that it can read."""
    inbox, out, elsewhere = tmp_path / "inbox", tmp_path / "out", tmp_path / "other_dept"
    inbox.mkdir()
    elsewhere.mkdir()
    target = good_file(elsewhere, "theirs.csv")
    (inbox / "link.csv").symlink_to(target)
    result = cli("batch", "--inbox", inbox, "--out", out, "-q")
    assert result.returncode == 3 and "symbolic link" in result.stderr
    assert not out.exists() or output_folders(out) == []
    assert target.exists() and (inbox / "failed" / "link.csv").is_symlink()


def test_files_left_in_the_inbox_are_not_copied_and_hashed_again_while_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --archive every triaged file stays in the inbox: a run every few minutes knows
    them by size, time and inode, instead of copying and hashing each of them again; a file
    changed in place is read again."""
    from triage import batch as batch_module
    from triage.batch import BatchSettings, run_batch
    from triage.pipeline import TriageRequest

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "a.csv")
    good_file(inbox, "b.csv", GOOD_CSV.replace("ZQX", "ZQY"))
    template = TriageRequest(inputs=[], out_dir=out)
    first = run_batch(inbox, out, template, BatchSettings())
    assert [i.status for i in first.items] == ["done", "done"]
    copies: list[str] = []
    snapshot = batch_module._Run._snapshot

    def counted(self, path):  # type: ignore[no-untyped-def]
        copies.append(path.name)
        return snapshot(self, path)

    monkeypatch.setattr(batch_module._Run, "_snapshot", counted)
    again = run_batch(inbox, out, template, BatchSettings())
    assert again.items == [] and copies == []
    good_file(inbox, "b.csv", GOOD_CSV.replace("ZQX", "ZQZ"))  # rewritten in place
    third = run_batch(inbox, out, template, BatchSettings())
    assert copies == ["b.csv"] and [i.status for i in third.items] == ["done"]


def test_files_the_tool_cannot_read_leave_the_inbox_with_a_reason(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    for name in ("noext", "export.csv.gz", "notes.dat", "trailing.csv "):
        (inbox / name).write_bytes(b"\x1f\x8b binary")
        settle(inbox / name)
    (inbox / ".partial-copy.csv").write_text(GOOD_CSV)  # a copier's hidden temporary file
    (inbox / "folder.xlsx").mkdir()
    result = cli("batch", "--inbox", inbox, "--out", out, "-q")
    assert result.returncode == 3
    for name in ("noext", "export.csv.gz", "notes.dat", "trailing.csv "):
        assert (inbox / "failed" / name).exists(), name
        assert (
            "not an export this tool reads"
            in (inbox / "failed" / (name + ERROR_SUFFIX)).read_text()
        )
    assert (inbox / ".partial-copy.csv").exists() and (inbox / "folder.xlsx").is_dir()
    again = cli("batch", "--inbox", inbox, "--out", out, "-q")
    assert again.returncode == 0 and again.stderr == ""  # said once


def test_a_file_whose_rows_were_all_rejected_is_said_under_quiet(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(
        inbox, "codes.csv", "Patient ID,Sex,Age,Prolactin,Unit\nQ1,F,30,9000,2\nQ2,F,31,40,2\n"
    )
    result = cli("batch", "--inbox", inbox, "--out", out, "-q")
    assert result.returncode == 0
    assert "codes.csv: none of its 2 row(s) could be triaged" in result.stderr


def test_a_newline_in_a_file_name_cannot_forge_a_log_line(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "new\nURGENT fake.csv")
    result = cli("batch", "--inbox", inbox, "--out", out)
    assert result.returncode == 0, result.stderr
    assert not [line for line in result.stdout.splitlines() if line.startswith("URGENT fake")]
    assert "new\\nURGENT fake.csv" in result.stdout
    assert all(line.startswith("URGENT patient") for line in result.stderr.splitlines()[1:])


def test_a_duplicate_left_in_the_inbox_is_said_once(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "one.csv")
    assert cli("batch", "--inbox", inbox, "--out", out).returncode == 0
    good_file(inbox, "copy.csv")
    first = cli("batch", "--inbox", inbox, "--out", out)
    assert "duplicate" in first.stdout and "copy.csv" in first.stdout
    second = cli("batch", "--inbox", inbox, "--out", out)
    assert second.stdout == ""


def test_a_worker_dies_with_its_batch(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    # the batch is killed as soon as its worker exists (the worker is still importing then), so
    # the file need only be big enough for the next run to show it was read whole
    rows = "".join(f"W{i:07d},F,{20 + i % 50},{10 + i % 400},\n" for i in range(3_000))
    good_file(inbox, "big.csv", "Patient ID,Sex,Age,Prolactin (ng/mL),Symptoms\n" + rows)
    env = {k: v for k, v in os.environ.items() if k != FAULT_ENV}
    parent = subprocess.Popen(
        [sys.executable, "-m", "triage", "batch", "--inbox", str(inbox), "--out", str(out), "-q"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children = Path(f"/proc/{parent.pid}/task/{parent.pid}/children")
    worker = ""
    deadline = time.time() + 60
    while not worker and time.time() < deadline:
        time.sleep(0.2)
        worker = children.read_text().strip() if children.exists() else ""
    assert worker, "the batch never started a worker"
    parent.kill()
    parent.wait()
    gone = time.time() + 10
    while Path(f"/proc/{worker.split()[0]}").exists() and time.time() < gone:
        time.sleep(0.1)
    status = Path(f"/proc/{worker.split()[0]}/status")
    assert not status.exists() or "zombie" in status.read_text(), "the worker outlived its batch"
    again = cli("batch", "--inbox", inbox, "--out", out, "-q")
    assert again.returncode == 0, again.stderr
    assert len(output_folders(out)) == 1
    assert not [p for p in out.iterdir() if p.name.endswith(".partial")]
    results = (output_folders(out)[0] / "results.csv").read_text(encoding="utf-8-sig")
    assert len(results.splitlines()) == 1 + 3_000


def test_a_stopped_batch_leaves_no_unfinished_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM (a stopped service) or Ctrl-C while a file is triaged: its unfinished folder, full
    of patient data, stayed hidden in --out until the next run, while the tool said nothing was
    left behind."""
    from triage import batch as batch_module
    from triage.batch import BatchSettings, run_batch
    from triage.pipeline import TriageRequest

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "one.csv")

    def stopped(self, snapshot, partial, final, source):  # type: ignore[no-untyped-def]
        partial.mkdir(parents=True)  # the worker had begun writing
        (partial / "results.csv").write_text("patient data")
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_module._Run, "_triage", stopped)
    with pytest.raises(KeyboardInterrupt):
        run_batch(inbox, out, TriageRequest(inputs=[], out_dir=out), BatchSettings())
    assert [p.name for p in out.iterdir() if p.name.endswith(".partial")] == []
    assert (inbox / "one.csv").exists() and ledger_rows(inbox) == {}


# 100 MB, not 60: with a large cache of compiled vocabularies (CI's, after the whole suite) a
# small file's worker needed just over 60 MB (review 29; also on the code before it)
@pytest.mark.parametrize("limit_mb", ["100", "300"])
def test_a_small_memory_limit_bounds_the_file_not_the_program(
    tmp_path: Path, limit_mb: str
) -> None:
    """--memory-limit is what one file's work may add: the few hundred MB of address space the
    program holds before reading (pandas, Arrow) once made every file fail with "internal error
    (ImportError)" or a SQLite "disk I/O error" under a limit of 800 MB."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "small.csv")
    done = cli("batch", "--inbox", inbox, "--out", out, "--memory-limit", limit_mb)
    assert done.returncode == 0, done.stderr
    assert ledger_rows(inbox)["small.csv"][0] == "done"
    assert "internal error" not in done.stderr and "disk I/O" not in done.stderr


def test_running_out_of_address_space_is_not_called_a_bug() -> None:
    from triage.isolate import _kind_of

    mapped = ImportError("x.so: failed to map segment from shared object")
    assert _kind_of(mapped)[1].startswith("ran out of its memory limit")
    assert "bug" not in _kind_of(OSError(12, "Cannot allocate memory"))[1]
    assert "bug" in _kind_of(ImportError("No module named 'x'"))[1]


def test_an_export_still_being_written_waits_for_its_rows(tmp_path: Path) -> None:
    """An exporter that writes the header, queries for minutes, then writes the rows: a run in
    between left the header alone as "done (0 results)" and archived it, and the rows written
    after were never triaged.  An empty file or a header alone now waits (up to an hour); a
    transfer's temporary name ("x.csv.part") is never read."""
    inbox, out, archive = tmp_path / "inbox", tmp_path / "out", tmp_path / "archive"
    inbox.mkdir()
    header = GOOD_CSV.splitlines()[0] + "\n"
    minute_ago = time.time() - 60
    for name, body in (("header.csv", header), ("empty.csv", ""), ("upload.csv.part", GOOD_CSV)):
        (inbox / name).write_text(body, encoding="utf-8")
        os.utime(inbox / name, (minute_ago, minute_ago))
    first = cli("batch", "--inbox", inbox, "--out", out, "--archive", archive)
    assert first.returncode == 0, first.stderr
    assert sorted(p.name for p in inbox.iterdir() if not p.name.startswith(".")) == [
        "empty.csv",
        "header.csv",
        "upload.csv.part",
    ]
    assert not output_folders(out) if out.exists() else True
    (inbox / "header.csv").write_text(GOOD_CSV, encoding="utf-8")  # the rows arrive
    settle(inbox / "header.csv")
    second = cli("batch", "--inbox", inbox, "--out", out, "--archive", archive)
    assert second.returncode == 0, second.stderr
    assert ledger_rows(inbox)["header.csv"][0] == "done"
    assert "URGENT" in second.stderr  # its urgent row is said
    assert (inbox / "upload.csv.part").exists() and (inbox / "empty.csv").exists()


def test_the_archive_cannot_be_the_inbox(tmp_path: Path) -> None:
    """Every run would find its archived files in the inbox again, as duplicates, renamed
    longer each time."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    done = cli("batch", "--inbox", inbox, "--out", tmp_path / "out", "--archive", inbox / ".")
    assert done.returncode == 2 and "must not be the inbox itself" in done.stderr


def test_files_are_triaged_oldest_first_whatever_their_names(tmp_path: Path) -> None:
    """ "PRL_01-12-2026.csv" sorts before "PRL_30-11-2026.csv": taken by name, the later result
    was compared with nothing and the earlier one called its change."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    header = "Patient ID,Sex,DOB,Collected,Prolactin (ng/mL)\n"
    older = inbox / "PRL_30-11-2026.csv"
    newer = inbox / "PRL_01-12-2026.csv"
    older.write_text(header + "HX1,F,1990-01-01,2026-11-30 08:00,20\n", encoding="utf-8")
    newer.write_text(header + "HX1,F,1990-01-01,2026-12-01 08:00,60\n", encoding="utf-8")
    base = time.time() - 7200
    os.utime(older, (base, base))
    os.utime(newer, (base + 600, base + 600))
    done = cli("batch", "--inbox", inbox, "--out", out)
    assert done.returncode == 0, done.stderr
    folders = output_folders(out)
    assert len(folders) == 2
    later = next(f for f in folders if f.name.startswith("PRL_01"))
    rows = (later / "results.csv").read_text(encoding="utf-8")
    assert "rising" in rows


def _aged(path: Path, seconds: float = 30) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_a_workbook_cut_short_waits_for_the_rest_of_its_copy(tmp_path: Path) -> None:
    """A stalled copy of an xlsx (no zip end record yet) was read, called damaged and moved to
    failed/, where the copy then finished: its results were never triaged.  It waits in the
    inbox (unsettled) until it is whole."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    whole = tmp_path / "nightly.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Patient ID", "Sex", "Age", "Prolactin (ng/mL)"])
    for i in range(200):
        sheet.append([f"P{i}", "F", 40, 480 if i == 7 else 12])
    book.save(whole)
    data = whole.read_bytes()
    (inbox / "nightly.xlsx").write_bytes(data[: len(data) // 2])
    _aged(inbox / "nightly.xlsx")
    first = cli("batch", "--inbox", inbox, "--out", out, "--settle-seconds", "5")
    assert first.returncode == 0, first.stderr
    assert "unsettled" in first.stdout and output_folders(out) == []
    assert (inbox / "nightly.xlsx").exists()
    (inbox / "nightly.xlsx").write_bytes(data)
    _aged(inbox / "nightly.xlsx")
    second = cli("batch", "--inbox", inbox, "--out", out, "--settle-seconds", "5")
    assert second.returncode == 0, second.stderr
    assert len(output_folders(out)) == 1 and "URGENT" in second.stderr


def test_a_bundle_on_one_line_is_read_at_once(tmp_path: Path) -> None:
    """A minified FHIR export is one line: the "header, no rows yet" rule for delimited text
    held it back for an hour, its urgent result unsaid."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    observation = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "2842-3"}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2026-11-01T08:00:00",
        "valueQuantity": {"value": 9000, "unit": "mIU/L"},
    }
    patient = {"resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "1970"}
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": patient}, {"resource": observation}]}  # fmt: skip
    (inbox / "export.json").write_text(json.dumps(bundle), encoding="utf-8")
    _aged(inbox / "export.json", 300)
    result = cli("batch", "--inbox", inbox, "--out", out, "--settle-seconds", "5")
    assert result.returncode == 0, result.stderr
    assert len(output_folders(out)) == 1 and "URGENT" in result.stderr


def test_an_output_folder_that_cannot_be_locked_is_a_clear_error_not_a_bug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service user without write permission on --out: "internal error (PermissionError);
    this is a bug" (exit 1).  It is the set-up's error, said as such."""
    from triage import batch as batch_module
    from triage.batch import BatchError, BatchSettings, run_batch
    from triage.pipeline import TriageRequest

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    good_file(inbox, "one.csv")
    real = batch_module.FileLock

    class Denied(real):  # type: ignore[misc, valid-type]
        def acquire(self, *args: object, **kwargs: object) -> object:
            if Path(self.lock_file).parent == out:
                raise PermissionError(13, "Permission denied")
            return super().acquire(*args, **kwargs)

    monkeypatch.setattr(batch_module, "FileLock", Denied)
    with pytest.raises(BatchError, match=r"cannot lock the output folder .*Permission denied"):
        run_batch(inbox, out, TriageRequest(inputs=[], out_dir=out), BatchSettings())
    assert (inbox / "one.csv").exists()
