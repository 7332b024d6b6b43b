"""Status, times ULN, severity band and HL7 interpretation of every row (vectorised).

Qualified results are read for what they can be: `<3.0` against a ULN of 23 with no lower limit
is normal, at or below the lower limit it is low, and above a lower limit it may be low
(`<2.36` against 2.0) and is indeterminate (only the low side in doubt: priority none); `<30`
against 23 could be either and is indeterminate; `>470` is high and `>10` against 23 is
indeterminate (it may be normal or high).
With several intervals (sex unknown) a value is high only above every upper limit, normal only
within every interval, low only below every lower limit; anything else is indeterminate, so an
unknown sex never produces a false normal.

The interval a result is shown against is the one that decided its status
(docs/output-contract-extensions.md, "The interval shown"): for a high result the interval with
the highest upper limit (the result is above it, and so above every other), for a low one the
interval with the lowest lower limit, for a normal one the narrowest limits it is within (the
highest lower and the lowest upper limit), for an indeterminate one the widest limits.  times_uln
is the result over that upper limit.  Where several intervals were considered the note says, in
words, which ones and which limit decided.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np

from triage.engine.amounts import marked_amount, marked_range, marked_result
from triage.engine.intervals import Interval, Intervals, interval_words
from triage.knowledge.model import Thresholds
from triage.numbers import SMALL_DECIMALS, rounded_array

HIGH, NORMAL, LOW, INDETERMINATE = "high", "normal", "low", "indeterminate"
# The lab's own flags (values.flag_direction) that overrule a normal status found against the set
# (heed_lab_flags); the comment names such a result by its flag (labels.toml [comments.status]
# "flagged_high" ...).
OVERRULING_FLAGS: Final = ("high", "low", "abnormal")
FLAGGED_STATUS: Final = "flagged_{flag}"
# A flag the result contradicts (high found low, low found high): its comment's status key
# (labels.toml [comments.status] "flagged_high_found_low" ...)
CONTRARY_FLAGS: Final = {"high": "high_found_low", "low": "low_found_high"}
# Decimal places of the ng/mL values below 100 (triage/numbers.py holds the one rule; kept for
# callers that still import the name).
DISPLAY_DECIMALS = SMALL_DECIMALS


@dataclass(frozen=True)
class Classified:
    status: np.ndarray  # str objects
    possibly_high: np.ndarray  # bool: high, or indeterminate and could be high
    times_uln: np.ndarray  # float, rounded
    band: np.ndarray  # str, "" unless high
    interpretation: np.ndarray  # "N", "L", "H", "HH" or ""
    mild: np.ndarray  # bool: high-like and at most repeat_rested_max_times_uln x ULN
    reference_low: np.ndarray  # float: the limits that decided the status (module doc)
    reference_high: np.ndarray
    reference_source: list[str]  # where the deciding interval comes from ("row", "set", ...)
    note: list[str]  # the interval note, with which limit decided where several were considered
    # the lab's own flag where it overruled a normal status (heed_lab_flags), else ""
    lab_flagged: np.ndarray | None = None
    # bool: found high, yet flagged low by the lab (indeterminate; heed_lab_flags): its
    # priority is a high result's
    disputed_high: np.ndarray | None = None


def classify(
    value_ng: np.ndarray,
    qualifier: np.ndarray,
    iv: Intervals,
    thresholds: Thresholds,
) -> Classified:
    """Classify every row against its interval(s)."""
    v = value_ng
    plain = (qualifier != "<") & (qualifier != ">")
    below = qualifier == "<"
    above = qualifier == ">"
    has_value = ~np.isnan(v)
    has_upper = ~np.isnan(iv.high_max)
    no_low_min = np.isnan(iv.low_min)
    no_low_max = np.isnan(iv.low_max)
    with np.errstate(invalid="ignore"):
        is_high = has_upper & ((plain & (v > iv.high_max)) | (above & (v >= iv.high_max)))
        is_low = ~no_low_min & ((plain & (v < iv.low_min)) | (below & (v <= iv.low_min)))
        within_upper = v <= iv.high_min
        # A `<` result is normal only when no lower limit could be crossed below its bound
        # (none, or a lower limit of 0): `<2.36` against a lower limit of 2.0 may be low, so it
        # is indeterminate (review 1 B6); `<1` against 2.0 is low.
        no_floor = no_low_max | (iv.low_max <= 0)
        is_normal = (
            has_upper
            & within_upper
            & ((plain & (no_low_max | (v >= iv.low_max))) | (below & no_floor))
        )
    is_high &= has_value
    is_low &= has_value & has_upper
    is_normal &= has_value & ~is_low
    status = np.full(len(v), INDETERMINATE, dtype=object)
    status[is_normal] = NORMAL
    status[is_low] = LOW
    status[is_high] = HIGH
    cannot_be_high = has_value & has_upper & ~above & within_upper
    possibly_high = is_high | ((status == INDETERMINATE) & ~cannot_be_high)

    ref_low, ref_high, source, note = _decided(v, qualifier, status, iv)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = v / ref_high
    times_uln = rounded_array(np.where(np.isfinite(ratio), ratio, np.nan))
    band = _bands(v, is_high, thresholds)
    interpretation = np.full(len(v), "", dtype=object)
    interpretation[is_normal] = "N"
    interpretation[is_low] = "L"
    interpretation[is_high] = "H"
    hh = thresholds.get("interpretation_hh_ng_ml")
    interpretation[is_high & (v >= hh)] = "HH"
    ceiling = thresholds.get("repeat_rested_max_times_uln") * iv.high_max
    with np.errstate(invalid="ignore"):
        mild = possibly_high & ~above & (v <= ceiling)
    return Classified(
        status,
        possibly_high,
        times_uln,
        band,
        interpretation,
        mild,
        ref_low,
        ref_high,
        source,
        note,
    )


def _member_source(member: Interval, choice_source: str) -> str:
    """Where one of several intervals comes from: the lab's row, a physiological stratum (the
    pregnancy interval of a conflicting status, a neonatal one) or the set."""
    if member.stratum == "row":
        return "row"
    physiological = member.state.startswith("pregnant") or member.state in (
        "lactating",
        "postpartum_week1",
    )
    return "physiological" if physiological or choice_source == "physiological" else "set"


def _decided(
    v: np.ndarray, qualifier: np.ndarray, status: np.ndarray, iv: Intervals
) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """The limits that decided each status, their source, and the notes with the judging
    sentence where more than one interval was considered (a plain row keeps its one interval,
    source and note).  For a normal or indeterminate result the limits come from several
    intervals: the source stays the choice's."""
    low = np.asarray(iv.low, dtype="float64").copy()
    high = np.asarray(iv.high, dtype="float64").copy()
    source = list(iv.source)
    notes = list(iv.note)
    sentences: dict[tuple[object, ...], str] = {}  # the same few pairs repeat over many rows
    for i, members in enumerate(iv.members):
        if len(members) < 2:
            if status[i] == INDETERMINATE and qualifier[i] in ("<", ">") and v[i] == v[i]:
                why = _censored(str(qualifier[i]), float(v[i]), low[i], high[i])
                notes[i] = f"{notes[i]}. {why}" if notes[i] else why
            continue
        verdict = str(status[i])
        if verdict == HIGH:
            top = max(members, key=lambda m: m.high)
            low[i], high[i] = top.low, top.high
            source[i] = _member_source(top, iv.source[i])
        elif verdict == LOW:
            bottom = min((m for m in members if not math.isnan(m.low)), key=lambda m: m.low)
            low[i], high[i] = bottom.low, bottom.high
            source[i] = _member_source(bottom, iv.source[i])
        elif verdict == NORMAL:
            low[i], high[i] = iv.low_max[i], iv.high_min[i]
        key = (members, verdict, qualifier[i], v[i], low[i], high[i])
        sentence = sentences.get(key)
        if sentence is None:
            shown = marked_result(str(qualifier[i]), float(v[i]))
            sentence = sentences[key] = _judged(members, verdict, shown, low[i], high[i])
        if sentence and v[i] == v[i]:
            notes[i] = f"{notes[i]}. {sentence}" if notes[i] else sentence
    return low, high, source, notes


def _censored(qualifier: str, value: float, low: float, high: float) -> str:
    """Why a `<` or `>` result against one interval is indeterminate, in words (its amounts
    marked: written in each row's unit by amounts.render)."""
    shown = marked_result(qualifier, value)
    if qualifier == "<" and value > high:
        return f"{shown} may be above or within the interval (upper limit {marked_amount(high)})"
    if qualifier == "<":
        return f"{shown} may be below the lower limit {marked_amount(low)} (possibly low)"
    return f"{shown} may be within or above the interval (upper limit {marked_amount(high)})"


def _judged(members: tuple[Interval, ...], status: str, shown: str, low: float, high: float) -> str:
    """'Judged against the lab's own interval 4.8–23.3 ng/mL and the interval for children
    1–6 y 3.6–24 ng/mL: 30 ng/mL is above both upper limits; the higher limit, 24 ng/mL,
    decided.'"""
    words = [interval_words(m) for m in members]
    names = ", ".join(words[:-1]) + f" and {words[-1]}"
    every = "both" if len(members) == 2 else "all"
    lead = f"Judged against {names}: {shown}"
    if status == HIGH:
        return (
            f"{lead} is above {every} upper limits; the higher limit, {marked_amount(high)}, "
            "decided"
        )
    if status == LOW:
        return (
            f"{lead} is below {every} lower limits; the lower limit, {marked_amount(low)}, decided"
        )
    # A missing lower limit is left out ("the narrower limits, 23.3 ng/mL").
    limits = marked_amount(high) if math.isnan(low) else marked_range(low, high)
    if status == NORMAL:
        return f"{lead} is within {every} intervals; the narrower limits, {limits}, decided"
    return (
        f"{lead} is neither above every upper limit nor within every interval nor below every "
        "lower limit, so it is indeterminate (shown against the widest limits, "
        f"{limits})"
    )


def _bands(v: np.ndarray, is_high: np.ndarray, thresholds: Thresholds) -> np.ndarray:
    bands = sorted(thresholds.bands, key=lambda b: b.lower_ng_ml)
    lowers = np.array([b.lower_ng_ml for b in bands], dtype="float64")
    names = np.array([b.name for b in bands] + [""], dtype=object)
    index = np.searchsorted(lowers, np.nan_to_num(v, nan=-np.inf), side="right") - 1
    index = np.where(index < 0, len(bands), index)
    out = names[index]
    return np.where(is_high, out, "").astype(object)


def heed_lab_flags(c: Classified, lab_flag: np.ndarray) -> Classified:
    """The lab's own flag where the interval used here contradicts it
    (docs/output-contract-extensions.md, "The lab's own flag").

    A result the lab flagged high, low or abnormal against its own interval, which the file does
    not give, and which the set's interval finds normal is indeterminate, never a silent normal:
    the two intervals disagree, as the intervals of both sexes do for a patient of unknown sex.
    It may be high unless the lab flagged it low.  So is one the lab flagged against the very
    interval the row gives, which finds it normal: the two disagree (a women's interval on a
    man's row, flagged against the men's limit).  A result the lab flagged high that is found
    low, or flagged low that is found high, is indeterminate too: the flag and the number say
    opposite things (a thousands group read as a decimal mark, "4.750" mIU/L flagged HH read as
    4.75; a wrong unit), never a silent low; the one flagged high may be high (a mild rise's
    priority at least), the one flagged low keeps the priority of the high result it may be
    (``disputed_high``).  Physiology sets (pregnancy, lactation, neonates) are not overruled:
    they are more specific than a flag computed without the patient's state.  A
    result the set finds high that the lab flagged normal stays high; the note says so."""
    flags = np.asarray(lab_flag, dtype=object)
    flagged = np.isin(flags, OVERRULING_FLAGS)
    said_normal = flags == NORMAL
    if not (flagged.any() or said_normal.any()):  # most exports flag nothing
        return c
    from_set = np.array([s == "set" for s in c.reference_source], dtype=bool)
    from_row = np.array([s == "row" for s in c.reference_source], dtype=bool)
    judged = from_set | from_row
    overruled = flagged & judged & (c.status == NORMAL)
    said_high_found_low = (flags == HIGH) & judged & (c.status == LOW)
    said_low_found_high = (flags == LOW) & judged & (c.status == HIGH)
    contrary = said_high_found_low | said_low_found_high
    unflagged = said_normal & from_set & (c.status == HIGH)
    if not (overruled.any() or contrary.any() or unflagged.any()):
        return c
    status = c.status.copy()
    status[overruled | contrary] = INDETERMINATE
    may_be_high = (overruled & (flags != LOW)) | said_high_found_low
    interpretation = c.interpretation.copy()
    interpretation[overruled | contrary] = ""
    lab_flagged = np.where(overruled, flags, "").astype(object)
    lab_flagged[said_high_found_low] = CONTRARY_FLAGS[HIGH]
    lab_flagged[said_low_found_high] = CONTRARY_FLAGS[LOW]
    note = list(c.note)
    for i in np.flatnonzero(overruled | unflagged).tolist():
        sentence = _flag_sentence(str(flags[i]), bool(overruled[i]), row=bool(from_row[i]))
        note[i] = joined_note(note[i], sentence)
    for i in np.flatnonzero(contrary).tolist():
        found = LOW if said_high_found_low[i] else HIGH
        note[i] = joined_note(note[i], _contrary_sentence(str(flags[i]), found))
    return Classified(
        status,
        c.possibly_high | may_be_high,
        c.times_uln,
        c.band,
        interpretation,
        c.mild | may_be_high,
        c.reference_low,
        c.reference_high,
        c.reference_source,
        note,
        lab_flagged,
        said_low_found_high,
    )


def _contrary_sentence(flag: str, found: str) -> str:
    where = "below" if found == LOW else "above"
    return (
        f"The lab flagged this result {flag}, yet it is {where} the interval used here: the flag "
        "and the number say opposite things (a decimal mark or unit read wrongly, or a flag of "
        "another result?), so it is indeterminate: check the result and its unit with the lab"
    )


def _flag_sentence(flag: str, overruled: bool, *, row: bool = False) -> str:
    if overruled and row:
        return (
            f"The lab flagged this result {flag}, yet the interval given on the row finds it "
            "normal: the flag and the interval disagree (the interval may be the other sex's, "
            "or an older one), so it is indeterminate: ask the lab which one holds"
        )
    if not overruled:
        return (
            "The lab flagged this result normal: its own interval, which the file does not give, "
            "may be wider than the one used here"
        )
    return (
        f"The lab flagged this result {flag} against its own interval, which the file does not "
        "give; the interval used here finds it normal, so it is indeterminate: ask the lab for "
        "its interval (or give it in the file, or choose its assay's set with --ranges)"
    )


def joined_note(note: str, sentence: str) -> str:
    """A reference note with one more sentence."""
    return f"{note.rstrip('. ')}. {sentence}" if note else sentence
