"""Rejected rows that may be urgent are listed with the urgent results, whatever stops their
triage: a result "above the measuring range" written in words without a number (six languages),
and a result beside a unit the tool does not know (a codebook's code, garbled text) at or above
the urgent level, as one beside no unit is.  Synthetic patients only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from history_fixtures import overdue_patients, run_with_history
from typer.testing import CliRunner

from triage.cli import app
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
        ("2", "4999", True),  # below the urgent level in mIU/L, above it in ng/mL
        ("2", "200", False),  # below the urgent level in either unit
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


# -- the history keeps the rows not triaged that were listed as urgent ----------------------------
T0 = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=3)  # past the time an urgent result must be acknowledged in
runner = CliRunner()

_NOT_TRIAGED_URGENT = {
    "ambiguous": ("6,250", "mIU/L", "ambiguous_decimal_mark"),
    "unit code": ("6200", "2", "unknown_unit"),
    "en": ("above measuring range", "ng/mL", "unparseable_result"),
    "de": ("über Messbereich", "ng/mL", "unparseable_result"),
    "fr": ("au-dessus de la limite de mesure", "ng/mL", "unparseable_result"),
    "es": ("por encima del rango de medida", "ng/mL", "unparseable_result"),
    "it": ("sopra il range di misura", "ng/mL", "unparseable_result"),
    "nl": ("boven meetbereik", "ng/mL", "unparseable_result"),
}


@pytest.mark.parametrize("case", list(_NOT_TRIAGED_URGENT))
def test_a_row_listed_as_urgent_untriaged_is_reminded_until_acknowledged(
    tmp_path: Path, history_url: str, case: str
) -> None:
    cell, unit, code = _NOT_TRIAGED_URGENT[case]
    header = "patient_id;sex;age;prolactin;unit\n"
    first = tmp_path / "a.csv"
    first.write_text(header + f"AM1;F;30;{cell};{unit}\nAM2;F;30;7000;mIU/L\n", "utf-8")
    run_with_history(tmp_path, "o1", [first], history_url, T0)
    listed = (tmp_path / "o1" / "urgent.txt").read_text("utf-8")
    own = next(x for x in listed.splitlines() if "patient AM1" in x)
    assert f"not triaged ({code})" in own
    assert sorted(overdue_patients(history_url, LATER)) == ["AM1", "AM2"]
    later = tmp_path / "b.csv"
    later.write_text(header + "Z1;F;30;12;ng/mL\n", "utf-8")
    run_with_history(tmp_path, "o2", [later], history_url, LATER)
    urgent = (tmp_path / "o2" / "urgent.txt").read_text("utf-8")
    line = next(x for x in urgent.splitlines() if "patient AM1" in x)
    assert f"prolactin not triaged ({code}) | NOT YET ACKNOWLEDGED" in line
    entry = line.split("acknowledge: prolactin-triage ack ")[1].split()[0]
    assert f"| result {entry} |" in own  # the run's own line names the entry to acknowledge
    said = runner.invoke(app, ["ack", entry, "--by", "Me", "--history", history_url])
    assert said.exit_code == 0, said.output
    assert overdue_patients(history_url, LATER) == ["AM2"]
    shown = runner.invoke(app, ["history", "show", "AM1", "--history", history_url])
    assert shown.exit_code == 0 and "not_triaged" in shown.output and "by Me" in shown.output


def test_a_row_not_triaged_is_never_an_earlier_result(tmp_path: Path, history_url: str) -> None:
    header = "patient_id;sex;age;collected;prolactin;unit\n"
    first = tmp_path / "a.csv"
    first.write_text(header + "AM1;F;30;2026-11-01 08:00;6200;2\n", "utf-8")
    run_with_history(tmp_path, "o1", [first], history_url, T0)
    again = tmp_path / "b.csv"
    again.write_text(header + "AM1;F;30;2026-11-02 08:00;40;ng/mL\n", "utf-8")
    outcome = run_with_history(tmp_path, "o2", [again], history_url, LATER)
    row = outcome.results.iloc[0]
    assert row["trend"] == "new"
    assert pd.isna(row["previous_ng_ml"])
    # a re-run of the same file keeps its entry (one reminder, not two)
    run_with_history(tmp_path, "o3", [first], history_url, LATER)
    assert overdue_patients(history_url, LATER + timedelta(days=1)) == ["AM1"]


def test_a_cell_stored_untriaged_and_then_read_becomes_the_triaged_result(
    tmp_path: Path, history_url: str
) -> None:
    first = tmp_path / "a.csv"
    first.write_text("patient_id;sex;age;prolactin;unit\nAM1;F;30;6,250;mIU/L\n", "utf-8")
    run_with_history(tmp_path, "o1", [first], history_url, T0)
    mapping = tmp_path / "map.toml"
    mapping.write_text('[input]\ndecimal = ","\n', "utf-8")
    from triage.history import HistoryOptions
    from triage.pipeline import TriageRequest, run_triage

    request = TriageRequest(
        inputs=[first],
        out_dir=tmp_path / "o2",
        history=HistoryOptions(location=history_url),
        keep_results=True,
        jobs=1,
        columns=mapping,
    )
    outcome = run_triage(request, now=LATER)
    row = outcome.results.iloc[0]
    assert row["prolactin_value"] == pytest.approx(6.25)
    shown = runner.invoke(app, ["history", "show", "AM1", "--history", history_url])
    assert "not_triaged" not in shown.output and "6.25" in shown.output
    assert overdue_patients(history_url, LATER + timedelta(days=1)) == []
