"""`triage_frame`: canonical frame in, results frame out (design.md, stage 3).

Per-row arithmetic (units, interval choice, status, band, HL7 code) is vectorised; the factor and
suggestion rules run per row on Python values with free-text work cached per distinct string.
Pure: no I/O besides reading the bundled cue and label vocabularies once, and no logging.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Final, NamedTuple

import numpy as np
import pandas as pd

from triage.engine import distinct, memo
from triage.engine.amounts import NG, LabUnit, has_markers, has_result, render
from triage.engine.classify import (
    FLAGGED_STATUS,
    LOW,
    Classified,
    classify,
    heed_lab_flags,
    joined_note,
)
from triage.engine.comment import Given, comment, decision_text, reference_text, result_sentence
from triage.engine.context import (
    PITUITARY_DAMAGE_CUES,
    RULE_COLUMNS,
    RowContext,
    Rows,
    rule_values,
)
from triage.engine.diluted import Diluted, diluted_results
from triage.engine.distinct import distinct_rows, rows_with_a_text
from triage.engine.factors import (
    Finding,
    contributors_in_state,
    find_factors,
    known_lesion,
    physiological_explanation,
    rank,
)
from triage.engine.gender import (
    feminising_care,
    interval_sexes,
    transgender_notes,
    transgender_rows,
)
from triage.engine.intervals import (
    RowIntervals,
    choose_intervals,
    physiology,
    vet_row_intervals,
)
from triage.engine.labels import CommentWords, Labels, load_labels
from triage.engine.newborn import newborn_ages
from triage.engine.priority import decide, hook_effect_risk, lab_hook_pending
from triage.engine.state import (
    PatientState,
    derived_columns,
    load_state_vocabulary,
    read_states,
    state_hits,
)
from triage.engine.suggestions import (
    Situation,
    Suggestion,
    calm,
    calm_shortcut_holds,
    suggest,
    suggest_calm,
)
from triage.engine.text import (
    CueBook,
    Hits,
    load_cue_book,
    merge_hits,
    texts_as_read,
)
from triage.engine.units import (
    MIU_L,
    NG_ML,
    Contradiction,
    Converted,
    convert,
    implausible_monomeric,
    row_set_names,
    unknown_assays,
)
from triage.knowledge.drugs import (
    drug_matcher,
    gives_medications,
    medication_lists,
    reads_a_date,
)
from triage.knowledge.model import DrugMatch, Knowledge
from triage.numbers import (
    LAB_DECIMALS_MAX,
    age_text,
    beside_limit,
    fmt_lab,
    fmt_limit,
    lab_decimals,
    rounded_array,
    written_decimals,
)
from triage.schema import (
    CANONICAL_COLUMNS,
    ENGINE_EXTRA_COLUMNS,
    MEMO_TEXTS_KEPT,
    RESULT_COLUMNS,
    TEXT_FIELDS,
)
from triage.values import (
    OPEN_END_ATTR,
    TEXT_DAYFIRST_ATTR,
    ages_in_years,
    normalise_unit,
    parse_quantity,
    text_date_order,
    text_dayfirst,
    unknown_age_spans,
)


def prepare(knowledge: Knowledge) -> None:
    """Load and compile every vocabulary the rules read (cues, labels, patient-state words, drug
    matchers) now, once: before forking workers, so that they inherit them compiled."""
    load_cue_book()
    load_labels()
    load_state_vocabulary()
    drugs = tuple(knowledge.drugs)
    drug_matcher(drugs)
    drug_matcher(drugs, abbreviations=False, labelled=True)


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
    # the dates written in the notes are read in the day/month order of the file's date columns
    # (io/readers.py sets it on the frame: --dayfirst/--monthfirst or the file's own dates)
    with text_date_order(bool(frame.attrs.get(TEXT_DAYFIRST_ATTR, True))):
        return _triage_frame(frame, knowledge, as_of)


def _triage_frame(
    frame: pd.DataFrame, knowledge: Knowledge, as_of: datetime | None
) -> pd.DataFrame:
    """triage_frame, within the file's day/month order."""
    book = load_cue_book()
    labels = load_labels()
    ages = _ages(frame, as_of)
    # no age and no birth date, but the notes, the sample, the ward or the name say newborn
    # ("nouveau-né, J2", "sang de cordon", "Néonatologie", "BB DUPONT"): an infant's row
    ages = newborn_ages(frame, ages, knowledge)
    # An age known only to be under a span ("0 y": under one year, days unknown) comes as the
    # span negated (values.unknown_age): shown and used as its youngest possible age (0, or the
    # age_min_years a birth year or month allows: "2025" collected in November 2026 is at least
    # ten months old, no neonate), judged against every interval from there to the span
    # (engine/intervals.py).
    age_spans = unknown_age_spans(ages.to_numpy(dtype="float64"))
    youngest = frame["age_min_years"].astype("float64").where(~np.isnan(age_spans))
    ages = ages.where(np.isnan(age_spans), youngest.fillna(0.0))
    work = frame.assign(age_years=ages)
    # words hyphenated over a line break in a note ("Gesichtsfeld-<new line>ausfall") read as
    # one word by every text rule, and a diagnosis code after its label ("Dx: H53.47") in its
    # words
    work = work.assign(**texts_as_read(work))
    # The patient's state, read once per row from every state column and the free text, is the
    # one authority for pregnancy, feeding, menopause, dialysis, transplant and liver disease:
    # the yes/no and number columns the rules read are derived from it.
    patients = read_states(
        work,
        knowledge.thresholds.get("pregnancy_implausible_age_years"),
        before_childbearing_age=knowledge.thresholds.get("pregnancy_min_age_years"),
        thresholds=knowledge.thresholds,
    )
    # Oestrogen as feminising care (in a patient recorded male beside spironolactone, or as
    # neither sex beside an anti-androgen; never where prostate cancer is named): a trans
    # woman's state, as "trans woman" in the notes gives (gender.py)
    drugs = _drug_matches(work, knowledge)
    patients = feminising_care(patients, drugs, work["sex"], work["gender"])
    work = work.assign(**derived_columns(work, patients))

    set_names = row_set_names(work, knowledge)
    converted = convert(work, set_names, knowledge)
    # A diluted result written in a note, higher than the cell's: the result that counts (the
    # cell may read falsely low by the hook effect); prolactin_raw stays the cell as written.
    diluted = diluted_results(
        work,
        patients,
        converted.value_ng.to_numpy(dtype="float64"),
        converted.factor.to_numpy(dtype="float64"),
    )
    if diluted is not None:
        taken = pd.Series(diluted.taken, index=work.index)
        work = work.assign(
            prolactin_value=work["prolactin_value"].where(
                ~taken, pd.Series(diluted.value, index=work.index)
            ),
            qualifier=work["qualifier"].where(
                ~taken, pd.Series(diluted.qualifier, index=work.index, dtype=object)
            ),
        )
        converted = convert(work, set_names, knowledge)
    converted, contradictions = _plausible_monomeric(work, converted, knowledge)
    hits = merge_hits([_cue_hits(work, book), state_hits(patients)], len(work))
    phys = physiology(work, patients, knowledge)
    # a transgender patient: both sexes' intervals, whatever sex the file records (gender.py)
    transgender = transgender_rows(patients)
    judged = interval_sexes(work, transgender)
    row_intervals = vet_row_intervals(
        judged, converted.low_ng, converted.high_ng, converted.factor, hits, knowledge, phys
    )
    chosen = choose_intervals(
        judged, set_names, row_intervals, phys, knowledge, age_spans, youngest.to_numpy()
    )
    value_ng = converted.value_ng.to_numpy(dtype="float64")
    qualifier = work["qualifier"].fillna("").astype(str).to_numpy(dtype=object)
    classified = classify(value_ng, qualifier, chosen, knowledge.thresholds)
    lab_flag = work["lab_flag"].astype(object).where(work["lab_flag"].notna(), None).to_numpy()
    classified = heed_lab_flags(classified, lab_flag)
    limits = _lab_limits(work, converted, row_intervals, classified)
    labs = _lab_units(work, converted, row_intervals, classified, limits)
    lab_value = work["prolactin_value"].to_numpy(dtype="float64").tolist()
    unknown = unknown_assays(work, knowledge)

    rows = Rows(
        knowledge=knowledge,
        book=book,
        raw={name: rule_values(work[name]) for name in RULE_COLUMNS},
        value_ng=value_ng.tolist(),
        qualifier=qualifier.tolist(),
        uln=chosen.high.tolist(),
        factor=converted.factor.to_numpy(dtype="float64").tolist(),
        monomeric_ng=converted.monomeric_ng.to_numpy(dtype="float64").tolist(),
        post_peg_high_ng=converted.post_peg_high_ng.to_numpy(dtype="float64").tolist(),
        lab_interval_physiological=row_intervals.physiological,
        status=classified.status.tolist(),
        lab_flag=lab_flag.tolist(),
        possibly_high=classified.possibly_high.tolist(),
        mild=classified.mild.tolist(),
        source=chosen.source,
        state=chosen.state,
        alt_uln=chosen.alt_high.tolist(),
        pregnancy_conflict=phys.pregnancy_conflict.tolist(),
        hits=hits,
        drugs=drugs,
        threshold_values={k: t.value for k, t in knowledge.thresholds.values.items()},
        patients=patients,
        low=chosen.low.tolist(),
        usual_uln=chosen.usual_high.tolist(),
        labs=labs,
        lab_value=lab_value,
        set_names=list(chosen.set_name),
        diluted=diluted.evidence if diluted is not None else [],
        disputed_high=(
            classified.disputed_high.tolist() if classified.disputed_high is not None else []
        ),
        stratum_states=["|".join(iv.state for iv in m) for m in chosen.members],
        monomeric_contradicted=[c is not None for c in contradictions],
        unknown_assay=unknown,
    )
    decisions = _decide_rows(rows, labels)
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
    shown = _shown_rows(decisions, labels, shared)
    out["factors"] = _taken([v.factors for v in shown.cells], shown.codes, work.index)
    out["suggestions"] = _taken([v.suggestions for v in shown.cells], shown.codes, work.index)
    out["patient_name"] = work["patient_name"]
    out["prolactin_value"] = work["prolactin_value"]
    out["prolactin_unit"] = work["prolactin_unit"]
    out["conversion_factor_used"] = converted.factor_used.astype("float64")
    out["reference_stratum"] = text(chosen.stratum, empty_is_na=True)
    notes = _conflict_notes(_notes(work, converted.value_ng, classified.note), patients)
    if transgender.any():
        notes = transgender_notes(notes, patients, chosen)
    if as_of is not None:
        notes = _age_at_run_notes(frame, ages, notes)
    notes = _in_row_units(notes, labs, rows.value_ng, rows.qualifier, lab_value)
    notes = _unknown_assay_notes(unknown, chosen.source, notes, knowledge)
    for i, found in enumerate(contradictions):
        if found is not None:  # the monomeric prolactin not used: why, in the row's unit
            notes[i] = joined_note(notes[i], found.sentence(labs[i].amount))
    out["reference_note"] = text(notes)
    details = [v.factor_details for v in shown.cells]
    out["factor_details"] = _taken_objects(details, shown.codes, work.index)
    details = [v.suggestion_details for v in shown.cells]
    out["suggestion_details"] = _taken_objects(details, shown.codes, work.index)
    out["factor_evidence"] = _taken([v.evidence for v in shown.cells], shown.codes, work.index)
    out["specimen_id"] = work["specimen_id"]
    out["birth_date"] = work["birth_date"].dt.strftime("%Y-%m-%d").astype("string")  # a day
    out["reference_low_value"] = pd.Series(limits.low, index=work.index, dtype="float64")
    out["reference_high_value"] = pd.Series(limits.high, index=work.index, dtype="float64")
    out["requesting_clinician"] = work["requesting_clinician"]
    out["location"] = work["location"]
    out["patient_issuer"] = work["patient_issuer"]
    out["result_status"] = work["result_status"]
    out["visit"] = work["visit"]
    out["source_column"] = work["source_column"]
    out["unmatched_assay"] = text(unknown, empty_is_na=True)
    adult_from = knowledge.thresholds.get("adult_age_years")
    comments, codes = _comments(work, classified, decisions, shown, limits, labels, adult_from)
    out["comment"] = _taken(comments, codes, work.index)
    if diluted is not None:
        out["comment"] = _diluted_comments(out["comment"], work, diluted, labels)
    open_end = frame.attrs.get(OPEN_END_ATTR)
    if open_end:
        out["comment"] = _open_end_comments(out["comment"], work, open_end, labels)
    return out[list(RESULT_COLUMNS + ENGINE_EXTRA_COLUMNS)]


def _open_end_comments(
    comments: pd.Series, work: pd.DataFrame, cautions: Mapping[int, str], labels: Labels
) -> pd.Series:
    """The comments of the rows of a text's last line that ends without a line end right after
    a value the reader reads (io/readers.py _open_end_caution): followed by that caution, as the
    first caution of a row is given (labels.toml [comments] `caution`).  Never urgent for it."""
    rows = work["source_row"].tolist()
    hit = work["source_row"].isin(list(cautions)).to_numpy(dtype=bool)
    if not hit.any():
        return comments
    assert labels.comments is not None
    template = labels.comments.template("caution")
    out = comments.copy()
    for i in np.flatnonzero(hit).tolist():
        sentence = template.format(label=cautions[int(rows[i])])
        written = out.iloc[i]
        out.iloc[i] = sentence if pd.isna(written) or not written else f"{written} {sentence}"
    return out


class LabLimits(NamedTuple):
    """The limits that decided, in the row's own unit at the lab's precision."""

    low: np.ndarray  # float64, NaN where missing
    high: np.ndarray
    low_decimals: np.ndarray  # int: decimals to write each with
    high_decimals: np.ndarray
    value_decimals: np.ndarray  # int: decimals of the lab's own result (lab_decimals)


def _per_distinct(values: pd.Series, func: Any, dtype: str) -> np.ndarray:
    """`func` of every distinct cell (missing cells: func(None)), per row."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([*map(func, uniques.tolist()), func(None)], dtype=dtype)
    result: np.ndarray = table[np.where(codes < 0, len(uniques), codes)]
    return result


def _lab_limits(
    work: pd.DataFrame, converted: Converted, row: RowIntervals, classified: Classified
) -> LabLimits:
    """reference_low_value / reference_high_value: the decided limits (reference_low_ng_ml /
    _high_ng_ml) in the row's unit.  A limit that is the lab's own interval as the file gave it
    (the decided limit is the row's, read in the row's unit) is the file's number; any other is
    converted with the row's factor and rounded to the decimals of the lab's result."""
    unit = work["prolactin_unit"]
    is_miu = (unit == MIU_L).fillna(False).to_numpy(dtype=bool)
    is_ng = (unit == NG_ML).fillna(False).to_numpy(dtype=bool)
    factor = converted.factor_used.to_numpy(dtype="float64")
    decimals = _per_distinct(
        work["prolactin_raw"], lambda raw: lab_decimals(raw) if isinstance(raw, str) else 0, "int64"
    )
    # a result written in IU/L is the lab's value in mIU/L times 1000: "6,2" IU/L has no decimal
    # as 6200 mIU/L (was "6200.0 mIU/L"; review 22)
    decimals = np.maximum(decimals - _per_distinct(work["unit_raw"], _scale_places, "int64"), 0)
    shown: list[np.ndarray] = []
    places: list[np.ndarray] = []
    lab_value = work["prolactin_value"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):  # a '12.345' read as a decimal, not as thousands
        fractional = (decimals == 0) & np.isfinite(lab_value) & (lab_value != np.floor(lab_value))
    if fractional.any():
        raws = work["prolactin_raw"].to_numpy(dtype=object)
        for i in np.flatnonzero(fractional).tolist():
            if isinstance(raws[i], str):
                decimals[i] = lab_decimals(raws[i], float(lab_value[i]))
    sides = (
        (classified.reference_low, row.low, converted.low_ng, work["reference_low"]),
        (classified.reference_high, row.high, converted.high_ng, work["reference_high"]),
    )
    for decided_values, vetted_values, read_values, raw_values in sides:
        decided = np.asarray(decided_values, dtype="float64")
        vetted = vetted_values.to_numpy(dtype="float64")
        raw = raw_values.to_numpy(dtype="float64")
        with np.errstate(invalid="ignore"):
            in_unit = np.where(is_miu, decided * factor, np.where(is_ng, decided, np.nan))
            # the same number, not a near one: the row's limit reaches the decision unchanged
            from_row = (
                (decided == vetted)
                & (vetted == read_values.to_numpy(dtype="float64"))
                & ~np.isnan(raw)
                & (is_miu | is_ng)
            )
        # to the decimals of the lab's result; one or two more where that would show the limit
        # equal to a result it is not equal to ("18 ng/mL; reference 1–18" for a limit of
        # 17.5: a raised result beside a limit that reads the same)
        side_places = np.maximum(decimals, _significant_places(in_unit))
        # a limit in ng/mL reaches a row in ng/mL unconverted: shown as the set gave it (23.3,
        # 14.62), never rounded to the result's decimals into a limit that was not used ("23")
        side_places = np.where(is_ng, np.maximum(side_places, _given_places(decided)), side_places)
        rounded_in_unit = _rounded(in_unit, side_places)
        with np.errstate(invalid="ignore"):
            for _ in range(_MORE_PLACES):
                clash = (rounded_in_unit == lab_value) & (in_unit != lab_value) & ~from_row
                if not clash.any():
                    break
                side_places = side_places + clash
                rounded_in_unit = _rounded(in_unit, side_places)
        shown.append(np.where(from_row, raw, rounded_in_unit))
        written = _per_distinct(
            pd.Series(raw), lambda v: 0 if v is None else written_decimals(v), "int64"
        )
        places.append(np.where(from_row, written, side_places))
    return LabLimits(shown[0], shown[1], places[0], places[1], decimals)


# The statuses of a result beyond one of its limits: the upper one, then the lower one.
_BEYOND: Final = ("high", "low")
_MORE_PLACES: Final = 2  # decimals a limit may take beyond the result's to differ from it
# A limit keeps at least this many significant digits whatever the result's decimals: a child's
# lower limit of 0.7 ng/mL beside a result of "300" is "0.7", not "1" (the interval shown is the
# interval used), at most LAB_DECIMALS_MAX decimals.
_LIMIT_SIGNIFICANT_DIGITS: Final = 2


def _scale_places(unit: object) -> int:
    """The decimal places a unit's scale to the result's unit moves (IU/L -> mIU/L: 3)."""
    info = normalise_unit(unit)
    if info is None or info.factor <= 1:
        return 0
    return round(math.log10(info.factor))


def _significant_places(values: np.ndarray) -> np.ndarray:
    """Per value, the decimals that show it with _LIMIT_SIGNIFICANT_DIGITS significant digits
    (0.7 -> 1 after fmt_limit drops the trailing zero, 15.8 -> 0, 0.05 -> 2), between 0 and
    LAB_DECIMALS_MAX; 0 for a missing or zero value."""
    out = np.zeros(len(values), dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.floor(np.log10(np.abs(values)))
    usable = np.isfinite(magnitude)
    places = _LIMIT_SIGNIFICANT_DIGITS - 1 - magnitude[usable]
    out[usable] = np.clip(places, 0, LAB_DECIMALS_MAX).astype(np.int64)
    return out


def _given_places(values: np.ndarray) -> np.ndarray:
    """Per value, the decimals it was given with (written_decimals), at most LAB_DECIMALS_MAX;
    0 for a missing value."""
    distinct, where = np.unique(values, return_inverse=True)  # a few limits per run
    places = [min(written_decimals(v), LAB_DECIMALS_MAX) for v in distinct.tolist()]
    out: np.ndarray = np.asarray(places, dtype=np.int64)[where.reshape(-1)]
    return out


def _rounded(values: np.ndarray, places: np.ndarray) -> np.ndarray:
    """``values`` each rounded to its row's ``places``."""
    out = values.copy()
    for d in np.unique(places).tolist():
        at = places == d
        out[at] = np.round(values[at], int(d))
    return out


def _lab_units(
    work: pd.DataFrame,
    converted: Converted,
    row: RowIntervals,
    classified: Classified,
    limits: LabLimits,
) -> list[LabUnit]:
    """How each row writes an amount (amounts.py): NG for a row in ng/mL (or one that cannot be
    converted), with the decimals of its result where it has any; for a row in mIU/L its factor,
    the decimals of its result and the limits the results hold for it (reference_low_value /
    _high_value: the file's numbers where the interval came from the row), and its own interval
    from the file as the file wrote it.  One object per distinct description."""
    labs: list[LabUnit] = [NG] * len(work)
    factor = converted.factor_used.to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        miu = (work["prolactin_unit"] == MIU_L).fillna(False).to_numpy(dtype=bool) & (factor > 0)
    # a result in ng/mL with decimals is written at the lab's precision (235.85, not 235.8)
    ng_places = np.where(
        (work["prolactin_unit"] == NG_ML).fillna(False).to_numpy(dtype=bool),
        limits.value_decimals,
        0,
    )
    ng_units = {int(p): LabUnit(NG_ML, decimals=int(p)) for p in np.unique(ng_places) if p > 0}
    for i in np.flatnonzero(ng_places > 0).tolist():
        labs[i] = ng_units[int(ng_places[i])]
    at = np.flatnonzero(miu)
    if not at.size:
        return labs

    def own(vetted: pd.Series, read: pd.Series, raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """The row's limit in ng/mL and the file's number, where the file's number is used
        (NaN elsewhere): the interval was read in the row's unit, unchanged by vetting."""
        v, file = vetted.to_numpy(dtype="float64")[at], raw.to_numpy(dtype="float64")[at]
        used = (v == read.to_numpy(dtype="float64")[at]) & ~np.isnan(file)
        return np.where(used, v, np.nan), np.where(used, file, np.nan)

    own_low, file_low = own(row.low, converted.low_ng, work["reference_low"])
    own_high, file_high = own(row.high, converted.high_ng, work["reference_high"])
    columns = {
        "factor": factor[at],
        "places": limits.value_decimals[at],
        "low_ng": np.asarray(classified.reference_low, dtype="float64")[at],
        "low": limits.low[at],
        "low_places": limits.low_decimals[at],
        "high_ng": np.asarray(classified.reference_high, dtype="float64")[at],
        "high": limits.high[at],
        "high_places": limits.high_decimals[at],
        "own_low": own_low,
        "file_low": file_low,
        "own_high": own_high,
        "file_high": file_high,
    }
    keys = pd.DataFrame(columns)
    codes = keys.groupby(list(columns), sort=False, dropna=False).ngroup().to_numpy()
    first = np.unique(codes, return_index=True)[1]
    units: dict[int, LabUnit] = {}
    distinct = keys.iloc[first].to_numpy(dtype="float64").tolist()
    for code, values in zip(codes[first].tolist(), distinct, strict=True):
        fac, places, low_ng, low, low_places, high_ng, high, high_places, *file_limits = values
        own_low_ng, own_low, own_high_ng, own_high = file_limits
        known: list[tuple[float, float, int]] = []
        for ng, value, written in ((low_ng, low, low_places), (high_ng, high, high_places)):
            if ng == ng and value == value:
                known.append((ng, value, int(written)))
        for ng, value in ((own_low_ng, own_low), (own_high_ng, own_high)):
            if ng == ng:  # the file's own number, as written
                known.append((ng, value, written_decimals(value)))
        units[code] = LabUnit(MIU_L, fac, int(places), tuple(known))
    for i, code in zip(at.tolist(), codes.tolist(), strict=True):
        labs[i] = units[code]
    return labs


def _in_row_units(
    notes: list[str],
    labs: list[LabUnit],
    value_ng: list[float],
    qualifier: list[str],
    lab_value: list[float],
) -> list[str]:
    """The interval notes with their amounts written in each row's unit (amounts.render), once
    per distinct note and way of writing."""
    done: dict[tuple[object, ...], str] = {}
    out = notes.copy()
    for i, note in enumerate(notes):
        if not has_markers(note):
            continue
        lab = labs[i]
        quotes = lab is not NG and has_result(note)  # the row's own result, in its unit
        key = (note, id(lab), *((qualifier[i], value_ng[i], lab_value[i]) if quotes else ()))
        text = done.get(key)
        if text is None:
            result = lab.result(value_ng[i], qualifier[i], lab_value[i]) if quotes else None
            text = done[key] = render(note, lab, result)
        out[i] = text
    return out


def _comments(
    work: pd.DataFrame,
    classified: Classified,
    decisions: list[Decision],
    shown: ShownRows,
    limits: LabLimits,
    labels: Labels,
    adult_from: float,
) -> tuple[list[str], np.ndarray]:
    """The comment in words of every row (engine/comment.py), as (texts, code): row r's comment
    is texts[code[r]].  Written once per distinct combination of every input it reads (the
    decision's cells, status, priority, inputs given for a high result, band, qualifier, result
    as the lab wrote it and its decimals, unit, limits and their decimals: distinct.py); within
    that the rest once per distinct decision (and, for a high result, the inputs given) and its
    wording once per distinct arguments of decision_text."""
    words = labels.comments or load_labels().comments
    if words is None:  # pragma: no cover - load_labels always parses [comments]
        return [""], np.zeros(len(work), dtype=np.int64)
    status_column = np.asarray(classified.status, dtype=object)
    high = status_column == "high"
    if classified.lab_flagged is not None:  # named by the lab's flag (heed_lab_flags)
        flagged = classified.lab_flagged != ""
        named = [FLAGGED_STATUS.format(flag=f) for f in classified.lab_flagged[flagged].tolist()]
        status_column = status_column.copy()
        status_column[flagged] = named
    unit_column = work["prolactin_unit"].fillna(work["unit_raw"]).fillna("").astype(str)
    value_column = work["prolactin_value"].to_numpy(dtype="float64")
    raw_column = work["prolactin_raw"]
    mark_column = work["qualifier"].fillna("").astype(str)
    # Which inputs a high result gave (comment.Given); other statuses read none of them.
    medication_column = _medications_given(work, high)
    # a creatinine tells of the kidney only where it gives an eGFR (CKD-EPI, adults: renal.py);
    # a child's creatinine was said to have found "no kidney cause"
    adult = (work["age_years"] >= adult_from).fillna(False)
    kidney_column = (
        work["egfr"].notna()
        | (work["creatinine"].notna() & adult)
        | work["dialysis"].notna()
        | work["egfr_text"].notna()
        | work["creatinine_text"].notna()
    ).to_numpy(dtype=bool) & high
    thyroid_column = (work["tsh"].notna() | work["tsh_text"].notna()).to_numpy(dtype=bool) & high
    priority_column = np.array([d[0] for d in decisions], dtype=object)
    codes, first = distinct_rows(
        [
            shown.codes,
            status_column,
            priority_column,
            medication_column,
            kidney_column,
            thyroid_column,
            classified.band,
            mark_column,
            value_column,
            limits.value_decimals,
            unit_column,
            limits.low,
            limits.low_decimals,
            limits.high,
            limits.high_decimals,
            raw_column,  # read where the value is missing
        ]
    )
    at = first.tolist()
    statuses = status_column[first].tolist()
    priorities = priority_column[first].tolist()
    medication = medication_column[first].tolist()
    kidney = kidney_column[first].tolist()
    thyroid = thyroid_column[first].tolist()
    shown_codes = shown.codes[first].tolist()
    bands = classified.band[first].tolist()
    marks = mark_column.to_numpy(dtype=object)[first].tolist()
    values = value_column[first].tolist()
    value_places = limits.value_decimals[first].tolist()
    units = unit_column.to_numpy(dtype=object)[first].tolist()
    lows, highs = limits.low[first].tolist(), limits.high[first].tolist()
    low_places = limits.low_decimals[first].tolist()
    high_places = limits.high_decimals[first].tolist()
    raws = raw_column.iloc[first].tolist()
    rests: dict[tuple[object, ...], str] = {}
    texts = memo.cache_of("decision_texts", labels)  # decision_text by its arguments
    references: dict[tuple[object, ...], str] = {}
    numbers: dict[tuple[float, int], str] = {}  # results as the lab writes them
    out: list[str] = []
    for j, i in enumerate(at):
        status = statuses[j]
        priority = priorities[j]
        given = Given(medication[j], kidney[j], thyroid[j]) if status == "high" else None
        key = (shown_codes[j], status, priority, given)
        rest = rests.get(key)
        if rest is None:
            _, findings, found = decisions[i]
            rest = rests[key] = _decision_text(
                labels, words, status, priority, findings, found, given, texts
            )
        unit = units[j]
        low_value, high_value = lows[j], highs[j]
        # a missing limit as None: NaN never equals itself, so would never find its text again
        limits_key = (
            low_value if low_value == low_value else None,
            low_places[j],
            high_value if high_value == high_value else None,
            high_places[j],
            unit,
        )
        reference = references.get(limits_key)
        low = fmt_limit(low_value, low_places[j]) if low_value == low_value else ""
        high = fmt_limit(high_value, high_places[j]) if high_value == high_value else ""
        if reference is None:
            reference = references[limits_key] = reference_text(words, low, high, unit)
        value = values[j]
        if value == value:  # not NaN
            value_key = (value, value_places[j])
            written = numbers.get(value_key)
            if written is None:
                written = numbers[value_key] = fmt_lab(value, value_places[j])
            if status in _BEYOND:  # never shown at or within the limit it is beyond
                upper = status == _BEYOND[0]
                limit, limit_text = (high_value, high) if upper else (low_value, low)
                written, shown_limit = beside_limit(value, written, limit, limit_text, upper=upper)
                if shown_limit != limit_text:
                    low, high = (low, shown_limit) if upper else (shown_limit, high)
                    reference = reference_text(words, low, high, unit)
            value_text = marks[j] + written
        else:
            value_text = str(raws[j]) if isinstance(raws[j], str) else "?"
        first_sentence = result_sentence(words, status, bands[j], value_text, unit, reference)
        out.append(comment(first_sentence, rest))
    return out, codes


def _diluted_comments(
    comments: pd.Series, work: pd.DataFrame, diluted: Diluted, labels: Labels
) -> pd.Series:
    """The comments of the rows judged with a diluted result from a note, with the sentence
    that says so (labels.toml [comments] `diluted`)."""
    words = labels.comments or load_labels().comments
    if words is None:  # pragma: no cover - load_labels always parses [comments]
        return comments
    out = comments.copy()
    raws = work["prolactin_raw"].tolist()
    units = work["unit_raw"].fillna(work["prolactin_unit"]).fillna("").astype(str).tolist()
    for i in np.flatnonzero(diluted.taken).tolist():
        cell = f"{raws[i]} {units[i]}".strip() if isinstance(raws[i], str) else "?"
        own = diluted.undiluted[i] if diluted.undiluted is not None else None
        if own is not None:  # the diluted value is the cell's own (values.diluted_cell)
            if not own:
                continue  # no undiluted result written beside it: nothing to say
            cell = own if parse_quantity(own).unit_text else f"{own} {units[i]}".strip()
        sentence = words.template("diluted").format(source=diluted.evidence[i], cell=cell)
        text = out.iloc[i]
        out.iloc[i] = f"{text} {sentence}" if isinstance(text, str) and text else sentence
    return out


def _decision_text(
    labels: Labels,
    words: CommentWords,
    status: str,
    priority: str,
    findings: list[Finding],
    found: list[Suggestion],
    given: Given | None,
    texts: dict[Hashable, str],
) -> str:
    """comment.decision_text, once per distinct arguments in `texts` (many decisions share them:
    it reads the codes and strengths, not the evidence)."""
    factors = tuple((f.code, f.strength) for f in findings)
    codes = tuple(s.code for s in found)
    key = (status, priority, factors, codes, given)
    text = texts.get(key)
    if text is None:
        text = texts[key] = decision_text(
            labels,
            words,
            status=status,
            priority=priority,
            factors=list(factors),
            suggestions=list(codes),
            given=given or Given(False, False, False),
        )
    return text


Decision = tuple[str, list[Finding], list[Suggestion]]  # priority, factors, suggestions
_NOTHING: Decision = ("none", [], [])


def _decide_rows(rows: Rows, labels: Labels) -> list[Decision]:
    """Every row's decision (`_decide_row`), once per distinct context where `_calm_keys` knows
    all a row's decision reads, else per row.  Rows sharing a decision share its objects (never
    changed after the engine, like the detail objects)."""
    n = len(rows.value_ng)
    keys = _calm_keys(rows) if distinct.GROUPING else [None] * n
    done: dict[tuple[object, ...], Decision] = {}
    decisions: list[Decision] = []
    for i, key in enumerate(keys):
        if key is None:
            decisions.append(_decide_row(RowContext(rows, i), labels))
            continue
        decision = done.get(key)
        if decision is None:
            decision = done[key] = _decide_row(RowContext(rows, i), labels)
        decisions.append(decision)
    return decisions


# Cues that make a row need its own decision: a lesion (an enlarged pituitary not called an
# adenoma included: RowContext.lesion reads pituitary_hyperplasia as one), a sellar sign, a red
# flag.
_LESION_CUES: Final = frozenset({"lesion", "pituitary_hyperplasia", "sellar_sign", "red_flag"})
# A symptom only one sex has (cues menstrual_disturbance, male_symptom): on the other sex's row
# it is said (conflicting_context), so such a row is decided on its own.
_SEX_SYMPTOM_CUES: Final = frozenset({"menstrual_disturbance", "male_symptom"})


def _calm_keys(rows: Rows) -> list[tuple[object, ...] | None]:
    """Per row, the key of everything its decision reads where that is only its drugs and the
    contradictions of its patient's state, else None (the row is decided on its own).

    Such a row is not high-like, not low with a sign of pituitary damage
    (RowContext.pituitary_damage: a head_trauma field or a PITUITARY_DAMAGE_CUES cue), not judged
    against a physiological interval, not above the measuring range (`>`), and has no lesion,
    sellar-sign or red-flag cue (_LESION_CUES), no lab written in a note (a low morning cortisol
    is a red flag), no symptom of one sex (_SEX_SYMPTOM_CUES: it may contradict the row's),
    no free T4 below central_hypothyroid_free_t4_below_pmol_l or reported low (with a TSH that is
    not raised, central hypothyroidism: RowContext._central_hypothyroidism) and
    no pituitary_lesion or pituitary_lesion_mm cell. Then (RowContext, `_decide_row`): no lesion is
    known, no red flag counts or stands alone (every red flag is soon at least), and no level is
    above the usual limit; physiological_explanation and known_lesion find nothing; the row is quiet
    (no drugs, no conflicts: no decision) or calm, and `suggest_calm` reads only the drugs (which
    mask prolactin, their names) and the conflicts.
    Without the calm shortcut (suggestions.calm_shortcut_holds) no row has a key."""
    n = len(rows.value_ng)
    if not calm_shortcut_holds() or len(rows.patients) != n:
        return [None] * n
    keys: list[tuple[object, ...] | None] = []
    free_t4s = rows.raw["free_t4"]
    has_free_t4 = any(isinstance(v, float) and v == v for v in free_t4s)  # (NaN never equals)
    central_below = (
        rows.knowledge.thresholds.get("central_hypothyroid_free_t4_below_pmol_l")
        if has_free_t4
        else 0.0
    )
    rule_inputs = zip(
        rows.status,
        free_t4s,
        rows.raw["head_trauma"],
        rows.possibly_high,
        rows.source,
        rows.qualifier,
        rows.hits,
        rows.raw["pituitary_lesion"],
        rows.raw["pituitary_lesion_mm"],
        rows.drugs,
        rows.patients,
        strict=True,
    )
    for (
        status,
        free_t4,
        injured,
        high_like,
        source,
        qualifier,
        hits,
        lesion,
        size,
        drugs,
        patient,
    ) in rule_inputs:
        if (
            (status == LOW and (injured is True or not PITUITARY_DAMAGE_CUES.isdisjoint(hits)))
            or high_like
            or source == "physiological"
            or qualifier == ">"
            or lesion is not None
            or size is not None
            # (an enlarged pituitary named alone is a possible lesion: RowContext._find_lesion)
            or (hits and not _LESION_CUES.isdisjoint(hits))
            # a symptom of one sex (it may be the other's row: RowContext.symptom_of_other_sex)
            or (hits and not _SEX_SYMPTOM_CUES.isdisjoint(hits))
            or patient.labs  # a low morning cortisol in a note is a red flag
            or (isinstance(free_t4, float) and free_t4 < central_below)  # (NaN never is)
            or (hits and "free_t4_stated_low" in hits)
        ):
            keys.append(None)
        else:  # drug matches by identity: one object per distinct cell (_drug_matches)
            keys.append((tuple(map(id, drugs)), patient.conflicts))
    return keys


# Cues that keep a row off the calm shortcut (_calm_keys): a lesion, or what may stand for one,
# and a red flag.
def _decide_row(ctx: RowContext, labels: Labels) -> Decision:
    # A result not high against a physiological interval is listed with the state that judged
    # it (likely where it explains a result above the usual limit); a known pituitary lesion is
    # listed whatever the status or state.  A red flag that counts (context.mass_effect_flag)
    # is never quiet.
    if ctx.high_like:
        findings = find_factors(ctx, labels)
    else:
        explaining = physiological_explanation(ctx) + known_lesion(ctx)
        explaining += contributors_in_state(ctx)
        findings = rank(explaining, labels) if explaining else []
    quiet = (
        not ctx.drugs
        and not ctx.lesion.present
        and not ctx.patient.conflicts
        and ctx.symptom_of_other_sex is None  # said whatever the result (conflicting_context)
        and ctx.mass_effect_flag is None
        and ctx.sellar_sign_alone is None  # a chiasmal or sellar sign: MRI whatever the result
        and ctx.pituitary_damage is None  # low after a head injury ...: pituitary function
        and not lab_hook_pending(ctx)  # the lab suspects a hook effect: a provisional result
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


def _plausible_monomeric(
    work: pd.DataFrame, converted: Converted, knowledge: Knowledge
) -> tuple[Converted, list[Contradiction | None]]:
    """``converted`` without the monomeric (post-PEG) prolactin that cannot be the total's
    (units.implausible_monomeric: above it, or a unit mix-up's tiny share), nor the lab's
    post-PEG limit given with it, and per row that contradiction (None elsewhere).  The
    row is then triaged as one without a screen result: the screen is asked for, and no level
    rule reads the contradicted value (clinical-reference §2.3)."""
    thresholds = knowledge.thresholds
    value_ng = converted.value_ng.to_numpy(dtype="float64")
    found = implausible_monomeric(
        value_ng,
        work["qualifier"].fillna("").astype(str).to_numpy(dtype=object),
        converted,
        work["monomeric_prolactin_note_qualifier"].fillna("").astype(str).to_numpy(dtype=object),
        thresholds.get("peg_recovery_min_plausible_pct"),
        thresholds.get("peg_recovery_max_plausible_pct"),
        thresholds.get("post_peg_lower_min_ng_ml"),
    )
    dropped = pd.Series([c is not None for c in found], index=work.index)
    if not dropped.any():
        return converted, found
    kept = replace(
        converted,
        monomeric_ng=converted.monomeric_ng.mask(dropped),
        post_peg_high_ng=converted.post_peg_high_ng.mask(dropped),
    )
    return kept, found


def _ages(frame: pd.DataFrame, as_of: datetime | None) -> pd.Series:
    """age_years as given, else from birth date to collection (or `as_of`) in years, counted as
    the readers count them (values.ages_in_years: completed years, birthdays inclusive)."""
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
    computed = ages_in_years(
        frame["birth_date"].to_numpy("datetime64[ns]"), until.to_numpy("datetime64[ns]")
    )
    return ages.where(~need, pd.Series(computed, index=frame.index))


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


def _age_at_run_notes(frame: pd.DataFrame, ages: pd.Series, notes: list[str]) -> list[str]:
    """Notes of the rows whose age was counted from the birth date to the day of the run (no
    sample date, or one that could not be read): a child's interval may depend on it."""
    at_run = (
        frame["age_years"].isna() & frame["birth_date"].notna() & frame["collected_at"].isna()
    ).to_numpy()
    if not at_run.any():
        return notes
    out = list(notes)
    for i in np.flatnonzero(at_run).tolist():
        age = ages.iloc[i]
        if age != age:  # no age (a birth date after the run's day)
            continue
        sentence = (
            f"Age {age_text(float(age))} counted from the birth date to the day of this run: the "
            "sample's date is not given or could not be read"
        )
        out[i] = joined_note(out[i], sentence)
    return out


def _unknown_assay_notes(
    assays: list[str], sources: Sequence[str], notes: list[str], knowledge: Knowledge
) -> list[str]:
    """The notes of the rows judged against a set's interval whose assay names no set the tool
    has ("Immulite 2000", "Archtect"): never silently the chosen set's "method not stated"
    (clinical-reference §7.7: the lab's interval, else the assay's set with a caveat)."""
    if not any(assays):
        return notes
    known = ", ".join(sorted(knowledge.assay_sets)) or "none"
    out = list(notes)
    for i, assay in enumerate(assays):
        if assay and sources[i] == "set":
            sentence = (
                f"Assay {assay!r} matches no reference set the tool has ({known}): the "
                f"{knowledge.reference_set.name!r} set's interval was used; give the lab's own "
                "interval in the file, or choose or add the assay's set (--ranges)"
            )
            out[i] = joined_note(out[i], sentence)
    return out


def _conflict_notes(notes: list[str], patients: list[PatientState]) -> list[str]:
    """The interval notes, with the contradictions the patient's state holds (never resolved
    silently: the stricter reading was used), and what it explains (PatientState.notes: "hCG
    positive ... in a man on hCG therapy")."""
    out = [
        f"{note}{'. ' if note else ''}Conflicting context: {'; '.join(p.conflicts)}"
        if p.conflicts
        else note
        for note, p in zip(notes, patients, strict=True)
    ]
    return [
        joined_note(note, "; ".join(p.notes)) if p.notes else note
        for note, p in zip(out, patients, strict=True)
    ]


def _cue_hits(frame: pd.DataFrame, book: CueBook) -> list[Hits]:
    """Per row, the cues of every field it is looked for in, merged in field order, with the
    combined cues they state together (CueBook.combine): once per distinct combination of those
    cells (missing cells say nothing, whatever their kind)."""
    codes, first = distinct_rows([frame[field] for field in book.fields])
    distinct = frame.iloc[first]
    columns = [book.match_column(field, distinct[field]) for field in book.fields]
    merged = [book.combine(hits) for hits in merge_hits(columns, len(first))]
    return [merged[code] for code in codes.tolist()]


# Where drugs are looked for: the medication list first, then every other free-text field
# (clinical notes often say "on risperidone"), where short capital abbreviations are read only in
# a list after a medication label ("Medikation: MCP 10 mg 1-1-1": drugs.medication_lists), but
# for those of one drug (drugs.toml note_abbreviations: "MCP seit 3 Tagen", "on the OCP").
DRUG_LIST_FIELD = "medications"
DRUG_NOTE_FIELDS: tuple[str, ...] = tuple(f for f in TEXT_FIELDS if f != DRUG_LIST_FIELD)


def _medications_given(work: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Which of `rows` (a mask) give their medications: in the medication column, or as a list
    after a medication label in a note ("Medikation: MCP 10 mg 1-1-1": drugs.medication_lists)."""
    given: np.ndarray = work[DRUG_LIST_FIELD].notna().to_numpy(dtype=bool) & rows
    seen: dict[str, bool] = {}
    for field in DRUG_NOTE_FIELDS:
        cells = work[field].to_numpy(dtype=object)
        for i in np.flatnonzero(rows & ~given).tolist():
            cell = cells[i]
            if isinstance(cell, str) and ":" in cell:
                listed = seen.get(cell)
                if listed is None:
                    listed = seen[cell] = any(
                        gives_medications(cell[start:end]) for start, end in medication_lists(cell)
                    )
                given[i] = listed
    return given


def _drug_matches(frame: pd.DataFrame, knowledge: Knowledge) -> list[tuple[DrugMatch, ...]]:
    """Per row, each drug taken once: from the medication list, else from a note (the match
    records the field it was written in).  Read once per distinct combination of those cells
    (missing cells name no drug, whatever their kind): rows with the same share one tuple."""
    fields = [DRUG_LIST_FIELD, *DRUG_NOTE_FIELDS]
    days = _sample_days(frame, fields)
    codes, first = distinct_rows([*(frame[name] for name in fields), days])
    distinct = _read_drugs(frame.iloc[first], knowledge, days.iloc[first].tolist())
    return [distinct[code] for code in codes.tolist()]


_DATE_KEY_STEP: Final = 100  # year * 10_000 + month * 100 + day: one int per sample day


def _day_tuple(key: int) -> tuple[int, int, int]:
    year, rest = divmod(key, _DATE_KEY_STEP * _DATE_KEY_STEP)
    month, day = divmod(rest, _DATE_KEY_STEP)
    return year, month, day


def _sample_days(frame: pd.DataFrame, fields: Sequence[str]) -> pd.Series:
    """Each row's sample day as year * 10000 + month * 100 + day, what an end or start date
    written in a note ("Risperdal bis 2017", "metoclopramide started 2026-03-05") is compared
    with; -1 for a row without a collection date or whose texts write no date (their reading
    does not depend on it: rows stay as few as their distinct texts)."""
    dated = rows_with_a_text([frame[name] for name in fields], reads_a_date)
    collected = pd.to_datetime(frame["collected_at"], errors="coerce")
    key = _DATE_KEY_STEP * _DATE_KEY_STEP
    days = collected.dt.year * key + collected.dt.month * _DATE_KEY_STEP + collected.dt.day
    out: pd.Series = days.where(dated).fillna(-1).astype("int64")
    return out


def _read_drugs(
    frame: pd.DataFrame, knowledge: Knowledge, days: list[int]
) -> list[tuple[DrugMatch, ...]]:
    """`_drug_matches` for every row of `frame` (``days``: each row's `_sample_days`)."""
    drugs = tuple(knowledge.drugs)
    readers = [(DRUG_LIST_FIELD, drug_matcher(drugs))]
    notes = drug_matcher(drugs, abbreviations=False, labelled=True)
    readers += [(f, notes) for f in DRUG_NOTE_FIELDS]
    # (field, text) -> its drugs, across chunks (memo.py)
    found = memo.cache_of("drug_matches", knowledge.drugs, limit=MEMO_TEXTS_KEPT)
    rows: list[dict[str, DrugMatch] | None] = [None] * len(frame)
    # Field by field (each row still takes its fields in reader order), written cells only.
    for name, matcher in readers:
        column = frame[name]
        cells = column.tolist()
        present = np.flatnonzero(column.notna().to_numpy(dtype=bool)).tolist()
        written = [(i, cells[i]) for i in present if isinstance(cells[i], str) and cells[i].strip()]
        for i, text in written:
            day = days[i]
            dated = day >= 0 and reads_a_date(text)
            as_of = _day_tuple(day) if dated else None
            key = (name, text, as_of, text_dayfirst())  # dates read in the run's order
            if key not in found:
                found[key] = tuple(replace(m, field=name) for m in matcher.find(text, as_of))
            matches = found[key]
            if not matches:
                continue
            row = rows[i]
            if row is None:
                row = rows[i] = {}
            for match in matches:
                kept = row.setdefault(match.drug.name, match)
                plain = not match.doubt and not match.stopped
                if (kept.doubt or kept.stopped) and plain:  # taken plainly in another column
                    row[match.drug.name] = match
    return [() if row is None else tuple(row.values()) for row in rows]


# Detail objects are shared between the rows that have the same ones (a 100k-row export holds
# ~150k suggestion objects but ~3.5k distinct ones): one object per distinct finding or
# suggestion, one list per distinct list.  They are never changed after the engine (redaction
# copies them).
Shared = dict[object, Any]


class Shown(NamedTuple):
    """A decision's output cells."""

    factors: str  # factor codes, ";"-joined
    suggestions: str  # suggestion and caution codes, ";"-joined
    factor_details: list[dict[str, Any]]
    suggestion_details: list[dict[str, Any]]
    evidence: str  # the flat evidence text


class ShownRows(NamedTuple):
    """Every row's output cells: row r's are cells[codes[r]]."""

    cells: list[Shown]  # one per distinct cells object
    codes: np.ndarray  # int64, per row


def _shown_rows(decisions: list[Decision], labels: Labels, shared: Shared) -> ShownRows:
    """Every row's output cells (`_shown`), once per decision object (rows often share one)."""
    by_decision: dict[int, int] = {}  # id: the decisions list keeps every decision alive
    by_cells: dict[int, int] = {}  # id: `shared` keeps every cells object alive
    cells: list[Shown] = []
    codes: list[int] = []
    for decision in decisions:
        code = by_decision.get(id(decision))
        if code is None:
            found = _shown(decision[1], decision[2], labels, shared)
            code = by_cells.get(id(found))
            if code is None:
                code = by_cells[id(found)] = len(cells)
                cells.append(found)
            by_decision[id(decision)] = code
        codes.append(code)
    return ShownRows(cells, np.array(codes, dtype=np.int64))


def _taken(values: list[str], codes: np.ndarray, index: pd.Index) -> pd.Series:
    """The string column whose row r is values[codes[r]]."""
    array = pd.array(values, dtype="string").take(codes)
    return pd.Series(array, index=index)


def _taken_objects(values: list[Any], codes: np.ndarray, index: pd.Index) -> pd.Series:
    """The object column whose row r is the object values[codes[r]] (the same object)."""
    table = np.empty(len(values), dtype=object)
    for j, value in enumerate(values):
        table[j] = value
    return pd.Series(table[codes], index=index, dtype=object)


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
            _shared_list([_factor_detail(f, labels, shared) for f in findings], shared),
            _shared_list([_suggestion_detail(s, labels, shared) for s in found], shared),
            _flat_evidence(findings),
        )
    return cells


_NO_CELLS_KEY: tuple[object, ...] = ("shown", 0)  # the key of no finding and no suggestion


def _factor_detail(f: Finding, labels: Labels, shared: Shared) -> dict[str, Any]:
    """One detail object per distinct finding's code, strength, evidence and rule (its label is
    the code's)."""
    key = ("factor", f.code, f.strength, f.evidence, f.rule)
    detail: dict[str, Any] | None = shared.get(key)
    if detail is None:
        detail = shared[key] = {
            "code": f.code,
            "label": labels.factor(f.code).label,
            "strength": f.strength,
            "evidence": f.evidence,
            "rule": f.rule,
        }
    return detail


def _suggestion_detail(s: Suggestion, labels: Labels, shared: Shared) -> dict[str, Any]:
    """One detail object per distinct suggestion's code, reason and rule."""
    key = ("suggestion", s.code, s.reason, s.rule)
    detail: dict[str, Any] | None = shared.get(key)
    if detail is None:
        detail = shared[key] = {
            "code": s.code,
            "label": labels.suggestion(s.code).label,
            "reason": s.reason,
            "rule": s.rule,
        }
    return detail


def _shared_list(details: list[dict[str, Any]], shared: Shared) -> list[dict[str, Any]]:
    """One list per distinct list of detail objects (`shared` keeps each alive: their ids name
    them)."""
    key = ("list", *map(id, details))
    found: list[dict[str, Any]] | None = shared.get(key)
    if found is None:
        found = shared[key] = details
    return found


def _flat_evidence(findings: list[Finding]) -> str:
    return " | ".join(f"{f.code} ({f.strength}): {f.evidence}" for f in findings)
