"""Review 13: unit columns the header does not name, and columns of one header.  Synthetic
patients only.

- a column right beside the result whose cells are prolactin units is the unit column whatever
  its header (none, one merged over the result and its unit, "ME", "Dim", the result's own word
  again): its units win over --unit (before, --unit mIU/L read 300 ng/mL as 300 mIU/L: normal);
- --unit is never applied against the file's own units: a row without a unit beside a unit
  column writing another unit is rejected (unknown_unit);
- two columns of one header ("Unit", "Unit"; "Sex", "Sex") are read row by row from the one
  that is filled; both filled and different: the row is rejected, naming both columns;
- the hint naming a column by its letters ([columns] sex = "column D") is not scrubbed.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from triage.io import ReadOptions
from triage.output.redact import scrub_quoted
from triage.pipeline import TriageOutcome, TriageRequest, run_triage

# language -> (patient id, sex, age, prolactin, unit, comments, female, male) header words
LANGUAGES: dict[str, tuple[str, ...]] = {
    "en": ("Patient ID", "Sex", "Age", "Prolactin", "Unit", "Comments", "F", "M"),
    "de": ("Patienten-ID", "Geschlecht", "Alter", "Prolaktin", "Einheit", "Bemerkung", "w", "m"),
    "fr": ("ID patient", "Sexe", "Âge", "Prolactine", "Unité", "Commentaire", "F", "H"),
    "es": ("ID paciente", "Sexo", "Edad", "Prolactina", "Unidad", "Comentario", "mujer", "hombre"),
    "it": ("ID paziente", "Sesso", "Età", "Prolattina", "Unità", "Commento", "F", "M"),
    "nl": ("Patiëntnummer", "Geslacht", "Leeftijd", "Prolactine", "Eenheid", "Opmerking", "V", "M"),
}
LANGS = sorted(LANGUAGES)


def _run(path: Path, unit: str | None = None) -> TriageOutcome:
    return run_triage(
        TriageRequest(
            inputs=[path],
            out_dir=path.parent / "out",
            keep_results=True,
            read_options=ReadOptions(unit=unit),
        )
    )


def _csv(tmp_path: Path, rows: list[list[object]]) -> Path:
    path = tmp_path / "export.csv"
    text = "\r\n".join(",".join(str(c) for c in row) for row in rows) + "\r\n"
    path.write_text(text, encoding="utf-8")
    return path


def _by_patient(outcome: TriageOutcome) -> dict[str, pd.Series]:
    assert outcome.results is not None
    return {str(row["patient_id"]): row for _, row in outcome.results.iterrows()}


def _rejected(outcome: TriageOutcome) -> dict[int, tuple[str, str]]:
    return {r.source_row: (r.reason_code, r.detail) for r in outcome.rejected}


# ---------------------------------------------------------------------------------------------
# A unit column found by its cells
# ---------------------------------------------------------------------------------------------
def _unit_rows(lang: str, unit_header: str) -> list[list[object]]:
    pid, sex, age, prl, _, comments, female, male = LANGUAGES[lang]
    return [
        [pid, sex, age, prl, unit_header, comments],
        ["P1", female, 30, 300, "ng/mL", ""],
        ["P2", female, 31, 300, "mIU/L", ""],
        ["P3", male, 50, 12, "ng/mL", ""],
    ]


def _assert_units_from_cells(outcome: TriageOutcome) -> None:
    found = _by_patient(outcome)
    assert set(found) == {"P1", "P2", "P3"}, _rejected(outcome)
    assert float(found["P1"]["prolactin_ng_ml"]) == 300.0  # ng/mL as written, not --unit
    assert found["P1"]["priority"] == "urgent"
    assert float(found["P2"]["prolactin_ng_ml"]) == pytest.approx(14.15, abs=0.01)
    assert float(found["P3"]["prolactin_ng_ml"]) == 12.0
    assert found["P3"]["status"] == "normal"  # not 12 mIU/L, low


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("header", ["", "ME", "Dim", "<result word>"])
def test_a_unit_column_is_read_by_its_cells_whatever_its_header(
    tmp_path: Path, lang: str, header: str
) -> None:
    unit_header = LANGUAGES[lang][3] if header == "<result word>" else header
    path = _csv(tmp_path, _unit_rows(lang, unit_header))
    _assert_units_from_cells(_run(path, unit="mIU/L"))  # the cron's PROLACTIN_TRIAGE_UNIT
    bare = _run(path)  # without --unit: read, not rejected as having no unit column
    assert not bare.rejected, _rejected(bare)
    _assert_units_from_cells(bare)
    warnings = [w for s in bare.inputs for w in s.warnings]
    assert any("column E" in w and "prolactin_unit" in w for w in warnings), warnings


@pytest.mark.parametrize("lang", LANGS)
def test_a_header_merged_over_the_result_and_its_unit(tmp_path: Path, lang: str) -> None:
    """The usual layout of a lab's printout: the result's header cell merged over the result
    and the unit (xlsx), the unit column's own header cell empty."""
    rows = _unit_rows(lang, "")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "R"
    for row in rows:
        sheet.append([None if c == "" else c for c in row])
    sheet.merge_cells("D1:E1")
    path = tmp_path / "export.xlsx"
    book.save(path)
    _assert_units_from_cells(_run(path, unit="mIU/L"))


@pytest.mark.parametrize("lang", LANGS)
def test_long_shape_unit_column_without_a_header(tmp_path: Path, lang: str) -> None:
    test, result = {
        "en": ("Test", "Result"),
        "de": ("Test", "Ergebnis"),
        "fr": ("Analyse", "Résultat"),
        "es": ("Prueba", "Resultado"),
        "it": ("Esame", "Risultato"),
        "nl": ("Test", "Uitslag"),
    }[lang]
    pid, sex, age, prl, *_ = LANGUAGES[lang]
    female = LANGUAGES[lang][6]
    path = _csv(
        tmp_path,
        [
            [pid, sex, age, test, result, ""],
            ["P1", female, 30, prl, 300, "ng/ml"],
            ["P1", female, 30, "TSH", 2.1, "mU/l"],
            ["P2", female, 40, prl, 300, "mU/l"],
        ],
    )
    found = _by_patient(_run(path, unit="mIU/L"))
    assert float(found["P1"]["prolactin_ng_ml"]) == 300.0
    assert found["P1"]["priority"] == "urgent"
    assert float(found["P2"]["prolactin_ng_ml"]) == pytest.approx(14.15, abs=0.01)


@pytest.mark.parametrize("lang", LANGS)
def test_unit_option_never_against_the_files_own_units(tmp_path: Path, lang: str) -> None:
    """A row whose unit cell is empty, beside a unit column that writes ng/mL: --unit mIU/L
    would be a guess the file contradicts (a false normal if the row is in ng/mL)."""
    pid, sex, age, prl, unit, _, female, _ = LANGUAGES[lang]
    path = _csv(
        tmp_path,
        [[pid, sex, age, prl, unit], ["P1", female, 30, 300, ""], ["P2", female, 30, 20, "ng/mL"]],
    )
    outcome = _run(path, unit="mIU/L")
    assert set(_by_patient(outcome)) == {"P2"}
    code, detail = _rejected(outcome)[2]
    assert code == "unknown_unit" and "is not applied" in detail
    agreeing = _by_patient(_run(path, unit="ng/mL"))
    assert float(agreeing["P1"]["prolactin_ng_ml"]) == 300.0


# ---------------------------------------------------------------------------------------------
# Columns of one header
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_two_unit_columns_the_filled_one_is_read(tmp_path: Path, lang: str, suffix: str) -> None:
    pid, sex, age, prl, unit, _, female, _ = LANGUAGES[lang]
    rows: list[list[object]] = [
        [pid, sex, age, prl, unit, unit],
        ["P1", female, 30, 300, "", "ng/mL"],
        ["P2", female, 40, 18, "", "ng/mL"],
        ["P3", female, 40, 6000, "ng/mL", "mIU/L"],
        ["P4", female, 40, 200, "mIU/L", "mU/l"],  # the same unit twice
    ]
    if suffix == "csv":
        path = _csv(tmp_path, rows)
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows:
            sheet.append([None if c == "" else c for c in row])
        path = tmp_path / "export.xlsx"
        book.save(path)
    outcome = _run(path, unit="mIU/L")
    found = _by_patient(outcome)
    assert set(found) == {"P1", "P2", "P4"}, _rejected(outcome)
    assert float(found["P1"]["prolactin_ng_ml"]) == 300.0
    assert found["P1"]["priority"] == "urgent"
    assert float(found["P2"]["prolactin_ng_ml"]) == 18.0
    assert float(found["P4"]["prolactin_ng_ml"]) == pytest.approx(9.43, abs=0.01)
    code, detail = _rejected(outcome)[4]  # two different units: not known, not --unit's
    assert code == "unknown_unit" and "columns E and F" in detail
    assert any("6000" in line for line in outcome.urgent)  # urgent in either unit: listed


@pytest.mark.parametrize("lang", LANGS)
def test_two_sex_columns_the_filled_one_is_read(tmp_path: Path, lang: str) -> None:
    pid, sex, age, prl, _, _, female, male = LANGUAGES[lang]
    path = _csv(
        tmp_path,
        [
            [pid, sex, age, sex, f"{prl} (ng/mL)"],
            ["P1", "", 30, female, 22],
            ["P2", "", 40, male, 22],
            ["P3", female, 40, male, 22],
            ["P4", male, 40, female, 400],
        ],
    )
    outcome = _run(path)
    found = _by_patient(outcome)
    assert set(found) == {"P1", "P2"}
    assert found["P1"]["sex"] == "F" and found["P1"]["status"] == "normal"
    assert found["P2"]["sex"] == "M" and found["P2"]["status"] == "high"
    rejected = _rejected(outcome)
    assert {rejected[4][0], rejected[5][0]} == {"conflicting_cells"}
    assert "columns B and D" in rejected[4][1]
    assert any("P4" in line for line in outcome.urgent)  # 400 ng/mL: listed all the same
    assert not any("P3" in line for line in outcome.urgent)


def test_two_age_columns_the_filled_one_is_read(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        [
            ["Patient ID", "Sex", "Age", "Age", "Prolactin (ng/mL)"],
            ["P1", "F", 30, "", 22],
            ["P2", "F", "", 1, 22],
        ],
    )
    found = _by_patient(_run(path))
    assert float(found["P2"]["age_years"]) == 1.0  # a child, not an adult of unknown age


def test_a_column_named_by_its_letters_is_not_scrubbed() -> None:
    """Two columns share the header: the hint names one by its letters, which are no cell."""
    text = "columns B and D are both headed 'Sex': ... ([columns] sex = \"column D\")"
    assert scrub_quoted(text).endswith('([columns] sex = "column D")')
    assert scrub_quoted("'column D'", keep=()) == "'column D'"
    assert scrub_quoted("'P-1234 column D'") == "[redacted]"  # a cell stays scrubbed
