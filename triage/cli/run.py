"""`run` and `demo`: triage inputs and write the reports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from triage.cli import console
from triage.cli.options import (
    AllPatientsOpt,
    ColumnsOpt,
    ConfigOpt,
    DayFirstOpt,
    DebugOpt,
    DisplayUnit,
    DisplayUnitOpt,
    Engine,
    EngineOpt,
    FailOnOpt,
    FhirOpt,
    ForceOpt,
    GroupReadableOpt,
    HeaderRowOpt,
    HistoryOpt,
    JobsOpt,
    OutOpt,
    PdfOpt,
    PdfPerPatientOpt,
    QuietOpt,
    RangesOpt,
    RedactKeyFileOpt,
    RedactKeyOpt,
    RedactOpt,
    SchedulerOpt,
    SheetOpt,
    TemplateDirOpt,
    UnitOpt,
    VerboseOpt,
    WorkerMemoryOpt,
    XlsxOpt,
)
from triage.schema import PRIORITIES, STATUSES, ConfigError

if TYPE_CHECKING:  # the commands import the pipeline when they run: --help stays light
    from triage.dask_run import DaskOutcome
    from triage.history import FileIssuers, HistoryOptions
    from triage.output import Branding, OutputOptions
    from triage.pipeline import TriageOutcome, TriageRequest

DEFAULT_OUT = Path("triage-report")
DEMO_INPUT = "demo_export.xlsx"
MAX_INPUTS_NAMED = 10  # the last lines name this many inputs, then "and N more"

InputsArg = Annotated[
    list[Path],
    typer.Argument(
        metavar="INPUT...",
        help="Lab exports (xlsx, xls, ods, csv, tsv, HL7 v2, a FHIR JSON Bundle ...; README: "
        "Input formats) or folders of them.",
        show_default=False,
    ),
]


def sheet_option(value: str | None) -> str | int | None:
    """--sheet 2 means the second sheet; anything else is a sheet name."""
    if value is None:
        return None
    return int(value) - 1 if value.isdigit() and int(value) >= 1 else value


def branding_from_config(ctx: typer.Context) -> Branding | None:
    """The [branding] table of the --config file, if any."""
    table: Any = ctx.meta.get("config", {}).get("branding")
    if not table:
        return None
    config_path = Path(ctx.meta.get("config_path", "config.toml"))
    if not isinstance(table, dict):
        raise ConfigError(str(config_path), "[branding] must be a table", field="branding")
    from triage import output

    return output.branding_from_config(table, str(config_path), base_dir=config_path.parent)


_KEY_SOURCES = ("COMMANDLINE", "ENVIRONMENT", "DEFAULT_MAP")  # highest precedence first


def redact_key_sources(
    ctx: typer.Context, redact_key: str | None, redact_key_file: Path | None, *, redact: bool
) -> tuple[str | None, Path | None]:
    """--redact-key and --redact-key-file both give the key: both from the same place (command
    line, environment or config file) is a usage error (exit 2); from different places, the one
    of higher precedence wins, as for any option. A key without --redact is a usage error too
    (the reports would show the real ids the key was meant to hide). Checked outside the error
    boundary."""
    if not redact and (redact_key or redact_key_file is not None):
        name = "--redact-key" if redact_key else "--redact-key-file"
        raise typer.BadParameter(
            f"{name} needs --redact (without it the reports show the real ids)",
            ctx=ctx,
            param_hint=f"'{name}'",
        )
    if not redact_key or redact_key_file is None:
        return redact_key, redact_key_file

    def rank(name: str) -> int:
        source = ctx.get_parameter_source(name)
        return _KEY_SOURCES.index(source.name) if source and source.name in _KEY_SOURCES else 9

    key_rank, file_rank = rank("redact_key"), rank("redact_key_file")
    if key_rank == file_rank:
        raise typer.BadParameter(
            "cannot be used together with --redact-key: give one or the other",
            ctx=ctx,
            param_hint="'--redact-key-file'",
        )
    return (redact_key, None) if key_rank < file_rank else (None, redact_key_file)


def redact_key_bytes(
    *,
    redact: bool,
    redact_key: str | None,
    redact_key_file: Path | None,
    default_key_file: Path | None = None,
    group_readable: bool = False,
) -> bytes | None:
    """The --redact key: --redact-key, else the key file (--redact-key-file, else
    ``default_key_file`` (batch: in the inbox's state folder, made 0750 with --group-readable),
    else $XDG_CONFIG_HOME/prolactin-triage/redact.key), created on first use. No file is read
    or created without --redact."""
    if not redact:
        return None
    if redact_key:
        return redact_key.encode()
    from triage.keyfile import DIR_MODE, default_key_path, load_or_create_key

    if redact_key_file is not None:
        return load_or_create_key(redact_key_file)
    if default_key_file is not None:
        return load_or_create_key(default_key_file, dir_mode=0o750 if group_readable else DIR_MODE)
    return load_or_create_key(default_key_path())


def report_options(
    ctx: typer.Context,
    *,
    xlsx: bool,
    pdf: bool,
    all_patients: bool,
    pdf_per_patient: bool = False,
    redact: bool,
    redact_key: str | None,
    template_dir: Path | None,
    group_readable: bool = False,
    force: bool = False,
    redact_key_file: Path | None = None,
    default_key_file: Path | None = None,
    display_unit: str = "lab",
    fhir: bool = False,
) -> OutputOptions:
    """The output options shared by `run`, `demo` and `batch`."""
    from triage.output import OutputOptions

    key = redact_key_bytes(
        redact=redact,
        redact_key=redact_key,
        redact_key_file=redact_key_file,
        default_key_file=default_key_file,
        group_readable=group_readable,
    )
    return OutputOptions(
        xlsx=xlsx,
        pdf=pdf,
        pdf_per_patient=pdf_per_patient,
        all_patients=all_patients,
        redact=redact,
        redact_key=key,
        template_dir=template_dir,
        branding=branding_from_config(ctx),
        group_readable=group_readable,
        force=force,
        display_unit=display_unit,
        fhir=fhir,
    )


def triage_request(
    ctx: typer.Context,
    inputs: list[Path],
    *,
    out: Path,
    ranges: str,
    columns: Path | None,
    fail_on: str | None,
    sheet: str | None,
    header_row: int | None,
    dayfirst: bool | None,
    unit: str | None,
    jobs: int,
    xlsx: bool,
    pdf: bool,
    all_patients: bool,
    pdf_per_patient: bool = False,
    redact: bool,
    redact_key: str | None,
    template_dir: Path | None,
    group_readable: bool,
    force: bool = False,
    redact_key_file: Path | None = None,
    default_key_file: Path | None = None,
    history: str | None = None,
    default_history: Path | None = None,
    display_unit: str = "lab",
    fhir: bool = False,
) -> TriageRequest:
    """The request of `run`, `demo` and `batch` (each of batch's files) from their options."""
    from triage.io import ReadOptions
    from triage.pipeline import TriageRequest

    return TriageRequest(
        inputs=inputs,
        out_dir=out,
        ranges=ranges,
        columns=columns,
        read_options=ReadOptions(
            sheet=sheet_option(sheet), header_row=header_row, dayfirst=dayfirst, unit=unit
        ),
        output_options=report_options(
            ctx,
            xlsx=xlsx,
            pdf=pdf,
            pdf_per_patient=pdf_per_patient,
            all_patients=all_patients,
            redact=redact,
            redact_key=redact_key,
            template_dir=template_dir,
            group_readable=group_readable,
            force=force,
            redact_key_file=redact_key_file,
            default_key_file=default_key_file,
            display_unit=display_unit,
            fhir=fhir,
        ),
        fail_on=fail_on,
        jobs=jobs or None,
        history=history_from_options(ctx, history, default=default_history),
        issuers=issuers_from_config(ctx),
    )


def issuers_from_config(ctx: typer.Context) -> FileIssuers | None:
    """The inputs' issuers the config's [history] table names (``issuer``,
    ``[history.issuers]``), for the patient pages of a run without a history too."""
    from triage.history import file_issuers

    config = ctx.meta.get("config", {})
    return file_issuers(
        config.get("history"), config_path=str(ctx.meta.get("config_path", "config.toml"))
    )


def history_from_options(
    ctx: typer.Context, location: str | None, *, default: Path | None = None
) -> HistoryOptions | None:
    """The history of a command: --history (or its environment variable), else the config's
    [history] table, else ``default`` (batch: beside its ledger)."""
    from triage.history import history_options

    config = ctx.meta.get("config", {})
    return history_options(
        location,
        config.get("history"),
        config_path=str(ctx.meta.get("config_path", "config.toml")),
        default=default,
    )


def _triage(
    ctx: typer.Context,
    inputs: list[Path],
    *,
    out: Path,
    ranges: str,
    columns: Path | None,
    quiet: bool,
    verbose: bool,
    debug: bool,
    fail_on: str | None,
    sheet: str | None,
    header_row: int | None,
    dayfirst: bool | None,
    unit: str | None,
    xlsx: bool,
    pdf: bool,
    all_patients: bool,
    pdf_per_patient: bool = False,
    redact: bool,
    redact_key: str | None,
    template_dir: Path | None,
    force: bool = False,
    group_readable: bool = False,
    jobs: int = 0,
    redact_key_file: Path | None = None,
    history: str | None = None,
    display_unit: str = "lab",
    fhir: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    worker_memory: str | None = None,
) -> None:
    redact_key, redact_key_file = redact_key_sources(
        ctx, redact_key, redact_key_file, redact=redact
    )
    console.configure_logging(quiet=quiet, verbose=verbose)
    if engine == Engine.dask:
        unsupported = [
            name
            for name, given in (
                ("--xlsx", xlsx),
                ("--fhir", fhir),
                ("--redact", redact),
                ("--history", history),
            )
            if given
        ]
        if unsupported:
            raise typer.BadParameter(
                f"not with --engine dask (yet): {', '.join(unsupported)}",
                ctx=ctx,
                param_hint="'--engine'",
            )
    elif scheduler:
        raise typer.BadParameter("only with --engine dask", ctx=ctx, param_hint="'--scheduler'")
    with console.error_boundary(debug=debug, quiet=quiet):
        if engine != Engine.dask and inputs:  # parsed while the pipeline is imported
            from triage.io.options import ReadOptions
            from triage.io.sources import parse_ahead

            parse_ahead(inputs[0], sheet=sheet_option(sheet), limits=ReadOptions().limits)
        from triage import output
        from triage.pipeline import fail_on_message, run_triage

        request = triage_request(
            ctx,
            inputs,
            out=out,
            ranges=ranges,
            columns=columns,
            fail_on=fail_on,
            sheet=sheet,
            header_row=header_row,
            dayfirst=dayfirst,
            unit=unit,
            jobs=jobs,
            xlsx=xlsx,
            pdf=pdf,
            pdf_per_patient=pdf_per_patient,
            all_patients=all_patients,
            redact=redact,
            redact_key=redact_key,
            template_dir=template_dir,
            group_readable=group_readable,
            force=force,
            redact_key_file=redact_key_file,
            history=history,
            display_unit=display_unit,
            fhir=fhir,
        )
        options = request.output_options
        if engine == Engine.dask:
            from triage.dask_run import DaskRequest, run_dask

            dask_request = DaskRequest(
                inputs=inputs,
                out_dir=out,
                ranges=ranges,
                columns=columns,
                read_options=request.read_options,
                output_options=options,
                fail_on=fail_on,
                scheduler=scheduler,
                workers=jobs or None,
                memory_limit=worker_memory,
            )
            with console.terminate_as_interrupt():
                done = run_dask(dask_request)
            for failure in done.errors:
                console.error(str(failure))
            if not quiet:
                _print_dask_outcome(done, out)
            console.urgent(done.urgent)
            if done.fail_on_matches:
                console.error(fail_on_message(str(fail_on), done.fail_on_matches))
            raise typer.Exit(done.exit_code)
        # One run at a time per --out folder (exit 75), checked before any input is read.
        with (
            console.terminate_as_interrupt(),
            output.claim_output_folder(out, options),
            console.file_progress(enabled=not quiet) as progress,
        ):
            outcome = run_triage(request, progress=progress)
        for failure in outcome.errors:
            console.error(str(failure))
        if not quiet:
            _print_outcome(outcome, out, verbose=verbose, pdf_per_patient=pdf_per_patient)
        console.notice(outcome.notices)  # whatever --quiet says: cron mails what is printed
        console.urgent(outcome.urgent)
        if outcome.fail_on_matches:
            console.error(fail_on_message(str(fail_on), outcome.fail_on_matches))
    raise typer.Exit(outcome.exit_code)


def _print_outcome(
    outcome: TriageOutcome, out: Path, *, verbose: bool = False, pdf_per_patient: bool = False
) -> None:
    """The run's account on stdout: counts, the reading warnings of every input (per kind, as
    `check` finds them; their rows with --verbose), then the files triaged and the reports."""
    from triage.notices import NOT_READ_MARK
    from triage.output.options import PATIENT_PDF_DIR, PATIENTS_HTML, PATIENTS_PDF, SUMMARY_HTML
    from triage.reading_warnings import warning_lines

    n_results = outcome.result_count
    n_rejected = len(outcome.rejected)
    files = len(outcome.inputs)
    console.out(
        f"Triaged {n_results} result(s) from {files} file(s); "
        f"{n_rejected} row(s) rejected (listed in rejected.csv)."
    )
    priorities = outcome.count("priority")
    statuses = outcome.count("status")
    console.out("Priority: " + ", ".join(f"{priorities.get(p, 0)} {p}" for p in PRIORITIES))
    console.out("Status:   " + ", ".join(f"{statuses.get(s, 0)} {s}" for s in STATUSES))
    for summary in outcome.inputs:
        name = Path(summary.file).name
        # "were not read" warnings are notices, printed on stderr whatever --quiet says
        lines = warning_lines(summary, name, rows=verbose, see=SUMMARY_HTML, skip=(NOT_READ_MARK,))
        for line in lines:
            console.out(line)
    labels = outcome.input_labels  # --redact: the operator learns which label is which file
    triaged = [
        Path(s.file).name
        + (f" (sheet {s.sheet!r})" if s.sheet else "")
        + (
            f" (in the outputs: {' '.join(labels[n] for n in (s.file, s.sheet) if n in labels)})"
            if s.file in labels
            else ""
        )
        for s in outcome.inputs
    ]
    shown = ", ".join(triaged[:MAX_INPUTS_NAMED])
    more = f" and {len(triaged) - MAX_INPUTS_NAMED} more" if len(triaged) > MAX_INPUTS_NAMED else ""
    console.out(f"{'Input' if len(triaged) == 1 else 'Inputs'}: {shown}{more}")
    if outcome.errors:  # each error is on stderr too; summary.html and results.json list them
        unusable = [f"{Path(e.file).name} ({e.code})" for e in outcome.errors]
        more = (
            f" and {len(unusable) - MAX_INPUTS_NAMED} more"
            if len(unusable) > MAX_INPUTS_NAMED
            else ""
        )
        console.out(
            f"Not usable ({len(unusable)}, listed in the report): "
            f"{', '.join(unusable[:MAX_INPUTS_NAMED])}{more}"
        )
    written = {_relative(p, out) for p in outcome.written}
    console.out(f"Report: {out / SUMMARY_HTML}")
    pages = outcome.patient_pages
    console.out(f"Patient pages: {out / PATIENTS_HTML} ({pages} page{'' if pages == 1 else 's'})")
    if PATIENTS_PDF in written:
        console.out(f"PDF: {out / PATIENTS_PDF}")
    per_patient = sum(1 for name in written if name.startswith(f"{PATIENT_PDF_DIR}/"))
    if per_patient or pdf_per_patient:
        console.out(f"Patient PDFs: {out / PATIENT_PDF_DIR} ({per_patient} file(s))")


def _print_dask_outcome(outcome: DaskOutcome, out: Path) -> None:
    """The account of a --engine dask run: counts, rows per input, the files written."""
    from triage.dask_run import REPORT_DIR, RESULTS_PARQUET, SUMMARY_JSON

    console.out(
        f"Triaged {outcome.result_count} result(s) from {len(outcome.inputs)} file(s) on Dask; "
        f"{outcome.rejected_count} row(s) rejected."
    )
    priorities = outcome.count("priority")
    statuses = outcome.count("status")
    console.out("Priority: " + ", ".join(f"{priorities.get(p, 0)} {p}" for p in PRIORITIES))
    console.out("Status:   " + ", ".join(f"{statuses.get(s, 0)} {s}" for s in STATUSES))
    console.out(f"Results: {out / RESULTS_PARQUET} (rows per input: {out / SUMMARY_JSON})")
    console.out(f"Report: {out / REPORT_DIR / 'summary.html'}")
    pages = outcome.patient_pages
    console.out(
        f"Patient pages: {out / REPORT_DIR / 'patients.html'} "
        f"({pages} page{'' if pages == 1 else 's'})"
    )


def _relative(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix() if path.is_relative_to(folder) else path.name


def _demo_input() -> Path:
    from triage.resources import data_file

    return data_file(DEMO_INPUT)


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run_command(
        ctx: typer.Context,
        inputs: InputsArg,
        out: OutOpt = DEFAULT_OUT,
        ranges: RangesOpt = "default",
        columns: ColumnsOpt = None,
        config: ConfigOpt = None,
        fail_on: FailOnOpt = None,
        sheet: SheetOpt = None,
        header_row: HeaderRowOpt = None,
        dayfirst: DayFirstOpt = None,
        unit: UnitOpt = None,
        xlsx: XlsxOpt = False,
        fhir: FhirOpt = False,
        pdf: PdfOpt = False,
        pdf_per_patient: PdfPerPatientOpt = False,
        all_patients: AllPatientsOpt = False,
        redact: RedactOpt = False,
        redact_key: RedactKeyOpt = None,
        redact_key_file: RedactKeyFileOpt = None,
        template_dir: TemplateDirOpt = None,
        display_unit: DisplayUnitOpt = DisplayUnit.lab,
        force: ForceOpt = False,
        group_readable: GroupReadableOpt = False,
        jobs: JobsOpt = 0,
        history: HistoryOpt = None,
        engine: EngineOpt = Engine.local,
        scheduler: SchedulerOpt = None,
        worker_memory: WorkerMemoryOpt = None,
        quiet: QuietOpt = False,
        verbose: VerboseOpt = False,
        debug: DebugOpt = False,
    ) -> None:
        """Triage one or more exports and write the reports into --out.

        Writes summary.html, patients.html, results.csv, results.json and rejected.csv
        (results.xlsx with --xlsx, results.fhir.json with --fhir, patients.pdf with --pdf,
        patients/ with one PDF per patient page with --pdf-per-patient), all or none, files
        0600 in folders
        0700 (--group-readable: 0640 / 0750), and .prolactin-triage-outputs.json, the list of
        the files the tool wrote: a later run replaces or removes only those. A folder that
        holds other files and no such list is refused unless --force. One run at a time per
        --out folder. Exit status: 0 done, 2 usage error or output folder refused or not
        writable, 3 no usable input or history unusable, 4 some inputs unusable, 10 --fail-on
        matched, 75 another run is writing to --out (nothing done).
        """
        _triage(
            ctx,
            inputs,
            history=history,
            out=out,
            ranges=ranges,
            columns=columns,
            quiet=quiet,
            verbose=verbose,
            debug=debug,
            fail_on=fail_on.value if fail_on else None,
            sheet=sheet,
            header_row=header_row,
            dayfirst=dayfirst,
            unit=unit,
            xlsx=xlsx,
            fhir=fhir,
            pdf=pdf,
            pdf_per_patient=pdf_per_patient,
            all_patients=all_patients,
            redact=redact,
            redact_key=redact_key,
            redact_key_file=redact_key_file,
            template_dir=template_dir,
            display_unit=display_unit.value,
            force=force,
            group_readable=group_readable,
            jobs=jobs,
            engine=engine.value,
            scheduler=scheduler,
            worker_memory=worker_memory,
        )

    @app.command("demo")
    def demo_command(
        ctx: typer.Context,
        out: OutOpt = DEFAULT_OUT,
        ranges: RangesOpt = "default",
        config: ConfigOpt = None,
        fail_on: FailOnOpt = None,
        xlsx: XlsxOpt = False,
        fhir: FhirOpt = False,
        pdf: PdfOpt = False,
        pdf_per_patient: PdfPerPatientOpt = False,
        all_patients: AllPatientsOpt = False,
        redact: RedactOpt = False,
        redact_key: RedactKeyOpt = None,
        redact_key_file: RedactKeyFileOpt = None,
        template_dir: TemplateDirOpt = None,
        display_unit: DisplayUnitOpt = DisplayUnit.lab,
        force: ForceOpt = False,
        group_readable: GroupReadableOpt = False,
        quiet: QuietOpt = False,
        verbose: VerboseOpt = False,
        debug: DebugOpt = False,
    ) -> None:
        """Triage the synthetic sample export bundled with the tool (writes ./triage-report).

        The --out folder is handled as by `run`. Exit status: 0 done, 2 usage error or output
        folder refused or not writable, 10 --fail-on matched, 75 another run is writing to
        --out (nothing done).
        """
        _triage(
            ctx,
            [_demo_input()],
            out=out,
            ranges=ranges,
            columns=None,
            quiet=quiet,
            verbose=verbose,
            debug=debug,
            fail_on=fail_on.value if fail_on else None,
            sheet=None,
            header_row=None,
            dayfirst=True,
            unit=None,
            xlsx=xlsx,
            fhir=fhir,
            pdf=pdf,
            pdf_per_patient=pdf_per_patient,
            all_patients=all_patients,
            redact=redact,
            redact_key=redact_key,
            redact_key_file=redact_key_file,
            template_dir=template_dir,
            display_unit=display_unit.value,
            force=force,
            group_readable=group_readable,
        )
