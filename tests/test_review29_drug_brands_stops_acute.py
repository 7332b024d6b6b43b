"""Review 29 (fix235): Australian/NZ and US brands of the prolactin-raising classes; a stop written
as a hold, with the US "x N days" or with "without" keeps a drug stopped within the 3-day washout;
a dose of an opioid or an IV cimetidine bolus just before the sample is a likely cause.

Clinical-reference §3.1 (classes and brands; opioids raise prolactin within 90-150 min of a
dose; cimetidine only after an IV bolus, not orally), §0 and §1.1 rec. 2.1 (stop the drug for 3
days, then re-measure), §0b (grades); output-contract §2 (brand names in any case), §7
(`routine` = high and explained by a factor).  One patient per case (F, 40 y, 85 ng/mL, sample
2026-11-04 08:00: tests/drug_stop_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from drug_stop_helpers import (
    assert_not_current,
    assert_still_acting,
    detail_codes,
    drug_factors,
    stop_row,
)


def _strength(row, code: str) -> str:  # type: ignore[no-untyped-def]
    return next(item["strength"] for item in row["factor_details"] if item["code"] == code)


# ---------------------------------------------------------------- AU/NZ and US brands (class 3)
# (cell as a pharmacy list writes it, the generic, its factor, whether high/moderate: likely)
BRANDS = [
    ("Pramin 10 mg tds", "metoclopramide", "medication:antiemetic_prokinetic", True),
    ("PRAMIN 10MG TDS", "metoclopramide", "medication:antiemetic_prokinetic", True),
    ("Nausetil 5mg bd", "prochlorperazine", "medication:antiemetic_prokinetic", False),
    ("Antinaus 5 mg tds", "prochlorperazine", "medication:antiemetic_prokinetic", False),
    ("Proziere 5mg mane", "prochlorperazine", "medication:antiemetic_prokinetic", False),
    ("Placil 25mg nocte", "clomipramine", "medication:antidepressant", True),
    ("Rispa 2mg", "risperidone", "medication:antipsychotic", True),
    ("Risperon 1 mg bd", "risperidone", "medication:antipsychotic", True),
    ("Rixadone 2mg nocte", "risperidone", "medication:antipsychotic", True),
    ("Sulprix 200mg bd", "amisulpride", "medication:antipsychotic", True),
    ("Anpec SR 240", "verapamil", "medication:verapamil", False),
    ("Veracaps SR 180 daily", "verapamil", "medication:verapamil", False),
    ("Cordilox 80mg tds", "verapamil", "medication:verapamil", False),
    ("Lovan 20mg mane", "fluoxetine", "medication:antidepressant", False),
    ("Zactin 20 mg", "fluoxetine", "medication:antidepressant", False),
    ("Endone 5mg q4h", "oxycodone", "medication:opioid", False),
    ("Panadeine Forte 2 tabs qid", "codeine", "medication:opioid", False),
    ("Anamorph 10mg q4h", "morphine", "medication:opioid", False),
    ("Biodone Forte 60mg daily", "methadone", "medication:opioid", False),
    ("Magicul 400 mg bd", "cimetidine", "medication:h2_antagonist", False),
    ("Brenda-35 ED", "ethinylestradiol", "medication:estrogen", False),
    ("Roxicet 5/325 q6h", "oxycodone", "medication:opioid", False),
    ("Junel 1/20 daily", "ethinylestradiol", "medication:estrogen", False),
]


@pytest.mark.parametrize(("cell", "generic", "code", "likely"), BRANDS)
def test_brand_names_their_drug(
    tmp_path: Path, cell: str, generic: str, code: str, likely: bool
) -> None:
    row = stop_row(tmp_path, cell)
    assert code in drug_factors(row), (cell, row["factor_evidence"])
    assert f"→ {generic}" in row["factor_evidence"], (cell, row["factor_evidence"])
    if likely:
        assert _strength(row, code) == "likely", (cell, row["factor_evidence"])
        assert row["priority"] == "routine", (cell, row["priority"])
        assert "medication_review" in detail_codes(row, "suggestion_details")


def test_au_brand_spares_the_pituitary_work_up(tmp_path: Path) -> None:
    """A metoclopramide brand read: a drug review and a rested repeat, not an MRI first."""
    row = stop_row(tmp_path, "Pramin 10 mg tds")
    steps = detail_codes(row, "suggestion_details")
    assert "pituitary_mri" not in steps, steps
    assert "unexplained" not in detail_codes(row, "factor_details")


@pytest.mark.parametrize(
    "cell",
    [
        "Maxalon 10mg",  # no metoclopramide brand (a misspelt Maxalt: rizatriptan)
        "Somac 40mg; Nexium 20mg",  # PPIs
        "tutto in ordine, nessun farmaco nuovo",  # Italian "ordine" is no morphine
    ],
)
def test_words_that_are_no_brand_stay_unread(tmp_path: Path, cell: str) -> None:
    row = stop_row(tmp_path, cell)
    assert not drug_factors(row), (cell, row["factor_evidence"])


# ------------------------------------------------------- stops written as holds or "x N days"
# (cell, in the medication list or a note): stopped 2 days or 48 h before the sample
STOPPED_WITHIN = [
    "off Risperdal x 2 days",
    "Risperdal held x 2 days",
    "Risperdal held x2d",
    "Risperdal HELD for 2 days",
    "Reglan withheld x 48h",
    "Risperdal on hold x 2 days",
    "Risperdal stopped x 2 days",
    # de
    "Risperdal ausgesetzt seit 2 Tagen",
    "seit 2 Tagen ohne Risperdal",
    "ohne Risperdal seit 2 Tagen",
    "Risperdal unterbrochen seit 2 Tagen",
    # fr
    "sans Risperdal depuis 2 jours",
    # es
    "Risperdal interrumpido desde hace 2 días",
    "sin Risperdal desde hace 2 días",
    "Risperdal pausada desde hace 2 días",
    # it
    "senza Risperdal da 2 giorni",
    # nl
    "Risperdal onderbroken sinds 2 dagen",
    "Risperdal stopgezet sinds 2 dagen",
    "zonder Risperdal sinds 2 dagen",
]


@pytest.mark.parametrize("cell", STOPPED_WITHIN)
def test_stop_within_the_washout_still_acts(tmp_path: Path, cell: str) -> None:
    row = stop_row(tmp_path, cell)
    assert_still_acting(row, cell)
    assert row["priority"] == "routine", (cell, row["priority"])


@pytest.mark.parametrize("cell", ["off Risperdal x 2 days", "Risperdal held x 2 days"])
def test_stop_within_the_washout_in_a_note(tmp_path: Path, cell: str) -> None:
    row = stop_row(tmp_path, "", cell)
    assert_still_acting(row, cell)


STOPPED_BEYOND = [
    "off Risperdal x 2 weeks",
    "Risperdal held x 2 wks",
    "Risperdal withheld x 10 days",
    "Risperdal ausgesetzt seit 2 Wochen",
    "Risperdal unterbrochen seit 3 Wochen",
    "sans Risperdal depuis 3 semaines",
    "Risperdal interrumpido desde hace 2 semanas",
    "senza Risperdal da 3 settimane",
    "Risperdal onderbroken sinds 3 weken",
]


@pytest.mark.parametrize("cell", STOPPED_BEYOND)
def test_stop_beyond_the_washout_is_no_factor(tmp_path: Path, cell: str) -> None:
    assert_not_current(stop_row(tmp_path, cell), cell)


@pytest.mark.parametrize(
    "cell",
    [
        "Risperdal 2 mg x 2 daily",  # a count, no stop
        "Risperdal 2mg; off work x 2 weeks",  # another item's "off"
        "Risperdal 2mg, sin efectos adversos desde hace 2 semanas",  # "without" side effects
    ],
)
def test_taken_drug_stays_taken(tmp_path: Path, cell: str) -> None:
    row = stop_row(tmp_path, cell)
    assert "medication:antipsychotic" in drug_factors(row), (cell, row["factor_evidence"])
    assert "washout" not in row["factor_evidence"], (cell, row["factor_evidence"])


# ------------------------------------------------------------- a dose just before the sample
ACUTE = [
    ("cimetidine 200 mg IV bolus 30 min before sample", "medication:h2_antagonist"),
    ("Cimetidin 200 mg i.v. 30 min vor Blutentnahme", "medication:h2_antagonist"),
    ("cimétidine 200 mg IV 30 min avant le prélèvement", "medication:h2_antagonist"),
    ("cimetidina 200 mg ev 30 minuti prima del prelievo", "medication:h2_antagonist"),
    ("morphine 10 mg IV 1 h before sample", "medication:opioid"),
    ("Morphin 10 mg s.c. vor 90 min", "medication:opioid"),
    ("oxycodone 10 mg 2 h before sample", "medication:opioid"),
    ("morphine 10 mg SC 1 h avant le prélèvement", "medication:opioid"),
    ("morfina 10 mg iv hace 1 hora", "medication:opioid"),
    ("morfina 10 mg ev 1 ora prima del prelievo", "medication:opioid"),
    ("morfine 10 mg sc 1 uur voor de bloedafname", "medication:opioid"),
    ("Endone 5mg 90 mins prior to bloods", "medication:opioid"),
]


@pytest.mark.parametrize(("cell", "code"), ACUTE)
def test_acute_dose_before_the_sample_is_likely(tmp_path: Path, cell: str, code: str) -> None:
    row = stop_row(tmp_path, cell)
    assert _strength(row, code) == "likely", (cell, row["factor_evidence"])
    assert row["priority"] == "routine", (cell, row["priority"])
    assert "before the sample: its rise follows a dose" in row["factor_evidence"]


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("cimetidine 400 mg bd oral", "medication:h2_antagonist"),
        ("cimetidine 400 mg orally 1 h before sample", "medication:h2_antagonist"),
        ("Tagamet 400 nocte", "medication:h2_antagonist"),
        ("codeine 30 mg qds", "medication:opioid"),
        ("methadone 90 mg daily", "medication:opioid"),
        ("morphine 10 mg 6 h before sample", "medication:opioid"),
        ("MS Contin 30 bid", "medication:opioid"),
    ],
)
def test_chronic_or_oral_dosing_stays_possible(tmp_path: Path, cell: str, code: str) -> None:
    row = stop_row(tmp_path, cell)
    assert _strength(row, code) == "possible", (cell, row["factor_evidence"])
    assert row["priority"] == "soon", (cell, row["priority"])


def test_as_needed_dose_just_before_the_sample_is_no_doubt(tmp_path: Path) -> None:
    cell = "metoclopramide 10 mg prn 1 h before sample"
    row = stop_row(tmp_path, cell)
    assert _strength(row, "medication:antiemetic_prokinetic") == "likely", row["factor_evidence"]
    assert "taken as needed, its rise follows a dose" in row["factor_evidence"]
