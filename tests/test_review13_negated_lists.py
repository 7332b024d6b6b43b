"""A negation before a list covers every item of it, in the six languages (synonyms.toml
[negated_lists], read by triage/negated_lists.py for the state, cue and drug readers alike):
"denies pregnancy, breastfeeding" denies both (a false normal against the breastfeeding interval
before), "no renal failure, dialysis or cirrhosis" each cause, "no headache, diplopia or visual
field loss" each red flag (a false urgent), "no antipsychotics, metoclopramide or domperidone" each
drug; a stop after a list of drugs ("Risperidon, MCP: abgesetzt 2022") stops each.  What ends
the list keeps the later item present: "but", a semicolon, a full stop, a verb, "on"/"unter"/
"sous".  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.engine.state import RowFacts, combine
from triage.engine.state_words import load_state_vocabulary
from triage.engine.text import load_cue_book
from triage.knowledge import drug_matcher, load_drugs
from triage.negated_lists import negated_list_spans

LANGUAGES = ("en", "de", "fr", "es", "it", "nl")
HEADER = "Patient ID|Sex|Age|Prolactin|Unit|Comments|Medications\n"
STATES = load_state_vocabulary()
BOOK = load_cue_book()
MATCHER = drug_matcher(load_drugs())


def _run(tmp_path: Path, rows: list[tuple[str, int, float, str, str]]) -> pd.DataFrame:
    """One CSV of rows (sex, age, prolactin in ng/mL, comment, medications), patients P0..."""
    lines = [
        f"P{i}|{sex}|{age}|{value}|ng/mL|{comment}|{medications}"
        for i, (sex, age, value, comment, medications) in enumerate(rows)
    ]
    return triage_csv(tmp_path, HEADER + "\n".join(lines) + "\n").set_index("patient_id")


def _factors(row: pd.Series) -> list[str]:
    value = row["factors"]
    return [] if pd.isna(value) or not value else str(value).split(";")


def _taken(text: str) -> list[str]:
    return [match.drug.name for match in MATCHER.find(text)]


# --- 1. pregnancy and breastfeeding denied in one list -------------------------------------------
STATES_DENIED = {
    "en": ["denies pregnancy, breastfeeding", "excluded: pregnancy, lactation, drugs"],
    "de": ["verneint Schwangerschaft, Stillzeit", "ausgeschlossen: Schwangerschaft, Stillzeit"],
    "fr": ["pas de grossesse, allaitement", "exclu : grossesse, allaitement"],
    "es": ["no embarazo, lactancia", "sin embarazo, lactancia materna"],
    "it": ["nega gravidanza, allattamento", "nessuna gravidanza, allattamento"],
    "nl": ["geen zwangerschap, borstvoeding", "uitgesloten: zwangerschap, borstvoeding"],
}

# A semicolon, a full stop or a verb ends the denied list: the state after it is there.
BREASTFEEDING_AFTER = {
    "en": [
        "no pregnancy; breastfeeding",
        "denies pregnancy. Breastfeeding.",
        "no pregnancy, is breastfeeding",
    ],
    "de": [
        "keine Schwangerschaft; stillt",
        "verneint Schwangerschaft. Stillzeit.",
        "keine Schwangerschaft, stillt",
    ],
    "fr": [
        "pas de grossesse ; allaite",
        "pas de grossesse. Allaitement.",
        "pas de grossesse, allaite",
    ],
    "es": [
        "sin embarazo; lactancia materna",
        "niega embarazo. Lactancia.",
        "sin embarazo, amamanta",
    ],
    "it": [
        "nessuna gravidanza; allatta",
        "nega gravidanza. Allattamento.",
        "nessuna gravidanza, allatta",
    ],
    "nl": [
        "geen zwangerschap; geeft borstvoeding",
        "ontkent zwangerschap. Borstvoeding.",
        "geen zwangerschap, geeft borstvoeding",
    ],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_denied_list_of_states_denies_each(tmp_path: Path, language: str) -> None:
    """180 ng/mL in a woman of 30 who is neither pregnant nor breastfeeding: raised, "soon",
    never the breastfeeding interval's normal (the first item alone was denied).  Breastfeeding
    after a semicolon, a full stop or a verb that ends the list is there: 180 ng/mL is within
    the breastfeeding interval."""
    denied, present = STATES_DENIED[language], BREASTFEEDING_AFTER[language]
    results = _run(tmp_path, [("F", 30, 180, text, "") for text in (*denied, *present)])
    for i, text in enumerate(denied):
        row = results.loc[f"P{i}"]
        assert "lactation" not in _factors(row), text
        assert row["priority"] == "soon", text
        assert row["interpretation"] != "N", text
        state = combine(STATES.read("comments", text), RowFacts(sex="F"))
        assert state.lactating != "yes", text
        assert state.pregnant != "yes", text
    for i, text in enumerate(present, start=len(denied)):
        row = results.loc[f"P{i}"]
        assert "lactation" in _factors(row), text
        assert row["priority"] == "none", text


# --- 2. renal and liver states ------------------------------------------------------------------
CAUSES_DENIED = {
    "en": "no renal failure, dialysis or cirrhosis",
    "de": "keine Niereninsuffizienz, Dialyse oder Leberzirrhose",
    "fr": "pas d'insuffisance rénale, dialyse ou cirrhose",
    "es": "sin insuficiencia renal, diálisis o cirrosis",
    "it": "nessuna insufficienza renale, dialisi o cirrosi",
    "nl": "geen nierinsufficiëntie, dialyse of levercirrose",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_denied_list_of_causes_denies_each(tmp_path: Path, language: str) -> None:
    """90 ng/mL in a man of 50 with neither dialysis nor cirrhosis: unexplained, "soon" (was a
    likely dialysis cause, routine)."""
    row = _run(tmp_path, [("M", 50, 90, CAUSES_DENIED[language], "")]).loc["P0"]
    assert "dialysis" not in _factors(row)
    assert "liver_cirrhosis" not in _factors(row)
    assert row["priority"] == "soon"


# --- 3. mass-effect red flags ---------------------------------------------------------------------
FLAGS_DENIED = {
    "en": "no headache, diplopia or visual field loss",
    "de": "keine Kopfschmerzen, Doppelbilder oder Gesichtsfeldausfall",
    "fr": "pas de céphalées, diplopie ou amputation du champ visuel",
    "es": "sin cefalea, diplopía o defecto del campo visual",
    "it": "nessuna cefalea, diplopia o deficit del campo visivo",
    "nl": "geen hoofdpijn, dubbelzien of gezichtsvelduitval",
}
FLAG_AFTER_BUT = {
    "en": "no headache, but diplopia",
    "de": "keine Kopfschmerzen, aber Doppelbilder",
    "fr": "pas de céphalées, mais diplopie",
    "es": "sin cefalea, pero diplopía",
    "it": "nessuna cefalea, ma diplopia",
    "nl": "geen hoofdpijn, wel dubbelzien",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_denied_list_of_red_flags_is_no_red_flag(tmp_path: Path, language: str) -> None:
    """45 ng/mL with every mass-effect sign denied: not urgent (was a false urgent "mass-effect
    red flag (diplopia)"); the same sign after "but" ("aber", "mais", "pero", "ma", "wel") stays
    a red flag."""
    results = _run(
        tmp_path,
        [("F", 30, 45, FLAGS_DENIED[language], ""), ("F", 30, 45, FLAG_AFTER_BUT[language], "")],
    )
    assert results.loc["P0", "priority"] == "routine"
    assert results.loc["P1", "priority"] == "urgent"
    assert "red_flag" not in BOOK.match("comments", FLAGS_DENIED[language])
    assert "red_flag" in BOOK.match("comments", FLAG_AFTER_BUT[language])


# --- 4. drugs -------------------------------------------------------------------------------------
DRUGS_DENIED = {
    "en": "no antipsychotics, metoclopramide or domperidone",
    "de": "keine Neuroleptika, MCP oder Domperidon",
    "fr": "pas de neuroleptiques, métoclopramide ou dompéridone",
    "es": "sin antipsicóticos, metoclopramida o domperidona",
    "it": "nessun antipsicotico, metoclopramide o domperidone",
    "nl": "geen antipsychotica, metoclopramide of domperidon",
}
DRUGS_STOPPED_AFTER = {
    "en": "risperidone, metoclopramide: stopped 2022",
    "de": "Risperidon, MCP: abgesetzt 2022",
    "fr": "rispéridone, métoclopramide : arrêtés en 2022",
    "es": "risperidona, metoclopramida: suspendidas en 2022",
    "it": "risperidone, metoclopramide: sospesi nel 2022",
    "nl": "risperidon, metoclopramide: gestopt in 2022",
}
DRUGS_JOINED_STOPPED = {
    "en": "risperidone and metoclopramide stopped",
    "de": "Risperidon und MCP abgesetzt",
    "fr": "rispéridone et métoclopramide arrêtés",
    "es": "risperidona y metoclopramida suspendidas",
    "it": "risperidone e metoclopramide sospesi",
    "nl": "risperidon en metoclopramide gestopt",
}
DRUG_TAKEN_AFTER = {
    "en": "no haloperidol, on risperidone",
    "de": "kein Haldol, unter Risperidon",
    "fr": "pas d'halopéridol, sous rispéridone",
    "es": "sin haloperidol, con risperidona",
    "it": "nessun aloperidolo, in terapia con risperidone",
    "nl": "geen haloperidol, gebruikt risperidon",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_denied_or_stopped_list_of_drugs_is_no_drug_cause(tmp_path: Path, language: str) -> None:
    """110 ng/mL with every drug of the list denied, or stopped by a word after the list (past
    a colon, or after "and"/"und"/"et"/"y"/"e"/"en"): no drug factor, "soon" as without
    medications (was a likely drug factor, routine); a drug after "on" ("unter", "sous", "con",
    "gebruikt") is taken."""
    results = _run(
        tmp_path,
        [
            ("F", 30, 110, "", DRUGS_DENIED[language]),
            ("F", 30, 110, "", DRUGS_STOPPED_AFTER[language]),
            ("F", 30, 110, "", ""),
            ("F", 30, 110, "", DRUG_TAKEN_AFTER[language]),
        ],
    )
    for patient in ("P0", "P1", "P2"):
        row = results.loc[patient]
        assert not [f for f in _factors(row) if f.startswith("medication")], patient
        assert row["priority"] == "soon", patient
    assert _taken(DRUGS_DENIED[language]) == []
    assert _taken(DRUGS_STOPPED_AFTER[language]) == []
    assert _taken(DRUGS_JOINED_STOPPED[language]) == []
    assert "medication:antipsychotic" in _factors(results.loc["P3"])
    assert _taken(DRUG_TAKEN_AFTER[language]) == ["risperidone"]


# --- 5. the scope itself --------------------------------------------------------------------------
SCOPES = {
    "en": [
        ("denies pregnancy, breastfeeding or dialysis", ", breastfeeding or dialysis"),
        ("not pregnant or breastfeeding", " or breastfeeding"),
        ("no headache, diplopia present", None),
        ("no headache, no diplopia, visual loss", ", visual loss"),
        ("no pregnancy, breastfeeding?", None),
        ("no response to cabergoline, headache", None),
        ("no allergies, risperidone", None),
    ],
    "de": [
        ("keine Kopfschmerzen, Doppelbilder oder Sehstörungen", ", Doppelbilder oder Sehstörungen"),
        ("nicht nüchtern, Stress bei Blutentnahme", None),
        ("keine Schwangerschaft, noch stillend", None),
        ("kein Haldol, seit 2020 Risperidon", None),
        ("keine weiteren Medikamente, Risperidon", None),
    ],
    "fr": [
        ("pas de céphalées, diplopie ni troubles visuels", ", diplopie ni troubles visuels"),
        ("pas de grossesse, avec allaitement", None),
    ],
    "es": [
        ("sin cefalea, diplopía ni alteraciones visuales", ", diplopía ni alteraciones visuales"),
        ("no embarazo, en diálisis", None),
    ],
    "it": [
        ("nessuna cefalea, diplopia né disturbi visivi", ", diplopia né disturbi visivi"),
        ("nessuna gravidanza, in dialisi", None),
    ],
    "nl": [
        ("geen hoofdpijn, dubbelzien of gezichtsvelduitval", ", dubbelzien of gezichtsvelduitval"),
        ("geen hoofdpijn, wel dubbelzien", None),
    ],
}


def _negated(text: str) -> dict[str, bool]:
    return {m.match.drug.name: m.negated for m in MATCHER.mentions(text)}


def test_a_stop_after_a_list_is_read_for_each_drug() -> None:
    """A stop after a list is read for each drug of it with that drug's own kind: a depot still
    acts weeks after its stop, the other drug of the list is stopped (it was taken); joined by
    commas alone the stop stays the last drug's."""
    assert _negated("Dogmatil, Xeplion: gestoppt vor 3 Wochen") == {
        "sulpiride": True,
        "paliperidone": False,
    }
    assert _negated("Xeplion, Haldol: gestoppt vor 3 Wochen") == {
        "paliperidone": False,
        "haloperidol": True,
    }
    assert _taken("Risperdal, Haldol abgesetzt") == ["risperidone"]
    assert _taken("Risperidon 2 mg, MCP: abgesetzt 2022") == ["risperidone"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_scope_of_a_negated_list(language: str) -> None:
    """The part a negation before a list covers beyond its first item; None where the list ends
    at once (a positive marker, "present", "avec", "en", "in", "wel"; a doubt "?"; a verb; "noch"
    after a comma, "still"; a weak negation "nicht" without "or"; a first item that is no
    finding, "no response to", "no allergies", "keine weiteren Medikamente")."""
    for text, expected in SCOPES[language]:
        spans = negated_list_spans(text)
        covered = text[spans[0][0] : spans[0][1]] if spans else None
        assert covered == expected, text
