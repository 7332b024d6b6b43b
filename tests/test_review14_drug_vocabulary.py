"""Drug vocabulary of notes and national brands, in the six languages.

* A medication list after a label in a note ("Medikation: MCP 3x10mg", "Med: MCP 10 mg 1-1-1",
  "Traitement : MCP", "Tratamiento:", "Terapia:", "Medicatie:"; HL7 OBR-13 "Medikation: MCP
  10mg 1-1-1, Pantozol") is read as the medication column is, capital abbreviations too, up to the
  end of the list; a note with such a list gives the medications ("not given: medications" was
  said before, and MCP was missed).  Elsewhere in a note capitals stay no drug ("MCP joint").
* A drug or class as the first part of a German or Dutch compound ("Haloperidoltropfen",
  "Methadonprogramm", "Neuroleptikatherapie", "antipsychoticagebruik") and the class adjectives
  ("unter neuroleptischer Therapie", "terapia antipsicotica") name it.
* National brands (Sipralexa, Besitran, Tatig, Prisdal, Divarius, Aponal, Nortrilen, Stangyl,
  Polamidon, Palladon, Briserin, Meleril, Caberlin, Leganto ...) name their drug.
* A low or normal prolactin on a D2 partial agonist (aripiprazole) is expected and harmless and
  can mask a raised one (clinical-reference §3.2): it is not called a dopamine agonist.

Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.knowledge import drug_matcher, load_drugs
from triage.pipeline import TriageRequest, run_triage

HEADER = "Patient ID|Sex|Age|Prolactin|Unit|Comments|Medications\n"
DRUGS = tuple(load_drugs())
MATCHER = drug_matcher(DRUGS)
NOTES = drug_matcher(DRUGS, abbreviations=False, labelled=True)


def _run(tmp_path: Path, rows: list[tuple[float, str, str]]) -> pd.DataFrame:
    """One CSV of women aged 35 (prolactin in ng/mL, comment, medications), patients P0..."""
    lines = [
        f"P{i}|F|35|{value}|ng/mL|{comment}|{medications}"
        for i, (value, comment, medications) in enumerate(rows)
    ]
    return triage_csv(tmp_path, HEADER + "\n".join(lines) + "\n").set_index("patient_id")


def _codes(row: pd.Series, column: str) -> list[str]:
    value = row[column]
    return [] if pd.isna(value) or not value else str(value).split(";")


def _taken(text: str, matcher: object = MATCHER) -> list[str]:
    return [match.drug.name for match in matcher.find(text)]  # type: ignore[attr-defined]


# --- 1. a labelled medication list in a note -----------------------------------------------------
LABELLED_MCP = {
    "en": ["Medication: MCP 10 mg tds", "Meds: MCP 10 mg, omeprazole", "Rx: MCP 10 mg"],
    "de": ["Medikation: MCP 3x10mg", "Med: MCP 10 mg 1-1-1", "Dauermedikation: MCP 10 mg"],
    "fr": ["Traitement : MCP 10 mg", "TTT habituel : MCP 10 mg x3", "Ttt: MCP"],
    "es": ["Tratamiento: MCP 10 mg", "Medicación: MCP 10 mg c/8h"],
    "it": ["Terapia: MCP 10 mg", "Farmaci: MCP 10 mg"],
    "nl": ["Medicatie: MCP 10 mg 3dd", "Medicijnen: MCP 10 mg"],
}


@pytest.mark.parametrize("language", sorted(LABELLED_MCP))
def test_a_labelled_list_in_a_note_reads_capital_abbreviations(
    tmp_path: Path, language: str
) -> None:
    notes = LABELLED_MCP[language]
    results = _run(tmp_path, [(60, note, "") for note in notes])
    for index, note in enumerate(notes):
        row = results.loc[f"P{index}"]
        assert "medication:antiemetic_prokinetic" in _codes(row, "factors"), note
        assert "not given: medications" not in str(row["factor_evidence"]), note


LABELLED_OTHER = {
    "en": "Medication: ramipril 5 mg",
    "de": "Medikation: Ramipril 5 mg 1-0-0",
    "fr": "Traitement : ramipril 5 mg",
    "es": "Tratamiento: ramipril 5 mg",
    "it": "Terapia: ramipril 5 mg",
    "nl": "Medicatie: ramipril 5 mg",
}


@pytest.mark.parametrize("language", sorted(LABELLED_OTHER))
def test_a_note_with_a_medication_list_gives_the_medications(tmp_path: Path, language: str) -> None:
    note = LABELLED_OTHER[language]
    row = _run(tmp_path, [(60, note, "")]).loc["P0"]
    evidence = str(row["factor_evidence"])
    assert _codes(row, "factors") == ["unexplained"], note
    assert "not given: medications" not in evidence, evidence
    assert "no prolactin-raising drug recognised in 'ramipril 5 mg" in evidence.replace(
        "Ramipril", "ramipril"
    ), evidence
    # the comment says the medication cause was looked for
    assert "no medication cause found" in str(row["comment"]), row["comment"]


def test_hl7_clinical_information_lists_the_medications(tmp_path: Path) -> None:
    message = "\r".join(
        [
            "MSH|^~\\&|SYNTHLAB|LAB1|RECV|CLINIC|20261120120000||ORU^R01|M-1|P|2.5.1",
            "PID|1||H001^^^LAB^MR||SYNTH^Anna||19850301|F",
            "OBR|1|P1|F1|PRL^Prolactin^L|||20261120081500||||||"
            "Medikation: MCP 10mg 1-1-1, Pantozol",
            "OBX|1|NM|2842-3^Prolactin^LN||60|ng/mL|4.8-23.3||||F",
        ]
    )
    path = tmp_path / "m.hl7"
    path.write_text(message + "\r", encoding="utf-8")
    results = run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True)
    ).results
    row = results.iloc[0]
    assert "medication:antiemetic_prokinetic" in _codes(row, "factors")
    assert "not given: medications" not in str(row["factor_evidence"])


# outside a labelled list, or stopped, capitals stay no drug
NOT_LISTED = [
    "MCP joint swollen, ?RA",
    "Medikation: Pantozol 40 mg. MCP-Gelenk geschwollen",
    "Med: Ibuprofen 400 mg; Diagnose: MCP-Arthritis",
    "Medication: paracetamol\nMCP joint swollen",
    "(Medikation: Pantozol) MCP-Gelenk geschwollen",
    "previous medication: MCP",
    "Medikation: MCP abgesetzt",
    "Allergien: MCP",
]


@pytest.mark.parametrize(
    ("note", "drugs"),
    [
        ("Medikation:\n- MCP 10 mg 1-1-1\n- Pantozol 40 mg", ["metoclopramide"]),
        ("Medikation: Risperdal 2 mg (abends), MCP 10 mg", ["risperidone", "metoclopramide"]),
        ("Galaktorrhoe. Med: MCP 10 mg 1-1-1; Allergien: keine", ["metoclopramide"]),
        ("Medikation: MST 30 mg 1-0-1", ["morphine"]),
    ],
)
def test_a_labelled_list_runs_to_its_end(note: str, drugs: list[str]) -> None:
    assert _taken(note, NOTES) == drugs, note
    for other in NOT_LISTED:
        assert "metoclopramide" not in _taken(other, NOTES), other


# --- 2. compounds and class adjectives --------------------------------------------------------
COMPOUNDS = {
    "de": [
        ("Haloperidoltropfen 3x10 Trpf.", "haloperidol"),
        ("Methadonprogramm 80 mg/d", "methadone"),
        ("Risperidontherapie seit 2024", "risperidone"),
        ("Neuroleptikatherapie seit 2020", "antipsychotic (unspecified)"),
        ("Opiattherapie", "opioid (unspecified)"),
        ("Opioidtherapie", "opioid (unspecified)"),
        ("Pat. unter neuroleptischer Therapie", "antipsychotic (unspecified)"),
        ("antipsychotische Medikation", "antipsychotic (unspecified)"),
        ("Fentanylpflaster 25 µg/h", "fentanyl"),
    ],
    "nl": [
        ("antipsychoticagebruik", "antipsychotic (unspecified)"),
        ("methadonprogramma 60 mg", "methadone"),
        ("haloperidoldruppels 3dd 5", "haloperidol"),
        ("antipsychotische medicatie", "antipsychotic (unspecified)"),
    ],
    "it": [
        ("in terapia antipsicotica da 2 anni", "antipsychotic (unspecified)"),
        ("terapia neurolettica", "antipsychotic (unspecified)"),
        ("opioidi per dolore cronico", "opioid (unspecified)"),
    ],
    "es": [("medicación antipsicótica", "antipsychotic (unspecified)")],
}


# a drug's name glued to other letters, or stopped, names none
NO_COMPOUND = [
    "Psychotherapie",
    "Verhaltenstherapie seit 2020",
    "Substitutionstherapie geplant",
    "Hormontherapie",
    "Haloperidoltropfenflasche",  # a longer word: no compound of the list
    "Haloperidoltropfen abgesetzt",
    "Haloperidoltropfen 0-0-0",
    "keine Neuroleptikatherapie",
    "gedragstherapie",
]


@pytest.mark.parametrize("language", sorted(COMPOUNDS))
def test_compounds_and_class_adjectives_name_the_drug(tmp_path: Path, language: str) -> None:
    cases = COMPOUNDS[language]
    for text, drug in cases:
        assert _taken(text) == [drug], text
        assert _taken(text, NOTES) == [drug], text
    for text in NO_COMPOUND:
        assert _taken(text) == [], text
    assert _taken("Amisulpridtherapie") == ["amisulpride"]  # never sulpiride
    results = _run(tmp_path, [(60, text, "") for text, _ in cases])
    for index, (text, _) in enumerate(cases):
        factors = _codes(results.loc[f"P{index}"], "factors")
        assert any(code.startswith("medication:") for code in factors), (text, factors)


# --- 3. national brands ------------------------------------------------------------------------
BRANDS = [
    ("Sipralexa 10 mg", "escitalopram"),
    ("Esertia 10 mg", "escitalopram"),
    ("Besitran 50 mg", "sertraline"),
    ("Aremis 50 mg", "sertraline"),
    ("Tatig 50 mg", "sertraline"),
    ("Adofen 20 mg", "fluoxetine"),
    ("Prisdal 20 mg", "citalopram"),
    ("Elopram 20 mg", "citalopram"),
    ("Motivan 20 mg", "paroxetine"),
    ("Frosinor 20 mg", "paroxetine"),
    ("Divarius 20 mg", "paroxetine"),
    ("Sinquan 25 mg", "doxepin"),
    ("Aponal 25 mg", "doxepin"),
    ("Quitaxon 10 mg", "doxepin"),
    ("Nortrilen 25 mg", "nortriptyline"),
    ("Stangyl 100 mg", "trimipramine"),
    ("Surmontil 25 mg", "trimipramine"),
    ("Trimipramin 50 mg", "trimipramine"),
    ("Polamidon 5 mg/ml", "levomethadone"),
    ("Palladon 4 mg", "hydromorphone"),
    ("MST 30 mg 1-0-1", "morphine"),
    ("Briserin N", "reserpine"),
    ("Meleril 50 mg", "thioridazine"),
    ("Caberlin 0,5 mg", "cabergoline"),
    ("Leganto 2 mg/24 h", "rotigotine"),
]


@pytest.mark.parametrize(("text", "drug"), BRANDS)
def test_national_brands_name_their_drug(text: str, drug: str) -> None:
    assert _taken(text) == [drug], text


def test_trimipramine_is_a_tricyclic_graded_as_the_others() -> None:
    drug = next(d for d in DRUGS if d.name == "trimipramine")
    assert drug.drug_class == "antidepressant" and drug.effect == "raises"
    assert drug.frequency == "low" and "N06AA06" in drug.atc and "§3.1" in drug.source


def test_a_bare_mst_is_a_drug_only_in_a_medication_list() -> None:
    assert _taken("MST 30 mg", NOTES) == []  # a note: MST is no drug unless listed
    assert _taken("Therapie: MST 30 mg", NOTES) == ["morphine"]
    assert _taken("mst 30 mg") == []  # capitals only


@pytest.mark.parametrize("medication", ["Caberlin 0,5 mg 2x/Woche", "Leganto 2 mg/24 h"])
def test_lowering_brands_give_the_masking_caution(tmp_path: Path, medication: str) -> None:
    row = _run(tmp_path, [(8, "", medication)]).loc["P0"]
    assert "dopamine_agonist_masking" in _codes(row, "suggestions"), medication


# --- 4. a D2 partial agonist is no dopamine agonist ------------------------------------------
@pytest.mark.parametrize("medication", ["Abilify 10 mg", "cariprazine 3 mg", "Rexulti 2 mg"])
def test_a_low_prolactin_on_a_partial_agonist_is_expected_not_a_dopamine_agonist(
    tmp_path: Path, medication: str
) -> None:
    row = _run(tmp_path, [(1.5, "", medication)]).loc["P0"]
    assert "dopamine_agonist_masking" in _codes(row, "suggestions")  # the contract's code
    assert "Dopamine agonist" not in str(row["comment"]), row["comment"]
    (detail,) = [d for d in row["suggestion_details"] if d["code"] == "dopamine_agonist_masking"]
    assert "dopamine agonist" not in detail["label"].lower(), detail
    assert "expected and harmless" in detail["reason"], detail
    assert "mask a raised prolactin" in detail["reason"], detail
    assert "does not exclude a prolactinoma" not in detail["reason"], detail


def test_a_dopamine_agonist_still_does_not_exclude_a_prolactinoma(tmp_path: Path) -> None:
    results = _run(tmp_path, [(1.5, "", "cabergoline 0.5 mg"), (1.5, "", "Abilify; Dostinex")])
    for patient in ("P0", "P1"):
        details = results.loc[patient, "suggestion_details"]
        (detail,) = [d for d in details if d["code"] == "dopamine_agonist_masking"]
        assert "cabergoline lowers prolactin" in detail["reason"], detail
        assert "does not exclude a prolactinoma" in detail["reason"], detail
    both = results.loc["P1", "suggestion_details"]
    assert any("expected and harmless" in d["reason"] for d in both)
