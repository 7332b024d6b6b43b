"""Spanish and French clinical sheets as they are written: "Genre" for the sex, the treatment
column under its abbreviations ("Tto. actual", "TTT habituel", "Thérapeutique", "Prescripciones"),
and dates written out with their linking words ("14 de febrero de 1990", "le 14 février 1990",
"3 de noviembre de 2026 a las 10:30").  A man's result is judged against the men's interval
(clinical-reference: sex-specific limits), a listed antipsychotic is a contributing factor, and a
birth date in words gives the age (output contract: a row without a readable age is rejected)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from pipeline_helpers import triage_lines

from triage.values import parse_date


def test_genre_is_the_sex_column(tmp_path: Path) -> None:
    out = triage_lines(
        tmp_path,
        "IPP;Genre;Âge;Prolactine (µg/L)",
        ["H1;H;40;20", "F1;F;40;20", "H2;Homme;40;12", "F2;Femme;40;35"],
    )
    assert out.loc["H1", "sex"] == "M" and out.loc["H1", "status"] == "high"  # men's ULN < 20
    assert out.loc["F1", "sex"] == "F" and out.loc["F1", "status"] == "normal"
    assert out.loc["H2", "status"] == "normal"
    assert out.loc["F2", "status"] == "high"


@pytest.mark.parametrize(
    "header",
    ["Tto. actual", "Tto", "Tto. habitual", "TTT habituel", "Thérapeutique", "Prescripciones"],
)
def test_treatment_abbreviations_name_the_medication_column(tmp_path: Path, header: str) -> None:
    out = triage_lines(tmp_path, f"NHC;Sexo;Edad;PRL (ng/mL);{header}", ["P1;M;30;90;Dogmatil 50"])
    assert "medication:antipsychotic" in out.loc["P1", "factors"]
    assert "not given: medications" not in out.loc["P1", "factor_evidence"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14 de febrero de 1990", datetime(1990, 2, 14)),
        ("14 de feb. de 1990", datetime(1990, 2, 14)),
        ("el 5 de mayo del 2020", datetime(2020, 5, 5)),
        ("3 de noviembre de 2026 a las 10:30", datetime(2026, 11, 3, 10, 30)),
        ("le 14 février 1990", datetime(1990, 2, 14)),
        ("1er janvier 2011", datetime(2011, 1, 1)),
        ("3 novembre 2026 à 10h30", datetime(2026, 11, 3, 10, 30)),
        ("am 14. Februar 1990", datetime(1990, 2, 14)),
        ("il 3 novembre 2026 alle 10:30", datetime(2026, 11, 3, 10, 30)),
        ("op 3 november 2026 om 10:30", datetime(2026, 11, 3, 10, 30)),
        ("14 di febbraio 1990", datetime(1990, 2, 14)),
        # no date: a month and year alone, numbers joined by "de"
        ("de febrero de 1990", None),
        ("5 de 12 de 2020", None),
    ],
)
def test_dates_written_out_with_their_linking_words(text: str, expected: datetime | None) -> None:
    assert parse_date(text, True) == expected


def test_birth_and_sample_dates_in_words_give_the_age(tmp_path: Path) -> None:
    out = triage_lines(
        tmp_path,
        "NHC;Sexo;Fecha de nacimiento;Fecha de extracción;Prolactina (ng/mL)",
        [
            "P1;Mujer;14 de febrero de 1990;3 de noviembre de 2026;40",
            # 15 years old on the day of the sample, 16 a month later
            "P2;Mujer;1 de diciembre de 2010;3 de noviembre de 2026 a las 10:30;20",
        ],
    )
    assert list(out.index) == ["P1", "P2"]  # neither rejected as unreadable_age
    assert int(out.loc["P1", "age_years"]) == 36
    assert int(out.loc["P2", "age_years"]) == 15
    assert str(out.loc["P2", "collected_at"]).startswith("2026-11-03")
