"""Stage 4: write the results of a run — machine-readable files and HTML/PDF reports — as the
results arrive, chunk by chunk, with memory bounded by the chunk rather than the run.

``OutputSession`` takes the engine's results frame in chunks (``add``), in input order:

- results.csv is written as the chunks arrive, results.json's results are encoded into a private
  spool file (its header, which names the inputs, is known only at the end), or straight into
  results.json after its header when the run knows it in advance (``expect_meta``: a run of one
  input file, once that file is read);
- each chunk is spooled (output/spool.py) and only narrow keys of its rows are kept (patient,
  priority rank, ng/mL, collection time: output/patients.py ``BatchKeys``) with counts per
  priority, status and band, so that at ``finish`` the summary and the patient pages fetch back
  only the rows they show, and results.xlsx and results.fhir.json (--fhir: the spooled rows then
  also carry their input context, output/fhir.py) are written chunk by chunk from the spool;
- ``savepoint``/``rollback`` take back every row added since the savepoint (an input file whose
  rows made the rules fail): files and spools are truncated, the keys and counts restored.

``finish`` writes the rest and publishes the set atomically (output/publish.py): a failure, or a
killed run, leaves the folder as it was (the temporary files of a killed run are removed by the
next run that locks the folder).  The files are the same, byte for byte, whatever the chunking.

``write_outputs`` is the one-call form: one chunk, then ``finish``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import logging
import multiprocessing as mp
import os
import signal
import tempfile
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Final, TextIO

import numpy as np
import pandas as pd

from triage.io.atomic import AtomicFileSet, file_mode, make_private_dirs
from triage.isolate import die_with_parent
from triage.outdir import COMPLETE, OutputError, check_folder
from triage.output.csv import ResultsCsv, write_rejected_csv
from triage.output.encoded import EncodedChunk, encode_chunk
from triage.output.env import (
    AFTER_PAGES,
    PAGES,
    check_templates,
    make_environment,
    render_patient_parts,
    render_patients,
    render_summary,
)
from triage.output.fhir import context_columns, write_fhir_bundle
from triage.output.json import ResultsJsonBody, copy_bytes
from triage.output.options import (
    OUTPUT_FILES,
    OUTPUT_NAMES,
    PATIENT_PDF_DIR,
    PATIENTS_HTML,
    PATIENTS_PDF,
    REJECTED_CSV,
    RESULTS_CSV,
    RESULTS_FHIR,
    RESULTS_JSON,
    RESULTS_XLSX,
    SUMMARY_HTML,
    OutputOptions,
    RunMeta,
    planned_names,
)
from triage.output.patient_codes import PatientCodes
from triage.output.patients import BatchKeys, PatientPlan, patients_view, plan_patients
from triage.output.pdf import patient_pdf_names, render_pdf, require_pdf
from triage.output.publish import output_folder, publish
from triage.output.redact import Redactor, redact_rejected, redact_run_inputs
from triage.output.rows import (
    default_file_columns,
    input_summary_json,
    is_missing,
    result_file_columns,
)
from triage.output.spool import ChunkSpool, open_spool
from triage.output.summary import summary_view
from triage.output.views import (
    DISCLAIMER,
    PatientPage,
    PatientsView,
    SummaryView,
    as_text,
    branding_view,
    collected_ns,
    ng_values,
    patient_keys,
    priority_ranks,
    run_view,
)
from triage.output.xlsx import write_results_xlsx_chunks
from triage.schema import PRIORITIES, REDACTION_COLUMNS, Rejected
from triage.urgent import OverdueReminder, urgent_results

_NONE_RANK: Final = PRIORITIES.index("none")  # output/views.py priority_ranks

log = logging.getLogger("triage")

# counts() answers these; the strata (reference_stratum) name the reference sets that judged a
# result, whose caveats the summary lists
COUNTED: Final[tuple[str, ...]] = ("priority", "status", "band", "reference_stratum")
WRITE_CHUNK_ROWS: Final = 10_000  # write_outputs hands its frame to the session in such chunks


@dataclass(slots=True)
class _Mark:
    """What a savepoint remembers."""

    csv: tuple[int, bool]
    json: tuple[int, bool]
    spool: tuple[int, int, int]
    keys: int  # chunks of narrow keys
    patients: int  # distinct patient keys
    tallies: dict[str, dict[str, int]]
    counts: dict[str, dict[str, int]]
    urgent: int
    columns: list[str] | None


@dataclass(frozen=True, slots=True)
class Finished:
    """What the files written at the end are made of (the session's state at ``finish``)."""

    session: OutputSession
    rejected: list[Rejected]
    meta: RunMeta
    keys: BatchKeys
    # urgent results of earlier runs nobody has acknowledged (the history's, as written):
    # summary.html lists them as urgent.txt does
    reminders: list[OverdueReminder] = field(default_factory=list)


# The files of a run, in the order they are opened (and renamed into place), each with when it is
# written and by what.  results.csv is written as the chunks arrive (``add``); the others at
# ``finish``, from the session's aggregates and spools.  Adding an output: a module with its
# writer, and a line here.
FileWriter = Callable[[Finished, BinaryIO], None]


def _wanted_always(options: OutputOptions) -> bool:
    return True


def _write_summary(done: Finished, handle: BinaryIO) -> None:
    handle.write(done.session.summary_html(done).encode("utf-8"))


def _write_patients(done: Finished, handle: BinaryIO) -> None:
    done.session.write_patients(done, handle)


def _write_csv(done: Finished, handle: BinaryIO) -> None:
    done.session.csv.finish(done.session.columns())


def _write_json(done: Finished, handle: BinaryIO) -> None:
    done.session.json.finish(json_header(done.meta, done.session.options), done.rejected, handle)


def _write_rejected(done: Finished, handle: BinaryIO) -> None:
    with _text(handle) as text:
        write_rejected_csv(done.rejected, text)


def _write_xlsx(done: Finished, handle: BinaryIO) -> None:
    session = done.session
    assert session.spool is not None
    write_results_xlsx_chunks(
        session.columns(),
        session.spool.chunks(),
        done.rejected,
        done.meta.inputs,
        about_rows(done.meta, session.options),
        handle,
    )


def _write_fhir(done: Finished, handle: BinaryIO) -> None:
    spool = done.session.spool
    assert spool is not None
    write_fhir_bundle(spool.chunks, done.meta, handle, redact=done.session.options.redact)


def _write_pdf(done: Finished, handle: BinaryIO) -> None:
    render_pdf("".join(done.session.pdf_html), handle)


@dataclass(frozen=True, slots=True)
class OutputFile:
    name: str
    wanted: Callable[[OutputOptions], bool]
    write: FileWriter
    # May be written by a process forked at ``finish`` while this one writes the others (it
    # only reads the session's state and its spool, and writes its own file).
    beside: bool = False


WRITERS: Final[tuple[OutputFile, ...]] = (
    OutputFile(SUMMARY_HTML, _wanted_always, _write_summary, beside=True),
    OutputFile(PATIENTS_HTML, _wanted_always, _write_patients),
    OutputFile(RESULTS_CSV, _wanted_always, _write_csv),
    OutputFile(RESULTS_JSON, _wanted_always, _write_json),
    OutputFile(REJECTED_CSV, _wanted_always, _write_rejected),
    OutputFile(RESULTS_XLSX, lambda o: o.xlsx, _write_xlsx),
    OutputFile(RESULTS_FHIR, lambda o: o.fhir, _write_fhir),
    OutputFile(PATIENTS_PDF, lambda o: o.pdf, _write_pdf),
)


@contextlib.contextmanager
def _text(handle: BinaryIO) -> Iterator[TextIO]:
    wrapper = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=False)
    try:
        yield wrapper
        wrapper.flush()
    finally:
        wrapper.detach()


def json_header(meta: RunMeta, options: OutputOptions) -> dict[str, Any]:
    return {
        "tool": {"name": meta.tool_name, "version": meta.tool_version},
        "generated_at": meta.generated_at,
        "reference_set": meta.reference_set,
        "reference_title": meta.reference_title,
        "redacted": options.redact,
        "inputs": [input_summary_json(s) for s in meta.inputs],
    }


def about_rows(meta: RunMeta, options: OutputOptions) -> list[tuple[str, str]]:
    return [
        ("tool", f"{meta.tool_name} {meta.tool_version}"),
        ("generated_at", meta.generated_at.isoformat(timespec="seconds")),
        ("reference_set", meta.reference_set),
        ("reference_title", meta.reference_title),
        ("identifiers", "redacted" if options.redact else "as in the inputs"),
        ("note", DISCLAIMER),
    ]


class OutputSession:
    """A run's outputs written as its results arrive (module doc).

    ``with OutputSession(out, options) as session: session.add(chunk) ...;
    session.finish(rejected, meta)``.  Leaving the block without ``finish`` (or with an
    exception) removes every temporary file and touches no output.

    Raises ConfigError (template folder, templates, stylesheet, logo) and OutputError (the
    folder) when created, before any data; ``finish`` raises ConfigError (a template's error),
    PdfUnavailableError, OutputError.
    """

    def __init__(self, out_dir: Path, options: OutputOptions) -> None:
        self.options = options
        if options.pdf_per_patient:
            require_pdf("--pdf-per-patient")  # exit 2 with the install hint, before any data
        self._env = make_environment(options.template_dir)  # configuration before any file
        check_templates(self._env)
        self._branding = branding_view(options.branding)
        self._redactor = Redactor.for_run(options.redact_key) if options.redact else None
        self.folder = output_folder(out_dir, options)
        self._previous = check_folder(
            self.folder, planned_names(options), known=OUTPUT_NAMES, force=options.force
        )
        if self._previous is not None and self._previous.state != COMPLETE:
            log.warning("%s: outputs of an interrupted run are replaced", self.folder)
        self._done = False
        self._files = AtomicFileSet(
            self.folder, group_readable=options.group_readable, subfolders=(PATIENT_PDF_DIR,)
        )
        self._stack = contextlib.ExitStack()
        self._handles: dict[str, BinaryIO] = {}
        self.spool: ChunkSpool | None = None
        self._json_spool: BinaryIO | None = None
        self._json_spool_path: Path | None = None
        try:
            self._open()
        except OSError as exc:
            self.abort()
            raise OutputError(f"cannot write the outputs in {self.folder}: {exc}") from exc
        except BaseException:
            self.abort()
            raise
        self.csv = ResultsCsv(self._handles[RESULTS_CSV])
        self.json = ResultsJsonBody(self._json_spool, self._handles[RESULTS_JSON])  # type: ignore[arg-type]
        self._columns: list[str] | None = None
        self._key_chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self._patients = PatientCodes()
        self._tallies: dict[str, dict[str, int]] = {c: {} for c in COUNTED}
        self._counts: dict[str, dict[str, int]] = {c: {} for c in COUNTED}
        self._urgent: list[pd.DataFrame] = []
        self._mark: _Mark | None = None
        self.pdf_html: list[str] = []
        self._made_dirs: list[Path] = []  # the folder of per-patient PDFs, when this run made it
        self._plan: PatientPlan | None = None
        self._parallel = False  # finish(parallel=): reports may be written by forked processes
        self._empty: pd.DataFrame | None = None  # the columns of the results, no row

    # -- files -------------------------------------------------------------------------------
    def _open(self) -> None:
        for writer in WRITERS:
            if writer.wanted(self.options):
                self._handles[writer.name] = self._stack.enter_context(
                    self._files.open_binary(writer.name)
                )
        mode = file_mode(self.options.group_readable)
        self._json_spool_path, spool = open_spool(self.folder / RESULTS_JSON, mode=mode)
        self._json_spool = self._stack.enter_context(spool)
        self.spool = ChunkSpool(self.folder / PATIENTS_HTML, mode=mode)

    def __enter__(self) -> OutputSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.abort()

    def abort(self) -> None:
        """Remove every temporary file (after ``finish``: the spools only)."""
        with contextlib.suppress(OSError):
            self._stack.close()  # closes the handles
        if not self._done:
            self._files.abort()  # removes the set's temporary files
            for folder in reversed(self._made_dirs):
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only when empty
            self._made_dirs.clear()
        if self.spool is not None:
            self.spool.close()
        if self._json_spool_path is not None:
            with contextlib.suppress(FileNotFoundError):
                self._json_spool_path.unlink()

    def expect_meta(self, meta: RunMeta) -> None:
        """The run's ``meta`` as ``finish`` will most likely get it (a run of one input file
        knows it once the file is read): results.json's header is written now, and the results
        straight after it instead of into a spool copied at ``finish`` (a header that differs
        at ``finish`` costs that copy back; the bytes are the same)."""
        self._check_open()
        self.json.expect(json_header(self._shown_meta(meta), self.options))

    def _shown_meta(self, meta: RunMeta) -> RunMeta:
        return redact_run_inputs(meta, self._redactor) if self.options.redact else meta

    # -- data --------------------------------------------------------------------------------
    def add(
        self,
        results: pd.DataFrame,
        inputs: pd.DataFrame | None = None,
        *,
        encoded: EncodedChunk | None = None,
    ) -> None:
        """One chunk of the engine's results frame, in input order.

        ``inputs``: the canonical frame the chunk was triaged from (its file's), whose context
        (TSH, eGFR, medications, pregnancy ...) results.fhir.json carries (--fhir).
        ``encoded``: its results.csv and results.json bytes, encoded where it was triaged
        (``chunk_encoder``); used when they fit the chunk, else the chunk is encoded here."""
        self._check_open()
        if self._empty is None:
            self._empty = results.iloc[:0]
        for column in COUNTED:
            if column in results.columns and len(results):
                counts = results[column].value_counts(dropna=False)
                tally, found = self._tallies[column], self._counts[column]
                for value, n in counts.items():
                    text = as_text(value)
                    tally[text] = tally.get(text, 0) + int(n)
                    if not is_missing(value):
                        found[str(value)] = found.get(str(value), 0) + int(n)
        urgent = urgent_results(results)
        if len(urgent):
            self._urgent.append(urgent)
        data = self._redactor.redact_results(results) if self._redactor else results
        if self._columns is None:  # as written: a redacted chunk's patient_key too
            self._columns = result_file_columns(data)
        if encoded is not None and (self._redactor is not None or not encoded.fits(data)):
            encoded = None  # identifiers to redact, or a chunk changed since (the history)
        try:
            if encoded is None:
                self.csv.add(data)
                self.json.add(data)
            else:
                self.csv.add_encoded(encoded.csv, encoded.columns)
                self.json.add_encoded(encoded.json)
            assert self.spool is not None
            context = (
                context_columns(data, inputs, redact=self.options.redact)
                if self.options.fhir
                else None
            )
            self.spool.append(data if context is None else data.join(context))
        except OSError as exc:
            raise OutputError(
                f"cannot write the outputs in {self.folder}: {exc.strerror or exc}"
            ) from exc
        ranks = priority_ranks(data)
        # the keys' texts order the pages: kept only for the patients a page may be about
        named = None if self.options.all_patients else ranks < _NONE_RANK
        codes = self._patients.codes(patient_keys(data), named)
        self._key_chunks.append((codes, ranks, ng_values(data), collected_ns(data)))

    def chunk_encoder(self) -> Callable[[pd.DataFrame], EncodedChunk] | None:
        """What encodes a chunk for ``add(encoded=)`` where it is triaged; None when this
        session rewrites the rows it is given (--redact)."""
        return None if self._redactor is not None else encode_chunk

    def savepoint(self) -> None:
        """Remember the state: ``rollback`` forgets every row added after this."""
        self._check_open()
        assert self.spool is not None
        self._mark = _Mark(
            csv=self.csv.mark(),
            json=self.json.mark(),
            spool=self.spool.mark(),
            keys=len(self._key_chunks),
            patients=self._patients.count,
            tallies={c: dict(t) for c, t in self._tallies.items()},
            counts={c: dict(t) for c, t in self._counts.items()},
            urgent=len(self._urgent),
            columns=None if self._columns is None else list(self._columns),
        )

    def rollback(self) -> None:
        """Forget every row added since the savepoint (in every output)."""
        self._check_open()
        mark = self._mark
        if mark is None:
            raise RuntimeError("rollback without a savepoint")
        assert self.spool is not None
        self.csv.rollback(mark.csv)
        self.json.rollback(mark.json)
        self.spool.rollback(mark.spool)
        del self._key_chunks[mark.keys :]
        self._patients.forget_from(mark.patients)
        self._tallies = {c: dict(t) for c, t in mark.tallies.items()}
        self._counts = {c: dict(t) for c, t in mark.counts.items()}
        del self._urgent[mark.urgent :]
        self._columns = None if mark.columns is None else list(mark.columns)

    def forget_urgent(self, result_ids: Collection[int]) -> int:
        """Take the urgent results of these history ids (withdrawn or corrected by a later file
        of the same run) out of the urgent rows and the urgent count (``--fail-on``); returns
        how many.  The rows already written to results.csv are left as they are."""
        if not result_ids or not self._urgent:
            return 0
        gone = {int(i) for i in result_ids}
        dropped = 0
        kept: list[pd.DataFrame] = []
        for part in self._urgent:
            if "result_id" in part.columns:
                ids = pd.to_numeric(part["result_id"], errors="coerce")
                withdrawn = ids.isin(gone).to_numpy()
                if withdrawn.any():
                    dropped += int(withdrawn.sum())
                    part = part[~withdrawn]
            if len(part):
                kept.append(part)
        self._urgent = kept
        if dropped:
            counts = self._counts["priority"]
            counts["urgent"] = max(counts.get("urgent", 0) - dropped, 0)
        return dropped

    def counts(self, column: str) -> dict[str, int]:
        """Rows per value of ``column`` (priority, status or band) so far; missing left out."""
        if column not in self._counts:
            raise ValueError(f"not a counted column: {column!r} (known: {', '.join(COUNTED)})")
        return dict(self._counts[column])

    def urgent_rows(self) -> pd.DataFrame:
        """Every row of priority urgent so far, as the engine gave it (not redacted)."""
        if not self._urgent:
            if self._empty is not None:
                return self._empty
            return pd.DataFrame(columns=default_file_columns())
        if len(self._urgent) == 1:
            return self._urgent[0]
        return pd.concat(self._urgent, ignore_index=True)

    def urgent_rows_as_written(self) -> pd.DataFrame:
        """``urgent_rows`` as the outputs show them (ids and names redacted under --redact)."""
        return self.as_written(self.urgent_rows())

    def as_written(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Result rows (of this run or the history) as the outputs show them: ids and names
        redacted under --redact."""
        return self._redactor.redact_results(rows) if self._redactor and len(rows) else rows

    def file_label(self, name: str) -> str:
        """An input file's name as the outputs show it (a keyed label under --redact)."""
        return self._redactor.file_label(name) if self._redactor is not None else name

    def sheet_label(self, sheet: str) -> str:
        """A sheet's name as the outputs show it (a keyed label under --redact)."""
        return self._redactor.sheet_label(sheet) if self._redactor is not None else sheet

    def rejected_as_written(self, rejected: Sequence[Rejected]) -> list[Rejected]:
        """Rejected rows as rejected.csv shows them (redacted under --redact)."""
        return redact_rejected(rejected, self._redactor) if self.options.redact else list(rejected)

    def columns(self) -> list[str]:
        if self._columns is not None:
            return list(self._columns)
        # no row added: the columns a redacted chunk would have had (its patient_key too)
        extra = [*REDACTION_COLUMNS] if self._redactor is not None else []
        return [*default_file_columns(), *extra]

    def keys(self) -> BatchKeys:
        if not self._key_chunks:
            empty_i = np.zeros(0, dtype=np.int64)
            return BatchKeys(empty_i, 0, self._patients.name_of, empty_i, np.zeros(0), empty_i)
        parts = list(zip(*self._key_chunks, strict=True))
        return BatchKeys(
            patient=np.concatenate(parts[0]),
            patients=self._patients.count,
            name_of=self._patients.name_of,
            rank=np.concatenate(parts[1]),
            ng_ml=np.concatenate(parts[2]),
            collected=np.concatenate(parts[3]),
        )

    def _check_open(self) -> None:
        if self._done:
            raise RuntimeError("this output session is finished")

    # -- the end -----------------------------------------------------------------------------
    def finish(
        self,
        rejected: Sequence[Rejected],
        meta: RunMeta,
        *,
        extra_files: Mapping[str, bytes] | None = None,
        parallel: bool = False,
        before_publish: Callable[[], None] | None = None,
        reminders: Sequence[OverdueReminder] = (),
    ) -> list[Path]:
        """Write the rest and publish the whole set atomically; return the paths written.

        ``before_publish``: called once every file is written and synced, before the set is
        published (the history's commit: the result ids in the reports exist before anyone
        reads them); what it raises aborts the set.

        ``extra_files``: more files of the same set (name -> content), names from OUTPUT_FILES
        (e.g. urgent.txt), committed and listed in the manifest with the rest.
        ``reminders``: the history's overdue urgent results (as written), listed by summary.html.
        ``parallel``: the files that may (``OutputFile.beside``) are written by a forked process
        while this one writes the others (another core is free); the same bytes.
        """
        self._check_open()
        extras = dict(extra_files or {})
        if unknown := sorted(set(extras) - set(OUTPUT_FILES)):
            raise ValueError(f"not output names: {unknown}")
        if self.options.redact:
            rejected = redact_rejected(rejected, self._redactor)
        meta = self._shown_meta(meta)
        done = Finished(self, list(rejected), meta, self.keys(), list(reminders))
        self._patient_plan(done)  # planned once, before any process is forked
        self._parallel = parallel
        try:
            if extras:
                check_folder(
                    self.folder,
                    [*planned_names(self.options), *extras],
                    known=OUTPUT_NAMES,
                    force=self.options.force,
                )
            # a fork costs more than a small batch's reports: only for enough results
            many = sum(self._counts["priority"].values()) >= WRITE_BESIDE_FROM
            beside = [
                w for w in WRITERS if parallel and many and w.beside and w.name in self._handles
            ]
            with written_beside(done, beside, self._handles):
                for writer in WRITERS:
                    handle = self._handles.get(writer.name)
                    if handle is not None and writer not in beside:
                        writer.write(done, handle)
            for name, content in extras.items():
                self._files.write_bytes(name, content)
            self._stack.close()  # flushes and fsyncs every file of the set; the set stays
            if before_publish is not None:
                before_publish()
            written = publish(self._files, self.folder, meta, self.options, self._previous)
            self._done = True
        except OSError as exc:
            self.abort()
            raise OutputError(
                f"cannot write the outputs in {self.folder}: {exc.strerror or exc}"
            ) from exc
        except BaseException:
            self.abort()
            raise
        self.abort()  # the spools
        return written

    def rehearse(self, meta: RunMeta) -> None:
        """summary.html and patients.html rendered for what the session holds, in memory:
        nothing is written or published (``check_output_settings``)."""
        self._check_open()
        done = Finished(self, [], self._shown_meta(meta), self.keys())
        self.summary_html(done)
        self.write_patients(done, io.BytesIO())

    # -- the reports -------------------------------------------------------------------------
    def _fetch(self, positions: np.ndarray) -> list[pd.DataFrame]:
        assert self.spool is not None
        return self.spool.fetch(positions)

    def summary_html(self, done: Finished) -> str:
        return render_summary(self._env, self.summary_view(done, self._tallies))

    def summary_view(self, done: Finished, tallies: Mapping[str, Mapping[str, int]]) -> SummaryView:
        """The summary page's view of what this session holds, counted by ``tallies`` (a
        session fed only part of a run, as the Dask engine's, passes the whole run's)."""
        run = run_view(
            done.meta,
            self._branding,
            redacted=self.options.redact,
            display_unit=self.options.display_unit,
        )
        return summary_view(
            done.keys,
            tallies,
            self._fetch,
            self._patient_plan(done),
            done.rejected,
            done.meta.inputs,
            run,
            max_rows=max(self.options.max_summary_rows, 0),
            urgent_acknowledged=self.urgent_acknowledged(),
            reminders=done.reminders,
        )

    def urgent_acknowledged(self) -> int:
        """The urgent results so far the history holds as acknowledged (``acknowledged``: a
        cumulative export sends them again), as stderr counts them."""
        told = 0
        for part in self._urgent:
            if "acknowledged" in part.columns:
                said = part["acknowledged"].astype("string").fillna("").str.strip()
                told += int(said.ne("").sum())
        return told

    def _patient_plan(self, done: Finished) -> PatientPlan:
        if self._plan is None:
            self._plan = plan_patients(
                done.keys,
                all_patients=self.options.all_patients,
                max_pages=self.options.max_patient_pages,
            )
        return self._plan

    def write_patients(self, done: Finished, handle: BinaryIO) -> None:
        run = run_view(
            done.meta,
            self._branding,
            redacted=self.options.redact,
            display_unit=self.options.display_unit,
        )
        plan = self._patient_plan(done)

        def view(first: int = 0, last: int | None = None) -> PatientsView:
            return patients_view(
                self._fetch,
                plan,
                run,
                done.meta.band_thresholds,
                all_patients=self.options.all_patients,
                first=first,
                last=last,
            )

        if self._split_pages(len(plan.page_codes)):
            self._write_patients_split(view, len(plan.page_codes) // 2, handle)
            return
        pages = view()
        if self.options.pdf_per_patient:
            pages = dataclasses.replace(pages, pages=self._each_pdf(done, pages))
        for block in render_patients(self._env, pages):
            self._write_html(block, handle)

    def _split_pages(self, pages: int) -> bool:
        """Whether patients.html is rendered in two halves at once (``finish(parallel=True)``,
        enough pages, the bundled templates, no PDF made of it)."""
        return (
            self._parallel
            and pages >= SPLIT_PAGES_FROM
            and self.options.template_dir is None
            and not self.options.pdf
            and not self.options.pdf_per_patient
            and _fork_context() is not None
        )

    def _write_patients_split(
        self, view: Callable[..., PatientsView], half: int, handle: BinaryIO
    ) -> None:
        """The second half of the pages rendered by a forked process into an unnamed private file
        while this one renders the rest; its pages put in before the end of the document.  A
        failed process: its pages rendered here."""
        assert self.spool is not None
        self.spool.flush()
        context = _fork_context()
        with tempfile.TemporaryFile(dir=self.folder) as later:
            child = _start_child(context, partial(_render_pages, self._env, view(half), later))
            try:
                parts = render_patient_parts(self._env, view(0, half))
                for part, text in parts:
                    if part == AFTER_PAGES:
                        child.join()
                        self._put_later_pages(child.exitcode == 0, later, view(half), handle)
                        handle.write(text.encode("utf-8"))
                        break
                    handle.write(text.encode("utf-8"))
                for _, text in parts:
                    handle.write(text.encode("utf-8"))
            finally:
                if child.is_alive():
                    child.kill()
                child.join()

    def _put_later_pages(
        self, rendered: bool, later: BinaryIO, view: PatientsView, handle: BinaryIO
    ) -> None:
        if rendered:
            size = later.seek(0, io.SEEK_END)
            later.seek(0)
            copy_bytes(later, handle, size)
            return
        log.debug("patients.html: the second half's process failed; rendered here")
        for part, text in render_patient_parts(self._env, view):
            if part == PAGES:
                handle.write(text.encode("utf-8"))

    @property
    def patient_pages(self) -> int:
        """How many patient pages patients.html has (0 before ``finish``)."""
        return len(self._plan.page_codes) if self._plan is not None else 0

    def _each_pdf(self, done: Finished, view: PatientsView) -> Iterator[PatientPage]:
        """The pages of ``view``, each also printed alone into its own PDF of the set
        (--pdf-per-patient): patients/<specimen number>.pdf, or the patient's (redacted) id."""
        plan = self._patient_plan(done)
        names = patient_pdf_names(self._pdf_labels(plan))
        check_folder(self.folder, names, known=OUTPUT_NAMES, force=self.options.force)
        sub = self.folder / PATIENT_PDF_DIR
        if sub.is_symlink():
            raise OutputError(f"{sub} is a symbolic link; nothing done: move it away")
        try:
            self._made_dirs += make_private_dirs(sub, group_readable=self.options.group_readable)
        except OSError as exc:
            raise OutputError(f"cannot create {sub}: {exc}") from exc
        for name, page in zip(names, view.pages, strict=True):
            alone = dataclasses.replace(view, pages=iter([page]), pages_omitted=0)
            html = "".join(render_patients(self._env, alone))
            with self._files.open_binary(name) as handle:
                render_pdf(html, handle)
            yield page

    def _pdf_labels(self, plan: PatientPlan) -> list[str]:
        """What names each page's PDF: the lead result's specimen (accession) number, else
        (and always under --redact) the patient's id as the outputs show it (a token)."""
        leads = [plan.lead_of[code] for code in plan.page_codes]
        if not leads:
            return []
        found: dict[int, tuple[str, str]] = {}
        for part in self._fetch(np.unique(np.asarray(leads, dtype=np.int64))):
            specimens = part["specimen_id"] if "specimen_id" in part.columns else None
            ids = part["patient_id"] if "patient_id" in part.columns else None
            for i, position in enumerate(part.index.tolist()):
                specimen = "" if specimens is None else as_text(specimens.iloc[i])
                patient = "" if ids is None else as_text(ids.iloc[i])
                found[int(position)] = (specimen, patient)
        labels = []
        for position in leads:
            specimen, patient = found.get(int(position), ("", ""))
            use_specimen = specimen and not self.options.redact
            labels.append(specimen if use_specimen else patient)
        return labels

    def _write_html(self, text: str, handle: BinaryIO) -> None:
        handle.write(text.encode("utf-8"))
        if self.options.pdf:
            self.pdf_html.append(text)


@contextlib.contextmanager
def written_beside(
    done: Finished, writers: Sequence[OutputFile], handles: Mapping[str, BinaryIO]
) -> Iterator[None]:
    """Each of ``writers`` run in a process forked now (copy-on-write: it reads the session's
    state as it is), while the block writes the rest; waited for when the block ends.  A writer
    whose process fails (or where there is no fork) is run again here, from an empty file."""
    context = _fork_context()
    started: list[tuple[OutputFile, Any]] = []
    if context is not None and writers:
        assert done.session.spool is not None
        done.session.spool.flush()  # no buffered bytes for a child to write twice
        for writer in writers:
            handle = handles[writer.name]
            handle.flush()
            child = _start_child(context, partial(_write_flushed, writer, done, handle))
            started.append((writer, child))
    try:
        yield
    finally:
        for _, child in started:
            child.join()
    written = {writer.name for writer, child in started if child.exitcode == 0}
    for writer in writers:
        handle = handles[writer.name]
        if writer.name in written:
            handle.seek(0, io.SEEK_END)  # where the child's writes left the shared offset
            continue
        log.debug("%s: written in this process (no forked writer, or it failed)", writer.name)
        handle.seek(0)
        handle.truncate()
        writer.write(done, handle)


def _fork_context() -> Any:
    if "fork" not in mp.get_all_start_methods() or mp.current_process().daemon:
        return None
    return mp.get_context("fork")


# Pages from which patients.html is rendered in two halves at once (finish(parallel=True)).
SPLIT_PAGES_FROM: Final = 200
# Results from which the reports are written by forked processes beside this one
# (finish(parallel=True)); below it, forking and waiting cost more than the reports.
WRITE_BESIDE_FROM: Final = 200


def _start_child(context: Any, work: Callable[[], None]) -> Any:
    """``work`` in a process forked now (copy-on-write: it sees this process's state as it is):
    it ignores Ctrl-C, dies with this process and leaves by ``os._exit`` (none of this process's
    cleanup runs twice); its exit status says whether ``work`` finished (0) or not (1)."""

    parent = os.getpid()  # taken before the fork (die_with_parent)

    def run() -> None:
        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            die_with_parent(parent)
            work()
            code = 0
        except BaseException:  # the exit status tells; the parent does the work itself
            code = 1
        finally:
            os._exit(code)

    child = context.Process(target=run, daemon=True)
    child.start()
    return child


def _render_pages(env: Any, view: PatientsView, later: BinaryIO) -> None:
    """The pages of ``view`` (only them) into ``later``."""
    for part, text in render_patient_parts(env, view):
        if part == PAGES:
            later.write(text.encode("utf-8"))
    later.flush()


def _write_flushed(writer: OutputFile, done: Finished, handle: BinaryIO) -> None:
    writer.write(done, handle)
    handle.flush()


def write_outputs(
    results: pd.DataFrame,
    rejected: list[Rejected],
    meta: RunMeta,
    out_dir: Path,
    options: OutputOptions,
    *,
    extra_files: Mapping[str, bytes] | None = None,
) -> list[Path]:
    """Write summary.html, patients.html, results.csv, results.json, rejected.csv (and
    results.xlsx / patients.pdf when asked) into ``out_dir``, all or none; return their paths.

    ``extra_files``: more files of the same set (name -> content), names from OUTPUT_FILES
    (e.g. urgent.txt), so that they are committed and listed in the manifest with the rest.

    The frame goes to an ``OutputSession`` ``WRITE_CHUNK_ROWS`` rows at a time (the files do not
    depend on the chunking), so that what is built besides the frame stays small.

    Raises ConfigError (template folder, stylesheet, logo), PdfUnavailableError, OutputError.
    """
    with OutputSession(out_dir, options) as session:
        if not len(results):
            session.add(results)
        for start in range(0, len(results), WRITE_CHUNK_ROWS):  # the same files, less memory
            session.add(results.iloc[start : start + WRITE_CHUNK_ROWS])
        return session.finish(rejected, meta, extra_files=extra_files)


def check_output_settings(options: OutputOptions, meta: RunMeta) -> None:
    """The report settings checked before any input is read: the PDF engine when a PDF is asked
    for, the template folder, its templates and stylesheets, the logo, and the templates rendered
    once for a run without results (in a private temporary folder, removed at once), which finds
    what only rendering finds (a name a template uses that the views do not have).

    Raises ReportSettingError (ConfigError) or PdfUnavailableError: exit 2 before anything is
    read or written (batch: before the inbox is touched).
    """
    if options.pdf or options.pdf_per_patient:
        require_pdf("--pdf" if options.pdf else "--pdf-per-patient")
    off = ("xlsx", "fhir", "pdf", "pdf_per_patient", "redact", "force", "group_readable")
    trial = dataclasses.replace(options, redact_key=None)
    for name in off:  # only the reports, from the same templates and branding
        setattr(trial, name, False)
    with (
        tempfile.TemporaryDirectory(prefix="prolactin-triage-check-") as folder,
        OutputSession(Path(folder) / "out", trial) as session,
    ):
        session.rehearse(meta)
