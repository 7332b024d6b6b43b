"""Terminal output: the one module that imports rich (lazily), and the error boundary.

Errors go to stderr as one line.  Colour and progress bars appear only on a terminal; rich itself
turns colour off when the stream is not a TTY or NO_COLOR is set.
"""

from __future__ import annotations

import logging
import os
import select
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from triage.schema import LockHeldError, TriageError
from triage.terminal import visible

if TYPE_CHECKING:
    from triage.io import ProgressHook

PROG = "prolactin-triage"
EXIT_INTERNAL = 1
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a tool whose reader stopped
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a tool stopped by Ctrl-C


class _VisibleFormatter(logging.Formatter):
    """Log lines with their control characters made visible (triage.terminal)."""

    def format(self, record: logging.LogRecord) -> str:
        return visible(super().format(record))


def configure_logging(*, quiet: bool, verbose: bool) -> None:
    """Log to stderr; nothing identifying is ever logged (file names and counts only)."""
    level = logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING
    logger = logging.getLogger("triage")
    logger.handlers.clear()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_VisibleFormatter(f"{PROG}: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def error(message: str) -> None:
    """One line on stderr."""
    print(f"{PROG}: error: {visible(message)}", file=sys.stderr)


def urgent(lines: Sequence[str]) -> None:
    """The urgent results on stderr: always, whatever --quiet says (cron mails what is printed,
    not exit statuses)."""
    if not lines:
        return
    from triage.urgent import ACKNOWLEDGED_MARK

    told = sum(ACKNOWLEDGED_MARK in line for line in lines)
    already = f" ({told} already acknowledged)" if told else ""
    print(f"{PROG}: {len(lines)} URGENT result(s){already}:", file=sys.stderr)
    for line in lines:
        print(visible(line), file=sys.stderr)


def notice(lines: Sequence[str]) -> None:
    """Warnings a person must see (triage.notices) on stderr, whatever --quiet says."""
    for line in lines:
        print(f"{PROG}: warning: {visible(line)}", file=sys.stderr)


def fail(message: str, code: int) -> NoReturn:
    error(message)
    raise typer.Exit(code)


@contextmanager
def error_boundary(*, debug: bool = False, quiet: bool = False) -> Iterator[None]:
    """Turn domain errors into one line and their exit status; anything else is a bug (1).
    Another run holding the lock (75) is no error: a note, and nothing at all under --quiet
    (cron mails whatever a job prints, and the next tick simply tries again)."""
    try:
        try:
            yield
        finally:
            sys.stdout.flush()  # a reader gone (`| head`) is found here, not at exit
    except typer.Exit:
        raise
    except LockHeldError as exc:
        if debug:
            raise
        if not quiet:
            print(f"{PROG}: {exc}", file=sys.stderr)
        raise typer.Exit(exc.exit_code) from None
    except TriageError as exc:
        if debug:
            urgent(exc.urgent)
            raise
        error(str(exc))
        urgent(exc.urgent)  # found before the surroundings failed: said all the same
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        error("interrupted; no partial output was left behind")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        if not _stdout_closed():
            raise
        # the reader of the output stopped reading (`| head`): end quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_BROKEN_PIPE) from None
    except Exception as exc:
        if debug:
            raise
        # The message of an unexpected exception may quote cell values: print only its type.
        fail(
            f"internal error ({type(exc).__name__}); this is a bug. "
            "Run again with --debug to see the traceback.",
            EXIT_INTERNAL,
        )


def _stdout_closed() -> bool:
    """Whether standard output's reader has gone (a broken pipe there, not elsewhere)."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(event & select.POLLERR for _, event in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll, or no file behind stdout
        return False


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a stopped service, a timeout) ends the work like Ctrl-C: children are stopped and
    nothing half-written is left (the error boundary reports it as interrupted, status 130)."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave the handler alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def file_progress(*, enabled: bool) -> Iterator[ProgressHook | None]:
    """A progress bar over input files on stderr, only when stderr is a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console  # lazy: only on a terminal
    from rich.progress import BarColumn, Progress, TextColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=console,
        transient=True,
    ) as progress:
        task: Any = None

        def hook(path: Path, index: int, total: int) -> None:
            nonlocal task
            if task is None:
                task = progress.add_task("reading", total=total)
            progress.update(task, completed=index, description=f"reading {path.name}")

        yield hook


def out(message: str = "") -> None:
    """Normal output on stdout."""
    print(message)
