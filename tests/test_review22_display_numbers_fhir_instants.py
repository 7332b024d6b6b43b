"""Review 22: numbers shown near the decisions' limits, and the instant of a table's date cell.

- A result in ng/mL shown in mIU/L (--display-unit mIU/L) is converted from the lab's number,
  never from the files' rounded one, and never shown at or across a band's start or the urgent
  level it is not at (docs/output-contract-extensions.md, "Numbers": the bands start at 50, 100,
  250 ng/mL = 1060, 2120, 5300 mIU/L with the WHO standard's 21.2; urgent 5000 mIU/L).
- The urgent reason, the urgent line and the evidence quote a ng/mL result as the lab wrote it,
  at the lab's precision, as the comment does; beside the urgent level both are lengthened.
- results.fhir.json keeps the UTC offset a table's date cell writes with its time.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from triage.numbers import clear_of_limits
from triage.output import OutputOptions
from triage.pipeline import TriageOutcome, TriageRequest, run_triage
from triage.values import date_offset, utc_offset_text


def _run(tmp_path: Path, name: str, text: str, **options: object) -> TriageOutcome:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = tmp_path / f"out_{path.stem}"
    request = TriageRequest(
        inputs=[path],
        out_dir=out,
        keep_results=True,
        output_options=OutputOptions(**options),  # type: ignore[arg-type]
    )
    return run_triage(request)


def _words(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


# Synthetic results just below or above a band's start or the urgent level, in ng/mL.
NEAR_LIMITS = """Patient ID,Sex,Age,Prolactin,Unit
N1,F,40,49.99,ng/mL
N2,F,40,99.98,ng/mL
N3,M,40,249.99,ng/mL
N4,F,40,235.85,ng/mL
N5,F,40,150.04,ng/mL
N6,F,40,250.01,ng/mL
N7,F,40,42,ng/mL
"""


@pytest.fixture(scope="module")
def in_miu(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("miu")
    _run(tmp, "near.csv", NEAR_LIMITS, display_unit="mIU/L")
    return tmp / "out_near"


@pytest.mark.parametrize(
    ("patient", "shown", "never"),
    [
        ("N1", "1059.8", "1060"),  # mild, below moderate's 1060 mIU/L
        ("N2", "2119.6", "2120"),  # moderate, below marked's 2120
        ("N3", "5299.8", "5300"),  # marked, below very high's 5300
        ("N4", "5000.02", "5000"),  # urgent: above 5000 mIU/L, never shown at it
        ("N5", "3181", "3180"),  # 150.04 x 21.2 = 3180.8: from the lab's number, not 150.0
        ("N6", "5300.2", "5300"),  # very high, just above its start
    ],
)
def test_a_converted_result_never_reads_across_a_band_or_the_urgent_level(
    in_miu: Path, patient: str, shown: str, never: str
) -> None:
    summary = _words((in_miu / "summary.html").read_text(encoding="utf-8"))
    pages = _words((in_miu / "patients.html").read_text(encoding="utf-8"))
    # the summary's row ("Routine N1 — 1059.8 mIU/L"), the page's result and its chart label
    assert re.search(rf"\b{patient} \W{{0,3}}{re.escape(shown)} mIU/L", summary), patient
    assert not re.search(rf"\b{patient} \W{{0,3}}{never} mIU/L", summary), patient
    assert f"Prolactin {shown} mIU/L" in pages and f"Result {shown} mIU/L" in pages
    assert f"Prolactin {never} mIU/L" not in pages and f"Result {never} mIU/L" not in pages


def test_a_converted_result_far_from_any_limit_stays_whole(in_miu: Path) -> None:
    pages = _words((in_miu / "patients.html").read_text(encoding="utf-8"))
    assert "Prolactin 890 mIU/L" in pages  # 42 x 21.2 = 890.4: no limit near, whole as before


def test_clear_of_limits_lengthens_only_where_the_text_would_cross() -> None:
    limits = (1060.0, 2120.0, 5300.0, 5000.0)
    assert clear_of_limits(1059.788, "1060", limits) == "1059.8"
    assert clear_of_limits(5000.02, "5000", limits) == "5000.02"
    assert clear_of_limits(5300.212, "5300", limits) == "5300.2"
    assert clear_of_limits(1060.0, "1060", limits) == "1060"  # at the limit: as it is
    assert clear_of_limits(1234.4, "1234", limits) == "1234"  # no limit near
    assert clear_of_limits(2119.6, "<2120", limits) == "<2119.6"  # the qualifier kept
    assert clear_of_limits(None, "—", limits) == "—"


# The urgent level is 5000 mIU/L = 235.849 ng/mL (21.2): results close above it, as labs write
# them (a comma decimal in a quoted cell too), and one in mIU/L.
URGENT_NEAR = """Patient ID,Sex,Age,Prolactin,Unit
U1,F,40,235.85,ng/mL
U2,F,40,235.87,ng/mL
U3,F,40,"235,86",ng/mL
U4,M,40,5000.4,mIU/L
U5,F,40,310.25,ng/mL
"""


@pytest.fixture(scope="module")
def urgent_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[TriageOutcome, Path]:
    tmp = tmp_path_factory.mktemp("urgent")
    outcome = _run(tmp, "urgent.csv", URGENT_NEAR)
    return outcome, tmp / "out_urgent"


_ABOVE = re.compile(r"prolactin ([\d.]+) ng/mL is above ~([\d.]+) ng/mL \(5000 mIU/L\)")


def test_the_urgent_reason_quotes_the_lab_value_on_its_side_of_the_level(
    urgent_run: tuple[TriageOutcome, Path],
) -> None:
    outcome, out = urgent_run
    lines = {line.split(" | ")[0].split()[-1]: line for line in outcome.urgent}
    assert set(lines) == {"U1", "U2", "U3", "U4", "U5"}
    expected = {"U1": "235.85", "U2": "235.87", "U3": "235.86", "U5": "310.25"}
    for patient, value in expected.items():
        line = lines[patient]
        assert f"| prolactin {value} ng/mL |" in line, line  # the value field
        found = _ABOVE.search(line)
        assert found is not None, line
        assert found[1] == value, line  # the reason's value: the lab's, not 235.8 / 235.9
        assert float(found[1]) > float(found[2]), line  # and shown above the level
    assert "prolactin 5000.4 mIU/L" in lines["U4"]
    assert "is above 5000 mIU/L" in lines["U4"]
    text = (out / "urgent.txt").read_text(encoding="utf-8")
    assert "prolactin 235.85 ng/mL is above ~235.849 ng/mL" in text
    assert "235.8 ng/mL" not in text and "235.9 ng/mL" not in text


def test_the_reports_and_the_evidence_quote_the_same_digits_as_the_comment(
    urgent_run: tuple[TriageOutcome, Path],
) -> None:
    outcome, out = urgent_run
    results = outcome.results
    assert results is not None
    rows = results.set_index("patient_id")
    summary = _words((out / "summary.html").read_text(encoding="utf-8"))
    assert "prolactin 235.87 ng/mL is above ~235.849 ng/mL" in summary
    for patient, value in (("U1", "235.85"), ("U2", "235.87"), ("U5", "310.25")):
        row = rows.loc[patient]
        assert f"({value} ng/mL;" in str(row["comment"])
        evidence = " ".join(str(f["evidence"]) for f in row["factor_details"])
        reasons = " ".join(str(s["reason"]) for s in row["suggestion_details"])
        assert f"prolactin {value} ng/mL" in evidence + reasons, patient
        assert re.search(r"prolactin 235\.[89] ng/mL", evidence + reasons) is None, patient


def test_the_files_keep_their_own_precision(urgent_run: tuple[TriageOutcome, Path]) -> None:
    outcome, _ = urgent_run
    assert outcome.results is not None
    rows = outcome.results.set_index("patient_id")
    assert rows.loc["U2", "prolactin_ng_ml"] == pytest.approx(235.9)  # one decimal from 100
    assert rows.loc["U2", "prolactin_value"] == pytest.approx(235.87)


# A table's collection times as LIS exports write them, with their offsets; and a German
# export's offset column.
OFFSETS = """Patient ID,Sex,Age,Collected,Prolactin,Unit
Z1,F,30,2026-07-01T08:30:00-05:00,40,ng/mL
Z2,F,30,2026-07-01T08:30:00Z,40,ng/mL
Z3,F,30,2026-07-01T08:30:00+02:00,40,ng/mL
Z4,F,30,2026-07-01T08:30:00+0200,40,ng/mL
Z5,F,30,2026-07-01 08:30:00.000 +05:30,40,ng/mL
Z6,F,30,2026-07-01,40,ng/mL
"""
OFFSET_COLUMN = """Patient ID;Sex;Age;Entnahmedatum;UTC-Versatz;Prolaktin;Einheit
G1;F;30;01.07.2026 08:30;+0200;40;ng/mL
G2;F;30;01.07.2026 08:30;UTC+1;40;ng/mL
G3;F;30;01.07.2026 08:30;-05:00;40;ng/mL
G4;F;30;2026-07-01T08:30:00Z;+02:00;40;ng/mL
"""


def _effective(out: Path) -> dict[str, str]:
    bundle = json.loads((out / "results.fhir.json").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "Observation":
            row = resource["identifier"][0]["value"].rsplit(" row ", 1)[1]
            found[row] = resource["effectiveDateTime"]
    return found


UTC_0830 = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "offsets.csv",
            OFFSETS,
            {
                "2": UTC_0830 + timedelta(hours=5),
                "3": UTC_0830,
                "4": UTC_0830 - timedelta(hours=2),
                "5": UTC_0830 - timedelta(hours=2),
                "6": UTC_0830 - timedelta(hours=5, minutes=30),
            },
        ),
        (
            "spalte.csv",
            OFFSET_COLUMN,
            {
                "2": UTC_0830 - timedelta(hours=2),
                "3": UTC_0830 - timedelta(hours=1),
                "4": UTC_0830 + timedelta(hours=5),
                "5": UTC_0830,  # the cell's own Z before the column's +02:00
            },
        ),
    ],
)
def test_fhir_keeps_the_instant_a_date_cell_or_offset_column_gives(
    tmp_path: Path, name: str, text: str, expected: dict[str, datetime]
) -> None:
    _run(tmp_path, name, text, fhir=True)
    effective = _effective(tmp_path / f"out_{Path(name).stem}")
    for row, instant in expected.items():
        written = datetime.fromisoformat(effective[row])
        assert written.tzinfo is not None and written == instant, (row, effective[row])
        assert effective[row].startswith("2026-07-01T08:30:00")  # the lab's wall clock
    if name == "offsets.csv":
        assert effective["7"] == "2026-07-01"  # a date alone stays a date


def test_offsets_read_only_where_written() -> None:
    assert date_offset("2026-07-01T08:30:00-05:00") == "-05:00"
    assert date_offset("2026-07-01T08:30:00.000Z") == "+00:00"
    assert date_offset(datetime(2026, 7, 1, 8, 30, tzinfo=timezone(timedelta(hours=9)))) == "+09:00"
    for none in ("2026-07-01", "2026-07-01-05:00", "01.07.2026 08:30", "Station 5", 45123):
        assert date_offset(none) is None, none
    assert date_offset(datetime(2026, 7, 1, 8, 30)) is None
    for cell, offset in (("+0100", "+01:00"), ("UTC-5", "-05:00"), ("Z", "+00:00"), (2, "+02:00")):
        assert utc_offset_text(cell) == offset, cell
    for none in ("CET", "+25:00", "", "unbekannt", 5.5):
        assert utc_offset_text(none) is None, none
