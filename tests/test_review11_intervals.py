"""Review 11: the lab's interval per physiological group, unit typos, a comparator column and an
undecided decimal mark.  Synthetic patients only.

Clinical reference §2.2: the lab-supplied interval is preferred; an interval labelled with a
physiological state (postmenopausal, premenopausal, children, pregnancy) is the row's only when
the state fits the patient, never silently another one's."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.values import normalise_unit

HEADER = "patient_id,sex,age_years,prolactin,prolactin_unit,reference_range\n"


def _rows(frame: pd.DataFrame) -> dict[str, pd.Series]:
    return {str(r["patient_id"]): r for _, r in frame.iterrows()}


POSTMENOPAUSAL_ONLY = [
    "Postmenopausal 4.0-15.0",
    "Postmenopause: 4.0-15.0",
    "Postmenopausal: 4.0-15.0 ng/mL",
    "Postmenopausale Frauen 4,0-15,0",  # German
    "ménopausée 4,0-15,0",  # French
    "postménopause 4,0 - 15,0",
    "postmenopausia 4,0-15,0",  # Spanish
    "posmenopáusicas 4,0-15,0",
    "post-menopausa 4,0-15,0",  # Italian
    "in menopausa 4,0-15,0",
    "postmenopauzaal 4,0-15,0",  # Dutch
    "na de menopauze 4,0-15,0",
]


@pytest.mark.parametrize("cell", POSTMENOPAUSAL_ONLY)
def test_a_postmenopausal_interval_is_a_postmenopausal_womans_own(
    tmp_path: Path, cell: str
) -> None:
    """17 ng/mL at 60 is above the lab's postmenopausal 15 (the set's 2-20 made it normal); the
    same cell does not fit a woman of 30 nor a man: the set's interval, and the note says so."""
    text = HEADER + "".join(
        f'{pid},{sex},{age},17,ng/mL,"{cell}"\n'
        for pid, sex, age in (("P60", "F", 60), ("P30", "F", 30), ("M40", "M", 40))
    )
    rows = _rows(triage_csv(tmp_path, text))
    old = rows["P60"]
    assert old["reference_source"] == "row"
    assert old["reference_high_ng_ml"] == pytest.approx(15.0)
    assert old["status"] == "high"
    assert old["priority"] == "routine"
    for pid in ("P30", "M40"):
        other = rows[pid]
        assert other["reference_source"] == "set", pid
        assert "none is known to fit this row" in other["reference_note"], pid
        assert other["status"] == "normal", pid


@pytest.mark.parametrize(
    "cell",
    [
        "prämenopausal 4.8-23.3, postmenopausal 4.0-15.0",
        "Prämenopause 4,8-23,3; Postmenopause 4,0-15,0",
        "Postmenopause 4.0-15.0; Prämenopause 4.8-23.3",
        "préménopause 4,8-23,3 ; ménopause 4,0-15,0",
        "premenopausia 4.8-23.3; posmenopausia 4.0-15.0",
        "premenopausa 4,8-23,3; postmenopausa 4,0-15,0",
        "premenopauzaal 4,8-23,3; postmenopauzaal 4,0-15,0",
        "premenopausal women: 4.8-23.3 / postmenopausal women: 4.0-15.0",
    ],
)
def test_pre_and_postmenopausal_strata_are_chosen_by_age_and_status(
    tmp_path: Path, cell: str
) -> None:
    text = (
        "patient_id,sex,age_years,menopausal,prolactin,prolactin_unit,reference_range\n"
        f'OLD,F,60,,17,ng/mL,"{cell}"\n'  # by age: postmenopausal -> 17 > 15
        f'YOUNG,F,30,,20,ng/mL,"{cell}"\n'  # premenopausal -> 20 within 23.3 (not above 15)
        f'STATED,F,48,yes,17,ng/mL,"{cell}"\n'  # stated postmenopausal at 48
        f'NOTPOST,F,58,no,20,ng/mL,"{cell}"\n'  # stated not postmenopausal at 58
        f'MAN,M,40,,17,ng/mL,"{cell}"\n'  # no men's group: never a women's one
    )
    rows = _rows(triage_csv(tmp_path, text))
    assert rows["OLD"]["reference_high_ng_ml"] == pytest.approx(15.0)
    assert rows["OLD"]["status"] == "high"
    assert rows["YOUNG"]["reference_high_ng_ml"] == pytest.approx(23.3)
    assert rows["YOUNG"]["status"] == "normal"
    assert rows["STATED"]["reference_high_ng_ml"] == pytest.approx(15.0)
    assert rows["STATED"]["status"] == "high"
    assert rows["NOTPOST"]["reference_high_ng_ml"] == pytest.approx(23.3)
    assert rows["MAN"]["reference_source"] == "set"
    assert "none is known to fit" in rows["MAN"]["reference_note"]


@pytest.mark.parametrize(
    "cell",
    [
        "Frauen 4.8-23.3; Schwangere 10-209",
        "women 4.8-23.3; pregnancy 10-209",
        "femmes 4,8-23,3 ; enceintes 10-209",
        "mujeres 4,8-23,3; embarazadas 10-209",
        "donne 4,8-23,3; gravidanza 10-209",
        "vrouwen 4,8-23,3; zwangeren 10-209",
        "F 4.8-23.3; lactation 4-120",
        "women 4.8-23.3; first trimester 3-70; third trimester 10-209",
    ],
)
def test_a_column_of_labelled_intervals_is_kept(tmp_path: Path, cell: str) -> None:
    """Most rows labelled with states (the review's file: 4 of 6): the column is still the
    interval column, and a non-pregnant woman's 28 ng/mL is above the lab's 23.3, not within
    the set's 3-30."""
    text = HEADER + (
        'RP1,F,60,17,ng/mL,"prämenopausal 4.8-23.3, postmenopausal 4.0-15.0"\n'
        'RP2,F,60,17,ng/mL,"préménopause 4,8-23,3 ; ménopause 4,0-15,0"\n'
        'RP3,F,60,17,ng/mL,"premenopausia 4.8-23.3; posmenopausia 4.0-15.0"\n'
        'RP4,F,60,17,ng/mL,"postmenopausal: 4.0-15.0"\n'
        f'RP5,F,30,28,ng/mL,"{cell}"\n'
        'RP6,F,60,17,ng/mL,"Postmenopause 4.0-15.0; Prämenopause 4.8-23.3"\n'
    )
    rows = _rows(triage_csv(tmp_path, text))
    for pid in ("RP1", "RP2", "RP3", "RP4", "RP6"):
        assert rows[pid]["status"] == "high", pid
        assert rows[pid]["reference_high_ng_ml"] == pytest.approx(15.0), pid
    assert rows["RP5"]["reference_source"] == "row"
    assert rows["RP5"]["reference_high_ng_ml"] == pytest.approx(23.3)
    assert rows["RP5"]["status"] == "high"


def test_a_pregnancy_group_is_never_a_non_pregnant_womans_interval(tmp_path: Path) -> None:
    """Only the pregnancy group written: a woman not known pregnant does not take 10-209."""
    text = HEADER + 'PG,F,30,40,ng/mL,"Schwangere 10-209"\n'
    row = _rows(triage_csv(tmp_path, text))["PG"]
    assert row["reference_source"] == "set"
    assert row["status"] == "high"  # 40 above the set's women's 30, not within 209
    assert "none is known to fit" in row["reference_note"]


@pytest.mark.parametrize(
    "cell",
    [
        "Kinder 3-25; Frauen 4.8-23.3; Männer 4.0-15.2",
        "children 3-25; women 4.8-23.3; men 4.0-15.2",
        "enfants 3-25 ; femmes 4,8-23,3 ; hommes 4,0-15,2",
        "niños 3-25; mujeres 4,8-23,3; hombres 4,0-15,2",
        "bambini 3-25; donne 4,8-23,3; uomini 4,0-15,2",
        "kinderen 3-25; vrouwen 4,8-23,3; mannen 4,0-15,2",
    ],
)
def test_a_childrens_group_is_a_childs_and_not_an_adults(tmp_path: Path, cell: str) -> None:
    text = HEADER + (f'W,F,35,24,ng/mL,"{cell}"\nM,M,40,16,ng/mL,"{cell}"\n')
    rows = _rows(triage_csv(tmp_path, text))
    assert rows["W"]["reference_high_ng_ml"] == pytest.approx(23.3)
    assert rows["W"]["status"] == "high"
    assert rows["M"]["reference_high_ng_ml"] == pytest.approx(15.2)
    assert rows["M"]["status"] == "high"


def test_unlabelled_and_unreadable_intervals_are_unchanged(tmp_path: Path) -> None:
    text = HEADER + (
        'A,F,60,17,ng/mL,"4.0-15.0"\n'  # no label: the row's own, whatever the state
        'B,F,60,17,ng/mL,"siehe Befund"\n'
        'C,F,60,17,ng/mL,"Frauen 4.8-23.3; Männer 4.0-15.2"\n'  # women's, no menopausal group
    )
    rows = _rows(triage_csv(tmp_path, text))
    assert rows["A"]["reference_high_ng_ml"] == pytest.approx(15.0)
    assert rows["B"]["reference_source"] == "set"
    assert "could not be read" in rows["B"]["reference_note"]
    assert rows["C"]["reference_high_ng_ml"] == pytest.approx(23.3)


# ------------------------------------------------------------------------------------------------
# A lower-case l typed for the I of IU / IE
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("mlU/L", "mIU/L"),
        ("mlU/l", "mIU/L"),
        ("µlU/mL", "µIU/mL"),
        ("μlU/ml", "µIU/mL"),
        ("mlE/l", "mIE/L"),  # German / Dutch
        ("µlE/ml", "µIE/mL"),
        ("lU/L", "IU/L"),
        ("mlU/ml", "mIU/mL"),  # read as mIU/mL is (not a prolactin unit)
    ],
)
def test_an_l_for_the_i_of_iu_is_read_as_the_unit_meant(typed: str, meant: str) -> None:
    assert normalise_unit(typed) == normalise_unit(meant)


@pytest.mark.parametrize("unit", ["ml/L", "µl/L", "ml", "mmol/L", "nl/l"])
def test_volumes_are_not_read_as_iu(unit: str) -> None:
    assert normalise_unit(unit) is None


@pytest.mark.parametrize("unit", ["mlU/L", "µlU/mL", "mlE/l", "mlU/l"])
def test_a_result_in_a_typed_unit_is_triaged(tmp_path: Path, unit: str) -> None:
    text = HEADER.replace(",reference_range", "") + f"U1,M,40,4700,{unit}\n"
    row = _rows(triage_csv(tmp_path, text))["U1"]
    assert row["prolactin_ng_ml"] == pytest.approx(4700 / 21.2, rel=0.01)
    assert row["priority"] == "soon"


# ------------------------------------------------------------------------------------------------
# A comparator in a column of its own
# ------------------------------------------------------------------------------------------------
COMPARATOR_HEADERS = [
    "Operator",
    "Comparator",
    "Qualifier",
    "Result qualifier",
    "Modifier",
    "Relation",
    "Prefix",
    "Vorzeichen",  # German
    "Signe",  # French
    "Operador",  # Spanish
    "Segno",  # Italian
    "Teken",  # Dutch
]


@pytest.mark.parametrize("header", COMPARATOR_HEADERS)
def test_a_comparator_column_qualifies_a_long_files_result(tmp_path: Path, header: str) -> None:
    """'>' beside 4700 mIU/L is a result above the assay's range: censored, urgent, as '>4700'
    in one cell is; never a plain 221.7 ng/mL seen 'soon'."""
    text = (
        f"Patient ID,Sex,Age,Test,{header},Result,Unit\n"
        "P1,M,40,Prolactin,>,4700,mIU/L\n"
        "P2,M,40,Prolactin,,300,mIU/L\n"
        "P3,F,30,Prolactin,<,50,mIU/L\n"
    )
    rows = _rows(triage_csv(tmp_path, text))
    assert rows["P1"]["qualifier"] == ">"
    assert rows["P1"]["priority"] == "urgent"
    assert rows["P2"]["qualifier"] in ("", None) or pd.isna(rows["P2"]["qualifier"])
    assert rows["P2"]["status"] == "normal"
    assert rows["P3"]["qualifier"] == "<"


@pytest.mark.parametrize(
    ("cell", "qualifier"),
    [
        (">", ">"),
        (">=", ">"),
        ("≥", ">"),
        ("greater than", ">"),
        ("größer als", ">"),
        ("supérieur à", ">"),
        ("mayor que", ">"),
        ("maggiore di", ">"),
        ("groter dan", ">"),
    ],
)
def test_a_comparator_column_qualifies_a_wide_files_result(
    tmp_path: Path, cell: str, qualifier: str
) -> None:
    text = (
        "Patient ID,Sex,Age,Prolactin,Operator,Unit\n"
        f"P1,M,40,4700,{cell},mIU/L\n"
        "P2,M,40,300,,mIU/L\n"
        "P3,F,30,50,<,mIU/L\n"
    )
    rows = _rows(triage_csv(tmp_path, text))
    assert rows["P1"]["qualifier"] == qualifier
    assert rows["P1"]["priority"] == "urgent"
    assert rows["P3"]["qualifier"] == "<"


def test_a_cell_that_is_no_comparator_changes_nothing_and_is_said(tmp_path: Path) -> None:
    from triage.io import ReadOptions, read_file

    path = tmp_path / "ops.csv"
    path.write_text(
        "Patient ID,Sex,Age,Prolactin,Operator,Unit\n"
        "P1,M,40,4700,>,mIU/L\nP2,M,40,300,,mIU/L\nP3,F,30,50,<,mIU/L\nP4,F,30,500,x,mIU/L\n",
        encoding="utf-8",
    )
    result = read_file(path, None, ReadOptions())  # type: ignore[arg-type]
    frame = result.frame.set_index("patient_id")
    assert frame.loc["P1", "qualifier"] == ">"
    assert frame.loc["P4", "qualifier"] in ("", None) or pd.isna(frame.loc["P4", "qualifier"])
    assert frame.loc["P4", "prolactin_value"] == 500
    assert any("1 cell(s) are no comparator (e.g. 'x')" in w for w in result.summary.warnings)


def test_an_operator_column_of_names_is_not_a_comparator(tmp_path: Path) -> None:
    """The technician who ran the test ('Operator': Max Muster) qualifies nothing."""
    text = (
        "Patient ID,Sex,Age,Prolactin,Operator,Unit\n"
        "P1,M,40,4700,Max Muster,mIU/L\nP2,M,40,300,Anna Bauer,mIU/L\nP3,F,30,50,J. Smith,mIU/L\n"
    )
    rows = _rows(triage_csv(tmp_path, text))
    assert rows["P1"]["priority"] == "soon"
    assert all(pd.isna(r["qualifier"]) or r["qualifier"] == "" for r in rows.values())


def test_the_cells_own_comparator_wins(tmp_path: Path) -> None:
    text = "Patient ID,Sex,Age,Prolactin,Operator,Unit\nP1,M,40,<5,>,mIU/L\nP2,M,40,300,,mIU/L\n"
    rows = _rows(triage_csv(tmp_path, text))
    assert rows["P1"]["qualifier"] == "<"


# ------------------------------------------------------------------------------------------------
# A number whose other reading is urgent, in a file that does not show its decimal mark
# ------------------------------------------------------------------------------------------------
SEMICOLON_HEADERS = [
    "Patient ID;Sex;Age;Prolactin;Unit",
    "Pat.-Nr.;Geschlecht;Alter;Prolaktin;Einheit",
    "N° dossier;Sexe;Âge;Prolactine;Unité",
    "NHC;Sexo;Edad;Prolactina;Unidad",
    "ID paziente;Sesso;Età;Prolattina;Unità",
    "Patiëntnummer;Geslacht;Leeftijd;Prolactine;Eenheid",
]


def _triage_file(tmp_path: Path, text: str) -> tuple[pd.DataFrame, list[object], list[str]]:
    from triage.pipeline import TriageRequest, run_triage

    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    done = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert done.results is not None
    return done.results, list(done.rejected), done.urgent


@pytest.mark.parametrize("header", SEMICOLON_HEADERS)
@pytest.mark.parametrize(
    ("cell", "unit"),
    [("6,250", "mIU/L"), ("1,250", "ng/mL"), ("12.500", "µg/L"), ("4.800", "ng/mL")],
)
def test_a_result_whose_other_reading_is_urgent_is_not_triaged_on_a_guess(
    tmp_path: Path, header: str, cell: str, unit: str
) -> None:
    """'6,250' mIU/L in a ;-separated export that shows no decimal mark is 6.25 (low) or 6250
    (urgent): rejected with the reason, and listed with the urgent results (it was triaged as a
    low 0.29 ng/mL, the doubt in a summary warning only)."""
    text = f"{header}\nP1;M;50;{cell};{unit}\nP2;F;30;350;mIU/L\n"
    results, rejected, urgent = _triage_file(tmp_path, text)
    assert results["patient_id"].tolist() == ["P2"]
    (row,) = rejected
    assert row.reason_code == "ambiguous_decimal_mark"  # type: ignore[attr-defined]
    assert row.possibly_urgent  # type: ignore[attr-defined]
    assert "does not show its decimal mark" in row.detail  # type: ignore[attr-defined]
    assert any("P1" in line for line in urgent)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # the file shows its mark (a TSH with a decimal comma): 6,250 ng/mL is 6.25 (in mIU/L,
        # reported in whole numbers, it is not triaged on the TSH's mark: review 20)
        ("Patient ID;Sex;Age;Prolactin;Unit;TSH\nP1;M;50;6,250;ng/mL;2,15\n", 6.25),
        ("Patient ID;Sex;Age;Prolactin;Unit;TSH\nP1;M;50;6.250;mIU/L;2,15\n", 6250.0),
        # the result column shows it itself (in ng/mL: a mIU/L "6,250" the column alone would
        # read as 6.25 is ambiguous_decimal_mark since review 27, tests/test_review27_marks_flags)
        ("Patient ID;Sex;Age;Prolactin;Unit\nP1;M;50;6,250;ng/mL\nP2;M;50;12,5;ng/mL\n", 6.25),
        # one reading only is plausible (2.4 IU/L = 2400 mIU/L, not 2400 IU/L): read, and the
        # doubt said (2,400 mIU/L, reported in whole numbers, is not read as 2.4: review 20)
        ("Patient ID;Sex;Age;Prolactin;Unit\nP1;M;50;2,400;IU/L\n", 2400.0),
        # read as a whole number in mIU/L (the ;-export's ',' and mIU/L's whole numbers agree)
        ("Patient ID;Sex;Age;Prolactin;Unit\nP1;M;50;6.250;mIU/L\n", 6250.0),
        # no separator at all
        ("Patient ID;Sex;Age;Prolactin;Unit\nP1;M;50;6250;mIU/L\n", 6250.0),
    ],
)
def test_a_result_the_file_decides_is_triaged(tmp_path: Path, text: str, value: float) -> None:
    results, rejected, _ = _triage_file(tmp_path, text)
    assert not [r for r in rejected if r.reason_code == "ambiguous_decimal_mark"]  # type: ignore[attr-defined]
    p1 = results[results["patient_id"] == "P1"].iloc[0]
    assert p1["prolactin_value"] == pytest.approx(value)


def test_a_mapping_files_decimal_mark_decides(tmp_path: Path) -> None:
    from triage.pipeline import TriageRequest, run_triage

    path = tmp_path / "export.csv"
    path.write_text("Patient ID;Sex;Age;Prolactin;Unit\nP1;M;50;6,250;mIU/L\n", encoding="utf-8")
    mapping = tmp_path / "map.toml"
    mapping.write_text('[input]\ndecimal = "."\n', encoding="utf-8")
    done = run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", columns=mapping, keep_results=True)
    )
    assert done.results is not None
    assert done.results["prolactin_value"].tolist() == [6250.0]
    assert done.results["priority"].tolist() == ["urgent"]
