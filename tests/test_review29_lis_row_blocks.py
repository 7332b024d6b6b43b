"""How the rows of a printed LIS list belong together (review 29, AT classes 1 and 2).

A blank row ends a block: a LIS print or a copied worksheet puts an empty line between one
patient's results and the next patient's.  A result row under the blank row that leaves the
patient cells blank has no patient; filling the patient down over the blank row gave it the
patient above (contract §5: the `patient_id` of each result; an urgent 400 ng/mL filed on
another person's page).  Inside a block the fill-down stays (a report that names the patient
once).

A labelled comment row ("Kommentar: ...", "Comment: ...", "Commentaire : ...", "Nota: ...",
"Opmerking: ...") right under a result belongs to that result, whatever column the LIS printed it
in: the first column, the test's or the result's.  It was dropped as a note, or read as a test
without a name, or as an unreadable result, and a visual field loss in it was lost
(clinical-reference §8: visual field loss with a raised prolactin is urgent) or a drug
(§8: antipsychotics raise prolactin).  The row stays in rejected.csv as `not_a_result_row`,
naming the row it joined (a comment row is no result row and no lost row).
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import write_table

from triage.pipeline import TriageOutcome, TriageRequest, run_triage

# -- languages: headers, the prolactin test's name, the sex letters ------------------------------

# "id;sex;birth date;collected;test;result;unit|the prolactin test's name|female|male"
_LANGUAGE_LINES = {
    "en": "MRN;Sex;DOB;Collected;Test;Result;Units|Prolactin|F|M",
    "de": "Pat-Nr;Geschl.;Geb.-Datum;Entnahme;Analyt;Ergebnis;Einheit|Prolaktin|W|M",
    "fr": "N° patient;Sexe;Date de naissance;Prélèvement;Analyse;Résultat;Unité|Prolactine|F|H",
    "es": "N.º paciente;Sexo;Fecha de nacimiento;Extracción;Prueba;Resultado;Unidad|Prolactina|M|H",
    "it": "ID paziente;Sesso;Data di nascita;Prelievo;Esame;Risultato;Unità|Prolattina|F|M",
    "nl": "Patiëntnummer;Geslacht;Geboortedatum;Afname;Test;Uitslag;Eenheid|Prolactine|V|M",
}
LONG_HEADERS = {
    language: (header.split(";"), test, female, male)
    for language, (header, test, female, male) in (
        (language, line.split("|")) for language, line in _LANGUAGE_LINES.items()
    )
}
LANGUAGES = sorted(LONG_HEADERS)


def _wide_header(language: str) -> list[str]:
    """The long header with the test and result columns as one prolactin column."""
    (pid, sex, dob, collected, _, _, unit), name, _, _ = LONG_HEADERS[language]
    return [pid, sex, dob, collected, name, unit]


def _run(path: Path) -> TriageOutcome:
    return run_triage(TriageRequest(inputs=[path], out_dir=path.parent / "out", keep_results=True))


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results.set_index("source_row")


def _warnings(outcome: TriageOutcome) -> str:
    return " ".join(w for summary in outcome.inputs for w in summary.warnings)


def _blank(value: object) -> bool:
    return bool(pd.isna(value)) or value == ""


def _accounted(outcome: TriageOutcome) -> None:
    """Every non-blank row below the header is a result, a row it absorbed, or rejected."""
    (summary,) = outcome.inputs
    assert summary.rows_read == summary.rows_triaged + summary.rows_rejected


# -- class 1: a blank row ends the patient's block ---------------------------------------------


def _long_separated(language: str) -> list[list[object]]:
    header, test, female, _ = LONG_HEADERS[language]
    return [
        header,
        ["P-100", female, "12.03.1990", "03.11.2026 08:10", test, "20", "ng/mL"],
        ["", "", "", "10.11.2026 08:20", test, "22", "ng/mL"],  # the same patient, filled down
        ["", "", "", "", "", "", ""],
        ["", "", "", "03.11.2026 09:10", test, "400", "ng/mL"],  # below the blank: nobody's
        ["P-300", female, "01.01.1970", "03.11.2026 10:00", test, "12", "ng/mL"],
    ]


def _wide_separated(language: str) -> list[list[object]]:
    _, _, female, _ = LONG_HEADERS[language]
    return [
        _wide_header(language),
        ["P-100", female, "12.03.1990", "03.11.2026", "20", "ng/mL"],
        ["", "", "", "10.11.2026", "22", "ng/mL"],  # the same patient, filled down
        ["", "", "", "", "", ""],
        ["", "", "", "03.11.2026", "400", "ng/mL"],  # below the blank: nobody's
        ["P-300", female, "01.01.1970", "03.11.2026", "12", "ng/mL"],
    ]


SHAPES = {"long": _long_separated, "wide": _wide_separated}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_blank_row_ends_the_patient_filled_down(
    tmp_path: Path, language: str, shape: str, suffix: str
) -> None:
    path = write_table(tmp_path / f"lis_{language}{suffix}", SHAPES[shape](language))
    outcome = _run(path)
    results = _results(outcome)
    # inside the block the patient is filled down, as before
    assert results.loc[3, "patient_id"] == "P-100"
    # the result below the blank row is not P-100's (nor anyone's): no id, no sex taken
    assert _blank(results.loc[5, "patient_id"])
    assert _blank(results.loc[5, "sex"])
    assert results.loc[6, "patient_id"] == "P-300"
    # still triaged and listed with the urgent results, by its row, never under P-100
    assert results.loc[5, "priority"] == "urgent"
    urgent = [line for line in outcome.urgent if "400" in line]
    assert urgent and all("P-100" not in line for line in urgent)
    assert "blank row" in _warnings(outcome)
    _accounted(outcome)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_blank_row_keeps_a_long_blocks_other_tests_from_the_patient_above(
    tmp_path: Path, language: str
) -> None:
    header, test, female, _ = LONG_HEADERS[language]
    rows: list[list[object]] = [
        header,
        ["P-100", female, "12.03.1990", "03.11.2026 08:10", test, "95", "ng/mL"],
        ["", "", "", "03.11.2026 08:10", "TSH", "1,1", "mU/L"],
        ["", "", "", "", "", "", ""],
        ["", "", "", "03.11.2026 09:10", test, "400", "ng/mL"],
        ["", "", "", "03.11.2026 09:10", "TSH", "0,9", "mU/L"],
    ]
    outcome = _run(write_table(tmp_path / f"long_{language}.csv", rows))
    results = _results(outcome)
    assert results.loc[2, "patient_id"] == "P-100"
    assert _blank(results.loc[5, "patient_id"])
    # P-100 has one result: the 400 ng/mL below the blank row is not on P-100's page
    assert (results["patient_id"] == "P-100").sum() == 1
    _accounted(outcome)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_rows_below_a_blank_row_that_name_their_patient_are_read_as_before(
    tmp_path: Path, shape: str
) -> None:
    """Guard (passes before and after): a blank row before a named row changes nothing."""
    rows = SHAPES[shape]("en")
    rows[4] = [*rows[5][:1], *rows[4][1:]]  # the row below the blank names P-300
    rows[4][1], rows[4][2] = rows[5][1], rows[5][2]
    outcome = _run(write_table(tmp_path / "named.csv", rows))
    results = _results(outcome)
    assert results.loc[2, "patient_id"] == "P-100"
    assert results.loc[5, "patient_id"] == "P-300"
    assert "blank row" not in _warnings(outcome)


def test_a_line_joined_into_the_record_above_is_no_blank_row(tmp_path: Path) -> None:
    """Guard: an unquoted line break in a note (an Alt+Enter, CR LF records) leaves an empty row
    in its place; the record below it still takes the patient above."""
    text = (
        "MRN,Sex,DOB,Collected,Test,Result,Units,Comment\r\n"
        "M1,F,1990-03-12,2026-11-03 08:10,PRL,20,ng/mL,headache\nfor two weeks\r\n"
        ",,,2026-11-10 08:10,PRL,22,ng/mL,\r\n"
    )
    path = tmp_path / "alt_enter.csv"
    path.write_bytes(text.encode())
    outcome = _run(path)
    results = _results(outcome)
    assert results.loc[4, "patient_id"] == "M1"
    assert "blank row" not in _warnings(outcome)


# -- class 2: a labelled comment row under a result --------------------------------------------

# the comment's label, a visual field loss and an antipsychotic in the language
COMMENTS = {
    "en": ("Comment:", "bitemporal hemianopia on confrontation", "takes haloperidol 5 mg daily"),
    "de": ("Kommentar:", "Gesichtsfeldausfall bitemporal seit 1 Woche", "Pat. nimmt Haldol 5 mg/d"),
    "fr": ("Commentaire :", "hémianopsie bitemporale", "sous rispéridone 2 mg/j"),
    "es": ("Nota:", "hemianopsia bitemporal", "toma risperidona 2 mg al día"),
    "it": ("Nota:", "emianopsia bitemporale", "assume aloperidolo 5 mg al giorno"),
    "nl": ("Opmerking:", "bitemporale hemianopsie", "gebruikt Risperdal 2 mg"),
}
LONG_COLUMNS = {"first": 0, "test": 4, "result": 5}
WIDE_COLUMNS = {"first": 0, "sex": 1, "prolactin": 4}


def _long_commented(language: str, column: int, text: str) -> list[list[object]]:
    header, test, female, _ = LONG_HEADERS[language]
    comment: list[object] = [""] * len(header)
    comment[column] = text
    return [
        header,
        ["P-100", female, "12.03.1990", "03.11.2026 08:10", test, "60", "ng/mL"],
        comment,
        ["P-200", female, "12.03.1991", "03.11.2026 08:15", test, "60", "ng/mL"],
    ]


def _wide_commented(language: str, column: int, text: str) -> list[list[object]]:
    _, _, female, _ = LONG_HEADERS[language]
    header = _wide_header(language)
    comment: list[object] = [""] * len(header)
    comment[column] = text
    return [
        header,
        ["P-100", female, "12.03.1990", "03.11.2026", "60", "ng/mL"],
        comment,
        ["P-200", female, "12.03.1991", "03.11.2026", "60", "ng/mL"],
    ]


CASES = [("long", name, col) for name, col in LONG_COLUMNS.items()] + [
    ("wide", name, col) for name, col in WIDE_COLUMNS.items()
]


def _commented(shape: str, language: str, column: int, text: str) -> list[list[object]]:
    build = _long_commented if shape == "long" else _wide_commented
    return build(language, column, text)


def _check_joined(outcome: TriageOutcome) -> None:
    (row,) = [r for r in outcome.rejected if r.source_row == 3]
    assert row.reason_code == "not_a_result_row"
    assert "row 2" in row.detail and "comment" in row.detail
    assert row.patient_id == "P-100"
    _accounted(outcome)


def _says_visual_field_loss(results: pd.DataFrame, row: int) -> bool:
    """§8: visual field loss with a raised prolactin: urgent, with an urgent referral."""
    return results.loc[row, "priority"] == "urgent" and "urgent_endocrine_referral" in str(
        results.loc[row, "suggestions"]
    )


def _says_antipsychotic(results: pd.DataFrame, row: int) -> bool:
    return "medication:antipsychotic" in str(results.loc[row, "factors"])


# what the comment says (its index in COMMENTS' entries) and how the result reads it
CONTENTS = {"visual_field_loss": (1, _says_visual_field_loss), "drug": (2, _says_antipsychotic)}


@pytest.mark.parametrize("content", sorted(CONTENTS))
@pytest.mark.parametrize(("shape", "where", "column"), CASES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_comment_rows_finding_is_the_result_aboves(
    tmp_path: Path, language: str, shape: str, where: str, column: int, content: str
) -> None:
    index, reads = CONTENTS[content]
    label = COMMENTS[language][0]
    rows = _commented(shape, language, column, f"{label} {COMMENTS[language][index]}")
    outcome = _run(write_table(tmp_path / f"{shape}_{where}_{language}.csv", rows))
    results = _results(outcome)
    assert reads(results, 2)
    assert not reads(results, 4)  # the patient below takes nothing
    _check_joined(outcome)


@pytest.mark.parametrize("language", ["de", "nl"])
def test_a_comment_row_in_a_workbook(tmp_path: Path, language: str) -> None:
    label, flag, _ = COMMENTS[language]
    rows = _long_commented(language, 0, f"{label} {flag}")
    outcome = _run(write_table(tmp_path / f"lis_{language}.xlsx", rows))
    assert _results(outcome).loc[2, "priority"] == "urgent"
    _check_joined(outcome)


@pytest.mark.parametrize(
    "footer",
    [
        "Printed by: jsmith",
        "Total: 3 rows",
        "Impreso por: usuario1",
        "Stampato da: utente1",
        "Anzahl Patienten: 2",
        "Validiert: Dr. med. K. Weber",
    ],
)
def test_a_footer_with_a_colon_is_no_comment_row(tmp_path: Path, footer: str) -> None:
    """Guard (passes before and after): footers stay notes, joined to no patient."""
    rows = _long_commented("en", 0, footer)
    outcome = _run(write_table(tmp_path / "footer.csv", rows))
    (row,) = [r for r in outcome.rejected if r.source_row == 3]
    assert row.reason_code == "not_a_result_row"
    assert "joined" not in row.detail


def test_a_comment_row_after_a_blank_row_joins_nothing(tmp_path: Path) -> None:
    """Guard (passes before and after): a blank row parts the comment from the result."""
    label, flag, _ = COMMENTS["de"]
    rows = _long_commented("de", 0, f"{label} {flag}")
    rows.insert(2, [""] * len(rows[0]))
    outcome = _run(write_table(tmp_path / "apart.csv", rows))
    assert _results(outcome).loc[2, "priority"] != "urgent"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_blank_row_under_a_patients_details_row_keeps_its_results(
    tmp_path: Path, language: str
) -> None:
    """Guard (passes before and after): a printed report's details row, then an empty line, then
    the patient's results: the blank row is under no result and ends nothing."""
    header, test, female, male = LONG_HEADERS[language]
    rows: list[list[object]] = [
        header,
        ["0093001", female, "14.03.1984", "", "", "", ""],
        [""] * len(header),
        ["", "", "", "05.01.2026 08:00", test, "640", "mIU/L"],
        [""] * len(header),
        ["0093002", male, "01.08.1959", "", "", "", ""],
        [""] * len(header),
        ["", "", "", "06.01.2026 08:00", test, "5600", "mIU/L"],
    ]
    outcome = _run(write_table(tmp_path / f"details_{language}.csv", rows))
    results = _results(outcome)
    assert results.loc[4, "patient_id"] == "0093001"
    assert results.loc[8, "patient_id"] == "0093002"
    assert "blank row" not in _warnings(outcome)
