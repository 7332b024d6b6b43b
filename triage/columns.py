"""Which canonical field each header of a lab export holds.

Headers are compared with the synonyms of triage/data/synonyms.toml after normalisation (case,
accents, spacing, punctuation, and any unit in brackets set apart: ``PRL (mIU/L)`` is the field
``prolactin`` with the unit ``mIU/L``).  An exact synonym beats a word rule; a field is given
to one header only, the better match, and the other contenders are reported.  The mapping
file (``[columns]``) fixes any field to a header by hand and takes precedence.

A header names a field only when the column's values fit it (synonyms.toml [value_checks]):
given a sample of each column's distinct values, a "RR" column of breathing rates is not taken as
the reference range, a scanner-id column not as the pituitary finding, a column of exam names not
as the patient name; a header whose own unit measures another quantity ("Resp. rate
(breaths/min)", "Prolactin (mmol/L)") never names the field.  The next candidate column gets the
field instead, and the vetoed column is reported with the reason.
"""

from __future__ import annotations

import difflib
import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from functools import cache, lru_cache, partial
from typing import Any, Final

import numpy as np

from triage.knowledge.loaders import load_thresholds
from triage.numbers import DAYS_PER_YEAR
from triage.schema import INPUT_FIELDS
from triage.values import (
    NOT_AN_ANSWER,
    Quantity,
    age_header_scale,
    age_word,
    bare_number,
    birth_period,
    cell_text,
    clock_time,
    code_text,
    column_flag_codes,
    comparator,
    duration_words,
    flag_column_direction,
    footnotes_removed,
    hcg_positive,
    header_code_labels,
    header_flag_codes,
    header_says_upper_limit,
    header_threshold,
    header_unknown_codes,
    hyphen_breaks_joined,
    is_assay_word,
    is_blank,
    is_empty_value,
    is_formula_without_value,
    is_missing_code,
    is_missing_result_word,
    is_spreadsheet_error,
    is_spreadsheet_formula,
    is_unknown_code,
    is_unknown_word,
    lab_word,
    lone_number,
    looks_like_unit,
    normalise_unit,
    normalise_word,
    off_scale_flag,
    parse_age_years,
    parse_date,
    parse_date_text,
    parse_interval,
    parse_quantity,
    parse_sex,
    parse_sex_intervals,
    parse_size_mm,
    parse_weeks,
    parse_yes_no,
    result_status,
    says_cancelled,
    says_see_note,
    synonyms_data,
    unit_key,
    unread_column_flag,
    yes_no_answer,
)

EXACT_SCORE: Final = 100.0
WEAK_SCORE: Final = 40.0
RULE_SCORE: Final = 60.0
RULE_GROUP_BONUS: Final = 2.0
RULE_EXTRA_PENALTY: Final = 5.0
RULE_MIN_SCORE: Final = 15.0
RANK_STEP: Final = 0.01
STRONG_SCORE: Final = 50.0  # a match good enough to decide a shape or to be a real contender

LONG_MARKERS: Final = ("test", "test_code", "loinc")
WIDE_ONLY: Final = ("prolactin", "prolactin_unit")

_OTHER_UNIT = re.compile(
    r"(?:[pnumkµμ]?(?:mol|g|iu|u|eq)|m?l)/(?:[pnumkdµμ]?l|min|h|24h)(?:/1[.,]73\s?m(?:2|²))?"
    r"|%|mm|cm|weeks?|wks?|years?|yrs?|ml/min(?:/1[.,]73\s?m(?:2|²))?",
    re.IGNORECASE,
)
_BRACKETS = re.compile(r"[(\[{]([^)\]}]*)[)\]}]")
_ELISION = re.compile(r"\b(l|d|dell|nell|all|dall|sull|dall|qu|un)['’](?=[a-z])")


# ------------------------------------------------------------------------------------------------
# Headers
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class HeaderText:
    """One header cell taken apart."""

    text: str  # as written
    main: str  # normalised words outside brackets, without a trailing unit
    full: str  # normalised words including the bracket contents
    tokens: frozenset[str]  # words of ``main``
    bracket_tokens: frozenset[str]  # words inside brackets
    unit: str  # unit written in the header ("mIU/L"), "" when none
    unit_tokens: frozenset[str] = frozenset()  # words of the unit ("weeks"): part of the name too
    # words written shortened with a dot ("Klin. Angaben", "Abn.Datum", "Medik."): each may
    # stand for a longer word of a field's vocabulary that it begins (see score)
    abbreviated: frozenset[str] = frozenset()


def _words_of(text: str) -> str:
    """Header words: lower case, accents gone, dots/apostrophes dropped, "%" -> "percent"."""
    s = unicodedata.normalize("NFKC", footnotes_removed(text.replace("Âµ", "µ")))
    s = s.replace("β", " beta ").replace("%", " percent ").replace("#", " no ").replace("№", " no ")
    s = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", s)  # camelCase -> camel Case
    s = unicodedata.normalize("NFKD", s.replace("ß", "ss"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"(?<=[a-z]{2})\.(?=[a-z]{2})", " ", s)  # "Choriogonadotropin.beta", "Ref.range"
    s = re.sub(r"(?<=[a-z]{2})\.(?=\d{1,2}\b)", " ", s)  # "Prolactin.1": a duplicate's suffix
    s = _ELISION.sub(r"\1 ", s)  # "Nom de l'examen", "Data dell'esame": elided articles
    s = re.sub(r"[.'’`]", "", s)
    return " ".join(_unglued_head(w) for w in re.sub(r"[^a-z0-9]+", " ", s).split())


def _unglued_head(word: str) -> str:
    """A word of [header] glued_heads with a unit, a visit mark or "at ..." glued on, as the two
    words a statistics package's variable name runs together ("agemo" -> "age mo", "ageyrs" ->
    "age yrs", "agevisit" -> "age visit", "ageatvisit" -> "age at visit", "edadmeses" -> "edad
    meses"); any other word as it is ("agent", "agenda", "alternative", "etage")."""
    heads, tails = _glued_heads()
    if not word.startswith(heads):
        return word
    for head in heads:
        rest = word[len(head) :] if word.startswith(head) else ""
        if len(rest) < GLUED_TAIL_LETTERS:
            continue
        if rest.startswith("at") and len(rest) - len("at") >= GLUED_TAIL_LETTERS:
            after = rest[len("at") :]
            if after in tails or _GLUED_VISIT.fullmatch(after):
                return f"{head} at {after}"
        if rest in tails or _GLUED_VISIT.fullmatch(rest):
            return f"{head} {rest}"
    return word


# A visit code glued on ("agev1", "agem12", "age2"): a visit letter of [header]
# visit_mark_units' keys, or none, and its number ("agent1", "agenda2" are no such code).
_GLUED_VISIT: Final = re.compile(r"(?:[vmwdyjt]|fu|bl)?\d{1,3}")


GLUED_TAIL_LETTERS: Final = 2  # "aged", "ages" are words; "agemo", "ageyr" are glued


@cache
def _glued_heads() -> tuple[tuple[str, ...], frozenset[str]]:
    """([header] glued_heads, longest first; the words that may be glued after one: duration
    units, visit and qualifier words)."""
    header = synonyms_data()["header"]
    heads = sorted({str(h) for h in header.get("glued_heads", [])}, key=len, reverse=True)
    tails = {normalise_word(w) for w in duration_words()} | {
        str(w) for key in ("qualifier_words", "visit_words") for w in header.get(key, [])
    }
    return tuple(heads), frozenset(w for w in tails if len(w) >= GLUED_TAIL_LETTERS)


# from a word's start only: tried at every letter, a long run of letters without a dot took
# time growing with the square of its length (a mutated header: the fuzz test's hang)
_DOTTED: Final = re.compile(r"(?<![a-z])([a-z]+)\.")


def _dotted_words(text: str) -> frozenset[str]:
    """The words a header writes shortened, ending in a dot ("klin" of "Klin. Angaben" or
    "Klin.Angaben", "abnahmedat" of "Abnahmedat."), normalised as ``_words_of`` does."""
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).replace("ß", "ss"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return frozenset(w for w in _DOTTED.findall(s) if len(w) >= ABBREVIATION_LETTERS)


ABBREVIATION_LETTERS: Final = 3  # a shorter dotted word ("Nr.", "Dr.") stands for too much


def _is_unit(text: str, *, trailing: bool = False) -> bool:
    """A unit: a prolactin unit, a concentration-like unit, or a unit of [header_units].

    ``trailing`` (a unit written after the words, not in brackets): short all-letter units of
    [header_units] ("m", "d", "kg") are not taken, so "Vitamin D" keeps its "D"."""
    stripped = text.strip(" ,;:-")
    if not stripped:
        return False
    if normalise_unit(stripped) is not None or _OTHER_UNIT.fullmatch(stripped) is not None:
        return True
    key = unit_key(stripped)
    if key not in header_unit_kinds():
        return False
    return not trailing or len(key) >= SHORT_UNIT or not key.isalpha()


SHORT_UNIT: Final = 3


@cache
def header_unit_kinds() -> dict[str, str]:
    """unit_key(unit) -> the quantity it measures ("breaths/min" -> "rate"), synonyms.toml
    [header_units]; the prolactin units are "hormone"."""
    kinds: dict[str, str] = {}
    for kind, spellings in synonyms_data()["header_units"].items():
        for spelling in spellings:
            kinds.setdefault(unit_key(spelling), kind)
    return kinds


def unit_kind(unit: str) -> str | None:
    """The quantity a header unit measures, or None when it is of no known kind."""
    if not unit.strip():
        return None
    if normalise_unit(unit) is not None:
        return "hormone"
    return header_unit_kinds().get(unit_key(unit))


@cache
def _glued_units() -> tuple[tuple[str, str], ...]:
    pairs = [(" ".join(w.split()), u) for w, u in synonyms_data()["header"]["glued_units"]]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def _glued_unit(main: str) -> tuple[str, str]:
    """("serum prolactin", "ng/mL") from "serum prolactin ngml" (or "prolactin ngml v1",
    "prl ngml m6", "prl miu l w12", the unit before visit words or codes); (main, "") when
    none."""
    tokens = main.split()
    end = len(tokens)
    while end > 1:  # the whole header first: "egfr ml min" is in mL/min, no time point
        head, tail = " ".join(tokens[:end]), tokens[end:]
        for words, unit in _glued_units():
            if head.endswith(" " + words):
                return " ".join([head[: -len(words) - 1].strip(), *tail]), unit
        if not _visit_mark(tokens[end - 1]):
            break
        end -= 1
    return main, ""


@cache
def _ignored_brackets() -> frozenset[str]:
    return frozenset(_words_of(b) for b in synonyms_data()["header"]["ignored_brackets"])


def header_text(cell: object) -> str:
    """A header cell as one line, the way every reader and message takes it: a word hyphenated
    over a line break in the cell joined ("Ge-<new line>schlecht" -> "Geschlecht"), a compound's
    hyphen kept ("Pat-<new line>Nr" -> "Pat-Nr"), other line breaks and runs of spaces one
    space.  '' for a cell that is no text."""
    if not isinstance(cell, str):
        return ""
    return " ".join(hyphen_breaks_joined(cell).split())


@lru_cache(maxsize=4096)
def parse_header(text: str) -> HeaderText:
    """Split a header into its words and the unit it names (in brackets or at its end).  A
    word hyphenated over a line break in its cell ("Ge-<new line>schlecht") is one word."""
    raw = header_text(str(text))
    ignored = _ignored_brackets()
    every = _BRACKETS.findall(raw)
    brackets = [b for b in every if _words_of(b) not in ignored or _is_unit(b)]
    outside = _BRACKETS.sub(" ", raw)
    unit = next((b.strip() for b in every if _is_unit(b)), "")  # "(%)" too, though ignored
    unit = unit or next((u for b in every if (u := _unit_beside_limits(b))), "")
    pieces = outside.replace(",", " , ").split()
    while pieces and pieces[-1] in {",", "-", ":"}:
        pieces.pop()
    if len(pieces) > 1 and _is_unit(pieces[-1], trailing=True):
        unit = unit or pieces[-1].strip(" ,;:-")
        pieces.pop()
    main = _words_of(_dates_dotted(" ".join(pieces)))
    if not unit:
        main, unit = _glued_unit(main)
    inside = _words_of(" ".join(brackets))
    return HeaderText(
        text=raw,
        main=main,
        full=f"{main} {inside}".strip(),
        tokens=frozenset(main.split()),
        bracket_tokens=frozenset(inside.split()),
        unit=unit,
        unit_tokens=frozenset(_words_of(unit).split()),
        abbreviated=_dotted_words(" ".join(pieces)) & frozenset(main.split()),
    )


# A part of a bracket that writes limits before their unit: "ref 4-15 ng/mL", "Ref. 102-496
# mIU/L", "4,8 - 23,3 µg/l", "< 25 ng/mL", "VN 5-25 ng/ml" (the unit is its last word).
_LIMITS_THEN_UNIT: Final = re.compile(
    r"(?:.*?\s)??[<>≤≥]?\s*\d+(?:[.,]\d+)?(?:\s*[-–]\s*\d+(?:[.,]\d+)?)?\s*(?P<unit>[^\d\s].*?)\s*"
)


def _unit_beside_limits(bracket: str) -> str:
    """The unit of a header's bracket that also writes the lab's limits or another note
    ("Prolactin (ref 4-15 ng/mL)", "PRL (mIU/L, Ref. 102-496)", "(ng/mL; RI 4.8-23.3)"): the
    first part between commas or semicolons that is a unit, or ends in one after a number.
    '' when none is."""
    for part in re.split(r"[;,](?!\d)", bracket):
        if _is_unit(part):
            return part.strip(" ,;:-")
        found = _LIMITS_THEN_UNIT.fullmatch(part)
        if found and _is_unit(found["unit"]):
            return found["unit"]
    return ""


def header_words(text: str) -> str:
    """Every word of a header, bracket contents and unit included: "Macroprolactin %" ->
    "macroprolactin percent" (``parse_header(...).main`` drops the unit)."""
    return _words_of(_dates_dotted(" ".join(str(text).split())))


# A whole date written in a header with slashes or hyphens ("PRL 12/01/2026", "PRL 2026-01-12",
# "Prolactine 09-02-26"): the draw date of a cumulative report's column, one word as the dotted
# form ("Prolaktin 14.01.2026") is, not three numbers read as a time point (review 27 AB1).
_HEADER_DATE: Final = re.compile(
    r"(?<![\d/.-])(?:\d{1,2}([/-])\d{1,2}\1(?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})(?![\d/.-])"
)


def _dates_dotted(text: str) -> str:
    """``text`` with each whole date written with slashes or hyphens in the dotted form."""
    return _HEADER_DATE.sub(lambda m: m[0].replace("/", ".").replace("-", "."), text)


_DOTTED_DATE: Final = re.compile(r"(?<![\d.])\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})(?![\d.])")


def header_date(text: str) -> str:
    """The one whole date a header writes ("Prolaktin 14.01.2026 (mIU/l)" -> "14.01.2026", "PRL
    12/01/2026", "PRL 2026-01-12"), as written; "" when it writes none or more than one."""
    found = [m[0] for pattern in (_HEADER_DATE, _DOTTED_DATE) for m in pattern.finditer(text)]
    return found[0] if len(found) == 1 else ""


# ------------------------------------------------------------------------------------------------
# Field specifications (synonyms.toml [fields.*])
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FieldSpec:
    """How one field is recognised."""

    name: str
    synonyms: Mapping[str, int]  # normalised synonym -> rank (0 = best)
    weak: Mapping[str, int]
    rules: tuple[tuple[frozenset[str], ...], ...]  # each rule: groups that must all be hit
    exclude: frozenset[str]
    shape: str | None  # "long" or None (any shape)
    internal: bool
    fallback: str | None
    # words that, in brackets, say the column is not the field ("Prolaktin (PEG)")
    bracket_exclude: frozenset[str] = frozenset()
    # the words of ``exclude`` from the [header] lists ``exclude_from`` names (earlier_words)
    listed: frozenset[str] = frozenset()
    # a header word running two words of a rule together ("prlmono") is read as both
    glued: bool = False
    # in a wide file only a header written as one of the synonyms names the field (the visit:
    # a word rule would take "TSH Visite 1", another field's column of one visit)
    wide_by_synonym: bool = False
    # words that, with a visit's mark, name the field ("date_v1", "Datum 2", "bl_date")
    visit_marked: Mapping[str, int] = field(default_factory=dict)
    # weak headers ranked after every other, whose column is read with a warning (a date of
    # the lab's later steps read as the collection date)
    late: frozenset[str] = frozenset()


def _ranked(items: Sequence[str]) -> dict[str, int]:
    ranked: dict[str, int] = {}
    for rank, item in enumerate(items):
        ranked.setdefault(_words_of(item), rank)
    return ranked


def parse_rule(rule: str) -> tuple[frozenset[str], ...]:
    """``"ref|reference + low|lower"`` -> ({ref, reference}, {low, lower}); a word ``@weeks``
    (``@days``, ``@months``) stands for the unit words of that kind of synonyms.toml
    [values.durations] (``_duration_rule_words``): "postpartum + @weeks" reads "Post-partum
    (sem.)", "Postpartum (Wo.)" and "Post-partum (sett.)" as the gestation headers read them."""
    return tuple(
        frozenset(w for word in group.split("|") for w in _duration_rule_words(word.strip()))
        for group in rule.split("+")
    )


@cache
def _duration_rule_words(word: str) -> tuple[str, ...]:
    """The header words a word of a token rule stands for: itself, or for ``@kind`` the
    [values.durations] unit words of that kind as header words, of two letters or more (a lone
    letter, "d", "m", "w", stands for too much in a header: a rule names it where it means the
    unit)."""
    if not word.startswith("@"):
        return (word,) if word else ()
    spelled = synonyms_data()["values"]["durations"][word[1:]]
    return tuple(sorted({w for u in spelled if len(w := _words_of(u)) > 1 and w.isalpha()}))


@cache
def field_specs() -> dict[str, FieldSpec]:
    """Every recognisable field, canonical and internal, from synonyms.toml."""
    specs: dict[str, FieldSpec] = {}
    for name, data in synonyms_data()["fields"].items():
        specs[name] = FieldSpec(
            name=name,
            synonyms=_ranked(data.get("synonyms", [])),
            weak=_ranked([*data.get("weak", []), *data.get("late", [])]),
            rules=tuple(parse_rule(rule) for rule in data.get("tokens", [])),
            exclude=frozenset(data.get("exclude", []))
            | _listed_words(data)
            | _listed_words(data, "derived_from"),
            shape=data.get("shape"),
            internal=bool(data.get("internal", False)),
            fallback=data.get("fallback"),
            bracket_exclude=frozenset(data.get("bracket_exclude", []))
            | _listed_words(data, "bracket_exclude_from"),
            listed=_listed_words(data),
            glued=bool(data.get("glued", False)),
            wide_by_synonym=bool(data.get("wide_by_synonym", False)),
            visit_marked=_ranked(data.get("visit_marked", [])),
            late=frozenset(_words_of(text) for text in data.get("late", [])),
        )
    return specs


def _listed_words(data: Mapping[str, Any], key: str = "exclude_from") -> frozenset[str]:
    """The words of the synonyms.toml [header] lists a field's ``exclude_from`` names (one list
    of earlier-value words for every result field; the past medication words), or its
    ``bracket_exclude_from`` or ``derived_from`` (the derived-value words: excluded, yet never
    an earlier value read when no other column holds the result)."""
    header = synonyms_data()["header"]
    return frozenset(w for name in data.get(key, []) for w in header[name])


@cache
def _derived_words() -> tuple[frozenset[str], frozenset[str]]:
    header = synonyms_data()["header"]
    return frozenset(header["derived_words"]), frozenset(header["derived_words_unnumbered"])


def derived_word(text: str) -> str:
    """The word of a header that names a value derived from the results or a detail of the
    assay run ("prl_auc", "log10_prl", "Prolaktin (log)", "prl_lod", "prl_qc", "prl_min";
    synonyms.toml [header] derived_words, and derived_words_unnumbered in a header without a
    number: "PRL 30 min" is a time point), else ""."""
    words = header_words(text).split()
    always, unnumbered = _derived_words()
    found = next((w for w in words if w in always), "")
    if not found and not any(ch.isdigit() for ch in text):
        found = next((w for w in words if w in unnumbered), "")
    return found


def mentions_prolactin(text: str) -> bool:
    """True when a header holds a prolactin word ("PRL 30 min"), whatever field it names."""
    header = parse_header(text)
    words = header.tokens | header.bracket_tokens
    spec = field_specs()["prolactin"]
    return any(group & words for rule in spec.rules for group in rule)


def internal_fields() -> tuple[str, ...]:
    """Reader-internal fields (not in the canonical frame): specimen_id, loinc, ..."""
    return tuple(name for name, spec in field_specs().items() if spec.internal)


def known_fields() -> frozenset[str]:
    """Field names a mapping file may use in [columns]."""
    return frozenset(INPUT_FIELDS) | frozenset(internal_fields())


@cache
def _system_columns() -> tuple[frozenset[str], tuple[str, ...]]:
    """Headers of a research database's own columns, and the endings of those it adds per form
    (synonyms.toml [header] system_columns, system_column_endings)."""
    header = synonyms_data()["header"]
    endings = tuple(f" {ending}" for ending in header["system_column_endings"])
    return frozenset(header["system_columns"]), endings


def _is_system_column(words: str) -> bool:
    """A research database's own column ("Repeat Instrument", "prolactin_complete")."""
    whole, endings = _system_columns()
    return words in whole or words.endswith(endings)


@cache
def _stopwords() -> frozenset[str]:
    header = synonyms_data()["header"]
    return frozenset(header["stopwords"]) | frozenset(header["qualifier_words"])


def score(header: HeaderText, spec: FieldSpec, *, shortened: bool = False) -> float:
    """How well a header names a field: 100 exact, ~60 by word rule, 40 weak, 0 not at all.

    ``shortened``: a header naming the field by no reading of its words as written is read
    again with each word it shortens with a dot ("Klin. Angaben", "Abn.-Datum", "Medik.") as a
    longer word of the field's own vocabulary that it begins ("klinische angaben", "abnahme
    datum", "medikation"), a point lower than the same header written out."""
    plain = _plain_score(header, spec)
    if plain or not shortened or not header.abbreviated:
        return plain
    return _abbreviation_reading(header, spec)[0]


ABBREVIATION_PENALTY: Final = 1.0
ABBREVIATION_READINGS: Final = 256  # readings tried per header and field, at most

_VOCABULARY_WORDS: dict[str, tuple[str, ...]] = {}


def _vocabulary_words(spec: FieldSpec) -> tuple[str, ...]:
    """Every word a field's synonyms, weak synonyms and word rules use (never its excludes)."""
    found = _VOCABULARY_WORDS.get(spec.name)
    if found is None:
        words = {w for text in (*spec.synonyms, *spec.weak) for w in text.split()}
        words.update(w for rule in spec.rules for group in rule for w in group)
        found = _VOCABULARY_WORDS[spec.name] = tuple(sorted(words))
    return found


def _abbreviation_reading(header: HeaderText, spec: FieldSpec) -> tuple[float, int]:
    """The best score of the header with its dotted words read as longer words of the field
    that they begin (0 when none of them begins one), and the fewest letters a reading that
    names the field adds ("schwang" -> "schwanger": 2)."""
    vocabulary = _vocabulary_words(spec)
    shortened = sorted(header.abbreviated)
    options = []
    for short in shortened:
        longer = [w for w in vocabulary if w.startswith(short) and len(w) > len(short)]
        options.append((short, *longer))
    if all(len(choice) == 1 for choice in options):
        return 0.0, 0
    best, fewest = 0.0, -1
    for tried, reading in enumerate(itertools.product(*options)):
        if tried >= ABBREVIATION_READINGS:
            break
        swap = dict(zip(shortened, reading, strict=True))
        if all(swap[w] == w for w in shortened):
            continue
        main = " ".join(swap.get(w, w) for w in header.main.split())
        full = " ".join(swap.get(w, w) for w in header.full.split())
        read = replace(
            header, main=main, full=full, tokens=frozenset(main.split()), abbreviated=frozenset()
        )
        value = _plain_score(read, spec)
        if value > 0:
            added = len(main) - len(header.main)
            fewest = added if fewest < 0 else min(fewest, added)
        best = max(best, value)
    return (max(best - ABBREVIATION_PENALTY, 0.0), fewest) if best else (0.0, 0)


def _by_synonym(text: str, spec: FieldSpec) -> bool:
    """The header is written as one of the field's synonyms (no word rule, no weak synonym)."""
    header = parse_header(text)
    whole = f"{header.full} {' '.join(sorted(header.unit_tokens - header.bracket_tokens))}"
    return any(t in spec.synonyms for t in (whole.strip(), header.full, header.main))


def _plain_score(header: HeaderText, spec: FieldSpec) -> float:
    """``score`` of the header's words as written."""
    # The most specific reading first: with the unit ("Postpartum weeks", "Adenoma mm"), with
    # the brackets ("Monomeric prolactin (%)"), then the words alone; a reading that leaves
    # words out loses half a point ("Pregnancy weeks" is the gestation, not the pregnancy flag).
    whole = f"{header.full} {' '.join(sorted(header.unit_tokens - header.bracket_tokens))}".strip()
    for text in (whole, header.full, header.main):
        if text is header.main and spec.bracket_exclude & header.bracket_tokens:
            continue  # "Prolaktin (PEG)" is not the total prolactin: the brackets say otherwise
        rank = spec.synonyms.get(text)
        if rank is not None:
            return EXACT_SCORE - RANK_STEP * rank - (0.5 if text != whole else 0.0)
    best = 0.0
    words = header.tokens | header.bracket_tokens | header.unit_tokens
    glued: dict[str, frozenset[str]] = _unglued(words, spec.rules) if spec.glued else {}
    for parts in glued.values():
        words = words | parts
    if spec.rules and not (spec.exclude & words):
        for rule in spec.rules:
            if all(group & words for group in rule):
                used = frozenset().union(*rule, glued)
                extras = header.tokens - used - _stopwords() - _analyser_words(header.main)
                value = RULE_SCORE + RULE_GROUP_BONUS * len(rule) - RULE_EXTRA_PENALTY * len(extras)
                best = max(best, max(value, RULE_MIN_SCORE))
    if best:
        return best
    if spec.visit_marked:
        best = _visit_marked(header, spec)
        if best:
            return best
    weak_rank = spec.weak.get(header.main)
    if weak_rank is not None:
        return WEAK_SCORE - RANK_STEP * weak_rank
    return 0.0


# A word of at most these letters (or with a digit) right after an analyser's name is its model
# ("Atellica IM", "Alinity i", "Access 2", "AIA 900", "Centaur XPT").
MODEL_MARK_LETTERS: Final = 3


@lru_cache(maxsize=4096)
def _analyser_words(main: str) -> frozenset[str]:
    """The words of an assay or analyser a header names beside the field it names ("Prolactin
    Beckman Coulter DxI (mIU/L)", "Siemens ADVIA Centaur Prolactin", "Prolaktin Siemens Atellica
    IM", "PRL Abbott Alinity i", "Prolactin Tosoh AIA 900"): each manufacturer or platform word
    of synonyms.toml [values.unit_notes] assay_words and the model marks right after it.  They
    say which assay measured the column (read as its assay: wide.assay_words_in), not that the
    column is another one, so they are no extra words of a word rule (a header with the
    analyser's full name was refused; the short one was read)."""
    found: set[str] = set()
    run = False
    for word in main.split():
        if is_assay_word(word):
            found.add(word)
            run = True
        elif run and (len(word) <= MODEL_MARK_LETTERS or any(ch.isdigit() for ch in word)):
            found.add(word)
        else:
            run = False
    return frozenset(found)


def _visit_marked(header: HeaderText, spec: FieldSpec) -> float:
    """A header of one of the field's ``visit_marked`` words and a visit's mark, a code with a
    number or a qualifier word ("date_v1", "Datum 2", "Fecha V1", "bl_date", "date_m6",
    "date_visite_1"): the date of that visit's sample, scored as a one-group word rule (review
    21: "date_v1" / "date_v2" were left unread, every visit's result undated); 0 otherwise
    ("Datum Ende", "date_year": no visit)."""
    words = header.main.split()
    marks = [w for w in words if _visit_mark(w)]
    rank = spec.visit_marked.get(" ".join(w for w in words if not _visit_mark(w)))
    qualifiers = frozenset(synonyms_data()["header"]["qualifier_words"])
    if rank is None or spec.exclude & (header.tokens | header.bracket_tokens):
        return 0.0
    if not any(w in qualifiers or any(ch.isdigit() for ch in w) for w in marks):
        return 0.0
    return RULE_SCORE + RULE_GROUP_BONUS - RANK_STEP * rank


def _unglued(
    words: frozenset[str], rules: Sequence[tuple[frozenset[str], ...]]
) -> dict[str, frozenset[str]]:
    """The words that run two words of a two-group rule together, one of each group, in
    either order ("prlmono" -> {prl, mono}, "pegprl" -> {peg, prl}): word -> the two."""
    found: dict[str, frozenset[str]] = {}
    for rule in rules:
        if len(rule) != len(("first", "second")):
            continue
        for word in words:
            for first, second in (rule, rule[::-1]):
                head = next(
                    (w for w in first if word.startswith(w) and word[len(w) :] in second), None
                )
                if head is not None:
                    found[word] = frozenset({head, word[len(head) :]})
    return found


@lru_cache(maxsize=4096)
def candidates(text: str) -> tuple[tuple[str, float], ...]:
    """(field, score) pairs for one header text, best first."""
    header = parse_header(text)
    if (not header.main and not header.full) or _is_system_column(header.full):
        return ()
    if _names_nothing(header):  # most cells a header row is looked for in are data
        return ()
    found = [(name, score(header, spec)) for name, spec in field_specs().items()]
    if not any(s > 0 for _, s in found) and header.abbreviated:
        found = _shortened_candidates(header)
    return tuple(sorted(((n, s) for n, s in found if s > 0), key=lambda pair: -pair[1]))


def _names_nothing(header: HeaderText) -> bool:
    """No field's synonym, weak synonym or word rule can match the header (``score`` is 0 for
    every field): none of its words is a word of any field's vocabulary, none runs two rule
    words together (``_unglued``) and none is shortened with a dot (``_abbreviation_reading``).
    An exact shortcut, not a guess: every reading ``score`` tries is made of these words."""
    if header.abbreviated:
        return False
    words = header.tokens | header.bracket_tokens | header.unit_tokens
    vocabulary, glued_heads = _field_vocabulary()
    return vocabulary.isdisjoint(words) and not any(w.startswith(glued_heads) for w in words)


@cache
def _field_vocabulary() -> tuple[frozenset[str], tuple[str, ...]]:
    """Every word of every field's vocabulary, and the rule words a glued header word may
    begin with (fields with ``glued``)."""
    words: set[str] = set()
    heads: set[str] = set()
    for spec in field_specs().values():
        words.update(_vocabulary_words(spec))
        if spec.glued:
            heads.update(w for rule in spec.rules for group in rule for w in group)
    return frozenset(words), tuple(sorted(heads))


INFLECTION_LETTERS: Final = 3  # "observation(s)", "medikament(e)": one word; a compound is more


def _shortened_candidates(header: HeaderText) -> list[tuple[str, float]]:
    """The field a header names with its dotted words read as the longer words they begin
    (no field by the words as written).  Several fields read so are ambiguous and none is
    taken, unless one reads the shortening as a nearer word than every other by more than an
    inflection ("Schwang.": "schwanger" of the pregnancy, not "schwangerschaftsalter"; "Obs.":
    "observation" of the test or "observations" of the comments: none)."""
    read = {name: _abbreviation_reading(header, spec) for name, spec in field_specs().items()}
    found = {name: pair for name, pair in read.items() if pair[0] > 0}
    if len(found) > 1:
        nearest = sorted(found.items(), key=lambda item: item[1][1])
        if nearest[1][1][1] - nearest[0][1][1] <= INFLECTION_LETTERS:
            return []
        found = dict(nearest[:1])
    return [(name, value) for name, (value, _) in found.items()]


_COLUMN_REF: Final = re.compile(r"column\s+([A-Za-z]{1,3})", re.IGNORECASE)


def column_number(letters: str) -> int:
    """The 0-based index of spreadsheet column letters (A -> 0, AB -> 27)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number - 1


def column_letters(index: int) -> str:
    """Spreadsheet letters of a 0-based column index (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def toml_text(text: str) -> str:
    """A header written as a mapping file's TOML value ([columns] medications = ...): a literal
    string ('OST') as Python's repr quotes it, or, when the header holds an apostrophe, a basic
    string ("Sostanze d'abuso"; a literal one cannot hold it, and a redacted message would cut
    the header at its apostrophe)."""
    return json.dumps(text, ensure_ascii=False) if "'" in text else f"'{text}'"


def recognised_headers(
    headers: Sequence[object], limit: int = 12, taken: Mapping[str, int] | None = None
) -> str:
    """The cells of a header row that clearly name a known field, for a message: "A 'MRN'
    (patient_id), C 'TSH' (tsh)".  Only such cells are quoted: they are vocabulary, while any
    other cell may be patient data (a file without a header row).  ``taken`` (field -> column,
    as matched): a cell that reads as a field the match did not give it says so ("(prolactin,
    not used)"), so that a message never names as found what was not taken."""
    named = []
    for index, cell in enumerate(headers):
        if not isinstance(cell, str) or not cell.strip():
            continue
        found = candidates(cell)
        if found and found[0][1] >= STRONG_SCORE:
            field_name = found[0][0]
            used = taken is None or taken.get(field_name) == index
            label = field_name if used else f"{field_name}, not used"
            named.append(f"{column_letters(index)} {header_text(cell)!r} ({label})")
    return ", ".join(named[:limit]) + (", ..." if len(named) > limit else "")


def mapped_header_lacking(
    field_name: str, wanted: str, headers: Sequence[object], *, nearest: bool = True
) -> str:
    """ "the column mapping names header 'Value' (for prolactin), which this file lacks", with
    the header cells closest to it ("the nearest header is 'Val'": a slip of case, spacing or
    spelling).  Those cells are quoted because they resemble the user's own text in the
    mapping file; no other unrecognised cell is (it may be patient data)."""
    said = f"the column mapping names header {wanted!r} (for {field_name}), which this file lacks"
    if not nearest:
        return said
    texts = {_loose(c): c.strip() for c in headers if isinstance(c, str) and c.strip()}
    close = difflib.get_close_matches(_loose(wanted), list(texts), n=3, cutoff=0.6)
    if not close:
        return said
    shown = ", ".join(repr(texts[k]) for k in close)
    return said + f"; the nearest header{'s are' if len(close) > 1 else ' is'} {shown}"


# ------------------------------------------------------------------------------------------------
# Values that fit a field (synonyms.toml [value_checks])
# ------------------------------------------------------------------------------------------------
# A check says of one distinct cell: True (fits), False (does not), None (tells nothing).
CellCheck = Callable[[object], bool | None]

SERIAL_DATES: Final = (10_000.0, 80_000.0)  # Excel serials 1927-05-18 .. 2119-01-10
# Stata %td / SAS birth dates below the Excel serials (days since 1960-01-01, four digits or
# more): -21914 .. -1000 is 1900-01-01 .. 1957-04-07, 1000 .. 9999 is 1962-09-27 .. 1987-05-18
STATA_BIRTH_DAYS: Final = (-21_914.0, 10_000.0)
STATA_MIN_DIGITS_DAYS: Final = 1_000.0
MAX_AGE_YEARS: Final = 130.0
MAX_WEEKS: Final = 520.0
MAX_LESION_MM: Final = 150.0
MAX_PERCENT: Final = 200.0
CODE_DIGIT_SHARE: Final = 0.4  # a finding whose characters are this much digits is a code
MIN_NAME_LETTERS: Final = 3
_TIME_TEXT = re.compile(r"\d{1,2}\s*[:hH.]\s*\d{2}(?:\s*[:.]\s*\d{2})?(?:\s*[aApP][mM])?")
_NO_SPACE_CODE = re.compile(r"[^\s]*\d[^\s]*")
_WORD = re.compile(r"[^\W\d_]{3,}")
_DATE_SHAPE = re.compile(r"\d{1,4}\s*[./-]\s*\d{1,2}\s*[./-]\s*\d{1,4}(?:[ T].*)?")
DEFAULT_MIN_VALUES: Final = 2  # one odd cell alone does not veto a header


@dataclass(frozen=True, slots=True)
class ValueCheck:
    """How the values of one field are checked."""

    kind: str
    min_fit: float
    min_values: int
    units: frozenset[str] | None  # header-unit kinds allowed; None: any known kind vetoes
    expects: str
    weak_only: bool = False  # checked only when the header names the field weakly
    # a column whose counted values are all these codes (two of them at least) holds the codes
    # of a yes/no answer, never this measurement (an eGFR is never 0 or 1)
    codes: frozenset[str] = frozenset()
    # under a header naming the field strongly, one fitting value keeps the column
    strong_one: bool = False
    # under a header naming the field strongly (``weak_only``), a column whose counted values
    # are all of this kind, without a digit, is still refused: a patient id column of names
    strong_not: str = ""


@cache
def value_checks() -> dict[str, ValueCheck]:
    """field -> its check, from synonyms.toml [value_checks]."""
    checks: dict[str, ValueCheck] = {}
    for name, data in synonyms_data()["value_checks"].items():
        if name == "words":
            continue
        if data["kind"] not in VALUE_CHECKS:
            raise ValueError(f"synonyms.toml [value_checks] {name}: unknown kind {data['kind']!r}")
        units = data.get("units")
        checks[name] = ValueCheck(
            kind=data["kind"],
            min_fit=float(data["min_fit"]),
            min_values=int(data.get("min_values", DEFAULT_MIN_VALUES)),
            units=frozenset(units) if units is not None else None,
            expects=str(data.get("expects", data["kind"])),
            weak_only=bool(data.get("weak_only", False)),
            codes=frozenset(str(c) for c in data.get("codes", ())),
            strong_one=bool(data.get("strong_one", False)),
            strong_not=str(data.get("strong_not", "")),
        )
    return checks


@cache
def _check_words(name: str) -> frozenset[str]:
    return frozenset(normalise_word(w) for w in synonyms_data()["value_checks"]["words"][name])


def _is_number(cell: object) -> bool:
    return isinstance(cell, int | float | np.integer | np.floating) and not isinstance(cell, bool)


def _fits_quantity(cell: object) -> bool | None:
    return parse_quantity(cell).status == "ok"


def _fits_lab(cell: object) -> bool | None:
    return _fits_quantity(cell) or lab_word(cell) is not None


def _fits_renal_lab(cell: object) -> bool | None:
    """A kidney lab result: a number, or a stage in kidney words ("ESRD", "CKD G4")."""
    from triage.io.state_cells import kidney_words

    return _fits_quantity(cell) or kidney_words("egfr", cell)


def _fits_status(cell: object) -> bool | None:
    return result_status(cell) is not None


def _fits_interval(cell: object) -> bool | None:
    return parse_interval(cell) is not None or parse_sex_intervals(cell) is not None


def _fits_age(cell: object, per_year: float | None = None) -> bool | None:
    """An age; ``per_year``: years per bare number, the unit the header names (a 2-day-old's
    "2" under "age_days", "780" under "Age (months)": 65 years)."""
    if isinstance(cell, date | time | timedelta):
        return False
    number = bare_number(cell) if per_year is not None else None
    age = number * per_year if number is not None and per_year is not None else None
    if age is None:
        age = parse_age_years(cell)
    if age is None and age_word(cell) is not None:
        return True  # "newborn", "Säugling": an age whose days are not known
    if age is None and isinstance(cell, str) and _age_like(cell):
        # A number with an unknown unit word ("34 Jhr.") or an age in words ("acht Jahre")
        # decides nothing: the column stays the age column and the reader rejects such a row
        # with a warning (never the adult interval).
        return None
    return age is not None and 0.0 <= age <= MAX_AGE_YEARS


def header_age_scale(header: str) -> float | None:
    """Years per bare number of an age column whose header names a duration unit, in brackets
    or as its last word before any visit mark ("Age (months)", "age_days", "agemo_12m", "Alter
    in Tagen", "âge (jours)", "edad (días)", "età (giorni)", "leeftijd (dagen)":
    values.age_header_scale), else None."""
    unit = parse_header(header).unit
    scale = age_header_scale(unit) if unit else None
    if scale is None:
        words = words_before_visit(header)
        scale = age_header_scale(words[-1]) if len(words) > 1 else None
    if scale is None and (named := header_named_unit(header)):
        scale = age_header_scale(named)
    return scale


def words_before_visit(header: str) -> list[str]:
    """The header's words without the visit marks written after them ("agemo_12m", "age_months
    fu" -> "age mo", "age months"): a research export's unit word is the last of these."""
    words = header_words(header).split()
    while len(words) > len((0, 1)) and visit_of(words[-1], "age_years"):
        words.pop()
    return words


@cache
def _unit_named_headers() -> Mapping[str, str]:
    header = synonyms_data()["header"]
    units = [("days", "age_days_headers"), ("weeks", "age_weeks_headers")]
    units.append(("months", "age_months_headers"))
    return {header_words(h): unit for unit, key in units for h in header[key]}


def header_named_unit(header: str) -> str:
    """The duration unit a whole age header names by itself, a newborn's day, week or month of
    life ("Lebenstag", "day of life", "jour de vie": "days"; synonyms.toml [header]
    age_days_headers ...), else ""."""
    return _unit_named_headers().get(header_words(header), "")


def _age_like(text: str) -> bool:
    """A text that is meant as an age although it cannot be read: a number that is no date,
    or a duration unit word ("acht Jahre", "deux ans")."""
    if parse_date_text(text) is not None or _DATE_SHAPE.fullmatch(text.strip()):
        return False
    if any(ch.isdigit() for ch in text):
        return True
    words = set(re.findall(r"[a-z]+", normalise_word(text)))
    return bool(words & duration_words())


def _fits_sex(cell: object) -> bool | None:
    if parse_sex(cell) is not None:
        return True
    return normalise_word(cell_text(cell)) in _check_words("other_sex")


def _fits_date(cell: object) -> bool | None:
    """A date, a date text, or an Excel serial date (also written as text in a csv)."""
    if isinstance(cell, date):
        return True
    if not _is_number(cell) and not isinstance(cell, str):
        return False
    text = cell_text(cell)
    if parse_date_text(text) is not None or _DATE_SHAPE.fullmatch(text):
        return True
    quantity = parse_quantity(text)
    serial = quantity.value if quantity.status == "ok" and not quantity.qualifier else None
    return serial is not None and SERIAL_DATES[0] <= serial < SERIAL_DATES[1]


def _fits_birth(cell: object) -> bool | None:
    """A birth date, or only the year or month of birth ("Geburtsjahr": 1985; "05/2010")."""
    return _fits_date(cell) or birth_period(cell) is not None or _stata_birth_day(cell)


def _stata_birth_day(cell: object) -> bool:
    """A whole number a birth-date column of a Stata or SAS export holds (days since
    1960-01-01, STATA_BIRTH_DAYS); read as such only where the export's dates count from 1960
    (io/wide.py date_column), else an unreadable birth date."""
    quantity = parse_quantity(cell_text(cell))
    number = quantity.value if quantity.status == "ok" and not quantity.qualifier else None
    return (
        number is not None
        and number.is_integer()
        and abs(number) >= STATA_MIN_DIGITS_DAYS
        and STATA_BIRTH_DAYS[0] <= number < STATA_BIRTH_DAYS[1]
    )


def _fits_duration_unit(cell: object) -> bool | None:
    """A unit word of durations ("days", "Monate", "ans", "J."): an age-unit column's cell."""
    return isinstance(cell, str) and normalise_word(cell) in duration_words()


def _fits_time(cell: object) -> bool | None:
    if isinstance(cell, date | time | timedelta):
        return True
    if _is_number(cell):
        return 0.0 <= float(cell) < 1.0  # type: ignore[arg-type]
    return isinstance(cell, str) and (
        _TIME_TEXT.search(cell) is not None
        or parse_date_text(cell) is not None
        or clock_time(cell) is not None  # "0815" (review 29)
    )


_VISIT_CODE_CELL = re.compile(r"[a-z]{0,9}[ _-]?\d{1,3}(?:[ _-]?[a-z]+(?:[ _-]?\d{1,3})?)*")


def _fits_visit(cell: object) -> bool | None:
    """A study visit or event ("baseline", "screening", "month_6_arm_1", "V1", "visit 2",
    "week 12", "FU1", "T0", a visit number 1..N); never a time of day ("08:15"), a date or a
    datetime, a long number (an encounter's or order's id) or a result status ("Result final")."""
    if isinstance(cell, date | time | timedelta) or _fits_date(cell) or _fits_time(cell):
        return False
    text = normalise_word(cell_text(cell)).strip()
    if not text:
        return None
    words = set(re.findall(r"[a-z]+", text))
    if any(result_status(word) is not None for word in words):
        return False
    if _VISIT_CODE_CELL.fullmatch(text):
        return True
    return bool(words & (_visit_words() | _check_words("visit_cells")))


def _fits_time_point(cell: object) -> bool | None:
    return time_point_minutes(cell) is not None


def _fits_name(cell: object) -> bool | None:
    """A person's name: letters, few digits, no exam/test/device word, no field name, and not
    one word of letters and digits (a code: "MRN12345", "P-0042", "PT0001")."""
    if not isinstance(cell, str) or _fits_code(cell):
        return False
    letters = sum(ch.isalpha() for ch in cell)
    digits = sum(ch.isdigit() for ch in cell)
    if letters < MIN_NAME_LETTERS or digits > 2 * letters:  # "PT-0001", "MRN0100253"
        return False
    words = set(re.split(r"[^\w\-]+", normalise_word(cell)))
    if words & _check_words("not_names"):
        return False
    found = candidates(cell)
    return not (found and found[0][1] >= STRONG_SCORE and found[0][0] not in NAME_FIELDS)


def _fits_finding(cell: object) -> bool | None:
    """A pituitary finding: a size, yes/no, or words; not a device or scanner code."""
    size = parse_size_mm(cell)
    if size is not None:
        return 0.0 < size <= MAX_LESION_MM
    text = cell.strip() if isinstance(cell, str) else ""
    if text and _NO_SPACE_CODE.fullmatch(text):
        return False
    if parse_yes_no(cell, strict=True) is not None:
        return True
    if not text:
        return False
    shown = [ch for ch in text if not ch.isspace()]
    if sum(ch.isdigit() for ch in shown) >= CODE_DIGIT_SHARE * len(shown):
        return False
    devices = _check_words("devices")
    words = [w.lower() for w in _WORD.findall(normalise_word(text))]
    return any(w not in devices for w in words)


def _fits_location(cell: object) -> bool | None:
    """A ward, clinic or department ("Station 4B", "Innere Medizin", "Endokrinologie"), not
    clinical text ("Kopfschmerzen, bitemporale Hemianopsie"): a cell in which the engine's own
    words read a finding (``names_a_finding``) is clinical text, unless it names a place
    ([value_checks.words] place_cells, place_endings: "Headache clinic", "Dialyse",
    "Intensivstation").  A number or code decides nothing."""
    if not isinstance(cell, str) or not any(ch.isalpha() for ch in cell):
        return None
    text = normalise_word(cell_text(cell))
    return _names_place(text) or not names_a_finding(text)


def _names_place(text: str) -> bool:
    """A normalised cell naming a ward, clinic or department ([value_checks.words] place_cells,
    place_endings: "Headache clinic", "Dialyse", "Intensivstation")."""
    words = [w for w in re.split(r"[^\w&]+", text) if w]
    places, endings = _check_words("place_cells"), tuple(_check_words("place_endings"))
    return any(w in places or w.endswith(endings) for w in words)


def _fits_size(cell: object) -> bool | None:
    size = parse_size_mm(cell)
    if size is not None:
        return 0.0 <= size <= MAX_LESION_MM
    return None if parse_yes_no(cell, strict=True) is not None else False


def _fits_weeks(cell: object) -> bool | None:
    if isinstance(cell, date | time | timedelta):
        return False
    weeks = parse_weeks(cell)
    if weeks is not None:
        return 0.0 <= weeks <= MAX_WEEKS
    return None if parse_yes_no(cell, strict=True) is not None else False


def _fits_gestation(cell: object) -> bool | None:
    """A cell of a gestation column: weeks (``_fits_weeks``), or a trimester or weeks in the
    pregnancy column's words ("3rd trimester", "III. Trimenon", "T3", "GA 32+4": io/state_cells
    gestation_trimester, gestation_in_words), which the reader reads (io/wide.py)."""
    fits = _fits_weeks(cell)
    if fits:
        return fits
    from triage.io.state_cells import gestation_in_words, gestation_trimester

    if gestation_trimester(cell) is not None:
        return True
    weeks = gestation_in_words(cell)
    return fits if weeks is None else 0.0 <= weeks <= MAX_WEEKS


def _fits_percent(cell: object) -> bool | None:
    quantity = parse_quantity(cell)
    return quantity.value is not None and 0.0 <= quantity.value <= MAX_PERCENT


def _fits_unit(cell: object) -> bool | None:
    """A unit; a small whole number is a codebook's code for one (REDCap, SPSS: 1 = ng/mL),
    which says nothing: such a column stays the unit column, said to hold codes, with the
    [values.prolactin_unit] fix, rather than 'not units' and a fix (--unit) that cannot work."""
    if _UNIT_CODE.fullmatch(cell_text(cell).strip()):
        return None
    return isinstance(cell, str) and (normalise_unit(cell) is not None or looks_like_unit(cell))


_UNIT_CODE: Final = re.compile(r"\d{1,3}(?:\.0+)?")


def _fits_flag(cell: object) -> bool | None:
    if isinstance(cell, bool):
        return True
    if _is_number(cell):
        return _fits_flag(code_text(cell))
    if isinstance(cell, date | time | timedelta):
        return False
    text = code_text(cell)  # "1.0": a code written as a float
    if parse_quantity(text).status == "ok":
        if text in _UNKNOWN_FLAG_CODES:
            return None  # SPSS's "9 = unknown": no verdict either way
        return text in ("0", "1", "2")  # 1 = yes, 0 or 2 = no (SPSS, REDCap radio buttons)
    return True


_UNKNOWN_FLAG_CODES: Final = frozenset({"9", "99", "-9", "-99"})


def _fits_text(cell: object) -> bool | None:
    return isinstance(cell, str) and any(ch.isalpha() for ch in cell)


_ONE_DIGIT: Final = re.compile(r"\d")


def _fits_condition(cell: object) -> bool | None:
    """A condition in words ("CKD G4", "yes", "cirrhosis"); a one-digit code (a yes/no code of a
    codebook, 1/0, or a stage, "4") decides nothing: a "CKD" column of 1/0 or of stages is the
    kidney-disease column, never an eGFR of 0, 1 or 4."""
    if _ONE_DIGIT.fullmatch(code_text(cell).strip()):
        return None
    return _fits_text(cell)


def _fits_code(cell: object) -> bool | None:
    """An identifier: a number, or a code holding digits ("P001", "485 777 3465",
    "RSSMRA80A01H501U"), not a name or a word ("Rossi Maria", "Prolattina")."""
    if isinstance(cell, bool | date | time | timedelta):
        return False
    if _is_number(cell):
        return True
    text = cell_text(cell).strip()
    if not text or parse_date_text(text) is not None or _DATE_SHAPE.fullmatch(text):
        return False
    return any(ch.isdigit() for ch in text) and len(_WORD.findall(text)) <= 1


def _fits_hcg(cell: object) -> bool | None:
    if isinstance(cell, date | time | timedelta):
        return False
    if parse_quantity(cell).status == "ok":
        return True
    return hcg_positive(cell_text(cell)) is not None or parse_yes_no(cell, strict=True) is not None


def _fits_lab_flag(cell: object) -> bool:
    # an off-scale flag (">" above the instrument's range) is the lab's flag too
    return (
        flag_column_direction(cell) is not None
        or off_scale_flag(cell) != ""
        or unread_column_flag(cell)
    )


def _fits_comparator(cell: object) -> bool:
    return comparator(cell) is not None


VALUE_CHECKS: Final[dict[str, CellCheck]] = {
    "quantity": _fits_quantity,
    "lab": _fits_lab,
    "renal_lab": _fits_renal_lab,
    "status": _fits_status,
    "interval": _fits_interval,
    "age": _fits_age,
    "sex": _fits_sex,
    "date": _fits_date,
    "birth": _fits_birth,
    "duration_unit": _fits_duration_unit,
    "time": _fits_time,
    "name": _fits_name,
    "finding": _fits_finding,
    "location": _fits_location,
    "size": _fits_size,
    "weeks": _fits_weeks,
    "gestation": _fits_gestation,
    "percent": _fits_percent,
    "unit": _fits_unit,
    "flag": _fits_flag,
    "lab_flag": _fits_lab_flag,
    "comparator": _fits_comparator,
    "visit": _fits_visit,
    "time_point": _fits_time_point,
    "text": _fits_text,
    "condition": _fits_condition,
    "hcg": _fits_hcg,
    "code": _fits_code,
}
NAME_FIELDS: Final = frozenset({"patient_name", "given_name", "patient_id", "specimen_id"})


def _counted(cell: object, kind: str) -> bool:
    """Cells that tell something about a column (not placeholders, "unknown", a units row, nor
    a research export's missing-data code such as -99, 999 or "Not done")."""
    if is_empty_value(cell) or is_unknown_word(cell) or is_missing_code(cell):
        return False
    if is_spreadsheet_error(cell):  # "#WERT!": a formula that failed says nothing of the column
        return False
    if kind == "unit" or not isinstance(cell, str):
        return True
    if kind == "quantity" and is_missing_result_word(cell):  # "n.v.", "non dosé": no result
        return False
    if kind == "quantity" and says_cancelled(cell):
        return False  # "storniert", "annulé": a cancelled result, no number to fit
    if kind == "quantity" and says_see_note(cell):
        return False  # "zie opmerking": the result is in the note (io/wide.py reads it there)
    return not (looks_like_unit(cell) and not any(ch.isdigit() for ch in cell))


@cache
def _cell_label_patterns(name: str) -> tuple[re.Pattern[str] | None, bool]:
    """(the labels a cell of field ``name`` may open with, its own [fields] synonyms, as one
    pattern; whether a bracketed age may follow its value): synonyms.toml [values.cell_labels].
    An age label that names a unit other than years ("Lebenstag") is none."""
    table = synonyms_data()["values"]["cell_labels"]
    if name not in table["fields"]:
        return None, False
    labels: set[str] = set()
    for synonym in synonyms_data()["fields"][name].get("synonyms", []):
        if name == "age_years" and header_age_scale(synonym) not in (None, 1.0):
            continue
        labels |= {synonym.lower(), normalise_word(synonym)}
    alternatives = "|".join(
        re.escape(label).replace(r"\ ", r"\s+") for label in sorted(labels, key=len, reverse=True)
    )
    pattern = re.compile(rf"\s*(?:{alternatives})(?:\s*[:=]\s*|\.\s*|\s+)(?=\S)", re.IGNORECASE)
    return pattern, name in table["age_note_fields"]


def cells_may_carry_labels(name: str) -> bool:
    """Whether cells of field ``name`` are read without their own label
    (``without_cell_label``)."""
    return _cell_label_patterns(name)[0] is not None


_BRACKETED_TAIL: Final = re.compile(r"(.*\S)\s*[(\[]([^()\[\]]*)[)\]]\s*")


def without_cell_label(name: str, cell: object) -> object:
    """The value of a cell of field ``name`` without its own label before it ("DOB 01-Jan-2016",
    "Sex: Female", "Age: 10y", "né(e) le 01/01/2016") and, for a birth date, without a
    bracketed age after it ("01-Jan-2016 (10y)"): synonyms.toml [values.cell_labels].  Any other
    cell as it is."""
    if not isinstance(cell, str):
        return cell
    label, age_note = _cell_label_patterns(name)
    if label is None:
        return cell
    text = cell
    found = label.match(text)
    if found is not None:
        text = text[found.end() :]
    tail = _BRACKETED_TAIL.fullmatch(text) if age_note else None
    if tail is not None and parse_age_years(tail.group(2).strip()) is not None:
        text = tail.group(1)
    return cell if text is cell else text.strip()


def value_fit(name: str, cells: Iterable[object], header: str = "") -> tuple[float, int] | None:
    """(share of the counted cells that fit field ``name``, how many were counted); None when
    the field has no check or too few cells count.  ``header``: the column's header, whose
    duration unit an age's bare numbers are in ("age_days", "Age (months)", "Alter (Tage)")."""
    check = value_checks().get(name)
    if check is None:
        return None
    test = VALUE_CHECKS[check.kind]
    per_year = header_age_scale(header) if check.kind == "age" and header else None
    if per_year is not None:
        test = partial(_fits_age, per_year=per_year)
    # a cell that names its own field ("DOB 31.02.2018") is the field's, read or not
    labelled = partial(without_cell_label, name)
    verdicts = [True if labelled(c) is not c else test(c) for c in cells if _counted(c, check.kind)]
    counted = [v for v in verdicts if v is not None]
    if not counted or len(counted) < check.min_values:
        return None
    return sum(1 for v in counted if v) / len(counted), len(counted)


def unit_veto(name: str, header: str) -> str | None:
    """Why a header cannot name a field because of its own unit, or None."""
    check = value_checks().get(name)
    if check is None:
        return None
    unit = parse_header(header).unit
    kind = unit_kind(unit)
    if kind is None or (check.units is not None and kind in check.units):
        return None
    if _STATED_CODES.search(header):  # "prl_unit (1=ng/mL; 2=mIU/L)": its cells' codes
        return None
    return f"its unit {unit!r} measures another quantity ({kind})"


# A header's bracket stating the codes of its cells ("1=ng/mL; 2=mIU/L", "1, ng/mL | 2, mIU/L"),
# not a unit of its own.
_STATED_CODES: Final = re.compile(r"\(\s*\d{1,2}\s*[=:,]\s*\D")


# kinds of value checks whose field is a measurement (a number a lab reports)
MEASURED_KINDS: Final = frozenset({"quantity", "lab", "renal_lab", "percent", "size"})


def header_says_answers(header: str) -> bool:
    """The header says its column holds yes/no answers: answer words ("ckd_yn", "CKD (yes/no)",
    "eGFR flag", "(ja/nein)": [finding_columns] answer_words) or its own yes/no codes ("CKD (0=no,
    1=yes)")."""
    if header_flag_codes(header):
        return True
    words = [normalise_word(w) for w in parse_header(header).full.split()]
    answers = _finding_rules().answer_words
    pairs = (" ".join(words[i : i + 2]) for i in range(len(words) - 1))
    return any(w in answers for w in words) or any(p in answers for p in pairs)


def coded_veto(name: str, header: str, cells: Sequence[object]) -> str | None:
    """Why a column of yes/no answers cannot hold measurement ``name``, or None: its header says
    it holds answers ("ckd_yn", "CKD (yes/no)", "CKD (0=no, 1=yes)", "eGFR flag"), or states a
    threshold ("eGFR<60", "egfr_lt60": ``header_threshold``) and its values are answers (a
    "Prolactin (< 25)" of results is read), or its values are only the codes the field's
    [value_checks] entry lists (an eGFR of 0/1)."""
    check = value_checks().get(name)
    if check is None or check.kind not in MEASURED_KINDS:
        return None
    if header_says_answers(header):
        return "its header says it holds yes/no answers, not measurements"
    if header_threshold(header) and is_yes_no_column(cells, *column_flag_codes(header, cells)):
        return "its header states a threshold and its values are yes/no answers, not measurements"
    counted = {code_text(c).strip() for c in cells if _counted(c, check.kind)}
    if check.codes and len(counted) >= check.min_values and counted <= check.codes:
        return f"its values are only the yes/no codes {', '.join(sorted(counted))}, never {name}"
    return None


def value_veto(name: str, header: str, cells: Sequence[object] | None) -> str | None:
    """Why a column cannot hold a field (its header unit, or its values), or None."""
    reason = unit_veto(name, header)
    if reason or cells is None:
        return reason
    coded = coded_veto(name, header, cells)
    if coded:
        return coded
    check = value_checks().get(name)
    if check is not None and (check.weak_only or check.strong_one):
        spec = field_specs().get(name)
        strong = spec is None or score(parse_header(header), spec) >= STRONG_SCORE
        if strong and check.weak_only:
            return _strong_header_refused(check, cells)
        if strong and any(VALUE_CHECKS[check.kind](c) for c in cells if _counted(c, check.kind)):
            return None  # strong_one: a known value keeps it; the unknown ones are warned of
    found = value_fit(name, cells, header)
    if check is not None and check.kind == "interval" and found is not None:
        # lone numbers ("23.3", perhaps an upper limit) beside intervals: the other cells
        # decide; a column of lone numbers alone is no interval column unless its header says
        # they are upper limits ("Ref <", "Normal (<)": io/wide reads them so)
        rest = [c for c in cells if lone_number(c) is None]
        if len(rest) < len(cells) and (
            header_says_upper_limit(header) or any(_fits_interval(c) for c in rest)
        ):
            kept = value_fit(name, rest, header)
            if kept is None or kept[0] >= check.min_fit:
                return None
        lone = [c for c in cells if lone_number(c) is not None]
        if found[0] < check.min_fit and len(lone) * 2 > len(cells):
            return (
                f"its values are not intervals but lone numbers (e.g. {cell_text(lone[0])!r}), "
                "which the header does not say are upper or lower limits (if they are the "
                "lab's upper limits, name the column reference_high in a column mapping file)"
            )
    if check is None or found is None or found[0] >= check.min_fit:
        return None
    formulas = sum(1 for c in cells if is_formula_without_value(c))
    if formulas and formulas * 2 >= sum(1 for c in cells if not is_blank(c)):
        return (
            "its cells hold formulas without a stored result (the workbook was saved by a "
            "program that does not compute formulas): open it in a spreadsheet program, save "
            "it, and read it again"
        )
    formulas = sum(1 for c in cells if is_spreadsheet_formula(c))
    if formulas and formulas * 2 >= sum(1 for c in cells if not is_blank(c)):
        return (
            "its cells hold spreadsheet formulas (=C7), not their results (the file was "
            "exported showing formulas): export the values and read it again"
        )
    if check.kind == "status":  # name the words not known ("Befund da"): a status may be missed
        unknown = sorted({cell_text(c).strip() for c in cells if _fits_status(c) is False})
        if unknown:
            listed = ", ".join(repr(u) for u in unknown[:4])
            return f"its values are not {check.expects}: {listed} not recognised"
    return f"its values are not {check.expects}"


_NAME_PARTS: Final = re.compile(r"[\s,]+")


def _strong_header_refused(check: ValueCheck, cells: Sequence[object]) -> str | None:
    """Why a column under a header naming the field strongly still cannot hold it: every counted
    value is of the kind ``strong_not`` names, with no digit ("Paciente" = "José Rojas Soto": a
    name, never an id, whatever its header; two people of one name were one patient), or None."""
    kind = check.strong_not
    counted = [c for c in cells if _counted(c, kind)] if kind else []
    if not counted or not all(
        VALUE_CHECKS[kind](c)
        and not any(ch.isdigit() for ch in cell_text(c))
        and len([p for p in _NAME_PARTS.split(cell_text(c)) if p]) >= len((0, 1))
        for c in counted
    ):
        # (a name has its parts, "Rojas Soto, José"; one word is a code or a pseudonym as
        # often: "MAde", "P-FLAT", "n_de" stay ids)
        return None
    return f"its values are {kind}s, not {check.expects}"


# ------------------------------------------------------------------------------------------------
# Header rows
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RowScore:
    """How much a row looks like a header row."""

    recognised: int  # cells that name some field
    has_prolactin: bool  # a wide prolactin column
    has_long: bool  # test (or code / LOINC) and result columns
    filled: int  # non-empty cells
    distinct: int = 0  # different fields the cells name (each cell by its best strong match)

    @property
    def usable(self) -> bool:
        """A result column, and every cell a header (a lone cell only if it names a field)."""
        names_result = self.has_prolactin or self.has_long
        return names_result and (self.filled >= 2 or self.recognised == self.filled)


def score_row(cells: Sequence[object], forced: Mapping[str, str] | None = None) -> RowScore:
    """Score one row as a candidate header row (``forced``: mapping file field -> header)."""
    texts = [c.strip() for c in cells if isinstance(c, str) and c.strip()]
    forced_keys = {_loose(h): f for f, h in (forced or {}).items()}
    fields_seen: set[str] = set()
    best: set[str] = set()
    recognised = 0
    limits = reference_limit_pair(texts) if "prolactin" not in (forced or {}) else None
    for n, text in enumerate(texts):
        forced_field = forced_keys.get(_loose(text))
        strong = [f for f, s in candidates(text) if s >= STRONG_SCORE]
        if limits is not None and n in limits:  # a reference interval's ends ("... von / bis")
            strong = ["reference_low" if n == limits[0] else "reference_high"]
        if forced_field:
            strong = [forced_field, *strong]
        if strong or any(s >= WEAK_SCORE for _, s in candidates(text)):
            recognised += 1
        fields_seen.update(strong)
        fields_seen.update(_weak_result(text))
        best.update(strong[:1])
    has_long = bool(fields_seen & set(LONG_MARKERS)) and "result" in fields_seen
    return RowScore(recognised, "prolactin" in fields_seen, has_long, len(texts), len(best))


def _weak_result(text: str) -> list[str]:
    """["result"] for a header that names a long export's result only weakly (SDTM's
    standardised result, LBSTRESN, beside a test column): with a test column it makes the long
    shape, and it is read where no header names the result better (synonyms.toml)."""
    return [f for f, s in candidates(text) if f == "result" and WEAK_SCORE <= s < STRONG_SCORE]


def _loose(text: str) -> str:
    return " ".join(str(text).casefold().split())


# ------------------------------------------------------------------------------------------------
# Assignment
# ------------------------------------------------------------------------------------------------
class MappedHeaderMissing(LookupError):
    """The mapping file names a header that the file does not have."""

    def __init__(self, field_name: str, header: str, seen: Sequence[str]) -> None:
        self.field = field_name
        self.header = header
        self.seen = list(seen)
        super().__init__(f"mapping names header {header!r} for {field_name}, not in the file")


@dataclass
class ColumnMatch:
    """The result of recognition: field -> column index, and what was left over."""

    headers: list[str]  # header texts by column, as written
    fields: dict[str, int] = field(default_factory=dict)
    header_units: dict[str, str] = field(default_factory=dict)  # field -> unit in its header
    shape: str = "wide"
    unmapped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    note_columns: list[int] = field(default_factory=list)  # unmapped notes read into comments
    # field -> further columns of the same kind read into it ("Dauermedikation" beside
    # "Medikation"), as "header: text" after the field's own column (triage.io.layout)
    joined_columns: dict[str, list[int]] = field(default_factory=dict)
    vetoes: dict[int, str] = field(default_factory=dict)  # column -> why it was not used
    # yes/no columns whose header names a finding ("Visual field defect", "Sehstörungen"):
    # column -> the words a yes writes into comments (triage.io.layout)
    finding_columns: dict[int, str] = field(default_factory=dict)
    # text fields whose column holds only yes/no answers: field -> the words a yes means ("" to
    # keep the cell as written); a no is written "no" (triage.io.layout)
    answer_fields: dict[str, str] = field(default_factory=dict)
    # the sex column is named after one sex and holds yes/no answers ("female": 1/0): that sex
    one_sex: str | None = None
    # yes/no columns left unread, whose header names no finding the reader knows
    unread_yes_no: list[int] = field(default_factory=list)
    # note column -> how its cells are written into comments ("Macroprolactin: {}"), where its
    # header alone does not say it (synonyms.toml [note_columns.written_as])
    note_forms: dict[int, str] = field(default_factory=dict)
    # note column -> its codes as its header states them ("macroprolactin (0=neg; 1=pos)"): each
    # cell is written as its code's label; a cell no code names is written as nothing
    note_codes: dict[int, dict[str, str]] = field(default_factory=dict)
    # note column -> how a number in it is written into comments, where its direction is not
    # stated ("Macroprolactin" = 28: "Macroprolactin screen: 28 (PEG recovery or percent
    # macroprolactin: not stated, not interpreted)")
    note_numbers: dict[int, str] = field(default_factory=dict)
    # the visit columns that held no value in the sampled rows, when the one other column of
    # its visit series is read as the prolactin: the reader checks them in every row and
    # refuses the file (``visit_series_refusal``) when one holds a value after all
    empty_visits: list[int] = field(default_factory=list)
    # field -> further columns headed as its own column ("Sex" twice, "Unit" twice): each row
    # reads the one that is filled; a row where they differ is rejected (triage.io.layout)
    twin_columns: dict[str, list[int]] = field(default_factory=dict)
    # context test -> further columns of the same test headed with another unit ("creat_umoll"
    # beside "creat_mgdl", "TSH (mIU/L)" beside "TSH (µIU/mL)"): each row reads the one that
    # holds a number, in its own header's unit (triage.io.layout)
    other_unit_columns: dict[str, list[int]] = field(default_factory=dict)
    # further columns of the sex under another header ("Geschlecht bei Geburt" beside
    # "Geschlecht (Personenstand)", "Sex assigned at birth" beside "Gender identity"): a row
    # where they give different sexes is judged with sex unknown (triage.io.layout)
    sex_sources: list[int] = field(default_factory=list)
    # a wide file's several prolactin columns (a visit or timed series, a repeat, two columns
    # that both hold results), in column order: each row is read once per column that holds a
    # value (triage.io.layout.melt_prolactin_columns), the column's label in ``series_field``
    # ("visit", else "time_point"), its visit's context columns in ``series_context``
    series_columns: list[int] = field(default_factory=list)
    series_field: str = ""
    # context field -> visit mark (columns.visit_of) -> its column, for the series' rows
    series_context: dict[str, dict[str, int]] = field(default_factory=dict)
    # field -> every column that looked like it (the one read and the others), in column order
    series_candidates: dict[str, list[int]] = field(default_factory=dict)
    # (field, column) of the columns that also looked like a field already taken, and the fields
    # the mapping file named: what series_of needs when the reader turns the file into a series
    # after all (an empty visit column that holds a value below the sampled rows)
    losers: list[tuple[str, int]] = field(default_factory=list)
    forced: frozenset[str] = frozenset()

    def header_of(self, name: str) -> str:
        return self.headers[self.fields[name]]

    def mapping(self) -> dict[str, str]:
        """field -> header text, in column order (a column without a header by its letters,
        as a mapping file names it: "column E")."""
        ordered = sorted(self.fields.items(), key=lambda item: item[1])
        named = {
            col: text if text.strip() else f"column {column_letters(col)}"
            for col, text in enumerate(self.headers)
        }
        return {name: named[col] for name, col in ordered}


def _prefer_a_varying_id(
    match: ColumnMatch,
    losers: Sequence[tuple[str, int]],
    samples: Mapping[int, Sequence[object]] | None,
) -> None:
    """A patient-id column holding one value on every row (a study or site code: "STUDYID",
    "study_id" beside "subject") gives way to another patient-id candidate whose values vary:
    three participants were read as one patient, one's labs explaining another's result."""
    col = match.fields.get("patient_id")
    if col is None or samples is None or len(_filled(samples.get(col, ()))) != 1:
        return
    taken = set(match.fields.values())
    for name, other in losers:
        if name == "patient_id" and other not in taken and len(_filled(samples.get(other, ()))) > 1:
            match.fields["patient_id"] = other
            match.warnings.append(
                f"column {match.headers[col]!r} holds one value on every row (a study or site, "
                f"not a patient): {match.headers[other]!r} is read as the patient id"
            )
            return


def _names_under_an_id_header(
    match: ColumnMatch, taken: set[int], samples: Mapping[int, Sequence[object]] | None
) -> None:
    """A column under a patient-id header that holds names (``_strong_header_refused``: "ID",
    "Paciente" = "José Rojas Soto") is the patient's name when no other column gives it: a
    column of names is a name, never an id, and never dropped either."""
    check = value_checks()["patient_id"]
    if "patient_name" in match.fields or samples is None:
        return
    for col, text in enumerate(match.headers):
        if col in taken or not text:
            continue
        named = dict(candidates(text)).get("patient_id", 0.0) >= STRONG_SCORE
        if named and _strong_header_refused(check, samples.get(col, ())):
            match.fields["patient_name"] = col
            taken.add(col)
            return


def _interval_under_a_number_header(
    match: ColumnMatch, samples: Mapping[int, Sequence[object]] | None
) -> None:
    """A sample-number header that names the reference interval too ("Lab ref": the lab's
    reference number, or its reference range) whose cells are all intervals ("102-496",
    "< 500", "4,8 - 23,3") is the lab's interval, when no other column gives it: read as the
    sample number, the lab's interval was lost and a raised result judged normal (review 27)."""
    col = match.fields.get("specimen_id")
    if col is None or samples is None or "reference_range" in match.fields:
        return
    if "reference_range" not in dict(candidates(match.headers[col])):
        return
    cells = [c for c in samples.get(col, ()) if _counted(c, "interval")]
    if not cells or not all(_fits_interval(c) for c in cells):
        return
    del match.fields["specimen_id"]
    match.fields["reference_range"] = col


def _column_dates(cells: Iterable[object]) -> list[date]:
    found = (parse_date(c) for c in cells if not is_empty_value(c))
    return [d.date() for d in found if d is not None]


def _two_date_columns(
    match: ColumnMatch,
    taken: set[int],
    losers: Sequence[tuple[str, int]],
    samples: Mapping[int, Sequence[object]] | None,
) -> None:
    """Two columns headed alike as a date ("Datum" twice, "Date" twice): one may be the birth
    date.  Where every date of one column lies more than birth_date_column_min_gap_years before
    every date of the other, the earlier is read as the birth date and the later as the
    collection date; otherwise both are named in a warning (the first is read as the collection
    date), never one dropped in silence."""
    col = match.fields.get("collected_at")
    if col is None:
        return
    key = _loose(match.headers[col])
    same = [
        c
        for c, text in enumerate(match.headers)
        if c != col and text and c not in taken and _loose(text) == key
    ]
    if not same:
        return
    other = same[0]
    first, second = column_letters(col), column_letters(other)
    heading = f"columns {first} and {second} are both headed {match.headers[col]!r}"
    gap = timedelta(
        days=float(load_thresholds().get("birth_date_column_min_gap_years")) * DAYS_PER_YEAR
    )
    a = _column_dates(samples.get(col, ())) if samples is not None else []
    b = _column_dates(samples.get(other, ())) if samples is not None else []
    birth = None
    if a and b and max(b) + gap < min(a):
        birth, later = other, col
    elif a and b and max(a) + gap < min(b):
        birth, later = col, other
    if birth is not None and "birth_date" not in match.fields:
        match.fields["collected_at"] = later
        match.fields["birth_date"] = birth
        taken.add(birth)
        taken.add(later)
        match.warnings.append(
            f"{heading}: column {column_letters(birth)} holds dates years before every date "
            f"of column {column_letters(later)}, so it is read as the birth date and column "
            f"{column_letters(later)} as the collection date; if that is wrong, name them in a "
            '[columns] mapping file (collected_at = "column X", birth_date = "column Y")'
        )
        return
    if ("collected_at", other) in losers:  # a twin of the collection date: warned of there
        return
    match.warnings.append(
        f"{heading}: column {first} was read as the collection date and column {second} is "
        "not read (their dates do not show which is which); name each in a [columns] mapping "
        f'file (collected_at = "column {first}", or birth_date = "column {second}")'
    )


def _prefer_the_analyte_date(match: ColumnMatch, losers: Sequence[tuple[str, int]]) -> None:
    """A date column that names prolactin ("prl_date", "Prolaktin Datum", "date_prolactine") is
    the collection date of the result rather than a visit's or a lab's date beside it (a
    cohort's prolactin may be drawn on another day than its visit).  ``losers``: the columns
    that also looked like a field after it was taken (their cells fit it)."""
    col = match.fields.get("collected_at")
    if col is None or mentions_prolactin(match.headers[col]):
        return
    used = set(match.fields.values())
    own = [  # the losers' values were checked (value_veto) when they lost the field
        c
        for name, c in losers
        if name == "collected_at"
        and c not in used
        and c not in match.vetoes
        and mentions_prolactin(match.headers[c])
    ]
    if not own:
        return
    match.fields["collected_at"] = own[0]
    match.warnings.append(
        f"{match.headers[own[0]]!r} is read as the collection date (it names the prolactin's own "
        f"sample), not {match.headers[col]!r}"
    )


def _warn_of_a_late_date(match: ColumnMatch) -> None:
    """A collection date read from a date of the lab's later steps (when it received,
    reported or was asked for the sample: synonyms.toml [fields.collected_at] late), as no
    column names the sample's own date, is named in a warning, never read in silence."""
    col = match.fields.get("collected_at")
    late = field_specs()["collected_at"].late
    if col is None or parse_header(match.headers[col]).main not in late:
        return
    match.warnings.append(
        f"column {match.headers[col]!r} is read as the collection date, but it names a later "
        "step of the lab (the sample's receipt, the report or the request), not when the blood "
        "was taken, and no column names that: the age at sampling, and with it a newborn's or "
        "child's reference interval, may be off by days; if the file holds the collection "
        'date, name its column in a [columns] mapping file (collected_at = "<header>")'
    )


def _filled(cells: Iterable[object]) -> set[str]:
    return {cell_text(c) for c in cells if not is_empty_value(c)}


def detect_shape(headers: Sequence[str]) -> str:
    """ "long" when there are test (or code / LOINC) and result columns and no prolactin one."""
    strong: set[str] = set()
    for text in headers:
        strong.update(f for f, s in candidates(text) if s >= STRONG_SCORE)
        strong.update(_weak_result(text))
    if "prolactin" in strong:
        return "wide"
    if strong & set(LONG_MARKERS) and "result" in strong:
        return "long"
    return "wide"


def recognise_columns(
    headers: Sequence[object],
    forced: Mapping[str, str] | None = None,
    samples: Mapping[int, Sequence[object]] | None = None,
) -> ColumnMatch:
    """Give each field at most one header (and each header at most one field).

    ``forced`` (mapping file ``[columns]``: field -> header text) is applied first; a header it
    names that the row lacks raises ``MappedHeaderMissing``.  Then candidates are taken best
    first; a field that two headers claim goes to the better (then the leftmost) and the other is
    reported in ``warnings`` and stays unmapped.  ``samples`` (column -> distinct cells below the
    header) lets the values veto a candidate (``value_veto``); without them only the header's
    own unit can.  Columns of a timed prolactin series are never the prolactin column, and
    unmapped columns of clinical information or notes are listed in ``note_columns``.
    """
    texts = [header_text(h) for h in headers]
    match = ColumnMatch(headers=texts)
    taken_cols = _apply_forced(match, forced or {}, headers)
    _reference_limit_pair(match, taken_cols, samples)
    match.shape = _shape_with_forced(texts, match)
    aside = _not_current_columns(match, taken_cols, samples)
    pool = _candidate_pool(texts, match.shape, taken_cols | aside, set(match.fields))
    timed, visits = (
        _prolactin_series(texts, taken_cols)[:2]
        if "prolactin" not in match.fields
        else (set(), set())
    )
    lone = _lone_filled_visit(texts, visits, timed, samples)
    if lone is not None:  # one visit holds every value: it is read, the empty ones are named
        match.empty_visits = sorted(visits - {lone})
        visits = set()
        listed = ", ".join(repr(texts[c]) for c in match.empty_visits)
        match.warnings.append(
            f"headers {listed} of a visit series hold no value in this file: {texts[lone]!r}, "
            "the only visit with results, is read as the prolactin"
        )
    series = timed | visits | set(match.empty_visits)
    if "prolactin" in match.fields:
        chosen = match.fields["prolactin"]
        others = set().union(*_prolactin_series(texts, taken_cols - {chosen})[:2]) - {chosen}
        if others:
            listed = ", ".join(repr(texts[c]) for c in sorted(others))
            match.warnings.append(
                f"only {texts[chosen]!r} is triaged (the mapping file names it); the other "
                f"visits or time points {listed} are not: run again naming each"
            )
    losers: list[tuple[str, int]] = []
    match.losers, match.forced = losers, frozenset(forced or {})
    checked: dict[tuple[int, str], str | None] = {}
    for value, col, name in pool:
        if col in match.empty_visits:  # named in the warning above; never read
            continue
        if name in match.fields:
            if value >= STRONG_SCORE and col not in taken_cols and col not in match.vetoes:
                cells = samples.get(col, ()) if samples is not None else None
                reason = value_veto(name, texts[col], cells)
                if reason:
                    match.vetoes[col] = f"{texts[col]!r} not used as {name}: {reason}"
                else:
                    losers.append((name, col))
            elif (
                name in JOINED_FIELDS
                and col not in taken_cols
                and col not in match.vetoes
                and samples is not None
                and _lists_drugs(samples.get(col, ()))
            ):
                # a weak header of a second list ("Depot", "Therapie" beside "Medikation")
                # whose cells name drugs: read with the first (_joined_columns)
                losers.append((name, col))
            continue
        if col in taken_cols or (name == "prolactin" and col in series):
            continue
        key = (col, name)
        if key not in checked:
            cells = samples.get(col, ()) if samples is not None else None
            checked[key] = value_veto(name, texts[col], cells)
        reason = checked[key]
        if reason:
            match.vetoes.setdefault(col, f"{texts[col]!r} not used as {name}: {reason}")
            continue
        match.fields[name] = col
        taken_cols.add(col)
    if not series:  # a visit or timed series is refused, never read from its earlier column
        _only_an_earlier_result(match, taken_cols, samples)
    if not {"collected_at", "birth_date"} & set(forced or {}):
        _two_date_columns(match, taken_cols, losers, samples)
    if "patient_id" not in (forced or {}):
        _prefer_a_varying_id(match, losers, samples)
    if "patient_name" not in (forced or {}):
        _names_under_an_id_header(match, taken_cols, samples)
    if not {"specimen_id", "reference_range"} & set(forced or {}):
        _interval_under_a_number_header(match, samples)
    if "collected_at" not in (forced or {}):
        _prefer_the_analyte_date(match, losers)
        _warn_of_a_late_date(match)
    _own_result_columns(match, set(forced or {}))
    _own_comparator(match, set(forced or {}))
    if "sex" not in (forced or {}):
        _one_sex_column(match, samples)
    _post_process(match)
    _test_names_by_cells(match, taken_cols, samples, set(forced or {}))
    beside = _unit_column_by_cells(match, samples, set(forced or {}))
    if match.shape == "wide" and "prolactin" not in (forced or {}) and (timed or visits):
        current = match.fields.get("prolactin")
        series_of(
            match,
            sorted(timed | visits | ({current} if current is not None else set())),
            losers,
            set(forced or {}),
        )
    else:
        aside |= _same_visit_context(match, losers, set(forced or {}))
    if timed and not match.series_columns:
        listed = ", ".join(repr(texts[c]) for c in sorted(timed))
        match.warnings.append(
            f"headers {listed} are a timed prolactin series (one result per time point): none "
            'is triaged; name one in a column mapping file ([columns] prolactin = "<header>")'
        )
    if visits and not match.series_columns:
        match.warnings.append(visit_series_refusal(texts, visits))
    _refuse_second_results(match, losers, samples, set(forced or {}))
    _plain_date_first(match, taken_cols, losers, set(forced or {}))
    for name, col in losers:
        if col in set(match.fields.values()) or col in match.series_columns:
            continue
        used_col = match.fields.get(name)
        if used_col is None:  # refused: two results in each row (_refuse_second_results)
            continue
        if used_col is not None and texts[used_col].strip() == texts[col].strip():
            if name == "prolactin" and match.shape == "wide" and name not in (forced or {}):
                # two prolactin results in each row: each is read as a result of its own
                series_of(
                    match, sorted({*match.series_columns, used_col, col}), losers, set(forced or {})
                )
                continue
            if name in RESULT_FIELDS and name not in (forced or {}):
                # two results in each row, and nothing says which is the one (a repeat, a
                # second visit): as for a visit series, none is triaged
                del match.fields[name]
                match.warnings.append(
                    f"columns {column_letters(used_col)} and {column_letters(col)} are both "
                    f"headed {texts[col]!r}: {TWO_RESULTS}: none is triaged, so that no raised "
                    "result hides behind a normal one; name the one to triage in a column "
                    f'mapping file ([columns] {name} = "column {column_letters(col)}")'
                )
                continue
            if _twin(match, name, col, beside):
                continue
            match.warnings.append(  # the same header twice: say which column was taken
                f"columns {column_letters(used_col)} and {column_letters(col)} are both headed "
                f"{texts[col]!r}: column {column_letters(used_col)} was read as {name}; if the "
                f"other one is, name it in a column mapping file ([columns] {name} = "
                f'"column {column_letters(col)}")'
            )
            continue
        if (
            name in OTHER_UNIT_FIELDS
            and col not in aside
            and (
                _other_unit(texts[used_col], texts[col], name)
                or _same_test(texts[used_col], texts[col], name)
            )
        ):
            match.other_unit_columns.setdefault(name, []).append(col)
            continue
        if name == "sex":
            match.sex_sources.append(col)
            sex_header = match.header_of(name)
            differ = (
                SEX_AT_BIRTH_BESIDE
                if birth_sex_side(sex_header, texts[col]) is not None
                else f"{SEX_SOURCES_DIFFER}, judged against both sexes' intervals, with a note "
                "saying so"
            )
            match.warnings.append(
                f"header {texts[col]!r} also gives the sex beside {sex_header!r}: {differ}; a row "
                "where one is empty reads the other"
            )
            continue
        match.warnings.append(
            f"header {texts[col]!r} also looks like {name}; used {match.header_of(name)!r}"
        )
    for name, further in match.other_unit_columns.items():  # the leftmost is read first
        ordered = sorted([match.fields[name], *further])
        match.fields[name], match.other_unit_columns[name] = ordered[0], ordered[1:]
    match.header_units = {
        name: parse_header(texts[col]).unit
        for name, col in match.fields.items()
        if parse_header(texts[col]).unit
    }
    used = set(match.fields.values()) | set(match.series_columns)
    used |= {c for cols in match.other_unit_columns.values() for c in cols}
    used |= set(match.sex_sources)
    match.vetoes = {c: r for c, r in match.vetoes.items() if c not in used}
    _joined_columns(match, losers, used)
    used |= {c for cols in match.joined_columns.values() for c in cols}
    past = _past_medication_columns(match, used)  # not read: never into the comments either
    past |= aside - used
    _macroprolactin_screen_columns(match, used | past, samples)  # before the yes/no findings
    used |= set(match.note_columns)
    _named_lab_columns(match, used | past)
    used |= set(match.note_columns)
    _answer_fields(match, samples, set(forced or {}))
    _finding_columns(match, used | past, samples)
    used |= set(match.finding_columns)
    _note_columns(match, used | past, samples)
    used |= set(match.note_columns)
    _finding_text_columns(match, used | past, samples)
    used |= set(match.finding_columns)
    said = _clinical_cell_columns(match, used | past, samples)
    used |= set(match.note_columns)
    match.unread_yes_no = [
        col
        for col, text in enumerate(texts)
        if text
        and col not in used
        and col not in past
        and not is_checkbox_option(text)
        and samples is not None
        and is_yes_no_column(samples.get(col, ()), *column_flag_codes(text, samples.get(col, ())))
    ]
    _free_text_columns(match, used | past | said | set(match.unread_yes_no), samples)
    _derived_columns(match, used | past | said | set(match.note_columns))
    match.warnings += [f"column {reason}" for _, reason in sorted(match.vetoes.items())]
    if "prolactin" in match.fields:  # read beside it (io/layout._take_diluted_results)
        used |= {c for c, t in enumerate(texts) if t and is_diluted_prolactin(t)}
    match.unmapped = [t for col, t in enumerate(texts) if t and col not in used]
    match.warnings += _unread_interval_columns(match, used, samples)
    return match


def _derived_columns(match: ColumnMatch, used: Set[int]) -> None:
    """A prolactin header of a value derived from the results or of the assay run ("prl_auc",
    "log10_prl", "prl_lod", "prl_qc": ``derived_word``) left unread is named with the reason,
    never silently among the columns not used (review 21)."""
    for col, text in enumerate(match.headers):
        if not text or col in used or col in match.vetoes or not mentions_prolactin(text):
            continue
        word = derived_word(text)
        if word:
            match.vetoes[col] = (
                f"{text!r} not used as prolactin: its header names a value derived from the "
                f"result or a detail of the assay run ({word}), not a measured result"
            )


@cache
def _range_pairs() -> tuple[tuple[str, str], ...]:
    """(lower word, upper word) pairs of a reference interval's two headers: synonyms.toml
    [header] range_pairs, normalised."""
    pairs = synonyms_data()["header"].get("range_pairs", [])
    return tuple((normalise_word(low), normalise_word(high)) for low, high in pairs)


def _reference_limit_pair(
    match: ColumnMatch, taken: set[int], samples: Mapping[int, Sequence[object]] | None
) -> None:
    """Two prolactin headers alike but for the words of a range's two ends ("Prolaktin (mU/l)
    von" / "Prolaktin (mU/l) bis", "Prolactine min" / "Prolactine max": [header] range_pairs)
    are the lab's lower and upper reference limits, read as reference_low and reference_high
    (unless the mapping file names those fields): before, they were two prolactin results in
    each row, none triaged, and a sheet of reference limits by group was reported as unread
    results.  Not columns whose values are no numbers (flags: "Prolactin low" = "x")."""
    if {"reference_low", "reference_high"} & set(match.fields):
        return
    pair = reference_limit_pair(match.headers, taken)
    if pair is not None and not any(
        value_veto(name, match.headers[col], samples.get(col, ()) if samples else None)
        for name, col in zip(("reference_low", "reference_high"), pair, strict=True)
    ):
        match.fields["reference_low"], match.fields["reference_high"] = pair
        taken.update(pair)


def reference_limit_pair(
    headers: Sequence[object], taken: Set[int] = frozenset()
) -> tuple[int, int] | None:
    """The columns (lower, upper) of the first pair of prolactin headers alike but for the words
    of a range's two ends ([header] range_pairs: "Prolaktin (mU/l) von" / "... bis"), else
    None; columns in ``taken`` are passed over."""
    words = {
        col: normalise_word(text).split()
        for col, text in enumerate(headers)
        if isinstance(text, str) and text.strip() and col not in taken
    }
    where = {tuple(w): col for col, w in words.items()}
    for col, low_words in words.items():
        for i, word in enumerate(low_words):
            for low, high in _range_pairs():
                if word != low:
                    continue
                upper = where.get((*low_words[:i], high, *low_words[i + 1 :]))
                rest = " ".join(low_words[:i] + low_words[i + 1 :])
                if upper is not None and upper != col and mentions_prolactin(rest):
                    return col, upper
    return None


def _unread_interval_columns(
    match: ColumnMatch, used: set[int], samples: Mapping[int, Sequence[object]] | None
) -> list[str]:
    """A warning for each column left unused whose cells are mostly lab intervals ("4.8-23.3",
    "M: 4.0-15.2; F: 4.8-23.3") while no column gives the lab's interval: its header is not
    one the reader knows, and the reference set's interval judges the rows instead."""
    if samples is None or {"reference_range", "reference_low", "reference_high"} & set(
        match.fields
    ):
        return []
    found = []
    for col, text in enumerate(match.headers):
        if not text or col in used:
            continue
        cells = [c for c in samples.get(col, ()) if isinstance(c, str) and not is_empty_value(c)]
        shaped = sum(_two_sided(c) or parse_sex_intervals(c) is not None for c in cells)
        if cells and shaped * 2 > len(cells):
            found.append(
                f"column {text!r} holds what look like reference intervals (e.g. "
                f"{cells[0].strip()!r}) but its header is not one the reader knows as the lab's "
                "interval: not used, the reference set's interval judged the rows (name it "
                "reference_range in a column mapping file if it is the prolactin interval)"
            )
    return found


def _two_sided(cell: str) -> bool:
    interval = parse_interval(cell)
    return interval is not None and interval.low is not None and interval.high is not None


_TIME_POINT = re.compile(r"\d{1,4}")
_PRIMED_POINT = re.compile(r"(\d{1,4})\s*[′\x27’]")  # "PRL 30′": minutes as a prime
# A visit or time-point word of a research or LIS column name: "v1", "m6", "w12", "2019",
# "visit", "dx", "bl" (synonyms.toml [header] qualifier_words and visit_words).
_YEAR = re.compile(r"(?:19|20)\d{2}")  # "PRL_2019": a visit year, not minutes of a series
_VISIT_CODE = re.compile(r"[a-z]{0,6}\d{1,4}[a-z]?")


@cache
def _visit_words() -> frozenset[str]:
    header = synonyms_data()["header"]
    return frozenset(header["qualifier_words"]) | frozenset(header.get("visit_words", []))


@cache
def _prolactin_words() -> frozenset[str]:
    """The words that name prolactin alone, in every language (the prolactin field's tokens)."""
    return frozenset(w for rule in field_specs()["prolactin"].rules for g in rule for w in g)


@cache
def _glued_letters() -> tuple[frozenset[str], frozenset[str]]:
    header = synonyms_data()["header"]
    return (
        frozenset(header.get("glued_visit_letters_before", [])),
        frozenset(header.get("glued_visit_letters_after", [])),
    )


def _visit_mark(word: str) -> bool:
    """A visit or time-point word or code ("v1", "m6", "2019", "fu", "repeat")."""
    return word in _visit_words() or _VISIT_CODE.fullmatch(word) is not None


def _unglued_prolactin(word: str) -> tuple[str, ...]:
    """A prolactin word with a visit mark glued on split in two ("prolactin2" -> ("prolactin",
    "2"), "prlb" -> ("prl", "b"), "rprl" -> ("r", "prl"), "prllatest" -> ("prl", "latest")); any
    other word alone ("macroprolactin", "prolactinoma", "prlr")."""
    names = _prolactin_words()
    if word in names:
        return (word,)
    before, after = _glued_letters()
    for name in sorted(names, key=len, reverse=True):
        if word.startswith(name) and len(word) > len(name):
            mark = word[len(name) :]
            if _visit_mark(mark) or mark in after:
                return (name, mark)
        if word.endswith(name) and len(word) > len(name):
            mark = word[: -len(name)]
            if _visit_mark(mark) or mark in before:
                return (mark, name)
    return (word,)


def timed_series(texts: Sequence[str], taken: set[int]) -> set[int]:
    """Columns of a timed prolactin series ("PRL 0", "PRL 30", "PRL 60": a cannulated or
    stimulation test): two or more prolactin headers that differ only by a time point (a long
    file's test names too: io/long.py)."""
    return set(timed_series_stems(texts, taken))


def timed_series_stems(texts: Sequence[str], taken: set[int]) -> dict[int, str]:
    """The columns of timed_series, each with the name they share without the time point: a
    long file's rows of one patient and day are a series only with two points of one name."""
    return {col: stem for stem, cols in _prolactin_series(texts, taken)[2].items() for col in cols}


@cache
def _time_point_prefix() -> tuple[frozenset[str], re.Pattern[str]]:
    """(the letters before a time point's number, the pattern of a word gluing them on it:
    "t30"), synonyms.toml [header] time_point_prefixes."""
    prefixes = frozenset(str(p) for p in synonyms_data()["header"].get("time_point_prefixes", []))
    glued = "|".join(sorted((re.escape(p) for p in prefixes), key=len, reverse=True)) or "(?!)"
    return prefixes, re.compile(rf"(?:{glued})(\d{{1,4}})")


@cache
def _time_units() -> tuple[frozenset[str], re.Pattern[str], int, int]:
    header = synonyms_data()["header"]
    units = frozenset(str(u) for u in header.get("time_point_units", []))
    glued = "|".join(sorted((re.escape(u) for u in units), key=len, reverse=True)) or "(?!)"
    return (
        units,
        re.compile(rf"(\d{{1,4}})(?:{glued})"),
        int(header.get("bare_time_point_step", 0)),
        int(header.get("bare_time_point_max", 0)),
    )


def _time_point(text: str, words: list[str]) -> tuple[str, list[str], bool] | None:
    """The one time point of a header: (the point, its other words, whether a time unit says it
    is one), None without exactly one number.  A year ("PRL_2019") is no time point."""
    units, glued, step, longest = _time_units()
    prefixes, prefixed = _time_point_prefix()
    primed = {str(int(m.group(1))) for m in _PRIMED_POINT.finditer(text)}
    found: list[tuple[int, str, bool]] = []  # (index, point, timed)
    for i, word in enumerate(words):
        whole = glued.fullmatch(word)
        letters = prefixed.fullmatch(word)
        if whole is not None:
            found.append((i, str(int(whole.group(1))), True))
        elif letters is not None:  # "T30", "T0 min"; "T1", "T2" (a visit's, a trimester's) not
            minutes = int(letters.group(1))
            unit = i + 1 < len(words) and words[i + 1] in units
            of_a_test = bool(step) and minutes % step == 0 and minutes <= longest
            if unit or str(minutes) in primed or of_a_test:
                found.append((i, str(minutes), unit))
        elif _TIME_POINT.fullmatch(word) and not _YEAR.fullmatch(word):
            unit = i + 1 < len(words) and words[i + 1] in units
            found.append((i, str(int(word)), unit))
    if len(found) != 1:
        return None
    index, point, timed = found[0]
    skip = {index, index + 1} if timed and glued.fullmatch(words[index]) is None else {index}
    if index > 0 and words[index - 1] in prefixes:  # "T+30", "t=30", "T 60": the letters too
        skip.add(index - 1)
    rest = [w for i, w in enumerate(words) if i not in skip]
    return point, rest, timed or point in primed


_CELL_POINT = re.compile(r"([+-]?)\s*(\d{1,4})\s*([′\x27’]?)")


@cache
def _time_point_vocabulary() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(words beside a bare number, words of the point 0, hour units) of time-point cells."""
    header = synonyms_data()["header"]
    hours = synonyms_data()["values"]["durations"]["hours"]
    return (
        frozenset(str(w) for w in header.get("time_point_words", [])),
        frozenset(str(w) for w in header.get("basal_time_point_words", [])),
        frozenset(str(w) for w in hours),
    )


@lru_cache(maxsize=4096)
def _cell_time_point(text: str) -> tuple[int, bool] | None:
    units, _, step, longest = _time_units()
    beside, basal, hours = _time_point_vocabulary()
    words = re.findall(r"[a-z]+", text)
    numbers = list(_CELL_POINT.finditer(text))
    if not numbers:
        return (0, False) if words and set(words) <= basal | beside and set(words) & basal else None
    if len(numbers) != 1 or _TIME_TEXT.search(text) or _DATE_SHAPE.search(text):
        return None
    sign, digits, primed = numbers[0].groups()
    minutes = int(digits) * (-1 if sign == "-" else 1)
    unit = [w for w in words if w in units]
    if unit or primed:
        return minutes * (60 if unit and unit[0] in hours else 1), True
    if set(words) - beside or abs(minutes) > longest or not step or minutes % step:
        return None
    return minutes, False


def time_point_minutes(cell: object) -> tuple[int, bool] | None:
    """The time point a cell of a time-point column writes, in minutes, and whether a time
    unit says it is one: "0 min", "TRH +20 min", "cannula 30 min", "2 h", "30′", "-15", "T30",
    "basal" (0); None for anything else ("08:15", a date, "visit 2", "T1", "month 6").  A bare
    number is a multiple of the series' step up to its longest test (synonyms.toml [header])."""
    if isinstance(cell, bool | date | time | timedelta):
        return None
    if isinstance(cell, int | float):
        cell = cell_text(cell)
    if not isinstance(cell, str):
        return None
    text = normalise_word(cell).strip()
    if not text:
        return None
    return _cell_time_point(re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text))


def is_timed_series(points: Iterable[tuple[int, bool]]) -> bool:
    """Two or more distinct time points of one patient and day that are times of a series: one
    with a time unit, or bare numbers all minutes of a test (as the headers' rule)."""
    found = {minutes: timed for minutes, timed in points}
    return _a_timed_series({str(m): (0, timed) for m, timed in found.items()})


def _a_timed_series(points: Mapping[str, tuple[int, bool]]) -> bool:
    """Two or more points of one name that are times: one with a time unit, or bare numbers
    that are all multiples of the step up to the longest test (synonyms.toml [header])."""
    if len(points) < len((0, 1)):
        return False
    if any(timed for _, timed in points.values()):
        return True
    _, _, step, longest = _time_units()
    return step > 0 and all(int(p) % step == 0 and int(p) <= longest for p in points)


def _prolactin_series(
    texts: Sequence[str], taken: set[int]
) -> tuple[set[int], set[int], dict[str, list[int]]]:
    """(timed series, visit series) among the prolactin headers.

    Timed: two or more headers that differ only by a bare time point ("PRL 0", "PRL 30").
    Visits: two or more that differ only by visit or time-point words ("prl_bl", "PRL_V1",
    "PRL_Dx", "PRL visit 2", "PRL_2019", "PRL_m6"), at least one of them naming one; a lone
    "PRL_0" or "prl_baseline" is neither."""
    points: dict[str, dict[str, tuple[int, bool]]] = {}
    spelled: dict[str, list[int]] = {}  # every column of a stem's points ("T0" and "t=0")
    visits: dict[str, dict[tuple[str, ...], int]] = {}
    words_of_visit = _visit_words()
    names = _prolactin_words()
    for col, text in enumerate(texts):
        if not text or col in taken:
            continue
        header = parse_header(text)
        # "Prolactin2", "PRLb", "rPRL": a visit mark glued on the prolactin word
        split = [_unglued_prolactin(w) for w in header.full.split()]
        words = [part for parts in split for part in parts]
        glued = {part for parts in split if len(parts) > 1 for part in parts} - names
        if (
            not mentions_prolactin(text)
            and not any(name == "prolactin" for name, _ in candidates(text))
            and not names & set(words)
        ):
            continue
        if is_diluted_prolactin(text):  # the same sample re-assayed ("PRL 1:100"): no visit
            continue
        if derived_word(text):  # "prl_auc", "log10_prl", "prl_min": no result of a visit
            continue
        if _names_an_earlier_value(header):  # "Previous prolactin", "Prolactin (prior)": the
            continue  # earlier value the LIS shows beside the result, never another visit
        point = _time_point(text, words)
        if point is not None:
            stem = " ".join(point[1])
            points.setdefault(stem, {}).setdefault(point[0], (col, point[2]))
            spelled.setdefault(stem, []).append(col)
        unit_words = set(header_words(header.unit).split()) if header.unit else set()
        # the prolactin word in any language is one word: "Prolactin" beside "Prolaktin
        # Kontrolle" is the same result twice, as "PRL" beside "PRL Kontrolle" is
        kept = ["prolactin" if w in names else w for w in words if w not in unit_words]
        marks = tuple(
            w for w in kept if w in words_of_visit or w in glued or _VISIT_CODE.fullmatch(w)
        )
        stem = " ".join(w for w in kept if w not in marks)
        if stem:
            visits.setdefault(stem, {}).setdefault(marks, col)
    series = {stem: spelled[stem] for stem, cols in points.items() if _a_timed_series(cols)}
    timed = {col for cols in series.values() for col in cols}
    visit: set[int] = set()
    for cols in visits.values():  # a timed series' columns are no visits of the others
        rest = {marks: col for marks, col in cols.items() if col not in timed}
        if len(rest) > 1 and any(marks for marks in rest):
            visit |= set(rest.values())
    return timed, visit, series


@cache
def _visit_forms() -> tuple[tuple[str, ...], frozenset[str], dict[str, str]]:
    """(visit_context_fields, baseline marks, unit word -> key): synonyms.toml [header]."""
    header = synonyms_data()["header"]
    units = {
        _words_of(str(w)): str(key)
        for key, *words in header.get("visit_mark_units", [])
        for w in words
    }
    return (
        tuple(str(f) for f in header.get("visit_context_fields", [])),
        frozenset(_words_of(str(w)) for w in header.get("baseline_marks", [])),
        units,
    )


_NUMBERED_MARK: Final = re.compile(r"([a-z]*)(\d{1,4})([a-z]*)")


@lru_cache(maxsize=4096)
def visit_of(text: str, name: str) -> str:
    """The visit or time point a header of field ``name`` names, in one form ("tsh_v2",
    "Visite 2" -> "v2"; "prl_12m_ngml", "tsh month 12" -> "m12"; "tsh_baseline", "TSH J0" ->
    "bl"); "" when none.  Words of the field's own vocabulary ("TSH basal", "FT4") are no mark,
    but a visit word beside a number is ("date_visite_1" -> "v1", though "Date de la visite"
    names the date); a bare number is a visit's, as in ``visit_key`` ("Datum 2", "prl_2" ->
    "v2", as "prl_v2")."""
    own = set(_vocabulary_words(field_specs()[name]))
    words = [p for w in parse_header(text).main.split() for p in _unglued_prolactin(w)]
    _, baseline, units = _visit_forms()
    numbers = any(w.isdigit() for w in words)
    marks = [w for w in words if (w not in own or (numbers and w in units)) and _visit_mark(w)]
    if not marks:
        return ""
    joined = "".join(marks)
    numbered = _NUMBERED_MARK.fullmatch(joined)
    if numbered is not None and not (numbered.group(1) and numbered.group(3)):
        letters = numbered.group(1) or numbered.group(3)
        key = units.get(letters, letters) if letters else units.get("v", "v")
        joined = f"{key}{int(numbered.group(2))}"
    return "bl" if joined in baseline else joined


_LABEL_WORD: Final = re.compile(r"[a-z]+|\d+")


def visit_key(text: object) -> str:
    """A visit label as written in a cell ("Visite 2", "V2", "Week 12", "month_6_arm_1") in one
    form, to tell two results' visits apart: a visit, week, month, day, year or time word and
    a number, or a code gluing them, in the form ``visit_of`` gives a header's ("Visite 2",
    "Visit no. 2", "visita 02", "V2" -> "v2"; "Week 12", "W12", "12 Wochen" -> "w12"; "3 mois"
    -> "m3"); a bare number is the visit's ("2" -> "v2"); any other label its words in lower
    case without accents ("month_6_arm_1" -> "month 6 arm 1", "Baseline" -> "baseline").  ""
    for an empty cell.  The filler words of a visit number ("n°", "no", "Nr", "Nummer":
    synonyms.toml [header] visit_number_words) are dropped."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    filler = _visit_number_words()
    words = [w for w in _LABEL_WORD.findall(_words_of(str(text))) if w not in filler]
    units = _visit_forms()[2]
    letters, number = "", ""
    if len(words) == 1:
        numbered = _NUMBERED_MARK.fullmatch(words[0])
        if numbered is not None and not (numbered.group(1) and numbered.group(3)):
            letters, number = numbered.group(1) or numbered.group(3), numbered.group(2)
    elif len(words) == len(("word", "number")):
        digits = [w for w in words if w.isdigit()]
        if len(digits) == 1:
            number, letters = digits[0], next(w for w in words if not w.isdigit())
    if number and (not letters or letters in units):
        return f"{units[letters] if letters else units['v']}{int(number)}"
    return " ".join(words)


@cache
def _visit_number_words() -> frozenset[str]:
    header = synonyms_data()["header"]
    return frozenset(_words_of(str(w)) for w in header.get("visit_number_words", []))


def _same_visit_context(
    match: ColumnMatch, losers: Sequence[tuple[str, int]], forced: set[str]
) -> set[int]:
    """Where the prolactin's header names its visit ("prl_v2", "prl_12m"), each context field
    is read from the column of that visit ("tsh_v2", not "tsh_v1"); a context column of another
    visit is not read as the state at this sample, when no column of its visit is (the
    columns dropped, each named in a warning)."""
    col = match.fields.get("prolactin")
    if col is None:
        return set()
    prolactin = match.headers[col]
    visit = visit_of(prolactin, "prolactin")
    if not visit:
        return set()
    dropped: set[int] = set()
    for name in _visit_forms()[0]:
        if name in forced:
            continue
        used = set(match.fields.values())
        chosen = match.fields.get(name)
        options = [chosen] if chosen is not None else []
        options += [c for n, c in losers if n == name and c not in used]
        same = [c for c in options if visit_of(match.headers[c], name) == visit]
        if same and chosen is not None and same[0] != chosen:
            old = match.headers[chosen]
            match.fields[name] = same[0]
            dropped.add(chosen)
            match.warnings.append(
                f"{match.headers[same[0]]!r} is read as {name}: it is of the visit of the "
                f"prolactin {prolactin!r}; {old!r} is of another visit and not read"
            )
            continue
        if same or chosen is None:
            continue
        other = visit_of(match.headers[chosen], name)
        if other and other != visit:
            del match.fields[name]
            dropped.add(chosen)
            match.warnings.append(
                f"column {match.headers[chosen]!r} is {name} of another visit or time than the "
                f"prolactin {prolactin!r}: not read as the state at this sample (name it in a "
                "column mapping file if it is)"
            )
    return dropped


def visit_series_refusal(texts: Sequence[str], visits: Iterable[int]) -> str:
    """Why a file whose prolactin results are one column per visit is not triaged."""
    listed = ", ".join(repr(texts[c]) for c in sorted(visits))
    return (
        f"headers {listed} are prolactin results of several visits (one column per visit): "
        "none is triaged, so that no later raised result hides behind an earlier normal one; "
        'name the visit to triage in a column mapping file ([columns] prolactin = "<header>") '
        "and run once per visit"
    )


def _lone_filled_visit(
    texts: Sequence[str],
    visits: set[int],
    timed: set[int],
    samples: Mapping[int, Sequence[object]] | None,
) -> int | None:
    """The one column of a visit series that holds values in the sampled rows when every other
    one is empty ("PRL_v1" filled, "PRL_v2" and "PRL_v3" blank: a cohort exported before its
    later visits), else None.  Only with samples, and not beside a timed series; the reader
    checks the empty ones in every row (ColumnMatch.empty_visits)."""
    if samples is None or not visits or timed:
        return None
    filled = [c for c in sorted(visits) if _filled(samples.get(c, ()))]
    if len(filled) != 1 or value_veto("prolactin", texts[filled[0]], samples.get(filled[0], ())):
        return None
    return filled[0]


RESULT_FIELDS: Final = ("prolactin", "result")  # the result column, wide and long
SECOND_RESULT_NUMERIC_SHARE: Final = 0.5  # of a column's sampled cells: it holds results


def _names_an_earlier_value(header: HeaderText) -> bool:
    """A header naming an earlier value (synonyms.toml earlier_words, before or after the
    analyte, in brackets too: "Previous prolactin", "Old PRL", "Prolactine antérieure"): the
    prolactin field's ``listed`` words, which keep it from being the result."""
    return bool(field_specs()["prolactin"].listed & (header.tokens | header.bracket_tokens))


def _only_an_earlier_result(
    match: ColumnMatch, taken_cols: set[int], samples: Mapping[int, Sequence[object]] | None
) -> None:
    """A file whose only result column is named as an earlier value ("Previous result",
    "Vorwert" and no other result column) has it read, with a warning, rather than be refused:
    the earlier-value words (synonyms.toml earlier_words) only part it from a current result."""
    if any(name in match.fields for name in RESULT_FIELDS):
        return
    specs = field_specs()
    found: list[tuple[float, int, str]] = []
    for name in RESULT_FIELDS:
        spec = specs[name]
        if match.shape == "wide" and spec.shape == "long":
            continue
        relaxed = replace(spec, exclude=spec.exclude - spec.listed)
        for col, text in enumerate(match.headers):
            header = parse_header(text) if text and col not in taken_cols else None
            if header is None or not spec.listed & (header.tokens | header.bracket_tokens):
                continue
            value = score(header, relaxed)
            cells = samples.get(col, ()) if samples is not None else None
            if value >= STRONG_SCORE and not value_veto(name, text, cells):
                found.append((value, col, name))
    if found:
        _, col, name = min(found, key=lambda item: (-item[0], item[1]))
        match.fields[name] = col
        taken_cols.add(col)
        match.warnings.append(
            f"header {match.headers[col]!r} names an earlier value, but no other column holds "
            f"the result: it is read as the {name} result; if it is not the current one, name "
            f'the result column in a column mapping file ([columns] {name} = "<header>")'
        )


def _plain_date_first(
    match: ColumnMatch, taken: set[int], losers: list[tuple[str, int]], forced: Set[str]
) -> None:
    """A visit's date ("Datum 2": ``_visit_marked``) taken as the collection date of a file
    with one result column beside the same date word without a mark ("Datum"): the plain one
    is read, as before visit marks named dates, and the other is named as also looking like
    the date.  A visit's date decides only between the visits of a series."""
    col = match.fields.get("collected_at")
    if col is None or match.series_columns or "collected_at" in forced:
        return
    header = parse_header(match.headers[col])
    if not _visit_marked(header, field_specs()["collected_at"]):
        return
    plain = " ".join(w for w in header.main.split() if not _visit_mark(w))
    found = next(
        (
            c
            for c, text in enumerate(match.headers)
            if text
            and c not in taken
            and c not in match.vetoes
            and parse_header(text).main == plain
        ),
        None,
    )
    if found is not None:
        match.fields["collected_at"] = found
        taken.discard(col)
        taken.add(found)
        losers.append(("collected_at", col))


def _refuse_second_results(
    match: ColumnMatch,
    losers: Sequence[tuple[str, int]],
    samples: Mapping[int, Sequence[object]] | None,
    forced: Set[str],
) -> None:
    """Two columns that both hold prolactin results (the result field and another column that
    also looks like it, whatever words tell them apart: "Prolactin 1st" / "Prolactin 2nd",
    "Prolaktin Aufnahme" / "Prolaktin Entlassung", "prolactin_a" / "prolactin_b", "Result 1" /
    "Result 2"): none is triaged, as for a visit series, so that no raised result hides behind
    a normal one.  Not a column whose cells are no numbers (a lab's name, a remark), one
    re-assayed after dilution, nor one headed with another prolactin unit (the same result
    converted, or one filled per row: ``io/layout._fill_from_other_unit_columns``); a column
    of the same header is refused where the losers are reported."""
    texts = match.headers
    for name in RESULT_FIELDS:
        used_col = match.fields.get(name)
        if used_col is None or name in forced:
            continue
        others = [
            col
            for field, col in losers
            if field == name
            and col not in set(match.fields.values())
            and col not in match.vetoes
            and texts[col].strip() != texts[used_col].strip()
            and not _names_an_earlier_value(parse_header(texts[col]))  # "Prolactin (prior)"
            and _holds_results(
                texts[used_col],
                texts[col],
                (samples or {}).get(col, ()),
                (samples or {}).get(used_col, ()),
            )
        ]
        if not others:
            continue
        if name == "prolactin" and match.shape == "wide":  # each column read as a result
            series_of(match, sorted({*match.series_columns, used_col, *others}), losers, forced)
            continue
        del match.fields[name]
        listed = ", ".join(f"{column_letters(c)} ({texts[c]!r})" for c in [used_col, *others])
        match.warnings.append(
            f"columns {listed} all look like prolactin results: {TWO_RESULTS}: none is "
            "triaged, so that no raised result hides behind a normal one; name the one to "
            f'triage in a column mapping file ([columns] {name} = "column '
            f'{column_letters(used_col)}") and run once per column'
        )


def series_of(
    match: ColumnMatch,
    columns: Sequence[int],
    losers: Sequence[tuple[str, int]],
    forced: Set[str],
) -> None:
    """Read each of a wide file's prolactin ``columns`` (a visit or timed series, a repeat, two
    columns of results) as a result of its own: the rows are read once per column holding a
    value, each labelled with its column (``series_label``) in the visit field (the time-point
    field where the file has a visit column), so that a timed series' samples are told apart
    as a time-point column's are (triage.io.wide: not triaged one by one, an urgent one listed)
    and a visit's or a repeat's result is triaged with its label; never the whole file refused
    with no result read, an urgent one among them (review 20)."""
    if len(columns) < len((0, 1)):
        return
    texts = match.headers
    listed = ", ".join(repr(texts[c]) for c in columns)
    match.warnings = [w for w in match.warnings if not _names_the_series(w, texts, columns)]
    match.series_columns = list(columns)
    match.fields["prolactin"] = columns[0]
    match.series_field = next(
        (n for n in ("visit", "time_point") if n not in match.fields), "visit"
    )
    _series_context(match, losers, forced)
    match.warnings.append(
        f"headers {listed} are several prolactin results of each row (visits, time points or "
        "repeats): each is read as a result of its own, labelled with its column in "
        f"{'the visit' if match.series_field == 'visit' else 'the time point'}; the time points "
        "of a timed series are not triaged one by one (an urgent one is listed with the urgent "
        "results); to triage one column alone, name it in a column mapping file ([columns] "
        'prolactin = "<header>")'
    )


def _names_the_series(warning: str, texts: Sequence[str], columns: Sequence[int]) -> bool:
    """A warning about the series' own columns that reading each as a result settles."""
    return (
        any(repr(texts[c]) in warning for c in columns)
        and ("series" in warning or "several visits" in warning or "also looks like" in warning)
    ) or ("is read as the prolactin" in warning and "visit series" in warning)


_LABEL_EDGE: Final = re.compile(r"^[\s_.:;,/|=-]+|[\s_.:;,/|=-]+$")


def series_label(text: str) -> str:
    """The label of one column of a wide file's prolactin series as its rows' visit: its header
    without the prolactin word and the unit ("PRL 30 min (mIU/L)" -> "30 min", "prl_2" -> "2",
    "Prolaktin nach Ruhe" -> "nach Ruhe", "PRL T0" -> "T0"); a header that says no more than
    prolactin is its own label ("Prolactin (mIU/L)" -> "Prolactin")."""
    header = parse_header(text)
    plain = header.text
    if header.unit:
        before = plain
        plain = re.sub(rf"[\s_]*[(\[]?\s*{re.escape(header.unit)}\s*[)\]]?", " ", plain, count=1)
        if plain == before:  # written otherwise: "prl_ngml_bl", "PRL_mIU_L_V2", "PRL ng/ml V2"
            plain = _unit_removed(plain, header.unit)
    names = "|".join(sorted(map(re.escape, _prolactin_words()), key=len, reverse=True))
    stripped = re.sub(rf"(?i)(?<![a-z]){names}(?![a-z])", " ", plain)
    label = _LABEL_EDGE.sub("", re.sub(r"\s+", " ", stripped))
    return label or _LABEL_EDGE.sub("", re.sub(r"\s+", " ", plain)) or text.strip()


_LABEL_PIECES: Final = re.compile(r"([\s_.:;,/|=-]+)")


def _unit_removed(text: str, unit: str) -> str:
    """``text`` without ``unit`` as it writes it, glued or split by separators ("ngml", "mIU_L",
    "ng/ml", "ug_l": synonyms.toml [header] glued_units), so that it is not part of a label."""
    spellings = {_words_of(unit).replace(" ", "")}
    spellings |= {w.replace(" ", "") for w, canonical in _glued_units() if canonical == unit}
    pieces = _LABEL_PIECES.split(text)  # words at even places, separators between them
    words = pieces[0::2]
    for size in range(len(("mu", "l", "x")), 0, -1):
        for start in range(len(words) - size + 1):
            run = "".join(_words_of(w).replace(" ", "") for w in words[start : start + size])
            if run and run in spellings:
                return "".join(pieces[: 2 * start]) + " " + "".join(pieces[2 * (start + size) :])
    return text


def _series_context(
    match: ColumnMatch, losers: Sequence[tuple[str, int]], forced: Set[str]
) -> None:
    """For each context field of visit_context_fields, its columns by the visit their header
    names ("tsh_bl", "tsh_12m"): a series' row of one visit reads that visit's column, never
    another visit's (triage.io.layout.melt_prolactin_columns)."""
    for name in {n for n, _ in losers}:
        chosen = match.fields.get(name)
        found = {c for n, c in losers if n == name} | ({chosen} if chosen is not None else set())
        match.series_candidates[name] = sorted(found - set(match.series_columns))
    names, _, _ = _visit_forms()
    for name in names:
        if name in forced:
            continue
        options = [c for n, c in losers if n == name]
        chosen = match.fields.get(name)
        if chosen is not None:
            options.insert(0, chosen)
        marks: dict[str, int] = {}
        for col in options:
            mark = visit_of(match.headers[col], name)
            if mark and col not in match.series_columns:
                marks.setdefault(mark, col)
        if marks:
            match.series_context[name] = marks


def _holds_results(
    used: str, other: str, cells: Sequence[object], used_cells: Sequence[object] = ()
) -> bool:
    """Whether column ``other`` (beside the result column ``used``) holds further results: not
    the same results again (equal numbers in every row: "Prolactin (µg/L)" beside "Prolactin
    (ng/mL)")."""
    if is_diluted_prolactin(other):
        return False
    own, its = normalise_unit(parse_header(used).unit), normalise_unit(parse_header(other).unit)
    if own is not None and its is not None and own.unit != its.unit:
        return False
    pairs = [
        (parse_quantity(a), parse_quantity(b))
        for a, b in zip(used_cells, cells, strict=False)
        if not is_blank(a) or not is_blank(b)
    ]
    if pairs and all(a.status == "ok" and a.value == b.value for a, b in pairs):
        return False  # the same results, written twice
    if pairs and _converted(pairs):
        return False  # the same results in the other unit ("Prolactin SI" beside ng/mL)
    filled = [cell for cell in cells if not is_blank(cell)]
    numbers = sum(parse_quantity(cell).status == "ok" for cell in filled)
    return bool(filled) and numbers >= SECOND_RESULT_NUMERIC_SHARE * len(filled)


# How far a row's ratio of the two numbers may differ from another's when both columns give one
# result in two units: rounding of the written values only (2%).
CONVERSION_SPREAD_MAX: Final = 1.02


def _converted(pairs: Sequence[tuple[Quantity, Quantity]]) -> bool:
    """Every row's second number is its first one times one plausible mIU/L-per-ng/mL factor
    (either way round, within rounding): one result written in both units."""
    limits = load_thresholds()
    low, high = limits.get("miu_per_ng_plausible_min"), limits.get("miu_per_ng_plausible_max")
    ratios = []
    for a, b in pairs:
        if a.status != "ok" or b.status != "ok" or not a.value or not b.value:
            return False
        ratios.append(max(a.value, b.value) / min(a.value, b.value))
    if len(ratios) < 2:
        return False  # one row says nothing of a factor: 20 beside 300 may be two results
    spread = max(ratios) / min(ratios)
    return low <= min(ratios) and max(ratios) <= high and spread <= CONVERSION_SPREAD_MAX


# What a file with two columns headed as prolactin holds (columns.recognise_columns); the reader
# gives it as the reason the file has no prolactin column.
TWO_RESULTS: Final = "two prolactin results in each row (a repeat, or two visits)"
NOTE_FIELDS: Final = frozenset({"symptoms", "comments"})  # a second such column is a note
# Fields whose second (third ...) column is read into the first one: a second medication list
# ("Hausmedikation" beside "Aktuelle Medikation") is as much the patient's drugs.
JOINED_FIELDS: Final = frozenset({"medications"})


def _without_also(warnings: list[str], text: str, col: int, name: str = "") -> list[str]:
    """The warnings without those saying column ``col`` (headed ``text``) lost a field to
    another column: it is read after all (into a joined field, or into comments)."""
    also = f"header {text!r} also looks like {name}".rstrip()
    twice = f" and {column_letters(col)} are both headed {text!r}"
    return [w for w in warnings if not w.startswith(also) and twice not in w]


# How a joined or notes column's cells are written into their field ("Notes: seen by GP"), said
# in words: a quoted 'Notes: ...' would be scrubbed from `check` and --redact as a cell.
EACH_AFTER_ITS_HEADER: Final = "each cell after its header and a colon"


def _joined_columns(match: ColumnMatch, losers: Sequence[tuple[str, int]], used: set[int]) -> None:
    """Columns that lost a field of JOINED_FIELDS to another column: read into that field."""
    for name, col in losers:
        if name not in JOINED_FIELDS or name not in match.fields or col in used:
            continue
        if col in match.vetoes or any(col in cols for cols in match.joined_columns.values()):
            continue
        match.joined_columns.setdefault(name, []).append(col)
        text = match.headers[col]
        match.warnings = _without_also(match.warnings, text, col, name)
        match.warnings.append(
            f"column {text!r} also holds {name}: read into {name} with "
            f"{match.header_of(name)!r}, {EACH_AFTER_ITS_HEADER}"
        )


@cache
def _past_medication_words() -> tuple[frozenset[str], frozenset[str]]:
    """(words, whole headers) of past or stopped medication: synonyms.toml [header]
    past_medication_words and past_medication_headers, as header words."""
    header = synonyms_data()["header"]
    return (
        frozenset(_words_of(w) for w in header.get("past_medication_words", [])),
        frozenset(_words_of(h) for h in header.get("past_medication_headers", [])),
    )


@lru_cache(maxsize=1024)
def past_medication_header(text: str) -> bool:
    """A header of past or stopped medication ("Stopped medications", "Frühere Medikation",
    "Médicaments arrêtés", "Terapia pregressa", "Vormedikation"): a past word beside words that
    name the medications ("Medikation", "traitements", "terapia"), or one of the past
    medication headers.  Its drugs are not taken now: such a column is never the medications
    (the words are in [fields.medications] exclude)."""
    words, headers = _past_medication_words()
    header = parse_header(text)
    spec = field_specs()["medications"]
    if score(header, spec) >= STRONG_SCORE:
        return False  # read as the medications ("Medications prior to admission")
    if header.full in headers or header.main in headers:
        return True
    past = (header.tokens | header.bracket_tokens) & words
    if not past:
        return False
    rest = " ".join(w for w in header.main.split() if w not in past)
    return bool(rest) and score(parse_header(rest), spec) >= STRONG_SCORE


def _past_medication_columns(match: ColumnMatch, used: set[int]) -> set[int]:
    """Unread columns headed as past or stopped medication: named in one warning (their drugs
    are not counted as taken now; a lab whose column lists the current drugs maps it)."""
    found = [
        col
        for col, text in enumerate(match.headers)
        if text and col not in used and past_medication_header(text)
    ]
    if not found:
        return set()
    many = len(found) > 1
    listed = ", ".join(repr(match.headers[c]) for c in found)
    lists = [match.headers[c] for c in found if not is_checkbox_option(match.headers[c])]
    how = (  # a checkbox option holds "Checked", no list to map
        f"; if it lists the drugs taken now, map it: [columns] medications = {toml_text(lists[0])}"
        if lists
        else ""
    )
    match.warnings.append(
        f"column{'s' if many else ''} {listed} {'are' if many else 'is'} headed as past or "
        "stopped medication: not read as the current medication list, so no drug in "
        f"{'them' if many else 'it'} is counted as taken now{how}"
    )
    return set(found)


@dataclass(frozen=True, slots=True)
class _NotCurrentRules:
    """synonyms.toml [header] words of columns that are not the patient's state at sampling."""

    family: frozenset[str]
    kin: frozenset[str]
    family_fields: frozenset[str]
    history: frozenset[str]
    cancels: frozenset[str]
    transient_fields: frozenset[str]
    transient_cues: frozenset[str]
    transient_states: frozenset[str]
    counts: frozenset[str]
    birth: frozenset[str]
    birth_gestation: frozenset[str]


@cache
def _not_current_rules() -> _NotCurrentRules:
    header = synonyms_data()["header"]

    def words(key: str) -> frozenset[str]:
        return frozenset(_words_of(str(w)) for w in header.get(key, []))

    return _NotCurrentRules(
        family=words("family_words"),
        kin=words("kin_words"),
        family_fields=frozenset(str(f) for f in header.get("family_fields", [])),
        history=words("history_words"),
        cancels=words("history_cancels"),
        transient_fields=frozenset(str(f) for f in header.get("transient_fields", [])),
        transient_cues=frozenset(str(c) for c in header.get("transient_cues", [])),
        transient_states=frozenset(str(c) for c in header.get("transient_states", [])),
        counts=words("pregnancy_count_words"),
        birth=words("birth_words"),
        birth_gestation=words("birth_gestation_words"),
    )


def _names_a_field(rest: str, fields: frozenset[str]) -> bool:
    return any(name in fields and value >= STRONG_SCORE for name, value in candidates(rest))


def _names_a_transient_state(rest: str, rules: _NotCurrentRules) -> bool:
    # the engine's vocabulary, loaded on use
    from triage.engine.state_words import load_state_vocabulary
    from triage.engine.text import load_cue_book

    if rules.transient_cues & set(load_cue_book().match("comments", rest)):
        return True
    facts = load_state_vocabulary().read("comments", rest)
    return any(f.field in rules.transient_states for f in facts)


@lru_cache(maxsize=1024)
def not_current_header(text: str, own_kin: frozenset[str] = frozenset()) -> str:
    """Why a header is not the patient's state at sampling (synonyms.toml [header]
    family_words, kin_words, history_words): "family", a relative's history ("dialysis_family_hx",
    "Dialyse Mutter", "antécédents familiaux adénome hypophysaire"); "past", the past history of
    a state that passes ("preg_hx", "ever_pregnant", "gravidanza pregressa", "seizure_hx",
    "head_injury_ever"); "birth", a gestational age at birth ("GA at birth", "SSW bei Geburt",
    "terme de naissance": the child's, [header] birth_words); "" otherwise.  ``own_kin``: kin
    words the prolactin's own header carries ("prl_mother"): the patient's, not a relative's."""
    rules = _not_current_rules()
    header = parse_header(text)
    words = header.tokens | header.bracket_tokens
    stop = _stopwords()
    family = words & rules.family
    kin = (words & rules.kin) - own_kin
    if family or kin:
        kept = [w for w in header.full.split() if w not in family | kin | rules.history]
        rest = " ".join(kept)
        if family and not set(kept) - stop:
            return "family"  # "Family history", "Antécédents familiaux", "FH"
        if set(kept) - stop and (
            _names_a_field(rest, rules.family_fields)
            or names_a_finding(rest)
            or score(parse_header(rest), _note_spec()) >= STRONG_SCORE
        ):
            return "family"
    birth = words & rules.birth
    if birth:
        rest = " ".join(w for w in header.full.split() if w not in birth)
        if words & rules.birth_gestation or _names_a_field(rest, _GESTATION_FIELDS):
            return "birth"  # "GA at birth", "SSW bei Geburt": the child's, no pregnancy
    past = words & rules.history
    if past and not words & rules.cancels:
        rest = " ".join(w for w in header.full.split() if w not in past)
        if set(rest.split()) - stop and (
            _names_a_field(rest, rules.transient_fields) or _names_a_transient_state(rest, rules)
        ):
            return "past"
    return ""


def _pregnancy_count(text: str, cells: Sequence[object] | None) -> bool:
    """A count of pregnancies ("gravida" = 2): its header only a pregnancy count word, its
    cells whole numbers."""
    words = parse_header(text).tokens - _stopwords()
    if not words or not words <= _not_current_rules().counts or not cells:
        return False
    filled = [cell_text(c).strip() for c in cells if not is_empty_value(c)]
    return bool(filled) and all(re.fullmatch(r"\d{1,2}(?:[.,]0+)?", c) for c in filled)


_NOT_CURRENT_WHY: Final = {
    "family": "is headed as a relative's (family) history, not the patient's own state",
    "past": (
        "is headed as past history of a state that passes (a past pregnancy, breastfeeding, "
        "seizure or head injury is not the state at sampling)"
    ),
    "count": "holds a count of pregnancies (gravida), not whether she is pregnant now",
    "birth": (
        "is a gestational age at birth (how early the child was born), not a pregnancy of the "
        "patient"
    ),
}
_GESTATION_FIELDS: Final = frozenset({"gestational_weeks"})


def _not_current_columns(
    match: ColumnMatch, taken: set[int], samples: Mapping[int, Sequence[object]] | None
) -> set[int]:
    """Columns that are not the patient's state at sampling (``not_current_header``, a count
    of pregnancies): never read, as any field, a finding or a note; one warning each."""
    rules = _not_current_rules()
    own_kin = frozenset(
        w
        for text in match.headers
        if text and mentions_prolactin(text)
        for w in parse_header(text).tokens & rules.kin
    )
    found: set[int] = set()
    for col, text in enumerate(match.headers):
        if not text or col in taken:
            continue
        cells = samples.get(col, ()) if samples is not None else None
        kind = not_current_header(text, own_kin) or (
            "count" if _pregnancy_count(text, cells) else ""
        )
        if not kind:
            continue
        found.add(col)
        match.warnings.append(
            f"column {text!r} {_NOT_CURRENT_WHY[kind]}: not read; if it holds the patient's "
            "state at this sample, name it in a column mapping file ([columns])"
        )
    return found


_DILUTION_RATIO: Final = re.compile(r"(?<![\d.,])1\s*[:/]\s*\d{1,5}(?![\d.,])")


@cache
def _dilution_phrases() -> re.Pattern[str]:
    words = synonyms_data()["header"].get("dilution_words", [])
    ordered = sorted({normalise_word(w) for w in words}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in ordered) + r")(?!\w)")


@lru_cache(maxsize=4096)
def is_diluted_prolactin(text: str) -> bool:
    """A header of the prolactin result re-assayed after dilution ("Prolactin 1:100",
    "Prolaktin verdünnt", "PRL after dilution"): it says dilution (synonyms.toml [header]
    dilution_words, or a ratio 1:N / 1/N) and, without those words, names prolactin."""
    words = normalise_word(str(text))
    ratio = _DILUTION_RATIO.search(words)
    rest = _dilution_phrases().sub(" ", _DILUTION_RATIO.sub(" ", words))
    if ratio is None and rest == words:
        return False
    return _names_prolactin(" ".join(rest.split()))


def _names_prolactin(text: str) -> bool:
    """The text, read as a header, names the prolactin result first and strongly."""
    found = candidates(text)
    return bool(found) and found[0][0] == "prolactin" and found[0][1] >= STRONG_SCORE


@cache
def note_written_as() -> dict[str, str]:
    """Normalised header -> how its cells are written into comments ("CKD stage {}")."""
    table = synonyms_data()["note_columns"].get("written_as", {})
    return {parse_header(h).full: str(f) for h, f in table.items()}


@cache
def _question_headers() -> frozenset[str]:
    """Normalised headers of a column that holds the question asked or a suspected diagnosis
    (synonyms.toml [note_columns] question_headers)."""
    listed = synonyms_data()["note_columns"].get("question_headers", [])
    return frozenset(parse_header(str(h)).full for h in listed)


def asks_a_question(header: str) -> bool:
    """The header names a column of the question asked or a suspected diagnosis
    ("Fragestellung", "Verdachtsdiagnose", "Clinical question", "Question clinique"): its cells
    are written into comments after the header's label, as a question (cues.toml
    [questions] item), never as findings."""
    return parse_header(str(header)).full in _question_headers()


def _header_spec(table: str) -> FieldSpec:
    """The header words of a synonyms.toml table that names a kind of column, not a field
    (synonyms, tokens, exclude)."""
    data = synonyms_data()[table]
    return FieldSpec(
        name=table,
        synonyms=_ranked(data.get("synonyms", [])),
        weak={},
        rules=tuple(parse_rule(rule) for rule in data.get("tokens", [])),
        exclude=frozenset(data.get("exclude", [])),
        shape=None,
        internal=True,
        fallback=None,
    )


@cache
def _unit_gated(table: str) -> tuple[frozenset[str], frozenset[str]]:
    """(the header words of a table's ``unit_gated`` short names, the unit keys of its
    ``gated_units``): synonyms.toml [testosterone_columns] "T", "TT" only in nmol/L, ng/mL,
    ng/dL."""
    data: Mapping[str, Any] = synonyms_data()
    for key in table.split("."):  # "fields.<name>" or a table of its own
        data = data[key]
    return (
        frozenset(header_words(n) for n in data.get("unit_gated", [])),
        frozenset(unit_key(u) for u in data.get("gated_units", [])),
    )


def gated_name(table: str, name: str, unit: str) -> bool:
    """Whether ``name`` (a header's or a test's words, no unit) is one of a table's short names
    that count only with one of its units, and ``unit`` is one of them ("T" in nmol/l)."""
    names, units = _unit_gated(table)
    return bool(names) and name in names and unit_key(unit) in units


@cache
def _note_spec() -> FieldSpec:
    return _header_spec("note_columns")


@cache
def header_vocabulary(table: str) -> FieldSpec:
    """The header words of a synonyms.toml table: "fields.<name>" (a field's, with the words its
    ``exclude_from`` lists add) or another header table ("note_columns").  The long reader names
    its result lines of a field with the same words (synonyms.toml [long_tests] vocabulary)."""
    if table.startswith("fields."):
        return field_specs()[table.removeprefix("fields.")]
    return _header_spec(table)


def _clinical_location(header: str, cells: Sequence[object] | None) -> bool:
    """A header that may name a location ("Klinik", "Clinic", "Clínica", "Station") over cells
    of clinical text ([value_checks] location: "Kopfschmerzen, bitemporale Hemianopsie"): the
    cells decide, and the column is read as notes, so that no red flag in it is lost."""
    if not cells or not any(name == "location" for name, _ in candidates(header)):
        return False
    check = value_checks()["location"]
    found = value_fit("location", cells, header)
    return found is not None and found[0] < check.min_fit


def _note_columns(
    match: ColumnMatch, used: set[int], samples: Mapping[int, Sequence[object]] | None
) -> None:
    """Unmapped columns whose header says clinical information or notes: read as comments."""
    spec = _note_spec()
    written = note_written_as()
    for col, text in enumerate(match.headers):
        if not text or col in used:
            continue
        cells = samples.get(col, ()) if samples is not None else None
        clinical = _clinical_location(text, cells)
        if col in match.vetoes and not clinical:
            continue
        worded = parse_header(text).full in written
        free_text = any(f in NOTE_FIELDS and v >= STRONG_SCORE for f, v in candidates(text))
        if (
            not worded
            and not free_text
            and not clinical
            and score(parse_header(text), spec, shortened=True) < STRONG_SCORE
        ):
            continue
        if not worded and value_veto("comments", text, cells):
            continue
        match.vetoes.pop(col, None)  # a "Klinik" of clinical text: read as notes, not refused
        match.note_columns.append(col)
        match.warnings = _without_also(match.warnings, text, col)
        target = f" with {match.header_of('comments')!r}" if "comments" in match.fields else ""
        form = written.get(parse_header(text).full)
        # the tool's own words, never quoted: a quoted text of a warning is scrubbed as a cell
        how = f"each cell as {form.replace('{}', '<cell>')}" if form else EACH_AFTER_ITS_HEADER
        kind = "has no field of its own" if worded else "holds clinical information or notes"
        match.warnings.append(f"column {text!r} {kind}: read into comments{target}, {how}")


# ------------------------------------------------------------------------------------------------
# Yes/no columns of a research form (synonyms.toml [finding_columns])
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _FindingRules:
    not_findings: frozenset[str]
    answer_words: frozenset[str]
    text_fields: tuple[str, ...]
    exams: Mapping[str, str]  # an examination's header words -> the finding its yes states
    # a research variable name's shortened word -> the words it may stand for ("vis" -> visual)
    abbreviations: Mapping[str, tuple[str, ...]]


@cache
def _finding_rules() -> _FindingRules:
    data = synonyms_data().get("finding_columns", {})
    return _FindingRules(
        not_findings=frozenset(str(c) for c in data.get("not_findings", [])),
        answer_words=frozenset(normalise_word(w) for w in data.get("answer_words", [])),
        text_fields=tuple(str(f) for f in data.get("text_fields", [])),
        exams={
            header_words(name): str(finding)
            for finding, names in data.get("exams", {}).items()
            for name in names
        },
        abbreviations={
            normalise_word(short): tuple(str(w) for w in spelled)
            for short, spelled in data.get("abbreviations", {}).items()
        },
    )


@dataclass(frozen=True, slots=True)
class NamedFinding:
    """What a column (or a long result line) whose header names a finding or an examination
    means: ``words``, what a yes in it writes into comments; ``exam``, whether it names an
    examination ("Visual fields": its text is written "header text", as a clinician writes
    "Gesichtsfeld eingeschränkt"), else a finding ("Visual field defect": "header: text", where
    the cues read the text with their negations)."""

    words: str
    exam: bool

    def note(self, header: str, cell: str) -> str:
        """How a cell that is no yes/no answer is written into comments."""
        return f"{finding_words(header)} {cell}" if self.exam else f"{header}: {cell}"


@lru_cache(maxsize=1024)
def named_finding(header: str) -> NamedFinding | None:
    """The finding a header names (synonyms.toml [finding_columns]): an examination of
    [finding_columns.exams], or words the engine's own free-text vocabulary reads a finding in
    (``names_a_finding``); None when it names neither."""
    words = finding_words(header)
    exam = _finding_rules().exams.get(header_words(words))
    if exam is not None:
        return NamedFinding(exam, exam=True)
    named = finding_spelled_out(words)
    return NamedFinding(named, exam=False) if named is not None else None


def _spellings(words: str) -> Iterator[str]:
    """The readings of a header's words with its research abbreviations spelled out (synonyms.toml
    [finding_columns.abbreviations]: "vis loss" -> "visual loss", "sx visual" -> "symptoms
    visual"); a name of two words also in the other order ("visual symptoms") and as the one
    compound word German and Dutch write ("visus verlies" -> "visusverlies")."""
    table = _finding_rules().abbreviations
    options = [table.get(normalise_word(w), (w,)) for w in words.split()]
    for spelled in itertools.product(*options):
        yield " ".join(spelled)
        if len(spelled) == 2:
            yield f"{spelled[1]} {spelled[0]}"
            yield "".join(spelled)


@lru_cache(maxsize=1024)
def finding_spelled_out(words: str, field: str = "comments") -> str | None:
    """The words a header's ``words`` (``finding_words``) name a finding by in ``field``: as
    written ("visual loss"), else as the first of their readings (``_spellings``) with a
    research variable name's abbreviations spelled out ("vis loss", "visual_disturb", "vfd",
    "sx visual", "gf ausfall", "tr visuels", "alt cv", "dist vis", "gv uitval"); None when no
    reading names one."""
    readings = itertools.chain((words,), _spellings(words))
    return next((s for s in readings if names_a_finding(s, field)), None)


def is_yes_no_column(
    cells: Iterable[object],
    codes: Mapping[str, bool] | None = None,
    unknown: Collection[str] = (),
    *,
    some_text: bool = False,
) -> bool:
    """The column's sampled cells are all yes/no answers (1/0, TRUE/FALSE, ja/nein, oui/non,
    sí/no, sì/no, nee, x, "1 - Yes", or the header's own ``codes``), at least one a yes or a no;
    blanks, placeholders and "unknown" words say nothing.  A form's unknown codes ("0/1/9":
    values.is_unknown_code; ``unknown``, the header's) count only beside a yes: a column of 0
    and 9 alone may be sizes or counts.  ``some_text``: a free-text field's column, whose cells
    that are no answer are kept as written, is one while its answers outnumber them (one unread
    cell never turns the column's other "ja" into unread text)."""
    listed = list(cells)
    answers = [yes_no_answer(c, codes, unknown) for c in listed]
    given = sum(isinstance(a, bool) for a in answers)
    unread = sum(a == NOT_AN_ANSWER for a in answers)
    if not given or unread >= (given if some_text else 1):
        return False
    coded = any(
        a is None and is_unknown_code(c) and code_text(c).strip() not in unknown
        for c, a in zip(listed, answers, strict=True)
    )
    return not coded or any(a is True for a in answers)


def finding_words(header: str) -> str:
    """What a yes in a yes/no column means, in the header's own words: the header without its
    brackets ("(ja/nein)", "(1=yes, 0=no)"), underscores and the words that only say it holds
    answers ("headache_yn" -> "headache")."""
    text = " ".join(re.sub(r"[_?*]+", " ", _BRACKETS.sub(" ", str(header))).split())
    words = text.strip(" :;,.-").split()
    answers = _finding_rules().answer_words
    for _ in range(2):
        while len(words) > 1 and normalise_word(words[-1]) in answers:
            words.pop()
        while len(words) > 1 and normalise_word(words[0]) in answers:
            words.pop(0)
        if len(words) > 2 and normalise_word(" ".join(words[-2:])) in answers:
            del words[-2:]
    return " ".join(words)


@lru_cache(maxsize=1024)
def names_a_finding(words: str, field: str = "comments", weak: Collection[str] = ()) -> bool:
    """The words, written in ``field``, state a finding the engine's free-text readers know: a
    cue of cues.toml (but those of [finding_columns] not_findings) or a patient state of
    states.toml.  The same vocabulary as the engine's, so that a header is read as a finding
    exactly when the same words in the notes would be.  Facts of the ``weak`` states alone
    ("Week 12": gestation_bare, the weeks of a pregnancy recorded elsewhere) state none."""
    # imported here: the engine's vocabulary objects, without the reader importing the engine
    # at start-up (`--help` stays light)
    from triage.engine.state_words import load_state_vocabulary
    from triage.engine.text import load_cue_book

    if not words.strip():
        return False
    ignored = _finding_rules().not_findings
    if any(cue not in ignored for cue in load_cue_book().match(field, words)):
        return True
    return any(f.field not in weak for f in load_state_vocabulary().read(field, words))


def _answer_fields(
    match: ColumnMatch, samples: Mapping[int, Sequence[object]] | None, forced: set[str]
) -> None:
    """Text fields whose column holds only yes/no answers ("Pituitary adenoma": 1/0, "Liver
    cirrhosis": ja/nein): a no is no finding, and a yes means the header's words where they name
    one in that field ("Liver cirrhosis" is a cirrhosis, not a liver disease of any kind)."""
    if samples is None:
        return
    for name in _finding_rules().text_fields:
        col = match.fields.get(name)
        if col is None:
            continue
        header = match.headers[col]
        cells = samples.get(col, ())
        if not is_yes_no_column(cells, *column_flag_codes(header, cells, name), some_text=True):
            continue
        match.answer_fields[name] = finding_spelled_out(finding_words(header), name) or ""
        # the tool's own words, never quoted: a quoted text of a warning is scrubbed as a cell
        said = "as the header's words" if match.answer_fields[name] else "as written"
        match.warnings.append(
            f"column {header!r} holds yes/no answers: read as {name}, a yes {said}, a no as no "
            f"{name.replace('_', ' ')}"
        )


def _finding_columns(
    match: ColumnMatch, used: set[int], samples: Mapping[int, Sequence[object]] | None
) -> None:
    """Unread yes/no columns whose header names a finding ("Visual field defect", "Sehstörungen",
    "Galactorrhoea", "Seizure"): a yes is that finding, written into comments as the header's
    words; a no or a blank is nothing."""
    if samples is None:
        return
    for col, text in enumerate(match.headers):
        if not text or col in used:
            continue
        option = CHECKBOX_OPTION.search(text)
        cells = samples.get(col, ())
        codes, unknown = ({}, frozenset()) if option else column_flag_codes(text, cells)
        if not is_yes_no_column(cells, codes, unknown):
            continue
        # a REDCap checkbox ("Symptoms (choice=Visual disturbance)": Checked / Unchecked): the
        # option is the finding (a drug option is read by triage/io/drug_columns.py)
        named = named_finding(option.group("option") if option else text)
        if named is None:
            continue
        match.finding_columns[col] = named.words
        match.vetoes.pop(col, None)
        match.warnings = _without_also(match.warnings, text, col)
        match.warnings.append(
            f"column {text!r} holds yes/no answers: read as the finding its header names, a yes "
            "as the header's words in comments, a no or a blank as nothing"
        )


def finding_note(header: str, cell: str) -> str:
    """A cell that is no yes/no answer, in a column (or a long result line) whose header names a
    finding or an examination, as written into comments (``NamedFinding.note``)."""
    named = named_finding(header)
    return named.note(header, cell) if named is not None else f"{header}: {cell}"


def _finding_text_columns(
    match: ColumnMatch, used: set[int], samples: Mapping[int, Sequence[object]] | None
) -> None:
    """Unread columns whose header names a finding or an examination and that hold text
    ("Visual field defect" = bitemporal hemianopia / yes / no, "Sehstörung" = Doppelbilder,
    "Gesichtsfeld" = eingeschränkt): clinical free text, read into comments as the yes/no
    columns of a finding are (a yes as the finding, a no as nothing, other text as a note of
    the header, ``NamedFinding.note``), never dropped."""
    for col, text in enumerate(match.headers):
        if not text or col in used or col in match.vetoes or is_checkbox_option(text):
            continue
        named = named_finding(text)
        if named is None:
            continue
        cells = samples.get(col, ()) if samples is not None else None
        if value_veto("comments", text, cells):
            continue
        match.finding_columns[col] = named.words
        match.warnings = _without_also(match.warnings, text, col)
        match.warnings.append(
            f"column {text!r} names a finding or an examination: read into comments, a yes as "
            "the finding, a no or a blank as nothing, other text after the header"
        )


def unread_yes_no_warnings(match: ColumnMatch) -> list[str]:
    """A warning for each yes/no column still unread (no other reader took it, e.g. as a drug
    taken): its header names no finding the reader knows."""
    return [
        f"column {match.headers[col]!r} holds yes/no answers, but its header names no finding, "
        "symptom or condition the reader knows: not used (if it states one, write it in a notes "
        "column, or name the column in a column mapping file)"
        for col in match.unread_yes_no
        if match.headers[col] in match.unmapped
    ]


# ------------------------------------------------------------------------------------------------
# A sex column named after one sex ("female": 1/0)
# ------------------------------------------------------------------------------------------------
@cache
def _one_sex_words() -> tuple[dict[str, str], frozenset[str]]:
    """(sex word -> "F" / "M", header prefixes): synonyms.toml [values.sex], one-letter codes
    left out."""
    sexes = synonyms_data()["values"]["sex"]
    words: dict[str, str] = {}
    for key, sex in (("female", "F"), ("male", "M")):
        for word in (*sexes[key], *sexes.get(f"{key}_abbreviations", [])):
            plain = normalise_word(word)
            if len(plain) > 1 and plain.isalpha():
                words.setdefault(plain, sex)
    prefixes = frozenset(normalise_word(p) for p in sexes.get("dummy_prefixes", []))
    return words, prefixes


def one_sex_of(header: str) -> str | None:
    """ "F" / "M" for a header that is exactly one sex word, optionally after one prefix
    ("female", "is_female", "sex_male", "Weiblich", "vrouw"), its brackets and yes/no words left
    out ("female (1=yes 0=no)", "male_yn"), else None."""
    words, prefixes = _one_sex_words()
    parts = [p for p in re.split(r"[\s_.:-]+", normalise_word(finding_words(header))) if p]
    if len(parts) == 2 and parts[0] in prefixes:
        parts = parts[1:]
    return words.get(parts[0]) if len(parts) == 1 else None


def _one_sex_column(match: ColumnMatch, samples: Mapping[int, Sequence[object]] | None) -> None:
    """A dummy-coded sex column: a column named after one sex whose cells are all yes/no answers
    ("female": 1/0, "is_male": TRUE/FALSE) is the sex column, read as that sex or the other
    (triage.io.layout).  Taken when no column is the sex column, or in place of one that only
    the header's words made the sex column ("sex_female": its 1/0 are no ISO sex codes)."""
    if samples is None:
        return
    current = match.fields.get("sex")
    if current is not None and one_sex_of(match.headers[current]) is None:
        return
    taken = set(match.fields.values()) - ({current} if current is not None else set())
    for col, text in enumerate(match.headers):
        sex = one_sex_of(text) if text and col not in taken else None
        if sex is None or not is_yes_no_column(
            samples.get(col, ()), header_flag_codes(text), header_unknown_codes(text)
        ):
            continue
        match.fields["sex"] = col
        match.one_sex = sex
        match.vetoes.pop(col, None)
        other = "male" if sex == "F" else "female"
        match.warnings.append(
            f"column {text!r} holds yes/no answers: read as sex, a yes as "
            f"{'female' if sex == 'F' else 'male'}, a no as {other}"
        )
        return


@cache
def _macroprolactin_screen_spec() -> tuple[FieldSpec, frozenset[str], str]:
    """(header spec, result words, how a cell is written into comments), synonyms.toml
    [macroprolactin_screen_columns]."""
    data = synonyms_data()["macroprolactin_screen_columns"]
    words = frozenset(normalise_word(w) for w in data.get("results", []))
    return _header_spec("macroprolactin_screen_columns"), words, str(data["written_as"])


@cache
def _macroprolactin_named() -> tuple[frozenset[str], str]:
    """(the words of macroprolactin's own name, how a number is written into comments: the
    long test ``number_test``'s note not interpreted), synonyms.toml
    [macroprolactin_screen_columns] named_tokens, number_test."""
    data = synonyms_data()["macroprolactin_screen_columns"]
    named = frozenset(w for rule in data["named_tokens"] for w in rule.split("|"))
    test = synonyms_data()["long_tests"][data["number_test"]]
    ambiguous = str(test["ambiguous"]).replace("{", "{{").replace("}", "}}")
    return named, f"{test['prefix']}{{}}{ambiguous}"


def _named_screen_cell(cell: object, named: frozenset[str]) -> bool:
    """Whether a cell of a column headed by macroprolactin's own name is its screen in other
    words: a yes/no answer ("Yes", "ja", "No"), a text naming macroprolactin ("Macroprolactin
    present"), or a number (a percentage of unstated direction)."""
    if not isinstance(cell, str):
        return parse_quantity(cell).value is not None
    if parse_quantity(cell).value is not None:
        return True
    return parse_yes_no(cell, strict=True) is not None or bool(parse_header(cell).tokens & named)


def screen_result_word(cell: object) -> bool:
    """Whether a cell is a qualitative macroprolactin screen result ("positive", "nicht
    nachgewiesen", "négatif", "detectada", "assente", "aangetoond", "borderline")."""
    if not isinstance(cell, str) or is_empty_value(cell):
        return False
    return normalise_word(cell) in _macroprolactin_screen_spec()[1]


def _macroprolactin_screen_columns(
    match: ColumnMatch, used: set[int], samples: Mapping[int, Sequence[object]] | None
) -> None:
    """An unread column whose header names macroprolactin or a PEG screen and whose cells are
    all screen results in words ("Macroprolactin" = positive, "Makroprolaktin" = nachgewiesen,
    "macroprolactin_recovery_pct" = negative: refused as percentages) is read into comments as
    the long format reads such a row ("Macroprolactin: positive"), where the engine reads it."""
    if samples is None:
        return
    spec, _, form = _macroprolactin_screen_spec()
    for col, text in enumerate(match.headers):
        if not text or col in used or score(parse_header(text), spec) < STRONG_SCORE:
            continue
        cells = [c for c in samples.get(col, ()) if not is_empty_value(c)]
        if not cells:
            continue
        if all(screen_result_word(c) for c in cells):
            _into_comments(
                match,
                col,
                form,
                "holds a qualitative macroprolactin (PEG) screen: read into "
                "comments{target}, each cell as {form}, as a long file's screen row is read",
            )
            continue
        named, number_form = _macroprolactin_named()
        # (a header stating its codes, "macroprolactin (0=neg; 1=pos)", is read by its codes)
        if (
            not header_code_labels(text)
            and parse_header(text).tokens & named
            and all(screen_result_word(c) or _named_screen_cell(c, named) for c in cells)
        ):
            # "Macroprolactin" = Yes / ja / No / "Macroprolactin present" / 28 % (was dropped:
            # a positive screen missed and asked again; review 27, AF 1)
            match.note_numbers[col] = number_form
            _into_comments(
                match,
                col,
                form,
                "holds a macroprolactin screen: read into comments{target}, each cell as "
                "{form} (a yes as macroprolactin present, a no as absent), a number as "
                + number_form.replace("{}", "<cell>").replace("{{", "{").replace("}}", "}")
                + ": ask the lab whether it reports the PEG recovery or the percent "
                "macroprolactin",
            )
            continue
        # coded as the header states: "macroprolactin (0=neg; 1=pos)", "PEG (1=positief;
        # 2=negatief)" (was dropped: a positive screen missed, a negative one asked again)
        codes = {
            code: label
            for code, label in header_code_labels(text).items()
            if screen_result_word(label) or parse_yes_no(label, strict=True) is not None
        }
        if not codes or not all(code_text(c) in codes or is_missing_code(c) for c in cells):
            continue
        match.note_codes[col] = codes
        listed = ", ".join(f"{code} = {label}" for code, label in sorted(codes.items()))
        _into_comments(
            match,
            col,
            form,
            f"holds a qualitative macroprolactin (PEG) screen coded as its header states "
            f"({listed}): read into comments{{target}}, each code as {{form}} with its label, "
            "as a long file's screen row is read",
        )


def _into_comments(match: ColumnMatch, col: int, form: str, said: str) -> None:
    """Column ``col`` read into comments, each cell as ``form`` ("Morning cortisol: {} nmol/L"),
    and the run told so: ``said`` after "column <header>", with {target} (the comments column it
    joins) and {form} (the form with <cell>) filled in."""
    text = match.headers[col]
    match.vetoes.pop(col, None)
    match.note_columns.append(col)
    match.note_forms[col] = form
    match.warnings = _without_also(match.warnings, text, col)
    target = f" with {match.header_of('comments')!r}" if "comments" in match.fields else ""
    shown = form.replace("{}", "<cell>")
    match.warnings.append(f"column {text!r} " + said.format(target=target, form=shown))


@cache
def _named_lab_specs() -> tuple[FieldSpec, ...]:
    """The header words of the labs read as notes (synonyms.toml [named_lab_columns]: a
    cortisol, a total testosterone)."""
    return tuple(_header_spec(t) for t in synonyms_data()["named_lab_columns"]["tables"])


_BRACKETED: Final = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")


def _named_lab_columns(match: ColumnMatch, used: set[int]) -> None:
    """An unread column of a lab read as notes (synonyms.toml [named_lab_columns]: "Morning
    cortisol (nmol/L)", "Cortisol 8 Uhr (µg/dl)", "Testosteron (nmol/l)") is written into
    comments as "<header>: <cell> <header's unit>" ("Morning cortisol: 38 nmol/L"), as a long
    file's line of the test is, where states.toml morning_cortisol_* and testosterone_* read
    it with its unit (a low morning cortisol is a red flag, a man's low testosterone a symptom)."""
    for col, text in enumerate(match.headers):
        if not text or col in used:
            continue
        header = parse_header(text)
        if not any(
            score(header, spec) >= STRONG_SCORE or gated_name(spec.name, header.main, header.unit)
            for spec in _named_lab_specs()
        ):
            continue
        name = _BRACKETED.sub(" ", text).strip().replace("{", "{{").replace("}", "}}")
        unit = header.unit.replace("{", "{{").replace("}", "}}")
        form = f"{name}: {{}} {unit}".rstrip()
        _into_comments(
            match,
            col,
            form,
            "is read into comments{target}, each cell as {form}, and read there as a note is",
        )


# What a second sex column's warning says of the rows where the two differ (io/layout.py)
SEX_SOURCES_DIFFER: Final = "a row where the two give different sexes is read with sex unknown"
# ... and where one of them gives the sex assigned at birth, the other the gender identity or
# the sex now recorded (review 27): the record of a transgender patient, no conflict
SEX_AT_BIRTH_BESIDE: Final = (
    "a row where they differ is a transgender patient's record (read as such: judged against "
    "both sexes' intervals, with a note saying so)"
)


@cache
def _sex_source_words() -> tuple[frozenset[str], frozenset[str]]:
    """synonyms.toml [sex_sources]: the words of a header naming the sex assigned at birth, and
    those of one naming the gender identity."""
    table = synonyms_data()["sex_sources"]
    return (
        frozenset(header_words(w) for w in table["birth_words"]),
        frozenset(header_words(w) for w in table["identity_words"]),
    )


def birth_sex_side(first: str, second: str) -> int | None:
    """Which of two sex columns' headers gives the sex assigned at birth (0 the first, 1 the
    second): the one naming the birth ("Sex assigned at birth", "Geschlecht bei Geburt") beside
    one that does not, else the one not naming the gender identity beside one that does ("Sex"
    beside "Gender identity"); None when the headers do not tell (two sex columns alike)."""
    birth, identity = _sex_source_words()
    words = [set(header_words(h).split()) for h in (first, second)]
    born = [bool(w & birth) for w in words]
    if born[0] != born[1]:
        return 0 if born[0] else 1
    named = [bool(w & identity) for w in words]
    if named[0] != named[1]:
        return 1 if named[0] else 0
    return None


# What the warnings of ``_clinical_cell_columns`` say (`run` prints them: triage.reading_warnings)
CLINICAL_CELLS_MARK: Final = "holds clinical findings in its cells"
DRUG_CELLS_MARK: Final = "its cells name drugs"


@dataclass(frozen=True, slots=True)
class _ClinicalCellRules:
    min_share: float
    min_values: int
    max_cells: int
    not_notes: frozenset[str]  # header words of an allergy, a relative's disease
    weak: frozenset[str]  # state facts that alone state no finding in a cell


@cache
def _clinical_cell_rules() -> _ClinicalCellRules:
    """synonyms.toml [note_columns.clinical_cells]."""
    data = synonyms_data()["note_columns"]["clinical_cells"]
    return _ClinicalCellRules(
        float(data["min_share"]),
        int(data["min_values"]),
        int(data["max_cells"]),
        frozenset(_words_of(w) for w in data.get("not_notes", [])),
        frozenset(str(s) for s in data.get("weak_states", [])),
    )


def _at_least(cells: Sequence[object], needed: float, test: Callable[[object], bool]) -> bool:
    """Whether at least ``needed`` of the cells pass the test (counted until they do)."""
    found = 0
    for cell in cells:
        found += test(cell)
        if found >= needed:
            return True
    return False


def _clinical_cell(cell: object) -> bool:
    """A cell of clinical text: the engine's cues or states read a finding in it (not one of
    [note_columns.clinical_cells] weak_states alone: "Week 12" is a study week as often), and
    it names no ward ("Dialysezentrum", "Headache clinic")."""
    if not isinstance(cell, str):
        return False
    text = cell_text(cell)  # as written: the engine reads "SS 10. Woche" so, never "ss"
    weak = _clinical_cell_rules().weak
    return not _names_place(normalise_word(text)) and names_a_finding(text, weak=weak)


# The separators of a header's words ("ATC-Code", "atc_code", "Medikation (ATC)").
_ATC_HEADER_SEPARATORS: Final = re.compile(r"[\s_\-()/\[\].,:;=?]+")


@cache
def _atc_header_words() -> tuple[frozenset[str], frozenset[str]]:
    """(the words naming ATC, the words a column of ATC codes may have beside them: a code's
    words and the flag words of a drug's column), synonyms.toml [values.drug_dose_columns]."""
    data = synonyms_data()["values"]["drug_dose_columns"]
    beside = [*data.get("atc_code_words", []), *data["flag_words"], *data.get("filler_words", [])]
    return (
        frozenset(normalise_word(w) for w in data.get("atc_words", [])),
        frozenset(normalise_word(w) for w in beside),
    )


def is_atc_header(header: str) -> bool:
    """A header naming a column of WHO ATC codes: an ATC word and only the words of a code, of
    medication or numbers ("ATC", "ATC code", "ATC-Code", "Code ATC", "Código ATC", "Codice
    ATC", "atc_code_2", "Medikation (ATC)"); its cells name the drugs taken by their codes
    (drugs.toml atc), read into medications (io/drug_columns.py)."""
    atc, beside = _atc_header_words()
    words = [w for w in _ATC_HEADER_SEPARATORS.split(normalise_word(header)) if w]
    if not any(w in atc for w in words):
        return False
    return all(w in atc or w in beside or w.isdigit() for w in words)


def _names_drugs(cell: object) -> bool:
    """A cell naming a drug of the lexicon ("Risperdal 4 mg", "Haldol")."""
    # imported here: the lexicon, without the reader loading it at start-up
    from triage.knowledge.drugs import drug_matcher
    from triage.knowledge.loaders import load_drugs

    return isinstance(cell, str) and bool(drug_matcher(load_drugs()).find(cell_text(cell)))


def _lists_drugs(cells: Sequence[object]) -> bool:
    """Whether a column's sampled cells list drugs: at least [note_columns.clinical_cells]
    min_share of its first max_cells distinct filled cells (min_values at least) name a drug of
    the lexicon ("Haldol Decanoas 50 mg q4w", "Xeplion 100 mg")."""
    rules = _clinical_cell_rules()
    filled = [c for c in cells if not is_empty_value(c)][: rules.max_cells]
    texts = [c for c in filled if isinstance(c, str) and any(ch.isalpha() for ch in c)]
    needed = rules.min_share * len(filled)
    return len(texts) >= max(rules.min_values, needed) and _at_least(texts, needed, _names_drugs)


def _clinical_cell_columns(
    match: ColumnMatch, used: set[int], samples: Mapping[int, Sequence[object]] | None
) -> set[int]:
    """Unread columns under a header the reader does not know ("Zusatz", "Freitext 2",
    "Remarks (GP)") decided by their cells ([note_columns.clinical_cells]): clinical text (the
    engine's cues or states read a finding, no ward named: ``_fits_location``) is read into
    comments as a notes column, so that a red flag there is never lost (clinical-reference §8);
    drug names alone are not read (an allergy, a stopped drug), but a warning names the column
    and how to map it (those columns are returned).  Ids, codes, numbers, dates, names and wards
    stay as they were."""
    warned: set[int] = set()
    if samples is None:
        return warned
    rules = _clinical_cell_rules()
    for col, text, filled in _unread_columns(match, used, samples, rules.not_notes):
        if (
            col in match.vetoes
            or is_checkbox_option(text)
            or _names_drugs(text)
            or is_atc_header(text)
        ):
            continue  # a drug's own column is read as a dose or yes/no, ATC codes as drugs
        # the first max_cells distinct cells decide (the engine's readers are slow on many)
        cells = filled[: rules.max_cells]
        texts = [c for c in cells if isinstance(c, str) and any(ch.isalpha() for ch in c)]
        needed = rules.min_share * len(cells)
        if len(texts) < max(rules.min_values, needed):
            continue
        if _at_least(texts, needed, _clinical_cell):
            match.note_columns.append(col)
            target = f" with {match.header_of('comments')!r}" if "comments" in match.fields else ""
            match.warnings.append(
                f"column {text!r} {CLINICAL_CELLS_MARK} (its header names no field): read into "
                f"comments{target}, {EACH_AFTER_ITS_HEADER}"
            )
        elif _at_least(texts, needed, _names_drugs):
            match.warnings.append(
                f"column {text!r} is not read, yet {DRUG_CELLS_MARK}: if they are the drugs "
                f"taken now, map it: [columns] medications = {toml_text(text)} (--columns)"
            )
            warned.add(col)
    return warned


@cache
def _free_text_rules() -> tuple[float, int, frozenset[str], frozenset[str]]:
    """(min share, min values, non-clinical header words, name particles), synonyms.toml
    [note_columns.free_text]."""
    data = synonyms_data()["note_columns"].get("free_text", {})
    return (
        float(data.get("min_share", 0.5)),
        int(data.get("min_values", DEFAULT_MIN_VALUES)),
        frozenset(_words_of(w) for w in data.get("not_clinical", [])),
        frozenset(normalise_word(w) for w in data.get("name_particles", [])),
    )


def _unread_columns(
    match: ColumnMatch,
    used: set[int],
    samples: Mapping[int, Sequence[object]],
    skip_words: frozenset[str] = frozenset(),
) -> Iterator[tuple[int, str, list[object]]]:
    """(column, header, its filled sample cells) of each column no field reads whose header
    names no non-clinical word ([note_columns.free_text] not_clinical, and ``skip_words``) and
    is no field's loser (a strong candidate: its own warning says why)."""
    not_clinical = _free_text_rules()[2] | skip_words
    for col, text in enumerate(match.headers):
        if not text or col in used:
            continue
        if set(parse_header(text).full.split()) & not_clinical:
            continue
        if any(v >= STRONG_SCORE for _, v in candidates(text)):
            continue
        yield col, text, [c for c in samples.get(col, ()) if not is_empty_value(c)]


def is_free_text(cell: object) -> bool:
    """A cell of free text: two or more words, not a person's name ("SMITH, John", "Maria van
    der Berg"), not a date, a number or a code ("P-0012", "E22.1")."""
    if not isinstance(cell, str) or is_empty_value(cell):
        return False
    text = cell.strip()
    if parse_date_text(text) is not None or _DATE_SHAPE.fullmatch(text):
        return False
    words = re.findall(r"[^\W\d_]+", text)
    if len([w for w in words if len(w) >= 2]) < 2:
        return False
    particles = _free_text_rules()[3]
    name_like = len(words) <= 4 and not any(ch.isdigit() for ch in text)
    name_like = name_like and all(w[0].isupper() or normalise_word(w) in particles for w in words)
    return not name_like


def _free_text_columns(
    match: ColumnMatch, used: set[int], samples: Mapping[int, Sequence[object]] | None
) -> None:
    """Unread columns that hold free text: a warning names each and how to map it.  A column
    named after one drug or drug class ("Antipsychotic": "aripiprazole 10 mg") is read into
    the medications by io/drug_columns.py: not named."""
    if samples is None:
        return
    # imported here: io/drug_columns.py reads this module
    from triage.io.drug_columns import drug_of_header

    min_share, min_values, _, _ = _free_text_rules()
    for _col, text, cells in _unread_columns(match, used, samples):
        if len(cells) < min_values or drug_of_header(text) is not None:
            continue
        if sum(1 for c in cells if is_free_text(c)) / len(cells) < min_share:
            continue
        match.warnings.append(
            f"column {text!r} holds free text that is not read; if it holds clinical details, "
            f"map it: [columns] comments = {toml_text(text)}"
        )


def _apply_forced(
    match: ColumnMatch, forced: Mapping[str, str], cells: Sequence[object] = ()
) -> set[int]:
    taken: set[int] = set()
    loose = [_loose(t) for t in match.headers]
    # the cells as written too: a mapping file naming "Ge-\nschlecht" or "Ge- schlecht"
    written = [_loose(c) if isinstance(c, str) else "" for c in cells]
    words = [parse_header(t).full for t in match.headers]
    for name, header in forced.items():
        wanted = {_loose(header), _loose(header_text(header))}
        col = next((i for i, t in enumerate(loose) if t and t in wanted), None)
        if col is None:
            col = next((i for i, t in enumerate(written) if t and t in wanted), None)
        if col is None:
            alt = parse_header(header).full
            col = next((i for i, w in enumerate(words) if w and w == alt), None)
        if col is None:  # "column D": by its letters (two columns with one header text)
            letters = _COLUMN_REF.fullmatch(header.strip())
            number = column_number(letters.group(1)) if letters else len(match.headers)
            col = number if number < len(match.headers) else None
        if col is None:
            raise MappedHeaderMissing(name, header, [t for t in match.headers if t])
        match.fields[name] = col
        taken.add(col)
    return taken


def _shape_with_forced(texts: Sequence[str], match: ColumnMatch) -> str:
    if "prolactin" in match.fields:
        return "wide"
    if "result" in match.fields and set(LONG_MARKERS) & set(match.fields):
        return "long"
    return detect_shape(texts)


# A REDCap checkbox option exported with labels: "Current medications (choice=Risperidone)", its
# cells Checked / Unchecked.  It is one option of a question, never the question's whole answer:
# the drug options are read by triage/io/drug_columns.py, the others left alone.
CHECKBOX_OPTION: Final = re.compile(r"\(\s*choice\s*=\s*(?P<option>[^)]*)\)", re.IGNORECASE)


def is_checkbox_option(header: str) -> bool:
    return CHECKBOX_OPTION.search(header) is not None


def _candidate_pool(
    texts: Sequence[str], shape: str, taken_cols: set[int], taken_fields: set[str]
) -> list[tuple[float, int, str]]:
    specs = field_specs()
    pool: list[tuple[float, int, str]] = []
    for col, text in enumerate(texts):
        if not text or col in taken_cols or is_checkbox_option(text):
            continue
        for name, value in candidates(text):
            spec = specs[name]
            if name in taken_fields:
                continue
            if shape == "wide" and spec.shape == "long":
                continue
            if shape == "wide" and spec.wide_by_synonym and not _by_synonym(text, spec):
                continue
            if shape == "long" and name in WIDE_ONLY:
                continue
            pool.append((value, col, name))
    pool.sort(key=lambda item: (-item[0], item[1]))
    return pool


# Columns that describe the result beside them (its unit, its reference interval) when their
# header names no test ("Einheit", "Reference range"), and the lab results of other tests that may
# stand beside them.
RESULT_COLUMNS: Final = (
    "prolactin_unit",
    "reference_range",
    "reference_low",
    "reference_high",
    "lab_flag",
)
OTHER_RESULTS: Final = frozenset(
    {"tsh", "egfr", "creatinine", "free_t4", "hcg", "monomeric_prolactin",
     "macroprolactin_recovery_pct", "macroprolactin_pct"}
)  # fmt: skip


def _own_result_columns(match: ColumnMatch, forced: set[str]) -> None:
    """In a wide file, a unit or reference column whose header names no test belongs to the
    result it follows: "TSH; Einheit; Prolaktin; Einheit" gives prolactin the second unit, never
    TSH's, and "Cortisol (nmol/L), Reference range, Prolactin" gives prolactin no reference range
    (another test's unit or interval read as prolactin's makes a false normal).  A column that
    follows another test's result is not prolactin's; of several, one that follows prolactin is."""
    if match.shape != "wide" or "prolactin" not in match.fields:
        return
    taken = set(match.fields.values())
    for name in RESULT_COLUMNS:
        col = match.fields.get(name)
        if col is None or name in forced or mentions_prolactin(match.headers[col]):
            continue
        owner = _owner(match, col)
        if owner == "prolactin":
            continue
        others = [
            c
            for c, text in enumerate(match.headers)
            if c not in taken
            and any(f == name and v >= STRONG_SCORE for f, v in candidates(text))
            and _owner(match, c) == "prolactin"
        ]
        if others:
            match.fields[name] = others[0]
            taken = (taken - {col}) | {others[0]}
        elif owner == "other":
            del match.fields[name]
            taken.discard(col)
        else:
            continue
        match.header_units.pop(name, None)
        match.warnings.append(
            f"column {column_letters(col)} {match.headers[col]!r} follows another test's "
            f"result: not read as the prolactin {name.removeprefix('prolactin_').replace('_', ' ')}"
        )


def _own_comparator(match: ColumnMatch, forced: set[str]) -> None:
    """In a wide file, a comparator column ("Operator", "Vorzeichen") is the prolactin's only
    when its header names prolactin, or it stands right before the result ("Operator; Result",
    the usual layout), or right after it with nothing of another test behind it ("Prolactin;
    Operator; Unit").  One right before another test's result ("Operator; hCG") is that test's,
    and one further away is nobody's for sure: a '<' read as the prolactin's made an urgent
    520 ng/mL an indeterminate routine one, so in doubt it is not read (and said)."""
    col = match.fields.get("result_qualifier")
    result = match.fields.get("prolactin")
    if match.shape != "wide" or col is None or result is None or "result_qualifier" in forced:
        return
    if mentions_prolactin(match.headers[col]) or col == result - 1:
        return
    fields_at = {c: name for name, c in match.fields.items()}
    behind = fields_at.get(col + 1)
    if col == result + 1 and (
        col + 1 >= len(match.headers)
        or not match.headers[col + 1]
        or (behind is not None and behind not in OTHER_RESULTS)
    ):
        return
    del match.fields["result_qualifier"]
    match.warnings.append(
        f"column {column_letters(col)} {match.headers[col]!r} does not stand beside the "
        "prolactin result (right before it, or right after it with no other test behind): "
        "its comparators were not read as the prolactin's; if they are, name it in a column "
        f'mapping file ([columns] result_qualifier = "{match.headers[col]}")'
    )


def _owner(match: ColumnMatch, col: int) -> str | None:
    """Whose result a unit or reference column describes: "prolactin", "other" (another test's
    result stands first to its left, past other such columns) or None (no result to its left)."""
    fields_at = {c: name for name, c in match.fields.items()}
    for c in range(col - 1, -1, -1):
        name = fields_at.get(c)
        text = match.headers[c]
        if name in RESULT_COLUMNS or (
            name is None and any(f in RESULT_COLUMNS for f, _ in candidates(text)[:1])
        ):
            continue  # "Prolactin; Unit; Ref low; Ref high": the columns of one result
        if name == "prolactin":
            return "prolactin"
        if name in OTHER_RESULTS or (name is None and text and parse_header(text).unit):
            return "other"
        return None
    return None


PATIENT_FIELDS: Final = ("patient_id", "patient_name", "given_name", "specimen_id")


def _test_names_by_cells(
    match: ColumnMatch,
    taken_cols: set[int],
    samples: Mapping[int, Sequence[object]] | None,
    forced: set[str],
) -> None:
    """A long file whose test-name column has a header no synonym names (a GP system's "Event
    details", a local "Bez."), beside a code column of codes the triage may not know (Read/CTV3
    "XaELt", SNOMED CT ids): the first unread column some of whose cells name prolactin as a
    header would ("Serum prolactin level", "Prolactin level (XaELt)") is read as the test names,
    so the file is tried by its names before it is refused.  Not where a code names prolactin
    ("PRL"): the codes tell the tests, and a note column's words are no test."""
    if match.shape != "long" or "test" in match.fields or "test" in forced or samples is None:
        return
    code = match.fields.get("test_code")
    if code is not None and any(  # its codes name prolactin ("PRL"): they are the tests
        isinstance(c, str) and _names_prolactin(c) for c in samples.get(code, ())
    ):
        return
    used = set(match.fields.values()) | taken_cols
    for col in sorted(samples):
        if col in used or not match.headers[col]:
            continue
        texts = [c for c in samples[col] if isinstance(c, str) and bare_number(c) is None]
        if any(_names_prolactin(text) for text in texts):
            match.fields["test"] = col
            return


def _post_process(match: ColumnMatch) -> None:
    """Time-only column without a date column is the collection time; id fallbacks; a table
    that names no patient at all is said to (its urgent results would name nobody)."""
    fields = match.fields
    if not any(name in fields for name in PATIENT_FIELDS) and "prolactin" in fields:
        match.warnings.append(
            "no patient column (patient id or name) was found: results, urgent ones too, name "
            "no patient, only their row; if a column holds the patient's number, name it in a "
            'column mapping file ([columns] patient_id = "...")'
        )
    if "prolactin" in fields and "sex" not in fields:
        match.warnings.append(
            "no sex column was found: each result is judged against the women's and the men's "
            "intervals together (indeterminate between them) unless the mapping file's "
            '[defaults] gives a sex; if a column holds it, name it ([columns] sex = "...")'
        )
    if "prolactin" in fields and not {"age_years", "birth_date", "birth_year"} & set(fields):
        match.warnings.append(
            "no age or birth date column was found: children's and postmenopausal intervals "
            "cannot be chosen (adults' are used); if a column holds the age or the birth date, "
            'name it ([columns] age_years = "..." or birth_date = "...")'
        )
    if "collected_time" in fields and "collected_at" not in fields:
        fields["collected_at"] = fields.pop("collected_time")
    for name, spec in field_specs().items():
        if spec.fallback and name not in fields and spec.fallback in fields:
            # A specimen / order / accession number is no patient id: it only joins a long
            # file's rows of the same specimen (triage.io.long), and results carry no patient id.
            header = match.headers[fields[spec.fallback]]
            use = (
                "it is used only to join the rows of the same specimen"
                if match.shape == "long"
                else "it is not used as one"
            )
            match.warnings.append(
                f"no {name} column: {header!r} is a specimen/order number, not a {name}; {use} "
                f'(name the patient column in a column mapping file: [columns] {name} = "...")'
            )


@dataclass(frozen=True, slots=True)
class _UnitColumnRules:
    reach: int
    min_share: float
    min_values: int
    between: frozenset[str]


@cache
def _unit_column_rules() -> _UnitColumnRules:
    """synonyms.toml [unit_column_by_cells]."""
    data = synonyms_data()["unit_column_by_cells"]
    return _UnitColumnRules(
        reach=int(data["reach"]),
        min_share=float(data["min_share"]),
        min_values=int(data["min_values"]),
        between=frozenset(data["between"]),
    )


# The result field of each shape and the field of its unit.
_UNIT_FIELD_OF: Final = {"wide": ("prolactin", "prolactin_unit"), "long": ("result", "unit")}


def holds_units(cells: Iterable[object], shape: str = "wide") -> bool:
    """Whether a column's cells are units (synonyms.toml [unit_column_by_cells]): in a wide
    file (almost) all of them prolactin units, in a long one units of any test with a
    prolactin unit among them."""
    rules = _unit_column_rules()
    counted = [c for c in cells if _counted(c, "unit") and not _UNIT_CODE.fullmatch(cell_text(c))]
    if len(counted) < max(rules.min_values, 1):
        return False
    units = sum(1 for c in counted if _fits_unit(c))
    known = sum(1 for c in counted if normalise_unit(c) is not None)
    if units < rules.min_share * len(counted):
        return False
    return known >= rules.min_share * len(counted) if shape == "wide" else known > 0


def _holds_numbers(cells: Iterable[object]) -> bool:
    return any(parse_quantity(c).status == "ok" for c in cells if not is_blank(c))


def _beside_result(
    match: ColumnMatch, samples: Mapping[int, Sequence[object]], unit_field: str, col: int
) -> list[int]:
    """The columns right of the result column ``col`` that may hold its unit: within the
    reach, passing only columns of the fields found between a result and its unit, of the unit
    field, and unread columns holding no numbers (another test's result ends the search)."""
    rules = _unit_column_rules()
    owners = {c: name for name, c in match.fields.items()}
    found: list[int] = []
    for other in range(col + 1, min(len(match.headers), col + 1 + rules.reach)):
        owner = owners.get(other)
        if owner in rules.between:
            continue
        if owner not in (None, unit_field):
            break
        cells = samples.get(other, ())
        if owner is None and _holds_numbers(cells) and not holds_units(cells, match.shape):
            break
        found.append(other)
    return found


def _unit_column_by_cells(
    match: ColumnMatch, samples: Mapping[int, Sequence[object]] | None, forced: Set[str]
) -> list[int]:
    """The result's unit column found by its cells where its header does not say it: a column
    right beside the result whose cells are units (a blank header, one merged over the result
    and its unit, "ME", "Dim", a second "Prolactin") is the unit column.  The units in the
    cells are the file's own: without this --unit or a default decided them, and a result in
    ng/mL read as mIU/L is a false normal.  Returns the columns beside the result that may hold
    its unit (``_beside_result``): only there is a second column of the unit's header read."""
    result_field, unit_field = _UNIT_FIELD_OF.get(match.shape, ("", ""))
    col = match.fields.get(result_field)
    if col is None or samples is None:
        return []
    beside = _beside_result(match, samples, unit_field, col)
    if unit_field in forced:
        return beside
    if unit_field in match.fields:  # named by its header (another test's is vetoed before)
        return beside
    used = set(match.fields.values())
    for other in beside:
        if other in used or not holds_units(samples.get(other, ()), match.shape):
            continue
        match.fields[unit_field] = other
        match.vetoes.pop(other, None)
        text = match.headers[other]
        named = f"headed {text!r}" if text else "without a header"
        match.warnings.append(
            f"column {column_letters(other)} ({named}) holds the result's units: read as its "
            f"unit ({unit_field}); the units written in it win over --unit and any default"
        )
        return beside
    return beside


# Context tests given in one column per unit by some exports (a cohort's "creat_umoll" and
# "creat_mgdl", a merged LIS's "TSH (mIU/L)" and "TSH (µIU/mL)"): read row by row from the
# column that holds a number (``ColumnMatch.other_unit_columns``), each in its header's unit.
OTHER_UNIT_FIELDS: Final = ("tsh", "free_t4", "egfr", "creatinine", "monomeric_prolactin")
# ... of which the post-PEG (monomeric) prolactin is one measure of the sample whatever its
# header's words ("PROLACTIN POST PEG" beside "PRL-mono", "Bioaktives Prolaktin"): any strong
# name of it is the same test (review 27: a value only in the second column was lost, and the
# macroprolactin screen asked again)
SAME_MEASURE_FIELDS: Final = ("monomeric_prolactin",)


def _other_unit(used: str, other: str, name: str) -> bool:
    """Column ``other`` names a unit in its header, and another one than column ``used``'s (a
    column of the same test in its own unit, not a second result in the same one), and names
    the test as plainly: the same words apart from the unit, or one of the test's own names
    (never "Créatinine urinaire (mmol/L)" beside "Créatinine (µmol/L)": another sample)."""
    head, its_head = parse_header(used), parse_header(other)
    if not its_head.unit.strip() or _loose(head.unit) == _loose(its_head.unit):
        return False
    if head.main == its_head.main:
        return True
    return _names_plainly(candidates(other), name)


def _names_plainly(found: Sequence[tuple[str, float]], name: str) -> bool:
    """Whether a header's candidates ``found`` name field ``name`` as plainly as a header can
    (one of its own names), or, for a measure of the sample whatever its words
    (SAME_MEASURE_FIELDS), strongly."""
    least = STRONG_SCORE if name in SAME_MEASURE_FIELDS else EXACT_SCORE - 1
    return any(f == name and s >= least for f, s in found)


def _same_test(used: str, other: str, name: str) -> bool:
    """Column ``other`` names the test as plainly as a header can ("TSH basal" beside "TSH",
    "eGFR (MDRD)" beside "eGFR (CKD-EPI)"), in the unit of column ``used`` or none: a second
    column of the same test, read where the first is empty (``_other_unit`` columns are; before,
    it was not used at all and a row giving its TSH only there read "not given: TSH")."""
    its_unit = parse_header(other).unit.strip()
    if its_unit and _loose(its_unit) != _loose(parse_header(used).unit):
        return False
    return _names_plainly(candidates(other)[:1], name)


def _twin(match: ColumnMatch, name: str, col: int, beside: Sequence[int]) -> bool:
    """Column ``col`` has the same header as ``name``'s column: a twin read row by row with it
    (the one filled; both filled and different: the row is rejected), unless ``name`` is read
    whole from several columns (medications, notes) or is the unit and the column stands
    elsewhere than beside the result (another test's unit)."""
    if name in JOINED_FIELDS or name in NOTE_FIELDS:
        return False
    if name in ("prolactin_unit", "unit") and col not in beside:
        return False
    match.twin_columns.setdefault(name, []).append(col)
    first = match.fields[name]
    match.warnings.append(
        f"columns {column_letters(first)} and {column_letters(col)} are both headed "
        f"{match.headers[col]!r}: each row's {name} is read from the one that is filled, and "
        "a row where both are filled and differ is rejected; to read one only, name it in a "
        f'column mapping file ([columns] {name} = "column {column_letters(col)}")'
    )
    return True
