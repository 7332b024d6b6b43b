"""Rows whose meaning depends on the rows around them (review 15).

Timed series with the time point in a column of its own: clinical-reference §1.1 (Endocrine
Society 2011) advises against dynamic (TRH) tests and §1.4 reads a cannulation series by its
rested, later sample.  Each sample of such a series triaged alone made a TRH-stimulated peak
"urgent, prolactinoma suspected" and a raised first cannula sample "unexplained" beside its
normal rested one.  The samples of one patient and day at two or more time points are refused
as a series, as columns "PRL 0 / 30 / 60" and test names "PRL 0 min / 30 min" already are
(docs/output-contract-extensions.md), and a sample at the urgent level is still listed with the
urgent results.

Continuation rows: a note or drug list wrapped onto the next row (no id, no result, text only in
free-text columns) goes on with the result row above it, so its red flag or drug counts for
that patient; the row stays in rejected.csv naming the row it joined.  Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import write_table

from triage.columns import is_timed_series, time_point_minutes
from triage.pipeline import TriageOutcome, TriageRequest, run_triage


def _run(path: Path) -> TriageOutcome:
    return run_triage(TriageRequest(inputs=[path], out_dir=path.parent / "out", keep_results=True))


def _write(tmp_path: Path, text: str, name: str = "export.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def _warnings(outcome: TriageOutcome) -> str:
    return " ".join(w for summary in outcome.inputs for w in summary.warnings)


# -- timed series in a time-point column --------------------------------------------------------

GERMAN_LONG = (
    "Pat-Nr;Geschlecht;Alter;Datum;Test;Zeitpunkt;Ergebnis;Einheit\n"
    "P1;W;34;05.11.2026;Prolaktin;0 min;300;mU/l\n"
    "P1;W;34;05.11.2026;Prolaktin;30 min;5400;mU/l\n"
    "P1;W;34;05.11.2026;Prolaktin;60 min;2500;mU/l\n"
    "P2;W;30;05.11.2026;Prolaktin;0 min;900;mU/l\n"
    "P2;W;30;05.11.2026;Prolaktin;30 min;500;mU/l\n"
)


def test_a_long_files_time_point_column_makes_a_series_none_triaged_alone(tmp_path: Path) -> None:
    outcome = _run(_write(tmp_path, GERMAN_LONG))
    assert outcome.result_count == 0
    reasons = {r.source_row: r for r in outcome.rejected}
    assert sorted(reasons) == [2, 3, 4, 5, 6]
    assert {r.reason_code for r in reasons.values()} == {"other_test"}
    assert "timed prolactin series" in reasons[3].detail and "'30 min'" in reasons[3].detail
    # the stimulated peak is not lost: listed with the urgent results, not triaged
    assert reasons[3].possibly_urgent and not reasons[2].possibly_urgent
    assert reasons[5].patient_id == "P2"
    assert "'Zeitpunkt'" in _warnings(outcome)


ENGLISH_WIDE = (
    "Patient ID,Sex,Age,Date,Time point,Prolactin (mIU/L)\n"
    "P1,F,34,05/11/2026,0 min,300\n"
    "P1,F,34,05/11/2026,TRH +20 min,5400\n"
    "P1,F,34,05/11/2026,TRH +60 min,2500\n"
    "P2,F,30,05/11/2026,cannula 0 min,800\n"
    "P2,F,30,05/11/2026,cannula 30 min,500\n"
    "P3,F,41,05/11/2026,30 min,420\n"
)


def test_a_wide_files_time_point_column_refuses_the_series_keeps_a_lone_sample(
    tmp_path: Path,
) -> None:
    outcome = _run(_write(tmp_path, ENGLISH_WIDE))
    results = outcome.results
    assert results is not None
    # P3's one sample of the day is that patient's result
    assert list(results["patient_id"]) == ["P3"]
    refused = {r.source_row: r for r in outcome.rejected}
    assert sorted(refused) == [2, 3, 4, 5, 6]
    assert refused[3].possibly_urgent  # TRH +20 min, 5400 mIU/L
    assert not refused[5].possibly_urgent  # a raised first cannula sample is no urgency
    assert "'cannula 0 min', 'cannula 30 min'" in refused[5].detail


@pytest.mark.parametrize(
    ("header", "points"),
    [
        ("Zeit", ("basal", "30", "60")),
        ("Temps", ("T0", "T30", "T60")),
        ("Tiempo", ("-15", "0", "30")),
        ("Tempo", ("0 minuti", "30 minuti", "60 minuti")),
        ("Tijdstip", ("0 min", "1 uur", "2 uur")),
        ("Minute", ("0", "20", "60")),
    ],
)
def test_time_point_columns_in_six_languages(
    tmp_path: Path, header: str, points: tuple[str, ...]
) -> None:
    lines = [f"P1,F,30,05/11/2026,{p},{v}" for p, v in zip(points, (300, 5400, 900), strict=True)]
    text = f"Patient ID,Sex,Age,Date,{header},Prolactin (mIU/L)\n" + "\n".join(lines) + "\n"
    outcome = _run(_write(tmp_path, text))
    assert outcome.result_count == 0
    assert {r.reason_code for r in outcome.rejected} == {"other_test"}
    assert [r.source_row for r in outcome.rejected if r.possibly_urgent] == [3]


def test_times_of_day_visits_and_other_days_are_no_series(tmp_path: Path) -> None:
    text = (
        "Patient ID,Sex,Age,Date,Time,Prolactin (mIU/L)\n"
        "P1,F,34,05/11/2026,08:15,300\n"
        "P1,F,34,06/11/2026,10:30,900\n"
    )
    assert _run(_write(tmp_path, text)).result_count == 2
    other_days = (
        "Patient ID,Sex,Age,Date,Time point,Prolactin (mIU/L)\n"
        "P1,F,34,05/11/2026,0 min,300\n"
        "P1,F,34,12/11/2026,30 min,900\n"
    )
    assert _run(_write(tmp_path, other_days, "days.csv")).result_count == 2
    visits = (
        "subject_id,sex,age,redcap_event_name,test,result,unit\n"
        "S1,F,30,baseline_arm_1,Prolactin,400,mIU/L\n"
        "S1,F,30,month_6_arm_1,Prolactin,900,mIU/L\n"
    )
    assert _run(_write(tmp_path, visits, "visits.csv")).result_count == 2


@pytest.mark.parametrize(
    ("cell", "minutes"),
    [("0 min", 0), ("TRH +20 min", 20), ("cannula 30 min", 30), ("2 h", 120), ("30′", 30),
     ("T60", 60), ("-15", -15), ("basal", 0), ("Kanüle 30 min", 30)],
)  # fmt: skip
def test_time_point_cells(cell: str, minutes: int) -> None:
    found = time_point_minutes(cell)
    assert found is not None and found[0] == minutes


@pytest.mark.parametrize(
    "cell", ["08:15", "05.11.2026", "visit 2", "T1", "month 6", "week 12", "screening", "7"]
)
def test_no_time_point_cells(cell: str) -> None:
    assert time_point_minutes(cell) is None


def test_bare_numbers_are_a_series_only_as_minutes_of_a_test() -> None:
    assert is_timed_series([(0, False), (30, False), (60, False)])
    assert not is_timed_series([(0, False)])
    assert not is_timed_series([(300, False), (600, False)])


# -- continuation rows ---------------------------------------------------------------------------


def test_a_wrapped_comment_goes_on_with_the_row_above(tmp_path: Path) -> None:
    text = (
        "Patient ID,Sex,Age,Prolactin (mIU/L),Comments\n"
        "P1,F,34,712,headache for 3 weeks\n"
        ",,,,sudden visual loss today\n"
        "P2,M,57,420,\n"
    )
    outcome = _run(_write(tmp_path, text))
    results = outcome.results
    assert results is not None
    row = results.set_index("patient_id").loc["P1"]
    assert row["priority"] == "urgent"  # visual loss: a mass-effect red flag
    (joined,) = outcome.rejected
    assert (joined.source_row, joined.reason_code) == (3, "not_a_result_row")
    assert "row 2" in joined.detail and "sudden visual loss today" in joined.detail
    assert joined.patient_id == "P1"
    assert outcome.inputs[0].rows_read == outcome.inputs[0].rows_triaged + 1


def test_a_wrapped_german_note_in_a_workbook(tmp_path: Path) -> None:
    path = write_table(
        tmp_path / "befunde.xlsx",
        [
            ["Patienten-Nr", "Geschlecht", "Alter", "Prolaktin (mIU/L)", "Klinische Angaben"],
            ["P1", "W", 34, 1400, "Kopfschmerzen seit 3 Wochen,"],
            [None, None, None, None, "neu aufgetretener Gesichtsfeldausfall"],
            ["P2", "M", 57, 420, None],
        ],
    )
    outcome = _run(path)
    assert outcome.results is not None
    assert outcome.results.set_index("patient_id").loc["P1", "priority"] == "urgent"


def test_a_wrapped_drug_list_names_the_drug(tmp_path: Path) -> None:
    text = (
        "N° patient;Sexe;Âge;Prolactine (mUI/L);Traitement;Commentaire\n"
        "P1;F;34;2100;lévothyroxine;\n"
        ";;;;rispéridone 4 mg;\n"
        "P2;H;57;420;;\n"
    )
    outcome = _run(_write(tmp_path, text, encoding="latin-1"))
    assert outcome.results is not None
    factors = str(outcome.results.set_index("patient_id").loc["P1", "factors"])
    assert "antipsychotic" in factors


def test_footers_ids_results_and_blank_gaps_are_never_continuations(tmp_path: Path) -> None:
    text = (
        "Patient ID,Sex,Age,Prolactin (mIU/L),Comments\n"
        "P1,F,34,712,headache\n"
        ",,,,Printed by Dr Example\n"
        "P2,F,30,400,\n"
        "P9,,,,sudden visual loss\n"
        ",,,900,visual loss\n"
        "P3,F,40,300,\n"
        ",,,,\n"
        ",,,,sudden visual loss\n"
        ",,,,Total: 25\n"
    )
    outcome = _run(_write(tmp_path, text))
    results = outcome.results
    assert results is not None
    by_row = results.set_index("source_row")
    assert by_row.loc[2, "priority"] != "urgent"  # no footer text joined to P1
    assert by_row.loc[7, "priority"] != "urgent"  # not across a blank row
    details = {r.source_row: r.detail for r in outcome.rejected}
    assert "continuation" not in " ".join(details.values())
    assert details[5] == "the prolactin cell is empty"  # P9: its own id, its own row
    assert 6 in set(by_row.index)  # a row with its own result is a result


def test_joined_rows_keep_their_own_sense(tmp_path: Path) -> None:
    """'headache' and, on the next row, 'sudden visual loss today' are a headache and a sudden
    visual loss: the visual loss is the red flag, no 'sudden headache' is made of the two."""
    text = (
        "Patient ID,Sex,Age,Prolactin (mIU/L),Comments\n"
        "P1,F,34,712,headache\n"
        ",,,,sudden visual loss today\n"
    )
    outcome = _run(_write(tmp_path, text))
    assert outcome.urgent and "visual loss" in outcome.urgent[0]
    assert "headache sudden" not in outcome.urgent[0]
