"""Review 20: a wide file's several prolactin columns, and a long file's cannulated series.

1. A wide file with two or more prolactin columns ("PRL baseline" / "PRL 30 min", REDCap's
   "prl_1" / "prl_2", "Prolaktin basal" / "+30 min" / "nach Ruhe", "Prolactin" / "Prolactin
   repeat", "PRL T0" / "PRL T30") was refused whole ("no prolactin column", exit 3, or 4 beside
   a good file): no result was listed, 9000 mIU/L neither.  Each column of a row is now read as
   a result of its own, labelled with its column in `visit`: a timed series' time points are not
   triaged one by one but an urgent one is listed (a stimulated peak is no prolactinoma; a
   cannulation series is judged by its rested, later sample: clinical-reference §1.4, Tsur
   2020), a visit's or a repeat's result is triaged, each with its own unit, date and visit
   context where the file gives them per column.
2. A long file's "Prolactin T0" / "Prolactin T30" (and "T+30", "T30'", "t=30") were two
   unrelated samples, the T30 told to repeat a rested sample it already is: the letters before
   the number are part of the time point now (synonyms.toml [header] time_point_prefixes), and
   a sample taken "30 min post cannulation" (six languages) is a rested sample (cues.toml
   rested_sample).
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted

from triage.io import ReadOptions
from triage.pipeline import TriageOutcome, TriageRequest, run_triage

WIDE_HEAD = "Patient,Sex,Age,{}"


def _run(
    tmp_path: Path, text: str, *, unit: str | None = None, name: str = "export.csv"
) -> TriageOutcome:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return run_triage(
        TriageRequest(
            inputs=[path],
            out_dir=tmp_path / "out",
            keep_results=True,
            read_options=ReadOptions(unit=unit),
        )
    )


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results


def _series_rejections(outcome: TriageOutcome) -> dict[str, int]:
    """Patient -> time points rejected as samples of a timed series."""
    found: dict[str, int] = {}
    for r in outcome.rejected:
        if r.reason_code == "other_test" and "timed prolactin series" in r.detail:
            found[r.patient_id] = found.get(r.patient_id, 0) + 1
    return found


# (headers of the prolactin columns, cells of patient Q1, whether they are a timed series)
TIMED = [
    ("PRL baseline (mIU/L),PRL 30 min (mIU/L)", "9000,8800"),
    ("PRL T0 (mIU/L),PRL T30 (mIU/L)", "9000,8800"),
    ("Prolaktin basal (mIU/l),Prolaktin +30 min (mIU/l)", "9000,8800"),
    ("Prolactine T0 (mUI/L),Prolactine T+30 (mUI/L),Prolactine T60 (mUI/L)", "9000,8800,8700"),
    ("Prolactina 0 min (mUI/L),Prolactina 30' (mUI/L)", "9000,8800"),
]


def test_a_wide_timed_series_lists_its_urgent_samples_instead_of_refusing_the_file(
    tmp_path: Path,
) -> None:
    """The reviewer's file: a cannulated series of 9000 mIU/L in one row.  Not refused: each
    time point is a sample of the series (not triaged one by one), listed as urgent; another
    patient's lone baseline is triaged as her result."""
    paths = []
    for k, (headers, cells) in enumerate(TIMED):
        width = len(headers.split(","))
        lone = ",".join(["500"] + [""] * (width - 1))
        paths.append(tmp_path / f"series{k}.csv")
        paths[-1].write_text(
            f"{WIDE_HEAD.format(headers)}\nQ{k},M,50,{cells}\nL{k},F,30,{lone}\n",
            encoding="utf-8",
        )
    outcome = run_triage(TriageRequest(inputs=paths, out_dir=tmp_path / "out", keep_results=True))
    assert not outcome.errors
    widths = {f"Q{k}": len(headers.split(",")) for k, (headers, _) in enumerate(TIMED)}
    assert _series_rejections(outcome) == widths
    assert len(outcome.urgent) == sum(widths.values())
    assert all(any(f"patient {q} " in line for q in widths) for line in outcome.urgent)
    results = _results(outcome)
    assert sorted(results["patient_id"]) == [f"L{k}" for k in range(len(TIMED))]
    assert set(results["status"]) == {"normal"}


def test_wide_visit_and_repeat_columns_are_each_triaged_in_six_languages(tmp_path: Path) -> None:
    """A raised repeat never hides behind a normal first result: each column is a result of its
    own, labelled with its column; a rested repeat ("nach Ruhe", "après repos", "tras reposo",
    "dopo riposo", "na rust", "rested") is not told to repeat a rested sample."""
    pairs = [
        ("Prolactin (mIU/L)", "Prolactin repeat (mIU/L)", "repeat", False),
        ("Prolaktin (mIU/l)", "Prolaktin nach Ruhe (mIU/l)", "nach Ruhe", True),
        ("Prolactine (mUI/L)", "Prolactine après repos (mUI/L)", "après repos", True),
        ("Prolactina (mUI/L)", "Prolactina tras reposo (mUI/L)", "tras reposo", True),
        ("Prolattina (mUI/L)", "Prolattina dopo riposo (mUI/L)", "dopo riposo", True),
        ("Prolactine (mIU/L)", "Prolactine na rust (mIU/L)", "na rust", True),
        ("Prolactin (mIU/L)", "Prolactin rested (mIU/L)", "rested", True),
    ]
    paths = []
    for k, (first, second, _, _) in enumerate(pairs):
        paths.append(tmp_path / f"pair{k}.csv")
        paths[-1].write_text(
            f"{WIDE_HEAD.format(first + ',' + second)}\nZ{k},F,30,300,900\nY{k},F,30,850,\n",
            encoding="utf-8",
        )
    outcome = run_triage(TriageRequest(inputs=paths, out_dir=tmp_path / "out", keep_results=True))
    assert not outcome.errors
    results = _results(outcome).set_index(["patient_id", "visit"])
    assert len(results) == len(pairs) * 3
    for k, (first, second, label, rested) in enumerate(pairs):
        assert results.loc[(f"Z{k}", label), "status"] == "high", second
        assert results.loc[(f"Z{k}", first.split(" ")[0]), "status"] == "normal", second
        steps = results.loc[(f"Z{k}", label), "suggestions"]
        assert ("repeat_rested_sample" not in steps) is rested, second
        assert "repeat_rested_sample" in results.loc[(f"Y{k}", first.split(" ")[0]), "suggestions"]


def test_redcap_numbered_columns_read_each_visit_and_the_raised_one_is_urgent(
    tmp_path: Path,
) -> None:
    text = "record_id,sex,age,prl_1,prl_2\nR1,F,30,300,9000\nR2,M,50,250,\n"
    outcome = _run(tmp_path, text, unit="mIU/L")
    results = _results(outcome).set_index(["patient_id", "visit"])
    assert results["priority"].to_dict() == {
        ("R1", "1"): "none",
        ("R1", "2"): "urgent",
        ("R2", "1"): "none",
    }
    assert any("R1" in line for line in outcome.urgent)


def test_the_file_beside_a_good_one_is_not_called_without_a_prolactin_column(
    tmp_path: Path,
) -> None:
    good = tmp_path / "good.csv"
    good.write_text("Patient,Sex,Age,Prolactin (mIU/L)\nG1,F,30,300\n", encoding="utf-8")
    series = tmp_path / "series.csv"
    series.write_text(
        "Patient,Sex,Age,PRL baseline (mIU/L),PRL 30 min (mIU/L)\nQ1,M,50,9000,8800\n",
        encoding="utf-8",
    )
    outcome = run_triage(
        TriageRequest(inputs=[good, series], out_dir=tmp_path / "out", keep_results=True)
    )
    assert not outcome.errors
    assert outcome.exit_code == 0
    assert _series_rejections(outcome) == {"Q1": 2}


def test_each_result_column_reads_its_own_unit_and_date_columns(tmp_path: Path) -> None:
    """ "Prolactin | Unit | Prolactin | Unit": the second result is in the second unit column's
    unit (6000 mIU/L, not 6000 ng/mL); "date | PRL | date2 | PRL2": each result on its date."""
    units = "Patient,Sex,Age,Prolactin,Unit,Prolactin,Unit\nU1,F,30,12,ng/mL,6000,mIU/L\n"
    results = _results(_run(tmp_path / "u", units))
    assert results["unit_raw"].tolist() == ["ng/mL", "mIU/L"]
    assert results["priority"].tolist() == ["none", "urgent"]
    dates = (
        "id,sex,age,Datum,Prolaktin (mIU/l),Datum 2,Prolaktin 2 (mIU/l)\n"
        "D1,W,30,05.01.2026,300,05.04.2026,900\n"
    )
    dated = _results(_run(tmp_path / "d", dates))
    assert dated["collected_at"].astype(str).str[:10].tolist() == ["2026-01-05", "2026-04-05"]


def test_each_visit_reads_the_context_of_its_own_visit(tmp_path: Path) -> None:
    """ "prl_bl, tsh_bl, prl_12m, tsh_12m": the month-12 result is judged with the month-12 TSH
    (45: hypothyroidism), the baseline one with the baseline TSH (2.0), never the other's."""
    text = "study_id,sex,age,prl_bl,tsh_bl,prl_12m,tsh_12m\nC1,F,30,900,2.0,900,45\n"
    results = _results(_run(tmp_path, text, unit="mIU/L")).set_index("visit")
    codes = {v: {f["code"] for f in row} for v, row in results["factor_details"].items()}
    assert "hypothyroidism" in codes["12m"]
    assert "hypothyroidism" not in codes["bl"]


def test_a_peg_column_beside_the_prolactin_column_is_still_its_screen(tmp_path: Path) -> None:
    text = "Patient,Sex,Age,Prolactin (mIU/L),Prolactin post-PEG (mIU/L)\nP1,F,30,900,150\n"
    results = _results(_run(tmp_path, text))
    assert len(results) == 1
    assert "macroprolactinemia" in results["factors"].iloc[0]


LONG_HEAD = "Patient ID,Sex,Age,Collected,Test name,Result,Unit,Comment"


def test_long_cannulated_series_written_with_t_points_is_one_series(tmp_path: Path) -> None:
    """ "T0"/"T30", "T+30", "T30'", "t=30", "T 60" are time points of one series, as "0 min" /
    "30 min" are: not two unrelated samples (the T30 one told to repeat a rested sample it
    already is); an urgent time point is listed; "T1"/"T2" and a lone "T30" are no series."""
    pairs = [
        ("A1", "Prolactin T0", "Prolactin T30"),
        ("A2", "Prolactine T0", "Prolactine T+30"),
        ("A3", "PRL T0", "PRL T30'"),
        ("A4", "Prolaktin t=0", "Prolaktin t=30"),
        ("A5", "Prolactina T 0", "Prolactina T 60"),
        ("A6", "Prolattina T0", "Prolattina T30 min"),
    ]
    lines = [LONG_HEAD]
    for patient, first, second in pairs:
        lines.append(f"{patient},F,30,2026-11-02 09:00,{csv_quoted(first)},900,mIU/L,")
        lines.append(f"{patient},F,30,2026-11-02 09:30,{csv_quoted(second)},850,mIU/L,")
    lines.append("U1,M,50,2026-11-02 09:00,Prolactin T0,9000,mIU/L,")
    lines.append("U1,M,50,2026-11-02 09:30,Prolactin T30,8800,mIU/L,")
    lines.append("B1,F,30,2026-11-02 09:00,PRL T1,900,mIU/L,")
    lines.append("B1,F,30,2026-11-02 09:30,PRL T2,850,mIU/L,")
    lines.append("B2,F,30,2026-11-02 09:30,Prolactin T30,850,mIU/L,")
    outcome = _run(tmp_path, "\n".join(lines) + "\n")
    assert _series_rejections(outcome) == {**{p: 2 for p, _, _ in pairs}, "U1": 2}
    assert len(outcome.urgent) == 2 and all("U1" in line for line in outcome.urgent)
    assert sorted(_results(outcome)["patient_id"]) == ["B1", "B1", "B2"]


def test_a_sample_taken_after_cannulation_is_a_rested_one_in_six_languages(
    tmp_path: Path,
) -> None:
    """The later sample of a cannulated series, written in its test name or a comment, is the
    rested sample (clinical-reference §8, Tsur 2020): no repeat_rested_sample.  Advised, not
    taken, or about the cannula's removal: still told to repeat rested."""
    rested = [
        ("Prolactin 30 min post cannulation", ""),
        ("Prolaktin", "30 Minuten nach Kanülierung abgenommen"),
        ("Prolactine après 30 min de repos", ""),
        ("Prolactine", "T30 après pose de la canule"),
        ("Prolactina", "30 min tras canalización"),
        ("Prolattina", "30 min dopo posizionamento dell'agocannula"),
        ("Prolactine", "30 min na inbrengen van het infuus"),
    ]
    repeat = [
        ("Prolactin", "please repeat 30 min post cannulation"),
        ("Prolactin", "fever 30 min after the cannula was removed"),
        ("Prolactin", "30 mg after lunch"),
    ]
    lines = [LONG_HEAD]
    for k, (test, note) in enumerate([*rested, *repeat]):
        lines.append(f"P{k},F,30,2026-11-02 09:30,{csv_quoted(test)},850,mIU/L,{csv_quoted(note)}")
    results = _results(_run(tmp_path, "\n".join(lines) + "\n")).set_index("patient_id")
    told = {p: "repeat_rested_sample" in s for p, s in results["suggestions"].items()}
    assert told == {f"P{k}": k >= len(rested) for k in range(len(rested) + len(repeat))}


def test_a_row_of_several_results_is_stored_and_exported_once_per_result(tmp_path: Path) -> None:
    """The history names a stored result by its file's cell, and results.fhir.json an
    Observation by it: a row of two prolactin columns gives two results, each stored (a re-run
    finds each again, none added) and each its own Observation."""
    import json
    import sqlite3

    from triage.history import HistoryOptions
    from triage.output import OutputOptions

    path = tmp_path / "repeat.csv"
    path.write_text(
        "Patient,Sex,Age,Prolactin (mIU/L),Prolactin repeat (mIU/L)\nZ1,M,50,300,9000\n",
        encoding="utf-8",
    )
    history = HistoryOptions(location=str(tmp_path / "history.sqlite"))
    for run in ("first", "again"):
        outcome = run_triage(
            TriageRequest(
                inputs=[path],
                out_dir=tmp_path / run,
                keep_results=True,
                history=history,
                output_options=OutputOptions(fhir=True),
            )
        )
        assert _results(outcome)["priority"].tolist() == ["none", "urgent"]
    stored = sqlite3.connect(tmp_path / "history.sqlite").execute(
        "select prolactin_raw, priority from results order by id"
    )
    assert stored.fetchall() == [("300", "none"), ("9000", "urgent")]
    bundle = json.loads((tmp_path / "again" / "results.fhir.json").read_text(encoding="utf-8"))
    ids = [
        e["resource"]["id"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
    ]
    assert len(ids) == len(set(ids)) >= 2
