"""Benchmark: read_file on a large messy xlsx against plain pandas.read_excel(engine="calamine"),
and (--csv-rows) on a large csv against pandas.read_csv.

    python bench/ingest.py [--rows 100000] [--repeat 3] [--file PATH] [--csv-rows N]

Writes a synthetic export (title rows, mixed units, text results, qualifiers, decimal commas,
day-first text dates, free-text medication) with openpyxl in write-only mode, then times both
readers on the same file (best of --repeat) and prints the ratio and the peak memory of each
(tracemalloc, Python allocations).  The xlsx baseline is read_excel(header=None), as the issue
"cost close to reading the input" measures it: every cell read, nothing typed by a header.
With --csv-rows, the same rows are written as a csv (dates as their text) and read_file is timed
against pandas.read_csv; --csv-file times an existing csv instead (bench/run.py's write_csv
makes large ones).  For a csv the peak resident memory of each reader is measured too, in a
fresh process (tracemalloc sees Python allocations only).  Synthetic patients only.
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from triage.io import ReadOptions, read_file

HEADERS = [
    "Lab No",
    "MRN",
    "Patient",
    "Sex",
    "DOB",
    "Collected",
    "PRL",
    "Units",
    "Ref. range",
    "Pregnant",
    "Breastfeeding",
    "Current medication",
    "eGFR",
    "Dialysis",
    "Liver",
    "TSH",
    "Symptoms",
    "Comment",
]
SURNAMES = ["SMITH", "GARCÍA", "MÜLLER", "NGUYEN", "O'BRIEN", "OKAFOR", "SATO", "ROSSI"]
FORENAMES = ["Anna", "Omar", "Zoë", "Björn", "Priya", "Kofi", "Chloé", "Liam"]
MEDS = [
    "",
    "",
    "risperidone 2 mg bd",
    "metoclopramide 10mg tds; ramipril 5 mg",
    "Abilify 10mg",
    "domperidone; levothyroxine 100mcg",
    "verapamil SR 240mg",
    "sertraline 100mg",
]
RESULT_TEXT = ["haemolysed", "<3.0", ">470", "insufficient sample", "45 H", "12,5", "1 234,5"]


def _result(rng: random.Random) -> tuple[object, str, str]:
    roll = rng.random()
    if roll < 0.03:
        return rng.choice(RESULT_TEXT), "ng/mL", "4.8-23.3"
    if roll < 0.45:
        return (
            round(rng.lognormvariate(5.5, 0.8)),
            rng.choice(["mIU/L", "mU/L", "µIU/mL"]),
            "102-496",
        )
    return round(rng.lognormvariate(2.6, 0.8), 1), rng.choice(["ng/mL", "µg/L", "ug/L"]), "4.8-23.3"


def _row(rng: random.Random, i: int) -> list[object]:
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 70 * 365))
    taken = datetime(2026, 1, 1, 7) + timedelta(minutes=rng.randrange(0, 320 * 24 * 60))
    collected: object = taken if rng.random() < 0.8 else taken.strftime("%d/%m/%Y %H:%M")
    value, unit, interval = _result(rng)
    egfr: object = rng.choice(["", ">90", rng.randrange(8, 90)])
    return [
        f"26L{4400000 + i}",
        f"MRN{100000 + i % 40000:07d}",
        f"{rng.choice(SURNAMES)}, {rng.choice(FORENAMES)}",
        rng.choice("FFM"),
        born,
        collected,
        value,
        unit,
        interval,
        rng.choice(["", "N", "Y", "unknown"]),
        rng.choice(["", "", "Yes"]),
        rng.choice(MEDS),
        egfr,
        rng.choice(["", "", "", "HD Mon/Wed/Fri"]),
        rng.choice(["", "NAFLD", "Child-Pugh B cirrhosis"]),
        rng.choice(["", round(rng.uniform(0.3, 9), 2)]),
        rng.choice(["", "headache", "galactorrhoea"]),
        rng.choice(["", "", "repeat requested by GP"]),
    ]


def write_export(path: Path, rows: int, seed: int = 7) -> None:
    """A synthetic messy wide export with two title rows (openpyxl write-only mode)."""
    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Results")
    sheet.append(["Department of Clinical Biochemistry - Prolactin results"])
    sheet.append(["Export run 2026-11-21 06:00 by LIS; confidential"])
    sheet.append(HEADERS)
    for i in range(rows):
        sheet.append(_row(rng, i))
    sheet.append(["End of report"])
    book.save(path)


def write_csv_export(path: Path, rows: int, seed: int = 11) -> None:
    """The same synthetic rows as a plain csv (header on the first line)."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADERS)
        for i in range(rows):
            out.writerow(["" if v is None else v for v in _row(rng, i)])


def measure(func: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(best wall time in s, peak traced memory in MiB of one run)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak / 2**20


RSS_CHILD = (
    "import resource, sys\n"
    "from pathlib import Path\n"
    "path = Path(sys.argv[2])\n"
    "if sys.argv[1] == 'pandas':\n"
    "    import pandas as pd\n"
    "    pd.read_csv(path)\n"
    "else:\n"
    "    from triage.io import ReadOptions, read_file\n"
    "    read_file(path, None, ReadOptions())\n"
    "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "status = Path('/proc/self/status')\n"
    "if status.exists():  # ru_maxrss may count the parent's pages forked before exec\n"
    "    peak = next(int(x.split()[1]) for x in status.read_text().splitlines()\n"
    "                if x.startswith('VmHWM:'))\n"
    "print(peak)\n"
)


def peak_rss(reader: str, path: Path) -> float:
    """Peak resident memory (MiB) of a fresh process reading ``path`` (reader: pandas/triage)."""
    done = subprocess.run(
        [sys.executable, "-c", RSS_CHILD, reader, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.split()[-1]) / 1024


def compare_csv(path: Path, repeat: int) -> None:
    """read_file against pandas.read_csv on one csv: time, traced peak and resident peak."""
    options = ReadOptions()
    ours, ours_peak = measure(lambda: read_file(path, None, options), repeat)
    plain, plain_peak = measure(lambda: pd.read_csv(path), repeat)
    print(f"pandas.read_csv ({path.name}, {path.stat().st_size / 2**20:.0f} MiB)")
    print(
        f"pandas.read_csv:             {plain:.2f} s, peak {plain_peak:.0f} MiB, "
        f"resident {peak_rss('pandas', path):.0f} MiB"
    )
    print(
        f"read_file (csv):             {ours:.2f} s, peak {ours_peak:.0f} MiB, "
        f"resident {peak_rss('triage', path):.0f} MiB"
    )
    print(f"ratio read_file / read_csv:  {ours / plain:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--file", type=Path, help="reuse (or create) this xlsx instead of a temp file"
    )
    parser.add_argument(
        "--csv-rows", type=int, default=0, help="also time a csv of this many rows (0: none)"
    )
    parser.add_argument(
        "--csv-file", type=Path, help="only time read_file on this existing csv against read_csv"
    )
    args = parser.parse_args()
    if args.csv_file:
        compare_csv(args.csv_file, args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or Path(tmp) / "bench_export.xlsx"
        if not path.exists():
            started = time.perf_counter()
            write_export(path, args.rows)
            print(
                f"wrote {path.name}: {args.rows:,} rows, {path.stat().st_size / 2**20:.1f} MiB "
                f"in {time.perf_counter() - started:.1f} s"
            )
        options = ReadOptions()
        result = read_file(path, None, options)
        summary = result.summary
        print(
            f"read_file: {summary.rows_read:,} read, {summary.rows_triaged:,} triaged, "
            f"{summary.rows_rejected:,} rejected"
        )
        ours, ours_peak = measure(lambda: read_file(path, None, options), args.repeat)
        plain, plain_peak = measure(
            lambda: pd.read_excel(path, engine="calamine", header=None), args.repeat
        )
        print(f"pandas.read_excel(calamine): {plain:.2f} s, peak {plain_peak:.0f} MiB")
        print(f"read_file:                   {ours:.2f} s, peak {ours_peak:.0f} MiB")
        print(f"ratio read_file / read_excel: {ours / plain:.2f}")
        if args.csv_rows:
            text = Path(tmp) / "bench_export.csv"
            write_csv_export(text, args.csv_rows)
            compare_csv(text, args.repeat)


if __name__ == "__main__":
    main()
