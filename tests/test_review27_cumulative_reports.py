"""Review 27 AB: LIS cumulative reports ("Kumulativbefund", "résultats antérieurs") and printed
reports in patient blocks.

A cumulative report writes one prolactin column per draw date.  The date may be written with
dots, slashes or in ISO form; each column is a result of its own, collected on its header's
date (its age, trend and delta check are that day's).  A printed report names the patient once,
on a heading line above its results, in the patient column; the results below are that
patient's (output contract §2, §7 urgent: an urgent result names its patient).  A row whose
details were given to the results below it says so in rejected.csv (contract §4 detail).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import cli, triage_on_day

from triage.pipeline import TriageRequest, run_triage

# (language, the prolactin word, the patient id header, the sex header, the birth date header)
LANGUAGES = [
    ("en", "Prolactin", "Patient ID", "Sex", "Date of birth"),
    ("de", "Prolaktin", "Pat-Nr", "Geschlecht", "Geburtsdatum"),
    ("fr", "Prolactine", "IPP", "Sexe", "Date de naissance"),
    ("es", "Prolactina", "NHC", "Sexo", "Fecha de nacimiento"),
    ("it", "Prolattina", "ID paziente", "Sesso", "Data di nascita"),
    ("nl", "Prolactine", "Patiëntnummer", "Geslacht", "Geboortedatum"),
]

# the same three draw dates, written as the LIS writes them in a header
DATE_FORMS = {
    "slash": ("12/01/2026", "09/02/2026", "09/03/2026"),
    "iso": ("2026-01-12", "2026-02-09", "2026-03-09"),
    "hyphen": ("12-01-2026", "09-02-2026", "09-03-2026"),
    "dotted": ("12.01.2026", "09.02.2026", "09.03.2026"),  # read before too (guard)
}
DRAWN = ["2026-01-12", "2026-02-09", "2026-03-09"]


def _run(tmp_path: Path, text: str, *, name: str = "export.csv"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert outcome.results is not None
    return outcome


def _cumulative(language: tuple[str, ...], form: str) -> list[str]:
    """A cumulative report in ``language`` (a LANGUAGES row), its columns dated in ``form``."""
    _, word, pid, sex, born = language
    dates = DATE_FORMS[form]
    header = ";".join([pid, sex, born, *(f"{word} {d} (mIU/L)" for d in dates)])
    return [header, "000777;F;02/05/1987;390;1200;5400", "000778;F;14/07/1990;420;;"]


@pytest.mark.parametrize("form", sorted(DATE_FORMS))
@pytest.mark.parametrize("language", LANGUAGES, ids=[row[0] for row in LANGUAGES])
def test_each_dated_column_is_a_result_of_its_own(
    tmp_path: Path, language: tuple[str, ...], form: str
) -> None:
    lines = _cumulative(language, form)
    outcome = _run(tmp_path, "\n".join(lines) + "\n")
    results = outcome.results
    assert outcome.exit_code == 0
    mine = results[results["patient_id"] == "000777"]
    assert sorted(mine["prolactin_raw"].astype(float)) == [390.0, 1200.0, 5400.0]
    assert (mine[mine["prolactin_raw"].astype(float) == 5400]["priority"] == "urgent").all()
    assert any("000777" in line and "5400" in line for line in outcome.urgent)
    summary = outcome.inputs[0]
    assert summary.rows_read == summary.rows_triaged + summary.rows_rejected


@pytest.mark.parametrize("form", sorted(DATE_FORMS))
@pytest.mark.parametrize("language", LANGUAGES, ids=[row[0] for row in LANGUAGES])
def test_the_header_date_is_the_collection_date_and_the_age_is_counted_to_it(
    tmp_path: Path, language: tuple[str, ...], form: str
) -> None:
    lines = _cumulative(language, form)
    # run years later: an age counted to the day of the run would be 44, not 38
    outcome = triage_on_day(tmp_path, lines[0], lines[1:], datetime(2031, 6, 1))
    mine = outcome.results[outcome.results["patient_id"] == "000777"]
    drawn = pd.to_datetime(mine["collected_at"]).dt.strftime("%Y-%m-%d").tolist()
    assert sorted(drawn) == DRAWN
    assert mine["age_years"].astype(float).between(38.6, 38.9).all()


def test_a_date_column_written_once_does_not_date_every_dated_result(tmp_path: Path) -> None:
    """A report date in its own column is not the draw date of three results of three dates."""
    text = (
        "IPP;Sexe;Date du compte rendu;PRL 12/01/2026 (mUI/L);PRL 09/02/2026 (mUI/L)\n"
        "000777;F;15/03/2026;390;1200\n"
    )
    results = _run(tmp_path, text).results
    drawn = pd.to_datetime(results["collected_at"]).dt.strftime("%Y-%m-%d").tolist()
    assert sorted(drawn) == ["2026-01-12", "2026-02-09"]


@pytest.mark.parametrize("form", ["slash", "iso", "dotted"])
def test_the_trend_runs_over_the_dated_columns(tmp_path: Path, form: str) -> None:
    """410 -> 980 -> 2100 mIU/L a month apart: each rise exceeds the reference change value, so
    both later results are rising, and a significant rise of a high result is at least soon."""
    dates = DATE_FORMS[form]
    header = ";".join(
        ["Pat-Nr", "Geschl.", "Geb.-Dat.", *(f"Prolaktin {d} (mIU/l)" for d in dates)]
    )
    path = tmp_path / "kum.csv"
    path.write_text(f"{header}\n0045123;W;03.05.1988;410;980;2100\n", encoding="utf-8")
    out = tmp_path / "out"
    done = cli("run", path, "--out", out, "--history", tmp_path / "history.db")
    assert done.exit_code == 0, done.output
    results = pd.read_csv(out / "results.csv", dtype=str).sort_values("collected_at")
    assert results["trend"].tolist()[1:] == ["rising", "rising"]
    assert results["priority"].tolist()[-1] in ("soon", "urgent")


@pytest.mark.parametrize(
    "odd",
    [
        "Prolactine du 9 fevrier bis (mUI/L)",
        "Prolaktin Nachforderung Labor B (mIU/l)",
        "Prolactin rerun on other analyser xyz (mIU/L)",
    ],
)
def test_a_prolactin_column_holding_values_is_never_left_unread_silently(
    tmp_path: Path, odd: str
) -> None:
    text = f"IPP;Sexe;PRL 12.01.2026 (mUI/L);{odd}\n000777;F;390;5400\n000778;F;410;300\n"
    outcome = _run(tmp_path, text)
    read = set(outcome.results["prolactin_raw"].astype(float))
    if 5400.0 in read:  # read as a result: then listed as urgent
        assert any("5400" in line for line in outcome.urgent)
        return
    said = [w for s in outcome.inputs for w in s.warnings if odd in w and "value(s)" in w]
    assert said, [w for s in outcome.inputs for w in s.warnings]
    assert "2 value(s)" in said[0]
    assert "row(s) 2 may hold an urgent result" in said[0]


def test_an_earlier_value_column_is_not_warned_about_as_unread(tmp_path: Path) -> None:
    """Guard: "Previous prolactin" beside the result is knowingly not read (review 23)."""
    text = "IPP;Sexe;Prolactine (mUI/L);Previous prolactin (mUI/L)\n000777;F;390;5400\n"
    outcome = _run(tmp_path, text)
    assert not [w for s in outcome.inputs for w in s.warnings if "holds 1 value" in w]


# (language, patient header, date header, test header, result header, unit header, sex letters)
Block = tuple[str, str, str, str, str, str, tuple[str, str]]
BLOCK_LANGUAGES: list[Block] = [
    ("en", "Patient", "Collected", "Test", "Result", "Unit", ("F", "M")),
    ("de", "Patient", "Entnahme", "Analyse", "Wert", "Einheit", ("W", "M")),
    ("fr", "Patient", "Prélèvement", "Analyse", "Résultat", "Unité", ("F", "H")),
    ("es", "Paciente", "Fecha de extracción", "Prueba", "Resultado", "Unidad", ("M", "H")),
    ("it", "Paziente", "Data prelievo", "Esame", "Risultato", "Unità", ("F", "M")),
    # M/V alone is varón/mujer or man/vrouw: read as unknown by design (review 18), so F/M here
    ("nl", "Patiënt", "Afnamedatum", "Bepaling", "Uitslag", "Eenheid", ("F", "M")),
]


def _blocks(header: str, headings: tuple[str, str], word: str) -> str:
    """A printed report of two patients' blocks: each heading line (its cells from the first
    column) above its result lines (date, test, value, unit in the last four columns)."""
    width = header.count(";") + 1
    first, second = (h + ";" * (width - 1 - h.count(";")) for h in headings)
    lead = ";" * (width - 4)
    results = [
        f"{lead}{d};{word};{v};mIU/L" for d, v in (("05.01.2026", 640), ("02.02.2026", 1350))
    ]
    return "\n".join([header, first, *results, second, f"{lead}06.01.2026;{word};5600;mIU/L", ""])


@pytest.mark.parametrize("block", BLOCK_LANGUAGES, ids=[b[0] for b in BLOCK_LANGUAGES])
def test_a_heading_line_in_the_patient_column_is_the_patient_of_the_rows_below(
    tmp_path: Path, block: Block
) -> None:
    lang, who, drawn, test, value, unit, (woman, man) = block
    word = dict((row[0], row[1]) for row in LANGUAGES)[lang]
    header = f"{who};{drawn};{test};{value};{unit}"
    headings = (
        f"0093001 Roth, Frieda ({woman}, *14.03.1984)",
        f"0093002 Sand, Georg ({man}, *01.08.1959)",
    )
    outcome = _run(tmp_path, _blocks(header, headings, word))
    results = outcome.results.sort_values("source_row")
    assert results["patient_id"].tolist() == ["0093001", "0093001", "0093002"]
    assert results["sex"].tolist() == ["F", "F", "M"]
    assert results["age_years"].astype(float).round(0).tolist() == [42.0, 42.0, 66.0]
    assert any(line.startswith("URGENT patient 0093002 ") for line in outcome.urgent)
    details = {r.source_row: r.detail for r in outcome.rejected}
    assert "given to the result rows below it" in details[2]
    assert "given to the result rows below it" in details[5]


@pytest.mark.parametrize("block", BLOCK_LANGUAGES, ids=[b[0] for b in BLOCK_LANGUAGES])
def test_a_heading_line_with_its_details_in_their_columns_fills_the_rows_below(
    tmp_path: Path, block: Block
) -> None:
    """The heading gives the name in the patient column and the birth date and sex in their own
    columns (no id column): the results below carry them, and the heading's rejection says its
    details were given."""
    lang, who, drawn, test, value, unit, (woman, man) = block
    word, _, sex, born = next(row[1:] for row in LANGUAGES if row[0] == lang)
    header = f"{who};{born};{sex};{drawn};{test};{value};{unit}"
    headings = (f"0093001 Roth, Frieda;14.03.1984;{woman}", f"0093002 Sand, Georg;01.08.1959;{man}")
    outcome = _run(tmp_path, _blocks(header, headings, word))
    results = outcome.results.sort_values("source_row")
    assert results["sex"].tolist() == ["F", "F", "M"]
    assert results["age_years"].astype(float).round(0).tolist() == [42.0, 42.0, 66.0]
    person = "patient_name" if results["patient_id"].isna().all() else "patient_id"
    names = results[person].astype(str).tolist()  # "Paciente", "Paziente" name the id column
    assert [n.startswith("0093001") for n in names] == [True, True, False]
    details = {r.source_row: r.detail for r in outcome.rejected}
    assert "given to the same patient's results" in details[2]
    assert "given to the same patient's results" in details[5]


@pytest.mark.parametrize(("lang", "word", "pid", "sex", "born"), LANGUAGES)
def test_a_details_row_filled_down_says_it_was_given(
    tmp_path: Path, lang: str, word: str, pid: str, sex: str, born: str
) -> None:
    """The heading line gives id, name, birth date and sex in their own columns: its details
    went to the results below, and rejected.csv says so (not "no result took them")."""
    text = "\n".join(
        [
            f"{pid};Name;{born};{sex};Datum;Test;Wert;Einheit",
            "0093001;Roth, Frieda;14.03.1984;F;;;;",
            f";;;;05.01.2026;{word};640;mIU/l",
            f";;;;02.02.2026;{word};1350;mIU/l",
            "0093002;Sand, Georg;01.08.1959;M;;;;",
            f";;;;06.01.2026;{word};5600;mIU/l",
        ]
    )
    outcome = _run(tmp_path, text + "\n")
    results = outcome.results.sort_values("source_row")
    assert results["patient_id"].tolist() == ["0093001", "0093001", "0093002"]
    details = {r.source_row: r.detail for r in outcome.rejected}
    assert "no prolactin result of the same patient took them" not in details[2]
    assert "given to the same patient's results" in details[2]
    assert "given to the same patient's results" in details[5]
