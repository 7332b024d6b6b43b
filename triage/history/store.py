"""The results history: every triaged result of every run, in SQLite or PostgreSQL.

One code path for both (SQLAlchemy Core).  A location is a path (an SQLite file, created 0600,
WAL journal so that readers such as ``history show`` never wait for a run that writes) or a
database URL (``postgresql://user@host/db``; the ``[postgresql]`` extra brings the driver).

A run writes in one transaction (``HistoryRun``): the run's results appear all at once when the
run has published its reports, or not at all (a killed run leaves the history as it was).  A
result is keyed by its provenance (the file's SHA-256, sheet and row) and, where the collection
time is known, by patient, collection time and value (without one: by patient, visit label,
value and unit, one to one: ``_held_undated``): the same file run again, or a later export that
repeats last month's rows or a cohort's visits, adds nothing, and another visit of the same
value is another result.

The schema is versioned (``schema_info``) and migrated forward on open; a history written by a
newer version of the tool is refused rather than damaged.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from triage.columns import visit_key
from triage.history import HistoryError, ResultNotFoundError, check_database
from triage.io.identifiers import identifier_key
from triage.schema import (
    PRELIMINARY,
    PRIORITIES,
    RESULT_COLUMNS,
    SUPERSEDED,
    SUPERSEDES,
    WITHDRAWS,
    Rejected,
    Withdrawal,
)

SCHEMA_VERSION: Final = 9
ENV_URL: Final = "PROLACTIN_TRIAGE_HISTORY"
# Patient ids per query (SQLite allows 32,766 parameters; smaller statements plan faster).
IDS_PER_QUERY: Final = 500
BUSY_TIMEOUT_S: Final = 30.0
# How long an acknowledgement waits for a run writing to an SQLite history (in busy_timeout
# steps): a nightly batch of a large export holds its transaction for minutes.
ACK_WAIT_S: Final = 900.0
_WAL_RETRY_S: Final = 0.05  # between tries to switch a new SQLite file to WAL
# Earlier results kept per patient on a page (newest first); the history holds them all.
EARLIER_PER_PATIENT: Final = 20

# results.status of a row the run did not triage yet listed with the urgent results
# (Rejected.possibly_urgent: a result without a known unit above the urgent level, an ambiguous
# decimal mark, "above the measuring range" without a number ...): stored with no value and
# priority urgent, so that it is reminded until acknowledged, never an earlier result
NOT_TRIAGED: Final = "not_triaged"

metadata = sa.MetaData()

schema_info = sa.Table(
    "schema_info",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("tool_version", sa.String(32), nullable=False),
    sa.Column("reference_set", sa.String(128), nullable=False),
    sa.Column("reference_digest", sa.String(64), nullable=False),
    sa.Column("results_added", sa.Integer, nullable=False, server_default="0"),
)

results = sa.Table(
    "results",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
    sa.Column("issuer", sa.String(128), nullable=False, server_default=""),
    sa.Column("patient_id", sa.String(256), nullable=False, server_default=""),
    # the id as matched (triage.io.identifiers.identifier_key: "00123" and "123", "ab12" and
    # "AB12" are one id; birth date and sex still tell two patients apart): what every look-up
    # of a patient's results compares (schema version 6; _migrate_to_6 fills it for older rows)
    sa.Column("patient_key", sa.String(256), nullable=False, server_default=""),
    sa.Column("birth_date", sa.Date),
    # the age in years the input gave (or the birth date gave) at collection: a later row's
    # birth date or age is checked against it (schema version 4; NULL before)
    sa.Column("age_years", sa.Float),
    sa.Column("sex", sa.String(8)),
    sa.Column("specimen_id", sa.String(256)),
    sa.Column("collected_at", sa.DateTime),
    # the UTC offset collected_at was written with ("+01:00"; "" or NULL: none given): two
    # times that both give one are compared as instants (schema version 7; NULL before)
    sa.Column("collected_offset", sa.String(8)),
    # the study visit or time point as the input wrote it ("Visite 2", "V2", "Week 12"): part
    # of the identity of a result without a collection time (schema version 5; NULL before,
    # and for an input without a visit column: the identity without it, _undated_visit)
    sa.Column("visit", sa.Text),
    sa.Column("prolactin_raw", sa.Text),
    sa.Column("unit_raw", sa.String(64)),
    sa.Column("prolactin_value", sa.Float),
    sa.Column("prolactin_unit", sa.String(16)),
    sa.Column("prolactin_ng_ml", sa.Float),
    sa.Column("qualifier", sa.String(2), nullable=False, server_default=""),
    sa.Column("status", sa.String(16)),
    sa.Column("band", sa.String(16)),
    sa.Column("interpretation", sa.String(4)),
    sa.Column("priority", sa.String(16)),
    sa.Column("factors", sa.Text),
    sa.Column("suggestions", sa.Text),
    sa.Column("reference_set", sa.String(128)),
    # the row's assay as written when no reference set names it: two such methods that both fell
    # to one set (the default) are not compared (delta.other_method; schema version 8)
    sa.Column("unmatched_assay", sa.Text),
    sa.Column("reference_source", sa.String(16)),
    sa.Column("reference_low_ng_ml", sa.Float),
    sa.Column("reference_high_ng_ml", sa.Float),
    sa.Column("trend", sa.String(16)),
    sa.Column("change_pct", sa.Float),
    sa.Column("identity_check", sa.String(32)),
    sa.Column("source_file", sa.Text, nullable=False),
    sa.Column("source_sha256", sa.String(64), nullable=False),
    sa.Column("source_sheet", sa.String(256), nullable=False, server_default=""),
    sa.Column("source_row", sa.Integer, nullable=False),
    sa.Column("tool_version", sa.String(32), nullable=False),
    sa.Column("reference_digest", sa.String(64), nullable=False),
    sa.Column("recorded_at", sa.DateTime, nullable=False),  # UTC
    sa.UniqueConstraint("source_sha256", "source_sheet", "source_row", name="results_provenance"),
    sa.Index("results_patient", "issuer", "patient_id", "collected_at"),
    sa.Index("results_patient_key", "issuer", "patient_key", "collected_at"),
    sa.Index("results_priority", "priority", "recorded_at"),
)

acks = sa.Table(
    "acks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id"), nullable=False),
    sa.Column("acknowledged_by", sa.String(256), nullable=False),
    sa.Column("told", sa.String(256)),
    sa.Column("note", sa.Text),
    sa.Column("at", sa.DateTime, nullable=False),  # UTC
    # the result's priority when it was acknowledged (schema version 4; NULL before): an ack
    # covers that priority and any less pressing one, never a later escalation to urgent
    sa.Column("priority", sa.String(16)),
    sa.Index("acks_result", "result_id"),
)

# Results their lab withdrew after a run recorded them (a later HL7 OBX-11 D/W/X, a result-status
# column saying cancelled, for the same patient and specimen): never listed as urgent again nor
# used as an earlier result; `history show` says so.  Schema version 2.
withdrawals = sa.Table(
    "withdrawals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id"), nullable=False),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
    sa.Column("source_file", sa.Text, nullable=False),  # the file that withdrew it
    sa.Column("source_row", sa.Integer, nullable=False),
    sa.Column("detail", sa.Text, nullable=False),  # the lab's status in words
    sa.Column("at", sa.DateTime, nullable=False),  # UTC
    sa.UniqueConstraint("result_id", name="withdrawals_result"),
)

# Results their lab reported as preliminary (HL7 OBX-11 P, I, R, S left in their file): a final
# result of the same patient and specimen from a later file supersedes them (a withdrawal whose
# detail starts with SUPERSEDED).  Schema version 3.
preliminaries = sa.Table(
    "preliminaries",
    metadata,
    sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id"), primary_key=True),
)
# The columns of a stored result that a run copies from its results frame (the others the run
# itself supplies: ids, issuer, the file's hash, versions and time).
RUN_SUPPLIED: Final = frozenset(
    {
        "id",
        "run_id",
        "issuer",
        "patient_key",
        "source_sha256",
        "tool_version",
        "reference_digest",
        "recorded_at",
    }
)
# The store's own columns, never exported nor shown (patient_key: patient_id as matched).
INTERNAL_COLUMNS: Final = frozenset({"patient_key"})
PUBLIC_COLUMNS: Final[tuple[Any, ...]] = tuple(
    c for c in results.c if c.name not in INTERNAL_COLUMNS
)
FRAME_COLUMNS: Final[tuple[str, ...]] = tuple(
    c.name for c in results.c if c.name not in RUN_SUPPLIED
)


def _provenance_sheet(sheet: str, part: object) -> str:
    """The sheet a result is stored under: its own, or, for a further result of one row (a wide
    file's row of several prolactin columns, each its own result: the results frame's
    ``source_column``, its column's label), the sheet and that label ("Sheet1 · repeat"): the
    cell of the file (source_sha256, source_sheet, source_row) names one stored result, and a
    re-run finds each again."""
    if part is None or not str(part):
        return sheet
    return f"{sheet} · {part}" if sheet else f"· {part}"


# What a later, more pressing judgement of a held result replaces (HistoryRun._raise_held): the
# decision, the last columns of the contract's results (status ... suggestions).
DECISION_COLUMNS: Final = RESULT_COLUMNS[RESULT_COLUMNS.index("status") :]


# ---------------------------------------------------------------------------------------------
# Opening: a path or a URL, the schema brought up to date
# ---------------------------------------------------------------------------------------------
def history_url(location: str | os.PathLike[str]) -> sa.URL:
    """The SQLAlchemy URL of a history location: a database URL as given (``postgresql://``
    uses psycopg), anything else a path to an SQLite file."""
    text = os.fspath(location)
    check_database(text)
    if "://" in text:
        try:
            url = sa.make_url(text)
        except sa.exc.ArgumentError as exc:
            raise HistoryError(f"history: not a database URL ({exc})") from None
        url = url.set(drivername=url.drivername.lower())  # a scheme is case-insensitive
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url
    path = Path(text).expanduser()
    return sa.URL.create("sqlite", database=str(path.resolve()))


def describe(url: sa.URL) -> str:
    """A history as messages show it: an SQLite file by its path (as --history names it), a
    database URL without its password."""
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database
    return url.render_as_string(hide_password=True)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Switching a new file to WAL takes an exclusive lock that SQLite does not wait for
    # (SQLITE_BUSY at once when another run opens the same new history): retried here.
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()
            if mode and str(mode[0]).lower() == "wal":
                break
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if not _locked(exc) or time.monotonic() > deadline:
                raise
            time.sleep(_WAL_RETRY_S)
    cursor.close()


def _locked(exc: BaseException | None) -> bool:
    """SQLite's "database is locked": another connection holds the lock (worth waiting for)."""
    return "locked" in str(exc)


_WRITES: Final = "history_writes"  # execution option of a connection whose transactions write


def _sqlite_begin(conn: Connection) -> None:
    writes = conn.get_execution_options().get(_WRITES, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _create_private(path: Path) -> None:
    """The history file, created empty (0600) on first use, in a folder that must exist: a
    history on a share that is not mounted would otherwise start afresh, unseen, and its
    trends, delta checks and reminders with it."""
    if not path.parent.is_dir():
        raise HistoryError(
            f"history: the folder of {path} does not exist (a share not mounted?): create it "
            "first, or give another --history"
        )
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


_SQLITE_MAGIC: Final = b"SQLite format 3\x00"  # the first bytes of every SQLite database file
_JOURNAL_SUFFIXES: Final = ("-wal", "-shm")  # the files SQLite keeps beside a WAL database
HISTORY_FILE_NAME: Final = "history.db"  # the name suggested for a history in a folder


def check_sqlite_file(path: Path, *, writing: bool) -> None:
    """An SQLite history path that cannot be one, said in one line naming the path and what is
    wrong (exit 3), before SQLite says it in its own words ("unable to open database file",
    "disk I/O error", "file is not a database", "attempt to write a readonly database"): a
    folder, a device, a file this user cannot read (or, for a command that writes, write), a
    file that is not an SQLite database.  A path that does not exist is the caller's (created
    by a run, refused by the reading commands); an empty file is a new history."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise HistoryError(f"history: {path} cannot be reached ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise HistoryError(
            f"history: {path} is a folder, not a history file: give the path of the SQLite "
            f"file (e.g. {path / HISTORY_FILE_NAME})"
        )
    if not stat.S_ISREG(info.st_mode):
        raise HistoryError(
            f"history: {path} is not a regular file (a device, a pipe or a socket): give the "
            "path of the SQLite file"
        )
    if not os.access(path, os.R_OK):
        raise HistoryError(f"history: {path} cannot be read: no read permission for this user")
    if info.st_size:
        try:
            with path.open("rb") as handle:
                head = handle.read(len(_SQLITE_MAGIC))
        except OSError as exc:
            raise HistoryError(f"history: {path} cannot be read ({exc.strerror or exc})") from None
        if head != _SQLITE_MAGIC:
            raise HistoryError(
                f"history: {path} is not a usable database: the file is not an SQLite database "
                "(a results history is the SQLite file that run --history creates; is this the "
                "right path?)"
            )
    if not writing:
        return
    if not os.access(path, os.W_OK):
        raise HistoryError(
            f"history: {path} cannot be written: the file is read-only for this user (or on a "
            "read-only file system), so no result can be recorded in it"
        )
    journal = all(Path(f"{path}{suffix}").exists() for suffix in _JOURNAL_SUFFIXES)
    if not journal and not os.access(path.parent, os.W_OK | os.X_OK):
        raise HistoryError(
            f"history: {path} cannot be written: its folder {path.parent} is read-only for this "
            f"user, and SQLite keeps the history's journal ({path.name}-wal) beside the file"
        )


def _read_only_engine(url: sa.URL, copies: list[Path]) -> Engine:
    """An SQLite history opened for reading only (``history show``, ``export``): it works on a
    read-only mount or copy and never writes (no journal switch, no schema upgrade).

    On a folder this process cannot write, SQLite can make no shared-memory file beside the
    history: a history without a write-ahead journal is then read as it stands (immutable),
    and one with a journal (results committed but not yet copied into the file: a run or an
    ack holding it open, a run killed) is copied with its journal into a private temporary
    folder (appended to ``copies``, removed on close) and read there, never without it (the
    latest results and acknowledgements would be missing, a young history unreadable)."""
    assert url.database, "an SQLite history without a file"
    path = Path(url.database)
    if not path.exists():
        raise HistoryError(f"history: {path} does not exist")
    check_sqlite_file(path, writing=False)
    target = f"file:{quote(str(path))}?mode=ro"
    if not os.access(path.parent, os.W_OK):
        if _journal_size(path) > 0:
            copy = _private_copy(path)
            copies.append(copy.parent)
            target = f"file:{quote(str(copy))}?mode=ro"
        else:
            target += "&immutable=1"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(target, uri=True, timeout=BUSY_TIMEOUT_S)

    engine = sa.create_engine("sqlite://", creator=connect)
    sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


_WAL_SUFFIX: Final = "-wal"
_WAL_HEADER_BYTES: Final = 32  # the journal's header: its salts change when it starts afresh
_COPY_TRIES: Final = 5


class UnreadableHistoryError(HistoryError):
    """A read-only SQLite history with a write-ahead journal that cannot be read consistently
    (the journal unreadable, no room for a private copy, a writer restarting it all the time):
    said, exit 2, never read without its journal (stale) or as "malformed"."""

    exit_code = 2


def _journal_size(path: Path) -> int:
    try:
        return Path(f"{path}{_WAL_SUFFIX}").stat().st_size
    except FileNotFoundError:
        return 0
    except OSError as exc:
        raise UnreadableHistoryError(
            f"history: cannot read the write-ahead journal of {path} ({exc.strerror or exc}); "
            "its latest results may be there: read it where the folder is writable"
        ) from None


def _journal_head(path: Path) -> bytes:
    with Path(f"{path}{_WAL_SUFFIX}").open("rb") as handle:
        return handle.read(_WAL_HEADER_BYTES)


def _private_copy(path: Path) -> Path:
    """The history and its write-ahead journal copied into a new private folder (0700), the
    copy consistent: the journal did not start afresh (a checkpoint then a new write) while the
    file was copied.  The shared-memory index is not copied: SQLite rebuilds it from the
    journal."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="prolactin-triage-history-"))
    copy = folder / path.name
    journal = Path(f"{path}{_WAL_SUFFIX}")
    try:
        for _ in range(_COPY_TRIES):
            before = _journal_head(path)
            shutil.copyfile(path, copy)
            shutil.copyfile(journal, Path(f"{copy}{_WAL_SUFFIX}"))
            if _journal_head(copy) == before:
                return copy
        why = "a run keeps rewriting its journal"
    except OSError as exc:
        why = str(exc.strerror or exc)
    shutil.rmtree(folder, ignore_errors=True)
    raise UnreadableHistoryError(
        f"history: {path} has results in its write-ahead journal ({path.name}{_WAL_SUFFIX}) and "
        f"its folder is read-only; a private copy to read them could not be made ({why}): try "
        "again later, or read it where the folder is writable"
    )


def _make_engine(url: sa.URL, *, read_only: bool = False, copies: list[Path]) -> Engine:
    if url.get_backend_name() == "sqlite" and read_only:
        return _read_only_engine(url, copies)
    if url.get_backend_name() == "sqlite":
        assert url.database, "an SQLite history without a file"
        check_sqlite_file(Path(url.database), writing=True)
        try:
            _create_private(Path(url.database))
        except OSError as exc:
            raise HistoryError(
                f"history: cannot create {url.database} ({exc.strerror or exc})"
            ) from None
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        sa.event.listen(engine, "connect", _sqlite_connect)
        # pysqlite's own transaction handling defers BEGIN; let SQLAlchemy issue it.  A
        # transaction that will write begins IMMEDIATE (History._writing): SQLite gives a
        # deferred one that reads first and writes later SQLITE_BUSY at once, without waiting
        # busy_timeout, when another connection writes (an ack during a run, two first runs).
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        return sa.create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise HistoryError(
            f"history: {describe(url)} needs a database driver ({exc.name} is not installed; "
            "pip install 'prolactin-triage[postgresql]')"
        ) from None


def _migrate_to_1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[runs, results, acks])


def _migrate_to_2(conn: Connection) -> None:
    metadata.create_all(conn, tables=[withdrawals])


def _migrate_to_3(conn: Connection) -> None:
    metadata.create_all(conn, tables=[preliminaries])


def _migrate_to_4(conn: Connection) -> None:
    """acks.priority and results.age_years (a history created at version 4 has them from
    _migrate_to_1)."""
    for table, column, kind in (
        ("acks", "priority", "VARCHAR(16)"),
        ("results", "age_years", "FLOAT"),
    ):
        if column not in {c["name"] for c in sa.inspect(conn).get_columns(table)}:
            conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))


def _migrate_to_5(conn: Connection) -> None:
    """results.visit (a history created at version 5 has it from _migrate_to_1); the results
    stored before keep NULL: identified without a visit, as they were."""
    if "visit" not in {c["name"] for c in sa.inspect(conn).get_columns("results")}:
        conn.execute(sa.text("ALTER TABLE results ADD COLUMN visit TEXT"))


def _migrate_to_6(conn: Connection) -> None:
    """results.patient_key (a history created at version 6 has it from _migrate_to_1), filled
    from each stored patient_id, so that the rows stored before match the new ones."""
    if "patient_key" not in {c["name"] for c in sa.inspect(conn).get_columns("results")}:
        conn.execute(
            sa.text("ALTER TABLE results ADD COLUMN patient_key VARCHAR(256) NOT NULL DEFAULT ''")
        )
    stored = sa.select(results.c.issuer, results.c.patient_id).distinct()
    _fill_patient_keys(conn, conn.execute(stored))
    index = next(i for i in results.indexes if i.name == "results_patient_key")
    index.create(conn, checkfirst=True)


def _fill_patient_keys(conn: Connection, found: Iterable[Sequence[Any]]) -> None:
    """Each stored (issuer, patient_id) of ``found`` keyed again with identifier_key."""
    # one statement, run for each stored (issuer, patient): the results_patient index finds
    # its rows (a patient_id alone is no index's first column: a scan of the table each)
    stored = [(issuer, patient) for issuer, patient in found]
    fill = (
        sa.update(results)
        .where(results.c.issuer == sa.bindparam("of"), results.c.patient_id == sa.bindparam("id_"))
        .values(patient_key=sa.bindparam("key"))
    )
    if stored:
        conn.execute(fill, [{"of": i, "id_": p, "key": identifier_key(p)} for i, p in stored])


def _migrate_to_7(conn: Connection) -> None:
    """results.collected_offset (a history created at version 7 has it from _migrate_to_1);
    the results stored before keep NULL: compared by their wall-clock time, as they were."""
    if "collected_offset" not in {c["name"] for c in sa.inspect(conn).get_columns("results")}:
        conn.execute(sa.text("ALTER TABLE results ADD COLUMN collected_offset VARCHAR(8)"))


def _migrate_to_8(conn: Connection) -> None:
    """results.unmatched_assay (a history created at version 8 has it from _migrate_to_1); the
    results stored before keep NULL: compared by their reference set alone, as they were."""
    if "unmatched_assay" not in {c["name"] for c in sa.inspect(conn).get_columns("results")}:
        conn.execute(sa.text("ALTER TABLE results ADD COLUMN unmatched_assay TEXT"))


def _migrate_to_9(conn: Connection) -> None:
    """results.patient_key again for the ids written with a hyphen: an NHS number written in
    hyphenated groups ("943-476-5919") is keyed by its digits (identifier_key), as the same
    number written with spaces always was (review 25)."""
    hyphenated = (
        sa.select(results.c.issuer, results.c.patient_id)
        .where(results.c.patient_id.contains("-"))
        .distinct()
    )
    _fill_patient_keys(conn, conn.execute(hyphenated))


# Schema version -> the step that brings a history from the version before it.  A new version:
# a function here and SCHEMA_VERSION + 1; every step runs in its own transaction.
MIGRATIONS: Final[dict[int, Callable[[Connection], None]]] = {
    1: _migrate_to_1,
    2: _migrate_to_2,
    3: _migrate_to_3,
    4: _migrate_to_4,
    5: _migrate_to_5,
    6: _migrate_to_6,
    7: _migrate_to_7,
    8: _migrate_to_8,
    9: _migrate_to_9,
}


class History:
    """An open results history (``open_history``); close it, or use it as a context manager."""

    def __init__(self, url: sa.URL, *, read_only: bool = False) -> None:
        self.url = url
        self.read_only = read_only
        self._copies: list[Path] = []  # private copies read instead (a read-only folder)
        self.engine = _make_engine(url, read_only=read_only, copies=self._copies)
        try:
            self._migrate()
        except sa.exc.OperationalError as exc:
            self.close()
            raise HistoryError(f"history: cannot open {describe(url)} ({reason(exc)})") from None
        except sa.exc.DatabaseError as exc:
            self.close()
            raise HistoryError(
                f"history: {describe(url)} is not a usable database ({reason(exc)})"
            ) from None

    def close(self) -> None:
        self.engine.dispose()
        if self._copies:
            import shutil

            for folder in self._copies:
                shutil.rmtree(folder, ignore_errors=True)
            self._copies.clear()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -------------------------------------------------------------------------------
    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return self._version(conn)

    @staticmethod
    def _version(conn: Connection) -> int:
        if not sa.inspect(conn).has_table("schema_info"):
            return 0
        value = conn.execute(
            sa.select(schema_info.c.value).where(schema_info.c.key == "schema_version")
        ).scalar()
        return int(value) if value is not None else 0

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A transaction that writes (IMMEDIATE in SQLite: it waits for another writer)."""
        with self.engine.connect().execution_options(**{_WRITES: True}) as conn, conn.begin():
            yield conn

    def _migrate(self) -> None:
        with self.engine.connect() as conn:
            found = self._version(conn)
            if found == SCHEMA_VERSION:
                return  # the usual case: read only, no write lock to wait for
        if self.read_only and found < SCHEMA_VERSION:
            raise HistoryError(
                f"history: {describe(self.url)} has schema version {found}, older than this "
                f"tool's {SCHEMA_VERSION}; a command that writes to it (run, ack) upgrades it "
                "(reading commands never write)"
            )
        with self._writing() as conn:
            schema_info.create(conn, checkfirst=True)
            version = self._version(conn)
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"history: {describe(self.url)} has schema version {version}, newer than this "
                f"tool's {SCHEMA_VERSION}: upgrade prolactin-triage"
            )
        for step in range(version + 1, SCHEMA_VERSION + 1):
            with self._writing() as conn:
                MIGRATIONS[step](conn)
                conn.execute(sa.delete(schema_info).where(schema_info.c.key == "schema_version"))
                conn.execute(sa.insert(schema_info).values(key="schema_version", value=str(step)))

    # -- a run ---------------------------------------------------------------------------------
    def begin_run(
        self,
        *,
        started_at: datetime,
        tool_version: str,
        reference_set: str,
        reference_digest: str,
    ) -> HistoryRun:
        """One run's transaction: results recorded through it appear when it commits."""
        conn = self.engine.connect().execution_options(**{_WRITES: True})
        try:
            transaction = conn.begin()
            run_id = conn.execute(
                sa.insert(runs)
                .values(
                    started_at=_utc_naive(started_at),
                    tool_version=tool_version,
                    reference_set=reference_set,
                    reference_digest=reference_digest,
                )
                .returning(runs.c.id)
            ).scalar_one()
        except sa.exc.OperationalError as exc:
            conn.close()
            raise HistoryError(
                f"history: {describe(self.url)} is busy or unavailable ({reason(exc)}); "
                "another run may be writing to it"
            ) from None
        return HistoryRun(
            conn, transaction, int(run_id), started_at, tool_version, reference_digest
        )

    # -- reading -------------------------------------------------------------------------------
    def results_of(self, patient_id: str, issuer: str | None = None) -> pd.DataFrame:
        """Every stored result of a patient id (of one issuer, or of any), oldest first, with
        the acknowledgements of each."""
        query = sa.select(*PUBLIC_COLUMNS).where(
            results.c.patient_key == identifier_key(patient_id)
        )
        if issuer is not None:
            query = query.where(results.c.issuer == issuer)
        query = query.order_by(results.c.collected_at, results.c.id)
        with self.engine.connect() as conn:
            frame = pd.DataFrame(
                conn.execute(query).mappings().all(), columns=[c.name for c in PUBLIC_COLUMNS]
            )
            frame["acknowledged"] = ack_texts(conn, frame["id"].tolist())
            frame["withdrawn"] = withdrawn_texts(conn, frame["id"].tolist())
        return frame

    def result(self, result_id: int) -> dict[str, Any]:
        """A stored result, with ``withdrawn`` (how its lab withdrew it, "" when not) and
        ``corrected_by`` (the result that corrects it, when a correction withdrew it: its row of
        the withdrawing file; else None)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(*PUBLIC_COLUMNS).where(results.c.id == result_id)
            ).mappings()
            found = row.first()
            if found is None:
                raise ResultNotFoundError(f"history: no result {format_result_id(result_id)}")
            out = dict(found)
            out["withdrawn"] = withdrawn_texts(conn, [result_id])[0]
            out["corrected_by"] = _correction_of(conn, out)
        return out

    def export(self, *, since: datetime | None = None) -> Iterator[pd.DataFrame]:
        """Every stored result (recorded since ``since``), in chunks, oldest first."""
        query = sa.select(*PUBLIC_COLUMNS).order_by(results.c.id)
        if since is not None:
            query = query.where(results.c.recorded_at >= _utc_naive(since))
        with self.engine.connect() as conn:
            cursor = conn.execution_options(stream_results=True, yield_per=10_000).execute(query)
            columns = list(cursor.keys())
            for part in cursor.partitions():
                frame = pd.DataFrame(list(part), columns=columns)
                frame["acknowledged"] = ack_texts(conn, frame["id"].tolist())
                frame["withdrawn"] = withdrawn_texts(conn, frame["id"].tolist())
                yield frame

    def unacknowledged_urgent(self, *, reported_before: datetime) -> pd.DataFrame:
        """Urgent results recorded before ``reported_before`` that nobody has acknowledged."""
        acked = sa.select(acks.c.result_id).where(
            sa.or_(acks.c.priority.is_(None), acks.c.priority == "urgent")
        )
        query = (
            sa.select(*PUBLIC_COLUMNS)
            .where(results.c.priority == "urgent")
            .where(results.c.recorded_at < _utc_naive(reported_before))
            .where(results.c.id.not_in(acked))
            .where(results.c.id.not_in(sa.select(withdrawals.c.result_id)))
            .order_by(results.c.recorded_at, results.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return pd.DataFrame(rows, columns=[c.name for c in PUBLIC_COLUMNS])

    # -- writing outside a run -----------------------------------------------------------------
    def acknowledge(
        self,
        result_id: int,
        *,
        by: str,
        told: str | None,
        note: str | None,
        at: datetime,
        on_wait: Callable[[], None] | None = None,
    ) -> dict[str, Any]:
        """Record that a result was communicated; returns the result acknowledged.  While a run
        writes to an SQLite history (its results are one transaction, minutes for a large
        batch) the acknowledgement waits for it, up to ACK_WAIT_S; ``on_wait`` is called once
        when it starts waiting (the CLI says so)."""
        deadline = time.monotonic() + ACK_WAIT_S
        while True:
            try:
                with self._writing() as conn:
                    found = conn.execute(
                        sa.select(results.c.id, results.c.priority).where(results.c.id == result_id)
                    ).first()
                    if found is None:
                        raise ResultNotFoundError(
                            f"history: no result {format_result_id(result_id)}"
                        )
                    conn.execute(
                        sa.insert(acks).values(
                            result_id=result_id,
                            acknowledged_by=by,
                            told=told or None,
                            note=note or None,
                            at=_utc_naive(at),
                            priority=found.priority,
                        )
                    )
                return self.result(result_id)
            except sa.exc.OperationalError as exc:
                if not _locked(exc.orig) or time.monotonic() > deadline:
                    raise
                if on_wait is not None:
                    on_wait()
                    on_wait = None

    def purge(self, *, before: datetime) -> int:
        """Delete the results collected (or, without a collection time, recorded) before
        ``before``, with their acknowledgements and withdrawals; runs left without results
        (or withdrawals) go too."""
        cutoff = _utc_naive(before)
        old = sa.or_(
            results.c.collected_at < cutoff,
            sa.and_(results.c.collected_at.is_(None), results.c.recorded_at < cutoff),
        )
        with self._writing() as conn:
            ids = sa.select(results.c.id).where(old)
            conn.execute(sa.delete(acks).where(acks.c.result_id.in_(ids)))
            conn.execute(sa.delete(withdrawals).where(withdrawals.c.result_id.in_(ids)))
            conn.execute(sa.delete(preliminaries).where(preliminaries.c.result_id.in_(ids)))
            removed = conn.execute(sa.delete(results).where(old)).rowcount
            used = sa.select(results.c.run_id).distinct()
            withdrew = sa.select(withdrawals.c.run_id).distinct()
            conn.execute(sa.delete(runs).where(runs.c.id.not_in(used), runs.c.id.not_in(withdrew)))
        return int(removed or 0)

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                "runs": int(
                    conn.execute(sa.select(sa.func.count()).select_from(runs)).scalar_one()
                ),
                "results": int(
                    conn.execute(sa.select(sa.func.count()).select_from(results)).scalar_one()
                ),
                "acknowledgements": int(
                    conn.execute(sa.select(sa.func.count()).select_from(acks)).scalar_one()
                ),
            }


@dataclass(frozen=True)
class Conflict:
    """A result of the file being read whose patient, specimen number and collection time are
    those of a result another file stored, with another value, and no correction said (a
    corrected status, or a comment saying so): one specimen, two values; both are kept and the
    file warns (``notices.conflict_warning``)."""

    source_row: int
    result_id: int
    stored_ids: tuple[int, ...]


@dataclass
class HistoryRun:
    """One run's open transaction (``History.begin_run``): commit after the reports are
    published, roll back otherwise (a killed process rolls back by itself)."""

    conn: Connection
    transaction: sa.RootTransaction
    run_id: int
    started_at: datetime
    tool_version: str
    reference_digest: str
    added: int = 0
    # the ids the file being read recorded or found already held: never withdrawn by it (a
    # correction repeating the value it corrects is held under the earlier result's id)
    seen: set[int] = field(default_factory=set)
    # the earlier results this run withdrew (uncommitted until the run is: a reader on another
    # connection, such as the overdue list, does not see them yet)
    withdrawn_ids: set[int] = field(default_factory=set)
    # the NOT_TRIAGED entries (possibly urgent) this run triaged as not urgent (uncommitted
    # until the run is: the overdue list, on another connection, still sees them urgent)
    calmed_ids: set[int] = field(default_factory=set)
    # of the last file's withdrawals (``withdraw``), those of results this run recorded
    withdrawn_same_run: int = 0
    # the last file's withdrawals and corrections that matched no stored result (``withdraw``)
    unmatched: list[Withdrawal] = field(default_factory=list)
    # (row, result id) of the file's results without a collection time taken for a result
    # another file stored, by patient and value (``_held_undated``): the file says so
    undated_held: list[tuple[int, int]] = field(default_factory=list)
    _by_value: list[tuple[int, int]] = field(default_factory=list)  # of the last _held
    # row position -> the stored censored result its number completes (of the last _held)
    _completing: dict[int, int] = field(default_factory=dict)
    # row position -> the stored undated result of its visit it dates (of the last _held)
    _dating: dict[int, int] = field(default_factory=dict)

    def earlier(
        self, issuer: str, patient_ids: Iterable[str], *, excluded: Iterable[int] = ()
    ) -> pd.DataFrame:
        """The stored results of these patients, oldest first, less those withdrawn and those
        ``excluded`` (what the file being read withdraws: docs/history.md, a withdrawn result
        never serves as an earlier result).  ``same_run`` marks the results this run recorded
        (earlier files and chunks): they count as earlier only when collected before the row
        (delta.annotate), so a run's results do not depend on how its rows are split."""
        wanted = sorted({identifier_key(p) for p in patient_ids if p})
        gone = sorted(set(excluded))
        parts = [
            row
            for row in self._of_patients(
                results.c,
                issuer,
                wanted,
                *_standing(),
                order=(results.c.collected_at, results.c.id),
            )
            if int(row["id"]) not in gone
        ]
        frame = pd.DataFrame(parts, columns=list(results.c.keys()))
        frame["same_run"] = (frame["run_id"] == self.run_id).astype(bool)
        frame["acknowledged"] = ack_texts(self.conn, frame["id"].tolist())
        return frame

    def _of_patients(
        self,
        columns: Iterable[Any],
        issuer: str,
        patients: Sequence[str],
        *where: Any,
        order: Sequence[Any] = (results.c.id,),
    ) -> Iterator[Any]:
        """``columns`` of the stored results of ``patients`` (their ids as matched:
        ``identifier_key``; of ``issuer``) that meet every condition of ``where``, in
        ``order``; IDS_PER_QUERY patients a query."""
        for start in range(0, len(patients), IDS_PER_QUERY):
            query = (
                sa.select(*columns)
                .where(results.c.issuer == issuer)
                .where(results.c.patient_key.in_(patients[start : start + IDS_PER_QUERY]))
                .where(*where)
                .order_by(*order)
            )
            yield from self.conn.execute(query).mappings()

    def recorded_before(self, sha256: str) -> tuple[str, datetime] | None:
        """(file name, time) of the earlier run that recorded a file of this content; None
        when no earlier run did."""
        query = (
            sa.select(results.c.source_file, results.c.recorded_at)
            .where(results.c.source_sha256 == sha256)
            .where(results.c.run_id != self.run_id)
            .order_by(results.c.id)
            .limit(1)
        )
        found = self.conn.execute(query).first()
        return None if found is None else (str(found[0]), found[1])

    def begin_file(self) -> None:
        """A new input file: the results it holds again are its own (``seen``, never withdrawn
        by it); those of the run's earlier files may be (two files in one run withdraw as in
        two runs)."""
        self.seen = set()
        self.undated_held = []

    def withdrawing(self, items: Sequence[Withdrawal], *, issuer: str, sha256: str) -> set[int]:
        """The stored results these items will withdraw (``withdraw``), found before the
        file's results are compared: its corrections and cancellations apply first."""
        found: set[int] = set()
        for item in items:
            found.update(self._withdrawn_by(item, issuer=issuer, sha256=sha256))
        return found

    def _withdrawn_by(self, item: Withdrawal, *, issuer: str, sha256: str) -> list[int]:
        """The stored results an item withdraws (none when it names none for sure): the
        patient's, of the same specimen number (``identifier_key``: a re-saved export's number
        without its leading zeros is the same one)."""
        if not (item.patient_id and identifier_key(item.specimen_id)) or item.kind == PRELIMINARY:
            return []  # only a patient's specimen names one result for sure
        query = (
            sa.select(results.c.id, results.c.specimen_id)
            .where(results.c.issuer == (item.issuer or issuer))
            .where(results.c.patient_key == identifier_key(item.patient_id))
            .where(results.c.specimen_id.is_not(None))
            .where(results.c.source_sha256 != sha256)
            .where(results.c.id.not_in(sa.select(withdrawals.c.result_id)))
            .order_by(results.c.id)
        )
        if item.kind == SUPERSEDES:
            query = query.where(results.c.id.in_(sa.select(preliminaries.c.result_id)))
        wanted = identifier_key(item.specimen_id)
        return [
            int(i) for i, specimen in self.conn.execute(query) if identifier_key(specimen) == wanted
        ]

    def record_untriaged(
        self, rows: Sequence[Rejected], *, file: str, issuer: str, sha256: str
    ) -> list[int]:
        """Store the file's rows that were not triaged yet may be urgent (Rejected
        .possibly_urgent) as NOT_TRIAGED entries of priority urgent, without a value: reminded
        until acknowledged, as an urgent result is, and never an earlier result.  A re-run of
        the same file keeps the entries it stored (the same cell), and so does another file
        sending the row again (a cumulative export: ``_untriaged_entry``).  Returns their ids."""
        recorded_at = _utc_naive(self.started_at)
        ids: list[int] = []
        for r in rows:
            held = self.conn.execute(
                sa.select(results.c.id)
                .where(results.c.source_sha256 == sha256)
                .where(results.c.source_sheet == (r.source_sheet or ""))
                .where(results.c.source_row == int(r.source_row))
            ).first()
            again = self._untriaged_entry(r, issuer, sha256, taken=ids) if held is None else None
            if held is not None or again is not None:
                ids.append(int(held[0]) if held is not None else int(again or 0))
                continue
            new_id = self.conn.execute(
                sa.insert(results)
                .values(
                    run_id=self.run_id,
                    issuer=issuer,
                    patient_id=r.patient_id or "",
                    patient_key=identifier_key(r.patient_id),
                    specimen_id=r.specimen_id or None,
                    prolactin_raw=f"not triaged ({r.reason_code})",
                    status=NOT_TRIAGED,
                    priority="urgent",
                    factors=f"{r.reason_code}: {r.detail}",
                    source_file=r.source_file or file,
                    source_sha256=sha256,
                    source_sheet=r.source_sheet or "",
                    source_row=int(r.source_row),
                    tool_version=self.tool_version,
                    reference_digest=self.reference_digest,
                    recorded_at=recorded_at,
                )
                .returning(results.c.id)
            ).scalar_one()
            ids.append(int(new_id))
            self.added += 1
        self.seen.update(ids)
        return ids

    def _untriaged_entry(
        self, row: Rejected, issuer: str, sha256: str, *, taken: Sequence[int]
    ) -> int | None:
        """The NOT_TRIAGED entry another file stored for the same patient (``identifier_key``),
        specimen number and reason, not withdrawn nor taken by this file: the row sent again.
        None without a patient or a specimen number (nothing names the row for sure)."""
        patient, specimen = identifier_key(row.patient_id), identifier_key(row.specimen_id)
        if not (patient and specimen):
            return None
        query = (
            sa.select(results.c.id, results.c.specimen_id)
            .where(results.c.issuer == issuer)
            .where(results.c.patient_key == patient)
            .where(results.c.status == NOT_TRIAGED)
            .where(results.c.prolactin_raw == f"not triaged ({row.reason_code})")
            .where(results.c.source_sha256 != sha256)
            .where(results.c.id.not_in(sa.select(withdrawals.c.result_id)))
            .order_by(results.c.id)
        )
        for found, stored in self.conn.execute(query):
            if identifier_key(stored) == specimen and int(found) not in taken:
                return int(found)
        return None

    def record(self, frame: pd.DataFrame, *, issuer: str, sha256: str) -> pd.Series:
        """Store one chunk of results of one input file; returns each row's result id (the
        existing one for a result the history already holds), indexed like ``frame``."""
        recorded_at = _utc_naive(self.started_at)
        rows = self._rows(frame, issuer=issuer, sha256=sha256)
        ids: list[int | None] = self._held(rows, issuer, sha256)
        self.undated_held += self._by_value
        self._triage_entries(rows, ids)
        self._complete_censored(rows)
        self._date_held(rows)
        self._raise_held(rows, ids, recorded_at)
        fresh: list[int] = []
        same_as: dict[int, int] = {}  # a row repeating an earlier row of this chunk
        first_with: dict[tuple[Any, ...], int] = {}
        for position, row in enumerate(rows):
            if ids[position] is not None:
                continue
            key = _content_key(row)
            if key is not None and key in first_with:
                same_as[position] = first_with[key]
                continue
            if key is not None:
                first_with[key] = position
            fresh.append(position)
        if fresh:
            inserted = self.conn.execute(
                sa.insert(results).returning(results.c.id, sort_by_parameter_order=True),
                [rows[p] for p in fresh],
            )
            for position, (new_id,) in zip(fresh, inserted.all(), strict=True):
                ids[position] = int(new_id)
            self.added += len(fresh)
        for position, first in same_as.items():
            ids[position] = ids[first]
        self.seen.update(i for i in ids if i is not None)
        return pd.Series(ids, index=frame.index, dtype="Int64")

    def _triage_entries(self, rows: list[dict[str, Any]], ids: list[int | None]) -> None:
        """A cell an earlier run stored as NOT_TRIAGED (the same file run again, with a mapping
        that now reads it) becomes the triaged result, under the entry's id: its
        acknowledgements stay with it."""
        held = sorted({i for i in ids if i is not None})
        entries: set[int] = set()
        for start in range(0, len(held), IDS_PER_QUERY):
            query = (
                sa.select(results.c.id)
                .where(results.c.id.in_(held[start : start + IDS_PER_QUERY]))
                .where(results.c.status == NOT_TRIAGED)
            )
            entries.update(int(i) for (i,) in self.conn.execute(query))
        for row, held_id in zip(rows, ids, strict=True):
            if held_id in entries:
                self.conn.execute(sa.update(results).where(results.c.id == held_id).values(**row))
                if row["priority"] != "urgent":
                    self.calmed_ids.add(int(held_id))

    def _complete_censored(self, rows: list[dict[str, Any]]) -> None:
        """The stored censored results this chunk's numbers complete (``_held_censored``) take
        the number and its judgement; they keep their id, acknowledgements and provenance."""
        kept = {"source_file", "source_sha256", "source_sheet", "source_row"}
        for position, held_id in self._completing.items():
            values = {k: v for k, v in rows[position].items() if k not in kept}
            self.conn.execute(sa.update(results).where(results.c.id == held_id).values(**values))

    def held(self, frame: pd.DataFrame, *, issuer: str, sha256: str) -> list[int | None]:
        """The id of the stored result each row repeats (``record`` keeps it), None for a new
        one; asked before the chunk is compared with its earlier results."""
        return self._held(self._rows(frame, issuer=issuer, sha256=sha256), issuer, sha256)

    def _rows(self, frame: pd.DataFrame, *, issuer: str, sha256: str) -> list[dict[str, Any]]:
        """The chunk's rows as the ``results`` table stores them."""
        recorded_at = _utc_naive(self.started_at)
        n = len(frame)
        cells = {
            name: frame[name].tolist() if name in frame.columns else [None] * n
            for name in FRAME_COLUMNS
        }
        parts = frame["source_column"].tolist() if "source_column" in frame else [None] * n
        rows = []
        for values, part in zip(zip(*cells.values(), strict=True), parts, strict=True):
            row = {name: _cell(value) for name, value in zip(FRAME_COLUMNS, values, strict=True)}
            row.update(
                issuer=issuer,
                source_sha256=sha256,
                source_sheet=_provenance_sheet(str(row["source_sheet"] or ""), _cell(part)),
                patient_id=row["patient_id"] or "",
                patient_key=identifier_key(row["patient_id"]),
                qualifier=row["qualifier"] or "",
                birth_date=_date(row["birth_date"]),
                collected_at=_datetime(row["collected_at"]),
                source_row=int(row["source_row"]),
                run_id=self.run_id,
                tool_version=self.tool_version,
                reference_digest=self.reference_digest,
                recorded_at=recorded_at,
            )
            rows.append(row)
        return rows

    def _raise_held(
        self, rows: list[dict[str, Any]], ids: list[int | None], recorded_at: datetime
    ) -> None:
        """A result the history holds that this export judges more pressing (the same result
        with a red flag added, "bitemporal hemianopia": now urgent) takes this run's decision and
        time: an urgent result is reminded until acknowledged, and `history show` and `ack` say
        what was reported.  A less pressing judgement never lowers a stored one."""
        rank = {p: i for i, p in enumerate(PRIORITIES)}
        newer = {
            held: row
            for held, row in zip(ids, rows, strict=True)
            if held is not None and rank.get(row["priority"], len(rank)) < len(rank)
        }
        if not newer:
            return
        stored: dict[int, int] = {}
        held_ids = sorted(newer)
        for start in range(0, len(held_ids), IDS_PER_QUERY):
            query = sa.select(results.c.id, results.c.priority).where(
                results.c.id.in_(held_ids[start : start + IDS_PER_QUERY])
            )
            for found_id, priority in self.conn.execute(query):
                stored[int(found_id)] = rank.get(priority, len(rank))
        for held, row in newer.items():
            if rank[row["priority"]] < stored.get(held, -1):
                decision = {name: row[name] for name in DECISION_COLUMNS}
                self.conn.execute(
                    sa.update(results)
                    .where(results.c.id == held)
                    .values(**decision, recorded_at=recorded_at, run_id=self.run_id)
                )

    def _held(self, rows: list[dict[str, Any]], issuer: str, sha256: str) -> list[int | None]:
        """The id the history already holds for each row: the same cell of the same file
        (a re-run), or the same patient, collection time and value (a later export repeating
        it); None for a new result.  A few queries per chunk, not one per row."""
        ids: list[int | None] = [None] * len(rows)
        by_sheet: dict[str, dict[int, int]] = {}
        for position, row in enumerate(rows):
            by_sheet.setdefault(row["source_sheet"], {})[row["source_row"]] = position
        for sheet, positions in by_sheet.items():
            numbers = sorted(positions)
            for start in range(0, len(numbers), IDS_PER_QUERY):
                query = (
                    sa.select(results.c.id, results.c.source_row)
                    .where(results.c.source_sha256 == sha256)
                    .where(results.c.source_sheet == sheet)
                    .where(results.c.source_row.in_(numbers[start : start + IDS_PER_QUERY]))
                )
                for found_id, source_row in self.conn.execute(query):
                    ids[positions[int(source_row)]] = int(found_id)
        wanted = sorted(
            {r["patient_key"] for i, r in enumerate(rows) if ids[i] is None and _content_key(r)}
        )
        held: dict[tuple[Any, ...], int] = {}
        by_value: dict[tuple[Any, ...], list[dict[str, Any]]] = {}  # for _held_to_precision
        columns = [
            results.c[name] for name in ("id", "specimen_id", "collected_offset", *_CONTENT_COLUMNS)
        ]
        dated = results.c.collected_at.is_not(None)
        for found in self._of_patients(columns, issuer, wanted, dated):
            key = _content_key(found)
            if key is not None:
                held.setdefault(key, int(found["id"]))
                by_value.setdefault(_value_key(found), []).append(dict(found))
        for position, row in enumerate(rows):
            if ids[position] is None:
                key = _content_key(row)
                ids[position] = held.get(key) if key is not None else None
        self._held_to_precision(rows, ids, by_value)
        self._held_censored(rows, ids, issuer, sha256)
        self._held_untriaged(rows, ids, issuer, sha256)
        self._held_undated(rows, ids, issuer, sha256)
        self._held_dated_visit(rows, ids, issuer, sha256)
        return ids

    def _held_untriaged(
        self, rows: list[dict[str, Any]], ids: list[int | None], issuer: str, sha256: str
    ) -> None:
        """A NOT_TRIAGED entry another file stored for the same patient and specimen number
        (both must name it; not withdrawn) is the sample this row now triages (the lab sent
        the row again with its unit, its number, an unambiguous decimal mark): held under the
        entry's id, which ``_triage_entries`` turns into the triaged result, so the entry is
        no longer reminded as possibly urgent and its acknowledgements stay with it.  One row
        an entry; never an entry this run stored."""
        pending = [
            position
            for position, row in enumerate(rows)
            if ids[position] is None and row["patient_key"] and identifier_key(row["specimen_id"])
        ]
        if not pending:
            return
        wanted = sorted({rows[p]["patient_key"] for p in pending})
        columns = [results.c.id, results.c.patient_key, results.c.specimen_id]
        entries = (
            results.c.status == NOT_TRIAGED,
            results.c.source_sha256 != sha256,
            results.c.id.not_in(sa.select(withdrawals.c.result_id)),
        )
        stored = list(self._of_patients(columns, issuer, wanted, *entries))
        for position, found in self._same_specimen(rows, ids, pending, stored):
            ids[position] = int(found["id"])

    def _same_specimen(
        self,
        rows: list[dict[str, Any]],
        ids: list[int | None],
        pending: list[int],
        stored: Sequence[Mapping[str, Any]],
        also: Callable[[Mapping[str, Any], Mapping[str, Any]], bool] | None = None,
    ) -> Iterator[tuple[int, Mapping[str, Any]]]:
        """(position, stored result) for each pending row and the first stored result of the
        same patient and specimen number (``also``: and what else must hold) that no row of
        this run holds yet; each stored result is given once."""
        taken = set(self.seen) | {i for i in ids if i is not None}
        for position in pending:
            row = rows[position]
            for found in stored:
                if (
                    int(found["id"]) not in taken
                    and found["patient_key"] == row["patient_key"]
                    and identifier_key(found["specimen_id"]) == identifier_key(row["specimen_id"])
                    and (also is None or also(found, row))
                ):
                    taken.add(int(found["id"]))
                    yield position, found
                    break

    def _held_censored(
        self, rows: list[dict[str, Any]], ids: list[int | None], issuer: str, sha256: str
    ) -> None:
        """A value of the same sample that a stored censored result allows (``_allows``: the
        dilution's ``8900`` of a stored ``>4240``, the re-assay's ``18`` of a ``<25``; in any
        unit, compared in ng/mL) is that result completed, not another one: the same patient,
        specimen number (both must name it) and collection time (``same_collection``).  It is
        held under the stored result's id, so its acknowledgement stays with it, and
        ``record`` writes the number into it (``_completing``).  A censored row of a sample
        the history holds as a number is that result again (the number stays).  A value the
        bound excludes (``3000`` of a ``>4240``) stays another result: a conflict."""
        self._completing = {}
        pending = [
            position
            for position, row in enumerate(rows)
            if ids[position] is None
            and row["patient_key"]
            and identifier_key(row["specimen_id"])
            and row["collected_at"] is not None
            and row["prolactin_ng_ml"] is not None
        ]
        if not pending:
            return
        wanted = sorted({rows[p]["patient_key"] for p in pending})
        columns = [
            results.c[name] for name in ("id", "specimen_id", "collected_offset", *_CONTENT_COLUMNS)
        ]
        sampled = (
            results.c.specimen_id.is_not(None),
            results.c.prolactin_ng_ml.is_not(None),
            results.c.source_sha256 != sha256,
        )
        stored = [
            dict(f) for f in self._of_patients(columns, issuer, wanted, *sampled, *_standing())
        ]

        def completes(found: Mapping[str, Any], row: Mapping[str, Any]) -> bool:
            return _same_sample_time(found, row) and (_allows(found, row) or _allows(row, found))

        for position, found in self._same_specimen(rows, ids, pending, stored, completes):
            ids[position] = int(found["id"])
            if _allows(found, rows[position]):
                self._completing[position] = int(found["id"])

    def _held_to_precision(
        self,
        rows: list[dict[str, Any]],
        ids: list[int | None],
        stored: dict[tuple[Any, ...], list[dict[str, Any]]],
    ) -> None:
        """A result the history holds with its collection time written to another precision
        (a cumulative re-export giving the date alone of a result stored with its time, or its
        time to the second of one stored to the minute) is that stored result again: the same
        patient, qualifier and value, collected at a time that agrees to the precision both
        give (``same_collection``: ``2026-01-10`` and ``2026-01-10 09:00``; ``09:00`` and
        ``09:00:30``).  Where both name a specimen number it must be the same one (another
        number is another sample); where either names none, one to one, in order: a stored
        result is taken by one row of the file only (two samples of the same value on one day
        stay two results), never one the file already holds.  ``stored``: the patients'
        dated results by ``_value_key``, in the order they were stored."""
        pending = [
            position
            for position, row in enumerate(rows)
            if ids[position] is None and _content_key(row) is not None
        ]
        if not pending or not stored:
            return
        taken = set(self.seen) | {i for i in ids if i is not None}
        for position in pending:
            row = rows[position]
            specimen = identifier_key(row["specimen_id"])
            chosen: int | None = None
            for found in stored.get(_value_key(row), []):
                if not _same_sample_time(found, row):
                    continue
                theirs = identifier_key(found["specimen_id"])
                if specimen and theirs:
                    if theirs == specimen:
                        chosen = int(found["id"])  # the sample itself
                        break
                elif chosen is None and int(found["id"]) not in taken:
                    chosen = int(found["id"])
            if chosen is not None:
                ids[position] = chosen
                taken.add(chosen)

    def _held_undated(
        self, rows: list[dict[str, Any]], ids: list[int | None], issuer: str, sha256: str
    ) -> None:
        """A result without a collection time that another file stored (a cohort re-exported
        with one more visit) is that stored result again, identified by what it has: the
        patient (id, birth date, sex), qualifier, value and unit (``_undated_key``) and its
        visit label (``visit_key``: "Visite 2", "Visit 2" and "V2" are one visit).  Where both
        name a visit, another visit is another result ("Visite 3, 300" is never the stored
        "Visite 2, 300"); where either names none (a result stored before schema version 5, a
        file without a visit column) the visit is not compared.  One to one, in order: the
        n-th such row of a patient and value is the n-th stored one not yet taken, one of the
        same visit first (two visits of the same value stay two results); those of the file
        itself (its cells) and those the file already took (``seen``) are never taken again."""
        wanted = sorted(
            {
                r["patient_key"]
                for i, r in enumerate(rows)
                if ids[i] is None and _undated_key(r) is not None
            }
        )
        stored: dict[tuple[Any, ...], list[tuple[int, str]]] = {}
        columns = [results.c[name] for name in ("id", "visit", *_UNDATED_KEY)]
        undated = (results.c.collected_at.is_(None), results.c.source_sha256 != sha256)
        for found in self._of_patients(columns, issuer, wanted, *undated, *_standing()):
            key = _undated_key(found)
            if key is not None and int(found["id"]) not in self.seen:
                stored.setdefault(key, []).append((int(found["id"]), visit_key(found["visit"])))
        taken = set(ids)
        matched: dict[int, int] = {}
        for same_visit in (True, False):  # the same visit first, then one not named on a side
            for position, row in enumerate(rows):
                key = _undated_key(row) if ids[position] is None else None
                if key is None or position in matched:
                    continue
                visit = visit_key(row["visit"])
                free = [
                    i
                    for i, then in stored.get(key, [])
                    if i not in taken
                    and (then == visit != "" if same_visit else not (then and visit))
                ]
                if free:
                    matched[position] = free[0]
                    taken.add(free[0])
        self._by_value = []
        for position in sorted(matched):
            ids[position] = matched[position]
            self._by_value.append((int(rows[position]["source_row"]), matched[position]))

    def _held_dated_visit(
        self, rows: list[dict[str, Any]], ids: list[int | None], issuer: str, sha256: str
    ) -> None:
        """A dated result whose visit label is its collection date (a cumulative report's
        column "Prolaktin 11.09.2026": the header's date is both) is the result another file
        stored without a collection time under that visit label (before review 27 the header's
        date was the visit label only): the same patient (id, birth date, sex), qualifier,
        value and unit (``_undated_key``) and visit (``visit_key``, both naming it).  So the
        first monthly report after the upgrade repeating earlier columns neither stores them
        again nor brings back an acknowledged urgent result as new; ``record`` gives the
        stored result the date (``_date_held``).  One to one, in order; never a result the
        file itself stored or already took."""
        self._dating = {}
        pending = [
            position
            for position, row in enumerate(rows)
            if ids[position] is None
            and row["collected_at"] is not None
            and _label_is_date(row["visit"], row["collected_at"])
            and _undated_key({**row, "collected_at": None}) is not None
        ]
        if not pending:
            return
        wanted = sorted({rows[p]["patient_key"] for p in pending})
        stored: dict[tuple[Any, ...], list[int]] = {}
        columns = [results.c[name] for name in ("id", "visit", *_UNDATED_KEY)]
        undated = (
            results.c.collected_at.is_(None),
            results.c.visit.is_not(None),
            results.c.source_sha256 != sha256,
        )
        for found in self._of_patients(columns, issuer, wanted, *undated, *_standing()):
            key = _undated_key(found)
            visit = visit_key(found["visit"])
            if key is not None and visit and int(found["id"]) not in self.seen:
                stored.setdefault((*key, visit), []).append(int(found["id"]))
        taken = {i for i in ids if i is not None}
        for position in pending:
            row = rows[position]
            key = _undated_key({**row, "collected_at": None})
            free = [
                i for i in stored.get((*(key or ()), visit_key(row["visit"])), []) if i not in taken
            ]
            if free:
                ids[position] = free[0]
                taken.add(free[0])
                self._dating[position] = free[0]

    def _date_held(self, rows: list[dict[str, Any]]) -> None:
        """The stored undated results this chunk's dated rows of their visit are
        (``_held_dated_visit``) take the row's collection time; they keep their id,
        acknowledgements, provenance and judgement."""
        for position, held_id in self._dating.items():
            row = rows[position]
            self.conn.execute(
                sa.update(results)
                .where(results.c.id == held_id)
                .where(results.c.collected_at.is_(None))
                .values(collected_at=row["collected_at"], collected_offset=row["collected_offset"])
            )

    def conflicts(
        self, frame: pd.DataFrame, *, issuer: str, sha256: str, excluded: Iterable[int] = ()
    ) -> list[Conflict]:
        """The chunk's results (``result_id`` recorded) whose patient, specimen number
        (``identifier_key``) and collection time (to the precision both give:
        ``same_collection``) are those of a result another file stored with another qualifier
        or value, not withdrawn nor being withdrawn (``excluded``: the
        file's corrections)."""
        rows = self._rows(frame, issuer=issuer, sha256=sha256)
        ids = frame["result_id"].tolist()
        keyed = [
            (position, (row["patient_key"], identifier_key(row["specimen_id"])))
            for position, row in enumerate(rows)
            if row["patient_key"] and identifier_key(row["specimen_id"]) and row["collected_at"]
        ]
        if not keyed:
            return []
        gone = set(excluded)
        wanted = sorted({key[0] for _, key in keyed})
        stored: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        columns = [
            results.c[name] for name in ("id", "specimen_id", "collected_offset", *_CONTENT_COLUMNS)
        ]
        sampled = (
            results.c.specimen_id.is_not(None),
            results.c.collected_at.is_not(None),
            results.c.source_sha256 != sha256,
        )
        for found in self._of_patients(columns, issuer, wanted, *sampled, *_standing()):
            if int(found["id"]) in gone:
                continue
            key = (found["patient_key"], identifier_key(found["specimen_id"]))
            stored.setdefault(key, []).append(dict(found))
        out: list[Conflict] = []
        for position, key in keyed:
            row, own = rows[position], ids[position]
            value = _value_key(row)
            others = [
                found
                for found in stored.get(key, [])
                if own is None or pd.isna(own) or int(found["id"]) != int(own)
                # the same collection to the precision both give (a date alone: that day)
                if _same_sample_time(found, row)
                if _value_key(found) != value
                if not (_allows(found, row) or _allows(row, found))
            ]
            if others and own is not None and not pd.isna(own):
                out.append(
                    Conflict(
                        source_row=int(row["source_row"]),
                        result_id=int(own),
                        stored_ids=tuple(int(found["id"]) for found in others),
                    )
                )
        return out

    def withdraw(self, items: Sequence[Withdrawal], *, file: str, issuer: str, sha256: str) -> int:
        """Withdraw the results earlier files recorded for each item's patient and specimen
        (not those of the withdrawing ``file`` itself, nor any already withdrawn); a final
        result (SUPERSEDES) only the preliminary ones; returns how many were withdrawn.  The
        file's own preliminary results (PRELIMINARY) are marked first."""
        at = _utc_naive(self.started_at)
        self._mark_preliminary([i.source_row for i in items if i.kind == PRELIMINARY], sha256)
        count = 0
        self.unmatched = []
        self.withdrawn_same_run = 0
        for item in items:
            found = self._withdrawn_by(item, issuer=issuer, sha256=sha256)
            if item.kind == WITHDRAWS and not found:
                self.unmatched.append(item)
            for result_id in found:
                if int(result_id) in self.seen:
                    continue
                self.conn.execute(
                    sa.insert(withdrawals).values(
                        result_id=int(result_id),
                        run_id=self.run_id,
                        source_file=file,
                        source_row=item.source_row,
                        detail=item.detail,
                        at=at,
                    )
                )
                self.withdrawn_ids.add(int(result_id))
                count += 1
                self.withdrawn_same_run += self._recorded_by_this_run(int(result_id))
        return count

    def _recorded_by_this_run(self, result_id: int) -> int:
        """1 when this run recorded the result (an earlier file of it), else 0."""
        query = sa.select(results.c.run_id).where(results.c.id == result_id)
        return int(self.conn.execute(query).scalar() == self.run_id)

    def _mark_preliminary(self, rows: Sequence[int], sha256: str) -> None:
        """Mark the results this run recorded from these rows of the file as preliminary."""
        for start in range(0, len(rows), IDS_PER_QUERY):
            query = (
                sa.select(results.c.id)
                .where(results.c.source_sha256 == sha256)
                .where(results.c.source_row.in_(rows[start : start + IDS_PER_QUERY]))
                .where(results.c.id.not_in(sa.select(preliminaries.c.result_id)))
            )
            for (result_id,) in self.conn.execute(query).all():
                self.conn.execute(sa.insert(preliminaries).values(result_id=int(result_id)))

    def commit(self) -> None:
        self.conn.execute(
            sa.update(runs).where(runs.c.id == self.run_id).values(results_added=self.added)
        )
        self.transaction.commit()
        self.conn.close()

    def rollback(self) -> None:
        with contextlib.suppress(sa.exc.SQLAlchemyError):
            self.transaction.rollback()
        self.conn.close()


# Values are compared to two decimals (as every output shows them: triage/numbers.py).
_SAME_VALUE_DECIMALS: Final = 2


def _triaged() -> Any:
    """The results that were triaged (not NOT_TRIAGED entries)."""
    return sa.or_(results.c.status.is_(None), results.c.status != NOT_TRIAGED)


def _content_key(row: Any) -> tuple[Any, ...] | None:
    """(patient, collection time, qualifier, value): the same result in another export; None
    when the patient or the collection time is unknown (then only the file's cell identifies
    it)."""
    when = row["collected_at"]
    if when is None or not row["patient_key"]:
        return None
    ng = row["prolactin_ng_ml"]
    value = None if ng is None else round(float(ng), _SAME_VALUE_DECIMALS)
    return (row["patient_key"], when, row["qualifier"] or "", value)


# The columns _content_key reads.
_CONTENT_COLUMNS: Final = ("patient_key", "collected_at", "qualifier", "prolactin_ng_ml")


def _allows(censored: Any, number: Any) -> bool:
    """A censored result (qualifier ``>`` or ``<``) allows this plain number of the same
    sample: ``>4240`` allows ``8900`` (its dilution), ``<25`` allows ``18``; never ``3000`` of
    ``>4240``.  Compared in ng/mL, so the number may be written in another unit."""
    bound, value = censored["prolactin_ng_ml"], number["prolactin_ng_ml"]
    if bound is None or value is None or (number["qualifier"] or ""):
        return False
    if censored["qualifier"] == ">":
        return round(float(value), _SAME_VALUE_DECIMALS) >= round(
            float(bound), _SAME_VALUE_DECIMALS
        )
    if censored["qualifier"] == "<":
        return round(float(value), _SAME_VALUE_DECIMALS) <= round(
            float(bound), _SAME_VALUE_DECIMALS
        )
    return False


def _value_key(row: Any) -> tuple[Any, ...]:
    """(patient, qualifier, value): _content_key without the collection time."""
    ng = row["prolactin_ng_ml"]
    value = None if ng is None else round(float(ng), _SAME_VALUE_DECIMALS)
    return (row["patient_key"], row["qualifier"] or "", value)


# How precisely a collection time is written, coarsest first: a date alone (held at midnight
# by the readers), to the minute (no seconds), to the second, finer.
_PRECISIONS: Final = ("day", "minute", "second", "finer")


def _precision(when: datetime) -> int:
    """The index in _PRECISIONS of the precision ``when`` was written to."""
    if when.microsecond:
        return _PRECISIONS.index("finer")
    if when.second:
        return _PRECISIONS.index("second")
    if when.hour or when.minute:
        return _PRECISIONS.index("minute")
    return _PRECISIONS.index("day")


def _truncated(when: datetime, precision: int) -> datetime:
    """``when`` to the given precision (_PRECISIONS)."""
    if precision == _PRECISIONS.index("day"):
        return when.replace(hour=0, minute=0, second=0, microsecond=0)
    if precision == _PRECISIONS.index("minute"):
        return when.replace(second=0, microsecond=0)
    if precision == _PRECISIONS.index("second"):
        return when.replace(microsecond=0)
    return when


def same_collection(
    stored: Any, given: Any, stored_offset: Any = None, given_offset: Any = None
) -> bool:
    """Two collection times agree to the precision both give: a date alone and a time of that
    day, ``09:00`` and ``09:00:30``, equal times; never a time and another (``09:00`` and
    ``09:45``), nor another day.  Where both give a UTC offset (``stored_offset``,
    ``given_offset``: "+01:00") they are compared as instants (``09:00+01:00`` is ``08:00Z``);
    where either gives none, as written (the wall-clock time)."""
    a, b = _datetime(stored), _datetime(given)
    if a is None or b is None:
        return False
    shift_a, shift_b = _offset(stored_offset), _offset(given_offset)
    if shift_a is not None and shift_b is not None:
        a, b = a - shift_a, b - shift_b
    precision = min(_precision(a), _precision(b))
    return _truncated(a, precision) == _truncated(b, precision)


def _same_sample_time(stored: Any, given: Any) -> bool:
    """``same_collection`` of two results' rows, with the offsets they were written with."""
    return same_collection(
        stored["collected_at"],
        given["collected_at"],
        stored.get("collected_offset"),
        given.get("collected_offset"),
    )


_OFFSET_TEXT: Final = re.compile(r"^([+-])(\d\d):?(\d\d)$")


def _offset(text: Any) -> timedelta | None:
    """A UTC offset as the readers keep it ("+01:00", "-0500"), None when none is given."""
    found = _OFFSET_TEXT.match(str(text or "").strip())
    if found is None:
        return None
    size = timedelta(hours=int(found[2]), minutes=int(found[3]))
    return -size if found[1] == "-" else size


def _standing() -> tuple[Any, ...]:
    """The conditions of a stored result that stands: not withdrawn, and triaged."""
    return (results.c.id.not_in(sa.select(withdrawals.c.result_id)), _triaged())


# What identifies a result without a collection time stored by another file (_held_undated).
_UNDATED_KEY: Final = (
    "patient_key",
    "birth_date",
    "sex",
    "qualifier",
    "prolactin_ng_ml",
    "prolactin_unit",
    "collected_at",
)


def _undated_key(row: Any) -> tuple[Any, ...] | None:
    """(patient id, birth date, sex, qualifier, value, unit) of a result without a collection
    time; None for a dated one, or one without a patient or a value."""
    ng = row["prolactin_ng_ml"]
    if row["collected_at"] is not None or not row["patient_key"] or ng is None:
        return None
    sex = str(row["sex"] or "").strip().upper()
    return (
        row["patient_key"],
        _date(row["birth_date"]),
        sex,
        row["qualifier"] or "",
        round(float(ng), _SAME_VALUE_DECIMALS),
        str(row["prolactin_unit"] or ""),
    )


_LABEL_NUMBERS: Final = re.compile(r"\d+")


def _label_is_date(label: Any, when: datetime) -> bool:
    """A visit label writing the day ``when`` as a date ("11.09.2026", "09/11/2026",
    "2026-09-11", "11.09.26"): three numbers, day, month and year in any of the orders a
    header's date is written (a two-digit year its last two digits)."""
    numbers = [int(n) for n in _LABEL_NUMBERS.findall(str(label or ""))]
    if len(numbers) != len(("day", "month", "year")) or not isinstance(when, datetime):
        return False
    short = when.year % 100
    orders = (
        (numbers[0], numbers[1], numbers[2]),  # day, month, year
        (numbers[1], numbers[0], numbers[2]),  # month, day, year
        (numbers[2], numbers[1], numbers[0]),  # year, month, day
    )
    return any((d, m) == (when.day, when.month) and y in (when.year, short) for d, m, y in orders)


def ack_texts(
    conn: Connection, ids: Sequence[Any], *, priorities: Sequence[Any] | None = None
) -> list[str]:
    """For each result id: its acknowledgements in words ("" for none), oldest first;
    with ``priorities`` (each result's now), only those that cover it (``ack_covers``)."""
    wanted = sorted({int(i) for i in ids if i is not None and not pd.isna(i)})
    said: dict[int, list[Any]] = {}
    for start in range(0, len(wanted), IDS_PER_QUERY):
        query = (
            sa.select(acks)
            .where(acks.c.result_id.in_(wanted[start : start + IDS_PER_QUERY]))
            .order_by(acks.c.at, acks.c.id)
        )
        for ack in conn.execute(query).mappings():
            said.setdefault(int(ack["result_id"]), []).append(ack)
    now = list(priorities) if priorities is not None else [None] * len(ids)
    return [
        "; ".join(
            ack_words(ack)
            for ack in said.get(int(i), [])
            if priorities is None or ack_covers(ack["priority"], p)
        )
        if i is not None and not pd.isna(i)
        else ""
        for i, p in zip(ids, now, strict=True)
    ]


def ack_covers(acknowledged: Any, priority: Any) -> bool:
    """An acknowledgement given at priority ``acknowledged`` covers a result now ``priority``:
    one given before version 4 (None) covers it as before; else the result is no more pressing
    than it was (a routine result acknowledged, then urgent: not acknowledged as urgent)."""
    if not isinstance(acknowledged, str) or not acknowledged:
        return True
    rank = {p: i for i, p in enumerate(PRIORITIES)}  # most pressing first
    return rank.get(str(priority), len(rank)) >= rank.get(acknowledged, len(rank))


def withdrawn_texts(conn: Connection, ids: Sequence[Any]) -> list[str]:
    """Per result id, how its lab withdrew it ("" for a result not withdrawn)."""
    wanted = sorted({int(i) for i in ids if i is not None and i == i})
    said: dict[int, str] = {}
    for start in range(0, len(wanted), IDS_PER_QUERY):
        query = sa.select(withdrawals).where(
            withdrawals.c.result_id.in_(wanted[start : start + IDS_PER_QUERY])
        )
        for row in conn.execute(query).mappings():
            where = f"{row['source_file']} row {row['source_row']}"
            said[int(row["result_id"])] = (
                f"{row['detail']}, {row['at']:%Y-%m-%d %H:%M} UTC ({where})"
                if row["detail"].startswith(SUPERSEDED)
                else f"withdrawn by the lab {row['at']:%Y-%m-%d %H:%M} UTC "
                f"({where}: {row['detail']})"
            )
    return [said.get(int(i), "") if i is not None and i == i else "" for i in ids]


def _correction_of(conn: Connection, result: dict[str, Any]) -> dict[str, Any] | None:
    """The result recorded from the row that withdrew ``result`` (an HL7 OBX-11 C: the
    corrected value) for the same patient and specimen; None for a plain withdrawal."""
    withdrawal = (
        conn.execute(sa.select(withdrawals).where(withdrawals.c.result_id == result["id"]))
        .mappings()
        .first()
    )
    if withdrawal is None or not result.get("specimen_id"):
        return None
    query = (
        sa.select(*PUBLIC_COLUMNS)
        .where(results.c.run_id == withdrawal["run_id"])
        .where(results.c.source_file == withdrawal["source_file"])
        .where(results.c.source_row == withdrawal["source_row"])
        .where(results.c.issuer == result["issuer"])
        .where(results.c.patient_key == identifier_key(result["patient_id"]))
        .where(results.c.id != result["id"])
    )
    wanted = identifier_key(result["specimen_id"])
    for found in conn.execute(query).mappings():
        if identifier_key(found["specimen_id"]) == wanted:
            return dict(found)
    return None


def ack_words(ack: Any) -> str:
    """'told Dr Lee (GP) by J. Smith, 2026-12-01 14:05 UTC: phoned'"""
    told = f"told {ack['told']} " if ack["told"] else "communicated "
    text = f"{told}by {ack['acknowledged_by']}, {ack['at']:%Y-%m-%d %H:%M} UTC"
    return f"{text}: {ack['note']}" if ack["note"] else text


RESULT_PREFIX: Final = "R-"


def format_result_id(result_id: int) -> str:
    """The id people type (``ack R-12``) and the reports show."""
    return f"{RESULT_PREFIX}{result_id}"


def parse_result_id(text: str) -> int:
    """'R-12', 'r12' or '12' -> 12; ValueError otherwise."""
    value = text.strip()
    if value[: len(RESULT_PREFIX)].upper() == RESULT_PREFIX:
        value = value[len(RESULT_PREFIX) :]
    elif value[:1].upper() == RESULT_PREFIX[0]:
        value = value[1:]
    if not value.isdigit() or int(value) <= 0:
        raise ValueError(f"{text!r} is not a result id (such as {RESULT_PREFIX}12)")
    return int(value)


def reference_digest(path: str) -> str:
    """The first 12 hex digits of the reference-set file's SHA-256 ("" when not a file)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    except OSError:
        return ""


def open_history(location: str | os.PathLike[str], *, read_only: bool = False) -> History:
    """The history at ``location``; ``read_only``: for commands that only read it (an SQLite
    file is then opened read-only, never created, journal-switched or upgraded)."""
    return History(history_url(location), read_only=read_only)


def reason(exc: sa.exc.SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _utc_naive(value: datetime) -> datetime:
    """Stored times are UTC without a zone (both databases compare them alike)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()
    return value


def _datetime(value: Any) -> datetime | None:
    value = _cell(value)
    if value is None:
        return None
    stamp: Any = pd.Timestamp(value)
    if pd.isna(stamp):
        return None
    return _utc_naive(stamp.to_pydatetime()) if stamp.tzinfo else stamp.to_pydatetime()


def _date(value: Any) -> date | None:
    when = _datetime(value)
    return None if when is None else when.date()
