"""Review 22: drugs taken as needed, drug use written as a dependence, another person's drug, and
transgender patients.

- an as-needed drug written as a reserve ("Reservemedikation Haldol", "Haldol 5 mg (Reserve)",
  "en réserve", "i.R."), after its indication ("metoclopramide for nausea as required"), or
  listed under an as-needed label or column ("Bedarfsmedikation", "PRN medication", "Médicaments
  si besoin") was read as taken regularly: a likely cause, routine.  Clinical-reference §3.1 (a
  metoclopramide or antipsychotic rise follows a dose) and §8: a possible cause only, and the
  time of the last dose is asked;
- a dependence or use written as one German or Dutch word ("Heroinabhängigkeit", "Kokainkonsum",
  "heroïneverslaving"), the addict's words of fr/es/it ("héroïnomanie", "heroinómano",
  "eroinomane") and the oral morphine brands of Austria and Switzerland (Substitol, Compensan,
  Vendal, Mundidol, Sevre-Long, Kapanol) named no drug: §3.1 lists heroin (street users ~55%
  hyperprolactinaemic) and morphine among the opioids, cocaine and cannabis among the case
  reports;
- a partner named with the partner's sex ("female partner on cabergoline") and a mother's drug
  for her milk written in her baby's row ("mother takes domperidone to increase milk supply")
  were the patient's own (§3: the patient's medication);
- a trans woman was asked for a pregnancy test (§1.4: only one who could be pregnant), recorded
  male she was asked for testosterone "for hypogonadism", and her oestradiol was "an unlikely
  cause" (§3.1: gender-affirming oestrogen, high-dose oestrogen raises prolactin more); a trans
  man recorded male was never asked for a pregnancy test though he may be pregnant.

Synthetic patients only; through the public pipeline, several phrasings in one CSV per test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

AS_NEEDED = "taken as needed"
LAST_DOSE = "ask when the last dose"


def _run(
    tmp_path: Path, header: str, rows: list[list[str]], prolactin: float = 70
) -> list[pd.Series]:
    """One row per cell list (sex, age, then the rest of ``header``'s context columns)."""
    lines = [
        f"P{i},{cells[0]},{cells[1]},{prolactin},ng/mL," + ",".join(map(csv_quoted, cells[2:]))
        for i, cells in enumerate(rows)
    ]
    out = triage_lines(tmp_path, f"patient_id,sex,age,prolactin,unit,{header}", lines)
    return [out.loc[f"P{i}"] for i in range(len(rows))]


def _factor(row: pd.Series, prefix: str) -> dict[str, str] | None:
    return next((f for f in row["factor_details"] if f["code"].startswith(prefix)), None)


def _reason(row: pd.Series, code: str) -> str:
    found = [s["reason"] for s in row["suggestion_details"] if s["code"] == code]
    return found[0] if found else ""


def _codes(row: pd.Series) -> list[str]:
    return str(row["suggestions"]).split(";")


# 1. As needed -------------------------------------------------------------------------------
AS_NEEDED_CELLS = [
    "Reservemedikation Haldol 5 mg",
    "Haldol 5 mg (Reserve)",
    "Bedarfsmedikation: Haloperidol 5 mg",
    "Haldol 5 mg en réserve",
    "Haldol 5 mg en reserva",
    "Serenase 5 mg in riserva",
    "Haloperidol 5mg i.R.",
    "Haldol 5 mg en si besoin",
    "metoclopramide for nausea as required",
    "MCP gegen Übelkeit bei Bedarf",
    "Paspertin 10 mg (Bedarf)",
    "Risperdal 2 mg 1-0-1; Bedarfsmedikation: Tavor 1 mg, Haldol 5 mg",
]


def test_a_reserve_or_labelled_as_needed_drug_is_a_possible_cause(tmp_path: Path) -> None:
    rows = _run(tmp_path, "medication", [["F", "40", cell] for cell in AS_NEEDED_CELLS])
    for cell, row in zip(AS_NEEDED_CELLS, rows, strict=True):
        found = _factor(row, "medication:")
        assert found is not None, cell
        assert AS_NEEDED in found["evidence"], (cell, found["evidence"])
        assert LAST_DOSE in _reason(row, "medication_review"), cell
    # the regular antipsychotic before the label stays a regular one
    assert (
        "'Risperdal 2 mg 1-0-1' → risperidone (antipsychotic; can raise prolactin to ~200 ng/mL)"
        in rows[-1]["factor_evidence"]
    )


def test_an_as_needed_column_makes_its_drugs_as_needed(tmp_path: Path) -> None:
    # the medication column itself headed so; a depot there is still a depot, never as needed
    alone = _run(
        tmp_path, "Bedarfsmedikation", [["F", "40", "Haldol 5 mg"], ["F", "40", "Xeplion"]]
    )
    # a second and third medication column headed so, beside the regular list
    header = "Medikation,PRN medication,Médicaments si besoin,Terapia al bisogno"
    beside = _run(
        tmp_path,
        header,
        [
            ["F", "40", "L-Thyroxin", "Haldol 5 mg", "", ""],
            ["F", "40", "Risperdal 2 mg", "", "Primpéran 10 mg", ""],
            ["F", "40", "L-Thyroxin", "", "", "Serenase 5 mg"],
        ],
    )
    for row, written in zip(
        [alone[0], *beside],
        [
            "Bedarfsmedikation: Haldol 5 mg",
            "PRN medication: Haldol 5 mg",
            "Médicaments si besoin: Primpéran 10 mg",
            "Terapia al bisogno: Serenase 5 mg",
        ],
        strict=True,
    ):
        found = [f for f in row["factor_details"] if written in f["evidence"]]
        assert found and AS_NEEDED in found[0]["evidence"], (written, row["factor_evidence"])
    assert (
        "'Risperdal 2 mg' → risperidone (antipsychotic; can raise prolactin to ~200 ng/mL)"
        in (beside[1]["factor_evidence"])
    )
    depot = _factor(alone[1], "medication:antipsychotic")
    assert depot is not None and AS_NEEDED not in depot["evidence"], depot


REGULAR_CELLS = [
    "Haldol 5 mg",
    "Haloperidol 5 mg i.R. einer Studie",
    "metoclopramide for nausea",
    "Risperdal 2 mg, ovarian reserve low",
    "Bedarfsmedikation: Tavor 1 mg. Dauermedikation: Risperdal 2 mg",
    "PRN: Tavor; regular: Risperdal 2 mg",
]


def test_a_regular_drug_beside_reserve_words_stays_regular(tmp_path: Path) -> None:
    rows = _run(tmp_path, "medication", [["F", "40", cell] for cell in REGULAR_CELLS])
    for cell, row in zip(REGULAR_CELLS, rows, strict=True):
        found = _factor(row, "medication:antipsychotic") or _factor(row, "medication:antiemetic")
        assert found is not None, cell
        assert AS_NEEDED not in found["evidence"], (cell, found["evidence"])


# 2. Drug use and dependence ----------------------------------------------------------------
DRUG_USE = [
    ("Heroinabhängigkeit, Substitol", "diamorphine"),
    ("Heroinkonsum", "diamorphine"),
    ("Opiatabhängigkeit", "opioid"),
    ("héroïnomanie", "diamorphine"),
    ("heroinómano", "diamorphine"),
    ("eroinomane", "diamorphine"),
    ("heroïneverslaving", "diamorphine"),
    ("opioid use disorder", "opioid"),
    ("Kokainkonsum", "cocaine"),
    ("Cannabiskonsum", "cannabis"),
]


def test_drug_use_written_as_one_word_names_its_drug(tmp_path: Path) -> None:
    denied = ["keine Heroinabhängigkeit", "Kokainkonsum verneint", "Transfusion 2019"]
    texts = [text for text, _ in DRUG_USE] + denied
    rows = _run(tmp_path, "Diagnosen", [["M", "35", text] for text in texts], prolactin=60)
    for (text, drug), row in zip(DRUG_USE, rows[: len(DRUG_USE)], strict=True):
        assert "unexplained" not in str(row["factors"]), (text, row["factor_evidence"])
        assert f"→ {drug}" in row["factor_evidence"], (text, row["factor_evidence"])
    # §3.1: street heroin ~55% hyperprolactinaemic (a likely cause); cocaine, cannabis: case
    # reports (possible)
    assert _factor(rows[1], "medication:opioid")["strength"] == "likely"  # type: ignore[index]
    assert _factor(rows[8], "medication:other")["strength"] == "possible"  # type: ignore[index]
    for text, row in zip(denied, rows[len(DRUG_USE) :], strict=True):
        assert _factor(row, "medication:") is None, (text, row["factor_evidence"])


MORPHINE_BRANDS = [
    "Substitol 200 mg",
    "Compensan 100 mg",
    "Vendal retard",
    "Mundidol 30 mg",
    "Sevre-Long 120 mg",
    "Kapanol 50 mg",
]


def test_austrian_and_swiss_oral_morphine_brands_are_morphine(tmp_path: Path) -> None:
    rows = _run(tmp_path, "Medikation", [["M", "35", b] for b in MORPHINE_BRANDS], prolactin=60)
    for brand, row in zip(MORPHINE_BRANDS, rows, strict=True):
        assert "→ morphine" in row["factor_evidence"], (brand, row["factor_evidence"])


# 3. Another person's drug ------------------------------------------------------------------
PARTNERS = [
    "female partner on cabergoline",
    "female partner takes risperidone",
    "male partner on methadone",
    "his partner takes Risperdal",
    "sa partenaire prend Dostinex",
    "su compañera toma cabergolina",
    "la sua compagna assume cabergolina",
]


def test_a_partners_drug_is_not_the_patients(tmp_path: Path) -> None:
    notes = [*PARTNERS, "on cabergoline, partner pregnant"]
    *rows, own = _run(tmp_path, "comments", [["M", "32", note] for note in notes], prolactin=40)
    for note, row in zip(PARTNERS, rows, strict=True):
        assert _factor(row, "medication:") is None, (note, row["factor_evidence"])
        assert _factor(row, "treated_hyperprolactinemia") is None, note
        assert "dopamine_agonist_masking" not in _codes(row), note
    # the patient's own drug beside a partner stays his
    assert _factor(own, "treated_hyperprolactinemia") is not None, own["factor_evidence"]


MOTHERS_MILK = [
    "mother takes domperidone to increase milk supply",
    "Mutter nimmt Domperidon zur Milchbildung",
    "mère sous dompéridone pour la lactation",
    "la madre assume domperidone per l'allattamento",
    "domperidone for breastfeeding (mother)",
]


def test_a_mothers_drug_for_her_milk_is_not_her_babys(tmp_path: Path) -> None:
    cells = [["F", "3 weeks", n] for n in MOTHERS_MILK] + [["F", "31", MOTHERS_MILK[0]]]
    *rows, mother = _run(tmp_path, "comments", cells, prolactin=250)
    for note, row in zip(MOTHERS_MILK, rows, strict=True):
        assert _factor(row, "medication:") is None, (note, row["factor_evidence"])
    # in the mother's own row it is hers (clinical-reference §3.1: domperidone)
    assert _factor(mother, "medication:antiemetic_prokinetic") is not None


# 4. Transgender patients -------------------------------------------------------------------
TRANS_WOMEN = [
    ("F", "estradiol; cyproterone", "trans woman"),
    ("M", "estradiol; cyproterone", "trans woman"),
    ("F", "Estradiol 4 mg", "Transfrau"),
    ("F", "Progynova", "femme trans"),
    ("F", "estradiol", "mujer trans"),
    ("F", "estradiol", "donna transgender"),
    ("F", "estradiol", "transvrouw"),
    ("F", "estradiol", "MtF, vaginoplasty 2020"),
    ("M", "Estrogel", "assigned male at birth"),
]


def test_a_trans_woman_gets_no_pregnancy_test_and_her_oestrogen_counts(tmp_path: Path) -> None:
    rows = _run(
        tmp_path, "medication,comments", [[s, "30", m, n] for s, m, n in TRANS_WOMEN], prolactin=45
    )
    for (sex, _, note), row in zip(TRANS_WOMEN, rows, strict=True):
        assert "pregnancy_test" not in _codes(row), (note, row["suggestions"])
        assert "testosterone" not in _codes(row), (sex, note)
        found = _factor(row, "medication:estrogen")
        assert found is not None and found["strength"] == "likely", (note, found)
        assert "unlikely cause" not in _reason(row, "medication_review"), note


def test_trans_words_of_others_or_other_things_change_nothing(tmp_path: Path) -> None:
    notes = ["Tochter ist Transfrau", "transverse myelitis", "MTF screening", "HRT"]
    rows = _run(tmp_path, "medication,comments", [["F", "30", "estradiol", n] for n in notes])
    for note, row in zip(notes, rows, strict=True):
        assert "pregnancy_test" in _codes(row), (note, row["suggestions"])
        assert "unlikely cause" in _reason(row, "medication_review"), note


def test_a_trans_man_recorded_male_may_be_pregnant(tmp_path: Path) -> None:
    notes = ["trans man", "FtM", "Transmann", "homme trans", "assigned female at birth"]
    cells = [["M", "28", "Testogel", n] for n in notes] + [["M", "28", "", "transient headache"]]
    *rows, man = _run(tmp_path, "medication,comments", cells)
    for note, row in zip(notes, rows, strict=True):
        assert "pregnancy_test" in _codes(row), (note, row["suggestions"])
        assert "trans man" in _reason(row, "pregnancy_test"), note
        assert "testosterone" not in _codes(row), note
    # a man with no such words: no pregnancy test, the testosterone check stays
    assert "pregnancy_test" not in _codes(man) and "testosterone" in _codes(man)
