"""Whole-or-nothing file writes.

Every file goes to a temporary name in its final folder (created with ``O_CREAT | O_EXCL`` and mode
0600), is flushed and fsync'd, and is renamed into place with ``os.replace``.  ``AtomicFileSet``
does this for a set of files: nothing is renamed until every file of the set was written, and a
failure while renaming puts the earlier files of the set back as they were.  On any exception the
temporary files are removed.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, TextIO

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
TEMP_SUFFIX = ".tmp"
_BACKUP_SUFFIX = ".bak"
_OPEN_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents with mode 0700; an existing folder is kept as is."""
    missing: list[Path] = []
    current = path
    while not current.exists() and not current.is_symlink():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            continue
        _chmod(folder, PRIVATE_DIR_MODE)  # mkdir's mode is filtered by the umask
    if not path.is_dir():
        raise NotADirectoryError(f"{path} is not a folder")
    return path


def _chmod(path: Path, mode: int) -> None:
    with contextlib.suppress(OSError, NotImplementedError):
        path.chmod(mode)


def _temp_name(final: Path, suffix: str) -> Path:
    return final.with_name(f".{final.name}.{secrets.token_hex(6)}{suffix}")


def open_private_temp(final: Path, suffix: str = TEMP_SUFFIX) -> tuple[Path, int]:
    """Create a new, empty temporary file beside ``final`` with mode 0600: (its path, its fd)."""
    while True:
        temp = _temp_name(final, suffix)
        try:
            fd = os.open(temp, _OPEN_FLAGS, PRIVATE_FILE_MODE)
        except FileExistsError:  # pragma: no cover - 48 random bits collided
            continue
        if hasattr(os, "fchmod"):
            os.fchmod(fd, PRIVATE_FILE_MODE)  # the umask may have removed bits; never adds any
        return temp, fd


def fsync_dir(folder: Path) -> None:
    """Make renames in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


class AtomicFileSet:
    """Files written to private temporary names and renamed into place together.

    ``with AtomicFileSet(folder) as files: ...; files.commit()`` — leaving the block without
    ``commit()`` (or with an exception) removes every temporary file and touches no final file.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._pending: list[tuple[Path, Path]] = []  # (temp, final)
        self._committed = False

    def __enter__(self) -> AtomicFileSet:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._committed:
            self.abort()

    @property
    def names(self) -> list[str]:
        """Final names of the files staged so far, in the order they were opened."""
        return [final.name for _, final in self._pending]

    def _final(self, name: str) -> Path:
        if not name or Path(name).name != name or name in {".", ".."}:
            raise ValueError(f"not a plain file name: {name!r}")
        if name in self.names:
            raise ValueError(f"{name!r} is already part of this set")
        return self.folder / name

    @contextlib.contextmanager
    def open_binary(self, name: str) -> Iterator[BinaryIO]:
        """A binary handle on the temporary file that becomes ``name`` on commit."""
        if self._committed:
            raise RuntimeError("this set was already committed")
        final = self._final(name)
        temp, fd = open_private_temp(final)
        self._pending.append((temp, final))  # registered first: abort() removes it whatever happens
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())

    @contextlib.contextmanager
    def open_text(self, name: str, *, encoding: str = "utf-8") -> Iterator[TextIO]:
        """A text handle (no newline translation) on the file that becomes ``name``."""
        with self.open_binary(name) as raw:
            text = io.TextIOWrapper(raw, encoding=encoding, newline="", write_through=False)
            try:
                yield text
                text.flush()
            finally:
                text.detach()

    def write_bytes(self, name: str, data: bytes) -> None:
        with self.open_binary(name) as handle:
            handle.write(data)

    def write_text(self, name: str, text: str, *, encoding: str = "utf-8") -> None:
        self.write_bytes(name, text.encode(encoding))

    def commit(self) -> list[Path]:
        """Rename every temporary file into place; on failure restore the earlier state."""
        if self._committed:
            raise RuntimeError("this set was already committed")
        existed = {final for _, final in self._pending if final.exists()}
        backups = self._back_up_existing()
        done: list[Path] = []
        try:
            for temp, final in self._pending:
                temp.replace(final)
                done.append(final)
        except BaseException:
            self._roll_back(done, backups, existed)
            self.abort()
            raise
        for backup in backups.values():
            _unlink_quietly(backup)
        fsync_dir(self.folder)
        self._committed = True
        return [final for _, final in self._pending]

    def _back_up_existing(self) -> dict[Path, Path]:
        """Hard links to the final files that exist now, so that a failed commit can undo."""
        backups: dict[Path, Path] = {}
        for _, final in self._pending:
            if not final.is_file() or final.is_symlink():
                continue
            backup = _temp_name(final, _BACKUP_SUFFIX)
            try:
                os.link(final, backup)
            except OSError:
                continue  # no hard links here: this file cannot be restored, the rest can
            backups[final] = backup
        return backups

    @staticmethod
    def _roll_back(done: list[Path], backups: dict[Path, Path], existed: set[Path]) -> None:
        for final in done:
            backup = backups.pop(final, None)
            if backup is not None:
                with contextlib.suppress(OSError):
                    backup.replace(final)
            elif final not in existed:
                _unlink_quietly(final)
        for backup in backups.values():
            _unlink_quietly(backup)

    def abort(self) -> None:
        """Remove every temporary file of the set (final files are not touched)."""
        for temp, _ in self._pending:
            _unlink_quietly(temp)
        self._pending.clear()


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write one file whole or not at all (mode 0600)."""
    with AtomicFileSet(path.parent) as files:
        files.write_bytes(path.name, data)
        files.commit()
    return path
