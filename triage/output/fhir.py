"""results.fhir.json (``--fhir``): the run's results as a FHIR R4 Bundle of type ``collection``.

Written at ``finish`` from the session's spool of (already redacted) result chunks, like
results.xlsx: memory is bounded by one chunk and the set of patient keys seen.  Plain dicts and
orjson (the standard library's encoder without it): the writer needs no FHIR library; the tests
validate every Bundle with ``fhir.resources`` (the ``[fhir]`` extra).

Layout (docs/output-contract-extensions.md, "results.fhir.json"):

- ``Bundle.meta.tag``: the tool (name, version) and the reference set;
- one ``Patient`` per distinct patient (identifier = patient_id, name, gender, birthDate; under
  --redact the redacted id only), fullUrl ``urn:uuid:`` a UUID-5 of the patient key;
- one ``Observation`` per triaged result: status final, category laboratory, LOINC 2842-3
  (ng/mL) or 15081-3 (mIU/L), subject, effectiveDateTime, valueQuantity in UCUM with the
  comparator of a ``<``/``>`` result, the specimen number, referenceRange (the interval that
  decided, in the value's unit, its stratum and note), interpretation (v3 N/L/H/HH, IND for an
  indeterminate result; then the lab's own flag from the input, marked "lab"), the triage
  priority/status/band as extensions, and the factors, next steps, comment and priority as notes;
- after it, its row's context: lab Observations, one ``MedicationStatement`` per drug of the
  medications cell (medication_statements), Conditions.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta, timezone
from functools import cache
from typing import Any, BinaryIO, Final
from urllib.parse import quote

import pandas as pd

try:
    import orjson
except ImportError:  # pragma: no cover - orjson has wheels for every usual platform
    orjson = None  # type: ignore[assignment]

from triage.engine.factors import medication_item
from triage.io.identifiers import identifier_system
from triage.knowledge.drugs import DrugMention, drug_matcher, says_stopped
from triage.knowledge.loaders import load_drugs, load_thresholds
from triage.numbers import fmt_lab, lab_decimals
from triage.output.options import RESULTS_FHIR, RunMeta
from triage.output.views import as_text, patient_keys
from triage.values import (
    RESULT_STATUS_CODES,
    fhir_gender,
    parse_quantity,
    synonyms_data,
    unit_key,
)

__all__ = ["RESULTS_FHIR", "write_fhir_bundle"]

# Code systems and the tool's own URLs (extensions, identifier systems, tags).
LOINC: Final = "http://loinc.org"
UCUM: Final = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION: Final = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
RANGE_MEANING: Final = "http://terminology.hl7.org/CodeSystem/referencerange-meaning"
TOOL_BASE: Final = "https://prolactin-triage.example.org/fhir"
EXT_PRIORITY: Final = f"{TOOL_BASE}/StructureDefinition/triage-priority"
EXT_STATUS: Final = f"{TOOL_BASE}/StructureDefinition/triage-status"
EXT_BAND: Final = f"{TOOL_BASE}/StructureDefinition/triage-band"
EXT_REFERENCE_SOURCE: Final = f"{TOOL_BASE}/StructureDefinition/reference-source"
# whose interpretation a CodeableConcept of Observation.interpretation is: "triage" (the status
# found here) or "lab" (the lab's own flag from the input, read back as the row's lab_flag)
EXT_INTERPRETATION_SOURCE: Final = f"{TOOL_BASE}/StructureDefinition/interpretation-source"
TAG_TOOL: Final = f"{TOOL_BASE}/CodeSystem/tool"
TAG_REFERENCE_SET: Final = f"{TOOL_BASE}/CodeSystem/reference-set"
ID_PATIENT: Final = f"{TOOL_BASE}/NamingSystem/patient-id"
ID_PATIENT_REDACTED: Final = f"{TOOL_BASE}/NamingSystem/redacted-patient-id"
ID_SPECIMEN: Final = f"{TOOL_BASE}/NamingSystem/specimen-id"
ID_SOURCE_ROW: Final = f"{TOOL_BASE}/NamingSystem/source-row"
_NAMESPACE: Final = uuid.UUID("5b0e3c1e-2f4a-5c8e-9d3b-7a1f0c2e4d60")

PROLACTIN_CODES: Final[dict[str, tuple[str, str]]] = {
    "ng/mL": ("2842-3", "Prolactin [Mass/volume] in Serum or Plasma"),
    "mIU/L": ("15081-3", "Prolactin [Units/volume] in Serum or Plasma"),
}
UCUM_UNITS: Final[dict[str, str]] = {"ng/mL": "ng/mL", "mIU/L": "m[IU]/L", "µmol/L": "umol/L"}
INTERPRETATION_DISPLAY: Final[dict[str, str]] = {
    "N": "Normal",
    "L": "Low",
    "H": "High",
    "HH": "Critical high",
    "LL": "Critical low",
    "A": "Abnormal",
    "IND": "Indeterminate",
}
# the triage status whose interpretation column is empty -> its v3 code (never none: a consumer
# reading no interpretation takes the result for unflagged)
STATUS_INTERPRETATION: Final[dict[str, str]] = {"indeterminate": "IND"}
# the lab's own flag (canonical lab_flag: values.flag_direction) -> its v3 code; the ones the
# lab called critical (lab_flag_critical: "HH", "LL" as written) -> theirs
LAB_FLAG_CODES: Final[dict[str, str]] = {"high": "H", "low": "L", "abnormal": "A", "normal": "N"}
CRITICAL_LAB_FLAG_CODES: Final[dict[str, str]] = {"high": "HH", "low": "LL"}
# a qualified result written with an inclusive sign (HL7 SN ">=^200", a FHIR comparator ">="):
# the canonical qualifier keeps only its direction, the raw cell the sign
_INCLUSIVE: Final = re.compile(r"\s*(<=|=<|≤|>=|=>|≥)")
CAUTIONS: Final = frozenset({"hook_effect_risk", "dopamine_agonist_masking", "conflicting_context"})

_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


HAVE_ORJSON: Final[bool] = orjson is not None


def _encode(value: Any) -> bytes:
    if HAVE_ORJSON:
        return orjson.dumps(value)
    return _ENCODER.encode(value).encode("utf-8")


def stable_uuid(kind: str, key: str) -> str:
    """A UUID-5 of ``kind`` and ``key``: the same resource gets the same id in every run."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}\x1f{key}"))


_GIVEN_OFFSET: Final = re.compile(r"([+-])(\d{2}):(\d{2})\Z")


def _given_offset(value: object) -> timezone | None:
    """The UTC offset the input wrote with the time ("+01:00"), None when none or unreadable."""
    found = _GIVEN_OFFSET.fullmatch(as_text(value))
    if found is None:
        return None
    sign = -1 if found[1] == "-" else 1
    delta = timedelta(hours=int(found[2]), minutes=int(found[3]))
    try:
        return timezone(sign * delta)
    except ValueError:  # beyond ±24 h
        return None


def fhir_datetime(value: object, offset: object = None) -> str | None:
    """A collection time as a FHIR dateTime: the date alone at midnight, else the wall-clock
    time with the offset the input wrote with it (``offset``: HL7's "+0100", FHIR's "+01:00",
    carried as "+01:00"), else with the offset of this computer's time zone at that time (FHIR
    wants an offset with a time; the exports give local times without one)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if str(stamp) == "NaT":
        return None
    moment = stamp.to_pydatetime()
    if moment.tzinfo is None:
        if (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0):
            return moment.date().isoformat()
        given = _given_offset(offset)
        if given is not None:  # the instant the lab meant: its wall clock with its offset
            return moment.replace(tzinfo=given).isoformat(timespec="seconds")
        # the wall-clock time as written, with this time zone's offset then; a time the clock
        # skipped (02:30 as summer time begins) keeps its wall clock with the offset before the
        # change (astimezone would move it an hour: read back, another result)
        moment = moment.replace(tzinfo=timezone(moment.astimezone().utcoffset() or timedelta(0)))
    return moment.isoformat(timespec="seconds")


def _fhir_date(value: object) -> str | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    try:
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if pd.isna(stamp) else stamp.strftime("%Y-%m-%d")


def _number(value: object, decimals: int | None = None) -> float | int | None:
    """A finite number for JSON; with ``decimals`` (the lab's), rounded to them and written
    with a decimal point when the lab wrote one ("3.0" stays 3.0, "12" is 12)."""
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    if decimals is not None:  # never rounded onto a whole number it is not (99.995 stays)
        shown = fmt_lab(number, decimals)
        return float(shown) if "." in shown else int(shown)
    number = round(number, 6)
    return int(number) if number.is_integer() else number


def _quantity(value: float | int, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": UCUM_UNITS.get(unit, unit)}


def _details(value: object) -> list[Mapping[str, Any]]:
    if isinstance(value, list | tuple):
        return [d for d in value if isinstance(d, Mapping)]
    return []


def factor_note(detail: Mapping[str, Any]) -> str:
    label = as_text(detail.get("label")) or as_text(detail.get("code"))
    strength = as_text(detail.get("strength"))
    text = "Possible contributing factor"
    text += f" ({strength})" if strength else ""
    text += f": {label} [{as_text(detail.get('code'))}]"
    evidence = as_text(detail.get("evidence"))
    return text + (f" — evidence: {evidence}" if evidence else "")


def suggestion_note(detail: Mapping[str, Any]) -> str:
    code = as_text(detail.get("code"))
    label = as_text(detail.get("label")) or code
    head = "Caution" if code in CAUTIONS else "Suggested next step"
    reason = as_text(detail.get("reason"))
    return f"{head}: {label} [{code}]" + (f" — why: {reason}" if reason else "")


class _Rows:
    """A chunk's rows as dicts of column -> cell (only the columns the Bundle uses)."""

    COLUMNS: Final = (
        "source_file",
        "source_sheet",
        "source_row",
        "patient_id",
        "patient_name",
        "sex",
        "birth_date",
        "collected_at",
        "prolactin_raw",
        "prolactin_value",
        "prolactin_unit",
        "qualifier",
        "reference_source",
        "reference_low_value",
        "reference_high_value",
        "reference_stratum",
        "reference_note",
        "status",
        "band",
        "interpretation",
        "priority",
        "factor_details",
        "suggestion_details",
        "comment",
        "specimen_id",
        "patient_issuer",
        "result_status",  # Observation.status (values.RESULT_STATUS_CODES; else final)
        "source_column",  # tells apart the results of one input row (several prolactin columns)
    )

    @staticmethod
    def of(chunk: pd.DataFrame) -> Iterator[tuple[str, dict[str, Any]]]:
        present = [c for c in _Rows.COLUMNS if c in chunk.columns]
        present += [c for c in chunk.columns if str(c).startswith(CONTEXT_PREFIX)]
        keys = patient_keys(chunk)
        columns = [chunk[c].tolist() for c in present]
        for key, values in zip(keys, zip(*columns, strict=True), strict=True):
            yield key, dict(zip(present, values, strict=True))


# Input context carried into the Bundle (the canonical frame's columns beside each result,
# spooled with it as "fhir:<column>"): lab context as Observations, medications as a
# MedicationStatement, the patient's state and conditions as Conditions, the row's free comments
# as a note of the result's Observation (a comment, or the lab's flag the HL7 reader adds to it,
# is no problem-list entry of the patient).
CONTEXT_PREFIX: Final = "fhir:"
# Monomeric (post-PEG) prolactin and the PEG recovery (clinical-reference §0b "LOINC,
# macroprolactin" row; the ARUP and Labcorp test directories map them so): the monomeric
# prolactin in ng/mL is 42607-2, a mass concentration (no LOINC code for it in mIU/L is known
# here: a local code, MONOMERIC_LOCAL), the recovery (monomeric / total, %) 50366-4.
MONOMERIC_CODES: Final[dict[str, str]] = {"ng/mL": "42607-2"}
PEG_RECOVERY_CODE: Final = "50366-4"
# the tool's own code system for a context test no LOINC code is known for (text and this code)
LOCAL_TESTS: Final = f"{TOOL_BASE}/CodeSystem/context-test"
MONOMERIC_LOCAL: Final = "monomeric-prolactin"
CONTEXT_NUMBERS: Final[dict[str, tuple[str, str, str]]] = {
    # column -> (LOINC, display, UCUM unit) in the unit the canonical frame holds it in
    # (clinical-reference §0b LOINC row): TSH in mIU/L, free T4 in pmol/L (the readers convert
    # ng/dL: 14920-3, not the ng/dL code 3024-7), eGFR in mL/min/1.73 m² (its code: egfr_code);
    # creatinine by its size as the engine reads it (creatinine_code), monomeric prolactin in its
    # own prolactin unit
    "tsh": ("3016-3", "TSH", "mIU/L"),
    "free_t4": ("14920-3", "Free T4", "pmol/L"),
    "egfr": ("", "eGFR", "mL/min/{1.73_m2}"),
    "creatinine": ("", "Creatinine", ""),
    "macroprolactin_recovery_pct": (PEG_RECOVERY_CODE, "PEG recovery", "%"),
    "monomeric_prolactin": ("", "Monomeric prolactin", ""),
}
# Creatinine: 2160-0 in mg/dL, 14682-9 in µmol/L (the canonical frame keeps the number, read by
# its size: up to thresholds.toml creatinine_mg_dl_max mg/dL, above it µmol/L; wide.py)
CREATININE_CODES: Final[dict[str, str]] = {"mg/dL": "2160-0", "µmol/L": "14682-9"}
# eGFR: the input's LOINC code (egfr_loinc: the equation), else the generic one (no method)
EGFR_GENERIC: Final = "69405-9"
EGFR_DISPLAYS: Final[dict[str, str]] = {
    "62238-1": "eGFR (CKD-EPI 2009)",
    "98979-8": "eGFR (CKD-EPI 2021, creatinine)",
    "98980-6": "eGFR (CKD-EPI 2021, creatinine and cystatin C)",
    "33914-3": "eGFR (MDRD)",
    EGFR_GENERIC: "eGFR",
}
# hCG: the input's LOINC code (hcg_loinc), else a quantitative result in IU is the serum total
# hCG 19080-1 (with a Quantity) and a result in words has no code (its specimen is unknown: the
# urine test 2106-3 or the serum one 2118-8)
HCG_QUANTITATIVE: Final = "19080-1"
HCG_DISPLAYS: Final[dict[str, str]] = {
    "19080-1": "hCG (quantitative, serum)",
    "21198-7": "beta-hCG (quantitative, serum)",
    "2118-8": "hCG (qualitative, serum)",
    "2106-3": "hCG (qualitative, urine)",
}
# How an hCG unit the readers know is shown, with its UCUM code: IU/L = mIU/mL.
_HCG_PER_L: Final = ("IU/L", "[IU]/L")
_HCG_MILLI_PER_ML: Final = ("mIU/mL", "m[IU]/mL")
_HCG_PER_ML: Final = ("IU/mL", "[IU]/mL")


@cache
def hcg_units() -> dict[str, tuple[str, str]]:
    """The hCG units the readers know (synonyms.toml [hcg] units and units_per_ml, as
    values.unit_key writes them) -> (unit shown, UCUM code)."""
    hcg = synonyms_data()["hcg"]
    out = {u: _HCG_PER_L if u.endswith("/l") else _HCG_MILLI_PER_ML for u in hcg["units"]}
    out.update({u: _HCG_PER_ML for u in hcg["units_per_ml"]})
    return out


CONTEXT_FLAGS: Final[dict[str, str]] = {
    "lactating": "Lactating",
    "menopausal": "Postmenopausal",
    "dialysis": "Dialysis",
    "kidney_transplant": "Kidney transplant",
    "head_trauma": "Head trauma",
}
CONTEXT_TEXTS: Final[dict[str, str]] = {
    "symptoms": "Symptoms",
    "kidney_disease": "Kidney disease",
    "liver_disease": "Liver disease",
    "pituitary_lesion": "Pituitary lesion",
}
INPUT_COMMENTS: Final = "Input comments"
# column -> the label of its Observation note (read back by triage/io/fhir.py)
CONTEXT_NOTES: Final[dict[str, str]] = {"comments": INPUT_COMMENTS}
CONTEXT_COLUMNS: Final[tuple[str, ...]] = (
    "collected_offset",
    "gender",  # Patient.gender "other" (patient_resource)
    "reference_low",
    "reference_high",
    "reference_range",
    *CONTEXT_NUMBERS,
    "lab_flag",
    "lab_flag_critical",
    "patient_id_system",
    "specimen_id_system",
    "egfr_loinc",
    "hcg_loinc",
    "tsh_qualifier",
    "egfr_qualifier",
    # the date of a chronic measure of another collection (long exports, review 20), of an hCG
    # or a PEG screen of another sample (review 22): its Observation's effectiveDateTime,
    # without the result's specimen
    "egfr_collected",
    "creatinine_collected",
    "tsh_collected",
    "free_t4_collected",
    "hcg_collected",
    "macroprolactin_recovery_pct_collected",
    "monomeric_prolactin_collected",
    "macroprolactin_recovery_pct_qualifier",
    "monomeric_prolactin_unit",
    "hcg",
    "medications",
    "pregnant",
    "pregnant_text",
    "gestational_weeks",
    *CONTEXT_FLAGS,
    *(f"{name}_text" for name in CONTEXT_FLAGS),
    "postpartum_weeks",
    "pituitary_lesion_mm",
    *CONTEXT_TEXTS,
    *CONTEXT_NOTES,
)
# Free text that may name people: left out of the Bundle under --redact.
REDACTED_CONTEXT: Final = frozenset({*CONTEXT_TEXTS, *CONTEXT_NOTES})
AS_WRITTEN: Final = "as written: "  # a Condition note: the yes/no cell as the input wrote it
PREGNANCY_SNOMED: Final = "77386006"
SNOMED: Final = "http://snomed.info/sct"
CONDITION_VERIFICATION: Final = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


def context_columns(
    results: pd.DataFrame, inputs: pd.DataFrame | None, *, redact: bool
) -> pd.DataFrame | None:
    """The input context of each result row (``inputs``: the canonical frame of the file the
    results come from) as columns "fhir:<name>", aligned with ``results``; None without it."""
    if inputs is None or not len(results):
        return None
    names = [
        c for c in CONTEXT_COLUMNS if c in inputs.columns and not (redact and c in REDACTED_CONTEXT)
    ]
    if not names or "source_row" not in inputs.columns or "source_row" not in results.columns:
        return None
    try:
        picked = inputs.loc[results.index, [*names, "source_row"]]
        aligned = bool((picked["source_row"].to_numpy() == results["source_row"].to_numpy()).all())
    except (KeyError, ValueError, TypeError):
        aligned = False
    if not aligned:  # by the row number instead (unique within one file)
        unique = inputs.drop_duplicates("source_row").set_index("source_row")
        picked = unique.reindex(results["source_row"].to_numpy())[names]
    out = picked[names].copy()
    out.index = results.index
    out.columns = [CONTEXT_PREFIX + c for c in names]
    return out


def _ctx(row: Mapping[str, Any], name: str) -> Any:
    return row.get(CONTEXT_PREFIX + name)


def _flag(value: object) -> bool | None:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool):
        return value
    try:
        return None if pd.isna(value) else bool(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def context_resources(
    key: str, row: Mapping[str, Any], where: str, *, redact: bool = False
) -> list[dict[str, Any]]:
    """The Observations, MedicationStatement and Conditions of one result row's context."""
    subject = {"reference": f"urn:uuid:{stable_uuid('patient', key)}"}
    effective = fhir_datetime(row.get("collected_at"), _ctx(row, "collected_offset"))
    specimen = as_text(row.get("specimen_id"))
    out: list[dict[str, Any]] = []

    def lab(name: str, code: str, display: str, value: dict[str, Any], system: str = LOINC) -> None:
        obs: dict[str, Any] = {
            "resourceType": "Observation",
            "id": stable_uuid("context", f"{where}\x1f{name}"),
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": OBSERVATION_CATEGORY,
                            "code": "laboratory",
                            "display": "Laboratory",
                        }
                    ]
                }
            ],
            "code": (
                {"coding": [{"system": system, "code": code, "display": display}], "text": display}
                if code
                else {"text": display}
            ),
            "subject": subject,
        }
        other = as_text(_ctx(row, f"{name}_collected"))  # of another collection: its date
        if other or effective:
            obs["effectiveDateTime"] = other or effective
        obs.update(value)
        if specimen and not other:
            obs["specimen"] = {"identifier": _specimen_identifier(row, specimen, redact)}
        out.append(obs)

    for name, (code, display, unit) in CONTEXT_NUMBERS.items():
        number = _number(_ctx(row, name))
        if number is None:
            continue
        if name == "creatinine":
            code, unit = creatinine_code(number)
        elif name == "egfr":
            code = as_text(_ctx(row, "egfr_loinc")) or EGFR_GENERIC
            display = EGFR_DISPLAYS.get(code, display)
        quantity: dict[str, Any] = {"value": number}
        qualifier = as_text(_ctx(row, f"{name}_qualifier"))
        if qualifier in ("<", ">", "<=", ">="):
            quantity["comparator"] = qualifier
        system = LOINC
        if name == "monomeric_prolactin":  # in its own unit where the input gave another
            unit = as_text(_ctx(row, "monomeric_prolactin_unit")) or as_text(
                row.get("prolactin_unit")
            )
            code = MONOMERIC_CODES.get(unit, "")
            if not code:  # in mIU/L: no LOINC code known, the tool's own (never a mass code)
                code, system = MONOMERIC_LOCAL, LOCAL_TESTS
        if unit:
            quantity.update(
                {
                    "unit": unit.replace("{1.73_m2}", "1.73m2"),
                    "system": UCUM,
                    "code": UCUM_UNITS.get(unit, unit),
                }
            )
        lab(name, code, display, {"valueQuantity": quantity}, system)
    hcg = as_text(_ctx(row, "hcg"))
    if hcg:
        value = hcg_value(hcg)
        code = as_text(_ctx(row, "hcg_loinc")) or (
            HCG_QUANTITATIVE if "valueQuantity" in value else ""
        )
        lab("hcg", code, HCG_DISPLAYS.get(code, "hCG"), value)
    medications = as_text(_ctx(row, "medications"))
    if medications:
        out += medication_statements(subject, where, medications, row.get("collected_at"))

    def condition(
        name: str, text: str, *, code: str = "", verification: str = "", said: str = ""
    ) -> None:
        concept: dict[str, Any] = {"text": text}
        if code:
            concept["coding"] = [{"system": SNOMED, "code": code}]
        resource: dict[str, Any] = {
            "resourceType": "Condition",
            "id": stable_uuid("condition", f"{where}\x1f{name}"),
        }
        if verification:
            resource["verificationStatus"] = {
                "coding": [{"system": CONDITION_VERIFICATION, "code": verification}]
            }
        resource.update({"code": concept, "subject": subject})
        if said:
            resource["note"] = [{"text": AS_WRITTEN + said}]
        out.append(resource)

    pregnant = _flag(_ctx(row, "pregnant"))
    said = as_text(_ctx(row, "pregnant_text"))
    if pregnant is not None or said:
        weeks = _number(_ctx(row, "gestational_weeks"))
        text = "Pregnancy" + (f", {weeks} weeks" if weeks is not None else "")
        verification = {True: "confirmed", False: "refuted"}.get(pregnant, "unconfirmed")  # type: ignore[arg-type]
        condition("pregnant", text, code=PREGNANCY_SNOMED, verification=verification, said=said)
    for name, label in CONTEXT_FLAGS.items():
        flag = _flag(_ctx(row, name))
        said = as_text(_ctx(row, f"{name}_text"))
        if flag:
            extra = ""
            if name == "lactating" and _number(_ctx(row, "postpartum_weeks")) is not None:
                extra = f", {_number(_ctx(row, 'postpartum_weeks'))} weeks postpartum"
            condition(name, label + extra, said=said)
    for name, label in CONTEXT_TEXTS.items():
        text = as_text(_ctx(row, name))
        if name == "pituitary_lesion" and _number(_ctx(row, "pituitary_lesion_mm")) is not None:
            text = f"{text} {_number(_ctx(row, 'pituitary_lesion_mm'))} mm".strip()
        if text:
            condition(name, f"{label}: {text}")
    return out


# The medications cell as MedicationStatements: one per drug the drug matcher finds in it (the
# drug's name as medicationCodeableConcept.text, its ATC code when WHO gives one; the item of
# the list that names it, the patient's words, as dosage.text; the status as the list reads it:
# active, stopped (written as stopped yet still acting at the sample), not-taken (negated, or
# stopped long before), unknown (written with doubt)), each with the whole cell as written in a
# note, which the Bundle read back takes as the medications cell (triage/io/fhir.py), so that
# the drug list's timing, negation and doubt rules read it as they read the input.  A cell
# naming no drug the matcher knows stays one statement with its text.
MEDICATIONS_AS_WRITTEN: Final = "Medication list as written: "
ATC: Final = "http://www.whocc.no/atc"
_ATC_DIGITS: Final = 7  # a substance's ATC code (N05AX08); shorter ones name a group
_STATUS_OF_DOUBT: Final[dict[str, str]] = {"unconfirmed": "unknown"}


def medication_statements(
    subject: dict[str, Any], where: str, medications: str, collected: object
) -> list[dict[str, Any]]:
    """The MedicationStatements of one result row's medications cell (see above)."""
    day = _fhir_date(collected)  # a stop or start written as a date is read against it
    as_of = (int(day[:4]), int(day[5:7]), int(day[8:10])) if day else None
    mentions = drug_matcher(load_drugs()).mentions(medications, as_of)
    chosen: dict[str, DrugMention] = {}
    for mention in mentions:  # per drug: a mention taken outweighs a negated one
        name = mention.match.drug.name
        if name not in chosen or (chosen[name].negated and not mention.negated):
            chosen[name] = mention
    note = [{"text": MEDICATIONS_AS_WRITTEN + medications}]
    if not chosen:
        return [
            {
                "resourceType": "MedicationStatement",
                "id": stable_uuid("medication", f"{where}"),
                "status": "active",
                "medicationCodeableConcept": {"text": medications},
                "subject": subject,
                "note": note,
            }
        ]
    starts = sorted({m.start for m in mentions} | {len(medications)})
    statements = []
    for name, mention in chosen.items():
        match = mention.match
        item = medication_item(medications, match.matched_text)
        if mention.negated:  # stopped long before ("sospeso 2 anni fa"), else never taken
            rest = medications[mention.start : next(s for s in starts if s > mention.start)]
            status = "stopped" if says_stopped(item) or says_stopped(rest) else "not-taken"
        elif match.stopped:
            status = "stopped"
        else:
            status = _STATUS_OF_DOUBT.get(match.doubt, "active")
        concept: dict[str, Any] = {"text": name}
        codes = [c for c in match.drug.atc if len(c) == _ATC_DIGITS]
        if codes:
            concept["coding"] = [{"system": ATC, "code": codes[0]}]
        statement: dict[str, Any] = {
            "resourceType": "MedicationStatement",
            "id": stable_uuid("medication", f"{where}\x1f{name}"),
            "status": status,
            "medicationCodeableConcept": concept,
            "subject": subject,
            "note": note,
        }
        if item and status != "not-taken":  # how it is (or was) taken, in the patient's words
            statement["dosage"] = [{"text": item}]
        elif item:
            statement["note"] = [*note, {"text": item}]
        statements.append(statement)
    return statements


def creatinine_code(number: float) -> tuple[str, str]:
    """(LOINC, UCUM unit) of a canonical creatinine: mg/dL up to creatinine_mg_dl_max, µmol/L
    above it, as the engine reads it (wide.creatinine_for_engine)."""
    unit = "mg/dL" if number <= load_thresholds().get("creatinine_mg_dl_max") else "µmol/L"
    return CREATININE_CODES[unit], unit


def hcg_value(text: str) -> dict[str, Any]:
    """An hCG cell as the Observation's value: a number in an hCG unit ("25000 IU/L", "<2
    mIU/mL") as a Quantity in UCUM, anything else ("positive", "negativ") as valueString."""
    quantity = parse_quantity(text)
    known = hcg_units().get(unit_key(quantity.unit_text or ""))
    number = _number(quantity.value)
    if quantity.status != "ok" or number is None or known is None:
        return {"valueString": text}
    out: dict[str, Any] = {"value": number}
    comparator = _comparator(quantity.qualifier or "", text)
    if comparator:
        out["comparator"] = comparator
    out.update({"unit": known[0], "system": UCUM, "code": known[1]})
    return {"valueQuantity": out}


def _comparator(qualifier: str, raw: str) -> str:
    """Quantity.comparator of a qualified value: "<" or ">", "<=" / ">=" where the cell as
    written has the inclusive sign (HL7 SN ">=^200" is read as ">" with the raw ">=200")."""
    if qualifier not in ("<", ">", "<=", ">="):
        return ""
    found = _INCLUSIVE.match(raw)
    sign = found[1] if found else ""
    if sign in ("<=", "=<", "≤") and qualifier[0] == "<":
        return "<="
    if sign in (">=", "=>", "≥") and qualifier[0] == ">":
        return ">="
    return qualifier


def patient_resource(key: str, row: Mapping[str, Any], *, redact: bool) -> dict[str, Any]:
    patient: dict[str, Any] = {"resourceType": "Patient", "id": stable_uuid("patient", key)}
    pid = as_text(row.get("patient_id"))
    if pid:
        system = ID_PATIENT_REDACTED if redact else ID_PATIENT
        issuer = as_text(row.get("patient_issuer"))
        identifier: dict[str, Any] = {"system": system, "value": pid}
        if issuer:  # the same id from two issuers: two patients (HL7 PID-3.4), read back so
            identifier["system"] = f"{system}/{quote(issuer, safe='')}"
            identifier["assigner"] = {"display": issuer}
        # the input's own system (a FHIR identifier's, an HL7 authority's OID or URI): a server
        # finds the patient by it; under --redact the id is a token: the tool's own system
        own = "" if redact else _input_system(_ctx(row, "patient_id_system"), issuer)
        if own:
            identifier["system"] = own
        patient["identifier"] = [identifier]
    name = as_text(row.get("patient_name"))
    if name and not redact:
        patient["name"] = [{"text": name}]
    # F / M; a sex stated as another ("divers", HL7 PID-8 O/A/N/X: the canonical gender) other
    patient["gender"] = fhir_gender(as_text(row.get("sex")), as_text(_ctx(row, "gender")))
    birth = None if redact else _fhir_date(row.get("birth_date"))
    if birth:
        patient["birthDate"] = birth
    return patient


def _input_system(system: object, issuer: str) -> str:
    """The identifier system the input gave (``patient_id_system``), else the issuer when it is
    one itself (a URI, an OID: ``identifiers.identifier_system``); "" when there is none (the
    tool's own NamingSystem is used)."""
    return as_text(system) or identifier_system(issuer)


def _specimen_identifier(row: Mapping[str, Any], specimen: str, redact: bool) -> dict[str, str]:
    """A specimen number's Identifier: under the input's own system (``specimen_id_system``),
    else (and under --redact, where the number is a token) the tool's NamingSystem."""
    own = "" if redact else as_text(_ctx(row, "specimen_id_system"))
    return {"system": own or ID_SPECIMEN, "value": specimen}


def observation_resource(
    key: str, row: Mapping[str, Any], *, redact: bool = False, part: str = ""
) -> dict[str, Any]:
    """The Observation of one result row (``key``: its patient's key; ``part``: the column of a
    further result of the same input row, a wide file's row of several prolactin columns, so
    that each has an id of its own)."""
    unit = as_text(row.get("prolactin_unit")) or "ng/mL"
    code, display = PROLACTIN_CODES.get(unit, PROLACTIN_CODES["ng/mL"])
    where = "\x1f".join(as_text(row.get(c)) for c in ("source_file", "source_sheet", "source_row"))
    if part:
        where += f"\x1f{part}"
    source = f"{as_text(row.get('source_file'))}"
    if as_text(row.get("source_sheet")):
        source += f" sheet {as_text(row.get('source_sheet'))}"
    source += f" row {as_text(row.get('source_row'))}"
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "id": stable_uuid("observation", where),
        "identifier": [{"system": ID_SOURCE_ROW, "value": source}],
    }
    extensions = [
        {"url": url, "valueCode": as_text(row.get(name))}
        for url, name in ((EXT_PRIORITY, "priority"), (EXT_STATUS, "status"), (EXT_BAND, "band"))
        if as_text(row.get(name))
    ]
    if extensions:
        obs["extension"] = extensions
    status = as_text(row.get("result_status"))
    obs["status"] = status if status in RESULT_STATUS_CODES else "final"
    obs["category"] = [
        {
            "coding": [
                {"system": OBSERVATION_CATEGORY, "code": "laboratory", "display": "Laboratory"}
            ]
        }
    ]
    obs["code"] = {
        "coding": [{"system": LOINC, "code": code, "display": display}],
        "text": "Prolactin",
    }
    obs["subject"] = {"reference": f"urn:uuid:{stable_uuid('patient', key)}"}
    effective = fhir_datetime(row.get("collected_at"), _ctx(row, "collected_offset"))
    if effective:
        obs["effectiveDateTime"] = effective
    lab_value = row.get("prolactin_value")
    value = _number(
        lab_value,
        lab_decimals(
            as_text(row.get("prolactin_raw")),
            lab_value if isinstance(lab_value, float) else None,
        ),
    )
    if value is not None:
        quantity = _quantity(value, unit)
        comparator = _comparator(as_text(row.get("qualifier")), as_text(row.get("prolactin_raw")))
        if comparator:
            quantity = {
                "value": value,
                "comparator": comparator,
                **{k: v for k, v in quantity.items() if k != "value"},
            }
        obs["valueQuantity"] = quantity
    interpretations = _interpretations(row)
    if interpretations:
        obs["interpretation"] = interpretations
    notes = _notes(row)
    if notes:
        obs["note"] = [{"text": text} for text in notes]
    specimen = as_text(row.get("specimen_id"))
    if specimen:
        obs["specimen"] = {
            "identifier": _specimen_identifier(row, specimen, redact),
            "display": f"Specimen {specimen}",
        }
    ranges = [r for r in (_reference_range(row, unit), _lab_range(row, unit)) if r]
    if ranges:
        obs["referenceRange"] = ranges
    return obs


def _interpretation_concept(code: str, source: str, text: str) -> dict[str, Any]:
    return {
        "extension": [{"url": EXT_INTERPRETATION_SOURCE, "valueCode": source}],
        "coding": [
            {
                "system": INTERPRETATION,
                "code": code,
                "display": INTERPRETATION_DISPLAY.get(code, code),
            }
        ],
        "text": text,
    }


def _interpretations(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Observation.interpretation: first the triage's (the interpretation column: N, L, H, HH;
    IND for an indeterminate result, which has none there), then the lab's own flag from the
    input (H, L, A, N; HH, LL where the lab called it critical: lab_flag_critical), each marked
    by its interpretation-source (read back: the lab's flag only, as the row's lab_flag, so
    that the Bundle read back is judged as the input was)."""
    out: list[dict[str, Any]] = []
    code = as_text(row.get("interpretation")) or STATUS_INTERPRETATION.get(
        as_text(row.get("status")), ""
    )
    if code:
        out.append(_interpretation_concept(code, "triage", "Triage"))
    said = as_text(_ctx(row, "lab_flag"))
    critical = _flag(_ctx(row, "lab_flag_critical"))
    flag = (CRITICAL_LAB_FLAG_CODES if critical else LAB_FLAG_CODES).get(said)
    if flag:
        out.append(_interpretation_concept(flag, "lab", "The lab's own flag"))
    return out


def _reference_range(row: Mapping[str, Any], unit: str) -> dict[str, Any] | None:
    low = _number(row.get("reference_low_value"))
    high = _number(row.get("reference_high_value"))
    note = as_text(row.get("reference_note"))
    if low is None and high is None:
        return None
    out: dict[str, Any] = {}
    source = as_text(row.get("reference_source"))
    if source:
        out["extension"] = [{"url": EXT_REFERENCE_SOURCE, "valueCode": source}]
    if low is not None:
        out["low"] = _quantity(low, unit)
    if high is not None:
        out["high"] = _quantity(high, unit)
    stratum = as_text(row.get("reference_stratum"))
    meaning = "pregnancy" if "pregnan" in stratum.casefold() else "normal"
    out["type"] = {"coding": [{"system": RANGE_MEANING, "code": meaning}]}
    applies = [{"text": stratum}] if stratum and stratum != "row" else []
    sex = as_text(row.get("sex")).upper()
    gender = fhir_gender(sex)
    if gender in ("female", "male") and source != "row":
        applies.append({"text": f"sex: {gender}"})
    if applies:
        out["appliesTo"] = applies
    if note:
        out["text"] = note
    return out


def _lab_range(row: Mapping[str, Any], unit: str) -> dict[str, Any] | None:
    """The lab's own interval from the input, when another one (the set's, a physiological
    one) decided: kept so that the Bundle read back judges the result the same way."""
    if as_text(row.get("reference_source")) in ("row", ""):
        return None
    low = _number(_ctx(row, "reference_low"))
    high = _number(_ctx(row, "reference_high"))
    if low is None and high is None:
        return None
    out: dict[str, Any] = {"extension": [{"url": EXT_REFERENCE_SOURCE, "valueCode": "row"}]}
    if low is not None:
        out["low"] = _quantity(low, unit)
    if high is not None:
        out["high"] = _quantity(high, unit)
    out["type"] = {"coding": [{"system": RANGE_MEANING, "code": "normal"}]}
    said = as_text(_ctx(row, "reference_range"))
    out["text"] = "The lab's own interval from the input" + (f": {said}" if said else "")
    return out


def _notes(row: Mapping[str, Any]) -> list[str]:
    notes: list[str] = []
    priority = as_text(row.get("priority"))
    if priority:
        status = as_text(row.get("status"))
        band = as_text(row.get("band"))
        what = ", ".join(
            x for x in (f"status {status}" if status else "", f"band {band}" if band else "") if x
        )
        notes.append(f"Triage priority: {priority}" + (f" ({what})" if what else ""))
    notes += [factor_note(d) for d in _details(row.get("factor_details"))]
    notes += [suggestion_note(d) for d in _details(row.get("suggestion_details"))]
    comment = as_text(row.get("comment"))
    if comment:
        notes.append(f"Comment: {comment}")
    for name, label in CONTEXT_NOTES.items():
        said = as_text(_ctx(row, name))
        if said:
            notes.append(f"{label}: {said}")
    return notes


def bundle_header(meta: RunMeta) -> dict[str, Any]:
    stamp = meta.generated_at
    if stamp.tzinfo is None:
        stamp = stamp.astimezone()
    return {
        "resourceType": "Bundle",
        "id": stable_uuid("bundle", f"{meta.tool_name}\x1f{stamp.isoformat()}"),
        "meta": {
            "tag": [
                {
                    "system": TAG_TOOL,
                    "code": meta.tool_name,
                    "display": f"{meta.tool_name} {meta.tool_version}",
                    "version": meta.tool_version,
                },
                {
                    "system": TAG_REFERENCE_SET,
                    "code": meta.reference_set,
                    "display": meta.reference_title or meta.reference_set,
                },
            ]
        },
        "type": "collection",
        "timestamp": stamp.isoformat(timespec="seconds"),
    }


def write_fhir_bundle(
    chunks: Callable[[], Iterable[pd.DataFrame]],
    meta: RunMeta,
    handle: BinaryIO,
    *,
    redact: bool,
) -> None:
    """The Bundle from the result chunks (``chunks()`` is called twice: the Patients first, then
    the Observations); written piece by piece, never whole in memory."""
    header = _encode(bundle_header(meta))
    handle.write(header[:-1] + b',"entry":[')
    first = True

    def entry(resource: dict[str, Any]) -> None:
        nonlocal first
        body = _encode({"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource})
        handle.write(body if first else b",\n" + body)
        first = False

    seen: set[str] = set()
    for chunk in chunks():
        for key, row in _Rows.of(chunk):
            if key in seen:
                continue
            seen.add(key)
            entry(patient_resource(key, row, redact=redact))
    seen.clear()
    for chunk in chunks():
        for key, row in _Rows.of(chunk):
            part = as_text(row.get("source_column"))  # a further result of its row: its column
            observation = observation_resource(key, row, redact=redact, part=part)
            entry(observation)
            for resource in context_resources(key, row, observation["id"], redact=redact):
                entry(resource)
    handle.write(b"]}\n")
