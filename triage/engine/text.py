"""Free-text cues: what a clinician's note says, e.g. "HD Mon/Wed/Fri" -> dialysis.

The vocabulary is data (triage/data/cues.toml), in English, German, French, Spanish, Italian and
Dutch.  A cue without `fields` is looked for in every free-text field (FREE_TEXT_FIELDS: the
schema's TEXT_FIELDS and the kept text of the yes/no fields), less its `skip_fields`, so a note
says the same wherever the lab put it.  Matching is cached per distinct (field, text), so a column
of 100,000 rows with a few hundred distinct notes costs a few hundred regex runs.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import numpy as np
import pandas as pd

from triage import toml_cache
from triage.absence_marks import absent_after
from triage.engine.clock import EventClock
from triage.engine.coded_notes import labelled_codes_read
from triage.engine.distinct import distinct_rows
from triage.engine.relatives import Relatives, load_relatives
from triage.negated_lists import (
    contrast_words,
    enumerated_list_spans,
    inside,
    negated_list_spans,
)
from triage.regex_cache import compile_vocabulary, prefix_trie
from triage.resources import data_file
from triage.schema import CANONICAL_COLUMNS, FLAG_FIELDS, TEXT_FIELDS, ConfigError, field_words
from triage.transliteration import vocabulary
from triage.values import (
    hyphen_breaks_joined,
    one_as_digit,
    without_general_statements,
)

CUES_FILE = "cues.toml"
# Every field a clinician's words may be in: the free-text columns and the kept text of the
# yes/no columns ("head_trauma_text": "SHT 2019").  A cue with no `fields` reads them all.
FREE_TEXT_FIELDS: tuple[str, ...] = (*TEXT_FIELDS, *(f"{flag}_text" for flag in FLAG_FIELDS))
# Clauses end at ; | new lines, a comma not inside a number ("4,5 cm"), a full stop not inside a
# number, and "but" in the six languages.
_CLAUSE_SPLIT = re.compile(
    r"[;\n|]|,(?!\d)|\.(?!\d)|\b(?:but|aber|jedoch|mais|pero|però|maar)\b", re.IGNORECASE
)
_QUOTE_SPLIT = re.compile(r"[;\n|]")
_ITEM_END = re.compile(r"[;\n|]")  # the end of a list item (cues' item_exclude, item_context)
# The [exclude_sets] list of a finding asked about, not found: a cue naming it also reads
# cues.toml [questions] (a trailing "?", a question's label opening the item).
QUERIED_SET = "queried"
# The [exclude_sets] list of a finding gone by now ("diplopia resolved"): a cue naming it also
# reads cues.toml [resolved_after], its resolution in the clause after a comma ("diplopia,
# resolved", "dubbelzien, inmiddels hersteld").
RESOLVED_SET = "resolved"
_SIZE_PART_END = re.compile(r"[;()\[\]\n]|,(?!\d)")  # the parts of a note that date a size
_BRACKETED_YEAR = re.compile(r"\s*\(\s*(?:19|20)\d\d\s*\)")  # "28 mm (2019)"
YEAR_IN_NOTE: Final = re.compile(r"(?<![\d./-])(?:19|20)\d\d(?![\d./-]?\d)")  # a year in a note
_CASE_SENSITIVE_PART = "(?-i:"
_WORD = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")


def texts_as_read(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """The free-text columns of ``frame`` as the text rules read them, where that differs from
    the cell: a word hyphenated over a line break joined ("Gesichtsfeld-<new line>ausfall",
    "Metoclo-<new line>pramid": values.hyphen_breaks_joined), so that a red flag or a drug broken
    to fit its cell is still named; the diagnosis codes a label names with their words after
    them ("Dx: H53.47" -> "Dx: H53.47 visual field defect": engine/coded_notes.py, review
    29).  (Once per distinct cell; the frame's own cells, shown to the user, are left as
    written.)"""
    out: dict[str, pd.Series] = {}
    for name in FREE_TEXT_FIELDS:
        if name not in frame.columns:
            continue
        column = frame[name]
        if column.dtype.kind not in "OU" and not isinstance(column.dtype, pd.StringDtype):
            continue
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        texts = uniques.tolist()
        joined = [
            labelled_codes_read(hyphen_breaks_joined(t)) if isinstance(t, str) else t for t in texts
        ]
        if joined == texts:
            continue
        table = np.array([*joined, None], dtype=object)
        values = np.where(codes < 0, column.to_numpy(dtype=object), table[codes])
        out[name] = pd.Series(values, index=frame.index, dtype=column.dtype)
    return out


def _plain(text: str) -> str:
    """Lower case without accents ("Aucune" -> "aucune", "ningún" -> "ningun")."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class CueHit:
    """One cue found in one field: the clause quoted and the words that matched."""

    cue: str
    field: str
    quote: str
    matched: str

    def evidence(self) -> str:
        """`field: 'quote'`, the form every evidence line uses for free text (a yes/no field's
        kept text is named after the field: `dialysis: 'HD Mon/Wed/Fri'`)."""
        return self._quoting(self.quote)

    def named(self) -> str:
        """`field: 'matched words'`: the finding alone, without the rest of its clause (the
        urgent list, which reaches stderr and cron's mail, quotes no more of a note than that)."""
        return self._quoting(self.matched)

    def _quoting(self, text: str) -> str:
        return f"{field_words(self.field.removesuffix('_text'))}: '{text}'"


Hits = Mapping[str, tuple[CueHit, ...]]


def earlier_cue(name: str) -> str:
    """The name a [past_results] cue's hit is kept under when it is an earlier sample's result
    ("tsh_stated_high" -> "tsh_stated_high_earlier"; engine/context.py)."""
    return f"{name}_earlier"


NO_HITS: Hits = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class _Combined:
    """A cue a row states when it states one cue of each group, in any of its columns and
    clauses ([combined.NAME] in cues.toml: a sudden severe headache with double vision is the
    sign of pituitary apoplexy, whichever column or clause each is written in)."""

    name: str
    groups: tuple[tuple[str, ...], ...]
    implies: tuple[str, ...] = ()
    # cues that, stated anywhere in the row, explain the parts and so unstate the combination,
    # unless the row states one of `kept_by` (a known lesion keeps the apoplexy picture)
    none_of: tuple[str, ...] = ()
    kept_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Cue:
    name: str
    fields: tuple[str, ...]
    pattern: re.Pattern[str]  # every pattern, case-insensitive, for the text as written
    fast: re.Pattern[str] | None  # the same in lower case, for the lower-cased text (faster)
    exact: re.Pattern[str] | None  # patterns with a case-sensitive part, for the text as written
    exclude: re.Pattern[str] | None
    # `needs_context` patterns count only when a `context` pattern matches in the same clause
    # ("anxious at venepuncture" is venipuncture stress, "anxiety" alone is not)
    contextual: re.Pattern[str] | None = None
    context: re.Pattern[str] | None = None
    # other cues this one's hit also counts as, with the same quote ("compression of the optic
    # chiasm" is a sellar lesion, a large one, and a mass-effect red flag)
    implies: tuple[str, ...] = ()
    # searched in the hit's list item (between ";", "|" or line ends: a comma does not end it,
    # so "Hypopituitarismus, substituiert" is one item): `item_exclude` cancels
    # the hit, `item_context` is needed for it (cues.toml `item_exclude_sets`,
    # `item_context_sets`)
    item_exclude: re.Pattern[str] | None = None
    item_context: re.Pattern[str] | None = None
    # a cue naming the `queried` set: that set's question opening the clause, and cues.toml
    # [questions] `item`'s label opening the list item, cancel it as far as the doubt reaches
    # (CueBook._asked); a trailing "?" right after it cancels it too ([questions] after)
    asked: re.Pattern[str] | None = None
    item_asked: re.Pattern[str] | None = None
    # a cue naming the `resolved` set: its words in the clause, but for those of the cue's own
    # ("zicht links plots verdwenen" is a loss of sight), cancel it, and so does its resolution
    # opening the clause after a comma (cues.toml [resolved_after]: "diplopia, resolved",
    # "Doppelbilder, inzwischen abgeklungen")
    resolved: re.Pattern[str] | None = None
    resolved_after: re.Pattern[str] | None = None
    # (review 28 mend) [resolved_after] `alone` right after the cue, ending its clause
    # ("diplopia rientrata", "céphalées amendées")
    resolved_next: re.Pattern[str] | None = None


class CueBook:
    """The compiled cue vocabulary; `match(field, text)` is cached per distinct text."""

    def __init__(self, spec: Mapping[str, Any], *, source: str = CUES_FILE) -> None:
        self.source = source
        spec = vocabulary(spec)  # German words also in their ASCII spelling ("Sehstoerung")
        settings = require_table(spec, "settings", source)
        self.negation_window = int(_number(settings, "negation_window_words", source))
        self.quote_max_chars = int(_number(settings, "quote_max_chars", source))
        self._clause_split = _clause_splitter(settings.get("abbreviations", []))
        self._exclude_sets: dict[str, list[str]] = {
            str(k): [str(p) for p in v] for k, v in spec.get("exclude_sets", {}).items()
        }
        negation = require_table(spec, "negation", source)
        self._negation_words = frozenset(_plain(str(w)) for w in negation.get("words", []))
        self._negation_phrases = tuple(_plain(str(p)) for p in negation.get("phrases", []))
        # words a negation before them does not reach past ("ohne Kopfschmerz mit Hemianopsie"),
        # and the contrast words that end a negated list in every language (synonyms.toml
        # [negated_lists] ends: "nessuna cefalea ma diplopia", "geen hoofdpijn wel dubbelzien",
        # "keine Beschwerden außer Doppelbildern"): one list for both readings
        contrast = {_plain(w) for w in contrast_words()}
        breaks = sorted({_plain(str(w)) for w in negation.get("breaks", [])} | contrast)
        self._negation_breaks = (
            re.compile(rf"\b(?:{_words_alternation(breaks)})\b") if breaks else None
        )
        # a doubt before the cue: the negation in and before it denies nothing ("no se descarta
        # diplopía", "non si esclude una diplopia", "not ruled out visual field loss")
        doubts = [_plain(str(w)) for w in negation.get("doubts", [])]
        self._negation_doubts = (
            re.compile(rf"(?<!\w)(?:{_words_alternation(doubts)})(?!\w)") if doubts else None
        )
        # ... nor does a negation or exclusion after a cue reach back over one ("diplopia ma
        # adenoma escluso": the diplopia stays)
        self._contrast = (
            re.compile(rf"\b(?:{_words_alternation(contrast)})\b") if contrast else None
        )
        # Negation or exclusion AFTER the cue, in its clause ("Krampfanfall ausgeschlossen",
        # "seizure ruled out", "adénome exclu"): word sequences, compared without case or accents.
        self._after_window = int(negation.get("after_window_words", 0))
        self._after = _phrases(negation.get("after", []))
        self._after_adjacent = _phrases(negation.get("after_adjacent", []))
        self._copulas = frozenset(_plain(str(w)) for w in negation.get("copulas", []))
        self._cancel = frozenset(_plain(str(w)) for w in negation.get("cancel", []))
        # a form's answer that is the whole rest of the clause: "Sehstörungen: keine",
        # "cefalea? no", "galactorrhoea - denies"
        self._answers = frozenset(_phrases(negation.get("answers", [])))
        size = require_table(spec, "lesion_size", source)
        self._size_pattern = _compile([str(size.get("pattern", ""))], source, "lesion_size")
        self._size_units = {str(k).lower(): float(v) for k, v in size.get("units", {}).items()}
        # the unit of a bare size that words naming a macroadenoma settle (cues.toml lesion_size
        # bare_unit_beside_macro: "cm")
        self._bare_macro_mm = self._size_units.get(
            str(size.get("bare_unit_beside_macro", "")).lower(), float("nan")
        )
        self._size_earlier = _compile([str(size.get("earlier", "(?!)"))], source, "lesion_size")
        self._size_current = _compile([str(size.get("current", "(?!)"))], source, "lesion_size")
        times = spec.get("times", {})
        self.clock = EventClock(
            times if isinstance(times, Mapping) else {},
            lambda pattern, name: _compile([pattern], source, name),
            source,
        )
        elapsed = spec.get("elapsed", {})
        listed = elapsed.get("patterns", []) if isinstance(elapsed, Mapping) else []
        self._elapsed = tuple(  # one regex each: they share their group names
            _compile([str(p)], source, "elapsed") for p in listed
        )
        # a finding written as a question ([questions]: a trailing "?", a question's label)
        questions = spec.get("questions", {})
        self._question_after = _compile(
            [str(questions.get("after", "(?!)"))], source, "questions.after"
        )
        self._question_items = [str(p) for p in questions.get("item", [])]
        # where a doubt ends once it has named what it doubts ([questions] ends: " - ", ":", "(",
        # "bei", "given"; and the words a negation does not reach past, "with", "mit", "con",
        # "but"...): "?macroadenoma - bitemporal hemianopia" asks about the adenoma only
        stops = {str(w) for w in negation.get("breaks", [])} | set(contrast_words())
        stops |= {_plain(w) for w in stops}
        self._doubt_ends = _compile(
            [*(str(p) for p in questions.get("ends", [])), rf"\b(?:{_words_alternation(stops)})\b"],
            source,
            "questions.ends",
        )
        # a resolution after a comma, read by the cues naming `resolved` ([resolved_after])
        resolved_after = spec.get("resolved_after", {})
        self._resolved_opens = str(resolved_after.get("opens", ""))
        self._resolved_ends = [str(resolved_after["ends"])] if "ends" in resolved_after else []
        # words that resolve only as the whole clause (`alone`), and what may follow a
        # resolution in its clause (`tail`: a few adverbs, then the clause's end)
        self._resolved_alone = [str(resolved_after["alone"])] if "alone" in resolved_after else []
        self._resolved_tail = str(resolved_after.get("tail", ""))
        cue_specs = require_table(spec, "cues", source)
        self._cues = tuple(
            self._build_cue(name, body, cue_specs) for name, body in cue_specs.items()
        )
        known = {cue.name for cue in self._cues}
        for cue in self._cues:
            unknown = [name for name in cue.implies if name not in known or name == cue.name]
            if unknown:
                raise ConfigError(
                    self.source, f"cue {cue.name!r} implies unknown cues {unknown}", field=cue.name
                )
        # cues a relative's words take from the patient ([relative]; who is a relative:
        # states.toml [relative], the reading the states get)
        relative = spec.get("relative", {})
        self._relative_cues = frozenset(str(n) for n in relative.get("cues", []))
        if self._relative_cues - known:
            raise ConfigError(
                self.source, f"[relative] cues: unknown {sorted(self._relative_cues - known)}"
            )
        self._relatives: Relatives | None = load_relatives() if self._relative_cues else None
        # cues a partner's words take from the patient ([partner]: "Partner mit erektiler
        # Dysfunktion", "wife has amenorrhoea"), read as a relative's are
        partner = spec.get("partner", {})
        self._partner_cues = frozenset(str(n) for n in partner.get("cues", []))
        if self._partner_cues - known:
            raise ConfigError(
                self.source, f"[partner] cues: unknown {sorted(self._partner_cues - known)}"
            )
        self._partners: Relatives | None = (
            Relatives(partner, source=source) if self._partner_cues else None
        )
        # context lab results in words written as an earlier sample's ([past_results])
        earlier = spec.get("past_results", {})
        self.past_result_cues = frozenset(str(n) for n in earlier.get("cues", []))
        clash = {earlier_cue(n) for n in self.past_result_cues} & known
        if self.past_result_cues - known or clash:
            raise ConfigError(
                self.source,
                f"[past_results] cues: unknown {sorted(self.past_result_cues - known)} "
                f"or taken names {sorted(clash)}",
            )
        self._earlier_before = _compile(
            [str(p) for p in earlier.get("before", [])] or ["(?!)"], source, "past_results"
        )
        self._earlier_after = _compile(
            [str(p) for p in earlier.get("after", [])] or ["(?!)"], source, "past_results"
        )
        self._earlier_current = _compile(
            [str(p) for p in earlier.get("current", [])] or ["(?!)"], source, "past_results"
        )
        self._combined = tuple(
            self._build_combined(name, body, known)
            for name, body in spec.get("combined", {}).items()
        )
        # cues a negated list of bare commas does not deny ("sin galactorrea, pérdida de
        # visión"): those of [negation] comma_list_kept and those implying one
        kept = frozenset(str(n) for n in negation.get("comma_list_kept", []))
        if kept - known:
            raise ConfigError(
                self.source, f"[negation] comma_list_kept: unknown {sorted(kept - known)}"
            )
        self._comma_kept = frozenset(
            cue.name for cue in self._cues if cue.name in kept or kept.intersection(cue.implies)
        )
        self._by_field: dict[str, tuple[_Cue, ...]] = {}
        for cue in self._cues:
            for field in cue.fields:
                self._by_field[field] = (*self._by_field.get(field, ()), cue)
        self._cache: dict[tuple[str, str], Hits] = {}
        self._set_patterns: dict[str, re.Pattern[str]] = {}
        self._implies: dict[str, tuple[str, ...]] = {
            **{cue.name: cue.implies for cue in self._cues},
            **{combined.name: combined.implies for combined in self._combined},
        }

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(cue.name for cue in self._cues)

    def implies(self, name: str) -> tuple[str, ...]:
        """The cues a hit of cue (or [combined] cue) `name` also counts as (its `implies`)."""
        return self._implies.get(name, ())

    def in_set(self, name: str, text: str) -> bool:
        """A pattern of the [exclude_sets] list `name` matches in `text` (a list item)."""
        pattern = self._set_patterns.get(name)
        if pattern is None:
            listed = self._exclude_sets.get(name)
            if not listed:
                raise ConfigError(self.source, f"unknown exclude_sets {name!r}")
            pattern = self._set_patterns[name] = _compile(listed, self.source, name)
        return pattern.search(text) is not None

    @property
    def fields(self) -> tuple[str, ...]:
        """Every canonical column some cue is looked for in."""
        return tuple(self._by_field)

    def match(self, field: str, text: str) -> Hits:
        """The cues `text` (a cell of column `field`) states, each with its quote."""
        key = (field, text)
        found = self._cache.get(key)
        if found is None:
            found = self._match(field, without_general_statements(text))
            self._cache[key] = found
        return found

    def match_column(self, field: str, values: pd.Series) -> list[Hits]:
        """`match` for every cell of a column (NA cells have no hits), one regex run per text."""
        cells: list[object] = values.tolist()
        seen: dict[str, Hits] = {}  # this column's texts: one cache look-up per distinct text
        out: list[Hits] = [NO_HITS] * len(cells)
        present = np.flatnonzero(values.notna().to_numpy(dtype=bool)).tolist()
        for i in present:
            c = cells[i]
            if not isinstance(c, str) or not c:
                continue
            found = seen.get(c)
            if found is None:
                found = seen[c] = self.match(field, c)
            out[i] = found
        return out

    def written_as_earlier(self, hit: CueHit, cell: str) -> bool:
        """`hit` (found in `cell`) is written as an earlier result ([past_results]): a history
        word before it in its clause with no word for now after that ("früher TSH erhöht",
        "previously raised TSH", "antes TSH alta"), or one right after it ("TSH raised
        previously", "TSH élevée auparavant")."""
        at = cell.find(hit.matched)
        if at < 0:
            return False
        end = at + len(hit.matched)
        clause_start, clause = _clause(cell, at, end, self._clause_split)
        if self._earlier_after.match(cell, end, clause_start + len(clause)):
            return True
        markers = [m.end() for m in self._earlier_before.finditer(cell, clause_start, at)]
        return bool(markers) and self._earlier_current.search(cell, markers[-1], at) is None

    def lesion_size_mm(self, text: str) -> float | None:
        """The size written in `text` ("2.4 cm", "32 mm", "4,5 cm", "45 x 38 mm": the largest
        dimension), in millimetres: of several, the lesion now ("8 mm en 2019, 14 mm en 2025":
        14; "Adenom 13 mm (Vorbefund 2019: 9 mm)": 13).  Each size is dated by a year in its
        own part of the text (between brackets, semicolons and commas); one without a year is
        the current one unless an `earlier` word marks it; the latest wins, the first on a tie.
        The pattern's last group is the unit, the groups before it the numbers."""
        sizes = list(self._size_pattern.finditer(text))
        if not sizes:
            return None
        found = sizes[0]
        if len(sizes) > 1:
            found = max(sizes, key=lambda m: self._size_when(text, m.start()))
        *numbers, unit = found.groups()
        largest = max(float(n.replace(",", ".")) for n in numbers if n)
        return largest * self._size_units.get(unit.lower(), float("nan"))

    def bare_size_beside_macro_mm(self, number: float) -> float:
        """A bare size (no unit written) too small for the macroadenoma that words name beside
        it, in millimetres: in the unit such a number can only be in (cues.toml lesion_size
        bare_unit_beside_macro: "macroadenoma" with "3.2" is 3.2 cm)."""
        return number * self._bare_macro_mm

    def _size_when(self, text: str, at: int) -> tuple[float, bool]:
        """When the size at `at` was measured, to order sizes: its part's year (a year in
        brackets right after the size is its own: "28 mm (2019)"), else now (inf), or long ago
        (-inf) when an `earlier` word marks that part; then whether a `current` word marks it
        ("now 9 mm")."""
        begin = max([0] + [m.end() for m in _SIZE_PART_END.finditer(text, 0, at)])
        after = _SIZE_PART_END.search(text, at)
        end = after.start() if after else len(text)
        bracket = _BRACKETED_YEAR.match(text, end)
        part = text[begin : bracket.end() if bracket else end]
        current = self._size_current.search(part) is not None
        years = [int(y) for y in YEAR_IN_NOTE.findall(part)]
        if years:
            return float(max(years)), current
        if self._size_earlier.search(part):
            return -math.inf, current
        return math.inf, current

    def clock_time(self, kind: str, text: str) -> tuple[int, int] | None:
        """(hour, minute) of the first `kind` time ("seizure", "sample") written in `text`
        (engine/clock.py)."""
        return self.clock.read(kind, text).clock

    def elapsed(self, text: str) -> timedelta | None:
        """The time written as a duration from an event to the sample ("20 min ago", "vor 1
        Stunde", "15 min danach"): the first in `text` ([elapsed] in cues.toml); a word for one
        as the digit ("vor einer Stunde", "un'ora"), a half after the hours ("1 hora y media",
        "un'ora e mezza") or one and a half in a word ("anderhalf uur") added."""
        text = one_as_digit(text)
        found = [m for m in (p.search(text) for p in self._elapsed) if m is not None]
        if not found:
            return None
        first = min(found, key=lambda m: m.start())
        groups = first.groupdict()
        number = float(groups["n"].replace(",", ".")) if groups.get("n") else 1
        if groups.get("half") or groups.get("and_half"):
            number += 1 / 2
        return timedelta(hours=number) if first.group("hours") else timedelta(minutes=number)

    def elapsed_count(self, text: str) -> int:
        """How many durations of [elapsed] `text` writes."""
        text = one_as_digit(text)
        return len({m.start() for p in self._elapsed for m in p.finditer(text)})

    def _build_cue(self, name: str, body: Mapping[str, Any], cue_specs: Mapping[str, Any]) -> _Cue:
        skip = tuple(str(f) for f in body.get("skip_fields", []))
        if "fields" in body:
            fields = tuple(str(f) for f in body.get("fields", []))
        else:
            fields = tuple(f for f in FREE_TEXT_FIELDS if f not in skip)
        unknown = [f for f in (*fields, *skip) if f not in CANONICAL_COLUMNS]
        if unknown or not fields:
            raise ConfigError(self.source, f"cue {name!r}: unknown or no fields {unknown}")
        # `patterns_from`: the patterns of other cues, read here with this cue's own excludes
        # (the same words at any time, where the other cue keeps only recent ones)
        borrowed = [str(n) for n in body.get("patterns_from", [])]
        unknown = [n for n in borrowed if n not in cue_specs or n == name]
        if unknown:
            raise ConfigError(self.source, f"cue {name!r}: unknown patterns_from {unknown}")
        patterns = [str(p) for n in borrowed for p in cue_specs[n].get("patterns", [])]
        patterns += [str(p) for p in body.get("patterns", [])]
        if not patterns:
            raise ConfigError(self.source, f"cue {name!r} has no patterns", field=name)
        shared = self._exclude_sets
        missing = [n for n in body.get("exclude_sets", []) if n not in shared]
        if missing:
            raise ConfigError(self.source, f"cue {name!r}: unknown exclude_sets {missing}")
        item_sets = [*body.get("item_exclude_sets", []), *body.get("item_context_sets", [])]
        missing = [n for n in item_sets if n not in shared]
        if missing:
            raise ConfigError(self.source, f"cue {name!r}: unknown item sets {missing}")
        item_exclude = [p for n in body.get("item_exclude_sets", []) for p in shared[n]]
        # a question opening the clause ("?", "V.a.") or the item ("Fragestellung: ..."), read
        # as far as its doubt reaches (CueBook._asked)
        asked = shared[QUERIED_SET] if QUERIED_SET in body.get("exclude_sets", []) else []
        resolved = shared[RESOLVED_SET] if RESOLVED_SET in body.get("exclude_sets", []) else []
        item_asked = self._question_items if asked else []
        item_context = [p for n in body.get("item_context_sets", []) for p in shared[n]]
        excludes = [
            p
            for n in body.get("exclude_sets", [])
            if n not in (QUERIED_SET, RESOLVED_SET)
            for p in shared[n]
        ]
        excludes += [str(p) for p in body.get("exclude", [])]
        contextual = [str(p) for p in body.get("needs_context", [])]
        context = [str(p) for p in body.get("context", [])]
        if bool(contextual) != bool(context):
            raise ConfigError(
                self.source, f"cue {name!r}: needs_context and context go together", field=name
            )
        folded = [_lower_source(p) for p in patterns if _CASE_SENSITIVE_PART not in p]
        exact = [p for p in patterns if _CASE_SENSITIVE_PART in p]
        return _Cue(
            name=name,
            fields=fields,
            pattern=_compile(patterns, self.source, name),
            fast=_compile(folded, self.source, name, flags=0) if folded else None,
            exact=_compile(exact, self.source, name) if exact else None,
            exclude=_compile(excludes, self.source, name) if excludes else None,
            contextual=_compile(contextual, self.source, name) if contextual else None,
            context=_compile(context, self.source, name) if context else None,
            implies=tuple(str(n) for n in body.get("implies", [])),
            item_exclude=_compile(item_exclude, self.source, name) if item_exclude else None,
            item_context=_compile(item_context, self.source, name) if item_context else None,
            asked=_compile(asked, self.source, name) if asked else None,
            item_asked=_compile(item_asked, self.source, name) if item_asked else None,
            resolved=_compile(resolved, self.source, name) if resolved else None,
            resolved_after=self._resolved_after_pattern(resolved, name),
            resolved_next=self._resolved_next_pattern(resolved, name),
        )

    def _resolved_after_pattern(self, resolved: Sequence[str], name: str) -> re.Pattern[str] | None:
        """The resolution words of the `resolved` set, or cues.toml [resolved_after] `ends`,
        after its `opens` (a few adverbs and auxiliaries: "now", "inzwischen", "has",
        "inmiddels"), matched at the start of the clause after a comma (compiled through the
        vocabulary cache: one regex for every cue naming the set)."""
        if not resolved or not self._resolved_opens:
            return None
        words = "|".join(
            f"(?:{p})" for p in (*resolved, *self._resolved_ends, *self._resolved_alone)
        )
        return _compile(
            [f"(?:{self._resolved_opens})(?:{words}){self._resolved_tail}"], self.source, name
        )

    def _resolved_next_pattern(self, resolved: Sequence[str], name: str) -> re.Pattern[str] | None:
        """cues.toml [resolved_after] `alone` right after the cue, the rest of its clause but
        `tail` ("diplopia rientrata", "céphalées amendées"; not "rientrata a domicilio")."""
        if not resolved or not self._resolved_alone:
            return None
        words = "|".join(f"(?:{p})" for p in self._resolved_alone)
        return _compile([rf"[^\S\n]*(?:{words}){self._resolved_tail}"], self.source, name)

    def _build_combined(self, name: str, body: Mapping[str, Any], known: set[str]) -> _Combined:
        groups = tuple(tuple(str(n) for n in group) for group in body.get("all_of", []))
        implies = tuple(str(n) for n in body.get("implies", []))
        none_of = tuple(str(n) for n in body.get("none_of", []))
        kept_by = tuple(str(n) for n in body.get("kept_by", []))
        named = [n for group in groups for n in group] + [*implies, *none_of, *kept_by]
        unknown = [n for n in named if n not in known]
        if name in known or unknown or not groups or not all(groups):
            raise ConfigError(
                self.source,
                f"combined cue {name!r}: a cue's name, no groups, or unknown cues {unknown}",
                field=name,
            )
        return _Combined(name, groups, implies, none_of, kept_by)

    def combine(self, hits: Hits) -> Hits:
        """One row's hits (every column merged) with the [combined] cues they state: one hit of
        each group, in any column and clause.  The combined hit quotes its parts (in the first
        part's field when they share it, else the first part alone); its implied cues are added
        when the row does not state them already."""
        if not self._combined or not hits:
            return hits
        added: dict[str, tuple[CueHit, ...]] = {}
        for combined in self._combined:
            if any(hits.get(name) for name in combined.none_of) and not any(
                hits.get(name) for name in combined.kept_by
            ):
                continue
            parts = [
                next((hit for name in group for hit in hits.get(name, ())), None)
                for group in combined.groups
            ]
            if any(part is None for part in parts):
                continue
            found = [part for part in parts if part is not None]
            first = found[0]
            same = [part for part in found if part.field == first.field]
            quotes = list(dict.fromkeys(part.quote for part in same))
            hit = CueHit(
                combined.name,
                first.field,
                "; ".join(quotes),
                "; ".join(dict.fromkeys(part.matched for part in same)),
            )
            added[combined.name] = (hit,)
            for name in combined.implies:
                if not hits.get(name) and name not in added:
                    added[name] = (hit,)
        return MappingProxyType({**hits, **added}) if added else hits

    def _match(self, field: str, text: str) -> Hits:
        found: dict[str, tuple[CueHit, ...]] = {}
        lowered = text.lower()
        listed = negated_list_spans(text)  # "no headache, diplopia or visual loss"
        # a red flag after a bare comma is not denied ("no galactorrhoea, bitemporal hemianopia")
        enumerated = enumerated_list_spans(text) if listed else ()
        for cue in self._by_field.get(field, ()):
            spans = enumerated if cue.name in self._comma_kept else listed
            hit = self._first_hit(cue, field, text, lowered, spans)
            if hit is not None:
                found[cue.name] = (hit,)
        for cue in self._by_field.get(field, ()):
            if cue.implies and cue.name in found:
                for name in cue.implies:
                    found.setdefault(name, found[cue.name])
        return MappingProxyType(found) if found else NO_HITS

    def _first_hit(
        self, cue: _Cue, field: str, text: str, lowered: str, listed: Sequence[tuple[int, int]]
    ) -> CueHit | None:
        found = _matches(cue, text, lowered)
        hit = self._hit_in(cue, found, field, text, listed, need_context=False)
        if hit is None and cue.contextual is not None:
            found = cue.contextual.finditer(text)
            hit = self._hit_in(cue, found, field, text, listed, need_context=True)
        return hit

    def _hit_in(
        self,
        cue: _Cue,
        matches: Iterable[re.Match[str]],
        field: str,
        text: str,
        listed: Sequence[tuple[int, int]],
        *,
        need_context: bool,
    ) -> CueHit | None:
        for match in matches:
            start, end = match.span()
            if inside(listed, start):
                continue  # an item of a negated list ("no headache, diplopia or visual loss")
            clause_start, clause = _clause(text, start, end, self._clause_split)
            if cue.exclude is not None and cue.exclude.search(clause):
                continue
            if cue.resolved is not None and _resolved(cue, text, clause_start, clause, start, end):
                continue  # gone by now: "diplopia resolved", "diplopia, resolved"
            if cue.asked is not None and self._asked(cue.asked, clause, start - clause_start):
                continue  # asked about, not found: "?visual field loss", "V.a. Doppelbilder"
            if need_context and (cue.context is None or not cue.context.search(clause)):
                continue
            if cue.item_exclude is not None or cue.item_context is not None or cue.item_asked:
                begin, stop = _item_bounds(text, start, end)
                item = text[begin:stop]
                if cue.item_exclude is not None and cue.item_exclude.search(item):
                    continue
                if cue.item_context is not None and not cue.item_context.search(item):
                    continue
                if cue.item_asked is not None and self._asked(cue.item_asked, item, start - begin):
                    continue  # "Fragestellung: Gesichtsfeldausfall"
            if self._negated(clause[: start - clause_start]):
                continue
            while end < len(text) and text[end].isalnum():
                end += 1  # to the end of its word: "Sehstörung|en: keine"
            if cue.asked is not None and self._question_after.match(
                text, end, clause_start + len(clause)
            ):
                continue  # asked, not found: "Gesichtsfeldausfall?", "Sehstörungen? -> Augenarzt"
            if self._negated_after(text[end : clause_start + len(clause)]):
                continue
            if absent_after(text, end):
                continue  # a sign for "absent" after it: "Sehstörungen: Ø", "Galaktorrhoe (-)"
            if (
                self._relatives is not None
                and cue.name in self._relative_cues
                and self._relatives.in_text(text, start, end)
            ):
                continue  # "Schwester Prolaktinom", "FH: DM, hypothyroidism": a relative's
            if (
                self._partners is not None
                and cue.name in self._partner_cues
                and self._partners.in_text(text, start, end)
            ):
                continue  # "Partner mit erektiler Dysfunktion", "wife has amenorrhoea"
            return CueHit(cue.name, field, self._quote(text, start, end), text[start:end])
        return None

    def _asked(self, question: re.Pattern[str], text: str, at: int) -> bool:
        """`question` (a doubt opening a clause or list item: cues.toml [exclude_sets] queried,
        [questions] item) asks about the cue at offset `at` of `text`: it opens `text` and its
        doubt reaches the cue (_doubt_reaches), or it opens the part after the last end of a
        doubt before the cue ("?galactorrhoea - ?headache")."""
        found = question.search(text)
        if found is not None and self._doubt_reaches(text, found.end(), at):
            return True
        last = max((m.end() for m in self._doubt_ends.finditer(text, 0, at)), default=0)
        return last > 0 and question.search(text[last:]) is not None

    def _doubt_reaches(self, text: str, begin: int, at: int) -> bool:
        """A doubt or negation phrase ending at `begin` of `text` ("?", "V.a.", "r/o", "to
        exclude", "Fragestellung:", "no evidence of") reaches `at`: no end of a doubt
        ([questions] ends: " - ", ":", "(", "bei", "with", "con"...) stands between the words
        it names and `at` ("?macroadenoma - bitemporal hemianopia", "Frage nach Hypophysentumor
        bei Gesichtsfeldausfall": the field loss is a finding); one right after the marker ends
        nothing ("query: visual field defect", "r/o: diplopia")."""
        return not any(
            _LETTER.search(text, begin, end.start())
            for end in self._doubt_ends.finditer(text, begin, max(at, begin))
        )

    def _negated(self, before: str) -> bool:
        """A negation word within the window before the cue, or a negation phrase anywhere
        before it in its clause; neither reaches past a `breaks` word ("sin cefalea con
        diplopía": the diplopia is there), unless the phrase ends with it ("Mutter mit"), nor a
        phrase past the end of what it names ("r/o pituitary mass: diplopia")."""
        lowered = _plain(before)
        cut = past = 0  # where the last break starts, and ends ("sin embargo": its "sin" is
        # no negation)
        if self._negation_breaks is not None:
            for found in self._negation_breaks.finditer(lowered):
                cut, past = found.span()
        if self._negation_doubts is not None:
            for found in self._negation_doubts.finditer(lowered, past):
                cut = past = found.end()  # "no se descarta": neither word a denial
        if any(
            phrase in lowered
            and (said := _end_at_word(lowered, phrase)) > cut
            and self._doubt_reaches(lowered, said, len(lowered))
            for phrase in self._negation_phrases
        ):
            return True
        lowered = lowered[past:]
        words = _WORD.findall(lowered)[-self.negation_window :] if self.negation_window else []
        return any(word in self._negation_words for word in words)

    def _negated_after(self, rest: str) -> bool:
        """A negation or exclusion word within `after_window_words` words after the cue ("seizure
        ruled out"), or a `negative` word right after it or its copula ("MRI: negative"); a cancel
        word in between ("not excluded", "nicht ausgeschlossen") keeps the cue.  Neither reaches
        back over a contrast word ("diplopia ma adenoma escluso")."""
        if self._contrast is not None:
            plain = _plain(rest)
            ended = self._contrast.search(plain)
            if ended is not None:
                rest = plain[: ended.start()]
        if self._answers:
            said = tuple(_WORD.findall(_plain(rest)))
            if said[:1] and said[0] in self._copulas:
                said = said[1:]
            if said in self._answers:
                return True
        if not self._after and not self._after_adjacent:
            return False
        longest = max((len(p) for p in (*self._after, *self._after_adjacent)), default=1)
        words = _WORD.findall(_plain(rest))[: self._after_window + 1 + longest]
        adjacent_at = 1 if words and words[0] in self._copulas else 0
        for at in range(min(self._after_window, len(words) - 1) + 1):
            for phrase in (*self._after, *(self._after_adjacent if at == adjacent_at else ())):
                if tuple(words[at : at + len(phrase)]) == phrase:
                    return not any(word in self._cancel for word in words[:at])
        return False

    def _quote(self, text: str, start: int, end: int) -> str:
        _, clause = _clause(text, start, end, _QUOTE_SPLIT)
        clause = " ".join(clause.split())
        if len(clause) <= self.quote_max_chars:
            return clause
        words = " ".join(text[start:end].split())
        at = max(clause.find(words), 0)
        half = max((self.quote_max_chars - len(words)) // 2, 0)
        begin = max(at - half, 0)
        return "…" + clause[begin : begin + self.quote_max_chars].strip() + "…"


def _resolved(cue: _Cue, text: str, clause_start: int, clause: str, start: int, end: int) -> bool:
    """The cue's finding text[start:end] is written as gone by now: the `resolved` words in its
    clause but inside its own words ("zicht links plots verdwenen" is a loss of sight, its
    "verdwenen" no resolution of it), or opening the clause after its comma ("diplopia,
    resolved", cues.toml [resolved_after])."""
    assert cue.resolved is not None
    if any(
        found.start() + clause_start < start or found.end() + clause_start > end
        for found in cue.resolved.finditer(clause)
    ):
        return True
    if cue.resolved_next is not None:
        stop = end
        while stop < len(text) and text[stop].isalnum():
            stop += 1  # to the end of the cue's word: "diplop|ia rientrata"
        if cue.resolved_next.match(text, stop) is not None:
            return True
    clause_end = clause_start + len(clause)
    return (
        cue.resolved_after is not None
        and text.startswith(",", clause_end)
        and cue.resolved_after.match(text, clause_end + 1) is not None
    )


def list_item(text: str, start: int, end: int) -> str:
    """The list item of `text` holding text[start:end]: between ";", "|" or line ends (a comma
    does not end it, so "Hypopituitarismus, substituiert" is one item)."""
    begin, stop = _item_bounds(text, start, end)
    return text[begin:stop]


def _item_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the list item of `text` holding text[start:end] begins and ends (list_item)."""
    begin = max((m.end() for m in _ITEM_END.finditer(text, 0, start)), default=0)
    after = _ITEM_END.search(text, end)
    return begin, after.start() if after else len(text)


def _words_alternation(phrases: Iterable[str]) -> str:
    """A regex of word sequences (plain), longest first, any spaces between their words
    ("sin embargo", "apart from")."""
    ordered = sorted({p.strip() for p in phrases if p.strip()}, key=lambda p: (-len(p), p))
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered)


def _end_at_word(text: str, phrase: str) -> int:
    """Where the last occurrence of `phrase` in `text` that starts a word ends, else -1 ("son:"
    is not in "reason:", "tante:" not in "importante:")."""
    at = text.rfind(phrase)
    while at > 0 and (text[at - 1].isalnum() and phrase[:1].isalnum()):
        at = text.rfind(phrase, 0, at)
    return at + len(phrase) if at >= 0 else -1


def _matches(cue: _Cue, text: str, lowered: str) -> Iterable[re.Match[str]]:
    """The cue's matches in `text`, in order.  The lower-cased text is searched without
    re.IGNORECASE (about twice as fast) when lowering keeps every position (it does except for a
    few letters such as "İ"); case-sensitive patterns ("SHT") are searched in the text itself."""
    if len(lowered) != len(text):
        return cue.pattern.finditer(text)
    found = cue.fast.finditer(lowered) if cue.fast is not None else iter(())
    if cue.exact is None:
        return found
    return sorted((*found, *cue.exact.finditer(text)), key=lambda match: match.start())


def _lower_source(pattern: str) -> str:
    """A regex in lower case for matching lower-cased text; escapes (\\B, \\D, \\S, \\W)
    keep their case."""
    out = []
    escaped = False
    for char in pattern:
        out.append(char if escaped else char.lower())
        escaped = not escaped and char == "\\"
    return "".join(out)


def _clause_splitter(abbreviations: Iterable[object]) -> re.Pattern[str]:
    """_CLAUSE_SPLIT, less the full stops of `abbreviations` ("Z.n.", "St.p.", "Wo."): "Z.n.
    Krampfanfall 2015" is one clause, so that its history word is read with the cue."""
    keep = "".join(
        rf"(?<!\b{re.escape(str(a).lower()[:i])})"
        for a in abbreviations
        for i, char in enumerate(str(a).lower())
        if char == "."
    )
    if not keep:
        return _CLAUSE_SPLIT
    return re.compile(_CLAUSE_SPLIT.pattern.replace(r"\.(?!\d)", keep + r"\.(?!\d)"), re.IGNORECASE)


def _clause(text: str, start: int, end: int, splitter: re.Pattern[str]) -> tuple[int, str]:
    """The clause of `text` around span start:end, and where it starts."""
    clause_start = 0
    for sep in splitter.finditer(text, 0, start):
        clause_start = sep.end()
    after = splitter.search(text, end)
    clause_end = after.start() if after else len(text)
    return clause_start, text[clause_start:clause_end]


def _compile(
    patterns: Sequence[str], source: str, name: str, *, flags: int = re.IGNORECASE
) -> re.Pattern[str]:
    """One regex for the patterns (case-insensitive unless `flags` say otherwise: the lower-case
    copy of a cue is matched against lower-cased text).  Those that start at a word boundary are
    grouped behind one `\\b` and, by their leading letters, into a trie ("kopf(?:trauma|...)"),
    which lets the regex engine reject a position after a few tests: a cue of a hundred patterns
    in six languages then costs little more than one of ten."""
    bounded = [p.removeprefix(r"\b") for p in patterns if p.startswith(r"\b")]
    others = [f"(?:{p})" for p in patterns if not p.startswith(r"\b")]
    if bounded:
        others.insert(0, r"\b" + prefix_trie(bounded))
    try:
        return compile_vocabulary("|".join(others), flags)
    except re.error as exc:
        raise ConfigError(source, f"cue {name!r}: bad pattern: {exc}", field=name) from None


def _phrases(values: object) -> tuple[tuple[str, ...], ...]:
    """Word sequences (plain: no case, no accents) of a list of phrases."""
    items = values if isinstance(values, list) else []
    return tuple(tuple(_WORD.findall(_plain(str(v)))) for v in items if _WORD.search(str(v)))


def require_table(spec: Mapping[str, Any], name: str, source: str) -> Mapping[str, Any]:
    value = spec.get(name)
    if not isinstance(value, Mapping):
        raise ConfigError(source, f"missing table [{name}]", field=name)
    return value


def _number(table: Mapping[str, Any], name: str, source: str) -> float:
    value = table.get(name)
    if not isinstance(value, int | float):
        raise ConfigError(source, f"missing number {name!r}", field=name)
    return float(value)


def load_cue_book(path: Path | None = None) -> CueBook:
    """The cue vocabulary from `path` (default: the bundled triage/data/cues.toml)."""
    if path is None:
        return _bundled_cue_book()
    return CueBook(toml_cache.load(path), source=path.name)


@cache
def _bundled_cue_book() -> CueBook:
    return CueBook(toml_cache.load(data_file(CUES_FILE)), source=CUES_FILE)


def merge_hits(columns: Iterable[list[Hits]], n_rows: int) -> list[Hits]:
    """Per row, the hits of every column merged: cue -> hits in column order.  Merged once per
    distinct combination of the columns' Hits objects (by identity: a column shares one object
    between the cells that say the same); rows with the same combination share the merged
    mapping (never changed after)."""
    columns = list(columns)
    if not columns or not n_rows:
        return [NO_HITS] * n_rows
    ids = [np.fromiter(map(id, column), dtype=np.uint64, count=n_rows) for column in columns]
    codes, first = distinct_rows(ids)  # `columns` keeps every Hits object alive
    merged = [merge_row([column[i] for column in columns]) for i in first.tolist()]
    return [merged[code] for code in codes.tolist()]


def merge_row(hits: Sequence[Hits]) -> Hits:
    """One row's hits of every column merged: cue -> hits in column order."""
    row: dict[str, tuple[CueHit, ...]] | None = None
    for found in hits:
        if found is NO_HITS or not found:
            continue
        if row is None:
            row = {}
        for cue, quoted in found.items():
            row[cue] = row.get(cue, ()) + quoted
    return NO_HITS if row is None else row
