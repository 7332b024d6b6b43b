"""Review 21: which columns of a research-cohort export hold prolactin results, and their dates.

1. A column derived from the results or from the assay run ("prolactin_auc" 2400, "prl_lod"
   0.5, "log10_prl", "prl_qc", "Prolaktin Mittelwert" ...) was read as a further prolactin
   result of the row: a false urgent (2400 ng/mL, macroprolactinoma suspected) or a false low.
   It is no measurement: not read, and named with the reason; "prl_v1", "prl_bl", "prl_m6",
   "PRL_2", "prl_ngml" stay results.
2. A result "above the upper limit of quantitation" without its number (">ULOQ", "ALQ", "ULOQ
   exceeded", "> LSQ" ...) was "not a number" and left out of the urgent list, while ">ULN" and
   "> Messbereich" were in it (contract extensions, urgent.txt: above the measuring range, no
   number); one below the detection or quantitation limit ("<LOD", "BLQ", "< NWG", "< LQ") was
   "not a number" too: it is a low result whose value is unknown, and the rejection says so.
3. Per-visit date columns ("date_v1" / "date_v2", "date_bl", "Fecha V1", "Datum 1",
   "date_visite_1" ...) were left unread: every visit's result undated (contract §5
   collected_at).  Each result is dated from its own visit's column, wherever it stands.
4. A visit label kept the unit of its header ("prl_ngml_bl" -> "ngml_bl"): the label is the
   header without the prolactin word and the unit (docs/output-contract-extensions.md), and the
   unit of the header is still the result's unit.
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.io import ReadOptions
from triage.pipeline import TriageOutcome, TriageRequest, run_triage


def _run(
    tmp_path: Path, text: str, *, unit: str | None = None, fail_on: str | None = None
) -> TriageOutcome:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "cohort.csv"
    path.write_text(text, encoding="utf-8")
    return run_triage(
        TriageRequest(
            inputs=[path],
            out_dir=tmp_path / "out",
            keep_results=True,
            read_options=ReadOptions(unit=unit),
            fail_on=fail_on,
        )
    )


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results


# 1. Derived columns ----------------------------------------------------------------------------

# (header, the row's cells: results first, then derived values, derived headers)
DERIVED = [
    pytest.param(
        "id,sex,age,prl_v1,prl_v2,prl_auc,prl_lod,prl_loq,log10_prl,prl_tmax,prl_cmax,prl_slope,"
        "prl_pred,prl_imputed,prl_pctl,prl_min,prl_max,prl_mean,prl_sd,prl_bl_adj,prl_delta,"
        "prl_pct_change,prl_zscore,prl_plate,prl_well,prl_qc,prl_cv,prl_batch",
        "P1,F,30,20,22,2400,0.5,0.5,1.3,30,950,0.8,640,880,97,0.4,1200,21,3.2,900,2,10,2.1,7,"
        "12,1100,4.5,3",
        {"v1", "v2"},
        id="english-cohort",
    ),
    pytest.param(
        "id,sex,age,prolactin,prolactin_auc,ln_prl,Prolaktin (log),prl_change",
        "P1,F,30,20,2400,7.8,1.3,300",
        {""},
        id="one-result-and-transforms",
    ),
    pytest.param(
        "id,sex,age,Prolaktin,Prolaktin Mittelwert,Prolaktin Nachweisgrenze,moyenne prolactine,"
        "media prolactina,gemiddelde prolactine",
        "P1,F,30,20,900,0.6,950,1000,1100",
        {""},
        id="mean-and-limits-in-five-languages",
    ),
    pytest.param(
        "id,sex,age,prl_ngml,prl_ngml_auc,prl_ngml_max",
        "P1,F,30,20,2400,900",
        {""},
        id="unit-glued-header-stays-the-result",
    ),
]


@pytest.mark.parametrize(("header", "cells", "visits"), DERIVED)
def test_a_column_derived_from_the_results_is_no_result(
    tmp_path: Path, header: str, cells: str, visits: set[str]
) -> None:
    """Only the measured results are triaged (no 2400 ng/mL urgent, no 0.5 low); each derived
    column is named as not used, with the reason."""
    second = "P2,M,41" + cells.removeprefix("P1,F,30")
    outcome = _run(tmp_path, f"{header}\n{cells}\n{second}\n", unit="ng/mL")
    results = _results(outcome)
    p1 = results[results["patient_id"] == "P1"]
    assert set(p1["visit"].fillna("")) == visits
    assert set(p1["prolactin_ng_ml"]) <= {20.0, 22.0}
    assert outcome.urgent == []
    summary = outcome.inputs[0]
    derived = header.split(",")[3 + len(visits) :]
    for name in derived:
        assert name in summary.unmapped_headers
        assert any(
            f"{name!r} not used as prolactin" in w and "derived from the result" in w
            for w in summary.warnings
        ), name


def test_visit_repeat_and_unit_headers_stay_results(tmp_path: Path) -> None:
    """prl_v1, prl_bl, prl_m6 and PRL_2 are visits of a series (each triaged), and "prl_min" is
    a minimum while "prolactin_0min" / "prolactin_30min" are time points of a timed series."""
    text = "id,sex,age,prl_v1,prl_bl,prl_m6,PRL_2,prl_min\nP1,F,30,20,21,22,900,0.3\n"
    results = _results(_run(tmp_path / "a", text, unit="ng/mL"))
    assert results["visit"].tolist() == ["v1", "bl", "m6", "2"]
    assert results["prolactin_ng_ml"].tolist() == [20.0, 21.0, 22.0, 900.0]
    timed = _run(
        tmp_path / "b",
        "id,sex,age,prolactin_0min,prolactin_30min\nP1,F,30,20,21\n",
        unit="ng/mL",
    )
    assert [r.reason_code for r in timed.rejected] == ["other_test", "other_test"]
    assert all("timed prolactin series" in r.detail for r in timed.rejected)


def test_a_long_files_derived_test_is_no_result(tmp_path: Path) -> None:
    """The same class in a long file: "Prolactin AUC" 9000 is no prolactin result."""
    text = (
        "id,sex,age,date,test,result,unit\n"
        "P1,F,30,2026-01-10,Prolactin,300,mIU/L\n"
        "P2,F,30,2026-01-10,Prolactin AUC,9000,mIU/L\n"
        "P3,F,30,2026-01-10,log Prolactin,3.9,mIU/L\n"
        "P4,F,30,2026-01-10,Prolaktin Mittelwert,9000,mIU/L\n"
    )
    outcome = _run(tmp_path, text)
    assert _results(outcome)["patient_id"].tolist() == ["P1"]
    assert outcome.urgent == []
    assert {r.patient_id: r.reason_code for r in outcome.rejected} == {
        "P2": "other_test",
        "P3": "other_test",
        "P4": "other_test",
    }


# 2. Results beyond the limits of quantitation -------------------------------------------------

ABOVE = [">ULOQ", "ALQ", "above ULOQ", "> ULQ", ">ALQ", "AULQ", "ULOQ exceeded", "OOR >",
         "Out of range high", "> obere Bestimmungsgrenze", "> LSQ", "> LSC"]  # fmt: skip
BELOW = ["<LOD", "<LLOQ", "BLQ", "<NWG", "< LQ", "< LD", "< BG", "< LOQ", "OOR <",
         "nicht nachweisbar", "non détecté", "Nachweisgrenze unterschritten",
         "inf. à la limite de détection", "por debajo del límite de detección",
         "sotto il limite di rilevabilità", "onder de detectiegrens"]  # fmt: skip
OTHER = ["haemolysed", "clotted", "see comment", "low volume"]


def _unread(cell: str) -> str:
    """How an OTHER cell's rejection begins: "see comment" points to a note (review 23, fix168:
    its note's value is read where it gives one; these rows have no note), the others are not a
    number."""
    return (
        f"prolactin {cell!r} points to the note"
        if cell == "see comment"
        else f"prolactin {cell!r} is not a number"
    )


def _limit_cells_file(cells: list[str]) -> str:
    lines = ["id,sex,age,prl_mIU_L"]
    for k, cell in enumerate(cells):  # numbers around them: the column holds results
        lines += [f"W{k},F,30,{cell}", f"N{k},F,30,{200 + k}", f"M{k},M,40,{150 + k}"]
    return "\n".join(lines) + "\n"


def test_above_the_upper_limit_of_quantitation_is_listed_as_possibly_urgent(
    tmp_path: Path,
) -> None:
    """No number, yet above every assay's upper limit: listed with the urgent results (as
    ">ULN" and "> Messbereich" are) and --fail-on urgent matches (exit 10)."""
    outcome = _run(tmp_path, _limit_cells_file([*ABOVE, *OTHER]), fail_on="urgent")
    rejected = {r.patient_id: r for r in outcome.rejected}
    urgent = " ".join(outcome.urgent)
    for k, cell in enumerate(ABOVE):
        assert rejected[f"W{k}"].reason_code == "unparseable_result"
        assert "above the measuring range" in rejected[f"W{k}"].detail, cell
        assert f"URGENT patient W{k} |" in urgent, cell
    for k, cell in enumerate(OTHER, start=len(ABOVE)):
        assert rejected[f"W{k}"].detail.startswith(_unread(cell))
        assert f"URGENT patient W{k} |" not in urgent
    assert outcome.exit_code == 10


def test_above_uloq_after_a_number_is_a_lower_bound(tmp_path: Path) -> None:
    text = "id,sex,age,prl_mIU_L\nA1,F,30,4700 (> ULOQ)\nA2,F,30,300\nA3,M,40,200\n"
    results = _results(_run(tmp_path, text)).set_index("patient_id")
    assert results.loc["A1", "qualifier"] == ">"
    assert results.loc["A1", "priority"] == "urgent"


def test_below_the_detection_or_quantitation_limit_says_so(tmp_path: Path) -> None:
    """A low result of unknown value: rejected with that reason, never "not a number", and
    never listed as urgent; unrelated words stay "not a number"."""
    outcome = _run(tmp_path, _limit_cells_file([*BELOW, *OTHER]))
    rejected = {r.patient_id: r for r in outcome.rejected}
    for k, cell in enumerate(BELOW):
        detail = rejected[f"W{k}"].detail
        assert rejected[f"W{k}"].reason_code == "unparseable_result"
        assert "below the limit of quantitation or detection, no value" in detail, cell
        assert "not a number" not in detail
    for k, cell in enumerate(OTHER, start=len(BELOW)):
        assert rejected[f"W{k}"].detail.startswith(_unread(cell))
    assert outcome.urgent == []


# 3. Per-visit date columns --------------------------------------------------------------------

VISIT_DATES = [
    pytest.param("date_v1,prl_v1,date_v2,prl_v2", "2026-01-10,20,2026-07-10,30", id="date_v1"),
    pytest.param("Date V1,PRL V1,Date V2,PRL V2", "2026-01-10,20,2026-07-10,30", id="Date V1"),
    pytest.param("v1_date,prl_v1,v2_date,prl_v2", "2026-01-10,20,2026-07-10,30", id="v1_date"),
    pytest.param("prl_bl,prl_m6,date_bl,date_m6", "20,30,2026-01-10,2026-07-10", id="date_bl"),
    pytest.param("bl_date,prl_bl,m6_date,prl_m6", "2026-01-10,20,2026-07-10,30", id="bl_date"),
    pytest.param("Fecha V1,PRL V1,Fecha V2,PRL V2", "10/01/2026,20,10/07/2026,30", id="Fecha"),
    pytest.param("Datum 1,Prolaktin 1,Datum 2,Prolaktin 2", "10.01.2026,20,10.07.2026,30", id="D1"),
    pytest.param(
        "date_visite_1,prolactine_visite_1,date_visite_2,prolactine_visite_2",
        "10/01/2026,20,10/07/2026,30",
        id="date_visite_1",
    ),
    pytest.param("data_v1,prl_v1,data_v2,prl_v2", "10/01/2026,20,10/07/2026,30", id="data_v1"),
    pytest.param(  # the dates in the other order than the results: each by its visit
        "prl_v1,prl_v2,visit_date_v2,visit_date_v1", "20,30,2026-07-10,2026-01-10", id="reversed"
    ),
]


@pytest.mark.parametrize(("header", "cells"), VISIT_DATES)
def test_each_visits_result_is_dated_from_its_own_date_column(
    tmp_path: Path, header: str, cells: str
) -> None:
    outcome = _run(tmp_path, f"id,sex,age,{header},unit\nP1,F,30,{cells},ng/mL\n")
    results = _results(outcome).sort_values("prolactin_ng_ml")
    assert results["prolactin_ng_ml"].tolist() == [20.0, 30.0]
    assert [str(d)[:10] for d in results["collected_at"]] == ["2026-01-10", "2026-07-10"]
    dates = [h for h in header.split(",") if "prl" not in h.lower() and "prola" not in h.lower()]
    assert not set(dates) & set(outcome.inputs[0].unmapped_headers)


def test_a_visit_without_its_own_date_column_is_left_undated(tmp_path: Path) -> None:
    """prl_m12 has no date_m12: never dated with another visit's date; "Datum Ende" (an end
    date) and "date_year" name no visit and no sample date; with one result column, "Datum"
    stays the sample's date beside "Datum 2", as before."""
    text = (
        "id,sex,age,prl_bl,prl_m6,prl_m12,date_bl,date_m6,unit\n"
        "P1,F,30,20,30,40,2026-01-10,2026-07-10,ng/mL\n"
    )
    results = _results(_run(tmp_path / "a", text)).set_index("visit")
    assert pd.isna(results.loc["m12", "collected_at"])
    assert str(results.loc["m6", "collected_at"])[:10] == "2026-07-10"
    other = "id,sex,age,Datum Ende,date_year,prolactin\nP1,F,30,2026-01-10,2026-01-02,20\n"
    outcome = _run(tmp_path / "b", other, unit="ng/mL")
    assert "collected_at" not in outcome.inputs[0].mapping
    assert pd.isna(_results(outcome)["collected_at"].iloc[0])
    plain = "id,sex,age,Datum,Datum 2,Prolaktin\nP1,F,30,2026-01-10,2026-01-20,20\n"
    outcome = _run(tmp_path / "c", plain, unit="ng/mL")
    assert outcome.inputs[0].mapping["collected_at"] == "Datum"
    assert str(_results(outcome)["collected_at"].iloc[0])[:10] == "2026-01-10"


# 4. Visit labels without the unit -------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "labels", "units"),
    [
        ("prl_ngml_bl,prl_ngml_m6,PRL_mIU_L_V2", ["bl", "m6", "V2"], ["ng/mL", "ng/mL", "mIU/L"]),
        ("prl_ug_l_v1,PRL ng/ml V2,prl_mUL_m12", ["v1", "V2", "m12"], ["µg/L", "ng/mL", "mU/L"]),
    ],
)
def test_a_visit_label_drops_the_unit_its_header_writes(
    tmp_path: Path, header: str, labels: list[str], units: list[str]
) -> None:
    """The label names the visit (part of a result's identity in the history); the unit of the
    header is still the result's: 400 mIU/L is 18.9 ng/mL, not 400 ng/mL."""
    outcome = _run(tmp_path, f"id,sex,age,{header}\nP1,F,30,20,25,400\n")
    results = _results(outcome)
    assert results["visit"].tolist() == labels
    assert results["source_column"].fillna("").tolist() == ["", *labels[1:]]
    assert results["unit_raw"].tolist() == units
    assert results["prolactin_ng_ml"].tolist()[:2] == [20.0, 25.0]
    assert results["prolactin_ng_ml"].tolist()[2] == pytest.approx(400 / 21.2, abs=0.01)
    assert not any("no conversion of each other" in w for w in outcome.inputs[0].warnings)
