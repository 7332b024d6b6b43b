"""Review 20: central (secondary) hypothyroidism shown by values.

A low free T4 with a TSH that is not raised (low or inappropriately normal) is central
hypothyroidism, a pituitary failure: clinical-reference §5 names hypopituitarism (thyroid) among
the mass effects of a pituitary tumour, a red flag for urgent referral.  The words "central
hypothyroidism", "hypothyroïdie centrale", "Hypothyreose sekundär" were read so (urgent, MRI),
but the same state written as values (TSH 0.5 mU/L with FT4 6 pmol/L, in columns, in ng/dL, in
a note, in a Dutch long export) came out routine or soon, "no thyroid cause found", with a
rested repeat and a macroprolactin screen before any pituitary work-up.  Now the values are read
as the words are, the values quoted as the red flag's evidence (thresholds.toml
central_hypothyroid_free_t4_below_pmol_l, tsh_upper_miu_l).

Not central: a low free T4 with a raised TSH (primary hypothyroidism, the hypothyroidism
factor), treated hypothyroidism with normal values, over-replacement on levothyroxine (low TSH,
high free T4), a free T4 low on one assay only, the TSH still suppressed after thyrotoxicosis
treated with an antithyroid drug, T3 treatment, pregnancy.
Synthetic patients only; in process (run_triage).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_csv, triage_lines

URGENT = "urgent_endocrine_referral"
WIDE = "patient_id,sex,age,prolactin_ng_ml,TSH (mU/L),FT4 (pmol/L),comments"


def _codes(row: pd.Series) -> list[str]:
    return [c for c in str(row["suggestions"] or "").split(";") if c]


def _reason(row: pd.Series, code: str) -> str:
    return next((s["reason"] for s in row["suggestion_details"] if s["code"] == code), "")


def _strength(row: pd.Series, code: str) -> str | None:
    return next((f["strength"] for f in row["factor_details"] if f["code"] == code), None)


def _central(row: pd.Series, *quoted: str) -> None:
    """The row is read as central hypothyroidism: urgent with the pituitary work-up, the
    referral citing the values, and no rested repeat or macroprolactin screen first."""
    codes = _codes(row)
    assert row["priority"] == "urgent", (row.name, row["priority"], codes)
    for code in (URGENT, "pituitary_function_tests", "pituitary_mri", "visual_field_test"):
        assert code in codes, (row.name, codes)
    assert "repeat_rested_sample" not in codes and "macroprolactin_screen" not in codes, row.name
    reason = _reason(row, URGENT)
    assert "central hypothyroidism" in reason, (row.name, reason)
    for text in quoted:
        assert text in reason, (row.name, text, reason)
    assert _strength(row, "hypothyroidism") is None, row.name


def _not_central(row: pd.Series) -> None:
    assert row["priority"] != "urgent", (row.name, row["suggestions"])
    assert "central hypothyroidism" not in str(row["suggestion_details"]), row.name


def test_values_in_columns_are_read_as_the_words_are(tmp_path: Path) -> None:
    df = triage_lines(
        tmp_path,
        WIDE,
        [
            "V02,M,55,45,0.5,6,",
            "V03,M,58,85,0.05,6.5,",
            'V04,F,45,45,"<0,01","7,5",',
            "V05,M,55,45,1.1,8.9,",
            # the French "graves" (serious) is no Graves' disease
            "V06,F,45,45,0.8,6," + csv_quoted("asthénie, troubles graves du sommeil"),
            # the same state in words, with a TSH that is not raised and no free T4
            "W01,M,55,45,0.5,,central hypothyroidism",
        ],
    )
    _central(df.loc["V02"], "6 pmol/L", "TSH 0.5 mIU/L")
    _central(df.loc["V03"], "6.5 pmol/L", "TSH 0.05 mIU/L")
    _central(df.loc["V04"], "7.5 pmol/L", "TSH <0.01 mIU/L")
    _central(df.loc["V05"], "8.9 pmol/L")
    _central(df.loc["V06"])
    _central(df.loc["W01"])
    # the same finding, the same path: the values' row is decided as the words' row is
    assert _codes(df.loc["V02"]) == _codes(df.loc["W01"])


def test_free_t4_in_ng_dl_is_converted_before_it_is_judged(tmp_path: Path) -> None:
    df = triage_lines(
        tmp_path,
        "patient_id,sex,age,prolactin_ng_ml,TSH (µIU/mL),fT4 (ng/dL),comments",
        [
            "U01,F,45,45,1.0,0.5,",  # 6.4 pmol/L
            "U02,M,55,45,0.8,1.1,",  # 14 pmol/L: normal
            "U03,M,55,45,0.8,0.8,",  # 10.3 pmol/L: low on some assays only
        ],
    )
    _central(df.loc["U01"], "6.44 pmol/L", "TSH 1 mIU/L")
    _not_central(df.loc["U02"])
    _not_central(df.loc["U03"])


def test_values_and_words_in_notes_in_each_language(tmp_path: Path) -> None:
    notes = {
        "N1": "TSH 1,2 mU/l; fT4 7 pmol/l",
        "N2": "TSH 0,8 mU/l, fT4 0,5 ng/dl",
        "N3": "T4 libre 0,55 ng/dL, TSH 0,9 mUI/L",
        "N4": "TSH normal, FT4 niedrig",
        "N5": "T4L basse, TSH normale",
        "N6": "vrij T4 7 pmol/l, TSH 0,3 mE/l",
        "N7": "TSH 1,0 mU/l, FT4 6 pmol/l",
    }
    lines = [f"{key},M,60,45,,,{csv_quoted(text)}" for key, text in notes.items()]
    lines += ["N8,M,60,45,1.5,,FT4 erniedrigt", "N9,M,60,45,,7,TSH im Normbereich"]
    df = triage_lines(tmp_path, WIDE, lines)
    _central(df.loc["N1"], "7 pmol/L", "TSH 1.2 mIU/L")
    _central(df.loc["N2"], "6.44 pmol/L")
    for key in ("N3", "N4", "N5", "N6", "N7", "N8", "N9"):
        _central(df.loc[key])
    assert "FT4 erniedrigt" in _reason(df.loc["N8"], URGENT)
    assert "TSH im Normbereich" in _reason(df.loc["N9"], URGENT)


def test_a_dutch_long_export(tmp_path: Path) -> None:
    head = "Patientnr|Geslacht|Leeftijd|Afnamedatum|Bepaling|Uitslag|Eenheid|Referentiewaarde"
    rows = [
        "N1|M|66|2026-11-03 09:00|Prolactine|2400|mE/l|80-400",
        "N1|M|66|2026-11-03 09:00|TSH|0,02|mE/l|0,4-4,0",
        "N1|M|66|2026-11-03 09:00|Vrij T4|7|pmol/l|11-22",
        "N2|M|66|2026-11-03 09:00|Prolactine|900|mE/l|80-400",
        "N2|M|66|2026-11-03 09:00|TSH|12|mE/l|0,4-4,0",
        "N2|M|66|2026-11-03 09:00|Vrij T4|7|pmol/l|11-22",
    ]
    df = triage_csv(tmp_path, "\n".join([head, *rows]) + "\n").set_index("patient_id")
    _central(df.loc["N1"], "7 pmol/L", "TSH 0.02 mIU/L")
    # a low free T4 with a raised TSH is primary hypothyroidism, never central
    _not_central(df.loc["N2"])
    assert "overt primary hypothyroidism" in str(df.loc["N2", "factor_evidence"])


def test_what_is_not_central_hypothyroidism(tmp_path: Path) -> None:
    df = triage_lines(
        tmp_path,
        "patient_id,sex,age,prolactin_ng_ml,TSH (mU/L),FT4 (pmol/L),medications,comments",
        [
            "P1,F,45,45,9.0,6,,",  # primary: raised TSH, low free T4
            "P2,F,45,45,4.5,8,,",  # just above the TSH limit: primary
            "P3,F,45,45,2.0,16,Levothyroxine 100 µg,hypothyroidism on levothyroxine",
            "P4,F,45,45,0.05,25,L-Thyroxin 150,over-replaced",  # low TSH, high free T4
            "P5,F,45,45,0.02,7,Thiamazol 20 mg,M. Basedow",  # TSH still suppressed
            "P6,F,45,45,0.01,6,," + csv_quoted("Graves' disease, radioiodine 2026"),
            "P7,F,45,45,0.9,6,Liothyronine 20 µg,",  # T3 treatment lowers the free T4
            "P8,F,30,45,0.8,8,,Schwangerschaft 34. SSW",
            "P9,F,45,45,1.0,11,,",  # low on one assay only
        ],
    )
    for key in ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9"):
        _not_central(df.loc[key])
    assert _strength(df.loc["P1"], "hypothyroidism") == "likely"
    assert "overt primary hypothyroidism" in str(df.loc["P2", "factor_evidence"])
    assert _strength(df.loc["P3"], "hypothyroidism") is None
    assert _strength(df.loc["P4"], "hypothyroidism") is None


def test_a_normal_prolactin_with_central_values_is_not_quiet(tmp_path: Path) -> None:
    """As the words are: a red flag with a prolactin that is not raised is soon with the urgent
    referral (a sellar mass can leave prolactin normal); an ordinary row decided first must not
    lend its (quiet) decision to the next one."""
    df = triage_lines(
        tmp_path,
        WIDE,
        [
            "Q1,M,55,10,1.5,15,",
            "Q2,M,55,10,0.5,6,",
            "Q3,M,55,10,,,central hypothyroidism",
            "Q4,M,55,10,1.5,,FT4 erniedrigt",
        ],
    )
    assert df.loc["Q1", "priority"] == "none"
    for key in ("Q2", "Q3", "Q4"):
        assert df.loc[key, "priority"] == "soon", key
        assert URGENT in _codes(df.loc[key]), key
    assert _codes(df.loc["Q2"]) == _codes(df.loc["Q3"])
    assert "6 pmol/L" in _reason(df.loc["Q2"], URGENT)
