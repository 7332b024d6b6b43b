"""Research cohort exports found by review 12, each fixed as a class:

1. a wide column of a qualitative macroprolactin (PEG) screen ("Macroprolactin" = positive,
   "Makroprolaktin" = nachgewiesen, a "macroprolactin_recovery_pct" of words) is read as the long
   format reads such a row: present is macroprolactinaemia, absent a screen done and negative,
   borderline a screen still asked for; numeric cells keep the PEG recovery reading;
2. a workbook whose results sheet lacks the patient fields takes them from another sheet of the
   same workbook that holds them by the same id column;
3. a visit series of which only one column holds any value in the whole file is read as that
   visit's prolactin, the empty columns named; two filled visit columns are still refused."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pipeline_helpers import write_table

from triage.engine import triage_frame
from triage.engine.text import load_cue_book
from triage.io import ReadOptions, read_file
from triage.io.layout import SAMPLE_ROWS
from triage.io.readers import FileRead
from triage.knowledge import load_knowledge
from triage.values import synonyms_data


def _read(tmp_path: Path, text: str, name: str = "export.csv") -> tuple[pd.DataFrame, list[str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    read = read_file(path, None, ReadOptions())
    return read.frame, list(read.summary.warnings)


def _triage(tmp_path: Path, text: str) -> tuple[pd.DataFrame, list[str]]:
    frame, warnings = _read(tmp_path, text)
    out = triage_frame(frame, load_knowledge("default"))
    return out.set_index("patient_id"), warnings


# ------------------------------------------------------------------------------------------------
# 1. qualitative macroprolactin screen columns
# (header, present word, absent word, grey-zone word), in the six languages
SCREENS = [
    ("Macroprolactin", "positive", "negative", "borderline"),
    ("Macroprolactin screen", "present", "not detected", "equivocal"),
    ("Makroprolaktin", "nachgewiesen", "nicht nachweisbar", "grenzwertig"),
    ("Makroprolaktin", "positiv", "negativ", "fraglich"),
    ("Macroprolactine", "positif", "non détecté", "douteux"),
    ("Recherche de macroprolactine", "présente", "négatif", "limite"),
    ("Macroprolactina", "detectado", "no detectado", "dudoso"),
    ("Macroprolattina", "rilevato", "assente", "dubbio"),
    ("Macroprolactine bepaling", "aangetoond", "niet aangetoond", "twijfelachtig"),
    ("PEG screen", "detected", "absent", "equivocal"),
    ("macro-PRL", "positive", "negative", "borderline"),
    ("macroprolactin_recovery_pct", "positive", "negative", "borderline"),
]


@pytest.mark.parametrize(("header", "present", "absent", "grey"), SCREENS)
def test_a_qualitative_screen_column_is_read_as_the_long_format_reads_it(
    tmp_path: Path, header: str, present: str, absent: str, grey: str
) -> None:
    text = f"patient_id,sex,age_years,collected_at,prolactin,prolactin_unit,{header}\n"
    for pid, word in (("P", present), ("A", absent), ("G", grey)):
        text += f"{pid},F,40,2026-11-02,80,ng/mL,{word}\n"
    out, warnings = _triage(tmp_path, text)
    assert len(out) == 3
    assert "macroprolactinemia" in out.loc["P", "factors"]
    assert "macroprolactin_screen" not in out.loc["P", "suggestions"]
    # a negative screen: the rise is monomeric, no second screen asked for
    assert "macroprolactinemia" not in out.loc["A", "factors"]
    assert "macroprolactin_screen" not in out.loc["A", "suggestions"]
    # a grey-zone result answers nothing: the screen is still asked for, never a normal
    assert "macroprolactinemia" not in out.loc["G", "factors"]
    assert "macroprolactin_screen" in out.loc["G", "suggestions"]
    assert any("qualitative macroprolactin" in w and header in w for w in warnings)
    assert not any("not used" in w and header in w for w in warnings)


@pytest.mark.parametrize(
    ("test", "word"),
    [
        ("Macroprolactin screen", "positif"),
        ("Macroprolactin screen", "detectado"),
        ("Macroprolactin screen", "rilevato"),
    ],
)
def test_the_long_format_reads_the_same_present_words(tmp_path: Path, test: str, word: str) -> None:
    text = "Patient ID,Sex,Age,Collection date,Test,Result,Unit\n"
    text += "L1,F,40,2026-11-02,Prolactin,80,ng/mL\n"
    text += f"L1,F,40,2026-11-02,{test},{word},\n"
    out, _ = _triage(tmp_path, text)
    assert "macroprolactinemia" in out.loc["L1", "factors"]


def test_every_listed_screen_word_is_read_by_the_cues_or_left_a_question() -> None:
    """The reader's list of screen words and the cues that read them stay together: each word
    is read as present, absent or (a grey-zone word) neither, never as both."""
    book = load_cue_book()
    for word in synonyms_data()["macroprolactin_screen_columns"]["results"]:
        hits = book.match("comments", f"Macroprolactin: {word}")
        names = {name for name in hits if name.startswith("macroprolactin_")}
        assert names <= {"macroprolactin_present"} or names <= {"macroprolactin_absent"}, word


def test_numbers_keep_the_peg_reading_and_free_text_is_no_screen(tmp_path: Path) -> None:
    head = "patient_id,sex,age_years,collected_at,prolactin,prolactin_unit,"
    numeric = head + "Macroprolactin (% recovery)\n"
    numeric += "R1,F,40,2026-11-02,80,ng/mL,25\nR2,F,40,2026-11-02,80,ng/mL,90\n"
    out, warnings = _triage(tmp_path, numeric)
    assert "macroprolactinemia" in out.loc["R1", "factors"]
    assert "macroprolactinemia" not in out.loc["R2", "factors"]
    assert not any("qualitative macroprolactin" in w for w in warnings)
    free = head + "Macroprolactin\n"
    free += "X1,F,40,2026-11-02,80,ng/mL,requested\nX2,F,40,2026-11-02,80,ng/mL,to do\n"
    out, warnings = _triage(tmp_path, free)
    assert "macroprolactinemia" not in out.loc["X1", "factors"]
    assert not any("qualitative macroprolactin" in w for w in warnings)
    words = head + "Macroprolactin\nW1,F,40,2026-11-02,80,ng/mL,aanwezig\n"
    out, warnings = _triage(tmp_path, words)  # the same header with a result word: read
    assert "macroprolactinemia" in out.loc["W1", "factors"]


# ------------------------------------------------------------------------------------------------
# 3. a visit series with one filled column
# (header stem of the visit columns, visit marks), as cohort exports in the six languages name them
VISITS = [
    ("PRL_v{}", ("1", "2", "3")),
    ("Prolaktin_Visite{}", ("1", "2", "3")),
    ("prolactine_visite{}", ("1", "2", "3")),
    ("prolactina_visita{}", ("1", "2", "3")),
    ("prolattina_visita{}", ("1", "2", "3")),
    ("prolactine_bezoek{}", ("1", "2", "3")),
]


def _visit_rows(stem: str, marks: tuple[str, ...], rows: list[list[object]]) -> list[list[object]]:
    return [["study_id", "sex", "age", *(stem.format(m) for m in marks)], *rows]


@pytest.mark.parametrize(("suffix"), [".csv", ".xlsx"])
@pytest.mark.parametrize(("stem", "marks"), VISITS)
def test_one_filled_visit_column_is_read(
    tmp_path: Path, stem: str, marks: tuple[str, ...], suffix: str
) -> None:
    rows: list[list[object]] = [["K1", "M", 40, 300, "", ""], ["K2", "F", 30, 12, "", ""]]
    path = write_table(tmp_path / f"cohort{suffix}", _visit_rows(stem, marks, rows))
    read = read_file(path, None, ReadOptions(unit="ng/mL"))
    out = triage_frame(read.frame, load_knowledge("default")).set_index("patient_id")
    assert out.loc["K1", "priority"] == "urgent"  # a man at 300 ng/mL
    assert out.loc["K2", "priority"] == "none"
    empty = ", ".join(repr(stem.format(m)) for m in marks[1:])
    assert any(empty in w and "no value" in w for w in read.summary.warnings)


def _read_visits(
    tmp_path: Path, stem: str, marks: tuple[str, ...], rows: list[list[object]]
) -> FileRead:
    path = write_table(tmp_path / "visits.csv", _visit_rows(stem, marks, rows))
    return read_file(path, None, ReadOptions(unit="ng/mL"))


@pytest.mark.parametrize(("stem", "marks"), VISITS[:2])
def test_only_a_lone_filled_visit_is_read_checked_in_every_row(
    tmp_path: Path, stem: str, marks: tuple[str, ...]
) -> None:
    lone: list[list[object]] = [["K1", "M", 40, 300, "", ""]]
    path = write_table(tmp_path / "lone.csv", _visit_rows(stem, marks, lone))
    assert len(read_file(path, None, ReadOptions(unit="ng/mL")).frame) == 1
    # a raised later visit below the rows the column check samples: each visit read as a
    # result of its own (review 20: the file had been refused, the 500 unlisted)
    rows: list[list[object]] = [[f"Q{i}", "F", 30, 12, "", ""] for i in range(SAMPLE_ROWS + 10)]
    late = _read_visits(tmp_path, stem, marks, [*rows, ["Z1", "F", 30, 12, "", 500]])
    assert late.frame["prolactin_value"].tolist()[-2:] == [12.0, 500.0]
    assert late.frame["visit"].tolist()[-1] == f"{stem.format(marks[2]).split('_')[-1]}"
    # two filled visits: each read
    both = _read_visits(tmp_path, stem, marks, [["K1", "M", 40, 300, 20, ""]])
    assert both.frame["prolactin_value"].tolist() == [300.0, 20.0]


# ------------------------------------------------------------------------------------------------
# 2. relational workbooks: the patients on one sheet, the results on another
# (patients sheet, results sheet, id, sex, birth date, pregnant, medication, result, date,
#  male, female, yes, no), in the six languages
RELATIONAL = [
    (
        "Demographics",
        "Laboratory",
        "record_id",
        "sex",
        "date_of_birth",
        "pregnant",
        "medication",
        "prolactin_ng_ml",
        "visit_date",
        "male",
        "female",
        "yes",
        "no",
    ),
    (
        "Patienten",
        "Labor",
        "Patienten-ID",
        "Geschlecht",
        "Geburtsdatum",
        "schwanger",
        "Medikation",
        "Prolaktin (ng/mL)",
        "Datum",
        "männlich",
        "weiblich",
        "ja",
        "nein",
    ),
    (
        "Patients",
        "Biologie",
        "ID patient",
        "Sexe",
        "Date de naissance",
        "Enceinte",
        "Traitement",
        "Prolactine (ng/mL)",
        "Date",
        "homme",
        "femme",
        "oui",
        "non",
    ),
    (
        "Pacientes",
        "Laboratorio",
        "ID paciente",
        "Sexo",
        "Fecha de nacimiento",
        "Embarazada",
        "Medicación",
        "Prolactina (ng/mL)",
        "Fecha",
        "hombre",
        "mujer",
        "sí",
        "no",
    ),
    (
        "Pazienti",
        "Laboratorio",
        "ID paziente",
        "Sesso",
        "Data di nascita",
        "Gravidanza",
        "Farmaci",
        "Prolattina (ng/mL)",
        "Data",
        "maschio",
        "femmina",
        "sì",
        "no",
    ),
    (
        "Patienten",
        "Lab",
        "Patiëntnummer",
        "Geslacht",
        "Geboortedatum",
        "Zwanger",
        "Medicatie",
        "Prolactine (ng/mL)",
        "Datum",
        "man",
        "vrouw",
        "ja",
        "nee",
    ),
]


def _relational(
    path: Path, words: tuple[str, ...], people: list[list[object]], results: list[list[object]]
) -> Path:
    patients, lab, pid, sex, birth, pregnant, meds, result, when = words[:9]
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = patients
    first.append([pid.upper().replace("_", " "), sex, birth, pregnant, meds])  # "RECORD ID"
    for row in people:
        first.append(row)
    second = book.create_sheet(lab)
    second.append([pid, when, result, "TSH"])
    for row in results:
        second.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("words", RELATIONAL, ids=[w[0] + "-" + w[2] for w in RELATIONAL])
def test_patient_fields_are_joined_from_another_sheet_by_id(
    tmp_path: Path, words: tuple[str, ...]
) -> None:
    male, female, yes, no = words[9:]
    people: list[list[object]] = [
        ["R1", male, datetime(1980, 1, 1), no, "risperidone 4 mg"],
        ["R2", female, datetime(2012, 1, 1), no, None],
        ["R3", female, datetime(1995, 1, 1), yes, None],
    ]
    results: list[list[object]] = [
        [f"R{i}", datetime(2026, 11, 2), v, 1] for i, v in ((1, 26), (2, 22), (3, 150))
    ]
    path = _relational(tmp_path / "cohort.xlsx", words, people, results)
    read = read_file(path, None, ReadOptions())
    out = triage_frame(read.frame, load_knowledge("default")).set_index("patient_id")
    assert out.loc["R1", "sex"] == "M"
    assert "medication:antipsychotic" in out.loc["R1", "factors"]  # a man on risperidone
    assert out.loc["R2", "age_years"] < 18  # a girl of 14: judged as a child, not indeterminate
    assert out.loc["R2", "status"] != "indeterminate"
    assert "pregnancy" in out.loc["R3", "factors"]  # no imaging in pregnancy
    assert "pituitary_mri" not in str(out.loc["R3", "suggestions"])
    assert list(read.frame["source_sheet"].unique()) == [words[1]]
    assert list(read.frame["source_row"]) == [2, 3, 4]
    assert any(f"sheet {words[0]!r}" in w and "taken from" in w for w in read.summary.warnings)
    assert not any("no sex column" in w for w in read.summary.warnings)


def test_an_id_repeated_with_other_values_is_not_joined(tmp_path: Path) -> None:
    people: list[list[object]] = [
        ["R1", "male", datetime(1980, 1, 1), "no", None],
        ["R2", "female", datetime(1990, 1, 1), "no", None],
        ["R2", "male", datetime(1990, 1, 1), "no", None],
    ]
    results: list[list[object]] = [
        ["R1", datetime(2026, 11, 2), 26, 1],
        ["R2", datetime(2026, 11, 2), 20, 1],
    ]
    path = _relational(tmp_path / "cohort.xlsx", RELATIONAL[0], people, results)
    read = read_file(path, None, ReadOptions())
    frame = read.frame.set_index("patient_id")
    assert frame.loc["R1", "sex"] == "M"
    assert pd.isna(frame.loc["R2", "sex"])
    assert any("more than once" in w and "'Demographics'" in w for w in read.summary.warnings)


def test_a_patients_sheet_that_lacks_some_ids_is_named_not_joined(tmp_path: Path) -> None:
    people: list[list[object]] = [["R1", "male", datetime(1980, 1, 1), "no", None]]
    results: list[list[object]] = [
        ["R1", datetime(2026, 11, 2), 26, 1],
        ["R9", datetime(2026, 11, 2), 20, 1],
    ]
    path = _relational(tmp_path / "cohort.xlsx", RELATIONAL[0], people, results)
    read = read_file(path, None, ReadOptions())
    assert read.frame["sex"].isna().all()
    warnings = read.summary.warnings
    assert any("'Demographics'" in w and "not joined" in w for w in warnings)
    assert not any("[columns] sex" in w for w in warnings)  # no mapping can name another sheet
