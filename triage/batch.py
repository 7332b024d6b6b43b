"""Cron mode: triage each new file of an inbox once, one output folder per input.

Safe to run every few minutes:
- one run at a time: a lock file in the output folder; a second run exits 75 and does nothing;
- each file once: a ledger (``.prolactin-triage-ledger.json`` in the output folder) keyed by the
  file's SHA-256, so a file copied in again under another name is not triaged twice;
- files still being copied in are left for the next run (modified less than ``settle_seconds``
  ago), as are hidden and lock files (``.name``, ``~$name``);
- each output folder is written under a hidden temporary name and renamed when complete;
- done inputs move to the archive (if given); unusable inputs move to ``<archive or inbox>/failed``
  so they are not retried forever, and their error is kept in the ledger.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from filelock import FileLock, Timeout

from triage.io import expand_inputs
from triage.io.atomic import atomic_write_bytes
from triage.pipeline import (
    EXIT_FAIL_ON,
    EXIT_OK,
    EXIT_SOME_INPUTS_FAILED,
    NoUsableInputError,
    TriageRequest,
    run_triage,
)
from triage.schema import LockHeldError

log = logging.getLogger("triage")

LOCK_NAME = ".prolactin-triage.lock"
LEDGER_NAME = ".prolactin-triage-ledger.json"
FAILED_DIR = "failed"
EXIT_NO_USABLE_INPUT = 3

ItemStatus = Literal["done", "failed", "duplicate", "unsettled"]


@dataclass
class BatchItem:
    file: str
    status: ItemStatus
    output_dir: Path | None = None
    message: str = ""
    fail_on_matches: int = 0


@dataclass
class BatchOutcome:
    items: list[BatchItem] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if any(i.fail_on_matches for i in self.items):
            return EXIT_FAIL_ON
        failed = any(i.status == "failed" for i in self.items)
        done = any(i.status == "done" for i in self.items)
        if failed and not done:
            return EXIT_NO_USABLE_INPUT
        return EXIT_SOME_INPUTS_FAILED if failed else EXIT_OK


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _candidates(inbox: Path, now: float, settle_seconds: float) -> tuple[list[Path], list[Path]]:
    """Spreadsheets directly in the inbox: (ready, still being written)."""
    ready: list[Path] = []
    unsettled: list[Path] = []
    for path in expand_inputs([inbox]):
        if path.parent != inbox or path.name.startswith((".", "~$")):
            continue
        (unsettled if now - path.stat().st_mtime < settle_seconds else ready).append(path)
    return ready, unsettled


def _load_ledger(path: Path) -> dict[str, dict[str, str]]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return dict(data.get("files", {}))


def _save_ledger(path: Path, ledger: dict[str, dict[str, str]]) -> None:
    atomic_write_bytes(path, json.dumps({"files": ledger}, indent=1, sort_keys=True).encode())


def _move(path: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / path.name
    if target.exists():
        target = folder / f"{path.stem}-{int(time.time())}{path.suffix}"
    shutil.move(str(path), target)


def _output_name(path: Path, sha: str, at: datetime) -> str:
    return f"{path.stem}-{at:%Y%m%dT%H%M%S}-{sha[:8]}"


def run_batch(
    inbox: Path,
    out: Path,
    template: TriageRequest,
    *,
    archive: Path | None = None,
    settle_seconds: float = 10.0,
    now: datetime | None = None,
) -> BatchOutcome:
    """Triage every new, settled file of the inbox; `template` gives the options of each run."""
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock = FileLock(str(out / LOCK_NAME), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise LockHeldError(
            f"another batch run holds the lock {out / LOCK_NAME}; nothing done, try later"
        ) from None
    try:
        return _run_locked(inbox, out, template, archive, settle_seconds, now)
    finally:
        lock.release()


def _run_locked(
    inbox: Path,
    out: Path,
    template: TriageRequest,
    archive: Path | None,
    settle_seconds: float,
    now: datetime | None,
) -> BatchOutcome:
    at = now or datetime.now(UTC)
    ledger_path = out / LEDGER_NAME
    ledger = _load_ledger(ledger_path)
    ready, unsettled = _candidates(inbox, at.timestamp(), settle_seconds)
    outcome = BatchOutcome([BatchItem(p.name, "unsettled") for p in unsettled])
    for path in ready:
        item = _process_one(path, out, template, archive, ledger, at)
        outcome.items.append(item)
        _save_ledger(ledger_path, ledger)
    return outcome


def _process_one(
    path: Path,
    out: Path,
    template: TriageRequest,
    archive: Path | None,
    ledger: dict[str, dict[str, str]],
    at: datetime,
) -> BatchItem:
    sha = sha256_of(path)
    seen = ledger.get(sha)
    if seen:
        if archive:
            _move(path, archive)
        return BatchItem(path.name, "duplicate", message=f"already triaged as {seen['file']}")
    final = out / _output_name(path, sha, at)
    partial = out / f".{final.name}.partial"
    request = replace(template, inputs=[path], out_dir=partial)
    try:
        result = run_triage(request, now=at)
    except NoUsableInputError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        ledger[sha] = {
            "file": path.name,
            "status": "failed",
            "error": str(exc),
            "at": at.isoformat(),
        }
        _move(path, (archive or inbox_of(path)) / FAILED_DIR)
        log.debug("%s", exc)  # the CLI prints it once, as "error: ..."
        return BatchItem(path.name, "failed", message=str(exc))
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    partial.rename(final)
    ledger[sha] = {"file": path.name, "status": "done", "output": final.name, "at": at.isoformat()}
    if archive:
        _move(path, archive)
    log.info("%s: triaged into %s", path.name, final.name)
    return BatchItem(path.name, "done", final, fail_on_matches=result.fail_on_matches)


def inbox_of(path: Path) -> Path:
    return path.parent


def describe(items: Sequence[BatchItem]) -> list[str]:
    """One line per file, for the command's output."""
    lines = []
    for item in items:
        where = f" -> {item.output_dir.name}" if item.output_dir else ""
        note = f" ({item.message})" if item.message else ""
        lines.append(f"{item.status:<9} {item.file}{where}{note}")
    return lines
