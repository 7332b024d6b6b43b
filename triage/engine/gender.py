"""Gender-diverse patients (review 27): feminising care read from the drugs and the recorded
sex, and the interval of a transgender patient.

- Oestrogen in a patient whose sex is recorded male beside spironolactone (drugs.toml class
  feminising_antiandrogen, never a prostate-cancer drug), or recorded as neither sex ("X", "divers")
  beside an anti-androgen or a GnRH analogue (class feminising_adjunct or feminising_antiandrogen),
  or in one whose notes write a gender incongruence with no direction ("F64.0"), is feminising care:
  the patient is read as a trans woman is ("trans woman" in the notes: states.toml
  transgender_woman), her oestradiol gender-affirming (clinical-reference §3.1: high-dose oestrogen
  raises prolactin more), never pregnant (§1.4). Oestrogen with a recorded female sex says nothing
  (HRT; cyproterone in Climen or Diane; add-back therapy beside a GnRH analogue), nor does an empty
  sex cell. Nor does oestrogen in a man recorded male alone or beside a GnRH analogue, bicalutamide
  or cyproterone (review 27 mend): prostate-cancer treatment (the PATCH trial's transdermal
  oestradiol, Progynova after an orchidectomy), the man's interval judges him; and prostate cancer
  named in the row (states.toml prostate_cancer) stops every reading from the drugs and the recorded
  sex (words that say a trans woman or a gender incongruence still count).
- The reference gives no interval for transgender patients (clinical-reference §2.1): a trans
  woman or man is judged against both sexes' intervals whatever sex the file records (high only
  above every limit, normal only within every one, otherwise indeterminate: output-contract §5,
  never a false normal), and the row's reference_note says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Final

import numpy as np
import pandas as pd

from triage.engine.classify import joined_note
from triage.engine.intervals import Intervals
from triage.engine.state import (
    GENDER_INCONGRUENT,
    PROSTATE_CANCER,
    TRANS_FEMALE,
    TRANS_MALE,
    PatientState,
)
from triage.engine.state_words import Fact
from triage.knowledge.model import DrugMatch

_OESTROGEN: Final = "estrogen"  # drugs.toml class
_ADJUNCT: Final = "feminising_adjunct"  # drugs.toml class: anti-androgens, GnRH analogues
# drugs.toml class: the anti-androgen that treats no prostate cancer (spironolactone)
_ANTIANDROGEN: Final = "feminising_antiandrogen"
_OTHER_SEX: Final = "other"  # the canonical gender column: a sex recorded as neither
_TRANSGENDER: Final = frozenset({TRANS_FEMALE, TRANS_MALE})
_WHO: Final = {TRANS_FEMALE: "woman", TRANS_MALE: "man"}


def feminising_care(
    patients: Sequence[PatientState],
    drugs: Sequence[tuple[DrugMatch, ...]],
    sexes: pd.Series,
    genders: pd.Series,
) -> list[PatientState]:
    """Per row, the patient's state, read as a trans woman's where the row's oestrogen is
    feminising care (module doc); the evidence names the sex cell and the drugs that tell it.
    Computed once per distinct (state, drugs, sex, gender)."""
    sex = sexes.astype(object).where(sexes.notna(), "").tolist()
    gender = genders.astype(object).where(genders.notna(), "").tolist()
    out = list(patients)
    done: dict[tuple[int, int, str, str], PatientState] = {}
    for i, (state, found) in enumerate(zip(patients, drugs, strict=True)):
        if not found or state.gender in _TRANSGENDER:
            continue
        key = (id(state), id(found), sex[i], gender[i])
        if key not in done:
            done[key] = _read(state, found, sex[i], gender[i])
        out[i] = done[key]
    return out


def _read(state: PatientState, found: tuple[DrugMatch, ...], sex: str, gender: str) -> PatientState:
    oestrogen = [m for m in found if m.drug.drug_class == _OESTROGEN]
    if not oestrogen:
        return state
    if state.gender == GENDER_INCONGRUENT:
        # a gender incongruence treated with oestrogen: feminising care (its facts say it)
        return state.assigned_male()
    if state.gender or state.facts(PROSTATE_CANCER):
        return state
    adjuncts = [m for m in found if m.drug.drug_class in (_ADJUNCT, _ANTIANDROGEN)]
    if sex == "M" and any(m.drug.drug_class == _ANTIANDROGEN for m in adjuncts):
        told = [Fact("gender", TRANS_FEMALE, "sex", sex)]
    elif gender == _OTHER_SEX and adjuncts:
        told = [Fact("gender", TRANS_FEMALE, "sex", "neither female nor male")]
    else:
        return state
    told += [Fact("gender", TRANS_FEMALE, m.field, m.matched_text) for m in oestrogen + adjuncts]
    evidence = (*state.evidence, *(("gender", f) for f in told))
    return replace(state, gender=TRANS_FEMALE, evidence=evidence, _said={})


def transgender_rows(patients: Sequence[PatientState]) -> np.ndarray:
    """Per row, whether the patient is a trans woman or man (notes, sex columns or drugs)."""
    return np.fromiter((p.gender in _TRANSGENDER for p in patients), bool, len(patients))


def interval_sexes(frame: pd.DataFrame, transgender: np.ndarray) -> pd.DataFrame:
    """`frame` with the sex of a transgender patient's row unknown for the interval choice
    (both sexes' intervals: clinical-reference §2.1 gives none of their own)."""
    if not transgender.any():
        return frame
    return frame.assign(sex=frame["sex"].mask(pd.Series(transgender, index=frame.index)))


def transgender_notes(
    notes: list[str], patients: Sequence[PatientState], chosen: Intervals
) -> list[str]:
    """The interval notes, saying of a transgender patient's row that it is one, from what, and
    which interval(s) judged it."""
    out = list(notes)
    for i, p in enumerate(patients):
        if p.gender not in _TRANSGENDER:
            continue
        members = chosen.members[i]
        used = "; ".join(dict.fromkeys(iv.label for iv in members)) or "none"
        how = (
            "so both sexes' intervals judge the result, whatever sex the file records"
            if len(members) > 1
            else "interval used"
        )
        out[i] = joined_note(
            out[i],
            f"Transgender {_WHO[p.gender]} ({p.said('gender')}): no reference interval is "
            f"validated for transgender patients, {how} ({used})",
        )
    return out
