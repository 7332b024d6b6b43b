"""Shared fixtures: the sample exports (synthetic patients only) copied from shared/samples."""

from __future__ import annotations

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


SAMPLES = DATA / "samples"


@pytest.fixture
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture
def broken_dir() -> Path:
    return SAMPLES / "broken"
