"""Benchmark: write_outputs on 100,000 results, as a ratio to reading an equivalent xlsx.

    /work/venv/bin/python bench/render.py [--rows 100000] [--xlsx]

Builds a synthetic results frame (tests/report_fixtures.py), writes an input-shaped xlsx with the
same rows once (cached in bench/out/), then times in the same run:
  read   pandas.read_excel(engine="calamine") of that xlsx (the least reading such a batch costs)
  write  write_outputs: summary.html, patients.html, results.csv, results.json, rejected.csv
and prints both times and write/read.  patients.html is capped at OutputOptions.max_patient_pages
pages and summary.html at max_summary_rows rows, so their cost does not grow with the batch.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import report_fixtures  # noqa: E402

from triage.output import OutputOptions, write_outputs  # noqa: E402

OUT = ROOT / "bench" / "out"
# The columns of a typical wide export, filled from the results frame.
INPUT_COLUMNS = {
    "Patient ID": "patient_id",
    "Patient name": "patient_name",
    "Sex": "sex",
    "Age": "age_years",
    "Collected": "collected_at",
    "PRL result": "prolactin_raw",
    "Units": "unit_raw",
    "Ref low": "reference_low_ng_ml",
    "Ref high": "reference_high_ng_ml",
    "Assay": "reference_set",
    "Comments": "reference_note",
    "Medications": "factor_evidence",
}


def input_xlsx(results: pd.DataFrame, path: Path) -> Path:
    """An input-shaped workbook with the same rows (written once, then reused)."""
    if path.exists():
        return path
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Results")
    sheet.append(list(INPUT_COLUMNS))
    columns = [results[c].tolist() for c in INPUT_COLUMNS.values()]
    for row in zip(*columns, strict=True):
        sheet.append([None if pd.isna(v) else v for v in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def timed(label: str, func) -> float:
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:7.2f} s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="also time results.xlsx")
    args = parser.parse_args()

    results = report_fixtures.make_results(args.rows, seed=1)
    rejected = report_fixtures.make_rejected(max(args.rows // 200, 1))
    meta = report_fixtures.make_meta(results, rejected)
    source = input_xlsx(results, OUT / f"input_{args.rows}.xlsx")

    read = timed(f"read {source.name} (calamine)", lambda: pd.read_excel(source, engine="calamine"))
    folder = Path(tempfile.mkdtemp(prefix="render-bench-"))
    try:
        write = timed(
            "write_outputs (html + csv + json)",
            lambda: write_outputs(results, rejected, meta, folder / "a", OutputOptions()),
        )
        if args.xlsx:
            timed(
                "write_outputs with --xlsx",
                lambda: write_outputs(
                    results, rejected, meta, folder / "b", OutputOptions(xlsx=True)
                ),
            )
        sizes = {p.name: p.stat().st_size for p in (folder / "a").iterdir()}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for name, size in sorted(sizes.items()):
        print(f"  {name:<16} {size / 1e6:8.1f} MB")
    print(f"ratio write/read = {write / read:.2f}")


if __name__ == "__main__":
    main()
