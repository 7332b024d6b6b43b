"""The --config file: read in the encodings a hand-edited file is saved in, its [history]
values checked, and history URLs of unsupported databases refused up front (exit 2, one line)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pipeline_helpers import cli, without_settings_from_the_environment

# Synthetic patients: one urgent (8000 mIU/L with a visual field defect), one routine.
URGENT_CSV = (
    "Patient ID,Sex,Age,Prolactin,Unit,Comments\n"
    "U1,F,34,8000,mIU/L,visual field defect\n"
    "U2,F,40,300,mIU/L,\n"
)

# Lab names an editor on a European desktop types, one per language (all in cp1252).
LAB_NAMES = {
    "en": "St Mary’s Laboratory",
    "de": "Labor Zürich Süd",
    "fr": "Laboratoire de Besançon",
    "es": "Laboratorio Año Nuevo",
    "it": "Laboratorio Città di Castello",
    "nl": "Laboratorium Groningen – Zuid",
}
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252")


@pytest.fixture(autouse=True)
def _no_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    without_settings_from_the_environment(monkeypatch)


def export(tmp_path: Path) -> Path:
    path = tmp_path / "lab.csv"
    path.write_text(URGENT_CSV, encoding="utf-8")
    return path


def command_args(tmp_path: Path, command: str) -> list[str | Path]:
    """`run` of one export, or `batch` of an inbox holding it (settled), into tmp_path/out."""
    if command == "run":
        return ["run", export(tmp_path), "--out", tmp_path / "out"]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "lab.csv").write_text(URGENT_CSV, encoding="utf-8")
    old = 1_000_000_000
    os.utime(inbox / "lab.csv", (old, old))
    return ["batch", "--inbox", inbox, "--out", tmp_path / "out", "--archive", tmp_path / "archive"]


def one_line_error(output: str) -> str:
    assert "Traceback" not in output and "internal error" not in output, output
    errors = [line for line in output.splitlines() if "error" in line.lower()]
    assert len(errors) == 1, output
    return errors[0]


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("language", sorted(LAB_NAMES))
def test_a_config_saved_in_any_usual_encoding_is_read(
    tmp_path: Path, language: str, encoding: str
) -> None:
    name = LAB_NAMES[language]
    config = tmp_path / "site.toml"
    config.write_bytes(f'[branding]\nlab_name = "{name}"\n'.encode(encoding))
    out = tmp_path / "out"
    result = cli("run", export(tmp_path), "--out", out, "--config", config, "--quiet")
    assert result.exit_code == 0, result.output
    assert name in (out / "summary.html").read_text(encoding="utf-8")


def test_check_reads_a_cp1252_config_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "site.toml"
    config.write_bytes('[branding]\nlab_name = "Labor Zürich"\n'.encode("cp1252"))
    monkeypatch.setenv("PROLACTIN_TRIAGE_CONFIG", str(config))
    result = cli("check", export(tmp_path))
    assert "Traceback" not in result.output
    assert result.exit_code == 0, result.output


def test_a_config_no_encoding_reads_is_one_line_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_bytes(b'[branding]\nlab_name = "Lab \x81\x8d"\n')  # undefined in cp1252
    result = cli("run", export(tmp_path), "--out", tmp_path / "out", "--config", config)
    assert result.exit_code == 2, result.output
    assert "cannot read the config file" in one_line_error(result.output)


def test_a_bom_does_not_hide_a_real_toml_error(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_bytes(b"\xef\xbb\xbfquiet = = true\n")
    result = cli("run", export(tmp_path), "--out", tmp_path / "out", "--config", config)
    assert result.exit_code == 2, result.output
    assert "not valid TOML" in one_line_error(result.output)


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("url = 5", "url"),
        ("path = true", "path"),
        ('path = ["a"]', "path"),
        ("path = 1.5", "path"),
        ("issuer = 7", "issuer"),
        ("url = { host = 'db' }", "url"),
    ],
)
@pytest.mark.parametrize("command", ["run", "batch"])
def test_a_history_value_of_the_wrong_kind_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, key: str, command: str
) -> None:
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "site.toml"
    config.write_text(f"[history]\n{line}\n", encoding="utf-8")
    result = cli(*command_args(tmp_path, command), "--config", config)
    assert result.exit_code == 2, result.output
    error = one_line_error(result.output)
    assert f"site.toml: history.{key}: expected a string" in error
    made = {p.name for p in tmp_path.iterdir()}
    assert not made & {"True", "['a']", "1.5"}, made


def test_a_well_formed_history_table_still_records(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text('[history]\npath = "lab.db"\nissuer = "NORTH"\n', encoding="utf-8")
    result = cli("run", export(tmp_path), "--out", tmp_path / "out", "--config", config, "-q")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "lab.db").exists()


@pytest.mark.parametrize(
    "url",
    [
        "mysql://u@h/db",
        "mysql+pymysql://u@h/db",
        "MSSQL+pyodbc://u@h/db",
        "oracle://u@h/db",
        "mariadb://u@h/db",
    ],
)
def test_a_history_url_of_an_unsupported_database_is_refused(tmp_path: Path, url: str) -> None:
    scheme = url.split("://")[0].split("+")[0].lower()
    result = cli("run", export(tmp_path), "--out", tmp_path / "out", "--history", url)
    assert result.exit_code == 2, result.output
    error = one_line_error(result.output)
    assert f"unsupported database '{scheme}'" in error
    assert "pip install" not in error and "driver" not in error


@pytest.mark.parametrize("scheme", ["sqlite", "SQLite"])
def test_an_sqlite_url_still_opens(tmp_path: Path, scheme: str) -> None:
    url = f"{scheme}:///{(tmp_path / 'h.db').as_posix()}"
    result = cli("run", export(tmp_path), "--out", tmp_path / "out", "--history", url, "-q")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "h.db").exists()


def test_a_postgresql_url_is_not_refused_as_unsupported(tmp_path: Path) -> None:
    url = "postgresql://nobody@127.0.0.1:1/none"
    result = cli("run", export(tmp_path), "--out", tmp_path / "out", "--history", url, "-q")
    assert "unsupported database" not in result.output


@pytest.mark.parametrize(
    ("where", "name"),
    [
        ("option", "--redact-key"),
        ("option", "--redact-key-file"),
        ("environment", "--redact-key"),
        ("config", "--redact-key-file"),
    ],
)
@pytest.mark.parametrize("command", ["run", "batch"])
def test_a_redact_key_without_redact_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, name: str, command: str
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    key_file = tmp_path / "k.key"
    value = "s3cret-key-of-the-lab" if name == "--redact-key" else str(key_file)
    extra: list[str | Path] = []
    if where == "option":
        extra = [name, value]
    elif where == "environment":
        monkeypatch.setenv("PROLACTIN_TRIAGE_REDACT_KEY", value)
    else:
        config = tmp_path / "site.toml"
        config.write_text(f'redact_key_file = "{key_file.name}"\n', encoding="utf-8")
        extra = ["--config", config]
    result = cli(*command_args(tmp_path, command), *extra)
    assert result.exit_code == 2, result.output
    assert f"{name} needs --redact" in one_line_error(result.output)
    assert not (tmp_path / "out" / "summary.html").exists()
    assert not key_file.exists()
    assert "U1" not in result.output


@pytest.mark.parametrize("name", ["--redact-key", "--redact-key-file"])
def test_a_redact_key_with_redact_still_hides_the_ids(tmp_path: Path, name: str) -> None:
    value = "s3cret-key-of-the-lab" if name == "--redact-key" else str(tmp_path / "k.key")
    out = tmp_path / "out"
    result = cli("run", export(tmp_path), "--out", out, "--redact", name, value)
    assert result.exit_code == 0, result.output
    assert "U1" not in (out / "urgent.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        (
            '[columns]\nprolactin = "PRL"',
            "columns: expected the path of a column mapping file (a [columns] table belongs",
        ),
        ("template_dir = 5", "template_dir: expected a folder path (a string)"),
        ("redact = true\nredact_key_file = 5", "redact_key_file: expected a file path (a string)"),
        ('out = ["x"]', "out: expected a path (a string)"),
        ("columns = false", "columns: expected the path of a column mapping file"),
    ],
)
def test_a_config_path_of_the_wrong_kind_is_said_in_plain_words(
    tmp_path: Path, lines: str, words: str
) -> None:
    config = tmp_path / "site.toml"
    config.write_text(lines + "\n", encoding="utf-8")
    result = cli("run", export(tmp_path), "--config", config)
    assert result.exit_code == 2, result.output
    assert f"site.toml: {words}" in result.output
    assert "pathlib" not in result.output and "<class" not in result.output


# Control characters an export's id or comment may carry: ESC sequences (recolour, clear the
# screen), a lone CR, BEL, backspace, DEL and an 8-bit CSI (U+009B).
CONTROL_IDS = {
    "esc": ("AB\x1b[31mRED\x1b[0m", "AB\\x1b[31mRED\\x1b[0m"),
    "clear": ("CD\x1b[2J\x1b[H", "CD\\x1b[2J\\x1b[H"),
    "bell": ("EF\x07G", "EF\\x07G"),
    "backspace": ("HI\x08\x08J", "HI\\x08\\x08J"),
    "del": ("KL\x7fM", "KL\\x7fM"),
    "csi8": ("NO\x9b31mP", "NO\\x9b31mP"),
}


@pytest.mark.parametrize("case", sorted(CONTROL_IDS))
def test_control_characters_of_an_id_are_made_visible_on_stderr_and_in_urgent_txt(
    tmp_path: Path, case: str
) -> None:
    raw, shown = CONTROL_IDS[case]
    source = tmp_path / "lab.csv"
    source.write_text(
        f"Patient ID,Sex,Age,Prolactin,Unit,Comments\n{raw},F,34,8000,mIU/L,Gesichtsfeldausfall\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = cli("run", source, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    urgent_txt = (out / "urgent.txt").read_text(encoding="utf-8")
    for text in (result.stderr, urgent_txt):
        assert shown in text, text
        assert not any(ch in text for ch in "\x1b\x07\x08\x7f\x9b"), repr(text)


def test_visible_text_keeps_letters_of_every_language() -> None:
    from triage.terminal import visible

    words = "Zürich Besançon Año Città Groningen – Mary’s ß ÿ € \u00a0"
    assert visible(words) == words
    assert visible("a\tb\nc\r") == "a\\x09b\\x0ac\\x0d"


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig"])
def test_a_column_mapping_file_is_read_in_the_same_encodings(tmp_path: Path, encoding: str) -> None:
    # one decoder for every hand-edited file (resources.decode_text_file): config, mapping, set
    from triage.io.mapping import load_mapping

    path = tmp_path / "columns.toml"
    path.write_bytes('[columns]\nprolactin = "Prolaktin (µg/l) Zürich"\n'.encode(encoding))
    assert load_mapping(path).columns["prolactin"] == "Prolaktin (µg/l) Zürich"
