"""Review 25, reading numbers, headers and interval cells (all six languages where words):

1. thousands marks: a Swiss export groups thousands with an apostrophe, which keyboards and LIS
   write as ' ’ ´ ` ʼ; SI/ISO 80000 groups them with a (thin, narrow or plain) no-break space.
   Between a digit and a group of three digits each is a thousands mark: "5´600 mU/l" is 5600
   mIU/L, above the urgent level (contract §7 urgent > 5,000 mIU/L, §6 --fail-on; clinical-
   reference §8), never an unreadable row;
2. the lab's interval with its label before a one-sided limit or a range ("Norm < 23,3", "VN :
   4,8 - 23,3", "Valores normales: 4,8-23,3") is the lab's interval (clinical-reference §2.2
   "Always prefer the lab-supplied interval"; contract §5 never a false normal);
3. a postpartum header whose unit is an abbreviation ("Post-partum (sem.)", "(Wo.)", "(sett.)",
   "(j)") is the time since delivery: a mother 3 days after delivery is judged against the
   postpartum interval, not flagged urgent (clinical-reference §2.1, §4, §8 "Lactation /
   postpartum: don't flag");
4. a due date with a two-digit year ("ET 15.06.26") places the pregnancy as the four-digit one
   does (clinical-reference §4 "Do not label pregnant patients as hyperprolactinaemic"), and one
   long past places none;
5. a lesion-size header naming the lesion as one noun or with the gland's adjective
   ("Hypophysenläsion (mm)", "Tumeur hypophysaire (mm)") gives the size: a macroadenoma with
   prolactin < 200 ng/mL asks for the diluted re-assay (clinical-reference §0 "Hook effect",
   §1.1 rec 1.3).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import csv_quoted, triage_lines

from triage.numbers import lab_decimals
from triage.values import parse_interval, parse_number

SAMPLE = "14.01.2026"


# 1. Thousands marks ------------------------------------------------------------------------------
MARKS = ["\u00b4", "`", "\u02bc", "\u2019", "'", "\u2032", "\u00a0", "\u202f", "\u2009"]


@pytest.mark.parametrize("mark", MARKS)
@pytest.mark.parametrize(
    ("written", "value"),
    [("5{m}600", 5600.0), ("12{m}500,5", 12500.5), ("1{m}020", 1020.0), ("1{m}234.5", 1234.5)],
)
def test_a_thousands_mark_between_digit_groups_is_read(
    mark: str, written: str, value: float
) -> None:
    assert parse_number(written.format(m=mark)) == pytest.approx(value)


@pytest.mark.parametrize("mark", MARKS)
def test_the_decimals_of_a_grouped_result_are_its_own(mark: str) -> None:
    # "1´234,5" keeps its one decimal; "5´600" is a whole number
    assert lab_decimals(f"1{mark}234,5") == 1
    assert lab_decimals(f"5{mark}600") == 0


@pytest.mark.parametrize("text", ["5\u00b460", "5`6000", "Crohn\u00b4s", "5\u00b4", "\u00b4600"])
def test_an_apostrophe_not_before_a_group_of_three_is_no_thousands_mark(text: str) -> None:
    # a guard: only a valid grouping is read (passes on the old code too)
    assert parse_number(text) is None


@pytest.mark.parametrize("mark", ["\u00b4", "`", "\u02bc", "\u2032"])
def test_an_urgent_result_with_a_swiss_thousands_mark_is_urgent(tmp_path: Path, mark: str) -> None:
    out = triage_lines(
        tmp_path,
        "Patient-Nr.,Geschlecht,Alter,Prolaktin,Einheit,Entnahme",
        [
            f"A1,W,41,5{mark}600,mU/l,{SAMPLE}",
            f"A2,W,41,{csv_quoted(f'> 6{mark}240')},mU/l,{SAMPLE}",
            f"A3,W,41,5'600,mU/l,{SAMPLE}",
            f"A4,M,52,310,mU/l,{SAMPLE}",
        ],
    )
    assert list(out.index) == ["A1", "A2", "A3", "A4"]  # no row lost, no column refused
    assert out.loc["A1", "prolactin_ng_ml"] == pytest.approx(out.loc["A3", "prolactin_ng_ml"])
    assert out.loc[["A1", "A2", "A3"], "priority"].tolist() == ["urgent"] * 3


# 2. The lab's interval with its label ------------------------------------------------------------
LABELLED_UPPER = [
    "Norm < 23,3",
    "Norm: < 23,3",
    "Normal < 23.3",
    "N: < 23,3",
    "N: <23,3",
    "Ref. < 23.3",
    "Ref.<23.3",
    "VN < 23,3",
    "normaal < 23,3",
    "Normwert < 23,3",
    "Normwerte: ≤ 23,3",
    "Referenz: < 23,3",
    "Referenzbereich < 23,3",
    "valeurs normales : < 23,3",
    "Valeurs de référence : < 23,3",
    "Valores normales: < 23,3",
    "Valores de referencia < 23,3",
    "valori normali < 23,3",
    "Valori di riferimento: < 23,3",
    "Referentiewaarden: < 23,3",
    "Normaalwaarde < 23,3",
    "Reference range: < 23.3",
]
LABELLED_RANGE = [
    "VN : 4,8 - 23,3",
    "Valores normales: 4,8-23,3",
    "valeurs normales 4,8 - 23,3",
    "valori normali: 4,8-23,3",
    "Normwert 4,8 - 23,3",
    "Referenz 4,8-23,3",
    "normale waarden: 4,8 - 23,3",
    "Normal range: 4.8-23.3",
    "Intervalle de référence : 4,8 - 23,3",
    "Rango normal 4,8-23,3",
]


@pytest.mark.parametrize("cell", LABELLED_UPPER)
def test_a_labelled_upper_limit_is_read(cell: str) -> None:
    interval = parse_interval(cell, ",")
    assert interval is not None
    assert (interval.low, interval.high) == (None, pytest.approx(23.3))


@pytest.mark.parametrize("cell", LABELLED_RANGE)
def test_a_labelled_range_is_read(cell: str) -> None:
    interval = parse_interval(cell, ",")
    assert interval is not None
    assert (interval.low, interval.high) == (pytest.approx(4.8), pytest.approx(23.3))


@pytest.mark.parametrize("cell", ["4,8 - 23,3", "< 23,3", "Normal: 4.8-23.3", "de 4,8 a 23,3"])
def test_an_unlabelled_interval_still_reads(cell: str) -> None:
    # a guard: the forms read before (passes on the old code too)
    assert parse_interval(cell, ",") is not None


@pytest.mark.parametrize("cell", ["Norm < 23,3", "VN : 4,8 - 23,3", "Valores normales: 4,8-23,3"])
def test_a_result_above_a_labelled_lab_interval_is_high_not_a_false_normal(
    tmp_path: Path, cell: str
) -> None:
    # 25 ng/mL in a woman of 35: within the set's 30 ng/mL, above the lab's 23.3
    out = triage_lines(
        tmp_path,
        "ID;Sex;Age;Prolactin;Unit;Reference range".replace(";", ","),
        [f"R1,F,35,25,ng/mL,{csv_quoted(cell)}"],
    )
    assert out.loc["R1", "reference_source"] == "row"
    assert out.loc["R1", "reference_high_ng_ml"] == pytest.approx(23.3)
    assert out.loc["R1", "status"] == "high"


# 3. Postpartum headers with an abbreviated unit --------------------------------------------------
POSTPARTUM_WEEKS = [
    "Post-partum (sem.)",
    "Post-partum (sem)",
    "Posparto (sem.)",
    "Postpartum (Wo.)",
    "Wochenbett (Wo.)",
    "Post-partum (sett.)",
    "Puerperio (sett.)",
    "Kraambed (wkn)",
]
POSTPARTUM_DAYS = [
    "Post-partum (j)",
    "Post-partum (j.)",
    "Postpartum (Tg.)",
    "Posparto (días)",
    "Post partum (dagen)",
    "Puerperio (gg)",
]


def _one_row(tmp_path: Path, header: str, line: str) -> dict[str, object]:
    """The result of a file of one row."""
    return triage_lines(tmp_path, header, [line]).iloc[0].to_dict()


def _beside(tmp_path: Path, person: tuple[str, str], header: str, value: str) -> dict[str, object]:
    """The result of a row of `person` (its columns, its cells) with a column `header` holding
    `value`."""
    columns, cells = person
    return _one_row(tmp_path, f"{columns},{csv_quoted(header)}", f"{cells},{csv_quoted(value)}")


MOTHER = ("ID,Sex,Age,Prolactin ng/mL", "PP1,F,30,450")  # a woman of 30 at 450 ng/mL
MAN = ("ID,Geschlecht,Alter,Prolaktin (ng/ml)", "L1,m,50,150")  # a man of 50 at 150 ng/mL


@pytest.mark.parametrize("header", POSTPARTUM_WEEKS)
def test_a_postpartum_header_in_weeks_with_an_abbreviated_unit(tmp_path: Path, header: str) -> None:
    # half a week after delivery: the first week's physiological interval, no urgent flag
    row = _beside(tmp_path, MOTHER, header, "0,5")
    assert row["reference_source"] == "physiological"
    assert row["priority"] == "none"
    assert "prolactinoma_suspected" not in str(row["factors"])


@pytest.mark.parametrize("header", POSTPARTUM_DAYS)
def test_a_postpartum_header_in_days_with_an_abbreviated_unit(tmp_path: Path, header: str) -> None:
    row = _beside(tmp_path, MOTHER, header, "3")
    assert row["reference_source"] == "physiological"
    assert row["priority"] == "none"


@pytest.mark.parametrize(
    "header", ["Post-partum (sem.)", "Postpartum (Wo.)", "Post-partum (sett.)"]
)
def test_an_abbreviated_week_header_counts_weeks_not_days(tmp_path: Path, header: str) -> None:
    # 20 weeks after delivery is past the postpartum intervals: 450 ng/mL is not explained
    row = _beside(tmp_path, MOTHER, header, "20")
    assert row["reference_source"] != "physiological"
    assert row["priority"] == "urgent"


@pytest.mark.parametrize("header", ["Terme (sem.)", "EG (sem)", "Gestationsalter (Wo.)"])
def test_a_gestation_header_with_the_same_units_is_still_gestation(
    tmp_path: Path, header: str
) -> None:
    # a guard (passes on the old code too): 22 weeks of pregnancy
    row = _beside(tmp_path, MOTHER, header, "22")
    assert row["reference_source"] == "physiological"
    assert "pregnancy" in str(row["factors"])


# 4. Due dates with a two-digit year -------------------------------------------------------------
DUE_DATES = [
    "ET 15.06.26",
    "ET: 15.6.26",
    "errechneter Termin 15.06.26",
    "DPA 15/06/26",
    "terme prévu le 15/06/26",
    "FPP 15/06/26",
    "fecha probable de parto 15-06-26",
    "data presunta del parto 15.06.26",
    "DPP 15/06/26",
    "uitgerekende datum 15-06-26",
    "EDD 15/06/26",
    "due date 15/06/26",
]


def _due(tmp_path: Path, note: str) -> dict[str, object]:
    # a woman of 31 at 3180 mIU/L (150 ng/mL)
    return _one_row(
        tmp_path,
        "Patient-Nr.,Sexe,Âge,Prolaktin [mU/l],Entnahme,Remarque",
        f"C1,F,31,3180,{SAMPLE},{csv_quoted(note)}",
    )


@pytest.mark.parametrize("note", DUE_DATES)
def test_a_due_date_with_a_two_digit_year_is_a_pregnancy(tmp_path: Path, note: str) -> None:
    # about 22 weeks at the sample: 150 ng/mL is within the pregnancy interval
    row = _due(tmp_path, note)
    assert row["reference_source"] == "physiological"
    assert row["priority"] == "none"
    assert "prolactinoma_suspected" not in str(row["factors"])


@pytest.mark.parametrize("note", ["ET 15.06.24", "DPA 15/06/24", "FPP 15/06/24"])
def test_a_due_date_long_past_is_no_pregnancy(tmp_path: Path, note: str) -> None:
    # a guard (passes on the old code too): 19 months before the sample, no current pregnancy
    row = _due(tmp_path, note)
    assert row["reference_source"] != "physiological"
    assert "pregnancy" not in str(row["factors"])


# 5. Lesion-size headers -----------------------------------------------------------------------
LESION_HEADERS = [
    "Hypophysenläsion (mm)",
    "Hypophysenläsion mm",
    "Hypophysentumor (mm)",
    "Hypophysenraumforderung (mm)",
    "Hypofysetumor (mm)",
    "Hypofyselaesie (mm)",
    "Hypofyseadenoom (mm)",
    "Tumeur hypophysaire (mm)",
    "Adenoma ipofisario (mm)",
    "Massa ipofisaria (mm)",
    "Tumor hipofisario (mm)",
    "Pituitary tumour (mm)",
]


@pytest.mark.parametrize("header", LESION_HEADERS)
def test_a_lesion_size_header_gives_the_size(tmp_path: Path, header: str) -> None:
    row = _beside(tmp_path, MAN, header, "30")
    assert "known_pituitary_lesion" in str(row["factors"])
    assert "hook_effect_risk" in str(row["suggestions"])
    assert "dilution_retest" in str(row["suggestions"])


@pytest.mark.parametrize(
    "header", ["Hypophysentumor (cm)", "Tumeur hypophysaire (cm)", "Hypofysetumor (cm)"]
)
def test_a_lesion_size_header_in_centimetres(tmp_path: Path, header: str) -> None:
    row = _beside(tmp_path, MAN, header, "3")  # 30 mm
    assert "hook_effect_risk" in str(row["suggestions"])
