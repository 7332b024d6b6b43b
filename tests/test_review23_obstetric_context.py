"""Review 23 (obstetrics / fertility / IVF clinic, Spain and France): obstetric context.

* Spanish and French gestational-age headers ("Semanas gestación", "Semanas embarazo", "EG",
  "EG (semanas)", "AG", "AG (SA)", "Terme en SA") were not mapped to the gestation: a pregnancy
  at 30 weeks was judged against the whole-pregnancy interval and called urgent (contract §2: any
  common synonym; clinical-reference §2.1: term values ~100-600 ng/mL);
* an LMP date written with dashes, after "le"/"el", or with the month as a word, a conception
  date (DDG, +2 weeks) and an embryo transfer date (+2 weeks and the embryo's age; ACOG CO 700)
  were not read, so the gestation was lost.

Synthetic patients only; through the public pipeline, one CSV per test, one row a phrasing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv_warned

T3 = "default:pregnant_t3"


def _table(
    header: list[str],
    rows: list[dict[str, str]],
    *,
    prolactin: str = "300",
    sex: str = "F",
    sample: str = "2026-11-02",
) -> str:
    """A wide CSV: one row per {column: cell}, patients of 31 (sex `sex`)."""
    head = ["patient_id", "sex", "age", "prolactin (ng/mL)", "collected", *header]
    lines = [",".join(head)]
    for i, filled in enumerate(rows):
        row = [f"P{i}", sex, "31", prolactin, sample]
        row += [csv_quoted(filled[h]) if h in filled else "" for h in header]
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def _run(tmp_path: Path, text: str) -> list[pd.Series]:
    out, _ = triage_csv_warned(tmp_path, text)
    return [out.loc[f"P{i}"] for i in range(len(out))]


def _codes(row: pd.Series, key: str) -> list[str]:
    return [item["code"] for item in row[key]]


@pytest.mark.parametrize(
    "header",
    [
        "Semanas gestación",
        "Sem. gestación",
        "Semanas embarazo",
        "EG",
        "EG (semanas)",
        "EG (sem)",
        "AG",
        "AG (SA)",
        "Terme en SA",
        "Semaines grossesse",
    ],
)
def test_spanish_and_french_gestation_headers_give_the_third_trimester(
    tmp_path: Path, header: str
) -> None:
    text = _table(["Embarazo", header], [{"Embarazo": "Sí", header: "30"}, {header: "30+2"}])
    for row in _run(tmp_path, text):
        assert row["reference_stratum"] == T3, (header, row["reference_stratum"])
        assert row["status"] == "normal"
        assert row["priority"] == "none"
        assert "prolactinoma_suspected" not in _codes(row, "factor_details")


@pytest.mark.parametrize(
    "note",
    [
        "gestante, FUR 01-04-2026",
        "grossesse, DDR 01-04-2026",
        "enceinte - DDR le 01/04/2026",
        "embarazada, FUR el 01/04/2026",
        "enceinte, DDR 1er avril 2026",
        "embarazada, FUR 1 de abril de 2026",
        "pregnant, LMP on 1 April 2026",
        "embarazo, FUM: 01-04-2026",
        "grossesse, DDG 15/04/2026",
        "embarazo por FIV, transferencia 15/04/2026",
        "gestante tras FIV, TEC 10/04/2026 (blasto D5)",
        "grossesse FIV, transfert J5 le 10/04/2026",
    ],
)
def test_lmp_conception_and_transfer_dates_give_the_gestation(tmp_path: Path, note: str) -> None:
    (row,) = _run(tmp_path, _table(["comments"], [{"comments": note}]))
    assert row["reference_stratum"] == T3, (note, row["reference_stratum"])
    assert row["status"] == "normal"
    assert row["priority"] == "none"


def test_a_transfer_alone_is_no_confirmed_pregnancy(tmp_path: Path) -> None:
    """A transfer date says how old a pregnancy would be, not that there is one: the test is
    still asked for (as IVF alone)."""
    (row,) = _run(tmp_path, _table(["comments"], [{"comments": "FET 15/04/2026 (blasto D5)"}]))
    assert row["reference_stratum"] != T3
    assert "pregnancy_test" in _codes(row, "suggestion_details")


@pytest.mark.parametrize(
    "note",
    [
        "césarienne J3",
        "accouchement J3",
        "post-césarienne J3",
        "post-cesárea día 3",
        "3 días post-cesárea",
        "3 days after C-section",
        "3 jours après césarienne",
        "puérpera día 3",
        "parto eutócico hace 3 días",
        "parto vaginal hace 4 días",
        "AVB J2",
        "accouchée J4",
        "PP J5",
        "2º día puerperio",
        "post-parto día 3",
    ],
)
def test_days_after_the_delivery_word_give_the_first_postpartum_week(
    tmp_path: Path, note: str
) -> None:
    """Prolactin is back to non-pregnant levels only by about day 7 (clinical-reference §2.1):
    the first week after delivery is judged against postpartum_week1, with no pregnancy test."""
    (row,) = _run(tmp_path, _table(["comments"], [{"comments": note}], prolactin="150"))
    assert row["reference_stratum"] == "default:postpartum_week1", (note, row["reference_stratum"])
    assert row["status"] == "normal"
    assert row["priority"] == "none"
    assert "pregnancy_test" not in _codes(row, "suggestion_details")


def test_puerpera_alone_is_a_postpartum_woman(tmp_path: Path) -> None:
    """ "puérpera" (a woman in the puerperium) without its day: the postpartum state, as
    "postpartum" alone, never a new hyperprolactinaemia to work up as a prolactinoma."""
    (row,) = _run(tmp_path, _table(["comments"], [{"comments": "puérpera"}], prolactin="150"))
    codes = _codes(row, "factor_details")
    assert "lactation" in codes
    assert "prolactinoma_suspected" not in codes
    assert "pregnancy_test" not in _codes(row, "suggestion_details")


@pytest.mark.parametrize(
    "drug",
    [
        "cabergoline 0,5 mg/j x 8 j (prévention SHO)",
        "cabergolina 0,5 mg/día 8 días para prevención de hiperestimulación ovárica",
        "Dostinex 1 mg dose unique (inhibition de la lactation)",
        "cabergoline 0.5 mg daily for OHSS prevention",
        "Dostinex (SHO)",
        "cabergolina tras punción (riesgo SHO)",
        "bromocriptine pour inhibition de lactation",
        "Parlodel para cortar la leche",
        "Abstillen mit Dostinex",
        "cabergoline for acromegaly",
        "cabergoline (Parkinson)",
    ],
)
def test_an_agonist_for_another_purpose_is_no_treated_hyperprolactinaemia(
    tmp_path: Path, drug: str
) -> None:
    """A dopamine agonist given to prevent OHSS, to stop lactation or for another disease treats
    no known hyperprolactinaemia: no such factor, the secondary-cause work-up kept
    (clinical-reference §1.4), the masking caution (§8) kept."""
    (row,) = _run(tmp_path, _table(["medications"], [{"medications": drug}], prolactin="40"))
    assert "treated_hyperprolactinemia" not in _codes(row, "factor_details"), drug
    suggestions = _codes(row, "suggestion_details")
    for step in ("macroprolactin_screen", "check_tsh", "check_renal_function"):
        assert step in suggestions, (drug, step)
    assert "dopamine_agonist_masking" in suggestions


def test_an_agonist_without_another_purpose_stays_treated_hyperprolactinaemia(
    tmp_path: Path,
) -> None:
    (row,) = _run(
        tmp_path,
        _table(
            ["medications"], [{"medications": "cabergoline 0.5 mg twice weekly"}], prolactin="40"
        ),
    )
    assert "treated_hyperprolactinemia" in _codes(row, "factor_details")


@pytest.mark.parametrize("drug", ["Meriestra 2 mg/8h", "Evopad 50", "Evopad 100 µg/24 h parche"])
def test_spanish_oestradiol_brands_are_oestrogen(tmp_path: Path, drug: str) -> None:
    """Spanish oestradiol brands for endometrial preparation (clinical-reference §3.1:
    oestrogens raise prolactin, more at high dose)."""
    (row,) = _run(tmp_path, _table(["medications"], [{"medications": drug}], prolactin="40"))
    assert "medication:estrogen" in _codes(row, "factor_details"), drug


def _sexo(tmp_path: Path, header: str, notes: list[str], prolactin: str) -> list[pd.Series]:
    """A Spanish export whose sex column holds only M, with one note per row."""
    lines = [f"NHC;{header};Edad;Fecha;Prolactina (ng/mL);Comentario"]
    lines += [f"P{i};M;33;02/11/2026;{prolactin};{note}" for i, note in enumerate(notes)]
    return _run(tmp_path, "\n".join(lines) + "\n")


@pytest.mark.parametrize(
    ("header", "note", "stratum"),
    [
        ("Sexo", "embarazada de 20 semanas", "default:pregnant"),
        ("Género", "gestante de 20 semanas", "default:pregnant"),
        ("Sexo", "lactancia materna exclusiva, parto hace 6 semanas", "default:lactating"),
        ("Sexo", "amenorrea secundaria, galactorrea", "default:adult_female"),
        ("Sexo", "SOP, deseo gestacional", "default:adult_female"),
    ],
)
def test_a_lone_m_beside_a_womans_state_means_mujer(
    tmp_path: Path, header: str, note: str, stratum: str
) -> None:
    """In a Spanish-headed file M is also mujer: rows naming pregnancy, breastfeeding,
    amenorrhoea or PCOS settle it, for the whole column; never the male interval and a
    testosterone for them."""
    rows = _sexo(tmp_path, header, [note, "control"], "25")
    for row in rows:
        assert row["sex"] == "F", (note, row["sex"])
        assert "testosterone" not in _codes(row, "suggestion_details")
        assert "conflicting_context" not in _codes(row, "factor_details")
    assert rows[0]["reference_stratum"] == stratum


def test_a_lone_m_without_a_womans_state_stays_male(tmp_path: Path) -> None:
    """A men's file (a partner's pregnancy named is not hers): M stays male, with the warning."""
    rows = _sexo(tmp_path, "Sexo", ["pareja embarazada de 8 semanas", "astenia"], "25")
    assert [row["sex"] for row in rows] == ["M", "M"]
