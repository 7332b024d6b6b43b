"""Review 12, cohorts and report layouts (synthetic patients only).

- Day/month-ambiguous dates (01/11/2026) whose two readings give ages in different reference
  strata are not judged on the day-first guess when nothing settles the file's order: the row is
  rejected (unreadable_age), as a two-digit birth year that reads two ways is.  A day above 12
  in the file, --dayfirst or --monthfirst settles it.
- A study export (REDCap, Castor) gives the age on the baseline row only: the follow-up rows
  take it (plus the time between the samples when both dates are known), as they take the sex.
- A grouped report (the patient named once, the rows below left blank) fills the patient down;
  a lone number under the last result row is a footer only when it is the total, mean or count
  of the results above, else it stays a result (listed with the urgent results when urgent).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import write_table
from typer.testing import CliRunner

from triage.cli import app
from triage.io.options import ReadOptions
from triage.io.readers import read_file
from triage.pipeline import TriageOutcome, TriageRequest, run_triage

LANGUAGES = ["en", "de", "fr", "es", "it", "nl"]

# id, sex, birth date, collection date, age, medication, prolactin; female and male words
HEADERS = {
    "en": (
        ["Patient ID", "Sex", "DOB", "Collected", "Age", "Medication", "Prolactin (ng/mL)"],
        "F",
        "M",
    ),
    "de": (
        [
            "Patienten-ID",
            "Geschlecht",
            "Geburtsdatum",
            "Entnahmedatum",
            "Alter",
            "Medikation",
            "Prolaktin (ng/ml)",
        ],
        "weiblich",
        "männlich",
    ),
    "fr": (
        [
            "ID patient",
            "Sexe",
            "Date de naissance",
            "Date de prélèvement",
            "Âge",
            "Traitement",
            "Prolactine (ng/mL)",
        ],
        "féminin",
        "masculin",
    ),
    "es": (
        [
            "ID paciente",
            "Sexo",
            "Fecha de nacimiento",
            "Fecha de extracción",
            "Edad",
            "Medicación",
            "Prolactina (ng/mL)",
        ],
        "mujer",
        "hombre",
    ),
    "it": (
        [
            "ID paziente",
            "Sesso",
            "Data di nascita",
            "Data prelievo",
            "Età",
            "Farmaci",
            "Prolattina (ng/mL)",
        ],
        "femmina",
        "maschio",
    ),
    "nl": (
        [
            "Patiënt-ID",
            "Geslacht",
            "Geboortedatum",
            "Afnamedatum",
            "Leeftijd",
            "Medicatie",
            "Prolactine (ng/mL)",
        ],
        "vrouw",
        "man",
    ),
}
NAME_HEADER = {
    "en": "Patient name",
    "de": "Name",
    "fr": "Nom",
    "es": "Nombre",
    "it": "Nome",
    "nl": "Naam",
}
ID, SEX, DOB, COLLECTED, AGE, MEDICATION, PROLACTIN = range(7)


def _table(language: str, fields: list[int], rows: list[list[object]]) -> list[list[object]]:
    headers = HEADERS[language][0]
    return [[headers[f] for f in fields], *rows]


def _run(path: Path, options: ReadOptions | None = None) -> TriageOutcome:
    return run_triage(
        TriageRequest(
            inputs=[path],
            out_dir=path.parent / "out",
            read_options=options or ReadOptions(),
            keep_results=True,
        )
    )


def _by_id(outcome: TriageOutcome) -> dict[str, dict[str, object]]:
    assert outcome.results is not None
    return {str(r["patient_id"]): r for r in outcome.results.to_dict("records")}


# ---------------------------------------------------------------- day/month-ambiguous dates --
def _ambiguous_rows(language: str) -> list[list[object]]:
    female = HEADERS[language][1]
    return [
        # 5 November or 11 May: 4 days old (neonatal interval) or nearly 4 months
        ["B1", female, "01/11/2026", "05/11/2026", 150],
        # 18.1 years or 17.9 years: adult or girls' interval
        ["B2", female, "12/01/2008", "11/02/2026", 25],
        # 36 years either way: kept
        ["B3", female, "03/04/1990", "05/06/2026", 25],
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_ambiguous_dates_across_strata_are_not_judged_on_a_guess(
    tmp_path: Path, language: str
) -> None:
    path = write_table(
        tmp_path / "export.csv",
        _table(language, [ID, SEX, DOB, COLLECTED, PROLACTIN], _ambiguous_rows(language)),
    )
    outcome = _run(path)
    assert set(_by_id(outcome)) == {"B3"}
    rejected = {r.patient_id: r for r in outcome.rejected}
    for key in ("B1", "B2"):
        assert rejected[key].reason_code == "unreadable_age"
        assert "day-first or month-first" in rejected[key].detail
    assert any("different reference strata" in w for w in outcome.inputs[0].warnings)
    # an order the user gives is the user's choice: every row is judged on it
    for dayfirst, expected in (
        (False, {"B1": "high", "B2": "high", "B3": "normal"}),
        (True, {"B1": "normal", "B2": "normal"}),
    ):
        chosen = _run(path, ReadOptions(dayfirst=dayfirst))
        assert not chosen.rejected
        for key, status in expected.items():
            assert _by_id(chosen)[key]["status"] == status
    # so does a date in the file that reads one way only (25/12/1990: day-first)
    female = HEADERS[language][1]
    rows = [*_ambiguous_rows(language), ["B4", female, "25/12/1990", "05/06/2026", 20]]
    settled = tmp_path / "settled" / "export.csv"
    settled.parent.mkdir()
    write_table(settled, _table(language, [ID, SEX, DOB, COLLECTED, PROLACTIN], rows))
    outcome = _run(settled)
    assert not outcome.rejected
    assert _by_id(outcome)["B1"]["status"] == "normal"  # 4 days old, read day-first


def test_the_command_line_order_options(tmp_path: Path) -> None:
    path = write_table(
        tmp_path / "export.csv",
        _table("en", [ID, SEX, DOB, COLLECTED, PROLACTIN], _ambiguous_rows("en")),
    )
    runner = CliRunner()
    for flag, rejected in (("--monthfirst", ""), ("--dayfirst", ""), (None, "unreadable_age")):
        out = tmp_path / f"out{flag}"
        args = ["run", str(path), "--out", str(out), *([flag] if flag else [])]
        result = runner.invoke(app, args, prog_name="prolactin-triage")
        assert result.exit_code == 0, result.output
        text = (out / "rejected.csv").read_text(encoding="utf-8")
        assert (rejected in text) if rejected else ("unreadable_age" not in text)


# ------------------------------------------------------------- ages of a study's follow-ups --
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_follow_up_takes_the_baseline_age(tmp_path: Path, language: str) -> None:
    _, female, male = HEADERS[language]
    rows: list[list[object]] = [
        ["1", female, 12, ""],
        ["1", "", "", 22],  # a girl of 12: 1.5-19.5 ng/mL
        ["2", male, 9, ""],
        ["2", "", "", 17],  # a boy of 9: 0.7-15.8 ng/mL
    ]
    path = write_table(tmp_path / "export.csv", _table(language, [ID, SEX, AGE, PROLACTIN], rows))
    outcome = _run(path)
    found = _by_id(outcome)
    assert found["1"]["age_years"] == 12 and found["1"]["status"] == "high"
    assert found["2"]["age_years"] == 9 and found["2"]["status"] == "high"
    assert any("gave no age" in w for w in outcome.inputs[0].warnings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_follow_up_age_grows_with_the_time_between_the_samples(
    tmp_path: Path, language: str
) -> None:
    _, _, male = HEADERS[language]
    rows: list[list[object]] = [
        ["3", male, "2025-03-01", 10, ""],
        ["3", "", "2026-09-01", "", 12],
    ]
    path = write_table(
        tmp_path / "export.csv", _table(language, [ID, SEX, COLLECTED, AGE, PROLACTIN], rows)
    )
    found = _by_id(_run(path))
    assert found["3"]["age_years"] == pytest.approx(11.5, abs=0.01)


@pytest.mark.parametrize("language", LANGUAGES)
def test_follow_ups_of_disagreeing_ages_take_none(tmp_path: Path, language: str) -> None:
    _, female, _ = HEADERS[language]
    rows: list[list[object]] = [
        ["4", female, 12, 10],
        ["4", female, 40, 12],
        ["4", "", "", 22],
    ]
    path = write_table(tmp_path / "export.csv", _table(language, [ID, SEX, AGE, PROLACTIN], rows))
    outcome = _run(path)
    assert outcome.results is not None
    last = outcome.results[outcome.results["prolactin_raw"] == "22"].iloc[0]
    assert last["age_years"] != last["age_years"]  # NaN: not known
    assert any("give ages that disagree" in w for w in outcome.inputs[0].warnings)


# ------------------------------------------------------------------------- grouped reports --
def _grouped(language: str, last: list[object] | None = None) -> list[list[object]]:
    headers, female, male = HEADERS[language]
    return [
        [NAME_HEADER[language], headers[SEX], headers[AGE], headers[COLLECTED],
         headers[PROLACTIN], headers[MEDICATION]],
        ["Meier, Hans", male, 56, "01.09.2026", 14, ""],
        ["", "", "", "01.10.2026", 26, "risperidone"],
        last if last is not None else ["", "", "", "01.11.2026", 300, ""],
        ["Lang, Eva", female, 31, "01.11.2026", 22, ""],
    ]  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_grouped_report_fills_the_patient_down(
    tmp_path: Path, language: str, suffix: str
) -> None:
    path = write_table(tmp_path / f"export{suffix}", _grouped(language))
    outcome = _run(path)
    assert outcome.results is not None
    rows = outcome.results.set_index("prolactin_raw")
    for value in ("14", "26", "300"):
        assert rows.loc[value, "patient_name"] == "Meier, Hans"
        assert rows.loc[value, "sex"] == "M"
        assert rows.loc[value, "age_years"] == pytest.approx(56, abs=0.2)
    assert rows.loc["26", "status"] == "high"  # a man's 2-18 ng/mL, not indeterminate
    assert rows.loc["300", "priority"] == "urgent"
    assert rows.loc["22", "sex"] == "F"
    assert any("names each patient once" in w for w in outcome.inputs[0].warnings)
    # a single row without a patient is a forgotten name, no grouped report: left as it is
    rows = _grouped(language)
    del rows[2]
    single = tmp_path / "single" / f"export{suffix}"
    single.parent.mkdir()
    outcome = _run(write_table(single, rows))
    assert outcome.results is not None
    orphan = outcome.results.set_index("prolactin_raw").loc["300"]
    assert pd.isna(orphan["patient_name"]) and pd.isna(orphan["sex"])
    assert not any("names each patient once" in w for w in outcome.inputs[0].warnings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_row_of_another_sex_takes_no_patient(tmp_path: Path, language: str) -> None:
    female = HEADERS[language][1]
    rows = _grouped(language, ["", female, "", "01.11.2026", 300, ""])
    outcome = _run(write_table(tmp_path / "export.csv", rows))
    assert outcome.results is not None
    other = outcome.results.set_index("prolactin_raw").loc["300"]
    assert other["sex"] == "F" and pd.isna(other["patient_name"])
    assert any("give another sex or birth date" in w for w in outcome.inputs[0].warnings)


# ----------------------------------------------------------- lone numbers under the results --
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_lone_last_result_that_is_no_aggregate_stays_a_result(
    tmp_path: Path, language: str
) -> None:
    headers, female, male = HEADERS[language]
    rows: list[list[object]] = [
        [NAME_HEADER[language], headers[SEX], headers[AGE], headers[PROLACTIN]],
        ["Lang, Eva", female, 31, 22],
        ["Meier, Hans", male, 56, 14],
        ["", "", "", 300],  # not 36 (sum), 18 (mean) nor 2 (count)
    ]
    outcome = _run(write_table(tmp_path / "export.csv", rows))
    assert not [r for r in outcome.rejected if r.reason_code == "not_a_result_row"]
    assert outcome.results is not None
    assert "300" in set(outcome.results["prolactin_raw"])
    assert any("row 4" in line for line in outcome.urgent)
    # the total, mean or count of the results above is still a footer
    for aggregate in ("36", "18", "2"):
        rows[-1] = ["", "", "", aggregate]
        read = read_file(write_table(tmp_path / f"footer{aggregate}.csv", rows))
        assert len(read.frame) == 2
        assert [r.reason_code for r in read.rejected] == ["not_a_result_row"]
