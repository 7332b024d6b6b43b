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
    import pandas as pd

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


CheckVerboseOpt = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        envvar=env("verbose"),
        help=(
            "Also show, per input, how its usable rows were read: the prolactin units (as "
            "written -> as read) and where the unit came from, the sexes, the ages and the span "
            "of collection dates; and every rejected row, not only the first "
            f"{MAX_ROWS_LISTED} of each reason."
        ),
    ),
]


def render_check(outcome: InputsRead, *, show_values: bool = False, verbose: bool = False) -> str:
    """The text `check` prints: per file, the mapping, the counts and the problems; with
    ``verbose`` also what the usable rows were read as (``_render_read``) and every rejected
    row.

    The details of rejected rows and the warnings quote cells ('Anna Muster' is not a number);
    unless ``show_values``, every quoted text but plain numbers and units is replaced by
    ``[redacted]``, by the rule of ``--redact`` (triage.output.redact.scrub_quoted); the sheet
    name and the header texts, printed in the mapping anyway, stay."""
    by_file: dict[tuple[str, str], list[Rejected]] = defaultdict(list)
    for r in outcome.rejected:
        by_file[(r.source_file, r.source_sheet)].append(r)
    blocks = []
    frame = outcome.frame
    sheets = frame["source_sheet"].astype("string").fillna("")
    for s in outcome.inputs:
        parts = outcome.sheets.get((s.file, s.sheet), [])
        rejected = [r for part in parts or [s] for r in by_file.get((s.file, part.sheet), [])]
        block = _render_summary(s, rejected, show_values, verbose, mapped=not parts)
        if verbose and not parts:
            rows = frame[(frame["source_file"] == s.file) & (sheets == (s.sheet or ""))]
            block += "\n" + "\n".join(_render_read(s, rows))
        for part in parts:  # a workbook read from several sheets: each sheet as it was read
            block += "\n" + "\n".join(_render_sheet(part))
            if verbose:
                rows = frame[(frame["source_file"] == s.file) & (sheets == part.sheet)]
                block += "\n" + "\n".join("  " + line for line in _render_read(part, rows))
        blocks.append(block)
    # an unusable file is named here; its error is printed once, on stderr (check_command)
    blocks.extend(f"{f.file}: UNUSABLE (the error is on stderr)" for f in outcome.errors)
    return "\n\n".join(blocks)


def _render_summary(
    summary: InputSummary,
    rejected: list[Rejected],
    show_values: bool = True,
    verbose: bool = False,
    *,
    mapped: bool = True,
) -> str:
    """One input's block; ``mapped``: with its column mapping (False: a workbook read from
    several sheets, whose mappings ``_render_sheet`` gives sheet by sheet)."""
    shown = _scrubber(summary, show_values)
    sheet = f", sheet {summary.sheet!r}" if summary.sheet else ""
    head = f"{summary.file}{sheet}: "
    lines = [
        head + f"{summary.shape} shape, header on row {summary.header_row}"
        if mapped
        else head + "read from each of these sheets (each below)",
        f"  sha256 {summary.sha256}",
    ]
    if mapped:
        lines += _mapping_lines(summary, "  ")
    lines.append(_rows_line(summary, "  "))
    lines += [f"  warning: {w}" for w in shown_warnings(summary, show_values=show_values)]
    if rejected:
        lines.append("  problems:")
        reasons = Counter(r.reason_code for r in rejected)
        for reason, count in reasons.most_common():
            rows = [r for r in rejected if r.reason_code == reason]
            meaning = REJECT_REASONS.get(reason, "")
            lines.append(f"    {reason} ({count}): {meaning}")
            listed = rows if verbose else rows[:MAX_ROWS_LISTED]
            for r in listed:  # a workbook read from several sheets: the row's sheet too
                where = "" if r.source_sheet == summary.sheet else f"sheet {r.source_sheet!r} "
                lines.append(f"      {where}row {r.source_row}: {shown(r.detail)}")
            if len(rows) > len(listed):
                lines.append(f"      ... and {len(rows) - len(listed)} more (--verbose lists all)")
    return "\n".join(lines)


def _mapping_lines(summary: InputSummary, indent: str) -> list[str]:
    """The column mapping of one input or sheet, and its headers not used."""
    lines = [f"{indent}columns found (field <- header):"]
    width = max((len(f) for f in summary.mapping), default=0)
    lines += [
        f"{indent}  {field.ljust(width)} <- {header}" for field, header in summary.mapping.items()
    ]
    if summary.unmapped_headers:
        lines.append(f"{indent}not used: " + ", ".join(summary.unmapped_headers))
    return lines


def _render_sheet(summary: InputSummary) -> list[str]:
    """One sheet of a workbook read from several: its shape, header row, column mapping and
    counts (its warnings and rejected rows are in the workbook's block, named by sheet)."""
    return [
        f"  sheet {summary.sheet!r}: {summary.shape} shape, header on row {summary.header_row}",
        *_mapping_lines(summary, "    "),
        _rows_line(summary, "    "),
    ]


def _rows_line(summary: InputSummary, indent: str) -> str:
    """The row accounting of one input or sheet: read = usable + rejected."""
    return (
        f"{indent}rows: {summary.rows_read} read = {summary.rows_triaged} usable"
        f" + {summary.rows_rejected} rejected"
    )


def _counts(values: pd.Series, missing: str) -> str:
    """'12 F, 3 M, 1 not stated': each value with its count, most frequent first."""
    counted = values.fillna(missing).astype(str).value_counts(sort=True)
    return ", ".join(f"{count} {value}" for value, count in counted.items())


def _render_read(summary: InputSummary, rows: pd.DataFrame) -> list[str]:
    """--verbose: what the usable rows of one input were read as, so that a wrong unit, a sex
    column read as empty or day and month swapped show before a run (numbers, units, sexes and
    dates only: no name, id or free text)."""
    if rows.empty:
        return ["  read as: no result (every row was rejected)"]
    lines = [f"  read as ({len(rows)} result(s)):"]
    written = rows["unit_raw"].fillna("").astype(str).str.strip()
    read = rows["prolactin_unit"].fillna("none").astype(str)
    pairs = Counter(zip(written.tolist(), read.tolist(), strict=True)).most_common()
    units = ", ".join(
        f"{f'{w!r} -> ' if w and w != r else ''}{r} {count}" for (w, r), count in pairs
    )
    lines.append(f"    prolactin units: {units}")
    column = summary.mapping.get("prolactin_unit")
    if column is not None:
        source = f"the unit column {column!r} (an empty cell: the header, --unit or the mapping)"
    elif "prolactin" in summary.mapping:
        source = (
            f"no unit column: the prolactin header {summary.mapping['prolactin']!r}, a title "
            "line above it, --unit or the mapping's [defaults]"
        )
    elif "unit" in summary.mapping:  # a long export: each test line's own unit
        source = f"the unit column {summary.mapping['unit']!r} of each prolactin line"
    else:
        source = "the unit written with each prolactin line, --unit or the mapping's [defaults]"
    lines.append(f"    unit from: {source}")
    lines.append(f"    sex: {_counts(rows['sex'], 'not stated')}")
    ages = rows["age_years"].dropna()
    youngest, oldest = (round(ages.min(), 1), round(ages.max(), 1)) if len(ages) else (0, 0)
    age = (
        f"{len(ages)} of {len(rows)} row(s), {youngest:g} to {oldest:g} years"
        if len(ages)
        else "none (adult intervals are used)"
    )
    lines.append(f"    age known: {age}")
    dates = rows["collected_at"].dropna()
    if len(dates):
        span = f"{dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}"
        undated = len(rows) - len(dates)
        lines.append(
            f"    collected: {span}" + (f" ({undated} row(s) without a date)" if undated else "")
        )
    else:
        lines.append("    collected: no collection date in any row")
    return lines


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
        verbose: CheckVerboseOpt = False,
        debug: DebugOpt = False,
        show_values: ShowValuesOpt = False,
    ) -> None:
        """Show the column mapping found, the row counts and every problem; write nothing.

        Exit status: 0 every input usable (rejected rows are listed), 2 usage error (bad
        option, config, mapping file or reference set), 3 none usable, 4 some unusable.
        Quoted cell texts in warnings and rejected rows are shown as [redacted] (numbers and
        units stay) unless --show-values is given. --verbose adds what the usable rows were
        read as (units, sexes, ages, collection dates) and lists every rejected row.
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
                console.out(render_check(outcome, show_values=show_values, verbose=verbose))
            for failure in outcome.errors:
                console.error(str(failure))
        raise typer.Exit(EXIT_SOME_INPUTS_FAILED if outcome.errors else EXIT_OK)
