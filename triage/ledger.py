"""The batch ledger: which inbox files were triaged, failed, or are being triaged.

A SQLite database (WAL journal, one transaction per state change), keyed by the file's content
(SHA-256).  A file is in one state at a time:

- ``processing``: claimed by a run, with the output folder it will publish; a run killed after
  publishing that folder but before recording it leaves this state behind, and the next run adopts
  the folder instead of triaging the file again;
- ``done``: triaged; the same content dropped in again (under any name) is a duplicate;
- ``failed``: unusable, with the reason; the same content dropped in again is tried again.

Every change is also appended to ``events`` (what happened, when), so the history of a file can be
read back.  The ledger holds file names, hashes, output folder names and error messages, never
cell values: the readers' messages name columns and rows, not their contents.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final, Literal

from triage.schema import TriageError

SCHEMA_VERSION: Final = 1
LedgerState = Literal["processing", "done", "failed"]
STATES: Final[tuple[LedgerState, ...]] = ("processing", "done", "failed")

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS files (
    sha256     TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('processing', 'done', 'failed')),
    output     TEXT,
    error      TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    announced  INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS files_state ON files (state, announced);
CREATE INDEX IF NOT EXISTS files_name ON files (name);
CREATE TABLE IF NOT EXISTS events (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    name   TEXT NOT NULL,
    event  TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS events_key ON events (sha256, name, event);
"""
_ENTRY_COLUMNS: Final = "sha256, name, state, output, error, attempts, first_seen, updated_at"


def _create_private(path: Path, mode: int) -> None:
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))
    with contextlib.suppress(OSError):
        path.chmod(mode)  # the umask may have removed bits; never adds any


class LedgerError(TriageError):
    """The ledger is damaged or of a newer version (exit 3, named, never a traceback)."""

    exit_code = 3


class LedgerUnwritableError(LedgerError):
    """The ledger cannot be created, opened or written (permissions, a read-only or full file
    system): the set-up's error (exit 2, as an output folder that cannot be written), never
    called damaged (moving a sound ledger aside would triage every file again)."""

    exit_code = 2
    environmental = True


# SQLite's errors of the surroundings, not of the file's content (sqlite3 errors'
# ``sqlite_errorname``, e.g. SQLITE_READONLY_DIRECTORY, SQLITE_IOERR_WRITE).
_UNWRITABLE_SQLITE: Final = (
    "SQLITE_READONLY",
    "SQLITE_CANTOPEN",
    "SQLITE_PERM",
    "SQLITE_FULL",
    "SQLITE_IOERR",
    "SQLITE_AUTH",
)


def _unwritable(exc: sqlite3.Error) -> bool:
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    return name.startswith(_UNWRITABLE_SQLITE)


def _unwritable_message(path: Path, exc: sqlite3.Error) -> str:
    """Why the surroundings refuse the ledger, in the words of the file system, never SQLite's
    ("disk I/O error", "attempt to write a readonly database"; review 28): a full disk (SQLite
    says "disk I/O error" when the journal cannot grow on a full tmpfs, "database or disk is
    full" when the database cannot), a read-only file or folder, else the error of the
    device."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    folder = path.parent
    if name.startswith("SQLITE_FULL") or _disk_full(folder):
        why = "no space left on device: the disk of its folder is full; free space there"
    elif not os.access(folder, os.W_OK | os.X_OK) or (
        path.exists() and not os.access(path, os.W_OK)
    ):
        why = "the file or its folder is read-only for this user; check the permissions"
    elif name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")):
        why = "the file system refuses writing (read-only?); check the mount and the permissions"
    else:
        why = "the device reported an error; check the disk, its free space and permissions"
    return f"cannot write the batch ledger {path}: {why}"


# Below this many free bytes the ledger cannot write a page of its journal and its index: the
# disk is full for it (SQLite then says "disk I/O error" as often as "disk is full").
_LEDGER_FREE_BYTES: Final = 64 * 1024


def _disk_full(folder: Path) -> bool:
    try:
        info = os.statvfs(folder)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False
    return info.f_bavail * info.f_frsize < _LEDGER_FREE_BYTES


@dataclass(frozen=True)
class Entry:
    sha256: str
    name: str
    state: LedgerState
    output: str | None
    error: str | None
    attempts: int
    first_seen: str
    updated_at: str


class Ledger:
    """One open ledger database; use as a context manager (closes the connection)."""

    def __init__(self, path: Path, *, file_mode: int = 0o600) -> None:
        self.path = path
        try:
            _create_private(path, file_mode)  # SQLite's journal files copy the database's mode
        except OSError as exc:
            raise LedgerUnwritableError(
                f"cannot create the batch ledger {path}: {exc.strerror or exc}"
            ) from None
        try:
            self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
        except sqlite3.Error as exc:
            raise LedgerUnwritableError(f"cannot open the batch ledger {path}: {exc}") from None
        try:
            self._prepare()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            if _unwritable(exc):
                raise LedgerUnwritableError(_unwritable_message(path, exc)) from None
            raise LedgerError(
                f"the batch ledger {path} is damaged ({exc}); move it aside to start a new one "
                "(files already triaged would then be triaged again)"
            ) from None

    def _prepare(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(
                f"written by a newer version of the tool (schema {version}, this one knows "
                f"{SCHEMA_VERSION})"
            )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        if version == 0:
            self._db.executescript(_SCHEMA)  # idempotent (IF NOT EXISTS); commits by itself
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        self._db.execute("SELECT count(*) FROM files").fetchone()  # a damaged file fails here

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write; a write the surroundings refuse (a full or read-only file system, an I/O
        error) is LedgerUnwritableError (environmental: the batch defers the file and stops),
        never an unclassified error reported as a bug."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back itself
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if not _unwritable(exc):
                raise
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise LedgerUnwritableError(_unwritable_message(self.path, exc)) from None

    def _select(self, where: str = "", params: tuple[str, ...] = ()) -> list[Entry]:
        """The entries the SQL condition ``where`` selects (all without one), oldest first."""
        condition = f" WHERE {where}" if where else ""
        # only the fixed conditions of this class reach here; values are always parameters
        query = f"SELECT {_ENTRY_COLUMNS} FROM files{condition} ORDER BY updated_at"  # noqa: S608
        return [Entry(*row) for row in self._db.execute(query, params)]

    def get(self, sha256: str) -> Entry | None:
        found = self._select("sha256 = ?", (sha256,))
        return found[0] if found else None

    def entries(self, state: LedgerState | None = None) -> list[Entry]:
        return self._select("state = ?", (state,)) if state else self._select()

    def done_under_name(self, name: str, other_than: str) -> list[Entry]:
        """Other contents triaged under this file name (earlier versions of the file)."""
        return self._select("state = 'done' AND name = ? AND sha256 != ?", (name, other_than))

    def claim(self, sha256: str, name: str, output: str, at: datetime) -> None:
        """Record that this run triages the file into ``output`` (not yet published)."""
        stamp = at.isoformat()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO files (sha256, name, state, output, error, attempts, first_seen, "
                "updated_at) VALUES (?, ?, 'processing', ?, NULL, 1, ?, ?) "
                "ON CONFLICT (sha256) DO UPDATE SET name = excluded.name, state = 'processing', "
                "output = excluded.output, error = NULL, attempts = files.attempts + 1, "
                "updated_at = excluded.updated_at",
                (sha256, name, output, stamp, stamp),
            )
            self._event(db, stamp, sha256, name, "claimed", output)

    def mark_done(self, sha256: str, at: datetime, *, event: str = "done") -> None:
        self._set(sha256, "done", None, at, event)

    def mark_announced(self, sha256: str) -> None:
        """What the file's triage found (its urgent results) was printed."""
        with self._transaction() as db:
            db.execute("UPDATE files SET announced = 1 WHERE sha256 = ?", (sha256,))

    def unannounced(self) -> list[Entry]:
        """Files triaged whose findings were never printed (the run was killed in between)."""
        return self._select("state = 'done' AND announced = 0")

    def mark_failed(self, sha256: str, name: str, error: str, at: datetime) -> None:
        stamp = at.isoformat()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO files (sha256, name, state, output, error, attempts, first_seen, "
                "updated_at) VALUES (?, ?, 'failed', NULL, ?, 1, ?, ?) "
                "ON CONFLICT (sha256) DO UPDATE SET name = excluded.name, state = 'failed', "
                "output = NULL, error = excluded.error, updated_at = excluded.updated_at",
                (sha256, name, error, stamp, stamp),
            )
            self._event(db, stamp, sha256, name, "failed", error)

    def release(self, sha256: str, at: datetime, why: str) -> None:
        """Forget an unfinished claim (the file changed, or its folder was never published)."""
        stamp = at.isoformat()
        with self._transaction() as db:
            row = db.execute("SELECT name, state FROM files WHERE sha256 = ?", (sha256,)).fetchone()
            if row is None:
                return
            if row[1] == "processing":
                db.execute("DELETE FROM files WHERE sha256 = ?", (sha256,))
            self._event(db, stamp, sha256, row[0], "released", why)

    def note(self, sha256: str, name: str, event: str, detail: str, at: datetime) -> None:
        with self._transaction() as db:
            self._event(db, at.isoformat(), sha256, name, event, detail)

    def has_event(self, sha256: str, name: str, event: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM events WHERE sha256 = ? AND name = ? AND event = ? LIMIT 1",
            (sha256, name, event),
        ).fetchone()
        return row is not None

    def events(self, sha256: str | None = None) -> list[tuple[str, str, str, str, str | None]]:
        query = "SELECT at, sha256, name, event, detail FROM events"
        params: tuple[str, ...] = ()
        if sha256:
            query += " WHERE sha256 = ?"
            params = (sha256,)
        return list(self._db.execute(query + " ORDER BY id", params))

    def _set(
        self, sha256: str, state: LedgerState, error: str | None, at: datetime, event: str
    ) -> None:
        stamp = at.isoformat()
        with self._transaction() as db:
            row = db.execute("SELECT name FROM files WHERE sha256 = ?", (sha256,)).fetchone()
            if row is None:
                raise LedgerError(f"the batch ledger {self.path} has no entry {sha256[:12]}")
            db.execute(
                "UPDATE files SET state = ?, error = ?, updated_at = ? WHERE sha256 = ?",
                (state, error, stamp, sha256),
            )
            self._event(db, stamp, sha256, row[0], event, None)

    @staticmethod
    def _event(
        db: sqlite3.Connection, at: str, sha256: str, name: str, event: str, detail: str | None
    ) -> None:
        db.execute(
            "INSERT INTO events (at, sha256, name, event, detail) VALUES (?, ?, ?, ?, ?)",
            (at, sha256, name, event, detail),
        )

    def import_done(self, items: dict[str, str], at: datetime) -> int:
        """Adopt ``sha256 -> name`` of files an older (JSON) ledger recorded as triaged."""
        stamp = at.isoformat()
        added = 0
        with self._transaction() as db:
            for sha256, name in items.items():
                cursor = db.execute(
                    "INSERT OR IGNORE INTO files (sha256, name, state, output, error, attempts, "
                    "announced, first_seen, updated_at) VALUES (?, ?, 'done', NULL, NULL, 1, 1, "
                    "?, ?)",
                    (sha256, name, stamp, stamp),
                )
                if cursor.rowcount:
                    added += 1
                    self._event(db, stamp, sha256, name, "imported", "from the JSON ledger")
        return added
