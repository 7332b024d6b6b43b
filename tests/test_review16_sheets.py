"""Sheets and headers (README "Sheets and headers"; output contract §4: the counts are of real
result rows).  A pivot's summary (its rows groups, a grand-total row at the end) and a cover page
of labels and values beside the patients' sheet were read as patients without ids: invented,
even urgent, results and bogus rejected rows.  They are passed over, and the run names them and
says why; a lone sheet, a sheet of samples, one sheet per patient and Excel's subtotals on a
patients' sheet are still read.  The group titles of a two-row header repeated on a printed
export's next page were an unparseable result: they are a repeated header, as the sub-header is.
Synthetic patients only."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from triage.io import FileRead, ReadOptions, read_file

Rows = list[list[object]]


def _book(path: Path, sheets: list[tuple[str, Rows]], merged: tuple[str, ...] = ()) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in merged:
            sheet.merge_cells(cells)
    book.save(path)
    return path


def _read(path: Path) -> FileRead:
    read = read_file(path, None, ReadOptions())
    summary = read.summary
    assert summary.rows_read == summary.rows_triaged + summary.rows_rejected
    return read


def _sheets_read(read: FileRead) -> set[str]:
    return set(read.frame["source_sheet"]) | {r.source_sheet for r in read.rejected}


# (language, data sheet, its header, pivot sheet, pivot header, the grand-total label)
PIVOTS = [
    ("de", "Daten", ["Pat-Nr", "Geschlecht", "Alter", "Station", "Prolaktin (ng/ml)"],
     "Pivot", ["Station", "Geschlecht", "Prolaktin (ng/ml)"], "Gesamtergebnis"),
    ("en", "Data", ["Patient ID", "Sex", "Age", "Ward", "Prolactin (ng/mL)"],
     "Summary", ["Ward", "Sex", "Prolactin (ng/mL)"], "Grand Total"),
    ("fr", "Données", ["IPP", "Sexe", "Âge", "Service", "Prolactine (ng/mL)"],
     "Synthèse", ["Service", "Sexe", "Prolactine (ng/mL)"], "Total général"),
    ("es", "Datos", ["ID paciente", "Sexo", "Edad", "Servicio", "Prolactina (ng/mL)"],
     "Resumen", ["Servicio", "Sexo", "Prolactina (ng/mL)"], "Total general"),
    ("it", "Dati", ["ID paziente", "Sesso", "Età", "Reparto", "Prolattina (ng/mL)"],
     "Pivot", ["Reparto", "Sesso", "Prolattina (ng/mL)"], "Totale complessivo"),
    ("nl", "Gegevens", ["Patiëntnummer", "Geslacht", "Leeftijd", "Afdeling",
     "Prolactine (ng/mL)"], "Draaitabel", ["Afdeling", "Geslacht", "Prolactine (ng/mL)"],
     "Eindtotaal"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "data", "header", "pivot", "pivot_header", "grand"), PIVOTS, ids=[p[0] for p in PIVOTS]
)
def test_a_pivot_summary_beside_the_patients_is_passed_over(
    tmp_path: Path,
    lang: str,
    data: str,
    header: list[str],
    pivot: str,
    pivot_header: list[str],
    grand: str,
) -> None:
    """Its group rows were id-less patients: a mean of 175.1 ng/mL came out as a result, a group
    of one at 300 as an URGENT patient '-'."""
    female, male = ("F", "M") if lang != "de" else ("w", "m")
    patients: Rows = [
        header,
        ["K1", female, 30, "4B", 35.2],
        ["K2", female, 50, "4B", 410],
        ["K3", female, 28, "4B", 80],
        ["K4", male, 28, "7A", 300],
    ]
    summary: Rows = [pivot_header, ["4B", female, 175.1], ["7A", male, 300], [grand, None, 134.3]]
    read = _read(_book(tmp_path / f"pivot_{lang}.xlsx", [(data, patients), (pivot, summary)]))
    assert read.summary.sheet == data
    assert read.frame["patient_id"].tolist() == ["K1", "K2", "K3", "K4"]
    assert _sheets_read(read) == {data}
    assert read.summary.rows_read == 4 and not read.rejected
    said = [w for w in read.summary.warnings if repr(pivot) in w]
    assert len(said) == 1 and "grand-total row" in said[0] and "not read" in said[0]


# (cover sheet, data sheet): a title, then label | value pairs naming a prolactin field
COVERS = [
    (
        ("Info", [["Analyte", "Prolactin"], ["Method", "Roche Elecsys"], ["Unit", "mIU/L"],
                  ["Upper limit (women)", 496], ["Upper limit (men)", 324],
                  ["Results in this export", 2]]),
        ("Results", [["Patient ID", "Sex", "Age", "Prolactin", "Unit"],
                     ["I1", "F", 30, 480, "mIU/L"], ["I2", "M", 50, 900, "mIU/L"]]),
    ),
    (
        ("Deckblatt", [["Prolaktin – Monatsbericht November 2026", None], [],
                       ["Parameter", "Prolaktin"], ["Anzahl Befunde", 2],
                       ["Erstellt", "05.12.2026"]]),
        ("Befunde", [["Pat-Nr", "Geschlecht", "Alter", "Prolaktin (ng/ml)"],
                     ["K1", "w", 30, 35.2], ["K2", "m", 50, 12]]),
    ),
    (
        ("Page de garde", [["Analyte", "Prolactine"], ["Méthode", "Abbott Alinity"],
                           ["Édité le", datetime(2026, 12, 5)], ["Nombre de résultats", 2]]),
        ("Résultats", [["IPP", "Sexe", "Âge", "Prolactine (ng/mL)"],
                       ["F1", "F", 30, 35.2], ["F2", "M", 50, 12]]),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("cover", "data"), COVERS, ids=["en", "de", "fr"])
def test_a_cover_page_of_labels_and_values_is_passed_over(
    tmp_path: Path, cover: tuple[str, Rows], data: tuple[str, Rows]
) -> None:
    """'Upper limit (women) | 496' was a patient at 496 mIU/L, and 'Method | Roche Elecsys' a
    rejected row ('Roche Elecsys' is not a number)."""
    read = _read(_book(tmp_path / "cover.xlsx", [cover, data]))
    assert read.summary.sheet == data[0]
    assert len(read.frame) == 2 and not read.rejected
    assert _sheets_read(read) == {data[0]}
    said = [w for w in read.summary.warnings if repr(cover[0]) in w]
    assert len(said) == 1 and "cover page" in said[0] and "not read" in said[0]


def test_a_workbook_of_cover_data_and_pivot_reads_the_data_only(tmp_path: Path) -> None:
    """The hunter's workbook: read as 'Daten + Deckblatt + Pivot', an URGENT patient '-' from
    the pivot's row 3 and a prolactin '05.12.2026' rejected."""
    path = _book(
        tmp_path / "monat.xlsx",
        [
            ("Deckblatt", [["Prolaktin – Monatsbericht November 2026", None],
                           ["Parameter", "Prolaktin"], ["Anzahl Befunde", 3],
                           ["Erstellt", "05.12.2026"]]),
            ("Daten", [["Pat-Nr", "Geschlecht", "Alter", "Station", "Prolaktin (ng/ml)",
                        "Medikation"], ["K1", "w", 30, "4B", 35.2, "Haloperidol"],
                       ["K2", "m", 50, "4B", 300, None], ["K3", "w", 28, "7A", 12, None]]),
            ("Pivot", [["Station", "Geschlecht", "Prolaktin (ng/ml)"], ["4B", "w", 35.2],
                       ["4B", "m", 300], ["7A", "w", 12], ["Gesamtergebnis", None, 115.7]]),
        ],
    )  # fmt: skip
    read = _read(path)
    assert read.summary.sheet == "Daten"
    assert (read.summary.rows_read, read.summary.rows_rejected) == (3, 0)
    assert read.frame["patient_id"].tolist() == ["K1", "K2", "K3"]
    passed = " ".join(w for w in read.summary.warnings if "not read" in w)
    assert "'Deckblatt' hold a cover page" in passed
    assert "'Pivot' hold a summary" in passed


def test_a_lone_pivot_without_ids_is_still_read(tmp_path: Path) -> None:
    """A single-sheet export has nothing beside it: its rows are read (the grand total is a
    rejected footer row, as before)."""
    rows: Rows = [
        ["Station", "Geschlecht", "Prolaktin (ng/ml)"],
        ["4B", "w", 35.2],
        ["7A", "m", 12],
        ["Gesamtergebnis", None, 23.6],
    ]
    read = _read(_book(tmp_path / "only.xlsx", [("Pivot", rows)]))
    assert read.summary.sheet == "Pivot"
    assert read.frame["prolactin_raw"].tolist() == ["35.2", "12"]
    assert [r.source_row for r in read.rejected] == [4]


def test_subtotals_on_a_sheet_of_patients_without_ids_are_still_read(tmp_path: Path) -> None:
    """Excel's Data > Subtotal writes '4B Ergebnis' rows above its 'Gesamtergebnis': with no
    sheet of named patients beside it, that sheet holds patients, not a pivot's groups."""
    subtotals: Rows = [
        ["Station", "Geschlecht", "Alter", "Prolaktin (ng/ml)"],
        ["4B", "w", 30, 20],
        ["4B", "w", 41, 30],
        ["4B Ergebnis", None, None, 50],
        ["7A", "m", 52, 12],
        ["7A Ergebnis", None, None, 12],
        ["Gesamtergebnis", None, None, 62],
    ]
    other: Rows = [["Station", "Geschlecht", "Alter", "Prolaktin (ng/ml)"], ["9C", "w", 33, 15]]
    read = _read(_book(tmp_path / "sub.xlsx", [("Januar", subtotals), ("Februar", other)]))
    assert _sheets_read(read) == {"Januar", "Februar"}
    januar = read.frame[read.frame["source_sheet"] == "Januar"]
    assert januar["prolactin_raw"].tolist() == ["20", "30", "12"]
    assert not any("not read" in w for w in read.summary.warnings)


def test_a_short_data_sheet_and_a_sheet_of_samples_are_still_read(tmp_path: Path) -> None:
    """One patient on the data sheet beside a cover is read; a two-column sheet of sample
    numbers names its samples (no cover page, though its labels are distinct texts)."""
    path = _book(
        tmp_path / "short.xlsx",
        [
            ("Info", [["Analyte", "Prolactin"], ["Method", "Roche Elecsys"], ["Unit", "ng/mL"]]),
            ("Results", [["Patient ID", "Sex", "Age", "Prolactin (ng/mL)"], ["S1", "F", 30, 18]]),
            ("Samples", [["Sample ID", "Prolactin (ng/mL)"], ["LAB-001", 22],
                         ["LAB-002", "hemolysed"]]),
        ],
    )  # fmt: skip
    read = _read(path)
    assert _sheets_read(read) == {"Results", "Samples"}
    assert read.frame["patient_id"].tolist()[:1] == ["S1"]
    assert [w for w in read.summary.warnings if "'Info' hold a cover page" in w]


def test_one_sheet_per_patient_is_still_read(tmp_path: Path) -> None:
    """Sheets named after patients hold no id column and may hold a word among the results:
    with no sheet naming patients beside them, none is taken for a cover page."""
    visits: Rows = [["Visite", "Prolaktin (ng/ml)"], ["Baseline", 40], ["Woche 4", "hämolysiert"]]
    dated: Rows = [["Entnahmedatum", "Prolaktin (ng/ml)"], [datetime(2026, 11, 2), 35.2]]
    read = _read(_book(tmp_path / "each.xlsx", [("Patient K1", visits), ("Patient K2", dated)]))
    assert _sheets_read(read) == {"Patient K1", "Patient K2"}
    assert not any("cover page" in w for w in read.summary.warnings)


# (language, group titles, sub-headers, the page-break footer)
GROUPED = [
    ("de", ["Patient", None, None, "Entnahme", "Prolaktin", None],
     ["ID", "Geschlecht", "Alter", "Datum", "Wert", "Einheit"], "Seite 1 von 2"),
    ("en", ["Patient", None, None, "Collection", "Prolactin", None],
     ["ID", "Sex", "Age", "Date", "Result", "Unit"], "Page 1 of 2"),
    ("fr", ["Patient", None, None, "Prélèvement", "Prolactine", None],
     ["IPP", "Sexe", "Âge", "Date", "Résultat", "Unité"], "Page 1 sur 2"),
    ("es", ["Paciente", None, None, "Extracción", "Prolactina", None],
     ["ID", "Sexo", "Edad", "Fecha", "Resultado", "Unidad"], "Página 1 de 2"),
    ("it", ["Paziente", None, None, "Prelievo", "Prolattina", None],
     ["ID", "Sesso", "Età", "Data", "Risultato", "Unità"], "Pagina 1 di 2"),
    ("nl", ["Patiënt", None, None, "Afname", "Prolactine", None],
     ["ID", "Geslacht", "Leeftijd", "Datum", "Resultaat", "Eenheid"], "Pagina 1 van 2"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "titles", "subheaders", "footer"), GROUPED, ids=[g[0] for g in GROUPED]
)
def test_the_group_titles_repeated_after_a_page_break_are_a_repeated_header(
    tmp_path: Path, lang: str, titles: list[object], subheaders: list[str], footer: str
) -> None:
    """'Prolaktin' on the repeated group-title row was rejected as an unparseable result; the
    sub-header row under it was already a duplicate_header."""
    female, male = ("w", "m") if lang == "de" else ("F", "M")
    rows: Rows = [
        titles,
        subheaders,
        ["P1", female, 30, "02.11.2026", "35,2", "ng/ml"],
        ["P2", male, 50, "02.11.2026", 6300, "mU/l"],
        [footer],
        titles,
        subheaders,
        ["P3", female, 30, "03.11.2026", 480, "mU/l"],
        ["P4", male, 44, "03.11.2026", 7100, "mU/l"],
    ]
    merged = ("A1:C1", "E1:F1", "A6:C6", "E6:F6")
    read = _read(_book(tmp_path / f"pages_{lang}.xlsx", [("Daten", rows)], merged))
    assert read.frame["patient_id"].tolist() == ["P1", "P2", "P3", "P4"]
    assert [(r.source_row, r.reason_code) for r in read.rejected] == [
        (5, "not_a_result_row"),
        (6, "duplicate_header"),
        (7, "duplicate_header"),
    ]
    assert not any("could not be read as dates" in w for w in read.summary.warnings)


def test_the_group_titles_repeated_in_a_csv_and_a_result_naming_a_title(tmp_path: Path) -> None:
    """The same in a delimited export; a row holding one title word among its values ('Patient'
    as a comment) stays a result."""
    path = tmp_path / "pages.csv"
    path.write_text(
        "Patient;;Prolaktin;;\n"
        "ID;Geschlecht;Wert;Einheit;Bemerkung\n"
        "P1;w;35,2;ng/ml;Patient nüchtern\n"
        "P2;m;12;ng/ml;Patient\n"
        "Patient;;Prolaktin;;\n"
        "ID;Geschlecht;Wert;Einheit;Bemerkung\n"
        "P3;w;480;mU/l;\n",
        encoding="utf-8",
    )
    read = _read(path)
    assert read.frame["patient_id"].tolist() == ["P1", "P2", "P3"]
    assert [(r.source_row, r.reason_code) for r in read.rejected] == [
        (5, "duplicate_header"),
        (6, "duplicate_header"),
    ]
