"""Help texts shown as written, config keys of other commands, errors printed once."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from triage.cli import app
from triage.cli import docs as cli_docs

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
EXPORT = "ID,Sex,Age,Prolactin (ng/mL)\nA,F,34,20\n"


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], prog_name="prolactin-triage")


# ------------------------------------------------------------------------------------------------
# Help texts are plain text
# ------------------------------------------------------------------------------------------------
def test_help_shows_bracketed_words_as_written() -> None:
    shown = invoke("run", "--help").output
    for word in ("[columns]", "[defaults]", "[values.sex]", "[branding]", "[pdf]"):
        assert word in shown
    assert "\\[" not in shown


def test_a_new_help_text_with_brackets_is_shown_as_written() -> None:
    probe = typer.Typer(rich_markup_mode=None)

    @probe.command()
    def go(
        x: str = typer.Option("", help="See the [columns] table and [bold]this[/bold]."),
    ) -> None:
        """Probe."""

    result = runner.invoke(probe, ["--help"])
    assert "[columns]" in result.output and "[bold]this[/bold]" in result.output
    assert app.rich_markup_mode is None  # the application's own setting


def test_docs_cli_md_shows_bracketed_words_and_is_current() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "[columns]" in text and "[branding]" in text and "\\[" not in text
    assert cli_docs.render() == text


# ------------------------------------------------------------------------------------------------
# Config keys
# ------------------------------------------------------------------------------------------------
def test_a_key_of_another_command_is_ignored_with_one_note(tmp_path: Path) -> None:
    export = tmp_path / "e.csv"
    export.write_text(EXPORT, encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text("settle_seconds = 5\n", encoding="utf-8")
    result = invoke("check", export, "--config", config)
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if "settle_seconds" in line]
    assert notes == ["note: config key 'settle_seconds' is for batch; ignored by check"]


def test_an_unknown_key_is_a_usage_error(tmp_path: Path) -> None:
    export = tmp_path / "e.csv"
    export.write_text(EXPORT, encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text("no_such_option = 1\n", encoding="utf-8")
    result = invoke("check", export, "--config", config)
    assert result.exit_code == 2
    assert "no_such_option" in result.output


def test_every_command_option_is_a_known_config_key(tmp_path: Path) -> None:
    """The keys come from the registered commands: none is typed twice."""
    export = tmp_path / "e.csv"
    export.write_text(EXPORT, encoding="utf-8")
    root = get_command(app)
    names = {
        p.name
        for command in root.commands.values()  # type: ignore[attr-defined]
        for p in getattr(command, "params", [])
        if p.name and p.name not in ("config", "inputs", "help")
    }
    assert {"xlsx", "settle_seconds", "redact"} <= names
    config = tmp_path / "c.toml"
    config.write_text(
        "".join(f"{n} = false\n" for n in sorted(names) if "_" in n), encoding="utf-8"
    )
    result = invoke("check", export, "--config", config, "--quiet")
    assert "unknown option" not in result.output


# ------------------------------------------------------------------------------------------------
# Errors printed once
# ------------------------------------------------------------------------------------------------
def _no_repeats(text: str) -> None:
    lines = [line for line in text.splitlines() if line.strip()]
    repeated = [line for line, n in Counter(lines).items() if n > 1]
    assert not repeated, repeated
    # nor the same message inside two lines
    messages = [line.split("error: ", 1)[1] for line in lines if "error: " in line]
    for message in messages:
        core = message.split(": ", 1)[-1]
        assert sum(core in line for line in lines) == 1, (core, lines)


@pytest.mark.parametrize(
    "args",
    [
        ("run", "{missing}", "--out", "{out}"),
        ("run", "{bad}", "{bad2}", "--out", "{out}"),
        ("run", "{good}", "{bad}", "--out", "{out}"),
        ("run", "{good}", "--columns", "{badmap}", "--out", "{out}"),
        ("check", "{bad}"),
        ("check", "{good}", "{bad}"),
        ("check", "{bad}", "{bad2}"),
    ],
)
def test_each_error_is_printed_once(tmp_path: Path, args: tuple[str, ...]) -> None:
    paths = {
        "missing": tmp_path / "missing.csv",
        "bad": tmp_path / "bad.csv",
        "bad2": tmp_path / "bad2.csv",
        "good": tmp_path / "good.csv",
        "badmap": tmp_path / "map.toml",
        "out": tmp_path / "out",
    }
    paths["bad"].write_text("hello world\nfoo\n", encoding="utf-8")
    paths["bad2"].write_text("a,b\n1,2\n", encoding="utf-8")
    paths["good"].write_text(EXPORT, encoding="utf-8")
    paths["badmap"].write_text("[columns\nx=", encoding="utf-8")
    result = invoke(*(a.format(**{k: str(v) for k, v in paths.items()}) for a in args))
    assert result.exit_code != 0
    _no_repeats(result.stderr)
    _no_repeats(result.stdout + "\n" + result.stderr)


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["--version"],
        ["run", "--help"],
        ["batch", "--help"],
        ["ack", "--help"],
        ["history", "--help"],
        ["history", "show", "--help"],
        ["history", "export", "--help"],
        ["history", "purge", "--help"],
    ],
)
def test_help_and_version_import_neither_pandas_nor_the_engine(argv: list[str]) -> None:
    """Start-up stays close to `import typer`: the commands import the pipeline when they run."""
    heavy = ("pandas", "numpy", "triage.engine", "triage.io", "jinja2", "sqlalchemy", "pyarrow")
    out = _modules_after(argv, (*heavy, "triage.history"))
    assert "HEAVY []" in out, out[-500:]


def test_check_reads_without_the_engine_the_outputs_or_the_history(tmp_path: Path) -> None:
    """`check` only reads: it costs what reading costs, without importing the rules, the writers
    or SQLAlchemy (the issue's target: as fast as a plain pandas read of the file)."""
    export = tmp_path / "export.csv"
    export.write_text("MRN,Sex,Age,Prolactin (ng/mL)\nP1,F,34,41\nP2,M,50,haemolysed\n")
    heavy = ("triage.engine", "triage.output.session", "triage.pipeline", "jinja2", "sqlalchemy")
    out = _modules_after(["check", str(export)], (*heavy, "triage.history"))
    assert "rows: 2 read = 1 usable + 1 rejected" in out, out[-800:]
    assert "EXIT 0" in out
    assert "HEAVY []" in out, out[-500:]


def _modules_after(argv: list[str], heavy: tuple[str, ...]) -> str:
    """The output of the CLI run with ``argv`` in a fresh interpreter, then its exit status
    ("EXIT n") and which of the ``heavy`` modules it imported ("HEAVY [...]")."""
    code = (
        "import sys\n"
        "from triage.cli import main\n"
        f"sys.argv = ['prolactin-triage', *{argv!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    print('EXIT', exc.code)\n"
        f"print('HEAVY', [m for m in {heavy!r} if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout


def test_every_package_of_the_code_ships_in_the_wheel() -> None:
    """pyproject.toml lists the packages explicitly: a new or renamed package that is not listed
    would be missing from a plain `pip install .` (the editable install hides it)."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    listed = set(
        tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(root).parts)
        for init in (root / "triage").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found <= listed, f"not in pyproject.toml's packages: {sorted(found - listed)}"
    setuptools = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    mapped = set(setuptools.get("package-dir", {}))
    gone = {p for p in listed - mapped if not (root / p.replace(".", "/")).is_dir()}
    assert not gone, f"listed in pyproject.toml but not in the code: {sorted(gone)}"


def test_a_reader_that_stops_reading_ends_the_tool_quietly(tmp_path: Path) -> None:
    """`prolactin-triage check FILE | head`: the reader goes before the tool has written; the
    tool ends with 141 (128 + SIGPIPE, as Unix tools do) and no 'internal error'."""
    path = tmp_path / "many.csv"
    rows = "".join(f"P{i},F,30,{'haemolysed' if i % 2 else 20}\n" for i in range(3000))
    path.write_text("ID,Sex,Age,Prolactin (ng/mL)\n" + rows, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "triage", "check", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait() == 141
    assert b"internal error" not in err and b"Traceback" not in err


def test_a_history_path_at_the_top_of_the_config_file_is_accepted(tmp_path: Path) -> None:
    """`history = "lab.db"` beside the other options (not under [history]) is the history's
    path, next to the config file; another kind of value is a usage error (it was an internal
    error, "this is a bug")."""
    config = tmp_path / "config.toml"
    config.write_text('history = "lab.db"\n', encoding="utf-8")
    data = tmp_path / "a.csv"
    data.write_text(EXPORT, encoding="utf-8")
    done = invoke("run", data, "--out", tmp_path / "out", "--config", config, "--quiet")
    assert done.exit_code == 0, done.output
    assert (tmp_path / "lab.db").exists()
    config.write_text("history = 5\n", encoding="utf-8")
    wrong = invoke("run", data, "--out", tmp_path / "out2", "--config", config, "--quiet")
    assert wrong.exit_code == 2 and "history must be a [history] table" in wrong.output


def test_two_people_under_one_id_get_a_page_each(tmp_path: Path) -> None:
    """A neonate under the mother's number, a shared placeholder id: other birth dates are
    other people (docs/history.md), never one page listing the other's results as theirs."""
    data = tmp_path / "a.csv"
    data.write_text(
        "Patient ID,Name,Sex,DOB,Specimen,Collection date,Prolactin,Unit\n"
        'ID100,"Ackermann, Liselotte",F,1985-02-03,SID11,2026-11-01 08:00,60,ng/mL\n'
        'ID100,"Brandauer, Theodor",M,1947-07-07,SID12,2026-11-01 09:00,60,ng/mL\n'
        'ID200,"Cee, Anna",F,1980-01-01,SID13,2026-11-01 09:00,60,ng/mL\n'
        'ID200,"Cee, Anna",F,1980-01-01,SID14,2026-11-02 09:00,70,ng/mL\n',
        encoding="utf-8",
    )
    done = invoke("run", data, "--out", tmp_path / "out", "--all-patients", "--quiet")
    assert done.exit_code == 0, done.output
    pages = (tmp_path / "out" / "patients.html").read_text(encoding="utf-8")
    assert len(set(re.findall(r'id="patient-(\d+)"', pages))) == 3
    assert "Ackermann, Liselotte" in pages and "Brandauer, Theodor" in pages
