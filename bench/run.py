"""Benchmark: whole processes side by side, each against a plain-pandas baseline of the same work.

    python bench/run.py [--xlsx-rows 100000] [--csv-rows 1000000] [--repeat 3] [--quick]

Every figure is the median of --repeat alternating runs (baseline, tool, baseline, tool ...) in
one process tree; peak memory is that of the tool's whole process tree (its engine workers too,
see measure()).  The data come from bench/ingest.py's deterministic generator of messy
exports (title rows, mixed units, text results, decimal commas, free-text medication lists with
brands and doses).  --quick: 10k
rows each, one repeat (a smoke test: `.ci/run` runs it; no timing is asserted anywhere).
The tool's package is byte-compiled first, as a `pip install .` leaves it.

Rows of the table (issue "Cost close to reading the input"):
  run xlsx / read_excel(calamine); run csv / read_csv + to_csv; peak memory of that run / the
  same copy; check xlsx / read_excel; --help / import typer; growth run csv N / run csv N/10.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from ingest import write_csv_export, write_export

TOOL = [sys.executable, "-m", "triage"]
WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "from pathlib import Path\n"
    "def tree(pid):\n"
    "    found = [pid]\n"
    "    for task in Path(f'/proc/{pid}/task').glob('*/children'):\n"
    "        try:\n"
    "            kids = task.read_text().split()\n"
    "        except OSError:\n"
    "            continue\n"
    "        for kid in kids:\n"
    "            found += tree(int(kid))\n"
    "    return found\n"
    "def pss(pid):\n"
    "    try:\n"
    "        for line in Path(f'/proc/{pid}/smaps_rollup').read_text().splitlines():\n"
    "            if line.startswith('Pss:'):\n"
    "                return int(line.split()[1])\n"
    "    except (OSError, ValueError):\n"
    "        pass\n"
    "    return 0\n"
    "start = time.perf_counter()\n"
    "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "total = 0\n"
    "while child.poll() is None:\n"
    "    total = max(total, sum(pss(p) for p in tree(child.pid)))\n"
    "    time.sleep(0.05)\n"
    "seconds = time.perf_counter() - start\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(seconds, max(peak, total))\n"
)


def measure(argv: list[str]) -> tuple[float, float]:
    """(seconds, peak MiB) of one child process tree running ``argv``: the larger of the
    child's own peak (getrusage) and the peak of its whole tree's proportional set size
    sampled every 50 ms (the engine's worker processes count too; pages they share with
    the parent count once)."""
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *argv], capture_output=True, text=True, check=True
    )
    seconds, peak_kib = done.stdout.split()
    return float(seconds), int(peak_kib) / 1024


def compare(
    label: str, baseline: list[str], tool: list[str], repeat: int
) -> dict[str, float | str]:
    base_t, base_m, tool_t, tool_m = [], [], [], []
    for _ in range(repeat):
        t, m = measure(baseline)
        base_t.append(t)
        base_m.append(m)
        t, m = measure(tool)
        tool_t.append(t)
        tool_m.append(m)
    row: dict[str, float | str] = {
        "work": label,
        "baseline_s": statistics.median(base_t),
        "tool_s": statistics.median(tool_t),
        "baseline_mib": statistics.median(base_m),
        "tool_mib": statistics.median(tool_m),
    }
    row["ratio"] = float(row["tool_s"]) / float(row["baseline_s"])
    row["memory_ratio"] = float(row["tool_mib"]) / float(row["baseline_mib"])
    return row


def compile_package() -> None:
    """Byte-compile the tool's package as `pip install .` does (pandas' is, from its wheel): an
    editable install, or PYTHONDONTWRITEBYTECODE=1, would otherwise have every run compile the
    tool's modules from source (~0.2 s each time)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("triage")
    if spec is not None and spec.origin is not None:
        compileall.compile_dir(Path(spec.origin).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args()
    if args.quick:
        args.xlsx_rows, args.csv_rows, args.repeat = 10_000, 10_000, 1
    compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        xlsx, big, small = root / "export.xlsx", root / "export.csv", root / "export_tenth.csv"
        write_export(xlsx, args.xlsx_rows)
        write_csv_export(big, args.csv_rows)
        write_csv_export(small, max(args.csv_rows // 10, 1))
        out = str(root / "out")
        copy = str(root / "copy.csv")
        run = [*TOOL, "run", "--quiet", "--force", "--out", out]
        rows = [
            compare(
                f"run on a {args.xlsx_rows:,}-row xlsx",
                [
                    sys.executable,
                    "-c",
                    f"import pandas; pandas.read_excel({str(xlsx)!r}, engine='calamine')",
                ],
                [*run, str(xlsx)],
                args.repeat,
            ),
            compare(
                f"run on a {args.csv_rows:,}-row csv",
                [
                    sys.executable,
                    "-c",
                    f"import pandas; pandas.read_csv({str(big)!r}).to_csv({copy!r})",
                ],
                [*run, str(big)],
                args.repeat,
            ),
            compare(
                f"check on the {args.xlsx_rows:,}-row xlsx",
                [
                    sys.executable,
                    "-c",
                    f"import pandas; pandas.read_excel({str(xlsx)!r}, engine='calamine')",
                ],
                [*TOOL, "check", str(xlsx)],
                args.repeat,
            ),
            compare(
                "prolactin-triage --help",
                [sys.executable, "-c", "import typer"],
                [*TOOL, "--help"],
                max(args.repeat, 3),
            ),
            compare(
                f"growth: run {args.csv_rows:,} rows / {args.csv_rows // 10:,} rows (csv)",
                [*run, str(small)],
                [*run, str(big)],
                args.repeat,
            ),
        ]
        shutil.rmtree(out, ignore_errors=True)
    print(f"cores: {os.cpu_count()}; median of {args.repeat} alternating run(s)")
    print("| work | baseline s | tool s | ratio | baseline MiB | tool MiB | memory ratio |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['work']} | {r['baseline_s']:.2f} | {r['tool_s']:.2f} | {r['ratio']:.2f}x | "
            f"{r['baseline_mib']:.0f} | {r['tool_mib']:.0f} | {r['memory_ratio']:.2f}x |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
