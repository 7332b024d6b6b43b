"""Under --redact an acknowledgement's note is free text like the evidence: the patient's id and
name words in it are replaced, in results.csv, the patient pages and the summary (the staff it
names stay: they are not the patient).  A note "phoned Mrs Rossi (P100)" had shown both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from history_fixtures import run_with_history

from triage.history import HistoryOptions
from triage.history.store import open_history
from triage.output import OutputOptions
from triage.pipeline import TriageRequest, run_triage

T0 = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
LAB = "Patient ID,Patient name,Sex,Age,Lab No,Collected,Prolactin (mIU/L)\n"
ROWS = 'P100123,"Rossi, Giulia",F,34,S1,2026-12-03 08:00,7000\n'


def test_an_acknowledgement_note_naming_the_patient_is_redacted(tmp_path: Path) -> None:
    db = str(tmp_path / "history.db")
    (tmp_path / "a.csv").write_text(LAB + ROWS, encoding="utf-8")
    run_with_history(tmp_path, "o1", [tmp_path / "a.csv"], db, T0)
    with open_history(db) as history:
        history.acknowledge(
            1,
            by="A. Biochemist",
            told="Dr Ward",
            note="phoned Giulia Rossi (P100123) at home",
            at=T0 + timedelta(minutes=5),
        )
    request = TriageRequest(
        inputs=[tmp_path / "a.csv"],
        out_dir=tmp_path / "o2",
        history=HistoryOptions(location=db),
        output_options=OutputOptions(redact=True, redact_key=b"k" * 32),
        jobs=1,
        keep_results=True,
    )
    outcome = run_triage(request, now=T0 + timedelta(days=1))
    assert outcome.results is not None
    said = str(outcome.results["acknowledged"].iloc[0])
    assert "Dr Ward" in said and "A. Biochemist" in said and "at home" in said
    for name in ("patients.html", "summary.html", "results.csv", "results.json"):
        text = (tmp_path / "o2" / name).read_text("utf-8")
        for identity in ("Rossi", "Giulia", "P100123"):
            assert identity not in text, (name, identity)
