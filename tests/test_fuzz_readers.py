"""Fuzzing the input readers: malformed csv, xlsx and ods bytes either read (every row accounted
for) or raise InputFileError — never another exception, never a hang, never unbounded memory."""

from __future__ import annotations

import io
import resource
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from pipeline_helpers import deadline

from triage.io import ReadOptions, read_file
from triage.schema import InputFileError

SAMPLES = Path(__file__).parent / "data" / "samples"
EXAMPLE_SECONDS = 20  # one example taking longer is a hang
MEMORY_GROWTH_KB = 1024 * 1024  # ru_maxrss is in KiB on Linux
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
OPTIONS = ReadOptions(unit="ng/mL")

CSV_EXPORT = (
    "Prolactin audit\n"
    "Patient ID,Name,Sex,Age,Collected,Prolactin (ng/mL),Comment\n"
    "P1,Anna Muster,F,34,2026-11-01 08:10,25,\n"
    'P2,Bea Muster,F,41,2026-11-02 09:00,31.5,"headache,\nvisual field loss"\n'
    "P3,Cara Muster,M,55,2026-11-03 10:30,<2,\n"
    "P4,Dora Muster,F,29,2026-11-04 11:45,180,on risperidone\n"
    "End of report (4 results)\n"
)
NOISE = ['"', ",", ";", "\t", "|", "\n", "\r", "\x00", "x", "\ufeff", "é", '""', "sep=;\n"]


def _maxrss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


START_RSS = _maxrss_kb()


def _read_or_refuse(path: Path, data: bytes) -> None:
    """The one property: a FileRead whose counts add up, or InputFileError."""
    path.write_bytes(data)
    with deadline(EXAMPLE_SECONDS):
        try:
            read = read_file(path, options=OPTIONS)
        except InputFileError as exc:
            assert str(exc)  # printable
            str(exc).encode("utf-8")
            return
    s = read.summary
    assert s.rows_read == s.rows_triaged + s.rows_rejected
    assert len(read.frame) <= s.rows_triaged
    assert _maxrss_kb() - START_RSS < MEMORY_GROWTH_KB


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def xlsx_bytes(workdir: Path) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Results"
    sheet.append(["Prolactin audit"])
    sheet.append(["Patient ID", "Name", "Sex", "Age", "Prolactin (ng/mL)", "Comment"])
    sheet.append(["P1", "Anna Muster", "F", 34, 25, None])
    sheet.append(["P2", "Bea Muster", "F", 41, 31.5, "headache"])
    sheet.append(["P3", "Cara Muster", "M", 55, "<2", None])
    path = workdir / "base.xlsx"
    book.save(path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def ods_bytes() -> bytes:
    return (SAMPLES / "clinic_list.ods").read_bytes()


# ------------------------------------------------------------------------------------------------
# csv
# ------------------------------------------------------------------------------------------------
@FUZZ
@given(data=st.binary(max_size=3000))
def test_random_bytes_as_csv(workdir: Path, data: bytes) -> None:
    _read_or_refuse(workdir / "random.csv", data)


@st.composite
def mutated_export(draw: st.DrawFn) -> bytes:
    text = CSV_EXPORT
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.integers(0, 3))
        if kind == 0:
            text = text[:at] + draw(st.sampled_from(NOISE)) + text[at:]
        elif kind == 1:
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif kind == 2:
            text = text[:at] + "y" * draw(st.sampled_from([100, 33_000, 140_000])) + text[at:]
        else:
            text = text[:at] + "," * draw(st.integers(1, 1200)) + text[at:]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return text.encode(encoding, errors="replace")


@FUZZ
@given(data=mutated_export())
def test_mutated_csv_exports(workdir: Path, data: bytes) -> None:
    _read_or_refuse(workdir / "mutated.csv", data)


# ------------------------------------------------------------------------------------------------
# xlsx and ods: flipped bytes, and zips with tampered members
# ------------------------------------------------------------------------------------------------
@st.composite
def flipped(draw: st.DrawFn, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 12))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


SHEET_NOISE = [
    b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>',
    b'<c r="XFD3"><v>1</v></c>',
    b"<row><c><v>1</v></c></row>" * 50,
    b'<row r="0">',
    b"</sheetData>",
    b'<c r="A1" t="s"><v>99999</v></c>',
    b'<table:table-row table:number-rows-repeated="900000"><table:table-cell '
    b'office:value-type="float" office:value="1"/></table:table-row>',
    b'<table:table-cell office:value-type="string" table:number-columns-repeated="20000">'
    b"<text:p>x</text:p></table:table-cell>",
    b'<table:table-row table:number-rows-repeated="1048553"><table:table-cell '
    b'table:number-columns-repeated="1024"/></table:table-row>',
    b"&#0;",
    b"\x00\xff",
    b"<",
]


@st.composite
def tampered_zip(draw: st.DrawFn, base: bytes) -> bytes:
    """The workbook rezipped with one member's XML mutated (inserted snippets, truncation), a
    member dropped, or an extra member."""
    source = zipfile.ZipFile(io.BytesIO(base))
    members = source.infolist()
    target = draw(st.sampled_from(members)).filename
    action = draw(st.sampled_from(["insert", "truncate", "drop", "extra"]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        for member in members:
            data = source.read(member.filename)
            if member.filename == target:
                if action == "drop":
                    continue
                if action == "insert":
                    for _ in range(draw(st.integers(1, 3))):
                        at = draw(st.integers(0, len(data)))
                        data = data[:at] + draw(st.sampled_from(SHEET_NOISE)) + data[at:]
                elif action == "truncate":
                    data = data[: draw(st.integers(0, len(data)))]
            zipped.writestr(member.filename, data)
        if action == "extra":
            zipped.writestr("xl/worksheets/sheet9.xml", draw(st.sampled_from(SHEET_NOISE)))
    return out.getvalue()


def _sheet_members(base: bytes) -> list[str]:
    names = zipfile.ZipFile(io.BytesIO(base)).namelist()
    return [n for n in names if n.endswith(".xml") and ("worksheets" in n or n == "content.xml")]


@st.composite
def tampered_sheet(draw: st.DrawFn, base: bytes) -> bytes:
    """Snippets inserted into the sheet XML itself (the most interesting member)."""
    source = zipfile.ZipFile(io.BytesIO(base))
    (target,) = _sheet_members(base)[:1]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == target:
                for _ in range(draw(st.integers(1, 3))):
                    at = draw(st.integers(0, len(data)))
                    data = data[:at] + draw(st.sampled_from(SHEET_NOISE)) + data[at:]
            zipped.writestr(member.filename, data)
    return out.getvalue()


@FUZZ
@given(st.data())
def test_flipped_xlsx_bytes(workdir: Path, xlsx_bytes: bytes, data: st.DataObject) -> None:
    _read_or_refuse(workdir / "flipped.xlsx", data.draw(flipped(xlsx_bytes)))


@FUZZ
@given(st.data())
def test_tampered_xlsx_zip(workdir: Path, xlsx_bytes: bytes, data: st.DataObject) -> None:
    strategy = st.one_of(tampered_zip(xlsx_bytes), tampered_sheet(xlsx_bytes))
    _read_or_refuse(workdir / "tampered.xlsx", data.draw(strategy))


@FUZZ
@given(st.data())
def test_flipped_ods_bytes(workdir: Path, ods_bytes: bytes, data: st.DataObject) -> None:
    _read_or_refuse(workdir / "flipped.ods", data.draw(flipped(ods_bytes)))


@FUZZ
@given(st.data())
def test_tampered_ods_zip(workdir: Path, ods_bytes: bytes, data: st.DataObject) -> None:
    strategy = st.one_of(tampered_zip(ods_bytes), tampered_sheet(ods_bytes))
    _read_or_refuse(workdir / "tampered.ods", data.draw(strategy))


def test_memory_stayed_bounded() -> None:
    """Across the whole fuzz run (this test runs last in the module)."""
    growth = _maxrss_kb() - START_RSS
    assert growth < MEMORY_GROWTH_KB, f"peak memory grew by {growth / 1024:.0f} MiB"
    assert sys.platform != "win32" or growth >= 0
