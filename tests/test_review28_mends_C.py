"""Review 28, reviewer C findings 2 and 3 (fix227): a drug's own start/end columns beside a
multi-drug medications cell, and the pooling of "one sample written on several rows".

Finding 2: "Treatment start/end date" (a conmed record's CMSTDTC/CMENDTC) belongs to one drug;
beside a cell listing several drugs it was bound to the last one only (haloperidol read as
stopped with the cabergoline course's end date).  Such dates are now left unused there, under a
warning, and the cell is read as written.  Finding 3: two same-day samples without a time or a
specimen number (a stimulation test's baseline and its post-drug sample, equal values) were
pooled, the test drug moved onto the baseline.  Such rows are pooled only when they differ in
nothing but the medication columns.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv_warned

# (medications header, start header, end header) of each language
DATED_HEADERS = {
    "en": ("Current medications", "Treatment start date", "Treatment end date"),
    "cdisc": ("CMTRT", "CMSTDTC", "CMENDTC"),
    "de": ("Medikation", "Medikation Beginn", "Medikation Ende"),
    "fr": ("Médicaments", "Date de début du traitement", "Date de fin du traitement"),
    "es": ("Medicación", "Fecha de inicio del tratamiento", "Fecha de fin del tratamiento"),
    "it": ("Farmaci", "Data inizio terapia", "Data fine terapia"),
    "nl": ("Medicatie", "Startdatum medicatie", "Einddatum medicatie"),
}
SEVERAL = "lists several drugs"
POOLED = "one sample written on several rows"


def _dated_run(tmp_path: Path, language: str, rows: list[tuple[str, str, str, str, str]]):
    meds, start, end = DATED_HEADERS[language]
    lines = [f"MRN,Sex,Age,Collected,Prolactin (ng/mL),{meds},{start},{end}"]
    lines += [
        f'{pid},F,40,2026-11-02,{value},"{drug}",{first},{last}'
        for pid, value, drug, first, last in rows
    ]
    return triage_csv_warned(tmp_path, "\n".join(lines) + "\n")


@pytest.mark.parametrize("language", list(DATED_HEADERS))
def test_a_course_end_beside_several_drugs_never_stops_the_last_one(
    tmp_path: Path, language: str
) -> None:
    results, warnings = _dated_run(
        tmp_path,
        language,
        [
            (
                "P003",
                "120",
                "cabergoline 0.5 mg weekly; haloperidol 5 mg",
                "2024-05-01",
                "2026-10-01",
            )
        ],
    )
    factors = str(results.loc["P003", "factors"])
    assert "medication:antipsychotic" in factors, factors
    assert "treated_hyperprolactinemia" in factors, factors
    assert "medication_review" in str(results.loc["P003", "suggestions"])
    assert any(SEVERAL in w and "row(s) 2" in w for w in warnings), warnings


@pytest.mark.parametrize("language", ["en", "fr", "es", "it"])
def test_a_start_after_the_sample_beside_several_drugs_drops_none_of_them(
    tmp_path: Path, language: str
) -> None:
    results, warnings = _dated_run(
        tmp_path, language, [("P001", "160", "risperidone 2 mg; omeprazole", "2026-11-10", "")]
    )
    factors = str(results.loc["P001", "factors"])
    assert "medication:antipsychotic" in factors, factors
    assert "medication:other" in factors, factors
    assert any(SEVERAL in w for w in warnings)


@pytest.mark.parametrize("language", ["en", "cdisc", "de", "nl"])
def test_guard_one_drug_per_row_is_still_dated(tmp_path: Path, language: str) -> None:
    """A conmed record's shape (one drug in the cell): its end before the sample still counts,
    and no warning is given."""
    results, warnings = _dated_run(
        tmp_path,
        language,
        [
            ("P002", "90", "metoclopramide 10 mg tds", "2025-01-01", "2026-06-30"),
            ("P004", "90", "haloperidol 5 mg", "2025-01-01", ""),
        ],
    )
    assert results.loc["P002", "factors"] == "unexplained"
    assert str(results.loc["P004", "factors"]).startswith("medication:antipsychotic")
    assert not any(SEVERAL in w for w in warnings)


# --- finding 3: two samples of one day are not one sample -------------------------------------

# (header, the baseline's comment, the post-test comment, the test drug)
STIMULATION = [
    (
        "MRN,Sex,Age,Collected,Prolactin (ng/mL),Medications,Comment",
        "baseline",
        "post metoclopramide test",
        "metoclopramide 10 mg iv at 09:00",
    ),
    (
        "Patientennummer,Geschlecht,Alter,Entnahmedatum,Prolaktin (µg/l),Medikation,Bemerkung",
        "Basalwert",
        "nach MCP-Test",
        "Metoclopramid 10 mg i.v.",
    ),
    (
        "NHC,Sexo,Edad,Fecha de extracción,Prolactina (ng/mL),Medicación,Comentario",
        "basal",
        "tras metoclopramida",
        "metoclopramida 10 mg iv",
    ),
    (
        "IPP,Sexe,Âge,Date de prélèvement,Prolactine (µg/L),Médicaments,Commentaire",
        "basal",
        "après test au métoclopramide",
        "métoclopramide 10 mg IV",
    ),
    (
        "MRN,Sex,Age,Collected,Prolactin (ng/mL),Medications,Requesting clinician",
        "Dr A",
        "Dr B",
        "domperidone 10 mg",
    ),
]


@pytest.mark.parametrize(("header", "before", "after", "drug"), STIMULATION)
def test_same_day_samples_without_a_time_keep_their_own_drugs(
    tmp_path: Path, header: str, before: str, after: str, drug: str
) -> None:
    text = f"{header}\nP001,F,34,02/11/2026,45,,{before}\nP001,F,34,02/11/2026,45,{drug},{after}\n"
    results, warnings = triage_csv_warned(tmp_path, text)
    rows = results.loc[["P001"]].sort_values("source_row")
    assert rows["factors"].iloc[0] == "unexplained", rows["factors"].tolist()
    assert "macroprolactin_screen" in str(rows["suggestions"].iloc[0])
    assert str(rows["factors"].iloc[1]).startswith("medication:")
    assert not any(POOLED in w for w in warnings)


@pytest.mark.parametrize(
    ("when", "specimen"),
    [("2026-11-02 08:30", ""), ("02.11.2026 08:30", ""), ("2026-11-02", "S-77")],
)
def test_guard_a_time_of_day_or_a_specimen_number_still_names_one_sample(
    tmp_path: Path, when: str, specimen: str
) -> None:
    text = (
        "MRN,Specimen ID,Sex,Age,Collected,Prolactin (ng/mL),Medications,Comment\n"
        f"P001,{specimen},F,34,{when},60,ramipril 5 mg,row one\n"
        f"P001,{specimen},F,34,{when},60,risperidone 4 mg,row two\n"
    )
    results, warnings = triage_csv_warned(tmp_path, text)
    factors = results.loc[["P001"], "factors"].tolist()
    assert all(str(f).startswith("medication:antipsychotic") for f in factors), factors
    assert any(POOLED in w for w in warnings)


@pytest.mark.parametrize(
    "header",
    [
        "Subject,Visit,Sex,Age,Prolactin (ug/L),Sample date,Concomitant medication",
        "Patienten-ID,Visite,Geschlecht,Alter,Prolaktin (µg/l),Entnahmedatum,Begleitmedikation",
        "Paziente,Visita,Sesso,Età,Prolattina (ng/mL),Data prelievo,Farmaci",
    ],
)
def test_guard_date_only_rows_differing_in_the_drug_alone_are_one_sample(
    tmp_path: Path, header: str
) -> None:
    lines = [header, "01-041,V4,M,45,60,03.11.2026,ramipril 5 mg"]
    lines.append("01-041,V4,M,45,60,03.11.2026,risperidone 4 mg")
    results, warnings = triage_csv_warned(tmp_path, "\n".join(lines) + "\n")
    factors = results.loc[["01-041"], "factors"].tolist()
    assert all(str(f).startswith("medication:antipsychotic") for f in factors), factors
    assert any(POOLED in w for w in warnings)
