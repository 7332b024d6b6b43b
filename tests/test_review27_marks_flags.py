"""Decimal marks decided by other cells, a comparator after the number, and a lab's abnormal
flag without a direction (review 27).

1. A result written with one separator before three digits ("5.300", "1,250", "1.250") has two
   readings a thousand times apart, which are judged differently (low or high, below or above
   the urgent level of 5000 mIU/L, ~236 ng/mL: output contract §7, clinical-reference §0/§8).
   The mark other cells show (the column's other rows, a Swiss "'" group beside "," decimals,
   both marks in one merged column) never reads it silently: mIU/L is reported in whole numbers
   (clinical-reference §2.4), so one read as a fraction is rejected as ambiguous_decimal_mark,
   listed with the urgent results when its whole reading is urgent; in ng/mL (µg/L) a column
   whose cells show both marks or a "'" group decides nothing; a column or file that shows one
   mark alone still reads it, with a warning.
2. "10000>", "470 >" (an off-scale result written with the sign after the number) is ">10000",
   urgent until diluted (docs/output-contract-extensions.md, "above the measuring range").
3. "450*", "450 (*)", "450 !", "450 kritisch": the lab's abnormal flag without a direction; a
   result within the interval used here is indeterminate, never a false normal (output
   contract §5 status).

Synthetic patients only; headers, units and separators as the six languages' labs write them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.pipeline import TriageOutcome, TriageRequest, run_triage

# (header of the result, unit of mIU/L, unit of ng/mL) per language
LANGUAGES = {
    "en": ("Patient;Sex;Age;Prolactin;Unit", "mIU/L", "ng/mL", "F", "M"),
    "de": ("Pat.-Nr.;Geschlecht;Alter;Prolaktin;Einheit", "mU/l", "µg/l", "w", "m"),
    "fr": ("N° patient;Sexe;Âge;Prolactine;Unité", "mUI/L", "µg/L", "F", "H"),
    "es": ("Paciente;Sexo;Edad;Prolactina;Unidad", "mUI/L", "ng/mL", "mujer", "hombre"),
    "it": ("Paziente;Sesso;Età;Prolattina;Unità", "mUI/L", "ng/mL", "F", "M"),
    "nl": ("Patiënt;Geslacht;Leeftijd;Prolactine;Eenheid", "mE/l", "µg/l", "V", "M"),
}


def _run(tmp_path: Path, lines: list[str], name: str = "export.csv") -> TriageOutcome:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    request = TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True)
    return run_triage(request)


def _rejected(outcome: TriageOutcome) -> dict[str, tuple[str, bool]]:
    return {str(r.patient_id): (r.reason_code, r.possibly_urgent) for r in outcome.rejected}


def _rows(outcome: TriageOutcome) -> dict[str, dict[str, object]]:
    assert outcome.results is not None
    frame = outcome.results.set_index("patient_id")
    return {str(k): row.to_dict() for k, row in frame.iterrows()}


def _warnings(outcome: TriageOutcome) -> list[str]:
    return [w for s in outcome.inputs for w in s.warnings]


# -- 1. decimal marks decided by other cells ------------------------------------------------------
# the column's other rows write "." (one "480.5", or both marks): "5.300" / "6.250" mIU/L read
# as 5.3 / 6.25 had been a silent low; 5300 / 6250 is urgent
DOT_COLUMNS = {
    "one_dot_decimal": ["480.5"],
    "both_marks": ["1 234,5", "480.5", "1,234.5"],
}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("others", sorted(DOT_COLUMNS))
@pytest.mark.parametrize("cell", ["5.300", "6.250"])
def test_a_miu_result_read_as_a_fraction_by_the_columns_mark_is_not_triaged(
    tmp_path: Path, language: str, others: str, cell: str
) -> None:
    header, miu, _, woman, _ = LANGUAGES[language]
    lines = [header]
    lines += [f"O{n};{woman};35;{v};{miu}" for n, v in enumerate(DOT_COLUMNS[others])]
    lines.append(f"K1;{woman};35;{cell};{miu}")
    outcome = _run(tmp_path, lines)
    assert _rejected(outcome).get("K1") == ("ambiguous_decimal_mark", True)
    assert any("K1" in line for line in outcome.urgent)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_a_miu_result_read_as_a_fraction_below_the_urgent_level_is_not_a_silent_low(
    tmp_path: Path, language: str
) -> None:
    # the column writes ',' (12'500,0): 1,250 mIU/L read as 1.25 (low) is 1250 (high, a man)
    header, miu, _, _, man = LANGUAGES[language]
    lines = [header, f"K2;{man};45;12'500,0;{miu}", f"K1;{man};45;1,250;{miu}"]
    outcome = _run(tmp_path, lines)
    assert _rejected(outcome).get("K1") == ("ambiguous_decimal_mark", False)
    assert "K1" not in _rows(outcome)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("others", [["1'250", "12,5"], ["12,5", "480.5"], ["1’250,5", "20,5"]])
def test_a_ng_result_read_by_a_mark_the_column_contradicts_is_not_triaged(
    tmp_path: Path, language: str, others: list[str]
) -> None:
    # a Swiss file groups with "'" (and may write "." as its decimal), or the column shows both
    # marks: "1.250" µg/L is 1.25 or 1250, on either side of the urgent level
    header, _, ng, woman, man = LANGUAGES[language]
    lines = [header] + [f"O{n};{woman};30;{v};{ng}" for n, v in enumerate(others)]
    lines.append(f"D1;{man};45;1.250;{ng}")
    outcome = _run(tmp_path, lines)
    assert _rejected(outcome).get("D1") == ("ambiguous_decimal_mark", True)
    assert any("D1" in line for line in outcome.urgent)


ONE_MARK = [(["12,5", "8,2"], "1.250", 1250.0), (["12.5", "8.2"], "12.345", 12.345)]


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize(("others", "cell", "value"), ONE_MARK)
def test_a_column_showing_one_mark_alone_reads_it_and_says_so(
    tmp_path: Path, language: str, others: list[str], cell: str, value: float
) -> None:
    header, _, ng, woman, man = LANGUAGES[language]
    lines = [header] + [f"O{n};{woman};30;{v};{ng}" for n, v in enumerate(others)]
    lines.append(f"D1;{man};45;{cell};{ng}")
    outcome = _run(tmp_path, lines)
    assert "D1" not in _rejected(outcome)
    assert _rows(outcome)["D1"]["prolactin_ng_ml"] == pytest.approx(value, abs=0.01)
    assert any("1000 times higher or lower" in w for w in _warnings(outcome))


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_a_miu_result_the_column_reads_as_a_whole_number_stays_triaged(
    tmp_path: Path, language: str
) -> None:
    # guard: the column writes ',' ("480,5"): "5.300" mIU/L is 5300, urgent (agrees with the unit)
    header, miu, _, woman, _ = LANGUAGES[language]
    lines = [header, f"O1;{woman};35;480,5;{miu}", f"K1;{woman};35;5.300;{miu}"]
    outcome = _run(tmp_path, lines)
    row = _rows(outcome)["K1"]
    assert row["priority"] == "urgent" and row["status"] == "high"


# -- 2. a comparator after the number ---------------------------------------------------------
@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize(
    ("cell", "in_miu"), [("10000>", True), ("470>", False), ("4500 >", True), ("6000>=", True),
                         ("470 ≥", False), ("10000> mIU/L", True)],
)  # fmt: skip
def test_a_comparator_after_the_number_is_its_qualifier(
    tmp_path: Path, language: str, cell: str, in_miu: bool
) -> None:
    header, miu, ng, woman, _ = LANGUAGES[language]
    lines = [header, f"T0;{woman};40;250;{miu}", f"T1;{woman};33;{cell};{miu if in_miu else ng}"]
    outcome = _run(tmp_path, lines)
    assert "T1" not in _rejected(outcome)
    row = _rows(outcome)["T1"]
    assert row["qualifier"] == ">" and row["priority"] == "urgent"


def test_a_double_sign_after_the_number_stays_the_labs_high_flag(tmp_path: Path) -> None:
    # guard: ">>" is the lab's high flag, not a bound
    header, miu, _, woman, _ = LANGUAGES["en"]
    outcome = _run(tmp_path, [header, f"T1;{woman};33;450 >>;{miu}"])
    row = _rows(outcome)["T1"]
    assert row["qualifier"] != ">" and row["status"] == "indeterminate"


# -- 3. the lab's abnormal flag without a direction -------------------------------------------
UNDIRECTED = ["450*", "450 *", "450 (*)", "450 !", "450 !!", "450 **", "450 kritisch",
              "450 critical", "450 critique", "450 crítico", "450 critico",
              "450 kritiek"]  # fmt: skip


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("cell", UNDIRECTED)
def test_an_abnormal_flag_without_a_direction_is_never_a_false_normal(
    tmp_path: Path, language: str, cell: str
) -> None:
    # 450 mIU/L (21 ng/mL) in a woman of 35 lies within the default 3-30 ng/mL, but the lab
    # flagged it against its own interval, which the file does not give
    header, miu, _, woman, _ = LANGUAGES[language]
    outcome = _run(tmp_path, [header, f"F0;{woman};35;450;{miu}", f"F1;{woman};35;{cell};{miu}"])
    rows = _rows(outcome)
    assert rows["F1"]["status"] == "indeterminate" and rows["F1"]["priority"] == "routine"
    assert rows["F0"]["status"] == "normal"  # guard: no flag, normal


@pytest.mark.parametrize("cell", ["450 H*", "450 * H", "450 ! ↑"])
def test_a_star_beside_a_flag_of_a_direction_keeps_the_direction(tmp_path: Path, cell: str) -> None:
    header, miu, _, woman, _ = LANGUAGES["de"]
    outcome = _run(tmp_path, [header, f"F1;{woman};35;{cell};{miu}"])
    row = _rows(outcome)["F1"]
    assert row["status"] == "indeterminate" and "high" in str(row["reference_note"])
