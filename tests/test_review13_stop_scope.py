"""A stop or an end written after another item of a medication list is that item's: in
"Risperdal 2 mg and ramipril stopped" the ramipril is stopped, not the Risperdal before it (a
drug the lexicon does not know, joined by "and", "und", "et", "y", "e", "en", "&").  The drug's
own words after a connector (a dose, a schedule, "was later") keep the stop its own, and a list
of bare names stops together ("Risperdal und Ramipril abgesetzt", as "Haldol und Risperdal
abgesetzt").  Six languages, at the unit level and end to end.  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv

from triage.knowledge import drug_matcher, load_drugs

MATCHER = drug_matcher(tuple(load_drugs()))
HEADER = "ID,Sex,Age,Prolactin (ng/mL),Medications\n"


def _names(text: str) -> list[str]:
    return [m.drug.name for m in MATCHER.find(text)]


# The stop word after another item ("ramipril stopped"), per language.
STOP_AFTER_OTHER = {
    "en": ["Risperdal 2 mg and ramipril stopped", "Risperdal 2 mg & bisoprolol stopped"],
    "de": ["Risperdal 2 mg und Ramipril abgesetzt", "Risperdal 2 mg und L-Thyroxin abgesetzt"],
    "fr": ["Risperdal 2 mg et Metformine arrêtée", "Risperdal 2 mg et ramipril, arrêté"],
    "es": ["Risperdal 2 mg y metformina suspendida", "Risperdal 2 mg y ramipril, suspendido"],
    "it": ["Risperdal 2 mg e metformina sospesa", "Risperdal 2 mg e ramipril, sospeso"],
    "nl": ["Risperdal 2 mg en metformine gestopt", "Risperdal 2 mg en ramipril, gestopt"],
}
# An end after another item ("ramipril until 2023"), per language.
END_AFTER_OTHER = {
    "en": "Risperdal 2 mg and ramipril until 2023",
    "de": "Risperdal 2 mg und Ramipril bis 2023",
    "fr": "Risperdal 2 mg et ramipril jusqu'en 2023",
    "es": "Risperdal 2 mg y ramipril hasta 2023",
    "it": "Risperdal 2 mg e ramipril fino al 2023",
    "nl": "Risperdal 2 mg en ramipril tot 2023",
}
# The drug's own words after the connector: the stop is still the drug's.
OWN_WORDS_STOPPED = {
    "en": [
        "Risperdal 1 mg morning and 2 mg evening stopped",
        "Risperdal 2 mg and was later stopped",
    ],
    "de": [
        "Risperdal 1 mg morgens und 2 mg abends abgesetzt",
        "Risperdal 2 mg und wurde später abgesetzt",
    ],
    "fr": [
        "Risperdal 1 mg le matin et 2 mg le soir arrêté",
        "Risperdal 2 mg et a été arrêté ensuite",
    ],
    "es": [
        "Risperdal 1 mg por la mañana y 2 mg por la noche suspendido",
        "Risperdal 2 mg y fue suspendido",
    ],
    "it": ["Risperdal 1 mg la mattina e 2 mg la sera sospeso", "Risperdal 2 mg e è stato sospeso"],
    "nl": [
        "Risperdal 1 mg 's ochtends en 2 mg 's avonds gestopt",
        "Risperdal 2 mg en werd later gestopt",
    ],
}
# A list of bare names stopped together.
BARE_LIST_STOPPED = {
    "en": "Risperdal and ramipril stopped",
    "de": "Risperdal und Ramipril abgesetzt",
    "fr": "Risperdal et ramipril arrêtés",
    "es": "Risperdal y ramipril suspendidos",
    "it": "Risperdal e ramipril sospesi",
    "nl": "Risperdal en ramipril gestopt",
}
LANGUAGES = sorted(STOP_AFTER_OTHER)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_stop_after_another_item_leaves_the_drug_taken(language: str) -> None:
    for text in STOP_AFTER_OTHER[language]:
        assert _names(text) == ["risperidone"], text


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_end_after_another_item_leaves_the_drug_taken(language: str) -> None:
    assert _names(END_AFTER_OTHER[language]) == ["risperidone"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_drugs_own_words_after_a_connector_keep_its_stop(language: str) -> None:
    for text in OWN_WORDS_STOPPED[language]:
        assert _names(text) == [], text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_list_of_bare_names_stops_together(language: str) -> None:
    assert _names(BARE_LIST_STOPPED[language]) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Risperdal 2 mg, ramipril stopped", ["risperidone"]),
        ("Risperdal und Haldol abgesetzt", []),
        ("Risperdal 2 mg stopped", []),
        ("Risperdal, Haldol abgesetzt", ["risperidone"]),
        ("Haldol und Risperdal abgesetzt", []),
        ("Risperidon, MCP: abgesetzt 2022", []),
        ("Risperdal 2 mg 1-0-1 stopped", []),
        ("Risperdal (stopped)", []),
        ("Risperdal – stopped", []),
        ("Risperdal 2 mg stopped and ramipril started", []),
    ],
)
def test_the_existing_stop_rules_stand(text: str, expected: list[str]) -> None:
    assert _names(text) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_end_to_end_the_drug_before_a_stopped_item_explains_the_result(
    language: str, tmp_path: Path
) -> None:
    """Women of 40 with 90 ng/mL: the antipsychotic still taken explains it (routine, a
    medication factor); the one stopped with its own words does not."""
    taken = [*STOP_AFTER_OTHER[language], END_AFTER_OTHER[language]]
    stopped = OWN_WORDS_STOPPED[language]
    texts = [*taken, *stopped]
    rows = "".join(f'P{i},F,40,90,"{text}"\n' for i, text in enumerate(texts))
    results = triage_csv(tmp_path, HEADER + rows)
    assert len(results) == len(texts)
    for (_, row), text in zip(results.iterrows(), texts, strict=True):
        if text in taken:
            assert "medication:antipsychotic" in row["factors"], text
            assert row["priority"] == "routine", text
        else:
            assert "medication:" not in row["factors"], text


@pytest.mark.parametrize(
    "text",
    [
        "rispéridone jusqu'à il y a 3 semaines",
        "rispéridone 2 mg arrêtée il y a 3 semaines",
        "Risperdal 2 mg arrêté il y a 2 mois et metformine",
    ],
)
def test_il_y_a_is_no_list_of_two_items(text: str) -> None:
    """French "il y a" (ago) holds the connector word "y": it joins no second item, so the stop
    or end before it stays the drug's."""
    assert _names(text) == []
