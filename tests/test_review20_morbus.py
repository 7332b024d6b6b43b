"""Review 20: German notes write Morbus as "M." ("M. Cushing", "Mutter: M. Basedow").  Its full
stop had ended the clause, so "M. Cushing" was no Cushing's disease and a mother's "M. Basedow"
was read as the patient's own Graves' disease (which blocks the reading of a low free T4 with a
TSH not raised as central hypothyroidism).  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

from pipeline_helpers import triage_lines

HEADER = "id,sex,age,prolactin,unit,notes"


def test_morbus_abbreviated_is_read_with_its_disease(tmp_path: Path) -> None:
    out = triage_lines(
        tmp_path,
        HEADER,
        [
            "A,F,40,60,ng/mL,M. Cushing",
            "B,F,40,60,ng/mL,V.a. M.Cushing",
            "C,F,40,60,ng/mL,Mutter: M. Basedow; fT4 7 pmol/l; TSH 0.5 mU/l",
            "D,F,40,60,ng/mL,M. Basedow unter Thiamazol; fT4 7 pmol/l; TSH 0.01 mU/l",
            "E,F,40,60,ng/mL,Kopfschmerzen. M. Crohn",
        ],
    )
    assert "known_pituitary_lesion" in str(out.loc["A", "factors"])
    assert "known_pituitary_lesion" in str(out.loc["B", "factors"])
    # the mother's Graves' disease is not the patient's: her own low free T4 is central
    assert out.loc["C", "priority"] == "urgent"
    assert "central hypothyroidism" in str(out.loc["C", "factor_evidence"]) + str(
        out.loc["C", "suggestion_details"]
    )
    # her own treated Graves' disease lowers the free T4 under a suppressed TSH: not central
    assert out.loc["D", "priority"] != "urgent"
    assert "known_pituitary_lesion" not in str(out.loc["E", "factors"])
