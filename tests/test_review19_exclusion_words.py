"""Review 19: words that exclude, seek or list read as the opposite.

- a pregnancy sought, wished or hard to achieve ("en recherche de grossesse", "busca gestación",
  "difficulté à obtenir une grossesse") or excluded by a verb in the present or past tense ("on
  écarte une grossesse", "se excluye embarazo", "se descartó embarazo") was read as a current
  pregnancy: the pregnancy interval (10-209 ng/mL) made 120 and 190 ng/mL normal, priority none,
  and no pregnancy test.  Pregnancy is neither confirmed nor stated there: the adult female
  interval applies (clinical-reference §2.1, §8: don't flag up to ~210 ng/mL only in pregnancy),
  and a woman trying to conceive keeps her pregnancy test (§1.4: beta-hCG in any woman who could
  be pregnant);
- the same exclusion verbs were missing before a red flag: "se descarta diplopía", "se descartó
  alteración del campo visual", "on écarte une baisse de l'acuité visuelle" made an urgent line;
- an exclusion denied before the finding ("no se descarta diplopía", "non si esclude una
  diplopia", "not ruled out visual field loss") was read as a denial: a doubt keeps the red flag
  and the pregnancy test;
- a negation at the head of a bare comma list silently denied a red flag after the comma ("sin
  galactorrea, pérdida de visión": soon, while "sin galactorrea. pérdida de visión" was urgent).
  Visual field loss is urgent (§8 Urgent; BNSSG): a comma alone no longer carries the denial to
  a red flag, while a list its joiner closes ("no headache, nausea or visual disturbance",
  "keine Kopfschmerzen oder Sehstörungen") or an item's own negation ("no headache, no visual
  disturbance") still denies it.

Synthetic patients only; one run of one semicolon-separated export in the Spanish lab's layout.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "NHC;Sexo;Edad;Prolactina (ng/mL);Observaciones"

# a pregnancy sought, wished for or hard to achieve, in the six languages: not a pregnancy
SOUGHT = {
    "S1": "en recherche de grossesse",
    "S2": "infertilidad, busca gestación",
    "S3": "difficulté à obtenir une grossesse",
    "S4": "dificultad para lograr gestación",
    "S5": "in cerca di una gravidanza",
    "S6": "difficoltà a ottenere una gravidanza",
    "S7": "op zoek naar zwangerschap",
    "S8": "seeking pregnancy, difficulty achieving pregnancy",
    "S9": "Kinderwunsch seit 2 Jahren",
    "S10": "désir de grossesse",
    "S11": "deseo gestacional",
    "S12": "desiderio di gravidanza",
    "S13": "kinderwens",
    "S14": "planning pregnancy",
    "S15": "TTC",
}
# excluded by a verb in the present or past tense, before or after the noun
EXCLUDED = {
    "X1": "on écarte une grossesse",
    "X2": "on élimine une grossesse",
    "X3": "se excluye embarazo",
    "X4": "se descartó embarazo",
    "X5": "embarazo se descartó",
    "X6": "si esclude gravidanza",
    "X7": "excludes pregnancy",
    "X8": "on a écarté une grossesse",
    "X9": "pregnancy excluded",
    "X10": "Schwangerschaft ausgeschlossen",
    "X11": "gravidanza esclusa",
    "X12": "zwangerschap uitgesloten",
}
# the exclusion as a work-up item or denied: a question still open, the test kept
OPEN = {
    "Q1": "exclusion d'une grossesse",
    "Q2": "exclusion of pregnancy",
    "Q3": "exclusión de embarazo",
    "Q4": "no se descarta embarazo",
    "Q5": "no se ha descartado embarazo",
    "Q6": "non si esclude una gravidanza",
    "Q7": "on n'a pas écarté une grossesse",
}
# pregnancies stated beside these words: still pregnant
PREGNANT = {
    "G1": "embarazada 20 semanas",
    "G2": "grossesse obtenue par FIV, 12 SA",
    "G3": "achieved pregnancy after IVF, 10 weeks",
    "G4": "gravidanza 20 settimane",
    "G5": "zwanger 12 weken",
    "G6": "schwanger 12. SSW",
    "G7": "busca información; embarazada 12 semanas",
    "G8": "cerca de las 38 semanas de gestación",
    "G9": "busca consejo por embarazo de 20 semanas",
}
# a red flag excluded by a verb before or after it
RULED_OUT = {
    "R1": "se descarta diplopía",
    "R2": "se descartó alteración del campo visual",
    "R3": "se excluye diplopía",
    "R4": "diplopía se descartó",
    "R5": "on écarte une baisse de l'acuité visuelle",
    "R6": "on a éliminé une hémianopsie bitemporale",
    "R7": "exclusion d'une baisse de l'acuité visuelle",
    "R8": "ruled out visual field loss",
    "R9": "rules out visual field loss",
    "R10": "Gesichtsfeldausfall ausgeschlossen",
    "R11": "emianopsia bitemporale escluso",
    "R12": "si esclude diplopia",
    "R13": "gezichtsvelduitval uitgesloten",
}
# a red flag after a bare comma that follows a denial: a finding of its own
COMMA_FLAG = {
    "C1": "sin galactorrea, pérdida de visión",
    "C2": "absence de galactorrhée, hémianopsie bitemporale",
    "C3": "pas de galactorrhée, baisse de l'acuité visuelle",
    "C4": "absence de grossesse, baisse de l'acuité visuelle",
    "C5": "no galactorrhoea, bitemporal hemianopia",
    "C6": "keine Galaktorrhoe, Gesichtsfeldausfall bitemporal",
    "C7": "nessuna galattorrea, emianopsia bitemporale",
    "C8": "geen galactorroe, dubbelzien",
    # the controls the reviewer compared with, and the exclusion words beside a red flag
    "C9": "sin galactorrea. pérdida de visión",
    "C10": "diplopía",
    "C11": "on élimine une grossesse; baisse de l'acuité visuelle",
}
# a red flag whose exclusion is denied: a doubt, never a "no"
DOUBTED_FLAG = {
    "U1": "no se descarta diplopía",
    "U2": "no se puede descartar pérdida de visión",
    "U3": "non si esclude una diplopia",
    "U4": "on n'a pas écarté une diplopie",
    "U5": "not ruled out visual field loss",
    "U6": "nicht ausgeschlossen: Gesichtsfeldausfall",
    "U7": "niet uitgesloten: dubbelzien",
}
# a denial that a joiner or the item's own negation carries to every item
DENIED_LIST = {
    "D1": "no headache, nausea or visual disturbance",
    "D2": "no headache, no visual disturbance",
    "D3": "keine Kopfschmerzen oder Sehstörungen",
    "D4": "keine Kopfschmerzen, Übelkeit oder Sehstörungen",
    "D5": "pas de céphalées, nausées ou troubles visuels",
    "D6": "sin cefalea, náuseas ni alteraciones visuales",
    "D7": "nessuna cefalea, nausea o disturbi visivi",
    "D8": "geen hoofdpijn, misselijkheid of visusklachten",
    "D9": "denies headache, visual disturbance or diplopia",
    "D10": "no headache/visual loss",
    "D11": "sin cefalea, sin diplopía",
}


def _rows() -> list[str]:
    rows = []
    for notes, value in (
        (SOUGHT, "120"),
        (EXCLUDED, "120"),
        (OPEN, "120"),
        (PREGNANT, "120"),
        (RULED_OUT, "60"),
        (COMMA_FLAG, "60"),
        (DOUBTED_FLAG, "60"),
        (DENIED_LIST, "60"),
    ):
        rows += [f"{pid};F;30;{value};{csv_quoted(note)}" for pid, note in notes.items()]
    # the reviewer's second value: below the pregnancy limit, above the adult one
    rows.append(f"S190;F;30;190;{csv_quoted('en recherche de grossesse')}")
    # a denied comma list of states still denies both (the state reader is unchanged)
    rows.append(f"L1;F;30;120;{csv_quoted('niega embarazo, lactancia')}")
    return rows


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    tmp: Path = tmp_path_factory.mktemp("review19")
    return triage_lines(tmp, HEADER, _rows())


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c]


def _adult_female(row: pd.Series) -> str | None:
    """Why `row` is not judged as a non-pregnant adult woman's raised result, or None."""
    got = (str(row["reference_stratum"]), row["status"], row["priority"])
    if not got[0].endswith("adult_female") or got[1:] != ("high", "soon"):
        return f"{got}"
    if row["reference_high_ng_ml"] != pytest.approx(30):
        return f"upper limit {row['reference_high_ng_ml']}"
    return None


def _with_test(row: pd.Series) -> str | None:
    """Why `row` is not an adult woman's raised result with a pregnancy test, or None."""
    if "pregnancy_test" not in _codes(row["suggestions"]):
        return f"no pregnancy test: {row['suggestions']}"
    return _adult_female(row)


def _not_urgent(row: pd.Series) -> str | None:
    if row["priority"] != "soon" or "urgent_endocrine_referral" in _codes(row["suggestions"]):
        return f"{row['priority']}: {row['suggestions']}"
    return None


def _urgent(row: pd.Series) -> str | None:
    codes = _codes(row["suggestions"])
    if row["priority"] != "urgent" or "urgent_endocrine_referral" not in codes:
        return f"{row['priority']}: {row['suggestions']}"
    return None


def _pregnant(row: pd.Series) -> str | None:
    got = (str(row["reference_stratum"]), row["status"], row["priority"])
    return None if "pregnant" in got[0] and got[1:] == ("normal", "none") else f"{got}"


def _failures(
    results: pd.DataFrame, notes: dict[str, str], check: Callable[[pd.Series], str | None]
) -> dict[str, str]:
    """The rows of `notes` that `check` finds wrong, with its reason."""
    found = {pid: check(results.loc[pid]) for pid in notes}
    return {f"{pid} {notes[pid]!r}": why for pid, why in found.items() if why}


def test_a_pregnancy_sought_is_no_pregnancy_and_keeps_its_test(results: pd.DataFrame) -> None:
    """§1.4: a woman trying to conceive could be pregnant: the test, not the pregnancy interval."""
    assert _failures(results, SOUGHT, _with_test) == {}
    assert _with_test(results.loc["S190"]) is None  # 190 ng/mL: normal in pregnancy, not here


def test_a_pregnancy_excluded_in_any_tense_is_no_pregnancy(results: pd.DataFrame) -> None:
    assert _failures(results, EXCLUDED, _adult_female) == {}


def test_an_exclusion_still_to_do_keeps_the_pregnancy_test(results: pd.DataFrame) -> None:
    """A work-up item ("exclusion of pregnancy") or a doubt ("no se descarta") is no answer."""
    assert _failures(results, OPEN, _with_test) == {}


def test_a_stated_pregnancy_beside_these_words_stays_one(results: pd.DataFrame) -> None:
    assert _failures(results, PREGNANT, _pregnant) == {}


def test_a_denied_comma_list_of_states_still_denies_each(results: pd.DataFrame) -> None:
    assert _adult_female(results.loc["L1"]) is None


def test_a_red_flag_ruled_out_by_a_verb_is_not_urgent(results: pd.DataFrame) -> None:
    assert _failures(results, RULED_OUT, _not_urgent) == {}


def test_a_red_flag_after_a_bare_comma_stays_urgent(results: pd.DataFrame) -> None:
    """§8 Urgent: visual field loss; the comma does not carry the denial before it."""
    assert _failures(results, COMMA_FLAG, _urgent) == {}


def test_a_red_flag_not_ruled_out_stays_urgent(results: pd.DataFrame) -> None:
    """A doubt is no denial: the negation inside "no se descarta" denies nothing."""
    assert _failures(results, DOUBTED_FLAG, _urgent) == {}


def test_a_joined_or_repeated_denial_still_denies_the_red_flag(results: pd.DataFrame) -> None:
    """A joiner ("no headache, nausea or visual disturbance") or "no X, no Y" denies each."""
    assert _failures(results, DENIED_LIST, _not_urgent) == {}
