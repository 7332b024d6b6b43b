"""Shared fixtures: the sample exports (synthetic patients only) copied from shared/samples."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SAMPLES = DATA / "samples"


@pytest.fixture
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture
def broken_dir() -> Path:
    return SAMPLES / "broken"
