"""Review 15: --fail-on hears of the rows urgent.txt lists as possibly urgent, not triaged.

A row whose cell says the result is above the measuring range without its number, or a result
without a unit that is above the urgent level whatever its unit, is not triaged but is listed in
urgent.txt and on stderr: someone must act on it today.  A cron job that alerts on exit 10 must
not stay silent about it (contract §6: 10 when --fail-on matched; the extensions doc).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.pipeline import TriageRequest, fail_on_matches, run_triage
from triage.schema import EXIT_FAIL_ON, EXIT_OK
from triage.urgent import untriaged_urgent_count

HEADER = "patient_id,sex,age,prolactin,unit\n"


def _run(tmp_path: Path, lines: str, fail_on: str | None) -> tuple[int, int, str]:
    path = tmp_path / "export.csv"
    path.write_text(HEADER + lines, encoding="utf-8")
    out = tmp_path / "out"
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=out, fail_on=fail_on))
    return outcome.exit_code, outcome.fail_on_matches, (out / "urgent.txt").read_text("utf-8")


@pytest.mark.parametrize(
    "cell",
    [
        "above range,ng/mL",  # above the measuring range, no number
        "über Messbereich,ng/mL",
        "au-dessus de la limite de mesure,ng/mL",
        "850,",  # no unit: above the urgent level in ng/mL and in mIU/L alike
    ],
)
@pytest.mark.parametrize("level", ["urgent", "soon", "routine"])
def test_a_possibly_urgent_rejected_row_matches_every_level(
    tmp_path: Path, cell: str, level: str
) -> None:
    code, matches, urgent = _run(tmp_path, f"Q1,F,30,{cell}\nQ2,F,30,12,ng/mL\n", level)
    assert untriaged_urgent_count(urgent) == 1
    assert (code, matches) == (EXIT_FAIL_ON, 1)


def test_without_fail_on_the_row_is_listed_and_the_exit_is_zero(tmp_path: Path) -> None:
    code, matches, urgent = _run(tmp_path, "Q1,F,30,above range,ng/mL\n", None)
    assert "not triaged" in urgent
    assert (code, matches) == (EXIT_OK, 0)


def test_an_ordinary_rejected_row_does_not_match(tmp_path: Path) -> None:
    # a row without a result is rejected, but is not possibly urgent
    code, matches, urgent = _run(tmp_path, "Q1,F,30,,ng/mL\nQ2,F,30,12,ng/mL\n", "urgent")
    assert untriaged_urgent_count(urgent) == 0
    assert (code, matches) == (EXIT_OK, 0)


def test_results_and_untriaged_rows_add_up() -> None:
    counts = {"urgent": 2, "soon": 3, "routine": 5, "none": 7}
    assert fail_on_matches("urgent", counts, 1) == 3
    assert fail_on_matches("soon", counts, 1) == 6
    assert fail_on_matches("routine", counts, 0) == 10
    assert fail_on_matches(None, counts, 4) == 0


def test_an_urgent_list_is_counted_by_its_not_triaged_lines() -> None:
    text = (
        "prolactin-triage 0.1.0: urgent results\n"
        "URGENT patient A | specimen - | prolactin 300 ng/mL | ... | report r\n"
        "URGENT patient B | specimen - | not triaged (unknown_unit): ... | f.csv row 3 | report r\n"
    )
    assert untriaged_urgent_count(text) == 1
