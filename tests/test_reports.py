"""HTML reports: content, order, caps, links, privacy, injection, templates, pictures."""

from __future__ import annotations

import csv
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from report_fixtures import (
    flagged_patients,
    load_payloads,
    make_meta,
    make_rejected,
    make_results,
    with_payloads,
)

from triage.output import OutputOptions, svg, write_outputs
from triage.output.env import make_environment
from triage.output.safety import is_formula_like
from triage.output.views import fmt_age, fmt_interval, fmt_when
from triage.resources import bundled_dir
from triage.schema import PRIORITIES, RESULT_COLUMNS, ConfigError

NETWORK = re.compile(r"(?i)https?:|ftp:|file:|//")
# Every element the bundled templates produce; an injected element would be something else or
# would change the counts checked below.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "footer", "section",
    "div", "p", "h1", "h2", "ul", "li", "span", "strong", "a", "code", "br", "table", "caption",
    "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "svg", "rect", "line", "text",
    "path", "circle", "polyline", "img", "nav",
}  # fmt: skip


class Collector(HTMLParser):
    """Elements, attributes and text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, name, value or "") for name, value in attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def count(self, tag: str) -> int:
        return self.tags.count(tag)

    def attr_values(self, name: str) -> list[str]:
        return [v for _, n, v in self.attrs if n == name]


def parse(path: Path) -> Collector:
    collector = Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector


def run(tmp_path: Path, results: pd.DataFrame, rejected=None, **options) -> Path:
    rejected = make_rejected(4) if rejected is None else rejected
    out = tmp_path / "out"
    write_outputs(results, rejected, make_meta(results, rejected), out, OutputOptions(**options))
    return out


@pytest.fixture(scope="module")
def batch() -> pd.DataFrame:
    return make_results(80, seed=5)


@pytest.fixture(scope="module")
def report(tmp_path_factory, batch) -> Path:
    return run(tmp_path_factory.mktemp("report"), batch)


# ------------------------------------------------------------------------------------------
# summary.html
# ------------------------------------------------------------------------------------------
def _row_priorities_and_ng(summary_html: str) -> list[tuple[str, float]]:
    # the result cell: the value in the lab's unit first, ng/mL beside it when that differs
    rows = re.findall(
        r'<tr class="row-([^"]*)">.*?<span class="strong value-shown">([^<]*)</span>'
        r'(?:<div class="sub beside">([^<]*)</div>)?',
        summary_html,
        re.S,
    )
    out = []
    for priority, shown, beside in rows:
        ng = shown if shown.endswith(" ng/mL") or not beside else beside
        text = html.unescape(ng).removesuffix(" ng/mL").lstrip("<>")
        out.append((priority, float(text) if text != "—" else float("-inf")))
    return out


def test_summary_sorted_by_priority_then_prolactin(report: Path, batch) -> None:
    rows = _row_priorities_and_ng((report / "summary.html").read_text(encoding="utf-8"))
    assert len(rows) == len(batch)
    ranks = [(PRIORITIES.index(p), -ng) for p, ng in rows]
    assert ranks == sorted(ranks)
    assert rows[0][0] == "urgent"


def test_summary_counts_banner_rejected_inputs(report: Path, batch) -> None:
    page = (report / "summary.html").read_text(encoding="utf-8")
    doc = parse(report / "summary.html")
    text = " ".join(doc.text)
    urgent = batch[batch["priority"] == "urgent"]
    banner = page.split('class="urgent-banner"')[1].split("</section>")[0]
    assert f"{len(urgent)} urgent results" in banner
    for pid in urgent["patient_id"]:
        assert pid in banner
    assert "visual disturbance with a very high prolactin" in banner  # why it is urgent
    for code in PRIORITIES:
        n = int((batch["priority"] == code).sum())
        assert re.search(rf'badge-{code}">[^<]+</span></th><td class="num">{n}</td>', page)
    assert "unparseable_result" in page and "row" in text
    assert "wide_clinic_export.xlsx" in text
    sha = make_meta(batch, make_rejected(4)).inputs[0].sha256
    assert sha in page
    assert "Decision support, not a diagnosis" in text
    assert "possible or likely contributors" in text
    assert "prolactin-triage 0.1.0" in text and "2026-03-14 09:30" in text
    assert "Default adult and physiological intervals" in text


def test_no_urgent_banner_when_none(tmp_path: Path) -> None:
    results = make_results(30, seed=2)
    results = results[results["priority"] != "urgent"].reset_index(drop=True)
    out = run(tmp_path, results)
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert 'class="urgent-banner"' not in page
    assert "No urgent results in this batch." in page


def test_summary_cap_keeps_urgent_and_soon_and_says_so(tmp_path: Path) -> None:
    results = make_results(400, seed=9)
    out = run(tmp_path, results, max_summary_rows=25, max_patient_pages=5)
    page = (out / "summary.html").read_text(encoding="utf-8")
    rows = _row_priorities_and_ng(page)
    urgent = int((results["priority"] == "urgent").sum())
    assert len(rows) == max(25, urgent)
    assert [p for p, _ in rows[:urgent]] == ["urgent"] * urgent
    omitted = len(results) - len(rows)
    assert f"{omitted} results are not shown here" in page
    assert "results.csv" in page
    assert "no page in patients.html" in page
    patients = parse(out / "patients.html")
    assert patients.count("section") == 5


def test_links_point_to_existing_patient_pages(report: Path, batch) -> None:
    summary = parse(report / "summary.html")
    patients = parse(report / "patients.html")
    anchors = set(patients.attr_values("id"))
    hrefs = [h for h in summary.attr_values("href") if h.startswith("patients.html#")]
    assert hrefs
    for href in hrefs:
        assert href.split("#", 1)[1] in anchors
    page = (report / "summary.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'<a href="patients\.html#patient-\d+">([^<]+)</a>', page))
    assert linked == flagged_patients(batch)


def test_one_section_per_flagged_patient(report: Path, batch) -> None:
    patients = parse(report / "patients.html")
    flagged = flagged_patients(batch)
    assert patients.count("section") == len(flagged)
    assert patients.count("h1") == len(flagged)
    text = " ".join(patients.text)
    for pid in flagged:
        assert pid in text
    assert f"Patient {len(flagged)} of {len(flagged)}" in text


def test_all_patients_option(tmp_path: Path, batch) -> None:
    out = run(tmp_path, batch, all_patients=True)
    assert parse(out / "patients.html").count("section") == batch["patient_id"].nunique()


def test_patient_page_content(report: Path, batch) -> None:
    page = (report / "patients.html").read_text(encoding="utf-8")
    first = page.split('<section class="patient"')[1]
    assert "result-bar" in first and "Possible or likely contributing factors" in first
    assert "likely" in first and "Suggested next steps" in first
    assert "Decision support, not a diagnosis" in first
    repeat = batch.groupby("patient_id").size()
    with_history = {p for p in flagged_patients(batch) if repeat[p] > 1}
    assert page.count('class="chart trend"') == len(with_history)
    assert "Cautions" in page  # the hook-effect vignette is flagged "soon"


def test_empty_batch(tmp_path: Path) -> None:
    results = make_results(5).iloc[0:0]
    out = run(tmp_path, results, rejected=[])
    assert "No result could be triaged" in (out / "summary.html").read_text(encoding="utf-8")
    patients = (out / "patients.html").read_text(encoding="utf-8")
    assert "No patient in this batch needs a page" in patients
    assert next(iter(csv.reader((out / "results.csv").open())))[: len(RESULT_COLUMNS)] == list(
        RESULT_COLUMNS
    )


# ------------------------------------------------------------------------------------------
# Self-contained and private
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["summary.html", "patients.html"])
def test_reports_are_self_contained(report: Path, name: str) -> None:
    text = (report / name).read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert NETWORK.search(text) is None
    doc = parse(report / name)
    assert "script" not in doc.tags and "link" not in doc.tags
    assert doc.count("style") == 1
    csp = [v for t, n, v in doc.attrs if t == "meta" and n == "content" and "default-src" in v]
    assert csp and "default-src 'none'" in csp[0] and "img-src data:" in csp[0]
    for tag, attr, value in doc.attrs:
        assert not attr.startswith("on"), (tag, attr)
        if attr in {"href", "src"}:
            assert value.startswith(("#", "patients.html", "data:image/")), value


# ------------------------------------------------------------------------------------------
# Injection payloads in every text field
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def injected(tmp_path_factory) -> tuple[Path, list[str]]:
    payloads = load_payloads()
    results, rejected = with_payloads(make_results(60, seed=4), make_rejected(12), payloads)
    meta = make_meta(results, rejected)
    for i, summary in enumerate(meta.inputs):
        summary.file = payloads[i]
        summary.sheet = payloads[i + 1]
        summary.warnings = [payloads[i + 2]]
    meta.reference_title = payloads[0]
    meta.reference_set = payloads[1]
    meta.band_thresholds = [(payloads[2], 50.0), (payloads[3], 250.0)]
    out = tmp_path_factory.mktemp("injected") / "out"
    write_outputs(results, rejected, meta, out, OutputOptions(xlsx=True, all_patients=True))
    return out, payloads


@pytest.mark.parametrize("name", ["summary.html", "patients.html"])
def test_payloads_show_as_text_in_html(injected, name: str) -> None:
    out, _payloads = injected
    doc = parse(out / name)
    assert set(doc.tags) <= ALLOWED_TAGS, set(doc.tags) - ALLOWED_TAGS
    assert doc.count("style") == 1 and doc.count("body") == 1 and doc.count("html") == 1
    h1_expected = 1 if name == "summary.html" else doc.count("section")
    assert doc.count("h1") == h1_expected
    assert doc.count("img") == 0
    for tag, attr, value in doc.attrs:
        assert not attr.startswith("on"), (tag, attr, value)
        assert ":" not in attr, (tag, attr)
        if attr in {"href", "src"}:
            assert NETWORK.search(value) is None and not value.lower().startswith("javascript")
            assert value.startswith(("#", "patients.html")), value
    text = "".join(doc.text)
    for payload in ("<script>alert(1)</script>", "</td></tr></table><h1>x", '"><svg onload'):
        assert payload in text, payload
    assert "{{ 7*7 }}" in text  # templates never evaluate data


def test_payloads_are_inert_in_csv(injected) -> None:
    out, _ = injected
    numeric = {
        "source_row", "age_years", "prolactin_ng_ml", "reference_low_ng_ml", "reference_high_ng_ml",
        "times_uln", "prolactin_value", "conversion_factor_used",
    }  # fmt: skip
    checked = 0
    for name in ("results.csv", "rejected.csv"):
        with (out / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for column, cell in row.items():
                    checked += 1
                    if is_formula_like(cell):
                        assert column in numeric, (name, column, cell)
                        float(cell)
    assert checked > 500


def test_payloads_are_inert_in_xlsx(injected) -> None:
    out, _payloads = injected
    book = openpyxl.load_workbook(out / "results.xlsx")
    seen = set()
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not is_formula_like(cell.value), (sheet.title, cell.coordinate)
                    seen.add(cell.value)
    assert "'=1+1" in {v.strip() for v in seen} or "' =1+1" in seen
    assert "#REF!" in seen


# ------------------------------------------------------------------------------------------
# Templates: autoescape, override, errors
# ------------------------------------------------------------------------------------------
def test_autoescape_is_on_whatever_the_name() -> None:
    env = make_environment()
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    assert env.autoescape is True


def test_lab_template_folder_overrides_one_file(tmp_path: Path, batch) -> None:
    lab = tmp_path / "lab"
    lab.mkdir()
    bundled_css = (bundled_dir("report_templates") / "report.css").read_text(encoding="utf-8")
    (lab / "report.css").write_text(bundled_css + "\n.lab-marker { color: #123456; }\n")
    out = run(tmp_path, batch.head(10), template_dir=lab)
    for name in ("summary.html", "patients.html"):
        assert ".lab-marker" in (out / name).read_text(encoding="utf-8")


def test_lab_summary_template_is_used_and_escaped(tmp_path: Path, batch) -> None:
    lab = tmp_path / "lab"
    lab.mkdir()
    (lab / "summary.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block body %}<p id="lab">{{ view.rows[0].patient_name }}'
        "</p>{% endblock %}"
    )
    results = batch.head(5).copy()
    results["patient_name"] = pd.Series(["<i>x</i>"] * 5, dtype="string")
    out = run(tmp_path, results, template_dir=lab)
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert '<p id="lab">&lt;i&gt;x&lt;/i&gt;</p>' in page


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("summary.html.j2", "{% if %}", "summary.html.j2"),
        ("summary.html.j2", "{{ no_such_name }}", "undefined"),
        ("summary.html.j2", "{{ ''.__class__.__mro__ }}", "template error"),
        ("report.css", "@import url(https://x.example/a.css);", "report.css"),
        ("print.css", "body { background: url('http://x/y.png') }", "print.css"),
        ("report.css", "</style><script>alert(1)</script>", "may not contain"),
    ],
)
def test_bad_lab_templates_are_config_errors(
    tmp_path: Path, batch, filename: str, content: str, message: str
) -> None:
    lab = tmp_path / "lab"
    lab.mkdir()
    (lab / filename).write_text(content)
    with pytest.raises(ConfigError, match=message):
        run(tmp_path, batch.head(5), template_dir=lab)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_missing_template_folder(tmp_path: Path, batch) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        run(tmp_path, batch.head(3), template_dir=tmp_path / "nope")


# ------------------------------------------------------------------------------------------
# Pictures and formatting
# ------------------------------------------------------------------------------------------
BANDS = [("mild", 0.0), ("moderate", 50.0), ("marked", 100.0), ("very_high", 250.0)]


def test_result_bar_draws_interval_bands_and_marker() -> None:
    picture = str(
        svg.result_bar_svg(145.0, qualifier="", low=4.8, high=23.3, bands=BANDS, status="high")
    )
    assert picture.startswith("<svg") and picture.endswith("</svg>")
    assert "145 ng/mL" in picture and "4.8–23.3 ng/mL" in picture
    assert picture.count('stroke-dasharray="3 2"') == 3  # 0 is no line
    assert svg.STATUS_COLOURS["high"] in picture and svg.INTERVAL_FILL in picture


def test_result_bar_qualifier_and_missing_value() -> None:
    below = str(svg.result_bar_svg(3.0, qualifier="<", low=4.8, high=23.3, bands=[], status="low"))
    assert "&lt;3 ng/mL" in below and "<path" in below  # the digits of every output
    none = str(svg.result_bar_svg(None, qualifier="", low=None, high=None, bands=[], status=""))
    assert "no value" in none and "<rect" in none


def test_log_domain_and_scale() -> None:
    assert svg.log_domain([3.0, 23.3, 145.0]) == (1.0, 1000.0)
    assert svg.log_domain([0.4, 5000.0]) == (0.1, 10000.0)
    assert svg.log_domain([]) == (1.0, 100.0)
    scale = svg.LogScale(1.0, 1000.0, 0.0, 300.0)
    assert scale(10.0) == pytest.approx(100.0)
    assert scale(1e9) == 300.0 and scale(0.001) == 0.0


def test_trend_chart_points() -> None:
    from datetime import datetime

    points = [
        svg.TrendPoint(datetime(2026, 1, d), v, status="high", latest=d == 20)
        for d, v in ((1, 35.7), (10, 270.0), (20, 61.7))
    ]
    chart = str(svg.trend_svg(points, low=4.0, high=15.2))
    assert chart.count("<circle") == 3
    assert "2026-01-01" in chart and "2026-01-20" in chart
    assert f'r="{svg.TREND_LATEST_RADIUS}"' in chart  # the latest point stands out


def test_formatting_helpers() -> None:
    from datetime import datetime

    assert fmt_when(datetime(2026, 3, 1)) == "2026-03-01"
    assert fmt_when(datetime(2026, 3, 1, 8, 5)) == "2026-03-01 08:05"
    assert fmt_when(None) == "—"
    assert fmt_age(34.9) == "34 y" and fmt_age(0.5) == "6 mo" and fmt_age(None) == "—"
    assert fmt_age(1.5) == "18 mo" and fmt_age(3 / 365.25) == "3 d"
    assert fmt_interval(4.8, 23.3) == "4.8–23.3" and fmt_interval(None, 25.0) == "up to 25"
    # One formatter (triage/numbers.py): the digits the CSV, JSON and evidence texts show.
    assert svg.fmt_value(1234.4) == "1234.4" and svg.fmt_value(4.0) == "4"
    assert svg.fmt_value(4.81) == "4.81" and svg.fmt_value(33562 / 21.2) == "1583.1"


def test_contract_columns_alone_are_enough(tmp_path: Path, batch) -> None:
    """A results frame without the extension columns still gives every file."""
    results = batch[list(RESULT_COLUMNS)]
    out = run(tmp_path, results, xlsx=True, max_patient_pages=None)
    header = next(csv.reader((out / "results.csv").open(encoding="utf-8")))
    assert header == list(RESULT_COLUMNS)
    assert parse(out / "patients.html").count("section") == len(flagged_patients(batch))
    assert "Possible or likely contributing factors" in (out / "patients.html").read_text(
        encoding="utf-8"
    )


def test_an_urgent_result_keeps_its_page_when_a_later_one_is_normal(tmp_path: Path) -> None:
    results = make_results(6, seed=3)
    results["patient_id"] = "P-SAME"
    results["collected_at"] = pd.date_range("2026-11-01", periods=6, freq="D")
    results["priority"] = ["urgent", "routine", "none", "none", "none", "none"]
    results["status"] = ["high", "high", "normal", "normal", "normal", "normal"]
    out = tmp_path / "out"
    write_outputs(results, [], make_meta(results, []), out, OutputOptions())
    patients = (out / "patients.html").read_text(encoding="utf-8")
    assert patients.count('<section class="patient"') == 1
    assert "URGENT" in patients.split('id="patient-1"')[1].split("</h1>")[0].upper()
    summary = (out / "summary.html").read_text(encoding="utf-8")
    assert "patients.html#patient-1" in summary


def test_reports_show_the_interval_that_judged_in_words(tmp_path: Path) -> None:
    """Paired intervals (a child's lab interval with the paediatric one; sex unknown): the
    reports name them in words and say which limit decided; no internal tag reaches a reader."""
    from engine_fixtures import knowledge

    from triage.engine import canonical_frame, triage_frame

    rows = [
        {
            "patient_id": "KID",
            "sex": "F",
            "age_years": 4,
            "prolactin": 28,
            "unit": "ng/mL",
            "reference_low": 4.8,
            "reference_high": 23.3,
        },
        {"patient_id": "ANON", "age_years": 40, "prolactin": 31, "unit": "ng/mL"},
    ]
    results = triage_frame(canonical_frame(rows), knowledge())
    out = run(tmp_path, results, rejected=[], all_patients=True)
    for name in ("patients.html", "summary.html"):
        text = html.unescape((out / name).read_text(encoding="utf-8"))
        assert "row|" not in text and "default:" not in text, name
    patients = html.unescape((out / "patients.html").read_text(encoding="utf-8"))
    assert "Judged against the lab's own interval 4.8–23.3 ng/mL" in patients
    assert "the higher limit, 23.3 ng/mL, decided" in patients
    assert "the interval for women" in patients and "the interval for men" in patients
    assert "4.8–23.3 ng/mL" in patients  # the interval shown is the one that decided
    with (out / "results.csv").open(encoding="utf-8", newline="") as handle:
        strata = [r["reference_stratum"] for r in csv.DictReader(handle)]
    assert strata[0].startswith("row|")  # machine-readable in the files


# ---------------------------------------------------------------------------------------------
# Outside review 1 (D2, D3): the summary says why a physiologically explained result is not
# flagged, and a result above the measuring range keeps its '>' in times ULN.
# ---------------------------------------------------------------------------------------------
def _engine_results(rows: list[dict[str, object]]) -> pd.DataFrame:
    from triage.engine import canonical_frame, triage_frame
    from triage.knowledge import load_knowledge

    frame = canonical_frame(rows)
    frame["source_file"] = "review.csv"
    frame["source_row"] = list(range(2, len(rows) + 2))
    return triage_frame(frame, load_knowledge())


def test_summary_row_says_why_a_physiological_result_is_not_flagged(tmp_path: Path) -> None:
    results = _engine_results(
        [
            {
                "patient_id": "P1",
                "sex": "F",
                "age_years": 31,
                "pregnant": True,
                "gestational_weeks": 30.0,
                "prolactin": "184",
                "unit": "ng/mL",
            },
            {
                "patient_id": "P2",
                "sex": "F",
                "age_years": 30,
                "pregnant": False,
                "prolactin": ">4240",
                "unit": "mIU/L",
            },
        ]
    )
    assert results["priority"].tolist()[0] == "none"
    out = run(tmp_path, results, rejected=[])
    page = html.unescape((out / "summary.html").read_text(encoding="utf-8"))
    assert "Not flagged: " in page
    # 30 weeks: the third-trimester interval (review 16)
    assert "184 ng/mL is within the pregnancy interval 10–600 ng/mL; above the non-pregnant" in page
    shown = f"×{results['times_uln'].tolist()[1]:g} ULN"  # >200 ng/mL over the women's limit
    assert f">{shown}" in page
    assert shown not in page.replace(f">{shown}", "")
