"""One triage run: read every input, triage, write the outputs.

This is the only module that ties the stages together; the CLI calls it, and so can a script.
Bad inputs do not stop the others: each becomes an InputFileError in the outcome, and the run
fails only when no input at all could be used (exit 3).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from triage import TOOL_NAME, __version__
from triage.engine import triage_frame
from triage.io import ColumnMapping, FileRead, ReadOptions, expand_inputs, load_mapping, read_file
from triage.knowledge import load_knowledge
from triage.knowledge.model import Knowledge
from triage.output import OutputOptions, RunMeta, write_outputs
from triage.schema import (
    CANONICAL_COLUMNS,
    PRIORITIES,
    InputFileError,
    InputSummary,
    Rejected,
    TriageError,
)

log = logging.getLogger("triage")

EXIT_OK = 0
EXIT_SOME_INPUTS_FAILED = 4
EXIT_FAIL_ON = 10

# Called before each file is read: (file, index from 0, number of files).
ProgressHook = Callable[[Path, int, int], None]


class NoUsableInputError(TriageError):
    """No input could be read, or none holds a prolactin column (contract §6: 3)."""

    exit_code = 3

    def __init__(self, failures: Sequence[InputFileError]) -> None:
        self.failures = list(failures)
        if len(self.failures) == 1:
            message = str(self.failures[0])
        else:
            message = "no usable input: " + "; ".join(str(f) for f in self.failures)
        super().__init__(message)


@dataclass
class ReadOutcome:
    """Everything read from the inputs, before any clinical decision."""

    frame: pd.DataFrame
    rejected: list[Rejected]
    inputs: list[InputSummary]
    failures: list[InputFileError]


@dataclass
class TriageRequest:
    inputs: Sequence[Path]
    out_dir: Path
    ranges: str = "default"
    columns: Path | None = None
    read_options: ReadOptions = field(default_factory=ReadOptions)
    output_options: OutputOptions = field(default_factory=OutputOptions)
    fail_on: str | None = None


@dataclass
class TriageOutcome:
    results: pd.DataFrame
    rejected: list[Rejected]
    inputs: list[InputSummary]
    failures: list[InputFileError]
    written: list[Path]
    fail_on_matches: int
    exit_code: int
    knowledge: Knowledge

    def count(self, column: str) -> dict[str, int]:
        """Results per value of a column (priority, status ...), zero counts left out."""
        if self.results.empty:
            return {}
        counts = self.results[column].value_counts()
        return {str(k): int(v) for k, v in counts.items()}


def read_inputs(
    paths: Sequence[Path],
    *,
    columns: Path | None = None,
    options: ReadOptions | None = None,
    progress: ProgressHook | None = None,
) -> ReadOutcome:
    """Read every input file; unusable files are collected, not raised."""
    options = options or ReadOptions()
    mapping: ColumnMapping | None = load_mapping(columns) if columns else None
    failures: list[InputFileError] = []
    try:
        files = expand_inputs(list(paths))
    except InputFileError as exc:
        raise NoUsableInputError([exc]) from None
    frames: list[pd.DataFrame] = []
    rejected: list[Rejected] = []
    summaries: list[InputSummary] = []
    for index, path in enumerate(files):
        if progress:
            progress(path, index, len(files))
        try:
            read: FileRead = read_file(path, mapping, options)
        except InputFileError as exc:
            log.warning("%s", exc)
            failures.append(exc)
            continue
        frames.append(read.frame)
        rejected.extend(read.rejected)
        summaries.append(read.summary)
        log.info(
            "%s: %d rows read, %d triaged, %d rejected",
            read.summary.file,
            read.summary.rows_read,
            read.summary.rows_triaged,
            read.summary.rows_rejected,
        )
    if not summaries:
        raise NoUsableInputError(failures or [InputFileError("(inputs)", "no input files")])
    frame = _concat(frames)
    return ReadOutcome(frame=frame, rejected=rejected, inputs=summaries, failures=failures)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    non_empty = [f for f in frames if not f.empty]
    if not non_empty:
        return frames[0].iloc[0:0] if frames else _empty_canonical()
    if len(non_empty) == 1:
        return non_empty[0].reset_index(drop=True)
    return pd.concat(non_empty, ignore_index=True)


def _empty_canonical() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in CANONICAL_COLUMNS.items()})


def priorities_at_or_above(level: str) -> list[str]:
    """--fail-on soon matches soon and urgent (PRIORITIES runs from most pressing)."""
    return list(PRIORITIES[: PRIORITIES.index(level) + 1])


def run_triage(
    request: TriageRequest,
    *,
    progress: ProgressHook | None = None,
    now: datetime | None = None,
) -> TriageOutcome:
    """Read, triage and write; returns the outcome with its exit status (0, 4 or 10)."""
    knowledge = load_knowledge(request.ranges)
    read = read_inputs(
        request.inputs, columns=request.columns, options=request.read_options, progress=progress
    )
    generated_at = now or datetime.now(UTC)
    results = triage_frame(read.frame, knowledge, as_of=generated_at)
    meta = RunMeta(
        tool_name=TOOL_NAME,
        tool_version=__version__,
        generated_at=generated_at,
        reference_set=knowledge.reference_set.name,
        reference_title=knowledge.reference_set.title,
        inputs=read.inputs,
        band_thresholds=[(b.name, b.lower_ng_ml) for b in knowledge.thresholds.bands],
    )
    written = write_outputs(results, read.rejected, meta, request.out_dir, request.output_options)
    matches = 0
    if request.fail_on:
        matches = int(results["priority"].isin(priorities_at_or_above(request.fail_on)).sum())
    if matches:
        exit_code = EXIT_FAIL_ON
    elif read.failures:
        exit_code = EXIT_SOME_INPUTS_FAILED
    else:
        exit_code = EXIT_OK
    return TriageOutcome(
        results=results,
        rejected=read.rejected,
        inputs=read.inputs,
        failures=read.failures,
        written=written,
        fail_on_matches=matches,
        exit_code=exit_code,
        knowledge=knowledge,
    )
