"""What a run must say about its inputs whatever ``--quiet`` says.

A file whose rows were all (or mostly) rejected, or whose workbook holds results on sheets that
were not read, finishes "done" — but a person must look at it: rows that may hold urgent results
did not become results.  `run` and `batch` print these notices on stderr even under ``--quiet``
(cron mails what a job prints).  They name files, counts and sheets, never cell values.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from triage.schema import InputSummary

# A reading warning containing this phrase means results in the file were not read.
NOT_READ_MARK: Final = "were not read"
# A warning containing this phrase: the file withdrew results earlier runs recorded (history).
WITHDRAWN_MARK: Final = "withdrawn by the lab"


def withdrawn_warning(count: int, this_run: int = 0) -> str:
    """What a file that withdraws results earlier runs (or ``this_run`` of them: an earlier
    file of the same run) recorded says (a notice: urgent lists and trends no longer use
    them)."""
    if this_run >= count:
        recorded = "recorded by an earlier file of this run"
    elif this_run:
        recorded = f"recorded by earlier runs ({this_run} by an earlier file of this run)"
    else:
        recorded = "recorded by earlier runs"
    return (
        f"{count} result(s) {recorded} were {WITHDRAWN_MARK} (a void or "
        "corrected result status, or a final result replacing a preliminary one, for the same "
        "patient and specimen): they are no longer listed "
        "as urgent nor used as earlier results (history show lists them as withdrawn)"
        + (
            "; results.csv keeps this run's withdrawn row as it was triaged: the later file's "
            "result is the lab's"
            if this_run
            else ""
        )
    )


# A warning containing this phrase: a withdrawal or correction of the file matched no result.
NOTHING_WITHDRAWN_MARK: Final = "nothing was withdrawn or corrected"
_ROWS_LISTED: Final = 10


def unmatched_warning(rows: Sequence[int], without_specimen: int) -> str:
    """What a file says whose withdrawals or corrections (a void or corrected result status)
    matched no result the history holds: an earlier urgent result may still stand.  Row numbers
    only, never ids or values."""
    listed = ", ".join(str(r) for r in rows[:_ROWS_LISTED])
    more = f" and {len(rows) - _ROWS_LISTED} more" if len(rows) > _ROWS_LISTED else ""
    why = (
        f" ({without_specimen} without a specimen number, which alone names the result)"
        if without_specimen
        else ""
    )
    return (
        f"{len(rows)} withdrawal(s) or correction(s) (row {listed}{more}) matched no result the "
        f"history holds for the same patient and specimen number{why}: {NOTHING_WITHDRAWN_MARK}; "
        "any result earlier runs recorded for it (an urgent one too) still stands: check the "
        "patient's results with history show"
    )


# A warning containing this phrase: a result of the file and one the history holds are of the
# same patient, specimen and collection time with different values (no correction said).
CONFLICT_MARK: Final = "another value for the same specimen"


def conflict_warning(rows: Sequence[int], stored: Sequence[int]) -> str:
    """What a file says whose results repeat a specimen and collection time another file stored
    with another value, no correction said (no corrected status, no comment saying so): one
    sample, two values; both are kept and the earlier one is not withdrawn (an urgent one is
    still reminded).  Row numbers and result ids only, never values."""
    listed = ", ".join(str(r) for r in rows[:_ROWS_LISTED])
    more = f" and {len(rows) - _ROWS_LISTED} more" if len(rows) > _ROWS_LISTED else ""
    ids = ", ".join(f"R-{i}" for i in stored[:_ROWS_LISTED])
    also = f" and {len(stored) - _ROWS_LISTED} more" if len(stored) > _ROWS_LISTED else ""
    return (
        f"{len(rows)} result(s) (row {listed}{more}) hold {CONFLICT_MARK} and collection time "
        f"as a result the history holds ({ids}{also}; the same patient): both are "
        "kept and neither is taken for a correction (no corrected status nor a comment saying "
        "so); check which is right with history show, and ack or have the lab correct the other"
    )


def undated_held_warning(rows: Sequence[int], held: Sequence[int]) -> str:
    """What a file says whose results without a collection time were taken for results another
    file stored (the same patient, visit where both name one, qualifier, value and unit: a
    re-export), so that a new sample of the same value is not taken for the stored one unseen.
    Row numbers and ids only."""
    listed = ", ".join(str(r) for r in rows[:_ROWS_LISTED])
    more = f" and {len(rows) - _ROWS_LISTED} more" if len(rows) > _ROWS_LISTED else ""
    ids = ", ".join(f"R-{i}" for i in held[:_ROWS_LISTED])
    also = f" and {len(held) - _ROWS_LISTED} more" if len(held) > _ROWS_LISTED else ""
    return (
        f"{len(rows)} result(s) without a collection time (row {listed}{more}) are results "
        f"another file recorded ({ids}{also}: the same patient, value and unit, and the same "
        "visit where both name one), kept under their ids with their acknowledgements, nothing "
        "added; a new sample of the same value is told apart only by its collection time or "
        "its visit"
    )


def rerun_warning(first: str, recorded_at: datetime) -> str:
    """What an input whose bytes an earlier run recorded in the history says: its results are
    the stored ones again (their ids and history kept, nothing added), also a result without a
    collection time whose value a later file changed (only its file tells it from a new one)."""
    return (
        f"{RERUN_MARK} ({first}, {recorded_at:%Y-%m-%d %H:%M} UTC; the same SHA-256): its "
        "results are those stored then (their ids and earlier results kept, nothing added)"
    )


# A warning containing this phrase: the history holds the file's content from an earlier run.
RERUN_MARK: Final = "the history already holds this file's content"
# A warning containing this phrase: the file is a copy of another input of the same run.
COPY_MARK: Final = "the same content as"


def copy_warning(first: str) -> str:
    """What an input whose bytes are those of an earlier input of the run says (a notice: its
    results are counted and listed twice, its urgent ones said twice)."""
    return (
        f"{COPY_MARK} {first} (the same SHA-256): its results are triaged and listed twice; "
        "leave one copy out"
    )


def skipped_notices(skipped: Sequence[str]) -> list[str]:
    """One line naming what the folders given held and the run did not read (subfolders, files
    of another type): results there would otherwise be missed unseen."""
    if not skipped:
        return []
    shown = ", ".join(skipped[:SKIPPED_NAMED])
    more = f" and {len(skipped) - SKIPPED_NAMED} more" if len(skipped) > SKIPPED_NAMED else ""
    return [
        f"not read in the folder(s) given: {shown}{more} (subfolders are not searched, and only "
        "exports of a supported type are read; give them by name to read them)"
    ]


SKIPPED_NAMED: Final = 5  # of the entries a folder holds and a run does not read, named

# At least this share of a file's rows rejected deserves a notice (a wrong unit, a shifted
# column, a broken export); fewer are ordinary and listed in rejected.csv only.
REJECTED_SHARE_NOTICE: Final = 0.5


def notices(inputs: Sequence[InputSummary]) -> list[str]:
    """One line per thing to look at, in input order."""
    lines: list[str] = []
    for summary in inputs:
        read, rejected = summary.rows_read, summary.rows_rejected
        if read and summary.rows_triaged == 0:
            lines.append(
                f"{summary.file}: none of its {read} row(s) could be triaged "
                "(every row was rejected; the reasons are in rejected.csv)"
            )
        elif read and rejected >= REJECTED_SHARE_NOTICE * read:
            lines.append(
                f"{summary.file}: {rejected} of its {read} rows were rejected "
                "(the reasons are in rejected.csv)"
            )
        lines += [
            f"{summary.file}: {w}"
            for w in summary.warnings
            if NOT_READ_MARK in w
            or WITHDRAWN_MARK in w
            or COPY_MARK in w
            or NOTHING_WITHDRAWN_MARK in w
            or CONFLICT_MARK in w
        ]
    return lines


# The warnings said on stderr whatever --quiet says (a person must look).
SAID_MARKS: Final = (
    NOT_READ_MARK,
    WITHDRAWN_MARK,
    NOTHING_WITHDRAWN_MARK,
    COPY_MARK,
    CONFLICT_MARK,
)
