"""`ranges list|show|validate`: the reference-interval sets and a lab's own file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from triage.cli import console
from triage.cli.options import DebugOpt

if TYPE_CHECKING:  # the knowledge is imported when a command runs: --help stays light
    from triage.knowledge.model import ReferenceSet, Stratum

app = typer.Typer(
    # Help texts are plain text: "[columns]" must show as written, never be eaten as Rich
    # markup (nor need hand escapes).
    rich_markup_mode=None,
    help="List, show and validate reference-interval sets.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _limits(s: Stratum) -> str:
    low = "" if s.low_ng_ml is None else f"{s.low_ng_ml:g}"
    return f"{low}-{s.high_ng_ml:g}" if low else f"< {s.high_ng_ml:g}"


def _years(value: float) -> str:
    """An age as a person writes it: 4 d, 30 d, 1 y (below a year, in days)."""
    if 0 < value < 1:
        from triage.numbers import DAYS_PER_YEAR

        return f"{round(value * DAYS_PER_YEAR):d} d"
    return f"{value:g} y"


def _age(s: Stratum) -> str:
    if s.age_max_years is None:
        return f">= {_years(s.age_min_years)}" if s.age_min_years else "any age"
    low = "0" if not s.age_min_years else _years(s.age_min_years)
    return f"{low} to {_years(s.age_max_years)}"


def render_set(rs: ReferenceSet) -> str:
    lines = [
        f"{rs.name}: {rs.title}",
        f"  assay: {rs.assay or '(any)'}"
        + (f"  aliases: {', '.join(rs.aliases)}" if rs.aliases else ""),
        f"  conversion: {rs.miu_per_ng:g} mIU/L per ng/mL ({rs.miu_per_ng_source})",
        f"  source: {rs.source}",
    ]
    lines += [f"  caveat: {c}" for c in rs.caveats]
    lines.append("  strata (ng/mL):")
    for s in rs.strata:
        lines.append(
            f"    {s.id:<28} {s.sex:<3} {s.state:<14} {_age(s):<14} {_limits(s):<14} {s.source}"
        )
        if not s.measured:  # what every report says with the interval
            lines.append(f"      not a measured reference interval: {s.note}")
        elif s.note_is_caveat:
            lines.append(f"      caveat: {s.note}")
    return "\n".join(lines)


@app.command("list")
def list_command(debug: DebugOpt = False) -> None:
    """The reference sets shipped with the tool."""
    with console.error_boundary(debug=debug):
        from triage.knowledge import list_reference_sets

        for rs in list_reference_sets():
            console.out(f"{rs.name:<26} {len(rs.strata):>3} strata  {rs.title}")


@app.command("show")
def show_command(
    name: Annotated[
        str, typer.Argument(metavar="NAME|FILE", help="A set name from `ranges list`, or a file.")
    ],
    debug: DebugOpt = False,
) -> None:
    """Every stratum of one set with its source.

    Exit status: 0 shown, 2 no shipped set of that name, or a file with problems (as
    `ranges validate` names them).
    """
    with console.error_boundary(debug=debug):
        from triage.knowledge import load_reference_set

        console.out(render_set(load_reference_set(name)))


@app.command("validate")
def validate_command(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A reference-set file (.toml or .csv).")
    ],
    debug: DebugOpt = False,
) -> None:
    """Check a lab's own reference-set file; problems name the line and field (exit 2).

    Exit status: 0 valid (one line on stdout), 2 problems (one line each on stderr) or a file
    that cannot be read.
    """
    with console.error_boundary(debug=debug):
        from triage.knowledge import reference_file_problems, validate_reference_file

        problems = reference_file_problems(file)
        for problem in problems:
            console.error(str(problem))
        if problems:
            raise typer.Exit(problems[0].exit_code)
        rs = validate_reference_file(file)
        console.out(f"{file}: valid ({len(rs.strata)} strata, set {rs.name!r})")
