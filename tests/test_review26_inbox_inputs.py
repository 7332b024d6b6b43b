"""What a cron inbox receives that is not a clean export (review 26).  Synthetic patients only.

- A delimited export whose last line has no line end (a copy or transfer cut short, or only
  written without a final line end, as most are) while that line holds all the header's fields:
  its last field may be cut ("6400" read as "6", "71" as "7"), so the line is triaged (mendF:
  no longer rejected) with a caution in its result's comment naming that column (digits may be
  missing: compare with the LIS), and not listed as urgent for it.  A last field that is empty,
  quoted or in a column not read, and a file that ends its last line, give no caution.
- A spreadsheet formula's error value (#N/A, #VALUE!, #NV, #WERT!, #VALEUR!, #N/D, #¡VALOR!,
  #WAARDE!, #DIV/0! ...) in a context column is a cell that cannot be read, never an empty
  one: in the birth-date column (no age cell) the row is rejected as unreadable_age (clinical
  reference §2.1: the postmenopausal and the neonatal intervals differ from the adult
  premenopausal one); in the sex, date, number, yes/no and medication columns it is named in
  the file's warnings.
- The operating system's housekeeping files in an inbox (Thumbs.db, desktop.ini) are skipped
  quietly, as hidden and office lock files are (contract §6: exit 4 means inputs unusable).
- An HL7 file cut short inside its only OBX says so, not that its results were cancelled.
"""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.io import ReadOptions, expand_inputs, read_file
from triage.io.readers import skipped_in_folders
from triage.schema import InputFileError
from triage.values import OPEN_END_ATTR

runner = CliRunner()

LANGUAGES = ("en", "de", "fr", "es", "it", "nl")

# -- 1. a last line cut short inside its last field -----------------------------------------

# patient, sex, age, unit, prolactin: the result the last column, as many LIS exports write it
WIDE = {
    "en": ("Patient ID", "Sex", "Age", "Unit", "Prolactin", "female"),
    "de": ("PatNr", "Geschlecht", "Alter", "Einheit", "Prolaktin", "weiblich"),
    "fr": ("N° dossier", "Sexe", "Âge", "Unité", "Prolactine", "femme"),
    "es": ("NHC", "Sexo", "Edad", "Unidad", "Prolactina", "mujer"),
    "it": ("Codice paziente", "Sesso", "Età", "Unità", "Prolattina", "donna"),
    "nl": ("Patiëntnummer", "Geslacht", "Leeftijd", "Eenheid", "Prolactine", "vrouw"),
}
DELIMITERS = {"en": ",", "de": ";", "fr": ";", "es": "\t", "it": ";", "nl": "|"}


def _export(lang: str, last: str, *, end: str = "") -> str:
    """A wide export whose last line is ``last`` (fields joined by the language's delimiter),
    the file ending with ``end`` after it."""
    d = DELIMITERS[lang]
    *header, female = WIDE[lang]
    lines = [
        d.join(header),
        d.join(["7001", female, "34", "mIU/L", "400"]),
        d.join(["7003", female, "41", "mIU/L", "380"]),
        d.join(last.split(",")),
    ]
    return ("\n" if end == "\n" else "\r\n").join(lines) + end


def _read(tmp_path: Path, text: str, name: str = "export.csv"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return read_file(path, None, ReadOptions())


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "last",
    [
        "7002,F,51,mIU/L,6",  # 6400 cut to 6, or a 6 as written
        "7002,F,51,mIU/L,62",
        "7002,F,51,ng/mL,2",
        "7002,F,51,mIU/L,6400",  # as written: its last digit may be missing
    ],
)
def test_a_result_last_in_an_unterminated_line_is_triaged_with_a_caution(
    tmp_path: Path, lang: str, last: str
) -> None:
    read = _read(tmp_path, _export(lang, last))
    assert set(read.frame["patient_id"]) == {"7001", "7002", "7003"}
    assert read.rejected == []
    (caution,) = read.frame.attrs[OPEN_END_ATTR].values()
    assert "line end" in caution and "digits may be missing" in caution
    assert WIDE[lang][4] in caution  # the column named
    assert read.summary.rows_read == read.summary.rows_triaged + read.summary.rows_rejected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_age_or_unit_last_in_an_unterminated_line_is_cautioned_too(
    tmp_path: Path, lang: str
) -> None:
    """Whatever column is last: an age cut ("71" -> "7") moves a woman into a child's stratum,
    a unit cut ("mIU/L" -> "mI") leaves the result without its unit."""
    d = DELIMITERS[lang]
    pid, sex, age, unit, prl, female = WIDE[lang]
    rows = [["7001", female, "400", "mIU/L", "34"], ["7002", female, "25", "ng/mL", "7"]]
    text = "\n".join(d.join(r) for r in [[pid, sex, prl, unit, age], *rows])
    read = _read(tmp_path, text)
    assert list(read.frame["patient_id"]) == ["7001", "7002"]
    assert age in read.frame.attrs[OPEN_END_ATTR][3]
    cut_unit = "\n".join(
        d.join(r) for r in [[pid, sex, age, prl, unit], ["7001", female, "34", "400", "mIU/L"]]
    )
    read = _read(tmp_path, cut_unit + "\n" + d.join(["7002", female, "51", "6400", "mI"]))
    (bad,) = read.rejected  # a unit cut to one not known: rejected as such, listed as urgent
    assert (bad.reason_code, bad.patient_id) == ("unknown_unit", "7002")
    assert bad.possibly_urgent  # 6400 is urgent in either prolactin unit


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("last", "end"),
    [
        ("7002,F,51,mIU/L,6400", "\r\n"),  # the line ended: whole
        ("7002,F,51,mIU/L,6400", "\n"),
        ('7002,F,51,mIU/L,"6400"', ""),  # a quote closes the last field
        ("7002,F,51,mIU/L,6400", "\x1a"),  # DOS's end-of-file mark: the exporter's own end
    ],
)
def test_a_whole_last_line_is_still_read(tmp_path: Path, lang: str, last: str, end: str) -> None:
    """Guard: a file that ends its last line, or whose last field a quote closes, loses no
    row."""
    read = _read(tmp_path, _export(lang, last, end=end))
    assert set(read.frame["patient_id"]) == {"7001", "7002", "7003"}
    assert read.rejected == []
    assert OPEN_END_ATTR not in read.frame.attrs  # no caution


def test_a_last_field_in_a_column_not_read_or_empty_keeps_the_line(tmp_path: Path) -> None:
    """Guard: the cut can only have shortened a field no one reads, or none (the line ends in
    its delimiter): the line is read."""
    header = "Patient ID;Sex;Age;Prolactin (mIU/L);Barcode printer"
    text = f"{header}\n7001;F;34;400;PR-12\n7002;F;51;6400;PR-1"
    read = _read(tmp_path, text)
    assert set(read.frame["patient_id"]) == {"7001", "7002"}
    assert OPEN_END_ATTR not in read.frame.attrs
    text = "Patient ID;Sex;Age;Prolactin (mIU/L);\n7001;F;34;400;\n7002;F;51;6400;"
    read = _read(tmp_path, text)
    assert set(read.frame["patient_id"]) == {"7001", "7002"}
    assert OPEN_END_ATTR not in read.frame.attrs


def test_a_cron_run_triages_the_unterminated_row_with_its_caution(tmp_path: Path) -> None:
    """The hunter's cron case: the settled file is read as it stands; its unterminated last row
    is triaged with the caution in its comment, not rejected (mendF)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / "station.csv"
    path.write_bytes(_export("de", "7002,M,51,mIU/l,6").encode("utf-8"))
    old = time.time() - 2 * 3600
    os.utime(path, (old, old))
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", "--inbox", str(inbox), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    (results,) = out.rglob("results.csv")
    (row,) = [
        r for r in csv.DictReader(results.open(encoding="utf-8")) if r["patient_id"] == "7002"
    ]
    assert "digits may be missing" in row["comment"] and "Prolaktin" in row["comment"]
    (rejected,) = out.rglob("rejected.csv")
    assert ",malformed_line," not in rejected.read_text(encoding="utf-8")


# -- 2. spreadsheet error values in context columns -----------------------------------------

# patient, sex, birth date, collection date, prolactin (ng/mL); a woman's words and dates
DEMOGRAPHIC = {
    "en": ("MRN", "Sex", "Date of birth", "Collected", "Prolactin (ng/mL)", "F"),
    "de": ("PatNr", "Geschlecht", "Geburtsdatum", "Abnahmedatum", "Prolaktin (ng/ml)", "W"),
    "fr": ("IPP", "Sexe", "Date de naissance", "Date de prélèvement", "Prolactine (ng/ml)", "F"),
    "es": ("NHC", "Sexo", "Fecha de nacimiento", "Fecha de extracción", "Prolactina (ng/ml)", "F"),
    "it": ("Cod. paziente", "Sesso", "Data di nascita", "Data prelievo", "Prolattina (ng/ml)", "F"),
    "nl": ("Patiëntnummer", "Geslacht", "Geboortedatum", "Afnamedatum", "Prolactine (ng/ml)", "V"),
}
# each language's Excel or LibreOffice error values ("#N/A" of a failed VLOOKUP first)
ERRORS = {
    "en": ("#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!"),
    "de": ("#NV", "#WERT!", "#BEZUG!", "#NAME?", "#ZAHL!", "#N/A"),
    "fr": ("#N/A", "#VALEUR!", "#REF!", "#NOM?", "#NOMBRE!", "#NUL!"),
    "es": ("#N/A", "#¡VALOR!", "#¡REF!", "#¿NOMBRE?", "#NOMBRE?", "#¡NUM!"),
    "it": ("#N/D", "#VALORE!", "#RIF!", "#NOME?", "#NUM!", "#NULLO!"),
    "nl": ("#N/B", "#WAARDE!", "#VERW!", "#NAAM?", "#GETAL!", "#DEEL/0!"),
}
CASES = [(lang, error) for lang in LANGUAGES for error in ERRORS[lang]]


def _demographic_csv(lang: str, dob: str, *, sex: str | None = None, collected: str = "") -> str:
    pid, sex_h, dob_h, col_h, prl, female = DEMOGRAPHIC[lang]
    d = ";" if lang != "en" else ","
    day = collected or "01.03.2026"
    rows = [
        [pid, sex_h, dob_h, col_h, prl],
        ["G1", female, "01.01.1955", "01.03.2026", "25"],  # 71: postmenopausal ULN, high
        ["G2", sex or female, dob, day, "25"],
    ]
    return "\n".join(d.join(r) for r in rows) + "\n"


@pytest.mark.parametrize(("lang", "error"), CASES)
def test_an_error_value_as_the_birth_date_rejects_the_row(
    tmp_path: Path, lang: str, error: str
) -> None:
    """A birth-date lookup that failed never gives the adult premenopausal interval: 25 ng/mL
    at 71 is high (ULN 20), at an unknown age it is not known to be normal."""
    read = _read(tmp_path, _demographic_csv(lang, error))
    assert list(read.frame["patient_id"]) == ["G1"]
    (bad,) = read.rejected
    assert (bad.reason_code, bad.patient_id) == ("unreadable_age", "G2")
    assert error in bad.detail and DEMOGRAPHIC[lang][2] in bad.detail


@pytest.mark.parametrize("error", ["#N/A", "#VALUE!", "#REF!", "#DIV/0!"])
def test_an_error_cell_of_a_workbook_birth_date_rejects_the_row(tmp_path: Path, error: str) -> None:
    """The typed error cell of an xlsx (t="e"), as Excel stores a failed formula."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["MRN", "Sex", "DOB", "Collected", "Prolactin (ng/mL)"])
    sheet.append(["G1", "F", "1955-01-01", "2026-03-01", 25])
    sheet.append(["G2", "F", error, "2026-03-01", 25])
    assert sheet["C3"].data_type == "e"
    path = tmp_path / "ward.xlsx"
    book.save(path)
    read = read_file(path, None, ReadOptions())
    assert list(read.frame["patient_id"]) == ["G1"]
    assert [(r.reason_code, r.patient_id) for r in read.rejected] == [("unreadable_age", "G2")]


@pytest.mark.parametrize(("lang", "error"), [(lang, ERRORS[lang][0]) for lang in LANGUAGES])
def test_an_error_value_in_the_sex_or_the_collection_date_is_said(
    tmp_path: Path, lang: str, error: str
) -> None:
    read = _read(tmp_path, _demographic_csv(lang, "01.01.1955", sex=error))
    assert read.frame.loc[read.frame["patient_id"] == "G2", "sex"].isna().all()
    header = DEMOGRAPHIC[lang][1]
    assert any(header in w and error in w for w in read.summary.warnings), read.summary.warnings
    read = _read(tmp_path, _demographic_csv(lang, "01.01.1955", collected=error))
    header = DEMOGRAPHIC[lang][3]
    assert any(header in w and error in w for w in read.summary.warnings), read.summary.warnings


@pytest.mark.parametrize(
    ("header", "error", "said"),
    [
        ("eGFR", "#DIV/0!", "could not be read as a number"),
        ("TSH", "#N/A", "could not be read as a number"),
        ("Kreatinin", "#NV", "could not be read as a number"),
        ("Pregnant", "#N/A", "could not be read as pregnant"),
        ("Schwanger", "#WERT!", "could not be read as pregnant"),
        ("Enceinte", "#VALEUR!", "could not be read as pregnant"),
        ("Medications", "#NAME?", "spreadsheet formula's error value"),
        ("Medikation", "#NV", "spreadsheet formula's error value"),
        ("Médicaments", "#N/A", "spreadsheet formula's error value"),
        ("Medicación", "#¡VALOR!", "spreadsheet formula's error value"),
        ("Farmaci", "#N/D", "spreadsheet formula's error value"),
        ("Medicatie", "#N/B", "spreadsheet formula's error value"),
    ],
)
def test_an_error_value_in_another_context_column_is_said(
    tmp_path: Path, header: str, error: str, said: str
) -> None:
    """A context value that failed is never silently the same as one not given."""
    text = f"Patient ID;Sex;Age;Prolactin (ng/mL);{header}\nP1;F;34;25;\nP2;F;35;26;{error}\n"
    read = _read(tmp_path, text)
    assert set(read.frame["patient_id"]) == {"P1", "P2"}
    hits = [w for w in read.summary.warnings if header in w and said in w]
    assert hits and error in hits[0], read.summary.warnings


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("dob", ["", "-", "unknown"])
def test_a_birth_date_left_empty_is_still_no_birth_date(
    tmp_path: Path, lang: str, dob: str
) -> None:
    """Guard: an empty cell or a word for unknown stays "not given" (the adult interval)."""
    read = _read(tmp_path, _demographic_csv(lang, dob))
    assert set(read.frame["patient_id"]) == {"G1", "G2"}
    assert read.rejected == []


# -- 3. the operating system's housekeeping files in an inbox --------------------------------

JUNK = ("Thumbs.db", "THUMBS.DB", "ehthumbs.db", "desktop.ini", "Desktop.ini", ".DS_Store")


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "Station 7.csv").write_text(
        "Patient ID,Sex,Age,Prolactin (ng/mL)\nP1,F,34,12\n", encoding="utf-8"
    )
    for name in JUNK:
        if not (inbox / name).exists():  # a case-insensitive file system holds one of each
            (inbox / name).write_bytes(b"\xfe\xff\x00\x00junk\x00")
    old = time.time() - 2 * 3600
    for path in inbox.iterdir():
        os.utime(path, (old, old))
    return inbox


def test_housekeeping_files_are_not_inputs_of_a_folder(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    assert [p.name for p in expand_inputs([inbox])] == ["Station 7.csv"]
    assert skipped_in_folders([inbox]) == []


def test_a_cron_run_skips_housekeeping_files_quietly(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    out, archive = tmp_path / "out", tmp_path / "archive"
    result = runner.invoke(
        app, ["batch", "--inbox", str(inbox), "--out", str(out), "--archive", str(archive), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert "Thumbs.db" not in result.output
    assert not (archive / "failed").exists() or not any((archive / "failed").iterdir())
    assert (inbox / "Thumbs.db").exists()  # left where it is: not ours


# -- 4. an HL7 file cut short inside its only OBX ---------------------------------------------

_MSH = "MSH|^~\\&|LAB|HOSP|EPIC|HOSP|202603011000||ORU^R01|N3|P|2.5.1"
_PID = "PID|1||800003^^^HOSP^MR||Trunc^T||19800101|F"
_OBR = "OBR|1||SN3|2842-3^Prolactin^LN|||202603010830"


@pytest.mark.parametrize("end", ["OBX|1|NM|2842-3^Prolactin^LN||62", "OBX|1|NM|2842-3^Prolac"])
def test_an_hl7_file_cut_inside_its_only_result_says_so(tmp_path: Path, end: str) -> None:
    path = tmp_path / "trunc.hl7"
    path.write_text("\r".join([_MSH, _PID, _OBR, end]), encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_file(path, None, ReadOptions())
    message = str(caught.value)
    assert "segment 4" in message and "the file ends inside this segment" in message
    assert "cancelled" not in message
    assert caught.value.code == "damaged"


def test_an_hl7_file_of_cancelled_results_still_says_so(tmp_path: Path) -> None:
    """Guard: the old wording stands where it is true (a cancelled TSH; a cancelled prolactin
    result is read: the history withdraws it)."""
    path = tmp_path / "void.hl7"
    obx = "OBX|1|NM|3016-3^TSH^LN||2.1|mIU/L|0.4-4||||X"
    path.write_text("\r".join([_MSH, _PID, _OBR, obx]) + "\r", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_file(path, None, ReadOptions())
    assert "every OBX is cancelled or deleted" in str(caught.value)
