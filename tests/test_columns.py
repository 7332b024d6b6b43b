"""Header recognition: synonyms, units in headers, conflicts, shapes, header rows."""

from __future__ import annotations

import pytest

from triage.columns import (
    MappedHeaderMissing,
    candidates,
    field_specs,
    known_fields,
    parse_header,
    recognise_columns,
    score_row,
)
from triage.schema import INPUT_FIELDS


def best(header: str) -> str | None:
    found = candidates(header)
    return found[0][0] if found else None


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("NHS No", "patient_id"),
        ("NHS Number", "patient_id"),
        ("UR Number", "patient_id"),
        ("MRN", "patient_id"),
        ("Patient Number", "patient_id"),
        ("Hospital No", "patient_id"),
        ("Patient ID", "patient_id"),
        ("PatientID", "patient_id"),
        ("patient_id", "patient_id"),
        ("Lab No", "specimen_id"),
        ("Accession Number", "specimen_id"),
        ("Specimen", "specimen_id"),
        ("Patient", "patient_name"),
        ("Patient Name", "patient_name"),
        ("Name", "patient_name"),
        ("Sex/Gender", "sex"),
        ("Gender", "sex"),
        ("Geschlecht", "sex"),
        ("D.O.B.", "birth_date"),
        ("DOB", "birth_date"),
        ("Date of birth", "birth_date"),
        ("DateOfBirth", "birth_date"),
        ("Geburtsdatum", "birth_date"),
        ("Age", "age_years"),
        ("Age (years)", "age_years"),
        ("Date Collected", "collected_at"),
        ("Specimen date", "collected_at"),
        ("Collected", "collected_at"),
        ("Date prélèvement", "collected_at"),
        ("PRL", "prolactin"),
        ("S-Prolactin", "prolactin"),
        ("Prolactin, serum", "prolactin"),
        ("Prolactin¹", "prolactin"),  # a footnote mark
        ("Prolaktin²  (µg/l)", "prolactin"),
        ("Prolactin (ug/L)", "prolactin"),
        ("PRL (mIU/L)", "prolactin"),
        ("Prolaktin", "prolactin"),
        ("Serum prolactin level", "prolactin"),
        ("prolactin_result", "prolactin"),
        ("Prolactin units", "prolactin_unit"),
        ("PRL unit", "prolactin_unit"),
        ("Reference Interval", "reference_range"),
        ("Ref. range", "reference_range"),
        ("Normal range", "reference_range"),
        ("Referenzbereich", "reference_range"),
        ("Ref low", "reference_low"),
        ("Lower limit", "reference_low"),
        ("Ref high", "reference_high"),
        ("ULN", "reference_high"),
        ("Preg?", "pregnant"),
        ("Pregnant", "pregnant"),
        ("Pregnant (Y/N)", "pregnant"),
        ("Lactating", "lactating"),
        ("Breastfeeding", "lactating"),
        ("Breast-feeding", "lactating"),
        ("Gestation (weeks)", "gestational_weeks"),
        ("Weeks postpartum", "postpartum_weeks"),
        ("Menopausal status", "menopausal"),
        ("Meds", "medications"),
        ("Medication list", "medications"),
        ("Current medication", "medications"),
        ("Medication (from order)", "medications"),
        ("Est. GFR", "egfr"),
        ("eGFR (mL/min/1.73m2)", "egfr"),
        ("eGFR", "egfr"),
        ("Creatinine (umol/L)", "creatinine"),
        ("On dialysis", "dialysis"),
        ("Kidney transplant", "kidney_transplant"),
        ("Liver status", "liver_disease"),
        ("Liver", "liver_disease"),
        ("Thyroid stimulating hormone", "tsh"),
        ("TSH", "tsh"),
        ("FT4", "free_t4"),
        ("Free T4 (pmol/L)", "free_t4"),
        ("hCG", "hcg"),
        ("Pregnancy test", "hcg"),
        ("β-hCG", "hcg"),
        ("MRI pituitary", "pituitary_lesion"),
        ("Pituitary lesion size (mm)", "pituitary_lesion_mm"),
        ("Head injury", "head_trauma"),
        ("Macroprolactin (% recovery)", "macroprolactin_recovery_pct"),
        ("PEG recovery", "macroprolactin_recovery_pct"),
        ("% Macroprolactin", "macroprolactin_pct"),
        ("Post-PEG prolactin", "monomeric_prolactin"),
        ("Monomeric PRL", "monomeric_prolactin"),
        ("Notes", "comments"),
        ("Comment", "comments"),
        ("Symptoms", "symptoms"),
        ("Clinical details", "comments"),
        ("Assay", "assay"),
        ("Analyser", "assay"),
        ("Platform", "assay"),
        ("Method", "assay"),
        ("Test name", "test"),
        ("Test code", "test_code"),
        ("LOINC", "loinc"),
        ("Result", "result"),
        ("Unit(s)", "unit"),
        # receipt dates stand in for the collection date when nothing better exists
        ("Specimen Received", "collected_at"),
        ("Date/Time Received", "collected_at"),
        ("Eingangsdatum", "collected_at"),
        # collection-time columns of European exports
        ("Entnahmezeit", "collected_time"),
        ("Heure de prélèvement", "collected_time"),
        ("Ora prelievo", "collected_time"),
        # unit columns of European exports (the unit of a long export, or of prolactin)
        ("Unità di misura", "unit"),
        ("Unidad de medida", "unit"),
        ("Maßeinheit", "unit"),
        # LOINC long common names used as headers
        ("Prolactin [Mass/volume] in Serum or Plasma", "prolactin"),
        ("Thyrotropin [Units/volume] in Serum or Plasma", "tsh"),
        ("Choriogonadotropin.beta subunit [Units/volume] in Serum or Plasma", "hcg"),
        ("Ref.range", "reference_range"),
        # lesion, gestation and kidney columns of German, French, Spanish, Italian, Dutch exports
        ("Hypophysenadenom", "pituitary_lesion"),
        ("Hypophysentumor", "pituitary_lesion"),
        ("Adénome hypophysaire", "pituitary_lesion"),
        ("Lésion hypophysaire", "pituitary_lesion"),
        ("Hypofyseadenoom", "pituitary_lesion"),
        ("Semaines d'aménorrhée", "gestational_weeks"),
        ("Terme (SA)", "gestational_weeks"),
        ("Âge gestationnel", "gestational_weeks"),
        ("Edad gestacional", "gestational_weeks"),
        ("Età gestazionale", "gestational_weeks"),
        ("Settimana di gestazione", "gestational_weeks"),
        ("Gestationsalter", "gestational_weeks"),
        ("Kreatinine (µmol/l)", "creatinine"),
        ("Hémodialyse", "dialysis"),
        ("Hämodialyse", "dialysis"),
        # chronic kidney disease as a column of its own (a yes/no, a stage or words)
        ("CKD", "kidney_disease"),
        ("CKD (Y/N)", "kidney_disease"),
        ("CKD stage", "kidney_disease"),
        ("Chronic kidney disease", "kidney_disease"),
        ("Renal impairment", "kidney_disease"),
        ("Niereninsuffizienz", "kidney_disease"),
        ("Chronische Niereninsuffizienz", "kidney_disease"),
        ("Insuffisance rénale", "kidney_disease"),
        ("Insuficiencia renal crónica", "kidney_disease"),
        ("Insufficienza renale", "kidney_disease"),
        ("Nierinsufficiëntie", "kidney_disease"),
        ("Kidney transplant", "kidney_transplant"),
        ("CKD-EPI", "egfr"),
        # lesion, size, menopause, unit and patient headers a review found unread
        ("Hypophysenläsion", "pituitary_lesion"),
        ("IRM hypophyse", "pituitary_lesion"),
        ("RM ipofisi", "pituitary_lesion"),
        ("RMN hipófisis", "pituitary_lesion"),
        ("Adenomgröße (mm)", "pituitary_lesion_mm"),
        ("Tumorgröße (mm)", "pituitary_lesion_mm"),
        ("Dimensioni lesione (mm)", "pituitary_lesion_mm"),
        ("Grootte adenoom (mm)", "pituitary_lesion_mm"),
        ("Hypophysenadenom Größe (mm)", "pituitary_lesion_mm"),
        ("Ménopausée", "menopausal"),
        ("Postmenopauzaal", "menopausal"),
        ("Postmenopause", "menopausal"),
        ("PatID", "patient_id"),
        ("UdM", "unit"),
        ("U.M.", "unit"),
        ("Einh.", "unit"),
        ("Eenh.", "unit"),
        # medication lists under Dutch and co-medication headers
        ("Medicijnen", "medications"),
        ("Geneesmiddelen", "medications"),
        ("Comedicatie", "medications"),
        ("Begleitmedikation", "medications"),
        ("eGFR (CKD-EPI 2021)", "egfr"),
        # abbreviated sex and hospital-number headers (the urgent list named nobody; men's
        # results came out indeterminate)
        ("Geschl.", "sex"),
        ("Geschl", "sex"),
        ("Patientennr", "patient_id"),
        ("Nº Historia", "patient_id"),
        ("Número de historia", "patient_id"),
        ("Paziente", "patient_id"),
        ("Patiëntnr.", "patient_id"),
        # a year of birth (the age is estimated from it)
        ("Geburtsjahr", "birth_date"),
        ("Year of birth", "birth_date"),
        ("Année de naissance", "birth_date"),
        # the analyser and the post-PEG result in each language (a Beckman man's 16 ng/mL was
        # judged against the default interval; the PEG result was lost)
        ("Analyseur", "assay"),
        ("Automate", "assay"),
        ("Strumento", "assay"),
        ("Analysator", "assay"),
        ("Gerät", "assay"),
        ("Prolattina post-PEG (ng/mL)", "monomeric_prolactin"),
        ("Prolactine après PEG (ng/mL)", "monomeric_prolactin"),
        ("Prolactine na PEG (µg/l)", "monomeric_prolactin"),
        ("Prolactina tras PEG", "monomeric_prolactin"),
        # trial exports' concomitant medications (CDISC CM)
        ("CONMEDS", "medications"),
        ("CMTRT", "medications"),
        ("Concomitant medications", "medications"),
    ],
)
def test_header_synonyms(header: str, field: str) -> None:
    assert best(header) == field


@pytest.mark.parametrize(
    "header",
    [
        # patient numbers abbreviated as Italian, Spanish, French, German and Dutch exports do
        "Cod. paziente", "Cod. pz", "Cod paz", "Cód. paciente", "Nro. paciente", "N° de dossier",
        "Num. dossier", "Nr. dossier", "Numéro de séjour", "N° de séjour", "Nº de historia",
        "Versichertennummer", "Aktennummer", "Pat.-Nr.", "Patiëntnr.",
    ],
)  # fmt: skip
def test_abbreviated_patient_numbers_are_the_patient_id(header: str) -> None:
    """An urgent result without its patient cannot be acted on: every common way of heading
    the patient's number is read as patient_id."""
    assert best(header) == "patient_id"


@pytest.mark.parametrize("header", ["Cod. esame", "Codice esame", "Code", "Auftragsnummer"])
def test_test_codes_and_order_numbers_are_not_the_patient_id(header: str) -> None:
    assert best(header) != "patient_id"


@pytest.mark.parametrize(
    "header",
    [
        "Previous prolactin",
        "Requested by",
        "Export run 2026-11-21 06:00 by LIS; confidential",
        "",
        "###",
        "Count of Prolactin",  # pivot-table columns
        "Average of Prolactin",
        "Sum of PRL",
    ],
)
def test_headers_that_name_no_result_field(header: str) -> None:
    assert best(header) not in {"prolactin", "result"}


@pytest.mark.parametrize(
    ("header", "unit"),
    [
        ("PRL (mIU/L)", "mIU/L"),
        ("Prolactin (ug/L)", "ug/L"),
        ("Prolactin [µg/L]", "µg/L"),
        ("Prolactin mIU/L", "mIU/L"),
        ("Prolactin", ""),
        ("Sex/Gender", ""),
    ],
)
def test_units_in_headers(header: str, unit: str) -> None:
    assert parse_header(header).unit == unit


def test_every_synonym_is_recognised_as_written() -> None:
    """Each header synonyms.toml lists names its field, a trailing unit word included
    ("Postpartum weeks", "PP weeks": the unit is part of the name, as in brackets)."""
    import tomllib

    from triage.resources import data_file

    # Shared on purpose: a time-of-collection header is read with the date column, and a bare
    # "Unit" is the prolactin unit in a wide file and the row's unit in a long one.
    siblings = {"collected_at": "collected_time", "prolactin_unit": "unit"}
    fields = tomllib.loads(data_file("synonyms.toml").read_text("utf-8"))["fields"]
    wrong = {}
    for name, spec in fields.items():
        for synonym in spec.get("synonyms", []):
            found = candidates(synonym)
            if not found or found[0][0] not in (name, siblings.get(name)):
                wrong[synonym] = (name, found[:2])
    assert not wrong


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Postpartum weeks", "postpartum_weeks"),
        ("Postpartum week", "postpartum_weeks"),
        ("PP weeks", "postpartum_weeks"),
        ("Gestation weeks", "gestational_weeks"),
        ("Age years", "age_years"),
        ("Pregnancy weeks", "gestational_weeks"),
        ("Adenoma mm", "pituitary_lesion_mm"),
        ("Monomeric prolactin (%)", "macroprolactin_recovery_pct"),
        ("Prolactin (post-PEG)", "monomeric_prolactin"),
    ],
)
def test_a_trailing_unit_word_is_part_of_the_name(header: str, field: str) -> None:
    assert candidates(header)[0][0] == field


def test_every_canonical_field_can_be_recognised() -> None:
    specs = field_specs()
    assert set(INPUT_FIELDS) <= set(specs)
    assert set(INPUT_FIELDS) <= known_fields()


def test_better_id_beats_lab_number() -> None:
    match = recognise_columns(["Lab No", "MRN", "Prolactin"])
    assert match.header_of("patient_id") == "MRN"
    assert match.header_of("specimen_id") == "Lab No"
    assert match.unmapped == []


def test_lab_number_is_never_the_patient_id() -> None:
    # A specimen / order number identifies a sample, not a patient: it is said, not used.
    match = recognise_columns(["Lab No", "Prolactin"])
    assert "patient_id" not in match.fields
    assert match.header_of("specimen_id") == "Lab No"
    assert any("not a patient_id" in w for w in match.warnings)


def test_two_headers_for_one_field_are_reported() -> None:
    match = recognise_columns(["S-Prolactin", "Prolactin result (repeat)", "MRN"])
    assert match.header_of("prolactin") == "S-Prolactin"
    assert "Prolactin result (repeat)" in match.unmapped
    assert any("Prolactin result (repeat)" in w and "prolactin" in w for w in match.warnings)


def test_date_and_time_columns_are_combined() -> None:
    match = recognise_columns(["Collection time", "Collection date", "PRL"])
    assert match.header_of("collected_at") == "Collection date"
    assert match.header_of("collected_time") == "Collection time"


def test_a_lone_time_column_is_the_collection_time() -> None:
    match = recognise_columns(["Collection time", "PRL"])
    assert match.header_of("collected_at") == "Collection time"
    assert "collected_time" not in match.fields


def test_long_shape_is_detected() -> None:
    match = recognise_columns(["Patient ID", "Test name", "Result", "Unit", "Reference"])
    assert match.shape == "long"
    assert match.header_of("unit") == "Unit"
    assert "prolactin_unit" not in match.fields


def test_wide_shape_keeps_units_for_prolactin() -> None:
    match = recognise_columns(["MRN", "Prolactin", "Units", "Result comment"])
    assert match.shape == "wide"
    assert match.header_of("prolactin_unit") == "Units"
    assert "result" not in match.fields


def test_forced_mapping_wins_and_missing_header_raises() -> None:
    match = recognise_columns(["PRL result", "Sample", "Prolactin"], {"prolactin": "prl RESULT"})
    assert match.header_of("prolactin") == "PRL result"
    with pytest.raises(MappedHeaderMissing) as info:
        recognise_columns(["MRN", "Prolactin"], {"tsh": "Thyroid"})
    assert info.value.header == "Thyroid"


def test_header_row_scores() -> None:
    title = score_row(["Department of Clinical Biochemistry - Prolactin results", "", ""])
    header = score_row(["Lab No", "MRN", "Patient", "Prolactin", "Units", "Ref. range"])
    assert not title.usable
    assert header.usable and header.recognised == 6
    long = score_row(["Patient ID", "Test code", "Result", "Unit"])
    assert long.usable and long.has_long
    assert not score_row(["MRN", "Sex", "TSH"]).usable


@pytest.mark.parametrize(
    ("headers", "surname", "first"),
    [
        (["NHC", "Apellidos", "Nombre", "Prolactina"], "Apellidos", "Nombre"),
        (["Codice paziente", "Cognome", "Nome", "Prolattina"], "Cognome", "Nome"),
        (["Patiëntnummer", "Achternaam", "Voornaam", "Prolactine"], "Achternaam", "Voornaam"),
        (["Nachname", "Vorname", "Prolaktin"], "Nachname", "Vorname"),
        (["Patient ID", "Last", "First", "Prolactin"], "Last", "First"),
    ],
)
def test_surname_columns_are_the_name_and_first_names_join_them(
    headers: list[str], surname: str, first: str
) -> None:
    """Beside a surname column, 'Nombre' / 'Nome' are first names (the surname was lost)."""
    match = recognise_columns(headers)
    assert match.header_of("patient_name") == surname
    assert match.header_of("given_name") == first


def test_a_lone_first_name_word_is_still_the_patient_name() -> None:
    match = recognise_columns(["NHC", "Nombre", "Prolactina"])
    assert match.header_of("patient_name") == "Nombre"
    assert "given_name" not in match.fields


def test_receipt_date_loses_to_the_collection_date() -> None:
    match = recognise_columns(["Specimen Received", "Specimen Collected", "Prolactin"])
    assert match.header_of("collected_at") == "Specimen Collected"


def test_line_breaks_in_headers_are_spaces() -> None:
    match = recognise_columns(["Patient\nID", "Prolactin\n(mU/L)", "Ref.\nRange*"])
    assert match.mapping() == {
        "patient_id": "Patient ID",
        "prolactin": "Prolactin (mU/L)",
        "reference_range": "Ref. Range*",
    }
    assert match.header_units["prolactin"] == "mU/L"


@pytest.mark.parametrize("unit", ["Unità di misura", "Unidad de medida", "Unité de mesure"])
def test_european_unit_columns_give_the_prolactin_unit(unit: str) -> None:
    match = recognise_columns(["Codice paziente", "Prolattina", unit])
    assert match.header_of("prolactin_unit") == unit


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Referenzwerte", "reference_range"),
        ("Normalwerte", "reference_range"),
        ("Rango referencia", "reference_range"),
        ("Valores normales", "reference_range"),
        ("Valori normali", "reference_range"),
        ("Normaalwaarden", "reference_range"),
        ("Prolaktin untere Grenze (ng/ml)", "reference_low"),
        ("Prolaktin obere Grenze (ng/ml)", "reference_high"),
        ("Prolactine borne inf.", "reference_low"),
        ("Prolactine borne sup.", "reference_high"),
        ("limite inferiore", "reference_low"),
        ("limite superiore", "reference_high"),
        ("ondergrens", "reference_low"),
        ("bovengrens", "reference_high"),
    ],
)
def test_the_labs_own_interval_under_local_headers(header: str, field: str) -> None:
    """A lab's interval under a local header was not read (the default set judged a result
    the lab's own interval calls raised: a false normal)."""
    headers = ["ID", "Sex", "Age", "Prolactin (ng/mL)", header]
    assert recognise_columns(headers).fields.get(field) == len(headers) - 1, header


@pytest.mark.parametrize(
    ("header", "field"),
    [("Ge-\nschlecht", "sex"), ("Pro-\nlaktin (µg/l)", "prolactin"),
     ("Patienten-\nnummer", "patient_id"), ("Ge-\r\nburts-\ndatum", "birth_date"),
     ("Entnahme-\nDatum", "collected_at")],
)  # fmt: skip
def test_a_header_word_hyphenated_over_a_line_break_is_one_word(header: str, field: str) -> None:
    """Narrow spreadsheet columns break long header words with a hyphen and a new line."""
    assert best(header) == field


@pytest.mark.parametrize(
    "headers",
    [["MRN", "Entnahme Datum", "Entnahme Zeit", "Prolaktin"],
     ["MRN", "Data prelievo", "Prelievo ora", "Prolattina"],
     ["MRN", "Afnamedatum", "Afname tijd", "Prolactine"]],
)  # fmt: skip
def test_a_sampling_time_beside_the_sampling_date_is_the_collection_time(
    headers: list[str],
) -> None:
    match = recognise_columns(headers)
    assert (match.fields["collected_at"], match.fields["collected_time"]) == (1, 2)


@pytest.mark.parametrize(
    ("header", "field"),
    [("Maladie hépatique", "liver_disease"), ("Atteinte hépatique", "liver_disease"),
     ("Enfermedad hepática", "liver_disease"), ("Malattia epatica", "liver_disease"),
     ("Cirrosi", "liver_disease"), ("Leverziekte", "liver_disease"),
     ("Hoofdtrauma", "head_trauma"), ("Hypofyseafwijking", "pituitary_lesion")],
)  # fmt: skip
def test_clinical_context_headers_in_every_language(header: str, field: str) -> None:
    """Liver disease under French, Spanish, Italian and Dutch headers was "not used", and a
    cirrhosis with encephalopathy lost its factor."""
    assert best(header) == field
