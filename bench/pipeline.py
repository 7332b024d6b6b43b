"""Benchmark: a whole `run` (read, triage, write every report) on a large messy export.

    python bench/pipeline.py [--rows 100000] [--file PATH] [--chunk-rows 5000]

Times each stage of one run on the same synthetic export that bench/ingest.py writes, and prints
each as a ratio to plain pandas.read_excel(engine="calamine") of that file in the same run, plus
the peak resident memory of the process.  The write stage is timed twice: ``write_outputs`` (the
results in one chunk) and an ``OutputSession`` fed chunks of ``--chunk-rows`` (as a run streams
them); both write the same files.  Synthetic patients only.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from ingest import write_export

from triage.engine import triage_frame
from triage.io import ReadOptions, read_file
from triage.knowledge import load_knowledge
from triage.output import OutputOptions, OutputSession, write_outputs
from triage.pipeline import run_meta


def clock(label: str, func):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = func()
    seconds = time.perf_counter() - start
    print(f"  {label:<34} {seconds:7.2f} s")
    return value, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--chunk-rows", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or Path(tmp) / "bench_export.xlsx"
        if args.file is None:
            write_export(path, args.rows)
        print(f"{path.name}: {args.rows:,} rows")
        _, baseline = clock(
            "pandas.read_excel(calamine)",
            lambda: pd.read_excel(path, engine="calamine", header=None),
        )
        knowledge, _ = clock("load_knowledge", lambda: load_knowledge("default"))
        read, t_read = clock("read_file", lambda: read_file(path, None, ReadOptions()))
        results, t_engine = clock(
            "triage_frame (engine)", lambda: triage_frame(read.frame, knowledge)
        )
        meta = run_meta(knowledge, pd.Timestamp.now(tz="UTC").to_pydatetime(), [read.summary])
        out = Path(tmp) / "out"
        _, t_write = clock(
            "write_outputs (html, csv, json)",
            lambda: write_outputs(results, read.rejected, meta, out, OutputOptions()),
        )
        chunked = Path(tmp) / "chunked"

        def session_write() -> list[Path]:
            options = OutputOptions()
            with OutputSession(chunked, options) as session:
                for start in range(0, len(results), args.chunk_rows):
                    session.add(results.iloc[start : start + args.chunk_rows])
                return session.finish(read.rejected, meta)

        clock(f"OutputSession (chunks of {args.chunk_rows:,})", session_write)
        total = t_read + t_engine + t_write
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        ratios = {"read": t_read, "engine": t_engine, "write": t_write, "whole run": total}
        print(
            "ratios to read_excel: "
            + ", ".join(f"{k} {v / baseline:.2f}" for k, v in ratios.items())
        )
        print(f"peak resident memory: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
