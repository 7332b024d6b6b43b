"""Review 13: state words read in the wrong sense or tense, and a pregnancy written as a due date
or in obstetric shorthand (states.toml, state_words.py), each fixed as a class in the six
languages.  "Nursing" as a profession or a place ("nursing staff", "nursing home", "per nursing:")
is no breastfeeding; breastfeeding in a completed tense ("breastfed 3 children", "hat 2 Kinder
gestillt", "a allaité", "amamantó", "ha allattato", "heeft borstvoeding gegeven"), a state's history
("antenatal history", "Schwangerschaft in der Anamnese") and the lactational amenorrhoea method
are no current state; a duration after a postpartum word ("postpartum 2 years", "post partum (2
ans)", "Wochenbett vor 3 Jahren") is read as one before it.  A due date ("EDD 10/12/2026", "ET
10.12.2026", "terme prévu le 10/12/2026", "FPP", "DPP", "uitgerekende datum") is a pregnancy whose
gestation at the sample is pregnancy_term_weeks less the weeks until it (thresholds.toml), unless
the date places no current pregnancy; an ambiguous day and month never gives a trimester.
Synthetic patients only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.engine.state import PatientState, RowFacts, combine
from triage.engine.state_words import load_state_vocabulary

STATES = load_state_vocabulary()
SAMPLE = date(2026, 11, 2)
HEADER = "patient_id,sex,age,collected,prolactin,unit,comments\n"


def _state(text: str, sample: date | None = SAMPLE, column: str = "comments") -> PatientState:
    return combine(STATES.read(column, text, sample), RowFacts(sex="F"))


def _run(tmp_path: Path, value: str, unit: str, texts: list[str]) -> list[pd.Series]:
    rows = [f'P{i},F,32,2026-11-02 09:30,{value},{unit},"{t}"' for i, t in enumerate(texts)]
    results = triage_csv(tmp_path, HEADER + "\n".join(rows) + "\n").set_index("patient_id")
    return [results.loc[f"P{i}"] for i in range(len(texts))]


def _factors(row: pd.Series) -> list[str]:
    return str(row["factors"]).split(";") if isinstance(row["factors"], str) else []


def _suggestions(row: pd.Series) -> list[str]:
    return str(row["suggestions"]).split(";") if isinstance(row["suggestions"], str) else []


def _flagged_without_a_state(row: pd.Series, text: str) -> None:
    """150 ng/mL in a woman of 32 with no physiological state: high, worked up, no lactation or
    pregnancy factor, judged on the usual interval."""
    assert row["status"] == "high", text
    assert row["priority"] in ("soon", "urgent"), text
    assert "lactation" not in _factors(row), text
    assert "pregnancy" not in _factors(row), text
    assert not str(row["reference_stratum"]).endswith(("lactating", "pregnant")), text


# --- A. sense and tense ---------------------------------------------------------------------
NURSING_AS_A_PROFESSION_OR_A_PLACE = [
    "sample drawn by nursing staff",
    "nursing home resident",
    "per nursing: patient anxious",
    "home nursing visit",
    "nursing notes: anxious",
    "nursing",
]
NURSING_AS_BREASTFEEDING = [
    "currently nursing",
    "nursing mother",
    "still nursing her baby",
    "nursing: yes",
    "is nursing a 3-month-old",
]


def test_nursing_as_a_profession_or_a_place_is_no_breastfeeding(tmp_path: Path) -> None:
    """'Nursing' as the staff or a place said breastfeeding (normal at 150 ng/mL, no work-up):
    only where its sense is breastfeeding is it; a feeding column named 'Nursing' still is, a
    header 'Nursing home' is no feeding column."""
    texts = NURSING_AS_A_PROFESSION_OR_A_PLACE + NURSING_AS_BREASTFEEDING
    rows = _run(tmp_path, "150", "ng/mL", texts)
    for text, row in zip(texts, rows, strict=True):
        if text in NURSING_AS_A_PROFESSION_OR_A_PLACE:
            assert not _state(text).lactating, text
            _flagged_without_a_state(row, text)
        else:
            assert _state(text).lactating, text
            assert row["status"] == "normal", text
            assert "lactation" in _factors(row), text
    assert _state("nursing", column="lactating_text").lactating
    assert _state("not nursing", column="lactating_text").lactation == "no"
    # (at 6000 mIU/L, 283 ng/mL: urgent, not explained by breastfeeding)
    (home,) = _run(tmp_path, "6000", "mIU/L", ["home nursing visit"])
    assert home["priority"] == "urgent"
    assert "lactation" not in _factors(home)
    path = tmp_path / "header.csv"
    path.write_text("Patient ID,Sex,Age,Prolactin,Unit,Nursing home\nH1,F,30,150,ng/mL,yes\n")
    (header,) = [r for _, r in triage_csv(tmp_path, path.read_text()).iterrows()]
    assert header["status"] == "high"
    assert "lactation" not in _factors(header)


# Per language: the profession and the place (never read as a state, before or after), the
# completed tense of breastfeeding, and a state's history.
NOT_NOW = {
    "en": [
        "breastfed 3 children",
        "had breastfed all her children",
        "lactation amenorrhoea method failed 2020",
        "LAM failed 2020",
        "antenatal history unremarkable",
        "pregnancy history: G2P2",
    ],
    "de": [
        "Abnahme durch Pflege, Pflegeheimbewohnerin",
        "häusliche Krankenpflege",
        "hat 2 Kinder gestillt",
        "hat beide Kinder gestillt",
        "Schwangerschaft in der Anamnese",
    ],
    "fr": [
        "prélèvement par l'infirmière, soins infirmiers à domicile",
        "a allaité ses 3 enfants",
        "a allaité",
        "grossesse dans les antécédents",
        "anamnèse de grossesse sans particularité",
        "méthode de l'allaitement maternel et de l'aménorrhée échec 2020",
    ],
    "es": [
        "extracción por enfermería",
        "amamantó a sus 3 hijos",
        "ha amamantado a sus hijos",
        "dio el pecho 6 meses",
        "embarazo en los antecedentes",
        "historia del embarazo sin incidencias",
        "MELA (método de lactancia y amenorrea) fallido 2020",
    ],
    "it": [
        "prelievo eseguito dall'infermiere, assistenza infermieristica",
        "ha allattato 3 figli",
        "ha allattato per 6 mesi",
        "gravidanza in anamnesi",
        "anamnesi di gravidanza",
        "storia di gravidanza",
    ],
    "nl": [
        "afname door verpleging, verpleeghuisbewoonster",
        "heeft borstvoeding gegeven",
        "heeft 3 kinderen borstvoeding gegeven",
        "gaf borstvoeding aan haar 3 kinderen",
        "zwangerschap in de voorgeschiedenis",
    ],
}
# the same words now, and a denial: still read (a current word beside a completed one wins)
# (a feed just now, before the sample, is breastfeeding)
STILL_NOW = {
    "en": [
        ("breastfed 2 children, now breastfeeding her third", "yes"),
        ("has just breastfed", "yes"),
        ("never breastfed", "no"),
    ],
    "de": [("stillt", "yes"), ("hat heute gestillt", "yes"), ("hat nie gestillt", "no")],
    "fr": [("allaite", "yes"), ("a allaité ce matin", "yes"), ("n'a jamais allaité", "no")],
    "es": [("da el pecho", "yes"), ("ha amamantado esta mañana", "yes")],
    "it": [
        ("allatta", "yes"),
        ("ha allattato stamattina", "yes"),
        ("ha allattato fino al 2021", "no"),
    ],
    "nl": [
        ("geeft borstvoeding", "yes"),
        ("heeft net borstvoeding gegeven", "yes"),
        ("heeft nooit borstvoeding gegeven", "no"),
    ],
}


@pytest.mark.parametrize("language", sorted(NOT_NOW))
def test_state_words_in_another_sense_or_tense_are_no_current_state(
    tmp_path: Path, language: str
) -> None:
    """Each said breastfeeding or pregnancy now (normal at 150 ng/mL, no work-up): they are her
    history or somebody's profession, so the result stays flagged."""
    texts = NOT_NOW[language]
    for text, row in zip(texts, _run(tmp_path, "150", "ng/mL", texts), strict=True):
        state = _state(text)
        assert not state.lactating and not state.pregnant, text
        _flagged_without_a_state(row, text)
    for text, lactation in STILL_NOW[language]:
        assert _state(text).lactation == lactation, text


# A duration after a postpartum word, per language; and the same duration before it.
AFTER = {
    "en": ["postpartum 2 years", "postpartum (3 years)"],
    "de": ["Wochenbett vor 3 Jahren", "postpartal 2 Jahre"],
    "fr": ["post partum (2 ans)", "suites de couches il y a 3 ans"],
    "es": ["posparto 2 años", "puerperio (3 años)"],
    "it": ["puerperio 2 anni", "post partum 3 anni"],
    "nl": ["kraambed 2 jaar", "postpartum (3 jaar)"],
}
SHORT_AFTER = {
    "en": ("postpartum 5 months", 21.7),
    "de": ("Wochenbett seit 3 Wochen", 3.0),
    "fr": ("post-partum (8 semaines)", 8.0),
    "es": ("posparto 4 meses", 17.4),
    "it": ("puerperio 10 giorni", 1.43),
    "nl": ("kraambed 6 weken", 6.0),
}


@pytest.mark.parametrize("language", sorted(AFTER))
def test_a_duration_after_a_postpartum_word_is_read(tmp_path: Path, language: str) -> None:
    """'postpartum 2 years' was a postpartum of unknown time (lactation likely, routine, no
    work-up at 150 ng/mL) while '2 years postpartum' was past the time feeding is assumed: now
    both are read alike."""
    texts = [*AFTER[language], "2 years postpartum"]
    rows = _run(tmp_path, "150", "ng/mL", texts)
    for text, row in zip(texts, rows, strict=True):
        state = _state(text)
        assert state.postpartum and state.postpartum_weeks is not None, text
        assert state.postpartum_weeks > 100, text
        assert "lactation" not in _factors(row), text
        assert row["priority"] == "soon", text
        assert "pituitary_mri" in _suggestions(row), text
    text, weeks = SHORT_AFTER[language]
    assert _state(text).postpartum_weeks == pytest.approx(weeks, abs=0.1), text


# --- B. a due date and obstetric shorthand ----------------------------------------------------
# Sample 2026-11-02: a due date of 10 December 2026 is 5.4 weeks away, 34.6 weeks of gestation
# (third trimester); "10/12/2026" read month first (12 October) would be 42.9 weeks, past
# pregnancy_post_term_weeks, so only the day-first reading places a pregnancy.
PREGNANT = {
    "en": ["EDD 10/12/2026", "due date 10 Dec 2026", "EDC: 2026-12-10", "G1P0 at 31w"],
    "de": ["ET 10.12.2026", "errechneter Termin: 10.12.2026", "Geburtstermin 10. Dezember 2026"],
    "fr": ["terme prévu le 10/12/2026", "DPA 10/12/2026", "SA 31", "G2P1 SA 31+2"],
    "es": ["FPP 10/12/2026", "fecha probable de parto 10 de diciembre de 2026", "G1P0 31 semanas"],
    "it": ["DPP 10/12/2026", "data presunta del parto 10/12/2026", "G1P0 31 settimane"],
    "nl": ["uitgerekende datum 10-12-2026", "AD 10-12-2026", "G1P0 31 weken"],
}


@pytest.mark.parametrize("language", sorted(PREGNANT))
def test_a_due_date_or_obstetric_shorthand_is_a_pregnancy(tmp_path: Path, language: str) -> None:
    """300 ng/mL in a woman of 30 at 31-35 weeks: each was urgent with a prolactinoma suspected,
    a pregnancy test and an MRI; as '30 weeks gestation' it is a pregnancy in the third trimester,
    within its interval (term values ~100-600 ng/mL): normal, none (review 16: it was routine)."""
    texts = [*PREGNANT[language], "30 weeks gestation"]
    for text, row in zip(texts, _run(tmp_path, "300", "ng/mL", texts), strict=True):
        state = _state(text)
        assert state.pregnant, text
        assert state.gestation_weeks is not None and 28 <= state.gestation_weeks < 40, text
        assert _factors(row) == ["pregnancy"], text
        assert "within the pregnancy interval 10–600" in row["factor_evidence"], text
        assert (row["status"], row["priority"]) == ("normal", "none"), text
        assert not {"pituitary_mri", "pregnancy_test"} & set(_suggestions(row)), text


AMBIGUOUS = {
    "en": "EDD 03/04/2027",
    "de": "errechneter Termin 03/04/2027",
    "fr": "DPA 03/04/2027",
    "es": "FPP 03/04/2027",
    "it": "DPP 03/04/2027",
    "nl": "uitgerekende datum 03-04-2027",
}


@pytest.mark.parametrize("language", sorted(AMBIGUOUS))
def test_a_due_date_places_a_pregnancy_only_when_it_can(language: str) -> None:
    """03/04/2027 is 3 April or 4 March: both readings place a pregnancy (18 or 23 weeks), so it
    is a pregnancy of unknown gestation (the conservative interval), never a guessed trimester.
    Without the sample's date the pregnancy is read, its gestation not.  A due date long before
    the sample, or more than a pregnancy's length after it, is no current pregnancy."""
    text = AMBIGUOUS[language]
    state = _state(text)
    assert state.pregnant
    assert state.gestation_weeks is None and state.trimester == 0
    undated = _state(text, sample=None)
    assert undated.pregnant and undated.gestation_weeks is None
    for year in ("2025", "2028"):
        assert not _state(text.replace("2027", year)).pregnant, year
        assert _state(text.replace("2027", year)).pregnancy == ""


def test_an_ambiguous_due_date_is_judged_as_a_pregnancy_of_unknown_trimester(
    tmp_path: Path,
) -> None:
    """End to end: pregnancy without a third-trimester reading; a passed due date is no
    pregnancy (urgent at 300 ng/mL as any woman's result)."""
    ambiguous, passed = _run(tmp_path, "300", "ng/mL", ["EDD 03/04/2027", "EDD 10/12/2025"])
    assert "pregnancy" in _factors(ambiguous)
    assert "third trimester" not in str(ambiguous["factor_evidence"])
    assert str(ambiguous["reference_stratum"]).endswith("pregnant")
    assert passed["priority"] == "urgent"
    assert "pregnancy" not in _factors(passed)


def test_a_date_word_with_another_meaning_is_no_due_date() -> None:
    """German 'ET' is the due date, but beside an IVF word it is the embryo transfer's date (a
    transfer planned in five weeks must not read as a pregnancy of 35 weeks); 'EDD' beside a
    hospital stay is the estimated discharge date; a 'due date' of something else (a depot
    injection, a follow-up) is none.  Each would have judged a raised result as a pregnancy's."""
    for text in ("ET 10.12.2026", "EDD 10/12/2026", "her due date is 10/12/2026"):
        assert _state(text).pregnant, text
    for text in (
        "IVF, ET 10.12.2026",
        "ICSI; ET 10.12.2026",
        "Kryotransfer: ET 10.12.2026",
        "inpatient, EDD 05/11/2026",
        "EDD 05/11/2026, awaiting discharge",
        "depot injection due date 10/11/2026",
        "follow-up due date 10/11/2026",
    ):
        state = _state(text)
        assert not state.pregnant, text
        assert state.gestation_weeks is None, text
    # a pregnancy after IVF with its due date written as such stays one
    assert _state("IVF pregnancy, EDD 10/12/2026").gestation_weeks == pytest.approx(34.57, abs=0.01)
