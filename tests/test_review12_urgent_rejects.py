"""Rejected rows that may be urgent are listed with the urgent results, whatever stops their
triage: a result "above the measuring range" written in words without a number (six languages),
and a result beside a unit the tool does not know (a codebook's code, garbled text) at or above
the urgent level, as one beside no unit is.  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.io import ReadOptions, read_file
from triage.pipeline import TriageRequest, run_triage
from triage.values import above_range_unnumbered

_NUMERIC = "".join(f"N{i},F,{30 + i},{12 + i},ng/mL\n" for i in range(8))


def _run(tmp_path: Path, text: str) -> tuple[str, str]:
    """(urgent.txt, rejected.csv) of one run on ``text``."""
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    run_triage(TriageRequest(inputs=[path], out_dir=out))
    return (
        (out / "urgent.txt").read_text(encoding="utf-8"),
        (out / "rejected.csv").read_text(encoding="utf-8"),
    )


_ABOVE_IN_WORDS = {
    "en": [
        "above measuring range",
        "over the reportable range",
        "> AMR",
        "dilution to follow",
        "HIGH",
        ">ULN",
        ">",
    ],
    "de": [
        "über Messbereich",
        "oberhalb des Messbereichs",
        "> Messbereich",
        ">MB",
        "Verdünnung folgt",
        "hoch",
    ],
    "fr": [
        "au-dessus de la limite de mesure",
        "au-dessus du domaine de mesure",
        "supérieur à la gamme",
        "dilution en cours",
        "élevé",
    ],
    "es": ["por encima del rango de medida", "superior al rango", "dilución pendiente", "alto"],
    "it": ["sopra il range di misura", "fuori range superiore", "diluizione in corso", "elevato"],
    "nl": ["boven meetbereik", "boven het meetbereik", "verdunning volgt", "hoog"],
}


@pytest.mark.parametrize("cell", [c for cells in _ABOVE_IN_WORDS.values() for c in cells])
def test_a_result_above_the_range_in_words_is_listed_with_the_urgent_results(
    tmp_path: Path, cell: str
) -> None:
    urgent, rejected = _run(
        tmp_path, "patient_id,sex,age,prolactin,unit\n" + _NUMERIC + f"W1,F,40,{cell},ng/mL\n"
    )
    assert "URGENT patient W1 | specimen - | not triaged (unparseable_result)" in urgent
    assert "above the measuring range (or high) without its number" in rejected
    assert "N1" not in urgent


@pytest.mark.parametrize(
    "cell",
    [
        "haemolysed",
        "unter Messbereich",
        "<MB",
        "below range",
        "sous la gamme de mesure",
        "por debajo del rango",
        "sotto il range",
        "onder meetbereik",
        "<",
        "highly lipaemic",
    ],
)
def test_other_words_are_not_read_as_above_the_range(cell: str) -> None:
    assert not above_range_unnumbered(cell)


@pytest.mark.parametrize(
    ("unit", "value", "listed"),
    [
        ("2", "6200", True),  # a REDCap unit code
        ("mlU/L??", "6200", True),  # garbled
        ("NA", "5000", True),  # a missing-data code: as unknown as a blank cell
        ("2", "4999", False),  # below the urgent level in mIU/L
        ("1", "28.5", False),
    ],
)
def test_an_unknown_unit_at_the_urgent_level_is_listed_as_a_blank_one_is(
    tmp_path: Path, unit: str, value: str, listed: bool
) -> None:
    text = f"record_id,age,prl,prl_unit\n1,34,28.5,1\n2,50,{value},{unit}\n3,50,12,1\n"
    path = tmp_path / "redcap.csv"
    path.write_text(text, encoding="utf-8")
    read = read_file(path, None, ReadOptions())
    row = next(r for r in read.rejected if r.source_row == 3)
    assert row.reason_code == "unknown_unit"
    assert row.possibly_urgent is listed
    urgent, _ = _run(tmp_path, text)
    assert ("URGENT patient 2 | specimen - | not triaged (unknown_unit)" in urgent) is listed
