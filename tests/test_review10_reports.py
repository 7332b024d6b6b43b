"""Reports found by the outside review of stop 30: the summary page says every urgent alert
the run gives (urgent.txt and stderr list rejected rows that may be urgent: the page the alert
points to said "No urgent results in this batch")."""

from __future__ import annotations

import html
import re
from pathlib import Path

from triage.pipeline import TriageRequest, run_triage


def _banner(page: str) -> str:
    start = page.find('<section class="urgent-banner"')
    if start < 0:
        return ""
    text = page[start : page.index("</section>", start)]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def test_the_summary_banner_lists_the_rows_not_triaged_that_may_be_urgent(tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text(
        "MRN,Sex,Age,Prolactin,Units,Comments\n"
        "U1,F,30,8000,mIU/L,\nU2,M,50,9000,,visual loss\nU3,F,30,40,ng/mL,\n",
        encoding="utf-8",
    )
    outcome = run_triage(TriageRequest(inputs=[source], out_dir=tmp_path / "out"))
    banner = _banner((tmp_path / "out" / "summary.html").read_text(encoding="utf-8"))
    assert banner.startswith("1 urgent result and 1 row not triaged that may be urgent")
    assert "patient U2" in banner and "row 3" in banner
    assert len(outcome.urgent) == 2  # what stderr and urgent.txt say


def test_no_urgent_banner_when_only_untriaged_rows_may_be_urgent(tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text(
        "MRN,Sex,Age,Prolactin,Units\nU2,M,50,9000,\nU3,F,30,12,ng/mL\n", encoding="utf-8"
    )
    run_triage(TriageRequest(inputs=[source], out_dir=tmp_path / "out"))
    page = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert "No urgent results in this batch" not in page
    assert _banner(page).startswith("1 row not triaged that may be urgent — review today")


def test_a_batch_without_any_urgent_row_says_so(tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text("MRN,Sex,Age,Prolactin,Units\nU3,F,30,12,ng/mL\n", encoding="utf-8")
    run_triage(TriageRequest(inputs=[source], out_dir=tmp_path / "out"))
    page = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert "No urgent results in this batch" in page and _banner(page) == ""


def test_a_high_result_just_above_its_limit_is_not_shown_as_one_times_it(tmp_path: Path) -> None:
    """23.35 against 23.3 is 1.002x: shown above one ("×1.002 ULN", the one number formatter
    never shows a value as a whole number it is above) beside "high", never a bare "×1"."""
    source = tmp_path / "export.csv"
    source.write_text(
        "MRN,Sex,Age,Prolactin,Unit,Reference range\nA1,F,30,23.35,ng/mL,4.8-23.3\n"
        "A2,F,30,46.6,ng/mL,4.8-23.3\n",
        encoding="utf-8",
    )
    run_triage(TriageRequest(inputs=[source], out_dir=tmp_path / "out"))
    page = html.unescape((tmp_path / "out" / "summary.html").read_text(encoding="utf-8"))
    assert "×1.002 ULN" in page and "×2 ULN" in page
    assert re.search(r"(?<!>)×1 ULN", page) is None
