"""The results history: earlier results, delta checks and acknowledged urgent results.

- ``store``: the database (SQLite or PostgreSQL, SQLAlchemy Core), a transaction per run;
- ``delta``: the pure delta check of a chunk of results against the patient's earlier ones;
- this module: the options (``HistoryOptions``, from the command line and the config file's
  ``[history]`` table) and ``HistoryRecorder``, what a run does with the history chunk by chunk.

The pipeline (triage/pipeline.py) is the only caller during a run; the ``ack`` and ``history``
commands use the store directly.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from triage.io.identifiers import identifier_key
from triage.schema import (
    HISTORY_COLUMNS,
    WITHDRAWS,
    ConfigError,
    Rejected,
    TriageError,
    Withdrawal,
)

if TYPE_CHECKING:
    from triage.history.store import Conflict

CANCELLED: Final = "cancelled_result"  # the reason code of a row its own file set aside


class HistoryError(TriageError):
    """The history cannot be opened, is of a newer schema, or is busy (exit 3, one line)."""

    exit_code = 3
    environmental = True


class ResultNotFoundError(HistoryError):
    """``ack`` or ``history`` named a result or patient the history does not hold (exit 2)."""

    exit_code = 2


class UnsupportedDatabaseError(HistoryError):
    """A history URL names a database other than SQLite or PostgreSQL (a usage error, exit 2)."""

    exit_code = 2
    environmental = False


# The database systems a history may live in (the scheme of a URL, before any ``+driver``).
SUPPORTED_DATABASES: Final = frozenset({"sqlite", "postgresql", "postgres"})


def check_database(location: str | os.PathLike[str]) -> None:
    """Refuse a history URL of a database the tool does not support, before any driver is
    looked for; a plain path (an SQLite file) always passes."""
    text = os.fspath(location)
    if "://" not in text:
        return
    scheme = text.split("://", 1)[0].split("+", 1)[0].strip().lower()
    if scheme not in SUPPORTED_DATABASES:
        raise UnsupportedDatabaseError(
            f"unsupported database {scheme!r}; use an SQLite file path or postgresql://…"
        )


# The keys of the config's [history] table: (what the value must be, the words saying so).
# ``issuers`` and ``ack_within_hours`` are checked further below (a table, a positive number).
_HISTORY_TEXT_KEYS: Final = ("url", "path", "issuer")
HISTORY_KEYS: Final = frozenset({*_HISTORY_TEXT_KEYS, "issuers", "ack_within_hours"})

DEFAULT_FILE: Final = "history.db"  # the batch keeps it beside its ledger
ENV_HISTORY: Final = "PROLACTIN_TRIAGE_HISTORY"


@dataclass(frozen=True)
class HistoryOptions:
    """Where the history is and how a run's sources are told apart.

    ``issuer``: the assigning authority of the patient ids of every input (default ``""``);
    ``issuers``: (file-name pattern, issuer) pairs, the first matching pattern wins — ids from
    different issuers are different patients even when they are spelled alike.
    ``ack_within_hours``: an urgent result unacknowledged this long is listed again (None: the
    value in thresholds.toml)."""

    location: str
    issuer: str = ""
    issuers: tuple[tuple[str, str], ...] = ()
    ack_within_hours: float | None = None

    def issuer_for(self, file_name: str) -> str:
        return _issuer_for(file_name, self.issuer, self.issuers)


@dataclass(frozen=True)
class FileIssuers:
    """The issuers the config's ``[history]`` table gives the inputs (``issuer``,
    ``[history.issuers]``), with or without a history: the patient pages keep the ids of two
    issuers apart in a run without one too."""

    issuer: str = ""
    issuers: tuple[tuple[str, str], ...] = ()

    def issuer_for(self, file_name: str) -> str:
        return _issuer_for(file_name, self.issuer, self.issuers)


def _issuer_for(file_name: str, default: str, issuers: Sequence[tuple[str, str]]) -> str:
    """The issuer of the first file-name pattern ``file_name`` matches, else ``default``."""
    name = Path(file_name).name
    for pattern, issuer in issuers:
        if fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(file_name, pattern):
            return issuer
    return default


def with_file_issuer(frame: pd.DataFrame, issuer: str) -> pd.DataFrame:
    """An input's canonical frame whose rows name no issuer of their own (``patient_issuer``:
    HL7 PID-3.4, a FHIR identifier's assigner or system, a patient_issuer column) given the
    file's (``issuer_for``): the patient pages, the history, urgent.txt and --fhir then key
    the patient by the same issuer (docs/history.md "Identity")."""
    if not issuer or not len(frame):
        return frame
    if "patient_issuer" in frame.columns:
        named = frame["patient_issuer"].astype("string").str.strip().fillna("")
        filled = named.mask(named == "", issuer)
    else:
        filled = pd.Series(issuer, index=frame.index)
    frame["patient_issuer"] = filled.astype("string")
    return frame


def file_issuers(
    table: Mapping[str, Any] | str | None, *, config_path: str = "config"
) -> FileIssuers | None:
    """The inputs' issuers the config's ``[history]`` table names (None when it names none)."""
    if not isinstance(table, Mapping):
        return None
    issuer = table.get("issuer", "")
    issuers = _issuer_table(table.get("issuers", {}), config_path)
    if not (isinstance(issuer, str) and issuer) and not issuers:
        return None
    return FileIssuers(issuer=issuer if isinstance(issuer, str) else "", issuers=issuers)


def _issuer_table(raw: Any, config_path: str) -> tuple[tuple[str, str], ...]:
    """``[history.issuers]``: (file-name pattern, issuer) pairs; ConfigError when malformed."""
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        raise ConfigError(
            config_path,
            '[history.issuers] must map file-name patterns to issuers ("north-*.csv" = "NORTH")',
            field="history.issuers",
        )
    return tuple(raw.items())


def history_options(
    location: str | os.PathLike[str] | None,
    table: Mapping[str, Any] | str | None,
    *,
    config_path: str = "config",
    default: str | os.PathLike[str] | None = None,
) -> HistoryOptions | None:
    """The history of a command: ``location`` (option or environment), else the ``[history]``
    table's ``url``/``path``, else ``default`` (the batch's file beside its ledger); None when
    there is none.  Raises ConfigError for a malformed table."""
    if isinstance(table, str):  # `history = "lab.db"` at the top of the config: its path
        table = {"url" if "://" in table else "path": table}
    if table is not None and not isinstance(table, Mapping):
        raise ConfigError(
            config_path,
            'history must be a [history] table (path = "lab.db" or url = "postgresql://...") '
            "or a path",
            field="history",
        )
    table = dict(table or {})
    unknown = sorted(set(table) - HISTORY_KEYS)
    if unknown:
        raise ConfigError(
            config_path, f"[history]: unknown key(s) {', '.join(unknown)}", field="history"
        )
    for key in _HISTORY_TEXT_KEYS:
        if key in table and not isinstance(table[key], str):
            raise ConfigError(
                config_path,
                f"history.{key}: expected a string (text in quotes), got {table[key]!r}",
            )
    where = location or table.get("url") or table.get("path") or default
    if not where:
        return None
    check_database(where)
    if table.get("path") and not location and "://" not in str(where):
        where = Path(config_path).parent / Path(str(where)).expanduser()
    issuer = table.get("issuer", "")
    issuers = _issuer_table(table.get("issuers", {}), config_path)
    within = table.get("ack_within_hours")
    if within is not None and (
        isinstance(within, bool) or not isinstance(within, int | float) or within <= 0
    ):
        raise ConfigError(
            config_path, "[history] ack_within_hours must be a positive number", field="history"
        )
    return HistoryOptions(
        location=os.fspath(where),
        issuer=issuer,
        issuers=issuers,
        ack_within_hours=float(within) if within is not None else None,
    )


class HistoryRecorder:
    """What one run does with the history: open it and its run transaction, annotate and
    record each chunk of results, list the urgent results still unacknowledged, commit once the
    reports are published (or roll back).  Savepoints follow the output session's, so a file
    whose rows made the rules fail leaves nothing in the history either."""

    def __init__(
        self,
        options: HistoryOptions,
        *,
        started_at: datetime,
        tool_version: str,
        reference_set: str,
        reference_path: str,
    ) -> None:
        from triage.history.store import open_history, reference_digest

        self.options = options
        self.history = open_history(options.location)
        try:
            self.run = self.history.begin_run(
                started_at=started_at,
                tool_version=tool_version,
                reference_set=reference_set,
                reference_digest=reference_digest(reference_path),
            )
        except Exception:
            self.history.close()
            raise
        self._savepoint: Any = None
        # the stored results the file being read withdraws or corrects (begin_file): never its
        # rows' earlier results, though withdrawn only once the file is read (withdraw)
        self._withdrawing: set[int] = set()
        # the last file's withdrawals and corrections that matched no stored result
        self.unmatched: list[Withdrawal] = []
        # the file's results of a specimen and collection time another file stored with another
        # value, no correction said (store.Conflict): warned, both kept
        self.conflicts: list[Conflict] = []

    def savepoint(self) -> None:
        self._savepoint = self.run.conn.begin_nested()

    def rollback_to_savepoint(self) -> None:
        if self._savepoint is not None:
            self._savepoint.rollback()
            self._savepoint = None

    def release_savepoint(self) -> None:
        if self._savepoint is not None:
            self._savepoint.commit()
            self._savepoint = None

    def process(
        self,
        results: pd.DataFrame,
        *,
        file: str,
        sha256: str,
        thresholds: Any,
        offsets: pd.Series | None = None,
    ) -> pd.DataFrame:
        """One chunk of one file's results, annotated (delta check, trend, identity) and
        recorded; the result ids and acknowledgements added.  ``offsets``: the input's
        ``collected_offset`` by row (HL7, FHIR), stored with each result so that the same
        instant written in another offset is the same collection."""
        import sqlalchemy as sa

        from triage.history.delta import annotate, chunk_ids
        from triage.history.store import ack_texts, describe

        issuers = _row_issuers(results, self.options.issuer_for(file))
        try:
            parts = []
            # each issuer's patients apart: the same number from another issuer is another
            # patient (HL7 PID-3.4; else the file's issuer from the options)
            for issuer in dict.fromkeys(issuers) or [self.options.issuer_for(file)]:
                part = results[[i == issuer for i in issuers]] if issuers else results
                ids = part["patient_id"].dropna().astype(str).tolist() if len(part) else []
                earlier = self.run.earlier(issuer, ids, excluded=self._withdrawing)
                held = self.run.held(_offset_of(part, offsets), issuer=issuer, sha256=sha256)
                out = annotate(part, earlier, thresholds, held)
                stored = _offset_of(out, offsets)
                out["result_id"] = self.run.record(stored, issuer=issuer, sha256=sha256)
                self.conflicts += self.run.conflicts(
                    stored.assign(result_id=out["result_id"]),
                    issuer=issuer,
                    sha256=sha256,
                    excluded=self._withdrawing,
                )
                chunk_ids(out["history_details"].tolist(), out["result_id"].tolist())
                parts.append(out)
            out = pd.concat(parts).loc[results.index] if len(parts) > 1 else parts[0]
            said = ack_texts(
                self.run.conn, out["result_id"].tolist(), priorities=out["priority"].tolist()
            )
        except sa.exc.SQLAlchemyError as exc:
            raise HistoryError(
                f"history: {describe(self.history.url)}: could not record the results of "
                f"{Path(file).name} ({type(exc).__name__})"
            ) from None
        out["acknowledged"] = pd.Series(said, index=out.index, dtype="string")
        return out[[c for c in out.columns if c not in HISTORY_COLUMNS] + list(HISTORY_COLUMNS)]

    def begin_file(
        self,
        rejected: Sequence[Rejected],
        corrections: Sequence[Withdrawal] = (),
        *,
        file: str,
        sha256: str,
    ) -> list[str]:
        """Before a file's results are compared: the stored results its rows withdraw or
        correct (``withdraw``, once the file is read) are set aside at once, so that a file
        holding a correction of an earlier result and a new result compares the new one with
        the corrected value, never with the withdrawn one (as two files would).  Returns the
        file's warnings (its content recorded by an earlier run)."""
        import sqlalchemy as sa

        from triage.history.store import describe
        from triage.notices import rerun_warning

        self.run.begin_file()
        self.conflicts = []
        items = _withdrawal_items(rejected, corrections)
        try:
            self._withdrawing = (
                self.run.withdrawing(items, issuer=self.options.issuer_for(file), sha256=sha256)
                if items
                else set()
            )
            before = self.run.recorded_before(sha256) if sha256 else None
            return [] if before is None else [rerun_warning(*before)]
        except sa.exc.SQLAlchemyError as exc:
            raise HistoryError(
                f"history: {describe(self.history.url)}: could not read the results "
                f"{Path(file).name} withdraws ({type(exc).__name__})"
            ) from None

    @property
    def undated_held(self) -> list[tuple[int, int]]:
        """(row, result id) of the file's undated results taken for stored ones by value."""
        found: list[tuple[int, int]] = self.run.undated_held
        return found

    def withdraw(
        self,
        rejected: Sequence[Rejected],
        corrections: Sequence[Withdrawal] = (),
        *,
        file: str,
        sha256: str,
    ) -> int:
        """The results earlier runs recorded that this file's rows withdraw (Rejected.withdraws)
        or correct: the same patient and specimen; returns how many."""
        import sqlalchemy as sa

        from triage.history.store import describe

        name = Path(file).name
        items = _withdrawal_items(rejected, corrections)
        self._withdrawing = set()
        self.unmatched = []
        if not items:
            return 0
        try:
            count: int = self.run.withdraw(
                items, file=name, issuer=self.options.issuer_for(file), sha256=sha256
            )
            self.unmatched = _unmatched(self.run.unmatched, rejected)
            return count
        except sa.exc.SQLAlchemyError as exc:
            raise HistoryError(
                f"history: {describe(self.history.url)}: could not record the results "
                f"{name} withdraws ({type(exc).__name__})"
            ) from None

    def record_untriaged(
        self, rejected: Sequence[Rejected], *, file: str, sha256: str
    ) -> list[Rejected]:
        """The file's rows listed with the urgent results though not triaged
        (Rejected.possibly_urgent), kept as entries reminded until acknowledged; returns
        ``rejected`` with the entry's id of each such row (Rejected.result_id)."""
        from dataclasses import replace

        import sqlalchemy as sa

        from triage.history.store import describe

        rows = [r for r in rejected if r.possibly_urgent]
        if not rows:
            return list(rejected)
        name = Path(file).name
        try:
            ids = self.run.record_untriaged(
                rows, file=name, issuer=self.options.issuer_for(file), sha256=sha256
            )
        except sa.exc.SQLAlchemyError as exc:
            raise HistoryError(
                f"history: {describe(self.history.url)}: could not record the rows of {name} "
                f"that may be urgent ({type(exc).__name__})"
            ) from None
        entry = {id(r): i for r, i in zip(rows, ids, strict=True)}
        return [replace(r, result_id=entry[id(r)]) if id(r) in entry else r for r in rejected]

    @property
    def withdrawn_ids(self) -> set[int]:
        """The stored results this run withdrew so far (of earlier runs and of its own earlier
        files)."""
        gone: set[int] = self.run.withdrawn_ids
        return gone

    @property
    def withdrawn_from_this_run(self) -> int:
        """Of the last file's withdrawals, how many withdrew a result an earlier file of this
        run recorded (not an earlier run)."""
        count: int = self.run.withdrawn_same_run
        return count

    def overdue(self, now: datetime, thresholds: Any) -> pd.DataFrame:
        """Urgent results of earlier runs not acknowledged within the set time, less those this
        run withdraws (its withdrawals are not committed yet, so the query does not see them: a
        result posted to the wrong patient was listed as not yet acknowledged by the very run
        that withdrew it)."""
        rows = _overdue(self.history, self.options, now, thresholds)
        # and the possibly urgent entries this run triaged as not urgent (the lab sent the row
        # again with its unit): the query does not see that either
        gone = self.run.withdrawn_ids | self.run.calmed_ids
        if gone and len(rows):
            rows = rows[~rows["id"].astype("int64").isin(gone)].reset_index(drop=True)
        return rows

    def commit(self) -> None:
        """Save the run; a history that cannot take it (a full disk, a read-only file, a lost
        server) is a HistoryError (the environment's, not the input's)."""
        import sqlalchemy as sa

        from triage.history.store import describe, reason

        try:
            self.run.commit()
        except sa.exc.SQLAlchemyError as exc:
            with contextlib.suppress(Exception):
                self.run.rollback()
            raise HistoryError(
                f"history: {describe(self.history.url)}: could not save this run's results "
                f"({reason(exc)}); no report was published"
            ) from None
        finally:
            self.history.close()

    def rollback(self) -> None:
        try:
            self.run.rollback()
        finally:
            self.history.close()


def _withdrawal_items(
    rejected: Sequence[Rejected], corrections: Sequence[Withdrawal]
) -> list[Withdrawal]:
    """A file's withdrawals: its rows with a void status (Rejected.withdraws) and the reader's
    corrections; a row the reader also gave as a withdrawal (with its issuer) counts once."""
    given = {c.source_row for c in corrections if c.kind == WITHDRAWS}
    items = [
        Withdrawal(r.source_row, r.patient_id, r.specimen_id, r.detail)
        for r in rejected
        if r.withdraws and r.source_row not in given
    ]
    return items + list(corrections)


def worded_corrections(
    frame: pd.DataFrame, corrections: Sequence[Withdrawal] = ()
) -> list[Withdrawal]:
    """The rows of a file's canonical frame whose comment says in words that the result corrects
    an earlier report of its sample ("corrected result - previous report in error":
    values.says_corrected), as corrections (Withdrawal) of the patient's result of that specimen
    an earlier file stored, as a corrected result status is; a row the reader already gave as a
    correction (its status column) counts once."""
    from triage.values import says_corrected

    if "comments" not in frame.columns or "specimen_id" not in frame.columns or not len(frame):
        return []
    given = {c.source_row for c in corrections if c.kind == WITHDRAWS}
    n = len(frame)
    columns = {
        name: frame[name].tolist() if name in frame.columns else [None] * n
        for name in ("comments", "patient_id", "specimen_id", "patient_issuer", "source_row")
    }
    found: list[Withdrawal] = []
    for comment, patient, specimen, issuer, row in zip(*columns.values(), strict=True):
        words = says_corrected(comment)
        if words is None or int(row) in given or not _filled(patient):
            continue
        found.append(
            Withdrawal(
                int(row),
                str(patient),
                str(specimen) if _filled(specimen) else "",
                f"corrected (its comment says {words!r})",
                WITHDRAWS,
                str(issuer) if _filled(issuer) else "",
            )
        )
    return found


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def unmatched_warning(items: Sequence[Withdrawal]) -> str:
    """The file's warning of withdrawals and corrections that matched no stored result."""
    from triage.notices import unmatched_warning as warning

    rows = sorted({item.source_row for item in items})
    return warning(rows, sum(1 for item in items if not identifier_key(item.specimen_id)))


def _unmatched(items: Sequence[Withdrawal], rejected: Sequence[Rejected]) -> list[Withdrawal]:
    """The withdrawals and corrections that matched no stored result, less those whose result
    the file itself held (a correction of a result of the same file: the reader set that one
    aside, its row rejected for the same patient and specimen)."""
    own = {
        (identifier_key(r.patient_id), identifier_key(r.specimen_id), r.source_row)
        for r in rejected
        if r.reason_code == CANCELLED and r.patient_id and identifier_key(r.specimen_id)
    }
    return [
        item
        for item in items
        if not any(
            (identifier_key(item.patient_id), identifier_key(item.specimen_id))
            == (patient, specimen)
            and row != item.source_row
            for patient, specimen, row in own
        )
    ]


def _row_issuers(results: pd.DataFrame, default: str) -> list[str]:
    """Each result's issuer: the one its input names (HL7 PID-3.4: ``patient_issuer``), else
    ``default`` (the file's, from the options)."""
    if "patient_issuer" not in results.columns:
        return [default] * len(results)
    return [
        value.strip() if isinstance(value, str) and value.strip() else default
        for value in results["patient_issuer"].tolist()
    ]


def _overdue(history: Any, options: HistoryOptions, now: datetime, thresholds: Any) -> pd.DataFrame:
    hours = options.ack_within_hours or thresholds.get("ack_within_hours")
    rows: pd.DataFrame = history.unacknowledged_urgent(reported_before=now - timedelta(hours=hours))
    return rows


def overdue_urgent(options: HistoryOptions, now: datetime, thresholds: Any) -> pd.DataFrame:
    """Urgent results recorded by earlier runs and not acknowledged within the set time, read
    without a run of their own: what a batch run with no new file still has to say (they are
    listed again by every run until acknowledged)."""
    import sqlalchemy as sa

    from triage.history.store import describe, open_history

    history = open_history(options.location)
    try:
        return _overdue(history, options, now, thresholds)
    except sa.exc.SQLAlchemyError as exc:
        raise HistoryError(
            f"history: {describe(history.url)}: could not list the unacknowledged urgent results "
            f"({type(exc).__name__})"
        ) from None
    finally:
        history.close()


def _offset_of(frame: pd.DataFrame, offsets: pd.Series | None) -> pd.DataFrame:
    """``frame`` with the input's ``collected_offset`` of each of its rows (the history stores
    it; the results frame itself does not carry it)."""
    if offsets is None or "collected_offset" in frame.columns:
        return frame
    return frame.assign(collected_offset=offsets.reindex(frame.index))
