"""Review 18, a visit label is part of an undated result's identity in the history
(docs/history.md "No duplicates"; output-contract-extensions "The visit label of a result").

A research cohort's export names each result's visit ("Visite", "visit", "Besuch", "visita",
"bezoek", "timepoint"; "V1", "Visit 2", "Baseline", "Week 12") and often no collection date.
Without a date the history identifies a result by its patient, value and unit, one to one; the
visit label is now part of that identity:

1. another visit of the same value in a later file is a new result (before: "Visite 3, 300
   ng/mL" was taken for the stored "Visite 2, 300", a duplicate, the result lost), in wide
   exports of six languages and in a long export;
2. the same visit sent again, however its label is spelled ("V2", "Visit 2", "Visite n° 2",
   "2"), is the stored result (its id, nothing added);
3. a history of schema version 4 is brought to version 5 (results.visit added) keeping its
   rows; a result stored without a visit is identified as before (its visit not compared), a
   stored result of the same visit is taken first;
4. a wide file's visit column is read only under a visit header: a header naming another field
   with a visit mark ("TSH Visite 1", "PRL (visit A)") stays that field's.

Synthetic patients only; in-process runs on SQLite (and PostgreSQL where CI provides it)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from history_fixtures import run_with_history
from pipeline_helpers import triage_lines

from triage.columns import recognise_columns, visit_key
from triage.history.store import SCHEMA_VERSION, open_history
from triage.pipeline import TriageOutcome

T0 = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
HELD = "without a collection time"  # the warning of results taken for stored ones

# Wide exports (one row per result) and a long one: (name, header, a line of patient {pid} at
# visit {visit} with 300 ng/mL, no collection date).  The other languages' visit headers:
# test_visit_headers_in_six_languages (the runs are kept few: CI's time).
EXPORTS = (
    ("de", "Patient ID;Visite;Prolaktin (ng/ml);Geschlecht;Alter", "{pid};{visit};300;w;34"),
    ("en", "study_id;redcap_event_name;prolactin;unit;sex;age", "{pid};{visit};300;ng/mL;F;34"),
    (
        "long",
        "study_id;Zeitpunkt;Parameter;Ergebnis;Einheit;Geschlecht;Alter",
        "{pid};{visit};Prolaktin;300;ng/ml;w;34",
    ),
)
# Each export's patients: "-new" at another visit in the later file, "-same" at the same visit
# spelled another way.  (first file's label, later file's label)
NEW = {"de": ("Visite 2", "Visite 3"), "en": ("visit_2_arm_1", "visit_3_arm_1"),
       "long": ("Besuch 1", "Besuch 2")}  # fmt: skip
SAME = {"de": ("Visite 2", "Visite n° 2"), "en": ("visit_2_arm_1", "Visit_2_Arm_1"),
        "long": ("Besuch 1", "V1")}  # fmt: skip


def _write(folder: Path, which: int) -> list[Path]:
    """Each export of EXPORTS with its two patients (``R18-<language>-new``, ``-same``) at
    their first (``which`` 0) or later (1) visit label."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, header, line in EXPORTS:
        lines = [
            line.format(pid=f"R18-{name}-{kind}", visit=labels[name][which])
            for kind, labels in (("new", NEW), ("same", SAME))
        ]
        path = folder / f"{name}.csv"
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def _run(tmp: Path, name: str, inputs: list[Path], url: str, hours: int = 0) -> TriageOutcome:
    outcome: TriageOutcome = run_with_history(tmp, name, inputs, url, T0 + timedelta(hours=hours))
    return outcome


def _by_patient(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def _warnings(outcome: TriageOutcome) -> str:
    return " ".join(w for s in outcome.inputs for w in s.warnings)


def _stored(url: str, patient: str) -> list[tuple[object, object]]:
    with open_history(url) as history:
        rows = history.results_of(patient)
    visits = [None if pd.isna(v) else v for v in rows["visit"].tolist()]
    return list(zip(visits, rows["prolactin_ng_ml"].tolist(), strict=True))


# -- 1 and 2. another visit of the same value is new; the same visit resent is the stored one ---
def test_another_visit_is_a_new_result_the_same_visit_resent_is_the_stored_one(
    tmp_path: Path,
) -> None:
    url = str(tmp_path / "h.db")
    first = _by_patient(_run(tmp_path, "o1", _write(tmp_path / "a", 0), url))
    assert first.loc["R18-de-new", "visit"] == "Visite 2"  # the label as written, in results
    later = _run(tmp_path, "o2", _write(tmp_path / "b", 1), url, hours=24)
    rows = _by_patient(later)
    for name, _, _ in EXPORTS:
        new, same = f"R18-{name}-new", f"R18-{name}-same"
        # before: "Visite 3, 300" was taken for the stored "Visite 2, 300" and nothing added
        assert rows.loc[new, "result_id"] != first.loc[new, "result_id"], name
        assert _stored(url, new) == [(NEW[name][0], 300.0), (NEW[name][1], 300.0)], name
        # no date, no trend: the visits are not put in order (docs/history.md)
        assert rows.loc[new, "trend"] == "" and pd.isna(rows.loc[new, "change_pct"]), name
        assert rows.loc[same, "result_id"] == first.loc[same, "result_id"], name
        assert _stored(url, same) == [(SAME[name][0], 300.0)], name
    said = _warnings(later)
    assert "without a collection time (row 3) are results another file recorded" in said
    assert "the same visit where both name one" in said


def test_a_cohort_re_exported_with_one_more_visit_of_the_same_value(tmp_path: Path) -> None:
    """Visits 1 and 2 stored; the re-export holds them and visit 3, all 300: one added."""
    url = str(tmp_path / "h.db")
    header = "subject;visit;prolactin (ng/mL);sex;age\n"
    one = tmp_path / "one.csv"
    one.write_text(header + "C1;Baseline;300;F;30\nC1;Week 12;300;F;30\n", encoding="utf-8")
    ids = _by_patient(_run(tmp_path, "o1", [one], url))["result_id"].tolist()
    two = tmp_path / "two.csv"
    two.write_text(
        header + "C1;Baseline;300;F;30\nC1;W12;300;F;30\nC1;Week 24;300;F;30\n", encoding="utf-8"
    )
    again = _by_patient(_run(tmp_path, "o2", [two], url, hours=24))["result_id"].tolist()
    assert again[:2] == ids and again[2] not in ids
    assert [v for v, _ in _stored(url, "C1")] == ["Baseline", "Week 12", "Week 24"]


# -- 3. the schema upgrade ---------------------------------------------------------------------
def _as_version_4(url: str) -> None:
    """The history as schema version 4 left it: no results.visit."""
    engine = sa.create_engine(url if "://" in url else f"sqlite:///{url}")
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE results DROP COLUMN visit"))
        conn.execute(sa.text("UPDATE schema_info SET value = '4' WHERE key = 'schema_version'"))
    engine.dispose()


def test_a_version_4_history_is_upgraded_keeping_its_rows(tmp_path: Path, history_url: str) -> None:
    header = "subject;visit;prolactin (ng/mL);sex;age\n"
    old = tmp_path / "old.csv"  # recorded before version 5: stored without a visit
    old.write_text(header + "U1;V2;300;F;30\nU2;V1;45;M;50\n", encoding="utf-8")
    stored = _by_patient(_run(tmp_path, "o1", [old], history_url))["result_id"].to_dict()
    _as_version_4(history_url)
    with open_history(history_url) as history:  # a command that writes upgrades it
        assert history.schema_version() == SCHEMA_VERSION == 9
        assert "visit" in {c["name"] for c in sa.inspect(history.engine).get_columns("results")}
        assert history.counts()["results"] == len(("U1", "U2"))
        kept = history.results_of("U1")
    assert kept["prolactin_ng_ml"].tolist() == [300.0] and kept["visit"].isna().all()
    # the old result (no visit: not compared) is visit 2 again; visit 3 is new
    later = tmp_path / "later.csv"
    later.write_text(header + "U1;Visit 2;300;F;30\nU1;Visit 3;300;F;30\n", encoding="utf-8")
    rows = _run(tmp_path, "o2", [later], history_url, hours=24).results
    assert rows is not None
    first, new = rows["result_id"].tolist()
    assert first == stored["U1"] and new not in stored.values()
    # visit 3 sent alone takes its own stored result, not the old one without a visit
    third = tmp_path / "third.csv"
    third.write_text(header + "U1;V3;300;F;30\n", encoding="utf-8")
    rows = _run(tmp_path, "o3", [third], history_url, hours=48).results
    assert rows is not None and rows["result_id"].tolist() == [new]
    assert [v for v, _ in _stored(history_url, "U1")] == [None, "Visit 3"]


def test_a_file_without_a_visit_column_matches_as_before(tmp_path: Path) -> None:
    """Neither side's visit unknown is compared: the rule before version 5."""
    url = str(tmp_path / "h.db")
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("subject;visit;prolactin (ng/mL);sex\nN1;V4;52;F\n", encoding="utf-8")
    held = _by_patient(_run(tmp_path, "o1", [cohort], url))["result_id"].tolist()
    plain = tmp_path / "plain.csv"
    plain.write_text("subject;prolactin (ng/mL);sex\nN1;52;F\n", encoding="utf-8")
    outcome = _run(tmp_path, "o2", [plain], url, hours=24)
    assert _by_patient(outcome)["result_id"].tolist() == held and HELD in _warnings(outcome)
    with sqlite3.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM results").fetchone() == (1,)


# -- 4. which header is a wide file's visit ----------------------------------------------------
VISIT_HEADERS = [
    ["Patient ID", "Visite", "Prolaktin (ng/ml)", "Geschlecht"],
    ["N° patient", "Visite n°", "Prolactine (ng/mL)", "Sexe"],
    ["ID paciente", "Visita", "Prolactina (ng/mL)", "Sexo"],
    ["ID paziente", "Numero visita", "Prolattina (ng/mL)", "Sesso"],
    ["Patiënt ID", "Bezoek", "Prolactine (ng/mL)", "Geslacht"],
    ["Patient", "Timepoint", "Prolactin (ng/mL)", "Sex"],
    ["Pat.-Nr.", "Besuch Nr", "Prolaktin (ng/ml)", "Geschlecht"],
]


def test_visit_headers_in_six_languages() -> None:
    samples = {1: ["V1", "Visit 2", "Baseline"], 2: [12.0, 300.0], 3: ["F", "M"]}
    found = [recognise_columns(h, None, samples).fields.get("visit") for h in VISIT_HEADERS]
    assert found == [1] * len(VISIT_HEADERS)


def test_only_a_visit_header_is_the_visit_of_a_wide_file(tmp_path: Path) -> None:
    out = triage_lines(
        tmp_path,
        "MRN,Sex,Age,Prolaktin Visite 2 (ng/mL),TSH Visite 1,TSH Visite 2,Event",
        [  # "Event" holding statuses: no visit, the column unread
            "W1,F,40,45,1.1,12.5,Result final",
            "W2,F,40,45,12.5,1.1,Result final",
        ],
    )
    # the TSH columns stay TSH's: visit 2's is read beside visit 2's prolactin (a word rule
    # let the visit take "TSH Visite 1", and the raised TSH was left unread)
    assert "hypothyroidism" in str(out.loc["W1", "factors"])
    assert "hypothyroidism" not in str(out.loc["W2", "factors"])
    assert pd.isna(out.loc["W1", "visit"]) and pd.isna(out.loc["W2", "visit"])
    # a visit's date is the collection date, never the visit
    match = recognise_columns(["MRN", "Visit date", "Prolactin"], None, {1: ["2026-10-01"]})
    assert match.fields.get("collected_at") == 1 and "visit" not in match.fields


# -- the one form of a visit label -------------------------------------------------------------
SAME_VISIT = [
    ("Visite 2", "V2"),
    ("Visit 2", "visit_02"),
    ("visit_2_arm_1", "Visit 2 Arm 1"),
    ("Besuch Nr. 2", "2"),
    ("Visita número 2", "V 2"),
    ("bezoek 2", "Visit #2"),
    ("Week 12", "W12"),
    ("12 Wochen", "Semaine 12"),
    ("3 mois", "Month 3"),
    ("J0", "Day 0"),
    ("month_6_arm_1", "Month 6 Arm 1"),
    ("Baseline", "BASELINE"),
]
OTHER_VISIT = [
    ("V2", "V12"),
    ("V2", "Week 2"),
    ("Visite 2", "Visite 3"),
    ("month_6_arm_1", "month_6_arm_2"),
    ("Screening", "Baseline"),
    ("Baseline", "BL"),  # two labels: a respelled re-export is stored again, never a result lost
    ("Visit 2a", "Visit 2"),
]


def test_visit_labels_in_one_form() -> None:
    assert [visit_key(a) == visit_key(b) for a, b in SAME_VISIT] == [True] * len(SAME_VISIT)
    assert [visit_key(a) == visit_key(b) for a, b in OTHER_VISIT] == [False] * len(OTHER_VISIT)
    assert [visit_key(v) for v in (None, float("nan"), "", "  ")] == [""] * len(
        ("a", "b", "c", "d")
    )
