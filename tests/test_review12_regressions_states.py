"""Regressions of the pregnancy, breastfeeding and delivery words (states.toml [history]
ended_before, the delivery and loss concepts), each fixed as a class in the six languages:
another event placed after a feed ("nipple pain after breastfeeding", "PRL gemessen nach dem
Stillen") is no end of breastfeeding, and a past mention never outweighs the current one in the
same cell; a loss word inside another obstetric term ("Abruptio placentae", "Abort imminens") is
no pregnancy loss.  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.engine.state import PatientState, RowFacts, combine
from triage.engine.state_words import load_state_vocabulary

STATES = load_state_vocabulary()
HEADER = "patient_id,sex,age,prolactin,unit,comments\n"


def _state(text: str) -> PatientState:
    return combine(STATES.read("comments", text), RowFacts(sex="F"))


def _run(tmp_path: Path, value: str, texts: list[str]) -> list[pd.Series]:
    rows = [f'P{i},F,32,{value},ng/mL,"{t}"' for i, t in enumerate(texts)]
    results = triage_csv(tmp_path, HEADER + "\n".join(rows) + "\n").set_index("patient_id")
    return [results.loc[f"P{i}"] for i in range(len(texts))]


# --- 1. breastfeeding with another event placed after a feed ----------------------------------
STILL_BREASTFEEDING = {
    "en": [
        "exclusively breastfeeding; nipple pain after breastfeeding",
        "prolactin measured after breastfeeding",
        "s/p breastfeeding counselling, currently breastfeeding",
    ],
    "de": [
        "stillt voll, Brustschmerzen nach dem Stillen",
        "PRL gemessen nach dem Stillen",
        "stillt; MRT nach Ende der Stillzeit",
    ],
    "fr": ["allaitement exclusif, douleurs après l'allaitement", "IRM après l'allaitement"],
    "es": ["lactancia materna exclusiva, dolor tras la lactancia", "dolor tras la lactancia"],
    "it": ["allattamento esclusivo, dolore dopo l'allattamento", "dolore dopo l'allattamento"],
    "nl": ["borstvoeding, pijn na de borstvoeding", "pijn na de borstvoeding"],
}


@pytest.mark.parametrize("language", sorted(STILL_BREASTFEEDING))
def test_an_event_after_a_feed_is_no_end_of_breastfeeding(tmp_path: Path, language: str) -> None:
    """90 ng/mL while breastfeeding: within the breastfeeding interval, normal, no work-up."""
    texts = STILL_BREASTFEEDING[language]
    for text, row in zip(texts, _run(tmp_path, "90", texts), strict=True):
        assert _state(text).lactating, text
        assert row["status"] == "normal", text
        assert row["priority"] == "none", text
        assert "lactation" in str(row["factors"]), text


ENDED = {
    "en": ["after breastfeeding", "3 months after breastfeeding", "now after breastfeeding"],
    "de": ["nach der Stillzeit", "6 Monate nach der Stillzeit", "jetzt nach der Stillzeit"],
    "fr": ["après l'allaitement", "amenorrhée post-allaitement"],
    "es": ["tras la lactancia", "3 meses tras la lactancia"],
    "it": ["dopo l'allattamento", "ora dopo l'allattamento"],
    "nl": ["na de borstvoeding", "3 maanden na de borstvoeding"],
}


@pytest.mark.parametrize("language", sorted(ENDED))
def test_after_breastfeeding_standing_alone_is_still_its_end(language: str) -> None:
    for text in ENDED[language]:
        state = _state(text)
        assert not state.lactating and state.lactation == "no", text


@pytest.mark.parametrize(
    "text",
    [
        "h/o breastfeeding, currently breastfeeding",
        "Z.n. Stillzeit 2020; stillt aktuell",
        "allaitement jusqu'en 2019, allaite actuellement",
        "lactancia hasta 2019; lactancia materna actual",
        "pregresso allattamento, allatta attualmente",
        "vroeger borstvoeding, geeft nu borstvoeding",
    ],
)
def test_a_past_mention_never_outweighs_the_current_one(text: str) -> None:
    assert _state(text).lactating, text


@pytest.mark.parametrize(
    "text",
    [
        "breastfeeding, weaned last week",
        "Stillzeit, abgestillt",
        "allaitement, sevrée",
        "lactancia, destetada",
        "allattamento, svezzata",
        "borstvoeding, gespeend",
    ],
)
def test_weaned_still_means_no_breastfeeding(text: str) -> None:
    assert not _state(text).lactating, text


# --- 3. loss words inside other obstetric terms ------------------------------------------------
STILL_PREGNANT = {
    "en": ["32 weeks pregnant, threatened abortion", "32 weeks pregnant, imminent abortion"],
    "de": ["SSW 32, Abruptio placentae", "SSW 10, Abort imminens", "SSW 10, Abortus imminens"],
    "fr": ["32 SA, abruptio placentae", "10 SA, menace de fausse couche"],
    "es": ["embarazo de 32 semanas, abruptio placentae", "semana 10, aborto inminente"],
    "it": ["32 settimane di gravidanza, abruptio placentae", "settimana 10, aborto imminente"],
    "nl": ["32 weken zwanger, abruptio placentae", "10 weken zwanger, abortus imminens"],
}


@pytest.mark.parametrize("language", sorted(STILL_PREGNANT))
def test_a_complication_of_an_ongoing_pregnancy_is_no_loss(tmp_path: Path, language: str) -> None:
    texts = STILL_PREGNANT[language]
    for text, row in zip(texts, _run(tmp_path, "90", texts), strict=True):
        state = _state(text)
        assert state.pregnant and state.pregnancy == "yes", text
        assert row["status"] == "normal", text
        assert "pregnancy" in str(row["factors"]), text


@pytest.mark.parametrize(
    "text",
    ["missed abortion", "Abruptio graviditatis", "Abort", "fausse couche", "aborto", "miskraam"],
)
def test_a_loss_is_still_a_loss(text: str) -> None:
    assert _state(text).pregnancy_ended, text
