"""Patient-state words found by the twelfth outside review, each fixed as a class in the six
languages: a pregnancy or breastfeeding whose end, or the time after it, is written before it
("nach der Schwangerschaft", "fin de l'allaitement", "Zustand nach Stillzeit") is not the state
now (output-contract §7: a result above 5,000 mIU/L that pregnancy or lactation does not explain
is urgent); a delivery or caesarean written without its time ("Sectio", "C-section", "PMH: LSCS
x2") is neither breastfeeding nor a recent delivery (clinical-reference §2.1: prolactin is back to
non-pregnant levels about 7 days after delivery unless breastfeeding); the ordinary words for a
brain or head injury are head trauma (clinical-reference §4).  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.engine.state import PatientState, RowFacts, combine
from triage.engine.state_words import load_state_vocabulary
from triage.engine.text import load_cue_book

STATES = load_state_vocabulary()
BOOK = load_cue_book()

HEADER = "patient_id,sex,age_years,prolactin,prolactin_unit,comments\n"


def _state(text: str) -> PatientState:
    """The state a woman's comment `text` gives."""
    return combine(STATES.read("comments", text), RowFacts(sex="F"))


def _run(tmp_path: Path, value: str, unit: str, age: int, texts: list[str]) -> list[pd.Series]:
    """One woman of `age` per text, prolactin `value` `unit`, run together: their results."""
    rows = [f'P{i},F,{age},{value},{unit},"{t}"' for i, t in enumerate(texts)]
    results = triage_csv(tmp_path, HEADER + "\n".join(rows) + "\n").set_index("patient_id")
    return [results.loc[f"P{i}"] for i in range(len(texts))]


# --- 1. the end of a pregnancy or of breastfeeding, written before it --------------------------
ENDED_PREGNANCY = {
    "en": ["end of pregnancy", "after the pregnancy"],
    "de": [
        "Galaktorrhoe nach der Schwangerschaft",
        "nach Schwangerschaft",
        "Ende der Schwangerschaft",
        "Zustand nach Schwangerschaft",
    ],
    "fr": ["après grossesse", "post-grossesse", "interruption volontaire de grossesse"],
    "es": ["tras el embarazo", "después del embarazo", "fin del embarazo"],
    "it": ["dopo la gravidanza", "post-gravidanza", "fine della gravidanza"],
    "nl": ["na zwangerschap", "status na zwangerschap", "einde zwangerschap"],
}

ENDED_BREASTFEEDING = {
    "en": ["end of breastfeeding", "s/p breastfeeding", "post-lactation", "after breastfeeding"],
    "de": ["Ende der Stillzeit", "Zustand nach Stillzeit", "nach Stillzeit"],
    "fr": ["fin de l'allaitement", "après allaitement", "amenorrhée post-allaitement"],
    "es": ["fin de lactancia", "tras la lactancia", "lactancia concluida"],
    "it": ["allattamento concluso", "dopo allattamento", "fine allattamento"],
    "nl": ["einde borstvoeding", "na de borstvoeding", "borstvoeding afgelopen"],
}


@pytest.mark.parametrize("language", sorted(ENDED_PREGNANCY))
def test_a_pregnancy_that_ended_leaves_a_very_high_result_urgent(
    tmp_path: Path, language: str
) -> None:
    """8,000 mIU/L after a pregnancy: no pregnancy interval, and urgent (output-contract §7)."""
    for text, row in zip(
        ENDED_PREGNANCY[language],
        _run(tmp_path, "8000", "mIU/L", 33, ENDED_PREGNANCY[language]),
        strict=True,
    ):
        assert not _state(text).pregnant, text
        assert "pregnan" not in row["reference_stratum"], text
        assert row["priority"] == "urgent", text
        assert "pregnancy" not in str(row["factors"]).split(";"), text


@pytest.mark.parametrize("language", sorted(ENDED_BREASTFEEDING))
def test_breastfeeding_that_ended_is_no_physiological_normal(tmp_path: Path, language: str) -> None:
    """3,200 mIU/L (151 ng/mL) after breastfeeding ended: judged on the usual interval, high and
    worked up, never normal against the breastfeeding interval."""
    for text, row in zip(
        ENDED_BREASTFEEDING[language],
        _run(tmp_path, "3200", "mIU/L", 33, ENDED_BREASTFEEDING[language]),
        strict=True,
    ):
        state = _state(text)
        assert not state.lactating and state.lactation == "no", text
        assert row["status"] == "high", text
        assert "lactating" not in row["reference_stratum"], text
        assert row["priority"] in ("soon", "urgent"), text
        assert "pituitary_mri" in str(row["suggestions"]), text


# The end written before the state, beside the same state going on (or late in it): each pair
# tells the two apart.
ENDED_AND_CURRENT = [
    # (ended, current, field): "lactation" pairs breastfeeding, "pregnancy" pregnancy
    ("after breastfeeding", "breastfeeding after delivery", "lactation"),
    ("s/p breastfeeding", "after delivery, breastfeeding", "lactation"),
    ("end of pregnancy", "at the end of pregnancy", "pregnancy"),
    ("nach der Stillzeit", "nach Sectio stillend", "lactation"),
    ("Ende der Stillzeit", "30 min nach dem Stillen", "lactation"),
    ("Ende der Schwangerschaft", "am Ende der Schwangerschaft", "pregnancy"),
    ("fin de grossesse", "en fin de grossesse", "pregnancy"),
    ("fin de l'allaitement", "allaite depuis 3 mois", "lactation"),
    ("final del embarazo", "al final del embarazo", "pregnancy"),
    ("tras la lactancia", "lactancia materna desde hace 3 meses", "lactation"),
    ("fine della gravidanza", "alla fine della gravidanza", "pregnancy"),
    ("dopo l'allattamento", "allattamento in corso", "lactation"),
    ("einde van de zwangerschap", "aan het einde van de zwangerschap", "pregnancy"),
    ("na de borstvoeding", "geeft borstvoeding sinds 3 weken", "lactation"),
]


@pytest.mark.parametrize(("ended", "current", "field"), ENDED_AND_CURRENT)
def test_an_end_written_before_the_state_is_told_from_the_state(
    ended: str, current: str, field: str
) -> None:
    if field == "lactation":
        assert not _state(ended).lactating and _state(ended).lactation == "no", ended
        assert _state(current).lactating, current
    else:
        assert not _state(ended).pregnant and _state(ended).pregnancy != "yes", ended
        assert _state(current).pregnant, current


@pytest.mark.parametrize(
    ("ended", "postpartum"),
    [
        ("nach der Schwangerschaft", "nach der Geburt"),
        ("après grossesse", "après l'accouchement"),
        ("end of pregnancy", "postpartum"),
        ("tras el embarazo", "posparto"),
        ("dopo la gravidanza", "dopo il parto"),
        ("na zwangerschap", "na de bevalling"),
    ],
)
def test_the_postpartum_words_keep_the_postpartum_state(ended: str, postpartum: str) -> None:
    """The end of a pregnancy is not a pregnancy; the words of the postpartum state still are
    that state (the lactation rule judges it by its weeks)."""
    assert _state(ended).pregnancy != "yes" and not _state(ended).pregnant
    assert _state(postpartum).postpartum and not _state(postpartum).pregnant


# --- 2. a delivery written without its time ----------------------------------------------------
UNDATED_DELIVERY = {
    "en": ["PMH: LSCS x2, appendicectomy", "C-section", "caesarean section"],
    "de": ["G2P2 (2x Sectio)", "Sectio", "Kaiserschnitt"],
    "fr": ["césarienne", "deux césariennes", "accouchement"],
    "es": ["cesárea", "dos cesáreas"],
    "it": ["taglio cesareo", "due cesarei"],
    "nl": ["keizersnede", "VG: sectio"],
}


@pytest.mark.parametrize("language", sorted(UNDATED_DELIVERY))
def test_an_undated_delivery_is_no_breastfeeding_and_keeps_the_work_up(
    tmp_path: Path, language: str
) -> None:
    """150 ng/mL with a delivery and no time: never "lactation likely" and routine without next
    steps; at most a possible factor, the usual work-up kept."""
    for text, row in zip(
        UNDATED_DELIVERY[language],
        _run(tmp_path, "150", "ng/mL", 36, UNDATED_DELIVERY[language]),
        strict=True,
    ):
        state = _state(text)
        assert not state.postpartum and not state.lactating, text
        assert "lactation (likely)" not in str(row["factor_evidence"]), text
        assert row["priority"] == "soon", text
        assert "pituitary_mri" in str(row["suggestions"]), text
        assert "macroprolactin_screen" in str(row["suggestions"]), text


@pytest.mark.parametrize(
    ("undated", "recent"),
    [
        ("C-section", "C-section last week"),
        ("Sectio", "Sectio vor 5 Tagen"),
        ("césarienne", "césarienne récente"),
        ("cesárea", "cesárea hace 10 días"),
        ("taglio cesareo", "taglio cesareo 5 giorni fa"),
        ("keizersnede", "keizersnede 3 dagen geleden"),
        ("delivered", "delivered last week"),
        ("entbunden", "kürzlich entbunden"),
    ],
)
def test_a_delivery_is_the_postpartum_state_only_when_written_as_recent(
    undated: str, recent: str
) -> None:
    state = _state(undated)
    assert state.delivery_undated and not state.postpartum and state.pregnancy != "no"
    assert _state(recent).postpartum and not _state(recent).delivery_undated


@pytest.mark.parametrize(
    "text",
    [
        "PMH: LSCS x2",
        "G2P2 (2x Sectio)",
        "3 C-sections",
        "zweimal Kaiserschnitt",
        "deux césariennes",
        "dos cesáreas",
        "due cesarei",
        "twee keizersneden",
        "LSCS x2",
    ],
)
def test_counted_deliveries_are_obstetric_history(text: str) -> None:
    state = _state(text)
    assert not state.postpartum and not state.delivery_undated and not state.lactating


# --- 3. a brain or head injury in ordinary words -----------------------------------------------
HEAD_INJURY = {
    "en": ["brain injury", "cerebral contusion"],
    "de": ["Hirnverletzung", "Schädel-Hirn-Verletzung", "Hirntrauma"],
    "fr": ["trauma crânien", "traumatisme cérébral"],
    "es": ["trauma craneoencefálico", "lesión cerebral traumática"],
    "it": ["trauma cranio-encefalico", "lesione cerebrale traumatica"],
    "nl": ["hersenletsel", "traumatisch hersenletsel", "schedelhersenletsel", "THL"],
}


@pytest.mark.parametrize("language", sorted(HEAD_INJURY))
def test_ordinary_words_for_a_brain_injury_are_head_trauma(tmp_path: Path, language: str) -> None:
    texts = HEAD_INJURY[language]
    for text, row in zip(texts, _run(tmp_path, "40", "ng/mL", 40, texts), strict=True):
        assert "head_trauma" in BOOK.match("comments", text), text
        assert "head_trauma" in str(row["factors"]).split(";"), text


@pytest.mark.parametrize(
    ("traumatic", "not_traumatic"),
    [
        ("brain injury", "hypoxic brain injury"),
        ("hersenletsel", "niet-aangeboren hersenletsel"),
        ("traumatisch hersenletsel", "hypoxisch hersenletsel"),
    ],
)
def test_a_brain_injury_is_head_trauma_unless_it_is_not_traumatic(
    traumatic: str, not_traumatic: str
) -> None:
    assert "head_trauma" in BOOK.match("comments", traumatic)
    assert "head_trauma" not in BOOK.match("comments", not_traumatic)
