"""HL7 v2 result messages in: the format registry, the OBX grid and end-to-end runs.

The messages under tests/data/hl7 follow the standard's example style (ORU^R01) for versions
2.3, 2.4 and 2.5.1; every patient in them is synthetic.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.io import ReadOptions, expand_inputs, read_file
from triage.io.formats import FORMATS, SUPPORTED_EXTENSIONS, choose_format, open_input
from triage.io.sources import Workbook
from triage.schema import REJECT_REASONS, InputFileError

DATA = Path(__file__).parent / "data" / "hl7"
runner = CliRunner()


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], prog_name="prolactin-triage")


def run(path: Path, out: Path) -> tuple[dict, list[dict[str, str]], list[dict[str, str]]]:  # type: ignore[type-arg]
    result = invoke("run", path, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    report = json.loads((out / "results.json").read_text(encoding="utf-8"))
    with (out / "results.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with (out / "rejected.csv").open(encoding="utf-8", newline="") as handle:
        rejected = list(csv.DictReader(handle))
    for entry in report["inputs"]:
        assert entry["rows_read"] == entry["rows_triaged"] + entry["rows_rejected"]
    return report, rows, rejected


def by_patient(report: dict, patient: str) -> dict:  # type: ignore[type-arg]
    found = [r for r in report["results"] if r["patient_id"] == patient]
    assert len(found) == 1, [r["patient_id"] for r in report["results"]]
    return found[0]


def factor_codes(result: dict) -> set[str]:  # type: ignore[type-arg]
    return {f["code"] for f in result["factors"]}


# ------------------------------------------------------------------------------------------------
# The registry
# ------------------------------------------------------------------------------------------------
def test_registry_declares_each_format_once_and_derives_the_extensions() -> None:
    names = [f.NAME for f in FORMATS]
    assert len(names) == len(set(names))
    assert "hl7" in names and names[-1] == "csv"  # delimited text stays the last resort
    assert {".hl7", ".xlsx", ".xls", ".ods", ".csv", ".txt"} <= SUPPORTED_EXTENSIONS
    assert frozenset(s for f in FORMATS for s in f.SUFFIXES) == SUPPORTED_EXTENSIONS


def test_content_decides_an_hl7_file_named_txt_is_hl7() -> None:
    data = (DATA / "oru_v24_mllp.txt").read_bytes()
    chosen = choose_format(data, ".txt")
    assert chosen is not None and chosen.NAME == "hl7"
    assert choose_format(b"id,prolactin\nP1,20\n", ".txt").NAME == "csv"  # type: ignore[union-attr]
    assert choose_format(b"PK\x03\x04rest", ".csv").NAME == "spreadsheet"  # type: ignore[union-attr]


def test_folders_list_hl7_files(tmp_path: Path) -> None:
    shutil.copy(DATA / "oru_v251_batch.hl7", tmp_path / "a.hl7")
    (tmp_path / "notes.doc").write_text("x", encoding="utf-8")
    assert [p.name for p in expand_inputs([tmp_path])] == ["a.hl7"]


def test_open_input_gives_one_row_per_obx_numbered_by_segment() -> None:
    book = open_input(DATA / "oru_v251_batch.hl7", (DATA / "oru_v251_batch.hl7").read_bytes())
    assert isinstance(book, Workbook) and book.kind == "hl7" and book.is_text
    rows = book.load("", None)
    header = rows[0]
    assert header[:3] == ["patient_id", "patient_name", "sex"]
    first = dict(zip(header, rows[1], strict=True))
    assert first["patient_id"] == "SYN1001"
    assert first["patient_name"] == "Testperson, Anna M"
    assert first["birth_date"] == "1990-04-12"
    assert first["collected_at"] == "2026-03-09 08:15:00"
    assert first["specimen_id"] == "FL1001"
    assert first["loinc"] == "15081-3" and first["unit"] == "mIU/L"
    # OBR-13 with \T\ (&), the order's NTE, the result's NTE with \E\ and \F\, the OBX-8 flag
    comments = str(first["comments"])
    assert "Amenorrhoea & galactorrhoea" in comments
    assert "Repeat advised \\ see note|lab" in comments and "OBX-8 flag H" in comments
    assert book.line_numbers[1] == 8  # FHS, BHS, MSH, PID, ORC, OBR, NTE, then the OBX


# ------------------------------------------------------------------------------------------------
# End to end through `run`
# ------------------------------------------------------------------------------------------------
def test_v251_batch_context_correction_and_cancellation(tmp_path: Path) -> None:
    report, rows, rejected = run(DATA / "oru_v251_batch.hl7", tmp_path / "out")
    (entry,) = report["inputs"]
    # the corrected result is a row too: rejected, naming the correction (never lost)
    assert (entry["rows_read"], entry["rows_triaged"], entry["rows_rejected"]) == (8, 5, 3)
    anna = by_patient(report, "SYN1001")
    assert anna["prolactin_raw"] == "850" or float(anna["prolactin_raw"]) == 850
    assert anna["unit_raw"] == "mIU/L"
    assert anna["prolactin_ng_ml"] == pytest.approx(850 / 21.2, rel=1e-3)
    assert "hypothyroidism" in factor_codes(anna)  # the TSH 12 mIU/L of the same message
    bert = by_patient(report, "SYN1002")
    assert float(bert["prolactin_ng_ml"]) == pytest.approx(22.0)  # the correction, not 18
    assert bert["source_row"] == 17
    reasons = {(r["source_row"], r["reason_code"]) for r in rejected}
    assert ("21", "cancelled_result") in reasons  # status X: no value
    assert ("22", "other_test") in reasons  # creatinine without a prolactin result
    (replaced,) = [r for r in rejected if "corrected (OBX-11 C) by segment 17" in r["detail"]]
    assert replaced["reason_code"] == "cancelled_result" and replaced["patient_id"] == "SYN1002"
    assert any("corrected (OBX-11 C) by segment 17" in w for w in entry.get("warnings", [])) or (
        "corrected" in (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    )
    assert len(rows) == 2


def test_read_file_warns_about_the_correction_and_names_the_message() -> None:
    read = read_file(DATA / "oru_v251_batch.hl7")
    warnings = " ".join(read.summary.warnings)
    assert "message 2 (control id MSG0002)" in warnings
    assert "corrected (OBX-11 C) by segment 17" in warnings
    assert "batch headers skipped" in warnings
    assert read.summary.shape == "long"
    cancelled = [
        r for r in read.rejected if r.reason_code == "cancelled_result" and "status X" in r.detail
    ]
    assert cancelled and "message 3 (control id MSG0003)" in cancelled[0].detail
    # whose result was cancelled: rejected.csv names the patient and the specimen
    assert (cancelled[0].patient_id, cancelled[0].specimen_id) == ("SYN1003", "FL1003")
    assert "cancelled_result" in REJECT_REASONS and "malformed_message" in REJECT_REASONS


def test_v24_mllp_framed_txt_with_sn_values_and_local_codes(tmp_path: Path) -> None:
    report, _rows, rejected = run(DATA / "oru_v24_mllp.txt", tmp_path / "out")
    (entry,) = report["inputs"]
    assert (entry["rows_read"], entry["rows_triaged"], entry["rows_rejected"]) == (5, 4, 1)
    dora = by_patient(report, "SYN2001")
    assert dora["qualifier"] == "<" and float(dora["prolactin_ng_ml"]) == pytest.approx(5.0)
    assert dora["unit_raw"] == "ng/mL"
    fay = by_patient(report, "SYN2003")  # local code PRL, preliminary
    assert float(fay["prolactin_ng_ml"]) == pytest.approx(640 / 21.2, rel=1e-3)
    # the message without prolactin: its TSH (local code) has nothing to attach to
    assert [r["reason_code"] for r in rejected] == ["other_test"]
    read = read_file(DATA / "oru_v24_mllp.txt")
    assert any("preliminary" in w and "A24-003" in w for w in read.summary.warnings)


def test_v23_newline_ends_and_own_encoding_characters(tmp_path: Path) -> None:
    report, _rows, _rejected = run(DATA / "oru_v23_newlines.hl7", tmp_path / "out")
    gail = by_patient(report, "SYN3001")  # PID-2 (2.3 external id) and OBR-13 in comments
    assert float(gail["prolactin_ng_ml"]) == pytest.approx(1200 / 21.2, rel=1e-3)
    assert "medication:antipsychotic" in factor_codes(gail)  # "on risperidone" (OBR-13)
    hal = by_patient(report, "SYN3002")  # MSH#$~\&: '#' fields, '$' components
    assert float(hal["prolactin_ng_ml"]) == pytest.approx(9.5)
    read = read_file(DATA / "oru_v23_newlines.hl7")
    rows = read.frame
    assert set(rows["patient_id"]) == {"SYN3001", "SYN3002"}


def test_a_message_without_pid_is_a_rejected_row_naming_it(tmp_path: Path) -> None:
    report, _rows, rejected = run(DATA / "mixed.hl7", tmp_path / "out")
    assert [r["patient_id"] for r in report["results"]] == ["SYN4001"]
    (bad,) = rejected
    assert bad["reason_code"] == "malformed_message" and bad["source_row"] == "7"
    assert bad["detail"].startswith("message 2 (control id MIX-2): no PID segment")


def test_nothing_readable_exits_3_naming_file_and_message(tmp_path: Path) -> None:
    result = invoke("run", DATA / "malformed.hl7", "--out", tmp_path / "out")
    assert result.exit_code == 3
    assert "malformed.hl7" in result.output
    assert "message 1 (control id BAD-1)" in result.output
    with pytest.raises(InputFileError, match=r"message 2 \(control id BAD-2\)"):
        read_file(DATA / "malformed.hl7")


@pytest.mark.parametrize(
    "content",
    [
        b"MSH|^~\\&|A|B|C|D|2026||ORU^R01|Z1|P|2.5\rPID|1||P1||N^M\r",  # no OBX at all
        b"MSH|^~\\&|A|B|C|D|2026||ORU^R01|Z1|P|2.5\rOBX|1|NM|2842-3^PRL^LN||5|ng/mL\r",
        b"MSH|^~\\&|\r\x00\x00garbage\rOBX\r",
        b"\x0bMSH|^~\\&|A|B\x1c\r",
    ],
)
def test_broken_files_are_input_errors_never_crashes(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.hl7"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=r"broken\.hl7"):
        read_file(path, options=ReadOptions())


def test_check_reports_messages_results_and_mapping(tmp_path: Path) -> None:
    result = invoke("check", DATA / "oru_v251_batch.hl7")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "long shape" in out and "3 message(s)" in out and "8 result(s)" in out
    assert "test_code" in out and "loinc" in out
    assert "rows: 8 read = 5 usable + 3 rejected" in out
    assert "cancelled_result" in out


def test_hl7_files_and_spreadsheets_in_one_folder(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DATA / "oru_v251_batch.hl7", folder / "a.hl7")
    (folder / "b.csv").write_text("Patient ID,Sex,Age,Prolactin (ng/mL)\nC1,F,30,12\n")
    report, _rows, _rejected = run(folder, tmp_path / "out")
    assert [i["file"] for i in report["inputs"]] == ["a.hl7", "b.csv"]


def test_readme_names_every_supported_extension() -> None:
    """The help points to README "Input formats": it must name every registered type."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Input formats", 1)[1].split("\n## ", 1)[0]
    missing = [s for s in sorted(SUPPORTED_EXTENSIONS) if s.lstrip(".") not in section]
    assert not missing, missing


def _message(*segments: str) -> bytes:
    head = "MSH|^~\\&|LIS|LAB|EHR|HOSP|20260301090000||ORU^R01|T1|P|2.5"
    return "\r".join([head, *segments]).encode() + b"\r"


def test_a_note_after_a_new_order_is_that_orders_not_the_last_ones(tmp_path: Path) -> None:
    """ORC, NTE 'pregnant 32 weeks', OBR: the note belongs to the second order; it was given
    to the first (a 2025 result judged on the pregnancy interval: a false normal)."""
    path = tmp_path / "orders.hl7"
    path.write_bytes(
        _message(
            "PID|1||ORC1^^^HOSP^MR||SYN^ANNA||19900101|F",
            "ORC|RE|A1",
            "OBR|1|A1|S1|PRL^Prolactin|||20250601083000",
            "OBX|1|NM|2842-3^Prolactin^LN||150|ng/mL|4.8-23.3||||F",
            "ORC|RE|A2",
            "NTE|1|L|Pregnant 32 weeks",
            "OBR|1|A2|S2|PRL^Prolactin|||20260301083000",
            "OBX|1|NM|2842-3^Prolactin^LN||150|ng/mL|4.8-23.3||||F",
        )
    )
    frame = read_file(path, None, ReadOptions()).frame.sort_values("collected_at")
    first, second = (str(c) for c in frame["comments"].fillna("").tolist())
    assert "Pregnant" not in first
    assert "Pregnant 32 weeks" in second


def test_an_empty_first_patient_identifier_takes_the_next_one(tmp_path: Path) -> None:
    path = tmp_path / "pid.hl7"
    path.write_bytes(
        _message(
            "PID|1||~ID7^^^HOSP^MR||SYN^BEA||19850101|F",
            "OBR|1|A1|S1|PRL^Prolactin|||20260301083000",
            "OBX|1|NM|2842-3^Prolactin^LN||20|ng/mL|||||F",
        )
    )
    assert read_file(path, None, ReadOptions()).frame["patient_id"].tolist() == ["ID7"]


def test_a_malformed_escape_logs_no_cell_text(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """python-hl7 logs an undecodable escape with the field's text and a traceback: patient
    data on stderr.  Its logger is silenced; the row is read or rejected with a reason."""
    path = tmp_path / "escape.hl7"
    path.write_bytes(
        _message(
            "PID|1||ID8^^^HOSP^MR||SYN^CLEO||19850101|F",
            "OBR|1|A1|S1|PRL^Prolactin|||20260301083000",
            "OBX|1|NM|2842-3^Prolactin^LN||6000|\\XZZ\\|||||F",
        )
    )
    result = invoke("run", path, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code in (0, 3)
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + result.output
    assert "XZZ" not in captured.err + result.output


def test_a_line_feed_inside_a_carriage_return_message_is_a_space(tmp_path: Path) -> None:
    """A note typed on two lines in a file whose segments end in CR: the second line was read
    as a segment of its own and dropped ("visual field defect" lost: soon instead of urgent)."""
    path = tmp_path / "lf.hl7"
    path.write_bytes(
        _message(
            "PID|1||LF1^^^HOSP^MR||SYN^DORA||19850101|F",
            "OBR|1|A1|S1|PRL^Prolactin|||20260301083000",
            "NTE|1|L|Clinical details:\nvisual field defect, on risperidone",
            "OBX|1|NM|2842-3^Prolactin^LN||80|ng/mL|||||F",
        )
    )
    (comments,) = read_file(path, None, ReadOptions()).frame["comments"].tolist()
    assert "visual field defect" in comments


def _oru(*segments: str) -> str:
    return "\r".join(
        [
            "MSH|^~\\&|LAB|LAB|HIS|HOSP|20260310083000||ORU^R01^ORU_R01|1|P|2.5.1",
            "PID|1||N020^^^HOSP^MR||Jansen^Noor||19880101|F",
            "OBR|1|O1|S20|PRL^Prolactin|||202603090800",
            *segments,
        ]
    )


def _oru_file(tmp_path: Path, *segments: str) -> Path:
    """tmp_path/oru.hl7: one ORU message of patient N020 with ``segments`` after its OBR."""
    path = tmp_path / "oru.hl7"
    path.write_text(_oru(*segments) + "\r", encoding="utf-8")
    return path


@pytest.mark.parametrize("flag", ["H", "N", ""])
def test_a_note_on_another_test_of_the_sample_counts_whatever_the_prolactin_flag(
    tmp_path: Path, flag: str
) -> None:
    """A clinical note under the TSH line of the same sample is the patient's: with the
    prolactin flagged H it was lost (the flag filled the prolactin's notes, and only blank
    notes took the sample's), so a pregnant woman's 60 ng/mL asked for an MRI."""
    path = _oru_file(
        tmp_path,
        f"OBX|1|NM|2842-3^Prolactin^LN||60|ng/mL|4.8-23.3|{flag}|||F",
        "OBX|2|NM|3016-3^TSH^LN||1.2|mIU/L|0.27-4.2|L|||F",
        "NTE|1||Klinische gegevens: zwanger 32 weken",
    )
    report, _, _ = run(path, tmp_path / "out")
    result = by_patient(report, "N020")
    assert "pregnancy" in factor_codes(result) and result["status"] == "normal"
    assert "OBX-8 flag L" not in (result.get("comment") or "")  # the TSH's own flag stays its own


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_a_note_typed_on_several_lines_is_read_whole(tmp_path: Path, end: str) -> None:
    """In a file whose segments end in line feeds, the lines that follow an NTE and start with no
    segment name are its text: "Haloperidol" on the third line was dropped without a word."""
    segments = [
        "MSH|^~\\&|A|B|C|D|20260310||ORU^R01|1|P|2.3",
        "PID|1||Q1||Roe^Ann||19900101|F",
        "OBR|1||S1|PRL|||20260309",
        "OBX|1|NM|PRL^Prolaktin||85|ng/mL|4.8-23.3|H|||F",
        "NTE|1||Bitte Makroprolaktin",
        "bestimmen, Pat. nimmt",
        "Haloperidol",
    ]
    path = tmp_path / "oru.hl7"
    path.write_bytes((end.join(segments) + end).encode("utf-8"))
    report, _, _ = run(path, tmp_path / "out")
    assert "medication:antipsychotic" in factor_codes(by_patient(report, "Q1"))


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize(
    "line", ["MRI: macroadenoma 35 mm", "MRT: Makroadenom 35 mm", "RMN: macroadenoma de 35 mm"]
)
def test_a_note_line_that_starts_like_a_segment_name_is_still_the_note(
    tmp_path: Path, end: str, line: str
) -> None:
    """A segment's name is followed by the field separator: "MRI: macroadenoma 35 mm" on a
    note's second line is its text (it was taken for a segment "MRI" and dropped, losing the
    macroadenoma)."""
    segments = [
        "MSH|^~\\&|A|B|C|D|20260310||ORU^R01|1|P|2.5.1",
        "PID|1||Q2||Roe^Ann||19900101|F",
        "OBR|1||S2|PRL|||20260309",
        "OBX|1|NM|2842-3^Prolaktin^LN||60|ng/mL|4.8-23.3|H|||F",
        "NTE|1|P|Klinik:",
        line,
    ]
    path = tmp_path / "oru.hl7"
    path.write_bytes((end.join(segments) + end).encode("utf-8"))
    report, _, _ = run(path, tmp_path / "out")
    assert "stalk_effect" in factor_codes(by_patient(report, "Q2"))


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("NTE|1|P|Kopfschmerzen & Gesichtsfeldausfall bitemporal", "prolactinoma_suspected"),
        ("NTE|1|P|Amenorrhoe & SS 30. Woche", "pregnancy"),
        (
            "OBR|1||S3|PRL|||20260309||||||Amenorrhoe & Haloperidol 5 mg",
            "medication:antipsychotic",
        ),
    ],
)
def test_an_unescaped_ampersand_in_a_note_keeps_the_rest_of_it(
    tmp_path: Path, note: str, code: str
) -> None:
    """A note's "&" written as such (not \\T\\) is the note's own: it cut off the visual field
    defect, the pregnancy or the drug after it."""
    obr = note if note.startswith("OBR") else "OBR|1||S3|PRL|||20260309"
    segments = [
        "MSH|^~\\&|A|B|C|D|20260310||ORU^R01|1|P|2.5.1",
        "PID|1||Q3||Roe^Ann||19900101|F",
        obr,
        "OBX|1|NM|2842-3^Prolaktin^LN||150|ng/mL|4.8-23.3|H|||F",
        *([] if note.startswith("OBR") else [note]),
    ]
    path = tmp_path / "oru.hl7"
    path.write_bytes(("\r".join(segments) + "\r").encode("utf-8"))
    report, _, _ = run(path, tmp_path / "out")
    assert code in factor_codes(by_patient(report, "Q3"))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # a preliminary result, then its final one
        (
            "OBX|1|NM|2842-3^Prolaktin^LN||300|ng/mL|4.8-23.3|H|||P",
            "OBX|1|NM|2842-3^Prolaktin^LN||30|ng/mL|4.8-23.3|H|||F",
        ),
        # a correction whose collection time carries seconds
        (
            "OBX|1|NM|2842-3^Prolaktin^LN||300|ng/mL|4.8-23.3|H|||F",
            "OBX|1|NM|2842-3^Prolaktin^LN||30|ng/mL|4.8-23.3|H|||C",
        ),
    ],
)
def test_a_later_final_or_corrected_result_replaces_the_earlier_one(
    tmp_path: Path, first: str, second: str
) -> None:
    """A superseded 300 ng/mL raised a false URGENT beside the final or corrected 30."""
    seconds = "C" in second.split("|")[11]
    messages = [
        "MSH|^~\\&|A|B|C|D|20260310||ORU^R01|1|P|2.5.1\rPID|1||Q4||Roe^Ann||19900101|F\r"
        "OBR|1||S4|PRL|||202603090800\r" + first,
        "MSH|^~\\&|A|B|C|D|20260311||ORU^R01|2|P|2.5.1\rPID|1||Q4||Roe^Ann||19900101|F\r"
        f"OBR|1||S4|PRL|||{'20260309080000' if seconds else '202603090800'}\r" + second,
    ]
    path = tmp_path / "oru.hl7"
    path.write_text("\r".join(messages) + "\r", encoding="utf-8")
    _, rows, _ = run(path, tmp_path / "out")
    assert [(r["prolactin_value"], r["priority"]) for r in rows] == [("30", "routine")]


@pytest.mark.parametrize(
    "obx",
    [
        "OBX|2|NM|49051-6^Gestational age in weeks^LN||32|wk||||||F",
        "OBX|2|NM|SSW^Schwangerschaftswoche^99LAB||32|Wo||||||F",
    ],
)
def test_a_gestational_age_result_line_is_the_pregnancy(tmp_path: Path, obx: str) -> None:
    """A gestational age sent as a result of its own is this pregnancy's weeks (it was rejected
    as an unrelated test, and a woman at 32 weeks was sent for an MRI)."""
    path = _oru_file(tmp_path, "OBX|1|NM|2842-3^Prolaktin^LN||150|ng/mL|4.8-23.3|H|||F", obx)
    _, rows, rejected = run(path, tmp_path / "out")
    assert not rejected
    assert "pregnancy" in rows[0]["factors"] and rows[0]["status"] == "normal"


@pytest.mark.parametrize(
    ("field", "unit"), [("27^mIU/L^99LAB", "mIU/L"), ("mIU/L^milli-IU per litre^UCUM", "mIU/L")]
)
def test_a_local_unit_code_gives_way_to_the_units_text(
    tmp_path: Path, field: str, unit: str
) -> None:
    """OBX-6 as a coded element whose identifier is a local code: its text is the unit (the
    row was rejected for a unit '27')."""
    path = _oru_file(tmp_path, f"OBX|1|NM|2842-3^Prolactin^LN||850|{field}|102-496|H|||F")
    _, rows, rejected = run(path, tmp_path / "out")
    assert not rejected
    assert rows[0]["unit_raw"] == unit and rows[0]["status"] == "high"


def test_statements_asked_at_order_entry_are_the_patients(tmp_path: Path) -> None:
    """Pregnancy status (LOINC 82810-3, a SNOMED code) and medication use (10160-0) sent as
    result lines: they were rejected as other tests, and a pregnant woman's 150 ng/mL came out
    a suspected prolactinoma with a pregnancy test advised."""
    path = _oru_file(
        tmp_path,
        "OBX|1|CWE|82810-3^Pregnancy status^LN||77386006^Pregnant^SCT||||||F",
        "OBX|2|ST|10160-0^Medication use^LN||Risperidone 6 mg||||||F",
        "OBX|3|NM|2842-3^Prolactin^LN||150|ng/mL|4.8-23.3|H|||F",
    )
    report, _, rejected = run(path, tmp_path / "out")
    result = by_patient(report, "N020")
    assert not rejected
    assert "pregnancy" in factor_codes(result) and result["status"] == "normal"
    frame = read_file(path, None, ReadOptions()).frame
    assert frame["medications"].tolist() == ["Risperidone 6 mg"]
    assert frame["pregnant"].tolist() == [True]


@pytest.mark.parametrize("end", ["\r", "\n", "\r\n"])
def test_a_message_sent_again_is_triaged_once(tmp_path: Path, end: str) -> None:
    """An interface that resends after a lost acknowledgement sends the same message (the same
    MSH-10 control id and segments) twice: its urgent result was listed, counted and paged
    twice.  The copy's OBX are rejected rows naming the first message; a message that reuses a
    control id with other content is a message of its own."""

    def message(control: str, pid: str, value: int, sent: str = "20260301090000") -> str:
        return end.join(
            [
                f"MSH|^~\\&|LIS|LAB|EHR|HOSP|{sent}||ORU^R01|{control}|P|2.5.1",
                f"PID|1||{pid}^^^HOSP^MR||SYN^{pid}||19900101|F",
                f"OBR|1|O{pid}|S{pid}|PRL^Prolactin|||20260301083000",
                f"OBX|1|NM|2842-3^Prolactin^LN||{value}|ng/mL|4.8-23.3||||F",
                "OBX|2|NM|3016-3^TSH^LN||2.1|mU/L|||||F",
            ]
        )

    messages = [
        message("C1", "P1", 300),
        message("C1", "P1", 300, sent="20260301091500"),  # resent: the header's time may differ
        message("C1", "P1", 300),  # resent, header and all
        message("C1", "P2", 40),  # the same control id reused for another patient
    ]
    path = tmp_path / "resent.hl7"
    path.write_bytes((end.join(messages) + end).encode())
    _, rows, rejected = run(path, tmp_path / "out")
    assert sorted(r["patient_id"] for r in rows) == ["P1", "P2"]
    assert [r["priority"] for r in rows if r["patient_id"] == "P1"] == ["urgent"]
    copies = [r for r in rejected if r["reason_code"] == "duplicate_message"]
    assert len(copies) == 4  # two copies, each with its prolactin and its TSH OBX
    assert {(r["patient_id"], r["specimen_id"]) for r in copies} == {("P1", "SP1")}
    assert all("the same message as message 1 (control id C1)" in r["detail"] for r in copies)
    assert "duplicate_message" in REJECT_REASONS
    assert (tmp_path / "out" / "urgent.txt").read_text().count("URGENT patient") == 1


@pytest.mark.parametrize("born", ["201512", "2015", "20151224", "201512240830+0100"])
def test_a_birth_date_given_to_the_month_or_year_still_gives_the_age(
    tmp_path: Path, born: str
) -> None:
    """PID-7 is an HL7 TS of any precision: "201512" (to the month) was dropped, and a girl of
    ten had her 20 ng/mL judged against the adult interval (normal) instead of the child's."""
    path = tmp_path / "dob.hl7"
    path.write_bytes(
        _message(
            f"PID|1||K1^^^HOSP^MR||SYN^KIM||{born}|F",
            "OBR|1|A1|S1|PRL^Prolactin|||20260301083000",
            "OBX|1|NM|2842-3^Prolactin^LN||20|ng/mL|||||F",
        )
    )
    _, rows, _ = run(path, tmp_path / "out")
    (row,) = rows
    assert 10 <= float(row["age_years"]) < 11
    assert row["status"] == "high"


@pytest.mark.parametrize(
    ("obx3", "note", "factor"),
    [
        ("KOMM^Kommentar^L", "Stillt seit 3 Monaten", "lactation"),
        ("ANAM^Anamnese^L", "Haloperidol 5 mg", "medication:antipsychotic"),
        ("RC^Renseignements cliniques^L", "sous halopéridol", "medication:antipsychotic"),
        ("48767-8^Annotation comment^LN", "breastfeeding, baby 2 months", "lactation"),
        ("22636-5^Relevant history^LN", "known prolactinoma", "known_pituitary_lesion"),
        ("KG^Klinische gegevens^L", "gebruikt haloperidol", "medication:antipsychotic"),
    ],
)
def test_clinical_notes_sent_as_result_lines_are_read(
    tmp_path: Path, obx3: str, note: str, factor: str
) -> None:
    """A LIS that sends the order's clinical information or a comment as an OBX of its own
    ("Kommentar", "Anamnese", "Renseignements cliniques", LOINC 48767-8): it was rejected as
    another test, and the drug or the breastfeeding it named never reached the judgement."""
    path = tmp_path / "notes.hl7"
    path.write_bytes(
        _message(
            "PID|1||N1^^^HOSP^MR||SYN^NORA||19900101|F",
            "OBR|1|A1|S1|PRL^Prolactin|||20260301083000",
            "OBX|1|NM|2842-3^Prolactin^LN||60|ng/mL|4.8-23.3||||F",
            f"OBX|2|TX|{obx3}||{note}||||||F",
        )
    )
    _, rows, rejected = run(path, tmp_path / "out")
    (row,) = rows
    assert factor in row["factors"].split(";")
    assert not [r for r in rejected if r["reason_code"] == "other_test"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # OBX-4 sub-id empty in the preliminary, "1" in the final
        ("OBX|1|NM|2842-3^Prolactin^LN||300|ng/mL|4.8-23.3||||P",
         "OBX|1|NM|2842-3^Prolactin^LN|1|30|ng/mL|4.8-23.3||||F"),
        # a correction that adds the LOINC triplet to the local code
        ("OBX|1|NM|PRL^Prolaktin^L||300|ng/mL|4.8-23.3||||F",
         "OBX|1|NM|PRL^Prolaktin^L^2842-3^Prolactin^LN||30|ng/mL|4.8-23.3||||C"),
    ],
)  # fmt: skip
def test_a_result_replaced_by_its_final_or_correction_is_triaged_once(
    tmp_path: Path, first: str, second: str
) -> None:
    """A preliminary or final 300 ng/mL and the 30 ng/mL that replaces it, written a little
    differently (OBX-4, OBX-3): both were triaged, the replaced one URGENT.  The replaced one is
    a rejected row naming its successor."""
    path = tmp_path / "replaced.hl7"
    path.write_bytes(
        _message(
            "PID|1||R1^^^HOSP^MR||SYN^ROSA||19900101|F",
            "OBR|1|A1|S1|PRL^Prolactin|||20260301083000",
            first,
        )
        + _message(
            "PID|1||R1^^^HOSP^MR||SYN^ROSA||19900101|F",
            "OBR|1|A1|S1|PRL^Prolactin|||20260301083000",
            second,
        )
    )
    _, rows, rejected = run(path, tmp_path / "out")
    assert [r["prolactin_raw"] for r in rows] == ["30"]
    (replaced,) = rejected
    assert replaced["reason_code"] == "cancelled_result" and replaced["source_row"] == "4"
    assert "by segment 8" in replaced["detail"]


def test_an_order_status_stands_for_empty_result_statuses(tmp_path: Path) -> None:
    """v2.3 feeds give the result status in OBR-25 and leave OBX-11 empty: the preliminary
    300 ng/mL was not even named preliminary, and its final 30 did not replace it."""
    path = tmp_path / "obr25.hl7"
    order = "OBR|1|A1|S1|PRL^Prolactin|||20260301083000" + "|" * 18
    path.write_bytes(
        _message(
            "PID|1||R1^^^HOSP^MR||SYN^ROSA||19900101|F",
            order + "P",
            "OBX|1|NM|2842-3^Prolactin^LN||300|ng/mL|4.8-23.3||||",
        )
        + _message(
            "PID|1||R1^^^HOSP^MR||SYN^ROSA||19900101|F",
            order + "F",
            "OBX|1|NM|2842-3^Prolactin^LN||30|ng/mL|4.8-23.3||||",
        )
    )
    _, rows, rejected = run(path, tmp_path / "out")
    assert [r["prolactin_raw"] for r in rows] == ["30"]
    assert [r["reason_code"] for r in rejected] == ["cancelled_result"]


@pytest.mark.parametrize(
    "pid3",
    [
        "X110611629^^^&1.2.276.0.76.4.8&ISO^NH~A01^^^HOSP^MR",  # insurance number first
        "123-45-6789^^^SSA^SS~A01^^^HOSP^PI",
        "~A01^^^HOSP^MR",  # an empty first repetition
        "A01^^^HOSP",  # no type at all
    ],
)
def test_the_patient_id_is_the_record_number_whatever_comes_first(
    tmp_path: Path, pid3: str
) -> None:
    """PID-3 listing an insurance number first gave the patient that id in one message and the
    record number in the next: the TSH of the second was no context of the first (a thyroid
    cause missed) and the history split one patient in two."""
    path = tmp_path / "pid3.hl7"
    path.write_bytes(
        _message(
            f"PID|1||{pid3}||SYN^ANA||19800101|F",
            "OBR|1|A1|S1|PRL^Prolactin|||20260301083000",
            "OBX|1|NM|2842-3^Prolactin^LN||60|ng/mL|4.8-23.3||||F",
        )
        + _message(
            "PID|1||A01^^^HOSP^MR||SYN^ANA||19800101|F",
            "OBR|1|A1|S1|TSH^TSH|||20260301083000",
            "OBX|1|NM|3016-3^TSH^LN||25|mIU/L|0.4-4.0||||F",
        )
    )
    _, rows, _ = run(path, tmp_path / "out")
    (row,) = rows
    assert row["patient_id"] == "A01"
    assert "hypothyroidism" in row["factors"]


# ------------------------------------------------------------------------------------------------
# A qualitative macroprolactin screen (LOINC 72680-2: present / absent) is read as what it says
# ------------------------------------------------------------------------------------------------
def _screen_message(control: str, patient: str, obx2: str) -> str:
    return "\r".join(
        [
            f"MSH|^~\\&|LAB|LAB|HIS|HOSP|20260310083000||ORU^R01^ORU_R01|{control}|P|2.5.1",
            f"PID|1||{patient}^^^HOSP^MR||Test^X||19900101|F",
            f"OBR|1|O{patient}|S{patient}|PRL^Prolaktin|||202603090800",
            "OBX|1|NM|2842-3^Prolaktin^LN||80|ng/mL|4.8-23.3|H|||F",
            obx2,
        ]
    )


@pytest.mark.parametrize(
    ("obx2", "factor", "screen_again"),
    [
        ("OBX|2|ST|72680-2^Macroprolactin^LN||Makroprolaktin nachgewiesen|||A|||F",
         "macroprolactinemia", False),
        ("OBX|2|ST|72680-2^Macroprolactin^LN||Present|||A|||F", "macroprolactinemia", False),
        ("OBX|2|ST|72680-2^Macroprolactin^LN||Not detected|||N|||F", "unexplained", False),
        ("OBX|2|ST|MACRO^Macroprolactine^L||positive|||A|||F", "macroprolactinemia", False),
    ],
)  # fmt: skip
def test_a_qualitative_macroprolactin_screen_is_read(
    tmp_path: Path, obx2: str, factor: str, screen_again: bool
) -> None:
    """Clinical-reference §0b: 72680-2 is macroprolactin present/absent.  Its row was rejected
    as other_test, and the screen already done was asked for again."""
    path = tmp_path / "peg.hl7"
    path.write_text(_screen_message("M1", "P8", obx2) + "\r", encoding="utf-8")
    report, _, rejected = run(path, tmp_path / "out")
    result = by_patient(report, "P8")
    assert next(f["code"] for f in result["factors"]) == factor
    asked = "macroprolactin_screen" in {s["code"] for s in result["suggestions"]}
    assert asked == screen_again
    assert not [r for r in rejected if r["reason_code"] == "other_test"]


def _order_message(control: str, patient: str, *segments: str, sex: str = "F") -> str:
    return "\r".join(
        [
            f"MSH|^~\\&|LAB|LAB|HIS|HOSP|20260310083000||ORU^R01^ORU_R01|{control}|P|2.5.1",
            f"PID|1||{patient}^^^HOSP^MR||Test^X||19900101|{sex}",
            *segments,
        ]
    )


@pytest.mark.parametrize(
    ("clinical", "factor", "priority"),
    [
        ("Kopfschmerz~Gesichtsfeldausfall bitemporal", "prolactinoma_suspected", "urgent"),
        ("Amenorrhoe~Patientin stillt", "lactation", "none"),
    ],
)
def test_every_repetition_of_the_clinical_information_is_read(
    tmp_path: Path, clinical: str, factor: str, priority: str
) -> None:
    """OBR-13 repeats with '~': the visual-field red flag in the second repetition was lost
    (soon instead of urgent), and so was the breastfeeding."""
    obr = f"OBR|1|O1|S1|PRL^Prolaktin|||202603090800||||||{clinical}"
    obx = "OBX|1|NM|2842-3^Prolaktin^LN||150|ng/mL|4.8-23.3|H|||F"
    path = tmp_path / "clin.hl7"
    path.write_text(_order_message("M1", "K1", obr, obx) + "\r", encoding="utf-8")
    report, _, _ = run(path, tmp_path / "out")
    result = by_patient(report, "K1")
    assert next(f["code"] for f in result["factors"]) == factor
    assert result["priority"] == priority


def test_every_repetition_of_a_coded_medication_list_is_read(tmp_path: Path) -> None:
    obr = "OBR|1|O1|S1|PRL^Prolaktin|||202603090800"
    coded = "N02BE01^Paracetamol^ATC~N05AD01^Haloperidol^ATC"
    meds = f"OBX|2|CWE|10160-0^Medication use^LN||{coded}||||||F"
    obx = "OBX|1|NM|2842-3^Prolaktin^LN||60|ng/mL|4.8-23.3|H|||F"
    path = tmp_path / "meds.hl7"
    path.write_text(_order_message("M1", "L1", obr, obx, meds) + "\r", encoding="utf-8")
    report, _, _ = run(path, tmp_path / "out")
    assert "medication:antipsychotic" in factor_codes(by_patient(report, "L1"))


def test_an_hl7_number_is_never_read_by_another_messages_decimal_mark(tmp_path: Path) -> None:
    """NM values write '.' (HL7 v2): "12.500" ng/mL is never 12500 however another message
    writes its text ("25,3"); read with a guessed decimal comma it was an urgent 12500 ng/mL.
    Read alone it is 12.5 or 12500 (a lab system may group thousands in an NM): not triaged
    on a guess but listed with the urgent results; where the file's NM values show their
    '.' (the third message's "0.45") it is 12.5."""
    obr = "OBR|1|O{0}|S{0}|PRL^Prolaktin|||202603090800"
    first = _order_message(
        "A", "DE1", obr.format(1), "OBX|1|ST|2842-3^Prolaktin^LN||25,3|ng/mL|4.8-23.3|H|||F"
    )
    second = _order_message(
        "B", "NM1", obr.format(2), "OBX|1|NM|2842-3^Prolaktin^LN||12.500|ng/mL|4.8-23.3||||F"
    )
    path = tmp_path / "two.hl7"
    path.write_text(first + "\r" + second + "\r", encoding="utf-8")
    report, _, rejected = run(path, tmp_path / "out")
    assert not [r for r in report["results"] if r["patient_id"] == "NM1"]
    assert [r["reason_code"] for r in rejected if r["patient_id"] == "NM1"] == [
        "ambiguous_decimal_mark"
    ]
    assert "NM1" in (tmp_path / "out" / "urgent.txt").read_text(encoding="utf-8")
    assert by_patient(report, "DE1")["prolactin_ng_ml"] == 25.3
    third = _order_message(
        "C", "NM2", obr.format(3), "OBX|1|NM|2842-3^Prolaktin^LN||0.45|ng/mL|4.8-23.3||||F"
    )
    path.write_text(first + "\r" + second + "\r" + third + "\r", encoding="utf-8")
    report, _, _ = run(path, tmp_path / "out3")
    assert by_patient(report, "NM1")["prolactin_ng_ml"] == 12.5
    assert by_patient(report, "DE1")["prolactin_ng_ml"] == 25.3


@pytest.mark.parametrize("framed", [True, False])
def test_a_file_cut_inside_its_last_result_is_no_result(tmp_path: Path, framed: bool) -> None:
    """A copy cut short inside OBX-5 ("6200" -> "62"): read as 62 mIU/L it was a normal result
    (after the advice to give --unit).  The cut segment is rejected, saying so."""
    whole = _order_message(
        "A2",
        "P7",
        "OBR|1|O7|SX7|PRL^Prolaktin|||202603010800",
        "OBX|1|NM|2842-3^Prolaktin^LN||6200|mIU/L|86-324|H|||F",
        sex="M",
    )
    text = ("\x0b" if framed else "") + whole
    path = tmp_path / "cut.hl7"
    path.write_bytes(text[: text.index("6200") + 2].encode())
    result = invoke("run", path, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 3, result.output  # nothing usable
    complete = tmp_path / "whole.hl7"
    complete.write_text(whole, encoding="utf-8")  # no final segment end, but whole: read
    report, _, _ = run(complete, tmp_path / "out2")
    assert by_patient(report, "P7")["priority"] == "urgent"


@pytest.mark.parametrize("end", ["\r", "\r\n", "\n"])
def test_each_message_of_a_file_has_its_own_field_separator(tmp_path: Path, end: str) -> None:
    """A second message written with '#' for fields after a first with '|' (two senders'
    messages in one file): its segments were joined to the first message's last one as a line
    break inside a field, and its result was neither triaged nor rejected."""
    first = [
        "MSH|^~\\&|LAB|LAB|HIS|HOSP|20260310083000||ORU^R01|A1|P|2.5",
        "PID|1||P1^^^HOSP^MR||One^Ann||19800101|F",
        "OBR|1|O1|S1|PRL^Prolactin|||202603090800",
        "OBX|1|NM|2842-3^Prolactin^LN||12|ng/mL|4.8-23.3||||F",
    ]
    second = [
        "MSH#^~\\&#LAB#LAB#HIS#HOSP#20260310083000##ORU^R01#A2#P#2.5",
        "PID#1##P2^^^HOSP^MR##Two^Bea##19800101#F",
        "OBR#1#O2#S2#PRL^Prolactin###202603090800",
        "OBX#1#NM#2842-3^Prolactin^LN##90#ng/mL#4.8-23.3####F",
    ]
    path = tmp_path / "two_senders.hl7"
    path.write_text(end.join(first + second) + end, encoding="utf-8")
    read = read_file(path, None, ReadOptions())
    assert read.frame["patient_id"].tolist() == ["P1", "P2"]
    assert read.frame["prolactin_value"].tolist() == [12.0, 90.0]
    assert read.summary.rows_read == 2
