"""--redact-key-file: the --redact key kept in a private file, so ID- tokens match run to run.

Synthetic data only (tests/data/samples). Every test points XDG_CONFIG_HOME at its own tmp folder,
so no key file is ever written to the real home.
"""

from __future__ import annotations

import csv
import os
import shutil
import stat
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.batch import STATE_DIR
from triage.cli import app
from triage.keyfile import KeyFileError, load_or_create_key

runner = CliRunner()
SAMPLE = "lis_long_export.csv"


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], prog_name="prolactin-triage")


@pytest.fixture(autouse=True)
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    for name in ("REDACT", "REDACT_KEY", "REDACT_KEY_FILE", "CONFIG"):
        monkeypatch.delenv(f"PROLACTIN_TRIAGE_{name}", raising=False)
    return folder


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def tokens(out: Path) -> list[str]:
    with (out / "results.csv").open(encoding="utf-8", newline="") as handle:
        ids = [row["patient_id"] for row in csv.DictReader(handle)]
    assert ids and all(i.startswith("ID-") for i in ids)
    return ids


def redacted_run(samples_dir: Path, out: Path, *extra: str | Path) -> list[str]:
    result = invoke("run", samples_dir / SAMPLE, "--out", out, "-q", "--redact", *extra)
    assert result.exit_code == 0, result.output
    return tokens(out)


def test_same_key_file_same_tokens_other_file_other_tokens(
    samples_dir: Path, tmp_path: Path
) -> None:
    key = tmp_path / "keys" / "site.key"
    first = redacted_run(samples_dir, tmp_path / "a", "--redact-key-file", key)
    second = redacted_run(samples_dir, tmp_path / "b", "--redact-key-file", key)
    assert first == second
    other = redacted_run(samples_dir, tmp_path / "c", "--redact-key-file", tmp_path / "other.key")
    assert set(other).isdisjoint(first)


def test_key_file_created_0600_in_a_0700_folder(samples_dir: Path, tmp_path: Path) -> None:
    key = tmp_path / "new" / "nested" / "redact.key"
    old = os.umask(0o022)  # a permissive umask must not leak into the key's modes
    try:
        redacted_run(samples_dir, tmp_path / "out", "--redact-key-file", key)
    finally:
        os.umask(old)
    assert mode(key) == 0o600
    assert mode(key.parent) == 0o700
    assert mode(key.parent.parent) == 0o700
    lines = key.read_text(encoding="ascii").splitlines()
    assert lines[0].startswith("#")
    assert len(bytes.fromhex(lines[1])) == 32
    assert [p.name for p in key.parent.iterdir()] == ["redact.key"]  # no temporary left


def test_group_readable_key_file_is_refused(samples_dir: Path, tmp_path: Path) -> None:
    key = tmp_path / "shared.key"
    key.write_text("ab" * 32 + "\n", encoding="ascii")
    key.chmod(0o640)
    out = tmp_path / "out"
    result = invoke(
        "run", samples_dir / SAMPLE, "--out", out, "-q", "--redact", "--redact-key-file", key
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(key) in lines[0] and "0640" in lines[0] and "chmod 600" in lines[0]
    assert "ab" * 16 not in result.output
    assert not out.exists() or not (out / "results.csv").exists()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("", "empty"),
        ("# only a comment\n", "empty"),
        ("ab" * 15 + "\n", "too short"),
        ("not hex at all, not hex at all, not hex\n", "not hexadecimal"),
        ("ab" * 32 + "\n" + "cd" * 32 + "\n", "more than one key"),
    ],
)
def test_invalid_key_file_is_refused(tmp_path: Path, content: str, says: str) -> None:
    key = tmp_path / "bad.key"
    key.write_text(content, encoding="ascii")
    key.chmod(0o600)
    with pytest.raises(KeyFileError, match=says) as caught:
        load_or_create_key(key)
    assert caught.value.exit_code == 2
    assert str(key) in str(caught.value)


def test_a_hand_written_key_file_is_read(tmp_path: Path) -> None:
    key = tmp_path / "hand.key"
    key.write_text("# ours\n\n  " + "0f" * 16 + "  \n", encoding="ascii")
    key.chmod(0o600)
    assert load_or_create_key(key) == bytes.fromhex("0f" * 16)


def test_racing_first_runs_share_one_key(tmp_path: Path) -> None:
    key = tmp_path / "race" / "redact.key"
    got: list[bytes] = []
    start = threading.Barrier(8)

    def first_run() -> None:
        start.wait()
        got.append(load_or_create_key(key))

    threads = [threading.Thread(target=first_run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(got) == 8 and len(set(got)) == 1
    assert [p.name for p in key.parent.iterdir()] == ["redact.key"]


def test_default_key_file_is_under_xdg_config_home(
    samples_dir: Path, tmp_path: Path, xdg: Path
) -> None:
    first = redacted_run(samples_dir, tmp_path / "a")
    key = xdg / "prolactin-triage" / "redact.key"
    assert mode(key) == 0o600 and mode(key.parent) == 0o700
    assert redacted_run(samples_dir, tmp_path / "b") == first
    assert redacted_run(samples_dir, tmp_path / "c", "--redact-key-file", key) == first


def test_demo_uses_the_default_key_file_too(tmp_path: Path, xdg: Path) -> None:
    result = invoke("demo", "--out", tmp_path / "out", "-q", "--redact")
    assert result.exit_code == 0, result.output
    assert (xdg / "prolactin-triage" / "redact.key").is_file()


def test_without_redact_no_key_file_is_read_or_created(
    samples_dir: Path, tmp_path: Path, xdg: Path
) -> None:
    key = tmp_path / "never.key"
    result = invoke(
        "run", samples_dir / SAMPLE, "--out", tmp_path / "out", "-q", "--redact-key-file", key
    )
    assert result.exit_code == 2, result.output  # a key without --redact is a usage error
    assert "--redact-key-file needs --redact" in result.output
    assert not key.exists() and not xdg.exists()


def test_explicit_redact_key_wins_and_creates_no_file(
    samples_dir: Path, tmp_path: Path, xdg: Path
) -> None:
    first = redacted_run(samples_dir, tmp_path / "a", "--redact-key", "s3cret")
    assert redacted_run(samples_dir, tmp_path / "b", "--redact-key", "s3cret") == first
    assert not xdg.exists()


def test_key_and_key_file_together_is_a_usage_error(samples_dir: Path, tmp_path: Path) -> None:
    key = tmp_path / "k.key"
    out = tmp_path / "out"
    result = invoke(
        "run",
        samples_dir / SAMPLE,
        "--out",
        out,
        "--redact",
        "--redact-key",
        "s3cret",
        "--redact-key-file",
        key,
    )
    assert result.exit_code == 2
    assert "--redact-key-file" in result.stderr and "--redact-key" in result.stderr
    assert "s3cret" not in result.output
    assert not key.exists() and not out.exists()


def test_config_key_file_is_relative_to_the_config(samples_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    config = folder / "config.toml"
    config.write_text('redact = true\nredact_key_file = "keys/redact.key"\n', encoding="utf-8")
    result = invoke(
        "run", samples_dir / SAMPLE, "--out", tmp_path / "out", "-q", "--config", config
    )
    assert result.exit_code == 0, result.output
    assert (folder / "keys" / "redact.key").is_file()


def test_batch_keeps_its_key_beside_the_ledger(
    samples_dir: Path, tmp_path: Path, xdg: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(samples_dir / SAMPLE, inbox / SAMPLE)
    old = time.time() - 3600
    os.utime(inbox / SAMPLE, (old, old))
    out = tmp_path / "out"
    result = invoke("batch", "--inbox", inbox, "--out", out, "-q", "--redact")
    assert result.exit_code == 0, result.output
    key = inbox / STATE_DIR / "redact.key"
    assert mode(key) == 0o600
    assert not xdg.exists()
    [folder] = [p for p in out.iterdir() if p.is_dir()]
    assert tokens(folder) == redacted_run(samples_dir, tmp_path / "run", "--redact-key-file", key)
