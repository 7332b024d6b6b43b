"""Review 27 (reviewer D) R3: a history written before a cumulative report's header dates were
its results' collection dates (fix207).

The old code stored each dated column's result without a collection date, its visit label the
header's date ("11.09.2026").  The next monthly report repeats the earlier columns, now dated:
each repeated result is the stored one (its id, its acknowledgement), never a second result, and
the stored result takes the header's date.  A result of another visit, another value or another
patient stays a result of its own.  The old history is simulated by clearing the collection
dates the new code stored for the first month's report.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import cli

# (language, the prolactin word, the patient id header, the sex header, the birth date header)
LANGUAGES = [
    ("de", "Prolaktin", "Pat-Nr", "Geschlecht", "Geburtsdatum"),
    ("en", "Prolactin", "Patient ID", "Sex", "Date of birth"),
    ("fr", "Prolactine", "IPP", "Sexe", "Date de naissance"),
    ("it", "Prolattina", "ID paziente", "Sesso", "Data di nascita"),
    ("nl", "Prolactine", "Patiëntnummer", "Geslacht", "Geboortedatum"),
]
OCTOBER = ("14.08.2026", "11.09.2026", "09.10.2026")
NOVEMBER = ("11.09.2026", "09.10.2026", "06.11.2026")


def _report(language: tuple[str, ...], dates: tuple[str, ...], values: list[str]) -> str:
    _, word, pid, sex, born = language
    header = ";".join([pid, sex, born, *(f"{word} {d} (mIU/l)" for d in dates)])
    other = "300;320;310" if dates == OCTOBER else "320;310;330"
    return f"{header}\n100501;F;02.05.1987;{';'.join(values)}\n100502;F;14.07.1990;{other}\n"


def _as_the_old_code_stored(history: Path) -> None:
    """The results of the dated columns, stored without their collection date."""
    with sqlite3.connect(history) as conn:
        conn.execute("UPDATE results SET collected_at = NULL, collected_offset = NULL")


def _stored(history: Path) -> pd.DataFrame:
    with sqlite3.connect(history) as conn:
        return pd.read_sql_query("SELECT * FROM results ORDER BY id", conn)


def _run(tmp_path: Path, name: str, text: str, history: Path) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = tmp_path / name.replace(".csv", "")
    done = cli("run", path, "--out", out, "--history", history)
    assert done.exit_code in (0, 1), done.output
    return out


@pytest.mark.parametrize("language", LANGUAGES, ids=[row[0] for row in LANGUAGES])
def test_an_upgrade_never_stores_a_repeated_column_again_nor_loses_its_acknowledgement(
    tmp_path: Path, language: tuple[str, ...]
) -> None:
    history = tmp_path / "history.db"
    _run(tmp_path, "okt.csv", _report(language, OCTOBER, ["410", "980", "6200"]), history)
    _as_the_old_code_stored(history)
    stored = _stored(history)
    urgent = stored.loc[stored["prolactin_value"] == 6200, "id"].tolist()
    assert len(urgent) == 1
    done = cli("ack", f"R-{urgent[0]}", "--by", "Dr A", "--to", "GP", "--history", history)
    assert done.exit_code == 0, done.output

    out = _run(tmp_path, "nov.csv", _report(language, NOVEMBER, ["980", "6200", "2100"]), history)

    after = _stored(history)
    assert len(after) == len(stored) + 2  # only the 06.11 column, of each patient
    mine = after[after["patient_id"] == "100501"]
    assert sorted(mine["prolactin_value"].tolist()) == [410, 980, 2100, 6200]
    # the repeated results took their header's date; the id and acknowledgement stayed
    dated = dict(zip(mine["prolactin_value"], mine["collected_at"].fillna(""), strict=True))
    assert dated[980].startswith("2026-09-11") and dated[6200].startswith("2026-10-09")
    assert dated[410] == ""  # not repeated: as stored
    text = (out / "urgent.txt").read_text(encoding="utf-8")
    assert f"R-{urgent[0]}" in text and "ALREADY ACKNOWLEDGED" in text
    results = pd.read_csv(out / "results.csv", dtype=str)
    assert str(urgent[0]) in results["result_id"].tolist()


@pytest.mark.parametrize(
    "november",
    [
        ["981", "6300", "2100"],  # other values of the same dates: other results
        ["6200", "980", "2100"],  # the values under each other's dates: other visits
    ],
    ids=["other_values", "other_dates"],
)
def test_a_result_of_another_value_or_date_stays_a_result_of_its_own(
    tmp_path: Path, november: list[str]
) -> None:
    history = tmp_path / "history.db"
    language = LANGUAGES[0]
    _run(tmp_path, "okt.csv", _report(language, OCTOBER, ["410", "980", "6200"]), history)
    _as_the_old_code_stored(history)
    before = len(_stored(history))
    _run(tmp_path, "nov.csv", _report(language, NOVEMBER, november), history)
    after = _stored(history)
    assert len(after) == before + len(november) + 1  # patient 100502's 06.11 only
    assert after.loc[after["collected_at"].isna(), "patient_id"].tolist().count("100501") == 3
