"""Review 14: values a reader took for something else.

- a PEG recovery written as a fraction (0.75, "ratio") in a long export was read as 0.75 %;
- a missing-data code the workbook's own codebook declares for the result column (999 = "not
  done") was triaged as a result, and -99 was called implausible rather than missing;
- compact research names of the monomeric prolactin ("prl_mono", "prl_postpeg", "PRLmono")
  were taken for a second prolactin result and the whole file was refused;
- a unit with a note in brackets ("mIU/L (WHO 84/500)", "µg/L (= ng/mL)") or written out
  ("microIU/mL") was no unit, and every row was left untriaged;
- an unlabelled mean under the results, its unit cell filled in, was triaged as a patient's
  result.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.columns import candidates
from triage.pipeline import TriageRequest, run_triage
from triage.schema import Rejected
from triage.values import normalise_unit


def _run(tmp_path: Path, text: str | None = None, path: Path | None = None):
    """(results, rejected rows) of one run on ``text`` (a CSV) or the file ``path``."""
    if path is None:
        path = tmp_path / "export.csv"
        path.write_text(text or "", encoding="utf-8")
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    results = outcome.results if outcome.results is not None else pd.DataFrame()
    return results, outcome.rejected


def _row(results: pd.DataFrame, patient: str) -> pd.Series:
    rows = results[results["patient_id"] == patient]
    assert len(rows) == 1, results
    return rows.iloc[0]


def _reasons(rejected: list[Rejected]) -> dict[int, str]:
    return {r.source_row: r.reason_code for r in rejected}


# -- compact names of the monomeric prolactin ---------------------------------------------------
MONOMERIC_HEADERS = [
    "prl_mono",
    "prl_postpeg",
    "prl_ppeg",
    "PRLmono",
    "monoPRL",
    "postpegPRL",
    "prl_postPEG",
    "PRL (mono)",
    "Prolaktin_nachPEG",  # de
    "Prolaktin monomer",
    "prolactine_apresPEG",  # fr
    "Prolactine monomère",
    "prolactina_trasPEG",  # es
    "Prolactina monómero",
    "prolattina_dopoPEG",  # it
    "prolactine_naPEG",  # nl
]


@pytest.mark.parametrize("header", MONOMERIC_HEADERS)
def test_compact_monomeric_names_are_the_monomeric_prolactin(header: str) -> None:
    found = candidates(header)
    assert found and found[0][0] == "monomeric_prolactin", found
    assert "prolactin" not in dict(found)
    # the prolactin word alone is still the result
    for result in ("prl_total", "Prolaktin", "PRL", "prolactina"):
        assert candidates(result)[0][0] == "prolactin", result


@pytest.mark.parametrize("header", ["prl_mono", "prl_postpeg", "PRLmono", "Prolaktin_nachPEG"])
def test_file_with_total_and_compact_monomeric_column_is_triaged(
    tmp_path: Path, header: str
) -> None:
    results, _ = _run(
        tmp_path,
        f"id,sex,age,prl_total,{header},prl_unit\nM1,F,30,80,12,ng/mL\nM2,M,40,60,45,ng/mL\n",
    )
    # low monomeric share (12 of 80): macroprolactin explains it; 45 of 60 does not
    assert _row(results, "M1")["prolactin_ng_ml"] == 80
    assert "macroprolactinemia" in _row(results, "M1")["factors"]
    assert "macroprolactinemia" not in _row(results, "M2")["factors"]


# -- units with a note in brackets, and written out ----------------------------------------------
@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("mIU/L (WHO 84/500)", "mIU/L"),
        ("mIU/L (3rd IS 84/500)", "mIU/L"),
        ("mIU/L [OMS 84/500]", "mIU/L"),
        ("mU/L (3. Internationaler Standard 84/500)", "mIU/L"),
        ("ng/mL (µg/L)", "ng/mL"),
        ("µg/L (= ng/mL)", "ng/mL"),
        ("µg/L (entspricht ng/mL)", "ng/mL"),
        ("mUI/L (soit µUI/mL)", "mIU/L"),
        ("microIU/mL", "mIU/L"),
        ("micro-UI/mL", "mIU/L"),
        ("mikroIE/ml", "mIU/L"),
    ],
)
def test_unit_with_standard_or_equivalence_note_is_read(text: str, unit: str) -> None:
    info = normalise_unit(text)
    assert info is not None and info.unit == unit and info.factor == 1.0
    # a note naming another unit, or saying something else, leaves the unit unknown
    for unknown in ("ng/mL (mIU/L)", "IU/L (mIU/L)", "mIU/L (calculated)", "ng/mL (x 21.2)"):
        assert normalise_unit(unknown) is None, unknown


def test_units_with_notes_are_triaged_end_to_end(tmp_path: Path) -> None:
    results, rejected = _run(
        tmp_path,
        "patient_id,sex,age_years,prolactin,prolactin_unit\n"
        "V1,F,30,600,mIU/L (WHO 84/500)\n"
        "V2,M,40,400,ng/mL (µg/L)\n"
        "V3,M,40,6000,mIU/L (3rd IS 84/500)\n"
        "V4,M,40,300,µg/L (= ng/mL)\n"
        "V5,F,30,600,microIU/mL\n",
    )
    assert not rejected
    assert _row(results, "V1")["prolactin_ng_ml"] == pytest.approx(600 / 21.2, abs=0.1)
    assert _row(results, "V1")["priority"] == "none"
    assert _row(results, "V2")["priority"] == "urgent"
    assert _row(results, "V3")["priority"] == "urgent"
    assert _row(results, "V4")["prolactin_ng_ml"] == 300
    assert _row(results, "V5")["prolactin_ng_ml"] == pytest.approx(600 / 21.2, abs=0.1)


def test_unit_note_in_the_result_cell_is_read(tmp_path: Path) -> None:
    results, rejected = _run(
        tmp_path, "patient_id,sex,age,prolactin\nB1,F,30,600 mIU/L (WHO 84/500)\n"
    )
    assert not rejected
    assert _row(results, "B1")["prolactin_ng_ml"] == pytest.approx(600 / 21.2, abs=0.1)
