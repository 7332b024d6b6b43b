"""The reading warnings of an input (InputSummary.warnings) as the commands print them.

`check` lists every warning; `run` prints them counted per kind ("3 date(s) repaired (day/month
swapped)") and, with ``--verbose``, the warnings themselves.  Both show them through the same
scrubber: a quoted cell ('Anna Muster' is not a number) becomes ``[redacted]`` — only the sheet
name, the headers, numbers, units, rows and columns stay — unless ``show_values``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from triage.schema import InputSummary

# Quoted texts right after "sheet " or "sheet(s) " and the list they open ("sheet(s) 'A', 'B'"):
# sheet names, shown as the file names are (docs/unattended.md, Privacy).
_QUOTE: Final = r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\""
_SHEETS_NAMED: Final = re.compile(rf"(?<![\w-])sheet(?:\(s\))? ((?:{_QUOTE})(?:, (?:{_QUOTE}))*)")
_QUOTED: Final = re.compile(_QUOTE)
# A quoted text right after "column " or "header ": the header of that column, as the readers
# write it ("header 'Gender identity' also gives the sex beside 'Sex'": a header a column
# mapping may name, never patient data; review 27).
_COLUMN_NAMED: Final = re.compile(rf"(?<![\w-])(?:column|header) ({_QUOTE})")
# The count a warning starts with (after "column 'X': "): "13 date cell(s) ...", "2 row(s) ...".
_COUNT: Final = re.compile(r"(?:^|: )(\d+) (?:row|date cell|cell|result|age cell)\(s\)")


@dataclass(frozen=True, slots=True)
class WarningKind:
    """A kind of reading warning: the phrase that tells it, and what its count counts."""

    mark: str  # a phrase of the warning's text
    label: str  # "date(s) repaired (day/month swapped)": printed after the count


# In order: the first kind whose phrase the warning holds is its kind.
KINDS: Final[tuple[WarningKind, ...]] = (
    WarningKind("had day and month swapped", "date(s) repaired (day/month swapped)"),
    WarningKind("can be read day-first or month-first", "column(s) of ambiguous dates"),
    WarningKind("could not be read as dates", "date cell(s) that could not be read"),
    WarningKind("reference interval that could not be read", "interval(s) that could not be read"),
    WarningKind("interval per group (sex, age", "interval(s) per group none of which fits"),
    WarningKind(
        "with letters that read two ways", "row(s) whose interval sex letters read two ways"
    ),
    WarningKind("interval that suggests another unit", "unit(s) that disagree with the interval"),
    WarningKind("had no unit; it was taken from", "unit(s) taken from the interval"),
    WarningKind("the values look like IU/L", "result column(s) in mIU/L that look like IU/L"),
    WarningKind("the values look like mIU/L", "result column(s) in IU/L that look like mIU/L"),
    WarningKind("no conversion of each other", "row(s) with a second result in the other unit"),
    WarningKind("cannot be read as an age", "age cell(s) that could not be read"),
    WarningKind("could not be read as a number", "lab value(s) that could not be read"),
    WarningKind("look like a missing-data code", "column(s) of results like missing-data codes"),
    WarningKind("read as missing (", "column(s) with cells read as missing"),
    WarningKind("holds codes, not units", "unit column(s) holding codes"),
    WarningKind("holds units the tool does not know", "unit column(s) with unknown units"),
    WarningKind("holds numeric sex codes", "sex column(s) holding numeric codes"),
    WarningKind("are not in the mapping file's", "column(s) with codes the mapping leaves out"),
    WarningKind(
        "are not in the codebook its header states", "column(s) with codes the header leaves out"
    ),
    WarningKind("codes sex as", "sex column(s) read from letter codes"),
    WarningKind("codes the unit as", "unit column(s) read from a codebook"),
    WarningKind(
        "taken from the other rows of the same",
        "sex or birth date(s) taken from the patient's other rows",
    ),
    WarningKind(
        "of the same patient (column", "sex or birth date(s) the patient's rows disagree on"
    ),
    WarningKind("holds only the sex code M", "sex column(s) of M alone (man or mujer?)"),
    WarningKind("were read as below the assay's", "result(s) of 0"),
    WarningKind("dates are month-first", "date column(s) read month-first"),
    WarningKind("dates in this file are", "date order(s) taken from the file"),
    WarningKind("differs from the", "row(s) whose units disagree"),
    WarningKind("is not UTF-8", "text encoding(s) guessed"),
    WarningKind("are both headed", "header(s) written twice"),
    WarningKind("can be read two ways", "result(s) whose decimal mark the file leaves open"),
    WarningKind("changes the unit of column", "header(s) repeated with another unit"),
    # columns under headers the reader does not know, decided by their cells
    # (triage.columns._clinical_cell_columns), and those of free text left unread
    WarningKind("holds clinical findings in its cells", "unknown column(s) read as notes"),
    WarningKind("its cells name drugs", "column(s) naming drugs not read"),
    WarningKind("holds free text that is not read", "column(s) of free text not read"),
)
OTHER: Final = WarningKind("", "other warning(s)")
# Warnings that change how values are read: `run` prints their text even without --verbose.
SHOWN_BY_DEFAULT: Final = (
    "holds numeric sex codes",
    "read as missing (",
    "holds codes, not units",
    "holds units the tool does not know",
    "look like a missing-data code",
    "are both headed",
    "can be read two ways",
    "are not in the mapping file's",
    "are not in the codebook its header states",
    "changes the unit of column",
    "holds only the sex code M",
    "the values look like IU/L",
    "the values look like mIU/L",
    "no conversion of each other",
    # a column of clinical text or drugs read as notes or left unread: what it held must be seen
    "holds clinical findings in its cells",
    "its cells name drugs",
    "holds free text that is not read",
)


def warning_kind(warning: str) -> WarningKind:
    return next((k for k in KINDS if k.mark in warning), OTHER)


def warning_count(warning: str) -> int:
    """What the warning counts (rows, cells), or 1 (a column, a file)."""
    found = _COUNT.search(warning)
    return int(found.group(1)) if found else 1


def _same(text: str) -> str:
    return text


def scrubber(summary: InputSummary, show_values: bool = False) -> Callable[[str], str]:
    """What shows a warning or a rejected detail: as it is with ``show_values``, else with its
    quoted cells scrubbed (triage.output.redact.scrub_quoted); the sheet name and the headers
    are kept (`check` prints them in the mapping anyway)."""
    if show_values:
        return _same
    headers = [h for joined in summary.mapping.values() for h in joined.split(" + ")]
    shown = {summary.sheet, *headers, *summary.unmapped_headers} - {""}

    def scrub(text: str) -> str:
        # "column 'X'" names a header (a note column, a column not used): vocabulary
        import ast  # lazy: start-up stays light

        named = {ast.literal_eval(q) for q in _COLUMN_NAMED.findall(text)}
        named |= {
            ast.literal_eval(q)
            for listed in _SHEETS_NAMED.findall(text)
            for q in _QUOTED.findall(listed)
        }
        from triage.output.redact import scrub_quoted

        return scrub_quoted(text, keep=shown | named)

    return scrub


def shown_warnings(summary: InputSummary, *, show_values: bool = False) -> list[str]:
    """Every warning of the input, scrubbed unless ``show_values`` (`check` lists these)."""
    scrub = scrubber(summary, show_values)
    return [scrub(w) for w in summary.warnings]


@dataclass(slots=True)
class WarningGroup:
    kind: WarningKind
    count: int = 0
    texts: list[str] = field(default_factory=list)  # scrubbed


def grouped_warnings(
    summary: InputSummary, *, skip: Sequence[str] = (), show_values: bool = False
) -> list[WarningGroup]:
    """The input's warnings per kind, in the order their kinds first appear; warnings holding
    one of the ``skip`` phrases are left out."""
    groups: dict[str, WarningGroup] = {}
    scrub = scrubber(summary, show_values)
    for warning in summary.warnings:
        if any(phrase in warning for phrase in skip):
            continue
        kind = warning_kind(warning)
        group = groups.setdefault(kind.label, WarningGroup(kind))
        group.count += warning_count(warning)
        group.texts.append(scrub(warning))
    return list(groups.values())


def warning_lines(
    summary: InputSummary,
    name: str,
    *,
    rows: bool = False,
    see: str = "",
    skip: Sequence[str] = (),
) -> list[str]:
    """`run`'s lines about one input: "warning: NAME: 3 date(s) repaired (day/month swapped) —
    see summary.html" per kind, each followed by its warnings (rows and columns, quoted cells
    scrubbed) when ``rows`` or when the kind changes how values are read."""
    lines: list[str] = []
    tail = f" — see {see}" if see else ""
    for group in grouped_warnings(summary, skip=skip):
        lines.append(f"warning: {name}: {group.count} {group.kind.label}{tail}")
        if rows or any(m in t for t in group.texts for m in SHOWN_BY_DEFAULT):
            lines += [f"  {text}" for text in group.texts]
    return lines
