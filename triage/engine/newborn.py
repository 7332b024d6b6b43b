"""A newborn named only in the free text (review 24).

A row with no age and no birth date whose notes open with a newborn word ("nouveau-né, J2",
"Neugeborenes, 3. Lebenstag", "neonato"), whose sample is cord blood ("sang de cordon",
"Nabelschnurblut", "sangue cordonale", "cord blood"), whose requesting ward is a neonatal one
("Néonatologie", "Terapia intensiva neonatale", "NICU") is an infant's: judged against the neonatal
intervals (clinical-reference §2.1: day 1 mean 267 ng/mL, cord blood ~5x the adult level), never
against the adult interval with the adult causes, tests and prolactinoma levels.

The words are synonyms.toml's: the newborn words of ``[values.age_words.newborn]`` (read as an
age cell reads them, with a day of life written after them), and ``[values.newborn_text]``
(cord blood, neonatal wards, provisional names).  The age given is the one an age cell would
give: a day of life written beside the word, else an age known only to be under the stage's span
(values.unknown_age: judged against every interval of the span); cord blood is day 0; a neonatal
ward says only "under infant_max_age_years" (its patients stay for weeks to months).

A newborn's provisional name ("BB DUPONT", "Bébé Martin", "Neonato Rossi") is never evidence on
its own (review 24, mendA): Ng is a common surname, "RN" is also a nurse's title, Baby a surname.
It only narrows a neonatal ward's infant to a newborn (under newborn_word_max_age_days).
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from triage.knowledge.model import Knowledge
from triage.values import age_word, normalise_word, parse_age_years, synonyms_data, unknown_age

# Where a newborn is named: the notes, the sample's own cell (a specimen column), the ward; the
# first that names one decides.  The name only narrows a ward's infant to a newborn.
NOTE_FIELDS = ("comments", "symptoms")
SAMPLE_FIELDS = ("specimen_id",)
WARD_FIELDS = ("location",)
NAME_FIELDS = ("patient_name",)
_SEGMENTS = re.compile(r"\s*(?:[,;:|/()\[\]\n]|\s-\s)\s*")
_NEWBORN = "newborn"


@cache
def _words() -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str], frozenset[str]]:
    """(cord blood phrases, ward phrases: normalised; name prefixes as written (capitals),
    name prefixes normalised)."""
    table = synonyms_data()["values"]["newborn_text"]
    cord = tuple(normalise_word(w) for w in table["cord_blood"])
    wards = tuple(normalise_word(w) for w in table["wards"])
    capitals = frozenset(str(w) for w in table["name_capitals"])
    names = frozenset(normalise_word(w) for w in table["name_words"])
    return cord, wards, capitals, names


def _starts(segment: str, phrases: tuple[str, ...]) -> bool:
    text = normalise_word(segment)
    return any(text == p or text.startswith(p + " ") for p in phrases)


# What a cell names (_Named): day 0 (cord blood), a newborn (with the days of life written, if
# any: kept when within the newborn span), or an infant (a neonatal ward).
_CORD, _INFANT = "cord", "infant"
_Named = tuple[str, float | None]


def _note_age(text: str) -> _Named | None:
    """A note opening with a newborn word, with the day of life written after the word or in a
    later segment ("nouveau-né, J2"); cord blood in any segment: day 0."""
    cord = _words()[0]
    segments = [s for s in _SEGMENTS.split(text.strip()) if s]
    if any(_starts(s, cord) for s in segments):
        return _CORD, None
    word = age_word(segments[0]) if segments else None
    if word is None or word.group != _NEWBORN:
        return None
    if word.years is not None:
        return _NEWBORN, word.years
    for segment in segments[1:]:
        years = parse_age_years(segment)
        if years is not None:
            return _NEWBORN, years
    return _NEWBORN, None


def _field_age(field: str, text: str) -> _Named | None:
    cord, wards, _, _ = _words()
    if field in NOTE_FIELDS:
        return _note_age(text)
    segments = [s for s in _SEGMENTS.split(text.strip()) if s]
    if field in SAMPLE_FIELDS:
        return (_CORD, None) if any(_starts(s, cord) for s in segments) else None
    if field in WARD_FIELDS:
        return (_INFANT, None) if any(_starts(s, wards) for s in segments) else None
    return None


def _provisional_name(text: object) -> bool:
    """Whether a name cell opens with a newborn's provisional name ("BB", "Bébé", "Neonato")."""
    _, _, capitals, names = _words()
    words = text.split() if isinstance(text, str) else []
    first = words[0].strip(".,;:") if words else ""
    return first in capitals or normalise_word(first) in names


def _age(named: _Named, knowledge: Knowledge) -> float:
    """The age_years value of what a cell names (values.unknown_age for a span)."""
    kind, years = named
    if kind == _CORD:
        return 0.0
    if kind == _INFANT:
        return unknown_age(knowledge.thresholds.years("infant_max_age_years"))
    span = knowledge.thresholds.years("newborn_word_max_age_days")
    return years if years is not None and years < span else unknown_age(span)


def newborn_ages(frame: pd.DataFrame, ages: pd.Series, knowledge: Knowledge) -> pd.Series:
    """`ages` with the rows that have none given the age the free text names (module doc)."""
    missing = np.flatnonzero(ages.isna().to_numpy(dtype=bool))
    if not len(missing):
        return ages
    out = ages.to_numpy(dtype="float64").copy()
    seen: dict[tuple[str, str], _Named | None] = {}
    names = [frame[f].to_numpy(dtype=object) for f in NAME_FIELDS if f in frame.columns]
    for field in (*NOTE_FIELDS, *SAMPLE_FIELDS, *WARD_FIELDS):
        if field not in frame.columns:
            continue
        cells = frame[field].to_numpy(dtype=object)
        for i in missing.tolist():
            cell = cells[i]
            if out[i] == out[i] or not isinstance(cell, str) or not cell.strip():
                continue
            key = (field, cell)
            if key not in seen:
                seen[key] = _field_age(field, cell)
            named = seen[key]
            if named == (_INFANT, None) and any(_provisional_name(n[i]) for n in names):
                named = (_NEWBORN, None)  # a neonatal ward and a newborn's name: a newborn
            if named is not None:
                out[i] = _age(named, knowledge)
    return pd.Series(out, index=ages.index)
