"""Review 28 (AJ2, AJ3, AO1): who a result belongs to.

Contract §4 (patients.html: "earlier results of that patient"; urgent.txt names the patient) and
§5 (`patient_id`) need the patient's identifier, and results of different people must never be
joined:

- a column of names is the patient's name, never the id, whatever its header ("Paciente",
  "Paziente", "ID", "Identifiant" holding "José Rojas Soto"), and it never wins over a real id
  column beside it (two people of one name were one patient, the name printed as the id);
- the national and record numbers of Spanish-speaking Latin America and the Spanish regions
  (CURP, RUT, cédula, documento, expediente, historia clínica, CIP/NUHSA/SIP, NSS) are patient ids;
- a subject number is unique only within its study site: the patient is site + subject, as
  CDISC's USUBJID is (two sites' subject 003 were one patient).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import run_csv

from triage.columns import recognise_columns


def _ids_and_names(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    outcome = run_csv(tmp_path, text)
    assert outcome.results is not None
    results = outcome.results.sort_values("source_row")
    return [
        (str(i), "" if n is None or n != n else str(n))
        for i, n in zip(results["patient_id"], results["patient_name"], strict=True)
    ]


def _ids_and_warnings(tmp_path: Path, text: str) -> tuple[list[str], list[str]]:
    outcome = run_csv(tmp_path, text)
    assert outcome.results is not None
    ids = outcome.results.sort_values("source_row")["patient_id"].astype(str).tolist()
    return ids, [w for summary in outcome.inputs for w in summary.warnings]


# ------------------------------------------------------------------------------------------------
# AJ2: a column of names under an id header is the name, and loses to the real id beside it
# ------------------------------------------------------------------------------------------------
# (language, header line, two rows of two people who share one name, their ids, the name)
_NAMED_TWICE = {
    "es": (
        "RUT;Paciente;Sexo;Edad;Fecha toma muestra;Prolactina (ng/mL)",
        [
            "12.345.678-5;José Rojas Soto;H;45;10-02-2026;320",
            "15.432.109-2;José Rojas Soto;H;50;11-02-2026;21,0",
        ],
        ("12.345.678-5", "15.432.109-2"),
        "José Rojas Soto",
    ),
    "es-dni": (
        "DNI;Paciente;Sexo;Edad;Fecha de extracción;Prolactina (ng/mL)",
        [
            "12345678Z;GARCÍA LÓPEZ, María;Mujer;35;10/02/2026;260",
            "87654321X;GARCÍA LÓPEZ, María;Mujer;61;11/02/2026;12",
        ],
        ("12345678Z", "87654321X"),
        "GARCÍA LÓPEZ, María",
    ),
    "it": (
        "Codice fiscale;Paziente;Sesso;Età;Data prelievo;Prolattina (ng/mL)",
        [
            "RSSMRA80A01H501U;Rossi Mario;M;46;10/02/2026;260",
            "RSSMRA55C12F205Z;Rossi Mario;M;71;11/02/2026;14",
        ],
        ("RSSMRA80A01H501U", "RSSMRA55C12F205Z"),
        "Rossi Mario",
    ),
    "en": (
        "MRN,ID,Sex,Age,Sample Date,Prolactin (ng/mL)",
        [
            "MRN0100253,John Smith,M,44,10/02/2026,250",
            "MRN0100871,John Smith,M,67,11/02/2026,15",
        ],
        ("MRN0100253", "MRN0100871"),
        "John Smith",
    ),
    "de": (
        "Versichertennummer;Patienten-ID;Geschlecht;Alter;Abnahmedatum;Prolaktin (ng/ml)",
        [
            "A123456789;Müller, Hans;m;52;10.02.2026;280",
            "B987654321;Müller, Hans;m;38;11.02.2026;9",
        ],
        ("A123456789", "B987654321"),
        "Müller, Hans",
    ),
    "fr": (
        "IPP;Identifiant;Sexe;Âge;Date de prélèvement;Prolactine (ng/mL)",
        [
            "800123;DUPONT Jean;M;58;10/02/2026;300",
            "800456;DUPONT Jean;M;33;11/02/2026;11",
        ],
        ("800123", "800456"),
        "DUPONT Jean",
    ),
    "nl": (
        "BSN;Identificatie;Geslacht;Leeftijd;Afnamedatum;Prolactine (ng/ml)",
        [
            "123456782;de Vries, Jan;M;49;10-02-2026;270",
            "987654329;de Vries, Jan;M;62;11-02-2026;13",
        ],
        ("123456782", "987654329"),
        "de Vries, Jan",
    ),
}


@pytest.mark.parametrize("lang", sorted(_NAMED_TWICE))
def test_a_column_of_names_is_never_the_id_beside_a_real_id(tmp_path: Path, lang: str) -> None:
    header, lines, ids, name = _NAMED_TWICE[lang]
    sep = ";" if ";" in header else ","
    text = header + "\n" + "\n".join(lines) + "\n"
    assert sep in lines[0]
    got = _ids_and_names(tmp_path, text)
    assert [i for i, _ in got] == list(ids)  # two people, two patients
    assert all(n == name for _, n in got)


@pytest.mark.parametrize("lang", sorted(_NAMED_TWICE))
def test_the_urgent_line_names_the_id_not_the_name(tmp_path: Path, lang: str) -> None:
    header, lines, ids, name = _NAMED_TWICE[lang]
    run_csv(tmp_path, header + "\n" + "\n".join(lines) + "\n")
    urgent = (tmp_path / "out" / "urgent.txt").read_text(encoding="utf-8")
    assert f"URGENT patient {ids[0]} " in urgent
    assert name not in urgent


# the id headers of six languages over a column of names, with no other id: the name
@pytest.mark.parametrize(
    ("header", "names"),
    [
        ("Paciente", ["José Rojas Soto", "María García López", "ROJAS SOTO, José"]),
        ("Paziente", ["Rossi Mario", "Bianchi Anna"]),
        ("ID", ["John Smith", "SMITH, Jane"]),
        ("Patienten-ID", ["Müller, Hans", "Schmidt, Anna"]),
        ("Identifiant", ["DUPONT Jean", "Martin Claire"]),
        ("Identificatie", ["de Vries, Jan", "Jansen, Anna"]),
        ("Identificador", ["Pérez Ruiz, Juan", "López, Ana"]),
    ],
)
def test_a_column_of_names_under_an_id_header_is_the_name(header: str, names: list[str]) -> None:
    match = recognise_columns([header, "Sex", "Prolactin"], samples={0: names})
    assert "patient_id" not in match.fields
    assert match.mapping()["patient_name"] == header


# guards (pass before and after): an id header holding codes stays the id
@pytest.mark.parametrize(
    ("header", "cells"),
    [
        ("Paciente", ["123456", "123457", "200981"]),  # NHC numbers under "Paciente"
        ("Paziente", ["PZ0012", "PZ0013"]),
        ("ID", ["P001", "P002"]),
        ("Identifiant", ["800123", "800456"]),
        # pseudonyms of letters only, one word each (a cohort's or a test file's codes): no
        # name has one part only, so they stay the id
        ("patient_id", ["MAde", "MAen", "MBfr"]),
        ("Pseudonym", ["KXBW", "QRTZ", "HLMN"]),
        ("Paciente", ["ABCD", "EFGH"]),
        ("ID", ["P-FLAT", "n_de", "Q_SEX"]),  # one word joined by a hyphen or underscore
    ],
)
def test_an_id_header_of_codes_stays_the_id(header: str, cells: list[str]) -> None:
    match = recognise_columns([header, "Sex", "Prolactin"], samples={0: cells})
    assert match.mapping()["patient_id"] == header


# ------------------------------------------------------------------------------------------------
# AJ3: Latin American and Spanish regional patient ids
# ------------------------------------------------------------------------------------------------
_LATAM_IDS = [
    ("CURP", "GALM900101MDFRPR05"),
    ("CURP paciente", "PERJ800505HDFRZN09"),
    ("RUT", "12.345.678-5"),
    ("RUT/RUN", "15.432.109-2"),
    ("Cédula", "1.234.567-8"),
    ("Cédula de identidad", "V-12345678"),
    ("Cédula de ciudadanía", "1020304050"),
    ("C.I.", "4.567.890-1"),
    ("Documento", "30123456"),
    ("Nro. documento", "30.123.456"),
    ("Número de documento", "DNI 30123456"),
    ("Expediente", "EXP-2026-00451"),
    ("No. expediente", "458812"),
    ("N° Historia Clínica", "HC-778812"),
    ("Nº HC", "778812"),
    ("Ficha clínica", "F-102233"),
    ("CIP autonómico", "ROGA0800101003"),
    ("NUHSA", "AN1234567890"),
    ("SIP", "12345678"),
    ("NSS", "12345678901"),
]


@pytest.mark.parametrize(("header", "value"), _LATAM_IDS)
def test_latin_american_ids_are_the_patient_id(tmp_path: Path, header: str, value: str) -> None:
    text = (
        f"Prueba;{header};Nombre del paciente;Sexo;Edad;Fecha de toma;Resultado;Unidades\n"
        f"Prolactina;{value};MARÍA GARCÍA LÓPEZ;Mujer;35;10/02/2026;250;ng/mL\n"
        f"Prolactina;{value}9;JUAN PÉREZ RUIZ;Hombre;45;10/02/2026;14;ng/mL\n"
    )
    got = _ids_and_names(tmp_path, text)
    assert got == [(value, "MARÍA GARCÍA LÓPEZ"), (f"{value}9", "JUAN PÉREZ RUIZ")]
    urgent = (tmp_path / "out" / "urgent.txt").read_text(encoding="utf-8")
    assert f"URGENT patient {value} " in urgent


def test_a_record_number_wins_over_a_national_id(tmp_path: Path) -> None:
    text = (
        "Prueba,CURP,Expediente,Paciente,Sexo,Edad,Fecha de toma,Resultado,Unidades\n"
        "Prolactina,GALM900101MDFRPR05,458812,MARIA GARCIA LOPEZ,F,35,10/02/2026,40,ng/mL\n"
    )
    assert _ids_and_names(tmp_path, text) == [("458812", "MARIA GARCIA LOPEZ")]


def test_a_request_number_is_no_patient_id() -> None:
    match = recognise_columns(["Nº petición", "DNI", "Sexo", "Prolactina"])
    assert match.mapping()["patient_id"] == "DNI"
    assert match.mapping()["specimen_id"] == "Nº petición"


# guards (pass before and after): words of other things are no id ("Run", the analyser's; "CIP",
# a French drug code; "HC", a head circumference)
@pytest.mark.parametrize("header", ["Run", "RUN", "CIP", "HC"])
def test_ambiguous_short_headers_are_no_id(header: str) -> None:
    match = recognise_columns([header, "Sex", "Prolactin"])
    assert "patient_id" not in match.fields


# ------------------------------------------------------------------------------------------------
# AO1: a subject numbered within its site is the site and the subject
# ------------------------------------------------------------------------------------------------
# (language, header, a row of site A's subject and of site B's subject of the same number)
_SITES = {
    "en-cdisc": (
        "SITEID,SUBJID,VISIT,SEX,AGE,PRL,PRLU,Collection Date",
        [
            "0012,003,Screening,M,51,12.0,ug/L,03SEP2026",
            "0013,003,Screening,F,29,300.0,ug/L,05SEP2026",
        ],
    ),
    "en": (
        "Site,Subject,Visit,Sex,Age,Prolactin (ug/L),Sample date",
        ["101,001,V1,M,40,11,2026-09-01", "102,001,V1,F,30,95,2026-09-02"],
    ),
    # a hospital-like "Patient No" is scoped only when its rows at two sites are two people
    # (review 28 mends: a woman and a man)
    "en-centre": (
        "Centre,Patient No,Visit,Gender,Age,PRL ng/mL,Date of sample",
        ["1,7,Baseline,F,30,12,2026-09-01", "2,7,Baseline,M,55,180,2026-09-02"],
    ),
    "de": (
        "Prüfzentrum;Probanden-Nr.;Visite;Geschlecht;Alter;Prolaktin (ng/ml);Abnahmedatum",
        ["01;005;V1;m;44;10;01.09.2026", "02;005;V1;w;31;88;02.09.2026"],
    ),
    "fr": (
        "N° centre;N° sujet;Visite;Sexe;Âge;Prolactine (ng/mL);Date de prélèvement",
        ["11;004;V1;M;44;10;01/09/2026", "12;004;V1;F;31;88;02/09/2026"],
    ),
    "es": (
        "Centro;id_sujeto;Visita;Sexo;Edad;Prolactina (ng/mL);Fecha de extracción",
        ["21;010;V1;Hombre;44;10;01/09/2026", "22;010;V1;Mujer;31;88;02/09/2026"],
    ),
    "it": (
        "Codice centro;id_paziente;Visita;Sesso;Età;Prolattina (ng/mL);Data prelievo",
        ["31;002;V1;M;44;10;01/09/2026", "32;002;V1;F;31;88;02/09/2026"],
    ),
    "nl": (
        "Centrum;deelnemer_nr;Visite;Geslacht;Leeftijd;Prolactine (ng/ml);Afnamedatum",
        ["41;008;V1;M;44;10;01-09-2026", "42;008;V1;V;31;88;02-09-2026"],
    ),
}


@pytest.mark.parametrize("lang", sorted(_SITES))
def test_the_same_subject_number_at_two_sites_is_two_patients(tmp_path: Path, lang: str) -> None:
    header, lines = _SITES[lang]
    sep = ";" if ";" in header else ","
    sites = [line.split(sep)[0] for line in lines]
    subjects = [line.split(sep)[1] for line in lines]
    ids, warnings = _ids_and_warnings(tmp_path, header + "\n" + "\n".join(lines) + "\n")
    assert ids == [f"{s}-{n}" for s, n in zip(sites, subjects, strict=True)]
    assert any("numbered within the site" in w for w in warnings)


def test_one_site_subject_over_visits_stays_one_patient(tmp_path: Path) -> None:
    text = (
        "SITEID,SUBJID,VISIT,SEX,AGE,PRL,PRLU,Collection Date\n"
        "0012,003,Screening,M,51,12.0,ug/L,03SEP2026\n"
        "0012,003,Week 4,M,51,14.0,ug/L,01OCT2026\n"
    )
    assert set(_ids_and_warnings(tmp_path, text)[0]) == {"0012-003"}


# guard (passes before and after): a USUBJID already carries its site and is kept as written
def test_a_usubjid_beside_its_site_is_kept_as_written(tmp_path: Path) -> None:
    text = (
        "STUDYID,USUBJID,SITEID,VISIT,SEX,AGE,PRL,PRLU\n"
        "APX-301,APX-301-0012-003,0012,Screening,M,51,12.0,ug/L\n"
        "APX-301,APX-301-0013-003,0013,Screening,F,29,30.0,ug/L\n"
    )
    assert _ids_and_warnings(tmp_path, text)[0] == ["APX-301-0012-003", "APX-301-0013-003"]
