"""Benchmark: `run --engine dask` with 1 and 2 workers beside the single-process `run`.

    python bench/dask_bench.py [--rows 200000] [--files 8]

The same data (bench/ingest.py's messy CSV exports, --rows in all, split into --files files) are
triaged three ways, each as a whole `prolactin-triage run` process (start-up, reading, engine,
outputs and, for Dask, starting and closing the LocalCluster included):

  local     run --jobs 1              (one process)
  local -j2 run --jobs 2              (engine chunks in two forked processes)
  dask 1    run --engine dask --jobs 1  (a LocalCluster of one worker process)
  dask 2    run --engine dask --jobs 2  (two worker processes)

and rows per second (input rows / wall-clock seconds) are printed; docs/dask.md holds figures.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from ingest import write_csv_export

TOOL = [sys.executable, "-m", "triage", "run", "--quiet"]


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 10):
        raise SystemExit(f"{' '.join(argv)}: exit {done.returncode}\n{done.stderr.decode()}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dask-bench-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        per_file = max(args.rows // args.files, 1)
        for i in range(args.files):
            write_csv_export(folder / f"export{i:03d}.csv", per_file, seed=1000 + i)
        rows = per_file * args.files
        runs = {
            "local (--jobs 1)": [*TOOL, str(folder), "-o", f"{tmp}/local1", "--jobs", "1"],
            "local (--jobs 2)": [*TOOL, str(folder), "-o", f"{tmp}/local2", "--jobs", "2"],
            "dask, 1 worker": [
                *TOOL, "--engine", "dask", "--jobs", "1", str(folder), "-o", f"{tmp}/dask1"
            ],
            "dask, 2 workers": [
                *TOOL, "--engine", "dask", "--jobs", "2", str(folder), "-o", f"{tmp}/dask2"
            ],
        }  # fmt: skip
        print(f"{rows} rows in {args.files} CSV files")
        print(f"{'run':<18} {'seconds':>8} {'rows/s':>9}")
        for label, argv in runs.items():
            seconds = timed(argv)
            print(f"{label:<18} {seconds:8.1f} {rows / seconds:9.0f}")


if __name__ == "__main__":
    main()
