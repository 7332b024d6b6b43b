"""Benchmark: read_file on a large messy xlsx against plain pandas.read_excel(engine="calamine").

    python bench/ingest.py [--rows 100000] [--repeat 3] [--file PATH]

Writes a synthetic export (title rows, mixed units, text results, qualifiers, decimal commas,
day-first text dates, free-text medication) with openpyxl in write-only mode, then times both
readers on the same file (best of --repeat) and prints the ratio and the peak memory of each
(tracemalloc, Python allocations).  Synthetic patients only.
"""

from __future__ import annotations

import argparse
import random
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--file", type=Path, help="reuse (or create) this xlsx instead of a temp file"
    )
    args = parser.parse_args()
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
            lambda: pd.read_excel(path, engine="calamine", header=2), args.repeat
        )
        print(f"pandas.read_excel(calamine): {plain:.2f} s, peak {plain_peak:.0f} MiB")
        print(f"read_file:                   {ours:.2f} s, peak {ours_peak:.0f} MiB")
        print(f"ratio read_file / read_excel: {ours / plain:.2f}")


if __name__ == "__main__":
    main()
