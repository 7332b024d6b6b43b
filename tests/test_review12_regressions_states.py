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


ENDED = {
    "en": [
        "after breastfeeding",
        "3 months after breastfeeding",
        "now after breastfeeding",
        "galactorrhoea after breastfeeding",
    ],
    "de": [
        "nach der Stillzeit",
        "6 Monate nach der Stillzeit",
        "jetzt nach der Stillzeit",
        "Galaktorrhoe nach Stillzeit",
    ],
    "fr": ["après l'allaitement", "amenorrhée post-allaitement", "aménorrhée après l'allaitement"],
    "es": ["tras la lactancia", "3 meses tras la lactancia"],
    "it": ["dopo l'allattamento", "ora dopo l'allattamento"],
    "nl": ["na de borstvoeding", "3 maanden na de borstvoeding"],
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
    for text in ENDED[language]:  # "after breastfeeding" standing alone is still its end
        state = _state(text)
        assert not state.lactating and state.lactation == "no", text


@pytest.mark.parametrize(
    ("both", "weaned"),
    [
        ("h/o breastfeeding, currently breastfeeding", "breastfeeding, weaned last week"),
        ("Z.n. Stillzeit 2020; stillt aktuell", "Stillzeit, abgestillt"),
        ("allaitement jusqu'en 2019, allaite actuellement", "allaitement, sevrée"),
        ("lactancia hasta 2019; lactancia materna actual", "lactancia, destetada"),
        ("pregresso allattamento, allatta attualmente", "allattamento, svezzata"),
        ("vroeger borstvoeding, geeft nu borstvoeding", "borstvoeding, gespeend"),
    ],
)
def test_a_past_mention_never_outweighs_the_current_one(both: str, weaned: str) -> None:
    """The current mention wins over a past one in the same cell; "weaned" still means no."""
    assert _state(both).lactating, both
    assert not _state(weaned).lactating, weaned


# --- 3. loss words inside other obstetric terms ------------------------------------------------
STILL_PREGNANT = {
    "en": ["32 weeks pregnant, threatened abortion", "32 weeks pregnant, imminent abortion"],
    "de": ["SSW 32, Abruptio placentae", "SSW 10, Abort imminens", "SSW 10, Abortus imminens"],
    "fr": ["32 SA, abruptio placentae", "10 SA, menace de fausse couche"],
    "es": ["embarazo de 32 semanas, abruptio placentae", "semana 10, aborto inminente"],
    "it": ["32 settimane di gravidanza, abruptio placentae", "settimana 10, aborto imminente"],
    "nl": ["32 weken zwanger, abruptio placentae", "10 weken zwanger, abortus imminens"],
}


LOSSES = {
    "en": ["missed abortion"],
    "de": ["Abruptio graviditatis", "Abort"],
    "fr": ["fausse couche"],
    "es": ["aborto"],
    "it": ["aborto"],
    "nl": ["miskraam"],
}


@pytest.mark.parametrize("language", sorted(STILL_PREGNANT))
def test_a_complication_of_an_ongoing_pregnancy_is_no_loss(tmp_path: Path, language: str) -> None:
    texts = STILL_PREGNANT[language]
    for text, row in zip(texts, _run(tmp_path, "90", texts), strict=True):
        state = _state(text)
        assert state.pregnant and state.pregnancy == "yes", text
        assert row["status"] == "normal", text
        assert "pregnancy" in str(row["factors"]), text
    for text in LOSSES[language]:  # a loss is still a loss
        assert _state(text).pregnancy_ended, text


# --- 2. a recent delivery with its time first, or with its date --------------------------------
DATED_DELIVERY = {
    "en": ["day 3 post LSCS", "delivered on 01/12/2026", "POD 2 C-section", "yesterday delivered"],
    "de": ["vor 5 Tagen entbunden", "gestern entbunden", "Sectio am 01.12.2026", "Tag 3 Sectio"],
    "fr": ["accouchée le 01/12/2026", "il y a 5 jours accouchée"],
    "es": ["hace 5 días cesárea", "cesárea el 01/12/2026"],
    "it": ["5 giorni fa partorito", "parto il 01/12/2026"],
    "nl": ["5 dagen geleden bevallen", "bevallen op 01-12-2026"],
}


def _run_dated(tmp_path: Path, texts: list[str], sampled: str) -> list[pd.Series]:
    header = "patient_id,sex,age,prolactin,unit,collection_date,comments\n"
    rows = [f'P{i},F,32,150,ng/mL,{sampled},"{t}"' for i, t in enumerate(texts)]
    results = triage_csv(tmp_path, header + "\n".join(rows) + "\n").set_index("patient_id")
    return [results.loc[f"P{i}"] for i in range(len(texts))]


@pytest.mark.parametrize("language", sorted(DATED_DELIVERY))
def test_a_delivery_with_its_time_first_or_its_date_is_recent(
    tmp_path: Path, language: str
) -> None:
    """150 ng/mL days after a delivery: the postpartum state, never "a delivery without a date"."""
    texts = DATED_DELIVERY[language]
    for text, row in zip(texts, _run_dated(tmp_path, texts, "2026-12-06"), strict=True):
        assert "without a date" not in str(row["factor_evidence"]), text
        assert "lactation (likely)" in str(row["factor_evidence"]), text
        assert row["priority"] in ("none", "routine"), text
    # a date after the sample, or no sample date: still a delivery without a date
    dated = [t for t in texts if "2026" in t]
    for when in ("2026-11-20", ""):
        for text, row in zip(dated, _run_dated(tmp_path, dated, when), strict=True):
            assert "without a date" in str(row["factor_evidence"]), (text, when)
            assert row["priority"] == "soon", (text, when)


@pytest.mark.parametrize(
    ("day", "count"),
    [
        ("POD 2 C-section", "LSCS x2"),
        ("Tag 3 Sectio", "2x Sectio"),
        ("J3 césarienne", "deux césariennes"),
        ("día 3 cesárea", "dos cesáreas"),
        ("giorno 3 cesareo", "due cesarei"),
        ("dag 3 keizersnede", "twee keizersneden"),
    ],
)
def test_a_day_number_is_no_count_of_deliveries(day: str, count: str) -> None:
    state = _state(day)
    assert state.postpartum and state.postpartum_weeks is not None, day
    counted = _state(count)  # a count of deliveries is still history
    assert not counted.postpartum and not counted.delivery_undated, count
