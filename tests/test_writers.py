"""Machine-readable outputs, atomic writes, formula neutralising, redaction, branding, PDF."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_fixtures import (
    BANDS,
    make_meta,
    make_rejected,
    make_results,
)

import triage.output as output_module
import triage.output.session as session_module
from triage.io.atomic import AtomicFileSet, atomic_write_bytes, ensure_private_dir
from triage.outdir import MANIFEST_NAME
from triage.output import (
    OUTPUT_FILES,
    Branding,
    OutputOptions,
    PdfUnavailableError,
    branding_from_config,
    safety,
    write_outputs,
)
from triage.output import csv as out_csv
from triage.output import json as out_json
from triage.output import rows as out_rows
from triage.output import xlsx as out_xlsx
from triage.output.redact import Redactor
from triage.output.safety import is_formula_like, neutralise_text
from triage.schema import REJECTED_COLUMNS, RESULT_COLUMNS, ConfigError

BASE_FILES = {"summary.html", "patients.html", "results.csv", "results.json", "rejected.csv"}


@pytest.fixture(scope="module")
def batch() -> tuple[pd.DataFrame, list, object]:
    results = make_results(40, seed=3)
    rejected = make_rejected(6)
    return results, rejected, make_meta(results, rejected)


def _write(tmp_path: Path, batch, **options) -> Path:
    results, rejected, meta = batch
    out = tmp_path / "out"
    write_outputs(results, rejected, meta, out, OutputOptions(**options))
    return out


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# ------------------------------------------------------------------------------------------
# Formula neutralising
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        '=HYPERLINK("http://x","y")',
        "+1",
        "-2+3",
        "-5",
        "@SUM(1)",
        "\t=1",
        "\tplain",
        "\r=1",
        "  =1",
        "\u00a0=1",
        "\u3000+1",
        "＝1+1",
        "＋1",
        "－1",
        "＠SUM(1)",
    ],
)
def test_formula_triggers_are_neutralised(text: str) -> None:
    assert is_formula_like(text)
    assert neutralise_text(text) == "'" + text
    assert not is_formula_like(neutralise_text(text))


@pytest.mark.parametrize(
    "text", ["45 H", "<3.0", ">470", "1 234,5", "ng/mL", "risperidone 2 mg", "", "'=already", "a=b"]
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert not is_formula_like(text)
    assert neutralise_text(text) == text


@given(st.text(max_size=30))
def test_neutralised_text_is_never_a_formula(text: str) -> None:
    out = neutralise_text(text)
    assert not is_formula_like(out)
    assert out in (text, "'" + text)


def test_series_and_scalar_agree() -> None:
    values = pd.Series(["=1", "ok", None, " -3", "＋2", "x"], dtype="string")
    out = safety.neutralise_series(values)
    assert out.tolist()[:2] == ["'=1", "ok"]
    assert out.isna().tolist() == [False, False, True, False, False, False]
    for before, after in zip(values.dropna(), out.dropna(), strict=True):
        assert after == neutralise_text(before)


# ------------------------------------------------------------------------------------------
# CSV and JSON
# ------------------------------------------------------------------------------------------
def test_results_csv_columns_and_values(tmp_path: Path, batch) -> None:
    results = batch[0]
    out = _write(tmp_path, batch)
    rows = _read_csv(out / "results.csv")
    header = list(rows[0].keys())
    assert header[: len(RESULT_COLUMNS)] == list(RESULT_COLUMNS)
    assert "factor_details" not in header and "suggestion_details" not in header
    assert "factor_evidence" in header and "patient_name" in header
    assert len(rows) == len(results)
    for row, (_, src) in zip(rows, results.iterrows(), strict=True):
        assert row["source_row"] == str(src["source_row"])
        assert row["collected_at"] == src["collected_at"].strftime("%Y-%m-%dT%H:%M:%S")
        assert float(row["prolactin_ng_ml"]) == pytest.approx(src["prolactin_ng_ml"])
        assert row["factors"] == src["factors"]
        assert "{" not in row["factors"] and "[" not in row["suggestions"]
        if pd.isna(src["reference_high_ng_ml"]):
            assert row["reference_high_ng_ml"] == ""


def test_results_csv_joins_code_lists(tmp_path: Path, batch) -> None:
    results = batch[0].copy()
    results["factors"] = pd.Series(
        [["renal_impairment", "dialysis"]] * len(results), index=results.index, dtype=object
    )
    handle = io.StringIO()
    out_csv.write_results_csv(results, handle)
    handle.seek(0)
    assert next(csv.DictReader(handle))["factors"] == "renal_impairment;dialysis"


def test_results_json_document(tmp_path: Path, batch) -> None:
    results, _rejected, _meta = batch
    out = _write(tmp_path, batch)

    def no_nan(token: str) -> None:
        raise AssertionError(f"JSON holds {token}")

    doc = json.loads((out / "results.json").read_text(encoding="utf-8"), parse_constant=no_nan)
    assert doc["tool"] == {"name": "prolactin-triage", "version": "0.1.0"}
    assert doc["generated_at"] == "2026-03-14T09:30:00"
    assert doc["reference_set"] == "default"
    first_input = doc["inputs"][0]
    for key in ("file", "sha256", "sheet", "rows_read", "rows_triaged", "rows_rejected"):
        assert key in first_input
    assert len(doc["results"]) == len(results)
    assert next(list(r) for r in doc["rejected"]) == list(REJECTED_COLUMNS)
    record = doc["results"][0]
    assert list(record)[: len(RESULT_COLUMNS)] == list(RESULT_COLUMNS)
    with_factor = next(r for r in doc["results"] if r["factors"])
    assert {"code", "label", "strength", "evidence"} <= set(with_factor["factors"][0])
    assert with_factor["factors"][0]["strength"] in ("likely", "possible")
    with_step = next(r for r in doc["results"] if r["suggestions"])
    assert {"code", "label", "reason"} <= set(with_step["suggestions"][0])
    missing_interval = [r for r in doc["results"] if r["reference_high_ng_ml"] is None]
    assert missing_interval, "the fixture has results with no interval: they must be null"
    assert all(r["times_uln"] is None for r in missing_interval)
    assert record["collected_at"].count("T") == 1


def test_json_factors_fall_back_to_codes_when_no_details(batch) -> None:
    results = batch[0].drop(columns=["factor_details", "suggestion_details"])
    records = out_json.results_json_records(results)
    with_factor = next(r for r in records if r["factors"])
    assert with_factor["factors"][0]["code"] == with_factor["factors"][0]["label"]
    assert with_factor["factors"][0]["strength"] is None


def test_rejected_csv(tmp_path: Path, batch) -> None:
    rejected = batch[1]
    out = _write(tmp_path, batch)
    rows = _read_csv(out / "rejected.csv")
    assert list(rows[0]) == list(REJECTED_COLUMNS)
    assert [r["reason_code"] for r in rows] == [r.reason_code for r in rejected]
    assert rows[0]["source_row"] == str(rejected[0].source_row)


def test_missing_contract_column_is_a_bug(batch) -> None:
    with pytest.raises(ValueError, match="priority"):
        out_rows.result_file_columns(batch[0].drop(columns=["priority"]))


# ------------------------------------------------------------------------------------------
# XLSX
# ------------------------------------------------------------------------------------------
def test_xlsx_sheets_header_filter_fills_and_types(tmp_path: Path, batch) -> None:
    results = batch[0]
    out = _write(tmp_path, batch, xlsx=True)
    book = openpyxl.load_workbook(out / "results.xlsx")
    assert book.sheetnames == ["Results", "Rejected", "Inputs", "About"]
    sheet = book["Results"]
    header = [c.value for c in sheet[1]]
    assert header[: len(RESULT_COLUMNS)] == list(RESULT_COLUMNS)
    assert sheet.freeze_panes == "A2"
    assert (
        sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{len(results) + 1}"
    )
    assert sheet.column_dimensions["A"].width > 8
    priority_col = header.index("priority") + 1
    ng_col = header.index("prolactin_ng_ml") + 1
    date_col = header.index("collected_at") + 1
    urgent_rows = [
        r for r in range(2, sheet.max_row + 1) if sheet.cell(r, priority_col).value == "urgent"
    ]
    assert urgent_rows
    fill = sheet.cell(urgent_rows[0], priority_col).fill.fgColor.rgb
    assert fill.endswith(out_xlsx.PRIORITY_FILLS["urgent"])
    assert isinstance(sheet.cell(2, ng_col).value, float)
    assert sheet.cell(2, date_col).is_date
    assert sheet.cell(2, header.index("source_row") + 1).value == results["source_row"].iloc[0]


def test_xlsx_error_codes_and_control_characters_stay_text(tmp_path: Path, batch) -> None:
    results = batch[0].copy()
    results["patient_name"] = pd.Series(
        ["#REF!", "bell\x07char"] * (len(results) // 2), index=results.index, dtype="string"
    )
    handle = io.BytesIO()
    out_xlsx.write_results_xlsx(results, [], [], [("a", "b")], handle)
    sheet = openpyxl.load_workbook(handle)["Results"]
    col = [c.value for c in sheet[1]].index("patient_name") + 1
    assert sheet.cell(2, col).data_type == "s" and sheet.cell(2, col).value == "#REF!"
    assert sheet.cell(3, col).value == "bell\ufffdchar"


# ------------------------------------------------------------------------------------------
# Atomic writes and file modes
# ------------------------------------------------------------------------------------------
def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_outputs_are_private(tmp_path: Path, batch) -> None:
    out = _write(tmp_path, batch, xlsx=True)
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    names = {p.name for p in out.iterdir()}
    assert names == BASE_FILES | {"results.xlsx", MANIFEST_NAME}
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_nested_output_folders_are_created_private(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    ensure_private_dir(target)
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o700
    assert stat.S_IMODE(target.stat().st_mode) == 0o700


def test_existing_folder_mode_is_kept(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o750)
    ensure_private_dir(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750


def test_output_folder_that_is_a_file(tmp_path: Path, batch) -> None:
    results, rejected, meta = batch
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(output_module.OutputError, match="output folder"):
        write_outputs(results, rejected, meta, blocker, OutputOptions())


def test_failure_mid_write_leaves_nothing(tmp_path: Path, batch, monkeypatch) -> None:
    results, rejected, meta = batch

    def half_json(self, header, rejected, handle) -> None:
        handle.write(b'{"results": [')
        raise RuntimeError("disk full")

    monkeypatch.setattr(out_json.ResultsJsonBody, "finish", half_json)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="disk full"):
        write_outputs(results, rejected, meta, out, OutputOptions(xlsx=True))
    assert list(out.iterdir()) == []


def test_failure_keeps_the_previous_run(tmp_path: Path, batch, monkeypatch) -> None:
    results, _rejected, meta = batch
    out = _write(tmp_path, batch)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*args, **kwargs) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(session_module, "write_rejected_csv", broken)
    with pytest.raises(RuntimeError):
        write_outputs(results.head(5), [], meta, out, OutputOptions())
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_failed_rename_restores_the_earlier_files(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "a.txt").write_text("old a")
    (tmp_path / "b.txt").write_text("old b")
    real_replace = Path.replace
    calls = {"n": 0}

    def flaky(self: Path, target):
        if self.name.endswith(".tmp"):
            calls["n"] += 1
            if calls["n"] == 2:
                raise OSError("rename failed")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", flaky)
    with pytest.raises(OSError), AtomicFileSet(tmp_path) as files:
        files.write_text("a.txt", "new a")
        files.write_text("b.txt", "new b")
        files.write_text("c.txt", "new c")
        files.commit()
    assert (tmp_path / "a.txt").read_text() == "old a"
    assert (tmp_path / "b.txt").read_text() == "old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_atomic_set_without_commit_writes_nothing(tmp_path: Path) -> None:
    with AtomicFileSet(tmp_path) as files:
        files.write_text("x.txt", "x")
        assert _leftovers(tmp_path)  # the temporary file exists while the set is open
    assert list(tmp_path.iterdir()) == []


def test_atomic_set_refuses_paths(tmp_path: Path) -> None:
    with AtomicFileSet(tmp_path) as files:
        for bad in ("../x", "a/b", ""):
            with pytest.raises(ValueError):
                files.write_text(bad, "x")
        files.write_text("x", "1")
        with pytest.raises(ValueError, match="already"):
            files.write_text("x", "2")


def test_atomic_write_bytes(tmp_path: Path) -> None:
    target = tmp_path / "one.bin"
    atomic_write_bytes(target, b"abc")
    assert target.read_bytes() == b"abc"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []


def test_stale_outputs_of_an_earlier_run_are_removed(tmp_path: Path, batch) -> None:
    out = _write(tmp_path, batch, xlsx=True)
    assert (out / "results.xlsx").exists()
    results, rejected, meta = batch
    write_outputs(results, rejected, meta, out, OutputOptions())
    assert {p.name for p in out.iterdir()} == BASE_FILES | {MANIFEST_NAME}
    assert set(OUTPUT_FILES) >= BASE_FILES


# ------------------------------------------------------------------------------------------
# Redaction
# ------------------------------------------------------------------------------------------
def test_redaction_reaches_every_output(tmp_path: Path, batch) -> None:
    results = batch[0]
    out = _write(tmp_path, batch, xlsx=True, redact=True, redact_key=b"k" * 32)
    ids = set(results["patient_id"])
    names = set(results["patient_name"])
    for path in out.iterdir():
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            text = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row)
        else:
            text = path.read_text(encoding="utf-8")
        for secret in ids | names:
            assert secret not in text, f"{secret!r} left in {path.name}"
    rows = _read_csv(out / "results.csv")
    assert all(r["patient_id"].startswith("ID-") for r in rows)
    assert {r["patient_name"] for r in rows} >= {"M.É.", "O.S."}


def test_redaction_tokens_are_keyed_and_stable() -> None:
    one = Redactor(b"a" * 32)
    assert one.identifier("P001") == one.identifier(" P001 ")
    assert one.identifier("P001") != one.identifier("P002")
    assert one.identifier("P001") != Redactor(b"b" * 32).identifier("P001")
    assert Redactor.for_run(None).key != Redactor.for_run(None).key
    assert Redactor.initials("García López, Inés") == "G.L.I."
    assert Redactor.initials("") == ""


def test_redaction_scrubs_own_name_in_free_text_only_as_whole_words() -> None:
    frame = make_results(4, seed=1)
    frame["patient_name"] = pd.Series(["Ann Smith"] * 4, dtype="string")
    frame["factor_evidence"] = pd.Series(
        ["comments: 'Ann Smith annual review, lesion 12 mm'"] * 4, dtype="string"
    )
    out = Redactor(b"k").redact_results(frame)
    text = out["factor_evidence"].iloc[0]
    assert "Smith" not in text and "Ann " not in text
    assert "annual" in text and "12 mm" in text


# ------------------------------------------------------------------------------------------
# Branding
# ------------------------------------------------------------------------------------------
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_logo_is_embedded_as_data_uri(tmp_path: Path, batch) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG_1PX)
    branding = Branding("North Lab", "1 Main St\nTown", "lab@example.org", logo)
    out = _write(tmp_path, batch, branding=branding)
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in html
    assert "North Lab" in html and "Town" in html


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"<svg onload='x'/>", "not a PNG"), (b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024), "1 MiB")],
)
def test_bad_logos_are_refused(tmp_path: Path, batch, content: bytes, message: str) -> None:
    logo = tmp_path / "logo.bin"
    logo.write_bytes(content)
    with pytest.raises(ConfigError, match=message):
        _write(tmp_path, batch, branding=Branding(logo_path=logo))
    assert not (tmp_path / "out").exists()


def test_branding_from_config(tmp_path: Path) -> None:
    branding = branding_from_config(
        {"lab_name": "Lab", "logo": "img/logo.png"}, "cfg.toml", base_dir=tmp_path
    )
    assert branding.logo_path == tmp_path / "img" / "logo.png"
    with pytest.raises(ConfigError, match=r"branding\.colour"):
        branding_from_config({"colour": "red"}, "cfg.toml", base_dir=tmp_path)
    with pytest.raises(ConfigError, match="text"):
        branding_from_config({"lab_name": 3}, "cfg.toml", base_dir=tmp_path)


# ------------------------------------------------------------------------------------------
# PDF
# ------------------------------------------------------------------------------------------
def test_pdf_without_weasyprint_is_a_clear_error(tmp_path: Path, batch, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as if not installed
    with pytest.raises(PdfUnavailableError, match=r"prolactin-triage\[pdf\]"):
        _write(tmp_path, batch, pdf=True)
    assert list((tmp_path / "out").iterdir()) == []


def test_pdf_with_weasyprint(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    results = make_results(6, seed=11, patients=3)
    results["priority"] = pd.Series(["urgent"] * 6, dtype="string")
    rejected = make_rejected(1)
    meta = make_meta(results, rejected)
    out = tmp_path / "out"
    write_outputs(results, rejected, meta, out, OutputOptions(pdf=True))
    pdf = (out / "patients.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert stat.S_IMODE((out / "patients.pdf").stat().st_mode) == 0o600


def test_band_thresholds_come_from_meta(tmp_path: Path, batch) -> None:
    results, rejected, meta = batch
    meta.band_thresholds = [("moderate", 77.0)]
    try:
        out = tmp_path / "out"
        write_outputs(results, rejected, meta, out, OutputOptions())
        html = (out / "patients.html").read_text(encoding="utf-8")
        assert "moderate from 77 ng/mL" in html
        assert "very high from" not in html
    finally:
        meta.band_thresholds = list(BANDS)


def test_umask_does_not_widen_modes(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        atomic_write_bytes(tmp_path / "f", b"1")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "f").stat().st_mode) == 0o600


def test_line_breaks_inside_cells_never_split_rows(batch) -> None:
    results = batch[0].head(4).copy()
    results["patient_name"] = pd.Series(["a\rb", "c\nd", "\r", "e\r\nf"], dtype="string")
    handle = io.StringIO(newline="")
    out_csv.write_results_csv(results, handle)
    rows = list(csv.DictReader(io.StringIO(handle.getvalue(), newline="")))
    assert len(rows) == 4
    assert [r["patient_name"] for r in rows] == ["a\rb", "c\nd", "'\r", "e\r\nf"]


def test_json_lines_match_records(batch) -> None:
    results = batch[0].copy()
    results.loc[results.index[0], "age_years"] = float("nan")
    results.loc[results.index[1], "patient_name"] = pd.NA
    lines = out_json.results_json_lines(results)
    assert [json.loads(line) for line in lines] == out_json.results_json_records(results)


def test_results_json_written_in_chunks_is_the_same_file(batch) -> None:
    """results.json is encoded a chunk of results at a time (bounded memory): the file must not
    depend on where the chunks fall (an empty batch, one chunk, a chunk per 3 results)."""
    results, rejected, _ = batch
    header = {"tool": {"name": "prolactin-triage"}}

    def written(frame: pd.DataFrame) -> str:
        buffer = io.StringIO()
        out_json.write_results_json(frame, rejected, header, buffer)
        return buffer.getvalue()

    def chunked(frame: pd.DataFrame, size: int) -> str:
        body = out_json.ResultsJsonBody(io.BytesIO())
        for start in range(0, len(frame), size):
            body.add(frame.iloc[start : start + size])
        target = io.BytesIO()
        body.finish(header, rejected, target)
        return target.getvalue().decode("utf-8")

    whole = written(results)
    assert len(results) > 6  # several chunks
    assert chunked(results, 3) == whole
    assert chunked(results, len(results)) == whole
    assert json.loads(whole)["results"] == out_json.results_json_records(results)
    assert json.loads(written(results.iloc[0:0]))["results"] == []


def test_the_fast_json_encoder_writes_the_same_values(batch) -> None:
    """results.json goes through orjson: every result must hold the same values as with the
    standard library's encoder (NaN as null, dates as text, details as objects)."""
    results = batch[0].copy()
    results.loc[results.index[0], "age_years"] = float("nan")
    fast = [json.loads(line) for line in out_json._orjson_lines(results)]
    plain = [json.loads(line) for line in out_json.results_json_lines(results)]
    assert fast == plain


def test_results_csv_formats_floats_as_pandas_would(batch) -> None:
    """Floats are formatted once per distinct value (speed): the text must be what pandas' own
    writer gives with the same format, missing values empty."""
    results = batch[0].copy()
    results.loc[results.index[0], "age_years"] = float("nan")
    results.loc[results.index[1], "prolactin_value"] = 1234567.891234
    results.loc[results.index[2], "prolactin_value"] = 0.000123456789
    buffer = io.StringIO()
    out_csv.write_results_csv(results, buffer)
    expected = io.StringIO()
    out_csv.results_csv_frame(results).to_csv(
        expected,
        index=False,
        float_format=out_csv.CSV_FLOAT_FORMAT,
        lineterminator=out_csv.CSV_LINE_END,
    )
    assert buffer.getvalue() == expected.getvalue()
