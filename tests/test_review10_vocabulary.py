"""Clinical faults found by the outside review of stop 30, each fixed as a class and tested from
the guideline in the six languages: a drug stopped within the washout still acts, depots (brands
sold only as a depot, accented salts, last-given wordings) act for weeks, and the vocabulary of
old lab values, dialysis not under way, drugs only proposed, chest-wall lesions, sellar lesions
and short pregnancy forms."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.knowledge import drug_matcher, load_drugs
from triage.values import stopped_days

MATCHER = drug_matcher(tuple(load_drugs()))


def _lines(block: str) -> list[str]:
    """The non-empty lines of a test table, stripped (one case a line)."""
    return [line.strip() for line in block.splitlines() if line.strip()]


def _cases(block: str) -> list[tuple[str, ...]]:
    """A table of cases written one a line, fields separated by " | "."""
    return [tuple(field.strip() for field in line.split(" | ")) for line in _lines(block)]


def _names(text: str) -> list[str]:
    return [m.drug.name for m in MATCHER.find(text)]


def _run(tmp_path: Path, column: str, texts: list[str], value: float = 65) -> pd.DataFrame:
    """Women of 34 with `value` ng/mL, one per text written in `column`, in input order."""
    lines = [f'P{i},F,34,{value},ng/mL,"{text}"' for i, text in enumerate(texts)]
    header = f"patient_id,sex,age,prolactin,unit,{column}\n"
    results = triage_csv(tmp_path, header + "\n".join(lines) + "\n")
    assert len(results) == len(texts)
    return results


# --------------------------------------------------------------------------------------------
# 1. A drug stopped less than drug_withdrawal_retest_days (3) before the sample still explains the
# result (ES 2011; clinical-reference §0: re-measure 3 days after stopping).
# --------------------------------------------------------------------------------------------
STOPPED_WITHIN_WASHOUT = [
    (text, drug, int(days))
    for text, drug, days in _cases(
        """
        risperidone stopped yesterday | risperidone | 1
        risperidone ceased 2 days ago | risperidone | 2
        risperidone d/c yesterday | risperidone | 1
        Primperan stopped 1 day ago | metoclopramide | 1
        metoclopramide stopped this morning | metoclopramide | 0
        Risperidon vor 2 Tagen abgesetzt | risperidone | 2
        Risperidon gestern abgesetzt | risperidone | 1
        Risperidon abgesetzt gestern | risperidone | 1
        rispéridone arrêtée hier | risperidone | 1
        rispéridone arrêtée il y a 2 jours | risperidone | 2
        risperidona suspendida ayer | risperidone | 1
        risperidona suspendida hace 2 días | risperidone | 2
        risperidone sospeso ieri | risperidone | 1
        risperidone sospeso 2 giorni fa | risperidone | 2
        risperidon gestopt gisteren | risperidone | 1
        risperidon 2 dagen geleden gestopt | risperidone | 2
        """
    )
]
# stopped at or beyond the washout, or without a time: not taken (German "hier" is "here", not
# the French "yesterday")
STOPPED_LONGER = _lines(
    """
    risperidone stopped 3 days ago
    risperidone stopped 2 weeks ago
    risperidone stopped
    Risperidon vor 5 Tagen abgesetzt
    rispéridone arrêtée il y a 10 jours
    risperidona suspendida hace 3 semanas
    risperidone sospeso 4 giorni fa
    risperidon 7 dagen geleden gestopt
    Risperidon hier abgesetzt
    """
)


@pytest.mark.parametrize(("text", "drug", "days"), STOPPED_WITHIN_WASHOUT)
def test_a_stop_within_the_washout_still_acts(text: str, drug: str, days: int) -> None:
    assert stopped_days(text) == days
    assert _names(text) == [drug]


@pytest.mark.parametrize("text", STOPPED_LONGER)
def test_a_stop_longer_ago_is_not_taken(text: str) -> None:
    assert _names(text) == []


def test_a_recent_stop_is_the_cause_and_says_when(tmp_path: Path) -> None:
    texts = [text for text, _, _ in STOPPED_WITHIN_WASHOUT] + ["risperidone stopped 2 weeks ago"]
    results = _run(tmp_path, "medications", texts)
    for (text, _, days), (_, row) in zip(STOPPED_WITHIN_WASHOUT, results.iterrows(), strict=False):
        assert row["factors"].startswith("medication:"), text
        when = f"{days} day" if days else "on the day of the sample"
        assert when in row["factor_evidence"], text
        assert "3-day washout" in row["factor_evidence"], text
        assert "macroprolactin_screen" not in row["suggestions"], text
    assert results.iloc[-1]["factors"] == "unexplained"


# --------------------------------------------------------------------------------------------
# 2. A depot acts up to depot_acting_max_days (92) after its last injection (clinical-reference
# §7.9): brands sold only as a depot, accented salts, and last-given wordings.
# --------------------------------------------------------------------------------------------
DEPOT_RECENT = _lines(
    """
    Modecate stopped 3 weeks ago
    Depixol stopped 3 weeks ago
    Piportil L4 arrêté il y a 3 semaines
    Haldol décanoas arrêté il y a 3 semaines
    halopéridol décanoate arrêté il y a 3 semaines
    Zuclopenthixol decanoate 200mg 2-weekly (last given 10 days ago)
    Haldol Depot einmalig vor 3 Wochen
    Xeplion letzte Gabe vor 4 Wochen
    Trevicta dernière injection il y a 6 semaines
    Xeplion última inyección hace 5 semanas
    Xeplion ultima somministrazione 5 settimane fa
    Xeplion laatste injectie 5 weken geleden
    Imap stopped 2 weeks ago
    fluphenazine enanthate stopped 2 weeks ago
    """
)


@pytest.mark.parametrize("text", DEPOT_RECENT)
def test_a_recent_depot_still_acts(text: str) -> None:
    assert len(_names(text)) == 1


@pytest.mark.parametrize(
    "text",
    _lines(
        """
        Modecate stopped 2 years ago
        Depixol stopped 6 months ago
        Haldol stopped 3 weeks ago
        """
    ),
)
def test_a_depot_stopped_long_ago_or_an_oral_drug_is_not_taken(text: str) -> None:
    assert _names(text) == []


def test_depot_evidence_and_washout_advice(tmp_path: Path) -> None:
    results = _run(tmp_path, "medications", DEPOT_RECENT)
    for text, (_, row) in zip(DEPOT_RECENT, results.iterrows(), strict=True):
        assert row["factors"] == "medication:antipsychotic", text
        assert "depot" in row["factor_evidence"], text
        assert "medication_review" in row["suggestions"], text
        reasons = " ".join(s["reason"] for s in row["suggestion_details"])
        assert "depot injection takes months to wash out" in reasons, text


# --------------------------------------------------------------------------------------------
# 3. A lab value in a note written with an old date is not the value now, and a value marked
# current wins over an older one: a TSH from years ago is no hypothyroidism to treat, and its
# check stays (clinical-reference §1.4: measure TSH).
# --------------------------------------------------------------------------------------------
OLD_TSH = _lines(
    """
    TSH 12 mU/L, 2019
    TSH 12 mU/L (03/2021)
    TSH 12 mU/L (01.03.2021)
    TSH 12 mU/L two years ago
    TSH 12 mU/L – vor 3 Jahren
    TSH 12 vor zwei Jahren
    TSH 12 mU/L, il y a deux ans
    TSH 12 mUI/L hace dos años
    TSH 12 mU/L, due anni fa
    TSH 12 mU/L, twee jaar geleden
    """
)
# the value now wins (the old one high, the current one normal)
CURRENT_WINS = _lines(
    """
    TSH 14 mU/L (03/2021); aktuell TSH 1,2 mU/L
    TSH 14 mU/L; aktuell TSH 1,2 mU/L
    TSH 14; current TSH 1.2
    TSH 14; TSH actuelle 1,2
    TSH 14; TSH actual 1,2
    TSH 14; TSH attuale 1,2
    TSH 14; huidig TSH 1,2
    TSH 14 mU/L, jetzt 1,2
    """
)


def test_an_old_tsh_is_not_hypothyroidism_now(tmp_path: Path) -> None:
    results = _run(tmp_path, "clinical_info", [*OLD_TSH, "TSH 12 mU/L"], value=45)
    for text, (_, row) in zip(OLD_TSH, results.iterrows(), strict=False):
        assert "hypothyroidism" not in row["factors"], text
        assert "check_tsh" in row["suggestions"], text
    assert "hypothyroidism" in results.iloc[-1]["factors"]  # a value without a date is now


def test_the_current_tsh_wins(tmp_path: Path) -> None:
    texts = [*CURRENT_WINS, "TSH 1,2 mU/L (2019); aktuell TSH 14 mU/L"]
    results = _run(tmp_path, "clinical_info", texts, value=45)
    for text, (_, row) in zip(CURRENT_WINS, results.iterrows(), strict=False):
        assert "hypothyroidism" not in row["factors"], text
        assert "check_tsh" not in row["suggestions"], text  # a TSH is given: 1.2
    assert "hypothyroidism" in results.iloc[-1]["factors"]


def test_an_old_egfr_is_not_the_kidney_now(tmp_path: Path) -> None:
    texts = ["eGFR 25 ml/min, 2019", "eGFR 25 (03/2021)", "GFR 25 two years ago", "eGFR 25 ml/min"]
    results = _run(tmp_path, "clinical_info", texts, value=45)
    for text, (_, row) in zip(texts[:-1], results.iterrows(), strict=False):
        assert "renal_impairment" not in row["factors"], text
        assert "check_renal_function" in row["suggestions"], text
    assert "renal_impairment" in results.iloc[-1]["factors"]


# --------------------------------------------------------------------------------------------
# 4. Dialysis that is not under way (independent of it, only discussed, considered, declined, or
# in the future) is no dialysis factor, and the kidney check stays (clinical-reference §4: a
# patient ON dialysis).
# --------------------------------------------------------------------------------------------
NOT_ON_DIALYSIS = _lines(
    """
    dialysis-independent
    may need dialysis in future
    dialysis discussed but not started
    future dialysis
    discussion about dialysis
    declined dialysis
    HD access planning
    dialysis access planning
    Dialyse abgelehnt
    lehnt Dialyse ab
    dialyseunabhängig
    Dialyse in Zukunft
    dialyse refusée
    refus de dialyse
    dialyse à venir
    diálisis rechazada
    rechaza la diálisis
    diálisis en el futuro
    dialisi in programma
    dialisi rifiutata
    dialisi in futuro
    dialyse geweigerd
    dialyse besproken
    dialyse in de toekomst
    """
)
ON_DIALYSIS = _lines(
    """
    on haemodialysis since 2020
    HD 3x/week
    Dialyse seit 2021
    dialysis-dependent
    hémodialyse 3 fois par semaine
    dialysis started 2 weeks ago
    """
)


def test_dialysis_not_under_way_is_no_dialysis(tmp_path: Path) -> None:
    results = _run(tmp_path, "clinical_info", NOT_ON_DIALYSIS + ON_DIALYSIS, value=45)
    factors = results["factors"].tolist()
    for text, row_factors, suggestions in zip(
        NOT_ON_DIALYSIS, factors, results["suggestions"], strict=False
    ):
        assert "dialysis" not in row_factors, text
        assert "check_renal_function" in suggestions, text
    for text, row_factors in zip(ON_DIALYSIS, factors[len(NOT_ON_DIALYSIS) :], strict=True):
        assert "dialysis" in row_factors, text


# --------------------------------------------------------------------------------------------
# 5. A drug only proposed, to be started, refused, or switched away from is not taken: no drug
# cause, and the macroprolactin screen stays (clinical-reference §7: a drug taken explains).
# --------------------------------------------------------------------------------------------
NOT_TAKEN = _lines(
    """
    consider starting risperidone
    plan: start amisulpride after result
    risperidone proposed by psychiatrist
    offered risperidone
    risperidone declined
    switched risperidone to aripiprazole
    Risperidon abgelehnt
    lehnt Risperidon ab
    Risperidon vorgeschlagen
    Risperidon nächste Woche
    Risperidon wurde auf Aripiprazol umgestellt
    Risperidon 2 mg auf Aripiprazol umgestellt
    a refusé la rispéridone
    rispéridone proposée
    débuter la rispéridone
    iniciar risperidona la próxima semana
    risperidona rechazada
    risperidona propuesta
    iniziare risperidone
    risperidone rifiutato
    risperidone proposto
    starten met risperidon
    risperidon geweigerd
    risperidon door aripiprazol vervangen
    risperidon voorgesteld
    """
)
# taken: a change of dose or a proposal about the drug being taken
TAKEN = _lines(
    """
    consider reducing risperidone
    risperidone dose reduction proposed
    Risperidon 2 mg wurde auf 4 mg erhöht
    started risperidone 2 weeks ago
    risperidone restarted
    Risperdal seit 2020
    Haldol durch Risperdal ersetzt
    """
)


@pytest.mark.parametrize("text", NOT_TAKEN)
def test_a_drug_proposed_refused_or_switched_from_is_not_taken(text: str) -> None:
    assert "risperidone" not in _names(text) and "amisulpride" not in _names(text)


@pytest.mark.parametrize("text", TAKEN)
def test_a_drug_being_taken_stays(text: str) -> None:
    assert "risperidone" in _names(text)


def test_a_proposed_drug_is_no_cause(tmp_path: Path) -> None:
    results = _run(tmp_path, "clinical_info", [*NOT_TAKEN, "risperidone 2 mg"])
    for text, (_, row) in zip(NOT_TAKEN, results.iterrows(), strict=False):
        assert not row["factors"].startswith("medication:antipsychotic"), text
        assert "macroprolactin_screen" in row["suggestions"], text
    assert results.iloc[-1]["factors"] == "medication:antipsychotic"


# --------------------------------------------------------------------------------------------
# 6. Chest wall (clinical-reference §4, §7.11): a current chest-wall lesion or stimulation; not
# shingles elsewhere, nor a lesion healed years ago; burns to the chest wall count.
# --------------------------------------------------------------------------------------------
NOT_CHEST_WALL = _lines(
    """
    shingles on the leg
    Gürtelrose am linken Bein
    zona à la cuisse
    herpes zóster en la pierna
    herpes zoster alla gamba
    gordelroos op het been
    herpes zoster 10 years ago
    mastectomy 2015
    Gürtelrose vor 5 Jahren
    zona thoracique il y a 10 ans
    culebrilla hace 8 años
    fuoco di Sant'Antonio 6 anni fa
    gordelroos 7 jaar geleden
    chest wall unremarkable
    """
)
CHEST_WALL_NOW = _lines(
    f"""
    burns to chest wall
    Verbrennung der Brustwand
    brûlure de la paroi thoracique
    quemadura en la pared torácica
    ustione della parete toracica
    brandwond aan de borstwand
    nipple piercing since 2015
    Z.n. Thorakotomie
    herpes zoster T4 dermatome 2 weeks ago
    mastectomy {date.today().year}
    mastectomy and leg pain
    """
)


def test_chest_wall_is_a_current_lesion_of_the_chest(tmp_path: Path) -> None:
    results = _run(tmp_path, "clinical_info", NOT_CHEST_WALL + CHEST_WALL_NOW, value=45)
    factors = results["factors"].tolist()
    for text, found in zip(NOT_CHEST_WALL, factors, strict=False):
        assert "chest_wall_stimulation" not in found, text
    for text, found in zip(CHEST_WALL_NOW, factors[len(NOT_CHEST_WALL) :], strict=True):
        assert "chest_wall_stimulation" in found, text


# --------------------------------------------------------------------------------------------
# 7. A sellar or pituitary lesion written with its adjective, in every language: a large one with
# a modest result warns of the hook effect (clinical-reference §7: dilute and re-test).
# --------------------------------------------------------------------------------------------
LARGE_LESIONS = _lines(
    """
    intrasellar mass 3 cm
    intrasellar lesion 3 cm
    intrasellar tumor 3 cm
    intra-sellar tumour 3 cm
    hypophyseal lesion 3 cm
    mass in the sella 3 cm
    hypophysäre Raumforderung 35 mm
    hypophysäre Läsion 3 cm
    hypophysärer Tumor 3 cm
    Raumforderung der Hypophyse 3 cm
    intraselläre Läsion 3 cm
    formation intrasellaire de 3 cm
    masse hypophysaire 3 cm
    tumoración intraselar de 3 cm
    masa hipofisaria de 3 cm
    lesione intrasellare di 3 cm
    massa ipofisaria 3 cm
    intrasellaire massa van 3 cm
    hypofysaire tumor 3 cm
    """
)


def test_a_large_sellar_lesion_in_every_wording_warns_of_the_hook_effect(tmp_path: Path) -> None:
    results = _run(tmp_path, "clinical_info", [*LARGE_LESIONS, "no intrasellar mass"], value=45)
    for text, (_, row) in zip(LARGE_LESIONS, results.iterrows(), strict=False):
        assert "known_pituitary_lesion" in row["factors"], text
        assert "hook_effect_risk" in row["suggestions"], text
    assert "known_pituitary_lesion" not in results.iloc[-1]["factors"]


# --------------------------------------------------------------------------------------------
# 8. Short pregnancy forms: a woman of 30 with 150 ng/mL is judged against the pregnancy interval
# (clinical-reference §8) when a note says she is pregnant in any of them; an obstetric formula
# alone ("G2P1") is her history, and "GW" for a limit (Grenzwert) is no gestation.
# --------------------------------------------------------------------------------------------
PREGNANT_SHORT = _lines(
    """
    GW 30
    30. GW
    GW 30+2
    30 SG
    SG 30
    30 SDG
    G2P1 30+4
    G3 P2 12+3
    Amenorrhoeduur 30 weken
    zwangerschapsduur 30 weken
    30 settimane di amenorrea
    IIIe trimestre
    IIème trimestre
    encinta
    """
)
NOT_PREGNANT_SHORT = _lines(
    """
    G2P1
    G2P1+1
    Prolaktin 150 (GW 25)
    GW: 25 ng/ml
    GW: 25
    Prolaktin erhöht, GW: 25
    no está encinta
    urine SG 1.020
    """
)


def test_short_pregnancy_forms_are_a_pregnancy(tmp_path: Path) -> None:
    texts = PREGNANT_SHORT + NOT_PREGNANT_SHORT
    results = _run(tmp_path, "clinical_info", texts, value=150)
    factors = results["factors"].tolist()
    for text, found in zip(PREGNANT_SHORT, factors, strict=False):
        assert "pregnancy" in found.split(";"), text
    for text, found in zip(NOT_PREGNANT_SHORT, factors[len(PREGNANT_SHORT) :], strict=True):
        assert "pregnancy" not in found.split(";"), text
    assert results["status"].tolist()[: len(PREGNANT_SHORT)] == ["normal"] * len(PREGNANT_SHORT)
