"""The rules' compiled vocabularies, kept between runs.

The vocabularies the rules read (cues.toml, states.toml, the drug matchers of drugs.toml and a
lab's own files) become a few hundred large regular expressions.  Python's ``re`` parses and
compiles a pattern in Python code: about a second per process for these, more than a small
export takes to read and triage, paid again by every run, ``check`` and cron job.

``compile_vocabulary`` keeps what ``re`` makes of a pattern (its program for the regex engine,
the same list of integers ``re`` hands to ``_sre.compile``) in one file in the user's cache
folder, and builds the pattern from it next time in microseconds.  An entry is found by the
pattern's own text and flags, so an edited vocabulary is simply compiled anew; the file is named
by the Python version and the regex engine's magic number, and carries a SHA-256 of its content:
a file of another Python, a truncated or altered one, is not read.  Anything unexpected (a
Python whose ``re`` internals differ, a cache folder that cannot be written) falls back to
``re.compile`` without a word: the cache changes how fast a pattern is built, never what it
matches.

Only vocabulary passes through here, never a patient's text: the file holds the words of the
data files and nothing of an export.

``PROLACTIN_TRIAGE_CACHE`` names another folder, or ``off`` to keep nothing.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import sys
import tempfile
import threading
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TypeAlias

try:  # CPython's regex engine, which re._compiler hands its programs to
    import _sre  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - another Python: re.compile every time
    _sre = None

ENV_CACHE: Final = "PROLACTIN_TRIAGE_CACHE"
OFF: Final = "off"
_PREFIX: Final = "regex-"
_MAGIC: Final = b"prolactin-triage regex cache 1\n"
_DIGEST_BYTES: Final = hashlib.sha256().digest_size
_CODE_BYTES: Final = 4  # _sre.CODESIZE of CPython: its programs are unsigned 32-bit words
_CODE_TYPE: Final = next((t for t in "IL" if array(t).itemsize == _CODE_BYTES), "L")
# Entries loaded but not used by this process are kept while the file stays under this size.
_KEEP_UNUSED_BYTES: Final = 16 * 1024 * 1024

# (final flags, program, groups, group index, index group): _sre.compile's arguments after the
# pattern, as re._compiler.compile computes them.
# A program read from the file stays a compact array (4 bytes a word) until its pattern is built:
# the file holds every vocabulary's programs, and a process that made each a list of Python ints
# held several times the file's size (a batch child's or a Dask worker's memory limit).
_Program: TypeAlias = "list[int] | array[int]"
_Entry = tuple[int, _Program, int, dict[str, int], tuple[str | None, ...]]
_Key = tuple[str, int]

_lock = threading.Lock()


@dataclass
class _State:
    """This process's cache: what was read (None: not yet; _UNSUPPORTED: not used), which
    entries this process used, whether it compiled one the file lacks."""

    entries: dict[_Key, _Entry] | None = None
    used: set[_Key] = field(default_factory=set)
    dirty: bool = False
    at_exit: bool = False  # save() registered as an exit handler


_state = _State()


def compile_vocabulary(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, from the cache when it holds the pattern.  Raises
    ``re.error`` for a bad pattern, as ``re.compile`` does."""
    key = (pattern, int(flags))
    entries = _entries()
    if entries is not None:
        entry = entries.get(key)
        if entry is not None:
            built = _built(pattern, entry)
            if built is not None:
                _state.used.add(key)
                return built
        made = _made(pattern, key[1])
        if made is not None:
            compiled, entry = made
            with _lock:
                entries[key] = entry
                _state.used.add(key)
                _state.dirty = True
            return compiled
    return re.compile(pattern, flags)


_QUANTIFIERS = frozenset("?*+{")
_TRIE_DEPTH = len("kopf")  # leading letters factored out at most (a regex layout, not clinical)


def _leading_letter(pattern: str) -> str | None:
    """The pattern's first character when it is a plain letter or digit matched exactly once."""
    if len(pattern) > 1 and pattern[0].isalnum() and pattern[1] not in _QUANTIFIERS:
        return pattern[0].lower()
    return None


def prefix_trie(patterns: Sequence[str], depth: int = 0) -> str:
    """`(?:p1|p2|...)` with the leading letters the patterns share factored out (matched
    case-insensitively, so "Kopf" and "kopf" share a branch); order is kept within a branch."""
    groups: dict[str | None, list[str]] = {}
    for pattern in patterns:
        letter = _leading_letter(pattern) if depth < _TRIE_DEPTH else None
        groups.setdefault(letter, []).append(pattern)
    branches: list[str] = []
    for letter, members in groups.items():
        if letter is None or len(members) == 1:
            branches.extend(f"(?:{p})" for p in members)
        else:
            rests = [p[1:] for p in members]
            branches.append(re.escape(letter) + prefix_trie(rests, depth + 1))
    return "(?:" + "|".join(branches) + ")"


def cache_folder() -> Path | None:
    """Where the compiled vocabularies are kept (None: ``PROLACTIN_TRIAGE_CACHE=off``, or no
    folder to keep them in)."""
    chosen = os.environ.get(ENV_CACHE, "").strip()
    if chosen.lower() == OFF:
        return None
    if chosen:
        return Path(chosen).expanduser()
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "prolactin-triage" / "cache"
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    try:
        return (Path(base) if base else Path.home() / ".cache") / "prolactin-triage"
    except RuntimeError:  # no home directory (a service account without one): nothing kept
        return None


def cache_file(folder: Path) -> Path:
    """The file of this Python and regex engine in ``folder``."""
    version = ".".join(map(str, sys.version_info[:3]))
    return folder / f"{_PREFIX}{sys.implementation.name}-{version}-{_engine_magic()}.bin"


def save() -> None:
    """Write the cache when this process compiled a pattern it did not hold (atomically: a
    temporary file renamed over the old one; another process reading meanwhile sees either).
    Called by a run once its vocabularies are compiled (a batch file's forked child ends with
    os._exit, without exit handlers) and at exit."""
    with _lock:
        entries = _state.entries
        if not entries or not _state.dirty:
            return
        kept = dict(entries)
        used = set(_state.used)
        _state.dirty = False
    folder = cache_folder()
    if folder is None:
        return
    try:
        # what another process saved meanwhile (a batch file's child) is kept too
        kept = {**_loaded(), **kept}
        if sum(len(entry[1]) for entry in kept.values()) * _CODE_BYTES > _KEEP_UNUSED_BYTES:
            kept = {key: entry for key, entry in kept.items() if key in used}
        payload = _encoded(kept)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = cache_file(folder)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".regex-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
            Path(temporary).replace(target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        for other in folder.glob(f"{_PREFIX}*.bin"):  # another Python's: stale
            if other != target:
                other.unlink(missing_ok=True)
    except (OSError, ValueError, OverflowError, MemoryError):  # not written: compiled next time
        # too (MemoryError: a batch file's worker under --memory-limit; the cache is never worth
        # the file's results)
        return


def reset() -> None:
    """Forget what was loaded (tests; the next compile reads the file again)."""
    with _lock:
        _state.entries, _state.used, _state.dirty = None, set(), False


def _entries() -> dict[_Key, _Entry] | None:
    """The cache of this process, read once (None: off, or an ``re`` this cannot follow)."""
    entries = _state.entries
    if entries is not None:
        return entries if entries is not _UNSUPPORTED else None
    with _lock:
        if _state.entries is None:
            _state.entries = _loaded() if _supported() else _UNSUPPORTED
            if not _state.at_exit:  # a run saves once its vocabularies are ready
                _state.at_exit = True  # (pipeline); this is for any other command
                atexit.register(save)
        entries = _state.entries
    return entries if entries is not _UNSUPPORTED else None


_UNSUPPORTED: Final[dict[_Key, _Entry]] = {}


def _loaded() -> dict[_Key, _Entry]:
    folder = cache_folder()
    if folder is None:
        return _UNSUPPORTED
    try:
        data = cache_file(folder).read_bytes()
        head = len(_MAGIC) + _DIGEST_BYTES
        if not data.startswith(_MAGIC) or len(data) < head:
            return {}
        digest, payload = data[len(_MAGIC) : head], data[head:]
        if hashlib.sha256(payload).digest() != digest:
            return {}
        return _decoded(payload)
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return {}
    except MemoryError:  # a batch file's worker under --memory-limit: compiled without it
        return {}


def _encoded(entries: dict[_Key, _Entry]) -> bytes:
    """A JSON line of the patterns, their flags and groups, then every program as unsigned
    integers of the engine's code size, one after the other."""
    programs = array(_CODE_TYPE)
    index = []
    for (pattern, flags), (final, program, groups, groupindex, indexgroup) in entries.items():
        index.append([pattern, flags, final, len(program), groups, groupindex, indexgroup])
        programs.extend(program)
    return json.dumps(index, ensure_ascii=False).encode() + b"\n" + programs.tobytes()


def _decoded(payload: bytes) -> dict[_Key, _Entry]:
    line = payload.index(b"\n")
    programs = array(_CODE_TYPE)
    programs.frombytes(payload[line + 1 :])
    entries: dict[_Key, _Entry] = {}
    start = 0
    for pattern, flags, final, length, groups, groupindex, indexgroup in json.loads(payload[:line]):
        program = programs[start : start + length]
        start += length
        entries[(pattern, flags)] = (final, program, groups, groupindex, tuple(indexgroup))
    if start != len(programs):
        raise ValueError("programs left over")
    return entries


def _supported() -> bool:
    if sys.implementation.name != "cpython" or not _engine_magic():
        return False
    return getattr(_sre, "CODESIZE", None) == array(_CODE_TYPE).itemsize == _CODE_BYTES


def _engine_magic() -> str:
    magic = getattr(_sre, "MAGIC", None)
    return "" if magic is None else str(magic)


def _built(pattern: str, entry: _Entry) -> re.Pattern[str] | None:
    """The pattern from its cached program (None: the engine refuses it)."""
    try:
        final, program, groups, groupindex, indexgroup = entry
        code = program if isinstance(program, list) else program.tolist()
        return _sre.compile(  # type: ignore[no-any-return]
            pattern, final, code, groups, groupindex, indexgroup
        )
    except Exception:  # an entry this engine does not take: compiled anew
        return None


def _made(pattern: str, flags: int) -> tuple[re.Pattern[str], _Entry] | None:
    """The pattern compiled as ``re._compiler.compile`` does, with what the cache keeps of it
    (None: this Python's ``re`` internals are not the ones known here).  Raises ``re.error``."""
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern, flags)
        program = [int(op) for op in _compiler._code(parsed, flags)]
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        entry: _Entry = (
            int(flags | parsed.state.flags),
            program,
            parsed.state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
        compiled: re.Pattern[str] = _sre.compile(pattern, *entry)
    except re.error:
        raise
    except Exception:  # internals of another Python: re.compile
        return None
    return compiled, entry
