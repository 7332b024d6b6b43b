"""`batch`: cron mode over an inbox folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from triage.batch import describe, run_batch
from triage.cli import console
from triage.cli.options import (
    AllPatientsOpt,
    ColumnsOpt,
    ConfigOpt,
    DayFirstOpt,
    DebugOpt,
    FailOnOpt,
    PdfOpt,
    QuietOpt,
    RangesOpt,
    RedactKeyOpt,
    RedactOpt,
    TemplateDirOpt,
    UnitOpt,
    VerboseOpt,
    XlsxOpt,
    env,
)
from triage.cli.run import report_options
from triage.io import ReadOptions
from triage.pipeline import TriageRequest


def register(app: typer.Typer) -> None:
    @app.command("batch")
    def batch_command(
        ctx: typer.Context,
        inbox: Annotated[
            Path,
            typer.Option(
                "--inbox",
                envvar=env("inbox"),
                help="Folder that receives the exports.",
                exists=True,
                file_okay=False,
            ),
        ],
        out: Annotated[
            Path,
            typer.Option(
                "--out", "-o", envvar=env("out"), help="Folder for one output folder per input."
            ),
        ],
        archive: Annotated[
            Path | None,
            typer.Option(
                "--archive",
                envvar=env("archive"),
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
                min=0,
                help="Leave files modified more recently than this for the next run.",
            ),
        ] = 10.0,
        ranges: RangesOpt = "default",
        columns: ColumnsOpt = None,
        config: ConfigOpt = None,
        fail_on: FailOnOpt = None,
        dayfirst: DayFirstOpt = True,
        unit: UnitOpt = None,
        xlsx: XlsxOpt = False,
        pdf: PdfOpt = False,
        all_patients: AllPatientsOpt = False,
        redact: RedactOpt = False,
        redact_key: RedactKeyOpt = None,
        template_dir: TemplateDirOpt = None,
        quiet: QuietOpt = False,
        verbose: VerboseOpt = False,
        debug: DebugOpt = False,
    ) -> None:
        """Cron mode: triage each new file in the inbox once, one output folder per file.

        Exit status: 0 done (also when the inbox was empty), 3 every new file unusable, 4 some
        unusable, 10 --fail-on matched, 75 another run holds the lock (nothing done).
        """
        console.configure_logging(quiet=quiet, verbose=verbose)
        with console.error_boundary(debug=debug):
            template = TriageRequest(
                inputs=[],
                out_dir=out,
                ranges=ranges,
                columns=columns,
                read_options=ReadOptions(dayfirst=dayfirst, unit=unit),
                output_options=report_options(
                    ctx,
                    xlsx=xlsx,
                    pdf=pdf,
                    all_patients=all_patients,
                    redact=redact,
                    redact_key=redact_key,
                    template_dir=template_dir,
                ),
                fail_on=fail_on.value if fail_on else None,
            )
            outcome = run_batch(
                inbox, out, template, archive=archive, settle_seconds=settle_seconds
            )
            if not quiet:
                for line in describe(outcome.items):
                    console.out(line)
            for item in outcome.items:
                if item.status == "failed":
                    console.error(item.message)
        raise typer.Exit(outcome.exit_code)
