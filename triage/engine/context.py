"""What the rules see of one row: its values, its classification and what its free text says.

`Rows` holds the per-row columns once (as Python lists); `RowContext` is a cheap view of row i
with typed accessors, so the rules read `ctx.num("egfr")`, `ctx.has("dialysis")`, `ctx.t(name)`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import MappingProxyType
from typing import Final, overload

import numpy as np
import pandas as pd

from triage.engine.amounts import NG, LabUnit
from triage.engine.diluted import DILUTED_LAB
from triage.engine.state import (
    TRANS_FEMALE,
    PatientState,
    another_collection,
)
from triage.engine.text import YEAR_IN_NOTE, CueBook, CueHit, Hits, earlier_cue, list_item
from triage.engine.units import MIU_L
from triage.knowledge.loaders import find_post_peg_assay
from triage.knowledge.model import DrugMatch, Knowledge, PostPegAssay, ReferenceSet
from triage.numbers import FIRST_TRIMESTER, THIRD_TRIMESTER

# fmt and approx are re-exported: the one number formatter of every output (triage/numbers.py).
from triage.numbers import approx as approx
from triage.numbers import fmt as fmt
from triage.schema import field_words
from triage.values import lab_word

# WHO ATC group G02CB, "prolactin inhibitors" (cabergoline, bromocriptine, quinagolide, lisuride):
# the dopamine agonists given for hyperprolactinaemia itself (a code, not a clinical number).
PROLACTIN_INHIBITOR_ATC: Final = "G02CB"
MILD_BAND: Final = "mild"  # output-contract §5 band code (thresholds.toml [[band]])
# Cues (cues.toml) naming pituitary apoplexy or its signs without the word: a red flag beside
# them is urgent whatever the prolactin (an emergency; apoplexy often leaves prolactin normal).
# Each with the headache cues it rests on, one of which must be current (not dated years back).
EMERGENCY_CUES: Final[dict[str, tuple[str, ...]]] = {
    "pituitary_apoplexy": (),
    "apoplexy_features": ("sudden_headache",),  # a sudden severe headache with an eye sign, ...
    # any headache, in words or shorthand ("KS", "H/A"), with vomiting, a clouded mind, meningism
    "apoplexy_headache": ("headache", "headache_shorthand"),
}
BLURRED_VISION_CUE: Final = "blurred_vision"  # cues.toml: a red flag only beside a raised result
RED_FLAG_CUE: Final = "red_flag"
SELLAR_SIGN_CUE: Final = "sellar_sign"
# cues.toml: a headache in any words, a mass symptom (clinical-reference §5, §8)
HEADACHE_CUE: Final = "headache"

LIKELY = "likely"
POSSIBLE = "possible"
# The patient-state topic (state.py) behind each yes/no field.
_STATE_TOPICS = {
    "pregnant": "pregnancy",
    "lactating": "lactation",
    "menopausal": "menopause",
    "dialysis": "dialysis",
    "kidney_transplant": "transplant",
}

# The PEG screen's numbers: of another sample, cited as "done on the sample of <date>".
_SCREEN_FIELDS: Final = frozenset({"macroprolactin_recovery_pct", "monomeric_prolactin"})

# Canonical columns the rules read.
RULE_COLUMNS: tuple[str, ...] = (
    "sex",
    "age_years",
    "collected_at",
    "pregnant",
    "pregnant_text",
    "gestational_weeks",
    "lactating",
    "lactating_text",
    "postpartum_weeks",
    "menopausal",
    "menopausal_text",
    "hcg",
    "hcg_positive",
    "medications",
    "egfr",
    "egfr_qualifier",
    "egfr_text",
    "creatinine",
    "creatinine_text",
    "dialysis",
    "dialysis_text",
    "kidney_transplant",
    "kidney_transplant_text",
    "kidney_disease",
    "liver_disease",
    "tsh",
    "tsh_qualifier",
    "tsh_text",
    "free_t4",
    # the lab's own TSH (mIU/L) and free T4 (pmol/L) limits given with the row, else NaN
    "tsh_reference_low",
    "tsh_reference_high",
    "free_t4_reference_low",
    "free_t4_reference_high",
    "egfr_collected",
    "creatinine_collected",
    "tsh_collected",
    "free_t4_collected",
    "hcg_collected",
    "macroprolactin_recovery_pct_collected",
    "monomeric_prolactin_collected",
    "pituitary_lesion",
    "pituitary_lesion_mm",
    "head_trauma",
    "head_trauma_text",
    "symptoms",
    "macroprolactin_recovery_pct",
    "macroprolactin_recovery_pct_qualifier",
    "monomeric_prolactin_note_unit",
    "monomeric_prolactin_note_qualifier",
    "comments",
)


def python_values(series: pd.Series) -> list[object]:
    """The column as Python objects, missing cells as None."""
    missing = series.isna().to_numpy(dtype=bool)
    if missing.all():
        return [None] * len(missing)
    values: list[object] = series.astype(object).tolist()
    for i in np.flatnonzero(missing).tolist():
        values[i] = None
    return values


# The morning cortisols states.toml reads in notes (`number = "lab:<name>"`), each with the
# threshold that converts it to nmol/L (None: written in nmol/L).
# The total testosterones states.toml reads in notes, each with the threshold that converts it
# to nmol/L (None: it is in nmol/L).
_TESTOSTERONE_LABS: Final = (
    ("testosterone_nmol_l", None),
    ("testosterone_ng_ml", "testosterone_nmol_l_per_ng_ml"),
    ("testosterone_ng_dl", "testosterone_nmol_l_per_ng_dl"),
)
# The sodiums and glucoses states.toml reads in notes: (lab, the threshold that converts it to
# the unit of its limit or None, the limit's threshold).
_SODIUM_LABS: Final = (("sodium_mmol_l", None, "sodium_low_mmol_l"),)
_GLUCOSE_LABS: Final = (
    ("glucose_mmol_l", None, "glucose_low_mmol_l"),
    ("glucose_mg_dl", "glucose_mmol_l_per_mg_dl", "glucose_low_mmol_l"),
    ("glucose_g_l", "glucose_mmol_l_per_g_l", "glucose_low_mmol_l"),
)
_CORTISOL_LABS: Final = (
    ("morning_cortisol_nmol_l", None),
    ("morning_cortisol_ug_dl", "cortisol_nmol_l_per_ug_dl"),
    ("morning_cortisol_ug_l", "cortisol_nmol_l_per_ug_l"),
)


class LazyTimes(Sequence[object]):
    """A column of naive datetimes as python_values gives it (pd.Timestamp, None where missing),
    each cell made when read: a Timestamp per row costs more than the one rule that reads a
    collection time (seizure timing) on the few rows it applies to."""

    __slots__ = ("_made", "_values")

    def __init__(self, values: np.ndarray) -> None:
        self._values = values  # datetime64[ns]
        self._made: dict[int, datetime | None] = {}  # row -> its datetime (when())

    def __len__(self) -> int:
        return len(self._values)

    @overload
    def __getitem__(self, i: int) -> object: ...

    @overload
    def __getitem__(self, i: slice) -> list[object]: ...

    def __getitem__(self, i: int | slice) -> object:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        value = self._values[i]
        return None if np.isnat(value) else pd.Timestamp(value)

    def when(self, i: int) -> datetime | None:
        """Row `i` as a datetime (None where missing), made once: the drug-stop rules read the
        collection time once per medication item."""
        try:
            return self._made[i]
        except KeyError:
            value = self[i]
            made = self._made[i] = (
                value.to_pydatetime() if isinstance(value, pd.Timestamp) else None
            )
            return made


def rule_values(series: pd.Series) -> Sequence[object]:
    """The column as the rules read it: python_values, made per cell when read for a column of
    naive datetimes (LazyTimes)."""
    if series.dtype == np.dtype("datetime64[ns]"):
        return LazyTimes(series.to_numpy())
    return python_values(series)


@dataclass(frozen=True)
class Rows:
    """Per-row data shared by every RowContext of one triage run."""

    knowledge: Knowledge
    book: CueBook
    raw: dict[str, Sequence[object]]
    value_ng: list[float]
    qualifier: list[str]
    uln: list[float]
    factor: list[float]  # mIU/L per ng/mL that applies to the row's assay
    monomeric_ng: list[float]
    status: list[str]
    possibly_high: list[bool]
    mild: list[bool]
    source: list[str]
    state: list[str]
    alt_uln: list[float]  # a higher re-derived upper limit for the same assay (NaN: none)
    pregnancy_conflict: list[bool]  # recorded not pregnant, yet pregnancy is indicated
    hits: list[Hits]
    drugs: list[tuple[DrugMatch, ...]]
    threshold_values: dict[str, float] = field(default_factory=dict)
    patients: list[PatientState] = field(default_factory=list)  # state.py, one per row
    low: list[float] = field(default_factory=list)  # lower limit of the chosen interval
    usual_uln: list[float] = field(default_factory=list)  # see Intervals.usual_high
    labs: list[LabUnit] = field(default_factory=list)  # how each row writes amounts (amounts.py)
    lab_value: list[float] = field(default_factory=list)  # the result in the row's unit
    set_names: list[str] = field(default_factory=list)  # the reference set that judged each row
    # the lab's own flag ("high", "low", "abnormal", "normal" or None: values.flag_direction)
    lab_flag: list[str | None] = field(default_factory=list)
    # where the result is a diluted one read from a note (engine/diluted.py): that note's
    # evidence ("comments: 'diluted 1:100: 9800 mIU/L'"), else ""
    diluted: list[str] = field(default_factory=list)
    # found high, yet flagged low by the lab: indeterminate with a high result's priority
    # (classify.heed_lab_flags); empty: none
    disputed_high: list[bool] = field(default_factory=list)
    # the states of the strata that judged each row ("pregnant_t3", "lactating|..."; "" for
    # none or the lab's own interval)
    stratum_states: list[str] = field(default_factory=list)
    # the lab's own post-PEG upper limit given with the monomeric prolactin, in ng/mL (NaN:
    # none; empty: none for any row): preferred by RowContext.post_peg_uln
    post_peg_high_ng: list[float] = field(default_factory=list)
    # per row, the lab's own interval fits only a pregnancy, breastfeeding or neonatal stratum
    # ("10.0-209.0" beside ng/mL: intervals.vet_row_intervals); empty: none for any row
    lab_interval_physiological: list[bool] = field(default_factory=list)
    # a monomeric (post-PEG) prolactin was given but contradicts the total (above it, or a unit
    # mix-up's tiny share: units.implausible_monomeric), so it is not used; empty: none for any row
    monomeric_contradicted: list[bool] = field(default_factory=list)
    # the row's assay text where it names no reference set ("Tosoh AIA-900", "Ortho Vitros":
    # units.unknown_assays), else ""; empty: none for any row
    unknown_assay: list[str] = field(default_factory=list)


_TRAILING_BRACKET: Final = re.compile(r"\s*\([^()]*\)\s*$")


def _same(one: CueHit, other: CueHit) -> bool:
    """The same hit: one cue's, in one column, of the same words."""
    return (one.cue, one.field, one.matched) == (other.cue, other.field, other.matched)


def _assay_name(assay: str) -> str:
    """An assay's name without its trailing bracket ("Roche Elecsys / cobas Prolactin II"
    from "... (ECLIA)"), for a text that is itself in brackets."""
    return _TRAILING_BRACKET.sub("", assay) or assay


# The lasting failures a pituitary mass can cause, each a red flag or a sellar sign when new
# (cues.toml adrenal_failure, acth_failure, pituitary_failure, sheehan_sign; clinical-reference §5:
# hypopituitarism is a mass effect when new): the medication-column cues that replace each, and
# the cue a known one is read as (pituitary disease known), None where only its flag is dropped (a
# primary adrenal insufficiency is no pituitary disease; Sheehan's stays the cue sheehan).
_FAILURES: Final = {
    "pituitary_failure": (
        ("replacement_glucocorticoid", "replacement_hormone"),
        "pituitary_failure_treated",
    ),
    "acth_failure": (("replacement_glucocorticoid",), "pituitary_failure_treated"),
    "adrenal_failure": (("replacement_glucocorticoid",), None),
    "sheehan_sign": (("replacement_glucocorticoid", "replacement_hormone"), None),
}
# What makes a failure written anywhere in the row known: a pituitary operation or radiotherapy.
_FAILURE_CAUSES: Final = ("pituitary_treated",)
# The words that keep a failure new whatever the row says (cues.toml exclude_sets new_failure).
_NEW_FAILURE: Final = "new_failure"
# A year in a failure's list item ("seit 2012", "(2015)", "03/2015", "dal 2020").
_ITEM_YEAR: Final = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_MEDICATIONS: Final = "medications"


# The cues RowContext.pituitary_damage reads (besides the head_trauma field): a row without any
# of them has none.
# RowContext.pituitary_damage's kind for a low result while breastfeeding or just after delivery
LACTATION_FAILURE: Final = "a failure of lactation"
PITUITARY_DAMAGE_CUES: Final = frozenset(
    {"sheehan", "pituitary_treated", "head_trauma_any", "lesion_resected"}
)


@dataclass
class LesionInfo:
    present: bool
    evidence: str = ""
    size_mm: float | None = None
    macro: bool = False
    non_secreting: bool = False
    non_adenoma: bool = False  # craniopharyngioma, Rathke cyst, meningioma...: never secretes PRL
    giant: bool = False  # called giant without a size: at least giant_lesion_mm by definition
    # named a microadenoma or microprolactinoma without a size and no macroadenoma's word or
    # sign: below macroadenoma_mm by definition (cues.toml lesion_micro)
    micro: bool = False
    suspected: bool = False  # written with doubt ("V.a.", "suspected", "?adenoma"): not confirmed
    prolactinoma: bool = False  # named a prolactinoma: it secretes prolactin
    # an enlarged pituitary named without a lesion ("pituitary enlargement 12 mm") and no raised
    # TSH to make it thyrotroph hyperplasia: a possible sellar lesion until shown otherwise
    enlarged: bool = False
    # only an empty sella named (cues.toml empty_sella): a pituitary finding, no mass
    empty_sella: bool = False
    # the pituitary stalk or the hypothalamus named as compressed or involved (cues.toml
    # lesion_stalk: "stalk compression", "thickened stalk", "hypothalamic lesion"): it raises
    # prolactin through the stalk, whatever its size
    stalk: bool = False
    # only a pituitary failure written as known and replaced named (cues.toml
    # pituitary_failure_treated: "Hypopituitarismus, substituiert"): pituitary disease is known,
    # no mass is named
    failure_only: bool = False


@dataclass(frozen=True, slots=True)
class Acromegaly:
    """Acromegaly named in the row (RowContext.acromegaly): the words, and whether it is known
    (named without doubt) or only queried."""

    hit: CueHit
    known: bool


# The end of a sentence: . ! ? after a word and before a space or the end (not "V.a.", not the
# "?" of a query such as "?prolactinoma"), or a new line.
# Where a clause of a note ends (engine/text.py reads cues clause by clause).
_CLAUSE_END: Final = re.compile(r"[;\n|]|,(?!\d)|\.(?!\d)")
_SENTENCE_END = re.compile(r"(?<=\S)(?<!\b[^\W\d_])[.!?]+(?=\s|$)|\n")


def _sentences(text: str) -> list[str]:
    """`text` split into its sentences, each with the stop that ends it: "Prolaktinom?" keeps
    its question mark (a lesion asked about, cue lesion_suspected), where a split on
    _SENTENCE_END drops it."""
    out, start = [], 0
    for stop in _SENTENCE_END.finditer(text):
        out.append(text[start : stop.end()])
        start = stop.end()
    out.append(text[start:])
    return out


# The lesion column's cell, clause by clause ("nein, MRT normal", "MRI: normal, no 12 mm lesion"):
# a comma before a digit is a decimal one ("1,5 cm"), a one-letter abbreviation's stop ("o. B.")
# ends nothing.
_CELL_CLAUSE = re.compile(r"[;\n|]|,(?!\d)|(?<!\b[^\W\d_])\.(?=\s|$)")
# What says no lesion is known in that cell: a no, a lesion denied, an MRI still pending or
# reported normal (cues.toml no_lesion, normal_pituitary_mri_cell).
_NO_LESION_CELL: Final = ("no_lesion", "normal_pituitary_mri_cell")


def lesion_cell_says_none(book: CueBook, written: str) -> bool:
    """The pituitary_lesion cell says no lesion is known, read as the notes are (negation, a
    normal finding, a pending MRI): the whole cell, or each of its clauses, says so ("MRI: no
    microadenoma", "nein, MRT normal", "MRI pending", "MRI 03/2025: normal, no 12 mm lesion"),
    and no lesion is named in it (a lesion named wins: "no macroadenoma, 4 mm microadenoma").
    Other text (a bare "yes", a lesion the cues do not know) stays a lesion."""
    whole = book.match("pituitary_lesion", written)
    if "lesion" in whole:
        return False
    if any(name in whole for name in _NO_LESION_CELL):
        return True
    parts = [p for p in _CELL_CLAUSE.split(written) if p.strip()]
    return len(parts) > 1 and all(
        any(name in book.match("pituitary_lesion", p) for name in _NO_LESION_CELL) for p in parts
    )


def hyperplasia_cell(book: CueBook, written: str) -> bool:
    """The pituitary_lesion cell names only an enlarged pituitary, no lesion ("pituitary
    enlargement 12 mm", "Hypophysenvergrößerung 13 mm", "hyperplasie hypophysaire", "pituitary
    hyperplasia"): read as the notes are (cues.toml pituitary_hyperplasia is no lesion cue), so
    in primary hypothyroidism it is the thyrotroph hyperplasia that regresses on thyroxine (treat
    and re-image, clinical-reference §1.4), not a macroadenoma; an adenoma or mass named beside
    it keeps the lesion."""
    found = book.match("pituitary_lesion", written)
    return "pituitary_hyperplasia" in found and "lesion" not in found


# A trans woman's oestrogen (drugs.toml: the entry any oestrogen of hers is read as).
GENDER_AFFIRMING_OESTROGEN: Final = "gender-affirming oestradiol"
_OESTROGEN: Final = "estrogen"


class RowContext:
    """Row `i` of `rows`, with typed accessors for the rules (attributes read once per row)."""

    __slots__ = (
        "_tv",
        "age",
        "alt_uln",
        "book",
        "diluted",
        "disputed_high",
        "drugs",
        "factor",
        "high_like",
        "hit_map",
        "i",
        "knowledge",
        "lab",
        "lab_flag",
        "lab_interval_physiological",
        "lab_value",
        "lesion",
        "low",
        "mass_effect_flag",
        "mild",
        "monomeric_ng",
        "patient",
        "pregnancy_conflict",
        "qualifier",
        "rows",
        "sellar_sign_alone",
        "sex",
        "source",
        "state",
        "status",
        "uln",
        "usual_uln",
        "value",
    )

    def __init__(self, rows: Rows, i: int) -> None:
        self.rows = rows
        self.i = i
        self.value: float = rows.value_ng[i]
        self.qualifier: str = rows.qualifier[i]
        self.uln: float = rows.uln[i]
        self.status: str = rows.status[i]
        # High, or indeterminate and possibly high: the rows factors are listed for.
        self.high_like: bool = rows.possibly_high[i]
        self.disputed_high: bool = bool(rows.disputed_high) and rows.disputed_high[i]
        self.mild: bool = rows.mild[i]
        self.source: str = rows.source[i]
        self.state: str = rows.state[i]
        self.alt_uln: float = rows.alt_uln[i]
        self.pregnancy_conflict: bool = rows.pregnancy_conflict[i]
        physiological = rows.lab_interval_physiological
        # the lab judged the row against a pregnancy/breastfeeding/neonatal interval of its own
        self.lab_interval_physiological: bool = bool(physiological) and physiological[i]
        self.factor: float = rows.factor[i]
        self.monomeric_ng: float = rows.monomeric_ng[i]
        self.drugs: tuple[DrugMatch, ...] = rows.drugs[i]
        self.book: CueBook = rows.book
        self.hit_map: Hits = rows.hits[i]
        if self.hit_map and not self.book.past_result_cues.isdisjoint(self.hit_map):
            self.hit_map = self._earlier_results(self.hit_map)
        hit_map = self.hit_map
        self.knowledge: Knowledge = rows.knowledge
        self._tv = rows.threshold_values
        self.patient: PatientState = rows.patients[i] if rows.patients else PatientState()
        self.low: float = rows.low[i] if rows.low else float("nan")
        self.usual_uln: float = rows.usual_uln[i] if rows.usual_uln else float("nan")
        self.lab: LabUnit = rows.labs[i] if rows.labs else NG
        self.lab_value: float = rows.lab_value[i] if rows.lab_value else float("nan")
        self.lab_flag: str | None = rows.lab_flag[i] if rows.lab_flag else None
        self.diluted: str = rows.diluted[i] if rows.diluted else ""
        sex = rows.raw["sex"][i]
        self.sex: str | None = sex if sex in ("F", "M") else None
        age = rows.raw["age_years"][i]
        self.age: float | None = age if isinstance(age, float) and age == age else None
        if (
            self.age is not None
            and any(m.for_milk for m in self.drugs)
            and self.age < self.t("pregnancy_min_age_years")
        ):
            # "mother takes domperidone to increase milk supply" in a baby's row: the mother's
            # drug, for her milk, never the child's
            self.drugs = tuple(m for m in self.drugs if not m.for_milk)
        if hit_map and not hit_map.keys().isdisjoint(_FAILURES):
            hit_map = self.hit_map = self._known_failures(hit_map)
        # Row predicates read by many rules: computed once per row, here (every rule path reads
        # them).
        # A known pituitary lesion: from pituitary_lesion(_mm) or a lesion named in comments.
        # (_find_lesion's own early exit, read straight from the cells: the common row.)
        raw = rows.raw
        size = raw["pituitary_lesion_mm"][i]
        written = raw["pituitary_lesion"][i]
        if (
            (hit_map.get("lesion") or hit_map.get("pituitary_hyperplasia") if hit_map else None)
            or (isinstance(written, str) and written.strip())
            or (isinstance(size, float) and size == size and size > 0)
        ):
            self.lesion: LesionInfo = self._find_lesion()
        else:
            self.lesion = LesionInfo(present=False)
        # A mass-effect red flag that counts for this result (output-contract §7: "raised
        # prolactin with visual disturbance or other mass-effect red flags"): the result is or
        # may be raised, or a pituitary lesion is known (a lesion can hide behind a normal
        # result: hook effect, apoplexy, growth in pregnancy).  Headache or blurred vision with
        # a normal prolactin and no known lesion is not a prolactin finding, so it does not
        # count here.
        # One rule for every red flag, whatever its words and the result's status: it counts
        # (urgent) with a prolactin that is or may be raised (above the limit the patient would
        # have outside pregnancy, breastfeeding or the neonatal period included), with a known
        # lesion, or with pituitary apoplexy or its signs (an emergency whatever the prolactin,
        # which apoplexy often leaves normal or low: clinical-reference §5, §8).
        if hit_map:
            hit_map = self.hit_map = self._without_dated_apoplexy_signs(hit_map)
            hit_map = self.hit_map = self._without_dated_red_flags(hit_map)
        if not (hit_map and hit_map.get(RED_FLAG_CUE)):
            central = self._central_hypothyroidism()
            if central is not None:  # read as the words "central hypothyroidism" are
                hit_map = self.hit_map = {**hit_map, RED_FLAG_CUE: (central,)}
        found = hit_map.get(RED_FLAG_CUE) if hit_map else None
        flag = found[0] if found else self._low_morning_cortisol() or self._adrenal_features()
        emergency = bool(hit_map) and any(hit_map.get(cue) for cue in EMERGENCY_CUES)
        counts = flag is not None and (self.raised_for_usual or self.lesion.present or emergency)
        self.mass_effect_flag: CueHit | None = flag if counts else None
        # A red flag that mass_effect_flag does not count: the prolactin is not raised (normal,
        # low, or within a physiological interval and the usual limit) and no lesion is known.
        # A sellar mass, apoplexy or another emergency is still possible, so it is never quiet:
        # soon with the urgent referral (priority.decide, suggestions).  A chiasmal or sellar
        # sign (cue sellar_sign: visual field defect, hemianopia, ophthalmoplegia) is quoted
        # first, being the more specific.
        # Blurred vision alone is the exception (cue blurred_vision, which implies red_flag): with
        # a prolactin that is not raised it is no red flag (clinical-reference §8 names visual
        # field loss and a sudden severe headache), so "blurred vision, headache" stays quiet.
        alone = self.mass_effect_flag is None and not self.lesion.present
        found = hit_map.get(SELLAR_SIGN_CUE) if alone and hit_map else None
        red = hit_map.get(RED_FLAG_CUE) if hit_map else None
        blurred_only = bool(red) and all(hit.cue == BLURRED_VISION_CUE for hit in red or ())
        sign = found[0] if found else (flag if alone and not blurred_only else None)
        if sign is not None and not found and sign.cue != RED_FLAG_CUE:
            # a red flag by a cue that implies it (sudden_headache): named a red flag, not a sign
            sign = CueHit(RED_FLAG_CUE, sign.field, sign.quote, sign.matched)
        self.sellar_sign_alone: CueHit | None = sign
        if any(m.doubt == "as_needed" for m in self.drugs):
            self.drugs = self._depots_not_as_needed()
        oestrogen = any(m.drug.drug_class == _OESTROGEN for m in self.drugs)
        # (a gender incongruence, or a sex recorded male, treated with oestrogen is feminising
        # care: read as a trans woman's before the intervals, engine/gender.py)
        if oestrogen and self.patient.gender == TRANS_FEMALE:
            self.drugs = self._gender_affirming_oestrogen()

    def _gender_affirming_oestrogen(self) -> tuple[DrugMatch, ...]:
        """The row's drugs, a trans woman's oestrogen read as gender-affirming oestradiol
        (drugs.toml): her doses are the high ones that raise prolactin more than HRT's
        (clinical-reference §3.1)."""
        affirming = next(
            (d for d in self.knowledge.drugs if d.name == GENDER_AFFIRMING_OESTROGEN), None
        )
        if affirming is None:  # a lexicon without the entry (--drugs of a user's own)
            return self.drugs
        return tuple(
            replace(m, drug=affirming)
            if m.drug.drug_class == _OESTROGEN and m.drug.effect == affirming.effect
            else m
            for m in self.drugs
        )

    def _depots_not_as_needed(self) -> tuple[DrugMatch, ...]:
        """The row's drugs, a depot read as taken as needed read as taken: a long-acting
        injection is never taken as needed, even listed under an as-needed label or column
        ("Bedarfsmedikation: Xeplion 100 mg": clinical-reference §3.1, a depot acts for weeks)."""
        from triage.engine.factors import depot_review  # factors reads this module

        return tuple(
            replace(m, doubt="") if m.doubt == "as_needed" and depot_review(self, m) else m
            for m in self.drugs
        )

    def _known_failures(self, hit_map: Hits) -> Hits:
        """`hit_map` with each lasting failure (_FAILURES) that the row shows to be known and
        treated read as such: no red flag or sellar sign of its own, and the pituitary's read as
        known pituitary disease (pituitary_failure_treated, a known lesion without a mass).  The
        words of its own list item (known, long-standing, after surgery, replaced: cues.toml
        known_failure, replaced) are read by the cues themselves; here the rest of the row: a year
        before the sample's in its item ("Hypophyseninsuffizienz seit 2012", "Sheehan syndrome
        1995"), a pituitary operation or radiotherapy anywhere in the row ("Z.n. Hypophysen-OP
        2018; Panhypopituitarismus"), or its replacement in the medication column
        (hydrocortisone for any; levothyroxine, testosterone, oestradiol, desmopressin or
        somatropin for the pituitary's failure, never for an adrenal insufficiency alone).  A
        failure its item calls new, recent, acute or suspected (cues.toml new_failure) stays."""
        out = dict(hit_map)
        given = {
            name
            for replacements, _ in _FAILURES.values()
            for name in replacements
            if any(hit.field == _MEDICATIONS for hit in hit_map.get(name, ()))
        }
        caused = any(hit_map.get(name) for name in _FAILURE_CAUSES)
        dropped: set[str] = set()
        for cue, (replacements, treated) in _FAILURES.items():
            kept: list[CueHit] = []
            for hit in hit_map.get(cue, ()):
                if not self._failure_known(hit, caused or not given.isdisjoint(replacements)):
                    kept.append(hit)
                    continue
                for implied in self.book.implies(cue):
                    out[implied] = tuple(h for h in out.get(implied, ()) if not _same(h, hit))
                    dropped.add(implied)
                if treated is not None:
                    known = CueHit(treated, hit.field, hit.quote, hit.matched)
                    for name in (treated, *self.book.implies(treated)):
                        out[name] = (*out.get(name, ()), known)
            out[cue] = tuple(kept)
        if not dropped:
            return hit_map
        for implied in dropped:
            # a red flag (or sign) another cue of the same column implied, behind the failure's
            fields = {hit.field for hit in out.get(implied, ())}
            found: list[CueHit] = []
            for name, hits in out.items():
                if implied not in self.book.implies(name):
                    continue
                for hit in hits:
                    if hit.field not in fields:
                        fields.add(hit.field)
                        found.append(hit)
            out[implied] = (*out.get(implied, ()), *found)
        return MappingProxyType({name: hits for name, hits in out.items() if hits})

    def _failure_known(self, hit: CueHit, elsewhere: bool) -> bool:
        """The failure `hit` is known: `elsewhere` (a pituitary operation or radiotherapy in the
        row, or its replacement in the medication column) or a year before the sample's in its
        list item, and the item does not call it new (cues.toml new_failure)."""
        cell = self.text(hit.field) or hit.quote
        at = cell.find(hit.matched)
        item = list_item(cell, at, at + len(hit.matched)) if at >= 0 else hit.quote
        if self.book.in_set(_NEW_FAILURE, item):
            return False
        if elsewhere:
            return True
        year = self.sample_year
        return any(int(found) < year for found in _ITEM_YEAR.findall(item))

    def _without_dated_apoplexy_signs(self, hit_map: Hits) -> Hits:
        """`hit_map` without the apoplexy signs (EMERGENCY_CUES) whose headache is an episode
        dated in a year before the sample's ("headache 2019; vomiting", "thunderclap headache
        (2019); diplopia"), nor the red flag and sellar sign they imply: the vomiting or the
        double vision is read on its own."""
        stale = {
            cue
            for cue, headaches in EMERGENCY_CUES.items()
            if headaches
            and hit_map.get(cue)
            and all(self.current_hit(headache) is None for headache in headaches)
        }
        return _without(hit_map, cues=stale)

    def _without_dated_red_flags(self, hit_map: Hits) -> Hits:
        """`hit_map` without the red flags and sellar signs that are all episodes dated in a
        year before the sample's ("dubbelzien in 2015", "diplopia in 2015", "ooit dubbelzien
        (2015)": cue dated_episode right after each; not "since 2015", nor "in 2015, now
        again"), in every cue they count for: a past symptom is no mass effect now."""
        stale = {
            hit
            for cue in (RED_FLAG_CUE, SELLAR_SIGN_CUE)
            if hit_map.get(cue) and self.current_hit(cue) is None
            for hit in hit_map[cue]
        }
        return _without(hit_map, hits=stale)

    def _central_hypothyroidism(self) -> CueHit | None:
        """A free T4 below central_hypothyroid_free_t4_below_pmol_l (the free_t4 column, in
        pmol/L whatever unit it was written in; a note's "fT4 7 pmol/l"), or reported low in
        words (cue free_t4_stated_low: "FT4 erniedrigt"), with a TSH that is not raised (a value
        at most its upper limit, the lab's or tsh_upper_miu_l, "<0.01" included; a word
        "normal" or "low"; in a note "TSH normal", "TSH inappropriately normal", "TSH low",
        "TSH not raised": cues tsh_stated_normal, tsh_stated_low, tsh_stated_not_raised):
        central (secondary) hypothyroidism, a pituitary failure, read as the words "central
        hypothyroidism" are (cues.toml red_flag; clinical-reference §5: hypopituitarism is a
        mass effect, a red flag), the values quoted as its evidence.  Not read in a neonate or
        in pregnancy (free T4 intervals of their own: a preterm's low free T4, the
        third trimester's fall), nor where the thyroid itself lowers the free T4 under a TSH
        still suppressed (cue thyroid_lowers_free_t4: treated thyrotoxicosis, T3 treatment).  A
        raised TSH with a low free T4 is primary hypothyroidism (factors.thyroid), never this."""
        free_t4 = self.free_t4_pmol
        if free_t4 is None:
            said = self.first("free_t4_stated_low")
            if said is None:
                return None
            low = f"reported low in the notes ('{said.matched}')"
        else:
            limit = self.t("central_hypothyroid_free_t4_below_pmol_l")
            if free_t4 >= limit:
                return None
            low = f"{fmt(free_t4)} pmol/L{self.collected_on('free_t4')} (below {fmt(limit)})"
        tsh = self.num("tsh")
        if tsh is not None:
            if self.tsh_above_upper:
                return None
            mark = str(self.raw("tsh_qualifier") or "")
            upper = self.tsh_upper_said
            shown = f"TSH {mark}{fmt(tsh)} mIU/L{self.collected_on('tsh')} (not above {upper})"
        elif self.tsh_word is not None:
            if self.tsh_word == "high":
                return None
            shown = f"TSH '{self.text('tsh_text')}'"
        else:
            normal = self.first("tsh_stated_normal")
            kind = "normal"
            if normal is None:  # "TSH low", "TSH supprimiert": not raised either
                normal, kind = self.first("tsh_stated_low"), "low"
            if normal is None:  # "TSH not raised", "TSH nicht erhöht" (only beside a low free T4)
                normal, kind = self.first("tsh_stated_not_raised"), "not raised"
            if normal is None or self.has("tsh_stated_high"):
                return None
            shown = f"TSH reported {kind} ('{normal.matched}')"
        if self.has("thyroid_lowers_free_t4") or self.possibly_neonate:
            return None
        if self.flag("pregnant") or self.state == "pregnancy":
            return None
        quote = f"{low} with {shown}: central hypothyroidism"
        return CueHit(RED_FLAG_CUE, "free_t4", quote, quote)

    def _low_morning_cortisol(self) -> CueHit | None:
        """A morning or basal cortisol written in a note (states.toml: in nmol/L, µg/dL or µg/L)
        below morning_cortisol_low_nmol_l: a feature of adrenal insufficiency, a red flag as the
        words "adrenal insufficiency" are (clinical-reference §1.3, BNSSG: 9 am cortisol < 100
        nmol/L, urgent referral)."""
        if not self.patient.labs:
            return None
        # each lab written in a note, with the threshold that converts it to nmol/L (None: it is)
        for name, to_nmol in _CORTISOL_LABS:
            fact = self.patient.lab(name)
            if fact is None or fact.number is None:
                continue
            limit = self.t("morning_cortisol_low_nmol_l")
            nmol = fact.number * (self.t(to_nmol) if to_nmol else 1.0)
            if nmol < limit or (fact.value == "<" and nmol <= limit):
                return CueHit(RED_FLAG_CUE, fact.column, fact.quote, fact.quote)
        return None

    def _adrenal_features(self) -> CueHit | None:
        """Two of the features of adrenal insufficiency, each in words or measured in a note:
        hypotension (cue hypotension_sign, or a systolic pressure below systolic_low_mmhg, the
        PALS limit for its age in a child), hyponatraemia (cue hyponatraemia_sign, or a sodium
        below sodium_low_mmol_l), hypoglycaemia (cue hypoglycaemia_sign, or a glucose below
        glucose_low_mmol_l): a red flag as the words "adrenal insufficiency" are
        (clinical-reference §8: urgent).  One alone is common and says little."""
        signs = [
            hit
            for hit in (
                self.current_hit("hypotension_sign") or self._low_systolic(),
                self.current_hit("hyponatraemia_sign") or self._low_note_lab(_SODIUM_LABS),
                self.current_hit("hypoglycaemia_sign") or self._low_note_lab(_GLUCOSE_LABS),
            )
            if hit is not None
        ]
        if len(signs) < 2:
            return None
        quotes = list(dict.fromkeys(hit.quote for hit in signs))
        # each said once: "Hyponatriämie, RR 85/50 mmHg" holds its "RR 85/50 mmHg"
        quote = " + ".join(q for q in quotes if not any(q != o and q in o for o in quotes))
        shown = f"{quote}: features of adrenal insufficiency"
        return CueHit(RED_FLAG_CUE, signs[0].field, shown, shown)

    def _low_note_lab(self, labs: tuple[tuple[str, str | None, str], ...]) -> CueHit | None:
        """A lab written in a note (states.toml), converted by its factor (None: as written),
        below its named limit."""
        if not self.patient.labs:
            return None
        for name, factor, limit_name in labs:
            fact = self.patient.lab(name)
            if fact is None or fact.number is None or fact.value == ">":
                continue
            value = fact.number * (self.t(factor) if factor else 1.0)
            limit = self.t(limit_name)
            if value < limit or (fact.value == "<" and value <= limit):
                return CueHit(RED_FLAG_CUE, fact.column, fact.quote, fact.quote)
        return None

    def _low_systolic(self) -> CueHit | None:
        """A systolic pressure written in a note below systolic_low_mmhg, or for a child under
        systolic_adult_from_age_years below the PALS limit (systolic_child_base_mmhg +
        systolic_child_per_year_mmhg x the age in whole years)."""
        fact = self.patient.lab("systolic_mmhg") if self.patient.labs else None
        if fact is None or fact.number is None or fact.value == ">":
            return None
        limit = self.t("systolic_low_mmhg")
        if self.age is not None and self.age < self.t("systolic_adult_from_age_years"):
            years = math.floor(self.age)
            limit = self.t("systolic_child_base_mmhg") + years * self.t(
                "systolic_child_per_year_mmhg"
            )
        if fact.number < limit or (fact.value == "<" and fact.number <= limit):
            return CueHit(RED_FLAG_CUE, fact.column, fact.quote, fact.quote)
        return None

    @property
    def state_explains_level(self) -> bool:
        """Pregnancy, breastfeeding or the neonatal period applies and can account for the level:
        the result is within its interval or above it by at most
        physiological_excess_max_times_uln times its upper limit (a result indistinguishable
        from the limit), or no interval for the state was available to judge.  In the third
        trimester a mild rise (repeat_rested_max_times_uln, `mild`) is explained: term values
        vary widely (clinical-reference §2.1: term mean ~200 ng/mL, reported range ~100-600).
        Elsewhere a result beyond the margin is not explained (output-contract §7: pregnant at
        14 or 20 weeks, breastfeeding or a neonate at 240-500 ng/mL is urgent): second-trimester
        prolactin is far below the whole-pregnancy limit (median 49 ng/mL), a neonate's limit is
        already the highest of its age.  In the first trimester only the interval itself counts:
        the pregnancy limit reflects term values, and early in pregnancy prolactin is far lower.
        So too from lactation_late_weeks after delivery while breastfeeding: the basal level has
        halved by then, and the breastfeeding limit (the early basal level doubled for the rise
        after a feed) is already more than feeding explains."""
        if not self.state:
            return False
        early_or_late = self.first_trimester or self.late_lactation
        if self.source == "physiological" and self.qualifier == ">" and early_or_late:
            return False  # ">200" at 8 weeks: at least a level the state does not give then
        if self.source != "physiological" or self.status != "high":
            return True
        if early_or_late:
            return False
        if self.physiological_allowance:
            return self.mild
        return self.within(self.uln * self.t("physiological_excess_max_times_uln"))

    @property
    def physiological_allowance(self) -> bool:
        """A mild rise (repeat_rested_max_times_uln) above the state's interval is the state's
        usual doing: near term against a whole-pregnancy interval (`term_allowance`), or in
        the first months of breastfeeding after the first week (`early_lactation`, or the time
        since delivery not stated: `lactation_time_unknown`)."""
        return self.term_allowance or self.early_lactation or self.lactation_time_unknown

    @property
    def early_lactation(self) -> bool:
        """Breastfeeding, judged against the breastfeeding interval, with a stated time since
        delivery below lactation_basal_stable_weeks: the basal level is still ~100 ng/mL (as
        at day 7) and each feed roughly doubles it (clinical-reference §2.1: Riordan, Walker,
        Noel), so a post-feed peak can lie well above the interval (the early basal level
        doubled).  The first week after delivery has its own stratum (postpartum_week1)."""
        weeks = self._stated_weeks("lactation", "postpartum_weeks")
        if weeks is None or weeks >= self.t("lactation_basal_stable_weeks"):
            return False
        states = self.rows.stratum_states[self.i] if self.rows.stratum_states else ""
        return "lactating" in states.split("|")

    @property
    def judged_first_week(self) -> bool:
        """Judged against the stratum of the first week after delivery (postpartum_week1),
        breastfeeding or not."""
        states = self.rows.stratum_states[self.i] if self.rows.stratum_states else ""
        return "postpartum_week1" in states.split("|")

    @property
    def lactation_time_unknown(self) -> bool:
        """Breastfeeding, judged against the breastfeeding interval, with no time since delivery
        stated ("stillt", "allaite", a lactation yes/no column alone): the level a feed gives
        depends on that time (clinical-reference §2.1: basal ~100 ng/mL from day 7 to 3 months,
        ~50 ng/mL at 6 months, each feed roughly doubling it), so a result above the interval
        is neither explained nor beyond physiology until the time is known: the first months'
        allowance applies (physiological_allowance), the finding asks for the time and the
        priority is soon rather than routine.  The first week after delivery (its own stratum,
        up to the term level) is not assumed: the breastfeeding interval judged the row."""
        if self.state != "lactation" or self.num("postpartum_weeks") is not None:
            return False
        states = self.rows.stratum_states[self.i] if self.rows.stratum_states else ""
        return "lactating" in states.split("|")

    @property
    def feeding_unknown_early_postpartum(self) -> bool:
        """After the first week and before lactation_basal_stable_weeks after delivery, with
        breastfeeding not stated, not judged in a physiological state, and the result within
        what early breastfeeding gives (repeat_rested_max_times_uln × the breastfeeding limit:
        basal ~100 ng/mL, each feed roughly doubling it; clinical-reference §2.1): whether she
        breastfeeds decides between physiology and a level beyond it (without breastfeeding
        prolactin is back to non-pregnant levels by about day 7)."""
        patient = self.patient
        if self.state or self.sex == "M" or not patient.postpartum:
            return False
        weeks = patient.postpartum_weeks
        if patient.lactation not in ("", "unknown") or weeks is None:
            return False
        if weeks < self.t("postpartum_nonlactating_normal_weeks"):
            return False
        if weeks >= self.t("lactation_basal_stable_weeks"):
            return False
        ceiling = self.physiological_uln("lactating")
        return ceiling is not None and self.within(ceiling * self.t("repeat_rested_max_times_uln"))

    @property
    def term_allowance(self) -> bool:
        """In the third trimester, judged against a whole-pregnancy interval (an assay's, or a
        set without a third-trimester stratum): a mild rise above it (repeat_rested_max_times_uln)
        is usual near term.  A third-trimester stratum (the default set's reaches the term
        range, ~600 ng/mL) already holds the term values: no allowance beyond it."""
        if not self.third_trimester:
            return False
        states = self.rows.stratum_states[self.i] if self.rows.stratum_states else ""
        return "pregnant_t3" not in states.split("|")

    @property
    def possibly_neonate(self) -> bool:
        """The age is within the neonatal period, or may be (an age of 0 known only to be under
        one year): the adult levels of a prolactinoma say nothing of such a patient."""
        return self.age is not None and self.age < self.t("neonatal_max_age_years")

    @property
    def infant(self) -> bool:
        """Under infant_max_age_years (the CALIPER infant band, 30 days to <1 year), the
        neonatal period included, or an age of 0 known only to be under one year: the adult
        urgent and prolactinoma levels say nothing of such a child (clinical-reference §2.1)."""
        return self.age is not None and self.age < self.t("infant_max_age_years")

    @property
    def urgent_level(self) -> float:
        """urgent_miu_l in ng/mL with the factor of the row's assay (or the row's own factor)."""
        return self.t("urgent_miu_l") / self.factor

    @property
    def prolactinoma_level(self) -> float:
        """Above this a prolactinoma is likely: prolactinoma_likely_ng_ml, 250 ng/mL (~5,300
        mIU/L at 21.2 mIU/L per ng/mL; clinical-reference §0, §8).  The "5,000 mIU/L" that
        guidelines quote for it (§0b, BMJ) is that level rounded with x20 (§2.4, §7 note 8), not
        a lower level: the urgent level (urgent_miu_l, ~236 ng/mL) is a referral line of its own
        (contract §7), and a result between the two is urgent yet still screened for
        macroprolactin before MRI (PRL < 250 ng/mL: Auriemma 2023, §8; review 25: review 22 had
        taken the urgent level as this one, quoting "above 235.8 ng/mL a prolactinoma is the
        usual cause")."""
        return self.t("prolactinoma_likely_ng_ml")

    @property
    def late_lactation(self) -> bool:
        """Breastfeeding with a stated time since delivery of lactation_late_weeks or more."""
        weeks = self._stated_weeks("lactation", "postpartum_weeks")
        return weeks is not None and weeks >= self.t("lactation_late_weeks")

    def _stated_weeks(self, state: str, column: str) -> float | None:
        """The weeks written in ``column`` when the row is judged in ``state``, else None."""
        return self.num(column) if self.state == state else None

    @property
    def first_trimester(self) -> bool:
        """Pregnant with a stated gestation before the second trimester, or, with no weeks
        given, the first trimester written in words ("1. Trimenon", "T1", "early pregnancy")."""
        weeks = self._stated_weeks("pregnancy", "gestational_weeks")
        if weeks is None:
            return self._stated_trimester() == FIRST_TRIMESTER
        return 0 < weeks < self.t("trimester2_start_weeks")

    @property
    def third_trimester(self) -> bool:
        """Pregnant with a stated gestation in the third trimester (trimester3_start_weeks on),
        or the third trimester in words: near term a mild rise above the whole-pregnancy limit
        is usual."""
        weeks = self._stated_weeks("pregnancy", "gestational_weeks")
        if weeks is None:
            return self._stated_trimester() == THIRD_TRIMESTER
        return weeks >= self.t("trimester3_start_weeks")

    def _stated_trimester(self) -> int:
        """The trimester the patient's state names when the row is judged in pregnancy."""
        return self.patient.trimester if self.state == "pregnancy" else 0

    @property
    def shown(self) -> str:
        """The result as written in ng/mL, with its qualifier: '>470', '<1', '45.3'."""
        return f"{self.qualifier}{fmt(self.value)}"

    @property
    def result(self) -> str:
        """The result with its qualifier in the lab's unit, ng/mL beside it when different:
        '>470 ng/mL', '33562 mIU/L (1583.1 ng/mL)'."""
        return self.result_beside()[0]

    def result_beside(
        self, limit_ng: float = math.nan, limit_text: str = "", *, upper: bool = True
    ) -> tuple[str, str]:
        """(`result`, `limit_text`) for the result written beside a limit in ng/mL, the limit as
        its own rule wrote it (`upper`: a level the result is above): neither read at the other
        nor on its other side (LabUnit.result_beside)."""
        written, limit_text = self.lab.result_beside(
            self.value, self.qualifier, self.lab_value, limit_ng, limit_text, upper=upper
        )
        if self.diluted:  # engine/diluted.py: the result read from a note's dilution
            return f"{written} (the diluted result in {self.diluted})", limit_text
        return written, limit_text

    @property
    def level(self) -> str:
        """The result without its qualifier, as `result` writes it."""
        return self.lab.result(self.value, "", self.lab_value)

    def amount(self, ng_ml: float, *, approx: bool = False, mark: str = "") -> str:
        """An amount given in ng/mL in the row's unit: '102 ng/mL', '2162 mIU/L (102 ng/mL)';
        `approx` for a threshold ('~10600 mIU/L (500 ng/mL)'), `mark` before both numbers."""
        return self.lab.amount(ng_ml, approx=approx, mark=mark)

    def number(self, ng_ml: float, *, approx: bool = False, mark: str = "") -> str:
        """`amount` where the text already implies ng/mL: '23.3' for a ng/mL row (as the
        texts always wrote it), '494 mIU/L (23.3 ng/mL)' for a mIU/L row."""
        return self.lab.number(ng_ml, approx=approx, mark=mark)

    def interval(self, low_ng_ml: float, high_ng_ml: float) -> str:
        """An interval given in ng/mL in the row's unit: '4.81–23.4 ng/mL', '≤ 23.4 ng/mL',
        '102–496 mIU/L (4.81–23.4 ng/mL)'."""
        return self.lab.range(low_ng_ml, high_ng_ml)

    @property
    def tsh_word(self) -> str | None:
        """The TSH written as a word ("erhöht", "normal", "↓"): "high", "low" or "normal"."""
        return lab_word(self.raw("tsh_text"))

    def _lab_limit(self, name: str) -> float | None:
        """The lab's own limit ``name`` of a context test given with the row (tsh_reference_high,
        free_t4_reference_low ...: its interval column, the reference cell of a long export's
        line, an interval written in the cell), in the engine's unit, else None."""
        value = self.num(name)
        return value if value is not None and value > 0 else None

    def _limit(self, lab_name: str, threshold: str) -> tuple[float, str]:
        """A limit the row is judged by and how the evidence quotes it: the lab's own
        (``lab_name``: "4.94 (the lab's interval)"), else thresholds.toml ``threshold`` ("4.2";
        clinical-reference §8: "TSH above the RI")."""
        lab = self._lab_limit(lab_name)
        if lab:
            return lab, f"{fmt(lab)} (the lab's interval)"
        value = self.t(threshold)
        return value, fmt(value)

    @property
    def tsh_upper(self) -> float:
        """The TSH upper limit: the lab's own (tsh_reference_high), else tsh_upper_miu_l."""
        return self._limit("tsh_reference_high", "tsh_upper_miu_l")[0]

    @property
    def tsh_upper_said(self) -> str:
        """The TSH upper limit as the evidence quotes it: "4.94 (the lab's interval)", "4.2"."""
        return self._limit("tsh_reference_high", "tsh_upper_miu_l")[1]

    @property
    def tsh_adult_limit_only(self) -> bool:
        """A child's TSH (under adult_levels_min_age_years) judged by no interval of the lab's
        own: TSH is physiologically higher after birth and in infancy, so the adult limit
        (tsh_upper_miu_l) does not grade it; it needs an age-appropriate interval."""
        return self._lab_limit("tsh_reference_high") is None and not self.adult_levels()

    @property
    def free_t4_low_limit(self) -> float:
        """The free T4 lower limit (pmol/L): the lab's own (free_t4_reference_low), else
        free_t4_low_pmol_l."""
        return self._limit("free_t4_reference_low", "free_t4_low_pmol_l")[0]

    @property
    def free_t4_low_said(self) -> str:
        """The free T4 lower limit as the evidence quotes it (`_limit`)."""
        return self._limit("free_t4_reference_low", "free_t4_low_pmol_l")[1]

    @property
    def tsh_above_upper(self) -> bool:
        """The row's TSH value is above its upper limit (tsh_upper: the lab's, else
        tsh_upper_miu_l; ">4" at the limit too, "<5" never)."""
        tsh = self.num("tsh")
        if tsh is None:
            return False
        upper = self.tsh_upper
        qualifier = str(self.raw("tsh_qualifier") or "")
        return qualifier != "<" and (tsh > upper or (tsh == upper and qualifier == ">"))

    @property
    def free_t4_pmol(self) -> float | None:
        """The row's free T4 in pmol/L: its free_t4 column (the readers put any unit in pmol/L,
        a note's "fT4 7 pmol/l" fills it), else a note's free T4 in ng/dL (states.toml
        free_t4_ng_dl_in_notes: "fT4 0,5 ng/dl") x free_t4_pmol_l_per_ng_dl."""
        free_t4 = self.num("free_t4")
        if free_t4 is not None or not self.patient.labs:
            return free_t4
        fact = self.patient.lab("free_t4_ng_dl")
        if fact is None or fact.number is None or fact.value == ">":
            return None
        return fact.number * self.t("free_t4_pmol_l_per_ng_dl")

    @property
    def free_t4_raised(self) -> bool:
        """The row's free T4 is above free_t4_high_pmol_l: a raised TSH beside it is no primary
        hypothyroidism."""
        free_t4 = self.free_t4_pmol
        upper, _ = self._limit("free_t4_reference_high", "free_t4_high_pmol_l")
        return free_t4 is not None and free_t4 > upper

    @property
    def tsh_raised(self) -> bool:
        """The TSH is raised, without a raised free T4 (which is no primary hypothyroidism): a
        value above tsh_upper_miu_l, a word ("erhöht"), else a note saying so (cue
        tsh_stated_high).  An enlarged pituitary beside it may be the thyrotroph hyperplasia of
        primary hypothyroidism (clinical-reference §1.4); without it, a possible sellar lesion."""
        if self.free_t4_raised:
            return False
        if self.num("tsh") is not None:
            return self.tsh_above_upper
        word = self.tsh_word
        if word is not None:
            return word == "high"
        return self.has("tsh_stated_high")

    @property
    def off_scale(self) -> str:
        """Words for a censored result ('' for a plain one), to follow a level statement."""
        if self.qualifier == ">":
            return " (above the measuring range: the true value may be much higher)"
        if self.qualifier == "<":
            return " (below the measuring range)"
        return ""

    def adult(self) -> bool:
        """Adult, or age not given."""
        age = self.age
        return age is None or age >= self.t("adult_age_years")

    def adult_levels(self) -> bool:
        """The adult series' prolactin levels (urgent line, prolactinoma levels) and sampling
        data apply: from puberty on (adult_levels_min_age_years), or age not given."""
        age = self.age
        return age is None or age >= self.t("adult_levels_min_age_years")

    @property
    def age_excess(self) -> float:
        """How far (ng/mL) the upper limit of a child's own age interval lies above the adult
        upper limit (adult_uln_reference_ng_ml), below adult_levels_min_age_years (an
        infant's, a neonate's: CALIPER 113.7, 212.8 ng/mL, clinical-reference §2.1), else 0.
        Not for pregnancy or breastfeeding (their own rules: state_accounts_for_level), nor for
        an age of 0 without days (judged against every interval of its span, the highest
        shown)."""
        if self.adult_levels() or self.uln != self.uln:
            return 0.0
        if self.state not in ("", "neonatal") or (not self.state and self.possibly_neonate):
            return 0.0
        return max(0.0, self.uln - self.t("adult_uln_reference_ng_ml"))

    def reach(self, ng_ml: float) -> float:
        """An adult absolute level of what a cause (a drug, the kidney, the thyroid, the liver,
        a seizure, an illness) usually raises prolactin to, for this patient: for an infant,
        whose own interval is already several times the adult one, the cause's rise is taken
        above the infant's limit rather than the adult's (age_excess added; review 24: 130
        ng/mL at 8 months on domperidone, 1.1x the infant limit, is the drug's usual doing,
        not 'beyond what a drug reaches')."""
        return ng_ml + self.age_excess

    def t(self, name: str) -> float:
        """A named threshold (KeyError names a missing one)."""
        value = self._tv.get(name)
        if value is None:
            return self.knowledge.thresholds.get(name)  # raises the KeyError naming it
        return value

    def above(self, limit: float) -> bool:
        """The result is above `limit` ng/mL (a `<` result never is)."""
        return self.qualifier != "<" and self.value > limit

    def within(self, limit: float) -> bool:
        """The result is at most `limit` ng/mL (a `>` result only when its bound is below)."""
        if self.qualifier == ">":
            return self.value < limit
        return self.value <= limit

    # --- raw values ---------------------------------------------------------------------------
    def raw(self, name: str) -> object:
        return self.rows.raw[name][self.i]

    def num(self, name: str) -> float | None:
        value = self.rows.raw[name][self.i]
        return value if isinstance(value, float) and value == value else None

    def text(self, name: str) -> str | None:
        value = self.raw(name)
        return value if isinstance(value, str) and value.strip() else None

    def collected_on(self, field: str) -> str:
        """' (sample of 2026-10-01, another collection)' where the row's ``field`` value is of
        another collection of the patient (a long export's line of another date,
        <field>_collected), ' (done on the sample of 2026-11-09)' for a PEG screen's, else '':
        such a value is always cited with its date."""
        when = self.text(f"{field}_collected")
        if not when:
            return ""
        if field in _SCREEN_FIELDS:
            return f" (done on the sample of {when})"
        return another_collection(when)

    def flag(self, name: str) -> bool | None:
        """A yes/no field.  The state fields (pregnant, lactating, menopausal, dialysis,
        kidney_transplant) are those the patient's state read (state.py): "?pregnant" is None."""
        value = self.raw(name)
        return bool(value) if isinstance(value, bool) else None

    def when(self, name: str) -> datetime | None:
        column = self.rows.raw[name]
        if isinstance(column, LazyTimes):
            return column.when(self.i)
        value = column[self.i]
        return value.to_pydatetime() if isinstance(value, pd.Timestamp) else None

    # --- free text ----------------------------------------------------------------------------
    def hits(self, cue: str) -> tuple[CueHit, ...]:
        return self.hit_map.get(cue, ())

    def has(self, cue: str) -> bool:
        return cue in self.hit_map

    def first(self, cue: str) -> CueHit | None:
        found = self.hit_map.get(cue)
        return found[0] if found else None

    @property
    def normal_mri(self) -> str | None:
        """The evidence of a pituitary MRI reported normal (cues normal_pituitary_mri and, in
        the lesion column, normal_pituitary_mri_cell) where no lesion is known or queried;
        else None."""
        if self.lesion.present or self.lesion.suspected:
            return None
        hit = self.first("normal_pituitary_mri_cell") or self.first("normal_pituitary_mri")
        return None if hit is None else hit.evidence()

    @property
    def sample_year(self) -> int:
        """The year the sample was taken (today's when not given)."""
        collected = self.when("collected_at")
        return collected.year if collected is not None else date.today().year

    def current_hit(self, cue: str) -> CueHit | None:
        """The first hit of `cue` that is not an episode dated in a year before the sample's
        (cue dated_episode right after it: "Galaktorrhoe (2019)", "galactorrhoea in 2019";
        not "seit 2019"); a later clause of the same cell may still hold a current one
        ("Galaktorrhoe 2019, jetzt Amenorrhoe")."""
        return self._current_and_earlier(cue, self.hits(cue), words=False)[0]

    def _earlier_results(self, hit_map: Hits) -> Hits:
        """`hit_map` with each context lab result in words (cues.toml [past_results]: "TSH
        erhöht", "eGFR normal") written as an earlier sample's ("TSH erhöht 2019", "früher TSH
        erhöht", "previously raised TSH") moved to the cue's earlier name (text.earlier_cue):
        it does not show the state at this sample, so no rule reads it as the current result."""
        out = dict(hit_map)
        for cue in self.book.past_result_cues.intersection(hit_map):
            current, earlier = self._current_and_earlier(cue, hit_map[cue], words=True)
            if earlier is None:
                continue
            out[earlier_cue(cue)] = (earlier,)
            if current is None:
                del out[cue]
            else:
                out[cue] = (current,)
        return out

    def _current_and_earlier(
        self, cue: str, hits: Sequence[CueHit], *, words: bool
    ) -> tuple[CueHit | None, CueHit | None]:
        """(The first hit of `cue` not dated in a year before the sample's, the first one so
        dated); with `words`, a hit written as an earlier result (CueBook.written_as_earlier)
        is an earlier one too."""
        earlier: CueHit | None = None
        for hit in hits:
            cell = self.text(hit.field) or ""
            found: CueHit | None = hit
            while found is not None and (
                self._dated_before(found, cell)
                or (words and self.book.written_as_earlier(found, cell))
            ):
                earlier = earlier or found
                at = cell.find(found.matched)
                end = _CLAUSE_END.search(cell, at + len(found.matched)) if at >= 0 else None
                if end is None:
                    found = None
                    break
                cell = cell[end.end() :]
                later = self.book.match(found.field, cell).get(cue)
                found = later[0] if later else None
            if found is not None:
                return found, earlier
        return None, earlier

    def _dated_before(self, hit: CueHit, cell: str) -> bool:
        """`hit` is followed in `cell` by a year before the sample's (cue dated_episode)."""
        at = cell.find(hit.matched)
        if at < 0:
            return False
        dated = self.book.match(hit.field, cell[at + len(hit.matched) :]).get("dated_episode")
        if not dated:
            return False
        year = self.sample_year
        return any(int(found) < year for found in YEAR_IN_NOTE.findall(dated[0].matched))

    @property
    def mass_symptom(self) -> CueHit | None:
        """A mass symptom that is not already a red flag: a headache now (cue headache; not
        dated years back, past, resolved or asked about).  Visual symptoms with a raised
        prolactin are red flags (mass_effect_flag).  With it a drug, the kidneys or the thyroid
        explain the level only in part: the pituitary is imaged regardless, and no rested
        repeat is suggested first (clinical-reference §8: "consistent with drug effect" only
        without mass symptoms; "suggest repeat rested sample": no mass symptoms)."""
        return self.current_hit(HEADACHE_CUE)

    @property
    def symptom(self) -> CueHit | None:
        """A typical symptom of hyperprolactinaemia: the symptom cue, or amenorrhoea / another
        menstrual disturbance (cue menstrual_disturbance), so every wording of the same picture
        counts the same (in a male, gynaecomastia in plain words too: cue
        male_breast_enlargement); not a menstrual one after the menopause (stated, or by age),
        or with a cause of its own written beside it (cue amenorrhoea_explained: a
        hysterectomy, a depot or intrauterine progestogen, a GnRH analogue, a continuous
        pill).  clinical-reference §5 lists menstrual symptoms for premenopausal women."""
        found = self.current_hit("symptom")
        if found is None and self.sex == "M":
            # a man's or a boy's breasts enlarged or tender in plain words: gynaecomastia (§5)
            found = self.current_hit("male_breast_enlargement") or self._low_testosterone()
        if found is not None or self.flag("menopausal") or self.has("not_child_bearing"):
            return found  # after the menopause missed periods are expected
        past_childbearing = self.age is not None and self.age >= self.t(
            "childbearing_age_max_years"
        )
        menstrual = self.current_hit("menstrual_disturbance")
        if menstrual is None or past_childbearing:
            return None
        cause = self.first("amenorrhoea_explained")
        if cause is not None and (
            cause.field == "medications" or self._same_sentence(menstrual, cause)
        ):
            return None  # its own cause: a hysterectomy, a depot progestogen, a GnRH analogue
        return menstrual

    @property
    def symptom_of_other_sex(self) -> CueHit | None:
        """A symptom the row's sex cannot have (clinical-reference §5 lists them by sex): a
        missed period or another menstrual disturbance on a male's row (cue
        menstrual_disturbance), erectile dysfunction, gynaecomastia or another man's symptom on a
        female's (cue male_symptom).  The sex or the row may be wrong: still counted where
        `symptom` counts it, and said (the caution conflicting_context, review 25)."""
        if self.sex == "M":
            return self.current_hit("menstrual_disturbance")
        if self.sex == "F":
            return self.current_hit("male_symptom")
        return None

    def _same_sentence(self, one: CueHit, other: CueHit) -> bool:
        """Both findings are written in one sentence of one cell ("amenorrhoea on
        Depo-Provera"; not "Amenorrhoea. Radioiodine ablation 2025")."""
        if one.field != other.field:
            return False
        cell = self.text(one.field) or ""
        return any(
            one.matched in sentence and other.matched in sentence
            for sentence in _SENTENCE_END.split(cell)
        )

    @property
    def testosterone_known(self) -> bool:
        """A total testosterone with its unit is written in a note (states.toml)."""
        return bool(self.patient.labs) and any(
            self.patient.lab(name) is not None for name, _ in _TESTOSTERONE_LABS
        )

    def _low_testosterone(self) -> CueHit | None:
        """A man's total testosterone written in a note below testosterone_low_nmol_l: low
        testosterone, a symptom of hyperprolactinaemia as the words are (clinical-reference
        §5)."""
        for name, to_nmol in _TESTOSTERONE_LABS:
            fact = self.patient.lab(name) if self.patient.labs else None
            if fact is None or fact.number is None:
                continue
            nmol = fact.number * (self.t(to_nmol) if to_nmol else 1.0)
            limit = self.t("testosterone_low_nmol_l")
            if nmol < limit or (fact.value == "<" and nmol <= limit):
                return CueHit("symptom", fact.column, fact.quote, fact.quote)
        return None

    @property
    def above_usual(self) -> bool:
        """Judged against a physiological interval (pregnancy, breastfeeding, neonatal) yet
        above the upper limit the patient would otherwise have (the non-physiological one)."""
        usual = self.usual_uln
        return self.source == "physiological" and usual == usual and self.above(usual)

    @property
    def pituitary_damage(self) -> tuple[str, str] | None:
        """For a low result: (evidence, what it is) of what may have damaged the pituitary, else
        None.  A chronically low prolactin marks pituitary damage (clinical-reference §4 head
        trauma), so the other axes are worth testing: a head injury at any time (the
        head_trauma field, or the words of cues.head_trauma_any), pituitary surgery or cranial
        radiotherapy (cues.pituitary_treated), a resected pituitary lesion, or Sheehan syndrome
        (named, or a postpartum haemorrhage with a failure to lactate: cues.toml
        combined.sheehan_signs).  A known macro-lesion is judged whatever the prolactin
        (suggestions._pituitary_reason)."""
        if self.status != "low":
            return None
        sheehan = self.first("sheehan")
        if sheehan is not None:
            return sheehan.evidence(), "Sheehan syndrome"
        if self.state == "lactation" and self.source == "physiological":
            # low while breastfeeding or in the week after delivery, when prolactin stays above
            # non-pregnant levels (clinical-reference §2.1): a failure of lactation (review 22)
            return self.patient.said("lactation") or self.patient.said("postpartum") or (
                self.flag_evidence("lactating")
            ), LACTATION_FAILURE
        if self.flag("head_trauma") is not True and PITUITARY_DAMAGE_CUES.isdisjoint(self.hit_map):
            return None
        treated = self.first("pituitary_treated")
        if treated is not None:
            return treated.evidence(), "pituitary surgery or cranial radiotherapy"
        if self.lesion.present and self.has("lesion_resected"):
            return self.lesion.evidence, "pituitary surgery"
        if self.flag("head_trauma"):
            return self.flag_evidence("head_trauma"), "a head injury"
        injury = self.first("head_trauma_any")
        if injury is not None and not (
            self.flag("head_trauma") is False and injury.field == "head_trauma_text"
        ):
            return injury.evidence(), "a head injury"
        return None

    @property
    def raised_for_usual(self) -> bool:
        """The result is or may be raised, or is above the usual (non-physiological) limit: a
        red flag or a known lesion counts with it whatever explains the level (a prolactinoma
        can grow in pregnancy; ES 2011 recommendations 6.x)."""
        return self.high_like or self.above_usual

    def quote(self, name: str) -> str:
        """`name: 'value as written'` for an evidence line."""
        value = self.raw(name)
        if isinstance(value, float):
            return f"{field_words(name)}: {fmt(value)}"
        return f"{field_words(name)}: '{value}'"

    def flag_evidence(self, name: str) -> str:
        """Evidence for a yes/no field: what the patient's state read for it (every cell that
        says it), else its text as written when kept, else 'yes'."""
        said = self.patient.said(_STATE_TOPICS.get(name, ""))
        if said:
            return said
        written = self.text(f"{name}_text")
        label = field_words(name)
        return f"{label}: '{written}'" if written else f"{label}: yes"

    def _column_size(self, size: float) -> float:
        """The size column's number in millimetres.  A macroadenoma is at least macroadenoma_mm
        by definition (clinical-reference §0): a bare number under it beside words naming one
        ("macroadenoma" with "3.2", "Makroadenom" with "3,2", "giant adenoma" with "4.5": cues
        lesion_macro_named, lesion_giant) and none naming a microadenoma can only be in cm (a
        header naming its unit, "Tumour size (cm)", is converted by the reader already)."""
        if (
            size >= self.t("macroadenoma_mm")
            or self.has("lesion_micro")
            or not (self.has("lesion_macro_named") or self.has("lesion_giant"))
        ):
            return size
        return self.book.bare_size_beside_macro_mm(size)

    def _find_lesion(self) -> LesionInfo:
        """A lesion from pituitary_lesion(_mm) or named in any free-text field (comments,
        symptoms, clinical details ...: "Makroadenom 4,5 cm", "45 mm mass").  Its size is the
        size column's, else the first size written in the lesion cell, else the first written
        with a lesion named in another field, so a size in the comments drives the stalk-effect
        and hook-effect rules exactly as one in the lesion column."""
        column = self.num("pituitary_lesion_mm")
        written = self.text("pituitary_lesion")
        evidence = []
        size = None
        if column is not None and column > 0:
            size = self._column_size(column)
            in_mm = f" = {fmt(size)} mm" if size != column else ""  # a bare size read in cm
            evidence.append(f"pituitary_lesion_mm: {fmt(column)}{in_mm}")
        hits = named = self.hits("lesion")
        enlarged = () if named or self.tsh_raised else self.hits("pituitary_hyperplasia")
        if not evidence and not written and not hits and not enlarged:
            return LesionInfo(present=False)  # nothing says a lesion (the common row)
        hyperplasia = written is not None and hyperplasia_cell(self.book, written)
        negative = written is not None and (
            lesion_cell_says_none(self.book, written) or (hyperplasia and self.tsh_raised)
        )
        if not hits and not negative:
            hits = enlarged  # the enlarged gland in the notes stands for the lesion
        if written and not negative:
            evidence.append(f"pituitary_lesion: '{written}'")
            if size is None:
                size = self.book.lesion_size_mm(written)
            # the lesion the column names, measured in the notes without its name ("MRI: 3.1 x
            # 2.4 cm", "MRT 11/2025: 3,1 x 2,4 cm", "size 31 mm": cues.toml lesion_size_stated)
            for hit in self.hits("lesion_size_stated") if size is None else ():
                size = self.book.lesion_size_mm(hit.matched)
                if size is not None:
                    evidence.append(hit.evidence())
                    break
        elif hits:
            evidence.append(hits[0].evidence())
        for hit in hits if size is None else ():
            size = self.book.lesion_size_mm(hit.quote)
            if size is not None:
                if hit.evidence() not in evidence:
                    evidence.append(hit.evidence())
                break
        if not evidence:
            return LesionInfo(present=False)
        # a lesion stated in a sentence of its own ("MRI: pituitary macroadenoma abutting chiasm.
        # ?prolactinoma vs NFPA"): its kind is queried, not whether it is there
        definite = any(
            "lesion_suspected" not in self.book.match(hit.field, sentence)
            for hit in hits
            for sentence in _sentences(self.text(hit.field) or "")
            if hit.matched in sentence
        ) or bool(
            written
            and not negative
            and "lesion_suspected" not in self.book.match("pituitary_lesion", written)
        )
        if (
            size is None
            and self.has("lesion_suspected")
            and not self.has("lesion_giant")
            and not definite
        ):
            # a lesion only queried ("?pituitary adenoma - MRI requested", "V.a. Prolaktinom"),
            # no size measured: the question the test was ordered to answer, not a finding (the
            # level, the macroprolactin screen and the rested repeat decide, Auriemma 2023)
            return LesionInfo(present=False, evidence="; ".join(evidence), suspected=True)
        if self.has("lesion_resected") and self.has("lesion_no_residual"):
            # removed with nothing left: pituitary disease is known, no mass is there now (no
            # stalk compression, no hook effect)
            return LesionInfo(present=True, evidence="; ".join(evidence))
        macro = size >= self.t("macroadenoma_mm") if size is not None else self.has("lesion_macro")
        return LesionInfo(
            enlarged=not named and (bool(enlarged) or hyperplasia),
            empty_sella=size is None and self._only_empty_sella(named),
            failure_only=size is None
            and not written
            and self._only_cue("pituitary_failure_treated", named),
            present=True,
            evidence="; ".join(evidence),
            size_mm=size,
            macro=macro,
            non_secreting=self.has("lesion_non_secreting"),
            # a lesion named a prolactinoma secretes prolactin, whatever else the row names
            non_adenoma=self.has("lesion_non_adenoma") and not self.has("lesion_prolactinoma"),
            giant=size is None and self.has("lesion_giant"),
            micro=size is None and not macro and self.has("lesion_micro"),
            suspected=self.has("lesion_suspected"),
            prolactinoma=self.has("lesion_prolactinoma"),
            stalk=self.has("lesion_stalk"),
        )

    def _only_cue(self, cue: str, named: tuple[CueHit, ...]) -> bool:
        """Every lesion named is a hit of `cue` (one that implies lesion)."""
        own = {hit.matched for hit in self.hits(cue)}
        return bool(own) and all(hit.matched in own for hit in named)

    def _only_empty_sella(self, named: tuple[CueHit, ...]) -> bool:
        """Every lesion named is an empty sella (cues.toml empty_sella implies lesion), and no
        other lesion is written in the lesion column."""
        empty = {hit.matched for hit in self.hits("empty_sella")}
        return bool(empty) and all(hit.matched in empty for hit in named)

    @property
    def acromegaly(self) -> Acromegaly | None:
        """Acromegaly, gigantism or a GH-secreting adenoma named (cues.toml acromegaly, not denied),
        with whether it is known: named without doubt in its clause ("Akromegalie bei Makroadenom
        16 mm", "known acromegaly") rather than only queried ("V.a. Akromegalie", "?acromegaly",
        "sospetta acromegalia", "?GH excess": cue lesion_suspected in the same clause), or only
        its features written ("acromegalic features", "faciès acromégaloïde": cue
        acromegaly_features, never known).  One mention without doubt makes it known.  None
        where nothing names it."""
        hits = self.hits("acromegaly")
        for hit in hits:
            if "lesion_suspected" not in self.book.match(hit.field, hit.quote):
                return Acromegaly(hit, known=True)
        queried = hits or self.hits("acromegaly_features")
        return Acromegaly(queried[0], known=False) if queried else None

    def physiological_uln(self, state: str) -> float | None:
        """Upper limit of the chosen (else default) set's stratum for `state` ("lactating")."""
        for rs in (self.knowledge.reference_set, self.knowledge.default_set):
            for st in rs.strata:
                if st.state == state:
                    return st.high_ng_ml
        return None

    @property
    def small_lesion(self) -> bool:
        """A known lesion measured below macroadenoma_mm, or named a microadenoma or
        microprolactinoma without a size (below macroadenoma_mm by definition): common in adults
        and easily blamed for a rise it did not cause (clinical-reference §1.4: incidentalomas in
        ≥ 10% of adults), so it does not skip the rested repeat and the macroprolactin screen,
        and needs no visual fields or pituitary function tests by itself (those are for a
        macroadenoma or visual symptoms: output-contract-extensions)."""
        lesion = self.lesion
        if not lesion.present or lesion.macro or lesion.giant:
            return False
        if lesion.size_mm is None:
            return lesion.micro or lesion.empty_sella
        return lesion.size_mm < self.t("macroadenoma_mm")

    @property
    def state_followed_lesion(self) -> bool:
        """Pregnant or breastfeeding with a known small lesion (small_lesion: a microadenoma, a
        microprolactinoma, an incidentaloma below macroadenoma_mm; not one written with doubt),
        a level above the usual limit that the state accounts for (raised_for_usual,
        state_explains_level; within the usual limit nothing is raised: none), and no mass
        symptom: no red flag, no sellar sign, no headache.  The level says nothing of the
        lesion then (prolactin rises physiologically): no MRI, no routine prolactin in
        pregnancy, a dopamine agonist stopped once the pregnancy is confirmed, and a clinical
        review for headache or
        visual symptoms, with visual fields and an MRI (without gadolinium) only if they appear
        (clinical-reference §1.1 ES 2011 6.x)."""
        return (
            self.state in ("pregnancy", "lactation")
            and self.raised_for_usual
            and self.small_lesion
            and not self.lesion.suspected
            and self.state_explains_level
            and self.mass_effect_flag is None
            and self.sellar_sign_alone is None
            and self.mass_symptom is None
        )

    @property
    def hook_sized_lesion(self) -> bool:
        """The lesion is large enough for a hook effect: at least hook_lesion_mm, or without a
        size named giant, or a macroadenoma by its words or signs while hook_lesion_mm is no
        larger than macroadenoma_mm (a macroadenoma is that size by definition)."""
        lesion = self.lesion
        if not lesion.present:
            return False
        if lesion.non_adenoma:
            # a craniopharyngioma, meningioma, Rathke cyst, germinoma, hypophysitis ...: no
            # prolactinoma, so no prolactin to read falsely low (the hook effect concerns
            # macroprolactinomas: clinical-reference §1.3, §4 stalk compression)
            return False
        if lesion.size_mm is not None:
            return lesion.size_mm >= self.t("hook_lesion_mm")
        named_macro = lesion.macro and self.t("hook_lesion_mm") <= self.t("macroadenoma_mm")
        return lesion.giant or named_macro

    @property
    def hook_limit_ng_ml(self) -> float:
        """The result below which the row's lesion makes a hook effect possible: hook_max_ng_ml,
        or for a giant lesion (giant_lesion_mm) giant_prolactinoma_ng_ml: a giant prolactinoma
        shows over 1,000 ng/mL, so a few hundred is as discordant with it as under 200 is with a
        smaller macroadenoma (Auriemma 2023: tumour size discordant with PRL, especially > 3 cm)."""
        size = self.lesion.size_mm
        giant = size >= self.t("giant_lesion_mm") if size is not None else self.lesion.giant
        return self.t("giant_prolactinoma_ng_ml") if giant else self.t("hook_max_ng_ml")

    @property
    def dilution_seen(self) -> str:
        """The evidence that the sample was re-assayed at dilution, "" where nothing says so:
        the diluted result the row is judged with (engine/diluted.py), else a diluted result
        written in a note whatever its value (states.toml diluted_prolactin_in_notes: one lower
        than or equal to the cell's leaves the cell as the result), else words saying it was
        done (cues.toml dilution_done: "hook effect excluded", "Hook-Effekt ausgeschlossen",
        "serial dilutions", a diluted test line or column taken as the result).  The hook effect
        is settled: the dilution is not asked for again (clinical-reference §0, §7.6)."""
        if self.diluted:
            return self.diluted
        for fact in self.patient.labs:
            if fact.field == DILUTED_LAB:
                return fact.evidence()
        hit = self.first("dilution_done")
        return hit.evidence() if hit is not None else ""

    @property
    def treated_prolactinoma(self) -> bool:
        """A lesion named a prolactinoma (not with doubt) on a prolactin-lowering drug: a normal
        or suppressed level is the treatment's effect (clinical-reference §3.2), not a result read
        falsely low by the hook effect."""
        lesion = self.lesion
        return lesion.prolactinoma and not lesion.suspected and bool(self.prolactin_treatment)

    @property
    def prolactin_treatment(self) -> list[DrugMatch]:
        """The prolactin-lowering treatments taken (ATC G02CB: cabergoline, bromocriptine,
        quinagolide): a raised result on one suggests resistance, too low a dose or missed doses
        (clinical-reference §3.2)."""
        return [
            m
            for m in self.drugs
            if m.drug.masks and any(a.startswith(PROLACTIN_INHIBITOR_ATC) for a in m.drug.atc)
        ]

    @property
    def treated_hyperprolactinaemia(self) -> bool:
        """Known hyperprolactinaemia on its treatment: a known prolactinoma
        (known_prolactinoma), or a prolactin-lowering treatment (prolactin_treatment: ATC
        G02CB, given for hyperprolactinaemia itself) taken now (not stopped, not written with
        doubt) with no pituitary lesion named or queried (judged as such: a queried
        prolactinoma keeps the work-up of a raised result).  A raised result
        is then a question of the treatment: resistance, missed doses or too low a dose
        (clinical-reference §3.2, §8 masking), not a new rise to screen for macroprolactin and
        work up for secondary causes."""
        if self.known_prolactinoma:
            return True
        if self.lesion.present or self.lesion.suspected:
            return False
        return any(
            not m.stopped and m.doubt != "unconfirmed" for m in self.hyperprolactinaemia_treatment
        )

    @property
    def hyperprolactinaemia_treatment(self) -> list[DrugMatch]:
        """The prolactin-lowering treatments (prolactin_treatment) not written as given for
        another purpose (DrugMatch.other_purpose: "cabergoline for OHSS prevention", "Dostinex
        to stop lactation", "cabergoline for acromegaly", "bromocriptine (Parkinson)"): those
        given for hyperprolactinaemia itself.  The others still mask a rise (§8) but treat no
        known hyperprolactinaemia."""
        return [m for m in self.prolactin_treatment if not m.other_purpose]

    @property
    def known_prolactinoma(self) -> bool:
        """A diagnosed prolactinoma, followed up rather than newly found: a lesion named as one
        (cue lesion_prolactinoma: prolactinoma, Prolaktinom, prolactinome, prolattinoma,
        prolactinoom, micro- and macro-), or a known pituitary lesion with a prolactin-lowering
        treatment (ATC G02CB: a dopamine agonist given for hyperprolactinaemia), unless the
        lesion is one that does not secrete prolactin.  Never a lesion written with doubt
        ("?prolactinoma", "V.a. Prolaktinom").  A raised result is then a question of the
        treatment (adherence, dose, resistance; clinical-reference §3.2, §1.1 3.x), not of an
        incidental lesion, macroprolactin or the secondary causes of a new rise."""
        lesion = self.lesion
        if not lesion.present or lesion.suspected:
            return False
        if lesion.prolactinoma:
            return True
        return bool(self.hyperprolactinaemia_treatment) and not (
            lesion.non_adenoma or lesion.non_secreting
        )

    @property
    def monomeric_known(self) -> bool:
        """A monomeric (post-PEG) prolactin is given, or estimated (monomeric_estimate)."""
        mono = self.monomeric_estimate
        return mono == mono

    def level_above(self, limit: float) -> bool:
        """The prolactin a tumour would make is above ``limit`` ng/mL: the monomeric (post-PEG)
        prolactin where known (a total that is mostly macroprolactin is not; clinical-reference
        §2.3), else the result (``above``)."""
        if self.monomeric_known:
            return bool(self.monomeric_estimate > limit)
        return self.above(limit)

    @property
    def recovery_mark(self) -> str:
        """The PEG recovery's "<" or ">" as the lab wrote it ("<40 %", "> 60 %"), else ""."""
        return self.text("macroprolactin_recovery_pct_qualifier") or ""

    @property
    def recovery_side(self) -> str | None:
        """Where the PEG recovery lies against the thresholds of clinical-reference §2.3:
        "macro" (below peg_recovery_macro_pct: macroprolactin present), "true" (above
        peg_recovery_true_pct: monomeric), "equivocal" (between them, or a censored bound that
        does not tell: "<50", ">45"), None when none is given.  A bound reads as what it says:
        "<40" is below 40, ">60" above 60."""
        recovery = self.num("macroprolactin_recovery_pct")
        if recovery is None:
            return None
        return self.side_of_recovery(recovery, self.recovery_mark)

    def side_of_recovery(self, recovery: float, mark: str = "") -> str:
        """`recovery_side` of a recovery of ``recovery`` % written with ``mark``."""
        macro_below = self.t("peg_recovery_macro_pct")
        true_above = self.t("peg_recovery_true_pct")
        if recovery < macro_below and mark != ">":
            return "macro"
        if mark == "<" and recovery <= macro_below:
            return "macro"
        if recovery > true_above and mark != "<":
            return "true"
        if mark == ">" and recovery >= true_above:
            return "true"
        return "equivocal"

    @property
    def derived_recovery(self) -> float | None:
        """The PEG recovery (%) a monomeric (post-PEG) prolactin given beside a plain total
        implies: monomeric x 100 / total, the same measure as a recovery written as such
        (clinical-reference §2.3: recovery = monomeric / total), so both forms of one screen
        are read alike.  None when a recovery is written, no monomeric prolactin is given (or
        only as a bound, "<1 ng/mL"), or the total is censored or not positive."""
        if self.num("macroprolactin_recovery_pct") is not None:
            return None
        mono, total = self.monomeric_ng, self.value
        if mono != mono or self.qualifier != "" or not total > 0:
            return None
        if self.text("monomeric_prolactin_note_unit") and self.text(
            "monomeric_prolactin_note_qualifier"
        ):
            return None
        return float(mono * 100 / total)

    @property
    def monomeric_estimate(self) -> float:
        """Monomeric (post-PEG) prolactin in ng/mL: given, else total × a PEG recovery that shows
        macroprolactin present or equivocal (else NaN).  A
        recovery written as "<r" gives at most total × r, used as the estimate: the rules that
        read it ask whether it is above a limit, and a bound above one is judged as the total
        above it would be, a bound within one surely is."""
        if self.monomeric_ng == self.monomeric_ng:
            return self.monomeric_ng
        recovery = self.num("macroprolactin_recovery_pct")
        if recovery is None or self.qualifier != "" or self.value != self.value:
            return math.nan
        side = self.recovery_side
        if side == "true" or (side == "equivocal" and self.recovery_mark == ">"):
            # A recovery above the grey zone: the total is the monomeric prolactin (judged as
            # the total).  A ">r" bound in the grey zone gives only a lower bound, which cannot
            # show the excess to be mild.
            return math.nan
        # Macroprolactin present or equivocal: total x recovery is the post-PEG prolactin the
        # lab measured (recovery = post-PEG / total), the quantity the post-PEG limits describe
        # (clinical-reference §2.3, §7.3): read as a post-PEG result given as such.
        return self.value * recovery / 100

    @property
    def true_rise_shown(self) -> str | None:
        """What shows this sample's rise to be true (monomeric), as evidence, or None: a
        monomeric (post-PEG) prolactin given (a column or a note) above its limit; else a PEG
        recovery above peg_recovery_true_pct; else a negative macroprolactin screen of this
        sample (one written with a year is an earlier sample's) (clinical-reference §2.3).  Not
        screened, an equivocal recovery or macroprolactin found (a recovery below
        peg_recovery_true_pct: total x recovery is only an estimate): None."""
        mono = self.monomeric_ng
        if mono == mono:
            limit = self.post_peg_uln
            if not mono > limit:
                return None
            return (
                f"monomeric prolactin {self.amount(mono)}{self.collected_on('monomeric_prolactin')}"
                f" above {self.post_peg_limit(unit=True)}"
            )
        recovery = self.num("macroprolactin_recovery_pct")
        if recovery is not None:
            true_above = self.t("peg_recovery_true_pct")
            if self.recovery_side != "true":
                return None
            return (
                f"PEG recovery {self.recovery_mark}{fmt(recovery)}%"
                f"{self.collected_on('macroprolactin_recovery_pct')}, above {fmt(true_above)}%"
            )
        hit = self.first("macroprolactin_absent")
        if hit is None or self.has("macroprolactin_present") or self.has("macroprolactin_past"):
            return None
        return f"macroprolactin screen negative: {hit.evidence()}"

    @property
    def macroprolactin_excluded(self) -> str | None:
        """What shows the rise to be a true (monomeric) excess with no macroprolactin found, as
        evidence, or None: `true_rise_shown`, unless macroprolactin is also shown present or
        equivocal (a recovery up to peg_recovery_true_pct, a monomeric prolactin that is no more
        than that share of the total, or a screen that found macroprolactin): a mixed picture,
        whose monomeric part is judged by `monomeric_mild`.  Such an excess is never a mild
        rise to repeat first: the work-up follows (clinical-reference §2.3, §7.1)."""
        shown = self.true_rise_shown
        if shown is None or self.has("macroprolactin_present"):
            return None
        if self.recovery_side in ("macro", "equivocal"):
            return None
        mono, total = self.monomeric_ng, self.value
        plain = mono == mono and self.qualifier == "" and total > 0
        if plain and self.side_of_recovery(mono * 100 / total) != "true":
            return None  # the share it is of the total: macroprolactin present or equivocal
        return shown

    @property
    def mild_band_ceiling(self) -> float:
        """Where the mild band ends (ng/mL): the lowest lower_ng_ml of thresholds.toml [[band]]
        above the mild band's (output-contract §5: mild < 50 ng/mL)."""
        bands = self.knowledge.thresholds.bands
        start = next(b.lower_ng_ml for b in bands if b.name == MILD_BAND)
        return min((b.lower_ng_ml for b in bands if b.lower_ng_ml > start), default=math.inf)

    @property
    def mildly_raised(self) -> bool:
        """The contract's "mildly raised" (output-contract §7: routine): a rise of at most
        repeat_rested_max_times_uln × its upper limit (`mild`) that for an adult outside
        pregnancy, breastfeeding and the neonatal period also lies in the mild band (below
        `mild_band_ceiling`: the bands are adult non-physiological levels; a child's limits are
        often higher, term pregnancy's far higher), or a mild monomeric excess under a total
        that is mostly macroprolactin (`monomeric_mild`, its monomeric level in the mild band
        too): the true excess is judged by its own level, as a total is (a larger one is not
        mild: soon).  Never a rise the macroprolactin screen showed to be monomeric
        (`macroprolactin_excluded`): a true excess, whatever its size.  With a wide upper
        limit (re-derived Roche limits) 2.5× reaches the moderate band, which is not a mild
        rise.  Never for a child (under adult_levels_min_age_years) outside a physiological state (a
        neonate's, a pregnant girl's interval judges it as before): the mild-rise data are
        adults'."""
        if self.macroprolactin_excluded is not None:
            return False
        if not self.adult_levels() and not self.state:
            # a child (prepubertal): the rise that settles on a rested, cannulated
            # repeat is adults' (Tsur 2020, clinical-reference §7.1, §8), and a child's limits
            # are its age's: a raised result is seen by the paediatric endocrinologist (soon)
            return False
        # the bands are levels outside pregnancy, breastfeeding and the neonatal period: a
        # state's own interval (term pregnancy reaches several hundred ng/mL) is judged by it
        banded = self.adult() and not self.state
        ceiling = self.mild_band_ceiling if banded else math.inf
        if self.mild and self.value < ceiling:
            return True
        # a true excess beside macroprolactin is judged by its own (monomeric) level; within a
        # limit borrowed from another assay nothing judges that level: the total's priority
        mono_mild = self.monomeric_mild and not self.monomeric_within_borrowed
        return mono_mild and self.monomeric_estimate < ceiling

    @property
    def monomeric_mild(self) -> bool:
        """The monomeric (post-PEG) prolactin is above its limit by at most
        repeat_rested_max_times_uln × that limit under a total that is mostly macroprolactin
        (`screen_side` "macro"): a true excess judged as a mild rise (routine) whose work-up
        starts with a rested repeat, the MRI conditional on it
        (clinical-reference §2.3, §7.1).  Within a limit borrowed from another assay
        (`monomeric_within_borrowed`) it may be such an excess on the row's own assay, and its
        work-up is the same."""
        mono = self.monomeric_estimate
        limit = self.post_peg_uln
        if mono != mono or not limit > 0:
            return False
        if self.monomeric_within_borrowed:
            return True
        if self.screen_side != "macro":
            # an equivocal (40–60%) or a negative screen: PEG co-precipitates up to ~25% of
            # monomeric prolactin, so such a monomeric level understates a true excess, which is
            # never judged a mild one (clinical-reference §2.3)
            return False
        return limit < mono <= limit * self.t("repeat_rested_max_times_uln")

    @property
    def screen_side(self) -> str | None:
        """`recovery_side` of this sample's PEG screen in either form: the recovery written,
        else the share a given monomeric prolactin is of the total (`derived_recovery`); None
        when neither is known."""
        side = self.recovery_side
        derived = self.derived_recovery
        if side is None and derived is not None:
            side = self.side_of_recovery(derived)
        return side

    @property
    def monomeric_within_borrowed(self) -> bool:
        """The monomeric (post-PEG) prolactin, given or estimated, is within a post-PEG limit
        of another assay's (`post_peg_borrowed`): it does not show the total explained by
        macroprolactin on the row's own assay (clinical-reference §2.3: post-PEG intervals are
        assay-specific; Atellica reads ~1.7x lower than Roche on the same serum)."""
        mono = self.monomeric_estimate
        return mono == mono and mono <= self.post_peg_uln and self.post_peg_borrowed is not None

    @property
    def monomeric_contradicted(self) -> bool:
        """A monomeric (post-PEG) prolactin was given that contradicts the total and is not
        used (Rows.monomeric_contradicted; the reference note says why)."""
        flags = self.rows.monomeric_contradicted
        return bool(flags) and flags[self.i]

    @property
    def post_peg_from_lab(self) -> bool:
        """The lab gave its own post-PEG upper limit with the monomeric prolactin (a long
        export's reference on the post-PEG line, HL7 OBX-7, FHIR referenceRange)."""
        own = self.rows.post_peg_high_ng[self.i] if self.rows.post_peg_high_ng else math.nan
        return own == own and own > 0

    def post_peg_limit(self, *, unit: bool = False) -> str:
        """The post-PEG limit as evidence names it: "the lab's post-PEG limit 600 mIU/L (28.3
        ng/mL)", or "the post-PEG limit ~392 mIU/L (18.5 ng/mL)" (the assay's or thresholds'),
        "the Tosoh AIA post-PEG limit ~247 mIU/L" (an assay without a set: `post_peg_assay`);
        `unit`: "18.5 ng/mL" on a ng/mL row too (`amount`, else `number`)."""
        written = self.amount if unit else self.number
        if self.post_peg_from_lab:
            return f"the lab's post-PEG limit {written(self.post_peg_uln)}"
        borrowed = self.post_peg_borrowed
        if borrowed is not None:
            lender, assay = borrowed
            return (
                f"the post-PEG limit {written(self.post_peg_uln, approx=True)} of another assay "
                f"({lender}; none known for {assay})"
            )
        own = self.post_peg_assay
        named = f"the {own.name} post-PEG limit" if own is not None else "the post-PEG limit"
        return f"{named} {written(self.post_peg_uln, approx=True)}{self._post_peg_sex_unknown}"

    @property
    def _post_peg_sex_unknown(self) -> str:
        """' (sex not given: the men's, the lower; the women's is ...)' where the sex is not
        known and the two post-PEG limits differ: a monomeric level between them is a true
        excess for a man only (indeterminate), never silently judged as one."""
        if self.sex in ("F", "M"):
            return ""
        female, male = self._post_peg_pair
        if female == male:
            return ""
        lower, higher = ("men's", "women's") if male < female else ("women's", "men's")
        other = self.number(max(female, male), approx=True)
        return f" (sex not given: the {lower}, the lower; the {higher} is {other})"

    def _row_set(self) -> ReferenceSet | None:
        """The reference set that judged the row (an assay's, or the chosen set), None when
        its name is none of them."""
        name = self.rows.set_names[self.i] if self.rows.set_names else ""
        chosen = self.knowledge.assay_sets.get(name)
        if chosen is None and self.knowledge.reference_set.name == name:
            chosen = self.knowledge.reference_set
        return chosen

    @property
    def unknown_assay(self) -> str:
        """The row's assay text where it names no reference set ("Tosoh AIA-900"), else ""."""
        return self.rows.unknown_assay[self.i] if self.rows.unknown_assay else ""

    @property
    def post_peg_assay(self) -> PostPegAssay | None:
        """The post-PEG limits of the row's assay where it has no reference set but the
        thresholds list its limits (thresholds.toml [[post_peg_assay]]: Tosoh AIA, Immulite,
        Beltran 2008), else None."""
        return find_post_peg_assay(self.unknown_assay, self.knowledge.thresholds.post_peg_assays)

    @property
    def post_peg_borrowed(self) -> tuple[str, str] | None:
        """(the assay whose post-PEG limits were used, the row's assay) where the row's assay
        has no post-PEG limits of its own — a reference set without them (Siemens Atellica), or
        an assay named on the row that has no set and none in the thresholds (Ortho Vitros,
        DiaSorin LIAISON) — so that another assay's limits (the thresholds' post_peg_uln_*,
        Roche's, or the chosen set's) stand in for them: post-PEG intervals are assay-specific
        (clinical-reference §2.3, Beltran 2008: Centaur's are far below Roche's), so a
        monomeric prolactin judged against them is only a possible finding.  None for the
        lab's own limit, an assay with its own, and a row whose method is not stated (the
        default set)."""
        if self.post_peg_from_lab or self.post_peg_assay is not None:
            return None
        chosen = self._row_set()
        own = chosen.post_peg_high if chosen is not None else None
        if self.unknown_assay:
            assay = self.unknown_assay
        elif chosen is None or not chosen.assay or own is not None:
            return None
        else:
            assay = chosen.assay
        limits = own or (self.t("post_peg_uln_female_ng_ml"), self.t("post_peg_uln_male_ng_ml"))
        lender = next(
            (s.assay for s in self.knowledge.assay_sets.values() if s.post_peg_high == limits),
            "the tool's default",
        )
        return _assay_name(lender), _assay_name(assay)

    @property
    def post_peg_uln(self) -> float:
        """Upper limit of monomeric (post-PEG) prolactin: the lab's own, given with the
        monomeric prolactin (clinical-reference §2.2: prefer the lab-supplied interval; §2.3,
        §7.3: post-PEG intervals are assay-specific); else for the sex (the lower if unknown)
        the row's assay's: listed in the thresholds for an assay without a set
        (`post_peg_assay`: Tosoh, Immulite), or given by its reference set (a Centaur's is far
        below Roche's: clinical-reference §2.3); else the thresholds'."""
        if self.post_peg_from_lab:
            return self.rows.post_peg_high_ng[self.i]
        female, male = self._post_peg_pair
        if self.sex == "F":
            return female
        if self.sex == "M":
            return male
        return min(female, male)

    @property
    def _post_peg_pair(self) -> tuple[float, float]:
        """The (women's, men's) post-PEG upper limits `post_peg_uln` chooses from (ng/mL)."""
        chosen = self._row_set()
        own = self.post_peg_assay
        if own is not None:
            # in mIU/L: divided by the row's factor, as its monomeric prolactin was (units.py)
            divisor = self.factor if own.unit == MIU_L else 1
            female, male = own.female_high / divisor, own.male_high / divisor
        elif chosen is not None and chosen.post_peg_high is not None:
            female, male = chosen.post_peg_high
        else:
            female = self.t("post_peg_uln_female_ng_ml")
            male = self.t("post_peg_uln_male_ng_ml")
        return female, male


def _without(
    hit_map: Hits, *, cues: Set[str] = frozenset(), hits: Set[CueHit] = frozenset()
) -> Hits:
    """`hit_map` without the cues named in `cues` (and every hit of theirs counted for another
    cue) and without the hits in `hits`; a cue left with no hit is dropped.  Unchanged when
    there is nothing to drop."""
    if not cues and not hits:
        return hit_map
    kept = {
        name: tuple(hit for hit in found if hit.cue not in cues and hit not in hits)
        for name, found in hit_map.items()
        if name not in cues
    }
    return MappingProxyType({name: found for name, found in kept.items() if found})
