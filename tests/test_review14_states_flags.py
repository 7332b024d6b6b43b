"""Review 14: words that say a state is not the current one, the lesion column read as the notes
are, and red-flag words missing from the cue vocabulary, in the six languages.

1. A breastfeeding or a pregnancy prevented, suppressed, failed, impossible, forbidden, outside
   it, past ("last year") or only feared is not the current state: the physiological interval is
   not applied and the raised result stays flagged (it was read as normal, priority none), in the
   comments and in the symptoms column alike; the state itself still counts.
2. The pituitary_lesion cell is read as the notes are: a negated lesion, a normal MRI or an MRI
   still pending is no known lesion (it was taken as a lesion, priority soon, the macroprolactin
   screen dropped); a lesion named there still counts.
3. A cranial nerve III / IV / VI palsy in every notation, a sudden loss of sight, a thunderclap or
   sudden severe headache, and the capital abbreviations VFD and BTH are mass-effect red flags
   (urgent), and stay negatable.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import csv_quoted as _quoted
from pipeline_helpers import triage_lines as _rows

from triage.engine.context import lesion_cell_says_none
from triage.engine.state_words import load_state_vocabulary
from triage.engine.text import load_cue_book

# --------------------------------------------------------------------------------------------
# 1. Not the current state
# --------------------------------------------------------------------------------------------
NOT_CURRENT = {
    "en": [
        "lactation suppressed with cabergoline",
        "failed lactation",
        "unable to breastfeed",
        "breastfeeding contraindicated (HIV)",
        "breastfeeding not possible",
        "pregnancy test was positive last year",
        "failed pregnancy",
        "concern about pregnancy",
    ],
    "de": [
        "Laktation außerhalb der Stillzeit",
        "Stillen nicht möglich",
        "Stillen kontraindiziert",
        "Stillen: Abstillen mit Cabergolin",
        "Sorge wegen Schwangerschaft",
        "SS-Test positiv letztes Jahr",
    ],
    "fr": [
        "inhibition de la lactation par cabergoline",
        "allaitement contre-indiqué",
        "impossibilité d'allaiter",
        "inquiète d'une grossesse",
        "test de grossesse positif l'an dernier",
    ],
    "es": [
        "inhibición de la lactancia con cabergolina",
        "lactancia contraindicada",
        "preocupación por embarazo",
        "prueba de embarazo positiva el año pasado",
    ],
    "it": [
        "allattamento controindicato",
        "allattamento non possibile",
        "preoccupata per la gravidanza",
        "test di gravidanza positivo l'anno scorso",
    ],
    "nl": [
        "borstvoeding gecontra-indiceerd",
        "borstvoeding niet mogelijk",
        "bezorgd over zwangerschap",
        "zwangerschapstest positief vorig jaar",
    ],
}
# the state itself, in the same language: still its physiological interval
CURRENT = {
    "en": "breastfeeding",
    "de": "stillt",
    "fr": "allaitement",
    "es": "lactancia materna",
    "it": "allatta",
    "nl": "borstvoeding",
}


@pytest.mark.parametrize("lang", sorted(NOT_CURRENT))
def test_a_state_not_current_keeps_the_raised_result_flagged(tmp_path: Path, lang: str) -> None:
    lines = []
    for i, words in enumerate(NOT_CURRENT[lang]):
        lines.append(f"C{i},F,30,2026-11-01,120,ng/mL,{_quoted(words)},")
        lines.append(f"S{i},F,30,2026-11-01,120,ng/mL,,{_quoted(words)}")
    lines.append(f"NOW,F,30,2026-11-01,120,ng/mL,{CURRENT[lang]},")
    out = _rows(
        tmp_path,
        "patient_id,sex,age_years,collected_at,prolactin,prolactin_unit,comments,symptoms",
        lines,
    )
    for pid in out.index.drop("NOW"):
        row = out.loc[pid]
        said = NOT_CURRENT[lang][int(str(pid)[1:])]
        assert row["status"] == "high", (said, row["status"], row["factors"])
        assert row["priority"] in ("soon", "urgent"), (said, row["priority"])
        assert "lactation" not in str(row["factors"]).split(";"), said
    assert out.loc["NOW", "status"] == "normal"  # the state itself still counts


def test_not_current_words_give_an_unknown_state_never_yes() -> None:
    vocab = load_state_vocabulary()
    for text, field in (
        ("unable to breastfeed", "lactation"),
        ("allattamento controindicato", "lactation"),
        ("concern about pregnancy", "pregnancy"),
        ("bezorgd over zwangerschap", "pregnancy"),
    ):
        said = {(f.field, f.value) for f in vocab.read("comments", text)}
        assert (field, "yes") not in said, text
        assert (field, "unknown") in said, text
    # the qualifier must stand with the state: these are the state
    for text, field in (
        ("pregnant after failed IVF", "pregnancy"),
        ("anxious pregnant woman", "pregnancy"),
        ("breastfeeding", "lactation"),
    ):
        said = {(f.field, f.value) for f in vocab.read("comments", text)}
        assert (field, "yes") in said, text
    # a negation still wins
    said = {(f.field, f.value) for f in vocab.read("comments", "no breastfeeding, contraindicated")}
    assert ("lactation", "no") in said


# --------------------------------------------------------------------------------------------
# 2. The lesion column read as the notes are
# --------------------------------------------------------------------------------------------
NO_LESION_CELLS = {
    "en": [
        "MRI: no microadenoma",
        "MRI: normal pituitary",
        "MRI pending",
        "MRI 2024: normal",
        "MRI 03/2025: normal, no 12 mm lesion",
        "awaiting MRI",
    ],
    "de": ["nein, MRT normal", "MRT: kein Mikroadenom", "MRT angefordert", "MRT 2024: unauffällig"],
    "fr": ["IRM : pas d'adénome", "IRM demandée", "non, IRM normale"],
    "es": ["RM: sin adenoma", "RM pendiente", "no, RM normal"],
    "it": ["RM: nessun adenoma", "RM richiesta", "no, RM normale"],
    "nl": ["geen hypofyseadenoom", "MRI aangevraagd", "nee, MRI normaal"],
}
LESION_CELLS = {
    "en": "MRI: 6 mm microadenoma",
    "de": "Mikroadenom 6 mm",
    "fr": "microadénome de 6 mm",
    "es": "microadenoma de 6 mm",
    "it": "microadenoma 6 mm",
    "nl": "micro-adenoom 6 mm",
}


@pytest.mark.parametrize("lang", sorted(NO_LESION_CELLS))
def test_a_negated_normal_or_pending_lesion_cell_is_no_known_lesion(
    tmp_path: Path, lang: str
) -> None:
    lines = [f"N{i},F,30,40,ng/mL,{_quoted(cell)}" for i, cell in enumerate(NO_LESION_CELLS[lang])]
    lines.append(f"L,F,30,40,ng/mL,{_quoted(LESION_CELLS[lang])}")
    lines.append('M,M,40,60,ng/mL,"MRI 03/2025: normal, no 12 mm lesion"')
    header = "patient_id,sex,age_years,prolactin,prolactin_unit,pituitary_lesion"
    out = _rows(tmp_path, header, lines)
    for pid in out.index.drop(["L", "M"]):
        row = out.loc[pid]
        cell = NO_LESION_CELLS[lang][int(str(pid)[1:])]
        factors = str(row["factors"]).split(";")
        assert "known_pituitary_lesion" not in factors, (cell, row["factors"])
        assert row["priority"] == "routine", (cell, row["priority"])
        assert "macroprolactin_screen" in str(row["suggestions"]), cell
    man = out.loc["M"]
    assert "known_pituitary_lesion" not in str(man["factors"])
    assert "stalk_effect" not in str(man["factors"])
    assert "hook_effect_risk" not in str(man["suggestions"])
    assert "pituitary_mri" in str(man["suggestions"])  # the MRI step stays
    # a lesion named in the cell still counts
    assert "known_pituitary_lesion" in str(out.loc["L", "factors"]).split(";")


def test_the_lesion_cell_reader_keeps_named_lesions_and_bare_answers() -> None:
    book = load_cue_book()
    assert lesion_cell_says_none(book, "MRI: no macroadenoma")
    assert lesion_cell_says_none(book, "nein, MRT normal")
    assert not lesion_cell_says_none(book, "no macroadenoma, 4 mm microadenoma")
    assert not lesion_cell_says_none(book, "?macroadenoma, MRI pending")
    assert not lesion_cell_says_none(book, "yes")
    # "no" is a word of its own: "normal apart from ..." names a lesion
    assert not lesion_cell_says_none(book, "MRI normal apart from 6 mm microadenoma")
    assert not lesion_cell_says_none(book, "MRT o. B., Rathke-Zyste")


# --------------------------------------------------------------------------------------------
# 3. Red-flag words
# --------------------------------------------------------------------------------------------
RED_FLAGS = {
    "de": [
        "Augenmuskellähmung",
        "Lähmung des N. oculomotorius",
        "N. VI Parese",
        "III. Hirnnervenparese",
        "Hirnnervenausfall",
        "Abduzensparese rechts",
        "Kopfschmerz wie ein Donnerschlag",
    ],
    "es": ["paresia del VI par", "pérdida súbita de visión", "cefalea en estallido"],
    "fr": ["parésie du VI", "mal de tête soudain et violent", "paralysie d'un nerf crânien"],
    "nl": ["oogspierverlamming", "dubbelzicht", "plotseling slechtziend", "donderslaghoofdpijn"],
    "it": ["perdita improvvisa della vista", "cefalea a rombo", "paresi del nervo abducente"],
    "en": ["VFD", "BTH", "abducens palsy", "CN6 palsy", "sudden headache and vomiting"],
}
NEGATED_FLAGS = {
    "de": ["keine Augenmuskelparese", "keine Augenmuskellähmung"],
    "es": ["sin paresia del VI par"],
    "fr": ["pas de parésie du VI"],
    "nl": ["geen oogspierverlamming", "geen dubbelzicht"],
    "it": ["nessuna perdita improvvisa della vista"],
    "en": ["no VFD", "bth", "paresis of IV cannula site"],
}


@pytest.mark.parametrize("lang", sorted(RED_FLAGS))
def test_palsy_sudden_visual_loss_and_thunderclap_words_are_urgent(
    tmp_path: Path, lang: str
) -> None:
    lines = [f"R{i},F,35,45,ng/mL,{_quoted(w)}" for i, w in enumerate(RED_FLAGS[lang])]
    lines += [f"N{i},F,35,45,ng/mL,{_quoted(w)}" for i, w in enumerate(NEGATED_FLAGS[lang])]
    out = _rows(tmp_path, "patient_id,sex,age_years,prolactin,prolactin_unit,symptoms", lines)
    for i, words in enumerate(RED_FLAGS[lang]):
        assert out.loc[f"R{i}", "priority"] == "urgent", words
    for i, words in enumerate(NEGATED_FLAGS[lang]):
        assert out.loc[f"N{i}", "priority"] != "urgent", words


def test_eye_nerve_palsies_are_sellar_signs_too() -> None:
    book = load_cue_book()
    for words in ("N. VI Parese", "parésie du VI", "oogspierverlamming", "VFD", "BTH"):
        hits = book.match("symptoms", words)
        assert "red_flag" in hits and "sellar_sign" in hits, words
    assert "red_flag" not in book.match("symptoms", "IV drug use")
