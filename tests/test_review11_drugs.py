"""Medication free text found by the outside review of stop 31, each fixed as a class and tested
in the six languages: the drug after "instead of" is the one replaced, not taken; a past time
written before the drug ("anciennement sous Solian", "bis 2022 Risperdal") ends it, a later end or
an open one ("bis auf Weiteres") does not; national brands of methyldopa and other moderately
graded drugs (clinical-reference §0b, §3.1).  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.knowledge import drug_matcher, load_drugs

MATCHER = drug_matcher(tuple(load_drugs()))
HEADER = (
    "patient_id,sex,age_years,prolactin,prolactin_unit,reference_range,pregnant,"
    "gestational_weeks,medications,symptoms,comments\n"
)
# The work-up of an unexplained raised prolactin (ES 2011; clinical-reference §1.1), left out
# when a drug such as risperidone explains it.
WORK_UP = ("macroprolactin_screen", "pituitary_mri", "endocrine_referral")


def _names(text: str, as_of: tuple[int, int, int] | None = None) -> list[str]:
    return [m.drug.name for m in MATCHER.find(text, as_of)]


def _run(tmp_path: Path, texts: list[str], header: str = HEADER) -> pd.DataFrame:
    """Women of 35 with 90 ng/mL, one per medication text, in input order."""
    lines = [f'F{i},F,35,90,ng/mL,,,,"{text}",,' for i, text in enumerate(texts)]
    results = triage_csv(tmp_path, header + "\n".join(lines) + "\n")
    assert len(results) == len(texts)
    return results


def _explained_by_antipsychotic(row: pd.Series) -> bool:
    return "medication:antipsychotic" in row["factors"]


# --------------------------------------------------------------------------------------------
# 1. "X instead of Y": Y is the drug replaced, X the one taken (as "Y replaced by X" and
# "switched from Y to X" already read).
# --------------------------------------------------------------------------------------------
INSTEAD_OF = [
    "aripiprazole instead of risperidone",
    "Aripiprazole 10 mg instead of the risperidone",
    "aripiprazole in place of risperidone",
    "aripiprazole rather than risperidone",
    "Abilify statt Risperdal",
    "Abilify 10 mg anstatt Risperdal",
    "Abilify anstelle von Risperdal",
    "Abilify als Ersatz für Risperdal",
    "Abilify au lieu de Risperdal",
    "Abilify à la place du Risperdal",
    "aripiprazol en lugar de risperidona",
    "aripiprazol en vez de la risperidona",
    "aripiprazolo invece di risperidone",
    "aripiprazolo al posto del risperidone",
    "aripiprazol in plaats van risperidon",
    "instead of risperidone: aripiprazole",
    "aripiprazole replacing risperidone",
    "Abilify remplace le Risperdal",
    "aripiprazol vervangt risperidon",
]


@pytest.mark.parametrize("text", INSTEAD_OF)
def test_the_drug_after_instead_of_is_not_taken(text: str) -> None:
    assert _names(text) == ["aripiprazole"]


@pytest.mark.parametrize(
    "text",
    [
        "Ondansetron statt MCP",
        "ondansetron instead of metoclopramide",
        "Zofran au lieu de Primperan",
        "ondansetrón en lugar de metoclopramida",
        "ondansetron invece di metoclopramide",
        "ondansetron in plaats van metoclopramide",
        # a negation carries over "or" after it, as after "no"
        "ondansetron statt MCP oder Motilium",
    ],
)
def test_a_drug_outside_the_lexicon_replaces_one_inside_it(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the replacing drug stays; the one replaced elsewhere in the list is not touched
        ("risperidone 2 mg; domperidone instead of metoclopramide", ["risperidone", "domperidone"]),
        # "instead" alone still ends a clause
        ("no Haldol, risperidone instead", ["risperidone"]),
        ("kein Haldol, stattdessen Risperdal", ["risperidone"]),
        ("niente aloperidolo, invece risperidone", ["risperidone"]),
        # the switch phrasings of before keep their direction
        ("risperidone replaced by aripiprazole", ["aripiprazole"]),
        ("Risperdal ersetzt durch Abilify", ["aripiprazole"]),
        ("Risperdal remplacé par Abilify", ["aripiprazole"]),
        ("risperidona sustituida por aripiprazol", ["aripiprazole"]),
        ("risperidone sostituito da aripiprazolo", ["aripiprazole"]),
        ("risperidon vervangen door aripiprazol", ["aripiprazole"]),
        ("Umstellung von Risperdal auf Abilify", ["aripiprazole"]),
        ("switched from risperidone to aripiprazole", ["aripiprazole"]),
        # "statt" is not a stop of an unrelated drug in another clause
        ("Risperdal 2 mg, Kontrolle statt MRT", ["risperidone"]),
    ],
)
def test_instead_of_touches_only_the_drug_it_replaces(text: str, expected: list[str]) -> None:
    assert _names(text) == expected


def test_the_replaced_antipsychotic_no_longer_explains_the_result(tmp_path: Path) -> None:
    """The reviewer's row: 90 ng/mL with "aripiprazole instead of risperidone" is not explained
    by risperidone: the work-up of an unexplained result, and aripiprazole's masking note, as
    with aripiprazole alone."""
    texts = [*INSTEAD_OF[:16], "aripiprazole", "risperidone"]
    results = _run(tmp_path, texts)
    alone = results.iloc[-2]
    assert not _explained_by_antipsychotic(alone)
    for text, (_, row) in zip(texts[:-2], results.iloc[:-2].iterrows(), strict=True):
        assert not _explained_by_antipsychotic(row), text
        assert row["priority"] == alone["priority"] == "soon", text
        for step in WORK_UP:
            assert step in row["suggestions"], (text, step)
        assert row["suggestions"] == alone["suggestions"], text
    risperidone = results.iloc[-1]
    assert _explained_by_antipsychotic(risperidone)
    assert risperidone["priority"] == "routine"
    assert "macroprolactin_screen" not in risperidone["suggestions"]


# --------------------------------------------------------------------------------------------
# 2. A past time written before the drug ends it: a past word with "sous"/"con"/"unter" after it,
# a past word after the drug, and an end year before the sample's ("bis 2022 Risperdal").
# --------------------------------------------------------------------------------------------
PAST_BEFORE = [
    "anciennement sous Solian",
    "autrefois sous Solian 200 mg",
    "a pris du Solian auparavant",
    "auparavant Solian",
    "précédemment traitée par Solian",
    "previamente con risperidona",
    "anteriormente con risperidona 2 mg",
    "antes risperidona",
    "previously on risperidone",
    "formerly treated with risperidone",
    "früher unter Risperdal",
    "ehemals mit Risperdal behandelt",
    "precedentemente in terapia con risperidone",
    "in passato con risperidone",
    "vroeger met risperidon",
    "voorheen op risperidon",
    # words that are no cue of their own (the matcher's fast path must still look)
    "earlier on risperidone",
    "antiguamente con risperidona",
    "frueher unter Risperdal",
]


@pytest.mark.parametrize("text", PAST_BEFORE)
def test_a_past_word_before_the_drug_ends_it(text: str) -> None:
    assert _names(text) == []


ENDED_BEFORE = [
    "bis 2022 Risperdal",
    "bis 2022 unter Risperdal",
    "until 2022 risperidone",
    "until 2022 on risperidone",
    "up to 2022 risperidone",
    "hasta 2022 risperidona",
    "hasta 2022 con risperidona",
    "jusqu'en 2022 Solian",
    "jusqu'en 2022 sous Solian",
    "fino al 2022 risperidone",
    "tot 2022 risperidon",
    "2018-2022 Haldol",
    "bis 03/2025 Risperdal",
]


@pytest.mark.parametrize("text", ENDED_BEFORE)
def test_an_end_before_the_sample_written_before_the_drug_ends_it(text: str) -> None:
    assert _names(text, (2026, 3, 1)) == []
    assert _names(text) == []  # no sample date: the run's date (2022 is past)


@pytest.mark.parametrize(
    "text",
    [
        "bis 2027 Risperdal",
        "until 2027 risperidone",
        "hasta 2027 risperidona",
        "jusqu'en 2027 Solian",
        "fino al 2027 risperidone",
        "tot 2027 risperidon",
    ],
)
def test_the_sample_date_decides_whether_a_written_end_is_past(text: str) -> None:
    """An end in 2027 is past for a sample of 2028, not for one of 2026."""
    assert _names(text, (2026, 3, 1)) != []
    assert _names(text, (2028, 3, 1)) == []


@pytest.mark.parametrize(
    "text",
    [
        # an open or future end, a start, a duration: taken
        "bis auf Weiteres Risperdal",
        "Risperdal bis auf Weiteres",
        "until further notice risperidone",
        "risperidone until next review",
        "until next review risperidone",
        "hasta nueva orden risperidona",
        "jusqu'à nouvel ordre Solian",
        "fino a nuovo avviso risperidone",
        "tot nader order risperidon",
        "since 2022 risperidone",
        "seit 2022 Risperdal",
        "depuis 2022 sous Solian",
        "desde 2022 con risperidona",
        "dal 2022 risperidone",
        "sinds 2022 risperidon",
        # a current drug beside a past one
        "früher unter Haldol, jetzt Risperdal",
        "bis 2022 Haldol, seit 2023 Risperdal",
        # a timing before meals or sleep is no past
        "risperidona antes de dormir",
        "metoclopramida 10 mg antes de las comidas",
        # an earlier dose of a drug still taken
        "Risperdal 2 mg (früher 4 mg)",
        "Solian 200 mg (auparavant 400 mg)",
        "Risperdal 2 mg, früher 4 mg",
        "risperidone 2 mg, previously 4 mg",
        "Solian 200 mg, auparavant 400 mg",
        "risperidona 2 mg, antes 4 mg",
        "risperidone 2 mg, precedentemente 4 mg",
        "risperidon 2 mg, voorheen 4 mg",
    ],
)
def test_a_current_drug_stays_current(text: str) -> None:
    names = _names(text, (2026, 3, 1))
    assert names and names[-1] in {"risperidone", "amisulpride", "metoclopramide"}, names


def test_a_drug_ended_before_the_sample_no_longer_explains_the_result(tmp_path: Path) -> None:
    header = HEADER.replace("patient_id,", "patient_id,sample_date,")
    texts = [*PAST_BEFORE[:8], *ENDED_BEFORE[:9], "bis 2027 Risperdal", "Risperdal"]
    lines = [f'F{i},2026-03-01,F,35,90,ng/mL,,,,"{t}",,' for i, t in enumerate(texts)]
    results = triage_csv(tmp_path, header + "\n".join(lines) + "\n")
    assert len(results) == len(texts)
    for text, (_, row) in zip(texts[:-2], results.iloc[:-2].iterrows(), strict=True):
        assert not _explained_by_antipsychotic(row), text
        assert row["priority"] == "soon", text
        for step in WORK_UP:
            assert step in row["suggestions"], (text, step)
    for _, row in results.iloc[-2:].iterrows():
        assert _explained_by_antipsychotic(row)
        assert row["priority"] == "routine"
        assert "macroprolactin_screen" not in row["suggestions"]


# --------------------------------------------------------------------------------------------
# 3. National brands of moderately graded drugs (clinical-reference §0b: methyldopa moderate;
# §3.1 moderate antipsychotics).
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("Aldometil 250 mg 1-1-1", "methyldopa"),
        ("Aldomet 250mg tds", "methyldopa"),
        ("Presinol 250 mg", "methyldopa"),
        ("Dopegyt 250 mg", "methyldopa"),
        ("Dopamet 250 mg bd", "methyldopa"),
        ("Sembrina 250 mg", "methyldopa"),
        ("Hydopa 250 mg", "methyldopa"),
        ("Megaphen 25 mg", "chlorpromazine"),
        ("Terfluzine 5 mg", "trifluoperazine"),
    ],
)
def test_national_brands_are_recognised(text: str, drug: str) -> None:
    assert _names(text) == [drug]


@pytest.mark.parametrize("text", ["Aldometil suspendido", "sin Aldometil", "Aldometil 250 mg"])
def test_a_brand_follows_the_negation_rules(tmp_path: Path, text: str) -> None:
    results = _run(tmp_path, [text])
    taken = "suspendido" not in text and "sin " not in text
    assert ("medication:antihypertensive" in results.iloc[0]["factors"]) is taken
