"""A sign for "absent" written after a finding: "Schwangerschaft: Ø", "Neuroleptika: Ø", "MCP Ø",
"Dialyse: ∅", "Sehstörungen -", "Galaktorrhoe (-)", "Leberzirrhose: -" deny the finding.

One rule for the state, cue and drug readers (triage/engine/state_words.py, triage/engine/text.py,
triage/knowledge/drugs.py): each asks `absent_after` where it reads a form's answer after a finding
("Dialyse: nein", "galactorrhoea: nil", "Haldol: no").  The vocabulary is synonyms.toml
[absence_marks]: the sign must be all its item says, so that a hyphen, a range or a dash that
goes on ("Dialyse - seit 2020", "3-4", "Sehstörungen - bitemporal", "Neuroleptika-,
Antiemetika-Gabe") denies nothing.
"""

from __future__ import annotations

import re
from functools import cache

from triage.regex_cache import compile_vocabulary
from triage.values import synonyms_data

__all__ = ["absent_after", "may_hold_absence_mark"]

# Spaces on the line; a label's colon or "=" before the sign; after it the end of its item or
# sentence.
_SPACE = r"[^\S\n]"
_LABEL = rf"{_SPACE}*[:=]{_SPACE}*"
_ITEM_END = rf"{_SPACE}*(?:$|[,;|\n)\]]|\.(?!\d))"
# The first item of a line that is complete by itself: nothing, a label's answer ("Dialyse:
# nein") or a finding with its own sign ("Stillen -", "Neuroleptika Ø").  Only before such a
# line does a bare dash at a line's end end its item: "Stillzeit -\nStillen -" is a form, but
# "Stillzeit -\nseit Geburt", "Schwangerschaft -\n12. SSW" are one item wrapped.
_LABEL_AT = r"[^\n:=,;|]*[^\W\d_)][^\S\n]*\)?[^\S\n]*[:=]"


@cache
def _pattern(bare_dash: bool = True) -> re.Pattern[str]:
    table = synonyms_data()["absence_marks"]
    marks = "|".join(f"(?:{p})" for p in table["marks"]) or "(?!)"
    spaced = "|".join(f"(?:{p})" for p in table["spaced"]) or "(?!)"
    sign = rf"(?:(?:{_LABEL}|{_SPACE}*)(?:{marks})|(?:{_LABEL}|{_SPACE}+)(?:{spaced})){_ITEM_END}"
    next_item = rf"{_SPACE}*(?:$|\n|{_LABEL_AT}|[^\n,;|]*?{sign})"
    bare = (
        rf"|{_SPACE}+(?:{spaced}){_SPACE}*(?:$|[,;|)\]]|\.(?!\d)|\n(?={next_item}))"
        if bare_dash
        else ""
    )
    return compile_vocabulary(
        rf"(?:(?:{_LABEL}|{_SPACE}*)(?:{marks})|{_LABEL}(?:{spaced})){_ITEM_END}{bare}",
        re.IGNORECASE,
    )


def absent_after(
    text: str, at: int = 0, stop: int | None = None, *, bare_dash: bool = True
) -> bool:
    """text[at:stop], the text right after a finding, opens with a sign for "absent" that is all
    its item says ("Dialyse: Ø", "Galaktorrhoe (-)", "Gravidität -"; not "Dialyse - seit 2020",
    nor "Stillzeit -\nseit Geburt").  `bare_dash`: a dash after a space is a sign too; a drug's
    reader passes False (in a medication list "Risperdal -" is a blank dose cell, a separator or
    a bullet: only "Risperdal: -", "Risperdal Ø", "Risperdal (-)" deny the drug)."""
    end = len(text) if stop is None else stop
    return _pattern(bare_dash).match(text, at, end) is not None


def may_hold_absence_mark(text: str) -> bool:
    """Whether `text` holds such a sign anywhere (a reader's fast path)."""
    return _pattern().search(text) is not None
