"""One triage run: read every input, triage, write the outputs, streaming (docs/design.md).

This is the only module that ties the stages together; the CLI calls it, and so can a script.
Inputs are read one at a time and each file's rows go through the engine and the output session
in chunks, so memory follows one chunk, not the batch.  Bad inputs do not stop the others: each
becomes an InputFileError in the outcome, and the run fails only when no input at all could be
used (exit 3).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import itertools
import logging
import multiprocessing as mp
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, NamedTuple

import pandas as pd

from triage import TOOL_NAME, __version__, collector, io, regex_cache
from triage.engine import prepare, triage_frame
from triage.engine.units import all_sets
from triage.history import (
    FileIssuers,
    HistoryError,
    HistoryOptions,
    HistoryRecorder,
    overdue_urgent,
    unmatched_warning,
    with_file_issuer,
    worded_corrections,
)
from triage.io import ColumnMapping, ProgressHook, ReadOptions, load_mapping
from triage.io import read_usable_inputs as read_inputs  # noqa: F401 (the API's name)
from triage.isolate import die_with_parent
from triage.knowledge import load_knowledge
from triage.knowledge.model import Knowledge
from triage.notices import (
    conflict_warning,
    copy_warning,
    notices,
    skipped_notices,
    undated_held_warning,
    withdrawn_warning,
)
from triage.outdir import OutputError
from triage.output import OutputOptions, OutputSession, RunMeta, check_output_settings
from triage.output.encoded import EncodedChunk
from triage.output.options import SetCaveats
from triage.output.session import COUNTED
from triage.schema import (
    DEFAULT_CHUNK_ROWS,
    EXIT_FAIL_ON,
    EXIT_OK,
    EXIT_SOME_INPUTS_FAILED,
    PRIORITIES,
    InputFileError,
    InputSummary,
    NoUsableInputError,
    Rejected,
    TriageError,
    unusable_input,
)
from triage.thinned import Thinned, thinned
from triage.urgent import (
    REPORT_NOT_PUBLISHED,
    REPORT_NOT_WRITTEN,
    URGENT_TXT,
    OverdueReminder,
    ack_location,
    listed_result_ids,
    not_listed,
    overdue_items,
    overdue_lines,
    rejected_urgent_lines,
    reminded_results,
    untriaged_urgent_count,
    urgent_lines,
    urgent_text,
)

log = logging.getLogger("triage")
# The run's own process gives the memory its unpickled result chunks left freed back to the
# system every so many chunks (glibc keeps it otherwise: the run's peak grew by ~130 MiB over a
# million rows).
TRIM_EVERY_CHUNKS: Final = 10


@dataclass
class TriageRequest:
    inputs: Sequence[Path]
    out_dir: Path
    ranges: str = "default"
    columns: Path | None = None
    read_options: ReadOptions = field(default_factory=ReadOptions)
    output_options: OutputOptions = field(default_factory=OutputOptions)
    fail_on: str | None = None
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    jobs: int | None = None  # engine processes for a file of several chunks (None: every core)
    # Keep every result in the outcome (a script's or a test's use): a streaming run holds only
    # one chunk at a time, and the outcome then carries the counts alone.
    keep_results: bool = False
    # The results history (triage/history): delta checks against earlier runs, results recorded.
    history: HistoryOptions | None = None
    # The inputs' issuers from the config's [history] table when the run keeps no history (with
    # one, ``history`` names them): the patient pages keep two issuers' ids apart either way.
    issuers: FileIssuers | None = None
    # List the history's overdue unacknowledged urgent results with this run's (batch lists them
    # once for the whole run, not once per file).
    remind_overdue: bool = True


@dataclass
class TriageOutcome:
    rejected: list[Rejected]
    inputs: list[InputSummary]
    errors: list[InputFileError]  # inputs that could not be used at all
    written: list[Path]
    fail_on_matches: int
    exit_code: int
    knowledge: Knowledge
    result_count: int = 0
    counts_by: dict[str, dict[str, int]] = field(default_factory=dict)  # column -> value -> rows
    urgent: list[str] = field(default_factory=list)  # triage.urgent lines, redacted if asked
    notices: list[str] = field(default_factory=list)  # triage.notices: said whatever --quiet
    results: pd.DataFrame | None = None  # every result, with TriageRequest.keep_results only
    patient_pages: int = 0  # pages of patients.html
    # an input's file or sheet name -> the label the outputs show for it (--redact), for the
    # operator
    input_labels: dict[str, str] = field(default_factory=dict)
    # the history's result ids the urgent lines list as this run's (a batch reminds the others)
    urgent_ids: frozenset[int] = frozenset()

    def count(self, column: str) -> dict[str, int]:
        """Results per value of priority, status or band, zero counts left out."""
        return {k: v for k, v in self.counts_by.get(column, {}).items() if v}


def chunk_bounds(rows: int, chunk_rows: int) -> list[tuple[int, int]]:
    """[start, stop) of each chunk of at most ``chunk_rows`` rows, in order (one empty chunk for
    no rows, so that a file without results still passes through the engine)."""
    step = max(int(chunk_rows), 1)
    return [(start, min(start + step, rows)) for start in range(0, rows, step)] or [(0, 0)]


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, as under taskset or a cgroup)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class Triaged(NamedTuple):
    """One chunk's results, with their bytes for results.csv and results.json when a worker
    encoded them (``encode``); None when the writing process is to encode them."""

    results: pd.DataFrame
    encoded: EncodedChunk | None = None


def triage_chunks(
    frame: pd.DataFrame | Thinned,
    knowledge: Knowledge,
    *,
    as_of: datetime,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    jobs: int = 1,
    encode: Callable[[pd.DataFrame], EncodedChunk] | None = None,
) -> Iterator[Triaged]:
    """The engine's results for ``frame``, chunk by chunk, in input order.

    With ``jobs`` > 1 and more than one chunk, the chunks are triaged by that many forked
    worker processes (the frame and the compiled vocabularies are inherited, not copied), at
    most ``jobs`` + 1 chunks ahead of the caller, so memory stays bounded by a few chunks and
    the caller writes one chunk while the workers triage the next ones.  The results are the
    same row for row whatever ``jobs`` and ``chunk_rows`` are: the rules read one row at a time.
    An exception in a worker is raised here, as it would be in this process.

    ``encode`` (OutputSession.chunk_encoder): each worker also encodes the chunk it triaged for
    the machine-readable files, so that the writing process, which is one, only copies bytes.
    """
    rows = frame if isinstance(frame, Thinned) else Thinned(frame, {}, frame.columns)
    bounds = chunk_bounds(len(rows), chunk_rows)
    if (
        jobs <= 1
        or len(bounds) <= 1
        or "fork" not in mp.get_all_start_methods()
        or mp.current_process().daemon  # a daemon process may not have children
    ):
        for start, stop in bounds:
            yield Triaged(triage_frame(rows.rows(start, stop), knowledge, as_of=as_of))
        return
    global _WORK
    prepare(knowledge)  # compiled once here, inherited by every worker
    _WORK = (rows, knowledge, as_of, encode)
    # What the workers inherit is left out of their garbage collections: a collection writes to
    # every object it visits, which would copy the whole inherited frame into each worker.
    gc.freeze()
    collector.release_free_memory()  # freed pages are not handed down to the workers
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=mp.get_context("fork"),
        initializer=_worker_start,
        initargs=(os.getpid(),),
    )
    try:
        pending: deque[Future[Triaged]] = deque()
        queue = iter(bounds)
        for start, stop in itertools.islice(queue, jobs + 1):
            pending.append(pool.submit(_triage_part, start, stop))
        while pending:
            results = pending.popleft().result()
            following = next(queue, None)
            if following is not None:
                pending.append(pool.submit(_triage_part, *following))
            yield results
    finally:
        _WORK = None
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


def _worker_start(parent: int) -> None:
    """A pool worker: Ctrl-C is the parent's to handle, and it dies with its parent (a killed
    run or a batch worker stopped at its time limit leaves no orphan behind)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent)
    gc.disable()  # collected after each chunk (_triage_part); see triage.collector


# The frame a pool's workers triage, set before they are forked (triage_chunks).
_WORK: tuple[Thinned, Knowledge, datetime, Callable[[pd.DataFrame], EncodedChunk] | None] | None = (
    None
)


def _triage_part(start: int, stop: int) -> Triaged:
    assert _WORK is not None, "a triage worker without its frame"
    rows, knowledge, as_of, encode = _WORK
    try:
        results = triage_frame(rows.rows(start, stop), knowledge, as_of=as_of)
        return Triaged(results, encode(results) if encode is not None else None)
    finally:
        collector.collect_young()  # the worker's collector is paused (_worker_start)
        # what the chunk's work freed goes back to the system before the worker waits for the
        # next one: two workers otherwise each hold their largest chunk's peak for the whole
        # run (~130 MiB each on 10k-row chunks; about 7 ms a chunk)
        collector.release_free_memory()


def _set_aside(
    session: OutputSession, recorder: HistoryRecorder | None, file: str, exc: Exception
) -> None:
    """Forget the rows of a file the rules failed on (``exc``).  Writing that fails meanwhile
    (a full disk: the rollback flushes) stops the run as the output folder's error (exit 2),
    never as an unclassified one in place of both."""
    try:
        session.rollback()
    except OSError as failed:
        raise OutputError(
            f"cannot write the outputs in {session.folder}: {failed.strerror or failed} (while "
            f"setting aside {file}, on which the rules failed: {type(exc).__name__})"
        ) from failed
    if recorder is not None:
        recorder.rollback_to_savepoint()


# Writing errors of the surroundings (a full disk, a quota, a read-only file system): the output
# folder's error (exit 2), not a bug.
_FULL_OR_READ_ONLY: Final = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})


@contextlib.contextmanager
def _urgent_said_on_failure(
    session: OutputSession, rejected: Sequence[Rejected], out_dir: Path
) -> Iterator[None]:
    """When the surroundings fail (the output folder, the disk, the history: an environmental
    TriageError) after results were triaged, their urgent lines ride on the error
    (``TriageError.urgent``) so that they are said although no report holds them; an OSError
    of a full or read-only disk becomes the output folder's error (exit 2)."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in _FULL_OR_READ_ONLY:
            raise
        error = OutputError(f"cannot write the outputs in {out_dir}: {exc.strerror or exc}")
        _attach_urgent(error, session, rejected)
        raise error from exc
    except TriageError as exc:
        if exc.environmental:
            _attach_urgent(exc, session, rejected)
        raise


def _attach_urgent(
    error: TriageError, session: OutputSession, rejected: Sequence[Rejected]
) -> None:
    if error.urgent:
        return
    try:
        # without the history's result ids: its transaction may not be committed (R-n unknown)
        rows = session.urgent_rows_as_written().drop(columns=["result_id"], errors="ignore")
        where = REPORT_NOT_PUBLISHED if isinstance(error, HistoryError) else REPORT_NOT_WRITTEN
        lines = urgent_lines(rows, where)
        lines += rejected_urgent_lines(session.rejected_as_written(rejected), where)
    except Exception:  # saying them is best effort: never in place of the error
        log.debug("the urgent lines could not be made", exc_info=True)
        return
    error.urgent = tuple(lines)


def _bug_error(file: str, exc: Exception) -> InputFileError:
    log.debug("the engine failed on %s: %s", file, type(exc).__name__)
    if isinstance(exc, BrokenProcessPool):
        return InputFileError(
            file,
            "could not be triaged: a worker process died (out of memory, or killed); the other "
            "files were triaged (fewer --jobs use less memory)",
            code="internal_error",
        )
    return InputFileError(
        file,
        f"could not be triaged: internal error ({type(exc).__name__}) in the rules; this is a "
        "bug: report it (the other files were triaged)",
        code="internal_error",
    )


def overdue_reminders(
    request: TriageRequest, now: datetime | None = None, listed: Collection[int] = ()
) -> list[str]:
    """The urgent lines of results earlier runs recorded in the history and nobody has
    acknowledged within the set time (identifiers redacted under --redact): what a run with
    no new input, an empty batch inbox, still says (docs/history.md: every run, until
    acknowledged), less those ``listed`` (result ids a batch's files listed as their own:
    their lines said the reminder).  Nothing without a history."""
    if request.history is None:
        return []
    from triage.output.redact import Redactor

    knowledge = load_knowledge(request.ranges)
    rows = overdue_urgent(request.history, now or datetime.now(UTC), knowledge.thresholds)
    rows = not_listed(rows, listed)
    options = request.output_options
    if options.redact and len(rows):
        rows = Redactor.for_run(options.redact_key).redact_results(rows)
    return overdue_lines(rows, ack_location(request.history.location))


def run_meta(knowledge: Knowledge, generated_at: datetime, inputs: list[InputSummary]) -> RunMeta:
    """What every output says of the run: the tool, the time, the reference set (its bands and
    its mIU/L factor) and the inputs."""
    return RunMeta(
        tool_name=TOOL_NAME,
        tool_version=__version__,
        generated_at=generated_at,
        reference_set=knowledge.reference_set.name,
        reference_title=knowledge.reference_set.title,
        inputs=inputs,
        band_thresholds=[(b.name, b.lower_ng_ml) for b in knowledge.thresholds.bands],
        miu_per_ng=knowledge.reference_set.miu_per_ng,
        reference_sets=tuple(
            SetCaveats(rs.name, rs.title, rs.source, rs.caveats)
            for rs in sorted(
                all_sets(knowledge).values(),
                key=lambda rs: (rs is not knowledge.reference_set, rs.name),
            )
        ),
    )


def priorities_at_or_above(level: str) -> list[str]:
    """--fail-on soon matches soon and urgent (PRIORITIES runs from most pressing)."""
    return list(PRIORITIES[: PRIORITIES.index(level) + 1])


def fail_on_matches(
    level: str | None, priority_counts: dict[str, int], untriaged_urgent: int
) -> int:
    """What --fail-on ``level`` matched: the results at that priority or a higher one, and
    ``untriaged_urgent`` (urgent.untriaged_urgent_count), the other urgent lines urgent.txt lists:
    the rejected rows possibly urgent, not triaged (Rejected.possibly_urgent: a result above the
    urgent level whatever its unit), and the history's urgent results nobody has acknowledged
    (NOT YET ACKNOWLEDGED reminders); every level includes urgent, so that a cron job alerting
    on exit 10 is not silent about a row someone must act on today."""
    if not level:
        return 0
    wanted = priorities_at_or_above(level)
    return sum(n for p, n in priority_counts.items() if p in wanted) + untriaged_urgent


def fail_on_message(level: str, matches: int) -> str:
    """What run, batch and the Dask engine say on stderr when --fail-on matched."""
    return (
        f"--fail-on {level}: {matches} result(s) at that priority or higher"
        " (rows listed as possibly urgent, not triaged, and urgent results not yet"
        " acknowledged included)"
    )


def check_settings(request: TriageRequest, *, now: datetime | None = None) -> None:
    """Every setting of ``request`` that is wrong whatever the inputs, checked without reading
    any: the reference set (--ranges), the column mapping (--columns) and the report settings
    (template folder, stylesheets, logo, PDF engine: ``check_output_settings``).  ConfigError
    (exit 2) names the setting; batch calls it before it touches the inbox, so that a setting's
    mistake is never blamed on the exports."""
    knowledge = load_knowledge(request.ranges)
    if request.columns:
        load_mapping(request.columns)
    meta = run_meta(knowledge, now or datetime.now(UTC), [])
    check_output_settings(request.output_options, meta)


def run_triage(
    request: TriageRequest,
    *,
    progress: ProgressHook | None = None,
    now: datetime | None = None,
    report: Path | None = None,
    still_current: Callable[[], bool] | None = None,
) -> TriageOutcome:
    """Read, triage and write, one input file at a time and each file's rows in chunks of
    ``request.chunk_rows``: only one chunk of results is in memory at once, whatever the size
    of the batch.  Returns the outcome with its exit status (0, 4 or 10).

    One file's fault costs that file only: a file that cannot be read, or whose rows make the
    rules fail (a bug), becomes an unusable input (an error naming it) and its rows already
    written are taken back (OutputSession.rollback); the others are triaged.  When no file is
    usable: NoUsableInputError (exit 3), or the rules' error when they failed on every file
    (a bug, exit 1).

    ``report``: the summary page named in the urgent list (default: the one in ``out_dir``).
    ``still_current``: asked before the history is committed; False (the input changed while
    it was read: a copy that stalled and resumed) records nothing in the history.
    """
    knowledge = load_knowledge(request.ranges)
    mapping: ColumnMapping | None = load_mapping(request.columns) if request.columns else None
    generated_at = now or datetime.now(UTC)
    if request.output_options.template_dir is not None:  # a lab's templates: rendered once
        # for a run without results before any input is read (the bundled ones always render)
        check_output_settings(request.output_options, run_meta(knowledge, generated_at, []))
    recorder, unopened = _open_history(request, knowledge, generated_at)
    saved = False

    def save_history() -> None:
        """Commit the run's results to the history once the reports are written, before they
        are published: the result ids they carry exist before anyone reads them, and a run
        killed before this point records nothing.  A history that could not be opened fails
        the run here, its files triaged (without trend): their urgent lines ride on its error,
        and no report is published without the history."""
        nonlocal saved
        if unopened is not None:
            raise unopened
        if recorder is None or saved:
            return
        saved = True
        if still_current is not None and not still_current():
            recorder.rollback()  # read from a file that changed since: its results are not kept
        else:
            recorder.commit()

    try:
        outcome = _run(
            request, knowledge, mapping, generated_at, recorder, report, progress, save_history
        )
    except NoUsableInputError as exc:
        if unopened is not None:  # the history's error first, as before any input was read
            raise unopened from exc
        raise
    except BaseException:
        if recorder is not None and not saved:
            try:
                recorder.rollback()
            except Exception:  # never in place of the error that stopped the run
                log.debug("the history's rollback failed too", exc_info=True)
        raise
    save_history()
    return outcome


def _open_history(
    request: TriageRequest, knowledge: Knowledge, started_at: datetime
) -> tuple[HistoryRecorder | None, HistoryError | None]:
    """The run's history recorder, or the error saying why the history cannot be opened (a
    share not mounted, a full disk, a server down or refusing the login, a read-only, locked
    or newer history): the run then triages its files without it (no trend, no delta check)
    so that their urgent results are said, and fails with that error before publishing
    (docs/unattended.md, "Urgent results speak on every deferral")."""
    if request.history is None:
        return None, None
    try:
        recorder = HistoryRecorder(
            request.history,
            started_at=started_at,
            tool_version=__version__,
            reference_set=knowledge.reference_set.name,
            reference_path=knowledge.reference_set.path,
        )
    except HistoryError as exc:
        if not exc.environmental:  # a usage error (an unsupported database): said at once
            raise
        return None, exc
    return recorder, None


def _run(
    request: TriageRequest,
    knowledge: Knowledge,
    mapping: ColumnMapping | None,
    generated_at: datetime,
    recorder: HistoryRecorder | None,
    report: Path | None,
    progress: ProgressHook | None,
    save_history: Callable[[], None],
) -> TriageOutcome:
    options = request.output_options
    inputs: list[InputSummary] = []
    rejected: list[Rejected] = []
    errors: list[InputFileError] = []
    # every input in the order read, an unusable one with why: what the outputs list
    listed: list[InputSummary] = []
    kept: list[pd.DataFrame] = []
    bug: Exception | None = None
    # The rules' vocabularies compile (~0.7 s of regular expressions) while the first file is
    # read: the spreadsheet parser releases the GIL.  Joined before any worker is forked.
    jobs = request.jobs or available_cores()
    warming = threading.Thread(target=prepare, args=(knowledge,), name="prepare", daemon=True)
    warming.start()
    seen_rejected: list[Rejected] = []  # of every file read so far (said on a failure)
    with (
        OutputSession(request.out_dir, options) as session,
        collector.paused(),
        _urgent_said_on_failure(session, seen_rejected, request.out_dir),
    ):
        files = io.expand_inputs(list(request.inputs))
        for empty in io.folders_without_exports(list(request.inputs)):
            errors.append(empty)
            listed.append(unusable_input(empty))
        first_of: dict[str, str] = {}  # content hash -> the input that had it first
        for read in io.read_each(files, mapping, request.read_options, progress=progress):
            if isinstance(read, InputFileError):
                errors.append(read)
                listed.append(unusable_input(read))
                continue
            digest = read.summary.sha256
            if digest and first_of.setdefault(digest, read.summary.file) != read.summary.file:
                read.summary.warnings.append(copy_warning(first_of[digest]))
            # the file's issuer ([history] issuer, [history.issuers]) for the rows naming none:
            # part of the patient's key on the pages as in the history
            naming = request.history or request.issuers
            if naming is not None:
                read.frame = with_file_issuer(read.frame, naming.issuer_for(read.summary.file))
            if len(files) == 1:  # results.json's header is known: its results follow it
                session.expect_meta(run_meta(knowledge, generated_at, [read.summary]))
            warming.join()
            regex_cache.save()  # what compiled for the first time, kept for the next run
            collector.collect_young()
            session.savepoint()
            if recorder is not None:
                recorder.savepoint()
                # a comment saying the result corrects an earlier report is a correction too
                read.corrections = [
                    *read.corrections,
                    *worded_corrections(read.frame, read.corrections),
                ]
                # the file's withdrawals and corrections apply before its results are compared
                read.summary.warnings += recorder.begin_file(
                    read.rejected,
                    read.corrections,
                    file=read.summary.file,
                    sha256=read.summary.sha256,
                )
            seen_rejected.extend(read.rejected)
            # the file's frame is held without its blank columns while its chunks are triaged
            # (each chunk gets them back): ~350 MiB less on a 1M-row export
            thin = thinned(read.frame)
            read.frame = thin.frame
            kept_before = len(kept)
            added = 0
            try:
                for results, encoded in triage_chunks(
                    thin,
                    knowledge,
                    as_of=generated_at,
                    chunk_rows=request.chunk_rows,
                    jobs=jobs,
                    # the history adds columns here: the chunk is encoded after it
                    encode=session.chunk_encoder() if recorder is None else None,
                ):
                    if recorder is not None:
                        results = recorder.process(
                            results,
                            file=read.summary.file,
                            sha256=read.summary.sha256,
                            thresholds=knowledge.thresholds,
                            offsets=read.frame.get("collected_offset"),
                        )
                    session.add(results, read.frame, encoded=encoded)  # frame: for --fhir
                    collector.collect_young()
                    added += 1
                    if added % TRIM_EVERY_CHUNKS == 0:  # what unpickled chunks left freed
                        collector.release_free_memory()
                    if request.keep_results:
                        kept.append(results)
            except Exception as exc:  # a bug in the rules: this file only
                if isinstance(exc, TriageError) and exc.environmental:
                    # the history or the output folder failing is not this file's fault: the
                    # run stops (exit 3, 2); no rollback (its writing would fail in turn)
                    raise
                _set_aside(session, recorder, read.summary.file, exc)
                del kept[kept_before:]
                if not isinstance(exc, BrokenProcessPool):  # a dead worker is not a bug
                    bug = bug or exc
                errors.append(_bug_error(read.summary.file, exc))
                errors[-1].sha256 = read.summary.sha256
                listed.append(unusable_input(errors[-1]))
                continue
            if recorder is not None:
                recorder.release_savepoint()
                withdrawn = recorder.withdraw(
                    read.rejected,
                    read.corrections,
                    file=read.summary.file,
                    sha256=read.summary.sha256,
                )
                if withdrawn:
                    read.summary.warnings.append(
                        withdrawn_warning(withdrawn, this_run=recorder.withdrawn_from_this_run)
                    )
                if recorder.unmatched:
                    read.summary.warnings.append(unmatched_warning(recorder.unmatched))
                if recorder.undated_held:
                    read.summary.warnings.append(
                        undated_held_warning(
                            sorted({row for row, _ in recorder.undated_held}),
                            sorted({held for _, held in recorder.undated_held}),
                        )
                    )
                if recorder.conflicts:  # one specimen, two values: said, never silent
                    read.summary.warnings.append(
                        conflict_warning(
                            sorted({c.source_row for c in recorder.conflicts}),
                            sorted({i for c in recorder.conflicts for i in c.stored_ids}),
                        )
                    )
                # rows not triaged yet listed as urgent: reminded until acknowledged
                read.rejected[:] = recorder.record_untriaged(
                    read.rejected, file=read.summary.file, sha256=read.summary.sha256
                )
            inputs.append(read.summary)
            listed.append(read.summary)
            rejected.extend(read.rejected)
        if not inputs:
            if bug is not None:
                raise bug  # the rules fail on every file read: a bug, not a fault of the inputs
            raise NoUsableInputError(errors or io.nothing_to_read(list(request.inputs)))
        if recorder is not None and recorder.withdrawn_ids:
            # a result a later file of this run withdrew or corrected is not phoned: out of the
            # urgent lines (stderr, urgent.txt) and the --fail-on count
            session.forget_urgent(recorder.withdrawn_ids)
            rejected[:] = _not_urgent_if_withdrawn(rejected, recorder.withdrawn_ids)
        meta = run_meta(knowledge, generated_at, listed)
        where = report or request.out_dir / "summary.html"
        # earlier urgent results nobody acknowledged: a result of this run that is one of them
        # (a cumulative export, the same file again) says so on its own line, never twice
        overdue = recorder.overdue(generated_at, knowledge.thresholds) if recorder else None
        location = ack_location(request.history.location) if request.history else None
        reminded = reminded_results(overdue)
        rows = session.urgent_rows_as_written()
        urgent = urgent_lines(rows, where, reminded, location)
        untriaged = session.rejected_as_written(rejected)
        urgent += rejected_urgent_lines(untriaged, where, reminded, location)
        listed_ids = listed_result_ids(rows, untriaged)
        reminders: list[OverdueReminder] = []
        if overdue is not None and request.remind_overdue:
            # one source: urgent.txt's lines and summary.html's reminders
            listed_overdue = session.as_written(not_listed(overdue, listed_ids))
            reminders = overdue_items(listed_overdue, location)
            urgent += [r.line for r in reminders]
        header = f"{TOOL_NAME} {__version__}, {generated_at:%Y-%m-%d %H:%M} UTC: urgent results"
        written = session.finish(
            rejected,
            meta,
            extra_files={URGENT_TXT: urgent_text(urgent, header=header).encode()},
            reminders=reminders,
            parallel=jobs > 1,  # the reports too are written side by side
            before_publish=save_history,
        )
        counts_by = {c: session.counts(c) for c in COUNTED}
        patient_pages = session.patient_pages
        labels = {s.file: session.file_label(s.file) for s in inputs}
        labels |= {s.sheet: session.sheet_label(s.sheet) for s in inputs if s.sheet}
    result_count = sum(counts_by["priority"].values())
    # the rows urgent.txt lists besides this run's results: possibly urgent rows not triaged
    # and the history's overdue reminders (counted as batch counts a published folder's)
    overdue_or_untriaged = untriaged_urgent_count("\n".join(urgent))
    matches = fail_on_matches(request.fail_on, counts_by["priority"], overdue_or_untriaged)
    if matches:
        exit_code = EXIT_FAIL_ON
    elif errors:
        exit_code = EXIT_SOME_INPUTS_FAILED
    else:
        exit_code = EXIT_OK
    return TriageOutcome(
        urgent=urgent,
        urgent_ids=listed_ids,
        notices=notices(inputs) + skipped_notices(io.skipped_in_folders(list(request.inputs))),
        rejected=rejected,
        inputs=inputs,
        errors=errors,
        written=written,
        fail_on_matches=matches,
        exit_code=exit_code,
        knowledge=knowledge,
        result_count=result_count,
        counts_by=counts_by,
        results=_joined(kept) if request.keep_results else None,
        patient_pages=patient_pages,
        input_labels={name: label for name, label in labels.items() if label != name},
    )


def _not_urgent_if_withdrawn(rejected: list[Rejected], gone: set[int]) -> list[Rejected]:
    """The rejected rows, those listed as possibly urgent whose history entry a later file of
    the run withdrew no longer so (a sample the lab cancelled is not phoned)."""
    from dataclasses import replace

    return [
        replace(r, possibly_urgent=False)
        if r.possibly_urgent and r.result_id is not None and int(r.result_id) in gone
        else r
        for r in rejected
    ]


def _joined(parts: list[pd.DataFrame]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
