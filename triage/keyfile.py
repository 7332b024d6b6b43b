"""The ``--redact`` key file: one secret kept between runs, so ``ID-`` tokens match run to run.

Format: UTF-8 text; lines starting with ``#`` and blank lines are ignored; the one remaining line
is the key in hexadecimal (at least 16 bytes, i.e. 32 hex digits). A file created by the tool
holds one comment line and 32 random bytes (64 hex digits)::

    # prolactin-triage --redact key: keep it secret (...)
    3f0c...e9

The file is created on first use with mode 0600 (its missing folders 0700), atomically: it is
written under a temporary name and linked into place with O_EXCL semantics, so two first runs
racing each other end up with the same key (the loser reads the winner's file). A key file that
group or others may read or write (``mode & 0o077``), that is not a regular file, or whose content
is not a valid key is refused with a one-line error (exit 2). The key itself is never logged or
put in a message. No pandas here: the CLI imports this before any triage work.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
import time
from pathlib import Path
from typing import Final

from triage.schema import ConfigError

log = logging.getLogger(__name__)

KEY_BYTES: Final = 32  # what a new key file holds
MIN_KEY_BYTES: Final = 16  # the shortest key accepted from a file
MAX_FILE_BYTES: Final = 4096  # a key file is a few lines; anything bigger is not one
FILE_MODE: Final = 0o600
DIR_MODE: Final = 0o700
KEY_FILE_NAME: Final = "redact.key"
APP_DIR: Final = "prolactin-triage"
HEADER: Final = (
    "# prolactin-triage --redact key: keep it secret (same key, same ID- tokens across runs)\n"
)
_RACE_WAIT_SECONDS: Final = 2.0  # how long the loser of a race waits for the winner's content


class KeyFileError(ConfigError):
    """A --redact key file that cannot be used (exit 2; names the file, never shows the key)."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(str(path), message)


def default_key_path() -> Path:
    """``$XDG_CONFIG_HOME/prolactin-triage/redact.key`` (``~/.config`` when unset or relative,
    as the XDG spec says)."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    folder = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return folder / APP_DIR / KEY_FILE_NAME


def load_or_create_key(path: Path, *, dir_mode: int = DIR_MODE) -> bytes:
    """The key held in ``path``, created with a new random key on first use.

    Missing folders are created with ``dir_mode`` (0700; batch passes 0750 for a state folder
    shared with a group); an existing folder is kept as is. Raises KeyFileError.
    """
    path = path.expanduser()
    tried_to_create = False
    deadline = time.monotonic() + _RACE_WAIT_SECONDS
    while True:
        try:
            return _read_key(path, allow_empty=time.monotonic() < deadline)
        except _Empty:
            time.sleep(0.05)  # a racing first run (without hard links) is still writing it
        except FileNotFoundError:
            if tried_to_create:
                message = "the --redact key file vanished as it was created"
                raise KeyFileError(path, message) from None
            tried_to_create = True
            _make_dirs(path.parent, dir_mode)
            if _create(path):
                log.info("created the --redact key file %s", path)


class _Empty(Exception):
    """The file is empty (maybe still being written by a racing first run)."""


def _read_key(path: Path, *, allow_empty: bool = False) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise  # the caller creates it
    except OSError as exc:
        raise KeyFileError(path, f"cannot read the --redact key file ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise KeyFileError(path, "the --redact key file is not a regular file")
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            raise KeyFileError(
                path,
                f"the --redact key file may be read or written by others (mode {mode:04o}); "
                f"make it private with: chmod 600 {path}",
            )
        raw = os.read(fd, MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise KeyFileError(path, f"cannot read the --redact key file ({exc.strerror})") from None
    finally:
        os.close(fd)
    if not raw and allow_empty:
        raise _Empty
    return _parse(path, raw)


def _parse(path: Path, raw: bytes) -> bytes:
    if len(raw) > MAX_FILE_BYTES:
        raise KeyFileError(path, f"not a --redact key file (over {MAX_FILE_BYTES} bytes)")
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise KeyFileError(path, "not a --redact key file (not hexadecimal text)") from None
    lines = [s.strip() for s in text.splitlines()]
    keys = [s for s in lines if s and not s.startswith("#")]
    if not keys:
        raise KeyFileError(path, "the --redact key file holds no key (it is empty)")
    if len(keys) > 1:
        raise KeyFileError(path, "not a --redact key file (more than one key line)")
    try:
        key = bytes.fromhex(keys[0])
    except ValueError:
        raise KeyFileError(path, "not a --redact key file (the key is not hexadecimal)") from None
    if len(key) < MIN_KEY_BYTES:
        raise KeyFileError(
            path,
            f"the --redact key is too short ({len(key)} bytes; at least {MIN_KEY_BYTES}, "
            f"i.e. {2 * MIN_KEY_BYTES} hex digits)",
        )
    return key


def _make_dirs(folder: Path, mode: int) -> None:
    missing: list[Path] = []
    current = folder
    while not current.exists() and not current.is_symlink() and current.parent != current:
        missing.append(current)
        current = current.parent
    for each in reversed(missing):
        try:
            each.mkdir(mode=mode)
        except FileExistsError:
            continue
        except OSError as exc:
            raise KeyFileError(
                each, f"cannot create the folder of the --redact key file ({exc.strerror})"
            ) from None
        with contextlib.suppress(OSError):
            each.chmod(mode)  # mkdir's mode is filtered by the umask


def _create(path: Path) -> bool:
    """Write a new key to ``path`` unless it exists; True when this call created it."""
    content = (HEADER + secrets.token_hex(KEY_BYTES) + "\n").encode("ascii")
    temp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    try:
        _write_new(temp, content)
        try:
            os.link(temp, path)  # appears whole, or not at all when a racing run won
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: create in place instead
            try:
                _write_new(path, content)
            except FileExistsError:
                return False
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        raise KeyFileError(path, f"cannot create the --redact key file ({exc.strerror})") from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def _write_new(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # the umask may have removed the owner's bits
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)
