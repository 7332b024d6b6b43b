"""Review 29 (A), findings 3 and 5: regressions of fix234 mended.

3. The periods said to have stopped a year or more ago ("periods stopped 2 years ago", "keine
   Regel mehr seit 2021") are the menopause from menopause_min_age_years only when the row names
   no other cause of no periods: a hysterectomy, an endometrial ablation, a hormonal coil
   (Mirena, LNG-IUS), the pill or another hormonal contraceptive, a depot injection
   (Depo-Provera), a GnRH analogue, a pregnancy or breastfeeding, in the six languages and in
   the medication list.  With one, the absence of periods says nothing about the ovaries: the
   premenopausal interval stays (clinical-reference §2.1), so 25 ng/mL at 50 is normal, not a
   postmenopausal "high".
5. A delivery's day written without its year ("Sectio am 01.12.", "s/p C/S 12/1", "césarienne le
   01/12") a week after the sample is an upcoming, planned one: no delivery yet, never the same
   day a year earlier; as before fix234 it stays a delivery without a date and the pregnancy
   test is still suggested.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import csv_quoted as _quoted
from pipeline_helpers import triage_lines as _rows

HEADER = "patient_id,sex,age_years,collected_at,prolactin,prolactin_unit,medications,comments"

# ------------------------------------------------------------------------------------------
# 3. Periods stopped beside another cause of no periods: no menopause
# ------------------------------------------------------------------------------------------
EXPLAINED = {
    "en": [
        "periods stopped 2 years ago after hysterectomy",
        "no periods since 2023 - Mirena",
        "periods stopped 2 years ago, on OCP",
        "no periods since 2022 (endometrial ablation 2021)",
        "no periods for 2 years on Zoladex",
        "periods stopped 2 years ago, contraceptive injection",
    ],
    "de": [
        "keine Regel mehr seit 2021 (Z.n. Hysterektomie)",
        "keine Regel mehr seit 2 Jahren, Hormonspirale",
        "keine Regel mehr seit 2022, Z.n. Endometriumablation",
        "keine Regel mehr seit 2 Jahren unter Dreimonatsspritze",
        "keine Regel mehr seit 2 Jahren, nimmt die Pille",
    ],
    "fr": [
        "plus de règles depuis 2 ans sous pilule",
        "plus de règles depuis 2022, stérilet hormonal",
        "plus de règles depuis 2 ans (hystérectomie)",
        "plus de règles depuis 2 ans sous analogue de la GnRH",
    ],
    "es": [
        "sin reglas desde hace 2 años, DIU hormonal",
        "sin reglas desde hace 2 años, toma anticonceptivos orales",
        "sin reglas desde hace 2 años tras histerectomía",
    ],
    "it": [
        "non ha più il ciclo da 2 anni, pillola",
        "non ha più il ciclo da 2 anni, spirale ormonale",
        "senza mestruazioni dal 2022 dopo isterectomia",
    ],
    "nl": [
        "geen menstruatie meer sinds 2022, hormoonspiraal",
        "geen menstruatie meer sinds 2 jaar, gebruikt de pil",
        "geen menstruatie meer sinds 2022 na baarmoederverwijdering",
    ],
}


def _assert_premenopausal(row: object, words: str) -> None:
    stratum = row["reference_stratum"]  # type: ignore[index]
    assert stratum != "default:postmenopausal", (words, stratum)
    assert row["status"] == "normal", (words, row["status"], row["factors"])  # type: ignore[index]
    assert row["priority"] == "none", (words, row["priority"])  # type: ignore[index]


@pytest.mark.parametrize("lang", sorted(EXPLAINED))
def test_periods_stopped_with_another_cause_is_no_menopause(tmp_path: Path, lang: str) -> None:
    """25 ng/mL at 50: normal on the premenopausal interval (30), never a postmenopausal high."""
    lines = [
        f"M{i},F,50,24.11.2026,25,ng/mL,,{_quoted(words)}"
        for i, words in enumerate(EXPLAINED[lang])
    ]
    out = _rows(tmp_path, HEADER, lines)
    for i, words in enumerate(EXPLAINED[lang]):
        _assert_premenopausal(out.loc[f"M{i}"], words)


IN_THE_MEDICATIONS = [
    ("Pille (Valette)", "keine Regel mehr seit 2 Jahren"),
    ("Mirena", "no periods since 2022"),
    ("Zoladex 3,6 mg", "plus de règles depuis 2 ans"),
    ("Depo-Provera 150 mg", "sin reglas desde hace 2 años"),
    ("pillola estroprogestinica", "non ha più il ciclo da 2 anni"),
    ("anticonceptiepil", "geen menstruatie meer sinds 2022"),
]


@pytest.mark.parametrize(("medications", "words"), IN_THE_MEDICATIONS)
def test_a_cause_in_the_medication_list_is_no_menopause(
    tmp_path: Path, medications: str, words: str
) -> None:
    line = f"M1,F,50,24.11.2026,25,ng/mL,{_quoted(medications)},{_quoted(words)}"
    row = _rows(tmp_path, HEADER, [line]).loc["M1"]
    _assert_premenopausal(row, f"{medications} | {words}")


@pytest.mark.parametrize(
    "words",
    [
        "periods stopped 2 years ago",
        "keine Regel mehr seit 2021",
        "plus de règles depuis 2 ans, pas de pilule",
        "geen menstruatie meer sinds 2022, Mirena verwijderd 2019",
    ],
)
def test_without_another_cause_the_stop_is_still_the_menopause(tmp_path: Path, words: str) -> None:
    """The fix234 reading stays where no cause is named (or it is denied or removed)."""
    line = f"M1,F,50,24.11.2026,25,ng/mL,,{_quoted(words)}"
    row = _rows(tmp_path, HEADER, [line]).loc["M1"]
    assert row["reference_stratum"] == "default:postmenopausal", (words, row["reference_stratum"])


# ------------------------------------------------------------------------------------------
# 5. A day without its year shortly after the sample: a planned delivery
# ------------------------------------------------------------------------------------------
PLANNED = {
    "de": ["Sectio am 01.12.", "Kaiserschnitt am 01.12."],
    "fr": ["césarienne le 01/12"],
    "es": ["cesárea el 01/12"],
    "it": ["cesareo il 01/12"],
    "nl": ["keizersnede op 1.12."],
}


@pytest.mark.parametrize("lang", sorted(PLANNED))
def test_a_day_after_the_sample_is_a_planned_delivery(tmp_path: Path, lang: str) -> None:
    """Written on 24 November, a section on 1 December is upcoming: she has not delivered (no
    postpartum interval, not a delivery 51 weeks ago), and the pregnancy test stays."""
    lines = [
        f"S{i},F,30,24.11.2026,60,ng/mL,,{_quoted(words)}" for i, words in enumerate(PLANNED[lang])
    ]
    out = _rows(tmp_path, HEADER, lines)
    for i, words in enumerate(PLANNED[lang]):
        row = out.loc[f"S{i}"]
        assert "postpartum" not in str(row["reference_stratum"]), (words, row["reference_stratum"])
        assert "pregnancy_test" in str(row["suggestions"]).split(";"), (words, row["suggestions"])


def test_us_month_first_planned_section_keeps_the_pregnancy_test(tmp_path: Path) -> None:
    header = "patient_id,DOB,Sex,Collected,Component,Result,Units,Ref Range,Comment"
    line = "E1,02/14/1996,F,11/24/2026 08:15,PROLACTIN,60.0,ng/mL,4.8-23.3,s/p C/S 12/1"
    row = _rows(tmp_path, header, [line]).loc["E1"]
    assert "pregnancy_test" in str(row["suggestions"]).split(";"), row["suggestions"]


@pytest.mark.parametrize(
    ("collected", "words", "year"),
    [
        ("24.11.2026", "Sectio am 20.11.", "2026"),  # four days before: this year's
        ("05.01.2026", "Sectio am 28.12.", "2025"),  # eight days before: the year before's
        ("24.11.2026", "Entbindung am 01.06.", "2026"),  # half a year before
    ],
)
def test_a_day_before_the_sample_reads_as_with_its_year(
    tmp_path: Path, collected: str, words: str, year: str
) -> None:
    """A day and month shortly (or months) before the sample: the delivery written with that
    year, as fix234 read it."""
    lines = [
        f"D1,F,30,{collected},60,ng/mL,,{_quoted(words)}",
        f"D2,F,30,{collected},60,ng/mL,,{_quoted(words[:-1] + '.' + year)}",
    ]
    out = _rows(tmp_path, HEADER, lines)
    for column in ("reference_stratum", "status", "priority", "factors", "suggestions"):
        assert out.loc["D1", column] == out.loc["D2", column], (words, column)
