"""Mass-effect red flags missed or mis-negated in the six languages (review 28).

Clinical-reference §5 ("Both, mass effect": visual field defects, headache, cranial nerve palsies,
apoplexy; "Red flags -> urgent referral"; Metro North: sudden headache, visual loss, diplopia ->
ED) and §8 ("Urgent: visual field loss, sudden severe headache"); output-contract §7 `urgent`;
docs/output-contract-extensions.md: a past or resolved red flag is no red flag.

1. A loss of visual acuity written with an article or with its adjective before the noun
   ("ridotta acuità visiva", "riduzione dell'acuità visiva", "deficit del visus"), a visual
   deficit ("deficit visivo") and the quadrant field loss without its "-an-" ("quadrantopsia"),
   in every language.
2. Blurred vision written as a noun of blurring ("flou visuel"): a red flag beside a raised
   prolactin, as "vision floue" is.
3. A sudden or acute onset written apart from the headache: "acuut ernstige hoofdpijn",
   "hevige hoofdpijn, plots ontstaan", "céphalée d'installation brutale".
4. A red flag followed by its resolution after a comma ("diplopia, resolved", "dubbelzien,
   hersteld"): gone, not a red flag; and a loss of sight whose own verb is a resolution word
   ("zicht links plots verdwenen") is still a loss.
Synthetic patients only.
"""

from __future__ import annotations

import pytest
from pipeline_helpers import csv_quoted, triage_lines

from triage.engine.text import load_cue_book

BOOK = load_cue_book()
HEADER = "patient_id,sex,age,prolactin,unit,clinical notes"


def _red_flag(text: str) -> bool:
    return "red_flag" in BOOK.match("comments", text)


def _priorities(tmp_path, notes: list[str], *, prl: float = 60) -> list[str]:
    """Each note as the clinical notes of a man of 66 with `prl` ng/mL (ULN ~15-20)."""
    lines = [f"P{i},M,66,{prl},ng/mL,{csv_quoted(note)}" for i, note in enumerate(notes)]
    out = triage_lines(tmp_path, HEADER, lines)
    return [str(out.loc[f"P{i}", "priority"]) for i in range(len(notes))]


# 1. Visual acuity lost, every word order and language -----------------------------------------
VISUAL_LOSS = [
    # it
    "ridotta acuità visiva",
    "riduzione dell'acuità visiva OD",
    "calo dell'acuità visiva bilaterale",
    "calo dell’acuità visiva",
    "deficit del visus",
    "abbassamento del visus da 2 settimane",
    "peggioramento della vista",
    "ridotto visus OS",
    "visus molto ridotto",
    # fr
    "altération de l'acuité visuelle",
    "chute brutale de l'acuité",
    "acuité visuelle effondrée",
    # es
    "reducción de la agudeza visual",
    "baja agudeza visual OI",
    "empeoramiento de la visión",
    # de
    "Visusdefizit rechts",
    "Sehschärfenminderung beidseits",
    # nl
    "daling van de visus",
    "verminderde gezichtsscherpte links",
    "visusvermindering OD",
    # en
    "deterioration of vision over 2 weeks",
    "decline in visual acuity",
]
FIELD_AND_DEFICIT = [
    "quadrantopsia",
    "quadrantopsia temporale superiore",
    "cuadrantopsia superior",
    "kwadrantopsie",
    "deficit visivo",
    "deficit della vista",
    "déficit visuel",
    "déficit visual",
]


@pytest.mark.parametrize("text", VISUAL_LOSS)
def test_visual_acuity_loss_in_any_word_order_is_a_visual_loss(text: str) -> None:
    hits = BOOK.match("comments", text)
    assert "visual_loss" in hits and "red_flag" in hits, text


@pytest.mark.parametrize("text", FIELD_AND_DEFICIT)
def test_quadrantopsia_and_visual_deficit_are_red_flags(text: str) -> None:
    assert _red_flag(text), text


@pytest.mark.parametrize(
    "text",
    [
        "non deficit visivo",
        "nessun calo dell'acuità visiva",
        "visus OD 10/10, deficit visivo assente",
        "pas d'altération de l'acuité visuelle",
        "sin reducción de la agudeza visual",
        "geen daling van de visus",
        "no deterioration of vision",
        "calo del peso",
        "perdita di vista al follow-up",
        "low acuity patient",
    ],
)
def test_visual_words_denied_or_elsewhere_stay_quiet(text: str) -> None:
    assert not _red_flag(text), text


def test_italian_visual_loss_with_raised_prolactin_is_urgent(tmp_path) -> None:
    notes = [
        "ridotta acuità visiva",
        "riduzione dell'acuità visiva",
        "quadrantopsia",
        "deficit del visus",
        "calo dell'acuità visiva",
        "deficit visivo",
        "Pz. riferisce cefalea; ridotta acuità visiva OS da 1 mese",
    ]
    assert _priorities(tmp_path, notes) == ["urgent"] * len(notes)


# 2. Blurred vision as a noun ----------------------------------------------------------------------
BLURRING = [
    "flou visuel",
    "flou visuel bilatéral depuis 3 semaines",
    "brouillard visuel",
    "offuscamento visivo",
    "annebbiamento della vista",
    "borrosidad visual",
    "visión nublada",
    "troebel zicht",
    "verschwommene Sicht",
]


@pytest.mark.parametrize("text", BLURRING)
def test_blurring_as_a_noun_is_blurred_vision(text: str) -> None:
    hits = BOOK.match("comments", text)
    assert "blurred_vision" in hits and "red_flag" in hits, text


@pytest.mark.parametrize(
    "text",
    [
        "pas de flou visuel",
        "flou visuel sous Tercian (anticholinergique)",
        "offuscamento visivo da anticolinergici",
    ],
)
def test_blurring_denied_or_put_down_to_a_drug_is_no_red_flag(text: str) -> None:
    assert not _red_flag(text), text


# 3. A sudden or acute onset apart from the headache -----------------------------------------------
SUDDEN_HEADACHES = [
    # nl
    "acuut ernstige hoofdpijn",
    "acuut hevige hoofdpijn",
    "acuut ontstane ernstige hoofdpijn",
    "acuut begin van ernstige hoofdpijn",
    "hevige hoofdpijn, plots ontstaan",
    "ernstige hoofdpijn acuut ontstaan",
    # fr
    "céphalées intenses d'apparition brutale",
    "céphalée d'installation brutale",
    "céphalée d’installation brutale ce matin",
    "céphalées intenses, d'apparition brutale",
    "céphalées de début aigu",
    # en
    "severe headache, sudden onset",
    "headache of acute onset",
    "acute onset severe headache",
    # de
    "akut aufgetretene starke Kopfschmerzen",
    "starke Kopfschmerzen, plötzlich aufgetreten",
    # es
    "cefalea intensa, de inicio brusco",
    "cefalea de inicio agudo",
    # it
    "cefalea ad esordio acuto",
    "cefalea intensa, di inizio improvviso",
    "esordio acuto di cefalea",
]


@pytest.mark.parametrize("text", SUDDEN_HEADACHES)
def test_sudden_onset_written_apart_is_a_sudden_headache(text: str) -> None:
    hits = BOOK.match("comments", text)
    assert "sudden_headache" in hits and "red_flag" in hits, text


@pytest.mark.parametrize(
    "text",
    [
        "céphalées intenses",
        "headache, sudden weight gain",
        "chronic headache, sudden vomiting",
        "geen acuut ontstane hoofdpijn",
        "pas de céphalée d'installation brutale",
        "no headache, sudden onset",
        "acute headache",
    ],
)
def test_headache_without_a_sudden_onset_of_its_own_is_no_red_flag(text: str) -> None:
    assert not _red_flag(text), text


def test_dutch_and_french_sudden_headache_with_raised_prolactin_is_urgent(tmp_path) -> None:
    notes = [
        "acuut ernstige hoofdpijn",
        "hevige hoofdpijn, plots ontstaan",
        "Pat. meldt acuut hevige hoofdpijn sinds gisteren",
        "céphalées intenses d'apparition brutale",
        "céphalée d'installation brutale",
    ]
    assert _priorities(tmp_path, notes, prl=40) == ["urgent"] * len(notes)


# 4. Resolved after a comma -----------------------------------------------------------------------
RESOLVED = [
    "diplopia, resolved",
    "diplopia, now resolved",
    "bitemporal hemianopia, since resolved",
    "Doppelbilder, inzwischen abgeklungen",
    "Gesichtsfeldausfall, vollständig zurückgebildet",
    "diplopie, désormais résolue",
    "diplopie, s'est résolue",
    "diplopía, ya resuelta",
    "hemianopsia, resuelta",
    "diplopia, ora risolta",
    "diplopia, si è risolta",
    "dubbelzien, hersteld",
    "diplopie, inmiddels verdwenen",
    "st.n. gezichtsvelduitval, hersteld",
    "dubbelzien, nu over",
]


@pytest.mark.parametrize("text", RESOLVED)
def test_a_red_flag_resolved_after_a_comma_is_gone(text: str) -> None:
    assert not _red_flag(text), text


@pytest.mark.parametrize(
    "text",
    [
        "diplopia, not resolved",
        "diplopia, partly resolved",
        "diplopia, headache resolved",
        "diplopia, resolved, now recurrent",
        "Doppelbilder, nicht rückläufig",
        "dubbelzien, over 2 weken controle",
        "zicht links plots verdwenen",
        "visus rechts plötzlich weg",
    ],
)
def test_a_red_flag_not_resolved_stays(text: str) -> None:
    assert _red_flag(text), text


def test_resolved_after_a_comma_is_not_urgent_through_the_pipeline(tmp_path) -> None:
    notes = [
        "diplopia, resolved",
        "dubbelzien, hersteld",
        "Doppelbilder, inzwischen abgeklungen",
        "diplopia, not resolved",
        "zicht links plots verdwenen",
    ]
    got = _priorities(tmp_path, notes, prl=40)
    assert [p == "urgent" for p in got] == [False, False, False, True, True], got
