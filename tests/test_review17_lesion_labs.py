"""Review 17: pituitary findings and lab results stated in words in the notes.

- An enlarged pituitary ("pituitary enlargement 12 mm", "Hypophysenvergrößerung 12 mm",
  "hypophyse augmentée de volume (12 mm)", "ipofisi aumentata di volume", "hipófisis aumentada",
  "vergrote hypofyse") beside a TSH that is not raised was dropped: no lesion, no visual fields,
  no mention.  It is a possible sellar lesion until shown otherwise (clinical-reference §1.4:
  thyrotroph hyperplasia of primary hypothyroidism mimics an adenoma; the enlargement of
  pregnancy is the other physiological one): listed with its size, and ≥ 10 mm with the
  macroadenoma's next steps (visual fields, pituitary function, MRI).  Beside a raised TSH the
  thyrotroph-hyperplasia reading stays.
- An empty sella is no mass: no visual fields, no hook effect, judged as a small finding.
- "TSH normal", "TSH erhöht", "hCG negativ", "eGFR normal", "FT4 erniedrigt" in a note were not
  read: the tool asked for a TSH as if none had been done.  A test reported normal in the notes
  is evidence and its suggestion asks to confirm the value; a TSH reported raised is a possible
  (never likely) thyroid factor (clinical-reference §8: strength from the value).  A negative
  test in the notes never overrides a pregnancy column (the conflict stays).
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

HEADER = (
    "patient_id,sex,age_years,collected_at,prolactin,prolactin_unit,pituitary_lesion,pregnant,"
    "tsh,comments"
)


def _run(tmp_path: Path, rows: list[dict[str, str]]) -> pd.DataFrame:
    lines = [
        ",".join(
            [
                f"p{i}",
                row.get("sex", "F"),
                "34",
                "2025-03-04",
                row.get("prolactin", "60"),
                "ng/mL",
                csv_quoted(row.get("lesion", "")),
                row.get("pregnant", ""),
                row.get("tsh", ""),
                csv_quoted(row.get("comments", "")),
            ]
        )
        for i, row in enumerate(rows)
    ]
    return triage_lines(tmp_path, HEADER, lines)


def _codes(row: pd.Series) -> list[str]:
    return [c for c in str(row["suggestions"] or "").split(";") if c]


def _factor(row: pd.Series, code: str) -> dict[str, str] | None:
    return next((f for f in row["factor_details"] if f["code"] == code), None)


def _reason(row: pd.Series, code: str) -> str:
    return next((s["reason"] for s in row["suggestion_details"] if s["code"] == code), "")


# --- 1. an enlarged pituitary without a raised TSH ------------------------------------------
ENLARGED = [
    "pituitary enlargement 12 mm",
    "Hypophysenvergrößerung 12 mm",
    "hypophyse augmentée de volume (12 mm)",
    "ipofisi aumentata di volume, 12 mm",
    "hipófisis aumentada 12 mm",
    "vergrote hypofyse 12 mm",
    "Hypophyse vergrößert, 12 mm",
    "aumento de tamaño de la hipófisis (12 mm)",
]


def test_an_enlarged_pituitary_with_a_normal_tsh_is_a_possible_sellar_lesion(
    tmp_path: Path,
) -> None:
    rows = [{"lesion": t, "tsh": "1.8"} for t in ENLARGED[:6]]
    rows += [{"comments": t, "tsh": "2.2"} for t in ENLARGED]
    df = _run(tmp_path, rows)
    for _, row in df.iterrows():
        lesion = _factor(row, "known_pituitary_lesion")
        assert lesion is not None, row["factor_evidence"]
        assert lesion["strength"] == "possible"  # an enlargement, not an adenoma named
        assert "(12 mm)" in lesion["evidence"]
        assert "possible sellar lesion" in lesion["evidence"]
        assert "hyperplasia of pregnancy" in lesion["evidence"]
        assert "thyrotroph hyperplasia" in lesion["evidence"]
        assert "not raised" in lesion["evidence"]
        codes = _codes(row)
        for code in ("visual_field_test", "pituitary_function_tests", "pituitary_mri"):
            assert code in codes, (code, codes)
        assert row["priority"] != "routine"


def test_an_enlarged_pituitary_without_a_tsh_asks_for_it(tmp_path: Path) -> None:
    df = _run(tmp_path, [{"comments": "vergrote hypofyse 11 mm"}, {"lesion": "enlarged pituitary"}])
    for _, row in df.iterrows():
        lesion = _factor(row, "known_pituitary_lesion")
        assert lesion is not None and "no TSH value given" in lesion["evidence"]
        assert "check_tsh" in _codes(row)
        assert "pregnancy_test" in _codes(row)
    # without a size: a finding of unknown size, no macroadenoma steps by default
    assert "(11 mm)" in str(_factor(df.iloc[0], "known_pituitary_lesion"))


def test_a_small_enlargement_is_listed_without_the_macroadenoma_steps(tmp_path: Path) -> None:
    row = _run(
        tmp_path, [{"comments": "Hypophysenvergrößerung 7 mm", "tsh": "1.5", "prolactin": "40"}]
    ).iloc[0]
    lesion = _factor(row, "known_pituitary_lesion")
    assert lesion is not None and "(7 mm)" in lesion["evidence"]
    assert "visual_field_test" not in _codes(row)
    assert "hook_effect_risk" not in _codes(row)


def test_with_a_raised_tsh_the_enlargement_stays_thyrotroph_hyperplasia(tmp_path: Path) -> None:
    rows = [
        {"lesion": "pituitary enlargement 12 mm", "tsh": "45"},
        {"comments": "hipófisis aumentada 12 mm", "tsh": "45"},
        {"comments": "Hypophysenvergrößerung 12 mm; TSH erhöht"},
        {"lesion": "vergrote hypofyse 12 mm", "tsh": "6"},  # mildly raised: still the wording
    ]
    df = _run(tmp_path, rows)
    for _, row in df.iterrows():
        thyroid = _factor(row, "hypothyroidism")
        assert thyroid is not None and "thyrotroph hyperplasia" in thyroid["evidence"]
        assert _factor(row, "known_pituitary_lesion") is None, row["factor_evidence"]
        assert "visual_field_test" not in _codes(row)


def test_an_adenoma_or_a_relative_keeps_its_own_reading(tmp_path: Path) -> None:
    rows = [
        {"lesion": "pituitary enlargement, macroadenoma 14 mm", "tsh": "1.9"},
        {"comments": "Mutter: Hypophysenvergrößerung 12 mm", "tsh": "1.9"},
        {"comments": "no pituitary enlargement on MRI", "tsh": "1.9"},
    ]
    df = _run(tmp_path, rows)
    adenoma = _factor(df.iloc[0], "known_pituitary_lesion")
    assert adenoma is not None and "enlarged pituitary" not in adenoma["evidence"]
    for i in (1, 2):
        assert _factor(df.iloc[i], "known_pituitary_lesion") is None, df.iloc[i]["factor_evidence"]


# --- 2. an empty sella ----------------------------------------------------------------------
EMPTY = [
    "empty sella",
    "MRI: partially empty sella",
    "leere Sella",
    "selle turcique vide",
    "sella turcica vuota",
    "lege sella",
]


def test_an_empty_sella_is_no_mass(tmp_path: Path) -> None:
    df = _run(tmp_path, [{"comments": t, "tsh": "2", "prolactin": "40"} for t in EMPTY])
    for text, (_, row) in zip(EMPTY, df.iterrows(), strict=True):
        lesion = _factor(row, "known_pituitary_lesion")
        assert lesion is not None and "no mass" in lesion["evidence"], text
        assert lesion["strength"] == "possible"
        codes = _codes(row)
        for code in ("visual_field_test", "hook_effect_risk", "dilution_retest"):
            assert code not in codes, (text, code)
        assert "macroprolactin_screen" in codes
        assert row["priority"] == "routine", text


def test_an_adenoma_beside_an_empty_sella_is_still_an_adenoma(tmp_path: Path) -> None:
    row = _run(tmp_path, [{"lesion": "empty sella, macroadenoma 15 mm", "tsh": "2"}]).iloc[0]
    lesion = _factor(row, "known_pituitary_lesion")
    assert lesion is not None and "no mass" not in lesion["evidence"]
    assert "visual_field_test" in _codes(row)


# --- 3. lab results stated in words in the notes --------------------------------------------
TSH_NORMAL = [
    "TSH normal",
    "TSH normale",
    "TSH im Normbereich",
    "TSH: normwertig",
    "TSH dans les normes",
    "TSH nella norma",
    "TSH binnen de norm",
    "normal TSH",
]


def test_a_tsh_reported_normal_asks_to_confirm_the_value(tmp_path: Path) -> None:
    df = _run(tmp_path, [{"comments": t} for t in TSH_NORMAL])
    for text, (_, row) in zip(TSH_NORMAL, df.iterrows(), strict=True):
        unexplained = _factor(row, "unexplained")
        assert unexplained is not None
        assert "TSH reported normal in the notes (no value)" in unexplained["evidence"], text
        assert "not given: medications, eGFR" in unexplained["evidence"], text
        reason = _reason(row, "check_tsh")
        assert "confirm the value" in reason and "no TSH given" not in reason, text
        assert _factor(row, "hypothyroidism") is None


TSH_HIGH = [
    "TSH erhöht",
    "TSH élevée",
    "TSH elevada",
    "TSH verhoogd",
    "TSH: elevata",
    "raised TSH",
    "erhöhtes TSH",
    "élévation de la TSH",
]


def test_a_tsh_reported_raised_is_a_possible_cause_never_likely(tmp_path: Path) -> None:
    rows = [{"comments": t} for t in TSH_HIGH]
    rows.append({"comments": "TSH deutlich erhöht, FT4 erniedrigt"})
    df = _run(tmp_path, rows)
    for _, row in df.iterrows():
        thyroid = _factor(row, "hypothyroidism")
        assert thyroid is not None, row["factor_evidence"]
        assert thyroid["strength"] == "possible"
        assert "TSH reported raised in the notes (no value)" in thyroid["evidence"]
        assert "confirm the value" in _reason(row, "check_tsh")
    assert "overt primary hypothyroidism" in str(_factor(df.iloc[-1], "hypothyroidism"))


def test_a_tsh_in_words_that_is_negated_a_relatives_or_a_range_is_not_read(tmp_path: Path) -> None:
    notes = [
        "TSH nicht erhöht",
        "Mutter: TSH erhöht",
        "sister has raised TSH",
        "TSH normal range 0.4-4.0",
        "TSH high-normal",
        "TSH pending",
    ]
    df = _run(tmp_path, [{"comments": n} for n in notes])
    for note, (_, row) in zip(notes, df.iterrows(), strict=True):
        assert _factor(row, "hypothyroidism") is None, note
        assert "TSH reported" not in str(row["factor_evidence"]), note
        assert _reason(row, "check_tsh").startswith("no TSH given"), note


def test_the_row_s_own_tsh_wins_over_the_words(tmp_path: Path) -> None:
    df = _run(
        tmp_path,
        [{"comments": "TSH erhöht", "tsh": "1.2"}, {"comments": "TSH normal", "tsh": "25"}],
    )
    assert _factor(df.iloc[0], "hypothyroidism") is None
    raised = _factor(df.iloc[1], "hypothyroidism")
    assert raised is not None and raised["strength"] == "likely"
    assert "reported" not in raised["evidence"]


def test_a_low_free_t4_reported_asks_for_the_tsh(tmp_path: Path) -> None:
    df = _run(
        tmp_path,
        [
            {"comments": "FT4 erniedrigt"},
            {"comments": "T4L basse"},
            {"comments": "TSH normal, FT4 niedrig"},
        ],
    )
    for _, row in df.iterrows():
        assert (
            "free T4 reported low in the notes (no value)"
            in _factor(row, "unexplained")["evidence"]
        )
    assert "measure TSH" in _reason(df.iloc[0], "check_tsh")
    assert "central hypothyroidism" in _reason(df.iloc[2], "check_tsh")


KIDNEY_NORMAL = [
    "eGFR normal",
    "Nierenwerte normal",
    "normale Nierenfunktion",
    "fonction rénale normale",
    "función renal normal",
    "funzione renale nella norma",
    "nierfunctie normaal",
    "creatinine normal",
]


def test_a_kidney_function_reported_normal_asks_to_confirm_it(tmp_path: Path) -> None:
    df = _run(tmp_path, [{"comments": t, "tsh": "2"} for t in KIDNEY_NORMAL])
    for text, (_, row) in zip(KIDNEY_NORMAL, df.iterrows(), strict=True):
        evidence = _factor(row, "unexplained")["evidence"]
        assert "kidney function reported normal in the notes (no value)" in evidence, text
        assert "eGFR" not in evidence.split("not given:")[-1].split(")")[0], text
        assert "confirm with the eGFR" in _reason(row, "check_renal_function"), text
    other = _run(tmp_path, [{"comments": "kidney stone, blood pressure normal", "tsh": "2"}]).iloc[
        0
    ]
    assert _reason(other, "check_renal_function").startswith("no eGFR")


PREGNANCY_NEGATIVE = [
    "hCG negativ",
    "beta-hCG négatif",
    "test de embarazo negativo",
    "Schwangerschaftstest negativ",
    "test di gravidanza negativo",
    "zwangerschapstest negatief",
]


def test_a_negative_pregnancy_test_in_the_notes_is_evidence_not_an_override(tmp_path: Path) -> None:
    rows = [{"comments": t, "tsh": "2"} for t in PREGNANCY_NEGATIVE]
    rows.append({"comments": "hCG negativ", "pregnant": "yes", "tsh": "2"})
    df = _run(tmp_path, rows)
    for text, (_, row) in zip(PREGNANCY_NEGATIVE, df.iterrows(), strict=False):
        evidence = _factor(row, "unexplained")["evidence"]
        assert "pregnancy test reported negative in the notes" in evidence, text
        assert "pregnancy_test" not in _codes(row), text
    conflict = df.iloc[-1]
    assert "conflicting_context" in _codes(conflict)
    assert "confirm the pregnancy status" in _reason(conflict, "pregnancy_test")
    assert _factor(conflict, "unexplained") is None


def test_the_name_of_a_reference_range_does_not_say_the_patient_is_euthyroid(
    tmp_path: Path,
) -> None:
    """ "TSH normal range 0.4-4.0" in a note (a lab's template line) says nothing of this
    patient's TSH: a hypothyroidism written beside it still counts, as it does with no such
    line; "TSH normal" said of the patient still sets it aside."""
    template = [
        "Hypothyreose; TSH normal range 0.4-4.0 mU/L",
        "hypothyroidism; TSH normal values: 0.4-4",
        "hypothyroïdie; TSH normal interval 0,4-4",
        "Hypothyreose",
    ]
    stated = ["Hypothyreose; TSH normal", "hypothyroidism, euthyroid on levothyroxine"]
    out = _run(tmp_path, [{"comments": c} for c in template + stated])
    for i, note in enumerate(template):
        assert _factor(out.iloc[i], "hypothyroidism") is not None, note
    for i, note in enumerate(stated, start=len(template)):
        assert _factor(out.iloc[i], "hypothyroidism") is None, note
