"""Long (LIS) exports: one row per test becomes one canonical row per prolactin result.

Each row's test is found from the mapping file's own test codes ([tests]), then its LOINC code,
then its test name, then its test code (synonyms.toml [long_tests.*]); the row's unit decides
between them and may change the test (post-PEG prolactin in "%" is the PEG recovery, a PEG row in
ng/mL the monomeric prolactin); a row whose unit contradicts every test it could be (prolactin in
"%") is rejected, never read in a wrong unit. Prolactin rows are read
like wide rows (result -> prolactin, unit -> its unit). Rows of TSH, free T4, eGFR, creatinine,
hCG, PEG recovery / percent macroprolactin and monomeric (post-PEG) prolactin attach as context
to the prolactin row of the same patient and the same specimen; failing that the same collection
time; failing that the same day (the nearest in time); failing that, the prolactin result(s) of
the same patient dated within the window of the line's kind (synonyms.toml join_before /
join_after: _apart_context), cited with the line's date. Percent macroprolactin (LOINC 51441-4) is
stored as recovery = 100 - value. Patient-level cells (name, sex, birth date, medication ...)
missing on the prolactin row are taken from the rows of its group.

Rows of tests that attach to no prolactin result, or of tests the tool does not use, are
rejected as ``other_test``; attached rows count as triaged (design.md, Stage 1).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Final

import numpy as np
import pandas as pd

from triage.columns import (
    CONVERSION_SPREAD_MAX,
    NamedFinding,
    finding_note,
    gated_name,
    header_vocabulary,
    header_words,
    is_diluted_prolactin,
    named_finding,
    parse_header,
    parse_rule,
    screen_result_word,
    timed_series_stems,
    unit_kind,
)
from triage.io.layout import RawTable, cut_by_blank_rows
from triage.io.state_cells import kidney_words
from triage.io.unknown_units import unknown_unit_urgency
from triage.io.wide import (
    LAB_UNIT_FIELDS,
    LAB_WORD_FIELDS,
    RENAL_WORD_FIELDS,
    BuildResult,
    BuildSettings,
    bare_lab_values,
    build_frame,
    creatinine_for_engine,
    date_column,
    implausible_creatinine,
    lab_unit_factor,
    typed_column,
    unconverted_monomeric,
)
from triage.knowledge.drugs import drug_matcher
from triage.knowledge.loaders import (
    DEFAULT_SET_NAME,
    list_reference_sets,
    load_drugs,
    load_reference_set,
    load_thresholds,
)
from triage.numbers import DAYS_PER_YEAR, fmt
from triage.schema import FLAG_FIELDS, TEXT_FIELDS, InputFileError, Rejected, Withdrawal
from triage.values import (
    NOT_AN_ANSWER,
    PERCENT_FULL,
    Interval,
    UnitInfo,
    age_header_scale,
    cell_interval,
    cell_text,
    coded_words,
    complement_percent,
    context_ranges,
    flag_direction,
    fraction_of_one,
    hcg_positive,
    hcg_unread_unit,
    hcg_unread_warning,
    header_says_percent,
    infer_decimal_mark,
    is_empty_value,
    is_missing_code,
    lab_word,
    normalise_unit,
    normalise_word,
    parse_interval,
    parse_quantity,
    parse_yes_no,
    scaled_concentration,
    sex_pair_interval,
    synonyms_data,
    yes_no_answer,
)

TEST_FIELDS: Final = ("test", "test_code", "loinc", "result", "unit")
PER_TEST_FIELDS: Final = (
    *TEST_FIELDS,
    "reference_range",
    "reference_low",
    "reference_high",
    "lab_flag",
    "result_qualifier",
)
IDENTITY: Final = (
    "patient_id",
    "patient_name",
    "sex",
    "birth_date",
    "age_years",
    "age_unit",
    "specimen_id",
    "collected_at",
    "visit",
)
# context numbers kept with their "<" / ">" (a PEG recovery "<40 %" is macroprolactin present)
QUALIFIED: Final = frozenset({"tsh", "egfr", "macroprolactin_recovery_pct"})
_NO_DELTA: Final = np.iinfo(np.int64).max
_LOINC: Final = re.compile(r"\d{1,7}-\d")  # a LOINC code written in a test code column
# A LOINC code as exports write it: "2842-3", "LN:2842-3", "LOINC 2842-3", "2842-3 (LOINC)",
# "2842-3^Prolactin^LN", "02842-3" (zero-padded).
_LOINC_IN: Final = re.compile(
    r"\s*(?:LN|LOINC)?\s*[:#]?\s*0*(\d{1,7}-\d)(?:\s*\(?(?:LN|LOINC)\)?|\^[^^]*\^(?:LN|LOINC))?\s*",
    re.IGNORECASE,
)


def _loinc_key(text: str) -> str:
    """The LOINC code of a cell as exports write it (see _LOINC_IN), else the cell stripped."""
    found = _LOINC_IN.fullmatch(text)
    return found.group(1) if found else text.strip()


@dataclass(frozen=True)
class LabTest:
    """One kind of test a long row may hold."""

    name: str
    field: str
    complement: bool
    loinc: frozenset[str]
    codes: frozenset[str]
    names: frozenset[str]
    rules: tuple[tuple[frozenset[str], ...], ...]
    exclude: frozenset[str]
    units: frozenset[str] = frozenset()  # unit kinds it is reported in (empty: any)
    by_unit: tuple[tuple[str, str], ...] = ()  # unit kind -> the test such a row is instead
    weak: frozenset[str] = frozenset()  # name / code keys that need a unit of the test
    label: str = ""  # the test as messages name it
    unit_text: str = ""  # its units as messages name them
    prefix: str = ""  # a text result is joined to the notes after this ("Macroprolactin: ")
    in_words: str = ""  # the test a result in words is ("PEG recovery" = "negative": a screen)
    ambiguous: str = ""  # a number is only a note, this text after it (direction not stated)
    bare_number: str = ""  # the test a number with no unit at all is ("Macroprolactin" = "30")
    # a line whose note is "<name as written>: <result>" (a cortisol, a testosterone), with
    # ``morning_note`` first when it was collected in the morning (a cortisol: _named_notes)
    named_note: bool = False
    morning_note: str = ""
    soft_exclude: frozenset[str] = frozenset()  # words that veto it unless one of ``unless`` is
    unless: frozenset[str] = frozenset()  # there ("Prolaktin nach Ruhe": a rested repeat)
    agents: frozenset[str] = frozenset()  # ... and none of these ("nach Belastung", a drug)
    # a line named after a finding or an examination ("Headache", "Visual fields"): its name as
    # written and what the name means (read into comments as such a column is, _finding_test)
    finding: NamedFinding | None = None
    header: str = ""
    # a line of another collection joins a prolactin result dated at most these thresholds.toml
    # days after / before it ("": never on that side), its nearest one only or every one, and
    # its date is cited after its text as "(<join_note> <date>)" (_apart_context)
    join_before: str = ""
    join_after: str = ""
    join_nearest: bool = False
    join_note: str = ""
    # the synonyms.toml table of its header words (``vocabulary``), whose ``unit_gated`` short
    # names name it only in one of its ``gated_units`` ("T" in nmol/L: a testosterone)
    vocabulary: str = ""
    # a row in a concentration unit on another scale of the test's quantity (pmol/L, ng/dL,
    # mIU/mL: values.scaled_concentration) is still this test, not another's: its builder rejects
    # it as unknown_unit and lists it with the urgent results when it converts above the level,
    # as a wide file's column in such a unit
    other_scales: bool = False

    def vetoed(self, words: frozenset[str]) -> bool:
        """Whether a name's words say it is not this test ("Prolactin after PEG", "Prolaktin
        30 min nach Paspertin", "Prolactin after TRH (repeat)"; not "Prolactine après repos": a
        rested repeat of the same test)."""
        if self.exclude & words:
            return True
        if not self.soft_exclude & words:
            return False
        return not self.unless & words or bool((self.agents | {DRUG_MARK}) & words)


def _code_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def _listed(lists: list[str]) -> frozenset[str]:
    """The words of the synonyms.toml [header] lists a long test's ``exclude_from`` names (the
    derived-value words: "Prolactin AUC", "log prolactin", "Prolaktin Mittelwert")."""
    header = synonyms_data()["header"]
    return frozenset(w for name in lists for w in header[name])


@cache
def lab_tests() -> tuple[LabTest, ...]:
    """The long-shape tests of synonyms.toml, in the order they are tried."""
    specs = []
    for name, data in synonyms_data()["long_tests"].items():
        words = header_vocabulary(data["vocabulary"]) if "vocabulary" in data else None
        specs.append(
            LabTest(
                name=name,
                field=data["field"],
                complement=data.get("transform") == "complement",
                loinc=frozenset(str(code).strip() for code in data.get("loinc", [])),
                codes=frozenset(_code_key(code) for code in data.get("codes", [])),
                names=frozenset(header_words(n) for n in data.get("names", []))
                | frozenset(words.synonyms if words else ()),
                rules=tuple(parse_rule(rule) for rule in data.get("tokens", []))
                + (words.rules if words else ()),
                exclude=frozenset(data.get("exclude", []))
                | (words.exclude if words else set())
                | _listed(data.get("exclude_from", [])),
                soft_exclude=frozenset(data.get("soft_exclude", [])),
                unless=frozenset(data.get("unless", [])),
                agents=frozenset(data.get("agents", [])),
                units=frozenset(data.get("units", [])),
                label=data.get("label", name),
                unit_text=data.get("unit_text", ""),
                prefix=data.get("prefix", ""),
                in_words=data.get("in_words", ""),
                ambiguous=data.get("ambiguous", ""),
                bare_number=data.get("bare_number", ""),
                named_note=bool(data.get("named_note", False)),
                morning_note=data.get("morning_note", ""),
                by_unit=tuple(sorted(data.get("by_unit", {}).items())),
                weak=frozenset(
                    key
                    for w in data.get("weak", [])
                    for key in (header_words(w), _code_key(w))
                    if key
                ),
                join_before=data.get("join_before", ""),
                join_after=data.get("join_after", ""),
                join_nearest=bool(data.get("join_nearest", False)),
                join_note=data.get("join_note", ""),
                vocabulary=data.get("vocabulary", ""),
                other_scales=bool(data.get("other_scales", False)),
            )
        )
    return tuple(specs)


def _spec_named(name: str) -> LabTest:
    return next(s for s in lab_tests() if s.name == name)


def _in_unit(spec: LabTest, kind: str | None) -> LabTest | None:
    """The test a row found as ``spec`` is when reported in a unit of ``kind``: itself, the
    test of its ``by_unit`` (PEG recovery in ng/mL: monomeric prolactin), or None (the unit
    contradicts it).  No unit, or a unit of no known kind, contradicts nothing."""
    if kind is None or not spec.units or kind in spec.units:
        return spec
    other = dict(spec.by_unit).get(kind)
    if other is None:
        return None
    target = _spec_named(other)
    return target if not target.units or kind in target.units else None


def local_tests(tests: Mapping[str, str]) -> dict[str, LabTest]:
    """The mapping file's [tests] (local code -> field) as code key -> the test it is."""
    catalogue = lab_tests()
    out: dict[str, LabTest] = {}
    for code, field in tests.items():
        complement = field == "macroprolactin_pct"
        wanted = "macroprolactin_recovery_pct" if complement else field
        spec = next(
            (s for s in catalogue if s.field == wanted and s.complement == complement), None
        )
        if spec is not None and _code_key(code):
            out[_code_key(code)] = spec
    return out


def classify_test(
    loinc: str,
    code: str,
    name: str,
    local: Mapping[str, LabTest] | None = None,
    unit: str = "",
) -> LabTest | None:
    """Which test a row holds (None: none the triage uses, or its unit contradicts it)."""
    return identify_test(loinc, code, name, local, unit)[0]


def identify_test(
    loinc: str,
    code: str,
    name: str,
    local: Mapping[str, LabTest] | None = None,
    unit: str = "",
) -> tuple[LabTest | None, str]:
    """(test, why not) of a row.  Candidates, best first: the mapping file's local codes
    (``local``, code key -> test; the code or the name cell), LOINC (also when the code column
    holds one), the test name (exact, weak, then words), the test code (exact, weak, then
    words).  The first candidate the row's unit fits (directly or by its ``by_unit``) is the
    test.  When candidates were found but the unit fits none, the test is None and the second
    item says why (the row is rejected, not read in a wrong unit)."""
    named = parse_header(name).unit if name.strip() and not unit.strip() else ""
    if named and unit_kind(named) is not None:
        # no unit beside the result: the one its name writes ("MPRL %", "Kreatinin (mg/dl)")
        # tells the test when it fits one, else the row is read as having none
        spec, _ = identify_test(loinc, code, name, local, named)
        if spec is not None:
            return spec, ""
    kind = unit_kind(unit) if unit.strip() else None
    found = _candidates(loinc, code, without_inclusions(name), local, kind, unit)
    for spec in found:
        fitted = _in_unit(spec, kind)
        if fitted is not None:
            return fitted, ""
    if not found:
        weak = _weak_without_unit(code, name, kind)
        finding = _finding_test(name.strip() or code.strip()) if not weak and kind is None else None
        return finding, weak
    if scaled_concentration(unit):
        scaled = next((spec for spec in found if spec.other_scales), None)
        if scaled is not None:  # its builder rejects it as unknown_unit (urgent once converted)
            return scaled, ""
    first = found[0]
    return None, (
        f"reported in {unit.strip()!r}, which is not a unit of {first.label} "
        f"({first.unit_text}): the result is not used"
    )


# What a test's name says it includes ("Prolaktin (inkl. Makroprolaktin-Screening)", "Prolactin
# incl. macroprolactin screen", "Prolactine (y compris recherche de macroprolactine)"): the test
# is the one named first, the words after are no veto.
_INCLUDING: Final = re.compile(
    r"\s*[(\[,;]?\s*\b(?:incl|including|inkl|inklusive|einschl|einschlie(?:ss|ß)lich|y\s+compris|"
    r"incluye|incluid[oa]|inclus[oa]|incluso|compres[oa]|inclusief)\b.*$",
    re.IGNORECASE,
)


def without_inclusions(name: str) -> str:
    """A test's name without what it says it includes (_INCLUDING)."""
    return _INCLUDING.sub("", name) if name else name


def _candidates(
    loinc: str,
    code: str,
    name: str,
    local: Mapping[str, LabTest] | None,
    kind: str | None,
    unit: str = "",
) -> list[LabTest]:
    """The tests a row's LOINC, name and code point to, best first (may repeat); a short name
    only in a unit of its test ("T" in nmol/L: columns.gated_name)."""
    out: list[LabTest] = []
    for text in (code, name) if local else ():
        found = local.get(_code_key(text)) if local and text.strip() else None
        if found is not None:
            out.append(found)
    catalogue = lab_tests()
    name_words = _words(name)
    for loinc_key in (_loinc_key(loinc), _loinc_key(code) if _LOINC_IN.fullmatch(code) else ""):
        if loinc_key:  # a name vetoing the code's test ("Prolactin post PEG" coded 2842-3) wins
            out += [s for s in catalogue if loinc_key in s.loinc and not s.vetoed(name_words)]
    if _LOINC_IN.fullmatch(name):  # the name is the code ("2842-3", "LN:2842-3": merged exports)
        out += [s for s in catalogue if _loinc_key(name) in s.loinc]
    keys = _name_keys(name)
    out += [spec for exact in keys for spec in catalogue if exact in spec.names]
    out += [
        spec for exact in keys for spec in catalogue if exact in spec.weak and _confirms(spec, kind)
    ]
    if unit.strip():
        out += [
            spec
            for exact in keys
            for spec in catalogue
            if spec.vocabulary and gated_name(spec.vocabulary, exact, unit)
        ]
    out += _by_rules(name_words, catalogue)
    if not code.strip() and name.strip():  # a "Test" column holding the LIS's codes ("PROL")
        name_key = _code_key(name)
        out += [spec for spec in catalogue if name_key in spec.codes]
        out += [spec for spec in catalogue if name_key in spec.weak and _confirms(spec, kind)]
    key = _code_key(code)
    by_code: list[LabTest] = []
    if key:
        by_code += [spec for spec in catalogue if key in spec.codes]
        by_code += [spec for spec in catalogue if key in spec.weak and _confirms(spec, kind)]
    by_code += _by_rules(_words(code), catalogue)
    # A name that holds a word vetoing the code's test ("CREA" / "Créatinine urinaire",
    # "PRLPEG" / "Récupération PEG") overrules the code.
    out += [spec for spec in by_code if not spec.vetoed(name_words)]
    return out


@lru_cache(maxsize=1024)
def _finding_test(name: str) -> LabTest | None:
    """A line no test claims whose name names a finding or an examination as a column header
    may (columns.named_finding: "Headache", "Sehstörung", "Galactorrhoea", "Visual fields",
    "Perimetrie"): read into comments as such a column is, a yes as the finding, a no as
    nothing, other text as a note of the name (columns.finding_note).  Only lines with no unit
    of measure (a number in a unit is another test's result)."""
    named = named_finding(name) if name else None
    if named is None:
        return None
    notes = _spec_named("clinical_notes")
    symptoms = _spec_named("symptoms")  # a finding reported apart from the draw: a symptom's
    return replace(
        notes,
        join_before=symptoms.join_before,
        join_after=symptoms.join_after,
        name=f"finding {name}",
        label=name,
        loinc=frozenset(),
        codes=frozenset(),
        names=frozenset(),
        rules=(),
        finding=named,
        header=name,
    )


def _weak_without_unit(code: str, name: str, kind: str | None) -> str:
    """Why a row named only by a weak name or code ("PEG", "FG") is not used."""
    keys = {*_name_keys(name), _code_key(code)} - {""}
    for spec in lab_tests():
        if keys & spec.weak and not _confirms(spec, kind):
            return (
                "the name or code alone does not tell which test this is, and the row has no "
                f"unit that does ({spec.label}: {spec.unit_text}): the result is not used"
            )
    return ""


DRUG_MARK: Final = "\x00drug"  # a name's word when it names a drug (no cell's word is)


@cache
def _soft_words() -> frozenset[str]:
    return frozenset().union(*(spec.soft_exclude for spec in lab_tests()))


@lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    """A test name's words, with ``DRUG_MARK`` when an "after" word stands in it beside a drug
    the lexicon knows ("Prolaktin 30 min nach Paspertin": a stimulation test)."""
    if not text.strip():
        return frozenset()
    header = parse_header(text)
    words = frozenset(header.tokens | header.bracket_tokens)
    if words & _soft_words() and drug_matcher(load_drugs()).find(text):
        return words | {DRUG_MARK}
    return words


def _by_rules(words: frozenset[str], catalogue: Sequence[LabTest]) -> list[LabTest]:
    if not words:
        return []
    return [
        spec
        for spec in catalogue
        if not spec.vetoed(words)
        and any(all(group & words for group in rule) for rule in spec.rules)
    ]


def _confirms(spec: LabTest, kind: str | None) -> bool:
    """A weak name or code counts only when the row's unit is one of the test's (or of its
    ``by_unit``): "FG" in mL/min is the eGFR, "FG" alone may be fasting glucose."""
    return kind is not None and (kind in spec.units or kind in dict(spec.by_unit))


def _name_keys(name: str) -> list[str]:
    """A test name as compared with the catalogue's names: all its words, and without its unit
    when the unit is all it adds ("Prolactin (ng/mL)"; but not "PRL (post PEG)")."""
    if not name.strip():
        return []
    keys = [header_words(name)]
    header = parse_header(name)
    unit_words = set(header_words(header.unit).split()) if header.unit else set()
    if header.unit and header.bracket_tokens <= unit_words:
        keys.append(header.main)
    return keys


@dataclass
class LongResult:
    """The canonical rows of a long export."""

    frame: pd.DataFrame
    rejected: list[Rejected]
    rows_triaged: int
    warnings: list[str]
    # what the rows' result statuses do to earlier files' results (BuildResult.corrections)
    corrections: list[Withdrawal] = dataclasses.field(default_factory=list)


@dataclass
class _Context:
    """Parsed context rows (positions into the table)."""

    positions: np.ndarray
    fields: np.ndarray  # canonical field per row
    values: np.ndarray  # float (NaN for hcg)
    qualifiers: np.ndarray
    texts: np.ndarray  # hcg text as written; a result in words (LAB_WORD_FIELDS)
    units: np.ndarray  # normalise_unit info, None, or a monomeric prolactin unit text unknown
    # the LOINC code of each row (its LOINC column, else a LOINC written in its code column),
    # None when it gives none: kept for the tests whose code says more than the value (LOINC_KEPT)
    loincs: np.ndarray | None = None
    # the lab's own upper limit on each monomeric (post-PEG) prolactin line, in the line's unit
    # as written (its reference cell: "< 0,60"), NaN elsewhere (_post_peg_limits)
    post_peg_high: np.ndarray | None = None
    # the lab's own (low, high) interval on each TSH and free T4 line, in the engine's unit as
    # the value is (its reference cell, its limit cells, else an interval in the result cell:
    # "5,1 (0,4-6,0)"), NaN elsewhere (_context_limits)
    lab_limits: np.ndarray | None = None

    # each line's windows for joining a result of another collection (LabTest.join_*): days in
    # ns before and after the draw (-1: never on that side), nearest result only, its citation
    joins: _Joins | None = None
    # the decimal mark the lines' results are read with (an hCG "1.250" beside "136,8": 1250)
    decimal: str | None = None
    # each line's lab flag says high (an hCG the lab flagged H is never read as negative)
    flagged_high: np.ndarray | None = None


@dataclass(frozen=True)
class _Joins:
    """Per context line, how it may join a prolactin result of another collection."""

    before: np.ndarray  # int64 ns: the line dated at most this long before the draw (-1: never)
    after: np.ndarray  # int64 ns: ... at most this long after it (-1: never)
    nearest: np.ndarray  # bool: the nearest result only (a chronic measure's value)
    note: np.ndarray  # object: how its date is cited after its text ("recorded")

    def take(self, which: np.ndarray) -> _Joins:
        """These windows at positions ``which`` (one per line, from one per test)."""
        return _Joins(self.before[which], self.after[which], self.nearest[which], self.note[which])


def _window_ns(name: str) -> int:
    """A thresholds.toml window in days as int64 nanoseconds; -1 for none ("")."""
    if not name:
        return -1
    days = load_thresholds().get(name)
    return int(np.timedelta64(int(days), "D").astype("timedelta64[ns]").astype(np.int64))


def _joins_of(used: Sequence[LabTest]) -> _Joins:
    return _Joins(
        before=np.array([_window_ns(s.join_before) for s in used], dtype=np.int64),
        after=np.array([_window_ns(s.join_after) for s in used], dtype=np.int64),
        nearest=np.array([s.join_nearest for s in used], dtype=bool),
        note=_objects([s.join_note for s in used]),
    )


def read_long(table: RawTable, settings: BuildSettings) -> LongResult:
    """Turn a long table into canonical rows (prolactin) with their context attached."""
    warnings: list[str] = []
    _fill_identity_down(table, warnings)
    _fill_identity_by_specimen(table, warnings)
    specs, spec_of_row, why_not = _classify_rows(table, local_tests(settings.tests))
    fields = np.array([s.field for s in specs] + [""], dtype=object)[spec_of_row]
    if len(table) and not (fields == "prolactin").any():
        raise _no_prolactin_test(table)
    collected, notes = _collected(table, settings)
    warnings.extend(notes)
    patient, specimen = _keys(table)
    group = _group_ids(patient, specimen, collected)
    merged = _take_diluted_results(table, fields, why_not, group, warnings)
    timed = _refuse_timed_series(
        table, fields, why_not, settings.tests, warnings, _patient_days(patient, collected)
    )
    twice = _same_result_in_two_units(table, fields, group, warnings)
    details = _patient_details(table, fields, collected, warnings)
    _fill_from_group(table, group, fields == "prolactin")
    prolactin_pos = np.flatnonzero(fields == "prolactin")
    built = build_frame(_prolactin_table(table, prolactin_pos, warnings), settings, release=True)
    warnings.extend(built.warnings)
    rejected = [*built.rejected, *twice]
    rejected += [
        Rejected(
            table.file,
            table.sheet,
            int(table.source_rows[i]),
            "other_test",
            details.get(int(i)) or _unused_detail(table, int(i), str(why_not[i])),
        )
        for i in np.flatnonzero(fields == "")
    ]
    if timed.any():
        rejected = _series_urgency(table, rejected, timed)
    context, bad = _parse_context(table, specs, spec_of_row, fields, settings.decimal)
    _named_notes(table, specs, spec_of_row, context, collected)
    rejected += bad
    warnings += _not_interpreted(context)
    attached = _attach(context, prolactin_pos, built, patient, specimen, collected, table, rejected)
    keyless = (patient[context.positions] == "") & (specimen[context.positions] == "")
    if keyless.any() and len(prolactin_pos):
        warnings.append(
            f"no column identifies the patient (patient id, specimen number, or name + birth "
            f"date): {int(keyless.sum())} row(s) of other tests were not attached to any "
            "prolactin result (rejected as other_test); name the patient column in a column "
            'mapping file ([columns] patient_id = "<header>")'
        )
    lines = attached.drop_duplicates("c")  # a line joined to every copy of its result
    loose = lines["field"].to_numpy()[lines["level"].to_numpy() == LOOSE_LEVEL]
    if len(loose):
        fields = ", ".join(sorted({str(f) for f in loose}))
        warnings.append(
            f"{len(loose)} result(s) of other tests ({fields}) give neither a specimen number nor "
            "a collection time: each was joined to its patient's one prolactin collection in the "
            "file (check that it was taken with it)"
        )
    attached = attached.assign(pos=context.positions[attached["c"].to_numpy(dtype=np.int64)])
    _date_other_collections(built.frame, attached, collected.astype("datetime64[ns]"), warnings)
    frame = _apply_context(built, context, _dated_texts(context, attached), warnings)
    rejected = _with_ids(table, rejected)
    rejected.sort(key=lambda r: r.source_row)
    triaged = len(built.accepted) + attached["c"].nunique() + merged
    return LongResult(frame, rejected, triaged, warnings, built.corrections)


MAX_CODES_SHOWN: Final = 12


def _patient_days(patient: np.ndarray, collected: np.ndarray) -> np.ndarray:
    """One id per (patient, day of the sample); rows without a date share their patient's."""
    days = collected.astype("datetime64[D]").astype(np.int64)
    days = np.where(np.isnat(collected), np.iinfo(np.int64).min, days)
    frame = pd.DataFrame({"p": patient, "d": days})
    ids: np.ndarray = frame.groupby(["p", "d"], sort=False).ngroup().to_numpy()
    return ids


def _refuse_timed_series(
    table: RawTable,
    fields: np.ndarray,
    why_not: np.ndarray,
    tests: Mapping[str, str],
    warnings: list[str],
    patient_day: np.ndarray,
) -> np.ndarray:
    """Prolactin lines whose test names differ only by a time point ("PRL 0 min", "PRL 30
    min", "PRL 60 min": a cannulated or stimulation series) are not triaged, as a wide file's
    columns "PRL 0", "PRL 30", "PRL 60" are not (columns.timed_series: the one rule, a time point
    being a number with a time unit or a sequence of minutes, never a site or analyser number):
    each time point judged alone, a series read as several results and its peak as one more
    raised result.  A series is per patient and day (`patient_day`): the lines of one patient
    and sample day with two or more time points of one name; a lone "Prolactin 30 min" of a
    patient is that patient's result.  Rejected as other_test with the reason, and one warning;
    a test the mapping file's [tests] names is triaged (the user chose it).  Returns the rows
    so rejected."""
    none = np.zeros(len(table), dtype=bool)
    col = table.columns.get("test")
    if col is None:
        return none
    found = table.distinct(col)
    prolactin = np.zeros(len(found.uniques), dtype=bool)
    prolactin[np.unique(found.codes[fields == "prolactin"])] = True
    chosen = {_code_key(code) for code in tests}
    names = [
        _text(u) if used and _code_key(_text(u)) not in chosen else ""
        for u, used in zip(found.uniques, prolactin.tolist(), strict=True)
    ]
    stems = timed_series_stems(names, set())
    if not stems:
        return none
    candidates = np.flatnonzero(np.isin(found.codes, list(stems)) & (fields == "prolactin"))
    points: dict[tuple[int, str], set[int]] = {}
    for i in candidates.tolist():
        code = int(found.codes[i])
        points.setdefault((int(patient_day[i]), stems[code]), set()).add(code)
    rows = np.zeros(len(table), dtype=bool)
    for i in candidates.tolist():
        code = int(found.codes[i])
        rows[i] = len(points[(int(patient_day[i]), stems[code])]) > 1
    if not rows.any():
        return none
    series = sorted({int(c) for c in found.codes[rows]})
    listed = ", ".join(repr(names[i]) for i in series)
    fields[rows] = ""
    why_not[rows] = f"a time point of a timed prolactin series ({listed}): not triaged one by one"
    warnings.append(
        f"tests {listed} are a timed prolactin series (one result per time point): none is "
        f"triaged ({int(rows.sum())} line(s) rejected as other_test); name the one to triage "
        'in a column mapping file ([tests] "<test name>" = "prolactin")'
    )
    return rows


def _series_urgency(table: RawTable, rejected: list[Rejected], rows: np.ndarray) -> list[Rejected]:
    """The lines of a timed series that may be at or above the urgent level (in mIU/L; in
    ng/mL at the largest plausible mIU/L factor; in any unit where none is known) listed with
    the urgent results although they are not triaged: refusing a series never hides one."""
    limits = load_thresholds()
    urgent = limits.get("urgent_miu_l")
    largest = limits.get("miu_per_ng_plausible_max")
    result = table.columns.get("result", np.full(len(table), "", dtype=object))
    units = _row_units(table)
    notes: dict[int, str] = {}
    for i in np.flatnonzero(rows).tolist():
        quantity = parse_quantity(result[i])
        if quantity.status != "ok" or quantity.value is None:
            continue
        info = normalise_unit(units[i] or quantity.unit_text or "")
        if info is None:
            said = unknown_unit_urgency(quantity.value, quantity.qualifier, limits=limits)
        else:
            in_miu = quantity.value * info.factor * (largest if info.unit == "ng/mL" else 1.0)
            said = "its result may be above the urgent level" if in_miu >= urgent else ""
        if said:
            notes[int(table.source_rows[i])] = f"; {said}: listed with the urgent results"
    return [
        replace(r, detail=r.detail + notes[r.source_row], possibly_urgent=True)
        if r.reason_code == "other_test" and r.source_row in notes
        else r
        for r in rejected
    ]


_MERGED: Final = "prolactin_diluted"  # a re-assay after dilution taken into its sample's row


def _take_diluted_results(
    table: RawTable,
    fields: np.ndarray,
    why_not: np.ndarray,
    group: np.ndarray,
    warnings: list[str],
) -> int:
    """Lines of prolactin re-assayed after dilution ("Prolactin diluted 1:100", "Prolaktin
    verdünnt", "PRL 1/100": columns.is_diluted_prolactin), as the wide shape reads such a
    column (layout._take_diluted_results): where the line holds a number, it is its sample's
    result (the neat one may be falsely low from the hook effect), taken into the neat line of
    the same sample (its result, unit and test name), or the sample's result line when there is
    none.  ``fields`` and ``why_not`` are changed in place; returns how many lines were taken
    into another (they count as triaged with it, as attached context lines do)."""
    diluted = np.zeros(len(table), dtype=bool)
    for name in ("test", "test_code"):
        if name in table.columns:
            said = _per_distinct(table, name, lambda c: is_diluted_prolactin(_text(c)))
            diluted |= said.astype(bool)
    if not diluted.any():
        return 0
    result = table.columns.get("result", np.full(len(table), "", dtype=object))
    neat = (fields == "prolactin") & ~diluted
    neat_of: dict[int, list[int]] = {}
    for i in np.flatnonzero(neat).tolist():
        neat_of.setdefault(int(group[i]), []).append(i)
    merged = 0
    changed: dict[str, np.ndarray] = {  # new arrays: cached distinct cells stay the old ones
        name: np.array(table.columns[name], dtype=object)
        for name in ("result", "unit", "test", "test_code")
        if name in table.columns
    }
    for i in np.flatnonzero(diluted).tolist():
        into = neat_of.get(int(group[i]), [])
        if parse_quantity(result[i]).status != "ok":
            fields[i] = ""
            why_not[i] = "a re-assay after dilution without a number: " + (
                "the neat result of its sample is triaged" if into else "no result to triage"
            )
            continue
        if not into:
            fields[i] = "prolactin"  # the sample's only prolactin line
            continue
        for name, cells in changed.items():
            if not (name == "unit" and is_empty_value(cells[i])):
                for j in into:
                    cells[j] = cells[i]
        fields[i] = _MERGED
        merged += 1
    if merged:
        table.columns.update(changed)
        warnings.append(
            f"{merged} prolactin result(s) re-assayed after dilution were triaged in place of "
            "the neat result of the same sample (which the hook effect can make falsely low); "
            "each is read as the final concentration, already multiplied by the dilution"
        )
    return merged


_SAME_RESULT: Final = "prolactin_other_unit"  # the same result in the other unit (one triaged)
SAME_RESULT_REASON: Final = "same_result_other_unit"
_DECIMALS: Final = re.compile(r"\d(?:[.,](\d+))?\s*$")  # the written number's decimals
_TENTH: Final = 10.0


def _same_result_in_two_units(
    table: RawTable, fields: np.ndarray, group: np.ndarray, warnings: list[str]
) -> list[Rejected]:
    """Prolactin lines of one sample (patient and specimen number, else collection time) that
    give one result in both units (an HL7 message's OBX in ng/mL beside one in mIU/L, a FHIR
    Observation 2842-3 beside 15081-3, an export's two lines): where the two numbers are one
    another's conversion at an assay's factor (the reference sets': _same_amount), the result
    is triaged once, from the line that gives the lab's interval (its reporting unit) when only
    one does, else the first; the other line is rejected as ``same_result_other_unit`` naming
    the line kept.  Two numbers that are no conversion of each other are two results: both
    stay, and a warning names the conflict.  ``fields`` is changed in place."""
    positions = np.flatnonzero(fields == "prolactin")
    if len(positions) < 2:
        return []
    # only the samples with more than one prolactin line (most have one)
    shared = positions[np.bincount(group[positions])[group[positions]] > 1]
    if not len(shared):
        return []
    by_group: dict[int, list[int]] = {}
    for i in shared.tolist():
        by_group.setdefault(int(group[i]), []).append(i)
    pairs = list(by_group.values())
    result = table.columns.get("result", np.full(len(table), "", dtype=object))
    units = _row_units(table)
    tests = table.columns.get("test")
    # the line that gives the lab's interval is in the lab's reporting unit
    limits = [
        table.columns[name]
        for name in ("reference_range", "reference_low", "reference_high")
        if name in table.columns
    ]
    interval = {i: any(not is_empty_value(c[i]) for c in limits) for i in shared.tolist()}
    rejected: list[Rejected] = []
    for rows in pairs:
        amounts = {
            i: _amount_of(result[i], units[i], tests[i] if tests is not None else None)
            for i in rows
        }
        taken: set[int] = set()
        for k, i in enumerate(rows):
            for j in rows[:k]:
                first, second = amounts[j], amounts[i]
                if i in taken or j in taken or first is None or second is None:
                    continue
                if first[2] == second[2] or first[0] != second[0]:
                    continue  # the same unit (a repeat), or a censored beside a number
                source = int(table.source_rows[j]), int(table.source_rows[i])
                said = f"{first[3]} and {second[3]}"
                factor = _same_amount(first, second)
                if factor is None:
                    warnings.append(
                        f"rows {source[0]} and {source[1]} give prolactin of the same sample in "
                        f"two units whose numbers are no conversion of each other ({said}): "
                        "both are triaged as two results; check with the lab which one holds"
                    )
                    continue
                keep, drop = (i, j) if interval[i] and not interval[j] else (j, i)
                taken.add(drop)
                fields[drop] = _SAME_RESULT
                kept, other = (first, second) if keep == j else (second, first)
                rejected.append(
                    Rejected(
                        table.file,
                        table.sheet,
                        int(table.source_rows[drop]),
                        SAME_RESULT_REASON,
                        f"the same prolactin result as row {int(table.source_rows[keep])} in "
                        f"another unit ({other[3]} = {kept[3]}, {fmt(factor)} mIU/L per "
                        f"ng/mL): triaged once, from row {int(table.source_rows[keep])}",
                    )
                )
    if rejected:
        warnings.append(
            f"{len(rejected)} prolactin result(s) were given twice, in ng/mL and in mIU/L (the "
            "same result in both units): each is triaged once, the other line is listed in "
            f"rejected.csv ({SAME_RESULT_REASON})"
        )
    return rejected


def _amount_of(
    cell: object, unit: object, test: object
) -> tuple[str, float, str, str, float] | None:
    """(qualifier, value in its canonical unit, the unit, the result as written, half the
    step of its last written digit in the canonical unit) of a prolactin line, None when it
    gives no number in a prolactin unit."""
    quantity = parse_quantity(cell)
    if quantity.status != "ok" or quantity.value is None or quantity.value <= 0:
        return None
    written = _text(unit) or quantity.unit_text or _named_unit(test)
    info = normalise_unit(written) if written else None
    if info is None:
        return None
    number = _text(cell)
    decimals = _DECIMALS.search(number.split()[0] if quantity.unit_text else number)
    places = len(decimals.group(1)) if decimals and decimals.group(1) else 0
    half = _TENTH**-places / 2 * info.factor
    shown = f"{number} {written}" if not quantity.unit_text else number
    return quantity.qualifier, quantity.value * info.factor, info.unit, shown, half


def _same_amount(
    first: tuple[str, float, str, str, float], second: tuple[str, float, str, str, float]
) -> float | None:
    """The factor (mIU/L per ng/mL) at which one number is the other's conversion, when it is
    one: within the rounding of the written numbers and CONVERSION_SPREAD_MAX of an assay's
    factor (the reference sets' miu_per_ng, WHO 84/500's 21.2 mIU/L per ng/mL: clinical-
    reference §2.4), else None."""
    ng, miu = (first, second) if first[2] == "ng/mL" else (second, first)
    low = (miu[1] - miu[4]) / (ng[1] + ng[4])
    high = (miu[1] + miu[4]) / max(ng[1] - ng[4], ng[4])
    for factor in _assay_factors():
        if low <= factor * CONVERSION_SPREAD_MAX and factor / CONVERSION_SPREAD_MAX <= high:
            return miu[1] / ng[1]
    return None


@cache
def _assay_factors() -> tuple[float, ...]:
    """The mIU/L-per-ng/mL factors of the reference sets shipped (each with its source)."""
    return tuple(sorted({rs.miu_per_ng for rs in list_reference_sets()}))


def _no_prolactin_test(table: RawTable) -> InputFileError:
    """A long file none of whose tests is prolactin (often: local numeric test codes)."""
    seen: list[str] = []
    for name in ("test_code", "test", "loinc"):
        col = table.columns.get(name)
        if col is None:
            continue
        for cell in table.distinct(col).uniques:
            text = _text(cell)
            if text and text not in seen:
                seen.append(text)
    shown = ", ".join(repr(t) for t in seen[:MAX_CODES_SHOWN])
    more = f" and {len(seen) - MAX_CODES_SHOWN} more" if len(seen) > MAX_CODES_SHOWN else ""
    start = (
        "no test in this long (one row per test) file is recognised as prolactin (tests seen: "
        f"{shown or 'none'}{more})"
    )
    # only a code the triage does not know may be the lab's own for prolactin: never suggest
    # mapping TSH's code (or another known test's) to prolactin
    unknown = [t for t in seen if classify_test(t, t, t) is None]
    if seen and not unknown:
        return InputFileError(
            table.file,
            f"{start}: each is a test the triage knows as another one, so the file holds no "
            "prolactin result",
            sheet=table.sheet or None,
            code="no_prolactin_column",
        )
    example = unknown[0] if unknown else "<code>"
    return InputFileError(
        table.file,
        f"{start}; if the lab names its tests by its own codes, say which is prolactin in a "
        f'column mapping file\'s [tests] table (e.g. "{example}" = "prolactin") and pass it '
        "with --columns",
        sheet=table.sheet or None,
        code="no_prolactin_column",
    )


def _per_distinct(table: RawTable, name: str, func: Callable[[object], object]) -> np.ndarray:
    """``func`` of every cell of a column (once per distinct cell); '' cells when it is absent."""
    col = table.columns.get(name)
    if col is None:
        return np.full(len(table), func(""), dtype=object)
    found = table.distinct(col)
    values = np.empty(len(found.uniques), dtype=object)
    values[:] = [func(u) for u in found.uniques]
    result: np.ndarray = values[found.codes]
    return result


def _text(cell: object) -> str:
    return "" if is_empty_value(cell) else cell_text(cell)


def _with_ids(table: RawTable, rejected: list[Rejected]) -> list[Rejected]:
    """Rejected rows with the patient id and specimen number their own row gives (rows the
    prolactin reader rejected carry them already)."""
    bare = [r for r in rejected if not r.patient_id and not r.specimen_id]
    if not bare or ("patient_id" not in table.columns and "specimen_id" not in table.columns):
        return rejected
    position = {int(row): i for i, row in enumerate(table.source_rows.tolist())}
    ids = _per_distinct(table, "patient_id", _text)
    specimens = _per_distinct(table, "specimen_id", _text)
    out: list[Rejected] = []
    for r in rejected:
        i = position.get(r.source_row)
        if i is None or r.patient_id or r.specimen_id:
            out.append(r)
            continue
        patient, specimen = str(ids[i]).strip(), str(specimens[i]).strip()
        out.append(
            replace(r, patient_id=patient, specimen_id=specimen) if patient or specimen else r
        )
    return out


def _none_if_empty(cell: object) -> object:
    return None if is_empty_value(cell) else cell


def _classify_rows(
    table: RawTable, local: Mapping[str, LabTest] | None = None
) -> tuple[list[LabTest], np.ndarray, np.ndarray]:
    """The distinct tests found, per row the index of its test (len(specs): none), and per row
    why a recognised test is not used ('' when it is, or when no test was recognised)."""
    parts = []
    for name in ("loinc", "test_code", "test"):
        col = table.columns.get(name)
        if col is None:
            parts.append((np.zeros(len(table), dtype=np.int64), [""]))
        else:
            found = table.distinct(col)
            parts.append((found.codes.astype(np.int64), [_text(u) for u in found.uniques]))
    unit_codes, unit_values = pd.factorize(_row_units(table))
    parts.append((unit_codes.astype(np.int64), [str(u) for u in unit_values] or [""]))
    (a, ua), (b, ub), (c, uc), (d, ud) = parts
    combined = ((a * len(ub) + b) * len(uc) + c) * len(ud) + d
    keys, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    specs: list[LabTest] = []
    index_of: dict[str, int] = {}
    per_key = np.empty(len(keys), dtype=np.int64)
    notes = np.full(len(keys), "", dtype=object)
    in_words: dict[int, LabTest] = {}  # key -> the test its words are (a bare "PEG" line)
    for k, row in enumerate(first):
        spec, notes[k] = identify_test(ua[a[row]], ub[b[row]], uc[c[row]], local, ud[d[row]])
        if spec is None:
            per_key[k] = -1
            by_words = _weak_in_words(ub[b[row]], uc[c[row]]) if notes[k] else None
            if by_words is not None:
                in_words[k] = by_words
            continue
        if spec.name not in index_of:
            index_of[spec.name] = len(specs)
            specs.append(spec)
        per_key[k] = index_of[spec.name]
    per_row = per_key[inverse]
    why_not = notes[inverse]
    result = table.columns.get("result")
    worded = (
        _per_distinct(table, "result", screen_result_word).astype(bool)
        if in_words and result is not None
        else None
    )
    for k, spec in in_words.items() if worded is not None else ():
        # a line named only by a weak name ("PEG") and no unit, whose result is a screen's
        # verdict in words ("negativ", "positive", "unauffällig"): that screen, as the same
        # words under its full name are; a bare number stays unused (recovery or percent?)
        rows = np.flatnonzero((inverse == k) & worded)
        if not rows.size:
            continue
        if spec.name not in index_of:
            index_of[spec.name] = len(specs)
            specs.append(spec)
        per_row[rows] = index_of[spec.name]
        why_not[rows] = ""
    return specs, np.where(per_row < 0, len(specs), per_row), why_not


def _weak_in_words(code: str, name: str) -> LabTest | None:
    """The test a line named only by a weak name or code ("PEG") is when its result is words:
    the weak test's ``in_words`` (the macroprolactin screen), else None."""
    keys = {*_name_keys(name), _code_key(code)} - {""}
    for spec in lab_tests():
        if keys & spec.weak and spec.in_words:
            return _spec_named(spec.in_words)
    return None


def _row_units(table: RawTable) -> np.ndarray:
    """Each row's unit: its unit cell, else the unit written in its result cell ("35 %")."""
    units = _per_distinct(table, "unit", _text)
    blank = units == ""
    col = table.columns.get("result")
    if col is None or not blank.any():
        return units
    found = table.distinct(col)
    glued = np.full(len(found.uniques), "", dtype=object)
    for k in np.unique(found.codes[blank]):
        cell = found.uniques[k]
        if isinstance(cell, str) and cell.strip():
            glued[k] = parse_quantity(cell).unit_text or ""
    return np.where(blank, glued[found.codes], units)


_ANOTHER_PERSON: Final = "\x00another person"


def _fill_identity_down(table: RawTable, warnings: list[str]) -> None:
    """Report-style exports name the patient once: later rows with no identity inherit it (by
    the patient id, else by the patient's name where no column gives an id: a printed report's
    "Patient" column naming "0093001 Roth, Frieda" on a heading line above its results, review
    27 AB2)."""
    present = [f for f in IDENTITY if f in table.columns]
    person = next((f for f in ("patient_id", "patient_name") if f in table.columns), None)
    if person is None or len(table) == 0:
        return
    frame = pd.DataFrame({f: _per_distinct(table, f, _none_if_empty) for f in present})
    keys = [f for f in (person, "specimen_id") if f in present]
    orphan = frame[keys].isna().all(axis=1).to_numpy()
    if not orphan.any() or orphan.all():
        return
    # never over a blank row: the rows below it are another block of the list (review 29)
    filled = table.fill_down(frame)
    # A row naming another person (its own name, birth date or sex differ from the rows
    # above) is not that patient's: it keeps no patient, and is never joined to theirs.
    other = np.zeros(len(frame), dtype=bool)
    for f in ("patient_name", "birth_date", "sex"):
        if f in present:
            own, above = frame[f].astype(object), table.above(filled[f]).astype(object)
            differs = own.notna() & above.notna() & (own.astype(str) != above.astype(str))
            other |= differs.to_numpy()
    other &= orphan
    # the rows below such a row, without a patient of their own, are that person's too
    marked = frame[keys].astype(object)
    marked.loc[other, keys] = _ANOTHER_PERSON
    reached = table.fill_down(marked)
    other |= orphan & (reached[keys[0]] == _ANOTHER_PERSON).to_numpy()
    nobody = filled[keys].isna().all(axis=1).to_numpy()
    cut = orphan & ~other & nobody & frame[keys].ffill().notna().any(axis=1).to_numpy()
    taken = orphan & ~other & ~nobody
    for f in present:
        blank = taken & frame[f].isna().to_numpy()
        table.columns[f] = np.where(blank, filled[f].to_numpy(), table.columns[f])
    if taken.any():
        warnings.append(f"{int(taken.sum())} row(s) without a patient took it from the rows above")
    if other.any():
        warnings.append(
            f"{int(other.sum())} row(s) without a patient id name another person (name, birth "
            "date or sex) than the rows above: they were given no patient"
        )
    if cut.any():
        warnings.append(cut_by_blank_rows(int(cut.sum())))


# The cells of the person a sample's other rows give a row of the same specimen number
_PERSON: Final = ("patient_id", "patient_name", "sex", "birth_date", "age_years", "age_unit")


def _fill_identity_by_specimen(table: RawTable, warnings: list[str]) -> None:
    """An LIS export that writes the patient once per order and only the order or specimen
    number on the order's other lines ("O1 | M1 | F | PRL 85", "O1 | | | TSH 12.5"): a row
    with a specimen number and no patient takes the patient of the other rows of that number,
    when they name one patient and the row names no other (its own name, birth date or sex
    differ).  Before, the TSH, eGFR and PEG recovery of the very sample were rejected as
    other_test (review 29 AT3): the fill-down above reads only rows with neither."""
    person = next((f for f in ("patient_id", "patient_name") if f in table.columns), None)
    if person is None or "specimen_id" not in table.columns or len(table) == 0:
        return
    present = [f for f in _PERSON if f in table.columns]
    frame = pd.DataFrame({f: _per_distinct(table, f, _text) for f in present})
    specimen = pd.Series(_per_distinct(table, "specimen_id", _text))
    orphan = ((frame[person] == "") & (specimen != "")).to_numpy()
    if not orphan.any() or orphan.all():
        return
    known = frame.where(frame != "")
    own = known[~orphan]
    keys = specimen[~orphan]
    # per specimen number, each cell of its patient where its rows give one value only
    single = own.groupby(keys).nunique() == 1
    given = _by_specimen(own.groupby(keys).first().where(single), specimen)
    cells = pd.DataFrame({f: _per_distinct(table, f, _none_if_empty) for f in present})
    raw = _by_specimen(cells[~orphan].groupby(keys).first(), specimen)
    taken = orphan & given[person].notna().to_numpy()
    for f in present:
        if f == person:
            continue
        differs = (known[f].notna() & given[f].notna() & (known[f] != given[f])).to_numpy()
        taken &= ~differs
    if not taken.any():
        return
    for f in present:
        fill = taken & frame[f].eq("").to_numpy() & given[f].notna().to_numpy()
        table.columns[f] = np.where(fill, raw[f].to_numpy(), table.columns[f])
    warnings.append(
        f"{int(taken.sum())} row(s) without a patient took it from the other rows of their "
        "specimen number"
    )


def _by_specimen(per_specimen: pd.DataFrame, specimen: pd.Series) -> pd.DataFrame:
    """Each row's line of ``per_specimen`` (indexed by specimen number), by its number."""
    rows = per_specimen.reindex(specimen.to_numpy())
    rows.index = specimen.index
    return rows


# The fixed facts of a person a research database's demographics row gives its other rows
DETAIL_FIELDS: Final = ("sex", "birth_date", "age_years")


def _patient_details(
    table: RawTable, fields: np.ndarray, collected: np.ndarray, warnings: list[str]
) -> dict[int, str]:
    """A research database's long export gives a patient's sex, birth date and age on a row of
    their own (REDCap's baseline event, a non-repeating demographics form; Castor's study
    record): a row with no test and no result.  Its cells fill the blank ones of the same
    patient's prolactin rows (by patient id, whatever the visit; values.py fixed facts only, as
    the wide reader's rows take them from the patient's other rows) when the patient's detail
    rows agree.  The age is advanced by the time between the detail row's date (its own, else
    the first of its visit's samples) and the sample's; without both it is carried unchanged,
    and said so.  Returns each detail row's rejection detail (it is no result itself)."""
    person = next((f for f in ("patient_id", "patient_name") if f in table.columns), None)
    if person is None or not any(f in table.columns for f in DETAIL_FIELDS):
        return {}
    empty = np.ones(len(table), dtype=bool)
    for name in TEST_FIELDS:  # no test named, no result given
        if name in table.columns:
            empty &= pd.isna(_per_distinct(table, name, _none_if_empty))
    given = {
        name: _per_distinct(table, name, _none_if_empty)
        for name in DETAIL_FIELDS
        if name in table.columns
    }
    patient = _per_distinct(table, person, lambda c: _text(c).casefold())
    rows = np.flatnonzero(
        (fields == "") & empty & (patient != "") & np.any([pd.notna(v) for v in given.values()], 0)
    )
    if not rows.size:
        return {}
    visit_key, _ = _keys(table)
    days = collected.astype("datetime64[D]").astype(np.float64)
    days[np.isnat(collected)] = np.nan
    first_day = pd.Series(days).groupby(visit_key).transform("min").to_numpy()
    targets = np.flatnonzero((fields == "prolactin") & (patient != ""))
    header = table.headers.get(person, person.replace("_", " "))
    took: set[int] = set()
    per_year = _age_scale(table.headers.get("age_years", ""))
    for name, values in given.items():
        known: dict[str, list[int]] = {}
        for i in rows:
            if pd.notna(values[i]):
                known.setdefault(str(patient[i]), []).append(int(i))
        filled, unequal, carried = 0, 0, 0
        cells = np.array(table.columns[name], dtype=object)
        for t in targets:
            sources = known.get(str(patient[t]))
            if sources and pd.notna(values[t]):  # given them already (the rows filled down)
                took.update(i for i in sources if cell_text(values[i]) == cell_text(values[t]))
            if not sources or pd.notna(values[t]):
                continue
            if name == "age_years" and "birth_date" in given and pd.notna(given["birth_date"][t]):
                continue  # the birth date gives the age
            if len({cell_text(values[i]) for i in sources}) > 1:
                unequal += 1
                continue
            source = sources[0]
            cells[t] = values[source]
            if name == "age_years":
                since = days[t] - (
                    days[source] if not np.isnan(days[source]) else first_day[source]
                )
                later = _age_later(values[source], since, per_year)
                carried += later is None
                cells[t] = values[source] if later is None else later
            filled += 1
            took.update(sources)
        table.columns[name] = cells
        what = name.replace("_years", "").replace("_", " ")
        if filled:
            unchanged = (
                f"; {carried} of them without the dates took it unchanged (the patient may be "
                "older by the time between the visits)"
                if carried
                else ""
            )
            warnings.append(
                f"{filled} result(s) gave no {what}: it was taken from the same patient's row "
                f"of details without a test (column {header!r}), the age advanced to the "
                f"sample's date where both dates are known{unchanged}"
                if name == "age_years"
                else f"{filled} result(s) gave no {what}: it was taken from the same patient's "
                f"row of details without a test (column {header!r})"
            )
        if unequal:
            warnings.append(
                f"{unequal} result(s) gave no {what} and the same patient's rows of details "
                f"(column {header!r}) disagree on it: left unknown"
            )
    return {
        int(i): (
            "a row of the patient's details (sex, birth date or age) without a test or result: "
            + (
                "given to the same patient's results"
                if int(i) in took
                else "no prolactin result of the same patient took them"
            )
        )
        for i in rows
    }


def _age_scale(header: str) -> float:
    """Years per bare number of an age column, by the duration word of its header ("age_mo":
    a month; "age_yrs", "Alter": a year)."""
    words = normalise_word(header).replace("_", " ").split()
    return next((scale for w in words if (scale := age_header_scale(w))), 1.0)


def _age_later(cell: object, days: float, per_year: float) -> float | None:
    """An age cell that is a plain number, ``days`` later (in the column's own unit); None
    when it is no plain number (a missing-data code, "8 J", "6 months") or no time is known."""
    text = cell_text(cell).replace(",", ".")
    if np.isnan(days) or is_missing_code(cell) or not _PLAIN_NUMBER.fullmatch(text):
        return None
    return float(text) + days / DAYS_PER_YEAR / per_year


_PLAIN_NUMBER: Final = re.compile(r"\d+(?:\.\d+)?")


def _collected(table: RawTable, settings: BuildSettings) -> tuple[np.ndarray, list[str]]:
    col = table.columns.get("collected_at")
    if col is None:
        return np.full(len(table), np.datetime64("NaT"), dtype="datetime64[ns]"), []
    header = table.headers.get("collected_at", "collected_at")
    return date_column(
        col,
        header,
        settings.dayfirst,
        table.text_source,
        table.distinct(col),
        date1904=table.date1904,
        days_from=settings.date_origin,
    )


def _keys(table: RawTable) -> tuple[np.ndarray, np.ndarray]:
    """Patient key (id, else name + birth date) and specimen key per row.  A study's visit or
    event (``visit``: "baseline", "month_6_arm_1") is part of the patient key: rows of another
    visit are another collection, never joined (nor their cells shared), dated or not."""
    if "patient_id" in table.columns:
        patient = _per_distinct(table, "patient_id", lambda c: _text(c).casefold())
    else:
        name = _per_distinct(table, "patient_name", lambda c: _text(c).casefold())
        birth = _per_distinct(table, "birth_date", _text)
        patient = np.where((name == "") & (birth == ""), "", name + "|" + birth)
    if table.one_patient:  # one patient's cumulative report, no cell naming them
        patient = np.where(patient == "", _ONE_PATIENT, patient)
    if "visit" in table.columns:
        visit = _per_distinct(table, "visit", lambda c: _text(c).casefold())
        patient = np.where(patient == "", "", patient + _VISIT_MARK + visit)
    return patient, _per_distinct(table, "specimen_id", _text)


_ONE_PATIENT: Final = "\x00the report's patient"  # RawTable.one_patient's key (no cell holds it)
_VISIT_MARK: Final = "\x00visit "  # joins the patient key and the visit (no cell holds it)


def _group_ids(patient: np.ndarray, specimen: np.ndarray, collected: np.ndarray) -> np.ndarray:
    """One id per (patient, specimen) or, without a specimen, (patient, collection time)."""
    stamps = collected.astype("datetime64[ns]").astype(np.int64)
    alone = (specimen == "") & np.isnat(collected)
    stamps = np.where(alone, -1 - np.arange(len(stamps)), np.where(specimen == "", stamps, 0))
    frame = pd.DataFrame({"p": patient, "s": specimen, "t": stamps})
    ids: np.ndarray = frame.groupby(["p", "s", "t"], sort=False).ngroup().to_numpy()
    return ids


# A note that belongs to its own test line (HL7's abnormal flag and result status): never joined
# into another test's notes.  triage/io/hl7.py writes them.
OWN_TEST_NOTES: Final = ("OBX-8 flag ", "OBX-11 status ")
_NOTE_SEPARATOR: Final = "; "


def _fill_from_group(table: RawTable, group: np.ndarray, targets: np.ndarray) -> None:
    """Blank patient-level cells of prolactin rows take the first value of their group; the
    free-text fields (notes, symptoms, medications ...) take every note of the group: a clinical
    note written on the TSH line of the same sample ("zwanger 32 weken") is the patient's too,
    whether or not the prolactin line has a note of its own."""
    for name in list(table.columns):
        if name in PER_TEST_FIELDS or name == "specimen_id":
            continue
        if name in TEXT_FIELDS:
            _join_notes(table, name, group, targets)
            continue
        values = _per_distinct(table, name, _none_if_empty)
        missing = targets & pd.isna(values)
        if not missing.any():
            continue
        firsts = pd.Series(values, dtype=object).groupby(group).transform("first").to_numpy()
        table.columns[name] = np.where(missing & ~pd.isna(firsts), firsts, table.columns[name])


def _join_notes(table: RawTable, name: str, group: np.ndarray, targets: np.ndarray) -> None:
    """Each prolactin row's notes in ``name``, followed by the other notes of its group (each
    once, in row order; another test's own-line notes left out)."""
    cells = table.columns[name]
    parts = [
        [] if is_empty_value(cell) else [p.strip() for p in cell_text(cell).split(_NOTE_SEPARATOR)]
        for cell in cells
    ]
    shared: dict[object, list[str]] = {}
    for key, own in zip(group.tolist(), parts, strict=True):
        notes = shared.setdefault(key, [])
        notes.extend(p for p in own if p and not p.startswith(OWN_TEST_NOTES) and p not in notes)
    joined = np.array(cells, dtype=object)
    for i in np.flatnonzero(targets):
        own = [p for p in parts[i] if p]
        more = [p for p in shared[group[i]] if p not in own]
        if more:
            joined[i] = _NOTE_SEPARATOR.join([*own, *more])
    table.columns[name] = joined


def _prolactin_table(table: RawTable, positions: np.ndarray, warnings: list[str]) -> RawTable:
    """The prolactin rows as a wide table: result -> prolactin, unit -> prolactin_unit."""
    sub = table.take(positions)
    renamed = {"result": "prolactin", "unit": "prolactin_unit"}
    for old, new in renamed.items():
        if old in sub.columns:
            sub.columns[new] = sub.columns[old]
        if old in sub.conflicts:
            sub.conflicts[new] = sub.conflicts.pop(old)
            sub.conflict_columns[new] = sub.conflict_columns.pop(old, old)
    _units_of_loinc(sub, warnings)
    if "test" in sub.columns:  # a unit written in the test's name ("Prolactin (mIU/L)")
        named = np.array([_named_unit(t) for t in sub.columns["test"]], dtype=object)
        if any(named):
            given = sub.columns.get("prolactin_unit")
            empty = (
                np.ones(len(named), dtype=bool)
                if given is None
                else np.array([is_empty_value(u) for u in given], dtype=bool)
            )
            base = given if given is not None else np.full(len(named), None, dtype=object)
            sub.columns["prolactin_unit"] = np.where(empty & (named != ""), named, base)
        _test_name_as_note(sub)
    for name in TEST_FIELDS:
        sub.columns.pop(name, None)
    unit = table.header_units.get("result") or table.header_units.get("unit")
    if unit:
        sub.header_units["prolactin"] = unit
    return sub


def _units_of_loinc(sub: RawTable, warnings: list[str]) -> None:
    """A prolactin row without a unit takes the one its LOINC code means (15081-3: mIU/L,
    2842-3: ng/mL; synonyms.toml `loinc_units`); a unit of the other kind is kept (the written
    unit is the surer of the two) and said."""
    meaning = synonyms_data()["long_tests"]["prolactin"].get("loinc_units", {})
    codes = np.full(len(sub), "", dtype=object)
    for name in ("loinc", "test_code", "test"):
        col = sub.columns.get(name)
        if col is None:
            continue
        keys = np.array([_loinc_key(cell_text(c)) for c in col], dtype=object)
        codes = np.where(codes == "", keys, codes)
    implied = np.array([meaning.get(str(k), "") for k in codes], dtype=object)
    if not implied.any():
        return
    given = sub.columns.get("prolactin_unit")
    written = (
        np.array([cell_text(u).strip() for u in given], dtype=object)
        if given is not None
        else np.full(len(sub), "", dtype=object)
    )
    blank = (written == "") & (implied != "")
    if blank.any():
        sub.columns["prolactin_unit"] = np.where(blank, implied, written)
        shown = ", ".join(
            sorted({f"{k}: {u}" for k, u in zip(codes[blank], implied[blank], strict=True)})
        )
        warnings.append(
            f"{int(blank.sum())} prolactin row(s) gave no unit: it was taken from their LOINC "
            f"code ({shown})"
        )
    infos = [normalise_unit(u) if u else None for u in written]
    kinds = np.array([info.unit if info is not None else "" for info in infos], dtype=object)
    clash = (implied != "") & (kinds != "") & (kinds != implied)
    if clash.any():
        first = int(np.flatnonzero(clash)[0])
        warnings.append(
            f"{int(clash.sum())} prolactin row(s) give a unit that their LOINC code does not "
            f"mean (e.g. row {int(sub.source_rows[first])}: {codes[first]} means "
            f"{implied[first]}, the row says {written[first]!r}): they were read in the unit "
            "written; check the export, since a wrong unit misreads the result "
            f"~{_fmt_factor()}-fold"
        )


def _fmt_factor() -> str:
    """The default set's mIU/L per ng/mL, as a message names it (21.2)."""
    return fmt(load_reference_set(DEFAULT_SET_NAME).miu_per_ng)


def _test_name_as_note(sub: RawTable) -> None:
    """A prolactin line whose test name says more than "prolactin" and its unit ("Prolactin
    (rested)", "Prolaktin nach 30 min Ruhe", "PRL cannulated 60 min") keeps it in its notes,
    where the cues read it (a rested sample is not repeated), as "test: <name>"."""
    names = _spec_named("prolactin").names
    notes = [
        f"test: {cell_text(t)}" if _says_more(cell_text(t), names) else ""
        for t in sub.columns["test"]
    ]
    if not any(notes):
        return
    given = sub.columns.get("comments")
    if given is None:
        sub.columns["comments"] = np.array([n or None for n in notes], dtype=object)
        return
    joined = [
        n if is_empty_value(c) else f"{cell_text(c)}{_NOTE_SEPARATOR}{n}" if n else c
        for c, n in zip(given.tolist(), notes, strict=True)
    ]
    sub.columns["comments"] = np.array(joined, dtype=object)


@cache
def _says_more(name: str, names: frozenset[str]) -> bool:
    """A test name with words beyond a known name of its test and the unit it writes."""
    if not name.strip():
        return False
    header = parse_header(name)
    words = [w for w in header.full.split() if w not in header.unit_tokens]
    return " ".join(words) not in names and header.full not in names


def _named_unit(cell: object) -> str:
    """The prolactin unit a test's name writes ("Prolactin (mIU/L)", "Prolactin [ng/mL]",
    "Prolactin µg/L"), else ""."""
    if is_empty_value(cell):
        return ""
    unit = parse_header(cell_text(cell)).unit
    return unit if unit and normalise_unit(unit) is not None else ""


def _unused_detail(table: RawTable, i: int, why_not: str = "") -> str:
    parts = [
        cell_text(table.columns[f][i]) for f in ("test", "test_code", "loinc") if f in table.columns
    ]
    label = " / ".join(p for p in parts if p) or "(no test name)"
    if why_not:
        return f"test {label!r}: {why_not}"
    return f"test {label!r} is not used by the triage"


def _not_interpreted(context: _Context) -> list[str]:
    """A warning counting the lines kept only as a note because their number's meaning is not
    stated (a macroprolactin screen "30 %": the PEG recovery or the percent macroprolactin,
    opposite directions, clinical-reference §2.5): no such line passes without a word."""
    endings = {spec.ambiguous: spec.label for spec in lab_tests() if spec.ambiguous}
    found = [
        label
        for text in context.texts
        if isinstance(text, str)
        for ending, label in endings.items()
        if text.endswith(ending)
    ]
    if not found:
        return []
    return [
        f"{len(found)} line(s) of {', '.join(sorted(set(found)))} give a number that does not "
        "say whether it is the PEG recovery or the percent macroprolactin (they read in "
        "opposite directions): kept in the notes, not interpreted; ask the lab which it reports"
    ]


def _parse_context(
    table: RawTable,
    specs: list[LabTest],
    spec_of_row: np.ndarray,
    fields: np.ndarray,
    decimal_given: str | None = None,
) -> tuple[_Context, list[Rejected]]:
    """The value of every context row (parsed once per distinct test, result and unit)."""
    positions = np.flatnonzero(
        (fields != "") & (fields != "prolactin") & (fields != _MERGED) & (fields != _SAME_RESULT)
    )
    result = table.columns.get("result", np.full(len(table), "", dtype=object))
    results = table.distinct(result)
    units = _per_distinct(table, "unit", _text)
    texts = [u for u in results.uniques if isinstance(u, str)]
    decimal = decimal_given or infer_decimal_mark(texts) or table.decimal_hint
    units = _share_units(table, specs, spec_of_row, positions, units, decimal)
    unit_codes, unit_values = pd.factorize(units[positions])
    combined = (spec_of_row[positions] * len(results.uniques) + results.codes[positions]) * max(
        len(unit_values), 1
    ) + unit_codes
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    parsed: list[tuple[float, str, str, object] | None] = []
    field_of: list[str] = []
    used: list[LabTest] = []  # the test each distinct line was read as (its join windows)
    for row in positions[first]:
        spec = specs[spec_of_row[row]]
        value = _context_value(spec, result[row], str(units[row]), decimal)
        field = spec.field
        if value is None and spec.in_words and screen_result_word(result[row]):
            # a screen's verdict in words under a numeric test's name ("PEG recovery" =
            # "negative", synonyms.toml [macroprolactin_screen_columns] results): the test its
            # words are (in_words); other words stay rejected as no result
            words = _spec_named(spec.in_words)
            value = _context_value(words, result[row], str(units[row]), decimal)
            field = words.field
            spec = words
        elif value is None and spec.bare_number and _is_number_text(cell_text(result[row])):
            # a number with no unit under a line that reads only words or a stated unit
            # ("Macroprolactin" = "30", "MPRL" = "30": a percentage of either direction, or a
            # concentration): the test of its ``bare_number``, a note not interpreted
            bare = _spec_named(spec.bare_number)
            value = _context_value(bare, result[row], str(units[row]), decimal)
            field = bare.field
            spec = bare
        parsed.append(value)
        field_of.append(field)
        used.append(spec)
    per_row = [parsed[k] for k in inverse]
    row_fields = np.array(field_of, dtype=object)[inverse]
    keep = np.array([p is not None for p in per_row], dtype=bool)
    rejected = [
        Rejected(
            table.file,
            table.sheet,
            int(table.source_rows[row]),
            "other_test",
            f"{specs[spec_of_row[row]].name} result {cell_text(result[row])!r}"
            f"{_written_in(units[row])} is not usable (not a number, a unit that is not this "
            "test's, a missing-data code such as -99 or 999, or an impossible value)",
        )
        for row in positions[~keep]
    ]
    usable = [p for p in per_row if p is not None]
    columns: list[Sequence[object]] = (
        [list(c) for c in zip(*usable, strict=True)] if usable else [[], [], [], []]
    )
    context = _Context(
        positions=positions[keep],
        fields=row_fields[keep],
        values=np.asarray(columns[0], dtype=np.float64),
        qualifiers=_objects(columns[1]),
        texts=_objects(columns[2]),
        units=_objects(columns[3]),
        loincs=_row_loincs(table, positions[keep]),
        post_peg_high=_post_peg_limits(table, positions[keep], row_fields[keep], units, decimal),
        joins=_joins_of(used).take(inverse[keep]),  # one per test, not per line
        decimal=decimal,
        flagged_high=_flagged_high(table, positions[keep]),
    )
    context.lab_limits = _context_limits(table, context, decimal)
    return context, rejected


def _flagged_high(table: RawTable, positions: np.ndarray) -> np.ndarray | None:
    """Per context line, whether its lab flag says high ("H", "HH", "+"), None without a flag
    column."""
    if "lab_flag" not in table.columns:
        return None
    high = _per_distinct(table, "lab_flag", lambda cell: flag_direction(cell) == "high")
    flagged: np.ndarray = high[positions].astype(bool)
    return flagged


def _named_notes(
    table: RawTable,
    specs: list[LabTest],
    spec_of_row: np.ndarray,
    context: _Context,
    collected: np.ndarray,
) -> None:
    """The note of each line of a test with a ``named_note`` (a cortisol, a testosterone):
    "<name as written>: <result> <unit>" ("Cortisol 8 Uhr: 38 nmol/l", "Testosteron: 2.1
    nmol/l"), a cortisol's ``morning_note`` first when the line was collected from
    thresholds.toml morning_cortisol_from_hour to morning_cortisol_until_hour ("morning
    Cortisol: 38 nmol/L"), in place.  states.toml morning_cortisol_* and testosterone_* read
    it as they read a note, with its unit."""
    names = table.columns.get("test")
    if names is None:
        names = table.columns.get("test_code")
    limits = load_thresholds()
    first = limits.get("morning_cortisol_from_hour")
    last = limits.get("morning_cortisol_until_hour")
    for k, row in enumerate(context.positions.tolist()):
        spec = specs[spec_of_row[row]]
        text = context.texts[k]
        if not spec.named_note or not isinstance(text, str) or not text:
            continue
        name = _text(names[row]) if names is not None else ""
        when = pd.Timestamp(collected[row])
        morning = bool(spec.morning_note) and not pd.isna(when) and first <= when.hour <= last
        lead = spec.morning_note if morning else ""
        context.texts[k] = f"{lead}{name or spec.label}: {text}"


FRACTION_UNIT: Final = "1"  # UCUM's unit of a fraction of 1 (synonyms.toml fraction_unit_words)


def _share_units(
    table: RawTable,
    specs: list[LabTest],
    spec_of_row: np.ndarray,
    positions: np.ndarray,
    units: np.ndarray,
    decimal: str | None,
) -> np.ndarray:
    """``units`` with the unit a share of macroprolactin line leaves unsaid ("0.70", no unit):
    a fraction of 1 or a percentage, opposite readings of 0.70 (70 % macroprolactin, a 30 %
    recovery; or 0.7 %, a 99.3 % recovery).  In this order, the first that speaks:

    - its LOINC code (synonyms.toml ``loinc_units``: 48389-1 is the macroprolactin/prolactin
      fraction, 51441-4 the percent macroprolactin; clinical-reference §0b);
    - its test name saying percent ("Macroprolactin %", "% Makroprolaktin":
      ``header_says_percent``);
    - its reference cell: "< 0.4" is a fraction's, "< 40" or "< 40 %" a percentage's;
    - the file's other such lines of the test: one above 1 makes them all percentages, as a
      wide column's other cells do (wide.py ``_percents``); all at most 1 are fractions.

    A line whose number is above 1, or written with its unit, keeps what it says."""
    share = np.array([bool(specs[k].complement) for k in spec_of_row[positions]], dtype=bool)
    if not share.any():
        return units
    rows = positions[share]
    result = table.columns.get("result", np.full(len(table), "", dtype=object))
    names = [table.columns.get(n) for n in ("test", "test_code")]
    ranges = table.columns.get("reference_range")
    meaning = {
        spec.name: synonyms_data()["long_tests"][spec.name].get("loinc_units", {})
        for spec in specs
        if spec.complement
    }
    loincs = _row_loincs(table, rows)
    out = units.copy()
    pending: dict[str, list[int]] = {}
    above_one: set[str] = set()
    for row, loinc in zip(rows.tolist(), loincs, strict=True):
        spec = specs[spec_of_row[row]]
        quantity = parse_quantity(result[row], decimal)
        if quantity.status != "ok" or quantity.value is None or not quantity.value > 0:
            continue
        if str(units[row]).strip() or quantity.unit_text:
            continue
        if quantity.value > 1:
            above_one.add(spec.name)
            continue
        said = meaning.get(spec.name, {}).get(str(loinc or ""), "")
        if not said and any(
            col is not None and header_says_percent(_text(col[row])) for col in names
        ):
            said = "%"
        if not said and ranges is not None:
            said = _share_range_unit(_text(ranges[row]), decimal)
        if said:
            out[row] = said
        else:
            pending.setdefault(spec.name, []).append(row)
    for name, waiting in pending.items():
        if name not in above_one:
            out[waiting] = FRACTION_UNIT
    return out


def _share_range_unit(text: str, decimal: str | None) -> str:
    """The unit a share's reference cell implies: "%" when it writes one or a limit above 1
    ("< 40"), FRACTION_UNIT when its limits are all at most 1 ("< 0,40"), "" when it says
    nothing."""
    if not text:
        return ""
    if "%" in text:
        return "%"
    interval = parse_interval(text, decimal)
    if interval is None:
        return ""
    limits = [v for v in (interval.low, interval.high) if v is not None]
    if not limits:
        return ""
    return "%" if max(limits) > 1 else FRACTION_UNIT


# The context tests read with the lab's own interval of their line (the engine judges them by it
# before the thresholds' adult limits: clinical-reference §8, "TSH above the RI").
LIMITED_CONTEXT: Final = ("tsh", "free_t4")


def _context_limits(table: RawTable, context: _Context, decimal: str | None) -> np.ndarray:
    """The lab's own (low, high) interval of each TSH and free T4 line of ``context``: its
    reference cell ("0,35-4,94", "< 4,2"), else its lower and upper limit cells, else an
    interval written in the result cell after the number ("5,1 (0,4-6,0)"); put in the engine's
    unit by the line's own factor (the value read over the number written: a free T4 in ng/dL
    with its interval in ng/dL).  NaN where none is given."""
    out = np.full((len(context.positions), 2), np.nan)
    ranges = table.columns.get("reference_range")
    lows = table.columns.get("reference_low")
    highs = table.columns.get("reference_high")
    result = table.columns.get("result")
    if result is None:
        return out
    for k in np.flatnonzero(np.isin(context.fields, LIMITED_CONTEXT)).tolist():
        row = context.positions[k]
        written = parse_quantity(result[row], decimal).value
        value = context.values[k]
        if not written or not value > 0:  # (NaN is never > 0)
            continue
        text = _text(ranges[row]) if ranges is not None else ""
        interval = parse_interval(text, decimal) if text else None
        limits = (interval.low, interval.high) if interval is not None else (None, None)
        if limits == (None, None) and (lows is not None or highs is not None):
            limits = tuple(
                parse_quantity(cells[row], decimal).value if cells is not None else None
                for cells in (lows, highs)
            )  # type: ignore[assignment]
        if limits == (None, None):
            inline = cell_interval(result[row], decimal)
            limits = (inline.low, inline.high) if inline is not None else (None, None)
        scale = value / written
        out[k] = [math.nan if v is None else v * scale for v in limits]
    return out


def _post_peg_limits(
    table: RawTable,
    positions: np.ndarray,
    fields: np.ndarray,
    units: np.ndarray,
    decimal: str | None,
) -> np.ndarray:
    """The lab's own upper limits, a woman's and a man's, on each monomeric (post-PEG) prolactin
    line of ``positions`` (rows of a (n, 2) array): its reference cell ("< 0,60", "0 - 0,60",
    "M: < 0,43; F: < 0,60"; HL7 OBX-7 and FHIR referenceRange arrive there too) or its
    upper-limit cell, in the line's unit; NaN where none is given, or where the interval names
    a unit other than the line's.  Clinical-reference §2.2, §2.3: the lab's post-PEG interval is
    its assay's, preferred to a fixed one."""
    out = np.full((len(positions), 2), np.nan)
    ranges = table.columns.get("reference_range")
    highs = table.columns.get("reference_high")
    if ranges is None and highs is None:
        return out
    for k in np.flatnonzero(fields == "monomeric_prolactin").tolist():
        row = positions[k]
        line = normalise_unit(str(units[row]))
        text = _text(ranges[row]) if ranges is not None else ""
        pair = sex_pair_interval(text, decimal) if text else None
        if pair is not None:
            out[k] = [_upper_in(interval, line) for interval in pair]
        if np.isnan(out[k]).all() and highs is not None:
            quantity = parse_quantity(highs[row], decimal)
            if quantity.status == "ok" and not quantity.qualifier and not quantity.unit_text:
                out[k] = quantity.value if quantity.value and quantity.value > 0 else math.nan
    return out


# Context tests whose LOINC code is kept beside the value (canonical "<field>_loinc"): the
# equation of an eGFR, the kind of an hCG test (quantitative serum or a urine test), which the
# value alone does not tell; results.fhir.json writes the test as the lab coded it.
LOINC_KEPT: Final = ("egfr", "hcg")


def _row_loincs(table: RawTable, positions: np.ndarray) -> np.ndarray:
    """The LOINC code of each of ``positions``: its LOINC column's, else a LOINC code written in
    its test code column ("2842-3", "LN:2842-3"), else in its test name column, else None.
    Worked per distinct cell."""
    out = np.full(len(positions), None, dtype=object)
    for name in ("test", "test_code", "loinc"):  # the LOINC column wins
        col = table.columns.get(name)
        if col is None or not len(positions):
            continue
        found = table.distinct(col)
        keys = [_loinc_key(_text(u)) for u in found.uniques]
        codes = np.array([k if _LOINC.fullmatch(k) else None for k in keys] + [None], dtype=object)
        picked = codes[found.codes[positions]]
        out = np.where(pd.notna(picked), picked, out)
    return out


def _objects(values: Sequence[object]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    return array


def _context_value(
    spec: LabTest, cell: object, unit: str, decimal: str | None
) -> tuple[float, str, str, object] | None:
    """(value, qualifier, text, unit info) of a context row, None when unusable."""
    if spec.field == "hcg":
        text = cell_text(cell)
        if text and unit and _is_number_text(text):
            text = f"{text} {unit}"
        return (math.nan, "", text, None) if text else None
    if spec.finding is not None:  # "Headache" = yes / nein / "sudden, severe"
        text = _coded_text(cell_text(cell))
        answer = yes_no_answer(text)
        if answer == NOT_AN_ANSWER:
            return math.nan, "", finding_note(spec.header, text), None
        return math.nan, "", spec.finding.words if answer is True else "", None
    if spec.field in TEXT_CONTEXT or spec.field in FLAG_FIELDS:  # "Pregnant", "Risperdal 2 mg"
        text = _coded_text(cell_text(cell))
        if spec.ambiguous and text and parse_quantity(text).value is not None:
            # a number whose direction the name does not tell (a screen "25 %": recovery or
            # percent macroprolactin): kept as a note saying so, not read as either
            glued = parse_quantity(text).unit_text
            shown = f"{text} {unit.strip()}" if unit.strip() and not glued else text
            return math.nan, "", spec.prefix + shown + spec.ambiguous, None
        if not text or is_empty_value(text) or (spec.prefix and _is_number_text(text)):
            return None  # a qualitative test's number is another test's result
        if unit.strip() and _is_number_text(text):  # a lesion's size: "15" in "mm"
            text = f"{text} {unit.strip()}"
        return math.nan, "", spec.prefix + text, None
    quantity = parse_quantity(cell, decimal)
    if quantity.status != "ok" or quantity.value is None:
        if spec.field in LAB_WORD_FIELDS and lab_word(cell):  # "erhöht", "normal"
            return math.nan, "", cell_text(cell), None
        if spec.field in RENAL_WORD_FIELDS and kidney_words(spec.field, cell):  # "ESRD"
            return math.nan, "", cell_text(cell), None
        return None
    value, qualifier = quantity.value, quantity.qualifier
    if spec.field == "macroprolactin_recovery_pct" and fraction_of_one(
        value, quantity.unit_text or unit, bare=not spec.complement
    ):
        value *= PERCENT_FULL  # "0.75", "0.75 ratio": a fraction of 1, as a wide column reads it
    if spec.complement:
        value, qualifier = complement_percent(value, qualifier)
    if spec.field in LAB_UNIT_FIELDS:  # TSH, free T4, eGFR in the engine's unit (wide.py)
        written = quantity.unit_text or unit
        if not written.strip():  # no unit at all: by its size ("FT4 1.2" is in ng/dL)
            value = float(bare_lab_values(spec.field, np.array([value]))[0][0])
            if math.isnan(value):
                return None  # its size fits either unit: not used
        else:
            factor = lab_unit_factor(spec.field, written)
            if factor is None:
                return None  # another test's unit ("ng/mL" for a TSH): not used
            value *= factor
    limits = context_ranges().get(spec.field)
    if limits is not None and not limits.holds(value):
        return None  # a missing-data code (-99, 999) or an impossible value
    if spec.field == "creatinine":  # in the engine's reading of its size (wide.py)
        unit_written = np.array([quantity.unit_text or unit], dtype=object)
        if implausible_creatinine(np.array([value]), unit_written)[0]:
            return None  # impossible in its unit ("4.2 µmol/L" is a mg/dL value)
        value = float(creatinine_for_engine(np.array([value]), unit_written)[0])
    written = quantity.unit_text or unit
    info = normalise_unit(written)
    if info is None and written and spec.field == "monomeric_prolactin":
        return value, qualifier, quantity.text, written  # no prolactin unit: not converted
    return value, qualifier, quantity.text, info


def _written_in(unit: object) -> str:
    """ " in 'U/L'" for a unit cell that says something, else ""."""
    return "" if is_empty_value(unit) else f" in {cell_text(unit)!r}"


def _is_number_text(text: str) -> bool:
    quantity = parse_quantity(text)
    return quantity.status == "ok" and not quantity.unit_text


def _attach(
    context: _Context,
    prolactin_pos: np.ndarray,
    built: BuildResult,
    patient: np.ndarray,
    specimen: np.ndarray,
    collected: np.ndarray,
    table: RawTable,
    rejected: list[Rejected],
) -> pd.DataFrame:
    """Match context rows to prolactin rows; reject the ones that match none (other_test)."""
    frame_row = np.full(len(prolactin_pos), -1, dtype=np.int64)
    frame_row[built.accepted] = np.arange(len(built.accepted))
    stamps = collected.astype("datetime64[ns]")
    prl = pd.DataFrame(
        {
            "p": np.arange(len(prolactin_pos)),
            "pos": prolactin_pos,
            "row": table.source_rows[prolactin_pos],
            "patient": patient[prolactin_pos],
            "specimen": specimen[prolactin_pos],
            "ts": stamps[prolactin_pos],
        }
    )
    joins = context.joins if context.joins is not None else _joins_of([])
    n = len(context.positions)
    ctx = pd.DataFrame(
        {
            "c": np.arange(n),
            "pos": context.positions,
            "row": table.source_rows[context.positions],
            "patient": patient[context.positions],
            "specimen": specimen[context.positions],
            "ts": stamps[context.positions],
            "field": context.fields,
            "before": joins.before if len(joins.before) == n else np.full(n, -1, np.int64),
            "after": joins.after if len(joins.after) == n else np.full(n, -1, np.int64),
            "nearest": joins.nearest if len(joins.nearest) == n else np.ones(n, bool),
        }
    )
    issuer = _per_distinct(table, "patient_issuer", lambda c: _text(c).casefold())
    prl["issuer"] = issuer[prolactin_pos]
    ctx["issuer"] = issuer[context.positions]
    for frame in (prl, ctx):
        frame["day"] = frame["ts"].dt.normalize()
    undated = "specimen_id" not in table.columns and "collected_at" not in table.columns
    found = _match_levels(ctx, prl, undated)
    keyless = (ctx["patient"] == "") & (ctx["specimen"] == "")
    visit = ", visit" if "visit" in table.columns else ""
    for c in np.setdiff1d(np.arange(len(context.positions)), found["c"].to_numpy()):
        why = (
            f"this {context.fields[c]} result has no patient id, specimen number or name + birth "
            "date, so it cannot be joined to a prolactin result (rows of different patients "
            "are never joined)"
            if keyless.iloc[c]
            else f"no prolactin result of the same patient{visit} and collection for this "
            f"{context.fields[c]} result"
        )
        rejected.append(
            Rejected(
                table.file,
                table.sheet,
                int(table.source_rows[context.positions[c]]),
                "other_test",
                why,
            )
        )
    found["fi"] = frame_row[found["p"].to_numpy(dtype=np.int64)]
    # a context line joins every line of its collection (_nearest_collection): it is lost only
    # when none of them was read
    lost = found[~found["c"].isin(found.loc[found["fi"] >= 0, "c"])].drop_duplicates("c")
    for c, p in zip(lost["c"], lost["p"], strict=True):
        prl_row = int(table.source_rows[prolactin_pos[p]])
        rejected.append(
            Rejected(
                table.file,
                table.sheet,
                int(table.source_rows[context.positions[c]]),
                "other_test",
                f"its prolactin result (row {prl_row}) was rejected",
            )
        )
    # per result and test, the best line: its own collection first, then the nearest in time,
    # then the nearest in the file (a resent copy's own TSH line), then the first
    found = found[found["fi"] >= 0].sort_values(["fi", "field", "level", "dt", "near", "c"])
    # a statement in words (notes, drugs, symptoms, imaging) joins with every other line of its
    # test, after them (_join_text): a second medication line is more drugs, not a repeat
    # (before, "another medications result was already attached" dropped it)
    duplicate = (
        found.duplicated(["fi", "field"], keep="first") & ~found["field"].isin(TEXT_CONTEXT)
    ).to_numpy()
    unused = duplicate & ~found["c"].isin(found["c"].to_numpy()[~duplicate]).to_numpy()
    once = ~pd.Series(found["c"].to_numpy()).duplicated().to_numpy()
    for c, field in zip(
        found["c"].to_numpy()[unused & once],
        found["field"].to_numpy()[unused & once],
        strict=True,
    ):
        rejected.append(
            Rejected(
                table.file,
                table.sheet,
                int(table.source_rows[context.positions[c]]),
                "other_test",
                f"another {field} result was already attached to the same prolactin result",
            )
        )
    return found[~duplicate]


def _match_levels(ctx: pd.DataFrame, prl: pd.DataFrame, undated: bool) -> pd.DataFrame:
    """Best prolactin row per context row: same specimen, else same time, else same day.

    A file with neither specimen nor collection time columns matches on the patient alone
    (the nearest prolactin row in the file).
    """
    columns = ["c", "p", "field", "level", "dt", "near"]
    pieces: list[pd.DataFrame] = []
    remaining = ctx
    levels: list[tuple[int, list[str], pd.Series]] = [
        (1, ["patient", "specimen"], prl["specimen"] != ""),
        (2, ["patient", "ts"], prl["ts"].notna()),
        (3, ["patient", "day"], prl["day"].notna()),
    ]
    if undated:
        levels.append((4, ["patient"], prl["patient"] != ""))
    for level, keys, valid_prl in levels:
        if remaining.empty:
            break
        key = keys[-1]
        valid_ctx = (
            remaining[key] != "" if key in ("specimen", "patient") else remaining[key].notna()
        )
        if key != "specimen":
            # Without a specimen, only a key that identifies the patient (id, or name + birth
            # date) joins rows: never attach one patient's TSH to another's prolactin.
            valid_ctx = valid_ctx & (remaining["patient"] != "")
            valid_prl = valid_prl & (prl["patient"] != "")
        merged = remaining[valid_ctx].merge(prl[valid_prl], on=keys, suffixes=("", "_p"))
        if merged.empty:
            continue
        if level == 4:
            merged["dt"] = (merged["pos"] - merged["pos_p"]).abs()
            merged["near"] = merged["dt"]
        elif "ts_p" in merged:
            delta = (merged["ts"] - merged["ts_p"]).abs().to_numpy(dtype="timedelta64[ns]")
            merged["dt"] = np.where(np.isnat(delta), _NO_DELTA, delta.astype(np.int64))
        else:
            merged["dt"] = 0
        merged["level"] = level
        best = (
            merged.sort_values(["c", "dt", "p"]).drop_duplicates("c")
            if level == 4  # by the lines' distance alone: the nearest one
            else _nearest_collection(merged)
        )
        pieces.append(best[columns])
        remaining = remaining[~remaining["c"].isin(best["c"])]
    if not remaining.empty:
        loose = _loose_context(remaining, prl)
        if not loose.empty:
            pieces.append(loose[columns])
            remaining = remaining[~remaining["c"].isin(loose["c"])]
    if not remaining.empty and not undated:
        apart = _apart_context(remaining, prl)
        if not apart.empty:
            pieces.append(apart[columns])
    if not pieces:
        return pd.DataFrame({name: pd.Series(dtype="int64") for name in columns}).astype(
            {"field": object}
        )
    return pd.concat(pieces, ignore_index=True)


def _nearest_collection(merged: pd.DataFrame) -> pd.DataFrame:
    """Each context row's matches at its nearest collection time (least ``dt``): every prolactin
    line of that collection, not only the first — the same result sent again (an HL7 message
    resent with a new control id and the TSH added, a FHIR Observation given twice) carries the
    sample's TSH, eGFR and hCG on every copy.  Before, only the first line of the file got them,
    and the copy beside the very TSH line said "no TSH given" (review 21).  ``near``: the lines'
    distance in the file, by which a result with two such lines of a test takes its own
    (_attach): of the source rows (an HL7 file's segments, where the copy's own message lies
    between)."""
    least = merged.groupby("c")["dt"].transform("min")
    best = merged[merged["dt"] == least].copy()
    best["near"] = (best["row"].astype(np.int64) - best["row_p"].astype(np.int64)).abs()
    return best


LOOSE_LEVEL: Final = 5  # _match_levels: a context row joined by its patient alone (_loose_context)


def _loose_context(ctx: pd.DataFrame, prl: pd.DataFrame) -> pd.DataFrame:
    """Context rows with a patient but neither a specimen number nor a collection time (a FHIR
    Observation without specimen or effective time, an HL7 OBX whose order gives neither, a
    long export's TSH line left undated) in a file that has those columns: each joins its
    patient's prolactin result when the patient has one collection (one specimen or time) in
    the file, the nearest of its lines; with several, which one it belongs to is not known and
    it joins none.  Before, such a TSH, eGFR or hCG was rejected (other_test) beside the very
    prolactin result it came with."""
    loose = ctx[(ctx["specimen"] == "") & ctx["ts"].isna() & (ctx["patient"] != "")]
    own = prl[prl["patient"] != ""]
    if loose.empty or own.empty:
        return loose.iloc[0:0].assign(p=0, level=LOOSE_LEVEL, dt=0, near=0)
    stamps = own["ts"].astype("int64").where(own["ts"].notna(), -1).astype(str)
    collection = own["specimen"].where(own["specimen"] != "", "\x00" + stamps)
    single = collection.groupby(own["patient"]).transform("nunique") == 1
    merged = loose.merge(own[single.to_numpy()], on="patient", suffixes=("", "_p"))
    if merged.empty:
        return merged.assign(level=LOOSE_LEVEL, dt=0, near=0)
    merged["dt"] = 0  # every line of the patient's one collection (_nearest_collection)
    merged["level"] = LOOSE_LEVEL
    return _nearest_collection(merged)


LOOKBACK_LEVEL: Final = 6  # _match_levels: a line of another collection (_apart_context)
# The context tests of a chronic state (clinical-reference §8: hypothyroidism, chronic kidney
# disease) a recent value of another collection may stand for (synonyms.toml join_nearest):
# cited as "sample of <date>, another collection" and counted in a warning of their own.
CHRONIC_CONTEXT: Final = ("egfr", "creatinine", "tsh", "free_t4")
# The numbers of another collection whose date is kept in ``<field>_collected`` for the engine
# to cite (a text is cited by its join_note after it, _apply_context).
DATED_NUMBERS: Final = (
    *CHRONIC_CONTEXT,
    "hcg",
    "macroprolactin_recovery_pct",
    "monomeric_prolactin",
)


def _apart_context(ctx: pd.DataFrame, prl: pd.DataFrame) -> pd.DataFrame:
    """Context lines matched by no collection of their own (another specimen and day): each
    joins the dated prolactin result(s) of its patient (a patient key, never a keyless line;
    the same issuer) collected within its test's windows (synonyms.toml join_before /
    join_after, thresholds.toml days): a line dated before the draw at most ``before``, after
    it at most ``after`` (-1: never on that side); a chronic measure (join_nearest) its
    nearest such result only, any other line every one.  Before, an eGFR of 18 a month
    before the prolactin was rejected (review 20), and so were a medication list, symptoms,
    an MRI report the day or weeks before, a pregnancy test of the evening before, or a PEG
    recovery of the repeat sample (review 22): the result said no cause found, not urgent."""
    ready = (
        (ctx["patient"] != "") & ctx["ts"].notna() & ((ctx["before"] >= 0) | (ctx["after"] >= 0))
    )
    own = prl[(prl["patient"] != "") & prl["ts"].notna()]
    merged = ctx[ready].merge(own, on=["patient", "issuer"], suffixes=("", "_p"))
    if merged.empty:
        return merged.assign(level=LOOKBACK_LEVEL, dt=0, near=0)
    signed = (merged["ts"] - merged["ts_p"]).to_numpy(dtype="timedelta64[ns]").astype(np.int64)
    before = merged["before"].to_numpy()
    after = merged["after"].to_numpy()
    inside = np.where(
        signed < 0, (before >= 0) & (-signed <= before), (after >= 0) & (signed <= after)
    )
    merged["dt"] = np.abs(signed)
    near: pd.DataFrame = merged[inside].assign(level=LOOKBACK_LEVEL)
    nearest = near["nearest"].to_numpy(dtype=bool)
    every = near[~nearest].copy()
    every["near"] = (every["row"].astype(np.int64) - every["row_p"].astype(np.int64)).abs()
    return pd.concat([_nearest_collection(near[nearest]), every], ignore_index=True)


def _date_other_collections(
    frame: pd.DataFrame, attached: pd.DataFrame, stamps: np.ndarray, warnings: list[str]
) -> None:
    """The collection date of each value joined from another collection (LOOKBACK_LEVEL): in
    ``attached["dated"]`` (ISO, '' for a line of the result's own collection), in
    ``<field>_collected`` for a number the engine cites (DATED_NUMBERS) where the result has no
    value of its own (the value _apply_context then fills), and one warning for the chronic
    measures, one for the other lines."""
    level = attached["level"].to_numpy()
    dates = pd.DatetimeIndex(stamps[attached["pos"].to_numpy()]).strftime("%Y-%m-%d")
    attached["dated"] = np.where(level == LOOKBACK_LEVEL, np.asarray(dates, dtype=object), "")
    earlier = attached[level == LOOKBACK_LEVEL]
    if earlier.empty:
        return
    for field, rows in earlier[earlier["field"].isin(DATED_NUMBERS)].groupby("field"):
        fi = rows["fi"].to_numpy()
        empty = frame[str(field)].isna().to_numpy()[fi]
        if str(field) in LAB_WORD_FIELDS or str(field) in RENAL_WORD_FIELDS:
            empty &= frame[f"{field}_text"].isna().to_numpy()[fi]
        _fill(
            frame, f"{field}_collected", fi[empty], list(rows["dated"].to_numpy()[empty]), "string"
        )
    chronic = earlier["field"].isin(CHRONIC_CONTEXT).to_numpy()
    if chronic.any():
        days = fmt(load_thresholds().get("chronic_context_lookback_days"))
        fields = ", ".join(sorted({str(f) for f in earlier["field"][chronic]}))
        lines = earlier["c"][chronic].nunique()  # a line joined to every copy counts once
        warnings.append(
            f"{lines} context result(s) ({fields}) from another collection of the same "
            f"patient (up to {days} days apart) attached, each cited with its date: a chronic "
            "measure a recent value may stand for (check it still holds)"
        )
    if not chronic.all():
        fields = ", ".join(sorted({str(f) for f in earlier["field"][~chronic]}))
        lines = earlier["c"][~chronic].nunique()
        warnings.append(
            f"{lines} line(s) of another date ({fields}) attached to the same patient's "
            "prolactin result(s) dated within their window (medication lists, notes, symptoms "
            "and imaging recorded up to weeks before the draw, symptoms and imaging up to days "
            "after it, a pregnancy test or a macroprolactin screen of another sample days "
            "apart: thresholds.toml context_history_before_days, context_findings_after_days, "
            "pregnancy_test_apart_days, macroprolactin_apart_days), each cited with its date "
            "(check it still held at the draw)"
        )


def _dated_texts(context: _Context, attached: pd.DataFrame) -> pd.DataFrame:
    """``attached`` with ``text``: the text of each line that joins a result as words
    (TEXT_CONTEXT) or a yes/no answer (FLAG_FIELDS: "ja (recorded 2026-10-30)"), with the
    date of a line of another collection after it as its test's join_note says ("Risperidon 4
    mg (recorded 2026-11-01)", "Macroprolactin: not detected (done on the sample of
    2026-11-09)"), so that every evidence quoting it names its date."""
    c = attached["c"].to_numpy(dtype=np.int64)
    texts = context.texts[c] if len(c) else np.empty(0, dtype=object)
    dated = attached["dated"].to_numpy(dtype=object) if "dated" in attached else None
    if dated is not None and context.joins is not None and len(c):
        notes = context.joins.note[c]
        texts = np.array(
            [
                f"{t} ({n or 'recorded'} {d})" if d and t and f in _DATED_TEXTS else t
                for t, n, d, f in zip(texts, notes, dated, attached["field"], strict=True)
            ]
            + [None],
            dtype=object,
        )[:-1]
    return attached.assign(text=texts)


def _apply_context(
    built: BuildResult, context: _Context, attached: pd.DataFrame, warnings: list[str]
) -> pd.DataFrame:
    frame = built.frame
    if attached.empty:
        return frame
    for field, rows in attached.groupby("field"):
        fi = rows["fi"].to_numpy()
        c = rows["c"].to_numpy()
        name = str(field)
        if name in LOINC_KEPT and context.loincs is not None:  # with the value it comes with
            empty = frame[name].isna().to_numpy()[fi]
            _fill(frame, f"{name}_loinc", fi[empty], list(context.loincs[c][empty]), "string")
        if name == "hcg":
            texts = context.texts[c]
            unread = [u for u in map(hcg_unread_unit, map(str, texts)) if u is not None]
            if unread:  # "HCG; 45000; kIU/L": said, not dropped in silence
                warnings.append("test " + hcg_unread_warning("hCG", unread))
            _fill(frame, "hcg", fi, list(texts), "string")
            _fill(frame, "hcg_positive", fi, _hcg_read(context, c, warnings), "boolean")
            continue
        if name in TEXT_CONTEXT:  # joined after the row's own text, dated when of another day
            _join_text(frame, name, fi, list(rows["text"]))
            continue
        if name in FLAG_FIELDS:  # an answer: read as the yes/no column's cell would be
            texts = list(context.texts[c])
            _fill(frame, name, fi, [parse_yes_no(t, name) for t in texts], "boolean")
            _fill(frame, f"{name}_text", fi, list(rows["text"]), "string")  # dated if apart
            continue
        values = context.values[c].astype(np.float64)
        if name == "monomeric_prolactin":
            written = context.units[c]
            values, units = _monomeric_in_own_unit(frame, fi, values, written, warnings)
            empty = frame[name].isna().to_numpy()[fi]  # the row's own value wins (_fill)
            _fill(frame, "monomeric_prolactin_unit", fi[empty], list(units[empty]), "string")
            if context.post_peg_high is not None:  # the lab's post-PEG limit, as the value
                limits = _in_normalised_unit(_by_sex(frame, fi, context.post_peg_high[c]), written)
                _fill(
                    frame,
                    "monomeric_prolactin_reference_high",
                    fi[empty],
                    list(limits[empty]),
                    "float64",
                )
        if name in LIMITED_CONTEXT and context.lab_limits is not None:  # with its value
            empty = frame[name].isna().to_numpy()[fi]
            limits = context.lab_limits[c]
            for j, end in enumerate(("low", "high")):
                column = f"{name}_reference_{end}"
                _fill(frame, column, fi[empty], list(limits[empty, j]), "float64")
        _fill(frame, name, fi, list(values), "float64")
        if name in QUALIFIED:
            _fill(frame, f"{name}_qualifier", fi, list(context.qualifiers[c]), "string")
        if name in LAB_WORD_FIELDS or name in RENAL_WORD_FIELDS:  # words where no number is
            words = [t if v != v else None for t, v in zip(context.texts[c], values, strict=True)]
            _fill(frame, f"{name}_text", fi, words, "string")
    return frame


def _hcg_read(context: _Context, c: np.ndarray, warnings: list[str]) -> list[object]:
    """Whether each hCG line ``c`` says positive, its number read with the file's decimal mark
    (values.hcg_positive); a line the lab flagged high is never read as negative (its number
    may be written with a thousands mark the file does not show: "1.250"): not known, with a
    warning."""
    texts = [str(t) for t in context.texts[c]]
    read: list[object] = [hcg_positive(t, context.decimal) for t in texts]
    if context.flagged_high is None:
        return read
    high = context.flagged_high[c]
    contradicted = [t for t, r, h in zip(texts, read, high, strict=True) if r is False and h]
    if contradicted:
        warnings.append(
            f"{len(contradicted)} hCG result(s) the lab flagged high read as negative (e.g. "
            f"{contradicted[0]!r}: a thousands mark read as a decimal one?): not taken as a "
            "negative pregnancy test"
        )
    return [None if r is False and h else r for r, h in zip(read, high, strict=True)]


# Context tests whose result is a statement in words, joined to the prolactin row's own text.
TEXT_CONTEXT: Final = frozenset({"comments", "medications", "symptoms", "pituitary_lesion"})
# ... and those whose text, of another collection, is cited with its date after it
# (_dated_texts): the statements, and the yes/no answers (read from the text as written)
_DATED_TEXTS: Final = TEXT_CONTEXT | frozenset(FLAG_FIELDS)
# an HL7 coded value as a cell: "77386006^Pregnant^SCT", or its code alone ("77386006^^SCT")
_CODED: Final = re.compile(r"^([\w.-]*)\^([^^]*)(?:\^.*)?$")


def _coded_text(text: str) -> str:
    """The words of a coded value ("77386006^Pregnant^SCT" -> "Pregnant"); a code sent without
    its words, alone or as a coded value ("60001007", "LA26683-5", "169750002^^SCT"), as the
    words synonyms.toml [coded_conditions] gives it (values.coded_words: "not pregnant", never
    a descriptive text read as yes), else the code; else the text."""
    found = _CODED.match(text)
    if found and found.group(2).strip():
        return found.group(2).strip()
    code = found.group(1) if found else text
    return coded_words(code) or code


def _join_text(frame: pd.DataFrame, name: str, rows: np.ndarray, texts: list[object]) -> None:
    """Each of ``rows`` of ``frame[name]``: its own text, then the context's (once)."""
    column = frame[name].astype(object).to_numpy(copy=True)
    for row, text in zip(rows.tolist(), texts, strict=True):
        if not text:  # a no to a finding's line: nothing to add
            continue
        own = column[row]
        if own is None or own is pd.NA or (isinstance(own, float) and own != own) or not own:
            column[row] = text
        elif str(text) not in str(own):
            column[row] = f"{own}; {text}"
    frame[name] = pd.Series(column, index=frame.index, dtype=frame[name].dtype)


def _upper_in(interval: Interval | None, line: UnitInfo | None) -> float:
    """The upper limit of ``interval`` where it is in the line's unit ``line`` (it names none,
    or the same), else NaN."""
    if interval is None or interval.high is None or not interval.high > 0:
        return math.nan
    named = normalise_unit(interval.unit_text) if interval.unit_text else None
    if named is None or (
        line is not None and (named.unit, named.factor) == (line.unit, line.factor)
    ):
        return interval.high
    return math.nan


def _by_sex(frame: pd.DataFrame, rows: np.ndarray, limits: np.ndarray) -> np.ndarray:
    """Of each (woman's, man's) pair of ``limits``, the one of the row's sex; the lower when
    the sex is not known (as RowContext.post_peg_uln takes the thresholds')."""
    sex = frame["sex"].astype("string").fillna("").to_numpy(dtype=object)[rows]
    lower = np.fmin(limits[:, 0], limits[:, 1]) if len(limits) else np.empty(0)
    return np.where(sex == "F", limits[:, 0], np.where(sex == "M", limits[:, 1], lower))


def _in_normalised_unit(values: np.ndarray, units: np.ndarray) -> np.ndarray:
    """``values`` written in ``units`` (_context_value's unit info) in the normalised unit, as
    _monomeric_in_own_unit converts the monomeric prolactin; NaN where the unit is no prolactin
    unit (text)."""
    out = np.asarray(values, dtype=np.float64).copy()
    for k, info in enumerate(units):
        if isinstance(info, str):
            out[k] = math.nan
        elif isinstance(info, UnitInfo):
            out[k] = out[k] * info.factor
    return out


def _monomeric_in_own_unit(
    frame: pd.DataFrame, fi: np.ndarray, values: np.ndarray, units: np.ndarray, warnings: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Monomeric prolactin rows' values in their normalised unit, and that unit where it is the
    other prolactin unit than the result's (the engine converts it with the row's factor: 9 µg/L
    beside 1700 mIU/L), else None.  A unit written that is no prolactin unit (``_context_value``
    gives it as text) cannot be converted: not used, and the run says so."""
    row_units = frame["prolactin_unit"].to_numpy(dtype=object)[fi]
    out = values.copy()
    own = np.full(len(values), None, dtype=object)
    unknown: list[str] = []
    for k, info in enumerate(units):
        if isinstance(info, str):
            out[k] = math.nan
            unknown.append(info)
        elif isinstance(info, UnitInfo):
            out[k] = values[k] * info.factor
            own[k] = info.unit if info.unit != row_units[k] else None
    if unknown:
        warnings.append(unconverted_monomeric(len(unknown), sorted(set(unknown))))
    return out, own


def _fill(
    frame: pd.DataFrame, column: str, rows: np.ndarray, values: list[object], dtype: str
) -> None:
    """Set values where the frame has none yet (a value in the prolactin row itself wins)."""
    empty = frame[column].isna().to_numpy()[rows]
    if not empty.any():
        return
    target = rows[empty]
    chosen = [v for v, e in zip(values, empty, strict=True) if e]
    frame.loc[target, column] = typed_column(chosen, dtype)
