"""Review 20: a result exactly on a limit written in mIU/L (or IU/L, µIU/mL) is within it.

Reference limits are inclusive.  A set's limits given in mIU/L had been turned into ng/mL
rounded to three decimals, while the result was divided unrounded: 324 mIU/L against a lab's
own "86-324 mU/L" came out high at x1.000001 the limit, 86 mIU/L low; the shipped Atellica set
called a man's 320 mIU/L (its own 0.32 IU/L limit) high, and the re-derived cobas set a
postmenopausal 590 mIU/L.  The same interval written in the row had been judged right.
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.pipeline import TriageRequest, run_triage

_LAB_SET = """\
# title = Hillside lab, Roche cobas
# assay = Roche cobas e801
# miu_per_ng = 21.2
# miu_per_ng_source = Roche insert
# source = Hillside verification 2025
id;sex;state;age_min_years;age_max_years;low;high;unit;source;note
women;F;adult;18;;102;496;mU/L;insert;
men;M;adult;18;;86;324;mU/L;insert;
"""


def _run(tmp_path: Path, rows: str, ranges: str) -> dict[str, tuple[str, float]]:
    path = tmp_path / "export.csv"
    path.write_text("id,sex,age,prolactin,unit,menopausal\n" + rows, encoding="utf-8")
    outcome = run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", ranges=ranges, keep_results=True)
    )
    assert outcome.results is not None
    out = outcome.results.set_index("patient_id")
    return {str(i): (str(r["status"]), float(r["times_uln"])) for i, r in out.iterrows()}


def test_results_on_a_lab_sets_limits_in_mu_per_litre_are_within(tmp_path: Path) -> None:
    lab = tmp_path / "lab.csv"
    lab.write_text(_LAB_SET, encoding="utf-8")
    found = _run(
        tmp_path,
        "M1,M,50,324,mIU/L,\n"  # the upper limit
        "M2,M,50,86,mU/L,\n"  # the lower limit
        "M3,M,50,0.324,IU/L,\n"
        "M4,M,50,324,µIU/mL,\n"
        "F1,F,30,496,mIU/L,\n"
        "F2,F,30,102,mIU/L,\n"
        "M5,M,50,325,mIU/L,\n"  # one above
        "M6,M,50,85,mIU/L,\n",  # one below
        str(lab),
    )
    for within in ("M1", "M2", "M3", "M4", "F1", "F2"):
        assert found[within][0] == "normal", (within, found[within])
    assert found["M1"][1] == 1.0
    assert found["M5"][0] == "high"
    assert found["M6"][0] == "low"


@pytest.mark.parametrize(
    ("ranges", "at_limit", "above"),
    [
        ("siemens_atellica", "A,M,50,320,mIU/L,\n", "B,M,50,321,mIU/L,\n"),
        ("siemens_atellica", "A,M,50,0.32,IU/L,\n", "B,M,50,0.33,IU/L,\n"),
        ("roche_elecsys_rederived", "A,F,60,590,mIU/L,ja\n", "B,F,60,591,mIU/L,ja\n"),
    ],
)
def test_results_on_a_shipped_sets_limit_are_within(
    tmp_path: Path, ranges: str, at_limit: str, above: str
) -> None:
    found = _run(tmp_path, at_limit + above, ranges)
    assert found["A"] == ("normal", 1.0)
    assert found["B"][0] == "high"
