"""Clinical faults found by the second outside review of issue 8, each fixed as a class:
a sex letter read by another language's table, loss of vision written in words that were not
read as a red flag, the urgent list quoting a whole note, and the tool's own symbols redacted."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv

from triage.output.redact import redact_detail
from triage.pipeline import TriageRequest, run_triage
from triage.values import sex_letter_reading


@pytest.mark.parametrize(
    ("header", "letters", "expected"),
    [
        ("Geslacht", ["V", "V"], {"v": "F"}),  # vrouw
        ("Geslacht", ["V", "M"], {"v": "F", "m": "M"}),
        ("Sexo", ["V", "V"], {"v": "M"}),  # varón
        ("Sexo", ["V", "M"], {"v": "M", "m": "F"}),
    ],
)
def test_a_sex_letter_is_read_in_the_headers_language(
    header: str, letters: list[str], expected: dict[str, str]
) -> None:
    reading = sex_letter_reading(letters, header)
    assert reading is not None and reading.letters == expected


def test_a_sex_letter_never_takes_another_languages_reading() -> None:
    """V alone is varón under a Spanish header and vrouw under a Dutch one; under a header of
    neither language nothing decides: unknown (judged between both sexes' limits), never a
    guess."""
    for header in ("Sex", "Geschlecht"):
        reading = sex_letter_reading(["V"], header)
        assert reading is not None and reading.letters == {"v": None}, header


def test_dutch_women_written_v_are_judged_as_women(tmp_path: Path) -> None:
    results = triage_csv(
        tmp_path,
        "Patiëntnummer,Geslacht,Leeftijd,Prolactine (ng/mL)\nN1,V,30,20\nN2,V,45,28\n",
    )
    assert results["sex"].tolist() == ["F", "F"]
    assert results["status"].tolist() == ["normal", "normal"]


@pytest.mark.parametrize(
    "words",
    [
        "Sehverlust",
        "Sehminderung seit 2 Wochen",
        "Verlust des Sehvermögens",
        "perte de vision",
        "perte de la vue",
        "diminution de l'acuité visuelle",
        "pérdida visual",
        "disminución de la agudeza visual",
        "perdita della vista",
        "riduzione del visus",
        "verlies van gezichtsvermogen",
        "verminderd zicht",
        "loss of sight",
        # reduced visual acuity as each language writes it
        "baisse d'acuité visuelle",
        "BAV bilatérale",
        "acuité visuelle diminuée",
        "Visus reduziert",
        "herabgesetzter Visus",
        "agudeza visual disminuida",
        "cuadrantanopsia",
        "perdita del visus",
        "acuità visiva ridotta",
        "verminderde visus",
        "visus verminderd",
        "visual acuity reduced",
    ],
)
def test_loss_of_vision_in_any_language_is_a_red_flag(tmp_path: Path, words: str) -> None:
    results = triage_csv(
        tmp_path,
        f"Patient ID,Sex,Age,Prolactin (ng/mL),Symptoms\nV1,F,40,150,{words}\n",
    )
    assert results["priority"].tolist() == ["urgent"], words


def test_no_loss_of_vision_is_no_red_flag(tmp_path: Path) -> None:
    results = triage_csv(
        tmp_path,
        "Patient ID,Sex,Age,Prolactin (ng/mL),Symptoms\nV1,F,40,60,kein Sehverlust\n"
        "V2,F,40,60,pas de perte de vision\n"
        "V3,F,40,60,pas de baisse d'acuité visuelle\nV4,F,40,60,BAV (bloc AV) connu\n"
        "V5,F,40,60,kein Visus reduziert\n",
    )
    assert "urgent" not in results["priority"].tolist()


def test_the_urgent_list_quotes_the_red_flag_not_the_whole_note(tmp_path: Path) -> None:
    note = "visual field defect noted by Dr Quill (tel 0799 123456)"
    path = tmp_path / "export.csv"
    path.write_text(f"Patient ID,Sex,Age,Prolactin (ng/mL),Symptoms\nU1,F,40,150,{note}\n")
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out"))
    (line,) = outcome.urgent
    assert "visual field defect" in line
    assert "0799" not in line and "Quill" not in line


def test_redaction_keeps_the_tools_own_symbols() -> None:
    detail = "a result below detection is written as '<' the limit; prolactin 'Anna Zebedee'"
    assert redact_detail(detail) == (
        "a result below detection is written as '<' the limit; prolactin [redacted]"
    )


def test_an_unreadable_collection_date_is_named_by_its_row(tmp_path: Path) -> None:
    """A text in the date column (often a sign of shifted columns) keeps its result but is named
    with its row number, so that the row can be checked."""
    path = tmp_path / "export.csv"
    path.write_text(
        "Patient ID,Sex,Age,Collected,Prolactin (ng/mL)\n"
        "D1,F,30,2026-11-01,20\nD2,F,31,Ottoline Brackwater,25\nD3,F,32,2026-11-02,22\n",
        encoding="utf-8",
    )
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out"))
    assert outcome.result_count == 3
    (note,) = [w for w in outcome.inputs[0].warnings if "could not be read as dates" in w]
    assert "at row(s) 3 " in note
