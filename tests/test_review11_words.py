"""Vocabulary faults found by the eleventh outside review, each fixed as a class and tested from
the clinical reference in the six languages: menstrual disturbances in every wording keep the
pregnancy test (clinical-reference §5), a pregnancy test read whatever the word order, a symptom
written as past history after it, a newborn's gestation at birth that is no pregnancy, and the
transient physiological causes (exercise, breast stimulation) and breast surgery as a chest-wall
cause (clinical-reference §1.1)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.engine.state_words import load_state_vocabulary
from triage.engine.text import load_cue_book

BOOK = load_cue_book()
STATES = load_state_vocabulary()

HEADER = (
    "patient_id,sex,age_years,prolactin,prolactin_unit,reference_range,pregnant,"
    "gestational_weeks,medications,symptoms,comments\n"
)


def _lines(block: str) -> list[str]:
    """The non-empty lines of a test table, stripped (one case a line)."""
    return [line.strip() for line in block.splitlines() if line.strip()]


def _cue(name: str, field: str, text: str) -> bool:
    """Whether cue `name` is read in `text` written in column `field`."""
    return name in BOOK.match(field, text)


def _pregnancy(text: str) -> set[str]:
    """The pregnancy values states.toml reads in a comment."""
    return {f.value for f in STATES.read("comments", text) if f.field == "pregnancy"}


def _run(tmp_path: Path, rows: list[str], header: str = HEADER) -> pd.DataFrame:
    """The results of one run on `rows` (CSV lines under `header`), indexed by patient id."""
    results = triage_csv(tmp_path, header + "\n".join(rows) + "\n")
    assert len(results) == len(rows)
    return results.set_index("patient_id")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _each(tmp_path: Path, texts: list[str], row: str) -> list[tuple[str, pd.Series]]:
    """One patient per text (`row` with {text} in it, quoted), run together: (text, result)."""
    rows = [f"P{i}," + row.format(text=_quoted(t)) for i, t in enumerate(texts)]
    results = _run(tmp_path, rows)
    return [(t, results.loc[f"P{i}"]) for i, t in enumerate(texts)]


# --------------------------------------------------------------------------------------------
# 1. Amenorrhoea and the other menstrual disturbances are the typical symptoms of a woman
# (clinical-reference §5): in every wording they keep the pregnancy test even when she says she
# is not pregnant ("a stated 'no' is not a test"), and make the priority soon, as
# "Zyklusstörungen" does.
# --------------------------------------------------------------------------------------------
MENSTRUAL = _lines(
    """
    Regelstörungen
    Zyklusunregelmäßigkeiten
    Menstruationsstörungen
    Blutungsstörungen
    unregelmäßige Zyklen
    seit 4 Monaten keine Periode
    trastornos menstruales
    irregularidades menstruales
    alteraciones del ciclo
    reglas irregulares
    disturbi del ciclo
    irregolarità mestruali
    ciclo irregolare
    menstruatiestoornissen
    cyclusstoornissen
    onregelmatige menstruatie
    niet ongesteld sinds 4 maanden
    al 4 maanden niet ongesteld
    menstruatie blijft uit
    geen menstruatie
    troubles des règles
    dérèglement du cycle
    irrégularités menstruelles
    irregular periods
    menstrual disorders
    period problems
    no periods for 5 months
    """
)
NOT_MENSTRUAL = _lines(
    """
    keine Zyklusstörungen
    keine Regelstörungen
    regelmäßiger Zyklus
    Zyklus regelmäßig
    cycles réguliers
    pas de troubles des règles
    sin trastornos menstruales
    nessun disturbo del ciclo
    geen menstruatiestoornissen
    geen cyclusstoornissen
    geen menstruatieklachten
    no menstrual problems
    regular periods
    Mutter mit Zyklusstörungen
    Z.n. Regelstörungen
    Regelstörungen rückläufig
    ?Regelstörungen
    Blutungsprobleme unter Marcumar
    """
)


@pytest.mark.parametrize("text", MENSTRUAL)
def test_a_menstrual_disturbance_is_read(text: str) -> None:
    assert _cue("menstrual_disturbance", "symptoms", text)
    assert _cue("menstrual_disturbance", "comments", text)


@pytest.mark.parametrize("text", NOT_MENSTRUAL)
def test_a_denied_regular_or_other_cycle_is_no_disturbance(text: str) -> None:
    assert not _cue("menstrual_disturbance", "symptoms", text)


def test_a_menstrual_disturbance_keeps_the_pregnancy_test(tmp_path: Path) -> None:
    # she says "nee" (not pregnant), 45 ng/mL: the disturbance is a symptom (soon) and a stated
    # "no" is not a test
    for text, row in _each(tmp_path, [*MENSTRUAL, *NOT_MENSTRUAL], "F,30,45,ng/mL,,nee,,,{text},"):
        suggestions = str(row["suggestions"]).split(";")
        if text in MENSTRUAL:
            assert row["priority"] == "soon", text
            assert "pregnancy_test" in suggestions, text
            assert "exclude pregnancy with hCG" in str(row["suggestion_details"]), text
        else:
            assert row["priority"] == "routine", text
            assert "pregnancy_test" not in suggestions, text
            assert "macroprolactin_screen" in suggestions, text


# --------------------------------------------------------------------------------------------
# 2. A positive pregnancy test is a pregnancy (the pregnancy interval), a negative one is no
# pregnancy, whatever the word order or a word between the test and its result.
# --------------------------------------------------------------------------------------------
POSITIVE_TEST = _lines(
    """
    Schwangerschaftstest positiv
    positiver Schwangerschaftstest
    pos. Schwangerschaftstest
    SST positiv
    hCG im Urin positiv
    positive urine pregnancy test
    positieve zwangerschapstest
    test de grossesse urinaire positif
    test de grossesse positif
    prueba de embarazo en orina positiva
    test di gravidanza su urine positivo
    """
)
NEGATIVE_TEST = _lines(
    """
    negativer Schwangerschaftstest
    neg. SS-Test
    SST negativ
    Urin-Schwangerschaftstest negativ
    beta-hCG negativ
    negatieve zwangerschapstest
    test de grossesse sanguin négatif
    prueba de embarazo en orina negativa
    test di gravidanza negativo
    negative serum pregnancy test
    """
)
NOT_A_RESULT = _lines(
    """
    Schwangerschaftstest ausstehend
    test de grossesse sanguin
    keine positiven Schwangerschaftstests
    SST (Synacthen) normal
    """
)


@pytest.mark.parametrize("text", POSITIVE_TEST)
def test_a_positive_test_in_any_order_is_a_pregnancy(text: str) -> None:
    assert _pregnancy(text) == {"yes"}


@pytest.mark.parametrize("text", NEGATIVE_TEST)
def test_a_negative_test_in_any_order_is_no_pregnancy(text: str) -> None:
    assert _pregnancy(text) == {"no"}


@pytest.mark.parametrize("text", NOT_A_RESULT)
def test_a_test_without_a_result_is_no_pregnancy(text: str) -> None:
    assert "yes" not in _pregnancy(text)


def test_the_pregnancy_interval_follows_the_test(tmp_path: Path) -> None:
    for text, row in _each(
        tmp_path, [*POSITIVE_TEST, *NEGATIVE_TEST], "F,30,150,ng/mL,,,,,,{text}"
    ):
        if text in POSITIVE_TEST:
            # 150 ng/mL is inside the pregnancy interval: normal, nothing to do
            assert row["reference_stratum"].endswith(":pregnant"), text
            assert (row["status"], row["priority"]) == ("normal", "none"), text
        else:
            assert row["reference_stratum"].endswith(":adult_female"), text
            assert row["status"] == "high", text
            assert "pregnancy_test" not in str(row["suggestions"]).split(";"), text
