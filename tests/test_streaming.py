"""A run streams: each file's rows go through the engine and the writers in chunks (and, for a
large file, through several worker processes).  Whatever the chunk size and the number of
workers, every output is the same, byte for byte, as a run that takes each file in one chunk:
the rules read one row at a time, and what needs the whole batch (counts, the summary's order,
a patient's other results on the patient's page) is built across chunks.  Synthetic patients
only."""

from __future__ import annotations

import csv
import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from triage import pipeline
from triage.output import OutputOptions
from triage.pipeline import TriageRequest, run_triage

AT = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
HEADER = [
    "Patient ID",
    "Sex",
    "DOB",
    "Collected",
    "Prolactin",
    "Units",
    "Medication",
    "eGFR",
    "Clinical details",
]
MEDS = ["", "", "Risperdal 2 mg", "metoclopramide 10mg tds", "cabergoline 0.5 mg weekly", "nil"]
NOTES = ["", "", "galactorrhoea", "headache, visual field defect", "pregnant 30/40", "?PCOS"]


def _export(path: Path, rows: int, seed: int) -> None:
    """A messy export where patients recur far apart (so a patient's results fall in different
    chunks), with mixed units, text results and censored values."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(rows):
            patient = f"P{(i * 7) % 23:03d}"  # each patient every 23 rows
            unit = rng.choice(["ng/mL", "mIU/L", "mU/L", "µg/L"])
            value = rng.choice(
                [
                    f"{rng.uniform(2, 40):.1f}",
                    f"{rng.uniform(40, 400):.0f}",
                    "<1.0",
                    ">4700",
                    "haemolysed",
                    f"{rng.uniform(100, 9000):.0f}".replace(".", ","),
                ]
            )
            out.writerow(
                [
                    patient,
                    "F" if int(patient[1:]) % 3 else "M",
                    f"19{60 + int(patient[1:]) % 40}-0{1 + int(patient[1:]) % 9}-15",
                    f"2026-{1 + i % 11:02d}-{1 + i % 28:02d} 08:{i % 60:02d}",
                    value,
                    unit,
                    rng.choice(MEDS),
                    rng.choice(["", "25", ">90", "12"]),
                    rng.choice(NOTES),
                ]
            )


def _outputs(folder: Path) -> dict[str, bytes]:
    """Every output file's content, the output folder's own path (in urgent.txt) made neutral."""
    return {
        p.name: p.read_bytes().replace(str(folder).encode(), b"OUT")
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith(".")
    }


def _run(inputs: list[Path], out: Path, **kwargs: object) -> pipeline.TriageOutcome:
    options = OutputOptions(xlsx=True, max_patient_pages=5, max_summary_rows=40)
    request = TriageRequest(inputs=inputs, out_dir=out, output_options=options, **kwargs)  # type: ignore[arg-type]
    return run_triage(request, now=AT)


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("exports")
    first, second = folder / "january.csv", folder / "february.csv"
    _export(first, 230, seed=1)
    _export(second, 61, seed=2)
    return [first, second]


@pytest.fixture(scope="module")
def whole(exports: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("whole") / "out"
    outcome = _run(exports, out, chunk_rows=1_000_000, jobs=1)
    assert outcome.result_count > 200 and len(outcome.rejected) > 20  # haemolysed: rejected
    return out


@pytest.mark.parametrize(("chunk_rows", "jobs"), [(1, 1), (7, 1), (50, 2), (7, 2)])
def test_every_output_is_the_same_whatever_the_chunks(
    exports: list[Path], whole: Path, tmp_path: Path, chunk_rows: int, jobs: int
) -> None:
    _run(exports, tmp_path / "out", chunk_rows=chunk_rows, jobs=jobs)
    chunked = _outputs(tmp_path / "out")
    expected = _outputs(whole)
    assert sorted(chunked) == sorted(expected)
    for name, content in expected.items():
        if name == "results.xlsx":  # a zip: compare the cells, not the archive's timestamps
            continue
        assert chunked[name] == content, name
    from openpyxl import load_workbook

    def cells(folder: Path) -> list[list[object]]:
        book = load_workbook(folder / "results.xlsx", read_only=True)
        return [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]

    assert cells(tmp_path / "out") == cells(whole)


def test_a_patient_split_across_chunks_has_every_result_on_the_page(
    exports: list[Path], tmp_path: Path
) -> None:
    """P000's results are 23 rows apart: with 7-row chunks, each is in another chunk; the page
    of every patient shown lists all of that patient's results in the batch."""
    out = tmp_path / "out"
    outcome = _run(exports, out, chunk_rows=7, jobs=2, keep_results=True)
    assert outcome.results is not None
    results = outcome.results
    pages = (out / "patients.html").read_text(encoding="utf-8")
    shown = [p for p in sorted(set(results["patient_id"])) if f">{p}<" in pages]
    assert shown, "no patient page was written"
    for patient in shown:
        rows = results[results["patient_id"] == patient]
        assert len(rows) > 7  # spread over several chunks
        start = pages.index(f">{patient}<")
        end = pages.find('<section class="patient"', start)
        page = pages[start : end if end > 0 else len(pages)]
        assert f'in this batch <span class="thin">({len(rows)})</span>' in page


def test_results_keep_the_input_order_and_every_row_is_accounted_for(
    exports: list[Path], tmp_path: Path
) -> None:
    outcome = _run(exports, tmp_path / "out", chunk_rows=9, jobs=2, keep_results=True)
    assert outcome.results is not None
    for summary in outcome.inputs:
        assert summary.rows_read == summary.rows_triaged + summary.rows_rejected
    rows = list(zip(outcome.results["source_file"], outcome.results["source_row"], strict=True))
    january = [r for f, r in rows if f == "january.csv"]
    assert january == sorted(january)
    assert [f for f, _ in rows] == sorted(
        (f for f, _ in rows), key=["january.csv", "february.csv"].index
    )
    assert outcome.result_count == len(outcome.results)
    assert sum(outcome.count("priority").values()) == outcome.result_count


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_the_rules_fail_on_is_taken_back_from_every_output(
    exports: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """The engine fails (a bug) on the second file's third chunk: the first file's results stay,
    and none of the second file's rows are in any output (not even its first chunks)."""
    real = pipeline.triage_frame

    def fails_late(frame, knowledge, **kwargs):  # type: ignore[no-untyped-def]
        if (frame["source_file"] == "february.csv").any() and frame["source_row"].max() > 20:
            raise ZeroDivisionError("a bug")
        return real(frame, knowledge, **kwargs)

    monkeypatch.setattr(pipeline, "triage_frame", fails_late)
    outcome = _run(exports, tmp_path / "out", chunk_rows=7, jobs=jobs)
    assert outcome.exit_code == 4
    assert [e.file for e in outcome.errors] == ["february.csv"]
    text = (tmp_path / "out" / "results.csv").read_text(encoding="utf-8")
    assert "february.csv" not in text and "january.csv" in text
    # results.json names february.csv only among its inputs, as unusable (internal_error)
    data = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert all(r["source_file"] != "february.csv" for r in data["results"])
    failed = [i for i in data["inputs"] if i["file"] == "february.csv"]
    assert [(i["usable"], i["failure_code"], i["rows_triaged"]) for i in failed] == [
        (False, "internal_error", 0)
    ]


def test_a_worker_killed_costs_its_file_only(
    exports: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker process that dies (the kernel's OOM killer, a native crash) fails the file it
    was triaging, whose rows are taken back; the other file is triaged and no worker is left."""
    import os
    import signal

    parent = os.getpid()
    real = pipeline.triage_frame

    def dies_in_a_worker(frame, knowledge, **kwargs):  # type: ignore[no-untyped-def]
        if os.getpid() != parent and (frame["source_file"] == "january.csv").any():
            os.kill(os.getpid(), signal.SIGKILL)
        return real(frame, knowledge, **kwargs)

    monkeypatch.setattr(pipeline, "triage_frame", dies_in_a_worker)
    outcome = _run(exports, tmp_path / "out", chunk_rows=20, jobs=2)
    assert outcome.exit_code == 4
    assert [e.file for e in outcome.errors] == ["january.csv"]
    assert "a worker process died" in str(outcome.errors[0])
    text = (tmp_path / "out" / "results.csv").read_text(encoding="utf-8")
    assert "january.csv" not in text and "february.csv" in text
    import multiprocessing

    assert multiprocessing.active_children() == []


def test_the_jobs_help_names_the_chunk_size_in_use() -> None:
    """--help must not import the pipeline (start-up stays light), so it says the chunk size in
    words: it must say the one the pipeline uses."""
    import typing

    from triage.cli.options import JobsOpt

    (option,) = [a for a in typing.get_args(JobsOpt) if hasattr(a, "help")]
    assert f"{pipeline.DEFAULT_CHUNK_ROWS:,} rows" in option.help


def test_chunks_encoded_by_the_workers_are_never_used_unredacted(
    exports: list[Path], tmp_path: Path
) -> None:
    """Engine workers encode results.csv/results.json for their chunk (output/encoded.py); under
    --redact the session rewrites the identifiers, so it encodes the rows itself: the files are
    the same as a one-process run's and hold no patient id."""
    options = OutputOptions(redact=True, redact_key=b"k" * 32, max_patient_pages=5)

    def run(out: Path, **kwargs: object) -> dict[str, bytes]:
        request = TriageRequest(inputs=exports, out_dir=out, output_options=options, **kwargs)  # type: ignore[arg-type]
        run_triage(request, now=AT)
        return _outputs(out)

    parallel = run(tmp_path / "parallel", chunk_rows=7, jobs=2)
    single = run(tmp_path / "single", chunk_rows=1_000_000, jobs=1)
    for name in ("results.csv", "results.json"):
        assert parallel[name] == single[name], name
        assert b"P000" not in parallel[name] and b"P001" not in parallel[name]


def test_an_encoded_chunk_is_used_only_for_the_rows_it_was_made_from() -> None:
    from triage.engine import canonical_frame, triage_frame
    from triage.knowledge import load_knowledge
    from triage.output.encoded import encode_chunk

    rows = [
        {"patient_id": "P1", "sex": "F", "age_years": 30, "prolactin_value": 80.0},
        {"patient_id": "P2", "sex": "M", "age_years": 50, "prolactin_value": 9.0},
    ]
    frame = triage_frame(canonical_frame(rows), load_knowledge("default"))
    encoded = encode_chunk(frame)
    assert encoded.fits(frame)
    assert not encoded.fits(frame.iloc[:1])  # fewer rows
    assert not encoded.fits(frame.assign(trend="new"))  # a column added since (the history)
