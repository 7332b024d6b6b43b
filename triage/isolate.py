"""Run one unit of work in a child process that cannot take the caller down.

``run_isolated(fn, timeout=..., memory_bytes=...)`` forks, runs ``fn()`` in the child with an
address-space limit, and returns its (picklable) result.  Whatever happens in the child — an
exception, a native library's panic or abort, running out of memory, a hang — the caller gets an
``IsolatedFailure`` with a one-line reason and goes on.  The child never runs the parent's exit
handlers (``os._exit``), so it cannot release the parent's locks or close its database.

Where ``fork`` does not exist (Windows), ``fn`` runs in this process and only Python exceptions
are contained.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Final, TypeVar

from triage.schema import InputFileError, NoUsableInputError, TriageError

T = TypeVar("T")

_GRACE_SECONDS: Final = 5.0


class IsolatedFailure(Exception):
    """The isolated work failed; ``reason`` is one line without patient data."""

    def __init__(
        self, reason: str, *, expected: bool = False, environmental: bool = False, code: str = ""
    ) -> None:
        self.reason = reason
        # why the input could not be used (schema.INPUT_FAILURES), when the work said so
        self.code = code
        self.expected = expected  # the work raised a domain error (a TriageError), not a bug
        # the surroundings failed (history, output folder, disk: TriageError.environmental)
        self.environmental = environmental
        super().__init__(reason)


def can_fork() -> bool:
    return hasattr(os, "fork") and "fork" in multiprocessing.get_all_start_methods()


def run_isolated(
    fn: Callable[[], T], *, timeout: float | None = None, memory_bytes: int | None = None
) -> T:
    """``fn()`` in a forked child; IsolatedFailure when it raised, died or timed out."""
    if not can_fork():
        return _in_process(fn)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    # Not a daemon: the work may start its own workers (the engine's, for a large file); the
    # child is joined or killed here whatever happens, and dies with this process.
    child = context.Process(target=_child, args=(fn, send, memory_bytes, os.getpid()), daemon=False)
    child.start()
    send.close()
    try:
        message = _wait(receive, child, timeout)
    except BaseException:  # interrupted or terminated: the work dies with the caller
        if child.is_alive():
            child.kill()
        child.join()
        raise
    finally:
        receive.close()
    child.join(_GRACE_SECONDS)
    if child.is_alive():  # pragma: no cover - it already sent its answer
        child.kill()
        child.join()
    kind, payload = message[0], message[1]
    if kind == "ok":
        return payload  # type: ignore[no-any-return]
    raise _failure(kind, str(payload), str(message[2]) if len(message) > 2 else "")


def _wait(receive: Connection, child: Any, timeout: float | None) -> tuple[Any, ...]:
    if not receive.poll(timeout) and child.is_alive():
        child.kill()
        child.join()
        raise IsolatedFailure(f"gave up after {timeout:g} s (the file may be hostile or huge)")
    try:
        return receive.recv()  # type: ignore[no-any-return]
    except (EOFError, OSError):
        child.join()
        raise IsolatedFailure(_death(child.exitcode)) from None


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if -exitcode == signal.SIGKILL:
            return f"the worker was killed ({name}: out of memory, or stopped by the system)"
        return f"the worker died ({name}: a native library crashed on this file)"
    return f"the worker ended without an answer (exit status {exitcode})"


def _child(fn: Callable[[], Any], send: Connection, memory_bytes: int | None, parent: int) -> None:
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides about interrupts
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        die_with_parent(parent)
        if memory_bytes:
            _limit_memory(memory_bytes)
        send.send(_outcome(fn))
    except BaseException:  # pragma: no cover - sending failed; the parent sees EOF
        code = 70
    finally:
        with contextlib.suppress(BaseException):
            send.close()
        os._exit(code)


def _outcome(fn: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        return ("ok", fn())
    except BaseException as exc:  # a native panic (PanicException) is a BaseException
        return _kind_of(exc)


def _kind_of(exc: BaseException) -> tuple[str, str, str]:
    """("domain" | "environment" | "error", one line, why the input was unusable: an
    INPUT_FAILURES code or "") of what the work raised (exceptions with keyword fields do not
    unpickle: their text is sent)."""
    if isinstance(exc, TriageError):
        kind = "environment" if exc.environmental else "domain"
        return (kind, str(exc), _input_failure_code(exc))
    if isinstance(exc, OSError) and exc.errno in _FULL_OR_READ_ONLY:
        return ("environment", f"cannot write: {exc.strerror or exc}", "")
    if isinstance(exc, MemoryError) or _out_of_address_space(exc):
        return (
            "error",
            "ran out of its memory limit (the file expands too far, or the limit is too low "
            "for this machine: see --memory-limit)",
            "internal_error",
        )
    return (
        "error",
        f"internal error ({type(exc).__name__}); this is a bug: report it",
        "internal_error",
    )


def _input_failure_code(exc: TriageError) -> str:
    """The INPUT_FAILURES code of an input that could not be used (its first file's), or ""."""
    if isinstance(exc, NoUsableInputError) and exc.failures:
        return exc.failures[0].code
    return exc.code if isinstance(exc, InputFileError) else ""


def _out_of_address_space(exc: BaseException) -> bool:
    """A library that could not be loaded, or memory not mapped, for want of address space (the
    worker's memory limit): "failed to map segment from shared object", ENOMEM."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOMEM:
        return True
    text = str(exc).lower()
    return isinstance(exc, ImportError) and (
        "failed to map segment" in text or "cannot allocate memory" in text
    )


def _failure(kind: str, reason: str, code: str = "") -> IsolatedFailure:
    return IsolatedFailure(
        reason,
        expected=kind in ("domain", "environment"),
        environmental=kind == "environment",
        code=code,
    )


_PR_SET_PDEATHSIG: Final = 1  # linux/prctl.h
_FULL_OR_READ_ONLY: Final = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})


def die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this worker when the parent dies (a kill -9 of the batch must
    not leave a worker writing a partial folder beside the next run).  ``parent``: the pid of
    the process that forked this one, taken before the fork: a parent killed before this
    worker asked for the signal has already handed it to init (its getppid is then 1)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(70)


def _limit_memory(memory_bytes: int) -> None:
    """Let the worker map ``memory_bytes`` more address space than it holds when it starts (the
    interpreter, pandas and Arrow already reserve several hundred MB of it, before any file is
    read: an absolute limit of 800 MB would fail every file, with SQLite and library loading
    errors that do not say why)."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        wanted = _address_space_in_use() + memory_bytes
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _address_space_in_use() -> int:
    """This process's mapped address space in bytes (Linux: VmSize), 0 where not known."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _in_process(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except Exception as exc:  # Ctrl-C and SystemExit go up, as they would without isolation
        raise _failure(*_kind_of(exc)) from None
