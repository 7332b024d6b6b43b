"""Research exports give medicines as one column per drug (``risperidone_mg``, ``Haloperidol
(mg/d)``, ``aripiprazole_dose``): a positive dose (or yes) means the drug is taken, and becomes
the row's medication text ("risperidone 4 mg"), after any medications column.

Only a header that names exactly one drug of the lexicon (triage/data/drugs.toml) and nothing but
dose words (synonyms.toml ``[values.drug_dose_columns]``) is read; ``chlorpromazine_equiv`` and
class flags (``meds_antipsych``) name no drug taken and are left alone.  0, no, blank and missing
codes add nothing; other cells are counted in the warning and add nothing.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np

from triage.columns import CHECKBOX_OPTION, ColumnMatch
from triage.io.layout import RawTable, SplitRows
from triage.knowledge.drugs import drug_matcher
from triage.knowledge.loaders import load_drugs
from triage.values import (
    bare_number,
    cell_text,
    format_number,
    is_empty_value,
    is_missing_code,
    normalise_word,
    parse_yes_no,
    synonyms_data,
)

_SEPARATORS = re.compile(r"[_\-()/\[\].,:]+")


@cache
def _dose_words() -> frozenset[str]:
    return frozenset(synonyms_data()["values"]["drug_dose_columns"]["dose_words"])


@cache
def _also_lab_tests() -> frozenset[str]:
    return frozenset(synonyms_data()["values"]["drug_dose_columns"]["also_lab_tests"])


def drug_of_header(header: str) -> tuple[str, bool] | None:
    """(drug name, dose in mg) when the header names one drug and only dose words, or is a
    checkbox option naming one drug ("Current medications (choice=Risperidone)")."""
    option = CHECKBOX_OPTION.search(header)
    if option is not None:
        found = drug_matcher(load_drugs()).find(option.group("option"))
        return (found[0].drug.name, False) if len(found) == 1 else None
    text = _SEPARATORS.sub(" ", header)
    found = drug_matcher(load_drugs()).find(text)
    if len(found) != 1:
        return None
    rest = normalise_word(text).replace(normalise_word(found[0].matched_text), " ", 1)
    words = set(rest.split())
    if not words <= _dose_words():
        return None
    if not words and found[0].drug.name in _also_lab_tests():
        return None  # "oestradiol": the patient's level (a blood test), not a dose
    return found[0].drug.name, "mg" in words


def _piece(cell: object, drug: str, in_mg: bool) -> str | None:
    """The medication text of one cell ('' when it adds nothing, None when unreadable)."""
    if is_empty_value(cell) or is_missing_code(cell):
        return ""
    number = bare_number(cell)
    if number is not None:
        if number <= 0:
            return ""
        return f"{drug} {format_number(number)}{' mg' if in_mg else ''}"
    answer = parse_yes_no(cell, strict=True)
    if answer is None:
        return None
    return drug if answer else ""


def join_drug_columns(split: SplitRows, match: ColumnMatch, table: RawTable) -> None:
    """Read the drug-dose columns into the table's medications (in place, with a warning)."""
    if match.shape != "wide":
        return
    used = set(match.fields.values()) | set(match.note_columns)
    used |= {c for cols in match.joined_columns.values() for c in cols}
    found: list[tuple[int, str, bool]] = []
    for col, header in enumerate(match.headers):
        if col in used or not header or col >= split.cells.shape[1]:
            continue
        named = drug_of_header(header)
        if named is not None:
            found.append((col, *named))
    if not found:
        return
    n = len(split.cells)
    base = table.columns.get("medications")
    texts = np.empty(n, dtype=object)
    unread = 0
    for i in range(n):
        pieces = [] if base is None or is_empty_value(base[i]) else [cell_text(base[i])]
        for col, drug, in_mg in found:
            piece = _piece(split.cells[i, col], drug, in_mg)
            if piece is None:
                unread += 1
            elif piece:
                pieces.append(piece)
        texts[i] = "; ".join(pieces) or None
    table.columns["medications"] = texts
    headers = [match.headers[c] for c, _, _ in found]
    table.headers["medications"] = " + ".join(
        [*([table.headers["medications"]] if "medications" in table.headers else []), *headers]
    )
    match.unmapped = [h for h in match.unmapped if h not in headers]
    table.warnings.append(
        f"columns named after drugs read into medications ({', '.join(headers)}): a dose above 0 "
        "or yes means the drug is taken (e.g. 'risperidone 4 mg')"
        + (f"; {unread} cell(s) were neither a dose nor yes/no and were not used" if unread else "")
    )
