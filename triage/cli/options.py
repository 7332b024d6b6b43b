"""Options shared by the triage commands, each defined once.

Precedence for every option: command line, then the environment variable
``PROLACTIN_TRIAGE_<OPTION>``, then the ``--config`` TOML file, then the built-in default.
The config file is loaded by an eager callback that fills Click's ``default_map`` for the command
being run, which is exactly the slot Click consults after the environment.  A value of the
wrong kind is named where it came from (``attributed``, through the app's ``SettingsGroup``).
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click.core import Context as ClickContext  # Typer's own copy of Click
from typer._click.exceptions import MissingParameter
from typer.core import TyperArgument, TyperGroup, TyperOption

from triage import resources
from triage.schema import DEFAULT_CHUNK_ROWS, ConfigError

ENV_PREFIX = "PROLACTIN_TRIAGE_"

# Keys of the config file that are not command options but sections read by the commands.
CONFIG_SECTIONS = ("branding", "history")


def env(name: str) -> str:
    """The environment variable of an option: env("fail_on") -> PROLACTIN_TRIAGE_FAIL_ON."""
    return ENV_PREFIX + name.upper()


class Engine(StrEnum):
    """Where `run` triages: this process (and its --jobs), or a Dask cluster (docs/dask.md)."""

    local = "local"
    dask = "dask"


class DisplayUnit(StrEnum):
    """The unit the reports show first (OutputOptions.display_unit)."""

    lab = "lab"
    ng_ml = "ng/mL"
    miu_l = "mIU/L"


class FailOn(StrEnum):
    urgent = "urgent"
    soon = "soon"
    routine = "routine"


def choices(kind: type[StrEnum]) -> str:
    """The placeholder of an option of fixed values in --help, the values as they are written
    ('lab|ng/mL|mIU/L'; Typer would show them lower-cased in angle brackets)."""
    return "|".join(member.value for member in kind)


def read_config(path: Path) -> dict[str, Any]:
    """Parse a config TOML into option name -> value (dashes folded to underscores)."""
    try:
        text = resources.decode_text_file(path.read_bytes())
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read the config file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            str(path), f"cannot read the config file (not UTF-8, UTF-16 or cp1252 text: {exc})"
        ) from None
    try:
        import tomllib  # lazy: start-up stays light

        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise ConfigError(str(path), f"not valid TOML: {exc}", line=line) from None
    return {key.replace("-", "_"): value for key, value in raw.items()}


def _load_config(ctx: typer.Context, value: Path | None) -> Path | None:
    if value is None:
        return None
    try:
        config = read_config(value)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="--config") from None
    known = {p.name for p in ctx.command.params if p.name}
    options = {k: v for k, v in config.items() if k not in CONFIG_SECTIONS}
    others = _other_command_keys(ctx)
    unknown = sorted(set(options) - known - set(others))
    if unknown:
        raise typer.BadParameter(
            f"{value}: unknown option(s) {', '.join(unknown)} for '{ctx.info_name}'",
            param_hint="--config",
        )
    for key in sorted(set(options) - known):
        names = others[key]
        owners = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        note = f"note: config key {key!r} is for {owners}; ignored by {ctx.info_name}"
        typer.echo(note, err=True)
    for param in ctx.command.params:
        if param.name in options:
            _check_config_kind(value, param, options[param.name])
    options = {k: _config_relative(k, v, value.parent) for k, v in options.items()}
    ctx.default_map = {
        **(ctx.default_map or {}),
        **{k: v for k, v in options.items() if k in known},
    }
    ctx.meta["config"] = config
    ctx.meta["config_path"] = value
    return value


# Text options whose value may be a TOML number: `sheet = 2`, `worker_memory = 2000000000`.
_TEXT_OR_NUMBER_KEYS = frozenset({"sheet", "worker_memory"})


def _toml_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array [...]"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, str) else str(value)


def _check_config_kind(path: Path, param: Any, value: Any) -> None:
    """A config value of a kind the option never takes, named as the config file's (``site.toml:
    ranges: expected a string (text in quotes), got an array [...]``).  Typer would turn an
    array or a table into its Python text ("['a']"), which is then read as a set name, a sheet
    name or a unit, far from the file that wrote it.  A text option takes text (a whole number
    too where it means one: a sheet's position, a memory size).  The other options' own checks
    name a value of the wrong kind (``attributed``)."""
    if getattr(param, "nargs", 1) != 1 or getattr(param, "multiple", False):
        return  # an option of many values (none today)
    descriptor = getattr(param, "type_descriptor", None)
    if getattr(descriptor, "annotation", None) is not str:
        return
    if isinstance(value, str) or (param.name in _TEXT_OR_NUMBER_KEYS and type(value) is int):
        return
    raise typer.BadParameter(
        f"{path}: {param.name}: expected a string (text in quotes), got {_toml_kind(value)}",
        param_hint="--config",
    )


# Typer's words for a value of the wrong kind, said in the tool's (every source of the value).
_VALUE_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Input should be greater than or equal to (\S+?)\.?$"), r"must be at least \1"),
    (re.compile(r"^Input should be less than or equal to (\S+?)\.?$"), r"must be at most \1"),
    (re.compile(r"^Input should be a valid boolean\b.*$"), "must be true or false"),
    (re.compile(r"^Input should be a valid integer\b.*$"), "must be a whole number"),
    (re.compile(r"^Input should be a valid number\b.*$"), "must be a number"),
    (re.compile(r"^Value error, "), ""),
    # a date option (history --since, --before): the strftime patterns say nothing to a user
    (
        re.compile(r"^(.*) does not match the formats? .*$", re.S),
        r"\1 is not a date: write it as 2026-12-01 (a time may follow: 2026-12-01T08:30)",
    ),
)


_NOT_A_PATH = re.compile(r"^Input is not a valid path\b")
# What a path option's value must be, when the bare "a file path" would mislead.
_PATH_WORDS: dict[str, str] = {
    "columns": (
        "the path of a column mapping file (a [columns] table belongs in that file, passed "
        'with --columns / columns = "mapping.toml")'
    ),
}


def _plain(message: str, param: TyperOption | None = None) -> str:
    if param is not None and param.name and _NOT_A_PATH.match(message):
        info = getattr(getattr(param, "type_descriptor", None), "parameter_info", None)
        if param.name in _PATH_WORDS:
            what = _PATH_WORDS[param.name]
        elif not getattr(info, "file_okay", True):
            what = "a folder path (a string)"
        elif not getattr(info, "dir_okay", True):
            what = "a file path (a string)"
        else:
            what = "a path (a string)"
        return f"expected {what}"
    for pattern, words in _VALUE_WORDS:
        message = pattern.sub(words, message)
    return message


def attributed(exc: typer.BadParameter) -> typer.BadParameter:
    """A bad option value named where it came from: a value of the --config file as that file
    and its key (``site.toml: header_row: must be at least 1``), one of the environment with its
    variable, one of the command line with the option alone (Typer names the environment
    variable of every option, set or not)."""
    ctx, param = exc.ctx, exc.param
    if (
        exc.param_hint is not None  # the tool named the setting itself
        or isinstance(exc, MissingParameter)  # said as Typer says it
        or ctx is None
        or not isinstance(param, TyperOption)
        or not param.name
    ):
        return exc
    source = ctx.get_parameter_source(param.name)
    message = _plain(exc.message, param)
    if source is not None and source.name == "DEFAULT_MAP" and "config_path" in ctx.meta:
        where = f"{ctx.meta['config_path']}: {param.name}"
        return typer.BadParameter(f"{where}: {message}", ctx=ctx, param_hint="--config")
    if source is not None and source.name == "ENVIRONMENT":
        return typer.BadParameter(message, ctx=ctx, param=param)
    hint = " / ".join(f"'{name}'" for name in param.opts)
    return typer.BadParameter(message, ctx=ctx, param_hint=hint)


class HumanArgument(TyperArgument):
    """An argument shown in --help by its metavar alone (``INPUT...``, ``FILE``), as an
    option is: Typer adds the Python type beside it (``<list[Path]>``) and braces around it in
    the usage line, which say nothing to the person reading the help."""

    def display_type_rich(self, ctx: ClickContext) -> str | None:
        return None if self.metavar else super().display_type_rich(ctx)

    def _usage_display_name(self) -> str:
        if not self.metavar:
            return super()._usage_display_name()
        return self.metavar if self.required else f"[{self.metavar}]"


def _human_arguments(command: Any) -> None:
    """Every argument of ``command`` and of its subcommands shown as HumanArgument."""
    for sub in (getattr(command, "commands", None) or {}).values():
        _human_arguments(sub)
    for param in getattr(command, "params", ()):
        if type(param) is TyperArgument:
            param.__class__ = HumanArgument


class SettingsGroup(TyperGroup):
    """The app's group: a bad option value is named where it came from (``attributed``);
    arguments are shown by their metavars (``HumanArgument``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _human_arguments(self)

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except typer.BadParameter as exc:
            raise attributed(exc) from None


def _other_command_keys(ctx: typer.Context) -> dict[str, list[str]]:
    """Option name -> the commands (other than this one) that take it, from the registered
    commands themselves (computed when a config file is read: this module is imported by the
    command modules, so the app cannot be walked at import time)."""
    root = ctx.find_root().command
    owners: dict[str, list[str]] = {}

    def walk(command: Any, path: str) -> None:
        subcommands = getattr(command, "commands", None)
        if isinstance(subcommands, dict):
            for name, sub in sorted(subcommands.items()):
                walk(sub, f"{path} {name}".strip())
            return
        if command is ctx.command:
            return
        for param in command.params:
            if param.name and param.name not in ("help", "config"):
                owners.setdefault(param.name, []).append(path)

    walk(root, "")
    return owners


# Options that name a file or folder: a relative path in the config file is relative to the
# config file's own folder (as the [branding] logo is), so a cron job works from any directory.
PATH_KEYS = frozenset({"columns", "template_dir", "inbox", "archive", "out", "redact_key_file"})
REFERENCE_FILE_SUFFIXES = (".toml", ".csv")


def _config_relative(key: str, value: Any, folder: Path) -> Any:
    if not isinstance(value, str) or not value:
        return value
    is_path = key in PATH_KEYS or (key == "ranges" and value.endswith(REFERENCE_FILE_SUFFIXES))
    if not is_path or Path(value).expanduser().is_absolute():
        return value
    return str(folder / value)


ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        envvar=env("config"),
        metavar="FILE",
        help="TOML file holding any of these options (and a [branding] table).",
        is_eager=True,
        callback=_load_config,
        exists=True,
        dir_okay=False,
        show_default=False,
    ),
]
RangesOpt = Annotated[
    str,
    typer.Option(
        "--ranges",
        envvar=env("ranges"),
        metavar="NAME|FILE",
        help="Reference-interval set: a shipped name (see `ranges list`) or a file.",
    ),
]
ColumnsOpt = Annotated[
    Path | None,
    typer.Option(
        "--columns",
        envvar=env("columns"),
        metavar="FILE",
        help=(
            "Column mapping TOML ([columns], [defaults], [input], [tests], [values]: "
            'codes of research exports, e.g. [values.sex] "1" = "F").'
        ),
        exists=True,
        dir_okay=False,
        show_default=False,
    ),
]
OutOpt = Annotated[
    Path,
    typer.Option(
        "--out",
        "-o",
        envvar=env("out"),
        metavar="FOLDER",
        help="Folder for the reports and files.",
    ),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", envvar=env("quiet"), help="Print errors only.")
]
VerboseOpt = Annotated[
    bool,
    typer.Option("--verbose", "-v", envvar=env("verbose"), help="Print progress details."),
]
DebugOpt = Annotated[
    bool,
    typer.Option(
        "--debug",
        envvar=env("debug"),
        help="Show the traceback of an unexpected error (may show data; not for shared logs).",
    ),
]
FailOnOpt = Annotated[
    FailOn | None,
    typer.Option(
        "--fail-on",
        envvar=env("fail_on"),
        metavar=choices(FailOn),
        help=(
            "Exit with status 10 when any result has this priority or a higher one, or a row"
            " urgent.txt lists as possibly urgent, not triaged, or an earlier urgent result"
            " from --history listed as NOT YET ACKNOWLEDGED (every level counts these)."
        ),
        case_sensitive=False,
        show_default=False,
    ),
]
SheetOpt = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        envvar=env("sheet"),
        metavar="NAME|N",
        help="Sheet name or 1-based index (default: the sheet holding a prolactin column).",
        show_default=False,
    ),
]
HeaderRowOpt = Annotated[
    int | None,
    typer.Option(
        "--header-row",
        envvar=env("header_row"),
        metavar="N",
        min=1,
        help="1-based row of the header (default: found below any title rows).",
        show_default=False,
    ),
]


def _check_unit(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    from triage.values import normalise_unit  # lazy: --help must not import pandas

    if normalise_unit(value) is None:
        raise typer.BadParameter(
            f"{value!r} is not a prolactin unit (ng/mL, µg/L, mIU/L, mU/L, µIU/mL, IU/L)"
        )
    return value.strip()


UnitOpt = Annotated[
    str | None,
    typer.Option(
        "--unit",
        envvar=env("unit"),
        metavar="UNIT",
        callback=_check_unit,
        help=(
            "Prolactin unit of inputs that state none anywhere (e.g. mIU/L, ng/mL); used only "
            "where no cell, unit column, header or mapping default gives one, and never "
            "against the file's own units (a row without a unit beside a unit column that "
            "writes another unit is rejected; rows whose unit column holds codes such as 1/2 "
            "or -99 are rejected, not filled: recode them with [values.prolactin_unit])."
        ),
        show_default=False,
    ),
]
JobsOpt = Annotated[
    int,
    typer.Option(
        "--jobs",
        envvar=env("jobs"),
        metavar="N",
        min=0,
        help=(
            "Processes that triage a large file's chunks side by side (a file of more than "
            f"one chunk of {DEFAULT_CHUNK_ROWS:,} rows); 0: one per core this process may use."
        ),
    ),
]
DayFirstOpt = Annotated[
    bool | None,
    typer.Option(
        "--dayfirst/--monthfirst",
        envvar=env("dayfirst"),
        help=(
            "How to read ambiguous text dates such as 03/04/2026.  Without either, they are read "
            "day-first, and a row whose two readings give ages in different reference strata is "
            "rejected (unreadable_age)."
        ),
    ),
]
XlsxOpt = Annotated[
    bool, typer.Option("--xlsx", envvar=env("xlsx"), help="Also write results.xlsx.")
]
FhirOpt = Annotated[
    bool,
    typer.Option(
        "--fhir",
        envvar=env("fhir"),
        help="Also write results.fhir.json, the results as a FHIR R4 Bundle of Observations.",
    ),
]
PdfOpt = Annotated[
    bool,
    typer.Option(
        "--pdf", envvar=env("pdf"), help="Also write patients.pdf (needs the [pdf] extra)."
    ),
]
PdfPerPatientOpt = Annotated[
    bool,
    typer.Option(
        "--pdf-per-patient",
        envvar=env("pdf_per_patient"),
        help=(
            "Also write patients/, one PDF per patient page, named by the specimen number "
            "(needs the [pdf] extra)."
        ),
    ),
]
AllPatientsOpt = Annotated[
    bool,
    typer.Option(
        "--all-patients",
        envvar=env("all_patients"),
        help="Print a page for every patient, not only those needing action.",
    ),
]
RedactOpt = Annotated[
    bool,
    typer.Option(
        "--redact",
        envvar=env("redact"),
        help="Replace names with initials and ids with a keyed hash in every output.",
    ),
]
RedactKeyOpt = Annotated[
    str | None,
    typer.Option(
        "--redact-key",
        envvar=env("redact_key"),
        metavar="KEY",
        help=(
            "Secret for --redact ids (same key, same hashes across runs); default: the key "
            "of --redact-key-file. Only with --redact."
        ),
        show_default=False,
    ),
]
RedactKeyFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--redact-key-file",
        envvar=env("redact_key_file"),
        metavar="FILE",
        help=(
            "File holding the --redact key (hex; created 0600 with a random key on first use, "
            "refused if group or others can read it), so ids hash the same in every run. "
            "Default: $XDG_CONFIG_HOME/prolactin-triage/redact.key (batch: "
            "INBOX/.prolactin-triage/redact.key). Only with --redact; not with --redact-key."
        ),
        dir_okay=False,
        show_default=False,
    ),
]
DisplayUnitOpt = Annotated[
    DisplayUnit,
    typer.Option(
        "--display-unit",
        envvar=env("display_unit"),
        metavar=choices(DisplayUnit),
        help=(
            "Unit of the values and intervals in the reports: 'lab' (each as the lab reported "
            "it, to its precision, ng/mL beside when different), 'ng/mL' or 'mIU/L'."
        ),
        case_sensitive=False,
    ),
]
TemplateDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--template-dir",
        envvar=env("template_dir"),
        metavar="FOLDER",
        help="Folder of Jinja2 templates that override the bundled ones.",
        exists=True,
        file_okay=False,
        show_default=False,
    ),
]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        envvar=env("force"),
        help=(
            "Write into an existing folder that prolactin-triage did not create (it has no "
            ".prolactin-triage-outputs.json): only the tool's own file names are replaced, "
            "nothing else is deleted."
        ),
    ),
]
GroupReadableOpt = Annotated[
    bool,
    typer.Option(
        "--group-readable",
        envvar=env("group_readable"),
        help=(
            "For a folder shared with a group: files 0640 and new folders 0750 (default 0600 "
            "and 0700, whatever the umask). Never readable by others."
        ),
    ),
]
HistoryOpt = Annotated[
    str | None,
    typer.Option(
        "--history",
        envvar=env("history"),
        metavar="PATH|URL",
        help=(
            "Results history: an SQLite file (created 0600) or a database URL "
            "(postgresql://user@host/db, with the [postgresql] extra). Each result is compared "
            "with the patient's earlier ones (trend, delta check) and recorded; urgent results "
            "not acknowledged (`ack`) are listed again. Also [history] url in the config. "
            "batch: INBOX/.prolactin-triage/history.db unless set."
        ),
        show_default=False,
    ),
]
EngineOpt = Annotated[
    Engine,
    typer.Option(
        "--engine",
        envvar=env("engine"),
        metavar=choices(Engine),
        help=(
            "'local': this machine's processes; 'dask': a Dask cluster (the [dask] extra; "
            "--scheduler, else a local cluster), results as Parquet parts in --out beside "
            "summary.json and report/ (docs/dask.md)."
        ),
        case_sensitive=False,
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        envvar=env("scheduler"),
        metavar="ADDRESS",
        help=(
            "--engine dask: address of a running Dask scheduler (tcp://host:8786); default: a "
            "local cluster of --jobs worker processes (0: one per core), closed at the end."
        ),
        show_default=False,
    ),
]
WorkerMemoryOpt = Annotated[
    str | None,
    typer.Option(
        "--worker-memory",
        envvar=env("worker_memory"),
        metavar="SIZE",
        help="--engine dask, local cluster: memory limit of each worker (e.g. 2GB; default: "
        "the machine's memory shared out).",
        show_default=False,
    ),
]
