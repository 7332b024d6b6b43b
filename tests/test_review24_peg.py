"""Review 24 (hunt G), the macroprolactin (PEG) screen of a regional multi-analyser lab.

- An equivocal PEG screen (recovery 40-60 %, written as a percentage, a fraction, a percent
  macroprolactin, in a note in any language, or as a monomeric prolactin that is 40-60 % of the
  total) no longer turns a monomeric excess into a "mild" rise (`routine`, no referral): PEG
  co-precipitates up to ~25 % of monomeric prolactin, so the monomeric level it gives
  understates a true excess (clinical-reference §2.3); only a total that is mostly macroprolactin
  (recovery below 40 %) is judged by its monomeric part as a mild rise (extensions, "a mild
  monomeric excess is a mild rise").  Contract §7: `soon` is "high and not explained".
- A stated assay without a reference set no longer borrows Roche's post-PEG limit silently:
  Tosoh AIA and Immulite are judged against their own post-PEG limits (Beltran 2008,
  clinical-reference §2.3: Tosoh men 73-247, women 83-383; Immulite men 78-263, women 85-394
  mIU/L), any other named assay (Ortho Vitros, DiaSorin LIAISON) against Roche's only with the
  "another assay" caveat (extensions, review 21).
- The lab's own post-PEG interval in a wide file's column ("Post-PEG reference range", "M 63-245;
  F 75-381", "Post-PEG ULN", "Referenz nach PEG", "Valeurs de référence après PEG") is read as
  a long export's reference cell on the post-PEG line is (clinical-reference §2.2: the lab's
  interval is preferred; §2.3, §7.3: post-PEG intervals are assay-specific).
- With the sex not given, the post-PEG limit used (the lower, the men's) says so.

Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv_warned, triage_lines


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c]


def _macro(row: pd.Series) -> dict[str, str]:
    found = next((f for f in row["factor_details"] if f["code"] == "macroprolactinemia"), None)
    assert found is not None, row["factors"]
    return dict(found)


# --- 1. an equivocal screen does not downgrade a true rise ----------------------------------
EQUIVOCAL_HEADER = (
    "Patient ID,Sex,DOB,Collected,Prolactin,Unit,Analyser,PEG recovery (%),Macroprolactin (%),"
    "Post-PEG prolactin,Comments"
)


def _screen(
    pid: str,
    sex: str,
    total: str,
    recovery: str = "",
    pct: str = "",
    mono: str = "",
    note: str = "",
) -> str:
    cells = [pid, sex, "1988-01-01", "2026-11-03 10:00", total, "mIU/L", "Roche cobas e801"]
    return ",".join([*cells, recovery, pct, mono, csv_quoted(note)])


# women 1200 mIU/L (56.6 ng/mL), men 1300 mIU/L (61 ng/mL): above the mild band, their
# monomeric part (50-55 %) at most 2.5x the Roche post-PEG limit (392 / 278 mIU/L)
EQUIVOCAL = {
    "Erec": _screen("Erec", "F", "1200", recovery="55"),
    "Emono": _screen("Emono", "F", "1200", mono="600"),
    "Eboth": _screen("Eboth", "F", "1200", recovery="48", mono="576"),
    "Efrac": _screen("Efrac", "F", "1200", recovery="0.55"),
    "Epct": _screen("Epct", "F", "1200", pct="45"),
    "Ede": _screen(
        "Ede", "F", "1200", note="Makroprolaktin-Screening: 50 % Wiederfindung nach PEG"
    ),
    "Een": _screen("Een", "F", "1200", note="post-PEG prolactin 600 mIU/L"),
    "Emen": _screen("Emen", "M", "1300", recovery="50"),
    "Emenmono": _screen("Emenmono", "M", "1300", mono="650"),
}
CONTROLS = {
    "Cnone": _screen("Cnone", "F", "1200"),  # no screen: soon
    "Ctrue": _screen("Ctrue", "F", "1200", recovery="65"),  # a true rise: soon
    # mostly macroprolactin (25 %), the monomeric part 1.3x its limit: a mild rise (routine)
    "Cmacro": _screen("Cmacro", "F", "2000", recovery="25"),
}


@pytest.fixture(scope="module")
def equivocal(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    rows = [*EQUIVOCAL.values(), *CONTROLS.values()]
    return triage_lines(tmp_path_factory.mktemp("equivocal"), EQUIVOCAL_HEADER, rows)


def test_an_equivocal_screen_leaves_a_monomeric_excess_soon_with_the_referral(
    equivocal: pd.DataFrame,
) -> None:
    for pid in EQUIVOCAL:
        row = equivocal.loc[pid]
        assert row["priority"] == "soon", (pid, row["priority"], row["factors"])
        assert "endocrine_referral" in _codes(row["suggestions"]), (pid, row["suggestions"])
        factor = _macro(row)
        assert factor["strength"] == "possible", (pid, factor)
        assert "a true rise remains" in factor["evidence"], (pid, factor)
        assert "equivocal" in factor["evidence"], (pid, factor)


def test_an_equivocal_excess_is_ranked_as_the_same_result_unscreened(
    equivocal: pd.DataFrame,
) -> None:
    assert equivocal.loc["Cnone", "priority"] == "soon"
    assert equivocal.loc["Ctrue", "priority"] == "soon"
    assert equivocal.loc["Erec", "priority"] == equivocal.loc["Cnone", "priority"]


def test_a_mild_excess_under_a_total_mostly_macroprolactin_stays_a_mild_rise(
    equivocal: pd.DataFrame,
) -> None:
    row = equivocal.loc["Cmacro"]
    assert row["priority"] == "routine", row["factors"]
    assert "repeat_rested_sample" in _codes(row["suggestions"])


# --- 2. a stated assay without a set ---------------------------------------------------------
ASSAY_HEADER = (
    "Patient ID,Sex,DOB,Collected,Prolactin (mIU/L),Analyser,PEG recovery (%),"
    "Post-PEG prolactin (mIU/L)"
)


def _assay(pid: str, sex: str, total: str, assay: str, mono: str) -> str:
    return ",".join([pid, sex, "1975-03-01", "2026-11-03 10:00", total, assay, "37", mono])


OWN_LIMITS = {
    # 265 mIU/L: above Tosoh's men's limit 247, within Roche's 278
    "Tman": (_assay("Tman", "M", "720", "Tosoh AIA-2000", "265"), "Tosoh AIA", "247"),
    "Tman2": (_assay("Tman2", "M", "720", "TOSOH AIA900", "265"), "Tosoh AIA", "247"),
    # 390 mIU/L: above Tosoh's women's limit 383, within Roche's 392
    "Twoman": (_assay("Twoman", "F", "1100", "Tosoh AIA-900", "390"), "Tosoh AIA", "383"),
    # 270 mIU/L: above Immulite's men's limit 263
    "Iman": (_assay("Iman", "M", "720", "Siemens Immulite 2000", "270"), "Siemens Immulite", "263"),
}
BORROWED = {
    "Vitros": _assay("Vitros", "M", "720", "Ortho Vitros 5600", "265"),
    "Liaison": _assay("Liaison", "M", "720", "DiaSorin LIAISON XL", "250"),
}


@pytest.fixture(scope="module")
def assays(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    rows = [line for line, _, _ in OWN_LIMITS.values()] + list(BORROWED.values())
    rows.append(_assay("Unstated", "M", "720", "", "265"))
    return triage_lines(tmp_path_factory.mktemp("assays"), ASSAY_HEADER, rows)


def test_tosoh_and_immulite_are_judged_by_their_own_post_peg_limits(assays: pd.DataFrame) -> None:
    for pid, (_, name, limit) in OWN_LIMITS.items():
        row = assays.loc[pid]
        factor = _macro(row)
        assert f"above the {name} post-PEG limit ~{limit} mIU/L" in factor["evidence"], (
            pid,
            factor,
        )
        assert "a true rise remains" in factor["evidence"], pid
        assert factor["strength"] == "possible", pid
        assert "repeat_rested_sample" in _codes(row["suggestions"]), pid


def test_another_named_assay_borrows_roches_limit_only_with_the_caveat(
    assays: pd.DataFrame,
) -> None:
    for pid in BORROWED:
        row = assays.loc[pid]
        factor = _macro(row)
        assert factor["strength"] == "possible", (pid, factor)
        assert "of another assay (Roche" in factor["evidence"], (pid, factor)
        assert "none known for" in factor["evidence"], (pid, factor)
        assert "ask the lab for its post-PEG interval" in factor["evidence"], pid
        assert _codes(row["suggestions"]), pid  # followed up, not closed
    # a row whose method is not stated keeps the thresholds' limit, as before
    unstated = _macro(assays.loc["Unstated"])
    assert unstated["strength"] == "likely" and "another assay" not in unstated["evidence"]


# --- 3. the lab's post-PEG interval in a wide file -------------------------------------------
def _wide(header: str, cells: dict[str, str]) -> str:
    head = (
        "Patient ID,Sex,DOB,Collected,Prolactin (mIU/L),Reference range,Analyser,"
        f"PEG recovery (%),Post-PEG prolactin (mIU/L),{header}"
    )
    rows = {
        "W1": "W1,M,1972-01-01,2026-11-04 09:00,700,86-324,Roche cobas e801,37,260",
        "W2": "W2,F,1990-01-01,2026-11-04 09:00,1100,102-496,Roche cobas e801,35,385",
    }
    return "\n".join([head] + [f"{rows[p]},{csv_quoted(c)}" for p, c in cells.items()]) + "\n"


WIDE_FILES = {
    "plain": _wide("Post-PEG reference range", {"W1": "63-245", "W2": "75-381"}),
    "split": _wide(
        "Post-PEG reference range", {"W1": "M 63-245; F 75-381 mIU/L", "W2": "M 63-245; F 75-381"}
    ),
    "uln": _wide("Post-PEG ULN", {"W1": "245", "W2": "381"}),
    "de": _wide("Referenz nach PEG", {"W1": "63 - 245", "W2": "75 - 381"}),
    "fr": _wide("Valeurs de référence après PEG", {"W1": "63-245", "W2": "75-381"}),
    "mono": _wide("Monomeric PRL reference range", {"W1": "63-245", "W2": "75-381"}),
}
_METHOD = "Roche cobas e801"
LONG = (
    "\n".join(
        [
            "PatientID,Sex,DOB,SampleNo,Collected,Test,Result,Unit,RefRange,Method",
            f"W1,M,1972-01-01,S101,2026-11-04 09:00,Prolactin,700,mIU/L,86-324,{_METHOD}",
            f"W1,M,1972-01-01,S101,2026-11-04 09:00,Post-PEG prolactin,260,mIU/L,63-245,{_METHOD}",
            f"W1,M,1972-01-01,S101,2026-11-04 09:00,PEG recovery,37,%,,{_METHOD}",
            f"W2,F,1990-01-01,S102,2026-11-04 09:00,Prolactin,1100,mIU/L,102-496,{_METHOD}",
            f"W2,F,1990-01-01,S102,2026-11-04 09:00,Post-PEG prolactin,385,mIU/L,75-381,{_METHOD}",
            f"W2,F,1990-01-01,S102,2026-11-04 09:00,PEG recovery,35,%,,{_METHOD}",
        ]
    )
    + "\n"
)


@pytest.mark.parametrize("name", sorted(WIDE_FILES))
def test_the_labs_post_peg_interval_in_a_wide_file_is_used(tmp_path: Path, name: str) -> None:
    results, _ = triage_csv_warned(tmp_path, WIDE_FILES[name])
    for pid, limit in (("W1", "245"), ("W2", "381")):
        factor = _macro(results.loc[pid])
        assert f"above the lab's post-PEG limit {limit} mIU/L" in factor["evidence"], (
            name,
            pid,
            factor,
        )
        assert "a true rise remains" in factor["evidence"], (name, pid)
        assert "repeat_rested_sample" in _codes(results.loc[pid, "suggestions"]), (name, pid)


def test_wide_and_long_shapes_of_one_screen_agree(tmp_path: Path) -> None:
    (tmp_path / "w").mkdir()
    (tmp_path / "l").mkdir()
    wide, _ = triage_csv_warned(tmp_path / "w", WIDE_FILES["plain"])
    long, _ = triage_csv_warned(tmp_path / "l", LONG)
    for pid in ("W1", "W2"):
        assert wide.loc[pid, "priority"] == long.loc[pid, "priority"], pid
        assert _codes(wide.loc[pid, "suggestions"]) == _codes(long.loc[pid, "suggestions"]), pid
        assert _macro(wide.loc[pid])["strength"] == _macro(long.loc[pid])["strength"], pid


def test_a_post_peg_interval_in_the_other_unit_is_said_and_not_used(tmp_path: Path) -> None:
    text = _wide("Post-PEG reference range", {"W2": "3.5-18.0 ng/mL"})
    results, warnings = triage_csv_warned(tmp_path, text)
    assert any("post-PEG limit in another unit" in w for w in warnings), warnings
    assert "the lab's post-PEG limit" not in _macro(results.loc["W2"])["evidence"]


# --- 4. the sex not given ----------------------------------------------------------------------
def test_a_post_peg_limit_chosen_without_the_sex_says_so(tmp_path: Path) -> None:
    results = triage_lines(
        tmp_path, ASSAY_HEADER, ["U1,,1975-03-01,2026-11-03 10:00,900,Roche cobas e801,33,300"]
    )
    evidence = _macro(results.loc["U1"])["evidence"]
    assert "sex not given: the men's, the lower; the women's is ~392 mIU/L" in evidence, evidence
