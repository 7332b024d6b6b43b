"""Benchmark: what cron mode's safety costs per file (snapshot, child process, ledger, publish).

    python bench/batch.py [--files 20] [--rows 200] [--big-rows 20000]

Triages the same synthetic exports twice in one process: each file through ``run_triage`` (what
`run` does, in this process), then the whole inbox through ``run_batch`` (a snapshot, a forked
child with a memory and time limit, the SQLite ledger, the rename, the archive move per file).
Prints both and their ratio, per small file and for one larger file.  Synthetic patients only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from triage.batch import BatchSettings, run_batch
from triage.knowledge import load_knowledge
from triage.pipeline import TriageRequest, run_triage

HEADER = "Patient ID,Name,Sex,Age,Collected,Prolactin (ng/mL),Medications,Symptoms\n"
MEDS = ("", "risperidone 2 mg", "metoclopramide", "", "sertraline", "")


def write_csv(path: Path, rows: int, seed: int) -> Path:
    lines = [HEADER]
    for i in range(rows):
        n = seed * 1_000_000 + i
        sex = "F" if n % 3 else "M"
        lines.append(
            f"B{n:08d},Synthetic {n},{sex},{18 + n % 60},2026-11-{1 + n % 28:02d} 08:{n % 60:02d},"
            f"{5 + (n * 7) % 300},{MEDS[n % len(MEDS)]},\n"
        )
    path.write_text("".join(lines), encoding="utf-8")
    old = time.time() - 3600
    os.utime(path, (old, old))
    return path


def timed(label: str, func):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    print(f"  {label:<44} {seconds:7.2f} s")
    return seconds


def compare(root: Path, name: str, files: list[Path]) -> None:
    print(f"{name}: {len(files)} file(s)")
    runs = root / f"{name}-run"

    def one_by_one() -> None:
        for i, path in enumerate(files):
            run_triage(TriageRequest(inputs=[path], out_dir=runs / str(i)))

    t_run = timed("run_triage per file (in process)", one_by_one)
    inbox, out = root / f"{name}-inbox", root / f"{name}-out"
    inbox.mkdir()
    for path in files:
        shutil.copy2(path, inbox / path.name)

    def batch() -> None:
        outcome = run_batch(inbox, out, TriageRequest(inputs=[], out_dir=out), BatchSettings())
        assert [i.status for i in outcome.items] == ["done"] * len(files), outcome.items

    t_batch = timed("run_batch on an inbox of the same files", batch)
    print(
        f"  ratio batch / run: {t_batch / t_run:.2f}x; "
        f"overhead per file: {(t_batch - t_run) / len(files) * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--big-rows", type=int, default=20_000)
    args = parser.parse_args()
    load_knowledge("default")  # both sides start warm
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = root / "src"
        source.mkdir()
        small = [write_csv(source / f"small_{i:03d}.csv", args.rows, i) for i in range(args.files)]
        compare(root, "small", small)
        big = [write_csv(source / "big.csv", args.big_rows, 999)]
        compare(root, "big", big)


if __name__ == "__main__":
    main()
