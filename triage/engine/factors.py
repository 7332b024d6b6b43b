"""Contributing factors: a registry of small named rules, one concern each.

Every rule reads one row (`RowContext`) and returns `Finding`s: a factor code of output-contract §7,
a strength (`likely` / `possible`), an evidence text naming the field and value that fired it, and
the rule's name.  A rule that knows how high its cause usually takes prolactin marks the finding
`exceeded` (and makes it `possible`) when the result is above that; if nothing likely is left, the
level rule adds a suspected prolactinoma, ranked first.  Factors are listed only for high results
(and indeterminate results that could be high).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Final

from triage.engine import memo
from triage.engine.context import (
    LIKELY,
    POSSIBLE,
    PROLACTIN_INHIBITOR_ATC,
    RowContext,
    approx,
    fmt,
)
from triage.engine.intervals import LACTATION, NEONATAL, PREGNANCY
from triage.engine.labels import Labels, load_labels
from triage.engine.renal import CreatinineEstimate, creatinine_mg_dl, estimate_from_creatinine
from triage.engine.state_words import load_state_vocabulary
from triage.engine.text import YEAR_IN_NOTE, CueHit, earlier_cue
from triage.knowledge.drugs import (
    DrugMention,
    class_mention_of,
    depot_acting_threshold,
    dose_minutes_before,
    doubt_clause,
    drug_matcher,
    given_intravenously,
    gives_medications,
    medication_lists,
    named_classes,
    names_stop_time,
    no_longer_clause,
    not_yet_started,
    own_part,
    says_stopped,
    stop_span_at,
    stop_status_line,
    switch_stop_text,
    taken_before,
)
from triage.knowledge.loaders import factor_codes
from triage.knowledge.model import Drug, DrugMatch
from triage.numbers import age_text, span_words
from triage.schema import DRUG_FACTOR_PREFIX, TEXT_FIELDS, field_words
from triage.values import (
    TEXT_CACHE_SIZE,
    last_dose_days,
    stopped_days,
    stopped_month,
    stopped_year,
    written_dates,
    written_end,
)

# Factor kinds (labels.toml) that explain a result without pointing to a pituitary cause.
BENIGN_KINDS = frozenset({"artefact", "physiological", "drug", "systemic", "other"})
PATHOLOGICAL = "pathological"  # labels.toml kind of the pituitary causes
PHYSIOLOGICAL_CODES = frozenset({"pregnancy", "lactation", "neonatal"})
# Drug frequency grades (Molitch scale) under which a drug in its usual range is a likely cause.
LIKELY_FREQUENCIES = frozenset({"high", "moderate"})


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    strength: str  # "likely" | "possible"
    evidence: str
    rule: str
    exceeded: bool = False  # the result is above what this cause usually does
    # The data name this cause but it cannot explain this sample (a seizure hours before it):
    # never listed as a factor; its evidence is told with the result's other explanation.
    ruled_out: bool = False


Rule = Callable[[RowContext], list[Finding]]
FACTOR_RULES: dict[str, Rule] = {}


def factor_rule(name: str) -> Callable[[Rule], Rule]:
    """Register a factor rule under `name` (the name is recorded with each finding)."""

    def register(rule: Rule) -> Rule:
        if name in FACTOR_RULES:
            raise ValueError(f"factor rule {name!r} registered twice")
        FACTOR_RULES[name] = rule
        return rule

    return register


def _ranged(
    ctx: RowContext, code: str, rule: str, evidence: str, ceiling: float, cause: str
) -> Finding:
    """A likely finding while the result is within `ceiling`, else possible and `exceeded`.
    The evidence and the reach of the cause are one sentence joined by a semicolon (the
    evidence may already end in brackets: "TSH: 14.2 mIU/L (above 4.2)")."""
    reach = ctx.amount(ceiling, approx=True, mark="~")
    if ctx.within(ceiling):
        text = f"{evidence}; {cause} usually raises prolactin up to {reach}"
        return Finding(code, LIKELY, text, rule)
    state = state_accounts_for_level(ctx)
    if state:
        # the level is the state's: no comparison with what this cause reaches alone
        text = f"{evidence}; {cause} usually raises prolactin up to {reach}; {state}"
        return Finding(code, POSSIBLE, text, rule, exceeded=True)
    text = f"{evidence}; result {ctx.level} is above the {reach} {cause} usually causes"
    return Finding(code, POSSIBLE, text, rule, exceeded=True)


def state_accounts_for_level(ctx: RowContext) -> str:
    """Where pregnancy, breastfeeding or the neonatal period accounts for the level
    (RowContext.state_explains_level): '<state> accounts for the level; this may add to it',
    the words a drug, kidney, thyroid or liver contributor listed beside the state ends with
    instead of comparing the level with what that cause reaches alone (or asking for imaging
    because a drug alone rarely reaches it: the state explains the level, clinical-reference
    §2.1, §8); else ''."""
    if ctx.state not in _PHYSIOLOGICAL or not ctx.state_explains_level:
        return ""
    state = "the neonatal period" if ctx.state == NEONATAL else _state_noun(ctx.state)
    return f"{state} accounts for the level: this may add to it"


def _state_noun(state: str) -> str:
    """The words of a physiological state: pregnancy, breastfeeding, neonatal."""
    found = _PHYSIOLOGICAL.get(state)
    return found[1] if found is not None else state


# ---------------------------------------------------------------------------------------------
# Physiology
# ---------------------------------------------------------------------------------------------
def _physiological(ctx: RowContext, code: str, rule: str, why: str, state: str) -> Finding:
    if ctx.source == "physiological":
        times = f"{ctx.qualifier}{approx(ctx.value / ctx.uln)}"
        text = (
            f"{why}; result {times}× the top of the usual {state} interval ({ctx.amount(ctx.uln)})"
        )
        return Finding(code, POSSIBLE, text, rule, exceeded=True)
    text = f"{why}; prolactin rises physiologically (no {state} interval available)"
    return Finding(code, LIKELY, text, rule)


def _pregnancy_evidence(ctx: RowContext) -> str:
    """Every cell that says she is pregnant (a gestation, a positive hCG, a note)."""
    return ctx.patient.said("pregnancy") or "pregnant"


def _past_childbearing(ctx: RowContext) -> bool:
    return ctx.age is not None and ctx.age >= ctx.t("pregnancy_implausible_age_years")


@factor_rule("pregnancy_state")
def pregnancy(ctx: RowContext) -> list[Finding]:
    rule = "pregnancy_state"
    patient = ctx.patient
    if ctx.state == PREGNANCY:
        found = _physiological(ctx, "pregnancy", rule, _pregnancy_evidence(ctx), "pregnancy")
        if found.exceeded and ctx.first_trimester:
            median = ctx.amount(ctx.t("pregnancy_t1_median_ng_ml"), approx=True, mark="~")
            text = (
                f"{found.evidence}; in the first trimester prolactin is usually far lower "
                f"(median {median}), so pregnancy hardly explains this level"
            )
            found = replace(found, evidence=text)
        if found.exceeded and ctx.term_allowance and ctx.mild:
            times = approx(ctx.t("repeat_rested_max_times_uln"))
            text = (
                f"{found.evidence}; in the third trimester a rise this mild (up to {times}× the "
                "whole-pregnancy limit) is usual: term values vary widely"
            )
            found = Finding("pregnancy", LIKELY, text, rule)
        return [found]
    if ctx.pregnancy_conflict:
        said = "; ".join(c for c in patient.conflicts if c.startswith("pregnancy"))
        said = said or _pregnancy_evidence(ctx)
        text = f"{said}; if she is pregnant, the level may be physiological"
        return [Finding("pregnancy", POSSIBLE, text, rule)]
    unknown = patient.pregnancy == "unknown" and not patient.child_bearing_excluded
    if unknown and ctx.sex != "M" and not _past_childbearing(ctx):
        said = patient.said("pregnancy_unknown") or "pregnancy status unknown"
        text = f"{said}: pregnancy not confirmed or excluded"
        return [Finding("pregnancy", POSSIBLE, text, rule)]
    return []


@factor_rule("lactation_state")
def lactation(ctx: RowContext) -> list[Finding]:
    """Breastfeeding, or the days after delivery.  Postpartum without breastfeeding is
    physiological only in its first postpartum_nonlactating_normal_weeks; with feeding not
    stated the finding is possible (and the breastfeeding interval is never used).  A delivery
    without its time is at most possible (_undated_delivery)."""
    rule = "lactation_state"
    patient = ctx.patient
    if ctx.state == LACTATION:
        found = _physiological(ctx, "lactation", rule, _lactation_evidence(ctx), "breastfeeding")
        if found.exceeded and ctx.early_lactation and ctx.mild:
            times = approx(ctx.t("repeat_rested_max_times_uln"))
            text = (
                f"{found.evidence}; in the first months of breastfeeding a rise this mild (up "
                f"to {times}× the breastfeeding limit) is usual: the basal level is still about "
                "that of the first week and each feed roughly doubles it"
            )
            found = Finding("lactation", LIKELY, text, rule)
        if found.exceeded and ctx.lactation_time_unknown:
            found = _lactation_time_unknown(ctx, found)
        return [found]
    if ctx.sex == "M" or patient.lactation == "yes":
        return []  # a breastfeeding record that was not used is a reported conflict
    if not patient.postpartum:
        return _undated_delivery(ctx, rule)
    weeks = patient.postpartum_weeks
    why = patient.said("postpartum") or "postpartum"
    # judged against the first week's stratum (its end included) or not yet back to baseline
    first_week = ctx.judged_first_week or (
        weeks is not None and weeks < ctx.t("postpartum_nonlactating_normal_weeks")
    )
    feeding_unknown = patient.lactation in ("", "unknown")
    if not first_week and not feeding_unknown:
        return []  # not breastfeeding and past the first week: prolactin is back to baseline
    if weeks is not None and weeks > ctx.t("postpartum_feeding_unknown_max_weeks"):
        return []  # years after delivery, feeding not stated: no reason to assume it
    if first_week:
        text = f"{why}; in the first week after delivery prolactin is raised even without feeding"
    else:
        text = f"{why}; breastfeeding not stated (prolactin stays raised while breastfeeding)"
    ceiling = ctx.physiological_uln("lactating")
    late = weeks is not None and not first_week and weeks > ctx.t("lactation_late_weeks")
    if ceiling is not None and not ctx.within(ceiling) and ctx.feeding_unknown_early_postpartum:
        times = approx(ctx.t("repeat_rested_max_times_uln"))
        allowed = ctx.amount(ceiling * ctx.t("repeat_rested_max_times_uln"), approx=True)
        text += (
            f"; if she is breastfeeding, a post-feed peak in the first "
            f"{fmt(ctx.t('lactation_basal_stable_weeks'))} weeks reaches up to {times}× the "
            f"breastfeeding limit ({allowed}), so breastfeeding may explain this level; if not, "
            "it is more than the postpartum state explains: confirm whether she is breastfeeding"
        )
        return [Finding("lactation", POSSIBLE, text, rule)]
    if ceiling is None or not ctx.within(ceiling) or late:
        if late:  # months after delivery an unstated feeding is a question, not an answer
            text += ": confirm whether she is breastfeeding"
        exceeded = ceiling is not None and not ctx.within(ceiling)
        return [Finding("lactation", POSSIBLE, text, rule, exceeded=exceeded)]
    text += f"; the result is within the breastfeeding interval ({ctx.amount(ceiling, mark='≤ ')})"
    if feeding_unknown:
        text += ": confirm whether she is breastfeeding"
    return [Finding("lactation", LIKELY, text, rule)]


def _lactation_time_unknown(ctx: RowContext, found: Finding) -> Finding:
    """Breastfeeding above its interval with no time since delivery stated
    (ctx.lactation_time_unknown): what the level means depends on that time (clinical-reference
    §2.1: basal ~100 ng/mL from day 7 to 3 months, ~50 ng/mL at 6 months, each feed roughly
    doubling it).  Within the first months' allowance it is possible, not likely, and asks for
    the time; above it the time changes nothing."""
    weeks = fmt(ctx.t("lactation_basal_stable_weeks"))
    times = approx(ctx.t("repeat_rested_max_times_uln"))
    if not ctx.state_explains_level:
        text = (
            f"{found.evidence}; time since delivery not stated, but above {times}× the "
            f"breastfeeding limit even the first {weeks} weeks of breastfeeding do not explain "
            "the level"
        )
        return replace(found, evidence=text)
    text = (
        f"{found.evidence}; time since delivery not stated: in the first {weeks} weeks a "
        f"post-feed peak reaches up to {times}× the breastfeeding limit, later in breastfeeding "
        "this level is more than feeding explains: confirm when she delivered"
    )
    return replace(found, evidence=text)


def _undated_delivery(ctx: RowContext, rule: str) -> list[Finding]:
    """A delivery written without its time ("Sectio", "C-section", "césarienne"), feeding not
    said to be over: often an old one, so at most possible, and the usual work-up stays (prolactin
    is back to non-pregnant levels about a week after delivery unless she breastfeeds:
    clinical-reference §2.1).  Not in pregnancy, nor far past childbearing age."""
    patient = ctx.patient
    if not patient.delivery_undated or patient.lactation == "no" or ctx.state:
        return []
    if patient.pregnant or patient.pregnancy_conflict or _past_childbearing(ctx):
        return []
    text = (
        f"{patient.said('delivery')}: a delivery without a date; prolactin is back to "
        "non-pregnant levels about a week after delivery unless she is breastfeeding: confirm "
        "when she delivered and whether she is breastfeeding"
    )
    ceiling = ctx.physiological_uln("lactating")
    exceeded = ceiling is not None and not ctx.within(ceiling)
    return [Finding("lactation", POSSIBLE, text, rule, exceeded=exceeded)]


def _lactation_evidence(ctx: RowContext) -> str:
    """Why the breastfeeding interval judged the row: breastfeeding said, else the first days
    after delivery (intervals.early_postpartum), else the yes/no column."""
    patient = ctx.patient
    said = patient.said("lactation")
    if said or not patient.postpartum or patient.lactation == "yes":
        return said or ctx.flag_evidence("lactating")
    why = patient.said("postpartum") or "postpartum"
    return (
        f"{why}; in the first week after delivery prolactin is raised even without feeding "
        "(judged against the breastfeeding interval)"
    )


@factor_rule("neonatal_period")
def neonatal(ctx: RowContext) -> list[Finding]:
    if ctx.age is None:
        return []
    if ctx.state != NEONATAL:
        return _maybe_neonatal(ctx)
    return [_physiological(ctx, "neonatal", "neonatal_period", _neonatal_evidence(ctx), "neonatal")]


def _maybe_neonatal(ctx: RowContext) -> list[Finding]:
    """An age of 0 without days ("0 y": under one year, judged against every interval of that
    span) with a result the neonatal interval may hold but a later infant's does not
    (indeterminate): the neonatal period is possible, never likely; above the adult urgent
    level the result is soon, not urgent, until the age in days is known (under one year the
    adult urgent level does not apply: priority.neonatal, infant_max_age_years)."""
    if ctx.state or not ctx.possibly_neonate or ctx.status == "high":
        return []
    text = (
        f"age: 0 without days, or a newborn or infant word (the age in days is not known); "
        "in the first days of life "
        f"{ctx.result} may be expected (neonatal interval up to {ctx.amount(ctx.uln)}), later "
        "it is raised: the age in days or the birth date decides"
    )
    if ctx.level_above(ctx.urgent_level):
        text += (
            f"; above the adult urgent level {ctx.amount(ctx.urgent_level, approx=True)}, "
            "which does not apply under one year: soon until the age in days is known"
        )
    return [Finding("neonatal", POSSIBLE, text, "neonatal_period")]


def _neonatal_evidence(ctx: RowContext) -> str:
    limit = age_text(ctx.t("neonatal_max_age_years"))
    return f"age: {age_text(ctx.age)} (neonatal period, under {limit})"


_PHYSIOLOGICAL = {
    PREGNANCY: ("pregnancy", "pregnancy", "non-pregnant limit"),
    LACTATION: ("lactation", "breastfeeding", "non-breastfeeding limit"),
    NEONATAL: ("neonatal", "neonatal", "limit after the neonatal period"),
}


def physiological_explanation(ctx: RowContext) -> list[Finding]:
    """The state of a result that is not high against its physiological interval (pregnancy,
    breastfeeding, neonatal): every such row lists the state it was judged by.  Normal yet above
    the limit the patient would otherwise have: the state explains it, listed as likely
    (priority stays none).  Within the usual limit too, or indeterminate against the state's
    interval: listed as possible, saying which interval judged it.  A low result lists no state
    (a state that raises prolactin explains no low result; review 22): while breastfeeding it
    is a possible failure of lactation (RowContext.pituitary_damage).

    A neonate has no limit "otherwise" but the one after the neonatal period (the later
    infant's, intervals._Picker.after_neonatal; never an adult's by sex): a result within it is
    not raised at all, and the neonatal period, which explains nothing there, is not listed
    (output-contract-extensions, review 14: within the usual limit nothing is raised, nothing is
    listed; the reference note names the neonatal interval that judged it)."""
    if ctx.source != "physiological" or ctx.high_like or ctx.state not in _PHYSIOLOGICAL:
        return []
    if ctx.status == "low":  # a state that raises prolactin explains no low result (review 22)
        return []
    if ctx.state == NEONATAL and ctx.status in ("normal", "low") and not ctx.above_usual:
        return []
    usual = ctx.usual_uln
    code, noun, other = _PHYSIOLOGICAL[ctx.state]
    if ctx.state == PREGNANCY:
        why = _pregnancy_evidence(ctx)
    elif ctx.state == LACTATION:
        why = _lactation_evidence(ctx)
    else:
        why = _neonatal_evidence(ctx)
    interval = f"the {noun} interval {ctx.interval(ctx.low, ctx.uln)}"
    rule = "physiological_state_explains"
    if ctx.status == "normal" and usual == usual and ctx.above(usual):
        text = f"{why}; {ctx.result} is within {interval}; above the {other} {ctx.number(usual)}"
        return [Finding(code, LIKELY, text, rule)]
    if ctx.status == "normal":
        within = f", and within the {other} {ctx.amount(usual)}" if usual == usual else ""
        text = f"{why}; judged against {interval}: {ctx.result} is within it{within}"
    else:
        text = f"{why}; judged against {interval}: {ctx.result} could not be placed in it"
    return [Finding(code, POSSIBLE, text, rule)]


# The rules of the non-physiological contributors (a drug, kidney, thyroid, liver) that a
# result within a physiological interval still lists beside the state (contributors_in_state).
CONTRIBUTOR_RULES: Final = (
    "prolactin_raising_drug",
    "kidney_function",
    "thyroid_function",
    "liver_cirrhosis",
)


def contributors_in_state(ctx: RowContext) -> list[Finding]:
    """The other contributors found in the data for a result within the pregnancy,
    breastfeeding or neonatal interval yet above the limit the patient would otherwise have:
    the state keeps the status and priority (output-contract §7: none for the expected level),
    but a drug, kidney impairment, hypothyroidism or cirrhosis beside it is still listed with
    its evidence and its step (treat the thyroid and re-check prolactin once euthyroid; the
    work-up lists them whatever the state: clinical-reference §1.4, §8)."""
    if ctx.source != "physiological" or ctx.high_like or not ctx.above_usual:
        return []
    if ctx.value != ctx.value:
        return []
    found: list[Finding] = []
    for name in CONTRIBUTOR_RULES:
        found.extend(f for f in FACTOR_RULES[name](ctx) if not f.ruled_out)
    return found


# ---------------------------------------------------------------------------------------------
# Medication
# ---------------------------------------------------------------------------------------------
# Where a medication list's items end: ";", a line end, or a comma that is no decimal mark (a
# comma between digits is one: "Risperdal Consta 37,5 mg", "0,5 mg").
_ITEM_BREAK: Final = re.compile(r"\r?\n|[;\r]|(?<!\d),|,(?!\d)")


@lru_cache(maxsize=TEXT_CACHE_SIZE)  # per distinct medication cell and match
def medication_item(text: str, matched: str) -> str:
    """The item of a medication list (split on , ; and new lines; not on a decimal comma) that
    holds `matched`, with the next line of the cell when that only says the drug was stopped
    ("Xeplion\n(gestoppt vor 3 Wochen)": knowledge/drugs.py stop_status_line)."""
    lowered = matched.lower()
    breaks = list(_ITEM_BREAK.finditer(text))
    starts = [0] + [found.end() for found in breaks]
    ends = [found.start() for found in breaks] + [len(text)]
    for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
        piece = text[start:end]
        if lowered not in piece.lower():
            continue
        if index < len(breaks) and breaks[index].group().endswith("\n"):
            below = text[starts[index + 1] : ends[index + 1]]
            if stop_status_line(below):
                return f"{piece.strip()} {below.strip()}"
        # "Risperdal, nimmt es nicht regelmäßig", "MCP, bei Bedarf", "Dostinex, nimmt sie nicht
        # mehr": how it is taken, or that it no longer is, is quoted
        last = index
        while (
            last < len(breaks)
            and breaks[last].group() == ","
            and (
                doubt_clause(text[starts[last + 1] : ends[last + 1]])
                or no_longer_clause(text[starts[last + 1] : ends[last + 1]])
            )
        ):
            last += 1
        return text[start : ends[last]].strip()
    return matched


def is_depot_item(ctx: RowContext, written: str, drug: Drug) -> bool:
    """Whether the medication-list item `written` gives `drug` as a depot (cue depot: a depot
    brand, "decanoate", "palmitate", "Depot", "LAI" ...) in the words of its own drug: an item
    naming two drugs ("Abilify Maintena 400 mg + Haldol 5 mg", "Xeplion und Haldol 5 mg") gives
    the depot only to the drug whose words hold it (knowledge/drugs.py own_part)."""
    # a function of the text, the drug and the vocabularies: once per process (memo.py; the
    # entry keeps its cue book, so that no other book takes its id while it is kept)
    known = memo.cache_of("depot_items", ctx.knowledge.drugs)
    found = known.get((written, drug.name, id(ctx.book)))
    if found is not None and found[0] is ctx.book:
        return bool(found[1])
    mentions = drug_matcher(tuple(ctx.knowledge.drugs)).mentions(written)
    spans = [(m.start, m.end) for m in mentions]
    own = [own_part(written, spans, i) for i, m in enumerate(mentions) if m.match.drug == drug]
    depot = any("depot" in ctx.book.match("medications", part) for part in own or [written])
    known[(written, drug.name, id(ctx.book))] = (ctx.book, depot)
    return depot


def depot_review(ctx: RowContext, match: DrugMatch) -> bool:
    """Whether a drug counted is given as a depot in its medication-list item (is_depot_item)."""
    written = medication_item(ctx.text(match.field) or "", match.matched_text)
    return is_depot_item(ctx, written, match.drug)


@dataclass(frozen=True, slots=True)
class RetestAfterStop:
    """When prolactin is re-measured after a drug already stopped (retest_after_stop)."""

    days: float  # the days the drug must be off: its own acts_after_stop, else the washout
    stopped: float | None  # the days before the sample it was stopped (None: not written)
    on: date | None  # the day the repeat is due (None: the stop's day not written)
    depot: bool = False  # a depot switched away from: `days` are the depot's acting days


def retest_after_stop(ctx: RowContext, match: DrugMatch) -> RetestAfterStop | None:
    """For a drug written as stopped (or switched away from) yet still acting at the sample
    (DrugMatch.stopped) and not given as a depot: when prolactin is re-measured, once the drug
    has been off long enough (clinical-reference §0 "Drug withdrawal test", §1.1 2.1: stop for
    3 days, then re-measure; thresholds.toml drug_withdrawal_retest_days, or the drug's own
    acts_after_stop), counted from the stop's day when it is written.  None for a drug taken
    (no stop to wait for) or a depot (its "last injection" is often a dose of a schedule that
    goes on: reviewed as taken), but a depot switched away from ("Umstellung von Xeplion auf
    Abilify Maintena vor 4 Wochen"): the switch is done and the depot washes out, so prolactin
    is re-measured once its acting days (depot_acting_threshold) are past (clinical-reference
    §7.9: depots need far longer than the oral washout)."""
    if not match.stopped:
        return None
    written = medication_item(ctx.text(match.field) or "", match.matched_text)
    depot = is_depot_item(ctx, written, match.drug)
    if depot and not match.switched_to:
        return None
    item = (
        _switch_as_stop(ctx, ctx.text(match.field) or "", match)
        if match.switched_to
        else _as_stop(ctx, written, match)
    )
    off = ctx.t(
        depot_acting_threshold(written)
        if depot
        else match.drug.acts_after_stop or "drug_withdrawal_retest_days"
    )
    days = stopped_days(item)
    if days is None:
        span = _stop_span(ctx, item)
        days = span[0] if span is not None and span[0] == span[1] else None
    collected = ctx.when("collected_at")
    on = (
        collected.date() - timedelta(days=days) + timedelta(days=off)
        if days is not None and collected is not None
        else None
    )
    return RetestAfterStop(off, days, on, depot)


def _drug_ceiling(ctx: RowContext, drug: Drug) -> float:
    if drug.typical_max_ng_ml is not None:
        return ctx.reach(drug.typical_max_ng_ml)
    return ctx.reach(ctx.t("drug_typical_max_ng_ml"))


# How a drug that raises prolactin stands to this result (drug_judgement): graded high or
# moderate (USUAL); graded lower but the result is within the drug's own documented reach
# (WITHIN_REACH: olanzapine, iloperidone, lurasidone "mild, often transient, ~20-50 ng/mL",
# clinical-reference §3.1); graded lower and the result above that reach (BEYOND_REACH); graded
# lower with no reach of its own (RARE: "drug-induced rises usually stay below ~100 ng/mL" is
# about drugs in general, not this one).
USUAL: Final = "usual"
WITHIN_REACH: Final = "within_reach"
BEYOND_REACH: Final = "beyond_reach"
RARE: Final = "rare"


def drug_judgement(ctx: RowContext, drug: Drug) -> str:
    """Whether a drug can explain this level (USUAL, WITHIN_REACH, BEYOND_REACH or RARE): the
    one rule the factor's evidence (_drug_line) and the medication review
    (suggestions.medication_review) both follow, so that a drug shown to "raise prolactin to
    ~50 ng/mL" at 40 ng/mL is never called an unlikely cause of it."""
    if drug.frequency in LIKELY_FREQUENCIES:
        return USUAL
    if drug.typical_max_ng_ml is None:
        return RARE
    return WITHIN_REACH if ctx.within(ctx.reach(drug.typical_max_ng_ml)) else BEYOND_REACH


def _drug_line(ctx: RowContext, match: DrugMatch) -> tuple[str, bool, bool]:
    """Evidence of one drug; whether it is a likely cause; whether the result exceeds its range."""
    labels = load_labels()
    drug = match.drug
    written = medication_item(ctx.text(match.field) or "", match.matched_text)
    ceiling = _drug_ceiling(ctx, drug)
    is_depot = is_depot_item(ctx, written, drug)
    depot = ", depot" if is_depot and drug.drug_class == "antipsychotic" else ""
    kind = labels.drug_class(drug.drug_class)
    reach = (
        f"can raise prolactin to {ctx.amount(ceiling, approx=True, mark='~')}"
        if drug.typical_max_ng_ml is not None
        else f"drug-induced rises usually stay below {ctx.amount(ceiling, approx=True, mark='~')}"
    )
    line = f"{field_words(match.field)}: '{written}' → {drug.name} ({kind}{depot}; {reach}"
    if drug.frequency not in LIKELY_FREQUENCIES:
        line += f"; raises prolactin in few users ({drug.frequency.replace('_', ' ')})"
    item = (
        _switch_as_stop(ctx, ctx.text(match.field) or "", match)
        if match.switched_to
        else _as_stop(ctx, written, match)
    )
    line += ")" + _stopped_note(ctx, item, is_depot, drug.acts_after_stop, match.switched_to)
    exceeded = not ctx.within(ceiling)
    beyond = beyond_drug_reach(ctx)
    state = state_accounts_for_level(ctx) if exceeded or beyond else ""
    if state:
        line += f"; {state}"  # the level is the state's: not compared with the drug's reach
    elif exceeded:
        line += f"; result {ctx.result} is above that"
    elif drug_judgement(ctx, drug) == WITHIN_REACH:
        line += f"; result {ctx.result} is within that: a possible cause, though in few users"
    elif beyond:
        rarely = ctx.reach(ctx.t("drug_rarely_exceeds_ng_ml"))
        line += (
            f"; above {ctx.amount(rarely, approx=True, mark='~')} a drug alone rarely explains "
            "the level: a possible cause only, and the pituitary is imaged even so"
        )
    dosed, acute = _dose_before_sample(ctx, match, written)
    doubt = "" if dosed and match.doubt == "as_needed" else match.doubt
    if doubt:
        line += _DOUBT_NOTES[doubt]
    line += dosed
    graded = drug.frequency in LIKELY_FREQUENCIES or acute
    likely = graded and not exceeded and not beyond and not doubt
    return line, likely, exceeded


def _dose_before_sample(ctx: RowContext, match: DrugMatch, written: str) -> tuple[str, bool]:
    """A dose written as given shortly before the sample (knowledge/drugs.py
    dose_minutes_before; at most thresholds.toml acute_dose_max_minutes): its evidence, and
    whether the drug's rise follows such a dose at once (drugs.toml acute_rise: an opioid by
    any route, cimetidine only intravenously; clinical-reference §3.1), which makes it a likely
    cause whatever its grade in chronic users.  A drug taken as needed so dosed is no longer in
    doubt (its rise follows a dose).  ("", False) when no such dose is written."""
    drug = match.drug
    if not drug.acute_rise and match.doubt != "as_needed":
        return "", False  # (the usual drug: no dose time read)
    minutes = dose_minutes_before(written)
    window = ctx.t("acute_dose_max_minutes")
    if minutes is None or minutes > window:
        return "", False
    when = f"; a dose given {fmt(minutes)} min before the sample"
    route = drug.acute_rise == "any_route" or (
        drug.acute_rise == "intravenous" and given_intravenously(written)
    )
    if route:
        return f"{when}: its rise follows a dose within ~{fmt(window)} min, a likely cause", True
    if drug.acute_rise == "intravenous":
        return f"{when}, not intravenously: only an IV dose raises prolactin markedly", False
    if match.doubt == "as_needed":
        return f"{when}: taken as needed, its rise follows a dose", False
    return "", False


# A drug written with doubt or taken irregularly (knowledge/drugs.py _doubt) is a possible
# cause only: its evidence says why.
_DOUBT_NOTES: Final = {
    "unconfirmed": (
        "; written with doubt: not confirmed that it is taken, a possible cause only until the "
        "medication is confirmed"
    ),
    "irregular": (
        "; taken irregularly (adherence in doubt): a possible cause, its effect varies with intake"
    ),
    "as_needed": (
        "; taken as needed, not regularly: a possible cause only if a dose was taken shortly "
        "before the sample (its rise follows a dose)"
    ),
    # stopped at a time written only as "recently" or a month: perhaps within its acting days
    "stop_time": (
        "; when it was stopped is not written exactly: it may still act, a possible cause only "
        "until the stop date is confirmed"
    ),
}


def beyond_drug_reach(ctx: RowContext) -> bool:
    """The result is above drug_rarely_exceeds_ng_ml (~118 ng/mL, 2,500 mU/L): a drug alone
    rarely explains it, even one that can reach it (risperidone, amisulpride, metoclopramide:
    typical_max_ng_ml 200), so a drug there is at most a possible cause and the pituitary is
    imaged regardless (Korbonits & Grossman 2000; clinical-reference §1.3, §8 "consistent with
    drug effect")."""
    return not ctx.within(ctx.reach(ctx.t("drug_rarely_exceeds_ng_ml")))


def _as_stop(ctx: RowContext, written: str, match: DrugMatch) -> str:
    """The item a drug's stop is read from: as written, or, for a drug switched to another
    with no stop of its own written ("Haldol -> Abilify seit 18.11."), the switch written as its
    stop ("haloperidol stopped seit 18.11.": knowledge/drugs.py switch_stop_text)."""
    if stopped_days(written) is not None or _stop_span(ctx, written) is not None:
        return written
    switched = switch_stop_text(written, match.matched_text)
    return written if switched is None else switched


def _stopped_note(
    ctx: RowContext,
    written: str,
    is_depot: bool,
    acts_after_stop: str = "",
    switched_to: str = "",
) -> str:
    """Why a drug written as stopped (or switched to the drug `switched_to`) still counts:
    stopped less than the withdrawal days before the sample (a drug with its own acting days,
    drugs.toml acts_after_stop: at most those), or a depot within its acting days
    (knowledge/drugs.py _acting)."""
    days = stopped_days(written)
    if days is None:
        return _stop_span_note(ctx, written, is_depot, acts_after_stop, switched_to)
    washout = ctx.t("drug_withdrawal_retest_days")
    own = ctx.t(acts_after_stop) if acts_after_stop else None
    if not is_depot and days >= washout and (own is None or days > own):
        return ""
    said = stop_words((days, days), written, switched_to, depot=is_depot)
    if is_depot:
        acting = fmt(ctx.t(depot_acting_threshold(written)))
        return f"; {said}: a depot still acts up to {acting} days after"
    return f"; {said}, {_oral_window(ctx, acts_after_stop)}: still acting"


def _oral_window(ctx: RowContext, acts_after_stop: str) -> str:
    """The days a drug not given as a depot still acts after its stop, in words: its own
    (drugs.toml acts_after_stop) or the washout."""
    if acts_after_stop:
        return f"within the {fmt(ctx.t(acts_after_stop))} days it still acts after a stop"
    return f"within the {fmt(ctx.t('drug_withdrawal_retest_days'))}-day washout"


def _stop_span(ctx: RowContext, written: str) -> tuple[float, float | None] | None:
    """The fewest and most days before this row's sample a stop was (knowledge/drugs.py
    stop_span: a month's span, (0, None) for "recently"), or None."""
    if not names_stop_time(written):
        return None  # (before the sample's day is looked up)
    return stop_span_at(written, _sample_day(ctx))


def _sample_day(ctx: RowContext) -> tuple[int, int, int] | None:
    """The (year, month, day) the sample was collected, a written stop or start is read
    against (None: not known)."""
    collected = ctx.when("collected_at")
    return (collected.year, collected.month, collected.day) if collected else None


def _span_when(fewest: float, most: float | None, written: str = "") -> str:
    """When a stop known only as a span (_stop_span) was, in words: the range of days meant
    (a month's, or a year's when `written` gives only the year: "abgesetzt 2025")."""
    return stop_words((fewest, most), written)


def stop_words(
    span: tuple[float, float | None] | None,
    written: str = "",
    switched_to: str = "",
    *,
    depot: bool = False,
) -> str:
    """A drug's stop in the words of labels.toml [drug_stops]: stopped, or switched to the drug
    `switched_to` ("switched to aripiprazole 50 days before the sample"), at the time `span`
    gives (knowledge/drugs.py stop_span; None: not written).  A time `written` as the last
    dose's ("last dose 2 days ago", "letzte Inj. 08.01.2026": _last_dose_written) is no stop:
    "last given 2 days before the sample", for a `depot` "last injection 44 days before the
    sample" (a depot given on schedule is still being taken)."""
    words = load_labels().drug_stops
    if span is not None and span[1] is None:
        key = "switched_recently" if switched_to else "stopped_recently"
        return words[key].format(drug=switched_to)
    if span is None:
        return words["switched" if switched_to else "stopped"].format(drug=switched_to)
    fewest, most = span
    if most == fewest:  # a time or a date written ("abgesetzt am 18.11.")
        when = f"{span_words(most)} before the sample" if most else "on the day of the sample"
    else:
        what = "year" if stopped_month(written) is None and stopped_year(written) else "month"
        when = f"{fmt(fewest)}–{fmt(most)} days before the sample (only its {what} written)"
    if switched_to:
        key = "switched_when"
    elif _last_dose_written(written):
        key = "last_injection_when" if depot else "last_given_when"
    else:
        key = "stopped_when"
    return words[key].format(drug=switched_to, when=when)


def _last_dose_written(written: str) -> bool:
    """Whether `written` dates the drug's last dose (synonyms.toml [values.last_dose]: "last
    injection 2026-09-01", "letzte Gabe vor 3 Wochen"), not its stop."""
    if last_dose_days(written) is not None:
        return True
    end = written_end(written)
    return end is not None and end.last_dose


def _stop_span_note(
    ctx: RowContext, written: str, is_depot: bool, acts_after_stop: str = "", switched_to: str = ""
) -> str:
    """Why a drug stopped at a time written only as a month ("stopped in October") or as recent
    ("recently stopped") still counts (knowledge/drugs.py stop_span): how long before the
    sample that may have been, and how long the drug acts (a depot's days, its own
    acts_after_stop, else the washout)."""
    span = _stop_span(ctx, written)
    if span is None:
        return ""
    fewest, most = span
    if most is not None and most < 0:
        return "; stopped only after the sample: taken when it was drawn"
    when = stop_words(span, written, switched_to, depot=is_depot)
    if is_depot:
        acting = fmt(ctx.t(depot_acting_threshold(written)))
        return f"; {when}: a depot still acts up to {acting} days after"
    own = ctx.t(acts_after_stop) if acts_after_stop else None
    washout = ctx.t("drug_withdrawal_retest_days")

    def within(days: float) -> bool:
        return days <= own if own is not None else days < washout

    if most is not None and within(most):  # a day written, or a month all within
        return f"; {when}, {_oral_window(ctx, acts_after_stop)}: still acting"
    if not within(fewest):
        return ""
    return f"; {when}, perhaps {_oral_window(ctx, acts_after_stop)}"


def stopped_agonists(ctx: RowContext) -> list[tuple[str, str]]:
    """Each prolactin-lowering treatment (ATC G02CB: cabergoline, bromocriptine, quinagolide, a
    dopamine agonist unnamed) that the medication list or a note writes as stopped, paused or
    tapered off, or as taken before ("previously on cabergoline", "früher Cabergolin":
    knowledge/drugs.py taken_before), as (evidence, drug name) ("medications: 'Dostinex
    pausiert wegen Kinderwunsch' → cabergoline", "cabergoline"): whether it still acts
    (DrugMatch.stopped) or no longer does.  Prolactin rises back once one is stopped, so a
    treated prolactinoma or hyperprolactinaemia may be returning (clinical-reference §3.2:
    "Stopping a DA can make PRL rebound")."""
    found = [(m.field, m.matched_text, m.drug.name) for m in ctx.prolactin_treatment if m.stopped]
    drugs = tuple(ctx.knowledge.drugs)
    for field in TEXT_FIELDS:  # the medication column and the notes (review 27)
        written = ctx.text(field)
        if written is None:
            continue
        # read as the engine reads the field (engine/core.py _read_drugs), against the sample's
        # date: a stop dated after it leaves the drug taken at it
        matcher = (
            drug_matcher(drugs)
            if field == "medications"
            else drug_matcher(drugs, abbreviations=False, labelled=True)
        )
        for mention in matcher.mentions(written, _sample_day(ctx)):
            drug = mention.match.drug
            if not drug.masks:
                continue
            if not any(code.startswith(PROLACTIN_INHIBITOR_ATC) for code in drug.atc):
                continue
            matched = mention.match.matched_text
            item = medication_item(written, matched)
            # a bare "sosp." closing the item is only written with doubt ("Dostinex sosp.":
            # drugs.toml unconfirmed_after), yet an agonist has no oral suspension: a possible
            # stop, whose rebound is said (review 28 mend B2)
            stopped = says_stopped(item)
            if stopped or (mention.negated and taken_before(item, matched)):
                found.append((field, matched, drug.name))
    said = [
        (field_words(field), medication_item(ctx.text(field) or "", written), name)
        for field, written, name in found
    ]
    return list(dict.fromkeys((f"{words}: '{item}' → {name}", name) for words, item, name in said))


def rebound_note(ctx: RowContext) -> str:
    """What a raised result after a prolactin-lowering treatment was stopped may be (evidence of
    stopped_agonists), or ""."""
    stopped = stopped_agonists(ctx)
    if not stopped:
        return ""
    return (
        f"{'; '.join(evidence for evidence, _ in stopped)}: a dopamine agonist stopped or "
        "paused; prolactin rises back once it is stopped, so a treated prolactinoma or "
        "hyperprolactinaemia may be returning"
    )


def stopped_agonist_note(ctx: RowContext, match: DrugMatch) -> str:
    """How a dopamine agonist written as stopped, yet stopped within the days it still acts
    (DrugMatch.stopped; drugs.toml acts_after_stop), was stopped: "'Dostinex abgesetzt vor 4
    Tagen': stopped or last taken 4 days before the sample, within the 28 days its
    prolactin-lowering effect lasts" (cabergoline SmPC; clinical-reference §3.2)."""
    written = medication_item(ctx.text(match.field) or "", match.matched_text)
    name = match.drug.acts_after_stop or "drug_withdrawal_retest_days"
    lasts = f"within the {fmt(ctx.t(name))} days its prolactin-lowering effect lasts"
    days = stopped_days(written)
    span = _stop_span(ctx, written) if days is None else None
    if span is None:
        when = f" {span_words(days)} before the sample," if days else ""
        return f"{field_words(match.field)}: '{written}': stopped or last taken{when} {lasts}"
    # a stop known only as a month or as "recently": the range, perhaps within those days
    fewest, most = span
    perhaps = "" if most is not None and most <= ctx.t(name) else "perhaps "
    when = _span_when(fewest, most, written)
    return f"{field_words(match.field)}: '{written}': {when}, {perhaps}{lasts}"


@factor_rule("prolactin_raising_drug")
def medication(ctx: RowContext) -> list[Finding]:
    by_class: dict[str, list[tuple[str, bool, bool]]] = {}
    seen: set[str] = set()
    for match in ctx.drugs:
        drug = match.drug
        code = DRUG_FACTOR_PREFIX + drug.drug_class
        if drug.effect != "raises" or drug.frequency == "none" or code not in factor_codes():
            continue
        if drug.name in seen:
            continue
        seen.add(drug.name)
        by_class.setdefault(drug.drug_class, []).append(_drug_line(ctx, match))
    findings = []
    for drug_class, lines in by_class.items():
        likely = any(is_likely for _, is_likely, _ in lines)
        exceeded = all(over for _, _, over in lines)
        findings.append(
            Finding(
                DRUG_FACTOR_PREFIX + drug_class,
                LIKELY if likely else POSSIBLE,
                "; ".join(text for text, _, _ in lines),
                "prolactin_raising_drug",
                exceeded=exceeded,
            )
        )
    return findings


# ---------------------------------------------------------------------------------------------
# Kidney, thyroid, liver
# ---------------------------------------------------------------------------------------------
def recent_graft(ctx: RowContext) -> str | None:
    """A kidney transplant written as at most kidney_transplant_settling_days before the sample
    ("greffe rénale il y a 2 semaines", "NTX vor 2 Wochen", "Nierentransplantation 10/2026"), as
    evidence, else None: prolactin falls back only gradually after a transplant (weeks to
    months: clinical-reference §4, the time course [M]), so the kidney failure's
    hyperprolactinaemia may remain."""
    patient = ctx.patient
    days = patient.transplant_days
    if patient.renal != "transplant" or days is None:
        return None
    if not 0 <= days <= ctx.t("kidney_transplant_settling_days"):
        return None
    return f"{patient.said('transplant')} ({span_words(days)} before the sample)"


def _recent_graft_finding(ctx: RowContext) -> list[Finding]:
    """The possible residual hyperprolactinaemia of a recent kidney transplant (recent_graft)."""
    graft = recent_graft(ctx)
    if graft is None:
        return []
    settling = span_words(ctx.t("kidney_transplant_settling_days"))
    text = (
        f"{graft}: prolactin falls back only gradually after a kidney transplant (over weeks to "
        f"about {settling}), so the kidney failure's raised prolactin may remain; repeat before "
        "imaging"
    )
    return [Finding("renal_impairment", POSSIBLE, text, "kidney_function")]


@factor_rule("kidney_function")
def kidney(ctx: RowContext) -> list[Finding]:
    found = _kidney(ctx)
    return found or _recent_graft_finding(ctx)


def _kidney(ctx: RowContext) -> list[Finding]:
    """Dialysis (haemodialysis or peritoneal), else eGFR; an acute kidney injury is no CKD (its
    creatinine and eGFR are not in a steady state: only a chronic stage written beside it counts,
    the acute_illness factor reads the injury); a kidney transplant is not dialysis:
    a working graft normalises prolactin, so only its eGFR counts (a graft without an eGFR, a
    creatinine or a CKD stage is no factor: check_renal_function asks for the eGFR).  With no
    eGFR, one estimated from the creatinine (CKD-EPI 2021, renal.py) counts as a measured one."""
    rule = "kidney_function"
    patient = ctx.patient
    if patient.on_dialysis:
        ceiling = ctx.reach(ctx.t("dialysis_typical_max_ng_ml"))
        return [_ranged(ctx, "dialysis", rule, patient.said("dialysis"), ceiling, "dialysis")]
    if patient.kidney_acute:  # no steady state: its eGFR or creatinine is no CKD (acute_illness)
        return _ckd_without_egfr(ctx) if patient.ckd_stage is not None else []
    egfr = ctx.num("egfr")
    qualifier = str(ctx.raw("egfr_qualifier") or "")
    source = field_words("egfr")
    written = patient.lab("egfr")  # "eGFR 14" in a note fills an empty egfr column (state.py)
    if written is not None and egfr is not None and written.number == egfr:
        source = f"{written.evidence()} → {field_words('egfr')}"
    graft = patient.said("transplant") if patient.renal == "transplant" else ""
    estimate = estimate_from_creatinine(ctx)  # only when no eGFR is given (renal.py)
    if estimate is not None and estimate.egfr is not None:
        egfr, evidence = estimate.egfr, estimate.evidence + ctx.collected_on("creatinine")
    elif estimate is not None and _creatinine_raised(ctx, estimate):
        text = _raised_creatinine_text(ctx, estimate) + ctx.collected_on("creatinine")
        return [Finding("renal_impairment", POSSIBLE, text, rule)]
    elif egfr is None or qualifier == ">":
        if patient.ckd_stage is not None and egfr is None:
            return _ckd_without_egfr(ctx)
        return []
    else:
        evidence = f"{source}: {qualifier}{fmt(egfr)} mL/min/1.73m²{ctx.collected_on('egfr')}"
    if graft:
        evidence = f"{graft}; {evidence}"
    likely_below = ctx.t("egfr_renal_likely")
    possible_below = ctx.t("egfr_renal_possible")
    if egfr < likely_below or (qualifier == "<" and egfr <= likely_below):
        evidence += f" (below {fmt(likely_below)})"
        ceiling = ctx.reach(ctx.t("renal_typical_max_ng_ml"))
        return [_ranged(ctx, "renal_impairment", rule, evidence, ceiling, "kidney impairment")]
    if egfr < possible_below or (qualifier == "<" and egfr <= possible_below):
        evidence += f" (below {fmt(possible_below)}: moderate impairment, a less common cause)"
        return [Finding("renal_impairment", POSSIBLE, evidence, rule)]
    return []


def _creatinine_raised(ctx: RowContext, estimate: CreatinineEstimate) -> bool:
    """A creatinine above the adult upper limit (creatinine_adult_upper_mg_dl): raised at any
    age and sex (a child's limits are lower still)."""
    scr, _ = creatinine_mg_dl(ctx, estimate.creatinine)
    return scr > ctx.t("creatinine_adult_upper_mg_dl")


def _raised_creatinine_text(ctx: RowContext, estimate: CreatinineEstimate) -> str:
    """'creatinine 250 µmol/L is above the adult upper limit (1.2 mg/dL, ≈ 106 µmol/L) ...'."""
    upper = ctx.t("creatinine_adult_upper_mg_dl")
    in_umol = fmt(round(upper * ctx.t("creatinine_umol_per_mg_dl")))
    return (
        f"{estimate.shown} is above the adult upper limit ({fmt(upper)} mg/dL, ≈ {in_umol} "
        f"µmol/L), raised at any age; eGFR not estimable ({estimate.reason}): how far kidney "
        "function is reduced is not known"
    )


def _ckd_without_egfr(ctx: RowContext) -> list[Finding]:
    """Chronic kidney disease written with no eGFR: from ckd_stage_likely_min (eGFR below
    egfr_renal_likely by definition) a likely cause; a stage below ckd_stage_possible_min (G1-G2:
    an eGFR of egfr_renal_possible or more by definition) none, as that eGFR is none; else
    possible."""
    rule = "kidney_function"
    stage = ctx.patient.ckd_stage or 0
    if 0 < stage < ctx.t("ckd_stage_possible_min"):
        return []
    said = ctx.patient.said("ckd")
    if stage >= ctx.t("ckd_stage_likely_min"):
        ceiling = ctx.reach(ctx.t("renal_typical_max_ng_ml"))
        evidence = f"{said} (stage {stage}: eGFR below {fmt(ctx.t('egfr_renal_likely'))})"
        return [_ranged(ctx, "renal_impairment", rule, evidence, ceiling, "kidney impairment")]
    if stage:  # a stage below it: an eGFR of at least egfr_renal_likely by definition
        text = (
            f"{said} (stage {stage}: eGFR {fmt(ctx.t('egfr_renal_likely'))} or more by "
            "definition, a less common cause)"
        )
        return [Finding("renal_impairment", POSSIBLE, text, rule)]
    text = f"{said}; no eGFR given to show how far kidney function is reduced"
    return [Finding("renal_impairment", POSSIBLE, text, rule)]


@factor_rule("thyroid_function")
def thyroid(ctx: RowContext) -> list[Finding]:
    rule = "thyroid_function"
    tsh = ctx.num("tsh")
    if tsh is None and ctx.tsh_word is not None:  # a TSH result in words: "erhöht", "normal"
        return _tsh_in_words(ctx, ctx.tsh_word)
    if tsh is None and ctx.tsh_raised:  # a note says the TSH is raised, with no value
        return [_tsh_stated_high(ctx)]
    if tsh is None:
        hit = ctx.first("hypothyroidism")
        controlled = (
            ctx.has("euthyroid_stated") or ctx.has("tsh_stated_normal") or ctx.has("tsh_stated_low")
        )
        earlier = ctx.first(earlier_cue("tsh_stated_high"))
        if hit is None and earlier is not None and not controlled:
            return [_tsh_earlier_high(ctx, earlier)]
        if hit is None or controlled:
            return []  # no hypothyroidism named, or the note says it is controlled
        text = f"{hit.evidence()}; no TSH given to show whether it is controlled"
        return [Finding("hypothyroidism", POSSIBLE, text, rule)]
    if not ctx.tsh_above_upper or ctx.free_t4_raised:
        return []  # (a raised TSH with a raised free T4 is not primary hypothyroidism)
    qualifier = str(ctx.raw("tsh_qualifier") or "")
    free_t4 = ctx.free_t4_pmol
    said = f"TSH: {qualifier}{fmt(tsh)} mIU/L{ctx.collected_on('tsh')}"
    evidence = f"{said}, above {ctx.tsh_upper_said}"
    strong = ctx.t("tsh_strong_miu_l")
    # the lab's own free T4 interval, else the adult one (a free T4 within the lab's interval
    # is no overt hypothyroidism, whatever the fixed limit says)
    low_t4 = ctx.free_t4_low_limit
    overt = free_t4 is not None and free_t4 < low_t4
    if ctx.tsh_adult_limit_only and not overt:
        # a child's TSH above the adult limit, with no interval of the lab's own: TSH is
        # physiologically higher after birth and in infancy, so the adult limit does not grade
        # it (thresholds.toml adult_levels_min_age_years, tsh_upper_miu_l)
        text = (
            f"{said}, above the adult limit {fmt(ctx.t('tsh_upper_miu_l'))}, but no TSH interval "
            "for the child's age is given: TSH runs higher in newborns, infants and children; "
            "judge it against an age-appropriate interval (with free T4) before calling it "
            "hypothyroidism"
        )
        return [Finding("hypothyroidism", POSSIBLE, text, rule)]
    if overt:
        # a raised TSH with a low free T4 is overt primary hypothyroidism, which raises
        # prolactin more often than a raised TSH alone (clinical-reference §4: 36% vs 22%)
        evidence += (
            f"; free T4: {fmt(free_t4 or 0.0)} pmol/L{ctx.collected_on('free_t4')}, below "
            f"{ctx.free_t4_low_said}: overt primary "
            "hypothyroidism"
        )
    if tsh < strong and not overt:
        text = f"{evidence}; mildly raised TSH, a weaker cause (strong from {fmt(strong)})"
        return [Finding("hypothyroidism", POSSIBLE, text + _treat_and_repeat(ctx, False), rule)]
    ceiling = ctx.reach(ctx.t("hypothyroid_typical_max_ng_ml"))
    found = _ranged(ctx, "hypothyroidism", rule, evidence, ceiling, "hypothyroidism")
    likely = found.strength == LIKELY
    return [replace(found, evidence=found.evidence + _treat_and_repeat(ctx, likely))]


def _tsh_in_words(ctx: RowContext, word: str) -> list[Finding]:
    """A TSH written as a word: a raised one is a possible cause (how far it is raised, which
    decides the strength, is not known), unless the free T4 is raised too; a normal or low one
    is no thyroid cause, whatever a note says."""
    if word != "high" or ctx.free_t4_raised:
        return []
    said = f"TSH: '{ctx.text('tsh_text')}'{ctx.collected_on('tsh')}"
    text = f"{said} (raised; no value given to show how far)"
    evidence = text + _treat_and_repeat(ctx, False)
    return [Finding("hypothyroidism", POSSIBLE, evidence, "thyroid_function")]


def _tsh_stated_high(ctx: RowContext) -> Finding:
    """A note that says the TSH is raised, with no value ("TSH erhöht", "TSH élevée"): a possible
    thyroid cause, never likely (how far it is raised is not known); a low free T4 said beside
    it makes it overt primary hypothyroidism, still without a value."""
    said = next(iter(ctx.hits("tsh_stated_high"))).evidence()
    text = f"TSH reported raised in the notes (no value): {said}"
    low_t4 = ctx.first("free_t4_stated_low")
    if low_t4 is not None and ctx.free_t4_pmol is None:
        text += f"; free T4 reported low ({low_t4.evidence()}): overt primary hypothyroidism"
    text += "; confirm its value to grade it" + _treat_and_repeat(ctx, False)
    return Finding("hypothyroidism", POSSIBLE, text, "thyroid_function")


def _tsh_earlier_high(ctx: RowContext, earlier: CueHit) -> Finding:
    """A note that says an earlier sample's TSH was raised ("TSH erhöht 2019", "previously
    raised TSH"), with no TSH of this sample: a possible thyroid cause, never likely (it does
    not show the thyroid state now; cues.toml [past_results])."""
    text = (
        f"TSH reported raised in the notes for an earlier sample: {earlier.evidence()}; it "
        "does not show the thyroid state at this sample: measure TSH and free T4 now; if raised, "
        "treat, and re-check prolactin once euthyroid"
    )
    return Finding("hypothyroidism", POSSIBLE, text, "thyroid_function")


def _treat_and_repeat(ctx: RowContext, likely: bool) -> str:
    """What a raised TSH in the row means for the next steps (the TSH is known, so no
    check_tsh suggestion): free T4, treatment, prolactin again once euthyroid; with a pituitary
    finding and a likely thyroid cause, thyrotroph hyperplasia (clinical-reference §1.4)."""
    free_t4 = "" if ctx.free_t4_pmol is not None else "check free T4; "
    text = f"; {free_t4}treat, and re-check prolactin once euthyroid"
    enlarged = ctx.first("pituitary_hyperplasia")
    # an enlarged gland beside a raised TSH is read as hyperplasia, not as a lesion (whatever
    # the strength): its wording always stands then
    hyperplasia = enlarged is not None and not ctx.lesion.present
    if hyperplasia or (likely and (enlarged is not None or ctx.lesion.present)):
        seen = enlarged.evidence() if enlarged is not None else ctx.lesion.evidence
        text += (
            f"; the pituitary finding ({seen}) may be thyrotroph hyperplasia from primary "
            "hypothyroidism, which regresses on thyroxine: treat and re-image before calling it "
            "an adenoma"
        )
    return text


@factor_rule("liver_cirrhosis")
def liver(ctx: RowContext) -> list[Finding]:
    """Cirrhosis only (fatty liver, hepatitis without cirrhosis: no factor); a cirrhosis that is
    only suspected ("sospetta cirrosi? da confermare"), or a chronic liver disease that does not
    say whether it is one ("hépatopathie chronique", "alcoholic liver disease"), is at most a
    possible cause."""
    rule = "liver_cirrhosis"
    patient = ctx.patient
    if patient.liver == "suspected":
        text = f"{patient.said('liver')}; cirrhosis suspected, not confirmed: assess liver function"
        return [Finding("liver_cirrhosis", POSSIBLE, text, rule)]
    if patient.liver == "chronic":
        text = (
            f"{patient.said('liver')}; a chronic liver disease raises prolactin once it is "
            "cirrhosis, which is not stated: assess for cirrhosis (liver function, history)"
        )
        return [Finding("liver_cirrhosis", POSSIBLE, text, rule)]
    if patient.liver != "cirrhosis":
        return []
    said = patient.said("liver")
    if patient.child_pugh:
        said += f" (Child-Pugh {patient.child_pugh})"
    if not patient.liver_severity:
        kind = "compensated cirrhosis" if patient.child_pugh in ("", "A") else "cirrhosis"
        text = f"{said}; {kind} raises prolactin in a minority, usually mildly"
        finding = Finding("liver_cirrhosis", POSSIBLE, text, rule)
        ceiling = ctx.reach(ctx.t("cirrhosis_typical_max_ng_ml"))
        return [finding if ctx.within(ceiling) else replace(finding, exceeded=True)]
    name = (
        "cirrhosis_encephalopathy_max_ng_ml"
        if patient.liver_severity == "encephalopathy"
        else "cirrhosis_typical_max_ng_ml"
    )
    shown = said.split("; ")
    more = [part for part in patient.said("liver_severe").split("; ") if part and part not in shown]
    evidence = "; ".join([said, *more])
    return [_ranged(ctx, "liver_cirrhosis", rule, evidence, ctx.t(name), "advanced cirrhosis")]


# ---------------------------------------------------------------------------------------------
# Pituitary and macroprolactin
# ---------------------------------------------------------------------------------------------
def _lesion_words(ctx: RowContext) -> tuple[str, str]:
    """The lesion's evidence and, when read from text, its size (" (35 mm)")."""
    lesion = ctx.lesion
    evidence = lesion.evidence
    parsed = lesion.size_mm is not None and "pituitary_lesion_mm" not in evidence
    size = f" ({fmt(lesion.size_mm or 0.0)} mm)" if parsed else ""
    return evidence, size


_SUSPECTED = "; written with doubt (suspected, not confirmed)"
# The pituitary's treatments after which a raised prolactin may mean a residual or recurrent
# tumour until the MRI says otherwise (clinical-reference §1.4): an operation (cues
# pituitary_surgery, lesion_resected) or radiotherapy of the pituitary (cue
# pituitary_radiotherapy, review 25), each with its word.
_PITUITARY_TREATMENTS: Final = (
    ("lesion_resected", "surgery"),
    ("pituitary_radiotherapy", "radiotherapy"),
)


def _after_treatment(ctx: RowContext) -> str:
    """'; after pituitary surgery [and radiotherapy] a raised prolactin may mean ...' for a
    raised result after the pituitary's treatment, else ''."""
    done = [word for cue, word in _PITUITARY_TREATMENTS if ctx.has(cue)]
    if not done or not ctx.high_like:
        return ""
    return (
        f"; after pituitary {' and '.join(done)} a raised prolactin may mean a residual or "
        "recurrent tumour"
    )


@factor_rule("pituitary_lesion")
def pituitary(ctx: RowContext) -> list[Finding]:
    """A known pituitary lesion (stalk effect or secreting).  A lesion written with doubt
    ("V.a.", "suspected", "?adenoma": cue lesion_suspected) is at most possible.  A lesion
    large enough for a hook effect with a result below its limit, where the sample was
    re-assayed at dilution and the neat result stands, says so (_dilution_done)."""
    found = _pituitary(ctx)
    treated = _after_treatment(ctx)
    if treated:
        found = [
            replace(f, evidence=f"{f.evidence}{treated}")
            if f.code == "known_pituitary_lesion"
            else f
            for f in found
        ]
    done = "" if ctx.diluted or ctx.value >= ctx.hook_limit_ng_ml else _dilution_done(ctx)
    if done:
        found = [
            replace(f, evidence=f"{f.evidence}{done}") if f.code == "known_pituitary_lesion" else f
            for f in found
        ]
    if ctx.lesion.enlarged or ctx.lesion.empty_sella or ctx.lesion.failure_only:
        if ctx.lesion.enlarged:
            said = _enlargement(ctx)
        else:
            said = _EMPTY_SELLA if ctx.lesion.empty_sella else _FAILURE_ONLY
        found = [
            replace(f, strength=POSSIBLE, evidence=f"{f.evidence}{said}")
            if f.code == "known_pituitary_lesion"
            else f
            for f in found
        ]
    if not ctx.lesion.suspected:
        return found
    return [
        replace(f, strength=POSSIBLE, evidence=f"{f.evidence}{_SUSPECTED}")
        if f.code == "known_pituitary_lesion"
        else f
        for f in found
    ]


def known_lesion(ctx: RowContext) -> list[Finding]:
    """A known pituitary lesion with a result that is not high: always listed, whatever the
    status or physiological state (it needs follow-up: a prolactinoma can grow in pregnancy, a
    large lesion can hide a very high prolactin behind a modest result, the hook effect; ES 2011
    1.3 and 6.x).  Above the usual (non-physiological) limit in pregnancy, breastfeeding or the
    neonatal period the lesion is judged as for a raised result."""
    lesion = ctx.lesion
    if not lesion.present or ctx.high_like or ctx.value != ctx.value:
        return []
    if ctx.above_usual:
        return pituitary(ctx)
    evidence, size = _lesion_words(ctx)
    text = (
        f"{evidence}{size}; prolactin {ctx.result} is not raised, but the lesion needs "
        "follow-up whatever the result"
    )
    if ctx.treated_prolactinoma:
        # a normal or suppressed level on a dopamine agonist is the treatment response
        # (clinical-reference §3.2), not a hook effect (priority.hook_effect_risk)
        text += f"{_treated(ctx)}: a level that is not raised on it is the treatment response"
    elif ctx.hook_sized_lesion and ctx.qualifier != ">":
        text += _dilution_done(ctx) or (
            ": with a lesion this large a very high prolactin can read falsely low (hook effect)"
        )
    if ctx.state == PREGNANCY and not lesion.enlarged:
        text += "; a prolactinoma can grow in pregnancy"
    if lesion.enlarged:
        text += _enlargement(ctx)
    elif lesion.empty_sella:
        text += _EMPTY_SELLA
    elif lesion.failure_only:
        text += _FAILURE_ONLY
    if lesion.suspected:
        text += _SUSPECTED
    return [Finding("known_pituitary_lesion", POSSIBLE, text, "pituitary_lesion")]


def _dilution_done(ctx: RowContext) -> str:
    """For a lesion large enough for a hook effect: the words saying the sample was re-assayed
    at dilution (RowContext.dilution_seen: a diluted result in a column, cell or note, or the
    hook effect written as excluded), so no hook effect hides a higher level (clinical-reference
    §0, §7.6); "" where nothing says so (or the lesion is not that large)."""
    seen = ctx.dilution_seen
    if not seen or not ctx.hook_sized_lesion or ctx.qualifier == ">":
        return ""
    return f"; re-assayed at dilution ({seen}): no hook effect hides a higher prolactin"


# An empty sella is no mass (clinical-reference §6.3: a cause of its own, median 48 ng/mL).
_EMPTY_SELLA: Final = (
    "; an empty sella is no mass (no chiasm compression, no hook effect): it can go with a "
    "mildly raised prolactin and with hypopituitarism"
)


# A pituitary failure known, dated, after surgery or radiotherapy, or replaced (cues.toml
# pituitary_failure_treated, engine/context.py _known_failures), no mass named: pituitary disease
# is known (clinical-reference §5: hypopituitarism is a mass effect when new).
_FAILURE_ONLY: Final = (
    "; a known pituitary failure (written as known, dated, after surgery or radiotherapy, or "
    "under replacement): pituitary disease is known (its cause, a "
    "sellar lesion, surgery or radiotherapy, is to be followed up on the MRI); no new red flag "
    "is written"
)


def _enlargement(ctx: RowContext) -> str:
    """What an enlarged pituitary named without a lesion and without a raised TSH is: a possible
    sellar lesion until shown otherwise, beside the physiological enlargements to exclude, the
    hyperplasia of pregnancy and the thyrotroph hyperplasia of primary hypothyroidism
    (clinical-reference §1.4, TSH/FT4 row)."""
    tsh = ctx.num("tsh")
    if tsh is not None:
        thyroid = f"TSH {fmt(tsh)} mIU/L{ctx.collected_on('tsh')}, not raised"
    elif ctx.tsh_word is not None:
        thyroid = f"TSH '{ctx.text('tsh_text')}', not raised"
    elif ctx.has("tsh_stated_normal"):
        thyroid = "TSH reported normal in the notes, no value"
    else:
        thyroid = "no TSH value given"
    text = (
        "; an enlarged pituitary: a possible sellar lesion until shown otherwise (review the "
        "MRI); the physiological enlargements to exclude are the hyperplasia of pregnancy and "
        f"the thyrotroph hyperplasia of primary hypothyroidism ({thyroid})"
    )
    if ctx.state == PREGNANCY:
        text += "; pregnant: the gland enlarges in pregnancy"
    return text


def _pituitary(ctx: RowContext) -> list[Finding]:
    rule = "pituitary_lesion"
    lesion = ctx.lesion
    if not lesion.present:
        return []
    evidence, size = _lesion_words(ctx)
    # a lesion of the stalk or hypothalamus (cues.toml lesion_stalk_infiltrative) acts on the
    # stalk whatever its size: judged as a large lesion is, against the stalk-effect range
    where = (
        "a large sellar lesion"
        if lesion.macro
        else "a lesion of the pituitary stalk or hypothalamus"
    )
    if not (lesion.macro or lesion.stalk):
        if lesion.non_adenoma:
            text = (
                f"{evidence}{size}; {_NOT_ADENOMA}: a raised prolactin comes from stalk "
                "compression or another cause"
            )
            return [Finding("known_pituitary_lesion", POSSIBLE, text, rule)]
        if lesion.non_secreting:
            text = f"{evidence}{size}; a small non-secreting lesion rarely raises prolactin"
            return [Finding("known_pituitary_lesion", POSSIBLE, text, rule)]
        named = ": a known prolactinoma, which secretes prolactin" if lesion.prolactinoma else ""
        text = f"{evidence}{size}{named}{_treated(ctx)}"
        return [Finding("known_pituitary_lesion", LIKELY, text, rule)]
    stalk_max = ctx.t("stalk_effect_max_ng_ml")
    observed_max = ctx.t("stalk_effect_observed_max_ng_ml")
    if lesion.prolactinoma and not lesion.suspected:
        text = f"{evidence}{size}: a prolactinoma secretes prolactin"
        if ctx.within(observed_max):
            text += (
                " (a level in the range of stalk compression is the tumour's own, or a treated "
                "one's)"
            )
        text += _treated(ctx)
        return [Finding("known_pituitary_lesion", LIKELY, text, rule)]
    if ctx.within(stalk_max):
        strength = LIKELY if lesion.non_secreting or lesion.non_adenoma else POSSIBLE
        text = (
            f"{evidence}{size}: {where} with prolactin "
            f"{ctx.amount(stalk_max, approx=True, mark='≤ ')}, in the range of stalk compression"
        )
        if lesion.non_adenoma:
            # it raises prolactin only through the stalk (clinical-reference §4): no second,
            # secreting reading of the same lesion
            return [Finding("stalk_effect", strength, f"{text}; {_NOT_ADENOMA}", rule)]
        if lesion.non_secreting:
            secreting = f"{evidence}{size}; called non-secreting"
            if ctx.hook_sized_lesion:
                secreting += (
                    ", yet a macroprolactinoma read falsely low (hook effect) is excluded only "
                    "by a diluted re-assay"
                )
        else:
            secreting = f"{evidence}{size}; the lesion may itself secrete prolactin"
        return [
            Finding("stalk_effect", strength, text, rule),
            Finding("known_pituitary_lesion", POSSIBLE, secreting, rule),
        ]
    if lesion.non_adenoma:
        text = (
            f"{evidence}{size}: prolactin {ctx.result} is above the "
            f"{ctx.amount(stalk_max, approx=True, mark='~')} of stalk compression, and "
            f"{_NOT_ADENOMA}: look for another cause"
        )
        return [Finding("stalk_effect", POSSIBLE, text, rule, exceeded=True)]
    if ctx.within(observed_max):
        # the overlap zone of clinical-reference §7.4: above the usual stalk-effect ceiling
        # (Karavitaki 2006), within what proven non-functioning adenomas reached; the level
        # alone does not tell a stalk effect from a prolactinoma (never "unlikely" here)
        text = (
            f"{evidence}{size}: prolactin {ctx.result} is between "
            f"{ctx.number(stalk_max, approx=True)} and {ctx.amount(observed_max, approx=True)}, "
            "where stalk compression and a prolactinoma overlap: a stalk effect or a "
            "prolactinoma; both are possible"
        )
        secreting = f"{evidence}{size}; prolactin above the usual stalk-effect range"
        return [
            Finding("known_pituitary_lesion", LIKELY, secreting, rule),
            Finding("stalk_effect", POSSIBLE, text, rule, exceeded=True),
        ]
    text = (
        f"{evidence}{size}; prolactin far above stalk-effect levels points to a "
        f"prolactin-secreting lesion{_treated(ctx)}"
    )
    return [Finding("known_pituitary_lesion", LIKELY, text, rule)]


# A sellar lesion that is no pituitary adenoma (cues.toml lesion_non_adenoma: craniopharyngioma,
# meningioma, Rathke cyst, germinoma, hypophysitis ...) raises prolactin only by stalk
# compression (clinical-reference §4).
_NOT_ADENOMA: Final = "this kind of lesion (no pituitary adenoma) does not secrete prolactin"


def _treated(ctx: RowContext) -> str:
    """'; treated with cabergoline' for a known prolactinoma on a prolactin-lowering drug (a
    lesion not named a prolactinoma counts as one through its treatment), else ''."""
    treatment = ctx.prolactin_treatment
    if not treatment or not ctx.known_prolactinoma:
        return ""
    names = ", ".join(dict.fromkeys(m.drug.name for m in treatment))
    if ctx.lesion.prolactinoma:
        return f"; treated with {names}"
    return f"; treated with {names}, a prolactin-lowering drug: taken as a treated prolactinoma"


@factor_rule("prolactin_treatment")
def treated_hyperprolactinemia(ctx: RowContext) -> list[Finding]:
    """A raised result on a prolactin-lowering treatment taken now (ATC G02CB: cabergoline,
    bromocriptine, quinagolide; RowContext.treated_hyperprolactinaemia) with no pituitary lesion
    named: the hyperprolactinaemia is known and treated, and a raised result on the treatment
    suggests resistance, missed doses or too low a dose (clinical-reference §3.2, §8 masking),
    not "no cause found".  A known prolactinoma is listed as the lesion (known_pituitary_lesion,
    "treated with ...")."""
    if ctx.known_prolactinoma or not ctx.treated_hyperprolactinaemia:
        return []
    taken = [
        m for m in ctx.hyperprolactinaemia_treatment if not m.stopped and m.doubt != "unconfirmed"
    ]
    written = "; ".join(
        dict.fromkeys(
            f"{field_words(m.field)}: '{medication_item(ctx.text(m.field) or '', m.matched_text)}'"
            f" → {m.drug.name}"
            for m in taken
        )
    )
    text = (
        f"{written}: a prolactin-lowering treatment (dopamine agonist) given for known "
        "hyperprolactinaemia; a raised result on it suggests resistance, missed doses or too low "
        "a dose"
    )
    return [Finding("treated_hyperprolactinemia", LIKELY, text, "prolactin_treatment")]


@factor_rule("macroprolactin")
def macroprolactin(ctx: RowContext) -> list[Finding]:
    """Macroprolactin explains a raised total when the monomeric (post-PEG) prolactin is within
    its limit.  A PEG recovery alone is read with the total: recovery below peg_recovery_macro_pct
    is macroprolactin (NHS GGC convention; up to peg_recovery_true_pct equivocal), but when the
    monomeric part it implies (total x recovery) is above the post-PEG limit a true excess
    remains and the finding is only possible (clinical-reference §2.3)."""
    rule = "macroprolactin"
    parts: list[str] = []
    limit = ctx.post_peg_uln
    monomeric = ctx.monomeric_ng
    recovery = ctx.num("macroprolactin_recovery_pct")
    named, mark, dated = "monomeric_prolactin:", "", ctx.collected_on("monomeric_prolactin")
    if monomeric == monomeric and ctx.text("monomeric_prolactin_note_unit"):
        # read in a note ("post-PEG prolactin <1 ng/mL"), with its "<" (below detection)
        named = "monomeric prolactin in notes:"
        mark = ctx.text("monomeric_prolactin_note_qualifier") or ""
    side, bound = ctx.recovery_side, ctx.recovery_mark
    if monomeric != monomeric and recovery is not None and ctx.qualifier == "":
        # implied by the recovery; a "<r" recovery gives an upper bound, a ">r" one a lower
        monomeric = ctx.value * recovery / 100
        named, mark, dated = "estimated monomeric prolactin", bound, ""
    mono_within: bool | None = None
    within = monomeric <= limit
    if (mark == "<" and not within) or (mark == ">" and within):
        monomeric = math.nan  # a bound on the wrong side of the limit tells nothing
    borrowed = ctx.post_peg_borrowed if monomeric == monomeric else None
    unjudged = within and borrowed is not None
    if unjudged:
        # within a limit of another assay's (none known for the row's): post-PEG intervals
        # are assay-specific (clinical-reference §2.3; Atellica reads ~1.7x lower than Roche,
        # §2.2), so the monomeric level is indeterminate, no sign of macroprolactinaemia
        # (review 25: it was "macroprolactinaemia possible", routine)
        parts.append(f"{named} {mark}{ctx.amount(monomeric)}{dated}: {monomeric_unjudged(ctx)}")
        borrowed = None
    elif monomeric == monomeric:  # given or estimated (not NaN)
        mono_within = within
        where = "within" if mono_within else "above"
        parts.append(
            f"{named} {mark}{ctx.amount(monomeric)}{dated} ({where} {ctx.post_peg_limit()})"
        )
    strength = LIKELY if mono_within else None
    shown = (
        f"PEG recovery: {bound}{fmt(recovery)}%{ctx.collected_on('macroprolactin_recovery_pct')}"
    )
    derived = ctx.derived_recovery if mono_within is False else None
    if derived is not None:
        # a monomeric prolactin above its limit beside the total: the share it is of the total
        # is the recovery, read by the same cut-offs as one written as such (clinical-reference
        # §2.3, §7.3: either form of the screen), so a total that is mostly macroprolactin
        # with a mild monomeric excess lists both
        recovery, side, bound = derived, ctx.side_of_recovery(derived), ""
        shown = (
            f"PEG recovery {fmt(derived)}% (monomeric {ctx.amount(monomeric)} of the total "
            f"{ctx.result})"
        )
    if recovery is not None:
        macro_below = ctx.t("peg_recovery_macro_pct")
        true_above = ctx.t("peg_recovery_true_pct")
        if side == "macro" and derived is not None:
            parts.insert(
                0,
                f"{shown}: below {fmt(macro_below)}%, macroprolactin present (about "
                f"{round(100 - derived)}% of the total)",
            )
            strength = POSSIBLE
        elif side == "macro":
            parts.insert(0, f"{shown} (below {fmt(macro_below)}%: macroprolactin present)")
            strength = strength or (POSSIBLE if mono_within is False else LIKELY)
            if unjudged:
                # the monomeric part it leaves is not judged: it may be a true excess
                strength = POSSIBLE
            elif mono_within is None and bound and not ctx.mild:
                # "<40 %" of a total above a mild rise: the monomeric part may still be above
                # its limit (total x bound is), as with a plain recovery whose estimate is
                strength = POSSIBLE
                parts.append(
                    "a recovery given as a bound does not show the monomeric part within its "
                    "limit above a mild rise; ask the lab for the monomeric prolactin"
                )
        elif side == "equivocal":
            parts.insert(0, f"{shown} (equivocal, {fmt(macro_below)}–{fmt(true_above)}%)")
            strength = POSSIBLE
        elif mono_within is not True:
            return []  # recovery above the equivocal zone: true (monomeric) hyperprolactinaemia
    hit = ctx.first("macroprolactin_present")
    if hit is not None and strength is None:
        parts.insert(0, hit.evidence())
        strength = LIKELY if mono_within is None else POSSIBLE
        if mono_within is None and not ctx.mild:
            # found, with no monomeric level beside it: above a mild rise a true excess may
            # remain (clinical-reference §2.3: macroprolactin coexists with a monomeric excess
            # or a lesion), so it does not close the work-up
            strength = POSSIBLE
            parts.append(
                "no monomeric (post-PEG) prolactin given: above a mild rise macroprolactin can "
                "coexist with a true excess; ask the lab for the monomeric prolactin"
            )
        if ctx.has("macroprolactin_past"):  # found on an earlier sample
            strength = POSSIBLE
            parts.append(
                "found on an earlier sample: macroprolactin can appear or disappear, and coexist "
                "with a true excess, so this sample needs its own PEG screen"
            )
    if strength is None:
        return []
    if mono_within is False:
        parts.append("the monomeric excess is not explained by macroprolactin: a true rise remains")
    if borrowed is not None:
        parts.append(
            f"post-PEG intervals are assay-specific and none is known for {borrowed[1]}: ask the "
            "lab for its post-PEG interval"
        )
    return [Finding("macroprolactinemia", strength, "; ".join(parts), rule)]


# ---------------------------------------------------------------------------------------------
# Other causes
# ---------------------------------------------------------------------------------------------
@factor_rule("head_trauma")
def head_trauma(ctx: RowContext) -> list[Finding]:
    hit = ctx.first("head_trauma")
    if ctx.flag("head_trauma"):
        evidence = ctx.flag_evidence("head_trauma")
    elif hit is not None and not (
        ctx.flag("head_trauma") is False and hit.field == "head_trauma_text"
    ):
        evidence = hit.evidence()
    else:
        return []
    text = f"{evidence}; acute rises are mostly from stress or drugs, a weak cause"
    finding = Finding("head_trauma", POSSIBLE, text, "head_trauma")
    return [
        replace(finding, exceeded=not ctx.within(ctx.reach(ctx.t("systemic_typical_max_ng_ml"))))
    ]


@factor_rule("acromegaly")
def acromegaly(ctx: RowContext) -> list[Finding]:
    """Acromegaly, gigantism or a GH-secreting adenoma named (RowContext.acromegaly): such an
    adenoma raises prolactin by co-secreting it (a mixed somatotroph-lactotroph adenoma) or by
    compressing the stalk (clinical-reference §1.4, Acromegaly; Vilar 2008: 3.2% of the causes).
    Known, the adenoma is the likely source of the raised prolactin, by one of the two; only
    queried ("V.a. Akromegalie"), possible until IGF-1 and GH settle it."""
    said = ctx.acromegaly
    if said is None:
        return []
    text = (
        f"{said.hit.evidence()}: a GH-secreting adenoma raises prolactin by GH/prolactin "
        "co-secretion (a mixed somatotroph-lactotroph adenoma) or by stalk compression; both "
        "are possible"
    )
    if not said.known:
        text += "; written with doubt: IGF-1 and GH settle whether it is acromegaly"
        return [Finding("acromegaly", POSSIBLE, text, "acromegaly")]
    return [Finding("acromegaly", LIKELY, text, "acromegaly")]


@factor_rule("cranial_radiation")
def cranial_radiation(ctx: RowContext) -> list[Finding]:
    """Cranial or pituitary radiotherapy at any time (cue cranial_radiation: a late effect, so
    an old date counts): clinical-reference §1.1 lists cranial radiation among the causes of a
    raised prolactin, with the systemic ones that stay mostly below systemic_typical_max_ng_ml
    (SBEM 2018); above it, listed as exceeded."""
    hit = ctx.first("cranial_radiation")
    if hit is None:
        return []
    text = (
        f"{hit.evidence()}; cranial radiation is a listed cause of a raised prolactin, usually mild"
    )
    finding = Finding("cranial_radiation", POSSIBLE, text, "cranial_radiation")
    return [
        replace(finding, exceeded=not ctx.within(ctx.reach(ctx.t("systemic_typical_max_ng_ml"))))
    ]


def _healed_long_ago(ctx: RowContext, hit: CueHit) -> bool:
    """A chest-wall lesion dated in a year before the sample's ("mastectomy 2015", "Z.n.
    Thorakotomie 2019"; "Herpes zoster (T4) 01-Mar-2019", "zona 03/2019" when also more than
    chest_wall_healed_days before it): healed, not the current lesion of clinical-reference
    §7.11.  One dated earlier in the sample's own year stays a possible cause (an operation's
    scar can stimulate for months: "Mammareduktion 03/2026" in November).  A piercing or
    stimulation (cue chest_wall_ongoing) goes on whatever its date."""
    if hit.cue != "chest_wall":
        return False
    collected = ctx.when("collected_at")
    dated = written_dates(hit.quote)
    if dated and collected is not None:
        # a day or a month: compared by days ("Herpes zoster T4 20/12/2025" 16 days before a
        # sample of 2026-01-05 is still the current lesion; thresholds.toml chest_wall_healed_days)
        healed = ctx.t("chest_wall_healed_days")
        return any(
            last.year < ctx.sample_year and (collected.date() - last).days > healed
            for _, last in dated
        )
    years = [int(found) for found in YEAR_IN_NOTE.findall(hit.quote)]
    years += [last.year for _, last in dated]
    return any(year < ctx.sample_year for year in years)


def _dated_before_sample(ctx: RowContext, hit: CueHit) -> bool:
    """The hit's own words date it on a day before the sample's ("Seizure 01-Mar-2024",
    "Seizure 13/11/2026", "Krampfanfall 03.2024", "crise convulsive le 01/03/2024"), with no
    clock time that places it (_minutes_after_seizure reads those)."""
    collected = ctx.when("collected_at")
    if collected is None:
        return False
    return any(last < collected.date() for _, last in written_dates(hit.quote))


@factor_rule("chest_wall")
def chest_wall(ctx: RowContext) -> list[Finding]:
    hit = ctx.first("chest_wall")
    if hit is None or _healed_long_ago(ctx, hit) or _a_mans_enlarged_breasts(ctx, hit):
        return []
    text = f"{hit.evidence()}; chest wall stimulation or lesions: a possible, uncommon cause"
    finding = Finding("chest_wall_stimulation", POSSIBLE, text, "chest_wall")
    return [
        replace(finding, exceeded=not ctx.within(ctx.reach(ctx.t("systemic_typical_max_ng_ml"))))
    ]


def _a_mans_enlarged_breasts(ctx: RowContext, hit: CueHit) -> bool:
    """The chest-wall words are a man's or a boy's breasts enlarged ("Brustvergrößerung" in a
    man, no operation named: cue male_breast_enlargement), gynaecomastia, a symptom
    (RowContext.symptom), not a cosmetic operation."""
    if ctx.sex != "M":
        return False
    enlarged = ctx.first("male_breast_enlargement")
    return (
        enlarged is not None
        and enlarged.field == hit.field
        and hit.matched.lower() in enlarged.quote.lower()
    )


def _sample_clock(ctx: RowContext, hit: CueHit) -> tuple[int, int] | None:
    """The sample's time of day: written in the seizure's clause ("crisi alle 09:05, prelievo
    14:25"), else the time of collection, else written elsewhere in the seizure's field ("crisi
    alle 09:05; prelievo 14:25" when the collection column gives only a date)."""
    written = ctx.book.clock_time("sample", hit.quote)
    if written is not None:
        return written
    collected = ctx.when("collected_at")
    if collected is not None and (collected.hour or collected.minute):
        return collected.hour, collected.minute
    return ctx.book.clock_time("sample", ctx.text(hit.field) or "")


def _minutes_after_seizure(ctx: RowContext, hit: CueHit) -> float | None:
    """Minutes from the seizure to the sample: two clock times, a seizure time and the sample's
    (_sample_clock), or a duration written in the seizure's clause ("20 min ago", "vor 1
    Stunde") or, written once, elsewhere in its field ("Krampfanfall, Blutentnahme 15 min
    danach")."""
    minute = timedelta(minutes=1)
    day = timedelta(days=1)
    quote = hit.quote
    seized = ctx.book.clock_time("seizure", quote)
    collected = ctx.when("collected_at")
    if _seizure_other_day(ctx, hit):
        seized = None  # "seizure yesterday 14:10": not a time on the sample's day
    days = [first for first, last in written_dates(quote) if first == last]
    if (
        seized is not None
        and collected is not None
        and days
        and ctx.book.clock_time("sample", quote) is None
    ):
        # the seizure's own date and time ("Krampfanfall am 20.11.2026 um 23:50"), with the
        # sample's collection time
        seized_at = timedelta(hours=seized[0], minutes=seized[1])
        return (collected - (datetime.combine(days[0], time()) + seized_at)) / minute
    sampled = None if seized is None else _sample_clock(ctx, hit)
    if seized is None or sampled is None:
        elapsed = ctx.book.elapsed(quote)
        whole = ctx.text(hit.field) or ""
        if elapsed is None and ctx.book.elapsed_count(whole) == 1:
            elapsed = ctx.book.elapsed(whole)
        return None if elapsed is None else elapsed / minute
    gap = timedelta(hours=sampled[0], minutes=sampled[1]) - timedelta(
        hours=seized[0], minutes=seized[1]
    )
    if gap < timedelta(0) and abs(gap + day) < abs(gap):
        # a seizure time later in the day than the sample's is the evening before
        # ("crisi convulsiva alle 23:50", sampled at 00:10: 20 min), the nearer reading
        gap += day
    return gap / minute


def _seizure_other_day(ctx: RowContext, hit: CueHit) -> bool:
    """The seizure's clock time is written for another day than the sample's: a day word between
    the seizure and its time or right before the seizure ("seizure yesterday 14:10", "insult
    gisteren 14:10", "seizure 2 days ago 14:10"), or a date with no year there that is not the
    sample's ("seizure 12/11 14:10" sampled on 13 November; unknown when the sample's date is)."""
    written = ctx.book.clock.read("seizure", hit.quote)
    if written.clock is None:
        return False
    if written.other_day:
        return True
    collected = ctx.when("collected_at")
    if not written.dates:
        return False
    if collected is None:
        return True
    sample_day = {(collected.day, collected.month), (collected.month, collected.day)}
    return any(written_on not in sample_day for written_on in written.dates)


def _seizure_unplaced(ctx: RowContext, hit: CueHit) -> str | None:
    """Why a seizure written for a time cannot be put at the sample, where no minutes between
    them were found (_minutes_after_seizure): its clock time with no time of the sample ("crisi
    alle 09:05", collected on a date only); a time written that cannot be read ("seizure,
    witnessed 09:50"); a part of the day that ends more than seizure_window_minutes before the
    sample's time or begins after it ("seizure this morning", sampled at 14:25).  None: nothing
    written against it (the cue's own words place it: "post-ictal", "during venepuncture")."""
    written = ctx.book.clock.read("seizure", hit.quote)
    sampled = _sample_clock(ctx, hit)
    if written.clock is not None and _seizure_other_day(ctx, hit):
        return "its time is written for another day than the sample's"
    if written.clock is not None:
        return "time of sample unknown" if sampled is None else None
    if written.written:
        return "its time as written could not be read"
    part = ctx.book.clock.day_part("seizure", hit.quote)
    if part is None or sampled is None:
        return None
    at = timedelta(hours=sampled[0], minutes=sampled[1])
    window = timedelta(minutes=ctx.t("seizure_window_minutes"))
    if part.start <= at <= part.end + window:
        return None
    return f"written for the {part.name}, the sample at {sampled[0]:02d}:{sampled[1]:02d}"


@factor_rule("seizure")
def seizure(ctx: RowContext) -> list[Finding]:
    rule = "seizure"
    recent = ctx.first("seizure_recent")
    ceiling = ctx.reach(ctx.t("seizure_typical_max_ng_ml"))
    window = ctx.t("seizure_window_minutes")
    # a seizure named (not epilepsy alone: the disease raises no prolactin between seizures,
    # clinical-reference §4; cues.seizure_event)
    history = ctx.first("seizure_event")
    if recent is None and history is not None:
        minutes = _minutes_after_seizure(ctx, history)
        if minutes is not None:  # "seizure 1 hour before sampling": as recent as it says
            recent = history
    if recent is not None:
        minutes = _minutes_after_seizure(ctx, recent)
        if minutes is not None and not (0 <= minutes <= window):
            text = (
                f"{recent.evidence()}; sample {approx(minutes)} min from the seizure, outside the "
                f"~{fmt(window)} min rise: it does not explain this result"
            )
            return [Finding("seizure", POSSIBLE, text, rule, ruled_out=True)]
        unplaced = None if minutes is not None else _seizure_unplaced(ctx, recent)
        if unplaced is not None:  # a time written that does not put it at the sample
            return [_seizure_possible(recent, unplaced)]
        timing = f"; sample {approx(minutes)} min after it" if minutes is not None else ""
        return [_ranged(ctx, "seizure", rule, f"{recent.evidence()}{timing}", ceiling, "a seizure")]
    if (
        history is None
        or "dated_past" in ctx.book.match(history.field, history.quote)
        or _dated_before_sample(ctx, history)
    ):
        # none, epilepsy without a seizure named ("Epilepsie bekannt", "épilepsie connue sous
        # lamotrigine"), or a seizure dated days or years back ("Seizure 01-Mar-2024",
        # "Seizure 13/11/2026" the day before): not evidence for this sample
        return []
    if ctx.has("seizure_free"):
        return []  # epilepsy, but no recent seizure ("pas de crise récente", "anfallsfrei")
    return [_seizure_possible(history, _seizure_unplaced(ctx, history))]


def _seizure_possible(hit: CueHit, unplaced: str | None) -> Finding:
    """A seizure that may have raised this sample, not placed within the hour of the rise."""
    said = f"; {unplaced}" if unplaced else ""
    text = f"{hit.evidence()}{said}; prolactin is raised only for about an hour after a seizure"
    return Finding("seizure", POSSIBLE, text, "seizure")


@factor_rule("venipuncture_stress")
def venipuncture_stress(ctx: RowContext) -> list[Finding]:
    """Only a stress cue in the data (anxious, difficult draw, "schwierige Blutentnahme",
    "prélèvement difficile" ...) makes sampling stress a factor: a mild rise with no other
    explanation is not evidence of stress (the repeat_rested_sample suggestion advises the rested
    repeat for it)."""
    rule = "venipuncture_stress"
    hit = ctx.first("venipuncture_stress")
    if hit is None or ctx.uln != ctx.uln:  # no cue, or no upper limit: times ULN unknown
        return []
    times = ctx.value / ctx.uln
    likely_max = ctx.t("venipuncture_stress_max_times_uln")
    unlikely_from = ctx.t("venipuncture_stress_unlikely_times_uln")
    shown = f"{ctx.qualifier}{approx(times)}"
    if ctx.within(ctx.uln * likely_max):
        text = f"{hit.evidence()}; result {shown}× ULN, a typical stress rise"
        return [Finding("venipuncture_stress", LIKELY, text, rule)]
    if ctx.within(ctx.uln * unlikely_from):
        text = f"{hit.evidence()}; result {shown}× ULN, more than stress usually causes"
        return [Finding("venipuncture_stress", POSSIBLE, text, rule, exceeded=True)]
    return []


@factor_rule("transient_physiological")
def transient_physiological(ctx: RowContext) -> list[Finding]:
    """Exercise, a breast examination or nipple stimulation, intercourse or hypoglycaemia written
    for the time of sampling (cue transient_before_sampling: "after marathon", "nach dem Sport",
    "après un footing"; cue hypoglycaemia_at_sampling): a transient rise that settles on a
    rested sample (clinical-reference §1.1), a possible factor up to the level a rested repeat
    still normalises from (venipuncture_stress_unlikely_times_uln, the same bound as sampling
    stress)."""
    hit = ctx.first("transient_before_sampling")
    if hit is None or ctx.uln != ctx.uln:  # no cue, or no upper limit: times ULN unknown
        return []
    if not ctx.within(ctx.uln * ctx.t("venipuncture_stress_unlikely_times_uln")):
        return []
    text = (
        f"{hit.evidence()}; exercise, breast stimulation or hypoglycaemia raises prolactin briefly"
    )
    return [Finding("transient_physiological", POSSIBLE, text, "transient_physiological")]


AKI_NOT_CKD: Final = (
    "acute kidney injury is an acute illness, not the chronic kidney disease that raises "
    "prolactin: its creatinine and eGFR are not in a steady state; a rise from the illness "
    "settles on recovery"
)


def acute_illness_hit(ctx: RowContext) -> CueHit | None:
    """What says the patient is acutely ill at sampling: the cue acute_illness (sepsis, an
    intensive-care stay, the first days after an operation), else an acute kidney injury or a
    renal replacement started for it (states.toml acute_kidney_injury: "AKI stage 3",
    "akutes Nierenversagen", "emodialisi temporanea", "CVVHDF"); None when nothing does."""
    return ctx.first("acute_illness") or ctx.first("acute_kidney_injury")


@factor_rule("acute_illness")
def acute_illness(ctx: RowContext) -> list[Finding]:
    """Acute severe illness or major surgery at the time of sampling (cue acute_illness: sepsis,
    septic shock, an intensive-care stay, the first days after an operation, an acute myocardial
    infarction; "Sepsis; Intensivstation", "choc septique en réanimation"): the stress of illness
    raises prolactin, which settles on recovery (clinical-reference §4: "Stress (venipuncture,
    acute illness)", acute illness median 32, range 14–70 ng/mL).  Possible; above the series'
    highest level (acute_illness_max_ng_ml) it is listed as exceeded."""
    hit = acute_illness_hit(ctx)
    if hit is None:
        return []
    text = (
        f"{hit.evidence()}; acute illness or major surgery raises prolactin as a stress "
        "response, which settles on recovery"
    )
    if hit.cue == "acute_kidney_injury":
        text = f"{hit.evidence()}; {AKI_NOT_CKD}"
    finding = Finding("acute_illness", POSSIBLE, text, "acute_illness")
    return [replace(finding, exceeded=not ctx.within(ctx.reach(ctx.t("acute_illness_max_ng_ml"))))]


# ---------------------------------------------------------------------------------------------
# Level rules (run after the others) and ranking
# ---------------------------------------------------------------------------------------------
def _level_findings(ctx: RowContext, found: list[Finding], labels: Labels) -> list[Finding]:
    """Suspected (macro)prolactinoma from the level, or `unexplained` when nothing fits."""
    if any(f.code == "macroprolactinemia" and f.strength == LIKELY for f in found):
        return []
    rule = "prolactin_level"
    if ctx.state == NEONATAL or ctx.possibly_neonate:
        # a neonate's level is judged against the neonatal interval only; an age of 0 without
        # days above every interval of its span has no state to list: unexplained (review 24)
        if ctx.state or found or ctx.status != "high":
            return []
        return [_nothing_found(ctx)]
    if not ctx.adult_levels():
        # the prolactinoma levels (> 250, > 500 ng/mL) come from adult series (clinical-
        # reference §6): they say nothing of an infant (CALIPER §2.1) or a child, whose high
        # result the paediatric endocrinologist assesses (priority.neonatal: soon)
        return [] if found else [_nothing_found(ctx)]
    if ctx.feeding_unknown_early_postpartum:
        return []  # whether she breastfeeds decides first (the lactation finding asks)
    if ctx.known_prolactinoma:  # the tumour is known (known_pituitary_lesion), not suspected
        return [] if found else [_nothing_found(ctx)]
    if ctx.state_explains_level:
        return _level_in_physiological_state(ctx)
    macro_from = ctx.t("macroprolactinoma_ng_ml")
    likely_from = ctx.prolactinoma_level
    value = ctx.result
    mono = ctx.monomeric_estimate
    if ctx.monomeric_known and mono < ctx.value:
        # Part of the total is macroprolactin: the level rules read the monomeric prolactin,
        # the hormone a tumour makes (a total of 400 that is 40 monomeric is no prolactinoma
        # level; clinical-reference §2.3)
        if not ctx.level_above(likely_from):
            return _monomeric_excess(ctx, found) or ([] if found else [_nothing_found(ctx)])
        value = f"{ctx.amount(mono)} monomeric (total {ctx.result})"
    if ctx.level_above(macro_from):
        text = (
            f"prolactin {value}{ctx.off_scale}: values above "
            f"{ctx.amount(macro_from, approx=True)} are almost only seen with macroprolactinomas"
        )
        size = ctx.lesion.size_mm
        if (
            ctx.above(ctx.t("giant_prolactinoma_ng_ml"))
            and size
            and size >= ctx.t("giant_lesion_mm")
        ):
            text += " (with a lesion this size: giant prolactinoma range)"
        return [Finding("macroprolactinoma_suspected", LIKELY, text, rule)]
    if ctx.level_above(likely_from):
        text = (
            f"prolactin {value}{ctx.off_scale}: above {ctx.amount(likely_from, approx=True)} a "
            "prolactinoma is the usual cause"
        )
        if ctx.lesion.present and ctx.lesion.macro:
            # A known macroadenoma secreting at this level is a macroprolactinoma until shown
            # otherwise (stalk effect stays below stalk_effect_max_ng_ml).
            text += f", and a macroadenoma is known ({ctx.lesion.evidence})"
            return [Finding("macroprolactinoma_suspected", LIKELY, text, rule)]
        return [Finding("prolactinoma_suspected", LIKELY, text, rule)]
    # A cause exceeded points to another one only where drug and systemic causes stop (about
    # 100 ng/mL, clinical-reference §0, §8): below that a culprit drug or stress a little
    # above its usual reach is still consistent with it, and no tumour is suspected.
    # A drug within its own reach (risperidone up to ~200 ng/mL) above the level drugs rarely
    # exceed alone (~118 ng/mL) points to another cause as well (Korbonits 2000: image).
    systemic_max = ctx.reach(ctx.t("systemic_typical_max_ng_ml"))
    exceeded = [f for f in found if f.exceeded]
    beyond = [
        f
        for f in found
        if f.code.startswith(DRUG_FACTOR_PREFIX) and not f.exceeded and beyond_drug_reach(ctx)
    ]
    if (
        (exceeded or beyond)
        and ctx.adult()
        and not any(f.strength == LIKELY for f in found)
        and ctx.above(systemic_max)
    ):
        parts = []
        if exceeded:
            names = ", ".join(labels.factor(f.code).label.lower() for f in exceeded)
            parts.append(f"prolactin {value} is above what {names} usually causes")
        if beyond:
            rarely = ctx.amount(
                ctx.reach(ctx.t("drug_rarely_exceeds_ng_ml")), approx=True, mark="~"
            )
            names = ", ".join(labels.factor(f.code).label.lower() for f in beyond)
            said = "" if exceeded else f"prolactin {value}: "
            parts.append(
                f"{said}above {rarely} a drug alone rarely explains the level, though {names} "
                "can reach it"
            )
        return [Finding("prolactinoma_suspected", POSSIBLE, "; ".join(parts), rule)]
    # (children left above: their result is judged by times the limit for their age)
    if not found and ctx.adult() and ctx.above(systemic_max):
        text = (
            f"prolactin {value} with no other cause found, above the "
            f"{ctx.amount(systemic_max, approx=True, mark='~')} of drug, "
            "systemic and stalk causes"
        )
        if ctx.normal_mri is not None:
            text += f"; {ctx.normal_mri}: a pituitary MRI was normal"
        return [Finding("prolactinoma_suspected", POSSIBLE, text, rule)]
    return [] if found else [_nothing_found(ctx)]


def monomeric_unjudged(ctx: RowContext) -> str:
    """Why a monomeric (post-PEG) prolactin within a post-PEG limit borrowed from another
    assay (RowContext.monomeric_within_borrowed) is indeterminate."""
    return (
        f"within {ctx.post_peg_limit()}, which does not apply to this method (post-PEG intervals "
        "are assay-specific): whether the monomeric prolactin is raised is indeterminate; ask "
        "the lab for its post-PEG interval"
    )


def _monomeric_excess(ctx: RowContext, found: list[Finding]) -> list[Finding]:
    """A true (monomeric) excess beside macroprolactin, below prolactinoma_likely_ng_ml: the
    level rule for a total no cause explains applies to the monomeric prolactin (an adult's
    above systemic_typical_max_ng_ml, beyond drug, systemic and stalk causes, with no likely
    non-pituitary cause): a prolactinoma is possible (clinical-reference §0, §2.3: macroprolactin
    coexists with a true monomeric excess or a pituitary lesion).  A total of 600 ng/mL with a
    30% recovery leaves 180 ng/mL monomeric, ten times the post-PEG limit."""
    systemic_max = ctx.reach(ctx.t("systemic_typical_max_ng_ml"))
    if not ctx.adult() or not ctx.level_above(systemic_max):
        return []
    if any(f.strength == LIKELY for f in found):
        return []
    text = (
        f"prolactin {ctx.amount(ctx.monomeric_estimate)} monomeric (total {ctx.result}): a true "
        f"excess above {ctx.post_peg_limit()} and above "
        f"the {ctx.amount(systemic_max, approx=True, mark='~')} of drug, systemic and stalk "
        "causes, beside the macroprolactin"
    )
    return [Finding("prolactinoma_suspected", POSSIBLE, text, "prolactin_level")]


def _nothing_found(ctx: RowContext) -> Finding:
    return Finding("unexplained", POSSIBLE, _unexplained_text(ctx), "nothing_found")


def _level_in_physiological_state(ctx: RowContext) -> list[Finding]:
    """Pregnancy, breastfeeding or the neonatal period accounts for the level: a tumour is only
    possible, and only above prolactinoma_likely_ng_ml; in the third trimester a mild rise
    (the engine's one definition: at most repeat_rested_max_times_uln times the limit) is
    usual, term values varying widely (clinical-reference §2.1: term mean ~200 ng/mL,
    reported range ~100-600)."""
    likely_from = ctx.t("prolactinoma_likely_ng_ml")
    if ctx.physiological_allowance and ctx.mild:
        return []  # near term, or early in breastfeeding, a mild rise above the limit is usual
    if ctx.source != "physiological" or not ctx.above(likely_from):
        return []
    code = (
        "macroprolactinoma_suspected"
        if ctx.above(ctx.t("macroprolactinoma_ng_ml"))
        else "prolactinoma_suspected"
    )
    text = (
        f"prolactin {ctx.result} is above the {_state_noun(ctx.state)} interval and above "
        f"{ctx.amount(likely_from, approx=True)}"
    )
    return [Finding(code, POSSIBLE, text, "prolactin_level")]


# The free-text fields besides the medication column, where a note may list the medications
# after a label ("Medikation: MCP 10 mg 1-1-1": drugs.medication_lists).
_NOTE_FIELDS: Final = tuple(field for field in TEXT_FIELDS if field != "medications")


def _note_medication_list(ctx: RowContext) -> tuple[str, str] | None:
    """The first medication list a note gives after a medication label: (its field, the list as
    written); None when no note has one."""
    for field in _NOTE_FIELDS:
        text = ctx.text(field)
        if text is None or ":" not in text:
            continue
        for start, end in medication_lists(text):
            listed = " ".join(text[start:end].split())
            if gives_medications(listed):
                return field, listed
    return None


# Words that make a "not pregnant" a test result rather than a statement (hCG, pregnancy test;
# Spanish "TG", test de gestación: states.toml pregnancy_test_negative_tg).
PREGNANCY_TEST_WORDS: Final = re.compile(
    r"hcg|\btest|\bupt\b|upreg|schwangerschaftstest|ss-?test|prueba|zwangerschapstest"
    # "TG" only with a test's answer after it ("TG negativo", "TG (-)"), never "TG 150 mg/dl"
    r"|(?-i:(?<![\w-])TG)\s*(?:[:=]\s*)?(?:negativ|positiv|neg\b|pos\b|\(\s*[-−+]|[-−+](?!\s*\d))",
    re.IGNORECASE,
)


def _tsh_said(ctx: RowContext) -> bool:
    return ctx.has("tsh_stated_normal") or ctx.has("tsh_stated_high") or ctx.has("tsh_stated_low")


def stated_results(ctx: RowContext) -> list[str]:
    """The context tests a note says were done, in words and with no value, where the row has
    no value of its own ("TSH reported normal in the notes (no value): comments: 'TSH normal'"):
    evidence that the test was done, to be confirmed with its value."""
    said = []
    if ctx.num("tsh") is None and ctx.tsh_word is None:
        normal = ctx.first("tsh_stated_normal")
        if normal is not None and not ctx.tsh_raised:
            said.append(f"TSH reported normal in the notes (no value): {normal.evidence()}")
        low = ctx.first("tsh_stated_low")
        if low is not None and normal is None and not ctx.tsh_raised:
            said.append(f"TSH reported low in the notes (no value): {low.evidence()}")
        low_t4 = ctx.first("free_t4_stated_low")
        if low_t4 is not None and ctx.free_t4_pmol is None and not ctx.tsh_raised:
            said.append(f"free T4 reported low in the notes (no value): {low_t4.evidence()}")
    if ctx.patient.pregnancy == "no" and not ctx.pregnancy_conflict:
        tests = [
            f.evidence()
            for _, f in ctx.patient.evidence
            if f.field == "pregnancy"
            and f.value == "no"
            and f.column in _NOTE_FIELDS
            and PREGNANCY_TEST_WORDS.search(f.quote)
        ]
        if tests and ctx.num("hcg") is None and ctx.text("hcg") is None:
            said.append(f"pregnancy test reported negative in the notes: {tests[0]}")
    kidney = ctx.first("kidney_stated_normal")
    if kidney is not None and not _kidney_given(ctx):
        said.append(f"kidney function reported normal in the notes (no value): {kidney.evidence()}")
    said.extend(earlier_results(ctx))
    return said


# The context results in words a note may give for an earlier sample (cues.toml [past_results]),
# each with the test it is and what it said.
_EARLIER_RESULTS: Final = (
    ("tsh_stated_high", "TSH reported raised"),
    ("tsh_stated_normal", "TSH reported normal"),
    ("tsh_stated_low", "TSH reported low"),
    ("euthyroid_stated", "thyroid reported normal"),
    ("free_t4_stated_low", "free T4 reported low"),
    ("kidney_stated_normal", "kidney function reported normal"),
)


def earlier_results(ctx: RowContext, cues: tuple[str, ...] | None = None) -> list[str]:
    """The results a note gives for an earlier sample ("TSH erhöht 2019", "früher TSH normal",
    "Nierenwerte normal (2019)"), as evidence that is not this sample's (of `cues` only, when
    given)."""
    out = []
    quoted = set()
    for cue, what in _EARLIER_RESULTS:
        hit = ctx.first(earlier_cue(cue)) if cues is None or cue in cues else None
        if hit is not None and hit.quote not in quoted:  # "TSH normal" is euthyroid too
            quoted.add(hit.quote)
            out.append(f"{what} in the notes for an earlier sample: {hit.evidence()}")
    return out


def _kidney_given(ctx: RowContext) -> bool:
    """An eGFR or creatinine given, as a number or as a stage in words ("ESRD", "CKD G4")."""
    if ctx.num("egfr") is not None or ctx.num("creatinine") is not None:
        return True
    return ctx.text("egfr_text") is not None or ctx.text("creatinine_text") is not None


def _unexplained_text(ctx: RowContext) -> str:
    meds = ctx.text("medications")
    no_meds = ctx.first("no_medications")
    listed = _note_medication_list(ctx) if meds is None else None
    missing = [
        label
        for label, present in (
            ("medications", meds is not None or no_meds is not None or listed is not None),
            ("TSH", ctx.num("tsh") is not None or ctx.tsh_word is not None or _tsh_said(ctx)),
            ("eGFR", _kidney_given(ctx) or ctx.has("kidney_stated_normal")),
        )
        if not present
    ]
    text = "no contributing factor found in the data given"
    if missing:
        text += f" (not given: {', '.join(missing)})"
    for said in stated_results(ctx):
        text += f"; {said}"
    if not any(m.drug.effect == "raises" for m in ctx.drugs):
        if meds is not None:
            text += f"; {_no_raising_drug(ctx, meds, no_meds)}"
        elif listed is not None:
            text += f"; {_no_raising_drug(ctx, listed[1], no_meds, listed[0])}"
        elif no_meds is not None:
            text += f"; {no_meds.evidence()}: no drug that raises prolactin"
    rebound = rebound_note(ctx)
    if rebound:
        text += f"; {rebound}"
    if ctx.lesion.suspected and not ctx.lesion.present:
        text += f"; {ctx.lesion.evidence}: a pituitary lesion queried, not known"
    if ctx.normal_mri is not None:
        text += f"; {ctx.normal_mri}: a pituitary MRI was normal"
    if ctx.monomeric_within_borrowed:
        text += (
            f"; monomeric prolactin {ctx.amount(ctx.monomeric_estimate)} "
            f"{monomeric_unjudged(ctx)} (no macroprolactinaemia shown)"
        )
    return text + _child_level_note(ctx)


def _child_level_note(ctx: RowContext) -> str:
    """What a child's level says against its age interval (under adult_age_years, with a
    limit): before puberty (adult_levels_min_age_years) the adult series' prolactinoma levels
    (> 250, > 500 ng/mL, clinical-reference §6) name no cause; an adolescent's level at or below
    the prolactinoma level does not point to one.  "" for an adult, or above that level."""
    if ctx.adult() or not (ctx.uln == ctx.uln and ctx.uln > 0):
        return ""
    times = f"; {ctx.qualifier}{approx(ctx.value / ctx.uln)}× the upper limit for age"
    times += f" ({ctx.amount(ctx.uln)}): "
    if not ctx.adult_levels():
        return (
            f"{times}the prolactin levels that point to a prolactinoma come from adult series, "
            "so in a child the level alone names no cause (paediatric endocrine assessment)"
        )
    likely = ctx.prolactinoma_level
    if ctx.level_above(likely):
        return ""
    # the same comparison as the prolactinoma rule (above the level, not at it)
    where = "below" if ctx.qualifier == "<" or ctx.value < likely else "at or below"
    return (
        f"{times}{where} {ctx.amount(likely, approx=True)} the level alone does not point to a "
        "prolactinoma in a child"
    )


def _no_raising_drug(
    ctx: RowContext, meds: str, no_meds: CueHit | None, field: str = "medications"
) -> str:
    """What a medication list (of `field`: the medication column, or a note's labelled list)
    that gave no prolactin-raising drug says: the raising drugs it
    names that were not counted (stopped, negated, an allergy, replaced, planned: the reader
    decided they are not taken at this sample); that it says no drug is taken ("none",
    "keine"); else that no raising drug was recognised (a drug the lexicon does not know, or a
    misspelt one, may still be taken)."""
    mentions = drug_matcher(tuple(ctx.knowledge.drugs)).mentions(meds)
    # none was counted (the caller's test): every raising drug named was left out, but a class
    # mention a named drug stands for ("Antipsychotic: aripiprazole 10 mg")
    named = named_classes(m.match for m in mentions if not m.negated)
    excluded = dict.fromkeys(
        m.match.drug.name
        for m in mentions
        if m.match.drug.effect == "raises" and not class_mention_of(m.match.drug, named)
    )
    as_of = _sample_day(ctx)
    # "Risperdal from 25/11/2026" (sample 20/11), "ab morgen": not yet started, not stopped
    later = dict.fromkeys(
        m.match.drug.name
        for m in mentions
        if m.match.drug.effect == "raises" and not_yet_started(meds, m.end, as_of)
    )
    where = field_words(field)
    if not excluded and load_state_vocabulary().says_no(meds):
        return f"{where}: '{meds}': no drug that raises prolactin"
    if not excluded and no_meds is not None and no_meds.field == field:
        return f"{no_meds.evidence()}: no drug that raises prolactin"
    if not excluded:
        return f"{where}: no prolactin-raising drug recognised in '{meds}'"
    words = load_labels().drug_stops
    parts = []
    if later:
        parts.append(f"{', '.join(later)}: {words['not_started']}")
    stopped: dict[str, list[str]] = {}  # how each stop is written -> the drugs so stopped
    for name in excluded:
        if name not in later:
            stopped.setdefault(_not_counted_words(ctx, meds, mentions, name), []).append(name)
    parts.extend(f"{', '.join(names)}: {said}" for said, names in stopped.items())
    return f"{where}: '{meds}' → {'; '.join(parts)}, not counted as current medication"


def _not_counted_words(ctx: RowContext, meds: str, mentions: list[DrugMention], name: str) -> str:
    """How a raising drug the list names, not taken at the sample, was stopped: switched to
    another (and when), or stopped at a time written; else labels.toml [drug_stops] stopped."""
    found = [m for m in mentions if m.match.drug.name == name and m.negated]
    switched = next((m.match for m in found if m.match.switched_to), None)
    if switched is not None:
        item = _switch_as_stop(ctx, meds, switched)
        return stop_words(_stop_span(ctx, item), item, switched.switched_to)
    if not found:
        return load_labels().drug_stops["stopped"]
    written = medication_item(meds, found[0].match.matched_text)
    depot = is_depot_item(ctx, written, found[0].match.drug)
    return stop_words(_stop_span(ctx, written), written, depot=depot)


def _switch_as_stop(ctx: RowContext, text: str, match: DrugMatch) -> str:
    """The item a drug switched to another is read as a stop from: its own stop where one is
    written with it, else the switch's time as its stop ("Haldol -> Abilify seit 01.10." →
    "Haldol stopped seit 01.10.": knowledge/drugs.py _switched_recently)."""
    written = medication_item(text, match.matched_text)
    if stopped_days(written) is not None or _stop_span(ctx, written) is not None:
        return written
    return f"{match.matched_text} stopped {match.switch_time}"


def find_factors(ctx: RowContext, labels: Labels) -> list[Finding]:
    """Every factor for a high (or possibly high) row, best-explaining first (none for a result
    that could not be put in ng/mL)."""
    if not ctx.high_like or ctx.value != ctx.value:
        return []
    found: list[Finding] = []
    for rule in FACTOR_RULES.values():
        found.extend(rule(ctx))
    ruled_out = [f.evidence for f in found if f.ruled_out]
    found = [f for f in found if not f.ruled_out]
    level = _level_findings(ctx, found, labels)
    if ctx.state and not ctx.state_explains_level and ctx.mild:
        # pregnancy or breastfeeding beyond what it explains, yet within
        # repeat_rested_max_times_uln of its limit, may still add to the level (a post-feed
        # peak, a wide term range): a tumour is possible, not likely (further above, likely)
        level = [replace(f, strength=POSSIBLE) for f in level]
    if ruled_out and level:  # said where the result is explained otherwise, or unexplained
        level[0] = replace(level[0], evidence="; ".join([level[0].evidence, *ruled_out]))
    found.extend(level)
    return rank(found, labels)


def rank(found: list[Finding], labels: Labels) -> list[Finding]:
    """Likely before possible; then the display order of labels.toml; one finding per code."""
    strongest: dict[str, Finding] = {}
    for finding in found:
        best = strongest.get(finding.code)
        if best is None or (best.strength != LIKELY and finding.strength == LIKELY):
            strongest[finding.code] = finding
    return sorted(
        strongest.values(),
        key=lambda f: (f.strength != LIKELY, labels.factor(f.code).order),
    )
