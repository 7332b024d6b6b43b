"""Review 17: a first use of the tool by a lab's IT person and a clinical biochemist.

Every mistake of a first use is one line that names where it came from (the config file and its
key, the option), with the documented exit status (output-contract §6: 2 for a usage error), and
never reads a wrong value as if it were another (a TOML array as a reference set's name).
Synthetic patients only; in-process calls only (CliRunner), to keep the file fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import cli, without_settings_from_the_environment

# Synthetic patients: one raised (risperidone), one normal.
EXPORT_CSV = (
    "Patient ID,Sex,Age,Prolactin (ng/mL),Medications\nS1,F,34,61,risperidone 4 mg\nS2,M,40,9,\n"
)


@pytest.fixture(autouse=True)
def _no_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    without_settings_from_the_environment(monkeypatch)


def export(tmp_path: Path) -> Path:
    path = tmp_path / "lab.csv"
    path.write_text(EXPORT_CSV, encoding="utf-8")
    return path


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    """The error line of a usage error (Typer's usage lines before it), no traceback."""
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output
    return lines[0]


# ---------------------------------------------------------------------------------------------
# A config value of the wrong kind is named as the config file's, never read as text
# ---------------------------------------------------------------------------------------------
TEXT = "expected a string (text in quotes), got"


@pytest.mark.parametrize(
    ("line", "key", "said"),
    [
        ('ranges = ["roche_elecsys"]', "ranges", f"{TEXT} an array"),
        ("ranges = 5", "ranges", f"{TEXT} 5"),
        ("ranges = true", "ranges", f"{TEXT} true"),
        ('sheet = ["Results"]', "sheet", f"{TEXT} an array"),
        ("unit = { name = 'mIU/L' }", "unit", f"{TEXT} a table"),
        ("sheet = 1.5", "sheet", f"{TEXT} 1.5"),
        ('redact = true\nredact_key = ["k"]', "redact_key", f"{TEXT} an array"),
        ("scheduler = 8786", "scheduler", f"{TEXT} 8786"),
    ],
)
def test_config_value_of_the_wrong_kind_is_a_usage_error_naming_the_key(
    tmp_path: Path, line: str, key: str, said: str
) -> None:
    config = tmp_path / "site.toml"
    config.write_text(line + "\n", encoding="utf-8")
    result = cli("run", export(tmp_path), "--out", tmp_path / "out", "--config", config)
    assert result.exit_code == 2, result.output
    error = one_line_error(result)
    assert f"site.toml: {key}: {said}" in error
    assert "--config" in error
    assert not (tmp_path / "out").exists()


def test_config_numbers_where_an_option_means_one_still_work(tmp_path: Path) -> None:
    """`sheet = 1` (the first sheet) and `header_row = 1` stay valid: only a kind the option
    never takes is refused."""
    config = tmp_path / "site.toml"
    config.write_text('sheet = 1\nheader_row = 1\nranges = "default"\n', encoding="utf-8")
    result = cli("run", export(tmp_path), "--out", tmp_path / "out", "--config", config)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "summary.html").is_file()


# ---------------------------------------------------------------------------------------------
# A date option says what a date looks like, not strftime patterns
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ("history", "export", "--out", "x.csv", "--since", "yesterday"),
        ("history", "purge", "--before", "2020-13-01", "--yes"),
        ("history", "purge", "--before", "01.12.2026", "--yes"),
    ],
)
def test_a_date_option_says_how_to_write_a_date(tmp_path: Path, args: tuple[str, ...]) -> None:
    history = tmp_path / "h.db"
    result = cli(*args, "--history", history)
    assert result.exit_code == 2, result.output
    error = one_line_error(result)
    assert "is not a date: write it as 2026-12-01" in error
    assert "%Y" not in error


# ---------------------------------------------------------------------------------------------
# The summary says what each of its counts means
# ---------------------------------------------------------------------------------------------
def page_text(path: Path) -> str:
    """An HTML page's words as a reader sees them (no styles, no tags)."""
    import html
    import re

    page = re.sub(r"<style.*?</style>|<svg.*?</svg>", " ", path.read_text("utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_summary_says_what_each_count_means(tmp_path: Path) -> None:
    """A first reader of summary.html learns what urgent, soon, routine and no action mean (the
    contract's priorities, with the urgent level of thresholds.toml), what indeterminate means,
    and why there are fewer patient pages than patients; the page names the tool version, the
    reference set and says it is decision support."""
    from triage import __version__

    result = cli("run", export(tmp_path), "--out", tmp_path / "out", "--ranges", "roche_elecsys")
    assert result.exit_code == 0, result.output
    text = page_text(tmp_path / "out" / "summary.html")
    assert "What the counts mean" in text
    legend = text[text.index("What the counts mean") :]
    expected = [
        "Urgent review today: a mass-effect red flag",
        "above 5000 mIU/L (~",  # the urgent level, as the contract defines it, with its ng/mL
        "Soon raised and not explained by a likely factor",
        "Routine raised and explained by a likely factor",
        "No action nothing to do for this result",
        "indeterminate not judged against one interval",
        "Patient pages pages in the printable patient pages: one per patient with a result",
        "Rejected rows input rows that did not become a result",
    ]
    for words in expected:
        assert words in legend, words
    positions = [legend.index(words) for words in expected]
    assert positions == sorted(positions)  # in the order of the counts above
    assert f"prolactin-triage {__version__}" in text
    assert "(roche_elecsys)" in text
    assert "Decision support, not a diagnosis" in text


# ---------------------------------------------------------------------------------------------
# Another kind of document under a workbook's name is said for what it is
# ---------------------------------------------------------------------------------------------
def zip_of(path: Path, parts: dict[str, str]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for part, text in parts.items():
            archive.writestr(part, text)
    return path


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole_of(path: Path, *streams: str) -> Path:
    """A compound file's magic and directory entry names (UTF-16), as a .doc or .msg holds."""
    body = b"".join(name.encode("utf-16-le") + bytes(64) for name in ("Root Entry", *streams))
    path.write_bytes(OLE_MAGIC + bytes(512) + body + bytes(2048))
    return path


def test_documents_named_as_workbooks_are_named_for_what_they_are(tmp_path: Path) -> None:
    """A report saved from Word, a presentation, an OpenDocument text, an Outlook message or a
    zipped export, renamed .xlsx / .xls / .ods, is refused with what it is (exit 3: no usable
    input; one line), never 'the workbook cannot be read'; a real workbook beside them is read."""
    import openpyxl

    cases = {
        zip_of(
            tmp_path / "report.xlsx", {"[Content_Types].xml": "<T/>", "word/document.xml": "<w/>"}
        ): ("a Word document"),
        zip_of(
            tmp_path / "slides.xlsx",
            {"[Content_Types].xml": "<T/>", "ppt/presentation.xml": "<p/>"},
        ): ("a PowerPoint presentation"),
        zip_of(
            tmp_path / "brief.ods",
            {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<o/>"},
        ): "an OpenDocument text document",
        zip_of(tmp_path / "export.xlsx", {"export.csv": EXPORT_CSV}): (
            "a zip archive of other files, not a workbook (whatever its name says); unzip it"
        ),
        ole_of(tmp_path / "letter.xls", "WordDocument", "1Table"): "a Word document",
        ole_of(tmp_path / "mail.xls", "__substg1.0_0037001F"): "an Outlook message",
    }
    for path, kind in cases.items():
        result = cli("check", path)
        assert result.exit_code == 3, (path.name, result.output)
        assert "Traceback" not in result.output
        assert f"{path.name}: the file is {kind}" in result.output, result.output
        assert "cannot be read" not in result.output

    # under their own names: the unsupported extension, and what the file is
    (tmp_path / "printout.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    own_names = {
        tmp_path / "printout.pdf": ("'.pdf'", "a PDF document, not a lab export; export the"),
        zip_of(tmp_path / "letter.docx", {"word/document.xml": "<w/>"}): (
            "'.docx'",
            "a Word document, not a lab export; export the results",
        ),
        ole_of(tmp_path / "letter.doc", "WordDocument"): ("'.doc'", "a Word document"),
        zip_of(tmp_path / "export.zip", {"export.csv": EXPORT_CSV}): (
            "'.zip'",
            "a zip archive of other files, not a lab export; unzip it and give the export inside",
        ),
    }
    for path, (suffix, kind) in own_names.items():
        result = cli("run", path, "--out", tmp_path / "out")
        assert result.exit_code == 3, (path.name, result.output)
        assert f"{path.name}: unsupported file type {suffix} (expected csv" in result.output
        assert f"): the file is {kind}" in result.output, result.output
    (tmp_path / "notes.rtf").write_text("plain words", encoding="utf-8")
    result = cli("run", tmp_path / "notes.rtf", "--out", tmp_path / "out")
    assert result.exit_code == 3 and "the file is" not in result.output  # nothing to say
    assert not (tmp_path / "out").exists()

    book = openpyxl.Workbook()
    sheet = book.active
    for row in EXPORT_CSV.splitlines():
        sheet.append([int(c) if c.isdigit() else c for c in row.split(",")])
    book.save(tmp_path / "ward.xlsx")
    result = cli("check", tmp_path / "ward.xlsx")
    assert result.exit_code == 0, result.output
    assert "rows: 2 read = 2 usable + 0 rejected" in result.output


# ---------------------------------------------------------------------------------------------
# Every command's --help gives its exit statuses (output-contract §6), usage errors included
# ---------------------------------------------------------------------------------------------
def test_every_command_help_states_its_exit_statuses() -> None:
    commands = {
        ("run",): ["0 done", "2 usage error", "3 no usable input", "4 some", "10 --fail"],
        ("demo",): ["0 done", "2 usage error", "10 --fail"],
        ("check",): ["0 every input usable", "2 usage error", "3 none usable", "4 some"],
        ("batch",): ["0 done", "2 usage error", "3 every new", "4 some", "10 --fail"],
        ("ack",): ["0 recorded", "2 usage error", "3 history unusable"],
        ("history", "show"): ["0 shown", "2 usage error", "3 history unusable"],
        ("ranges", "show"): ["0 shown", "2 no shipped set of that name"],
        ("ranges", "validate"): ["0 valid", "2 problems"],
    }
    for command, statuses in commands.items():
        result = cli(*command, "--help")
        assert result.exit_code == 0, result.output
        text = " ".join(result.output.split())
        assert "Exit status:" in text, command
        for status in statuses:
            assert status in text, (command, status)
    run_help = " ".join(cli("run", "--help").output.split())
    assert "input format registry" not in run_help  # words of the code, not of a user
    assert "FHIR JSON Bundle" in run_help


def test_sheet_zero_says_how_sheets_are_counted(tmp_path: Path) -> None:
    """--sheet 0 (a programmer's first sheet), from the command line or the config file, names
    the workbook's sheets and says they are numbered from 1; --sheet 1 reads the first."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Ergebnisse"
    for row in EXPORT_CSV.splitlines():
        book.active.append([int(c) if c.isdigit() else c for c in row.split(",")])
    book.save(tmp_path / "ward.xlsx")
    config = tmp_path / "site.toml"
    config.write_text("sheet = 0\n", encoding="utf-8")
    for extra in (["--sheet", "0"], ["--config", str(config)]):
        result = cli("check", tmp_path / "ward.xlsx", *extra)
        assert result.exit_code == 3, result.output
        assert "Traceback" not in result.output
        assert "no sheet '0' in the workbook (its 1 sheet(s): 'Ergebnisse')" in result.output
        assert "sheets are numbered from 1 (--sheet 1 is the first)" in result.output
    result = cli("check", tmp_path / "ward.xlsx", "--sheet", "1")
    assert result.exit_code == 0, result.output
    assert "numbered from 1" not in result.output
