"""Review 20: a pregnancy wished for read as a pregnancy; a drug weaned read as breastfeeding.

- "desires pregnancy", "keen for / hoping for / asks about / requests pregnancy", "pregnancy
  sought", "hofft auf Schwangerschaft", "Schwangerschaft erwünscht", "embarazo deseado",
  "grossesse désirée" were read as a current pregnancy: the pregnancy interval (10-209 ng/mL) made
  80 µg/L normal, priority none, not even a pregnancy test.  The pregnancy interval is for
  pregnant women only (clinical-reference §4, §8); a woman wanting a pregnancy with a raised
  prolactin is an infertility work-up: adult female interval, high, soon, and a pregnancy test
  (§1.4: β-hCG in any woman who could be pregnant).  A pregnancy stated beside such words
  ("embarazo deseado de 12 semanas", "pregnant 12 weeks, advice sought") stays one.
- "weaning steroids", "weaning opioids", "weaning from the ventilator", "sevrage progressif des
  corticoïdes", "destete progresivo de opioides", "prednison afbouwen" were read as
  breastfeeding (the lactation interval: normal, none).  Weaning or tapering a drug, a substance
  or a machine is no lactation (§4, §8: lactation-aware only while she breastfeeds); weaning a
  baby ("weaning the baby", "Abstillen geplant", "sevrage de l'allaitement en cours", "destete en
  curso", "svezzamento in corso", "borstvoeding afbouwen") still is, and so is breastfeeding
  written beside a drug's taper.

Synthetic patients only; one run of one semicolon-separated export in the German lab's layout.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "Pat-Nr;Geschlecht;Alter;Prolaktin (µg/l);Bemerkung;Borstvoeding"

# a pregnancy wished for, hoped for, sought or asked about, in the six languages
WISHED = {
    "W1": "desires pregnancy",
    "W2": "infertility, desires pregnancy",
    "W3": "keen for a pregnancy; hoping for pregnancy soon",
    "W4": "asks about pregnancy",
    "W5": "requests pregnancy",
    "W6": "fertility clinic, pregnancy sought",
    "W7": "pregnancy wanted",
    "W8": "pre-pregnancy counselling",
    "W9": "hofft auf Schwangerschaft",
    "W10": "Schwangerschaft erwünscht",
    "W11": "fragt nach Schwangerschaft",
    "W12": "espère une grossesse",
    "W13": "grossesse désirée",
    "W14": "grossesse recherchée",
    "W15": "embarazo deseado",
    "W16": "pregunta por embarazo",
    "W17": "spera in una gravidanza",
    "W18": "gravidanza cercata",
    "W19": "hoopt op zwangerschap",
    "W20": "zwangerschap gezocht",
    # the phrasings that were already read right stay so
    "W21": "Kinderwunsch",
    "W22": "wants to conceive",
    "W23": "TTC",
    "W24": "zwangerschapswens",
    "W25": "désir de grossesse",
    "W26": "deseo de embarazo",
}
# a pregnancy stated beside those words: still pregnant
PREGNANT = {
    "P1": "embarazo deseado de 12 semanas",
    "P2": "gravidanza desiderata di 12 settimane",
    "P3": "pregnancy wanted at 10 weeks",
    "P4": "pregnant 12 weeks, advice sought",
    "P5": "schwanger 12. SSW, fragt nach Stillen",
    "P6": "grossesse désirée, 12 SA",
    "P7": "incinta 12 settimane, chiede consiglio",
    "P8": "zwanger 12 weken, gewenst",
    "P9": "cerca de las 38 semanas de gestación",
}
# a drug, a substance or a machine weaned or tapered: no breastfeeding
DRUG_WEANED = {
    "D1": "weaning steroids",
    "D2": "weaning opioids",
    "D3": "weaning off morphine",
    "D4": "weaning quetiapine 25 mg",
    "D5": "steroid wean",
    "D6": "weaning from ventilator",
    "D7": "ICU, weaning",
    "D8": "plans to wean steroids",
    "D9": "Prednisolon ausschleichen",
    "D10": "sevrage progressif des corticoïdes",
    "D11": "sevrage en cours des opioïdes",
    "D12": "destete progresivo de opioides",
    "D13": "svezzamento in corso dalla ventilazione",
    "D14": "prednison afbouwen",
    "D15": "afbouwen van oxycodon",
}
# a baby weaned (under way): she still breastfeeds
BABY_WEANED = {
    "B1": "weaning the baby",
    "B2": "weaning off the breast",
    "B3": "currently weaning, 2 feeds a day",
    "B4": "Abstillen geplant",
    "B5": "sevrage de l'allaitement en cours",
    "B6": "destete en curso",
    "B7": "svezzamento in corso",
    "B8": "borstvoeding afbouwen",
}
# breastfeeding written beside a drug's taper: still breastfeeding
BREASTFEEDING = {
    "F1": "breastfeeding; weaned off steroids",
    "F2": "allaitement; sevrage tabagique",
    "F3": "stillend, Kortison ausschleichen",
    "F4": "lactancia materna; destete de corticoides",
    "F5": "allatta; svezzamento dal cortisone",
    "F6": "borstvoeding; prednison afbouwen",
}


def _rows() -> list[str]:
    rows = []
    for notes in (WISHED, PREGNANT, DRUG_WEANED, BABY_WEANED, BREASTFEEDING):
        rows += [f"{pid};W;30;80;{csv_quoted(note)};" for pid, note in notes.items()]
    # the breastfeeding column's bare "afbouwen" (Dutch: weaning) is still breastfeeding
    rows.append("C1;W;30;80;;afbouwen")
    return rows


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    tmp: Path = tmp_path_factory.mktemp("review20")
    return triage_lines(tmp, HEADER, _rows())


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c]


def _adult_female_with_test(row: pd.Series) -> str | None:
    """Why `row` is not a non-pregnant woman's raised result with a pregnancy test, or None."""
    got = (str(row["reference_stratum"]), row["status"], row["priority"])
    if not got[0].endswith("adult_female") or got[1:] != ("high", "soon"):
        return f"{got} {row['factors']}"
    if "pregnancy_test" not in _codes(row["suggestions"]):
        return f"no pregnancy test: {row['suggestions']}"
    return None


def _not_breastfeeding(row: pd.Series) -> str | None:
    """Why `row` is not judged as a woman who does not breastfeed, or None."""
    got = (str(row["reference_stratum"]), row["status"], row["priority"])
    if not got[0].endswith("adult_female") or got[1:] != ("high", "soon"):
        return f"{got} {row['factors']}"
    if "lactation" in _codes(row["factors"]):
        return f"lactation factor: {row['factors']}"
    return None


def _state(name: str, factor: str) -> Callable[[pd.Series], str | None]:
    def check(row: pd.Series) -> str | None:
        got = (str(row["reference_stratum"]), row["status"], row["priority"])
        ok = name in got[0] and got[1:] == ("normal", "none") and factor in _codes(row["factors"])
        return None if ok else f"{got} {row['factors']}"

    return check


def _failures(
    results: pd.DataFrame, notes: dict[str, str], check: Callable[[pd.Series], str | None]
) -> dict[str, str]:
    found = {pid: check(results.loc[pid]) for pid in notes}
    return {f"{pid} {notes[pid]!r}": why for pid, why in found.items() if why}


def test_a_wished_pregnancy_is_no_pregnancy_and_keeps_its_test(results: pd.DataFrame) -> None:
    """§4, §8: the pregnancy interval is for pregnant women only; §1.4: the β-hCG is kept."""
    assert _failures(results, WISHED, _adult_female_with_test) == {}


def test_a_stated_pregnancy_beside_wish_words_stays_one(results: pd.DataFrame) -> None:
    assert _failures(results, PREGNANT, _state("pregnant", "pregnancy")) == {}


def test_a_drug_or_machine_weaned_is_no_breastfeeding(results: pd.DataFrame) -> None:
    """§8: lactation-aware only while she breastfeeds; a taper is no feed."""
    assert _failures(results, DRUG_WEANED, _not_breastfeeding) == {}


def test_a_baby_weaned_is_still_breastfeeding(results: pd.DataFrame) -> None:
    assert _failures(results, BABY_WEANED, _state("lactating", "lactation")) == {}


def test_breastfeeding_beside_a_drug_taper_stays_breastfeeding(results: pd.DataFrame) -> None:
    assert _failures(results, BREASTFEEDING, _state("lactating", "lactation")) == {}


def test_weaning_in_the_breastfeeding_column_is_breastfeeding(results: pd.DataFrame) -> None:
    assert _state("lactating", "lactation")(results.loc["C1"]) is None
