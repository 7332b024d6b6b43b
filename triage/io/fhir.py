"""FHIR R4 input: a Bundle (JSON) read as the long-shape grid a spreadsheet export would give.

One grid row per Observation (prolactin by LOINC 2842-3 / 20568-2 / 15081-3, and the other lab
Observations the long reader uses as context: TSH, free T4, eGFR, creatinine, hCG, PEG
recovery ...), with the canonical header names the column matcher knows (``patient_id``,
``sex``, ``birth_date``, ``collected_at``, ``specimen_id``, ``test_code``, ``test``,
``result``, ``unit``, ``reference_range``, ``medications``, ``comments``, ``pregnant``), so
that the existing pipeline does the rest (triage.io.long):

- ``Patient`` (the Observation's subject) -> identifier (else id), name, gender (female F,
  male M, other "other": unknown for the interval, written back as other), birthDate; a
  subject given only as a logical identifier is the Patient holding it, else that identifier;
- ``MedicationStatement`` / ``MedicationRequest`` of the patient (not entered in error, never
  taken or only planned) -> ``medications`` (medicationCodeableConcept text or coding display,
  or the referenced Medication's); each Observation takes the statements as they stood when its
  sample was taken: one whose effectivePeriod starts after the sample is left out (a baseline
  before the drug), one whose period covered it counts even if stopped or completed since, and
  one whose period ended before it, or one stopped, completed or on hold, is written as a drug
  list writes it ("risperidone (stopped on 2026-02-27)", "(stopped)", "(on hold)") for the drug
  matcher's timing rules (a drug stopped within its acting days still counts); one this tool
  wrote (one per drug of a medications cell, each with the cell in a note "Medication list as
  written: ...") gives that cell once, whatever its status;
- ``MedicationAdministration`` / ``MedicationDispense`` are read as statements too (a dispense
  handed over: taken from then; an administration: given at its time), and the time of each is
  its effectivePeriod, else its effectiveDateTime, a dosage's boundsPeriod, the validityPeriod,
  authoredOn or whenHandedOver (_medication_period): a drug started after the sample is left out;
- ``ServiceRequest`` (reasonCode, reasonReference, supportingInfo, note), ``Procedure`` (code,
  reasonCode), ``ClinicalImpression`` and ``DiagnosticReport`` (conclusion, conclusionCode) state
  the patient's context as Conditions do, from their time on (_context_conditions);
- an Observation without specimen and effective time (a TSH, eGFR, hCG) joins its patient's
  prolactin result by subject when the patient has one collection in the file (triage.io.long);
- ``Condition`` of the patient (not resolved / inactive / refuted) -> ``comments`` (its text; a
  code sent without text or display in the words synonyms.toml [coded_conditions] gives it:
  ICD-10 H53.4 -> "visual field defect"; so too an Observation's valueCodeableConcept);
  a pregnancy (SNOMED 77386006, or "pregnan" in its text) also -> ``pregnant`` = yes; each
  Observation takes the Conditions as they stood when its sample was taken (one whose onset is
  after the sample is left out, one abated before it counts as resolved, one abated after it
  as active whatever its clinicalStatus now);
- the Observation's referenceRange -> ``reference_range`` ("low-high" in the value's unit),
  except a range this tool wrote from its own reference set (its reference-source extension
  says ``set`` or ``physiological``); its notes -> ``comments`` (not the notes this tool wrote:
  an Observation carrying the tool's triage extensions); its interpretation (the lab's flag:
  H, L, N, A ...) -> ``lab_flag`` (on an Observation this tool wrote, only the one marked as the
  lab's: the input's flag it carried, never its own status; an off-scale ">" / "<" is the
  result's qualifier, as valueQuantity.comparator is);
- effectiveDateTime (or effectivePeriod.start / effectiveInstant) -> ``collected_at``, the
  wall-clock time as written, and its offset -> ``collected_offset`` (results.fhir.json writes
  the time with it).

``source_row`` of a row is its entry's 1-based position in ``Bundle.entry``.  An Observation
without subject or value is a rejected row (``malformed_line``) whose detail names the entry
(``entry[3] Observation/abc: no subject``); a file that is not JSON, not a Bundle, or holds no
usable Observation is refused (InputFileError, exit 3) naming the file and the resource.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Final, NamedTuple

from triage.io.delimited import InputLimits
from triage.io.identifiers import identifier_key, preferred_patient_id
from triage.io.long import classify_test
from triage.io.sources import Rows, Workbook
from triage.io.unknown_units import untriaged_urgency
from triage.schema import PRELIMINARY, SUPERSEDED, SUPERSEDES, InputFileError, Withdrawal
from triage.values import (
    DOUBTED,
    EXCLUDED,
    FormatNumber,
    coded_words,
    diagnosis_certainty,
    doubted_diagnoses_warning,
    normalise_unit,
    sex_of_gender,
    split_certainty,
    synonyms_data,
    unread_codes_warning,
    with_code_words,
)

NAME: Final = "fhir"
SUFFIXES: Final = frozenset({".json"})

HEADER: Final[tuple[str, ...]] = (
    "patient_id",
    "patient_name",
    "sex",
    "birth_date",
    "collected_at",
    "specimen_id",
    "test_code",
    "test",
    "result",
    "unit",
    "reference_range",
    "lab_flag",
    "medications",
    "comments",
    "pregnant",
    "gestational_weeks",
    "lactating",
    "postpartum_weeks",
    "dialysis",
    "menopausal",
    "kidney_transplant",
    "head_trauma",
    "symptoms",
    "kidney_disease",
    "liver_disease",
    "pituitary_lesion",
    "collected_offset",
    "patient_issuer",
    # the system of the patient's identifier and of the specimen's, as the input wrote them
    # (never this tool's own NamingSystem): --fhir writes them again
    "patient_id_system",
    "specimen_id_system",
    "result_status",  # Observation.status, "registered" as preliminary
)
# Conditions whose text starts with one of these labels (as this tool writes them) go to that
# field; the text of any other Condition goes to comments.
TEXT_CONDITIONS: Final[dict[str, str]] = {
    "symptoms:": "symptoms",
    "kidney disease:": "kidney_disease",
    "liver disease:": "liver_disease",
    "pituitary lesion:": "pituitary_lesion",
    "comments:": "comments",
}
# Conditions this tool writes for the yes/no fields (output/fhir.py CONTEXT_FLAGS): their text
# starts with the label; the field is "yes" (or the cell as written, from the note).
FLAG_CONDITIONS: Final[dict[str, str]] = {
    "lactating": "lactating",
    "postmenopausal": "menopausal",
    "dialysis": "dialysis",
    "kidney transplant": "kidney_transplant",
    "head trauma": "head_trauma",
}
_WEEKS: Final = re.compile(r"(\d+(?:\.\d+)?)\s*weeks")
_AS_WRITTEN: Final = "as written: "
# the note holding the medications cell on a MedicationStatement this tool wrote
_MEDICATIONS_AS_WRITTEN: Final = "Medication list as written: "
# the note in which this tool writes a row's comments on the result's Observation
# (output/fhir.py INPUT_COMMENTS; before, a Condition "Comments: ...", still read)
_INPUT_COMMENTS: Final = "Input comments: "
# LOINC codes named in words the long reader recognises (a code it does not list still finds
# its test by this name).
LOINC_NAMES: Final[dict[str, str]] = {
    "2842-3": "Prolactin",
    "20568-2": "Prolactin",
    "15081-3": "Prolactin",
    "3016-3": "TSH",
    "3024-7": "Free T4",
    "3024-0": "Free T4",
    "14920-3": "Free T4",
    "33914-3": "eGFR",
    "48642-3": "eGFR",
    "62238-1": "eGFR",
    "2160-0": "Creatinine",
    "14682-9": "Creatinine",
    "98979-8": "eGFR",
    "98980-6": "eGFR",
    "69405-9": "eGFR",
    "2106-3": "hCG",
    "2118-8": "hCG",
    "19080-1": "hCG",
    "21198-7": "hCG",
    "42607-2": "Monomeric prolactin",
    "50366-4": "PEG recovery",
}
PREGNANCY_SNOMED: Final = "77386006"
_SKIP_MED_STATUS: Final = frozenset(
    {
        "stopped",
        "entered-in-error",
        "not-taken",
        "cancelled",
        "completed",
        "revoked",
        # planned, paused or not yet ordered: not taken now
        "intended",
        "on-hold",
        "draft",
        "proposal",
        "plan",
    }
)
# statuses of a statement taken once but ended since: taken at a sample its period covers
_ENDED_SINCE: Final = frozenset({"stopped", "completed"})
# statuses of a statement never taken (or recorded in error): left out whatever its period
_NEVER_TAKEN: Final = _SKIP_MED_STATUS - {"stopped", "completed", "on-hold"}
# A statement taken once and stopped, ended or paused is written into the medications cell as
# the drug list writes it ("risperidone (stopped on 2026-02-27)", "(stopped)", "(on hold)"), so
# that the drug matcher's timing rules judge it as they judge a typed list (triage.knowledge.
# drugs: a drug stopped within its acting days before the sample still counts, drugs.toml
# [words] stopped; a depot's weeks): never left out, which lost a drug stopped two days before.
_STOPPED_ON: Final = "stopped on"
_STOP_WORDS: Final[dict[str, str]] = {
    "stopped": "stopped",
    "completed": "stopped",
    "on-hold": "on hold",
}
_PAUSED: Final = frozenset({"on-hold"})
_SKIP_CLINICAL: Final = frozenset({"inactive", "resolved", "remission"})
_TOOL_EXTENSION: Final = "StructureDefinition/triage-"
# the identifier systems this tool writes (triage/output/fhir.py ID_PATIENT ...): no issuer
_TOOL_NAMING_SYSTEM: Final = "prolactin-triage.example.org/fhir/NamingSystem/"
_REFERENCE_SOURCE: Final = "StructureDefinition/reference-source"
# whose interpretation a concept is, on an Observation this tool wrote (output/fhir.py): "lab"
# (the input's flag, read back as lab_flag) or "triage" (its own status: never a lab flag)
_INTERPRETATION_SOURCE: Final = "StructureDefinition/interpretation-source"
_OFFSET: Final = re.compile(r"(Z|[+-]\d{2}:\d{2})$")
_SNIFF_BYTES: Final = 4096


def sniff(data: bytes, suffix: str) -> bool:
    """JSON whose resourceType is Bundle (looked for in the first few KB), or FHIR Bulk Data
    NDJSON: a first line that is a whole JSON resource (Observation.ndjson, Patient.ndjson)."""
    try:
        head = data[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(b"{"):
            return False
        if re.search(rb'"resourceType"\s*:\s*"Bundle"', head) is not None:
            return True
        first = data.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
        return isinstance(_resource_line(first), dict)
    except Exception:
        return False


def _resource_line(line: bytes | str) -> dict[str, Any] | None:
    """One line of FHIR NDJSON as its resource (a JSON object with a resourceType), else None."""
    try:
        found = json.loads(line)
    except ValueError:
        return None
    return found if isinstance(found, dict) and _text(found.get("resourceType")) else None


def _ndjson_bundle(text: str) -> dict[str, Any] | None:
    """FHIR Bulk Data NDJSON (one resource a line) as the collection Bundle of its resources,
    None when a line is no resource (then the file is no NDJSON)."""
    lines = [line for line in text.splitlines() if line.strip()]
    resources = [_resource_line(line) for line in lines]
    if len(lines) < 2 or any(r is None for r in resources):
        return None
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _concept_text(concept: object) -> str:
    if not isinstance(concept, Mapping):
        return ""
    text = _text(concept.get("text"))
    if text:
        return text
    codings = [c for c in _list(concept.get("coding")) if isinstance(c, Mapping)]
    # any coding's display before a bare code (a national number without display first, the
    # ATC coding with "Risperidon" second: it was read as "01234567")
    for coding in codings:
        if shown := _text(coding.get("display")):
            return shown
    for coding in codings:
        if shown := _text(coding.get("code")):
            return shown
    return ""


def _codes(concept: object) -> list[tuple[str, str, str]]:
    """(system, code, display) of a CodeableConcept's codings."""
    if not isinstance(concept, Mapping):
        return []
    return [
        (_text(c.get("system")), _text(c.get("code")), _text(c.get("display")))
        for c in _list(concept.get("coding"))
        if isinstance(c, Mapping)
    ]


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _number(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return ""
    return str(value).strip()


def _unit(quantity: Mapping[str, Any]) -> str:
    """The unit as written, unless only its UCUM code is one the reader knows ("nanogram per
    milliliter" with code ng/mL: the code)."""
    unit = _text(quantity.get("unit"))
    code = _text(quantity.get("code")).replace("[IU]", "IU").replace("[iU]", "IU")
    if unit and (not code or normalise_unit(unit) is not None or normalise_unit(code) is None):
        return unit
    return code


def _effective(resource: Mapping[str, Any]) -> str:
    when = _text(resource.get("effectiveDateTime")) or _text(resource.get("effectiveInstant"))
    if not when:
        period = resource.get("effectivePeriod")
        if isinstance(period, Mapping):
            when = _text(period.get("start"))
    return when


def _collected(resource: Mapping[str, Any]) -> str:
    """The collection time as written, its offset dropped (the wall-clock time)."""
    return _OFFSET.sub("", _effective(resource)).replace("T", " ")


def _collected_offset(resource: Mapping[str, Any]) -> str:
    """The collection time's UTC offset ("+01:00"; Z is "+00:00"), "" when it has none."""
    found = _OFFSET.search(_effective(resource))
    if found is None or "T" not in _effective(resource):
        return ""
    return "+00:00" if found[1] == "Z" else found[1]


def _reference_range(resource: Mapping[str, Any], unit: str) -> str:
    """The lab's interval(s) as an interval cell: one general range ("4.8-23.3"), or the ranges
    per sex, with pregnancy's, as a labelled cell ("M: 4.0-15.2; F: 4.8-23.3") that the reader
    picks from by the patient's sex.  A range for another population (an age band, a therapeutic
    target, a phase of the cycle) or this tool's own choice (written back by --fhir) is left out:
    the reference set judges then.  The first range is not every patient's: a man judged against
    the women's 4.8-23.3 listed first came out normal."""
    general = ""
    labelled: dict[str, str] = {}
    for item in _list(resource.get("referenceRange")):
        if not isinstance(item, Mapping):
            continue
        source = next(
            (
                _text(e.get("valueCode"))
                for e in _list(item.get("extension"))
                if isinstance(e, Mapping) and _text(e.get("url")).endswith(_REFERENCE_SOURCE)
            ),
            "",
        )
        if source and source != "row":
            continue  # this tool's own choice from its reference set, not the lab's interval
        interval = _range_text(item)
        group = _range_group(item)
        if not interval or group == _OTHER_GROUP:
            continue
        if group is None:
            general = general or interval
        else:
            labelled.setdefault(group, interval)
    del unit
    if not {"F", "M"} & set(labelled):
        return general
    for sex in ("F", "M"):
        if sex not in labelled and general:
            labelled[sex] = general
    return "; ".join(f"{group}: {interval}" for group, interval in labelled.items())


_OTHER_GROUP: Final = "other"
# referenceRange.type codes of the usual interval (http://terminology.hl7.org/CodeSystem/
# referencerange-meaning); any other (therapeutic, follicular, postmenopausal ...) is not the row's
_USUAL_RANGE_TYPES: Final = frozenset({"", "normal", "recommended"})
# appliesTo codes: administrative gender, SNOMED CT male / female / pregnant
_GROUP_CODES: Final = {
    "male": "M",
    "248153007": "M",
    "female": "F",
    "248152002": "F",
    "pregnant": "pregnancy",
    "pregnancy": "pregnancy",
    "77386006": "pregnancy",
}


def _range_text(item: Mapping[str, Any]) -> str:
    low = item.get("low")
    high = item.get("high")
    lo = _number(low.get("value")) if isinstance(low, Mapping) else ""
    hi = _number(high.get("value")) if isinstance(high, Mapping) else ""
    if lo and hi:
        return f"{lo}-{hi}"
    if hi:
        return f"<{hi}"
    if lo:
        return f">{lo}"
    return _text(item.get("text"))


def _range_group(item: Mapping[str, Any]) -> str | None:
    """Whom a referenceRange is for: None (everyone), "F", "M", "pregnancy", or _OTHER_GROUP."""
    kind = item.get("type")
    codes = [_text(c.get("code")).lower() for c in _codings(kind)] if kind else []
    if item.get("age") is not None or any(code not in _USUAL_RANGE_TYPES for code in codes):
        return _OTHER_GROUP
    groups = set()
    for concept in _list(item.get("appliesTo")):
        words = [_text(c.get("code")).lower() for c in _codings(concept)]
        if isinstance(concept, Mapping):
            words.append(_text(concept.get("text")).lower())
        found = {_GROUP_CODES[w] for w in words if w in _GROUP_CODES}
        groups |= found or ({_OTHER_GROUP} if any(words) else set())
    if not groups:
        return None
    return groups.pop() if len(groups) == 1 else _OTHER_GROUP


def _codings(concept: object) -> list[Mapping[str, Any]]:
    if not isinstance(concept, Mapping):
        return []
    return [c for c in _list(concept.get("coding")) if isinstance(c, Mapping)]


def _subject_key(resource: Mapping[str, Any], field: str = "subject") -> str:
    """The patient a resource names: its reference, else its logical identifier (a Reference
    may carry only ``identifier``: a feed that knows the MRN, not the server's Patient id)."""
    subject = resource.get(field)
    if not isinstance(subject, Mapping):
        return ""
    reference = _text(subject.get("reference"))
    ident = subject.get("identifier")
    if reference or not isinstance(ident, Mapping) or not _text(ident.get("value")):
        return reference
    return _identifier_key(_text(ident.get("system")), _text(ident.get("value")))


_IDENTIFIER: Final = "identifier:"  # a key made of (system, value), never a resource reference


def _identifier_key(system: str, value: str) -> str:
    return f"{_IDENTIFIER}{system}|{value}"


class _Index:
    """The Bundle's resources by the references that may point at them."""

    def __init__(self, entries: list[Any]) -> None:
        self.by_ref: dict[str, Mapping[str, Any]] = {}
        for entry in entries:
            if not isinstance(entry, Mapping) or entry.get(_PART):
                continue
            resource = entry.get("resource")
            if not isinstance(resource, Mapping):
                continue
            kind, rid = _text(resource.get("resourceType")), _text(resource.get("id"))
            full = _text(entry.get("fullUrl"))
            if full:
                self.by_ref[full] = resource
            if kind and rid:
                self.by_ref[f"{kind}/{rid}"] = resource
                if full.endswith(f"/{kind}/{rid}"):
                    self.by_ref[full] = resource
            if kind == "Patient":  # found by a Reference that gives only an identifier
                for ident in _list(resource.get("identifier")):
                    value = _text(ident.get("value")) if isinstance(ident, Mapping) else ""
                    if value:
                        system = _text(ident.get("system"))
                        self.by_ref.setdefault(_identifier_key(system, value), resource)
                        self.by_ref.setdefault(_identifier_key("", value), resource)

    def key(self, reference: str) -> str:
        """One key per resource, however it is referred to ("Patient/p1", an absolute URL ending
        in it, its fullUrl): the resource's type/id when it is in the Bundle."""
        found = self.get(reference)
        if found is None:
            return reference
        kind, rid = _text(found.get("resourceType")), _text(found.get("id"))
        return f"{kind}/{rid}" if kind and rid else reference

    def get(self, reference: str) -> Mapping[str, Any] | None:
        if not reference:
            return None
        found = self.by_ref.get(reference)
        if reference.startswith(_IDENTIFIER):
            value = reference.rsplit("|", 1)[-1]
            return found or self.by_ref.get(_identifier_key("", value))
        if found is None and "/" in reference:
            parts = reference.rstrip("/").split("/")
            found = self.by_ref.get("/".join(parts[-2:]))
        return found


def _contained(resource: Mapping[str, Any], reference: str) -> Mapping[str, Any] | None:
    """The resource a local reference ("#pat") names among ``resource``'s contained ones."""
    for inner in _list(resource.get("contained")):
        if isinstance(inner, Mapping) and f"#{_text(inner.get('id'))}" == reference:
            return inner
    return None


def _identifier_type(identifier: Mapping[str, Any]) -> str:
    """An Identifier's type code (HL7 table 0203: MR, SS, NI ...), "" when it states none."""
    kind = identifier.get("type")
    if not isinstance(kind, Mapping):
        return ""
    for coding in _list(kind.get("coding")):
        if isinstance(coding, Mapping) and _text(coding.get("code")):
            return _text(coding.get("code"))
    return ""


def _issuer(identifier: Mapping[str, Any]) -> str:
    """Who assigned a patient identifier, as HL7's PID-3.4 (the history's issuer): its
    assigner's name (display, else identifier value), else its system ("urn:oid:1.2.826.0.1.1");
    "" for this tool's own system (an id it wrote without an issuer)."""
    assigner = identifier.get("assigner")
    if isinstance(assigner, Mapping):
        inner = assigner.get("identifier")
        named = _text(assigner.get("display")) or (
            _text(inner.get("value")) if isinstance(inner, Mapping) else ""
        )
        if named:
            return named
    return _own_system(_text(identifier.get("system")))


def _own_system(system: str) -> str:
    """An identifier's system as the input wrote it; "" for this tool's own NamingSystem (an id
    it wrote: the system is made again from the issuer)."""
    return "" if _TOOL_NAMING_SYSTEM in system else system


def _patient_cells(patient: Mapping[str, Any] | None, reference: str) -> dict[str, str]:
    if patient is None and reference.startswith(_IDENTIFIER):
        system, _, value = reference.removeprefix(_IDENTIFIER).rpartition("|")
        return {
            "patient_id": value,
            "patient_issuer": _issuer({"system": system}),
            "patient_id_system": _own_system(system),
        }
    if patient is None:
        return {"patient_id": reference.rsplit("/", 1)[-1].removeprefix("urn:uuid:")}
    identifiers = [
        ident
        for ident in _list(patient.get("identifier"))
        if isinstance(ident, Mapping) and _text(ident.get("use")) != "old"
    ]
    pid = preferred_patient_id([(_text(i.get("value")), _identifier_type(i)) for i in identifiers])
    chosen = next((i for i in identifiers if pid and _text(i.get("value")) == pid), None)
    issuer = "" if chosen is None else _issuer(chosen)
    system = "" if chosen is None else _own_system(_text(chosen.get("system")))
    pid = pid or _text(patient.get("id"))
    name = ""
    for item in _list(patient.get("name")):
        if isinstance(item, Mapping):
            name = (
                _text(item.get("text"))
                or " ".join(
                    [*(_text(g) for g in _list(item.get("given"))), _text(item.get("family"))]
                ).strip()
            )
            if name:
                break
    gender = _text(patient.get("gender")).casefold()
    # "other" as the word the sex column reads as unknown and writes back as other
    sex = sex_of_gender(gender)
    return {
        "patient_id": pid,
        "patient_name": name,
        "sex": sex,
        "birth_date": _text(patient.get("birthDate")),
        "patient_issuer": issuer,
        "patient_id_system": system,
    }


def _ended_period(period: object) -> bool:
    """A period whose end is before today (a statement "active" but ended last year)."""
    if not isinstance(period, Mapping):
        return False
    end = _text(period.get("end"))[:10]
    try:
        return bool(end) and date.fromisoformat(end) < date.today()
    except ValueError:
        return False


def _period_timing(period: object, sample: tuple[str, str]) -> str:
    """Where a statement's effectivePeriod stands against the sample: "later" (it starts after
    the sample), "over" (it ended before the sample), "held" (it ends at or after the sample and
    starts no later), else "" (no period, or its times do not say)."""
    if not isinstance(period, Mapping) or not sample[0]:
        return ""
    start, end = _when(period.get("start")), _when(period.get("end"))
    if _before(sample, start):
        return "later"
    if end[0]:
        return "over" if _before(end, sample) else "held"
    return ""


# the resources naming a drug the patient takes, was given or was handed, read as a
# MedicationStatement is; the status of each that reads otherwise, as a MedicationStatement's (a
# dispense completed or under way was handed over: taken from then on; one in preparation not
# yet; an administration under way is taken, one not done never was)
_MEDICATION_KINDS: Final = (
    "MedicationStatement",
    "MedicationRequest",
    "MedicationAdministration",
    "MedicationDispense",
)
_AS_STATEMENT_STATUS: Final[dict[tuple[str, str], str]] = {
    ("MedicationDispense", "completed"): "active",
    ("MedicationDispense", "in-progress"): "active",
    ("MedicationDispense", "preparation"): "intended",
    ("MedicationDispense", "declined"): "not-taken",
    ("MedicationAdministration", "in-progress"): "active",
    ("MedicationAdministration", "not-done"): "not-taken",
    ("MedicationAdministration", "completed"): "active",
}


def _medication_period(resource: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """When a medication resource says the drug was taken, as a period (start, end) that
    ``_period_timing`` places against the sample: effectivePeriod; else an effectiveDateTime (a
    statement's: taken from then; an administration's: given then, start and end); else the
    start of a dosage's timing.repeat.boundsPeriod, of the dispenseRequest's validityPeriod, the
    authoredOn of a request or the whenHandedOver / whenPrepared of a dispense (the drug is
    taken no earlier), with the boundsPeriod's end.  Before, only effectivePeriod was read: a
    drug prescribed or started after the sample explained it."""
    period = resource.get("effectivePeriod")
    if isinstance(period, Mapping):
        return period
    given = _text(resource.get("effectiveDateTime"))
    if given and resource.get("resourceType") == "MedicationAdministration":
        return {"start": given, "end": given}
    bounds: Mapping[str, Any] = {}
    for dosage in [*_list(resource.get("dosageInstruction")), *_list(resource.get("dosage"))]:
        timing = dosage.get("timing") if isinstance(dosage, Mapping) else None
        repeat = timing.get("repeat") if isinstance(timing, Mapping) else None
        found = repeat.get("boundsPeriod") if isinstance(repeat, Mapping) else None
        if isinstance(found, Mapping):
            bounds = found
            break
    dispense = resource.get("dispenseRequest")
    validity = dispense.get("validityPeriod") if isinstance(dispense, Mapping) else None
    starts = [
        given,
        _text(bounds.get("start")),
        _text(validity.get("start")) if isinstance(validity, Mapping) else "",
        *(_text(resource.get(key)) for key in ("authoredOn", "whenHandedOver", "whenPrepared")),
    ]
    start = next((when for when in starts if when), "")
    if not start and not bounds.get("end"):
        return None
    return {"start": start, "end": bounds.get("end")}


def _medications_at(statements: list[tuple[str, object, str]], collected: str) -> list[str]:
    """The texts of the patient's MedicationStatements / MedicationRequests (status, period, text)
    in effect when the sample was taken: one whose period starts after the sample is left out
    (not yet taken: a baseline before it), one whose period ended before the sample too; one
    whose period covered the sample was taken then, even if stopped or completed since.  One
    with no period, or times that do not say, is read by its status (and its end against today).
    """
    sample = _when(collected.replace(" ", "T"))
    taken: list[str] = []
    for status, period, text in statements:
        timing = _period_timing(period, sample)
        said = text
        if timing == "later" or status in _NEVER_TAKEN:
            continue
        if timing == "over":  # taken until its end: the drug list's "stopped on <date>"
            said = f"{text} ({_STOPPED_ON} {_when(_ended(period))[0]})"
        elif timing == "held":
            if status in _SKIP_MED_STATUS and status not in _ENDED_SINCE:
                said = f"{text} ({_STOP_WORDS[status]})"  # on hold at the sample
        elif status in _STOP_WORDS or _ended_period(period):
            end = _when(_ended(period))[0]
            said = (
                f"{text} ({_STOPPED_ON} {end})"
                if end and status not in _PAUSED
                else f"{text} ({_STOP_WORDS.get(status, _STOP_WORDS['stopped'])})"
            )
        if said not in taken:
            taken.append(said)
    return taken


def _ended(period: object) -> object:
    return period.get("end") if isinstance(period, Mapping) else None


def _when(value: object) -> tuple[str, str]:
    """A FHIR date or dateTime as (date, wall-clock time), the offset dropped (("", "") when
    absent, or only a year or a month: too coarse to place a sample against)."""
    day, _, clock = _OFFSET.sub("", _text(value)).partition("T")
    try:
        date.fromisoformat(day)
    except ValueError:
        return "", ""
    return day, clock


def _before(first: tuple[str, str], second: tuple[str, str]) -> bool:
    """Whether `first` is surely before `second` (a date alone is the whole day)."""
    if not first[0] or not second[0]:
        return False
    if first[0] != second[0]:
        return first[0] < second[0]
    return bool(first[1] and second[1]) and first[1] < second[1]


def _condition_timing(resource: Mapping[str, Any], sample: tuple[str, str]) -> str:
    """Whether a Condition held when the sample was taken: "later" (its onset is after the
    sample), "over" (it abated before the sample), else "" (it held, or its times do not say).
    An abatement after the sample means the Condition held then, whatever its clinicalStatus
    says now ("resolved": a pregnancy that ended after the sample)."""
    onset = resource.get("onsetPeriod")
    start = _when(resource.get("onsetDateTime"))
    if not start[0] and isinstance(onset, Mapping):
        start = _when(onset.get("start"))
    if _before(sample, start):
        return "later"
    abated = resource.get("abatementPeriod")
    end = _when(resource.get("abatementDateTime"))
    if not end[0] and isinstance(abated, Mapping):
        end = _when(abated.get("end")) if abated.get("end") else _when(abated.get("start"))
    if end[0]:
        return "over" if _before(end, sample) else "held"
    if resource.get("abatementBoolean") is True or _text(resource.get("abatementString")):
        return "over"
    return ""


def _conditions_at(
    resources: list[Mapping[str, Any]], collected: str
) -> tuple[list[str], dict[str, str]]:
    """The patient's Conditions as they stood when the sample was taken: the texts for comments
    and the fields they set.  One whose onset is after the sample is left out; one that abated
    before it counts as resolved (a pregnancy: no), one that abated after it as active."""
    sample = _when(collected.replace(" ", "T"))
    notes: list[str] = []
    cells: dict[str, str] = {}
    for resource in resources:
        timing = _condition_timing(resource, sample) if sample[0] else ""
        if timing == "later":
            continue
        text = _condition(resource, cells, ended=timing == "over", held=timing == "held")
        if text and text not in notes:
            notes.append(text)
    return notes, cells


# The resources holding the patient's clinical context besides Conditions (FHIR's OBR-13
# clinical information and OBR-31 reason for study, which the HL7 reader reads): each is read
# as the Conditions it states, so that its words go where a Condition's go (comments, a
# pregnancy to pregnant ...) and stand from its time on.  Before, they were only counted as
# "resources not used": a visual field defect in a ServiceRequest's reason, a dialysis
# Procedure, were lost and the result was "unexplained".
_CONTEXT_KINDS: Final = ("ServiceRequest", "Procedure", "ClinicalImpression", "DiagnosticReport")
# the statuses of such a resource that say nothing of the patient: recorded in error, a
# procedure not done or not begun
_CONTEXT_VOID: Final = frozenset({"entered-in-error", "not-done", "preparation"})
# the elements naming what a context resource states, as concepts, texts or references
_CONTEXT_CONCEPTS: Final = ("code", "reasonCode", "conclusionCode")
_CONTEXT_TEXTS: Final = ("description", "summary", "conclusion")
_CONTEXT_REFERENCES: Final = ("reasonReference", "supportingInfo")


def _context_conditions(resource: Mapping[str, Any], index: _Index) -> list[Mapping[str, Any]]:
    """What a ServiceRequest, Procedure, ClinicalImpression or DiagnosticReport states of its
    patient, as Conditions with its time as their onset (one later than the sample is left out,
    _conditions_at): a Procedure's code (dialysis, a kidney transplant: lasting once done) and
    the reasonCode, conclusion and conclusionCode, description, summary, findings and notes of
    each; the Conditions its reasonReference and supportingInfo name (else their display).  A
    ServiceRequest's time is the day it was authored (the order before its sample); a
    ServiceRequest's own code is the test ordered, never the patient's state."""
    kind = _text(resource.get("resourceType"))
    if _text(resource.get("status")) in _CONTEXT_VOID:
        return []
    performed = resource.get("performedPeriod")
    onset = (
        _effective(resource)
        or _text(resource.get("performedDateTime"))
        or (_text(performed.get("start")) if isinstance(performed, Mapping) else "")
        or _text(resource.get("authoredOn"))[: len("YYYY-MM-DD")]
    )
    concepts: list[object] = [
        concept
        for key in _CONTEXT_CONCEPTS
        if key != "code" or kind == "Procedure"
        for concept in (_list(resource.get(key)) or [resource.get(key)])
    ]
    concepts += [{"text": resource.get(key)} for key in _CONTEXT_TEXTS]
    concepts += [
        {"text": n.get("text")} for n in _list(resource.get("note")) if isinstance(n, Mapping)
    ]
    references = [r for key in _CONTEXT_REFERENCES for r in _list(resource.get(key))]
    for finding in _list(resource.get("finding")):
        if isinstance(finding, Mapping):
            concepts.append(finding.get("itemCodeableConcept"))
            references.append(finding.get("itemReference"))
    named: list[Mapping[str, Any]] = []
    for reference in references:
        if not isinstance(reference, Mapping):
            continue
        target_ref = _text(reference.get("reference"))
        target = (
            _contained(resource, target_ref)
            if target_ref.startswith("#")
            else index.get(target_ref)
        )
        if target is not None and target.get("resourceType") == "Condition":
            named.append(target)
        elif target is None:
            concepts.append({"text": reference.get("display")})
    said = [
        {"resourceType": "Condition", "code": concept, "onsetDateTime": onset}
        for concept in concepts
        if _concept_text(concept)
    ]
    return [*said, *named]


def _medication(resource: Mapping[str, Any], index: _Index) -> str:
    text = _concept_text(resource.get("medicationCodeableConcept"))
    if not text:
        ref = resource.get("medicationReference")
        if isinstance(ref, Mapping):
            target = _text(ref.get("reference"))
            # a contained Medication ("#med1") is the statement's own
            med = _contained(resource, target) if target.startswith("#") else index.get(target)
            text = _concept_text(med.get("code")) if med else ""
            text = text or _text(ref.get("display"))
    return text


def _list_as_written(resource: Mapping[str, Any]) -> str:
    """The medications cell a MedicationStatement this tool wrote carries in its note (one
    statement per drug, each with the whole list: output/fhir.py medication_statements), ""
    for any other statement."""
    for note in _list(resource.get("note")):
        text = _text(note.get("text")) if isinstance(note, Mapping) else ""
        if text.startswith(_MEDICATIONS_AS_WRITTEN):
            return text.removeprefix(_MEDICATIONS_AS_WRITTEN).strip()
    return ""


def _as_written(resource: Mapping[str, Any]) -> str:
    for note in _list(resource.get("note")):
        text = _text(note.get("text")) if isinstance(note, Mapping) else ""
        if text.startswith(_AS_WRITTEN):
            return text.removeprefix(_AS_WRITTEN).strip()
    return ""


def _condition(
    resource: Mapping[str, Any], cells: dict[str, str], *, ended: bool = False, held: bool = False
) -> str:
    """What a Condition says: yes/no fields into ``cells`` (pregnancy: yes / no / unknown, or
    the cell as written; the flags this tool writes), the text of any other (for comments).
    ``ended``: it abated before the sample (as resolved); ``held``: it abated after the sample
    (it held then, whatever its clinicalStatus says now)."""
    clinical = {c[1] for c in _codes(resource.get("clinicalStatus"))}
    certainty = _certainty(resource)
    code = resource.get("code")
    text = _concept_words(code, diagnosis=True)
    folded = text.casefold()
    said = _as_written(resource)
    inactive = bool((clinical & _SKIP_CLINICAL and not held) or certainty == EXCLUDED or ended)
    if any(c[1] == PREGNANCY_SNOMED for c in _codes(code)) or folded.startswith("pregnan"):
        if cells.get("pregnant") not in ("yes",):
            if inactive:
                cells["pregnant"] = said or "no"
            elif certainty == DOUBTED:
                cells["pregnant"] = said or "unknown"
            else:
                cells["pregnant"] = said or "yes"
        weeks = _WEEKS.search(text)
        if weeks and not inactive:
            cells["gestational_weeks"] = weeks.group(1)
        return ""
    if inactive or certainty == DOUBTED:  # a doubted one: named in the file's warning
        return ""
    for label, field in TEXT_CONDITIONS.items():
        if folded.startswith(label) and field != "comments":
            said = text[len(label) :].strip()
            cells[field] = "; ".join(x for x in (cells.get(field, ""), said) if x)
            return ""
        if folded.startswith(label):
            return text[len(label) :].strip()
    for label, field in FLAG_CONDITIONS.items():
        if folded.startswith(label):
            cells[field] = said or "yes"
            weeks = _WEEKS.search(text)
            if field == "lactating" and weeks:
                cells["postpartum_weeks"] = weeks.group(1)
            return ""
    return text


def _certainty(resource: Mapping[str, Any]) -> str:
    """How certain a Condition is: EXCLUDED (verificationStatus refuted or entered-in-error;
    ICD-10-GM Diagnosesicherheit A, in the KBV / ISiK coding extension or written after the
    code: "N18.5 A"), DOUBTED (unconfirmed, provisional, differential; Diagnosesicherheit V),
    else "" (synonyms.toml [diagnosis_certainty])."""
    found = {diagnosis_certainty("fhir", c[1]) for c in _codes(resource.get("verificationStatus"))}
    code = resource.get("code")
    url = synonyms_data()["diagnosis_certainty"]["icd10gm_extension"]
    codings = _list(code.get("coding")) if isinstance(code, Mapping) else []
    for coding in codings:
        if not isinstance(coding, Mapping):
            continue
        found.add(split_certainty(_text(coding.get("code")))[1])
        for ext in _list(coding.get("extension")):
            if isinstance(ext, Mapping) and _text(ext.get("url")).endswith(url):
                letter = ext.get("valueCoding")
                letter = _text(letter.get("code")) if isinstance(letter, Mapping) else ""
                found.add(diagnosis_certainty("icd10gm", letter or _text(ext.get("valueCode"))))
    return EXCLUDED if EXCLUDED in found else DOUBTED if DOUBTED in found else ""


def _concept_words(concept: object, *, diagnosis: bool = False) -> str:
    """A CodeableConcept's text or display (_concept_text); one sent as codes only: the words of
    the first of its codes that synonyms.toml [coded_conditions] lists (values.coded_words: a
    local code first and the SNOMED CT or ICD-10 one second is read by the second), else its
    first code as written.  A diagnosis (a Condition's code) keeps the words of a listed code
    before its text whatever the text ({H47.4, "Affektionen des Chiasma opticum"}: the
    chiasm's field defect; values.with_code_words): the code is the authority."""
    text = _concept_text(concept)
    words = next((words for c in _codes(concept) if (words := coded_words(c[1]))), "")
    if text and any(text == c[1] for c in _codes(concept)):  # a bare code: its words, if known
        return words or text
    return with_code_words(words, text) if diagnosis else text


def _unread_code(concept: object) -> str:
    """The first code of a concept sent as codes only none of whose words are listed (the
    file's warning), else ""."""
    text = _concept_text(concept)
    codes = [c[1] for c in _codes(concept) if c[1]]
    if codes and text in codes and not any(coded_words(c) for c in codes):
        return codes[0]
    return ""


def _value(resource: Mapping[str, Any]) -> tuple[object, str]:
    """The result cell and unit of an Observation ("" when it has none).  A JSON number is a
    values.FormatNumber (exact: JSON fixes its value, never read by another cell's decimal
    mark); a text (valueString, a value written as a JSON string) is read as a table's cell is
    (its decimal mark from the file's texts; "6.000" either side of the urgent level not
    triaged on a guess)."""
    quantity = resource.get("valueQuantity")
    if isinstance(quantity, Mapping):
        value = quantity.get("value")
        number = _number(value)
        if number:
            comparator = _text(quantity.get("comparator"))
            return _json_number(value, comparator + number), _unit(quantity)
    for key in ("valueString", "valueInteger"):
        raw = resource.get(key)
        value = _number(raw) if key == "valueInteger" else _text(raw)
        if value:
            return _json_number(raw, value), ""
    # a yes/no answer (63895-7 breastfeeding status, 82810-3 pregnancy status: the MP4 / ISiK
    # profiles allow only a boolean): read as a yes/no cell of that field
    answer = resource.get("valueBoolean")
    if isinstance(answer, bool):
        return ("yes" if answer else "no"), ""
    # a date (11778-8 the estimated date of delivery): its day, as a due date is written
    when = _text(resource.get("valueDateTime"))
    if when:
        return when.partition("T")[0], ""
    # a coded answer sent without its display (82810-3 pregnancy status: 77386006; 63895-7
    # breastfeeding status: 169750002): its words, as a Condition's code is read
    return _concept_words(resource.get("valueCodeableConcept")), ""


def _json_number(value: object, text: str) -> object:
    """``text`` as a cell: a FormatNumber when it is a JSON number as written (no comparator)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and text == str(value):
        return FormatNumber(float(value), text, exact=True)
    return text


def _test(resource: Mapping[str, Any]) -> tuple[str, str]:
    code = resource.get("code")
    loinc = next((c for s, c, _ in _codes(code) if s == "http://loinc.org" and c), "")
    any_code = loinc or next((c for _, c, _ in _codes(code) if c), "")
    name = LOINC_NAMES.get(loinc, "") or _concept_text(code)
    return any_code, name


def _interpretation(resource: Mapping[str, Any]) -> str:
    """The lab's own flag of an Observation: the code (else the text) of its first
    interpretation (v3-ObservationInterpretation H, L, N, A, HH ...).  On an Observation this
    tool wrote, only the one whose interpretation-source is "lab" (the input's flag; the
    triage's own is no flag of the lab's)."""
    own = _is_tools_own(resource)
    for concept in _list(resource.get("interpretation")):
        if not isinstance(concept, Mapping):
            continue
        source = next(
            (
                _text(e.get("valueCode"))
                for e in _list(concept.get("extension"))
                if isinstance(e, Mapping) and _text(e.get("url")).endswith(_INTERPRETATION_SOURCE)
            ),
            "",
        )
        if source == "triage" or (own and source != "lab"):
            continue
        for coding in _list(concept.get("coding")):
            if isinstance(coding, Mapping) and _text(coding.get("code")):
                return _text(coding.get("code"))
        if _text(concept.get("text")):
            return _text(concept.get("text"))
    return ""


def _is_tools_own(resource: Mapping[str, Any]) -> bool:
    return any(
        isinstance(e, Mapping) and _TOOL_EXTENSION in _text(e.get("url"))
        for e in _list(resource.get("extension"))
    )


class BundleGrid(NamedTuple):
    """The grid of a Bundle: rows (header first), bad rows (row index -> detail), entry numbers,
    warnings, the patient of each bad row whose subject is known, and the reason code of each
    bad row that is not a malformed_line (cancelled_result)."""

    rows: Rows
    bad: dict[int, str]
    lines: list[int]
    warnings: list[str]
    ids: dict[int, tuple[str, str]]
    reasons: dict[int, str]
    withdrawing: set[int]  # the bad rows that withdraw a prolactin result (Workbook.withdrawing)
    corrections: list[Withdrawal]  # what the file does to earlier files' results (Workbook's)
    # the bad rows whose prolactin result may be urgent -> why (Workbook.urgent_rows): an
    # Observation that names no patient is not triaged, and must not vanish from the urgent list
    urgent: dict[int, str]


# Observation.status (FHIR R4 observation-status) of a result that is no valid result, of one
# that is not final yet, and of one that replaces an earlier one
_VOID_STATUSES: Final = frozenset({"entered-in-error", "cancelled"})
_PRELIMINARY_STATUSES: Final = frozenset({"preliminary", "registered"})
# a result issued again after its final one: it replaces it (the last of them, in Bundle order)
_REVISED_STATUSES: Final = frozenset({"amended", "corrected"})
_LISTED: Final = 5


# Resources that hold others: a Bundle inside the Bundle (a searchset's, a message's), and a
# DiagnosticReport whose results are contained in it.  Their Observations are read as entries.
_HOLDERS: Final = ("Bundle", "DiagnosticReport")


def _flattened(entries: list[Any]) -> tuple[list[str], list[Any]]:
    """The entries of a Bundle with those of the Bundles inside it and the Observations
    contained in its resources (a DiagnosticReport's results) as entries of their own, each
    with where it stands ("entry[3]", "entry[3].contained[0]", "entry[5].entry[1]").  A
    contained Observation without a subject takes its holder's, and keeps the holder's other
    contained resources (its "#patient")."""
    places: list[str] = []
    out: list[Any] = []

    def add(place: str, entry: Any) -> None:
        places.append(place)
        out.append(entry)
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if isinstance(resource, Mapping) and resource.get("resourceType") == "Observation":
            for k, part in _components(resource):
                places.append(f"{place}.component[{k}]")
                out.append({"resource": part, _PART: True})

    def walk(items: list[Any], prefix: str) -> None:
        for number, entry in enumerate(items):
            place = f"{prefix}entry[{number}]"
            add(place, entry)
            resource = entry.get("resource") if isinstance(entry, Mapping) else None
            if not isinstance(resource, Mapping):
                continue
            if resource.get("resourceType") == "Bundle" and isinstance(resource.get("entry"), list):
                walk(resource["entry"], f"{place}.")
                continue
            contained = _list(resource.get("contained"))
            for inner_number, inner in enumerate(contained):
                if not isinstance(inner, Mapping) or inner.get("resourceType") != "Observation":
                    continue
                copy = dict(inner)
                if "subject" not in copy and "subject" in resource:
                    copy["subject"] = resource["subject"]
                if "contained" not in copy:
                    copy["contained"] = [c for c in contained if c is not inner]
                add(f"{place}.contained[{inner_number}]", {"resource": copy})

    walk(entries, "")
    return places, out


# an entry _flattened made of an Observation's component (never indexed by its holder's id)
_PART: Final = "component of"
# the elements of an Observation that are its own value and what describes it, never its
# components': each component gives its own (FHIR R4 Observation.component)
_OWN_ELEMENTS: Final = frozenset(
    {"code", "component", "interpretation", "referenceRange", "dataAbsentReason", "hasMember"}
)


def _components(resource: Mapping[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """Each component of an Observation as the Observation it would be (FHIR R4
    Observation.component: "a prolactin 70 ng/mL with components 50366-4 = 22 % and 42607-2
    = 15.4 ng/mL", a "Macroprolactin screen" whose components hold the total and the
    monomeric prolactin): its own code, value, dataAbsentReason, interpretation and
    referenceRange, with its holder's subject, effective time, specimen, status and contained
    resources (and its notes, when the holder has no value of its own), so that the long reader
    joins it to its sample as it joins a separate Observation.  Before, components were never
    read: a PEG recovery sent so was lost, and a panel holding its prolactin only in a
    component was refused for "no value"."""
    keep_notes = _panel_only(resource)
    inherited = {
        key: value
        for key, value in resource.items()
        if key not in _OWN_ELEMENTS
        and not key.startswith("value")
        and (keep_notes or key != "note")
    }
    return [
        (k, {**inherited, **{key: v for key, v in part.items() if key != "extension"}})
        for k, part in enumerate(_list(resource.get("component")))
        if isinstance(part, Mapping)
    ]


def _panel_only(resource: Mapping[str, Any]) -> bool:
    """Whether an Observation holds its results only in its components or its members: no
    value, no dataAbsentReason, at least one component (read as Observations of their own,
    _components) or one hasMember reference (a grouping panel, whose members are Observations
    of the Bundle); the holder itself is no row, never a result rejected for "no value"."""
    return (
        _value(resource)[0] == ""
        and not isinstance(resource.get("dataAbsentReason"), Mapping)
        and any(
            isinstance(part, Mapping)
            for part in (*_list(resource.get("component")), *_list(resource.get("hasMember")))
        )
    )


def _absent_reason(resource: Mapping[str, Any]) -> str:
    """Why an Observation gives no value, in the lab's words (its dataAbsentReason's text,
    display or code: "Error", "Not performed", "asked-unknown"), "" when it says none."""
    reason = resource.get("dataAbsentReason")
    if not isinstance(reason, Mapping):
        return ""
    return _concept_text(reason) or "no reason given"


def bundle_grid(name: str, data: bytes) -> BundleGrid:
    """The grid of a Bundle (BundleGrid)."""
    bundle: object = None
    problem = ""
    try:
        text = data.decode("utf-8-sig")
        bundle = json.loads(text)
    except UnicodeDecodeError as exc:
        problem = str(exc)
    except ValueError as exc:
        bundle = _ndjson_bundle(text)  # FHIR Bulk Data: one resource a line
        problem = "" if bundle is not None else str(exc)
    if problem:
        raise InputFileError(
            name,
            f"not a FHIR JSON file: the JSON cannot be read ({problem})",
            code="unsupported",
        ) from None
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        kind = bundle.get("resourceType") if isinstance(bundle, dict) else type(bundle).__name__
        raise InputFileError(name, f"not a FHIR Bundle (resourceType {kind!r})", code="unsupported")
    listed = bundle.get("entry")
    if not isinstance(listed, list):
        raise InputFileError(
            name, "Bundle: no entry list (the Bundle holds no resources)", code="empty"
        )
    places, entries = _flattened(listed)
    index = _Index(entries)
    meds: dict[str, list[tuple[str, object, str]]] = {}
    conditions: dict[str, list[Mapping[str, Any]]] = {}
    in_effect: dict[tuple[str, str], tuple[list[str], dict[str, str]]] = {}
    warnings: list[str] = []
    skipped: dict[str, int] = {}
    unread_codes: list[str] = []  # Conditions sent as codes not known (warned)
    doubted: list[str] = []  # Conditions sent as not established (warned, not read)
    for entry in entries:
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping):
            continue
        kind = _text(resource.get("resourceType"))
        who = index.key(_subject_key(resource) or _subject_key(resource, "patient"))
        if kind in _MEDICATION_KINDS:
            status = _AS_STATEMENT_STATUS.get((kind, _text(resource.get("status"))), "")
            status = status or _text(resource.get("status"))
            text = _medication(resource, index)
            listed = _list_as_written(resource)
            if who and listed:  # one this tool wrote: the medications cell, read as written
                meds.setdefault(who, []).append(("active", None, listed))
            elif who and text:
                meds.setdefault(who, []).append((status, _medication_period(resource), text))
        elif kind == "Condition" or kind in _CONTEXT_KINDS:
            stated = [resource] if kind == "Condition" else _context_conditions(resource, index)
            if who:
                conditions.setdefault(who, []).extend(stated)
                for stated_one in stated:
                    if _certainty(stated_one) == DOUBTED:  # not read (_condition): named
                        doubted.append(_concept_words(stated_one.get("code"), diagnosis=True))
                    elif unread := _unread_code(stated_one.get("code")):
                        unread_codes.append(unread)
        if kind not in (
            "Observation",
            "Patient",
            "Medication",
            "Specimen",
            "Condition",
            *_MEDICATION_KINDS,
            *_CONTEXT_KINDS,
            *_HOLDERS,
        ):
            skipped[kind or "(no resourceType)"] = skipped.get(kind or "(no resourceType)", 0) + 1
    if skipped:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(skipped.items()))
        warnings.append(f"resources not used: {kinds}")
    if unread_codes:
        warnings.append(unread_codes_warning(unread_codes))
    if doubted:
        warnings.append(doubted_diagnoses_warning(d for d in doubted if d))
    rows: Rows = [list(HEADER)]
    lines: list[int] = [0]
    bad: dict[int, str] = {}
    ids: dict[int, tuple[str, str]] = {}
    reasons: dict[int, str] = {}
    samples: dict[tuple[str, str, str], list[tuple[int, str, str]]] = {}
    withdrawing: set[int] = set()
    corrections: list[Withdrawal] = []
    urgent: dict[int, str] = {}
    kept: dict[int, tuple[int, str, str]] = {}  # prolactin rows with a patient and specimen
    observations = 0
    for number, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping) or resource.get("resourceType") != "Observation":
            continue
        if _panel_only(resource):  # its components are its rows (_flattened)
            continue
        observations += 1
        label = f"{places[number]} Observation/{_text(resource.get('id')) or '(no id)'}"
        row_index = len(rows)
        lines.append(number + 1)
        who = index.key(_subject_key(resource))
        patient = _contained(resource, who) if who.startswith("#") else index.get(who)
        if who.startswith("#"):  # a Patient inside this Observation: this one's alone
            who = f"{who}@{number}"
        result, unit = _value(resource)
        status = _text(resource.get("status"))
        specimen = _specimen(resource, index)
        code, test = _test(resource)
        problem = ""
        if not who:
            problem = "no subject (the Observation names no patient)"
        elif status in _VOID_STATUSES:  # a withdrawn result need not keep its value
            problem = f"status {status}: not a valid result"
            reasons[row_index] = "cancelled_result"
        elif result == "" and _absent_reason(resource):
            problem = f"the lab reported no value: {_absent_reason(resource)}"
        elif result == "":
            problem = (
                "no value (valueQuantity, valueString, valueInteger, valueCodeableConcept, "
                "valueBoolean or valueDateTime)"
            )
        if problem:
            bad[row_index] = f"{label}: {problem}"
            if not who:  # its sample is named, and its result may be urgent
                ids[row_index] = ("", specimen)
                if note := _unread_urgency(resource, result, unit, code, test):
                    urgent[row_index] = note
            if who:  # whose Observation it was: rejected.csv names the patient and specimen
                cells = _patient_cells(patient, who)
                ids[row_index] = (str(cells.get("patient_id", "")), specimen)
                if status in _VOID_STATUSES and _is_prolactin(code, test):
                    withdrawing.add(row_index)  # the history withdraws the stored result
                    if specimen and cells.get("patient_issuer"):  # under its own issuer
                        corrections.append(
                            Withdrawal(
                                number + 1,
                                *ids[row_index],
                                bad[row_index],
                                issuer=cells["patient_issuer"],
                            )
                        )
            rows.append([""] * len(HEADER))
            continue
        cells = _patient_cells(patient, who)
        collected = _collected(resource)
        if (who, collected) not in in_effect:
            in_effect[(who, collected)] = _conditions_at(conditions.get(who, []), collected)
        notes, states = in_effect[(who, collected)]
        said = [
            _text(n.get("text"))
            for n in _list(resource.get("note"))
            if isinstance(n, Mapping) and _text(n.get("text"))
        ]
        own_notes = (  # of the notes this tool wrote, only the row's comments
            [n.removeprefix(_INPUT_COMMENTS) for n in said if n.startswith(_INPUT_COMMENTS)]
            if _is_tools_own(resource)
            else said
        )
        cells.update(
            {
                "collected_at": collected,
                "collected_offset": _collected_offset(resource),
                "specimen_id": specimen,
                "specimen_id_system": _specimen_system(resource, index) if specimen else "",
                "test_code": code,
                "test": test or code,
                "unit": unit,
                "reference_range": _reference_range(resource, unit),
                "lab_flag": _interpretation(resource),
                "medications": "; ".join(_medications_at(meds.get(who, []), collected)),
                "comments": "; ".join([*notes, *own_notes]),
                "result_status": "preliminary" if status in _PRELIMINARY_STATUSES else status,
            }
        )
        cells.update(states)
        rows.append([result if h == "result" else cells.get(h, "") for h in HEADER])
        sample = (who, identifier_key(specimen) or cells["collected_at"], code or test)
        samples.setdefault(sample, []).append((row_index, status, label))
        if specimen and cells.get("patient_id") and _is_prolactin(code, test):
            kept[row_index] = (number + 1, status, label)
    if not observations:
        raise InputFileError(name, "Bundle: no Observation (no result to triage)", code="empty")
    warnings.extend(_superseded(samples, bad, reasons, ids, rows))
    # a file that only withdraws results is read: the history withdraws them
    if len(bad) == observations and not withdrawing:
        first = bad[min(bad)]
        raise InputFileError(name, f"no usable Observation in the Bundle ({first})")
    for row_index, (line, status, label) in kept.items():
        if row_index not in bad:
            corrections.append(_revision(line, rows[row_index], status, label))
    return BundleGrid(rows, bad, lines, warnings, ids, reasons, withdrawing, corrections, urgent)


def _unread_urgency(
    resource: Mapping[str, Any], result: object, unit: str, code: str, test: str
) -> str:
    """Why a prolactin Observation that is not triaged may be urgent (its level, a red flag
    its notes name: unknown_units.untriaged_urgency), "" when it cannot be or is no prolactin."""
    if result == "" or not _is_prolactin(code, test):
        return ""
    notes = "; ".join(
        _text(n.get("text")) for n in _list(resource.get("note")) if isinstance(n, Mapping)
    )
    written = " ".join(t for t in (str(result).strip(), unit) if t)
    return untriaged_urgency(result, unit, notes, written=written)


def _specimen(resource: Mapping[str, Any], index: _Index) -> str:
    """The specimen number of an Observation: its specimen's identifier, else the Specimen's
    accession identifier, else the reference's display ("Specimen S-12")."""
    spec = resource.get("specimen")
    if not isinstance(spec, Mapping):
        return ""
    specimen = ""
    ident = spec.get("identifier")
    if isinstance(ident, Mapping):
        specimen = _text(ident.get("value"))
    target = index.get(_text(spec.get("reference")))
    if not specimen and target is not None:
        accession = target.get("accessionIdentifier")
        if isinstance(accession, Mapping):
            specimen = _text(accession.get("value"))
    return specimen or _text(spec.get("display")).removeprefix("Specimen ")


def _specimen_system(resource: Mapping[str, Any], index: _Index) -> str:
    """The system of the identifier ``_specimen`` reads (the specimen's identifier, else the
    Specimen's accession identifier), "" when it has none or it is this tool's own."""
    spec = resource.get("specimen")
    if not isinstance(spec, Mapping):
        return ""
    ident = spec.get("identifier")
    if isinstance(ident, Mapping) and _text(ident.get("value")):
        return _own_system(_text(ident.get("system")))
    target = index.get(_text(spec.get("reference")))
    accession = target.get("accessionIdentifier") if target is not None else None
    if isinstance(accession, Mapping) and _text(accession.get("value")):
        return _own_system(_text(accession.get("system")))
    return ""


def _is_prolactin(code: str, test: str) -> bool:
    """Whether an Observation is a prolactin result (only those withdraw or supersede one)."""
    known = classify_test(code, code, test, None, "")
    return known is not None and known.field == "prolactin"


def _revision(line: int, row: list[object], status: str, label: str) -> Withdrawal:
    """What a prolactin Observation kept does to the results earlier files recorded for its
    patient and specimen (docs/history.md): an amended or corrected one withdraws them, a final
    one supersedes the preliminary ones, and a preliminary one is marked as such."""
    pid, specimen, issuer = (
        str(row[HEADER.index(c)]) for c in ("patient_id", "specimen_id", "patient_issuer")
    )
    if status in _PRELIMINARY_STATUSES:
        return Withdrawal(line, "", "", "", PRELIMINARY)
    if status in _REVISED_STATUSES:
        return Withdrawal(line, pid, specimen, f"{label}: status {status}", issuer=issuer)
    said = f"{SUPERSEDED} by the final result ({label}, status {status or 'final'})"
    return Withdrawal(line, pid, specimen, said, SUPERSEDES, issuer)


def _superseded(
    samples: Mapping[tuple[str, str, str], list[tuple[int, str, str]]],
    bad: dict[int, str],
    reasons: dict[int, str],
    ids: dict[int, tuple[str, str]],
    rows: Rows,
) -> list[str]:
    """An amended or corrected Observation of a sample and test supersedes every other of them
    (the last one, in Bundle order, when there are several); a preliminary one that also has a
    final one is superseded by it (rejected as cancelled_result, as an HL7 correction
    replaces the result it corrects: a superseded preliminary raised a false URGENT); the
    preliminary results left are triaged, with a warning."""
    left: list[str] = []

    def supersede(row_index: int, why: str) -> None:
        bad[row_index] = why
        reasons[row_index] = "cancelled_result"
        row = rows[row_index]
        ids[row_index] = (str(row[HEADER.index("patient_id")]), "")
        rows[row_index] = [""] * len(HEADER)

    for found in samples.values():
        revised = [(i, label) for i, status, label in found if status in _REVISED_STATUSES]
        if revised:  # an amended or corrected result replaces every other of the sample
            keep, by = revised[-1]
            for row_index, status, label in found:
                if row_index != keep:
                    supersede(row_index, f"{label}: status {status}, superseded by {by}")
            continue
        final = [label for _, status, label in found if status not in _PRELIMINARY_STATUSES]
        for row_index, status, label in found:
            if status not in _PRELIMINARY_STATUSES:
                continue
            if final:
                supersede(row_index, f"{label}: status {status}, superseded by {final[-1]}")
            else:
                left.append(label)
    if not left:
        return []
    more = f" and {len(left) - _LISTED} more" if len(left) > _LISTED else ""
    return [
        f"preliminary results ({', '.join(left[:_LISTED])}{more}) were triaged: the final "
        "result may differ"
    ]


def open(name: str, data: bytes, suffix: str, limits: InputLimits) -> Workbook:
    """A FHIR Bundle as one unnamed sheet (the format registry's ``open``)."""
    grid = bundle_grid(name, data)
    rows = grid.rows
    if len(rows) - 1 > limits.max_rows:
        raise InputFileError(
            name, f"the Bundle holds more than {limits.max_rows} Observations", code="too_large"
        )

    def load(sheet: str, nrows: int | None) -> Rows:
        return rows if nrows is None else rows[:nrows]

    return Workbook(
        kind=NAME,
        sheet_names=[""],
        hidden=set(),
        load=load,
        warnings=grid.warnings,
        bad_rows=grid.bad,
        line_numbers=grid.lines,
        text=True,
        number_by_line=True,
        statuses_applied=True,
        row_ids=grid.ids,
        row_reasons=grid.reasons,
        withdrawing=grid.withdrawing,
        corrections=grid.corrections,
        urgent_rows=grid.urgent,
    )
