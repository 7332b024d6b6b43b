"""The engine's texts speak the lab's unit: a lab that reports prolactin in mIU/L reads every
value and interval of the factor evidence, the next-step reasons and the interval notes in mIU/L
first, ng/mL beside it; a lab in ng/mL reads them as before.  Synthetic patients only; headers as
messy as real exports."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from triage.engine import triage_frame
from triage.engine.frames import canonical_frame
from triage.io import ReadOptions, read_file
from triage.knowledge import list_reference_sets, load_knowledge

FACTOR = 21.2  # the default set's mIU/L per ng/mL

# One row each: a drug, a macroprolactinoma-level result, an urgent level, the lab's own
# interval from the file, a pregnancy (physiological interval).
MIU_EXPORT = (
    "MRN,Sex,Age (yrs),Collected,PRL (mU/L),Ref. range,Current medications,Pregnant?\n"
    "SYN-7101,F,34,2026-02-03 08:10,1060,102 - 496,risperidone 4 mg,no\n"
    "SYN-7102,F,29,2026-02-03 08:40,33562,102 - 496,,no\n"
    "SYN-7103,M,51,2026-02-03 09:05,7000,,,\n"
    "SYN-7104,F,31,2026-02-03 09:30,3000,,,yes (30 weeks)\n"
)
NG_EXPORT = (
    "MRN,Sex,Age (yrs),Collected,PRL (ng/mL),Ref. range,Current medications,Pregnant?\n"
    "SYN-7101,F,34,2026-02-03 08:10,50,4.81 - 23.4,risperidone 4 mg,no\n"
    "SYN-7102,F,29,2026-02-03 08:40,1583.1,4.81 - 23.4,,no\n"
    "SYN-7103,M,51,2026-02-03 09:05,330.2,,,\n"
    "SYN-7104,F,31,2026-02-03 09:30,141.5,,,yes (30 weeks)\n"
)
# An amount in mIU/L with its ng/mL beside it: "1060 mIU/L (50 ng/mL)", "~10600 mIU/L (500
# ng/mL)", "102–496 mIU/L (4.81–23.4 ng/mL)", "≤ 530 mIU/L (≤ 25 ng/mL)".
_PAIRED = re.compile(r"mIU/L \([^()]*?ng/mL\)")


def results_of(path: Path) -> pd.DataFrame:
    return triage_frame(read_file(path, None, ReadOptions()).frame, load_knowledge("default"))


# The strata's citations (reference_ranges/*.toml `source`), which the reference note quotes as
# published ("Quest Diagnostics test directory, women 3.0-30.0 ng/mL [S]"): a quotation, not an
# amount the engine states; the interval itself is written in the row's unit.
_CITATIONS = sorted(
    {st.source.strip().rstrip(". ") for rs in list_reference_sets() for st in rs.strata},
    key=len,
    reverse=True,
)


def texts(row: pd.Series) -> list[str]:
    """Every factor evidence, suggestion reason and the reference note of a row (without the
    strata's quoted citations)."""
    found = [d["evidence"] for d in row["factor_details"]]
    found += [d["reason"] for d in row["suggestion_details"]]
    note = str(row["reference_note"])
    for citation in _CITATIONS:
        note = note.replace(citation, "")
    return [*found, note]


def by_code(row: pd.Series, kind: str) -> dict[str, str]:
    key = "evidence" if kind == "factor_details" else "reason"
    return {d["code"]: d[key] for d in row[kind]}


@pytest.fixture(scope="module")
def miu(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("miu") / "lis_export.csv"
    path.write_text(MIU_EXPORT, encoding="utf-8")
    return results_of(path)


@pytest.fixture(scope="module")
def ng(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("ng") / "clinic_export.csv"
    path.write_text(NG_EXPORT, encoding="utf-8")
    return results_of(path)


def test_the_export_is_read_in_miu(miu: pd.DataFrame) -> None:
    assert (miu["prolactin_unit"] == "mIU/L").all()
    assert miu["reference_source"].tolist() == ["row", "row", "set", "physiological"]
    assert miu["priority"].iloc[2] == "urgent"


def test_no_bare_ng_value_in_a_miu_row(miu: pd.DataFrame) -> None:
    for _, row in miu.iterrows():
        for text in texts(row):
            assert "ng/mL" not in _PAIRED.sub("", text), text
        assert "mIU/L" in str(row["reference_note"])


def test_drug_evidence_in_miu(miu: pd.DataFrame) -> None:
    evidence = by_code(miu.iloc[0], "factor_details")["medication:antipsychotic"]
    assert "risperidone" in evidence
    assert "(antipsychotic; can raise prolactin to ~4240 mIU/L (~200 ng/mL))" in evidence


def test_macroprolactinoma_level_in_miu(miu: pd.DataFrame) -> None:
    evidence = by_code(miu.iloc[1], "factor_details")["macroprolactinoma_suspected"]
    assert evidence.startswith("prolactin 33562 mIU/L (1583.1 ng/mL): values above ")
    assert "values above ~10600 mIU/L (500 ng/mL) are almost only seen" in evidence


def test_urgent_reason_in_miu(miu: pd.DataFrame) -> None:
    reason = by_code(miu.iloc[2], "suggestion_details")["urgent_endocrine_referral"]
    assert reason == (
        "prolactin 7000 mIU/L (330.2 ng/mL) is above 5000 mIU/L (~236 ng/mL) and no "
        "physiological state explains it"
    )
    evidence = by_code(miu.iloc[2], "factor_details")["prolactinoma_suspected"]
    assert evidence == (
        "prolactin 7000 mIU/L (330.2 ng/mL): above ~5300 mIU/L (250 ng/mL) a prolactinoma "
        "is the usual cause"
    )


def test_the_labs_own_interval_is_the_files_numbers(miu: pd.DataFrame) -> None:
    for i in (0, 1):
        note = str(miu["reference_note"].iloc[i])
        assert note.startswith(
            "The lab's own interval from the file: 102–496 mIU/L (4.81–23.4 ng/mL)"
        )
    assert miu["reference_high_value"].iloc[0] == 496.0


def test_pregnancy_interval_in_miu(miu: pd.DataFrame) -> None:
    row = miu.iloc[3]
    note = str(row["reference_note"])
    assert note.startswith("Physiological interval for pregnancy")
    assert re.search(r"\d+–\d+ mIU/L \([\d.]+–[\d.]+ ng/mL\)", note), note
    high = row["reference_high_value"]
    assert f"–{high:.0f} mIU/L (" in note  # the same number as reference_high_value
    # "yes (30 weeks)": pregnant in the third trimester (clinical-reference §2.1, 10–600 ng/mL)
    assert note.startswith(
        "Physiological interval for pregnancy: pregnancy, 3rd trimester 212–12720 mIU/L "
        "(10–600 ng/mL). Source of this interval: Pregnancy physiology"
    )
    assert "Not a measured reference interval: " in note  # the term range (team design)
    evidence = by_code(row, "factor_details")["pregnancy"]
    assert evidence.endswith(
        "3000 mIU/L (141.5 ng/mL) is within the pregnancy interval 212–12720 mIU/L (10–600 "
        "ng/mL); above the non-pregnant limit 636 mIU/L (30 ng/mL)"
    )


def test_the_same_rows_in_ng_read_as_before(ng: pd.DataFrame, miu: pd.DataFrame) -> None:
    assert ng["factors"].tolist() == miu["factors"].tolist()
    assert ng["suggestions"].tolist() == miu["suggestions"].tolist()
    for _, row in ng.iterrows():
        for text in texts(row):
            # the urgent level is defined in mIU/L ("~236 ng/mL (5000 mIU/L)"); nothing else is
            assert "mIU/L" not in text.replace("~236 ng/mL (5000 mIU/L)", ""), text
    assert str(ng["reference_note"].iloc[0]).startswith(
        "The lab's own interval from the file: 4.81–23.4 ng/mL"
    )
    macro = by_code(ng.iloc[1], "factor_details")["macroprolactinoma_suspected"]
    assert macro == (
        "prolactin 1583.1 ng/mL: values above 500 ng/mL are almost only seen with "
        "macroprolactinomas"
    )
    urgent = by_code(ng.iloc[2], "suggestion_details")["urgent_endocrine_referral"]
    assert urgent == (
        "prolactin 330.2 ng/mL is above ~236 ng/mL (5000 mIU/L) and no physiological state "
        "explains it"
    )


# ------------------------------------------------------------------- memoised texts ---
_CONTEXT: dict[str, object] = {
    "sex": "F",
    "age_years": 34,
    "medications": "risperidone 4 mg",
    "pregnant": False,
}


def _row(prolactin: float, unit: str, **extra: object) -> dict[str, object]:
    return {**_CONTEXT, "prolactin": prolactin, "unit": unit, **extra}


def _run(rows: list[dict[str, object]]) -> pd.DataFrame:
    return triage_frame(canonical_frame(rows), load_knowledge("default")).reset_index(drop=True)


def _cells(row: pd.Series) -> tuple[object, ...]:
    return (row["factor_evidence"], tuple(texts(row)))


def test_a_mixed_batch_gives_each_row_its_own_unit() -> None:
    """Rows alike but for the unit share their decision, interval choice and memoised texts:
    each still reads its own unit, in any order."""
    miu = [_row(1060, "mIU/L"), _row(3000, "mIU/L", pregnant=True, gestational_weeks=30)]
    ng = [_row(50, "ng/mL"), _row(3000 / FACTOR, "ng/mL", pregnant=True, gestational_weeks=30)]
    mixed = _run([miu[0], ng[0], miu[1], ng[1], miu[0], ng[0]])
    alone_miu, alone_ng = _run(miu), _run(ng)
    for at, (alone, i) in enumerate(
        [(alone_miu, 0), (alone_ng, 0), (alone_miu, 1), (alone_ng, 1), (alone_miu, 0)]
    ):
        assert _cells(mixed.iloc[at]) == _cells(alone.iloc[i])
    assert _cells(mixed.iloc[5]) == _cells(alone_ng.iloc[0])
    for i in (0, 2, 4):
        row = mixed.iloc[i]
        assert "mIU/L (" in row["factor_evidence"]
        for text in texts(row):
            assert "ng/mL" not in _PAIRED.sub("", text), text
    for i in (1, 3, 5):
        for text in texts(mixed.iloc[i]):
            assert "mIU/L" not in text, text
    # the same decision (codes) for both units
    assert mixed["factors"].iloc[0] == mixed["factors"].iloc[1]
