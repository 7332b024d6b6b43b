"""Whether a rejected row's words name a mass-effect red flag, and the note that says so.

A row that is not triaged (its result has no known unit, its line cannot be split safely, its
age cannot be read...) may still say in its notes what needs an urgent referral whatever the
result: a visual field defect, a bitemporal hemianopia, an eye-nerve palsy, a sudden severe
headache (clinical-reference §5, §8: red flags -> urgent referral).  With any raised prolactin
the engine makes such a row urgent, and its result is not known: the row is listed with the
urgent results (Rejected.possibly_urgent), as one whose level may be urgent is.

The words are read with the engine's own cue book (triage/data/cues.toml: the same cues, the
same negation and history handling): "keine Gesichtsfeldausfälle", "no visual field defect"
and "hemianopia 2015, resolved" name none.  Blurred vision alone is no red flag unless the
prolactin is raised (engine/context.py), so it alone does not list a row whose result is not
known.  A row whose own result is triaged from another line (a message sent again, the same
result in the other unit), a layout row, another test's line, a cancelled result or a row
without a result are not read: they are no prolactin result left untriaged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from triage.engine.text import CueBook, CueHit

# The rejected rows whose words are read for a red flag: a prolactin result of the row that is
# not triaged, or may be there (schema.REJECT_REASONS)
RED_FLAG_READ: Final = frozenset(
    {
        "unparseable_result",
        "unknown_unit",
        "implausible_value",
        "misaligned_columns",
        "unreadable_age",
        "malformed_line",
        "implausible_date",
        "ambiguous_decimal_mark",
        "conflicting_cells",
    }
)

# The fields whose cells name no finding: the result itself ("haemolysed", "<5"), its unit, the
# patient's identity and the sample's dates and numbers
_NOT_WORDS: Final = frozenset(
    {
        "prolactin",
        "prolactin_unit",
        "patient_id",
        "patient_name",
        "specimen_id",
        "sex",
        "age_years",
        "birth_date",
        "collected_at",
    }
)

# The field a cell whose column is not known (a line split wrongly) is read as: a note
NOTE_FIELD: Final = "comments"
RED_FLAG: Final = "red_flag"
SELLAR_SIGN: Final = "sellar_sign"


def _book() -> CueBook:
    from triage.engine.text import load_cue_book  # the engine's vocabulary, loaded once

    return load_cue_book()


def _read_as(field: str, book: CueBook) -> str:
    """The field a cell of column ``field`` is read as: its own where cues are looked for in it
    (the kept text of a yes/no field: f"{field}_text"), else a note."""
    fields = book.fields
    if field in fields:
        return field
    if f"{field}_text" in fields:
        return f"{field}_text"
    return NOTE_FIELD


def red_flag_in(cells: Iterable[tuple[str, object]]) -> CueHit | None:
    """The red flag the cells (field, cell) name, the more specific chiasmal or sellar sign
    first; None when none does (or only blurred vision: engine/context.py)."""
    from triage.values import hyphen_breaks_joined

    texts = [
        (field, hyphen_breaks_joined(cell.strip()))
        for field, cell in cells
        if field not in _NOT_WORDS and isinstance(cell, str) and any(c.isalpha() for c in cell)
    ]
    if not texts:  # (the engine's vocabulary is not loaded: `check` reads without it)
        return None
    from triage.engine.context import BLURRED_VISION_CUE
    from triage.engine.text import merge_row

    book = _book()
    found = [book.match(_read_as(field, book), cell) for field, cell in texts]
    hits = book.combine(merge_row(found))
    red = [hit for hit in hits.get(RED_FLAG, ()) if hit.cue != BLURRED_VISION_CUE]
    if not red:
        return None
    signs = hits.get(SELLAR_SIGN, ())
    return signs[0] if signs else red[0]


def red_flag_note(hit: CueHit, *, field_known: bool = True) -> str:
    """The words a rejected row's detail takes for ``hit`` (``field_known``: the cell's column is
    known, else the words alone are quoted: a line whose fields shifted)."""
    named = hit.named() if field_known else repr(hit.matched)
    return (
        f"; the row names a mass-effect red flag ({named}), which needs an urgent referral "
        "with any raised prolactin: listed with the urgent results"
    )


def row_red_flag(cells: Iterable[object]) -> str:
    """The note of a line whose cells are not in known columns (any text cell read as a note),
    "" when none names a red flag."""
    hit = red_flag_in((NOTE_FIELD, cell) for cell in cells)
    return "" if hit is None else red_flag_note(hit, field_known=False)
