"""Review 17: a first use of the tool by a lab's IT person and a clinical biochemist.

Every mistake of a first use is one line that names where it came from (the config file and its
key, the option), with the documented exit status (output-contract §6: 2 for a usage error), and
never reads a wrong value as if it were another (a TOML array as a reference set's name).
Synthetic patients only; in-process calls only (CliRunner), to keep the file fast.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app

runner = CliRunner()

# Synthetic patients: one raised (risperidone), one normal.
EXPORT_CSV = (
    "Patient ID,Sex,Age,Prolactin (ng/mL),Medications\nS1,F,34,61,risperidone 4 mg\nS2,M,40,9,\n"
)


@pytest.fixture(autouse=True)
def _no_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in os.environ:
        if name.startswith("PROLACTIN_TRIAGE_"):
            monkeypatch.delenv(name)


def cli(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(map(str, args)), prog_name="prolactin-triage")


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
