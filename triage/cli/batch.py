"""`batch`: cron mode over an inbox folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from triage.batch_defaults import (
    DEFAULT_FILE_TIMEOUT,
    DEFAULT_MEMORY_LIMIT_MB,
    DEFAULT_SETTLE_SECONDS,
)
from triage.cli import console
from triage.cli.options import (
    AllPatientsOpt,
    ColumnsOpt,
    ConfigOpt,
    DayFirstOpt,
    DebugOpt,
    DisplayUnit,
    DisplayUnitOpt,
    FailOnOpt,
    FhirOpt,
    GroupReadableOpt,
    HeaderRowOpt,
    HistoryOpt,
    JobsOpt,
    PdfOpt,
    PdfPerPatientOpt,
    QuietOpt,
    RangesOpt,
    RedactKeyFileOpt,
    RedactKeyOpt,
    RedactOpt,
    SheetOpt,
    TemplateDirOpt,
    UnitOpt,
    VerboseOpt,
    XlsxOpt,
    env,
)
from triage.cli.run import redact_key_sources, triage_request

if TYPE_CHECKING:  # imported when the command runs: --help stays light
    from triage.batch import BatchItem


def register(app: typer.Typer) -> None:
    @app.command("batch")
    def batch_command(
        ctx: typer.Context,
        inbox: Annotated[
            Path,
            typer.Option(
                "--inbox",
                envvar=env("inbox"),
                metavar="FOLDER",
                help="Folder that receives the exports.",
                exists=True,
                file_okay=False,
            ),
        ],
        out: Annotated[
            Path,
            typer.Option(
                "--out",
                "-o",
                envvar=env("out"),
                metavar="FOLDER",
                help="Folder for one output folder per input.",
            ),
        ],
        archive: Annotated[
            Path | None,
            typer.Option(
                "--archive",
                envvar=env("archive"),
                metavar="FOLDER",
                help="Move triaged inputs here (unusable ones to ARCHIVE/failed).",
                file_okay=False,
                show_default=False,
            ),
        ] = None,
        settle_seconds: Annotated[
            float,
            typer.Option(
                "--settle-seconds",
                envvar=env("settle_seconds"),
                metavar="SECONDS",
                min=0,
                help="Leave files modified more recently than this for the next run.",
            ),
        ] = DEFAULT_SETTLE_SECONDS,
        retry_failed: Annotated[
            bool,
            typer.Option(
                "--retry-failed",
                envvar=env("retry_failed"),
                help="Also try again the files in the failed/ folder (after a fix or an upgrade).",
            ),
        ] = False,
        file_timeout: Annotated[
            float,
            typer.Option(
                "--file-timeout",
                envvar=env("file_timeout"),
                metavar="SECONDS",
                min=0,
                help="Seconds one file may take; a file taking longer fails (0: no limit).",
            ),
        ] = DEFAULT_FILE_TIMEOUT,
        memory_limit: Annotated[
            int,
            typer.Option(
                "--memory-limit",
                envvar=env("memory_limit"),
                metavar="MB",
                min=0,
                help=(
                    "Memory (MB of address space) one file's triage may use beyond what the "
                    "program holds before it starts; 0: no limit."
                ),
            ),
        ] = DEFAULT_MEMORY_LIMIT_MB,
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
        group_readable: GroupReadableOpt = False,
        jobs: JobsOpt = 0,
        history: HistoryOpt = None,
        quiet: QuietOpt = False,
        verbose: VerboseOpt = False,
        debug: DebugOpt = False,
    ) -> None:
        """Cron mode: triage each new file in the inbox once, one output folder per file.

        Each file is read from a snapshot, alone, with a time and memory limit: an unusable file
        moves to failed/ (with a .error.txt) and the run goes on; a file that cannot be triaged
        because the history, the output folder or the disk fails stays in the inbox for the next
        run, and so do the files after it (the urgent results it was found to hold are listed all
        the same). The ledger and the lock live in
        INBOX/.prolactin-triage/ (so does the --redact key file, unless --redact-key or
        --redact-key-file is given). Urgent results are listed on stderr (also with --quiet) and in
        urgent.txt; with --history, a run that triages no file still lists the urgent results of
        earlier runs that nobody has acknowledged. Exit status: 0 done (also when the inbox was
        empty), 2 usage error, or the output folder, its disk or the inbox's state folder (lock,
        ledger) cannot be written and no file was triaged, 3 every new file unusable (or the
        ledger is damaged, or the history fails), 4 some unusable, 10 --fail-on matched, 75
        another run holds the inbox's lock (nothing done).
        """
        redact_key, redact_key_file = redact_key_sources(
            ctx, redact_key, redact_key_file, redact=redact
        )
        console.configure_logging(quiet=quiet, verbose=verbose)
        if archive is not None and archive.resolve() == inbox.resolve():
            # every run would find its own archived files in the inbox again
            raise typer.BadParameter(
                "must not be the inbox itself (use a folder beside it)", param_hint="'--archive'"
            )
        with console.error_boundary(debug=debug, quiet=quiet):
            from triage.batch import ERRORS, BatchSettings, describe, run_batch, state_dir
            from triage.history import DEFAULT_FILE as HISTORY_FILE
            from triage.keyfile import KEY_FILE_NAME
            from triage.pipeline import fail_on_message

            template = triage_request(
                ctx,
                [],
                out=out,
                ranges=ranges,
                columns=columns,
                fail_on=fail_on.value if fail_on else None,
                sheet=sheet,
                header_row=header_row,
                dayfirst=dayfirst,
                unit=unit,
                jobs=jobs,
                xlsx=xlsx,
                fhir=fhir,
                pdf=pdf,
                pdf_per_patient=pdf_per_patient,
                all_patients=all_patients,
                redact=redact,
                redact_key=redact_key,
                template_dir=template_dir,
                display_unit=display_unit.value,
                group_readable=group_readable,
                redact_key_file=redact_key_file,
                default_key_file=state_dir(inbox) / KEY_FILE_NAME,  # beside the ledger
                history=history,
                default_history=state_dir(inbox) / HISTORY_FILE,  # beside the ledger too
            )
            settings = BatchSettings(
                archive=archive,
                settle_seconds=settle_seconds,
                retry_failed=retry_failed,
                file_timeout=file_timeout or None,
                memory_limit_mb=memory_limit or None,
            )

            def said(item: BatchItem) -> None:
                """Each file's news as soon as it is done (whatever --quiet says for failures,
                notices and urgent results: cron mails what is printed, and a run killed later
                must not swallow what it already found)."""
                if not quiet:
                    console.out(describe([item])[0])
                if item.status in ERRORS:
                    console.error(item.message)
                console.notice(item.notices)
                console.urgent(item.urgent)

            with console.terminate_as_interrupt():
                outcome = run_batch(inbox, out, template, settings, on_item=said)
            console.notice(  # said once per file, whatever --quiet says
                [
                    f"{name}: dated in the future (the clock of the computer that wrote it is "
                    "ahead?): triaged once it has stayed unchanged for --settle-seconds by this "
                    "computer's clock, from the next run on"
                    for name in outcome.future_dated
                ]
            )
            console.urgent(outcome.reminders)
            matches = outcome.fail_on_matches
            if matches and fail_on is not None:  # said as `run` says it, whatever --quiet says
                console.error(fail_on_message(fail_on.value, matches))
        raise typer.Exit(outcome.exit_code)
