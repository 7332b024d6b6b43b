"""The reports in a real browser: headless Chromium prints patients.html, one page per patient.

Skipped when no Chromium is installed, unless PROLACTIN_TRIAGE_REQUIRE_BROWSER=1 (CI installs it:
``apt-get install -y chromium poppler-utils``).  Screenshots and the printed PDF are kept in
bench/out/browser/ for a person to look at.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from report_fixtures import flagged_patients, make_meta, make_rejected, make_results

from triage.output import Branding, OutputOptions, write_outputs

pytestmark = pytest.mark.browser

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
KEEP = Path(__file__).resolve().parents[1] / "bench" / "out" / "browser"
TIMEOUT = 120
LAB = "Northside Hospital Clinical Biochemistry"
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PT_PER_MM = 72 / 25.4
PAGE_MARGIN_MM = 14  # print.css @page margin left and right
PRINT_FONT_PT = 8.5  # print.css: html { font-size: 8.5pt }
# A word's box in the PDF is about 1.16 times the font size; a page Chromium shrank to fit a
# wider-than-the-page layout (its way of not cutting) has smaller boxes.
MIN_WORD_HEIGHT_PT = PRINT_FONT_PT * 1.1


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


# ------------------------------------------------------------------------------------------
# A page a lab would sign: one page per patient, the masthead and the sign-off on each, nothing
# cut, on A4 and on US Letter
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def signed(tmp_path_factory) -> tuple[Path, int]:
    folder = tmp_path_factory.mktemp("signed")
    logo = folder / "logo.png"
    logo.write_bytes(PNG_1PX)
    branding = Branding(
        LAB, "Level 2, 1 Example Road\nTownsville 4810", "Duty biochemist: 4321", logo
    )
    results = make_results(45, seed=21)
    rejected = make_rejected(5)
    out = folder / "out"
    options = OutputOptions(branding=branding)
    write_outputs(results, rejected, make_meta(results, rejected), out, options)
    return out, len(flagged_patients(results))


def _pdf_words(
    pdf: Path,
) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    """Per page: width, height and the words with their boxes (pdftotext -bbox)."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        if os.environ.get("PROLACTIN_TRIAGE_REQUIRE_BROWSER") == "1":
            pytest.fail("pdftotext (poppler-utils) is needed to read the printed pages")
        pytest.skip("no pdftotext installed")
    xhtml = subprocess.run(
        [pdftotext, "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True,
        timeout=TIMEOUT,
    ).stdout  # fmt: skip
    pages = []
    for match in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xhtml, re.S):
        words = [
            (float(a), float(b), float(c), float(d), html.unescape(w))
            for a, b, c, d, w in re.findall(
                r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">'
                r"(.*?)</word>",
                match.group(3),
            )
        ]
        pages.append((float(match.group(1)), float(match.group(2)), words))
    return pages


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_each_patient_prints_on_one_signed_page(signed, tmp_path: Path, paper: str) -> None:
    browser = _browser()
    out, flagged = signed
    page = tmp_path / "patients.html"
    text = (out / "patients.html").read_text(encoding="utf-8")
    page.write_text(
        text.replace("</head>", f"<style>@page {{ size: {paper}; }}</style></head>", 1),
        encoding="utf-8",
    )
    pdf = tmp_path / "patients.pdf"
    _chromium(browser, tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
              page.as_uri())  # fmt: skip
    pages = _pdf_words(pdf)
    assert flagged > 3 and len(pages) == flagged == _pdf_pages(pdf)
    expected = {"A4": (595, 842), "letter": (612, 792)}[paper]
    margin = PAGE_MARGIN_MM * PT_PER_MM
    for number, (width, height, words) in enumerate(pages, start=1):
        assert (round(width), round(height)) == expected
        line = " ".join(w for *_, w in words)
        assert LAB in line, f"page {number}: no masthead"
        assert "Reviewed by" in line and "Date" in line, f"page {number}: no sign-off"
        assert "Decision support, not a diagnosis" in line, f"page {number}: no disclaimer"
        assert re.search(rf"Patient {number} of {flagged}\b", line), f"page {number}"
        # the masthead is at the top of the page, the sign-off below the last step
        top = min(y0 for _, y0, _, _, w in words if w == "Northside")
        assert top < margin + 20, f"page {number}: the masthead is not at the top"
        # nothing cut and nothing shrunk to fit: the text at its print size ...
        signed_off = [y1 - y0 for _, y0, _, y1, w in words if w == "Reviewed"]
        assert signed_off and min(signed_off) >= MIN_WORD_HEIGHT_PT, f"page {number} shrunk"
        # ... and every word inside the page's text block, left to right, and on the page
        for x0, y0, x1, y1, word in words:
            assert margin - 2 <= x0 and x1 <= width - margin + 2, f"page {number}: {word!r} cut"
            assert y0 >= 0 and y1 <= height, f"page {number}: {word!r} off the page"
    KEEP.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, KEEP / f"patients-signed-{paper}.pdf")
