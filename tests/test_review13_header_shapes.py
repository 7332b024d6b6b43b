"""Header shapes found by review 13, each fixed as a class:

1. a second prolactin column whose visit or repeat mark is glued on the prolactin word without a
   separator ("Prolactin2", "PRL3", "PRLb", "rPRL", "PRLrep", "PRLlatest", "prolactinfu", in
   every language) is a visit series, refused as "PRL_2" or "Prolactin 2" is, never dropped
   silently beside the first one (a false normal when the dropped one is raised);
2. a units row under the header whose other cells give the column's format rather than a unit
   ("[years]", "TT.MM.JJJJ", "jj/mm/aaaa", "(MRN)", "1=M, 2=F", "ja/nein") is read as the units
   row; a units row that is not read is named in the reason a unitless result is rejected;
3. a two-row header whose group title sits over an abbreviated sub-header ("Patient" over
   "PID", "Prolaktin" over "Wert") maps the sub-header alone, or the title alone over a generic
   word, when the joined text names no field."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from pipeline_helpers import write_table

from triage.io import ReadOptions, read_file
from triage.io.layout import _grouped_cell
from triage.pipeline import TriageRequest, run_triage

SUFFIXES = (".csv", ".xlsx")


# (first header, second header): a prolactin word in each of the six languages with a visit
# or repeat mark glued on it
GLUED = [
    ("Prolactin (ng/mL)", "Prolactin2 (ng/mL)"),
    ("PRL", "PRL2"),
    ("PRL", "PRL3"),
    ("PRL", "PRLb"),
    ("PRL", "rPRL"),
    ("PRL", "PRLrep"),
    ("PRL", "PRLlatest"),
    ("prolactin", "prolactinfu"),
    ("Prolaktin", "Prolaktin2"),
    ("Prolaktin", "Prolaktinwdh"),
    ("Prolactine", "Prolactine2"),
    ("Prolactine", "Prolactinesuivi"),
    ("Prolactina", "Prolactina2"),
    ("Prolactina", "Prolactinacontrol"),
    ("Prolattina", "Prolattina2"),
    ("Prolattina", "Prolattinacontrollo"),
    ("Prolactine", "Prolactinecontrole"),
]


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize(("first", "second"), GLUED)
def test_a_glued_visit_mark_makes_a_visit_series(
    tmp_path: Path, first: str, second: str, suffix: str
) -> None:
    rows: list[list[object]] = [
        ["id", "sex", "age", "date", first, "date2", second],
        ["A1", "F", 30, "2026-01-05", 10, "2026-04-05", 300],
    ]
    # each visit is read as a result of its own, on its own date (review 20: the file had been
    # refused whole)
    both = read_file(
        write_table(tmp_path / f"visits{suffix}", rows), None, ReadOptions(unit="ng/mL")
    )
    assert both.frame["prolactin_value"].tolist() == [10.0, 300.0]
    assert both.frame["collected_at"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-01-05",
        "2026-04-05",
    ]
    assert any(repr(second) in w for w in both.summary.warnings)
    # a header that is one word of its own beside the result is no glued visit mark
    for other in ["Macroprolactin", "Makroprolaktin", "Prolactin%", "Prolactinoma", "PRLR"]:
        rows[0][-1] = other
        path = write_table(tmp_path / f"own{suffix}", rows)
        read = read_file(path, None, ReadOptions(unit="ng/mL"))
        assert read.frame["prolactin_value"].tolist() == [10.0], other


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_the_glued_visit_series_is_read_end_to_end(tmp_path: Path, suffix: str) -> None:
    """The reviewer's file: a normal first visit must not stand for the urgent second one
    (review 20: each visit is triaged, the second one urgent)."""
    rows: list[list[object]] = [
        ["id", "sex", "age", "date", "Prolactin (ng/mL)", "date2", "Prolactin2 (ng/mL)"],
        ["A1", "F", 30, "2026-01-05", 10, "2026-04-05", 300],
    ]
    path = write_table(tmp_path / f"visits{suffix}", rows)
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert outcome.results is not None
    assert outcome.results["priority"].tolist() == ["none", "urgent"]


# (header row, units row) in six languages: the units row's other cells give formats
UNITS_ROWS = [
    (["ID", "Sex", "Age", "Prolactin"], ["", "", "[years]", "[mIU/L]"]),
    (["ID", "Sex", "Age", "Prolactin"], ["(MRN)", "1=M, 2=F", "(years)", "mIU/L"]),
    (["ID", "Sex", "Age", "Prolactin"], ["text", "1=M, 2=F", "y", "mIU/L"]),
    (["ID", "Geschlecht", "Geburtsdatum", "Prolaktin"], ["", "m/w", "TT.MM.JJJJ", "mIU/l"]),
    (["ID", "Sexe", "Date de naissance", "Prolactine"], ["", "(H/F)", "JJ.MM.AAAA", "mUI/L"]),
    (["ID", "Sexo", "Fecha de nacimiento", "Prolactina"], ["(NHC)", "", "dd.mm.aaaa", "mUI/L"]),
    (["ID", "Sesso", "Data di nascita", "Prolattina"], ["", "1=M, 2=F", "gg.mm.aaaa", "mUI/L"]),
    (["ID", "Geslacht", "Geboortedatum", "Prolactine"], ["", "M/V", "dd-mm-jjjj", "mIU/L"]),
    (["ID", "Sex", "Birth date", "Prolactin"], ["", "", "yyyy-mm-dd", "[mIU/L]"]),
]


def _birth(header: str) -> object:
    """A birth date in the pattern the units row gives, or an age."""
    return {
        "Age": 30,
        "Geburtsdatum": "01.01.1990",
        "Date de naissance": "01.01.1990",
        "Fecha de nacimiento": "01.01.1990",
        "Data di nascita": "01.01.1990",
        "Geboortedatum": "01-01-1990",
        "Birth date": "1990-01-01",
    }[header]


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize(("header", "units"), UNITS_ROWS)
def test_a_units_row_with_format_hints_is_the_units_row(
    tmp_path: Path, header: list[str], units: list[str], suffix: str
) -> None:
    female, male = ("w", "m") if header[1] == "Geschlecht" else ("F", "M")
    female = "V" if header[1] == "Geslacht" else female
    rows: list[list[object]] = [
        header,
        units,
        ["3001", female, _birth(header[2]), 900],
        ["3002", male, _birth(header[2]), 4000],
    ]
    path = write_table(tmp_path / f"units{suffix}", rows)
    run = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    out = run.results.set_index("patient_id")
    assert sorted(out.index) == ["3001", "3002"]
    assert set(out["prolactin_unit"]) == {"mIU/L"}
    assert out.loc["3001", "status"] == "high"  # 900 mIU/L in a woman
    assert out.loc["3002", "status"] == "high"  # 4000 mIU/L in a man


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_an_unread_units_row_is_named_where_a_result_lacks_a_unit(
    tmp_path: Path, suffix: str
) -> None:
    rows: list[list[object]] = [
        ["ID", "Sex", "Age", "Prolactin"],
        ["", "", "see note 3", "[mIU/L]"],
        ["3001", "F", 30, 900],
    ]
    path = write_table(tmp_path / f"units{suffix}", rows)
    run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    rejected = (tmp_path / "out" / "rejected.csv").read_text(encoding="utf-8")
    line = next(row for row in rejected.splitlines() if "unknown_unit" in row)
    assert "row 2 under the header names '[mIU/L]'" in line
    assert "not read as a units row" in line


# (group titles, sub-headers, female code) of a two-row grouped header in six languages: the
# patient group's sub-headers joined to "Patient" name no field; alone they do
GROUPED = [
    ("Patient", "Prolaktin", ["PID", "Geschlecht", "Geb.-Datum", "Wert", "Einheit"], "w"),
    ("Patient", "Prolactin", ["PID", "Sex", "DOB", "Value", "Unit"], "F"),
    ("Patient", "Prolactine", ["IPP", "Sexe", "DDN", "Valeur", "Unité"], "F"),
    ("Paciente", "Prolactina", ["NHC", "Sexo", "F. nac.", "Valor", "Unidad"], "F"),
    ("Paziente", "Prolattina", ["N. cartella", "Sesso", "Data di nascita", "Valore", "Unità"], "F"),
    ("Patiënt", "Prolactine", ["PID", "Geslacht", "Geb.datum", "Waarde", "Eenheid"], "V"),
]


def _grouped_rows(patient: str, prolactin: str, subs: list[str], female: str) -> list[list[object]]:
    return [
        [patient, "", "", prolactin, ""],
        subs,
        ["2001", female, "1990-01-01", 900, "mIU/l"],
        ["2002", "M", "1980-01-01", 6000, "mIU/l"],
    ]


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize(("patient", "prolactin", "subs", "female"), GROUPED)
def test_a_group_title_over_an_abbreviated_sub_header_keeps_the_field(
    tmp_path: Path, patient: str, prolactin: str, subs: list[str], female: str, suffix: str
) -> None:
    path = tmp_path / f"grouped{suffix}"
    rows = _grouped_rows(patient, prolactin, subs, female)
    if suffix == ".csv":
        write_table(path, rows)
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        sheet.merge_cells("A1:C1")
        sheet.merge_cells("D1:E1")
        book.save(path)
    run = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    out = run.results.set_index("patient_id")
    assert sorted(out.index) == ["2001", "2002"]
    assert out.loc["2002", "priority"] == "urgent"  # 6000 mIU/L in a man
    assert out.loc["2001", "sex"] == "F"
    assert out["birth_date"].notna().all()
    urgent = (tmp_path / "out" / "urgent.txt").read_text(encoding="utf-8")
    assert "URGENT patient 2002 " in urgent


@pytest.mark.parametrize(
    ("group", "sub", "expected"),
    [
        ("Patient", "PID", "PID"),  # the joined text names nothing: the sub-header alone
        ("Paciente", "NHC", "NHC"),
        ("Prolaktin", "Wert", "Prolaktin Wert"),  # the joined text names prolactin
        ("TSH", "Wert", "TSH Wert"),  # never "Wert" alone: that would be a result column
        ("Patient", "Name", "Patient Name"),
    ],
)
def test_a_grouped_cell_falls_back_only_where_the_joined_text_names_nothing(
    group: str, sub: str, expected: str
) -> None:
    assert _grouped_cell(group, sub) == expected
