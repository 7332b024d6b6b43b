"""Drug mentions that are not the patient taking the drug now, in six languages: a stop told by
a noun or a gerund after an affirming "since" ("seit Absetzen von Risperdal", "depuis l'arrêt du
Risperdal", "since stopping risperidone"), switches written around the old drug ("sostituito
risperidone con aripiprazolo", "switched to aripiprazole from risperidone") or as a past effect
with "now" another drug ("Galaktorrhoe unter Haldol, jetzt Abilify"), a negative drug screen, a
denial after the noun ("Cannabis-Konsum verneint"), another person's drug ("Mutter nimmt
Risperdal"), a drug only considered ("Risperdal erwogen"; a bare "Risperdal?" is a drug written
with doubt, a possible factor: test_review15_med_phrasing.py), a brand that is a given name after
a person's word ("Mutter Yasmin", "Dr Maxim Weber") or an ordinary word ("gastric antra
normal").  Each wrongly found raising drug turned an unexplained high prolactin into a
routine drug effect.  At the unit level and end to end.  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv

from triage.knowledge import drug_matcher, load_drugs

MATCHER = drug_matcher(tuple(load_drugs()))
NOTES = drug_matcher(tuple(load_drugs()), abbreviations=False)
HEADER = "Patient ID,Sex,DOB,Collected,Prolactin,Unit,Medication,Clinical notes\n"


def _names(text: str) -> list[str]:
    return [m.drug.name for m in MATCHER.find(text)]


def _csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _run(tmp_path: Path, medication: str, notes: str = "", value: int = 62):
    row = f"P1,F,1985-03-01,2026-11-20,{value},ng/mL,{_csv_cell(medication)},{_csv_cell(notes)}\n"
    results = triage_csv(tmp_path, HEADER + row)
    assert len(results) == 1
    return results.iloc[0]


# 1. A stop noun or gerund governs the drug, also after "since" ---------------------------------
STOP_NOUN = {
    "en": [
        ("since stopping risperidone in 2023", "risperidone"),
        ("following discontinuation of haloperidol in 2022", "haloperidol"),
        ("risperidone discontinuation 2022", "risperidone"),
        ("discontinuation of risperidone in 2022", "risperidone"),
    ],
    "de": [
        ("seit Absetzen von Risperdal", "risperidone"),
        ("seit dem Absetzen von Haldol", "haloperidol"),
    ],
    "fr": [("depuis l'arrêt du Risperdal", "risperidone")],
    "es": [
        ("desde la suspensión de la risperidona", "risperidone"),
        ("risperidona discontinuada", "risperidone"),
    ],
    "it": [
        ("sospensione del risperidone", "risperidone"),
        ("dalla sospensione di Haldol", "haloperidol"),
    ],
    "nl": [("sinds het stoppen met risperidon", "risperidone")],
}


@pytest.mark.parametrize(("text", "drug"), [case for cases in STOP_NOUN.values() for case in cases])
def test_a_stop_noun_stops_the_drug_it_governs(text: str, drug: str) -> None:
    assert drug not in _names(text)


# The pill stopped months ago (notes) is no oestrogen now.
PILL_STOPPED = {
    "en": "amenorrhoea since stopping the pill in 2024",
    "de": "Amenorrhoe seit Absetzen der Pille vor 8 Monaten",
    "fr": "aménorrhée depuis l'arrêt de la pilule il y a 1 an",
    "es": "amenorrea desde la suspensión de la píldora hace 1 año",
    "it": "amenorrea dalla sospensione della pillola da 1 anno",
    "nl": "amenorroe sinds het stoppen met de pil 1 jaar geleden",
}


@pytest.mark.parametrize("language", sorted(PILL_STOPPED))
def test_the_pill_stopped_months_ago_is_no_estrogen_end_to_end(
    tmp_path: Path, language: str
) -> None:
    row = _run(tmp_path, "", PILL_STOPPED[language], value=48)
    assert "medication:estrogen" not in row["factors"]
    assert "unexplained" in row["factors"]


# A stop days ago still acts (the withdrawal rule): the drug is still counted.
STOPPED_RECENTLY = {
    "en": "since stopping risperidone yesterday",
    "de": "seit Absetzen von Risperdal vor 2 Tagen",
    "fr": "depuis l'arrêt du Risperdal hier",
    "es": "desde la suspensión de la risperidona hace 2 días",
    "it": "dalla sospensione del risperidone 2 giorni fa",
    "nl": "sinds het stoppen met risperidon 2 dagen geleden",
}


STOPPED_LONG_AGO = {
    "en": "since stopping risperidone 3 months ago",
    "de": "seit Absetzen von Risperdal vor 3 Monaten",
    "fr": "depuis l'arrêt du Risperdal il y a 3 mois",
    "es": "desde la suspensión de la risperidona hace 3 meses",
    "it": "dalla sospensione del risperidone 3 mesi fa",
    "nl": "sinds het stoppen met risperidon 3 maanden geleden",
}


@pytest.mark.parametrize("language", sorted(STOPPED_RECENTLY))
def test_a_stop_noun_days_ago_still_acts_months_ago_not(language: str) -> None:
    assert "risperidone" in _names(STOPPED_RECENTLY[language])
    assert "risperidone" not in _names(STOPPED_LONG_AGO[language])


# The medication column end to end: the old drug stopped, the new one lowers prolactin.
STOP_NOUN_MEDICATION = {
    "en": "following discontinuation of haloperidol in 2022, aripiprazole",
    "de": "seit Absetzen von Risperdal: Abilify 10 mg",
    "fr": "Abilify 10 mg; sous Abilify depuis l'arrêt du Risperdal",
    "es": "risperidona discontinuada; aripiprazol 10 mg",
    "it": "sospensione del risperidone; aripiprazolo 10 mg",
    "nl": "sinds het stoppen met risperidon: aripiprazol 10 mg",
}


@pytest.mark.parametrize("language", sorted(STOP_NOUN_MEDICATION))
def test_a_stopped_antipsychotic_leaves_the_result_unexplained(
    tmp_path: Path, language: str
) -> None:
    row = _run(tmp_path, STOP_NOUN_MEDICATION[language])
    assert "medication:antipsychotic" not in row["factors"]
    assert "unexplained" in row["factors"]
    assert row["priority"] != "routine"


# 2. Switches ------------------------------------------------------------------------------------
SWITCHES = {
    "en": [
        "switched to aripiprazole from risperidone",
        "from risperidone to aripiprazole",
        "transitioned from risperidone to aripiprazole",
        "moved from Risperdal to Abilify",
        "replaced risperidone with aripiprazole",
        "prolactin rise on risperidone, now on aripiprazole",
    ],
    "de": [
        "Risperdal gegen Abilify getauscht",
        "nimmt Risperdal nicht ein; Abilify 10 mg",
        "Galaktorrhoe unter Risperdal, jetzt Abilify",
    ],
    "fr": [
        "remplacement du Risperdal par Abilify",
        "hyperprolactinémie sous Risperdal, maintenant Abilify",
    ],
    "es": [
        "cambiado risperidona por aripiprazol",
        "se sustituyó risperidona por aripiprazol",
        "paso de risperidona a aripiprazol",
        "ha dejado la risperidona; aripiprazol 10 mg",
    ],
    "it": [
        "sostituito risperidone con aripiprazolo",
        "non più in terapia con risperidone; aripiprazolo 10 mg",
        "iperprolattinemia da risperidone, passata ad aripiprazolo",
    ],
    "nl": [
        "overgestapt van risperidon naar aripiprazol",
        "galactorroe door risperidon, nu aripiprazol",
    ],
}


@pytest.mark.parametrize("text", [text for texts in SWITCHES.values() for text in texts])
def test_the_old_drug_of_a_switch_is_not_taken(text: str) -> None:
    assert _names(text) == ["aripiprazole"]


@pytest.mark.parametrize("language", sorted(SWITCHES))
def test_a_switch_to_aripiprazole_leaves_the_result_unexplained(
    tmp_path: Path, language: str
) -> None:
    row = _run(tmp_path, SWITCHES[language][0])
    assert "medication:antipsychotic" not in row["factors"]
    assert "unexplained" in row["factors"]


@pytest.mark.parametrize(
    ("kept", "name", "switched", "old"),
    [
        (
            "on risperidone, now also on aripiprazole",
            "risperidone",
            "on risperidone, now on aripiprazole",
            "risperidone",
        ),
        (
            "Risperdal 2 mg, jetzt zusätzlich Abilify",
            "risperidone",
            "Risperdal 2 mg, jetzt Abilify",
            "risperidone",
        ),
        (
            "Dostinex 0.5 mg, now on aripiprazole",
            "cabergoline",
            "Haldol 5 mg, now on aripiprazole",
            "haloperidol",
        ),
        (
            "substituted aripiprazole for risperidone",
            "aripiprazole",
            "replaced risperidone with aripiprazole",
            "risperidone",
        ),
    ],
)
def test_an_added_drug_or_a_dopamine_agonist_stays_a_replaced_one_goes(
    kept: str, name: str, switched: str, old: str
) -> None:
    assert name in _names(kept)
    assert "aripiprazole" in _names(kept)
    assert old not in _names(switched)


# 3. Mentions that are not the patient taking the drug -----------------------------------------
NOT_TAKEN = {
    "en": [
        ("urine drug screen negative for opiates, cocaine and amphetamines", "opioid"),
        ("consider risperidone", "antipsychotic"),
        ("risperidone non-compliance, hasn't taken it for 2 months", "antipsychotic"),
        ("mother on risperidone", "antipsychotic"),
        ("seen with sister Jasmine; galactorrhoea", "estrogen"),
        ("Referred by Dr Maxim Weber, galactorrhoea", "estrogen"),
        ("Gastroscopy: gastric antra normal", "other"),
    ],
    "de": [
        ("Drogenscreening: Opiate negativ, THC negativ", "opioid"),
        ("Cannabis-Konsum verneint", "other"),
        ("Mutter nimmt Risperdal; Pat. selbst keine Medikamente", "antipsychotic"),
        ("Risperdal erwogen", "antipsychotic"),
        ("Begleitet von Mutter Yasmin. Galaktorrhoe.", "estrogen"),
    ],
    "fr": [
        ("consommation de cannabis niée", "other"),
        ("dépistage urinaire négatif : opiacés, cannabis", "opioid"),
        ("mère sous Risperdal", "antipsychotic"),
        ("accompagnée de sa sœur Jasmine", "estrogen"),
    ],
    "es": [
        ("consumo de cannabis negado", "other"),
        ("tóxicos en orina negativos: opiáceos, cannabis", "opioid"),
        ("madre toma risperidona", "antipsychotic"),
        ("acompañada por su hermana Yasmin", "estrogen"),
    ],
    "it": [
        ("consumo di cannabis negato", "other"),
        ("screening tossicologico negativo: oppiacei, cannabis", "opioid"),
        ("madre in terapia con risperidone", "antipsychotic"),
        ("accompagnata dalla sorella Yasmin", "estrogen"),
    ],
    "nl": [
        ("gebruik van cannabis ontkend", "other"),
        ("drugsscreening negatief: opiaten, cannabis", "opioid"),
        ("moeder gebruikt risperidon", "antipsychotic"),
        ("begeleid door zus Yasmin", "estrogen"),
    ],
}


@pytest.mark.parametrize(
    ("text", "drug_class"), [case for cases in NOT_TAKEN.values() for case in cases]
)
def test_a_mention_that_is_not_the_patient_taking_it_is_no_drug(text: str, drug_class: str) -> None:
    for matcher in (NOTES, MATCHER):
        found = matcher.find(text)
        assert drug_class not in {m.drug.drug_class for m in found}
        assert [m for m in found if m.drug.effect == "raises"] == []


@pytest.mark.parametrize("language", sorted(NOT_TAKEN))
def test_not_the_patients_drugs_leave_the_result_unexplained(tmp_path: Path, language: str) -> None:
    first, last = NOT_TAKEN[language][0][0], NOT_TAKEN[language][-1][0]
    row = _run(tmp_path, "", f"{first}. {last}", value=60)
    assert "medication:" not in row["factors"]
    assert "unexplained" in row["factors"]


def test_estrogen_exposure_none_in_the_medication_column(tmp_path: Path) -> None:
    row = _run(tmp_path, "estrogen exposure: none", value=48)
    assert "medication:estrogen" not in row["factors"]


@pytest.mark.parametrize(
    ("text", "name", "not_taken"),
    [
        ("Yasmin 1-0-0", "ethinylestradiol", "Mutter Yasmin"),
        ("Pille Yasmin", "ethinylestradiol", "Begleitet von Frau Yasmin"),
        ("Jasmine", "ethinylestradiol", "seen with sister Jasmine"),
        ("Antra 20 mg", "omeprazole", "gastric antra normal"),
        (
            "Drogenscreening: Opiate positiv, THC negativ",
            "opioid (unspecified)",
            "Drogenscreening: Opiate negativ",
        ),
        ("Risperdal 2 mg, Mutter ebenfalls", "risperidone", "Mutter nimmt Risperdal"),
        ("keine Beschwerden unter Risperdal", "risperidone", "nicht mehr unter Risperdal"),
        ("consider reducing risperidone", "risperidone", "consider risperidone"),
    ],
)
def test_a_real_drug_is_kept_beside_the_same_name_not_taken(
    text: str, name: str, not_taken: str
) -> None:
    assert name in _names(text)
    assert name not in _names(not_taken)
