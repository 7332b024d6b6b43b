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


@cache
def _pattern() -> re.Pattern[str]:
    table = synonyms_data()["absence_marks"]
    marks = "|".join(f"(?:{p})" for p in table["marks"]) or "(?!)"
    spaced = "|".join(f"(?:{p})" for p in table["spaced"]) or "(?!)"
    return compile_vocabulary(
        rf"(?:(?:{_LABEL}|{_SPACE}*)(?:{marks})|(?:{_LABEL}|{_SPACE}+)(?:{spaced}))"
        rf"{_ITEM_END}",
        re.IGNORECASE,
    )


def absent_after(text: str, at: int = 0, stop: int | None = None) -> bool:
    """text[at:stop], the text right after a finding, opens with a sign for "absent" that is all
    its item says ("Dialyse: Ø", "Galaktorrhoe (-)", "Gravidität -"; not "Dialyse - seit 2020")."""
    end = len(text) if stop is None else stop
    return _pattern().match(text, at, end) is not None


def may_hold_absence_mark(text: str) -> bool:
    """Whether `text` holds such a sign anywhere (a reader's fast path)."""
    return _pattern().search(text) is not None
