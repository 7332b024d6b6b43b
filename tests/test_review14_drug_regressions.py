"""Readings broken by the drug rules of review 14 and put right: a class adjective is a drug
only next to a word of intake ("unter neuroleptischer Therapie"), not in a differential, a side
effect or a syndrome; a bare plan label ("Therapie:", "Treatment:", "Rx:") opens a medication
list only with a dose, and a capital abbreviation glued to a noun ("MCP-Gelenk") is no drug; a
past adjective before a drug or its compound ("frühere Risperidontherapie") is the past.  Each
wrongly found drug turned an unexplained high prolactin into a likely drug effect and dropped the
referral.  End to end (a CSV run through the pipeline).  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv

HEADER = "patient_id,sex,age,prolactin,unit,medications,clinical notes\n"


def _cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _row(tmp_path: Path, medication: str, notes: str):
    row = f"P1,F,35,60,ng/mL,{_cell(medication)},{_cell(notes)}\n"
    results = triage_csv(tmp_path, HEADER + row)
    assert len(results) == 1
    return results.iloc[0]


def _factors(row) -> list[str]:
    value = row["factors"]
    return [] if not isinstance(value, str) else value.split(";")


def _unexplained(row) -> None:
    factors = _factors(row)
    assert not any(f.startswith("medication:") for f in factors), (factors, row["factor_evidence"])
    assert "unexplained" in factors
    assert "macroprolactin_screen" in str(row["suggestions"])


def _drug(row, code: str) -> None:
    assert code in _factors(row), (_factors(row), row["factor_evidence"])


# 1. A class adjective names the drug only with a word of intake --------------------------------
ADJECTIVE_NOT_INTAKE = [
    "Ausschluss einer neuroleptisch bedingten Hyperprolaktinämie, "
    "Patientin nimmt keine Medikamente",
    "Anamnese: malignes neuroleptisches Syndrom",
    "neuroleptische Nebenwirkungen in der Vorgeschichte",
    "Hyperprolaktinämie neuroleptisch bedingt? keine Medikamente",
    "DD neuroleptisch induziert, aber keine Einnahme",
    "iperprolattinemia da causa antipsicotica esclusa",
    "reacciones neurolépticas descritas en la familia",
    "antipsychotische bijwerkingen bij broer",
]


@pytest.mark.parametrize("notes", ADJECTIVE_NOT_INTAKE)
def test_a_class_adjective_without_intake_is_no_drug(tmp_path: Path, notes: str) -> None:
    _unexplained(_row(tmp_path, "", notes))


ADJECTIVE_INTAKE = [
    "unter neuroleptischer Therapie",
    "seit Jahren neuroleptisch eingestellt",
    "in terapia antipsicotica",
    "medicación antipsicótica desde 2020",
    "antipsychotische medicatie",
]


@pytest.mark.parametrize("notes", ADJECTIVE_INTAKE)
def test_a_class_adjective_with_intake_is_the_drug(tmp_path: Path, notes: str) -> None:
    _drug(_row(tmp_path, "", notes), "medication:antipsychotic")


# 2. A bare plan label lists medicines only with a dose; "MCP-Gelenk" is a joint -----------------
PLAN_NOT_MEDICATION = [
    "Therapie: Kortison-Infiltration MCP-Gelenk rechts",
    "Therapie: MTP-/MCP-Gelenk Infiltration",
    "Treatment: MST (multisystemic therapy)",
    "Rx: CT head, TSH, MST later if pain",
    "Therapie: Wunsch nach OC",
    "Therapie: EE Kontrolle",
    "Terapia: fisioterapia, MCP in controllo",
    "Tratamiento: reposo, EE control",
]


@pytest.mark.parametrize("notes", PLAN_NOT_MEDICATION)
def test_a_plan_label_or_a_joint_names_no_abbreviated_drug(tmp_path: Path, notes: str) -> None:
    _unexplained(_row(tmp_path, "", notes))


PLAN_WITH_DOSE = [
    ("Therapie: MST 30 mg 1-0-1", "medication:opioid"),
    ("Rx: MCP 10 mg tds", "medication:antiemetic_prokinetic"),
    ("Medikation: MCP-Tropfen 3x20", "medication:antiemetic_prokinetic"),
    ("Medikation: MCP-ratiopharm 10 mg", "medication:antiemetic_prokinetic"),
    ("Traitement : MCP 10 mg", "medication:antiemetic_prokinetic"),
    ("Terapia in corso: MCP", "medication:antiemetic_prokinetic"),
]


@pytest.mark.parametrize(("notes", "code"), PLAN_WITH_DOSE)
def test_a_medication_list_still_reads_abbreviations(tmp_path: Path, notes: str, code: str) -> None:
    _drug(_row(tmp_path, "", notes), code)


JOINTS = [
    "MCP-Gelenk-Infiltration mit Kortison",
    "steroid injection MCP-joint",
    "infiltration MCP-articulation",
    "infiltración MCP-articulación",
    "infiltrazione MCP-articolazione",
    "MCP-gewricht infiltratie",
]


@pytest.mark.parametrize("medication", JOINTS)
def test_a_joint_in_the_medication_column_is_no_drug(tmp_path: Path, medication: str) -> None:
    _unexplained(_row(tmp_path, medication, ""))


# 3. A past adjective before a drug or its compound is the past --------------------------------
PAST_ADJECTIVE = [
    "vorherige Risperidontherapie, jetzt keine Medikamente",
    "frühere Risperidontherapie",
    "ehemalige Haloperidoltherapie",
    "frühere Risperidon-Therapie",
    "frühere Therapie mit Risperidon",
    "previous treatment with risperidone 2019",
    "l'ancien Risperdal",
    "antiguo tratamiento con risperidona",
    "pregressa terapia con risperidone",
    "eerdere risperidonbehandeling",
    "vroegere risperidon",
]


@pytest.mark.parametrize("notes", PAST_ADJECTIVE)
def test_a_past_adjective_puts_the_drug_in_the_past(tmp_path: Path, notes: str) -> None:
    _unexplained(_row(tmp_path, "", notes))


def test_a_current_compound_is_still_the_drug(tmp_path: Path) -> None:
    _drug(_row(tmp_path, "", "aktuelle Risperidontherapie 2 mg"), "medication:antipsychotic")


# 4. A negative drug screen covers only the substances screened --------------------------------
SCREEN_THEN_INTAKE = [
    ("", "Drogenscreening negativ, Substitution mit L-Polamidon", "medication:opioid"),
    ("", "Tox screen negative, on methadone maintenance", "medication:opioid"),
    ("", "UDS neg for illicit drugs, prescribed methadone 60mg", "medication:opioid"),
    ("", "tox: negative except methadone", "medication:opioid"),
    ("", "Tox screen neg, takes haloperidol 5 mg", "medication:antipsychotic"),
    ("Drogenscreening negativ, Haloperidol 5 mg", "", "medication:antipsychotic"),
    ("", "dépistage de toxiques négatif sauf méthadone", "medication:opioid"),
    ("", "tóxicos en orina negativos, toma metadona 40 mg", "medication:opioid"),
    ("", "screening tossicologico negativo tranne metadone", "medication:opioid"),
    ("", "drugsscreening negatief, gebruikt methadon", "medication:opioid"),
]


@pytest.mark.parametrize(("medication", "notes", "code"), SCREEN_THEN_INTAKE)
def test_a_drug_taken_after_a_negative_screen_is_taken(
    tmp_path: Path, medication: str, notes: str, code: str
) -> None:
    _drug(_row(tmp_path, medication, notes), code)


SCREEN_ONLY = [
    "Drogenscreening: Opiate negativ, THC negativ",
    "urine drug screen negative for opiates, cocaine and amphetamines",
]


@pytest.mark.parametrize("notes", SCREEN_ONLY)
def test_the_substances_of_a_negative_screen_are_no_intake(tmp_path: Path, notes: str) -> None:
    _unexplained(_row(tmp_path, "", notes))


# 5. "now" another drug ADDED keeps the first ----------------------------------------------------
ADDED_NOW = [
    "risperidone 4 mg, now aripiprazole 5 mg added",
    "Risperdal 4 mg, jetzt Abilify 5 mg zusätzlich",
    "on risperidone, now aripiprazole as add-on",
    "Risperdal 2 mg, now Abilify augmentation",
    "risperidone depot, now on oral aripiprazole too",
    "Haldol, jetzt Abilify dazu",
    "Risperdal, maintenant Abilify en association",
    "risperidona, ahora aripiprazol además",
    "risperidone, ora aripiprazolo in aggiunta",
    "risperidon, nu aripiprazol erbij",
]


@pytest.mark.parametrize("notes", ADDED_NOW)
def test_a_drug_added_now_keeps_the_first(tmp_path: Path, notes: str) -> None:
    _drug(_row(tmp_path, "", notes), "medication:antipsychotic")


def test_a_drug_now_instead_still_replaces_the_first(tmp_path: Path) -> None:
    row = _row(tmp_path, "", "galactorrhoea on risperidone, now on aripiprazole")
    assert "medication:antipsychotic" not in _factors(row), row["factor_evidence"]


# 6. Another person who only reports or gives the drug: the drug is the patient's ---------------
PERSON_FOR_PATIENT = [
    "Mother reports patient takes risperidone 1 mg",
    "mother says he takes his Risperdal",
    "Mutter gibt ihm abends Risperdal 1 mg",
    "mother gives him risperidone at night",
    "Mutter verabreicht Haloperidol täglich",
    "Sohn (Patient) nimmt Risperdal",
    "la mère lui donne du Risperdal le soir",
    "la madre le da risperidona por la noche",
    "la madre gli somministra risperidone",
    "moeder geeft hem risperidon",
]


@pytest.mark.parametrize("notes", PERSON_FOR_PATIENT)
def test_a_person_who_reports_or_gives_the_drug_leaves_it_the_patients(
    tmp_path: Path, notes: str
) -> None:
    _drug(_row(tmp_path, "", notes), "medication:antipsychotic")


@pytest.mark.parametrize("notes", ["Mutter nimmt Risperdal", "mother on risperidone"])
def test_another_persons_own_drug_is_still_not_the_patients(tmp_path: Path, notes: str) -> None:
    _unexplained(_row(tmp_path, "", notes))


# 7. A medication label followed by "unknown" gives no medications -----------------------------
UNKNOWN_LISTS = [
    "Medikation: unbekannt",
    "Meds: not known",
    "Medication: see attached list",
    "Medicación: desconocida",
    "Med: ?",
    "Traitement : inconnu",
    "Farmaci: non noti",
    "Medicatie: onbekend",
]


@pytest.mark.parametrize("notes", UNKNOWN_LISTS)
def test_an_unknown_medication_list_leaves_the_medications_not_given(
    tmp_path: Path, notes: str
) -> None:
    row = _row(tmp_path, "", notes)
    _unexplained(row)
    assert "not given: medications" in str(row["factor_evidence"]), row["factor_evidence"]


# 8. A question mark with an answer or a dose is taken ------------------------------------------
ANSWERED = [
    ("", "Risperdal? ja, seit 2 Jahren"),
    ("", "On risperidone? yes 2 mg"),
    ("", "Compliance with risperidone? good"),
    ("Risperdal 2 mg?", ""),
    ("", "rispéridone ? oui"),
    ("", "risperidona? sí, 2 mg"),
    ("", "risperidone? sì"),
    ("", "risperidon? ja"),
]


@pytest.mark.parametrize(("medication", "notes"), ANSWERED)
def test_an_answered_question_about_a_drug_is_taken(
    tmp_path: Path, medication: str, notes: str
) -> None:
    _drug(_row(tmp_path, medication, notes), "medication:antipsychotic")


# A bare "Risperdal?" is a drug written with doubt, a possible factor (test_review15_med_phrasing)
@pytest.mark.parametrize("notes", ["Risperdal? nein"])
def test_a_bare_question_about_a_drug_is_not_taken(tmp_path: Path, notes: str) -> None:
    _unexplained(_row(tmp_path, "", notes))


# 3b. A period of life long past or a single dose in a past year after the drug ----------------
PAST_AFTER = [
    "Risperidonbehandlung in der Jugend",
    "Haloperidolgabe einmalig 2019",
    "risperidone as a teenager",
    "haloperidol once in 2019",
    "Risperdal dans l'adolescence",
    "risperidona durante la adolescencia",
    "risperidone nell'adolescenza",
    "risperidon in de puberteit",
]


@pytest.mark.parametrize("notes", PAST_AFTER)
def test_a_drug_of_a_past_period_is_not_taken_now(tmp_path: Path, notes: str) -> None:
    _unexplained(_row(tmp_path, "", notes))


@pytest.mark.parametrize("notes", ["Risperdal seit der Jugend", "haloperidol once daily"])
def test_a_drug_since_a_period_or_once_daily_is_taken(tmp_path: Path, notes: str) -> None:
    _drug(_row(tmp_path, "", notes), "medication:antipsychotic")


# 3c. "No medications" after a drug named without a dose wins ---------------------------------
NONE_AFTER = [
    "Risperidontherapie, keine Medikamente",
    "risperidone therapy, now no medications",
    "Haloperidoltherapie; aucun traitement actuellement",
    "tratamiento con risperidona; sin medicación actual",
    "terapia con risperidone, nessun farmaco attuale",
    "risperidonbehandeling, geen medicatie",
]


@pytest.mark.parametrize("notes", NONE_AFTER)
def test_no_medications_after_a_drug_name_wins(tmp_path: Path, notes: str) -> None:
    _unexplained(_row(tmp_path, "", notes))


NONE_OTHER = [
    "Risperdal 2 mg, sonst keine Medikamente",
    "on risperidone; no other medications",
    "Risperdal, keine weiteren Medikamente",
]


@pytest.mark.parametrize("notes", NONE_OTHER)
def test_no_other_medications_keeps_the_drug(tmp_path: Path, notes: str) -> None:
    _drug(_row(tmp_path, "", notes), "medication:antipsychotic")
