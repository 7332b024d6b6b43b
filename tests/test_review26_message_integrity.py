"""Review 26: results of damaged or out-of-order lab messages never vanish nor are read cut short.

1. A prolactin result of an HL7 message that names no patient (no PID, or a PID with neither id
   nor name) or of a FHIR Observation whose subject is only a display is not triaged, but one
   above the urgent level (> 5,000 mIU/L, clinical-reference §0 and §8; output-contract §7), or
   beside a mass-effect red flag (clinical-reference §5: red flags -> urgent referral), is listed
   with the urgent results as "not triaged", its specimen number named so the lab can find the
   sample, and --fail-on urgent hears of it (exit 10).  So is a result the file ends inside
   ("62" may be "6200").
2. A segment wrapped onto a second line (a line break inside a field put in by an interface or a
   transfer tool) is never triaged cut short ("62" of "6200", "Prolac" of "Prolactin", a PID
   without its sex, an interval "102-49"): the message is rejected as malformed_message naming
   the segment, and its result, read whole, is listed as possibly urgent when it may be.
3. A correction (HL7 v2 table 0085, OBX-11 C: "a correction that replaces final results") is
   never undone by a final result of the same sample delivered after it: the original resent
   under a new control id, or delivered out of order (an older MSH-7 / OBR-22).  Which of two
   results is the later goes by the lab's report time, not the file's order.

Synthetic patients only.
"""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import pytest
from pipeline_helpers import prolactin_bundle

from triage.pipeline import TriageOutcome, TriageRequest, run_triage
from triage.schema import EXIT_FAIL_ON, EXIT_OK
from triage.urgent import untriaged_urgent_count

PRL = "2842-3^Prolactin^LN"


def _msh(control: str, when: str = "202603011000") -> str:
    return f"MSH|^~\\&|LIS|LAB|EHR|HOSP|{when}||ORU^R01|{control}|P|2.5.1"


def _pid(pid: str, name: str = "Syn^Thea", sex: str = "F") -> str:
    return f"PID|1||{pid}^^^HOSP^MR||{name}||19800101|{sex}"


def _obr(specimen: str, reported: str = "") -> str:
    return f"OBR|1||{specimen}|{PRL}|||202603010830" + (
        f"|||||||||||||||{reported}" if reported else ""
    )


def _obx(value: str, unit: str = "mIU/L", status: str = "F", flag: str = "H") -> str:
    return f"OBX|1|NM|{PRL}||{value}|{unit}|102-496|{flag}|||{status}|||202603010830"


GOOD = [_msh("G1"), _pid("700001"), _obr("SG1"), _obx("300", flag="N")]


def _file(tmp_path: Path, messages: list[list[str]], end: str = "\r", name: str = "in.hl7") -> Path:
    path = tmp_path / name
    path.write_bytes(
        end.join(seg for message in messages for seg in message).encode() + end.encode()
    )
    return path


def _run(
    path: Path, fail_on: str | None = "urgent"
) -> tuple[TriageOutcome, str, list[dict[str, str]]]:
    out = path.parent / "out"
    outcome = run_triage(
        TriageRequest(inputs=[path], out_dir=out, keep_results=True, fail_on=fail_on)
    )
    with (out / "rejected.csv").open(encoding="utf-8") as handle:
        rejected = list(csv.DictReader(handle))
    return outcome, (out / "urgent.txt").read_text("utf-8"), rejected


def _triaged(outcome: TriageOutcome) -> dict[str, tuple[str, bool]]:
    """specimen -> (prolactin as written, whether it is urgent) of the results triaged."""
    assert outcome.results is not None
    return {
        str(row["specimen_id"]): (str(row["prolactin_raw"]), row["priority"] == "urgent")
        for _, row in outcome.results.iterrows()
    }


def _listed(urgent: str, specimen: str) -> str:
    """The urgent.txt line of a row not triaged of that specimen, "" when there is none."""
    return next(
        (
            line
            for line in urgent.splitlines()
            if f"| specimen {specimen} |" in line and "not triaged (" in line
        ),
        "",
    )


# ------------------------------------------------------------------------------------------------
# 1. A result whose message or Observation names no patient
# ------------------------------------------------------------------------------------------------
NO_PATIENT = {
    "no PID": [],
    "PID without id or name": ["PID|1||||||19800101|F"],
    "PID with an empty id repetition and no name": ["PID|1||~^^^HOSP^MR||^||19800101|M"],
}
URGENT_LEVELS = [
    ("9000", "mIU/L"),
    ("650", "ng/mL"),
    ("425", "ug/L"),
    ("9.0", "IU/L"),
    (">4800", "mIU/L"),
]


@pytest.mark.parametrize("pid", list(NO_PATIENT), ids=list(NO_PATIENT))
@pytest.mark.parametrize(("value", "unit"), URGENT_LEVELS)
def test_an_urgent_result_without_a_patient_is_listed_not_triaged(
    tmp_path: Path, pid: str, value: str, unit: str
) -> None:
    bad = [_msh("K2"), *NO_PATIENT[pid], _obr("SK2"), _obx(value, unit, flag="HH")]
    outcome, urgent, rejected = _run(_file(tmp_path, [GOOD, bad]))
    line = _listed(urgent, "SK2")
    assert "not triaged (malformed_message)" in line and "URGENT patient - |" in line
    assert untriaged_urgent_count(urgent) == 1
    assert (outcome.exit_code, outcome.fail_on_matches) == (EXIT_FAIL_ON, 1)
    (row,) = [r for r in rejected if r["reason_code"] == "malformed_message"]
    assert row["specimen_id"] == "SK2" and row["patient_id"] == ""
    assert "SK2" not in _triaged(outcome)


RED_FLAGS = {
    "de": "bitemporale Hemianopsie",
    "en": "new bitemporal hemianopia",
    "fr": "hémianopsie bitemporale",
    "es": "hemianopsia bitemporal",
    "it": "emianopsia bitemporale",
    "nl": "bitemporale hemianopsie",
    "de-diplopia": "Doppelbilder seit 2 Tagen",
}


@pytest.mark.parametrize("note", list(RED_FLAGS.values()), ids=list(RED_FLAGS))
def test_a_raised_result_without_a_patient_beside_a_red_flag_is_listed(
    tmp_path: Path, note: str
) -> None:
    bad = [_msh("K3"), "PID|1||||||19800101|F", _obr("SK3"), _obx("600"), f"NTE|1||{note}"]
    outcome, urgent, _rejected = _run(_file(tmp_path, [GOOD, bad], end="\r\n"))
    assert "red flag" in _listed(urgent, "SK3")
    assert outcome.exit_code == EXIT_FAIL_ON


@pytest.mark.parametrize(
    "note", ["", "keine Sehstörungen", "no visual field defect", "pas de diplopie"]
)
def test_a_modest_result_without_a_patient_and_no_red_flag_is_not_listed(
    tmp_path: Path, note: str
) -> None:
    """Guard: rejected (no patient), but nothing says it may be urgent."""
    bad = [_msh("K4"), _obr("SK4"), _obx("600"), *([f"NTE|1||{note}"] if note else [])]
    outcome, urgent, rejected = _run(_file(tmp_path, [GOOD, bad]))
    assert untriaged_urgent_count(urgent) == 0
    assert outcome.exit_code == EXIT_OK
    assert [r["reason_code"] for r in rejected] == ["malformed_message"]


FHIR_CASES = {  # the Observation without a subject: its value and further elements
    "650 ng/mL": ({"value": 650, "unit": "ng/mL"}, {}),
    "9000 mIU/L": ({"value": 9000, "unit": "mIU/L"}, {}),
    "red flag note": (
        {"value": 40, "unit": "ng/mL"},
        {"note": [{"text": "Gesichtsfeldausfall bitemporal"}]},
    ),
}


@pytest.mark.parametrize("case", list(FHIR_CASES), ids=list(FHIR_CASES))
def test_a_fhir_observation_without_a_subject_is_listed_with_its_specimen(
    tmp_path: Path, case: str
) -> None:
    quantity, more = FHIR_CASES[case]
    bundle = prolactin_bundle()  # a patient's result, triaged
    nameless = {
        **copy.deepcopy(bundle["entry"][1]["resource"]),
        "id": "o2",
        "subject": {"display": "Gamma, Gerd (geb. 01.01.1960)"},
        "valueQuantity": quantity,
        "specimen": {"identifier": {"value": "SPEC-77"}},
        **more,
    }
    bundle["entry"].append({"fullUrl": "Observation/o2", "resource": nameless})
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    outcome, urgent, rejected = _run(path)
    assert "not triaged (malformed_line)" in _listed(urgent, "SPEC-77")
    assert outcome.exit_code == EXIT_FAIL_ON
    (row,) = rejected
    assert row["specimen_id"] == "SPEC-77"
    assert "Gamma" not in urgent and "Gamma" not in row["detail"]


def test_a_result_the_file_ends_inside_is_listed_as_possibly_urgent(tmp_path: Path) -> None:
    """'62' may be '6200': the value may have lost its digits."""
    cut = [_msh("K5"), _pid("700005"), _obr("SK5"), f"OBX|1|NM|{PRL}||62"]
    path = tmp_path / "in.hl7"
    path.write_bytes(("\r".join([*GOOD, *cut])).encode())
    outcome, urgent, _rejected = _run(path)
    assert "not triaged (malformed_message)" in _listed(urgent, "SK5")
    assert outcome.exit_code == EXIT_FAIL_ON


# ------------------------------------------------------------------------------------------------
# 2. A segment wrapped onto a second line
# ------------------------------------------------------------------------------------------------
WRAPS = {
    "OBX-5 value": (
        [_pid("700010"), _obr("SW1"), f"OBX|1|NM|{PRL}||62", "00|mIU/L|102-496|HH|||F"],
        "8",
        True,
    ),
    "OBX-3 test name": (
        [
            _pid("700011"),
            _obr("SW1"),
            "OBX|1|NM|2842-3^Prolac",
            "tin^LN||6200|mIU/L|102-496|HH|||F",
        ],
        "8",
        True,
    ),
    "PID name (sex and birth date lost)": (
        ["PID|1||700012^^^HOSP^MR||Wrap^^", "Xaver||19800101|M", _obr("SW1"), _obx("25", "ug/L")],
        "6",
        False,
    ),
    "OBX-7 interval": (
        [_pid("700013"), _obr("SW1"), f"OBX|1|NM|{PRL}||1200|mIU/L|102-49", "6|H|||F"],
        "8",
        False,
    ),
}


@pytest.mark.parametrize("end", ["\r\n", "\n", "\r"], ids=["CRLF", "LF", "CR"])
@pytest.mark.parametrize("case", list(WRAPS), ids=list(WRAPS))
def test_a_wrapped_segment_is_never_triaged_cut_short(tmp_path: Path, case: str, end: str) -> None:
    segments, wrapped_at, urgent_level = WRAPS[case]
    outcome, urgent, rejected = _run(_file(tmp_path, [GOOD, [_msh("W2"), *segments]], end=end))
    assert "SW1" not in _triaged(outcome)
    (row,) = rejected
    assert row["reason_code"] == "malformed_message" and row["specimen_id"] == "SW1"
    assert f"segment {wrapped_at} (" in row["detail"] and "no HL7 segment" in row["detail"]
    assert bool(_listed(urgent, "SW1")) is urgent_level
    assert outcome.exit_code == (EXIT_FAIL_ON if urgent_level else EXIT_OK)


def test_a_note_typed_on_two_lines_is_still_read_whole(tmp_path: Path) -> None:
    """Guard: an NTE going on on the next line is one note (its red flag read), not damage."""
    message = [
        _msh("W3"),
        _pid("700014"),
        _obr("SW3"),
        _obx("900"),
        "NTE|1||Pat. berichtet Sehstörungen und bitemporale",
        "Gesichtsfeldeinschraenkung",
    ]
    outcome, _urgent, rejected = _run(_file(tmp_path, [GOOD, message], end="\r\n"))
    assert _triaged(outcome)["SW3"] == ("900", True)
    assert rejected == []


# ------------------------------------------------------------------------------------------------
# 3. A correction is not undone by a final result delivered after it
# ------------------------------------------------------------------------------------------------
def _result(control: str, when: str, value: str, status: str, reported: str = "") -> list[str]:
    flag = "HH" if float(value) > 5000 else "H"
    return [
        _msh(control, when),
        _pid("990001", "Order^Otto", "M"),
        _obr("SO1", reported),
        _obx(value, status=status, flag=flag),
    ]


ORDERS = {
    # the correction (newer) first, then the result it corrected (older): out of order
    "C 9000 then the older F 900": (
        [("C2", "202603011200", "9000", "C"), ("C1", "202603011000", "900", "F")],
        "9000",
    ),
    "C 900 then the older F 9000": (
        [("D2", "202603011200", "900", "C"), ("D1", "202603011000", "9000", "F")],
        "900",
    ),
    # the original resent under a new control id after the correction, its own MSH-7
    "F, C, F resent under a new id": (
        [
            ("R0", "202603011000", "900", "F"),
            ("R1", "202603011200", "9000", "C"),
            ("R0-RESEND", "202603011000", "900", "F"),
        ],
        "9000",
    ),
    # ... or stamped with the resend's time: the correction still stands
    "F, C, F resent later": (
        [
            ("S0", "202603011000", "900", "F"),
            ("S1", "202603011200", "9000", "C"),
            ("S0-RESEND", "202603011400", "900", "F"),
        ],
        "9000",
    ),
    # two corrections delivered out of order: the newer stands
    "C 9000 (12:00) then C 900 (11:00)": (
        [("E2", "202603011200", "9000", "C"), ("E1", "202603011100", "900", "C")],
        "9000",
    ),
}


@pytest.mark.parametrize("case", list(ORDERS), ids=list(ORDERS))
def test_a_correction_is_not_undone_by_a_result_delivered_after_it(
    tmp_path: Path, case: str
) -> None:
    messages, kept = ORDERS[case]
    path = _file(tmp_path, [_result(*m) for m in messages])
    outcome, _urgent, rejected = _run(path, fail_on=None)
    assert _triaged(outcome) == {"SO1": (kept, kept == "9000")}
    assert {r["reason_code"] for r in rejected} == {"cancelled_result"}
    assert all(r["specimen_id"] == "SO1" for r in rejected)


def test_the_report_time_of_the_order_decides_over_the_message_time(tmp_path: Path) -> None:
    """OBR-22 (results reported): the resend carries the original's report time."""
    messages = [
        _result("T1", "202603011200", "9000", "C", reported="202603011200"),
        _result("T0-RESEND", "202603011500", "900", "C", reported="202603011000"),
    ]
    outcome, _urgent, _rejected = _run(_file(tmp_path, messages), fail_on=None)
    assert _triaged(outcome) == {"SO1": ("9000", True)}


def test_two_final_results_go_by_their_report_time(tmp_path: Path) -> None:
    """A correction sent as F: the newer one is used whatever the file's order, the older one
    listed as possibly urgent (which holds is the lab's to say)."""
    messages = [
        _result("F2", "202603011200", "900", "F"),
        _result("F1", "202603011000", "9000", "F"),
    ]
    outcome, urgent, _rejected = _run(_file(tmp_path, messages))
    assert _triaged(outcome) == {"SO1": ("900", False)}
    assert "not triaged (cancelled_result)" in _listed(urgent, "SO1")


def test_a_correction_after_the_final_result_replaces_it(tmp_path: Path) -> None:
    """Guard: the usual order (F, then its C) keeps the correction."""
    messages = [
        _result("N1", "202603011000", "900", "F"),
        _result("N2", "202603011200", "9000", "C"),
    ]
    outcome, _urgent, _rejected = _run(_file(tmp_path, messages), fail_on=None)
    assert _triaged(outcome) == {"SO1": ("9000", True)}
