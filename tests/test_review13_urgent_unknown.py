"""Missed urgent results and misleading displays (review 13).  Synthetic patients only.

- A result whose unit cannot be read (an unknown code, garbled text, an empty cell in a file
  that mixes units) is listed for urgent review when it would be urgent in ANY prolactin unit
  the tool reads: at or above the urgent level in ng/mL (~236), not only at or above 5,000
  (mIU/L), its text saying in which unit it is urgent.
- A csv export cut inside its last line (fields missing, or a quoted cell never closed): its
  rejected last row is listed with the urgent results when its result may be urgent.
- A value just beyond a non-integer limit is never shown equal to the limit or on its other
  side (23.34 ng/mL beside an upper limit of 23.3, 496 mIU/L beside 495.96).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.io import ReadOptions, read_file
from triage.pipeline import TriageRequest, run_triage

runner = CliRunner()

# A wide export's header in each language: patient, sex, age, prolactin, unit.
HEADERS = {
    "en": "Patient ID;Sex;Age;Prolactin;Unit",
    "de": "Patient ID;Geschlecht;Alter;Prolaktin;Einheit",
    "fr": "N° dossier;Sexe;Âge;Prolactine;Unité",
    "es": "NHC;Sexo;Edad;Prolactina;Unidad",
    "it": "Codice paziente;Sesso;Età;Prolattina;Unità",
    "nl": "Patiëntnummer;Geslacht;Leeftijd;Prolactine;Eenheid",
}
LANGUAGES = sorted(HEADERS)
# rows in both units, so the unit column is read as one
_GOOD = "N1;F;30;12;ng/mL\nN2;F;31;400;mIU/L\nN3;F;32;13;ng/mL\nN4;F;33;410;mIU/L\n"


def _run(tmp_path: Path, text: str, name: str = "export.csv") -> tuple[str, str]:
    """(urgent.txt, rejected.csv) of one run on ``text``."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    run_triage(TriageRequest(inputs=[path], out_dir=out))
    return (
        (out / "urgent.txt").read_text(encoding="utf-8"),
        (out / "rejected.csv").read_text(encoding="utf-8"),
    )


def _urgent_ids(urgent: str) -> set[str]:
    lines = urgent.splitlines()[1:]
    return {line.split(" | ")[0].removeprefix("URGENT patient ") for line in lines}


# -- 1. a result whose unit cannot be read ---------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("unit", ["U1", "PRLU", "xyz", ""])
def test_an_unknown_unit_urgent_in_ng_ml_only_is_listed(
    tmp_path: Path, lang: str, unit: str
) -> None:
    """3000 in an unknown unit is urgent if it is ng/mL (µg/L), not if it is mIU/L: listed,
    saying so; 200 is urgent in no unit: not listed; 6000 is urgent in either."""
    text = (
        f"{HEADERS[lang]}\n{_GOOD}"
        f"U3000;F;40;3000;{unit}\nU200;F;41;200;{unit}\nU6000;F;42;6000;{unit}\n"
    )
    urgent, rejected = _run(tmp_path, text)
    assert _urgent_ids(urgent) == {"U3000", "U6000"}
    line = next(ln for ln in urgent.splitlines() if ln.startswith("URGENT patient U3000 "))
    assert "not triaged (unknown_unit)" in line
    assert "unit unknown: at 3000 it is urgent if the unit is ng/mL (µg/L)" in line
    assert "not if it is mIU/L (µIU/mL)" in line
    assert "U200" in rejected and "U3000" in rejected


@pytest.mark.parametrize(
    ("cell", "listed"),
    [
        ("236", True),  # 5000 mIU/L / 21.2 = 235.85 ng/mL
        ("235", False),
        (">200", True),  # above the measuring range from 0.8 of the level, as the engine
        (">150", False),
    ],
)
def test_the_level_in_ng_ml_comes_from_the_data_files(
    tmp_path: Path, cell: str, listed: bool
) -> None:
    read_path = tmp_path / "export.csv"
    read_path.write_text(f"{HEADERS['en']}\n{_GOOD}P1;F;40;{cell};PRLU\n", encoding="utf-8")
    read = read_file(read_path, None, ReadOptions())
    (row,) = read.rejected
    assert row.reason_code == "unknown_unit"
    assert row.possibly_urgent is listed


def test_the_cli_says_it_on_stderr_under_quiet(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(f"{HEADERS['en']}\n{_GOOD}P1;F;40;3000;U1\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "URGENT patient P1 | specimen - | not triaged (unknown_unit)" in result.stderr
    assert "urgent if the unit is ng/mL" in result.stderr
    assert "P1" in (out / "summary.html").read_text(encoding="utf-8")


def test_batch_mode_lists_it_too(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / "export.csv"
    path.write_text(f"{HEADERS['de']}\n{_GOOD}P1;F;40;3000;xyz\n", encoding="utf-8")
    old = time.time() - 3600
    os.utime(path, (old, old))
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", "--inbox", str(inbox), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "URGENT patient P1" in result.stderr and "urgent if the unit is ng/mL" in result.stderr
    listed = [p.read_text(encoding="utf-8") for p in out.rglob("urgent.txt")]
    assert any("URGENT patient P1" in text for text in listed)


def test_a_shifted_line_without_a_known_unit_uses_the_same_rule(tmp_path: Path) -> None:
    """A line of more fields (a stray delimiter in a comment) in a file without a unit
    column: its result, 3000, is urgent if the unit is ng/mL."""
    text = (
        "Patient ID,Sex,Age,Prolactin,Comment\nP0,F,30,12,ok\nP1,F,30,15,ok\n"
        "P2,M,50,3000,headache, visual loss\n"
    )
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    read = read_file(path, None, ReadOptions())
    bad = next(r for r in read.rejected if r.reason_code == "malformed_line")
    assert bad.possibly_urgent
    assert "urgent if the unit is ng/mL" in bad.detail


# -- 2. a csv export cut inside its last line ---------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("last", "listed", "says"),
    [
        ("C1;F;40;9000", True, "at 9000 it is above 5000 mIU/L in either prolactin unit"),
        ("C1;F;40;9000;mIU/", True, "at 9000 it is above 5000 mIU/L"),  # the unit cut
        ("C1;F;40;3000", True, "urgent if the unit is ng/mL (µg/L)"),
        ('C1;F;40;"9000', True, "at 9000 it is above 5000 mIU/L"),  # a quote left open
        ('C1;F;40;9000;"mIU/L', True, "at 9000 it is above 5000 mIU/L"),
        ("C1;F;40;150", False, ""),  # urgent in no unit
        ('C1;F;40;"150', False, ""),
    ],
)
def test_a_cut_last_line_with_an_urgent_looking_result_is_listed(
    tmp_path: Path, lang: str, last: str, listed: bool, says: str
) -> None:
    text = f"{HEADERS[lang]}\n{_GOOD}{last}"  # no line end: the copy stopped in the line
    urgent, rejected = _run(tmp_path, text)
    assert ("C1" in _urgent_ids(urgent)) is listed
    assert ",C1," in rejected  # named, though not triaged
    if listed:
        line = next(ln for ln in urgent.splitlines() if ln.startswith("URGENT patient C1 "))
        assert "not triaged (" in line and says in line


def test_a_cut_line_uses_the_unit_of_the_header(tmp_path: Path) -> None:
    """In a column headed 'Prolactin (ng/mL)', 300 is above the urgent level (~236 ng/mL); a
    line cut before its result field is named but not listed."""
    head = "Patient ID,Specimen,Sex,Prolactin (ng/mL),Comment\nP0,S0,F,12,ok\nP2,S2,F,14,ok\n"
    urgent, _ = _run(tmp_path, head + "P1,S1,F,300")
    line = next(ln for ln in urgent.splitlines() if ln.startswith("URGENT patient P1 "))
    assert "specimen S1 | not triaged (malformed_line)" in line
    assert "its result reads 300 ng/mL, above 5000 mIU/L" in line
    path = tmp_path / "before.csv"
    path.write_text(head + "P1,S1,F", encoding="utf-8")
    (bad,) = read_file(path, None, ReadOptions()).rejected
    assert (bad.reason_code, bad.patient_id, bad.specimen_id) == ("malformed_line", "P1", "S1")
    assert not bad.possibly_urgent


# -- 3. a value beside a non-integer limit ------------------------------------------------


def _triaged(tmp_path: Path, text: str, ranges: str = "roche_elecsys") -> tuple[Path, list[str]]:
    """(the output folder, the comment of each row) of one run on ``text``."""
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    results = run_triage(
        TriageRequest(inputs=[path], out_dir=out, keep_results=True, ranges=ranges)
    ).results
    return out, results["comment"].tolist()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("cell", "unit", "written"),
    [
        # the Roche interval for women, 4.8-23.3 ng/mL (102-496 mIU/L at 21.2)
        ("23,3041", "ng/mL", "Mildly raised (23.304 ng/mL; reference 4.8–23.3 ng/mL)"),
        ("4,7951", "ng/mL", "Below the reference interval (4.795 ng/mL; reference 4.8–23.3"),
    ],
)
def test_a_value_beyond_its_limit_is_never_shown_at_it_in_the_comment(
    tmp_path: Path, lang: str, cell: str, unit: str, written: str
) -> None:
    """The lab's precision (at most two decimals) showed 23.3041 as '23.30' beside an upper limit of
    23.3 with status high, and 4.7951 as '4.80' beside a lower limit of 4.8: one more decimal
    where the value and the limit would read the same."""
    _, comments = _triaged(tmp_path, f"{HEADERS[lang]}\n{_GOOD}B1;F;40;{cell};{unit}\n")
    assert any(written in c for c in comments), comments


def test_the_html_report_shows_it_beyond_the_limit_too(tmp_path: Path) -> None:
    """The report's table and patient pages show the result as the comment does."""
    text = f"{HEADERS['en']}\nB1;F;40;23,3041;ng/mL\nB2;F;41;12;ng/mL\n"
    out, _ = _triaged(tmp_path, text)
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "23.30 ng/mL" not in html and "23.304" in html


def test_the_urgent_reason_never_shows_the_level_at_or_above_the_result(tmp_path: Path) -> None:
    """236 ng/mL is above 5000 mIU/L (235.85 ng/mL at 21.2): the reason read '236 ng/mL is
    above ~236 ng/mL (5000 mIU/L)': the level is shown as 235.8."""
    out, _ = _triaged(tmp_path, f"{HEADERS['en']}\nB1;F;40;236;ng/mL\n", ranges="default")
    urgent = (out / "urgent.txt").read_text(encoding="utf-8")
    line = next(ln for ln in urgent.splitlines() if ln.startswith("URGENT patient B1 "))
    assert "~236 ng/mL" not in line and "is above ~235.8 ng/mL (5000 mIU/L)" in line


@pytest.mark.parametrize(
    ("value", "value_text", "limit", "limit_text", "upper", "expected"),
    [
        (23.34, "23.3", 23.3, "23.3", True, ("23.34", "23.3")),
        (23.4, "23.4", 23.396, "23.4", True, ("23.4", "23.396")),  # 496 mIU/L in ng/mL
        (496.0, "496", 495.96, "496", True, ("496", "495.96")),
        (235.86, "235.9", 235.849, "236", True, ("235.86", "235.85")),
        (4.785, "4.79", 4.79, "4.79", False, ("4.785", "4.79")),
        (23.296, "23.3", 23.3, "23.3", True, ("23.3", "23.3")),  # within: left alone
        (12.0, "12", 23.3, "23.3", True, ("12", "23.3")),
        (23.3, "23.3", 23.3, "23.3", True, ("23.3", "23.3")),  # at the limit
    ],
)
def test_beside_limit(
    value: float,
    value_text: str,
    limit: float,
    limit_text: str,
    upper: bool,
    expected: tuple[str, str],
) -> None:
    from triage.numbers import beside_limit

    assert beside_limit(value, value_text, limit, limit_text, upper=upper) == expected
