"""A reference set judges every stratum it can: the re-derived Roche set holds the postmenopausal
upper limit the Amsterdam UMC cobas re-derivation gives (0.59 IU/L, ~27.8 ng/mL; clinical-reference
§2.1, §2.2), not the default set's 20 ng/mL of another method, which sat below the set's own
premenopausal 37.8 and flagged cobas results between the two as high (§7.7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.knowledge import load_reference_set
from triage.pipeline import TriageRequest, run_triage


def test_rederived_roche_set_has_a_postmenopausal_upper_limit() -> None:
    stratum = load_reference_set("roche_elecsys_rederived").find("postmenopausal")
    assert stratum is not None
    assert stratum.high_ng_ml == pytest.approx(590 / 21.2, abs=0.01)
    assert stratum.low_ng_ml is None  # no lower limit was re-derived or confirmed


def test_postmenopausal_cobas_results_are_judged_against_it(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "id,sex,age,prolactin,unit,menopausal\n"
        "A,F,62,24,ng/mL,ja\n"  # between 20 and 27.8: normal on cobas
        "B,F,62,29,ng/mL,ja\n"  # above 27.8
        "C,F,58,24,ng/mL,\n"  # postmenopausal by age
        "D,F,40,24,ng/mL,nein\n",
        encoding="utf-8",
    )
    outcome = run_triage(
        TriageRequest(
            inputs=[path],
            out_dir=tmp_path / "out",
            ranges="roche_elecsys_rederived",
            keep_results=True,
        )
    )
    assert outcome.results is not None
    out = outcome.results.set_index("patient_id")
    for row in ("A", "B", "C"):
        assert out.loc[row, "reference_stratum"] == "roche_elecsys_rederived:postmenopausal"
        assert float(out.loc[row, "reference_high_ng_ml"]) == pytest.approx(27.83, abs=0.01)
    assert out.loc["A", "status"] == "normal" and out.loc["A", "priority"] == "none"
    assert out.loc["C", "status"] == "normal"
    assert out.loc["B", "status"] == "high"
    assert out.loc["D", "reference_stratum"] == "roche_elecsys_rederived:adult_female"
