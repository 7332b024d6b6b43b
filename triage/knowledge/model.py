"""Typed model of the clinical knowledge (reference sets, thresholds, drug lexicon).

The data lives in files (reference_ranges/*.toml, triage/data/thresholds.toml,
triage/data/drugs.toml); triage.knowledge.loaders reads and validates them into these objects.
The engine reads only these objects: no clinical number is written in engine code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from triage.numbers import DAYS_PER_YEAR

# Physiological state a stratum applies to.  "adult" = non-pregnant, non-lactating adult
# (premenopausal for women where a set has a separate "postmenopausal" stratum).
StratumState = Literal[
    "adult",
    "postmenopausal",
    "pregnant",  # whole pregnancy, when no trimester-specific stratum applies
    "pregnant_t1",
    "pregnant_t2",
    "pregnant_t3",
    "lactating",
    "postpartum_week1",  # the first week after delivery (breastfeeding or not)
    "child",  # by age band (age_min_years / age_max_years), incl. neonates
]


@dataclass(frozen=True, slots=True)
class Stratum:
    """One reference interval row of a set, in ng/mL."""

    id: str  # unique within the set, e.g. "adult_female"
    sex: Literal["F", "M", "any"]
    state: StratumState
    low_ng_ml: float | None  # None = no lower limit stated
    high_ng_ml: float
    source: str  # citation, required
    age_min_years: float = 0.0  # inclusive
    age_max_years: float | None = None  # exclusive; None = no upper bound
    neonatal: bool = False  # True for neonatal bands (factor "neonatal", source "physiological")
    note: str = ""
    # False for limits the team set from physiology (a term range, a doubled basal level), not a
    # reference interval measured in a population: every report says so, with the note.
    measured: bool = True
    # The note is a caveat a reader of the result must see (an unconfirmed or one-sided interval,
    # a limit a usual result may exceed): every report shows it with the interval.
    note_is_caveat: bool = False
    line: int = 0  # line in the source file (for messages)


@dataclass(frozen=True, slots=True)
class ReferenceSet:
    name: str  # file stem, e.g. "default", "roche_elecsys"
    title: str
    assay: str  # "" for the default set
    miu_per_ng: float  # mIU/L per ng/mL for this assay
    miu_per_ng_source: str
    strata: tuple[Stratum, ...]
    source: str  # overall citation
    caveats: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # assay names as labs write them ("Elecsys", "cobas")
    path: str = ""
    # Upper limits of monomeric (post-PEG) prolactin on this assay, ng/mL: (women, men); None:
    # the thresholds' (post_peg_uln_*), Roche's.  Assays differ (clinical-reference §2.3).
    post_peg_high: tuple[float, float] | None = None
    post_peg_source: str = ""

    def find(self, stratum_id: str) -> Stratum | None:
        for s in self.strata:
            if s.id == stratum_id:
                return s
        return None


@dataclass(frozen=True, slots=True)
class Threshold:
    """A named clinical number with its unit and source (triage/data/thresholds.toml)."""

    name: str
    value: float
    unit: str
    source: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Band:
    """Severity band for a high result: applies from lower_ng_ml (inclusive) upward."""

    name: str  # mild, moderate, marked, very_high, extreme
    lower_ng_ml: float
    source: str


@dataclass(frozen=True, slots=True)
class PostPegAssay:
    """The post-PEG (monomeric) prolactin upper limits of an assay the tool has no reference
    set for (thresholds.toml [[post_peg_assay]]: Tosoh AIA, Immulite, Beltran 2008), matched
    by its name or aliases in a row's assay text."""

    name: str
    aliases: tuple[str, ...]
    female_high: float  # in `unit`
    male_high: float
    unit: str  # "ng/mL" or "mIU/L" (converted with the row's factor)
    source: str


@dataclass(frozen=True, slots=True)
class Thresholds:
    bands: tuple[Band, ...]  # ascending by lower_ng_ml; "mild" starts at 0
    values: dict[str, Threshold]  # by name; see thresholds.toml for the names
    post_peg_assays: tuple[PostPegAssay, ...] = ()

    def get(self, name: str) -> float:
        """The value of a named threshold; KeyError names the missing one."""
        try:
            return self.values[name].value
        except KeyError:
            raise KeyError(f"threshold {name!r} is not defined in thresholds.toml") from None

    def source(self, name: str) -> str:
        return self.values[name].source

    def years(self, name: str) -> float:
        """A span threshold (in days or years, by its unit) in years."""
        value = self.get(name)
        return value / DAYS_PER_YEAR if self.values[name].unit == "days" else value

    def plausible_uln_ng_ml(self, *, infant: bool) -> tuple[float, float]:
        """The upper limits a prolactin interval can have, ng/mL (row_uln_min_ng_ml, and
        row_uln_max_infant_ng_ml under 1 year, else row_uln_max_ng_ml), outside pregnancy,
        breastfeeding and the neonatal period: a lab's interval on a row and a set's stratum
        are both held to them."""
        if infant:
            return self.get("row_uln_min_ng_ml"), self.get("row_uln_max_infant_ng_ml")
        return self.get("row_uln_min_ng_ml"), self.get("row_uln_max_ng_ml")


DrugEffect = Literal["raises", "lowers"]
# What the drugs of a class do: "none" for drugs listed because they are often asked about (each
# drug says what it does; the class is never a factor).
ClassEffect = Literal["raises", "lowers", "none"]
# The name of a [[class]] of triage/data/drugs.toml ("antipsychotic", "dopamine_agonist" ...).
DrugClass = str


@dataclass(frozen=True, slots=True)
class DrugClassInfo:
    """A class of drugs (drugs.toml [[class]]): one that raises prolactin is the contributing
    factor medication:<name> of output-contract §7."""

    name: str
    effect: ClassEffect
    label: str  # the factor's label in reports ("" for a class that is no factor)
    evidence: str  # how an evidence line names the class ("antiemetic/prokinetic")
    line: int = 0
    # the class its drugs are also named under ("partial_agonist": "antipsychotic", so that
    # "Antipsychotic: aripiprazole 10 mg" is aripiprazole, not an antipsychotic unspecified);
    # "" = its own name only
    within: str = ""
    # how a dose just before the sample raises prolactin at once (drugs.toml acute_rise: its
    # drugs' unless a drug says its own): "any_route", "intravenous"; "" = no acute rise read
    acute_rise: str = ""


Frequency = Literal["high", "moderate", "low", "case_reports", "none"]


@dataclass(frozen=True, slots=True)
class Drug:
    name: str  # generic, lower case, e.g. "risperidone"
    drug_class: DrugClass
    effect: DrugEffect
    atc: tuple[str, ...]  # may be empty where WHO has no code
    brands: tuple[str, ...]  # brand names as written (matched case-insensitively)
    synonyms: tuple[str, ...]  # other generic spellings, salts, abbreviations
    frequency: Frequency
    typical_max_ng_ml: float | None  # usual upper end of the rise it causes; None = unknown
    masks: bool  # dopamine agonist, levodopa, aripiprazole: can mask hyperprolactinaemia
    source: str
    note: str = ""
    line: int = 0
    # the thresholds.toml name of how many days after its stop (or last dose) the drug still acts
    # (cabergoline: its effect lasts weeks); "" = drug_withdrawal_retest_days
    acts_after_stop: str = ""
    # the other class whose mention without a drug ("antipsychotic (unspecified)") this drug
    # names (drugs.toml [[class]] within: aripiprazole is an antipsychotic); "" = none
    within_class: str = ""
    # a drug of misuse (heroin, cocaine, alcohol excess): "abstinent", "clean", "in remission"
    # right after it end it (drugs.toml misuse)
    misuse: bool = False
    # a dose given shortly before the sample raises prolactin at once (drugs.toml acute_rise,
    # the drug's or its class's): "any_route" (opioids: clinical-reference §3.1, within 90-150
    # min), "intravenous" (cimetidine: only an IV bolus); "" = none read
    acute_rise: str = ""

    def __hash__(self) -> int:
        # equal drugs have the same name and lexicon line: hashing those two, not the brand and
        # synonym lists, keeps every dict and set keyed by a drug or a match cheap (the engine
        # does it per decision)
        return hash((self.name, self.line))


@dataclass(frozen=True, slots=True)
class DrugMatch:
    drug: Drug
    matched_text: str  # the words in the free text that matched
    via: str  # "generic", "brand" or "synonym"
    field: str = "medications"  # the canonical text field it was written in
    # written with doubt: "unconfirmed" ("?risperidone", "Risperdal (unclear)"), "irregular"
    # (poor adherence: "takes risperidone irregularly"), "as_needed" ("MCP bei Bedarf") or
    # "stop_time" (stopped at a time written only as a month or "recently", perhaps within its
    # acting days); "" when written plainly
    doubt: str = ""
    # written as stopped, yet stopped so recently that it still acts, surely or perhaps (within
    # the washout, a depot's or a long-acting drug's days: knowledge/drugs.py _acting); not a
    # stop dated after the sample (taken at it)
    stopped: bool = False
    # the drug it was switched to, when written as switched ("Haldol -> Abilify seit 01.10.",
    # "umgestellt von Risperidon auf Aripiprazol": "aripiprazole"); "" when not
    switched_to: str = ""
    # the words after the new drug that date the switch (its start is the old one's stop:
    # "seit 01.10.", "3 weeks ago"), read as a stop's time; "" when none
    switch_time: str = ""
    # its purpose written as a mother's milk after it in its item ("domperidone to increase milk
    # supply", "Domperidon zur Milchbildung": drugs.toml own_purpose): a breastfeeding woman's
    # drug, so never a child's own (engine/context.py)
    for_milk: bool = False
    # a purpose other than hyperprolactinaemia written after it in its item (a dopamine agonist
    # "for OHSS prevention", "to stop lactation", "for acromegaly": drugs.toml
    # agonist_other_purpose): no treatment of a known hyperprolactinaemia (engine/context.py)
    other_purpose: bool = False


@dataclass(frozen=True)
class Knowledge:
    """Everything the engine needs, loaded and validated once per run."""

    reference_set: ReferenceSet  # the set the user chose (--ranges)
    default_set: ReferenceSet  # physiological strata come from here when the chosen set lacks them
    assay_sets: dict[
        str, ReferenceSet
    ]  # every shipped/added assay set by name (for the row's assay)
    thresholds: Thresholds
    drugs: tuple[Drug, ...]
    extra: dict[str, object] = field(default_factory=dict)
