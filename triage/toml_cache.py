"""The parsed data files, kept between runs.

``tomllib`` parses in Python: the bundled vocabularies (synonyms.toml, drugs.toml, cues.toml,
thresholds.toml, well over a megabyte together) took about half a second of every process
(``check``, ``run``, a cron job's child) before a row was read.  ``loads`` keeps what a large
document parses to as JSON in the cache folder of ``regex_cache`` (``PROLACTIN_TRIAGE_CACHE``;
``off`` keeps nothing), found by the SHA-256 of the document's text, so an edited file is simply
parsed anew.  Only documents that JSON holds exactly are kept (strings, integers, floats,
booleans, lists and tables: no dates, no NaN); anything unexpected (an unreadable or altered
entry, a folder that cannot be written) falls back to ``tomllib`` without a word: the cache
changes how fast a document is read, never what it holds.

Only data and configuration files pass through here, never an export.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any, Final

from triage.regex_cache import cache_folder

_PREFIX: Final = "toml-"
# Smaller documents parse in about the time reading their entry takes: not kept.
_SMALLEST_KEPT: Final = 16 * 1024
# Entries kept at most (the newest): each edit of a data file leaves its old entry behind.
_MOST_KEPT: Final = 16
# An entry's keys: the SHA-256 of the document's text, and what the text parses to.
_TEXT: Final = "sha256"
_PARSE: Final = "toml"


def loads(text: str) -> dict[str, Any]:
    """``tomllib.loads(text)`` (raising its ``TOMLDecodeError`` alike), from the cache when it
    holds this text's parse."""
    folder = cache_folder() if len(text) >= _SMALLEST_KEPT else None
    if folder is None:
        return tomllib.loads(text)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    entry = folder / f"{_PREFIX}{digest}.json"
    try:
        kept = json.loads(entry.read_bytes())
    except (OSError, ValueError):
        kept = None
    # an entry names the text it holds the parse of: anything else found there (another
    # program's file, an older layout, an entry altered by hand) is not used
    if isinstance(kept, dict) and kept.get(_TEXT) == digest and isinstance(kept.get(_PARSE), dict):
        parse: dict[str, Any] = kept[_PARSE]
        return parse
    parsed = tomllib.loads(text)
    _save(folder, entry, {_TEXT: digest, _PARSE: parsed})
    return parsed


def load(path: Path) -> dict[str, Any]:
    """``tomllib.load`` of the file at ``path`` (UTF-8, as TOML is), through ``loads``."""
    return loads(path.read_bytes().decode("utf-8"))


def _save(folder: Path, entry: Path, parsed: dict[str, Any]) -> None:
    """Keep the entry ``parsed`` when JSON gives it back as it is (atomically: a temporary file
    renamed)."""
    try:
        payload = json.dumps(parsed, ensure_ascii=False, allow_nan=False).encode("utf-8")
        if json.loads(payload) != parsed:  # pragma: no cover - JSON holds TOML's other types
            return
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".toml-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(payload)
            Path(temporary).replace(entry)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        entries = sorted(folder.glob(f"{_PREFIX}*.json"), key=_modified, reverse=True)
        for stale in entries[_MOST_KEPT:]:
            stale.unlink(missing_ok=True)
    except (OSError, TypeError, ValueError):  # not kept (a date, NaN; no folder): parsed anew
        return


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
