"""The Typer application.  One module per command; shared options in options.py."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from triage import TOOL_NAME, __version__
from triage.cli.options import SettingsGroup

app = typer.Typer(
    cls=SettingsGroup,  # a bad option value is named where it came from (config, environment)
    # Help texts are plain text: "[columns]" must show as written, never be eaten as Rich
    # markup (nor need hand escapes).
    rich_markup_mode=None,
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
    # help as wide as the terminal, up to 100 columns (docs/cli.md is rendered at 100)
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
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
    from triage.cli import batch, check, history, ranges, run

    run.register(app)
    check.register(app)
    batch.register(app)
    app.add_typer(ranges.app, name="ranges")
    history.register(app)


_register()


def main() -> None:
    """Console-script entry point."""
    quiet_reader_panics()
    app(prog_name=TOOL_NAME)


def quiet_reader_panics() -> None:
    """The spreadsheet reader (python-calamine, in Rust) reports a damaged file by a panic,
    which the tool turns into a one-line error (triage.io.sources.is_panic); Rust prints a
    backtrace of it on stderr first when RUST_BACKTRACE asks for one.  Backtraces are for
    --debug, not for a lab's cron mail."""
    if "--debug" not in sys.argv:
        os.environ["RUST_BACKTRACE"] = "0"
