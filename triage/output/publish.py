"""Publishing a run's set of files: the output folder, its lock, and the atomic commit.

Every file is written to a private temporary name in the output folder (mode 0600, 0640 with
``group_readable``; folders it creates 0700 / 0750) and renamed into place only when all were
written, so a failure leaves the folder as it was.  A manifest (``.prolactin-triage-outputs.json``,
see ``triage.outdir``) lists the files the tool wrote: only those are ever replaced or removed, so
outputs of an earlier run that this run does not write (``results.xlsx``, ``patients.pdf``) are
removed after the commit, and a user's own files never are.  ``claim_output_folder`` takes the
folder's lock for a whole run (the CLI uses it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from triage.faults import checkpoint
from triage.io.atomic import (
    AtomicFileSet,
    atomic_write_bytes,
    ensure_private_dir,
    remove_leftovers,
)
from triage.outdir import (
    COMPLETE,
    INCOMPLETE,
    MANIFEST_NAME,
    Manifest,
    OutputError,
    check_folder,
    file_records,
    locked_folder,
    new_manifest,
    write_manifest,
)
from triage.output.options import (
    OUTPUT_NAMES,
    PATIENT_PDF_DIR,
    PATIENT_PDF_FILES,
    OutputOptions,
    RunMeta,
    is_patient_pdf,
    planned_names,
)


@contextlib.contextmanager
def claim_output_folder(out_dir: Path, options: OutputOptions) -> Iterator[Path]:
    """Hold the lock of ``out_dir`` for a whole run (create it, remove leftovers of killed runs,
    check it may be written) — before reading any input, so that a refusal costs nothing.

    Raises LockHeldError (75) when another run holds it, OutputError (2) when it cannot be
    created or is not the tool's (without ``options.force``).
    """
    with locked_folder(
        out_dir, known=OUTPUT_NAMES, group_readable=options.group_readable
    ) as folder:
        check_folder(folder, planned_names(options), known=OUTPUT_NAMES, force=options.force)
        if (folder / PATIENT_PDF_DIR).is_dir() and not (folder / PATIENT_PDF_DIR).is_symlink():
            remove_leftovers(folder / PATIENT_PDF_DIR, PATIENT_PDF_FILES)  # of a killed run
        yield folder


def output_folder(out_dir: Path, options: OutputOptions) -> Path:
    try:
        return ensure_private_dir(out_dir, group_readable=options.group_readable)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {out_dir}: {exc}") from exc


def publish(
    files: AtomicFileSet,
    folder: Path,
    meta: RunMeta,
    options: OutputOptions,
    previous: Manifest | None,
) -> list[Path]:
    """Commit the set, remove stale outputs of the previous run, write the final manifest."""
    written = _commit(files, folder, meta, options, previous)
    checkpoint("outputs.after_commit")
    names = [p.relative_to(folder).as_posix() for p in written]
    _remove_stale(folder, previous, set(names))
    done = new_manifest(meta.tool_name, meta.tool_version, state=COMPLETE)
    done.files = file_records(folder, names)
    write_manifest(folder, done, group_readable=options.group_readable)
    return written


def _commit(
    files: AtomicFileSet,
    folder: Path,
    meta: RunMeta,
    options: OutputOptions,
    previous: Manifest | None,
) -> list[Path]:
    """Record the intent in the manifest, then rename the set; restore the manifest on failure.

    The ``incomplete`` manifest lists the previous files (with their hashes) and, as pending,
    every name this commit or the stale removal after it may touch: a kill from here on leaves a
    folder whose manifest still names every file of ours and says that the set is not whole.
    """
    checkpoint("outputs.before_commit")
    intent = new_manifest(meta.tool_name, meta.tool_version, state=INCOMPLETE)
    intent.files = dict(previous.files) if previous else {}
    intent.pending = sorted(set(files.names) | (previous.owned if previous else set()))
    manifest_path = folder / MANIFEST_NAME
    before = manifest_path.read_bytes() if manifest_path.is_file() else None
    write_manifest(folder, intent, group_readable=options.group_readable)
    try:
        return files.commit(fault_point="outputs.mid_commit")
    except BaseException:
        with contextlib.suppress(OSError):  # the files were rolled back: so is the manifest
            if before is None:
                manifest_path.unlink()
            else:
                atomic_write_bytes(manifest_path, before, group_readable=options.group_readable)
        raise


def _remove_stale(folder: Path, previous: Manifest | None, written: set[str]) -> None:
    """Outputs of an earlier run that this run did not write would disagree with the new ones;
    only names the previous manifest lists are removed (never a file the tool did not write)."""
    if previous is None:
        return
    stale = sorted(previous.owned - written)
    for name in stale:
        if name in OUTPUT_NAMES:
            with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
                (folder / name).unlink()
    if any(is_patient_pdf(n) for n in stale) and not any(is_patient_pdf(n) for n in written):
        with contextlib.suppress(OSError):  # the folder of per-patient PDFs, when left empty
            (folder / PATIENT_PDF_DIR).rmdir()
