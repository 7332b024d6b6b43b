"""Which of a patient's identifiers is the patient id: HL7 v2 PID-3's repetitions and a FHIR
Patient's identifiers carry a type (HL7 table 0203: MR medical record number, SS social
security number, NI national id ...).  The lab's own record number is the id the other
exports of the same lab write (and the history matches on); a national or insurance number is
never preferred to it (and is no id to print on a report when a record number exists)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

# Preferred, in this order: medical record / patient internal / patient external numbers.
PATIENT_ID_TYPES: Final = ("MR", "MRN", "PI", "PT", "PN", "PE", "PRN", "MRT")
# Identifiers of other kinds: national, insurance, account, visit, licence, staff numbers.
OTHER_ID_TYPES: Final = frozenset(
    {"NH", "NI", "NNxxx", "SS", "JHN", "SR", "HC", "AN", "VN", "VS", "PPN", "DL", "BA", "BC",
     "EI", "NPI", "DN", "MA", "MC", "U", "UPIN", "TAX", "XX", "CZ"}
)  # fmt: skip


def preferred_patient_id(given: Sequence[tuple[str, str]]) -> str:
    """The patient id among (value, type code) pairs in the order given: the first of the
    preferred types, else the first of no other known type (national ones: "NN" + country),
    else the first given; "" when none has a value."""
    given = [(value, kind.upper()) for value, kind in given if value]
    for wanted in PATIENT_ID_TYPES:
        for value, kind in given:
            if kind == wanted:
                return value
    untyped = [v for v, kind in given if kind not in OTHER_ID_TYPES and not kind.startswith("NN")]
    if untyped:
        return untyped[0]
    return given[0][0] if given else ""


def identifier_key(text: object) -> str:
    """A specimen (accession) number or a patient id as matched across files and the history:
    without case, spaces or the leading zeros of an all-digit number (a spreadsheet re-saving an
    export makes ``000123`` ``123``, another export writes ``ab12`` as ``AB12``); different
    numbers stay different ("" when there is none).  Two patients whose ids differ only so are
    still told apart by their birth date and sex (history.delta: never merged).  Other
    punctuation is kept ("A-12" is not "A12"), except in a recognised national number with a
    check digit: an NHS (or CHI) number written in its 3-3-4 groups with hyphens
    ("943-476-5919") is its ten digits (``national_number``)."""
    if text is None:
        return ""
    key = "".join(str(text).split()).casefold()
    key = national_number(key) or key
    if key.isdigit() and key.isascii():
        return key.lstrip("0") or "0"
    return key


# An NHS number (England, Wales, Isle of Man; Scotland's CHI number has the same form and check)
# as written: ten digits in groups of 3, 3 and 4, spaced or hyphenated (NHS Data Dictionary)
_NHS_NUMBER: Final = re.compile(r"(\d{3})-?(\d{3})-?(\d{4})")
_NHS_DIGITS: Final = 10
_MODULUS: Final = 11


def national_number(key: str) -> str:
    """The ten digits of an NHS number written with hyphens between its groups (spaces are
    gone before), when its last digit is the modulus-11 check digit of the first nine (weights
    10 down to 2; a remainder giving 10 is no valid number); else "".  A number that fails the
    check is no NHS number, and its punctuation stays part of the id."""
    found = _NHS_NUMBER.fullmatch(key) if key.isascii() else None
    if found is None:
        return ""
    digits = "".join(found.groups())
    total = sum(int(d) * (_NHS_DIGITS - i) for i, d in enumerate(digits[:-1]))
    check = (_MODULUS - total % _MODULUS) % _MODULUS
    return digits if check == int(digits[-1]) else ""


# An ISO object identifier (HL7 universal id type ISO; FHIR writes it "urn:oid:1.2.3.4")
_OID: Final = re.compile(r"[0-2](?:\.(?:0|[1-9]\d*))+")
_UUID: Final = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
# absolute URIs an identifier system is written as: urn:oid:, urn:uuid:, other URNs, web addresses
_SYSTEM_URI: Final = re.compile(r"(?:urn:[A-Za-z0-9][A-Za-z0-9-]*:|https?://)\S+", re.IGNORECASE)


def identifier_system(*names: str, kind: str = "") -> str:
    """The FHIR Identifier.system an assigning authority names (HL7 HD / EI: its namespace id,
    universal id and universal id type), the first that is one: a URI as written
    ("urn:oid:1.2.3.4", "https://hospital.example/mrn"), an OID as "urn:oid:1.2.3.4" (also
    universal id type ISO), a UUID as "urn:uuid:..." (type UUID); "" when none is (a local
    namespace such as "CITYLAB" names no system: its id stays under the tool's own)."""
    for name in names:
        text = name.strip()
        if not text:
            continue
        if _SYSTEM_URI.fullmatch(text):
            return text
        if _OID.fullmatch(text) and kind.upper() in ("", "ISO"):
            return f"urn:oid:{text}"
        if _UUID.fullmatch(text) and kind.upper() in ("", "UUID", "GUID"):
            return f"urn:uuid:{text.lower()}"
    return ""
