"""Whole-or-nothing file writes.

Every file goes to a temporary name in its final folder (created with ``O_CREAT | O_EXCL`` and mode
0600), is flushed and fsync'd, and is renamed into place with ``os.replace``.  ``AtomicFileSet``
does this for a set of files: nothing is renamed until every file of the set was written, and a
failure while renaming puts the earlier files of the set back as they were.  On any exception the
temporary files are removed.

Modes: files 0600 and new folders 0700 whatever the umask; with ``group_readable`` 0640 and 0750
(``file_mode`` / ``dir_mode``).  Never world-readable.

A process killed while writing (SIGKILL, power loss) cannot remove its temporary files: they keep
the names ``.<final name>.<12 hex digits>.tmp`` (and ``.bak`` for the hard-link backups taken
during a commit).  ``leftovers`` finds them and ``remove_leftovers`` deletes them; call it only
while holding the folder's lock, so that another live run's temporary files are not taken.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
from collections.abc import Collection, Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, TextIO

from triage.faults import checkpoint

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
GROUP_FILE_MODE = 0o640
GROUP_DIR_MODE = 0o750
TEMP_SUFFIX = ".tmp"
_BACKUP_SUFFIX = ".bak"
_TOKEN_BYTES = 6  # 12 hex digits in a temporary name
# The one definition of the names this module gives its temporary and backup files.
_LEFTOVER = re.compile(
    rf"^\.(?P<final>.+)\.[0-9a-f]{{{2 * _TOKEN_BYTES}}}"
    rf"(?:{re.escape(TEMP_SUFFIX)}|{re.escape(_BACKUP_SUFFIX)})$"
)
_OPEN_FLAGS = (  # read and write: results.json's lines may be moved back out of it
    os.O_RDWR
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def file_mode(group_readable: bool = False) -> int:
    """The mode of every file written: 0600, or 0640 for a folder shared with a group."""
    return GROUP_FILE_MODE if group_readable else PRIVATE_FILE_MODE


def dir_mode(group_readable: bool = False) -> int:
    """The mode of every folder created: 0700, or 0750 for a folder shared with a group."""
    return GROUP_DIR_MODE if group_readable else PRIVATE_DIR_MODE


def ensure_private_dir(path: Path, *, group_readable: bool = False) -> Path:
    """Create ``path`` and its missing parents with mode 0700 (0750 with ``group_readable``)
    whatever the umask; an existing folder is kept as is."""
    make_private_dirs(path, group_readable=group_readable)
    return path


def make_private_dirs(path: Path, *, group_readable: bool = False) -> list[Path]:
    """As ``ensure_private_dir``; returns the folders it created, outermost first."""
    mode = dir_mode(group_readable)
    created: list[Path] = []
    missing: list[Path] = []
    current = path
    while not current.exists() and not current.is_symlink():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=mode)
        except FileExistsError:
            continue
        created.append(folder)
        _chmod(folder, mode)  # mkdir's mode is filtered by the umask
    if not path.is_dir():
        raise NotADirectoryError(f"{path} is not a folder")
    return created


def _chmod(path: Path, mode: int) -> None:
    with contextlib.suppress(OSError, NotImplementedError):
        path.chmod(mode)


def _temp_name(final: Path, suffix: str) -> Path:
    return final.with_name(f".{final.name}.{secrets.token_hex(_TOKEN_BYTES)}{suffix}")


def is_leftover(name: str, finals: Collection[str] | None = None) -> bool:
    """Whether ``name`` is a temporary or backup file of this module (of one of ``finals``)."""
    match = _LEFTOVER.match(name)
    return match is not None and (finals is None or match.group("final") in finals)


def leftovers(folder: Path, finals: Collection[str] | None = None) -> list[Path]:
    """Temporary and backup files in ``folder`` (of the final names ``finals``, when given)."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    return sorted(
        folder / entry.name
        for entry in entries
        if is_leftover(entry.name, finals) and not entry.is_dir(follow_symlinks=False)
    )


def remove_leftovers(folder: Path, finals: Collection[str] | None = None) -> list[Path]:
    """Delete what ``leftovers`` finds (call it holding the folder's lock); returns them."""
    found = leftovers(folder, finals)
    for path in found:
        _unlink_quietly(path)
    return found


def open_private_temp(
    final: Path, suffix: str = TEMP_SUFFIX, *, mode: int = PRIVATE_FILE_MODE
) -> tuple[Path, int]:
    """Create a new, empty temporary file beside ``final`` with ``mode`` (0600): (path, fd)."""
    while True:
        temp = _temp_name(final, suffix)
        try:
            fd = os.open(temp, _OPEN_FLAGS, mode)
        except FileExistsError:  # pragma: no cover - 48 random bits collided
            continue
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)  # the umask may have removed bits
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
    Files are 0600 (0640 with ``group_readable``).  A name is a plain file name, or
    "sub/name" for one of the (existing) ``subfolders`` given.
    """

    def __init__(
        self, folder: Path, *, group_readable: bool = False, subfolders: Collection[str] = ()
    ) -> None:
        self.folder = folder
        self.mode = file_mode(group_readable)
        self.subfolders = frozenset(subfolders)
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
        """Final names of the files staged so far, in the order they were opened ("sub/name"
        for a file in a subfolder)."""
        return [final.relative_to(self.folder).as_posix() for _, final in self._pending]

    def _final(self, name: str) -> Path:
        """A plain file name, or "sub/name" for a file in one of the set's subfolders."""
        parts = name.split("/")
        if (
            (len(parts) == 2 and parts[0] not in self.subfolders)
            or len(parts) > 2
            or any(not p or Path(p).name != p or p in {".", ".."} for p in parts)
        ):
            raise ValueError(f"not a plain file name: {name!r}")
        if name in self.names:
            raise ValueError(f"{name!r} is already part of this set")
        return self.folder.joinpath(*parts)

    @contextlib.contextmanager
    def open_binary(self, name: str) -> Iterator[BinaryIO]:
        """A binary handle on the temporary file that becomes ``name`` on commit."""
        if self._committed:
            raise RuntimeError("this set was already committed")
        final = self._final(name)
        temp, fd = open_private_temp(final, mode=self.mode)
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

    def commit(self, *, fault_point: str | None = None) -> list[Path]:
        """Rename every temporary file into place; on failure restore the earlier state.

        The rollback covers exceptions only: a process killed while renaming leaves the folder
        mixed (and ``.bak`` links behind).  ``fault_point``: a ``triage.faults`` checkpoint name
        passed after the first rename (fault-injection tests).
        """
        if self._committed:
            raise RuntimeError("this set was already committed")
        existed = {final for _, final in self._pending if final.exists()}
        backups = self._back_up_existing()
        done: list[Path] = []
        try:
            for temp, final in self._pending:
                temp.replace(final)
                done.append(final)
                if fault_point is not None and len(done) == 1:
                    checkpoint(fault_point)
        except BaseException:
            self._roll_back(done, backups, existed)
            self.abort()
            raise
        for backup in backups.values():
            _unlink_quietly(backup)
        for folder in dict.fromkeys(final.parent for _, final in self._pending):
            if folder != self.folder:
                fsync_dir(folder)
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


def atomic_write_bytes(path: Path, data: bytes, *, group_readable: bool = False) -> Path:
    """Write one file whole or not at all (mode 0600, or 0640 with ``group_readable``)."""
    with AtomicFileSet(path.parent, group_readable=group_readable) as files:
        files.write_bytes(path.name, data)
        files.commit()
    return path
