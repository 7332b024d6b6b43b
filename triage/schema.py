"""The shapes that flow between stages, and the domain errors.

reader  ->  canonical frame (CANONICAL_COLUMNS) + list[Rejected]
engine  ->  results frame (RESULT_COLUMNS, then RESULT_EXTRA_COLUMNS)
writers ->  files of output-contract §4-§5

Nothing here does I/O.  Every stage imports its column names from this module so that a name is
spelled once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

# --------------------------------------------------------------------------------------------
# Input fields (output-contract §2).  Header synonyms for these live in triage/data/synonyms.toml.
# --------------------------------------------------------------------------------------------
INPUT_FIELDS: Final[tuple[str, ...]] = (
    "patient_id",
    "patient_name",
    "sex",
    "birth_date",
    "age_years",
    "collected_at",
    "prolactin",
    "prolactin_unit",
    "reference_low",
    "reference_high",
    "reference_range",
    "assay",
    "pregnant",
    "gestational_weeks",
    "lactating",
    "postpartum_weeks",
    "menopausal",
    "medications",
    "egfr",
    "creatinine",
    "dialysis",
    "kidney_transplant",
    "kidney_disease",
    "liver_disease",
    "tsh",
    "free_t4",
    "hcg",
    "pituitary_lesion",
    "pituitary_lesion_mm",
    "head_trauma",
    "symptoms",
    "macroprolactin_recovery_pct",
    "monomeric_prolactin",
    "comments",
    "test",
    "test_code",
    "result",
    "unit",
    # extensions (docs/output-contract-extensions.md): who asked, and from where
    "requesting_clinician",  # the requesting / ordering clinician (staff, not the patient)
    "location",  # the requesting ward, clinic or department
)

# Fields that hold a yes/no answer.  In the canonical frame each is a nullable boolean
# ("boolean" dtype: True / False / <NA> for unknown), and the cell's own text is kept in
# f"{name}_text" so that evidence can quote what the lab wrote (e.g. "HD Mon/Wed/Fri").
FLAG_FIELDS: Final[tuple[str, ...]] = (
    "pregnant",
    "lactating",
    "menopausal",
    "dialysis",
    "kidney_transplant",
    "head_trauma",
)

# Free-text fields read by the engine's text rules (strings, <NA> when empty).
TEXT_FIELDS: Final[tuple[str, ...]] = (
    "medications",
    "kidney_disease",
    "liver_disease",
    "pituitary_lesion",
    "symptoms",
    "comments",
)

# Numeric context fields (float64, NaN when missing).  A qualified value such as ">90" is stored as
# its bound (90.0); the qualifier goes to f"{name}_qualifier" ("<", ">" or "").
NUMERIC_CONTEXT_FIELDS: Final[tuple[str, ...]] = (
    "age_years",
    "gestational_weeks",
    "postpartum_weeks",
    "egfr",
    "creatinine",
    "tsh",
    "free_t4",
    "pituitary_lesion_mm",
    "macroprolactin_recovery_pct",
    "monomeric_prolactin",
)


# --------------------------------------------------------------------------------------------
# The canonical frame: one row per prolactin result, produced by triage.io.read_inputs().
# Column -> pandas dtype.  Readers must produce exactly these columns (order included).
# --------------------------------------------------------------------------------------------
# How evidence names a field ("liver disease: 'alcoholic cirrhosis'", "TSH: 14 mIU/L"): the
# canonical name with spaces, unless written otherwise here (reports are read by clinicians).
FIELD_WORDS: Final[dict[str, str]] = {
    "tsh": "TSH",
    "egfr": "eGFR",
    "hcg": "hCG",
    "free_t4": "free T4",
    "macroprolactin_recovery_pct": "PEG recovery",
    "monomeric_prolactin": "monomeric (post-PEG) prolactin",
    "gestational_weeks": "gestation (weeks)",
    "postpartum_weeks": "weeks since delivery",
    "pituitary_lesion_mm": "pituitary lesion (mm)",
    "age_years": "age",
}


def field_words(name: str) -> str:
    """A canonical field as evidence names it: "liver_disease" -> "liver disease"."""
    return FIELD_WORDS.get(name) or name.replace("_", " ")


CANONICAL_COLUMNS: Final[dict[str, str]] = {
    # provenance
    "source_file": "string",  # file name as given (basename), never a full path in reports
    "source_sheet": "string",  # sheet name; "" for csv
    "source_row": "int64",  # 1-based row number a person sees in the spreadsheet
    # identity
    "patient_id": "string",
    "patient_name": "string",
    "sex": "string",  # "F", "M" or <NA>
    # the FHIR administrative gender of a sex cell that states a sex other than female or male
    # ("other": "divers", "autre", HL7 PID-8 O/A/N), else <NA>; sex stays <NA> for the interval
    # and results.fhir.json writes Patient.gender "other" instead of "unknown"
    "gender": "string",
    "birth_date": "datetime64[ns]",
    "age_years": "float64",  # given, or computed from birth_date and collected_at
    # the youngest age (years) an age unknown under a span may be (age_years negative:
    # values.unknown_age) where more than 0 is known: a birth year or month allows no age below
    # the one at its last day ("2025" collected in November 2026: at least ten months), else NaN
    "age_min_years": "float64",
    "collected_at": "datetime64[ns]",
    # the study visit or time point of the result as the input wrote it (a visit column of a
    # cohort export: "Visite 2", "V2", "Baseline", "Week 12", "month_6_arm_1"), else <NA>: part
    # of the identity of a result without a collection time in the history (docs/history.md)
    "visit": "string",
    # a further result of one input row (a wide file's row of several prolactin columns): the
    # label of the prolactin column it was read from ("repeat", "12m"), else <NA> (a row's
    # first or only result): with source_file, source_sheet and source_row it names one result
    # (the history's provenance, the FHIR Observation id), whatever the visit column says
    "source_column": "string",
    # the UTC offset the input wrote with the collection time ("+01:00"; HL7, FHIR), else <NA>:
    # collected_at stays the wall-clock time as written; results.fhir.json writes it with this
    "collected_offset": "string",
    # the assigning authority of patient_id as the input names it (HL7 PID-3.4), else <NA>: ids
    # of different issuers are different patients (the history's issuer; the patient pages)
    "patient_issuer": "string",
    # the system of the patient's identifier and of the specimen number's as the input gives it
    # (a FHIR identifier system; HL7 PID-3.4 / OBR-3 with a universal id: urn:oid:...), else
    # <NA>: --fhir keeps it, so that a server finds the patient by its own identifier
    "patient_id_system": "string",
    "specimen_id_system": "string",
    # the lab's status of the result in FHIR's words (RESULT_STATUS_CODES: preliminary,
    # corrected, amended, final), else <NA>: --fhir writes it as Observation.status
    "result_status": "string",
    # the result
    "prolactin_raw": "string",  # the cell as written ("<3.0", "45 H", "1 234,5")
    "unit_raw": "string",  # the unit as written (row, header or mapping default)
    "prolactin_value": "float64",  # the number in the row's own unit
    "prolactin_unit": "string",  # normalised: "ng/mL" (also µg/L) or "mIU/L" (also µIU/mL)
    "qualifier": "string",  # "<", ">" or ""
    # the lab's own abnormal flag of the result, beside the number ("25 H") or in a flag column:
    # "high", "low", "abnormal" (no direction), "normal" or <NA> (values.flag_direction)
    "lab_flag": "string",
    # the lab called that flag critical (v3 HH "Critical high", LL "Critical low": "HH", "LL",
    # "H kritisch"; values.flag_is_critical): --fhir writes the lab's HH / LL
    "lab_flag_critical": "boolean",
    "conversion_factor": "float64",  # mIU/L per ng/mL from the mapping file, else NaN
    # the lab's own interval, in the row's unit
    "reference_low": "float64",
    "reference_high": "float64",
    "reference_range": "string",  # the interval text as written
    "assay": "string",  # as written, or the mapping default
    # physiology
    "pregnant": "boolean",
    "pregnant_text": "string",
    "gestational_weeks": "float64",
    "lactating": "boolean",
    "lactating_text": "string",
    "postpartum_weeks": "float64",
    "menopausal": "boolean",
    "menopausal_text": "string",
    "hcg": "string",  # "positive", "negative" or a number with unit as written
    "hcg_positive": "boolean",  # parsed: True / False / <NA>
    # the LOINC code the input gave the hCG line (HL7 OBX-3, a FHIR code, a long export's LOINC
    # or code column: quantitative serum 19080-1, urine qualitative 2106-3 ...), else <NA>:
    # results.fhir.json writes the test as the lab named it
    "hcg_loinc": "string",
    # medication and comorbidity
    "medications": "string",
    "egfr": "float64",
    "egfr_qualifier": "string",
    # the LOINC code the input gave the eGFR line (the equation: 62238-1 CKD-EPI 2009, 98979-8
    # CKD-EPI 2021, 33914-3 MDRD ...), else <NA>: results.fhir.json keeps it
    "egfr_loinc": "string",
    # an eGFR or creatinine written in kidney words ("ESRD", "CKD G4", "IRC terminale"): read by
    # the state vocabulary as a comment would be (io/state_cells.kidney_words)
    "egfr_text": "string",
    "creatinine": "float64",
    "creatinine_text": "string",
    "dialysis": "boolean",
    "dialysis_text": "string",
    "kidney_transplant": "boolean",
    "kidney_transplant_text": "string",
    "kidney_disease": "string",  # chronic kidney disease as written: words, a yes/no, a stage
    "liver_disease": "string",
    "tsh": "float64",
    "tsh_qualifier": "string",
    "tsh_text": "string",  # a TSH written as a word ("erhöht", "normal"): values.lab_word
    "free_t4": "float64",
    # the lab's own TSH and free T4 interval given with the value (a column beside it: "TSH
    # ref", "FT4 Referenzbereich"; the reference cell of a long export's line, HL7 OBX-7, FHIR
    # referenceRange; an interval in the cell: "5,1 (0,4-6,0)"), in mIU/L and pmol/L, else NaN:
    # the engine judges the TSH and free T4 by them before the thresholds' adult limits
    "tsh_reference_low": "float64",
    "tsh_reference_high": "float64",
    "free_t4_reference_low": "float64",
    "free_t4_reference_high": "float64",
    # the collection date (ISO) of an eGFR, creatinine, TSH or free T4 taken from another
    # collection of the same patient (a long export's earlier or later line, within
    # thresholds.toml chronic_context_lookback_days), else <NA>: the factors cite it with it;
    # likewise an hCG / pregnancy test (pregnancy_test_apart_days) and a PEG recovery or
    # monomeric prolactin of another sample (macroprolactin_apart_days; review 22)
    "egfr_collected": "string",
    "creatinine_collected": "string",
    "tsh_collected": "string",
    "free_t4_collected": "string",
    "hcg_collected": "string",
    "macroprolactin_recovery_pct_collected": "string",
    "monomeric_prolactin_collected": "string",
    "pituitary_lesion": "string",
    "pituitary_lesion_mm": "float64",
    "head_trauma": "boolean",
    "head_trauma_text": "string",
    "symptoms": "string",
    "macroprolactin_recovery_pct": "float64",
    # the recovery's "<" or ">" as the lab wrote it ("<40 %": macroprolactin present), else <NA>
    "macroprolactin_recovery_pct_qualifier": "string",
    "monomeric_prolactin": "float64",  # in the row's prolactin unit, or monomeric_prolactin_unit
    # the unit of monomeric_prolactin where the input wrote it in the other prolactin unit than
    # the result's ("ng/mL" beside a total in mIU/L), else <NA>; the engine converts it with the
    # row's own factor (engine/units.convert)
    "monomeric_prolactin_unit": "string",
    # the lab's own upper limit of monomeric (post-PEG) prolactin given with it (a long export's
    # reference column on the post-PEG line, HL7 OBX-7, FHIR referenceRange: "< 0,60"), in the
    # unit of monomeric_prolactin, else NaN; the engine converts it as it converts the value and
    # prefers it to the assay's or the thresholds' post-PEG limit (clinical-reference §2.2, §2.3)
    "monomeric_prolactin_reference_high": "float64",
    "comments": "string",
    "specimen_id": "string",  # the lab's specimen / accession number (urgent list, reports)
    "requesting_clinician": "string",  # as written
    "location": "string",  # ward / clinic / department, as written
}

# --------------------------------------------------------------------------------------------
# The results frame: what the engine returns and the writers write.
# RESULT_COLUMNS are output-contract §5 in order; extras follow (contract: "more may follow").
# --------------------------------------------------------------------------------------------
RESULT_COLUMNS: Final[tuple[str, ...]] = (
    "source_file",
    "source_sheet",
    "source_row",
    "patient_id",
    "collected_at",
    "sex",
    "age_years",
    "prolactin_raw",
    "unit_raw",
    "prolactin_ng_ml",
    "qualifier",
    "reference_set",
    "reference_source",
    "reference_low_ng_ml",
    "reference_high_ng_ml",
    "times_uln",
    "status",
    "band",
    "interpretation",
    "priority",
    "factors",
    "suggestions",
)

# Extensions (documented in docs/output-contract-extensions.md).  Columns whose value is a Python
# list of dicts are not written to CSV as such: the writers flatten them.
ENGINE_EXTRA_COLUMNS: Final[tuple[str, ...]] = (
    "patient_name",  # for the reports; --redact replaces it
    "prolactin_value",  # the number in the row's own unit
    "prolactin_unit",  # "ng/mL" or "mIU/L"
    "conversion_factor_used",  # mIU/L per ng/mL used to convert (NaN when the row was in ng/mL)
    "reference_stratum",  # id of the stratum used, e.g. "default:adult_female" or "row"
    "reference_note",  # human text: which interval and why, caveats
    "factor_details",  # list[{"code","label","strength","evidence","rule"}], best first
    "suggestion_details",  # list[{"code","label","reason","rule"}], cautions included
    "factor_evidence",  # flat text of factor_details for CSV: "code (strength): evidence | ..."
    "specimen_id",  # the lab's specimen / accession number; --redact replaces it
    "birth_date",  # as the file gives it (identity checks against the history); --redact drops it
    # The limits that decided (reference_low_ng_ml / _high_ng_ml) in the row's own unit at the
    # lab's precision: as the file gave them when the lab's own interval decided, else
    # converted and rounded to the decimals of the lab's result (triage/numbers.py lab_decimals)
    "reference_low_value",
    "reference_high_value",
    "requesting_clinician",  # as written (staff: --redact keeps it)
    "location",  # ward / clinic / department, as written (--redact keeps it)
    "patient_issuer",  # the assigning authority of patient_id when the input names it (HL7)
    "result_status",  # the lab's status in FHIR's words (preliminary, corrected ...), else empty
    "visit",  # the study visit or time point as written (a cohort's visit column), else empty
    "source_column",  # a further result's prolactin column of its row (its label), else empty
    # the row's assay as written when no reference set names it ("Tosoh AIA-900": judged by the
    # chosen set), else empty: the history compares no two such methods (delta.other_method)
    "unmatched_assay",
    "comment",  # the decision in words (engine/comment.py, labels.toml [comments])
)
# Columns the results history adds (triage/history, with --history or in batch mode); absent
# without a history.  "history_details" holds a list of dicts (earlier results, newest first)
# for the patient pages and results.json, flattened nowhere else.
HISTORY_COLUMNS: Final[tuple[str, ...]] = (
    "result_id",  # the history's number for this result (`prolactin-triage ack RESULT`)
    "trend",  # new, rising, falling, stable; empty when not comparable (TRENDS)
    "previous_ng_ml",  # the patient's last earlier result in the history, in ng/mL
    "previous_collected_at",
    "change_pct",  # (this - previous) / previous x 100
    "identity_check",  # "possible_clash": the id was seen with another birth date or sex
    "acknowledged",  # who was told, by whom and when (`ack`), for an urgent result
    "history_details",
)
TRENDS: Final[tuple[str, ...]] = ("new", "rising", "falling", "stable")
# The column --redact adds (triage/output/redact.py): a keyed token of the patient's identity as
# the reports group it (id, birth date, issuer; output/views.py patient_keys), taken before the
# birth date is dropped, so that two people under one id (a mother and her neonate) stay two
# patients in every output; absent without --redact.
REDACTION_COLUMNS: Final[tuple[str, ...]] = ("patient_key",)
RESULT_EXTRA_COLUMNS: Final[tuple[str, ...]] = (
    ENGINE_EXTRA_COLUMNS + HISTORY_COLUMNS + REDACTION_COLUMNS
)

STATUSES: Final[tuple[str, ...]] = ("low", "normal", "high", "indeterminate")
PRIORITIES: Final[tuple[str, ...]] = ("urgent", "soon", "routine", "none")  # most pressing first
REFERENCE_SOURCES: Final[tuple[str, ...]] = ("row", "set", "physiological")
INTERPRETATIONS: Final[tuple[str, ...]] = ("N", "L", "H", "HH")

DRUG_FACTOR_PREFIX: Final = "medication:"
# Stands, in FACTOR_CODES and in labels.toml [factors], for the drug factors: medication:<class>
# for each class of triage/data/drugs.toml that raises prolactin (knowledge.factor_codes()).
DRUG_FACTORS: Final = "medication:*"
FACTOR_CODES: Final[tuple[str, ...]] = (
    "pregnancy",
    "lactation",
    "neonatal",
    DRUG_FACTORS,
    "renal_impairment",
    "dialysis",
    "liver_cirrhosis",
    "hypothyroidism",
    "prolactinoma_suspected",
    "macroprolactinoma_suspected",
    "known_pituitary_lesion",
    "stalk_effect",
    "head_trauma",
    "chest_wall_stimulation",
    "seizure",
    "macroprolactinemia",
    "venipuncture_stress",
    # exercise, breast stimulation or intercourse just before the sample (extension)
    "transient_physiological",
    # acute severe illness or major surgery at sampling: sepsis, intensive care (extension)
    "acute_illness",
    # cranial or pituitary radiotherapy at any time (extension)
    "cranial_radiation",
    # acromegaly: GH/prolactin co-secretion or stalk compression (extension)
    "acromegaly",
    # known hyperprolactinaemia raised on its dopamine-agonist treatment (extension)
    "treated_hyperprolactinemia",
    "unexplained",
)

CAUTION_CODES: Final[tuple[str, ...]] = (
    "hook_effect_risk",
    "dopamine_agonist_masking",
    "conflicting_context",  # the row's patient state contradicts itself (engine/state.py)
)

SUGGESTION_CODES: Final[tuple[str, ...]] = (
    "repeat_rested_sample",
    "macroprolactin_screen",
    "pregnancy_test",
    "check_tsh",
    "check_renal_function",
    "check_liver_function",
    "medication_review",
    "pituitary_mri",
    "visual_field_test",
    "dilution_retest",
    "pituitary_function_tests",
    "testosterone",
    "endocrine_referral",
    "urgent_endocrine_referral",
    "igf1_gh_assessment",  # acromegaly queried: IGF-1 and GH (extension)
)

# Rejection reasons (rejected.csv reason_code).  Extend here and in docs, never ad hoc.
REJECT_REASONS: Final[dict[str, str]] = {
    "missing_result": "the prolactin cell is empty",
    "unparseable_result": "the prolactin cell is not a number (e.g. 'haemolysed')",
    "unknown_unit": "no unit from the row, the header, the mapping defaults or the row's interval",
    "implausible_value": "the number cannot be a serum prolactin in that unit",
    "not_a_result_row": "a title, sub-header, footer or note row inside the data, or a "
    "continuation row (a note or drug list wrapped onto the next row, or a labelled comment row "
    "under a result, 'Kommentar: ...' in any column: its text is joined to the result row above "
    "it)",
    "duplicate_header": "a repeated header row inside the data",
    "misaligned_columns": "a row below a repeated header that lacks the result or patient "
    "column of the first header or names a column twice (its cells cannot be read in the first "
    "header's columns); a repeated header whose columns stand in another order or under other "
    "names of the same fields has its rows read in their own order",
    "other_test": "a long-shape row of another test that no prolactin result could take as "
    "context, or a sample of a timed prolactin series (time points in the test names or in a "
    "time-point column), not triaged one by one",
    "unreadable_age": "the age cell cannot be read and no birth date gives the age (the result is "
    "not judged against the adult interval)",
    "malformed_line": "a delimited-text line that cannot be split safely (an unterminated quote, "
    "more or fewer fields than the header, a cell over the size limit), or a FHIR Observation "
    "that is no result (no subject, no value)",
    "implausible_date": "the collection date is outside the plausible span (before the bound in "
    "the reference data, or in the future)",
    "cancelled_result": "a result its lab status says is no valid result: an HL7 v2 observation "
    "whose result status (OBX-11) is X (cancelled, not obtained), D (deleted), W (posted in "
    "error), N (not asked) or O (order detail only), a FHIR Observation entered in error or "
    "cancelled, or a preliminary one superseded by a final, amended or corrected one of the same "
    "sample and test, or a final one superseded by an amended or corrected one, or a "
    "spreadsheet row whose result-status column, or whose prolactin cell in words, says "
    "cancelled, deleted or entered in error (synonyms.toml [values.result_status])",
    "malformed_message": "an HL7 v2 result in a message that cannot be read (not parseable, no "
    "PID segment, or no patient identifier or name)",
    "ambiguous_decimal_mark": "a result written like '6,250' or '1.150' in a file that does not "
    "show its decimal mark (or shows it only in other cells that show the other mark too or group "
    "thousands with '), whose two readings (6.25 and 6250) fall on either side of the urgent "
    "level: not triaged on a guess, listed with the urgent results; or one in mIU/L (reported in "
    "whole numbers) that only the file's other columns, the column's other rows or its separator "
    "would read as a fraction ('6.250' beside a TSH of '2.15' or a result of '480.5'), listed "
    "with the urgent results when its whole reading is urgent",
    "conflicting_cells": 'two columns of the same header ("Sex" twice) give the row two '
    "different values: which one is the patient's is not known (listed with the urgent results "
    "when the result may be urgent)",
    "quality_control": "a row of quality-control, calibrator or external-quality-assessment "
    "(EQA, proficiency testing, Ringversuch) material, no patient's sample: its sample-type cell, "
    "or its patient id or name, says so (synonyms.toml [values.quality_control]); never triaged "
    "nor listed with the urgent results",
    "duplicate_message": "an HL7 v2 result in a message sent again: the same message control id "
    "(MSH-10) and the same segments as an earlier message of the file, whose results are triaged",
    "same_result_other_unit": "a prolactin line of a long-shape file (an HL7 v2 OBX, a FHIR "
    "Observation, an export's line) that gives the same result as another line of its sample "
    "in the other unit (ng/mL beside mIU/L, the numbers one another's conversion at the assay's "
    "factor within rounding): the result is triaged once, from the line the detail names",
}

REJECTED_COLUMNS: Final[tuple[str, ...]] = (
    "source_file",
    "source_sheet",
    "source_row",
    "reason_code",
    "detail",
    "patient_id",  # extension: whose sample it is, where the row gives it ("" otherwise)
    "specimen_id",
)


@dataclass(frozen=True, slots=True)
class Rejected:
    """One input row that did not become a result, and why."""

    source_file: str
    source_sheet: str
    source_row: int
    reason_code: str
    detail: str
    patient_id: str = ""  # as the row gives it (--redact: the results' ID- token)
    specimen_id: str = ""
    # a prolactin result its lab withdrew (a void result status): the history withdraws the
    # result of the same patient and specimen that earlier runs recorded (not written out)
    withdraws: bool = False
    # a result without a unit at or above the urgent level whatever its unit: listed with the
    # urgent results although it is not triaged (not written out)
    possibly_urgent: bool = False
    # the history's entry of such a row (HistoryRecorder.record_untriaged), which `ack`
    # acknowledges; None without a history (not written out)
    result_id: int | None = None


# Withdrawal.kind: what a file's row does to the results earlier files recorded for the same
# patient and specimen
WITHDRAWS: Final = "withdraws"  # a void status or a correction: every one is withdrawn
SUPERSEDES: Final = "supersedes"  # a final result: only the preliminary ones are superseded
PRELIMINARY: Final = "preliminary"  # the row is itself a preliminary result: marked as such
SUPERSEDED: Final = "superseded"  # how the detail of a SUPERSEDES withdrawal begins


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A prolactin result a file withdraws (a void status: Rejected.withdraws) or corrects (HL7
    OBX-11 C): what an earlier file reported for the same patient and specimen is withdrawn in
    the history; a final result (``kind`` SUPERSEDES) supersedes only the preliminary ones, which
    the history knows by the rows of kind PRELIMINARY of their own file.  Not written out."""

    source_row: int
    patient_id: str
    specimen_id: str
    detail: str
    kind: str = WITHDRAWS
    issuer: str = ""  # the patient id's assigning authority when the input names it (HL7 PID-3.4)


@dataclass(slots=True)
class InputSummary:
    """Provenance of one input file (results.json "inputs")."""

    file: str  # basename as given
    sha256: str
    sheet: str
    rows_read: int = 0
    rows_triaged: int = 0
    rows_rejected: int = 0
    mapping: dict[str, str] = field(default_factory=dict)  # canonical field -> header text
    unmapped_headers: list[str] = field(default_factory=list)
    shape: str = "wide"  # "wide" or "long"
    header_row: int = 0  # 1-based
    warnings: list[str] = field(default_factory=list)
    # An input that could not be used at all (InputFileError): listed with the others in every
    # output, its rows all 0, with why (failure_code: one of INPUT_FAILURES; failure: the text).
    usable: bool = True
    failure_code: str = ""
    failure: str = ""


# Rows the engine and the writers take at a time (pipeline.py): memory follows the chunk, not the
# file.  Here, not in the pipeline, so that --help can name it without importing pandas.
DEFAULT_CHUNK_ROWS: Final = 10_000
# What the engine keeps from chunk to chunk (engine/memo.py): entries per cache, and free texts
# whose drug matches it keeps (notes can be long).
MEMO_ENTRIES_KEPT: Final = 50_000
MEMO_TEXTS_KEPT: Final = 20_000


# --------------------------------------------------------------------------------------------
# Domain errors.  The CLI turns each into one line on stderr and an exit status (contract §6).
# --------------------------------------------------------------------------------------------
# Exit statuses (contract §6 and docs/output-contract-extensions.md), defined once.
EXIT_OK: Final = 0
EXIT_SOME_INPUTS_FAILED: Final = 4
EXIT_FAIL_ON: Final = 10


class TriageError(Exception):
    """Base of every error the tool expects; anything else is a bug (exit 1)."""

    exit_code: int = 1
    # A fault of the surroundings (the history, the output folder, the disk), not of the input:
    # batch leaves the input in the inbox for the next run instead of quarantining it.
    environmental: bool = False
    # The urgent lines of the results triaged before the surroundings failed (set by the
    # pipeline on an environmental error): said although no report holds them.
    urgent: tuple[str, ...] = ()


# Why a whole input could not be used (InputFileError.code; results.json "inputs"
# "failure_code", the summary's inputs table).  Extend here and in docs, never ad hoc.
INPUT_FAILURES: Final[dict[str, str]] = {
    "unreadable": "the file could not be opened or read: missing, no permission, not a file",
    "damaged": "the file is damaged or incomplete, e.g. a truncated or corrupt workbook",
    "encrypted": "the workbook is password-protected",
    "empty": "the file holds nothing to read: empty, no sheets or no results",
    "unsupported": "not a lab export of a supported type: wrong extension or another kind of file",
    "too_large": "refused: beyond the limits on bytes, rows, columns or cells, or a zip bomb",
    "no_prolactin_column": "no prolactin column, or no prolactin test in a long export, found",
    "internal_error": "the tool failed on this file, a bug or too little memory: report it",
    "unusable": "the file could not be used",
}


class InputFileError(TriageError):
    """An input file cannot be used at all (unreadable, corrupt, no prolactin column ...).

    ``code``: why, as one of INPUT_FAILURES (what the outputs list with the file)."""

    exit_code = 3

    def __init__(
        self,
        file: str,
        message: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        code: str = "unusable",
    ) -> None:
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.message = message
        self.code = code if code in INPUT_FAILURES else "unusable"
        self.sha256 = ""  # the file's, when its bytes could be read (set by the reader)
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


def unusable_input(error: InputFileError) -> InputSummary:
    """How the outputs list an input that could not be used (``error``): its name, its SHA-256
    when its bytes could be read, no rows, and why."""
    where = f"sheet {error.sheet!r}: " if error.sheet else ""
    return InputSummary(
        file=error.file,
        sha256=error.sha256,
        sheet="",
        shape="",
        usable=False,
        failure_code=error.code,
        failure=where + error.message,
    )


class NoUsableInputError(TriageError):
    """No input could be read, or none holds a prolactin column (contract §6: 3)."""

    exit_code = 3

    def __init__(self, failures: Sequence[InputFileError]) -> None:
        self.failures = list(failures) or [InputFileError("(inputs)", "no input files")]
        if len(self.failures) == 1:
            message = str(self.failures[0])
        else:
            message = "no usable input: " + "; ".join(str(f) for f in self.failures)
        super().__init__(message)


class ConfigError(TriageError):
    """A mapping, config or reference-range file is wrong; names file, line and field."""

    exit_code = 2

    def __init__(
        self, file: str, message: str, *, line: int | None = None, field: str | None = None
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f" [{self.field}]"
        return f"{where}: {self.message}"


class ReportSettingError(ConfigError):
    """A report setting is wrong (the template folder, a template or stylesheet of it, the logo):
    the configuration's fault, never an input's, so batch leaves the file in the inbox
    (``deferred``) instead of blaming it; batch and run check these settings before any input."""

    environmental = True


class LockHeldError(TriageError):
    """Another batch run holds the lock (contract §6: 75)."""

    exit_code = 75
