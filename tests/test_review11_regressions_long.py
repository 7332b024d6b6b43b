"""Review 11 regressions (long and wide exports).  Synthetic patients only.

- "Last", "latest", "letzter", "dernier", "laatste", "último", "ultimo" name the CURRENT value:
  a column so named is the result.  Only words that mean an earlier value (previous, prior,
  antérieur, précédent, Vorwert, anterior, vorige, vorletzter ...) part a column from the result,
  and a file whose only result column carries one has it read with a warning, not refused.
- A long-file prolactin line "after" any drug of the lexicon, a stimulation, load or test, or a
  precipitation (six languages) is no basal prolactin, whatever repeat or control word it holds;
  only a rest, a cannula or a bare repeat lets "after" through, and minutes alone do not.
- A column is a long file's visit only when its cells are visit labels: times of day, dates,
  encounter numbers and result statuses are no visits, so the same day's TSH and drug join.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.columns import recognise_columns
from triage.engine import triage_frame
from triage.io import ReadOptions, read_file
from triage.io.long import classify_test
from triage.knowledge import load_knowledge


def _triage(tmp_path: Path, text: str) -> tuple[pd.DataFrame, list[str]]:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    read = read_file(path, None, ReadOptions())
    rejected = [f"{r.source_row}:{r.reason_code}" for r in read.rejected]
    return triage_frame(read.frame, load_knowledge("default")), rejected


# ------------------------------------------------------------------------------------------------
# 1. "Last" is the current value; an earlier-value word never leaves a file without a result

LATEST_LONG = [
    ("Patient ID,Sex,Age,Test,Last result,Unit", ",", "Prolactin", "ng/mL"),
    ("Patient ID,Sex,Age,Test,Latest result,Unit", ",", "Prolactin", "ng/mL"),
    ("NIP;Sexe;Age;Analyse;Dernier résultat;Unité", ";", "Prolactine", "ng/ml"),
    ("Patientnummer;Geslacht;Leeftijd;Bepaling;Laatste uitslag;Eenheid", ";", "Prolactine", "ug/l"),
    ("Patient-ID;Geschlecht;Alter;Analyt;Letzter Wert;Einheit", ";", "Prolaktin", "ng/ml"),
    ("NHC;Sexo;Edad;Prueba;Último resultado;Unidad", ";", "Prolactina", "ng/ml"),
    ("ID paziente;Sesso;Età;Esame;Ultimo risultato;Unità", ";", "Prolattina", "ng/ml"),
]


@pytest.mark.parametrize(("header", "sep", "test", "unit"), LATEST_LONG)
def test_a_last_result_column_is_the_result(
    tmp_path: Path, header: str, sep: str, test: str, unit: str
) -> None:
    sex = header.split(sep)[1]
    female = {"Geslacht": "V", "Geschlecht": "W"}.get(sex, "F")
    results, rejected = _triage(
        tmp_path,
        f"{header}\n"
        f"L1{sep}{female}{sep}34{sep}{test}{sep}520{sep}{unit}\n"
        f"L2{sep}{female}{sep}30{sep}{test}{sep}18{sep}{unit}\n",
    )
    assert rejected == []
    assert list(results["prolactin_ng_ml"]) == [520, 18]
    assert list(results["priority"]) == ["urgent", "none"]


@pytest.mark.parametrize(
    "header", ["Prolaktin letzter Wert", "Prolactin (latest)", "Prolactine dernière valeur"]
)
def test_a_wide_last_value_column_is_the_prolactin(header: str) -> None:
    match = recognise_columns(["Patient ID", "Sex", "Age", header, "Unit"])
    assert match.fields.get("prolactin") == 3
    assert not any("earlier value" in w for w in match.warnings)


@pytest.mark.parametrize(
    "header",
    [
        "Previous prolactin",
        "Prolaktin Vorwert",
        "Prolaktin vorletzter Wert",
        "Prolactine antérieure",
        "Prolactina anterior",
        "Prolattina precedente",
        "Vorige prolactine",
    ],
)
def test_an_only_earlier_prolactin_column_is_read_with_a_warning(header: str) -> None:
    match = recognise_columns(["Patient ID", "Sex", "Age", header, "Unit"])
    assert match.fields.get("prolactin") == 3
    assert any("earlier value" in w for w in match.warnings)


@pytest.mark.parametrize(
    "earlier", ["Previous prolactin", "Prolaktin Vorwert", "Vorige prolactine"]
)
def test_an_earlier_column_beside_the_prolactin_is_not_the_result(earlier: str) -> None:
    match = recognise_columns(["Patient ID", "Sex", "Age", "Prolactin", "Unit", earlier])
    # never the earlier column; the pair is a visit series, refused as before, or the current one
    assert match.fields.get("prolactin") in (None, 3)
    assert not any("earlier value" in w for w in match.warnings)


@pytest.mark.parametrize(
    "header", ["Résultat antérieur", "Vorheriger Wert", "Resultado anterior", "Vorige uitslag"]
)
def test_an_earlier_result_beside_the_result_stays_excluded(header: str) -> None:
    match = recognise_columns(["IPP", "Sexe", "Âge", "Analyse", header, "Résultat", "Unité"])
    assert match.fields.get("result") == 5
    assert not any("earlier value" in w for w in match.warnings)


# ------------------------------------------------------------------------------------------------
# 2. "After" a drug, a stimulation or a precipitation is no basal prolactin, whatever else it says


@pytest.mark.parametrize(
    "name",
    [
        # after any drug the lexicon knows, brand or generic, with minutes
        "Prolaktin 30 min nach Paspertin",
        "Prolactine 30 min après Primperan",
        "Prolactina 30 min tras Primperan",
        "Prolattina 30 min dopo Plasil",
        "Prolaktin 20 min nach Motilium",
        "Prolactin 30 min after Maxolon",
        "Prolactin 60 min after sulpiride",
        "Prolactin 30 min after chlorpromazine",
        "Prolactine 30 min na Primperan",
        # a drug or a stimulation beside a repeat or control word
        "Prolactin after TRH (repeat)",
        "Prolaktin nach Paspertin (Kontrolle)",
        # after a stimulation, a load or a test
        "Prolaktin 15 min nach Belastung",
        "Prolactin 30 min post exercise",
        "Prolactin 30 min after glucagon",
        "Prolactine 30 min après charge",
        "Prolactina 30 min tras carga",
        "Prolattina 30 min dopo carico",
        "Prolactine 30 min na belasting",
        # precipitation in six languages wins over a control or repeat word
        "Prolactina tras precipitación (control)",
        "Prolaktin nach Fällung (Kontrolle)",
        "Prolaktin nach Fällung (Wdh)",
        "Prolattina dopo precipitazione (controllo)",
        "Prolactine après précipitation (contrôle)",
        "Prolactine na precipitatie (controle)",
        "Prolactin after precipitation (control)",
        "Prolactin post-precipitation repeat",
    ],
)
def test_after_an_agent_or_a_precipitation_is_no_basal_prolactin(name: str) -> None:
    found = classify_test("", "", name, None, "ng/mL")
    assert found is None or found.name != "prolactin"


@pytest.mark.parametrize(
    "name",
    [
        "Prolactin after 30 min rest",
        "Prolaktin nach 30 min Ruhe",
        "Prolactine après 20 min de repos",
        "Prolactina tras 30 min de reposo",
        "Prolattina dopo 30 min di riposo",
        "Prolactine na 30 min rust",
        "Prolactin after 20 min cannula",
        "Prolaktin nach Ruhe (Kontrolle)",
        "Prolactin after rest (no Primperan)",  # a drug negated is no agent
    ],
)
def test_a_rested_or_cannulated_repeat_is_still_prolactin(name: str) -> None:
    found = classify_test("", "", name, None, "ng/mL")
    assert found is not None and found.name == "prolactin"


@pytest.mark.parametrize(
    "name",
    ["Prolactin 30 min after", "Prolaktin 20 min nach", "Prolactine 30 minutes après"],
)
def test_minutes_alone_are_no_rest(name: str) -> None:
    found = classify_test("", "", name, None, "ng/mL")
    assert found is None or found.name != "prolactin"


def test_a_stimulation_line_beside_the_basal_one_is_not_triaged(tmp_path: Path) -> None:
    results, rejected = _triage(
        tmp_path,
        "Patient ID,Sex,Age,Collected,Test,Result,Unit\n"
        "M1,F,34,2026-03-01 08:00,Prolactina,180,ng/mL\n"
        "M1,F,34,2026-03-01 08:00,Prolactina tras precipitación (control),20,ng/mL\n"
        "M2,F,34,2026-03-01 08:00,Prolaktin,180,ng/ml\n"
        "M2,F,34,2026-03-01 08:00,Prolaktin nach Fällung (Kontrolle),20,ng/ml\n"
        "M3,F,34,2026-03-01 08:00,Prolaktin,30,ng/ml\n"
        "M3,F,34,2026-03-01 08:00,Prolaktin 30 min nach Paspertin,250,ng/ml\n",
    )
    assert list(results["patient_id"]) == ["M1", "M2", "M3"]
    assert list(results["prolactin_ng_ml"]) == [180, 180, 30]
    assert "urgent" not in set(results["priority"])
    assert not results["factors"].fillna("").str.contains("metoclopramide").any()
    assert sorted(rejected) == ["3:other_test", "5:other_test", "7:other_test"]


# ------------------------------------------------------------------------------------------------
# 3. A visit column is told by its cells: a time of day, a date or a result status is no visit

TIME_COLUMNS = [
    (
        "Patientnummer;Geslacht;Leeftijd;Datum;Tijdstip;Bepaling;Uitslag;Eenheid",
        ";",
        "V",
        "01-03-2026",
        ("08:15", "10:40"),
        ("Prolactine", "TSH", "Medicatie"),
        "ug/l",
    ),
    (
        "Patient ID,Sex,Age,Date,Timepoint,Test,Result,Unit",
        ",",
        "F",
        "2026-03-01",
        ("08:15", "08:20"),
        ("Prolactin", "TSH", "Medication"),
        "ng/mL",
    ),
    (
        "Patient-ID;Geschlecht;Alter;Datum;Zeitpunkt;Analyt;Ergebnis;Einheit",
        ";",
        "W",
        "01.03.2026",
        ("08:15", "10:40"),
        ("Prolaktin", "TSH", "Medikation"),
        "ng/ml",
    ),
    (
        "NIP;Sexe;Age;Date;Moment;Analyse;Résultat;Unité",
        ";",
        "F",
        "01/03/2026",
        ("8h15", "10h40"),
        ("Prolactine", "TSH", "Traitement"),
        "ng/ml",
    ),
    (
        "Patient ID,Sex,Age,Date,Event,Test,Result,Unit",
        ",",
        "F",
        "2026-03-01",
        ("08:15", "10:40"),
        ("Prolactin", "TSH", "Medication"),
        "ng/mL",
    ),
]


@pytest.mark.parametrize(("header", "sep", "female", "day", "times", "tests", "unit"), TIME_COLUMNS)
def test_a_clock_time_column_is_no_visit(
    tmp_path: Path,
    header: str,
    sep: str,
    female: str,
    day: str,
    times: tuple[str, str],
    tests: tuple[str, str, str],
    unit: str,
) -> None:
    prl, tsh, med = tests
    tsh_value = "25,0" if sep == ";" else "25.0"
    results, rejected = _triage(
        tmp_path,
        f"{header}\n"
        f"T1{sep}{female}{sep}34{sep}{day}{sep}{times[0]}{sep}{prl}{sep}95{sep}{unit}\n"
        f"T1{sep}{female}{sep}34{sep}{day}{sep}{times[1]}{sep}{tsh}{sep}{tsh_value}{sep}mU/l\n"
        f"T1{sep}{female}{sep}34{sep}{day}{sep}{times[1]}{sep}{med}{sep}risperidone 2 mg{sep}\n",
    )
    # the same day's TSH and drug join the prolactin: explained, routine
    assert rejected == []
    assert set(str(results["factors"].iloc[0]).split(";")) == {
        "medication:antipsychotic",
        "hypothyroidism",
    }
    assert list(results["priority"]) == ["routine"]


@pytest.mark.parametrize(
    ("header", "cells", "visit"),
    [
        # no visits: result statuses, encounter numbers, datetimes, times of day
        ("Event", ("Result final", "Result corrected"), False),
        ("Visit number", ("100234", "100235"), False),
        ("Zeitpunkt", ("01.03.2026 08:15", "01.03.2026 08:16"), False),
        ("Tijdstip", ("08:15", "10:40"), False),
        ("Timepoint", ("2026-03-01", "2026-03-02"), False),
        # visit labels
        ("Event", ("baseline_arm_1", "month_6_arm_1"), True),
        ("Visit", ("V1", "V2"), True),
        ("Visite", ("Visite 1", "Visite 2"), True),
        ("Zeitpunkt", ("Baseline", "Woche 12"), True),
        ("Tijdstip", ("T0", "T1"), True),
        ("Visit number", (1, 2), True),
        ("Visita", ("Screening", "Follow-up"), True),
        ("Momento", ("Basal", "Mes 6"), True),
    ],
)
def test_the_cells_decide_whether_a_column_is_the_visit(
    header: str, cells: tuple[object, object], visit: bool
) -> None:
    match = recognise_columns(
        ["Patient ID", header, "Test", "Result", "Unit"],
        samples={1: list(cells)},
    )
    assert (match.fields.get("visit") == 1) is visit
