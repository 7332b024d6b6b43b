"""One triage run: read every input, triage, write the outputs.

This is the only module that ties the stages together; the CLI calls it, and so can a script.
Bad inputs do not stop the others: each becomes an InputFileError in the outcome, and the run
fails only when no input at all could be used (exit 3).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from triage import TOOL_NAME, __version__, io
from triage.engine import triage_frame
from triage.io import ColumnMapping, InputsRead, ProgressHook, ReadOptions, load_mapping
from triage.knowledge import load_knowledge
from triage.knowledge.model import Knowledge
from triage.notices import notices
from triage.output import OutputOptions, RunMeta, write_outputs
from triage.report.redact import Redactor
from triage.schema import (
    EXIT_FAIL_ON,
    EXIT_OK,
    EXIT_SOME_INPUTS_FAILED,
    PRIORITIES,
    InputFileError,
    InputSummary,
    Rejected,
    TriageError,
)
from triage.urgent import URGENT_TXT, urgent_lines, urgent_results, urgent_text

log = logging.getLogger("triage")


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
    errors: list[InputFileError]  # inputs that could not be used at all
    written: list[Path]
    fail_on_matches: int
    exit_code: int
    knowledge: Knowledge
    urgent: list[str] = field(default_factory=list)  # triage.urgent lines, redacted if asked
    notices: list[str] = field(default_factory=list)  # triage.notices: said whatever --quiet

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
) -> InputsRead:
    """Read every input file (unusable ones collected); NoUsableInputError when none is usable."""
    mapping: ColumnMapping | None = load_mapping(columns) if columns else None
    read = io.read_inputs(list(paths), mapping, options or ReadOptions(), progress=progress)
    if not read.inputs:
        raise NoUsableInputError(read.errors or [InputFileError("(inputs)", "no input files")])
    return read


def _triage_each_file_alone_if_need_be(
    read: InputsRead, knowledge: Knowledge, at: datetime
) -> pd.DataFrame:
    """The engine on every file's rows at once; should it fail (a bug), each file alone, so that
    one file's fault costs that file only: it becomes an unusable input (an error naming it)
    and the others are triaged as usual.  When no file can be triaged the error is raised: a bug
    in the rules (exit 1), not a fault of the inputs."""
    try:
        return triage_frame(read.frame, knowledge, as_of=at)
    except Exception as exc:  # a bug: find the file it belongs to
        first = exc
        log.debug("the engine failed on the whole batch: %s", type(exc).__name__)
    if len(read.inputs) < 2:
        raise first  # nothing to save: a bug (exit 1)
    parts: list[pd.DataFrame] = []
    kept: list[InputSummary] = []
    for summary in read.inputs:
        rows = read.frame[read.frame["source_file"] == summary.file]
        try:
            parts.append(triage_frame(rows, knowledge, as_of=at))
            kept.append(summary)
        except Exception as exc:
            read.errors.append(
                InputFileError(
                    summary.file,
                    f"could not be triaged: internal error ({type(exc).__name__}) in the "
                    "rules; this is a bug: report it (the other files were triaged)",
                )
            )
            read.rejected = [r for r in read.rejected if r.source_file != summary.file]
    if not kept:
        raise first  # every file fails: a bug in the rules, not in the inputs (exit 1)
    read.inputs = kept
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _as_written(results: pd.DataFrame, options: OutputOptions) -> pd.DataFrame:
    """The rows as the outputs show them (ids and names redacted under --redact)."""
    if options.redact and not results.empty:
        return Redactor.for_run(options.redact_key).redact_results(results)
    return results


def priorities_at_or_above(level: str) -> list[str]:
    """--fail-on soon matches soon and urgent (PRIORITIES runs from most pressing)."""
    return list(PRIORITIES[: PRIORITIES.index(level) + 1])


def run_triage(
    request: TriageRequest,
    *,
    progress: ProgressHook | None = None,
    now: datetime | None = None,
    report: Path | None = None,
) -> TriageOutcome:
    """Read, triage and write; returns the outcome with its exit status (0, 4 or 10).

    ``report``: the summary page named in the urgent list (default: the one in ``out_dir``).
    """
    knowledge = load_knowledge(request.ranges)
    read = read_inputs(
        request.inputs, columns=request.columns, options=request.read_options, progress=progress
    )
    generated_at = now or datetime.now(UTC)
    results = _triage_each_file_alone_if_need_be(read, knowledge, generated_at)
    meta = RunMeta(
        tool_name=TOOL_NAME,
        tool_version=__version__,
        generated_at=generated_at,
        reference_set=knowledge.reference_set.name,
        reference_title=knowledge.reference_set.title,
        inputs=read.inputs,
        band_thresholds=[(b.name, b.lower_ng_ml) for b in knowledge.thresholds.bands],
    )
    urgent = urgent_lines(
        _as_written(urgent_results(results), request.output_options),
        report or request.out_dir / "summary.html",
    )
    header = f"{TOOL_NAME} {__version__}, {generated_at:%Y-%m-%d %H:%M} UTC: urgent results"
    written = write_outputs(
        results,
        read.rejected,
        meta,
        request.out_dir,
        request.output_options,
        extra_files={URGENT_TXT: urgent_text(urgent, header=header).encode()},
    )
    matches = 0
    if request.fail_on:
        matches = int(results["priority"].isin(priorities_at_or_above(request.fail_on)).sum())
    if matches:
        exit_code = EXIT_FAIL_ON
    elif read.errors:
        exit_code = EXIT_SOME_INPUTS_FAILED
    else:
        exit_code = EXIT_OK
    return TriageOutcome(
        urgent=urgent,
        notices=notices(read.inputs),
        results=results,
        rejected=read.rejected,
        inputs=read.inputs,
        errors=read.errors,
        written=written,
        fail_on_matches=matches,
        exit_code=exit_code,
        knowledge=knowledge,
    )
