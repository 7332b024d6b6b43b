"""Misspelt drug names in a medication list typed by hand (review 13): a word the lexicon does not
know ("Risperdol", "Haldoll", "halloperidol", "Primperam", "risperidonna", "Dogmatill") is read as
the one drug it is a near spelling of (drugs.toml [spelling]), in the medication list only, as a
possible factor at most, with evidence that says it was read by its spelling; negation, stops and
switches read it as the name it stands for; common words, words of the tool's other vocabularies,
short words and words as near to two drugs are not read so.  Synthetic patients only."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.knowledge import DrugMatcher, load_drugs
from triage.knowledge.drugs import SPELLING, medication_list_matcher
from triage.knowledge.loaders import load_drug_spelling
from triage.schema import ConfigError

DRUGS = load_drugs()
MATCHER = medication_list_matcher(DRUGS)
CLASS_OF = {drug.name: drug.drug_class for drug in DRUGS}

# (language, the cell as a list typed by hand writes it, the misspelt word, the drug, the same cell
# spelt right)
MISSPELT = [
    ("en", "Risperdol 2 mg nocte", "Risperdol", "risperidone", "Risperdal 2 mg nocte"),
    ("en", "halloperidol 5 mg bd", "halloperidol", "haloperidol", "haloperidol 5 mg bd"),
    ("de", "Haldoll 5 mg 1-0-1", "Haldoll", "haloperidol", "Haldol 5 mg 1-0-1"),
    (
        "de",
        "Metoclopramit 10 mg 1-1-1",
        "Metoclopramit",
        "metoclopramide",
        "Metoclopramid 10 mg 1-1-1",
    ),
    ("fr", "Primperam 10 mg le soir", "Primperam", "metoclopramide", "Primperan 10 mg le soir"),
    ("es", "risperidonna 3 mg al día", "risperidonna", "risperidone", "risperidona 3 mg al día"),
    ("it", "aloperidollo 2 mg la sera", "aloperidollo", "haloperidol", "aloperidolo 2 mg la sera"),
    ("it", "Plassil 10 mg al bisogno", "Plassil", "metoclopramide", "Plasil 10 mg al bisogno"),
    ("nl", "Dogmatill 50 mg dagelijks", "Dogmatill", "sulpiride", "Dogmatil 50 mg dagelijks"),
    ("nl", "domperidom 10 mg 3dd", "domperidom", "domperidone", "domperidon 10 mg 3dd"),
]

# (language, a misspelt drug written as not taken: stopped, negated, switched away from, the drug)
NEGATED = [
    ("en", "stopped halloperidol", "haloperidol"),
    ("en", "no Risperdol", "risperidone"),
    ("de", "Risperdol abgesetzt", "risperidone"),
    ("de", "kein Haldoll", "haloperidol"),
    ("fr", "arrêt du Primperam", "metoclopramide"),
    ("es", "risperidonna suspendida", "risperidone"),
    ("it", "Plassil sospeso", "metoclopramide"),
    ("nl", "Dogmatill gestopt", "sulpiride"),
]

# Words near one drug's name that name no drug: common words of the six languages, words of the
# tool's other vocabularies (cues, states, units), words too short to be read by spelling.
NOT_DRUGS = [
    "Kalium retard",  # de/nl potassium, one edit from Valium
    "Teresa",  # a first name, one edit from Meresa
    "palette",  # one edit from Valette
    "allegro",  # one edit from a brand of nortriptyline
    "heroine",  # fr/nl, one edit from heroin
    "cocina",  # es kitchen, one edit from cocain
    "laguna",  # es/it, one edit from a contraceptive brand
    "corset",  # fr/en, one edit from Norset (mirtazapine)
    "rested sample",  # a cue word, one edit from a brand of levodopa
    "moderate",  # a cue word, one edit from Modecate
    "intrauterine system",  # a word of the vocabularies, one edit from Systen
    "Haldo",  # five letters: too short
    "Solan",  # five letters: too short
]

# Words as near to two drugs' names: not read as either.
AMBIGUOUS = [
    ("de", "Merena 1 Stück"),  # Meresa (sulpiride), Mirena (levonorgestrel)
    ("fr", "tiopride 100 mg"),  # tiapride, itopride
    ("it", "sulporide 50 mg"),  # sulpiride, sultopride
    ("en", "rimperidone 2 mg"),  # risperidone, domperidone
]


def _rows(tmp_path: Path, *cells: str, notes: str = "", prolactin: int = 80) -> pd.DataFrame:
    lines = ["ID,Sex,Age,Prolactin (ng/mL),Medications,Comments"]
    lines += [f'P{i},F,30,{prolactin},"{cell}","{notes}"' for i, cell in enumerate(cells, 1)]
    results = triage_csv(tmp_path, "\n".join(lines) + "\n")
    assert len(results) == len(cells)
    return results


# ---------------------------------------------------------------------------------------------
# A misspelt raising drug is a possible factor, with evidence saying it was read by its spelling
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("language", "cell", "word", "drug", "right"), MISSPELT)
def test_a_misspelt_drug_is_read_as_a_possible_factor_by_its_spelling(
    tmp_path: Path, language: str, cell: str, word: str, drug: str, right: str
) -> None:
    misspelt, spelt_right = _rows(tmp_path, cell, right).to_dict("records")
    code = f"medication:{CLASS_OF[drug]}"
    assert code in misspelt["factors"].split(";")
    assert f"{code} (possible): medications: '{cell}' → {drug} (" in misspelt["factor_evidence"]
    assert f"'{word}' read as {drug} (spelling), to be checked" in misspelt["factor_evidence"]
    assert "medication_review" in misspelt["suggestions"].split(";")
    # the same list spelt right: the drug as it always was, a likely cause, no spelling said
    assert f"{code} (likely)" in spelt_right["factor_evidence"]
    assert "spelling" not in spelt_right["factor_evidence"]


@pytest.mark.parametrize(("language", "cell", "word", "drug", "right"), MISSPELT)
def test_the_matcher_reads_a_misspelt_drug_with_via_spelling(
    language: str, cell: str, word: str, drug: str, right: str
) -> None:
    found = MATCHER.find(cell)
    assert [(m.drug.name, m.via, m.matched_text) for m in found] == [(drug, SPELLING, word)]
    # the name spelt right is read as before (a term of the lexicon, never "spelling")
    assert [(m.drug.name, m.via != SPELLING) for m in MATCHER.find(right)] == [(drug, True)]


def test_the_medication_review_names_the_spelling() -> None:
    """The review's reason names the drug with the word it was read from."""
    from triage.engine.suggestions import _drug_names

    assert (
        _drug_names(MATCHER.find("Risperdol 2 mg")) == "risperidone ('Risperdol' read by spelling)"
    )
    assert _drug_names(MATCHER.find("Risperdal 2 mg")) == "risperidone"


@pytest.mark.parametrize(
    "cell", ["Risperdol 2 mg; Risperdal 2 mg", "Risperdal 2 mg; Risperdol 2 mg"]
)
def test_a_name_spelt_right_wins_over_its_misspelling(tmp_path: Path, cell: str) -> None:
    (row,) = _rows(tmp_path, cell).to_dict("records")
    assert "medication:antipsychotic (likely)" in row["factor_evidence"]
    assert "spelling" not in row["factor_evidence"]


def test_a_note_naming_the_drug_right_wins_over_the_lists_misspelling(tmp_path: Path) -> None:
    (row,) = _rows(tmp_path, "Risperdol 2 mg", notes="on risperidone").to_dict("records")
    assert "medication:antipsychotic (likely)" in row["factor_evidence"]
    assert "spelling" not in row["factor_evidence"]


def test_a_clinical_note_is_never_read_by_spelling(tmp_path: Path) -> None:
    """Only the medication list is read by spelling: a note's words are many and varied."""
    (row,) = _rows(tmp_path, "Metformin 500 mg", notes="on Risperdol").to_dict("records")
    assert "medication:" not in row["factors"]
    # while the same word in the list is read
    (listed,) = _rows(tmp_path, "Metformin 500 mg; Risperdol").to_dict("records")
    assert "medication:antipsychotic" in listed["factors"]


# ---------------------------------------------------------------------------------------------
# Negation, stops and switches apply to a misspelt name as to the name
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("language", "cell", "drug"), NEGATED)
def test_a_misspelt_drug_written_as_not_taken_is_not_counted(
    tmp_path: Path, language: str, cell: str, drug: str
) -> None:
    mentions = MATCHER.mentions(cell)
    assert [(m.match.drug.name, m.match.via, m.negated) for m in mentions] == [
        (drug, SPELLING, True)
    ]
    assert MATCHER.find(cell) == []
    (row,) = _rows(tmp_path, cell).to_dict("records")
    assert "medication:" not in row["factors"]
    assert "medication_review" not in row["suggestions"]
    evidence = row["factor_evidence"]
    assert (
        f"→ {drug} (" in evidence
        and "(spelling)): recorded as stopped or not taken now" in evidence
    )


@pytest.mark.parametrize(
    ("cell", "taken"),
    [
        ("Haldoll -> Abilify 10 mg", "aripiprazole"),  # en arrow
        ("Haldoll umgestellt auf Abilify", "aripiprazole"),  # de
        ("Abilify au lieu du Haldoll", "aripiprazole"),  # fr: the one after "au lieu de" is old
        ("Risperdol sustituido por aripiprazol", "aripiprazole"),  # es
    ],
)
def test_a_misspelt_drug_switched_away_from_is_not_taken(cell: str, taken: str) -> None:
    assert [m.drug.name for m in MATCHER.find(cell)] == [taken]
    assert any(m.match.via == SPELLING and m.negated for m in MATCHER.mentions(cell))


# ---------------------------------------------------------------------------------------------
# What is not read by spelling
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("word", NOT_DRUGS)
def test_words_near_a_drug_that_name_none_are_not_read(tmp_path: Path, word: str) -> None:
    """Beside a misspelt drug that is read, the word is not: the one drug found is the other."""
    cell = f"{word}; Haldoll 5 mg"
    assert [(m.drug.name, m.matched_text) for m in MATCHER.find(cell)] == [
        ("haloperidol", "Haldoll")
    ]
    (row,) = _rows(tmp_path, cell).to_dict("records")
    assert row["factors"].split(";").count("medication:antipsychotic") == 1
    assert [c for c in row["factors"].split(";") if c.startswith("medication:")] == [
        "medication:antipsychotic"
    ]


@pytest.mark.parametrize(("language", "cell"), AMBIGUOUS)
def test_a_word_as_near_to_two_drugs_is_read_as_neither(language: str, cell: str) -> None:
    found = MATCHER.find(f"{cell}; Haldoll 5 mg")
    assert [(m.drug.name, m.matched_text) for m in found] == [("haloperidol", "Haldoll")]


def test_words_covered_by_a_term_are_not_read_again() -> None:
    """ "Consta" of "Risperdal Consta", a salt glued to the name: one drug, as written."""
    for cell in ("Risperdal Consta 37,5 mg; Haldoll", "Domperidonmaleat 10 mg; Haldoll"):
        found = MATCHER.find(cell)
        assert [m.via == SPELLING for m in found] == [False, True]


# ---------------------------------------------------------------------------------------------
# The numbers are data, and each distinct word is looked up once
# ---------------------------------------------------------------------------------------------
def test_the_thresholds_are_the_data_files() -> None:
    rule = load_drug_spelling()
    assert rule is not None
    assert (rule.min_length, rule.max_edits, rule.long_name_from, rule.max_edits_long) == (
        6,
        1,
        10,
        2,
    )
    assert "kalium" in rule.not_drugs
    # a longer minimum leaves "Haldoll" (7 letters) unread; "halloperidol" is still read
    longer = DrugMatcher(DRUGS, spelling=dataclasses.replace(rule, min_length=8))
    assert longer.find("Haldoll 5 mg") == []
    assert [m.drug.name for m in longer.find("halloperidol 5 mg")] == ["haloperidol"]
    # a word added to not_drugs is no drug
    listed = DrugMatcher(
        DRUGS, spelling=dataclasses.replace(rule, not_drugs=frozenset({"haldoll"}))
    )
    assert listed.find("Haldoll 5 mg") == []
    # no spelling rule: no name is read by its spelling (the readers of headers and notes)
    assert DrugMatcher(DRUGS).find("Haldoll 5 mg") == []


def _lexicon(tmp_path: Path, spelling: str) -> Path:
    path = tmp_path / "drugs.toml"
    path.write_text(
        textwrap.dedent(
            """
            [[class]]
            name = "antipsychotic"
            effect = "raises"
            label = "Antipsychotic medication"
            evidence = "antipsychotic"

            [[drug]]
            name = "haloperidol"
            class = "antipsychotic"
            effect = "raises"
            atc = ["N05AD01"]
            brands = ["Haldol"]
            frequency = "high"
            masks = false
            source = "synthetic [M]"
            """
        )
        + spelling,
        encoding="utf-8",
    )
    return path


def test_a_lexicon_without_a_spelling_table_reads_no_misspelling(tmp_path: Path) -> None:
    assert load_drug_spelling(_lexicon(tmp_path, "")) is None


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("min_length = 0\nmax_edits = 1\nlong_name_from = 10\nmax_edits_long = 2\n", "min_length"),
        ("min_length = 6\nmax_edits = 3\nlong_name_from = 10\nmax_edits_long = 2\n", "max_edits"),
        ("min_length = 6\nmax_edits = 1\nlong_name_from = 10\n", "max_edits_long"),
        (
            "min_length = 6\nmax_edits = 1\nlong_name_from = 10\nmax_edits_long = 2\nedits = 1\n",
            "edits",
        ),
    ],
)
def test_a_wrong_spelling_table_is_refused(tmp_path: Path, table: str, message: str) -> None:
    path = _lexicon(tmp_path, "\n[spelling]\n" + table)
    with pytest.raises(ConfigError) as caught:
        load_drug_spelling(path)
    assert message in caught.value.message


def test_each_distinct_word_is_looked_up_once() -> None:
    rule = load_drug_spelling()
    matcher = DrugMatcher(DRUGS, spelling=rule)
    texts = [f"Haldoll {dose} mg; Metformin {dose} mg" for dose in range(1, 200)]
    assert all([m.drug.name for m in matcher.find(text)] == ["haloperidol"] for text in texts)
    reader = matcher._spelling
    assert reader is not None
    looked_up = reader._drug_of.cache_info()
    assert looked_up.misses == 2  # "haldoll" and "metformin", once each
    assert looked_up.hits == 2 * (len(texts) - 1)
