"""`triage_frame`: canonical frame in, results frame out (design.md, stage 3).

Per-row arithmetic (units, interval choice, status, band, HL7 code) is vectorised; the factor and
suggestion rules run per row on Python values with free-text work cached per distinct string.
Pure: no I/O besides reading the bundled cue and label vocabularies once, and no logging.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from triage.engine.classify import classify
from triage.engine.context import RULE_COLUMNS, RowContext, Rows, python_values
from triage.engine.factors import (
    Finding,
    find_factors,
    known_lesion,
    physiological_explanation,
    rank,
)
from triage.engine.intervals import choose_intervals, physiology, vet_row_intervals
from triage.engine.labels import Labels, load_labels
from triage.engine.priority import decide, hook_effect_risk
from triage.engine.state import (
    PatientState,
    derived_columns,
    load_state_vocabulary,
    read_states,
    state_hits,
)
from triage.engine.suggestions import Situation, Suggestion, calm, suggest, suggest_calm
from triage.engine.text import CueBook, Hits, load_cue_book, merge_hits
from triage.engine.units import convert, row_set_names
from triage.knowledge.drugs import drug_matcher
from triage.knowledge.model import DrugMatch, Knowledge
from triage.numbers import rounded_array
from triage.schema import CANONICAL_COLUMNS, ENGINE_EXTRA_COLUMNS, RESULT_COLUMNS, TEXT_FIELDS
from triage.values import unknown_age_spans

_SECONDS_PER_YEAR = np.timedelta64(1, "Y").astype("timedelta64[s]").astype("float64")


def prepare(knowledge: Knowledge) -> None:
    """Load and compile every vocabulary the rules read (cues, labels, patient-state words, drug
    matchers) now, once: before forking workers, so that they inherit them compiled."""
    load_cue_book()
    load_labels()
    load_state_vocabulary()
    drugs = tuple(knowledge.drugs)
    drug_matcher(drugs)
    drug_matcher(drugs, abbreviations=False)


def triage_frame(
    frame: pd.DataFrame,
    knowledge: Knowledge,
    *,
    as_of: datetime | None = None,
) -> pd.DataFrame:
    """Triage every row of a canonical frame.

    Returns RESULT_COLUMNS then ENGINE_EXTRA_COLUMNS, same order and index as `frame`.  `as_of`
    dates rows that have a birth date but no collection date (age at `as_of`).
    """
    missing = [c for c in CANONICAL_COLUMNS if c not in frame.columns]
    if missing:
        raise KeyError(f"canonical columns missing: {', '.join(missing)}")
    book = load_cue_book()
    labels = load_labels()
    ages = _ages(frame, as_of)
    # An age known only to be under a span ("0 y": under one year, days unknown) comes as the
    # span negated (values.unknown_age): shown and used as 0, judged against every interval of
    # the span (engine/intervals.py).
    age_spans = unknown_age_spans(ages.to_numpy(dtype="float64"))
    ages = ages.where(np.isnan(age_spans), 0.0)
    work = frame.assign(age_years=ages)
    # The patient's state, read once per row from every state column and the free text, is the
    # one authority for pregnancy, feeding, menopause, dialysis, transplant and liver disease:
    # the yes/no and number columns the rules read are derived from it.
    patients = read_states(
        work,
        knowledge.thresholds.get("pregnancy_implausible_age_years"),
        before_childbearing_age=knowledge.thresholds.get("pregnancy_min_age_years"),
    )
    work = work.assign(**derived_columns(work, patients))

    set_names = row_set_names(work, knowledge)
    converted = convert(work, set_names, knowledge)
    hits = merge_hits([_cue_hits(work, book), state_hits(patients)], len(work))
    phys = physiology(work, patients, knowledge)
    row_intervals = vet_row_intervals(
        work, converted.low_ng, converted.high_ng, converted.factor, hits, knowledge
    )
    chosen = choose_intervals(work, set_names, row_intervals, phys, knowledge, age_spans)
    value_ng = converted.value_ng.to_numpy(dtype="float64")
    qualifier = work["qualifier"].fillna("").astype(str).to_numpy(dtype=object)
    classified = classify(value_ng, qualifier, chosen, knowledge.thresholds)

    rows = Rows(
        knowledge=knowledge,
        book=book,
        raw={name: python_values(work[name]) for name in RULE_COLUMNS},
        value_ng=value_ng.tolist(),
        qualifier=qualifier.tolist(),
        uln=chosen.high.tolist(),
        factor=converted.factor.to_numpy(dtype="float64").tolist(),
        monomeric_ng=converted.monomeric_ng.to_numpy(dtype="float64").tolist(),
        status=classified.status.tolist(),
        possibly_high=classified.possibly_high.tolist(),
        mild=classified.mild.tolist(),
        source=chosen.source,
        state=chosen.state,
        alt_uln=chosen.alt_high.tolist(),
        pregnancy_conflict=phys.pregnancy_conflict.tolist(),
        hits=hits,
        drugs=_drug_matches(work, knowledge),
        threshold_values={k: t.value for k, t in knowledge.thresholds.values.items()},
        patients=patients,
        low=chosen.low.tolist(),
        usual_uln=chosen.usual_high.tolist(),
    )
    decisions = [_decide_row(RowContext(rows, i), labels) for i in range(len(work))]
    shared: Shared = {}

    def rounded(values: np.ndarray | pd.Series) -> pd.Series:
        return pd.Series(rounded_array(values), index=work.index)

    def text(values: Sequence[str] | np.ndarray, *, empty_is_na: bool = False) -> pd.Series:
        series = pd.Series(list(values), index=work.index, dtype="string")
        return series.replace("", pd.NA) if empty_is_na else series

    out = pd.DataFrame(index=work.index)
    for name in ("source_file", "source_sheet", "source_row", "patient_id", "collected_at", "sex"):
        out[name] = work[name]
    out["age_years"] = work["age_years"]
    out["prolactin_raw"] = work["prolactin_raw"]
    out["unit_raw"] = work["unit_raw"]
    out["prolactin_ng_ml"] = rounded(value_ng)
    out["qualifier"] = work["qualifier"].fillna("").astype("string")
    out["reference_set"] = text(chosen.set_name)
    out["reference_source"] = text(classified.reference_source, empty_is_na=True)
    out["reference_low_ng_ml"] = rounded(classified.reference_low)  # the limits that decided
    out["reference_high_ng_ml"] = rounded(classified.reference_high)
    out["times_uln"] = pd.Series(classified.times_uln, index=work.index, dtype="float64")
    out["status"] = text(classified.status.tolist())
    out["band"] = text(classified.band.tolist())
    out["interpretation"] = text(classified.interpretation.tolist())
    out["priority"] = text([d[0] for d in decisions])
    shown = [_shown(d[1], d[2], labels, shared) for d in decisions]
    out["factors"] = text([v.factors for v in shown])
    out["suggestions"] = text([v.suggestions for v in shown])
    out["patient_name"] = work["patient_name"]
    out["prolactin_value"] = work["prolactin_value"]
    out["prolactin_unit"] = work["prolactin_unit"]
    out["conversion_factor_used"] = converted.factor_used.astype("float64")
    out["reference_stratum"] = text(chosen.stratum, empty_is_na=True)
    notes = _conflict_notes(_notes(work, converted.value_ng, classified.note), patients)
    out["reference_note"] = text(notes)
    out["factor_details"] = pd.Series(
        [v.factor_details for v in shown], index=work.index, dtype=object
    )
    out["suggestion_details"] = pd.Series(
        [v.suggestion_details for v in shown], index=work.index, dtype=object
    )
    out["factor_evidence"] = text([v.evidence for v in shown])
    out["specimen_id"] = work["specimen_id"]
    out["birth_date"] = work["birth_date"].dt.strftime("%Y-%m-%d").astype("string")  # a day
    return out[list(RESULT_COLUMNS + ENGINE_EXTRA_COLUMNS)]


_NOTHING: tuple[str, list[Finding], list[Suggestion]] = ("none", [], [])


def _decide_row(ctx: RowContext, labels: Labels) -> tuple[str, list[Finding], list[Suggestion]]:
    # A result not high against a physiological interval is listed with the state that judged
    # it (likely where it explains a result above the usual limit); a known pituitary lesion is
    # listed whatever the status or state.  A red flag that counts (context.mass_effect_flag)
    # is never quiet.
    if ctx.high_like:
        findings = find_factors(ctx, labels)
    else:
        explaining = physiological_explanation(ctx) + known_lesion(ctx)
        findings = rank(explaining, labels) if explaining else []
    quiet = (
        not ctx.drugs
        and not ctx.lesion.present
        and not ctx.patient.conflicts
        and ctx.mass_effect_flag is None
        and ctx.sellar_sign_alone is None  # a chiasmal or sellar sign: MRI whatever the result
    )
    if not ctx.high_like and quiet:
        return ("none", findings, []) if findings else _NOTHING
    if calm(ctx):  # priority none; only the dopamine-agonist and conflict notes can fire
        found = suggest_calm(ctx, labels)
        return ("none", findings, found) if findings or found else _NOTHING
    hook = hook_effect_risk(ctx)
    priority = decide(ctx, findings, labels, hook)
    situation = Situation(ctx=ctx, findings=findings, priority=priority, hook=hook, labels=labels)
    return priority, findings, suggest(situation)


def _ages(frame: pd.DataFrame, as_of: datetime | None) -> pd.Series:
    """age_years as given, else from birth date to collection (or `as_of`) in years."""
    ages = frame["age_years"].astype("float64")
    need = ages.isna() & frame["birth_date"].notna()
    if not need.any():
        return ages
    until = frame["collected_at"]
    if as_of is not None:
        # Collection times are wall-clock times without a zone; compare like with like.
        stamp = pd.Timestamp(as_of)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert(None)
        until = until.fillna(stamp)
    seconds = (until - frame["birth_date"]).dt.total_seconds()
    computed = seconds / _SECONDS_PER_YEAR
    return ages.where(~need, computed.where(computed >= 0))


def _notes(frame: pd.DataFrame, value_ng: pd.Series, notes: list[str]) -> list[str]:
    """The interval notes, prefixed where the result could not be put in ng/mL."""
    lost = (value_ng.isna() & frame["prolactin_value"].notna()).to_numpy()
    if not lost.any():
        return notes
    units = frame["unit_raw"].fillna(frame["prolactin_unit"]).fillna("").astype(str).tolist()
    return [
        f"The result's unit ('{units[i]}') cannot be converted to ng/mL: no status. {note}"
        if lost[i]
        else note
        for i, note in enumerate(notes)
    ]


def _conflict_notes(notes: list[str], patients: list[PatientState]) -> list[str]:
    """The interval notes, with the contradictions the patient's state holds (never resolved
    silently: the stricter reading was used)."""
    return [
        f"{note}{'. ' if note else ''}Conflicting context: {'; '.join(p.conflicts)}"
        if p.conflicts
        else note
        for note, p in zip(notes, patients, strict=True)
    ]


def _cue_hits(frame: pd.DataFrame, book: CueBook) -> list[Hits]:
    columns = [book.match_column(field, frame[field]) for field in book.fields]
    return merge_hits(columns, len(frame))


# Where drugs are looked for: the medication list first, then every other free-text field
# (clinical notes often say "on risperidone"), where short capital abbreviations are not read.
DRUG_LIST_FIELD = "medications"
DRUG_NOTE_FIELDS: tuple[str, ...] = tuple(f for f in TEXT_FIELDS if f != DRUG_LIST_FIELD)


def _drug_matches(frame: pd.DataFrame, knowledge: Knowledge) -> list[tuple[DrugMatch, ...]]:
    """Per row, each drug taken once: from the medication list, else from a note (the match
    records the field it was written in)."""
    drugs = tuple(knowledge.drugs)
    readers = [(DRUG_LIST_FIELD, drug_matcher(drugs))]
    readers += [(f, drug_matcher(drugs, abbreviations=False)) for f in DRUG_NOTE_FIELDS]
    found: dict[tuple[str, str], tuple[DrugMatch, ...]] = {}
    rows: list[dict[str, DrugMatch] | None] = [None] * len(frame)
    # Field by field (each row still takes its fields in reader order), written cells only.
    for name, matcher in readers:
        column = frame[name]
        cells = column.tolist()
        present = np.flatnonzero(column.notna().to_numpy(dtype=bool)).tolist()
        written = [(i, cells[i]) for i in present if isinstance(cells[i], str) and cells[i].strip()]
        for i, text in written:
            key = (name, text)
            if key not in found:
                found[key] = tuple(replace(m, field=name) for m in matcher.find(text))
            matches = found[key]
            if not matches:
                continue
            row = rows[i]
            if row is None:
                row = rows[i] = {}
            for match in matches:
                row.setdefault(match.drug.name, match)
    return [() if row is None else tuple(row.values()) for row in rows]


# Detail objects are shared between the rows that have the same ones (a 100k-row export holds
# ~150k suggestion objects but ~3.5k distinct ones): one object per distinct finding, one list
# per distinct list.  They are never changed after the engine (redaction copies them).
Detail = tuple[tuple[str, object], ...]  # a detail object's (key, value) pairs, in order
Shared = dict[object, Any]


class Shown(NamedTuple):
    """A decision's output cells."""

    factors: str  # factor codes, ";"-joined
    suggestions: str  # suggestion and caution codes, ";"-joined
    factor_details: list[dict[str, Any]]
    suggestion_details: list[dict[str, Any]]
    evidence: str  # the flat evidence text


def _shown(
    findings: list[Finding], found: list[Suggestion], labels: Labels, shared: Shared
) -> Shown:
    """A decision's output cells (factor codes, suggestion codes, their detail objects, the
    flat evidence), built once per distinct decision: most rows repeat another row's."""
    # Keyed on the fields (as Finding and Suggestion compare), without their Python-level hash.
    key: tuple[object, ...] = _NO_CELLS_KEY
    if findings or found:
        key = (
            "shown",
            len(findings),
            *[(f.code, f.strength, f.evidence, f.rule, f.exceeded) for f in findings],
            *[(s.code, s.reason, s.rule) for s in found],
        )
    cells = shared.get(key)
    if cells is None:
        cells = shared[key] = Shown(
            ";".join(f.code for f in findings),
            ";".join(s.code for s in found),
            _shared_details([_factor_detail(f, labels) for f in findings], shared),
            _shared_details([_suggestion_detail(s, labels) for s in found], shared),
            _flat_evidence(findings),
        )
    return cells


_NO_CELLS_KEY: tuple[object, ...] = ("shown", 0)  # the key of no finding and no suggestion


def _factor_detail(f: Finding, labels: Labels) -> Detail:
    return (
        ("code", f.code),
        ("label", labels.factor(f.code).label),
        ("strength", f.strength),
        ("evidence", f.evidence),
        ("rule", f.rule),
    )


def _suggestion_detail(s: Suggestion, labels: Labels) -> Detail:
    return (
        ("code", s.code),
        ("label", labels.suggestion(s.code).label),
        ("reason", s.reason),
        ("rule", s.rule),
    )


def _shared_details(items: list[Detail], shared: Shared) -> list[dict[str, Any]]:
    """One list per distinct list of details, one dict per distinct detail."""
    key = ("list", *items)
    found = shared.get(key)
    if found is None:
        found = shared[key] = []
        for item in items:
            detail = shared.get(item)
            if detail is None:
                detail = shared[item] = dict(item)
            found.append(detail)
    return found


def _flat_evidence(findings: list[Finding]) -> str:
    return " | ".join(f"{f.code} ({f.strength}): {f.evidence}" for f in findings)
