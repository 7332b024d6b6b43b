"""Review 29 (hunter AR): a state a form's label denies, and a growth-hormone excess queried.

- A pregnancy or breastfeeding written as a form's label and answered no after a dash ("Lactating
  - no", "Grossesse - non", "Allattamento - no") or after the person the label names ("Stillende
  Mutter: nein", "Breastfeeding mother - no", "zwangere vrouw: nee") is denied: the woman's
  usual interval judges the result (clinical-reference §2.1: the lactation and pregnancy
  intervals apply only when the state is present), and a result above 5,000 mIU/L is urgent
  (output-contract §7: urgent unless pregnancy or lactation explains it).  A label answered "not
  known" after a dash ("Pregnant - unknown") keeps the pregnancy open: the test is asked for
  (§1.4: β-hCG in any woman who could be pregnant).
- A growth-hormone excess only queried ("?GH excess", "GH excess?", "V.a. GH-Exzess", "excès
  de GH ?") or acromegalic features written as an adjective ("acromegalic features",
  "akromegaloider Habitus", "faciès acromégaloïde", "rasgos acromegálicos", "aspetto
  acromegalico", "acromegale gelaatstrekken") is acromegaly queried: possible, with IGF-1 (and
  GH) asked for, and no pituitary lesion nobody has imaged (§1.4 Acromegaly: check IGF-1 if
  acromegaly is suspected; MRI after secondary causes and macroprolactin are excluded).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "MRN,Sex,Age,Prolactin,Units,Comments"


def _result(tmp_path: Path, sex: str, value: str, unit: str, note: str) -> pd.Series:
    """The result of patient A1 (aged 34) with `note` as the comment, beside an unrelated normal
    result (a realistic export of two patients)."""
    lines = [
        f"A1,{sex},34,{value},{unit},{csv_quoted(note)}",
        "A2,F,51,11.2,ng/mL,routine check",
    ]
    return triage_lines(tmp_path, HEADER, lines).loc["A1"]


def _codes(row: pd.Series, column: str) -> list[str]:
    return [c for c in str(row[column]).split(";") if c and c != "nan"]


# ------------------------------------------------- a state's label answered no: denied ---
DENIED = [
    # a label, a spaced dash, a no-word
    "Lactating - no",
    "Breastfeeding - no",
    "Lactating – N",
    "Stillen - nein",
    "Stillzeit – nein",
    "Allaitement - non",
    "Lactancia - no",
    "Allattamento - no",
    "Borstvoeding - nee",
    "Pregnant - no",
    "Schwangerschaft - nein",
    "Gravidität - nein",
    "Grossesse - non",
    "Embarazo - no",
    "Gravidanza - no",
    "Zwanger - nee",
    # the person the label names, then the answer (colon, dash, question mark)
    "Stillende Mutter: nein",
    "Stillende Mutter - nein",
    "Stillende Mutter? nein",
    "stillende Frau: nein",
    "Breastfeeding mother - no",
    "Breastfeeding mother: no",
    "lactating woman: no",
    "Breastfeeding patient - no",
    "Pregnant woman: no",
    "Mère allaitante - non",
    "madre lactante - no",
    "Borstvoeding moeder: nee",
    # the answer in a list of a form's items
    "Lactating - no; smoker - no",
    "G2P2, Breastfeeding - no, TSH normal",
]


@pytest.mark.parametrize("note", DENIED)
def test_a_denied_state_leaves_the_womans_usual_interval(tmp_path: Path, note: str) -> None:
    """180 ng/mL in a woman of 34 is six times her limit: high and seen soon, never the
    'normal' of the lactation or pregnancy interval."""
    row = _result(tmp_path, "F", "180", "ng/mL", note)
    assert row["reference_stratum"] == "default:adult_female", row["reference_note"]
    assert row["status"] == "high"
    assert row["priority"] == "soon"
    assert not {"lactation", "pregnancy"} & set(_codes(row, "factors"))


@pytest.mark.parametrize(
    ("note", "value", "unit"),
    [
        ("Lactating - no", "300", "ng/mL"),
        ("Stillende Mutter: nein", "6500", "mIU/L"),
        ("Allattamento - no", "6500", "mUI/L"),
        ("Pregnant - no", "300", "ng/mL"),
        ("Grossesse - non", "7000", "mUI/L"),
        ("Embarazo - no", "300", "ng/mL"),
        ("Breastfeeding mother - no", "280", "ng/mL"),
        ("zwangere vrouw: nee", "6500", "mIU/L"),
    ],
)
def test_a_denied_state_does_not_explain_an_urgent_level(
    tmp_path: Path, note: str, value: str, unit: str
) -> None:
    row = _result(tmp_path, "F", value, unit, note)
    assert row["priority"] == "urgent"
    assert "urgent_endocrine_referral" in _codes(row, "suggestions")


@pytest.mark.parametrize("note", ["Pregnant - unknown", "Schwangerschaft - unbekannt"])
def test_a_pregnancy_answered_not_known_keeps_the_test(tmp_path: Path, note: str) -> None:
    row = _result(tmp_path, "F", "180", "ng/mL", note)
    assert row["reference_stratum"] == "default:adult_female"
    assert "pregnancy_test" in _codes(row, "suggestions")


@pytest.mark.parametrize(
    "note",
    [
        "Lactating - yes",
        "Stillende Mutter",
        "Breastfeeding mother, 3 months postpartum",
        "Lactating - no headache",
        "Allattamento - sì",
    ],
)
def test_a_state_stated_keeps_its_interval(tmp_path: Path, note: str) -> None:
    """Guard: a label answered yes, or a no that denies the next item, leaves the state."""
    row = _result(tmp_path, "F", "180", "ng/mL", note)
    assert row["reference_stratum"] == "default:lactating"


# ---------------------------------------------------- a GH excess queried, its features ---
QUERIED = [
    "?GH excess",
    "GH excess?",
    "query GH excess",
    "possible GH excess - check IGF-1",
    "V.a. GH-Exzess",
    "Verdacht auf STH-Exzess",
    "excès de GH ?",
    "sospetto eccesso di GH",
    "sospecha de exceso de GH",
    "?GH-overproductie",
    # the features, as an adjective
    "acromegalic features, IGF-1 pending",
    "acromegaloid habitus",
    "akromegaloider Habitus, Ringgröße zugenommen",
    "akromegale Gesichtszüge",
    "faciès acromégaloïde",
    "aspect acromégalique",
    "rasgos acromegálicos",
    "aspetto acromegalico",
    "acromegale gelaatstrekken",
]


@pytest.mark.parametrize("note", QUERIED)
def test_a_queried_gh_excess_asks_for_igf1(tmp_path: Path, note: str) -> None:
    row = _result(tmp_path, "M", "45", "ng/mL", note)
    assert "acromegaly (possible)" in str(row["factor_evidence"])
    assert "igf1_gh_assessment" in _codes(row, "suggestions")
    assert "known_pituitary_lesion" not in _codes(row, "factors")


@pytest.mark.parametrize("note", ["acromegaly", "GH excess", "Akromegalie bei Makroadenom"])
def test_acromegaly_named_stays_known(tmp_path: Path, note: str) -> None:
    """Guard: acromegaly or a GH excess named without doubt is known."""
    row = _result(tmp_path, "M", "45", "ng/mL", note)
    assert "acromegaly (likely)" in str(row["factor_evidence"])


@pytest.mark.parametrize(
    "note", ["GH excess excluded (IGF-1 normal)", "no acromegalic features", "kein GH-Exzess"]
)
def test_a_denied_gh_excess_is_no_acromegaly(tmp_path: Path, note: str) -> None:
    row = _result(tmp_path, "M", "45", "ng/mL", note)
    assert "acromegaly" not in _codes(row, "factors")
