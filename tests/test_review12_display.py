"""Review 12: how numbers and dates are shown.

- A shown value never lands on the other side of the boundary that decided: 5299 mIU/L is
  249.95 ng/mL (band marked, interpretation H), never "250" (HH, very high); 99.995 ng/mL is
  not "100.00" beside "marked 100" (triage/numbers.py: never a whole number it is not).
- One text of a limit everywhere: the comment writes the limits as the page and
  reference_low_value / _high_value do ("2–18", never "2.00–18.00").
- A collection date given without a time is a date in results.csv/json/xlsx, and is neither
  before nor after a timed result of the same day in the history.
"""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from triage.history import HistoryOptions
from triage.numbers import fmt, fmt_lab, fmt_limit, places, rounded, rounded_array
from triage.output import OutputOptions
from triage.pipeline import TriageRequest, run_triage

# The same export in the six languages (header cells; ";"-separated).
HEADERS: dict[str, str] = {
    "en": "Patient ID;Sex;Age;Collected;Prolactin;Unit",
    "de": "Patienten-ID;Geschlecht;Alter;Entnahme;Prolaktin;Einheit",
    "fr": "IPP;Sexe;Âge;Date de prélèvement;Prolactine;Unité",
    "es": "ID paciente;Sexo;Edad;Fecha de extracción;Prolactina;Unidad",
    "it": "ID paziente;Sesso;Età;Data prelievo;Prolattina;Unità",
    "nl": "Patiëntnummer;Geslacht;Leeftijd;Afnamedatum;Prolactine;Eenheid",
}
LANGUAGES = sorted(HEADERS)


def _run(tmp_path: Path, language: str, rows: list[str], **options: object) -> Path:
    """Run the export (`rows` under the language's header); the output folder."""
    path = tmp_path / f"export_{language}.csv"
    path.write_text("\n".join([HEADERS[language], *rows]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    history = options.pop("history", None)
    run_triage(
        TriageRequest(
            inputs=[path],
            out_dir=out,
            output_options=OutputOptions(all_patients=True, **options),  # type: ignore[arg-type]
            history=history,  # type: ignore[arg-type]
        )
    )
    return out


def _csv_rows(out: Path) -> list[dict[str, str]]:
    with (out / "results.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _page_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<style.*?</style>|<svg.*?</svg>", " ", text, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


# --------------------------------------------------------------------- the one formatter ---
@pytest.mark.parametrize(
    ("value", "text"),
    [
        (5299 / 21.2, "249.95"),  # marked, not the HH/very-high 250
        (10599 / 21.2, "499.95"),  # very high, not the extreme 500
        (99.995, "99.995"),  # moderate, not the marked 100
        (49.996, "49.996"),  # mild, not moderate 50
        (0.999, "0.999"),
        (30.004, "30.004"),  # above an upper limit of 30, not on it
        (102.004, "102.004"),
        (0.9999999, "0.999"),  # cut toward its side where rounding cannot help
    ],
)
def test_a_value_is_never_shown_as_a_whole_number_it_is_not(value: float, text: str) -> None:
    assert fmt(value) == text
    assert rounded(value) == float(text)
    assert rounded_array([value])[0] == float(text)
    assert fmt(rounded(value)) == text  # a file and a sentence show the same digits


def test_the_rule_is_idempotent_and_the_array_agrees() -> None:
    steps = np.concatenate([np.arange(0, 300, 0.0007), np.arange(0, 30, 0.001)])
    values = np.round(steps, 7)  # no float noise of a whole number (13.000000000000002)
    once = rounded_array(values)
    # far enough from a whole number: the usual decimals; a whole number stays whole
    assert [fmt(249.94), fmt(1583.11), fmt(100.0), fmt(23.30)] == ["249.9", "1583.1", "100", "23.3"]
    assert (fmt_lab(63.6, 0), fmt_limit(4999.6, 1)) == ("64", "4999.6")
    assert np.array_equal(rounded_array(once), once)
    assert np.array_equal(once, np.array([rounded(float(v)) for v in values]))
    whole = np.floor(values)
    below = values != whole
    assert not (below & (once >= whole + 1)).any()  # never onto nor across the whole above
    assert not (below & (once <= whole) & (values - whole < 0.01)).any()  # nor just below


@pytest.mark.parametrize(
    ("value", "decimals", "lab", "limit"),
    [
        (99.995, 2, "99.995", "99.995"),
        (4.8, 2, "4.80", "4.8"),  # the lab's result keeps its zeros, a limit has none
        (2.0, 2, "2.00", "2"),
        (19.999, 2, "19.999", "19.999"),
    ],
)
def test_the_lab_precision_keeps_the_rule(
    value: float, decimals: int, lab: str, limit: str
) -> None:
    assert fmt_lab(value, decimals) == lab
    assert fmt_limit(value, decimals) == limit
    assert places(value, decimals) >= decimals


# ------------------------------------------------------------------------ end to end ---
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_converted_result_never_reads_as_the_band_above(tmp_path: Path, language: str) -> None:
    out = _run(
        tmp_path,
        language,
        ["R2;F;40;2026-11-02;5299;mIU/L", "R3;F;40;2026-11-02;10599;mIU/L"],
        fhir=True,
    )
    rows = {r_["prolactin_raw"]: r_ for r_ in _csv_rows(out)}
    marked, very_high = rows["5299"], rows["10599"]
    assert (marked["band"], marked["interpretation"]) == ("marked", "H")
    assert marked["prolactin_ng_ml"] == "249.95"
    assert (very_high["band"], very_high["interpretation"]) == ("very_high", "HH")
    assert very_high["prolactin_ng_ml"] == "499.95"
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))["results"]
    assert sorted(r_["prolactin_ng_ml"] for r_ in results) == [249.95, 499.95]
    urgent = (out / "urgent.txt").read_text(encoding="utf-8")
    assert "5299 mIU/L (249.95 ng/mL)" in urgent and "(250 ng/mL)" not in urgent
    assert "10599 mIU/L (499.95 ng/mL)" in urgent and "(500 ng/mL)" not in urgent
    for page in ("patients.html", "summary.html"):
        text = _page_text(out / page)
        assert "5299 mIU/L (249.95 ng/mL)" in text, page
        assert "10599 mIU/L (499.95 ng/mL)" in text, page
        assert "5299 mIU/L (250 ng/mL)" not in text and "(500 ng/mL)" not in text, page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_result_is_shown_with_its_decimals_not_as_the_band_limit(
    tmp_path: Path, language: str
) -> None:
    # 99.9951 (four decimals: never read as thousands) is moderate, below the marked band's 100
    out = _run(tmp_path, language, ["P6;F;40;2026-10-01;99.9951;ng/mL"], fhir=True, xlsx=True)
    (row,) = _csv_rows(out)
    assert (row["band"], row["prolactin_ng_ml"]) == ("moderate", "99.995")
    assert "(99.995 ng/mL;" in row["comment"], row["comment"]
    page = _page_text(out / "patients.html")
    assert "Prolactin 99.995 ng/mL" in page and "100.00" not in page
    bundle = json.loads((out / "results.fhir.json").read_text(encoding="utf-8"))
    quantities = [
        e["resource"]["valueQuantity"]["value"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation" and "valueQuantity" in e["resource"]
    ]
    assert 99.995 in quantities and 100 not in quantities
    sheet = openpyxl.load_workbook(out / "results.xlsx")["Results"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("prolactin_ng_ml") + 1).value == 99.995


def test_the_reviewers_three_decimal_result_as_written(tmp_path: Path) -> None:
    path = tmp_path / "p6.csv"
    path.write_text(
        "patient_id,sex,birth_date,collected_at,prolactin,prolactin_unit\n"
        "P6,F,1980-01-01,2026-10-01,99.995,ng/mL\n"
        "P5,M,1980-01-01,2026-10-01,0.999,ng/mL\n",  # the file's decimal mark: a point
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run_triage(
        TriageRequest(inputs=[path], out_dir=out, output_options=OutputOptions(all_patients=True))
    )
    page = _page_text(out / "patients.html")
    assert "Prolactin 99.995 ng/mL" in page and "100.00" not in page
    assert "moderate" in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_limit_reads_the_same_in_the_comment_the_page_and_the_files(
    tmp_path: Path, language: str
) -> None:
    out = _run(tmp_path, language, ["P5;M;40;2026-10-01;0.999;ng/mL"])
    (row,) = _csv_rows(out)
    low, high = row["reference_low_value"], row["reference_high_value"]
    assert (low, high) == ("2", "18")
    assert f"(0.999 ng/mL; reference {low}–{high} ng/mL)" in row["comment"], row["comment"]
    page = _page_text(out / "patients.html")
    assert f"Reference interval {low}–{high} ng/mL" in page
    assert "2.00" not in page and "18.00" not in page


# ------------------------------------------------------------------------------ dates ---
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_date_without_a_time_stays_a_date_in_the_machine_outputs(
    tmp_path: Path, language: str
) -> None:
    out = _run(
        tmp_path,
        language,
        ["D1;F;40;2026-11-03;60;ng/mL", "D2;F;40;2026-11-03 08:30;40;ng/mL"],
        xlsx=True,
    )
    by_id = {r_["patient_id"]: r_ for r_ in _csv_rows(out)}
    assert by_id["D1"]["collected_at"] == "2026-11-03"
    assert by_id["D2"]["collected_at"] == "2026-11-03T08:30:00"
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))["results"]
    assert {r_["patient_id"]: r_["collected_at"] for r_ in results} == {
        "D1": "2026-11-03",
        "D2": "2026-11-03T08:30:00",
    }
    sheet = openpyxl.load_workbook(out / "results.xlsx")["Results"]
    header = [c.value for c in sheet[1]]
    formats = {
        sheet.cell(i, header.index("patient_id") + 1).value: sheet.cell(
            i, header.index("collected_at") + 1
        ).number_format
        for i in range(2, sheet.max_row + 1)
    }
    assert formats == {"D1": "yyyy-mm-dd", "D2": "yyyy-mm-dd hh:mm"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_date_only_result_is_not_earlier_than_a_timed_one_of_that_day(
    tmp_path: Path, language: str
) -> None:
    history = HistoryOptions(location=str(tmp_path / "history.db"))
    out = _run(
        tmp_path,
        language,
        [
            "D1;F;40;2026-11-02 09:00;20;ng/mL",  # the day before: earlier than both
            "D1;F;40;2026-11-03;60;ng/mL",
            "D1;F;40;2026-11-03 08:30;40;ng/mL",
        ],
        history=history,
    )
    rows = {r_["collected_at"]: r_ for r_ in _csv_rows(out)}
    # the timed result of 3 November is compared with 2 November, not with the date-only
    # result of its own day (whose time is unknown: it may have been taken after it)
    timed = rows["2026-11-03T08:30:00"]
    assert timed["previous_collected_at"] == "2026-11-02T09:00:00"
    assert float(timed["previous_ng_ml"]) == 20
    dated = rows["2026-11-03"]
    assert dated["previous_collected_at"] == "2026-11-02T09:00:00"
    assert pd.notna(dated["trend"])
