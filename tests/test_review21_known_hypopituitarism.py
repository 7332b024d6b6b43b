"""Review 21: a long-known, treated pituitary failure read as a new red flag.  Through the
pipeline (in-process CSV runs, several rows per run).  Synthetic patients only.

Clinical-reference §5 and §8 make hypopituitarism (and features of adrenal insufficiency) a
mass-effect red flag, an urgent referral, when it is NEW.  A hypopituitarism, adrenal
insufficiency or Sheehan syndrome that is dated in the past ("seit 2012", "(2015)", "1995"),
called known or long-standing, the result of pituitary surgery or radiotherapy ("after surgery",
"Z.n. Hypophysen-OP", "tras cirugía"), or replaced by drugs in the medication column
(hydrocortisone, levothyroxine with the hypopituitarism word, testosterone ...) is known, treated
pituitary disease: the known-lesion path, no urgent referral.  One called new, recent or
suspected, one dated in the sample's own year, an adrenal insufficiency with only a thyroxine,
and one with a new sign beside it stay urgent.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "patient_id,sex,age,collected,prolactin,unit,medications,comments"


def _run(
    tmp_path: Path, rows: list[tuple[str, str]], *, prl: float, sex: str = "M"
) -> dict[str, pd.Series]:
    """One row per (medications, comments), age 52, sample of 2 November 2026, prolactin `prl`
    ng/mL; keyed by 'medications | comments'."""
    lines = [
        f"R{i},{sex},52,02/11/2026,{prl},ng/mL,{csv_quoted(meds)},{csv_quoted(note)}"
        for i, (meds, note) in enumerate(rows)
    ]
    out = triage_lines(tmp_path, HEADER, lines)
    return {f"{meds} | {note}": out.loc[f"R{i}"] for i, (meds, note) in enumerate(rows)}


def _codes(cell: object) -> set[str]:
    return set(str(cell or "").split(";")) - {""}


def _assert_known(row: pd.Series, key: str) -> None:
    """Known pituitary disease, no new red flag: soon (raised prolactin), no urgent referral,
    the known lesion followed up with the MRI."""
    assert row["priority"] == "soon", key
    steps = _codes(row["suggestions"])
    assert "urgent_endocrine_referral" not in steps and "pituitary_mri" in steps, key
    assert "known_pituitary_lesion" in _codes(row["factors"]), key
    assert "mass-effect red flag" not in str(row["comment"]), key


# (a) dated, known or long-standing; (b) after surgery or radiotherapy, in six languages
KNOWN_IN_WORDS = [
    ("", "Hypophyseninsuffizienz seit 2012"),
    ("", "insuffisance hypophysaire depuis 2012"),
    ("", "hipopituitarismo desde 2012"),
    ("", "ipopituitarismo dal 2012"),
    ("", "hypofyse-insufficiëntie sinds 2012"),
    ("", "hypopituitarism (2015)"),
    ("", "secondary adrenal insufficiency since 2010"),
    ("", "known hypopituitarism"),
    ("", "bekannte HVL-Insuffizienz"),
    ("", "insuffisance corticotrope connue"),
    ("", "hipopituitarismo conocido"),
    ("", "ipopituitarismo noto"),
    ("", "bekende hypofyse-insufficiëntie"),
    ("", "long-standing panhypopituitarism"),
    ("", "panhypopituitarism after surgery"),
    ("", "Panhypopituitarismus postoperativ"),
    ("", "hypopituitarisme post-opératoire"),
    ("", "hipopituitarismo tras cirugía"),
    ("", "ipopituitarismo dopo intervento"),
    ("", "hypopituïtarisme na operatie"),
    ("", "hypopituitarism after pituitary radiotherapy"),
    ("", "Z.n. Hypophysen-OP 2018; Panhypopituitarismus"),
]


def test_a_dated_known_or_post_operative_failure_is_known_disease(
    raised: dict[str, pd.Series],
) -> None:
    for key, row in _pick(raised, KNOWN_IN_WORDS).items():
        _assert_known(row, key)
    dated = raised[" | Hypophyseninsuffizienz seit 2012"]
    evidence = {f["code"]: f["evidence"] for f in dated["factor_details"]}
    assert "written as known, dated" in evidence["known_pituitary_lesion"]


# (c) the replacement only in the medication column
REPLACED_IN_MEDICATIONS = [
    ("hydrocortisone; levothyroxine", "hypopituitarism"),
    ("Hydrocortison 20 mg; Euthyrox", "Hypophyseninsuffizienz"),
    ("hydrocortisone; testosterone gel", "panhypopit"),
    ("L-Thyroxin 100", "zentrale Hypothyreose"),
    ("Testogel; desmopressin", "hipopituitarismo"),
    ("somatropin; levothyroxine", "insufficienza ipofisaria"),
    ("prednisolone 5 mg", "ACTH deficiency"),
    ("fludrocortisone; hydrocortisone", "insuffisance hypophysaire"),
]


def test_a_failure_replaced_in_the_medication_column_is_known_disease(
    raised: dict[str, pd.Series],
) -> None:
    for key, row in _pick(raised, REPLACED_IN_MEDICATIONS).items():
        _assert_known(row, key)


def test_the_reviewers_vignettes(tmp_path: Path) -> None:
    rows = [
        ("hydrocortisone; levothyroxine", "panhypopituitarism after surgery"),
        ("hydrocortisone; testosterone gel", "hypopituitarism since transsphenoidal surgery 2015"),
        ("Hydrocortison; L-Thyroxin", "Z.n. Hypophysen-OP 2018; Panhypopituitarismus"),
        ("hydrocortisone 20 mg; levothyroxine 100 mcg", "hipopituitarismo tras cirugía 2017"),
        ("", "hypopituïtarisme na operatie 2016"),
        ("", "secondary adrenal insufficiency since 2010"),
    ]
    for key, row in _run(tmp_path, rows, prl=3, sex="F").items():
        assert row["priority"] in {"none", "routine"}, key
        steps = _codes(row["suggestions"])
        assert not {"urgent_endocrine_referral", "visual_field_test"} & steps, key
        assert "known_pituitary_lesion" in _codes(row["factors"]), key


PRIMARY_ADRENAL_KNOWN = [
    ("hydrocortisone 10-5-5; fludrocortisone", "adrenal insufficiency"),
    ("", "Nebenniereninsuffizienz seit 2009"),
    ("", "insuffisance surrénale connue"),
]


def test_a_replaced_or_dated_primary_adrenal_insufficiency_is_no_pituitary_lesion(
    raised: dict[str, pd.Series],
) -> None:
    for key, row in _pick(raised, PRIMARY_ADRENAL_KNOWN).items():
        assert row["priority"] != "urgent", key
        assert "urgent_endocrine_referral" not in _codes(row["suggestions"]), key
        assert "known_pituitary_lesion" not in _codes(row["factors"]), key


STILL_NEW = [
    ("hydrocortisone", "new hypopituitarism"),
    ("", "hypopituitarism"),
    ("levothyroxine", "secondary adrenal insufficiency"),  # a thyroxine replaces no adrenal axis
    ("testosterone gel", "adrenal insufficiency"),
    ("", "Hypophyseninsuffizienz seit 2026"),  # the sample's own year: recent
    ("", "Z.n. TSS 2015; neu aufgetretene Hypophyseninsuffizienz"),
    ("hydrocortisone", "hypopituitarism since 2010; bitemporal hemianopia"),
    ("", "hipopituitarismo reciente tras cirugía"),
    ("", "nouvelle insuffisance hypophysaire, connue depuis 2012 ?"),
    ("", "Hypophyseninsuffizienz, nicht bekannt"),
    ("Microgynon (ethinyl estradiol/levonorgestrel)", "hypopituitarism"),
    ("Hydrocortison abgesetzt", "Hypophyseninsuffizienz"),
]


def test_a_new_recent_or_unreplaced_failure_stays_urgent(raised: dict[str, pd.Series]) -> None:
    for key, row in _pick(raised, STILL_NEW).items():
        assert row["priority"] == "urgent", key
        assert "urgent_endocrine_referral" in _codes(row["suggestions"]), key


def test_a_known_sheehan_syndrome_is_pituitary_damage_not_a_new_sign(tmp_path: Path) -> None:
    rows = [
        ("", "Sheehan syndrome 1995"),
        ("", "Sheehan syndrome 1995 on hydrocortisone"),
        ("hydrocortisone; levothyroxine", "Sheehan-Syndrom"),
        ("", "síndrome de Sheehan conocido"),
        ("", "Sheehan syndrome suspected"),  # a suspected one: worked up soon (review 9)
    ]
    out = _run(tmp_path, rows, prl=1, sex="F")
    for key, row in list(out.items())[:-1]:
        assert row["status"] == "low" and row["priority"] == "routine", key
        steps = _codes(row["suggestions"])
        assert "pituitary_function_tests" in steps, key
        assert not {"urgent_endocrine_referral", "visual_field_test"} & steps, key
    suspected = list(out.values())[-1]
    assert suspected["priority"] == "soon"
    assert "urgent_endocrine_referral" in _codes(suspected["suggestions"])


UNRELATED = [
    ("hydrocortisone cream; levothyroxine", "known hypertension since 2012"),
    ("prednisolone 5 mg; testosterone", "after knee surgery 2019"),
    ("desmopressin 0.1 mg", "long-standing asthma, post-op 2020"),
]


def test_the_new_words_and_drugs_read_nothing_on_their_own(raised: dict[str, pd.Series]) -> None:
    for key, row in _pick(raised, UNRELATED).items():
        assert _codes(row["factors"]) == {"unexplained"}, key
        assert row["priority"] in {"routine", "soon"}, key
        assert "urgent_endocrine_referral" not in _codes(row["suggestions"]), key


@pytest.fixture(scope="module")
def raised(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.Series]:
    """Every row above with a raised prolactin (40 ng/mL, a man), in one run."""
    rows = [
        *KNOWN_IN_WORDS,
        *REPLACED_IN_MEDICATIONS,
        *PRIMARY_ADRENAL_KNOWN,
        *STILL_NEW,
        *UNRELATED,
    ]
    return _run(tmp_path_factory.mktemp("raised"), rows, prl=40)


def _pick(out: dict[str, pd.Series], rows: list[tuple[str, str]]) -> dict[str, pd.Series]:
    keys = [f"{meds} | {note}" for meds, note in rows]
    return {key: out[key] for key in keys}
