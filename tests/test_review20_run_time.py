"""Review 20: results.json gives the run's time with its UTC offset, as results.xlsx's About
sheet and the reports do ("2026-12-06T12:54:45" had been written without it, so a reader in
another time zone could not tell the hour).  Synthetic patients only."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from triage.output.rows import json_value
from triage.pipeline import TriageRequest, run_triage


def test_results_json_names_the_run_times_offset(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("id,sex,age,prolactin,unit\nA,F,30,40,ng/mL\n", encoding="utf-8")
    now = datetime(2026, 12, 6, 12, 54, 45, tzinfo=UTC)
    run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out"), now=now)
    doc = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert doc["generated_at"] == "2026-12-06T12:54:45+00:00"
    assert datetime.fromisoformat(doc["generated_at"]) == now
    # a result's own times stay as the lab wrote them (no zone was given)
    assert doc["results"][0]["collected_at"] in (None, "")


def test_an_aware_time_keeps_its_own_offset() -> None:

    cet = timezone(timedelta(hours=1))
    assert json_value(datetime(2026, 3, 14, 9, 30, tzinfo=cet)) == "2026-03-14T09:30:00+01:00"
    assert json_value(datetime(2026, 3, 14, 9, 30)) == "2026-03-14T09:30:00"
