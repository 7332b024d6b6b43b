"""The compiled vocabularies kept between runs (triage/regex_cache.py): a pattern built from the
cache matches exactly what ``re.compile`` of the same text matches, a damaged or foreign file is
never read, and the cache can be turned off or be unwritable without a word."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from triage import regex_cache
from triage.engine import state_words, text
from triage.knowledge import load_drugs
from triage.knowledge.drugs import DrugMatcher

# Clinical notes in the six languages, with the words the vocabularies look for.
NOTES = (
    "Patientin stillt seit 3 Wochen; Risperdal 2 mg abgesetzt vor 10 Tagen. Kopfschmerzen, "
    "Gesichtsfeldausfall? TSH 8,2 mU/L. Z.n. Hypophysenadenom (Mikroadenom 6 mm). Dialyse.\n"
    "Allaitement maternel, enceinte 12 SA ? Dompéridone (Motilium) 10 mg x3. Cirrhose hépatique, "
    "IRC dialysée. Pas de céphalées. Amenorrhée secondaire, galactorrhée.\n"
    "Embarazada de 20 semanas, toma metoclopramida desde el 2/11; hipotiroidismo. Lactancia.\n"
    "Gravidanza alla 30a settimana, aloperidolo sospeso; IRC, emodialisi.\n"
    "Zwanger 39 weken, geeft borstvoeding niet; MCP bij misselijkheid; levercirrose; hoofdpijn.\n"
    "On Invega Sustenna monthly, last injection 3 weeks ago; visual field defect; macroadenoma "
    "22 mm; primary hypothyroidism, TSH 14; post partum week 2, breastfeeding; Dostinex stopped."
)


@pytest.fixture
def cache_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv(regex_cache.ENV_CACHE, str(folder))
    regex_cache.reset()
    yield folder
    regex_cache.reset()  # the next test reads the usual folder again


def _fresh_vocabularies() -> None:
    """Build the bundled cue book, state vocabulary and drug matchers anew (their loaders keep
    what they built: these compile through the cache again)."""
    text._bundled_cue_book.__wrapped__()
    state_words._bundled.__wrapped__()
    drugs = tuple(load_drugs())
    DrugMatcher(drugs)
    DrugMatcher(drugs, abbreviations=False, labelled=True)


def _never_compiled(pattern: str, flags: int) -> None:
    raise AssertionError(f"compiled again instead of read from the cache: {pattern[:60]!r}")


def test_the_vocabularies_from_the_cache_match_what_re_compiles(
    cache_in: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh_vocabularies()
    regex_cache.save()
    (saved,) = list(cache_in.glob("regex-*.bin"))
    regex_cache.reset()
    # a second process: every vocabulary pattern is built from the file, none parsed again (a
    # pattern's text is the same in every process: no set's hash-seeded order reaches it)
    monkeypatch.setattr(regex_cache, "_made", _never_compiled)
    _fresh_vocabularies()
    entries = regex_cache._entries()
    assert entries is not None and len(entries) > 100  # cues, states, drugs: hundreds
    lines = [*NOTES.splitlines(), NOTES.lower(), NOTES]
    for (pattern, flags), entry in entries.items():
        cached = regex_cache._built(pattern, entry)
        assert cached is not None
        fresh = re.compile(pattern, flags)
        assert (cached.pattern, cached.flags, cached.groups, cached.groupindex) == (
            fresh.pattern,
            fresh.flags,
            fresh.groups,
            fresh.groupindex,
        )
        for line in lines:
            assert [m.span() for m in cached.finditer(line)] == [
                m.span() for m in fresh.finditer(line)
            ]
    assert saved.stat().st_mode & 0o077 == 0  # the user's own file


def test_a_damaged_file_is_not_read_and_is_written_anew(
    cache_in: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pattern = r"\b(?P<drug>risperidon|risperdal)\b\W*(?P<dose>\d+(?:[.,]\d+)?)\s*mg"
    regex_cache.compile_vocabulary(pattern, re.IGNORECASE)
    regex_cache.save()
    (saved,) = list(cache_in.glob("regex-*.bin"))
    data = bytearray(saved.read_bytes())
    data[-1] ^= 0xFF  # one bit of a program changed on the disk
    saved.write_bytes(bytes(data))
    regex_cache.reset()
    compiled = regex_cache.compile_vocabulary(pattern, re.IGNORECASE)
    found = compiled.search("Risperdal 2,5 mg 1-0-1")
    assert found is not None and found.group("dose") == "2,5"
    regex_cache.save()  # compiled anew: the file is whole again
    regex_cache.reset()
    monkeypatch.setattr(regex_cache, "_made", _never_compiled)
    again = regex_cache.compile_vocabulary(pattern, re.IGNORECASE)
    assert again.search("RISPERIDON 4 mg") is not None


@pytest.mark.parametrize("damage", [b"", b"not a cache\n", b"prolactin-triage regex cache 1\n"])
def test_an_empty_or_foreign_file_is_ignored(cache_in: Path, damage: bytes) -> None:
    cache_in.mkdir(parents=True)
    regex_cache.cache_file(cache_in).write_bytes(damage)
    compiled = regex_cache.compile_vocabulary(r"\bstillt\b", re.IGNORECASE)
    assert compiled.search("Patientin STILLT") is not None


def test_off_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(regex_cache.ENV_CACHE, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    regex_cache.reset()
    try:
        assert regex_cache.cache_folder() is None
        compiled = regex_cache.compile_vocabulary(r"\bdialy[sz]", re.IGNORECASE)
        assert compiled.search("Hämodialyse seit 2019") is None  # 'dialyse' inside a word
        assert compiled.search("on dialysis") is not None
        regex_cache.save()
        assert list(tmp_path.rglob("regex-*")) == []
    finally:
        regex_cache.reset()


def test_a_folder_that_cannot_be_written_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    monkeypatch.setenv(regex_cache.ENV_CACHE, str(blocked / "cache"))
    regex_cache.reset()
    try:
        compiled = regex_cache.compile_vocabulary(r"\bgalact?orr?h?o?ea\b", re.IGNORECASE)
        assert compiled.search("Galactorrhea since May") is not None
        regex_cache.save()  # says nothing, raises nothing
    finally:
        regex_cache.reset()


def test_running_out_of_memory_while_saving_is_no_error(
    cache_in: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch file's worker under --memory-limit that compiled a new pattern saves the cache at
    the limit: a cache too large to merge there costs the cache, never the file's results (a
    MemoryError made the file fail with "ran out of its memory limit")."""

    def too_large() -> dict[object, object]:
        raise MemoryError

    compiled = regex_cache.compile_vocabulary(r"\bhyperprolactin(?:a|ae)?emia\b", re.IGNORECASE)
    assert compiled.search("Hyperprolactinaemia, 2024") is not None
    monkeypatch.setattr(regex_cache, "_loaded", too_large)
    regex_cache.save()  # says nothing, raises nothing
    assert list(cache_in.rglob("regex-*.bin")) == []


def test_a_bad_pattern_is_still_an_error(cache_in: Path) -> None:
    with pytest.raises(re.error):
        regex_cache.compile_vocabulary(r"\b(?:stillt|allaite", re.IGNORECASE)


def test_a_bad_pattern_in_a_vocabulary_file_is_still_a_config_error(cache_in: Path) -> None:
    from triage.schema import ConfigError

    with pytest.raises(ConfigError, match="bad pattern"):
        text._compile([r"\bschwanger(", r"\benceinte\b"], "cues.toml", "pregnancy")


def test_no_home_directory_keeps_nothing_and_still_compiles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv(regex_cache.ENV_CACHE, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    regex_cache.reset()
    try:
        assert regex_cache.cache_folder() is None
        compiled = regex_cache.compile_vocabulary(r"\bschwanger", re.IGNORECASE)
        assert compiled.search("Schwangerschaft") is not None
        regex_cache.save()
    finally:
        regex_cache.reset()


def test_what_another_process_saved_meanwhile_is_kept(
    cache_in: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch run's parent and its per-file children each save what they compiled: the last
    to save keeps the others' patterns too."""
    assert regex_cache._entries() == {}  # the parent read the cache: empty then
    parent = regex_cache._state.entries
    regex_cache.reset()  # a child reads it too, compiles and saves
    regex_cache.compile_vocabulary(r"\bdialyse\b", re.IGNORECASE)
    regex_cache.save()
    regex_cache.reset()  # the parent, with what it read before, compiles two and saves
    regex_cache._state.entries = parent
    regex_cache.compile_vocabulary(r"\bstillt\b", re.IGNORECASE)
    regex_cache.compile_vocabulary(r"\ballaite\b", re.IGNORECASE)
    regex_cache.save()
    regex_cache.reset()
    monkeypatch.setattr(regex_cache, "_made", _never_compiled)
    for pattern in (r"\bstillt\b", r"\bdialyse\b", r"\ballaite\b"):
        assert regex_cache.compile_vocabulary(pattern, re.IGNORECASE).search("x") is None
