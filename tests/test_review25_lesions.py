"""Review 25 (an oncology and palliative-care hunt, a pituitary MDT's and a consultant
endocrinologist's): known pituitary and hypothalamic lesions, and cranial radiotherapy, as notes
write them.

1. A metastasis in the pituitary, the sella, the stalk or the hypothalamus ("metástasis
   hipofisaria", "pituitary metastasis", "Hypophysenmetastase", "métastase hypophysaire",
   "metastasi ipofisaria", "hypofysemetastase", "metastasis to the pituitary stalk") was read as
   nothing: a known sellar lesion (clinical-reference §1.1 pituitary and stalk/hypothalamic
   lesions), urgent with a red flag whatever the result (contract §7 as the extensions apply it),
   and with a raised result the lesion's factor, never "unexplained".  Another organ's metastases
   name no sellar lesion, and no longer make a named adenoma one that "does not secrete".
2. Cranial radiotherapy in oncology shorthand ("RT holocraneal", "RT panencefalica", "whole
   brain RT", "cranial XRT", "SRS for brain mets", "PCI" after a small-cell lung cancer) was read
   as nothing: clinical-reference §1.1 lists cranial radiation among the causes (the project's
   `cranial_radiation`).  An abbreviation counts only beside a cranial or pituitary site; "PCI"
   only beside a lung cancer, brain metastases, the skull or a dose in Gy, never beside the
   heart's words (a percutaneous coronary intervention) or the peritoneum's.  Radiotherapy of
   the pituitary ("pit RT", "DXT to pituitary", "RT to pituitary remnant") is also known
   pituitary disease: the MRI and pituitary function, no macroprolactin screen first.
3. A single anterior pituitary deficiency, GH or TSH, written as known and replaced, was read as
   nothing: known pituitary disease as the whole lobe's failure is (§5 lists the GH axis among
   the mass effects; §1.4 assess the axes).
4. "<disease> of the hypothalamus / the stalk" ("sarcoidosis of the hypothalamus",
   "Langerhans cell histiocytosis of the stalk", "germinoma of the pituitary stalk", and the
   same shape in every language) was read as nothing: a stalk/hypothalamic lesion (§1.1).

Synthetic patients only; through the public pipeline, several phrasings in one CSV per test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "patient_id,sex,age,prolactin,unit,medications,symptoms,comments"


def _run(
    tmp_path: Path,
    notes: list[str],
    *,
    prolactin: float,
    sex: str = "M",
    symptoms: str = "",
    medications: str = "",
) -> list[pd.Series]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    lines = [
        f"P{i},{sex},58,{prolactin},ng/mL,{csv_quoted(medications)},{csv_quoted(symptoms)},"
        f"{csv_quoted(note)}"
        for i, note in enumerate(notes)
    ]
    out = triage_lines(tmp_path, HEADER, lines)
    return [out.loc[f"P{i}"] for i in range(len(notes))]


def _factors(row: pd.Series) -> set[str]:
    return set(str(row["factors"] or "").split(";")) - {""}


def _steps(row: pd.Series) -> set[str]:
    return set(str(row["suggestions"] or "").split(";")) - {""}


def _evidence(row: pd.Series, code: str) -> str:
    return next((f["evidence"] for f in row["factor_details"] if f["code"] == code), "")


LESION_FACTORS = {"known_pituitary_lesion", "stalk_effect"}


# 1. a metastasis of the pituitary, the sella, the stalk or the hypothalamus -------------------
SELLAR_METASTASES = {
    "en": [
        "breast cancer, pituitary metastasis",
        "sellar metastasis from renal cell carcinoma",
        "NSCLC with metastasis to the pituitary",
    ],
    "es": [
        "Ca pulmón, metástasis hipofisaria",
        "Ca renal, metástasis selar",
        "metástasis en silla turca de Ca de mama",
    ],
    "it": ["Ca mammella, metastasi ipofisaria", "metastasi sellare da carcinoma renale"],
    "de": ["Mammakarzinom mit Hypophysenmetastase", "sellärer Metastase bei Bronchialkarzinom"],
    "fr": ["métastase hypophysaire d'un cancer du sein", "métastase sellaire d'un mélanome"],
    "nl": ["hypofysemetastase van longcarcinoom", "sellaire metastase bij mammacarcinoom"],
}
STALK_METASTASES = {
    "en": ["metastasis to the pituitary stalk", "hypothalamic metastasis of lung cancer"],
    "es": ["metástasis hipotalámica de Ca pulmón", "metástasis en el tallo hipofisario"],
    "it": ["metastasi ipotalamica da melanoma", "metastasi dello stelo ipofisario"],
    "de": ["Hypothalamusmetastase eines Melanoms", "Metastase im Hypophysenstiel"],
    "fr": ["métastase hypothalamique", "métastase de la tige pituitaire"],
    "nl": ["hypothalame metastase van melanoom", "metastase in de hypofysesteel"],
}


@pytest.mark.parametrize("language", sorted(SELLAR_METASTASES))
def test_a_sellar_metastasis_with_a_red_flag_is_urgent_whatever_the_result(
    tmp_path: Path, language: str
) -> None:
    notes = SELLAR_METASTASES[language] + STALK_METASTASES[language]
    for note, row in zip(
        notes, _run(tmp_path, notes, prolactin=12, symptoms="diplopia"), strict=True
    ):
        assert row["priority"] == "urgent", (note, row["factors"])
        assert _factors(row) & LESION_FACTORS, (note, row["factors"])
        assert "urgent_endocrine_referral" in _steps(row), note


@pytest.mark.parametrize("language", sorted(SELLAR_METASTASES))
def test_a_raised_result_beside_a_sellar_metastasis_is_the_lesions(
    tmp_path: Path, language: str
) -> None:
    notes = SELLAR_METASTASES[language]
    for note, row in zip(notes, _run(tmp_path, notes, prolactin=80), strict=True):
        factors = _factors(row)
        assert "known_pituitary_lesion" in factors, (note, factors)
        assert not factors & {"unexplained", "prolactinoma_suspected"}, (note, factors)
        # a metastasis is no adenoma: it secretes no prolactin, and gets no hook-effect dilution
        assert "does not secrete prolactin" in _evidence(row, "known_pituitary_lesion"), note
        assert {"pituitary_mri", "pituitary_function_tests"} <= _steps(row), note
        assert not _steps(row) & {"macroprolactin_screen", "dilution_retest"}, note
        assert row["priority"] == "soon", note


@pytest.mark.parametrize("language", sorted(STALK_METASTASES))
def test_a_metastasis_of_the_stalk_or_hypothalamus_acts_through_the_stalk(
    tmp_path: Path, language: str
) -> None:
    notes = STALK_METASTASES[language]
    for note, row in zip(notes, _run(tmp_path, notes, prolactin=60), strict=True):
        assert "stalk_effect" in _factors(row), (note, row["factors"])
        assert "unexplained" not in _factors(row), note
        assert "macroprolactin_screen" not in _steps(row), note


def test_other_organs_metastases_name_no_sellar_lesion(tmp_path: Path) -> None:
    notes = [
        "liver metastases",
        "bone metastases from prostate cancer",
        "metástasis hepáticas",
        "Lebermetastasen",
        "métastases osseuses",
        "metastasi epatiche",
        "levermetastasen",
        "no pituitary metastasis on MRI",
    ]
    for note, row in zip(notes, _run(tmp_path, notes, prolactin=60), strict=True):
        assert not _factors(row) & LESION_FACTORS, (note, row["factors"])


def test_another_organs_metastases_leave_an_adenoma_an_adenoma(tmp_path: Path) -> None:
    # an NFPA of 32 mm at 60 ng/mL: stalk effect and a macroprolactinoma read low (hook effect)
    # are both to exclude; liver metastases beside it do not make it a lesion that secretes none
    notes = ["liver metastases; NFPA 32 mm", "metástasis hepáticas; macroadenoma hipofisario 32 mm"]
    for note, row in zip(notes, _run(tmp_path, notes, prolactin=60), strict=True):
        assert {"stalk_effect", "known_pituitary_lesion"} <= _factors(row), (note, row["factors"])
        assert "hook_effect_risk" in _steps(row), note


# 2. cranial radiotherapy in oncology shorthand -------------------------------------------------
CRANIAL_SHORTHAND = {
    "en": [
        "SCLC, whole brain RT 2025",
        "cranial XRT 1990",
        "SRS for brain mets 2022",
        "small cell lung cancer, PCI 2025",
        "limited-stage SCLC - chemo-RT then PCI 25 Gy",
    ],
    "es": [
        "Ca pulmón microcítico, RT holocraneal 2025",
        "Ca pulmón microcítico, PCI 2025",
        "irradiación holocraneal 2024",
        "radioterapia encefalica 2024",
        "SRS a metástasis cerebral",
    ],
    "it": [
        "metastasi cerebrali, RT panencefalica 2025",
        "microcitoma polmonare, PCI 2024",
        "radioterapia stereotassica encefalo",
    ],
    "de": [
        "kleinzelliges Bronchialkarzinom, PCI 2024",
        "Z.n. Schädel-RT 2019",
        "Bestrahlung von Hirnmetastasen 2023",
    ],
    "fr": [
        "RT encéphalique 2023",
        "CBPC, PCI 2024",
        "radiothérapie des métastases cérébrales",
    ],
    "nl": ["kleincellig longcarcinoom, PCI 2024", "RT hersenen 2022"],
}


@pytest.mark.parametrize("language", sorted(CRANIAL_SHORTHAND))
def test_cranial_radiotherapy_shorthand_is_a_possible_cause(tmp_path: Path, language: str) -> None:
    notes = CRANIAL_SHORTHAND[language]
    for note, row in zip(notes, _run(tmp_path, notes, prolactin=38), strict=True):
        assert "cranial_radiation" in _factors(row), (note, row["factors"])
        assert "unexplained" not in _factors(row), note


PITUITARY_RADIOTHERAPY = {
    "en": [
        "pit RT 2008",
        "post DXT to pituitary 2008",
        "pituitary DXT 2008",
        "fractionated stereotactic RT to pituitary 2012",
        "SRS (CyberKnife) to pituitary remnant 2016",
        "s/p pit DXT 2008, GHD",
    ],
    "de": ["Z.n. RTx Hypophyse 2012", "Hypophysenbestrahlung 2010"],
    "fr": ["radiothérapie de l'hypophyse en 2010", "RT hypophysaire 2014"],
    "es": ["RT hipofisaria 2015", "radioterapia de la hipófisis 2011"],
    "it": ["RT ipofisaria 2013", "radioterapia dell'ipofisi 2009"],
    "nl": ["bestraling van de hypofyse 2009", "hypofyse RT 2012"],
}


@pytest.mark.parametrize("language", sorted(PITUITARY_RADIOTHERAPY))
def test_radiotherapy_of_the_pituitary_is_known_pituitary_disease(
    tmp_path: Path, language: str
) -> None:
    notes = PITUITARY_RADIOTHERAPY[language]
    for note, row in zip(notes, _run(tmp_path, notes, prolactin=38, sex="F"), strict=True):
        assert {"known_pituitary_lesion", "cranial_radiation"} <= _factors(row), (
            note,
            row["factors"],
        )
        evidence = _evidence(row, "known_pituitary_lesion")
        assert "after pituitary radiotherapy" in evidence, (note, evidence)
        assert {"pituitary_mri", "pituitary_function_tests"} <= _steps(row), note
        assert "macroprolactin_screen" not in _steps(row), note


NOT_CRANIAL = [
    # a percutaneous coronary intervention, a peritoneal cancer index
    "STEMI 2019, PCI LAD",
    "NSTEMI 2021 - PCI + DES",
    "Herzkatheter 2020 mit PCI der RCA",
    "angioplastia coronaria (PCI) 2018",
    "SCA ST+ en 2017, PCI IVA",
    "PCI 2019",
    "ovarian cancer, HIPEC, PCI 12",
    # another organ's radiotherapy, or one not given
    "breast cancer, adjuvant RT 2020",
    "RT head and neck 2019",
    "SCLC, thoracic RT 2024",
    "RT de la mama 2018",
    "Ca mammella, RT sulla mammella",
    "SCLC, PCI declined",
    "SCLC, PCI planned",
    "arm pit RT 2015",
    "no cranial RT",
]


def test_other_radiotherapies_and_a_coronary_pci_are_no_cranial_radiation(tmp_path: Path) -> None:
    for note, row in zip(NOT_CRANIAL, _run(tmp_path, NOT_CRANIAL, prolactin=38), strict=True):
        assert "cranial_radiation" not in _factors(row), (note, row["factors"])
        assert "known_pituitary_lesion" not in _factors(row), (note, row["factors"])


def test_a_low_result_after_prophylactic_cranial_irradiation_asks_for_pituitary_function(
    tmp_path: Path,
) -> None:
    notes = ["SCLC, PCI 2023", "Ca pulmón microcítico, RT holocraneal 2023", "STEMI, PCI 2023"]
    rows = _run(tmp_path, notes, prolactin=1)
    for note, row in zip(notes[:2], rows[:2], strict=True):
        assert "pituitary_function_tests" in _steps(row), note
    assert "pituitary_function_tests" not in _steps(rows[2])


# 3. a single anterior pituitary deficiency, known and replaced -------------------------------
SINGLE_DEFICIENCIES = {
    "en": [
        "GHD, TSH deficiency on thyroxine",
        "GH deficiency on somatropin",
        "adult GHD on Genotropin",
        "TSH deficiency, on levothyroxine",
        "growth hormone deficiency, replaced",
    ],
    "de": ["Wachstumshormonmangel, substituiert", "TSH-Mangel unter L-Thyroxin"],
    "fr": ["déficit somatotrope substitué", "déficit thyréotrope substitué"],
    "es": [
        "deficiencia de GH en tratamiento con somatropina",
        "déficit de TSH, con levotiroxina",
    ],
    "it": ["deficit di GH in terapia sostitutiva", "deficit di TSH in terapia con levotiroxina"],
    "nl": ["groeihormoondeficiëntie, gesubstitueerd", "TSH-deficiëntie, gesubstitueerd"],
}


@pytest.mark.parametrize("language", sorted(SINGLE_DEFICIENCIES))
def test_a_replaced_single_deficiency_is_known_pituitary_disease(
    tmp_path: Path, language: str
) -> None:
    notes = SINGLE_DEFICIENCIES[language]
    for note, row in zip(notes, _run(tmp_path, notes, prolactin=38, sex="F"), strict=True):
        assert "known_pituitary_lesion" in _factors(row), (note, row["factors"])
        assert "unexplained" not in _factors(row), note
        assert "macroprolactin_screen" not in _steps(row), note
        assert "pituitary_function_tests" in _steps(row), note
        assert row["priority"] == "soon", note  # known disease: no new red flag


def test_growth_hormone_in_the_medication_column_replaces_it(tmp_path: Path) -> None:
    notes = ["GHD", "Wachstumshormonmangel", "déficit somatotrope"]
    rows = _run(tmp_path, notes, prolactin=38, sex="F", medications="Norditropin 0.4 mg daily")
    for note, row in zip(notes, rows, strict=True):
        assert "known_pituitary_lesion" in _factors(row), (note, row["factors"])
        assert row["priority"] == "soon", note


def test_a_new_or_denied_deficiency(tmp_path: Path) -> None:
    notes = ["new GH deficiency", "TSH deficiency, not replaced", "no GH deficiency", "GHD?"]
    rows = _run(tmp_path, notes, prolactin=38, sex="F")
    # new or unreplaced: a failure of the pituitary is a mass effect, a red flag (§5)
    assert rows[0]["priority"] == "urgent", rows[0]["factors"]
    assert rows[1]["priority"] == "urgent", rows[1]["factors"]
    # denied or queried: nothing
    for note, row in zip(notes[2:], rows[2:], strict=True):
        assert row["priority"] != "urgent", note
        assert "known_pituitary_lesion" not in _factors(row), note


def test_a_hypogonadotropic_hypogonadism_is_no_pituitary_disease(tmp_path: Path) -> None:
    # a raised prolactin causes one itself (clinical-reference §5): guard
    notes = ["hypogonadotropic hypogonadism on HRT", "hypogonadotroper Hypogonadismus"]
    for note, row in zip(notes, _run(tmp_path, notes, prolactin=38, sex="F"), strict=True):
        assert "known_pituitary_lesion" not in _factors(row), note


# 4. a disease of the hypothalamus or the stalk -----------------------------------------------
OF_THE_HYPOTHALAMUS = {
    "en": [
        "sarcoidosis of the hypothalamus",
        "sarcoidosis of hypothalamus and stalk",
        "involvement of the hypothalamus by sarcoidosis",
        "Langerhans cell histiocytosis of the stalk",
        "germinoma of the pituitary stalk",
        "lymphoma involving the hypothalamus",
    ],
    "de": [
        "Sarkoidose des Hypothalamus",
        "Germinom im Hypophysenstiel",
        "Lymphom des Hypothalamus",
    ],
    "fr": [
        "sarcoïdose du hypothalamus",
        "histiocytose de la tige pituitaire",
        "germinome de l'hypothalamus",
    ],
    "es": [
        "sarcoidosis del hipotálamo",
        "germinoma del tallo hipofisario",
        "linfoma en el hipotálamo",
    ],
    "it": [
        "sarcoidosi dell'ipotalamo",
        "germinoma dello stelo ipofisario",
        "istiocitosi dell’ipotalamo",
    ],
    "nl": ["sarcoïdose van de hypothalamus", "germinoom van de hypofysesteel"],
}


@pytest.mark.parametrize("language", sorted(OF_THE_HYPOTHALAMUS))
def test_a_disease_of_the_hypothalamus_or_stalk_is_a_stalk_lesion(
    tmp_path: Path, language: str
) -> None:
    notes = OF_THE_HYPOTHALAMUS[language]
    for note, row in zip(notes, _run(tmp_path, notes, prolactin=28, sex="F"), strict=True):
        assert "stalk_effect" in _factors(row), (note, row["factors"])
        assert {"pituitary_mri", "pituitary_function_tests"} <= _steps(row), note
        assert "macroprolactin_screen" not in _steps(row), note
        assert row["priority"] == "soon", note


def test_other_sites_and_functional_words_are_no_stalk_lesion(tmp_path: Path) -> None:
    notes = [
        "sarcoidosis of the lung",
        "Sarkoidose der Lunge",
        "sarcoïdose pulmonaire",
        "no lesion of the hypothalamus",
        "hypothalamic amenorrhoea",
        "lymphoma of the stomach",
    ]
    for note, row in zip(notes, _run(tmp_path, notes, prolactin=28, sex="F"), strict=True):
        assert not _factors(row) & LESION_FACTORS, (note, row["factors"])
