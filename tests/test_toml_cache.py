"""The parsed data files kept between runs (triage/toml_cache.py): a document read from the cache
is exactly what ``tomllib`` parses, an edited document is parsed anew, a damaged entry is never
used, and the cache can be turned off without a word."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from triage import regex_cache, toml_cache
from triage.resources import data_file

FILLER = "".join(
    f'word_{i} = ["Prolaktin {i}", "prolactine", 1.5, {i}, true]\n' for i in range(600)
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv(regex_cache.ENV_CACHE, str(cache))
    return cache


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("toml-*.json"))


@pytest.mark.parametrize("name", ["synonyms.toml", "drugs.toml", "cues.toml", "thresholds.toml"])
def test_bundled_file_from_the_cache_is_what_tomllib_parses(folder: Path, name: str) -> None:
    text = data_file(name).read_bytes().decode()
    first = toml_cache.loads(text)
    assert len(_entries(folder)) == 1
    again = toml_cache.loads(text)
    expected = tomllib.loads(text)
    assert first == expected
    assert again == expected
    assert repr(again) == repr(expected)  # the same types, in the same order


def test_edited_text_is_parsed_anew(folder: Path) -> None:
    assert toml_cache.loads(FILLER + "x = 1\n")["x"] == 1
    assert toml_cache.loads(FILLER + "x = 2\n")["x"] == 2
    assert len(_entries(folder)) == 2


def test_damaged_entry_is_not_used(folder: Path) -> None:
    text = FILLER + "x = 1\n"
    toml_cache.loads(text)
    (entry,) = _entries(folder)
    entry.write_bytes(b'{"x": ')
    assert toml_cache.loads(text) == tomllib.loads(text)


@pytest.mark.parametrize("found", [b'{"x": 1}', b"{}", b"[]", b'{"sha256": "0", "toml": {}}'])
def test_an_entry_that_is_not_this_texts_parse_is_not_used(folder: Path, found: bytes) -> None:
    text = FILLER + "x = 1\n"
    toml_cache.loads(text)
    (entry,) = _entries(folder)
    entry.write_bytes(found)
    assert toml_cache.loads(text) == tomllib.loads(text)


def test_small_documents_dates_and_off_keep_nothing(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert toml_cache.loads("x = 1\n") == {"x": 1}
    dated = FILLER + "when = 2026-12-07\n"
    assert toml_cache.loads(dated) == tomllib.loads(dated)
    assert _entries(folder) == []
    monkeypatch.setenv(regex_cache.ENV_CACHE, regex_cache.OFF)
    assert toml_cache.loads(FILLER) == tomllib.loads(FILLER)
    assert not folder.exists()


def test_syntax_error_is_tomllibs(folder: Path) -> None:
    with pytest.raises(tomllib.TOMLDecodeError):
        toml_cache.loads(FILLER + "x = = 1\n")
