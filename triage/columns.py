"""Which canonical field each header of a lab export holds.

Headers are compared with the synonyms of triage/data/synonyms.toml after normalisation (case,
accents, spacing, punctuation, and any unit in brackets set apart: ``PRL (mIU/L)`` is the field
``prolactin`` with the unit ``mIU/L``).  An exact synonym beats a word rule; a field is given
to one header only, the better match, and the other contenders are reported.  The mapping
file (``[columns]``) fixes any field to a header by hand and takes precedence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Final

from triage.schema import INPUT_FIELDS
from triage.values import normalise_unit, synonyms_data

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


def _words_of(text: str) -> str:
    """Header words: lower case, accents gone, dots/apostrophes dropped, "%" -> "percent"."""
    s = unicodedata.normalize("NFKC", text.replace("Âµ", "µ"))
    s = s.replace("β", " beta ").replace("%", " percent ").replace("#", " no ").replace("№", " no ")
    s = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", s)  # camelCase -> camel Case
    s = unicodedata.normalize("NFKD", s.replace("ß", "ss"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"(?<=[a-z]{2})\.(?=[a-z]{2})", " ", s)  # "Choriogonadotropin.beta", "Ref.range"
    s = re.sub(r"[.'’`]", "", s)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", s).split())


def _is_unit(text: str) -> bool:
    stripped = text.strip(" ,;:-")
    return bool(stripped) and (
        normalise_unit(stripped) is not None or _OTHER_UNIT.fullmatch(stripped) is not None
    )


@cache
def _ignored_brackets() -> frozenset[str]:
    return frozenset(_words_of(b) for b in synonyms_data()["header"]["ignored_brackets"])


@lru_cache(maxsize=4096)
def parse_header(text: str) -> HeaderText:
    """Split a header into its words and the unit it names (in brackets or at its end)."""
    raw = " ".join(str(text).split())
    ignored = _ignored_brackets()
    brackets = [b for b in _BRACKETS.findall(raw) if _words_of(b) not in ignored]
    outside = _BRACKETS.sub(" ", raw)
    unit = next((b.strip() for b in brackets if _is_unit(b)), "")
    pieces = outside.replace(",", " , ").split()
    while pieces and pieces[-1] in {",", "-", ":"}:
        pieces.pop()
    if len(pieces) > 1 and _is_unit(pieces[-1]):
        unit = unit or pieces[-1].strip(" ,;:-")
        pieces.pop()
    main = _words_of(" ".join(pieces))
    inside = _words_of(" ".join(brackets))
    return HeaderText(
        text=raw,
        main=main,
        full=f"{main} {inside}".strip(),
        tokens=frozenset(main.split()),
        bracket_tokens=frozenset(inside.split()),
        unit=unit,
    )


def header_words(text: str) -> str:
    """Every word of a header, bracket contents and unit included: "Macroprolactin %" ->
    "macroprolactin percent" (``parse_header(...).main`` drops the unit)."""
    return _words_of(" ".join(str(text).split()))


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


def _ranked(items: Sequence[str]) -> dict[str, int]:
    ranked: dict[str, int] = {}
    for rank, item in enumerate(items):
        ranked.setdefault(_words_of(item), rank)
    return ranked


def parse_rule(rule: str) -> tuple[frozenset[str], ...]:
    """``"ref|reference + low|lower"`` -> ({ref, reference}, {low, lower})."""
    return tuple(
        frozenset(w.strip() for w in group.split("|") if w.strip()) for group in rule.split("+")
    )


@cache
def field_specs() -> dict[str, FieldSpec]:
    """Every recognisable field, canonical and internal, from synonyms.toml."""
    specs: dict[str, FieldSpec] = {}
    for name, data in synonyms_data()["fields"].items():
        specs[name] = FieldSpec(
            name=name,
            synonyms=_ranked(data.get("synonyms", [])),
            weak=_ranked(data.get("weak", [])),
            rules=tuple(parse_rule(rule) for rule in data.get("tokens", [])),
            exclude=frozenset(data.get("exclude", [])),
            shape=data.get("shape"),
            internal=bool(data.get("internal", False)),
            fallback=data.get("fallback"),
        )
    return specs


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
def _stopwords() -> frozenset[str]:
    return frozenset(synonyms_data()["header"]["stopwords"])


def score(header: HeaderText, spec: FieldSpec) -> float:
    """How well a header names a field: 100 exact, ~60 by word rule, 40 weak, 0 not at all."""
    for text in (header.main, header.full):
        rank = spec.synonyms.get(text)
        if rank is not None:
            return EXACT_SCORE - RANK_STEP * rank - (0.5 if text is header.full else 0.0)
    best = 0.0
    words = header.tokens | header.bracket_tokens
    if spec.rules and not (spec.exclude & words):
        for rule in spec.rules:
            if all(group & words for group in rule):
                used = frozenset().union(*rule)
                extras = header.tokens - used - _stopwords()
                value = RULE_SCORE + RULE_GROUP_BONUS * len(rule) - RULE_EXTRA_PENALTY * len(extras)
                best = max(best, max(value, RULE_MIN_SCORE))
    if best:
        return best
    weak_rank = spec.weak.get(header.main)
    if weak_rank is not None:
        return WEAK_SCORE - RANK_STEP * weak_rank
    return 0.0


@lru_cache(maxsize=4096)
def candidates(text: str) -> tuple[tuple[str, float], ...]:
    """(field, score) pairs for one header text, best first."""
    header = parse_header(text)
    if not header.main and not header.full:
        return ()
    found = [(name, score(header, spec)) for name, spec in field_specs().items()]
    return tuple(sorted(((n, s) for n, s in found if s > 0), key=lambda pair: -pair[1]))


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
    recognised = 0
    for text in texts:
        forced_field = forced_keys.get(_loose(text))
        strong = [f for f, s in candidates(text) if s >= STRONG_SCORE]
        if forced_field:
            strong = [forced_field, *strong]
        if strong or any(s >= WEAK_SCORE for _, s in candidates(text)):
            recognised += 1
        fields_seen.update(strong)
    has_long = bool(fields_seen & set(LONG_MARKERS)) and "result" in fields_seen
    return RowScore(recognised, "prolactin" in fields_seen, has_long, len(texts))


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

    def header_of(self, name: str) -> str:
        return self.headers[self.fields[name]]

    def mapping(self) -> dict[str, str]:
        """field -> header text, in column order."""
        ordered = sorted(self.fields.items(), key=lambda item: item[1])
        return {name: self.headers[col] for name, col in ordered}


def detect_shape(headers: Sequence[str]) -> str:
    """ "long" when there are test (or code / LOINC) and result columns and no prolactin one."""
    strong: set[str] = set()
    for text in headers:
        strong.update(f for f, s in candidates(text) if s >= STRONG_SCORE)
    if "prolactin" in strong:
        return "wide"
    if strong & set(LONG_MARKERS) and "result" in strong:
        return "long"
    return "wide"


def recognise_columns(
    headers: Sequence[object], forced: Mapping[str, str] | None = None
) -> ColumnMatch:
    """Give each field at most one header (and each header at most one field).

    ``forced`` (mapping file ``[columns]``: field -> header text) is applied first; a header it
    names that the row lacks raises ``MappedHeaderMissing``.  Then candidates are taken best
    first; a field that two headers claim goes to the better (then the leftmost) and the other is
    reported in ``warnings`` and stays unmapped.
    """
    texts = [" ".join(h.split()) if isinstance(h, str) else "" for h in headers]
    match = ColumnMatch(headers=texts)
    taken_cols = _apply_forced(match, forced or {})
    match.shape = _shape_with_forced(texts, match)
    pool = _candidate_pool(texts, match.shape, taken_cols, set(match.fields))
    losers: list[tuple[str, int]] = []
    for value, col, name in pool:
        if name in match.fields:
            if value >= STRONG_SCORE and col not in taken_cols:
                losers.append((name, col))
            continue
        if col in taken_cols:
            continue
        match.fields[name] = col
        taken_cols.add(col)
    _post_process(match)
    for name, col in losers:
        if col not in set(match.fields.values()):
            match.warnings.append(
                f"header {texts[col]!r} also looks like {name}; used {match.header_of(name)!r}"
            )
    match.header_units = {
        name: parse_header(texts[col]).unit
        for name, col in match.fields.items()
        if parse_header(texts[col]).unit
    }
    used = set(match.fields.values())
    match.unmapped = [t for col, t in enumerate(texts) if t and col not in used]
    return match


def _apply_forced(match: ColumnMatch, forced: Mapping[str, str]) -> set[int]:
    taken: set[int] = set()
    loose = [_loose(t) for t in match.headers]
    words = [parse_header(t).full for t in match.headers]
    for name, header in forced.items():
        wanted = _loose(header)
        col = next((i for i, t in enumerate(loose) if t and t == wanted), None)
        if col is None:
            alt = parse_header(header).full
            col = next((i for i, w in enumerate(words) if w and w == alt), None)
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


def _candidate_pool(
    texts: Sequence[str], shape: str, taken_cols: set[int], taken_fields: set[str]
) -> list[tuple[float, int, str]]:
    specs = field_specs()
    pool: list[tuple[float, int, str]] = []
    for col, text in enumerate(texts):
        if not text or col in taken_cols:
            continue
        for name, value in candidates(text):
            spec = specs[name]
            if name in taken_fields:
                continue
            if shape == "wide" and spec.shape == "long":
                continue
            if shape == "long" and name in WIDE_ONLY:
                continue
            pool.append((value, col, name))
    pool.sort(key=lambda item: (-item[0], item[1]))
    return pool


def _post_process(match: ColumnMatch) -> None:
    """Time-only column without a date column is the collection time; id fallbacks."""
    fields = match.fields
    if "collected_time" in fields and "collected_at" not in fields:
        fields["collected_at"] = fields.pop("collected_time")
    for name, spec in field_specs().items():
        if spec.fallback and name not in fields and spec.fallback in fields:
            fields[name] = fields[spec.fallback]
            header = match.headers[fields[name]]
            match.warnings.append(f"no {name} column: {header!r} ({spec.fallback}) is used instead")
