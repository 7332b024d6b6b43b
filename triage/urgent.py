"""The plain-text list of urgent results: what a person must act on today.

Urgent results must reach someone whatever the output options: ``run`` and ``batch`` print this
list on stderr whenever a run finds urgent results (also under ``--quiet``: cron mails what a job
prints, not its exit status) and write it as ``urgent.txt`` beside the report.  One line per
result: patient id, specimen number, the value in the lab's own unit, why it is urgent, and where
the report is.  The list is built from the results as written (redacted under ``--redact``).
"""

from __future__ import annotations

import shlex
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import pandas as pd

from triage.numbers import fmt, fmt_lab, lab_decimals, times_text
from triage.schema import Rejected
from triage.terminal import visible

URGENT: Final = "urgent"
URGENT_REFERRAL: Final = "urgent_endocrine_referral"  # schema.SUGGESTION_CODES
URGENT_TXT: Final = "urgent.txt"
URGENT_LINE_START: Final = "URGENT patient "  # every line of the list starts so
NOT_TRIAGED_MARK: Final = " | not triaged ("  # in the line of a possibly urgent rejected row
_MISSING: Final = "-"


def urgent_results(results: pd.DataFrame) -> pd.DataFrame:
    """The urgent rows, in their input order."""
    if results.empty or "priority" not in results:
        return results.iloc[0:0]
    return results[results["priority"].astype("string").eq(URGENT).fillna(False)]


def _text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return _MISSING
    text = " ".join(str(value).split())
    return text or _MISSING


def _value(row: pd.Series) -> str:
    number = row.get("prolactin_value")
    unit = _text(row.get("prolactin_unit"))
    qualifier = _text(row.get("qualifier"))
    if number is None or pd.isna(number):
        raw = _text(row.get("prolactin_raw"))
        unit_raw = _text(row.get("unit_raw"))
        return raw if unit_raw == _MISSING else f"{raw} {unit_raw}"
    prefix = "" if qualifier == _MISSING else qualifier
    cell = row.get("prolactin_raw")
    # the lab's number at the lab's precision, as the comment and the reason write it (235.87,
    # never the 235.9 of the one formatter); a value without a written cell by that formatter
    if isinstance(cell, str) and any(c.isdigit() for c in cell):
        shown = fmt_lab(float(number), lab_decimals(cell, float(number)))
    else:
        shown = fmt(float(number))
    return f"{prefix}{shown} {'' if unit == _MISSING else unit}".strip()


def _reason(row: pd.Series) -> str:
    """The urgent referral's own reason (which red flag or level made it urgent), else the
    level against the limit and the leading factor."""
    suggestions = row.get("suggestion_details")
    if isinstance(suggestions, list):
        for item in suggestions:
            if (
                isinstance(item, dict)
                and item.get("code") == URGENT_REFERRAL
                and item.get("reason")
            ):
                return _text(item["reason"])
    parts: list[str] = []
    times = row.get("times_uln")
    if times is not None and not pd.isna(times):
        parts.append(f"{times_text(float(times), _text(row.get('qualifier')).strip('-'))} ULN")
    details = row.get("factor_details")
    if isinstance(details, list) and details:
        top = details[0]
        parts.append(f"{top.get('strength', '')} {top.get('label', '')}".strip())
    return "; ".join(parts) or "urgent by the priority rules"


def _patient(row: pd.Series) -> str:
    """The patient id, with its issuer when the input or the history names one ("5555
    (NORTH)", as ``ack`` says it): the same id from two hospitals is two patients."""
    named = (_text(row.get(c)) for c in ("patient_issuer", "issuer"))
    issuer = next((n for n in named if n != _MISSING), "")
    return f"{_text(row.get('patient_id'))}{f' ({issuer})' if issuer else ''}"


PRELIMINARY_MARK: Final = " (preliminary result: the final one may differ)"


def _preliminary(row: pd.Series) -> str:
    """PRELIMINARY_MARK for a result its lab reported as preliminary (result_status)."""
    return PRELIMINARY_MARK if _text(row.get("result_status")) == "preliminary" else ""


def _result_ref(row: pd.Series) -> str:
    """' | result R-12' when the run keeps a history (``ack R-12`` records who was told)."""
    value = row.get("result_id")
    if value is None or pd.isna(value):
        return ""
    return f" | result R-{int(value)}"


# Where an urgent line's report is when the outputs could not be written (a full or read-only
# disk): the lines are said anyway (TriageError.urgent).
REPORT_NOT_WRITTEN: Final = "not written (the outputs could not be written)"
# ... and when the history could not be opened or record the results: the reports are not
# published without it (the next run, the history back, publishes them).
REPORT_NOT_PUBLISHED: Final = "not published (the history could not be opened or written)"


def urgent_lines(
    results: pd.DataFrame,
    report: Path | str,
    reminded: Mapping[int, object] | None = None,
    history: str | None = None,
) -> list[str]:
    """One line per urgent result (empty when there is none).  ``reminded``: result id -> when
    it was reported, of the history's urgent results not acknowledged in time (``overdue``):
    a result sent again by a cumulative or repeated export is that reminder, said on its line
    (``_reminder``), never a second line (``overdue_lines`` leaves out the ids listed here)."""
    lines = []
    for _, row in urgent_results(results).iterrows():
        where = _where(row)
        lines.append(
            f"{URGENT_LINE_START}{_patient(row)}"
            f" | specimen {_text(row.get('specimen_id'))}"
            f" | prolactin {_value(row)}{_preliminary(row)}"
            f" | {_reason(row)}"
            f" | {where}"
            f"{_result_ref(row)}"
            f" | report {report}"
            f"{_acknowledged(row)}"
            f"{_reminder(row.get('result_id'), reminded, history)}"
        )
    return lines


def rejected_urgent_lines(
    rejected: Sequence[Rejected],
    report: Path | str,
    reminded: Mapping[int, object] | None = None,
    history: str | None = None,
) -> list[str]:
    """One line per rejected row that is possibly urgent (Rejected.possibly_urgent: a result
    without a unit above the urgent level whatever its unit): not triaged, yet someone must act
    on it today.  ``reminded``: as for ``urgent_lines`` (the row's entry sent again)."""
    lines = []
    for r in rejected:
        if not r.possibly_urgent:
            continue
        lines.append(
            f"{URGENT_LINE_START}{_text(r.patient_id)}"
            f" | specimen {_text(r.specimen_id)}"
            f"{NOT_TRIAGED_MARK}{r.reason_code}): {_text(r.detail)}"
            f" | {_place(r.source_file, r.source_sheet, r.source_row)}"
            + (f" | result R-{r.result_id}" if r.result_id is not None else "")
            + f" | report {report}"
            + _reminder(r.result_id, reminded, history)
        )
    return lines


def untriaged_urgent_count(text: str) -> int:
    """The urgent lines of an urgent list (urgent.txt's text, or the lines of a run joined) that
    are no result triaged in this run: the possibly urgent rejected rows, not triaged, and the
    earlier urgent results nobody has acknowledged (``overdue_lines``, NOT YET ACKNOWLEDGED).
    Their share of --fail-on (pipeline.fail_on_matches): a cron job alerting on exit 10 hears
    of an overdue urgent result too, on every run until it is acknowledged."""
    return sum(
        line.startswith(URGENT_LINE_START) and (NOT_TRIAGED_MARK in line or _OVERDUE_PART in line)
        for line in text.splitlines()
    )


ACKNOWLEDGED_MARK: Final = "ALREADY ACKNOWLEDGED: "


def _acknowledged(row: pd.Series) -> str:
    """' | ALREADY ACKNOWLEDGED: communicated by ...' for a result the history holds as told
    (a cumulative export sends it again): still listed, never hidden, but nobody phones twice."""
    said = _text(row.get("acknowledged"))
    return f" | {ACKNOWLEDGED_MARK}{said}" if said != _MISSING else ""


def ack_location(location: str) -> str:
    """A history location as the ``ack`` hint gives it: a file as an absolute path (the command
    may be typed in another folder), a database URL without its password."""
    if "://" not in location:
        return str(Path(location).expanduser().absolute())
    import sqlalchemy as sa  # a database URL: the history (and SQLAlchemy) is in use

    from triage.history.store import describe

    return describe(sa.make_url(location))


def _where(row: pd.Series) -> str:
    """Where the result was read: "<file> row <n>", with the sheet of a workbook ("<file>
    sheet 'X' row <n>": a workbook's sheets may all hold results, each with its own row 2)."""
    return _place(row.get("source_file"), row.get("source_sheet"), row.get("source_row"))


def _place(file: object, sheet: object, row: object) -> str:
    """ "<file> row <n>", or "<file> sheet 'X' row <n>" for a workbook's sheet."""
    named = f" sheet {sheet!r}" if isinstance(sheet, str) and sheet else ""
    return f"{_text(file)}{named} row {_text(row)}"


def urgent_text(lines: Sequence[str], *, header: str) -> str:
    """The urgent.txt file: a header line, then the lines (or a line saying there are none)."""
    body = list(lines) or ["no urgent result in this run"]
    return "\n".join(visible(line) for line in [header, *body]) + "\n"


OVERDUE_MARK: Final = "NOT YET ACKNOWLEDGED"
_OVERDUE_PART: Final = f" | {OVERDUE_MARK}: reported "  # in the line of an overdue reminder
# in the line of a result of this run that is an overdue reminder (the same result sent again):
# counted with the run's results, never again as a reminder (untriaged_urgent_count)
REMINDER_PART: Final = f" | {OVERDUE_MARK} (sent again, not a new result): reported "


def _reported(when: object) -> str:
    return f"{when:%Y-%m-%d %H:%M} UTC" if isinstance(when, datetime) else _MISSING


def _ack_command(result_id: object, history: str | None) -> str:
    """The command that acknowledges result R-<result_id> (``history``: ack_location)."""
    where = f" --history {shlex.quote(history)}" if history else ""
    return f"prolactin-triage ack R-{_text(result_id)} --by NAME{where}"


def _ack_hint(result_id: object, history: str | None) -> str:
    return f" | acknowledge: {_ack_command(result_id, history)}"


def _reminder(result_id: object, reminded: Mapping[int, object] | None, history: str | None) -> str:
    """The reminder said on the line of a result this run lists that the history holds as
    urgent and not acknowledged in time ("" for any other)."""
    if not reminded or result_id is None or pd.isna(result_id):  # type: ignore[call-overload]
        return ""
    number = int(result_id)  # type: ignore[call-overload]
    if number not in reminded:
        return ""
    return (
        f"{REMINDER_PART}{_reported(reminded[number])} as result R-{number}"
        f"{_ack_hint(number, history)}"
    )


def reminded_results(overdue: pd.DataFrame | None) -> dict[int, object]:
    """Result id -> the time it was reported, of the history's overdue urgent results."""
    if overdue is None or overdue.empty:
        return {}
    return dict(zip(overdue["id"].astype("int64").tolist(), overdue["recorded_at"], strict=True))


def listed_result_ids(rows: pd.DataFrame, rejected: Sequence[Rejected]) -> frozenset[int]:
    """The history's result ids of a run's urgent lines: its urgent results' and its possibly
    urgent rows' entries (Rejected.result_id)."""
    ids = rows["result_id"].dropna().tolist() if "result_id" in rows.columns else []
    ids += [r.result_id for r in rejected if r.possibly_urgent and r.result_id is not None]
    return frozenset(int(i) for i in ids)


def not_listed(overdue: pd.DataFrame, listed: Collection[int]) -> pd.DataFrame:
    """The overdue urgent results a run (or a batch's files) did not list as its own: each
    reminded once, on the result's own line when it was sent again."""
    if overdue.empty or not listed:
        return overdue
    return overdue[~overdue["id"].astype("int64").isin(set(listed))].reset_index(drop=True)


@dataclass(frozen=True, slots=True)
class OverdueReminder:
    """An urgent result of an earlier run nobody has acknowledged, as every output says it:
    urgent.txt and stderr (``overdue_lines``) and summary.html's reminders (one source)."""

    patient: str  # the id as the outputs show it, with its issuer: "5555 (NORTH)"
    specimen: str
    prolactin: str  # "6000 mIU/L"
    reported: str  # when an earlier run reported it: "2026-12-04 06:00 UTC"
    result_id: str  # "R-3"
    place: str  # "<file> [sheet 'X'] row <n>"
    command: str  # "prolactin-triage ack R-3 --by NAME --history /path/history.db"

    @property
    def line(self) -> str:
        """Its line in urgent.txt and on stderr."""
        return (
            f"{URGENT_LINE_START}{self.patient}"
            f" | specimen {self.specimen}"
            f" | prolactin {self.prolactin}"
            f"{_OVERDUE_PART}{self.reported} as result {self.result_id}"
            f" | {self.place}"
            f" | acknowledge: {self.command}"
        )


def overdue_items(results: pd.DataFrame, history: str | None = None) -> list[OverdueReminder]:
    """Urgent results of earlier runs nobody has acknowledged (the history's ``results`` rows:
    ``id``, ``recorded_at``; as the outputs show them): listed again in every run until
    ``prolactin-triage ack``.  ``history``: where the history is, as the ack command needs it
    (``ack_location``)."""
    reminders = []
    for _, row in results.iterrows():
        when = row.get("recorded_at")
        result_id = f"R-{_text(row.get('id'))}"
        reminders.append(
            OverdueReminder(
                patient=_patient(row),
                specimen=_text(row.get("specimen_id")),
                prolactin=_value(row),
                reported=_reported(when),
                result_id=result_id,
                place=_where(row),
                command=_ack_command(row.get("id"), history),
            )
        )
    return reminders


def overdue_lines(results: pd.DataFrame, history: str | None = None) -> list[str]:
    """The lines of ``overdue_items`` (urgent.txt, stderr)."""
    return [r.line for r in overdue_items(results, history)]
