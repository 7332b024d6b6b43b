"""Lines of delimited exports and header cells as a spreadsheet shows them (review 16, fix75).
Synthetic patients only.

- Trailing empty fields: Excel leaves the delimiters of empty trailing cells off some rows
  ("R3;F;41;95;ng/mL" under six columns) and other tools add more ("R4;F;41;45;ng/mL;;;").
  Such a line is read with those fields empty, comma, semicolon or tab; a line whose values
  may have shifted (a stray delimiter in a cell, a lost result column) is still rejected with
  its row (README: "Broken lines ... are rejected rows").
- A word hyphenated over a line break in a header cell (Alt+Enter: "Ge-<new line>schlecht",
  "Prolac-<new line>tine") is one word for every reader; a compound's hyphen ("Pat-Nr") stays.
- A line break written unquoted inside a cell is joined into its record, but a spreadsheet shows
  its second line as a row of its own: the rows below keep the number a person sees (contract
  §5 ``source_row``), and the joined line is listed (not_a_result_row), so that rows_read =
  rows_triaged + rows_rejected counts every line.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from triage.columns import header_text, recognise_columns, recognised_headers
from triage.io import FileRead, ReadOptions, read_file
from triage.pipeline import TriageRequest, run_triage


def _read(path: Path) -> FileRead:
    return read_file(path, None, ReadOptions())


def _write(tmp_path: Path, name: str, lines: list[str], ending: str = "\n") -> Path:
    path = tmp_path / name
    path.write_bytes((ending.join(lines) + ending).encode("utf-8"))
    return path


def _rejected(read: FileRead) -> list[tuple[int, str]]:
    return [(r.source_row, r.reason_code) for r in read.rejected]


def _accounted(read: FileRead) -> None:
    assert read.summary.rows_read == len(read.frame) + len(read.rejected)


# -- 1. trailing empty fields left out or added ---------------------------------------------------

HEADER = ["Patient ID", "Sex", "Age", "Prolactin", "Unit", "Comments"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_lines_missing_or_adding_trailing_empty_fields_are_read(
    tmp_path: Path, delimiter: str
) -> None:
    d = delimiter
    lines = [
        d.join(HEADER),
        d.join(["R1", "F", "30", "25", "ng/mL"]),  # its empty comment left out
        d.join(["R2", "M", "50", "310", "ng/mL", "headache"]),
        d.join(["R3", "F", "41", "95", "ng/mL"]),
        d.join(["R4", "F", "41", "45", "ng/mL", "", "", ""]),  # two empty fields too many
        d.join(["R5", "M", "44", "12", "ng/mL", ""]),
    ]
    read = _read(_write(tmp_path, "ragged.csv", lines))
    _accounted(read)
    assert read.rejected == []
    frame = read.frame.set_index("patient_id")
    assert frame.loc["R3", "prolactin_value"] == 95.0  # the raised result is triaged
    assert frame.loc["R4", "prolactin_value"] == 45.0
    assert frame["source_row"].tolist() == [2, 3, 4, 5, 6]
    assert any("read with those fields empty" in w for w in read.summary.warnings)


def test_a_stray_delimiter_followed_by_empty_fields_is_still_rejected(tmp_path: Path) -> None:
    """'Dogmatil 50 mg; Pille' splits the medication cell: with the eGFR and note empty, the
    extra fields are empty too, yet " Pille" lands under TSH and the TSH under eGFR."""
    header = "Pat-Nr;Geschlecht;Alter;Prolaktin;Einheit;Medikation;TSH (mU/l);eGFR;Bemerkung"
    lines = [header] + [f"G{i};W;40;1{i},5;µg/l;;1,{i};9{i};ok" for i in range(1, 6)]
    lines.append("G9;W;40;19,5;µg/l;Dogmatil 50 mg; Pille;1,5;;")
    read = _read(_write(tmp_path, "labor.csv", lines))
    _accounted(read)
    assert _rejected(read) == [(7, "malformed_line")]
    assert "G9" not in set(read.frame["patient_id"])
    assert read.rejected[0].patient_id == "G9"


def test_lines_that_lost_a_filled_column_or_gained_a_field_are_still_rejected(
    tmp_path: Path,
) -> None:
    lines = [
        "patient_id,sex,age,prolactin",
        "P1,F,30,25",
        "P3,F",  # age and result gone: every other line fills them
        "P4,F,33,50,,",  # its last column filled, then extra fields: a stray delimiter?
        "P5,F,34,60",
        "P6,M,35,15",
    ]
    read = read_file(_write(tmp_path, "fields.csv", lines), None, ReadOptions(unit="ng/mL"))
    _accounted(read)
    assert _rejected(read) == [(3, "malformed_line"), (4, "malformed_line")]
    assert read.frame["patient_id"].tolist() == ["P1", "P5", "P6"]


def test_a_short_line_whose_values_would_sit_under_the_wrong_columns_is_rejected(
    tmp_path: Path,
) -> None:
    """A missing delimiter ("M 40" for "M;40") moves the result under Age: not read in place."""
    lines = [
        "Patient ID;Sex;Age;Prolactin;Unit;Comments",
        "P1;F;30;25;ng/mL;ok",
        "P2;M 40;7400;mIU/L",
        "P3;F;30;12;ng/mL;",
    ]
    read = _read(_write(tmp_path, "shift.csv", lines))
    _accounted(read)
    assert _rejected(read) == [(3, "malformed_line")]
    assert read.rejected[0].possibly_urgent


# -- 2. a word hyphenated over a line break in a header cell -------------------------------------

# per language: headers (id, sex, age, prolactin, medications) broken with Alt+Enter, the row's
# sex code, its drug, and the header each field must be shown under
HYPHENATED = {
    "de": (["Pat-Nr", "Ge-\nschlecht", "Alter", "Pro-\nlaktin\n(mU/l)", "Medika-\ntion"], "w",
           "Risperidon", "Geschlecht", "Prolaktin (mU/l)"),
    "fr": (["N° pa-\ntient", "Se-\nxe", "Âge", "Prolac-\ntine (mUI/l)", "Trai-\ntement"], "F",
           "rispéridone", "Sexe", "Prolactine (mUI/l)"),
    "en": (["Patient ID", "Gen-\nder", "Age", "Pro-\nlactin\n(mIU/L)", "Medi-\ncations"], "F",
           "risperidone", "Gender", "Prolactin (mIU/L)"),
    "nl": (["Patiënt-\nnummer", "Ge-\nslacht", "Leeftijd", "Prolac-\ntine (mIU/l)",
            "Medi-\ncatie"], "V", "risperidon", "Geslacht", "Prolactine (mIU/l)"),
    "es": (["ID pa-\nciente", "Se-\nxo", "Edad", "Prolac-\ntina (mUI/L)", "Medica-\nción"], "F",
           "risperidona", "Sexo", "Prolactina (mUI/L)"),
    "it": (["ID pa-\nziente", "Ses-\nso", "Età", "Prolat-\ntina (mUI/L)", "Far-\nmaci"], "F",
           "risperidone", "Sesso", "Prolattina (mUI/L)"),
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(HYPHENATED))
def test_a_header_word_broken_with_a_hyphen_is_one_word(tmp_path: Path, language: str) -> None:
    headers, sex, drug, sex_header, prolactin_header = HYPHENATED[language]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    sheet.append(["H1", sex, 34, 480, drug])
    sheet.append(["H2", sex, 41, 300, ""])
    path = tmp_path / f"hy_{language}.xlsx"
    book.save(path)
    read = _read(path)
    mapping = read.summary.mapping
    assert mapping["sex"] == sex_header and mapping["prolactin"] == prolactin_header
    assert "medications" in mapping and not read.summary.unmapped_headers
    first = read.frame.set_index("patient_id").loc["H1"]
    assert first["sex"] == "F"  # 480 mIU/L is judged against the women's interval
    assert drug.casefold() in str(first["medications"]).casefold()


def test_a_hyphenated_header_in_a_quoted_csv_cell_names_the_prolactin_column(
    tmp_path: Path,
) -> None:
    lines = ['"Pat-Nr";"Ge-\nschlecht";"Alter";"Pro-\nlaktin (ng/ml)";"Medika-\nmente"']
    lines.append("H1;m;60;35;Risperdal")
    read = _read(_write(tmp_path, "hy.csv", lines))
    assert read.summary.mapping["prolactin"] == "Prolaktin (ng/ml)"
    assert read.summary.mapping["patient_id"] == "Pat-Nr"
    assert read.frame["sex"].tolist() == ["M"]


def test_a_compound_hyphen_at_a_line_break_stays() -> None:
    assert header_text("Pat-\nNr") == "Pat-Nr"
    assert header_text("Anti-\nD") == "Anti-D"
    assert header_text("Entnahme-\r\nDatum") == "Entnahme-Datum"
    assert header_text("Ge-\nschlecht") == "Geschlecht"
    assert header_text("Prolaktin\n(mU/l)") == "Prolaktin (mU/l)"
    assert header_text("Pat-Nr") == "Pat-Nr"


def test_a_mapping_file_naming_the_header_as_written_still_finds_it() -> None:
    headers = ["Pat-Nr", "Ge-\nschlecht", "Wert"]
    for written in ("Ge-\nschlecht", "Ge- schlecht", "Geschlecht"):
        match = recognise_columns(headers, {"sex": written, "prolactin": "Wert"})
        assert match.fields["sex"] == 1


def test_the_columns_message_never_names_as_found_what_was_not_taken() -> None:
    headers = ["Pat-Nr", "Pro-\nlaktin", "Einheit"]
    said = recognised_headers(headers, taken={"patient_id": 0, "prolactin_unit": 2})
    assert "B 'Prolaktin' (prolactin, not used)" in said
    assert "A 'Pat-Nr' (patient_id)" in said
    assert "\\n" not in said


# -- 3. row numbers after a line break written unquoted inside a cell ----------------------------


@pytest.mark.parametrize(
    ("delimiter", "ending"), [(";", "\r\n"), (",", "\n"), ("\t", "\n"), ("|", "\r\n")]
)
def test_rows_below_an_unquoted_line_break_keep_the_row_a_person_sees(
    tmp_path: Path, delimiter: str, ending: str
) -> None:
    d = delimiter
    lines = [
        d.join(["Pat-Nr", "Geschlecht", "Alter", "Prolaktin", "Einheit", "Klinische Angaben"]),
        d.join(["C1", "w", "30", "35", "ng/ml", "Kopfschmerzen und"]),
        "Gesichtsfeldausfall seit 1 Woche",  # line 3: the note went on
        d.join(["C2", "m", "50", "12", "ng/ml", ""]),
        d.join(["C3", "m", "50", "abc", "ng/ml", ""]),
        d.join(["C4", "w", "30", "300", "ng/ml", ""]),
    ]
    read = _read(_write(tmp_path, "wrap.csv", lines, ending))
    _accounted(read)
    assert read.summary.rows_read == 5  # every line below the header
    frame = read.frame.set_index("patient_id")
    assert frame["source_row"].to_dict() == {"C1": 2, "C2": 4, "C4": 6}
    assert "Gesichtsfeldausfall" in frame.loc["C1", "comments"]
    assert [(r.source_row, r.reason_code, r.patient_id) for r in read.rejected] == [
        (3, "not_a_result_row", "C1"),
        (5, "unparseable_result", "C3"),
    ]


def test_rows_below_a_bare_line_feed_in_a_crlf_record_keep_their_rows(tmp_path: Path) -> None:
    """A LIS writing a comment's Alt+Enter as a bare LF inside a CR LF record."""
    path = tmp_path / "lis.txt"
    path.write_bytes(
        b"ID;Sex;Age;PRL (ng/ml);Note;Ward\r\n"
        b"Q1;w;40;60;Pat. klagt \xc3\xbcber\nSehst\xc3\xb6rungen\nseit 2 Wo.;Endo\r\n"
        b"Q2;m;40;abc;ok;Endo\r\nQ3;m;40;25;ok;Endo\r\n"
    )
    read = _read(path)
    _accounted(read)
    assert read.frame["source_row"].tolist() == [2, 6]
    assert _rejected(read) == [
        (3, "not_a_result_row"),
        (4, "not_a_result_row"),
        (5, "unparseable_result"),
    ]


def test_a_quoted_line_break_is_one_spreadsheet_row(tmp_path: Path) -> None:
    """Quoted, the note is one cell of one row in a spreadsheet: the rows below are numbered by
    record, as before."""
    lines = [
        "ID,Sex,Age,PRL (ng/mL),Note",
        'Q1,F,40,60,"headache\nvisual field defect"',
        "Q2,M,40,abc,ok",
        "Q3,M,40,25,ok",
    ]
    read = _read(_write(tmp_path, "quoted.csv", lines))
    _accounted(read)
    assert read.frame["source_row"].tolist() == [2, 4]
    assert _rejected(read) == [(3, "unparseable_result")]


def test_a_large_export_split_in_c_keeps_the_rows_below_a_joined_line(tmp_path: Path) -> None:
    lines = ["Patient ID,Sex,Age,Prolactin (ng/mL),Comments"]
    lines += [f"Q{i:05d},F,30,{10 + i % 7},note {i}" for i in range(12_000)]
    lines[3] = "Q00002,F,30,12,Headache and"
    lines.insert(4, "visual field defect since 1 week")  # line 5
    lines[-1] = "Q11999,M,50,300,"
    path = _write(tmp_path, "big.csv", lines)
    assert path.stat().st_size > 256 * 1024  # the size the C splitter takes
    read = _read(path)
    _accounted(read)
    frame = read.frame.set_index("patient_id")
    assert frame.loc["Q11999", "source_row"] == len(lines)
    assert frame.loc["Q00003", "source_row"] == 6
    assert [(r.source_row, r.patient_id) for r in read.rejected] == [(5, "Q00002")]


def test_the_urgent_list_points_at_the_row_a_person_sees(tmp_path: Path) -> None:
    wrapped = _write(
        tmp_path,
        "wrap.csv",
        [
            "Pat-Nr;Geschlecht;Alter;Prolaktin;Einheit;Klinische Angaben",
            "C1;w;30;12;ng/ml;Kopfschmerzen,",
            "seit 1 Woche",
            "C2;m;50;12;ng/ml;",
            "C4;w;30;300;ng/ml;",
        ],
        "\r\n",
    )
    ragged = _write(
        tmp_path,
        "ragged.csv",
        [";".join(HEADER), "R1;F;30;25,1;ng/mL", "R2;M;50;12;ng/mL;ok", "R3;F;41;95;ng/mL"],
    )
    out = tmp_path / "out"
    run_triage(TriageRequest(inputs=[wrapped, ragged], out_dir=out))
    urgent = (out / "urgent.txt").read_text(encoding="utf-8")
    line = next(u for u in urgent.splitlines() if u.startswith("URGENT patient C4"))
    assert "wrap.csv row 5 " in line
    results = list(csv.DictReader(io.StringIO((out / "results.csv").read_text("utf-8"))))
    by_id = {r["patient_id"]: r for r in results}
    assert by_id["R3"]["status"] == "high" and by_id["R3"]["source_row"] == "4"
