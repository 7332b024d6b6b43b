"""Review 19: children's prolactin.

- Absent puberty or menarche written with a negation word ("no menarche yet", "noch keine
  Menarche", "pas encore de règles", "sin menarquia", "nog geen menarche", "no signs of
  puberty"), puberty delayed written noun first, short stature and growth arrest were not read
  as symptoms: a girl of 15 with "no menarche yet" was routine, with "primary amenorrhoea" soon.
  Clinical-reference §5: children and adolescents present with pubertal delay or arrest, primary
  amenorrhoea and growth failure.  The negation word is part of the finding; "menarche at 12" is
  none, and a negated symptom ("keine Wachstumsstörung", "no short stature") stays negated.
- Infants and children got the adult prolactinoma levels and the adult urgent line: 300 ng/mL
  at 13 months or 3 years was urgent with "above 250 ng/mL a prolactinoma is the usual cause";
  at 11 months the MRI reason said "> 250 ng/mL a prolactinoma is likely"; 200 ng/mL at 8 months
  was routine with the adult rested, cannulated, mid-morning advice (Tsur 2020).  The > 250 /
  > 500 ng/mL levels come from adult series (§6, §1.1): under adult_age_years a high result
  is `soon` with paediatric endocrinology, no prolactinoma named from the level, a repeat
  sample without the adult cannula wording; a mass-effect red flag stays urgent at any age.
  Review 22 restored contract §7's urgent level for children beyond the neonatal period: above
  5,000 mIU/L they are `urgent` (paediatric endocrinology), still without a prolactinoma named.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "patient_id,sex,age,prolactin,unit,symptoms,comments"

# Girls of 15 at 25 ng/mL (above the 11-18 y limit, 19.5 ng/mL): the finding in the symptom or
# the comment column.
ABSENT_MENARCHE = [
    "no menarche yet",
    "not yet menstruating",
    "menarche not yet occurred",
    "noch keine Menarche",
    "keine Kopfschmerzen, noch keine Menarche",
    "pas encore de règles",
    "n'a pas encore eu ses règles",
    "sin menarquia",
    "todavía no ha tenido la regla",
    "non ha ancora avuto il menarca",
    "senza menarca",
    "nog geen menarche",
    "nog niet ongesteld",
    "Menarche: noch nicht",
    "Ménarche : non",
]
NO_PUBERTY = [
    "no signs of puberty",
    "keine Pubertätszeichen",
    "Pubertätsentwicklung verzögert",
    "retard pubertaire",
    "pas de signes pubertaires",
    "pubertad retrasada",
    "sin signos de pubertad",
    "pubertà ritardata",
    "nessun segno di pubertà",
    "vertraagde puberteit",
    "geen tekenen van puberteit",
]
SHORT_STATURE = [
    "short stature",
    "growth failure",
    "Wachstumsstillstand",
    "Kleinwuchs",
    "enfant de petite taille",
    "talla baja",
    "bassa statura",
    "kleine lengte",
]
NOT_SYMPTOMS = [
    "menarche at 12",
    "Menarche mit 12",
    "ménarche à 12 ans",
    "menarquia a los 12 años",
    "menarca a 11 anni",
    "menarche op 12-jarige leeftijd",
    "keine Wachstumsstörung",
    "no short stature",
    "no growth failure, puberty normal",
    "microadénome de petite taille",
    "adénome hypophysaire de petite taille",  # an adjective between: still the lesion's size
    "lésion sellaire de petite taille",
    "menarche: yes",
]


def _words_rows() -> list[str]:
    rows = []
    for group, phrases in (
        ("M", ABSENT_MENARCHE),
        ("P", NO_PUBERTY),
        ("S", SHORT_STATURE),
        ("N", NOT_SYMPTOMS),
    ):
        for i, phrase in enumerate(phrases):
            # every other row writes it in the comment column
            cells = (csv_quoted(phrase), "") if i % 2 == 0 else ("", csv_quoted(phrase))
            rows.append(f"{group}{i},F,15,25,ng/mL,{cells[0]},{cells[1]}")
    return rows


AGE_ROWS = [
    "I8m,F,0.67,200,ng/mL,,",
    "I11m,M,0.92,300,ng/mL,,",
    "T13m,F,1.08,300,ng/mL,,",
    "C3y,M,3,300,ng/mL,,",
    "C3yfar,F,3,1200,ng/mL,,",
    "C2miu,M,2,6400,mIU/L,,",
    "C8y,F,8,20,ng/mL,,",
    "I11eye,F,0.92,300,ng/mL,bitemporal hemianopia,",
    "C3eye,M,3,300,ng/mL,visual field loss,",
    # adults keep the adult levels and the mild-rise rule
    "A300,F,30,300,ng/mL,,",
    "A700,M,45,700,ng/mL,,",
    "Amild,F,30,40,ng/mL,,",
]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return triage_lines(tmp_path_factory.mktemp("review19"), HEADER, _words_rows() + AGE_ROWS)


def _reasons(row: pd.Series) -> dict[str, str]:
    return {s["code"]: s["reason"] for s in row["suggestion_details"]}


def _symptomatic(row: pd.Series) -> bool:
    """The row was judged symptomatic: the referral names the symptom."""
    return "symptomatic raised prolactin" in _reasons(row).get("endocrine_referral", "")


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c and c != "nan"]


@pytest.mark.parametrize(
    ("group", "phrases"),
    [("M", ABSENT_MENARCHE), ("P", NO_PUBERTY), ("S", SHORT_STATURE)],
)
def test_absent_menarche_puberty_and_short_stature_are_symptoms(
    results: pd.DataFrame, group: str, phrases: list[str]
) -> None:
    """§5: pubertal delay or arrest, primary amenorrhoea and growth failure are how children
    present; the negation word of "no menarche yet" is the finding itself."""
    missed = [p for i, p in enumerate(phrases) if not _symptomatic(results.loc[f"{group}{i}"])]
    assert not missed


def test_menarche_with_an_age_and_negated_symptoms_are_no_symptoms(results: pd.DataFrame) -> None:
    said = [p for i, p in enumerate(NOT_SYMPTOMS) if _symptomatic(results.loc[f"N{i}"])]
    assert not said


def test_absent_menarche_keeps_the_symptomatic_work_up(results: pd.DataFrame) -> None:
    """A symptomatic rise: the secondary causes first, then the MRI (ES 2011 1.4)."""
    row = results.loc["M0"]
    assert row["priority"] == "soon"
    assert "no menarche yet" in _reasons(row)["pituitary_mri"]


@pytest.mark.parametrize("pid", ["I11m", "T13m", "C3y", "C3yfar", "C2miu"])
def test_a_childs_level_names_no_prolactinoma_but_is_urgent_above_the_urgent_level(
    results: pd.DataFrame, pid: str
) -> None:
    """The > 250 / > 500 ng/mL levels are adult series' (§6): no prolactinoma from the level.
    Contract §7 (review 22): above 5,000 mIU/L, beyond the neonatal period, urgent at any age,
    the urgent referral naming paediatric endocrinology."""
    row = results.loc[pid]
    assert (row["status"], row["priority"]) == ("high", "urgent")
    assert not {"prolactinoma_suspected", "macroprolactinoma_suspected"} & set(
        _codes(row["factors"])
    )
    said = " ".join(_reasons(row).values()) + str(row["factor_evidence"])
    assert "prolactinoma is likely" not in said
    assert "usual cause" not in said
    assert "almost only seen" not in said
    assert "paediatric endocrinology" in _reasons(row)["urgent_endocrine_referral"]
    assert "pituitary_mri" in _codes(row["suggestions"])


def test_an_infants_mild_rise_is_soon_and_repeated_without_the_adult_cannula_advice(
    results: pd.DataFrame,
) -> None:
    """200 ng/mL at 8 months (1.8x the infant limit 113.7): the rise that settles on a rested,
    cannulated, mid-morning sample is adults' data (Tsur 2020): a repeat, not the cannula."""
    for pid in ("I8m", "C8y"):
        row = results.loc[pid]
        assert (row["status"], row["priority"]) == ("high", "soon"), pid
        repeat = _reasons(row)["repeat_rested_sample"]
        assert "repeat the sample" in repeat
        assert "ideally cannulated" not in repeat and "mid-morning" not in repeat
        assert "250" not in _reasons(row).get("macroprolactin_screen", "")
        assert not {"prolactinoma_suspected"} & set(_codes(row["factors"]))


@pytest.mark.parametrize("pid", ["I11eye", "C3eye"])
def test_a_red_flag_is_urgent_at_any_age(results: pd.DataFrame, pid: str) -> None:
    row = results.loc[pid]
    assert row["priority"] == "urgent"
    assert "paediatric endocrinology" in _reasons(row)["urgent_endocrine_referral"]


def test_adults_keep_the_adult_levels(results: pd.DataFrame) -> None:
    assert results.loc["A300", "priority"] == "urgent"
    assert "prolactinoma_suspected" in _codes(results.loc["A300", "factors"])
    assert "macroprolactinoma_suspected" in _codes(results.loc["A700", "factors"])
    mild = results.loc["Amild"]
    assert mild["priority"] == "routine"
    assert "cannulated" in _reasons(mild)["repeat_rested_sample"]
    assert "paediatric" not in " ".join(_reasons(results.loc["A300"]).values())


def test_a_child_above_the_measuring_range_is_diluted_not_screened(tmp_path: Path) -> None:
    out = triage_lines(tmp_path, HEADER, ["C5open,F,5,>1000,ng/mL,,"])
    row = out.loc["C5open"]
    assert row["priority"] == "urgent"  # possibly above the urgent level (contract §7)
    assert "dilution_retest" in _codes(row["suggestions"])
    assert "macroprolactin_screen" not in _codes(row["suggestions"])


def test_adolescents_keep_the_adult_levels(tmp_path: Path) -> None:
    """From puberty (adult_levels_min_age_years, 12) the adult levels apply again: prolactinomas in
    the young mostly present in adolescence, so a 15-year-old at 300 ng/mL is a suspected
    prolactinoma and urgent above the urgent line, as an adult; an 8-year-old is urgent above
    it too (contract §7, review 22) but no prolactinoma is named from the level."""
    out = triage_lines(
        tmp_path,
        "id,sex,age,prolactin,unit",
        ["T15,F,15,300,ng/mL", "T16,M,16,1200,ng/mL", "C8,F,8,300,ng/mL"],
    )
    for row in ("T15", "T16"):
        assert "prolactinoma_suspected" in out.loc[row, "factors"], row
        assert out.loc[row, "priority"] == "urgent", row
    assert "prolactinoma" not in out.loc["C8", "factors"]
    assert out.loc["C8", "priority"] == "urgent"
