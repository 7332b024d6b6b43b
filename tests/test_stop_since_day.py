"""A drug stopped "since yesterday" stopped a day before the sample, as "stopped yesterday": still
acting within the 3-day washout (clinical-reference §1.1 rec. 2.1), so it still explains the result.
"Abgesetzt seit gestern" had been read as a stop of unknown time and the drug dropped."""

from __future__ import annotations

from pathlib import Path

from pipeline_helpers import triage_lines

STOPS = {
    "A": "Risperidon 2 mg abgesetzt seit gestern",
    "B": "risperidone stopped since yesterday",
    "C": "rispéridone arrêtée depuis hier",
    "D": "risperidona suspendida desde ayer",
    "E": "risperidone sospeso da ieri",
    "F": "risperidon sinds gisteren gestopt",
    "G": "Risperidon seit heute abgesetzt",
}


def test_a_stop_since_a_day_word_is_that_recent(tmp_path: Path) -> None:
    lines = [f"{k};F;30;85;ng/mL;{v}" for k, v in STOPS.items()]
    lines.append("Z;F;30;85;ng/mL;Risperidon abgesetzt seit 3 Monaten")
    out = triage_lines(tmp_path, "id;sex;age;prolactin;unit;medications", lines)
    for row in STOPS:
        assert out.loc[row, "factors"] == "medication:antipsychotic", row
        assert "still acting" in out.loc[row, "factor_evidence"], row
        assert out.loc[row, "priority"] == "routine", row
    assert out.loc["Z", "factors"] == "unexplained"
    assert "not counted as current" in out.loc["Z", "factor_evidence"]
