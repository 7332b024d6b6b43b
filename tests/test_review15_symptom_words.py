"""Review 15: symptom and red-flag words as notes write them, in the six languages.

1. Milk that is not breastfeeding (galactorrhoea, clinical-reference §5) written as "lactation":
   in a woman never pregnant, after the menopause, without a pregnancy, unexplained, from both
   breasts, since starting a drug, or in the symptoms column.  The breastfeeding interval is
   then not applied (§4, §8: only while she breastfeeds or is postpartum): the raised result
   stays high and, as a symptom, soon (output-contract §7).  It was read as breastfeeding:
   normal, priority none.  Words for the feeding itself still give the breastfeeding interval.
2. A visual disturbance in everyday words ("problems with vision", "Sehprobleme", "voit moins
   bien", "problemas de visión", "vede peggio", "ziet slechter") is a mass-effect red flag with a
   raised prolactin (urgent, contract §7), in the medication column too; negated it stays quiet.
3. Headache, galactorrhoea and amenorrhoea in everyday words are typical symptoms: soon, not
   routine, beside a drug that explains the result.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import csv_quoted as _quoted
from pipeline_helpers import triage_lines as _rows

from triage.engine.state_words import load_state_vocabulary
from triage.engine.text import load_cue_book

HEADER = "patient_id,sex,age_years,prolactin,prolactin_unit,medications,comments,symptoms"

# --------------------------------------------------------------------------------------------
# 1. Lactation that is galactorrhoea
# --------------------------------------------------------------------------------------------
GALACTORRHOEA_AS_LACTATION = {
    "en": [
        "nulliparous, lactation for 3 months, amenorrhoea",
        "lactation without pregnancy",
        "unexplained lactation",
        "lactating, nulliparous, never pregnant",
        "G0P0. Bilateral lactation",
        "lactation from both breasts",
    ],
    "de": ["Laktation ohne Schwangerschaft", "Nullipara. Milchproduktion seit 3 Monaten"],
    "fr": ["lactation sans grossesse", "montée de lait, jamais enceinte"],
    "es": ["lactancia sin embarazo", "producción de leche sin embarazo"],
    "it": ["produzione di latte senza gravidanza", "lattazione senza gravidanza"],
    "nl": ["lactatie zonder zwangerschap", "lacterend, nooit zwanger geweest"],
}
# the feeding itself, in the same language: the breastfeeding interval still applies
BREASTFEEDING = {
    "en": "lactation 3 months postpartum",
    "de": "stillt seit 3 Monaten",
    "fr": "allaitement depuis 3 mois",
    "es": "lactancia materna",
    "it": "allatta da 3 mesi",
    "nl": "borstvoeding sinds 3 maanden",
}


@pytest.mark.parametrize("lang", sorted(GALACTORRHOEA_AS_LACTATION))
def test_inappropriate_lactation_is_a_symptom_not_breastfeeding(tmp_path: Path, lang: str) -> None:
    lines = [
        f"G{i},F,24,60,ng/mL,,{_quoted(words)},"
        for i, words in enumerate(GALACTORRHOEA_AS_LACTATION[lang])
    ]
    lines.append(f"BF,F,24,60,ng/mL,,{_quoted(BREASTFEEDING[lang])},")
    out = _rows(tmp_path, HEADER, lines)
    for pid in out.index.drop("BF"):
        row = out.loc[pid]
        said = GALACTORRHOEA_AS_LACTATION[lang][int(str(pid)[1:])]
        assert row["status"] == "high", (said, row["status"], row["factors"])
        assert row["priority"] == "soon", (said, row["priority"])
        assert "lactation" not in str(row["factors"]).split(";"), said
        assert "lactating" not in str(row["reference_stratum"]), said
        # galactorrhoea is a typical symptom: no macroprolactin screen before the work-up
        assert "macroprolactin_screen" not in str(row["suggestions"]).split(";")[:1], said
    bf = out.loc["BF"]
    assert bf["status"] == "normal", bf["factors"]
    assert "lactation" in str(bf["factors"]).split(";")


def test_a_marked_result_with_galactorrhoea_gets_the_pituitary_work_up(tmp_path: Path) -> None:
    out = _rows(
        tmp_path,
        HEADER,
        [
            'K6,F,24,180,ng/mL,,"nulliparous, lactation for 3 months, amenorrhoea",',
            'K7,F,24,180,ng/mL,,"lactation for 3 months, 4 months postpartum",',
        ],
    )
    k6 = out.loc["K6"]
    assert (k6["status"], k6["band"], k6["priority"]) == ("high", "marked", "soon")
    assert "pituitary_mri" in str(k6["suggestions"]).split(";")
    assert "lactating" not in str(k6["reference_stratum"])
    assert out.loc["K7", "status"] == "normal"  # months after delivery: breastfeeding


def test_lactation_with_a_drug_or_in_the_symptoms_column_is_a_symptom(tmp_path: Path) -> None:
    header = (
        "patient_id,sex,age_years,prolactin,prolactin_unit,lactating,medications,comments,symptoms"
    )
    out = _rows(
        tmp_path,
        header,
        [
            "D1,F,34,60,ng/mL,,,lactation since starting risperidone,",
            "D2,F,34,60,ng/mL,,,montée de lait sous rispéridone,",
            "D3,F,34,60,ng/mL,no,risperidone 4 mg,lactation since starting risperidone,",
            "D4,F,34,60,ng/mL,,risperidone 4 mg,,lactation since starting risperidone",
            "D5,F,34,60,ng/mL,,risperidone 4 mg,,lactancia",
            # the drug alone explains: routine (no symptom)
            "D6,F,34,60,ng/mL,,risperidone 4 mg,,",
        ],
    )
    for pid in ("D1", "D2", "D3", "D4", "D5"):
        row = out.loc[pid]
        assert row["status"] == "high", (pid, row["factors"])
        assert row["priority"] == "soon", (pid, row["priority"], row["factors"])
        assert "lactation" not in str(row["factors"]).split(";"), pid
    assert out.loc["D6", "priority"] == "routine"


def test_lactation_after_the_menopause_is_not_breastfeeding(tmp_path: Path) -> None:
    header = "patient_id,sex,age_years,prolactin,prolactin_unit,menopausal,comments"
    out = _rows(
        tmp_path,
        header,
        [
            'P1,F,52,60,ng/mL,,"postmenopausal, lactation both breasts"',
            "P2,F,52,60,ng/mL,yes,lactation",
        ],
    )
    for pid in ("P1", "P2"):
        row = out.loc[pid]
        assert row["status"] == "high", (pid, row["factors"])
        assert row["priority"] == "soon", (pid, row["priority"])
        assert "lactation" not in str(row["factors"]).split(";"), pid
    assert "post-menopausal" in str(out.loc["P2", "reference_note"])  # the conflict is reported


def test_the_state_reader_keeps_feeding_words_and_drops_galactorrhoea_words() -> None:
    vocab = load_state_vocabulary()

    def lactation(text: str) -> set[str]:
        return {f.value for f in vocab.read("comments", text) if f.field == "lactation"}

    for text in (
        "nulliparous, lactation for 3 months",
        "lactation without pregnancy",
        "lactancia sin embarazo",
        "unexplained lactation",
        "lactation since starting risperidone",
        "postmenopausal, lactation both breasts",
        "lactation, galactorrhoea",
    ):
        assert "yes" not in lactation(text), text
    for text in (
        "lactation",
        "lactating, 4 months postpartum, G2P2",
        "lactancia materna",
        "G0P0, breastfeeding her adopted baby",  # the feeding itself: still breastfeeding
        "montée de lait",
    ):
        assert "yes" in lactation(text), text
    assert lactation("not lactating") == {"no"}


# --------------------------------------------------------------------------------------------
# 2. Visual disturbance in everyday words
# --------------------------------------------------------------------------------------------
VISION = {
    "en": [
        "problems with vision",
        "vision problems",
        "difficulty seeing",
        "trouble seeing",
        "eyesight getting worse",
        "can't see properly",
    ],
    "de": [
        "Sehprobleme",
        "Sehschärfe reduziert",
        "sieht schlechter",
        "Verschlechterung des Sehvermögens",
    ],
    "fr": ["voit moins bien", "difficultés visuelles", "problèmes de vue"],
    "es": ["problemas de visión", "ve peor", "dificultad para ver"],
    "it": ["problemi di vista", "vede peggio", "difficoltà visive"],
    "nl": ["ziet slechter", "problemen met zien", "klachten van het zien"],
}
NOT_VISION = [
    "no vision problems",
    "keine Sehstörungen",
    "keine Sehprobleme",
    "pas de difficultés visuelles",
    "sin problemas de visión",
    "geen problemen met zien",
    "la herida se ve peor",
    "sieht schlecht aus",
    "difficulty seeing her GP",
    "h/o vision problems",
]


@pytest.mark.parametrize("lang", sorted(VISION))
def test_visual_disturbance_in_everyday_words_is_a_red_flag(tmp_path: Path, lang: str) -> None:
    lines = [f"V{i},F,34,60,ng/mL,,{_quoted(w)}," for i, w in enumerate(VISION[lang])]
    lines += [f"S{i},F,34,60,ng/mL,,,{_quoted(w)}" for i, w in enumerate(VISION[lang])]
    out = _rows(tmp_path, HEADER, lines)
    for pid, row in out.iterrows():
        said = VISION[lang][int(str(pid)[1:])]
        assert row["priority"] == "urgent", (said, row["priority"], row["factors"])


def test_negated_or_unrelated_vision_words_stay_quiet(tmp_path: Path) -> None:
    lines = [f"N{i},F,34,60,ng/mL,,{_quoted(w)}," for i, w in enumerate(NOT_VISION)]
    out = _rows(tmp_path, HEADER, lines)
    for pid, row in out.iterrows():
        said = NOT_VISION[int(str(pid)[1:])]
        assert row["priority"] != "urgent", said
    book = load_cue_book()
    for text in NOT_VISION:
        assert "red_flag" not in book.match("comments", text), text


def test_a_red_flag_in_the_medication_column_counts(tmp_path: Path) -> None:
    out = _rows(
        tmp_path,
        HEADER,
        [
            'M1,F,34,60,ng/mL,"Dostinex 0.5 mg - bitemporal hemianopia",,',
            'M2,F,34,60,ng/mL,"Cabergolin 0,5 mg - Gesichtsfeldausfall",,',
            'M3,F,34,60,ng/mL,"Dostinex - Sehprobleme",,',
            # a drug's indication is no red flag; a negated one neither
            'M4,F,34,60,ng/mL,"Hydrocortison 20 mg bei NNR-Insuffizienz",,',
            'M5,F,34,60,ng/mL,"Dostinex 0.5 mg - no visual disturbance",,',
        ],
    )
    for pid in ("M1", "M2", "M3"):
        assert out.loc[pid, "priority"] == "urgent", (pid, out.loc[pid, "factors"])
    for pid in ("M4", "M5"):
        assert out.loc[pid, "priority"] != "urgent", pid


# --------------------------------------------------------------------------------------------
# 3. Headache, galactorrhoea and amenorrhoea in everyday words
# --------------------------------------------------------------------------------------------
SYMPTOMS = {
    "en": [
        "milk from nipples",
        "breast milk leakage",
        "hasn't had a period for 6 months",
        "no periods",
    ],
    "de": ["Kopfweh", "Milch aus der Brustwarze", "keine Periode mehr"],
    "fr": ["mal de tête", "maux de tête", "céphalalgie", "n'a plus ses règles"],
    "es": [
        "dolores de cabeza",
        "cefalalgia",
        "secreción de leche por los pezones",
        "sin regla",
        "no le viene la regla",
    ],
    "it": ["cefalee frequenti", "perdita di latte dal capezzolo", "il ciclo non arriva da 6 mesi"],
    "nl": ["melk uit de tepels", "niet meer ongesteld"],
}


@pytest.mark.parametrize("lang", sorted(SYMPTOMS))
def test_everyday_symptom_words_make_the_result_soon(tmp_path: Path, lang: str) -> None:
    # domperidone explains a moderate rise (routine) unless the patient has symptoms
    lines = [
        f"S{i},F,34,45,ng/mL,Motilium 10 mg,{_quoted(w)}," for i, w in enumerate(SYMPTOMS[lang])
    ]
    lines.append("R,F,34,45,ng/mL,Motilium 10 mg,,")
    out = _rows(tmp_path, HEADER, lines)
    for pid in out.index.drop("R"):
        row = out.loc[pid]
        said = SYMPTOMS[lang][int(str(pid)[1:])]
        assert row["priority"] == "soon", (said, row["priority"], row["factors"])
    assert out.loc["R", "priority"] == "routine"


def test_symptom_words_negated_or_not_a_symptom_stay_quiet() -> None:
    book = load_cue_book()
    for text in (
        "no headache",
        "keine Kopfschmerzen",
        "pas de règles irrégulières",
        "sin reglas irregulares",
        "senza ciclo di terapia",
        "leche materna",
        "lactation 3 months postpartum",
        "breastfeeding",
    ):
        found = book.match("comments", text)
        assert "symptom" not in found and "menstrual_disturbance" not in found, text
