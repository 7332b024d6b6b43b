"""The Typer application.  One module per command; shared options in options.py."""

from __future__ import annotations

from typing import Annotated

import typer

from triage import TOOL_NAME, __version__

app = typer.Typer(
    name=TOOL_NAME,
    help=(
        "Triage serum prolactin results from laboratory exports: reference intervals, severity, "
        "possible contributing factors and next steps, as printable HTML reports. "
        "Decision support, not a diagnosis."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"{TOOL_NAME} {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Decision support for serum prolactin results."""


def _register() -> None:
    from triage.cli import batch, check, ranges, run

    run.register(app)
    check.register(app)
    batch.register(app)
    app.add_typer(ranges.app, name="ranges")


_register()


def main() -> None:
    """Console-script entry point."""
    app(prog_name=TOOL_NAME)
