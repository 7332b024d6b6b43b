"""Review 28 (hunter AO): CDISC exports of a trial's central laboratory.

SDTM LB is the standard long export (one row per test: LBTESTCD, LBTEST, LBORRES, LBORRESU,
LBORNRLO/LBORNRHI, LBNRIND, LBDTC); DM gives SEX, AGE, AGEU, BRTHDTC; CM gives the concomitant
medications with their start, end and "ongoing" (CMTRT, CMSTDTC, CMENDTC, CMONGO), joined to
the lab rows one row per drug.  Clinical-reference §2.2: the lab's own interval is preferred;
§7/§8: urgent above 5,000 mIU/L, a drug effect only when the culprit drug is taken at the
sample (3-day washout); contract §2: the long shape and any common synonym of a header.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv_warned

from triage.pipeline import TriageOutcome, TriageRequest, run_triage

LB_HEADER = (
    "STUDYID,DOMAIN,USUBJID,SUBJID,SITEID,SEX,AGE,AGEU,VISIT,VISITNUM,LBSEQ,LBTESTCD,LBTEST,"
    "LBORRES,LBORRESU,LBSTRESN,LBSTRESU,LBORNRLO,LBORNRHI,LBNRIND,LBDTC"
)


def _lb_row(
    subject: str,
    sex: str,
    age: int,
    testcd: str,
    test: str,
    result: str,
    unit: str,
    when: str,
    *,
    low: str = "",
    high: str = "",
    flag: str = "",
    seq: int = 1,
) -> str:
    standard = result if result.replace(".", "", 1).isdigit() else ""
    return (
        f"TRL-301,LB,TRL-301-{subject},{subject},{subject[:4]},{sex},{age},YEARS,Week 4,4,{seq},"
        f"{testcd},{test},{result},{unit},{standard},{unit},{low},{high},{flag},{when}"
    )


def _outcome(tmp_path: Path, text: str) -> TriageOutcome:
    path = tmp_path / "lb.csv"
    path.write_text(text, encoding="utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


# --- section 2: an SDTM LB long export is read without a mapping -----------------------------


@pytest.mark.parametrize(
    ("result", "unit", "ng_ml"),
    [
        ("312.5", "ug/L", 312.5),  # above 236 ng/mL (5,000 mIU/L / 21.2)
        ("5620", "mIU/L", 265.1),
        ("6100", "uIU/mL", 287.7),
    ],
)
def test_sdtm_lb_long_export_is_triaged_and_an_urgent_result_surfaces(
    tmp_path: Path, result: str, unit: str, ng_ml: float
) -> None:
    text = "\n".join(
        [
            LB_HEADER,
            _lb_row("0012-003", "F", 34, "PRL", "Prolactin", "18.2", "ug/L", "2026-09-01T08:30"),
            _lb_row("0012-003", "F", 34, "TSH", "Thyrotropin", "2.1", "mIU/L", "2026-09-01T08:30"),
            _lb_row("0012-004", "M", 51, "PRL", "Prolactin", result, unit, "2026-10-02T09:00"),
            _lb_row("0012-004", "M", 51, "CREAT", "Creatinine", "88", "umol/L", "2026-10-02T09:00"),
            _lb_row("0012-005", "F", 29, "PRL", "Prolactin", "<LLOQ", "ug/L", "2026-10-03T10:00"),
            _lb_row("0012-006", "F", 41, "PRL", "Prolactin", "", "ug/L", "2026-10-03T10:05"),
        ]
    )
    outcome = _outcome(tmp_path, text + "\n")
    results = outcome.results
    assert results is not None
    by_id = results.set_index("patient_id")
    urgent = by_id.loc["TRL-301-0012-004"]
    assert urgent["priority"] == "urgent"
    assert urgent["prolactin_ng_ml"] == pytest.approx(ng_ml, abs=0.2)
    assert str(urgent["collected_at"]).startswith("2026-10-02")
    assert by_id.loc["TRL-301-0012-003", "status"] == "normal"
    summary = outcome.inputs[0]
    assert summary.shape == "long"
    assert summary.rows_read == 6
    assert summary.rows_read == summary.rows_triaged + summary.rows_rejected


def test_sdtm_lb_standardised_result_alone_is_read(tmp_path: Path) -> None:
    """An export that carries only the standardised result (LBSTRESN, LBSTRESU)."""
    text = (
        "USUBJID,SEX,AGE,LBTESTCD,LBTEST,LBSTRESN,LBSTRESU,LBDTC\n"
        "K-01,F,33,PRL,Prolactin,5620,mIU/L,2026-10-02T09:00\n"
        "K-01,F,33,TSH,Thyrotropin,1.9,mIU/L,2026-10-02T09:00\n"
        "K-02,F,35,PRL,Prolactin,12.0,ug/L,2026-10-02T09:10\n"
    )
    results, _ = triage_csv_warned(tmp_path, text)
    assert results.loc["K-01", "priority"] == "urgent"
    assert results.loc["K-02", "status"] == "normal"


# --- section 3: the lab's interval (LBORNRLO/LBORNRHI) and flag (LBNRIND) ---------------------


@pytest.mark.parametrize("shape", ["wide", "long"])
@pytest.mark.parametrize(
    ("sex", "age", "value", "low", "high"),
    [("F", 30, "26", "4.8", "23.3"), ("M", 40, "17", "4.0", "15.2")],
)
def test_lab_interval_from_lbornrlo_lbornrhi_is_the_rows(
    tmp_path: Path, shape: str, sex: str, age: int, value: str, low: str, high: str
) -> None:
    if shape == "wide":
        text = (
            "USUBJID,SEX,AGE,PRL,PRLU,Collection Date,LBORNRLO,LBORNRHI\n"
            f"06-001,{sex},{age},{value},ug/L,2026-11-03,{low},{high}\n"
        )
    else:
        text = (
            "USUBJID,SEX,AGE,LBTESTCD,LBTEST,LBORRES,LBORRESU,LBORNRLO,LBORNRHI,LBDTC\n"
            f"06-001,{sex},{age},PRL,Prolactin,{value},ug/L,{low},{high},2026-11-03T08:00\n"
        )
    results, _ = triage_csv_warned(tmp_path, text)
    row = results.loc["06-001"]
    assert row["reference_source"] == "row"
    assert row["reference_high_ng_ml"] == pytest.approx(float(high))
    assert row["status"] == "high"
    assert row["priority"] != "none"


@pytest.mark.parametrize("flag", ["H", "HIGH", "ABNORMAL"])
def test_lbnrind_is_the_labs_flag_never_a_false_normal(tmp_path: Path, flag: str) -> None:
    """26 ng/mL is within the set's adult female interval but flagged by the lab."""
    text = (
        "USUBJID,SEX,AGE,PRL,PRLU,Collection Date,LBNRIND\n"
        f"05-001,F,30,26,ug/L,2026-11-03,{flag}\n"
        "05-002,F,30,12,ug/L,2026-11-03,N\n"
    )
    results, _ = triage_csv_warned(tmp_path, text)
    assert results.loc["05-001", "status"] != "normal"
    assert results.loc["05-001", "priority"] != "none"
    assert results.loc["05-002", "status"] == "normal"


# --- section 6: CDISC date variables (LBDTC, LBDAT, BRTHDTC) and AGEU -------------------------


@pytest.mark.parametrize(
    ("header", "cell", "day"),
    [
        ("LBDTC", "2026-11-03T08:30", "2026-11-03"),
        ("LBDTC", "03NOV2026", "2026-11-03"),
        ("LBDAT", "03NOV2026", "2026-11-03"),
    ],
)
def test_cdisc_collection_date_is_read(tmp_path: Path, header: str, cell: str, day: str) -> None:
    text = (
        f"STUDYID,USUBJID,SITEID,VISIT,SEX,AGE,PRL,PRLU,{header}\n"
        f"APX-301,01-023,01,Screening,F,34,62.4,ug/L,{cell}\n"
        f"APX-301,01-024,01,Screening,M,51,12.0,ug/L,{cell}\n"
    )
    results, _ = triage_csv_warned(tmp_path, text)
    assert str(results.loc["01-023", "collected_at"]).startswith(day)


@pytest.mark.parametrize("birth", ["1986-05-14", "1986-05", "1986"])
def test_brthdtc_gives_the_age(tmp_path: Path, birth: str) -> None:
    text = f"USUBJID,VISIT,SEX,PRL,PRLU,LBDTC,BRTHDTC\n03-003,V1,F,20,ug/L,2026-11-03,{birth}\n"
    results, _ = triage_csv_warned(tmp_path, text)
    assert 39 <= float(results.loc["03-003", "age_years"]) <= 41


def test_ageu_is_the_unit_of_age(tmp_path: Path) -> None:
    text = (
        "USUBJID,SEX,AGE,AGEU,PRL,PRLU,LBDTC\n"
        "P-01,F,8,MONTHS,17,ug/L,2026-11-03\n"
        "P-02,F,30,YEARS,17,ug/L,2026-11-03\n"
    )
    results, _ = triage_csv_warned(tmp_path, text)
    assert float(results.loc["P-01", "age_years"]) < 1
    assert float(results.loc["P-02", "age_years"]) == 30


# --- section 4: a concomitant medication's start, end and ongoing columns ---------------------

# (medication header, start header, end header, ongoing header) of each language
CM_HEADERS = {
    "cdisc": ("CMTRT", "CMSTDTC", "CMENDTC", "CMONGO"),
    "en": ("Medication", "Medication start date", "Medication end date", "Medication ongoing"),
    "de": ("Medikation", "Medikation Beginn", "Medikation Ende", "Medikation noch eingenommen"),
    "fr": (
        "Médicaments",
        "Date de début du traitement",
        "Date de fin du traitement",
        "Traitement toujours en cours",
    ),
    "es": (
        "Medicación",
        "Fecha de inicio del tratamiento",
        "Fecha de fin del tratamiento",
        "Tratamiento todavía en curso",
    ),
    "it": ("Farmaci", "Data inizio terapia", "Data fine terapia", "Terapia ancora in corso"),
    "nl": ("Medicatie", "Startdatum medicatie", "Einddatum medicatie", "Medicatie nog in gebruik"),
}
YES = {"cdisc": "Y", "en": "Yes", "de": "ja", "fr": "oui", "es": "sí", "it": "sì", "nl": "ja"}
NO = {"cdisc": "N", "en": "No", "de": "nein", "fr": "non", "es": "no", "it": "no", "nl": "nee"}

# (drug, start, end, ongoing?, taken at the sample of 2026-11-03?)
CM_CASES = [
    ("haloperidol 5 mg", "2026-01-10", "2026-06-30", False, False),  # ended 4 months before
    ("metoclopramide 10 mg", "2026-11-10", "", True, False),  # started a week after
    ("risperidone 4 mg", "2025-01-10", "", True, True),  # ongoing
    ("haloperidol 5 mg", "2026-01-10", "2026-11-02", False, True),  # stopped yesterday: acting
    ("domperidone 10 mg", "2026-02", "2026-06", False, False),  # partial dates, over by June
    ("risperidone 4 mg", "2026-01-10", "2026-12-30", False, True),  # covers the sample
    ("sulpiride 200 mg", "2026-12", "", None, False),  # a start month after the sample
]


@pytest.mark.parametrize("language", list(CM_HEADERS))
def test_conmed_dates_decide_whether_the_drug_is_taken_at_the_sample(
    tmp_path: Path, language: str
) -> None:
    meds, start, end, ongoing = CM_HEADERS[language]
    lines = [f"USUBJID,SEX,AGE,PRL,PRLU,Collection Date,{meds},{start},{end},{ongoing}"]
    for k, (drug, first, last, going, _) in enumerate(CM_CASES):
        said = "" if going is None else (YES if going else NO)[language]
        lines.append(f"C-{k},F,34,48.0,ug/L,03.11.2026,{drug},{first},{last},{said}")
    results, warnings = triage_csv_warned(tmp_path, "\n".join(lines) + "\n")
    assert not [w for w in warnings if "yes/no answers" in w]
    for k, (drug, _, _, _, taken) in enumerate(CM_CASES):
        factors = str(results.loc[f"C-{k}", "factors"])
        if taken:
            assert factors.startswith("medication:"), (drug, factors)
        else:
            assert "medication:" not in factors, (drug, factors)
            assert factors == "unexplained", (drug, factors)
            assert "macroprolactin_screen" in str(results.loc[f"C-{k}", "suggestions"])


def test_conmed_ongoing_wins_over_an_end_date(tmp_path: Path) -> None:
    text = (
        "USUBJID,SEX,AGE,PRL,PRLU,LBDTC,CMTRT,CMSTDTC,CMENDTC,CMONGO\n"
        "O-1,F,34,48.0,ug/L,2026-11-03,risperidone,2026-01-10,2026-06-30,Y\n"
    )
    results, _ = triage_csv_warned(tmp_path, text)
    assert results.loc["O-1", "factors"] == "medication:antipsychotic"


# --- section 5: one sample written on several rows --------------------------------------------


@pytest.mark.parametrize(
    ("header", "when", "drugs"),
    [
        (
            "USUBJID,VISIT,SEX,AGE,PRL,PRLU,Collection Date,CMTRT,CMDOSE",
            "2026-11-03T08:30",
            ["ramipril,5 mg", "risperidone,4 mg", "metformin,1000 mg"],
        ),
        (
            "Subject,Visit,Sex,Age,Prolactin (ug/L),Sample date,Concomitant medication",
            "2026-11-03",
            ["paracetamol 1 g PRN", "domperidone 10 mg tds"],
        ),
        (
            "Patienten-ID,Visite,Geschlecht,Alter,Prolaktin (µg/l),Entnahmedatum,Begleitmedikation",
            "03.11.2026",
            ["Ramipril 5 mg", "Metoclopramid 10 mg 1-1-1", "Metformin 1000 mg"],
        ),
        (
            "N° patient,Visite,Sexe,Âge,Prolactine (µg/L),Date de prélèvement,Médicaments",
            "03/11/2026",
            ["ramipril 5 mg", "rispéridone 2 mg"],
        ),
    ],
)
def test_rows_of_one_sample_get_one_triage_with_their_drugs_pooled(
    tmp_path: Path, header: str, when: str, drugs: list[str]
) -> None:
    unit = ",ug/L" if "PRLU" in header else ""
    lines = [header, *(f"01-041,Week 4,M,45,60{unit},{when},{drug}" for drug in drugs)]
    results, warnings = triage_csv_warned(tmp_path, "\n".join(lines) + "\n")
    rows = results.loc[["01-041"]]
    assert len(rows) == len(drugs)  # no row is lost
    assert rows["factors"].nunique() == 1
    assert rows["priority"].nunique() == 1
    assert rows["suggestions"].nunique() == 1
    assert str(rows["factors"].iloc[0]).startswith("medication:")
    assert any("one sample written on several rows" in w for w in warnings)


def test_an_exact_duplicate_row_is_named_in_a_warning(tmp_path: Path) -> None:
    text = (
        "Subject,Visit,Sex,Age,Prolactin (ug/L),Sample date,Concomitant medication\n"
        "02-012,V3,F,38,55,2026-11-03,sertraline 50 mg\n"
        "02-012,V3,F,38,55,2026-11-03,sertraline 50 mg\n"
    )
    results, warnings = triage_csv_warned(tmp_path, text)
    assert len(results.loc[["02-012"]]) == 2
    assert any("row(s) 3 (as row 2)" in w for w in warnings)


def test_guard_samples_at_different_times_are_not_pooled(tmp_path: Path) -> None:
    """Two samples of one patient (another time, or another result) keep their own drugs."""
    text = (
        "USUBJID,SEX,AGE,PRL,PRLU,Collection Date,CMTRT\n"
        "G-1,M,45,60,ug/L,2026-09-03T08:30,risperidone 4 mg\n"
        "G-1,M,45,60,ug/L,2026-11-03T08:30,ramipril 5 mg\n"
        "G-1,M,45,61,ug/L,2026-11-03T08:30,metformin 1000 mg\n"
    )
    results, warnings = triage_csv_warned(tmp_path, text)
    factors = results.loc[["G-1"], "factors"].tolist()
    assert factors[0] == "medication:antipsychotic"
    assert "medication:" not in str(factors[1])
    assert "medication:" not in str(factors[2])
    assert not any("one sample written on several rows" in w for w in warnings)
