"""The streaming output session: the files written chunk by chunk (with rollbacks) are the files
written at once, byte for byte (results.xlsx: cell for cell), whatever the chunking.

Data: the bundled sample exports (synthetic patients) through the real reader and engine, and the
report fixtures (tests/report_fixtures.py, synthetic patients).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from report_fixtures import GENERATED_AT, make_meta, make_rejected, make_results

from triage.engine import triage_frame
from triage.io import ReadOptions, read_file
from triage.io.atomic import leftovers
from triage.knowledge import load_knowledge
from triage.outdir import MANIFEST_NAME
from triage.output import OUTPUT_FILES, OutputOptions, OutputSession, RunMeta, write_outputs
from triage.output.views import patient_keys
from triage.schema import InputSummary, Rejected
from triage.urgent import URGENT_TXT, urgent_lines, urgent_results, urgent_text

SAMPLES = Path(__file__).parent / "data" / "samples"
SAMPLE_FILES = (
    "wide_clinic_export.xlsx",
    "lis_long_export.csv",
    "clinic_list.ods",
    "legacy_export.xls",
)
KEY = b"k" * 32
OPTIONS = {
    "plain": lambda: OutputOptions(xlsx=True),
    # caps below the batch: the summary's table and the patient pages are cut
    "capped-redacted": lambda: OutputOptions(
        xlsx=True, redact=True, redact_key=KEY, max_summary_rows=9, max_patient_pages=4
    ),
    "all-patients": lambda: OutputOptions(all_patients=True, max_patient_pages=None),
}
Batch = tuple[pd.DataFrame, list[Rejected], RunMeta]


@pytest.fixture(scope="module")
def samples_batch() -> Batch:
    """Every bundled sample, read and triaged as a run does, one results frame."""
    knowledge = load_knowledge("default")
    frames: list[pd.DataFrame] = []
    rejected: list[Rejected] = []
    inputs: list[InputSummary] = []
    for name in SAMPLE_FILES:
        read = read_file(SAMPLES / name, None, ReadOptions())
        frames.append(triage_frame(read.frame, knowledge, as_of=GENERATED_AT))
        rejected.extend(read.rejected)
        inputs.append(read.summary)
    results = pd.concat(frames, ignore_index=True)
    meta = RunMeta(
        tool_name="prolactin-triage",
        tool_version="0.1.0",
        generated_at=GENERATED_AT,
        reference_set=knowledge.reference_set.name,
        reference_title=knowledge.reference_set.title,
        inputs=inputs,
        band_thresholds=[(b.name, b.lower_ng_ml) for b in knowledge.thresholds.bands],
    )
    return results, rejected, meta


@pytest.fixture(scope="module")
def fixture_batch() -> Batch:
    results = make_results(240, patients=40)
    rejected = make_rejected(12)
    return results, rejected, make_meta(results, rejected)


@pytest.fixture(params=["samples", "fixtures"])
def batch(request: pytest.FixtureRequest, samples_batch: Batch, fixture_batch: Batch) -> Batch:
    return samples_batch if request.param == "samples" else fixture_batch


def chunks(frame: pd.DataFrame, size: int) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), size):
        yield frame.iloc[start : start + size]


def some_rows(results: pd.DataFrame, count: int) -> pd.DataFrame:
    """About ``count`` rows in input order, half of them of patients with several results."""
    repeated = pd.Series(patient_keys(results)).duplicated(keep=False).to_numpy()
    positions = [*np.flatnonzero(repeated)[: count // 2], *np.flatnonzero(~repeated)[: count // 2]]
    picked = results.iloc[sorted(positions)].reset_index(drop=True)
    # the samples are separate exports whose ids name different people (other birth dates):
    # only the fixtures hold patients with several results
    assert pd.Series(patient_keys(picked)).duplicated().any() or not repeated.any()
    return picked


def urgent_file(urgent: pd.DataFrame) -> bytes:
    lines = urgent_lines(urgent, "summary.html")
    return urgent_text(lines, header="urgent results").encode()


def written(folder: Path) -> dict[str, Any]:
    """Every file of the set: bytes, and for results.xlsx the cells (the zip holds times)."""
    files: dict[str, Any] = {}
    for path in sorted(folder.iterdir()):
        if path.name == MANIFEST_NAME:
            continue
        if path.name == "results.xlsx":
            files[path.name] = workbook_cells(path)
        else:
            files[path.name] = path.read_bytes()
    return files


def workbook_cells(path: Path) -> list[Any]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    cells: list[Any] = []
    for sheet in book.worksheets:
        cells.append((sheet.title, sheet.freeze_panes, sheet.auto_filter.ref))
        cells.append({k: d.width for k, d in sheet.column_dimensions.items()})
        for row in sheet.iter_rows():
            cells.append(
                [(c.value, c.data_type, c.number_format, c.fill.fgColor.rgb, c.font.b) for c in row]
            )
    return cells


def whole(tmp_path: Path, batch: Batch, options: OutputOptions) -> dict[str, Any]:
    results, rejected, meta = batch
    out = tmp_path / "whole"
    extra = {URGENT_TXT: urgent_file(urgent_results(results))}
    write_outputs(results, rejected, meta, out, options, extra_files=extra)
    return written(out)


def test_a_patient_falls_into_several_chunks(fixture_batch: Batch, samples_batch: Batch) -> None:
    """The premise of the chunked tests: a patient's results are in different chunks (the
    fixtures'); the samples' repeated ids name different people (other birth dates), each a
    patient of their own."""
    results = fixture_batch[0]
    keys = pd.Series(patient_keys(results))
    chunk_of = pd.Series(range(len(results))) // 7
    spread = chunk_of.groupby(keys).nunique()
    assert (spread > 1).any()
    samples = samples_batch[0]
    ids = samples["patient_id"].dropna()
    assert ids.duplicated().any()  # ids repeat across the sample exports ...
    assert len(set(patient_keys(samples))) > ids.nunique()  # ... for different people


@pytest.mark.parametrize("size", [1, 7, 1000])
@pytest.mark.parametrize("kind", list(OPTIONS))
def test_chunked_session_writes_the_same_files(
    tmp_path: Path, batch: Batch, size: int, kind: str
) -> None:
    results, rejected, meta = batch
    if size == 1:  # a chunk per row: fewer rows, half of them of patients with several
        results = some_rows(results, 120 if kind == "plain" else 60)
        batch = (results, rejected, meta)
    expected = whole(tmp_path, batch, OPTIONS[kind]())
    out = tmp_path / "chunked"
    with OutputSession(out, OPTIONS[kind]()) as session:
        for chunk in chunks(results, size):
            session.add(chunk)
        extra = {URGENT_TXT: urgent_file(session.urgent_rows())}
        paths = session.finish(rejected, meta, extra_files=extra)
    assert written(out) == expected
    assert sorted(p.name for p in paths) == sorted(expected)
    assert leftovers(out, OUTPUT_FILES) == []
    for column in ("priority", "status", "band"):
        counts = results[column].value_counts()
        assert session.counts(column) == {str(k): int(v) for k, v in counts.items()}


@pytest.mark.parametrize("kind", ["plain", "capped-redacted"])
def test_rolled_back_rows_leave_no_trace(tmp_path: Path, batch: Batch, kind: str) -> None:
    """Rows added after a savepoint and rolled back (a file whose rows made the rules fail) are in
    no output: their patients, counts, urgent rows, CSV/JSON lines and workbook rows are gone."""
    results, rejected, meta = batch
    expected = whole(tmp_path, batch, OPTIONS[kind]())
    junk = make_results(50, seed=3, patients=9)
    junk["patient_id"] = junk["patient_id"].str.replace("P", "GHOST", regex=False)
    junk = pd.concat([junk, results.iloc[:5]], ignore_index=True)  # known patients too
    half = len(results) // 2
    out = tmp_path / "rolled"
    with OutputSession(out, OPTIONS[kind]()) as session:
        session.savepoint()
        for chunk in chunks(junk, 11):  # a failing first file
            session.add(chunk)
        session.rollback()
        session.savepoint()
        for chunk in chunks(results.iloc[:half], 7):
            session.add(chunk)
        session.savepoint()
        for chunk in chunks(junk, 13):  # a failing file in the middle
            session.add(chunk)
        assert session.counts("priority") != {
            str(k): int(v) for k, v in results.iloc[:half]["priority"].value_counts().items()
        }
        session.rollback()
        session.savepoint()
        for chunk in chunks(results.iloc[half:], 7):
            session.add(chunk)
        session.savepoint()
        session.rollback()  # a file without rows
        extra = {URGENT_TXT: urgent_file(session.urgent_rows())}
        session.finish(rejected, meta, extra_files=extra)
    assert written(out) == expected
    assert b"GHOST" not in b"".join(p.read_bytes() for p in out.iterdir())
    assert leftovers(out, OUTPUT_FILES) == []


def test_an_empty_session_writes_the_files_of_an_empty_batch(
    tmp_path: Path, fixture_batch: Batch
) -> None:
    results, rejected, meta = fixture_batch
    empty = results.iloc[:0]
    expected = whole(tmp_path, (empty, rejected, meta), OutputOptions())
    out = tmp_path / "session"
    with OutputSession(out, OutputOptions()) as session:
        session.savepoint()
        session.add(results.iloc[:10])
        session.rollback()
        session.add(empty)
        extra = {URGENT_TXT: urgent_file(session.urgent_rows())}
        session.finish(rejected, meta, extra_files=extra)
    assert written(out) == expected
    assert session.counts("priority") == {}


def test_an_abandoned_session_leaves_nothing(tmp_path: Path, fixture_batch: Batch) -> None:
    results = fixture_batch[0]
    out = tmp_path / "out"
    with (
        pytest.raises(RuntimeError, match="a bug"),
        OutputSession(out, OutputOptions(xlsx=True)) as session,
    ):
        for chunk in chunks(results, 50):
            session.add(chunk)
        raise RuntimeError("a bug")
    assert list(out.iterdir()) == []


def test_urgent_rows_are_the_urgent_rows_as_given(tmp_path: Path, fixture_batch: Batch) -> None:
    results = fixture_batch[0]
    options = OutputOptions(redact=True, redact_key=KEY)
    with OutputSession(tmp_path / "out", options) as session:
        for chunk in chunks(results, 17):
            session.add(chunk)
        urgent = session.urgent_rows()
    expected = urgent_results(results)
    assert len(urgent) == len(expected) > 0
    assert urgent["patient_id"].tolist() == expected["patient_id"].tolist()  # not redacted


def _written(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _session_files(batch: Batch, out: Path, *, parallel: bool) -> dict[str, bytes]:
    results, rejected, meta = batch
    with OutputSession(out, OutputOptions(xlsx=True)) as session:
        for start in range(0, len(results), 50):
            session.add(results.iloc[start : start + 50])
        session.finish(rejected, meta, parallel=parallel)
    return _written(out)


def test_a_report_written_by_a_forked_process_is_the_same(
    fixture_batch: Batch, tmp_path: Path
) -> None:
    """finish(parallel=True): summary.html is rendered by a forked process (it reads the spool
    with pread while this process reads it too) while this one writes the other files."""
    alone = _session_files(fixture_batch, tmp_path / "alone", parallel=False)
    beside = _session_files(fixture_batch, tmp_path / "beside", parallel=True)
    assert alone.keys() == beside.keys()
    for name in alone:
        if name not in ("results.xlsx", MANIFEST_NAME):  # zip and manifest hold times
            assert beside[name] == alone[name], name


def test_a_forked_writer_that_fails_is_written_again_here(
    fixture_batch: Batch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses
    import os

    from triage.output import session as session_module

    parent = os.getpid()

    def fails_in_a_child(done: Any, handle: Any) -> None:
        handle.write(b"half a page")  # what a child killed midway leaves
        if os.getpid() != parent:
            handle.flush()
            raise MemoryError
        session_module._write_summary(done, handle)

    writers = tuple(
        dataclasses.replace(w, write=fails_in_a_child) if w.beside else w
        for w in session_module.WRITERS
    )
    assert any(w.beside for w in writers)
    alone = _session_files(fixture_batch, tmp_path / "alone", parallel=False)
    monkeypatch.setattr(session_module, "WRITERS", writers)
    again = _session_files(fixture_batch, tmp_path / "again", parallel=True)
    assert again["summary.html"].startswith(b"half a page")  # once: the file was emptied first
    assert again["summary.html"][len(b"half a page") :] == alone["summary.html"]


def test_patient_pages_rendered_in_two_halves_at_once_are_the_same(
    fixture_batch: Batch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """finish(parallel=True) with enough pages: a forked process renders the second half of
    patients.html while this one renders the first; the document is the one-process one."""
    import os

    from triage.output import env as env_module
    from triage.output import session as session_module

    alone = _session_files(fixture_batch, tmp_path / "alone", parallel=False)
    assert alone["patients.html"].count(b'<section class="patient"') >= 10
    parent, calls = os.getpid(), []
    real = env_module.render_patient_parts

    def counted(env: Any, view: Any) -> Iterator[tuple[int, str]]:
        if os.getpid() == parent:
            calls.append(view)
        return real(env, view)

    monkeypatch.setattr(session_module, "SPLIT_PAGES_FROM", 2)
    monkeypatch.setattr(session_module, "render_patient_parts", counted)
    halves = _session_files(fixture_batch, tmp_path / "halves", parallel=True)
    assert halves["patients.html"] == alone["patients.html"]
    assert len(calls) == 1  # the first half here; the second in the forked process


def test_patient_pages_of_a_failed_half_are_rendered_here(
    fixture_batch: Batch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from triage.output import env as env_module
    from triage.output import session as session_module

    alone = _session_files(fixture_batch, tmp_path / "alone", parallel=False)
    parent = os.getpid()
    real = env_module.render_patient_parts

    def dies_in_a_child(env: Any, view: Any) -> Iterator[tuple[int, str]]:
        for n, item in enumerate(real(env, view)):
            if os.getpid() != parent and n > 50:
                os._exit(9)  # killed midway, its file half written
            yield item

    monkeypatch.setattr(session_module, "SPLIT_PAGES_FROM", 2)
    monkeypatch.setattr(session_module, "render_patient_parts", dies_in_a_child)
    again = _session_files(fixture_batch, tmp_path / "again", parallel=True)
    assert again["patients.html"] == alone["patients.html"]


# -- results.json written straight after a header known in advance (a run of one input file) ----
def _other_meta(meta: RunMeta) -> RunMeta:
    """The meta with one more input file: what a run expecting one file finds at the end when
    another was read after all (the header's inputs differ, and so does its length)."""
    extra = InputSummary(
        file="later.csv", sha256="0" * 64, sheet="", rows_read=3, rows_triaged=2, rows_rejected=1
    )
    return dataclasses.replace(meta, inputs=[*meta.inputs, extra])


@pytest.mark.parametrize("kind", ["plain", "capped-redacted"])
@pytest.mark.parametrize("rows", ["all", "none", "rolled-back-first"])
@pytest.mark.parametrize("header", ["as-expected", "different"])
def test_results_written_after_an_expected_header_are_the_same_file(
    tmp_path: Path, batch: Batch, kind: str, rows: str, header: str
) -> None:
    """With the header written first (``expect_meta``), results.json is byte for byte the file
    written from the spool, whether the header at the end is the one expected (nothing is
    copied) or not (the lines are moved back and the file written as from the spool), with
    rows, without any, and after a rolled-back file."""
    results, rejected, meta = batch
    if rows == "none":
        results = results.iloc[:0]
    final = meta if header == "as-expected" else _other_meta(meta)
    expected = whole(tmp_path, (results, rejected, final), OPTIONS[kind]())
    out = tmp_path / "expected-header"
    with OutputSession(out, OPTIONS[kind]()) as session:
        session.savepoint()  # a mark taken before the header is written: rolled back below
        session.expect_meta(meta)
        if rows == "rolled-back-first":
            session.savepoint()
            for chunk in chunks(make_results(30, seed=5, patients=6), 11):
                session.add(chunk)
            session.rollback()
        else:
            session.add(make_results(12, seed=7, patients=3))
            session.rollback()  # to the mark taken before the header
        session.savepoint()
        for chunk in chunks(results, 7):
            session.add(chunk)
        spooled = session.json.spool.tell()
        extra = {URGENT_TXT: urgent_file(session.urgent_rows())}
        session.finish(rejected, final, extra_files=extra)
    assert spooled == 0  # every line went straight into results.json
    assert written(out) == expected
    assert leftovers(out, OUTPUT_FILES) == []


def test_a_run_of_one_file_copies_no_results_json_and_a_run_of_two_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pipeline expects the header of a run of one input file; with two it spools as
    before.  Both give results.json as json.loads reads it: every result, in input order."""
    import json

    import triage.output.json as results_json
    from triage.pipeline import TriageRequest, run_triage

    copies: list[int] = []
    copy = results_json.copy_bytes

    def counted(source: Any, target: Any, size: int, *, start: int = 0) -> None:
        copies.append(size)
        copy(source, target, size, start=start)

    monkeypatch.setattr(results_json, "copy_bytes", counted)
    csv = SAMPLES / "lis_long_export.csv"
    for inputs in ([csv], [csv, SAMPLES / "wide_clinic_export.xlsx"]):
        copies.clear()
        out = tmp_path / str(len(inputs))
        run_triage(TriageRequest(inputs=inputs, out_dir=out, jobs=1))
        document = json.loads((out / "results.json").read_bytes())
        in_csv = pd.read_csv(out / "results.csv", dtype=str, keep_default_na=False)
        assert [r["source_row"] for r in document["results"]] == in_csv["source_row"].astype(
            int
        ).tolist()
        assert len(in_csv) > 0
        assert [i["file"] for i in document["inputs"]] == [p.name for p in inputs]
        assert (copies == []) if len(inputs) == 1 else (len(copies) == 1 and copies[0] > 0)
