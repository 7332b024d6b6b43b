"""The reports in a real browser: headless Chromium prints patients.html, one page per patient.

Skipped when no Chromium is installed, unless PROLACTIN_TRIAGE_REQUIRE_BROWSER=1 (CI installs it:
``apt-get install -y chromium poppler-utils``).  Screenshots and the printed PDF are kept in
bench/out/browser/ for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from report_fixtures import flagged_patients, make_meta, make_rejected, make_results

from triage.output import OutputOptions, write_outputs

pytestmark = pytest.mark.browser

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
KEEP = Path(__file__).resolve().parents[1] / "bench" / "out" / "browser"
TIMEOUT = 120


def _browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("PROLACTIN_TRIAGE_REQUIRE_BROWSER") == "1":
        pytest.fail("no Chromium found and PROLACTIN_TRIAGE_REQUIRE_BROWSER=1")
    pytest.skip("no Chromium installed")


def _chromium(browser: str, profile: Path, *args: str) -> None:
    command = [
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
        f"--user-data-dir={profile}",
        *args,
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT)


def _pdf_pages(pdf: Path) -> int:
    """Pages of a PDF: pdfinfo when installed, else the page objects in the file."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        info = subprocess.run(
            [pdfinfo, str(pdf)], check=True, capture_output=True, text=True, timeout=TIMEOUT
        ).stdout
        match = re.search(r"^Pages:\s+(\d+)", info, re.M)
        assert match, info
        return int(match.group(1))
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, int]:
    results = make_results(45, seed=21)
    rejected = make_rejected(5)
    out = tmp_path_factory.mktemp("browser") / "out"
    write_outputs(results, rejected, make_meta(results, rejected), out, OutputOptions())
    return out, len(flagged_patients(results))


@pytest.mark.parametrize("paper", ["default", "A4", "letter"])
def test_patients_print_one_page_per_patient(rendered, tmp_path: Path, paper: str) -> None:
    """Chromium's default paper, and A4 and Letter forced by a copy with an @page size."""
    browser = _browser()
    out, flagged = rendered
    page = out / "patients.html"
    if paper != "default":
        page = tmp_path / "patients.html"
        text = (out / "patients.html").read_text(encoding="utf-8")
        forced = f"<style>@page {{ size: {paper}; }}</style></head>"
        page.write_text(text.replace("</head>", forced, 1), encoding="utf-8")
    pdf = tmp_path / "patients.pdf"
    _chromium(
        browser,
        tmp_path / "profile",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page.as_uri(),
    )
    assert flagged > 3
    assert _pdf_pages(pdf) == flagged
    KEEP.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, KEEP / f"patients-{paper}.pdf")


@pytest.mark.parametrize("name", ["summary.html", "patients.html"])
def test_screenshots(rendered, tmp_path: Path, name: str) -> None:
    browser = _browser()
    out, _ = rendered
    KEEP.mkdir(parents=True, exist_ok=True)
    shot = KEEP / f"{Path(name).stem}.png"
    _chromium(
        browser,
        tmp_path / "profile",
        "--window-size=1280,2000",
        f"--screenshot={shot}",
        (out / name).as_uri(),
    )
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000  # a blank page is far smaller


def test_bundled_sample_prints_one_page_per_flagged_patient(tmp_path: Path) -> None:
    """The issue's own check: `prolactin-triage demo`, then print patients.html in Chromium."""
    import csv

    from typer.testing import CliRunner

    from triage.cli import app

    browser = _browser()
    out = tmp_path / "report"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    with (out / "results.csv").open(encoding="utf-8") as fh:
        flagged = {r["patient_id"] for r in csv.DictReader(fh) if r["priority"] != "none"}
    pdf = tmp_path / "patients.pdf"
    _chromium(
        browser,
        tmp_path / "profile",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        (out / "patients.html").as_uri(),
    )
    assert len(flagged) > 10
    assert _pdf_pages(pdf) == len(flagged)
