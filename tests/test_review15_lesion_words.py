"""Review 15: a pituitary lesion's size read from its words, not only from a number.

- a lesion called large, extensive or invasive (or with a macroadenoma's signs: suprasellar
  extension, cavernous sinus invasion, Knosp 3/4) without a size was a lesion of unknown size:
  no hook-effect caution and no 1:100 dilution with a normal or modest prolactin, although ES
  2011 (clinical-reference §1.1 1.3) asks for dilutions "with a large pituitary lesion and only
  a mildly raised PRL"; in the lesion column or in the notes, in six languages;
- a lesion named a microadenoma or microprolactinoma without a size was not a small lesion: visual
  fields and pituitary function tests (which the extensions reserve for a macroadenoma or visual
  symptoms) and `soon`, where "microadenoma 6 mm" gave the usual work-up and `routine`;
- pituitary hyperplasia or enlargement written in the lesion column was a lesion (a 12 mm one a
  macroadenoma: dilution, hook, stalk compression, visual fields) while the same words in the
  notes were read as the thyrotroph hyperplasia of primary hypothyroidism: treat the thyroid and
  re-image first (clinical-reference §1.4, TSH/FT4 row);
- a treated prolactinoma with a normal or suppressed level had a hook-effect warning in its
  evidence: on a dopamine agonist that level is the treatment response (§3.2);
- a giant lesion with the gland word between ("adénome hypophysaire géant", "adenoma hipofisario
  gigante") was not a large one: ranked as a small lesion, no stalk compression.
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = (
    "patient_id,sex,age_years,collected_at,prolactin,prolactin_unit,pituitary_lesion,"
    "medications,comments,tsh,free_t4"
)


def _run(tmp_path: Path, rows: list[dict[str, str]]) -> pd.DataFrame:
    lines = []
    for i, row in enumerate(rows):
        cells = [
            f"p{i}",
            row.get("sex", "F"),
            "41",
            "2025-03-04",
            row["prolactin"],
            "ng/mL",
            csv_quoted(row.get("lesion", "")),
            csv_quoted(row.get("medications", "")),
            csv_quoted(row.get("comments", "")),
            row.get("tsh", ""),
            row.get("free_t4", ""),
        ]
        lines.append(",".join(cells))
    return triage_lines(tmp_path, HEADER, lines)


def _codes(row: pd.Series, column: str = "suggestions") -> list[str]:
    return [c for c in str(row[column] or "").split(";") if c]


def _factor(row: pd.Series, code: str) -> dict[str, str] | None:
    return next((f for f in row["factor_details"] if f["code"] == code), None)


# --- 1. a lesion called large ----------------------------------------------------------------
LARGE_IN_CELL = [
    "large pituitary adenoma",
    "big pituitary tumour",
    "large sellar mass",
    "extensive pituitary adenoma",
    "invasive macroprolactinoma",
    "pituitary adenoma with suprasellar extension",
    "adenoma, cavernous sinus invasion",
    "pituitary adenoma, Knosp 3/4",
    "große Hypophysenraumforderung",
    "ausgedehntes Hypophysenadenom",
    "Hypophysenadenom, Infiltration des Sinus cavernosus",
    "volumineux adénome",
    "volumineuse masse sellaire",
    "adénome hypophysaire volumineux",
    "gran adenoma",
    "adenoma hipofisario de gran tamaño",
    "masa selar voluminosa",
    "voluminoso adenoma",
    "adenoma ipofisario di grandi dimensioni",
    "groot hypofyseadenoom",
    "grote sellaire massa",
]


def test_a_large_lesion_without_a_size_gets_the_hook_caution_and_the_dilution(
    tmp_path: Path,
) -> None:
    # ES 2011 1.3: with a large pituitary lesion and a normal or mildly raised prolactin, dilute
    # (hook_dilution_factor 1:100, thresholds.toml)
    df = _run(tmp_path, [{"prolactin": "12", "lesion": text} for text in LARGE_IN_CELL])
    for text, (_, row) in zip(LARGE_IN_CELL, df.iterrows(), strict=True):
        codes = _codes(row)
        assert row["priority"] == "soon", text
        assert "hook_effect_risk" in codes, text
        assert "dilution_retest" in codes, text
        reason = next(
            s["reason"] for s in row["suggestion_details"] if s["code"] == "dilution_retest"
        )
        assert "1:100" in reason, text
        lesion = _factor(row, "known_pituitary_lesion")
        assert lesion is not None and "hook effect" in lesion["evidence"], text


def test_a_large_lesion_at_a_modest_rise_is_judged_as_a_macroadenoma(tmp_path: Path) -> None:
    df = _run(tmp_path, [{"prolactin": "40", "lesion": "large pituitary adenoma"}])
    row = df.iloc[0]
    codes = _codes(row)
    assert row["priority"] == "soon"
    stalk = _factor(row, "stalk_effect")
    assert stalk is not None and stalk["strength"] == "possible"
    assert codes.index("dilution_retest") < codes.index("pituitary_mri")
    assert "repeat_rested_sample" not in codes  # the large lesion is judged first


def test_a_large_lesion_written_in_the_notes_counts(tmp_path: Path) -> None:
    notes = [
        "large sellar mass; please dilute to exclude hook effect",
        "MRT: große Hypophysenraumforderung",
        "IRM : volumineux adénome hypophysaire",
        "RM: adenoma ipofisario voluminoso",
    ]
    rows = [{"prolactin": "12", "comments": text} for text in notes]
    rows.append({"prolactin": "12", "lesion": "pituitary adenoma", "comments": "large sellar mass"})
    df = _run(tmp_path, rows)
    for _, row in df.iterrows():
        assert "hook_effect_risk" in _codes(row), row["factor_evidence"]
        assert "dilution_retest" in _codes(row), row["factor_evidence"]


@pytest.mark.parametrize(
    "text",
    [
        "pituitary adenoma",
        "non-invasive pituitary adenoma",
        "pituitary adenoma, no suprasellar extension",
        "pituitary adenoma; large adrenal adenoma",
        "pituitary adenoma; large thyroid mass",
        "pituitary adenoma, Knosp 1",
        "adénome hypophysaire, grande asthénie",
        "Hypophysenadenom, große Sorge",
        "adenoma hipofisario; gran mejoría",
        "pituitary adenoma not invasive",
    ],
)
def test_other_words_do_not_make_a_lesion_large(tmp_path: Path, text: str) -> None:
    row = _run(tmp_path, [{"prolactin": "12", "lesion": text}]).iloc[0]
    assert "hook_effect_risk" not in _codes(row)
    assert "dilution_retest" not in _codes(row)


# --- 2. a microadenoma without a size ---------------------------------------------------------
MICRO = [
    "microadenoma",
    "Mikroadenom",
    "microadénome",
    "microadenoma hipofisario",
    "microadenoma ipofisario",
    "microadenoom",
    "MRI: pituitary microadenoma",
]


def test_a_microadenoma_without_a_size_is_a_small_lesion(tmp_path: Path) -> None:
    # a mild rise with a lesion below macroadenoma size: routine, the usual work-up, no visual
    # fields or pituitary function tests (extensions: those are for a macroadenoma)
    rows = [{"prolactin": "40", "lesion": text} for text in MICRO]
    rows.append({"prolactin": "40", "lesion": "microadenoma 6 mm"})
    rows.append({"prolactin": "40", "comments": "MRT: Mikroadenom der Hypophyse"})
    df = _run(tmp_path, rows)
    for _, row in df.iterrows():
        codes = _codes(row)
        assert row["priority"] == "routine", row["factor_evidence"]
        assert "visual_field_test" not in codes, row["factor_evidence"]
        assert "pituitary_function_tests" not in codes, row["factor_evidence"]
        assert "macroprolactin_screen" in codes, row["factor_evidence"]


def test_a_treated_microprolactinoma_without_a_size(tmp_path: Path) -> None:
    names = ["microprolactinoma", "Mikroprolaktinom", "microprolactinome", "microprolactinoom"]
    rows = [
        {"prolactin": "40", "lesion": text, "medications": "cabergoline 0.5 mg twice weekly"}
        for text in names
    ]
    df = _run(tmp_path, rows)
    for _, row in df.iterrows():
        codes = _codes(row)
        assert "visual_field_test" not in codes
        mri = next(s["reason"] for s in row["suggestion_details"] if s["code"] == "pituitary_mri")
        assert "only if prolactin keeps rising" in mri


def test_a_micro_named_lesion_that_has_grown_is_large(tmp_path: Path) -> None:
    rows = [
        {"prolactin": "40", "lesion": "microadenoma", "comments": "MRI: adenoma now 14 mm"},
        {"prolactin": "40", "lesion": "microadenoma, now suprasellar extension"},
    ]
    df = _run(tmp_path, rows)
    for _, row in df.iterrows():
        assert row["priority"] == "soon"
        assert "visual_field_test" in _codes(row)
        assert "hook_effect_risk" in _codes(row)


# --- 3. pituitary hyperplasia in the lesion column -------------------------------------------
HYPERPLASIA = [
    "pituitary enlargement 12 mm",
    "Hypophysenvergrößerung 13 mm",
    "hyperplasie hypophysaire 12 mm",
    "pituitary hyperplasia",
    "hiperplasia hipofisaria 12 mm",
    "vergrote hypofyse 12 mm",
]


def test_hyperplasia_in_the_lesion_column_is_read_as_in_the_notes(tmp_path: Path) -> None:
    # overt primary hypothyroidism (TSH 80, free T4 3 pmol/L): treat the thyroid and re-image
    # before calling the enlarged gland an adenoma (clinical-reference §1.4)
    rows = [{"prolactin": "60", "lesion": t, "tsh": "80", "free_t4": "3"} for t in HYPERPLASIA]
    rows.append(
        {"prolactin": "60", "comments": "pituitary enlargement 12 mm", "tsh": "80", "free_t4": "3"}
    )
    df = _run(tmp_path, rows)
    for _, row in df.iterrows():
        codes = _codes(row)
        thyroid = _factor(row, "hypothyroidism")
        assert thyroid is not None and thyroid["strength"] == "likely"
        assert "thyrotroph hyperplasia" in thyroid["evidence"]
        assert _factor(row, "stalk_effect") is None, row["factor_evidence"]
        assert _factor(row, "known_pituitary_lesion") is None, row["factor_evidence"]
        for code in ("hook_effect_risk", "dilution_retest", "visual_field_test"):
            assert code not in codes, (code, row["factor_evidence"])
        assert row["priority"] == "routine"


def test_an_adenoma_named_beside_the_enlargement_stays_a_lesion(tmp_path: Path) -> None:
    row = _run(
        tmp_path,
        [{"prolactin": "60", "lesion": "pituitary enlargement, macroadenoma 12 mm"}],
    ).iloc[0]
    assert _factor(row, "known_pituitary_lesion") is not None
    assert "hook_effect_risk" in _codes(row)


# --- 4. a treated prolactinoma with a normal level -------------------------------------------
def test_no_hook_text_for_a_treated_prolactinoma(tmp_path: Path) -> None:
    rows = [
        {"prolactin": "14", "lesion": "Makroprolaktinom 25 mm", "medications": "Cabergolin"},
        {
            "prolactin": "0.3",
            "lesion": "macroprolactinoma 15 mm shrinking",
            "medications": "cabergoline",
        },
        {"prolactin": "14", "lesion": "Makroprolaktinom 25 mm"},  # untreated: keep the caution
    ]
    df = _run(tmp_path, rows)
    treated = [df.iloc[0], df.iloc[1]]
    for row in treated:
        lesion = _factor(row, "known_pituitary_lesion")
        assert lesion is not None
        assert "hook effect" not in lesion["evidence"]
        assert "treatment response" in lesion["evidence"]
        assert "hook_effect_risk" not in _codes(row)
    untreated = _factor(df.iloc[2], "known_pituitary_lesion")
    assert untreated is not None and "hook effect" in untreated["evidence"]
    assert "hook_effect_risk" in _codes(df.iloc[2])


# --- 5. a giant lesion, whatever the word order ----------------------------------------------
GIANT = [
    "giant pituitary adenoma",
    "Riesenadenom der Hypophyse",
    "adénome hypophysaire géant",
    "adenoma hipofisario gigante",
    "adenoma ipofisario gigante",
    "reuzenadenoom van de hypofyse",
]


def test_a_giant_lesion_is_ranked_the_same_in_every_language(tmp_path: Path) -> None:
    df = _run(tmp_path, [{"prolactin": "40", "lesion": text} for text in GIANT])
    for text, (_, row) in zip(GIANT, df.iterrows(), strict=True):
        stalk = _factor(row, "stalk_effect")
        lesion = _factor(row, "known_pituitary_lesion")
        assert stalk is not None and stalk["strength"] == "possible", text
        assert lesion is not None and lesion["strength"] == "possible", text
        hook = next(
            s["reason"] for s in row["suggestion_details"] if s["code"] == "hook_effect_risk"
        )
        assert "giant" in hook, text
