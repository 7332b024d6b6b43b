"""Reports a hospital would sign: the lab's unit first, the same digits in every output, a patient
page with the lab's masthead, the specimen, cautions in their own panel and a sign-off line, and a
summary sectioned by priority.  (Printing in a real browser: tests/test_report_browser.py.)"""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from report_fixtures import make_meta, make_rejected, make_results, step

from triage.output import Branding, OutputOptions, write_outputs
from triage.output.views import lab_decimals
from triage.schema import ConfigError

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
LAB = "Northside Hospital — Clinical Biochemistry"
MIU_PATIENT = "LAB-MIU-1"
NG_PATIENT = "LAB-NG-2"
MASKING = step(
    "dopamine_agonist_masking",
    "Dopamine agonist may mask a raised prolactin",
    "cabergoline lowers prolactin",
)


def _lab_rows(results: pd.DataFrame) -> pd.DataFrame:
    """Two results as labs report them: 2163 mIU/L against the lab's own 102–496 mIU/L, and
    47.17 ng/mL against the reference set's 4.79–23.3 ng/mL; with the specimen's details."""
    base = results.iloc[[0, 0]].copy().reset_index(drop=True)
    common = {
        "status": "high",
        "band": "marked",
        "interpretation": "H",
        "priority": "urgent",
        "reference_set": "default",
        "qualifier": "",
        "suggestions": "dopamine_agonist_masking;repeat_rested_sample",
        "requesting_clinician": "Dr Q. Requester",
        "location": "Ward 7B",
        "factors": "",
    }
    for key, value in common.items():
        base[key] = value
    rows = {
        0: {
            "patient_id": MIU_PATIENT,
            "prolactin_raw": "2163",
            "unit_raw": "mIU/L",
            "prolactin_value": 2163.0,
            "prolactin_unit": "mIU/L",
            "conversion_factor_used": 21.2,
            "prolactin_ng_ml": 2163 / 21.2,
            "reference_source": "row",
            "reference_low_ng_ml": 102 / 21.2,
            "reference_high_ng_ml": 496 / 21.2,
            "reference_low_value": 102.0,
            "reference_high_value": 496.0,
            "times_uln": 2163 / 496,
            "specimen_id": "ACC-77881",
            "comment": "Raised prolactin; the dopamine agonist may mask a higher level.",
            "birth_date": "1985-06-01",
        },
        1: {
            "patient_id": NG_PATIENT,
            "prolactin_raw": "47.17",
            "unit_raw": "ng/mL",
            "prolactin_value": 47.17,
            "prolactin_unit": "ng/mL",
            "conversion_factor_used": float("nan"),
            "prolactin_ng_ml": 47.17,
            "reference_source": "set",
            "reference_low_ng_ml": 4.79,
            "reference_high_ng_ml": 23.3,
            "reference_low_value": 4.79,
            "reference_high_value": 23.3,
            "times_uln": 47.17 / 23.3,
            "specimen_id": "ACC-77882",
            "comment": "",
            "birth_date": "1990-02-03",
        },
    }
    for index, values in rows.items():
        for key, value in values.items():
            base.loc[index, key] = value
    details = [MASKING, step("repeat_rested_sample", "Repeat rested sample", "mild rise")]
    base["suggestion_details"] = [details, details]
    base["factor_details"] = [[], []]
    base["factor_evidence"] = ""
    out = pd.concat([base, results], ignore_index=True)
    return out


def _run(tmp_path: Path, **options: object) -> Path:
    results = _lab_rows(make_results(30, seed=5))
    rejected = make_rejected(2)
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG_1PX)
    branding = Branding(LAB, "Level 2, 1 Example Road\nTownsville 4810", "ext. 4321", logo)
    out = tmp_path / "out"
    opts = OutputOptions(branding=branding, **options)  # type: ignore[arg-type]
    write_outputs(results, rejected, make_meta(results, rejected), out, opts)
    return out


@pytest.fixture(scope="module")
def lab_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _run(tmp_path_factory.mktemp("lab"), xlsx=True)


def _text(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def _page(out: Path, patient: str) -> str:
    """The patient's section of patients.html."""
    text = (out / "patients.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section class="patient".*?</section>', text, re.S)
    found = [s for s in sections if patient in s]
    assert len(found) == 1, patient
    return found[0]


def _words(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_the_lab_unit_comes_first_everywhere(lab_run: Path) -> None:
    summary = (lab_run / "summary.html").read_text(encoding="utf-8")
    row = next(
        r for r in re.findall(r"<tr class=\"row-.*?</tr>", summary, re.S) if MIU_PATIENT in r
    )
    words = _words(row)
    assert "2163 mIU/L 102 ng/mL" in words
    assert "102–496 mIU/L 4.81–23.4 ng/mL" in words
    assert "4.8–23.4" not in summary  # the interval in the lab's own numbers, never re-rounded
    banner = re.search(r'<section class="urgent-banner".*?</section>', summary, re.S)
    assert banner and "2163 mIU/L (102 ng/mL)" in _words(banner.group(0))
    page = _page(lab_run, MIU_PATIENT)
    page_words = _words(page)
    assert "Prolactin 2163 mIU/L (102 ng/mL)" in page_words
    assert "Reference interval 102–496 mIU/L (4.81–23.4 ng/mL)" in page_words
    bar = re.search(r'<svg class="chart result-bar".*?</svg>', page, re.S)
    assert bar is not None
    assert 'aria-label="Result 2163 mIU/L against the reference interval 102–496 mIU/L"' in bar[0]
    assert "mIU/L, log scale" in bar[0] and "ng/mL" not in bar[0]
    assert "severity bands from moderate 1060" in page_words and "mIU/L." in page_words
    # a lab in ng/mL: its own digits, nothing beside
    ng_words = _words(_page(lab_run, NG_PATIENT))
    assert "Prolactin 47.17 ng/mL" in ng_words and "Reference interval 4.79–23.3 ng/mL" in ng_words


def test_same_digits_in_every_output(lab_run: Path) -> None:
    """The value as the lab wrote it and the lab-unit limits: the same digits in summary.html,
    patients.html, results.csv, results.json and results.xlsx."""
    openpyxl = pytest.importorskip("openpyxl")
    summary = _text(lab_run / "summary.html")
    with (lab_run / "results.csv").open(encoding="utf-8", newline="") as fh:
        rows = {r["patient_id"]: r for r in csv.DictReader(fh)}
    doc = json.loads((lab_run / "results.json").read_text(encoding="utf-8"))
    records = {r["patient_id"]: r for r in doc["results"]}
    book = openpyxl.load_workbook(lab_run / "results.xlsx", read_only=True)
    sheet = book["Results"]
    table = list(sheet.iter_rows(values_only=True))
    header = list(table[0])
    cells = {r[header.index("patient_id")]: dict(zip(header, r, strict=True)) for r in table[1:]}
    for patient, value, low, high, unit in (
        (MIU_PATIENT, "2163", "102", "496", "mIU/L"),
        (NG_PATIENT, "47.17", "4.79", "23.3", "ng/mL"),
    ):
        page = _words(_page(lab_run, patient))
        for text in (summary, page):
            assert f"{value} {unit}" in text and f"{low}–{high} {unit}" in text
        csv_row = rows[patient]
        assert (csv_row["prolactin_value"], csv_row["prolactin_unit"]) == (value, unit)
        assert (csv_row["reference_low_value"], csv_row["reference_high_value"]) == (low, high)
        record = records[patient]
        for name, digits in (
            ("prolactin_value", value),
            ("reference_low_value", low),
            ("reference_high_value", high),
        ):
            assert record[name] == pytest.approx(float(digits), abs=0)
            assert cells[patient][name] == pytest.approx(float(digits), abs=0)
            assert f"{record[name]:.{lab_decimals(digits)}f}" == digits


@pytest.mark.parametrize(
    ("display_unit", "first", "beside"),
    [("ng/mL", "102 ng/mL", "2163 mIU/L"), ("mIU/L", "2163 mIU/L", "102 ng/mL")],
)
def test_display_unit_option(tmp_path: Path, display_unit: str, first: str, beside: str) -> None:
    out = _run(tmp_path, display_unit=display_unit)
    words = _words(_page(out, MIU_PATIENT))
    assert f"Prolactin {first} ({beside})" in words
    ng_words = _words(_page(out, NG_PATIENT))
    if display_unit == "mIU/L":  # a result in ng/mL converted with the WHO standard's factor
        assert "Prolactin 1000 mIU/L (47.17 ng/mL)" in ng_words
        assert "Reference interval 102–494 mIU/L (4.79–23.3 ng/mL)" in ng_words
    else:
        assert "Prolactin 47.17 ng/mL" in ng_words


def test_display_unit_is_checked() -> None:
    with pytest.raises(ConfigError, match="display_unit"):
        OutputOptions(display_unit="µg/L")


def test_a_page_a_lab_would_sign(lab_run: Path) -> None:
    page = _page(lab_run, MIU_PATIENT)
    # the lab's masthead first, before the title and the patient
    masthead = page.index('class="masthead lab-masthead"')
    assert masthead < page.index(LAB) < page.index("<h1") < page.index(MIU_PATIENT)
    assert 'src="data:image/png;base64,' in page[: page.index("<h1")]
    words = _words(page)
    for shown in (
        "Birth date 1985-06-01",
        "Specimen ACC-77881",
        "Requested by Dr Q. Requester",
        "Location Ward 7B",
        "Comment: Raised prolactin; the dopamine agonist may mask a higher level.",
        "Reviewed by Date",
    ):
        assert shown in words, shown
    # cautions in their own panel, never among the next steps
    cautions = re.search(r'<div class="cautions".*?</div>', page, re.S)
    assert cautions and "Dopamine agonist may mask a raised prolactin" in cautions.group(0)
    steps = re.search(r'<table class="steps".*?</table>', page, re.S)
    assert steps and "Dopamine agonist" not in steps.group(0)
    assert "Repeat rested sample" in steps.group(0)
    # the disclaimer in the footer, not under the title
    footer = re.search(r'<footer class="page-foot">.*?</footer>', page, re.S)
    assert footer and "Decision support, not a diagnosis" in footer.group(0)
    assert "Decision support" not in page[: page.index("<table")]
    # fields a file does not give are not shown as empty rows
    ng_words = _words(_page(lab_run, NG_PATIENT))
    assert "Comment:" not in ng_words


def test_the_summary_in_sections_by_priority(lab_run: Path) -> None:
    summary = (lab_run / "summary.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="jump".*?</nav>', summary, re.S)
    assert nav is not None
    doc = json.loads((lab_run / "results.json").read_text(encoding="utf-8"))
    counts = {p: sum(r["priority"] == p for r in doc["results"]) for p in ("urgent", "soon")}
    for code in ("urgent", "soon", "routine", "none"):
        assert f'href="#priority-{code}"' in nav.group(0)
        assert f'id="priority-{code}"' in summary
    nav_words = _words(nav.group(0))
    assert f"Urgent {counts['urgent']}" in nav_words and f"Soon {counts['soon']}" in nav_words
    # each row sits in its priority's section
    urgent = re.search(r'<section class="priority priority-urgent".*?</section>', summary, re.S)
    assert urgent and MIU_PATIENT in urgent.group(0) and "row-soon" not in urgent.group(0)


def test_redacted_pages_hide_birth_date_and_specimen(tmp_path: Path) -> None:
    out = _run(tmp_path, redact=True)
    for name in ("summary.html", "patients.html"):
        text = (out / name).read_text(encoding="utf-8")
        for secret in (MIU_PATIENT, "1985-06-01", "ACC-77881"):
            assert secret not in text, (name, secret)
    assert "Reviewed by" in (out / "patients.html").read_text(encoding="utf-8")


def test_trend_labels_are_readable() -> None:
    from datetime import datetime

    from triage.output.svg import TREND_FONT_SIZE, TrendPoint, trend_svg

    when = [datetime(2026, 1, d) for d in (1, 10, 20)]
    svg = str(
        trend_svg(
            [
                TrendPoint(w, v, text=f"{v:.0f}")
                for w, v in zip(when, (850, 1200, 2163), strict=True)
            ],
            low=102,
            high=496,
            unit="mIU/L",
        )
    )
    assert TREND_FONT_SIZE >= 13 and f'font-size="{TREND_FONT_SIZE}"' in svg
    assert "mIU/L, linear scale" in svg and ">2163<" in svg
