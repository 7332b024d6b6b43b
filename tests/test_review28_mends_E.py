"""Review 28, mends E (fix224 regressions; synthetic patients only).

1. A result cell not read is listed as possibly urgent only for a number that stands as a
   result: never a volume, a time, a tube, reference or lot number, nor any number without its
   prolactin unit in a cell saying the sample was not analysed ("insufficient sample 200 uL").
2. A note is never cut between the two digit groups of a decimal comma ("45, 2 ng/mL"): its
   fragment ("2 ng/mL") is never the result.
3. A number with its prolactin unit after an id label ("Order 6500 mIU/L") is a value.
4. A check or approximation word with a time span ("Kontrolle 4 Wochen") is a follow-up
   interval: rejected as not a number, never as an unknown unit to map.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_review28_note_results import LANGUAGES

from triage.pipeline import TriageOutcome, TriageRequest, run_triage


def _run(tmp_path: Path, language: str, cell: str, unit: str, note: str = "") -> TriageOutcome:
    header, sex = LANGUAGES[language]
    path = tmp_path / "export.csv"
    path.write_text(f'{header}\nE1;{sex};50;{cell};{unit};"{note}"\n', encoding="utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def _result_ids(outcome: TriageOutcome) -> list[object]:
    assert outcome.results is not None
    return list(outcome.results["patient_id"])


@pytest.mark.parametrize(
    ("language", "cell", "unit"),
    [
        ("en", "insufficient sample 200 uL", "ng/mL"),
        ("en", "clotted - recollect lab ref 4471", "ng/mL"),
        ("fr", "non fait : tube 2345 coagulé", "ng/mL"),
        ("de", "Material nicht ausreichend 300 µl", "µg/l"),
        ("es", "muestra insuficiente 500 uL", "ng/mL"),
        ("it", "non eseguito, provetta 3456", "ng/mL"),
        ("nl", "onvoldoende materiaal, buis 5678", "µg/l"),
        ("en", "QNS 250 uL", "ng/mL"),
    ],
)
def test_a_cell_not_analysed_is_never_listed_as_urgent(
    tmp_path: Path, language: str, cell: str, unit: str
) -> None:
    (rejected,) = _run(tmp_path, language, cell, unit).rejected
    assert rejected.reason_code == "unparseable_result"
    assert not rejected.possibly_urgent, rejected.detail


@pytest.mark.parametrize(
    ("language", "note", "unit"),
    [
        ("en", "result 45, 2 ng/mL", "ng/mL"),
        ("de", "Wert 12, 5 µg/l", "µg/l"),
        ("fr", "résultat 45, 2 ng/mL", "ng/mL"),
        ("nl", "uitslag 12, 5 µg/l", "µg/l"),
    ],
)
def test_a_decimal_comma_with_a_space_is_never_read_as_its_fragment(
    tmp_path: Path, language: str, note: str, unit: str
) -> None:
    outcome = _run(tmp_path, language, "see comment", unit, note)
    assert outcome.results is not None
    for value in outcome.results["prolactin_value"].tolist():
        assert float(value) not in (2.0, 5.0)


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("en", "Order 6500 mIU/L"),
        ("en", "Patient: 6500 mIU/L"),
        ("fr", "patiente 6500 mUI/L"),
        ("de", "Auftrag 6500 mU/l"),
        ("nl", "patiënt 6500 mE/l"),
    ],
)
def test_a_value_with_its_unit_after_an_id_label_stays_urgent(
    tmp_path: Path, language: str, note: str
) -> None:
    outcome = _run(tmp_path, language, "see comment", "mIU/L", note)
    if "E1" in _result_ids(outcome):
        assert outcome.results is not None
        assert set(outcome.results["priority"]) == {"urgent"}
    else:
        (rejected,) = outcome.rejected
        assert rejected.possibly_urgent, rejected.detail
        assert "holds 6500" in rejected.detail


@pytest.mark.parametrize(
    ("language", "cell", "unit"),
    [
        ("de", "Kontrolle 4 Wochen", "µg/l"),
        ("en", "repeat 3 months", "ng/mL"),
        ("fr", "contrôle 6 mois", "ng/mL"),
        ("nl", "controle 3 maanden", "µg/l"),
        ("en", "about 1 week", "ng/mL"),
        ("es", "control 3 meses", "ng/mL"),
    ],
)
def test_a_follow_up_interval_is_no_unknown_unit(
    tmp_path: Path, language: str, cell: str, unit: str
) -> None:
    (rejected,) = _run(tmp_path, language, cell, unit).rejected
    assert rejected.reason_code == "unparseable_result", rejected.detail
