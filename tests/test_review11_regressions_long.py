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
