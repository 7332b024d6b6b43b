"""Shared fixtures: the sample exports (synthetic patients only) copied from shared/samples."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# the history_url / postgres_url fixtures (tests/ is on sys.path, as for engine_fixtures)
pytest_plugins = ["history_fixtures"]

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _private_config_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--redact keeps its key in $XDG_CONFIG_HOME/prolactin-triage: never the tester's own."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config-home")))
    monkeypatch.delenv("PROLACTIN_TRIAGE_HISTORY", raising=False)


@pytest.fixture(autouse=True)
def _no_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """os.fsync does nothing in this process: the tests check what is written and that a
    failed run publishes nothing, not what survives a power cut, and a run's dozen fsyncs
    (several ms each on a disk) were a large share of a small run's time.  Runs in child
    processes (the CLI tests) still sync."""
    monkeypatch.setattr(os, "fsync", _skip_fsync)


def _skip_fsync(fd: int) -> None:
    """os.fsync's signature, doing nothing."""


SAMPLES = DATA / "samples"


@pytest.fixture
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture
def broken_dir() -> Path:
    return SAMPLES / "broken"
