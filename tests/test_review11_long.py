"""Review 11: long (LIS) and research exports.  Synthetic patients only.

- A prolactin line named as a rested, repeated or cannulated repeat after "after" in any language
  ("Prolaktin nach Ruhe", "Prolactine après repos") is prolactin, not another test; "after PEG",
  "after dilution", "after TRH/metoclopramide" still are not.
- A sample-date column under a laboratory or analyte name ("prl_date", "Lab date", "Labordatum",
  "Date du bilan", "Fecha analítica", "Data esame") is the collection date (so the age is the
  age at sampling), and the analyte's own date wins over a visit date; a birth, diagnosis or MRI
  date never is.
- A long file's "previous result" column in any language is no second result column.
- A long file's visit or event column is part of the collection: a context line joins only the
  prolactin of the same patient and the same visit.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.columns import recognise_columns
from triage.engine import triage_frame
from triage.io import ReadOptions, read_file
from triage.io.long import classify_test
from triage.knowledge import load_knowledge
from triage.schema import InputFileError


def _read(tmp_path: Path, text: str, name: str = "export.csv") -> tuple[pd.DataFrame, list[str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    read = read_file(path, None, ReadOptions())
    return read.frame, [f"{r.source_row}:{r.reason_code}" for r in read.rejected]


def _triage(tmp_path: Path, text: str) -> tuple[pd.DataFrame, list[str]]:
    frame, rejected = _read(tmp_path, text)
    return triage_frame(frame, load_knowledge("default")), rejected


# ------------------------------------------------------------------------------------------------
# 1. A rested / repeated prolactin line after "after" is prolactin

RESTED = [
    "Prolaktin nach Ruhe",
    "Prolaktin nach 30 min Liegen",
    "Prolaktin nach Wiederholung",
    "Prolactine après repos",
    "Prolactine après 20 minutes de repos",
    "Prolactina tras reposo",
    "Prolactina después de 30 minutos en reposo",
    "Prolattina dopo riposo",
    "Prolattina dopo ripetizione",
    "Prolactin after rest",
    "Prolactin after 30 min rest",
    "PRL post cannulation",
    "Prolaktin nach Verweilkanüle",
    "Prolactine après canule",
    "Prolactine na rust",
    "Prolactin rested",
]


@pytest.mark.parametrize("name", RESTED)
def test_a_rested_repeat_line_is_triaged_as_prolactin(tmp_path: Path, name: str) -> None:
    frame, rejected = _read(
        tmp_path,
        "Patient ID,Sex,Age,Specimen,Test,Result,Unit\n"
        "SYN-2,M,30,S2,Prolaktin,12,ng/mL\n"
        f"SYN-2,M,30,S2,{name},300,ng/mL\n",
    )
    assert rejected == []
    # its name joins the notes, where the cues read it
    assert name in str(frame["comments"].iloc[1])
    results = triage_frame(frame, load_knowledge("default"))
    assert list(results["source_row"]) == [2, 3]
    rested = results.iloc[1]
    assert rested["prolactin_ng_ml"] == pytest.approx(300)
    assert rested["priority"] == "urgent"


def test_a_rested_line_alone_in_a_file_is_read(tmp_path: Path) -> None:
    results, rejected = _triage(
        tmp_path,
        "Patient ID,Sex,Age,Test,Result,Unit\nSYN-3,M,30,Prolactine après repos,300,ng/mL\n",
    )
    assert rejected == []
    assert list(results["priority"]) == ["urgent"]


@pytest.mark.parametrize(
    ("name", "unit", "expected"),
    [
        # after PEG: the monomeric prolactin (or the recovery in %), never the total
        ("Prolactin after PEG", "ng/mL", "monomeric_prolactin"),
        ("Prolaktin nach PEG", "ng/mL", "monomeric_prolactin"),
        ("Prolactine après PEG", "%", "macroprolactin_recovery"),
        ("Prolactina tras PEG en reposo", "ng/mL", "monomeric_prolactin"),
        ("Prolattina dopo PEG", "ng/mL", "monomeric_prolactin"),
        ("Prolactin recovery after rest", "%", "macroprolactin_recovery"),
        # after something that is no rest: not the basal prolactin
        ("Prolaktin nach Fällung", "ng/mL", None),
        ("Prolactin post-op", "ng/mL", None),
        ("Prolactin after dilution", "ng/mL", None),
        ("Prolactin 60 min after metoclopramide", "ng/mL", None),
        ("Prolactin 30 min after TRH", "ng/mL", None),
        ("Prolactine après 30 min de domperidone", "ng/mL", None),
        ("Prolactin 30 min after insulin", "ng/mL", None),
        ("Macroprolactin after rest", "ng/mL", None),
        ("Anti-prolactin antibodies after rest", "ng/mL", None),
        # other analytes stay themselves
        ("TSH after rest", "mU/L", "tsh"),
        ("Prolactin rested", "ng/mL", "prolactin"),
    ],
)
def test_after_words_still_veto_what_is_no_rested_repeat(
    name: str, unit: str, expected: str | None
) -> None:
    found = classify_test("", "", name, None, unit)
    assert (found.name if found else None) == expected


# ------------------------------------------------------------------------------------------------
# 3. A "previous result" column of a long file is no second result

EARLIER = [
    "Résultat antérieur",
    "Valeur précédente",
    "Resultado anterior",
    "Resultado previo",
    "Vorheriger Wert",
    "Vorbefund",
    "Valore precedente",
    "Risultato precedente",
    "Vorige uitslag",
    "Eerdere uitslag",
    "Previous result",
    "Prior value",
    "Vorletzter Wert",
    "Avant-dernier résultat",
    "Penultimo valore",
]


@pytest.mark.parametrize("header", EARLIER)
def test_an_earlier_value_column_is_no_second_result(tmp_path: Path, header: str) -> None:
    results, rejected = _triage(
        tmp_path,
        f"IPP;Sexe;Âge;Analyse;{header};Résultat;Unité\n"
        "100234;F;34;Prolactine;22;95;ng/mL\n"
        "100235;M;50;Prolactine;;12;ng/mL\n",
    )
    assert rejected == []
    # the current result is read, never the earlier one
    assert list(results["prolactin_ng_ml"]) == [95, 12]
    assert list(results["priority"]) == ["soon", "none"]


@pytest.mark.parametrize(
    "second", ["Résultat 2", "Resultado bis", "Wert 2", "Result (repeat)", "Uitslag herhaling"]
)
def test_two_current_result_columns_are_still_refused(tmp_path: Path, second: str) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        f"IPP;Sexe;Âge;Analyse;Résultat;{second};Unité\n"
        "100234;F;34;Prolactine;12;95;ng/mL\n"
        "100235;M;50;Prolactine;11;12;ng/mL\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match="all look like prolactin results"):
        read_file(path, None, ReadOptions())


# ------------------------------------------------------------------------------------------------
# 2. A sample-date column under a laboratory or analyte name is the collection date

LAB_DATES = [
    "prl_date",
    "prl_dt",
    "Prolaktin Datum",
    "date_prolactine",
    "Fecha prolactina",
    "Data prolattina",
    "lab_date",
    "date_lab",
    "bloodsample_date",
    "labdatum",
    "Lab date",
    "Labordatum",
    "Date du bilan",
    "Fecha analítica",
    "Fecha laboratorio",
    "Data esame",
    "Datum lab",
    "Datum bloedonderzoek",
    "Befunddatum",  # the report's date: the fallback when no column names the sample's
]


def _teen(header: str, before: str = "", before_cell: str = "") -> str:
    return (
        f"Participant Id;sex;dob;{before}{header};prl;prl_unit\n"
        f"110001;F;2008-06-01;{before_cell}2025-02-03;25;ng/mL\n"
        f"110002;M;1970-03-15;{before_cell}2025-02-04;9;ng/mL\n"
    )


@pytest.mark.parametrize("header", LAB_DATES)
def test_a_lab_or_analyte_date_is_the_collection_date(tmp_path: Path, header: str) -> None:
    results, rejected = _triage(tmp_path, _teen(header))
    assert rejected == []
    assert str(results["collected_at"].iloc[0])[:10] == "2025-02-03"
    # aged at the sample, not at the run: a girl of 16, above her age's interval
    assert results["age_years"].iloc[0] == pytest.approx(16.7, abs=0.1)
    assert results["status"].iloc[0] == "high"


@pytest.mark.parametrize("own", ["prl_date", "Prolaktin Datum", "date_prolactine"])
@pytest.mark.parametrize("other", ["visit_date", "Lab date", "Befunddatum"])
def test_the_analyte_date_wins_over_another_date(tmp_path: Path, own: str, other: str) -> None:
    # the visit / lab / report date says 2027 (the girl an adult); the prolactin's own says 2025
    results, _ = _triage(tmp_path, _teen(own, f"{other};", "2027-01-01;"))
    assert str(results["collected_at"].iloc[0])[:10] == "2025-02-03"
    assert results["status"].iloc[0] == "high"


def test_a_report_date_gives_way_to_a_sample_date(tmp_path: Path) -> None:
    results, _ = _triage(tmp_path, _teen("Entnahmedatum", "Befunddatum;", "2027-01-01;"))
    assert str(results["collected_at"].iloc[0])[:10] == "2025-02-03"


@pytest.mark.parametrize(
    "header",
    [
        "date of diagnosis",
        "Date diagnostic",
        "Fecha de diagnóstico",
        "date of MRI",
        "Datum MRT",
        "Data esame RM",
        "Date IRM",
        "Surgery date",
        "Lab received date",
        "prl_unit_date",
    ],
)
def test_other_dates_are_no_collection_date(header: str) -> None:
    match = recognise_columns(["Participant Id", "sex", "dob", header, "prl", "unit"])
    assert "collected_at" not in match.fields
    assert match.fields["birth_date"] == 2


@pytest.mark.parametrize("header", ["PRL data", "Prolactin"])
def test_a_prolactin_header_stays_the_result(header: str) -> None:
    match = recognise_columns(["Participant Id", "sex", "dob", header])
    assert match.header_of("prolactin") == header
    assert "collected_at" not in match.fields


# ------------------------------------------------------------------------------------------------
# 4. A long file's visit or event column is part of the collection

VISIT_HEADERS = [
    "visit",
    "redcap_event_name",
    "Visite",
    "timepoint",
    "Zeitpunkt",
    "Visita",
    "Besuch",
    "bezoek",
    "event",
    "visit number",
]


@pytest.mark.parametrize("visit", VISIT_HEADERS)
def test_context_of_another_visit_is_not_joined(tmp_path: Path, visit: str) -> None:
    results, rejected = _triage(
        tmp_path,
        f"record_id,{visit},sex,age,test,result,unit\n"
        "3,baseline,F,30,Prolactin,80,ng/mL\n"
        "3,month_6,F,30,TSH,25.0,mU/L\n"
        "3,month_6,F,30,Medication,metoclopramide,\n",
    )
    # the month-6 TSH and drug say nothing of the baseline sample: unexplained, soon
    assert list(results["factors"]) == ["unexplained"]
    assert list(results["priority"]) == ["soon"]
    assert rejected == ["3:other_test", "4:other_test"]


@pytest.mark.parametrize("visit", ["visit", "redcap_event_name", "Visita"])
def test_context_of_the_same_visit_is_joined(tmp_path: Path, visit: str) -> None:
    results, rejected = _triage(
        tmp_path,
        f"record_id,{visit},sex,age,test,result,unit\n"
        "3,month_6,F,30,Prolactin,80,ng/mL\n"
        "3,month_6,F,30,TSH,25.0,mU/L\n"
        "3,month_6,F,30,Medication,metoclopramide,\n",
    )
    assert rejected == []
    assert set(str(results["factors"].iloc[0]).split(";")) == {
        "medication:antiemetic_prokinetic",
        "hypothyroidism",
    }
    assert list(results["priority"]) == ["routine"]


def test_two_visits_sorted_by_test_join_each_to_its_own(tmp_path: Path) -> None:
    frame, rejected = _read(
        tmp_path,
        "record_id,visit,sex,age,test,result,unit\n"
        "1,V1,F,30,Prolactin,80,ng/mL\n"
        "1,V2,F,30,Prolactin,85,ng/mL\n"
        "1,V1,F,30,TSH,2.0,mU/L\n"
        "1,V2,F,30,TSH,25.0,mU/L\n",
    )
    assert rejected == []
    # visit 1's normal TSH stays with visit 1; visit 2's raised TSH explains visit 2's prolactin
    assert list(frame["tsh"]) == [2.0, 25.0]
    results = triage_frame(frame, load_knowledge("default")).set_index("source_row")
    assert results.loc[2, "factors"] == "unexplained"
    assert results.loc[3, "factors"] == "hypothyroidism"


def test_without_a_visit_column_the_patient_alone_still_joins(tmp_path: Path) -> None:
    results, rejected = _triage(
        tmp_path,
        "record_id,sex,age,test,result,unit\n3,F,30,Prolactin,80,ng/mL\n3,F,30,TSH,25.0,mU/L\n",
    )
    assert rejected == []
    assert list(results["factors"]) == ["hypothyroidism"]


def test_a_visit_date_or_collection_time_is_no_visit() -> None:
    match = recognise_columns(
        ["record_id", "Visit date", "Zeitpunkt der Entnahme", "test", "result", "unit"]
    )
    assert "visit" not in match.fields
    assert match.header_of("collected_at") == "Visit date"
