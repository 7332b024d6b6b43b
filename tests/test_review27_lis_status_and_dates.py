"""Review 27 (hunter AH 2-5): the result statuses and collection dates of real LIS/EHR exports.

Output contract §4/§6 and the extensions' "Reason codes": a row whose result-status column says
cancelled or in error is rejected as cancelled_result, a preliminary result is marked (its urgent
line says so); a status column is never dropped because one of its words is unknown.  Contract
§5 collected_at: the sample's collection time (a newborn's age at sampling chooses its interval,
clinical reference §2.1: 0-4 days < 500 ng/mL, 4-30 days lower), never a result or report date
when a received date exists; a timestamp with a zone abbreviation is still a timestamp.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import run_csv, triage_csv_warned

from triage.values import date_offset, parse_date_text, result_status

HEADER = "MRN,Sex,Age,Specimen ID,Collection Date/Time,Test Name,Result,Units,Result Status"
FINALS = [
    "A1,M,50,S1,2026-03-01 08:00,Prolactin,10,ng/mL,Auth (Verified)",
    "A2,M,50,S2,2026-03-01 08:10,Prolactin,11,ng/mL,Auth (Verified)",
    "A3,M,50,S3,2026-03-01 08:20,Prolactin,12,ng/mL,Auth (Verified)",
]

# no valid result: the test not done, a result in error, a rejected sample, a wrong patient, a
# result another replaced, in the six languages
VOID = [
    "Result in error", "Not Done", "Specimen rejected", "Wrong patient", "Superseded",
    "nicht durchgeführt", "Probe abgelehnt", "non effectué", "échantillon refusé",
    "no realizado", "muestra rechazada", "non eseguito", "campione rifiutato",
    "niet uitgevoerd", "monster afgekeurd",
]  # fmt: skip
# not final yet: not authorised, verified or validated, in progress, validated technically only
PRELIMINARY = [
    "Unauth", "Unverified", "Not verified", "In Progress", "Non validato", "non validé",
    "nicht validiert", "Pendiente de validar", "no validado", "niet gevalideerd",
    "technisch freigegeben", "Validé techniquement", "validado técnicamente",
    "validato tecnicamente", "technisch gevalideerd", "vorläufig", "provisional",
    "En attente de validation", "In attesa di validazione", "Incomplete", "unvollständig",
    "incomplet", "incompleto", "onvolledig",
]  # fmt: skip
FINAL = ["medizinisch freigegeben", "validé", "Auth (Verified)", "Final", "definitief"]


@pytest.mark.parametrize("cell", VOID)
def test_a_status_saying_no_valid_result_is_void(cell: str) -> None:
    assert result_status(cell) == "void"


@pytest.mark.parametrize("cell", PRELIMINARY)
def test_a_result_not_validated_yet_is_preliminary(cell: str) -> None:
    assert result_status(cell) == "preliminary"


@pytest.mark.parametrize("cell", FINAL)
def test_a_validated_result_stays_final(cell: str) -> None:  # guard: passes on the old code
    assert result_status(cell) == "kept"


def test_a_negated_cancellation_is_no_status() -> None:  # guard: passes on the old code
    assert result_status("nicht storniert") is None


@pytest.mark.parametrize("status", VOID)
def test_an_invalid_urgent_level_result_is_rejected_never_urgent(
    tmp_path: Path, status: str
) -> None:
    text = "\n".join(
        [HEADER, *FINALS, f'X1,M,50,X1,2026-03-01 09:00,Prolactin,300,ng/mL,"{status}"']
    )
    outcome = run_csv(tmp_path, text + "\n")
    rejected = {r.patient_id: r.reason_code for r in outcome.rejected}
    assert rejected == {"X1": "cancelled_result"}
    assert not outcome.urgent or all("X1" not in line for line in outcome.urgent)


@pytest.mark.parametrize(
    "status", ["Unauth", "Non validato", "technisch freigegeben", "non validé"]
)
def test_an_unvalidated_urgent_result_is_marked_preliminary(tmp_path: Path, status: str) -> None:
    text = "\n".join(
        [HEADER, *FINALS, f'X1,M,50,X1,2026-03-01 09:00,Prolactin,300,ng/mL,"{status}"']
    )
    outcome = run_csv(tmp_path, text + "\n")
    assert outcome.results is not None
    row = outcome.results.set_index("patient_id").loc["X1"]
    assert row["result_status"] == "preliminary"
    assert any("X1" in line and "preliminary result" in line for line in outcome.urgent)


def test_an_unknown_status_never_switches_off_the_known_ones(tmp_path: Path) -> None:
    rows = [
        "A1,M,50,S1,2026-03-01 08:00,Prolactin,10,ng/mL,Auth (Verified)",
        "A2,M,50,S2,2026-03-01 08:00,Prolactin,11,ng/mL,Befund da",
        "A3,M,50,S3,2026-03-01 08:00,Prolactin,12,ng/mL,Qux",
        "A4,M,50,S4,2026-03-01 08:00,Prolactin,13,ng/mL,Zzz",
        "X1,M,50,X1,2026-03-01 08:00,Prolactin,300,ng/mL,Canceled",
    ]
    outcome = run_csv(tmp_path, "\n".join([HEADER, *rows]) + "\n")
    assert {r.patient_id: r.reason_code for r in outcome.rejected} == {"X1": "cancelled_result"}
    warnings = " ".join(w for s in outcome.inputs for w in s.warnings)
    assert "not recognised" in warnings  # the unknown words are named, read as final


ZONED = [
    ("03/02/2026 08:15 EST", None),
    ("03/02/2026 8:15 AM EST", None),
    ("03/02/2026 08:15 CST", None),
    ("02.03.2026 08:15 MEZ", None),
    ("02.03.2026 08:15 CET", None),
    ("02.03.2026 08:15 CEST", None),
    ("02.03.2026 14:05 Uhr MEZ", None),
    ("2026-03-02 08:15:00 UTC", "+00:00"),
    ("03/02/2026 08:15 (GMT)", "+00:00"),
]


@pytest.mark.parametrize(("cell", "offset"), ZONED)
def test_a_timestamp_with_a_zone_abbreviation_is_read(cell: str, offset: str | None) -> None:
    found = parse_date_text(cell, dayfirst="." in cell)
    assert found is not None and found.date().isoformat() == "2026-03-02"
    assert found.hour in (8, 14)
    assert date_offset(cell) == offset


@pytest.mark.parametrize(
    "stamp", ["03/02/2026 08:15 EST", "03/02/2026 8:15 AM CST", "03/02/2026 08:15 (GMT)"]
)
def test_a_newborn_sampled_with_a_zoned_timestamp_is_triaged_as_a_newborn(
    tmp_path: Path, stamp: str
) -> None:
    text = (
        "MRN,Sex,DOB,Specimen ID,Collection Date/Time,Component,Result,Units,Result Status\n"
        f'N1,Male,02/25/2026,S1,"{stamp}",PROLACTIN,180,ng/mL,Final\n'
        'N2,Male,02/20/2026,S2,"03/01/2026 09:00 EST",PROLACTIN,170,ng/mL,Final\n'
    )
    results, _ = triage_csv_warned(tmp_path, text)
    assert "N1" in results.index
    assert str(results.loc["N1", "collected_at"]).startswith("2026-03-02")
    assert results.loc["N1", "priority"] == "none"


COLLECTION_HEADERS = [
    "Abnahmezeitpunkt", "Entnahmezeitpunkt", "Obs Date/Time", "Collected Date/Time",
    "Date prélèvement", "Date/heure de prélèvement", "Fecha/hora de extracción",
    "Data/ora prelievo", "Afname datum/tijd",
]  # fmt: skip


@pytest.mark.parametrize("header", COLLECTION_HEADERS)
def test_a_newborn_is_judged_at_the_age_of_the_collection_time(tmp_path: Path, header: str) -> None:
    text = (
        f"Auftragsnummer;Patientennummer;Geschlecht;Geburtsdatum;{header};Analyt;Ergebnis;Einheit\n"
        "26030100021;PN21;M;28.02.2026;01.03.2026 08:15;Prolaktin;350;µg/l\n"
        "26030100022;PN22;W;14.03.1988;02.03.2026 10:40;Prolaktin;28;µg/l\n"
    )
    results, _ = triage_csv_warned(tmp_path, text)
    assert str(results.loc["PN21", "collected_at"]).startswith("2026-03-01")
    assert results.loc["PN21", "priority"] == "none"  # day 1: < 500 ng/mL is physiological


LATE_DATES = [
    ("Received Date", "Result Date", ","),
    ("Received Date", "Report Date", ","),
    ("Eingangsdatum", "Befunddatum", ";"),
    ("Date de réception", "Date du résultat", ";"),
    ("Fecha de recepción", "Fecha de resultado", ";"),
    ("Data accettazione", "Data referto", ";"),
    ("Ontvangstdatum", "Uitslagdatum", ";"),
]


@pytest.mark.parametrize(("received", "reported", "sep"), LATE_DATES)
@pytest.mark.parametrize("reported_first", [True, False])
def test_a_result_date_never_wins_over_the_received_date(
    tmp_path: Path, received: str, reported: str, sep: str, reported_first: bool
) -> None:
    dates = (
        ["2026-03-06 10:00", "2026-03-02 09:00"]
        if reported_first
        else ["2026-03-02 09:00", "2026-03-06 10:00"]
    )
    heads = [reported, received] if reported_first else [received, reported]
    text = (
        sep.join(["MRN", "Sex", "DOB", *heads, "Component", "Result", "Units"])
        + "\n"
        + sep.join(["NB1", "M", "2026-03-01", *dates, "PROLACTIN", "350", "ng/mL"])
        + "\n"
    )
    results, warnings = triage_csv_warned(tmp_path, text)
    assert str(results.loc["NB1", "collected_at"]).startswith("2026-03-02")
    assert results.loc["NB1", "priority"] == "none"
    assert any(received in w and "collection date" in w for w in warnings)


def test_a_report_date_alone_is_read_with_a_warning(tmp_path: Path) -> None:
    text = (
        "MRN,Sex,Befunddatum,Geburtsdatum,Component,Result,Units\n"
        "A,M,05.03.2026 10:00,01.12.2025,PROLACTIN,20,ng/mL\n"
    )
    results, warnings = triage_csv_warned(tmp_path, text)
    assert str(results.loc["A", "collected_at"]).startswith("2026-03-05")
    assert any("'Befunddatum' is read as the collection date" in w for w in warnings)


def test_a_collection_date_wins_over_every_later_date(tmp_path: Path) -> None:  # guard
    text = (
        "MRN,Sex,DOB,Result Date,Received Date,Collected Date,Component,Result,Units\n"
        "NB1,M,2026-03-01,2026-03-06 10:00,2026-03-03 09:00,2026-03-01 22:00,PROLACTIN,350,ng/mL\n"
    )
    results, warnings = triage_csv_warned(tmp_path, text)
    assert str(results.loc["NB1", "collected_at"]).startswith("2026-03-01")
    assert not any("is read as the collection date, but" in w for w in warnings)


@pytest.mark.parametrize(
    "cell",
    [
        "technisch und medizinisch freigegeben",
        "technisch und ärztlich freigegeben",
        "Validé techniquement et biologiquement",
        "Validado técnica y facultativamente",
        "Validato tecnicamente e clinicamente",
        "technisch en medisch gevalideerd",
        "Final - no changes",
    ],
)
def test_a_medically_validated_or_unchanged_final_status_stays_final(cell: str) -> None:
    # review 27, reviewer H: technical validation is preliminary only without the medical one;
    # a negation elsewhere in the cell negates no status
    assert result_status(cell) == "kept"


@pytest.mark.parametrize(
    "cell",
    ["technisch freigegeben", "validé techniquement", "not yet verified", "pas encore validé"],
)
def test_a_technical_or_negated_validation_is_preliminary(cell: str) -> None:
    assert result_status(cell) == "preliminary"
