"""Review 23 (pituitary / neurosurgery MDT clinic, UK, DE, IT): the numbers of a pituitary clinic.

* a diluted (hook-effect) result written in a note was read only as `<word> <number with at most
  two decimals> <unit>`: "95,400 mIU/L", "95.400 mIU/l", "95 400 mIU/L", "4.530 µg/l" (thousands
  grouped), "dil. 1:100", "Verd. 1:100" (the clinic's shorthand) and "diluted 1/100 = 4500" (no
  unit: the row's) were lost, and a 4,500 ng/mL macroprolactinoma was triaged as a mild rise from
  stalk compression with a request for the dilution already done (clinical-reference §0 hook
  effect; contract §7 urgent level);
* a long file's test line "Prolaktin Verd." was a second result of the sample, the undiluted one
  triaged beside it as a new mild rise.

Synthetic patients only; through the public pipeline, one CSV per test, one row a phrasing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_csv

SAMPLE = "2026-11-02 09:30"


def _wide(tmp_path: Path, header: list[str], rows: list[dict[str, str]]) -> pd.DataFrame:
    """Men of 52; each row {column: cell} with its own patient_id "P<i>"."""
    head = ["patient_id", "sex", "age_years", "collected_at", *header]
    lines = [",".join(head)]
    for i, filled in enumerate(rows):
        row = [f"P{i}", "M", "52", SAMPLE]
        row += [csv_quoted(filled[h]) if h in filled else "" for h in header]
        lines.append(",".join(row))
    return triage_csv(tmp_path, "\n".join(lines) + "\n").set_index("patient_id")


def _codes(row: pd.Series, column: str) -> list[str]:
    return str(row[column]).split(";")


# 1. A diluted result in a note: thousands grouped, shorthand, no unit -----------------------------
DILUTED_NOTES = [
    # (result, unit, note): the diluted value is above the urgent level (> 5,000 mIU/L)
    ("950", "mIU/L", "after 1:100 dilution 95,400 mIU/L"),
    ("950", "mIU/L", "nach Verdünnung 1:100: 95.400 mIU/l"),
    ("950", "mIU/L", "after 1:100 dilution 95 400 mIU/L"),
    ("950", "mIU/L", "dopo diluizione 1:100: 95.400 mUI/L"),
    ("45", "µg/l", "nach Verdünnung 1:100: 4.530 µg/l"),
    ("45", "ng/mL", "after 1:100 dilution: 4,530 ng/mL"),
    ("45", "ng/mL", "dil. 1:100 -> 4500 ng/mL"),
    ("45", "ng/ml", "Verd. 1:100 = 4500 ng/ml"),
    ("45", "ng/mL", "diluiz. 1:100: 4500 ng/mL"),
    ("45", "ng/mL", "diluted 1/100 = 4500"),
    ("45", "ng/mL", "1:100 dilution 4500"),
    ("45", "ng/ml", "Verdünnung 1:100: 4500"),
    ("45", "ng/mL", "dopo diluizione 1:100 = 4.500"),
    ("950", "mIU/L", "diluted x100: 95400"),
]


def test_a_diluted_result_in_a_note_is_read_however_its_number_is_written(
    tmp_path: Path,
) -> None:
    rows = [
        {
            "prolactin": value,
            "prolactin_unit": unit,
            "pituitary_lesion": "macroadenoma",
            "pituitary_lesion_mm": "40",
            "comments": note,
        }
        for value, unit, note in DILUTED_NOTES
    ]
    out = _wide(
        tmp_path,
        ["prolactin", "prolactin_unit", "pituitary_lesion", "pituitary_lesion_mm", "comments"],
        rows,
    )
    for i, (_, _, note) in enumerate(DILUTED_NOTES):
        row = out.loc[f"P{i}"]
        assert row["priority"] == "urgent", note
        assert row["band"] == "extreme", note
        assert float(row["prolactin_ng_ml"]) > 4000, note
        factors = _codes(row, "factors")
        assert "macroprolactinoma_suspected" in factors, note
        assert "stalk_effect" not in factors, note  # not an NFPA compressing the stalk
        suggestions = _codes(row, "suggestions")
        assert "dilution_retest" not in suggestions, note  # the note says it was done
        assert "hook_effect_risk" not in suggestions, note


def test_a_dilution_only_planned_or_its_ratio_alone_is_no_result(tmp_path: Path) -> None:
    notes = [
        "dil. 1:100 requested",
        "Verd. 1:100 angefordert",
        "dilution 1:100 on 12/11/2026",
        "diluted 1:100 in 2019: 95,400 mIU/L",
        "before dilution 45 ng/mL",
    ]
    rows = [
        {
            "prolactin": "45",
            "prolactin_unit": "ng/mL",
            "pituitary_lesion": "macroadenoma",
            "pituitary_lesion_mm": "40",
            "comments": note,
        }
        for note in notes
    ]
    out = _wide(
        tmp_path,
        ["prolactin", "prolactin_unit", "pituitary_lesion", "pituitary_lesion_mm", "comments"],
        rows,
    )
    for i, note in enumerate(notes):
        row = out.loc[f"P{i}"]
        assert float(row["prolactin_ng_ml"]) == 45, note
        # no dilution was done for this sample: the hook effect is still to be excluded
        assert "dilution_retest" in _codes(row, "suggestions"), note


def test_a_diluted_result_in_iu_per_litre_keeps_its_decimals(tmp_path: Path) -> None:
    """IU/L is written with decimals: "2,400 IU/L" after dilution is 2.4 IU/L = 2400 mIU/L,
    never 2,400,000 mIU/L."""
    rows = [
        {
            "prolactin": "950",
            "prolactin_unit": "mIU/L",
            "pituitary_lesion": "macroadenoma",
            "pituitary_lesion_mm": "40",
            "comments": "nach Verdünnung 1:100: 2,400 IU/L",
        }
    ]
    out = _wide(
        tmp_path,
        ["prolactin", "prolactin_unit", "pituitary_lesion", "pituitary_lesion_mm", "comments"],
        rows,
    )
    row = out.loc["P0"]
    assert float(row["prolactin_value"]) == 2400
    assert row["priority"] != "urgent"


def test_a_long_files_shorthand_diluted_line_replaces_the_neat_result(tmp_path: Path) -> None:
    text = (
        "Patient-ID;Geschlecht;Geburtsdatum;Entnahme;Test;Ergebnis;Einheit;Referenzbereich\n"
        "100236;M;12.03.1968;02.11.2026 09:30;Prolaktin;38,0;ng/ml;4,0-15,2\n"
        "100236;M;12.03.1968;02.11.2026 09:30;Prolaktin Verd.;3800;ng/ml;4,0-15,2\n"
        "100237;M;12.03.1968;02.11.2026 09:30;Prolaktin;38,0;ng/ml;4,0-15,2\n"
        "100237;M;12.03.1968;02.11.2026 09:30;PRL dil.;3800;ng/ml;4,0-15,2\n"
    )
    out = triage_csv(tmp_path, text)
    for patient in ("100236", "100237"):
        rows = out[out["patient_id"] == patient]
        assert len(rows) == 1, patient  # one sample, one result: the diluted one
        assert rows.iloc[0]["priority"] == "urgent", patient
        assert float(rows.iloc[0]["prolactin_ng_ml"]) == 3800, patient


# 2. Clinic shorthand: cabergoline ("CAB", "Cab", "Caberg."), a prolactinoma ("PRLoma"), "NFA" --
CABERGOLINE_SHORTHAND = [
    "CAB 0.5 mg twice weekly",
    "Cab 0.25mg twice weekly",
    "CAB 1mg/wk",
    "Caberg. 0,5 mg 2x/Wo",
    "on CAB 500 mcg weekly",
]


def test_cabergoline_written_as_the_clinic_writes_it_is_a_dopamine_agonist(
    tmp_path: Path,
) -> None:
    """A raised prolactin on a dopamine agonist is resistance, too low a dose or missed doses
    (clinical-reference §8 masking, §3.2), not a new rise for a rested repeat."""
    rows = [
        {
            "prolactin": "38",
            "prolactin_unit": "ng/mL",
            "medications": medication,
            "pituitary_lesion": "microadenoma",
            "pituitary_lesion_mm": "5",
        }
        for medication in CABERGOLINE_SHORTHAND
    ]
    header = [
        "prolactin",
        "prolactin_unit",
        "medications",
        "pituitary_lesion",
        "pituitary_lesion_mm",
    ]
    out = _wide(tmp_path, header, rows)
    for i, medication in enumerate(CABERGOLINE_SHORTHAND):
        row = out.loc[f"P{i}"]
        suggestions = _codes(row, "suggestions")
        assert "dopamine_agonist_masking" in suggestions, medication
        assert "repeat_rested_sample" not in suggestions, medication
        assert "macroprolactin_screen" not in suggestions, medication
        assert row["priority"] == "soon", medication


def test_cab_without_a_dose_or_cabg_is_no_cabergoline(tmp_path: Path) -> None:
    notes = ["s/p CABG 2019, aspirin 75 mg", "CABG x3", "took a cab to the clinic"]
    rows = [
        {
            "prolactin": "38",
            "prolactin_unit": "ng/mL",
            "medications": "aspirin 75 mg",
            "comments": n,
        }
        for n in notes
    ]
    out = _wide(tmp_path, ["prolactin", "prolactin_unit", "medications", "comments"], rows)
    for i, note in enumerate(notes):
        assert "dopamine_agonist_masking" not in _codes(out.loc[f"P{i}"], "suggestions"), note


PROLACTINOMA_SHORTHAND = [
    "known PRLoma",
    "micro-PRL-oma",
    "macroPRLoma 2019",
    "PRL-oma on cabergoline",
]


def test_a_prolactinoma_in_clinic_shorthand_is_a_known_lesion(tmp_path: Path) -> None:
    rows = [
        {"prolactin": "38", "prolactin_unit": "ng/mL", "comments": note}
        for note in PROLACTINOMA_SHORTHAND
    ]
    out = _wide(tmp_path, ["prolactin", "prolactin_unit", "comments"], rows)
    for i, note in enumerate(PROLACTINOMA_SHORTHAND):
        row = out.loc[f"P{i}"]
        assert "known_pituitary_lesion" in _codes(row, "factors"), note
        assert "unexplained" not in _codes(row, "factors"), note
        assert "repeat_rested_sample" not in _codes(row, "suggestions"), note
        assert row["priority"] == "soon", note


def test_nfa_beside_a_lesion_word_is_a_non_functioning_adenoma_alone_no_further_action(
    tmp_path: Path,
) -> None:
    notes = ["known NFA", "residual NFA on MRI", "NFA 24 mm", "seen in clinic, NFA"]
    rows = [{"prolactin": "38", "prolactin_unit": "ng/mL", "comments": n} for n in notes]
    out = _wide(tmp_path, ["prolactin", "prolactin_unit", "comments"], rows)
    for i, note in enumerate(notes[:3]):
        row = out.loc[f"P{i}"]
        assert "known_pituitary_lesion" in _codes(row, "factors"), note
        assert "stalk_effect" in _codes(row, "factors"), note  # a non-secreting mass
    assert "known_pituitary_lesion" not in _codes(out.loc["P3"], "factors")


# 3. A bare lesion size beside "macroadenoma" is in cm --------------------------------------------
BARE_SIZES = [
    # (size column header, lesion, bare size): a macroadenoma is >= 10 mm by definition
    ("Adenoma size", "macroadenoma", "3.2"),
    ("Adenomgröße", "Makroadenom", "3,2"),
    ("Dimensioni adenoma", "macroadenoma ipofisario", "2,5"),
    ("Max diameter", "giant adenoma", "4.5"),
    ("Adenoma size", "macroprolactinoma, untreated", "2.8"),
]


def test_a_bare_size_too_small_for_the_macroadenoma_named_beside_it_is_in_cm(
    tmp_path: Path,
) -> None:
    """clinical-reference §0, §8: a known macroadenoma with a modest prolactin needs the hook
    effect excluded (1:100 dilution) and visual fields; read as 3.2 mm it got a rested repeat."""
    for k, (header, lesion, size) in enumerate(BARE_SIZES):
        folder = tmp_path / str(k)
        folder.mkdir()
        rows = [
            {"prolactin": "40", "prolactin_unit": "ng/mL", "pituitary_lesion": lesion, header: size}
        ]
        out = _wide(folder, ["prolactin", "prolactin_unit", "pituitary_lesion", header], rows)
        row = out.loc["P0"]
        suggestions = _codes(row, "suggestions")
        assert "dilution_retest" in suggestions, (lesion, size)
        assert "visual_field_test" in suggestions, (lesion, size)
        assert "repeat_rested_sample" not in suggestions, (lesion, size)
        assert "mm" in " ".join(f["evidence"] for f in row["factor_details"]), (lesion, size)


def test_a_bare_small_size_beside_a_microadenoma_stays_in_mm(tmp_path: Path) -> None:
    rows = [
        {
            "prolactin": "40",
            "prolactin_unit": "ng/mL",
            "pituitary_lesion": "microadenoma",
            "Adenoma size": "4",
        },
        {
            "prolactin": "40",
            "prolactin_unit": "ng/mL",
            "pituitary_lesion": "macroadenoma",
            "Adenoma size": "32",
        },
    ]
    out = _wide(tmp_path, ["prolactin", "prolactin_unit", "pituitary_lesion", "Adenoma size"], rows)
    assert "dilution_retest" not in _codes(out.loc["P0"], "suggestions")
    assert "dilution_retest" in _codes(out.loc["P1"], "suggestions")


# 4. The size of the lesion the column names, written in the notes without its name ---------------
NOTE_SIZES = [
    ("pituitary adenoma", "MRI: 3.1 x 2.4 cm"),
    ("pituitary adenoma", "MRI 12/2025: 3.1 x 2.4 cm"),
    ("pituitary adenoma", "3.1 x 2.4 cm on MRI"),
    ("pituitary tumour", "size 31 mm"),
    ("Hypophysenadenom", "MRT: 3,1 x 2,4 cm"),
    ("adenoma ipofisario", "RM 31 x 24 mm"),
    ("pituitary adenoma", "MRI shows 31 mm"),
]


def test_the_lesion_columns_lesion_is_measured_by_a_size_in_the_notes(tmp_path: Path) -> None:
    """A 31 mm adenoma with 40 ng/mL: the hook effect to exclude (clinical-reference §0, §8: 1:100
    dilution), stalk compression; not a rested repeat for a 31 mm mass."""
    rows = [
        {"prolactin": "40", "prolactin_unit": "ng/mL", "pituitary_lesion": lesion, "comments": note}
        for lesion, note in NOTE_SIZES
    ]
    out = _wide(tmp_path, ["prolactin", "prolactin_unit", "pituitary_lesion", "comments"], rows)
    for i, (_, note) in enumerate(NOTE_SIZES):
        row = out.loc[f"P{i}"]
        suggestions = _codes(row, "suggestions")
        assert "dilution_retest" in suggestions, note
        assert "repeat_rested_sample" not in suggestions, note
        assert "stalk_effect" in _codes(row, "factors"), note


def test_a_size_in_the_notes_of_something_else_does_not_measure_the_lesion(tmp_path: Path) -> None:
    notes = ["breast cyst 3 cm", "MRI: no adenoma; renal cyst 3.1 cm"]
    rows = [
        {
            "prolactin": "40",
            "prolactin_unit": "ng/mL",
            "pituitary_lesion": "microadenoma",
            "comments": n,
        }
        for n in notes
    ]
    out = _wide(tmp_path, ["prolactin", "prolactin_unit", "pituitary_lesion", "comments"], rows)
    for i, note in enumerate(notes):
        assert "dilution_retest" not in _codes(out.loc[f"P{i}"], "suggestions"), note
