"""Cron mode: triage each new file of an inbox once, one output folder per input.

Safe to run every few minutes, unattended, on an inbox that receives anything:

- **one run per inbox**: a lock in the inbox's state folder (``<inbox>/.prolactin-triage/``);
  a second run, whatever its ``--out``, exits 75 and does nothing;
- **each file once**: the ledger (``triage.ledger``, SQLite) in the same state folder, keyed by
  the file's content, so a file copied in again under another name is not triaged twice, while a
  file that failed is tried again when it is dropped in again (or with ``retry_failed``);
- **a snapshot, not a moving target**: files modified within ``settle_seconds`` wait for the next
  run; the settle check is made again just before reading, the file is copied out of the inbox
  (its SHA-256 computed while copying) and checked again after triage: a file that changed
  meanwhile is left for the next run;
- **each file alone**: a file is read and triaged in a child process with a time and memory
  limit (``triage.isolate``), so a hostile file or a native library's crash fails that file only:
  it moves to ``failed/`` with an ``.error.txt`` beside it and the run goes on;
- **publishing is recoverable**: the output folder is written under a hidden ``.partial`` name and
  renamed when complete; the ledger records the folder name before the rename, so a run killed
  between the rename and the ledger's commit is finished by the next run (it adopts the folder
  instead of triaging the file again); leftovers of killed runs (``.partial`` folders, snapshots)
  are removed by the next run;
- **urgent results speak**: the plain-text list of urgent results (``triage.urgent``) is returned
  for the command to print whatever ``--quiet`` says, and written as ``urgent.txt`` in the
  file's output folder.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import stat
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

from filelock import FileLock, Timeout

from triage import TOOL_NAME, __version__
from triage.batch_defaults import (
    DEFAULT_FILE_TIMEOUT,
    DEFAULT_MEMORY_LIMIT_MB,
    DEFAULT_SETTLE_SECONDS,
    INCOMPLETE_GRACE_SECONDS,
    TRANSFER_SUFFIXES,
)
from triage.faults import checkpoint
from triage.history import HistoryError
from triage.io.atomic import atomic_write_bytes, ensure_private_dir, file_mode, fsync_dir
from triage.io.delimited import decode_bytes
from triage.io.formats import SUPPORTED_EXTENSIONS, told_by_content
from triage.io.readers import display_name, is_hidden_name
from triage.isolate import IsolatedFailure, run_isolated
from triage.ledger import Entry, Ledger, LedgerUnwritableError
from triage.outdir import LOCK_NAME as OUT_LOCK_NAME
from triage.outdir import OutputError
from triage.output.options import RESULTS_CSV
from triage.output.redact import Redactor
from triage.pipeline import (
    TriageRequest,
    check_settings,
    fail_on_matches,
    overdue_reminders,
    run_triage,
)
from triage.schema import (
    EXIT_FAIL_ON,
    EXIT_OK,
    EXIT_SOME_INPUTS_FAILED,
    InputFileError,
    LockHeldError,
    TriageError,
)
from triage.urgent import (
    REPORT_NOT_PUBLISHED,
    REPORT_NOT_WRITTEN,
    URGENT_LINE_START,
    URGENT_TXT,
    untriaged_urgent_count,
)

log = logging.getLogger("triage")

STATE_DIR: Final = ".prolactin-triage"
LOCK_NAME: Final = "lock"
LEDGER_NAME: Final = "ledger.sqlite3"
WORK_DIR: Final = "work"
KNOWN_FILES: Final = "known-files.json"  # name -> size, time, inode, device, SHA-256 when done
FUTURE_SEEN: Final = "future-dated.json"  # files dated in the future: when first seen unchanged
FAILED_DIR: Final = "failed"
ERROR_SUFFIX: Final = ".error.txt"
PARTIAL_SUFFIX: Final = ".partial"
LEGACY_LEDGER: Final = ".prolactin-triage-ledger.json"  # versions before the SQLite ledger
EXIT_NO_USABLE_INPUT: Final = 3
EXIT_OUTPUT_FAILED: Final = OutputError.exit_code  # the output folder or its disk (as `run`)
_COPY_CHUNK: Final = 1 << 20

# "deferred": not triaged because the surroundings failed (the history, the output folder, the
# disk), left in the inbox for the next run, never quarantined.
ItemStatus = Literal["done", "adopted", "failed", "duplicate", "unsettled", "changed", "deferred"]


class BatchError(TriageError):
    """The inbox's state folder or the output folder cannot be made, locked or written
    (permissions, a read-only or full file system): the set-up's error, as `run`'s output
    folder is (exit 2; 3 is for inputs none of which is usable, contract §6).  No file is
    touched or blamed."""

    exit_code = 2
    environmental = True


@dataclass(frozen=True)
class BatchSettings:
    """How the inbox is worked (the command's options)."""

    archive: Path | None = None
    settle_seconds: float = DEFAULT_SETTLE_SECONDS
    retry_failed: bool = False
    file_timeout: float | None = DEFAULT_FILE_TIMEOUT
    memory_limit_mb: int | None = DEFAULT_MEMORY_LIMIT_MB


@dataclass
class BatchItem:
    file: str  # the file name as shown (undecodable bytes escaped)
    status: ItemStatus
    output_dir: Path | None = None
    message: str = ""
    fail_on_matches: int = 0
    urgent: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # triage.notices: said whatever --quiet
    sha256: str = ""  # the ledger key, once the file was triaged
    # deferred: the status `run` gives for the same failure (2 the output folder or the disk,
    # 3 the history), the run's when no file was triaged and no file failed
    exit_code: int = 0
    # the history's result ids its urgent lines list (pipeline.TriageOutcome.urgent_ids): the
    # batch's reminders leave them out (a file sending an overdue urgent result again says it)
    urgent_ids: frozenset[int] = frozenset()


# Called as each file is finished, so that what it found is printed at once (a run killed later
# must not swallow an urgent result it already published).
ItemHook = Callable[[BatchItem], None]


@dataclass
class BatchOutcome:
    items: list[BatchItem] = field(default_factory=list)
    # Urgent results of earlier runs still unacknowledged, listed when no file was triaged
    # (a triaged file's run lists them itself): cron mails them on a quiet night too.
    reminders: list[str] = field(default_factory=list)
    # Files dated in the future, seen for the first time (batch._Run._unchanged_for)
    future_dated: list[str] = field(default_factory=list)
    # the reminders --fail-on matched (every level matches them: urgent results not yet
    # acknowledged), so that a quiet night still exits 10 while one is overdue
    reminder_matches: int = 0

    @property
    def fail_on_matches(self) -> int:
        return sum(i.fail_on_matches for i in self.items) + self.reminder_matches

    @property
    def exit_code(self) -> int:
        if self.fail_on_matches:
            return EXIT_FAIL_ON
        failed = any(i.status in ("failed", "deferred") for i in self.items)
        done = any(i.status in ("done", "adopted") for i in self.items)
        deferred = [i.exit_code for i in self.items if i.status == "deferred" and i.exit_code]
        if failed and not done and deferred and not any(i.status == "failed" for i in self.items):
            return deferred[0]  # the surroundings failed, no input: as `run` says it (2, 3)
        if failed and not done:
            return EXIT_NO_USABLE_INPUT
        return EXIT_SOME_INPUTS_FAILED if failed else EXIT_OK

    @property
    def urgent(self) -> list[str]:
        return [line for item in self.items for line in item.urgent]


@dataclass(frozen=True)
class _Worked:
    """What the isolated triage of one file sends back (small and picklable)."""

    exit_code: int
    fail_on_matches: int
    results: int
    rejected: int
    urgent: list[str]
    notices: list[str]
    # The surroundings failed after the file was triaged (the output folder, the disk, the
    # history: an environmental TriageError): why, one line; ``urgent`` holds what was found.
    failure: str = ""
    failure_code: int = 0  # its exit status (TriageError.exit_code)
    # the failure was the history's (HistoryError): the next files are triaged all the same
    # (without it), so that their urgent results are said too, and deferred in turn
    history_failed: bool = False
    urgent_ids: frozenset[int] = frozenset()  # TriageOutcome.urgent_ids


def shown(name: str) -> str:
    """A file name safe to print and store: undecodable bytes and control characters escaped
    (a newline in a name must not forge a line of the log)."""
    return display_name(Path(name))


def state_dir(inbox: Path) -> Path:
    return inbox / STATE_DIR


def failed_dir(inbox: Path, archive: Path | None) -> Path:
    return (archive or inbox) / FAILED_DIR


def run_batch(
    inbox: Path,
    out: Path,
    template: TriageRequest,
    settings: BatchSettings | None = None,
    *,
    now: datetime | None = None,
    on_item: ItemHook | None = None,
) -> BatchOutcome:
    """Triage every new, settled file of the inbox; ``template`` gives the options of each run."""
    settings = settings or BatchSettings()
    # The settings (--ranges, --columns, the templates, the logo, the PDF engine) before the
    # inbox is touched: their mistake is the same for every file and is no file's fault (exit 2).
    check_settings(template, now=now)
    group = template.output_options.group_readable
    try:
        state = ensure_private_dir(state_dir(inbox), group_readable=group)
        ensure_private_dir(out, group_readable=group)
    except OSError as exc:
        raise BatchError(
            f"cannot prepare the inbox or output folder: {exc.strerror or exc}"
            + (f" ({exc.filename})" if exc.filename else "")
        ) from None
    lock = FileLock(str(state / LOCK_NAME), timeout=0, mode=file_mode(group))
    try:
        lock.acquire()
    except Timeout:
        raise LockHeldError(
            f"another batch run is working on the inbox {inbox}; nothing done, try later"
        ) from None
    except OSError as exc:  # permission denied, read-only: the set-up's, not a bug
        raise BatchError(f"cannot lock the inbox {inbox}: {exc.strerror or exc}") from None
    # The output folder's lock too, as `run` takes it: another batch job or a `run` writing there
    # would remove this job's unfinished folders as leftovers of a killed run.
    out_lock = FileLock(str(out / OUT_LOCK_NAME), timeout=0, mode=file_mode(group))
    try:
        out_lock.acquire()
    except Timeout:
        lock.release()
        raise LockHeldError(f"another run is writing to {out}; nothing done, try later") from None
    except OSError as exc:
        lock.release()
        raise BatchError(f"cannot lock the output folder {out}: {exc.strerror or exc}") from None
    try:
        if template.history is not None:
            # imported before the workers are forked: a worker under --memory-limit may not be
            # able to map a new shared library (SQLAlchemy's) into its address space
            import triage.history.store  # noqa: F401
        with Ledger(state / LEDGER_NAME, file_mode=file_mode(group)) as ledger:
            work = _Run(inbox, out, template, settings, ledger, now)
            work.on_item = on_item
            return work.run()
    finally:
        with contextlib.suppress(OSError):
            (out / OUT_LOCK_NAME).unlink()  # while holding it, as outdir.locked_folder does
        out_lock.release()
        lock.release()


class _Run:
    def __init__(
        self,
        inbox: Path,
        out: Path,
        template: TriageRequest,
        settings: BatchSettings,
        ledger: Ledger,
        now: datetime | None,
    ) -> None:
        self.inbox = inbox
        self.out = out
        options = template.output_options
        if options.redact and not options.redact_key:  # one key: the folders' labels are the
            key = Redactor.for_run(None).key  # reports' (a key file gives one in the CLI)
            template = replace(template, output_options=replace(options, redact_key=key))
        self.template = template
        self.settings = settings
        self.ledger = ledger
        self.at = now or datetime.now(UTC)
        self.work = state_dir(inbox) / WORK_DIR
        self.group = template.output_options.group_readable
        self.on_item: ItemHook | None = None
        self.outcome = BatchOutcome()
        self.stopped = ""  # why the surroundings failed (IsolatedFailure.environmental)
        self.stopped_code = EXIT_OUTPUT_FAILED  # its exit status (BatchItem.exit_code)
        self._known: dict[str, object] | None = None  # KNOWN_FILES, read when first needed
        self._known_changed = False
        # The urgent lines of the file being handled, from its triage until they are said: a
        # failure on the way (the ledger, a move) says them with the file's error (_guarded)
        self._unsaid: list[str] = []

    def run(self) -> BatchOutcome:
        self._import_legacy_ledger()
        outcome = self.outcome
        for adopted in self._recover():
            self._report(outcome, adopted)
        self._remove_leftovers()
        ready, unsettled = self._candidates()
        for path in unsettled:
            self._report(outcome, BatchItem(shown(path.name), "unsettled"))
        for path in ready:
            if self.stopped:  # the history or the output cannot be written: nothing more is tried
                name = shown(path.name)
                why = f"{name}: not tried ({self.stopped}); left in the inbox for the next run"
                untried = BatchItem(name, "deferred", message=why, exit_code=self.stopped_code)
                self._report(outcome, untried)
                continue
            item = self._guarded(path)
            if item is not None:
                self._report(outcome, item)
        self._save_known(ready)
        shutil.rmtree(self.work, ignore_errors=True)
        own = {i for item in outcome.items for i in item.urgent_ids}
        # once for the whole run, less the results its files listed as theirs (said there)
        outcome.reminders = overdue_reminders(self.template, self.at, own)
        listed = untriaged_urgent_count("\n".join(outcome.reminders))
        outcome.reminder_matches = fail_on_matches(self.template.fail_on, {}, listed)
        return outcome

    def _report(self, outcome: BatchOutcome, item: BatchItem) -> None:
        outcome.items.append(item)
        if self.on_item is not None:
            self.on_item(item)
        if item.sha256 and item.status in ("done", "adopted"):
            try:
                self.ledger.mark_announced(item.sha256)  # said: a later kill must not say it
            except LedgerUnwritableError as exc:  # again; the file is done, the rest waits
                self._stop(str(exc))

    def _stop(self, why: str) -> None:
        """The surroundings failed (the ledger cannot be written): nothing more is tried."""
        if not self.stopped:
            self.stopped, self.stopped_code = why, EXIT_OUTPUT_FAILED

    def _guarded(self, path: Path) -> BatchItem | None:
        """One file; whatever goes wrong with it (a name the file system refuses, a move that
        fails ...) fails that file only, and the run goes on with the next."""
        name = shown(path.name)
        try:
            suffix = Path(path.name).suffix.lower()
            if suffix not in SUPPORTED_EXTENSIONS and not told_by_content(path):
                return self._unsupported(path, name)
            return self._one(path)
        except LedgerUnwritableError as exc:  # the surroundings: the file waits, none is tried
            self._stop(str(exc))
            unsaid, self._unsaid = self._unsaid, []
            why = f"{name}: {exc}; left in the inbox for the next run"
            return BatchItem(
                name, "deferred", message=why, urgent=unsaid, exit_code=self.stopped_code
            )
        except Exception as exc:  # a bug or an environment fault: never the whole inbox
            log.debug("%s: %s", name, type(exc).__name__, exc_info=True)
            reason = f"internal error while handling the file ({type(exc).__name__}): report it"
            unsaid, self._unsaid = self._unsaid, []  # found before the failure: said with it
            with contextlib.suppress(Exception):
                item = self._failed(path, name, _sha_or_name(path), reason, "internal_error")
                item.urgent = unsaid
                return item
            return BatchItem(name, "failed", message=f"{name}: {reason}", urgent=unsaid)
        finally:
            self._unsaid = []

    def _unsupported(self, path: Path, name: str) -> BatchItem:
        suffix = Path(path.name).suffix or "(none)"
        allowed = ", ".join(sorted(e.lstrip(".") for e in SUPPORTED_EXTENSIONS))
        return self._failed(
            path,
            name,
            _sha_or_name(path),
            f"not an export this tool reads (file type {suffix!r}; expected {allowed}); "
            "export or unpack it as one of those and drop it in again",
            "unsupported",
        )

    # -- recovery -------------------------------------------------------------------------------
    def _import_legacy_ledger(self) -> None:
        legacy = self.out / LEGACY_LEDGER
        if not legacy.is_file():
            return
        try:
            files = json.loads(legacy.read_text(encoding="utf-8")).get("files", {})
        except (OSError, ValueError):
            return
        done = {
            sha: str(entry.get("file", ""))
            for sha, entry in files.items()
            if isinstance(entry, dict) and entry.get("status") == "done"
        }
        self.ledger.import_done(done, self.at)
        with contextlib.suppress(OSError):
            legacy.rename(legacy.with_name(legacy.name + ".imported"))

    def _recover(self) -> list[BatchItem]:
        """Finish what a killed run left: adopt published folders, forget unpublished claims."""
        items = []
        for entry in self.ledger.entries("processing"):
            folder = Path(entry.output) if entry.output else None
            if folder is not None and folder.is_dir() and not folder.name.startswith("."):
                self.ledger.mark_done(entry.sha256, self.at, event="adopted")
            else:
                self.ledger.release(entry.sha256, self.at, "the run that claimed it stopped")
        for entry in self.ledger.unannounced():
            folder = Path(entry.output) if entry.output else None
            if folder is None or not folder.is_dir():
                self.ledger.mark_announced(entry.sha256)
                continue
            items.append(
                BatchItem(
                    entry.name,
                    "adopted",
                    folder,
                    "triaged by a run that stopped before saying so",
                    fail_on_matches=self._fail_on_matches_of(folder),
                    urgent=_urgent_lines_of(folder),
                    sha256=entry.sha256,
                )
            )
        return items

    def _remove_leftovers(self) -> None:
        """Partial output folders and snapshots of killed runs hold patient data: remove them."""
        shutil.rmtree(self.work, ignore_errors=True)
        with contextlib.suppress(OSError):
            for entry in self.out.iterdir():
                if entry.name.startswith(".") and entry.name.endswith(PARTIAL_SUFFIX):
                    shutil.rmtree(entry, ignore_errors=True)

    # -- what to do ---------------------------------------------------------------------------
    def _candidates(self) -> tuple[list[Path], list[Path]]:
        """Spreadsheets in the inbox (and failed/ with retry_failed): (ready, still written)."""
        folders = [self.inbox]
        if self.settings.retry_failed:
            folders.append(failed_dir(self.inbox, self.settings.archive))
        ready: list[Path] = []
        unsettled: list[Path] = []
        for folder in folders:
            for path in _listed(folder):
                (ready if self._settled(path) else unsettled).append(path)
        return ready, unsettled

    def _settled(self, path: Path) -> bool:
        try:
            stat = path.stat()
        except OSError:
            return True  # gone or unreadable: the attempt says which
        now = min(time.time(), self.at.timestamp())
        age = now - stat.st_mtime
        if age < -self.settings.settle_seconds:  # dated in the future: another clock
            age = self._unchanged_for(path, stat, now)
        if age < self.settings.settle_seconds:
            return False
        # empty, or a header with no row yet: the exporter may still be querying
        return age >= INCOMPLETE_GRACE_SECONDS or not _looks_incomplete(path, stat.st_size)

    def _unchanged_for(self, path: Path, stat: os.stat_result, now: float) -> float:
        """Seconds, by this computer's clock, that a file dated in the future (a share whose
        clock is ahead) has kept its size and time: recorded in the state folder on the first
        run that sees it (and said then, whatever --quiet says), so that it settles a run or
        two later instead of never."""
        seen_file = state_dir(self.inbox) / FUTURE_SEEN
        seen = _read_json_object(seen_file)
        mark = [stat.st_size, stat.st_mtime_ns]
        earlier = seen.get(path.name)
        if isinstance(earlier, list) and len(earlier) == len(mark) + 1 and earlier[:-1] == mark:
            return now - float(earlier[-1])
        if earlier is None:
            self.outcome.future_dated.append(shown(path.name))
        seen = {n: v for n, v in seen.items() if (path.parent / n).exists()}  # gone: forgotten
        seen[path.name] = [*mark, now]
        with contextlib.suppress(OSError):
            atomic_write_bytes(seen_file, json.dumps(seen).encode("utf-8"))
        return 0.0

    # -- one file -------------------------------------------------------------------------------
    def _folder_stem(self, name: str, file_name: str) -> str:
        """The stem of an input's output folder: the file's stem, or under --redact its label's
        (``file-`` and a keyed hash, as every output names the file: a single-patient export is
        often named after the patient)."""
        options = self.template.output_options
        if options.redact:
            return Path(Redactor.for_run(options.redact_key).file_label(file_name)).stem
        return _folder_stem(name)

    def _one(self, path: Path) -> BatchItem | None:
        name = shown(path.name)
        if not os.path.lexists(path):
            return None  # moved away since the listing
        if not self._settled(path):  # the settle check again, just before reading
            return BatchItem(name, "unsettled")
        known = self._known_done(path)
        if known is not None:  # left in the inbox (no archive), unchanged since it was triaged
            return self._duplicate(path, known.sha256, name, known.name)
        try:
            snapshot, sha = self._snapshot(path)
            size = snapshot.stat().st_size
        except _Unsettled:
            return BatchItem(name, "unsettled", message="still being written")
        except _Unusable as exc:
            return self._failed(path, name, _sha_or_name(path), str(exc), "unreadable")
        entry = self.ledger.get(sha)
        if entry is not None and entry.state == "done":
            return self._duplicate(path, sha, name, entry.name)
        final = self.out / f"{self._folder_stem(name, path.name)}-{self.at:%Y%m%dT%H%M%S}-{sha[:8]}"
        final = _unused(final)
        partial = self.out / f".{final.name}{PARTIAL_SUFFIX}"
        self.ledger.claim(sha, name, str(final.resolve()), self.at)
        try:
            worked: _Worked | None = self._triage(snapshot, partial, final, (path, sha))
            reason = code = ""
        except BaseException as exc:
            if not isinstance(exc, IsolatedFailure):  # interrupted or stopped: nothing half-written
                shutil.rmtree(partial, ignore_errors=True)  # (its patient data) is left behind
                with contextlib.suppress(Exception):  # the interruption is what is reported
                    self.ledger.release(sha, self.at, "interrupted")
                raise
            worked, reason, code = None, exc.reason, exc.code
            if exc.environmental:  # not the file's fault: it waits for the next run
                shutil.rmtree(partial, ignore_errors=True)
                self.ledger.release(sha, self.at, f"not triaged: {reason}")
                self.stopped, self.stopped_code = reason, EXIT_OUTPUT_FAILED  # a disk's error
                why = f"{name}: {reason}; left in the inbox for the next run"
                return BatchItem(name, "deferred", message=why, exit_code=self.stopped_code)
        finally:
            shutil.rmtree(snapshot.parent, ignore_errors=True)
        if worked is not None:  # found: said whatever happens to the file from here on
            self._unsaid = _not_published(worked.urgent, final)
        if worked is not None and worked.failure:  # the surroundings failed after triage
            shutil.rmtree(partial, ignore_errors=True)
            self.ledger.release(sha, self.at, f"not triaged: {worked.failure}")
            if not worked.history_failed:  # the output folder or its disk: nothing more
                self.stopped, self.stopped_code = worked.failure, worked.failure_code
            why = f"{name}: {worked.failure}; left in the inbox for the next run"
            return BatchItem(
                name, "deferred", message=why, urgent=self._unsaid, exit_code=worked.failure_code
            )
        now = _sha_if_present(path)
        replaced = now not in (sha, None)
        if replaced and _grew_from(path, sha, size):  # a copy that stalled and resumed
            shutil.rmtree(partial, ignore_errors=True)
            self.ledger.release(sha, self.at, "the file changed while it was read")
            # what the rows read hold is said now; the next run triages the whole file
            return BatchItem(
                name,
                "changed",
                message="changed while being read; next run",
                urgent=self._unsaid,
            )
        if worked is None:
            shutil.rmtree(partial, ignore_errors=True)
            return self._failed(path, name, sha, reason, code)
        checkpoint("batch.before_publish")
        try:
            partial.rename(final)
            fsync_dir(self.out)
        except OSError as exc:  # the output folder, not the file: it waits for the next run
            return self._unpublished(name, sha, partial, final, worked, exc)
        self._unsaid = list(worked.urgent)  # published: the lines name the report
        checkpoint("batch.after_publish")
        earlier = self.ledger.done_under_name(name, sha)
        self.ledger.mark_done(sha, self.at)
        checkpoint("batch.after_commit")
        counts = f"{worked.results} result(s), {worked.rejected} rejected"
        if earlier:
            counts += "; a new version of a file triaged before under this name"
        if replaced:  # the version read is published; the one now in the inbox waits its turn
            counts += "; replaced in the inbox after it was read: the new version is left there"
        item = BatchItem(
            name,
            "done",
            final,
            counts,
            fail_on_matches=worked.fail_on_matches,
            urgent=worked.urgent,
            notices=worked.notices,
            sha256=sha,
            urgent_ids=worked.urgent_ids,
        )
        self._report(self.outcome, item)  # said before anything else can go wrong
        self._unsaid = []
        checkpoint("batch.after_report")
        if not replaced:
            self._remember(path, sha)
            self._put_away(path, done=True)
        checkpoint("batch.after_archive")
        log.info("%s: triaged into %s", name, final.name)
        return None

    def _fail_on_matches_of(self, folder: Path) -> int:
        """The results at or above --fail-on in a published folder (its results.csv): a file
        adopted after a kill counts as the run that triaged it would have (exit 10)."""
        if not self.template.fail_on:
            return 0
        try:
            with (folder / RESULTS_CSV).open(encoding="utf-8-sig", newline="") as fh:
                counts = Counter(row.get("priority") or "" for row in csv.DictReader(fh))
        except (OSError, csv.Error, UnicodeDecodeError):
            return 0
        try:
            untriaged = untriaged_urgent_count((folder / URGENT_TXT).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            untriaged = 0
        return fail_on_matches(self.template.fail_on, dict(counts), untriaged)

    def _unpublished(
        self, name: str, sha: str, partial: Path, final: Path, worked: _Worked, exc: OSError
    ) -> BatchItem:
        """The output folder refused the finished report (read-only, full, permissions): no file
        is blamed, the run stops trying others, and the urgent results found are said anyway
        (their report is not there yet: the next run publishes it)."""
        shutil.rmtree(partial, ignore_errors=True)
        reason = f"the output folder cannot be written ({exc.strerror or type(exc).__name__})"
        self.ledger.release(sha, self.at, f"not published: {reason}")
        self.stopped, self.stopped_code = reason, EXIT_OUTPUT_FAILED
        return BatchItem(
            name,
            "deferred",
            message=f"{name}: {reason}; left in the inbox for the next run",
            urgent=_not_published(worked.urgent, final),
            exit_code=EXIT_OUTPUT_FAILED,
            urgent_ids=worked.urgent_ids,
        )

    def _snapshot(self, path: Path) -> tuple[Path, str]:
        """Copy the file out of the inbox (hashing it on the way); _Unsettled if it moved."""
        try:
            before = path.lstat()
        except OSError as exc:
            raise _Unusable(f"cannot be read: {exc.strerror or exc}") from None
        if stat.S_ISLNK(before.st_mode):  # whoever may write the inbox must not make the
            # service read (and publish) any file it can read
            raise _Unusable("is a symbolic link; refused (copy or move the export itself in)")
        if not stat.S_ISREG(before.st_mode):
            raise _Unusable("is not a regular file (a device, FIFO or socket); refused")
        limit = self.template.read_options.max_file_bytes
        if before.st_size > limit:
            raise _Unusable(f"is {before.st_size:,} bytes, more than the limit of {limit:,}")
        ensure_private_dir(self.work, group_readable=self.group)
        folder = self.work / secrets.token_hex(8)
        ensure_private_dir(folder, group_readable=self.group)
        target = folder / path.name
        digest = hashlib.sha256()
        try:
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(descriptor, "rb") as source, _private_create(target) as copy:
                copied = 0
                while chunk := source.read(_COPY_CHUNK):
                    copied += len(chunk)
                    if copied > limit:
                        raise _Unusable(f"grew past the size limit of {limit:,} bytes")
                    digest.update(chunk)
                    copy.write(chunk)
            after = path.stat()
        except OSError as exc:
            raise _Unusable(f"cannot be read: {exc.strerror or exc}") from None
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            shutil.rmtree(folder, ignore_errors=True)
            raise _Unsettled
        return target, digest.hexdigest()

    def _triage(
        self, snapshot: Path, partial: Path, final: Path, source: tuple[Path, str]
    ) -> _Worked:
        # the history's overdue reminders are said once for the run (run), not per file
        request = replace(self.template, inputs=[snapshot], out_dir=partial, remind_overdue=False)
        at = self.at
        report = final / "summary.html"
        path, sha = source

        def unchanged() -> bool:  # the inbox file is still what was read (or was moved away,
            # or replaced by another version: what was read was a whole file, see _one)
            return _still_what_was_read(path, sha, snapshot.stat().st_size)

        def work() -> _Worked:
            checkpoint(f"batch.worker:{snapshot.name}")  # a worker killed on this file
            try:
                outcome = run_triage(request, now=at, report=report, still_current=unchanged)
            except TriageError as exc:
                if not exc.environmental:
                    raise
                # the output folder, the disk or the history failed after the file was
                # triaged: what it found comes back to be said (the file is deferred)
                said = str(exc).replace(str(partial), str(final.parent))  # not the .partial
                return _Worked(
                    0,
                    0,
                    0,
                    0,
                    list(exc.urgent),
                    [],
                    failure=said,
                    failure_code=exc.exit_code,
                    history_failed=isinstance(exc, HistoryError),
                )
            return _Worked(
                outcome.exit_code,
                outcome.fail_on_matches,
                outcome.result_count,
                len(outcome.rejected),
                outcome.urgent,
                outcome.notices,
                urgent_ids=outcome.urgent_ids,
            )

        limit = self.settings.memory_limit_mb
        return run_isolated(
            work,
            timeout=self.settings.file_timeout,
            memory_bytes=limit * 1024 * 1024 if limit else None,
        )

    # -- files left in the inbox (no --archive): known by their size, time and inode ------------
    def _stamp(self, path: Path) -> list[int] | None:
        try:
            found = path.lstat()
        except OSError:
            return None
        return [found.st_size, found.st_mtime_ns, found.st_ino, found.st_dev]

    def _known_done(self, path: Path) -> Entry | None:
        """The ledger's entry of a file this inbox kept after triaging it, when its size, time
        and inode are still those it had then: a run every few minutes need not copy and hash
        every file ever triaged again (without --archive they stay)."""
        if self.settings.archive is not None:
            return None
        if self._known is None:
            self._known = _read_json_object(state_dir(self.inbox) / KNOWN_FILES)
        seen = self._known.get(path.name)
        if not isinstance(seen, list) or not seen or seen[:-1] != self._stamp(path):
            return None
        entry = self.ledger.get(str(seen[-1]))
        return entry if entry is not None and entry.state == "done" else None

    def _remember(self, path: Path, sha: str) -> None:
        if self.settings.archive is None and (stamp := self._stamp(path)) is not None:
            if self._known is None:
                self._known = _read_json_object(state_dir(self.inbox) / KNOWN_FILES)
            self._known[path.name] = [*stamp, sha]
            self._known_changed = True

    def _save_known(self, listed: Sequence[Path]) -> None:
        if self._known is None or not (self._known_changed or set(self._known) - _names(listed)):
            return
        kept = {n: v for n, v in self._known.items() if n in _names(listed)}  # gone: forgotten
        with contextlib.suppress(OSError):
            atomic_write_bytes(state_dir(self.inbox) / KNOWN_FILES, json.dumps(kept).encode())

    def _duplicate(self, path: Path, sha: str, name: str, recorded: str) -> BatchItem | None:
        self._remember(path, sha)
        moved = self._put_away(path, done=True)
        if moved is None and (recorded == name or self.ledger.has_event(sha, name, "duplicate")):
            return None  # left in the inbox (no archive) and already said: nothing new
        self.ledger.note(sha, name, "duplicate", f"already triaged as {recorded}", self.at)
        return BatchItem(name, "duplicate", message=f"already triaged as {recorded}")

    def _failed(self, path: Path, name: str, sha: str, reason: str, code: str = "") -> BatchItem:
        self.ledger.mark_failed(sha, name, reason, self.at)
        moved = self._put_away(path, done=False)
        if moved is None and path.parent == failed_dir(self.inbox, self.settings.archive):
            moved = path  # tried again from failed/: its note is rewritten with the new reason
        if moved is not None:
            note = _error_note(name, sha, reason, self.at, code)
            with contextlib.suppress(OSError):
                atomic_write_bytes(
                    moved.with_name(moved.name + ERROR_SUFFIX),
                    note.encode(),
                    group_readable=self.group,
                )
        message = reason if reason.startswith(name) else f"{name}: {reason}"
        log.debug("%s", message)
        return BatchItem(name, "failed", message=message)

    def _put_away(self, path: Path, *, done: bool) -> Path | None:
        """Move a done input to the archive (or back to the inbox when retried from failed/);
        an unusable one to failed/.  Returns where it went (None: left where it was)."""
        failed = failed_dir(self.inbox, self.settings.archive)
        if done:
            target = self.settings.archive or (self.inbox if path.parent == failed else None)
            if path.parent == failed:
                with contextlib.suppress(OSError):
                    path.with_name(path.name + ERROR_SUFFIX).unlink()
        else:
            target = None if path.parent == failed else failed
        if target is None:
            return None
        try:
            return _move(path, target, group_readable=self.group)
        except OSError as exc:
            # an error, said under --quiet too: the file stays in the inbox and is read again
            log.error("%s: could not be moved to %s: %s", shown(path.name), target, exc.strerror)
            return None


class _Unsettled(Exception):
    pass


class _Unusable(Exception):
    pass


_INCOMPLETE_PROBE_BYTES: Final = 64 * 1024
_ZIP_TAIL_BYTES: Final = 64 * 1024 + 22  # the zip's end record lies within its last bytes
_OLE_SECTOR_BYTES: Final = 512  # an xls (OLE2 compound file) is whole sectors
_TAIL_BYTES: Final = 16  # the last bytes of a text: does it end with its line (segment) end


def _looks_incomplete(path: Path, size: int) -> bool:
    """Empty; a workbook cut short (an xlsx without the zip's end record, an xls that is not
    whole sectors: a copy still being written); a JSON text that does not parse yet; an HL7
    file holding no OBX segment yet (a header, the batch or patient segments) or ending inside
    a segment; a delimited text with at most one non-blank line (a header, no row) or whose
    last line has no line end yet: every format alike, the file waits (docs/unattended.md)."""
    if size == 0:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(_INCOMPLETE_PROBE_BYTES)
            if head[:4] == b"PK\x03\x04":
                handle.seek(max(size - _ZIP_TAIL_BYTES, 0))
                return b"PK\x05\x06" not in handle.read()
            handle.seek(max(size - _TAIL_BYTES, 0))
            tail = handle.read()
    except OSError:
        return False
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return size % _OLE_SECTOR_BYTES != 0
    if head[:4] == b"PK\x05\x06":  # an empty zip
        return False
    text = _probe_text(head)
    if text is None:
        return False
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("{", "["):  # JSON (a FHIR Bundle, often on one line): whole when it parses
        if size > _INCOMPLETE_PROBE_BYTES:
            return tail.rstrip(b" \t\r\n\x00")[-1:] not in (b"}", b"]")
        try:
            json.loads(stripped)
        except ValueError:
            return True
        return False
    if stripped[:1] == "<" or not _plain_text(text):  # XML or a binary format: its reader says
        return False
    ends = tail.rstrip(b"\x00")[-1:]  # UTF-16 text ends in a NUL byte after its line end
    if stripped.startswith(("MSH", "FHS", "BHS", "\x0b")):
        no_result = size <= _INCOMPLETE_PROBE_BYTES and "OBX" not in text
        return no_result or ends not in (b"\r", b"\n", b"\x1c")
    if ends not in (b"\r", b"\n"):  # a last line without its line end: the copy goes on
        return True
    if size > _INCOMPLETE_PROBE_BYTES:
        return False
    return sum(1 for line in text.splitlines() if line.strip(" \t,;|\x00")) <= 1


_TEXT_CONTROLS: Final = frozenset("\t\n\r\x0b\x0c\x1c\x00")  # in a text (MLLP frames too)


def _plain_text(text: str) -> bool:
    """No control character a text export does not hold: not a binary file cp1252 decoded."""
    return not any(ch < " " and ch not in _TEXT_CONTROLS for ch in text[:_INCOMPLETE_PROBE_BYTES])


def _probe_text(data: bytes) -> str | None:
    """The text of a file's first bytes as the readers decode it (triage.io.delimited
    decode_bytes: a byte-order mark, UTF-16 only by its NUL bytes, UTF-8, else the code page
    that fits its letters); None for a binary file.  Trying UTF-16 without a mark read every
    cp1252 text of an even length as CJK characters on one line, a header without rows, and
    held a complete export as unsettled for an hour (review 28)."""
    try:
        return decode_bytes("", data)[0]
    except InputFileError:
        return None


def _listed(folder: Path) -> list[Path]:
    """Input files directly in ``folder``, by name; hidden, lock and error files skipped."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    found = []
    for entry in entries:
        name = entry.name
        if is_hidden_name(name) or name.endswith(ERROR_SUFFIX):
            continue  # a copier's temporary file, an office lock file, our own state
        if name.lower().endswith(TRANSFER_SUFFIXES):
            continue  # still being copied or downloaded ("export.csv.part"): renamed when done
        with contextlib.suppress(OSError):
            if entry.is_dir():
                continue
        found.append(Path(entry.path))
    # oldest first, as the LIS dropped them (a name such as "PRL_01-12-2026.csv" sorts before
    # "PRL_30-11-2026.csv": the later result was then compared with nothing and the earlier one
    # called its change); the name breaks ties
    return sorted(found, key=lambda p: (_mtime(p), shown(p.name).casefold()))


def _mtime(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return 0.0


@contextlib.contextmanager
def _private_create(path: Path):  # type: ignore[no-untyped-def]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as handle:
        yield handle


_STEM_MAX_BYTES: Final = 80  # the folder name stays far below the file systems' 255 bytes
_UNSAFE_IN_NAME: Final = re.compile(r"[\x00-\x1f\x7f/\\]+")


def _folder_stem(name: str) -> str:
    """The input's stem as an output folder's name: no control characters, at most
    _STEM_MAX_BYTES of UTF-8 (cut at a character boundary)."""
    stem = _UNSAFE_IN_NAME.sub("_", Path(name).stem).strip(". ") or "input"
    raw = stem.encode("utf-8", "replace")[:_STEM_MAX_BYTES]
    return raw.decode("utf-8", "ignore") or "input"


def _not_published(lines: Sequence[str], final: Path) -> list[str]:
    """Urgent lines of a file whose report is not published (the next run publishes it)."""
    where = (
        f"report {final / 'summary.html'}",
        f"report {REPORT_NOT_WRITTEN}",
        f"report {REPORT_NOT_PUBLISHED}",
    )
    said = []
    for line in lines:
        for report in where:
            line = line.replace(report, "report not published yet")
        said.append(line)
    return said


def _urgent_lines_of(folder: Path) -> list[str]:
    """The urgent lines an output folder's urgent.txt holds (to say them after a kill)."""
    try:
        text = (folder / URGENT_TXT).read_text(encoding="utf-8")
    except OSError:
        return []
    return [line for line in text.splitlines() if line.startswith(URGENT_LINE_START)]


def _unused(folder: Path) -> Path:
    candidate, n = folder, 1
    while candidate.exists():
        n += 1
        candidate = folder.with_name(f"{folder.name}-{n}")
    return candidate


def _sha_if_present(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(_COPY_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def _grew_from(path: Path, sha: str, size: int) -> bool:
    """The file at ``path`` is longer than ``size`` bytes and begins with the bytes whose hash
    is ``sha``: the snapshot was of a copy that stalled and then resumed, not a whole file.  Any
    other change (a new version renamed over it, or written in its place) leaves the snapshot a
    whole, settled file of its own."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            if os.fstat(fh.fileno()).st_size <= size:
                return False
            left = size
            while left and (chunk := fh.read(min(_COPY_CHUNK, left))):
                digest.update(chunk)
                left -= len(chunk)
    except OSError:
        return False
    return digest.hexdigest() == sha


def _still_what_was_read(path: Path, sha: str, size: int) -> bool:
    """What was read from ``path`` is what the run stands for: the file is unchanged, moved
    away, or replaced by another whole version (not a stalled copy that grew: _grew_from)."""
    now = _sha_if_present(path)
    return now in (sha, None) or not _grew_from(path, sha, size)


def _read_json_object(path: Path) -> dict[str, object]:
    """A JSON object kept in the state folder; empty when missing or damaged (it is a cache)."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _names(paths: Sequence[Path]) -> set[str]:
    return {p.name for p in paths}


def _sha_or_name(path: Path) -> str:
    """The ledger key of a file that cannot be read: its name, marked as such."""
    return "name:" + hashlib.sha256(os.fsencode(path.name)).hexdigest()


def _move(path: Path, folder: Path, *, group_readable: bool) -> Path:
    """Move an input (it keeps patient data: made private, whatever mode the exporter gave)."""
    ensure_private_dir(folder, group_readable=group_readable)
    target = folder / path.name
    if os.path.lexists(target):
        target = folder / f"{path.stem}-{int(time.time())}-{secrets.token_hex(2)}{path.suffix}"
    shutil.move(str(path), target)
    if not target.is_symlink():
        with contextlib.suppress(OSError):
            target.chmod(file_mode(group_readable))
    return target


def _error_note(name: str, sha: str, reason: str, at: datetime, code: str = "") -> str:
    """The ``.error.txt`` beside a failed input: its name, hash, when, why, and the reason's
    code (schema.INPUT_FAILURES, as results.json lists an unusable input of a run)."""
    return (
        f"{TOOL_NAME} {__version__} could not triage this file.\n"
        f"file:   {name}\n"
        f"sha256: {sha}\n"
        f"when:   {at.isoformat()}\n"
        f"code:   {code or 'unusable'}\n"
        f"why:    {reason}\n\n"
        "It is tried again when it is dropped into the inbox again, or with "
        "`batch --retry-failed`.\n"
    )


ERRORS: Final = frozenset({"failed", "deferred"})  # statuses whose message is an error (stderr)


def describe(items: Sequence[BatchItem]) -> list[str]:
    """One line per file, for the command's output."""
    lines = []
    for item in items:
        where = f" -> {item.output_dir.name}" if item.output_dir else ""
        note = f" ({item.message})" if item.message and item.status not in ERRORS else ""
        lines.append(f"{item.status:<9} {item.file}{where}{note}")
    return lines
