"""The output folder of a run: its lock, its manifest, and which files in it are the tool's.

- **Lock**: ``.prolactin-triage.lock`` inside the folder (``filelock``, mode 0600/0640).  A run
  that finds it held fails at once with ``LockHeldError`` (exit 75) and touches nothing.  The lock
  file is removed when the run ends.
- **Leftovers**: once the lock is held, temporary and backup files of a killed run
  (``triage.io.atomic.leftovers``) of the tool's own output names are deleted.
- **Manifest** ``.prolactin-triage-outputs.json`` (no patient data): the tool's name and version,
  the time, the state (``complete`` / ``incomplete``) and the files the tool wrote (name, size,
  SHA-256), plus ``pending``: names an unfinished commit may have put in place.  Only the names it
  lists may be replaced or removed by a later run; a file of another name is never touched.
- **Commit protocol** (``triage.output.write_outputs``): every output is written to a temporary
  name; then the manifest is replaced by an ``incomplete`` one that lists the previous files and,
  in ``pending``, every name about to be renamed or removed; the outputs are renamed into place;
  outputs of the previous run that this run did not write are removed; finally the manifest is
  replaced by a ``complete`` one.  So whatever moment a run is killed at, the manifest lists every
  file of ours in the folder, and the set is consistent exactly when the state is ``complete``
  (and the hashes match).  The next run replaces an ``incomplete`` set whole.
- **A foreign folder** (it exists, holds something, and has no manifest) is refused with
  ``OutputError`` (exit 2) unless ``force``; with ``force`` the tool writes its own output names
  into it (replacing files of those names) and deletes nothing else.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from filelock import FileLock, Timeout

from triage.io.atomic import (
    atomic_write_bytes,
    file_mode,
    is_leftover,
    make_private_dirs,
    remove_leftovers,
)
from triage.schema import LockHeldError, TriageError

log = logging.getLogger("triage")

LOCK_NAME: Final = ".prolactin-triage.lock"
MANIFEST_NAME: Final = ".prolactin-triage-outputs.json"
MANIFEST_FORMAT: Final = 1
COMPLETE: Final = "complete"
INCOMPLETE: Final = "incomplete"
_MAX_MANIFEST_BYTES: Final = 1 << 20


class OutputError(TriageError):
    """The output folder cannot be created or written, or is not the tool's (contract §6: 2)."""

    exit_code = 2
    environmental = True


@dataclass(slots=True)
class Manifest:
    """What ``.prolactin-triage-outputs.json`` says about the folder."""

    state: str = COMPLETE
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {bytes, sha256}
    pending: list[str] = field(default_factory=list)
    tool: dict[str, str] = field(default_factory=dict)
    written_at: str = ""
    run_id: str = ""

    @property
    def owned(self) -> set[str]:
        """Every name the tool wrote or may have been writing here."""
        return set(self.files) | set(self.pending)

    def to_bytes(self) -> bytes:
        data = {
            "format": MANIFEST_FORMAT,
            "tool": self.tool,
            "state": self.state,
            "run_id": self.run_id,
            "written_at": self.written_at,
            "files": self.files,
            "pending": sorted(self.pending),
        }
        return (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8")

    def mismatched(self, folder: Path) -> list[str]:
        """Listed files that are missing or differ from the recorded hash."""
        bad = []
        for name, record in sorted(self.files.items()):
            path = folder / name
            if not path.is_file() or sha256_of(path) != record.get("sha256"):
                bad.append(name)
        return bad


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


_EARLIER_MARK: Final = b'"name": "prolactin-triage"'
_EARLIER_HEAD_BYTES: Final = 4096


def _earlier_version(folder: Path, known: Collection[str]) -> Manifest | None:
    """A folder written by a version before manifests: only the tool's own output names, and a
    results.json that names the tool.  Its files count as the tool's (an upgrade must not make a
    nightly `run --out` into the same folder fail)."""
    try:
        names = [e.name for e in os.scandir(folder) if e.name not in {LOCK_NAME, MANIFEST_NAME}]
        with (folder / "results.json").open("rb") as fh:
            head = fh.read(_EARLIER_HEAD_BYTES)
    except OSError:
        return None
    ours = [n for n in names if n in known]
    if _EARLIER_MARK not in head or len(ours) != len(
        [n for n in names if not is_leftover(n, known)]
    ):
        return None
    return Manifest(files={n: {} for n in ours}, tool={"name": "prolactin-triage"})


def read_manifest(folder: Path, known: Collection[str]) -> Manifest | None:
    """The folder's manifest, or None when there is none (or it is unreadable or not ours).

    Only names in ``known`` (the tool's output names) are taken from it, so that an edited
    manifest cannot make the tool remove anything else.
    """
    path = folder / MANIFEST_NAME
    try:
        if not os.path.lexists(path):
            return _earlier_version(folder, known)
        if path.is_symlink() or not path.is_file() or path.stat().st_size > _MAX_MANIFEST_BYTES:
            return None
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("files"), dict):
        return None
    files = {
        name: dict(record)
        for name, record in raw["files"].items()
        if name in known and isinstance(record, dict)
    }
    pending_raw = raw.get("pending")
    pending = [n for n in pending_raw if n in known] if isinstance(pending_raw, list) else []
    tool = raw.get("tool")
    return Manifest(
        state=COMPLETE if raw.get("state") == COMPLETE else INCOMPLETE,
        files=files,
        pending=pending,
        tool={str(k): str(v) for k, v in tool.items()} if isinstance(tool, dict) else {},
        written_at=str(raw.get("written_at", "")),
        run_id=str(raw.get("run_id", "")),
    )


def listed_outputs(folder: Path) -> frozenset[str]:
    """The names the folder's manifest lists (written or being written by the tool), or none:
    what a folder given as input must not be read back from (a run whose --out is its input
    folder).  Read like ``read_manifest``, but every name counts: nothing is removed by it."""
    path = folder / MANIFEST_NAME
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > _MAX_MANIFEST_BYTES:
            return frozenset()
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return frozenset()
    if not isinstance(raw, dict):
        return frozenset()
    files = raw.get("files")
    pending = raw.get("pending")
    names = [
        *(files if isinstance(files, dict) else []),
        *(pending if isinstance(pending, list) else []),
    ]
    return frozenset(str(n) for n in names)


def write_manifest(folder: Path, manifest: Manifest, *, group_readable: bool = False) -> None:
    atomic_write_bytes(folder / MANIFEST_NAME, manifest.to_bytes(), group_readable=group_readable)


def new_manifest(
    tool_name: str, tool_version: str, *, state: str, run_id: str | None = None
) -> Manifest:
    return Manifest(
        state=state,
        tool={"name": tool_name, "version": tool_version},
        written_at=datetime.now(UTC).isoformat(timespec="seconds"),
        run_id=run_id or secrets.token_hex(8),
    )


def file_records(folder: Path, names: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of each file, the files hashed side by side (hashlib releases the GIL:
    results.json and results.csv of a large run are gigabytes)."""
    listed = list(names)
    workers = min(len(listed), os.cpu_count() or 1)
    if workers <= 1:
        digests = [sha256_of(folder / name) for name in listed]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            digests = list(pool.map(lambda name: sha256_of(folder / name), listed))
    return {
        name: {"bytes": (folder / name).stat().st_size, "sha256": digest}
        for name, digest in zip(listed, digests, strict=True)
    }


def _foreign_entries(folder: Path, known: Collection[str]) -> list[str]:
    """What the folder holds besides the tool's lock, manifest and leftovers."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except FileNotFoundError:
        return []
    return [n for n in names if n not in {LOCK_NAME, MANIFEST_NAME} and not is_leftover(n, known)]


def check_folder(
    folder: Path, names: Iterable[str], *, known: Collection[str], force: bool = False
) -> Manifest | None:
    """Check that this run may write ``names`` into ``folder``; return the previous manifest.

    Raises OutputError for a folder that holds something and has no manifest, or where a file to
    be written exists and the manifest does not list it — unless ``force``.
    """
    manifest = read_manifest(folder, known)
    if force:
        return manifest
    if manifest is None:
        if _foreign_entries(folder, known):
            raise OutputError(
                f"{folder} is not empty and was not written by prolactin-triage (it has no "
                f"{MANIFEST_NAME}); nothing done: choose a new or empty folder, or pass --force "
                "to write into it (only the tool's own file names are replaced, nothing else is "
                "deleted)"
            )
        return None
    owned = manifest.owned
    clashes = [n for n in names if n not in owned and os.path.lexists(folder / n)]
    if clashes:
        raise OutputError(
            f"{folder} holds {', '.join(clashes)}, which prolactin-triage did not write; nothing "
            "done: move it away, or pass --force to replace it"
        )
    return manifest


@contextlib.contextmanager
def locked_folder(
    out: Path, *, known: Collection[str], group_readable: bool = False
) -> Iterator[Path]:
    """Create ``out`` if needed (private modes), lock it, remove leftovers of killed runs.

    Raises LockHeldError (exit 75) at once when another run holds the lock, OutputError when the
    folder cannot be created or locked.  On exit the lock file is removed, and so is a folder
    (with the parents) this call created when the run wrote nothing into it.
    """
    try:
        created = make_private_dirs(out, group_readable=group_readable)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {out}: {exc}") from exc
    lock_path = out / LOCK_NAME
    lock = FileLock(str(lock_path), timeout=0, mode=file_mode(group_readable))
    for attempt in range(3):
        try:
            lock.acquire()
            break
        except Timeout:
            raise LockHeldError(f"another run is writing to {out}; nothing done") from None
        except FileNotFoundError:  # a run that had created the folder removed it just now
            if attempt == 2:
                raise OutputError(f"cannot lock {out}: the folder keeps vanishing") from None
            try:
                created = make_private_dirs(out, group_readable=group_readable)
            except OSError as exc:
                raise OutputError(f"cannot create the output folder {out}: {exc}") from exc
        except OSError as exc:
            _remove_created(created)
            raise OutputError(f"cannot lock the output folder {out}: {exc}") from exc
    try:
        removed = remove_leftovers(out, (*known, MANIFEST_NAME))
        if removed:
            log.info("removed %d temporary file(s) left by an interrupted run", len(removed))
        yield out
    finally:
        with contextlib.suppress(OSError):
            lock_path.unlink()  # while holding it: a waiter that opened it sees it was unlinked
        lock.release()
        _remove_created(created)


def _remove_created(created: list[Path]) -> None:
    """Remove the folders this run created if they are (still) empty, innermost first."""
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            return
