"""Review 15: every medication the export gives is read, and only the drugs taken at the sample
count (clinical-reference §1.4: exclude medications; §2.1: a drug stopped 3 days before the
re-test no longer acts; §7.9: depots need far longer).

* a second (third ...) medication column ("Depotmedikation", "Bedarfsmedikation", "Depot
  injection", "Terapia al bisogno", "Psychopharmaka", "med2") is read beside the first, and the
  evidence names the column the drug was found in; a column named after a drug class
  ("Antipsychotic", "Neuroleptikum", "Antiemetic") holding a drug name is that drug;
* a drug never taken or the patient free of it ("mai assunto risperidone", "risperidone-free
  since 2023", "libre de antipsicóticos", "nooit gebruikt") is no current cause;
* a 3- or 6-monthly depot (Trevicta, Byannli, "alle 3 Monate") last injected within its dosing
  interval (and the release after it) is still on treatment;
* a drug taken "until" a date within the washout still acts, as one stopped on that date;
* national brands (Sulamid, Norspan, Cod-Efferalgan, Depalgos, Raniplex, Nizaxid) are their drugs.

End to end (a CSV run through the pipeline).  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

SAMPLE = "2026-03-01"
ANTIPSYCHOTIC = "medication:antipsychotic"
NOT_TAKEN = "recorded as stopped or not taken now"


def _factors(row: pd.Series) -> list[str]:
    value = row["factors"]
    return value.split(";") if isinstance(value, str) else []


def _run_meds(tmp_path: Path, texts: list[str]) -> pd.DataFrame:
    """One woman of 34 per medication text, prolactin 85 ng/mL, collected on SAMPLE."""
    header = "patient_id,sex,age,prolactin,unit,medications,collected"
    lines = [f"P{i},F,34,85,ng/mL,{csv_quoted(t)},{SAMPLE}" for i, t in enumerate(texts)]
    return triage_lines(tmp_path, header, lines)


def _wrong(out: pd.DataFrame, texts: list[str], *, code: str, counted: bool) -> list[tuple]:
    """The texts whose row does (counted=False) or does not (counted=True) list `code`."""
    rows = [(t, out.loc[f"P{i}"]) for i, t in enumerate(texts)]
    return [(t, r["factors"]) for t, r in rows if (code in _factors(r)) != counted]


# --------------------------------------------------------------------------------------------
# 1. Every medication-like column is read
# --------------------------------------------------------------------------------------------
SECOND_COLUMNS = [
    "Depotmedikation",
    "Bedarfsmedikation",
    "Depot injection",
    "Depot medication",
    "Terapia al bisogno",
    "Psychopharmaka",
    "Psicofarmaci",
    "Psychofarmaca",
    "Traitement si besoin",
    "Medicación a demanda",
    "PRN medication",
    "Medication 2",
    "med2",
    "Comedication",
    "Begleitmedikation",
    "traitement associé",
    "otros fármacos",
]


@pytest.mark.parametrize("header", SECOND_COLUMNS)
def test_a_second_medication_column_is_read_and_named(tmp_path: Path, header: str) -> None:
    out = triage_lines(
        tmp_path,
        f"patient_id,sex,age,prolactin,unit,Medikation,{header},collected",
        [
            f"P1,F,34,85,ng/mL,L-Thyroxin,Xeplion 100 mg,{SAMPLE}",
            f"P2,F,34,85,ng/mL,L-Thyroxin,,{SAMPLE}",
        ],
    )
    taking, other = out.loc["P1"], out.loc["P2"]
    assert ANTIPSYCHOTIC in _factors(taking)
    assert f"'{header}: Xeplion 100 mg'" in taking["factor_evidence"]
    assert "pituitary_mri" not in str(taking["suggestions"]).split(";")
    assert _factors(other) == ["unexplained"]


def test_numbered_medication_columns_are_all_read(tmp_path: Path) -> None:
    out = triage_lines(
        tmp_path,
        "id,sex,age,PRL (ng/mL),med1,med2,med3",
        ["A1,F,30,60,Levothyroxine,Metformin,Risperdal", "A2,F,30,60,Levothyroxine,MCP 10 mg,"],
    )
    assert ANTIPSYCHOTIC in _factors(out.loc["A1"])
    assert "'med3: Risperdal'" in out.loc["A1"]["factor_evidence"]
    assert "medication:antiemetic_prokinetic" in _factors(out.loc["A2"])


def test_a_dated_depot_column_is_no_medication_list(tmp_path: Path) -> None:
    out = triage_lines(
        tmp_path,
        "patient_id,sex,age,prolactin,unit,Medication,Last depot injection date,collected",
        [f"P1,F,34,85,ng/mL,Levothyroxine,2026-01-10,{SAMPLE}"],
    )
    assert _factors(out.loc["P1"]) == ["unexplained"]


@pytest.mark.parametrize(
    ("header", "cell", "code"),
    [
        ("Antipsychotic", "Risperdal 2 mg", ANTIPSYCHOTIC),
        ("Neuroleptikum", "Risperdal 2 mg", ANTIPSYCHOTIC),
        ("Antipsychotique", "Solian 200 mg", ANTIPSYCHOTIC),
        ("Antiemetic", "Motilium 10 mg tds", "medication:antiemetic_prokinetic"),
        ("Antiemetikum", "MCP Tropfen", "medication:antiemetic_prokinetic"),
    ],
)
def test_a_drug_class_column_holding_a_drug_name_is_read(
    tmp_path: Path, header: str, cell: str, code: str
) -> None:
    out = triage_lines(
        tmp_path,
        f"id,sex,age,PRL (ng/mL),Medications,{header}",
        [f"A1,F,30,60,Levothyroxine,{cell}", "A2,F,30,60,Levothyroxine,"],
    )
    assert code in _factors(out.loc["A1"])
    assert f"'{header}: {cell}'" in out.loc["A1"]["factor_evidence"]
    assert _factors(out.loc["A2"]) == ["unexplained"]


def test_a_drug_class_column_still_reads_yes_and_no(tmp_path: Path) -> None:
    out = triage_lines(
        tmp_path,
        "id,sex,age,PRL (ng/mL),Medications,Antipsychotic",
        ["A1,F,30,60,Levothyroxine,yes", "A2,F,30,60,Levothyroxine,no"],
    )
    assert ANTIPSYCHOTIC in _factors(out.loc["A1"])
    assert _factors(out.loc["A2"]) == ["unexplained"]


# --------------------------------------------------------------------------------------------
# 2. Never taken, or free of the drug: no current cause
# --------------------------------------------------------------------------------------------
NEVER_OR_FREE = [
    "mai assunto risperidone",
    "risperidone: mai",
    "mai preso metoclopramide",
    "risperidone never taken",
    "Risperdal nie eingenommen",
    "rispéridone jamais prise",
    "risperidona nunca tomada",
    "risperidon nooit gebruikt",
    "antipsychotic-free for 2 years",
    "risperidone-free since 2023",
    "Risperdal-frei seit 2 Jahren",
    "libre de antipsicóticos desde hace 2 años",
    "libre de neuroleptiques depuis 2 ans",
    "libero da antipsicotici da 2 anni",
    "vrij van antipsychotica sinds 2 jaar",
    "free of antipsychotics since 2024",
    "frei von Neuroleptika seit 2024",
]
STILL_TAKEN = [
    "risperidone 2 mg - seizure-free",
    "risperidone 2mg (symptom-free since May)",
    "Risperdal 2 mg frei von Nebenwirkungen",
    "Risperdal seit Mai",
    "Risperdal depuis mai 2025",
    "risperidone 2 mg, pain free",
]


def test_a_drug_never_taken_or_given_up_is_no_cause(tmp_path: Path) -> None:
    out = _run_meds(tmp_path, NEVER_OR_FREE)
    assert _wrong(out, NEVER_OR_FREE, code="unexplained", counted=True) == []
    evidence = [out.loc[f"P{i}"]["factor_evidence"] for i in range(len(NEVER_OR_FREE))]
    assert [t for t, e in zip(NEVER_OR_FREE, evidence, strict=True) if NOT_TAKEN not in e] == []


def test_free_of_something_else_leaves_the_drug_taken(tmp_path: Path) -> None:
    out = _run_meds(tmp_path, STILL_TAKEN)
    assert _wrong(out, STILL_TAKEN, code=ANTIPSYCHOTIC, counted=True) == []


# --------------------------------------------------------------------------------------------
# 3. A 3- or 6-monthly depot acts over its dosing interval
# --------------------------------------------------------------------------------------------
LONG_DEPOT_ON_TREATMENT = [
    "Byannli last injection 4 months ago",
    "Trevicta, letzte Gabe vor 4 Monaten",
    "Invega Hafyera q6 months, last injection 5 months ago",
    "Trevicta last dose 2025-11-01",
    "Trevicta stopped 4 months ago",
    "Invega Trinza last injection 5 months ago",
    "paliperidone palmitate alle 3 Monate, letzte Injektion vor 5 Monaten",
    "palmitate de paliperidone tous les 3 mois, dernière injection il y a 4 mois",
    "palmitato de paliperidona cada 6 meses, última inyección hace 7 meses",
    "Byannli ultima iniezione 8 mesi fa",
]
DEPOT_LAPSED = [
    "Xeplion last injection 4 months ago",
    "Trevicta last injection 8 months ago",
    "Byannli last injection 10 months ago",
    "Xeplion letzte Gabe vor 5 Monaten",
]


def test_a_long_interval_depot_within_its_span_is_on_treatment(tmp_path: Path) -> None:
    out = _run_meds(tmp_path, LONG_DEPOT_ON_TREATMENT)
    assert _wrong(out, LONG_DEPOT_ON_TREATMENT, code=ANTIPSYCHOTIC, counted=True) == []
    first = out.loc["P0"]["factor_evidence"]
    assert "depot" in first and "274 days" in first  # Byannli: a 6-monthly depot


def test_a_depot_past_its_span_is_not_taken(tmp_path: Path) -> None:
    out = _run_meds(tmp_path, DEPOT_LAPSED)
    assert _wrong(out, DEPOT_LAPSED, code="unexplained", counted=True) == []


# --------------------------------------------------------------------------------------------
# 4. "Until <date>" is a stop date, with the washout
# --------------------------------------------------------------------------------------------
UNTIL_WITHIN_WASHOUT = [
    "Risperdal bis 28.02.2026",
    "risperidone until 28/02/2026",
    "rispéridone jusqu'au 28/02/2026",
    "risperidona hasta el 28/02/2026",
    "risperidone fino al 28/02/2026",
    "risperidon tot 28-02-2026",
    "risperidone until 2026-02-28",
    "risperidone stopped 28/02/2026",
    "Risperdal bis 30.06.2026",
]
UNTIL_LONG_AGO = [
    "Risperdal bis 10.02.2026",
    "risperidone until 10/02/2026",
    "rispéridone jusqu'au 10/02/2026",
    "risperidona hasta el 10/02/2026",
    "risperidone fino al 10/02/2026",
    "Risperdal bis 2025",
]


def test_a_drug_taken_until_the_day_before_still_acts(tmp_path: Path) -> None:
    out = _run_meds(tmp_path, UNTIL_WITHIN_WASHOUT)
    assert _wrong(out, UNTIL_WITHIN_WASHOUT, code=ANTIPSYCHOTIC, counted=True) == []


def test_a_drug_taken_until_weeks_before_is_stopped(tmp_path: Path) -> None:
    out = _run_meds(tmp_path, UNTIL_LONG_AGO)
    assert _wrong(out, UNTIL_LONG_AGO, code="unexplained", counted=True) == []


def test_a_depot_taken_until_weeks_before_still_acts(tmp_path: Path) -> None:
    out = _run_meds(tmp_path, ["Xeplion bis 15.01.2026", "Trevicta bis 01.11.2025"])
    assert ANTIPSYCHOTIC in _factors(out.loc["P0"])
    assert ANTIPSYCHOTIC in _factors(out.loc["P1"])


# --------------------------------------------------------------------------------------------
# 5. National brands
# --------------------------------------------------------------------------------------------
BRANDS = {
    "Sulamid 200 mg": ("amisulpride", ANTIPSYCHOTIC),
    "Norspan 10 mcg/h patch": ("buprenorphine", "medication:opioid"),
    "Cod-Efferalgan 2 tabs qds": ("codeine", "medication:opioid"),
    "Depalgos 5/325": ("oxycodone", "medication:opioid"),
    "Raniplex 150": ("ranitidine", "medication:h2_antagonist"),
    "Nizaxid 150 mg": ("nizatidine", "medication:h2_antagonist"),
}


def test_national_brands_are_their_drugs(tmp_path: Path) -> None:
    texts = list(BRANDS)
    out = _run_meds(tmp_path, texts)
    wrong = []
    for i, text in enumerate(texts):
        drug, code = BRANDS[text]
        row = out.loc[f"P{i}"]
        if code not in _factors(row) or f"→ {drug} (" not in row["factor_evidence"]:
            wrong.append((text, row["factors"], row["factor_evidence"]))
    assert wrong == []
