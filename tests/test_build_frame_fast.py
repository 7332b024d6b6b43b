"""build_frame's per-distinct paths give what the per-cell ones give.

* string columns made from the distinct texts and the rows' codes (``wide.coded_strings``)
  equal ``typed_column`` of the texts cell by cell;
* ``values.texts_or_none`` (bulk string methods) equals its per-cell definition;
* ``wide._parse_distinct_dates`` of many cells at once equals it of each cell alone.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from triage.io import ReadOptions, read_file, wide
from triage.values import cell_text, is_empty_value, texts_or_none

CELLS: list[object] = [
    "a",
    " b ",
    "",
    "   ",
    "-",
    "n/a",
    "N/A ",
    "#N/A",
    "x" * 17,
    " " * 10 + "-" + " " * 10,
    "  -  ",
    None,
    math.nan,
    1.0,
    3,
    True,
    np.float64(2.5),
    date(2020, 1, 1),
    datetime(2020, 1, 1, 12, 30),
    "Not done",
    "ab cd",
    "é",
    "N.A.",
    " Unknown ",
    "\x1c",
    "na.",
    "nil",
    "?",
    ".",
    "Zoë, ROSSI",
    "26L4400000",
    np.str_("n/a"),
]


def test_texts_or_none_equals_per_cell() -> None:
    cells = CELLS * 3 + [f"MRN{i:07d}" for i in range(200)]
    expected = [None if is_empty_value(c) else cell_text(c) for c in cells]
    assert texts_or_none(cells) == expected
    assert texts_or_none([]) == []
    assert texts_or_none([None]) == [None]
    assert texts_or_none(["-"]) == [None]
    assert texts_or_none([1.5]) == ["1.5"]


def _same(codes: np.ndarray, table: list[str | None]) -> None:
    column = np.empty(len(table), dtype=object)
    column[:] = table
    expected = wide.typed_column(column[codes], "string")
    got = wide.coded_strings(codes, column)
    if got is None:  # the caller converts table[codes] as before
        return
    assert type(got) is type(expected)
    pd.testing.assert_extension_array_equal(got, expected)


@pytest.mark.parametrize(
    ("codes", "table"),
    [
        ([0, 1, 0, 2, 2, 1], ["x", "y", None]),
        ([2, 2, 2], ["x", "y", None]),  # only missing cells taken
        ([], ["x", None]),
        ([0] * 50, ["same text"]),
        ([1, 0, 1], [None, "Zoë"]),
        ([0, 1], [None, None]),
    ],
)
def test_coded_strings_equal_typed_column(codes: list[int], table: list[str | None]) -> None:
    _same(np.array(codes, dtype=np.intp), table)


def test_coded_strings_declines_all_missing() -> None:
    column = np.empty(2, dtype=object)
    column[:] = ["x", None]
    assert wide.coded_strings(np.array([1, 1], dtype=np.intp), column) is None


DATE_CELLS: list[object] = [
    "2026-11-14",
    "14/11/2026",
    "11/14/2026",
    "03/04/2026 12:30",
    "2026-02-30",
    "2026-11-14T08:15",
    "14.11.2026 07:05:09",
    " 14/11/2026 ",
    "14 Nov 2026",
    "not a date",
    "",
    None,
    math.nan,
    46350.0,
    46350,
    "46350",
    date(2026, 11, 14),
    datetime(2026, 11, 14, 9, 30),
    datetime(2026, 11, 14, 9, 30, tzinfo=UTC),
    date(1500, 1, 1),
    time(9, 30),
    True,
]


@pytest.mark.parametrize("dayfirst", [True, False])
@pytest.mark.parametrize("serials", [True, False])
def test_distinct_dates_equal_one_by_one(dayfirst: bool, serials: bool) -> None:
    # over _FAST_DATES_MIN texts: the vectorised reading of texts is taken with the rest
    many = [f"{1 + i % 28:02d}/{1 + i % 12:02d}/20{10 + i % 20}" for i in range(100)]
    cells = DATE_CELLS + many + [f"2026-01-{1 + i % 28:02d} 10:{i % 60:02d}" for i in range(80)]
    together = wide._parse_distinct_dates(cells, dayfirst, serials=serials)
    alone = np.concatenate(
        [wide._parse_distinct_dates([c], dayfirst, serials=serials) for c in cells]
    )
    np.testing.assert_array_equal(together, alone)


def _read_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = read_file(path, None, ReadOptions())
    with monkeypatch.context() as patched:
        patched.setattr(wide, "coded_strings", lambda codes, table: None)
        slow = read_file(path, None, ReadOptions())
    pd.testing.assert_frame_equal(fast.frame, slow.frame, check_exact=True)
    for name in fast.frame.columns:
        assert fast.frame[name].dtype == slow.frame[name].dtype
    assert fast.rejected == slow.rejected
    assert fast.summary == slow.summary


def test_read_same_with_and_without_coded_strings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the same text in many rows with different results, units and dates; missing cells,
    # placeholders, numbers in a text column, rejected rows holding the only copy of a text
    lines = ["Lab No,MRN,Patient,Sex,DOB,Collected,PRL,Units,Comment"]
    for i in range(300):
        comment = ["", "haemolysed", "-", "n/a", "12", "haemolysed", "Zoë"][i % 7]
        result = (
            ["12.5", "", "abc", "400", "-5"][i % 5] if i % 11 == 0 else f"{5 + i % 90}.{i % 10}"
        )
        patient = '"ROSSI, Zoë"' if i % 3 else "N/A"
        collected = f"{1 + i % 28:02d}/{1 + i % 12:02d}/2026" if i % 2 else "2026-03-04 10:00"
        lines.append(
            ",".join(
                [
                    f"26L{i:07d}" if i % 13 else "",
                    f"MRN{i % 17:05d}",
                    patient,
                    "FM"[i % 2],
                    "1980-08-01",
                    collected,
                    result,
                    ["ng/mL", "mIU/L", ""][i % 3],
                    comment,
                ]
            )
        )
    lines.append("26LONLY,MRNONLY,ONLY REJECTED,F,1980-08-01,2026-03-04,,ng/mL,only here")
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _read_both(path, monkeypatch)
