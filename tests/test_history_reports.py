"""The reports with a results history (--history): earlier results, the delta, trend markers,
identifier clashes, redaction of the earlier results, and the trend chart's axis.

Three synthetic exports of the same (synthetic) patients are triaged in turn against one history
file, through the real command line."""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.output.redact import Redactor
from triage.output.svg import LINEAR_AXIS_MAX_RATIO, TrendPoint, linear_axis, trend_svg
from triage.output.views import RESULT_ID_PREFIX
from triage.resources import bundled_dir

runner = CliRunner()

HEADER = "patient_id,sex,DOB,collected_at,PRL (ng/mL)\n"
# P-RISE: 30 -> 32 -> 95 ng/mL (female): tripled, high; P-FLAT: steady; P-CLASH: the third
# export reuses the id with another birth date.
EXPORTS = (
    "P-RISE,F,1985-04-02,2026-09-01 08:30,30\n"
    "P-FLAT,F,1990-01-01,2026-09-01 09:00,12\n"
    "P-CLASH,M,1970-05-05,2026-09-01 09:10,10\n",
    "P-RISE,F,1985-04-02,2026-10-03 08:30,32\n"
    "P-FLAT,F,1990-01-01,2026-10-03 09:00,13\n"
    "P-CLASH,M,1970-05-05,2026-10-03 09:10,11\n",
    "P-RISE,F,1985-04-02,2026-11-20 08:30,95\n"
    "P-FLAT,F,1990-01-01,2026-11-20 09:00,14\n"
    "P-CLASH,M,1961-07-07,2026-11-20 09:10,40\n",
)


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], prog_name="prolactin-triage")


def three_runs(folder: Path, *extra: str, history: bool = True) -> Path:
    """Triage the three exports in turn; the third run's output folder."""
    out = folder
    for number, rows in enumerate(EXPORTS, start=1):
        export = folder / f"export-{number}.csv"
        export.write_text(HEADER + rows, encoding="utf-8")
        out = folder / f"out-{number}"
        args: list[str | Path] = ["run", export, "--out", out, "--all-patients", *extra]
        if history:
            args += ["--history", folder / "h.db"]
        result = invoke(*args)
        assert result.exit_code == 0, result.output
    return out


def text_of(html: str) -> str:
    """The page's text (styles, pictures and tags removed, white space collapsed)."""
    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    html = re.sub(r"<svg.*?</svg>", " [chart] ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&gt;", ">")


def page_of(patients_html: str, patient_id: str) -> str:
    """The section of patients.html about one patient."""
    for section in re.findall(r"<section class=\"patient\".*?</section>", patients_html, re.S):
        if f">{patient_id}<" in section:
            return section
    raise AssertionError(f"no page for {patient_id}")


@pytest.fixture(scope="module")
def third(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return three_runs(tmp_path_factory.mktemp("history"))


def test_patient_page_shows_the_earlier_results_of_the_history(third: Path) -> None:
    page = page_of((third / "patients.html").read_text(encoding="utf-8"), "P-FLAT")
    words = text_of(page)
    assert "Earlier results (results history)" in words
    table = text_of(
        page.split('<table class="history-table earlier-table">', 1)[1].split("</table>", 1)[0]
    )
    # newest first, in the lab's unit, with their result ids and where they came from
    assert re.search(
        r"2026-10-03 09:00 13 ng/mL 13 normal R-\d+ results history .*"
        r"2026-09-01 09:00 12 ng/mL 12 normal R-\d+ results history",
        table,
    ), table
    assert "Results of this patient in this batch" not in words  # merged into the history block
    assert re.search(r"Result R-\d+", words)
    assert "no significant change" in words
    chart = re.search(r"<svg class=\"chart trend\".*?</svg>", page, re.S)
    assert chart is not None
    assert chart.group(0).count('class="history-point"') == 2
    assert "linear scale" in chart.group(0)  # 12 to 14 ng/mL: a narrow range


def test_tripled_result_rises_with_the_delta_in_words(third: Path) -> None:
    page = page_of((third / "patients.html").read_text(encoding="utf-8"), "P-RISE")
    words = text_of(page)
    assert "↑ rising" in words
    assert (
        "+196.9 % since 2026-10-03 (32 → 95 ng/mL): significant rise (beyond the expected "
        "analytical and biological variation)"
    ) in words
    assert "badge-soon" in page  # a significant rise of a raised result: at least soon
    assert "Possible identifier clash" not in words


def test_summary_marks_the_trend_and_the_result_id(third: Path) -> None:
    html = (third / "summary.html").read_text(encoding="utf-8")
    rising = re.search(r'<span class="trend trend-rising" title="([^"]*)">↑ rising</span>', html)
    assert rising is not None
    assert rising.group(1) == "+196.9 % since 2026-10-03 (previous 32 ng/mL)"
    assert 'class="trend trend-stable"' in html
    assert 'class="trend trend-new"' in html  # the clashing id: no earlier result is its own
    assert re.search(rf'<div class="sub result-id">{RESULT_ID_PREFIX}\d+</div>', html)


def test_identifier_clash_warns_and_hides_the_other_patients_results(third: Path) -> None:
    page = page_of((third / "patients.html").read_text(encoding="utf-8"), "P-CLASH")
    words = text_of(page)
    assert "Possible identifier clash" in words
    assert (
        "earlier results under this id have a different birth date or sex; they are not shown "
        "as this patient's — check the identity"
    ) in words.lower().replace("earlier results under", "earlier results under")
    assert "Earlier results (results history)" not in words
    assert "10 ng/mL" not in words and "11 ng/mL" not in words


def test_first_run_and_runs_without_history_have_no_history_block(tmp_path: Path) -> None:
    out = three_runs(tmp_path, history=False)
    for name in ("patients.html", "summary.html"):
        html = re.sub(
            r"<style>.*?</style>", "", (out / name).read_text(encoding="utf-8"), flags=re.S
        )
        words = text_of(html)
        assert "Earlier results" not in words
        assert "results history" not in words
        assert 'class="trend' not in html and "result-id" not in html
        assert not re.search(r"\bR-\d+\b", words)
    first = (tmp_path / "out-1" / "patients.html").read_text(encoding="utf-8")
    assert "Earlier results (results history)" not in first


def test_without_history_the_pages_are_as_the_previous_templates_made_them(
    tmp_path: Path,
) -> None:
    """The bundled templates render a run without history exactly as templates that know
    nothing of the history (the history parts removed) do."""
    export = tmp_path / "export.csv"
    export.write_text(HEADER + EXPORTS[2] + EXPORTS[1], encoding="utf-8")
    plain = tmp_path / "plain"
    shutil.copytree(bundled_dir("report_templates"), plain)
    for name in ("summary.html.j2", "patients.html.j2"):
        path = plain / name
        text = path.read_text(encoding="utf-8")
        # the history's additions taken out (each is whitespace-neutral when it shows nothing)
        text = re.sub(r"(?m)^ *\{%- if r\.(result_id|change_text|acknowledged) %\}.*\n", "", text)
        text = re.sub(r"(?m)^ *\{%- if r\.(result_id|trend in )[^\n]*\n", "", text)
        text = re.sub(r"\{% if r\.result_id %\}.*?\{% endif %\}", "", text)
        text = text.replace("{{ m.trend(r) }}", "")
        text = re.sub(r" *\{% if r\.identity_clash %\}.*?\{% endif %\}\n", "", text, flags=re.S)
        text = re.sub(
            r"\{% if page\.earlier %\}.*?\{% elif page\.history_total > 1 %\}",
            "{% if page.history_total > 1 %}",
            text,
            flags=re.S,
        )
        for added in ("r.result_id", "m.trend", "r.change_text", "identity_clash", "page.earlier"):
            assert added not in text, (name, added)
        path.write_text(text, encoding="utf-8")
    outs = []
    for name, extra in (("a", []), ("b", ["--template-dir", plain])):
        out = tmp_path / name
        result = invoke("run", export, "--out", out, "--all-patients", *extra)
        assert result.exit_code == 0, result.output
        outs.append(out)
    for name in ("summary.html", "patients.html"):
        a, b = ((o / name).read_text(encoding="utf-8") for o in outs)
        stamp = re.compile(r"generated \d{4}-\d\d-\d\d \d\d:\d\d")
        assert stamp.sub("", a) == stamp.sub("", b), name


def test_redacted_history_details_keep_only_the_date(tmp_path: Path) -> None:
    out = three_runs(tmp_path, "--redact")
    page = (out / "patients.html").read_text(encoding="utf-8")
    table = text_of(
        page.split('<table class="history-table earlier-table">', 1)[1].split("</table>", 1)[0]
    )
    assert "2026-10-03" in table and "08:30" not in table and "09:00" not in table
    assert "P-RISE" not in page and "P-FLAT" not in page


def test_redactor_cuts_history_detail_times() -> None:
    import pandas as pd

    details = [
        {"result_id": 3, "collected_at": datetime(2026, 10, 3, 8, 30), "source_file": "a.csv"},
        {"result_id": 1, "collected_at": "2026-09-01T08:30:00", "acknowledged": "told X by Y"},
    ]
    frame = pd.DataFrame({"patient_id": ["P1"], "history_details": [details]})
    redacted = Redactor(b"k" * 32).redact_results(frame)
    cut = redacted["history_details"].iloc[0]
    assert cut[0]["collected_at"] == datetime(2026, 10, 3)
    assert cut[1]["collected_at"] == "2026-09-01"
    # the earlier result's file is named by its label, as the row's own (a file may be named
    # after the patient); the acknowledgement names staff and stays
    label = Redactor(b"k" * 32).file_label("a.csv")
    assert label.startswith("file-") and label.endswith(".csv")
    assert cut[0]["source_file"] == label and cut[1]["acknowledged"] == "told X by Y"
    assert details[0]["collected_at"] == datetime(2026, 10, 3, 8, 30)  # the input is not changed


def test_trend_axis_is_linear_for_a_narrow_range() -> None:
    assert linear_axis([30, 95])
    assert linear_axis([12, 13, 14])
    assert not linear_axis([5, 5000])
    assert not linear_axis([10, 10 * LINEAR_AXIS_MAX_RATIO])
    when = [datetime(2026, 9, 1), datetime(2026, 10, 3), datetime(2026, 11, 20)]
    narrow = trend_svg(
        [
            TrendPoint(when[0], 30, history=True),
            TrendPoint(when[1], 32, history=True),
            TrendPoint(when[2], 95, status="high", latest=True),
        ],
        low=3,
        high=30,
    )
    assert "linear scale" in narrow and "log scale" not in narrow
    assert narrow.count('class="history-point"') == 2
    wide = trend_svg([TrendPoint(when[0], 5), TrendPoint(when[1], 5000)], low=3, high=30)
    assert "log scale" in wide and "linear scale" not in wide


def test_linear_axis_keeps_proportions() -> None:
    """On the linear axis, from zero, a threefold value stands three times as high."""
    when = [datetime(2026, 9, 1), datetime(2026, 11, 20)]
    svg = trend_svg([TrendPoint(when[0], 30), TrendPoint(when[1], 90)], low=None, high=None)
    from triage.output.svg import TREND_HEIGHT, TREND_PLOT

    bottom = TREND_HEIGHT - TREND_PLOT[3]  # the chart's base line (value 0)
    ys = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', svg)]
    heights = [bottom - y for y in ys]
    assert heights[1] == pytest.approx(3 * heights[0], rel=0.02)


def test_result_id_prefix_is_the_history_s() -> None:
    from triage.history.store import RESULT_PREFIX

    assert RESULT_ID_PREFIX == RESULT_PREFIX


def test_acknowledgements_show_on_the_page(tmp_path: Path) -> None:
    """An acknowledged earlier result shows who was told in the table; an acknowledged lead
    result (the same export triaged again) says so beside the result."""
    from datetime import UTC

    from triage.history.store import open_history

    out = three_runs(tmp_path)
    page = page_of((out / "patients.html").read_text(encoding="utf-8"), "P-RISE")
    lead = int(re.search(r"Result <strong>R-(\d+)</strong>", page).group(1))  # type: ignore[union-attr]
    earlier = re.findall(r"<td class=\"nowrap\">R-(\d+)</td>", page)
    assert earlier and lead not in {int(e) for e in earlier}
    with open_history(tmp_path / "h.db") as history:
        at = datetime(2026, 11, 20, 14, 5, tzinfo=UTC)
        history.acknowledge(int(earlier[0]), by="A. Nurse", told="Dr Example (GP)", note="", at=at)
        history.acknowledge(lead, by="B. Scientist", told="Dr Example (GP)", note="phoned", at=at)
    again = tmp_path / "again"
    export = tmp_path / "export-3.csv"
    result = invoke("run", export, "--out", again, "--history", tmp_path / "h.db")
    assert result.exit_code == 0, result.output
    words = text_of(page_of((again / "patients.html").read_text(encoding="utf-8"), "P-RISE"))
    assert f"Result R-{lead}" in words
    assert (
        "Acknowledged: told Dr Example (GP) by B. Scientist, 2026-11-20 14:05 UTC: phoned" in words
    )
    assert "told Dr Example (GP) by A. Nurse, 2026-11-20 14:05 UTC" in words
