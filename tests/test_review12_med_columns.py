"""Medication columns and evidence found by the outside review 12, each fixed as a class and tested
in the six languages: a column headed as past or stopped medication ("Stopped medications",
"Frühere Medikation", "Médicaments arrêtés", "Medicación previa", "Farmaci sospesi", "Eerdere
medicatie") is never read as the drugs taken now, alone or beside a current list, and `check`
says so; the `unexplained` evidence tells a raising drug recorded as stopped (not counted) from a
list in which no raising drug was recognised.  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv
from typer.testing import CliRunner

from triage.cli import app
from triage.columns import past_medication_header, recognise_columns
from triage.io.drug_columns import drug_of_header

runner = CliRunner()
WARNED = "headed as past or stopped medication"
# The work-up of an unexplained marked rise (ES 2011; clinical-reference §1.1), dropped when an
# antipsychotic explains the level.
WORK_UP = ("pituitary_mri", "endocrine_referral")

# Headers of past or stopped medication that were read as the current list, six languages.
PAST_HEADERS = [
    "Stopped medications",
    "Previous medication",
    "Past medication",
    "Ceased medications",
    "Medication (discontinued)",
    "Discontinued medications",
    "Former medications",
    "Medication (stopped)",
    "Abgesetzte Medikamente",
    "Frühere Medikation",
    "Ehemalige Medikation",
    "Medikation (abgesetzt)",
    "Médicaments arrêtés",
    "Anciens médicaments",
    "Medicación previa",
    "Medicamentos suspendidos",
    "Medicamentos anteriores",
    "Farmaci sospesi",
    "Farmaci precedenti",
    "Eerdere medicatie",
    "Gestopte medicatie",
    "Vorige medicatie",
]
# Past-medication headers the reader already left unread, now named in the warnings too.
# ("Medication history", "Drug history", "Vormedikation" list the drugs taken now:
# test_review12_regressions_drugs.)
UNREAD_PAST_HEADERS = [
    "Anamnesi farmacologica pregressa",
    "Traitements antérieurs",
    "Terapia pregressa",
]


def _one(tmp_path: Path, header: str, cell: str, prolactin: int = 150) -> pd.Series:
    results = triage_csv(
        tmp_path, f'ID,Sex,Age,Prolactin (ng/mL),{header}\nP1,F,30,{prolactin},"{cell}"\n'
    )
    assert len(results) == 1
    row: pd.Series = results.iloc[0]
    return row


def _check(tmp_path: Path, text: str) -> str:
    path = tmp_path / "check.csv"
    path.write_text(text, encoding="utf-8")
    out = runner.invoke(app, ["check", str(path)])
    assert out.exit_code == 0, out.output
    return out.stdout


# --------------------------------------------------------------------------------------------
# 1. A past or stopped medication column is never the current medication list.
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("header", PAST_HEADERS)
def test_a_past_medication_column_alone_counts_no_drug(tmp_path: Path, header: str) -> None:
    row = _one(tmp_path, header, "Risperdal 2 mg; Haldol 5 mg")
    assert "medication:" not in row["factors"]
    assert row["priority"] != "routine"
    assert all(code in row["suggestions"] for code in WORK_UP)


@pytest.mark.parametrize("header", PAST_HEADERS)
def test_a_past_medication_header_is_not_the_medications(header: str) -> None:
    match = recognise_columns(
        ["ID", "Sex", "Prolactin (ng/mL)", header], samples={3: ["Risperdal 2 mg", "Haldol"]}
    )
    assert "medications" not in match.fields
    assert 3 not in match.note_columns
    assert past_medication_header(header)
    assert any(WARNED in w and repr(header) in w for w in match.warnings)


# A current list beside a past one: the current drugs are read, none of the past list's, however
# many drugs its cell holds ("; " and line breaks ended the header's label before).
BESIDE = [
    ("Medications", "Stopped medications", "metoclopramide 10 mg", "Risperdal; Haldol"),
    ("Prior to admission medications", "Discontinued medications", "Maxolon", "Risperdal; Haldol"),
    ("Aktuelle Medikation", "Abgesetzte Medikamente", "MCP 10 mg", "Risperdal\nHaldol"),
    ("Traitement en cours", "Médicaments arrêtés", "Primperan", "Risperdal; Haldol"),
    ("Medicación actual", "Medicación previa", "metoclopramida", "Risperdal; Haldol"),
    ("Terapia in atto", "Farmaci sospesi", "Plasil", "Risperdal; Haldol"),
    ("Huidige medicatie", "Gestopte medicatie", "metoclopramide", "Risperdal; Haldol"),
]


@pytest.mark.parametrize(("current", "past", "taken", "stopped"), BESIDE)
def test_a_past_list_beside_the_current_one_adds_no_drug(
    tmp_path: Path, current: str, past: str, taken: str, stopped: str
) -> None:
    results = triage_csv(
        tmp_path,
        f'ID,Sex,Age,Prolactin (ng/mL),{current},{past}\nP1,F,30,60,"{taken}","{stopped}"\n',
    )
    row = results.iloc[0]
    assert "medication:antiemetic" in row["factors"]  # the current list is read
    assert "medication:antipsychotic" not in row["factors"]
    assert "haloperidol" not in row["factor_evidence"]


@pytest.mark.parametrize("question", ["Previous medications", "Abgesetzte Medikamente"])
def test_a_checkbox_option_of_a_past_question_is_no_drug_taken(
    tmp_path: Path, question: str
) -> None:
    header = f"{question} (choice=Risperidone)"
    assert drug_of_header(header) is None
    row = _one(tmp_path, header, "Checked")
    assert "medication:" not in row["factors"]
    assert all(code in row["suggestions"] for code in WORK_UP)


@pytest.mark.parametrize("header", [*PAST_HEADERS[::3], *UNREAD_PAST_HEADERS])
def test_check_says_what_was_done_with_a_past_column(tmp_path: Path, header: str) -> None:
    shown = _check(tmp_path, f'ID,Sex,Age,Prolactin (ng/mL),{header}\nP1,F,30,150,"Risperdal"\n')
    assert f"medications <- {header}" not in shown
    assert WARNED in shown and repr(header) in shown
    assert f"[columns] medications = '{header}'" in shown  # how to read it when it is current


def test_check_names_a_past_column_beside_the_current_one(tmp_path: Path) -> None:
    shown = _check(
        tmp_path,
        "ID,Sex,Age,Prolactin (ng/mL),Medications,Stopped medications\nP1,F,30,150,,Risperdal\n",
    )
    assert "medications <- Medications" in shown
    assert "also holds medications" not in shown
    assert WARNED in shown and "'Stopped medications'" in shown


# --------------------------------------------------------------------------------------------
# 2. The `unexplained` evidence: a raising drug recorded as stopped is named as not counted; a
# list with no raising drug recognised is said so neutrally, never "names no drug that raises".
# --------------------------------------------------------------------------------------------
STOPPED_TEXTS = [
    ("risperidone stopped 3 months ago", "risperidone"),
    ("Risperidon abgesetzt seit 3 Monaten", "risperidone"),
    ("Risperdal gestopt", "risperidone"),
    ("rispéridone arrêtée en janvier", "risperidone"),
    ("risperidona suspendida", "risperidone"),
    ("risperidone sospeso", "risperidone"),
    ("geen Haldol meer", "haloperidol"),
    ("Allergie: Haldol; Metformin", "haloperidol"),
]


@pytest.mark.parametrize(("text", "drug"), STOPPED_TEXTS)
def test_a_stopped_raising_drug_is_named_as_not_counted(
    tmp_path: Path, text: str, drug: str
) -> None:
    row = _one(tmp_path, "Medications", text, prolactin=60)
    assert "unexplained" in row["factors"] and "medication:" not in row["factors"]
    evidence = row["factor_evidence"]
    assert "names no drug" not in evidence
    # a stop with its time written says when (review 18: "stopped about 3 months before the
    # sample"), one without says it is not taken now
    said = evidence.split(f"'{text}' → {drug}: ", 1)[-1]
    assert said.startswith(("recorded as stopped or not taken now", "stopped about 3 months")), said
    assert "not counted as current medication" in evidence


@pytest.mark.parametrize(
    "text", ["risperdon 2mg", "Rispardal 1 mg", "rispéridonne", "Metformin 500 mg", "Ramipril 5 mg"]
)
def test_no_raising_drug_recognised_is_said_neutrally(tmp_path: Path, text: str) -> None:
    row = _one(tmp_path, "Medications", text, prolactin=60)
    evidence = row["factor_evidence"]
    assert "names no drug" not in evidence
    assert f"medications: no prolactin-raising drug recognised in '{text}'" in evidence
