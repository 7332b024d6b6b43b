"""Header recognition checks the values: vital signs, device ids and exam names are not taken
for clinical fields; short prolactin codes are; notes columns go to comments; --unit; [tests]."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv
from typer.testing import CliRunner

from triage.cli import app
from triage.columns import (
    candidates,
    parse_header,
    recognise_columns,
    unit_kind,
    value_checks,
    value_fit,
    value_veto,
)
from triage.engine import triage_frame
from triage.io import FileRead, ReadOptions, load_mapping, read_file
from triage.knowledge import load_knowledge
from triage.schema import ConfigError, InputFileError
from triage.values import hcg_positive, parse_yes_no

runner = CliRunner()


def best(header: str) -> str | None:
    found = candidates(header)
    return found[0][0] if found else None


def read(path: Path, **options: object) -> FileRead:
    return read_file(path, None, ReadOptions(**options))  # type: ignore[arg-type]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def vetoed(result: FileRead, header: str, field: str) -> bool:
    wanted = f"column {header!r} not used as {field}: "
    return any(w.startswith(wanted) for w in result.summary.warnings)


def assert_accounted(result: FileRead) -> None:
    s = result.summary
    assert s.rows_read == s.rows_triaged + s.rows_rejected


# ------------------------------------------------------------------------------------------------
# The registry
# ------------------------------------------------------------------------------------------------
def test_every_check_is_known_and_every_checked_field_recognisable() -> None:
    checks = value_checks()
    assert {"prolactin", "reference_range", "patient_name", "pituitary_lesion"} <= set(checks)
    for name, check in checks.items():
        assert 0 < check.min_fit <= 1, name
        assert check.min_values >= 1, name
        assert check.expects, name


@pytest.mark.parametrize(
    ("field", "cells", "fits"),
    [
        ("reference_range", ["4.8-23.3", "< 25", "102–496 mIU/L", "M: 4-15; F: 5-23"], True),
        ("reference_range", [16, 18, 20, 22], False),
        ("prolactin", ["<5", ">470", "12,5", 33.0, "haemolysed"], True),
        ("prolactin", ["haemolysed", "clotted", "see comment", "QNS"], False),
        ("patient_name", ["SMITH, Jane", "Müller, Anna", "O'NEIL Sean", "GARCÍA LÓPEZ, Ana"], True),
        ("patient_name", ["MRI Pituitary", "Prolactin", "TSH", "CT Head"], False),
        ("patient_name", ["PT-0001", "PT-0002", "PT-0003"], False),
        ("pituitary_lesion", ["Microadenoma 4 mm", "normal", "no", "macroadénome 14 mm"], True),
        ("pituitary_lesion", ["SCN-04", "MR3T-01", "AW12345", "SKYRA 3T"], False),
        ("age_years", [34, "61 y", "6 months", 80], True),
        ("age_years", ["2024-01-02", "2023-05-01"], False),
        ("sex", ["F", "M", "X", "Unknown", "weiblich"], True),
        ("sex", [12.5, 33.1, 40.2], False),
        ("collected_at", ["24/11/2026", "2026-11-24 08:30", 46350, "31/02/1990"], True),
        ("collected_at", ["A", "B", "C"], False),
        ("egfr", [">90", 45, "60"], True),
        ("egfr", ["Pille", "normal"], False),
        # a kidney stage in words is an eGFR result (read with the comment vocabulary)
        ("egfr", ["CKD 3a", "ESRD"], True),
        ("pituitary_lesion_mm", [12, "1.2 cm", "12 x 10 mm"], True),
        ("macroprolactin_recovery_pct", [45, "82 %", 100], True),
    ],
)
def test_value_fit(field: str, cells: list[object], fits: bool) -> None:
    share = value_fit(field, cells)
    assert share is not None
    assert (share[0] >= value_checks()[field].min_fit) is fits


def test_placeholders_and_units_rows_tell_nothing() -> None:
    assert value_fit("reference_range", ["-", "n/a", "Unknown"]) is None
    assert value_fit("prolactin", ["ng/mL", 12, 15, 20])[0] == 1.0  # type: ignore[index]
    assert value_veto("reference_range", "RR", ["16"]) is None  # one odd cell decides nothing


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        ("breaths/min", "rate"),
        ("/min", "rate"),
        ("bpm", "rate"),
        ("mmHg", "pressure"),
        ("kg", "mass"),
        ("°C", "temperature"),
        ("%", "percent"),
        ("mmol/L", "molar"),
        ("mIU/L", "hormone"),
        ("µg/L", "hormone"),
        ("mL/min/1.73m2", "renal"),
        ("years", "time"),
    ],
)
def test_header_unit_kinds(unit: str, kind: str) -> None:
    assert unit_kind(unit) == kind


# ------------------------------------------------------------------------------------------------
# Vital signs are never reference intervals (or limits, or results)
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("RR (breaths/min)", "reference_range"),
        ("Resp. rate (breaths/min)", "reference_range"),
        ("Range (bpm)", "reference_range"),
        ("Normal range (/min)", "reference_range"),
        ("Low (mmHg)", "reference_low"),
        ("Upper (bpm)", "reference_high"),
        ("Ref (°C)", "reference_range"),
        ("Prolactin (mmol/L)", "prolactin"),
        ("Prolactin (%)", "prolactin"),
        ("Age (kg)", "age_years"),
    ],
)
def test_a_header_unit_of_another_quantity_vetoes_the_field(header: str, field: str) -> None:
    match = recognise_columns(["MRN", header, "PRL"])
    assert match.fields.get(field) != 1
    assert value_veto(field, header, None) is not None


@pytest.mark.parametrize(
    ("header", "cells"),
    [
        ("RR", [16, 18, 20, 22]),
        ("Range", [72, 80, 64]),
        ("Reference", ["120/80", "130/85", "110/70"]),
        ("Normal", ["36.8", "37.1", "36.5"]),
        ("Ref", [95, 97, 99]),
    ],
)
def test_vital_sign_values_are_not_reference_intervals(
    tmp_path: Path, header: str, cells: list[object]
) -> None:
    rows = "\n".join(f"M{i},{c},{10 + i}" for i, c in enumerate(cells))
    path = write(tmp_path, "vitals.csv", f"MRN,{header},Prolactin (ng/mL)\n{rows}\n")
    result = read(path)
    assert "reference_range" not in result.summary.mapping
    assert vetoed(result, header, "reference_range")
    assert header in result.summary.unmapped_headers
    assert_accounted(result)


def test_the_reference_range_goes_to_the_column_that_holds_intervals() -> None:
    samples = {1: [72, 80, 64], 2: ["4.8-23.3", "< 25"], 3: [12, 25, 30]}
    match = recognise_columns(["MRN", "RR", "Normal range", "PRL"], None, samples)
    assert match.header_of("reference_range") == "Normal range"
    assert any("'RR' not used as reference_range" in w for w in match.warnings)


# ------------------------------------------------------------------------------------------------
# Device and scanner ids are never pituitary findings
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "header",
    [
        "MRI scanner ID",
        "MRI device",
        "MRI station name",
        "Scanner (MRI)",
        "MRT-Gerät",
        "IRM appareil",
        "MRI accession number",
        "Pituitary MRI scanner",
        "Imaging modality",
        "MRI Tesla",
    ],
)
def test_device_headers_are_not_lesions(header: str) -> None:
    assert best(header) != "pituitary_lesion"


@pytest.mark.parametrize(
    ("header", "cells"),
    [
        ("MRI", ["MR-SCN-04", "MR-SCN-02"]),
        ("Imaging", ["AW-12345", "AW-12346", "AW-99"]),
        ("Pituitary", ["1.5T", "3T"]),
        ("IRM hypophysaire", ["SIEMENS SKYRA 3T", "Philips Ingenia 1.5T"]),
        ("RMN ipofisi", ["RM01", "RM02", "RM03"]),
    ],
)
def test_scanner_codes_are_not_lesions(tmp_path: Path, header: str, cells: list[str]) -> None:
    rows = "\n".join(f"M{i};{c};{10 + i}" for i, c in enumerate(cells))
    path = write(tmp_path, "scan.csv", f"MRN;{header};PRL (ng/mL)\n{rows}\n")
    result = read(path)
    assert "pituitary_lesion" not in result.summary.mapping
    assert vetoed(result, header, "pituitary_lesion")


def test_a_findings_column_beats_a_scanner_column() -> None:
    samples = {1: ["SKYRA 3T", "Siemens Skyra"], 2: ["Microadenoma 5 mm", "normal"], 3: [1, 2]}
    match = recognise_columns(["MRN", "MRI", "Pituitary MRI", "PRL"], None, samples)
    assert match.header_of("pituitary_lesion") == "Pituitary MRI"
    assert any("'MRI' not used as pituitary_lesion" in w for w in match.warnings)


# ------------------------------------------------------------------------------------------------
# Exam and test names are never the patient's name
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "header",
    [
        "Exam name",
        "Examination name",
        "Name of examination",
        "Procedure name",
        "Order name",
        "Study name",
        "Nom de l'examen",
        "Nom examen",
        "Nombre del estudio",
        "Nombre de la prueba",
        "Nome esame",
        "Naam onderzoek",
        "Untersuchung Name",
        "Scanner name",
        "Device name",
    ],
)
def test_exam_name_headers_are_not_patient_names(header: str) -> None:
    assert best(header) != "patient_name"


@pytest.mark.parametrize(
    "cells",
    [
        ["MRI Pituitary", "CT Head", "MRI Pituitary"],
        ["Prolactin", "TSH", "Free T4"],
        ["Prolaktin", "MRT Hypophyse", "TSH basal"],
        ["PT-0001", "PT-0002", "PT-0003"],
    ],
)
def test_name_column_of_exams_or_codes_is_not_the_patient_name(
    tmp_path: Path, cells: list[str]
) -> None:
    rows = "\n".join(f"M{i},{c},DOE Jane,{10 + i}" for i, c in enumerate(cells))
    path = write(tmp_path, "names.csv", f"MRN,Name,Patient,PRL (ng/mL)\n{rows}\n")
    result = read(path)
    assert result.summary.mapping["patient_name"] == "Patient"
    assert vetoed(result, "Name", "patient_name")
    assert set(result.frame["patient_name"]) == {"DOE Jane"}


# ------------------------------------------------------------------------------------------------
# Prolactin: short codes, suffixes, research-cohort names; and what is not prolactin
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "header",
    [
        "PROL",
        "PRL",
        "S-PRL",
        "P-Prolaktin",
        "S-Prolaktiini",
        "Prolaktin",
        "Prolactine",
        "Prolattina",
        "Prolactina",
        "PRL_Dx",
        "prl_baseline",
        "PRL_0",
        "Prolactin_V1",
        "prolactin_bl",
        "PRL (µg/L)",
        "Prolactin (mIU/L)_V1",
        "serum_prolactin_ngml",
        "prolactin_level",
        "PRL_ng_ml",
        "Prolactine (PRL)",
        "Prolactina sérica",
        "Serumprolactine",
    ],
)
def test_prolactin_codes_and_cohort_names(header: str) -> None:
    assert best(header) == "prolactin"
    match = recognise_columns(["subject_id", header])
    assert match.header_of("prolactin") == header


@pytest.mark.parametrize(
    ("header", "unit"),
    [
        ("serum_prolactin_ngml", "ng/mL"),
        ("PRL_ng_ml", "ng/mL"),
        ("prolactin_miu_l", "mIU/L"),
        ("prolactin_ngml_v1", "ng/mL"),
        ("prl_ugl_baseline", "µg/L"),
    ],
)
def test_units_glued_to_cohort_names(header: str, unit: str) -> None:
    assert parse_header(header).unit == unit


@pytest.mark.parametrize(
    "header",
    ["macroprolactin", "prolactin_date", "prl_flag", "PRL unit", "Prolactin ref range",
     "Prolaktin (PEG)", "PRL (macro)", "Prolactin (monomeric)"],
)  # fmt: skip
def test_not_the_prolactin_value(header: str) -> None:
    assert best(header) != "prolactin"


@pytest.mark.parametrize(
    "headers",
    [
        ["MRN", "PRL 0", "PRL 30", "PRL 60"],
        ["MRN", "Prolactin 0", "Prolactin 20", "Prolactin 60"],
        ["MRN", "PRL_0", "PRL_30", "PRL_60", "PRL_90"],
        ["MRN", "PRL (0 min)", "PRL (30 min)", "PRL (60 min)"],
        ["MRN", "Prolaktin 0 (µg/l)", "Prolaktin 15 (µg/l)"],
    ],
)
def test_a_timed_series_is_read_column_by_column(headers: list[str]) -> None:
    """Each column of the series is read as a sample of its own (review 20: the whole file
    had been refused), labelled with its column, so that the reader tells the time points
    apart as a time-point column's."""
    match = recognise_columns(headers)
    assert match.series_columns == list(range(1, len(headers)))
    assert any("several prolactin results of each row" in w for w in match.warnings)


def test_a_timed_series_file_rejects_its_time_points_and_says_why(tmp_path: Path) -> None:
    path = write(tmp_path, "cannula.csv", "MRN,PRL 0,PRL 30,PRL 60\nA,800,600,500\n")
    result = read(path, unit="mIU/L")
    assert len(result.frame) == 0
    assert [r.reason_code for r in result.rejected] == ["other_test"] * 3
    assert all("timed prolactin series" in r.detail for r in result.rejected)


def test_a_baseline_column_beside_a_series_is_not_taken_for_it() -> None:
    match = recognise_columns(["MRN", "Prolactin", "PRL 30", "PRL 60"])
    assert match.header_of("prolactin") == "Prolactin"


def test_a_column_of_words_loses_prolactin_to_the_column_of_numbers() -> None:
    samples = {1: ["see comment", "haemolysed", "clotted", "QNS"], 2: [12, 25, 30]}
    match = recognise_columns(["MRN", "Prolactin", "PRL"], None, samples)
    assert match.header_of("prolactin") == "PRL"


def test_research_cohort_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "cohort.csv",
        "subject_id,visit,age_at_visit,sex_mf,bmi_kg_m2,sbp_mmhg,resp_rate,"
        "serum_prolactin_ngml,prl_flag,prolactin_date,macroprolactin\n"
        "S001,1,34,F,22.1,120,16,25.2,H,2024-01-02,no\n"
        "S002,1,45,M,27.3,135,18,9.1,,2024-01-03,no\n"
        "S003,1,29,F,31.0,110,14,88.0,H,2024-01-05,yes\n",
    )
    result = read(path)
    assert result.summary.mapping == {
        "patient_id": "subject_id",
        "age_years": "age_at_visit",
        "sex": "sex_mf",
        "prolactin": "serum_prolactin_ngml",
        "lab_flag": "prl_flag",  # the result's own flag (docs: "The lab's own flag")
        "collected_at": "prolactin_date",  # the analyte's own sample date
        "visit": "visit",  # the visit label (review 18: part of an undated result's identity)
    }
    assert result.frame["prolactin_unit"].tolist() == ["ng/mL"] * 3
    assert result.frame["lab_flag"].fillna("").tolist() == ["high", "", "high"]
    assert_accounted(result)


# ------------------------------------------------------------------------------------------------
# Six languages, messy headers
# ------------------------------------------------------------------------------------------------
LANGUAGE_FILES = {
    "en.csv": (
        "MRN,Name,Exam name,Resp. rate (breaths/min),RR,HR (bpm),BP (mmHg),Temp (°C),MRI,"
        "MRI scanner ID,PROL (ng/mL),Clinical information,Comments\n"
        'M1,"SMITH, Jane",MRI Pituitary,16,16,72,120/80,36.8,MR-SCN-04,SCN-04,25.1,galactorrhoea,'
        "repeat\n"
        'M2,"DOE, John",CT Head,18,18,80,130/85,37.1,MR-SCN-02,SCN-02,<5,headache,\n'
        'M3,"ROE, Ann",MRI Pituitary,20,20,64,110/70,36.5,MR-SCN-04,SCN-04,>470,,\n'
    ),
    "de.csv": (
        "Pat-Nr;Name;Untersuchung;Atemfrequenz (/min);Puls (Schläge/min);Gewicht (kg);"
        "MRT-Gerät;P-Prolaktin (µg/l);Symptome;Klinische Angaben;Bemerkung\n"
        "1001;Müller, Anna;MRT Hypophyse;16;72;64;Skyra-3T-01;23,4;Kopfschmerz;Galaktorrhoe;"
        "nüchtern\n"
        "1002;Schmidt, Jan;Prolaktin;18;80;81;Skyra-3T-02;12,0;;Amenorrhoe;\n"
        "1003;Weber, Eva;MRT Hypophyse;14;60;59;Skyra-3T-01;< 5;;;\n"
    ),
    "fr.csv": (
        "IPP;Nom;Nom de l'examen;FR (/min);Poids (kg);IRM hypophysaire;Prolactine (µg/L);"
        "Renseignements cliniques;Informations cliniques;Commentaire\n"
        "A1;DUPONT Marie;IRM hypophyse;16;60;microadénome 4 mm;45,2;galactorrhée;aménorrhée;\n"
        "A2;MARTIN Luc;Prolactine;18;75;normal;12;;céphalées;hémolyse\n"
        "A3;BERNARD Lea;IRM hypophyse;12;55;macroadénome 14 mm;1200;;;\n"
    ),
    "es.csv": (
        "NHC;Nombre;Prueba;Frec. resp. (rpm);Prolactina;Datos clínicos;Observaciones;"
        "Rango de referencia\n"
        "1;GARCÍA, Ana;Prolactina;16;25,3;galactorrea;;4,8-23,3\n"
        "2;LÓPEZ, Luis;RMN hipófisis;18;8,1;;hemolizada;4,0-15,2\n"
        "3;PÉREZ, Eva;Prolactina;20;<5;cefalea;;4,8-23,3\n"
    ),
    "it.csv": (
        "Codice paziente;Cognome;Nome;Esame;Prolattina (ng/mL);Notizie cliniche;Note cliniche;"
        "Note\n"
        "1;ROSSI;Maria;RMN ipofisi;33;amenorrea;galattorrea;\n"
        "2;BIANCHI;Luca;Prolattina;11;;;emolisi\n"
        "3;VERDI;Anna;RMN ipofisi;<2;;;\n"
    ),
    "nl.csv": (
        "Patiëntnummer;Naam;Onderzoek naam;Ademfrequentie (/min);Prolactine (mIU/L);"
        "Klinische gegevens;Opmerkingen;Referentiewaarde\n"
        "1;JANSEN, Eva;MRI hypofyse;16;650;galactorroe;;102-496\n"
        "2;DE VRIES, Jan;Prolactine;18;200;;gehemolyseerd;86-324\n"
        "3;BAKKER, Anna;MRI hypofyse;14;90;;;102-496\n"
    ),
}

EXPECTED = {
    "en.csv": {
        "patient_id": "MRN",
        "patient_name": "Name",
        "prolactin": "PROL (ng/mL)",
        "comments": "Comments",
    },
    "de.csv": {
        "patient_id": "Pat-Nr",
        "patient_name": "Name",
        "prolactin": "P-Prolaktin (µg/l)",
        "symptoms": "Symptome",
        "comments": "Bemerkung",
    },
    "fr.csv": {
        "patient_id": "IPP",
        "patient_name": "Nom",
        "pituitary_lesion": "IRM hypophysaire",
        "prolactin": "Prolactine (µg/L)",
        "comments": "Commentaire",
    },
    "es.csv": {
        "patient_id": "NHC",
        "patient_name": "Nombre",
        "prolactin": "Prolactina",
        "comments": "Observaciones",
        "reference_range": "Rango de referencia",
    },
    "it.csv": {
        "patient_id": "Codice paziente",
        "patient_name": "Cognome",
        "given_name": "Nome",
        "prolactin": "Prolattina (ng/mL)",
        "comments": "Note",
    },
    "nl.csv": {
        "patient_id": "Patiëntnummer",
        "patient_name": "Naam",
        "prolactin": "Prolactine (mIU/L)",
        "comments": "Opmerkingen",
        "reference_range": "Referentiewaarde",
    },
}


@pytest.mark.parametrize("name", sorted(LANGUAGE_FILES))
def test_messy_exports_in_six_languages(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, LANGUAGE_FILES[name])
    result = read(path)
    assert result.summary.mapping == EXPECTED[name]
    assert result.summary.rows_triaged == 3
    assert_accounted(result)


def test_english_vetoes_are_reported(tmp_path: Path) -> None:
    result = read(write(tmp_path, "en.csv", LANGUAGE_FILES["en.csv"]))
    assert vetoed(result, "RR", "reference_range")
    assert vetoed(result, "MRI", "pituitary_lesion")
    assert {"Exam name", "MRI scanner ID", "HR (bpm)", "Resp. rate (breaths/min)"} <= set(
        result.summary.unmapped_headers
    )


# ------------------------------------------------------------------------------------------------
# Notes columns are read as comments
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "column", "piece"),
    [
        ("de.csv", "Klinische Angaben", "Klinische Angaben: Galaktorrhoe"),
        ("fr.csv", "Informations cliniques", "Informations cliniques: aménorrhée"),
        ("it.csv", "Note cliniche", "Note cliniche: galattorrea"),
    ],
)
def test_notes_columns_are_joined_to_comments(
    tmp_path: Path, name: str, column: str, piece: str
) -> None:
    result = read(write(tmp_path, name, LANGUAGE_FILES[name]))
    assert column not in result.summary.unmapped_headers
    assert any(
        f"column {column!r} holds clinical information" in w for w in result.summary.warnings
    )
    first = result.frame.iloc[0]["comments"]
    assert piece in first


def test_notes_column_joined_after_the_comment_cell(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "notes.csv",
        "MRN,PRL (ng/mL),Comment,Anamnese,Opmerkingen\nA,30,haemolysed?,on risperidone,fasting\n"
        "B,12,,,\n",
    )
    result = read(path)
    frame = result.frame
    assert frame.iloc[0]["comments"] == (
        "haemolysed?; Anamnese: on risperidone; Opmerkingen: fasting"
    )
    assert pd.isna(frame.iloc[1]["comments"]) or frame.iloc[1]["comments"] == ""


def test_notes_column_alone_becomes_the_comments(tmp_path: Path) -> None:
    path = write(
        tmp_path, "notes.csv", "MRN,Symptoms,PRL (ng/mL),Indication\nA,headache,30,amenorrhoea\n"
    )
    result = read(path)
    # "Indication" is clinical information, not symptoms: it is the comments column itself.
    assert result.summary.mapping["comments"] == "Indication"
    assert result.frame.iloc[0]["comments"] == "amenorrhoea"
    assert result.frame.iloc[0]["symptoms"] == "headache"


# ------------------------------------------------------------------------------------------------
# --unit
# ------------------------------------------------------------------------------------------------
def test_unit_option_gives_the_unit_of_a_file_that_states_none(tmp_path: Path) -> None:
    path = write(tmp_path, "plain.csv", "MRN,Prolactin,Units\nA,712,\nB,30,ng/mL\n")
    bare = read(path)
    assert [r.reason_code for r in bare.rejected] == ["unknown_unit"]
    assert "--unit" in bare.rejected[0].detail
    # --unit fills a row without a unit only where the file's own units do not contradict it:
    # the column writes ng/mL, so 712 in mIU/L would be a guess against the file (review 13)
    given = read(path, unit="mIU/L")
    assert given.frame["prolactin_unit"].tolist() == ["ng/mL"]  # the column still wins
    assert [r.reason_code for r in given.rejected] == ["unknown_unit"]
    assert "is not applied" in given.rejected[0].detail
    agreeing = read(path, unit="ng/mL")
    assert agreeing.frame["prolactin_unit"].tolist() == ["ng/mL", "ng/mL"]


def test_unit_option_never_overrides_the_header_or_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "header.csv", "MRN,PRL (ng/mL)\nA,12\n")
    assert read(path, unit="mIU/L").frame["prolactin_unit"].tolist() == ["ng/mL"]


def test_unit_option_on_the_command_line_env_and_config(tmp_path: Path) -> None:
    path = write(tmp_path, "plain.csv", "MRN,Prolactin\nA,712\nB,300\n")
    bare = runner.invoke(app, ["check", str(path)])
    assert "unknown_unit (2)" in bare.stdout and "--unit" in bare.stdout
    flag = runner.invoke(app, ["check", str(path), "--unit", "mIU/L"])
    assert "2 read = 2 usable + 0 rejected" in flag.stdout, flag.output
    env = runner.invoke(app, ["check", str(path)], env={"PROLACTIN_TRIAGE_UNIT": "mU/L"})
    assert "2 read = 2 usable + 0 rejected" in env.stdout, env.output
    config = write(tmp_path, "config.toml", 'unit = "mIU/L"\n')
    configured = runner.invoke(app, ["check", str(path), "--config", str(config)])
    assert "2 read = 2 usable + 0 rejected" in configured.stdout, configured.output
    bad = runner.invoke(app, ["check", str(path), "--unit", "mmol/L"])
    assert bad.exit_code == 2


# ------------------------------------------------------------------------------------------------
# Long files with local test codes: the mapping file's [tests]
# ------------------------------------------------------------------------------------------------
LOCAL_LONG = (
    "Patient ID,Sample,Test code,Result,Unit\n"
    "P1,S1,4711,712,mIU/L\n"
    "P1,S1,4712,6.2,mU/L\n"
    "P1,S1,4713,38,mL/min/1.73m2\n"
    "P1,S1,9999,5.1,mmol/L\n"
    "P2,S2,4711,250,mIU/L\n"
)


def test_local_test_codes_from_the_mapping_file(tmp_path: Path) -> None:
    data = write(tmp_path, "lis.csv", LOCAL_LONG)
    mapping = load_mapping(
        write(
            tmp_path,
            "map.toml",
            '[tests]\n"4711" = "prolactin"\n"4712" = "tsh"\n"4713" = "egfr"\n',
        )
    )
    assert mapping.tests == {"4711": "prolactin", "4712": "tsh", "4713": "egfr"}
    result = read_file(data, mapping, ReadOptions())
    assert result.summary.shape == "long"
    frame = result.frame.set_index("patient_id")
    assert frame.loc["P1", "prolactin_value"] == 712
    assert frame.loc["P1", "tsh"] == 6.2
    assert frame.loc["P1", "egfr"] == 38
    assert [r.reason_code for r in result.rejected] == ["other_test"]  # 9999 is not used
    assert_accounted(result)


def test_without_local_codes_the_long_file_has_no_prolactin(tmp_path: Path) -> None:
    # Contract §6: a file with no prolactin is unusable (exit 3), not "0 results"; the message
    # lists the codes seen and points to the [tests] table.
    with pytest.raises(InputFileError, match=r"\[tests\]") as info:
        read(write(tmp_path, "lis.csv", LOCAL_LONG))
    assert "'4711'" in str(info.value) and "'4712'" in str(info.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[tests]\n"4711" = "cortisol"\n', "must name one of"),
        ('[tests]\n"4711" = 3\n', "must name one of"),
    ],
)
def test_bad_tests_table(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words) as info:
        load_mapping(write(tmp_path, "map.toml", text))
    assert info.value.line == 2


# ------------------------------------------------------------------------------------------------
# check says what was chosen and why
# ------------------------------------------------------------------------------------------------
def test_check_explains_vetoes_and_notes(tmp_path: Path) -> None:
    path = write(tmp_path, "en.csv", LANGUAGE_FILES["en.csv"])
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "prolactin" in out and "<- PROL (ng/mL)" in out
    assert "'RR' not used as reference_range: its values are not intervals" in out
    assert "'MRI' not used as pituitary_lesion" in out
    de = runner.invoke(app, ["check", str(write(tmp_path, "de.csv", LANGUAGE_FILES["de.csv"]))])
    assert "'Klinische Angaben' holds clinical information or notes" in de.stdout


# ------------------------------------------------------------------------------------------------
# The sample exports keep their mapping and their accounting
# ------------------------------------------------------------------------------------------------
SAMPLE_WIDE_MAPPING = {
    "specimen_id": "Lab No",
    "patient_id": "MRN",
    "patient_name": "Patient",
    "sex": "Sex",
    "birth_date": "DOB",
    "collected_at": "Collected",
    "prolactin": "Prolactin",
    "prolactin_unit": "Units",
    "reference_range": "Ref. range",
    "pregnant": "Pregnant",
    "lactating": "Breastfeeding",
    "medications": "Current medication",
    "egfr": "eGFR",
    "dialysis": "Dialysis",
    "liver_disease": "Liver",
    "tsh": "TSH",
    "symptoms": "Symptoms",
    "comments": "Comment",
}
SAMPLE_LONG_MAPPING = {
    "patient_id": "Patient ID",
    "patient_name": "Name",
    "sex": "Gender",
    "birth_date": "Birth date",
    "specimen_id": "Specimen",
    "collected_at": "Collection time",
    "test_code": "Test code",
    "loinc": "LOINC",
    "test": "Test name",
    "result": "Result",
    "unit": "Unit",
    "reference_range": "Reference",
    "medications": "Medication (from order)",
}


@pytest.mark.parametrize(
    ("name", "mapping", "counts"),
    [
        ("wide_clinic_export.xlsx", SAMPLE_WIDE_MAPPING, (120, 117, 3)),
        ("legacy_export.xls", SAMPLE_WIDE_MAPPING, (30, 29, 1)),
        ("clinic_list.ods", SAMPLE_WIDE_MAPPING, (25, 24, 1)),
        ("lis_long_export.csv", SAMPLE_LONG_MAPPING, (258, 258, 0)),
    ],
)
def test_samples_keep_their_mapping(
    name: str, mapping: dict[str, str], counts: tuple[int, int, int]
) -> None:
    result = read(Path(__file__).parent / "data" / "samples" / name)
    s = result.summary
    assert s.mapping == mapping
    assert s.unmapped_headers == []
    assert (s.rows_read, s.rows_triaged, s.rows_rejected) == counts
    assert not any(" not used as " in w for w in s.warnings)


# ------------------------------------------------------------------------------------------------
# Sex words of Spanish exports
# ------------------------------------------------------------------------------------------------
def test_hombre_mujer_letters(tmp_path: Path) -> None:
    path = write(tmp_path, "es.csv", "NHC;Sexo;Prolactina (ng/mL)\n1;H;20\n2;M;20\n3;M;25\n")
    result = read(path)
    assert result.frame["sex"].tolist() == ["M", "F", "F"]
    assert any("hombre / mujer" in w for w in result.summary.warnings)


@pytest.mark.parametrize(
    ("header", "expected", "read_as"),
    [
        # V is varón in Spanish and vrouw in Dutch: the sex column's header decides.
        ("Sexo", ["M", "F", "F"], "varón / mujer"),
        ("Género", ["M", "F", "F"], "varón / mujer"),
        ("Geslacht", ["F", "M", "M"], "vrouw / man"),
        ("Geslacht (M/V)", ["F", "M", "M"], "vrouw / man"),
        # Nothing decides: unknown (judged between both sexes' limits), never a guess.
        ("Sex", [None, None, None], "header does not say which"),
        ("Gender", [None, None, None], "header does not say which"),
    ],
)
def test_v_m_letters_are_read_by_the_language_of_the_header(
    tmp_path: Path, header: str, expected: list[str | None], read_as: str
) -> None:
    path = write(tmp_path, "vm.csv", f"ID;{header};PRL (ng/mL)\n1;V;20\n2;M;20\n3;m;25\n")
    result = read(path)
    assert [None if pd.isna(x) else x for x in result.frame["sex"]] == expected
    assert any(read_as in w for w in result.summary.warnings)


def test_letters_of_one_language_only_are_read_as_usual(tmp_path: Path) -> None:
    # V, M and F under a header of no language: V is vrouw (Dutch) or varón (Spanish), M is man
    # or (beside V and F) masculino / mujer: those are unknown, with a warning; F stays F.
    path = write(tmp_path, "fm.csv", "ID;Sex;PRL (ng/mL)\n1;F;20\n2;M;20\n3;V;25\n")
    result = read(path)
    assert result.frame["sex"].tolist()[0] == "F"
    assert result.frame["sex"].isna().tolist() == [False, True, True]
    assert any("M/V rows' sex is read as unknown" in w for w in result.summary.warnings)


def test_m_stays_male_beside_f(tmp_path: Path) -> None:
    path = write(tmp_path, "en.csv", "MRN,Sex,PRL (ng/mL)\nA,M,20\nB,F,20\nC,H,3\n")
    assert read(path).frame["sex"].tolist() == ["M", "F", "M"]


def test_varon_is_male(tmp_path: Path) -> None:
    path = write(tmp_path, "es.csv", "NHC;Sexo;Prolactina (ng/mL)\n1;Varón;20\n2;Mujer;20\n")
    assert read(path).frame["sex"].tolist() == ["M", "F"]


def test_a_prolactin_column_of_words_only_says_why_it_is_not_used(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "words.csv",
        "MRN,Prolactin\nA,haemolysed\nB,clotted\nC,insufficient sample\nD,see comment\n",
    )
    with pytest.raises(InputFileError, match="not used as prolactin: its values are not results"):
        read(path)


def test_the_mapping_file_is_never_vetoed(tmp_path: Path) -> None:
    data = write(tmp_path, "vitals.csv", "MRN,RR,PRL (ng/mL)\nA,16,12\nB,18,30\n")
    mapping = load_mapping(write(tmp_path, "map.toml", '[columns]\nreference_range = "RR"\n'))
    result = read_file(data, mapping, ReadOptions())
    assert result.summary.mapping["reference_range"] == "RR"


@pytest.mark.parametrize(
    ("cell", "field", "expected"),
    [
        ("embarazo previo en 2020, actualmente no", "pregnant", False),
        ("previous pregnancy 2020", "pregnant", None),
        ("pregnant, previous miscarriage", "pregnant", True),
        ("Z.n. Dialyse 2019", "dialysis", None),
        ("derzeit nicht schwanger", "pregnant", False),
        ("HD Mon/Wed/Fri", "dialysis", True),
        ("Embarazada 12 semanas", "pregnant", True),
    ],
)
def test_yes_no_texts_about_the_past(cell: str, field: str, expected: bool | None) -> None:
    assert parse_yes_no(cell, field) is expected


@pytest.mark.parametrize(
    ("text", "positive"),
    [
        ("negativo", False),
        ("positivo", True),
        ("négatif", False),
        ("negatief", False),
        ("positiv", True),
    ],
)
def test_pregnancy_test_words_in_five_languages(text: str, positive: bool) -> None:
    assert hcg_positive(text) is positive


# ------------------------------------------------------------------------------------------------
# Outside review: header gaps, clinical information is not symptoms, patient ids
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("FG", "egfr"),
        ("FGe", "egfr"),
        ("filtrado glomerular", "egfr"),
        ("Filtrato glomerulare", "egfr"),
        ("visit_date", "collected_at"),
        ("sample_date", "collected_at"),
        ("date_prelevement", "collected_at"),
        ("Abnahmedatum", "collected_at"),
        ("fecha_extraccion", "collected_at"),
        ("preg_status", "pregnant"),
        ("pregnancy_status", "pregnant"),
        ("lact_status", "lactating"),
        ("lactation_status", "lactating"),
        ("breastfeeding_status", "lactating"),
        ("meno_status", "menopausal"),
        ("menopausal_status", "menopausal"),
        ("dialysis_status", "dialysis"),
        ("study_id", "patient_id"),
        ("subject", "patient_id"),
        ("subject_id", "patient_id"),
        ("N° dossier", "patient_id"),
        ("No dossier", "patient_id"),
        ("dossier", "patient_id"),
        ("NHC", "patient_id"),
        ("NIP", "patient_id"),
        ("IPP", "patient_id"),
        ("paciente", "patient_id"),
        ("Codice paziente", "patient_id"),
        ("Patiëntnummer", "patient_id"),
        ("Pat.-Nr.", "patient_id"),
        ("Auftragsnr", "specimen_id"),
        ("Auftragsnummer", "specimen_id"),
        ("Order no", "specimen_id"),
        ("Accession", "specimen_id"),
        ("Specimen no", "specimen_id"),
        ("N° échantillon", "specimen_id"),
        ("Muestra", "specimen_id"),
        ("Klinische Angaben", "comments"),
        ("Klinische gegevens", "comments"),
        ("Renseignements cliniques", "comments"),
        ("Clinical details", "comments"),
        ("Informazioni cliniche", "comments"),
        ("Datos clínicos", "comments"),
        ("Symptome", "symptoms"),
        ("Symptoms", "symptoms"),
        ("Symptômes", "symptoms"),
        ("Síntomas", "symptoms"),
        ("Sintomi", "symptoms"),
        ("Klachten", "symptoms"),
    ],
)
def test_review_header_gaps(header: str, field: str) -> None:
    assert best(header) == field


STATE_EXPORTS = {
    "en.csv": "study_id,sex,age,prl_ngml,preg_status,lact_status,meno_status,dialysis_status,"
    "visit_date,FG\nE1,F,30,120,no,lactating,pre,no,2026-11-24,55\n",
    "de.csv": "Pat.-Nr.;Geschlecht;Alter;Prolaktin (µg/l);pregnancy_status;lactation_status;"
    "menopausal_status;Abnahmedatum;FGe\nD1;w;30;120;nein;stillend;prä;24.11.2026;55\n",
    "fr.csv": "N° dossier;Sexe;Âge;Prolactine (µg/L);preg_status;breastfeeding_status;"
    "date_prelevement;FG\nF1;F;30;120;non;oui;24/11/2026;55\n",
    "es.csv": "NHC;Sexo;Edad;Prolactina (ng/mL);pregnancy_status;lact_status;fecha_extraccion;"
    "filtrado glomerular\nS1;M;30;120;no;sí;24/11/2026;55\n",
    "it.csv": "Codice paziente;Sesso;Età;Prolattina (ng/mL);preg_status;lact_status;"
    "sample_date;eGFR\nI1;F;30;120;no;sì;24/11/2026;55\n",
    "nl.csv": "Patiëntnummer;Geslacht;Leeftijd;Prolactine (µg/L);preg_status;lact_status;"
    "visit_date;FG\nN1;V;30;120;nee;ja;24-11-2026;55\n",
}


@pytest.mark.parametrize("name", sorted(STATE_EXPORTS))
def test_snake_case_state_and_date_headers_in_six_languages(tmp_path: Path, name: str) -> None:
    result = read(write(tmp_path, name, STATE_EXPORTS[name]))
    assert_accounted(result)
    mapping = result.summary.mapping
    assert {"patient_id", "pregnant", "lactating", "collected_at", "egfr"} <= set(mapping)
    row = result.frame.iloc[0]
    assert row["lactating"] is True or bool(row["lactating"]) is True
    assert row["egfr"] == 55.0
    assert pd.notna(row["collected_at"])


@pytest.mark.parametrize("header", ["ckd_stage", "CKD-Stadium", "Stade IRC", "Estadio ERC"])
def test_a_ckd_stage_column_is_the_kidney_disease_field(tmp_path: Path, header: str) -> None:
    """A CKD-stage column (a bare stage per cell) is the kidney-disease field, never the eGFR,
    and its stage is read as one (tests/test_engine_rules.py: the renal finding)."""
    result = read(write(tmp_path, "ckd.csv", f"MRN,Sex,PRL (ng/mL),{header}\nA,F,45,4\nB,F,45,\n"))
    assert "egfr" not in result.summary.mapping
    assert result.summary.mapping["kidney_disease"] == header
    assert result.frame.iloc[0]["kidney_disease"] == "4"
    assert pd.isna(result.frame.iloc[1]["kidney_disease"])


def test_clinical_information_is_comments_and_symptoms_stay_symptoms(tmp_path: Path) -> None:
    result = read(
        write(
            tmp_path,
            "de.csv",
            "Pat.-Nr.;Prolaktin (µg/l);Klinische Angaben;Symptome\n"
            "D1;52;Schwangerschaft ausgeschlossen;Galaktorrhoe\n",
        )
    )
    assert result.summary.mapping["comments"] == "Klinische Angaben"
    assert result.summary.mapping["symptoms"] == "Symptome"
    assert result.frame.iloc[0]["comments"] == "Schwangerschaft ausgeschlossen"


def test_patient_column_of_codes_is_the_patient_id(tmp_path: Path) -> None:
    result = read(
        write(
            tmp_path, "codes.csv", "Patient;Sexe;Prolactine (µg/L)\nX52;F;20\nX53;F;21\nX54;H;9\n"
        )
    )
    assert result.summary.mapping["patient_id"] == "Patient"
    assert "patient_name" not in result.summary.mapping
    assert result.frame["patient_id"].tolist() == ["X52", "X53", "X54"]


def test_patient_column_of_names_stays_the_name(tmp_path: Path) -> None:
    result = read(
        write(
            tmp_path,
            "names.csv",
            "MRN;Patient;Prolactine (µg/L)\n1;DUPONT, Marie;20\n2;MARTIN, Luc;21\n3;PETIT, Ana;9\n",
        )
    )
    assert result.summary.mapping["patient_name"] == "Patient"
    assert result.summary.mapping["patient_id"] == "MRN"


# ------------------------------------------------------------------------------------------------
# Clinical free-text headers (diagnoses, problem lists, past history, the question asked) are
# read as comments; medication headers in six languages are the medications, and a second
# medication column is joined to the first.  An unknown column of free text is named, not read.
# ------------------------------------------------------------------------------------------------
CLINICAL_TEXT_HEADERS = [
    "Diagnosen",
    "Diagnosis",
    "Diagnoses",
    "Diagnóstico",
    "Diagnostic",
    "Diagnosi",
    "Diagnose(n)",
    "Verdachtsdiagnose",
    "Quesito clinico",
    "Quesito diagnostico",
    "Motif de la demande",
    "Question clinique",
    "Juicio clínico",
    "Motivo de consulta",
    "Problem list",
    "Co-morbidities",
    "Comorbidities",
    "Komorbiditäten",
    "Vorerkrankungen",
    "Nebendiagnosen",
    "Antécédents",
    "Comorbidités",
    "Antecedentes",
    "Comorbilidades",
    "Anamnesi",
    "Comorbidità",
    "Voorgeschiedenis",
    "Comorbiditeit",
    "Reason for request",
    "Clinical question",
    "Anforderungsgrund",
    "Indikation",
    "Indicación",
    "Indicazione",
]
MEDICATION_HEADERS = [
    "Terapia in atto",
    "Terapia domiciliare",
    "Traitement en cours",
    "Traitement habituel",
    "Medicación actual",
    "Tratamiento habitual",
    "Aktuelle Medikation",
    "Dauermedikation",
    "Hausmedikation",
    "Huidige medicatie",
    "Current meds",
    "Current medication(s)",
    "Regular medications",
    "Medications prior to admission",  # "Drug history" is past: test_review12_med_columns
]


@pytest.mark.parametrize("header", CLINICAL_TEXT_HEADERS)
def test_clinical_text_headers_are_read_as_comments(header: str) -> None:
    cells = ["gravidanza 20 settimane", "on risperidone 2 mg", "Z.n. Hypophysenadenom 8 mm"]
    match = recognise_columns(["ID", "Sex", "Age", "Prolactin (ng/mL)", header], samples={4: cells})
    assert match.fields.get("comments") == 4 or 4 in match.note_columns
    assert header not in match.unmapped


@pytest.mark.parametrize("header", MEDICATION_HEADERS)
def test_medication_headers_in_six_languages(header: str) -> None:
    match = recognise_columns(
        ["ID", "Sex", "Prolactin (ng/mL)", header], samples={3: ["Risperdal 2 mg", "nil"]}
    )
    assert match.fields.get("medications") == 3


CLINICAL_EXPORTS = {
    "de.csv": (
        "Pat.-Nr.;Geschlecht;Alter;Prolaktin (ng/ml);Aktuelle Medikation;Hausmedikation;"
        "Diagnosen;Vorerkrankungen;Bemerkung\n"
        "D1;w;34;60;Ramipril 5 mg;Haldol 5 mg;V.a. Hypophysenadenom;Z.n. Sectio 2019;nüchtern\n"
        "D2;m;50;12;keine;;Hypertonie;;\n",
        {"Diagnosen": "Diagnosen: V.a. Hypophysenadenom", "Vorerkrankungen": "Z.n. Sectio"},
        "Hausmedikation: Haldol 5 mg",
    ),
    "it.csv": (
        "Codice paziente;Sesso;Età;PRL (ng/mL);Terapia in atto;Terapia domiciliare;"
        "Quesito clinico;Anamnesi\n"
        "I1;F;29;75;Eutirox 50;Levopraid 25 mg;amenorrea, gravidanza?;pregressa tiroidite\n"
        "I2;M;61;9;nessuna;;;\n",
        {"Quesito clinico": "Quesito clinico: amenorrea, gravidanza?"},
        "Terapia domiciliare: Levopraid 25 mg",
    ),
    "fr.csv": (
        "IPP;Sexe;Âge;Prolactine (µg/L);Traitement en cours;Traitement habituel;"
        "Motif de la demande;Antécédents\n"
        "F1;F;31;58;Lévothyrox 75;Primperan 10 mg;galactorrhée;grossesse en 2020\n"
        "F2;H;45;10;aucun;;;\n",
        {"Motif de la demande": "Motif de la demande: galactorrhée"},
        "Traitement habituel: Primperan 10 mg",
    ),
    "es.csv": (
        "NHC;Sexo;Edad;Prolactina (ng/mL);Medicación actual;Tratamiento habitual;"
        "Juicio clínico;Antecedentes\n"
        "E1;M;27;80;anticonceptivos;Risperdal 3 mg;amenorrea secundaria;embarazo 2018\n"
        "E2;V;52;11;ninguno;;;\n",
        {"Juicio clínico": "Juicio clínico: amenorrea secundaria"},
        "Tratamiento habitual: Risperdal 3 mg",
    ),
    "nl.csv": (
        "Patientnummer;Geslacht;Leeftijd;Prolactine (mU/l);Huidige medicatie;Voorgeschiedenis;"
        "Comorbiditeit\n"
        "N1;V;33;900;Motilium 10 mg;zwangerschap 2021;hypothyreoïdie\n"
        "N2;M;47;200;geen;;\n",
        {"Voorgeschiedenis": "Voorgeschiedenis: zwangerschap 2021"},
        "",
    ),
    "en.csv": (
        "MRN,Sex,Age,PRL (mU/L),Current meds,Regular medications,Diagnosis,Problem list,"
        "Co-morbidities,Reason for request\n"
        "A1,F,36,1100,nil,domperidone 10 mg tds,?prolactinoma,CKD 3,hypothyroid,galactorrhoea\n"
        "A2,M,58,180,none,,,,,\n",
        {"Problem list": "Problem list: CKD 3", "Reason for request": "galactorrhoea"},
        "Regular medications: domperidone 10 mg tds",
    ),
}


@pytest.mark.parametrize("name", sorted(CLINICAL_EXPORTS))
def test_clinical_text_and_medication_columns_of_real_exports(tmp_path: Path, name: str) -> None:
    text, pieces, second_drugs = CLINICAL_EXPORTS[name]
    result = read(write(tmp_path, name, text))
    assert result.summary.unmapped_headers == []
    first = result.frame.iloc[0]
    for header, piece in pieces.items():
        assert piece in first["comments"]
        assert header not in result.summary.unmapped_headers
    if second_drugs:  # both medication columns are read, the second as "header: text"
        header, drugs = second_drugs.split(": ")
        assert drugs in first["medications"]
        assert any("also holds medications" in w for w in result.summary.warnings)
        joined = [w for w in result.summary.warnings if "also holds medications" in w]
        assert len(joined) == 1
        assert header in " ".join(joined) + first["medications"]
    assert_accounted(result)


def test_check_says_where_clinical_text_goes(tmp_path: Path) -> None:
    text, _, _ = CLINICAL_EXPORTS["it.csv"]
    path = write(tmp_path, "it.csv", text)
    shown = runner.invoke(app, ["check", str(path)])
    assert "'Quesito clinico' holds clinical information or notes: read into comments" in (
        shown.output
    )
    assert "also holds medications: read into medications" in shown.output


FREE_TEXT_WARNING = "holds free text that is not read; if it holds clinical details, map it"


def test_unknown_free_text_column_is_named_not_read(tmp_path: Path) -> None:
    # free text naming no finding under a header the reader does not know ("Zusatzinfo" is now
    # a notes header, and clinical cells are read as notes: tests/test_review20_note_headers.py)
    path = write(
        tmp_path,
        "free.csv",
        "ID;Geschlecht;Alter;Prolaktin (ng/ml);Freifeld 1;Station;Einsender;Name\n"
        "P1;w;30;60;Befund per Fax an Praxis;Innere Medizin;Dr. Maier;MÜLLER, Anna\n"
        "P2;w;41;35;Termin in zwei Wochen;Gynäkologie Ambulanz;Dr. Huber;van der Berg, Eva\n"
        "P3;m;55;12;Rückruf erbeten bis Freitag;Innere Medizin;Dr. Maier;SCHMID, Jan\n",
    )
    result = read(path)
    warned = [w for w in result.summary.warnings if FREE_TEXT_WARNING in w]
    assert warned == [f"column 'Freifeld 1' {FREE_TEXT_WARNING}: [columns] comments = 'Freifeld 1'"]
    assert "Freifeld 1" in result.summary.unmapped_headers
    assert all("Termin" not in str(c) for c in result.frame["comments"].tolist())
    shown = runner.invoke(app, ["check", str(path)])
    assert f"column 'Freifeld 1' {FREE_TEXT_WARNING}" in shown.output


@pytest.mark.parametrize(
    "cells",
    [
        ["SMITH, John", "van der Berg, Anna", "DOE Jane"],  # names
        ["P-0012", "E22.1", "12345"],  # codes
        ["12/03/2024", "13/03/2024"],  # dates
        ["Hashimoto", "Galattorrea"],  # one word
    ],
)
def test_no_free_text_warning_for_names_codes_dates_or_single_words(cells: list[str]) -> None:
    match = recognise_columns(["ID", "Sex", "Prolactin", "Extra"], samples={3: cells})
    assert not any(FREE_TEXT_WARNING in w for w in match.warnings)


# ------------------------------------------------------------------------------------------------
# "Patient" and "Codice" are the patient id only when they hold codes
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("headers", "cells", "expected"),
    [
        (["Patient", "Sex", "Prolactin"], ["P001", "P002", "P003"], "Patient"),
        (["Patient", "Sex", "Prolactin"], [1001, 1002, 1003], "Patient"),
        (["Codice", "Sesso", "PRL"], ["A1023", "A1024", "A1025"], "Codice"),
        (["Codice", "Sesso", "PRL"], ["RSSMRA80A01H501U", "BNCNNA85B41F205X"], "Codice"),
        (["Codice", "Sesso", "PRL"], ["Rossi Maria", "Bianchi Anna", "Verdi Luca"], None),
        (["Codice", "Sesso", "PRL"], ["Prolattina", "TSH", "FT4"], None),
    ],
)
def test_weak_patient_id_headers_need_codes(
    headers: list[str], cells: list[object], expected: str | None
) -> None:
    match = recognise_columns(headers, samples={0: cells})
    assert match.mapping().get("patient_id") == expected
    if expected is None:
        assert any(f"column {headers[0]!r} not used as patient_id" in w for w in match.warnings)


def test_strong_id_header_of_names_is_the_name() -> None:
    # a column of names is a name under any header (review 28; before, kept as the id)
    match = recognise_columns(
        ["ID", "Sex", "Prolactin"], samples={0: ["Maria Rossi", "Anna Bianchi"]}
    )
    assert "patient_id" not in match.fields
    assert match.mapping()["patient_name"] == "ID"


def test_patient_column_of_names_beside_a_name_column_is_no_id() -> None:
    match = recognise_columns(
        ["Name", "Patient", "Sex", "Prolactin"],
        samples={0: ["SMITH, John", "DOE, Jane"], 1: ["Maria Rossi", "Anna Bianchi"]},
    )
    assert "patient_id" not in match.fields
    assert match.mapping()["patient_name"] == "Name"


# ------------------------------------------------------------------------------------------------
# review5: test-name columns of LIS exports, test-code columns and research study ids
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Libellé", "test"),
        ("Libellé analyse", "test"),
        ("Libellé examen", "test"),
        ("Nom de l'analyse", "test"),
        ("Analyse", "test"),
        ("Examen", "test"),
        ("Prueba", "test"),
        ("Determinación", "test"),
        ("Nombre prueba", "test"),
        ("Esame", "test"),
        ("Analisi", "test"),
        ("Nome esame", "test"),
        ("Bepaling", "test"),
        ("Omschrijving", "test"),
        ("Test", "test"),
        ("Testname", "test"),
        ("Test name", "test"),
        ("Untersuchung", "test"),
        ("Testbezeichnung", "test"),
        ("Parameter", "test"),
        ("Kürzel", "test_code"),
        ("Code examen", "test_code"),
        ("Código prueba", "test_code"),
        ("Codice esame", "test_code"),
        ("Bepalingscode", "test_code"),
        ("studie_id", "patient_id"),
        ("studienummer", "patient_id"),
        ("Studien-ID", "patient_id"),
        ("deelnemer", "patient_id"),
        ("deelnemer_id", "patient_id"),
        ("proefpersoon", "patient_id"),
        ("id_paziente", "patient_id"),
        ("id_patient", "patient_id"),
        ("id_paciente", "patient_id"),
        ("num_patient", "patient_id"),
        ("numero_paciente", "patient_id"),
        ("Probanden-ID", "patient_id"),
    ],
)
def test_review5_header_gaps(header: str, field: str) -> None:
    assert best(header) == field


@pytest.mark.parametrize("header", ["Study date", "Studie", "Study arm", "Deelnemer naam"])
def test_study_words_alone_are_no_patient_id(header: str) -> None:
    assert best(header) != "patient_id"


def test_a_test_name_column_is_not_read_in_a_wide_file(tmp_path: Path) -> None:
    result = read(
        write(tmp_path, "wide.csv", "IPP,Libellé,Prolactine (µg/L)\nA1,bilan,30\nA2,suivi,40\n")
    )
    assert result.summary.shape == "wide"
    assert "test" not in result.summary.mapping


RESEARCH_IDS = {
    "nl.csv": "studie_id,geslacht,leeftijd_jr,prl_mIU_L\nNL01,man,55,900\nNL02,vrouw,37,2500\n",
    "nl2.csv": "deelnemer,geslacht,leeftijd,prl_mIU_L\nD001,man,55,900\nD002,vrouw,37,2500\n",
    "nl3.csv": "proefpersoon;geslacht;leeftijd;prolactine\nPP-01;man;55;900\nPP-02;vrouw;37;2500\n",
    "de.csv": "studienummer;Geschlecht;Alter;Prolaktin (mU/l)\nS-01;m;55;900\nS-02;w;37;2500\n",
    "it.csv": "id_paziente;sesso;eta;prolattina_mIU_L\nP01;M;55;900\nP02;F;37;2500\n",
    "fr.csv": "num_patient;sexe;age;prolactine_mUI_L\n01-001;H;55;900\n01-002;F;37;2500\n",
    "fr2.csv": "id_patient;sexe;age;prolactine_mUI_L\n01-001;H;55;900\n01-002;F;37;2500\n",
    "es.csv": "id_paciente;sexo;edad;prolactina_mUI_L\nE01;H;55;900\nE02;M;37;2500\n",
}


@pytest.mark.parametrize("name", sorted(RESEARCH_IDS))
def test_research_study_ids_are_the_patient_id(tmp_path: Path, name: str) -> None:
    text = RESEARCH_IDS[name]
    id_header = text.splitlines()[0].replace(";", ",").split(",")[0]
    result = read(write(tmp_path, name, text), unit="mIU/L")
    assert_accounted(result)
    assert result.summary.rows_triaged == 2
    assert result.summary.mapping["patient_id"] == id_header
    assert result.frame["patient_id"].notna().all()


# ------------------------------------------------------------------------------------------------
# An age of zero in years, months or weeks says "under one", not "day 0"
# ------------------------------------------------------------------------------------------------
ZERO_AGES = [
    "0",
    "0 y",
    "0 J",
    "0 ans",
    "0 años",
    "0 anni",
    "0 jaar",
    "0 months",
    "0 Monate",
    "0 wk",
]


@pytest.mark.parametrize("cell", ZERO_AGES)
def test_a_zero_age_without_days_is_kept_as_an_age_under_its_unit_not_day_zero(
    tmp_path: Path, cell: str
) -> None:
    # The 0-4-day neonatal limit is several times the infant one: reading "0 years" as day 0
    # would call a raised infant's result normal.  The row is kept as an age known only to be
    # under its unit (values.unknown_age: the span negated); the engine judges it against
    # every interval of the span (tests/test_plausibility.py).
    path = write(tmp_path, "z.csv", f"ID;Sex;Age;PRL (ng/mL)\nA;F;{cell};150\nB;F;34;20\n")
    result = read(path)
    assert result.frame["patient_id"].tolist() == ["A", "B"]
    assert result.rejected == []
    age = result.frame["age_years"].tolist()[0]
    assert age < 0  # under -age years, days unknown


@pytest.mark.parametrize("cell", ["0", "0 y", "0 months"])
def test_a_zero_age_takes_the_age_from_the_birth_date(tmp_path: Path, cell: str) -> None:
    path = write(
        tmp_path,
        "z.csv",
        f"ID;Sex;Age;DOB;Collected;PRL (ng/mL)\nA;F;{cell};2026-05-01;2026-11-20;150\n",
    )
    (age,) = read(path).frame["age_years"].tolist()
    assert 0.5 < age < 0.6


@pytest.mark.parametrize(
    "cell", ["0 days", "0 d", "0 Tage", "0 jours", "0 días", "0 giorni", "0 dagen"]
)
def test_a_zero_age_in_days_is_day_zero(tmp_path: Path, cell: str) -> None:
    path = write(tmp_path, "z.csv", f"ID;Sex;Age;PRL (ng/mL)\nA;F;{cell};150\n")
    assert read(path).frame["age_years"].tolist() == [0.0]


# ------------------------------------------------------------------------------------------------
# Title / salutation columns are sex only when their values are honorifics (review 7, class E)
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "cells"),
    [
        ("Anrede", ["Herr", "Frau", "Frau"]),
        ("Title", ["Mr", "Mrs", "Ms"]),
        ("Civilité", ["M.", "Mme", "Madame"]),
        ("Aanhef", ["Dhr.", "Mevr.", "Mevrouw"]),
        ("Titolo", ["Sig.", "Sig.ra", "Signora"]),
    ],
)
def test_salutation_column_with_honorifics_is_sex(
    tmp_path: Path, header: str, cells: list[str]
) -> None:
    rows = [f"P{k},{cell},40,20,ng/mL" for k, cell in enumerate(cells)]
    path = write(tmp_path, "titles.csv", "\n".join([f"ID,{header},Age,PRL,Unit", *rows]) + "\n")
    result = read(path)
    assert result.summary.mapping.get("sex") == header
    assert list(result.frame["sex"]) == ["M", "F", "F"]


def test_title_column_of_degrees_is_not_sex(tmp_path: Path) -> None:
    text = "ID,Title,Sex,Age,PRL,Unit\nP1,Dr,M,40,20,ng/mL\nP2,Prof,F,35,27,ng/mL\n"
    result = read(write(tmp_path, "degrees.csv", text))
    assert result.summary.mapping["sex"] == "Sex"
    text = "ID,Title,Age,PRL,Unit\nP1,Dr,40,20,ng/mL\nP2,Prof,35,27,ng/mL\n"
    result = read(write(tmp_path, "degrees2.csv", text))
    assert "sex" not in result.summary.mapping


def test_a_tsh_column_of_results_in_words_is_the_tsh() -> None:
    """A TSH column whose results are written as words ("erhöht", "normal") is still the TSH
    (kind "lab"); one of unrelated text is not."""
    assert value_veto("tsh", "TSH", ["erhöht", "normal", "élevée", "2,1"]) is None
    assert value_veto("tsh", "TSH", ["siehe Befund", "folgt", "nachgefordert"]) is not None


@pytest.mark.parametrize(
    ("text", "unit_header", "value_ng"),
    [
        # the second 'Einheit' is prolactin's; the first is TSH's
        ("Patient ID;Geschlecht;Alter;TSH;Einheit;Prolaktin;Einheit\nP1;w;34;2,1;mU/l;60;µg/l\n",
         "Einheit", 60.0),
        # the only unit column follows TSH: the prolactin header's own unit stands
        ("Patient ID;Geschlecht;Alter;TSH;Einheit;Prolaktin (ng/ml)\nP1;w;34;2,1;mU/l;60\n",
         None, 60.0),
        ("Patient ID,Sex,Age,TSH,Unit,Prolactin (ng/mL)\nP1,F,34,2.1,mU/L,60\n", None, 60.0),
        # prolactin's own columns, one after the other, stay prolactin's
        ("ID,Sex,Age,Prolactin,Unit,Reference range\nP1,F,34,850,mIU/L,102-496\n",
         "Unit", 850 / 21.2),
    ],
)  # fmt: skip
def test_a_unit_column_belongs_to_the_result_it_follows(
    tmp_path: Path, text: str, unit_header: str | None, value_ng: float
) -> None:
    """Another test's unit read as prolactin's turns 60 µg/l into 2.8 ng/mL (a false low)."""
    result = read(write(tmp_path, "units.csv", text))
    assert result.summary.mapping.get("prolactin_unit") == unit_header
    results = triage_frame(result.frame, load_knowledge())
    assert results.iloc[0]["prolactin_ng_ml"] == pytest.approx(value_ng, rel=0.01)


def test_another_tests_reference_range_is_not_prolactins(tmp_path: Path) -> None:
    """A cortisol interval (140-690) read as a prolactin one in mIU/L judged a man's 25 ng/mL
    normal; without it the man's usual limit does."""
    text = (
        "Patient ID,Sex,Age,Cortisol (nmol/L),Reference range,Prolactin (ng/mL)\n"
        "P1,M,40,400,140-690,25\n"
    )
    result = read(write(tmp_path, "ref.csv", text))
    assert "reference_range" not in result.summary.mapping
    assert any("follows another test's result" in w for w in result.summary.warnings)
    assert triage_frame(result.frame, load_knowledge()).iloc[0]["status"] == "high"


def test_a_post_peg_column_in_brackets_never_hides_the_total(tmp_path: Path) -> None:
    """ "Prolaktin (PEG)" beside "Prolaktin (mIU/l)": the total is triaged (it was the PEG
    column, every row rejected, and with --unit the post-PEG values came out normal)."""
    text = "ID;Sex;Age;Prolaktin (PEG);Prolaktin (mIU/l)\nP1;w;34;300;900\n"
    result = read(write(tmp_path, "peg.csv", text))
    assert result.summary.mapping["prolactin"] == "Prolaktin (mIU/l)"
    assert result.summary.mapping.get("monomeric_prolactin") == "Prolaktin (PEG)"


def test_a_long_file_of_other_known_tests_never_suggests_mapping_one_to_prolactin(
    tmp_path: Path,
) -> None:
    """A TSH-only export: the hint had suggested '"TSH" = "prolactin"', which would triage TSH
    values as prolactin.  Only a code the triage does not know is offered as an example."""
    tsh_only = "Patient ID,Collected,Test code,Test name,Result,Unit\n"
    tsh_only += "P1,2026-11-19 08:30,TSH,TSH,2.1,mU/L\nP1,2026-11-19 08:30,EGFR,eGFR,80,mL/min\n"
    with pytest.raises(InputFileError, match="holds no prolactin result") as info:
        read(write(tmp_path, "tsh.csv", tsh_only))
    assert '= "prolactin"' not in str(info.value)
    mixed = tsh_only.replace("TSH,TSH,2.1,mU/L", "4711,4711,21,ng/mL")
    with pytest.raises(InputFileError, match=r'"4711" = "prolactin"'):
        read(write(tmp_path, "mixed.csv", mixed))


@pytest.mark.parametrize(
    ("header", "cell", "hypothyroid"),
    [("Thyroid status", "hypothyroid on levothyroxine", True), ("Hypothyreose", "ja", True),
     ("Hypothyreose", "nein", False), ("Thyroid status", "euthyroid", False),
     ("Fonction thyroïdienne", "hypothyroïdie", True), ("Hipotiroidismo", "sí", True),
     ("Schildklier", "hypothyreoïdie", True)],
)  # fmt: skip
def test_a_thyroid_status_column_is_read(
    tmp_path: Path, header: str, cell: str, hypothyroid: bool
) -> None:
    """The patient's thyroid status in a column of its own (the mission's "thyroid status") is
    read as a note, where the hypothyroidism cue and its negations and answers read it; it was
    "not used"."""
    path = tmp_path / "thyroid.csv"
    path.write_text(f"MRN,Sex,Age,Prolactin (ng/mL),{header}\nA1,F,30,45,{cell}\n", "utf-8")
    row = triage_csv(tmp_path, path.read_text("utf-8")).iloc[0]
    assert ("hypothyroidism" in str(row["factors"])) is hypothyroid, (header, cell)
