"""Review 28, mend B2 (review B findings R3, R4, R5): regressions of the review-28 drug words.

* A bare "sosp."/"sosp" closing an Italian item is mostly the oral suspension ("Peridon sosp.",
  "Motilium sosp", "Plasil sosp."): it was read as a certain stop, the drug dropped.  It is now
  ambiguous, read as written with doubt (a possible factor whose evidence says so); a time or a
  stop context after it ("sosp. da 3 giorni", "sosp. il 03/11/2026") and "sospeso", "sosp.to",
  "sosp.ta" stay stops.
* The blinded-study doubt fired on a blind patient ("paziente cieco", "patient aveugle", "blind
  patient") and on a placebo named apart ("placebo-controlled trial 2019 done"): the doubt is now
  read only in a trial's sense ("X or placebo", "X/placebo", "X (blinded)", "double-blind X").
* The French noun "arrêt" read sick leave and quitting smoking ("arrêt de travail", "arrêt du
  tabac") as the drug's stop.

Synthetic patients only (F, 40 y, sample 2026-11-04 08:00, prolactin 85 ng/mL); through the
public pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from drug_stop_helpers import assert_not_current, detail_codes, drug_factors, stop_row

DOUBT = "written with doubt"


# ------------------------------------------------------- 1. a bare Italian "sosp." (R3) ------
@pytest.mark.parametrize(
    ("meds", "factor"),
    [
        ("Peridon sosp.", "medication:antiemetic_prokinetic"),
        ("Motilium sosp", "medication:antiemetic_prokinetic"),
        ("Plasil sosp.", "medication:antiemetic_prokinetic"),
        ("Levopraid sosp.", "medication:antiemetic_prokinetic"),
        ("Serenase sosp.", "medication:antipsychotic"),
        ("Plasil 10 mg sosp.; Dogmatil 50 mg sosp.to", "medication:antiemetic_prokinetic"),
    ],
)
def test_a_bare_item_final_sosp_is_a_drug_written_with_doubt(
    tmp_path: Path, meds: str, factor: str
) -> None:
    row = stop_row(tmp_path, meds)
    assert drug_factors(row) == [factor], (meds, row["factor_evidence"])
    assert f"{factor} (possible)" in row["factor_evidence"], (meds, row["factor_evidence"])
    assert DOUBT in row["factor_evidence"], (meds, row["factor_evidence"])
    assert "recorded as stopped" not in row["factor_evidence"], (meds, row["factor_evidence"])


def test_a_bare_sosp_in_a_list_keeps_the_drug_beside_the_other(tmp_path: Path) -> None:
    meds = "Plasil gtt, Peridon sosp."
    row = stop_row(tmp_path, meds)
    evidence = row["factor_evidence"]
    assert "domperidone" in evidence and "metoclopramide" in evidence, evidence
    assert "recorded as stopped" not in evidence, evidence


@pytest.mark.parametrize(
    "meds",
    [
        "Plasil sosp. da 10 giorni",
        "Peridon sosp. dal 01/10/2026",
        "Levopraid sosp.to",
        "Levopraid sospeso",
        "Peridon sosp.ta",
        "Plasil sosp.to il 01/10/2026",
    ],
)
def test_sosp_with_a_time_or_spelled_as_sospeso_stays_a_stop(tmp_path: Path, meds: str) -> None:
    assert_not_current(stop_row(tmp_path, meds), meds)


@pytest.mark.parametrize(
    "meds", ["Peridon sosp. orale", "Motilium 1 mg/ml sosp.", "Motilium sosp. 1 mg/ml"]
)
def test_sosp_as_the_written_form_is_taken_without_doubt(tmp_path: Path, meds: str) -> None:
    row = stop_row(tmp_path, meds)
    assert "medication:antiemetic_prokinetic (likely)" in row["factor_evidence"], meds
    assert DOUBT not in row["factor_evidence"], (meds, row["factor_evidence"])


# ------------------------------------------------------- 2. blind, not blinded (R4) ---------
NOT_BLINDED = {
    "en": [
        "Risperdal 2 mg blind patient",
        "Risperdal 2 mg (placebo-controlled trial 2019 done)",
        "blind patient on risperidone 2 mg",
    ],
    "de": ["blinde Patientin nimmt Risperdal", "Risperdal 2 mg, Patientin blind"],
    "fr": ["patient aveugle sous Dogmatil", "patiente aveugle, sous Risperdal 2 mg"],
    "es": ["paciente ciego toma Haloperidol", "Haloperidol 5 mg paciente ciego"],
    "it": ["paziente cieco in terapia con Levopraid", "Levopraid 25 mg paziente cieca"],
    "nl": ["blinde patiënt gebruikt Risperdal", "Risperdal 2 mg blinde patiënt"],
}
NOT_BLINDED_CASES = [(lang, text) for lang, texts in NOT_BLINDED.items() for text in texts]


@pytest.mark.parametrize(("lang", "meds"), NOT_BLINDED_CASES)
def test_a_blind_patient_or_an_old_trial_is_no_doubt_on_the_drug(
    tmp_path: Path, lang: str, meds: str
) -> None:
    row = stop_row(tmp_path, meds)
    assert drug_factors(row), (lang, meds, row["factor_evidence"])
    assert "(likely)" in row["factor_evidence"], (lang, meds, row["factor_evidence"])
    assert DOUBT not in row["factor_evidence"], (lang, meds, row["factor_evidence"])
    assert row["priority"] == "routine", (lang, meds, row["priority"])


BLINDED = {
    "en": [
        "risperidone or placebo",
        "risperidone/placebo",
        "Risperdal (blinded)",
        "double-blind risperidone",
    ],
    "de": ["Risperidon oder Placebo", "doppelblind Risperidon"],
    "fr": ["rispéridone en aveugle", "en double aveugle rispéridone"],
    "es": ["risperidona a ciegas", "risperidona (doble ciego)"],
    "it": ["in doppio cieco Levopraid", "risperidone o placebo"],
    "nl": ["risperidon of placebo", "risperidon (geblindeerd)"],
}
BLINDED_CASES = [(lang, text) for lang, texts in BLINDED.items() for text in texts]


@pytest.mark.parametrize(("lang", "meds"), BLINDED_CASES)
def test_a_blinded_study_drug_stays_written_with_doubt(
    tmp_path: Path, lang: str, meds: str
) -> None:
    row = stop_row(tmp_path, meds)
    assert drug_factors(row), (lang, meds, row["factor_evidence"])
    assert DOUBT in row["factor_evidence"], (lang, meds, row["factor_evidence"])


# ------------------------------------------------------- 3. "arrêt" of work (R5) ------------
@pytest.mark.parametrize(
    "meds",
    [
        "Dogmatil 50 mg arrêt de travail depuis 2 j",
        "Dogmatil 50 mg arrêt de travail il y a 2 j",
        "Risperdal 2 mg arrêt du tabac depuis 1 j",
    ],
)
def test_sick_leave_or_quitting_smoking_is_no_drug_stop(tmp_path: Path, meds: str) -> None:
    row = stop_row(tmp_path, meds)
    assert drug_factors(row), (meds, row["factor_evidence"])
    assert "(likely)" in row["factor_evidence"], (meds, row["factor_evidence"])
    assert "stopped" not in row["factor_evidence"], (meds, row["factor_evidence"])
    assert "medication_review" in detail_codes(row, "suggestion_details"), meds


@pytest.mark.parametrize("meds", ["Dogmatil arrêt il y a 2 j", "Arrêt Tercian ce jour"])
def test_the_noun_arret_of_the_drug_is_still_its_stop(tmp_path: Path, meds: str) -> None:
    row = stop_row(tmp_path, meds)
    assert "within the 3-day washout" in row["factor_evidence"], (meds, row["factor_evidence"])
