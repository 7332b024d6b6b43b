"""`ack` and `history show|export|purge`: the results history outside a run.

The history is the one of `run --history` (or the batch's INBOX/.prolactin-triage/history.db):
--history, its environment variable, or the config file's [history] table.  These commands
only read it (show, export: an SQLite history in WAL mode is read while a run writes) or make
one short transaction (ack, purge).
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import io
import json
import math
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final

import typer

from triage.cli import console
from triage.cli.options import ConfigOpt, DebugOpt, HistoryOpt, QuietOpt, VerboseOpt, choices
from triage.cli.run import history_from_options
from triage.schema import ConfigError, TriageError

if TYPE_CHECKING:  # pandas and SQLAlchemy are imported when a command runs: --help stays light
    import pandas as pd

    from triage.history.store import History

PARQUET_HINT: Final = "pip install 'prolactin-triage[parquet]'"
# The longest name the store keeps for who acknowledged and who was told.
MAX_NAME_LENGTH: Final = 256
DATE_FORMATS: Final = ["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
NO_HISTORY: Final = (
    "no results history given: name an SQLite file or a database URL, set "
    "PROLACTIN_TRIAGE_HISTORY, or add [history] url or path to the --config file"
)

app = typer.Typer(
    # Help texts are plain text: "[history]" must show as written.
    rich_markup_mode=None,
    help=(
        "Read and maintain the results history of `run --history` / `batch`: a patient's "
        "results, an export of all of them, and removing old ones."
    ),
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class ShowFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"


class ParquetUnavailableError(TriageError):
    """`history export --format parquet` without pyarrow (the ``parquet`` extra): exit 2."""

    exit_code = 2


class ExportTargetError(TriageError):
    """The --out file of `history export` cannot be written there (exit 2)."""

    exit_code = 2


# ---------------------------------------------------------------------------------------------
# The history of a command
# ---------------------------------------------------------------------------------------------
def _location(ctx: typer.Context, history: str | None) -> str:
    """The history's location, or a usage error (exit 2) naming --history.  Checked before
    anything is opened."""
    try:
        options = history_from_options(ctx, history)
    except ConfigError as exc:
        console.fail(str(exc), exc.exit_code)
    if options is None:
        raise typer.BadParameter(NO_HISTORY, ctx=ctx, param_hint="'--history'")
    return options.location


@contextlib.contextmanager
def _opened(location: str, *, read_only: bool = False) -> Iterator[History]:
    """The existing history at ``location`` (an SQLite file that does not exist is an error, not
    a new empty history); database errors become one line, exit 3."""
    import sqlalchemy as sa

    from triage.history import HistoryError
    from triage.history.store import describe, history_url, open_history

    url = history_url(location)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        raise HistoryError(f"history: {url.database} does not exist")
    history = open_history(location, read_only=read_only)
    try:
        yield history
    except sa.exc.SQLAlchemyError as exc:
        from triage.history.store import reason

        why = reason(exc) if isinstance(exc, sa.exc.DBAPIError) else type(exc).__name__
        raise HistoryError(f"history: {describe(url)} is busy or unavailable ({why})") from None
    finally:
        history.close()


# ---------------------------------------------------------------------------------------------
# Cells as people read them
# ---------------------------------------------------------------------------------------------
def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str:
    """A stored text on one line, without control characters ('' when missing)."""
    if _missing(value):
        return ""
    text = "".join(c if c.isprintable() else " " for c in str(value))
    return " ".join(text.split())


def _number(value: Any) -> float | None:
    if _missing(value):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _when(value: Any) -> str:
    """A stored time: '2026-11-20 10:30' (date only at midnight), '' when missing."""
    if _missing(value):
        return ""
    if isinstance(value, datetime):
        return (
            f"{value:%Y-%m-%d}"
            if value.time() == datetime.min.time()
            else f"{value:%Y-%m-%d %H:%M}"
        )
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return _text(value)


def _iso(value: Any) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return _text(value)


def reported_value(row: Any) -> str:
    """The result as the lab reported it: '386 mIU/L', '<1 ng/mL'; else the raw cell."""
    from triage.numbers import fmt

    number = _number(row.get("prolactin_value"))
    if number is None:
        raw, unit = _text(row.get("prolactin_raw")), _text(row.get("unit_raw"))
        return f"{raw} {unit}".strip()
    qualifier = _text(row.get("qualifier"))
    return f"{qualifier}{fmt(number)} {_text(row.get('prolactin_unit'))}".strip()


def _ng_ml(row: Any) -> str:
    from triage.numbers import fmt

    number = _number(row.get("prolactin_ng_ml"))
    return "" if number is None else fmt(number)


def _source(row: Any) -> str:
    where = _text(row.get("source_file"))
    sheet = _text(row.get("source_sheet"))
    return (
        f"{where} [{sheet}] row {row.get('source_row')}"
        if sheet
        else f"{where} row {row.get('source_row')}"
    )


# ---------------------------------------------------------------------------------------------
# ack
# ---------------------------------------------------------------------------------------------
def _name(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    text = " ".join(value.split())
    if not text and option == "--by":
        raise typer.BadParameter("must name who acknowledged the result", param_hint=option)
    if len(text) > MAX_NAME_LENGTH:
        raise typer.BadParameter(f"at most {MAX_NAME_LENGTH} characters", param_hint=option)
    return text or None


def ack_line(found: dict[str, Any], *, by: str, told: str | None, at: datetime) -> str:
    """'Acknowledged R-12 (patient P1, 2026-11-20 10:30, prolactin 386 mIU/L, priority
    urgent): told Dr Lee by J. Smith at 2026-12-02 13:05 UTC'"""
    from triage.history.store import format_result_id

    priority = _text(found.get("priority")) or "none"
    issuer = _text(found.get("issuer"))
    patient = _text(found.get("patient_id")) or "?"
    collected = _when(found.get("collected_at")) or "collection time unknown"
    what = (
        f"patient {patient}{f' ({issuer})' if issuer else ''}, {collected}, "
        f"prolactin {reported_value(found) or '?'}, priority {priority}"
    )
    withdrawn = _text(found.get("withdrawn"))
    corrected = found.get("corrected_by")
    if withdrawn:
        what += f"; {withdrawn}"
    if corrected:
        what += (
            f"; corrected to {reported_value(corrected) or '?'} "
            f"({format_result_id(int(corrected['id']))})"
        )
    if withdrawn:
        what += ": no longer a valid result, recorded anyway"
    elif priority != "urgent":
        what += ": not an urgent result, recorded anyway"
    said = f"told {told} by {by}" if told else f"communicated by {by}"
    return (
        f"Acknowledged {format_result_id(int(found['id']))} ({what}): {said} "
        f"at {at:%Y-%m-%d %H:%M} UTC"
    )


# Said once when an acknowledgement has to wait for a run that writes to the history.
ACK_WAITING: Final = (
    "history: a run is writing to the history; waiting for it to finish (Ctrl-C stops)"
)


def ack_command(
    ctx: typer.Context,
    result: Annotated[
        str,
        typer.Argument(
            metavar="RESULT",
            help="The result: R-12 or 12 (urgent lines and reports show it).",
            show_default=False,
        ),
    ],
    by: Annotated[
        str,
        typer.Option(
            "--by",
            metavar="NAME",
            help="Who communicated the result (recorded).",
            show_default=False,
        ),
    ],
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="NAME",
            help="Who was told (the requesting clinician, the GP...).",
            show_default=False,
        ),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(
            "--note",
            metavar="TEXT",
            help="A note kept with the acknowledgement.",
            show_default=False,
        ),
    ] = None,
    history: HistoryOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Record that a result (usually an urgent one) was communicated: by whom, to whom, when.

    An acknowledged urgent result is no longer listed again by later runs; `history show`
    lists the acknowledgements. A result that is not urgent is recorded too, and the line
    says so. Prints one line. Exit status: 0 recorded, 2 usage error (no history given, not
    a result id) or no such result in the history, 3 history unusable (missing, busy or of a
    newer version).
    """
    from triage.history.store import parse_result_id

    try:
        result_id = parse_result_id(result)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'RESULT'") from None
    by_name = _name(by, "--by")
    assert by_name is not None
    told = _name(to, "--to")
    location = _location(ctx, history)
    console.configure_logging(quiet=quiet, verbose=verbose)
    with console.error_boundary(debug=debug), _opened(location) as store:
        at = datetime.now(UTC).replace(microsecond=0)
        said = (note or "").strip() or None
        found = store.acknowledge(
            result_id,
            by=by_name,
            told=told,
            note=said,
            at=at,
            on_wait=lambda: console.notice([ACK_WAITING]),
        )
        if not quiet:
            console.out(ack_line(found, by=by_name, told=told, at=at))


# ---------------------------------------------------------------------------------------------
# history show
# ---------------------------------------------------------------------------------------------
SHOW_COLUMNS: Final = (
    "result_id",
    "issuer",
    "patient_id",
    "collected_at",
    "result",
    "prolactin_ng_ml",
    "status",
    "priority",
    "trend",
    "change_pct",
    "source_file",
    "source_sheet",
    "source_row",
    "acknowledged",
    "withdrawn",  # how the lab withdrew it ("" for a result not withdrawn)
    "visit",  # the visit label as written (schema version 5; "" when none)
    # who the result is of: an id stored with another birth date or sex is another person
    # (docs/history.md "Identity"), numbered 1, 2 ... in order of appearance ("" when unknown)
    "sex",
    "birth_date",
    "identity_check",
    "person",
)
# said on stderr when one id holds the results of more than one person
IDENTITY_CLASH: Final = (
    "history show: this id holds results of {n} people (another birth date or sex): they are "
    "not one series; the person column tells them apart"
)
# The table's columns: (heading, record key).
TABLE_COLUMNS: Final = (
    ("result", "result_id"),
    ("collected", "collected_at"),
    ("prolactin", "result"),
    ("ng/mL", "prolactin_ng_ml"),
    ("status", "status"),
    ("priority", "priority"),
    ("trend", "trend"),
    ("source", "source"),
    ("acknowledged", "acknowledged"),
)


def show_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of `history show`, typed for JSON (numbers as numbers, missing as null)."""
    from triage.history.store import format_result_id

    records = []
    people: dict[tuple[str | None, str], int] = {}
    for row in frame.to_dict("records"):
        change = _number(row.get("change_pct"))
        born, sex = _iso(row.get("birth_date")), _text(row.get("sex")).upper()
        person = people.setdefault((born, sex), len(people) + 1) if born or sex else None
        records.append(
            {
                "result_id": format_result_id(int(row["id"])),
                "issuer": _text(row.get("issuer")),
                "patient_id": _text(row.get("patient_id")),
                "collected_at": _iso(row.get("collected_at")),
                "result": reported_value(row),
                "prolactin_ng_ml": _number(row.get("prolactin_ng_ml")),
                "status": _text(row.get("status")),
                "priority": _text(row.get("priority")),
                "trend": _text(row.get("trend")),
                "change_pct": None if change is None else round(change, 1),
                "source_file": _text(row.get("source_file")),
                "source_sheet": _text(row.get("source_sheet")),
                "source_row": None if _missing(row.get("source_row")) else int(row["source_row"]),
                "acknowledged": _text(row.get("acknowledged")),
                "withdrawn": _text(row.get("withdrawn")),
                "visit": _text(row.get("visit")),
                "sex": sex,
                "birth_date": born,
                "identity_check": _text(row.get("identity_check")),
                "person": person,
                # for the table only
                "source": _source(row),
                "collected": _when(row.get("collected_at")),
                "ng_ml": _ng_ml(row),
            }
        )
    return records


def render_table(records: list[dict[str, Any]]) -> str:
    """Plain text, columns aligned (the last one, the acknowledgements, left ragged)."""
    shown = {"collected_at": "collected", "prolactin_ng_ml": "ng_ml"}
    columns = list(TABLE_COLUMNS)
    if any(r["issuer"] for r in records):
        columns.insert(1, ("issuer", "issuer"))
    if any(r["visit"] for r in records):  # a cohort's results without collection times
        columns.insert(columns.index(("collected", "collected_at")) + 1, ("visit", "visit"))
    if any(r["withdrawn"] for r in records):
        columns.append(("withdrawn", "withdrawn"))
    if people_of(records) > 1:  # one id, several people: which result is whose
        at = columns.index(("result", "result_id")) + 1
        columns[at:at] = [("person", "person"), ("sex", "sex"), ("born", "birth_date")]
    rows = [[heading for heading, _ in columns]]
    rows += [[_text(r[shown.get(key, key)]) for _, key in columns] for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def people_of(records: list[dict[str, Any]]) -> int:
    """How many people the records are of (their birth date and sex; 1 when unknown)."""
    return max([1, *(r["person"] or 1 for r in records)])


def render_csv(records: list[dict[str, Any]]) -> str:
    """CSV of SHOW_COLUMNS; text cells neutralised against formula injection."""
    from triage.output.safety import neutralise_text

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(SHOW_COLUMNS)
    for record in records:
        cells = []
        for name in SHOW_COLUMNS:
            value = record[name]
            if value is None:
                cells.append("")
            elif isinstance(value, str):
                cells.append(neutralise_text(value))
            else:
                cells.append(f"{value:g}" if isinstance(value, float) else str(value))
        writer.writerow(cells)
    return buffer.getvalue()


def render_json(records: list[dict[str, Any]]) -> str:
    return json.dumps(
        [{name: record[name] for name in SHOW_COLUMNS} for record in records],
        ensure_ascii=False,
        indent=2,
    )


@app.command("show")
def show_command(
    ctx: typer.Context,
    patient: Annotated[
        str,
        typer.Argument(
            metavar="PATIENT", help="The patient id, as the exports write it.", show_default=False
        ),
    ],
    issuer: Annotated[
        str | None,
        typer.Option(
            "--issuer",
            metavar="ISSUER",
            help="Only the results of this assigning authority (default: of every issuer).",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        ShowFormat,
        typer.Option(
            "--format",
            metavar=choices(ShowFormat),
            help="table (plain text), csv or json, on stdout.",
        ),
    ] = ShowFormat.table,
    history: HistoryOpt = None,
    config: ConfigOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Every stored result of one patient, oldest first.

    Shows the result id, collection time, the result as the lab reported it and in ng/mL,
    status, priority, trend, the source file and row, and the acknowledgements. Reads only:
    works while a run is writing. Exit status: 0 shown, 2 usage error (no history given) or no
    results for that patient, 3 history unusable (missing, busy or of a newer version).
    """
    location = _location(ctx, history)
    with console.error_boundary(debug=debug):
        from triage.history import ResultNotFoundError

        with _opened(location, read_only=True) as store:
            frame = store.results_of(patient, issuer)
        if frame.empty:
            # the id is the user's own input: not repeated (the line may reach a shared log)
            raise ResultNotFoundError("history: no results for that patient")
        records = show_records(frame)
        if people_of(records) > 1:
            console.notice([IDENTITY_CLASH.format(n=people_of(records))])
        if output_format is ShowFormat.csv:
            sys.stdout.write(render_csv(records))
        elif output_format is ShowFormat.json:
            console.out(render_json(records))
        else:
            console.out(render_table(records))


# ---------------------------------------------------------------------------------------------
# history export
# ---------------------------------------------------------------------------------------------
def _pyarrow() -> tuple[Any, Any]:
    try:
        pa = importlib.import_module("pyarrow")
        pq = importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise ParquetUnavailableError(
            f"Parquet output needs pyarrow, which is not installed; install it with: "
            f"{PARQUET_HINT} (or use --format csv)"
        ) from None
    return pa, pq


def export_frame(chunk: pd.DataFrame) -> pd.DataFrame:
    """A chunk of History.export with the store's ``id`` named ``result_id`` (as results.csv)."""
    frame = chunk.rename(columns={"id": "result_id"})
    return frame[["result_id", *[c for c in frame.columns if c != "result_id"]]]


def column_kinds() -> dict[str, str]:
    """The export's columns and their kinds (int, float, datetime, date, text), in order."""
    import sqlalchemy as sa

    from triage.history.store import PUBLIC_COLUMNS

    kinds = {}
    for column in PUBLIC_COLUMNS:
        name = "result_id" if column.name == "id" else column.name
        kind = column.type
        if isinstance(kind, sa.Integer):
            kinds[name] = "int"
        elif isinstance(kind, sa.Float):
            kinds[name] = "float"
        elif isinstance(kind, sa.DateTime):
            kinds[name] = "datetime"
        elif isinstance(kind, sa.Date):
            kinds[name] = "date"
        else:
            kinds[name] = "text"
    kinds["acknowledged"] = "text"
    kinds["withdrawn"] = "text"  # withdrawn or superseded: when, by which file and row, why
    return kinds


def _csv_chunk(frame: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    """Text cells neutralised (formula injection), times ISO; numbers stay numbers."""
    import pandas as pd

    from triage.output.safety import neutralise_series

    out: dict[str, pd.Series] = {}
    for name, kind in kinds.items():
        values = frame[name]
        if kind in ("int", "float"):
            out[name] = pd.to_numeric(values, errors="coerce")
            if kind == "int":
                out[name] = out[name].astype("Int64")
        elif kind in ("datetime", "date"):
            out[name] = values.map(_iso).astype("string")
        else:
            out[name] = neutralise_series(values.map(lambda v: None if _missing(v) else str(v)))
    return pd.DataFrame(out, index=frame.index)


def _arrow_schema(pa: Any, kinds: dict[str, str]) -> Any:
    """One schema for every chunk (a chunk whose column is all empty keeps its type)."""
    types = {
        "int": pa.int64(),
        "float": pa.float64(),
        "datetime": pa.timestamp("us"),
        "date": pa.date32(),
        "text": pa.string(),
    }
    return pa.schema([pa.field(name, types[kind]) for name, kind in kinds.items()])


def _arrow_table(pa: Any, schema: Any, frame: pd.DataFrame) -> Any:
    arrays = []
    for field in schema:
        values = [None if _missing(v) else v for v in frame[field.name].tolist()]
        if pa.types.is_floating(field.type):
            values = [None if v is None else float(v) for v in values]
        arrays.append(pa.array(values, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def export_history(store: History, out: Path, kind: ExportFormat, since: datetime | None) -> int:
    """Write every result (recorded since ``since``) to ``out`` whole or not at all, mode 0600;
    returns the row count."""
    from triage.io.atomic import AtomicFileSet

    if out.is_dir():
        raise ExportTargetError(f"--out {out} is a folder: name a file")
    if not out.parent.is_dir():
        raise ExportTargetError(f"--out {out}: the folder {out.parent} does not exist")
    kinds = column_kinds()
    rows = 0
    try:
        with AtomicFileSet(out.parent) as files:
            if kind is ExportFormat.parquet:
                pa, pq = _pyarrow()
                schema = _arrow_schema(pa, kinds)
                with files.open_binary(out.name) as handle:
                    writer = pq.ParquetWriter(handle, schema)
                    try:
                        for chunk in store.export(since=since):
                            writer.write_table(_arrow_table(pa, schema, export_frame(chunk)))
                            rows += len(chunk)
                    finally:
                        writer.close()
            else:
                with files.open_text(out.name) as text:
                    first = True
                    for chunk in store.export(since=since):
                        frame = _csv_chunk(export_frame(chunk), kinds)
                        frame.to_csv(text, header=first, index=False, lineterminator="\r\n")
                        rows += len(chunk)
                        first = False
                    if first:  # nothing stored: the header alone
                        text.write(",".join(kinds) + "\r\n")
            files.commit()
    except PermissionError as exc:
        raise ExportTargetError(f"--out {out}: cannot write there ({exc.strerror})") from None
    return rows


# What the suffix of --out says the file holds: an export format, or a kind of file the export
# never writes (a spreadsheet or a viewer opening it would fail on it, and a history's own
# .db would be replaced by text).  Any other suffix (.txt, none) takes --format, else CSV.
SUFFIX_FORMATS: Final = {
    ".csv": ExportFormat.csv,
    ".parquet": ExportFormat.parquet,
    ".pq": ExportFormat.parquet,
}
FORMAT_NAMES: Final = {ExportFormat.csv: "CSV", ExportFormat.parquet: "Parquet"}
OTHER_SUFFIXES: Final = {
    ".json": "JSON",
    ".jsonl": "JSON lines",
    ".ndjson": "JSON lines",
    ".tsv": "tab-separated text",
    ".xlsx": "an Excel workbook",
    ".xlsm": "an Excel workbook",
    ".xls": "an Excel workbook",
    ".ods": "an OpenDocument spreadsheet",
    ".html": "a web page",
    ".htm": "a web page",
    ".xml": "XML",
    ".pdf": "a PDF document",
    ".feather": "an Arrow file",
    ".arrow": "an Arrow file",
    ".db": "an SQLite database",
    ".sqlite": "an SQLite database",
    ".sqlite3": "an SQLite database",
    ".gz": "a compressed file",
    ".zip": "a zip archive",
    ".bz2": "a compressed file",
    ".xz": "a compressed file",
}


def _format_of(out: Path, given: ExportFormat | None) -> ExportFormat:
    """The export's format: --format, else the one --out's suffix names, else CSV; a usage error
    (exit 2) when the two disagree or the suffix names a kind of file the export never writes
    (CSV text in 'results.parquet' or 'results.xlsx' is a file nothing opens)."""
    suffix = out.suffix.lower()
    named = SUFFIX_FORMATS.get(suffix)
    if suffix in OTHER_SUFFIXES:
        raise typer.BadParameter(
            f"{out.name}: the name says {OTHER_SUFFIXES[suffix]}, but history export writes CSV "
            "or Parquet: name the file .csv or .parquet",
            param_hint="'--out'",
        )
    if given is not None and named is not None and named is not given:
        raise typer.BadParameter(
            f"{out.name} names a {FORMAT_NAMES[named]} file, but --format is {given.value}: "
            f"name the file {_suffix_of(given)}, or leave --format out (the suffix chooses)",
            param_hint="'--out' / '--format'",
        )
    return given or named or ExportFormat.csv


def _suffix_of(kind: ExportFormat) -> str:
    return next(suffix for suffix, named in SUFFIX_FORMATS.items() if named is kind)


@app.command("export")
def export_command(
    ctx: typer.Context,
    out_file: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help="The file to write (replaced whole; mode 0600).",
            dir_okay=False,
            show_default=False,
        ),
    ],
    output_format: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            metavar=choices(ExportFormat),
            help="csv, or parquet (needs the [parquet] extra). Default: from the --out suffix "
            "(.csv, .parquet), else csv. A suffix naming another format (.parquet with --format "
            "csv, .json, .xlsx, .db ...) is refused.",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            formats=DATE_FORMATS,
            metavar="DATE",
            help="Only results recorded on or after this date (UTC), e.g. 2026-12-01.",
            show_default=False,
        ),
    ] = None,
    history: HistoryOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Export every stored result (all columns, with the acknowledgements) to CSV or Parquet.

    Streamed from the history in chunks; written to a temporary file and renamed into place,
    so --out is whole or untouched. CSV text cells that a spreadsheet could run as a formula
    start with an apostrophe. Prints the number of results written. Exit status: 0 written,
    2 usage error (no history given, --out not writable or named for another format, pyarrow
    missing for parquet), 3 history unusable (missing, busy or of a newer version).
    """
    location = _location(ctx, history)
    kind = _format_of(out_file, output_format)
    console.configure_logging(quiet=quiet, verbose=verbose)
    with console.error_boundary(debug=debug):
        if kind is ExportFormat.parquet:
            _pyarrow()  # before the history is opened
        with _opened(location, read_only=True) as store:
            rows = export_history(store, out_file, kind, since)
        if not quiet:
            console.out(f"Exported {rows} result(s) to {out_file}")


# ---------------------------------------------------------------------------------------------
# history purge
# ---------------------------------------------------------------------------------------------
def interactive() -> bool:
    """Whether a person can answer a question (stdin and stdout are terminals)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


# The line a declined purge prints on stderr: no error (contract §6 keeps 1 for a bug), exit 0.
PURGE_DECLINED: Final = "history purge: declined at the prompt; nothing purged"
PURGE_INTERRUPTED: Final = "history purge: no answer at the prompt; nothing purged"


def _confirm_purge(cutoff: str, *, quiet: bool) -> None:
    """Ask before deleting; a "no" ends the command with nothing purged and exit 0 (a person's
    choice, not an error: contract §6 keeps 1 for a bug), Ctrl-C or Ctrl-D with 130 (as an
    interruption anywhere else)."""
    try:
        agreed = typer.confirm(f"Remove every result collected before {cutoff} from the history?")
    except typer.Abort:
        print(f"{console.PROG}: {PURGE_INTERRUPTED}", file=sys.stderr)
        raise typer.Exit(console.EXIT_INTERRUPTED) from None
    if not agreed:
        if not quiet:
            print(f"{console.PROG}: {PURGE_DECLINED}", file=sys.stderr)
        raise typer.Exit(0)


@app.command("purge")
def purge_command(
    ctx: typer.Context,
    before: Annotated[
        datetime,
        typer.Option(
            "--before",
            formats=DATE_FORMATS,
            metavar="DATE",
            help="Remove the results collected before this date (results without a "
            "collection time: recorded before it), with their acknowledgements.",
            show_default=False,
        ),
    ],
    yes: Annotated[
        bool,
        typer.Option("--yes", "-y", help="Do not ask for confirmation (needed off a terminal)."),
    ] = False,
    history: HistoryOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Retention: remove the results collected before --before from the history.

    Asks for confirmation on a terminal; anywhere else --yes is required. Prints how many
    results were removed. Exit status: 0 done (also when declined at the prompt: nothing is
    purged and stderr says so), 2 usage error (no history given, or no --yes off a terminal), 3
    history unusable (missing, busy or of a newer version), 130 interrupted at the prompt.
    """
    location = _location(ctx, history)
    console.configure_logging(quiet=quiet, verbose=verbose)
    cutoff = f"{before:%Y-%m-%d}" if before.time() == datetime.min.time() else f"{before}"
    if not yes:
        if not interactive():
            console.fail("history purge deletes results: pass --yes (no terminal to ask on)", 2)
        _confirm_purge(cutoff, quiet=quiet)
    with console.error_boundary(debug=debug), _opened(location) as store:
        removed = store.purge(before=before)
        if not quiet:
            console.out(f"Removed {removed} result(s) collected before {cutoff}.")


def register(root: typer.Typer) -> None:
    root.command("ack")(ack_command)
    root.add_typer(app, name="history")
