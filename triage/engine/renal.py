"""eGFR estimated from serum creatinine when a row gives a creatinine but no eGFR.

Race-free CKD-EPI 2021 creatinine equation (Inker LA et al., N Engl J Med 2021;385:1737):

    eGFR = A x min(Scr/k, 1)^a x max(Scr/k, 1)^b x c^age [x f if female]

with Scr in mg/dL and every constant (A, k, a, b, c, f, the mg/dL <-> umol/L factor) read from
triage/data/thresholds.toml (``ckd_epi_2021_*``, ``creatinine_umol_per_mg_dl``).

The canonical ``creatinine`` column holds a bare number: the readers keep no creatinine unit
(triage/schema.py).  The unit is therefore decided by the value's size: at most
``creatinine_mg_dl_max`` (20) it is mg/dL, above it umol/L.  Adult serum creatinine in umol/L
is far above 20 (20 umol/L = 0.23 mg/dL), and 20 mg/dL (1,768 umol/L) is beyond almost any
measured value, so the two ranges do not meet in practice.

No estimate without sex or age, or under ``adult_age_years`` (CKD-EPI is validated from 18
years): the rules then say the creatinine was given but no eGFR could be estimated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from triage.engine.context import RowContext, fmt

UMOL_L = "µmol/L"
MG_DL = "mg/dL"
EQUATION = "CKD-EPI 2021"


@dataclass(frozen=True)
class CreatinineEstimate:
    """A row's creatinine and the eGFR estimated from it (None: not estimable, see `reason`)."""

    creatinine: float  # as given
    unit: str  # UMOL_L or MG_DL, from the value's size
    egfr: float | None
    reason: str = ""  # why no eGFR could be estimated

    @property
    def shown(self) -> str:
        """'creatinine 600 µmol/L'."""
        return f"creatinine {fmt(self.creatinine)} {self.unit}"

    @property
    def evidence(self) -> str:
        """'creatinine 600 µmol/L → eGFR ≈ 9 mL/min/1.73m² (CKD-EPI 2021)', or why not."""
        if self.egfr is None:
            return f"{self.shown} given; eGFR not estimable ({self.reason})"
        return f"{self.shown} → eGFR ≈ {fmt(self.egfr)} mL/min/1.73m² ({EQUATION})"


def creatinine_mg_dl(ctx: RowContext, value: float) -> tuple[float, str]:
    """The creatinine in mg/dL and the unit it was read in (by size, see the module doc)."""
    if value <= ctx.t("creatinine_mg_dl_max"):
        return value, MG_DL
    return value / ctx.t("creatinine_umol_per_mg_dl"), UMOL_L


def ckd_epi_2021(ctx: RowContext, scr_mg_dl: float, age: float, female: bool) -> float:
    """eGFR in mL/min/1.73m² from creatinine (mg/dL), age (years) and sex."""
    if female:
        kappa, alpha = ctx.t("ckd_epi_2021_kappa_female_mg_dl"), ctx.t("ckd_epi_2021_alpha_female")
    else:
        kappa, alpha = ctx.t("ckd_epi_2021_kappa_male_mg_dl"), ctx.t("ckd_epi_2021_alpha_male")
    ratio = scr_mg_dl / kappa
    egfr: float = (
        ctx.t("ckd_epi_2021_scale")
        * math.pow(min(ratio, 1.0), alpha)
        * math.pow(max(ratio, 1.0), ctx.t("ckd_epi_2021_exponent_above_kappa"))
        * math.pow(ctx.t("ckd_epi_2021_age_factor"), age)
    )
    return egfr * ctx.t("ckd_epi_2021_female_factor") if female else egfr


def estimate_from_creatinine(ctx: RowContext) -> CreatinineEstimate | None:
    """The eGFR estimated from the row's creatinine; None when the row gives an eGFR (measured
    or written in a note) or no creatinine."""
    value = ctx.num("creatinine")
    if value is None or ctx.num("egfr") is not None:
        return None
    scr, unit = creatinine_mg_dl(ctx, value)
    age = ctx.age
    reason = ""
    if value <= 0:
        reason = "not a usable value"
    elif ctx.sex is None and age is None:
        reason = "no sex or age given"
    elif ctx.sex is None:
        reason = "no sex given"
    elif age is None:
        reason = "no age given"
    elif age < ctx.t("adult_age_years"):
        reason = f"CKD-EPI applies from {fmt(ctx.t('adult_age_years'))} years"
    if reason:
        return CreatinineEstimate(value, unit, None, reason)
    assert age is not None
    egfr = ckd_epi_2021(ctx, scr, age, female=ctx.sex == "F")
    # Whole numbers, as laboratories report eGFR: the rule compares what the evidence shows.
    return CreatinineEstimate(value, unit, float(round(egfr)))
