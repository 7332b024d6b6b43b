"""HL7 v2 result messages (ORU^R01 and kin, versions 2.3 to 2.5.1) as a long-shape grid.

One file holds one or many messages; segments end in ``\\r``, ``\\n`` or ``\\r\\n``; MLLP framing
(0x0b ... 0x1c 0x0d) is tolerated and batch headers (FHS/BHS/BTS/FTS) are skipped.  Each message
is parsed by python-hl7 with its own encoding characters (MSH-1, MSH-2); escape sequences
(``\\F\\ \\S\\ \\T\\ \\R\\ \\E\\``, ``\\Xhh...\\`` as UTF-8, ``\\.br\\``) are decoded.

Every OBX segment becomes one grid row under a header of canonical field names, so the long
reader does the rest (prolactin rows are results, TSH, free T4, eGFR, creatinine, hCG and PEG
rows of the same patient and collection become their context):

=================  ==============================================================================
patient_id         PID-3 (the MR or PI identifier's ID, not an insurance one; else PID-2, PID-4)
patient_issuer     PID-3.4 of that id, its assigning authority (HD: namespace, else universal id)
patient_name       PID-5 as "Family, Given Middle"
sex                PID-8 (F, M; O, A, N, X, D ... as "other", U as "unknown": synonyms.toml
                   [values.sex] hl7_codes, values.administrative_sex)
birth_date         PID-7 (HL7 TS -> ISO YYYY-MM-DD, or YYYY-MM / YYYY when given so)
collected_at       OBR-7, else SPM-17, else OBX-14 (-> ISO YYYY-MM-DD HH:MM[:SS])
collected_offset   the UTC offset of that time ("+0100" -> "+01:00"), "" when it gives none
specimen_id        SPM-2, else OBR-3 (filler number), else OBR-2 (placer number)
test_code, test    OBX-3 identifier and text (the alternate identifier when the first is empty)
loinc              the OBX-3 code whose coding system is LN (first or alternate triplet)
result             OBX-5 by OBX-2: NM/ST/TX/FT as given, SN "<^5" -> "<5", CE/CWE the text
                   (else the words of its code: "77386006^^SCT" -> "pregnant", else the code)
unit               OBX-6 identifier (else its text)
reference_range    OBX-7
lab_flag           OBX-8, the abnormal flag (its first repetition: H, L, HH, A, N ...); an
                   off-scale ">" / "<" (table 0078) is the result's qualifier, as SN's is
comments           OBR-13 clinical information, OBR-31 reason for study and DG1-3 diagnoses (a
                   code sent without text in the words synonyms.toml [coded_conditions] gives
                   it: "H53.4^^I10" -> "visual field defect"), NTE notes of the patient, order
                   and result, and the OBX-8 abnormal flag
requesting_clin.   OBR-16 ordering provider, else the order's ORC-12 (XCN: "Dr Anna Lee", else id)
location           PV1-3 assigned location: point of care, room, bed (else PL-9, else PL-4)
=================  ==============================================================================

Result status (OBX-11): F, C, U and empty are results; a corrected (C) result replaces an
earlier one of the same patient, specimen, collection minute and test (a warning says so), and so
does a final one an earlier preliminary one, and a final one from another message with another
value in the same unit an earlier final one (a correction sent as F: both named in a warning, the
earlier listed with the urgent results when it may be urgent).  Which is earlier is the lab's
report time (OBR-22, else MSH-7) when both give one, not the file's order; a final result never
replaces a correction (C): one the lab reported before it is the result it corrected, delivered
out of order or resent under a new control id; one after it is held back too, listed with the
urgent results when it may be urgent.  P, I, R, S are kept with a warning (preliminary);
X, D, W, N, O hold no valid result and are rejected (``cancelled_result``;
D and W also withdraw an earlier result of the same test).  A message that cannot be read (not
parseable, no PID, no patient identity, a segment wrapped onto another line) has each of its OBX
rejected (``malformed_message``), or one row at its MSH when it has none; a prolactin result of
it that may be urgent (its level, its notes' red flag) is listed with the urgent results, its
specimen named.  Row numbers (``source_row``) are segment numbers: the
n-th non-empty segment of the file (its line when each segment is on a line of its own).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import hl7 as hl7lib
import hl7.util

from triage.io.delimited import InputLimits
from triage.io.identifiers import identifier_key, identifier_system, preferred_patient_id
from triage.io.long import OWN_TEST_NOTES, classify_test
from triage.io.sources import Rows, Workbook
from triage.io.unknown_units import untriaged_urgency
from triage.schema import PRELIMINARY, SUPERSEDED, SUPERSEDES, InputFileError, Withdrawal
from triage.values import (
    DOUBTED,
    administrative_sex,
    coded_words,
    doubted_diagnoses_warning,
    normalise_unit,
    parse_quantity,
    says_result_itself,
    split_certainty,
    synonyms_data,
    typed_number,
    unread_codes_warning,
    with_code_words,
)

# python-hl7 logs what it cannot decode with the field's text and a traceback: cell contents
# (patient data) on stderr.  Its logger is silenced; what it could not read is reported by the
# reader instead.


def _silence_library_log() -> None:
    for name in {"hl7", str(getattr(hl7lib.util, "__file__", "hl7.util"))}:  # util: by its path
        library = logging.getLogger(name)
        library.addHandler(logging.NullHandler())
        library.propagate = False


_silence_library_log()

NAME: Final = "hl7"
SUFFIXES: Final = frozenset({".hl7"})

FLAG_NOTE, STATUS_NOTE = OWN_TEST_NOTES  # a result line's own notes (not its sample's)
HEADER: Final = (
    "patient_id",
    "patient_name",
    "sex",
    "birth_date",
    "collected_at",
    "specimen_id",
    "test_code",
    "loinc",
    "test",
    "result",
    "unit",
    "reference_range",
    "lab_flag",
    "comments",
    "requesting_clinician",
    "location",
    "collected_offset",
    "patient_issuer",
    # the patient id's and the specimen number's assigning authority as a FHIR identifier system
    # (a URI, or an OID as urn:oid:): --fhir keeps it (a server finds the patient by it)
    "patient_id_system",
    "specimen_id_system",
    "result_status",  # in FHIR's words (_STATUS_CODES): --fhir writes it as Observation.status
)
_COL: Final = {name: i for i, name in enumerate(HEADER)}
KEPT_STATUSES: Final = frozenset({"F", "C", "U", ""})
PRELIMINARY_STATUSES: Final = frozenset({"P", "I", "R", "S", "A"})
VOID_STATUSES: Final = {
    "X": "X (the result could not be obtained: cancelled)",
    "D": "D (deleted)",
    "W": "W (posted in error: wrong patient or test)",
    "N": "N (not asked)",
    "O": "O (order detail only, no result)",
}
_WITHDRAWING: Final = frozenset({"D", "W"})
_STATUS_CODES: Final = {"C": "corrected", **dict.fromkeys(PRELIMINARY_STATUSES, "preliminary")}
_BATCH: Final = frozenset({"FHS", "BHS", "BTS", "FTS"})
_MLLP: Final = str.maketrans("", "", "\x0b\x1c")
# what a line may carry around a segment and that is no part of it: spaces, control characters
# (NUL, a DOS end-of-file Ctrl-Z, MLLP bytes) and invisible ones (a byte-order mark at the
# start of each message of a file made by concatenating per-message files, zero-width marks)
_INVISIBLE: Final = r"[\s\x00-\x1f\x7f-\x9f\xad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
_AROUND: Final = re.compile(rf"\A{_INVISIBLE}+|{_INVISIBLE}+\Z")
# a line of separator punctuation ("----", "=====", "***", "#####") or of control characters
# only, between or after messages: no segment's text (no letter, digit or HL7 delimiter)
_NO_SEGMENT: Final = re.compile(r"(?:[^\w^~\\&]|_)+\Z")
_SEGMENT_ENDS: Final = re.compile(r"\r\n|\r|\n")
_SEGMENT_ID: Final = re.compile(r"[A-Z][A-Z0-9]{2}\Z")
_HEADER_SEPARATOR: Final = re.compile(r"(?:MSH|FHS|BHS)([^\w\s])")
_TS: Final = re.compile(
    r"(\d{4})(\d{2})?(\d{2})?(?:(\d{2})(\d{2})?(\d{2})?(?:\.\d{1,4})?)?(?:[+-]\d{4})?\Z"
)
# a TS with a time and its UTC offset ("202603010830+0100"): the offset's sign, hours, minutes
_TS_OFFSET: Final = re.compile(r"\d{10}[\d.]*([+-])(\d{2})(\d{2})\Z")
_HEX_ESCAPE: Final = re.compile(r"\\X((?:[0-9A-Fa-f]{2})+)\\")
_FORMAT_ESCAPE: Final = re.compile(r"\\(?:H|N|\.(?:sp|fi|nf|in|ti|sk|ce)[^\\]*)\\")
_LISTED: Final = 10
_MINUTE_DIGITS: Final = 12  # YYYYMMDDHHMM: a collection time to the minute
_TS_DIGITS: Final = 14  # YYYYMMDDHHMMSS: a time to the second
_OBR_REPORTED: Final = 22  # OBR-22, results reported / status changed


def sniff(data: bytes, suffix: str) -> bool:
    """A file whose first segment is MSH, FHS or BHS (after an optional BOM, blank lines and
    an MLLP start byte) followed by a field separator and encoding characters."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n\x0b")
    if head[:3] not in (b"MSH", b"FHS", b"BHS") or len(head) < 8:
        return False
    sep = head[3:4]
    return not sep.isalnum() and sep not in b" \t\r\n" and head.count(sep, 0, 80) >= 2


def open(name: str, data: bytes, suffix: str, limits: InputLimits) -> Workbook:
    """The file's OBX segments as a long-shape grid (see the module docstring)."""
    text, warnings = _decode(data)
    segments, wrapped, skipped = _segments(text)
    reader = _Reader(name, limits)
    reader.warnings += warnings + skipped
    reader.cut = _cut_short(text, segments)
    reader.wrapped = wrapped
    reader.read(segments)
    return reader.workbook()


# OBX-11 (the result status, required) is its 11th field: an OBX the file ends before it was cut.
_OBX_STATUS_FIELD: Final = 11


def _cut_short(text: str, segments: Sequence[tuple[int, str]]) -> int:
    """The number of the last segment when the file ends inside it (a copy or transfer cut
    short): an OBX with no segment end after it and no result status (OBX-11).  Its result may
    be cut too ("6200" read as "62"); 0 when the file is whole."""
    if not segments or text.translate(_MLLP).rstrip(" \t\x00\x1a").endswith(("\r", "\n")):
        return 0
    number, last = segments[-1]
    if not last.startswith("OBX") or len(last) < 4:
        return 0
    return number if last.count(last[3]) < _OBX_STATUS_FIELD else 0


def _decode(data: bytes) -> tuple[str, list[str]]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace"), [
            "the HL7 file is not UTF-8; it was read as Windows-1252 (Latin-1)"
        ]


def _segments(text: str) -> tuple[list[tuple[int, str]], set[int], list[str]]:
    """(segment number, text) of every non-empty segment, MLLP bytes removed, and the numbers
    of the segments wrapped onto more lines.  In a file whose segments end in a carriage
    return, a line feed alone that no segment name follows is a line break inside a field (a
    note typed on two lines): read as a space, not as a segment of its own that no one reads;
    so too, whatever the line ends, a line after a note (NTE) that starts with no segment name.
    Such a line after any other segment is that segment wrapped by an interface or a transfer
    tool (a line break inside a field: "OBX|...||62" then "00|mIU/L|..."): joined to it as
    written, and the segment's number is among the wrapped ones (its message is not triaged:
    _Reader._message), never read cut short or dropped without a word.  A byte-order mark or
    other invisible or control characters around a line are no part of it ("\\ufeffMSH|..." of
    concatenated per-message files is a message header); a line of separator punctuation or
    control characters only ("----", "=====", a DOS end-of-file Ctrl-Z), which holds no field
    separator, is no segment: skipped with a file warning (the third value), never glued on."""
    text = text.translate(_MLLP)
    # a segment's name is followed by the file's field separator (MSH-1, "|"): a note line
    # "MRI: macroadenoma 35 mm" or "HCG: 850" is no segment
    # (each message may have its own: every message header's field separator counts)
    seps = {found.group(1) for found in _HEADER_SEPARATOR.finditer(text)} or {"|"}
    sep = "(?:" + "|".join(re.escape(one) for one in sorted(seps)) + ")"
    start = re.compile(rf"[A-Z][A-Z0-9]{{2}}{sep}")
    if "\r" in text.replace("\r\n", ""):
        in_field = re.compile(rf"(?<!\r)\n(?!{_INVISIBLE}*[A-Z][A-Z0-9]{{2}}{sep}|\s*\Z)")
        text = in_field.sub(" ", text)
    found = (s.strip(" \t\x00") for s in _SEGMENT_ENDS.split(text))
    segments: list[tuple[int, str]] = []
    wrapped: set[int] = set()
    skipped: list[int] = []
    for number, line in enumerate((s for s in found if s), start=1):
        segment = _AROUND.sub("", line)
        if not segment or (_NO_SEGMENT.match(segment) and not re.search(sep, segment)):
            # a separator or trailer line: no segment, never glued to the one before it
            skipped.append(number)
        elif not segments or start.match(segment):
            segments.append((number, segment))
        elif segments[-1][1].startswith("NTE"):
            # a note typed on several lines in a file whose segments end in line feeds
            segments[-1] = (segments[-1][0], f"{segments[-1][1]} {segment}")
        else:
            segments[-1] = (segments[-1][0], segments[-1][1] + segment)
            wrapped.add(segments[-1][0])
    warnings = []
    if skipped:
        listed = ", ".join(str(n) for n in skipped[:_LISTED])
        more = f" and {len(skipped) - _LISTED:,} more" if len(skipped) > _LISTED else ""
        warnings.append(
            f"line(s) {listed}{more} (numbered as the segments are) hold only separator "
            "punctuation or control characters (such as '----' or a DOS end-of-file mark): no "
            "HL7 segment, skipped"
        )
    return segments, wrapped, warnings


@dataclass
class _Patient:
    patient_id: str = ""
    name: str = ""
    sex: str = ""
    birth_date: str = ""
    notes: list[str] = field(default_factory=list)
    location: str = ""  # PV1-3, the patient's assigned location (ward, clinic)
    issuer: str = ""  # PID-3.4 of the id chosen: its assigning authority
    system: str = ""  # that authority as a FHIR identifier system (a URI or an OID), else ""


@dataclass
class _Order:
    specimen: str = ""
    specimen_system: str = ""  # OBR-3 / OBR-2's assigning authority as a URI or OID, else ""
    offset: str = ""  # OBR-7's UTC offset ("+01:00"), "" when it gives none
    spm_offset: str = ""  # SPM-17's
    requester: str = ""  # OBR-16, else the order's ORC-12: the ordering provider
    collected: str = ""
    spm_specimen: str = ""
    spm_system: str = ""  # SPM-2's
    spm_collected: str = ""
    notes: list[str] = field(default_factory=list)
    status: str = ""  # OBR-25, the order's result status (v2.3 feeds leave OBX-11 empty)
    reported: str = ""  # OBR-22 (results reported / status changed), else MSH-7: _reported


@dataclass
class _Result:
    number: int  # segment number
    patient: _Patient
    order: _Order
    cells: dict[str, str]
    observed: str
    status: str
    reported: str = ""  # when the lab reported it (_reported): which of two results is newer
    notes: list[str] = field(default_factory=list)
    void: str = ""  # why it is not a result (rejected as cancelled_result)
    sub_id: str = ""  # OBX-4
    observed_offset: str = ""  # OBX-14's UTC offset
    typed: object = None  # OBX-5 as a cell (_typed_value)
    kind: str = ""  # OBX-2, the value type (NM, SN, ST, TX, FT, CE ...)


@dataclass
class _Row:
    number: int
    cells: list[object]
    bad: str = ""
    reason: str = ""
    ids: tuple[str, str] = ("", "")  # (patient, specimen) of a row not read
    withdraws: bool = False  # a prolactin result its status voids (Workbook.withdrawing)


class _Reader:
    def __init__(self, name: str, limits: InputLimits) -> None:
        self.name, self.limits = name, limits
        self.rows: list[_Row] = []
        self.warnings: list[str] = []
        self.corrections: list[Withdrawal] = []
        self.problems: list[str] = []  # unreadable messages, for the error when nothing is read
        self.messages = 0
        self.versions: set[str] = set()
        # control id (MSH-10) -> (label, segments after MSH, its rows): a message sent again
        self.sent: dict[str, tuple[str, tuple[str, ...], list[_Row]]] = {}
        self.batch = False
        self.preliminary: list[str] = []
        self.kept: dict[tuple[str, ...], int] = {}  # result key -> index in rows
        self.kept_status: dict[tuple[str, ...], str] = {}  # result key -> its OBX-11
        self.kept_label: dict[tuple[str, ...], str] = {}  # result key -> its message's label
        self.kept_reported: dict[tuple[str, ...], str] = {}  # result key -> when reported
        # rows superseded by another final result of their sample (_add): their cells, read for
        # a possibly urgent result (Workbook.urgent_rows)
        self.superseded: dict[int, list[object]] = {}  # segment number -> cells
        self.cut = 0  # the segment the file ends inside (_cut_short), 0: none
        self.wrapped: set[int] = set()  # the segments wrapped onto more lines (_segments)
        # results of a message not triaged (no patient, a wrapped segment) that may be urgent:
        # segment number -> why (Workbook.urgent_rows)
        self.unread_urgent: dict[int, str] = {}
        # diagnosis codes (DG1-3, OBR-31) sent without text whose words are not listed
        self.unread_codes: list[str] = []
        # diagnoses (DG1, OBR-31) sent as not established ("N18.5 V" suspected): not read
        self.doubted: list[str] = []

    # ---------------------------------------------------------------------------------------
    def read(self, segments: list[tuple[int, str]]) -> None:
        orphans: list[tuple[int, str]] = []
        message: list[tuple[int, str]] = []
        for number, text in segments:
            kind = text[:3]
            if kind in _BATCH:
                self.batch = True
                continue
            if kind == "MSH":
                if message:
                    self._message(message)
                message = [(number, text)]
            elif message:
                message.append((number, text))
            else:
                orphans.append((number, text))
        if message:
            self._message(message)
        if orphans:
            self._orphans(orphans)
        if len(self.rows) > self.limits.max_rows:
            raise InputFileError(
                self.name,
                f"refused: the file holds {len(self.rows):,} results (OBX segments); the limit "
                f"is {self.limits.max_rows:,} rows (max_rows)",
                code="too_large",
            )

    def _orphans(self, orphans: list[tuple[int, str]]) -> None:
        detail = "segment before any MSH message header: not part of a message"
        results = [n for n, t in orphans if t.startswith("OBX")]
        for number in results:
            self.rows.append(_Row(number, [], f"{detail} (a result without its patient)"))
        if not results:
            listed = ", ".join(str(n) for n, _ in orphans[:_LISTED])
            self.warnings.append(
                f"segment(s) {listed} come before any MSH message header and were skipped"
            )

    def _message(self, segments: list[tuple[int, str]]) -> None:
        self.messages += 1
        ordinal = self.messages
        first = segments[0][0]
        raw_id = _raw_field(segments[0][1], 10)
        label = f"message {ordinal} (control id {raw_id or '?'})"
        try:
            message = hl7lib.parse("\r".join(t for _, t in segments))
        except Exception as exc:  # python-hl7 raises several types for a broken message
            self._broken(label, segments, f"cannot be parsed ({type(exc).__name__})")
            return
        version = _field(message, message[0], 12)
        if version:
            self.versions.add(version)
        control = _field(message, message[0], 10)
        label = f"message {ordinal} (control id {control or '?'})"
        if not any(t.startswith("OBX") for _, t in segments):
            kind = _field(message, message[0], 9, component=None) or "?"
            self.warnings.append(
                f"{label} at segment {first} ({kind}) holds no results (no OBX segment); skipped"
            )
            return
        body = tuple(text for _, text in segments[1:])
        earlier = self.sent.get(control) if control else None
        if earlier is not None and earlier[1] == body:
            self._resent(label, segments, earlier[0], earlier[2])
            return
        unfit: list[str] = []  # why the message's results are not triaged
        try:
            results = self._results(message, segments, label, unfit)
        except Exception as exc:  # an unexpected shape: that message only
            self._broken(label, segments, f"cannot be read ({type(exc).__name__})")
            return
        unfit += [
            f"segment {number} ({text[:3]}) goes on on the next line, which is no HL7 segment "
            "(a line wrapped by the interface or a transfer?)"
            for number, text in segments
            if number in self.wrapped
        ]
        if unfit:
            self._unread(label, segments, results, "; ".join(unfit[:_LISTED]))
            return
        start = len(self.rows)
        for result in results:
            self._add(result, label)
        if control and control not in self.sent:
            self.sent[control] = (label, body, self.rows[start:])

    def _resent(
        self, label: str, segments: list[tuple[int, str]], first: str, rows: list[_Row]
    ) -> None:
        """A message sent again: the same control id (MSH-10) and the same segments as an
        earlier one (an interface resending after a lost acknowledgement).  Its results were
        read once; each of its OBX is a rejected row naming the first."""
        detail = f"{label}: the same message as {first}, sent again; its results are read once"
        self.warnings.append(
            f"{label} at segment {segments[0][0]} repeats {first} (same control id and content);"
            " its results were not triaged twice"
        )
        numbers = [n for n, t in segments if t.startswith("OBX")]
        for k, number in enumerate(numbers):
            ids = ("", "")
            if k < len(rows) and rows[k].cells:
                cells = rows[k].cells
                ids = (str(cells[_COL["patient_id"]]), str(cells[_COL["specimen_id"]]))
            elif k < len(rows):
                ids = rows[k].ids
            self.rows.append(_Row(number, [], detail, "duplicate_message", ids))

    def _broken(self, label: str, segments: list[tuple[int, str]], why: str) -> None:
        detail = f"{label}: {why}"
        self.problems.append(f"{label} at segment {segments[0][0]}: {why}")
        numbers = [n for n, t in segments if t.startswith("OBX")] or [segments[0][0]]
        for number in numbers:
            self.rows.append(_Row(number, [], detail, "malformed_message"))

    def _unread(
        self, label: str, segments: list[tuple[int, str]], results: list[_Result], why: str
    ) -> None:
        """A message read but not triaged (``why``: no patient, a segment wrapped onto another
        line): each of its OBX is rejected as malformed_message, naming the patient (if any) and
        the specimen; a prolactin result among them that may be urgent (its level, its red
        flag: unknown_units.untriaged_urgency) is listed with the urgent results."""
        detail = f"{label}: {why}; not triaged: send the message again"
        self.problems.append(f"{label} at segment {segments[0][0]}: {why}")
        found = {result.number: result for result in results}
        for number in [n for n, t in segments if t.startswith("OBX")] or [segments[0][0]]:
            result = found.get(number)
            if result is None:
                self.rows.append(_Row(number, [], detail, "malformed_message"))
                continue
            ids = (result.patient.patient_id, result.order.spm_specimen or result.order.specimen)
            self.rows.append(_Row(number, [], detail, "malformed_message", ids))
            if result.void or not _is_prolactin(result):
                continue
            row = self._row(result)
            if note := _possibly_urgent(row.cells, notes=True):
                self.unread_urgent[number] = note

    def _results(
        self, message: Any, segments: list[tuple[int, str]], label: str, unfit: list[str]
    ) -> list[_Result]:
        """The message's results; why they cannot be triaged goes to ``unfit`` (a result
        without its patient: read with no patient, for its sample and possible urgency)."""
        patient: _Patient | None = None
        order = _Order()
        last: _Result | None = None
        notes_target: list[str] | None = None
        order_notes: list[str] = []  # notes after an ORC: every OBR of that order takes them
        ordered_by = ""  # ORC-12 of the order: every OBR of it that names nobody takes it
        results: list[_Result] = []
        sent = _reported(_field(message, message[0], 7))  # MSH-7, the message's time
        for (number, _), segment in zip(segments, message, strict=False):
            kind = str(segment[0])
            if kind == "PID":
                patient = self._patient(message, segment, number, unfit)
                order, last, notes_target, order_notes = _Order(), None, patient.notes, []
                ordered_by = ""
            elif kind == "PV1" and patient is not None:
                patient.location = _location(message, segment)
            elif kind == "ORC":  # a new order: its notes are its own, never the last order's
                order, last, order_notes = _Order(), None, []
                notes_target = order_notes
                ordered_by = _person(message, segment, 12)
            elif kind == "OBR":
                ei = 3 if _field(message, segment, 3) else 2  # filler number, else placer
                order = _Order(
                    specimen=_field(message, segment, ei),
                    specimen_system=_ei_system(message, segment, ei),
                    collected=_timestamp(_field(message, segment, 7)),
                    offset=_offset(_field(message, segment, 7)),
                    status=_field(message, segment, 25).upper(),
                    reported=_reported(_field(message, segment, _OBR_REPORTED)),
                    requester=_person(message, segment, 16) or ordered_by,
                )
                order.notes.extend(order_notes)
                clinical = _field(message, segment, 13, component=None, repeat=None)
                if clinical:
                    order.notes.append(clinical)
                queried: list[tuple[str, str]] = []
                reasons = _coded(
                    message, segment, _OBR_REASON_FOR_STUDY, unread=self.unread_codes,
                    uncertain=queried,
                )  # fmt: skip
                self.doubted.extend(text for held, text in queried if held == DOUBTED)
                if reasons:  # the reason for the study, in words or as codes only
                    order.notes.append(reasons)
                last, notes_target = None, order.notes
            elif kind == "SPM":
                order.spm_specimen = _field(message, segment, 2)
                order.spm_system = _ei_system(message, segment, 2, placer=True)
                order.spm_collected = _timestamp(_field(message, segment, 17))
                order.spm_offset = _offset(_field(message, segment, 17))
            elif kind == "DG1" and patient is not None:
                # a diagnosis of the patient (DG1-3, coded; DG1-4, its description in v2.3,
                # which gives a code without text its words)
                unread: list[str] = []
                # not established (an ICD-10-GM "V" / "A" after the code): not read, a doubted
                # one named in the file's warning.  DG1-6 (A admitting, W working, F final) is
                # the diagnosis's place in the stay, not its certainty: not read as one.
                uncertain: list[tuple[str, str]] = []
                diagnosis = _coded(message, segment, _DG1_CODE, unread=unread, uncertain=uncertain)
                description = _field(message, segment, _DG1_DESCRIPTION, component=None)
                doubted = [text for held, text in uncertain if held == DOUBTED]
                if uncertain and not diagnosis:  # its description is the doubted code's
                    if doubted:
                        self.doubted.append(description or "; ".join(doubted))
                    description = ""
                else:
                    self.doubted.extend(doubted)
                if description and description not in diagnosis:
                    diagnosis = "; ".join(x for x in (diagnosis, description) if x)
                    unread.clear()
                self.unread_codes.extend(unread)
                if diagnosis:
                    patient.notes.append(diagnosis)
            elif kind == "NTE":
                note = _field(message, segment, 3, component=None, repeat=None)
                if note and last is not None:
                    last.notes.append(note)
                elif note and notes_target is not None:
                    notes_target.append(note)
            elif kind == "OBX":
                if patient is None:
                    unfit.append("no PID segment before its results (no patient)")
                    patient = _Patient()
                last = self._observation(message, segment, number, patient, order)
                last.reported = order.reported or sent
                results.append(last)
        _text_notes_as_comments(results)
        return results

    def _patient(self, message: Any, segment: Any, number: int, unfit: list[str]) -> _Patient:
        ident, issuer, system = _patient_identifier(message, segment)
        ident = ident or _field(message, segment, 2) or _field(message, segment, 4)
        family = _field(message, segment, 5, component=1)
        given = " ".join(p for p in (_field(message, segment, 5, c) for c in (2, 3)) if p)
        name = f"{family}, {given}" if family and given else family or given
        if not ident and not name:
            unfit.append(
                f"the PID segment (segment {number}) names no patient (PID-3 and PID-5 empty)"
            )
        return _Patient(
            patient_id=ident,
            issuer=issuer,
            system=system if ident else "",
            name=name,
            sex=administrative_sex(_field(message, segment, 8)),
            birth_date=_timestamp(_field(message, segment, 7), date_only=True),
        )

    def _observation(
        self, message: Any, segment: Any, number: int, patient: _Patient, order: _Order
    ) -> _Result:
        code, text, system = (_field(message, segment, 3, c) for c in (1, 2, 3))
        alt_code, alt_text, alt_system = (_field(message, segment, 3, c) for c in (4, 5, 6))
        loinc = code if system.upper() == "LN" else alt_code if alt_system.upper() == "LN" else ""
        cells = {
            "test_code": code or alt_code,
            "test": text or alt_text,
            "loinc": loinc,
            "result": _value(message, segment),
            "unit": _unit(_field(message, segment, 6), _field(message, segment, 6, 2)),
            "reference_range": _field(message, segment, 7, component=None),
            "lab_flag": _field(message, segment, 8),  # the abnormal flag (table 0078): H, L, A ...
        }
        flag = _field(message, segment, 8, component=None, repeat=None)
        status = _field(message, segment, 11).upper() or order.status
        result = _Result(
            number,
            patient,
            order,
            cells,
            observed=_timestamp(_field(message, segment, 14)),
            observed_offset=_offset(_field(message, segment, 14)),
            status=status,
            notes=[f"{FLAG_NOTE}{flag}"] if flag else [],
            sub_id=_field(message, segment, 4),
            typed=_typed_value(cells["result"], _field(message, segment, 2)),
            kind=_field(message, segment, 2).upper(),
        )
        if status in VOID_STATUSES:
            result.void = f"result status {VOID_STATUSES[status]}: not a result"
        elif status not in KEPT_STATUSES and status not in PRELIMINARY_STATUSES:
            result.notes.append(f"{STATUS_NOTE}{status}")
        return result

    def _add(self, result: _Result, label: str) -> None:
        """A row for ``result``; a correction or withdrawal replaces an earlier result."""
        if self.cut and result.number == self.cut:
            detail = (
                "the file ends inside this segment, before its result status (a copy cut "
                "short?): its value may be cut short too; send the message again"
            )
            ids = (result.patient.patient_id, result.order.spm_specimen or result.order.specimen)
            self.rows.append(_Row(result.number, [], detail, "malformed_message", ids))
            if not result.void and _is_prolactin(result):  # "62" may be "6200"
                row = self._row(result)
                self.unread_urgent[result.number] = _possibly_urgent(row.cells, cut=True)
            return
        row = self._row(result)
        cells = result.cells
        # the test as the triage knows it (a correction may add the LOINC code to OBX-3), else
        # its code or name as written
        known = classify_test(cells["loinc"], cells["test_code"], cells["test"], None, "")
        test = known.name if known else cells["loinc"] or cells["test_code"] or cells["test"]
        key = (
            result.patient.issuer,  # the same number from another issuer: another patient
            # the id as the history compares it ("0801" and "801" are one patient)
            identifier_key(result.patient.patient_id) or result.patient.name,
            identifier_key(row.cells[_COL["specimen_id"]]),
            # to the minute: a correction may write the same time with seconds
            "".join(ch for ch in str(row.cells[_COL["collected_at"]]) if ch.isdigit())[:12],
            test,
            result.sub_id or "1",  # OBX-4 empty is the first (only) sub-id
        )
        earlier = self.kept.get(key)
        final = result.status not in PRELIMINARY_STATUSES and not result.void
        replaced_preliminary = (
            earlier is not None and final and self.kept_status.get(key) in PRELIMINARY_STATUSES
        )
        corrects = result.status == "C" and not result.void and row.cells
        # a final result of a sample that already has another one (a correction sent as F)
        conflicting = self._conflicting(key, earlier, result, row, label)
        if earlier is not None and (held := self._held(key, result, conflicting, label)):
            self._hold(row, self.rows[earlier], held, key, test, label)
            return
        if corrects and known is not None and known.field == "prolactin":
            self.corrections.append(  # what an earlier file reported is superseded
                Withdrawal(
                    result.number,
                    str(row.cells[_COL["patient_id"]]),
                    str(row.cells[_COL["specimen_id"]]),
                    f"corrected (OBX-11 C) by segment {result.number} ({label})",
                    issuer=result.patient.issuer,
                )
            )
        elif result.status in KEPT_STATUSES and known is not None and known.field == "prolactin":
            self.corrections.append(  # an earlier file's preliminary result is superseded
                Withdrawal(
                    result.number,
                    str(row.cells[_COL["patient_id"]]),
                    str(row.cells[_COL["specimen_id"]]),
                    f"{SUPERSEDED} by the final result (OBX-11 {result.status or 'F'}) at "
                    f"segment {result.number} ({label})",
                    SUPERSEDES,
                    result.patient.issuer,
                )
            )
        if earlier is not None and (
            result.status in {"C", *_WITHDRAWING} or replaced_preliminary or conflicting
        ):
            old = self.rows[earlier]
            what = (
                "corrected (OBX-11 C)"
                if result.status == "C"
                else f"withdrawn (OBX-11 {result.status})"
                if result.status in _WITHDRAWING
                else "a preliminary result, made final"
                if replaced_preliminary
                else "superseded as a correction sent as final (OBX-11 F, not C)"
            )
            self.preliminary = [p for p in self.preliminary if not p.startswith(f"{old.number} ")]
            if conflicting:
                self.warnings.append(
                    f"{label}: segment {result.number} and segment {old.number} "
                    f"({self.kept_label.get(key, '?')}) are two different final results of the "
                    f"same sample and test ({test}: {_written(row.cells)} and "
                    f"{_written(old.cells)}); the "
                    f"later one, at segment {result.number}, is taken as the lab's correction "
                    f"and the earlier one is listed as superseded in rejected.csv: check with "
                    "the lab which one holds"
                )
                self.superseded[old.number] = list(old.cells)
            else:
                self.warnings.append(
                    f"{label}: the result at segment {old.number} ({test}) was {what} by segment "
                    f"{result.number}; only the later one is used"
                )
            if old.cells:  # whose result it was: rejected.csv names them
                old.ids = (str(old.cells[_COL["patient_id"]]), str(old.cells[_COL["specimen_id"]]))
            old.cells, old.reason = [], "cancelled_result"
            old.bad = f"segment {old.number}: {what} by segment {result.number} ({label})"
        if result.void:
            if row.cells:  # whose result it was: rejected.csv names them
                row.ids = (
                    str(row.cells[HEADER.index("patient_id")]),
                    str(row.cells[HEADER.index("specimen_id")]),
                )
            row.cells, row.bad, row.reason = [], f"{label}: {result.void}", "cancelled_result"
            row.withdraws = known is not None and known.field == "prolactin"
            if row.withdraws and result.patient.issuer:  # withdrawn under its own issuer
                self.corrections.append(
                    Withdrawal(result.number, *row.ids, row.bad, issuer=result.patient.issuer)
                )
        else:
            self.kept[key] = len(self.rows)
            self.kept_status[key] = result.status
            self.kept_label[key] = label
            self.kept_reported[key] = result.reported
            if result.status in PRELIMINARY_STATUSES:
                self.preliminary.append(f"{result.number} ({label}, status {result.status})")
        self.rows.append(row)

    def _held(self, key: tuple[str, ...], result: _Result, conflicting: bool, label: str) -> str:
        """Why ``result`` does not replace the result kept for its sample (``key``), "" when it
        does.  A correction (OBX-11 C) is never replaced by a final result (F, U, empty) of
        another value: a final one after it is the result it corrected, delivered late, or
        resent under a new control id ("older"), else one sent after the correction ("after":
        listed with the urgent results, the lab to say which holds).  Between two corrections,
        or two final results of other values (a correction sent as F), the one the lab reported
        later (OBR-22, else MSH-7) replaces the other, whatever their order in the file: an
        older one delivered later is held back ("older").  The same order when the times are
        equal or not known."""
        kept = self.kept_status.get(key)
        older = _before(result.reported, self.kept_reported.get(key, ""))
        if conflicting and kept == "C":
            return "older" if older else "after"
        if older and (conflicting or (result.status == kept == "C" and not result.void)):
            return "older" if self.kept_label.get(key) != label else ""
        return ""

    def _hold(
        self, row: _Row, kept: _Row, held: str, key: tuple[str, ...], test: str, label: str
    ) -> None:
        """``row`` rejected as cancelled_result, the result kept for its sample (``kept``)
        standing (``held``: _held's reason).  Unless the kept one is a correction (OBX-11 C)
        that replaces it, it is listed with the urgent results when it may be urgent (which of
        two final results holds, or a final one sent after a correction, is the lab's to say)."""
        source = f"segment {kept.number} ({self.kept_label.get(key, '?')})"
        out_of_order = "reported before it and delivered after it (out of order"
        if held == "after":
            what = (
                f"a final result (OBX-11 F, not C) sent after the correction (OBX-11 C) at {source}"
            )
        elif self.kept_status.get(key) == "C":
            what = (
                f"the result the correction (OBX-11 C) at {source} replaces: {out_of_order}, "
                "or sent again under a new control id)"
            )
        else:
            what = (
                f"superseded as a correction sent as final (OBX-11 F, not C) by {source}, "
                f"{out_of_order})"
            )
        check = ""
        if held == "after" or self.kept_status.get(key) != "C":
            self.superseded[row.number] = list(row.cells)
            check = ": check with the lab which one holds"
        self.warnings.append(
            f"{label}: the result at segment {row.number} ({test}: {_written(row.cells)}) is "
            f"{what}; the one at segment {kept.number} ({_written(kept.cells)}) is used{check}"
        )
        row.ids = (str(row.cells[_COL["patient_id"]]), str(row.cells[_COL["specimen_id"]]))
        row.cells, row.reason = [], "cancelled_result"
        row.bad = f"segment {row.number}: {what}; that one is used"
        self.rows.append(row)

    def _conflicting(
        self, key: tuple[str, ...], earlier: int | None, result: _Result, row: _Row, label: str
    ) -> bool:
        """Whether ``result`` is a final result (F, U or empty) of a sample that already has
        another final one (F, U, empty or C) with another value in the same unit: a correction
        sent as final.  Only for a sample that is named (a specimen number, or a collection time
        to the minute): two samples of a day may share a test and a day; and only from another
        message (a message's own lines of one test may be a timed series, a post-PEG line or
        the result in another unit).  The same result in two units (2842-3 in ng/mL beside
        15081-3 in mIU/L) is no conflict."""
        if earlier is None or result.void or result.status not in KEPT_STATUSES - {"C"}:
            return False
        old = self.rows[earlier]
        if not old.cells or not row.cells or self.kept_status.get(key) not in KEPT_STATUSES:
            return False
        if self.kept_label.get(key) == label:
            return False
        specimen, minute = key[2], key[3]
        if not specimen and len(minute) < _MINUTE_DIGITS:
            return False
        before, after = _amount(old), _amount(row)
        if before is None or after is None:
            return False
        return before[1] == after[1] and before[0] != after[0]

    def _row(self, result: _Result) -> _Row:
        order, patient = result.order, result.patient
        notes = [*patient.notes, *order.notes, *result.notes]
        values = {
            "patient_id": patient.patient_id,
            "patient_name": patient.name,
            "sex": patient.sex,
            "birth_date": patient.birth_date,
            "collected_at": order.collected or order.spm_collected or result.observed,
            # the offset of the time used (collected_at is the wall-clock time as written)
            "collected_offset": (
                order.offset
                if order.collected
                else order.spm_offset
                if order.spm_collected
                else result.observed_offset
            ),
            "specimen_id": order.spm_specimen or order.specimen,
            **result.cells,
            "result": result.cells["result"] if result.typed is None else result.typed,
            "comments": "; ".join(dict.fromkeys(n for n in notes if n)),
            "requesting_clinician": order.requester,
            "location": patient.location,
            "patient_issuer": patient.issuer,
            "patient_id_system": patient.system,
            "specimen_id_system": (
                order.spm_system if order.spm_specimen else order.specimen_system
            ),
            "result_status": _STATUS_CODES.get(result.status, "final"),
        }
        cells: list[object] = [values[name] for name in HEADER]
        longest = max(len(str(c)) for c in cells)
        if longest > self.limits.max_cell_chars:
            return _Row(
                result.number,
                [],
                f"a field holds {longest:,} characters (the limit is "
                f"{self.limits.max_cell_chars:,}: max_cell_chars)",
                "malformed_message",
            )
        return _Row(result.number, cells)

    # ---------------------------------------------------------------------------------------
    def workbook(self) -> Workbook:
        rows = list(self.rows)
        rows.sort(key=lambda r: r.number)
        # a file that only withdraws results is read: the history withdraws them
        if not any(r.cells or r.withdraws for r in rows):
            raise InputFileError(self.name, self._nothing_read(), code=self._nothing_code())
        grid: Rows = [list(HEADER)]
        numbers = [0]
        bad: dict[int, str] = {}
        reasons: dict[int, str] = {}
        ids: dict[int, tuple[str, str]] = {}
        withdrawing: set[int] = set()
        # a result superseded by a later final one without a C that may be urgent: listed with
        # the urgent results (the later one may be the error)
        urgent: dict[int, str] = {}
        for index, row in enumerate(rows, start=1):
            grid.append(row.cells)
            numbers.append(row.number)
            if not row.cells:
                bad[index] = row.bad
                if row.reason:
                    reasons[index] = row.reason
                if any(row.ids):
                    ids[index] = row.ids
                if row.withdraws:
                    withdrawing.add(index)
                cells = self.superseded.get(row.number)
                note = self.unread_urgent.get(row.number, "")
                if cells is not None:  # superseded by a later final result
                    note = _possibly_urgent(cells, written=False)
                if note:
                    urgent[index] = note
        if self.preliminary:
            listed = ", ".join(self.preliminary[:_LISTED])
            extra = len(self.preliminary) - _LISTED
            more = f" and {extra} more" if extra > 0 else ""
            self.warnings.append(
                f"preliminary results (OBX-11 P/I/R/S) at segment(s) {listed}{more} were triaged "
                "as given; the final result may differ"
            )
        if self.unread_codes:
            self.warnings.append(unread_codes_warning(self.unread_codes))
        if self.doubted:
            self.warnings.append(doubted_diagnoses_warning(self.doubted))
        versions = ", ".join(sorted(self.versions)) or "unknown"
        batch = "; batch headers skipped" if self.batch else ""
        self.warnings.insert(
            0,
            f"HL7 v2 file: {self.messages} message(s) (version {versions}), "
            f"{len(rows)} result(s) (OBX segments){batch}; row numbers are segment numbers",
        )

        def load(sheet: str, nrows: int | None) -> Rows:
            return grid if nrows is None else grid[:nrows]

        return Workbook(
            NAME,
            [""],
            set(),
            load,
            None,
            self.warnings,
            bad,
            numbers,
            text=True,
            number_by_line=True,
            statuses_applied=True,
            row_reasons=reasons,
            row_ids=ids,
            withdrawing=withdrawing,
            urgent_rows=urgent,
            corrections=[
                *self.corrections,
                # the preliminary results left: a later file's final one supersedes them
                *(
                    Withdrawal(int(p.split(" ", 1)[0]), "", "", "", PRELIMINARY)
                    for p in self.preliminary
                ),
            ],
        )

    def _unread_results(self) -> list[_Row]:
        """The results left out for another reason than their status (a file cut short inside
        one, a field over the size limit, a message sent twice, an OBX before any MSH)."""
        return [r for r in self.rows if not r.cells and r.reason != "cancelled_result"]

    def _nothing_code(self) -> str:
        """The failure code when no result is read: ``damaged`` for a file cut short inside
        its result, ``unusable`` for messages that cannot be read, else ``empty``."""
        if self.cut and any(r.number == self.cut for r in self.rows):
            return "damaged"
        return "unusable" if self.problems or self._unread_results() else "empty"

    def _nothing_read(self) -> str:
        if self.problems:
            listed = "; ".join(self.problems[:3])
            more = f" and {len(self.problems) - 3} more" if len(self.problems) > 3 else ""
            return f"no HL7 message could be read: {listed}{more}"
        unread = sorted(self._unread_results(), key=lambda r: r.number)
        if unread:  # said as they are: a file cut short is no cancelled result (review 26)
            listed = "; ".join(f"segment {r.number}: {r.bad}" for r in unread[:3])
            more = f"; and {len(unread) - 3} more" if len(unread) > 3 else ""
            return f"no result in the HL7 file can be triaged: {listed}{more}"
        if self.rows:
            return "no result in the HL7 file holds a value (every OBX is cancelled or deleted)"
        if self.messages:
            return f"the HL7 file's {self.messages} message(s) hold no results (no OBX segment)"
        return "the file holds no HL7 message (no MSH segment)"


# OBX-2 value types of free text: a text line under a result's own code may be its comment
_TEXT_TYPES: Final = frozenset({"ST", "TX", "FT"})


def _text_notes_as_comments(results: list[_Result]) -> None:
    """A text line (OBX-2 ST, TX or FT) sent under the code of a result its sample has (the
    same message, patient, specimen or order, and test: "OBX|1|NM|2842-3^Prolactin^LN|1|150"
    then "OBX|2|TX|2842-3^Prolactin^LN|1|Pat. klagt über Gesichtsfeldausfall", whatever its
    sub-id) whose text says nothing of the result itself (values.says_result_itself: no number
    read as a result, no "<0.5", "haemolysed", ">200", "n.d.") is that result's comment: it
    becomes a comment line (the first LOINC code of synonyms.toml [long_tests.clinical_notes],
    Annotation comment, named as that test: "Clinical notes"), read into the comments of its
    sample as a "Kommentar" line is.  Before, it was rejected (unparseable_result, "is not a
    number") and what it said was lost (a visual field defect, an antipsychotic).  A text that
    is the only line of its test stays a result (a "no result" statement is rejected as
    before)."""
    texts = [r for r in results if r.kind in _TEXT_TYPES and not r.void]
    if not texts:
        return

    def key(result: _Result) -> tuple[int, str, str] | None:
        cells = result.cells
        known = classify_test(cells["loinc"], cells["test_code"], cells["test"], None, "")
        if known is None:
            return None
        order = result.order
        sample = order.spm_specimen or order.specimen or f"\x00{id(order)}"
        return id(result.patient), sample, known.field

    notes = [r for r in texts if not says_result_itself(str(r.cells["result"]))]
    if not notes:
        return
    noted = {id(r) for r in notes}
    measured = {key(r) for r in results if id(r) not in noted and not r.void} - {None}
    comment = synonyms_data()["long_tests"]["clinical_notes"]
    code, label = str(comment["loinc"][0]), str(comment["label"])
    for result in notes:
        if key(result) in measured:  # named as its test no more (the name would veto it)
            result.cells.update(test_code=code, loinc=code, test=label)
            result.typed = None


def _possibly_urgent(
    cells: list[object], *, written: bool = True, notes: bool = False, cut: bool = False
) -> str:
    """Why a result's cells that are not triaged may be urgent (unknown_units.
    untriaged_urgency: its level; ``notes``: a red flag its comments name; ``cut``: its value
    may be cut short), "" when they cannot be; ``written``: the note quotes the result."""
    result, unit = cells[_COL["result"]], str(cells[_COL["unit"]])
    return untriaged_urgency(
        result,
        unit,
        str(cells[_COL["comments"]]) if notes else "",
        written=_written(cells) if written else "",
        cut=cut,
    )


def _is_prolactin(result: _Result) -> bool:
    """Whether a result is a prolactin result (classify_test, as the long reader knows it)."""
    cells = result.cells
    known = classify_test(cells["loinc"], cells["test_code"], cells["test"], None, "")
    return known is not None and known.field == "prolactin"


def _amount(row: _Row) -> tuple[tuple[str, float | None], str] | None:
    """((qualifier, value), unit) of a row's result: in its normalised unit when it is a
    prolactin unit, else as written; None when its result is not a number."""
    quantity = parse_quantity(row.cells[_COL["result"]])
    unit = str(row.cells[_COL["unit"]]) or quantity.unit_text or ""
    info = normalise_unit(unit) if unit else None
    if quantity.status != "ok" or quantity.value is None:
        return None
    if info is None:
        return (quantity.qualifier, quantity.value), unit.strip().lower()
    return (quantity.qualifier, quantity.value * info.factor), info.unit


def _written(cells: list[object]) -> str:
    """A row's result as written with its unit ("300 ng/mL")."""
    return " ".join(
        text for text in (str(cells[_COL[name]]).strip() for name in ("result", "unit")) if text
    )


def _raw_field(segment: str, number: int) -> str:
    """MSH-n from the raw text (for naming a message python-hl7 cannot parse)."""
    if len(segment) < 4:
        return ""
    parts = segment.split(segment[3])
    value = parts[number - 1] if number - 1 < len(parts) else ""
    return value.split("^", 1)[0][:40]


_CX_AUTHORITY: Final = 4  # CX-4, the assigning authority (an HD) of a PID-3 identifier
# XCN (a person: ID^family^given^middle^suffix^prefix^degree) components named
_XCN_ID, _XCN_FAMILY, _XCN_GIVEN, _XCN_MIDDLE, _XCN_PREFIX = 1, 2, 3, 4, 6
# PL (a location: point of care^room^bed^facility^status^type^building^floor^description)
_PL_POINT_OF_CARE, _PL_ROOM, _PL_BED, _PL_FACILITY, _PL_DESCRIPTION = 1, 2, 3, 4, 9


def _person(message: Any, segment: Any, number: int) -> str:
    """An XCN field's person as written ("Dr Anna Lee"), else its id ("G12345")."""
    parts = (
        _field(message, segment, number, c)
        for c in (_XCN_PREFIX, _XCN_GIVEN, _XCN_MIDDLE, _XCN_FAMILY)
    )
    name = " ".join(p for p in parts if p)
    return name or _field(message, segment, number, _XCN_ID)


def _location(message: Any, segment: Any) -> str:
    """PV1-3 (assigned patient location): the point of care (ward, clinic) with its room and
    bed, else the location's description, else its facility."""
    ward = " ".join(
        p
        for p in (_field(message, segment, 3, c) for c in (_PL_POINT_OF_CARE, _PL_ROOM, _PL_BED))
        if p
    )
    return (
        ward
        or _field(message, segment, 3, _PL_DESCRIPTION)
        or _field(message, segment, 3, _PL_FACILITY)
    )


def _field(
    message: Any,
    segment: Any,
    number: int,
    component: int | None = 1,
    repeat: int | None = 1,
) -> str:
    """Field ``number`` of ``segment`` unescaped: its first repetition (``repeat`` None: all,
    joined by "; ") and its ``component`` (None: the components joined by spaces, each with its
    subcomponent separators kept as written)."""
    if number >= len(segment):
        return ""
    raw = str(segment[number])
    if str(segment[0]) == "MSH" and number <= 2:
        return raw
    seps = message.separators  # "\r|~^&": segment, field, repetition, component, subcomponent
    reps = raw.split(seps[2]) if seps[2] else [raw]
    chosen = reps if repeat is None else reps[repeat - 1 : repeat]
    texts = []
    for rep in chosen:
        comps = rep.split(seps[3]) if seps[3] else [rep]
        if component is None:
            # whole text: an "&" the sender did not escape ("Kopfschmerzen & Gesichtsfeldausfall")
            # is the text's own, not a subcomponent break that drops the rest
            parts = [_unescape(message, c) for c in comps]
            text = " ".join(p.strip() for p in parts if p.strip())
        elif component - 1 < len(comps):
            comp = comps[component - 1]
            text = _unescape(message, comp.split(seps[4])[0] if seps[4:] else comp).strip()
        else:
            text = ""
        if text:
            texts.append(text)
    return "; ".join(texts)


# PID-3 identifier types (CX-5, HL7 table 0203) that name the patient at the lab's site: the
# medical record number first, then the patient's own numbers.  Insurance, national, account and
# visit numbers come after them: a feed listing an insurance number first gave one patient two
# ids (the context of the other message lost, the history split).
def _patient_identifier(message: Any, segment: Any) -> tuple[str, str, str]:
    """The patient's id among PID-3's repetitions: the first of the preferred types (CX-5),
    else the first of no other known type, else the first given (an empty first repetition:
    the next one); with its assigning authority (CX-4, an HD: its namespace id, else its
    universal id), "" when none is given; and that authority as a FHIR identifier system (its
    universal id of type ISO, URI ...: ``identifiers.identifier_system``), "" when it is none."""
    count = len(str(segment[3]).split(message.separators[2])) if len(segment) > 3 else 0
    given = [
        (_field(message, segment, 3, repeat=k), _field(message, segment, 3, 5, repeat=k).upper())
        for k in range(1, count + 1)
    ]
    ident = preferred_patient_id(given)
    chosen = next((k for k, (value, _) in enumerate(given, 1) if value == ident), 0)
    if not chosen:
        return ident, "", ""
    seps = message.separators  # segment, field, repetition, component, subcomponent
    comps = str(segment[3]).split(seps[2])[chosen - 1].split(seps[3])
    authority = comps[_CX_AUTHORITY - 1] if len(comps) >= _CX_AUTHORITY else ""
    parts = authority.split(seps[4]) if seps[4:] else [authority]
    # HD: namespace id & universal id & its type
    hd = [_unescape(message, p).strip() for p in parts[:3]] + ["", "", ""]
    issuer = next((t for t in hd[:2] if t), "")
    return ident, issuer, identifier_system(hd[1], kind=hd[2]) or identifier_system(hd[0])


def _ei_system(message: Any, segment: Any, number: int, *, placer: bool = False) -> str:
    """The assigning authority of an EI field (OBR-3, OBR-2: entity^namespace^universal
    id^type; SPM-2, an EIP: its placer EI's subcomponents) as a FHIR identifier system, ""
    when it names none (``identifiers.identifier_system``)."""
    if number >= len(segment):
        return ""
    seps = message.separators  # segment, field, repetition, component, subcomponent
    raw = str(segment[number]).split(seps[2])[0] if seps[2] else str(segment[number])
    comps = raw.split(seps[3]) if seps[3] else [raw]
    if placer:  # SPM-2: placer EI (subcomponents) ^ filler EI
        comps = comps[0].split(seps[4]) if seps[4:] else comps[:1]
    parts = [_unescape(message, c).strip() for c in comps[1:4]] + ["", "", ""]
    return identifier_system(parts[1], kind=parts[2]) or identifier_system(parts[0])


def _unescape(message: Any, text: str) -> str:
    """A field's text with its escapes decoded and no control character left (a NUL, a line
    break, a tab: a space, or nothing where it ends a word)."""
    esc = message.esc
    if not esc or esc not in text:
        return _without_controls(text)
    if esc == "\\":
        if "\\X" in text or "\\x" in text:
            charset = _charset(message)
            text = _HEX_ESCAPE.sub(lambda found: _hex(found, charset), text)
        text = _FORMAT_ESCAPE.sub("", text)
    try:
        value = str(message.unescape(text))
    except ValueError:  # a malformed escape ("\XZZ\"): the text as written, escapes dropped
        value = text.replace(esc, " ")
    return _without_controls(value)


# C0 control characters and DEL (and the C1 range a Latin-1 reading makes of stray bytes): a
# NUL left by a two-byte escape read as two characters ("Gesichtsfeldeinschr\x00änkung") hid
# the word from every cue; a line break or tab is a space.
_CONTROLS: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACING_CONTROLS: Final = frozenset("\t\n\r\x0b\x0c")


def _without_controls(text: str) -> str:
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub(lambda found: " " if found.group() in _SPACING_CONTROLS else "", text)


# MSH-18 (character set, HL7 table 0211), its first repetition: how a \Xhh...\ escape's bytes
# are read.  "UNICODE" (UCS-2) and "UNICODE UTF-16" write UTF-16 code units (\X00E4\);
# "UNICODE UTF-8" UTF-8 bytes; "8859/n" ISO 8859-n bytes; "UNICODE UTF-32" UTF-32 units.
_CHARSETS: Final = {
    "UNICODE": "utf-16-be",
    "UNICODE UTF-16": "utf-16-be",
    "UNICODE UTF-8": "utf-8",
    "UNICODE UTF-32": "utf-32-be",
    "ASCII": "utf-8",
    **{f"8859/{n}": f"iso8859_{n}" for n in range(1, 16) if n != 12},
}
_UTF16_UNIT: Final = 2  # bytes per UTF-16 code unit
_MSH_CHARSET: Final = 18


def _charset(message: Any) -> str:
    """The codec MSH-18 names for hex escapes, "" when it names none the reader knows."""
    try:
        header = message[0]
        named = str(header[_MSH_CHARSET]) if len(header) > _MSH_CHARSET else ""
    except Exception:  # python-hl7 raises several types for an odd header
        return ""
    first = named.split(message.separators[2])[0] if message.separators[2:] else named
    return _CHARSETS.get(" ".join(first.upper().replace("_", " ").split()), "")


def _hex(match: re.Match[str], charset: str = "") -> str:
    """A \\Xhh...\\ escape's characters: in the charset MSH-18 names, else as UTF-8, else as
    UTF-16 code units when they hold a NUL byte, which no 8-bit text holds (\\X00E4\\: "ä",
    not a NUL and "ä"), else as Windows-1252 bytes."""
    raw = bytes.fromhex(match.group(1))
    readings = [charset] if charset else []
    units = len(raw) % _UTF16_UNIT == 0 and b"\x00" in raw
    readings += ["utf-8", *(["utf-16-be"] if units else [])]
    for codec in readings:
        try:
            text = raw.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if not _CONTROLS.search(text):
            return text
    return _without_controls(raw.decode("cp1252", "replace"))


def _value(message: Any, segment: Any) -> str:
    """OBX-5 as text by its value type OBX-2 (SN "<^5" -> "<5"; CE/CWE: the text)."""
    kind = _field(message, segment, 2).upper()
    if kind == "SN":
        parts = [_field(message, segment, 5, c) for c in (1, 2, 3, 4)]
        comparator, first, separator, second = parts
        if separator and second:
            return f"{comparator}{first}{separator}{second}"
        return f"{comparator}{first}"
    if kind in {"CE", "CWE", "CNE"}:  # each repetition's text, else its code's words or code
        return _coded(message, segment, 5)
    return _field(message, segment, 5, component=None, repeat=None)


# OBR-31 (reason for study, CWE, repeating) and DG1-3 / DG1-4 (diagnosis code, description)
_OBR_REASON_FOR_STUDY: Final = 31
_DG1_CODE, _DG1_DESCRIPTION = 3, 4
# CE / CWE components: identifier, text, coding system, alternate identifier, alternate text,
# alternate coding system, ..., original text (CWE-9)
_CWE_CODE, _CWE_TEXT, _CWE_ALT_CODE, _CWE_ALT_TEXT, _CWE_ORIGINAL_TEXT = 1, 2, 4, 5, 9


def _coded(
    message: Any,
    segment: Any,
    number: int,
    *,
    unread: list[str] | None = None,
    uncertain: list[tuple[str, str]] | None = None,
) -> str:
    """A coded field (CE, CWE, CNE) in words, its repetitions joined by "; ": each one's text
    (else its original text, else its alternate text), else the words of its code or alternate
    code (synonyms.toml [coded_conditions], values.coded_words: "H53.4^^I10" -> "visual field
    defect", "77386006^^SCT" -> "pregnant"), else its code as written.  A diagnosis (``unread``
    given: DG1-3, OBR-31) keeps the words of a listed code before its text whatever the text
    ("H47.4^Affektionen des Chiasma opticum^I10": the chiasm's field defect; values.
    with_code_words), and a code sent without text whose words are not listed goes to
    ``unread`` (the file's warning).  A diagnosis that is not established (an ICD-10-GM
    certainty letter after its code, "N18.5 V", "E22.1 A": values.split_certainty) is left out
    and goes to ``uncertain`` as (its certainty, its words)."""
    texts = []
    for k in range(1, _repetitions(message, segment, number) + 1):
        parts = {
            c: _field(message, segment, number, c, repeat=k)
            for c in (_CWE_CODE, _CWE_TEXT, _CWE_ALT_CODE, _CWE_ALT_TEXT, _CWE_ORIGINAL_TEXT)
        }
        said = parts[_CWE_TEXT] or parts[_CWE_ORIGINAL_TEXT] or parts[_CWE_ALT_TEXT]
        held = ""
        if uncertain is not None:  # a diagnosis: its code may carry its certainty
            for c in (_CWE_CODE, _CWE_ALT_CODE):
                parts[c], written = split_certainty(parts[c])
                held = held or written
        words = coded_words(parts[_CWE_CODE]) or coded_words(parts[_CWE_ALT_CODE])
        text = with_code_words(words, said) if unread is not None else said or words
        code = parts[_CWE_CODE] or parts[_CWE_ALT_CODE]
        if held and uncertain is not None:
            if text or code:
                uncertain.append((held, text or code))
            continue
        if not text and code and unread is not None:
            unread.append(code)
        if text or code:
            texts.append(text or code)
    return "; ".join(texts)


def _typed_value(value: str, kind: str) -> object:
    """OBX-5 as a cell: a number typed NM (or an SN without comparator, whose parts are NM) as
    values.FormatNumber, read with "." whatever other messages write; any other value (ST,
    TX, FT: free text, or an NM that breaks its type: "12,5") as its text, which the table
    reader reads as it does a table's cell (its decimal mark from the file's texts, and a
    cell that can be read two ways either side of the urgent level not triaged on a guess)."""
    if kind.upper() in {"NM", "SN"}:  # an SN with a comparator or a ratio ("<5", "1:2") stays text
        return typed_number(value)
    return value


def _repetitions(message: Any, segment: Any, number: int) -> int:
    """How many repetitions field ``number`` of ``segment`` holds (1 for a plain field)."""
    if number >= len(segment):
        return 1
    separator = message.separators[2]
    return str(segment[number]).count(separator) + 1 if separator else 1


def _unit(identifier: str, text: str) -> str:
    """OBX-6: its identifier, unless that is a local code and the text is a unit ("27^mIU/L^99LAB":
    the row was rejected for a unit '27')."""
    if identifier and text and normalise_unit(identifier) is None and normalise_unit(text):
        return text
    return identifier or text


def _reported(value: str) -> str:
    """An HL7 TS as its digits to the second ("202603011200" -> "20260301120000"), for telling
    which of two results the lab reported later; "" when it is no time."""
    found = _TS.match(value.strip())
    if not found:
        return ""
    return "".join(part or "00" for part in found.groups())[:_TS_DIGITS].ljust(_TS_DIGITS, "0")


def _before(one: str, other: str) -> bool:
    """Whether time ``one`` (_reported) is before ``other``; False when either is not known."""
    return bool(one and other) and one < other


def _offset(value: str) -> str:
    """The UTC offset of an HL7 TS with a time, as ISO 8601 ("+01:00"); "" when none."""
    found = _TS_OFFSET.match(value.strip())
    return f"{found[1]}{found[2]}:{found[3]}" if found else ""


def _timestamp(value: str, *, date_only: bool = False) -> str:
    """An HL7 TS/DTM (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ]) as ISO text; as given when it
    does not parse."""
    found = _TS.match(value.strip())
    if not found:
        return value
    year, month, day, hour, minute, second = found.groups()
    if date_only and not day:  # a birth date given to the month or the year ("201512", "2015")
        return f"{year}-{month}" if month else year
    if not month or not day:
        return value
    date = f"{year}-{month}-{day}"
    if date_only or not hour:
        return date
    time = f"{hour}:{minute or '00'}" + (f":{second}" if second else "")
    return f"{date} {time}"
