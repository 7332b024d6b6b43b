"""Review 28 mend B: the after-sample phrase ("after results", "nach Befund", "après bilan", "tras
resultado", "dopo esami", "na uitslag") makes a drug not yet started only with a start word in
its clause, and never stops it by itself; a continuation keeps it taken (review 28 B, R1 and R2).

A review, a dose plan or a continuation after the result says that the patient takes the drug
now: clinical-reference §8 wants the culprit drug named when it is present.  The starts of
tests/test_review28_drug_timing.py ("tras la analítica se prescribe Haloperidol") stay not
current.  Synthetic patients only (F, 40 y, sample 2026-11-04 08:00, prolactin 85 ng/mL);
through the public pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from drug_stop_helpers import assert_not_current, drug_factors, stop_row


# ------------------------------------------- R1. the phrase after the drug, no start word -----
@pytest.mark.parametrize(
    ("meds", "factor"),
    [
        ("risperidone 2 mg review after results", "medication:antipsychotic"),
        ("risperidone 2 mg unchanged following results", "medication:antipsychotic"),
        ("Risperdal 2 mg (Dosis nach Befund)", "medication:antipsychotic"),
        ("Risperdal 2 mg weiter nach Befund", "medication:antipsychotic"),
        ("Haldol 5 mg nach Ergebnis evtl. reduzieren", "medication:antipsychotic"),
        ("Dogmatil 50 mg à réévaluer après bilan", "medication:antipsychotic"),
        ("Dogmatil maintenu après bilan", "medication:antipsychotic"),
        ("Haloperidol 5 mg sin cambios tras resultado", "medication:antipsychotic"),
        ("Haloperidol 5 mg revisar tras resultado", "medication:antipsychotic"),
        ("Levopraid 25 mg invariato dopo esami", "medication:antiemetic_prokinetic"),
        ("Levopraid 25 mg da rivalutare dopo esami", "medication:antiemetic_prokinetic"),
        ("Risperdal 2 mg ongewijzigd na uitslag", "medication:antipsychotic"),
        ("Risperdal 2 mg herbeoordelen na uitslag", "medication:antipsychotic"),
    ],
)
def test_a_plan_after_the_result_keeps_the_drug_taken(
    tmp_path: Path, meds: str, factor: str
) -> None:
    row = stop_row(tmp_path, meds)
    assert drug_factors(row) == [factor], (meds, row["factor_evidence"])
    assert "not yet started" not in row["factor_evidence"], (meds, row["factor_evidence"])


# ---------------------------------- R2. the phrase before the drug, with a continuation -----
@pytest.mark.parametrize(
    ("meds", "factor"),
    [
        ("nach Befund weiter Risperdal 2 mg", "medication:antipsychotic"),
        ("Patientin nimmt nach Befund weiterhin Risperdal", "medication:antipsychotic"),
        ("dopo esami continua Plasil", "medication:antiemetic_prokinetic"),
        ("dopo gli esami prosegue Levopraid", "medication:antiemetic_prokinetic"),
        ("tras la analítica continúa con Haloperidol", "medication:antipsychotic"),
        ("después de la analítica sigue con Haloperidol desde 2024", "medication:antipsychotic"),
        ("après bilan poursuite du Primpéran", "medication:antiemetic_prokinetic"),
        ("après le bilan sanguin sous Dogmatil depuis 2 ans", "medication:antipsychotic"),
        ("na de uitslag Risperdal gecontinueerd", "medication:antipsychotic"),
        ("na het bloedonderzoek Risperdal ongewijzigd", "medication:antipsychotic"),
        ("following the results risperidone continued", "medication:antipsychotic"),
        ("after the test she takes haloperidol daily", "medication:antipsychotic"),
    ],
)
def test_a_sample_phrase_before_the_drug_does_not_stop_it(
    tmp_path: Path, meds: str, factor: str
) -> None:
    row = stop_row(tmp_path, meds)
    assert drug_factors(row) == [factor], (meds, row["factor_evidence"])
    assert "stopped" not in row["factor_evidence"], (meds, row["factor_evidence"])


# ------------------------------------------------- a start word still makes it not current --
@pytest.mark.parametrize(
    "meds",
    [
        "Risperdal nach Befund ansetzen",
        "risperidone to be started after the results",
        "Dogmatil débuté après le bilan",
        "tras resultado se inicia Haloperidol",
        "dopo gli esami iniziare Levopraid",
        "na uitslag gestart met Risperdal",
    ],
)
def test_a_start_word_with_the_phrase_is_still_not_yet_started(tmp_path: Path, meds: str) -> None:
    assert_not_current(stop_row(tmp_path, meds), meds)
