"""Regressions of review 12's medication rules, each fixed as a class and tested in the six
languages: a current drug was read as not taken (the raised prolactin lost its explanation and
the work-up came back) when an ambiguous label ("CI:" clinical information, "KI:", "Ex:"
examination) or a label answered "none" came before it, when a dose changed "from tomorrow", when
a switch was only planned, when a stop word after it was about something else ("stopped
smoking", "terminata radioterapia"), under a history heading ("Drug history", "Vormedikation"),
or with a fraction dose in its schedule ("0-0-0-½").  Each case keeps its stopped twin, which
stays not taken.  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.knowledge import drug_matcher, load_drugs

MATCHER = drug_matcher(tuple(load_drugs()))
WORK_UP = "endocrine_referral"


def _names(text: str) -> list[str]:
    return [m.drug.name for m in MATCHER.find(text)]


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _run(tmp_path: Path, texts: list[str], column: str = "Medication") -> pd.DataFrame:
    """Women of 32 with 90 ng/mL, one per text, in input order."""
    lines = [f"P{i},F,32,90,ng/mL,{_quoted(text)}" for i, text in enumerate(texts)]
    results = triage_csv(
        tmp_path, f"patient_id,sex,age,prolactin,unit,{_quoted(column)}\n" + "\n".join(lines) + "\n"
    )
    assert len(results) == len(texts)
    return results


def _taken(row: pd.Series) -> bool:
    return row["priority"] == "routine" and "medication:antipsychotic" in row["factors"]


def _not_taken(row: pd.Series) -> bool:
    return "medication:" not in row["factors"] and WORK_UP in row["suggestions"]


# --------------------------------------------------------------------------------------------
# 1. An ambiguous abbreviation label negates only the drugs right after it; a label answered
# "none" negates nothing after the answer.
# --------------------------------------------------------------------------------------------
LABELLED_TAKEN = [
    "CI: amenorrhoea, on risperidone 2 mg",  # en: CI = clinical information
    "Ex: no galactorrhoea, risperidone 2 mg",  # en: Ex = examination
    "Contraindications: none, risperidone 2 mg",  # en
    "KI: keine, Risperdal 2 mg",  # de
    "CI : aucune, Risperdal 2 mg",  # fr
    "CI: amenorrhée, sous Risperdal 2 mg",  # fr
    "Contraindicaciones: ninguna, risperidona 2 mg",  # es
    "Controindicazioni: nessuna, risperidone 2 mg",  # it
    "Contra-indicaties: geen, risperidon 2 mg",  # nl
]
LABELLED_NOT_TAKEN = [
    "KI: Risperdal",
    "CI: risperidone",
    "Ex: Haldol 5 mg, Risperdal",
    "Contraindications: risperidone",
    "Kontraindikation: Risperdal",
    "contraindicado: risperidona",
]


@pytest.mark.parametrize("text", LABELLED_TAKEN)
def test_a_drug_after_an_ambiguous_or_answered_label_is_taken(text: str) -> None:
    assert _names(text) == ["risperidone"]


@pytest.mark.parametrize("text", LABELLED_NOT_TAKEN)
def test_a_drug_right_after_a_contraindication_label_stays_not_taken(text: str) -> None:
    assert "risperidone" not in _names(text) and "haloperidol" not in _names(text)


def test_ambiguous_labels_end_to_end(tmp_path: Path) -> None:
    results = _run(tmp_path, [*LABELLED_TAKEN, "KI: Risperdal"], column="comments")
    # counted (a symptom in the note may keep the result "soon")
    assert all("medication:antipsychotic" in f for f in results["factors"].iloc[:-1])
    assert _not_taken(results.iloc[-1])


# --------------------------------------------------------------------------------------------
# 2. A future marker followed by a new dose is a dose change of a drug taken now.
# --------------------------------------------------------------------------------------------
DOSE_CHANGES = [
    ("risperidone 2 mg from tomorrow 3 mg", "risperidone from tomorrow"),
    ("Risperdal 2 mg ab morgen 3 mg", "Risperdal ab morgen"),
    ("Risperdal ab morgen 4 mg", "Risperdal 2 mg ab übermorgen"),
    ("Rispéridone 2 mg, à partir de demain 3 mg", "Risperdal à partir de demain"),
    ("risperidona 2 mg, a partir de mañana 3 mg", "risperidona a partir de mañana"),
    ("risperidone 2 mg da domani 3 mg", "risperidone da domani"),
    ("risperidon 2 mg vanaf morgen 3 mg", "risperidon vanaf morgen"),
]


@pytest.mark.parametrize(("change", "start"), DOSE_CHANGES)
def test_a_dose_change_from_tomorrow_is_a_drug_taken(change: str, start: str) -> None:
    assert _names(change) == ["risperidone"]
    assert _names(start) == []


def test_dose_changes_end_to_end(tmp_path: Path) -> None:
    results = _run(tmp_path, [change for change, _ in DOSE_CHANGES] + ["Risperdal ab morgen"])
    assert all(_taken(row) for _, row in results.iloc[:-1].iterrows())
    assert _not_taken(results.iloc[-1])


# --------------------------------------------------------------------------------------------
# 3. A planned switch leaves the old drug taken; a done one does not.
# --------------------------------------------------------------------------------------------
PLANNED_SWITCHES = [
    ("Plan: switch risperidone to aripiprazole next month", "switch risperidone to aripiprazole"),
    ("Umstellung Risperdal auf Abilify geplant", "Umstellung Risperdal auf Abilify"),
    (
        "relais Risperdal par Abilify prévu la semaine prochaine",
        "relais Risperdal par Abilify",
    ),
    ("cambio risperidona a aripiprazol previsto", "cambio risperidona a aripiprazol"),
    (
        "passaggio risperidone ad aripiprazolo programmato",
        "passaggio risperidone ad aripiprazolo",
    ),
    ("omzetting risperidon naar aripiprazol gepland", "omzetting risperidon naar aripiprazol"),
]


@pytest.mark.parametrize(("planned", "done"), PLANNED_SWITCHES)
def test_a_planned_switch_leaves_the_old_drug_taken(planned: str, done: str) -> None:
    assert "risperidone" in _names(planned)
    assert _names(done) == ["aripiprazole"]


def test_planned_switches_end_to_end(tmp_path: Path) -> None:
    results = _run(tmp_path, [planned for planned, _ in PLANNED_SWITCHES])
    assert all(_taken(row) for _, row in results.iterrows())
    assert all("risperidone" in evidence for evidence in results["factor_evidence"])


# --------------------------------------------------------------------------------------------
# 4. A stop word after the drug applies to it only when nothing else is its object.
# --------------------------------------------------------------------------------------------
OTHER_STOPS = [
    "risperidone 2 mg, but stopped smoking last month",
    "risperidone 2 mg, now weaned off cigarettes",
    "Risperdal 2 mg, finished course of antibiotics",
    "risperidone 2 mg, contraindication to gadolinium",
    "risperidone 2 mg since her marriage ended",
    "Haldol 2 mg, ended up in A&E",
    "Risperdal trotz Kontraindikation weitergeführt",
    "Risperdal 2 mg, abgebrochene Ausbildung",
    "Tercian 25 mg, sevrée de l'alcool depuis 2 ans",
    "risperidone 2 mg, terminé la chimiothérapie",
    "Risperidona 1 mg, terminado tratamiento con quimioterapia",
    "Risperdal 2 mg, intolerancia a la lactosa",
    "Risperdal 2 mg, terminata radioterapia",
    "risperidon 2 mg, gestopt met roken",
]
OWN_STOPS = [
    "risperidone 2 mg, stopped 2 years ago",
    "risperidone, stopped a week ago",
    "risperidone, now stopped",
    "Risperdal, stopped due to weight gain",
    "Risperdal, abgesetzt wegen Galaktorrhoe",
    "Risperdal: gestoppt",
    "Risperdal, arrêté il y a 3 mois",
    "risperidona, suspendida hace 2 meses",
    "risperidone, sospeso da 1 mese",
    "risperidon, gestopt vorige week",
    "risperidone stopped since her pregnancy",
]


@pytest.mark.parametrize("text", OTHER_STOPS)
def test_a_stop_word_with_its_own_object_leaves_the_drug_taken(text: str) -> None:
    assert _names(text) != []


@pytest.mark.parametrize("text", OWN_STOPS)
def test_a_stop_word_of_the_drug_still_stops_it(text: str) -> None:
    assert _names(text) == []


def test_stop_words_end_to_end(tmp_path: Path) -> None:
    results = _run(tmp_path, OTHER_STOPS + OWN_STOPS[:2])
    assert all(_taken(row) for _, row in results.iloc[: len(OTHER_STOPS)].iterrows())
    assert all(_not_taken(row) for _, row in results.iloc[len(OTHER_STOPS) :].iterrows())


# --------------------------------------------------------------------------------------------
# 5. History, Hx, anamnesis, prior and Vor- headings are the current list.
# --------------------------------------------------------------------------------------------
HISTORY_HEADERS = [
    "Drug history",
    "Medication history",
    "Meds Hx",
    "Home medications (prior to sampling)",
    "Vormedikation",
    "Medikamentenanamnese",
    "Medicatiegeschiedenis",
]


@pytest.mark.parametrize("header", HISTORY_HEADERS)
def test_a_history_heading_lists_the_drugs_taken(tmp_path: Path, header: str) -> None:
    assert _taken(_run(tmp_path, ["Risperdal 2 mg"], column=header).iloc[0])


@pytest.mark.parametrize("header", ["Stopped medications", "Frühere Medikation", "Farmaci sospesi"])
def test_an_unambiguous_past_heading_still_counts_no_drug(tmp_path: Path, header: str) -> None:
    assert _not_taken(_run(tmp_path, ["Risperdal 2 mg"], column=header).iloc[0])


@pytest.mark.parametrize(
    ("label", "past"),
    [
        ("Vormedikation: Risperdal 2 mg 1-0-0", "Frühere Medikation: Risperdal 2 mg"),
        ("Medikamentenanamnese: Risperdal 2 mg", "abgesetzt: Risperdal 2 mg"),
        ("Drug history: risperidone 2 mg", "Stopped medications: risperidone 2 mg"),
        ("Antécédents médicamenteux : Risperdal 2 mg", "Traitements arrêtés : Risperdal"),
        ("Historial farmacológico: risperidona 2 mg", "Medicación previa: risperidona"),
        ("Anamnesi farmacologica: risperidone 2 mg", "Farmaci sospesi: risperidone"),
        ("Medicatiegeschiedenis: risperidon 2 mg", "Gestopte medicatie: risperidon"),
    ],
)
def test_a_history_label_in_free_text_lists_the_drugs_taken(label: str, past: str) -> None:
    assert _names(label) == ["risperidone"]
    assert _names(past) == []


# --------------------------------------------------------------------------------------------
# 6. A fraction in a schedule is a dose, not a zero.
# --------------------------------------------------------------------------------------------
FRACTIONS = [
    ("Haldol 5 mg 0-0-0-½", "Haldol 5 mg 0-0-0-0"),
    ("Haloperidol 0-0-0-¼", "Haloperidol 0-0-0"),
    ("Haldol 0-0-¾", "Haldol (0-0-0)"),
    ("halopéridol ½-0-0-0", "halopéridol 0-0-0-0"),
    ("haloperidol 0-0-0-1/2", "haloperidol 0 - 0 - 0"),
    ("aloperidolo 0-⅓-0", "aloperidolo 0-0-0"),
]


@pytest.mark.parametrize(("fraction", "zero"), FRACTIONS)
def test_a_fraction_in_a_schedule_is_a_dose(fraction: str, zero: str) -> None:
    assert _names(fraction) == ["haloperidol"]
    assert _names(zero) == []


def test_fractions_end_to_end(tmp_path: Path) -> None:
    results = _run(tmp_path, [fraction for fraction, _ in FRACTIONS] + ["Haldol 5 mg 0-0-0"])
    assert all(_taken(row) for _, row in results.iloc[:-1].iterrows())
    assert _not_taken(results.iloc[-1])
