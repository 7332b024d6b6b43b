"""A file's canonical frame held without its blank columns (triage.thinned): every chunk the
engine reads is the chunk of the whole frame, and so are its results."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from triage.engine import triage_frame
from triage.io.readers import read_file
from triage.knowledge import load_knowledge
from triage.thinned import thinned

SAMPLES = Path(__file__).parent / "data" / "samples"

# a lab's csv: a title row, decimal commas, text results, a unit column, notes and drugs in
# some rows, the other context columns never filled
MESSY_CSV = """\
Prolaktin-Auswertung Station 4;;;;;;;
Pat.-Nr.;Geschlecht;Alter;Abnahme;Prolaktin;Einheit;Medikation;Bemerkung
A-100;w;34;03.11.2026 08:15;28,5;ng/ml;;
A-101;m;51;03.11.2026 09:40;>200;ng/ml;Risperdal 2 mg;
A-102;w;29;04.11.2026;hämolytisch;ng/ml;;bitte wiederholen
A-103;w;41;04.11.2026 10:05;1450;mU/l;MCP b. Bed.;Kopfschmerzen
A-104;m;63;05.11.2026;12;µg/l;;
A-100;w;34;10.11.2026 08:20;31,2;ng/ml;;Ruheabnahme
"""


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("thin") / "station4.csv"
    path.write_text(MESSY_CSV, encoding="utf-8")
    return read_file(path).frame


def test_the_blank_columns_are_not_held(messy: pd.DataFrame) -> None:
    thin = thinned(messy)
    blank = [c for c in messy.columns if messy[c].isna().all() and messy[c].dtype != object]
    assert blank, "the canonical frame of a small export has blank columns"
    assert set(thin.blank) == set(blank)
    assert not set(blank) & set(thin.frame.columns)
    # what the file gave stays: the values, the drugs, the notes
    for column in ("prolactin_value", "medications", "comments", "patient_id"):
        assert column in thin.frame.columns
    assert thin.frame.memory_usage(deep=True).sum() < messy.memory_usage(deep=True).sum()


@pytest.mark.parametrize(("start", "stop"), [(0, 6), (0, 1), (2, 5), (5, 6), (6, 6)])
def test_a_chunk_is_the_chunk_of_the_whole_frame(
    messy: pd.DataFrame, start: int, stop: int
) -> None:
    part = thinned(messy).rows(start, stop)
    pd.testing.assert_frame_equal(part, messy.iloc[start:stop], check_exact=True)
    assert part.attrs == messy.iloc[start:stop].attrs
    assert list(part.dtypes) == list(messy.dtypes)


@pytest.mark.parametrize("name", ["wide_clinic_export.xlsx", "lis_long_export.csv"])
def test_the_samples_triage_the_same_thinned(name: str) -> None:
    frame = read_file(SAMPLES / name).frame
    thin = thinned(frame)
    knowledge = load_knowledge()
    as_of = pd.Timestamp("2026-12-02").to_pydatetime()
    whole = triage_frame(frame, knowledge, as_of=as_of)
    for start, stop in [(0, len(frame) // 2), (len(frame) // 2, len(frame))]:
        pd.testing.assert_frame_equal(
            triage_frame(thin.rows(start, stop), knowledge, as_of=as_of),
            whole.iloc[start:stop],
            check_exact=True,
        )


def test_a_column_of_python_objects_keeps_its_missing_values() -> None:
    """None and NaN may be told apart by a rule: an object column is never thinned."""
    frame = pd.DataFrame(
        {
            "a": pd.array(["1", None], dtype="string"),
            "b": pd.Series([None, None], dtype=object),
            "c": [np.nan, np.nan],
            "d": pd.array([None, None], dtype="boolean"),
        }
    )
    thin = thinned(frame)
    assert set(thin.blank) == {"c", "d"}
    part = thin.rows(0, 2)
    assert part["b"].tolist() == [None, None]
    pd.testing.assert_frame_equal(part, frame, check_exact=True)


def test_a_frame_with_every_column_filled_is_kept_as_it_is() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": pd.array(["x", "y"], dtype="string")})
    thin = thinned(frame)
    assert thin.frame is frame and not thin.blank
    pd.testing.assert_frame_equal(thin.rows(1, 2), frame.iloc[1:2])
