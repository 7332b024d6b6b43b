"""A large csv is split in C (triage.io.fast_split) and read as the csv module read it.

Every check reads the same bytes twice, once split by pyarrow (the file is over
``FAST_SPLIT_MIN_CHARS``) and once by the csv module (the threshold raised above the file), and
expects the same frame, rejected rows, row numbers and warnings; and that the fast split was
taken, or declined, as it should be.
"""

from __future__ import annotations

import codecs
import csv
import io
import random
from pathlib import Path

import pandas as pd
import pytest

from triage.io import ReadOptions, read_file
from triage.io import delimited as delimited_module
from triage.io.delimited import FAST_SPLIT_MIN_CHARS, InputLimits, read_delimited
from triage.io.readers import FileRead
from triage.values import slash_date_order, slash_date_orders, texts_or_none

HEADER = "Lab No,MRN,Patient,Sex,DOB,Collected,PRL,Units,Comment"
ROWS = 6_000  # ~370 kB: over the fast split's threshold


def _row(i: int, result: str = "") -> str:
    collected = f"{1 + i % 28:02d}/{1 + i % 12:02d}/2026 09:{i % 60:02d}"
    if i % 3:
        collected = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d} 09:{i % 60:02d}:00"
    return ",".join(
        [
            f"26L{i:07d}",
            f"MRN{i % 700:05d}",
            f'"SMITH{i % 50}, Anna"',
            "FM"[i % 2],
            f"19{50 + i % 40}-0{1 + i % 9}-1{i % 9}",
            collected,
            result or f"{5 + (i * 7) % 400}.{i % 10}",
            ["ng/mL", "mIU/L", "ug/L"][i % 3],
            "",
        ]
    )


def _lines(rows: int = ROWS) -> list[str]:
    return [HEADER] + [_row(i) for i in range(rows)]


def _write(path: Path, lines: list[str], newline: str = "\n", bom: bool = False) -> Path:
    data = (newline.join(lines) + newline).encode("utf-8")
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)
    assert len(data) > FAST_SPLIT_MIN_CHARS
    return path


def _both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[FileRead, FileRead]:
    """(read with the fast split, read with the csv module), after checking the first did
    split in C."""
    fast = read_file(path, None, ReadOptions())
    assert read_delimited(path.name, path.read_bytes()).grid is not None
    with monkeypatch.context() as patch:
        patch.setattr(delimited_module, "FAST_SPLIT_MIN_CHARS", 1 << 62)
        assert read_delimited(path.name, path.read_bytes()).grid is None
        slow = read_file(path, None, ReadOptions())
    _assert_same(fast, slow)
    return fast, slow


def _assert_same(fast: FileRead, slow: FileRead) -> None:
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    assert fast.rejected == slow.rejected
    assert fast.summary == slow.summary


def _rejected(read: FileRead, row: int) -> tuple[str, str]:
    found = [(r.reason_code, r.detail) for r in read.rejected if r.source_row == row]
    assert len(found) == 1, found
    return found[0]


def test_a_malformed_line_late_in_a_large_file_is_rejected_with_its_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _lines()
    lines[5000] = _row(4999) + ",stray,field"  # line 5001: two fields more
    lines[5500] = ",".join(_row(5499).split(",")[:5])  # line 5501: four fields
    fast, _ = _both(_write(tmp_path / "big.csv", lines), monkeypatch)
    reason, detail = _rejected(fast, 5001)
    assert reason == "malformed_line"
    assert detail.startswith("line 5001 has 11 fields where the header has 9")
    reason, detail = _rejected(fast, 5501)
    assert reason == "malformed_line"
    assert detail.startswith("line 5501 has 4 fields where the header has 9")
    assert fast.summary.rows_read == ROWS
    assert len(fast.frame) + len(fast.rejected) == ROWS


def test_an_embedded_newline_shifts_the_line_numbers_not_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _lines()
    lines[10] = lines[10][: -len(",")] + ',"first line\nsecond line\nthird"'  # row 11: 3 lines
    lines[4000] = _row(3999) + ",extra"  # row 4001, on line 4003
    fast, _ = _both(_write(tmp_path / "multi.csv", lines), monkeypatch)
    kept = fast.frame[fast.frame["source_row"] == 11]
    assert len(kept) == 1
    reason, detail = _rejected(fast, 4001)
    assert reason == "malformed_line"
    assert detail.startswith("line 4003 has 10 fields")


def test_late_text_results_stay_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _lines()
    lines[5990] = _row(5989, "<5")
    lines[5995] = _row(5994, "haemolysed")
    lines[5996] = _row(5995, "0012")  # a number written with leading zeros: the text is kept
    fast, _ = _both(_write(tmp_path / "late.csv", lines), monkeypatch)
    below = fast.frame[fast.frame["source_row"] == 5991].iloc[0]
    assert below["prolactin_raw"] == "<5"
    assert below["qualifier"] == "<"
    assert _rejected(fast, 5996)[0] == "unparseable_result"
    assert "'haemolysed'" in _rejected(fast, 5996)[1]
    zeros = fast.frame[fast.frame["source_row"] == 5997].iloc[0]
    assert zeros["prolactin_raw"] == "0012"


def test_titles_blank_lines_crlf_and_bom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["Prolactin audit, ward 7", "Printed 2026-11-30", "", *_lines()]
    lines[500] = ""
    lines[501] = "   "
    lines[-1] = "End of report"
    path = _write(tmp_path / "titles.csv", lines, newline="\r\n", bom=True)
    fast, _ = _both(path, monkeypatch)
    assert fast.summary.header_row == 4
    assert _rejected(fast, len(lines))[0] == "not_a_result_row"


def test_semicolons_and_decimal_commas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [line.replace(",", ";").replace(".", ",") for line in _lines()]
    lines = [line.replace('"SMITH', '"SMITH;') for line in lines]  # a quoted delimiter
    fast, _ = _both(_write(tmp_path / "semi.csv", lines), monkeypatch)
    assert fast.frame["prolactin_raw"].iloc[0] == "5,0"


@pytest.mark.parametrize(
    "broken",
    [
        'L1,M1,"never closed,F,1970-01-01,2026-01-01,5,ng/mL,',  # a quote left open
        'L1,M1,ab"cd,F,1970-01-01,2026-01-01,5,ng/mL,',  # a quote inside a cell
        'L1,M1,"closed"then,F,1970-01-01,2026-01-01,5,ng/mL,',  # text after a closing quote
    ],
)
def test_odd_quoting_is_left_to_the_csv_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    lines = _lines()
    lines[3000] = broken
    path = _write(tmp_path / "odd.csv", lines)
    assert read_delimited(path.name, path.read_bytes()).grid is None
    fast = read_file(path, None, ReadOptions())
    monkeypatch.setattr(delimited_module, "FAST_SPLIT_MIN_CHARS", 1 << 62)
    _assert_same(fast, read_file(path, None, ReadOptions()))


def test_limits_send_the_file_to_the_csv_module(tmp_path: Path) -> None:
    lines = _lines()
    lines[100] = _row(99)[: -len(",")] + "," + "x" * 300
    data = _write(tmp_path / "long.csv", lines).read_bytes()
    read = read_delimited("long.csv", data, limits=InputLimits(max_cell_chars=200))
    assert read.grid is None
    assert "max_cell_chars" in read.bad[100]
    with pytest.raises(Exception, match="max_rows"):
        read_delimited("rows.csv", data, limits=InputLimits(max_rows=1000))


@pytest.mark.parametrize("seed", range(6))
def test_random_messy_files_split_as_the_csv_module_splits(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    pieces = ["a", "", " ", "12", "<5", '"q"', '"a,b"', '"say ""hi"""', "Zoë", '""']
    delimiter = rng.choice([",", ";", "\t", "|"])
    lines = []
    for _ in range(400):
        if rng.random() < 0.9:  # the usual width: a quoted cell may hold a line break
            lines.append(delimiter.join(rng.choice([*pieces, '"l1\nl2"']) for _ in range(5)))
        else:
            lines.append(delimiter.join(rng.choice(pieces) for _ in range(rng.randint(0, 7))))
    data = ("\n".join(lines) + "\n").encode()
    monkeypatch.setattr(delimited_module, "FAST_SPLIT_MIN_CHARS", 0)
    fast = read_delimited("r.csv", data)
    assert fast.grid is not None
    monkeypatch.setattr(delimited_module, "FAST_SPLIT_MIN_CHARS", 1 << 62)
    slow = read_delimited("r.csv", data)
    assert (fast.rows, fast.lines, fast.bad, fast.delimiter) == (
        slow.rows,
        slow.lines,
        slow.bad,
        slow.delimiter,
    )


def test_column_shortcuts_equal_their_definitions() -> None:
    rng = random.Random(7)
    alphabet = "0123456789/.-: \tx\x1c\u00e9\uff12"
    cells: list[object] = [
        "".join(rng.choice(alphabet) for _ in range(rng.randrange(14))) for _ in range(20_000)
    ]
    cells += [f"ID{i}" for i in range(5000)] + ["NA", "n/a", "Unknown", "-", None, 1.5]
    assert slash_date_orders(cells) == frozenset(
        slash_date_order(c) for c in cells if isinstance(c, str)
    )
    from triage.values import cell_text, is_empty_value

    assert texts_or_none(cells) == [None if is_empty_value(c) else cell_text(c) for c in cells]


@pytest.mark.parametrize("case", ["wider_row_late", "header_wider", "header_late"])
def test_rows_left_in_the_grid_are_made_when_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """Rows below the first few thousand stay in the grid only while split_rows can take them
    from it; otherwise they are made lists before anything reads them."""
    lines = _lines()
    if case == "wider_row_late":
        lines[5800] = _row(5799) + ",,"  # empty fields at the end: kept, and the grid widens
    elif case == "header_wider":
        lines[0] = HEADER + ",Ward"  # every data line one field short
    else:
        lines = [f"Title {i}" for i in range(150)] + lines
    fast, _ = _both(_write(tmp_path / f"{case}.csv", lines), monkeypatch)
    assert fast.summary.rows_read == ROWS


def test_a_row_left_in_the_grid_cannot_be_read_by_mistake(tmp_path: Path) -> None:
    from triage.io.fast_split import Unread
    from triage.io.sources import open_text

    data = _write(tmp_path / "big.csv", _lines()).read_bytes()
    book = open_text("big.csv", data, ".csv", InputLimits())
    assert book.unmade_rows is not None and book.grid is not None
    rows = book.unmade_rows()
    assert type(rows[-1]) is Unread and len(rows[-1]) == len(HEADER.split(","))
    with pytest.raises(RuntimeError):
        rows[-1][0]
    with pytest.raises(RuntimeError):
        list(rows[-1])
    assert book.load("", None) == list(csv.reader(io.StringIO(data.decode())))


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_excel_text_guard_cells_read_as_their_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, delimiter: str
) -> None:
    """Exports that keep leading zeros with Excel's ="0012345" text guard: the id keeps its
    zeros and loses the guard, whether the file is split in C or by the csv module, and a quoted
    comment merely holding ="..." is left as written."""
    lines = [HEADER.replace(",", delimiter)]
    for i in range(ROWS):
        cells = _row(i).replace('"SMITH', "SMITH").replace(', Anna"', " Anna").split(",")
        cells[1] = f'="{i % 700:07d}"'
        cells[6] = f'="{5 + i % 400}"' if i % 2 else cells[6]
        lines.append(delimiter.join(cells))
    lines[7] = lines[7][: lines[7].rfind(delimiter)] + delimiter + '"dose =""5"" mg"'
    fast, _ = _both(_write(tmp_path / "guarded.csv", lines), monkeypatch)
    frame = fast.frame.set_index("source_row")
    assert frame.loc[2, "patient_id"] == "0000000"
    assert frame.loc[701, "patient_id"] == "0000699"
    assert frame.loc[3, "prolactin_raw"] == "6"
    assert frame.loc[8, "comments"] == 'dose ="5" mg'
    assert len(fast.frame) + len(fast.rejected) == ROWS
