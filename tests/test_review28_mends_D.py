"""Review 28 mends, D (R1): an ordinary site column never rewrites a hospital number.

Contract §4 (urgent.txt names the patient; patients.html: "earlier results of that patient") and
§5 (`patient_id`): the id is the one staff look the patient up by.  fix226 scoped every id by a
"Site" / "Centre" / "Centro" column, as a study's subject number is (CDISC's USUBJID).  In a
hospital or regional-lab export those columns hold where the sample was taken or who asked for
it, and the hospital number is unique across them: one patient seen at two sites became two
("South Clinic-MRN001"), no trend, no delta check, no link to the history.  Now:

- a hospital number (MRN, NHC, Hospital number, IPP, Patientennummer, Patiëntnummer) beside a
  site column stays as written, and one patient at two sites stays one;
- it is scoped, every row of the file, only when one id names two people at two sites (its rows
  disagree on sex or birth date), with the warning;
- a study's subject number (SUBJID, Teilnehmer-ID, id_sujeto, id_soggetto, Participant ID) is
  still scoped by its site (tests/test_review28_patient_ids.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import run_csv


def _ids_and_warnings(tmp_path: Path, text: str) -> tuple[list[str], list[str]]:
    outcome = run_csv(tmp_path, text)
    assert outcome.results is not None
    ids = outcome.results.sort_values("source_row")["patient_id"].astype(str).tolist()
    return ids, [w for summary in outcome.inputs for w in summary.warnings]


def _site_warned(warnings: list[str]) -> bool:
    return any("numbered within the site" in w for w in warnings)


# (language, header, rows: one patient sampled at two sites, then another patient)
_ONE_PATIENT_TWO_SITES = {
    "en": (
        "Lab No,MRN,Patient,Sex,DOB,Collected,Site,PRL,Units",
        [
            'L1,MRN001,"SMITH, Anna",F,1985-03-02,2026-10-01 09:00,North Hospital,45,ng/mL',
            'L2,MRN001,"SMITH, Anna",F,1985-03-02,2026-11-05 09:00,South Clinic,260,ng/mL',
            'L3,MRN002,"JONES, Bob",M,1970-01-01,2026-11-05 10:00,South Clinic,12,ng/mL',
        ],
    ),
    "en-uk": (
        "Specimen,Hospital number,Name,Sex,Date of birth,Collection date,Centre,Prolactin (mIU/L)",
        [
            'S1,H100,"DOE, Jane",F,1990-01-01,2026-10-01,Royal Infirmary,9800',
            'S2,H100,"DOE, Jane",F,1990-01-01,2026-11-01,Western General,9900',
            'S3,H200,"ROE, John",M,1960-01-01,2026-11-01,Western General,300',
        ],
    ),
    "es": (
        "Nº petición,NHC,Paciente,Sexo,Fecha nacimiento,Fecha extracción,Centro,Prolactina,"
        "Unidades",
        [
            'P1,123456,"GARCÍA LÓPEZ, Ana",M,02/03/1985,01/10/2026 09:00,CS Delicias,45,ng/mL',
            'P2,123456,"GARCÍA LÓPEZ, Ana",M,02/03/1985,05/11/2026 09:00,H. Clínico,260,ng/mL',
            'P3,654321,"PÉREZ, Juan",H,01/01/1970,05/11/2026 10:00,CS Delicias,12,ng/mL',
        ],
    ),
    "fr": (
        "N° demande;IPP;Nom;Sexe;Date de naissance;Date de prélèvement;Centre;Prolactine (ng/mL)",
        [
            "D1;8001234;MARTIN Claire;F;02/03/1985;01/10/2026;CH Lyon Sud;45",
            "D2;8001234;MARTIN Claire;F;02/03/1985;05/11/2026;Hôpital Edouard Herriot;260",
            "D3;8005678;DURAND Paul;M;01/01/1970;05/11/2026;CH Lyon Sud;12",
        ],
    ),
    "de": (
        "Auftragsnr.;Patientennummer;Name;Geschlecht;Geburtsdatum;Abnahmedatum;Zentrum;"
        "Prolaktin (ng/ml)",
        [
            "A1;4711;Müller, Anna;w;02.03.1985;01.10.2026;MVZ Nord;45",
            "A2;4711;Müller, Anna;w;02.03.1985;05.11.2026;Klinikum Süd;260",
            "A3;4712;Schmidt, Hans;m;01.01.1970;05.11.2026;MVZ Nord;12",
        ],
    ),
    "nl": (
        "Aanvraagnr;Patiëntnummer;Naam;Geslacht;Geboortedatum;Afnamedatum;Centrum;"
        "Prolactine (ng/ml)",
        [
            "N1;1234567;de Vries, Anna;V;02-03-1985;01-10-2026;Locatie Noord;45",
            "N2;1234567;de Vries, Anna;V;02-03-1985;05-11-2026;Locatie Zuid;260",
            "N3;7654321;Jansen, Piet;M;01-01-1970;05-11-2026;Locatie Noord;12",
        ],
    ),
}


def _text(header: str, lines: list[str]) -> str:
    return header + "\n" + "\n".join(lines) + "\n"


def _column(header: str, lines: list[str], index: int) -> list[str]:
    sep = ";" if ";" in header else ","
    return [line.split(sep)[index] for line in lines]


@pytest.mark.parametrize("lang", sorted(_ONE_PATIENT_TWO_SITES))
def test_a_hospital_number_beside_a_site_column_is_kept_as_written(
    tmp_path: Path, lang: str
) -> None:
    header, lines = _ONE_PATIENT_TWO_SITES[lang]
    ids, warnings = _ids_and_warnings(tmp_path, _text(header, lines))
    assert ids == _column(header, lines, 1)
    assert ids[0] == ids[1]  # one patient at two sites stays one
    assert not _site_warned(warnings)


# (language, header, rows: one hospital number at two sites naming two people, who differ by
# sex or by birth date, then a third patient)
_TWO_PEOPLE_ONE_NUMBER = {
    "en-sex": (
        "Lab No,MRN,Sex,DOB,Collected,Site,PRL,Units",
        [
            "L1,1001,F,1985-03-02,2026-10-01,North Hospital,45,ng/mL",
            "L2,1001,M,1985-03-02,2026-11-05,South Clinic,260,ng/mL",
            "L3,1002,M,1970-01-01,2026-11-05,South Clinic,12,ng/mL",
        ],
    ),
    "es-birth": (
        "Nº petición;NHC;Sexo;Fecha nacimiento;Fecha extracción;Centro;Prolactina (ng/mL)",
        [
            "P1;1001;M;02/03/1985;01/10/2026;CS Delicias;45",
            "P2;1001;M;17/09/1961;05/11/2026;H. Clínico;260",
            "P3;1002;H;01/01/1970;05/11/2026;CS Delicias;12",
        ],
    ),
    "de-sex": (
        "Auftragsnr.;Patientennummer;Geschlecht;Geburtsdatum;Abnahmedatum;Zentrum;"
        "Prolaktin (ng/ml)",
        [
            "A1;1001;w;02.03.1985;01.10.2026;MVZ Nord;45",
            "A2;1001;m;02.03.1985;05.11.2026;Klinikum Süd;260",
            "A3;1002;m;01.01.1970;05.11.2026;MVZ Nord;12",
        ],
    ),
}


# guard (passes before and after): one number of two people at two sites is two patients, and
# every row of the file is then site-number (one form of id in the file), with the warning
@pytest.mark.parametrize("lang", sorted(_TWO_PEOPLE_ONE_NUMBER))
def test_one_number_of_two_people_at_two_sites_is_scoped_on_every_row(
    tmp_path: Path, lang: str
) -> None:
    header, lines = _TWO_PEOPLE_ONE_NUMBER[lang]
    ids, warnings = _ids_and_warnings(tmp_path, _text(header, lines))
    sites = _column(header, lines, 5)
    numbers = _column(header, lines, 1)
    assert ids == [f"{s}-{n}" for s, n in zip(sites, numbers, strict=True)]
    assert _site_warned(warnings)


# guard (passes before and after): a study's subject number is numbered within its site, even
# when the two sites' subjects agree on sex (the header says it is a subject number)
@pytest.mark.parametrize(
    "header",
    ["SUBJID", "Participant ID", "Teilnehmer-ID", "id_sujeto", "id_soggetto", "deelnemer_id"],
)
def test_a_subject_number_is_scoped_by_its_site(tmp_path: Path, header: str) -> None:
    text = (
        f"SITEID,{header},VISIT,SEX,AGE,PRL,PRLU\n"
        "0012,003,Screening,F,51,12.0,ug/L\n"
        "0013,003,Screening,F,51,30.0,ug/L\n"
    )
    ids, warnings = _ids_and_warnings(tmp_path, text)
    assert ids == ["0012-003", "0013-003"]
    assert _site_warned(warnings)
