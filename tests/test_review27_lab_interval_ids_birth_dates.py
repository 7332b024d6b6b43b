"""Review 27 (W3, W4, W5, AA4): a lab-interval header with "Lab"/"Laboratory" is the lab's
interval, never the sample number (contract §2, §5 reference_source row; clinical-reference
§7.7: always prefer the lab-supplied interval); national health, citizen and social-security
number headers are the patient id when no other id is given (contract §2, §4 patients.html, §7
urgent; extensions: FHIR patient_id); a birth date the same patient's other rows contradict is
never judged against the newborn's interval (contract §5 status: never a false normal;
clinical-reference §2.1: neonatal values apply to neonates)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_on_day

from triage.columns import recognise_columns

RUN_DAY = datetime(2026, 12, 1, 9, 0)

# ------------------------------------------------------------------------------------------------
# W3: the lab's interval under a "Lab" / "Laboratory" header, in the six languages
# ------------------------------------------------------------------------------------------------
# (language's headers of id, sex, birth date, sample date, result; a row of a woman of 36 with
# 600 mU/L, 1.2x the lab's 102-496)
_LAYOUTS = {
    "en": ("NHS No.,Sex,DOB,Sample Date,PRL (mU/L)", "943 476 5919,F,12/03/1990,10/11/2026,600"),
    "de": (
        "Pat.-Nr.,Geschlecht,Geburtsdatum,Abnahmedatum,Prolaktin (mU/l)",
        "P100,w,12.03.1990,10.11.2026,600",
    ),
    "fr": (
        "N° patient,Sexe,Date de naissance,Date du prélèvement,Prolactine (mUI/L)",
        "P100,F,12/03/1990,10/11/2026,600",
    ),
    "es": (
        "Nº historia,Sexo,Fecha de nacimiento,Fecha de extracción,Prolactina (mUI/L)",
        "P100,Mujer,12/03/1990,10/11/2026,600",
    ),
    "it": (
        "Codice paziente,Sesso,Data di nascita,Data prelievo,Prolattina (mUI/L)",
        "P100,F,12/03/1990,10/11/2026,600",
    ),
    "nl": (
        "Patiëntnummer,Geslacht,Geboortedatum,Datum afname,Prolactine (mU/l)",
        "P100,V,12-03-1990,10-11-2026,600",
    ),
}
_LAB_INTERVAL_HEADERS = [
    ("en", "Lab ref range"),
    ("en", "Lab Ref Range"),
    ("en", "Lab ref. range"),
    ("en", "Laboratory ref range"),
    ("en", "Lab Ref Range mU/L"),
    ("en", "Lab reference range"),
    ("en", "Lab range"),
    ("en", "Lab normal range"),
    ("en", "Lab reference interval"),
    ("en", "Lab ref"),
    ("de", "Labor Referenzbereich"),
    ("de", "Referenzbereich Labor"),
    ("fr", "Valeurs de référence du laboratoire"),
    ("fr", "Intervalle de référence labo"),
    ("es", "Rango de referencia del laboratorio"),
    ("es", "Valores de referencia lab"),
    ("it", "Intervallo di riferimento laboratorio"),
    ("it", "Valori di riferimento lab"),
    ("nl", "Referentiewaarde lab"),
    ("nl", "Referentiewaarden lab"),
    ("nl", "Referentiewaarden laboratorium"),
]


@pytest.mark.parametrize(("lang", "header"), _LAB_INTERVAL_HEADERS)
def test_lab_interval_header_is_the_lab_interval(tmp_path: Path, lang: str, header: str) -> None:
    head, row = _LAYOUTS[lang]
    outcome = triage_on_day(tmp_path, f"{head},{header}", [f"{row},102-496"], RUN_DAY)
    result = outcome.results.iloc[0]
    assert result["reference_source"] == "row"
    assert result["status"] == "high"
    assert result["priority"] != "none"
    assert result["reference_high_ng_ml"] == pytest.approx(496 / 21.2, abs=0.05)
    assert pd.isna(result.get("specimen_id")) or "496" not in str(result["specimen_id"])


@pytest.mark.parametrize("interval", ["102-496", "< 500", "102 - 496 mU/L"])
def test_lab_ref_cells_of_intervals_are_the_interval(interval: str) -> None:
    match = recognise_columns(
        ["NHS No", "Lab ref", "PRL (mU/L)"],
        samples={0: ["943 476 5919", "485 777 3468"], 1: [interval], 2: [600, 700]},
    )
    assert match.fields.get("reference_range") == 1
    assert "specimen_id" not in match.fields


@pytest.mark.parametrize(
    ("header", "cells"),
    [
        ("Lab Ref", ["L26.1234567", "L26.7654321"]),
        ("Lab No", ["H2612345", "H2612346"]),
        ("Lab Ref No", ["26-0012345", "26-0012346"]),
        ("Labor-Nr.", ["A123456", "A123457"]),
    ],
)
def test_sample_numbers_stay_the_specimen(header: str, cells: list[str]) -> None:
    """Guard: a lab's sample number is still the specimen (passes before and after)."""
    match = recognise_columns(
        ["NHS No", header, "PRL (mU/L)", "Ref Range"],
        samples={0: ["943 476 5919"], 1: cells, 2: [600, 700], 3: ["102-496"]},
    )
    assert match.fields.get("specimen_id") == 1
    assert match.fields.get("reference_range") == len(("a", "b", "c"))


# ------------------------------------------------------------------------------------------------
# W5, AA4: national numbers as the patient id when no other id is given
# ------------------------------------------------------------------------------------------------
_NATIONAL = [
    ("en", "PPSN", "1234567TA"),
    ("en", "PPS No", "1234567TA"),
    ("nl", "Burgerservicenummer", "123456782"),
    ("nl", "BSN-nummer", "123456782"),
    ("nl", "INSZ-nummer", "85.07.30-033.28"),
    ("nl", "Rijksregisternummer", "85.07.30-033.28"),
    ("fr", "NISS", "85.07.30-033.28"),
    ("de", "AHV-Nr", "756.1234.5678.97"),
    ("de", "AHV-Nummer", "756.1234.5678.97"),
    ("de", "SV-Nummer", "1234 010180"),
    ("de", "KVNR", "A123456780"),
    ("fr", "No AVS", "756.1234.5678.97"),
    ("fr", "N° AVS", "756.1234.5678.97"),
    ("fr", "NIR", "2 84 05 75 123 456 78"),
    ("fr", "N° de sécurité sociale", "2 84 05 75 123 456 78"),
    ("it", "Numero AVS", "756.1234.5678.97"),
    ("it", "Tessera sanitaria", "80380800301234567890"),
    ("es", "NUSS", "28 12345678 40"),
    ("es", "DNI", "12345678Z"),
    ("es", "Tarjeta sanitaria", "BBBB123456789012"),
]
_NO_ID = {
    "en": "Sex,DOB,Sample Date,PRL (mU/L)",
    "de": "Geschlecht,Geburtsdatum,Entnahme,Prolaktin (mU/l)",
    "fr": "Sexe,Date de naissance,Date du prélèvement,Prolactine (mUI/L)",
    "es": "Sexo,Fecha de nacimiento,Fecha de extracción,Prolactina (mUI/L)",
    "it": "Sesso,Data di nascita,Data prelievo,Prolattina (mUI/L)",
    "nl": "Geslacht,Geboortedatum,Datum afname,Prolactine (mU/l)",
}
_WOMAN = {"en": "F", "de": "w", "fr": "F", "es": "Mujer", "it": "F", "nl": "V"}


@pytest.mark.parametrize(("lang", "header", "number"), _NATIONAL)
def test_national_number_is_the_patient_id(
    tmp_path: Path, lang: str, header: str, number: str
) -> None:
    woman = _WOMAN[lang]
    lines = [
        f'"{number}",{woman},14/03/1988,02/10/2026,780',
        f'"{number}",{woman},14/03/1988,02/11/2026,6100',
    ]
    outcome = triage_on_day(tmp_path, f"{header},{_NO_ID[lang]}", lines, RUN_DAY)
    results = outcome.results
    assert results["patient_id"].notna().all()
    assert results["patient_id"].nunique() == 1
    urgent = [line for line in outcome.urgent if "6100" in line]
    assert urgent
    assert "patient -" not in urgent[0]


@pytest.mark.parametrize(
    ("hospital", "national"),
    [
        ("MRN", "PPSN"),
        ("Patiëntnummer", "Burgerservicenummer"),
        ("Pat.-Nr.", "AHV-Nr"),
        ("N° patient", "NIR"),
        ("Nº historia", "NUSS"),
        ("Codice paziente", "Tessera sanitaria"),
    ],
)
def test_a_hospital_number_comes_before_the_national_one(hospital: str, national: str) -> None:
    for order in ((hospital, national), (national, hospital)):
        match = recognise_columns([*order, "Prolactin"])
        assert match.fields["patient_id"] == order.index(hospital)


# ------------------------------------------------------------------------------------------------
# W4: a birth date the same patient's other rows contradict
# ------------------------------------------------------------------------------------------------
_UK = "NHS Number,Surname,DOB,Sex,Date Collected,Prolactin (mIU/L),Ref Range,Clinical Details"
_DE = (
    "Pat.-Nr.,Name,Geburtsdatum,Geschlecht,Abnahmedatum,Prolaktin (mU/l),Referenzbereich,Bemerkung"
)
_NL = (
    "Patiëntnummer,Naam,Geboortedatum,Geslacht,Datum afname,Prolactine (mU/l),"
    "Referentiewaarde,Opmerking"
)

_TYPOS = {
    # the repeat's birth date keyed as its sample date
    "uk_repeat_on_own_day": (
        _UK,
        [
            '943 476 5919,TESTER,12/03/1990,F,14/10/2026,845,102-496,"tired, irregular periods"',
            "943 476 5919,TESTER,25/11/2026,F,25/11/2026,1900,102-496,repeat as requested",
        ],
        "1900",
    ),
    # the first sample's birth date keyed as its sample date
    "de_first_on_own_day": (
        _DE,
        [
            "P7,Muster,14.10.2026,w,14.10.2026,1900,102-496,Zyklusstörung",
            "P7,Muster,12.03.1990,w,25.11.2026,845,102-496,Kontrolle",
        ],
        "1900",
    ),
    # a birth date a few days before the sample, after the patient's earlier sample
    "nl_after_an_earlier_sample": (
        _NL,
        [
            "P9,Jansen,12-03-1990,V,14-10-2026,845,102-496,moe",
            "P9,Jansen,20-11-2026,V,25-11-2026,1900,102-496,herhaling",
        ],
        "1900",
    ),
}


@pytest.mark.parametrize("case", sorted(_TYPOS))
def test_contradicted_birth_date_is_no_newborn(tmp_path: Path, case: str) -> None:
    header, lines, value = _TYPOS[case]
    outcome = triage_on_day(tmp_path, header, lines, RUN_DAY)
    results = outcome.results
    judged = results[results["prolactin_raw"].astype(str) == value]
    assert not (judged["status"] == "normal").any()
    assert not judged["reference_stratum"].astype(str).str.contains("neonat").any()
    rejected = [r for r in outcome.rejected if r.reason_code == "unreadable_age"]
    assert len(judged) + len(rejected) == 1
    if rejected:
        assert "birth date" in rejected[0].detail
    warnings = [w for summary in outcome.inputs for w in summary.warnings]
    assert any("birth date" in w and "same patient" in w for w in warnings)


def test_age_cell_decides_when_the_birth_date_is_contradicted(tmp_path: Path) -> None:
    header = "NHS Number,DOB,Age,Sex,Date Collected,Prolactin (mIU/L),Ref Range"
    lines = [
        "943 476 5919,12/03/1990,36,F,14/10/2026,845,102-496",
        "943 476 5919,25/11/2026,36,F,25/11/2026,1900,102-496",
    ]
    outcome = triage_on_day(tmp_path, header, lines, RUN_DAY)
    repeat = outcome.results[outcome.results["prolactin_raw"].astype(str) == "1900"].iloc[0]
    assert repeat["age_years"] == pytest.approx(36, abs=1)
    assert repeat["status"] == "high"


def test_a_newborn_sampled_twice_keeps_the_newborn_interval(tmp_path: Path) -> None:
    """Guard: a newborn's two samples with the same birth date (day 0 and day 2) are judged
    against the first days' interval (passes before and after)."""
    header = "MRN,DOB,Sex,Date Collected,Prolactin (mIU/L)"
    lines = ["N1,25/11/2026,F,25/11/2026,1900", "N1,25/11/2026,F,27/11/2026,2100"]
    outcome = triage_on_day(tmp_path, header, lines, RUN_DAY)
    results = outcome.results
    assert len(results) == len(lines)
    assert results["reference_stratum"].astype(str).str.contains("neonat").all()
    assert (results["status"] == "normal").all()
