"""Hand-made Knowledge objects for the engine's unit and rule tests.

Built from the dataclasses, independent of the shipped data files, so that a rule test checks the
rule's logic against numbers it states itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from triage.knowledge.model import (
    Band,
    Drug,
    Knowledge,
    ReferenceSet,
    Stratum,
    Threshold,
    Thresholds,
)

THRESHOLDS: dict[str, float] = {
    "pregnancy_min_age_years": 8,
    "adult_uln_reference_ng_ml": 25,  # review 24: causes' adult reach shifted for an infant
    # CKD-EPI 2021 creatinine equation (Inker 2021) and creatinine units
    "ckd_epi_2021_scale": 142,
    "ckd_epi_2021_kappa_female_mg_dl": 0.7,
    "ckd_epi_2021_kappa_male_mg_dl": 0.9,
    "ckd_epi_2021_alpha_female": -0.241,
    "ckd_epi_2021_alpha_male": -0.302,
    "ckd_epi_2021_exponent_above_kappa": -1.2,
    "ckd_epi_2021_age_factor": 0.9938,
    "ckd_epi_2021_female_factor": 1.012,
    "creatinine_umol_per_mg_dl": 88.4,
    "creatinine_mg_dl_max": 20,
    "drug_rarely_exceeds_ng_ml": 118,
    "row_uln_min_ng_ml": 5,
    "row_uln_max_ng_ml": 60,
    "row_uln_max_infant_ng_ml": 120,
    "testosterone_min_age_years": 12,
    "pregnancy_t1_median_ng_ml": 16,
    "interpretation_hh_ng_ml": 250,
    "urgent_miu_l": 5000,
    "prolactinoma_likely_ng_ml": 250,
    "macroprolactinoma_ng_ml": 500,
    "giant_prolactinoma_ng_ml": 1000,
    "giant_lesion_mm": 40,
    "macroadenoma_mm": 10,
    "stalk_effect_max_ng_ml": 94,
    "stalk_effect_observed_max_ng_ml": 154,
    "hook_lesion_mm": 30,
    "hook_max_ng_ml": 200,
    "hook_dilution_factor": 100,
    "drug_typical_max_ng_ml": 100,
    "drug_withdrawal_retest_days": 3,
    "systemic_typical_max_ng_ml": 100,
    "renal_typical_max_ng_ml": 152,
    "dialysis_typical_max_ng_ml": 195,
    "cirrhosis_typical_max_ng_ml": 100,
    "cirrhosis_encephalopathy_max_ng_ml": 211,
    "hypothyroid_typical_max_ng_ml": 100,
    "repeat_rested_max_times_uln": 2.5,
    "venipuncture_stress_max_times_uln": 2,
    "venipuncture_stress_unlikely_times_uln": 5,
    "acute_illness_max_ng_ml": 70.2,
    "seizure_window_minutes": 60,
    "seizure_typical_max_ng_ml": 221,
    "macroprolactin_screen_max_ng_ml": 250,
    "peg_recovery_macro_pct": 40,
    "peg_recovery_true_pct": 60,
    "peg_recovery_max_plausible_pct": 120,
    "peg_recovery_min_plausible_pct": 5,
    "post_peg_lower_min_ng_ml": 2.7,
    "post_peg_uln_female_ng_ml": 18.5,
    "post_peg_uln_male_ng_ml": 13.1,
    "tsh_upper_miu_l": 4.2,
    "tsh_strong_miu_l": 7.5,
    "free_t4_high_pmol_l": 22,
    "free_t4_low_pmol_l": 12,
    "central_hypothyroid_free_t4_below_pmol_l": 9,
    "physiological_excess_max_times_uln": 1.1,
    "lactation_late_weeks": 26,
    "egfr_renal_likely": 30,
    "egfr_renal_possible": 60,
    "childbearing_age_min_years": 12,
    "childbearing_age_max_years": 55,
    "menopause_min_age_years": 45,
    "menopause_amenorrhoea_months": 12,
    "adult_age_years": 18,
    "adult_levels_min_age_years": 12,
    "neonatal_max_age_years": 0.25,
    "infant_max_age_years": 1,
    "trimester2_start_weeks": 14,
    "trimester3_start_weeks": 28,
    "postpartum_nonlactating_normal_weeks": 1,
    "postpartum_first_week_weeks": 1,
    "lactation_basal_stable_weeks": 13,
    "postpartum_feeding_unknown_max_weeks": 104,
    "postpartum_pregnancy_possible_weeks": 5,
    "pregnancy_implausible_age_years": 60,
    "ckd_stage_likely_min": 4,
    "ckd_stage_possible_min": 3,
    "open_result_urgent_fraction": 0.8,
}
BANDS = (("mild", 0), ("moderate", 50), ("marked", 100), ("very_high", 250), ("extreme", 500))


def thresholds(**overrides: float) -> Thresholds:
    values = {**THRESHOLDS, **overrides}
    return Thresholds(
        bands=tuple(Band(name, float(lower), "test") for name, lower in BANDS),
        values={k: Threshold(k, float(v), "", "test") for k, v in values.items()},
    )


def stratum(id: str, sex: str, state: str, low: float | None, high: float, **extra: Any) -> Stratum:
    return Stratum(
        id=id, sex=sex, state=state, low_ng_ml=low, high_ng_ml=high, source="test", **extra
    )  # type: ignore[arg-type]


def reference_set(
    name: str,
    strata: Sequence[Stratum],
    *,
    assay: str = "",
    aliases: Sequence[str] = (),
    miu_per_ng: float = 21.2,
) -> ReferenceSet:
    return ReferenceSet(
        name=name,
        title=f"{name} (test)",
        assay=assay,
        miu_per_ng=miu_per_ng,
        miu_per_ng_source="test",
        strata=tuple(strata),
        source="test",
        aliases=tuple(aliases),
    )


ADULTS = (
    stratum("adult_female", "F", "adult", 3.0, 30.0, age_min_years=18),
    stratum("adult_male", "M", "adult", 2.0, 18.0, age_min_years=18),
    stratum("postmenopausal", "F", "postmenopausal", 2.0, 20.0, age_min_years=18),
)
PHYSIOLOGICAL = (
    stratum("pregnant", "F", "pregnant", 10.0, 209.0),
    stratum("lactating", "F", "lactating", None, 200.0),
    stratum("neonate", "any", "child", 12.6, 212.8, age_max_years=0.08, neonatal=True),
    stratum(
        "infant", "any", "child", 6.3, 113.7, age_min_years=0.08, age_max_years=0.25, neonatal=True
    ),
)
CHILDREN = (
    stratum("infant_late", "any", "child", 6.3, 113.7, age_min_years=0.25, age_max_years=1),
    stratum("child_f", "F", "child", 1.2, 15.5, age_min_years=1, age_max_years=18),
    stratum("child_m", "M", "child", 0.7, 15.8, age_min_years=1, age_max_years=18),
)
DEFAULT = reference_set("default", ADULTS + PHYSIOLOGICAL + CHILDREN)
ROCHE = reference_set(
    "roche",
    (
        stratum("adult_female", "F", "adult", 4.8, 23.3, age_min_years=18),
        stratum("adult_male", "M", "adult", 4.0, 15.2, age_min_years=18),
    ),
    assay="Roche Elecsys Prolactin II",
    aliases=("Elecsys", "cobas"),
)
ROCHE_REDERIVED = reference_set(
    "roche_rederived",
    (
        stratum("adult_female", "F", "adult", 4.8, 37.8, age_min_years=18),
        stratum("adult_male", "M", "adult", 4.0, 22.8, age_min_years=18),
    ),
    assay="Roche Elecsys Prolactin II, re-derived",
)
TRIMESTERS = reference_set(
    "trimesters",
    (
        *ADULTS,
        stratum("t1", "F", "pregnant_t1", 5.0, 100.0),
        stratum("t2", "F", "pregnant_t2", 20.0, 250.0),
        stratum("t3", "F", "pregnant_t3", 40.0, 400.0),
    ),
    assay="Trimester Assay",
)
UNISEX = reference_set(
    "unisex",
    (stratum("adult", "any", "adult", 3.0, 25.0, age_min_years=18),),
    assay="Unisex Assay",
)
NOTHING = reference_set("nothing", (), assay="Nothing Assay")


def drug(name: str, drug_class: str, effect: str = "raises", **extra: Any) -> Drug:
    fields: dict[str, Any] = {
        "atc": (),
        "brands": (),
        "synonyms": (),
        "frequency": "high",
        "typical_max_ng_ml": None,
        "masks": False,
        "source": "test",
    }
    fields.update(extra)
    return Drug(name=name, drug_class=drug_class, effect=effect, **fields)  # type: ignore[arg-type]


DRUGS = (
    drug(
        "risperidone",
        "antipsychotic",
        brands=("Risperdal", "Risperdal Consta"),
        typical_max_ng_ml=200.0,
    ),
    drug("olanzapine", "antipsychotic", frequency="low", typical_max_ng_ml=50.0),
    drug("haloperidol", "antipsychotic"),
    drug("metoclopramide", "antiemetic_prokinetic", brands=("Maxolon",), typical_max_ng_ml=200.0),
    drug("sertraline", "antidepressant", frequency="low"),
    drug("venlafaxine", "neutral", frequency="none"),
    drug("cimetidine", "h2_antagonist", frequency="low"),
    drug("verapamil", "verapamil", frequency="low", brands=("Isoptin",)),
    drug("methyldopa", "antihypertensive", frequency="moderate"),
    drug("methadone", "opioid", frequency="low"),
    drug("ethinylestradiol", "estrogen", frequency="low", brands=("Microgynon",)),
    drug("buspirone", "other", frequency="case_reports"),
    drug("cabergoline", "dopamine_agonist", "lowers", masks=True, brands=("Dostinex",)),
    drug("bromocriptine", "dopamine_agonist", "lowers", masks=True),
    drug("quinagolide", "dopamine_agonist", "lowers", masks=True),
    drug("levodopa", "dopamine_agonist", "lowers", masks=True, brands=("Sinemet",)),
    drug("aripiprazole", "partial_agonist", "lowers", masks=True, brands=("Abilify",)),
)


def knowledge(
    chosen: ReferenceSet = DEFAULT,
    *,
    default: ReferenceSet = DEFAULT,
    assay_sets: Sequence[ReferenceSet] = (ROCHE, ROCHE_REDERIVED, TRIMESTERS, UNISEX, NOTHING),
    drugs: Sequence[Drug] = DRUGS,
    **threshold_overrides: float,
) -> Knowledge:
    return Knowledge(
        reference_set=chosen,
        default_set=default,
        assay_sets={s.name: s for s in assay_sets},
        thresholds=thresholds(**threshold_overrides),
        drugs=tuple(drugs),
    )


def without(rs: ReferenceSet, *states: str) -> ReferenceSet:
    """`rs` without the strata of the given states."""
    return replace(rs, strata=tuple(s for s in rs.strata if s.state not in states))
