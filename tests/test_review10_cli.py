"""CLI defects of the stop 30 review (a new user's view): a setting's mistake is named as the
setting's, never blamed on the exports or on an environment variable nobody set; errors name
what the user gave; the printed summary keeps every column."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from test_report_browser import _pdf_words  # pdftotext -bbox, per page
from typer.testing import CliRunner

from triage.batch import STATE_DIR
from triage.cli import app

runner = CliRunner()

# Synthetic patients: one urgent (8000 mIU/L with a visual field defect), one routine.
URGENT_CSV = (
    "Patient ID,Sex,Age,Prolactin,Unit,Comments\n"
    "U1,F,34,8000,mIU/L,visual field defect\n"
    "U2,F,40,300,mIU/L,\n"
)
OTHER_CSV = "Patient ID,Sex,Age,Prolactin,Unit\nR1,M,50,250,mIU/L\n"


def cli(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(map(str, args)), prog_name="prolactin-triage")


def settle(path: Path) -> None:
    old = time.time() - 3600
    os.utime(path, (old, old))


def inbox_with_exports(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, text in (("urgent.csv", URGENT_CSV), ("other.csv", OTHER_CSV)):
        (inbox / name).write_text(text, encoding="utf-8")
        settle(inbox / name)
    return inbox


def batch_into(tmp_path: Path, inbox: Path, *extra: str | Path):  # type: ignore[no-untyped-def]
    """`batch` of ``inbox`` into tmp_path/out, archiving into tmp_path/archive."""
    out, archive = tmp_path / "out", tmp_path / "archive"
    return cli("batch", "--inbox", inbox, "--out", out, "--archive", archive, *extra)


def exports_left(inbox: Path) -> list[str]:
    return sorted(p.name for p in inbox.iterdir() if p.name != STATE_DIR)


# --- 1. batch checks its settings before it touches the inbox -------------------------------
def _template_dir(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    return folder


BAD_TEMPLATES = {
    "stylesheet that fetches": ("report.css", "body{background:url(http://evil/x.png)}\n"),
    "stylesheet import": ("print.css", "@import 'x.css';\n"),
    "name the views lack": (
        "summary.html.j2",
        '{% extends "base.html.j2" %}{% block body %}{{ view.nosuch }}{% endblock %}',
    ),
    "template syntax": ("patients.html.j2", "{% if %}"),
    "unsafe attribute": ("summary.html.j2", "{{ run.__class__.__mro__ }}"),
    "base template missing": ("summary.html.j2", '{% extends "nosuch.html.j2" %}'),
}


@pytest.mark.parametrize("case", sorted(BAD_TEMPLATES))
def test_batch_with_a_bad_template_folder_exits_2_and_leaves_the_inbox(
    tmp_path: Path, case: str
) -> None:
    name, text = BAD_TEMPLATES[case]
    folder = _template_dir(tmp_path, name, text)
    inbox = inbox_with_exports(tmp_path)
    archive = tmp_path / "archive"  # where batch_into archives
    result = batch_into(tmp_path, inbox, "--template-dir", folder, "--fail-on", "urgent", "--quiet")
    assert result.exit_code == 2, result.output
    assert exports_left(inbox) == ["other.csv", "urgent.csv"]
    assert not archive.exists()  # nothing in failed/
    assert "error.txt" not in result.output
    # one line naming the setting, not one per export
    errors = [line for line in result.output.splitlines() if "error:" in line]
    assert len(errors) == 1, result.output
    assert "urgent.csv" not in errors[0] and "other.csv" not in errors[0]
    # and `run` refuses the same folder before it reads anything, with the same exit status
    ran = cli("run", inbox / "urgent.csv", "--out", tmp_path / "run", "--template-dir", folder)
    assert ran.exit_code == 2, ran.output
    assert not (tmp_path / "run" / "summary.html").exists()


def test_batch_with_a_missing_template_folder_exits_2(tmp_path: Path) -> None:
    inbox = inbox_with_exports(tmp_path)
    result = cli(
        "batch", "--inbox", inbox, "--out", tmp_path / "out", "--template-dir",
        tmp_path / "nosuch", "--quiet",
    )  # fmt: skip
    assert result.exit_code == 2
    assert exports_left(inbox) == ["other.csv", "urgent.csv"]


@pytest.mark.parametrize(
    ("logo_name", "content"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("logo.png", b"not really a png"),
        ("missing.png", None),
    ],
)
def test_batch_with_a_bad_logo_exits_2_and_leaves_the_inbox(
    tmp_path: Path, logo_name: str, content: bytes | None
) -> None:
    if content is not None:
        (tmp_path / logo_name).write_bytes(content)
    config = tmp_path / "site.toml"
    config.write_text(f'[branding]\nlogo = "{logo_name}"\n', encoding="utf-8")
    inbox = inbox_with_exports(tmp_path)
    result = batch_into(tmp_path, inbox, "--config", config, "--quiet")
    assert result.exit_code == 2, result.output
    assert exports_left(inbox) == ["other.csv", "urgent.csv"]
    assert not (tmp_path / "archive").exists()
    assert "site.toml [branding.logo]" in result.output


def test_batch_with_a_broken_column_mapping_exits_2_and_leaves_the_inbox(tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text("[columns\n", encoding="utf-8")
    inbox = inbox_with_exports(tmp_path)
    result = batch_into(tmp_path, inbox, "--columns", mapping, "--quiet")
    assert result.exit_code == 2, result.output
    assert "map.toml" in result.output
    assert exports_left(inbox) == ["other.csv", "urgent.csv"]


def test_batch_with_good_templates_still_speaks_its_urgent_results(tmp_path: Path) -> None:
    folder = _template_dir(tmp_path, "report.css", "body { color: #111; }\n")
    inbox = inbox_with_exports(tmp_path)
    result = batch_into(tmp_path, inbox, "--template-dir", folder, "--fail-on", "urgent", "--quiet")
    assert result.exit_code == 10, result.output
    assert "URGENT patient U1" in result.output
    assert exports_left(inbox) == []


def test_a_template_failing_only_on_real_rows_defers_the_file_never_fails_it(
    tmp_path: Path,
) -> None:
    """A template that renders a run without results but fails on a result row passes the
    check up front; the failure is the template's: the export stays in the inbox (deferred),
    it is not moved to failed/."""
    folder = _template_dir(
        tmp_path,
        "summary.html.j2",
        '{% extends "base.html.j2" %}{% block body %}'
        "{% for row in view.rows %}{{ row.nosuch }}{% endfor %}{% endblock %}",
    )
    inbox = inbox_with_exports(tmp_path)
    archive = tmp_path / "archive"  # where batch_into archives
    result = batch_into(tmp_path, inbox, "--template-dir", folder, "--quiet")
    assert exports_left(inbox) == ["other.csv", "urgent.csv"], result.output
    assert not (archive / "failed").exists()
    assert "left in the inbox" in result.output


# --- 2. a bad value is named where it came from ---------------------------------------------
CONFIG_VALUES = {  # key = value in the config file -> what the message says of it
    "header_row = 0": ("header_row", "must be at least 1"),
    "header-row = 0": ("header_row", "must be at least 1"),
    'header_row = "two"': ("header_row", "must be a whole number"),
    'xlsx = "maybe"': ("xlsx", "must be true or false"),
    "jobs = -1": ("jobs", "must be at least 0"),
    'fail_on = "high"': ("fail_on", "'high' is not one of"),
    'display_unit = "furlongs"': ("display_unit", "is not one of"),
    'unit = "kg"': ("unit", "is not a prolactin unit"),
    'columns = "nosuch.toml"': ("columns", "does not exist"),
    'template_dir = "nosuch"': ("template_dir", "does not exist"),
}


@pytest.mark.parametrize("line", sorted(CONFIG_VALUES))
def test_a_bad_config_value_names_the_file_and_key_not_an_environment_variable(
    tmp_path: Path, line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in os.environ:
        if name.startswith("PROLACTIN_TRIAGE_"):
            monkeypatch.delenv(name)
    key, words = CONFIG_VALUES[line]
    config = tmp_path / "site.toml"
    config.write_text(line + "\n", encoding="utf-8")
    export = tmp_path / "other.csv"
    export.write_text(OTHER_CSV, encoding="utf-8")
    result = cli("run", export, "--out", tmp_path / "out", "--config", config, "--quiet")
    assert result.exit_code == 2, result.output
    assert f"site.toml: {key}: " in result.output
    assert words in result.output
    assert "env var" not in result.output and "PROLACTIN_TRIAGE_" not in result.output
    assert not (tmp_path / "out" / "summary.html").exists()


def test_a_config_value_overridden_on_the_command_line_is_not_checked_twice(
    tmp_path: Path,
) -> None:
    config = tmp_path / "site.toml"
    config.write_text("header_row = 0\n", encoding="utf-8")
    export = tmp_path / "other.csv"
    export.write_text(OTHER_CSV, encoding="utf-8")
    result = cli(
        "run", export, "--out", tmp_path / "out", "--config", config, "--header-row", "1",
        "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def test_a_bad_command_line_value_names_the_option_alone(tmp_path: Path) -> None:
    export = tmp_path / "other.csv"
    export.write_text(OTHER_CSV, encoding="utf-8")
    result = cli("run", export, "--out", tmp_path / "out", "--header-row", "0")
    assert result.exit_code == 2
    assert "Invalid value for '--header-row': must be at least 1" in result.output
    assert "env var" not in result.output


def test_a_bad_environment_value_names_its_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROLACTIN_TRIAGE_HEADER_ROW", "0")
    export = tmp_path / "other.csv"
    export.write_text(OTHER_CSV, encoding="utf-8")
    result = cli("run", export, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "PROLACTIN_TRIAGE_HEADER_ROW" in result.output
    assert "must be at least 1" in result.output


def test_a_bad_config_value_of_batch_and_check_names_the_file_too(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text("header_row = 0\n", encoding="utf-8")
    inbox = inbox_with_exports(tmp_path)
    for args in (
        ("batch", "--inbox", inbox, "--out", tmp_path / "out"),
        ("check", inbox / "other.csv"),
    ):
        result = cli(*args, "--config", config)
        assert result.exit_code == 2, result.output
        assert "site.toml: header_row: must be at least 1" in result.output
        assert "env var" not in result.output
    assert exports_left(inbox) == ["other.csv", "urgent.csv"]


# --- 3. a mapping naming a header the file lacks says so, for the prolactin column too --------
def _check_with_mapping(tmp_path: Path, export: str, mapping: str, suffix: str = ".csv"):  # type: ignore[no-untyped-def]
    path = tmp_path / f"export{suffix}"
    path.write_text(export, encoding="utf-8")
    columns = tmp_path / "map.toml"
    columns.write_text(mapping, encoding="utf-8")
    return cli("check", path, "--columns", columns)


@pytest.mark.parametrize(
    ("mapping", "header", "nearest"),
    [
        ('[columns]\nprolactin = "Value"\n', "Value", "'Val'"),
        ('[columns]\nprolactin = "value "\n', "value ", "'Val'"),
        ('[columns]\nprolactin = "Serum level"\n', "Serum level", None),
    ],
)
def test_a_mapped_prolactin_header_the_file_lacks_is_named_not_advised_again(
    tmp_path: Path, mapping: str, header: str, nearest: str | None
) -> None:
    export = "Hosp No,Gender,Age,Val,Notes\nH1,F,30,900,x\n"
    result = _check_with_mapping(tmp_path, export, mapping)
    assert result.exit_code != 0
    said = " ".join(result.output.split())
    assert f"names header {header!r} (for prolactin), which this file lacks" in said
    assert "[columns] prolactin" in said
    assert '"<header>"' not in said  # not the advice to do what the user did
    assert "'Hosp No' (patient_id)" in said  # the headers recognised are listed
    if nearest:
        assert f"the nearest header is {nearest}" in said
    else:
        assert "nearest" not in said


def test_a_mapped_result_header_of_a_long_file_the_file_lacks_is_named(tmp_path: Path) -> None:
    export = "MRN,Sex,Age,Test,Res,Units\nH1,F,30,Prolactin,900,mIU/L\n"
    result = _check_with_mapping(tmp_path, export, '[columns]\nresult = "Result value"\n')
    said = " ".join(result.output.split())
    assert result.exit_code != 0
    assert "names header 'Result value' (for result), which this file lacks" in said


def test_the_nearest_header_of_another_field_is_named_too(tmp_path: Path) -> None:
    export = "Hosp No,Gender,Age,Prolactin,Drugs\nH1,F,30,900,none\n"
    result = _check_with_mapping(tmp_path, export, '[columns]\nmedications = "drug"\n')
    said = " ".join(result.output.split())
    assert "names header 'drug' (for medications), which this file lacks" in said
    assert "the nearest header is 'Drugs'" in said


def test_a_file_without_a_header_row_has_no_cell_quoted_as_the_nearest(tmp_path: Path) -> None:
    """The first row of a file without a header row holds patient data: no cell of it is
    quoted, even one that resembles the mapped header."""
    export = "Vale,F,30,900\nValeria,F,31,800\n"
    result = _check_with_mapping(tmp_path, export, '[columns]\nprolactin = "Valu"\n')
    said = " ".join(result.output.split())
    assert result.exit_code != 0
    assert "which this file lacks" in said
    assert "'Vale'" not in said and "nearest" not in said


# --- 4. what the docs say a logo may be is what is accepted --------------------------------
REPO = Path(__file__).resolve().parent.parent
LOGO_KINDS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF"}


def _logo_lines() -> list[str]:
    lines = [
        line
        for line in (REPO / "examples" / "config.toml").read_text(encoding="utf-8").splitlines()
        if line.lstrip("# ").startswith("logo")
    ]
    lines += [
        line
        for line in (REPO / "docs" / "reports.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("logo =")
    ]
    assert lines
    return lines


def test_the_documented_logo_types_are_the_accepted_ones() -> None:
    from triage.output.views import LOGO_TYPES

    accepted = {LOGO_KINDS[mime] for _, mime in LOGO_TYPES}
    for line in _logo_lines():
        comment = line.split("#", 2)[-1]
        for kind in accepted:
            assert kind in comment, line
        upper = comment.upper()
        assert "SVG" not in upper or "NOT SVG" in upper, line  # never listed as accepted


def test_an_svg_logo_is_refused_naming_the_config_key_and_saying_why(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_text('<?xml version="1.0"?>\n<svg/>', encoding="utf-8")
    config = tmp_path / "site.toml"
    config.write_text('[branding]\nlogo = "logo.svg"\n', encoding="utf-8")
    export = tmp_path / "other.csv"
    export.write_text(OTHER_CSV, encoding="utf-8")
    result = cli("run", export, "--out", tmp_path / "out", "--config", config, "--quiet")
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "site.toml [branding.logo]:" in said and "logo.svg" in said
    assert "an SVG is not accepted" in said
    assert not (tmp_path / "out" / "summary.html").exists()


# --- 5. errors name what the user gave; the tool's own words are never scrubbed --------------
def test_an_empty_folder_is_named_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("emptydir").mkdir()
    result = cli("run", "emptydir", "--out", "x", "--quiet")
    assert result.exit_code == 3
    said = " ".join(result.output.split())
    assert "emptydir: no exports of a supported type" in said and "(it is empty)" in said
    assert "(inputs)" not in said
    checked = cli("check", "emptydir")
    assert checked.exit_code == 3
    assert "emptydir: no exports of a supported type" in checked.output


def test_a_folder_of_other_files_says_what_it_holds(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    (folder / "old").mkdir(parents=True)
    (folder / "report.pdf").write_bytes(b"%PDF-1.4")
    (folder / "bundle.zip").write_bytes(b"PK")
    result = cli("run", folder, "--out", tmp_path / "x", "--quiet")
    assert result.exit_code == 3
    said = " ".join(result.output.split())
    assert f"{folder}: no exports of a supported type" in said
    assert ".csv" in said and ".xlsx" in said  # the types that are read
    assert "bundle.zip, old/, report.pdf, not read" in said


def test_two_empty_folders_are_both_named(tmp_path: Path) -> None:
    first, second = tmp_path / "jan", tmp_path / "feb"
    first.mkdir()
    second.mkdir()
    result = cli("run", first, second, "--out", tmp_path / "x", "--quiet")
    said = " ".join(result.output.split())
    assert f"{first}: no exports" in said and f"{second}: no exports" in said


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_a_device_is_named_by_the_path_given(tmp_path: Path) -> None:
    for command in (
        ("run", "/dev/null", "--out", tmp_path / "x", "--quiet"),
        ("check", "/dev/null"),
    ):
        result = cli(*command)
        assert result.exit_code == 3
        assert "/dev/null: is a device, not a regular file" in result.output


def test_a_missing_file_is_named_by_the_path_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("run", "exports/jan.csv", "--out", "x", "--quiet")
    assert result.exit_code == 3
    assert "exports/jan.csv: no such file" in result.output


@pytest.mark.parametrize(
    ("export", "mapping", "expected"),
    [
        (  # a second notes column under the same header
            "Hosp No,Gender,Age,Val,Notes,Notes\nH1,F,30,900,x,y\n",
            '[columns]\nprolactin = "Val"\ncomments = "column F"\n'
            '[defaults]\nprolactin_unit = "mIU/L"\n',
            "read into comments with 'Notes', each cell after its header and a colon",
        ),
        (  # a clinical free-text column beside the comments
            "Hosp No,Gender,Age,Prolactin,Comments,Clinical details\nH1,F,30,900,x,y\n",
            None,
            "holds clinical information or notes: read into comments with 'Comments', each cell "
            "after its header and a colon",
        ),
        (  # a second medication column
            "Hosp No,Gender,Age,Prolactin,Current medication,Home medication\n"
            "H1,F,30,900,none,none\n",
            None,
            "read into medications with 'Current medication', each cell after its header and a "
            "colon",
        ),
    ],
)
def test_check_quotes_no_template_text_as_a_cell(
    tmp_path: Path, export: str, mapping: str | None, expected: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(export, encoding="utf-8")
    args: list[str | Path] = ["check", path]
    if mapping is not None:
        columns = tmp_path / "map.toml"
        columns.write_text(mapping, encoding="utf-8")
        args += ["--columns", columns]
    result = cli(*args)
    said = " ".join(result.output.split())
    assert expected in said, said
    assert "as [redacted]" not in said


def test_the_tools_placeholders_survive_the_scrubber_and_cells_do_not() -> None:
    from triage.output.redact import scrub_quoted

    advice = 'name one in a column mapping file ([columns] prolactin = "<header>")'
    assert scrub_quoted(advice) == advice
    assert scrub_quoted('(e.g. "<code>" = "prolactin")').startswith('(e.g. "<code>"')
    assert "Anna" not in scrub_quoted("'Anna Muster' is not a number")
    assert "anna" not in scrub_quoted("'<anna>' is not a number")


# --- 6. a long unbroken cell never cuts a column off the printed summary -------------------
LONG_ID = "P" + "7" * 149  # a 150-character patient id
LONG_SPECIMEN = "S" + "4" * 149
LONG_DRUG = "Verylongmedicationnamewithoutanyspaces" * 3
LONG_CSV = (
    "Patient ID,Patient name,Sex,Age,Date collected,Prolactin (ng/mL),Medications,Comments,"
    "Specimen\n"
    f"{LONG_ID},Ann Example,F,30,2026-11-05 08:00,150,{LONG_DRUG},visual field defect,"
    f"{LONG_SPECIMEN}\n"
    "P2,Bea Example,F,30,2026-11-05 08:00,60,,,S2\n"
    f"P3,Cleo Example,F,41,2026-11-05 09:00,35,,{'x' * 120},S3\n"
)


@pytest.fixture(scope="module")
def long_cells_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("long-cells")
    export = folder / "long.csv"
    export.write_text(LONG_CSV, encoding="utf-8")
    out = folder / "out"
    result = cli("run", export, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    return out


def _text_boxes_past_the_page(html_file: Path) -> tuple[list[str], list[str]]:
    """(texts printed past the right edge of the page's content box by WeasyPrint, every text)."""
    weasyprint = pytest.importorskip("weasyprint")
    document = weasyprint.HTML(filename=str(html_file)).render()
    past: list[str] = []
    texts: list[str] = []

    def walk(box):  # type: ignore[no-untyped-def]
        yield box
        for child in getattr(box, "children", None) or []:
            yield from walk(child)

    for page in document.pages:
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width
        for box in walk(page_box):
            if type(box).__name__ != "TextBox":
                continue
            texts.append(box.text)
            if box.position_x + box.width > right + 1:
                past.append(box.text[:30])
    return past, texts


@pytest.mark.parametrize("name", ["summary.html", "patients.html"])
def test_long_unbroken_cells_stay_on_the_printed_page(long_cells_report: Path, name: str) -> None:
    past, texts = _text_boxes_past_the_page(long_cells_report / name)
    assert past == []
    joined = "".join(texts)
    assert LONG_ID in joined  # broken over lines, never dropped
    if name == "summary.html":
        # every column heading still printed whole: ordinary words are not broken
        for heading in ("Priority", "Patient", "Collected", "Result", "Status", "Source"):
            assert heading in texts, heading


def test_the_summary_prints_every_column_in_chromium_unshrunk(
    long_cells_report: Path, tmp_path: Path
) -> None:
    """Chromium shrinks a page wider than the paper to fit it: the words of the table are then
    smaller than their print size. Every column heading at its size, and inside the page."""
    browser = next(
        (shutil.which(b) for b in ("chromium", "chromium-browser") if shutil.which(b)), None
    )
    if browser is None:
        pytest.skip("no Chromium installed")
    pdf = tmp_path / "summary.pdf"
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", (long_cells_report / "summary.html").as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    (width, _, words), *_ = _pdf_words(pdf)  # the first page
    shown = {w for *_, w in words}
    for heading in ("Priority", "Collected", "Result", "Status", "Source"):
        assert heading in shown, heading
    heights = [y1 - y0 for _, y0, _, y1, w in words if w == "Collected"]
    assert min(heights) >= PRINTED_HEADING_MIN_PT, "the page was shrunk to fit"
    assert all(x1 <= width for _, _, x1, _, _ in words)


# print.css: the results table is 7.5pt, its headings 0.84em: a word box about 1.16 times that;
# a page Chromium shrank to fit a wider layout prints them smaller.
PRINTED_HEADING_MIN_PT = 7.5 * 0.84 * 1.05
