"""The patient's state, read from words: pregnancy, postpartum and feeding, menopause, renal
replacement and liver disease — one structured state per row, never a bare yes/no.

Every state column (pregnant, lactating, menopausal, dialysis, kidney_transplant, liver_disease)
and the free text (comments, symptoms) is read for what it says (vocabulary: triage/data/
states.toml): a bare answer ("Y", "ja", "nee", "n/a") means its column's state, descriptive words
mean what they say whatever the column ("post-menopausal" in a pregnancy column is a menopause,
not a pregnancy).  Negation gives "no", doubt gives "unknown" (never yes or no).  The facts of all
cells are then combined per row with the numbers (gestation, postpartum weeks, hCG), the sex and
the age: contradictions (male and pregnant, post-menopausal and pregnant, breastfeeding and
bottle feeding, ...) are recorded in `conflicts`, never silently resolved.

Cells are read by state_words.py (cached per distinct (column, text)) and combined once per
distinct row key, so a frame of 100,000 rows with a few hundred distinct strings costs a few
hundred regex runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from types import MappingProxyType
from typing import Any, Final

import numpy as np
import pandas as pd

from triage.engine import memo
from triage.engine.distinct import rows_with_a_text
from triage.engine.state_words import (
    FLAG_OF,
    OPT_IN_COLUMNS,
    WEAK_UNKNOWN,
    Fact,
    StateVocabulary,
    load_state_vocabulary,
    writes_a_state_date,
)
from triage.engine.text import NO_HITS, CueHit, Hits
from triage.knowledge.loaders import load_thresholds
from triage.knowledge.model import Thresholds
from triage.numbers import DAYS_PER_WEEK, WEEKS_PER_YEAR, fmt
from triage.values import hcg_number_positive, text_dayfirst

__all__ = [
    "Fact",
    "PatientState",
    "RowFacts",
    "StateVocabulary",
    "combine",
    "derived_columns",
    "load_state_vocabulary",
    "read_states",
    "state_hits",
]

# Columns read, in the order their facts are listed (state columns first, then free text).
STATE_TEXT_COLUMNS: tuple[str, ...] = (
    "pregnant_text",
    "lactating_text",
    "menopausal_text",
    "dialysis_text",
    "kidney_transplant_text",
    "kidney_disease",
    "egfr_text",
    "creatinine_text",
    "liver_disease",
    "comments",
    "symptoms",
    "hcg",
)

# ---------------------------------------------------------------------------------------------
# One state per row
# ---------------------------------------------------------------------------------------------
DIALYSIS_KINDS = frozenset({"haemodialysis", "peritoneal", "dialysis"})


@dataclass(frozen=True)
class PatientState:
    """What the row says about the patient's state (see the module doc)."""

    pregnancy: str = ""  # as read: yes | no | unknown | na | ""
    pregnant: bool = False  # pregnancy applies: its interval and factor
    pregnancy_conflict: bool = False  # pregnancy indicated but contradicted: pair the intervals
    pregnancy_ended: bool = False  # a miscarriage or termination is recorded
    gestation_weeks: float | None = None
    trimester: int = 0  # 0 unknown
    lmp: str = ""  # ISO date of the last menstrual period, when written
    lmp_ago_weeks: float | None = None
    postpartum: bool = False
    postpartum_weeks: float | None = None
    # a delivery written without its time ("Sectio", "C-section"): not the postpartum state
    delivery_undated: bool = False
    feeding: str = ""  # breast | bottle | mixed | ""
    lactation: str = ""  # as read: yes | no | unknown | ""
    lactating: bool = False  # breastfeeding applies: its interval and factor
    menopause: str = ""  # pre | peri | post | surgical | unknown (not known, or conflicting) | ""
    hysterectomy: bool = False
    # a transgender patient as written in the notes (states.toml transgender_woman,
    # transgender_man): "trans_female" (assigned male at birth: never pregnant) or "trans_male"
    # (assigned female at birth: may be pregnant, whatever sex the file records); "incongruent"
    # (gender incongruence written with no direction: F64.0, Geschlechtsdysphorie); "" when none
    gender: str = ""
    renal: str = ""  # haemodialysis | peritoneal | dialysis | transplant | none | ""
    transplant_year: int | None = None
    transplant_days: float | None = None  # days from the kidney transplant to the sample
    ckd_stage: int | None = None  # chronic kidney disease written: its stage (0 = not given)
    # acute kidney injury, or renal replacement started for it, written (states.toml
    # acute_kidney_injury): no steady state, so no CKD eGFR from its creatinine
    kidney_acute: bool = False
    # cirrhosis | suspected (cirrhosis doubted) | chronic (a chronic liver disease, cirrhosis not
    # written) | other | none | ""
    liver: str = ""
    child_pugh: str = ""
    liver_severity: str = ""  # encephalopathy | advanced (decompensated, Child-Pugh C) | ""
    labs: tuple[Fact, ...] = ()  # lab numbers written in notes ("eGFR 14"), field "lab:<name>"
    evidence: tuple[tuple[str, Fact], ...] = ()  # (topic, the fact that says it)
    conflicts: tuple[str, ...] = ()
    # a finding explained, not contradicted ("hCG positive in a man on hCG therapy"): said in
    # the interval note
    notes: tuple[str, ...] = ()
    _said: dict[str, str] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def on_dialysis(self) -> bool:
        return self.renal in DIALYSIS_KINDS

    @property
    def child_bearing_excluded(self) -> bool:
        """Not able to be pregnant: hysterectomy, post or surgical menopause, or not applicable."""
        return (
            self.hysterectomy
            or self.menopause in ("post", "surgical")
            or self.pregnancy == "na"
            or self.gender == TRANS_FEMALE
        )

    def assigned_male(self) -> PatientState:
        """This state with its gender incongruence read as a trans woman's (assigned male at
        birth: never pregnant), as engine/context.py reads one treated with oestrogen."""
        return replace(self, gender=TRANS_FEMALE, _said={})

    def lab(self, name: str) -> Fact | None:
        """The first number of lab `name` ("egfr", "tsh") written in a note, if any: used only
        where the row's own column for it is empty (the rule that reads it decides)."""
        if not self.labs:  # the common row: no lab written in its notes
            return None
        return next((f for f in self.labs if f.field == f"lab:{name}"), None)

    def facts(self, topic: str) -> list[Fact]:
        return [fact for name, fact in self.evidence if name == topic]

    def said(self, topic: str) -> str:
        """The evidence for `topic` ("pregnancy", "lactation", "dialysis", ...): every cell that
        says it, `column: 'as written'`, joined by '; ' ('' when nothing does)."""
        found = self._said.get(topic)
        if found is None:  # states are shared by many rows: each line is built once
            found = self._said[topic] = _lines(self.facts(topic))
        return found


TRANS_FEMALE: Final = "trans_female"
TRANS_MALE: Final = "trans_male"
# gender incongruence written with no direction (states.toml gender_incongruence)
GENDER_INCONGRUENT: Final = "incongruent"
# testes removed (states.toml testes_removed): assigned male at birth unless recorded male
TESTES_REMOVED: Final = "testes_removed"
# prostate cancer or its hormonal treatment named (states.toml prostate_cancer): the row's
# oestrogen and testes removed are a man's cancer treatment, never read as a birth sex
# (engine/gender.py); kept as evidence, never a gender
PROSTATE_CANCER: Final = "prostate_cancer"


@dataclass(frozen=True)
class RowFacts:
    """The per-row inputs of `combine` besides the cells' facts."""

    sex: str | None = None
    past_childbearing: bool = False  # older than pregnancy_implausible_age_years
    # of menopause_min_age_years or more: a last period a year or more ago is the menopause
    menopause_age: bool = False
    # the years of her age past menopause_min_age_years (set only when the row writes a last
    # period long ago): periods that stopped more years ago than that stopped before the
    # menopause age, an amenorrhoea, never the menopause (review 29, reviewer B finding 4;
    # None: not known, the stop's age is not checked)
    years_past_menopause_age: float | None = None
    before_childbearing: bool = False  # a child younger than pregnancy_min_age_years
    gestational_weeks: float | None = None
    postpartum_weeks: float | None = None
    hcg_positive: bool | None = None
    hcg_text: str = ""


@dataclass
class _Collected:
    by_field: dict[str, list[Fact]] = field(default_factory=dict)

    def add(self, fact: Fact) -> None:
        self.by_field.setdefault(fact.field, []).append(fact)

    def values(self, name: str) -> list[Fact]:
        return self.by_field.get(name, [])

    def having(self, name: str, *values: str) -> list[Fact]:
        return [f for f in self.values(name) if f.value in values]

    def number(self, name: str) -> float | None:
        found = [f.number for f in self.values(name) if f.number is not None]
        return found[0] if found else None


def combine(cells: Sequence[Fact], row: RowFacts) -> PatientState:
    """One state from the facts of a row's cells and its numbers, sex and age."""
    got = _Collected()
    male_hcg = row.hcg_positive is True and row.sex == "M"  # never a pregnancy
    male_said = row.hcg_text or "positive"
    for fact in cells:
        if row.sex == "M" and fact.column == "hcg" and fact.value == "yes":
            male_hcg = True  # the hCG column's own words ("positive", "850 IU/L")
            continue
        if fact.infant and row.before_childbearing:
            # "lactante", "breastfed", "gestillt", "allaité", "lactante 2 meses" on a child's own
            # row: how the child is fed, or its age (states.toml `infant`), never a mother's
            # state and no contradiction
            continue
        got.add(fact)
    noted = _noted_hcg(got)
    if noted is not None and noted.value == "yes" and row.sex == "M":
        male_hcg, male_said = True, noted.evidence()  # as the hcg column's, never a pregnancy
    elif noted is not None:
        got.add(noted)
        if noted.value in ("yes", "no"):  # a positive proves it, a negative answers a query
            field, value = ("explicit", "yes") if noted.value == "yes" else ("tested", "negative")
            got.add(Fact(field, value, noted.column, noted.quote))
    if row.gestational_weeks is not None and row.gestational_weeks > 0:
        weeks = row.gestational_weeks
        got.add(Fact("gestation", "", "gestational_weeks", f"{weeks:g}", weeks))
        got.add(Fact("pregnancy", "yes", "gestational_weeks", f"{weeks:g}"))
        got.add(Fact("explicit", "yes", "gestational_weeks", f"{weeks:g}"))
    if row.hcg_positive is True and not male_hcg:
        got.add(Fact("pregnancy", "yes", "hcg", row.hcg_text or "positive"))
        got.add(Fact("explicit", "yes", "hcg", row.hcg_text or "positive"))
    elif row.hcg_positive is False:
        got.add(Fact("pregnancy", "no", "hcg", row.hcg_text or "negative"))
        got.add(Fact("tested", "negative", "hcg", row.hcg_text or "negative"))
    if row.postpartum_weeks is not None:
        weeks = row.postpartum_weeks
        got.add(Fact("postpartum_time", "", "postpartum_weeks", fmt(weeks), weeks))
        got.add(Fact("postpartum", "yes", "postpartum_weeks", fmt(weeks)))
    evidence: list[tuple[str, Fact]] = []
    conflicts: list[str] = []
    notes: list[str] = []  # what explains a finding that would otherwise be a contradiction
    therapy = got.having("hcg_therapy", "yes")
    if male_hcg and therapy:
        # hCG given as treatment (Brevactid, Pregnyl, "hCG 5000 IE"): the raised hCG is the
        # drug's, no contradiction and no tumour to exclude (review 25)
        notes.append(
            f"hCG positive ({male_said}) in a man on hCG therapy ({_lines(therapy)}): "
            "explained by the treatment; no pregnancy interval or factor is applied"
        )
    elif male_hcg:
        conflicts.append(
            f"hCG positive ({male_said}) in a man: no pregnancy interval or "
            "factor is applied (an hCG-secreting tumour is worth excluding)"
        )
    state: dict[str, Any] = {}
    _gender(got, row, state, evidence, conflicts)
    _menopause(got, row, state, evidence, conflicts)
    _pregnancy(got, row, state, evidence, conflicts)
    _lactation(got, row, state, evidence, conflicts)
    _kidney(got, state, evidence, conflicts)
    _liver(got, state, evidence, conflicts)
    labs = tuple(
        f for name, found in got.by_field.items() if name.startswith("lab:") for f in found
    )
    return PatientState(
        **state,
        labs=labs,
        evidence=tuple(evidence),
        conflicts=tuple(conflicts),
        notes=tuple(notes),
    )


# An hCG number written in a note (states.toml hcg_in_notes), in IU/L.
NOTE_HCG = "lab:hcg_iu_l"


def _noted_hcg(got: _Collected) -> Fact | None:
    """The pregnancy fact of the hCG number a note writes ("hCG: 25000", "β-hCG < 1"; the first,
    or the one marked as now), judged as the hcg column's (values.hcg_number_positive): "yes"
    from positive_from_iu_l, "no" below negative_below_iu_l, "weak_unknown" between (pregnancy
    not known, unless something else says it)."""
    written = got.values(NOTE_HCG)
    fact = written[0] if written else None
    if fact is None or fact.number is None:
        return None
    verdict = hcg_number_positive(fact.number, fact.value)
    value = WEAK_UNKNOWN if verdict is None else "yes" if verdict else "no"
    return Fact("pregnancy", value, fact.column, fact.quote)


# Why a pregnancy, postpartum or breastfeeding record cannot be the patient's own.
_CHILD = "the patient is a child below the age of puberty (an infant's or child's row)"


def _lines(facts: Sequence[Fact]) -> str:
    return "; ".join(dict.fromkeys(f.evidence() for f in facts))


def _against(one: Sequence[Fact], other: Sequence[Fact]) -> str:
    """The two sides of a contradiction: "A but B", or "A says both" when one cell says both."""
    first, second = _lines(one), _lines(other)
    return f"{first} says both" if first == second else f"{first} but {second}"


def _gender(
    got: _Collected,
    row: RowFacts,
    state: dict[str, Any],
    evidence: list[tuple[str, Fact]],
    conflicts: list[str],
) -> None:
    """A transgender woman or man written in the notes ("trans woman", "Transfrau", "MtF",
    "trans man", "FtM"): clinical-reference §1.4 (a pregnancy test only in one who could be
    pregnant), §3.1 (gender-affirming oestrogen).  Both written: neither is assumed.  Testes
    removed in a person not recorded as male ("Z.n. Orchiektomie") is assigned male at birth,
    as "AMAB" is, unless prostate cancer is named (a man's treatment: kept as evidence); a
    gender incongruence with no direction ("F64.0", "Geschlechtsdysphorie")
    is kept as such (GENDER_INCONGRUENT: engine/context.py reads its direction from the
    drugs)."""
    for fact in got.having("sex_sources", "differ"):
        conflicts.append(
            f"{fact.quote}: sex unknown, judged against both sexes' intervals (confirm the sex "
            "the interval should use)"
        )
        evidence.append(("sex_sources", fact))
    prostate = got.having("gender", PROSTATE_CANCER)
    evidence.extend((PROSTATE_CANCER, f) for f in prostate)
    women = got.having("gender", TRANS_FEMALE)
    if row.sex != "M" and not prostate:
        women += got.having("gender", TESTES_REMOVED)
    men = got.having("gender", TRANS_MALE)
    if women and men:
        conflicts.append(f"gender conflicts: {_against(women, men)} (left open)")
        return
    if women or men:
        evidence.extend(("gender", f) for f in women or men)
        state["gender"] = TRANS_FEMALE if women else TRANS_MALE
        return
    open_ = got.having("gender", GENDER_INCONGRUENT)
    if open_:
        evidence.extend(("gender", f) for f in open_)
        state["gender"] = GENDER_INCONGRUENT


# A menopausal status written as not known ("?", "inconnu", "peri/post?") or contradicted: open,
# so that both women's intervals judge the result (engine/intervals.py; review 24).
MENOPAUSE_OPEN: Final = "unknown"
# A last period a year or more before the sample (states.toml `lapsed`): the menopause from
# thresholds.toml menopause_min_age_years, else an amenorrhoea (nothing about the menopause).
_LAPSED: Final = "lapsed"


def _menopause(
    got: _Collected,
    row: RowFacts,
    state: dict[str, Any],
    evidence: list[tuple[str, Fact]],
    conflicts: list[str],
) -> None:
    # periods stopped with another cause of their own named in the row (a hysterectomy, an
    # endometrial ablation, a hormonal coil, the pill, a depot injection, a GnRH analogue, a
    # pregnancy, breastfeeding: states.toml amenorrhoea_cause_*): no sign of the menopause
    explained = bool(
        got.values("amenorrhoea_cause")
        or got.values("hysterectomy")
        or got.having("pregnancy", "yes")
        or got.having("lactation", "yes")
    )
    if row.menopause_age and not explained:
        past = row.years_past_menopause_age
        for fact in got.having("menopause", _LAPSED):
            # 'sekundäre Amenorrhoe seit 2015' at 45: the periods stopped at about 34, an
            # amenorrhoea (the work-up keeps it), not the menopause
            if past is not None and fact.number is not None and fact.number > past * WEEKS_PER_YEAR:
                continue
            got.add(replace(fact, value="post"))
    said = got.values("menopause")
    values = {f.value for f in said}
    menopause = ""
    if "surgical" in values:
        menopause = "surgical"
    elif "post" in values and "pre" in values:
        post, pre = got.having("menopause", "post"), got.having("menopause", "pre")
        conflicts.append(f"menopausal status conflicts: {_against(post, pre)} (status left open)")
        menopause = MENOPAUSE_OPEN
    else:
        menopause = next((v for v in ("post", "peri", "pre", MENOPAUSE_OPEN) if v in values), "")
    if menopause:
        evidence.extend(("menopause", f) for f in got.having("menopause", menopause))
    hysterectomy = got.values("hysterectomy")
    if hysterectomy:
        evidence.extend(("hysterectomy", f) for f in hysterectomy)
    state["menopause"] = menopause
    state["hysterectomy"] = bool(hysterectomy)
    lmp = got.values("lmp_date")
    state["lmp"] = lmp[0].value if lmp else ""
    state["lmp_ago_weeks"] = got.number("lmp_ago")
    if lmp:
        evidence.extend(("lmp", f) for f in lmp)


def _pregnancy(
    got: _Collected,
    row: RowFacts,
    state: dict[str, Any],
    evidence: list[tuple[str, Fact]],
    conflicts: list[str],
) -> None:
    yes = got.having("pregnancy", "yes")
    no = got.having("pregnancy", "no", "na")
    unknown = got.having("pregnancy", "unknown")
    weak = got.having("pregnancy", WEAK_UNKNOWN)
    ended = got.having("pregnancy", "ended")
    state["pregnancy_ended"] = bool(ended)
    if ended:
        evidence.extend(("pregnancy_ended", f) for f in ended)
    explicit = bool(got.values("explicit"))
    trimester = got.number("trimester")
    weeks = got.number("gestation")
    if weeks is None and yes:
        # weeks written alone in a note ("32 weken", "32+2": states.toml gestation_bare) are the
        # gestation of a pregnancy stated elsewhere, never a pregnancy by themselves
        weeks = got.number("gestation_bare")
    state["gestation_weeks"] = weeks
    state["trimester"] = int(trimester) if trimester is not None else 0
    postpartum = got.having("postpartum", "yes")
    if postpartum and row.before_childbearing:
        conflicts.append(
            f"postpartum recorded ({_lines(postpartum + got.values('postpartum_time'))}) but "
            f"{_CHILD}: no postpartum interval or factor is applied; the child's age interval "
            "stays"
        )
        postpartum = []
    state["postpartum"] = bool(postpartum)
    state["postpartum_weeks"] = got.number("postpartum_time") if postpartum else None
    if postpartum:
        evidence.extend(("postpartum", f) for f in postpartum)
    # a delivery without its time says when nothing else does (never for a young child)
    undated = [] if postpartum or row.before_childbearing else got.having("delivery", "undated")
    state["delivery_undated"] = bool(undated)
    evidence.extend(("delivery", f) for f in undated)
    if yes:
        evidence.extend(("pregnancy", f) for f in yes)
        against = _against_pregnancy(got, row, state, no + ended)
        if against:
            said = f"pregnancy indicated ({_lines(yes)})"
            # a young child is never taken as pregnant, whatever the row says (hers or her
            # mother's numbers written on the child's row)
            plausible = not row.before_childbearing and (
                explicit or not (row.sex == "M" or row.past_childbearing)
            )
            what = (
                "the pregnancy interval is considered alongside the usual one"
                if plausible
                else "no pregnancy interval or factor is applied; the child's age interval stays"
                if row.before_childbearing
                else "no pregnancy interval or factor is applied without a gestation or a "
                "positive hCG"
            )
            conflicts.append(f"{said} but {'; '.join(against)}: {what}")
            state["pregnancy"] = "yes"
            state["pregnancy_conflict"] = plausible
            return
        if unknown and not explicit:
            evidence.extend(("pregnancy_unknown", f) for f in unknown)
            state["pregnancy"] = "unknown"
            return
        state["pregnancy"] = "yes"
        state["pregnant"] = True
        return
    if got.having("tested", "negative"):
        # a negative hCG or pregnancy test answers a queried pregnancy ("?pregnant, UPT neg",
        # "zwanger?" with an hCG < 2 IU/L; clinical-reference §1.4: hCG excludes pregnancy)
        unknown, weak = [], []
    if unknown or (weak and not no):
        evidence.extend(("pregnancy_unknown", f) for f in unknown or weak)
        state["pregnancy"] = "na" if row.sex == "M" or row.before_childbearing else "unknown"
        return
    if no:
        evidence.extend(("pregnancy_no", f) for f in no)
        state["pregnancy"] = "na" if all(f.value == "na" for f in no) else "no"


def _against_pregnancy(
    got: _Collected, row: RowFacts, state: dict[str, Any], no: list[Fact]
) -> list[str]:
    against = []
    if no:
        against.append(_lines(no))
    if got.values("hysterectomy"):
        against.append(f"hysterectomy ({_lines(got.values('hysterectomy'))})")
    if state["menopause"] in ("post", "surgical"):
        words = "post-menopausal" if state["menopause"] == "post" else "surgical menopause"
        against.append(f"{words} ({_lines(got.having('menopause', state['menopause']))})")
    if row.sex == "M":
        against.append("the patient is recorded as male")
    if row.past_childbearing:
        against.append("her age is far past childbearing age")
    if row.before_childbearing:
        against.append(_CHILD)
    breast = got.having("lactation", "yes")
    if breast:
        against.append(f"breastfeeding is also recorded ({_lines(breast)})")
    return against


def _lactation(
    got: _Collected,
    row: RowFacts,
    state: dict[str, Any],
    evidence: list[tuple[str, Fact]],
    conflicts: list[str],
) -> None:
    yes = got.having("lactation", "yes")
    no = got.having("lactation", "no")
    unknown = got.having("lactation", "unknown")
    supply, treated = got.having("low_supply", "yes"), got.having("galactagogue", "yes")
    if supply and treated and not no:
        # a galactagogue given beside a low milk supply: she breastfeeds (review 27)
        yes = [*yes, *supply, *treated]
    feeding = {f.value for f in got.values("feeding")}
    state["feeding"] = next((v for v in ("mixed", "breast", "bottle") if v in feeding), "")
    if yes and no and "mixed" not in feeding:
        conflicts.append(f"feeding conflicts: {_against(yes, no)}: breastfeeding is not assumed")
        state["lactation"] = "unknown"
        state["feeding"] = ""
        return
    if yes:
        evidence.extend(("lactation", f) for f in yes)
        state["lactation"] = "yes"
        # after the menopause milk is galactorrhoea, never breastfeeding (clinical-reference §4:
        # the lactation interval only while she breastfeeds; §5: galactorrhoea is a symptom)
        after_menopause = state["menopause"] == "post"
        if row.sex == "M" or row.past_childbearing or row.before_childbearing or after_menopause:
            who = (
                "a man"
                if row.sex == "M"
                else _CHILD.removeprefix("the patient is ")
                if row.before_childbearing
                else "a woman far past childbearing age"
                if row.past_childbearing
                else f"a post-menopausal woman ({_lines(got.having('menopause', 'post'))})"
            )
            stays = "; the child's age interval stays" if row.before_childbearing else ""
            conflicts.append(
                f"breastfeeding recorded ({_lines(yes)}) for {who}: no breastfeeding interval "
                f"or factor is applied{stays}"
            )
            return
        state["lactating"] = not state.get("pregnant", False) and not state.get(
            "pregnancy_conflict", False
        )
        return
    if no:
        evidence.extend(("lactation_no", f) for f in no)
        state["lactation"] = "no"
    elif unknown:
        evidence.extend(("lactation_unknown", f) for f in unknown)
        state["lactation"] = "unknown"


def _kidney(
    got: _Collected, state: dict[str, Any], evidence: list[tuple[str, Fact]], conflicts: list[str]
) -> None:
    on = got.having("dialysis", *DIALYSIS_KINDS)
    off = got.having("dialysis", "no")
    failed = got.having("transplant", "failed")  # a failed graft: CKD again (states.toml)
    # a transplant named beside its failure is the failed graft, not a working one
    graft = [] if failed else got.having("transplant", "yes")
    no_graft = got.having("transplant", "no")
    year = got.number("transplant_year")
    state["transplant_year"] = int(year) if year is not None else None
    state["transplant_days"] = got.number("transplant_days")
    acute = got.having("kidney", "acute")
    if acute:
        state["kidney_acute"] = True
        evidence.extend(("kidney_acute", f) for f in acute)
    ckd = got.having("ckd", "yes")
    if ckd and not got.having("ckd", "no"):
        stage = got.number("ckd_stage")
        state["ckd_stage"] = int(stage) if stage is not None else 0
        evidence.extend(("ckd", f) for f in ckd)
    if on and off and {f.column for f in on}.isdisjoint({f.column for f in off}):
        conflicts.append(f"dialysis status conflicts: {_against(on, off)}: dialysis is not assumed")
        state["renal"] = ""
        return
    if on:
        kinds = {f.value for f in on}
        kind = next(k for k in ("peritoneal", "haemodialysis", "dialysis") if k in kinds)
        evidence.extend(("dialysis", f) for f in on)
        state["renal"] = kind
    elif graft and not no_graft:
        evidence.extend(("transplant", f) for f in graft)
        state["renal"] = "transplant"
    elif graft and no_graft:
        conflicts.append(f"kidney transplant status conflicts: {_against(graft, no_graft)}")
    elif failed:
        evidence.extend(("transplant", f) for f in failed)
    elif off or no_graft:
        state["renal"] = "none"
        evidence.extend(("renal_none", f) for f in off + no_graft)


def _liver(
    got: _Collected, state: dict[str, Any], evidence: list[tuple[str, Fact]], conflicts: list[str]
) -> None:
    graft = got.having("liver", "transplanted")
    cirrhosis = got.having("liver", "graft_cirrhosis") or (
        [] if graft else got.having("liver", "cirrhosis")  # the cirrhosis the graft replaced
    )
    other = got.having("liver", "other", "disease", "not_cirrhosis") or graft
    none = got.having("liver", "none")
    # a chronic liver disease that may be cirrhosis, unless the row says it is not ("hépatopathie
    # chronique sans cirrhose") or that the graft replaced it
    denied = got.having("liver", "not_cirrhosis")
    chronic = [] if graft or denied else got.having("liver", "chronic")
    suspected = got.having("liver", "cirrhosis_suspected")
    severe = got.having("liver_severe", "encephalopathy", "advanced")
    letters = [f.value for f in got.values("child_pugh")]
    liver = ""
    if cirrhosis and none:
        conflicts.append(
            f"liver history conflicts: {_against(cirrhosis, none)}: cirrhosis is not assumed"
        )
    elif cirrhosis:
        liver = "cirrhosis"
        evidence.extend(("liver", f) for f in cirrhosis)
        if severe:
            evidence.extend(("liver_severe", f) for f in severe)
    elif suspected and not none:
        liver = "suspected"  # a doubt: at most a possible cause, to be settled by the work-up
        evidence.extend(("liver", f) for f in suspected)
    elif chronic and not none:
        liver = "chronic"  # as a doubt: at most a possible cause, cirrhosis to be assessed
        evidence.extend(("liver", f) for f in chronic)
    elif other:
        liver = "other"
        evidence.extend(("liver", f) for f in other)
    elif none:
        liver = "none"
        evidence.extend(("liver", f) for f in none)
    state["liver"] = liver
    state["child_pugh"] = letters[0] if letters and liver == "cirrhosis" else ""
    severity = {f.value for f in severe} if liver == "cirrhosis" else set()
    if liver == "cirrhosis" and "C" in letters:
        severity.add("advanced")
    state["liver_severity"] = next((v for v in ("encephalopathy", "advanced") if v in severity), "")


# ---------------------------------------------------------------------------------------------
# A frame's states
# ---------------------------------------------------------------------------------------------


def another_collection(when: str) -> str:
    """How a value of another collection of the patient is cited after it: ' (sample of
    2026-10-01, another collection)' (RowContext.collected_on; an hCG read here)."""
    return f" (sample of {when}, another collection)"


def read_states(
    frame: pd.DataFrame,
    past_childbearing_age: float,
    vocabulary: StateVocabulary | None = None,
    before_childbearing_age: float | None = None,
    thresholds: Thresholds | None = None,
) -> list[PatientState]:
    """One PatientState per row of a canonical frame (computed once per distinct row key).
    Below `before_childbearing_age` (default: the shipped pregnancy_min_age_years) a pregnancy,
    postpartum or breastfeeding record is a contradiction, never the child's state.
    `thresholds`: the run's (Knowledge.thresholds; default: the shipped file), which the
    menopause age and the text reader's lengths (state_words) come from."""
    vocab = vocabulary or load_state_vocabulary()
    limits = thresholds if thresholds is not None else load_thresholds()
    if before_childbearing_age is None:
        before_childbearing_age = limits.get("pregnancy_min_age_years")
    n = len(frame)
    if n == 0:
        return []
    ages = frame["age_years"].to_numpy(dtype="float64")
    # the columns a concept reads only when it names them (state_words.OPT_IN_COLUMNS): only
    # their cells such a concept may match take part (the others would only multiply the keys)
    texts = {name: frame[name] for name in STATE_TEXT_COLUMNS}
    # an hCG / pregnancy test of another collection (a long export's line days apart, in
    # hcg_collected): read and cited with its date
    hcg_when = frame.get("hcg_collected", pd.Series(pd.NA, index=frame.index)).astype("string")
    hcg_dated = hcg_when.notna() & frame["hcg"].notna()
    if hcg_dated.any():
        hcg_text = frame["hcg"].astype("string")
        cited = hcg_when.map(another_collection, na_action="ignore").astype("string")
        texts["hcg"] = hcg_text.where(~hcg_dated, hcg_text + cited)
    for name in sorted(OPT_IN_COLUMNS):
        opted = frame[name]
        texts[name] = opted.where(rows_with_a_text([opted], partial(vocab.may_say, name)))
    key_columns: list[pd.Series] = list(texts.values())
    key_columns += [frame[f] for f in FLAG_OF.values()]
    key_columns += [frame[c] for c in ("gestational_weeks", "postpartum_weeks", "hcg")]
    key_columns += [frame["hcg_positive"], frame["sex"]]
    old = pd.Series(np.nan_to_num(ages, nan=-np.inf) >= past_childbearing_age)
    key_columns.append(old)
    young = pd.Series(np.nan_to_num(ages, nan=np.inf) < before_childbearing_age)
    key_columns.append(young)
    # a minor's row (below adult_age_years): a parent word ("Mama schwanger") is another person
    minor = pd.Series(np.nan_to_num(ages, nan=np.inf) < limits.get("adult_age_years"))
    key_columns.append(minor)
    menopause_age = limits.get("menopause_min_age_years")
    transition = pd.Series(np.nan_to_num(ages, nan=-np.inf) >= menopause_age)
    key_columns.append(transition)
    # her years past the menopause age, on the rows that may write a last period long ago
    # (a lapsed concept's probe): the age at the stop decides the menopause (_menopause)
    lapsing = transition.to_numpy() & rows_with_a_text(list(texts.values()), vocab.may_lapse)
    past_age = pd.Series(np.where(lapsing, ages - menopause_age, np.nan), index=frame.index)
    key_columns.append(past_age)
    # the sample's year: a year written in a cell ("Stillzeit bis 2017") is compared with it
    # (rows whose cells write no year: none, so that they stay as few as their distinct cells)
    writes = rows_with_a_text([frame[c] for c in STATE_TEXT_COLUMNS], writes_a_state_date)
    collected = pd.to_datetime(frame["collected_at"], errors="coerce")
    # (the whole date: a delivery written with its date, "Sectio am 01.12.2026", is that long
    # before the sample)
    stamps = pd.Series(collected.dt.normalize().where(writes).to_numpy(), index=frame.index)
    key_columns.append(stamps)
    key = np.zeros(n, dtype=np.int64)
    for series in key_columns:  # one small integer per distinct combination, column by column
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        if len(uniques):
            key, _ = pd.factorize(key * (len(uniques) + 1) + (codes + 1))
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    # the cells of the first row of every key (i: its position among them)
    distinct = frame.iloc[first]
    columns = {name: column.iloc[first].tolist() for name, column in texts.items()}
    columns |= {name: distinct[name].tolist() for name in FLAG_OF.values()}
    numbers = {
        name: distinct[name].to_numpy(dtype="float64")
        for name in ("gestational_weeks", "postpartum_weeks")
    }
    hcg = texts["hcg"].iloc[first].tolist()  # dated when of another collection
    hcg_positive = distinct["hcg_positive"].tolist()
    sexes = distinct["sex"].tolist()
    olds = old.to_numpy()[first].tolist()
    transitions = transition.to_numpy()[first].tolist()
    pasts = past_age.to_numpy()[first]
    youngs = young.to_numpy()[first].tolist()
    minors = [bool(m) for m in minor.to_numpy()[first].tolist()]
    sample_dates = [
        None if pd.isna(d) else pd.Timestamp(d).date() for d in stamps.to_numpy()[first].tolist()
    ]
    states: list[PatientState] = []
    # writes_a_state_date, once per distinct text (a note recurs under many keys)
    dates_text = memo.memo_by_text(writes_a_state_date, memo.cache_of("state_dates", vocab))
    # The states of earlier chunks, by exactly what `combine` is given (memo.py).
    known = memo.cache_of("states", vocab)
    for i in range(len(first)):
        said: list[tuple[str, str | bool]] = []  # (column, its text, or its yes/no flag)
        for column in texts:
            text = columns[column][i]
            if isinstance(text, str) and text.strip():
                said.append((column, text))
            elif column in FLAG_OF and isinstance(columns[FLAG_OF[column]][i], bool):
                said.append((column, bool(columns[FLAG_OF[column]][i])))
        row = RowFacts(
            sex=sexes[i] if isinstance(sexes[i], str) else None,
            past_childbearing=bool(olds[i]),
            menopause_age=bool(transitions[i]),
            years_past_menopause_age=_number(pasts[i]),
            before_childbearing=bool(youngs[i]),
            gestational_weeks=_number(numbers["gestational_weeks"][i]),
            postpartum_weeks=_number(numbers["postpartum_weeks"][i]),
            hcg_positive=hcg_positive[i] if isinstance(hcg_positive[i], bool) else None,
            hcg_text=hcg[i] if isinstance(hcg[i], str) else "",
        )
        sample = sample_dates[i]
        # a year, or "until" a month ("BF until Jan"), is read against the sample's date
        dated = sample if any(isinstance(v, str) and dates_text(v) for _, v in said) else None
        # dates read in the run's order, with the run's thresholds
        given = (tuple(said), row, dated, text_dayfirst(), id(limits), minors[i])
        state = known.get(given)
        if state is None:
            cells: list[Fact] = []
            for column, value in said:
                if isinstance(value, str):
                    cells.extend(vocab.read(column, value, dated, limits, child=minors[i]))
                else:
                    cells.extend(vocab.flag(column, value))
            state = known[given] = combine(cells, row)
        states.append(state)
    return [states[k] for k in np.asarray(inverse).reshape(-1).tolist()]


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


# ---------------------------------------------------------------------------------------------
# What the rest of the engine reads, derived from the states
# ---------------------------------------------------------------------------------------------
def derived_columns(frame: pd.DataFrame, states: Sequence[PatientState]) -> dict[str, pd.Series]:
    """The canonical yes/no and number columns as the states read them (the one authority):
    pregnant, gestational_weeks (from an LMP date at collection when no gestation is written),
    lactating, postpartum_weeks, menopausal, dialysis, kidney_transplant.  Computed once per
    distinct state and spread to the rows."""
    index = frame.index
    ids: dict[int, int] = {}
    distinct: list[PatientState] = []
    codes = np.empty(len(states), dtype=np.int64)
    for i, s in enumerate(states):
        code = ids.get(id(s))
        if code is None:
            code = ids[id(s)] = len(distinct)
            distinct.append(s)
        codes[i] = code

    def flags(values: list[bool | None]) -> pd.Series:
        known = np.array([v is not None for v in values], dtype=bool)[codes]
        truth = np.array([bool(v) for v in values], dtype=bool)[codes]
        return pd.Series(pd.arrays.BooleanArray(truth, ~known), index=index)

    def numbers(values: list[float | None]) -> pd.Series:
        floats = np.array([np.nan if v is None else v for v in values], dtype="float64")
        return pd.Series(floats[codes], index=index, dtype="float64")

    weeks = numbers([s.gestation_weeks for s in distinct])
    lmp = [i for i, s in enumerate(distinct) if s.lmp or s.lmp_ago_weeks is not None]
    if lmp:
        dated = np.isin(codes, lmp) & weeks.isna().to_numpy()
        collected = frame["collected_at"].tolist()
        for row in np.flatnonzero(dated).tolist():
            state = states[row]
            if state.pregnant or state.pregnancy_conflict:
                found = _weeks_since_lmp(state, collected[row])
                weeks.iloc[row] = np.nan if found is None else found
    return {
        **_no_note_concentration(index),
        **_note_labs(frame, distinct, codes),
        "pregnant": flags(
            [
                True if s.pregnant else False if s.pregnancy in ("no", "na") else None
                for s in distinct
            ]
        ),
        "gestational_weeks": weeks,
        "lactating": flags(
            [True if s.lactating else False if s.lactation == "no" else None for s in distinct]
        ),
        "postpartum_weeks": numbers([s.postpartum_weeks for s in distinct]),
        "menopausal": flags(
            [
                True
                if s.menopause in ("post", "surgical")
                else False
                if s.menopause in ("pre", "peri")
                else None
                for s in distinct
            ]
        ),
        "dialysis": flags(
            [
                True if s.on_dialysis else False if s.renal in ("none", "transplant") else None
                for s in distinct
            ]
        ),
        "kidney_transplant": flags([True if s.renal == "transplant" else None for s in distinct]),
    }


def _note_labs(
    frame: pd.DataFrame, distinct: Sequence[PatientState], codes: np.ndarray
) -> dict[str, pd.Series]:
    """A lab number written in a note ("dialysis planned; eGFR 14", "TSH 25": states.toml
    `number = "lab:<name>"`) fills the canonical column <name> (and <name>_qualifier) only where
    that column is empty: the row's own column always wins."""
    names = {f.field.removeprefix("lab:") for s in distinct for f in s.labs}
    out: dict[str, pd.Series] = {}
    for name in sorted(n for n in names if n in frame.columns):
        written = [s.lab(name) for s in distinct]
        if any(f is not None and f.unit for f in written):
            out.update(_note_concentrations(frame, name, written, codes))
            # a number written without a unit ("Prolaktin n. PEG 12,0") is in the row's unit:
            # it fills the column below, as it does when no note of the batch names a unit
            written = [None if f is None or f.unit else f for f in written]
            if all(f is None for f in written):
                continue
        numbers = np.array(
            [np.nan if f is None or f.number is None else f.number for f in written], "float64"
        )[codes]
        column = frame[name].to_numpy(dtype="float64")
        empty = np.isnan(column) & ~np.isnan(numbers)
        if not empty.any():
            continue
        out[name] = pd.Series(np.where(empty, numbers, column), index=frame.index, dtype="float64")
        qualifier = f"{name}_qualifier"
        if qualifier in frame.columns:
            marks = np.array([f.value if f is not None else "" for f in written], dtype=object)
            kept = frame[qualifier].astype("string")
            filled = pd.Series(marks[codes], index=frame.index, dtype="string").replace("", pd.NA)
            out[qualifier] = kept.where(~pd.Series(empty, index=frame.index), filled)
    return out


def _no_note_concentration(index: pd.Index) -> dict[str, pd.Series]:
    """The columns _note_concentrations fills, empty (the rules read them on every row)."""
    name = "monomeric_prolactin"
    return {
        f"{name}_note": pd.Series(np.nan, index=index, dtype="float64"),
        f"{name}_note_unit": pd.Series("", index=index, dtype="string"),
        f"{name}_note_qualifier": pd.Series("", index=index, dtype="string"),
    }


def _note_concentrations(
    frame: pd.DataFrame, name: str, written: list[Fact | None], codes: np.ndarray
) -> dict[str, pd.Series]:
    """A prolactin concentration written in a note with its unit ("post-PEG prolactin 12 ng/mL":
    states.toml monomeric_prolactin_in_notes), where the row's column <name> is empty: in
    <name>_note with its unit in <name>_note_unit and its "<" in <name>_note_qualifier.  The
    column <name> is in the row's prolactin unit, so a note in another unit is converted with the
    row's factor where the factor is known (units.convert), never taken as written."""
    column = frame[name].to_numpy(dtype="float64")
    numbers = np.array(
        [np.nan if f is None or f.number is None else f.number for f in written], "float64"
    )[codes]
    empty = np.isnan(column) & ~np.isnan(numbers)
    units = np.array([f.unit if f is not None else "" for f in written], dtype=object)[codes]
    marks = np.array([f.value if f is not None else "" for f in written], dtype=object)[codes]
    index = frame.index
    return {
        f"{name}_note": pd.Series(np.where(empty, numbers, np.nan), index=index, dtype="float64"),
        f"{name}_note_unit": pd.Series(np.where(empty, units, ""), index=index, dtype="string"),
        f"{name}_note_qualifier": pd.Series(
            np.where(empty, marks, ""), index=index, dtype="string"
        ),
    }


def _weeks_since_lmp(state: PatientState, collected: object) -> float | None:
    if state.lmp and isinstance(collected, pd.Timestamp) and not pd.isna(collected):
        days = (collected.date() - date.fromisoformat(state.lmp)).days
        return days / DAYS_PER_WEEK if days > 0 else None
    return state.lmp_ago_weeks


# The cue names the rest of the engine asks the row's hits for, and when a state states them.
_STATE_CUES: tuple[tuple[str, str], ...] = (
    ("pregnancy", "pregnancy"),
    ("pregnancy_query", "pregnancy_unknown"),
    ("pregnancy_excluded", "pregnancy_no"),
    ("lactation", "lactation"),
    ("postpartum", "postpartum"),
    ("not_child_bearing", "menopause"),
    ("not_child_bearing", "hysterectomy"),
    ("not_child_bearing", "gender"),
    ("menstruating", "menopause"),
    ("dialysis", "dialysis"),
    ("acute_kidney_injury", "kidney_acute"),
    ("kidney_transplant", "transplant"),
    ("cirrhosis", "liver"),
    ("cirrhosis_severe", "liver_severe"),
    ("no_liver_disease", "liver"),
)


_STATE_CUE_TESTS: dict[str, Callable[[PatientState], object]] = {
    "pregnancy": lambda s: s.pregnant or s.pregnancy_conflict,
    "pregnancy_query": lambda s: s.pregnancy == "unknown",
    "pregnancy_excluded": lambda s: s.pregnancy in ("no", "na"),
    "lactation": lambda s: s.lactating,
    "postpartum": lambda s: s.postpartum,
    "not_child_bearing": lambda s: s.child_bearing_excluded,
    "menstruating": lambda s: s.menopause in ("pre", "peri"),
    "dialysis": lambda s: s.on_dialysis,
    "acute_kidney_injury": lambda s: s.kidney_acute,
    "kidney_transplant": lambda s: s.renal == "transplant",
    "cirrhosis": lambda s: s.liver == "cirrhosis",
    "cirrhosis_severe": lambda s: bool(s.liver_severity),
    "no_liver_disease": lambda s: s.liver == "none",
}


def _states_cue(cue: str, s: PatientState) -> bool:
    return bool(_STATE_CUE_TESTS[cue](s))


def state_hits(states: Sequence[PatientState]) -> list[Hits]:
    """Per row, the state's facts as cue hits (`ctx.has("pregnancy")`, `ctx.first("dialysis")`),
    so that every rule asking the text reads the one state (computed once per distinct state)."""
    # By the state's id, the state kept alive beside its hits (read_states shares one state
    # object between the rows, and between the chunks, that have the same: memo.py).
    done = memo.cache_of("state_hits", _hits_of)
    out: list[Hits] = []
    for s in states:
        found = done.get(id(s))
        if found is None or found[0] is not s:
            found = done[id(s)] = (s, _hits_of(s))
        out.append(found[1])
    return out


def _hits_of(s: PatientState) -> Hits:
    hits: dict[str, tuple[CueHit, ...]] = {}
    for cue, topic in _STATE_CUES:
        if cue in hits or not _states_cue(cue, s):
            continue
        facts = s.facts(topic)
        if facts:
            hits[cue] = tuple(CueHit(cue, f.column, f.quote, f.quote) for f in facts)
    return MappingProxyType(hits) if hits else NO_HITS
