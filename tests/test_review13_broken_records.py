"""Broken records of csv exports (review 13).  Synthetic patients only.

- A quote opened in a cell and never closed on its line swallows the next line into the
  record when a quote on that line "closes" it: a line inside the quoted cell that reads as a
  record of its own (the usual number of fields, an id shaped like the ids around it) makes the
  quote a broken one.  Its first line is rejected (malformed_line, its row number) and reading
  goes on with the next line: the record below is read, never lost nor given to the patient
  above.
- An unquoted line break inside a free-text cell (LF files, CR LF files) splits a record in
  two lines: they are joined when together they hold the header's fields and the join is
  unambiguous; a fragment's first field is never named as the patient.
- A line rejected for a quote left open or a cell over the length limit still names its
  patient and is listed with the urgent results when its result may be urgent, as a line with
  a stray delimiter is.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from triage.io import read_file
from triage.pipeline import TriageRequest, run_triage

# header words per language: patient, name, sex, age, prolactin (ng/mL), medication, comments
HEADERS = {
    "en": ("Patient ID", "Name", "Sex", "Age", "Prolactin (ng/mL)", "Medications", "Comments"),
    "de": (
        "Patienten-ID",
        "Name",
        "Geschlecht",
        "Alter",
        "Prolaktin (ng/mL)",
        "Medikamente",
        "Kommentar",
    ),
    "fr": ("N° patient", "Nom", "Sexe", "Âge", "Prolactine (ng/mL)", "Traitement", "Commentaire"),
    "es": (
        "ID paciente",
        "Nombre",
        "Sexo",
        "Edad",
        "Prolactina (ng/mL)",
        "Medicación",
        "Comentario",
    ),
    "it": ("ID paziente", "Nome", "Sesso", "Età", "Prolattina (ng/mL)", "Farmaci", "Commento"),
    "nl": (
        "Patiënt-ID",
        "Naam",
        "Geslacht",
        "Leeftijd",
        "Prolactine (ng/mL)",
        "Medicatie",
        "Opmerking",
    ),
}
# a harmless first part of a note, and a mass-effect red flag (urgent with a raised prolactin)
NOTES = {
    "en": ("Headache", "visual field defect since 1 week"),
    "de": ("Kopfschmerz", "Sehstörung seit 1 Woche"),
    "fr": ("Céphalées", "troubles visuels depuis 1 semaine"),
    "es": ("Cefalea", "alteración visual desde hace 1 semana"),
    "it": ("Cefalea", "disturbi visivi da 1 settimana"),
    "nl": ("Hoofdpijn", "gezichtsvelduitval sinds 1 week"),
}
LANGUAGES = sorted(HEADERS)
ENDINGS = {"lf": "\n", "crlf": "\r\n"}


def _run(tmp_path: Path, lines: list[str], ending: str) -> tuple[str, list[dict[str, str]], str]:
    """(urgent.txt, rejected rows, results.csv) of one run on the lines joined by ``ending``."""
    path = tmp_path / "export.csv"
    path.write_bytes((ending.join(lines) + ending).encode("utf-8"))
    out = tmp_path / "out"
    run_triage(TriageRequest(inputs=[path], out_dir=out))
    rejected = list(csv.DictReader(io.StringIO((out / "rejected.csv").read_text("utf-8"))))
    return (
        (out / "urgent.txt").read_text(encoding="utf-8"),
        rejected,
        (out / "results.csv").read_text(encoding="utf-8"),
    )


def _results(text: str) -> dict[str, dict[str, str]]:
    return {row["patient_id"]: row for row in csv.DictReader(io.StringIO(text))}


def _urgent_ids(urgent: str) -> list[str]:
    return [
        line.split(" | ")[0].removeprefix("URGENT patient ")
        for line in urgent.splitlines()
        if line.startswith("URGENT")
    ]


def _header(language: str, *, medication: bool = True) -> str:
    words = HEADERS[language]
    return ",".join(words if medication else words[:5] + words[6:])


# -- 1. a quote left open swallows the record below it --------------------------------------------


@pytest.mark.parametrize("ending", sorted(ENDINGS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_quote_left_open_in_a_comment_does_not_swallow_the_record_below(
    tmp_path: Path, language: str, ending: str
) -> None:
    first, flag = NOTES[language]
    urgent, rejected, results = _run(
        tmp_path,
        [
            _header(language),
            f'P001,Anna,F,34,18.2,,"{first}',
            f'P002,Bernd,M,45,320,,{flag}"',
            "P003,Clara,F,29,55,,",
            "P004,Dieter,M,60,12,,",
        ],
        ENDINGS[ending],
    )
    assert [(r["source_row"], r["reason_code"], r["patient_id"]) for r in rejected] == [
        ("2", "malformed_line", "P001")
    ]
    assert "never closed" in rejected[0]["detail"]
    read = _results(results)
    assert sorted(read) == ["P002", "P003", "P004"]
    assert read["P002"]["priority"] == "urgent"
    assert read["P002"]["prolactin_value"] == "320"
    assert _urgent_ids(urgent) == ["P002"]


@pytest.mark.parametrize("ending", sorted(ENDINGS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_quote_left_open_in_a_name_never_gives_the_next_result_to_that_patient(
    tmp_path: Path, language: str, ending: str
) -> None:
    _, flag = NOTES[language]
    urgent, rejected, results = _run(
        tmp_path,
        [
            _header(language),
            'P001,"Anna,F,34,18.2,,',
            f'P002,Bernd",M,45,320,,{flag}',
            "P004,Dieter,M,60,12,,",
        ],
        ENDINGS[ending],
    )
    read = _results(results)
    assert "P001" not in read  # its line is rejected, never read with P002's cells
    assert read["P002"]["prolactin_value"] == "320"
    assert _urgent_ids(urgent) == ["P002"]
    assert [(r["source_row"], r["patient_id"]) for r in rejected] == [("2", "P001")]


@pytest.mark.parametrize("ending", sorted(ENDINGS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_quoted_note_over_two_lines_stays_one_cell_beside_a_broken_quote(
    tmp_path: Path, language: str, ending: str
) -> None:
    first, flag = NOTES[language]
    urgent, rejected, results = _run(
        tmp_path,
        [
            _header(language),
            f'P001,Anna,F,34,40,,"{first}',
            f'{flag}, P2 {flag}"',  # a quoted note over two lines: one cell
            f'P003,Clara,F,29,55,,"{first}',  # a quote opened and never closed
            f'P004,Dieter,M,60,320,,{flag}"',
            "P005,Emil,M,50,12,,",
        ],
        ENDINGS[ending],
    )
    assert [(r["source_row"], r["patient_id"]) for r in rejected] == [("3", "P003")]
    read = _results(results)
    assert sorted(read) == ["P001", "P004", "P005"]
    assert read["P001"]["priority"] == "urgent"  # the red flag on the note's second line
    assert read["P004"]["prolactin_value"] == "320"
    assert sorted(_urgent_ids(urgent)) == ["P001", "P004"]


def test_a_large_export_split_in_c_rejects_a_quote_that_swallows_a_record(
    tmp_path: Path,
) -> None:
    rows = [f"Q{i:05d},Name,F,30,{10 + i % 7},,note {i}" for i in range(9000)]
    rows[3000] = 'P001,Anna,F,34,18.2,,"Kopfschmerz'
    rows[3001] = 'P002,Bernd,M,45,320,,Sehstörung seit 1 Woche"'
    path = tmp_path / "big.csv"
    path.write_text("\n".join([_header("de"), *rows]) + "\n", encoding="utf-8")
    assert path.stat().st_size > 256 * 1024  # the size the C splitter takes
    read = read_file(path)
    assert [r.patient_id for r in read.rejected] == ["P001"]
    ids = set(read.frame["patient_id"])
    assert "P002" in ids and "P001" not in ids


# -- 2. an unquoted line break inside a free-text cell ---------------------------------------------


@pytest.mark.parametrize("ending", sorted(ENDINGS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unquoted_line_break_in_the_last_cell_keeps_the_red_flag_with_the_patient(
    tmp_path: Path, language: str, ending: str
) -> None:
    first, flag = NOTES[language]
    urgent, rejected, results = _run(
        tmp_path,
        [
            _header(language, medication=False),
            "P001,Anna,F,34,18.2,",
            f"P002,Bernd,M,45,100,{first}",
            flag,
            "P004,Dieter,M,60,12,",
        ],
        ENDINGS[ending],
    )
    # the line the note went on over is a row of its own in a spreadsheet: listed (fix75)
    assert [(r["source_row"], r["reason_code"], r["patient_id"]) for r in rejected] == [
        ("4", "not_a_result_row", "P002")
    ]
    read = _results(results)
    assert sorted(read) == ["P001", "P002", "P004"]
    assert read["P004"]["source_row"] == "5"
    assert read["P002"]["priority"] == "urgent"
    assert _urgent_ids(urgent) == ["P002"]


@pytest.mark.parametrize("ending", sorted(ENDINGS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unquoted_line_break_before_the_result_joins_the_record(
    tmp_path: Path, language: str, ending: str
) -> None:
    words = HEADERS[language]
    first, flag = NOTES[language]
    header = ",".join([*words[:4], words[6], words[4]])  # comments before the result
    urgent, rejected, results = _run(
        tmp_path,
        [
            header,
            "P001,Anna,F,34,,18.2",
            f"P002,Bernd,M,45,{first}",
            f"{flag},320",
            "P004,Dieter,M,60,,12",
        ],
        ENDINGS[ending],
    )
    assert [(r["source_row"], r["reason_code"]) for r in rejected] == [("4", "not_a_result_row")]
    read = _results(results)
    assert read["P002"]["prolactin_value"] == "320"
    assert _urgent_ids(urgent) == ["P002"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_note_fragment_that_cannot_be_joined_is_never_named_as_the_patient(
    tmp_path: Path, language: str
) -> None:
    words = HEADERS[language]
    first, flag = NOTES[language]
    header = ",".join([*words[:4], words[6], words[4]])
    # the note broken twice: no two lines together hold the header's fields
    urgent, rejected, _ = _run(
        tmp_path,
        [
            header,
            "P001,Anna,F,34,,18.2",
            f"P002,Bernd,M,45,{first}",
            "x",
            f"{flag},320",
            "P004,Dieter,M,60,,12",
        ],
        "\n",
    )
    fragment = next(r for r in rejected if r["source_row"] == "5")
    assert fragment["patient_id"] == ""
    assert flag.split()[0] not in " ".join(_urgent_ids(urgent))
    assert "320" in urgent  # still listed for urgent review, under its row number


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_footer_is_not_joined_into_the_comment_a_broken_line_continues(
    tmp_path: Path, language: str
) -> None:
    first, flag = NOTES[language]
    urgent, rejected, results = _run(
        tmp_path,
        [
            _header(language, medication=False),
            f"P001,Anna,F,34,18.2,{first}",
            f"P002,Bernd,M,45,100,{first}",
            flag,
            "End of report",
        ],
        "\n",
    )
    read = _results(results)
    assert read["P002"]["priority"] == "urgent"
    assert _urgent_ids(urgent) == ["P002"]
    # the continuation line (row 4) and the footer (row 5), each under its own row (fix75)
    assert [(r["source_row"], r["reason_code"]) for r in rejected] == [
        ("4", "not_a_result_row"),
        ("5", "not_a_result_row"),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_sub_headings_stay_rows_of_their_own_where_a_fragment_is_joined(
    tmp_path: Path, language: str
) -> None:
    words = HEADERS[language]
    first, flag = NOTES[language]
    header = ",".join([*words[:4], words[6], words[4]])
    urgent, rejected, results = _run(
        tmp_path,
        [
            header,
            "Ward 7",
            f"P001,Anna,F,34,{first},18.2",
            "Ward 8",
            f"P002,Bernd,M,45,{first}",
            f"{flag},320",
        ],
        "\n",
    )
    read = _results(results)
    assert "Ward" not in read["P001"]["comment"]
    assert read["P002"]["prolactin_value"] == "320"
    assert _urgent_ids(urgent) == ["P002"]
    assert {r["source_row"] for r in rejected} == {"2", "4", "6"}  # 6: the note went on (fix75)


FOOTERS = {
    "en": "Released by Dr Smith",
    "de": "Freigegeben von Dr. Muster",
    "fr": "Validé par Dr Martin",
    "es": "Validado por Dr. García",
    "it": "Validato da Dr. Rossi",
    "nl": "Vrijgegeven door dr. Jansen",
}


@pytest.mark.parametrize("ending", sorted(ENDINGS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_footer_under_a_unit_column_stays_out_of_the_unit_where_a_note_is_joined(
    tmp_path: Path, language: str, ending: str
) -> None:
    words = HEADERS[language]
    first, flag = NOTES[language]
    header = ",".join([words[0], words[6], words[2], words[3], "Prolactin", "Unit"])
    urgent, rejected, results = _run(
        tmp_path,
        [
            header,
            "P001,,F,34,18.2,ng/mL",
            f"P002,{first}",  # the note broken before its red flag
            f"{flag},M,45,100,ng/mL",
            "P003,,F,29,12,ng/mL",
            FOOTERS[language],
        ],
        ENDINGS[ending],
    )
    read = _results(results)
    assert sorted(read) == ["P001", "P002", "P003"]
    assert read["P002"]["priority"] == "urgent"
    assert read["P003"]["prolactin_unit"] == "ng/mL"
    assert _urgent_ids(urgent) == ["P002"]
    assert [(r["source_row"], r["reason_code"]) for r in rejected] == [
        ("4", "not_a_result_row"),
        ("6", "not_a_result_row"),
    ]


# -- 3. the patient and urgency of a line rejected for a quote or an over-long cell ---------------


@pytest.mark.parametrize("ending", sorted(ENDINGS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_line_with_a_quote_never_closed_names_its_patient_and_urgent_result(
    tmp_path: Path, language: str, ending: str
) -> None:
    _, flag = NOTES[language]
    urgent, rejected, results = _run(
        tmp_path,
        [
            _header(language),
            "P001,Anna Muster,F,34,18.2,,",
            f'P002,"Bernd Beispiel,M,45,320,,{flag}',
            "P003,Clara Test,F,29,55,Risperidon 2 mg,",
            "P004,Dieter Demo,M,60,12,,",
        ],
        ENDINGS[ending],
    )
    assert [(r["source_row"], r["reason_code"], r["patient_id"]) for r in rejected] == [
        ("3", "malformed_line", "P002")
    ]
    assert _urgent_ids(urgent) == ["P002"]
    assert "320 ng/mL" in urgent
    assert sorted(_results(results)) == ["P001", "P003", "P004"]


@pytest.mark.parametrize("ending", sorted(ENDINGS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_line_with_an_over_long_cell_names_its_patient_and_urgent_result(
    tmp_path: Path, language: str, ending: str
) -> None:
    words = HEADERS[language]
    _, flag = NOTES[language]
    header = ",".join([words[0], words[2], words[3], words[4], words[6]])
    urgent, rejected, _ = _run(
        tmp_path,
        [header, "P001,F,34,18.2,", f"P002,M,45,320,{flag}. " + "x" * 40_000],
        ENDINGS[ending],
    )
    assert [(r["source_row"], r["patient_id"]) for r in rejected] == [("3", "P002")]
    assert "longer than" in rejected[0]["detail"]
    assert _urgent_ids(urgent) == ["P002"]
