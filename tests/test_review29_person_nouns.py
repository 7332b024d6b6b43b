"""The woman named by her state (review 29): German "Schwangere", Dutch "zwangere" (a pregnant
woman), German "Wöchnerin" (a woman in the weeks after a delivery), Dutch "zogende moeder" (a
breastfeeding mother) say the state as the adjective does (clinical-reference §2.1, §4:
pregnancy and lactation have their own intervals; contract §7: the expected level is `none`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.pipeline import TriageRequest, run_triage

HEADER = "Pat.-Nr.;Geschlecht;Alter;Abnahme;Prolaktin;Einheit;Klin. Angaben\n"


def _triaged(tmp_path: Path, note: str, value: str = "150") -> pd.Series:
    path = tmp_path / "station.csv"
    path.write_text(HEADER + f"P1;w;31;03.11.2026 08:10;{value};ng/ml;{note}\n", encoding="utf-8")
    outcome = run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True, jobs=1)
    )
    assert outcome.results is not None and len(outcome.results) == 1
    return outcome.results.iloc[0]


@pytest.mark.parametrize(
    "note",
    ["Schwangere", "Schwangere, Kopfschmerzen", "zwangere", "zwangere vrouw, misselijk"],
)
def test_the_pregnant_woman_is_judged_on_the_pregnancy_interval(tmp_path: Path, note: str) -> None:
    row = _triaged(tmp_path, note)
    assert str(row["reference_stratum"]).endswith(":pregnant")
    assert row["priority"] == "none"


@pytest.mark.parametrize("note", ["Wöchnerin", "Wöchnerin, Station 5"])
def test_the_woman_after_a_delivery_has_it_as_a_factor(tmp_path: Path, note: str) -> None:
    row = _triaged(tmp_path, note, value="60")
    assert "lactation" in str(row["factors"]) or "postpartum" in str(row["factors"])
    assert row["priority"] in {"none", "routine"}


def test_the_breastfeeding_mother_is_judged_on_the_lactation_interval(tmp_path: Path) -> None:
    row = _triaged(tmp_path, "zogende moeder")
    assert str(row["reference_stratum"]).endswith(":lactating")


@pytest.mark.parametrize(
    "note", ["keine Schwangere", "niet zwangere vrouw", "Schwangerenvorsorge vereinbart"]
)
def test_a_denial_or_a_compound_says_no_pregnancy(tmp_path: Path, note: str) -> None:
    row = _triaged(tmp_path, note)
    assert not str(row["reference_stratum"]).endswith(":pregnant")
    assert row["priority"] != "none"


@pytest.mark.parametrize(
    "note",
    [
        "Schwangere im Haushalt",
        "Hebamme, betreut Schwangere",
        "verloskundige, zogende moeders",
        "Hausbesuch bei Wöchnerin",
        "zwangere collega op de afdeling",
    ],
)
def test_another_woman_named_by_her_state_is_not_the_patient(tmp_path: Path, note: str) -> None:
    row = _triaged(tmp_path, note, value="60")
    assert not str(row["reference_stratum"]).endswith((":pregnant", ":lactating"))
    assert "lactation" not in str(row["factors"]) and "pregnancy" not in str(row["factors"])
