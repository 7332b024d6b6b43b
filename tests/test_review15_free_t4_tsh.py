"""Review 15: a free T4 written without a unit, beside a strongly raised TSH.

A unitless free T4 up to free_t4_bare_ng_dl_max is read in ng/dL (1.2 is ~15 pmol/L, normal:
read as pmol/L it was an invented overt hypothyroidism).  Beside a strongly raised TSH
(tsh_strong_miu_l) a small free T4 reads both ways: 3 pmol/L is the profound hypothyroidism the
TSH says, 3 ng/dL a thyrotoxicosis the TSH contradicts.  It is not used, and the TSH judges
alone: hypothyroidism stays a likely contributor (clinical-reference §4, §8).
"""

from __future__ import annotations

from pathlib import Path

from pipeline_helpers import triage_lines

HEADER = "id,sex,age,prolactin,unit,TSH,FT4"


def _strength(row, code: str) -> str | None:  # type: ignore[no-untyped-def]
    found = [f["strength"] for f in row["factor_details"] if f["code"] == code]
    return found[0] if found else None


def test_a_small_unitless_free_t4_beside_a_high_tsh_leaves_the_tsh_to_judge(
    tmp_path: Path,
) -> None:
    out = triage_lines(
        tmp_path, HEADER, ["V2,F,40,60,ng/mL,80,3", "V4,F,40,60,ng/mL,45,0.4"]
    ).reset_index()
    for _, row in out.iterrows():
        assert _strength(row, "hypothyroidism") == "likely", row["factor_evidence"]
        assert "free T4" not in row["factor_evidence"].split("hypothyroidism (likely):")[1][:60]


def test_beside_a_mildly_raised_tsh_the_unitless_free_t4_is_read_in_ng_dl(
    tmp_path: Path,
) -> None:
    # 1.2 ng/dL is normal: TSH 5 alone is a weaker cause, the work-up stays
    out = triage_lines(tmp_path, HEADER, ["V1,F,40,85,ng/mL,5.0,1.2"])
    row = out.loc["V1"]
    assert _strength(row, "hypothyroidism") == "possible"
    assert "overt" not in row["factor_evidence"]


def test_a_free_t4_in_pmol_l_beside_a_high_tsh_is_overt_hypothyroidism(tmp_path: Path) -> None:
    out = triage_lines(tmp_path, HEADER, ["V3,F,40,60,ng/mL,80,9"])
    assert "overt primary hypothyroidism" in out.loc["V3", "factor_evidence"]
