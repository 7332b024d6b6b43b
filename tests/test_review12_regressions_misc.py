"""Review-12 regressions: a prolactinoma written with doubt, a differential, a plan or a work-up
is a question, not a known treated tumour (the secondary causes are still checked), in six
languages; a result repeated in brackets ("45 (45)") is read as the result."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv

from triage.values import parse_quantity

HEADER = "patient_id,sex,age,prolactin,unit,comments\n"
SECONDARY = ("check_tsh", "check_renal_function", "check_liver_function")

QUERIED = [
    # en
    "work-up for prolactinoma",
    "prolactinoma vs drug effect",
    "clinically prolactinoma likely, MRI pending",
    "differential diagnosis prolactinoma",
    "exclude prolactinoma",
    "prolactinoma pending",
    # de
    "Prolaktinom nicht ausgeschlossen",
    "DD Prolaktinom vs. Medikamente",
    "Prolaktinom fraglich",
    "Abklärung Prolaktinom",
    "Prolaktinom wahrscheinlich",
    # fr
    "bilan de prolactinome",
    "prolactinome à éliminer",
    "prolactinome douteux",
    "exclure un prolactinome",
    # es
    "estudio de prolactinoma",
    "prolactinoma a descartar",
    "prolactinoma dudoso",
    "sospecha de prolactinoma",
    # it
    "accertamenti per prolattinoma",
    "prolattinoma da escludere",
    "prolattinoma dubbio",
    "prolattinoma probabile",
    # nl
    "prolactinoom uitsluiten",
    "onderzoek naar prolactinoom",
    "prolactinoom twijfelachtig",
    "prolactinoom waarschijnlijk",
]

KNOWN = [
    "known prolactinoma",
    "prolactinoma, MRI pending",  # the plan is another clause
    "Prolaktinom bekannt",
    "prolactinome connu",
    "prolactinoma conocido",
    "prolattinoma noto",
    "prolactinoom bekend",
]


def _row(tmp_path: Path, comment: str) -> dict[str, object]:
    text = HEADER + f'P1,F,32,180,ng/mL,"{comment}"\n'
    results = triage_csv(tmp_path, text)
    assert len(results) == 1
    return dict(results.iloc[0])


@pytest.mark.parametrize("comment", QUERIED)
def test_queried_prolactinoma_keeps_the_secondary_cause_checks(
    tmp_path: Path, comment: str
) -> None:
    row = _row(tmp_path, comment)
    suggestions = str(row["suggestions"]).split(";")
    for step in SECONDARY:
        assert step in suggestions, (comment, suggestions)
    assert "known_pituitary_lesion" not in str(row["factors"]), (comment, row["factors"])
    assert "pituitary_mri" in suggestions


@pytest.mark.parametrize("comment", KNOWN)
def test_named_prolactinoma_without_doubt_stays_known(tmp_path: Path, comment: str) -> None:
    row = _row(tmp_path, comment)
    assert "known_pituitary_lesion" in str(row["factors"]), (comment, row["factors"])
    assert "check_tsh" not in str(row["suggestions"]).split(";")


@pytest.mark.parametrize(
    ("cell", "value"),
    [("45 (45)", 45.0), ("45,2 (45,2)", 45.2), ("45.2 (45.20)", 45.2), ("45 [45]", 45.0)],
)
def test_result_repeated_in_brackets_is_read(cell: str, value: float) -> None:
    q = parse_quantity(cell)
    assert q.status == "ok" and q.value == pytest.approx(value)


@pytest.mark.parametrize("cell", ["45 (12)", "45 (46)", "2500 (5300)", "45,2 (45,3)"])
def test_other_number_in_brackets_stays_rejected(cell: str) -> None:
    assert parse_quantity(cell).status == "unparseable"


def test_repeated_result_end_to_end(tmp_path: Path) -> None:
    text = (
        "patient_id,sex,age,prolactin,unit\n"
        "K1,F,32,45 (45),ng/mL\n"
        'K2,F,32,"45,2 (45,2)",ng/mL\n'
        "K3,F,32,45 (12),ng/mL\n"
        "K4,F,32,45 (1),ng/mL\n"
    )
    results = triage_csv(tmp_path, text).set_index("patient_id")
    assert results.loc["K1", "prolactin_ng_ml"] == pytest.approx(45.0)
    assert results.loc["K2", "prolactin_ng_ml"] == pytest.approx(45.2)
    assert results.loc["K4", "prolactin_ng_ml"] == pytest.approx(45.0)
    assert "K3" not in results.index  # "45 (12)": perhaps a second result; rejected
    assert results.loc["K1", "status"] == "high"
