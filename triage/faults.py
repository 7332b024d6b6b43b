"""Fault points for fault-injection tests only: ``checkpoint("name")`` kills the process.

When the environment variable ``PROLACTIN_TRIAGE_FAULT`` equals ``name``, ``checkpoint(name)``
sends the process SIGKILL — no cleanup, no ``finally``, exactly like a power cut or the OOM
killer — so that a test can check what such a death leaves behind.  Otherwise it does nothing
(one environment look-up).  Never set the variable outside tests.

Points: ``outputs.before_commit`` (every output written to its temporary name, nothing renamed),
``outputs.mid_commit`` (after the first output was renamed into place), ``outputs.after_commit``
(every output renamed; stale outputs of the previous run not yet removed, the manifest not yet
marked complete).  Use: ``from triage.faults import checkpoint; checkpoint("name")``.
"""

from __future__ import annotations

import os
import signal

FAULT_ENV = "PROLACTIN_TRIAGE_FAULT"


def checkpoint(name: str) -> None:
    """Die at once (SIGKILL) when ``PROLACTIN_TRIAGE_FAULT`` is ``name``; else do nothing."""
    if os.environ.get(FAULT_ENV) == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
