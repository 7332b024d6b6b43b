"""Macroprolactin screens and dilutions written in other words (review 20).

- A monomeric (post-PEG) prolactin given as a percentage is the PEG recovery in every language
  (clinical-reference §0b: LOINC 50366-4, monomeric/total = recovery %): "Prolattina monomerica
  (%)" 20 is macroprolactin, not a column "not used" and a screen asked for again.
- A positive screen written as "mostly macroprolactin" or a rise "due to macroprolactin" reads as
  "macroprolactin positive" (§2.3, §1.1); negatives, questions and a macroprolactinoma do not.
- A dilution already done (a diluted column or line, a diluted result in a note whatever its
  value, "hook effect excluded" in six languages) is not asked for again, and the lesion's
  hook-effect wording says it was seen (§0, §7.6); which value is the result is unchanged.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv_warned, triage_lines

from triage.io import ReadOptions, read_file

NOTES = "patient_id,sex,age,prolactin_ng_ml,pituitary_lesion,comments"


def _codes(row: pd.Series) -> list[str]:
    return [d["code"] for d in row["suggestion_details"]]


def _lines(prefix: str, texts: list[str], rest: str) -> list[str]:
    return [f"{prefix}{n:02d},{rest},{csv_quoted(t)}" for n, t in enumerate(texts, 1)]


# ------------------------------------------------------------------------------------------------
# 1. A monomeric prolactin in "%" is the PEG recovery
# ------------------------------------------------------------------------------------------------
RECOVERY_HEADERS = [
    "Prolattina monomerica (%)",
    "Prolactine monomérique (%)",
    "Monomeres Prolaktin (%)",
    "Prolactina monomérica (%)",
    "Monomeer prolactine (%)",
    "Monomeric PRL (%)",
    "Monomeric prolactin (%)",  # read before: must stay
    "Prolattina monomerica %",
    "% monomer",
    "PRL monomère %",
    "Post-PEG prolactin (%)",
    "Prolaktin nach PEG (%)",
    "Monomeric prolactin (% of total)",
    "Monomer-Anteil",
    "prl_mono_pct",
    "recupero PEG %",
    "PEG-Wiederfindung",
]


def _read(tmp_path: Path, header: str, cell: str = "20") -> pd.DataFrame:
    path = tmp_path / "export.csv"
    path.write_text(f"patient_id,sex,age,prolactin_ng_ml,{header}\nA1,F,35,80,{cell}\n", "utf-8")
    return read_file(path, None, ReadOptions()).frame


def test_monomeric_share_headers_are_the_peg_recovery(tmp_path: Path) -> None:
    wrong = {}
    for header in RECOVERY_HEADERS:
        frame = _read(tmp_path, header)
        recovery = frame["macroprolactin_recovery_pct"].tolist()
        if recovery != [20.0] or frame["monomeric_prolactin"].notna().any():
            wrong[header] = recovery
    assert not wrong


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Monomeric prolactin (ng/mL)", "monomeric_prolactin"),  # a concentration stays one
        ("Monomeres Prolaktin (µg/l)", "monomeric_prolactin"),
        ("Prolactine post-PEG", "monomeric_prolactin"),
        ("Mono (%)", None),  # monocytes: no macroprolactin screen
        ("Monozyten %", None),
    ],
)
def test_other_headers_are_not_the_recovery(tmp_path: Path, header: str, field: str | None) -> None:
    frame = _read(tmp_path, header, "12")
    assert frame["macroprolactin_recovery_pct"].isna().all()
    if field is not None:
        assert frame[field].tolist() == [12.0]


@pytest.mark.parametrize("header", ["Prolattina monomerica (%)", "Monomeer prolactine (%)"])
def test_monomeric_percent_column_triaged_as_screen(tmp_path: Path, header: str) -> None:
    text = f"patient_id,sex,age,prolactin_ng_ml,{header}\nA1,F,35,80,20\nA2,F,35,80,85\n"
    out, warnings = triage_csv_warned(tmp_path, text)
    assert not [w for w in warnings if "not used" in w]
    low, high = out.loc["A1"], out.loc["A2"]
    assert low["factors"].split(";")[0] == "macroprolactinemia"
    assert "PEG recovery: 20%" in low["factor_evidence"]
    assert "pituitary_mri" not in _codes(low)  # §0: screen before MRI; it was done
    for row in (low, high):  # a screen done is never asked for again
        assert "macroprolactin_screen" not in _codes(row)
    assert "macroprolactinemia" not in high["factors"]  # 85 %: monomeric, a true rise


# ------------------------------------------------------------------------------------------------
# 2. A positive macroprolactin screen in other words
# ------------------------------------------------------------------------------------------------
POSITIVE = [
    "überwiegend Makroprolaktin",
    "ueberwiegend Makroprolaktin",
    "predominantly macroprolactin",
    "mainly macroprolactin",
    "PEG: mostly macroprolactin",
    "macroprolactine dominante",
    "prédominance de macroprolactine",
    "predominio de macroprolactina",
    "prevalentemente macroprolattina",
    "voornamelijk macroprolactine",
    "macroprolactin predominant",
    "hyperprolactinaemia due to macroprolactin",
    "Hyperprolaktinämie durch Makroprolaktin",
    "hyperprolactinémie liée à la macroprolactine",
    "hiperprolactinemia debida a macroprolactina",
    "iperprolattinemia da macroprolattina",
    "hyperprolactinemie door macroprolactine",
    "Makroprolaktin-bedingte Hyperprolaktinämie",
]
NEGATIVE = [
    "no macroprolactin",
    "macroprolactin negative",
    "kein Makroprolaktin",
    "macroprolactine absente",
    "screen for macroprolactin",
    "?macroprolactin",
    "mainly macroprolactin screen requested",
    "hyperprolactinaemia not due to macroprolactin",
    "hyperprolactinaemia due to macroprolactinoma",
    "macroprolactinoma present",
    "Makroprolaktinom ausgeschlossen",
    "mostly asymptomatic, headache mainly in the morning",
]


@pytest.fixture(scope="module")
def macro_notes(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    lines = _lines("P", POSITIVE, "F,35,80,") + _lines("N", NEGATIVE, "F,35,80,")
    return triage_lines(tmp_path_factory.mktemp("macro"), NOTES, lines)


def test_mostly_macroprolactin_reads_as_a_positive_screen(macro_notes: pd.DataFrame) -> None:
    for n, text in enumerate(POSITIVE, 1):
        row = macro_notes.loc[f"P{n:02d}"]
        assert row["factors"].split(";")[0] == "macroprolactinemia", text
        assert "unexplained" not in row["factors"], text
        assert "macroprolactin_screen" not in _codes(row), text


def test_negatives_queries_and_tumours_are_no_positive_screen(macro_notes: pd.DataFrame) -> None:
    for n, text in enumerate(NEGATIVE, 1):
        assert "macroprolactinemia" not in macro_notes.loc[f"N{n:02d}"]["factors"], text
    # a screen asked for, or a tumour excluded, is no screen done: it is still suggested
    for n in (5, 6, 7, 11):
        assert "macroprolactin_screen" in _codes(macro_notes.loc[f"N{n:02d}"]), NEGATIVE[n - 1]
    assert "macroprolactin_screen" not in _codes(macro_notes.loc["N02"])  # a negative screen


# ------------------------------------------------------------------------------------------------
# 3. A dilution already done is not asked for again
# ------------------------------------------------------------------------------------------------
LESION = "M,50,60,macroadenoma 35 mm"
DONE = [
    # a diluted result in a note, lower than or equal to the cell's (the cell stays the result)
    "nach Verdünnung 1:100: 58 ng/ml",
    "après dilution 1/100 : 58 ng/mL",
    "after dilution 1:100: 58 ng/mL",
    "tras dilución 1:100: 58 ng/mL",
    "dopo diluizione 1:100: 60 ng/mL",
    "na verdunning 1:100: 58 ng/mL",
    # the hook effect written as excluded, or the dilution as done
    "hook effect excluded",
    "Hook-Effekt ausgeschlossen",
    "effet crochet exclu (dilution 1/100)",
    "efecto gancho descartado",
    "effetto hook escluso",
    "hook-effect uitgesloten",
    "no hook effect on dilution",
    "Makroadenom; nach Verdünnung 1:100 kein High-Dose-Hook",
    "pas d'effet crochet",
    "serial dilutions performed",
    "Verdünnungsreihe durchgeführt",
]
NOT_DONE = [
    "dilution requested",
    "1:100 dilution pending",
    "hook effect not excluded",
    "Hook-Effekt nicht ausgeschlossen",
    "?hook effect excluded",
    "no dilution performed",
    "Verdünnung angefordert",
    "please perform serial dilutions",
    "efecto gancho no descartado",
    "test: Prolactin (rested)",
]


@pytest.fixture(scope="module")
def dilution_notes(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    lines = _lines("D", DONE, LESION) + _lines("X", NOT_DONE, LESION)
    lines += [
        f"H01,M,50,60,macroadenoma 35 mm,{csv_quoted('diluted 1:100 = 9800 ng/mL')}",
        "Z01,M,50,12,macroadenoma 35 mm,diluted 1:100: 12 ng/mL",  # a normal result
        "Z02,M,50,12,macroadenoma 35 mm,",
    ]
    return triage_lines(tmp_path_factory.mktemp("dilution"), NOTES, lines)


def test_dilution_done_is_not_asked_again(dilution_notes: pd.DataFrame) -> None:
    for n, text in enumerate(DONE, 1):
        row = dilution_notes.loc[f"D{n:02d}"]
        assert row["prolactin_ng_ml"] == 60, text  # today's rule: a lower note leaves the cell
        codes = _codes(row)
        assert "dilution_retest" not in codes and "hook_effect_risk" not in codes, text
        assert "Re-assay at 1:100" not in row["comment"], text
        assert "re-assayed at dilution (comments:" in row["factor_evidence"], text
        assert "endocrine_referral" in codes, text  # the macroadenoma still goes to the specialist


def test_dilution_asked_for_or_in_doubt_keeps_the_request(dilution_notes: pd.DataFrame) -> None:
    for n, text in enumerate(NOT_DONE, 1):
        row = dilution_notes.loc[f"X{n:02d}"]
        assert _codes(row)[:2] == ["hook_effect_risk", "dilution_retest"], text
        assert "re-assayed at dilution" not in row["factor_evidence"], text


def test_higher_diluted_result_still_counts_and_normal_one_is_seen(
    dilution_notes: pd.DataFrame,
) -> None:
    higher = dilution_notes.loc["H01"]
    assert higher["prolactin_ng_ml"] == 9800
    assert higher["priority"] == "urgent"
    seen, unseen = dilution_notes.loc["Z01"], dilution_notes.loc["Z02"]
    assert "re-assayed at dilution" in seen["factor_evidence"]
    assert "can read falsely low" not in seen["factor_evidence"]
    assert "dilution_retest" not in _codes(seen)
    assert "can read falsely low" in unseen["factor_evidence"]
    assert "dilution_retest" in _codes(unseen)


def test_diluted_column_taken_is_not_asked_again(tmp_path: Path) -> None:
    header = "patient_id,sex,age,prolactin_ng_ml,Prolactin 1:100 (ng/mL),pituitary_lesion"
    out = triage_lines(
        tmp_path,
        header,
        [
            "W1,M,50,60,58,macroadenoma 35 mm",
            "W2,M,50,60,62,macroadenoma 35 mm",
            "W3,M,50,60,,macroadenoma 35 mm",
        ],
    )
    for pid, value in (("W1", 58), ("W2", 62)):
        row = out.loc[pid]
        assert row["prolactin_ng_ml"] == value  # the diluted column's value, as before
        assert "dilution_retest" not in _codes(row) and "hook_effect_risk" not in _codes(row)
        assert "re-assayed at dilution" in row["factor_evidence"]
    assert "dilution_retest" in _codes(out.loc["W3"])  # no diluted value in its row


def test_diluted_line_of_a_long_file_is_not_asked_again(tmp_path: Path) -> None:
    out = triage_lines(
        tmp_path,
        "PatientID,Sex,Age,Date,Test,Result,Unit,Comment",
        [
            "L1,M,50,2026-03-01,Prolaktin,60,ng/mL,Makroadenom 35 mm",
            "L1,M,50,2026-03-01,Prolaktin verdünnt,58,ng/mL,",
            "L2,M,50,2026-03-01,Prolaktin,60,ng/mL,Makroadenom 35 mm",
        ],
    )
    assert out.loc["L1"]["prolactin_ng_ml"] == 58
    assert "dilution_retest" not in _codes(out.loc["L1"])
    assert "dilution_retest" in _codes(out.loc["L2"])
