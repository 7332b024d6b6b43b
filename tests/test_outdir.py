"""`run --out DIR`: a lock per folder, only the tool's own files replaced, nothing left behind by a
killed run, private modes whatever the umask (triage/outdir.py, triage/io/atomic.py)."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock
from typer.testing import CliRunner

from triage.cli import app
from triage.faults import FAULT_ENV
from triage.io import atomic
from triage.outdir import LOCK_NAME, MANIFEST_NAME, OutputError, locked_folder, read_manifest
from triage.output import OUTPUT_FILES

runner = CliRunner()
BASE = ["summary.html", "patients.html", "results.csv", "results.json", "rejected.csv"]
URGENT = "urgent.txt"  # the pipeline's list of urgent results, beside the reports
ROOT = Path(__file__).resolve().parents[1]


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], prog_name="prolactin-triage")


def write_csv(path: Path, marker: str, rows: int = 30) -> Path:
    """A small wide export whose patient ids all start with ``marker``."""
    lines = ["patient_id,patient_name,sex,age,prolactin,unit"]
    lines += [
        f"{marker}{i:04d},Doe{i:04d} Jane,F,{30 + i % 40},{10 + i * 7},ng/mL" for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def manifest(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))


def listing(out: Path) -> list[str]:
    """The folder's names, urgent.txt aside (written whether or not it is in the set)."""
    return sorted(p.name for p in out.iterdir() if p.name != URGENT)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def python_run(
    *args: str | Path, fault: str | None = None, umask: int | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROLACTIN_TRIAGE_")}
    if fault:
        env[FAULT_ENV] = fault
    return subprocess.run(
        [sys.executable, "-m", "triage", "run", *map(str, args), "-q"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=ROOT,
        umask=-1 if umask is None else umask,
    )


# ------------------------------------------------------------------------------------ the lock
def test_a_second_run_exits_75_and_writes_nothing(tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "in.csv", "PX")
    out = tmp_path / "out"
    out.mkdir()
    leftover = out / ".summary.html.0123456789ab.tmp"
    leftover.write_text("a live run's temporary file")
    with FileLock(str(out / LOCK_NAME), timeout=0):
        result = invoke("run", inp, "--out", out)
        assert result.exit_code == 75, result.output
        assert f"another run is writing to {out}; nothing done" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        # nothing written, and the other run's temporary file is not taken from it
        assert sorted(p.name for p in out.iterdir()) == sorted([LOCK_NAME, leftover.name])
    result = invoke("run", inp, "--out", out, "-q")
    assert result.exit_code == 0, result.output
    assert not leftover.exists()
    assert not (out / LOCK_NAME).exists()  # removed when the run ends


@pytest.mark.parametrize(("group", "expected"), [(False, 0o600), (True, 0o640)])
def test_lock_file_is_private_whatever_the_umask(
    tmp_path: Path, group: bool, expected: int
) -> None:
    old = os.umask(0)
    try:
        with locked_folder(tmp_path / "o", known=OUTPUT_FILES, group_readable=group) as folder:
            assert mode(folder / LOCK_NAME) == expected
            assert mode(folder) == (0o750 if group else 0o700)
    finally:
        os.umask(old)
    assert not (tmp_path / "o").exists()  # created, nothing written: nothing left


def test_a_failed_run_leaves_no_folder_behind(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,colour\na,b\n", encoding="utf-8")
    out = tmp_path / "a" / "b" / "out"
    result = invoke("run", bad, "--out", out)
    assert result.exit_code == 3, result.output
    assert not (tmp_path / "a").exists()


# ------------------------------------------------------------------ whose files may be replaced
def test_a_foreign_folder_is_refused_and_force_keeps_the_users_files(tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "in.csv", "PX")
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    (out / "results.xlsx").write_bytes(b"my own workbook")
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    refused = invoke("run", inp, "--out", out)
    assert refused.exit_code == 2, refused.output
    assert "not written by prolactin-triage" in refused.stderr and "--force" in refused.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before

    forced = invoke("run", inp, "--out", out, "--force", "-q")
    assert forced.exit_code == 0, forced.output
    assert (out / "notes.txt").read_bytes() == b"my notes"
    assert (out / "results.xlsx").read_bytes() == b"my own workbook"
    assert sorted(set(manifest(out)["files"]) - {URGENT}) == sorted(BASE)

    # now the folder is the tool's: a run without --force works and still spares the user's files
    again = invoke("run", inp, "--out", out, "-q")
    assert again.exit_code == 0, again.output
    assert (out / "results.xlsx").read_bytes() == b"my own workbook"
    assert (out / "notes.txt").read_bytes() == b"my notes"

    # writing results.xlsx would replace a file the tool did not write: refused unless --force
    clash = invoke("run", inp, "--out", out, "--xlsx")
    assert clash.exit_code == 2
    assert "results.xlsx" in clash.stderr
    assert (out / "results.xlsx").read_bytes() == b"my own workbook"
    replaced = invoke("run", inp, "--out", out, "--xlsx", "--force", "-q")
    assert replaced.exit_code == 0
    assert (out / "results.xlsx").read_bytes().startswith(b"PK")  # ours now
    assert (out / "notes.txt").read_bytes() == b"my notes"


def test_an_empty_existing_folder_is_fine(tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    result = invoke("run", write_csv(tmp_path / "in.csv", "PX"), "--out", out, "-q")
    assert result.exit_code == 0, result.output
    assert listing(out) == sorted([*BASE, MANIFEST_NAME])


def test_stale_outputs_of_our_previous_run_are_removed(tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "in.csv", "PX")
    out = tmp_path / "out"
    assert invoke("run", inp, "--out", out, "--xlsx", "-q").exit_code == 0
    assert (out / "results.xlsx").exists()
    (out / "notes.txt").write_text("added by the user later")
    assert invoke("run", inp, "--out", out, "-q").exit_code == 0
    assert not (out / "results.xlsx").exists()
    assert (out / "notes.txt").exists()
    data = manifest(out)
    assert data["state"] == "complete" and data["pending"] == []
    assert sorted(set(data["files"]) - {URGENT}) == sorted(BASE)
    assert data["tool"]["name"] == "prolactin-triage"
    assert "PX" not in (out / MANIFEST_NAME).read_text(encoding="utf-8")  # no patient data


def test_an_edited_manifest_cannot_make_the_tool_delete_other_files(tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "in.csv", "PX")
    out = tmp_path / "out"
    assert invoke("run", inp, "--out", out, "-q").exit_code == 0
    data = manifest(out)
    data["files"]["notes.txt"] = {"bytes": 1, "sha256": "x"}
    data["pending"] = ["../victim.txt", "notes.txt"]
    (out / MANIFEST_NAME).write_text(json.dumps(data), encoding="utf-8")
    (out / "notes.txt").write_text("mine")
    (tmp_path / "victim.txt").write_text("mine too")
    assert invoke("run", inp, "--out", out, "-q").exit_code == 0
    assert (out / "notes.txt").exists() and (tmp_path / "victim.txt").exists()


def test_leftovers_are_only_the_tools_own_temporary_names(tmp_path: Path) -> None:
    names = [
        ".summary.html.0123456789ab.tmp",
        ".results.csv.abcdefabcdef.bak",
        ".notes.txt.0123456789ab.tmp",  # not one of our output names
        "summary.html.0123456789ab.tmp",  # not hidden
        ".summary.html.0123.tmp",  # not our token
    ]
    for name in names:
        (tmp_path / name).write_text("x")
    found = atomic.leftovers(tmp_path, OUTPUT_FILES)
    assert [p.name for p in found] == [names[1], names[0]]
    assert [p.name for p in atomic.leftovers(tmp_path)] == sorted(names[:3])


def test_output_error_exit_status_is_the_contracts_usage_status() -> None:
    assert OutputError.exit_code == 2
    from triage import output

    assert output.OutputError is OutputError


# ----------------------------------------------------------------------------------------- modes
@pytest.mark.parametrize("umask", [0o000, 0o077, 0o022])
def test_modes_are_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    inp = write_csv(tmp_path / "in.csv", "PX")
    out = tmp_path / "a" / "b" / "out"
    done = python_run(inp, "--out", out, "--xlsx", umask=umask)
    assert done.returncode == 0, done.stderr
    for folder in (tmp_path / "a", tmp_path / "a" / "b", out):
        assert mode(folder) == 0o700, folder
    files = list(out.iterdir())
    assert {p.name for p in files} - {URGENT} == {*BASE, "results.xlsx", MANIFEST_NAME}
    for path in files:
        assert mode(path) == 0o600, path.name


def test_group_readable_modes(tmp_path: Path) -> None:
    inp = write_csv(tmp_path / "in.csv", "PX")
    out = tmp_path / "a" / "out"
    done = python_run(inp, "--out", out, "--group-readable", umask=0o077)
    assert done.returncode == 0, done.stderr
    assert mode(tmp_path / "a") == 0o750 and mode(out) == 0o750
    for path in out.iterdir():
        if path.name != URGENT:  # 0600 while the pipeline writes it outside the set
            assert mode(path) == 0o640, path.name
    old = os.umask(0)
    try:  # the same for the env variable, in process, with a world-writable umask
        os.environ["PROLACTIN_TRIAGE_GROUP_READABLE"] = "1"
        result = invoke("run", inp, "--out", tmp_path / "env", "-q")
    finally:
        del os.environ["PROLACTIN_TRIAGE_GROUP_READABLE"]
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert mode(tmp_path / "env") == 0o750
    assert {mode(p) for p in (tmp_path / "env").iterdir() if p.name != URGENT} == {0o640}


def test_mode_api_for_other_writers(tmp_path: Path) -> None:
    assert (atomic.file_mode(False), atomic.dir_mode(False)) == (0o600, 0o700)
    assert (atomic.file_mode(True), atomic.dir_mode(True)) == (0o640, 0o750)
    old = os.umask(0o077)
    try:
        folder = atomic.ensure_private_dir(tmp_path / "x" / "y", group_readable=True)
        atomic.atomic_write_bytes(folder / "f", b"1", group_readable=True)
    finally:
        os.umask(old)
    assert mode(tmp_path / "x") == 0o750 and mode(folder) == 0o750
    assert mode(folder / "f") == 0o640


# ------------------------------------------------------------------------------ killed mid-write
def _readable_elsewhere(root: Path, marker: str, keep: set[Path]) -> list[Path]:
    """Files under ``root`` holding ``marker``, other than ``keep``."""
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and path not in keep and marker.encode() in path.read_bytes():
            hits.append(path)
    return hits


@pytest.mark.parametrize(
    "point", ["outputs.before_commit", "outputs.mid_commit", "outputs.after_commit"]
)
def test_a_killed_run_leaves_a_detectable_state_and_the_next_run_cleans_up(
    tmp_path: Path, point: str
) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    first = write_csv(inputs / "first.csv", "FIRSTID")
    second = write_csv(inputs / "second.csv", "SECONDID", rows=45)
    out = tmp_path / "out"
    assert invoke("run", first, "--out", out, "--xlsx", "-q").exit_code == 0
    old = {p.name: p.read_bytes() for p in out.iterdir()}

    killed = python_run(second, "--out", out, fault=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    data = read_manifest(out, OUTPUT_FILES)
    assert data is not None
    if point == "outputs.before_commit":
        # nothing renamed: the earlier set and its manifest, whole; temporary files beside them
        assert data.state == "complete" and data.mismatched(out) == []
        assert {p.name: p.read_bytes() for p in out.iterdir() if p.name in old} == old
        assert atomic.leftovers(out, OUTPUT_FILES)
    elif point == "outputs.mid_commit":
        # a mixed folder, and the manifest says so: the set is not whole, every name is listed
        assert data.state == "incomplete"
        assert data.mismatched(out)  # at least one file is the new run's
        assert set(old) - {MANIFEST_NAME, URGENT} <= data.owned
    else:
        # every new file in place; the earlier run's results.xlsx not yet removed
        assert data.state == "incomplete"
        assert (out / "results.xlsx").exists() and "results.xlsx" in data.pending
    # a dead run's lock file may remain: the kernel released its lock, the next run takes it

    again = invoke("run", second, "--out", out, "-q")
    assert again.exit_code == 0, again.output
    assert atomic.leftovers(out) == []
    done = read_manifest(out, OUTPUT_FILES)
    assert done is not None and done.state == "complete" and done.mismatched(out) == []
    assert listing(out) == sorted([*BASE, MANIFEST_NAME])
    finished = {out / name for name in [*done.files, URGENT]}
    for marker in ("FIRSTID", "SECONDID"):
        assert _readable_elsewhere(tmp_path, marker, finished | {first, second}) == []
    assert b"FIRSTID" not in b"".join(p.read_bytes() for p in finished)


def test_a_folder_written_before_manifests_existed_is_still_the_tools(tmp_path: Path) -> None:
    """Upgrading must not break a nightly `run --out` into the same folder: a folder holding only
    the tool's output names, with a results.json that names the tool, counts as the tool's."""
    source = write_csv(tmp_path / "in.csv", "UPG")
    out = tmp_path / "out"
    assert invoke("run", source, "--out", out, "--xlsx", "--quiet").exit_code == 0
    (out / MANIFEST_NAME).unlink()  # as an earlier version left it
    again = invoke("run", source, "--out", out, "--quiet")
    assert again.exit_code == 0, again.output
    assert not (out / "results.xlsx").exists()  # its stale output went with the rest
    # A user's file beside them makes it a folder the tool did not write: refused as before.
    (out / MANIFEST_NAME).unlink()
    (out / "notes.txt").write_text("mine")
    refused = invoke("run", source, "--out", out, "--quiet")
    assert refused.exit_code == 2 and (out / "notes.txt").read_text() == "mine"
