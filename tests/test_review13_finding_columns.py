"""Review 13: the words that say which columns (wide files) and which result lines (long files)
hold clinical context are one vocabulary per field, in six languages.

A wide column whose header names a finding or an examination is read whatever it holds (free
text, yes / no, or both); a long result line named after a symptom, a finding, an examination,
pituitary imaging, breastfeeding, pregnancy, medication or comments is read into the field its
wide column would be, with the same words ([long_tests] vocabulary = the [fields.*] table).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.columns import field_specs, header_vocabulary
from triage.io.long import classify_test, lab_tests

LANGS = ["en", "de", "fr", "es", "it", "nl"]


def _wide(tmp_path: Path, header: str, cells: list[str]) -> pd.DataFrame:
    rows = "\n".join(f'W{i},F,30,60,"{cell}"' for i, cell in enumerate(cells))
    return triage_csv(tmp_path, f'patient,sex,age,PRL (ng/mL),"{header}"\n{rows}\n')


def _long(tmp_path: Path, lines: list[tuple[str, str, str]], sex: str = "F") -> pd.DataFrame:
    """One patient per line: a prolactin of 60 ng/mL and the line (test, result, unit)."""
    rows = ["order,patient,sex,age,collected,test,result,unit"]
    for i, (test, result, unit) in enumerate(lines):
        rows.append(f"O{i},X{i},{sex},30,2026-03-05,PRL,60,ng/mL")
        rows.append(f'O{i},X{i},{sex},30,2026-03-05,"{test}","{result}",{unit}')
    return triage_csv(tmp_path, "\n".join(rows) + "\n")


def _priorities(frame: pd.DataFrame) -> list[str]:
    return [str(p) for p in frame.sort_values("patient_id")["priority"]]


# A header naming a finding, a free-text cell that describes it, a "yes" and a "no".
FINDING_HEADERS = {
    "en": ("Visual field defect", "bitemporal hemianopia", "yes", "no"),
    "de": ("Sehstörung", "Doppelbilder seit 2 Wochen", "ja", "nein"),
    "fr": ("Troubles visuels", "vision double", "oui", "non"),
    "es": ("Alteración visual", "visión borrosa", "sí", "no"),
    "it": ("Disturbi visivi", "visione doppia", "sì", "no"),
    "nl": ("Gezichtsvelduitval", "bitemporaal, rechts meer", "ja", "nee"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_wide_text_column_named_after_a_finding_is_read(tmp_path: Path, lang: str) -> None:
    """Raised prolactin with visual disturbance is urgent (contract §7), whether the column
    says it in words, with a yes, or mixes both; a no is no finding."""
    header, text, yes, no = FINDING_HEADERS[lang]
    results = _wide(tmp_path, header, [text, no, yes])
    assert _priorities(results) == ["urgent", "routine", "urgent"]


# An examination's header (its yes is its abnormal finding) and a finding written in words.
EXAM_HEADERS = {
    "en": ("Visual fields", "bitemporal hemianopia"),
    "de": ("Gesichtsfeld", "eingeschränkt"),
    "fr": ("Champ visuel", "amputé"),
    "es": ("Campo visual", "reducido"),
    "it": ("Campo visivo", "ridotto"),
    "nl": ("Gezichtsveld", "beperkt"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_wide_examination_column_is_read(tmp_path: Path, lang: str) -> None:
    header, text = EXAM_HEADERS[lang]
    no = FINDING_HEADERS[lang][3]
    yes = FINDING_HEADERS[lang][2]
    results = _wide(tmp_path, header, [text, no, yes])
    assert _priorities(results) == ["urgent", "routine", "urgent"]


@pytest.mark.parametrize(
    ("lang", "header"),
    [
        ("en", "Perimetry"),
        ("de", "Perimetrie"),
        ("fr", "Champs visuels"),
        ("es", "Campimetría"),
        ("it", "Campimetria"),
        ("nl", "Gezichtsvelden"),
    ],
)
def test_wide_examination_column_keeps_a_normal_result_routine(
    tmp_path: Path, lang: str, header: str
) -> None:
    """A normal examination written in words is no red flag; a defect written in the
    language's words is."""
    defect = {
        "en": "bitemporal hemianopia",
        "de": "bitemporale Hemianopsie",
        "fr": "hémianopsie bitemporale",
        "es": "hemianopsia bitemporal",
        "it": "emianopsia bitemporale",
        "nl": "bitemporale hemianopsie",
    }[lang]
    results = _wide(tmp_path, header, ["normal", defect])
    assert _priorities(results) == ["routine", "urgent"]


# Headers of clinical findings in general: their text is read as clinical notes.
GENERAL_HEADERS = {
    "en": ("Clinical findings", "visual field loss"),
    "de": ("Befund", "Gesichtsfeldausfall"),
    "fr": ("Examen clinique", "troubles visuels"),
    "es": ("Hallazgos", "alteración visual"),
    "it": ("Esame obiettivo", "disturbi visivi"),
    "nl": ("Bevindingen", "gezichtsvelduitval"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_wide_findings_column_is_read_as_notes(tmp_path: Path, lang: str) -> None:
    header, text = GENERAL_HEADERS[lang]
    results = _wide(tmp_path, header, [text, "-"])
    assert _priorities(results)[0] == "urgent"


LACTATION_WORDS = {
    "en": ("Lactating", "yes"),
    "de": ("Stillzeit", "ja"),
    "fr": ("Allaite", "oui"),
    "es": ("Lactante", "sí"),
    "it": ("Lattazione", "si"),
    "nl": ("Zogend", "ja"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_lactation_word_names_the_column_and_the_line(tmp_path: Path, lang: str) -> None:
    """One vocabulary: the word that heads a breastfeeding column also names the result line
    of a long file; both give the lactation interval (a result within it is not raised)."""
    word, yes = LACTATION_WORDS[lang]
    (tmp_path / "wide").mkdir()
    (tmp_path / "long").mkdir()
    header = f'patient,sex,age,PRL (ng/mL),"{word}"\n'
    wide = triage_csv(tmp_path / "wide", f'{header}W0,F,30,45,"{yes}"\n')
    long = _long(tmp_path / "long", [(word, yes, "")])
    for results in (wide, long):
        assert "lactation" in str(results["factors"].iloc[0])
        assert _priorities(results) == ["none"]


# ------------------------------------------------------------------------------------------------
# Long files (one row per test)
# ------------------------------------------------------------------------------------------------
SYMPTOM_LINES = {
    "en": ("Symptoms", "visual field loss and headache"),
    "de": ("Symptome", "Gesichtsfeldausfall"),
    "fr": ("Symptômes", "troubles visuels"),
    "es": ("Síntomas", "alteración visual"),
    "it": ("Sintomi", "disturbi visivi"),
    "nl": ("Klachten", "gezichtsvelduitval"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_long_symptom_line_is_read(tmp_path: Path, lang: str) -> None:
    test, text = SYMPTOM_LINES[lang]
    results = _long(tmp_path, [(test, text, "")])
    assert _priorities(results) == ["urgent"]


# A line named after a finding or an examination: yes, in words, and no.
FINDING_LINES = {
    "en": [("Visual disturbance", "yes"), ("Visual fields", "bitemporal hemianopia")],
    "de": [("Sehstörung", "ja"), ("Gesichtsfeld", "eingeschränkt")],
    "fr": [("Troubles visuels", "oui"), ("Champ visuel", "amputé")],
    "es": [("Alteración visual", "sí"), ("Campo visual", "reducido")],
    "it": [("Disturbi visivi", "sì"), ("Campo visivo", "ridotto")],
    "nl": [("Gezichtsvelduitval", "ja"), ("Gezichtsveld", "beperkt")],
}


@pytest.mark.parametrize("lang", LANGS)
def test_long_finding_and_examination_lines_are_read(tmp_path: Path, lang: str) -> None:
    (finding, yes), (exam, text) = FINDING_LINES[lang]
    no = FINDING_HEADERS[lang][3]
    results = _long(tmp_path, [(finding, yes, ""), (exam, text, ""), (finding, no, "")])
    assert _priorities(results) == ["urgent", "urgent", "routine"]


IMAGING_LINES = {
    "en": ("MRI pituitary", "macroadenoma 15 mm"),
    "de": ("MRT Hypophyse", "Makroadenom 15 mm"),
    "fr": ("IRM hypophysaire", "macroadénome de 15 mm"),
    "es": ("RM hipofisis", "macroadenoma de 15 mm"),
    "it": ("RM ipofisi", "macroadenoma di 15 mm"),
    "nl": ("MRI hypofyse", "macroadenoom 15 mm"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_long_pituitary_imaging_line_is_the_lesion(tmp_path: Path, lang: str) -> None:
    test, text = IMAGING_LINES[lang]
    results = _long(tmp_path, [(test, text, "")])
    row = results.iloc[0]
    assert "known_pituitary_lesion" in str(row["factors"])
    assert "hook_effect_risk" in str(row["suggestions"])
    assert f"pituitary_lesion: '{text}'" in str(row["factor_evidence"])


@pytest.mark.parametrize("lang", LANGS)
def test_long_pituitary_size_in_mm_is_the_lesion_size(tmp_path: Path, lang: str) -> None:
    test = IMAGING_LINES[lang][0]
    results = _long(tmp_path, [(test, "15", "mm")])
    assert "known_pituitary_lesion" in str(results["factors"].iloc[0])
    assert "hook_effect_risk" in str(results["suggestions"].iloc[0])


CONTEXT_LINES = {
    # breastfeeding, pregnancy, medication, a comment on the order
    "en": [
        ("Lactating", "yes"),
        ("Pregnant", "yes"),
        ("Drugs", "haloperidol 5 mg"),
        ("Order comment", "visual field loss"),
    ],
    "de": [
        ("Stillzeit", "ja"),
        ("Schwanger", "ja"),
        ("Dauermedikation", "Haloperidol 5 mg"),
        ("Auftragskommentar", "Gesichtsfeldausfall"),
    ],
    "fr": [
        ("Allaitement", "oui"),
        ("Enceinte", "oui"),
        ("Traitement", "halopéridol 5 mg"),
        ("Commentaire de la demande", "troubles visuels"),
    ],
    "es": [
        ("Lactante", "sí"),
        ("Embarazada", "sí"),
        ("Tratamiento", "haloperidol 5 mg"),
        ("Comentario de la petición", "alteración visual"),
    ],
    "it": [
        ("Lattazione", "sì"),
        ("Incinta", "sì"),
        ("Terapia", "aloperidolo 5 mg"),
        ("Commento richiesta", "disturbi visivi"),
    ],
    "nl": [
        ("Lactatie", "ja"),
        ("Zwanger", "ja"),
        ("Medicatie", "haloperidol 5 mg"),
        ("Opmerking aanvraag", "gezichtsvelduitval"),
    ],
}


@pytest.mark.parametrize("lang", LANGS)
def test_long_context_lines_in_six_languages(tmp_path: Path, lang: str) -> None:
    lines = [(test, value, "") for test, value in CONTEXT_LINES[lang]]
    results = _long(tmp_path, lines).sort_values("patient_id")
    factors = [str(f) for f in results["factors"]]
    assert "lactation" in factors[0]
    assert "pregnancy" in factors[1]
    assert "medication:antipsychotic" in factors[2]
    assert "medication_review" in str(results["suggestions"].iloc[2])
    assert _priorities(results)[3] == "urgent"


# ------------------------------------------------------------------------------------------------
# One vocabulary per field
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("test", "field"),
    [
        ("pregnancy_status", "pregnant"),
        ("gestational_age", "gestational_weeks"),
        ("breastfeeding_status", "lactating"),
        ("medication_use", "medications"),
        ("symptoms", "symptoms"),
        ("pituitary_imaging", "pituitary_lesion"),
    ],
)
def test_long_lines_are_named_with_the_fields_own_words(test: str, field: str) -> None:
    """Every header synonym and word rule of the field names its result line: a word added to
    the field's table names both."""
    spec = next(s for s in lab_tests() if s.name == test)
    words = field_specs()[field]
    assert set(words.synonyms) <= spec.names
    assert set(words.rules) <= set(spec.rules)
    assert words.exclude <= spec.exclude


def test_long_notes_are_named_with_the_note_columns_words() -> None:
    spec = next(s for s in lab_tests() if s.name == "clinical_notes")
    words = header_vocabulary("note_columns")
    assert set(words.synonyms) <= spec.names
    assert set(words.rules) <= set(spec.rules)


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("Clinical notes", "ng/mL"),
        ("Kommentar", "IU/L"),
        ("Commentaire", "mmol/L"),
        ("Comentarios", "mg/dL"),
        ("Commenti", "mU/L"),
        ("Opmerking", "%"),
    ],
)
def test_long_notes_line_in_a_unit_of_measure_is_another_test(name: str, unit: str) -> None:
    """A notes line is read by its name; a number in a unit of measure under it is another
    test's result, never read as notes (the name alone still is a notes line)."""
    assert classify_test("", "", name, None, unit) is None
    spec = classify_test("", "", name, None, "")
    assert spec is not None and spec.field == "comments"
