"""`check`: read and map the inputs, show what was found and every problem; write nothing."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from triage.cli import console
from triage.cli.options import (
    ColumnsOpt,
    ConfigOpt,
    DayFirstOpt,
    DebugOpt,
    HeaderRowOpt,
    QuietOpt,
    RangesOpt,
    SheetOpt,
    UnitOpt,
    VerboseOpt,
    env,
)
from triage.cli.run import sheet_option
from triage.reading_warnings import scrubber as _scrubber
from triage.reading_warnings import shown_warnings
from triage.schema import (
    EXIT_OK,
    EXIT_SOME_INPUTS_FAILED,
    REJECT_REASONS,
    InputSummary,
    Rejected,
)

if TYPE_CHECKING:  # imported when the command runs: --help stays light
    from triage.io import InputsRead

# How many row numbers to list per reason before "and N more".
MAX_ROWS_LISTED = 20

ShowValuesOpt = Annotated[
    bool,
    typer.Option(
        "--show-values",
        envvar=env("show_values"),
        help="Quote the cells of rejected rows and warnings in full (they may hold names and ids).",
    ),
]


def render_check(outcome: InputsRead, *, show_values: bool = False) -> str:
    """The text `check` prints: per file, the mapping, the counts and the problems.

    The details of rejected rows and the warnings quote cells ('Anna Muster' is not a number);
    unless ``show_values``, every quoted text but plain numbers and units is replaced by
    ``[redacted]``, by the rule of ``--redact`` (triage.output.redact.scrub_quoted); the sheet
    name and the header texts, printed in the mapping anyway, stay."""
    by_file: dict[tuple[str, str], list[Rejected]] = defaultdict(list)
    for r in outcome.rejected:
        by_file[(r.source_file, r.source_sheet)].append(r)
    blocks = [
        _render_summary(s, by_file.get((s.file, s.sheet), []), show_values) for s in outcome.inputs
    ]
    # an unusable file is named here; its error is printed once, on stderr (check_command)
    blocks.extend(f"{f.file}: UNUSABLE (the error is on stderr)" for f in outcome.errors)
    return "\n\n".join(blocks)


def _render_summary(
    summary: InputSummary, rejected: list[Rejected], show_values: bool = True
) -> str:
    shown = _scrubber(summary, show_values)
    sheet = f", sheet {summary.sheet!r}" if summary.sheet else ""
    lines = [
        f"{summary.file}{sheet}: {summary.shape} shape, header on row {summary.header_row}",
        f"  sha256 {summary.sha256}",
        "  columns found (field <- header):",
    ]
    width = max((len(f) for f in summary.mapping), default=0)
    lines += [f"    {field.ljust(width)} <- {header}" for field, header in summary.mapping.items()]
    if summary.unmapped_headers:
        lines.append("  not used: " + ", ".join(summary.unmapped_headers))
    lines.append(
        f"  rows: {summary.rows_read} read = {summary.rows_triaged} usable"
        f" + {summary.rows_rejected} rejected"
    )
    lines += [f"  warning: {w}" for w in shown_warnings(summary, show_values=show_values)]
    if rejected:
        lines.append("  problems:")
        reasons = Counter(r.reason_code for r in rejected)
        for reason, count in reasons.most_common():
            rows = [r for r in rejected if r.reason_code == reason]
            meaning = REJECT_REASONS.get(reason, "")
            lines.append(f"    {reason} ({count}): {meaning}")
            for r in rows[:MAX_ROWS_LISTED]:
                lines.append(f"      row {r.source_row}: {shown(r.detail)}")
            if len(rows) > MAX_ROWS_LISTED:
                lines.append(f"      ... and {len(rows) - MAX_ROWS_LISTED} more")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check_command(
        inputs: Annotated[
            list[Path],
            typer.Argument(
                metavar="INPUT...", help="Lab exports or folders to check.", show_default=False
            ),
        ],
        columns: ColumnsOpt = None,
        ranges: RangesOpt = "default",
        config: ConfigOpt = None,
        sheet: SheetOpt = None,
        header_row: HeaderRowOpt = None,
        dayfirst: DayFirstOpt = None,
        unit: UnitOpt = None,
        quiet: QuietOpt = False,
        verbose: VerboseOpt = False,
        debug: DebugOpt = False,
        show_values: ShowValuesOpt = False,
    ) -> None:
        """Show the column mapping found, the row counts and every problem; write nothing.

        Exit status: 0 every input usable (rejected rows are listed), 2 usage error (bad
        option, config, mapping file or reference set), 3 none usable, 4 some unusable.
        Quoted cell texts in warnings and rejected rows are shown as [redacted] (numbers and
        units stay) unless --show-values is given.
        """
        console.configure_logging(quiet=True, verbose=False)
        with console.error_boundary(debug=debug):
            from triage.io.options import ReadOptions
            from triage.io.sources import parse_ahead

            options = ReadOptions(
                sheet=sheet_option(sheet), header_row=header_row, dayfirst=dayfirst, unit=unit
            )
            if inputs:  # its sheet is parsed while pandas and the readers are imported
                parse_ahead(inputs[0], sheet=options.sheet, limits=options.limits)
            from triage.io import read_usable_inputs, warm_up
            from triage.knowledge import load_knowledge

            load_knowledge(ranges)  # a wrong --ranges is a problem worth seeing here too
            warm_up()
            outcome = read_usable_inputs(inputs, columns=columns, options=options)
            if not quiet:
                console.out(render_check(outcome, show_values=show_values))
            for failure in outcome.errors:
                console.error(str(failure))
        raise typer.Exit(EXIT_SOME_INPUTS_FAILED if outcome.errors else EXIT_OK)
