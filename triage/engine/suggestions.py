"""Suggested next steps and cautions: a registry of small named rules, one per code.

Each rule reads the row, its factors and its priority and returns a reason (or None).  Wording
never advises stopping an antipsychotic: a medication review is always with the prescriber.

The list follows the guideline's work-up order (`work_up_path`): labels.toml gives the base order
(referral, cautions, pregnancy test, repeat, macroprolactin, secondary causes, pituitary), and
- above prolactinoma_likely_ng_ml, or with a mass-effect red flag, the pituitary work-up
  (function tests, visual fields, MRI) moves up to follow the pregnancy test, and no macroprolactin
  screen delays it (ES 2011; Auriemma 2023 Fig. 2: > 250 ng/mL with a clear syndrome: MRI);
- below it, without typical symptoms, the macroprolactin screen comes first and the MRI is
  conditional on it ("if monomeric prolactin is raised") (ES 2011 1.2; Auriemma 2023 Fig. 2);
- below it, with typical symptoms, the secondary causes come first, then the screen, then the MRI
  (ES 2011 1.4);
in both of the last two, pituitary function and visual fields follow the MRI, for a macroadenoma.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from triage.engine.context import LACTATION_FAILURE, LIKELY, RowContext, approx, fmt
from triage.engine.factors import (
    AKI_NOT_CKD,
    BEYOND_REACH,
    PHYSIOLOGICAL_CODES,
    PREGNANCY_TEST_WORDS,
    USUAL,
    WITHIN_REACH,
    Finding,
    RetestAfterStop,
    acute_illness_hit,
    beyond_drug_reach,
    depot_review,
    drug_judgement,
    earlier_results,
    monomeric_unjudged,
    recent_graft,
    retest_after_stop,
    state_accounts_for_level,
    stopped_agonist_note,
    stopped_agonists,
)
from triage.engine.intervals import LACTATION, NEONATAL, PREGNANCY
from triage.engine.labels import Labels
from triage.engine.priority import (
    SOON,
    URGENT,
    explained,
    lab_hook_pending,
    lesion_hook,
    open_near_urgent,
    urgent_level_ng_ml,
)
from triage.engine.renal import estimate_from_creatinine
from triage.engine.state import TRANS_MALE
from triage.engine.text import CueHit
from triage.knowledge.model import DrugMatch
from triage.numbers import span_words
from triage.schema import DRUG_FACTOR_PREFIX

_EXPLAINING = frozenset({"macroprolactinemia", "pregnancy", "lactation", "neonatal"})


class Situation:
    """What the suggestion rules need besides the row: its factors, priority and hook risk."""

    __slots__ = (
        "codes",
        "ctx",
        "findings",
        "follow_up",
        "fully_explained",
        "hook",
        "imaging_needed",
        "labels",
        "mass_symptom_only",
        "neonate_above",
        "path",
        "pituitary_reason",
        "priority",
        "work_up",
    )

    def __init__(
        self,
        ctx: RowContext,
        findings: Sequence[Finding],
        priority: str,
        hook: bool,
        labels: Labels,
    ) -> None:
        self.ctx = ctx
        self.findings = findings
        self.priority = priority
        self.hook = hook
        self.labels = labels
        self.codes = {f.code: f.strength for f in findings}
        # Macroprolactin or a physiological state explains the result: no work-up for causes.
        self.fully_explained = any(f.strength == LIKELY and f.code in _EXPLAINING for f in findings)
        # A high result still in need of a search for causes (an indeterminate one needs a
        # repeat with the missing details first; a neonate's mild excess over the neonatal
        # interval is physiological).
        neonate = ctx.state == NEONATAL and ctx.state_explains_level
        self.work_up = ctx.status == "high" and not self.fully_explained and not neonate
        # A raised result with a known prolactinoma, or on a prolactin-lowering treatment taken
        # now (known hyperprolactinaemia: ctx.treated_hyperprolactinaemia), is followed up on its
        # treatment: not the search for the secondary causes of a new rise (TSH, kidney, liver,
        # macroprolactin; clinical-reference §3.2, §8 masking), which the rules that ask for
        # missing data skip.
        self.follow_up = ctx.high_like and ctx.treated_hyperprolactinaemia
        # A neonate above the neonatal interval, however mildly: the thyroid is still asked
        # about (hypothyroidism raises prolactin at any age; clinical-reference §4).
        self.neonate_above = ctx.state == NEONATAL and ctx.status == "high"
        # Why the pituitary needs looking at, or None (every row's pituitary rules read it).
        self.pituitary_reason: str | None = _pituitary_reason(self)
        # The pituitary is looked at only for a mass symptom, the level being explained by a
        # likely non-pituitary factor (a drug, the kidneys, the thyroid): imaged regardless.
        self.mass_symptom_only: bool = (
            self.pituitary_reason is not None
            and explained(findings, labels)
            and _mass_symptom_reason(self) == self.pituitary_reason
        )
        self.imaging_needed: bool = _imaging_needed(self)
        self.path = work_up_path(self)

    def has_factor(self, code: str) -> bool:
        return code in self.codes

    def likely(self, code: str) -> bool:
        return self.codes.get(code) == LIKELY


def _imaging_needed(s: Situation) -> bool:
    """Pituitary work-up applies: red flags at any status, else a reason and a result not
    fully explained by macroprolactin or a physiological state."""
    if s.ctx.mass_effect_flag is not None or s.ctx.sellar_sign_alone is not None:
        return True
    if s.ctx.state_followed_lesion:
        # a known small lesion in pregnancy or breastfeeding without a mass symptom: followed
        # clinically, no MRI (ES 2011 6.x; `in_state_follow_up`)
        return False
    if s.ctx.lesion.present and s.ctx.above_usual:
        # A known lesion above the usual limit in pregnancy, breastfeeding or a neonate:
        # the state does not explain the lesion away (ES 2011 6.x: visual fields).
        return s.pituitary_reason is not None
    return s.pituitary_reason is not None and not s.fully_explained


# Work-up paths (see the module doc).
IMAGING_FIRST = "imaging_first"
SCREEN_FIRST = "screen_first"
CAUSES_FIRST = "causes_first"


def level_rules_in(ctx: RowContext) -> bool:
    """The result is above prolactinoma_likely_ng_ml (">250 ng/mL usually means prolactinoma",
    clinical-reference §0; a `<` result never is), read as the prolactinoma factor reads it
    (RowContext.level_above): where the monomeric (post-PEG) prolactin is known, that (a total
    that is mostly macroprolactin rules nothing in: clinical-reference §2.3).  Never for a child
    (under adult_levels_min_age_years): the level comes from adult series (§6)."""
    return ctx.adult_levels() and ctx.level_above(ctx.prolactinoma_level)


def work_up_path(s: Situation) -> str:
    """Which work-up order applies: IMAGING_FIRST (red flag, or a level that rules a
    prolactinoma in), SCREEN_FIRST (below it, no typical symptoms), CAUSES_FIRST (below it,
    symptomatic), or "" (no pituitary work-up, or a known lesion: the base order)."""
    if not s.imaging_needed:
        return ""
    ctx = s.ctx
    if ctx.mass_effect_flag is not None or ctx.sellar_sign_alone is not None:
        return IMAGING_FIRST
    if ctx.high_like and level_rules_in(ctx):
        return IMAGING_FIRST
    if ctx.lesion.present and not ctx.small_lesion:
        return ""  # a small lesion (microadenoma, incidentaloma) takes the usual order
    return CAUSES_FIRST if ctx.symptom is not None else SCREEN_FIRST


@dataclass(frozen=True, slots=True)
class Suggestion:
    code: str
    reason: str
    rule: str


SuggestionRule = Callable[[Situation], str | None]
SUGGESTION_RULES: dict[str, tuple[str, SuggestionRule]] = {}
# Rules that can fire for a result that cannot be high (cautions and what they lead to).
ANY_STATUS_RULES: set[str] = set()


def suggestion_rule(
    code: str, name: str, *, any_status: bool = False
) -> Callable[[SuggestionRule], SuggestionRule]:
    """Register the rule `name` that decides suggestion (or caution) `code`; `any_status` marks
    rules that apply to normal and low results too."""

    def register(rule: SuggestionRule) -> SuggestionRule:
        if code in SUGGESTION_RULES:
            raise ValueError(f"suggestion {code!r} has two rules")
        SUGGESTION_RULES[code] = (name, rule)
        if any_status:
            ANY_STATUS_RULES.add(code)
        return rule

    return register


def _drug_names(matches: Sequence[DrugMatch]) -> str:
    return ", ".join(dict.fromkeys(m.drug.name for m in matches))


def _band_lower(ctx: RowContext, name: str) -> float:
    for band in ctx.knowledge.thresholds.bands:
        if band.name == name:
            return band.lower_ng_ml
    raise KeyError(f"band {name!r} is not defined in thresholds.toml")


def _pituitary_reason(s: Situation) -> str | None:
    """Why the pituitary needs looking at, or None: red flags, a known lesion, a marked or higher
    result, or a high result that no likely non-pituitary factor explains (beyond a mild rise)."""
    ctx = s.ctx
    flag = ctx.mass_effect_flag
    if flag is not None:
        return f"mass-effect symptom ({flag.evidence()})"
    sign = ctx.sellar_sign_alone
    if sign is not None:
        return (
            f"{sign_kind(sign)} ({sign.evidence()}) with a prolactin that is not raised: a "
            "sellar mass is possible (a non-functioning adenoma, or a macroprolactinoma read "
            "falsely low by the hook effect)"
        )
    if not ctx.raised_for_usual:
        lesion = ctx.lesion
        if lesion.present and lesion.macro and not lesion.suspected and not ctx.small_lesion:
            # clinical-reference §1.4: a macroadenoma needs visual fields and the other axes
            # whatever its prolactin (a non-functioning one, or a prolactinoma read low)
            kind = "large sellar lesion" if lesion.non_adenoma else "macroadenoma"
            return f"known {kind} ({lesion.evidence}), whatever the prolactin"
        return None
    if ctx.lesion.present:
        return f"known lesion ({ctx.lesion.evidence})"
    if s.follow_up and ctx.status == "high" and not ctx.state_explains_level:
        # known hyperprolactinaemia raised on its treatment: followed up (_follow_up_mri)
        return f"raised prolactin on {_drug_names(_taken_treatment(ctx))}"
    if ctx.state_explains_level or ctx.state == NEONATAL or ctx.feeding_unknown_early_postpartum:
        # pregnancy, breastfeeding, neonate (or weeks after delivery with breastfeeding not
        # stated: whether she breastfeeds decides first): imaging only for red flags or a lesion
        return None
    marked = _band_lower(ctx, "marked")
    # The bands are adult ng/mL levels: a child (whose limits are often higher, an infant's
    # above 100 ng/mL) is judged by times the limit for age (the mild rule below).
    if ctx.adult() and ctx.status == "high" and ctx.qualifier != "<" and ctx.value >= marked:
        return f"prolactin {ctx.result} (marked or higher)"
    if ctx.status == "high" and not explained(s.findings, s.labels):
        if not ctx.mild:
            return "a raised prolactin that no likely non-pituitary factor explains"
        symptom = ctx.symptom
        if symptom is not None:  # ES 2011 1.4; Queensland: MRI for > ULN with typical symptoms
            return (
                f"a symptomatic raised prolactin ({symptom.evidence()}) that no likely "
                "non-pituitary factor explains"
            )
        shown = ctx.true_rise_shown
        if shown is not None:  # a true rise, confirmed on a rested sample, is imaged
            # (clinical-reference §7.1; Auriemma 2023 Fig. 2)
            return f"a true (monomeric) rise ({shown}) that no likely non-pituitary factor explains"
    return _mass_symptom_reason(s)


def _mass_symptom_reason(s: Situation) -> str | None:
    """A raised result with a mass symptom (RowContext.mass_symptom: a headache) that a likely
    non-pituitary factor (a drug, the kidneys, the thyroid) would otherwise explain: such a
    factor explains the level only without mass symptoms, which are imaged regardless
    (clinical-reference §8; BNSSG: headache and visual fields checked before referral)."""
    ctx = s.ctx
    mass = ctx.mass_symptom
    if ctx.status != "high" or mass is None:
        return None
    return (
        f"mass symptom ({mass.evidence()}), which no drug, kidney or thyroid cause explains: "
        "the pituitary is assessed whatever else may raise prolactin"
    )


# ---------------------------------------------------------------------------------------------
# Referral and cautions
# ---------------------------------------------------------------------------------------------
@suggestion_rule("urgent_endocrine_referral", "urgent_priority", any_status=True)
def urgent_referral(s: Situation) -> str | None:
    return _paediatric(s.ctx, _urgent_referral(s))


def _urgent_referral(s: Situation) -> str | None:
    if s.priority != URGENT:
        return _sellar_sign_referral(s.ctx)
    flag = s.ctx.mass_effect_flag
    if flag is not None and s.ctx.high_like:
        return f"raised prolactin with a mass-effect red flag ({flag.named()})"
    if flag is not None and s.ctx.above_usual:
        if s.ctx.state == NEONATAL:  # no adult limit by sex for a neonate: the later infant's
            usual = f"the limit after the neonatal period {s.ctx.amount(s.ctx.usual_uln)}"
        else:
            usual = f"the usual limit {s.ctx.amount(s.ctx.usual_uln)}"
        interval, why = _state_red_flag_words(s.ctx)
        return (
            f"prolactin {s.ctx.result}, above {usual} though within {interval}, with a "
            f"mass-effect red flag ({flag.named()}): {why}"
        )
    if flag is not None:
        return (
            f"mass-effect red flag ({flag.named()}): prolactin is not raised, but that does "
            "not exclude a pituitary or other sellar mass, apoplexy or a hook effect"
        )
    level = urgent_level_ng_ml(s.ctx)
    if open_near_urgent(s.ctx) and not s.ctx.above(level):
        return (
            f"prolactin {s.ctx.result} is above the measuring range, near or above "
            f"{_urgent_level(s.ctx, approx(level))}: treat as urgent until the diluted value "
            "is known"
        )
    # the level beside the result as `result` writes it: neither shown at or across the other
    result, shown = s.ctx.result_beside(level, approx(level), upper=True)
    listed = [f for f in s.findings if f.code in PHYSIOLOGICAL_CODES]
    if listed:
        # a state listed among the factors (beyond what it explains, or not confirmed):
        # never "no physiological state" beside it
        names = " or ".join(s.labels.factor(f.code).label.lower() for f in listed)
        why = f"is more than {names} explains"
    else:
        why = "no physiological state explains it"
    return f"prolactin {result} is above {_urgent_level(s.ctx, shown)} and {why}"


def _state_red_flag_words(ctx: RowContext) -> tuple[str, str]:
    """(the physiological interval that judged the result, why the state does not explain a
    red flag), in the words of the state the patient is in: pregnancy, breastfeeding, or the
    first week after delivery (breastfeeding or not), or the neonatal period."""
    if ctx.state == NEONATAL:
        return "the neonatal interval", "the neonatal interval does not exclude a sellar mass"
    if ctx.state == PREGNANCY:
        return (
            "the pregnancy interval",
            "pregnancy explains the level, not the red flag: a prolactinoma can grow in pregnancy",
        )
    if ctx.judged_first_week:
        interval, state = (
            "the interval of the first week after delivery",
            "the first week after delivery",
        )
    else:
        interval, state = "the breastfeeding interval", "breastfeeding"
    return (
        interval,
        f"{state} explains the level, not the red flag: a prolactinoma may have grown during "
        "the pregnancy",
    )


def _urgent_level(ctx: RowContext, ng_ml: str) -> str:
    """The urgent level (thresholds.toml urgent_miu_l, defined in mIU/L) in the row's unit
    first: "5000 mIU/L (~236 ng/mL)" beside a result in mIU/L, "~236 ng/mL (5000 mIU/L)" beside
    one in ng/mL (`ng_ml`: the level in ng/mL as shown)."""
    miu_l = f"{fmt(ctx.t('urgent_miu_l'))} mIU/L"
    return f"{miu_l} (~{ng_ml} ng/mL)" if ctx.lab.converts else f"~{ng_ml} ng/mL ({miu_l})"


def _sellar_sign_referral(ctx: RowContext) -> str | None:
    """The urgent referral of a red flag (any: a chiasmal or sellar sign, a sudden severe
    headache, blurred vision, features of adrenal insufficiency) with a prolactin that is not
    raised and no known lesion (ctx.sellar_sign_alone): a red flag needs urgent referral or
    emergency assessment whatever the prolactin (clinical-reference §5: sudden headache, visual
    loss, diplopia; §8; pituitary apoplexy can present with a normal or low prolactin).  The
    priority stays soon (output-contract §7 keeps urgent for a raised prolactin, or apoplexy:
    context.EMERGENCY_CUES); this step leads."""
    sign = ctx.sellar_sign_alone
    if sign is None:
        return None
    kind = "red flag" if sign.cue == RED_FLAG_CUE else f"red flag: {sign_kind(sign)}"
    return (
        f"{kind} ({sign.evidence()}) with a prolactin that is not "
        "raised: urgent referral or emergency assessment (a sellar mass or pituitary apoplexy, "
        "which can present with a normal or low prolactin)"
    )


RED_FLAG_CUE = "red_flag"


def sign_kind(sign: CueHit) -> str:
    """What a red flag that does not count is called in a reason: a chiasmal or sellar sign
    (cue sellar_sign and the cues that imply it), else a red flag (headache, blurred vision,
    adrenal insufficiency, a low morning cortisol)."""
    return "red flag" if sign.cue == RED_FLAG_CUE else "chiasmal or sellar sign"


@suggestion_rule("hook_effect_risk", "large_lesion_modest_prolactin", any_status=True)
def hook_caution(s: Situation) -> str | None:
    if not s.hook:
        return None
    said = lab_hook_pending(s.ctx)
    if said and not lesion_hook(s.ctx):
        return (
            f"the lab suspects a hook effect or awaits the diluted re-assay ({said}): prolactin "
            f"{s.ctx.level} is provisional, a very high prolactin can read falsely low in some "
            "assays (hook effect)"
        )
    size = s.ctx.lesion.size_mm
    if size is not None:
        what = f"lesion {fmt(size)} mm (≥ {fmt(s.ctx.t('hook_lesion_mm'))} mm)"
    elif s.ctx.lesion.giant:
        what = f"giant lesion (≥ {fmt(s.ctx.t('giant_lesion_mm'))} mm by definition)"
    else:
        what = f"macroadenoma (≥ {fmt(s.ctx.t('macroadenoma_mm'))} mm by definition)"
    return (
        f"{what} with prolactin "
        f"{s.ctx.level} (< {s.ctx.number(s.ctx.hook_limit_ng_ml, approx=True)}): a very high "
        "prolactin "
        "can read falsely low in some assays (hook effect)"
    )


@suggestion_rule("dopamine_agonist_masking", "dopamine_agonist_present", any_status=True)
def masking_caution(s: Situation) -> str | None:
    if s.ctx.state_followed_lesion:
        # a known small lesion in pregnancy or breastfeeding: the treatment's stop or use is
        # the referral's (in_state_follow_up), no level is read for a hidden rise
        return None
    if not s.ctx.high_like:
        return _masking_not_high(s.ctx)
    masking = [m for m in s.ctx.drugs if m.drug.masks]
    if not masking:
        return None
    if all(m.stopped and m.drug.drug_class != "partial_agonist" for m in masking):
        # stopped days before the sample: its effect wearing off, not a treatment failing
        return (
            f"{_stopped_notes(s.ctx, masking)}: prolactin rises back as a dopamine agonist's "
            "effect wears off, so a raised result may be a treated prolactinoma or "
            "hyperprolactinaemia returning after the stop (review with the prescriber)"
        )
    names = _drug_names(masking)
    treating = [m for m in s.ctx.prolactin_treatment if not m.stopped]
    if treating:
        # the engine does not see the results history (its trend is added after): a level
        # falling on treatment is the response, not resistance
        return _intake_in_doubt(treating) + (
            f"{_drug_names(treating)} lowers prolactin: unless prolactin is falling on "
            "treatment (compare with earlier results), a raised result on it suggests "
            "resistance, too low a dose or missed doses (review with the prescriber)"
        )
    partial = [m for m in masking if m.drug.drug_class == "partial_agonist"]
    if partial:
        return _intake_in_doubt(partial) + (
            f"{_drug_names(partial)} (a dopamine partial agonist) usually lowers prolactin: a "
            "raised result despite it needs a cause (as an add-on it may only partly offset "
            "another antipsychotic)"
        )
    return _intake_in_doubt(masking) + (
        f"{names} usually suppresses prolactin: a raised result on it is unexpected and needs a "
        "cause"
    )


def _intake_in_doubt(matches: Sequence[DrugMatch]) -> str:
    """What a caution about a prolactin-lowering drug says first when the record writes its
    intake with doubt ("?cabergoline", "Dostinex (?)", "evtl. Dostinex": DrugMatch.doubt
    "unconfirmed"): that it is to be confirmed, for the caution holds only if it is taken; ""
    when all are written plainly."""
    unsure = [m for m in matches if m.doubt == "unconfirmed"]
    if not unsure:
        return ""
    return (
        f"confirm the medication: whether {_drug_names(unsure)} {_is_are(unsure)} actually "
        "taken (written with doubt, intake uncertain); if so, "
    )


def _stopped_notes(ctx: RowContext, matches: Sequence[DrugMatch]) -> str:
    """How each of `matches` (stopped, still acting) was stopped (stopped_agonist_note)."""
    return "; ".join(dict.fromkeys(stopped_agonist_note(ctx, m) for m in matches))


def _masking_not_high(ctx: RowContext) -> str | None:
    """The dopamine-agonist caution for a result that cannot be high.  A D2 partial agonist
    (aripiprazole, brexpiprazole, cariprazine) is no dopamine agonist: a low or normal prolactin
    on it is expected and harmless, and it can mask a raised one (clinical-reference §3.2)."""
    masking = [m for m in ctx.drugs if m.drug.masks]
    if not masking:
        return None
    partial = [m for m in masking if m.drug.drug_class == "partial_agonist"]
    agonists = [m for m in masking if m.drug.drug_class != "partial_agonist"]
    said = []
    stopped = [m for m in agonists if m.stopped]
    if stopped:
        said.append(
            f"{_drug_names(stopped)} lowers prolactin ({_stopped_notes(ctx, stopped)}): a "
            "normal or low result may still be its effect and does not exclude a prolactinoma"
        )
    agonists = [m for m in agonists if not m.stopped]
    if agonists:
        said.append(
            _intake_in_doubt(agonists) + f"{_drug_names(agonists)} lowers prolactin: a normal "
            "or low result does not exclude a prolactinoma"
        )
    if partial:
        said.append(
            _intake_in_doubt(partial) + f"{_drug_names(partial)} (a D2 partial agonist) can "
            "lower prolactin: a low or normal result on it is expected and harmless, but it can "
            "mask a raised prolactin"
        )
    return "; ".join(said)


@suggestion_rule("endocrine_referral", "specialist_needed", any_status=True)
def endocrine_referral(s: Situation) -> str | None:
    if s.ctx.state_followed_lesion:
        return in_state_follow_up(s.ctx)
    text = _paediatric(s.ctx, _endocrine_referral(s))
    agonist = _agonist_in_state(s.ctx)
    return f"{text}; {agonist}" if text is not None and agonist else text


def in_state_follow_up(ctx: RowContext) -> str:
    """The endocrine review of a known small lesion in pregnancy or breastfeeding whose level
    the state accounts for, without a mass symptom (ctx.state_followed_lesion): prolactin rises
    physiologically, so it says nothing of the lesion; no MRI and no routine prolactin in
    pregnancy; a clinical review for headache or visual symptoms, with visual fields and an MRI
    without gadolinium only if they appear; a dopamine agonist stopped once the pregnancy is
    confirmed (clinical-reference §1.1, ES 2011 6.x)."""
    known = f"known small pituitary lesion ({ctx.lesion.evidence})"
    if ctx.state == PREGNANCY:
        text = (
            f"{known} in pregnancy, no headache or visual symptoms written: prolactin rises "
            "physiologically in pregnancy and says nothing of the lesion, so it is not measured "
            "routinely and no MRI is needed; clinical review for headache or visual symptoms "
            "during the pregnancy, with visual fields and an MRI without gadolinium only if "
            "they appear (ES 2011, pregnancy)"
        )
    else:
        text = (
            f"{known} while breastfeeding, no headache or visual symptoms written: "
            "breastfeeding raises prolactin, which says nothing of the lesion, so no MRI is "
            "needed; clinical review for headache or visual symptoms, with visual fields and an "
            "MRI only if they appear; prolactin is reassessed once breastfeeding ends"
        )
    agonist = _agonist_in_state(ctx)
    return f"{text}; {agonist}" if agonist else text


def _agonist_in_state(ctx: RowContext) -> str:
    """For a known pituitary lesion in pregnancy or breastfeeding whose level the state accounts
    for, without a red flag: what to do with a prolactin-lowering treatment taken (not written
    as stopped), else "".  In pregnancy it is stopped once the pregnancy is confirmed, with the
    exceptions a macroadenoma can make (clinical-reference §1.1, ES 2011 6.x); it suppresses
    lactation."""
    if (
        ctx.state not in (PREGNANCY, LACTATION)
        or not ctx.lesion.present
        or ctx.lesion.suspected
        or not ctx.state_explains_level
        or ctx.mass_effect_flag is not None
    ):
        return ""
    taken = [m for m in ctx.prolactin_treatment if not m.stopped]
    if not taken:
        return ""
    names = _drug_names(taken)
    if ctx.state == LACTATION:
        return (
            f"{names} suppresses lactation: whether it is taken while breastfeeding is decided "
            "with the endocrinologist"
        )
    if ctx.small_lesion:
        return (
            f"{names}: stop it once the pregnancy is confirmed, as agreed with the "
            "endocrinologist (ES 2011, pregnancy)"
        )
    return (
        f"{names}: stopped once the pregnancy is confirmed unless the macroadenoma calls for "
        "continuing it, as decided with the endocrinologist (ES 2011, pregnancy)"
    )


def _endocrine_referral(s: Situation) -> str | None:
    if s.priority != SOON:
        return None
    known = _known_acromegaly(s.ctx)
    if known is not None and s.ctx.high_like:
        return known
    if s.hook:
        return "large pituitary lesion: specialist assessment"
    if s.ctx.sellar_sign_alone is not None:
        return None  # the urgent referral leads (_sellar_sign_referral)
    symptom = s.ctx.symptom
    if symptom is not None:
        return f"symptomatic raised prolactin ({symptom.evidence()})"
    treating = [m for m in s.ctx.prolactin_treatment if not m.stopped]
    if s.ctx.known_prolactinoma and s.ctx.high_like:
        return _follow_up_referral(s.ctx)
    if s.ctx.lesion.present:
        return f"raised prolactin with a known pituitary lesion ({s.ctx.lesion.evidence})"
    if s.follow_up and s.ctx.status == "high":
        # known hyperprolactinaemia on its treatment (ctx.treated_hyperprolactinaemia)
        return (
            f"raised prolactin on {_drug_names(_taken_treatment(s.ctx))}, a prolactin-lowering "
            "treatment: endocrine follow-up of the treatment (adherence and dose; resistance if "
            "prolactin is not falling on treatment)"
        )
    if treating and s.ctx.status == "high":
        return _intake_in_doubt(treating) + (
            f"raised prolactin on {_drug_names(treating)}: unless it is falling on treatment, "
            "resistance, too low a dose or missed doses; specialist review of the treatment"
        )
    stopped = stopped_agonists(s.ctx) if s.ctx.status == "high" else []
    if stopped:
        names = ", ".join(dict.fromkeys(name for _, name in stopped))
        return (
            f"raised prolactin after {names} was stopped or paused: a treated prolactinoma or "
            "hyperprolactinaemia may be returning; specialist review (by the team that "
            "prescribed it) of whether to restart it"
        )
    drug = _drug_despite_level(s)
    if drug is not None:
        rarely = s.ctx.amount(
            s.ctx.reach(s.ctx.t("drug_rarely_exceeds_ng_ml")), approx=True, mark="~"
        )
        return (
            f"prolactin {s.ctx.result} is above {rarely}, which a drug alone ({drug}) rarely "
            "explains: specialist assessment"
        )
    return "raised prolactin not explained by a likely non-pituitary factor"


def _known_acromegaly(ctx: RowContext) -> str | None:
    """The referral of a raised result with known acromegaly (RowContext.acromegaly): the
    endocrine follow-up of the GH-secreting adenoma, whose co-secretion or stalk compression can
    explain the level (clinical-reference §1.4); None where acromegaly is not known."""
    said = ctx.acromegaly
    if said is None or not said.known:
        return None
    return (
        f"raised prolactin with known acromegaly ({said.hit.evidence()}): endocrine follow-up; "
        "GH/prolactin co-secretion or stalk compression can explain the level"
    )


def _paediatric(ctx: RowContext, reason: str | None) -> str | None:
    """A referral's reason, for a child (prepubertal) with the paediatric service
    named: a child's prolactin is judged against its age, not the adult levels."""
    if reason is None or ctx.adult_levels():
        return reason
    return f"{reason}; a child: paediatric endocrinology"


def _taken_treatment(ctx: RowContext) -> list[DrugMatch]:
    """The prolactin-lowering treatments taken now (not stopped, not written with doubt)."""
    return [m for m in ctx.prolactin_treatment if not m.stopped and m.doubt != "unconfirmed"]


def _tumour_words(ctx: RowContext) -> str:
    """How a known prolactinoma (ctx.known_prolactinoma) is named: as written."""
    kind = "prolactinoma" if ctx.lesion.prolactinoma else "pituitary lesion"
    return f"a known {kind} ({ctx.lesion.evidence})"


def _follow_up_referral(ctx: RowContext) -> str:
    """The referral of a raised result with a known prolactinoma: follow-up of the tumour and its
    treatment (clinical-reference §3.2; ES 2011 3.x), not the work-up of a new rise."""
    treating = [m for m in ctx.prolactin_treatment if not m.stopped]
    stopped = [m for m in ctx.prolactin_treatment if m.stopped]
    if stopped and not treating:
        return (
            f"raised prolactin after {_drug_names(stopped)} was stopped, with "
            f"{_tumour_words(ctx)}: endocrine follow-up (prolactin rises back as its effect wears "
            "off; whether to restart the treatment)"
        )
    if treating:
        return _intake_in_doubt(treating) + (
            f"raised prolactin on {_drug_names(treating)} with {_tumour_words(ctx)}: endocrine "
            "follow-up of the treatment (adherence and dose; resistance if prolactin is not "
            "falling on treatment)"
        )
    return (
        f"raised prolactin with {_tumour_words(ctx)}: endocrine follow-up (no prolactin-lowering "
        "treatment recorded)"
    )


# ---------------------------------------------------------------------------------------------
# Confirming the result
# ---------------------------------------------------------------------------------------------
def _pregnancy_status_known(ctx: RowContext) -> bool:
    return (
        ctx.flag("pregnant") is not None
        or ctx.flag("hcg_positive") is not None
        or (ctx.num("gestational_weeks") or 0) > 0
        or ctx.state == PREGNANCY
        or ctx.has("pregnancy")
        or ctx.has("pregnancy_excluded")
    )


# Words that make a "not pregnant" a test result rather than a statement (hCG, pregnancy test).
_TEST_WORDS = PREGNANCY_TEST_WORDS


def _stated_not_pregnant(ctx: RowContext) -> str | None:
    """The evidence of a "not pregnant" that is only stated (a word in a column, not a negative
    hCG or pregnancy test), else None.  With amenorrhoea such a statement does not exclude
    pregnancy (clinical-reference §1.4)."""
    if ctx.patient.pregnancy != "no" or ctx.flag("hcg_positive") is not None:
        return None
    if ctx.num("hcg") is not None or ctx.text("hcg") is not None:
        return None
    facts = [f for _, f in ctx.patient.evidence if f.field == "pregnancy" and f.value == "no"]
    if any(f.column == "hcg" or _TEST_WORDS.search(f.quote) for f in facts):
        return None
    return "; ".join(f.evidence() for f in facts) or ctx.flag_evidence("pregnant")


def _postpartum(ctx: RowContext) -> bool:
    """Breastfeeding, or delivered too recently to be pregnant again (no pregnancy test): a
    delivery of known date longer ago than a new pregnancy takes to show (earliest ovulation
    and a test turning positive), without breastfeeding, is no reason to leave the test out."""
    if ctx.flag("lactating") or ctx.has("lactation"):
        return True
    weeks = ctx.num("postpartum_weeks")
    if weeks is not None:
        return weeks < ctx.t("postpartum_pregnancy_possible_weeks")
    return ctx.has("postpartum")


@suggestion_rule("pregnancy_test", "childbearing_age_pregnancy_unknown")
def pregnancy_test(s: Situation) -> str | None:
    ctx = s.ctx
    # a trans man (assigned female at birth) may be pregnant whatever sex the file records; a
    # trans woman never is (not_child_bearing below): clinical-reference §1.4
    trans_man = ctx.patient.gender == TRANS_MALE
    sex = "F" if trans_man else ctx.sex
    if sex == "M" or ctx.state:
        return None
    if ctx.pregnancy_conflict:
        return (
            "recorded not pregnant, yet pregnancy is indicated: confirm the pregnancy status "
            "(quantitative hCG) before judging the result"
        )
    # the lab's own interval is a pregnancy or breastfeeding one: the lab may know what the
    # file does not say (a result judged beside it is indeterminate, not high)
    lab_physiological = ctx.lab_interval_physiological and ctx.high_like
    # a trans man is judged against both sexes' intervals (engine/gender.py): one that may be
    # high there is asked as a woman's high result is
    raised = ctx.status == "high" or (trans_man and ctx.high_like)
    if (not raised and not lab_physiological) or sex != "F":
        return None
    if ctx.flag("menopausal") or ctx.has("not_child_bearing") or _postpartum(ctx):
        return None
    menstrual = ctx.current_hit("menstrual_disturbance")
    stated_no = _stated_not_pregnant(ctx) if menstrual is not None else None
    if _pregnancy_status_known(ctx) and stated_no is None:
        return None
    age = ctx.age
    low, high = ctx.t("childbearing_age_min_years"), ctx.t("childbearing_age_max_years")
    periods = ctx.first("menstruating")
    # from childbearing_age_max_years on the interval is the postmenopausal one (intervals.py):
    # she is not asked for a pregnancy test at the age that calls her postmenopausal
    if age is not None and not (low <= age < high) and not (periods and age >= low):
        return None
    whom = f"trans man ({ctx.patient.said('gender')})" if trans_man else "female"
    who = f"{whom}, aged {int(age)}" if age is not None else f"{whom}, age not given"
    if periods is not None and age is not None and age > high:
        who += f", still menstruating ({periods.evidence()})"
    if stated_no is not None and menstrual is not None:
        return (
            f"{who}; {menstrual.evidence()}: amenorrhoea or another menstrual disturbance: a "
            f"stated 'no' ({stated_no}) is not a test: exclude pregnancy with hCG"
        )
    query = ctx.first("pregnancy_query") or ctx.first("pregnancy_unknown")
    if query is not None:
        return f"{who}; {query.evidence()}: pregnancy is the commonest physiological cause"
    if lab_physiological:
        return (
            f"{who}; the lab's own reference interval is one of pregnancy or breastfeeding, "
            "yet she is not recorded pregnant: confirm the pregnancy status (hCG)"
        )
    return f"{who}, pregnancy status not recorded: pregnancy is the commonest physiological cause"


@suggestion_rule("igf1_gh_assessment", "acromegaly_queried")
def igf1_gh_assessment(s: Situation) -> str | None:
    """Acromegaly only queried (RowContext.acromegaly not known): IGF-1 and GH decide it
    (clinical-reference §1.4: check IGF-1 if acromegaly is suspected); known acromegaly is
    followed up by the endocrinologist instead (endocrine_referral)."""
    said = s.ctx.acromegaly
    if said is None or said.known or not s.ctx.high_like:
        return None
    return (
        f"{said.hit.evidence()}: acromegaly queried: check IGF-1 (with GH); a GH-secreting "
        "adenoma can co-secrete prolactin or compress the stalk (clinical-reference §1.4)"
    )


@suggestion_rule("repeat_rested_sample", "mild_rise_or_stress")
def repeat_rested(s: Situation) -> str | None:
    ctx = s.ctx
    if not ctx.high_like or ctx.has("red_flag") or s.fully_explained or ctx.state:
        return None  # in pregnancy, breastfeeding or a neonate a repeat adds nothing
    if lab_hook_pending(ctx):
        return None  # the result is provisional: the diluted re-assay, not a rested repeat
    if ctx.mass_symptom is not None:
        return None  # a rested repeat is for a rise without mass symptoms (clinical-ref. §8)
    if ctx.has("rested_sample"):
        return None  # the sample was already taken rested (or through a cannula)
    if (ctx.lesion.present and ctx.lesion.macro) or s.hook or ctx.value != ctx.value:
        return None  # a large lesion is known: the level is judged with it, not repeated
    stress = ctx.first("venipuncture_stress")
    plausible = ctx.within(ctx.uln * ctx.t("venipuncture_stress_unlikely_times_uln"))
    if stress is not None and plausible:
        return f"{stress.evidence()}: repeat rested{_cannula(ctx, 'ideally through a cannula')}"
    transient = ctx.first("transient_before_sampling")
    if transient is not None and plausible:
        return (
            f"{transient.evidence()}: a transient rise; repeat rested and normoglycaemic, with no "
            "exercise or breast stimulation before the sample"
        )
    illness = acute_illness_hit(ctx)
    if illness is not None and ctx.within(ctx.reach(ctx.t("acute_illness_max_ng_ml"))):
        if illness.cue == "acute_kidney_injury":
            return f"{illness.evidence()}: {AKI_NOT_CKD}; repeat when renal function has recovered"
        return (
            f"{illness.evidence()}: acute illness or major surgery raises prolactin; repeat when "
            "recovered, rested"
        )
    graft = _settling_graft(ctx)
    if graft is not None:
        return (
            f"{graft}: prolactin may not have fallen yet after the transplant; repeat rested once "
            f"the graft has settled (about {span_words(ctx.t('kidney_transplant_settling_days'))} "
            "after it), before imaging"
        )
    if ctx.treated_hyperprolactinaemia:
        # a known prolactinoma's or a treated hyperprolactinaemia's level is followed on
        # treatment, not confirmed anew
        return None
    if ctx.status != "high":
        if not ctx.mild or ctx.pregnancy_conflict:
            return None  # a conflicting pregnancy status is settled by the pregnancy test
        if ctx.lab_flag in ("high", "abnormal") and ctx.source == "set":
            return (
                f"the lab flagged the result {ctx.lab_flag} against its own interval, which the "
                "file does not give (the interval used here finds it normal): ask the lab for "
                "its interval; many mild rises come from the stress of sampling and settle on a "
                f"rested sample: repeat rested{_cannula(ctx)}"
            )
        return (
            "the result may be raised (it lies between the intervals that could apply): many "
            "mild rises come from the stress of sampling and settle on a rested sample; repeat "
            f"rested{_cannula(ctx)}, with the missing details (sex, age, assay or interval) "
            "recorded"
        )
    if s.likely("seizure"):
        window = fmt(ctx.t("seizure_window_minutes"))
        return f"sampled soon after a seizure: repeat rested, more than {window} min after any fit"
    if ctx.mild and not ctx.adult_levels():
        return (
            f"a rise of {fmt(ctx.value / ctx.uln)}× the upper limit for age: repeat the sample "
            "to confirm it (the data on rises that settle on a rested, cannulated sample are "
            "adults')"
        )
    if ctx.mild:
        limit = ctx.t("repeat_rested_max_times_uln")
        times = ctx.value / ctx.uln
        text = (
            f"a rise of {fmt(times)}× ULN (at most {fmt(limit)}×): many such rises come from the "
            "stress of sampling and settle on a rested sample (up to half on a rested, cannulated "
            "sample taken mid-morning)"
        )
        if ctx.within(ctx.alt_uln):
            text += (
                f"; the result is also within the re-derived upper limit for this assay "
                f"({ctx.amount(ctx.alt_uln)}), below which raised results are often not "
                "clinically significant"
            )
        return text
    if ctx.monomeric_within_borrowed:
        return (
            f"monomeric prolactin {ctx.amount(ctx.monomeric_estimate)} is within "
            f"{ctx.post_peg_limit(unit=True)}, which does not show it normal on this assay: it "
            f"may be a mild true excess, which may settle on a rested sample; repeat "
            f"rested{_cannula(ctx)}, before imaging"
        )
    if ctx.monomeric_mild:
        limit = ctx.t("repeat_rested_max_times_uln")
        mono, peg = ctx.monomeric_estimate, ctx.post_peg_uln
        return (
            f"monomeric prolactin {ctx.amount(mono)} is {fmt(mono / peg)}× "
            f"{ctx.post_peg_limit(unit=True)} (≤ {fmt(limit)}×): a mild true excess, which may "
            "settle on a "
            f"rested sample; repeat rested{_cannula(ctx)}, before imaging"
        )
    return None


def _cannula(ctx: RowContext, words: str = "ideally cannulated") -> str:
    """', ideally cannulated' after 'repeat rested' for an adult; nothing for a child (under
    adult_levels_min_age_years): the rested, cannulated sampling data are adults' (Tsur 2020,
    clinical-reference §7.1), and a cannula is no first step for an infant."""
    return f", {words}" if ctx.adult_levels() else ""


def _settling_graft(ctx: RowContext) -> str | None:
    """A recent kidney transplant (factors.recent_graft) with a result within what kidney
    failure usually causes (renal_typical_max_ng_ml): its evidence, else None.  The rise may be
    the kidney failure's, still settling (clinical-reference §4): repeated before imaging."""
    graft = recent_graft(ctx)
    if graft is None or ctx.known_prolactinoma or ctx.lesion.present:
        return None
    return graft if ctx.within(ctx.reach(ctx.t("renal_typical_max_ng_ml"))) else None


@suggestion_rule("macroprolactin_screen", "macroprolactin_before_imaging")
def macroprolactin_screen(s: Situation) -> str | None:
    ctx = s.ctx
    if not s.work_up or ctx.state or ctx.has("red_flag"):
        return None  # physiological rise, or imaging cannot wait
    if lab_hook_pending(ctx):
        return None  # the result is provisional: screened once the diluted value is known
    if ctx.lesion.present and not ctx.small_lesion:
        return None  # a lesion large enough to matter: judged with it (a small one is common
        # and easily blamed: clinical-reference §1.4, so the screen still comes first)
    if ctx.treated_hyperprolactinaemia:
        # a diagnosed prolactinoma, or hyperprolactinaemia already on a prolactin-lowering
        # treatment: the screen is for a new, unexplained rise (clinical-reference §3.2, §8)
        return None
    if ctx.monomeric_within_borrowed and not s.likely("macroprolactinemia"):
        # screened, but no post-PEG interval of this method judges it (review 25; a recovery
        # below peg_recovery_macro_pct of a mild rise shows macroprolactin by itself)
        return (
            f"prolactin {ctx.level}: monomeric prolactin {ctx.amount(ctx.monomeric_estimate)} "
            f"{monomeric_unjudged(ctx)} before imaging"
        )
    if ctx.num("macroprolactin_recovery_pct") is not None or ctx.monomeric_ng == ctx.monomeric_ng:
        return None
    screened = ctx.has("macroprolactin_present") or ctx.has("macroprolactin_absent")
    if screened and not ctx.has("macroprolactin_past"):
        return None  # this sample's screen is known, found or not (an earlier sample's is not)
    if explained(s.findings, s.labels) and (s.pituitary_reason is None or s.mass_symptom_only):
        # a likely non-pituitary cause and no imaging planned: treat that first; or imaging
        # for a mass symptom alone, which no macroprolactin result would call off
        return None
    # never "screen first" above the level that rules a prolactinoma in (RowContext.
    # prolactinoma_level: 250 ng/mL, so an urgent result below it is still screened, review 25)
    limit = min(ctx.t("macroprolactin_screen_max_ng_ml"), ctx.prolactinoma_level)
    # the level that rules a prolactinoma in and the screen out is adult series' (clinical-
    # reference §6, Auriemma 2023): a child's raised result is screened before imaging whatever
    # its level
    if ctx.qualifier == ">" or (ctx.adult_levels() and ctx.value >= limit):
        return None
    unread = ctx.first("macroprolactin_unread")
    if unread is not None:
        # screened, but the result's direction is not stated (a recovery and a percent
        # macroprolactin read oppositely: clinical-reference §2.5): no new screen, the lab's word
        return (
            f"prolactin {ctx.level}: a macroprolactin screen was done ({unread.evidence()}) but "
            "its percentage does not say whether it is the PEG recovery or the percent "
            "macroprolactin, which read in opposite directions, so it was not interpreted: ask "
            "the lab which it reports, or for the monomeric (post-PEG) prolactin, before imaging"
        )
    below = f" (< {ctx.number(limit, approx=True)})" if ctx.adult_levels() else " in a child"
    level = f"prolactin {ctx.level}{below} and no PEG result"
    if ctx.monomeric_contradicted:
        level += (
            " (the monomeric prolactin given contradicts the total and was not used: see the "
            "reference note)"
        )
    if ctx.small_lesion:
        level += (
            f"; the known lesion ({ctx.lesion.evidence}) is below macroadenoma size and may be "
            "an incidental finding"
        )
    if ctx.symptom is not None:
        return (
            f"{level}: symptomatic, so the secondary causes come first; macroprolactin can "
            "coexist with symptoms, so screen for it before imaging"
        )
    return (
        f"{level} and no typical symptoms recorded: screen for macroprolactin first; image only "
        "if monomeric prolactin is raised"
    )


# ---------------------------------------------------------------------------------------------
# Secondary causes
# ---------------------------------------------------------------------------------------------
@suggestion_rule("check_tsh", "thyroid_missing")
def check_tsh(s: Situation) -> str | None:
    """Only when the row has no TSH (a number, or a word: "erhöht", "normal"): a TSH in the row
    is already judged (a raised one is the hypothyroidism factor, whose evidence says: free T4,
    treat, re-check prolactin once euthyroid)."""
    if not (s.work_up or s.neonate_above) or s.follow_up:
        return None
    if s.ctx.num("tsh") is not None or s.ctx.tsh_word is not None:
        return None
    stated = _tsh_stated(s.ctx)
    if stated is not None and s.work_up:
        return stated
    if not s.work_up:
        return (
            "no TSH given: above the neonatal interval; hypothyroidism (congenital included) "
            "raises prolactin: check the newborn screening TSH"
        )
    return "no TSH given: hypothyroidism raises prolactin and can mimic a pituitary lesion"


def _tsh_stated(ctx: RowContext) -> str | None:
    """A TSH a note reports in words with no value: confirm the value rather than test from
    scratch (a raised one is the possible hypothyroidism factor; a low free T4 said without a
    TSH: primary or central hypothyroidism, the TSH tells them apart)."""
    raised = ctx.first("tsh_stated_high") if ctx.tsh_raised else None
    if raised is not None:
        return (
            f"TSH reported raised in the notes ({raised.evidence()}), no value: confirm the "
            "value and measure free T4 (hypothyroidism raises prolactin)"
        )
    normal = ctx.first("tsh_stated_normal")
    said = "normal"
    if normal is None:
        normal, said = ctx.first("tsh_stated_low"), "low"
    low_t4 = ctx.first("free_t4_stated_low")
    if normal is not None:
        text = (
            f"TSH reported {said} in the notes ({normal.evidence()}), no value: confirm the "
            "value (hypothyroidism raises prolactin and can mimic a pituitary lesion)"
        )
        if low_t4 is not None and ctx.free_t4_pmol is None:
            text += (
                f"; with a low free T4 reported ({low_t4.evidence()}), a TSH that is not raised "
                "is central hypothyroidism, a pituitary failure: assess pituitary function"
            )
        return text
    if low_t4 is not None and ctx.free_t4_pmol is None:
        return (
            f"free T4 reported low in the notes ({low_t4.evidence()}), no TSH given: measure "
            "TSH (a raised one is primary hypothyroidism, which raises prolactin; a normal or "
            "low one is central hypothyroidism, a pituitary failure)"
        )
    earlier = earlier_results(ctx, _THYROID_CUES)
    if earlier:
        return (
            f"no TSH of this sample: {'; '.join(earlier)} does not show the thyroid state now: "
            "measure TSH and free T4 (hypothyroidism raises prolactin and can mimic a pituitary "
            "lesion)"
        )
    return None


_THYROID_CUES: Final = (
    "tsh_stated_high",
    "tsh_stated_normal",
    "tsh_stated_low",
    "euthyroid_stated",
    "free_t4_stated_low",
)


@suggestion_rule("check_renal_function", "kidney_missing_or_low")
def check_renal(s: Situation) -> str | None:
    ctx = s.ctx
    if not s.work_up or s.has_factor("dialysis"):
        return None
    if ctx.num("egfr") is None and ctx.num("creatinine") is None:
        if s.follow_up:
            return None
        if ctx.patient.ckd_stage is not None:  # "ESRD", "CKD G4" written where no number is
            said = ctx.patient.said("ckd")
            return f"{said} written without an eGFR value: measure the eGFR to stage it"
        normal = ctx.first("kidney_stated_normal")
        if normal is not None:
            return (
                f"kidney function reported normal in the notes ({normal.evidence()}), no "
                "value: confirm with the eGFR (kidney impairment raises prolactin)"
            )
        earlier = earlier_results(ctx, ("kidney_stated_normal",))
        if earlier:
            return (
                f"no eGFR or creatinine of this sample: {earlier[0]} does not show the kidney "
                "function now: measure the eGFR (kidney impairment raises prolactin)"
            )
        return "no eGFR or creatinine given: kidney impairment raises prolactin"
    estimate = estimate_from_creatinine(ctx)  # a creatinine without an eGFR (renal.py)
    if estimate is not None and estimate.egfr is None:
        return (
            f"{estimate.evidence}{ctx.collected_on('creatinine')}: measure the eGFR; kidney "
            "impairment raises prolactin"
        )
    if s.has_factor("renal_impairment") and estimate is not None:
        return (
            f"{estimate.evidence}{ctx.collected_on('creatinine')} is reduced: confirm with the "
            "lab's eGFR and the CKD stage"
        )
    if s.has_factor("renal_impairment") and ctx.num("egfr") is not None:
        # the comparator as written ("eGFR <60", "<15"): the number alone is not the result
        qualifier = str(ctx.raw("egfr_qualifier") or "")
        egfr = qualifier + fmt(ctx.num("egfr") or float("nan"))
        return f"eGFR {egfr}{ctx.collected_on('egfr')} is reduced: confirm the CKD stage"
    return None


@suggestion_rule("check_liver_function", "liver_missing_or_unclear")
def check_liver(s: Situation) -> str | None:
    ctx = s.ctx
    if not s.work_up or s.follow_up or ctx.has("cirrhosis") or ctx.has("no_liver_disease"):
        return None
    if not ctx.adult():
        return None
    written = ctx.text("liver_disease")
    if written is not None:
        return f"liver_disease: '{written}': assess for cirrhosis (liver function, history)"
    # a liver history stated in a note ("Zirrhose ausgeschlossen", "steatosis hepatis", "chronic
    # hepatitis C no cirrhosis", "cirrhosis? awaiting FibroScan"): given (clinical-reference §4),
    # as the same words in the liver column are
    if ctx.patient.liver in ("other", "suspected", "chronic"):
        said = ctx.patient.said("liver")
        if said:
            return f"{said}: assess for cirrhosis (liver function, history)"
    return "no liver history given: ask about alcohol and look for signs of cirrhosis"


@suggestion_rule("medication_review", "raising_drug_present")
def medication_review(s: Situation) -> str | None:
    ctx = s.ctx
    if ctx.status != "high":
        return None
    raising = [m for m in ctx.drugs if m.drug.effect == "raises"]
    if not raising or not any(code.startswith(DRUG_FACTOR_PREFIX) for code in s.codes):
        return None
    # A drug already stopped, yet so recently that it still acted at the sample: nothing is
    # left to pause or switch; prolactin is re-measured once it has been off long enough
    # (clinical-reference §0 "Drug withdrawal test", §1.1 2.1).
    retests = {m: retest_after_stop(ctx, m) for m in raising}
    stopped = [m for m in raising if retests[m] is not None]
    taken = [m for m in raising if retests[m] is None]
    after_stop = _stopped_drug_retest(ctx, stopped, retests) if stopped else ""
    if not taken:
        return _doubt_first(stopped, after_stop)
    review = _taken_drug_review(ctx, taken)
    return f"{review}; {after_stop}" if after_stop else review


def _stopped_drug_retest(
    ctx: RowContext,
    stopped: Sequence[DrugMatch],
    retests: Mapping[DrugMatch, RetestAfterStop | None],
) -> str:
    """The repeat after drugs already stopped that still acted at the sample: each one's stop
    and the day prolactin is re-measured (retest_after_stop), with no advice to pause or switch
    what is already stopped."""
    said = []
    for match in dict.fromkeys(stopped):
        retest = retests[match]
        if retest is None:  # pragma: no cover - only stopped drugs with a retest are given
            continue
        how = f"switched to {match.switched_to}" if match.switched_to else "stopped"
        when = (
            f" {span_words(retest.stopped)} before the sample"
            if retest.stopped
            else " on the day of the sample"
            if retest.stopped is not None
            else ""
        )
        on = f" (on {retest.on.isoformat()})" if retest.on is not None else ""
        if retest.depot:  # the switch is done: nothing to propose, the depot washes out
            said.append(
                f"{match.drug.name} was already {how}{when}: the switch is done and the depot "
                f"still acted at this sample, washing out over months: repeat prolactin "
                f"{fmt(retest.days)} days after the switch{on}"
            )
            continue
        said.append(
            f"{match.drug.name} was already {how}{when} and still acted at this sample: repeat "
            f"prolactin {fmt(retest.days)} days after the stop{on}"
        )
    return "; ".join(said)


def _taken_drug_review(ctx: RowContext, raising: Sequence[DrugMatch]) -> str:
    """The review of the raising drugs taken at the sample (not already stopped)."""
    # A drug graded low, case reports or none (clinical-reference §0b: clozapine, quetiapine,
    # lurasidone "none or low", olanzapine, ziprasidone "low") is already prolactin-sparing: an
    # unlikely cause, and no switch to a "prolactin-sparing alternative" is offered for it;
    # unless the result is within its own documented reach (§3.1: olanzapine, iloperidone,
    # lurasidone ~20-50 ng/mL): a possible cause then.  The factor's evidence follows the same
    # judgement (factors.drug_judgement).
    judged = [(m, drug_judgement(ctx, m.drug)) for m in raising]
    usual = [m for m, judgement in judged if judgement == USUAL]
    reached = [m for m, judgement in judged if judgement == WITHIN_REACH]
    rare = [m for m, judgement in judged if judgement not in (USUAL, WITHIN_REACH)]
    if usual or reached:
        text = _usual_drug_review(ctx, usual) if usual else _reached_drug_review(ctx, reached)
        if usual and reached:
            text += (
                f"; {_drug_names(reached)} can also reach this level, though in few users: a "
                "possible cause too"
            )
        if rare:
            text += f"; {_drug_names(rare)} {_rarely(rare)} prolactin: not the likely cause"
        return _doubt_first(raising, text)
    beyond = [m for m, judgement in judged if judgement == BEYOND_REACH]
    return _doubt_first(raising, _unlikely_drug_review(ctx, raising, beyond))


def _doubt_first(raising: Sequence[DrugMatch], text: str) -> str:
    """The review, after confirming first what the record leaves in doubt: a drug written with
    doubt ("?risperidone", "Risperdal (unclear)": confirm the medication), taken irregularly
    ("poor compliance": check adherence, which the level depends on), taken as needed ("bei
    Bedarf": ask when the last dose was taken) or stopped at a time not written exactly
    ("recently stopped", "stopped in October": confirm when it was stopped)."""
    unconfirmed = [m for m in raising if m.doubt == "unconfirmed"]
    irregular = [m for m in raising if m.doubt == "irregular"]
    as_needed = [m for m in raising if m.doubt == "as_needed"]
    first = []
    if unconfirmed:
        first.append(
            f"confirm the medication: whether {_drug_names(unconfirmed)} "
            f"{_is_are(unconfirmed)} actually taken (written with doubt)"
        )
    if irregular:
        first.append(
            f"check adherence: {_drug_names(irregular)} {_is_are(irregular)} recorded as taken "
            "irregularly"
        )
    if as_needed:
        first.append(
            f"ask when the last dose of {_drug_names(as_needed)} was taken before the sample "
            "(taken as needed: a dose shortly before it explains the result, none does not)"
        )
    stop_time = [m for m in raising if m.doubt == "stop_time"]
    if stop_time:
        first.append(
            f"confirm when {_drug_names(stop_time)} {_was_were(stop_time)} stopped (no exact "
            "date written: it may still act at this sample)"
        )
    return "; ".join([*first, text]) if first else text


def _usual_drug_review(ctx: RowContext, raising: Sequence[DrugMatch]) -> str:
    """The review of drugs that often raise prolactin (frequency high or moderate)."""
    names = _drug_names(raising)
    days = fmt(ctx.t("drug_withdrawal_retest_days"))
    classes = {m.drug.drug_class for m in raising}
    if "antipsychotic" in classes:
        # only when a drug reviewed is itself a depot ("Abilify Maintena + Haldol 5 mg": the
        # depot lowers prolactin, oral Haldol is the one reviewed)
        given_as_depot = any(
            m.drug.drug_class == "antipsychotic" and depot_review(ctx, m) for m in raising
        )
        depot = "; a depot injection takes months to wash out" if given_as_depot else ""
        return (
            f"{names} can raise prolactin: review with the prescriber (the psychiatric team for "
            "an antipsychotic, which must not be stopped without them); a prolactin-sparing "
            f"alternative may be an option{depot}"
        )
    if "opioid" in classes:
        return (
            f"{names} can raise prolactin: review with the prescriber; opioid treatment "
            "(especially opioid substitution) must not be interrupted just to re-test prolactin"
        )
    text = (
        f"{names} can raise prolactin: the prescriber may judge whether it can safely be paused "
        f"or switched and prolactin re-measured after {days} days"
    )
    if "estrogen" in classes:
        text += " (a contraceptive is only paused with another method in place)"
    return text


def _is_are(matches: Sequence[DrugMatch]) -> str:
    return "is" if len({m.drug.name for m in matches}) == 1 else "are"


def _was_were(matches: Sequence[DrugMatch]) -> str:
    return "was" if len({m.drug.name for m in matches}) == 1 else "were"


def _rarely(matches: Sequence[DrugMatch]) -> str:
    return "rarely raises" if len({m.drug.name for m in matches}) == 1 else "rarely raise"


def _reached_drug_review(ctx: RowContext, reached: Sequence[DrugMatch]) -> str:
    """The review of drugs graded low whose own documented reach holds the result (olanzapine,
    iloperidone, lurasidone at up to ~50 ng/mL, clinical-reference §3.1: mild, often
    transient): a possible cause, as the factor says; other causes are still looked for before
    any change, which stays with the prescriber."""
    names = _drug_names(reached)
    classes = {m.drug.drug_class for m in reached}
    sparing = " (prolactin-sparing already)" if "antipsychotic" in classes else ""
    reach = ctx.reach(max(m.drug.typical_max_ng_ml or 0 for m in reached))
    single = len({m.drug.name for m in reached}) == 1
    text = (
        f"{names} {'raises' if single else 'raise'} prolactin in few users{sparing}, mildly, "
        f"to {ctx.amount(reach, approx=True, mark='~')}: this level is within that reach, so "
        f"{'it is a possible cause' if single else 'they are possible causes'}; look for "
        "another cause too before considering any change"
    )
    return _change_only_with_prescriber(text, classes)


def _unlikely_drug_review(
    ctx: RowContext, raising: Sequence[DrugMatch], beyond: Sequence[DrugMatch] = ()
) -> str:
    """The review of drugs that rarely raise prolactin (frequency low, case reports or none): an
    unlikely cause; look for another before any change, which stays with the prescriber (an
    antipsychotic is never stopped without the psychiatric team, an opioid never interrupted
    just to re-test).  `beyond`: those of them whose own documented reach the result is above
    (olanzapine at 120 ng/mL), which the review says as the factor does."""
    names = _drug_names(raising)
    classes = {m.drug.drug_class for m in raising}
    sparing = " (prolactin-sparing already)" if "antipsychotic" in classes else ""
    cause = "an unlikely cause" if _rarely(raising) == "rarely raises" else "unlikely causes"
    above = ""
    if beyond:
        reach = ctx.reach(max(m.drug.typical_max_ng_ml or 0 for m in beyond))
        above = (
            f", and this level is above the usual reach of {_drug_names(beyond)} "
            f"({ctx.amount(reach, approx=True, mark='~')})"
        )
    text = (
        f"{names} {_rarely(raising)} prolactin{sparing}{above}: {cause} of this level, so look "
        "for another cause before considering any change"
    )
    return _change_only_with_prescriber(text, classes)


def _change_only_with_prescriber(text: str, classes: set[str]) -> str:
    """`text` with who any change stays with: the psychiatric team for an antipsychotic, the
    prescriber otherwise (an opioid never interrupted just to re-test prolactin)."""
    if "antipsychotic" in classes:
        return (
            f"{text}; any change only with the psychiatric team (an antipsychotic must not be "
            "stopped without them)"
        )
    if "opioid" in classes:
        return (
            f"{text}; opioid treatment (especially opioid substitution) must not be interrupted "
            "just to re-test prolactin"
        )
    return f"{text}; any change only with the prescriber"


@suggestion_rule("testosterone", "male_high_prolactin")
def testosterone(s: Situation) -> str | None:
    if not s.work_up or s.ctx.sex != "M" or s.ctx.testosterone_known:
        return None  # a testosterone written in the notes is read (low: a symptom)
    if s.ctx.patient.gender:
        # a trans woman's testosterone is suppressed on purpose, a trans man's is given: neither
        # assesses hypogonadism (clinical-reference §1.4 "Men")
        return None
    age = s.ctx.age
    if age is not None and age < s.ctx.t("testosterone_min_age_years"):
        return None  # before puberty testosterone does not assess hypogonadism
    if not s.ctx.adult():
        return "raised prolactin in a boy: check testosterone (with LH and FSH) for pubertal delay"
    return "raised prolactin in a man: check testosterone (with LH and FSH) for hypogonadism"


# ---------------------------------------------------------------------------------------------
# Pituitary
# ---------------------------------------------------------------------------------------------
@suggestion_rule("dilution_retest", "hook_effect_dilution", any_status=True)
def dilution_retest(s: Situation) -> str | None:
    if s.hook and not lesion_hook(s.ctx):  # the lab's own doubt (lab_hook_pending)
        fold = fmt(s.ctx.t("hook_dilution_factor"))
        return (
            f"result pending dilution: the lab suspects a hook effect or awaits the re-assay "
            f"({lab_hook_pending(s.ctx)}); act on the diluted (at least 1:{fold}) result, not on "
            "this one"
        )
    if s.hook:
        fold = fmt(s.ctx.t("hook_dilution_factor"))
        text = f"large lesion with a modest prolactin: ask the lab to re-assay at 1:{fold} dilution"
        if _known_acromegaly(s.ctx) is not None and s.ctx.high_like:
            # the level is explained by the GH-secreting adenoma (co-secretion or stalk
            # compression): the dilution follows the endocrine review, it does not lead it
            text += (
                " after the endocrine review (in known acromegaly the level can be the adenoma's "
                "co-secretion or stalk compression)"
            )
        return text
    if s.ctx.diluted:
        return None  # the result is already a diluted one (engine/diluted.py): not asked again
    # a chiasmal or sellar sign alone (no lesion known) is no hook-effect risk: the urgent
    # referral and the MRI come first; a dilution follows a large lesion on it (pituitary_mri)
    if s.ctx.qualifier == ">" and (s.ctx.status == "high" or open_near_urgent(s.ctx)):
        return (
            f"result {s.ctx.result} is above the measuring range: ask the lab to dilute the "
            "sample and report the actual value"
        )
    return None


def _mri_already_normal(s: Situation) -> bool:
    """A pituitary MRI was reported normal (ctx.normal_mri) and nothing warrants a repeat: no
    mass-effect red flag, no sellar sign, no level that rules a prolactinoma in (IMAGING_FIRST;
    a level that high now, whatever the earlier MRI's date, is one it did not see).  The MRI,
    and the visual fields and pituitary function tests that follow a macroadenoma on it, are
    then not suggested again as if no imaging had been done."""
    ctx = s.ctx
    return (
        ctx.normal_mri is not None
        and ctx.mass_effect_flag is None
        and ctx.sellar_sign_alone is None
        and s.path != IMAGING_FIRST
    )


def _repeat_despite_normal_mri(s: Situation) -> str:
    """'; the earlier pituitary MRI was normal (…): a repeat is warranted by …' where one was
    and something warrants another (`_mri_already_normal` false), else ''."""
    ctx = s.ctx
    if ctx.normal_mri is None:
        return ""
    if ctx.mass_effect_flag is not None:
        cause = f"the mass-effect red flag ({ctx.mass_effect_flag.evidence()})"
    elif ctx.sellar_sign_alone is not None:
        sign = ctx.sellar_sign_alone
        cause = f"the {sign_kind(sign).removeprefix('chiasmal or ')} ({sign.evidence()})"
    else:
        likely = ctx.amount(ctx.prolactinoma_level, approx=True, mark="> ")
        cause = f"a level that rules a prolactinoma in ({likely})"
    earlier = f"the earlier pituitary MRI was normal ({ctx.normal_mri})"
    return f"; {earlier}: a repeat is warranted by {cause}"


@suggestion_rule("pituitary_function_tests", "pituitary_work_up", any_status=True)
def pituitary_function(s: Situation) -> str | None:
    why = s.pituitary_reason
    if why is None or not s.imaging_needed:
        return _pituitary_damage_reason(s.ctx)
    if _no_macro_work_up(s) or _mri_already_normal(s):
        return None
    if _pregnant_no_red_flag(s):
        return None  # pregnancy alters the axes: assessed once it is over, with the MRI
    axes = "assess the other pituitary axes (cortisol, thyroid, gonadal, IGF-1)"
    return f"{why}: {_if_macroadenoma(s)}{axes}"


def _pituitary_damage_reason(ctx: RowContext) -> str | None:
    """A low prolactin where pituitary damage is likely (ctx.pituitary_damage): the other axes
    are tested, as a chronically low prolactin marks pituitary damage (clinical-reference §4,
    head trauma); for Sheehan syndrome, which the clinical reference does not name, the reason
    says so."""
    damage = ctx.pituitary_damage
    if damage is None:
        return None
    evidence, kind = damage
    if kind == "Sheehan syndrome":
        why = (
            "a low prolactin with a failure to lactate after a postpartum haemorrhage is the "
            "classic sign of Sheehan syndrome, pituitary necrosis (not in the clinical reference)"
        )
    elif kind == LACTATION_FAILURE:
        why = (
            "a low prolactin while breastfeeding or just after delivery, when it stays above "
            "non-pregnant levels (clinical-reference §2.1), may mark a failure of lactation or "
            "pituitary damage (Sheehan syndrome after a postpartum haemorrhage, not in the "
            "clinical reference)"
        )
    elif kind == "a head injury":
        why = (
            "a chronically low prolactin after a head injury marks pituitary damage "
            "(clinical-reference §4)"
        )
    else:
        why = (
            f"a low prolactin after {kind} can mark pituitary damage (clinical-reference §4 "
            "names it so after head trauma)"
        )
    return f"{evidence}: {why}: assess the other pituitary axes (cortisol, thyroid, gonadal, IGF-1)"


@suggestion_rule("visual_field_test", "pituitary_work_up", any_status=True)
def visual_fields(s: Situation) -> str | None:
    why = s.pituitary_reason
    if why is None or not s.imaging_needed or _no_macro_work_up(s) or _mri_already_normal(s):
        return None
    headache = _pregnant_headache(s)
    if headache:
        return f"{why}{headache}: formal visual fields now for chiasmal compression"
    if _pregnant_without_mri(s):
        # a known lesion (a macroadenoma: small ones have none, _no_macro_work_up) is followed
        # with visual fields each trimester (ES 2011, pregnancy)
        each = " each trimester" if s.ctx.lesion.present else ""
        return (
            f"{why}: in pregnancy no routine MRI, so formal visual fields{each} for chiasmal "
            "compression" + (" (ES 2011, pregnancy)" if each else "")
        )
    # a mass symptom (headache) has its visual fields checked now, not after the MRI (BNSSG:
    # headache and visual fields checked before referral; clinical-reference §5, §8)
    when = "" if s.ctx.status == "high" and s.ctx.mass_symptom else _if_macroadenoma(s)
    return f"{why}: {when}formal visual fields for chiasmal compression"


def _pregnant_no_red_flag(s: Situation) -> bool:
    """Pregnant without a red flag or a sellar sign, with a known lesion (followed, not imaged
    again) or without a level that rules a prolactinoma in: the other axes are assessed once
    the pregnancy is over (pregnancy alters them)."""
    ctx = s.ctx
    return (
        ctx.state == PREGNANCY
        and ctx.mass_effect_flag is None
        and ctx.sellar_sign_alone is None
        and (ctx.lesion.present or s.path != IMAGING_FIRST)
    )


def _pregnant_without_mri(s: Situation) -> bool:
    """`_pregnant_no_red_flag` without a headache either: no routine MRI (ES 2011, pregnancy),
    so what would follow the MRI is judged without it (`pituitary_mri`)."""
    return _pregnant_no_red_flag(s) and s.ctx.mass_symptom is None


def _pregnant_headache(s: Situation) -> str:
    """'; with a headache in pregnancy (evidence)' for a known lesion in pregnancy with a
    headache and no red flag: imaged (MRI without gadolinium) and visual fields checked now, as
    ES 2011 advises for headache or visual change in pregnancy; else ''."""
    headache = s.ctx.mass_symptom
    if headache is None or not s.ctx.lesion.present or not _pregnant_no_red_flag(s):
        return ""
    return f"; with a headache in pregnancy ({headache.evidence()})"


def _no_macro_work_up(s: Situation) -> bool:
    """No visual fields or pituitary function tests: a known lesion below macroadenoma size, or
    only a mild monomeric excess, without a red flag or a level that rules a prolactinoma in
    (visual fields for a macroadenoma or visual symptoms: clinical-reference §1.4)."""
    ctx = s.ctx
    if ctx.has("red_flag") or ctx.sellar_sign_alone is not None or s.path == IMAGING_FIRST:
        return False
    if _pregnant_headache(s):
        return False  # a headache in pregnancy with a known lesion: visual fields now
    if ctx.small_lesion:
        return True
    return _mild_true_excess(s)


def _mild_true_excess(s: Situation) -> bool:
    """Only a mild true (monomeric) excess, without a known lesion: a mild monomeric excess
    under a higher total, or a mild total whose rise the PEG screen shows to be monomeric
    (ctx.true_rise_shown) without typical symptoms.  A rested repeat comes first, then the MRI
    if the excess is confirmed (clinical-reference §2.3, §7.1)."""
    ctx = s.ctx
    if ctx.lesion.present or ctx.macroprolactin_excluded is not None:
        return False  # macroprolactin excluded: a true excess, worked up (priority.decide)
    if ctx.monomeric_mild and not ctx.mild:
        return True
    return ctx.mild and ctx.symptom is None and ctx.true_rise_shown is not None


def _if_macroadenoma(s: Situation) -> str:
    """'if the MRI shows a macroadenoma (≥ 10 mm), ' where the MRI comes first and decides."""
    if s.path not in (SCREEN_FIRST, CAUSES_FIRST):
        return ""
    return f"if the MRI shows a macroadenoma (≥ {fmt(s.ctx.t('macroadenoma_mm'))} mm), "


def _drug_despite_level(s: Situation) -> str | None:
    """A drug factor at a level drugs rarely reach alone (above drug_rarely_exceeds_ng_ml, even
    a drug that can reach it): the raising drugs' names, else None.  Korbonits 2000: above
    2,500 mU/L image whatever the drug (clinical-reference §1.3, §8)."""
    if s.ctx.status != "high" or not beyond_drug_reach(s.ctx) or state_accounts_for_level(s.ctx):
        return None  # (a level pregnancy or breastfeeding accounts for: no drug's reach)
    drug_codes = {c for c in s.codes if c.startswith(DRUG_FACTOR_PREFIX)}
    raising = [
        m
        for m in s.ctx.drugs
        if DRUG_FACTOR_PREFIX + m.drug.drug_class in drug_codes
        and m.drug.effect == "raises"
        and m.drug.frequency != "none"
    ]
    return _drug_names(raising) or None


@suggestion_rule("pituitary_mri", "pituitary_work_up", any_status=True)
def pituitary_mri(s: Situation) -> str | None:
    if _mri_already_normal(s):
        return None
    text = _pituitary_mri(s)
    return None if text is None else text + _repeat_despite_normal_mri(s)


def _pituitary_mri(s: Situation) -> str | None:
    """The pituitary MRI's reason (`pituitary_mri`), before an earlier normal MRI is said."""
    why = s.pituitary_reason
    if why is None or not s.imaging_needed:
        return None
    pregnant = s.ctx.state == PREGNANCY
    if s.ctx.mass_effect_flag is not None:
        gadolinium = " (without gadolinium in pregnancy)" if pregnant else ""
        return f"{why}: pituitary MRI without delay{gadolinium}"
    headache = _pregnant_headache(s)
    if headache:
        return f"{why}{headache}: pituitary MRI without gadolinium (ES 2011, pregnancy)"
    if _pregnant_without_mri(s):
        # a known lesion, or a level pregnancy does not explain, without a red flag
        return (
            f"{why}: in pregnancy no routine MRI; MRI without gadolinium if headache or visual "
            "field loss appears or worsens, else once the pregnancy is over (ES 2011, pregnancy)"
        )
    if s.follow_up:
        return _follow_up_mri(s, why)
    if s.ctx.sellar_sign_alone is not None:
        gadolinium = " (without gadolinium in pregnancy)" if pregnant else ""
        fold = fmt(s.ctx.t("hook_dilution_factor"))
        return (
            f"{why}: pituitary MRI{gadolinium}; if it shows a large lesion, ask the lab to "
            f"re-assay prolactin at 1:{fold} dilution (hook effect)"
        )
    if s.mass_symptom_only:
        return f"{why}: pituitary MRI"
    if s.path == IMAGING_FIRST:
        likely = s.ctx.amount(s.ctx.prolactinoma_level, approx=True, mark="> ")
        gadolinium = " without gadolinium (pregnancy)" if pregnant else ""
        return (
            f"{why}: {likely} a prolactinoma is likely: pituitary MRI{gadolinium} without "
            "waiting for a macroprolactin screen"
        )
    if s.likely("hypothyroidism"):
        return f"{why}: pituitary MRI once thyroid replacement has corrected the TSH"
    if _settling_graft(s.ctx) is not None:
        return (
            f"{why}: pituitary MRI only if prolactin is still raised on the repeat once the "
            "kidney transplant has settled, and drugs and thyroid are excluded"
        )
    mild = s.ctx.mild or s.ctx.monomeric_mild
    # this sample was already taken rested (or cannulated): the rise stands confirmed, and the
    # MRI waits for nothing but the other causes and the macroprolactin screen
    rested = s.ctx.has("rested_sample")
    if s.ctx.small_lesion and mild and s.ctx.symptom is None:
        confirm = "" if rested else "the rise is confirmed on a rested sample and "
        return (
            f"{why}: pituitary MRI (to characterise the lesion) only if {confirm}monomeric "
            "prolactin is raised, once drugs, thyroid and kidney are excluded: a small lesion is "
            "common and may be incidental"
        )
    if s.ctx.lesion.present and not s.ctx.small_lesion:
        return f"{why}: pituitary MRI"
    if _mild_true_excess(s):
        if rested:
            return f"{why}: pituitary MRI once drugs, thyroid and kidney are excluded"
        return (
            f"{why}: pituitary MRI only if the monomeric excess is confirmed on a rested sample, "
            "once drugs, thyroid and kidney are excluded"
        )
    screen = macroprolactin_screen(s) is not None
    drug = _drug_despite_level(s)
    if drug is not None:
        rarely = s.ctx.amount(
            s.ctx.reach(s.ctx.t("drug_rarely_exceeds_ng_ml")), approx=True, mark="~"
        )
        text = (
            f"{why}: above {rarely} a drug alone rarely explains the level, so image even "
            f"though {drug} can raise prolactin (or re-measure after a switch agreed with the "
            "prescriber)"
        )
        return f"{text}, if monomeric prolactin is raised" if screen else text
    if screen and s.path == SCREEN_FIRST:
        return (
            f"{why}: pituitary MRI if monomeric prolactin is raised on the macroprolactin screen, "
            "once drugs, thyroid and kidney are excluded"
        )
    excluded = s.ctx.macroprolactin_excluded
    if excluded is not None:
        said = "" if excluded in why else f" ({excluded})"
        return (
            f"{why}: pituitary MRI once drugs, thyroid and kidney are excluded (macroprolactin "
            f"is already excluded{said}: the excess is true, not a rise to repeat first)"
        )
    confirmed = " and the rise is confirmed on a rested sample" if s.ctx.mild and not rested else ""
    measured = _macroprolactin_measured(s)
    if measured is not None:
        text, known = measured
        condition = "" if known else " and if the monomeric (post-PEG) prolactin is raised"
        return (
            f"{why}: pituitary MRI once drugs, thyroid and kidney are excluded{confirmed}"
            f"{condition} ({text})"
        )
    if screen:
        return (
            f"{why}: pituitary MRI once drugs, thyroid and kidney are excluded{confirmed} and if "
            "monomeric prolactin is raised"
        )
    if confirmed:
        return (
            f"{why}: pituitary MRI once drugs, thyroid, kidney and macroprolactin are "
            f"excluded{confirmed}"
        )
    return f"{why}: pituitary MRI once drugs, thyroid, kidney and macroprolactin are excluded"


def _macroprolactin_measured(s: Situation) -> tuple[str, bool] | None:
    """What this sample's macroprolactin screen found where it neither excludes macroprolactin
    (RowContext.macroprolactin_excluded) nor explains the rise (the factor is only possible),
    for the MRI's reason, with whether the monomeric (post-PEG) prolactin is known, else None.
    Macroprolactin present or equivocal beside a monomeric excess is measured, not "to be
    excluded": the excess it leaves is a true rise (clinical-reference §2.3: macroprolactin
    coexists with a true monomeric excess or a lesion)."""
    ctx = s.ctx
    if "macroprolactinemia" not in s.codes or ctx.macroprolactin_excluded is not None:
        return None
    side = ctx.screen_side
    mono, limit = ctx.monomeric_estimate, ctx.post_peg_uln
    if mono == mono:
        if not mono > limit:
            return None  # within its limit: macroprolactin explains the total
        found = "equivocal" if side == "equivocal" else "present"
        return (
            f"macroprolactin measured on this sample: {found}; but the monomeric "
            f"prolactin {ctx.amount(mono)} is above the post-PEG limit "
            f"{ctx.amount(limit, approx=True)}: a true excess remains that macroprolactin does "
            "not explain",
            True,
        )
    if side is None and not ctx.has("macroprolactin_past") and ctx.has("macroprolactin_present"):
        return (
            "macroprolactin was found on this sample, but without a monomeric (post-PEG) "
            "prolactin it does not show the rise explained: ask the lab for it",
            False,
        )
    return None


def _follow_up_mri(s: Situation, why: str) -> str:
    """The MRI of a raised result with a known prolactinoma (Situation.follow_up): for a rise or
    symptoms (ES 2011 3.x; clinical-reference §3.2), compared with earlier imaging; for a large
    tumour, a level that rules a prolactinoma in or more than a mild rise, unless prolactin is
    falling (the engine does not see the history's trend, so the condition is said)."""
    ctx = s.ctx
    on = "on treatment" if ctx.prolactin_treatment else "on follow-up"
    if not ctx.lesion.present and ctx.symptom is None:
        # treated hyperprolactinaemia with no lesion named: imaged for a level that rules a
        # prolactinoma in, else if the level rises or symptoms appear (clinical-reference §3.2)
        if level_rules_in(ctx):
            likely = ctx.amount(ctx.prolactinoma_level, approx=True, mark="> ")
            return (
                f"{why}: {likely} a prolactinoma is likely: pituitary MRI (compare with earlier "
                "imaging): tumour growth or resistance"
            )
        return (
            f"{why}: pituitary MRI if prolactin keeps rising on treatment (compare with earlier "
            "results) or symptoms appear: tumour growth or resistance"
        )
    if ctx.symptom is not None:
        return (
            f"{why}: pituitary MRI: symptoms ({ctx.symptom.evidence()}) {on} may mean tumour "
            "growth (compare with earlier imaging)"
        )
    resistance = " or resistance" if ctx.prolactin_treatment else ""
    if not ctx.small_lesion or level_rules_in(ctx) or not (ctx.mild or ctx.monomeric_mild):
        return (
            f"{why}: pituitary MRI unless prolactin is falling {on} (compare with earlier "
            f"results and imaging): a rising level may mean tumour growth{resistance}"
        )
    return f"{why}: pituitary MRI only if prolactin keeps rising {on} or symptoms appear"


OrderedRules = list[tuple[str, str, SuggestionRule]]


def _ordered(labels: Labels, *, any_status: bool = False) -> OrderedRules:
    """The rules in display order (labels.toml), sorted once per Labels; `any_status`: only
    those that apply to a result that cannot be high (ANY_STATUS_RULES)."""
    key = id(labels)
    cached = _ORDER_CACHE.get(key)
    if cached is None or cached[0] is not labels:
        rules = sorted(SUGGESTION_RULES.items(), key=lambda item: labels.suggestion(item[0]).order)
        ordered = [(code, name, rule) for code, (name, rule) in rules]
        anywhere = [item for item in ordered if item[0] in ANY_STATUS_RULES]
        cached = (labels, ordered, anywhere)
        _ORDER_CACHE[key] = cached
    return cached[2] if any_status else cached[1]


_ORDER_CACHE: dict[int, tuple[Labels, OrderedRules, OrderedRules]] = {}


# The pituitary work-up, in labels.toml order, and what it moves to follow on IMAGING_FIRST.
_PITUITARY = ("dilution_retest", "pituitary_function_tests", "visual_field_test", "pituitary_mri")
_IMAGING_AFTER = "pregnancy_test"
# On SCREEN_FIRST and CAUSES_FIRST the MRI comes before the tests that depend on what it shows.
_AFTER_MRI = ("pituitary_function_tests", "visual_field_test")


def _work_up_rank(path: str, labels: Labels) -> dict[str, float]:
    """Sort key of every code on `path`: the labels.toml position, moved as the module doc says
    (computed once per path and Labels)."""
    key = (path, id(labels))
    cached = _RANK_CACHE.get(key)
    if cached is None or cached[0] is not labels:
        cached = (labels, _rank(path, labels))
        _RANK_CACHE[key] = cached
    return cached[1]


_RANK_CACHE: dict[tuple[str, int], tuple[Labels, dict[str, float]]] = {}


def _rank(path: str, labels: Labels) -> dict[str, float]:
    rank = {code: float(info.order) for code, info in labels.suggestions.items()}
    step = 1 / (len(_PITUITARY) + 2)
    if path == IMAGING_FIRST:
        start = rank[_IMAGING_AFTER]
        for n, code in enumerate(_PITUITARY, start=1):
            rank[code] = start + n * step
    elif path in (SCREEN_FIRST, CAUSES_FIRST):
        mri = rank["pituitary_mri"]
        first = min(rank[c] for c in _AFTER_MRI)
        rank["pituitary_mri"] = first - step
        for n, code in enumerate(_AFTER_MRI, start=1):
            rank[code] = mri + n * step
        if path == CAUSES_FIRST:
            rank["macroprolactin_screen"] = rank["pituitary_mri"] - step / 2
    return rank


def suggest(s: Situation) -> list[Suggestion]:
    """Every suggestion and caution for the row, in the guideline's work-up order (module doc)."""
    found = []
    for code, name, rule in _ordered(s.labels, any_status=not s.ctx.high_like):
        reason = rule(s)
        if reason is not None:
            found.append(Suggestion(code, reason, name))
    if s.path and len(found) > 1:
        rank = _work_up_rank(s.path, s.labels)
        found.sort(key=lambda item: rank[item.code])
    if s.ctx.high_like and _known_acromegaly(s.ctx) is not None:
        # known acromegaly: the level is the GH-secreting adenoma's (co-secretion or stalk
        # compression), so its endocrine follow-up leads and a dilution re-assay may follow
        return _ahead_of_steps(found, "endocrine_referral", s.labels)
    return _dilution_first(found, s.labels)


# Steps that stay ahead of the dilution re-assay: the urgent referral (the disposition).
_AHEAD_OF_DILUTION = frozenset({"urgent_endocrine_referral"})


def _dilution_first(found: list[Suggestion], labels: Labels) -> list[Suggestion]:
    """The dilution re-assay is the first next step whenever it is suggested (hook-effect risk,
    a result above the measuring range): every other step reads the true level (ES 2011 1.3;
    Auriemma 2023 Fig. 2).  Only the urgent referral and the cautions stay ahead of it."""
    return _ahead_of_steps(found, "dilution_retest", labels)


def _ahead_of_steps(found: list[Suggestion], code: str, labels: Labels) -> list[Suggestion]:
    """`code` moved to be the first next step, where it is suggested: only the urgent referral
    and the cautions stay ahead of it."""
    codes = [item.code for item in found]
    if code not in codes:
        return found
    moved = found[codes.index(code)]
    rest = [item for item in found if item.code != code]
    at = 0
    while at < len(rest) and (
        rest[at].code in _AHEAD_OF_DILUTION or labels.suggestion(rest[at].code).kind == "caution"
    ):
        at += 1
    return [*rest[:at], moved, *rest[at:]]


# ---------------------------------------------------------------------------------------------
# Patient state (engine/state.py)
# ---------------------------------------------------------------------------------------------
@suggestion_rule("conflicting_context", "patient_state_conflicts", any_status=True)
def conflicting_context(s: Situation) -> str | None:
    """The row's patient details contradict each other (pregnant and male, post-menopausal and
    pregnant, breastfeeding and bottle feeding, ...): the stricter reading was used; say so."""
    return _conflicts_note(s.ctx)


def _conflicts_note(ctx: RowContext) -> str | None:
    conflicts = list(ctx.patient.conflicts)
    other_sex = ctx.symptom_of_other_sex
    if other_sex is not None:  # "amenorrhoea" on a man's row (review 25): counted, and said
        whose = "a man's" if ctx.sex == "M" else "a woman's"
        conflicts.append(
            f"{other_sex.evidence()} cannot be {whose} symptom: the sex or the row may be wrong "
            "(read as a symptom)"
        )
    if not conflicts:
        return None
    return f"{'; '.join(conflicts)}. Confirm these details before acting on the result"


# ---------------------------------------------------------------------------------------------
# Calm rows: a shortcut, not a rule
# ---------------------------------------------------------------------------------------------
# The rules that apply to any status (ANY_STATUS_RULES) that `calm` was proven against, and of
# them the two that can fire for a calm row, each with its Situation-free reason.  With another
# set of rules `calm` answers False and every row takes the full path (tests/test_engine_speed.py
# compares both paths).
CALM_PROVEN_FOR: frozenset[str] = frozenset(
    {
        "urgent_endocrine_referral",
        "hook_effect_risk",
        "dopamine_agonist_masking",
        "endocrine_referral",
        "dilution_retest",
        "pituitary_function_tests",
        "visual_field_test",
        "pituitary_mri",
        "conflicting_context",
    }
)
_CALM_REASONS: dict[str, Callable[[RowContext], str | None]] = {
    "dopamine_agonist_masking": _masking_not_high,
    "conflicting_context": _conflicts_note,
}


def calm(ctx: RowContext) -> bool:
    """A result that cannot be high, without a counting red flag, a sellar sign, a known lesion, a
    `>` qualifier, a level above the usual limit or a low level with likely pituitary damage
    (ctx.pituitary_damage: pituitary function tests, routine): its priority is none
    (priority.decide: no hook-effect risk without a lesion) and of the rules only the
    dopamine-agonist caution and the conflicting-context note can fire (the others need an urgent or
    soon priority, a hook-effect risk, a sellar sign, a `>` result or a pituitary reason, which
    needs a red flag, a sellar sign or a raised_for_usual result)."""
    return (
        not ctx.high_like
        and ctx.mass_effect_flag is None
        and ctx.sellar_sign_alone is None
        and not ctx.lesion.present
        and ctx.qualifier != ">"
        and not ctx.above_usual
        and ctx.pituitary_damage is None
        and not lab_hook_pending(ctx)
        and calm_shortcut_holds()
    )


def calm_shortcut_holds() -> bool:
    """`calm` was proven against the registered rules that apply to any status (else no row is
    calm and every row takes the full path)."""
    return ANY_STATUS_RULES == CALM_PROVEN_FOR


def suggest_calm(ctx: RowContext, labels: Labels) -> list[Suggestion]:
    """`suggest` for a calm row (see `calm`): the same list, without a Situation.  No work-up
    path applies (no pituitary reason), so the display order stands and there is no dilution."""
    if not ctx.drugs and not ctx.patient.conflicts and ctx.symptom_of_other_sex is None:
        return []
    found = []
    for code, name, _ in _ordered(labels, any_status=True):
        reason_of = _CALM_REASONS.get(code)
        reason = reason_of(ctx) if reason_of is not None else None
        if reason is not None:
            found.append(Suggestion(code, reason, name))
    return found
