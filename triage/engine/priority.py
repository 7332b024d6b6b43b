"""Priority of a result (output-contract §7) and the facts it rests on.

- urgent: a visual disturbance or another mass-effect red flag with a raised (or possibly raised)
  prolactin, or one above the usual limit in pregnancy, breastfeeding or the neonatal period,
  or with a known pituitary lesion whatever the result (a normal or low prolactin does not
  exclude apoplexy, growth in pregnancy or a hook effect), or a result
  above urgent_miu_l (converted with the row's own factor) that pregnancy, breastfeeding or the
  neonatal period does not explain.  Such a state explains a result within its interval or above
  it by at most physiological_excess_max_times_uln × its upper limit (in the third trimester up
  to repeat_rested_max_times_uln ×: term pregnancy reaches several hundred ng/mL; in the first
  trimester and late lactation only the interval); beyond that the level counts as for anyone
  urgent above the urgent level, else soon (ctx.state_explains_level), a neonate's as a
  pregnant woman's (review 24: 300 ng/mL at 43 days, 2.6x the interval, is not the neonatal
  period's doing); only an age of 0 without days (or a newborn word), which the first days'
  interval may still explain, stays soon (`neonatal`); an infant's or a child's beyond the
  neonatal period is urgent, as an adult's (contract §7).
- soon: high and not explained by a likely non-pituitary factor (and not a mild rise), or
  symptomatic, or with a known pituitary lesion, or on a prolactin-lowering treatment
  (cabergoline, bromocriptine: resistance, dose or adherence), or a hook-effect risk (a large
  lesion with a modest result: any status).
- soon too for a result that pregnancy or breastfeeding explains only as a slight rise above its
  interval while the level itself suggests a tumour (above prolactinoma_likely_ng_ml: with a
  wide physiological interval of the lab's own; with the default intervals such a level is
  beyond what the state explains, and urgent).
- routine: high and explained by a likely factor (drug in its usual range, kidney, thyroid, ...),
  or a mild rise (ctx.mildly_raised: ≤ repeat_rested_max_times_uln × ULN and, for an adult, in
  the mild band of thresholds.toml (< 50 ng/mL), or a monomeric (post-PEG) prolactin at most
  that many times its limit under a total that is mostly macroprolactin), without symptoms or a
  known lesion.  A rise the macroprolactin screen showed to be monomeric (a recovery above
  peg_recovery_true_pct, a monomeric prolactin above its limit, a negative screen) is a true
  excess, never a mild rise: soon unless a likely factor explains it — a small known lesion
  (below macroadenoma_mm: a microadenoma or incidentaloma, common and easily blamed) does not
  raise a mild asymptomatic rise to soon, unless it is a known prolactinoma (named so, or on a
  prolactin-lowering treatment: ctx.known_prolactinoma), which is the cause, not an incidental
  finding, and is followed up by the specialist.
- A drug is a likely cause only up to drug_rarely_exceeds_ng_ml (~118 ng/mL, Korbonits 2000),
  even one that can reach more (risperidone ~200): above it the drug is possible and the result
  soon, as for any result no likely non-pituitary factor explains.
- soon also for a chiasmal or sellar sign (visual field defect, hemianopia, ophthalmoplegia,
  apoplexy) with a prolactin that is not raised and no known lesion (a sellar mass is
  possible); headache or blurred vision with a normal result stays none.
- routine also for a low result where pituitary damage is likely (a head injury, pituitary
  surgery or cranial radiotherapy, Sheehan syndrome: ctx.pituitary_damage): a chronically low
  prolactin marks it (clinical-reference §4), and the other axes are tested.
- routine also for a known small lesion (microadenoma, incidentaloma) in pregnancy or
  breastfeeding whose level the state accounts for, without a red flag or a headache
  (ctx.state_followed_lesion): the level says nothing of the lesion; it is followed clinically
  for headache or visual symptoms, with no MRI and no routine prolactin in pregnancy (ES 2011
  6.x, clinical-reference §1.1).
- none: normal or low (unless a known lesion with a red flag, or a hook-effect risk), including
  a result within the
  pregnancy, breastfeeding or neonatal interval (but a red flag, or a known lesion, with a result
  above the usual non-physiological limit is urgent, or soon: a prolactinoma can grow in
  pregnancy).
- A result above the measuring range (`>`) whose bound is at least open_result_urgent_fraction
  of the urgent level counts as above it (possibly urgent until diluted).

Indeterminate results: when the result could be high (sex unknown and between the limits,
a censored value such as `<30` or `>10` across the limit, or no interval at all) the priority is
`routine` — a repeat with the missing detail settles it — raised to `urgent` for red flags or a
value above the urgent level and to `soon` for a hook-effect risk, exactly as for a high result.
An indeterminate result that cannot be high (only the low side is in doubt) is `none`.  One found
high that the lab flagged low (classify.heed_lab_flags) keeps a high result's priority: the
disagreement never lowers it.
"""

from __future__ import annotations

from collections.abc import Sequence

from triage.engine.context import LIKELY, RowContext
from triage.engine.factors import BENIGN_KINDS, PATHOLOGICAL, PHYSIOLOGICAL_CODES, Finding
from triage.engine.intervals import NEONATAL
from triage.engine.labels import Labels

URGENT, SOON, ROUTINE, NONE = "urgent", "soon", "routine", "none"


def hook_effect_risk(ctx: RowContext) -> bool:
    """The lab suspects a hook effect or awaits the diluted re-assay (lab_hook_pending), or a
    lesion of at least hook_lesion_mm with a result below hook_max_ng_ml (any status), or
    a giant one (giant_lesion_mm) below giant_prolactinoma_ng_ml.
    A lesion without a size counts when it is named as giant, or as a macroadenoma (or with a
    macroadenoma's signs: suprasellar extension, chiasm, cavernous sinus) while hook_lesion_mm
    is no larger than macroadenoma_mm: a macroadenoma is that size by definition.  Not for a
    known prolactinoma on a dopamine agonist (cabergoline, bromocriptine, quinagolide): a level
    that has fallen is the expected response, not a falsely low result."""
    if lab_hook_pending(ctx):
        return True
    return lesion_hook(ctx)


def lesion_hook(ctx: RowContext) -> bool:
    """The lesion's part of hook_effect_risk (see there)."""
    if not ctx.lesion.present or ctx.qualifier == ">" or ctx.dilution_seen:
        # the sample was re-assayed at dilution (a diluted result in a column, cell or note,
        # whatever its value, or the hook effect written as excluded): settled, not asked again
        return False
    if ctx.treated_prolactinoma:
        return False  # a treated prolactinoma's low prolactin is the treatment's effect
    return ctx.hook_sized_lesion and ctx.value < ctx.hook_limit_ng_ml


def lab_hook_pending(ctx: RowContext) -> str:
    """The lab's own words that it suspects a hook effect in this sample or awaits its re-assay
    at dilution (cues.toml hook_suspected), "" where none: the result is provisional whatever
    it reads and with no lesion known (clinical-reference §1.4, §7.6).  Not once the sample was
    re-assayed at dilution or the hook effect excluded (ctx.dilution_seen), nor for a result
    above the measuring range (">": asked to dilute as such)."""
    if ctx.qualifier == ">" or ctx.dilution_seen:
        return ""
    hit = ctx.first("hook_suspected")
    return hit.evidence() if hit is not None else ""


def urgent_level_ng_ml(ctx: RowContext) -> float:
    """urgent_miu_l in ng/mL with the factor of the row's assay (or the row's own factor)."""
    return ctx.urgent_level


def open_near_urgent(ctx: RowContext) -> bool:
    """A result above the measuring range (`>`) whose bound is at least
    open_result_urgent_fraction of the urgent level: the true value is unknown and may well be
    above it, so it is treated as possibly urgent until the diluted value is known."""
    if ctx.qualifier != ">" or ctx.value != ctx.value:
        return False
    return ctx.value >= ctx.t("open_result_urgent_fraction") * urgent_level_ng_ml(ctx)


def above_urgent_level(ctx: RowContext) -> bool:
    """Above the urgent level, or possibly so (open_near_urgent).  Where the monomeric
    (post-PEG) prolactin is known, it decides: a total of 400 ng/mL that is nearly all
    macroprolactin (monomeric 15) is macroprolactinaemia, not an urgent excess
    (clinical-reference §2.3)."""
    level = urgent_level_ng_ml(ctx)
    return ctx.level_above(level) or (not ctx.monomeric_known and open_near_urgent(ctx))


def physiological_state(ctx: RowContext, findings: Sequence[Finding]) -> bool:
    """Pregnancy, breastfeeding or the neonatal period applies: prolactin is physiologically
    raised (late pregnancy can reach several hundred ng/mL), so the level alone is not urgent.
    An age of 0 without days (under one year, maybe a neonate's, maybe not) is no such state:
    the neonatal period is not known to explain the result (contract §7); being under one year,
    the adult urgent level does not make it urgent either (`neonatal`): soon until the age in
    days shows it (factors.neonatal says so)."""
    # the neonatal period explains its interval and a result just above it, as pregnancy and
    # breastfeeding do theirs (state_explains_level): 499 ng/mL at 22 days (2.3x the neonatal
    # limit) is not explained away
    return ctx.state_explains_level or any(
        f.code in PHYSIOLOGICAL_CODES and f.strength == LIKELY for f in findings
    )


def neonatal(ctx: RowContext) -> bool:
    """Judged in the neonatal period (the first weeks to months after birth, to
    neonatal_max_age_years), or possibly so (an age of 0 without days): contract §7 leaves out
    of the urgent level what the neonatal period explains, as the birth surge falls only over
    weeks (clinical-reference §2.1, §4: Perlman 1978).  A known neonate's result beyond what
    its interval explains (ctx.state_explains_level) is urgent above the urgent level (review
    24); an age of 0 without days stays `soon` there (the first days' interval may explain
    it, unless the result is beyond that too: first_days_may_explain); a mass-effect red flag
    is urgent as at any age.  Beyond the neonatal period the contract's urgent level holds at
    any age (review 22): an infant or a child above 5,000 mIU/L is urgent (the urgent referral
    names paediatric endocrinology), though the prolactinoma levels of adult series still name
    no cause for a child under adult_levels_min_age_years (factors.py)."""
    return ctx.state == NEONATAL or ctx.possibly_neonate


def first_days_may_explain(ctx: RowContext) -> bool:
    """An age of 0 without days (or a newborn word), judged against every interval of its span:
    the highest of them (the first days') holds the result or is above it by at most
    physiological_excess_max_times_uln, as a known neonate's interval explains its result
    (ctx.state_explains_level); beyond it no age of the span explains the level (review 24)."""
    return ctx.uln != ctx.uln or ctx.within(ctx.uln * ctx.t("physiological_excess_max_times_uln"))


def explained(findings: Sequence[Finding], labels: Labels) -> bool:
    """A likely factor that is not a pituitary cause explains the result."""
    return any(
        f.strength == LIKELY and labels.factor(f.code).kind in BENIGN_KINDS for f in findings
    )


def decide(ctx: RowContext, findings: Sequence[Finding], labels: Labels, hook: bool) -> str:
    """The priority of one row (see the module docstring)."""
    if ctx.mass_effect_flag is not None:
        return URGENT
    if ctx.state_followed_lesion:
        # a known small lesion in pregnancy or breastfeeding, the level the state's, no mass
        # symptom: followed clinically (ES 2011 6.x), not imaged nor referred soon
        return ROUTINE
    if not ctx.high_like:
        # A known lesion with a result above the usual (non-physiological) limit needs the
        # specialist even in pregnancy, breastfeeding or the neonatal period; a chiasmal or
        # sellar sign needs imaging whatever the prolactin (a non-functioning adenoma, or a
        # hook effect).
        if hook or (ctx.lesion.present and ctx.above_usual) or ctx.sellar_sign_alone:
            return SOON
        if ctx.pituitary_damage is not None:
            # a low prolactin after a head injury, pituitary surgery or radiotherapy, or
            # Sheehan's: pituitary function tests, not urgent (clinical-reference §4)
            return ROUTINE
        return NONE
    if above_urgent_level(ctx) and not physiological_state(ctx, findings):
        if neonatal(ctx) and ctx.state != NEONATAL and first_days_may_explain(ctx):
            # an age of 0 without days (or a newborn word): the first days' interval may
            # still explain the level; not urgent by it, but never routine at it (it may be
            # 6x the infant limit where the neonatal limit makes it look mild)
            return SOON
        # weeks after delivery with breastfeeding not stated, within what early
        # breastfeeding gives: whether she breastfeeds decides (the lactation finding
        # asks), so not urgent.  A neonate beyond what its period explains is urgent, as in
        # pregnancy or breastfeeding (contract §7: the neonatal period does not explain it)
        return SOON if ctx.feeding_unknown_early_postpartum else URGENT
    if hook:
        return SOON
    if ctx.status != "high" and not ctx.disputed_high:
        return ROUTINE  # (one found high that the lab flagged low: a high result's priority)
    if ctx.symptom is not None:
        return SOON  # symptoms need the specialist whatever else explains the result
    if ctx.state and not physiological_state(ctx, findings):
        # above the pregnancy, breastfeeding or neonatal interval, and the state does not
        # explain it (early pregnancy: first-trimester prolactin is far lower): not explained
        return SOON
    if ctx.lactation_time_unknown and not ctx.within(
        ctx.uln * ctx.t("physiological_excess_max_times_uln")
    ):
        return SOON  # breastfeeding explains it only early after delivery: the time decides
    if ctx.prolactin_treatment:
        return SOON  # raised on cabergoline or bromocriptine: resistance, dose or adherence
    mild = ctx.mildly_raised
    incidental = ctx.small_lesion and mild and not ctx.known_prolactinoma
    if ctx.lesion.present and not incidental:
        return SOON  # a known lesion needs the specialist whatever else explains the result
    if ctx.state_explains_level and suspects_tumour(findings, labels):
        return SOON  # above what pregnancy or breastfeeding usually gives: a tumour is possible
    if explained(findings, labels) or mild:
        return ROUTINE
    return SOON


def suspects_tumour(findings: Sequence[Finding], labels: Labels) -> bool:
    """A pituitary cause (a suspected prolactinoma or macroprolactinoma) is among the factors."""
    return any(labels.factor(f.code).kind == PATHOLOGICAL for f in findings)
