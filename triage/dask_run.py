"""`run --engine dask`: the same engine on a Dask cluster (docs/dask.md).

One task per input file: the worker reads the file with the project's own reader
(``triage.io.read_file``: mapping files apply, rows are accounted per file) or, for a ``.parquet``
file already in the canonical columns, with pandas; triages it in chunks with
``triage.engine.triage_frame`` (the rules read one row at a time: the results do not depend on
the partitioning); writes each chunk's results as one part of ``OUT/results.parquet/`` and the
file's rejected rows as one part of ``OUT/rejected.parquet/``; and returns only aggregates (counts,
the file's row accounting, its most pressing rows).  The task also writes each chunk's rows into
hash buckets by patient key (``OUT/.work/rows/bucket-KKK/part-FFFFF-CCCCC.parquet``): a shuffle
through files, so a patient's rows from every file are in one bucket.  One task per bucket then
keeps the rows of its flagged patients (a result not of priority ``none``) and counts its
patients (``OUT/.work/flagged/bucket-KKK.parquet``); no worker and not the client ever holds all
the results, and each task releases its memory when done (``_release_memory``).

The client feeds the flagged rows, one bucket at a time, with the most pressing results, to the
ordinary ``OutputSession``: ``OUT/report/`` holds summary.html (its counts from the aggregates of
the whole run), patients.html and urgent.txt.  ``OUT/summary.json`` holds the accounting and
the counts; ``OUT/results.csv`` and ``OUT/rejected.csv`` are written (streamed from the parts)
when the run is small enough (``csv_max_rows``).  ``OUT/.work`` is removed at the end.

``OUT`` must be on a file system every worker and the client share (NFS, a volume mounted in
every pod ...).  Dask is imported by this module only: ``prolactin-triage --help`` stays light.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import glob
import hashlib
import importlib
import io
import json
import logging
import os
import shutil
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Final, ParamSpec, TypeVar

import numpy as np
import pandas as pd

from triage import TOOL_NAME, __version__, collector
from triage.engine import triage_frame
from triage.io import ColumnMapping, ReadOptions, expand_inputs, load_mapping, read_file
from triage.io.sources import display_name
from triage.knowledge import load_knowledge
from triage.knowledge.model import Knowledge
from triage.output import OutputOptions, OutputSession
from triage.output.csv import ResultsCsv, write_rejected_csv
from triage.output.env import render_summary
from triage.output.rows import DETAIL_COLUMNS, default_file_columns, rejected_rows
from triage.output.session import COUNTED as SESSION_COUNTED
from triage.output.summary import count_views
from triage.output.views import STATUS_MEANINGS, as_text, patient_keys, priority_ranks
from triage.pipeline import chunk_bounds, fail_on_matches, run_meta
from triage.schema import (
    CANONICAL_COLUMNS,
    DEFAULT_CHUNK_ROWS,
    EXIT_FAIL_ON,
    EXIT_OK,
    EXIT_SOME_INPUTS_FAILED,
    PRIORITIES,
    REJECTED_COLUMNS,
    STATUSES,
    InputFileError,
    InputSummary,
    NoUsableInputError,
    Rejected,
    unusable_input,
)
from triage.urgent import URGENT_TXT, rejected_urgent_lines, urgent_lines, urgent_text

log = logging.getLogger("triage")
P = ParamSpec("P")
R = TypeVar("R")

RESULTS_PARQUET: Final = "results.parquet"
REJECTED_PARQUET: Final = "rejected.parquet"
RESULTS_CSV: Final = "results.csv"
REJECTED_CSV: Final = "rejected.csv"
SUMMARY_JSON: Final = "summary.json"
REPORT_DIR: Final = "report"
CSV_MAX_ROWS: Final = 1_000_000  # results.csv / rejected.csv beside the Parquet parts below this
TOP_ROWS: Final = 200  # the most pressing results kept in summary.json
# Counts by these columns (the report's and summary.json's); factors and suggestions hold codes
# joined by ";", counted one by one.
COUNTED: Final = (
    "priority",
    "status",
    "band",
    "factors",
    "suggestions",
    "month",
    "source_file",
    "reference_stratum",  # the reference sets that judged a result (the summary's caveats)
)
_MULTI: Final = frozenset({"factors", "suggestions"})
_GLOB_CHARS: Final = frozenset("*?[")
# The columns the shuffle of flagged rows adds (taken off again before the report sees the rows).
_KEY, _FILE, _SEQ, _FLAG = "_patient_key", "_file_index", "_row_index", "_flagged"
WORK_DIR: Final = ".work"  # OUT/.work: the buckets of the shuffle, removed at the end
BUCKETS: Final = 16
ENV_MEMORY: Final = "PROLACTIN_TRIAGE_WORKER_MEMORY"


@dataclass
class DaskRequest:
    inputs: Sequence[str | Path]  # files, folders or glob patterns
    out_dir: Path
    ranges: str = "default"
    columns: Path | None = None
    read_options: ReadOptions = field(default_factory=ReadOptions)
    output_options: OutputOptions = field(default_factory=OutputOptions)
    fail_on: str | None = None
    scheduler: str | None = None  # a running scheduler's address; None: a LocalCluster
    workers: int | None = None  # LocalCluster workers (None: one per core)
    memory_limit: str | None = None  # per LocalCluster worker ("300MB"; None: $ENV_MEMORY/auto)
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    csv_max_rows: int = CSV_MAX_ROWS
    top_rows: int = TOP_ROWS
    buckets: int = BUCKETS  # of the shuffle of the flagged patients' rows


@dataclass
class DaskOutcome:
    inputs: list[InputSummary]
    errors: list[InputFileError]
    counts_by: dict[str, dict[str, int]]
    result_count: int
    rejected_count: int
    written: list[Path]
    fail_on_matches: int
    exit_code: int
    urgent: list[str]
    patient_pages: int
    flagged_patients: int

    def count(self, column: str) -> dict[str, int]:
        return {k: v for k, v in self.counts_by.get(column, {}).items() if v}


# ---------------------------------------------------------------------------------------------
# The inputs
# ---------------------------------------------------------------------------------------------
def expand_patterns(inputs: Sequence[str | Path]) -> list[Path]:
    """Files, folders (their supported files and .parquet files) and glob patterns, in order."""
    paths: list[Path] = []
    for item in inputs:
        text = str(item)
        if _GLOB_CHARS & set(text) and not Path(text).exists():
            paths.extend(Path(p) for p in sorted(glob.glob(text, recursive=True)))  # noqa: PTH207
        else:
            paths.append(Path(text))
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(expand_inputs([path]))
            found.extend(
                p
                for p in sorted(path.glob("*.parquet"), key=lambda p: p.name.casefold())
                if p.is_file() and not p.name.startswith(".")
            )
        else:
            found.append(path)
    return expand_inputs(found)  # each file once


# ---------------------------------------------------------------------------------------------
# The task a worker runs for one input file
# ---------------------------------------------------------------------------------------------
_KNOWLEDGE: dict[str, Knowledge] = {}  # per worker process: loaded once


def _knowledge(ranges: str) -> Knowledge:
    if ranges not in _KNOWLEDGE:
        _KNOWLEDGE[ranges] = load_knowledge(ranges)
    return _KNOWLEDGE[ranges]


@dataclass
class FileDone:
    """What a worker returns for one file: aggregates only."""

    index: int
    summary: InputSummary | None = None
    error: InputFileError | None = None
    results: int = 0
    parts: list[str] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)  # each part's first row in the file's results
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    top: pd.DataFrame | None = None  # its most pressing rows (at most top_rows)
    rejected_shown: list[Rejected] = field(default_factory=list)  # the first ones, for the report
    # rejected rows the urgent list names (Rejected.possibly_urgent): few, all of them
    rejected_urgent: list[Rejected] = field(default_factory=list)


def read_canonical_parquet(path: Path) -> tuple[pd.DataFrame, InputSummary]:
    """A Parquet file already in the canonical columns (e.g. written by a pipeline upstream)."""
    name = display_name(path)
    frame = pd.read_parquet(path)
    missing = [c for c in ("source_row", "prolactin_raw") if c not in frame.columns]
    if missing:
        raise InputFileError(
            name, f"not in the canonical columns (no {', '.join(missing)}): see docs/dask.md"
        )
    from triage.io.wide import canonical_frame

    data: dict[str, Any] = {c: frame[c].to_numpy() for c in CANONICAL_COLUMNS if c in frame}
    data.setdefault("source_file", [name] * len(frame))
    data.setdefault("source_sheet", [""] * len(frame))
    canonical = canonical_frame(data, len(frame))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    summary = InputSummary(
        file=name,
        sha256=digest,
        sheet="",
        rows_read=len(frame),
        rows_triaged=len(frame),
        rows_rejected=0,
        shape="canonical",
        header_row=0,
    )
    return canonical, summary


def _releasing_memory(func: Callable[P, R]) -> Callable[P, R]:
    """``func``, then the worker's freed memory given back (_release_memory), however it ends."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        finally:
            _release_memory()

    return run


@_releasing_memory
def triage_file(
    index: int,
    path: Path,
    mapping: ColumnMapping | None,
    read_options: ReadOptions,
    ranges: str,
    as_of: datetime,
    out_dir: Path,
    chunk_rows: int,
    top_rows: int,
    rejected_shown: int,
    buckets: int = BUCKETS,
) -> FileDone:
    """Read, triage and write one input file (runs on a worker)."""
    done = FileDone(index)
    rejected: list[Rejected]
    try:
        if path.suffix.lower() == ".parquet":
            frame, summary = read_canonical_parquet(path)
            rejected = []
        else:
            read = read_file(path, mapping, read_options)
            frame, summary, rejected = read.frame, read.summary, read.rejected
    except InputFileError as exc:
        done.error = exc
        return done
    except Exception as exc:  # a reader bug costs this file only, as in the local run
        done.error = InputFileError(
            display_name(path),
            f"could not be read: internal error ({type(exc).__name__})",
            code="internal_error",
        )
        return done
    knowledge = _knowledge(ranges)
    counts: dict[str, Counter[str]] = {c: Counter() for c in COUNTED}
    tops: list[pd.DataFrame] = []
    results_dir = out_dir / WORK_DIR / RESULTS_PARQUET  # published when the run is complete
    rows_dir = out_dir / WORK_DIR / "rows"
    for number, (start, stop) in enumerate(chunk_bounds(len(frame), chunk_rows)):
        results = triage_frame(frame.iloc[start:stop], knowledge, as_of=as_of)
        if not len(results) and number:
            continue
        name = f"part-{index:05d}-{number:05d}.parquet"
        results = results.reset_index(drop=True)
        results.to_parquet(results_dir / name, index=False)
        done.parts.append(str(results_dir / name))
        done.offsets.append(start)
        done.results += len(results)
        _count(results, counts)
        ranks = priority_ranks(results)
        tagged = _tagged(results, index, start)
        del results
        tops.append(_top(tagged, ranks, top_rows))
        _write_buckets(tagged, ranks, rows_dir, name, buckets)
        del tagged, ranks
        _release_memory()
    del frame
    done.top = _top_of(tops, top_rows)
    done.counts = {c: dict(n) for c, n in counts.items()}
    done.summary = summary
    if rejected or index == 0:  # part 0 always exists: the Parquet folder has the schema
        # rejected.csv's columns (Rejected's internal flags are not written out)
        table = pd.DataFrame(rejected_rows(rejected), columns=list(REJECTED_COLUMNS)).astype(
            {c: "string" for c in REJECTED_COLUMNS if c != "source_row"}
        )
        table["source_row"] = table["source_row"].astype("int64")
        table.to_parquet(
            out_dir / WORK_DIR / REJECTED_PARQUET / f"part-{index:05d}.parquet", index=False
        )
    done.rejected_shown = rejected[:rejected_shown]
    done.rejected_urgent = [r for r in rejected if r.possibly_urgent]
    return done


_NONE_RANK: Final = PRIORITIES.index("none")


def _release_memory() -> None:
    """Give the memory of a finished task back to the system (a worker's RSS otherwise stays
    at its peak)."""
    import gc

    gc.collect()
    collector.release_free_memory()


def bucket_of(key: str, buckets: int) -> int:
    """The bucket of a patient key: the same in every process (not ``hash``, salted per
    process)."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % max(buckets, 1)


def _write_buckets(tagged: pd.DataFrame, ranks: Any, rows_dir: Path, name: str, n: int) -> None:
    """One chunk's rows (tagged with their file and row index) into the buckets of their
    patients, with their patient key and whether the row itself is to be acted on."""
    if not len(tagged):
        return
    pa = importlib.import_module("pyarrow")
    pq = importlib.import_module("pyarrow.parquet")
    keys = patient_keys(tagged)
    tagged[_KEY] = pd.array(keys, dtype="string")
    tagged[_FLAG] = np.asarray(ranks) < _NONE_RANK
    numbers = np.fromiter((bucket_of(k, n) for k in keys), dtype=np.int64, count=len(keys))
    table = pa.Table.from_pandas(tagged, preserve_index=False)  # converted once
    order = np.argsort(numbers, kind="stable")
    found, starts = np.unique(numbers[order], return_index=True)
    stops = [*starts[1:].tolist(), len(order)]
    for bucket, start, stop in zip(found.tolist(), starts.tolist(), stops, strict=True):
        folder = rows_dir / f"bucket-{bucket:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table.take(pa.array(order[start:stop])), folder / name)


def gather_bucket(folder: Path, target: Path, all_patients: bool) -> tuple[int, int, int]:
    """One bucket of the shuffle (runs on a worker): the rows of its flagged patients (every
    patient with ``all_patients``), from every file, into ``target``.  Returns its patients,
    its flagged patients and the rows written.  Holds the bucket's keys and one part at a time
    (the rows kept are the flagged patients' only)."""
    try:
        return _gather_bucket(folder, target, all_patients)
    finally:
        _release_memory()


def _gather_bucket(folder: Path, target: Path, all_patients: bool) -> tuple[int, int, int]:
    pa = importlib.import_module("pyarrow")  # untyped: Any
    pc = importlib.import_module("pyarrow.compute")
    pq = importlib.import_module("pyarrow.parquet")

    parts = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []
    keys: set[str] = set()
    flagged: set[str] = set()
    for part in parts:
        table = pq.read_table(part, columns=[_KEY, _FLAG])
        names = table.column(_KEY).to_pylist()
        keys.update(names)
        flagged.update(k for k, f in zip(names, table.column(_FLAG).to_pylist(), strict=True) if f)
    wanted = keys if all_patients else flagged
    if not wanted:
        return len(keys), 0, 0
    values = pa.array(sorted(wanted), type=pa.string())
    kept = []
    for part in parts:  # in name order: file, then chunk (input order)
        table = pq.read_table(part)
        table = table.filter(pc.is_in(table.column(_KEY).cast(pa.string()), value_set=values))
        if table.num_rows:
            kept.append(table.drop_columns([_FLAG]))
    rows = sum(t.num_rows for t in kept)
    if rows:
        pq.write_table(pa.concat_tables(kept, promote_options="permissive"), target)
    return len(keys), len(wanted), rows


def _count(results: pd.DataFrame, counts: Mapping[str, Counter[str]]) -> None:
    for column in COUNTED:
        if column == "month":
            if "collected_at" not in results.columns:
                continue
            values = pd.to_datetime(results["collected_at"], errors="coerce").dt.strftime("%Y-%m")
            counts[column].update(as_text(v) for v in values.tolist())
        elif column in results.columns:
            tally = results[column].astype(object).value_counts(dropna=False)
            for value, n in tally.items():
                if column in _MULTI:
                    for code in as_text(value).split(";"):
                        if code.strip():
                            counts[column][code.strip()] += int(n)
                else:
                    counts[column][as_text(value)] += int(n)


def _top(results: pd.DataFrame, ranks: Any, n: int) -> pd.DataFrame:
    """The ``n`` most pressing rows: priority, then ng/mL descending (missing last)."""
    if not len(results):
        return results
    ng = pd.to_numeric(results["prolactin_ng_ml"], errors="coerce").fillna(float("-inf"))
    order = pd.DataFrame({"rank": ranks, "ng": -ng.to_numpy()}).sort_values(
        ["rank", "ng"], kind="stable"
    )
    return results.iloc[order.index[:n]]


def _top_of(parts: Sequence[pd.DataFrame], n: int) -> pd.DataFrame | None:
    """The ``n`` most pressing of tagged rows (``_tagged``), ties in input order."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return None
    joined = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    joined = joined.sort_values([_FILE, _SEQ], kind="stable").reset_index(drop=True)
    return _top(joined, priority_ranks(joined), n).reset_index(drop=True)


def _tagged(results: pd.DataFrame, file_index: int, offset: int) -> pd.DataFrame:
    """``results`` with their file's index and their row's index in the file's results."""
    tagged = results.reset_index(drop=True)
    tagged[_FILE] = file_index
    tagged[_SEQ] = range(offset, offset + len(tagged))
    return tagged


def _untagged(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.drop(columns=[c for c in (_KEY, _FILE, _SEQ) if c in rows.columns])


def _as_lists(rows: pd.DataFrame) -> pd.DataFrame:
    """Detail columns read back from Parquet (arrays of structs) as the engine gives them
    (lists of dicts; the keys a struct filled with None left out)."""
    for name in DETAIL_COLUMNS:
        if name in rows.columns:
            cells = [
                [{k: v for k, v in d.items() if v is not None} for d in cell]
                if isinstance(cell, (list, np.ndarray))
                else cell
                for cell in rows[name].tolist()
            ]
            rows[name] = pd.Series(cells, index=rows.index, dtype=object)
    return rows


# ---------------------------------------------------------------------------------------------
# The client's side
# ---------------------------------------------------------------------------------------------
@contextlib.contextmanager
def dask_client(
    scheduler: str | None, *, workers: int | None = None, memory_limit: str | None = None
) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler``, or of a LocalCluster (processes, one thread
    each, one per core unless ``workers``) closed at the end."""
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    from triage.pipeline import available_cores

    limit = memory_limit or os.environ.get(ENV_MEMORY) or "auto"
    with (
        LocalCluster(
            n_workers=workers or available_cores(),
            threads_per_worker=1,
            processes=True,
            memory_limit=limit,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def run_dask(
    request: DaskRequest, *, client: Any | None = None, now: datetime | None = None
) -> DaskOutcome:
    """Triage ``request.inputs`` on a Dask cluster (module doc).  ``client``: an existing
    distributed Client (a test's); else one is made from the request (``dask_client``)."""
    knowledge = load_knowledge(request.ranges)  # checked here, before any task
    mapping = load_mapping(request.columns) if request.columns else None
    files = expand_patterns(request.inputs)
    if not files:
        raise NoUsableInputError([])
    if client is not None:
        return _run(request, client, knowledge, mapping, files, now or datetime.now(UTC))
    with dask_client(
        request.scheduler, workers=request.workers, memory_limit=request.memory_limit
    ) as made:
        return _run(request, made, knowledge, mapping, files, now or datetime.now(UTC))


def _check_folder(folder: Path) -> None:
    """An output Parquet folder may be replaced: not a link, and holding only part files."""
    if folder.is_symlink():
        raise NoUsableInputError([InputFileError(str(folder), "is a symbolic link")])
    if folder.exists():
        others = [p for p in folder.iterdir() if not p.name.startswith("part-")]
        if others:
            raise NoUsableInputError(
                [InputFileError(str(folder), "holds files other than part-*.parquet; move it")]
            )


def _run(
    request: DaskRequest,
    client: Any,
    knowledge: Knowledge,
    mapping: ColumnMapping | None,
    files: list[Path],
    generated_at: datetime,
) -> DaskOutcome:
    out = request.out_dir
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    _check_folder(out / RESULTS_PARQUET)
    _check_folder(out / REJECTED_PARQUET)
    work = out / WORK_DIR
    if work.is_symlink():
        raise NoUsableInputError([InputFileError(str(work), "is a symbolic link")])
    shutil.rmtree(work, ignore_errors=True)  # a previous run's, left by a crash
    (work / "rows").mkdir(parents=True, mode=0o700)
    (work / "flagged").mkdir(mode=0o700)
    # The parts are written under .work and renamed into place only when the run is complete:
    # a killed run leaves the previous run's results.parquet (and summary.json) as they were.
    (work / RESULTS_PARQUET).mkdir(mode=0o700)
    (work / REJECTED_PARQUET).mkdir(mode=0o700)
    try:
        return _run_in(request, client, knowledge, files, mapping, generated_at)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run_in(
    request: DaskRequest,
    client: Any,
    knowledge: Knowledge,
    files: list[Path],
    mapping: ColumnMapping | None,
    generated_at: datetime,
) -> DaskOutcome:
    out = request.out_dir
    work = out.resolve() / WORK_DIR
    buckets = max(int(request.buckets), 1)
    options = request.output_options
    shown = max(options.max_summary_rows, 0)
    top_rows = max(request.top_rows, shown)
    futures = client.map(
        triage_file,
        list(range(len(files))),
        [p.resolve() for p in files],
        mapping=mapping,
        read_options=request.read_options,
        ranges=request.ranges,
        as_of=generated_at,
        out_dir=out.resolve(),
        chunk_rows=request.chunk_rows,
        top_rows=top_rows,
        rejected_shown=shown,
        buckets=buckets,
        pure=False,
    )
    done: list[FileDone] = sorted(client.gather(futures), key=lambda d: d.index)
    del futures
    used = [d for d in done if d.summary is not None]
    errors = [d.error for d in done if d.error is not None]
    if not used:
        raise NoUsableInputError(errors)
    inputs = [d.summary for d in used if d.summary is not None]
    counts: dict[str, Counter[str]] = {c: Counter() for c in COUNTED}
    for d in used:
        for column, tally in d.counts.items():
            counts[column].update(tally)
    top = _top_of([d.top for d in used if d.top is not None], top_rows)
    result_count = sum(d.results for d in used)
    rejected_count = sum(s.rows_rejected for s in inputs)
    gathered = [work / "flagged" / f"bucket-{b:03d}.parquet" for b in range(buckets)]
    bucket_futures = client.map(
        gather_bucket,
        [work / "rows" / f"bucket-{b:03d}" for b in range(buckets)],
        gathered,
        all_patients=options.all_patients,
        pure=False,
    )
    tallied: list[tuple[int, int, int]] = client.gather(bucket_futures)
    del bucket_futures
    patients_total = sum(t[0] for t in tallied)
    flagged = sum(t[1] for t in tallied)
    gathered = [g for g, t in zip(gathered, tallied, strict=True) if t[2]]
    report_dir = out / REPORT_DIR
    # every input in the order given, an unusable one with why (as a local run lists them)
    listed: list[InputSummary] = []
    for d in done:
        if d.summary is not None:
            listed.append(d.summary)
        elif d.error is not None:
            listed.append(unusable_input(d.error))
    meta = run_meta(knowledge, generated_at, listed)
    tallies = {c: dict(counts[c]) for c in SESSION_COUNTED}
    rejected_shown = [r for d in used for r in d.rejected_shown][:shown]
    with _ReportSession(
        report_dir, options, tallies=tallies, results=result_count, patients=patients_total
    ) as session:
        # The most pressing rows first, in input order (the summary's ties then fall as in a
        # local run), then the flagged patients' other rows, one shuffled partition at a time.
        added = 0
        skip: set[tuple[int, int]] = set()
        if top is not None and len(top):
            first = top.sort_values([_FILE, _SEQ], kind="stable")
            skip = set(zip(first[_FILE].tolist(), first[_SEQ].tolist(), strict=True))
            session.add(_untagged(first).reset_index(drop=True))
            added += len(first)
        for rows in _flagged_buckets(gathered, skip):
            session.add(rows)
            added += len(rows)
        if not added:
            session.add(_empty_results(used))
        where = report_dir / "summary.html"
        urgent = urgent_lines(session.urgent_rows_as_written(), where)
        rejected_urgent = [r for d in used for r in d.rejected_urgent]
        urgent += rejected_urgent_lines(session.rejected_as_written(rejected_urgent), where)
        header = f"{TOOL_NAME} {__version__}, {generated_at:%Y-%m-%d %H:%M} UTC: urgent results"
        written = session.finish(
            rejected_shown,
            meta,
            extra_files={URGENT_TXT: urgent_text(urgent, header=header).encode()},
        )
        pages = session.patient_pages
    for name in (RESULTS_PARQUET, REJECTED_PARQUET):  # publish the parts (see _run)
        _check_folder(out / name)
        shutil.rmtree(out / name, ignore_errors=True)
        (work / name).replace(out / name)
    if result_count < request.csv_max_rows:
        written.append(_results_csv(out / RESULTS_CSV, sorted(_parts(out / RESULTS_PARQUET))))
    if rejected_count < request.csv_max_rows:
        written.append(_rejected_csv(out / REJECTED_CSV, sorted(_parts(out / REJECTED_PARQUET))))
    counts_by = {c: dict(n) for c, n in counts.items()}
    written.append(
        _write_summary_json(
            out / SUMMARY_JSON, used, errors, counts_by, top, generated_at, patients_total, flagged
        )
    )
    untriaged_urgent = sum(len(d.rejected_urgent) for d in used)
    matches = fail_on_matches(request.fail_on, counts_by["priority"], untriaged_urgent)
    exit_code = EXIT_FAIL_ON if matches else EXIT_SOME_INPUTS_FAILED if errors else EXIT_OK
    return DaskOutcome(
        inputs=inputs,
        errors=errors,
        counts_by={c: {k: v for k, v in n.items() if k} for c, n in counts_by.items()},
        result_count=result_count,
        rejected_count=rejected_count,
        written=written,
        fail_on_matches=matches,
        exit_code=exit_code,
        urgent=urgent,
        patient_pages=pages,
        flagged_patients=flagged,
    )


def _parts(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith("part-")]


def _empty_results(used: Sequence[FileDone]) -> pd.DataFrame:
    return pd.read_parquet(used[0].parts[0]).iloc[:0]


def _flagged_buckets(
    gathered: Sequence[Path], skip: set[tuple[int, int]]
) -> Iterator[pd.DataFrame]:
    """The flagged patients' rows, one bucket at a time (each holds every row of its patients),
    each in input order (file, then row), less the rows in ``skip`` (already added)."""
    for path in gathered:
        rows = pd.read_parquet(path).sort_values([_FILE, _SEQ], kind="stable")
        seen = [(f, q) in skip for f, q in zip(rows[_FILE], rows[_SEQ], strict=True)]
        rows = rows.loc[[not s for s in seen]]
        if len(rows):
            yield _as_lists(_untagged(rows).reset_index(drop=True))
        del rows


class _ReportSession(OutputSession):
    """An OutputSession fed the report's rows only (the flagged patients' and the most pressing
    ones), whose summary counts are those of the whole run."""

    def __init__(
        self,
        out_dir: Path,
        options: OutputOptions,
        *,
        tallies: Mapping[str, Mapping[str, int]],
        results: int,
        patients: int,
    ) -> None:
        super().__init__(out_dir, options)
        self._run_tallies = {c: dict(t) for c, t in tallies.items()}
        self._run_results = results
        self._run_patients = patients

    def summary_html(self, done: Any) -> str:
        view = self.summary_view(done, self._run_tallies)
        rejected_total = sum(s.rows_rejected for s in done.meta.inputs)
        view = dataclasses.replace(
            view,
            results_total=self._run_results,
            patients_total=self._run_patients,
            rows_omitted=self._run_results - len(view.rows),
            rejected_total=rejected_total,
            rejected_omitted=max(rejected_total - len(view.rejected), 0),
            priority_counts=count_views(
                self._run_tallies.get("priority", {}),
                PRIORITIES,
                {c.code: c.label for c in view.priority_counts},
                {c.code: c.meaning for c in view.priority_counts},
            ),
            status_counts=count_views(
                self._run_tallies.get("status", {}), STATUSES, {}, STATUS_MEANINGS
            ),
        )
        return render_summary(self._env, view)


@contextlib.contextmanager
def _private_file(target: Path) -> Iterator[BinaryIO]:
    """A file written beside ``target`` (0600) and renamed into place when complete."""
    temporary = target.with_name(f".{target.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
        temporary.replace(target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _results_csv(target: Path, parts: Sequence[Path]) -> Path:
    """results.csv as a local run writes it, from every part in input order (one at a time)."""
    with _private_file(target) as handle:
        writer = ResultsCsv(handle)
        for part in parts:
            writer.add(_as_lists(pd.read_parquet(part)))
        if not writer.header_written:
            writer.finish(default_file_columns())
    return target


def _rejected_csv(target: Path, parts: Sequence[Path]) -> Path:
    rejected: list[Rejected] = []
    for part in parts:
        frame = pd.read_parquet(part).astype(object)
        rejected += [
            Rejected(**{str(k): _plain(v) for k, v in r.items()}) for r in frame.to_dict("records")
        ]
    text = io.StringIO(newline="")
    write_rejected_csv(rejected, text)
    with _private_file(target) as handle:
        handle.write(text.getvalue().encode("utf-8"))
    return target


def _plain(value: Any) -> Any:
    return None if value is None or value is pd.NA else value


def _write_summary_json(
    target: Path,
    used: Sequence[FileDone],
    errors: Sequence[InputFileError],
    counts: Mapping[str, Mapping[str, int]],
    top: pd.DataFrame | None,
    generated_at: datetime,
    patients: int,
    flagged: int,
) -> Path:
    inputs: list[dict[str, Any]] = []
    for d in used:
        s = d.summary
        assert s is not None
        inputs.append(
            {
                "file": s.file,
                "sheet": s.sheet,
                "rows_read": s.rows_read,
                "rows_triaged": s.rows_triaged,
                "rows_rejected": s.rows_rejected,
                "results_written": d.results,
                "balanced": s.rows_read == s.rows_triaged + s.rows_rejected
                and d.results == s.rows_triaged,
                "parts": [Path(p).name for p in d.parts],
            }
        )
    top_rows: list[dict[str, Any]] = []
    if top is not None:
        wanted = [
            c
            for c in ("source_file", "source_row", "patient_id", "priority", "status", "band")
            if c in top.columns
        ]
        for record in top[wanted].astype(object).to_dict("records"):
            top_rows.append({str(k): as_text(v) for k, v in record.items()})
    document = {
        "tool": {"name": TOOL_NAME, "version": __version__, "engine": "dask"},
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "results": sum(d.results for d in used),
        "rejected": sum(i["rows_rejected"] for i in inputs),
        "patients": patients,
        "flagged_patients": flagged,
        "inputs": inputs,
        "errors": [str(e) for e in errors],
        "unusable_inputs": [
            {"file": e.file, "sha256": e.sha256, "failure_code": e.code, "failure": e.message}
            for e in errors
        ],
        "counts": {c: dict(sorted(n.items())) for c, n in counts.items()},
        "top": top_rows,
    }
    with _private_file(target) as handle:
        handle.write(json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8"))
    return target


__all__ = [
    "DaskOutcome",
    "DaskRequest",
    "dask_client",
    "expand_patterns",
    "gather_bucket",
    "run_dask",
    "triage_file",
]
