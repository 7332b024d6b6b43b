"""Review 19: newborns and infants whose age is a word, and the limit a neonate is compared with.

- An age written as a word for a stage of life ("newborn", "Neugeborenes", "NG", "nouveau-né",
  "recién nacido", "neonato", "pasgeborene", "neonate", "NB"; "Säugling", "infant",
  "nourrisson", "lactante") was rejected as `unreadable_age` and announced as possibly urgent
  ("may be above 5000 mIU/L"); where such words were most of the column, the column was dropped
  as "not ages" and even a 3-day-old girl's 300 ng/mL was judged as an adult's: urgent,
  prolactinoma likely, a pregnancy test.  Now such a word is an age known only to be under the
  stage's span (synonyms.toml [values.age_words]; thresholds.toml newborn_word_max_age_days,
  infant_max_age_years), judged as an age of "0 months" or "0 y" is: against every interval of
  that span, normal only within every one (clinical-reference §2.1: Perlman 1978, day-1 mean
  267 ng/mL, weeks 2-4 ~69; CALIPER 4-29 days 12.6-212.8, 30 days-<1 year 6.3-113.7).  A
  newborn's 150 ng/mL is normal; its 300 ng/mL is within the first days' limit (500) but above
  CALIPER's from day 4, so it is indeterminate (soon until the age in days is known), never a
  false normal at three weeks and never urgent by the adult level (contract §7).  An infant word
  is never given the neonatal limit alone: within every interval of the first year it is normal,
  else indeterminate.
- A neonate's evidence compared the result with the adult limit by sex ("above the usual limit
  18" for a boy, "30" for a girl or an unknown sex) and listed the neonatal period even for a
  result that nothing raised (a 2-day-old boy at 15 ng/mL).  The limit a neonate would have
  outside the neonatal period is the later infant's (CALIPER 30 days-<1 year, 113.7 ng/mL),
  whatever the sex; within it nothing is raised and nothing is listed (review 14).

Synthetic patients only.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, write_table

from triage.pipeline import TriageRequest, run_triage

HEADER = "patient_id,sex,age,prolactin,unit"


def _run(tmp_path: Path, header: str, lines: list[str], name: str = "export.csv"):
    path = tmp_path / name
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def _results(tmp_path: Path, header: str, lines: list[str]) -> pd.DataFrame:
    outcome = _run(tmp_path, header, lines)
    assert not outcome.rejected, [(r.source_row, r.detail) for r in outcome.rejected]
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c]


NEWBORN_WORDS = [
    "newborn",
    "neonate",
    "NB",
    "Neugeborenes",
    "NG",
    "nouveau-né",
    "Nouveau-née",
    "recién nacido",
    "RN",
    "neonato",
    "neonata",
    "pasgeborene",
]
INFANT_WORDS = ["infant", "Säugling", "nourrisson", "lactante", "lattante", "zuigeling"]


def test_newborn_words_in_six_languages_are_the_first_month(tmp_path: Path) -> None:
    """150 ng/mL is within every interval of the first month (≤ 500 in the first days,
    12.6-212.8 from day 4): normal, none, judged against the neonatal strata, never the adult
    interval; no row rejected, nothing announced as urgent."""
    lines = [f"W{i},{'MF'[i % 2]},{word},150,ng/mL" for i, word in enumerate(NEWBORN_WORDS)]
    results = _results(tmp_path, HEADER, lines)
    for i, word in enumerate(NEWBORN_WORDS):
        row = results.loc[f"W{i}"]
        assert (row["status"], row["priority"]) == ("normal", "none"), word
        strata = str(row["reference_stratum"])
        assert "neonate_0_4d" in strata and "neonate_4_30d" in strata, word
        assert "adult" not in strata and "infant_3m_1y" not in strata, word
        assert "Age 0 without days" in row["reference_note"], word
        assert not _codes(row["factors"]), word


def test_a_newborn_at_300_is_not_urgent_nor_a_prolactinoma(tmp_path: Path) -> None:
    """The reviewer's row (a newborn boy at 300 ng/mL): within the first days' limit, above
    CALIPER's from day 4, so the age in days decides: indeterminate and soon, the neonatal
    period possible; no prolactinoma, no testosterone, no pregnancy test, not urgent.  Above
    every neonatal limit (600: beyond the first days' 500 too) it is high and urgent (contract
    §7: no age of the neonatal period explains it; review 24, before soon)."""
    lines = [
        "X,M,newborn,300,ng/mL",
        "Xf,F,nouveau-né,300,ng/mL",
        "Xes,F,recién nacido,300,ng/mL",
        "Xde,M,Neugeborenes,600,ng/mL",
        "Xnl,F,pasgeborene,12720,mIU/L",
    ]
    outcome = _run(tmp_path, HEADER, lines)
    assert not outcome.rejected
    results = outcome.results.set_index("patient_id")
    for pid in ("X", "Xf", "Xes"):
        row = results.loc[pid]
        assert (row["status"], row["priority"]) == ("indeterminate", "soon"), pid
        assert _codes(row["factors"]) == ["neonatal"], pid
        assert "neonatal (possible)" in row["factor_evidence"], pid
    for pid in ("Xde", "Xnl"):
        assert (results.loc[pid, "status"], results.loc[pid, "priority"]) == ("high", "urgent")
    for pid, row in results.iterrows():
        assert not {"prolactinoma_suspected", "macroprolactinoma_suspected"} & set(
            _codes(row["factors"])
        ), pid
        assert not {"testosterone", "pregnancy_test"} & set(_codes(row["suggestions"])), pid
    urgent = (tmp_path / "out" / "urgent.txt").read_text(encoding="utf-8")
    assert "patient Xde" in urgent and "patient X " not in urgent


def test_a_column_mostly_of_stage_words_stays_the_age_column(tmp_path: Path) -> None:
    """Most cells words: the column was discarded as "not ages" and a 3-day-old girl's
    300 ng/mL became an adult's (urgent, prolactinoma likely, pregnancy test).  The column
    stays the age column: the 3-day-old is judged against the first days' interval (normal,
    none), the adult against the adult one."""
    lines = [
        "X01,M,35,12,ng/mL",
        "X02,F,3 days,300,ng/mL",
        *[f"N{i},F,{word},100,ng/mL" for i, word in enumerate(NEWBORN_WORDS[:6])],
        "I1,F,Säugling,90,ng/mL",
        "I2,F,infant,90,ng/mL",
    ]
    outcome = _run(tmp_path, HEADER, lines)
    warnings = " ".join(w for s in outcome.inputs for w in s.warnings)
    assert "not ages" not in warnings
    results = outcome.results.set_index("patient_id")
    girl = results.loc["X02"]
    assert girl["reference_stratum"] == "default:neonate_0_4d"
    assert (girl["status"], girl["priority"]) == ("normal", "none")
    assert "pregnancy_test" not in _codes(girl["suggestions"])
    assert results.loc["X01", "reference_stratum"] == "default:adult_male"
    for pid in ("N0", "N5", "I1", "I2"):
        assert results.loc[pid, "priority"] == "none", pid
        assert "adult" not in str(results.loc[pid, "reference_stratum"]), pid


def test_infant_words_are_judged_against_every_interval_of_the_first_year(
    tmp_path: Path,
) -> None:
    """An infant of unknown age within the first year is never given the neonatal limit alone
    (the choice made here: every interval of the first year, as an age of "0 y").  90 ng/mL is
    within all of them (the narrowest, CALIPER 30 days-<1 year, 113.7): normal, none.  300 ng/mL
    is within the first days' limit only: indeterminate, soon (the age in days decides), never
    normal and never urgent by the adult level (review 17)."""
    lines = [f"I{i},F,{word},90,ng/mL" for i, word in enumerate(INFANT_WORDS)]
    lines += [f"H{i},M,{word},300,ng/mL" for i, word in enumerate(INFANT_WORDS)]
    results = _results(tmp_path, HEADER, lines)
    for i, word in enumerate(INFANT_WORDS):
        low, high = results.loc[f"I{i}"], results.loc[f"H{i}"]
        assert "infant_3m_1y" in str(low["reference_stratum"]), word
        assert "neonate_0_4d" in str(low["reference_stratum"]), word
        assert (low["status"], low["priority"]) == ("normal", "none"), word
        assert float(low["reference_high_ng_ml"]) == 113.7, word
        assert (high["status"], high["priority"]) == ("indeterminate", "soon"), word
        assert "under one year" in high["reference_note"], word


def test_a_stage_word_with_its_age_written_after_it(tmp_path: Path) -> None:
    """The duration after the word is the age when it lies within the stage ("Säugling 3
    Monate": the 3-month-1-year interval; "nouveau-né de 3 jours": the first days'); one
    beyond the stage ("Säugling 2 Jahre") contradicts it and is rejected (unreadable_age), never
    judged as either."""
    lines = [
        "A,M,Säugling 3 Monate,90,ng/mL",
        "B,F,nouveau-né de 3 jours,300,ng/mL",
        "C,M,newborn 2 days,300,ng/mL",
        "D,F,recién nacido 2 días,300,ng/mL",
        "E,M,nourrisson de 6 mois,90,ng/mL",
        "F,M,Säugling 2 Jahre,90,ng/mL",
    ]
    outcome = _run(tmp_path, HEADER, lines)
    assert [(r.patient_id, r.reason_code) for r in outcome.rejected] == [("F", "unreadable_age")]
    results = outcome.results.set_index("patient_id")
    assert results.loc["A", "reference_stratum"] == "default:infant_3m_1y"
    assert results.loc["E", "reference_stratum"] == "default:infant_3m_1y"
    for pid in ("B", "C", "D"):
        row = results.loc[pid]
        assert row["reference_stratum"] == "default:neonate_0_4d", pid
        assert (row["status"], row["priority"]) == ("normal", "none"), pid


def test_lookalikes_are_not_stage_words(tmp_path: Path) -> None:
    """Only whole cells: "ng" and "nb" in lower case (a unit, "nota bene"), "n.g.", "NGO",
    "infantile", "newborn screening" stay unreadable ages (rejected, never a neonate's
    interval), and a stage word in the notes says nothing of the age column."""
    lines = [f"L{i},F,{cell},150,ng/mL" for i, cell in enumerate(["ng", "nb", "n.g.", "NGO"])]
    lines += ["L4,F,infantile,150,ng/mL", "L5,F,newborn screening,150,ng/mL"]
    lines += [f"A{i},F,{30 + i},12,ng/mL" for i in range(8)]  # the column holds ages
    outcome = _run(tmp_path, HEADER, lines)
    assert sorted(r.patient_id for r in outcome.rejected) == [f"L{i}" for i in range(6)]
    assert {r.reason_code for r in outcome.rejected} == {"unreadable_age"}
    adult = _results(
        tmp_path,
        HEADER + ",comments",
        [f"M,F,30,150,ng/mL,{csv_quoted('mother of a newborn; Säugling zu Hause')}"],
    ).loc["M"]
    assert adult["reference_stratum"] == "default:adult_female"
    assert adult["status"] == "high"


def test_a_birth_date_decides_over_a_stage_word(tmp_path: Path) -> None:
    """With a birth date and a sample date the age is known to the day: a newborn of 20 days
    at 300 ng/mL is high (above the limit falling towards CALIPER's 212.8), not indeterminate;
    above the urgent level and beyond what the neonatal period explains: urgent (review 24)."""
    header = "patient_id,sex,age,birth_date,collected_at,prolactin,unit"
    results = _results(tmp_path, header, ["B,F,newborn,2026-10-01,2026-10-21,300,ng/mL"])
    row = results.loc["B"]
    assert row["reference_stratum"] == "default:neonate_4_30d"
    assert row["status"] == "high" and row["priority"] == "urgent"


def test_stage_words_in_a_spreadsheet(tmp_path: Path) -> None:
    """The same words in an xlsx age column (German and Dutch headers)."""
    path = write_table(
        tmp_path / "export.xlsx",
        [
            ["Patient", "Geschlecht", "Alter", "Prolaktin", "Einheit"],
            ["S1", "M", "Neugeborenes", 150, "ng/mL"],
            ["S2", "W", "NG", 150, "ng/mL"],
            ["S3", "W", "Säugling", 90, "ng/mL"],
            ["S4", "M", "zuigeling", 90, "ng/mL"],
        ],
    )
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert not outcome.rejected
    results = outcome.results.set_index("patient_id")
    for pid in ("S1", "S2", "S3", "S4"):
        assert results.loc[pid, "priority"] == "none", pid
        assert "neonate_0_4d" in str(results.loc[pid, "reference_stratum"]), pid


NEONATE_HEADER = "patient_id,sex,age,prolactin,unit,symptoms"


def test_a_neonate_is_not_compared_with_an_adult_limit_by_sex(tmp_path: Path) -> None:
    """Normal values that nothing raises (a 2-day-old boy at 15, a 5-week-old girl at 25, a
    2-day-old of unknown sex at 60) list no factor; a 2-day-old at 300 lists the neonatal
    period as likely with the same evidence whatever the sex: within the neonatal interval,
    above the limit after the neonatal period (113.7 ng/mL), never "the usual limit 18" or
    "30"."""
    lines = [
        "B15,M,2 days,15,ng/mL,",
        "G25,F,5 weeks,25,ng/mL,",
        "U60,,2 days,60,ng/mL,",
        "G10,F,10 Tage,5,ng/mL,",
        "B300,M,2 days,300,ng/mL,",
        "G300,F,2 days,300,ng/mL,",
        "U300,,2 days,300,ng/mL,",
    ]
    results = _results(tmp_path, NEONATE_HEADER, lines)
    for pid in ("B15", "G25", "U60", "G10"):
        row = results.loc[pid]
        assert row["status"] in ("normal", "low") and row["priority"] == "none", pid
        assert not _codes(row["factors"]), (pid, row["factor_evidence"])
    evidence = set()
    for pid in ("B300", "G300", "U300"):
        row = results.loc[pid]
        assert (row["status"], row["priority"]) == ("normal", "none"), pid
        assert _codes(row["factors"]) == ["neonatal"], pid
        text = str(row["factor_evidence"])
        assert "neonatal (likely)" in text, pid
        assert "limit after the neonatal period 113.7" in text, pid
        assert "usual limit" not in text, pid
        assert not re.search(r"limit (?:18|30)\b", text), pid
        evidence.add(text)
    assert len(evidence) == 1  # the sex changes nothing


def test_a_neonate_with_a_red_flag_is_judged_against_the_infant_limit(tmp_path: Path) -> None:
    """A red flag is urgent with a result raised for the age outside the neonatal period (300
    ng/mL at 2 days, above 113.7), and its reason names that limit, not pregnancy; within it
    (60 ng/mL) the flag still needs urgent referral advice but the result is not raised:
    soon (review 14's rule for a red flag with a result that is not raised)."""
    lines = [
        "R300,M,2 days,300,ng/mL,visual field loss",
        "R60,M,2 days,60,ng/mL,visual field loss",
    ]
    results = _results(tmp_path, NEONATE_HEADER, lines)
    raised, calm = results.loc["R300"], results.loc["R60"]
    assert raised["priority"] == "urgent"
    details = {d["code"]: d["reason"] for d in raised["suggestion_details"]}
    reason = details["urgent_endocrine_referral"]
    assert "above the limit after the neonatal period 113.7" in reason
    assert "pregnancy" not in reason
    assert calm["priority"] == "soon"
    assert _codes(calm["suggestions"])[0] == "urgent_endocrine_referral"
