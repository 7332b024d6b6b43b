"""Review 20, the identity of each result of a wide file's row of several prolactin columns.

A row of "PRL" and "PRL repeat" gives two results (io/series_columns.py).  Where the file has a
visit column of its own, the column's label goes to the time point and both results carry the
file's visit: what names each result is then the results' ``source_column`` (the label of a
further result's column, empty for the row's first), so that the history stores both (a re-run
adds none) and results.fhir.json gives each an Observation of its own.  And a visit's result is
judged with the context of its own visit (clinical-reference: a raised TSH, primary
hypothyroidism, explains a raised prolactin at that sample only), also where the reader finds
the later visit's results only below the rows the header recognition sampled.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

import triage.io.layout as layout
import triage.io.readers as readers
from triage.history import HistoryOptions
from triage.io import ReadOptions
from triage.output import OutputOptions
from triage.pipeline import TriageOutcome, TriageRequest, run_triage

# (visit header, first result header, further result header, the further one's label)
VISIT_AND_REPEAT = [
    ("Visit", "PRL (mIU/L)", "PRL repeat (mIU/L)", "repeat"),
    ("Visite", "Prolaktin (mIU/l)", "Prolaktin Wiederholung (mIU/l)", "Wiederholung"),
    ("Bezoek", "Prolactine (mIU/L)", "Prolactine herhaling (mIU/L)", "herhaling"),
]


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results


def test_a_row_of_two_results_beside_a_visit_column_is_stored_and_exported_twice(
    tmp_path: Path,
) -> None:
    """Two results of one row under one visit ("V1"): each stored once (a re-run adds none and
    never fails on the history's one-result-per-cell rule), each its own Observation."""
    paths = []
    for k, (visit, first, second, _) in enumerate(VISIT_AND_REPEAT):
        paths.append(tmp_path / f"visit{k}.csv")
        paths[-1].write_text(
            f"Patient,Sex,Age,{visit},{first},{second}\n"
            f"Z{k},F,30,V1,300,9000\n"  # both: the repeat is urgent
            f"Y{k},F,30,V1,,850\n",  # the repeat alone
            encoding="utf-8",
        )
    history = HistoryOptions(location=str(tmp_path / "history.sqlite"))
    for run in ("first", "again"):
        outcome = run_triage(
            TriageRequest(
                inputs=paths,
                out_dir=tmp_path / run,
                keep_results=True,
                history=history,
                output_options=OutputOptions(fhir=True),
            )
        )
        assert not outcome.errors
        results = _results(outcome)
        assert len(results) == len(VISIT_AND_REPEAT) * 3
        assert set(results["visit"]) == {"V1"}
        marks = {
            (p, "" if pd.isna(c) else c)
            for p, c in zip(results["patient_id"], results["source_column"], strict=True)
        }
        for k, (_, _, _, label) in enumerate(VISIT_AND_REPEAT):
            assert {(f"Z{k}", ""), (f"Z{k}", label), (f"Y{k}", label)} <= marks, label
            urgent = results[(results["patient_id"] == f"Z{k}") & (results["priority"] == "urgent")]
            assert urgent["prolactin_raw"].tolist() == ["9000"], label
    stored = sqlite3.connect(tmp_path / "history.sqlite").execute(
        "select count(*), count(distinct source_sha256 || source_sheet || source_row) from results"
    )
    assert stored.fetchone() == (len(VISIT_AND_REPEAT) * 3,) * 2
    bundle = json.loads((tmp_path / "again" / "results.fhir.json").read_text(encoding="utf-8"))
    ids = [
        e["resource"]["id"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
    ]
    assert len(ids) == len(set(ids)) == len(VISIT_AND_REPEAT) * 3


def test_a_file_of_one_prolactin_column_keeps_its_provenance(tmp_path: Path) -> None:
    """A file of one result per row gives no ``source_column`` and is stored under its sheet
    alone, as before (a history of earlier runs finds its results again)."""
    path = tmp_path / "plain.csv"
    path.write_text("Patient,Sex,Age,Visit,Prolactin (mIU/L)\nP1,F,30,V1,300\nP2,M,40,V2,900\n")
    outcome = run_triage(
        TriageRequest(
            inputs=[path],
            out_dir=tmp_path / "out",
            keep_results=True,
            history=HistoryOptions(location=str(tmp_path / "history.sqlite")),
        )
    )
    assert _results(outcome)["source_column"].isna().all()
    stored = sqlite3.connect(tmp_path / "history.sqlite").execute(
        "select source_sheet, source_row from results order by source_row"
    )
    assert stored.fetchall() == [("", 2), ("", 3)]


@pytest.mark.parametrize(
    "header",
    [
        "id,sex,age,prl_bl,prl_12m,tsh_bl,tsh_12m",
        "id,sex,age,prl_v1,prl_v2,tsh_v1,tsh_v2",
    ],
)
def test_a_later_visit_found_below_the_sample_reads_its_own_visits_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, header: str
) -> None:
    """The sampled rows hold results of the first visit only (read alone, its TSH chosen for
    it); a later row holds the second visit's: that result is judged with the second visit's
    TSH (45 mIU/L: hypothyroidism), the first visit's with its own (2.0: none)."""
    for module in (layout, readers):
        monkeypatch.setattr(module, "SAMPLE_ROWS", 3)
    lines = [header, *(f"S{i},F,30,20,,2.0,2.0" for i in range(4)), "C1,F,30,900,900,2.0,45"]
    path = tmp_path / "cohort.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcome = run_triage(
        TriageRequest(
            inputs=[path],
            out_dir=tmp_path / "out",
            keep_results=True,
            read_options=ReadOptions(unit="mIU/L"),
        )
    )
    results = _results(outcome)
    c1 = results[results["patient_id"] == "C1"]
    codes = {
        v: {f["code"] for f in row}
        for v, row in zip(c1["visit"], c1["factor_details"], strict=True)
    }
    first, later = header.split(",")[3:5]
    assert len(codes) == len((first, later))
    assert "hypothyroidism" in codes[later.removeprefix("prl_")]
    assert "hypothyroidism" not in codes[first.removeprefix("prl_")]
