"""Review 28 (hunts AI 1/6/7, AJ test headers): the headers, test names and collection times of
Italian, Spanish and other European LIS exports.

Output contract §2: a long export (one row per test) is read whatever common synonym its test,
result and unit headers use, and the other tests of the patient (TSH, creatinine) become
context; §5 collected_at is the sample's collection date and time; §6: exit status 3 only when
no input holds a prolactin column.  Clinical reference §4: primary hypothyroidism and CKD raise
prolactin; §0: a drug stopped within its washout (3 days) still acts; §7 of the contract: above
5000 mIU/L (~236 ng/mL) is urgent.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import run_csv

from triage.columns import candidates
from triage.io.long import identify_test
from triage.schema import NoUsableInputError
from triage.values import parse_date_text


def _long_export(test: str, result: str, unit: str = "Unità") -> str:
    """An Italian ward's long export (';', decimal commas, mUI/L, a codice fiscale): an urgent
    6800 mUI/L and a plain 12,5 ng/mL, each with a second test that is not used."""
    return (
        f"Cognome Nome;Codice fiscale;Sesso;Data nascita;Data prelievo;{test};{result};{unit}\n"
        "ROSSI MARIA;RSSMRA85M41H501Z;F;01/08/1985;03/11/2026;Prolattina;6.800;mUI/L\n"
        "ROSSI MARIA;RSSMRA85M41H501Z;F;01/08/1985;03/11/2026;Glucosio;92;mg/dL\n"
        "BIANCHI LUCA;BNCLCU70A01F205X;M;01/01/1970;03/11/2026;Prolattina;12,5;ng/mL\n"
        "BIANCHI LUCA;BNCLCU70A01F205X;M;01/01/1970;03/11/2026;Sodio;140;mmol/L\n"
    )


def _priorities(tmp_path: Path, text: str) -> dict[str, str]:
    outcome = run_csv(tmp_path, text, fail_on="urgent")
    assert not outcome.errors, outcome.errors
    assert outcome.results is not None
    assert outcome.exit_code == 10  # --fail-on urgent: the urgent result counts
    return dict(zip(outcome.results["patient_id"], outcome.results["priority"], strict=True))


# 1. The result column's names in the six languages (AI 1) -------------------------------------
RESULT_HEADERS = [
    "Esito", "ESITO", "Esito numerico", "Referto", "Valore numerico", "Resultaat", "Uitkomst",
    "Meetwaarde", "Numerieke waarde", "Messergebnis", "Ergebniswert", "Befundwert",
    "Valor numérico", "Valor obtenido",
    # plural headers, read when nothing names the result better
    "Risultati", "Esiti", "Resultados", "Résultats", "Ergebnisse", "Uitslagen", "Results",
]  # fmt: skip


@pytest.mark.parametrize("header", RESULT_HEADERS)
def test_a_long_exports_result_column_is_read_by_its_common_names(
    tmp_path: Path, header: str
) -> None:
    priorities = _priorities(tmp_path, _long_export("Esame", header))
    assert priorities == {"RSSMRA85M41H501Z": "urgent", "BNCLCU70A01F205X": "none"}


@pytest.mark.parametrize(
    "header",
    [
        "Risultato", "Valore", "Resultado", "Uitslag", "Ergebnis", "Risultato numerico",
        "Valeur numérique", "Résultat numérique", "Resultado numérico",
    ],
)  # fmt: skip
def test_the_result_names_read_before_still_are(tmp_path: Path, header: str) -> None:
    # guard: passes on the old code (by the result's word rule)
    priorities = _priorities(tmp_path, _long_export("Esame", header))
    assert priorities["RSSMRA85M41H501Z"] == "urgent"


@pytest.mark.parametrize(
    "header",
    [
        "Data esito", "Data referto", "Ora esito", "Stato referto", "Esito validazione",
        "Ergebnis Datum", "Datum uitslag", "Fecha resultado", "Valore normale",
        "Valore di riferimento", "Valor de referencia", "Nome esito",
    ],
)  # fmt: skip
def test_a_date_status_or_reference_beside_the_result_is_no_result(header: str) -> None:
    assert all(field != "result" for field, _ in candidates(header)), candidates(header)


def test_a_date_of_the_result_beside_esito_leaves_the_result_column_alone(
    tmp_path: Path,
) -> None:
    text = (
        "Esame;Data esito;Esito;Unità;Codice fiscale;Sesso;Età\n"
        "Prolattina;04/11/2026;6800;mUI/L;RSSMRA85M41H501Z;F;41\n"
        "Prolattina;04/11/2026;12,5;ng/mL;BNCLCU70A01F205X;M;56\n"
    )
    priorities = _priorities(tmp_path, text)
    assert priorities == {"RSSMRA85M41H501Z": "urgent", "BNCLCU70A01F205X": "none"}


@pytest.mark.parametrize(
    "test_header", ["Esame", "Prueba", "Untersuchung", "Analyse", "Bepaling", "Test name"]
)
def test_a_long_file_whose_result_column_is_unknown_is_told_to_name_the_result(
    tmp_path: Path, test_header: str
) -> None:
    """The test column was found: the missing one is the result column, not a prolactin one."""
    text = (
        f"{test_header};Codice fiscale;Sesso;Età;Zzq;Unità\n"
        "Prolattina;RSSMRA85M41H501Z;F;41;6800;mUI/L\n"
        "TSH;RSSMRA85M41H501Z;F;41;2,1;mUI/L\n"
    )
    with pytest.raises(NoUsableInputError) as refused:
        run_csv(tmp_path, text)
    message = str(refused.value)
    assert '[columns] result = "<header>"' in message
    assert "[columns] prolactin" not in message


# 2. The test column's names (AJ; Spanish, Latin American, Italian, French) --------------------
TEST_HEADERS = [
    "Estudio", "Estudio solicitado", "Nombre del estudio", "Análisis", "Parámetro", "Magnitud",
    "Analito", "Parametro", "Analita", "Indagine", "Paramètre", "Laborparameter",
    # a method's or service's name, read as the test column when nothing names it better
    "Técnica", "Prestazione", "Prestación", "Onderzoek",
]  # fmt: skip


@pytest.mark.parametrize("header", TEST_HEADERS)
def test_a_long_exports_test_column_is_read_by_its_common_names(
    tmp_path: Path, header: str
) -> None:
    priorities = _priorities(tmp_path, _long_export(header, "Esito"))
    assert priorities == {"RSSMRA85M41H501Z": "urgent", "BNCLCU70A01F205X": "none"}


def test_a_method_column_beside_the_test_column_is_no_test_column(tmp_path: Path) -> None:
    """Guard: 'Técnica' (the method) loses to 'Prueba' (passes on the old code too)."""
    text = (
        "Técnica;Prueba;NHC;Sexo;Edad;Fecha de extracción;Resultado;Unidades\n"
        "Quimioluminiscencia;Prolactina;100001;M;34;03/02/2026;6.800;mUI/L\n"
        "Quimioluminiscencia;TSH;100001;M;34;03/02/2026;2,1;mUI/L\n"
        "Quimioluminiscencia;Prolactina;100002;H;50;03/02/2026;12,5;ng/mL\n"
    )
    priorities = _priorities(tmp_path, text)
    assert priorities == {"100001": "urgent", "100002": "none"}


# 3. Context tests named in words, in each language (AI 6) -------------------------------------
TSH_NAMES = [
    "Ormone tireostimolante", "ORMONE TIREOSTIMOLANTE", "Ormone tireotropo",
    "Hormona estimulante del tiroides", "Hormona estimulante de la tiroides",
    "Hormona tiroestimulante", "Hormone thyréostimulante", "Hormone thyréotrope",
    "Thyreoidea-stimulierendes Hormon", "Thyreotropes Hormon", "Schildklierstimulerend hormoon",
    "Thyroïdstimulerend hormoon",
]  # fmt: skip
CREATININE_NAMES = [
    "Creatininemia", "CREATININEMIA", "Creatinemia", "Serumcreatinine", "Plasmakreatinin",
    "Serumkreatinin", "Plasmacreatinine",
]  # fmt: skip


@pytest.mark.parametrize("name", TSH_NAMES)
def test_the_tsh_named_in_words_is_the_tsh(name: str) -> None:
    found, _ = identify_test("", "", name, unit="mUI/L")
    assert found is not None and found.field == "tsh", name
    assert candidates(name)[0][0] == "tsh"  # as a wide file's column too


@pytest.mark.parametrize("name", CREATININE_NAMES)
def test_the_creatinine_named_in_one_word_is_the_creatinine(name: str) -> None:
    found, _ = identify_test("", "", name, unit="mg/dL")
    assert found is not None and found.field == "creatinine", name
    assert candidates(name)[0][0] == "creatinine"


@pytest.mark.parametrize(
    "name",
    [
        "Thyroid stimulating immunoglobulin", "Immunoglobuline tireostimolanti",
        "Anticorpi anti-recettore del TSH", "Inmunoglobulina estimulante del tiroides",
    ],
)  # fmt: skip
def test_the_thyroid_stimulating_antibody_is_no_tsh(name: str) -> None:
    """The English name was read as the TSH; the others are guards (no TSH on the old code)."""
    found, _ = identify_test("", "", name, unit="IU/L")
    assert found is None or found.field != "tsh", name


def _context_export(name: str, value: str, unit: str, sex: str) -> str:
    birth = "01/08/1960" if sex == "M" else "01/08/1990"
    return (
        "Cognome Nome;Codice fiscale;Sesso;Data nascita;Data prelievo;Esame;Esito;Unità\n"
        f"NERI PAOLA;NREPLA60M01H501Y;{sex};{birth};03/11/2026 ore 8:10;Prolattina;48,5;ng/mL\n"
        f"NERI PAOLA;NREPLA60M01H501Y;{sex};{birth};03/11/2026 ore 8:10;{name};{value};{unit}\n"
    )


@pytest.mark.parametrize(
    ("name", "value", "unit", "sex", "factor"),
    [
        *[(n, "15,2", "mUI/L", "F", "hypothyroidism") for n in [*TSH_NAMES[:6], TSH_NAMES[8]]],
        *[(n, "4,2", "mg/dL", "M", "renal_impairment") for n in CREATININE_NAMES[:4]],
    ],
)
def test_a_context_test_named_in_words_explains_the_rise(
    tmp_path: Path, name: str, value: str, unit: str, sex: str, factor: str
) -> None:
    """A TSH of 15.2 (primary hypothyroidism) or a creatinine of 4.2 mg/dL (eGFR < 30) beside a
    48.5 ng/mL prolactin (clinical reference §4)."""
    outcome = run_csv(tmp_path, _context_export(name, value, unit, sex))
    assert outcome.results is not None
    row = outcome.results.iloc[0]
    assert factor in row["factors"], row["factor_evidence"]
    assert not outcome.rejected, [r.reason_code for r in outcome.rejected]


# 4. Collection times written with an hour word (AI 7) -----------------------------------------
TIMES = [
    "03/11/2026 ore 8:30", "03/11/2026 ore 08.30", "03/11/2026 alle ore 8:30",
    "03/11/2026, ore 8:30", "03/11/2026 - ore 8:30", "03/11/2026 h 08:30", "03/11/2026 h. 08:30",
    "3 novembre 2026 ore 8:30", "2026-11-03 ore 08:30", "03/11/2026 a las 8:30 horas",
    "03/11/2026 8:30 hs", "03-11-2026 om 8.30 uur", "03-11-2026 8.30 uur",
]  # fmt: skip


@pytest.mark.parametrize("text", TIMES)
def test_a_collection_time_after_an_hour_word_is_read(text: str) -> None:
    assert parse_date_text(text) == datetime(2026, 11, 3, 8, 30)


@pytest.mark.parametrize(
    "text",
    ["03.11.2026 um 8:30 Uhr", "03/11/2026 à 8h30", "03/11/2026 a las 8:30", "03-11-2026 om 8:30"],
)
def test_the_hour_words_read_before_still_are(text: str) -> None:
    """Guard: passes on the old code."""
    assert parse_date_text(text) == datetime(2026, 11, 3, 8, 30)


@pytest.mark.parametrize(
    "text", ["03.11.2026 um 8 Uhr", "03/11/2026 ore 8", "03/11/2026 à 8h", "03-11-2026 om 8 uur"]
)
def test_a_whole_hour_after_an_hour_word_is_read(text: str) -> None:
    assert parse_date_text(text) == datetime(2026, 11, 3, 8, 0)


@pytest.mark.parametrize("text", ["03/11/2026 8", "03/11/2026 ore 25:10", "03/11/2026 alle"])
def test_no_hour_is_made_up(text: str) -> None:
    """Guard: a bare number after the date is no hour (None on the old code too)."""
    assert parse_date_text(text) is None


@pytest.mark.parametrize(
    ("header", "cell"),
    [
        ("Data prelievo", "03/11/2026 ore 8:30"),
        ("Data prelievo", "03/11/2026 h 08:30"),
        ("Entnahmedatum", "03.11.2026 um 8:30 Uhr"),
        ("Date de prélèvement", "03/11/2026 à 8h30"),
        ("Fecha de extracción", "03/11/2026 a las 8:30 horas"),
        ("Afnamedatum", "03-11-2026 om 8.30 uur"),
    ],
)
def test_the_collection_time_reaches_the_results(tmp_path: Path, header: str, cell: str) -> None:
    """The German and French cells are guards (read on the old code too)."""
    text = f"Codice fiscale;Sesso;Età;{header};Prolattina;Unità\nX1;F;36;{cell};45,0;ng/mL\n"
    outcome = run_csv(tmp_path, text)
    assert outcome.results is not None
    assert pd.Timestamp(outcome.results.iloc[0]["collected_at"]) == pd.Timestamp(2026, 11, 3, 8, 30)


def test_a_drug_stopped_within_its_washout_still_acts_with_the_time_written_after_ore(
    tmp_path: Path,
) -> None:
    """Levosulpiride stopped 2 days before a sample dated '03/11/2026 ore 8:30': within the
    3-day washout (clinical reference §0), so still a likely cause, as with '03/11/2026 08:30'."""
    text = (
        "Cognome Nome;Codice fiscale;Sesso;Data nascita;Data prelievo;Prolattina;Unità;"
        "Terapia in atto\n"
        "ROSSI ANNA;RSSNNA90M41H501Z;F;01/08/1990;03/11/2026 ore 8:30;45,0;ng/mL;"
        "Levopraid sospeso il 01/11/2026\n"
    )
    outcome = run_csv(tmp_path, text)
    assert outcome.results is not None
    row = outcome.results.iloc[0]
    assert "medication:antiemetic_prokinetic" in row["factors"], row["factor_evidence"]
    assert "within the 3-day washout" in row["factor_evidence"]
