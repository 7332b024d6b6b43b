"""Generate docs/cli.md from the commands' --help, so the docs cannot drift from the code.

`python -m triage.cli.docs > docs/cli.md` writes it; tests/test_docs.py checks it is current.
Help texts are plain text (the app sets ``rich_markup_mode=None``): "[columns]" shows as written.
"""

from __future__ import annotations

import os

from typer.testing import CliRunner

COMMANDS: tuple[tuple[str, ...], ...] = (
    (),
    ("run",),
    ("demo",),
    ("check",),
    ("batch",),
    ("ranges",),
    ("ranges", "list"),
    ("ranges", "show"),
    ("ranges", "validate"),
    ("ack",),
    ("history",),
    ("history", "show"),
    ("history", "export"),
    ("history", "purge"),
)
WIDTH = "100"


def help_text(args: tuple[str, ...]) -> str:
    from triage.cli import app

    runner = CliRunner()
    env = {"TERMINAL_WIDTH": WIDTH, "COLUMNS": WIDTH, "NO_COLOR": "1", "TERM": "dumb"}
    result = runner.invoke(
        app,
        [*args, "--help"],
        prog_name="prolactin-triage",
        env=env,
        terminal_width=int(WIDTH),  # the test runner would force 80 columns
    )
    if result.exit_code != 0:
        raise RuntimeError(f"--help failed for {' '.join(args)}: {result.output}")
    return "\n".join(line.rstrip() for line in result.output.strip().splitlines())


def render() -> str:
    parts = [
        "# Command reference",
        "",
        "Generated from `--help` by `python -m triage.cli.docs > docs/cli.md`;",
        "tests/test_docs.py fails when it is out of date. Every option can also be set through",
        "the environment variable shown, or in the `--config` TOML file.",
    ]
    for args in COMMANDS:
        title = " ".join(("prolactin-triage", *args))
        parts += ["", f"## `{title}`", "", "```", help_text(args), "```"]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    os.environ.setdefault("TERMINAL_WIDTH", WIDTH)
    print(render(), end="")
