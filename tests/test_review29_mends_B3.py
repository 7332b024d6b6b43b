"""Review 29, reviewer B finding 4 (mend B3): periods that stopped long before the menopause age.

fix234 read 'periods stopped' for a year or more, or since a year, as the menopause in a woman of
menopause_min_age_years or more.  'sekundäre Amenorrhoe seit 2015' in a woman of 45 (the periods
stopped at about 34) is a secondary amenorrhoea, which hyperprolactinaemia causes, not the
menopause: the premenopausal interval judges her and the work-up keeps the pregnancy test, the
MRI and the referral (soon, as before fix234).  The menopause is read from stopped periods only
when they stopped at or after the menopause age (her age at the sample less the time since the
stop).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import csv_quoted as _quoted
from pipeline_helpers import triage_lines as _rows

HEADER = "patient_id,sex,age_years,collected_at,prolactin,prolactin_unit,symptoms,comments"

# stopped at about 34-36, written at 45-47 (the sample in November 2026): her own interval
STOPPED_YOUNG = {
    "de": [("45", "sekundäre Amenorrhoe seit 2015"), ("46", "keine Regel mehr seit 2014")],
    "en": [
        ("47", "amenorrhea since 2016, galactorrhea"),
        ("45", "periods stopped 10 years ago"),
    ],
    "fr": [("45", "plus de règles depuis 2015"), ("46", "aménorrhée depuis 10 ans")],
    "es": [("45", "sin reglas desde hace 10 años"), ("46", "amenorrea desde 2015")],
    "it": [("45", "non ha più il ciclo da 10 anni"), ("47", "senza mestruazioni dal 2014")],
    "nl": [("45", "geen menstruatie meer sinds 2015"), ("46", "niet meer ongesteld sinds 10 jaar")],
}

# the amenorrhoea named as such (the symptom cues.toml reads): the work-up of before fix234
AMENORRHOEA_YOUNG = {
    "de": [("45", "sekundäre Amenorrhoe seit 2015"), ("46", "Amenorrhoe seit 10 Jahren")],
    "en": [
        ("47", "amenorrhea since 2016, galactorrhea"),
        ("45", "secondary amenorrhoea since 2015"),
    ],
    "fr": [("46", "aménorrhée depuis 10 ans"), ("45", "aménorrhée secondaire depuis 2015")],
    "es": [("46", "amenorrea desde 2015"), ("45", "amenorrea secundaria desde hace 10 años")],
    "it": [("45", "amenorrea secondaria dal 2015"), ("46", "amenorrea da 10 anni")],
    "nl": [("45", "secundaire amenorroe sinds 2015"), ("46", "amenorroe sinds 10 jaar")],
}

# stopped at 45 or later: still the menopause (fix234)
STOPPED_AT_THE_AGE = {
    "de": [("55", "keine Regel mehr seit 2018")],
    "en": [("50", "periods stopped 3 years ago"), ("49", "amenorrhoea since 2023")],
    "fr": [("52", "plus de règles depuis 2020")],
    "es": [("53", "sin reglas desde hace 4 años")],
    "it": [("51", "non ha più il ciclo da 2 anni")],
    "nl": [("56", "geen menstruatie meer sinds 2019")],
}


@pytest.mark.parametrize("lang", sorted(STOPPED_YOUNG))
def test_periods_stopped_before_the_menopause_age_are_no_menopause(
    tmp_path: Path, lang: str
) -> None:
    lines = [
        f"A{i},F,{age},2026-11-03,40,ng/mL,,{_quoted(words)}"
        for i, (age, words) in enumerate(STOPPED_YOUNG[lang])
    ]
    out = _rows(tmp_path, HEADER, lines)
    for i, (age, words) in enumerate(STOPPED_YOUNG[lang]):
        row = out.loc[f"A{i}"]
        said = (age, words, row["reference_stratum"], row["suggestions"])
        assert row["reference_stratum"] == "default:adult_female", said
        assert "pregnancy_test" in str(row["suggestions"]).split(";"), said


@pytest.mark.parametrize("lang", sorted(AMENORRHOEA_YOUNG))
def test_an_amenorrhoea_begun_young_keeps_its_work_up(tmp_path: Path, lang: str) -> None:
    lines = [
        f"A{i},F,{age},2026-11-03,40,ng/mL,,{_quoted(words)}"
        for i, (age, words) in enumerate(AMENORRHOEA_YOUNG[lang])
    ]
    out = _rows(tmp_path, HEADER, lines)
    for i, (age, words) in enumerate(AMENORRHOEA_YOUNG[lang]):
        row = out.loc[f"A{i}"]
        said = (age, words, row["reference_stratum"], row["priority"], row["suggestions"])
        assert row["reference_stratum"] == "default:adult_female", said
        assert row["priority"] == "soon", said
        suggestions = str(row["suggestions"]).split(";")
        for kept in ("pregnancy_test", "pituitary_mri", "endocrine_referral"):
            assert kept in suggestions, (kept, *said)


@pytest.mark.parametrize("lang", sorted(STOPPED_AT_THE_AGE))
def test_periods_stopped_at_the_menopause_age_stay_the_menopause(tmp_path: Path, lang: str) -> None:
    lines = [
        f"P{i},F,{age},2026-11-03,26,ng/mL,hot flushes,{_quoted(words)}"
        for i, (age, words) in enumerate(STOPPED_AT_THE_AGE[lang])
    ]
    out = _rows(tmp_path, HEADER, lines)
    for i, (age, words) in enumerate(STOPPED_AT_THE_AGE[lang]):
        row = out.loc[f"P{i}"]
        assert row["reference_stratum"] == "default:postmenopausal", (age, words)
        assert row["priority"] == "routine", (age, words, row["suggestions"])


def test_the_same_words_at_two_ages_are_read_for_each(tmp_path: Path) -> None:
    """One note at 45 (stopped at about 34) and at 60 (stopped at about 49) in one file: the
    rows share their words, never their reading."""
    words = _quoted("sekundäre Amenorrhoe seit 2015")
    lines = [
        f"Y1,F,45,2026-11-03,40,ng/mL,,{words}",
        f"O1,F,60,2026-11-03,40,ng/mL,,{words}",
        f"Y2,F,45,2026-11-03,40,ng/mL,,{words}",
    ]
    out = _rows(tmp_path, HEADER, lines)
    assert out.loc["Y1", "reference_stratum"] != "default:postmenopausal"
    assert out.loc["Y2", "reference_stratum"] != "default:postmenopausal"
    assert out.loc["O1", "reference_stratum"] == "default:postmenopausal"
