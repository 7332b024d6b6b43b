"""Review 11 regressions (long and wide exports).  Synthetic patients only.

- "Last", "latest", "letzter", "dernier", "laatste", "último", "ultimo" name the CURRENT value:
  a column so named is the result.  Only words that mean an earlier value (previous, prior,
  antérieur, précédent, Vorwert, anterior, vorige, vorletzter ...) part a column from the result,
  and a file whose only result column carries one has it read with a warning, not refused.
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
