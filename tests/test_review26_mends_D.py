"""Review 26 B, findings 1 and 2: a line that is no continuation is never glued to a segment.

fix198 joins a line that starts with no segment name to the segment before it (a segment
wrapped by an interface or a transfer) and rejects its message.  That must not catch:

1. a message header with a byte-order mark, MLLP bytes or other invisible or control
   characters before it (messages concatenated from per-message files): a segment;
2. a line of separator punctuation ("----", "=====", "***", "#####", "____") or of control
   characters only (a DOS end-of-file Ctrl-Z) between or after messages: no segment, skipped
   with a file warning, its neighbours triaged as before (the 5,200 mIU/L result urgent).

A real wrapped segment (digits or field text after an OBX, PID or OBR) is still rejected.
Order notes in several languages ride along (a note is no place to glue a line).
Synthetic patients only.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from triage.pipeline import TriageOutcome, TriageRequest, run_triage

PRL = "2842-3^Prolactin^LN"

NOTES = {
    "en": "NTE|1||Patient on no medication",
    "de": "NTE|1||Patientin nimmt keine Medikamente",
    "es": "NTE|1||Paciente sin medicación",
    "fr": "NTE|1||Patiente sans traitement",
    "it": "NTE|1||Paziente senza terapia",
}


def _message(n: int, value: str, note: str) -> list[str]:
    flag = "HH" if float(value) > 5000 else "N"
    return [
        f"MSH|^~\\&|LIS|LAB|EHR|HOSP|202603011000||ORU^R01|A{n}|P|2.5.1",
        f"PID|1||70000{n}^^^HOSP^MR||Syn^Thea||19800101|F",
        f"OBR|1||S{n}|{PRL}|||202603010830",
        note,  # an order note: the result is the message's last segment
        f"OBX|1|NM|{PRL}||{value}|mIU/L|102-496|{flag}|||F|||202603010830",
    ]


VALUES = ["300", "5200", "250"]
# each note language with one of the segment ends
LANG_ENDS = [("en", "\r\n"), ("de", "\n"), ("es", "\r"), ("fr", "\r\n"), ("it", "\n")]
LANG_IDS = ["en-CRLF", "de-LF", "es-CR", "fr-CRLF", "it-LF"]


def _run(path: Path) -> tuple[TriageOutcome, str, list[dict[str, str]]]:
    out = path.parent / "out"
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=out, keep_results=True))
    with (out / "rejected.csv").open(encoding="utf-8") as handle:
        rejected = list(csv.DictReader(handle))
    return outcome, (out / "urgent.txt").read_text("utf-8"), rejected


def _triaged(outcome: TriageOutcome) -> dict[str, str]:
    assert outcome.results is not None
    return {str(row["specimen_id"]): str(row["priority"]) for _, row in outcome.results.iterrows()}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "batch.hl7"
    path.write_bytes(text.encode("utf-8"))
    return path


def _all_read(outcome: TriageOutcome, urgent: str, rejected: list[dict[str, str]]) -> None:
    assert rejected == []
    triaged = _triaged(outcome)
    assert set(triaged) == {"S1", "S2", "S3"}
    assert triaged["S2"] == "urgent"
    assert "specimen S2" in urgent and "not triaged" not in urgent


# ------------------------------------------------------------------------------------------------
# 1. invisible or control characters before a segment name
# ------------------------------------------------------------------------------------------------
PREFIXES = {
    "BOM": "\ufeff",
    "MLLP start": "\x0b",
    "zero-width space": "\u200b",
    "BOM and MLLP": "\ufeff\x0b",
    "form feed": "\x0c",
}


@pytest.mark.parametrize(("lang", "end"), LANG_ENDS, ids=LANG_IDS)
@pytest.mark.parametrize("prefix", list(PREFIXES.values()), ids=list(PREFIXES))
def test_a_message_header_after_invisible_characters_is_a_segment(
    tmp_path: Path, prefix: str, lang: str, end: str
) -> None:
    text = "".join(
        prefix + end.join(_message(n, value, NOTES[lang])) + end
        for n, value in enumerate(VALUES, start=1)
    )
    outcome, urgent, rejected = _run(_write(tmp_path, text))
    _all_read(outcome, urgent, rejected)


# ------------------------------------------------------------------------------------------------
# 2. separator and trailer lines between or after messages
# ------------------------------------------------------------------------------------------------
SEPARATORS = {
    "dashes": "----",
    "equals": "=====",
    "stars": "***",
    "hashes": "#####",
    "underscores": "______",
    "Ctrl-Z": "\x1a",
    "control bytes": "\x1a\x1a\x00",
}


@pytest.mark.parametrize(("lang", "end"), LANG_ENDS, ids=LANG_IDS)
@pytest.mark.parametrize("line", list(SEPARATORS.values()), ids=list(SEPARATORS))
def test_a_separator_line_between_messages_is_skipped_with_a_warning(
    tmp_path: Path, line: str, lang: str, end: str
) -> None:
    messages = [end.join(_message(n, v, NOTES[lang])) for n, v in enumerate(VALUES, start=1)]
    text = (end + line + end).join(messages) + end + line + end
    outcome, urgent, rejected = _run(_write(tmp_path, text))
    _all_read(outcome, urgent, rejected)
    warnings = outcome.inputs[0].warnings
    assert any("no HL7 segment, skipped" in w for w in warnings), warnings


@pytest.mark.parametrize("lang", list(NOTES))
@pytest.mark.parametrize("end", ["\r\n", "\n"], ids=["CRLF", "LF"])
def test_a_dos_end_of_file_mark_after_the_last_line_is_no_segment(
    tmp_path: Path, lang: str, end: str
) -> None:
    text = "".join(
        end.join(_message(n, value, NOTES[lang])) + end for n, value in enumerate(VALUES, start=1)
    )
    outcome, urgent, rejected = _run(_write(tmp_path, text + "\x1a"))
    _all_read(outcome, urgent, rejected)


# ------------------------------------------------------------------------------------------------
# guard: a real wrapped segment is still rejected, and its result listed as possibly urgent
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", list(NOTES))
@pytest.mark.parametrize("prefix", ["", "\ufeff"], ids=["plain", "BOM"])
def test_a_wrapped_result_is_still_rejected(tmp_path: Path, lang: str, prefix: str) -> None:
    wrapped = [
        "MSH|^~\\&|LIS|LAB|EHR|HOSP|202603011000||ORU^R01|W9|P|2.5.1",
        "PID|1||700009^^^HOSP^MR||Syn^Thea||19800101|F",
        "OBR|1||S9|" + PRL + "|||202603010830",
        NOTES[lang],
        f"OBX|1|NM|{PRL}||62",
        "00|mIU/L|102-496|HH|||F|||202603010830",
    ]
    text = "".join(
        prefix + "\r\n".join(message) + "\r\n"
        for message in [_message(1, "300", NOTES[lang]), wrapped]
    )
    outcome, urgent, rejected = _run(_write(tmp_path, text))
    assert set(_triaged(outcome)) == {"S1"}
    (row,) = rejected
    assert row["reason_code"] == "malformed_message" and row["specimen_id"] == "S9"
    assert "no HL7 segment" in row["detail"]
    assert "specimen S9" in urgent and "not triaged (malformed_message)" in urgent
