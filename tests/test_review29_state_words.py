"""Review 29: states written in words that the state vocabulary (states.toml) did not read.

1. The menopause written as the periods stopped that long ago or since a year ("periods stopped
   2 years ago", "no menses since 2022", "plus de règles depuis 2 ans", "sin reglas desde hace 2
   años", "non ha più il ciclo da 2 anni", "geen menstruatie meer sinds 2022", "keine Regel mehr
   seit 2021"): from menopause_min_age_years, a year or more without a period is the menopause
   (NICE NG23 1.2; clinical-reference §2.1: the postmenopausal interval is lower), never the
   amenorrhoea symptom of a premenopausal woman (§5).
2. Hepatic encephalopathy in German shorthand ("HE II°", "HE 2°", "PSE" beside a cirrhosis) and
   its West Haven grade or the portosystemic encephalopathy in words: cirrhosis with
   encephalopathy (clinical-reference §4: with HE, mean 73.6 ng/mL, range 37.6-210.7), never a
   compensated one.
3. US labour-ward shorthand for a recent delivery or for nursing ("s/p SVD 11/1 - nursing",
   "s/p C-section 10/31/2026", "PPD#2 s/p NSVD", "s/p SVD 11/1", "POD 3 s/p LTCS"): postpartum
   or lactation (§2.1: raised in the first week after delivery even without feeding; §8 don't
   flag).  "nursing" alone stays unread (review 13: also the nurses).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted as _quoted
from pipeline_helpers import triage_lines as _rows

from triage.engine.state_words import load_state_vocabulary

HEADER = "patient_id,sex,age_years,collected_at,prolactin,prolactin_unit,symptoms,comments"

# ------------------------------------------------------------------------------------------
# 1. The periods stopped a year or more ago, in a woman of 52: postmenopausal
# ------------------------------------------------------------------------------------------
STOPPED = {
    "en": [
        "periods stopped 2 years ago",
        "no menses since 2022",
        "no more periods for 2 years",
        "amenorrhoea since 2023",
        "Periods have ceased 18 months ago.",
    ],
    "de": ["keine Regel mehr seit 2021", "Menstruation ausgeblieben seit 2 Jahren"],
    "fr": ["plus de règles depuis 2 ans", "n'a plus de règles depuis 2022"],
    "es": ["sin reglas desde hace 2 años", "ya no tiene la regla desde hace 3 años"],
    "it": ["non ha più il ciclo da 2 anni", "senza mestruazioni dal 2022"],
    "nl": ["geen menstruatie meer sinds 2022", "niet meer ongesteld sinds 2 jaar"],
}


@pytest.mark.parametrize("lang", sorted(STOPPED))
def test_periods_stopped_a_year_ago_is_the_menopause(tmp_path: Path, lang: str) -> None:
    lines = [
        f"M{i},F,52,2026-11-03,26,ng/mL,hot flushes,{_quoted(words)}"
        for i, words in enumerate(STOPPED[lang])
    ]
    out = _rows(tmp_path, HEADER, lines)
    for i, words in enumerate(STOPPED[lang]):
        row = out.loc[f"M{i}"]
        assert row["reference_stratum"] == "default:postmenopausal", (
            words,
            row["reference_stratum"],
        )
        assert row["status"] == "high", (words, row["status"])  # 26 > 20 ng/mL
        assert row["priority"] == "routine", (words, row["priority"])
        assert "pregnancy_test" not in str(row["suggestions"]).split(";"), words


def test_the_words_in_the_symptoms_column_are_no_amenorrhoea_symptom(tmp_path: Path) -> None:
    """'hot flushes; periods stopped 2 years ago' in the symptoms: the menopause, not an
    amenorrhoeic premenopausal woman to work up (soon, MRI)."""
    line = f"X1,F,52,2026-11-03,35,ng/mL,{_quoted('hot flushes; periods stopped 2 years ago')},"
    row = _rows(tmp_path, HEADER, [line]).loc["X1"]
    assert row["reference_stratum"] == "default:postmenopausal"
    assert row["priority"] == "routine", row["suggestions"]
    assert "pituitary_mri" not in str(row["suggestions"])


@pytest.mark.parametrize(
    "words",
    [
        "periods stopped 6 months ago",  # under a year: not yet the menopause
        "no periods since 2026",  # this year: not a year yet
        "no more periods",  # no time written
    ],
)
def test_a_shorter_or_untimed_stop_is_no_menopause(words: str) -> None:
    said = {(f.field, f.value) for f in load_state_vocabulary().read("comments", words, 2026)}
    assert ("menopause", "post") not in said, words


def test_a_young_woman_whose_periods_stopped_keeps_her_interval(tmp_path: Path) -> None:
    """Below menopause_min_age_years no period for years is an amenorrhoea, never the menopause."""
    line = f"Y1,F,30,2026-11-03,26,ng/mL,,{_quoted('periods stopped 2 years ago')}"
    row = _rows(tmp_path, HEADER, [line]).loc["Y1"]
    assert row["reference_stratum"] != "default:postmenopausal"


# ------------------------------------------------------------------------------------------
# 2. Hepatic encephalopathy in shorthand: advanced cirrhosis, a likely cause
# ------------------------------------------------------------------------------------------
ENCEPHALOPATHY = [
    "HE II° bei äthyltoxischer Leberzirrhose",
    "Leberzirrhose, HE 2°",
    "Leberzirrhose mit PSE",
    "HE I-II° bei C2-Zirrhose",
    "alcoholic cirrhosis, West Haven grade 2",
    "cirrhosis with portosystemic encephalopathy",
    "cirrhose, encéphalopathie porto-systémique",
    "cirrosis con encefalopatía portosistémica",
]


@pytest.mark.parametrize("words", ENCEPHALOPATHY)
def test_encephalopathy_shorthand_is_advanced_cirrhosis(tmp_path: Path, words: str) -> None:
    line = f"E1,M,58,2026-11-03,75,ng/mL,,{_quoted(words)}"
    row = _rows(tmp_path, HEADER, [line]).loc["E1"]
    assert "liver_cirrhosis:likely" in str(row["factor_details"]) or (
        "liver_cirrhosis" in str(row["factors"]) and row["priority"] == "routine"
    ), (words, row["factors"], row["factor_details"])
    assert row["priority"] == "routine", (words, row["priority"], row["suggestions"])
    assert "compensated" not in str(row["factor_evidence"]).replace("decompensated", ""), words


@pytest.mark.parametrize("words", ["PSE", "PSE positive, IOP 24 mmHg", "HE stain normal"])
def test_pse_or_he_without_a_liver_or_a_grade_is_no_cirrhosis(words: str) -> None:
    said = {(f.field, f.value) for f in load_state_vocabulary().read("comments", words)}
    assert ("liver_severe", "encephalopathy") not in said, words


# ------------------------------------------------------------------------------------------
# 3. US obstetric shorthand: postpartum / nursing
# ------------------------------------------------------------------------------------------
US_HEADER = "patient_id,DOB,Sex,Collected,Component,Result,Units,Ref Range,Comment"
US_RECENT = [
    "s/p C-section 10/31/2026",
    "PPD#2 s/p NSVD",
    "s/p SVD 11/1",
    "POD 3 s/p LTCS",
    "POD#2 s/p primary C/S",
    "s/p rLTCS POD 2",
    "s/p SVD 11/1 - nursing",
    "NSVD, PPD # 1",
]


def _us_rows(tmp_path: Path, notes: list[str]) -> list[tuple[str, pd.Series]]:
    """Each note with its result row: a woman's 90 ng/mL on 11/03/2026 in a US month-first
    export (the birth date settles the order), the note in its Comment column."""
    lines = [
        f"E{i:07d},02/14/1990,F,11/03/2026 08:15,PROLACTIN,90.0,ng/mL,4.8-23.3,{_quoted(words)}"
        for i, words in enumerate(notes)
    ]
    out = _rows(tmp_path, US_HEADER, lines)
    return [(words, out.loc[f"E{i:07d}"]) for i, words in enumerate(notes)]


def test_us_delivery_and_nursing_shorthand_is_postpartum(tmp_path: Path) -> None:
    """A US month-first export (the birth date settles the order): each note is a woman days
    after delivery, or nursing, so 90 ng/mL is physiological, with no work-up."""
    for words, row in _us_rows(tmp_path, US_RECENT):
        assert row["status"] == "normal", (words, row["status"], row["factors"])
        assert row["priority"] == "none", (words, row["priority"])
        assert "lactation" in str(row["factors"]).split(";"), (words, row["factors"])
        assert "pituitary_mri" not in str(row["suggestions"]), words


US_NOT = [
    "PPD 10 mm",  # a tuberculin skin test
    "collected by: nursing",  # the ward's nurses
    "nursing home resident",
    "ICU, nursing",  # no delivery named beside it
    "nursing",  # alone: also the nurses (review 13)
    "urine C/S 11/1 pending",  # a culture and sensitivity
    "h/o C-section 01/05/2019",  # years before the sample
]


def test_us_lookalikes_say_no_delivery(tmp_path: Path) -> None:
    for words, row in _us_rows(tmp_path, US_NOT):
        assert row["status"] == "high", (words, row["status"], row["factors"])
        assert "lactation" not in str(row["factors"]).split(";"), (words, row["factors"])


@pytest.mark.parametrize(
    "words",
    ["Z.n. Sectio am 01.11.2026", "status post caesarean section 01/11/2026", "s/p SVD 1.11."],
)
def test_a_history_word_before_a_dated_delivery_leaves_it_recent(
    tmp_path: Path, words: str
) -> None:
    """'Z.n.' / 's/p' says the delivery happened; its date, two days before the sample, says
    when (day-first file)."""
    header = "patient_id,sex,age_years,collected_at,prolactin,prolactin_unit,comments"
    row = _rows(tmp_path, header, [f"D1,F,34,03.11.2026,90,ng/mL,{_quoted(words)}"]).loc["D1"]
    assert row["status"] == "normal", (words, row["status"], row["factors"])
    assert row["reference_stratum"] == "default:postpartum_week1", (words, row["reference_stratum"])
