"""Refresh the screenshots of the reports in docs/img/.

    python docs/screenshots.py [--out DIR] [--browser PATH]

Runs the bundled demo (``prolactin-triage demo``, the synthetic sample export shipped in the
package) into a temporary folder, then uses headless Chromium to write

- ``summary.png``: summary.html as a browser shows it (the top of the page);
- ``patient-page.png``: the first patient page of patients.html as it prints (Chromium prints
  to PDF; ``pdftoppm`` from poppler-utils turns the first page into a PNG).

No Python package beyond the tool itself is needed.  ``--out`` (default docs/img beside this
script) lets a test write elsewhere.  Exit status 0 done, 1 a step failed, 2 no Chromium.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DEFAULT_OUT = Path(__file__).resolve().parent / "img"
TIMEOUT = 180
WINDOW = "1280,1500"  # the summary screenshot: width, height in CSS pixels
DPI = 110  # the printed patient page as an image


def find_browser(given: str | None = None) -> str | None:
    """The Chromium to use: ``given``, $CHROMIUM, else the first of BROWSERS on the PATH."""
    for name in (given, os.environ.get("CHROMIUM"), *BROWSERS):
        if name and (found := shutil.which(name)):
            return found
    return None


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT)


def _chromium(browser: str, profile: Path, *args: str) -> None:
    _run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            f"--user-data-dir={profile}",
            *args,
        ]
    )


def run_demo(report: Path) -> None:
    """`prolactin-triage demo --out REPORT` with this interpreter (urgent lines go to stderr)."""
    done = subprocess.run(
        [sys.executable, "-m", "triage", "demo", "--out", str(report), "--quiet"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the demo failed (exit {done.returncode}): {done.stderr.strip()}")


def screenshots(out: Path, browser: str) -> list[Path]:
    """Write summary.png and patient-page.png into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    summary_png, page_png = out / "summary.png", out / "patient-page.png"
    with tempfile.TemporaryDirectory(prefix="prolactin-screenshots-") as temp:
        work = Path(temp)
        report = work / "report"
        run_demo(report)
        profile = work / "profile"
        _chromium(
            browser,
            profile,
            f"--window-size={WINDOW}",
            f"--screenshot={summary_png}",
            (report / "summary.html").as_uri(),
        )
        printed = work / "patients.pdf"
        _chromium(
            browser,
            profile,
            "--no-pdf-header-footer",
            f"--print-to-pdf={printed}",
            (report / "patients.html").as_uri(),
        )
        pdftoppm = shutil.which("pdftoppm")
        if pdftoppm is None:
            raise RuntimeError("pdftoppm (poppler-utils) is needed for the printed page")
        stem = work / "page"
        _run(
            [
                pdftoppm,
                "-f",
                "1",
                "-l",
                "1",
                "-r",
                str(DPI),
                "-png",
                "-singlefile",
                str(printed),
                str(stem),
            ]
        )
        shutil.copyfile(stem.with_suffix(".png"), page_png)
    for path in (summary_png, page_png):
        if not path.is_file() or path.stat().st_size == 0:
            raise RuntimeError(f"{path} was not written")
    return [summary_png, page_png]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder of the images")
    parser.add_argument("--browser", help="Chromium to use (default: $CHROMIUM or the PATH's)")
    args = parser.parse_args(argv)
    browser = find_browser(args.browser)
    if browser is None:
        print("screenshots: no Chromium found (install chromium)", file=sys.stderr)
        return 2
    try:
        written = screenshots(args.out, browser)
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        print(f"screenshots: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
